/*
 * Proposals (proposal.c) through merit_file_validate(): the checks the
 * schema cannot make (one lead, SME sizes, unique ids, budget years and
 * totals, a federal request) and duplicate ids in a bundle, each with its
 * exact diagnostic, line and column; the domain-neutral core (a proposal
 * with a title, an applicant and a request), free sections, declared facts,
 * and what a rubric requires, checked as a proposal loads against it.
 */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "merit/model.h"
#include "merit/result.h"
#include "proposal.h"
#include "textrule.h"

/* A valid proposal; each test changes one thing. The line numbers on the
 * left are the ones diagnostics must name. */
/* clang-format off */
static const char base_proposal[] =
    /*  1 */ "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    /*  2 */ "<proposal xmlns=\"urn:merit:1\" id=\"P01\" call=\"C1\" months=\"24\">\n"
    /*  3 */ "  <title>Test</title>\n"
    /*  4 */ "  <area>Testing</area>\n"
    /*  5 */ "  <team>\n"
    /*  6 */ "    <organisation id=\"acme\" lead=\"true\" type=\"sme\" employees=\"50\" "
             "location=\"US-OH\" supply-chain=\"end-user\">\n"
    /*  7 */ "      <name>Acme</name>\n"
    /*  8 */ "    </organisation>\n"
    /*  9 */ "    <organisation id=\"uni\" type=\"academic\" employees=\"3000\" "
             "location=\"US-MI\" supply-chain=\"research\">\n"
    /* 10 */ "      <name>Uni</name>\n"
    /* 11 */ "    </organisation>\n"
    /* 12 */ "  </team>\n"
    /* 13 */ "  <sections>\n"
    /* 14 */ "    <problem>A problem.</problem>\n"
    /* 15 */ "    <approach>An approach.</approach>\n"
    /* 16 */ "    <milestones>\n"
    /* 17 */ "      <milestone id=\"M1\" due=\"2027-01-31\"><metric>yield 90%</metric>"
             "<description>First.</description></milestone>\n"
    /* 18 */ "      <milestone id=\"M2\" due=\"2027-12-31\"><metric>rate 5/h</metric>"
             "<description>Second.</description></milestone>\n"
    /* 19 */ "    </milestones>\n"
    /* 20 */ "    <management>Managed.</management>\n"
    /* 21 */ "    <diffusion>We disseminate.</diffusion>\n"
    /* 22 */ "    <sme-involvement>SMEs.</sme-involvement>\n"
    /* 23 */ "  </sections>\n"
    /* 24 */ "  <budget>\n"
    /* 25 */ "    <year number=\"1\" federal=\"100.50\" cash=\"50\" in-kind=\"50\"/>\n"
    /* 26 */ "    <year number=\"2\" federal=\"99.50\" cash=\"50\" in-kind=\"50\"/>\n"
    /* 27 */ "    <total federal=\"200\" cash=\"100\" in-kind=\"100\"/>\n"
    /* 28 */ "  </budget>\n"
    /* 29 */ "</proposal>\n";
/* clang-format on */

static int validate(struct t_scratch *s, const char *xml, const char **kind, size_t *count)
{
    t_write(s->dir, "proposal.xml", xml);
    return merit_file_validate(s->ctx, "proposal.xml", kind, count);
}

/* Validates base_proposal with (from, to) edits applied. */
#define validate_edited(s, ...) validate_edited_(s, t_edit(base_proposal, __VA_ARGS__))
static int validate_edited_(struct t_scratch *s, char *xml)
{
    const char *kind = NULL;
    size_t count = 99;
    int rc = validate(s, xml, &kind, &count);
    free(xml);
    assert_string_equal(kind, "proposal");
    assert_int_equal(count, 1);
    return rc;
}

static void base_proposal_is_valid(void **state)
{
    struct t_scratch *s = *state;
    const char *kind = NULL;
    size_t count = 0;
    assert_int_equal(validate(s, base_proposal, &kind, &count), 0);
    T_EXPECT_NO_DIAGS(s->ctx);
    assert_string_equal(kind, "proposal");
    assert_int_equal(count, 1);
}

static void boolean_and_boundary_values_are_valid(void **state)
{
    struct t_scratch *s = *state;
    /* lead="1" is an xs:boolean true; 499 employees is still an SME; a
     * large firm of exactly 500 is large; 13 months need 2 budget years */
    assert_int_equal(validate_edited(s, "lead=\"true\"", "lead=\"1\"", "employees=\"50\"",
                                     "employees=\"499\"", "type=\"academic\" employees=\"3000\"",
                                     "type=\"large\" employees=\"500\"", "months=\"24\"",
                                     "months=\"13\""),
                     0);
    T_EXPECT_NO_DIAGS(s->ctx);
}

static void two_leads(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(validate_edited(s, "id=\"uni\" type", "id=\"uni\" lead=\"true\" type"),
                     MERIT_EINVALID);
    /* col 28: "    <organisation id=\"uni\" " is 27 bytes */
    T_EXPECT_DIAGS(s->ctx, T_ERROR("proposal.xml", 9, 28,
                                   "proposal 'P01' has more than one lead organisation"));
}

static void no_lead(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(validate_edited(s, " lead=\"true\"", ""), MERIT_EINVALID);
    /* reported at <team> */
    T_EXPECT_DIAGS(s->ctx, T_ERROR("proposal.xml", 5, 3,
                                   "proposal 'P01' names no lead organisation (lead=\"true\")"));
}

static void lead_false_is_no_lead(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(validate_edited(s, "lead=\"true\"", "lead=\"false\""), MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("proposal.xml", 5, 3,
                                   "proposal 'P01' names no lead organisation (lead=\"true\")"));
}

/* Regression test for a fixed bug (proposal.c load_team): xs:boolean collapses white space,
 * so the schema accepts lead=" true ", but the loader compares the raw text
 * with "true" and "1" and then reports "names no lead organisation
 * (lead=\"true\")" for a proposal whose lead is plainly marked. The same
 * comparison is made for caseless= in rubric.c and skip-unaffordable=.
 * */
static void lead_with_spaces_is_a_lead(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(validate_edited(s, "lead=\"true\"", "lead=\" true \""), 0);
    T_EXPECT_NO_DIAGS(s->ctx);
}

