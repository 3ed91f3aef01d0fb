/*
 * The JSON report: the whole result model as one document with a stable,
 * versioned schema, documented key by key in docs/report-json.md. Keys are
 * written in a fixed order and arrays follow the model's orders, so the same
 * result always gives the same bytes.
 *
 * Every number that comes from scoring is an object {"exact": "127/6",
 * "shown": "21.17"}: the exact rational, and the value rounded half to even
 * as the other reports show it. Rubric parameters are exact decimal strings
 * as written in the rubric ("0.5"); counts are JSON integers; money is a
 * string with two places and no separators ("1500000.00"). No JSON number
 * ever carries a fraction, so no reader can turn one into a binary float.
 *
 * The document is written as it is built: each part (the call, the rubric,
 * each proposal, each review, ...) is built with jansson, dumped at its
 * depth with the indentation jansson gives a whole document, and freed, so
 * that only one part is held at a time however large the call. Building
 * goes on after a failed allocation (jansson's *_set_new and *_append_new
 * release the value and return -1 when anything is NULL); the sink keeps it
 * as its first error, nothing more is written, and the writer returns it
 * (the merit command writes reports atomically, so nothing partial is
 * left).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "merit/escape.h"
#include "report.h"

#define FORMAT_VERSION 1

struct jw {
    const merit_result *res;
    const merit_call *call;
    const merit_rubric *rb;
    unsigned places;
    merit_sink *sink; /* its first error stops the writing */
    mpq_t tmp;
    /* what the call's proposals carry (merit_report_shows): keys for the
     * rest are left out */
    merit_report_shown shown;
};

static void set(struct jw *w, json_t *obj, const char *key, json_t *value)
{
    merit__json_set(w->sink, obj, key, value);
}

static void append(struct jw *w, json_t *array, json_t *value)
{
    merit__json_append(w->sink, array, value);
}

static json_t *json_number(struct jw *w, const mpq_t v)
{
    return merit__json_number(w->sink, v, w->places);
}

static json_t *size_json(size_t n)
{
    return json_integer((json_int_t)n);
}

/* Money from cents as "-1234567.89": two places, no separators. */
static json_t *money(int64_t cents)
{
    char buf[32];
    merit_format_money_plain(buf, sizeof(buf), cents);
    return json_string(buf);
}

/* A rubric parameter: the exact decimal as written ("0.5"). */
static json_t *exact(const mpq_t v)
{
    return merit__json_owned(merit_exact_string(v));
}

static json_t *tiebreak_description(const merit_rubric *rb, const merit_tiebreak *tb)
{
    char buf[256];
    merit_report_tiebreak(buf, sizeof(buf), rb, tb);
    return json_string(buf);
}

static json_t *call_json(struct jw *w)
{
    const merit_call *call = w->call;
    json_t *o = json_object();
    set(w, o, "id", json_string(call->id));
    set(w, o, "title", json_string(call->title));
    set(w, o, "currency", json_string(call->currency));
    set(w, o, "budget", money(call->budget));
    return o;
}

static json_t *rule_json(struct jw *w, const merit_rule *rule)
{
    json_t *o = json_object();
    set(w, o, "id", json_string(rule->id));
    set(w, o, "kind", json_string(rule->is_text ? "text" : "fact"));
    set(w, o, "message", json_string(rule->message));
    set(w, o, "fact", rule->is_text ? json_null() : json_string(rule->fact_name));
    set(w, o, "section", rule->section != NULL ? json_string(rule->section) : json_null());
    set(w, o, "op", rule->is_text ? json_null() : json_string(merit_op_name(rule->op)));
    set(w, o, "value", rule->is_text ? json_null() : exact(rule->value));
    set(w, o, "pattern", rule->is_text ? json_string(rule->pattern) : json_null());
    set(w, o, "scope",
        rule->is_text ? json_string(rule->each_milestone ? "each-milestone" : "section")
                      : json_null());
    set(w, o, "expect",
        rule->is_text ? json_string(rule->expect_match ? "match" : "no-match") : json_null());
    set(w, o, "caseless", rule->is_text ? json_boolean(rule->caseless) : json_null());
    return o;
}

