/*
 * The audit trail: records built from the result model, written as chained
 * JSON Lines, and the replay that checks a trail against its inputs and a
 * fresh calculation. The format is documented in docs/audit.md.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "embedded.h"
#include "internal.h"
#include "merit/audit.h"
#include "merit/number.h"
#include "rubric.h"
#include "xml_input.h"

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* --- building records ------------------------------------------------------ */

/* Records are written as they are made: a record is complete when the next
 * one begins, so that only one is held at a time, however large the call. */
struct builder {
    merit_ctx *ctx;
    const merit_result *res;
    const merit_call *call;
    const merit_rubric *rb;
    unsigned places;
    json_t *pending;   /* the record being filled, without seq and prev */
    json_t *collected; /* replay: records gathered here instead of written */
    FILE *out;
    size_t written; /* records written */
    char prev[65];  /* the hash of the last line written */
    bool failed;    /* out of memory somewhere */
    bool io_failed; /* out refused a line */
};

static void write_pending(struct builder *b);

static json_t *checked(struct builder *b, json_t *v)
{
    if (v == NULL)
        b->failed = true;
    return v;
}

/* json_object_set_new and json_array_append_new take the value over even
 * when they fail (a NULL container included), so nothing leaks here. */
static void set(struct builder *b, json_t *o, const char *key, json_t *v)
{
    if (v == NULL || json_object_set_new(o, key, v) != 0)
        b->failed = true;
}

static void append(struct builder *b, json_t *array, json_t *v)
{
    if (v == NULL || json_array_append_new(array, v) != 0)
        b->failed = true;
}

static json_t *str(struct builder *b, const char *s)
{
    return s != NULL ? checked(b, json_string(s)) : json_null();
}

static json_t *owned(struct builder *b, char *s)
{
    json_t *v = s != NULL ? json_string(s) : NULL;
    free(s);
    return checked(b, v);
}

static json_t *integer(struct builder *b, long long n)
{
    return checked(b, json_integer(n));
}

/* {"exact": "a/b", "shown": "1.23"} */
static json_t *number(struct builder *b, const mpq_t v)
{
    json_t *o = checked(b, json_object());
    set(b, o, "exact", owned(b, merit_fraction_string(v)));
    set(b, o, "shown", owned(b, merit_decimal_string(v, b->places)));
    return o;
}

/* a value from the inputs, as its exact decimal ("0.5") */
static json_t *decimal(struct builder *b, const mpq_t v)
{
    return owned(b, merit_exact_string(v));
}

static json_t *money(struct builder *b, int64_t cents)
{
    char buf[32];
    merit_format_money_plain(buf, sizeof(buf), cents);
    return str(b, buf);
}

/* A new record; the one before it is complete and is written. */
static json_t *record(struct builder *b, const char *type)
{
    write_pending(b);
    json_t *o = checked(b, json_object());
    set(b, o, "type", str(b, type));
    b->pending = o;
    return o;
}

static const char *pid(struct builder *b, size_t proposal)
{
    return b->call->proposals[proposal].id;
}

static void header(struct builder *b, const merit_audit_info *info)
{
    json_t *o = record(b, "merit-audit");
    set(b, o, "format", integer(b, MERIT_AUDIT_FORMAT));
    set(b, o, "merit", str(b, merit_version()));
    set(b, o, "build", str(b, merit_build_id()));
    set(b, o, "maths", integer(b, MERIT_MATHS_VERSION));
    char when[32] = "";
    time_t t = (time_t)info->time;
    struct tm tm;
    if (gmtime_r(&t, &tm) != NULL)
        strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
    set(b, o, "time", str(b, when));
    json_t *argv = checked(b, json_array());
    for (int i = 0; i < info->argc; i++)
        append(b, argv, str(b, info->argv[i]));
    set(b, o, "command", argv);
    json_t *opt = checked(b, json_object());
    set(b, opt, "method", str(b, merit_method_name(b->res->method)));
    set(b, opt, "method_from", str(b, info->method_overridden ? "command-line" : "rubric"));
    set(b, opt, "places", integer(b, info->places));
    set(b, opt, "keep_going", json_boolean(info->keep_going));
    set(b, o, "options", opt);
    json_t *call = checked(b, json_object());
    set(b, call, "id", str(b, b->call->id));
    set(b, call, "dir", str(b, b->call->dir));
    set(b, call, "currency", str(b, b->call->currency));
    set(b, call, "budget", money(b, b->call->budget));
    set(b, o, "call", call);
    json_t *rubric = checked(b, json_object());
    set(b, rubric, "id", str(b, b->rb->id));
    set(b, rubric, "version", str(b, b->rb->version));
    set(b, rubric, "direction", str(b, merit_direction_name(b->rb->direction)));
    set(b, o, "rubric", rubric);
}