static void sme_with_500_employees(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(validate_edited(s, "employees=\"50\"", "employees=\"500\""), MERIT_EINVALID);
    /* col 52: "    <organisation id=\"acme\" lead=\"true\" type=\"sme\" " is 51
     * bytes */
    T_EXPECT_DIAGS(s->ctx, T_ERROR("proposal.xml", 6, 52,
                                   "organisation 'acme' is typed sme but has 500 employees; an "
                                   "SME has fewer than 500"));
}

static void large_with_10_employees(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(validate_edited(s, "type=\"academic\" employees=\"3000\"",
                                     "type=\"large\" employees=\"10\""),
                     MERIT_EINVALID);
    /* col 41: "    <organisation id=\"uni\" type=\"large\" " is 40 bytes */
    T_EXPECT_DIAGS(s->ctx, T_ERROR("proposal.xml", 9, 41,
                                   "organisation 'uni' is typed large but has 10 employees; a "
                                   "firm with fewer than 500 is an sme"));
}

static void duplicate_organisation_id(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(validate_edited(s, "id=\"uni\"", "id=\"acme\""), MERIT_EINVALID);
    /* col 19: "    <organisation " is 18 bytes */
    T_EXPECT_DIAGS(s->ctx, T_ERROR("proposal.xml", 9, 19,
                                   "duplicate organisation id 'acme' in proposal 'P01'"));
}

static void duplicate_milestone_id(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(validate_edited(s, "id=\"M2\"", "id=\"M1\""), MERIT_EINVALID);
    /* col 18: "      <milestone " is 17 bytes */
    T_EXPECT_DIAGS(
        s->ctx, T_ERROR("proposal.xml", 18, 18, "duplicate milestone id 'M1' in proposal 'P01'"));
}

/* No count of organisations or milestones lives in the schema (it stopped
 * at 100 of each): 3,000 of each load, and a repeat among them is still
 * found, at the repeat (by sorting: no n^2 of 3,000). */
static void many_organisations_and_milestones(void **state)
{
    struct t_scratch *s = *state;
    size_t cap = 3000 * 200, len = 0;
    char *orgs = malloc(cap), *mils = malloc(cap);
    assert_non_null(orgs);
    assert_non_null(mils);
    orgs[0] = mils[0] = '\0';
    for (size_t i = 0; i < 3000; i++)
        len += (size_t)snprintf(orgs + len, cap - len,
                                "<organisation id=\"o%zu\"><name>O</name></organisation>", i);
    len = 0;
    for (size_t i = 0; i < 3000; i++)
        len += (size_t)snprintf(mils + len, cap - len,
                                "<milestone id=\"m%zu\" due=\"2027-01-31\"><metric>%zu</metric>"
                                "<description>D.</description></milestone>",
                                i, i);
    char *team = t_sprintf("    </organisation>%s\n  </team>", orgs);
    char *more = t_sprintf("Second.</description></milestone>%s\n", mils);
    char *again = t_sprintf("Second.</description></milestone>%s<milestone id=\"m7\" "
                            "due=\"2027-01-31\"><metric>7</metric><description>D."
                            "</description></milestone>\n",
                            mils);
    char *xml = t_edit(base_proposal, "    </organisation>\n  </team>", team,
                       "Second.</description></milestone>\n", more);
    assert_int_equal(validate_edited_(s, xml), 0);
    T_EXPECT_NO_DIAGS(s->ctx);
    /* the last milestone named as the first one: one error, at it */
    merit_ctx_clear_diags(s->ctx);
    char *dup = t_edit(base_proposal, "Second.</description></milestone>\n", again);
    assert_int_equal(validate_edited_(s, dup), MERIT_EINVALID);
    assert_int_equal(merit_ctx_error_count(s->ctx), 1);
    assert_string_equal(merit_ctx_diag(s->ctx, 0)->message,
                        "duplicate milestone id 'm7' in proposal 'P01'");
    free(orgs);
    free(mils);
    free(team);
    free(more);
    free(again);
}

static void totals_do_not_add_up(void **state)
{
    struct t_scratch *s = *state;
    /* years: federal 100.50 + 99.50 = 200.00, cash 50 + 50 = 100.00 */
    assert_int_equal(validate_edited(s, "<total federal=\"200\" cash=\"100\"",
                                     "<total federal=\"200.01\" cash=\"1000\""),
                     MERIT_EINVALID);
    /* "    <total " is 11 bytes; "federal=\"200.01\" " 17 more */
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("proposal.xml", 27, 12,
                           "budget total federal of proposal 'P01' is 200.01 but its years add "
                           "up to 200.00"),
                   T_ERROR("proposal.xml", 27, 29,
                           "budget total cash of proposal 'P01' is 1,000.00 but its years add up "
                           "to 100.00"));
}

static void wrong_number_of_years(void **state)
{
    struct t_scratch *s = *state;
    /* 36 months: (36 + 11) / 12 = 3 years; the budget has 2 */
    assert_int_equal(validate_edited(s, "months=\"24\"", "months=\"36\""), MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("proposal.xml", 24, 3,
                                   "proposal 'P01' runs 36 months, so its budget needs 3 years, "
                                   "not 2"));
}

static void one_year_too_many(void **state)
{
    struct t_scratch *s = *state;
    /* 25 months: (25 + 11) / 12 = 3 years */
    assert_int_equal(validate_edited(s, "months=\"24\"", "months=\"25\""), MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("proposal.xml", 24, 3,
                                   "proposal 'P01' runs 25 months, so its budget needs 3 years, "
                                   "not 2"));
}

/* Regression test for a fixed message (proposal.c load_budget): for a project of 12 months
 * or less the message reads "needs 1 years, not 2". Disabled in the case
 * list; the expected text is the grammatical one. */
static void one_year_message_is_singular(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(validate_edited(s, "months=\"24\"", "months=\"12\""), MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("proposal.xml", 24, 3,
                                   "proposal 'P01' runs 12 months, so its budget needs 1 year, "
                                   "not 2"));
}

static void year_numbered_twice(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(validate_edited(s, "<year number=\"2\"", "<year number=\"1\""),
                     MERIT_EINVALID);
    /* col 11: "    <year " is 10 bytes */
    T_EXPECT_DIAGS(
        s->ctx, T_ERROR("proposal.xml", 26, 11, "budget year 1 of proposal 'P01' is given twice"));
}

