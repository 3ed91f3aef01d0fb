/* Proposals: the core (title, applicant, request) and what a proposal may
 * carry (team, sections, facts, budget), with their checks and the
 * requirements of the call's rubric. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "facts.h"
#include "merit/number.h"
#include "proposal.h"
#include "textrule.h"

/* Frees a free section's name: the model holds it const, as it holds the
 * known sections' static names. */
static void free_name(const char *name)
{
    free((void *)(uintptr_t)name);
}

void merit__proposal_release(merit_proposal *p)
{
    if (p == NULL)
        return;
    free(p->id);
    free(p->call_id);
    free(p->title);
    free(p->applicant);
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
    for (size_t i = 0; i < p->section_count; i++)
        if (merit_section_known(p->sections[i].name) < 0)
            free_name(p->sections[i].name);
    free(p->sections);
    for (size_t i = 0; i < p->fact_count; i++) {
        free(p->facts[i].name);
        free(p->facts[i].value);
    }
    free(p->facts);
    free(p->text_outcomes);
    free(p->years);
    memset(p, 0, sizeof(*p));
}

const char *merit_proposal_applicant(const merit_proposal *p)
{
    if (p->applicant != NULL)
        return p->applicant;
    return p->org_count > 0 ? p->orgs[p->lead].name : NULL;
}