static json_t *rubric_json(struct jw *w)
{
    const merit_rubric *rb = w->rb;
    json_t *o = json_object();
    set(w, o, "id", json_string(rb->id));
    set(w, o, "version", json_string(rb->version));
    set(w, o, "title", json_string(rb->title));
    json_t *scale = json_object();
    set(w, scale, "min", exact(rb->scale_min));
    set(w, scale, "max", exact(rb->scale_max));
    set(w, scale, "step", exact(rb->scale_step));
    set(w, scale, "direction", json_string(merit_direction_name(rb->direction)));
    set(w, o, "scale", scale);
    set(w, o, "method", json_string(merit_method_name(w->res->method)));
    set(w, o, "min_reviewers", json_integer(rb->min_reviewers));
    set(w, o, "disagreement_limit",
        rb->has_disagreement_limit ? exact(rb->disagreement_limit) : json_null());
    json_t *criteria = json_array();
    for (size_t c = 0; c < rb->criterion_count; c++) {
        const merit_criterion *cr = &rb->criteria[c];
        json_t *one = json_object();
        set(w, one, "id", json_string(cr->id));
        set(w, one, "name", json_string(cr->name));
        set(w, one, "weight", exact(cr->weight));
        set(w, one, "threshold", cr->has_threshold ? exact(cr->threshold) : json_null());
        append(w, criteria, one);
    }
    set(w, o, "criteria", criteria);
    set(w, o, "overall_threshold",
        rb->has_overall_threshold ? exact(rb->overall_threshold) : json_null());
    /* added beyond the minimum: what decided_by.tiebreak and
     * eligibility[].rule refer to */
    set(w, o, "trim_from", json_integer(rb->trim_from));
    set(w, o, "skip_unaffordable", json_boolean(rb->skip_unaffordable));
    json_t *tiebreaks = json_array();
    for (size_t t = 0; t < rb->tiebreak_count; t++) {
        const merit_tiebreak *tb = &rb->tiebreaks[t];
        bool fact = tb->kind == MERIT_TIEBREAK_FACT;
        json_t *one = json_object();
        set(w, one, "kind", json_string(fact ? "fact" : "criterion"));
        set(w, one, "criterion", fact ? json_null() : json_string(rb->criteria[tb->criterion].id));
        set(w, one, "fact", fact ? json_string(tb->fact_name) : json_null());
        set(w, one, "section",
            fact && tb->section != NULL ? json_string(tb->section) : json_null());
        set(w, one, "prefer",
            fact ? json_string(tb->prefer_higher ? "higher" : "lower") : json_null());
        set(w, one, "description", tiebreak_description(rb, tb));
        append(w, tiebreaks, one);
    }
    set(w, o, "tie_breaks", tiebreaks);
    json_t *rules = json_array();
    for (size_t k = 0; k < rb->rule_count; k++)
        append(w, rules, rule_json(w, &rb->rules[k]));
    set(w, o, "rules", rules);
    return o;
}

static json_t *rounding_json(struct jw *w)
{
    char note[256];
    merit_report_rounding_note(note, sizeof(note), w->places);
    json_t *o = json_object();
    set(w, o, "rule", json_string("half-to-even"));
    set(w, o, "places", json_integer(w->places));
    set(w, o, "note", json_string(note));
    return o;
}

static json_t *summary_json(struct jw *w)
{
    const merit_result *res = w->res;
    json_t *o = json_object();
    set(w, o, "proposals", size_json(res->proposal_count));
    set(w, o, "ranked", size_json(res->ranked_count));
    set(w, o, "funded", size_json(res->funded_count));
    set(w, o, "awarded", money(res->awarded));
    set(w, o, "remaining", money(res->remaining));
    set(w, o, "reviews", size_json(res->review_count));
    set(w, o, "reviews_excluded", size_json(res->reviews_excluded));
    set(w, o, "reviewers", size_json(w->call->reviewer_count));
    if (res->has_intervals) {
        json_t *iv = json_object();
        set(w, iv, "resamples", size_json(res->resamples));
        set(w, iv, "level", json_integer(res->level));
        set(w, iv, "seed", merit__json_text(res->seed));
        set(w, iv, "line", size_json(res->line));
        set(w, iv, "grey_zone", size_json(res->grey_count));
        set(w, o, "intervals", iv);
    }
    return o;
}

/* Every check a proposal failed, in the order the engine applies them:
 * eligibility rules, reviews, criterion thresholds, the overall threshold.
 * Empty for a ranked proposal. */
