/* Proposals: team, sections, milestones and budget, with their checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "merit/number.h"
#include "proposal.h"
#include "textrule.h"

void merit__proposal_release(merit_proposal *p)
{
    if (p == NULL)
        return;
    free(p->id);
    free(p->call_id);
    free(p->title);
    free(p->area);
    for (size_t i = 0; i < p->org_count; i++) {
        free(p->orgs[i].id);
        free(p->orgs[i].name);
    }
    free(p->orgs);
    for (size_t i = 0; i < p->milestone_count; i++) {
        free(p->milestones[i].id);
        free(p->milestones[i].metric);
        free(p->milestones[i].description);
    }
    free(p->milestones);
    free(p->text_outcomes);
    free(p->years);
    memset(p, 0, sizeof(*p));
}

static size_t count_children(const xmlNode *parent, const char *name)
{
    size_t n = 0;
    for (const xmlNode *c = merit__xml_child(parent, name); c; c = merit__xml_next(c, name))
        n++;
    return n;
}

static int load_team(merit_ctx *ctx, struct merit_xml_doc *doc, const xmlNode *team,
                     merit_proposal *p)
{
    int rc = 0;
    size_t n = count_children(team, "organisation");
    p->orgs = merit__calloc(n, sizeof(*p->orgs));
    if (p->orgs == NULL)
        return merit__oom(ctx);
    size_t leads = 0;
    for (const xmlNode *o = merit__xml_child(team, "organisation"); o;
         o = merit__xml_next(o, "organisation")) {
        merit_org *org = &p->orgs[p->org_count++];
        org->id = merit__strdup(merit__xml_attr(o, "id"));
        org->name = merit__xml_text(merit__xml_child(o, "name"), true);
        if (org->id == NULL || org->name == NULL)
            return merit__oom(ctx);
        org->lead = merit__xml_bool(o, "lead");
        org->type = (merit_org_type)merit__org_type_from_name(merit__xml_attr(o, "type"));
        org->chain =
            (merit_chain_role)merit__chain_role_from_name(merit__xml_attr(o, "supply-chain"));
        org->employees = (uint32_t)strtoul(merit__xml_attr(o, "employees"), NULL, 10);
        const char *where = merit__xml_attr(o, "location");
        snprintf(org->location, sizeof(org->location), "%s", where);
        if (org->lead) {
            if (leads == 0)
                p->lead = p->org_count - 1;
            leads++;
            if (leads == 2)
                rc = merit__error_at(ctx, merit__xml_loc(doc, o, "lead"),
                                     "proposal '%s' has more than one lead organisation", p->id);
        }
        if (org->type == MERIT_ORG_SME && org->employees > MERIT_SME_MAX_EMPLOYEES)
            rc = merit__error_at(ctx, merit__xml_loc(doc, o, "employees"),
                                 "organisation '%s' is typed sme but has %u employees; an SME "
                                 "has fewer than 500",
                                 org->id, org->employees);
        if (org->type == MERIT_ORG_LARGE && org->employees <= MERIT_SME_MAX_EMPLOYEES)
            rc = merit__error_at(ctx, merit__xml_loc(doc, o, "employees"),
                                 "organisation '%s' is typed large but has %u employees; a firm "
                                 "with fewer than 500 is an sme",
                                 org->id, org->employees);
        for (size_t k = 0; k + 1 < p->org_count; k++)
            if (strcmp(p->orgs[k].id, org->id) == 0)
                rc = merit__error_at(ctx, merit__xml_loc(doc, o, "id"),
                                     "duplicate organisation id '%s' in proposal '%s'", org->id,
                                     p->id);
    }
    if (leads == 0)
        rc = merit__error_at(ctx, merit__xml_loc(doc, team, NULL),
                             "proposal '%s' names no lead organisation (lead=\"true\")", p->id);
    return rc;
}

/* *text_out gets the milestones section: each milestone's metric and
 * description, each followed by a newline. */
