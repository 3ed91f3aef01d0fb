/*
 * The CSV report (RFC 4180: CRLF line ends, fields quoted only when they hold
 * a comma, a quote, CR or LF, quotes doubled; UTF-8 without a BOM).
 *
 * Two shapes. The default is one row per proposal in report order, with
 * every shown number rounded and, beside the total and each criterion, the
 * exact value as a fraction, so a spreadsheet can check the rounding. With
 * --detail it is one row per proposal x review x criterion holding the raw
 * inputs, for pivot tables and for checking the engine by hand.
 *
 * Money is written as a plain decimal with two places and no separators
 * ("1500000.00"): spreadsheets read that as a number in every locale that
 * uses a point, and a thousands separator would be read as a field break.
 *
 * A spreadsheet runs a cell that starts with =, +, - or @ as a formula
 * (OWASP "CSV injection"). A text cell from an input (an id, a title, a
 * name, a reason, a comment) that could be read so, or that starts with an
 * apostrophe, gets one leading apostrophe (merit_csv_needs_apostrophe):
 * the spreadsheet shows it as text, and dropping one leading apostrophe
 * from any text cell gives the exact text back. Numbers merit writes itself
 * ("-1.50", "-3/2") are numbers and are written as they are. Otherwise
 * cells hold the exact text: no other escaping (docs/cli.md).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "merit/escape.h"
#include "report.h"

/* A field merit writes itself: a number, a status, a header. */
static void csv_field(merit_csv_row *c, const char *s)
{
    merit__csv_cell(c, s, false);
}

/* A text from an input. */
static void csv_text(merit_csv_row *c, const char *s)
{
    merit__csv_cell(c, s, true);
}

/* A field from a malloc'd string, which it frees (NULL: out of memory). */
static void csv_owned(merit_csv_row *c, char *s)
{
    csv_field(c, s);
    free(s);
}

/* The same for text. */
static void csv_owned_text(merit_csv_row *c, char *s)
{
    csv_text(c, s);
    free(s);
}

static void csv_bool(merit_csv_row *c, bool b)
{
    csv_field(c, b ? "yes" : "no");
}

static void csv_money(merit_csv_row *c, int64_t cents)
{
    char buf[32];
    merit_format_money_plain(buf, sizeof(buf), cents);
    csv_field(c, buf);
}

/* Why a criterion id would give the CSV summary two columns of one name,
 * or NULL: one of the summary's own column names (in any case: some
 * readers fold it), or any name ending in "_exact" (in any case), which
 * another criterion's exact column could take. A CSV reader given two
 * columns of one name silently takes one for the other, so the rubric
 * loader refuses such an id (docs/cli.md, "CSV"). */
const char *merit__csv_column_reserved(const char *id)
{
    static const char *const own[] = {"rank",
                                      "id",
                                      "title",
                                      "area",
                                      "applicant",
                                      "lead",
                                      "lead_type",
                                      "status",
                                      "reason",
                                      "total",
                                      "total_exact",
                                      "reviews_counted",
                                      "reviews_excluded",
                                      "disagreement",
                                      "spread",
                                      "request",
                                      "federal_request",
                                      "cost_share_ratio",
                                      "federal_share",
                                      "sme_share",
                                      "cumulative_awarded",
                                      "tie_at_line",
                                      "funding_step",
                                      "moderated_scores"};
    for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
        if (strcasecmp(id, own[i]) == 0)
            return "the CSV report has its own column of that name";
    size_t len = strlen(id), suffix = strlen("_exact");
    if (len >= suffix && strcasecmp(id + len - suffix, "_exact") == 0)
        return "names ending in _exact are the CSV report's exact columns";
    return NULL;
}

/* A fact's value, or an empty field when the proposal lacks its inputs. */
static void csv_fact(merit_csv_row *c, const merit_result *res, const merit_proposal_result *pr,
                     merit_fact fact, unsigned places)
{
    mpq_t v;
    mpq_init(v);
    if (merit_fact_value(res, pr, fact, NULL, NULL, v))
        csv_owned(c, merit_decimal_string(v, places));
    else
        csv_field(c, "");
    mpq_clear(v);
}

