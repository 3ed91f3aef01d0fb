/*
 * Score sheets (sheet.c) through merit_file_validate(): what can be checked
 * inside one sheet (a criterion once per review, a proposal once per sheet,
 * no review after a declared conflict), with the exact diagnostics; and
 * through merit__sheet_from_node() against a rubric: the scores resolved as
 * they load, with and without comments, and the wrong ones reported.
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

/* Loads xml (one <sheet>) straight through merit__sheet_from_node, against
 * rubric (may be NULL); returns what it returned. */
static int load_raw(struct t_scratch *s, const char *xml, const merit_rubric *rubric,
                    struct merit_raw_sheet *sheet)
{
    t_write(s->dir, "sheet.xml", xml);
    struct merit_xml_doc doc;
    assert_int_equal(merit__xml_read_file(s->ctx, "sheet.xml", &doc), 0);
    assert_int_equal(merit__xml_parse(s->ctx, &doc), 0);
    assert_int_equal(merit__xml_validate(s->ctx, &doc, MERIT_SCHEMA_SHEET), 0);
    memset(sheet, 0, sizeof(*sheet));
    int rc = merit__sheet_from_node(s->ctx, &doc, xmlDocGetRootElement(doc.doc), rubric, sheet);
    merit__xml_doc_release(&doc);
    return rc;
}

static merit_rubric *horizon_europe(struct t_scratch *s)
{
    merit_rubric *rb = NULL;
    assert_int_equal(merit_rubric_load_shipped(s->ctx, "horizon-europe", &rb), 0);
    /* what the expectations below are computed from */
    assert_int_equal(rb->criterion_count, 3);
    assert_string_equal(rb->criteria[0].id, "excellence");
    assert_string_equal(rb->criteria[1].id, "impact");
    assert_string_equal(rb->criteria[2].id, "implementation");
    assert_int_equal(rb->scale_steps, 10); /* 0 to 5 in steps of 0.5 */
    return rb;
}

/* Without a rubric (a sheet checked on its own) the reviews hold no
 * scores: nothing to resolve them against. */
static void raw_sheet_fields(void **state)
{
    struct t_scratch *s = *state;
    struct merit_raw_sheet sheet;
    assert_int_equal(load_raw(s, base_sheet, NULL, &sheet), 0);
    T_EXPECT_NO_DIAGS(s->ctx);
    assert_string_equal(sheet.reviewer, "R1");
    assert_string_equal(sheet.call, "C1");
    assert_int_equal(sheet.reviewer_loc.line, 2);
    assert_int_equal(sheet.reviewer_loc.column, 28); /* "<sheet xmlns=\"urn:merit:1\" " */
    assert_int_equal(sheet.conflict_count, 1);
    assert_string_equal(sheet.conflicts[0].proposal, "P03");
    assert_string_equal(sheet.conflicts[0].reason, "I consult for the lead.");
    assert_int_equal(sheet.criterion_count, 0);
    assert_int_equal(sheet.invalid_reviews, 0);
    assert_int_equal(sheet.review_count, 2);
    const struct merit_raw_review *r = &sheet.reviews[0];
    assert_string_equal(r->proposal, "P01");
    assert_int_equal(r->proposal_loc.line, 6);
    assert_int_equal(r->proposal_loc.column, 11); /* "  <review " */
    assert_int_equal(r->review.confidence, 4);
    assert_int_equal(r->review.loc.line, 6);
    assert_null(r->review.steps);
    assert_null(r->review.score_places);
    assert_null(r->review.comments);
    assert_null(r->review.comment);
    assert_string_equal(sheet.reviews[1].review.comment, "Overall fine.");
    merit__sheet_release(&sheet);
}

/* With the call's rubric the scores load resolved, in rubric order
 * (excellence, impact, implementation), as steps of 0.5 above 0: the
 * values of base_sheet divided by 0.5. */
