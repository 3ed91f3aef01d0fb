/*
 * Rubrics (rubric.c): the three shipped rubrics loaded by name and checked
 * field by field, and every rubric check shown failing on a small rubric
 * written to a scratch folder, with the exact diagnostic, line and column.
 */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "merit/model.h"
#include "merit/number.h"
#include "rubric.h"
#include "textrule.h"

/* --- helpers ---------------------------------------------------------------- */

/* Compares q with the exact value written as a fraction ("3/2", "1/5"),
 * parsed by GMP and not by merit. */
#define expect_q(q, fraction) expect_q_(q, fraction, __FILE__, __LINE__)
static void expect_q_(const mpq_t q, const char *fraction, const char *file, int line)
{
    mpq_t want;
    mpq_init(want);
    if (mpq_set_str(want, fraction, 10) != 0) {
        mpq_clear(want);
        print_error("%s:%d: bad expected value '%s'\n", file, line, fraction);
        _fail(file, line);
    }
    mpq_canonicalize(want);
    int cmp = mpq_cmp(q, want);
    mpq_clear(want);
    if (cmp != 0) {
        char *got = mpq_get_str(NULL, 10, q);
        print_error("%s:%d: got %s, expected %s\n", file, line, got, fraction);
        free(got);
        _fail(file, line);
    }
}

static merit_rubric *load_shipped(merit_ctx *ctx, const char *name)
{
    merit_rubric *r = NULL;
    int rc = merit_rubric_load_shipped(ctx, name, &r);
    if (rc != 0)
        t_print_diags(ctx);
    assert_int_equal(rc, 0);
    assert_non_null(r);
    T_EXPECT_NO_DIAGS(ctx);
    return r;
}

static merit_match_result match(const merit_rule *rule, const char *text)
{
    return merit__textrule_match(rule->compiled, text, strlen(text));
}

/* --- the shipped rubrics ------------------------------------------------------ */

static void shipped_names_are_the_three_rubrics(void **state)
{
    (void)state;
    const char *const *names = merit_rubric_shipped_names();
    /* sorted by file name at build time */
    assert_non_null(names[0]);
    assert_string_equal(names[0], "horizon-europe");
    assert_non_null(names[1]);
    assert_string_equal(names[1], "manufacturing-usa");
    assert_non_null(names[2]);
    assert_string_equal(names[2], "nih");
    assert_null(names[3]);
}

static void every_shipped_rubric_loads_and_is_named_by_its_id(void **state)
{
    struct t_scratch *s = *state;
    for (const char *const *n = merit_rubric_shipped_names(); *n; n++) {
        merit_rubric *r = load_shipped(s->ctx, *n);
        assert_string_equal(r->id, *n);
        char source[128];
        snprintf(source, sizeof(source), "shipped:%s", *n);
        assert_string_equal(r->source, source);
        assert_true(r->criterion_count > 0);
        for (size_t i = 0; i < r->rule_count; i++)
            if (r->rules[i].is_text)
                assert_non_null(r->rules[i].compiled);
        merit_rubric_free(r);
    }
}

static void horizon_europe(void **state)
{
    struct t_scratch *s = *state;
    merit_rubric *r = load_shipped(s->ctx, "horizon-europe");
    assert_string_equal(r->version, "1");
    assert_string_equal(r->title, "Horizon Europe research and innovation action");
    assert_non_null(r->description);
    /* scale 0 to 5 in half points: (5 - 0) / 0.5 = 10 steps */
    expect_q(r->scale_min, "0");
    expect_q(r->scale_max, "5");
    expect_q(r->scale_step, "1/2");
    assert_int_equal(r->scale_steps, 10);
    assert_int_equal(r->direction, MERIT_HIGHER_IS_BETTER);

    assert_int_equal(r->criterion_count, 3);
    static const char *const ids[] = {"excellence", "impact", "implementation"};
    for (size_t i = 0; i < 3; i++) {
        const merit_criterion *c = &r->criteria[i];
        assert_string_equal(c->id, ids[i]);
        expect_q(c->weight, "1");
        assert_true(c->has_threshold);
        expect_q(c->threshold, "3");
        assert_int_equal(c->level_count, 6);
        expect_q(c->levels[0].score, "0");
        expect_q(c->levels[5].score, "5");
        assert_non_null(c->guidance);
        assert_string_equal(c->loc.file, "shipped:horizon-europe");
    }
    assert_string_equal(r->criteria[2].name, "Quality and efficiency of the implementation");
    assert_true(strncmp(r->criteria[0].levels[0].text, "Fail:", 5) == 0);

    assert_true(r->has_overall_threshold);
    expect_q(r->overall_threshold, "10");
    assert_int_equal(r->method, MERIT_METHOD_MEAN);
    assert_int_equal(r->min_reviewers, 3);
    assert_false(r->has_disagreement_limit);
    assert_int_equal(r->trim_from, 3); /* the schema's default */
    assert_false(r->skip_unaffordable);

    assert_int_equal(r->tiebreak_count, 2);
    assert_int_equal(r->tiebreaks[0].kind, MERIT_TIEBREAK_CRITERION);
    assert_int_equal(r->tiebreaks[0].criterion, 0); /* excellence */
    assert_int_equal(r->tiebreaks[1].kind, MERIT_TIEBREAK_CRITERION);
    assert_int_equal(r->tiebreaks[1].criterion, 1); /* impact */

    assert_int_equal(r->rule_count, 1);
    const merit_rule *rule = &r->rules[0];
    assert_string_equal(rule->id, "dissemination-plan");
    assert_true(rule->is_text);
    assert_string_equal(rule->section, "diffusion");
    assert_false(rule->each_milestone);
    assert_true(rule->expect_match);
    assert_true(rule->caseless);
    assert_string_equal(rule->pattern, "\\b(disseminat|exploit|communicat)");
    assert_non_null(rule->compiled);
    assert_int_equal(match(rule, "We will DISSEMINATE the results."), MERIT_MATCH_YES);
    assert_int_equal(match(rule, "a communication plan"), MERIT_MATCH_YES);
    assert_int_equal(match(rule, "We keep the results to ourselves."), MERIT_MATCH_NO);
    /* \b: "re-exploitation" has a word start, "overexploit" has none */
    assert_int_equal(match(rule, "overexploitation"), MERIT_MATCH_NO);
    merit_rubric_free(r);
}