static void inputs(struct builder *b)
{
    for (size_t i = 0; i < b->call->file_count; i++) {
        const merit_file *f = &b->call->files[i];
        json_t *o = record(b, "input");
        set(b, o, "path", str(b, f->relpath));
        char hex[65];
        merit_hex(f->sha256, hex);
        set(b, o, "sha256", str(b, f->hashed ? hex : ""));
        set(b, o, "bytes", integer(b, (long long)f->bytes));
    }
}

/* What --keep-going left out: nothing is dropped silently. */
static void rejected(struct builder *b)
{
    for (size_t i = 0; i < b->call->rejected_count; i++) {
        const merit_rejected *r = &b->call->rejected[i];
        json_t *o = record(b, "rejected");
        set(b, o, "kind", str(b, merit_rejected_kind_name(r->kind)));
        set(b, o, "what", str(b, r->what));
        set(b, o, "file", str(b, r->loc.file));
        set(b, o, "line", integer(b, r->loc.line));
        set(b, o, "reason", str(b, r->reason));
    }
}

static void proposal_steps(struct builder *b, size_t i, size_t first, size_t last)
{
    const merit_call *call = b->call;
    const merit_rubric *rb = b->rb;
    const merit_proposal_result *pr = &b->res->proposals[i];
    const char *id = pid(b, i);
    mpq_t score;
    mpq_init(score);

    for (size_t r = first; r < last; r++) {
        const merit_review *rv = &call->reviews[r];
        const merit_review_result *rr = &b->res->reviews[r];
        json_t *o = record(b, "review");
        set(b, o, "proposal", str(b, id));
        set(b, o, "reviewer", str(b, call->reviewers[rv->reviewer].id));
        set(b, o, "counted", json_boolean(rr->counted));
        set(b, o, "excluded_reason", str(b, rr->counted ? NULL : rv->conflict_reason));
        set(b, o, "complete", json_boolean(rr->complete));
        set(b, o, "total", rr->complete ? number(b, rr->total) : json_null());
    }
    for (size_t c = 0; c < rb->criterion_count; c++) {
        const merit_criterion_result *cr = &pr->criteria[c];
        json_t *o = record(b, "aggregate");
        set(b, o, "proposal", str(b, id));
        set(b, o, "criterion", str(b, rb->criteria[c].id));
        set(b, o, "method", str(b, merit_method_name(b->res->method)));
        json_t *scores = checked(b, json_array());
        for (size_t r = first; r < last; r++) {
            const merit_review *rv = &call->reviews[r];
            if (!b->res->reviews[r].counted || rv->steps[c] == MERIT_NO_SCORE)
                continue;
            merit_score_value(rb, rv->steps[c], score);
            json_t *s = checked(b, json_object());
            set(b, s, "reviewer", str(b, call->reviewers[rv->reviewer].id));
            set(b, s, "score", decimal(b, score));
            set(b, s, "confidence", integer(b, rv->confidences[c]));
            append(b, scores, s);
        }
        set(b, o, "scores", scores);
        set(b, o, "count", integer(b, (long long)cr->count));
        set(b, o, "trimmed", integer(b, (long long)cr->trimmed));
        set(b, o, "divisor",
            cr->has_value ? owned(b, merit_fraction_string(cr->weight_sum)) : json_null());
        set(b, o, "value", cr->has_value ? number(b, cr->value) : json_null());
    }
    json_t *o = record(b, "total");
    set(b, o, "proposal", str(b, id));
    json_t *terms = checked(b, json_array());
    for (size_t c = 0; c < rb->criterion_count; c++) {
        json_t *t = checked(b, json_object());
        set(b, t, "criterion", str(b, rb->criteria[c].id));
        set(b, t, "weight", decimal(b, rb->criteria[c].weight));
        set(b, t, "aggregate",
            pr->criteria[c].has_value ? owned(b, merit_fraction_string(pr->criteria[c].value))
                                      : json_null());
        append(b, terms, t);
    }
    set(b, o, "terms", terms);
    set(b, o, "value", pr->has_total ? number(b, pr->total) : json_null());

    const char *test = rb->direction == MERIT_HIGHER_IS_BETTER ? "at-least" : "at-most";
    for (size_t c = 0; c < rb->criterion_count; c++) {
        if (!rb->criteria[c].has_threshold || !pr->criteria[c].has_value)
            continue;
        o = record(b, "threshold");
        set(b, o, "proposal", str(b, id));
        set(b, o, "subject", str(b, rb->criteria[c].id));
        set(b, o, "value", number(b, pr->criteria[c].value));
        set(b, o, "test", str(b, test));
        set(b, o, "threshold", decimal(b, rb->criteria[c].threshold));
        set(b, o, "met", json_boolean(!pr->criteria[c].below_threshold));
    }
    if (rb->has_overall_threshold && pr->has_total) {
        o = record(b, "threshold");
        set(b, o, "proposal", str(b, id));
        set(b, o, "subject", str(b, "total"));
        set(b, o, "value", number(b, pr->total));
        set(b, o, "test", str(b, test));
        set(b, o, "threshold", decimal(b, rb->overall_threshold));
        set(b, o, "met", json_boolean(!pr->total_below_threshold));
    }
    for (size_t k = 0; k < rb->rule_count; k++) {
        const merit_rule *rule = &rb->rules[k];
        const merit_rule_result *rr = &pr->rules[k];
        o = record(b, "eligibility");
        set(b, o, "proposal", str(b, id));
        set(b, o, "rule", str(b, rule->id));
        if (rule->is_text) {
            set(b, o, "kind", str(b, "text"));
            set(b, o, "section", str(b, merit_section_name(rule->section)));
            set(b, o, "scope", str(b, rule->each_milestone ? "each-milestone" : "section"));
            set(b, o, "expect", str(b, rule->expect_match ? "match" : "no-match"));
            const merit_proposal *p = &call->proposals[i];
            set(b, o, "failed_milestone",
                rr->failed_milestone < p->milestone_count
                    ? str(b, p->milestones[rr->failed_milestone].id)
                    : json_null());
        } else {
            set(b, o, "kind", str(b, "fact"));
            set(b, o, "fact", str(b, merit_fact_name(rule->fact)));
            set(b, o, "section",
                rule->fact == MERIT_FACT_WORDS ? str(b, merit_section_name(rule->section))
                                               : json_null());
            set(b, o, "actual", number(b, rr->actual));
            set(b, o, "op", str(b, merit_op_name(rule->op)));
            set(b, o, "value", decimal(b, rule->value));
        }
        set(b, o, "passed", json_boolean(rr->passed));
    }
    o = record(b, "disagreement");
    set(b, o, "proposal", str(b, id));
    set(b, o, "spread", pr->has_spread ? number(b, pr->spread) : json_null());
    set(b, o, "limit",
        rb->has_disagreement_limit ? decimal(b, rb->disagreement_limit) : json_null());
    set(b, o, "flag", json_boolean(pr->disagreement));
    mpq_clear(score);
}

