/*
 * Whole calls (call.c) through merit_call_load(): small call folders built
 * in a scratch folder, loaded and checked field by field, then broken one
 * way at a time, each with its exact diagnostics. Finally, the same call
 * written with its files and elements in another order must load into the
 * same model.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "merit/model.h"
#include "merit/number.h"
#include "merit/result.h"

/* --- building a call -------------------------------------------------------- */

/* clang-format off */
static const char call_xml[] =
    /*  1 */ "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    /*  2 */ "<call xmlns=\"urn:merit:1\" id=\"C1\" currency=\"EUR\">\n"
    /*  3 */ "  <title>Test call</title>\n"
    /*  4 */ "  <budget available=\"1000000\"/>\n"
    /*  5 */ "  <rubric name=\"horizon-europe\"/>\n"
    /*  6 */ "  <panel>\n"
    /*  7 */ "    <reviewer id=\"R2\"><name>Two</name></reviewer>\n"
    /*  8 */ "    <reviewer "
             "id=\"R1\"><name>One</name><affiliation>Uni</affiliation></reviewer>\n"
    /*  9 */ "    <reviewer id=\"R3\"><name>Three</name></reviewer>\n"
    /* 10 */ "  </panel>\n"
    /* 11 */ "</call>\n";
/* clang-format on */

/* One <proposal> element, 7 lines, the root on its first line. */
static char *proposal_element(const char *id, const char *call, const char *federal, bool with_ns)
{
    char *p = NULL;
    size_t size = 2048;
    p = malloc(size);
    assert_non_null(p);
    snprintf(p, size,
             "<proposal%s id=\"%s\" call=\"%s\" months=\"12\">\n"
             "  <title>Proposal %s</title>\n"
             "  <area>Testing</area>\n"
             "  <team><organisation id=\"lead\" lead=\"true\" type=\"sme\" employees=\"10\" "
             "location=\"DE\" supply-chain=\"end-user\"><name>Lead</name></organisation></team>\n"
             "  <sections><problem>P.</problem><approach>A.</approach><milestones/>"
             "<management>M.</management><diffusion>D.</diffusion>"
             "<sme-involvement>S.</sme-involvement></sections>\n"
             "  <budget><year number=\"1\" federal=\"%s\" cash=\"0\" in-kind=\"0\"/>"
             "<total federal=\"%s\" cash=\"0\" in-kind=\"0\"/></budget>\n"
             "</proposal>\n",
             with_ns ? " xmlns=\"urn:merit:1\"" : "", id, call, id, federal, federal);
    return p;
}