static void manufacturing_usa(void **state)
{
    struct t_scratch *s = *state;
    merit_rubric *r = load_shipped(s->ctx, "manufacturing-usa");
    /* 0 to 10 in half points: 20 steps */
    expect_q(r->scale_min, "0");
    expect_q(r->scale_max, "10");
    expect_q(r->scale_step, "1/2");
    assert_int_equal(r->scale_steps, 20);
    assert_int_equal(r->direction, MERIT_HIGHER_IS_BETTER);

    assert_int_equal(r->criterion_count, 7);
    static const struct {
        const char *id;
        const char *weight;
    } want[] = {
        {"problem", "1"}, {"approach", "2"}, {"milestones", "3/2"}, {"management", "1"},
        {"cost", "1"},    {"sme", "3/2"},    {"diffusion", "2"},
    };
    mpq_t sum;
    mpq_init(sum);
    for (size_t i = 0; i < 7; i++) {
        assert_string_equal(r->criteria[i].id, want[i].id);
        expect_q(r->criteria[i].weight, want[i].weight);
        mpq_add(sum, sum, r->criteria[i].weight);
        assert_int_equal(r->criteria[i].has_threshold, i == 1);
    }
    /* 1 + 2 + 1.5 + 1 + 1 + 1.5 + 2 = 10, so totals run 0 to 100 */
    expect_q(sum, "10");
    mpq_clear(sum);
    expect_q(r->criteria[1].threshold, "5");

    expect_q(r->overall_threshold, "60");
    assert_int_equal(r->method, MERIT_METHOD_MEAN);
    assert_int_equal(r->min_reviewers, 3);
    assert_true(r->has_disagreement_limit);
    expect_q(r->disagreement_limit, "20");
    assert_int_equal(r->trim_from, 4);
    assert_false(r->skip_unaffordable);

    assert_int_equal(r->tiebreak_count, 3);
    assert_int_equal(r->tiebreaks[0].kind, MERIT_TIEBREAK_CRITERION);
    assert_int_equal(r->tiebreaks[0].criterion, 1); /* approach */
    assert_int_equal(r->tiebreaks[1].kind, MERIT_TIEBREAK_CRITERION);
    assert_int_equal(r->tiebreaks[1].criterion, 6); /* diffusion */
    assert_int_equal(r->tiebreaks[2].kind, MERIT_TIEBREAK_FACT);
    assert_int_equal(r->tiebreaks[2].fact, MERIT_FACT_SME_SHARE);
    assert_true(r->tiebreaks[2].prefer_higher);

    assert_int_equal(r->rule_count, 4);
    const merit_rule *share = &r->rules[0];
    assert_string_equal(share->id, "federal-share");
    assert_false(share->is_text);
    assert_int_equal(share->fact, MERIT_FACT_FEDERAL_SHARE);
    assert_int_equal(share->op, MERIT_OP_LE);
    expect_q(share->value, "1/2");
    assert_string_equal(share->message, "federal funds may be at most half of total project cost "
                                        "(cost share of at least 1:1)");
    assert_string_equal(r->rules[1].id, "min-milestones");
    assert_int_equal(r->rules[1].fact, MERIT_FACT_MILESTONES);
    assert_int_equal(r->rules[1].op, MERIT_OP_GE);
    expect_q(r->rules[1].value, "2");
    assert_string_equal(r->rules[2].id, "approach-length");
    assert_int_equal(r->rules[2].fact, MERIT_FACT_WORDS);
    assert_string_equal(r->rules[2].section, "approach");
    expect_q(r->rules[2].value, "3000");

    const merit_rule *text = &r->rules[3];
    assert_string_equal(text->id, "milestone-metric-number");
    assert_true(text->is_text);
    assert_string_equal(text->section, "milestones");
    assert_true(text->each_milestone);
    assert_true(text->expect_match);
    assert_false(text->caseless);
    assert_non_null(text->compiled);
    assert_int_equal(match(text, "porosity below 0.5%"), MERIT_MATCH_YES);
    assert_int_equal(match(text, "complete testing"), MERIT_MATCH_NO);
    /* UCP: \d matches any Unicode digit, e.g. ARABIC-INDIC DIGIT FIVE */
    assert_int_equal(match(text, "\xd9\xa5 parts"), MERIT_MATCH_YES);
    merit_rubric_free(r);
}

