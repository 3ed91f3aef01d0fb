/* Whole calls for the fuzz harnesses: see fuzz.h. */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fuzz.h"
#include "merit/audit.h"
#include "merit/model.h"
#include "merit/result.h"
#include "report.h"

#ifndef MERIT_EXAMPLE_DIR
#error "MERIT_EXAMPLE_DIR must name proposals/mfg-2026 of the source tree"
#endif

static char *join(const char *a, const char *b)
{
    size_t len = strlen(a) + strlen(b) + 2;
    char *p = malloc(len);
    if (p == NULL)
        fuzz_fail("out of memory");
    snprintf(p, len, "%s/%s", a, b);
    return p;
}

static void copy_file(const char *from, const char *to_rel)
{
    size_t size = 0;
    unsigned char *bytes = fuzz_read(from, &size);
    if (bytes == NULL)
        fuzz_fail("cannot read '%s': %s", from, strerror(errno));
    fuzz_write(to_rel, bytes, size);
    free(bytes);
}

/* The number in a proposal id "Pnn"; 0 when it is no such id. */
static int proposal_number(const char *id)
{
    if (id[0] != 'P' || id[1] < '0' || id[1] > '9' || id[2] < '0' || id[2] > '9' || id[3] != '"')
        return 0;
    return (id[1] - '0') * 10 + (id[2] - '0');
}

/* Drops from a sheet of the example every line range from "<review
 * proposal=\"Pnn\"" to "</review>" and every "<conflict proposal=\"Pnn\""
 * line whose nn is above keep. The example's sheets put each on lines of
 * their own. */
static void copy_sheet(const char *from, const char *to_rel, int keep)
{
    size_t size = 0;
    unsigned char *bytes = fuzz_read(from, &size);
    if (bytes == NULL)
        fuzz_fail("cannot read '%s': %s", from, strerror(errno));
    char *text = malloc(size + 1);
    char *out = malloc(size + 1);
    if (text == NULL || out == NULL)
        fuzz_fail("out of memory");
    memcpy(text, bytes, size);
    text[size] = '\0';
    free(bytes);
    size_t o = 0;
    bool skipping = false;
    for (char *line = text; *line != '\0';) {
        char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) + 1 : strlen(line);
        const char *review = strstr(line, "<review proposal=\"");
        const char *conflict = strstr(line, "<conflict proposal=\"");
        bool drop = skipping;
        if (review != NULL && review < line + len &&
            proposal_number(review + strlen("<review proposal=\"")) > keep)
            drop = skipping = true;
        if (conflict != NULL && conflict < line + len &&
            proposal_number(conflict + strlen("<conflict proposal=\"")) > keep)
            drop = true;
        const char *end = strstr(line, "</review>");
        if (skipping && end != NULL && end < line + len)
            skipping = false;
        if (!drop) {
            memcpy(out + o, line, len);
            o += len;
        }
        line += len;
    }
    out[o] = '\0';
    /* a <conflicts> element left empty goes too (the schema wants one) */
    char *open_tag = strstr(out, "<conflicts>");
    if (open_tag != NULL) {
        char *after = open_tag + strlen("<conflicts>");
        after += strspn(after, " \n");
        if (strncmp(after, "</conflicts>", strlen("</conflicts>")) == 0) {
            char *cut = open_tag;
            while (cut > out && cut[-1] == ' ')
                cut--;
            char *to = after + strlen("</conflicts>");
            if (*to == '\n')
                to++;
            memmove(cut, to, strlen(to) + 1);
            o = strlen(out);
        }
    }
    fuzz_write(to_rel, out, o);
    free(text);
    free(out);
}

void fuzz_copy_example(const char *rel, int keep)
{
    char *from = join(MERIT_EXAMPLE_DIR, "call.xml");
    char *to = join(rel, "call.xml");
    copy_file(from, to);
    free(from);
    free(to);
    static const char *const subs[] = {"proposals", "reviews"};
    for (int s = 0; s < 2; s++) {
        char *dir = join(MERIT_EXAMPLE_DIR, subs[s]);
        DIR *d = opendir(dir);
        if (d == NULL)
            fuzz_fail("cannot open '%s': %s", dir, strerror(errno));
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            char *src = join(dir, e->d_name);
            char *sub = join(rel, subs[s]);
            char *dst = join(sub, e->d_name);
            if (keep == 0)
                copy_file(src, dst);
            else if (s == 1)
                copy_sheet(src, dst, keep);
            else if (proposal_number(e->d_name) == 0 || proposal_number(e->d_name) <= keep)
                copy_file(src, dst);
            free(src);
            free(sub);
            free(dst);
        }
        closedir(d);
        free(dir);
    }
}