/* A proposal file: the declaration on line 1, <proposal> on line 2. */
static void write_proposal(const char *rel, const char *id, const char *call)
{
    char *el = proposal_element(id, call, "1000", true);
    size_t size = strlen(el) + 64;
    char *text = malloc(size);
    assert_non_null(text);
    snprintf(text, size, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n%s", el);
    t_write(".", rel, text);
    free(el);
    free(text);
}

/* clang-format off */
static const char r1_xml[] =
    /*  1 */ "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    /*  2 */ "<sheet xmlns=\"urn:merit:1\" reviewer=\"R1\" call=\"C1\">\n"
    /*  3 */ "  <review proposal=\"P02\" confidence=\"4\">\n"
    /*  4 */ "    <score criterion=\"excellence\" value=\"4.5\">Strong.</score>\n"
    /*  5 */ "    <score criterion=\"impact\" value=\"3\"/>\n"
    /*  6 */ "    <score criterion=\"implementation\" value=\"0\"/>\n"
    /*  7 */ "  </review>\n"
    /*  8 */ "  <review proposal=\"P01\" confidence=\"3\">\n"
    /*  9 */ "    <score criterion=\"implementation\" value=\"5\" confidence=\"5\"/>\n"
    /* 10 */ "    <score criterion=\"excellence\" value=\"2.5\"/>\n"
    /* 11 */ "    <no-score criterion=\"impact\">Outside my field.</no-score>\n"
    /* 12 */ "  </review>\n"
    /* 13 */ "</sheet>\n";
/* clang-format on */

/* clang-format off */
static const char r2_xml[] =
    /*  1 */ "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    /*  2 */ "<sheet xmlns=\"urn:merit:1\" reviewer=\"R2\" call=\"C1\">\n"
    /*  3 */ "  <review proposal=\"P01\" confidence=\"5\">\n"
    /*  4 */ "    <score criterion=\"excellence\" value=\"3\"/>\n"
    /*  5 */ "    <score criterion=\"impact\" value=\"3.5\"/>\n"
    /*  6 */ "    <score criterion=\"implementation\" value=\"4\"/>\n"
    /*  7 */ "    <comment>Fine.</comment>\n"
    /*  8 */ "  </review>\n"
    /*  9 */ "</sheet>\n";
/* clang-format on */

/* R3 reviews nothing and declares two conflicts. */
/* clang-format off */
static const char r3_xml[] =
    /* 1 */ "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    /* 2 */ "<sheet xmlns=\"urn:merit:1\" reviewer=\"R3\" call=\"C1\">\n"
    /* 3 */ "  <conflicts>\n"
    /* 4 */ "    <conflict proposal=\"P03\">Former student.</conflict>\n"
    /* 5 */ "    <conflict proposal=\"P02\">Same building.</conflict>\n"
    /* 6 */ "  </conflicts>\n"
    /* 7 */ "</sheet>\n";
/* clang-format on */

/* The valid call "call/": three proposals in two files (P03 and P02 in a
 * bundle that sorts first, P01 alone), three sheets. */
static void write_valid_call(void)
{
    t_write(".", "call/call.xml", call_xml);
    char *p3 = proposal_element("P03", "C1", "3000", false);
    char *p2 = proposal_element("P02", "C1", "2000", false);
    size_t size = strlen(p3) + strlen(p2) + 128;
    char *bundle = malloc(size);
    assert_non_null(bundle);
    snprintf(bundle, size,
             "<?xml version=\"1.0\"?>\n<proposals xmlns=\"urn:merit:1\">\n%s%s</proposals>\n", p3,
             p2);
    t_write(".", "call/proposals/a-bundle.xml", bundle);
    free(p3);
    free(p2);
    free(bundle);
    write_proposal("call/proposals/z.xml", "P01", "C1");
    t_write(".", "call/reviews/R1.xml", r1_xml);
    t_write(".", "call/reviews/R2.xml", r2_xml);
    t_write(".", "call/reviews/R3.xml", r3_xml);
}

/* Loads "call"; on success returns the call, else NULL, with rc checked. */
static merit_call *load(struct t_scratch *s, const char *path, int want_rc)
{
    merit_call *call = (merit_call *)&call; /* must be overwritten */
    int rc = merit_call_load(s->ctx, path, &call);
    if (rc != want_rc) {
        print_error("merit_call_load(%s) = %d, expected %d; diagnostics:\n", path, rc, want_rc);
        t_print_diags(s->ctx);
        fail();
    }
    if (rc == 0)
        assert_non_null(call);
    else
        assert_null(call);
    return call;
}

static ssize_t review_index(const merit_call *c, const char *proposal, const char *reviewer)
{
    for (size_t i = 0; i < c->review_count; i++)
        if (strcmp(c->proposals[c->reviews[i].proposal].id, proposal) == 0 &&
            strcmp(c->reviewers[c->reviews[i].reviewer].id, reviewer) == 0)
            return (ssize_t)i;
    return -1;
}

/* --- a valid call ----------------------------------------------------------- */

static void valid_call_loads(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    merit_call *c = load(s, "call", 0);
    T_EXPECT_NO_DIAGS(s->ctx);

    assert_string_equal(c->id, "C1");
    assert_string_equal(c->title, "Test call");
    assert_string_equal(c->currency, "EUR");
    assert_int_equal(c->budget, 100000000); /* 1,000,000.00 in cents */
    assert_string_equal(c->dir, "call");
    assert_string_equal(c->rubric->id, "horizon-europe");

    /* reviewers sorted by id, whatever the panel's order */
    assert_int_equal(c->reviewer_count, 3);
    assert_string_equal(c->reviewers[0].id, "R1");
    assert_string_equal(c->reviewers[0].name, "One");
    assert_string_equal(c->reviewers[0].affiliation, "Uni");
    assert_string_equal(c->reviewers[1].id, "R2");
    assert_null(c->reviewers[1].affiliation);
    assert_string_equal(c->reviewers[2].id, "R3");

    /* proposals sorted by id, whatever the files and bundles */
    assert_int_equal(c->proposal_count, 3);
    assert_string_equal(c->proposals[0].id, "P01");
    assert_string_equal(c->proposals[1].id, "P02");
    assert_string_equal(c->proposals[2].id, "P03");
    assert_int_equal(c->proposals[1].total.federal, 200000);
    assert_string_equal(c->proposals[0].loc.file, "call/proposals/z.xml");
    assert_int_equal(c->proposals[0].loc.line, 2);
    /* P02 is the second element of the bundle: lines 3-9, then 10 */
    assert_string_equal(c->proposals[1].loc.file, "call/proposals/a-bundle.xml");
    assert_int_equal(c->proposals[1].loc.line, 10);

    /* reviews sorted by (proposal, reviewer) */
    assert_int_equal(c->review_count, 3);
    assert_int_equal(review_index(c, "P01", "R1"), 0);
    assert_int_equal(review_index(c, "P01", "R2"), 1);
    assert_int_equal(review_index(c, "P02", "R1"), 2);

    /* steps: value = 0 + steps * 0.5, in rubric order excellence, impact,
     * implementation */
    const merit_review *a = &c->reviews[0]; /* P01 by R1 */
    assert_int_equal(a->confidence, 3);
    assert_int_equal(a->steps[0], 5); /* 2.5 / 0.5 */
    assert_int_equal(a->steps[1], MERIT_NO_SCORE);
    assert_string_equal(a->no_score_reasons[1], "Outside my field.");
    assert_null(a->no_score_reasons[0]);
    assert_int_equal(a->steps[2], 10);      /* 5 / 0.5 */
    assert_int_equal(a->confidences[0], 3); /* the review's */
    assert_int_equal(a->confidences[2], 5); /* the score's own */
    assert_false(a->conflicted);
    assert_string_equal(a->loc.file, "call/reviews/R1.xml");
    assert_int_equal(a->loc.line, 8);
    assert_int_equal(a->score_places[0].line, 10);
    assert_int_equal(a->score_places[0].column, 35); /* value= of the excellence score */

    const merit_review *b = &c->reviews[2]; /* P02 by R1 */
    assert_int_equal(b->steps[0], 9);       /* 4.5 / 0.5 */
    assert_int_equal(b->steps[1], 6);       /* 3 / 0.5 */
    assert_int_equal(b->steps[2], 0);
    assert_string_equal(b->comments[0], "Strong.");
    assert_string_equal(b->comments[1], "");
    assert_null(b->comment);
    assert_null(b->no_score_reasons); /* it has no no-score */
    assert_null(a->comments[1]);      /* a no-score has a reason, not a comment */
    assert_string_equal(c->reviews[1].comment, "Fine.");

    /* and back: min + steps * step gives the written values */
    mpq_t v;
    mpq_init(v);
    merit_score_value(c->rubric, b->steps[0], v);
    char *text = merit_exact_string(v);
    assert_string_equal(text, "4.5");
    free(text);
    merit_score_value(c->rubric, a->steps[2], v);
    text = merit_exact_string(v);
    assert_string_equal(text, "5");
    free(text);
    mpq_clear(v);

    /* R3's declared conflicts are recorded, not from the call */
    assert_int_equal(c->conflict_count, 2);
    for (size_t i = 0; i < 2; i++) {
        assert_false(c->conflicts[i].from_call);
        assert_string_equal(c->reviewers[c->conflicts[i].reviewer].id, "R3");
    }

    /* the files read: call.xml, the rubric, 2 proposal files, 3 sheets */
    assert_int_equal(c->file_count, 7);
    assert_string_equal(c->files[0].path, "call/call.xml");
    assert_string_equal(c->files[0].relpath, "call.xml");
    assert_int_equal(c->files[0].bytes, strlen(call_xml));
    assert_string_equal(c->files[1].relpath, "shipped:horizon-europe");
    assert_string_equal(c->files[2].relpath, "proposals/a-bundle.xml");
    assert_string_equal(c->files[3].relpath, "proposals/z.xml");
    assert_string_equal(c->files[4].path, "call/reviews/R1.xml");
    assert_int_equal(c->files[4].bytes, strlen(r1_xml));
    merit_call_free(c);
}

/* The valid call loaded without comments: the steps, confidences, places and
 * no-score reasons valid_call_loads expects (worked out there from r1_xml
 * and r2_xml: values / 0.5), and no comment anywhere, though R1 wrote
 * "Strong." and R2 "Fine.". */
static void call_loaded_without_comments(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    merit_ctx_set_keep_comments(s->ctx, false);
    merit_call *c = load(s, "call", 0);
    T_EXPECT_NO_DIAGS(s->ctx);
    assert_int_equal(c->review_count, 3);
    static const int32_t want[3][3] = {
        {5, MERIT_NO_SCORE, 10}, /* P01 by R1: 2.5, no-score, 5 */
        {6, 7, 8},               /* P01 by R2: 3, 3.5, 4 */
        {9, 6, 0},               /* P02 by R1: 4.5, 3, 0 */
    };
    for (size_t i = 0; i < 3; i++) {
        const merit_review *r = &c->reviews[i];
        for (size_t k = 0; k < 3; k++)
            assert_int_equal(r->steps[k], want[i][k]);
        assert_null(r->comments);
        assert_null(r->comment);
    }
    const merit_review *a = &c->reviews[0];
    assert_int_equal(a->confidences[0], 3);
    assert_int_equal(a->confidences[1], 0);
    assert_int_equal(a->confidences[2], 5);
    assert_string_equal(a->no_score_reasons[1], "Outside my field.");
    assert_int_equal(a->score_places[0].line, 10);
    assert_int_equal(a->score_places[0].column, 35);
    assert_int_equal(c->reviews[1].confidences[1], 5);
    merit_call_free(c);
}

static void call_xml_path_loads_the_same(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    merit_call *c = load(s, "call/call.xml", 0);
    T_EXPECT_NO_DIAGS(s->ctx);
    assert_string_equal(c->dir, "call");
    assert_int_equal(c->proposal_count, 3);
    assert_int_equal(c->review_count, 3);
    merit_call_free(c);
}

static void call_conflict_marks_review(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    char *xml =
        t_replace(call_xml, "  </panel>\n",
                  "  </panel>\n"
                  "  <conflicts>\n"
                  "    <conflict reviewer=\"R2\" proposal=\"P01\">Same employer.</conflict>\n"
                  "  </conflicts>\n");
    t_write(".", "call/call.xml", xml);
    free(xml);
    merit_call *c = load(s, "call", 0);
    T_EXPECT_NO_DIAGS(s->ctx);
    ssize_t i = review_index(c, "P01", "R2");
    assert_int_equal(i, 1);
    assert_true(c->reviews[i].conflicted);
    assert_string_equal(c->reviews[i].conflict_reason, "Same employer.");
    assert_false(c->reviews[0].conflicted);
    assert_false(c->reviews[2].conflicted);
    /* R3's two and the office's one */
    assert_int_equal(c->conflict_count, 3);
    size_t from_call = 0;
    for (size_t k = 0; k < c->conflict_count; k++)
        if (c->conflicts[k].from_call) {
            from_call++;
            assert_string_equal(c->reviewers[c->conflicts[k].reviewer].id, "R2");
            assert_string_equal(c->proposals[c->conflicts[k].proposal].id, "P01");
            assert_string_equal(c->conflicts[k].reason, "Same employer.");
            assert_string_equal(c->conflicts[k].loc.file, "call/call.xml");
            assert_int_equal(c->conflicts[k].loc.line, 12);
        }
    assert_int_equal(from_call, 1);
    merit_call_free(c);
}

static void empty_reviews_folder_is_a_warning(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    t_rmtree("call/reviews");
    t_mkdirs(".", "call/reviews");
    merit_call *c = load(s, "call", 0);
    T_EXPECT_DIAGS(s->ctx, T_WARNING("call/reviews", 0, 0, "no .xml files in this folder"));
    assert_int_equal(c->review_count, 0);
    merit_call_free(c);
}

/* --- errors ----------------------------------------------------------------- */

static void rewrite(const char *rel, const char *base, const char *from, const char *to)
{
    char *text = t_replace(base, from, to);
    t_write(".", rel, text);
    free(text);
}

static void unknown_criterion(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    rewrite("call/reviews/R2.xml", r2_xml, "criterion=\"impact\"", "criterion=\"impakt\"");
    load(s, "call", MERIT_EINVALID);
    /* col 12 after "    <score "; the misspelt criterion's error is enough:
     * the one it leaves unscored is not reported again. 'impact' is one
     * substitution away, within the cutoff of 2 for six letters, and no
     * other criterion is as near */
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("call/reviews/R2.xml", 5, 12,
                           "unknown criterion 'impakt' (rubric 'horizon-europe' has none of that "
                           "id); did you mean 'impact'?"));
}