/* The value of the key that decided an order, for one proposal. */
static json_t *decider_value(struct builder *b, const merit_proposal_result *pr,
                             merit_decider_kind kind, size_t index)
{
    if (kind == MERIT_DECIDED_TOTAL)
        return number(b, pr->total);
    if (kind != MERIT_DECIDED_TIEBREAK)
        return json_null();
    const merit_tiebreak *tb = &b->rb->tiebreaks[index];
    if (tb->kind == MERIT_TIEBREAK_CRITERION)
        return number(b, pr->criteria[tb->criterion].value);
    if (tb->fact == MERIT_FACT_WORDS)
        return integer(b, (long long)pr->words[tb->section]);
    return number(b, pr->facts[tb->fact]);
}

static void ranking_steps(struct builder *b)
{
    const merit_result *res = b->res;
    for (size_t k = 1; k < res->ranked_count; k++) {
        const merit_proposal_result *above = &res->proposals[res->order[k - 1]];
        const merit_proposal_result *below = &res->proposals[res->order[k]];
        json_t *o = record(b, "order");
        set(b, o, "above", str(b, pid(b, above->proposal)));
        set(b, o, "below", str(b, pid(b, below->proposal)));
        set(b, o, "decided_by", str(b, merit_decider_name(below->decided_by)));
        char desc[256] = "";
        if (below->decided_by == MERIT_DECIDED_TIEBREAK) {
            const merit_tiebreak *tb = &b->rb->tiebreaks[below->decider_index];
            if (tb->kind == MERIT_TIEBREAK_CRITERION)
                snprintf(desc, sizeof(desc), "criterion %s", b->rb->criteria[tb->criterion].id);
            else
                snprintf(desc, sizeof(desc), "fact %s", merit_fact_name(tb->fact));
        }
        set(b, o, "tiebreak", desc[0] ? str(b, desc) : json_null());
        set(b, o, "above_value", decider_value(b, above, below->decided_by, below->decider_index));
        set(b, o, "below_value", decider_value(b, below, below->decided_by, below->decider_index));
    }
    for (size_t s = 0; s < res->walk_count; s++) {
        const merit_walk_step *step = &res->walk[s];
        const merit_proposal_result *pr = &res->proposals[step->result];
        json_t *o = record(b, "walk");
        set(b, o, "proposal", str(b, pid(b, pr->proposal)));
        set(b, o, "rank", integer(b, (long long)pr->rank));
        set(b, o, "request", money(b, step->request));
        set(b, o, "remaining_before", money(b, step->remaining));
        set(b, o, "action", str(b, merit_walk_action_name(step->action)));
    }
    json_t *o = record(b, "ranking");
    json_t *order = checked(b, json_array());
    for (size_t k = 0; k < b->call->proposal_count; k++) {
        const merit_proposal_result *pr = &res->proposals[res->order[k]];
        json_t *e = checked(b, json_object());
        set(b, e, "id", str(b, pid(b, pr->proposal)));
        set(b, e, "rank", k < res->ranked_count ? integer(b, (long long)pr->rank) : json_null());
        set(b, e, "shared", json_boolean(k < res->ranked_count && pr->rank_shared));
        set(b, e, "status", str(b, merit_status_name(pr->status)));
        append(b, order, e);
    }
    set(b, o, "order", order);
    set(b, o, "funded", integer(b, (long long)res->funded_count));
    set(b, o, "awarded", money(b, res->awarded));
    set(b, o, "remaining", money(b, res->remaining));
}