static void nih_is_lower_is_better(void **state)
{
    struct t_scratch *s = *state;
    merit_rubric *r = load_shipped(s->ctx, "nih");
    /* 1 to 9 in whole points: 8 steps, 1 the best */
    expect_q(r->scale_min, "1");
    expect_q(r->scale_max, "9");
    expect_q(r->scale_step, "1");
    assert_int_equal(r->scale_steps, 8);
    assert_int_equal(r->direction, MERIT_LOWER_IS_BETTER);
    assert_int_equal(r->criterion_count, 5);
    static const char *const ids[] = {"significance", "investigators", "innovation", "approach",
                                      "environment"};
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(r->criteria[i].id, ids[i]);
        expect_q(r->criteria[i].weight, "1/5"); /* 0.2 exactly, never a double */
        assert_false(r->criteria[i].has_threshold);
        assert_int_equal(r->criteria[i].level_count, 9);
    }
    /* lower is better: the overall threshold 5 is an upper bound */
    assert_true(r->has_overall_threshold);
    expect_q(r->overall_threshold, "5");
    assert_int_equal(r->method, MERIT_METHOD_MEDIAN);
    assert_int_equal(r->min_reviewers, 3);
    assert_int_equal(r->tiebreak_count, 2);
    assert_int_equal(r->tiebreaks[0].criterion, 3); /* approach */
    assert_int_equal(r->tiebreaks[1].criterion, 0); /* significance */
    assert_int_equal(r->rule_count, 0);
    merit_rubric_free(r);
}

static void unknown_shipped_name(void **state)
{
    struct t_scratch *s = *state;
    merit_rubric *r = (merit_rubric *)&r; /* must be reset to NULL */
    assert_int_equal(merit_rubric_load_shipped(s->ctx, "horizon", &r), MERIT_EINVALID);
    assert_null(r);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("", 0, 0, "no shipped rubric named 'horizon'"));
}

static void scale_helpers(void **state)
{
    struct t_scratch *s = *state;
    merit_rubric *r = load_shipped(s->ctx, "horizon-europe");
    mpq_t v;
    mpq_init(v);
    int32_t steps = -1;
    assert_int_equal(merit_decimal_parse("3.5", v), 0);
    assert_true(merit__rubric_on_scale(r, v, &steps));
    assert_int_equal(steps, 7); /* (3.5 - 0) / 0.5 */
    assert_int_equal(merit_decimal_parse("3.25", v), 0);
    assert_false(merit__rubric_on_scale(r, v, NULL)); /* 6.5 steps */
    assert_int_equal(merit_decimal_parse("5.5", v), 0);
    assert_false(merit__rubric_on_scale(r, v, NULL)); /* above the maximum */
    assert_int_equal(merit_decimal_parse("-0.5", v), 0);
    assert_false(merit__rubric_on_scale(r, v, NULL)); /* below the minimum */
    merit__rubric_step_value(r, 7, v);
    expect_q(v, "7/2"); /* 0 + 7 * 0.5 */
    assert_int_equal(merit__rubric_criterion_index(r, "impact"), 1);
    assert_int_equal(merit__rubric_criterion_index(r, "Impact"), -1);
    mpq_clear(v);
    merit_rubric_free(r);
}

/* --- rubric errors ---------------------------------------------------------- */

/* A valid rubric; each error test changes one thing. Line numbers on the
 * left are the ones the diagnostics must name. Weights 1 + 2 = 3 on a 0-10
 * scale: totals run from 0 to 30. */
/* clang-format off */
static const char base_rubric[] =
    /*  1 */ "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    /*  2 */ "<rubric xmlns=\"urn:merit:1\" id=\"small\" version=\"1\">\n"
    /*  3 */ "  <title>Small</title>\n"
    /*  4 */ "  <scale min=\"0\" max=\"10\" step=\"1\"/>\n"
    /*  5 */ "  <criteria>\n"
    /*  6 */ "    <criterion id=\"a\" weight=\"1\"><name>A</name></criterion>\n"
    /*  7 */ "    <criterion id=\"b\" weight=\"2\" "
             "threshold=\"5\"><name>B</name></criterion>\n"
    /*  8 */ "  </criteria>\n"
    /*  9 */ "  <overall threshold=\"12\"/>\n"
    /* 10 */ "  <aggregation method=\"mean\"/>\n"
    /* 11 */ "  <tie-break>\n"
    /* 12 */ "    <criterion ref=\"b\"/>\n"
    /* 13 */ "  </tie-break>\n"
    /* 14 */ "  <eligibility>\n"
    /* 15 */ "    <fact-rule id=\"short\" fact=\"months\" op=\"le\" value=\"36\">"
             "<message>at most 36 months</message></fact-rule>\n"
    /* 16 */ "    <text-rule id=\"digit\" section=\"approach\"><pattern>\\d</pattern>"
             "<message>a number</message></text-rule>\n"
    /* 17 */ "  </eligibility>\n"
    /* 18 */ "</rubric>\n";
/* clang-format on */

/* Writes rubric.xml and loads it; returns the merit_error. */
static int load_text(struct t_scratch *s, const char *xml)
{
    t_write(s->dir, "rubric.xml", xml);
    merit_rubric *r = NULL;
    int rc = merit_rubric_load_file(s->ctx, "rubric.xml", &r);
    if (rc == 0)
        assert_non_null(r);
    else
        assert_null(r);
    merit_rubric_free(r);
    return rc;
}

