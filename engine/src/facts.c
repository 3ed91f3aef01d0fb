/* Derived facts and eligibility rules: see facts.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "textrule.h"

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

void merit__facts_compute(const merit_proposal *p, mpq_t facts[MERIT_FACT_COUNT],
                          uint64_t words[MERIT_SECTION_COUNT])
{
    const merit_money *t = &p->total;
    mpz_t all, share;
    mpz_inits(all, share, NULL);
    mpz_set_si(all, t->federal);
    mpz_add_ui(all, all, (unsigned long)t->cash);
    mpz_add_ui(all, all, (unsigned long)t->in_kind);
    mpz_set_si(share, t->cash);
    mpz_add_ui(share, share, (unsigned long)t->in_kind);

    /* federal / (federal + cash + in-kind); the loader ensures federal > 0 */
    mpz_set_si(mpq_numref(facts[MERIT_FACT_FEDERAL_SHARE]), t->federal);
    mpz_set(mpq_denref(facts[MERIT_FACT_FEDERAL_SHARE]), all);
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

    for (int s = 0; s < MERIT_SECTION_COUNT; s++)
        words[s] = merit__count_words(p->sections[s]);
}

void merit__fact_value(const merit_proposal_result *pr, merit_fact fact, merit_section section,
                       mpq_t out)
{
    if (fact == MERIT_FACT_WORDS) {
        mpz_set_ui(mpq_denref(out), 1);
        /* words fit in 64 bits; go through two halves for 32-bit longs */
        mpz_set_ui(mpq_numref(out), (unsigned long)(pr->words[section] >> 32));
        mpz_mul_2exp(mpq_numref(out), mpq_numref(out), 32);
        mpz_add_ui(mpq_numref(out), mpq_numref(out),
                   (unsigned long)(pr->words[section] & 0xFFFFFFFFu));
        return;
    }
    mpq_set(out, pr->facts[fact]);
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

/* Runs a text rule on one subject: 1 passes, 0 fails, <0 an error. */
static int text_passes(merit_ctx *ctx, const merit_rule *rule, const merit_proposal *p,
                       const char *subject, const char *where)
{
    merit_match_result m = merit__textrule_match(rule->compiled, subject, strlen(subject));
    if (m == MERIT_MATCH_LIMIT)
        return merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_LIMIT, rule->loc.file,
                           rule->loc.line, rule->loc.column,
                           "the pattern of text rule '%s' hit the match limit on %s of proposal "
                           "'%s' (the 'match' limit); simplify the pattern: nested quantifiers "
                           "backtrack catastrophically",
                           rule->id, where, p->id);
    if (m == MERIT_MATCH_ERROR)
        return merit__error_at(ctx, rule->loc,
                               "text rule '%s' failed to run on %s of proposal '%s'", rule->id,
                               where, p->id);
    bool matched = m == MERIT_MATCH_YES;
    return matched == rule->expect_match ? 1 : 0;
}

int merit__rule_apply(merit_ctx *ctx, const merit_rule *rule, const merit_proposal *p,
                      const merit_proposal_result *pr, merit_rule_result *out)
{
    out->failed_milestone = SIZE_MAX;
    if (!rule->is_text) {
        merit__fact_value(pr, rule->fact, rule->section, out->actual);
        out->passed = merit__op_holds(rule->op, mpq_cmp(out->actual, rule->value));
        return 0;
    }
    if (!rule->each_milestone) {
        char where[64];
        snprintf(where, sizeof(where), "section '%s'", merit_section_name(rule->section));
        int r = text_passes(ctx, rule, p, p->sections[rule->section], where);
        if (r < 0)
            return r;
        out->passed = r == 1;
        return 0;
    }
    out->passed = true;
    for (size_t i = 0; i < p->milestone_count; i++) {
        const merit_milestone *m = &p->milestones[i];
        char *subject = merit__sprintf("%s\n%s", m->metric, m->description);
        if (subject == NULL)
            return merit__oom(ctx);
        char where[128];
        snprintf(where, sizeof(where), "milestone '%s'", m->id);
        int r = text_passes(ctx, rule, p, subject, where);
        free(subject);
        if (r < 0)
            return r;
        if (r == 0) {
            out->passed = false;
            out->failed_milestone = i;
            break;
        }
    }
    return 0;
}