static json_t *reasons_json(struct jw *w, const merit_proposal_result *pr)
{
    const merit_rubric *rb = w->rb;
    const merit_proposal *p = &w->call->proposals[pr->proposal];
    json_t *a = json_array();
    for (size_t k = 0; k < rb->rule_count; k++) {
        const merit_rule *rule = &rb->rules[k];
        const merit_rule_result *rr = &pr->rules[k];
        if (rr->passed)
            continue;
        json_t *o = json_object();
        set(w, o, "kind", json_string("rule"));
        set(w, o, "rule", json_string(rule->id));
        set(w, o, "message", json_string(rule->message));
        set(w, o, "actual", rule->is_text ? json_null() : json_number(w, rr->actual));
        bool milestone = rule->is_text && rr->failed_milestone != SIZE_MAX &&
                         rr->failed_milestone < p->milestone_count;
        set(w, o, "failed_milestone",
            milestone ? json_string(p->milestones[rr->failed_milestone].id) : json_null());
        append(w, a, o);
    }
    if (pr->reviews_counted < rb->min_reviewers) {
        json_t *o = json_object();
        set(w, o, "kind", json_string("insufficient-reviews"));
        set(w, o, "counted", size_json(pr->reviews_counted));
        set(w, o, "needed", json_integer(rb->min_reviewers));
        append(w, a, o);
    } else {
        for (size_t c = 0; c < rb->criterion_count; c++) {
            if (pr->criteria[c].has_value)
                continue;
            json_t *o = json_object();
            set(w, o, "kind", json_string("criterion-not-scored"));
            set(w, o, "criterion", json_string(rb->criteria[c].id));
            append(w, a, o);
        }
    }
    for (size_t c = 0; c < rb->criterion_count; c++) {
        const merit_criterion_result *cr = &pr->criteria[c];
        if (!cr->has_value || !cr->below_threshold)
            continue;
        json_t *o = json_object();
        set(w, o, "kind", json_string("criterion-below-threshold"));
        set(w, o, "criterion", json_string(rb->criteria[c].id));
        set(w, o, "value", json_number(w, cr->value));
        set(w, o, "threshold", exact(rb->criteria[c].threshold));
        append(w, a, o);
    }
    if (pr->has_total && pr->total_below_threshold) {
        json_t *o = json_object();
        set(w, o, "kind", json_string("total-below-threshold"));
        set(w, o, "value", json_number(w, pr->total));
        set(w, o, "threshold", exact(rb->overall_threshold));
        append(w, a, o);
    }
    return a;
}

static json_t *decided_by_json(struct jw *w, const merit_proposal_result *pr, bool ranked)
{
    if (!ranked)
        return json_null();
    const char *kind = merit_decider_name(pr->decided_by);
    bool tiebreak =
        pr->decided_by == MERIT_DECIDED_TIEBREAK && pr->decider_index < w->rb->tiebreak_count;
    json_t *o = json_object();
    set(w, o, "kind", json_string(kind));
    set(w, o, "tiebreak", tiebreak ? size_json(pr->decider_index) : json_null());
    set(w, o, "description",
        tiebreak ? tiebreak_description(w->rb, &w->rb->tiebreaks[pr->decider_index]) : json_null());
    return o;
}