static void reports(struct builder *b, const merit_audit_info *info)
{
    for (size_t i = 0; i < info->report_count; i++) {
        json_t *o = record(b, "report");
        set(b, o, "path", str(b, info->reports[i].path));
        set(b, o, "format", str(b, info->reports[i].format));
        char hex[65];
        merit_hex(info->reports[i].sha256, hex);
        set(b, o, "sha256", str(b, hex));
    }
}

/* --- writing ------------------------------------------------------------ */

/* JSON text of v, or NULL. Dumped in two passes into a buffer of the exact
 * size: jansson 2.14's json_dumps ignores a failure to write an object key
 * when its buffer cannot grow, and would drop the key silently (found by
 * tests/test_torture.c); counting first and writing into a buffer that is
 * large enough leaves nothing to fail in the writing. */
static char *dump_json(json_t *v, size_t flags)
{
    size_t size = json_dumpb(v, NULL, 0, flags);
    if (size == 0)
        return NULL;
    char *text = merit__malloc(size + 1);
    if (text == NULL)
        return NULL;
    if (json_dumpb(v, text, size, flags) != size) {
        free(text);
        return NULL;
    }
    text[size] = '\0';
    return text;
}

/* One line: {"seq": n, ...record..., "prev": hex}. Malloc'd text. */
static char *chain_line(json_t *rec, size_t seq, const char *prev)
{
    json_t *line = json_object();
    if (line == NULL)
        return NULL;
    int bad = json_object_set_new(line, "seq", json_integer((json_int_t)seq));
    const char *key;
    json_t *value;
    json_object_foreach(rec, key, value)
    {
        bad |= json_object_set(line, key, value);
    }
    bad |= json_object_set_new(line, "prev", json_string(prev));
    char *text = bad ? NULL : dump_json(line, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(line);
    return text;
}

/* Writes the pending record as the next line of the chain and frees it.
 * After a failure nothing more is written. */
static void write_pending(struct builder *b)
{
    json_t *rec = b->pending;
    b->pending = NULL;
    if (rec == NULL || b->failed || b->io_failed) {
        json_decref(rec);
        return;
    }
    if (b->collected != NULL) {
        if (json_array_append_new(b->collected, rec) != 0)
            b->failed = true;
        return;
    }
    char *text = chain_line(rec, b->written + 1, b->prev);
    json_decref(rec);
    unsigned char digest[32];
    if (text == NULL || merit_sha256(text, strlen(text), digest) != 0) {
        free(text);
        b->failed = true;
        return;
    }
    merit_hex(digest, b->prev);
    if (fputs(text, b->out) == EOF || fputc('\n', b->out) == EOF)
        b->io_failed = true;
    else
        b->written++;
    free(text);
}

/* Every record of the trail but the closing one, in the fixed order; the
 * last stays pending. */
static void build_all(struct builder *b, const merit_audit_info *info)
{
    header(b, info);
    inputs(b);
    rejected(b);
    size_t r = 0;
    for (size_t i = 0; i < b->call->proposal_count && !b->failed && !b->io_failed; i++) {
        size_t first = r;
        while (r < b->call->review_count && b->call->reviews[r].proposal == i)
            r++;
        proposal_steps(b, i, first, r);
    }
    ranking_steps(b);
    reports(b, info);
}

/* The records of build_all as an array (replay compares them with a
 * trail's). */
static int build_records(merit_ctx *ctx, const merit_result *res, const merit_audit_info *info,
                         json_t **out)
{
    struct builder b = {.ctx = ctx,
                        .res = res,
                        .call = res->call,
                        .rb = res->call->rubric,
                        .places = info->places,
                        .collected = json_array()};
    *out = NULL;
    if (b.collected == NULL)
        return merit__oom(ctx);
    build_all(&b, info);
    write_pending(&b);
    if (b.failed) {
        json_decref(b.collected);
        return merit__oom(ctx);
    }
    *out = b.collected;
    return 0;
}

int merit_audit_write(merit_ctx *ctx, const merit_result *res, const merit_audit_info *info,
                      FILE *out, char final_hex[65])
{
    struct builder b = {.ctx = ctx,
                        .res = res,
                        .call = res->call,
                        .rb = res->call->rubric,
                        .places = info->places,
                        .out = out,
                        .prev = ZERO_HASH};
    build_all(&b, info);
    /* the closing record counts every line, itself included */
    json_t *end = record(&b, "end");
    set(&b, end, "records", integer(&b, (long long)b.written + 1));
    write_pending(&b);
    if (b.failed)
        return merit__oom(ctx);
    if (b.io_failed)
        return MERIT_EIO;
    if (final_hex != NULL)
        memcpy(final_hex, b.prev, 65);
    return 0;
}

/* --- replay --------------------------------------------------------------- */

struct trail {
    const char *path;
    char **lines; /* NUL-terminated copies, without the newline */
    json_t **records;
    size_t count;
};

static void trail_release(struct trail *t)
{
    for (size_t i = 0; i < t->count; i++) {
        free(t->lines[i]);
        json_decref(t->records[i]);
    }
    free(t->lines);
    free(t->records);
}

static int diverged(merit_ctx *ctx, const char *file, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int diverged(merit_ctx *ctx, const char *file, size_t line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    merit__vdiag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_DIVERGED, file, (uint32_t)line, 0, fmt, ap);
    va_end(ap);
    return MERIT_EDIVERGED;
}

static int read_trail(merit_ctx *ctx, const char *path, struct trail *t)
{
    struct merit_xml_doc raw; /* only its byte reader is used */
    int rc = merit__xml_read_file(ctx, path, &raw);
    if (rc != 0)
        return rc;
    size_t lines = 0;
    for (size_t i = 0; i < raw.size; i++)
        lines += raw.bytes[i] == '\n';
    if (raw.size > 0 && raw.bytes[raw.size - 1] != '\n')
        lines++;
    t->lines = merit__calloc(lines, sizeof(*t->lines));
    t->records = merit__calloc(lines, sizeof(*t->records));
    if (t->lines == NULL || t->records == NULL) {
        merit__xml_doc_release(&raw);
        return merit__oom(ctx);
    }
    const char *p = (const char *)raw.bytes, *end = p + raw.size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        char *line = merit__strndup(p, len);
        if (line == NULL) {
            rc = merit__oom(ctx);
            break;
        }
        t->lines[t->count] = line;
        json_error_t err;
        t->records[t->count] = json_loads(line, JSON_REJECT_DUPLICATES, &err);
        t->count++;
        if (t->records[t->count - 1] == NULL || !json_is_object(t->records[t->count - 1])) {
            rc = diverged(ctx, path, t->count,
                          "not a trail record (%s): the line was edited or the file is not a "
                          "merit audit trail",
                          t->records[t->count - 1] == NULL ? err.text : "not an object");
            break;
        }
        p = nl ? nl + 1 : end;
    }
    merit__xml_doc_release(&raw);
    return rc;
}