/* Loads base_rubric with (from, to) edits applied; expects failure. */
#define load_edited(s, ...) load_edited_(s, t_edit(base_rubric, __VA_ARGS__))
static int load_edited_(struct t_scratch *s, char *xml)
{
    int rc = load_text(s, xml);
    free(xml);
    return rc;
}

static void base_rubric_is_valid(void **state)
{
    struct t_scratch *s = *state;
    t_write(s->dir, "rubric.xml", base_rubric);
    merit_rubric *r = NULL;
    assert_int_equal(merit_rubric_load_file(s->ctx, "rubric.xml", &r), 0);
    T_EXPECT_NO_DIAGS(s->ctx);
    assert_string_equal(r->id, "small");
    assert_string_equal(r->source, "rubric.xml");
    assert_int_equal(r->criterion_count, 2);
    /* locations: the start tag of each criterion */
    assert_string_equal(r->criteria[1].loc.file, "rubric.xml");
    assert_int_equal(r->criteria[1].loc.line, 7);
    assert_int_equal(r->criteria[1].loc.column, 5);
    assert_int_equal(r->rule_count, 2);
    assert_int_equal(r->rules[1].loc.line, 16);
    assert_non_null(r->rules[1].compiled);
    merit_rubric_free(r);

    /* the same rubric through merit_file_validate */
    const char *kind = NULL;
    size_t count = 0;
    assert_int_equal(merit_file_validate(s->ctx, "rubric.xml", &kind, &count), 0);
    assert_string_equal(kind, "rubric");
    assert_int_equal(count, 1);
    T_EXPECT_NO_DIAGS(s->ctx);
}

static void weight_zero(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(load_edited(s, "id=\"a\" weight=\"1\"", "id=\"a\" weight=\"0\""),
                     MERIT_EINVALID);
    /* col 23: 4 spaces, "<criterion" (10), " id=\"a\"" (7), a space */
    T_EXPECT_DIAGS(s->ctx, T_ERROR("rubric.xml", 6, 23,
                                   "criterion 'a' has weight 0; weights must be positive"));
}

static void weight_negative(void **state)
{
    struct t_scratch *s = *state;
    /* the overall threshold would then be out of range too (0.5 * 10 = 5
     * < 12): drop it to see the weight error alone */
    assert_int_equal(load_edited(s, "id=\"a\" weight=\"1\"", "id=\"a\" weight=\"-1.5\"",
                                 "  <overall threshold=\"12\"/>\n", ""),
                     MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("rubric.xml", 6, 23,
                                   "criterion 'a' has weight -1.5; weights must be positive"));
}

static void step_does_not_divide_range(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(load_edited(s, "step=\"1\"", "step=\"3\""), MERIT_EINVALID);
    /* col 27: "  <scale min=\"0\" max=\"10\" " is 26 bytes */
    T_EXPECT_DIAGS(s->ctx, T_ERROR("rubric.xml", 4, 27,
                                   "scale step does not divide the range from minimum to maximum"));
}

static void scale_min_not_below_max(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(load_edited(s, "min=\"0\" max=\"10\"", "min=\"10\" max=\"10\"",
                                 " threshold=\"5\"", "", "  <overall threshold=\"12\"/>\n", ""),
                     MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("rubric.xml", 4, 3, "scale minimum must be below its maximum"));
}

static void scale_step_zero(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(load_edited(s, "step=\"1\"", "step=\"0\""), MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("rubric.xml", 4, 27, "scale step must be positive"));
}

static void scale_too_many_steps(void **state)
{
    struct t_scratch *s = *state;
    /* 10 / 0.000001 = 10,000,000 steps */
    assert_int_equal(load_edited(s, "step=\"1\"", "step=\"0.000001\""), MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("rubric.xml", 4, 27, "scale has more than 1,000,000 steps"));
}

static void threshold_outside_scale(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(load_edited(s, "threshold=\"5\"", "threshold=\"11\""), MERIT_EINVALID);
    /* col 34: 22 bytes up to weight, "weight=\"2\"" (10), a space */
    T_EXPECT_DIAGS(
        s->ctx, T_ERROR("rubric.xml", 7, 34, "threshold 11 of criterion 'b' is outside the scale"));
}

static void duplicate_criterion_id(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(
        load_edited(s, "<name>B</name></criterion>\n",
                    "<name>B</name></criterion>\n"
                    "    <criterion id=\"a\" weight=\"1\"><name>A again</name></criterion>\n"),
        MERIT_EINVALID);
    /* the second 'a' is on line 8, its id at col 16; the note at the first */
    T_EXPECT_DIAGS(s->ctx, T_ERROR("rubric.xml", 8, 16, "duplicate criterion id 'a'"),
                   T_NOTE("rubric.xml", 6, 5, "'a' first defined here"));
}

/* A criterion id that is a CSV column name, in any case, or that ends in
 * _exact, would give the CSV summary two columns of one name (a reader
 * takes one for the other): refused, at the id (criterion a on line 6,
 * col 16, as duplicate_criterion_id's). Before the check, 'total' loaded and the CSV
 * header read "...,reason,total,total_exact,a,a_exact,total,total_exact,...". */