static json_t *proposal_json(struct jw *w, const merit_proposal_result *pr, bool ranked)
{
    const merit_call *call = w->call;
    const merit_rubric *rb = w->rb;
    const merit_proposal *p = &call->proposals[pr->proposal];
    json_t *o = json_object();
    set(w, o, "id", json_string(p->id));
    set(w, o, "title", json_string(p->title));
    /* keys of proposal data only when a proposal of the call has it */
    if (w->shown.area)
        set(w, o, "area", merit__json_text(p->area));
    if (w->shown.applicant)
        set(w, o, "applicant", merit__json_text(merit_proposal_applicant(p)));
    if (w->shown.team) {
        json_t *lj = json_null();
        if (p->org_count > 0) {
            const merit_org *lead = &p->orgs[p->lead];
            lj = json_object();
            set(w, lj, "id", json_string(lead->id));
            set(w, lj, "name", json_string(lead->name));
            set(w, lj, "type",
                lead->given & MERIT_ORG_GIVEN_TYPE ? json_string(merit_org_type_name(lead->type))
                                                   : json_null());
        }
        set(w, o, "lead", lj);
    }
    set(w, o, "rank", ranked ? size_json(pr->rank) : json_null());
    set(w, o, "rank_shared", json_boolean(ranked && pr->rank_shared));
    set(w, o, "status", json_string(merit_status_name(pr->status)));
    set(w, o, "reasons", reasons_json(w, pr));
    set(w, o, "total", pr->has_total ? json_number(w, pr->total) : json_null());

    json_t *criteria = json_array();
    for (size_t c = 0; c < rb->criterion_count; c++) {
        const merit_criterion_result *cr = &pr->criteria[c];
        json_t *one = json_object();
        set(w, one, "id", json_string(rb->criteria[c].id));
        if (cr->has_value) {
            set(w, one, "exact", merit__json_owned(merit_fraction_string(cr->value)));
            set(w, one, "shown", merit__json_owned(merit_decimal_string(cr->value, w->places)));
        } else {
            set(w, one, "exact", json_null());
            set(w, one, "shown", json_null());
        }
        set(w, one, "count", size_json(cr->count));
        set(w, one, "trimmed", size_json(cr->trimmed));
        set(w, one, "below_threshold", json_boolean(cr->has_value && cr->below_threshold));
        append(w, criteria, one);
    }
    set(w, o, "criteria", criteria);
    set(w, o, "reviews_counted", size_json(pr->reviews_counted));
    set(w, o, "reviews_excluded", size_json(pr->reviews_excluded));
    set(w, o, "disagreement", json_boolean(pr->disagreement));
    set(w, o, "spread", pr->has_spread ? json_number(w, pr->spread) : json_null());

    /* facts by their rubric names, those the call has: derived ones, then
     * declared ones; "words" is per section, below */
    json_t *facts = json_object();
    for (int f = 0; f < MERIT_FACT_COUNT; f++)
        if (merit_report_shows_fact(&w->shown, (merit_fact)f))
            set(w, facts, merit_fact_name((merit_fact)f),
                merit_fact_value(w->res, pr, (merit_fact)f, NULL, NULL, w->tmp)
                    ? json_number(w, w->tmp)
                    : json_null());
    /* a proposal's own declared facts and sections, by name: keys for the
     * names of other proposals would make the report grow with the square
     * of a call whose every proposal names its own */
    for (size_t f = 0; f < p->fact_count; f++) {
        json_t *j = json_null();
        if (merit_decimal_parse(p->facts[f].value, w->tmp) == 0)
            j = json_number(w, w->tmp);
        set(w, facts, p->facts[f].name, j);
    }
    set(w, o, "facts", facts);
    json_t *words = json_object();
    for (size_t k = 0; k < p->section_count; k++)
        set(w, words, p->sections[k].name, json_integer((json_int_t)p->sections[k].words));
    set(w, o, "words", words);

    json_t *rules = json_array();
    for (size_t k = 0; k < rb->rule_count; k++) {
        const merit_rule *rule = &rb->rules[k];
        const merit_rule_result *rr = &pr->rules[k];
        json_t *one = json_object();
        set(w, one, "rule", json_string(rule->id));
        set(w, one, "passed", json_boolean(rr->passed));
        set(w, one, "actual", rule->is_text ? json_null() : json_number(w, rr->actual));
        bool milestone = rule->is_text && rr->failed_milestone != SIZE_MAX &&
                         rr->failed_milestone < p->milestone_count;
        set(w, one, "failed_milestone",
            milestone ? json_string(p->milestones[rr->failed_milestone].id) : json_null());
        append(w, rules, one);
    }
    set(w, o, "eligibility", rules);
    set(w, o, "decided_by", decided_by_json(w, pr, ranked));
    set(w, o, "cumulative",
        pr->status == MERIT_STATUS_FUNDED ? money(pr->cumulative) : json_null());
    set(w, o, "tie_at_line", json_boolean(pr->tie_at_line));
    if (w->res->has_intervals) {
        json_t *iv = json_null();
        if (ranked) {
            iv = json_object();
            set(w, iv, "low", size_json(pr->rank_low));
            set(w, iv, "median", size_json(pr->rank_median));
            set(w, iv, "high", size_json(pr->rank_high));
            set(w, iv, "funded_in", size_json(pr->funded_in));
            mpq_t q;
            mpq_init(q);
            merit__p_funded(w->res, pr, q);
            set(w, iv, "p_funded", merit__json_owned(merit_fraction_string(q)));
            mpq_clear(q);
            set(w, iv, "p_funded_percent", merit__json_owned(merit__p_funded_percent(w->res, pr)));
            set(w, iv, "grey_zone", json_boolean(pr->grey_zone));
        }
        set(w, o, "interval", iv);
    }
    /* only in a call with moderation */
    if (w->call->change_count > 0)
        set(w, o, "moderated_scores",
            json_integer((json_int_t)merit_call_moderated_count(w->call, pr->proposal)));
    return o;
}

