/* PCRE2 text rules: see textrule.h. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "textrule.h"

struct merit_textrule {
    pcre2_code *code;
    pcre2_match_context *mctx;
    pcre2_match_data *data; /* reused by every match (one thread) */
};

void merit__textrule_free(merit_textrule *t)
{
    if (t == NULL)
        return;
    pcre2_match_data_free(t->data);
    pcre2_match_context_free(t->mctx);
    pcre2_code_free(t->code);
    free(t);
}

int merit__textrule_compile(merit_ctx *ctx, merit_rule *rule, merit_loc loc)
{
    merit_textrule *t = merit__calloc(1, sizeof(*t));
    if (t == NULL)
        return merit__oom(ctx);
    uint32_t options = PCRE2_UTF | PCRE2_UCP | PCRE2_MULTILINE | PCRE2_NEVER_BACKSLASH_C;
    if (rule->caseless)
        options |= PCRE2_CASELESS;
    int errcode = 0;
    PCRE2_SIZE erroffset = 0;
    t->code = pcre2_compile((PCRE2_SPTR)rule->pattern, PCRE2_ZERO_TERMINATED, options, &errcode,
                            &erroffset, NULL);
    if (t->code == NULL) {
        PCRE2_UCHAR msg[256];
        if (pcre2_get_error_message(errcode, msg, sizeof(msg)) < 0)
            strcpy((char *)msg, "unknown error");
        merit__textrule_free(t);
        return merit__error_at(ctx, loc, "invalid pattern in text rule '%s': %s at offset %zu",
                               rule->id, (const char *)msg, (size_t)erroffset);
    }
    /* JIT is an optimisation: where it is missing the interpreter runs. */
    (void)pcre2_jit_compile(t->code, PCRE2_JIT_COMPLETE);
    t->mctx = pcre2_match_context_create(NULL);
    t->data = pcre2_match_data_create_from_pattern(t->code, NULL);
    if (t->mctx == NULL || t->data == NULL) {
        merit__textrule_free(t);
        return merit__oom(ctx);
    }
    pcre2_set_match_limit(t->mctx, ctx->limits.match_limit);
    pcre2_set_heap_limit(t->mctx, MERIT_HEAP_LIMIT_KIB_DEFAULT);
    rule->compiled = t;
    return 0;
}

merit_match_result merit__textrule_match(const merit_textrule *t, const char *subject,
                                         size_t length)
{
    int rc =
        pcre2_match(t->code, (PCRE2_SPTR)subject, length, 0, PCRE2_NO_UTF_CHECK, t->data, t->mctx);
    if (rc >= 0)
        return MERIT_MATCH_YES;
    if (rc == PCRE2_ERROR_NOMATCH)
        return MERIT_MATCH_NO;
    if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT ||
        rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT)
        return MERIT_MATCH_LIMIT;
    return MERIT_MATCH_ERROR;
}
