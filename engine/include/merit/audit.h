/*
 * The audit trail and its replay. A trail is JSON Lines (docs/audit.md): a
 * header with merit's version, build, maths version, command line, options
 * and time; the SHA-256 of every input; then every step of the calculation in
 * a fixed order (reviews counted or excluded, criterion aggregates with their
 * inputs, totals, threshold and eligibility tests, the orders decided between
 * neighbours, the funding walk), the final ranking, the reports written, and
 * a closing record. Each line records the SHA-256 of the line before it, so
 * that an edited, removed or reordered line breaks the chain.
 *
 * The trail is built only from the result model and the call it borrows.
 */
#ifndef MERIT_AUDIT_H
#define MERIT_AUDIT_H

#include <stdio.h>

#include "merit.h"
#include "result.h"

#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif
#ifdef __cplusplus
extern "C" {
#endif

/* The version of merit's scoring maths. It changes whenever a change to the
 * code would change any number, status or rank for the same inputs; a trail
 * of another maths version is reported as such by the replay, not as
 * tampering. */
#define MERIT_MATHS_VERSION 2
/* The version of the trail's format. 2 records the limits, the trail's own
 * name, why an input was not read, and rejected files relative to the call
 * folder; 3 the rule at the funding line (options.funding) and the
 * lottery record, the rank intervals' settings (resamples, level, seed) and
 * their `interval` and `line` records, and what merit stats computes
 * (reviewer calibration and agreement). A replay still reads formats 1 and
 * 2 (docs/audit.md). */
#define MERIT_AUDIT_FORMAT 3

typedef struct merit_audit_report {
    const char *path;   /* as the user named it; "-" for standard output */
    const char *format; /* "text", "csv", "csv-detail", "json", "explain" */
    unsigned char sha256[32];
} merit_audit_report;

typedef struct merit_audit_info {
    int argc;
    const char *const *argv; /* the command line, recorded as given */
    long long time;          /* seconds since the epoch, recorded in UTC */
    unsigned places;         /* decimal places shown */
    bool method_overridden;  /* the method came from the command line */
    bool keep_going;         /* the call was loaded with keep-going */
    const merit_audit_report *reports;
    size_t report_count;
    /* The limits the call was loaded with; NULL: those of the context
     * passed to merit_audit_write (normally the one that loaded it). */
    const merit_limits *limits;
    const char *audit_path; /* the trail's own file as the user named it, or NULL */
    /* which of the rank intervals' settings came from the command line
     * (the others are defaults): MERIT_AUDIT_GIVEN_* bits */
    unsigned intervals_given;
} merit_audit_info;
#define MERIT_AUDIT_GIVEN_RESAMPLES 1u
#define MERIT_AUDIT_GIVEN_LEVEL 2u
#define MERIT_AUDIT_GIVEN_SEED 4u

/* Writes the trail of a ranked call to out. When final_hex is not NULL it
 * receives the SHA-256 (hex) of the closing line, which a careful auditor
 * keeps apart from the trail. Returns 0 or a merit_error. */
int merit_audit_write(merit_ctx *ctx, const merit_result *result, const merit_audit_info *info,
                      FILE *out, char final_hex[65]);
/* The same into a sink (merit/report.h), which also hashes the whole
 * trail; a sink that has failed before is left as it is (its error is
 * returned). */
struct merit_sink;
int merit_audit_write_to(merit_ctx *ctx, const merit_result *result, const merit_audit_info *info,
                         struct merit_sink *sink, char final_hex[65]);

/* What changed between two trails, or a trail and its recomputation
 * (docs/audit.md, "What changed"): each is said in a note. */
typedef struct merit_trail_changes {
    size_t scores;     /* scores changed, added or removed, confidences changed */
    size_t aggregates; /* aggregates (proposal x criterion) whose value moved */
    size_t totals;     /* proposals whose total moved */
    size_t ranks;      /* proposals whose rank moved (a shared rank included) */
    size_t statuses;   /* proposals whose status changed */
    bool funding;      /* the funded count, the sum awarded or what remains */
} merit_trail_changes;

/* What a replay found, as a script needs it (docs/audit.md). */
typedef enum merit_replay_outcome {
    MERIT_REPLAY_IDENTICAL = 0, /* every input, step and report checked, equal */
    MERIT_REPLAY_UNCHECKED,     /* every input and step reproduced, but a report was not
                                   checked (not found, not a regular file, unreadable) */
    MERIT_REPLAY_TEXT_ONLY,     /* an input's hash changed, but every step reproduces:
                                   the change is outside the scores (a comment, spaces) */
    MERIT_REPLAY_DIVERGED,      /* anything else: a step, the trail, a report, an input
                                   missing or extra, or the trail could not be replayed */
} merit_replay_outcome;

typedef struct merit_replay_summary {
    size_t records;               /* lines in the trail */
    size_t inputs;                /* input files checked */
    size_t steps;                 /* calculation steps compared */
    size_t reports;               /* reports re-hashed */
    size_t reports_unchecked;     /* reports not found or not readable */
    size_t inputs_changed;        /* inputs read then and now whose hash differs */
    merit_replay_outcome outcome; /* what the exit status is made of */
    merit_trail_changes changes;  /* when inputs or steps differ */
} merit_replay_summary;

/* What a trail's header records, as a replay read it (after its chain was
 * checked). Strings are borrowed from the trail, valid during the check. */
typedef struct merit_replay_header {
    int format; /* the trail's format: 1 to 3 */
    /* argc, argv (the recorded command), places, method_overridden,
     * keep_going, reports, audit_path (NULL in format 1) and limits (which
     * points at the field below); time is not read back (0). */
    merit_audit_info info;
    merit_limits limits; /* every field set; format 1, which does not
                            record them: the defaults, which the check may
                            replace by what the recorded command says */
    merit_method method;
    /* the rank intervals' settings (format 3; before it: resamples 0, level
     * 90, seed NULL); info.intervals_given says which the command line gave */
    size_t resamples;
    unsigned level;
    const char *seed;         /* NULL when the trail computed no intervals */
    const char *call_dir;     /* the call folder as the trail records it */
    const char *call_file;    /* its call file, as the first input records it:
                                 call.xml, or the name of a call file given
                                 itself; NULL when the trail records none */
    const char *lottery_seed; /* format 3: the seed --lottery gave, or NULL */
    const char *merit;        /* the version and build that wrote the trail */
    const char *build;
} merit_replay_header;

/* Checks what the library cannot know: that the recorded command line
 * says what the recorded settings say (the merit command re-parses it with
 * its own parser). Returns NULL when it does; else a malloc'd sentence
 * naming the first difference, which the replay reports as a divergence at
 * the header and frees. */
typedef char *(*merit_replay_check_fn)(void *user, merit_replay_header *header);

typedef struct merit_replay_options {
    const char *calldir;         /* NULL: the call folder the trail records */
    merit_replay_check_fn check; /* NULL: the command line is not checked */
    void *check_user;
} merit_replay_options;

/*
 * Replays a trail: checks its chain, its format and maths version, its
 * header (and, through options->check, its command line), re-hashes every
 * input under the call folder (only files a ranking could have read there,
 * by the same rules as the loader, links included), re-runs the calculation
 * with the recorded settings and limits, and compares every step. The
 * context's file-size limit bounds the trail itself, nothing else. Returns
 * 0 when every input and step reproduces (summary_out->outcome then says
 * whether every report was checked too); MERIT_EDIVERGED when anything
 * differs (the diagnostics name the line of the trail, the step, the
 * recorded and the recomputed value, or the file with both hashes; when
 * inputs or steps differ, notes then say what changed, as merit_trail_diff
 * does, and outcome says whether only text outside the scores changed);
 * other merit_error codes when the trail cannot be read.
 */
int merit_replay_with(merit_ctx *ctx, const char *trail_path, const merit_replay_options *options,
                      merit_replay_summary *summary_out);
/* What merit_trail_diff found. */
typedef struct merit_diff_summary {
    size_t inputs; /* input records that differ: a hash, a file only in one */
    size_t steps;  /* step records that differ, or stand in one trail only */
    merit_trail_changes changes;
} merit_diff_summary;

/*
 * Compares two trails, both chain-checked first, without recomputing:
 * the inputs by path, the steps in order, and a change summary from their
 * `aggregate`, `total` and `ranking` records (the scores that differ, then
 * the aggregates, totals, ranks, statuses and funding that moved), each a
 * note on the context, at the line of trail_a (of trail_b for what only it
 * has). Returns 0 when the trails record the same inputs and steps;
 * MERIT_EDIVERGED when they differ (out->steps == 0: only inputs differ,
 * every step is equal) or a trail's chain breaks (an error names the line);
 * other merit_error codes when a trail cannot be read.
 */
int merit_trail_diff(merit_ctx *ctx, const char *trail_a, const char *trail_b,
                     merit_diff_summary *out);

/* merit_replay_with, calldir as the only option. */
int merit_replay(merit_ctx *ctx, const char *trail_path, const char *calldir,
                 merit_replay_summary *summary_out);

#ifdef __cplusplus
}
#endif
#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#endif