static void raw_sheet_resolved_against_rubric(void **state)
{
    struct t_scratch *s = *state;
    merit_rubric *rb = horizon_europe(s);
    struct merit_raw_sheet sheet;
    assert_int_equal(load_raw(s, base_sheet, rb, &sheet), 0);
    T_EXPECT_NO_DIAGS(s->ctx);
    assert_int_equal(sheet.criterion_count, 3);
    assert_int_equal(sheet.invalid_reviews, 0);

    const struct merit_raw_review *r = &sheet.reviews[0]; /* P01, confidence 4 */
    assert_false(r->invalid);
    assert_int_equal(r->review.steps[0], 8); /* 4 / 0.5 */
    assert_int_equal(r->review.steps[1], 7); /* 3.5 / 0.5 */
    assert_int_equal(r->review.steps[2], MERIT_NO_SCORE);
    assert_int_equal(r->review.confidences[0], 4); /* the review's */
    assert_int_equal(r->review.confidences[1], 4);
    assert_int_equal(r->review.confidences[2], 0); /* a no-score has none */
    assert_non_null(r->review.no_score_reasons);
    assert_null(r->review.no_score_reasons[0]);
    assert_string_equal(r->review.no_score_reasons[2], "Outside my field.");
    assert_string_equal(r->review.comments[0], "Good.");
    assert_string_equal(r->review.comments[1], "");
    assert_null(r->review.comments[2]);
    assert_null(r->review.comment);
    /* a score at its value=, a no-score at its element */
    assert_int_equal(r->review.score_places[1].line, 8);
    assert_int_equal(r->review.score_places[1].column, 31); /* "    <score criterion=\"impact\" " */
    assert_string_equal(r->review.loc.file, "sheet.xml");   /* the places' file */
    assert_int_equal(r->review.score_places[2].line, 9);
    assert_int_equal(r->review.score_places[2].column, 5);

    const struct merit_raw_review *r2 = &sheet.reviews[1]; /* P02, confidence 3 */
    assert_int_equal(r2->review.steps[0], 8);
    assert_int_equal(r2->review.steps[1], 6);
    assert_int_equal(r2->review.steps[2], 4);
    assert_int_equal(r2->review.confidences[1], 3);
    assert_int_equal(r2->review.confidences[2], 1); /* its own confidence="1" */
    assert_null(r2->review.no_score_reasons);       /* no no-score */
    assert_string_equal(r2->review.comment, "Overall fine.");
    merit__sheet_release(&sheet);
    merit_rubric_free(rb);
}

/* Without comments the same sheet loads the same scores, places and
 * no-score reasons, and no comment at all. */
static void raw_sheet_without_comments(void **state)
{
    struct t_scratch *s = *state;
    merit_rubric *rb = horizon_europe(s);
    merit_ctx_set_keep_comments(s->ctx, false);
    struct merit_raw_sheet sheet;
    assert_int_equal(load_raw(s, base_sheet, rb, &sheet), 0);
    T_EXPECT_NO_DIAGS(s->ctx);
    const merit_review *a = &sheet.reviews[0].review, *b = &sheet.reviews[1].review;
    assert_int_equal(a->steps[0], 8);
    assert_int_equal(a->steps[1], 7);
    assert_int_equal(a->steps[2], MERIT_NO_SCORE);
    assert_string_equal(a->no_score_reasons[2], "Outside my field.");
    assert_int_equal(a->score_places[1].column, 31);
    assert_null(a->comments);
    assert_null(a->comment);
    assert_int_equal(b->steps[2], 4);
    assert_int_equal(b->confidences[2], 1);
    assert_null(b->comments);
    assert_null(b->comment); /* "Overall fine." is not kept */
    merit__sheet_release(&sheet);
    merit_rubric_free(rb);
}

/* Against a rubric a repeat is found by its criterion's place being taken:
 * the same diagnostics as without one, and the first score counts. */
static void criterion_scored_twice_against_rubric(void **state)
{
    struct t_scratch *s = *state;
    merit_rubric *rb = horizon_europe(s);
    char *xml = t_edit(base_sheet, "<score criterion=\"impact\" value=\"3\"/>",
                       "<score criterion=\"excellence\" value=\"3\"/>");
    struct merit_raw_sheet sheet;
    assert_int_equal(load_raw(s, xml, rb, &sheet), MERIT_EINVALID);
    free(xml);
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("sheet.xml", 13, 12,
                           "reviewer 'R1' scores criterion 'excellence' of proposal 'P02' twice"),
                   T_NOTE("sheet.xml", 12, 5, "first scored here"));
    const merit_review *r = &sheet.reviews[1].review;
    assert_int_equal(r->steps[0], 8); /* the first, 4 / 0.5 */
    assert_int_equal(r->score_places[0].line, 12);
    assert_int_equal(r->score_places[1].line, 0); /* impact: not scored */
    assert_false(sheet.reviews[1].invalid);       /* the sheet fails, not the review */
    merit__sheet_release(&sheet);
    merit_rubric_free(rb);
}

/* A wrong score is reported as the sheet loads, at its value= (or, for an
 * unknown criterion, its criterion=); it marks its review invalid without
 * failing the sheet, so that keep-going can leave out that review alone. */
