/*
 * Score sheets (sheet.c) through merit_file_validate(): what can be checked
 * inside one sheet (a criterion once per review, a proposal once per sheet,
 * no review after a declared conflict), with the exact diagnostics.
 */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "sheet.h"

/* A valid sheet; each test changes one thing. */
/* clang-format off */
static const char base_sheet[] =
    /*  1 */ "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    /*  2 */ "<sheet xmlns=\"urn:merit:1\" reviewer=\"R1\" call=\"C1\">\n"
    /*  3 */ "  <conflicts>\n"
    /*  4 */ "    <conflict proposal=\"P03\">I consult for the lead.</conflict>\n"
    /*  5 */ "  </conflicts>\n"
    /*  6 */ "  <review proposal=\"P01\" confidence=\"4\">\n"
    /*  7 */ "    <score criterion=\"excellence\" value=\"4\">Good.</score>\n"
    /*  8 */ "    <score criterion=\"impact\" value=\"3.5\"/>\n"
    /*  9 */ "    <no-score criterion=\"implementation\">Outside my field.</no-score>\n"
    /* 10 */ "  </review>\n"
    /* 11 */ "  <review proposal=\"P02\" confidence=\"3\">\n"
    /* 12 */ "    <score criterion=\"excellence\" value=\"4\"/>\n"
    /* 13 */ "    <score criterion=\"impact\" value=\"3\"/>\n"
    /* 14 */ "    <score criterion=\"implementation\" value=\"2\" confidence=\"1\"/>\n"
    /* 15 */ "    <comment>Overall fine.</comment>\n"
    /* 16 */ "  </review>\n"
    /* 17 */ "</sheet>\n";
/* clang-format on */

static int validate(struct t_scratch *s, const char *xml, const char **kind, size_t *count)
{
    t_write(s->dir, "sheet.xml", xml);
    return merit_file_validate(s->ctx, "sheet.xml", kind, count);
}

#define validate_edited(s, ...) validate_edited_(s, t_edit(base_sheet, __VA_ARGS__))
static int validate_edited_(struct t_scratch *s, char *xml)
{
    const char *kind = NULL;
    size_t count = 99;
    int rc = validate(s, xml, &kind, &count);
    free(xml);
    assert_string_equal(kind, "score sheet");
    assert_int_equal(count, 1);
    return rc;
}

static void base_sheet_is_valid(void **state)
{
    struct t_scratch *s = *state;
    const char *kind = NULL;
    size_t count = 0;
    assert_int_equal(validate(s, base_sheet, &kind, &count), 0);
    T_EXPECT_NO_DIAGS(s->ctx);
    assert_string_equal(kind, "score sheet");
    assert_int_equal(count, 1);
}

static void criterion_scored_twice(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(validate_edited(s, "<score criterion=\"impact\" value=\"3\"/>",
                                     "<score criterion=\"excellence\" value=\"3\"/>"),
                     MERIT_EINVALID);
    /* col 12: "    <score " is 11 bytes; the note at the first <score> */
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("sheet.xml", 13, 12,
                           "reviewer 'R1' scores criterion 'excellence' of proposal 'P02' twice"),
                   T_NOTE("sheet.xml", 12, 5, "first scored here"));
}

static void criterion_scored_and_no_scored(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(validate_edited(s, "<no-score criterion=\"implementation\">",
                                     "<no-score criterion=\"impact\">"),
                     MERIT_EINVALID);
    /* col 15: "    <no-score " is 14 bytes */
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("sheet.xml", 9, 15,
                           "reviewer 'R1' scores criterion 'impact' of proposal 'P01' twice"),
                   T_NOTE("sheet.xml", 8, 5, "first scored here"));
}

static void proposal_reviewed_twice(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(validate_edited(s, "<review proposal=\"P02\"", "<review proposal=\"P01\""),
                     MERIT_EINVALID);
    /* col 11: "  <review " is 10 bytes */
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("sheet.xml", 11, 11, "reviewer 'R1' reviews proposal 'P01' twice"),
                   T_NOTE("sheet.xml", 6, 3, "first reviewed here"));
}