static void year_out_of_range(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(validate_edited(s, "<year number=\"2\"", "<year number=\"3\""),
                     MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("proposal.xml", 26, 11,
                                   "budget year 3 of proposal 'P01': years must be numbered 1 to "
                                   "2"));
}

static void zero_federal_request(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(validate_edited(s, "federal=\"100.50\"", "federal=\"0\"", "federal=\"99.50\"",
                                     "federal=\"0.00\"", "<total federal=\"200\"",
                                     "<total federal=\"0\""),
                     MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("proposal.xml", 27, 12, "proposal 'P01' requests no federal money"));
}

static void schema_error_names_attribute(void **state)
{
    struct t_scratch *s = *state;
    /* three decimal places is not an amount: the schema says so, at the
     * attribute */
    char *xml = t_replace(base_proposal, "cash=\"50\" in-kind=\"50\"/>\n    <year number=\"2\"",
                          "cash=\"50.125\" in-kind=\"50\"/>\n    <year number=\"2\"");
    const char *kind = NULL;
    size_t count = 99;
    assert_int_equal(validate(s, xml, &kind, &count), MERIT_EINVALID);
    free(xml);
    /* the kind is known from the root; records are counted only once the
     * schema passes */
    assert_string_equal(kind, "proposal");
    assert_int_equal(count, 0);
    /* "    <year number=\"1\" federal=\"100.50\" " is 38 bytes */
    T_EXPECT_DIAGS(s->ctx, T_ERROR("proposal.xml", 25, 39,
                                   "cash '50.125' is not an amount (1 to 15 digits and at most two "
                                   "decimals, as 1500 or 1500.50)"));
}

static void every_problem_is_reported(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(validate_edited(s, "employees=\"50\"", "employees=\"900\"", "id=\"M2\"",
                                     "id=\"M1\"", "id=\"uni\"", "id=\"acme\""),
                     MERIT_EINVALID);
    T_EXPECT_DIAGS(
        s->ctx,
        T_ERROR("proposal.xml", 6, 52,
                "organisation 'acme' is typed sme but has 900 employees; an SME has "
                "fewer than 500"),
        T_ERROR("proposal.xml", 9, 19, "duplicate organisation id 'acme' in proposal 'P01'"),
        T_ERROR("proposal.xml", 18, 18, "duplicate milestone id 'M1' in proposal 'P01'"));
}

/* --- bundles ---------------------------------------------------------------- */

/* base_proposal's element with its id replaced, without the XML declaration
 * and namespace (the bundle declares it). */
static char *bundle_member(const char *id)
{
    char *p = t_edit(base_proposal, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", "",
                     " xmlns=\"urn:merit:1\"", "", "id=\"P01\"", id);
    return p;
}

static void bundle_counts_records(void **state)
{
    struct t_scratch *s = *state;
    char *a = bundle_member("id=\"P01\"");
    char *b = bundle_member("id=\"P02\"");
    size_t size = strlen(a) + strlen(b) + 200;
    char *xml = malloc(size);
    assert_non_null(xml);
    snprintf(xml, size,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<proposals xmlns=\"urn:merit:1\">\n%s%s"
             "</proposals>\n",
             a, b);
    const char *kind = NULL;
    size_t count = 0;
    assert_int_equal(validate(s, xml, &kind, &count), 0);
    T_EXPECT_NO_DIAGS(s->ctx);
    assert_string_equal(kind, "proposal bundle");
    assert_int_equal(count, 2);
    free(a);
    free(b);
    free(xml);
}

static void bundle_with_duplicate_proposal_id(void **state)
{
    struct t_scratch *s = *state;
    char *a = bundle_member("id=\"P01\"");
    char *b = bundle_member("id=\"P02\"");
    char *c = bundle_member("id=\"P01\"");
    size_t size = strlen(a) * 3 + 200;
    char *xml = malloc(size);
    assert_non_null(xml);
    /* line 1 declaration, 2 <proposals>, then 28 lines per proposal: the
     * third starts on line 2 + 28 + 28 + 1 = 59 */
    snprintf(xml, size,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<proposals xmlns=\"urn:merit:1\">\n"
             "%s%s%s</proposals>\n",
             a, b, c);
    const char *kind = NULL;
    size_t count = 0;
    assert_int_equal(validate(s, xml, &kind, &count), MERIT_EINVALID);
    assert_string_equal(kind, "proposal bundle");
    assert_int_equal(count, 3);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("proposal.xml", 59, 1, "duplicate proposal id 'P01'"));
    free(a);
    free(b);
    free(c);
    free(xml);
}

static void empty_bundle_is_valid(void **state)
{
    struct t_scratch *s = *state;
    const char *kind = NULL;
    size_t count = 99;
    assert_int_equal(validate(s, "<proposals xmlns=\"urn:merit:1\"/>\n", &kind, &count), 0);
    T_EXPECT_NO_DIAGS(s->ctx);
    assert_string_equal(kind, "proposal bundle");
    assert_int_equal(count, 0);
}

/* --- the loaded model ------------------------------------------------------- */

/* The words of a section the proposal has (the test fails when it has none). */
static uint64_t words(const merit_proposal *p, const char *section)
{
    const merit_section_words *sw = merit_proposal_section(p, section);
    assert_non_null(sw);
    return sw->words;
}

