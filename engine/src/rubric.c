/* Rubric loading and checks: weights, scale, thresholds, tie-breaks, rules. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "facts.h"
#include "merit/number.h"
#include "rubric.h"
#include "suggest.h"
#include "textrule.h"
#include "xml_input.h"

static void criterion_release(merit_criterion *c)
{
    free(c->id);
    free(c->name);
    free(c->guidance);
    mpq_clear(c->weight);
    mpq_clear(c->threshold);
    for (size_t i = 0; i < c->level_count; i++) {
        mpq_clear(c->levels[i].score);
        free(c->levels[i].text);
    }
    free(c->levels);
}

static void rule_release(merit_rule *r)
{
    free(r->id);
    free(r->message);
    free(r->fact_name);
    free(r->section);
    free(r->pattern);
    mpq_clear(r->value);
    merit__textrule_free(r->compiled);
}

void merit_rubric_free(merit_rubric *r)
{
    if (r == NULL)
        return;
    free(r->id);
    free(r->version);
    free(r->title);
    free(r->description);
    free(r->source);
    mpq_clears(r->scale_min, r->scale_max, r->scale_step, r->overall_threshold,
               r->disagreement_limit, NULL);
    for (size_t i = 0; i < r->criterion_count; i++)
        criterion_release(&r->criteria[i]);
    free(r->criteria);
    for (size_t i = 0; i < r->tiebreak_count; i++) {
        free(r->tiebreaks[i].fact_name);
        free(r->tiebreaks[i].section);
    }
    free(r->tiebreaks);
    for (size_t i = 0; i < r->rule_count; i++)
        rule_release(&r->rules[i]);
    free(r->rules);
    for (size_t i = 0; i < r->requirement_count; i++) {
        free(r->requirements[i].name);
        free(r->requirements[i].reason);
    }
    free(r->requirements);
    free(r);
}

static merit_rubric *rubric_new(void)
{
    merit_rubric *r = merit__calloc(1, sizeof(*r));
    if (r == NULL)
        return NULL;
    mpq_inits(r->scale_min, r->scale_max, r->scale_step, r->overall_threshold,
              r->disagreement_limit, NULL);
    return r;
}

/* Counts the element children called name. */
static size_t count_children(const xmlNode *parent, const char *name)
{
    size_t n = 0;
    for (const xmlNode *c = merit__xml_child(parent, name); c; c = merit__xml_next(c, name))
        n++;
    return n;
}

/* Which keys repeat one before them: later[k.index] is set when an earlier
 * key is equal. By sorting (key, key2, position): n log n, so that a
 * rubric of many entries costs no n^2. */
struct keyed {
    const char *part[3]; /* compared in turn; NULL is "" */
    size_t index;
};

static int compare_key_parts(const struct keyed *x, const struct keyed *y)
{
    int c = 0;
    for (size_t i = 0; i < 3 && c == 0; i++)
        c = strcmp(x->part[i] != NULL ? x->part[i] : "", y->part[i] != NULL ? y->part[i] : "");
    return c;
}

static int compare_keyed(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    int c = compare_key_parts(x, y);
    return c != 0 ? c : (x->index > y->index) - (x->index < y->index);
}

static void mark_repeats(struct keyed *keys, size_t n, bool *later)
{
    if (n > 1)
        qsort(keys, n, sizeof(*keys), compare_keyed);
    for (size_t i = 1; i < n; i++)
        if (compare_key_parts(&keys[i], &keys[i - 1]) == 0)
            later[keys[i].index] = true;
}

/* Reads a decimal attribute the schema has already checked. */
static int attr_decimal(merit_ctx *ctx, struct merit_xml_doc *doc, const xmlNode *node,
                        const char *attr, mpq_t out)
{
    if (merit_decimal_parse(merit__xml_attr(node, attr), out) != 0) {
        merit_loc loc = merit__xml_loc(doc, node, attr);
        return merit__error_at(ctx, loc, "'%s' is not a decimal number", attr);
    }
    return 0;
}

bool merit__rubric_on_scale(const merit_rubric *r, const mpq_t value, int32_t *steps_out)
{
    if (mpq_cmp(value, r->scale_min) < 0 || mpq_cmp(value, r->scale_max) > 0)
        return false;
    mpq_t k;
    mpq_init(k);
    mpq_sub(k, value, r->scale_min);
    mpq_div(k, k, r->scale_step);
    bool whole = mpz_cmp_ui(mpq_denref(k), 1) == 0;
    if (whole && steps_out != NULL)
        *steps_out = (int32_t)mpz_get_si(mpq_numref(k));
    mpq_clear(k);
    return whole;
}

void merit__rubric_step_value(const merit_rubric *r, int32_t steps, mpq_t out)
{
    mpq_set_si(out, steps, 1);
    mpq_mul(out, out, r->scale_step);
    mpq_add(out, out, r->scale_min);
}

ssize_t merit__rubric_criterion_index(const merit_rubric *r, const char *id)
{
    for (size_t i = 0; i < r->criterion_count; i++)
        if (strcmp(r->criteria[i].id, id) == 0)
            return (ssize_t)i;
    return -1;
}