static void review_after_declared_conflict(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(
        validate_edited(s, "<conflict proposal=\"P03\">", "<conflict proposal=\"P02\">"),
        MERIT_EINVALID);
    /* the note names the conflict's proposal= attribute: col 15 after
     * "    <conflict " */
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("sheet.xml", 11, 11,
                           "reviewer 'R1' scores proposal 'P02' after declaring a conflict with "
                           "it"),
                   T_NOTE("sheet.xml", 4, 15, "conflict declared here"));
}

static void sheet_without_reviews_is_valid(void **state)
{
    struct t_scratch *s = *state;
    const char *kind = NULL;
    size_t count = 0;
    assert_int_equal(validate(s,
                              "<?xml version=\"1.0\"?>\n"
                              "<sheet xmlns=\"urn:merit:1\" reviewer=\"R1\" call=\"C1\"/>\n",
                              &kind, &count),
                     0);
    T_EXPECT_NO_DIAGS(s->ctx);
    assert_int_equal(count, 1);
}

/* clang-format off */
static const char sheets_bundle[] =
    /*  1 */ "<?xml version=\"1.0\"?>\n"
    /*  2 */ "<sheets xmlns=\"urn:merit:1\">\n"
    /*  3 */ "  <sheet reviewer=\"R1\" call=\"C1\"/>\n"
    /*  4 */ "  <sheet reviewer=\"R2\" call=\"C1\">\n"
    /*  5 */ "    <review proposal=\"P01\" confidence=\"2\">\n"
    /*  6 */ "      <score criterion=\"a\" value=\"1\"/>\n"
    /*  7 */ "    </review>\n"
    /*  8 */ "    <review proposal=\"P01\" confidence=\"2\">\n"
    /*  9 */ "      <score criterion=\"a\" value=\"1\"/>\n"
    /* 10 */ "    </review>\n"
    /* 11 */ "  </sheet>\n"
    /* 12 */ "</sheets>\n";
/* clang-format on */

static void bundle_of_sheets(void **state)
{
    struct t_scratch *s = *state;
    const char *kind = NULL;
    size_t count = 0;
    /* the second sheet reviews P01 twice: found inside the bundle too */
    assert_int_equal(validate(s, sheets_bundle, &kind, &count), MERIT_EINVALID);
    assert_string_equal(kind, "score-sheet bundle");
    assert_int_equal(count, 2);
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("sheet.xml", 8, 13, "reviewer 'R2' reviews proposal 'P01' twice"),
                   T_NOTE("sheet.xml", 5, 5, "first reviewed here"));
}

static void raw_sheet_fields(void **state)
{
    struct t_scratch *s = *state;
    t_write(s->dir, "sheet.xml", base_sheet);
    struct merit_xml_doc doc;
    assert_int_equal(merit__xml_read_file(s->ctx, "sheet.xml", &doc), 0);
    assert_int_equal(merit__xml_parse(s->ctx, &doc), 0);
    assert_int_equal(merit__xml_validate(s->ctx, &doc, MERIT_SCHEMA_SHEET), 0);
    struct merit_raw_sheet sheet;
    memset(&sheet, 0, sizeof(sheet));
    assert_int_equal(merit__sheet_from_node(s->ctx, &doc, xmlDocGetRootElement(doc.doc), &sheet),
                     0);
    T_EXPECT_NO_DIAGS(s->ctx);
    assert_string_equal(sheet.reviewer, "R1");
    assert_string_equal(sheet.call, "C1");
    assert_int_equal(sheet.reviewer_loc.line, 2);
    assert_int_equal(sheet.reviewer_loc.column, 28); /* "<sheet xmlns=\"urn:merit:1\" " */
    assert_int_equal(sheet.conflict_count, 1);
    assert_string_equal(sheet.conflicts[0].proposal, "P03");
    assert_string_equal(sheet.conflicts[0].reason, "I consult for the lead.");
    assert_int_equal(sheet.review_count, 2);
    const struct merit_raw_review *r = &sheet.reviews[0];
    assert_string_equal(r->proposal, "P01");
    assert_int_equal(r->confidence, 4);
    assert_int_equal(r->score_count, 3);
    assert_string_equal(r->scores[0].criterion, "excellence");
    assert_string_equal(r->scores[0].value, "4");
    assert_string_equal(r->scores[0].comment, "Good.");
    assert_int_equal(r->scores[0].confidence, 0); /* the review's */
    assert_string_equal(r->scores[1].value, "3.5");
    assert_null(r->scores[2].value); /* a no-score */
    assert_string_equal(r->scores[2].comment, "Outside my field.");
    assert_int_equal(r->scores[1].value_loc.line, 8);
    assert_int_equal(r->scores[1].value_loc.column, 31); /* "    <score criterion=\"impact\" " */
    assert_null(r->comment);
    const struct merit_raw_review *r2 = &sheet.reviews[1];
    assert_int_equal(r2->scores[2].confidence, 1);
    assert_string_equal(r2->comment, "Overall fine.");
    merit__sheet_release(&sheet);
    merit__xml_doc_release(&doc);
}

