/*
 * The audit trail: records built from the result model, written as chained
 * JSON Lines, and the replay that checks a trail against its inputs and a
 * fresh calculation. The format is documented in docs/audit.md.
 */
#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "agreement.h"
#include "calibration.h"
#include "embedded.h"
#include "internal.h"
#include "merit/audit.h"
#include "merit/escape.h"
#include "merit/number.h"
#include "merit/report.h"
#include "report.h"
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
    int format;        /* MERIT_AUDIT_FORMAT, or an older one a replay rebuilds */
    json_t *pending;   /* the record being filled, without seq and prev */
    json_t *collected; /* replay: records gathered here instead of written */
    /* replay: each record handed here (borrowed for the call) instead of
     * written or gathered; a non-zero return stops the build with it */
    int (*each)(void *user, json_t *rec);
    void *user;
    merit_sink *sink; /* where lines go; its first error (out of memory
                         somewhere, or a line refused) stops the trail */
    size_t written;   /* records written */
    char prev[65];    /* the hash of the last line written */
    struct line_buf {
        char *text; /* owned; the line being written, reused line after line */
        size_t used, cap;
        bool oom;
    } line;
};

static void write_pending(struct builder *b);

static json_t *checked(struct builder *b, json_t *v)
{
    if (v == NULL)
        merit_sink_fail(b->sink, MERIT_ENOMEM);
    return v;
}

/* json_object_set_new and json_array_append_new take the value over even
 * when they fail (a NULL container included), so nothing leaks here. */
static void set(struct builder *b, json_t *o, const char *key, json_t *v)
{
    if (v == NULL || json_object_set_new(o, key, v) != 0)
        merit_sink_fail(b->sink, MERIT_ENOMEM);
}

static void append(struct builder *b, json_t *array, json_t *v)
{
    if (v == NULL || json_array_append_new(array, v) != 0)
        merit_sink_fail(b->sink, MERIT_ENOMEM);
}

static json_t *owned(struct builder *b, char *s)
{
    json_t *v = s != NULL ? json_string(s) : NULL;
    free(s);
    return checked(b, v);
}

/* Text read from XML is UTF-8; an argument or a path from outside may not
 * be, and JSON cannot hold it: it is recorded escaped (merit/escape.h), as
 * merit shows it (docs/audit.md). */
static json_t *str(struct builder *b, const char *s)
{
    if (s == NULL)
        return json_null();
    if (!merit_utf8_valid(s, strlen(s)))
        return owned(b, merit_escape(s, 0));
    return checked(b, json_string(s));
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

/* The rule at the funding line as the walk used it, and where each part
 * came from (docs/audit.md). */
static json_t *funding_options(struct builder *b)
{
    const merit_result *res = b->res;
    json_t *f = checked(b, json_object());
    bool lottery = res->ties == MERIT_TIES_LOTTERY;
    const char *from = res->ties_from_command_line ? "command-line" : "call";
    set(b, f, "ties", str(b, merit_tie_policy_name(res->ties)));
    set(b, f, "ties_from", str(b, from));
    set(b, f, "seed", lottery ? str(b, res->lottery_seed) : json_null());
    set(b, f, "seed_from", lottery ? str(b, from) : json_null());
    set(b, f, "draw_among", str(b, merit_draw_among_name(res->draw_among)));
    set(b, f, "overspend", money(b, res->overspend_allowed));
    set(b, f, "skip_unaffordable", json_boolean(res->skip_unaffordable));
    set(b, f, "skip_from", str(b, res->skip_from_call ? "call" : "rubric"));
    return f;
}

static void header(struct builder *b, const merit_audit_info *info)
{
    json_t *o = record(b, "merit-audit");
    set(b, o, "format", integer(b, b->format));
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
    if (b->format >= 3) {
        /* the rank intervals (docs/scoring.md): what was computed, and
         * whether each setting came from the command line */
        const merit_result *res = b->res;
        unsigned given = info->intervals_given;
        set(b, opt, "resamples", integer(b, (long long)res->resamples));
        set(b, opt, "resamples_from",
            str(b, given & MERIT_AUDIT_GIVEN_RESAMPLES ? "command-line" : "default"));
        set(b, opt, "level", integer(b, res->level != 0 ? res->level : MERIT_DEFAULT_LEVEL));
        set(b, opt, "level_from",
            str(b, given & MERIT_AUDIT_GIVEN_LEVEL ? "command-line" : "default"));
        set(b, opt, "seed", res->seed != NULL ? str(b, res->seed) : json_null());
        set(b, opt, "seed_from",
            str(b, given & MERIT_AUDIT_GIVEN_SEED ? "command-line" : "default"));
    }
    set(b, opt, "keep_going", json_boolean(info->keep_going));
    /* the z-score method's fixed parts, which its numbers depend on; only
     * for it, so that other methods' trails stay as they were */
    if (b->res->method == MERIT_METHOD_Z_SCORE) {
        set(b, opt, "zscore_precision", integer(b, MERIT_ZSCORE_PRECISION));
        set(b, opt, "zscore_min_scores", integer(b, MERIT_ZSCORE_MIN_SCORES));
    }
    /* every limit in force, defaults included: a replay loads with them */
    merit_limits limits = info->limits != NULL ? *info->limits : b->ctx->limits;
    merit_limits_fill(&limits);
    json_t *lim = checked(b, json_object());
    for (const char *const *n = merit_limit_names(); *n != NULL; n++)
        set(b, lim, *n, integer(b, (long long)merit_limits_get(&limits, *n)));
    set(b, opt, "limits", lim);
    set(b, opt, "audit", str(b, info->audit_path));
    if (b->format >= 3)
        set(b, opt, "funding", funding_options(b));
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
        set(b, o, "sha256", str(b, f->hashed ? hex : NULL));
        set(b, o, "bytes", integer(b, (long long)f->bytes));
        /* a file never read whole has no hash: why, so that a replay can
         * find the same reason again */
        merit_unread why = f->hashed   ? MERIT_READ
                           : f->unread ? f->unread
                                       : MERIT_UNREAD_CANNOT_READ;
        set(b, o, "not_read", str(b, why != MERIT_READ ? merit_unread_name(why) : NULL));
        /* a signed sheet: the key its signature was checked with */
        if (f->signed_by[0] != '\0')
            set(b, o, "signed_by", str(b, f->signed_by));
    }
}

/* A file of the call named relative to the call folder (path_join in
 * call.c made it "DIR/REL"), so that a trail replays in a copy of the
 * folder made anywhere. */
static const char *relative(const merit_call *call, const char *path)
{
    const char *dir = call->dir;
    if (path == NULL || dir == NULL)
        return path;
    size_t dl = strlen(dir);
    while (dl > 1 && dir[dl - 1] == '/')
        dl--;
    if (dl == 1 && dir[0] == '.')
        return path;
    if (strncmp(path, dir, dl) == 0 && path[dl] == '/')
        return path + dl + 1;
    return path;
}

/* What --keep-going left out: nothing is dropped silently. */
static void rejected(struct builder *b)
{
    for (size_t i = 0; i < b->call->rejected_count; i++) {
        const merit_rejected *r = &b->call->rejected[i];
        json_t *o = record(b, "rejected");
        set(b, o, "kind", str(b, merit_rejected_kind_name(r->kind)));
        set(b, o, "what", str(b, r->what));
        set(b, o, "file", str(b, b->format >= 2 ? relative(b->call, r->loc.file) : r->loc.file));
        set(b, o, "line", integer(b, r->loc.line));
        set(b, o, "reason", str(b, r->reason));
    }
}

/* A score as steps, exactly as written ("7.5"), or null for a no-score. */
static json_t *steps_value(struct builder *b, int32_t steps)
{
    if (steps == MERIT_NO_SCORE)
        return json_null();
    mpq_t v;
    mpq_init(v);
    merit_score_value(b->rb, steps, v);
    json_t *out = decimal(b, v);
    mpq_clear(v);
    return out;
}

/* The panel's changes to scores (docs/formats.md "Moderation"), one
 * record each in the order applied: by review, criterion and time. */
static void moderation_records(struct builder *b)
{
    const merit_call *call = b->call;
    for (size_t i = 0; i < call->change_count && merit_sink_ok(b->sink); i++) {
        const merit_moderation_change *ch = &call->changes[i];
        const merit_review *rv = &call->reviews[ch->review];
        json_t *o = record(b, "moderation");
        set(b, o, "proposal", str(b, call->proposals[rv->proposal].id));
        set(b, o, "reviewer", str(b, call->reviewers[rv->reviewer].id));
        set(b, o, "criterion", str(b, b->rb->criteria[ch->criterion].id));
        set(b, o, "from", steps_value(b, ch->from));
        set(b, o, "to", steps_value(b, ch->to));
        set(b, o, "by", str(b, ch->by));
        set(b, o, "at", str(b, ch->at));
        set(b, o, "kind", str(b, merit_moderation_kind_name(ch->kind)));
        set(b, o, "reason", str(b, ch->reason));
        set(b, o, "file", str(b, relative(call, ch->loc.file)));
    }
}

/* z-score: per criterion, the panel's moments, then each reviewer's with
 * counted scores on it, and what was made of them. */
static void standardise_steps(struct builder *b)
{
    const merit_result *res = b->res;
    if (res->zscores == NULL)
        return;
    size_t criteria = b->rb->criterion_count;
    for (size_t c = 0; c < criteria && merit_sink_ok(b->sink); c++) {
        const merit_zscore_panel *p = &res->zscore_panels[c];
        json_t *o = record(b, "panel");
        set(b, o, "criterion", str(b, b->rb->criteria[c].id));
        set(b, o, "count", integer(b, (long long)p->count));
        set(b, o, "mean", number(b, p->mean));
        set(b, o, "variance", number(b, p->variance));
        for (size_t j = 0; j < b->call->reviewer_count; j++) {
            const merit_zscore *z = &res->zscores[j * criteria + c];
            if (z->count == 0)
                continue;
            o = record(b, "standardise");
            set(b, o, "reviewer", str(b, b->call->reviewers[j].id));
            set(b, o, "criterion", str(b, b->rb->criteria[c].id));
            set(b, o, "count", integer(b, (long long)z->count));
            set(b, o, "mean", number(b, z->mean));
            set(b, o, "variance", number(b, z->variance));
            set(b, o, "factor", number(b, z->factor));
            set(b, o, "standardised", json_boolean(z->kept == MERIT_ZSCORE_STANDARDISED));
            set(b, o, "kept",
                z->kept == MERIT_ZSCORE_STANDARDISED ? json_null()
                                                     : str(b, merit_zscore_kept_name(z->kept)));
        }
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
            /* none given: null */
            set(b, s, "confidence",
                rv->confidences[c] != 0 ? integer(b, rv->confidences[c]) : json_null());
            if (b->res->reviews[r].values != NULL)
                set(b, s, "standardised", number(b, b->res->reviews[r].values[c]));
            /* moderated: the sheet's own score beside it (null: a no-score) */
            size_t changed = 0;
            if (rv->original_steps != NULL)
                (void)merit_call_score_changes(call, r, c, &changed);
            if (changed > 0)
                set(b, s, "original", steps_value(b, rv->original_steps[c]));
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
            set(b, o, "section", str(b, rule->section));
            set(b, o, "scope", str(b, rule->each_milestone ? "each-milestone" : "section"));
            set(b, o, "expect", str(b, rule->expect_match ? "match" : "no-match"));
            const merit_proposal *p = &call->proposals[i];
            set(b, o, "failed_milestone",
                rr->failed_milestone < p->milestone_count
                    ? str(b, p->milestones[rr->failed_milestone].id)
                    : json_null());
        } else {
            set(b, o, "kind", str(b, "fact"));
            set(b, o, "fact", str(b, rule->fact_name));
            set(b, o, "section",
                rule->fact == MERIT_FACT_WORDS ? str(b, rule->section) : json_null());
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
    const merit_proposal *p = &b->call->proposals[pr->proposal];
    if (tb->fact == MERIT_FACT_WORDS) {
        const merit_section_words *s = merit_proposal_section(p, tb->section);
        return s != NULL ? integer(b, (long long)s->words) : json_null();
    }
    mpq_t v;
    mpq_init(v);
    json_t *j = merit_fact_value(b->res, pr, tb->fact, tb->fact_name, tb->section, v) ? number(b, v)
                                                                                      : json_null();
    mpq_clear(v);
    return j;
}

/* The lottery at the line: the pool as it stood before the shuffle, the
 * seed, and each draw with what it did. */
static void lottery_record(struct builder *b)
{
    const merit_result *res = b->res;
    json_t *o = record(b, "lottery");
    set(b, o, "seed", str(b, res->lottery_seed));
    set(b, o, "seed_from", str(b, res->ties_from_command_line ? "command-line" : "call"));
    set(b, o, "draw_among", str(b, merit_draw_among_name(res->draw_among)));
    json_t *pool = checked(b, json_array());
    for (size_t k = 0; k < res->pool_count; k++)
        append(b, pool, str(b, pid(b, res->proposals[res->pool[k]].proposal)));
    set(b, o, "pool", pool);
    json_t *draws = checked(b, json_array());
    size_t n = 0;
    for (size_t s = 0; s < res->walk_count; s++) {
        const merit_walk_step *step = &res->walk[s];
        if (step->action != MERIT_WALK_DRAWN_FUNDED &&
            step->action != MERIT_WALK_DRAWN_DOES_NOT_FIT)
            continue;
        const merit_proposal_result *pr = &res->proposals[step->result];
        json_t *d = checked(b, json_object());
        set(b, d, "draw", integer(b, (long long)++n));
        set(b, d, "proposal", str(b, pid(b, pr->proposal)));
        set(b, d, "rank", integer(b, (long long)pr->rank));
        set(b, d, "request", money(b, step->request));
        set(b, d, "remaining_before", money(b, step->remaining));
        set(b, d, "outcome",
            str(b, step->action == MERIT_WALK_DRAWN_FUNDED ? "funded" : "passed-over"));
        append(b, draws, d);
    }
    set(b, o, "draws", draws);
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
                snprintf(desc, sizeof(desc), "fact %s", tb->fact_name);
        }
        set(b, o, "tiebreak", desc[0] ? str(b, desc) : json_null());
        set(b, o, "above_value", decider_value(b, above, below->decided_by, below->decider_index));
        set(b, o, "below_value", decider_value(b, below, below->decided_by, below->decider_index));
    }
    if (res->has_intervals) {
        mpq_t p;
        mpq_init(p);
        for (size_t k = 0; k < res->ranked_count; k++) {
            const merit_proposal_result *pr = &res->proposals[res->order[k]];
            json_t *o = record(b, "interval");
            set(b, o, "proposal", str(b, pid(b, pr->proposal)));
            set(b, o, "position", integer(b, (long long)(k + 1)));
            set(b, o, "low", integer(b, (long long)pr->rank_low));
            set(b, o, "median", integer(b, (long long)pr->rank_median));
            set(b, o, "high", integer(b, (long long)pr->rank_high));
            set(b, o, "funded_in", integer(b, (long long)pr->funded_in));
            /* P(funded) in percent, exact and shown to one place */
            mpz_set_ui(mpq_numref(p), (unsigned long)pr->funded_in * 100);
            mpz_set_ui(mpq_denref(p), (unsigned long)res->resamples);
            mpq_canonicalize(p);
            json_t *pf = checked(b, json_object());
            set(b, pf, "exact", owned(b, merit_fraction_string(p)));
            set(b, pf, "shown", owned(b, merit_decimal_string(p, 1)));
            set(b, o, "p_funded_percent", pf);
            set(b, o, "grey_zone", json_boolean(pr->grey_zone));
        }
        mpq_clear(p);
        json_t *o = record(b, "line");
        set(b, o, "line", integer(b, (long long)res->line));
        set(b, o, "grey_zone", integer(b, (long long)res->grey_count));
        set(b, o, "resamples", integer(b, (long long)res->resamples));
    }
    if (res->pool_count > 0)
        lottery_record(b);
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