static void score_off_the_scale(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    rewrite("call/reviews/R2.xml", r2_xml, "value=\"4\"", "value=\"6\"");
    load(s, "call", MERIT_EINVALID);
    /* col 39: "    <score criterion=\"implementation\" " is 38 bytes */
    T_EXPECT_DIAGS(s->ctx, T_ERROR("call/reviews/R2.xml", 6, 39,
                                   "score 6 for criterion 'implementation' is off the scale 0 to "
                                   "5"));
}

static void score_below_the_scale(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    rewrite("call/reviews/R2.xml", r2_xml, "value=\"3\"", "value=\"-0.5\"");
    load(s, "call", MERIT_EINVALID);
    /* col 35: "    <score criterion=\"excellence\" " is 34 bytes */
    T_EXPECT_DIAGS(s->ctx, T_ERROR("call/reviews/R2.xml", 4, 35,
                                   "score -0.5 for criterion 'excellence' is off the scale 0 to "
                                   "5"));
}

static void score_off_the_step(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    rewrite("call/reviews/R2.xml", r2_xml, "value=\"3\"", "value=\"3.25\"");
    load(s, "call", MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("call/reviews/R2.xml", 4, 35,
                                   "score 3.25 for criterion 'excellence' is not on a step of "
                                   "0.5"));
}

static void criterion_neither_scored_nor_no_scored(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    rewrite("call/reviews/R2.xml", r2_xml, "    <score criterion=\"impact\" value=\"3.5\"/>\n", "");
    load(s, "call", MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("call/reviews/R2.xml", 3, 3,
                                   "review of proposal 'P01' by 'R2' neither scores criterion "
                                   "'impact' nor gives a reason (<no-score>)"));
}

static void sheet_of_reviewer_not_on_panel(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    rewrite("call/reviews/R9.xml", r3_xml, "reviewer=\"R3\"", "reviewer=\"R9\"");
    load(s, "call", MERIT_EINVALID);
    /* col 28: "<sheet xmlns=\"urn:merit:1\" " is 27 bytes */
    T_EXPECT_DIAGS(
        s->ctx, T_ERROR("call/reviews/R9.xml", 2, 28, "reviewer 'R9' is not on the call's panel"));
}

static void second_sheet_of_a_reviewer(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    t_write(
        ".", "call/reviews/R2-again.xml",
        "<?xml version=\"1.0\"?>\n<sheet xmlns=\"urn:merit:1\" reviewer=\"R2\" call=\"C1\"/>\n");
    load(s, "call", MERIT_EINVALID);
    /* files are read in name order: R1, R2-again, R2, R3 */
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("call/reviews/R2.xml", 2, 28, "a second sheet for reviewer 'R2'"),
                   T_NOTE("call/reviews/R2-again.xml", 2, 1, "first sheet here"));
}

static void sheet_for_another_call(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    rewrite("call/reviews/R3.xml", r3_xml, "call=\"C1\"", "call=\"C2\"");
    load(s, "call", MERIT_EINVALID);
    /* col 42: "<sheet xmlns=\"urn:merit:1\" reviewer=\"R3\" " is 41 bytes */
    T_EXPECT_DIAGS(
        s->ctx, T_ERROR("call/reviews/R3.xml", 2, 42, "sheet of 'R3' is for call 'C2', not 'C1'"));
}

static void review_of_proposal_not_in_call(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    rewrite("call/reviews/R2.xml", r2_xml, "proposal=\"P01\"", "proposal=\"P09\"");
    load(s, "call", MERIT_EINVALID);
    /* col 11: "  <review " is 10 bytes */
    T_EXPECT_DIAGS(s->ctx, T_ERROR("call/reviews/R2.xml", 3, 11,
                                   "reviewer 'R2' reviews proposal 'P09', which is not in the "
                                   "call"));
}

static void declared_conflict_with_unknown_proposal(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    rewrite("call/reviews/R3.xml", r3_xml, "proposal=\"P03\"", "proposal=\"P33\"");
    load(s, "call", MERIT_EINVALID);
    /* col 15: "    <conflict " is 14 bytes; P03 is one substitution away,
     * the cutoff for three characters is 1, and P01, P02 are two away */
    T_EXPECT_DIAGS(s->ctx, T_ERROR("call/reviews/R3.xml", 4, 15,
                                   "conflict with proposal 'P33', which is not in the call; did "
                                   "you mean 'P03'?"));
}

static void call_conflict_with_unknown_names(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    char *xml = t_replace(call_xml, "  </panel>\n",
                          "  </panel>\n"
                          "  <conflicts>\n"
                          "    <conflict reviewer=\"R7\" proposal=\"P01\">x</conflict>\n"
                          "    <conflict reviewer=\"R1\" proposal=\"P07\">y</conflict>\n"
                          "  </conflicts>\n");
    t_write(".", "call/call.xml", xml);
    free(xml);
    load(s, "call", MERIT_EINVALID);
    T_EXPECT_DIAGS(
        s->ctx,
        T_ERROR("call/call.xml", 12, 5, "conflict names reviewer 'R7', who is not on the panel"),
        T_ERROR("call/call.xml", 13, 5, "conflict names proposal 'P07', which is not in the call"));
}