static int load_milestones(merit_ctx *ctx, struct merit_xml_doc *doc, const xmlNode *ms,
                           merit_proposal *p, char **text_out)
{
    int rc = 0;
    size_t n = count_children(ms, "milestone");
    size_t text_len = 0;
    if (n > 0) {
        p->milestones = merit__calloc(n, sizeof(*p->milestones));
        if (p->milestones == NULL)
            return merit__oom(ctx);
    }
    for (const xmlNode *m = merit__xml_child(ms, "milestone"); m;
         m = merit__xml_next(m, "milestone")) {
        merit_milestone *mi = &p->milestones[p->milestone_count++];
        mi->loc = merit__xml_loc(doc, m, NULL);
        mi->id = merit__strdup(merit__xml_attr(m, "id"));
        mi->metric = merit__xml_text(merit__xml_child(m, "metric"), true);
        mi->description = merit__xml_text(merit__xml_child(m, "description"), false);
        if (mi->id == NULL || mi->metric == NULL || mi->description == NULL)
            return merit__oom(ctx);
        snprintf(mi->due, sizeof(mi->due), "%s", merit__xml_attr(m, "due"));
        text_len += strlen(mi->metric) + strlen(mi->description) + 2;
        for (size_t k = 0; k + 1 < p->milestone_count; k++)
            if (strcmp(p->milestones[k].id, mi->id) == 0)
                rc = merit__error_at(ctx, merit__xml_loc(doc, m, "id"),
                                     "duplicate milestone id '%s' in proposal '%s'", mi->id, p->id);
    }
    char *text = merit__malloc(text_len + 1 + MERIT_SUBJECT_PAD);
    if (text == NULL)
        return merit__oom(ctx);
    memset(text + text_len + 1, 0, MERIT_SUBJECT_PAD);
    size_t o = 0;
    for (size_t i = 0; i < p->milestone_count; i++) {
        const merit_milestone *mi = &p->milestones[i];
        o += (size_t)sprintf(text + o, "%s\n%s\n", mi->metric, mi->description);
    }
    text[o] = '\0';
    *text_out = text;
    return rc;
}

static int money_from_node(merit_ctx *ctx, struct merit_xml_doc *doc, const xmlNode *node,
                           merit_money *m)
{
    static const char *const attrs[] = {"federal", "cash", "in-kind"};
    int64_t *fields[] = {&m->federal, &m->cash, &m->in_kind};
    for (int i = 0; i < 3; i++)
        if (merit_amount_parse(merit__xml_attr(node, attrs[i]), fields[i]) != 0)
            return merit__error_at(ctx, merit__xml_loc(doc, node, attrs[i]),
                                   "'%s' is not an amount", attrs[i]);
    return 0;
}