static void criterion_id_is_a_csv_column(void **state)
{
    struct t_scratch *s = *state;
    static const struct {
        const char *id, *why;
    } cases[] = {
        {"total", "the CSV report has its own column of that name"},
        {"Total", "the CSV report has its own column of that name"},
        {"tie_at_line", "the CSV report has its own column of that name"},
        {"b_exact", "names ending in _exact are the CSV report's exact columns"},
        {"c_EXACT", "names ending in _exact are the CSV report's exact columns"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *id = t_sprintf("id=\"%s\" weight=\"1\"", cases[i].id);
        merit_ctx_clear_diags(s->ctx);
        assert_int_equal(load_edited(s, "id=\"a\" weight=\"1\"", id), MERIT_EINVALID);
        char *message = t_sprintf("reserved criterion id '%s': %s", cases[i].id, cases[i].why);
        T_EXPECT_DIAGS(s->ctx, T_ERROR("rubric.xml", 6, 16, message));
        free(message);
        free(id);
    }
    /* near misses load: the rule is exact, not a prefix or a substring */
    assert_int_equal(load_edited(s, "id=\"a\" weight=\"1\"", "id=\"totals\" weight=\"1\""), 0);
}

static void level_off_scale_and_twice(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(load_edited(s, "<name>A</name></criterion>\n",
                                 "<name>A</name><levels>\n"                  /* 6 */
                                 "      <level score=\"2\">two</level>\n"    /* 7 */
                                 "      <level score=\"2.5\">half</level>\n" /* 8 */
                                 "      <level score=\"2\">again</level>\n"  /* 9 */
                                 "    </levels></criterion>\n"),             /* 10 */
                     MERIT_EINVALID);
    /* 2.5 is not on a step of 1; col 14 after "      <level " */
    T_EXPECT_DIAGS(
        s->ctx,
        T_ERROR("rubric.xml", 8, 14, "level score 2.5 of criterion 'a' is not on the scale"),
        T_ERROR("rubric.xml", 9, 14, "criterion 'a' describes level 2 twice"));
}

static void unknown_tiebreak_criterion(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(load_edited(s, "<criterion ref=\"b\"/>", "<criterion ref=\"zz\"/>"),
                     MERIT_EINVALID);
    /* col 16: 4 spaces, "<criterion" (10), a space */
    T_EXPECT_DIAGS(s->ctx, T_ERROR("rubric.xml", 12, 16, "tie-break names unknown criterion 'zz'"));
}

static void tiebreak_twice(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(load_edited(s, "    <criterion ref=\"b\"/>\n",
                                 "    <criterion ref=\"b\"/>\n    <criterion ref=\"b\"/>\n"),
                     MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("rubric.xml", 13, 16, "tie-break names 'b' twice"));
}

/* What a rubric requires: what its rules and tie-breaks read, in the order
 * of the parts of a proposal, with the first reason found. */
static void requirements_follow_the_rules(void **state)
{
    struct t_scratch *s = *state;
    merit_rubric *r = load_shipped(s->ctx, "manufacturing-usa");
    static const struct {
        merit_need need;
        const char *name;
        unsigned field;
        const char *reason;
    } want[] = {
        {MERIT_NEED_TEAM, NULL, 0,
         "its tie-break on 'sme-share' reads the type of every organisation"},
        {MERIT_NEED_ORG_FIELD, NULL, MERIT_ORG_GIVEN_TYPE,
         "its tie-break on 'sme-share' reads the type of every organisation"},
        {MERIT_NEED_SECTION, "approach", 0,
         "its rule 'approach-length' counts the words of section 'approach'"},
        /* min-milestones comes before milestone-metric-number */
        {MERIT_NEED_SECTION, "milestones", 0, "its rule 'min-milestones' reads the milestones"},
        {MERIT_NEED_BUDGET, NULL, 0,
         "its rule 'federal-share' reads the federal, cash and in-kind amounts"},
    };
    assert_int_equal(r->requirement_count, sizeof(want) / sizeof(want[0]));
    for (size_t i = 0; i < r->requirement_count; i++) {
        const merit_requirement *q = &r->requirements[i];
        assert_int_equal(q->need, want[i].need);
        if (want[i].name != NULL)
            assert_string_equal(q->name, want[i].name);
        else
            assert_null(q->name);
        assert_int_equal(q->field, want[i].field);
        assert_string_equal(q->reason, want[i].reason);
    }
    merit_rubric_free(r);
    /* nih reads nothing of a proposal */
    r = load_shipped(s->ctx, "nih");
    assert_int_equal(r->requirement_count, 0);
    merit_rubric_free(r);

    /* the base rubric: months (a rule), the approach (a text rule), and a
     * declared fact in a tie-break, then what <requires> lists */
    assert_int_equal(load_edited(s, "    <criterion ref=\"b\"/>\n",
                                 "    <fact ref=\"trl\" prefer=\"higher\"/>\n", "</rubric>",
                                 "<requires><area/><months/></requires></rubric>"),
                     0);
}

static void requires_twice_and_derived_facts(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(load_edited(s, "</rubric>",
                                 "<requires>\n<section name=\"x\"/><team/>\n"
                                 "<section name=\"x\"/><team fields=\"type type\"/>\n"
                                 "<fact name=\"sme-share\"/>\n</requires></rubric>"),
                     MERIT_EINVALID);
    /* listing what a rule already requires is not an error (the months);
     * listing a thing twice is, at the second; a derived fact cannot be
     * required by name */
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("rubric.xml", 21, 7,
                           "<requires> names the fact 'sme-share', which merit derives: require "
                           "what it is derived from instead"),
                   T_ERROR("rubric.xml", 20, 20, "<requires> lists <team/> twice"),
                   T_ERROR("rubric.xml", 20, 20, "<requires> lists the field 'type' twice"),
                   T_ERROR("rubric.xml", 20, 1, "<requires> lists section 'x' twice"));
}