static long long seq_of(const json_t *rec)
{
    const json_t *s = json_object_get(rec, "seq");
    return json_is_integer(s) ? (long long)json_integer_value(s) : -1;
}

/* Checks numbering and the hash chain; names the first line that breaks. */
static int check_chain(merit_ctx *ctx, const struct trail *t)
{
    char prev[65] = ZERO_HASH;
    for (size_t i = 0; i < t->count; i++) {
        const json_t *rec = t->records[i];
        long long seq = seq_of(rec);
        const char *recorded = json_string_value(json_object_get(rec, "prev"));
        if (seq != (long long)(i + 1)) {
            /* the record that belongs here: later in the file (reordered)
             * or nowhere (removed) */
            size_t found = SIZE_MAX;
            for (size_t j = i + 1; j < t->count && found == SIZE_MAX; j++)
                if (seq_of(t->records[j]) == (long long)(i + 1))
                    found = j;
            if (found != SIZE_MAX)
                return diverged(ctx, t->path, i + 1,
                                "the chain breaks here: record %lld stands at line %zu and record "
                                "%zu at line %zu: lines were reordered",
                                seq, i + 1, i + 1, found + 1);
            if (seq > (long long)(i + 1))
                return diverged(ctx, t->path, i + 1,
                                "the chain breaks here: record %lld follows record %zu, so %s "
                                "removed",
                                seq, i, seq == (long long)(i + 2) ? "a line was" : "lines were");
            return diverged(ctx, t->path, i + 1,
                            "the chain breaks here: record %lld stands at line %zu: lines were "
                            "reordered or repeated",
                            seq, i + 1);
        }
        if (recorded == NULL || strcmp(recorded, prev) != 0) {
            if (i == 0)
                return diverged(ctx, t->path, 1,
                                "the chain breaks here: the first record does "
                                "not start the chain");
            return diverged(ctx, t->path, i,
                            "the chain breaks here: line %zu was edited (it no longer hashes to "
                            "the value line %zu records)",
                            i, i + 1);
        }
        unsigned char digest[32];
        if (merit_sha256(t->lines[i], strlen(t->lines[i]), digest) != 0)
            return merit__oom(ctx);
        merit_hex(digest, prev);
    }
    const json_t *last = t->count ? t->records[t->count - 1] : NULL;
    const char *type = last ? json_string_value(json_object_get(last, "type")) : NULL;
    if (type == NULL || strcmp(type, "end") != 0)
        return diverged(ctx, t->path, t->count,
                        "the trail ends without its closing record: it was cut short");
    const json_t *n = json_object_get(last, "records");
    if (!json_is_integer(n) || (size_t)json_integer_value(n) != t->count)
        return diverged(ctx, t->path, t->count,
                        "the closing record counts %lld records but the trail has %zu",
                        json_is_integer(n) ? (long long)json_integer_value(n) : -1LL, t->count);
    return 0;
}