/* A score as steps, exactly ("7.5"), or null for a no-score. */
static json_t *steps_json(struct jw *w, int32_t steps)
{
    if (steps == MERIT_NO_SCORE)
        return json_null();
    merit_score_value(w->rb, steps, w->tmp);
    return exact(w->tmp);
}

/* The panel's changes of one score (docs/report-json.md, "moderated"):
 * null when it changed none. */
static json_t *moderated_json(struct jw *w, size_t review, size_t criterion)
{
    size_t n = 0;
    const merit_moderation_change *ch = merit_call_score_changes(w->call, review, criterion, &n);
    if (n == 0)
        return json_null();
    json_t *o = json_object();
    set(w, o, "original", steps_json(w, w->call->reviews[review].original_steps[criterion]));
    json_t *changes = json_array();
    for (size_t k = 0; k < n; k++) {
        json_t *one = json_object();
        set(w, one, "from", steps_json(w, ch[k].from));
        set(w, one, "to", steps_json(w, ch[k].to));
        set(w, one, "by", json_string(ch[k].by));
        set(w, one, "at", json_string(ch[k].at));
        set(w, one, "kind", json_string(merit_moderation_kind_name(ch[k].kind)));
        set(w, one, "reason", merit__json_text(ch[k].reason));
        append(w, changes, one);
    }
    set(w, o, "changes", changes);
    return o;
}

static json_t *review_json(struct jw *w, size_t i)
{
    const merit_call *call = w->call;
    const merit_rubric *rb = w->rb;
    const merit_review *rv = &call->reviews[i];
    const merit_review_result *rr = &w->res->reviews[i];
    json_t *o = json_object();
    set(w, o, "proposal", json_string(call->proposals[rv->proposal].id));
    set(w, o, "reviewer", json_string(call->reviewers[rv->reviewer].id));
    set(w, o, "confidence", rv->confidence != 0 ? json_integer(rv->confidence) : json_null());
    set(w, o, "counted", json_boolean(rr->counted));
    set(w, o, "excluded_reason",
        rr->counted ? json_null()
                    : json_string(rv->conflict_reason ? rv->conflict_reason : "conflict"));
    set(w, o, "total", rr->complete ? json_number(w, rr->total) : json_null());
    json_t *scores = json_array();
    for (size_t c = 0; c < rb->criterion_count; c++) {
        json_t *one = json_object();
        set(w, one, "criterion", json_string(rb->criteria[c].id));
        if (rv->steps[c] == MERIT_NO_SCORE) {
            set(w, one, "value", json_null());
        } else {
            merit_score_value(rb, rv->steps[c], w->tmp);
            set(w, one, "value", exact(w->tmp));
        }
        /* the sheet's reason, while the score is a no-score (a moderated
         * score keeps it in the model) */
        set(w, one, "no_score_reason",
            merit__json_text(rv->steps[c] == MERIT_NO_SCORE && rv->no_score_reasons != NULL
                                 ? rv->no_score_reasons[c]
                                 : NULL));
        /* a no-score carries no confidence, nor a score given none (the
         * model holds 0 for both) */
        set(w, one, "confidence",
            rv->steps[c] == MERIT_NO_SCORE || rv->confidences[c] == 0
                ? json_null()
                : json_integer(rv->confidences[c]));
        /* z-score only: the value the method took (a counted score) */
        if (rr->values != NULL && rr->counted && rv->steps[c] != MERIT_NO_SCORE)
            set(w, one, "standardised", json_number(w, rr->values[c]));
        /* "" when the call was loaded without comments */
        set(w, one, "comment",
            json_string(rv->comments != NULL && rv->comments[c] != NULL ? rv->comments[c] : ""));
        /* only in a call with moderation: every score then has it */
        if (call->change_count > 0)
            set(w, one, "moderated", moderated_json(w, i, c));
        append(w, scores, one);
    }
    set(w, o, "scores", scores);
    set(w, o, "comment", merit__json_text(rv->comment));
    return o;
}