static void declared_facts_in_rules(void **state)
{
    struct t_scratch *s = *state;
    char *xml = t_edit(base_rubric, "fact=\"months\"", "fact=\"trl\"", "<criterion ref=\"b\"/>",
                       "<fact ref=\"Partners\" prefer=\"higher\"/>");
    t_write(s->dir, "rubric.xml", xml);
    free(xml);
    merit_rubric *r = NULL;
    assert_int_equal(merit_rubric_load_file(s->ctx, "rubric.xml", &r), 0);
    assert_int_equal(r->rules[0].fact, MERIT_FACT_DECLARED);
    assert_string_equal(r->rules[0].fact_name, "trl");
    assert_int_equal(r->tiebreaks[0].fact, MERIT_FACT_DECLARED);
    assert_string_equal(r->tiebreaks[0].fact_name, "Partners");
    /* declared facts and the approach section become requirements */
    assert_int_equal(r->requirement_count, 3);
    assert_int_equal(r->requirements[0].need, MERIT_NEED_SECTION);
    assert_int_equal(r->requirements[1].need, MERIT_NEED_FACT);
    assert_string_equal(r->requirements[1].name, "Partners");
    assert_string_equal(r->requirements[1].reason, "its tie-break on 'Partners' reads it");
    assert_string_equal(r->requirements[2].name, "trl");
    assert_string_equal(r->requirements[2].reason, "its rule 'short' reads it");
    merit_rubric_free(r);
}

static void tiebreak_words_without_section(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(
        load_edited(s, "<criterion ref=\"b\"/>", "<fact ref=\"words\" prefer=\"lower\"/>"),
        MERIT_EINVALID);
    /* col 11: 4 spaces, "<fact" (5), a space */
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("rubric.xml", 12, 11, "tie-break on fact 'words' needs a section"));
}

static void tiebreak_section_on_other_fact(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(load_edited(s, "<criterion ref=\"b\"/>",
                                 "<fact ref=\"months\" section=\"approach\" prefer=\"lower\"/>"),
                     MERIT_EINVALID);
    /* col 24: "    <fact ref=\"months\" " is 23 bytes */
    T_EXPECT_DIAGS(s->ctx, T_ERROR("rubric.xml", 12, 24, "only the fact 'words' takes a section"));
}

static void bad_pcre2_pattern(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(load_edited(s, "<pattern>\\d</pattern>", "<pattern>(abc</pattern>"),
                     MERIT_EINVALID);
    /* at the <pattern> element: 4 spaces and
     * "<text-rule id=\"digit\" section=\"approach\">" (41 bytes) before it;
     * PCRE2 notices the missing ")" at the end, offset 4 */
    T_EXPECT_DIAGS(s->ctx, T_ERROR("rubric.xml", 16, 46,
                                   "invalid pattern in text rule 'digit': missing closing "
                                   "parenthesis at offset 4"));
}

static void bad_pcre2_pattern_offset_inside(void **state)
{
    struct t_scratch *s = *state;
    /* "a{2,1}": the quantifier's numbers are out of order; PCRE2 reports
     * the offset of the closing "}": a=0 {=1 2=2 ,=3 1=4 }=5 */
    assert_int_equal(load_edited(s, "<pattern>\\d</pattern>", "<pattern>a{2,1}</pattern>"),
                     MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("rubric.xml", 16, 46,
                                   "invalid pattern in text rule 'digit': numbers out of order "
                                   "in {} quantifier at offset 5"));
}

static void fact_words_without_section(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(load_edited(s, "fact=\"months\" op=\"le\" value=\"36\"",
                                 "fact=\"words\" op=\"le\" value=\"3000\""),
                     MERIT_EINVALID);
    /* col 27: "    <fact-rule id=\"short\" " is 26 bytes */
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("rubric.xml", 15, 27, "rule 'short': the fact 'words' needs a section"));
}

static void fact_section_on_other_fact(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(load_edited(s, "fact=\"months\"", "fact=\"months\" section=\"approach\""),
                     MERIT_EINVALID);
    /* col 41: "    <fact-rule id=\"short\" fact=\"months\" " is 40 bytes */
    T_EXPECT_DIAGS(s->ctx, T_ERROR("rubric.xml", 15, 41,
                                   "rule 'short': only the fact 'words' takes a section"));
}

static void each_milestone_on_other_section(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(
        load_edited(s, "section=\"approach\">", "section=\"approach\" scope=\"each-milestone\">"),
        MERIT_EINVALID);
    /* col 46: "    <text-rule id=\"digit\" section=\"approach\" " is 45 bytes */
    T_EXPECT_DIAGS(s->ctx, T_ERROR("rubric.xml", 16, 46,
                                   "rule 'digit': scope 'each-milestone' needs section "
                                   "'milestones'"));
}

static void duplicate_rule_id(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(load_edited(s, "text-rule id=\"digit\"", "text-rule id=\"short\""),
                     MERIT_EINVALID);
    /* col 16: "    <text-rule " is 15 bytes */
    T_EXPECT_DIAGS(s->ctx, T_ERROR("rubric.xml", 16, 16, "duplicate eligibility rule id 'short'"));
}

