/* Derived facts and eligibility rules: see facts.h. */
#include <stdio.h>

#include "facts.h"
#include "merit/number.h"

uint64_t merit__count_words(const char *text)
{
    uint64_t words = 0;
    bool in_word = false;
    for (const unsigned char *p = (const unsigned char *)text; p != NULL && *p; p++) {
        bool space =
            *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v';
        if (p[0] == 0xC2 && p[1] == 0xA0) { /* no-break space */
            space = true;
            p++;
        }
        if (space) {
            in_word = false;
        } else if (!in_word) {
            in_word = true;
            words++;
        }
    }
    return words;
}

void merit__facts_compute(const merit_proposal *p, mpq_t facts[MERIT_FACT_STORED])
{
    /* a fact whose inputs the proposal lacks stays 0 and is never read:
     * merit_proposal_has_fact says so, and the rubric requires them */
    const merit_money none = {0, 0, 0};
    const merit_money *t = p->year_count > 0 ? &p->total : &none;
    mpz_t all, share;
    mpz_inits(all, share, NULL);
    mpz_set_si(all, t->federal);
    mpz_add_ui(all, all, (unsigned long)t->cash);
    mpz_add_ui(all, all, (unsigned long)t->in_kind);
    mpz_set_si(share, t->cash);
    mpz_add_ui(share, share, (unsigned long)t->in_kind);

    /* federal / (federal + cash + in-kind); the loader ensures federal > 0
     * when there is a budget */
    mpz_set_si(mpq_numref(facts[MERIT_FACT_FEDERAL_SHARE]), t->federal);
    if (mpz_sgn(all) > 0)
        mpz_set(mpq_denref(facts[MERIT_FACT_FEDERAL_SHARE]), all);
    else
        mpz_set_ui(mpq_denref(facts[MERIT_FACT_FEDERAL_SHARE]), 1);
    mpq_canonicalize(facts[MERIT_FACT_FEDERAL_SHARE]);
    /* (cash + in-kind) / federal */
    mpz_set(mpq_numref(facts[MERIT_FACT_COST_SHARE_RATIO]), share);
    mpz_set_si(mpq_denref(facts[MERIT_FACT_COST_SHARE_RATIO]), t->federal > 0 ? t->federal : 1);
    mpq_canonicalize(facts[MERIT_FACT_COST_SHARE_RATIO]);

    size_t smes = 0;
    for (size_t i = 0; i < p->org_count; i++)
        smes += p->orgs[i].type == MERIT_ORG_SME;
    mpq_set_ui(facts[MERIT_FACT_SME_SHARE], (unsigned long)smes,
               (unsigned long)(p->org_count ? p->org_count : 1));
    mpq_canonicalize(facts[MERIT_FACT_SME_SHARE]);
    mpq_set_ui(facts[MERIT_FACT_MILESTONES], (unsigned long)p->milestone_count, 1);
    mpq_set_ui(facts[MERIT_FACT_MONTHS], p->months, 1);
    mpq_set_ui(facts[MERIT_FACT_WORDS], 0, 1);
    /* money facts in currency units: cents / 100 */
    mpz_set_si(mpq_numref(facts[MERIT_FACT_FEDERAL_REQUEST]), t->federal);
    mpz_set_ui(mpq_denref(facts[MERIT_FACT_FEDERAL_REQUEST]), 100);
    mpq_canonicalize(facts[MERIT_FACT_FEDERAL_REQUEST]);
    mpz_set(mpq_numref(facts[MERIT_FACT_TOTAL_COST]), all);
    mpz_set_ui(mpq_denref(facts[MERIT_FACT_TOTAL_COST]), 100);
    mpq_canonicalize(facts[MERIT_FACT_TOTAL_COST]);
    mpq_set_ui(facts[MERIT_FACT_ORGANISATIONS], (unsigned long)p->org_count, 1);
    mpz_clears(all, share, NULL);
}

int merit__fact_value(const merit_proposal_result *pr, const merit_proposal *p, merit_fact fact,
                      const char *name, const char *section, mpq_t out)
{
    if (fact == MERIT_FACT_WORDS) {
        const merit_section_words *s = merit_proposal_section(p, section);
        if (s == NULL)
            return -1;
        mpz_set_ui(mpq_denref(out), 1);
        /* words fit in 64 bits; go through two halves for 32-bit longs */
        mpz_set_ui(mpq_numref(out), (unsigned long)(s->words >> 32));
        mpz_mul_2exp(mpq_numref(out), mpq_numref(out), 32);
        mpz_add_ui(mpq_numref(out), mpq_numref(out), (unsigned long)(s->words & 0xFFFFFFFFu));
        return 0;
    }
    if (fact == MERIT_FACT_DECLARED) {
        const char *value = merit_proposal_fact(p, name);
        /* the loader checked the value against the schema's decimal */
        return value != NULL && merit_decimal_parse(value, out) == 0 ? 0 : -1;
    }
    if (fact == MERIT_FACT_REQUEST) {
        merit_cents_to_mpq(p->request, out);
        return 0;
    }
    if (!merit_proposal_has_fact(p, fact) || fact >= MERIT_FACT_STORED)
        return -1;
    mpq_set(out, pr->facts[fact]);
    return 0;
}