static void write_summary(merit_csv_row *c, const merit_result *res, unsigned places)
{
    const merit_call *call = res->call;
    const merit_rubric *rb = call->rubric;
    /* columns of proposal data only when a proposal of the call has it
     * (merit_report_shows): area, applicant, lead and lead_type, request,
     * the budget's three, sme_share */
    merit_report_shown shown;
    merit_report_shows(call, &shown);
    size_t lead_columns = shown.area + shown.applicant + 2 * shown.team;
    csv_field(c, "rank");
    csv_field(c, "id");
    csv_field(c, "title");
    if (shown.area)
        csv_field(c, "area");
    if (shown.applicant)
        csv_field(c, "applicant");
    if (shown.team) {
        csv_field(c, "lead");
        csv_field(c, "lead_type");
    }
    static const char *const head[] = {"status", "reason", "total", "total_exact"};
    static const char *const tail[] = {"reviews_counted", "reviews_excluded", "disagreement",
                                       "spread"};
    for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
        csv_field(c, head[i]);
    for (size_t k = 0; k < rb->criterion_count; k++) {
        char name[80];
        csv_text(c, rb->criteria[k].id);
        snprintf(name, sizeof(name), "%s_exact", rb->criteria[k].id);
        csv_text(c, name);
    }
    for (size_t i = 0; i < sizeof(tail) / sizeof(tail[0]); i++)
        csv_field(c, tail[i]);
    if (shown.request)
        csv_field(c, "request");
    if (shown.budget) {
        csv_field(c, "federal_request");
        csv_field(c, "cost_share_ratio");
        csv_field(c, "federal_share");
    }
    if (shown.team)
        csv_field(c, "sme_share");
    csv_field(c, "cumulative_awarded");
    csv_field(c, "tie_at_line");
    csv_field(c, "funding_step");
    if (res->has_intervals) {
        static const char *const iv[] = {"rank_low", "rank_median",    "rank_high",
                                         "p_funded", "p_funded_exact", "grey_zone"};
        for (size_t i = 0; i < sizeof(iv) / sizeof(iv[0]); i++)
            csv_field(c, iv[i]);
    }
    /* only in a call with moderation (docs/cli.md, "CSV") */
    bool moderated = call->change_count > 0;
    if (moderated)
        csv_field(c, "moderated_scores");
    merit__csv_end(c);

    /* proposals that --keep-going rejected come first, status "rejected" */
    size_t columns = 3 + lead_columns + sizeof(head) / sizeof(head[0]) + 2 * rb->criterion_count +
                     sizeof(tail) / sizeof(tail[0]) + shown.request + 3 * shown.budget +
                     shown.team + 3 + (res->has_intervals ? 6 : 0) + moderated;
    for (size_t i = 0; i < call->rejected_count; i++) {
        const merit_rejected *r = &call->rejected[i];
        if (r->kind != MERIT_REJECTED_PROPOSAL)
            continue;
        csv_field(c, "");
        csv_text(c, r->what);
        for (size_t f = 2; f < 3 + lead_columns; f++)
            csv_field(c, "");
        csv_field(c, "rejected");
        csv_text(c, r->reason);
        for (size_t f = 3 + lead_columns + 2; f < columns; f++)
            csv_field(c, "");
        merit__csv_end(c);
    }

    /* each ranked proposal's step of the walk (funding_step), found once */
    size_t *step = malloc((res->proposal_count + 1) * sizeof(*step));
    if (step == NULL)
        merit_sink_fail(c->sink, MERIT_ENOMEM);
    for (size_t k = 0; step != NULL && k < res->proposal_count; k++)
        step[k] = SIZE_MAX;
    for (size_t w = 0; step != NULL && w < res->walk_count; w++)
        step[res->walk[w].result] = w;
    for (size_t k = 0; k < res->proposal_count; k++) {
        const merit_proposal_result *pr = &res->proposals[res->order[k]];
        const merit_proposal *p = &call->proposals[pr->proposal];
        const merit_org *lead = p->org_count > 0 ? &p->orgs[p->lead] : NULL;
        if (k < res->ranked_count) {
            char rank[32];
            snprintf(rank, sizeof(rank), "%zu%s", pr->rank, pr->rank_shared ? "=" : "");
            csv_field(c, rank);
        } else {
            csv_field(c, "");
        }
        csv_text(c, p->id);
        csv_text(c, p->title);
        if (shown.area)
            csv_text(c, p->area ? p->area : "");
        if (shown.applicant) {
            const char *who = merit_proposal_applicant(p);
            csv_text(c, who ? who : "");
        }
        if (shown.team) {
            csv_text(c, lead ? lead->name : "");
            csv_field(c, lead && (lead->given & MERIT_ORG_GIVEN_TYPE)
                             ? merit_org_type_name(lead->type)
                             : "");
        }
        csv_field(c, merit_status_name(pr->status));
        csv_owned_text(c, merit_report_reason(res, pr, places));
        if (pr->has_total) {
            csv_owned(c, merit_decimal_string(pr->total, places));
            csv_owned(c, merit_fraction_string(pr->total));
        } else {
            csv_field(c, "");
            csv_field(c, "");
        }
        for (size_t j = 0; j < rb->criterion_count; j++) {
            const merit_criterion_result *cr = &pr->criteria[j];
            if (cr->has_value) {
                csv_owned(c, merit_decimal_string(cr->value, places));
                csv_owned(c, merit_fraction_string(cr->value));
            } else {
                csv_field(c, "");
                csv_field(c, "");
            }
        }
        merit__csv_count(c, pr->reviews_counted);
        merit__csv_count(c, pr->reviews_excluded);
        csv_bool(c, pr->disagreement);
        if (pr->has_spread)
            csv_owned(c, merit_decimal_string(pr->spread, places));
        else
            csv_field(c, "");
        if (shown.request)
            csv_money(c, p->request);
        if (shown.budget) {
            if (p->year_count > 0)
                csv_money(c, p->total.federal);
            else
                csv_field(c, "");
            csv_fact(c, res, pr, MERIT_FACT_COST_SHARE_RATIO, places);
            csv_fact(c, res, pr, MERIT_FACT_FEDERAL_SHARE, places);
        }
        if (shown.team)
            csv_fact(c, res, pr, MERIT_FACT_SME_SHARE, places);
        if (pr->status == MERIT_STATUS_FUNDED)
            csv_money(c, pr->cumulative);
        else
            csv_field(c, "");
        csv_bool(c, pr->tie_at_line);
        size_t at = step != NULL ? step[res->order[k]] : SIZE_MAX;
        csv_field(c, at == SIZE_MAX ? "" : merit_walk_action_name(res->walk[at].action));
        if (res->has_intervals && k < res->ranked_count) {
            merit__csv_count(c, pr->rank_low);
            merit__csv_count(c, pr->rank_median);
            merit__csv_count(c, pr->rank_high);
            csv_owned(c, merit__p_funded_percent(res, pr));
            mpq_t q;
            mpq_init(q);
            merit__p_funded(res, pr, q);
            csv_owned(c, merit_fraction_string(q));
            mpq_clear(q);
            csv_bool(c, pr->grey_zone);
        } else if (res->has_intervals) {
            for (int i = 0; i < 6; i++)
                csv_field(c, "");
        }
        if (moderated)
            merit__csv_count(c, merit_call_moderated_count(call, pr->proposal));
        merit__csv_end(c);
    }
    free(step);
}

