/* What the report writers share. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

void merit_report_rounding_note(char *buf, size_t size, unsigned places)
{
    snprintf(buf, size,
             "Numbers are shown rounded half to even to %u decimal place%s; ranks, thresholds "
             "and statuses use the exact values.",
             places, places == 1 ? "" : "s");
}

void merit_strbuf_vadd(merit_strbuf *b, const char *f, va_list ap)
{
    if (b->failed)
        return;
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, f, copy);
    va_end(copy);
    if (n < 0) {
        b->failed = true;
        return;
    }
    size_t need = b->len + (size_t)n + 1;
    if (need > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < need)
            cap *= 2;
        char *s = realloc(b->s, cap);
        if (s == NULL) {
            b->failed = true;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
    vsnprintf(b->s + b->len, b->cap - b->len, f, ap);
    b->len += (size_t)n;
}

void merit_strbuf_add(merit_strbuf *b, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    merit_strbuf_vadd(b, f, ap);
    va_end(ap);
}

char *merit_strbuf_take(merit_strbuf *b)
{
    if (b->failed) {
        free(b->s);
        return NULL;
    }
    return b->s != NULL ? b->s : strdup("");
}

static const char *op_symbol(merit_op op)
{
    static const char *const symbols[] = {"<", "<=", "=", "!=", ">=", ">"};
    return (size_t)op < sizeof(symbols) / sizeof(symbols[0]) ? symbols[op] : "?";
}

/*
 * Why a proposal is not ranked, in one line: every check it failed, in the
 * order the engine applies them (eligibility, reviews, thresholds), joined
 * with "; ". Empty for a ranked proposal. The wording follows the terminal
 * report, with the measured value added where the terminal report leaves it
 * out for width.
 */
char *merit_report_reason(const merit_result *res, const merit_proposal_result *pr, unsigned places)
{
    const merit_call *call = res->call;
    const merit_rubric *rb = call->rubric;
    const merit_proposal *p = &call->proposals[pr->proposal];
    const char *cmp = rb->direction == MERIT_HIGHER_IS_BETTER ? "<" : ">";
    merit_strbuf b = {0};
    if (pr->status == MERIT_STATUS_FUNDED || pr->status == MERIT_STATUS_RESERVE)
        return strdup("");

    for (size_t k = 0; k < rb->rule_count; k++) {
        const merit_rule *rule = &rb->rules[k];
        const merit_rule_result *rr = &pr->rules[k];
        if (rr->passed)
            continue;
        merit_strbuf_add(&b, "%s%s: %s", b.len ? "; " : "", rule->id, rule->message);
        if (rule->is_text) {
            if (rr->failed_milestone != SIZE_MAX && rr->failed_milestone < p->milestone_count)
                merit_strbuf_add(&b, " (milestone %s)", p->milestones[rr->failed_milestone].id);
            continue;
        }
        char *actual = merit_exact_string(rr->actual);
        char *value = merit_exact_string(rule->value);
        if (actual == NULL || value == NULL)
            b.failed = true;
        else if (rule->fact == MERIT_FACT_WORDS)
            merit_strbuf_add(&b, " (words in %s: %s, needs %s %s)", rule->section, actual,
                             op_symbol(rule->op), value);
        else
            merit_strbuf_add(&b, " (%s %s, needs %s %s)", rule->fact_name, actual,
                             op_symbol(rule->op), value);
        free(actual);
        free(value);
    }
    if (pr->reviews_counted < rb->min_reviewers)
        merit_strbuf_add(&b, "%s%zu counted review%s, %u needed", b.len ? "; " : "",
                         pr->reviews_counted, pr->reviews_counted == 1 ? "" : "s",
                         rb->min_reviewers);
    else
        for (size_t c = 0; c < rb->criterion_count; c++)
            if (!pr->criteria[c].has_value)
                merit_strbuf_add(&b, "%sno reviewer scored '%s'", b.len ? "; " : "",
                                 rb->criteria[c].id);
    for (size_t c = 0; c < rb->criterion_count; c++) {
        if (!pr->criteria[c].has_value || !pr->criteria[c].below_threshold)
            continue;
        char *v = merit_decimal_string(pr->criteria[c].value, places);
        char *t = merit_exact_string(rb->criteria[c].threshold);
        if (v == NULL || t == NULL)
            b.failed = true;
        else
            merit_strbuf_add(&b, "%s%s %s %s %s", b.len ? "; " : "", rb->criteria[c].id, v, cmp, t);
        free(v);
        free(t);
    }
    if (pr->has_total && pr->total_below_threshold) {
        char *v = merit_decimal_string(pr->total, places);
        char *t = merit_exact_string(rb->overall_threshold);
        if (v == NULL || t == NULL)
            b.failed = true;
        else
            merit_strbuf_add(&b, "%stotal %s %s %s", b.len ? "; " : "", v, cmp, t);
        free(v);
        free(t);
    }
    return merit_strbuf_take(&b);
}

void merit_report_tiebreak(char *buf, size_t size, const merit_rubric *rb, const merit_tiebreak *tb)
{
    if (tb->kind == MERIT_TIEBREAK_CRITERION)
        snprintf(buf, size, "criterion %s", rb->criteria[tb->criterion].id);
    else if (tb->fact == MERIT_FACT_WORDS)
        snprintf(buf, size, "fact words of %s (%s)", tb->section,
                 tb->prefer_higher ? "higher" : "lower");
    else
        snprintf(buf, size, "fact %s (%s)", tb->fact_name, tb->prefer_higher ? "higher" : "lower");
}