bool merit_fact_value(const merit_result *res, const merit_proposal_result *pr, merit_fact fact,
                      const char *name, const char *section, mpq_t out)
{
    const merit_proposal *p = &res->call->proposals[pr->proposal];
    return merit__fact_value(pr, p, fact, name, section, out) == 0;
}

const char *merit__fact_input(merit_fact fact, const char *section)
{
    (void)section;
    switch (fact) {
    case MERIT_FACT_FEDERAL_SHARE:
    case MERIT_FACT_COST_SHARE_RATIO:
    case MERIT_FACT_TOTAL_COST:
        return "the federal, cash and in-kind amounts";
    case MERIT_FACT_FEDERAL_REQUEST:
        return "the budget's federal total";
    case MERIT_FACT_SME_SHARE:
        return "the type of every organisation";
    case MERIT_FACT_ORGANISATIONS:
        return "the organisations of the team";
    case MERIT_FACT_MILESTONES:
        return "the milestones";
    case MERIT_FACT_MONTHS:
        return "the months";
    case MERIT_FACT_WORDS:
        return "the words of a section";
    case MERIT_FACT_REQUEST:
        return "the request";
    case MERIT_FACT_DECLARED:
        break;
    }
    return "a declared fact";
}

bool merit__op_holds(merit_op op, int cmp)
{
    switch (op) {
    case MERIT_OP_LT:
        return cmp < 0;
    case MERIT_OP_LE:
        return cmp <= 0;
    case MERIT_OP_EQ:
        return cmp == 0;
    case MERIT_OP_NE:
        return cmp != 0;
    case MERIT_OP_GE:
        return cmp >= 0;
    case MERIT_OP_GT:
        return cmp > 0;
    }
    return false;
}

/* Reports what a text rule's outcome, computed at load, says about one
 * subject: 1 passes, 0 fails, <0 an error (diagnosed here, at rank time). */
static int text_passes(merit_ctx *ctx, const merit_rule *rule, const merit_proposal *p,
                       merit_text_result result, const char *where)
{
    if (result == MERIT_TEXT_LIMIT)
        return merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_LIMIT, rule->loc.file,
                           rule->loc.line, rule->loc.column,
                           "the pattern of text rule '%s' hit the match limit on %s of proposal "
                           "'%s' (the 'match' limit); simplify the pattern: nested quantifiers "
                           "backtrack catastrophically",
                           rule->id, where, p->id);
    /* MERIT_TEXT_NOT_RUN: the proposal was loaded without this rubric */
    if (result != MERIT_TEXT_PASSED && result != MERIT_TEXT_FAILED)
        return merit__error_at(ctx, rule->loc,
                               "text rule '%s' failed to run on %s of proposal '%s'", rule->id,
                               where, p->id);
    return result == MERIT_TEXT_PASSED ? 1 : 0;
}

int merit__rule_apply(merit_ctx *ctx, const merit_rule *rule, size_t index, const merit_proposal *p,
                      const merit_proposal_result *pr, merit_rule_result *out)
{
    out->failed_milestone = SIZE_MAX;
    if (!rule->is_text) {
        /* never read as zero: the rubric requires what its rules read, so
         * this is only reached by a proposal loaded without the rubric */
        if (merit__fact_value(pr, p, rule->fact, rule->fact_name, rule->section, out->actual) != 0)
            return merit__error_at(ctx, rule->loc,
                                   "rule '%s' reads %s, which proposal '%s' does not have",
                                   rule->id, merit__fact_input(rule->fact, rule->section), p->id);
        out->passed = merit__op_holds(rule->op, mpq_cmp(out->actual, rule->value));
        return 0;
    }
    merit_text_outcome none = {MERIT_TEXT_NOT_RUN, MERIT_NO_MILESTONE};
    const merit_text_outcome *o = index < p->text_outcome_count ? &p->text_outcomes[index] : &none;
    char where[128];
    if (!rule->each_milestone) {
        snprintf(where, sizeof(where), "section '%s'", rule->section);
        int r = text_passes(ctx, rule, p, (merit_text_result)o->result, where);
        if (r < 0)
            return r;
        out->passed = r == 1;
        return 0;
    }
    out->passed = true;
    if (o->result == MERIT_TEXT_PASSED)
        return 0;
    if (o->milestone < p->milestone_count)
        snprintf(where, sizeof(where), "milestone '%s'", p->milestones[o->milestone].id);
    else
        snprintf(where, sizeof(where), "the milestones");
    int r = text_passes(ctx, rule, p, (merit_text_result)o->result, where);
    if (r < 0)
        return r;
    out->passed = false;
    out->failed_milestone = o->milestone < p->milestone_count ? o->milestone : SIZE_MAX;
    return 0;
}
