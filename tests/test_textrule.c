/*
 * Text rules (textrule.c) under hostile patterns: a pattern that backtracks
 * catastrophically must end in the match-limit result and, through a call,
 * in the match-limit diagnostic at the rule, never in a hang. Regression
 * tests for what tests/fuzz/fuzz_rules.c explores (docs/robustness.md). A
 * hang shows as the ctest timeout.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "merit/model.h"
#include "merit/result.h"
#include "textrule.h"

/* --- the matcher on its own ---------------------------------------------- */

/* "a" * n followed by "b": (a+)+$ tries every way of splitting the run of
 * a's (2^n) before it gives up at the b. */
static char *a_run_then_b(size_t n)
{
    char *s = malloc(n + 2);
    assert_non_null(s);
    memset(s, 'a', n);
    s[n] = 'b';
    s[n + 1] = '\0';
    return s;
}

static char rule_id[] = "nested";

/* A text rule of pattern, compiled; the caller frees rule.pattern and
 * rule.compiled. */
static merit_rule compiled_rule(merit_ctx *ctx, const char *pattern)
{
    merit_rule rule;
    memset(&rule, 0, sizeof(rule));
    rule.id = rule_id;
    rule.pattern = strdup(pattern);
    assert_non_null(rule.pattern);
    rule.is_text = true;
    rule.expect_match = true;
    merit_loc loc = {"rubric.xml", 1, 1};
    assert_int_equal(merit__textrule_compile(ctx, &rule, loc), 0);
    assert_non_null(rule.compiled);
    return rule;
}

static void nested_quantifier_hits_the_match_limit(void **state)
{
    struct t_scratch *s = *state;
    merit_rule rule = compiled_rule(s->ctx, "(a+)+$");
    char *subject = a_run_then_b(64);
    assert_int_equal(merit__textrule_match(rule.compiled, subject, strlen(subject)),
                     MERIT_MATCH_LIMIT);
    /* the same pattern still answers where it does not backtrack */
    assert_int_equal(merit__textrule_match(rule.compiled, "aaaa", 4), MERIT_MATCH_YES);
    assert_int_equal(merit__textrule_match(rule.compiled, "b", 1), MERIT_MATCH_NO);
    free(subject);
    free(rule.pattern);
    merit__textrule_free(rule.compiled);
    T_EXPECT_NO_DIAGS(s->ctx);
}

static void nested_quantifier_on_a_whole_section_hits_the_match_limit(void **state)
{
    struct t_scratch *s = *state;
    merit_rule rule = compiled_rule(s->ctx, "^(\\w+\\s?)*$");
    /* 100,000 characters, the longest section the schema allows */
    size_t n = 100000;
    char *subject = malloc(n + 1);
    assert_non_null(subject);
    for (size_t i = 0; i < n; i++)
        subject[i] = i + 1 == n ? '!' : "ab "[i % 3];
    subject[n] = '\0';
    assert_int_equal(merit__textrule_match(rule.compiled, subject, n), MERIT_MATCH_LIMIT);
    free(subject);
    free(rule.pattern);
    merit__textrule_free(rule.compiled);
}

/* --- through a call: the diagnostic ---------------------------------------- */

static const char call_xml[] =
    "<call xmlns=\"urn:merit:1\" id=\"C\" currency=\"USD\">\n"
    "  <title>Catastrophic backtracking</title>\n"
    "  <budget available=\"1000\"/>\n"
    "  <rubric href=\"rubric.xml\"/>\n"
    "  <panel><reviewer id=\"r1\"><name>Ann One</name></reviewer></panel>\n"
    "</call>\n";

static const char rubric_head[] =
    "<rubric xmlns=\"urn:merit:1\" id=\"nested\" version=\"1\">\n"
    "  <title>Nested quantifiers</title>\n"
    "  <scale min=\"0\" max=\"10\" step=\"1\"/>\n"
    "  <criteria><criterion id=\"q\" weight=\"1\"><name>Quality</name></criterion></criteria>\n"
    "  <aggregation method=\"mean\"/>\n"
    "  <eligibility>\n";

static const char sheet_xml[] =
    "<sheet xmlns=\"urn:merit:1\" reviewer=\"r1\" call=\"C\">\n"
    "  <review proposal=\"P1\" confidence=\"3\"><score criterion=\"q\" value=\"7\"/></review>\n"
    "</sheet>\n";