static int load_budget(merit_ctx *ctx, struct merit_xml_doc *doc, const xmlNode *budget,
                       merit_proposal *p)
{
    int rc = 0;
    size_t n = count_children(budget, "year");
    p->years = merit__calloc(n, sizeof(*p->years));
    if (p->years == NULL)
        return merit__oom(ctx);
    p->year_count = n;
    bool *seen = merit__calloc(n, sizeof(bool));
    if (seen == NULL)
        return merit__oom(ctx);
    merit_money sum = {0, 0, 0};
    for (const xmlNode *y = merit__xml_child(budget, "year"); y; y = merit__xml_next(y, "year")) {
        unsigned long number = strtoul(merit__xml_attr(y, "number"), NULL, 10);
        merit_money m;
        if (money_from_node(ctx, doc, y, &m) != 0) {
            rc = MERIT_EINVALID;
            continue;
        }
        if (number < 1 || number > n) {
            rc = merit__error_at(ctx, merit__xml_loc(doc, y, "number"),
                                 "budget year %lu of proposal '%s': years must be numbered 1 "
                                 "to %zu",
                                 number, p->id, n);
            continue;
        }
        if (seen[number - 1]) {
            rc = merit__error_at(ctx, merit__xml_loc(doc, y, "number"),
                                 "budget year %lu of proposal '%s' is given twice", number, p->id);
            continue;
        }
        seen[number - 1] = true;
        p->years[number - 1] = m;
        /* amounts are at most 10^17 cents and there are at most 10 years */
        sum.federal += m.federal;
        sum.cash += m.cash;
        sum.in_kind += m.in_kind;
    }
    free(seen);
    size_t expected_years = (p->months + 11) / 12;
    if (n != expected_years)
        rc = merit__error_at(ctx, merit__xml_loc(doc, budget, NULL),
                             "proposal '%s' runs %u months, so its budget needs %zu year%s, not "
                             "%zu",
                             p->id, p->months, expected_years, expected_years == 1 ? "" : "s", n);
    const xmlNode *total = merit__xml_child(budget, "total");
    if (money_from_node(ctx, doc, total, &p->total) != 0)
        return MERIT_EINVALID;
    if (rc != 0)
        return rc;
    static const char *const attrs[] = {"federal", "cash", "in-kind"};
    const int64_t given[] = {p->total.federal, p->total.cash, p->total.in_kind};
    const int64_t added[] = {sum.federal, sum.cash, sum.in_kind};
    for (int i = 0; i < 3; i++) {
        if (given[i] != added[i]) {
            char a[40], b[40];
            merit_format_money(a, sizeof(a), given[i]);
            merit_format_money(b, sizeof(b), added[i]);
            rc = merit__error_at(ctx, merit__xml_loc(doc, total, attrs[i]),
                                 "budget total %s of proposal '%s' is %s but its years add up "
                                 "to %s",
                                 attrs[i], p->id, a, b);
        }
    }
    if (p->total.federal <= 0)
        rc = merit__error_at(ctx, merit__xml_loc(doc, total, "federal"),
                             "proposal '%s' requests no federal money", p->id);
    return rc;
}

/* Everything but the text rules; texts[] gets the section texts. */
static int load_proposal(merit_ctx *ctx, struct merit_xml_doc *doc, const xmlNode *node,
                         merit_proposal *p, char *texts[MERIT_SECTION_COUNT])
{
    int rc = 0;
    p->loc = merit__xml_loc(doc, node, NULL);
    p->id = merit__strdup(merit__xml_attr(node, "id"));
    p->call_id = merit__strdup(merit__xml_attr(node, "call"));
    p->title = merit__xml_text(merit__xml_child(node, "title"), true);
    p->area = merit__xml_text(merit__xml_child(node, "area"), true);
    if (p->id == NULL || p->call_id == NULL || p->title == NULL || p->area == NULL)
        return merit__oom(ctx);
    p->months = (uint32_t)strtoul(merit__xml_attr(node, "months"), NULL, 10);

    int one = load_team(ctx, doc, merit__xml_child(node, "team"), p);
    if (one == MERIT_ENOMEM)
        return one;
    rc = one ? one : rc;

    const xmlNode *sections = merit__xml_child(node, "sections");
    static const struct {
        merit_section section;
        const char *element;
    } text_sections[] = {
        {MERIT_SECTION_PROBLEM, "problem"},
        {MERIT_SECTION_APPROACH, "approach"},
        {MERIT_SECTION_MANAGEMENT, "management"},
        {MERIT_SECTION_DIFFUSION, "diffusion"},
        {MERIT_SECTION_SME_INVOLVEMENT, "sme-involvement"},
    };
    for (size_t i = 0; i < sizeof(text_sections) / sizeof(text_sections[0]); i++) {
        const xmlNode *s = merit__xml_child(sections, text_sections[i].element);
        texts[text_sections[i].section] = merit__xml_text_padded(s, false, MERIT_SUBJECT_PAD);
        if (texts[text_sections[i].section] == NULL)
            return merit__oom(ctx);
        size_t bytes = strlen(texts[text_sections[i].section]);
        if (bytes > ctx->limits.max_text_bytes) {
            merit_loc loc = merit__xml_loc(doc, s, NULL);
            rc = merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_LIMIT, loc.file, loc.line,
                             loc.column,
                             "section '%s' of proposal '%s' is %zu bytes, more than the 'text' "
                             "limit of %u",
                             text_sections[i].element, p->id, bytes, ctx->limits.max_text_bytes);
        }
    }
    one = load_milestones(ctx, doc, merit__xml_child(sections, "milestones"), p,
                          &texts[MERIT_SECTION_MILESTONES]);
    if (one == MERIT_ENOMEM)
        return one;
    rc = one ? one : rc;
    one = load_budget(ctx, doc, merit__xml_child(node, "budget"), p);
    if (one == MERIT_ENOMEM)
        return one;
    return one ? one : rc;
}