static void proposal_model_fields(void **state)
{
    struct t_scratch *s = *state;
    /* merit__proposal_from_node on the parsed base proposal */
    t_write(s->dir, "proposal.xml", base_proposal);
    struct merit_xml_doc doc;
    assert_int_equal(merit__xml_read_file(s->ctx, "proposal.xml", &doc), 0);
    assert_int_equal(merit__xml_parse(s->ctx, &doc), 0);
    assert_int_equal(merit__xml_validate(s->ctx, &doc, MERIT_SCHEMA_PROPOSAL), 0);
    merit_proposal p;
    memset(&p, 0, sizeof(p));
    assert_int_equal(
        merit__proposal_from_node(s->ctx, &doc, xmlDocGetRootElement(doc.doc), NULL, &p), 0);
    T_EXPECT_NO_DIAGS(s->ctx);
    assert_string_equal(p.id, "P01");
    assert_string_equal(p.call_id, "C1");
    assert_int_equal(p.months, 24);
    assert_int_equal(p.org_count, 2);
    assert_int_equal(p.lead, 0);
    assert_true(p.orgs[0].lead);
    assert_int_equal(p.orgs[0].type, MERIT_ORG_SME);
    assert_int_equal(p.orgs[0].employees, 50);
    assert_string_equal(p.orgs[0].location, "US-OH");
    assert_int_equal(p.orgs[0].chain, MERIT_CHAIN_END_USER);
    assert_int_equal(p.orgs[1].type, MERIT_ORG_ACADEMIC);
    assert_int_equal(p.orgs[1].chain, MERIT_CHAIN_RESEARCH);
    assert_int_equal(p.milestone_count, 2);
    assert_string_equal(p.milestones[1].id, "M2");
    assert_string_equal(p.milestones[1].due, "2027-12-31");
    assert_int_equal(p.milestones[1].loc.line, 18);
    /* words, counted as the texts were read: "A problem.", "An approach.",
     * the milestones "yield 90%" "First." "rate 5/h" "Second.", "Managed.",
     * "We disseminate.", "SMEs." */
    assert_int_equal(words(&p, "problem"), 2);
    assert_int_equal(words(&p, "approach"), 2);
    assert_int_equal(words(&p, "milestones"), 6);
    assert_int_equal(words(&p, "management"), 1);
    assert_int_equal(words(&p, "diffusion"), 2);
    assert_int_equal(words(&p, "sme-involvement"), 1);
    /* the metric is kept for reports, the description is not; without a
     * rubric there are no text outcomes */
    assert_string_equal(p.milestones[1].metric, "rate 5/h");
    assert_null(p.milestones[1].description);
    assert_null(p.text_outcomes);
    assert_int_equal(p.text_outcome_count, 0);
    assert_int_equal(p.year_count, 2);
    assert_int_equal(p.years[0].federal, 10050); /* 100.50 in cents */
    assert_int_equal(p.years[1].federal, 9950);
    assert_int_equal(p.total.federal, 20000);
    assert_int_equal(p.total.cash, 10000);
    assert_int_equal(p.total.in_kind, 10000);
    assert_int_equal(p.loc.line, 2);
    assert_int_equal(p.loc.column, 1);
    merit__proposal_release(&p);
    merit__xml_doc_release(&doc);
}

/* --- the core, free sections, declared facts --------------------------------- */

/* What every call has: a title, an applicant, a request. */
/* clang-format off */
static const char minimal_proposal[] =
    /* 1 */ "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    /* 2 */ "<proposal xmlns=\"urn:merit:1\" id=\"P01\" call=\"C1\">\n"
    /* 3 */ "  <title>Minimal</title>\n"
    /* 4 */ "  <applicant>Ann Example</applicant>\n"
    /* 5 */ "  <request amount=\"500.25\"/>\n"
    /* 6 */ "</proposal>\n";
/* clang-format on */

/* Loads xml as proposal.xml (valid against the schema) against rubric (may
 * be NULL); returns merit__proposal_from_node's code. The caller releases p
 * and doc. */
static int load_with(struct t_scratch *s, const char *xml, const merit_rubric *rubric,
                     struct merit_xml_doc *doc, merit_proposal *p)
{
    t_write(s->dir, "proposal.xml", xml);
    assert_int_equal(merit__xml_read_file(s->ctx, "proposal.xml", doc), 0);
    assert_int_equal(merit__xml_parse(s->ctx, doc), 0);
    assert_int_equal(merit__xml_validate(s->ctx, doc, MERIT_SCHEMA_PROPOSAL), 0);
    memset(p, 0, sizeof(*p));
    return merit__proposal_from_node(s->ctx, doc, xmlDocGetRootElement(doc->doc), rubric, p);
}

static void minimal_proposal_is_valid(void **state)
{
    struct t_scratch *s = *state;
    const char *kind = NULL;
    size_t count = 0;
    assert_int_equal(validate(s, minimal_proposal, &kind, &count), 0);
    T_EXPECT_NO_DIAGS(s->ctx);
    struct merit_xml_doc doc;
    merit_proposal p;
    assert_int_equal(load_with(s, minimal_proposal, NULL, &doc, &p), 0);
    assert_string_equal(p.title, "Minimal");
    assert_string_equal(p.applicant, "Ann Example");
    assert_string_equal(merit_proposal_applicant(&p), "Ann Example");
    assert_true(p.has_request);
    assert_int_equal(p.request, 50025); /* 500.25 in cents */
    assert_null(p.area);
    assert_int_equal(p.months, 0);
    assert_int_equal(p.org_count, 0);
    assert_int_equal(p.section_count, 0);
    assert_int_equal(p.fact_count, 0);
    assert_int_equal(p.year_count, 0);
    /* what it does not carry, no fact is derived from */
    assert_false(merit_proposal_has_fact(&p, MERIT_FACT_FEDERAL_SHARE));
    assert_false(merit_proposal_has_fact(&p, MERIT_FACT_SME_SHARE));
    assert_false(merit_proposal_has_fact(&p, MERIT_FACT_ORGANISATIONS));
    assert_false(merit_proposal_has_fact(&p, MERIT_FACT_MILESTONES));
    assert_false(merit_proposal_has_fact(&p, MERIT_FACT_MONTHS));
    assert_true(merit_proposal_has_fact(&p, MERIT_FACT_REQUEST));
    assert_null(merit_proposal_section(&p, "approach"));
    merit__proposal_release(&p);
    merit__xml_doc_release(&doc);

    /* without <applicant>, the lead organisation applies; the base
     * proposal's request is its budget's federal total */
    assert_int_equal(load_with(s, base_proposal, NULL, &doc, &p), 0);
    assert_null(p.applicant);
    assert_string_equal(merit_proposal_applicant(&p), "Acme");
    assert_false(p.has_request);
    assert_int_equal(p.request, 20000);
    merit__proposal_release(&p);
    merit__xml_doc_release(&doc);
}

