/*
 * Allocation-failure torture, as curl's test suite does it: a whole ranking
 * of the example call (load, rank, every report, the audit trail) is run
 * once to count its allocations, then again with the 1st, 2nd, 3rd, ...
 * allocation failing: merit's own and jansson's go through the counting
 * hook. Every run must end cleanly: either an error code with a diagnostic
 * (or the context's out-of-memory flag), or, if the failure was absorbed,
 * exactly the output of the faultless run. Leaks and crashes are caught by
 * the sanitizer build and by valgrind in CI.
 *
 * libxml2's allocations are not failed here: libxml2 2.9.14 itself crashes
 * when some allocations inside xmlSchemaValidateDoc or xmlSchemaParse fail
 * (found by this test; see docs/robustness.md), and GMP aborts by design
 * when memory runs out.
 *
 * MERIT_TORTURE_STRIDE=k tries every k-th allocation only (default: every
 * allocation up to 3000, then a stride that keeps the run to about 3000);
 * MERIT_TORTURE_TRIES=n lowers that 3000 (and the two-thread run's 1000)
 * to n: tests/CMakeLists.txt sets 1000 in a sanitizer build.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "support.h"

#include "internal.h"
#include "merit/audit.h"
#include "merit/model.h"
#include "merit/result.h"
#include "report.h"

struct output {
    char *text;
    size_t size;
};

static uint64_t current_failure;
/* the call under torture: a folder of proposals/ */
static const char *call_name = "mfg-2026";

/* One whole run, the call read on `threads` threads; *out gets the
 * concatenated outputs when it succeeds. */
static int run_once(struct output *out, unsigned threads)
{
    out->text = NULL;
    out->size = 0;
    merit_ctx *ctx = merit_ctx_new();
    if (ctx == NULL)
        return MERIT_ENOMEM;
    merit_ctx_set_threads(ctx, threads);
    merit_call *call = NULL;
    merit_result *res = NULL;
    char *dir = t_sprintf(MERIT_SOURCE_DIR "/proposals/%s", call_name);
    int rc = merit_call_load(ctx, dir, &call);
    free(dir);
    if (rc == 0)
        rc = merit_call_rank(ctx, call, NULL, &res);
    if (rc == 0) {
        FILE *f = open_memstream(&out->text, &out->size);
        assert_non_null(f);
        merit_report_options opt = {.places = 2};
        const char *argv[] = {"merit", "rank"};
        merit_audit_info info = {.argc = 2, .argv = argv, .places = 2};
        if (t_report("text", f, res, &opt) != 0 || t_report("json", f, res, &opt) != 0 ||
            t_report("csv", f, res, &opt) != 0)
            rc = MERIT_ENOMEM;
        if (rc == 0)
            rc = merit_audit_write(ctx, res, &info, f, NULL);
        fclose(f);
    } else if (merit_ctx_diag_count(ctx) == 0 && !merit_ctx_out_of_memory(ctx)) {
        fail_msg("allocation %llu: error %d without a diagnostic",
                 (unsigned long long)current_failure, rc);
    }
    merit_result_free(res);
    merit_call_free(call);
    merit_ctx_free(ctx);
    return rc;
}

/* A whole number from the environment, or 0 when unset or not one. */
static uint64_t env_count(const char *name)
{
    const char *v = getenv(name);
    char *end = NULL;
    errno = 0;
    unsigned long long n = v != NULL ? strtoull(v, &end, 10) : 0;
    return v != NULL && end != v && *end == '\0' && errno == 0 ? (uint64_t)n : 0;
}

/* Fails allocations 1, 1 + stride, ... of the run; `tries` sets the
 * default stride (about that many runs). */
static void torture(unsigned threads, uint64_t tries)
{
    struct output clean;
    merit__alloc_fail_at(0);
    assert_int_equal(run_once(&clean, threads), 0);
    uint64_t total = merit__alloc_count();
    assert_true(total > 100);

    /* MERIT_TORTURE_TRIES caps the runs (the sanitizer build's is smaller:
     * each run there is ten times slower) */
    uint64_t cap = env_count("MERIT_TORTURE_TRIES");
    if (cap > 0 && cap < tries)
        tries = cap;
    uint64_t stride = total > tries ? total / tries : 1;
    if (env_count("MERIT_TORTURE_STRIDE") > 0)
        stride = env_count("MERIT_TORTURE_STRIDE");
    uint64_t failed = 0, absorbed = 0;
    for (uint64_t n = 1; n <= total; n += stride) {
        merit__alloc_fail_at(n);
        current_failure = n;
        struct output got;
        int rc = run_once(&got, threads);
        merit__alloc_fail_at(0);
        if (rc == 0) {
            /* the failure was absorbed: the output must not have changed */
            if (got.size != clean.size || memcmp(got.text, clean.text, clean.size) != 0) {
                size_t i = 0, line_start = 0;
                while (i < got.size && i < clean.size && got.text[i] == clean.text[i])
                    if (got.text[i++] == '\n')
                        line_start = i;
                fail_msg("allocation %llu failed silently and changed the output here:\n%.200s",
                         (unsigned long long)n, got.text + line_start);
            }
            absorbed++;
        } else {
            failed++;
        }
        free(got.text);
    }
    fprintf(stderr,
            "torture (%u thread%s): %llu allocations, %llu tried: %llu ended in an error, %llu "
            "absorbed\n",
            threads, threads == 1 ? "" : "s", (unsigned long long)total,
            (unsigned long long)(failed + absorbed), (unsigned long long)failed,
            (unsigned long long)absorbed);
    assert_true(failed > 0);
    free(clean.text);
}

static void test_every_allocation_fails_cleanly(void **state)
{
    (void)state;
    torture(1, 3000);
}

/* With proposals and sheets read on two threads, which allocation is the
 * n-th depends on the interleaving; whichever fails, the run must still end
 * cleanly, and the merging of the two threads' results too. */
static void test_allocations_fail_cleanly_on_two_threads(void **state)
{
    (void)state;
    torture(2, 1000);
}

/* The neutral example: free sections, declared facts, a rubric's
 * requirements, and the reports' choice of what to show, each allocation
 * failing in turn (the call is small: every one is tried). */
static void test_the_neutral_example_fails_cleanly(void **state)
{
    (void)state;
    call_name = "foundation-2027";
    torture(1, 100000);
    call_name = "mfg-2026";
}

int main(void)
{
    /* jansson allocates through the counting hook, as merit does */
    json_set_alloc_funcs(merit__malloc, free);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_allocation_fails_cleanly),
        cmocka_unit_test(test_allocations_fail_cleanly_on_two_threads),
        cmocka_unit_test(test_the_neutral_example_fails_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