static void proposal_for_another_call(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    write_proposal("call/proposals/z.xml", "P01", "C2");
    load(s, "call", MERIT_EINVALID);
    /* col 40: "<proposal xmlns=\"urn:merit:1\" id=\"P01\" " is 39 bytes */
    T_EXPECT_DIAGS(s->ctx, T_ERROR("call/proposals/z.xml", 2, 40,
                                   "proposal 'P01' is for call 'C2', not 'C1'"));
}

static void duplicate_proposal_ids_across_files(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    /* read in name order: a-bundle.xml (P03, P02), m.xml (P01), z.xml (P01) */
    write_proposal("call/proposals/m.xml", "P01", "C1");
    load(s, "call", MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("call/proposals/z.xml", 2, 1, "duplicate proposal id 'P01'"),
                   T_NOTE("call/proposals/m.xml", 2, 1, "'P01' also defined here"));
}

static void duplicate_reviewer_on_panel(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    rewrite("call/call.xml", call_xml, "<reviewer id=\"R3\">", "<reviewer id=\"R1\">");
    t_rmtree("call/reviews/R3.xml");
    load(s, "call", MERIT_EINVALID);
    /* col 15: "    <reviewer " is 14 bytes */
    T_EXPECT_DIAGS(s->ctx, T_ERROR("call/call.xml", 9, 15, "duplicate reviewer id 'R1'"),
                   T_NOTE("call/call.xml", 8, 5, "'R1' first defined here"));
}

static void unknown_shipped_rubric(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    rewrite("call/call.xml", call_xml, "name=\"horizon-europe\"", "name=\"horizon\"");
    load(s, "call", MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("call/call.xml", 5, 3,
                                   "no shipped rubric named 'horizon' (shipped: horizon-europe, "
                                   "manufacturing-usa, nih)"));
}

static void rubric_needs_name_or_href(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    rewrite("call/call.xml", call_xml, "<rubric name=\"horizon-europe\"/>", "<rubric/>");
    load(s, "call", MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("call/call.xml", 5, 3,
                                   "the rubric element needs exactly one of name= (a shipped "
                                   "rubric) and href= (a file)"));
}

static void folder_without_call_xml(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    t_rmtree("call/call.xml");
    load(s, "call", MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("call", 0, 0, "not a call folder: it has no call.xml"));
}

static void missing_proposals_folder(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    t_rmtree("call/proposals");
    load(s, "call", MERIT_EINVALID);
    /* without proposals every review dangles: reported too */
    T_EXPECT_DIAGS(s->ctx, T_ERROR("call/proposals", 0, 0, "the call has no such folder"),
                   T_ERROR("call/reviews/R1.xml", 3, 11,
                           "reviewer 'R1' reviews proposal 'P02', which is not in the call"),
                   T_ERROR("call/reviews/R1.xml", 8, 11,
                           "reviewer 'R1' reviews proposal 'P01', which is not in the call"),
                   T_ERROR("call/reviews/R2.xml", 3, 11,
                           "reviewer 'R2' reviews proposal 'P01', which is not in the call"),
                   T_ERROR("call/reviews/R3.xml", 4, 15,
                           "conflict with proposal 'P03', which is not in the call"),
                   T_ERROR("call/reviews/R3.xml", 5, 15,
                           "conflict with proposal 'P02', which is not in the call"));
}

static void missing_path(void **state)
{
    struct t_scratch *s = *state;
    load(s, "no-such-call", MERIT_EIO);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("no-such-call", 0, 0, "no such file"));
    assert_int_equal(merit_ctx_diag(s->ctx, 0)->kind, MERIT_DIAG_IO);
}

static void directory_where_a_file_is_expected(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    t_mkdirs(".", "call/proposals/P99.xml");
    load(s, "call", MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("call/proposals/P99.xml", 0, 0, "is a directory, not an XML file"));
}

static void errors_in_many_files_are_all_reported(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    write_proposal("call/proposals/z.xml", "P01", "C2");
    rewrite("call/reviews/R2.xml", r2_xml, "value=\"4\"", "value=\"6\"");
    rewrite("call/reviews/R3.xml", r3_xml, "reviewer=\"R3\"", "reviewer=\"R9\"");
    load(s, "call", MERIT_EINVALID);
    assert_int_equal(merit_ctx_error_count(s->ctx), 3);
}

/* --- order does not matter -------------------------------------------------- */