/* What merit stats shows, recorded so that a replay recomputes it too: a
 * `reviewer` record per reviewer (calibration) and an `agreement` record
 * per criterion and one for the total (docs/scoring.md). Format 3 on. */
static void statistics_steps(struct builder *b)
{
    if (b->format < 3 || !merit_sink_ok(b->sink))
        return;
    struct merit__stats st;
    if (merit__stats_compute(b->sink, b->res, &st) != 0)
        return;
    const merit__calibration *cal = st.cal;
    const merit__agreement *agr = st.agr;
    struct {
        size_t count;
        const char *type;
    } kinds[2] = {{cal->reviewer_count, "reviewer"}, {agr->item_count, "agreement"}};
    for (size_t k = 0; k < 2; k++)
        for (size_t i = 0; i < kinds[k].count && merit_sink_ok(b->sink); i++) {
            json_t *o = record(b, kinds[k].type);
            json_t *v =
                k == 0 ? merit__stats_reviewer_json(b->sink, b->call, &cal->reviewers[i], b->places)
                       : merit__stats_agreement_json(b->sink, b->call, &agr->items[i], b->places);
            if (v != NULL && json_object_update(o, v) != 0)
                merit_sink_fail(b->sink, MERIT_ENOMEM);
            json_decref(v);
        }
    merit__stats_free(&st);
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

/* JSON text of v, or NULL. Dumped into a buffer of the exact size:
 * jansson 2.14's json_dumps ignores a failure to write an object key when
 * its buffer cannot grow, and would drop the key silently (found by
 * tests/test_torture.c); json_dumpb into a fixed buffer cannot fail in the
 * writing, and counts what did not fit. A record is dumped once into a
 * buffer on the stack (most lines are well under 8 KiB), and a second time
 * only when it did not fit there. */
static char *dump_json(json_t *v, size_t flags)
{
    char first[8192];
    size_t size = json_dumpb(v, first, sizeof(first), flags);
    if (size == 0)
        return NULL;
    char *text = merit__malloc(size + 1);
    if (text == NULL)
        return NULL;
    if (size <= sizeof(first))
        memcpy(text, first, size);
    else if (json_dumpb(v, text, size, flags) != size) {
        free(text);
        return NULL;
    }
    text[size] = '\0';
    return text;
}

/* A trail's line is written here straight from the record, byte for byte
 * as jansson 2.14's json_dumps gives it with JSON_COMPACT |
 * JSON_PRESERVE_ORDER (the format of every trail written before): no
 * spaces, members in the order they were set, strings as UTF-8 with only
 * the quote, the backslash and the control characters escaped (\b \f \n
 * \r \t, the others as \u00XX in capitals), integers in decimal. No
 * tree is built for the line and nothing is dumped twice (a dump was a
 * third of writing the trail, docs/performance.md); tests/test_audit.c
 * checks the two agree on every kind of value the trail holds. */
static void line_put(struct line_buf *l, const char *bytes, size_t n)
{
    if (l->oom)
        return;
    if (l->cap - l->used < n + 1) {
        size_t cap = l->cap * 2 > l->used + n + 1 ? l->cap * 2 : l->used + n + 4096;
        char *p = merit__realloc(l->text, cap);
        if (p == NULL) {
            l->oom = true;
            return;
        }
        l->text = p;
        l->cap = cap;
    }
    memcpy(l->text + l->used, bytes, n);
    l->used += n;
}

static void line_string(struct line_buf *l, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    line_put(l, "\"", 1);
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        line_put(l, s + from, i - from);
        from = i + 1;
        char esc[6] = {'\\', 0};
        size_t len = 2;
        switch (c) {
        case '"':
            esc[1] = '"';
            break;
        case '\\':
            esc[1] = '\\';
            break;
        case '\b':
            esc[1] = 'b';
            break;
        case '\f':
            esc[1] = 'f';
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            len = 6;
        }
        line_put(l, esc, len);
    }
    line_put(l, s + from, n - from);
    line_put(l, "\"", 1);
}

static void line_value(struct line_buf *l, const json_t *v);

/* An object's members, without its braces. */
static void line_members(struct line_buf *l, const json_t *o)
{
    const char *sep = "";
    for (void *it = json_object_iter((json_t *)(uintptr_t)o); it != NULL;
         it = json_object_iter_next((json_t *)(uintptr_t)o, it)) {
        line_put(l, sep, strlen(sep));
        line_string(l, json_object_iter_key(it), json_object_iter_key_len(it));
        line_put(l, ":", 1);
        line_value(l, json_object_iter_value(it));
        sep = ",";
    }
}

static void line_value(struct line_buf *l, const json_t *v)
{
    char num[32];
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        line_put(l, "{", 1);
        line_members(l, v);
        line_put(l, "}", 1);
        break;
    case JSON_ARRAY:
        line_put(l, "[", 1);
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i > 0)
                line_put(l, ",", 1);
            line_value(l, json_array_get(v, i));
        }
        line_put(l, "]", 1);
        break;
    case JSON_STRING:
        line_string(l, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
        line_put(
            l, num,
            (size_t)snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v)));
        break;
    case JSON_TRUE:
        line_put(l, "true", 4);
        break;
    case JSON_FALSE:
        line_put(l, "false", 5);
        break;
    case JSON_NULL:
        line_put(l, "null", 4);
        break;
    default:
        l->oom = true; /* no record holds a real */
    }
}

/* One line into l: {"seq":n,...record...,"prev":"hex"}, NUL-terminated. */
static void chain_line(struct line_buf *l, const json_t *rec, size_t seq, const char *prev)
{
    char num[48];
    l->used = 0;
    line_put(l, num, (size_t)snprintf(num, sizeof(num), "{\"seq\":%zu,", seq));
    line_members(l, rec);
    line_put(l, ",\"prev\":", 8);
    line_string(l, prev, strlen(prev));
    line_put(l, "}", 2); /* with the closing NUL */
    l->used--;
}

/* Writes the pending record as the next line of the chain and frees it.
 * After a failure nothing more is written. */
static void write_pending(struct builder *b)
{
    json_t *rec = b->pending;
    b->pending = NULL;
    if (rec == NULL || !merit_sink_ok(b->sink)) {
        json_decref(rec);
        return;
    }
    if (b->collected != NULL) {
        if (json_array_append_new(b->collected, rec) != 0)
            merit_sink_fail(b->sink, MERIT_ENOMEM);
        return;
    }
    if (b->each != NULL) {
        int rc = b->each(b->user, rec);
        json_decref(rec);
        if (rc != 0)
            merit_sink_fail(b->sink, rc);
        return;
    }
    struct line_buf *l = &b->line;
    chain_line(l, rec, b->written + 1, b->prev);
    json_decref(rec);
    unsigned char digest[32];
    if (l->oom || merit_sha256(l->text, l->used, digest) != 0) {
        merit_sink_fail(b->sink, MERIT_ENOMEM);
        return;
    }
    merit_hex(digest, b->prev);
    l->text[l->used] = '\n';
    merit_sink_write(b->sink, l->text, l->used + 1);
    if (merit_sink_ok(b->sink))
        b->written++;
}

/* Every record of the trail but the closing one, in the fixed order; the
 * last stays pending. */
static void build_all(struct builder *b, const merit_audit_info *info)
{
    header(b, info);
    inputs(b);
    rejected(b);
    moderation_records(b);
    standardise_steps(b);
    size_t r = 0;
    for (size_t i = 0; i < b->call->proposal_count && merit_sink_ok(b->sink); i++) {
        size_t first = r;
        while (r < b->call->review_count && b->call->reviews[r].proposal == i)
            r++;
        proposal_steps(b, i, first, r);
    }
    ranking_steps(b);
    statistics_steps(b);
    reports(b, info);
}

/* The records of build_all as an array (replay compares them with a
 * trail's). Nothing is written: the sink, without a stream, only keeps
 * the first error. */
static int build_records(merit_ctx *ctx, const merit_result *res, const merit_audit_info *info,
                         int format, json_t **out)
{
    merit_sink none = {0};
    struct builder b = {.ctx = ctx,
                        .res = res,
                        .call = res->call,
                        .rb = res->call->rubric,
                        .places = info->places,
                        .format = format,
                        .collected = json_array(),
                        .sink = &none};
    *out = NULL;
    if (b.collected == NULL)
        return merit__oom(ctx);
    build_all(&b, info);
    write_pending(&b);
    if (none.error != 0) {
        json_decref(b.collected);
        return merit__oom(ctx);
    }
    *out = b.collected;
    return 0;
}

/* The records of build_all handed one at a time to EACH, none kept: replay
 * compares each with the trail's as it is made. Returns EACH's first
 * non-zero return (its diagnostic given), or MERIT_ENOMEM. */
static int build_each(merit_ctx *ctx, const merit_result *res, const merit_audit_info *info,
                      int format, int (*each)(void *user, json_t *rec), void *user)
{
    merit_sink none = {0};
    struct builder b = {.ctx = ctx,
                        .res = res,
                        .call = res->call,
                        .rb = res->call->rubric,
                        .places = info->places,
                        .format = format,
                        .each = each,
                        .user = user,
                        .sink = &none};
    build_all(&b, info);
    write_pending(&b);
    if (none.error == MERIT_ENOMEM)
        return merit__oom(ctx);
    return none.error;
}

int merit_audit_write_to(merit_ctx *ctx, const merit_result *res, const merit_audit_info *info,
                         merit_sink *sink, char final_hex[65])
{
    struct builder b = {.ctx = ctx,
                        .res = res,
                        .call = res->call,
                        .rb = res->call->rubric,
                        .places = info->places,
                        .format = MERIT_AUDIT_FORMAT,
                        .sink = sink,
                        .prev = ZERO_HASH};
    build_all(&b, info);
    /* the closing record counts every line, itself included */
    json_t *end = record(&b, "end");
    set(&b, end, "records", integer(&b, (long long)b.written + 1));
    write_pending(&b);
    free(b.line.text);
    if (sink->error == MERIT_ENOMEM)
        return merit__oom(ctx);
    if (sink->error != 0)
        return sink->error;
    if (final_hex != NULL)
        memcpy(final_hex, b.prev, 65);
    return 0;
}

int merit_audit_write(merit_ctx *ctx, const merit_result *res, const merit_audit_info *info,
                      FILE *out, char final_hex[65])
{
    merit_sink sink;
    /* the trail's lines are chained by their own hashes: the file's is not asked for */
    merit_sink_init_unhashed(&sink, out, false);
    int rc = merit_audit_write_to(ctx, res, info, &sink, final_hex);
    int finished = merit_sink_finish(&sink, NULL);
    if (rc == 0 && finished != 0)
        rc = finished == MERIT_ENOMEM ? merit__oom(ctx) : finished;
    return rc;
}

/* --- replay --------------------------------------------------------------- */

/* A trail read line by line, never more than its longest line held: the
 * byte-order mark an editor adds is skipped, and a CR before the LF is
 * taken off. Replay reads its trail so twice (its chain checked as it is
 * read, then its steps as they are compared), never whole. */
struct line_reader {
    int fd;             /* owned; -1 when closed */
    const char *path;   /* borrowed */
    uint64_t max;       /* the file-size limit */
    uint64_t total;     /* bytes read since the start */
    unsigned char *buf; /* owned */
    size_t cap, start, end;
    size_t line; /* lines returned since the start */
    bool eof;
    bool bom; /* the file starts with a byte-order mark */
};