/* Regression test for a fixed bug (xml_input.c merit__xml_loc): an element's column is
 * found by searching backwards from the end of the line for "<name", so
 * when two elements of the same name share a line every diagnostic names
 * the last one. Any minified file is affected: here the duplicate score is
 * reported at the third <score> (col 161) and the note at the third too
 * (col 154) instead of cols 129 and 90. */
static void same_line_elements_have_their_own_columns(void **state)
{
    struct t_scratch *s = *state;
    const char *kind = NULL;
    size_t count = 0;
    /* line 2: "<sheet ...>" is 51 bytes, "<review ...>" 38, so the first
     * <score> starts at col 90; each "<score criterion=\"a\" value=\"1\"/>" is
     * 32 bytes: the others at 122 and 154. criterion= is 7 bytes in. */
    assert_int_equal(validate(s,
                              "<?xml version=\"1.0\"?>\n"
                              "<sheet xmlns=\"urn:merit:1\" reviewer=\"R1\" call=\"C1\">"
                              "<review proposal=\"P01\" confidence=\"3\">"
                              "<score criterion=\"a\" value=\"1\"/>"
                              "<score criterion=\"a\" value=\"2\"/>"
                              "<score criterion=\"b\" value=\"1\"/>"
                              "</review></sheet>\n",
                              &kind, &count),
                     MERIT_EINVALID);
    T_EXPECT_DIAGS(
        s->ctx,
        T_ERROR("sheet.xml", 2, 129, "reviewer 'R1' scores criterion 'a' of proposal 'P01' twice"),
        T_NOTE("sheet.xml", 2, 90, "first scored here"));
}

static void wrong_root_element(void **state)
{
    struct t_scratch *s = *state;
    const char *kind = NULL;
    size_t count = 0;
    assert_int_equal(validate(s,
                              "<?xml version=\"1.0\"?>\n"
                              "<review xmlns=\"urn:merit:1\" proposal=\"P01\" confidence=\"3\"/>\n",
                              &kind, &count),
                     MERIT_EINVALID);
    assert_string_equal(kind, "file");
    T_EXPECT_DIAGS(s->ctx, T_ERROR("sheet.xml", 2, 1, "unknown root element 'review'"));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, t_scratch_setup, t_scratch_teardown)
    const struct CMUnitTest tests[] = {
        T(base_sheet_is_valid),
        T(criterion_scored_twice),
        T(criterion_scored_and_no_scored),
        T(proposal_reviewed_twice),
        T(review_after_declared_conflict),
        T(sheet_without_reviews_is_valid),
        T(bundle_of_sheets),
        T(raw_sheet_fields),
        T(same_line_elements_have_their_own_columns),
        T(wrong_root_element),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