/* The result's invariants: every proposal once in the order, ranked ones
 * first with ascending ranks, the funding walk adding up to the award. */
static void check_result(const merit_result *res)
{
    const merit_call *call = res->call;
    size_t n = res->proposal_count;
    if (n != call->proposal_count || res->ranked_count > n)
        fuzz_fail("result of %zu proposals (%zu ranked) for a call of %zu", n, res->ranked_count,
                  call->proposal_count);
    bool *seen = calloc(n ? n : 1, 1);
    if (seen == NULL)
        fuzz_fail("out of memory");
    size_t funded = 0;
    int64_t awarded = 0;
    for (size_t k = 0; k < n; k++) {
        size_t i = res->order[k];
        if (i >= n || seen[i])
            fuzz_fail("order[%zu] = %zu repeats or is out of range", k, i);
        seen[i] = true;
        const merit_proposal_result *pr = &res->proposals[i];
        bool ranked = k < res->ranked_count;
        bool passes = pr->status == MERIT_STATUS_FUNDED || pr->status == MERIT_STATUS_RESERVE;
        if (ranked != (pr->rank != 0) || ranked != passes)
            fuzz_fail("proposal %zu: rank %zu, status %d, at %zu of %zu ranked", i, pr->rank,
                      (int)pr->status, k, res->ranked_count);
        if (ranked &&
            (pr->rank > k + 1 || (k > 0 && pr->rank < res->proposals[res->order[k - 1]].rank)))
            fuzz_fail("rank %zu at place %zu of the order", pr->rank, k + 1);
        if (pr->status == MERIT_STATUS_FUNDED) {
            funded++;
            if (__builtin_add_overflow(awarded, call->proposals[i].request, &awarded))
                fuzz_fail("the funded requests overflow");
        }
    }
    free(seen);
    int64_t walked = 0;
    for (size_t w = 0; w < res->walk_count; w++)
        if (res->walk[w].action == MERIT_WALK_FUNDED &&
            __builtin_add_overflow(walked, res->walk[w].request, &walked))
            fuzz_fail("the funding walk overflows");
    if (funded != res->funded_count || awarded != res->awarded || walked != res->awarded ||
        res->awarded < 0 || res->remaining < 0 || res->awarded + res->remaining != call->budget)
        fuzz_fail("the funding does not add up: %zu/%zu funded, awarded %lld/%lld/%lld, "
                  "remaining %lld, budget %lld",
                  funded, res->funded_count, (long long)awarded, (long long)walked,
                  (long long)res->awarded, (long long)res->remaining, (long long)call->budget);
}

/* The text merit wrote into the sink so far (flushed). */
static const char *sink_text(struct fuzz_sink *sink, size_t *size)
{
    if (fflush(sink->out) != 0)
        fuzz_fail("flushing a memory stream");
    *size = sink->size;
    return sink->buf != NULL ? sink->buf : "";
}

/* The exact text of a CSV text cell: without its one leading apostrophe. */
static const char *csv_exact(const char *cell)
{
    return cell[0] == '\'' ? cell + 1 : cell;
}

/* The column of the summary CSV whose header is name, or SIZE_MAX. */
static size_t csv_column(const struct fuzz_csv *csv, const char *name)
{
    for (size_t c = 0;; c++) {
        const char *head = fuzz_csv_cell(csv, 0, c);
        if (head == NULL)
            return SIZE_MAX;
        if (strcmp(head, name) == 0)
            return c;
    }
}

/* The summary CSV gives every proposal's id, title and applicant back
 * exactly, once the one apostrophe a text cell may carry is dropped. The
 * columns of proposal data are there only when a proposal has it (the
 * applicant is under "lead" when it is always the lead organisation). */
