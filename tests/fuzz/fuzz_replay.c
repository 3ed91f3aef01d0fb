/*
 * Fuzzes the audit-trail replay. Once per process a copy of the example call
 * is made in the scratch folder, ranked, and its trail written through the
 * API; replaying that trail must succeed (else the harness is broken).
 *
 * The input is a trail (the seed corpus holds real ones), replayed with
 * merit_replay against the copy of the example call. A mangled trail almost
 * always breaks the hash chain at once, so when the input as given fails,
 * it is replayed a second time re-chained: each line's "prev" value is
 * replaced by the SHA-256 of the line before it, as a forger would, so that
 * the edit reaches the header, input and step checks behind the chain.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "merit/audit.h"
#include "merit/model.h"
#include "merit/result.h"

static char *calldir, *trail;

/* The proposals of the example the trail covers, P01 to P04: P02 and P04
 * tie, r4's review of P03 is excluded by a conflict in call.xml. The whole
 * example's trail (80 KB) would make a slow seed. */
#define KEEP_PROPOSALS 4

static void set_up(void)
{
    fuzz_copy_example("example", KEEP_PROPOSALS);
    calldir = fuzz_path("example");
    trail = fuzz_path("trail.jsonl");

    merit_ctx *ctx = merit_ctx_new();
    merit_call *call = NULL;
    merit_result *res = NULL;
    if (ctx == NULL)
        fuzz_fail("out of memory");
    if (merit_call_load(ctx, calldir, &call) != 0 || merit_call_rank(ctx, call, NULL, &res) != 0) {
        fuzz_print_diags(ctx);
        fuzz_fail("the example call does not rank");
    }
    const char *argv[] = {"merit", "rank", calldir, "--audit", trail};
    merit_audit_report report = {"-", "text", {0}};
    merit_audit_info info = {
        .argc = 5, .argv = argv, .places = 2, .reports = &report, .report_count = 1};
    struct fuzz_sink sink;
    fuzz_sink_open(&sink);
    if (merit_audit_write(ctx, res, &info, sink.out, NULL) != 0)
        fuzz_fail("cannot write the example's trail");
    fflush(sink.out);
    fuzz_write("trail.jsonl", sink.buf, sink.size);
    /* tests/fuzz/make-seeds.sh takes the seed trail from here */
    const char *save = getenv("MERIT_FUZZ_SAVE_TRAIL");
    if (save != NULL) {
        FILE *f = fopen(save, "wb");
        if (f == NULL || fwrite(sink.buf, 1, sink.size, f) != sink.size || fclose(f) != 0)
            fuzz_fail("cannot write '%s'", save);
    }
    fuzz_sink_close(&sink);
    merit_result_free(res);
    merit_call_free(call);
    merit_ctx_free(ctx);

    ctx = merit_ctx_new();
    if (ctx == NULL)
        fuzz_fail("out of memory");
    merit_replay_summary summary;
    if (merit_replay(ctx, trail, calldir, &summary) != 0) {
        fuzz_print_diags(ctx);
        fuzz_fail("the example's own trail does not replay");
    }
    merit_ctx_free(ctx);
}

static int replay(const void *bytes, size_t size, const char *what)
{
    fuzz_write("trail.jsonl", bytes, size);
    merit_ctx *ctx = merit_ctx_new();
    if (ctx == NULL)
        fuzz_fail("out of memory");
    merit_replay_summary summary;
    int rc = merit_replay(ctx, trail, calldir, &summary);
    fuzz_check(ctx, rc, what);
    if (summary.records > (size_t)size + 1)
        fuzz_fail("%s: %zu records in %zu bytes", what, summary.records, size);
    merit_ctx_free(ctx);
    return rc;
}

/* A copy of the trail with every line's "prev" hash made right; NULL when
 * nothing would change. */
static unsigned char *rechain(const uint8_t *data, size_t size, size_t *size_out)
{
    static const char key[] = "\"prev\":\"";
    const size_t key_len = sizeof(key) - 1;
    unsigned char *out = malloc(size ? size : 1);
    if (out == NULL)
        fuzz_fail("out of memory");
    memcpy(out, data, size);
    char prev[65];
    memset(prev, '0', 64);
    prev[64] = '\0';
    bool changed = false;
    for (size_t start = 0; start < size;) {
        unsigned char *nl = memchr(out + start, '\n', size - start);
        size_t end = nl ? (size_t)(nl - out) : size;
        /* the last "prev":" of the line, followed by 64 characters */
        size_t found = SIZE_MAX;
        for (size_t i = start; i + key_len + 64 <= end; i++)
            if (memcmp(out + i, key, key_len) == 0)
                found = i + key_len;
        if (found != SIZE_MAX && memcmp(out + found, prev, 64) != 0) {
            memcpy(out + found, prev, 64);
            changed = true;
        }
        unsigned char digest[32];
        if (merit_sha256(out + start, end - start, digest) != 0)
            fuzz_fail("sha256 failed");
        merit_hex(digest, prev);
        start = end + 1;
    }
    if (!changed) {
        free(out);
        return NULL;
    }
    *size_out = size;
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (calldir == NULL)
        set_up();
    int rc = replay(data, size, "merit_replay");
    if (rc != 0) {
        size_t fixed_size = 0;
        unsigned char *fixed = rechain(data, size, &fixed_size);
        if (fixed != NULL)
            replay(fixed, fixed_size, "merit_replay (re-chained)");
        free(fixed);
    }
    return 0;
}