/* One proposal; the approach and the first milestone's metric are %s. */
#define PROPOSAL_XML                                                                               \
    "<proposal xmlns=\"urn:merit:1\" id=\"P1\" call=\"C\" months=\"12\">\n"                        \
    "  <title>T</title><area>A</area>\n"                                                           \
    "  <team><organisation id=\"o\" lead=\"true\" type=\"sme\" employees=\"10\" "                  \
    "location=\"DE\" supply-chain=\"end-user\"><name>O</name></organisation></team>\n"             \
    "  <sections><problem>P</problem><approach>%s</approach><milestones>"                          \
    "<milestone id=\"m1\" due=\"2027-06-30\"><metric>%s</metric><description>d</description>"      \
    "</milestone></milestones><management>M</management><diffusion>D</diffusion>"                  \
    "<sme-involvement>S</sme-involvement></sections>\n"                                            \
    "  <budget><year number=\"1\" federal=\"100\" cash=\"100\" in-kind=\"0\"/>"                    \
    "<total federal=\"100\" cash=\"100\" in-kind=\"0\"/></budget>\n"                               \
    "</proposal>\n"

static void write_call(const char *dir, const char *rule, const char *approach,
                       const char *milestone)
{
    t_write(dir, "call/call.xml", call_xml);
    size_t rubric_size = strlen(rubric_head) + strlen(rule) + 64;
    char *rubric = malloc(rubric_size);
    assert_non_null(rubric);
    snprintf(rubric, rubric_size, "%s%s  </eligibility>\n</rubric>\n", rubric_head, rule);
    t_write(dir, "call/rubric.xml", rubric);
    free(rubric);
    size_t size = strlen(PROPOSAL_XML) + strlen(approach) + strlen(milestone) + 1;
    char *proposal = malloc(size);
    assert_non_null(proposal);
    snprintf(proposal, size, PROPOSAL_XML, approach, milestone);
    t_write(dir, "call/proposals/P1.xml", proposal);
    free(proposal);
    t_write(dir, "call/reviews/r1.xml", sheet_xml);
}

/* Loads call/ (which must load) and ranks it; returns the rank's result. */
static int load_and_rank(struct t_scratch *s)
{
    merit_call *call = NULL;
    int rc = merit_call_load(s->ctx, "call", &call);
    if (rc != 0)
        t_print_diags(s->ctx);
    assert_int_equal(rc, 0);
    merit_result *res = NULL;
    rc = merit_call_rank(s->ctx, call, NULL, &res);
    assert_true((rc == 0) == (res != NULL));
    merit_result_free(res);
    merit_call_free(call);
    return rc;
}

static void catastrophic_pattern_on_a_section_is_a_limit_diagnostic(void **state)
{
    struct t_scratch *s = *state;
    char *approach = a_run_then_b(40);
    write_call(s->dir,
               "    <text-rule id=\"nested\" section=\"approach\"><pattern>(a+)+$</pattern>"
               "<message>m</message></text-rule>\n",
               approach, "1 part");
    free(approach);
    assert_int_equal(load_and_rank(s), MERIT_ELIMIT);
    /* at the rule's start tag: line 7, after 4 spaces */
    T_EXPECT_DIAGS(s->ctx, T_ERROR("call/rubric.xml", 7, 5,
                                   "the pattern of text rule 'nested' hit the match limit on "
                                   "section 'approach' of proposal 'P1' (the 'match' limit); "
                                   "simplify the pattern: nested quantifiers backtrack "
                                   "catastrophically"));
    assert_int_equal(merit_ctx_diag(s->ctx, 0)->kind, MERIT_DIAG_LIMIT);
}

static void catastrophic_pattern_on_a_milestone_is_a_limit_diagnostic(void **state)
{
    struct t_scratch *s = *state;
    char *metric = a_run_then_b(40);
    write_call(s->dir,
               "    <text-rule id=\"nested\" section=\"milestones\" scope=\"each-milestone\" "
               "expect=\"no-match\"><pattern>(a+)+$</pattern><message>m</message></text-rule>\n",
               "An approach.", metric);
    free(metric);
    assert_int_equal(load_and_rank(s), MERIT_ELIMIT);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("call/rubric.xml", 7, 5,
                                   "the pattern of text rule 'nested' hit the match limit on "
                                   "milestone 'm1' of proposal 'P1' (the 'match' limit); "
                                   "simplify the pattern: nested quantifiers backtrack "
                                   "catastrophically"));
}

static void harmless_text_ranks(void **state)
{
    struct t_scratch *s = *state;
    write_call(s->dir,
               "    <text-rule id=\"nested\" section=\"approach\"><pattern>(a+)+$</pattern>"
               "<message>m</message></text-rule>\n",
               "aaaa", "1 part");
    assert_int_equal(load_and_rank(s), 0);
    T_EXPECT_NO_DIAGS(s->ctx);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, t_scratch_setup, t_scratch_teardown)
    const struct CMUnitTest tests[] = {
        T(nested_quantifier_hits_the_match_limit),
        T(nested_quantifier_on_a_whole_section_hits_the_match_limit),
        T(catastrophic_pattern_on_a_section_is_a_limit_diagnostic),
        T(catastrophic_pattern_on_a_milestone_is_a_limit_diagnostic),
        T(harmless_text_ranks),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