static void budget_without_months(void **state)
{
    struct t_scratch *s = *state;
    /* without months, the budget's years need only be numbered 1 to n */
    char *xml = t_edit(base_proposal, " months=\"24\"", "");
    struct merit_xml_doc doc;
    merit_proposal p;
    assert_int_equal(load_with(s, xml, NULL, &doc, &p), 0);
    T_EXPECT_NO_DIAGS(s->ctx);
    assert_int_equal(p.months, 0);
    assert_int_equal(p.year_count, 2);
    assert_false(merit_proposal_has_fact(&p, MERIT_FACT_MONTHS));
    assert_true(merit_proposal_has_fact(&p, MERIT_FACT_FEDERAL_SHARE));
    merit__proposal_release(&p);
    merit__xml_doc_release(&doc);
    free(xml);
}

static void a_proposal_needs_an_amount(void **state)
{
    struct t_scratch *s = *state;
    char *xml = t_edit(minimal_proposal, "  <request amount=\"500.25\"/>\n", "");
    const char *kind;
    size_t count;
    assert_int_equal(validate(s, xml, &kind, &count), MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("proposal.xml", 2, 1,
                                   "proposal 'P01' asks for no amount: give <request "
                                   "amount=\"...\"/>, or a <budget>"));
    free(xml);
}

static void a_request_of_nothing(void **state)
{
    struct t_scratch *s = *state;
    char *xml = t_edit(minimal_proposal, "500.25", "0.00");
    const char *kind;
    size_t count;
    assert_int_equal(validate(s, xml, &kind, &count), MERIT_EINVALID);
    /* "  <request " is 11 bytes */
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("proposal.xml", 5, 12,
                           "proposal 'P01' requests nothing: the amount must be above zero"));
    free(xml);
}

static void request_and_budget_must_agree(void **state)
{
    struct t_scratch *s = *state;
    /* the budget's federal total is 200; "  <area>Testing</area>" is 22
     * bytes and "<request " 9 more */
    assert_int_equal(
        validate_edited(s, "<area>Testing</area>", "<area>Testing</area><request amount=\"150\"/>"),
        MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("proposal.xml", 4, 32,
                                   "proposal 'P01' requests 150.00, but its budget's federal total "
                                   "is 200.00: the two must agree"));
    merit_ctx_clear_diags(s->ctx);
    assert_int_equal(validate_edited(s, "<area>Testing</area>",
                                     "<area>Testing</area><request amount=\"200.00\"/>"),
                     0);
    T_EXPECT_NO_DIAGS(s->ctx);
}

static void organisation_fields_are_optional(void **state)
{
    struct t_scratch *s = *state;
    /* an SME without employees is not checked against the size rule, and an
     * organisation may give nothing but its id and name */
    char *xml = t_edit(base_proposal, " employees=\"50\"", "",
                       " type=\"academic\" employees=\"3000\" location=\"US-MI\" "
                       "supply-chain=\"research\"",
                       "");
    struct merit_xml_doc doc;
    merit_proposal p;
    assert_int_equal(load_with(s, xml, NULL, &doc, &p), 0);
    T_EXPECT_NO_DIAGS(s->ctx);
    assert_int_equal(p.orgs[0].given, MERIT_ORG_GIVEN_TYPE | MERIT_ORG_GIVEN_LOCATION |
                                          MERIT_ORG_GIVEN_SUPPLY_CHAIN);
    assert_int_equal(p.orgs[1].given, 0);
    assert_string_equal(p.orgs[1].location, "");
    /* sme-share needs every organisation's type */
    assert_true(merit_proposal_has_fact(&p, MERIT_FACT_ORGANISATIONS));
    assert_false(merit_proposal_has_fact(&p, MERIT_FACT_SME_SHARE));
    merit__proposal_release(&p);
    merit__xml_doc_release(&doc);
    free(xml);
}

static void free_sections_are_named(void **state)
{
    struct t_scratch *s = *state;
    char *xml = t_edit(minimal_proposal, "</proposal>",
                       "<sections><approach>One two three.</approach>"
                       "<section name=\"summary\">Two words.</section>"
                       "<section name=\"Budget_notes\">a b c d</section></sections></proposal>");
    struct merit_xml_doc doc;
    merit_proposal p;
    assert_int_equal(load_with(s, xml, NULL, &doc, &p), 0);
    T_EXPECT_NO_DIAGS(s->ctx);
    /* the known ones first, then the others bytewise ('B' < 's') */
    assert_int_equal(p.section_count, 3);
    assert_string_equal(p.sections[0].name, "approach");
    assert_string_equal(p.sections[1].name, "Budget_notes");
    assert_string_equal(p.sections[2].name, "summary");
    assert_int_equal(words(&p, "approach"), 3);
    assert_int_equal(words(&p, "Budget_notes"), 4);
    assert_int_equal(words(&p, "summary"), 2);
    assert_null(merit_proposal_section(&p, "Summary")); /* case matters */
    merit__proposal_release(&p);
    merit__xml_doc_release(&doc);
    free(xml);
}

static void a_known_section_by_name(void **state)
{
    struct t_scratch *s = *state;
    /* <section name="problem"> is the problem section, by its static name */
    char *xml = t_edit(minimal_proposal, "</proposal>",
                       "<sections><section name=\"problem\">A b.</section></sections></proposal>");
    struct merit_xml_doc doc;
    merit_proposal p;
    assert_int_equal(load_with(s, xml, NULL, &doc, &p), 0);
    assert_int_equal(p.section_count, 1);
    assert_ptr_equal(p.sections[0].name, merit_section_name(MERIT_SECTION_PROBLEM));
    assert_int_equal(words(&p, "problem"), 2);
    merit__proposal_release(&p);
    merit__xml_doc_release(&doc);
    free(xml);
}

static void a_section_twice(void **state)
{
    struct t_scratch *s = *state;
    char *xml = t_edit(minimal_proposal, "</proposal>",
                       "<sections>\n<problem>x</problem>\n<section name=\"problem\">y</section>\n"
                       "</sections></proposal>");
    const char *kind;
    size_t count;
    assert_int_equal(validate(s, xml, &kind, &count), MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("proposal.xml", 8, 1, "proposal 'P01' has section 'problem' twice"));
    free(xml);
}

static void milestones_are_not_free_text(void **state)
{
    struct t_scratch *s = *state;
    char *xml = t_edit(minimal_proposal, "</proposal>",
                       "<sections>\n<section name=\"milestones\">soon</section>\n"
                       "</sections></proposal>");
    const char *kind;
    size_t count;
    assert_int_equal(validate(s, xml, &kind, &count), MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("proposal.xml", 7, 10,
                                   "section 'milestones' of proposal 'P01' holds milestones: write "
                                   "it as <milestones>, with one <milestone> each"));
    free(xml);
}