static int load_scale(merit_ctx *ctx, struct merit_xml_doc *doc, const xmlNode *scale,
                      merit_rubric *r)
{
    int rc = 0;
    if (attr_decimal(ctx, doc, scale, "min", r->scale_min) ||
        attr_decimal(ctx, doc, scale, "max", r->scale_max) ||
        attr_decimal(ctx, doc, scale, "step", r->scale_step))
        return MERIT_EINVALID;
    const char *dir = merit__xml_attr(scale, "direction");
    r->direction =
        dir && strcmp(dir, "lower-is-better") == 0 ? MERIT_LOWER_IS_BETTER : MERIT_HIGHER_IS_BETTER;
    merit_loc loc = merit__xml_loc(doc, scale, NULL);
    if (mpq_cmp(r->scale_min, r->scale_max) >= 0)
        return merit__error_at(ctx, loc, "scale minimum must be below its maximum");
    if (mpq_sgn(r->scale_step) <= 0)
        return merit__error_at(ctx, merit__xml_loc(doc, scale, "step"),
                               "scale step must be positive");
    mpq_t span;
    mpq_init(span);
    mpq_sub(span, r->scale_max, r->scale_min);
    mpq_div(span, span, r->scale_step);
    if (mpz_cmp_ui(mpq_denref(span), 1) != 0)
        rc = merit__error_at(ctx, merit__xml_loc(doc, scale, "step"),
                             "scale step does not divide the range from minimum to maximum");
    else if (mpz_cmp_ui(mpq_numref(span), 1000000) > 0)
        rc = merit__error_at(ctx, merit__xml_loc(doc, scale, "step"),
                             "scale has more than 1,000,000 steps");
    else
        r->scale_steps = (int32_t)mpz_get_si(mpq_numref(span));
    mpq_clear(span);
    return rc;
}

/* Sorts positions by level score, then position: a stable merge sort
 * through tmp (room for n), since qsort's comparison could not reach the
 * levels without a global. */
static void sort_levels(const merit_level *levels, size_t *order, size_t *tmp, size_t n)
{
    if (n < 2)
        return;
    size_t half = n / 2;
    sort_levels(levels, order, tmp, half);
    sort_levels(levels, order + half, tmp, n - half);
    size_t a = 0, b = half, o = 0;
    while (a < half && b < n)
        tmp[o++] =
            mpq_cmp(levels[order[b]].score, levels[order[a]].score) < 0 ? order[b++] : order[a++];
    while (a < half)
        tmp[o++] = order[a++];
    while (b < n)
        tmp[o++] = order[b++];
    memcpy(order, tmp, n * sizeof(*order));
}

static int load_criterion(merit_ctx *ctx, struct merit_xml_doc *doc, const xmlNode *node,
                          merit_rubric *r, merit_criterion *c)
{
    int rc = 0;
    c->loc = merit__xml_loc(doc, node, NULL);
    c->id = merit__strdup(merit__xml_attr(node, "id"));
    c->name = merit__xml_text(merit__xml_child(node, "name"), true);
    if (c->id == NULL || c->name == NULL)
        return merit__oom(ctx);
    const char *reserved = merit__csv_column_reserved(c->id);
    if (reserved != NULL)
        rc = merit__error_at(ctx, merit__xml_loc(doc, node, "id"), "reserved criterion id '%s': %s",
                             c->id, reserved);
    const xmlNode *g = merit__xml_child(node, "guidance");
    if (g != NULL && (c->guidance = merit__xml_text(g, false)) == NULL)
        return merit__oom(ctx);
    if (attr_decimal(ctx, doc, node, "weight", c->weight))
        return MERIT_EINVALID;
    if (mpq_sgn(c->weight) <= 0)
        rc = merit__error_at(ctx, merit__xml_loc(doc, node, "weight"),
                             "criterion '%s' has weight %s; weights must be positive", c->id,
                             merit__xml_attr(node, "weight"));
    if (merit__xml_attr(node, "threshold") != NULL) {
        c->has_threshold = true;
        if (attr_decimal(ctx, doc, node, "threshold", c->threshold))
            return MERIT_EINVALID;
        if (mpq_cmp(c->threshold, r->scale_min) < 0 || mpq_cmp(c->threshold, r->scale_max) > 0)
            rc = merit__error_at(ctx, merit__xml_loc(doc, node, "threshold"),
                                 "threshold %s of criterion '%s' is outside the scale",
                                 merit__xml_attr(node, "threshold"), c->id);
    }
    const xmlNode *levels = merit__xml_child(node, "levels");
    size_t n = count_children(levels, "level");
    if (n == 0)
        return rc;
    c->levels = merit__calloc(n, sizeof(*c->levels));
    if (c->levels == NULL)
        return merit__oom(ctx);
    for (const xmlNode *l = merit__xml_child(levels, "level"); l; l = merit__xml_next(l, "level")) {
        merit_level *lv = &c->levels[c->level_count++];
        mpq_init(lv->score);
        if ((lv->text = merit__xml_text(l, true)) == NULL)
            return merit__oom(ctx);
        if (attr_decimal(ctx, doc, l, "score", lv->score))
            return MERIT_EINVALID;
    }
    /* a level described twice: found by sorting the scores, so that the
     * levels of a scale of many steps cost no n^2 */
    size_t *order = merit__malloc(2 * n * sizeof(*order));
    bool *again = merit__calloc(n, sizeof(*again));
    if (order == NULL || again == NULL) {
        free(order);
        free(again);
        return merit__oom(ctx);
    }
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    sort_levels(c->levels, order, order + n, n);
    for (size_t i = 1; i < n; i++)
        again[order[i]] = mpq_equal(c->levels[order[i]].score, c->levels[order[i - 1]].score);
    size_t i = 0;
    for (const xmlNode *l = merit__xml_child(levels, "level"); l;
         l = merit__xml_next(l, "level"), i++) {
        if (r->scale_steps > 0 && !merit__rubric_on_scale(r, c->levels[i].score, NULL))
            rc = merit__error_at(ctx, merit__xml_loc(doc, l, "score"),
                                 "level score %s of criterion '%s' is not on the scale",
                                 merit__xml_attr(l, "score"), c->id);
        if (again[i])
            rc = merit__error_at(ctx, merit__xml_loc(doc, l, "score"),
                                 "criterion '%s' describes level %s twice", c->id,
                                 merit__xml_attr(l, "score"));
    }
    free(order);
    free(again);
    return rc;
}