static json_t *walk_json(struct jw *w)
{
    const merit_result *res = w->res;
    json_t *a = json_array();
    for (size_t i = 0; i < res->walk_count; i++) {
        const merit_walk_step *step = &res->walk[i];
        const merit_proposal_result *pr = &res->proposals[step->result];
        json_t *o = json_object();
        set(w, o, "proposal", json_string(w->call->proposals[pr->proposal].id));
        set(w, o, "request", money(step->request));
        set(w, o, "remaining_before", money(step->remaining));
        set(w, o, "action", json_string(merit_walk_action_name(step->action)));
        append(w, a, o);
    }
    return a;
}

static json_t *ids_json(struct jw *w, const size_t *results, size_t n)
{
    json_t *a = json_array();
    for (size_t k = 0; k < n; k++)
        append(w, a, json_string(w->call->proposals[w->res->proposals[results[k]].proposal].id));
    return a;
}

/* The rule at the line as the walk used it (docs/scoring.md section 8). */
static json_t *funding_rule_json(struct jw *w)
{
    const merit_result *res = w->res;
    bool lottery = res->ties == MERIT_TIES_LOTTERY;
    const char *from = res->ties_from_command_line ? "command-line" : "call";
    json_t *o = json_object();
    set(w, o, "ties", json_string(merit_tie_policy_name(res->ties)));
    set(w, o, "ties_from", json_string(from));
    set(w, o, "draw_among", json_string(merit_draw_among_name(res->draw_among)));
    set(w, o, "seed", lottery ? merit__json_text(res->lottery_seed) : json_null());
    set(w, o, "overspend_allowed", money(res->overspend_allowed));
    set(w, o, "overspent", money(res->overspent));
    set(w, o, "skip_unaffordable", json_boolean(res->skip_unaffordable));
    set(w, o, "skip_from", json_string(res->skip_from_call ? "call" : "rubric"));
    set(w, o, "skipped", json_boolean(res->skipped));
    set(w, o, "line", json_integer((json_int_t)res->line));
    set(w, o, "pool", ids_json(w, res->pool, res->pool_count));
    set(w, o, "draw_order", ids_json(w, res->draw, res->pool_count));
    set(w, o, "words", merit__json_owned(merit_report_funding_rule(res)));
    set(w, o, "statement", merit__json_text(w->call->funding_line.statement));
    return o;
}

/* What --keep-going left out, first thing after the summary. */
static json_t *rejected_json(struct jw *w)
{
    const merit_call *call = w->call;
    json_t *a = json_array();
    for (size_t i = 0; i < call->rejected_count; i++) {
        const merit_rejected *r = &call->rejected[i];
        json_t *o = json_object();
        set(w, o, "kind", json_string(merit_rejected_kind_name(r->kind)));
        set(w, o, "what", json_string(r->what));
        set(w, o, "file", merit__json_text(r->loc.file));
        set(w, o, "line", r->loc.line ? json_integer(r->loc.line) : json_null());
        set(w, o, "reason", json_string(r->reason));
        append(w, a, o);
    }
    return a;
}

static json_t *conflicts_json(struct jw *w)
{
    const merit_call *call = w->call;
    json_t *a = json_array();
    /* the loader keeps conflicts in a fixed order (model.h) */
    for (size_t i = 0; i < call->conflict_count; i++) {
        const merit_conflict *k = &call->conflicts[i];
        json_t *o = json_object();
        set(w, o, "reviewer", json_string(call->reviewers[k->reviewer].id));
        set(w, o, "proposal", json_string(call->proposals[k->proposal].id));
        set(w, o, "reason", json_string(k->reason));
        set(w, o, "declared_by", json_string(k->from_call ? "programme" : "reviewer"));
        append(w, a, o);
    }
    return a;
}