static void declared_facts(void **state)
{
    struct t_scratch *s = *state;
    char *xml = t_edit(minimal_proposal, "</proposal>",
                       "<facts><fact name=\"trl\" value=\"6.50\"/>"
                       "<fact name=\"a-b\" value=\"-1\"/></facts></proposal>");
    struct merit_xml_doc doc;
    merit_proposal p;
    assert_int_equal(load_with(s, xml, NULL, &doc, &p), 0);
    T_EXPECT_NO_DIAGS(s->ctx);
    /* sorted by name, values as written */
    assert_int_equal(p.fact_count, 2);
    assert_string_equal(p.facts[0].name, "a-b");
    assert_string_equal(p.facts[1].name, "trl");
    assert_string_equal(merit_proposal_fact(&p, "trl"), "6.50");
    assert_string_equal(merit_proposal_fact(&p, "a-b"), "-1");
    assert_null(merit_proposal_fact(&p, "TRL"));
    merit__proposal_release(&p);
    merit__xml_doc_release(&doc);
    free(xml);
}

static void a_declared_fact_with_a_derived_name(void **state)
{
    struct t_scratch *s = *state;
    char *xml = t_edit(minimal_proposal, "</proposal>",
                       "<facts>\n<fact name=\"months\" value=\"3\"/>\n</facts></proposal>");
    const char *kind;
    size_t count;
    assert_int_equal(validate(s, xml, &kind, &count), MERIT_EINVALID);
    /* "<fact " is 6 bytes */
    T_EXPECT_DIAGS(s->ctx, T_ERROR("proposal.xml", 7, 7,
                                   "proposal 'P01' declares the fact 'months', which merit derives "
                                   "itself: a declared fact needs a name of its own"));
    free(xml);
}

static void a_declared_fact_twice(void **state)
{
    struct t_scratch *s = *state;
    char *xml = t_edit(minimal_proposal, "</proposal>",
                       "<facts>\n<fact name=\"trl\" value=\"3\"/>\n<fact name=\"trl\" "
                       "value=\"4\"/>\n</facts></proposal>");
    const char *kind;
    size_t count;
    assert_int_equal(validate(s, xml, &kind, &count), MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("proposal.xml", 8, 7, "proposal 'P01' declares the fact 'trl' twice"));
    free(xml);
}

/* --- what a rubric requires ---------------------------------------------------- */

static void the_seed_rubric_requires_what_its_rules_read(void **state)
{
    struct t_scratch *s = *state;
    merit_rubric *rb = NULL;
    assert_int_equal(merit_rubric_load_shipped(s->ctx, "manufacturing-usa", &rb), 0);
    struct merit_xml_doc doc;
    merit_proposal p;
    /* every requirement is reported, at the proposal, in the order of the
     * proposal's parts, with the rule or tie-break that reads it */
    assert_int_equal(load_with(s, minimal_proposal, rb, &doc, &p), MERIT_EINVALID);
    T_EXPECT_DIAGS(
        s->ctx,
        T_ERROR("proposal.xml", 2, 1,
                "proposal 'P01' has no <team>, which rubric 'manufacturing-usa' requires (its "
                "tie-break on 'sme-share' reads the type of every organisation)"),
        T_ERROR("proposal.xml", 2, 1,
                "proposal 'P01' has no <approach> section, which rubric 'manufacturing-usa' "
                "requires (its rule 'approach-length' counts the words of section 'approach')"),
        T_ERROR("proposal.xml", 2, 1,
                "proposal 'P01' has no <milestones> section, which rubric 'manufacturing-usa' "
                "requires (its rule 'min-milestones' reads the milestones)"),
        T_ERROR("proposal.xml", 2, 1,
                "proposal 'P01' has no <budget>, which rubric 'manufacturing-usa' requires (its "
                "rule 'federal-share' reads the federal, cash and in-kind amounts)"));
    merit_ctx_clear_diags(s->ctx);
    assert_null(p.text_outcomes); /* an invalid proposal's rules are not run */
    merit__proposal_release(&p);
    merit__xml_doc_release(&doc);

    /* an organisation without its type, which sme-share reads */
    char *xml = t_edit(base_proposal, " type=\"academic\"", "");
    assert_int_equal(load_with(s, xml, rb, &doc, &p), MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("proposal.xml", 9, 5,
                           "organisation 'uni' of proposal 'P01' has no attribute 'type', which "
                           "rubric 'manufacturing-usa' requires (its tie-break on 'sme-share' "
                           "reads the type of every organisation)"));
    merit_ctx_clear_diags(s->ctx);
    merit__proposal_release(&p);
    merit__xml_doc_release(&doc);
    free(xml);

    /* the seed's whole form passes, and its text rules are run */
    assert_int_equal(load_with(s, base_proposal, rb, &doc, &p), 0);
    T_EXPECT_NO_DIAGS(s->ctx);
    assert_non_null(p.text_outcomes);
    merit__proposal_release(&p);
    merit__xml_doc_release(&doc);
    merit_rubric_free(rb);
}

static void horizon_europe_requires_its_rules_section(void **state)
{
    struct t_scratch *s = *state;
    merit_rubric *rb = NULL;
    assert_int_equal(merit_rubric_load_shipped(s->ctx, "horizon-europe", &rb), 0);
    struct merit_xml_doc doc;
    merit_proposal p;
    assert_int_equal(load_with(s, minimal_proposal, rb, &doc, &p), MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("proposal.xml", 2, 1,
                                   "proposal 'P01' has no <diffusion> section, which rubric "
                                   "'horizon-europe' requires (its rule 'dissemination-plan' "
                                   "matches a pattern in it)"));
    merit__proposal_release(&p);
    merit__xml_doc_release(&doc);
    merit_rubric_free(rb);
}

/* A rubric of the test's own: one criterion, then `rest` after the
 * aggregation. */