/* A section or fact name merit does not know is a free section or a
 * declared fact, which proposals may carry; one a letter or two from a name
 * merit knows is more likely a slip, and is said (a warning: the rubric
 * stays valid as written). */
static void warn_if_near(merit_ctx *ctx, merit_loc loc, const char *what, const char *name)
{
    bool section = strcmp(what, "section") == 0;
    if (name == NULL || (section ? merit_section_known(name) : merit__fact_from_name(name)) >= 0)
        return;
    const char *near =
        merit__suggest_among(name, section ? merit__section_names() : merit__fact_names());
    if (near != NULL)
        merit__diag(ctx, MERIT_SEVERITY_WARNING, MERIT_DIAG_INVALID, loc.file, loc.line, loc.column,
                    "%s '%s' is not one merit %s; did you mean '%s'? (as written, every "
                    "proposal needs a %s '%s')",
                    what, name, section ? "names" : "derives", near,
                    section ? "free section" : "declared fact", name);
}

static int load_tiebreaks(merit_ctx *ctx, struct merit_xml_doc *doc, const xmlNode *tb,
                          merit_rubric *r)
{
    int rc = 0;
    size_t n = 0;
    for (const xmlNode *c = merit__xml_child(tb, NULL); c; c = merit__xml_next(c, NULL))
        n++;
    if (n == 0)
        return 0;
    r->tiebreaks = merit__calloc(n, sizeof(*r->tiebreaks));
    /* an entry named twice is told by its words: kind, ref, section */
    struct keyed *keys = merit__malloc(n * sizeof(*keys));
    bool *again = merit__calloc(n, sizeof(*again));
    if (r->tiebreaks == NULL || keys == NULL || again == NULL) {
        free(keys);
        free(again);
        return merit__oom(ctx);
    }
    size_t k = 0;
    for (const xmlNode *c = merit__xml_child(tb, NULL); c; c = merit__xml_next(c, NULL), k++)
        keys[k] = (struct keyed){
            {(const char *)c->name, merit__xml_attr(c, "ref"), merit__xml_attr(c, "section")}, k};
    mark_repeats(keys, n, again);
    free(keys);
    k = 0;
    for (const xmlNode *c = merit__xml_child(tb, NULL); c; c = merit__xml_next(c, NULL), k++) {
        merit_tiebreak *t = &r->tiebreaks[r->tiebreak_count];
        const char *ref = merit__xml_attr(c, "ref");
        merit_loc loc = merit__xml_loc(doc, c, "ref");
        if (merit__xml_is(c, "criterion")) {
            ssize_t i = merit__rubric_criterion_index(r, ref);
            if (i < 0) {
                struct merit_suggest ids;
                merit__suggest_init(&ids, r->criteria, offsetof(merit_criterion, id),
                                    r->criterion_count, sizeof(merit_criterion));
                const char *near = merit__suggest(&ids, ref);
                if (near != NULL)
                    rc = merit__error_at(ctx, loc,
                                         "tie-break names unknown criterion '%s'; did you mean "
                                         "'%s'?",
                                         ref, near);
                else
                    rc = merit__error_at(ctx, loc, "tie-break names unknown criterion '%s'", ref);
                continue;
            }
            t->kind = MERIT_TIEBREAK_CRITERION;
            t->criterion = (size_t)i;
        } else {
            t->kind = MERIT_TIEBREAK_FACT;
            warn_if_near(ctx, loc, "fact", ref);
            warn_if_near(ctx, merit__xml_loc(doc, c, "section"), "section",
                         merit__xml_attr(c, "section"));
            int fact = merit__fact_from_name(ref);
            t->fact = fact >= 0 ? (merit_fact)fact : MERIT_FACT_DECLARED;
            t->prefer_higher = strcmp(merit__xml_attr(c, "prefer"), "higher") == 0;
            const char *section = merit__xml_attr(c, "section");
            if (t->fact == MERIT_FACT_WORDS) {
                if (section == NULL) {
                    rc = merit__error_at(ctx, loc, "tie-break on fact 'words' needs a section");
                    continue;
                }
            } else if (section != NULL) {
                rc = merit__error_at(ctx, merit__xml_loc(doc, c, "section"),
                                     "only the fact 'words' takes a section");
                continue;
            }
            t->fact_name = merit__strdup(ref);
            if (t->fact_name == NULL ||
                (section != NULL && (t->section = merit__strdup(section)) == NULL)) {
                free(t->fact_name);
                t->fact_name = NULL;
                free(again);
                return merit__oom(ctx);
            }
        }
        if (again[k])
            rc = merit__error_at(ctx, loc, "tie-break names '%s' twice", ref);
        r->tiebreak_count++;
    }
    free(again);
    return rc;
}