/* A match judged by the rule: passed when it matched as the rule expects. */
static merit_text_result judge(const merit_rule *rule, merit_match_result m)
{
    if (m == MERIT_MATCH_LIMIT)
        return MERIT_TEXT_LIMIT;
    if (m == MERIT_MATCH_ERROR)
        return MERIT_TEXT_ERROR;
    return (m == MERIT_MATCH_YES) == rule->expect_match ? MERIT_TEXT_PASSED : MERIT_TEXT_FAILED;
}

/* Runs every text rule of the rubric on the texts, into p->text_outcomes.
 * Each-milestone rules stop at the first milestone that does not pass, as
 * the ranking once did when it ran them. */
static int run_text_rules(merit_ctx *ctx, const merit_rubric *rubric, merit_proposal *p,
                          char *const texts[MERIT_SECTION_COUNT])
{
    bool any = false;
    for (size_t k = 0; k < rubric->rule_count; k++)
        any = any || rubric->rules[k].is_text;
    if (!any)
        return 0;
    p->text_outcomes = merit__calloc(rubric->rule_count, sizeof(*p->text_outcomes));
    if (p->text_outcomes == NULL)
        return merit__oom(ctx);
    p->text_outcome_count = rubric->rule_count;
    for (size_t k = 0; k < rubric->rule_count; k++) {
        const merit_rule *rule = &rubric->rules[k];
        merit_text_outcome *out = &p->text_outcomes[k];
        out->milestone = MERIT_NO_MILESTONE;
        if (!rule->is_text)
            continue;
        if (!rule->each_milestone) {
            const char *text = texts[rule->section];
            out->result = judge(rule, merit__textrule_match(rule->compiled, text, strlen(text)));
            continue;
        }
        /* A milestone's subject is "metric\ndescription": the milestones
         * section holds exactly that for each milestone, followed by a
         * newline, and PCRE2 sees no byte outside the subject's length. */
        const char *subject = texts[MERIT_SECTION_MILESTONES];
        out->result = MERIT_TEXT_PASSED;
        for (size_t i = 0; i < p->milestone_count; i++) {
            const merit_milestone *m = &p->milestones[i];
            size_t length = strlen(m->metric) + 1 + strlen(m->description);
            out->result = judge(rule, merit__textrule_match(rule->compiled, subject, length));
            if (out->result != MERIT_TEXT_PASSED) {
                out->milestone = (uint32_t)i;
                break;
            }
            subject += length + 1;
        }
    }
    return 0;
}

int merit__proposal_from_node(merit_ctx *ctx, struct merit_xml_doc *doc, const xmlNode *node,
                              const merit_rubric *rubric, merit_proposal *p)
{
    char *texts[MERIT_SECTION_COUNT] = {NULL};
    int rc = load_proposal(ctx, doc, node, p, texts);
    if (rc != MERIT_ENOMEM) {
        for (int s = 0; s < MERIT_SECTION_COUNT; s++)
            p->words[s] = merit__count_words(texts[s]);
        /* an invalid proposal is never ranked, and a text over the limit
         * is not worth matching */
        if (rc == 0 && rubric != NULL)
            rc = run_text_rules(ctx, rubric, p, texts);
    }
    for (int s = 0; s < MERIT_SECTION_COUNT; s++)
        free(texts[s]);
    for (size_t i = 0; i < p->milestone_count; i++) {
        free(p->milestones[i].description);
        p->milestones[i].description = NULL;
    }
    return rc;
}