/* The moderation columns of one score of csv-detail. */
static void detail_moderation(merit_csv_row *c, const merit_call *call, size_t review,
                              size_t criterion, mpq_t scratch)
{
    size_t n = 0;
    const merit_moderation_change *ch = merit_call_score_changes(call, review, criterion, &n);
    if (n == 0) {
        csv_field(c, "");
        csv_field(c, "0");
        for (int i = 0; i < 4; i++)
            csv_field(c, "");
        return;
    }
    int32_t original = call->reviews[review].original_steps[criterion];
    if (original == MERIT_NO_SCORE) {
        csv_field(c, "-");
    } else {
        merit_score_value(call->rubric, original, scratch);
        csv_owned(c, merit_exact_string(scratch));
    }
    merit__csv_count(c, n);
    const merit_moderation_change *last = &ch[n - 1];
    csv_text(c, last->by);
    csv_field(c, last->at);
    csv_field(c, merit_moderation_kind_name(last->kind));
    csv_text(c, last->reason != NULL ? last->reason : "");
}

/* One row per proposal x review x criterion, in the call's order: proposals
 * by id, then reviewers by id (the order of call->reviews), then criteria in
 * rubric order. Raw values only: nothing here is aggregated or rounded. */
static void write_detail(merit_csv_row *c, const merit_result *res)
{
    const merit_call *call = res->call;
    const merit_rubric *rb = call->rubric;
    static const char *const head[] = {"proposal",        "reviewer",   "reviewer_name",
                                       "criterion",       "weight",     "score",
                                       "no_score_reason", "confidence", "counted",
                                       "excluded_reason", "comment",    "review_comment"};
    /* only in a call with moderation: the sheet's score of each score the
     * panel changed ("-": a no-score), how many changes, and the last */
    static const char *const moderation[] = {"original_score",  "moderation_changes",
                                             "moderated_by",    "moderated_at",
                                             "moderation_kind", "moderation_reason"};
    bool moderated = call->change_count > 0;
    for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
        csv_field(c, head[i]);
    for (size_t i = 0; moderated && i < sizeof(moderation) / sizeof(moderation[0]); i++)
        csv_field(c, moderation[i]);
    merit__csv_end(c);

    mpq_t score;
    mpq_init(score);
    for (size_t i = 0; i < call->review_count; i++) {
        const merit_review *rv = &call->reviews[i];
        const merit_reviewer *who = &call->reviewers[rv->reviewer];
        bool counted = res->reviews[i].counted;
        for (size_t k = 0; k < rb->criterion_count; k++) {
            csv_text(c, call->proposals[rv->proposal].id);
            csv_text(c, who->id);
            csv_text(c, who->name);
            csv_text(c, rb->criteria[k].id);
            csv_owned(c, merit_exact_string(rb->criteria[k].weight));
            if (rv->steps[k] == MERIT_NO_SCORE) {
                csv_field(c, "");
                csv_text(c, rv->no_score_reasons != NULL && rv->no_score_reasons[k] != NULL
                                ? rv->no_score_reasons[k]
                                : "");
            } else {
                merit_score_value(rb, rv->steps[k], score);
                csv_owned(c, merit_exact_string(score));
                csv_field(c, "");
            }
            /* a no-score carries no confidence, nor a score given none
             * (the model holds 0 for both) */
            if (rv->steps[k] == MERIT_NO_SCORE || rv->confidences[k] == 0)
                csv_field(c, "");
            else
                merit__csv_count(c, rv->confidences[k]);
            csv_bool(c, counted);
            if (counted)
                csv_field(c, "");
            else
                csv_text(c, rv->conflict_reason ? rv->conflict_reason : "conflict");
            /* empty when the call was loaded without comments */
            csv_text(c, rv->comments != NULL && rv->comments[k] != NULL ? rv->comments[k] : "");
            csv_text(c, rv->comment ? rv->comment : "");
            if (moderated)
                detail_moderation(c, call, i, k, score);
            merit__csv_end(c);
        }
    }
    mpq_clear(score);
}

int merit_report_csv(merit_sink *sink, const merit_result *res, const merit_report_options *opt)
{
    merit_csv_row c = {.sink = sink};
    unsigned places = opt ? opt->places : 2;
    if (opt != NULL && opt->detail)
        write_detail(&c, res);
    else
        write_summary(&c, res, places);
    return sink->error;
}