static merit_rubric *rubric_with(struct t_scratch *s, const char *rest)
{
    char *x = t_sprintf("<rubric xmlns=\"urn:merit:1\" id=\"own\" version=\"1\"><title>t</title>"
                        "<scale min=\"0\" max=\"5\" step=\"1\"/><criteria><criterion id=\"c\" "
                        "weight=\"1\"><name>C</name></criterion></criteria>"
                        "<aggregation method=\"mean\"/>%s</rubric>\n",
                        rest);
    t_write(s->dir, "rubric.xml", x);
    free(x);
    merit_rubric *rb = NULL;
    int rc = merit_rubric_load_file(s->ctx, "rubric.xml", &rb);
    if (rc != 0)
        t_print_diags(s->ctx);
    assert_int_equal(rc, 0);
    return rb;
}

static void requires_lists_more(void **state)
{
    struct t_scratch *s = *state;
    merit_rubric *rb = rubric_with(s, "<requires><area/><months/><team fields=\"location\"/>"
                                      "<fact name=\"trl\"/><section name=\"summary\"/>"
                                      "<applicant/></requires>");
    struct merit_xml_doc doc;
    merit_proposal p;
    assert_int_equal(load_with(s, minimal_proposal, rb, &doc, &p), MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("proposal.xml", 2, 1,
                           "proposal 'P01' has no attribute 'months', which rubric 'own' requires "
                           "(its <requires> lists it)"),
                   T_ERROR("proposal.xml", 2, 1,
                           "proposal 'P01' has no <area>, which rubric 'own' requires (its "
                           "<requires> lists it)"),
                   T_ERROR("proposal.xml", 2, 1,
                           "proposal 'P01' has no <team>, which rubric 'own' requires (its "
                           "<requires> lists it)"),
                   T_ERROR("proposal.xml", 2, 1,
                           "proposal 'P01' has no section 'summary', which rubric 'own' requires "
                           "(its <requires> lists it)"),
                   T_ERROR("proposal.xml", 2, 1,
                           "proposal 'P01' has no fact 'trl' (in <facts>), which rubric 'own' "
                           "requires (its <requires> lists it)"));
    merit_ctx_clear_diags(s->ctx);
    merit__proposal_release(&p);
    merit__xml_doc_release(&doc);

    /* the base proposal has an area, months and a team with locations:
     * only the section and the fact are missing; its lead applies */
    assert_int_equal(load_with(s, base_proposal, rb, &doc, &p), MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("proposal.xml", 2, 1,
                           "proposal 'P01' has no section 'summary', which rubric 'own' requires "
                           "(its <requires> lists it)"),
                   T_ERROR("proposal.xml", 2, 1,
                           "proposal 'P01' has no fact 'trl' (in <facts>), which rubric 'own' "
                           "requires (its <requires> lists it)"));
    merit__proposal_release(&p);
    merit__xml_doc_release(&doc);
    merit_rubric_free(rb);
}

static void a_plain_rubric_requires_nothing(void **state)
{
    struct t_scratch *s = *state;
    merit_rubric *rb = rubric_with(s, "");
    assert_int_equal(rb->requirement_count, 0);
    struct merit_xml_doc doc;
    merit_proposal p;
    assert_int_equal(load_with(s, minimal_proposal, rb, &doc, &p), 0);
    T_EXPECT_NO_DIAGS(s->ctx);
    merit__proposal_release(&p);
    merit__xml_doc_release(&doc);
    merit_rubric_free(rb);
}

/* --- words and text rules, decided at load ---------------------------------- */

/* A text rule as the rubric loader makes it, compiled. */
static merit_rule text_rule(merit_ctx *ctx, const char *id, const char *section,
                            bool each_milestone, bool expect_match, const char *pattern)
{
    merit_rule rule;
    memset(&rule, 0, sizeof(rule));
    rule.id = strdup(id);
    rule.pattern = strdup(pattern);
    assert_non_null(rule.id);
    assert_non_null(rule.pattern);
    rule.is_text = true;
    rule.section = strdup(section);
    assert_non_null(rule.section);
    rule.each_milestone = each_milestone;
    rule.expect_match = expect_match;
    merit_loc loc = {"rubric.xml", 1, 1};
    assert_int_equal(merit__textrule_compile(ctx, &rule, loc), 0);
    return rule;
}

static void rules_release(merit_rule *rules, size_t count)
{
    for (size_t k = 0; k < count; k++) {
        free(rules[k].id);
        free(rules[k].section);
        free(rules[k].pattern);
        merit__textrule_free(rules[k].compiled);
    }
}

/* Loads xml as proposal.xml against rules; returns merit__proposal_from_node's
 * code. The caller releases p and doc. */
static int load_against(struct t_scratch *s, const char *xml, merit_rule *rules, size_t count,
                        struct merit_xml_doc *doc, merit_proposal *p)
{
    merit_rubric rb;
    memset(&rb, 0, sizeof(rb));
    rb.rules = rules;
    rb.rule_count = count;
    t_write(s->dir, "proposal.xml", xml);
    assert_int_equal(merit__xml_read_file(s->ctx, "proposal.xml", doc), 0);
    assert_int_equal(merit__xml_parse(s->ctx, doc), 0);
    assert_int_equal(merit__xml_validate(s->ctx, doc, MERIT_SCHEMA_PROPOSAL), 0);
    memset(p, 0, sizeof(*p));
    return merit__proposal_from_node(s->ctx, doc, xmlDocGetRootElement(doc->doc), &rb, p);
}

