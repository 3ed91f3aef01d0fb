/*
 * Text rules: PCRE2 patterns from a rubric, compiled once (JIT where the
 * platform has it) and matched with limits so that a hostile pattern ends in
 * a diagnostic, never a hang. Patterns are compiled with UTF, UCP and
 * MULTILINE (^ and $ match at line ends), and CASELESS when the rule asks.
 */
#ifndef MERIT_TEXTRULE_H
#define MERIT_TEXTRULE_H

#include "internal.h"

/* Compiles rule->pattern into rule->compiled; a bad pattern is reported at
 * loc with PCRE2's message and the offset in the pattern. */
int merit__textrule_compile(merit_ctx *ctx, merit_rule *rule, merit_loc loc);
void merit__textrule_free(merit_textrule *compiled);

typedef enum merit_match_result {
    MERIT_MATCH_NO = 0,
    MERIT_MATCH_YES = 1,
    MERIT_MATCH_LIMIT = 2, /* the match limit was hit: undecided */
    MERIT_MATCH_ERROR = 3,
} merit_match_result;

/* Matches subject (valid UTF-8, as every libxml2 text is) against the rule.
 * Every match reuses the rule's one match data block: a rule is matched on
 * one thread at a time (text rules run as proposals load, and proposals
 * load on one thread). */
merit_match_result merit__textrule_match(const merit_textrule *compiled, const char *subject,
                                         size_t length);

/* Zero bytes to allocate after a subject's end: PCRE2's JIT reads ahead in
 * blocks of up to 16 or 32 bytes and may touch bytes past the subject
 * (harmless on the hardware, but not memory the subject owns, and valgrind
 * says so). Subjects are allocated with this much to spare. */
#define MERIT_SUBJECT_PAD 64

/* The heap limit of a match; the match limit is the context's ("match"
 * in merit_limits, default 10,000,000), which suits sections of up to
 * 100,000 characters. */
#define MERIT_HEAP_LIMIT_KIB_DEFAULT 65536u

#endif