static void check_csv_exact(const merit_result *res, const struct fuzz_csv *csv)
{
    const merit_call *call = res->call;
    size_t col_status = csv_column(csv, "status");
    size_t col_who = csv_column(csv, "applicant");
    if (col_who == SIZE_MAX)
        col_who = csv_column(csv, "lead");
    if (col_status == SIZE_MAX)
        fuzz_fail("the CSV has no status column");
    size_t k = 0;
    for (size_t row = 1; row < csv->rows; row++) {
        const char *status = fuzz_csv_cell(csv, row, col_status);
        if (status == NULL)
            fuzz_fail("CSV record %zu is short", row);
        if (strcmp(status, "rejected") == 0)
            continue;
        if (k >= res->proposal_count)
            fuzz_fail("the CSV has more proposal rows than the result");
        const merit_proposal *p = &call->proposals[res->proposals[res->order[k++]].proposal];
        const char *who = merit_proposal_applicant(p);
        if (strcmp(csv_exact(fuzz_csv_cell(csv, row, 1)), p->id) != 0 ||
            strcmp(csv_exact(fuzz_csv_cell(csv, row, 2)), p->title) != 0 ||
            (col_who != SIZE_MAX &&
             strcmp(csv_exact(fuzz_csv_cell(csv, row, col_who)), who ? who : "") != 0))
            fuzz_fail("CSV record %zu does not give proposal %s back exactly", row, p->id);
    }
    if (k != res->proposal_count)
        fuzz_fail("the CSV has %zu proposal rows for %zu proposals", k, res->proposal_count);
}

/* The report of that format (merit_writers) written to out through a
 * sink: 0, or the sink's first error. */
static int report_to(FILE *out, const char *format, const merit_result *res,
                     const merit_report_options *opt)
{
    const merit_writer *w = merit_writer_find(format);
    if (w == NULL)
        fuzz_fail("no writer '%s'", format);
    merit_sink sink;
    merit_sink_init(&sink, out, false);
    w->write(&sink, res, opt);
    return merit_sink_finish(&sink, NULL);
}

/* Renders every report of res to memory; a writer that fails on a memory
 * stream, JSON that does not parse back, text or explain that holds
 * anything a terminal acts on, or a CSV cell a spreadsheet would run, is a
 * defect. */
static void render_all(const merit_result *res, unsigned places)
{
    merit_report_options opt = {.places = places};
    struct fuzz_sink sink;
    const char *text;
    size_t size;
    struct fuzz_csv csv;

    fuzz_sink_open(&sink);
    if (report_to(sink.out, "text", res, &opt) != 0)
        fuzz_fail("merit_report_text failed");
    text = sink_text(&sink, &size);
    fuzz_check_shown("merit_report_text", text, size, true);
    fuzz_sink_close(&sink);

    fuzz_sink_open(&sink);
    if (report_to(sink.out, "csv", res, &opt) != 0)
        fuzz_fail("merit_report_csv failed");
    text = sink_text(&sink, &size);
    fuzz_check_csv("merit_report_csv", text, size, &csv);
    check_csv_exact(res, &csv);
    fuzz_csv_free(&csv);
    fuzz_sink_close(&sink);

    fuzz_sink_open(&sink);
    if (report_to(sink.out, "csv-detail", res, &opt) != 0)
        fuzz_fail("merit_report_csv (detail) failed");
    text = sink_text(&sink, &size);
    fuzz_check_csv("merit_report_csv (detail)", text, size, &csv);
    fuzz_csv_free(&csv);
    fuzz_sink_close(&sink);

    fuzz_sink_open(&sink);
    if (report_to(sink.out, "json", res, &opt) != 0)
        fuzz_fail("merit_report_json failed");
    fflush(sink.out);
    json_error_t err;
    json_t *parsed = json_loadb(sink.buf, sink.size, 0, &err);
    if (parsed == NULL)
        fuzz_fail("the JSON report does not parse: %s at line %d", err.text, err.line);
    json_decref(parsed);
    fuzz_sink_close(&sink);

    /* the first few proposals: explain is the costliest writer */
    for (size_t i = 0; i < res->proposal_count && i < 6; i++) {
        fuzz_sink_open(&sink);
        merit_sink explained;
        merit_sink_init(&explained, sink.out, false);
        if (merit_report_explain(&explained, res, i, &opt) != 0)
            fuzz_fail("merit_report_explain failed for proposal %zu", i);
        if (res->proposal_count > 1 &&
            merit_report_explain_against(&explained, res, i, (i + 1) % res->proposal_count, &opt) !=
                0)
            fuzz_fail("merit_report_explain_against failed for proposal %zu", i);
        if (merit_sink_finish(&explained, NULL) != 0)
            fuzz_fail("the explain sink failed for proposal %zu", i);
        text = sink_text(&sink, &size);
        fuzz_check_shown("merit_report_explain", text, size, true);
        fuzz_sink_close(&sink);
    }
}