static void words_and_text_rules_are_decided_at_load(void **state)
{
    struct t_scratch *s = *state;
    /* base_proposal with an approach of four words: U+00A0, two spaces and a
     * tab each separate two (facts.h: runs of anything but white space) */
    char *xml = t_replace(base_proposal, "<approach>An approach.</approach>",
                          "<approach>One\xC2\xA0two  three\tfour</approach>");
    merit_rule rules[8];
    /* 0: the approach starts with "One": holds */
    rules[0] = text_rule(s->ctx, "starts", "approach", false, true, "^One\\b");
    /* 1: the problem, "A problem.", must not say "problem": fails */
    rules[1] = text_rule(s->ctx, "no-problem", "problem", false, false, "problem");
    /* 2: a fact rule: no outcome of its own */
    memset(&rules[2], 0, sizeof(rules[2]));
    rules[2].fact = MERIT_FACT_MILESTONES;
    rules[2].op = MERIT_OP_GE;
    /* 3: each milestone must contain "%": M1 "yield 90%\nFirst." does, M2
     * "rate 5/h\nSecond." does not, so it fails at index 1 */
    rules[3] = text_rule(s->ctx, "percent", "milestones", true, true, "%");
    /* 4: no milestone may have a line "First.": M1's second line is, so it
     * fails at index 0 (the subject is metric, newline, description; ^ and $
     * match at line ends) */
    rules[4] = text_rule(s->ctx, "first", "milestones", true, false, "^First\\.$");
    /* 5: no milestone may hold ".\n": the subject ends at the description, so
     * the newline after "First." in the section is no part of M1's: holds */
    rules[5] = text_rule(s->ctx, "dot-newline", "milestones", true, false, "\\.\\n");
    /* 6: the milestones section (each metric and description followed by a
     * newline) must end in "Second.\n": holds */
    rules[6] = text_rule(s->ctx, "ends", "milestones", false, true, "Second\\.\\n\\z");
    /* 7: the management, "Managed.", must match "^managed" ignoring case: holds */
    rules[7] = text_rule(s->ctx, "managed", "management", false, true, "(?i)^managed");

    struct merit_xml_doc doc;
    merit_proposal p;
    assert_int_equal(load_against(s, xml, rules, 8, &doc, &p), 0);
    T_EXPECT_NO_DIAGS(s->ctx);

    assert_int_equal(words(&p, "problem"), 2);
    assert_int_equal(words(&p, "approach"), 4);
    assert_int_equal(words(&p, "milestones"), 6);

    assert_int_equal(p.text_outcome_count, 8);
    const struct {
        merit_text_result result;
        uint32_t milestone;
    } want[8] = {
        {MERIT_TEXT_PASSED, MERIT_NO_MILESTONE},
        {MERIT_TEXT_FAILED, MERIT_NO_MILESTONE},
        {MERIT_TEXT_NOT_RUN, MERIT_NO_MILESTONE},
        {MERIT_TEXT_FAILED, 1},
        {MERIT_TEXT_FAILED, 0},
        {MERIT_TEXT_PASSED, MERIT_NO_MILESTONE},
        {MERIT_TEXT_PASSED, MERIT_NO_MILESTONE},
        {MERIT_TEXT_PASSED, MERIT_NO_MILESTONE},
    };
    for (size_t k = 0; k < 8; k++) {
        assert_int_equal(p.text_outcomes[k].result, want[k].result);
        assert_int_equal(p.text_outcomes[k].milestone, want[k].milestone);
    }

    /* the ranking turns the outcomes into the rule results, silently */
    merit_proposal_result pr;
    memset(&pr, 0, sizeof(pr));
    const bool passed[8] = {true, false, true, false, false, true, true, true};
    const size_t failed_at[8] = {SIZE_MAX, SIZE_MAX, SIZE_MAX, 1, 0, SIZE_MAX, SIZE_MAX, SIZE_MAX};
    for (size_t k = 0; k < 8; k++) {
        if (!rules[k].is_text)
            continue;
        merit_rule_result rr;
        mpq_init(rr.actual);
        assert_int_equal(merit__rule_apply(s->ctx, &rules[k], k, &p, &pr, &rr), 0);
        assert_int_equal(rr.passed, passed[k]);
        assert_int_equal(rr.failed_milestone, failed_at[k]);
        mpq_clear(rr.actual);
    }
    T_EXPECT_NO_DIAGS(s->ctx);

    merit__proposal_release(&p);
    merit__xml_doc_release(&doc);
    rules_release(rules, 8);
    free(xml);
}

static void invalid_proposal_gets_no_text_outcomes(void **state)
{
    struct t_scratch *s = *state;
    /* an invalid proposal is never ranked, so its rules are not run */
    char *xml = t_replace(base_proposal, "id=\"uni\" type", "id=\"uni\" lead=\"true\" type");
    merit_rule rules[1] = {
        text_rule(s->ctx, "starts", "approach", false, true, "^An"),
    };
    struct merit_xml_doc doc;
    merit_proposal p;
    assert_int_equal(load_against(s, xml, rules, 1, &doc, &p), MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("proposal.xml", 9, 28,
                                   "proposal 'P01' has more than one lead organisation"));
    assert_null(p.text_outcomes);
    assert_int_equal(p.text_outcome_count, 0);
    assert_int_equal(words(&p, "approach"), 2); /* "An approach." */
    merit__proposal_release(&p);
    merit__xml_doc_release(&doc);
    rules_release(rules, 1);
    free(xml);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, t_scratch_setup, t_scratch_teardown)
    const struct CMUnitTest tests[] = {
        T(base_proposal_is_valid),
        T(boolean_and_boundary_values_are_valid),
        T(two_leads),
        T(no_lead),
        T(lead_false_is_no_lead),
        T(lead_with_spaces_is_a_lead),
        T(sme_with_500_employees),
        T(large_with_10_employees),
        T(duplicate_organisation_id),
        T(duplicate_milestone_id),
        T(many_organisations_and_milestones),
        T(totals_do_not_add_up),
        T(wrong_number_of_years),
        T(one_year_too_many),
        T(one_year_message_is_singular),
        T(year_numbered_twice),
        T(year_out_of_range),
        T(zero_federal_request),
        T(schema_error_names_attribute),
        T(every_problem_is_reported),
        T(bundle_counts_records),
        T(bundle_with_duplicate_proposal_id),
        T(empty_bundle_is_valid),
        T(proposal_model_fields),
        T(words_and_text_rules_are_decided_at_load),
        T(invalid_proposal_gets_no_text_outcomes),
        T(minimal_proposal_is_valid),
        T(budget_without_months),
        T(a_proposal_needs_an_amount),
        T(a_request_of_nothing),
        T(request_and_budget_must_agree),
        T(organisation_fields_are_optional),
        T(free_sections_are_named),
        T(a_known_section_by_name),
        T(a_section_twice),
        T(milestones_are_not_free_text),
        T(declared_facts),
        T(a_declared_fact_with_a_derived_name),
        T(a_declared_fact_twice),
        T(the_seed_rubric_requires_what_its_rules_read),
        T(horizon_europe_requires_its_rules_section),
        T(requires_lists_more),
        T(a_plain_rubric_requires_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