static int load_rule(merit_ctx *ctx, struct merit_xml_doc *doc, const xmlNode *node, bool repeated,
                     merit_rule *rule)
{
    int rc = 0;
    rule->loc = merit__xml_loc(doc, node, NULL);
    rule->id = merit__strdup(merit__xml_attr(node, "id"));
    rule->message = merit__xml_text(merit__xml_child(node, "message"), true);
    if (rule->id == NULL || rule->message == NULL)
        return merit__oom(ctx);
    if (repeated)
        rc = merit__error_at(ctx, merit__xml_loc(doc, node, "id"),
                             "duplicate eligibility rule id '%s'", rule->id);
    const char *section = merit__xml_attr(node, "section");
    if (merit__xml_is(node, "fact-rule")) {
        const char *name = merit__xml_attr(node, "fact");
        int fact = merit__fact_from_name(name);
        rule->fact = fact >= 0 ? (merit_fact)fact : MERIT_FACT_DECLARED;
        if ((rule->fact_name = merit__strdup(name)) == NULL)
            return merit__oom(ctx);
        warn_if_near(ctx, merit__xml_loc(doc, node, "fact"), "fact", name);
        warn_if_near(ctx, merit__xml_loc(doc, node, "section"), "section", section);
        rule->op = (merit_op)merit__op_from_name(merit__xml_attr(node, "op"));
        if (attr_decimal(ctx, doc, node, "value", rule->value))
            return MERIT_EINVALID;
        if (rule->fact == MERIT_FACT_WORDS) {
            if (section == NULL)
                rc = merit__error_at(ctx, merit__xml_loc(doc, node, "fact"),
                                     "rule '%s': the fact 'words' needs a section", rule->id);
            else if ((rule->section = merit__strdup(section)) == NULL)
                return merit__oom(ctx);
        } else if (section != NULL) {
            rc = merit__error_at(ctx, merit__xml_loc(doc, node, "section"),
                                 "rule '%s': only the fact 'words' takes a section", rule->id);
        }
        return rc;
    }
    rule->is_text = true;
    if ((rule->section = merit__strdup(section)) == NULL)
        return merit__oom(ctx);
    warn_if_near(ctx, merit__xml_loc(doc, node, "section"), "section", section);
    const char *scope = merit__xml_attr(node, "scope");
    rule->each_milestone = scope != NULL && strcmp(scope, "each-milestone") == 0;
    const char *expect = merit__xml_attr(node, "expect");
    rule->expect_match = expect == NULL || strcmp(expect, "match") == 0;
    rule->caseless = merit__xml_bool(node, "caseless");
    if (rule->each_milestone && strcmp(rule->section, "milestones") != 0)
        rc = merit__error_at(ctx, merit__xml_loc(doc, node, "scope"),
                             "rule '%s': scope 'each-milestone' needs section 'milestones'",
                             rule->id);
    const xmlNode *pattern = merit__xml_child(node, "pattern");
    /* the pattern is taken exactly as written: white space is significant */
    xmlChar *text = xmlNodeGetContent(pattern);
    if (text == NULL)
        return merit__oom(ctx);
    rule->pattern = merit__strdup((const char *)text);
    xmlFree(text);
    if (rule->pattern == NULL)
        return merit__oom(ctx);
    int crc = merit__textrule_compile(ctx, rule, merit__xml_loc(doc, pattern, NULL));
    return crc ? crc : rc;
}

static int load_rules(merit_ctx *ctx, struct merit_xml_doc *doc, const xmlNode *el, merit_rubric *r)
{
    int rc = 0;
    size_t n = 0;
    for (const xmlNode *c = merit__xml_child(el, NULL); c; c = merit__xml_next(c, NULL))
        n++;
    if (n == 0)
        return 0;
    if (n > ctx->limits.max_rules) {
        merit_loc loc = merit__xml_loc(doc, el, NULL);
        return merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_LIMIT, loc.file, loc.line,
                           loc.column,
                           "the rubric has %zu eligibility rules, more than the 'rules' limit of "
                           "%u",
                           n, ctx->limits.max_rules);
    }
    r->rules = merit__calloc(n, sizeof(*r->rules));
    struct keyed *keys = merit__malloc(n * sizeof(*keys));
    bool *again = merit__calloc(n, sizeof(*again));
    if (r->rules == NULL || keys == NULL || again == NULL) {
        free(keys);
        free(again);
        return merit__oom(ctx);
    }
    size_t k = 0;
    for (const xmlNode *c = merit__xml_child(el, NULL); c; c = merit__xml_next(c, NULL), k++)
        keys[k] = (struct keyed){{merit__xml_attr(c, "id"), NULL, NULL}, k};
    mark_repeats(keys, n, again);
    free(keys);
    k = 0;
    for (const xmlNode *c = merit__xml_child(el, NULL); c; c = merit__xml_next(c, NULL), k++) {
        merit_rule *rule = &r->rules[r->rule_count];
        mpq_init(rule->value);
        int one = load_rule(ctx, doc, c, again[k], rule);
        r->rule_count++;
        if (one == MERIT_ENOMEM) {
            free(again);
            return one;
        }
        if (one != 0)
            rc = one;
    }
    free(again);
    return rc;
}

/* --- what proposals must carry --------------------------------------------- */

