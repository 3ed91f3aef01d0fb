/* Two or more threads each load and rank their own call at the same time
 * (merit.h, "Threads"): every thread's reports are the same bytes as one
 * thread's alone.
 *
 * The threads start together behind a barrier, before anything in the
 * process has touched libxml2 or compiled a schema, so that they race for
 * merit's process-wide state: libxml2's initialisation, the schemas
 * compiled on first use (schema.c) and the checked schema types
 * (schema_value.c). Before those were guarded (pthread_once, a lock), the
 * threads compiled the same schema at once; the ThreadSanitizer build of
 * .ci/run (docs/testing.md) reports such a race even when the bytes happen
 * to agree, which is why this test also runs there.
 *
 * Only the public API is used, as an embedding program would. cmocka's
 * assertions jump, so the threads only record what they got, and the main
 * thread checks. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "merit/model.h"
#include "merit/report.h"
#include "merit/result.h"
#include "merit/schemas.h"

#define THREADS 4
#define ROUNDS 2

static const char *const formats[] = {"text", "csv", "json", "html"};

struct job {
    pthread_barrier_t *start; /* NULL: run alone */
    unsigned loaders;         /* merit_ctx_set_threads */
    int rc;                   /* first failure, 0 when none */
    char *bytes;              /* every format's report, one after another; malloc'd */
    size_t size;
};

/* Loads proposals/mfg-2026, ranks it, and writes each format into
 * job->bytes, ROUNDS times over the same context (the second round finds the
 * schemas compiled). */
static void *run(void *arg)
{
    struct job *job = arg;
    if (job->start != NULL)
        (void)pthread_barrier_wait(job->start);
    FILE *out = open_memstream(&job->bytes, &job->size);
    if (out == NULL) {
        job->rc = MERIT_ENOMEM;
        return NULL;
    }
    merit_ctx *ctx = merit_ctx_new();
    if (ctx == NULL)
        job->rc = MERIT_ENOMEM;
    else
        merit_ctx_set_threads(ctx, job->loaders);
    for (int round = 0; round < ROUNDS && job->rc == 0; round++) {
        merit_call *call = NULL;
        merit_result *res = NULL;
        merit_rank_options ro = {0};
        job->rc = merit_call_load(ctx, MERIT_SOURCE_DIR "/proposals/mfg-2026", &call);
        if (job->rc == 0)
            job->rc = merit_call_rank(ctx, call, &ro, &res);
        for (size_t f = 0; f < sizeof(formats) / sizeof(formats[0]) && job->rc == 0; f++) {
            const merit_writer *w = merit_writer_find(formats[f]);
            merit_report_options opt = {.places = 2};
            merit_sink sink;
            merit_sink_init(&sink, out, false);
            job->rc = w == NULL ? MERIT_EUSAGE : w->write(&sink, res, &opt);
            int finished = merit_sink_finish(&sink, NULL);
            if (job->rc == 0)
                job->rc = finished;
        }
        merit_result_free(res);
        merit_call_free(call);
        if (job->rc == 0 && merit_ctx_diag_count(ctx) != 0)
            job->rc = MERIT_EINVALID; /* the example call has no diagnostics */
    }
    merit_ctx_free(ctx);
    if (fclose(out) != 0 && job->rc == 0)
        job->rc = MERIT_EIO;
    return NULL;
}

static void threads_give_the_same_bytes_as_one(void **state)
{
    (void)state;
    pthread_barrier_t start;
    assert_int_equal(pthread_barrier_init(&start, NULL, THREADS), 0);
    struct job jobs[THREADS];
    pthread_t ids[THREADS];
    for (int i = 0; i < THREADS; i++) {
        /* half the threads also read proposals and sheets on two threads */
        jobs[i] = (struct job){.start = &start, .loaders = i % 2 == 0 ? 1 : 2};
        assert_int_equal(pthread_create(&ids[i], NULL, run, &jobs[i]), 0);
    }
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_join(ids[i], NULL), 0);
    pthread_barrier_destroy(&start);

    /* then one thread alone, the reference */
    struct job alone = {.loaders = 1};
    run(&alone);
    assert_int_equal(alone.rc, 0);
    /* four formats, twice: the text report alone is over 1 KiB */
    assert_true(alone.size > 8 * 1024);
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(jobs[i].rc, 0);
        assert_int_equal(jobs[i].size, alone.size);
        assert_memory_equal(jobs[i].bytes, alone.bytes, alone.size);
        free(jobs[i].bytes);
    }
    free(alone.bytes);
}

/* merit_schema_value_check reads each schema type on its first use into a
 * process-wide table (schema_value.c): threads checking values at once
 * race for it. Each thread checks the same values; the answers are the
 * schemas' (engine/schemas/proposal.xsd "amount": [0-9]{1,15}(\.[0-9]{1,2})?,
 * "name": [A-Za-z][A-Za-z0-9_\-]{0,63}; call.xsd "id":
 * [A-Za-z0-9_\-][A-Za-z0-9._\-]{0,63}). */
static const struct {
    const char *schema, *type, *value;
    int want;
} values[] = {
    {"proposal", "amount", "1500.50", 0},
    {"proposal", "amount", "1500.505", MERIT_EINVALID}, /* three decimals */
    {"proposal", "name", "lead_2", 0},
    {"proposal", "name", "2lead", MERIT_EINVALID}, /* starts with a digit */
    {"call", "id", "MFG-2026-01", 0},
    {"call", "id", ".hidden", MERIT_EINVALID}, /* starts with '.' */
};
#define VALUES (sizeof(values) / sizeof(values[0]))

struct check_job {
    pthread_barrier_t *start;
    int got[VALUES];
    bool words[VALUES]; /* the type's words were given */
};

static void *check_values(void *arg)
{
    struct check_job *job = arg;
    (void)pthread_barrier_wait(job->start);
    for (size_t i = 0; i < VALUES; i++) {
        const char *words = NULL;
        job->got[i] =
            merit_schema_value_check(values[i].schema, values[i].type, values[i].value, &words);
        job->words[i] = words != NULL && words[0] != '\0';
    }
    return NULL;
}

static void threads_check_schema_values_together(void **state)
{
    (void)state;
    pthread_barrier_t start;
    assert_int_equal(pthread_barrier_init(&start, NULL, THREADS), 0);
    struct check_job jobs[THREADS];
    pthread_t ids[THREADS];
    for (int i = 0; i < THREADS; i++) {
        jobs[i] = (struct check_job){.start = &start};
        assert_int_equal(pthread_create(&ids[i], NULL, check_values, &jobs[i]), 0);
    }
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_join(ids[i], NULL), 0);
    pthread_barrier_destroy(&start);
    for (int i = 0; i < THREADS; i++)
        for (size_t v = 0; v < VALUES; v++) {
            assert_int_equal(jobs[i].got[v], values[v].want);
            assert_true(jobs[i].words[v]);
        }
}

/* merit_global_init compiles every schema up front; again, it does
 * nothing; a load after it works. Runs last: the tests above need the
 * schemas not yet compiled. */
static void global_init_is_optional_and_idempotent(void **state)
{
    (void)state;
    assert_int_equal(merit_global_init(), 0);
    assert_int_equal(merit_global_init(), 0);
    struct job job = {.loaders = 1};
    run(&job);
    assert_int_equal(job.rc, 0);
    free(job.bytes);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(threads_give_the_same_bytes_as_one),
        cmocka_unit_test(threads_check_schema_values_together),
        cmocka_unit_test(global_init_is_optional_and_idempotent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