static void append(char **buf, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void append(char **buf, size_t *len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    assert_true(n >= 0);
    *buf = realloc(*buf, *len + (size_t)n + 1);
    assert_non_null(*buf);
    va_start(ap, fmt);
    vsnprintf(*buf + *len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    *len += (size_t)n;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Everything the model holds except places in files, as text. Conflicts
 * are listed sorted when sort_conflicts is set. */
static char *dump_call(const merit_call *c, bool sort_conflicts)
{
    char *out = NULL;
    size_t len = 0;
    append(&out, &len, "call %s '%s' %s %lld rubric %s\n", c->id, c->title, c->currency,
           (long long)c->budget, c->rubric->id);
    for (size_t i = 0; i < c->reviewer_count; i++)
        append(&out, &len, "reviewer %s '%s' '%s'\n", c->reviewers[i].id, c->reviewers[i].name,
               c->reviewers[i].affiliation ? c->reviewers[i].affiliation : "-");
    for (size_t i = 0; i < c->proposal_count; i++) {
        const merit_proposal *p = &c->proposals[i];
        append(&out, &len,
               "proposal %s call %s '%s' %u months, %zu orgs, lead %s, %lld/%lld/%lld\n", p->id,
               p->call_id, p->title, p->months, p->org_count, p->orgs[p->lead].id,
               (long long)p->total.federal, (long long)p->total.cash, (long long)p->total.in_kind);
    }
    size_t nc = c->rubric->criterion_count;
    for (size_t i = 0; i < c->review_count; i++) {
        const merit_review *r = &c->reviews[i];
        append(&out, &len, "review %s by %s conf %u conflicted %d comment '%s'\n",
               c->proposals[r->proposal].id, c->reviewers[r->reviewer].id, r->confidence,
               r->conflicted, r->comment ? r->comment : "-");
        for (size_t k = 0; k < nc; k++)
            append(&out, &len, "  %s steps %d conf %u comment '%s' reason '%s'\n",
                   c->rubric->criteria[k].id, r->steps[k], r->confidences[k],
                   r->comments[k] ? r->comments[k] : "-",
                   r->no_score_reasons && r->no_score_reasons[k] ? r->no_score_reasons[k] : "-");
    }
    char **lines = calloc(c->conflict_count + 1, sizeof(*lines));
    assert_non_null(lines);
    for (size_t i = 0; i < c->conflict_count; i++) {
        size_t l = 0;
        lines[i] = NULL;
        append(&lines[i], &l, "conflict %s with %s '%s' from call %d\n",
               c->reviewers[c->conflicts[i].reviewer].id, c->proposals[c->conflicts[i].proposal].id,
               c->conflicts[i].reason, c->conflicts[i].from_call);
    }
    if (sort_conflicts && c->conflict_count > 1)
        qsort(lines, c->conflict_count, sizeof(*lines), compare_strings);
    for (size_t i = 0; i < c->conflict_count; i++) {
        append(&out, &len, "%s", lines[i]);
        free(lines[i]);
    }
    free(lines);
    return out;
}

/* The valid call, rewritten: the panel reversed, one proposal a file under
 * names that sort differently, all sheets in one bundle in another order,
 * reviews and scores in another order, R3's conflicts swapped. */
static void write_reordered_call(void)
{
    t_write(".", "other/call.xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<call xmlns=\"urn:merit:1\" id=\"C1\" currency=\"EUR\">\n"
            "  <title>Test call</title>\n"
            "  <budget available=\"1000000.00\"/>\n"
            "  <rubric name=\"horizon-europe\"/>\n"
            "  <panel>\n"
            "    <reviewer id=\"R3\"><name>Three</name></reviewer>\n"
            "    <reviewer id=\"R1\"><name>One</name><affiliation>Uni</affiliation></reviewer>\n"
            "    <reviewer id=\"R2\"><name>Two</name></reviewer>\n"
            "  </panel>\n"
            "</call>\n");
    write_proposal("other/proposals/1.xml", "P03", "C1");
    write_proposal("other/proposals/2.xml", "P01", "C1");
    write_proposal("other/proposals/3.xml", "P02", "C1");
    /* federal amounts as in write_valid_call: P03 3000, P02 2000 */
    char *p3 = t_read("other/proposals/1.xml", NULL);
    char *p3b = t_replace(p3, "federal=\"1000\" cash=\"0\" in-kind=\"0\"/><total federal=\"1000\"",
                          "federal=\"3000\" cash=\"0\" in-kind=\"0\"/><total federal=\"3000\"");
    t_write(".", "other/proposals/1.xml", p3b);
    char *p2 = t_read("other/proposals/3.xml", NULL);
    char *p2b = t_replace(p2, "federal=\"1000\" cash=\"0\" in-kind=\"0\"/><total federal=\"1000\"",
                          "federal=\"2000\" cash=\"0\" in-kind=\"0\"/><total federal=\"2000\"");
    t_write(".", "other/proposals/3.xml", p2b);
    free(p3);
    free(p3b);
    free(p2);
    free(p2b);
    t_write(".", "other/reviews/all.xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<sheets xmlns=\"urn:merit:1\">\n"
            "  <sheet reviewer=\"R3\" call=\"C1\">\n"
            "    <conflicts>\n"
            "      <conflict proposal=\"P02\">Same building.</conflict>\n"
            "      <conflict proposal=\"P03\">Former student.</conflict>\n"
            "    </conflicts>\n"
            "  </sheet>\n"
            "  <sheet reviewer=\"R2\" call=\"C1\">\n"
            "    <review proposal=\"P01\" confidence=\"5\">\n"
            "      <score criterion=\"implementation\" value=\"4\"/>\n"
            "      <score criterion=\"excellence\" value=\"3\"/>\n"
            "      <score criterion=\"impact\" value=\"3.5\"/>\n"
            "      <comment>Fine.</comment>\n"
            "    </review>\n"
            "  </sheet>\n"
            "  <sheet reviewer=\"R1\" call=\"C1\">\n"
            "    <review proposal=\"P01\" confidence=\"3\">\n"
            "      <no-score criterion=\"impact\">Outside my field.</no-score>\n"
            "      <score criterion=\"excellence\" value=\"2.50\"/>\n"
            "      <score criterion=\"implementation\" value=\"5.0\" confidence=\"5\"/>\n"
            "    </review>\n"
            "    <review proposal=\"P02\" confidence=\"4\">\n"
            "      <score criterion=\"implementation\" value=\"0\"/>\n"
            "      <score criterion=\"impact\" value=\"3\"/>\n"
            "      <score criterion=\"excellence\" value=\"4.5\">Strong.</score>\n"
            "    </review>\n"
            "  </sheet>\n"
            "</sheets>\n");
}

static void order_of_files_and_elements_does_not_matter(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    write_reordered_call();
    merit_call *a = load(s, "call", 0);
    merit_call *b = load(s, "other", 0);
    T_EXPECT_NO_DIAGS(s->ctx);
    char *da = dump_call(a, true);
    char *db = dump_call(b, true);
    assert_string_equal(da, db);
    free(da);
    free(db);
    merit_call_free(a);
    merit_call_free(b);
}

/* Conflicts too keep a fixed order, whatever the order of files and
 * elements (they were once left in reading order). */
static void conflicts_are_in_a_fixed_order(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    write_reordered_call();
    merit_call *a = load(s, "call", 0);
    merit_call *b = load(s, "other", 0);
    char *da = dump_call(a, false);
    char *db = dump_call(b, false);
    assert_string_equal(da, db);
    free(da);
    free(db);
    merit_call_free(a);
    merit_call_free(b);
}

/* --- links: followed only within the call folder ------------------------------ */

/* A link from the scratch folder's rel to target (as written in the link). */
static void link_to(const char *target, const char *rel)
{
    assert_int_equal(symlink(target, rel), 0);
}

/* The note on a refused link: where it leads, from the scratch folder. */
static char *leads_to(const char *rel)
{
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    return t_sprintf("it leads to '%s/%s'", cwd, rel);
}

#define LEADS_OUT                                                                                  \
    "leads out of the call folder through a link: a call is self-contained, so merit follows "     \
    "links only within its folder"
/* A proposal file unread: the reviews naming its proposals are not checked,
 * said once. */
#define NOT_REPORTED                                                                               \
    "reviews and conflicts naming proposals not in the call are not reported: this file did not "  \
    "load whole, and may hold them"

static void proposal_linked_out_of_the_call_is_refused(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    t_mkdirs(".", "outside");
    assert_int_equal(rename("call/proposals/z.xml", "outside/z.xml"), 0);
    link_to("../../outside/z.xml", "call/proposals/z.xml");
    load(s, "call", MERIT_EINVALID);
    char *note = leads_to("outside/z.xml");
    /* P01 did not load: its reviews are not reported again */
    T_EXPECT_DIAGS(s->ctx, T_ERROR("call/proposals/z.xml", 0, 0, LEADS_OUT),
                   T_NOTE("call/proposals/z.xml", 0, 0, note),
                   T_NOTE("call/proposals/z.xml", 0, 0, NOT_REPORTED));
    free(note);
}

/* With keep-going only that file is left out, listed with the reason, and
 * the audit trail will record it as not read. */
static void keep_going_rejects_only_the_linked_file(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    t_mkdirs(".", "outside");
    assert_int_equal(rename("call/proposals/z.xml", "outside/z.xml"), 0);
    link_to("../../outside/z.xml", "call/proposals/z.xml");
    merit_ctx_set_keep_going(s->ctx, true);
    merit_call *c = load(s, "call", 0);
    assert_int_equal(c->proposal_count, 2); /* P02 and P03 */
    assert_true(c->rejected_count >= 1);
    assert_int_equal(c->rejected[0].kind, MERIT_REJECTED_FILE);
    assert_string_equal(c->rejected[0].what, "proposals/z.xml");
    assert_string_equal(c->rejected[0].reason, LEADS_OUT);
    size_t z = 0;
    while (z < c->file_count && strcmp(c->files[z].relpath, "proposals/z.xml") != 0)
        z++;
    assert_true(z < c->file_count);
    const merit_file *f = &c->files[z];
    assert_false(f->hashed);
    assert_int_equal(f->unread, MERIT_UNREAD_LINK_OUTSIDE);
    assert_int_equal(f->bytes, 0);
    merit_call_free(c);
}

static void links_inside_the_call_are_followed(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    t_mkdirs(".", "call/data");
    assert_int_equal(rename("call/proposals/z.xml", "call/data/z.xml"), 0);
    link_to("../data/z.xml", "call/proposals/z.xml");
    /* reviews/ itself a link to a folder inside the call */
    assert_int_equal(rename("call/reviews", "call/data/reviews"), 0);
    link_to("data/reviews", "call/reviews");
    merit_call *c = load(s, "call", 0);
    T_EXPECT_NO_DIAGS(s->ctx);
    assert_int_equal(c->proposal_count, 3);
    assert_int_equal(c->review_count, 3);
    merit_call_free(c);
}

/* A chain of links is judged by where it ends: out and back in is inside,
 * in and then out is not. */
static void a_chain_of_links_is_judged_by_its_end(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    t_mkdirs(".", "outside");
    t_mkdirs(".", "call/data");
    assert_int_equal(rename("call/proposals/z.xml", "call/data/z.xml"), 0);
    link_to("../call/data/z.xml", "outside/hop.xml");
    link_to("../../outside/hop.xml", "call/proposals/z.xml");
    merit_call *c = load(s, "call", 0);
    T_EXPECT_NO_DIAGS(s->ctx);
    merit_call_free(c);

    merit_ctx_clear_diags(s->ctx);
    assert_int_equal(rename("call/data/z.xml", "outside/z.xml"), 0);
    assert_int_equal(unlink("call/proposals/z.xml"), 0);
    link_to("../../outside/z.xml", "call/data/hop.xml");
    link_to("../data/hop.xml", "call/proposals/z.xml");
    load(s, "call", MERIT_EINVALID);
    char *note = leads_to("outside/z.xml");
    T_EXPECT_DIAGS(s->ctx, T_ERROR("call/proposals/z.xml", 0, 0, LEADS_OUT),
                   T_NOTE("call/proposals/z.xml", 0, 0, note),
                   T_NOTE("call/proposals/z.xml", 0, 0, NOT_REPORTED));
    free(note);
}

static void a_folder_linked_out_of_the_call_is_refused(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    t_mkdirs(".", "outside");
    assert_int_equal(rename("call/reviews", "outside/reviews"), 0);
    link_to("../outside/reviews", "call/reviews");
    load(s, "call", MERIT_EINVALID);
    char *note = leads_to("outside/reviews");
    T_EXPECT_DIAGS(s->ctx, T_ERROR("call/reviews", 0, 0, LEADS_OUT),
                   T_NOTE("call/reviews", 0, 0, note));
    free(note);

    /* proposals/ too; with keep-going the call still cannot be ranked */
    merit_ctx_clear_diags(s->ctx);
    assert_int_equal(unlink("call/reviews"), 0);
    assert_int_equal(rename("outside/reviews", "call/reviews"), 0);
    assert_int_equal(rename("call/proposals", "outside/proposals"), 0);
    link_to("../outside/proposals", "call/proposals");
    merit_ctx_set_keep_going(s->ctx, true);
    merit_call *c = load(s, "call", 0);
    assert_int_equal(c->proposal_count, 0);
    note = leads_to("outside/proposals");
    const merit_diag *d = merit_ctx_diag(s->ctx, 0);
    assert_string_equal(d->file, "call/proposals");
    assert_string_equal(d->message, LEADS_OUT);
    assert_string_equal(merit_ctx_diag(s->ctx, 1)->message, note);
    free(note);
    merit_call_free(c);
}

static void a_rubric_reached_through_a_folder_link_is_refused(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    char *xml = t_replace(call_xml, "<rubric name=\"horizon-europe\"/>",
                          "<rubric href=\"rubrics/he.xml\"/>");
    t_write(".", "call/call.xml", xml);
    free(xml);
    char *rubric = t_read(MERIT_SOURCE_DIR "/rubrics/horizon-europe.xml", NULL);
    assert_non_null(rubric);
    t_write(".", "outside/rubrics/he.xml", rubric);
    free(rubric);
    link_to("../outside/rubrics", "call/rubrics");
    load(s, "call", MERIT_EINVALID);
    char *note = leads_to("outside/rubrics/he.xml");
    T_EXPECT_DIAGS(s->ctx, T_ERROR("call/rubrics/he.xml", 0, 0, LEADS_OUT),
                   T_NOTE("call/rubrics/he.xml", 0, 0, note),
                   T_NOTE("call/call.xml", 5, 3, "the call names its rubric here"));
    free(note);
}

static void call_xml_linked_out_of_the_call_is_refused(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    t_mkdirs(".", "outside");
    assert_int_equal(rename("call/call.xml", "outside/call.xml"), 0);
    link_to("../outside/call.xml", "call/call.xml");
    load(s, "call", MERIT_EINVALID);
    char *note = leads_to("outside/call.xml");
    T_EXPECT_DIAGS(s->ctx, T_ERROR("call/call.xml", 0, 0, LEADS_OUT),
                   T_NOTE("call/call.xml", 0, 0, note));
    free(note);
}

/* The folder given is the root, whatever links lead to it. */
static void the_call_folder_may_be_given_through_a_link(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    link_to("call", "shortcut");
    merit_call *c = load(s, "shortcut", 0);
    T_EXPECT_NO_DIAGS(s->ctx);
    assert_string_equal(c->proposals[0].loc.file, "shortcut/proposals/z.xml");
    merit_call_free(c);
}

static void a_dangling_link_has_vanished(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    assert_int_equal(unlink("call/proposals/z.xml"), 0);
    link_to("nowhere.xml", "call/proposals/z.xml");
    load(s, "call", MERIT_EIO);
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("call/proposals/z.xml", 0, 0,
                           "vanished: its name is listed but the file is gone (a dangling "
                           "link, or removed while merit ran)"),
                   T_NOTE("call/proposals/z.xml", 0, 0, NOT_REPORTED));
}

/* A link whose end is too long a path to resolve (realpath fails, open
 * would not) is not followed: it used to be, out of the call folder. */
static void a_link_too_long_to_resolve_is_refused(void **state)
{
    struct t_scratch *s = *state;
    char seg[201];
    memset(seg, 'd', 200);
    seg[200] = '\0';
    /* the call one long folder down, so that the link's end, 20 folders of
     * 200 letters further, is over PATH_MAX (4096) while the link's own
     * text (4,039 bytes) is under it */
    assert_int_equal(mkdir(seg, 0777), 0);
    assert_int_equal(chdir(seg), 0);
    write_valid_call();
    assert_int_equal(mkdir("outside", 0777), 0);
    assert_int_equal(chdir("outside"), 0);
    for (int i = 0; i < 20; i++) {
        assert_int_equal(mkdir(seg, 0777), 0);
        assert_int_equal(chdir(seg), 0);
    }
    char *proposal = t_read("../../../../../../../../../../../../../../../../../../../../../call/"
                            "proposals/z.xml",
                            NULL);
    assert_non_null(proposal);
    t_write(".", "z.xml", proposal);
    free(proposal);
    for (int i = 0; i < 21; i++)
        assert_int_equal(chdir(".."), 0);
    char *target = t_sprintf("../../outside");
    for (int i = 0; i < 20; i++) {
        char *longer = t_sprintf("%s/%s", target, seg);
        free(target);
        target = longer;
    }
    char *full = t_sprintf("%s/z.xml", target);
    free(target);
    assert_int_equal(unlink("call/proposals/z.xml"), 0);
    link_to(full, "call/proposals/z.xml");
    free(full);
    load(s, "call", MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("call/proposals/z.xml", 0, 0, LEADS_OUT),
                   T_NOTE("call/proposals/z.xml", 0, 0,
                          "where it leads cannot be resolved (File name too long), so it is not "
                          "followed"),
                   T_NOTE("call/proposals/z.xml", 0, 0, NOT_REPORTED));
    assert_int_equal(system("rm -rf outside"), 0); /* deeper than t_rmtree goes */
}

/* --- every problem in one run ------------------------------------------------ */

/* clang-format off */
static const char he_xml[] =
    /*  1 */ "<?xml version=\"1.0\"?>\n"
    /*  2 */ "<rubric xmlns=\"urn:merit:1\" id=\"he\" version=\"1\">\n"
    /*  3 */ "  <title>Local</title>\n"
    /*  4 */ "  <scale min=\"0\" max=\"5\" step=\"0.5\"/>\n"
    /*  5 */ "  <criteria>\n"
    /*  6 */ "    <criterion id=\"excellence\" weight=\"1\"><name>E</name></criterion>\n"
    /*  7 */ "    <criterion id=\"impact\" weight=\"1\"><name>I</name></criterion>\n"
    /*  8 */ "    <criterion id=\"implementation\" weight=\"1\"><name>M</name></criterion>\n"
    /*  9 */ "  </criteria>\n"
    /* 10 */ "  <aggregation method=\"mean\"/>\n"
    /* 11 */ "</rubric>\n";
/* clang-format on */

/* The valid call with its rubric in he.xml (edited), a score off the scale
 * in R1, a review of an unknown proposal in R2, and a sheet of a reviewer
 * not on the panel. */
static void write_call_with_mistakes(const char *rubric_from, const char *rubric_to)
{
    write_valid_call();
    rewrite("call/call.xml", call_xml, "<rubric name=\"horizon-europe\"/>",
            "<rubric href=\"he.xml\"/>");
    rewrite("call/he.xml", he_xml, rubric_from, rubric_to);
    rewrite("call/reviews/R1.xml", r1_xml, "value=\"4.5\"", "value=\"7\"");
    rewrite("call/reviews/R2.xml", r2_xml, "proposal=\"P01\"", "proposal=\"P09\"");
    rewrite("call/reviews/R9.xml", r3_xml, "reviewer=\"R3\"", "reviewer=\"R9\"");
}

/* A rubric refused for a weight still has its scale and criteria: the
 * scores are checked against them, and every reference, in the same run
 * (the weight used to hide everything else). */
static void a_bad_weight_hides_nothing(void **state)
{
    struct t_scratch *s = *state;
    write_call_with_mistakes("id=\"impact\" weight=\"1\"", "id=\"impact\" weight=\"0\"");
    load(s, "call", MERIT_EINVALID);
    /* cols: weight= 28 into he.xml line 7; value= 35 into R1 line 4 */
    T_EXPECT_DIAGS(
        s->ctx,
        T_ERROR("call/he.xml", 7, 28, "criterion 'impact' has weight 0; weights must be positive"),
        T_ERROR("call/reviews/R1.xml", 4, 35,
                "score 7 for criterion 'excellence' is off the scale 0 to 5"),
        T_ERROR("call/reviews/R2.xml", 3, 11,
                "reviewer 'R2' reviews proposal 'P09', which is not in the call"),
        T_ERROR("call/reviews/R9.xml", 2, 28, "reviewer 'R9' is not on the call's panel"));
}

/* A rubric that breaks its schema gives nothing to check scores against,
 * but the references are checked all the same. */
static void a_rubric_that_breaks_its_schema_hides_no_reference(void **state)
{
    struct t_scratch *s = *state;
    write_call_with_mistakes("method=\"mean\"", "method=\"avg\"");
    load(s, "call", MERIT_EINVALID);
    T_EXPECT_DIAGS(
        s->ctx,
        T_ERROR("call/he.xml", 10, 16,
                "method 'avg' is not one of 'mean', 'median', 'trimmed-mean', "
                "'confidence-weighted', 'z-score'"),
        T_ERROR("call/reviews/R2.xml", 3, 11,
                "reviewer 'R2' reviews proposal 'P09', which is not in the call"),
        T_ERROR("call/reviews/R9.xml", 2, 28, "reviewer 'R9' is not on the call's panel"));
}

/* A call.xml that breaks its schema names no panel to check against: the
 * proposals and sheets are still read, and their own problems reported. */
static void a_call_that_breaks_its_schema_still_reads_the_rest(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    rewrite("call/call.xml", call_xml, "currency=\"EUR\"", "currency=\"eur\"");
    write_proposal("call/proposals/z.xml", "P/01", "C1");
    rewrite("call/reviews/R2.xml", r2_xml, "confidence=\"5\"", "confidence=\"6\"");
    load(s, "call", MERIT_EINVALID);
    T_EXPECT_DIAGS(
        s->ctx,
        T_ERROR("call/call.xml", 2, 35,
                "currency 'eur' is not a currency code (three capital letters, as EUR "
                "or USD)"),
        T_ERROR("call/proposals/z.xml", 2, 31,
                "id 'P/01' is not an id (1 to 64 of A-Z a-z 0-9 . _ -, not starting "
                "with '.')"),
        T_ERROR("call/reviews/R2.xml", 3, 26,
                "confidence '6' is not a whole number from 1 to 5 (or empty: none given)"));
}

/* The proposals of a bundle that did not load are known by their ids:
 * the reviews and conflicts naming them are not reported again, while a
 * review of a proposal that is nowhere still is (it used to be silenced
 * with them). */
static void reviews_of_a_proposal_that_did_not_load_are_not_reported_again(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    /* P03 breaks its schema: the bundle, P02 with it, does not load */
    char *bundle = t_read("call/proposals/a-bundle.xml", NULL);
    assert_non_null(bundle);
    rewrite("call/proposals/a-bundle.xml", bundle, "id=\"P03\" call=\"C1\" months=\"12\"",
            "id=\"P03\" call=\"C1\" months=\"0\"");
    free(bundle);
    rewrite("call/reviews/R2.xml", r2_xml, "proposal=\"P01\"", "proposal=\"P09\"");
    load(s, "call", MERIT_EINVALID);
    /* R1 reviews P02, R3 declares conflicts with P03 and P02: not said;
     * P01, the one proposal left, is one edit from P09 */
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("call/proposals/a-bundle.xml", 3, 30,
                           "months '0' is not a whole number from 1 to 120"),
                   T_ERROR("call/reviews/R2.xml", 3, 11,
                           "reviewer 'R2' reviews proposal 'P09', which is not in the call; did "
                           "you mean 'P01'?"));
}

/* A bundle cut short may hold any proposal after the cut: references to
 * proposals not in the call are not reported, and a note says so once. */
static void a_bundle_cut_short_hides_its_ids(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    char *bundle = t_read("call/proposals/a-bundle.xml", NULL);
    assert_non_null(bundle);
    bundle[strstr(bundle, "<title>Proposal P03") - bundle] = '\0';
    t_write(".", "call/proposals/a-bundle.xml", bundle);
    free(bundle);
    rewrite("call/reviews/R2.xml", r2_xml, "proposal=\"P01\"", "proposal=\"P09\"");
    load(s, "call", MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("call/proposals/a-bundle.xml", 4, 3,
                           "the file ends before element 'proposal' (opened at line 3, column 1) "
                           "is closed: is it cut short?"),
                   T_NOTE("call/proposals/a-bundle.xml", 0, 0, NOT_REPORTED));
}

/* Unknown ids get the nearest known one, when one is nearest. */
static void near_ids_are_suggested(void **state)
{
    struct t_scratch *s = *state;
    write_valid_call();
    rewrite("call/reviews/R9.xml", r3_xml, "reviewer=\"R3\"", "reviewer=\"R11\"");
    rewrite("call/reviews/R2.xml", r2_xml, "proposal=\"P01\"", "proposal=\"P1\"");
    char *xml = t_replace(call_xml, "  </panel>\n",
                          "  </panel>\n"
                          "  <conflicts>\n"
                          "    <conflict reviewer=\"R22\" proposal=\"P01\">x</conflict>\n"
                          "  </conflicts>\n");
    t_write(".", "call/call.xml", xml);
    free(xml);
    load(s, "call", MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("call/reviews/R2.xml", 3, 11,
                           "reviewer 'R2' reviews proposal 'P1', which is not in the call; did "
                           "you mean 'P01'?"),
                   T_ERROR("call/reviews/R9.xml", 2, 28,
                           "reviewer 'R11' is not on the call's panel; did you mean 'R1'?"),
                   T_ERROR("call/call.xml", 12, 5,
                           "conflict names reviewer 'R22', who is not on the panel; did you mean "
                           "'R2'?"));

    merit_ctx_clear_diags(s->ctx);
    write_valid_call();
    t_rmtree("call/reviews/R9.xml");
    rewrite("call/call.xml", call_xml, "name=\"horizon-europe\"", "name=\"horizon-europa\"");
    load(s, "call", MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("call/call.xml", 5, 3,
                                   "no shipped rubric named 'horizon-europa' (shipped: "
                                   "horizon-europe, manufacturing-usa, nih); did you mean "
                                   "'horizon-europe'?"));
}

/* --- confidence, optional unless the method weighs by it --------------------- */

/* The reviews of R1 and R2 without their confidence: R1's P01 review still
 * has one on its implementation score only, R2's none at all. */
static void write_call_without_confidences(void)
{
    write_valid_call();
    char *r1 =
        t_edit(r1_xml, "<review proposal=\"P02\" confidence=\"4\">", "<review proposal=\"P02\">",
               "<review proposal=\"P01\" confidence=\"3\">", "<review proposal=\"P01\">");
    t_write(".", "call/reviews/R1.xml", r1);
    free(r1);
    rewrite("call/reviews/R2.xml", r2_xml, " confidence=\"5\"", "");
}

/* A panel that collects no confidence: nothing says so, and the model
 * holds none (0). */
static void confidence_is_optional(void **state)
{
    struct t_scratch *s = *state;
    write_call_without_confidences();
    merit_call *c = load(s, "call", 0);
    T_EXPECT_NO_DIAGS(s->ctx);
    ssize_t i = review_index(c, "P01", "R2");
    assert_true(i >= 0);
    assert_int_equal(c->reviews[i].confidence, 0);
    for (size_t k = 0; k < 3; k++)
        assert_int_equal(c->reviews[i].confidences[k], 0);
    /* R1's P01: implementation (criterion 2) has its own */
    i = review_index(c, "P01", "R1");
    assert_true(i >= 0);
    assert_int_equal(c->reviews[i].confidences[2], 5);
    assert_int_equal(c->reviews[i].confidences[0], 0);
    merit_call_free(c);
}

/* Confidence-weighted needs a confidence on every score: each review that
 * lacks one is reported, in the same run, whether the method comes from
 * the rubric or is given for the ranking (merit_ctx_set_method). */
static void confidence_weighted_needs_a_confidence(void **state)
{
    struct t_scratch *s = *state;
    write_call_without_confidences();
    merit_ctx_set_method(s->ctx, true, MERIT_METHOD_CONFIDENCE_WEIGHTED);
    load(s, "call", MERIT_EINVALID);
#define NO_CONFIDENCE(p, r)                                                                        \
    "review of proposal '" p "' by '" r "' gives no confidence, which the method "                 \
    "'confidence-weighted' needs: give one on the <review> or on each <score>"
    T_EXPECT_DIAGS(s->ctx, T_ERROR("call/reviews/R1.xml", 3, 3, NO_CONFIDENCE("P02", "R1")),
                   T_ERROR("call/reviews/R1.xml", 8, 3, NO_CONFIDENCE("P01", "R1")),
                   T_ERROR("call/reviews/R2.xml", 3, 3, NO_CONFIDENCE("P01", "R2")));

    /* from the rubric */
    merit_ctx_clear_diags(s->ctx);
    merit_ctx_set_method(s->ctx, false, MERIT_METHOD_MEAN);
    rewrite("call/call.xml", call_xml, "<rubric name=\"horizon-europe\"/>",
            "<rubric href=\"he.xml\"/>");
    rewrite("call/he.xml", he_xml, "method=\"mean\"", "method=\"confidence-weighted\"");
    load(s, "call", MERIT_EINVALID);
    assert_int_equal(merit_ctx_error_count(s->ctx), 3);

    /* the mean given for the ranking needs none, whatever the rubric's */
    merit_ctx_clear_diags(s->ctx);
    merit_ctx_set_method(s->ctx, true, MERIT_METHOD_MEAN);
    merit_call_free(load(s, "call", 0));
    T_EXPECT_NO_DIAGS(s->ctx);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, t_scratch_setup, t_scratch_teardown)
    const struct CMUnitTest tests[] = {
        T(valid_call_loads),
        T(call_loaded_without_comments),
        T(call_xml_path_loads_the_same),
        T(call_conflict_marks_review),
        T(empty_reviews_folder_is_a_warning),
        T(unknown_criterion),
        T(score_off_the_scale),
        T(score_below_the_scale),
        T(score_off_the_step),
        T(criterion_neither_scored_nor_no_scored),
        T(sheet_of_reviewer_not_on_panel),
        T(second_sheet_of_a_reviewer),
        T(sheet_for_another_call),
        T(review_of_proposal_not_in_call),
        T(declared_conflict_with_unknown_proposal),
        T(call_conflict_with_unknown_names),
        T(proposal_for_another_call),
        T(duplicate_proposal_ids_across_files),
        T(duplicate_reviewer_on_panel),
        T(unknown_shipped_rubric),
        T(rubric_needs_name_or_href),
        T(folder_without_call_xml),
        T(missing_proposals_folder),
        T(missing_path),
        T(directory_where_a_file_is_expected),
        T(errors_in_many_files_are_all_reported),
        T(order_of_files_and_elements_does_not_matter),
        T(conflicts_are_in_a_fixed_order),
        T(proposal_linked_out_of_the_call_is_refused),
        T(keep_going_rejects_only_the_linked_file),
        T(links_inside_the_call_are_followed),
        T(a_chain_of_links_is_judged_by_its_end),
        T(a_folder_linked_out_of_the_call_is_refused),
        T(a_rubric_reached_through_a_folder_link_is_refused),
        T(call_xml_linked_out_of_the_call_is_refused),
        T(the_call_folder_may_be_given_through_a_link),
        T(a_dangling_link_has_vanished),
        T(a_link_too_long_to_resolve_is_refused),
        T(a_bad_weight_hides_nothing),
        T(a_rubric_that_breaks_its_schema_hides_no_reference),
        T(a_call_that_breaks_its_schema_still_reads_the_rest),
        T(reviews_of_a_proposal_that_did_not_load_are_not_reported_again),
        T(a_bundle_cut_short_hides_its_ids),
        T(near_ids_are_suggested),
        T(confidence_is_optional),
        T(confidence_weighted_needs_a_confidence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