static const char *rec_type(const json_t *rec)
{
    const char *s = json_string_value(json_object_get(rec, "type"));
    return s ? s : "?";
}

static const char *rec_str(const json_t *rec, const char *key)
{
    return json_string_value(json_object_get(rec, key));
}

/* Hashes the file at relpath under dir, or the shipped rubric it names. */
static int hash_input(merit_ctx *ctx, const char *dir, const char *relpath, char hex[65],
                      char **display_out)
{
    *display_out = NULL;
    unsigned char digest[32];
    if (strncmp(relpath, "shipped:", 8) == 0) {
        const struct merit_embedded_file *f = merit__shipped_rubric(relpath + 8);
        *display_out = merit__strdup(relpath);
        if (f == NULL)
            return 1; /* missing */
        if (merit_sha256(f->bytes, f->size, digest) != 0)
            return merit__oom(ctx);
        merit_hex(digest, hex);
        return 0;
    }
    char *path = relpath[0] == '/' ? merit__strdup(relpath) : merit__sprintf("%s/%s", dir, relpath);
    if (path == NULL)
        return merit__oom(ctx);
    *display_out = path;
    merit_ctx *quiet = merit_ctx_new(); /* a missing file is reported by the caller */
    if (quiet == NULL)
        return merit__oom(ctx);
    struct merit_xml_doc raw;
    int rc = merit__xml_read_file(quiet, path, &raw);
    merit_ctx_free(quiet);
    if (rc != 0)
        return 1;
    rc = merit_sha256(raw.bytes, raw.size, digest);
    merit__xml_doc_release(&raw);
    if (rc != 0)
        return merit__oom(ctx);
    merit_hex(digest, hex);
    return 0;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files in dir/sub/ *.xml that the trail does not record. known[] holds
 * the recorded paths, sorted, searched by bisection (a call of ten thousand
 * files has ten thousand input records). */
static int extra_inputs(merit_ctx *ctx, const char **known, size_t nknown, const char *dir,
                        const char *sub)
{
    char *folder = merit__sprintf("%s/%s", dir, sub);
    if (folder == NULL)
        return merit__oom(ctx);
    DIR *d = opendir(folder);
    int rc = 0;
    if (d == NULL) {
        free(folder);
        return 0; /* recorded files in it are reported missing one by one */
    }
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        const char *n = ent->d_name;
        size_t len = strlen(n);
        if (n[0] == '.' || len < 5 || strcmp(n + len - 4, ".xml") != 0)
            continue;
        char *rel = merit__sprintf("%s/%s", sub, n);
        if (rel == NULL) {
            rc = merit__oom(ctx);
            break;
        }
        if (bsearch(&rel, known, nknown, sizeof(*known), compare_strings) == NULL) {
            char *path = merit__sprintf("%s/%s", folder, n);
            merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_DIVERGED, path ? path : rel, 0, 0,
                        "extra file: it was not part of the call when the trail was written");
            free(path);
            rc = MERIT_EDIVERGED;
        }
        free(rel);
    }
    closedir(d);
    free(folder);
    return rc;
}

static int check_inputs(merit_ctx *ctx, const struct trail *t, const char *dir, size_t *checked_out)
{
    int rc = 0;
    *checked_out = 0;
    for (size_t i = 0; i < t->count; i++) {
        const json_t *rec = t->records[i];
        if (strcmp(rec_type(rec), "input") != 0)
            continue;
        const char *rel = rec_str(rec, "path"), *want = rec_str(rec, "sha256");
        if (rel == NULL || want == NULL)
            return diverged(ctx, t->path, i + 1, "input record without path or sha256");
        char hex[65], *display = NULL;
        int one = hash_input(ctx, dir, rel, hex, &display);
        if (one < 0) {
            free(display);
            return one;
        }
        (*checked_out)++;
        if (one == 1)
            rc = diverged(ctx, display ? display : rel, 0,
                          "missing: the trail records it with sha256 %s", want);
        else if (strcmp(hex, want) != 0)
            rc = diverged(ctx, display ? display : rel, 0,
                          "changed since the trail was written: recorded sha256 %s, now %s", want,
                          hex);
        free(display);
    }
    const char **known = merit__malloc((t->count + 1) * sizeof(*known));
    if (known == NULL)
        return merit__oom(ctx);
    size_t nknown = 0;
    for (size_t i = 0; i < t->count; i++)
        if (strcmp(rec_type(t->records[i]), "input") == 0 && rec_str(t->records[i], "path"))
            known[nknown++] = rec_str(t->records[i], "path");
    qsort(known, nknown, sizeof(*known), compare_strings);
    static const char *const folders[] = {"proposals", "reviews"};
    for (int f = 0; f < 2; f++) {
        int one = extra_inputs(ctx, known, nknown, dir, folders[f]);
        if (one == MERIT_ENOMEM) {
            rc = one;
            break;
        }
        if (one != 0)
            rc = one;
    }
    free((void *)known);
    return rc;
}