#define INDENT 2
#define DUMP_FLAGS (JSON_PRESERVE_ORDER | JSON_INDENT(INDENT) | JSON_ENCODE_ANY)

/* json_dump_callback's output, into the sink with every line after the
 * first indented by INDENT * depth more. */
struct indented {
    merit_sink *sink;
    int depth;
};

static int put_indented(const char *buffer, size_t size, void *data)
{
    const struct indented *in = data;
    const char *run = buffer, *end = buffer + size;
    for (const char *p = buffer; p < end; p++)
        if (*p == '\n') {
            merit_sink_write(in->sink, run, (size_t)(p + 1 - run));
            merit_sink_spaces(in->sink, (size_t)(INDENT * in->depth));
            run = p + 1;
        }
    merit_sink_write(in->sink, run, (size_t)(end - run));
    return merit_sink_ok(in->sink) ? 0 : -1;
}

/* Writes v as jansson writes it inside a document at `depth`: the same text,
 * every line after the first indented by INDENT * depth more. Frees v.
 * jansson 2.14 can drop an object key silently when its output fails: a
 * failed write is the sink's error, kept whatever jansson makes of it. */
static void put(struct jw *w, json_t *v, int depth)
{
    if (v == NULL)
        merit_sink_fail(w->sink, MERIT_ENOMEM);
    if (!merit_sink_ok(w->sink)) {
        json_decref(v);
        return;
    }
    struct indented in = {w->sink, depth};
    if (json_dump_callback(v, put_indented, &in, DUMP_FLAGS) != 0)
        merit_sink_fail(w->sink, MERIT_ENOMEM);
    json_decref(v);
}

/* The root object's next key. */
static void put_key(struct jw *w, bool *first, const char *key)
{
    merit_sink_printf(w->sink, "%s%*s\"%s\": ", *first ? "{\n" : ",\n", INDENT, "", key);
    *first = false;
}

/* One element of an array that is the value of a root key: at depth 2. */
static void put_element(struct jw *w, size_t index, json_t *v)
{
    merit_sink_printf(w->sink, "%s%*s", index == 0 ? "[\n" : ",\n", 2 * INDENT, "");
    put(w, v, 2);
}

static void end_array(struct jw *w, size_t count)
{
    if (count == 0)
        merit_sink_puts(w->sink, "[]");
    else
        merit_sink_printf(w->sink, "\n%*s]", INDENT, "");
}

int merit_report_json(merit_sink *sink, const merit_result *res, const merit_report_options *opt)
{
    struct jw w = {.res = res,
                   .call = res->call,
                   .rb = res->call->rubric,
                   .places = opt ? opt->places : 2,
                   .sink = sink};
    mpq_init(w.tmp);
    merit_report_shows(w.call, &w.shown);
    bool first = true;
    put_key(&w, &first, "format");
    put(&w, json_string("merit-ranking"), 1);
    put_key(&w, &first, "version");
    put(&w, json_integer(FORMAT_VERSION), 1);
    put_key(&w, &first, "call");
    put(&w, call_json(&w), 1);
    put_key(&w, &first, "rubric");
    put(&w, rubric_json(&w), 1);
    put_key(&w, &first, "rounding");
    put(&w, rounding_json(&w), 1);
    put_key(&w, &first, "summary");
    put(&w, summary_json(&w), 1);
    put_key(&w, &first, "rejected");
    put(&w, rejected_json(&w), 1);
    put_key(&w, &first, "ranking");
    for (size_t k = 0; k < res->proposal_count && merit_sink_ok(sink); k++)
        put_element(&w, k,
                    proposal_json(&w, &res->proposals[res->order[k]], k < res->ranked_count));
    end_array(&w, res->proposal_count);
    put_key(&w, &first, "reviews");
    for (size_t i = 0; i < res->review_count && merit_sink_ok(sink); i++)
        put_element(&w, i, review_json(&w, i));
    end_array(&w, res->review_count);
    put_key(&w, &first, "funding_walk");
    put(&w, walk_json(&w), 1);
    put_key(&w, &first, "funding_rule");
    put(&w, funding_rule_json(&w), 1);
    put_key(&w, &first, "conflicts");
    put(&w, conflicts_json(&w), 1);
    mpq_clear(w.tmp);
    merit_sink_puts(sink, "\n}\n");
    return sink->error;
}