/* A requirement as found, before they are put in order and merged. */
struct need_found {
    merit_requirement q;
    size_t seq;  /* rules first, then tie-breaks, then <requires> */
    bool listed; /* from <requires> */
};

struct needs {
    merit_ctx *ctx;
    struct need_found *found;
    size_t count, cap;
    bool failed; /* out of memory */
};

/* Adds one requirement; takes `reason` (malloc'd, may be NULL when out of
 * memory). */
static void need(struct needs *n, merit_need kind, const char *name, unsigned field, char *reason,
                 bool listed, merit_loc loc)
{
    if (n->failed || reason == NULL ||
        merit__grow((void **)&n->found, &n->cap, n->count, sizeof(*n->found)) != 0) {
        free(reason);
        n->failed = true;
        return;
    }
    struct need_found *f = &n->found[n->count];
    memset(f, 0, sizeof(*f));
    f->q.need = kind;
    f->q.field = field;
    f->q.reason = reason;
    f->q.loc = loc;
    f->seq = n->count;
    f->listed = listed;
    if (name != NULL && (f->q.name = merit__strdup(name)) == NULL) {
        free(reason);
        n->failed = true;
        return;
    }
    n->count++;
}

/* What reading a fact requires; `who` is "its rule 'x'" or "its tie-break
 * on 'x'", and is freed. */
static void need_fact(struct needs *n, merit_fact fact, const char *name, const char *section,
                      char *who, merit_loc loc)
{
    if (who == NULL) {
        n->failed = true;
        return;
    }
    switch (fact) {
    case MERIT_FACT_FEDERAL_SHARE:
    case MERIT_FACT_COST_SHARE_RATIO:
    case MERIT_FACT_TOTAL_COST:
    case MERIT_FACT_FEDERAL_REQUEST:
        need(n, MERIT_NEED_BUDGET, NULL, 0,
             merit__sprintf("%s reads %s", who, merit__fact_input(fact, NULL)), false, loc);
        break;
    case MERIT_FACT_SME_SHARE:
        need(n, MERIT_NEED_TEAM, NULL, 0,
             merit__sprintf("%s reads %s", who, merit__fact_input(fact, NULL)), false, loc);
        need(n, MERIT_NEED_ORG_FIELD, NULL, MERIT_ORG_GIVEN_TYPE,
             merit__sprintf("%s reads %s", who, merit__fact_input(fact, NULL)), false, loc);
        break;
    case MERIT_FACT_ORGANISATIONS:
        need(n, MERIT_NEED_TEAM, NULL, 0,
             merit__sprintf("%s reads %s", who, merit__fact_input(fact, NULL)), false, loc);
        break;
    case MERIT_FACT_MILESTONES:
        need(n, MERIT_NEED_SECTION, "milestones", 0,
             merit__sprintf("%s reads %s", who, merit__fact_input(fact, NULL)), false, loc);
        break;
    case MERIT_FACT_MONTHS:
        need(n, MERIT_NEED_MONTHS, NULL, 0,
             merit__sprintf("%s reads %s", who, merit__fact_input(fact, NULL)), false, loc);
        break;
    case MERIT_FACT_WORDS:
        if (section != NULL)
            need(n, MERIT_NEED_SECTION, section, 0,
                 merit__sprintf("%s counts the words of section '%s'", who, section), false, loc);
        break;
    case MERIT_FACT_DECLARED:
        need(n, MERIT_NEED_FACT, name, 0, merit__sprintf("%s reads it", who), false, loc);
        break;
    case MERIT_FACT_REQUEST:
        break; /* every proposal has one */
    }
    free(who);
}

/* The order requirements are checked in: by the place of what they name
 * in a proposal (months, applicant, area, team, sections, facts, budget). */