/* A short description of a step: "aggregate (proposal P03, criterion approach)". */
static void describe(const json_t *rec, char *buf, size_t size)
{
    static const char *const keys[] = {"proposal", "reviewer", "criterion", "subject",
                                       "rule",     "above",    "below"};
    size_t o = (size_t)snprintf(buf, size, "%s", rec_type(rec));
    const char *sep = " (";
    for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]) && o < size; k++) {
        const char *v = rec_str(rec, keys[k]);
        if (v == NULL)
            continue;
        o += (size_t)snprintf(buf + o, size - o, "%s%s %s", sep, keys[k], v);
        sep = ", ";
    }
    if (o < size && strcmp(sep, ", ") == 0)
        snprintf(buf + o, size - o, ")");
}

/* A value as text for a message: numbers by their exact value. */
static char *show(const json_t *v)
{
    if (v == NULL)
        return merit__strdup("(absent)");
    const json_t *exact = json_is_object(v) ? json_object_get(v, "exact") : NULL;
    if (json_is_string(exact))
        return merit__strdup(json_string_value(exact));
    if (json_is_string(v))
        return merit__strdup(json_string_value(v));
    char *s =
        dump_json((json_t *)(uintptr_t)v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    return s ? s : merit__strdup("?");
}

/* Compares a recorded step with the recomputed one, key by key. */
static int compare_step(merit_ctx *ctx, const struct trail *t, size_t line, json_t *recorded,
                        json_t *fresh)
{
    char what[256], was[256];
    describe(fresh, what, sizeof(what));
    describe(recorded, was, sizeof(was));
    if (strcmp(rec_type(recorded), rec_type(fresh)) != 0 || strcmp(was, what) != 0)
        return diverged(ctx, t->path, line,
                        "step %zu diverged: the trail records %s here, the recomputation %s", line,
                        was, what);
    const char *key;
    json_t *value;
    json_object_foreach(fresh, key, value)
    {
        json_t *old = json_object_get(recorded, key);
        if (old != NULL && json_equal(old, value))
            continue;
        char *a = show(old), *b = show(value);
        int rc =
            diverged(ctx, t->path, line, "step %zu, %s, diverged: recorded %s %s, recomputed %s",
                     line, what, key, a ? a : "?", b ? b : "?");
        free(a);
        free(b);
        return rc;
    }
    json_object_foreach(recorded, key, value)
    {
        if (strcmp(key, "seq") == 0 || strcmp(key, "prev") == 0)
            continue;
        if (json_object_get(fresh, key) == NULL)
            return diverged(ctx, t->path, line,
                            "step %zu, %s, diverged: the trail records '%s', which the "
                            "recomputed step does not have",
                            line, what, key);
    }
    return 0;
}

static bool is_step(const char *type)
{
    return strcmp(type, "merit-audit") != 0 && strcmp(type, "input") != 0 &&
           strcmp(type, "report") != 0 && strcmp(type, "end") != 0;
}

static int check_reports(merit_ctx *ctx, const struct trail *t, size_t *count)
{
    int rc = 0;
    for (size_t i = 0; i < t->count; i++) {
        const json_t *rec = t->records[i];
        if (strcmp(rec_type(rec), "report") != 0)
            continue;
        const char *path = rec_str(rec, "path"), *want = rec_str(rec, "sha256");
        if (path == NULL || want == NULL || strcmp(path, "-") == 0)
            continue;
        char hex[65], *display = NULL;
        int one = hash_input(ctx, ".", path, hex, &display);
        free(display);
        if (one < 0)
            return one;
        if (one == 1) {
            merit__diag(ctx, MERIT_SEVERITY_NOTE, MERIT_DIAG_DIVERGED, path, 0, 0,
                        "report not found, not checked");
            continue;
        }
        (*count)++;
        if (strcmp(hex, want) != 0)
            rc = diverged(ctx, path, 0,
                          "report changed since the trail was written: recorded sha256 %s, now "
                          "%s",
                          want, hex);
    }
    return rc;
}

int merit_replay(merit_ctx *ctx, const char *trail_path, const char *calldir,
                 merit_replay_summary *summary)
{
    memset(summary, 0, sizeof(*summary));
    struct trail t = {trail_path, NULL, NULL, 0};
    merit_call *call = NULL;
    merit_result *res = NULL;
    json_t *fresh = NULL;
    int rc = read_trail(ctx, trail_path, &t);
    if (rc != 0)
        goto done;
    summary->records = t.count;
    if (t.count == 0) {
        rc = diverged(ctx, trail_path, 0, "empty: not a merit audit trail");
        goto done;
    }
    rc = check_chain(ctx, &t);
    if (rc != 0)
        goto done;

    const json_t *head = t.records[0];
    const json_t *format = json_object_get(head, "format");
    const json_t *maths = json_object_get(head, "maths");
    const char *version = rec_str(head, "merit");
    if (strcmp(rec_type(head), "merit-audit") != 0 || !json_is_integer(format) ||
        !json_is_integer(maths)) {
        rc = diverged(ctx, trail_path, 1, "not a merit audit trail header");
        goto done;
    }
    if (json_integer_value(format) != MERIT_AUDIT_FORMAT) {
        rc = diverged(ctx, trail_path, 1,
                      "trail format %lld was written by merit %s; this merit %s reads format %d",
                      (long long)json_integer_value(format), version ? version : "?",
                      merit_version(), MERIT_AUDIT_FORMAT);
        goto done;
    }
    if (json_integer_value(maths) != MERIT_MATHS_VERSION) {
        rc = diverged(ctx, trail_path, 1,
                      "the trail was written by merit %s with scoring maths version %lld; this "
                      "merit %s implements version %d, so its numbers may differ by design: "
                      "this is not tampering; replay with merit %s",
                      version ? version : "?", (long long)json_integer_value(maths),
                      merit_version(), MERIT_MATHS_VERSION, version ? version : "?");
        goto done;
    }
    const json_t *call_rec = json_object_get(head, "call");
    const char *dir = calldir ? calldir : json_string_value(json_object_get(call_rec, "dir"));
    const json_t *options = json_object_get(head, "options");
    const char *method = json_string_value(json_object_get(options, "method"));
    const json_t *places = json_object_get(options, "places");
    if (dir == NULL || method == NULL || !json_is_integer(places)) {
        rc = diverged(ctx, trail_path, 1, "the header lacks the call folder or the options");
        goto done;
    }

    int inputs_rc = check_inputs(ctx, &t, dir, &summary->inputs);
    if (inputs_rc == MERIT_ENOMEM) {
        rc = inputs_rc;
        goto done;
    }

    merit_rank_options ropt = {true, MERIT_METHOD_MEAN};
    if (merit_method_from_name(method, &ropt.method) != 0) {
        rc = diverged(ctx, trail_path, 1, "unknown method '%s' in the header", method);
        goto done;
    }
    /* the recomputation has a context of its own: with keep-going, the
     * problems it meets again are steps to compare (the "rejected"
     * records), not problems of the replay */
    bool keep_going = json_is_true(json_object_get(options, "keep_going"));
    merit_ctx *sub = merit_ctx_new();
    if (sub == NULL) {
        rc = merit__oom(ctx);
        goto done;
    }
    merit_ctx_set_keep_going(sub, keep_going);
    merit_ctx_set_keep_comments(sub, false); /* no step of the trail reads them */
    rc = merit_call_load(sub, dir, &call);
    if (rc == 0)
        rc = merit_call_rank(sub, call, &ropt, &res);
    if (rc != 0) {
        for (size_t i = 0; i < merit_ctx_diag_count(sub); i++) {
            const merit_diag *d = merit_ctx_diag(sub, i);
            merit__diag(ctx, d->severity, d->kind, d->file, d->line, d->column, "%s", d->message);
        }
        if (merit_ctx_out_of_memory(sub))
            merit__oom(ctx);
        merit_ctx_free(sub);
        if (rc != MERIT_ENOMEM)
            rc = diverged(ctx, trail_path, 0,
                          "the call cannot be recomputed from the inputs as they are now");
        goto done;
    }
    merit_ctx_free(sub);
    merit_audit_info info = {0};
    info.places = (unsigned)json_integer_value(places);
    info.method_overridden = true;
    info.keep_going = keep_going;
    rc = build_records(ctx, res, &info, &fresh);
    if (rc != 0)
        goto done;
    /* compare step records in order, skipping header, inputs and reports */
    size_t f = 0, n = json_array_size(fresh);
    int steps_rc = 0;
    for (size_t i = 0; i < t.count && steps_rc == 0; i++) {
        json_t *rec = t.records[i];
        if (!is_step(rec_type(rec)))
            continue;
        while (f < n && !is_step(rec_type(json_array_get(fresh, f))))
            f++;
        if (f == n) {
            steps_rc =
                diverged(ctx, trail_path, i + 1, "step %zu, %s: the recomputation has no such step",
                         i + 1, rec_type(rec));
            break;
        }
        steps_rc = compare_step(ctx, &t, i + 1, rec, json_array_get(fresh, f));
        summary->steps++;
        f++;
    }
    while (steps_rc == 0 && f < n) {
        if (is_step(rec_type(json_array_get(fresh, f)))) {
            char what[256];
            describe(json_array_get(fresh, f), what, sizeof(what));
            steps_rc = diverged(ctx, trail_path, t.count,
                                "the recomputation has a step the trail lacks: %s", what);
        }
        f++;
    }
    int reports_rc = check_reports(ctx, &t, &summary->reports);
    if (reports_rc == MERIT_ENOMEM)
        rc = reports_rc;
    else
        rc = inputs_rc ? inputs_rc : steps_rc ? steps_rc : reports_rc;
done:
    json_decref(fresh);
    merit_result_free(res);
    merit_call_free(call);
    trail_release(&t);
    return rc;
}