static void overall_threshold_outside_totals(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(load_edited(s, "<overall threshold=\"12\"/>", "<overall threshold=\"31\"/>"),
                     MERIT_EINVALID);
    /* weights 1 + 2 = 3; 3 * 0 = 0 and 3 * 10 = 30; col 12 after
     * "  <overall " */
    T_EXPECT_DIAGS(s->ctx, T_ERROR("rubric.xml", 9, 12,
                                   "overall threshold 31 is outside the possible totals 0 to "
                                   "30"));
}

static void overall_threshold_fractional_range(void **state)
{
    struct t_scratch *s = *state;
    /* weights 0.25 + 2 = 2.25 on a 1-9 scale: totals 2.25 to 20.25 */
    assert_int_equal(load_edited(s, "min=\"0\" max=\"10\"", "min=\"1\" max=\"9\"",
                                 "id=\"a\" weight=\"1\"", "id=\"a\" weight=\"0.25\"",
                                 "<overall threshold=\"12\"/>", "<overall threshold=\"2\"/>"),
                     MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("rubric.xml", 9, 12,
                                   "overall threshold 2 is outside the possible totals 2.25 to "
                                   "20.25"));
}

static void aggregation_limits(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(load_edited(s, "<aggregation method=\"mean\"/>",
                                 "<aggregation method=\"trimmed-mean\" trim-from=\"2\" "
                                 "disagreement-limit=\"-1\"/>"),
                     MERIT_EINVALID);
    /* "  <aggregation method=\"trimmed-mean\" " is 37 bytes; then
     * "trim-from=\"2\" " is 14 */
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("rubric.xml", 10, 38,
                           "trim-from must be between 3 and 1000: dropping the highest and "
                           "lowest score must leave at least one"),
                   T_ERROR("rubric.xml", 10, 52, "disagreement-limit must not be negative"));
}

static void schema_error_names_line(void **state)
{
    struct t_scratch *s = *state;
    /* a criterion without its <name> */
    assert_int_equal(load_edited(s, "<name>A</name>", ""), MERIT_EINVALID);
    /* schema errors carry the line; merit finds the element's column */
    T_EXPECT_DIAGS(s->ctx, T_ERROR("rubric.xml", 6, 5,
                                   "<criterion> lacks <name>: a <criterion> holds <name>, then "
                                   "an optional <guidance>, then an optional <levels>"));
}

/* Regression test for a fixed bug (rubric.c load_rule and merit__rubric_from_doc):
 * xs:boolean collapses white space, so the schema accepts caseless=" true "
 * and skip-unaffordable=" true ", but the loader compares the raw text with
 * "true" and "1" and silently reads both as false: no diagnostic, and the
 * rule then matches case-sensitively. */
static void booleans_with_spaces_are_true(void **state)
{
    struct t_scratch *s = *state;
    char *xml =
        t_edit(base_rubric, "section=\"approach\">", "section=\"approach\" caseless=\" true \">",
               "  <aggregation method=\"mean\"/>\n",
               "  <aggregation method=\"mean\"/>\n  <funding skip-unaffordable=\" true \"/>\n");
    t_write(s->dir, "rubric.xml", xml);
    free(xml);
    merit_rubric *r = NULL;
    assert_int_equal(merit_rubric_load_file(s->ctx, "rubric.xml", &r), 0);
    T_EXPECT_NO_DIAGS(s->ctx);
    assert_true(r->rules[1].caseless);
    assert_true(r->skip_unaffordable);
    merit_rubric_free(r);
}

static void every_error_is_collected(void **state)
{
    struct t_scratch *s = *state;
    /* three independent problems in one file: all three reported */
    assert_int_equal(load_edited(s, "id=\"a\" weight=\"1\"", "id=\"a\" weight=\"0\"",
                                 "<criterion ref=\"b\"/>", "<criterion ref=\"zz\"/>",
                                 "<pattern>\\d</pattern>", "<pattern>(abc</pattern>"),
                     MERIT_EINVALID);
    assert_int_equal(merit_ctx_error_count(s->ctx), 3);
}

/* --- near names, and counts that are limits, not schema -------------------- */

static void near_names_are_suggested(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(load_edited(s, "<criterion ref=\"b\"/>", "<criterion ref=\"bb\"/>"),
                     MERIT_EINVALID);
    /* 'bb' is one deletion from 'b' (cutoff 1 for two letters), two from 'a' */
    T_EXPECT_DIAGS(s->ctx, T_ERROR("rubric.xml", 12, 16,
                                   "tie-break names unknown criterion 'bb'; did you mean 'b'?"));
    merit_ctx_clear_diags(s->ctx);
    merit_rubric *r = NULL;
    assert_int_equal(merit_rubric_load_shipped(s->ctx, "nhi", &r), MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("", 0, 0, "no shipped rubric named 'nhi'; did you mean 'nih'?"));
    /* a section merit does not name is a free section, which proposals
     * may carry: one a letter from a named one is said, as a warning */
    merit_ctx_clear_diags(s->ctx);
    assert_int_equal(load_edited(s, "section=\"approach\"", "section=\"aproach\""), 0);
    /* col 27: "    <text-rule id=\"digit\" " is 26 bytes */
    T_EXPECT_DIAGS(s->ctx, T_WARNING("rubric.xml", 16, 27,
                                     "section 'aproach' is not one merit names; did you mean "
                                     "'approach'? (as written, every proposal needs a free "
                                     "section 'aproach')"));
}