static int compare_needs(const void *a, const void *b)
{
    const struct need_found *x = a, *y = b;
    if (x->q.need != y->q.need)
        return x->q.need < y->q.need ? -1 : 1;
    if (x->q.field != y->q.field)
        return x->q.field < y->q.field ? -1 : 1;
    if (x->q.name != NULL && y->q.name != NULL) {
        int c = x->q.need == MERIT_NEED_SECTION ? merit_section_order(x->q.name, y->q.name)
                                                : strcmp(x->q.name, y->q.name);
        if (c != 0)
            return c;
    }
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* A requirement in words: "<budget>", "section 'summary'", "the field
 * 'type'". */
static void need_words(const merit_requirement *q, char *buf, size_t size)
{
    static const char *const elements[] = {
        "<months/>", "<applicant/>", "<area/>", "<team/>", "", "", "", "<budget/>"};
    static const char *const fields[] = {"type", "employees", "?", "location",
                                         "?",    "?",         "?", "supply-chain"};
    if (q->need == MERIT_NEED_SECTION)
        snprintf(buf, size, "section '%s'", q->name);
    else if (q->need == MERIT_NEED_FACT)
        snprintf(buf, size, "fact '%s'", q->name);
    else if (q->need == MERIT_NEED_ORG_FIELD)
        snprintf(buf, size, "the field '%s'", q->field - 1 < 8 ? fields[q->field - 1] : "?");
    else
        snprintf(buf, size, "%s", elements[q->need]);
}

static bool same_need(const merit_requirement *a, const merit_requirement *b)
{
    return a->need == b->need && a->field == b->field && (a->name == NULL) == (b->name == NULL) &&
           (a->name == NULL || strcmp(a->name, b->name) == 0);
}

/* The rubric's requirements: what its rules and tie-breaks read, then what
 * <requires> lists; one entry per thing, with the first reason found. A
 * thing <requires> lists twice is an error. */
static int load_requirements(merit_ctx *ctx, struct merit_xml_doc *doc, const xmlNode *requires,
                             merit_rubric *r)
{
    static const struct {
        const char *name;
        unsigned bit;
    } fields[] = {{"type", MERIT_ORG_GIVEN_TYPE},
                  {"employees", MERIT_ORG_GIVEN_EMPLOYEES},
                  {"location", MERIT_ORG_GIVEN_LOCATION},
                  {"supply-chain", MERIT_ORG_GIVEN_SUPPLY_CHAIN}};
    int rc = 0;
    struct needs n = {.ctx = ctx};
    for (size_t k = 0; k < r->rule_count; k++) {
        const merit_rule *rule = &r->rules[k];
        if (rule->id == NULL)
            continue; /* a rule that failed to load */
        if (!rule->is_text) {
            need_fact(&n, rule->fact, rule->fact_name, rule->section,
                      merit__sprintf("its rule '%s'", rule->id), rule->loc);
        } else if (rule->section != NULL) {
            char *why = rule->each_milestone
                            ? merit__sprintf("its rule '%s' matches each milestone", rule->id)
                            : merit__sprintf("its rule '%s' matches a pattern in it", rule->id);
            need(&n, MERIT_NEED_SECTION, rule->section, 0, why, false, rule->loc);
        }
    }
    for (size_t t = 0; t < r->tiebreak_count; t++) {
        const merit_tiebreak *tb = &r->tiebreaks[t];
        if (tb->kind == MERIT_TIEBREAK_FACT)
            need_fact(&n, tb->fact, tb->fact_name, tb->section,
                      merit__sprintf("its tie-break on '%s'", tb->fact_name), (merit_loc){0});
    }
    for (const xmlNode *c = merit__xml_child(requires, NULL); c; c = merit__xml_next(c, NULL)) {
        merit_loc loc = merit__xml_loc(doc, c, NULL);
        const char *name = merit__xml_attr(c, "name");
        if (merit__xml_is(c, "team")) {
            need(&n, MERIT_NEED_TEAM, NULL, 0, merit__strdup("its <requires> lists it"), true, loc);
            /* an xs:list: names apart by white space */
            const char *list = merit__xml_attr(c, "fields");
            for (const char *at = list; at != NULL && *at;) {
                while (merit__xml_is_space((unsigned char)*at))
                    at++;
                size_t len = 0;
                while (at[len] && !merit__xml_is_space((unsigned char)at[len]))
                    len++;
                for (size_t f = 0; len > 0 && f < sizeof(fields) / sizeof(fields[0]); f++)
                    if (strlen(fields[f].name) == len && strncmp(at, fields[f].name, len) == 0)
                        need(&n, MERIT_NEED_ORG_FIELD, NULL, fields[f].bit,
                             merit__strdup("its <requires> lists it"), true, loc);
                at += len;
            }
            continue;
        }
        merit_need kind = MERIT_NEED_APPLICANT;
        if (merit__xml_is(c, "area"))
            kind = MERIT_NEED_AREA;
        else if (merit__xml_is(c, "months"))
            kind = MERIT_NEED_MONTHS;
        else if (merit__xml_is(c, "section"))
            kind = MERIT_NEED_SECTION;
        else if (merit__xml_is(c, "budget"))
            kind = MERIT_NEED_BUDGET;
        else if (merit__xml_is(c, "fact"))
            kind = MERIT_NEED_FACT;
        if (kind == MERIT_NEED_FACT && merit__fact_from_name(name) >= 0) {
            rc = merit__error_at(ctx, merit__xml_loc(doc, c, "name"),
                                 "<requires> names the fact '%s', which merit derives: require "
                                 "what it is derived from instead",
                                 name);
            continue;
        }
        need(&n, kind, kind == MERIT_NEED_SECTION || kind == MERIT_NEED_FACT ? name : NULL, 0,
             merit__strdup("its <requires> lists it"), true, loc);
    }
    if (n.failed) {
        rc = merit__oom(ctx);
        goto done;
    }
    if (n.count > 1)
        qsort(n.found, n.count, sizeof(*n.found), compare_needs);
    /* keep the first of each; a thing listed twice in <requires> is an error */
    r->requirements = n.count > 0 ? merit__calloc(n.count, sizeof(*r->requirements)) : NULL;
    if (n.count > 0 && r->requirements == NULL) {
        rc = merit__oom(ctx);
        goto done;
    }
    bool listed = false; /* the run of one thing so far holds a listed entry */
    for (size_t i = 0; i < n.count; i++) {
        struct need_found *f = &n.found[i];
        if (r->requirement_count > 0 &&
            same_need(&r->requirements[r->requirement_count - 1], &f->q)) {
            if (listed && f->listed) {
                char what[120];
                need_words(&f->q, what, sizeof(what));
                rc = merit__error_at(ctx, f->q.loc, "<requires> lists %s twice", what);
            }
            listed = listed || f->listed;
            continue;
        }
        listed = f->listed;
        r->requirements[r->requirement_count++] = f->q;
        f->q.name = NULL; /* handed over */
        f->q.reason = NULL;
    }
done:
    for (size_t i = 0; i < n.count; i++) {
        free(n.found[i].q.name);
        free(n.found[i].q.reason);
    }
    free(n.found);
    return rc;
}

/* The range of totals a reviewer can give: sum of weights times min, max. */
static void total_range(const merit_rubric *r, mpq_t lo, mpq_t hi)
{
    mpq_t sum;
    mpq_init(sum);
    for (size_t i = 0; i < r->criterion_count; i++)
        mpq_add(sum, sum, r->criteria[i].weight);
    mpq_mul(lo, sum, r->scale_min);
    mpq_mul(hi, sum, r->scale_max);
    mpq_clear(sum);
}

/* Builds the rubric; on failure, *checkable_out (when not NULL) gets it
 * when its scale and criteria loaded soundly. */
static int rubric_build(merit_ctx *ctx, struct merit_xml_doc *doc, const char *source,
                        merit_rubric **out, merit_rubric **checkable_out)
{
    *out = NULL;
    /* the scale and the criteria ids, all a score sheet is checked against */
    bool sound = true;
    const xmlNode *root = xmlDocGetRootElement(doc->doc);
    merit_rubric *r = rubric_new();
    if (r == NULL)
        return merit__oom(ctx);
    int rc = 0;
    r->source = merit__strdup(source);
    /* every location in the rubric names its own copy of the source */
    if (r->source != NULL)
        doc->path = r->source;
    r->id = merit__strdup(merit__xml_attr(root, "id"));
    r->version = merit__strdup(merit__xml_attr(root, "version"));
    r->title = merit__xml_text(merit__xml_child(root, "title"), true);
    if (r->source == NULL || r->id == NULL || r->version == NULL || r->title == NULL) {
        rc = merit__oom(ctx);
        goto done;
    }
    const xmlNode *d = merit__xml_child(root, "description");
    if (d != NULL && (r->description = merit__xml_text(d, false)) == NULL) {
        rc = merit__oom(ctx);
        goto done;
    }
    if (load_scale(ctx, doc, merit__xml_child(root, "scale"), r) != 0) {
        rc = MERIT_EINVALID;
        sound = false;
    }

    const xmlNode *criteria = merit__xml_child(root, "criteria");
    size_t n = count_children(criteria, "criterion");
    if (n > ctx->limits.max_criteria) {
        sound = false;
        merit_loc loc = merit__xml_loc(doc, criteria, NULL);
        rc =
            merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_LIMIT, loc.file, loc.line, loc.column,
                        "the rubric has %zu criteria, more than the 'criteria' limit of %u", n,
                        ctx->limits.max_criteria);
        goto done;
    }
    r->criteria = merit__calloc(n, sizeof(*r->criteria));
    if (r->criteria == NULL) {
        rc = merit__oom(ctx);
        goto done;
    }
    for (const xmlNode *c = merit__xml_child(criteria, "criterion"); c;
         c = merit__xml_next(c, "criterion")) {
        merit_criterion *cr = &r->criteria[r->criterion_count];
        mpq_inits(cr->weight, cr->threshold, NULL);
        r->criterion_count++;
        int one = load_criterion(ctx, doc, c, r, cr);
        if (one == MERIT_ENOMEM) {
            rc = one;
            goto done;
        }
        if (one != 0)
            rc = one;
        if (cr->id != NULL) {
            ssize_t first = merit__rubric_criterion_index(r, cr->id);
            if (first >= 0 && (size_t)first + 1 < r->criterion_count) {
                sound = false;
                rc = merit__error_at(ctx, merit__xml_loc(doc, c, "id"),
                                     "duplicate criterion id '%s'", cr->id);
                merit__note_at(ctx, r->criteria[first].loc, "'%s' first defined here", cr->id);
            }
        }
    }

    const xmlNode *overall = merit__xml_child(root, "overall");
    if (overall != NULL && merit__xml_attr(overall, "threshold") != NULL) {
        r->has_overall_threshold = true;
        if (attr_decimal(ctx, doc, overall, "threshold", r->overall_threshold)) {
            rc = MERIT_EINVALID;
        } else {
            mpq_t lo, hi;
            mpq_inits(lo, hi, NULL);
            total_range(r, lo, hi);
            if (mpq_cmp(r->overall_threshold, lo) < 0 || mpq_cmp(r->overall_threshold, hi) > 0) {
                char *slo = merit_exact_string(lo), *shi = merit_exact_string(hi);
                if (slo == NULL || shi == NULL)
                    merit__oom(ctx);
                rc = merit__error_at(ctx, merit__xml_loc(doc, overall, "threshold"),
                                     "overall threshold %s is outside the possible totals %s to %s",
                                     merit__xml_attr(overall, "threshold"), slo ? slo : "?",
                                     shi ? shi : "?");
                free(slo);
                free(shi);
            }
            mpq_clears(lo, hi, NULL);
        }
    }

    const xmlNode *agg = merit__xml_child(root, "aggregation");
    merit_method_from_name(merit__xml_attr(agg, "method"), &r->method);
    const char *s = merit__xml_attr(agg, "min-reviewers");
    /* the schema allows any positive integer: read wide, then bound */
    unsigned long long wide = s ? strtoull(s, NULL, 10) : 1;
    r->min_reviewers = wide > 1000 ? 0 : (uint32_t)wide;
    s = merit__xml_attr(agg, "trim-from");
    wide = s ? strtoull(s, NULL, 10) : 3;
    r->trim_from = wide > 1000 ? 0 : (uint32_t)wide;
    if (r->min_reviewers == 0 || r->min_reviewers > 1000)
        rc = merit__error_at(ctx, merit__xml_loc(doc, agg, "min-reviewers"),
                             "min-reviewers must be between 1 and 1000");
    if (r->trim_from < 3 || r->trim_from > 1000)
        rc = merit__error_at(ctx, merit__xml_loc(doc, agg, "trim-from"),
                             "trim-from must be between 3 and 1000: dropping the highest and "
                             "lowest score must leave at least one");
    if (merit__xml_attr(agg, "disagreement-limit") != NULL) {
        r->has_disagreement_limit = true;
        if (attr_decimal(ctx, doc, agg, "disagreement-limit", r->disagreement_limit))
            rc = MERIT_EINVALID;
        else if (mpq_sgn(r->disagreement_limit) < 0)
            rc = merit__error_at(ctx, merit__xml_loc(doc, agg, "disagreement-limit"),
                                 "disagreement-limit must not be negative");
    }
    const xmlNode *funding = merit__xml_child(root, "funding");
    r->skip_unaffordable = merit__xml_bool(funding, "skip-unaffordable");

    int trc = load_tiebreaks(ctx, doc, merit__xml_child(root, "tie-break"), r);
    if (trc == MERIT_ENOMEM) {
        rc = trc;
        goto done;
    }
    if (trc)
        rc = trc;
    int lrc = load_rules(ctx, doc, merit__xml_child(root, "eligibility"), r);
    if (lrc == MERIT_ENOMEM) {
        rc = lrc;
        goto done;
    }
    if (lrc)
        rc = lrc;
    int qrc = load_requirements(ctx, doc, merit__xml_child(root, "requires"), r);
    if (qrc == MERIT_ENOMEM) {
        rc = qrc;
        goto done;
    }
    if (qrc)
        rc = qrc;
done:
    if (rc != 0) {
        if (checkable_out != NULL && sound && rc != MERIT_ENOMEM && r->scale_steps > 0)
            *checkable_out = r;
        else
            merit_rubric_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

int merit__rubric_from_doc(merit_ctx *ctx, struct merit_xml_doc *doc, const char *source,
                           merit_rubric **out)
{
    return rubric_build(ctx, doc, source, out, NULL);
}

struct rubric_build {
    merit_ctx *ctx;
    const char *source;
    merit_rubric **out;
    merit_rubric **checkable_out;
};

static int rubric_record(void *user, struct merit_xml_doc *doc, const xmlNode *root)
{
    (void)root;
    struct rubric_build *b = user;
    return rubric_build(b->ctx, doc, b->source, b->out, b->checkable_out);
}

int merit__rubric_read_checkable(merit_ctx *ctx, const char *path, const unsigned char *bytes,
                                 size_t size, const char *source, merit_rubric **out,
                                 merit_rubric **checkable_out, struct merit_xml_stream *stream)
{
    *out = NULL;
    if (checkable_out != NULL)
        *checkable_out = NULL;
    struct rubric_build b = {ctx, source, out, checkable_out};
    struct merit_xml_stream mine;
    if (stream == NULL)
        stream = &mine;
    memset(stream, 0, sizeof(*stream));
    stream->kind = MERIT_SCHEMA_RUBRIC;
    stream->on_record = rubric_record;
    stream->user = &b;
    int rc = bytes != NULL ? merit__xml_stream_bytes(ctx, path, bytes, size, stream)
                           : merit__xml_stream_file(ctx, path, stream);
    if (rc != 0) {
        merit_rubric_free(*out);
        *out = NULL;
    }
    if (rc == 0 || rc == MERIT_ENOMEM) {
        merit_rubric_free(checkable_out != NULL ? *checkable_out : NULL);
        if (checkable_out != NULL)
            *checkable_out = NULL;
    }
    return rc;
}

int merit__rubric_read(merit_ctx *ctx, const char *path, const unsigned char *bytes, size_t size,
                       const char *source, merit_rubric **out, struct merit_xml_stream *stream)
{
    return merit__rubric_read_checkable(ctx, path, bytes, size, source, out, NULL, stream);
}

int merit_rubric_load_file(merit_ctx *ctx, const char *path, merit_rubric **out)
{
    return merit__rubric_read(ctx, path, NULL, 0, path, out, NULL);
}

const struct merit_embedded_file *merit__shipped_rubric(const char *name)
{
    for (const struct merit_embedded_file *f = merit__embedded_rubrics; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

int merit_rubric_load_shipped(merit_ctx *ctx, const char *name, merit_rubric **out)
{
    *out = NULL;
    const struct merit_embedded_file *f = merit__shipped_rubric(name);
    if (f == NULL) {
        const char *near = merit__suggest_among(name, merit_rubric_shipped_names());
        if (near != NULL)
            return merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, "", 0, 0,
                               "no shipped rubric named '%s'; did you mean '%s'?", name, near);
        return merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, "", 0, 0,
                           "no shipped rubric named '%s'", name);
    }
    char *source = merit__sprintf("shipped:%s", name);
    if (source == NULL)
        return merit__oom(ctx);
    int rc = merit__rubric_read(ctx, source, f->bytes, f->size, source, out, NULL);
    free(source);
    return rc;
}

const char *const *merit_rubric_shipped_names(void)
{
    static const char *names[64];
    size_t n = 0;
    for (const struct merit_embedded_file *f = merit__embedded_rubrics; f->name && n < 63; f++)
        names[n++] = f->name;
    names[n] = NULL;
    return names;
}