/* Writes the trail of res and replays it against dir: it must reproduce. */
static void audit_and_replay(const merit_result *res, const char *dir, bool keep_going)
{
    static char *trail;
    if (trail == NULL)
        trail = fuzz_path("out/trail.jsonl");
    const char *argv[] = {"merit", "rank", dir, "--audit", trail};
    merit_audit_report report = {"-", "text", {0}};
    merit_audit_info info = {.argc = 5,
                             .argv = argv,
                             .places = 2,
                             .keep_going = keep_going,
                             .reports = &report,
                             .report_count = 1};
    char final_hex[65];

    merit_ctx *ctx = merit_ctx_new();
    if (ctx == NULL)
        fuzz_fail("out of memory");
    struct fuzz_sink sink;
    fuzz_sink_open(&sink);
    int rc = merit_audit_write(ctx, res, &info, sink.out, final_hex);
    fuzz_check(ctx, rc, "merit_audit_write");
    fflush(sink.out);
    if (rc == 0)
        fuzz_write("out/trail.jsonl", sink.buf, sink.size);
    fuzz_sink_close(&sink);
    merit_ctx_free(ctx);
    if (rc != 0)
        return;

    ctx = merit_ctx_new();
    if (ctx == NULL)
        fuzz_fail("out of memory");
    merit_replay_summary summary;
    rc = merit_replay(ctx, trail, dir, &summary);
    fuzz_check(ctx, rc, "merit_replay");
    if (rc != 0) {
        fuzz_print_diags(ctx);
        fuzz_fail("the trail of a ranked call does not replay (%d)", rc);
    }
    if (summary.inputs != res->call->file_count)
        fuzz_fail("replay checked %zu inputs of %zu", summary.inputs, res->call->file_count);
    merit_ctx_free(ctx);
    fuzz_remove("out");
}

/* Ranks a loaded call with its rubric's method, checks and renders the
 * result, writes and replays its trail; then ranks it with every method. */
static void rank_everything(merit_ctx *ctx, const merit_call *call, const char *dir,
                            bool keep_going, bool all_methods)
{
    merit_ctx_clear_diags(ctx);
    merit_result *res = NULL;
    int rc = merit_call_rank(ctx, call, NULL, &res);
    fuzz_check(ctx, rc, "merit_call_rank");
    if (rc != 0)
        return;
    check_result(res);
    render_all(res, 2);
    audit_and_replay(res, dir, keep_going);
    merit_result_free(res);
    if (!all_methods)
        return;
    /* every method, with other places */
    static const merit_method methods[] = {MERIT_METHOD_MEAN, MERIT_METHOD_MEDIAN,
                                           MERIT_METHOD_TRIMMED_MEAN,
                                           MERIT_METHOD_CONFIDENCE_WEIGHTED};
    for (size_t m = 0; m < sizeof(methods) / sizeof(methods[0]); m++) {
        merit_ctx_clear_diags(ctx);
        merit_rank_options opt = {.override_method = true, .method = methods[m]};
        res = NULL;
        rc = merit_call_rank(ctx, call, &opt, &res);
        fuzz_check(ctx, rc, "merit_call_rank (method)");
        if (rc != 0)
            fuzz_fail("ranking fails with method %d only", (int)methods[m]);
        check_result(res);
        render_all(res, (unsigned)(m * 3));
        merit_result_free(res);
    }
}

/* A call that loads must fail, with a diagnostic naming a limit, once that
 * limit is one below what the call holds. */
static void check_limit(const char *dir, const char *name, merit_limits limits)
{
    merit_ctx *ctx = merit_ctx_new();
    if (ctx == NULL)
        fuzz_fail("out of memory");
    merit_ctx_set_limits(ctx, &limits);
    merit_call *call = NULL;
    int rc = merit_call_load(ctx, dir, &call);
    fuzz_check(ctx, rc, "merit_call_load (limit)");
    bool named = false;
    for (size_t i = 0; i < merit_ctx_diag_count(ctx); i++)
        named = named || merit_ctx_diag(ctx, i)->kind == MERIT_DIAG_LIMIT;
    if (rc == 0 || !named) {
        fuzz_print_diags(ctx);
        fuzz_fail("a call over the '%s' limit loads (%d) or names no limit", name, rc);
    }
    merit_call_free(call);
    merit_ctx_free(ctx);
}