/* A rubric of n criteria a0..a(n-1), weight 1 each. */
static char *rubric_of(size_t n)
{
    size_t cap = 512 + n * 96, len = 0;
    char *xml = malloc(cap);
    assert_non_null(xml);
    len += (size_t)snprintf(xml, cap,
                            "<?xml version=\"1.0\"?>\n"
                            "<rubric xmlns=\"urn:merit:1\" id=\"wide\" version=\"1\">\n"
                            "  <title>Wide</title>\n"
                            "  <scale min=\"0\" max=\"10\" step=\"1\"/>\n"
                            "  <criteria>\n");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(
            xml + len, cap - len,
            "    <criterion id=\"a%zu\" weight=\"1\"><name>A</name></criterion>\n", i);
    snprintf(xml + len, cap - len, "  </criteria>\n  <aggregation method=\"mean\"/>\n</rubric>\n");
    return xml;
}

/* How many criteria a rubric has is the 'criteria' limit's: the schema
 * sets no count (it used to stop at 64, whatever the limit). */
static void criteria_are_counted_by_the_limit_alone(void **state)
{
    struct t_scratch *s = *state;
    char *xml = rubric_of(65);
    assert_int_equal(load_text(s, xml), MERIT_ELIMIT);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("rubric.xml", 5, 3,
                                   "the rubric has 65 criteria, more than the 'criteria' limit "
                                   "of 64"));
    merit_ctx_clear_diags(s->ctx);
    merit_limits limits = {.max_criteria = 100};
    merit_ctx_set_limits(s->ctx, &limits);
    assert_int_equal(load_text(s, xml), 0);
    T_EXPECT_NO_DIAGS(s->ctx);
    free(xml);
}

/* Eligibility rules are counted by the 'rules' limit (128 by default; the
 * schema used to stop at 128, whatever the limit). */
static void rules_are_counted_by_the_limit(void **state)
{
    struct t_scratch *s = *state;
    merit_limits limits = {.max_rules = 1};
    merit_ctx_set_limits(s->ctx, &limits);
    assert_int_equal(load_text(s, base_rubric), MERIT_ELIMIT);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("rubric.xml", 14, 3,
                                   "the rubric has 2 eligibility rules, more than the 'rules' "
                                   "limit of 1"));
    merit_ctx_clear_diags(s->ctx);
    /* 131 rules, each once: over the default, within a raised limit */
    size_t cap = 129 * 160 + 1024, len = 0;
    char *rules = malloc(cap);
    assert_non_null(rules);
    rules[0] = '\0';
    for (size_t i = 0; i < 129; i++)
        len += (size_t)snprintf(rules + len, cap - len,
                                "    <fact-rule id=\"r%zu\" fact=\"months\" op=\"le\" value=\"36\">"
                                "<message>m</message></fact-rule>\n",
                                i);
    char *tail = t_sprintf("%s  </eligibility>\n", rules);
    char *many = t_replace(base_rubric, "  </eligibility>\n", tail);
    free(tail);
    limits.max_rules = 0;
    merit_ctx_set_limits(s->ctx, &limits);
    assert_int_equal(load_text(s, many), MERIT_ELIMIT);
    merit_ctx_clear_diags(s->ctx);
    limits.max_rules = 200;
    merit_ctx_set_limits(s->ctx, &limits);
    assert_int_equal(load_text(s, many), 0);
    T_EXPECT_NO_DIAGS(s->ctx);
    free(many);
    free(rules);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, t_scratch_setup, t_scratch_teardown)
    const struct CMUnitTest tests[] = {
        T(shipped_names_are_the_three_rubrics),
        T(every_shipped_rubric_loads_and_is_named_by_its_id),
        T(horizon_europe),
        T(manufacturing_usa),
        T(nih_is_lower_is_better),
        T(unknown_shipped_name),
        T(scale_helpers),
        T(base_rubric_is_valid),
        T(weight_zero),
        T(weight_negative),
        T(step_does_not_divide_range),
        T(scale_min_not_below_max),
        T(scale_step_zero),
        T(scale_too_many_steps),
        T(threshold_outside_scale),
        T(duplicate_criterion_id),
        T(criterion_id_is_a_csv_column),
        T(level_off_scale_and_twice),
        T(unknown_tiebreak_criterion),
        T(tiebreak_twice),
        T(requirements_follow_the_rules),
        T(requires_twice_and_derived_facts),
        T(declared_facts_in_rules),
        T(tiebreak_words_without_section),
        T(tiebreak_section_on_other_fact),
        T(bad_pcre2_pattern),
        T(bad_pcre2_pattern_offset_inside),
        T(fact_words_without_section),
        T(fact_section_on_other_fact),
        T(each_milestone_on_other_section),
        T(duplicate_rule_id),
        T(overall_threshold_outside_totals),
        T(overall_threshold_fractional_range),
        T(aggregation_limits),
        T(schema_error_names_line),
        T(every_error_is_collected),
        T(booleans_with_spaces_are_true),
        T(near_names_are_suggested),
        T(criteria_are_counted_by_the_limit_alone),
        T(rules_are_counted_by_the_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