#define TRAIL_CHUNK (64u * 1024u)

static void reader_close(struct line_reader *r)
{
    if (r->fd >= 0)
        close(r->fd);
    r->fd = -1;
    free(r->buf);
    r->buf = NULL;
}

/* Reads the next chunk after what is held, keeping the line begun. */
static int reader_fill(merit_ctx *ctx, struct line_reader *r)
{
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    if (r->cap - r->end < TRAIL_CHUNK + 1) {
        size_t cap = r->cap * 2 > r->end + TRAIL_CHUNK + 1 ? r->cap * 2 : r->end + TRAIL_CHUNK + 1;
        unsigned char *p = merit__realloc(r->buf, cap);
        if (p == NULL)
            return merit__oom(ctx);
        r->buf = p;
        r->cap = cap;
    }
    ssize_t n;
    do
        n = read(r->fd, r->buf + r->end, TRAIL_CHUNK);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_IO, r->path, 0, 0,
                           "read error: %s", strerror(errno));
    if (n == 0) {
        r->eof = true;
        return 0;
    }
    r->total += (uint64_t)n;
    if (r->total > r->max)
        return merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_LIMIT, r->path, 0, 0,
                           "file grew past the file-size limit of %llu bytes while read",
                           (unsigned long long)r->max);
    r->end += (size_t)n;
    return 0;
}

/* Back to the start of the file, its first bytes read (at least 3 unless
 * the file is shorter) and a byte-order mark skipped. */
static int reader_rewind(merit_ctx *ctx, struct line_reader *r)
{
    if (lseek(r->fd, 0, SEEK_SET) != 0)
        return merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_IO, r->path, 0, 0,
                           "cannot read it again: %s", strerror(errno));
    r->total = 0;
    r->start = r->end = 0;
    r->line = 0;
    r->eof = false;
    while (!r->eof && r->end < 3) {
        int rc = reader_fill(ctx, r);
        if (rc != 0)
            return rc;
    }
    r->bom = r->end >= 3 && r->buf[0] == 0xEF && r->buf[1] == 0xBB && r->buf[2] == 0xBF;
    if (r->bom)
        r->start = 3;
    return 0;
}

static int reader_open(merit_ctx *ctx, const char *path, struct line_reader *r)
{
    memset(r, 0, sizeof(*r));
    r->path = path;
    r->max = ctx->limits.max_file_bytes;
    uint64_t size;
    int rc = 0;
    r->fd = merit__xml_open_file(ctx, path, &size, &rc);
    if (r->fd < 0)
        return rc;
    rc = reader_rewind(ctx, r);
    if (rc == 0 && r->end == 0)
        rc =
            merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path, 0, 0, "file is empty");
    if (rc != 0)
        reader_close(r);
    return rc;
}

/* The next line, NUL-terminated, without its line end, in the reader's
 * buffer until the next call; *line NULL at the end of the file. *cr says
 * a CR was taken off, *unterminated that the file ends in this line. */
static int reader_next(merit_ctx *ctx, struct line_reader *r, char **line, size_t *len, bool *cr,
                       bool *unterminated)
{
    *line = NULL;
    *cr = *unterminated = false;
    size_t scanned = 0; /* bytes of the line already searched for its LF */
    for (;;) {
        unsigned char *p = r->buf + r->start;
        size_t held = r->end - r->start;
        unsigned char *nl = held > scanned ? memchr(p + scanned, '\n', held - scanned) : NULL;
        if (nl != NULL) {
            size_t n = (size_t)(nl - p);
            r->start += n + 1;
            if (n > 0 && p[n - 1] == '\r') {
                n--;
                *cr = true;
            }
            p[n] = '\0';
            *line = (char *)p;
            *len = n;
            r->line++;
            return 0;
        }
        if (r->eof) {
            if (held == 0)
                return 0;
            /* the last line, without its LF: the buffer has room for a NUL */
            r->start = r->end;
            p[held] = '\0';
            *line = (char *)p;
            *len = held;
            *unterminated = true;
            r->line++;
            return 0;
        }
        scanned = held;
        int rc = reader_fill(ctx, r);
        if (rc != 0)
            return rc;
    }
}

struct trail {
    const char *path;
    json_t **records;
    size_t count;
    /* lean (replay): a step's record is not kept (NULL), only the hash of
     * its line: it is read again from the file and parsed when compared.
     * The other records are kept whole. */
    bool lean;
    long long *seqs;              /* each line's seq (-1: none) */
    bool *prev_ok;                /* each line's prev is the hash of the line before */
    unsigned char (*digests)[32]; /* each line's SHA-256, as first read */
    size_t cap;
    struct line_reader *reader; /* lean: the file, open for reading again */
};

static void trail_release(struct trail *t)
{
    for (size_t i = 0; i < t->count; i++)
        json_decref(t->records[i]);
    free(t->records);
    free(t->seqs);
    free(t->prev_ok);
    free(t->digests);
    if (t->reader != NULL)
        reader_close(t->reader);
    free(t->reader);
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

/* --- reading the trail ------------------------------------------------------ */

static bool is_step(const char *type)
{
    return strcmp(type, "merit-audit") != 0 && strcmp(type, "input") != 0 &&
           strcmp(type, "report") != 0 && strcmp(type, "end") != 0;
}

/* A trail is UTF-8 JSON Lines exactly as merit wrote it. What a copy does
 * to a text file without touching its records (a byte-order mark, CR LF
 * line ends) is taken off with a warning, and the chain is checked on the
 * records as merit wrote them; whatever else is wrong is named for what it
 * looks like, not as an edit. */

static bool is_utf16(const unsigned char *b, size_t n)
{
    if (n >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF)))
        return true;
    /* text in UTF-16 without a byte-order mark: a zero byte every other */
    return n >= 2 && (b[0] == 0 || b[1] == 0);
}

/* Why a line that is not a record is not, in words. */
static int not_a_record(merit_ctx *ctx, const struct trail *t, size_t line, const char *text,
                        bool last_unterminated, const char *why)
{
    if (line == 1) {
        /* a JSON report starts with "{" alone on its line, then
         * "format": "merit-ranking" */
        if (strcmp(text, "{") == 0)
            return diverged(ctx, t->path, 1,
                            "not a merit audit trail: it is a JSON document spread over lines, "
                            "like a report of 'merit rank --format json'; the trail is the file "
                            "'--audit FILE' writes, one record per line");
        return diverged(ctx, t->path, 1,
                        "not a merit audit trail: its first line is not the header of a trail (a "
                        "trail is the file 'merit rank --audit FILE' writes, one JSON record "
                        "per line)");
    }
    if (last_unterminated)
        return diverged(ctx, t->path, line,
                        "the trail ends in the middle of line %zu, which is incomplete: it was "
                        "cut short",
                        line);
    if (text[0] == '\0')
        return diverged(ctx, t->path, line,
                        "line %zu is blank: a line was added, or a record was removed from it",
                        line);
    return diverged(ctx, t->path, line,
                    "line %zu is not a trail record (%s): the line was edited, or the file is "
                    "not a merit audit trail",
                    line, why);
}

/* Room for one line more in the trail's arrays. */
static bool trail_grow(struct trail *t)
{
    if (t->count < t->cap)
        return true;
    size_t cap = t->cap ? t->cap * 2 : 1024;
    json_t **records = merit__realloc(t->records, cap * sizeof(*records));
    if (records != NULL)
        t->records = records;
    long long *seqs = merit__realloc(t->seqs, cap * sizeof(*seqs));
    if (seqs != NULL)
        t->seqs = seqs;
    bool *ok = merit__realloc(t->prev_ok, cap * sizeof(*ok));
    if (ok != NULL)
        t->prev_ok = ok;
    unsigned char(*digests)[32] = merit__realloc(t->digests, cap * sizeof(*digests));
    if (digests != NULL)
        t->digests = digests;
    if (records == NULL || seqs == NULL || ok == NULL || digests == NULL)
        return false;
    t->cap = cap;
    return true;
}

/* Reads the trail line by line: each line parsed, its seq kept, its prev
 * checked against the hash of the line before and its own hash kept (the
 * chain is judged by check_chain, which names the first break). A lean
 * trail keeps the file open and its steps unparsed. */
static int read_trail(merit_ctx *ctx, const char *path, struct trail *t)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0)
        return diverged(ctx, path, 0,
                        "the file is empty: a merit audit trail holds at least a header and a "
                        "closing record (was it truncated, or written elsewhere?)");
    struct line_reader *r = merit__calloc(1, sizeof(*r));
    if (r == NULL)
        return merit__oom(ctx);
    int rc = reader_open(ctx, path, r);
    if (rc != 0) {
        free(r);
        return rc;
    }
    t->reader = r; /* released with the trail */
    if (is_utf16(r->buf, r->end))
        return diverged(ctx, path, 0,
                        "the trail is UTF-16 text, not the UTF-8 merit writes: a copy converted "
                        "it (a PowerShell redirect does); convert it back to UTF-8 and replay "
                        "that");
    if (r->bom)
        merit__diag(ctx, MERIT_SEVERITY_WARNING, MERIT_DIAG_DIVERGED, path, 1, 0,
                    "the trail starts with a byte-order mark, which an editor or a copy added "
                    "(merit writes none): it is left out, and the chain is checked without it");
    /* the line ends first, so that a copy's CRs are said before anything
     * found in the lines */
    size_t lines = 0, crlf = 0, first_crlf = 0;
    char *line;
    size_t len;
    bool cr, unterminated;
    while ((rc = reader_next(ctx, r, &line, &len, &cr, &unterminated)) == 0 && line != NULL) {
        lines++;
        if (cr && crlf++ == 0)
            first_crlf = lines;
    }
    if (rc != 0)
        return rc;
    if (crlf > 0)
        merit__diag(ctx, MERIT_SEVERITY_WARNING, MERIT_DIAG_DIVERGED, path, (uint32_t)first_crlf, 0,
                    "%s in CR LF, as after a copy in text mode or a Windows checkout (merit "
                    "ends lines with LF alone): the CRs are left out, and the chain is checked "
                    "without them",
                    crlf == lines ? "every line of the trail ends"
                    : crlf == 1   ? "a line ends"
                                  : "some lines end");
    rc = reader_rewind(ctx, r);
    char prev[65] = ZERO_HASH;
    while (rc == 0 && (rc = reader_next(ctx, r, &line, &len, &cr, &unterminated)) == 0 &&
           line != NULL) {
        if (memchr(line, '\0', len) != NULL) {
            rc = diverged(ctx, path, t->count + 1,
                          "line %zu holds a zero byte: the file is not text, so not a merit "
                          "audit trail, or it was damaged",
                          t->count + 1);
            break;
        }
        if (!trail_grow(t)) {
            rc = merit__oom(ctx);
            break;
        }
        size_t i = t->count;
        json_error_t err;
        json_t *rec = json_loads(line, JSON_REJECT_DUPLICATES, &err);
        t->records[t->count++] = rec;
        if (rec == NULL || !json_is_object(rec)) {
            rc = not_a_record(ctx, t, t->count, line, unterminated,
                              rec == NULL ? err.text : "not an object");
            break;
        }
        const json_t *seq = json_object_get(rec, "seq");
        const char *recorded = json_string_value(json_object_get(rec, "prev"));
        t->seqs[i] = json_is_integer(seq) ? (long long)json_integer_value(seq) : -1;
        t->prev_ok[i] = recorded != NULL && strcmp(recorded, prev) == 0;
        if (merit_sha256(line, len, t->digests[i]) != 0) {
            rc = merit__oom(ctx);
            break;
        }
        merit_hex(t->digests[i], prev);
        const char *type = json_string_value(json_object_get(rec, "type"));
        if (t->lean && i > 0 && is_step(type != NULL ? type : "?")) {
            json_decref(rec);
            t->records[i] = NULL;
        }
    }
    if (!t->lean) {
        reader_close(r);
        free(r);
        t->reader = NULL;
    }
    return rc;
}

static long long seq_at(const struct trail *t, size_t i)
{
    return t->seqs[i];
}

/* Record I whole into *out: kept, or (a step of a lean trail) read again
 * from the file and parsed, its line checked against the hash it had when
 * the chain was checked (a file changed between the two reads is said so,
 * not compared); *parsed says the caller owns it. */
static int record_at(merit_ctx *ctx, const struct trail *t, size_t i, json_t **out, bool *parsed)
{
    *out = t->records[i];
    *parsed = *out == NULL;
    if (!*parsed)
        return 0;
    struct line_reader *r = t->reader;
    int rc = 0;
    if (r->line > i)
        rc = reader_rewind(ctx, r);
    char *line = NULL;
    size_t len = 0;
    bool cr, unterminated;
    while (rc == 0 && r->line <= i) {
        rc = reader_next(ctx, r, &line, &len, &cr, &unterminated);
        if (rc == 0 && line == NULL)
            break;
    }
    if (rc != 0)
        return rc;
    unsigned char digest[32];
    if (line != NULL && r->line == i + 1 && merit_sha256(line, len, digest) != 0)
        return merit__oom(ctx);
    if (line == NULL || r->line != i + 1 || memcmp(digest, t->digests[i], 32) != 0)
        return diverged(ctx, t->path, i + 1,
                        "the trail changed while replay read it: line %zu is not what it was "
                        "when its chain was checked",
                        i + 1);
    *out = json_loads(line, JSON_REJECT_DUPLICATES, NULL);
    return *out != NULL ? 0 : merit__oom(ctx);
}