/* The index of the section called name in p->sections, or -1. */
static ssize_t section_index(const merit_proposal *p, const char *name)
{
    size_t lo = 0, hi = p->section_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = merit_section_order(p->sections[mid].name, name);
        if (c == 0)
            return (ssize_t)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

const merit_section_words *merit_proposal_section(const merit_proposal *p, const char *name)
{
    ssize_t i = section_index(p, name);
    return i < 0 ? NULL : &p->sections[i];
}

const char *merit_proposal_fact(const merit_proposal *p, const char *name)
{
    size_t lo = 0, hi = p->fact_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(p->facts[mid].name, name);
        if (c == 0)
            return p->facts[mid].value;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

bool merit_proposal_has_fact(const merit_proposal *p, merit_fact fact)
{
    switch (fact) {
    case MERIT_FACT_FEDERAL_SHARE:
    case MERIT_FACT_COST_SHARE_RATIO:
    case MERIT_FACT_FEDERAL_REQUEST:
    case MERIT_FACT_TOTAL_COST:
        return p->year_count > 0;
    case MERIT_FACT_SME_SHARE:
        for (size_t i = 0; i < p->org_count; i++)
            if (!(p->orgs[i].given & MERIT_ORG_GIVEN_TYPE))
                return false;
        return p->org_count > 0;
    case MERIT_FACT_ORGANISATIONS:
        return p->org_count > 0;
    case MERIT_FACT_MILESTONES:
        return merit_proposal_section(p, "milestones") != NULL;
    case MERIT_FACT_MONTHS:
        return p->months > 0;
    case MERIT_FACT_REQUEST:
        return true;
    case MERIT_FACT_WORDS:
    case MERIT_FACT_DECLARED:
        break;
    }
    return false;
}

static size_t count_children(const xmlNode *parent, const char *name)
{
    size_t n = 0;
    for (const xmlNode *c = merit__xml_child(parent, name); c; c = merit__xml_next(c, name))
        n++;
    return n;
}

/* For the children named `name` of parent, in order: which repeat the id=
 * of one before them (merit__first_repeats). Malloc'd; NULL when out of
 * memory. */
static size_t *repeated_ids(const xmlNode *parent, const char *name, size_t n)
{
    const char **ids = merit__malloc((n + 1) * sizeof(*ids));
    size_t *first = merit__malloc((n + 1) * sizeof(*first));
    size_t k = 0;
    if (ids != NULL && first != NULL)
        for (const xmlNode *c = merit__xml_child(parent, name); c && k < n;
             c = merit__xml_next(c, name))
            ids[k++] = merit__xml_attr(c, "id");
    if (ids == NULL || first == NULL || merit__first_repeats(ids, k, first) != 0) {
        free(first);
        first = NULL;
    }
    free(ids);
    return first;
}

static int load_team(merit_ctx *ctx, struct merit_xml_doc *doc, const xmlNode *team,
                     merit_proposal *p)
{
    int rc = 0;
    size_t n = count_children(team, "organisation");
    p->orgs = merit__calloc(n, sizeof(*p->orgs));
    size_t *first = repeated_ids(team, "organisation", n);
    if (p->orgs == NULL || first == NULL) {
        free(first);
        return merit__oom(ctx);
    }
    size_t leads = 0;
    for (const xmlNode *o = merit__xml_child(team, "organisation"); o;
         o = merit__xml_next(o, "organisation")) {
        merit_org *org = &p->orgs[p->org_count++];
        org->id = merit__strdup(merit__xml_attr(o, "id"));
        org->name = merit__xml_text(merit__xml_child(o, "name"), true);
        if (org->id == NULL || org->name == NULL) {
            free(first);
            return merit__oom(ctx);
        }
        org->lead = merit__xml_bool(o, "lead");
        /* the schema checked each value; any may be left out */
        const char *type = merit__xml_attr(o, "type");
        if (type != NULL) {
            org->type = (merit_org_type)merit__org_type_from_name(type);
            org->given |= MERIT_ORG_GIVEN_TYPE;
        }
        const char *chain = merit__xml_attr(o, "supply-chain");
        if (chain != NULL) {
            org->chain = (merit_chain_role)merit__chain_role_from_name(chain);
            org->given |= MERIT_ORG_GIVEN_SUPPLY_CHAIN;
        }
        const char *employees = merit__xml_attr(o, "employees");
        if (employees != NULL) {
            org->employees = (uint32_t)strtoul(employees, NULL, 10);
            org->given |= MERIT_ORG_GIVEN_EMPLOYEES;
        }
        const char *where = merit__xml_attr(o, "location");
        if (where != NULL) {
            snprintf(org->location, sizeof(org->location), "%s", where);
            org->given |= MERIT_ORG_GIVEN_LOCATION;
        }
        bool sized =
            (org->given & MERIT_ORG_GIVEN_TYPE) && (org->given & MERIT_ORG_GIVEN_EMPLOYEES);
        if (org->lead) {
            if (leads == 0)
                p->lead = p->org_count - 1;
            leads++;
            if (leads == 2)
                rc = merit__error_at(ctx, merit__xml_loc(doc, o, "lead"),
                                     "proposal '%s' has more than one lead organisation", p->id);
        }
        if (sized && org->type == MERIT_ORG_SME && org->employees > MERIT_SME_MAX_EMPLOYEES)
            rc = merit__error_at(ctx, merit__xml_loc(doc, o, "employees"),
                                 "organisation '%s' is typed sme but has %u employees; an SME "
                                 "has fewer than 500",
                                 org->id, org->employees);
        if (sized && org->type == MERIT_ORG_LARGE && org->employees <= MERIT_SME_MAX_EMPLOYEES)
            rc = merit__error_at(ctx, merit__xml_loc(doc, o, "employees"),
                                 "organisation '%s' is typed large but has %u employees; a firm "
                                 "with fewer than 500 is an sme",
                                 org->id, org->employees);
        if (first[p->org_count - 1] != SIZE_MAX)
            rc = merit__error_at(ctx, merit__xml_loc(doc, o, "id"),
                                 "duplicate organisation id '%s' in proposal '%s'", org->id, p->id);
    }
    free(first);
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
    size_t *first = repeated_ids(ms, "milestone", n);
    if (first == NULL)
        return merit__oom(ctx);
    for (const xmlNode *m = merit__xml_child(ms, "milestone"); m;
         m = merit__xml_next(m, "milestone")) {
        merit_milestone *mi = &p->milestones[p->milestone_count++];
        mi->loc = merit__xml_loc(doc, m, NULL);
        mi->id = merit__strdup(merit__xml_attr(m, "id"));
        mi->metric = merit__xml_text(merit__xml_child(m, "metric"), true);
        mi->description = merit__xml_text(merit__xml_child(m, "description"), false);
        if (mi->id == NULL || mi->metric == NULL || mi->description == NULL) {
            free(first);
            return merit__oom(ctx);
        }
        snprintf(mi->due, sizeof(mi->due), "%s", merit__xml_attr(m, "due"));
        text_len += strlen(mi->metric) + strlen(mi->description) + 2;
        if (first[p->milestone_count - 1] != SIZE_MAX)
            rc = merit__error_at(ctx, merit__xml_loc(doc, m, "id"),
                                 "duplicate milestone id '%s' in proposal '%s'", mi->id, p->id);
    }
    free(first);
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
    /* without months, the years only need numbering 1 to n */
    if (p->months > 0 && n != expected_years)
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

/* A section as read, before the proposal's sections are put in order. */
struct section_read {
    const char *name; /* static for a known section, else owned until handed over */
    char *text;       /* padded for PCRE2 (textrule.h); owned */
    const xmlNode *node;
    size_t index; /* in the file's order */
};

static int compare_section_read(const void *a, const void *b)
{
    const struct section_read *x = a, *y = b;
    int c = merit_section_order(x->name, y->name);
    return c != 0 ? c : (x->index > y->index) - (x->index < y->index);
}

static void sections_read_free(struct section_read *read, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (read[i].name != NULL && merit_section_known(read[i].name) < 0)
            free_name(read[i].name);
        free(read[i].text);
    }
    free(read);
}

/* Reads <sections>: each known element and each <section name="...">, in
 * any number, into p->sections (in merit_section_order, with their words)
 * and *texts_out (the texts, parallel to p->sections, for the text rules;
 * the caller frees them). A section given twice is an error. */
static int load_sections(merit_ctx *ctx, struct merit_xml_doc *doc, const xmlNode *sections,
                         merit_proposal *p, char ***texts_out)
{
    int rc = 0;
    size_t n = 0;
    for (const xmlNode *c = merit__xml_child(sections, NULL); c; c = merit__xml_next(c, NULL))
        n++;
    if (n == 0)
        return 0;
    struct section_read *read = merit__calloc(n, sizeof(*read));
    if (read == NULL)
        return merit__oom(ctx);
    size_t got = 0;
    for (const xmlNode *c = merit__xml_child(sections, NULL); c; c = merit__xml_next(c, NULL)) {
        struct section_read *r = &read[got++];
        r->node = c;
        r->index = got - 1;
        const char *element = (const char *)c->name;
        const char *name = merit__xml_is(c, "section") ? merit__xml_attr(c, "name") : element;
        int known = merit_section_known(name);
        if (known == MERIT_SECTION_MILESTONES && !merit__xml_is(c, "milestones")) {
            rc = merit__error_at(ctx, merit__xml_loc(doc, c, "name"),
                                 "section 'milestones' of proposal '%s' holds milestones: write "
                                 "it as <milestones>, with one <milestone> each",
                                 p->id);
            got--; /* left out */
            continue;
        }
        r->name = known >= 0 ? merit_section_name((merit_section)known) : merit__strdup(name);
        if (r->name == NULL)
            goto oom;
        if (known == MERIT_SECTION_MILESTONES) {
            int one = load_milestones(ctx, doc, c, p, &r->text);
            if (one == MERIT_ENOMEM)
                goto oom;
            rc = one ? one : rc;
            continue;
        }
        r->text = merit__xml_text_padded(c, false, MERIT_SUBJECT_PAD);
        if (r->text == NULL)
            goto oom;
        size_t bytes = strlen(r->text);
        if (bytes > ctx->limits.max_text_bytes) {
            merit_loc loc = merit__xml_loc(doc, c, NULL);
            rc = merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_LIMIT, loc.file, loc.line,
                             loc.column,
                             "section '%s' of proposal '%s' is %zu bytes, more than the 'text' "
                             "limit of %u",
                             r->name, p->id, bytes, ctx->limits.max_text_bytes);
        }
    }
    n = got;
    qsort(read, n, sizeof(*read), compare_section_read);
    char **texts = merit__calloc(n, sizeof(*texts));
    p->sections = merit__calloc(n, sizeof(*p->sections));
    if (texts == NULL || p->sections == NULL) {
        free(texts);
        goto oom;
    }
    for (size_t i = 0; i < n; i++) {
        struct section_read *r = &read[i];
        if (p->section_count > 0 &&
            merit_section_order(p->sections[p->section_count - 1].name, r->name) == 0) {
            rc = merit__error_at(ctx, merit__xml_loc(doc, r->node, NULL),
                                 "proposal '%s' has section '%s' twice", p->id, r->name);
            continue;
        }
        p->sections[p->section_count].name = r->name;
        p->sections[p->section_count].words = merit__count_words(r->text);
        texts[p->section_count++] = r->text;
        r->name = NULL; /* handed over */
        r->text = NULL;
    }
    sections_read_free(read, n);
    *texts_out = texts;
    return rc;
oom:
    sections_read_free(read, n);
    return merit__oom(ctx);
}

struct fact_read {
    merit_declared_fact fact;
    const xmlNode *node;
    size_t index; /* in the file's order */
};

static int compare_facts(const void *a, const void *b)
{
    const struct fact_read *x = a, *y = b;
    int c = strcmp(x->fact.name, y->fact.name);
    return c != 0 ? c : (x->index > y->index) - (x->index < y->index);
}

/* Reads <facts> into p->facts, sorted by name. A name merit derives a fact
 * by, or a name given twice, is an error. */
static int load_facts(merit_ctx *ctx, struct merit_xml_doc *doc, const xmlNode *facts,
                      merit_proposal *p)
{
    int rc = 0;
    size_t n = count_children(facts, "fact");
    if (n == 0)
        return 0;
    struct fact_read *read = merit__calloc(n, sizeof(*read));
    p->facts = merit__calloc(n, sizeof(*p->facts));
    if (read == NULL || p->facts == NULL) {
        free(read);
        return merit__oom(ctx);
    }
    size_t got = 0;
    for (const xmlNode *f = merit__xml_child(facts, "fact"); f; f = merit__xml_next(f, "fact")) {
        const char *name = merit__xml_attr(f, "name");
        if (merit__fact_from_name(name) >= 0) {
            rc = merit__error_at(ctx, merit__xml_loc(doc, f, "name"),
                                 "proposal '%s' declares the fact '%s', which merit derives "
                                 "itself: a declared fact needs a name of its own",
                                 p->id, name);
            continue;
        }
        struct fact_read *r = &read[got];
        r->node = f;
        r->index = got++;
        r->fact.name = merit__strdup(name);
        r->fact.value = merit__strdup(merit__xml_attr(f, "value"));
        if (r->fact.name == NULL || r->fact.value == NULL) {
            for (size_t i = 0; i < got; i++) {
                free(read[i].fact.name);
                free(read[i].fact.value);
            }
            free(read);
            return merit__oom(ctx);
        }
    }
    qsort(read, got, sizeof(*read), compare_facts);
    for (size_t i = 0; i < got; i++) {
        if (p->fact_count > 0 && strcmp(p->facts[p->fact_count - 1].name, read[i].fact.name) == 0) {
            rc = merit__error_at(ctx, merit__xml_loc(doc, read[i].node, "name"),
                                 "proposal '%s' declares the fact '%s' twice", p->id,
                                 read[i].fact.name);
            free(read[i].fact.name);
            free(read[i].fact.value);
            continue;
        }
        p->facts[p->fact_count++] = read[i].fact;
    }
    free(read);
    return rc;
}

/* The request: <request amount>, or the budget's federal total; one of
 * them, and equal when both are given. */
static int load_request(merit_ctx *ctx, struct merit_xml_doc *doc, const xmlNode *node,
                        merit_proposal *p, bool budget_read)
{
    const xmlNode *request = merit__xml_child(node, "request");
    bool budget = merit__xml_child(node, "budget") != NULL;
    if (request == NULL) {
        if (!budget)
            return merit__error_at(ctx, p->loc,
                                   "proposal '%s' asks for no amount: give <request "
                                   "amount=\"...\"/>, or a <budget>",
                                   p->id);
        p->request = p->total.federal;
        return 0;
    }
    p->has_request = true;
    if (merit_amount_parse(merit__xml_attr(request, "amount"), &p->request) != 0)
        return merit__error_at(ctx, merit__xml_loc(doc, request, "amount"),
                               "'amount' is not an amount");
    if (p->request <= 0)
        return merit__error_at(ctx, merit__xml_loc(doc, request, "amount"),
                               "proposal '%s' requests nothing: the amount must be above zero",
                               p->id);
    /* a budget that did not load has no total to compare with */
    if (budget && budget_read && p->request != p->total.federal) {
        char a[40], b[40];
        merit_format_money(a, sizeof(a), p->request);
        merit_format_money(b, sizeof(b), p->total.federal);
        return merit__error_at(ctx, merit__xml_loc(doc, request, "amount"),
                               "proposal '%s' requests %s, but its budget's federal total is "
                               "%s: the two must agree",
                               p->id, a, b);
    }
    return 0;
}

/* Everything but the text rules and the rubric's requirements; *texts_out
 * gets the section texts, parallel to p->sections. */
static int load_proposal(merit_ctx *ctx, struct merit_xml_doc *doc, const xmlNode *node,
                         merit_proposal *p, char ***texts_out)
{
    int rc = 0;
    p->loc = merit__xml_loc(doc, node, NULL);
    p->id = merit__strdup(merit__xml_attr(node, "id"));
    p->call_id = merit__strdup(merit__xml_attr(node, "call"));
    p->title = merit__xml_text(merit__xml_child(node, "title"), true);
    if (p->id == NULL || p->call_id == NULL || p->title == NULL)
        return merit__oom(ctx);
    const xmlNode *applicant = merit__xml_child(node, "applicant");
    if (applicant != NULL && (p->applicant = merit__xml_text(applicant, true)) == NULL)
        return merit__oom(ctx);
    const xmlNode *area = merit__xml_child(node, "area");
    if (area != NULL && (p->area = merit__xml_text(area, true)) == NULL)
        return merit__oom(ctx);
    const char *months = merit__xml_attr(node, "months");
    if (months != NULL)
        p->months = (uint32_t)strtoul(months, NULL, 10);

    int one = 0;
    const xmlNode *team = merit__xml_child(node, "team");
    if (team != NULL && (one = load_team(ctx, doc, team, p)) == MERIT_ENOMEM)
        return one;
    rc = one ? one : rc;

    one = load_sections(ctx, doc, merit__xml_child(node, "sections"), p, texts_out);
    if (one == MERIT_ENOMEM)
        return one;
    rc = one ? one : rc;
    one = load_facts(ctx, doc, merit__xml_child(node, "facts"), p);
    if (one == MERIT_ENOMEM)
        return one;
    rc = one ? one : rc;
    const xmlNode *budget = merit__xml_child(node, "budget");
    int brc = 0;
    if (budget != NULL && (brc = load_budget(ctx, doc, budget, p)) == MERIT_ENOMEM)
        return brc;
    rc = brc ? brc : rc;
    one = load_request(ctx, doc, node, p, brc == 0);
    return one ? one : rc;
}

/* What the proposal lacks of what the rubric requires, each reported at
 * the proposal (or at the organisation that lacks a field). */
static int check_requirements(merit_ctx *ctx, struct merit_xml_doc *doc, const xmlNode *node,
                              const merit_rubric *rubric, const merit_proposal *p)
{
    static const struct {
        unsigned bit;
        const char *name;
    } fields[] = {{MERIT_ORG_GIVEN_TYPE, "type"},
                  {MERIT_ORG_GIVEN_EMPLOYEES, "employees"},
                  {MERIT_ORG_GIVEN_LOCATION, "location"},
                  {MERIT_ORG_GIVEN_SUPPLY_CHAIN, "supply-chain"}};
    int rc = 0;
    for (size_t k = 0; k < rubric->requirement_count; k++) {
        const merit_requirement *q = &rubric->requirements[k];
        const char *what = NULL;
        char buf[200];
        switch (q->need) {
        case MERIT_NEED_APPLICANT:
            if (merit_proposal_applicant(p) == NULL)
                what = "no applicant (an <applicant>, or a lead organisation in <team>)";
            break;
        case MERIT_NEED_AREA:
            if (p->area == NULL)
                what = "no <area>";
            break;
        case MERIT_NEED_MONTHS:
            if (p->months == 0)
                what = "no attribute 'months'";
            break;
        case MERIT_NEED_TEAM:
            if (p->org_count == 0)
                what = "no <team>";
            break;
        case MERIT_NEED_BUDGET:
            if (p->year_count == 0)
                what = "no <budget>";
            break;
        case MERIT_NEED_SECTION:
            if (merit_proposal_section(p, q->name) == NULL) {
                if (merit_section_known(q->name) >= 0)
                    snprintf(buf, sizeof(buf), "no <%s> section", q->name);
                else
                    snprintf(buf, sizeof(buf), "no section '%s'", q->name);
                what = buf;
            }
            break;
        case MERIT_NEED_FACT:
            if (merit_proposal_fact(p, q->name) == NULL) {
                snprintf(buf, sizeof(buf), "no fact '%s' (in <facts>)", q->name);
                what = buf;
            }
            break;
        case MERIT_NEED_ORG_FIELD: {
            const char *field = "?";
            for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++)
                if (fields[f].bit == q->field)
                    field = fields[f].name;
            const xmlNode *o = merit__xml_child(merit__xml_child(node, "team"), "organisation");
            for (size_t i = 0; i < p->org_count && o != NULL;
                 i++, o = merit__xml_next(o, "organisation"))
                if (!(p->orgs[i].given & q->field))
                    rc = merit__error_at(ctx, merit__xml_loc(doc, o, NULL),
                                         "organisation '%s' of proposal '%s' has no attribute "
                                         "'%s', which rubric '%s' requires (%s)",
                                         p->orgs[i].id, p->id, field, rubric->id, q->reason);
            break;
        }
        }
        if (what != NULL)
            rc = merit__error_at(ctx, p->loc,
                                 "proposal '%s' has %s, which rubric '%s' requires (%s)", p->id,
                                 what, rubric->id, q->reason);
    }
    return rc;
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

/* Runs every text rule of the rubric on the texts (parallel to
 * p->sections), into p->text_outcomes. Each-milestone rules stop at the
 * first milestone that does not pass, as the ranking once did when it ran
 * them. A rule's section is there: the rubric requires it. */
static int run_text_rules(merit_ctx *ctx, const merit_rubric *rubric, merit_proposal *p,
                          char *const *texts)
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
        ssize_t s = section_index(p, rule->section);
        if (s < 0)
            continue; /* not run: the ranking says so */
        if (!rule->each_milestone) {
            const char *text = texts[s];
            out->result = judge(rule, merit__textrule_match(rule->compiled, text, strlen(text)));
            continue;
        }
        /* A milestone's subject is "metric\ndescription": the milestones
         * section holds exactly that for each milestone, followed by a
         * newline, and PCRE2 sees no byte outside the subject's length. */
        const char *subject = texts[s];
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
    char **texts = NULL;
    int rc = load_proposal(ctx, doc, node, p, &texts);
    if (rc != MERIT_ENOMEM && rubric != NULL) {
        int need = check_requirements(ctx, doc, node, rubric, p);
        rc = rc ? rc : need;
    }
    /* an invalid proposal is never ranked, and a text over the limit is
     * not worth matching */
    if (rc == 0 && rubric != NULL)
        rc = run_text_rules(ctx, rubric, p, texts);
    if (texts != NULL)
        for (size_t s = 0; s < p->section_count; s++)
            free(texts[s]);
    free(texts);
    for (size_t i = 0; i < p->milestone_count; i++) {
        free(p->milestones[i].description);
        p->milestones[i].description = NULL;
    }
    return rc;
}