static void check_limits(const char *dir, const merit_call *call)
{
    merit_limits limits = {0};
    if (call->proposal_count >= 2) {
        limits.max_proposals = (uint32_t)call->proposal_count - 1;
        check_limit(dir, "proposals", limits);
        limits.max_proposals = 0;
    }
    if (call->reviewer_count >= 2) {
        limits.max_reviewers = (uint32_t)call->reviewer_count - 1;
        check_limit(dir, "reviewers", limits);
        limits.max_reviewers = 0;
    }
    if (call->rubric->criterion_count >= 2) {
        limits.max_criteria = (uint32_t)call->rubric->criterion_count - 1;
        check_limit(dir, "criteria", limits);
    }
}

/* What keep-going left out: each item says what and why, and nothing is
 * left out without an error saying so. */
static void check_rejected(const merit_ctx *ctx, const merit_call *call)
{
    for (size_t i = 0; i < call->rejected_count; i++) {
        const merit_rejected *r = &call->rejected[i];
        if ((unsigned)r->kind > MERIT_REJECTED_CONFLICT || r->what == NULL || r->what[0] == '\0' ||
            r->reason == NULL || r->reason[0] == '\0')
            fuzz_fail("rejected item %zu lacks a kind, what or reason", i);
        if (merit_rejected_kind_name(r->kind) == NULL)
            fuzz_fail("rejected kind %d has no name", (int)r->kind);
    }
    if ((merit_ctx_error_count(ctx) > 0) != (call->rejected_count > 0)) {
        fuzz_print_diags(ctx);
        fuzz_fail("keep-going: %zu errors but %zu items rejected", merit_ctx_error_count(ctx),
                  call->rejected_count);
    }
}

int fuzz_call_everything(const char *dir, unsigned what)
{
    merit_ctx *ctx = merit_ctx_new();
    if (ctx == NULL)
        fuzz_fail("out of memory");
    merit_call *call = NULL;
    int rc = merit_call_load(ctx, dir, &call);
    fuzz_check(ctx, rc, "merit_call_load");
    if ((rc == 0) != (call != NULL))
        fuzz_fail("merit_call_load returned %d with call %p", rc, (void *)call);
    if (rc == 0) {
        if (call->rejected_count != 0)
            fuzz_fail("a call loaded without keep-going lists rejected inputs");
        rank_everything(ctx, call, dir, false, (what & FUZZ_ALL_METHODS) != 0);
        if (what & FUZZ_LIMITS)
            check_limits(dir, call);
    }
    merit_call_free(call);
    merit_ctx_free(ctx);
    if (rc == 0 || rc == MERIT_ENOMEM || !(what & FUZZ_KEEP_GOING))
        return rc;

    /* keep-going: what is valid of a call that failed */
    ctx = merit_ctx_new();
    if (ctx == NULL)
        fuzz_fail("out of memory");
    merit_ctx_set_keep_going(ctx, true);
    call = NULL;
    int krc = merit_call_load(ctx, dir, &call);
    fuzz_check_partial(ctx, krc, "merit_call_load (keep-going)");
    if ((krc == 0) != (call != NULL))
        fuzz_fail("merit_call_load returned %d with call %p", krc, (void *)call);
    if (krc == 0) {
        check_rejected(ctx, call);
        if (call->rejected_count == 0)
            fuzz_fail("keep-going loads a call that fails without it, rejecting nothing");
        rank_everything(ctx, call, dir, true, false);
    }
    merit_call_free(call);
    merit_ctx_free(ctx);
    return rc;
}

void fuzz_example_call_with(const char *rel, const void *bytes, size_t size)
{
    static char *dir;
    if (dir == NULL) {
        fuzz_copy_example("example", 0);
        dir = fuzz_path("example");
        if (fuzz_call_everything(dir, 0) != 0)
            fuzz_fail("the example call does not load");
    }
    char *target = join("example", rel);
    char *path = fuzz_path(target);
    size_t old_size = 0;
    unsigned char *old = fuzz_read(path, &old_size);
    fuzz_write(target, bytes, size);
    fuzz_call_everything(dir, FUZZ_KEEP_GOING);
    if (old != NULL)
        fuzz_write(target, old, old_size);
    else
        fuzz_remove(target);
    free(old);
    free(path);
    free(target);
}