void merit_report_shows(const merit_call *call, merit_report_shown *out)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < call->proposal_count; i++) {
        const merit_proposal *p = &call->proposals[i];
        out->area = out->area || p->area != NULL;
        out->applicant = out->applicant || p->applicant != NULL;
        out->team = out->team || p->org_count > 0;
        out->request = out->request || p->has_request;
        out->budget = out->budget || p->year_count > 0;
        out->months = out->months || p->months > 0;
        out->milestones = out->milestones || merit_proposal_section(p, "milestones") != NULL;
    }
    out->who = out->applicant || out->team;
}

bool merit_report_shows_fact(const merit_report_shown *shown, merit_fact fact)
{
    switch (fact) {
    case MERIT_FACT_FEDERAL_SHARE:
    case MERIT_FACT_COST_SHARE_RATIO:
    case MERIT_FACT_FEDERAL_REQUEST:
    case MERIT_FACT_TOTAL_COST:
        return shown->budget;
    case MERIT_FACT_SME_SHARE:
    case MERIT_FACT_ORGANISATIONS:
        return shown->team;
    case MERIT_FACT_MILESTONES:
        return shown->milestones;
    case MERIT_FACT_MONTHS:
        return shown->months;
    case MERIT_FACT_REQUEST:
        return shown->request;
    case MERIT_FACT_WORDS:
    case MERIT_FACT_DECLARED:
        break;
    }
    return false;
}

size_t merit_report_width(const char *s)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        w += (*p & 0xC0) != 0x80;
    return w;
}

int merit_report_file(merit_report_fn write, FILE *out, const merit_result *res,
                      const merit_report_options *opt)
{
    merit_sink sink;
    merit_sink_init(&sink, out, opt != NULL && opt->color);
    if (merit_sink_ok(&sink) && write(&sink, res, opt) != 0)
        merit_sink_fail(&sink, MERIT_EIO);
    int rc = merit_sink_finish(&sink, NULL);
    return rc != 0 || ferror(out) ? -1 : 0;
}

size_t merit_report_first_review(const merit_call *call, size_t proposal)
{
    size_t lo = 0, hi = call->review_count;
    while (lo < hi) { /* reviews are sorted by (proposal, reviewer) */
        size_t mid = lo + (hi - lo) / 2;
        if (call->reviews[mid].proposal < proposal)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

char *merit_report_funding_rule(const merit_result *res)
{
    const merit_call *call = res->call;
    merit_strbuf b = {0};
    if (res->skipped && res->skip_unaffordable)
        merit_strbuf_add(&b,
                         "The walk went on past proposals it could not fund, because the %s "
                         "sets skip-unaffordable: lower-ranked proposals that fit were funded "
                         "ahead of them. ",
                         res->skip_from_call ? "call" : "rubric");
    else if (res->skipped)
        merit_strbuf_add(&b, "The lottery drew among the grey zone, as the call says "
                             "(draw-among=\"grey-zone\"): lower-ranked proposals drawn were "
                             "funded ahead of higher-ranked ones. ");
    if (res->overspent > 0) {
        char over[48], allowed[48];
        merit_format_money(over, sizeof(over), res->overspent);
        merit_format_money(allowed, sizeof(allowed), res->overspend_allowed);
        merit_strbuf_add(&b,
                         "A tie at the line was funded whole past the budget by %s %s (the call "
                         "allows up to %s, ties=\"fund-whole\"). ",
                         call->currency, over, allowed);
    }
    if (res->pool_count > 0) {
        merit_strbuf_add(&b, "%s settled by lottery (%s); the draw order: ",
                         res->draw_among == MERIT_DRAW_AMONG_GREY_ZONE ? "The grey zone was"
                                                                       : "A tie at the line was",
                         res->ties_from_command_line ? "--lottery on the command line"
                                                     : "ties=\"lottery\" in the call");
        size_t shown = res->pool_count > 12 ? 10 : res->pool_count;
        for (size_t k = 0; k < shown; k++)
            merit_strbuf_add(&b, "%s%s", k ? ", " : "",
                             call->proposals[res->proposals[res->draw[k]].proposal].id);
        if (shown < res->pool_count)
            merit_strbuf_add(&b, " and %zu more (the JSON report and the audit trail list all)",
                             res->pool_count - shown);
        merit_strbuf_add(&b, ". ");
    }
    if (b.len > 0)
        b.s[--b.len] = '\0'; /* the last space */
    return merit_strbuf_take(&b);
}

void merit__p_funded(const merit_result *res, const merit_proposal_result *pr, mpq_t out)
{
    mpz_set_ui(mpq_numref(out), (unsigned long)pr->funded_in);
    mpz_set_ui(mpq_denref(out), (unsigned long)(res->resamples > 0 ? res->resamples : 1));
    mpq_canonicalize(out);
}

char *merit__p_funded_percent(const merit_result *res, const merit_proposal_result *pr)
{
    mpq_t p;
    mpq_init(p);
    merit__p_funded(res, pr, p);
    mpz_mul_ui(mpq_numref(p), mpq_numref(p), 100);
    mpq_canonicalize(p);
    char *s = merit_decimal_string(p, MERIT_P_FUNDED_PLACES);
    mpq_clear(p);
    return s;
}