static void wrong_scores_reported_at_load(void **state)
{
    struct t_scratch *s = *state;
    merit_rubric *rb = horizon_europe(s);
    char *xml = t_edit(base_sheet, "value=\"3.5\"/>", "value=\"3.7\"/>", /* line 8 */
                       "criterion=\"excellence\" value=\"4\"/>",
                       "criterion=\"excelence\" value=\"4\"/>",             /* line 12 */
                       "value=\"2\" confidence", "value=\"6\" confidence"); /* line 14 */
    struct merit_raw_sheet sheet;
    assert_int_equal(load_raw(s, xml, rb, &sheet), 0);
    free(xml);
    /* cols: value= 31 bytes into line 8 ("    <score criterion=\"impact\" "),
     * criterion= 12 into line 12, value= 39 into line 14 */
    T_EXPECT_DIAGS(
        s->ctx,
        T_ERROR("sheet.xml", 8, 31, "score 3.7 for criterion 'impact' is not on a step of 0.5"),
        T_ERROR("sheet.xml", 12, 12,
                "unknown criterion 'excelence' (rubric 'horizon-europe' has none of that id); "
                "did you mean 'excellence'?"),
        T_ERROR("sheet.xml", 14, 39,
                "score 6 for criterion 'implementation' is off the scale 0 to 5"));
    assert_int_equal(sheet.invalid_reviews, 2);
    assert_true(sheet.reviews[0].invalid);
    assert_false(sheet.reviews[0].unknown_criterion);
    assert_true(sheet.reviews[1].invalid);
    assert_true(sheet.reviews[1].unknown_criterion);
    assert_int_equal(sheet.reviews[1].diag_mark, 1); /* its first error follows the first */
    merit__sheet_release(&sheet);
    merit_rubric_free(rb);
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

/* A criterion named three times in a review: the two later ones are each
 * reported, with a note at the first (not one error for every earlier
 * one); and a review holds as many scores as it likes as far as the
 * schema goes: more than the 64 it used to stop at (each criterion once is
 * checked against the rubric). */
static void criteria_named_again_and_many_scores(void **state)
{
    struct t_scratch *s = *state;
    const char *kind = NULL;
    size_t count = 0;
    /* line 3; "  <review proposal=\"P01\" confidence=\"3\">" is 40 bytes, each
     * "<score criterion=\"a\" value=\"1\"/>" 32: the scores at cols 41, 73,
     * 105, criterion= 7 bytes into each */
    assert_int_equal(validate(s,
                              "<?xml version=\"1.0\"?>\n"
                              "<sheet xmlns=\"urn:merit:1\" reviewer=\"R1\" call=\"C1\">\n"
                              "  <review proposal=\"P01\" confidence=\"3\">"
                              "<score criterion=\"a\" value=\"1\"/>"
                              "<score criterion=\"a\" value=\"2\"/>"
                              "<score criterion=\"a\" value=\"3\"/>"
                              "</review>\n</sheet>\n",
                              &kind, &count),
                     MERIT_EINVALID);
    T_EXPECT_DIAGS(
        s->ctx,
        T_ERROR("sheet.xml", 3, 80, "reviewer 'R1' scores criterion 'a' of proposal 'P01' twice"),
        T_NOTE("sheet.xml", 3, 41, "first scored here"),
        T_ERROR("sheet.xml", 3, 112, "reviewer 'R1' scores criterion 'a' of proposal 'P01' twice"),
        T_NOTE("sheet.xml", 3, 41, "first scored here"));

    merit_ctx_clear_diags(s->ctx);
    size_t cap = 100 * 48 + 256, len = 0;
    char *xml = malloc(cap);
    assert_non_null(xml);
    len += (size_t)snprintf(xml, cap,
                            "<?xml version=\"1.0\"?>\n"
                            "<sheet xmlns=\"urn:merit:1\" reviewer=\"R1\" call=\"C1\">\n"
                            "  <review proposal=\"P01\" confidence=\"3\">\n");
    for (int i = 0; i < 100; i++)
        len +=
            (size_t)snprintf(xml + len, cap - len, "<score criterion=\"c%d\" value=\"1\"/>\n", i);
    snprintf(xml + len, cap - len, "  </review>\n</sheet>\n");
    assert_int_equal(validate(s, xml, &kind, &count), 0);
    free(xml);
    T_EXPECT_NO_DIAGS(s->ctx);
}

/* A sheet of a panel that collects no confidence is valid: only the
 * confidence-weighted method needs one (test_call), and it used to be
 * required on every review by the schema. */
static void confidence_is_optional(void **state)
{
    struct t_scratch *s = *state;
    assert_int_equal(validate_edited(s, " confidence=\"4\"", "", " confidence=\"3\"", ""), 0);
    T_EXPECT_NO_DIAGS(s->ctx);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, t_scratch_setup, t_scratch_teardown)
    const struct CMUnitTest tests[] = {
        T(base_sheet_is_valid),
        T(confidence_is_optional),
        T(criterion_scored_twice),
        T(criterion_scored_and_no_scored),
        T(proposal_reviewed_twice),
        T(review_after_declared_conflict),
        T(sheet_without_reviews_is_valid),
        T(bundle_of_sheets),
        T(raw_sheet_fields),
        T(raw_sheet_resolved_against_rubric),
        T(raw_sheet_without_comments),
        T(criterion_scored_twice_against_rubric),
        T(wrong_scores_reported_at_load),
        T(same_line_elements_have_their_own_columns),
        T(wrong_root_element),
        T(criteria_named_again_and_many_scores),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