/* Checks numbering and the hash chain; names the first line that breaks. */
static int check_chain(merit_ctx *ctx, const struct trail *t)
{
    for (size_t i = 0; i < t->count; i++) {
        long long seq = seq_at(t, i);
        if (seq != (long long)(i + 1)) {
            /* the record that belongs here: later in the file (reordered)
             * or nowhere (removed) */
            size_t found = SIZE_MAX;
            for (size_t j = i + 1; j < t->count && found == SIZE_MAX; j++)
                if (seq_at(t, j) == (long long)(i + 1))
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
        if (!t->prev_ok[i]) {
            if (i == 0)
                return diverged(ctx, t->path, 1,
                                "the chain breaks here: the first record does "
                                "not start the chain");
            return diverged(ctx, t->path, i,
                            "the chain breaks here: line %zu was edited (it no longer hashes to "
                            "the value line %zu records)",
                            i, i + 1);
        }
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

/* --- the header ------------------------------------------------------------ */

/* The header as read, with what it owns. */
struct header {
    merit_replay_header pub;
    const char *call_file;       /* the first input: call.xml, or the call file's name */
    const char **argv;           /* borrowed strings; the array is owned */
    merit_audit_report *reports; /* owned array; paths and formats borrowed */
};

static void header_release(struct header *h)
{
    free((void *)h->argv);
    free(h->reports);
}

static bool hex_digest(const char *hex, unsigned char out[32])
{
    if (hex == NULL || strlen(hex) != 64)
        return false;
    for (size_t i = 0; i < 32; i++) {
        unsigned v = 0;
        for (size_t k = 0; k < 2; k++) {
            char c = hex[2 * i + k];
            v = v * 16 + (unsigned)(c >= '0' && c <= '9'   ? c - '0'
                                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                                           : 99);
        }
        if (v > 255)
            return false;
        out[i] = (unsigned char)v;
    }
    return true;
}

/* Reads the header's settings into h, checking each; a divergence names
 * the first that is not valid. */
/* The limits that came after trail format 2: a trail may lack them, and
 * then replays with them at their defaults. */
static bool limit_came_later(const char *name)
{
    return strcmp(name, "diagnostics") == 0 || strcmp(name, "rules") == 0;
}

static int read_header(merit_ctx *ctx, const struct trail *t, struct header *h)
{
    const json_t *head = t->records[0];
    merit_replay_header *p = &h->pub;
    const json_t *format = json_object_get(head, "format");
    const json_t *maths = json_object_get(head, "maths");
    p->merit = rec_str(head, "merit");
    p->build = rec_str(head, "build");
    const char *version = p->merit ? p->merit : "?";
    if (strcmp(rec_type(head), "merit-audit") != 0 || !json_is_integer(format) ||
        !json_is_integer(maths))
        return diverged(ctx, t->path, 1,
                        "not a merit audit trail: its first record is not the header of a trail");
    json_int_t f = json_integer_value(format);
    if (f < 1 || f > MERIT_AUDIT_FORMAT)
        return diverged(ctx, t->path, 1,
                        "trail format %lld was written by merit %s; this merit %s reads formats "
                        "1 to %d",
                        (long long)f, version, merit_version(), MERIT_AUDIT_FORMAT);
    p->format = (int)f;
    if (json_integer_value(maths) != MERIT_MATHS_VERSION)
        return diverged(ctx, t->path, 1,
                        "the trail was written by merit %s with scoring maths version %lld; this "
                        "merit %s implements version %d, so its numbers may differ by design: "
                        "this is not tampering; replay with merit %s",
                        version, (long long)json_integer_value(maths), merit_version(),
                        MERIT_MATHS_VERSION, version);

    const json_t *command = json_object_get(head, "command");
    const json_t *options = json_object_get(head, "options");
    const json_t *call = json_object_get(head, "call");
    p->call_dir = rec_str(call, "dir");
    if (!json_is_array(command) || !json_is_object(options) || p->call_dir == NULL)
        return diverged(ctx, t->path, 1,
                        "the header lacks the command, the options or the call folder");
    size_t argc = json_array_size(command);
    if (argc > INT32_MAX)
        return diverged(ctx, t->path, 1, "the command in the header is too long");
    h->argv = merit__calloc(argc + 1, sizeof(*h->argv));
    if (h->argv == NULL)
        return merit__oom(ctx);
    for (size_t i = 0; i < argc; i++)
        if ((h->argv[i] = json_string_value(json_array_get(command, i))) == NULL)
            return diverged(ctx, t->path, 1,
                            "the command in the header holds something not a string");
    p->info.argc = (int)argc;
    p->info.argv = h->argv;

    const char *method = rec_str(options, "method");
    const char *from = rec_str(options, "method_from");
    const json_t *places = json_object_get(options, "places");
    const json_t *keep_going = json_object_get(options, "keep_going");
    if (method == NULL || merit_method_from_name(method, &p->method) != 0)
        return diverged(ctx, t->path, 1, "the option 'method' in the header names no method");
    if (from == NULL || (strcmp(from, "rubric") != 0 && strcmp(from, "command-line") != 0))
        return diverged(ctx, t->path, 1,
                        "the option 'method_from' in the header is neither 'rubric' nor "
                        "'command-line'");
    p->info.method_overridden = strcmp(from, "command-line") == 0;
    if (!json_is_integer(places) || json_integer_value(places) < 0 ||
        json_integer_value(places) > 12)
        return diverged(ctx, t->path, 1,
                        "the option 'places' in the header is not a whole number from 0 to 12");
    p->info.places = (unsigned)json_integer_value(places);
    /* format 1 trails of early builds lack keep_going: it was off */
    if (keep_going != NULL && !json_is_boolean(keep_going))
        return diverged(ctx, t->path, 1,
                        "the option 'keep_going' in the header is not true or false");
    if (keep_going == NULL && p->format >= 2)
        return diverged(ctx, t->path, 1, "the header lacks the option 'keep_going'");
    p->info.keep_going = json_is_true(keep_going);
    if (p->method == MERIT_METHOD_Z_SCORE) {
        const json_t *precision = json_object_get(options, "zscore_precision");
        const json_t *min_scores = json_object_get(options, "zscore_min_scores");
        if (!json_is_integer(precision) || !json_is_integer(min_scores))
            return diverged(ctx, t->path, 1,
                            "the header lacks the options 'zscore_precision' and "
                            "'zscore_min_scores' of the method 'z-score'");
        if (json_integer_value(precision) != MERIT_ZSCORE_PRECISION ||
            json_integer_value(min_scores) != MERIT_ZSCORE_MIN_SCORES)
            return diverged(ctx, t->path, 1,
                            "the trail's z-score used %lld bits and at least %lld scores; this "
                            "merit %s uses %d bits and at least %d scores, so its numbers may "
                            "differ by design: this is not tampering",
                            (long long)json_integer_value(precision),
                            (long long)json_integer_value(min_scores), merit_version(),
                            MERIT_ZSCORE_PRECISION, MERIT_ZSCORE_MIN_SCORES);
    }

    memset(&p->limits, 0, sizeof(p->limits));
    if (p->format >= 2) {
        const json_t *limits = json_object_get(options, "limits");
        const json_t *audit = json_object_get(options, "audit");
        size_t names = 0, later_missing = 0;
        for (const char *const *n = merit_limit_names(); *n != NULL; n++) {
            names++;
            later_missing += json_is_object(limits) && json_object_get(limits, *n) == NULL &&
                             limit_came_later(*n);
        }
        /* a trail written before a limit came lists the others: that one
         * was then at its default */
        if (!json_is_object(limits) || json_object_size(limits) != names - later_missing)
            return diverged(ctx, t->path, 1,
                            "the option 'limits' in the header does not list the %zu limits",
                            names);
        for (const char *const *n = merit_limit_names(); *n != NULL; n++) {
            const json_t *v = json_object_get(limits, *n);
            char text[32];
            if (v == NULL && limit_came_later(*n))
                continue;
            if (!json_is_integer(v) || json_integer_value(v) < 1 ||
                snprintf(text, sizeof(text), "%lld", (long long)json_integer_value(v)) < 0 ||
                merit_limits_set(&p->limits, *n, text) != 0)
                return diverged(ctx, t->path, 1,
                                "the limit '%s' in the header is not a value the limit can take",
                                *n);
        }
        if (audit != NULL && !json_is_null(audit) && !json_is_string(audit))
            return diverged(ctx, t->path, 1, "the option 'audit' in the header is not a file name");
        p->info.audit_path = json_string_value(audit);
    }
    merit_limits_fill(&p->limits);
    p->info.limits = &p->limits;

    p->level = MERIT_DEFAULT_LEVEL;
    if (p->format >= 3) {
        const json_t *funding = json_object_get(options, "funding");
        const char *drawn = rec_str(funding, "seed"), *drawn_from = rec_str(funding, "seed_from");
        if (!json_is_object(funding))
            return diverged(ctx, t->path, 1, "the header lacks the option 'funding'");
        if (drawn != NULL && drawn_from != NULL && strcmp(drawn_from, "command-line") == 0)
            p->lottery_seed = drawn;
        const json_t *resamples = json_object_get(options, "resamples");
        const json_t *level = json_object_get(options, "level");
        const json_t *seed = json_object_get(options, "seed");
        static const char *const froms[] = {"resamples_from", "level_from", "seed_from"};
        static const unsigned bits[] = {MERIT_AUDIT_GIVEN_RESAMPLES, MERIT_AUDIT_GIVEN_LEVEL,
                                        MERIT_AUDIT_GIVEN_SEED};
        if (!json_is_integer(resamples) || json_integer_value(resamples) < 0 ||
            json_integer_value(resamples) > MERIT_MAX_RESAMPLES)
            return diverged(ctx, t->path, 1,
                            "the option 'resamples' in the header is not a whole number from 0 "
                            "to %u",
                            MERIT_MAX_RESAMPLES);
        if (!json_is_integer(level) || json_integer_value(level) < 50 ||
            json_integer_value(level) > 99)
            return diverged(ctx, t->path, 1,
                            "the option 'level' in the header is not a whole number from 50 to "
                            "99");
        if (!json_is_null(seed) && !json_is_string(seed))
            return diverged(ctx, t->path, 1, "the option 'seed' in the header is not a string");
        p->resamples = (size_t)json_integer_value(resamples);
        p->level = (unsigned)json_integer_value(level);
        p->seed = json_string_value(seed);
        if ((p->seed == NULL) != (p->resamples == 0))
            return diverged(ctx, t->path, 1,
                            "the option 'seed' in the header is %s, but 'resamples' is %zu",
                            p->seed == NULL ? "null" : "set", p->resamples);
        for (size_t i = 0; i < 3; i++) {
            const char *came = rec_str(options, froms[i]);
            if (came == NULL || (strcmp(came, "default") != 0 && strcmp(came, "command-line") != 0))
                return diverged(ctx, t->path, 1,
                                "the option '%s' in the header is neither 'default' nor "
                                "'command-line'",
                                froms[i]);
            if (strcmp(came, "command-line") == 0)
                p->info.intervals_given |= bits[i];
        }
    }

    for (size_t i = 0; i < t->count && p->call_file == NULL; i++)
        if (strcmp(rec_type(t->records[i]), "input") == 0)
            p->call_file = rec_str(t->records[i], "path");

    /* the reports the trail lists (the command check compares them) */
    size_t n = 0;
    for (size_t i = 0; i < t->count; i++)
        n += strcmp(rec_type(t->records[i]), "report") == 0;
    h->reports = merit__calloc(n + 1, sizeof(*h->reports));
    if (h->reports == NULL)
        return merit__oom(ctx);
    for (size_t i = 0; i < t->count; i++) {
        const json_t *rec = t->records[i];
        if (strcmp(rec_type(rec), "report") != 0)
            continue;
        merit_audit_report *r = &h->reports[p->info.report_count++];
        r->path = rec_str(rec, "path");
        r->format = rec_str(rec, "format");
        if (r->path == NULL || r->format == NULL || !hex_digest(rec_str(rec, "sha256"), r->sha256))
            return diverged(ctx, t->path, i + 1,
                            "report record without a path, a format or a sha256");
    }
    p->info.reports = h->reports;
    return 0;
}

/* --- the inputs -------------------------------------------------------------- */

/* Whether rel is a name a ranking can have recorded as its index-th input:
 * call.xml, then the rubric (shipped:NAME, or a path the loader accepts as
 * an href), then proposals/NAME.xml and reviews/NAME.xml as the loader
 * lists them. */
static bool input_name_ok(const char *rel, size_t index)
{
    if (index == 0) /* call.xml, or the call file given by its name */
        return rel[0] != '\0' && strcmp(rel, ".") != 0 && strcmp(rel, "..") != 0 &&
               strchr(rel, '/') == NULL;
    if (index == 1)
        return strncmp(rel, "shipped:", 8) == 0 ? rel[8] != '\0' : merit__href_inside(rel);
    static const char *const folders[] = {"proposals/", "reviews/", "moderation/"};
    for (size_t f = 0; f < 3; f++) {
        size_t fl = strlen(folders[f]);
        if (strncmp(rel, folders[f], fl) != 0)
            continue;
        const char *name = rel + fl;
        size_t n = strlen(name);
        /* a signature, reviews/NAME.xml.sig or moderation/NAME.xml.sig, too */
        if (f >= 1 && n >= 9 && strcmp(name + n - 4, ".sig") == 0)
            n -= 4;
        return n >= 5 && name[0] != '.' && strchr(name, '/') == NULL &&
               strncmp(name + n - 4, ".xml", 4) == 0;
    }
    return false;
}

/* What a file is now, by the rules a ranking read it by. */
struct found {
    merit_unread why; /* MERIT_READ: hex holds its digest */
    char hex[65];
};

/* The place of the recorded input rel under dir: the same link rule as the
 * loader (a folder is checked once; *folders caches it), then the same
 * reading rules and limits (quiet holds them). Returns 0 or MERIT_ENOMEM. */
static int find_input(merit_ctx *ctx, merit_ctx *quiet, const struct merit_root *root,
                      int folders[3], const char *rel, const char *path, struct found *out)
{
    out->why = MERIT_READ;
    out->hex[0] = '\0';
    unsigned char digest[32];
    if (strncmp(rel, "shipped:", 8) == 0) {
        const struct merit_embedded_file *f = merit__shipped_rubric(rel + 8);
        if (f == NULL) {
            out->why = MERIT_UNREAD_MISSING;
            return 0;
        }
        if (merit_sha256(f->bytes, f->size, digest) != 0)
            return merit__oom(ctx);
        merit_hex(digest, out->hex);
        return 0;
    }
    int outside = 0;
    size_t folder = strncmp(rel, "proposals/", 10) == 0    ? 0
                    : strncmp(rel, "reviews/", 8) == 0     ? 1
                    : strncmp(rel, "moderation/", 11) == 0 ? 2
                                                           : 3;
    if (folder < 3) {
        if (folders[folder] < 0) {
            char *dir = merit__strndup(path, strlen(path) - strlen(strrchr(rel, '/')));
            if (dir == NULL)
                return merit__oom(ctx);
            folders[folder] = merit__root_check(NULL, root, dir, MERIT_PLACE_UNKNOWN);
            free(dir);
        }
        outside = folders[folder];
        if (outside == 0)
            outside = merit__root_check(NULL, root, path, MERIT_PLACE_UNKNOWN);
    } else {
        /* call.xml, or the rubric, whose folders may be links */
        outside = merit__root_check(
            NULL, root, path,
            folder == 3 && strcmp(rel, "call.xml") != 0 ? MERIT_PLACE_PATH : MERIT_PLACE_UNKNOWN);
    }
    if (outside < 0)
        return merit__oom(ctx);
    if (outside == 1) {
        out->why = MERIT_UNREAD_LINK_OUTSIDE;
        return 0;
    }
    uint64_t bytes;
    merit_ctx_clear_diags(quiet);
    int rc = merit__xml_hash_file(quiet, path, true, digest, &bytes, &out->why);
    if (rc == MERIT_ENOMEM || merit_ctx_out_of_memory(quiet))
        return merit__oom(ctx);
    if (rc == 0)
        merit_hex(digest, out->hex);
    return 0;
}

/* Files in dir/sub/ *.xml that the trail does not record. known[] holds
 * the recorded paths, sorted, searched by bisection (a call of ten thousand
 * files has ten thousand input records). A folder that leads out of the
 * call folder is not listed (the recomputation says why). */
static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int extra_inputs(merit_ctx *ctx, const struct merit_root *root, const char **known,
                        size_t nknown, const char *dir, const char *sub)
{
    char *folder = merit__sprintf("%s/%s", dir, sub);
    if (folder == NULL)
        return merit__oom(ctx);
    if (merit__root_check(NULL, root, folder, MERIT_PLACE_UNKNOWN) != 0) {
        free(folder);
        return 0;
    }
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
        /* a name that is not UTF-8 is not an input: the recomputation
         * reports it (a rejected file under keep-going) */
        if (n[0] == '.' || len < 5 || strcmp(n + len - 4, ".xml") != 0 || !merit_utf8_valid(n, len))
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

/* Compares one recorded input with what the file is now. */
static int compare_input(merit_ctx *ctx, const char *path, const char *want, const char *not_read,
                         const struct found *now)
{
    /* format 1 wrote "" for a file it did not read, and no reason */
    bool was_read = want != NULL && want[0] != '\0';
    const char *was_why = not_read != NULL ? not_read : "no reason recorded";
    const char *now_why = merit_unread_name(now->why);
    if (was_read && now->why == MERIT_READ) {
        if (strcmp(want, now->hex) == 0)
            return 0;
        return diverged(ctx, path, 0,
                        "changed since the trail was written: recorded sha256 %s, now %s", want,
                        now->hex);
    }
    if (was_read && now->why == MERIT_UNREAD_MISSING)
        return diverged(ctx, path, 0, "missing: the trail records it with sha256 %s", want);
    if (was_read)
        return diverged(ctx, path, 0,
                        "changed since the trail was written: recorded sha256 %s, now it is not "
                        "read (%s)",
                        want, now_why);
    if (now->why == MERIT_READ)
        return diverged(ctx, path, 0,
                        "changed since the trail was written: the trail records it as not read "
                        "(%s), now it reads whole, sha256 %s",
                        was_why, now->hex);
    if (not_read != NULL && merit__unread_from_name(not_read) != (int)now->why)
        return diverged(ctx, path, 0,
                        "changed since the trail was written: the trail records it as not read "
                        "(%s), now it is not read (%s)",
                        was_why, now_why);
    return 0; /* not read then, not read now, for the same reason */
}

/* changed gets the paths of the files read then and now whose hash
 * differs; *other is set when anything else is wrong with the inputs. */
static int check_inputs(merit_ctx *ctx, const struct trail *t, const struct header *h,
                        const char *dir, const struct merit_root *root, size_t *checked_out,
                        json_t *changed, bool *other)
{
    int rc = 0;
    *checked_out = 0;
    merit_ctx *quiet = merit_ctx_new(); /* what is wrong with a file is said here */
    if (quiet == NULL)
        return merit__oom(ctx);
    merit_ctx_set_limits(quiet, &h->pub.limits);
    int folders[3] = {-1, -1, -1};
    size_t index = 0;
    for (size_t i = 0; i < t->count && rc != MERIT_ENOMEM; i++) {
        const json_t *rec = t->records[i];
        if (strcmp(rec_type(rec), "input") != 0)
            continue;
        const char *rel = rec_str(rec, "path"), *want = rec_str(rec, "sha256");
        const char *not_read = rec_str(rec, "not_read");
        bool read = want != NULL && want[0] != '\0';
        if (rel == NULL || (h->pub.format >= 2 && read == (not_read != NULL)) ||
            (h->pub.format < 2 && want == NULL)) {
            rc = diverged(ctx, t->path, i + 1,
                          "input record without a path, or without either a sha256 or the "
                          "reason it was not read");
            *other = true;
            continue;
        }
        /* only what a ranking could have read: never a file elsewhere, so
         * that a trail cannot make replay tell anything of other files */
        if (!input_name_ok(rel, index++)) {
            rc = diverged(ctx, t->path, i + 1,
                          "input record names '%s', which is not where a call keeps %s: not "
                          "read",
                          rel,
                          index == 1   ? "its call file (call.xml, or a name in the folder)"
                          : index == 2 ? "its rubric (a shipped name, or a path inside the "
                                         "call folder without '..')"
                                       : "proposals and reviews (proposals/NAME.xml, "
                                         "reviews/NAME.xml, moderation/NAME.xml)");
            *other = true;
            continue;
        }
        if (not_read != NULL && merit__unread_from_name(not_read) < 0) {
            rc = diverged(ctx, t->path, i + 1, "input record gives an unknown reason '%s'",
                          not_read);
            *other = true;
            continue;
        }
        char *path = strncmp(rel, "shipped:", 8) == 0 ? merit__strdup(rel)
                                                      : merit__sprintf("%s/%s", dir, rel);
        if (path == NULL) {
            rc = merit__oom(ctx);
            break;
        }
        struct found now;
        int one = find_input(ctx, quiet, root, folders, rel, path, &now);
        bool hash_changed = false;
        if (one == 0) {
            (*checked_out)++;
            one = compare_input(ctx, path, want, not_read, &now);
            hash_changed = one == MERIT_EDIVERGED && read && now.why == MERIT_READ;
        }
        if (one != 0)
            rc = one;
        if (hash_changed && json_array_append_new(changed, json_string_nocheck(path)) != 0)
            rc = merit__oom(ctx);
        else if (one != 0 && !hash_changed)
            *other = true;
        free(path);
    }
    merit_ctx_free(quiet);
    if (rc == MERIT_ENOMEM)
        return rc;
    const char **known = merit__malloc((t->count + 1) * sizeof(*known));
    if (known == NULL)
        return merit__oom(ctx);
    size_t nknown = 0;
    for (size_t i = 0; i < t->count; i++)
        if (strcmp(rec_type(t->records[i]), "input") == 0 && rec_str(t->records[i], "path"))
            known[nknown++] = rec_str(t->records[i], "path");
    qsort(known, nknown, sizeof(*known), compare_strings);
    static const char *const folders_[] = {"proposals", "reviews", "moderation"};
    for (int f = 0; f < 3; f++) {
        int one = extra_inputs(ctx, root, known, nknown, dir, folders_[f]);
        if (one == MERIT_ENOMEM) {
            rc = one;
            break;
        }
        if (one != 0) {
            rc = one;
            *other = true;
        }
    }
    free((void *)known);
    return rc;
}

/* The recorded inputs must be the files the call, loaded again, reads, in
 * the same order: a trail cannot name a file for its hash while the
 * ranking read another. Run only when every recorded input matched. */
static int check_input_list(merit_ctx *ctx, const struct trail *t, const merit_call *call)
{
    size_t k = 0;
    for (size_t i = 0; i < t->count; i++) {
        const json_t *rec = t->records[i];
        if (strcmp(rec_type(rec), "input") != 0)
            continue;
        const char *rel = rec_str(rec, "path");
        if (k >= call->file_count)
            return diverged(ctx, t->path, i + 1,
                            "the trail records input '%s', which the call as loaded now does not "
                            "read",
                            rel);
        if (strcmp(rel, call->files[k].relpath) != 0)
            return diverged(ctx, t->path, i + 1,
                            "the trail records input '%s' here, where the call as loaded now "
                            "reads '%s'",
                            rel, call->files[k].relpath);
        /* a signed sheet: the key its signature is checked with now */
        const char *was = rec_str(rec, "signed_by"), *now = call->files[k].signed_by;
        if (strcmp(was != NULL ? was : "", now) != 0)
            return diverged(ctx, t->path, i + 1,
                            "the trail records input '%s' as signed by %s, where the call as "
                            "loaded now checks it with %s",
                            rel, was != NULL ? was : "no key", now[0] != '\0' ? now : "no key");
        k++;
    }
    if (k < call->file_count)
        return diverged(ctx, t->path, 0,
                        "the call as loaded now reads '%s', which the trail does not record",
                        call->files[k].relpath);
    return 0;
}

/* --- the steps --------------------------------------------------------------- */

/* A short description of a step: "aggregate (proposal P03, criterion approach)". */
static void describe(const json_t *rec, char *buf, size_t size)
{
    static const char *const keys[] = {"proposal", "reviewer", "id",    "criterion", "subject",
                                       "rule",     "above",    "below", "what"};
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

/* A number as the trail writes it: {"exact": ..., "shown": ...}. */
static bool is_number(const json_t *v)
{
    return json_is_object(v) && json_object_size(v) == 2 &&
           json_is_string(json_object_get(v, "exact")) &&
           json_is_string(json_object_get(v, "shown"));
}

/* A value as text for a message: numbers by their exact value. */
static char *show(const json_t *v)
{
    if (v == NULL)
        return merit__strdup("(absent)");
    if (is_number(v))
        return merit__strdup(json_string_value(json_object_get(v, "exact")));
    if (json_is_string(v))
        return merit__strdup(json_string_value(v));
    char *s =
        dump_json((json_t *)(uintptr_t)v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    return s ? s : merit__strdup("?");
}

/* The first place where a (recorded) and b (recomputed) differ, as a path
 * below the key ("order[3].status"); *da and *db get the values there (NULL
 * where absent). Numbers are compared whole. False when they are equal. */
static bool first_difference(const json_t *a, const json_t *b, char *path, size_t size,
                             const json_t **da, const json_t **db)
{
    if (a != NULL && b != NULL && json_equal((json_t *)(uintptr_t)a, (json_t *)(uintptr_t)b))
        return false;
    size_t used = strlen(path);
    if (json_is_array(a) && json_is_array(b)) {
        size_t na = json_array_size(a), nb = json_array_size(b);
        for (size_t i = 0; i < na && i < nb; i++) {
            snprintf(path + used, size - used, "[%zu]", i);
            if (first_difference(json_array_get(a, i), json_array_get(b, i), path, size, da, db))
                return true;
        }
        path[used] = '\0';
    } else if (json_is_object(a) && json_is_object(b) && !is_number(a) && !is_number(b)) {
        const char *key;
        const json_t *value;
        json_object_foreach((json_t *)(uintptr_t)b, key, value)
        {
            snprintf(path + used, size - used, ".%s", key);
            if (first_difference(json_object_get(a, key), value, path, size, da, db))
                return true;
        }
        json_object_foreach((json_t *)(uintptr_t)a, key, value)
        {
            snprintf(path + used, size - used, ".%s", key);
            if (json_object_get(b, key) == NULL)
                return *da = value, *db = NULL, true;
        }
        path[used] = '\0';
    }
    *da = a;
    *db = b;
    return true;
}

/* Compares a recorded step with the recomputed one, key by key, and names
 * the first difference as precisely as it can. */
static int compare_step(merit_ctx *ctx, const struct trail *t, const struct header *h, size_t line,
                        json_t *recorded, json_t *fresh)
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
    char where[256];
    const json_t *a = NULL, *b = NULL;
    bool differs = false;
    json_object_foreach(fresh, key, value)
    {
        snprintf(where, sizeof(where), "%s", key);
        if ((differs = first_difference(json_object_get(recorded, key), value, where, sizeof(where),
                                        &a, &b)))
            break;
    }
    if (!differs) {
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
    if (is_number(a) && is_number(b) &&
        json_equal(json_object_get(a, "exact"), json_object_get(b, "exact")))
        /* the same number shown otherwise: the places, or the text, was
         * edited (the header's places are what the recomputation shows) */
        return diverged(ctx, t->path, line,
                        "step %zu, %s, diverged: recorded %s shown \"%s\", recomputed \"%s\" "
                        "with the places in the header (%u); the exact values agree (%s)",
                        line, what, where, json_string_value(json_object_get(a, "shown")),
                        json_string_value(json_object_get(b, "shown")), h->pub.info.places,
                        json_string_value(json_object_get(a, "exact")));
    if (json_is_array(a) && json_is_array(b))
        return diverged(ctx, t->path, line,
                        "step %zu, %s, diverged: recorded %s has %zu entries, recomputed %zu", line,
                        what, where, json_array_size(a), json_array_size(b));
    char *x = show(a), *y = show(b);
    int rc = diverged(ctx, t->path, line, "step %zu, %s, diverged: recorded %s %s, recomputed %s",
                      line, what, where, x ? x : "?", y ? y : "?");
    free(x);
    free(y);
    return rc;
}

/* The header's rule at the funding line (format 3) against the one the
 * recomputation used: the seed, the policy and where they came from. */
static int compare_funding(merit_ctx *ctx, const struct trail *t, const struct header *h,
                           const json_t *fresh_header)
{
    if (h->pub.format < 3)
        return 0;
    const json_t *a = json_object_get(json_object_get(t->records[0], "options"), "funding");
    const json_t *b = json_object_get(json_object_get(fresh_header, "options"), "funding");
    char where[256] = "funding";
    const json_t *da = NULL, *db = NULL;
    if (!first_difference(a, b, where, sizeof(where), &da, &db))
        return 0;
    char *x = show(da), *y = show(db);
    int rc = diverged(ctx, t->path, 1,
                      "the header does not hold together: it records %s %s, the call and the "
                      "command give %s",
                      where, x ? x : "?", y ? y : "?");
    free(x);
    free(y);
    return rc;
}

/* The recomputation's records as they are made, against the trail's: the
 * header's funding rule first, then each step with the trail's next step.
 * Only the record being compared is held. */
struct stepper {
    merit_ctx *ctx;
    const struct trail *t;
    const struct header *h;
    size_t next;   /* the trail's record to look at next */
    size_t made;   /* records made so far */
    size_t *steps; /* steps that reproduced */
};

static int step_each(void *user, json_t *fresh)
{
    struct stepper *s = user;
    const struct trail *t = s->t;
    if (s->made++ == 0)
        return compare_funding(s->ctx, t, s->h, fresh);
    if (!is_step(rec_type(fresh)))
        return 0;
    while (s->next < t->count && !is_step(rec_type(t->records[s->next])))
        s->next++;
    if (s->next == t->count) {
        char what[256];
        describe(fresh, what, sizeof(what));
        return diverged(s->ctx, t->path, t->count,
                        "the recomputation has a step the trail lacks: %s", what);
    }
    bool parsed;
    json_t *recorded;
    int rc = record_at(s->ctx, t, s->next, &recorded, &parsed);
    if (rc != 0)
        return rc; /* said, or out of memory (build_each says it) */
    rc = compare_step(s->ctx, t, s->h, s->next + 1, recorded, fresh);
    if (parsed)
        json_decref(recorded);
    if (rc != 0)
        return rc;
    (*s->steps)++;
    s->next++;
    return 0;
}

static int compare_steps(merit_ctx *ctx, const struct trail *t, const struct header *h,
                         const merit_result *res, const merit_audit_info *info, size_t *steps)
{
    struct stepper s = {ctx, t, h, 0, 0, steps};
    int rc = build_each(ctx, res, info, h->pub.format, step_each, &s);
    if (rc != 0)
        return rc;
    for (size_t i = s.next; i < t->count; i++)
        if (is_step(rec_type(t->records[i]))) {
            bool parsed;
            json_t *rec;
            rc = record_at(ctx, t, i, &rec, &parsed);
            if (rc != 0)
                return rc;
            rc = diverged(ctx, t->path, i + 1, "step %zu, %s: the recomputation has no such step",
                          i + 1, rec_type(rec));
            if (parsed)
                json_decref(rec);
            return rc;
        }
    return 0;
}

/* --- what changed ------------------------------------------------------------ */

/* Two trails, or a trail and its recomputation, compared as a whole: the
 * scores that differ (aggregate records matched by proposal and criterion,
 * their scores by reviewer), then what that did: the aggregates and totals
 * that moved, the ranks, the statuses and the funding (docs/audit.md, "What
 * changed"). Records are matched by key through a hash table (a jansson
 * object), so the cost is linear in the two trails. */

/* One side: its records (borrowed) and where they stand, a trail's file
 * and lines, or a recomputation (file NULL: no line to point at). */
struct side {
    const char *file;
    json_t **recs;
    size_t count;
};

struct changes {
    merit_ctx *ctx;
    const struct side *a, *b;
    merit_trail_changes *count;
    bool oom;
};

/* A note at a's record ia, else at b's record ib when b is a trail, else
 * at a's file. */
static void change_note(struct changes *c, size_t ia, size_t ib, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void change_note(struct changes *c, size_t ia, size_t ib, const char *fmt, ...)
{
    const char *file = c->a->file;
    size_t line = 0;
    if (ia != SIZE_MAX)
        line = ia + 1;
    else if (ib != SIZE_MAX && c->b->file != NULL)
        file = c->b->file, line = ib + 1;
    va_list ap;
    va_start(ap, fmt);
    merit__vdiag(c->ctx, MERIT_SEVERITY_NOTE, MERIT_DIAG_DIVERGED, file, (uint32_t)line, 0, fmt,
                 ap);
    va_end(ap);
}

/* A value as a note shows it: a number as shown, a string as it is,
 * absent or null as "(none)". */
static const char *shown_of(const json_t *v)
{
    if (is_number(v))
        return json_string_value(json_object_get(v, "shown"));
    if (json_is_string(v))
        return json_string_value(v);
    return "(none)";
}

/* "6.88 -> 7.12"; when the shown values agree, with the exact ones. NULL
 * when both are equal (or out of memory, said in c). */
static char *pair(struct changes *c, const json_t *x, const json_t *y)
{
    if (x != NULL && y != NULL && json_equal((json_t *)(uintptr_t)x, (json_t *)(uintptr_t)y))
        return NULL;
    if (x == NULL && y == NULL)
        return NULL;
    char *s;
    const char *sx = shown_of(x), *sy = shown_of(y);
    if (json_is_integer(x) || json_is_integer(y) || json_is_boolean(x) || json_is_boolean(y)) {
        char *ex = show(x), *ey = show(y);
        s = ex && ey ? merit__sprintf("%s -> %s", x == NULL || json_is_null(x) ? "(none)" : ex,
                                      y == NULL || json_is_null(y) ? "(none)" : ey)
                     : NULL;
        free(ex);
        free(ey);
    } else if (strcmp(sx, sy) == 0 && is_number(x) && is_number(y))
        s = merit__sprintf("%s (exact %s) -> %s (exact %s)", sx,
                           json_string_value(json_object_get(x, "exact")), sy,
                           json_string_value(json_object_get(y, "exact")));
    else
        s = merit__sprintf("%s -> %s", sx, sy);
    if (s == NULL)
        c->oom = true;
    return s;
}

/* key of a record to match: "aggregate\nP\nC", "total\nP", "ranking";
 * NULL for a record not matched */
static char *match_key(const json_t *rec)
{
    const char *type = rec_type(rec), *p = rec_str(rec, "proposal");
    if (strcmp(type, "aggregate") == 0 && p != NULL && rec_str(rec, "criterion") != NULL)
        return merit__sprintf("a\n%s\n%s", p, rec_str(rec, "criterion"));
    if (strcmp(type, "total") == 0 && p != NULL)
        return merit__sprintf("t\n%s", p);
    if (strcmp(type, "ranking") == 0)
        return merit__strdup("r");
    return NULL;
}

/* a record the summary matches, with the keys it is matched by (a forged
 * trail may lack them: such a record is left out) */
static bool matched_type(const json_t *rec)
{
    const char *type = rec_type(rec);
    bool p = rec_str(rec, "proposal") != NULL;
    return (strcmp(type, "aggregate") == 0 && p && rec_str(rec, "criterion") != NULL) ||
           (strcmp(type, "total") == 0 && p) || strcmp(type, "ranking") == 0;
}

/* key -> index in a json object; false when out of memory */
static bool index_put(json_t *idx, const char *key, size_t i)
{
    return json_object_set_new_nocheck(idx, key, json_integer((json_int_t)i)) == 0;
}

static size_t index_get(const json_t *idx, const char *key)
{
    const json_t *v = key != NULL ? json_object_get(idx, key) : NULL;
    return json_is_integer(v) ? (size_t)json_integer_value(v) : SIZE_MAX;
}

/* Two lists' items paired by key (a NULL key: the item takes no part):
 * the pairs in a's order, then the items of b that a lacks, in b's order,
 * SIZE_MAX marking the side an item is missing from; an item of b pairs
 * once. Malloc'd, *n pairs; NULL when out of memory. Linear: b's keys go
 * into a hash. */
struct pairing {
    size_t a, b;
};

static struct pairing *pair_by_key(const char *const *ka, size_t na, const char *const *kb,
                                   size_t nb, size_t *n)
{
    json_t *idx = json_object();
    bool *seen = merit__calloc(nb + 1, sizeof(*seen));
    struct pairing *out = merit__calloc(na + nb + 1, sizeof(*out));
    bool ok = idx != NULL && seen != NULL && out != NULL;
    for (size_t j = 0; j < nb && ok; j++)
        ok = kb[j] == NULL || index_put(idx, kb[j], j);
    *n = 0;
    for (size_t i = 0; i < na && ok; i++) {
        if (ka[i] == NULL)
            continue;
        size_t j = index_get(idx, ka[i]);
        if (j != SIZE_MAX && !seen[j])
            seen[j] = true;
        else
            j = SIZE_MAX;
        out[(*n)++] = (struct pairing){i, j};
    }
    for (size_t j = 0; j < nb && ok; j++)
        if (kb[j] != NULL && !seen[j])
            out[(*n)++] = (struct pairing){SIZE_MAX, j};
    free(seen);
    json_decref(idx);
    if (!ok) {
        free(out);
        return NULL;
    }
    return out;
}

/* The key `field` of each object of a JSON array (borrowed), for
 * pair_by_key; NULL when out of memory. */
static const char **array_keys(const json_t *array, const char *field)
{
    size_t n = json_array_size(array);
    const char **keys = merit__calloc(n + 1, sizeof(*keys));
    for (size_t k = 0; k < n && keys != NULL; k++)
        keys[k] = rec_str(json_array_get(array, k), field);
    return keys;
}

/* Pairs the objects of two JSON arrays by `field`; NULL when out of
 * memory. */
static struct pairing *pair_arrays(const json_t *sa, const json_t *sb, const char *field, size_t *n)
{
    const char **ka = array_keys(sa, field), **kb = array_keys(sb, field);
    struct pairing *pairs = ka != NULL && kb != NULL
                                ? pair_by_key(ka, json_array_size(sa), kb, json_array_size(sb), n)
                                : NULL;
    free(ka);
    free(kb);
    return pairs;
}

/* The scores of one aggregate on each side (either may be NULL: the
 * aggregate stands on one side only), matched by reviewer. */
static void score_changes(struct changes *c, size_t ia, size_t ib)
{
    const json_t *ra = ia != SIZE_MAX ? c->a->recs[ia] : NULL;
    const json_t *rb = ib != SIZE_MAX ? c->b->recs[ib] : NULL;
    const json_t *any = ra != NULL ? ra : rb;
    const char *p = rec_str(any, "proposal"), *crit = rec_str(any, "criterion");
    const json_t *sa = json_object_get(ra, "scores"), *sb = json_object_get(rb, "scores");
    size_t n;
    struct pairing *pairs = pair_arrays(sa, sb, "reviewer", &n);
    if (pairs == NULL) {
        c->oom = true;
        return;
    }
    for (size_t k = 0; k < n; k++) {
        const json_t *ea = json_array_get(sa, pairs[k].a), *eb = json_array_get(sb, pairs[k].b);
        const char *r = rec_str(ea != NULL ? ea : eb, "reviewer");
        char *s = pair(c, json_object_get(ea, "score"), json_object_get(eb, "score"));
        char *f = ea != NULL && eb != NULL ? pair(c, json_object_get(ea, "confidence"),
                                                  json_object_get(eb, "confidence"))
                                           : NULL;
        if (s != NULL)
            change_note(c, ia, ib, "score %s %s by %s: %s", p, crit, r ? r : "?", s);
        if (f != NULL)
            change_note(c, ia, ib, "confidence %s %s by %s: %s", p, crit, r ? r : "?", f);
        if (s != NULL || f != NULL)
            c->count->scores++;
        free(s);
        free(f);
    }
    free(pairs);
}

/* The ranking records' entries matched by id: rank, then status. */
static const char *rank_text(const json_t *e, char *buf, size_t size)
{
    const json_t *r = json_object_get(e, "rank");
    if (e == NULL)
        return "(none)";
    if (!json_is_integer(r))
        return "unranked";
    snprintf(buf, size, "%lld%s", (long long)json_integer_value(r),
             json_is_true(json_object_get(e, "shared")) ? "=" : "");
    return buf;
}

/* How far an entry's rank moved: |a - b| places, SIZE_MAX when it was or
 * is unranked (or absent): that move is the largest of all. */
static size_t rank_move(const json_t *ea, const json_t *eb)
{
    const json_t *x = json_object_get(ea, "rank"), *y = json_object_get(eb, "rank");
    if (!json_is_integer(x) || !json_is_integer(y))
        return SIZE_MAX;
    json_int_t d = json_integer_value(x) - json_integer_value(y);
    return (size_t)(d < 0 ? -d : d);
}

/* Rank notes listed at most: the largest moves first; the rest, often a
 * block of proposals each pushed down one place by one that rose past
 * them, are counted in one note (docs/audit.md, "What changed"). */
#define RANK_NOTES_SHOWN 10

struct rank_move {
    size_t pair;  /* index into the pairing */
    size_t moved; /* rank_move */
};

static int by_larger_move(const void *x, const void *y)
{
    const struct rank_move *a = x, *b = y;
    if (a->moved != b->moved)
        return a->moved > b->moved ? -1 : 1;
    return a->pair < b->pair ? -1 : a->pair > b->pair; /* then in the ranking's order */
}

static void ranking_changes(struct changes *c, size_t ia, size_t ib)
{
    const json_t *ra = ia != SIZE_MAX ? c->a->recs[ia] : NULL;
    const json_t *rb = ib != SIZE_MAX ? c->b->recs[ib] : NULL;
    const json_t *oa = json_object_get(ra, "order"), *ob = json_object_get(rb, "order");
    size_t n;
    struct pairing *pairs = pair_arrays(oa, ob, "id", &n);
    struct rank_move *moves = pairs != NULL ? merit__calloc(n + 1, sizeof(*moves)) : NULL;
    if (moves == NULL) {
        free(pairs);
        c->oom = true;
        return;
    }
    size_t moved = 0;
    for (size_t k = 0; k < n; k++) {
        const json_t *ea = json_array_get(oa, pairs[k].a), *eb = json_array_get(ob, pairs[k].b);
        char x[32], y[32];
        if (strcmp(rank_text(ea, x, sizeof(x)), rank_text(eb, y, sizeof(y))) != 0)
            moves[moved++] = (struct rank_move){k, rank_move(ea, eb)};
    }
    qsort(moves, moved, sizeof(*moves), by_larger_move);
    c->count->ranks = moved;
    for (size_t m = 0; m < moved && m < RANK_NOTES_SHOWN; m++) {
        size_t k = moves[m].pair;
        const json_t *ea = json_array_get(oa, pairs[k].a), *eb = json_array_get(ob, pairs[k].b);
        const char *id = rec_str(ea != NULL ? ea : eb, "id");
        char x[32], y[32];
        change_note(c, ia, ib, "rank %s: %s -> %s", id ? id : "?", rank_text(ea, x, sizeof(x)),
                    rank_text(eb, y, sizeof(y)));
    }
    if (moved > RANK_NOTES_SHOWN) {
        size_t most = moves[RANK_NOTES_SHOWN].moved; /* the largest move not listed */
        change_note(c, ia, ib, "and %zu more ranks moved, by %zu place%s%s",
                    moved - RANK_NOTES_SHOWN, most, most == 1 ? "" : "s",
                    most == 1 ? " each" : " or fewer each");
    }
    free(moves);
    for (size_t k = 0; k < n; k++) { /* the statuses, all of them */
        const json_t *ea = json_array_get(oa, pairs[k].a), *eb = json_array_get(ob, pairs[k].b);
        const char *id = rec_str(ea != NULL ? ea : eb, "id");
        char *s = pair(c, json_object_get(ea, "status"), json_object_get(eb, "status"));
        if (s != NULL) {
            change_note(c, ia, ib, "status %s: %s", id ? id : "?", s);
            c->count->statuses++;
        }
        free(s);
    }
    free(pairs);
    static const char *const keys[] = {"funded", "awarded", "remaining"};
    for (size_t k = 0; k < 3; k++) {
        char *s = pair(c, json_object_get(ra, keys[k]), json_object_get(rb, keys[k]));
        if (s != NULL) {
            change_note(c, ia, ib, "%s: %s", keys[k], s);
            c->count->funding = true;
        }
        free(s);
    }
}

/*
 * The change summary, as notes: scores, aggregates, totals, ranks and
 * statuses, funding. Returns 0 or MERIT_ENOMEM.
 */
static void free_keys(char **keys, size_t n)
{
    for (size_t i = 0; keys != NULL && i < n; i++)
        free(keys[i]);
    free(keys);
}

/* Each record's match_key, NULL for a record the summary does not match;
 * NULL when out of memory. */
static char **side_keys(const struct side *side)
{
    char **keys = merit__calloc(side->count + 1, sizeof(*keys));
    for (size_t i = 0; i < side->count && keys != NULL; i++)
        if (matched_type(side->recs[i]) && (keys[i] = match_key(side->recs[i])) == NULL) {
            free_keys(keys, i);
            return NULL;
        }
    return keys;
}

static int change_summary(merit_ctx *ctx, const struct side *a, const struct side *b,
                          merit_trail_changes *count)
{
    struct changes c = {ctx, a, b, count, false};
    memset(count, 0, sizeof(*count));
    char **ka = side_keys(a), **kb = side_keys(b);
    size_t n = 0;
    struct pairing *pairs =
        ka != NULL && kb != NULL
            ? pair_by_key((const char *const *)ka, a->count, (const char *const *)kb, b->count, &n)
            : NULL;
    free_keys(ka, a->count);
    free_keys(kb, b->count);
    if (pairs == NULL)
        return merit__oom(ctx);
    /* three passes over the pairs: scores, aggregates, totals */
    static const char *const types[] = {"aggregate", "aggregate", "total"};
    for (int pass = 0; pass < 3 && !c.oom; pass++) {
        for (size_t k = 0; k < n && !c.oom; k++) {
            size_t ia = pairs[k].a, ib = pairs[k].b;
            const json_t *any = ia != SIZE_MAX ? a->recs[ia] : b->recs[ib];
            if (strcmp(rec_type(any), types[pass]) != 0)
                continue;
            if (pass == 0) {
                score_changes(&c, ia, ib);
                continue;
            }
            char *s = pair(&c, ia != SIZE_MAX ? json_object_get(a->recs[ia], "value") : NULL,
                           ib != SIZE_MAX ? json_object_get(b->recs[ib], "value") : NULL);
            if (s == NULL)
                continue;
            const char *p = rec_str(any, "proposal");
            if (pass == 1) {
                change_note(&c, ia, ib, "aggregate %s %s: %s", p ? p : "?",
                            rec_str(any, "criterion") ? rec_str(any, "criterion") : "?", s);
                count->aggregates++;
            } else {
                change_note(&c, ia, ib, "total %s: %s", p ? p : "?", s);
                count->totals++;
            }
            free(s);
        }
    }
    free(pairs);
    /* the ranking: the last of its type on each side */
    size_t ra = SIZE_MAX, rb = SIZE_MAX;
    for (size_t i = 0; i < a->count; i++)
        if (strcmp(rec_type(a->recs[i]), "ranking") == 0)
            ra = i;
    for (size_t i = 0; i < b->count; i++)
        if (strcmp(rec_type(b->recs[i]), "ranking") == 0)
            rb = i;
    if (!c.oom && (ra != SIZE_MAX || rb != SIZE_MAX))
        ranking_changes(&c, ra, rb);
    return c.oom ? merit__oom(ctx) : 0;
}

/* Says that what differs is none of the summary's kinds. */
static bool changes_none(const merit_trail_changes *n)
{
    return n->scores == 0 && n->aggregates == 0 && n->totals == 0 && n->ranks == 0 &&
           n->statuses == 0 && !n->funding;
}

/* --- the reports ---------------------------------------------------------------- */

/* Reports lie wherever the user wrote them, outside the call folder too,
 * so a forged trail could name any file: replay says only whether a
 * report matches its recorded hash, never the hash of a file that does not
 * (which would tell something of any file), and reads regular files only. */
static int check_reports(merit_ctx *ctx, const struct trail *t, size_t *count, size_t *unchecked)
{
    int rc = 0;
    merit_ctx *quiet = merit_ctx_new();
    if (quiet == NULL)
        return merit__oom(ctx);
    merit_limits any = {.max_file_bytes = INT64_MAX};
    merit_ctx_set_limits(quiet, &any);
    for (size_t i = 0; i < t->count && rc != MERIT_ENOMEM; i++) {
        const json_t *rec = t->records[i];
        if (strcmp(rec_type(rec), "report") != 0)
            continue;
        const char *path = rec_str(rec, "path"), *want = rec_str(rec, "sha256");
        if (path == NULL || want == NULL || strcmp(path, "-") == 0)
            continue;
        unsigned char digest[32];
        char hex[65];
        uint64_t bytes;
        merit_unread why;
        merit_ctx_clear_diags(quiet);
        int one = merit__xml_hash_file(quiet, path, false, digest, &bytes, &why);
        if (one == MERIT_ENOMEM || merit_ctx_out_of_memory(quiet)) {
            rc = merit__oom(ctx);
            break;
        }
        if (one != 0) {
            merit__diag(ctx, MERIT_SEVERITY_NOTE, MERIT_DIAG_DIVERGED, path, 0, 0,
                        why == MERIT_UNREAD_MISSING ? "report not found, not checked"
                                                    : "report not checked: it %s",
                        why == MERIT_UNREAD_NOT_REGULAR ? "is not a regular file"
                                                        : "cannot be read");
            (*unchecked)++;
            continue;
        }
        (*count)++;
        merit_hex(digest, hex);
        if (strcmp(hex, want) != 0)
            rc = diverged(ctx, path, 0,
                          "report changed since the trail was written: its sha256 is not the one "
                          "the trail records");
    }
    merit_ctx_free(quiet);
    return rc;
}

/* --- replay ------------------------------------------------------------------ */

/* Loads and ranks the call again with the recorded settings, on a context
 * of its own: with keep-going, the problems it meets again are steps to
 * compare (the "rejected" records), not problems of the replay. */
static int recompute(merit_ctx *ctx, const struct trail *t, const struct header *h, const char *dir,
                     merit_call **call_out, merit_result **res_out)
{
    merit_ctx *sub = merit_ctx_new();
    if (sub == NULL)
        return merit__oom(ctx);
    merit_ctx_set_limits(sub, &h->pub.limits);
    merit_ctx_set_keep_going(sub, h->pub.info.keep_going);
    merit_ctx_set_keep_comments(sub, false); /* no step of the trail reads them */
    merit_ctx_set_threads(sub, ctx->threads);
    merit_ctx_set_method(sub, h->pub.info.method_overridden, h->pub.method);
    merit_rank_options ropt = {.override_method = h->pub.info.method_overridden,
                               .method = h->pub.method,
                               .lottery_seed = h->pub.lottery_seed,
                               .resamples = h->pub.resamples,
                               .level = h->pub.level,
                               .seed = h->pub.seed};
    /* a call file given by another name than call.xml is loaded by it */
    char *path = NULL;
    if (h->pub.call_file != NULL && strcmp(h->pub.call_file, "call.xml") != 0 &&
        input_name_ok(h->pub.call_file, 0) &&
        (path = merit__sprintf("%s/%s", dir, h->pub.call_file)) == NULL) {
        merit_ctx_free(sub);
        return merit__oom(ctx);
    }
    int rc = merit_call_load(sub, path != NULL ? path : dir, call_out);
    free(path);
    if (rc == 0)
        rc = merit_call_rank(sub, *call_out, &ropt, res_out);
    if (rc != 0) {
        for (size_t i = 0; i < merit_ctx_diag_count(sub); i++) {
            const merit_diag *d = merit_ctx_diag(sub, i);
            merit__diag(ctx, d->severity, d->kind, d->file, d->line, d->column, "%s", d->message);
        }
        if (merit_ctx_out_of_memory(sub))
            merit__oom(ctx);
        merit_ctx_free(sub);
        if (rc != MERIT_ENOMEM)
            rc = diverged(ctx, t->path, 0,
                          "the call cannot be recomputed from the inputs as they are now");
        return rc;
    }
    merit_ctx_free(sub);
    /* a method the header says came from the rubric must be the rubric's */
    if (!h->pub.info.method_overridden && (*res_out)->method != h->pub.method)
        return diverged(ctx, t->path, 1,
                        "the header records method '%s' from the rubric, but the method of the "
                        "rubric is '%s'",
                        merit_method_name(h->pub.method), merit_method_name((*res_out)->method));
    return 0;
}

/* Says when the trail was written by another build (a note, not a
 * divergence: the maths version is the same). */
static void note_other_build(merit_ctx *ctx, const struct trail *t, const struct header *h)
{
    const char *v = h->pub.merit ? h->pub.merit : "?", *b = h->pub.build ? h->pub.build : "?";
    if (strcmp(v, merit_version()) != 0 || strcmp(b, merit_build_id()) != 0)
        merit__diag(ctx, MERIT_SEVERITY_NOTE, MERIT_DIAG_DIVERGED, t->path, 1, 0,
                    "the trail was written by merit %s (build %s), this is merit %s (build %s): "
                    "the scoring maths is the same version, so every step must reproduce",
                    v, b, merit_version(), merit_build_id());
}

int merit_replay_with(merit_ctx *ctx, const char *trail_path, const merit_replay_options *options,
                      merit_replay_summary *summary)
{
    memset(summary, 0, sizeof(*summary));
    summary->outcome = MERIT_REPLAY_DIVERGED; /* until everything is checked */
    merit_replay_options none = {0};
    if (options == NULL)
        options = &none;
    struct trail t = {.path = trail_path, .lean = true};
    struct header h;
    memset(&h, 0, sizeof(h));
    struct merit_root root = {0};
    merit_call *call = NULL;
    merit_result *res = NULL;
    json_t *fresh = NULL, *changed = NULL;
    int rc = read_trail(ctx, trail_path, &t);
    if (rc != 0)
        goto done;
    summary->records = t.count;
    rc = check_chain(ctx, &t);
    if (rc == 0)
        rc = read_header(ctx, &t, &h);
    if (rc != 0)
        goto done;
    note_other_build(ctx, &t, &h);
    if (options->check != NULL) {
        char *why = options->check(options->check_user, &h.pub);
        merit_limits_fill(&h.pub.limits);
        if (why != NULL) {
            rc = diverged(ctx, trail_path, 1, "the header does not hold together: %s", why);
            free(why);
            goto done;
        }
    }
    if (h.pub.format < 2)
        merit__diag(ctx, MERIT_SEVERITY_NOTE, MERIT_DIAG_DIVERGED, trail_path, 1, 0,
                    "the trail is of format %d, which does not record the limits: the "
                    "recomputation uses %s",
                    h.pub.format,
                    options->check != NULL ? "those its command line sets (defaults elsewhere)"
                                           : "the defaults");

    const char *dir = options->calldir ? options->calldir : h.pub.call_dir;
    struct stat dir_st;
    if (options->calldir == NULL && stat(dir, &dir_st) != 0) {
        /* said once, not as every input missing */
        rc = merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_IO, trail_path, 1, 0,
                         "the call folder the trail records, '%s', is not there (it was moved, "
                         "or this is another folder): name it after the trail, merit replay "
                         "TRAIL CALLDIR",
                         dir);
        goto done;
    }
    rc = merit__root_init(ctx, dir, &root);
    if (rc != 0)
        goto done;
    bool other_inputs = false;
    changed = json_array();
    int inputs_rc = changed != NULL ? check_inputs(ctx, &t, &h, dir, &root, &summary->inputs,
                                                   changed, &other_inputs)
                                    : merit__oom(ctx);
    if (inputs_rc == MERIT_ENOMEM) {
        rc = inputs_rc;
        goto done;
    }
    summary->inputs_changed = json_array_size(changed);
    rc = recompute(ctx, &t, &h, dir, &call, &res);
    if (rc != 0)
        goto done;
    /* when only hashes changed, the files are those recorded: their list
     * is checked as when nothing changed */
    if (inputs_rc == 0 || !other_inputs) {
        rc = check_input_list(ctx, &t, call);
        if (rc != 0)
            goto done;
    }
    merit_audit_info info = h.pub.info;
    info.reports = NULL;
    info.report_count = 0;
    int steps_rc = compare_steps(ctx, &t, &h, res, &info, &summary->steps);
    if (steps_rc == MERIT_ENOMEM) {
        rc = steps_rc;
        goto done;
    }
    if (inputs_rc != 0 && steps_rc == 0 && !other_inputs) {
        /* every step reproduces: a change no step records */
        for (size_t i = 0; i < json_array_size(changed); i++)
            merit__diag(ctx, MERIT_SEVERITY_NOTE, MERIT_DIAG_DIVERGED,
                        json_string_value(json_array_get(changed, i)), 0, 0,
                        "changed, but every score and every step reproduces: a change outside "
                        "the scores (a comment, spaces, text no step records)");
    } else if (inputs_rc != 0 || steps_rc != 0) {
        /* what changed, as a whole: the scores, then what they did; the
         * recomputation's records are made again, kept this time */
        rc = build_records(ctx, res, &info, h.pub.format, &fresh);
        if (rc != 0)
            goto done;
        size_t n = json_array_size(fresh);
        json_t **recs = merit__calloc(n + 1, sizeof(*recs));
        if (recs == NULL) {
            rc = merit__oom(ctx);
            goto done;
        }
        for (size_t i = 0; i < n; i++)
            recs[i] = json_array_get(fresh, i);
        /* the trail's steps parsed again, only now */
        for (size_t i = 0; i < t.count; i++) {
            bool parsed;
            json_t *rec;
            rc = record_at(ctx, &t, i, &rec, &parsed);
            if (rc != 0) {
                free(recs);
                goto done;
            }
            t.records[i] = rec;
        }
        struct side a = {t.path, t.records, t.count}, b = {NULL, recs, n};
        merit__diag(ctx, MERIT_SEVERITY_NOTE, MERIT_DIAG_DIVERGED, t.path, 0, 0,
                    "what changed, as recorded -> as recomputed:");
        rc = change_summary(ctx, &a, &b, &summary->changes);
        free(recs);
        if (rc != 0)
            goto done;
        if (changes_none(&summary->changes)) {
            merit__diag(ctx, MERIT_SEVERITY_NOTE, MERIT_DIAG_DIVERGED, t.path, 0, 0,
                        "no score, aggregate, total, rank, status or funding differs: what "
                        "differs is the step named above");
        }
    }
    int reports_rc = check_reports(ctx, &t, &summary->reports, &summary->reports_unchecked);
    if (reports_rc == MERIT_ENOMEM)
        rc = reports_rc;
    else
        rc = inputs_rc ? inputs_rc : steps_rc ? steps_rc : reports_rc;
    if (rc == 0 && summary->reports_unchecked > 0)
        summary->outcome = MERIT_REPLAY_UNCHECKED;
    else if (rc == MERIT_EDIVERGED && inputs_rc != 0 && !other_inputs && steps_rc == 0 &&
             reports_rc == 0)
        summary->outcome = MERIT_REPLAY_TEXT_ONLY;
    else if (rc == 0)
        summary->outcome = MERIT_REPLAY_IDENTICAL;
done:
    json_decref(changed);
    json_decref(fresh);
    merit_result_free(res);
    merit_call_free(call);
    merit__root_release(&root);
    header_release(&h);
    trail_release(&t);
    return rc;
}

int merit_replay(merit_ctx *ctx, const char *trail_path, const char *calldir,
                 merit_replay_summary *summary)
{
    merit_replay_options options = {.calldir = calldir};
    return merit_replay_with(ctx, trail_path, &options, summary);
}

/* --- two trails -------------------------------------------------------------- */

/* Two step records are equal but for their place (seq, prev). */
static bool step_equal(const json_t *a, const json_t *b)
{
    const char *key;
    const json_t *value;
    size_t na = 0, nb = 0;
    json_object_foreach((json_t *)(uintptr_t)a, key, value)
    {
        if (strcmp(key, "seq") == 0 || strcmp(key, "prev") == 0)
            continue;
        na++;
        const json_t *other = json_object_get(b, key);
        if (other == NULL || !json_equal((json_t *)(uintptr_t)value, (json_t *)(uintptr_t)other))
            return false;
    }
    json_object_foreach((json_t *)(uintptr_t)b, key, value) nb +=
        strcmp(key, "seq") != 0 && strcmp(key, "prev") != 0;
    return na == nb;
}

/* The inputs by path: a hash that differs, a file in one trail only. */
static const char **input_paths(const struct trail *t)
{
    const char **keys = merit__calloc(t->count + 1, sizeof(*keys));
    for (size_t i = 0; i < t->count && keys != NULL; i++)
        if (strcmp(rec_type(t->records[i]), "input") == 0)
            keys[i] = rec_str(t->records[i], "path");
    return keys;
}

static int diff_inputs(merit_ctx *ctx, const struct trail *ta, const struct trail *tb,
                       size_t *count)
{
    const char **ka = input_paths(ta), **kb = input_paths(tb);
    size_t n = 0;
    struct pairing *pairs =
        ka != NULL && kb != NULL ? pair_by_key(ka, ta->count, kb, tb->count, &n) : NULL;
    free(ka);
    free(kb);
    if (pairs == NULL)
        return merit__oom(ctx);
    for (size_t k = 0; k < n; k++) {
        const json_t *ra = pairs[k].a != SIZE_MAX ? ta->records[pairs[k].a] : NULL;
        const json_t *rb = pairs[k].b != SIZE_MAX ? tb->records[pairs[k].b] : NULL;
        const char *file = ra != NULL ? ta->path : tb->path;
        size_t line = ra != NULL ? pairs[k].a + 1 : pairs[k].b + 1;
        const char *path = rec_str(ra != NULL ? ra : rb, "path");
        const char *ha = rec_str(ra, "sha256"), *hb = rec_str(rb, "sha256");
        const char *wa = rec_str(ra, "not_read"), *wb = rec_str(rb, "not_read");
        if (ra != NULL && rb != NULL && step_equal(ra, rb))
            continue;
        (*count)++;
        merit__diag(ctx, MERIT_SEVERITY_NOTE, MERIT_DIAG_DIVERGED, file, (uint32_t)line, 0,
                    "input %s: sha256 %s -> %s", path ? path : "?",
                    ra == NULL ? "(none)"
                    : ha       ? ha
                    : wa       ? wa
                               : "(not read)",
                    rb == NULL ? "(none)"
                    : hb       ? hb
                    : wb       ? wb
                               : "(not read)");
    }
    free(pairs);
    return 0;
}

/* Names the first step that differs, and its first value that does when
 * both trails have the same step there. */
static void step_difference(merit_ctx *ctx, const struct trail *ta, size_t i,
                            const struct trail *tb, size_t j, const char *was, const char *what)
{
    const json_t *ra = ta->records[i], *rb = j < tb->count ? tb->records[j] : NULL;
    char where[256] = "";
    const json_t *da = NULL, *db = NULL;
    bool found = false;
    if (rb != NULL && strcmp(was, what) == 0) {
        const char *key;
        json_t *value;
        json_object_foreach((json_t *)(uintptr_t)ra, key, value)
        {
            if (strcmp(key, "seq") == 0 || strcmp(key, "prev") == 0)
                continue;
            snprintf(where, sizeof(where), "%s", key);
            if ((found = first_difference(value, json_object_get(rb, key), where, sizeof(where),
                                          &da, &db)))
                break;
        }
    }
    if (!found) {
        merit__diag(ctx, MERIT_SEVERITY_NOTE, MERIT_DIAG_DIVERGED, ta->path, (uint32_t)(i + 1), 0,
                    "the first step that differs: %s here, %s at %s:%zu", was, what, tb->path,
                    j + 1);
        return;
    }
    char *x = show(da), *y = show(db);
    merit__diag(ctx, MERIT_SEVERITY_NOTE, MERIT_DIAG_DIVERGED, ta->path, (uint32_t)(i + 1), 0,
                "the first step that differs: %s, %s %s -> %s (%s:%zu)", was, where, x ? x : "?",
                y ? y : "?", tb->path, j + 1);
    free(x);
    free(y);
}

/* The steps in order; the first that differs is named. */
static size_t diff_steps(merit_ctx *ctx, const struct trail *ta, const struct trail *tb)
{
    size_t count = 0, j = 0;
    bool named = false;
    for (size_t i = 0; i <= ta->count; i++) {
        if (i < ta->count && !is_step(rec_type(ta->records[i])))
            continue;
        while (j < tb->count && !is_step(rec_type(tb->records[j])))
            j++;
        if (i == ta->count) {
            /* the steps of b past the end of a's */
            for (; j < tb->count; j++)
                count += is_step(rec_type(tb->records[j]));
            break;
        }
        if (j < tb->count && step_equal(ta->records[i], tb->records[j])) {
            j++;
            continue;
        }
        count++;
        if (!named) {
            named = true;
            char what[256] = "nothing";
            if (j < tb->count)
                describe(tb->records[j], what, sizeof(what));
            char was[256];
            describe(ta->records[i], was, sizeof(was));
            step_difference(ctx, ta, i, tb, j, was, what);
        }
        if (j < tb->count)
            j++;
    }
    return count;
}

int merit_trail_diff(merit_ctx *ctx, const char *trail_a, const char *trail_b,
                     merit_diff_summary *out)
{
    memset(out, 0, sizeof(*out));
    struct trail ta = {.path = trail_a}, tb = {.path = trail_b};
    int rc = read_trail(ctx, trail_a, &ta);
    if (rc == 0)
        rc = check_chain(ctx, &ta);
    if (rc == 0)
        rc = read_trail(ctx, trail_b, &tb);
    if (rc == 0)
        rc = check_chain(ctx, &tb);
    if (rc == 0)
        rc = diff_inputs(ctx, &ta, &tb, &out->inputs);
    if (rc != 0)
        goto done;
    out->steps = diff_steps(ctx, &ta, &tb);
    if (out->inputs == 0 && out->steps == 0)
        goto done;
    if (out->steps == 0) {
        merit__diag(ctx, MERIT_SEVERITY_NOTE, MERIT_DIAG_DIVERGED, trail_a, 0, 0,
                    "every step is the same: the inputs differ outside the scores (a comment, "
                    "spaces, text no step records)");
        rc = MERIT_EDIVERGED;
        goto done;
    }
    merit__diag(ctx, MERIT_SEVERITY_NOTE, MERIT_DIAG_DIVERGED, trail_a, 0, 0,
                "what changed, as %s records -> as %s records:", trail_a, trail_b);
    struct side a = {ta.path, ta.records, ta.count}, b = {tb.path, tb.records, tb.count};
    rc = change_summary(ctx, &a, &b, &out->changes);
    if (rc == 0 && changes_none(&out->changes))
        merit__diag(ctx, MERIT_SEVERITY_NOTE, MERIT_DIAG_DIVERGED, trail_a, 0, 0,
                    "no score, aggregate, total, rank, status or funding differs: what differs "
                    "is the step named above");
    if (rc == 0)
        rc = MERIT_EDIVERGED;
done:
    trail_release(&ta);
    trail_release(&tb);
    return rc;
}
