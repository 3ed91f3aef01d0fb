/*
 * `merit assign` (merit/assign.h): the optimum where a greedy choice is
 * worse, conflicts never assigned (declared, and the same organisation by
 * name), loads within one of each other, an impossible call refused with
 * every proposal named, the same bytes twice, and the example call
 * assigned and turned into score sheets that follow the assignment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h" /* merit__alloc_fail_at */
#include "merit/assign.h"
#include "merit/table.h"
#include "run_merit.h"
#include "support.h"

#define CALL MERIT_SOURCE_DIR "/proposals/mfg-2026"

/* A call in folder c/: reviewers as XML (each <reviewer> whole), extra
 * elements after the panel (conflicts). */
static void write_call(const char *panel, const char *after)
{
    t_mkdirs(".", "c/proposals");
    t_mkdirs(".", "c/reviews"); /* empty before any review: the loader warns */
    t_write(".", "c/rubric.xml",
            "<rubric xmlns=\"urn:merit:1\" id=\"t\" version=\"1\"><title>t</title>"
            "<scale min=\"0\" max=\"10\" step=\"1\"/><criteria><criterion id=\"a\" "
            "weight=\"1\"><name>A</name></criterion></criteria>"
            "<aggregation method=\"mean\" min-reviewers=\"1\"/></rubric>\n");
    char *x = t_sprintf("<call xmlns=\"urn:merit:1\" id=\"C\" currency=\"USD\"><title>c</title>"
                        "<budget available=\"100\"/><rubric href=\"rubric.xml\"/><panel>%s"
                        "</panel>%s</call>\n",
                        panel, after);
    t_write(".", "c/call.xml", x);
    free(x);
}

/* A proposal with an area and one organisation. */
static void write_proposal(const char *id, const char *area, const char *org)
{
    char *x = t_sprintf("<proposal xmlns=\"urn:merit:1\" id=\"%s\" call=\"C\"><title>T %s</title>"
                        "<area>%s</area><request amount=\"10\"/><team><organisation id=\"o\" "
                        "lead=\"true\"><name>%s</name></organisation></team></proposal>\n",
                        id, id, area, org);
    char *name = t_sprintf("c/proposals/%s.xml", id);
    t_write(".", name, x);
    free(x);
    free(name);
}

static merit_call *load(merit_ctx *ctx)
{
    merit_call *call = NULL;
    int rc = merit_call_load(ctx, "c", &call);
    if (rc != 0)
        t_print_diags(ctx);
    assert_int_equal(rc, 0);
    return call;
}

static const char *rid(const merit_call *c, const merit_assign_result *a, size_t i)
{
    return c->reviewers[a->pairs[i].reviewer].id;
}

/*
 * Two proposals, one reviewer each, loads of one. r1 knows areas a and b,
 * r2 only a. A greedy pass in id order gives P1 (area a) its first
 * matching reviewer, r1, and leaves P2 (area b) with r2, no match: one
 * match of two. The flow gives P1 r2 and P2 r1: two matches, the most.
 */
static void optimum_beats_greedy(void **state)
{
    struct t_scratch *s = *state;
    write_call("<reviewer id=\"r1\"><name>A</name><expertise>a; B</expertise></reviewer>"
               "<reviewer id=\"r2\"><name>B</name><expertise> A </expertise></reviewer>",
               "");
    write_proposal("P1", "a", "X");
    write_proposal("P2", "b", "Y");
    merit_call *call = load(s->ctx);
    merit_assign_options opt = {1, 0, NULL};
    merit_assign_result *a = NULL;
    assert_int_equal(merit_assign(s->ctx, call, &opt, &a), 0);
    assert_int_equal(a->count, 2);
    assert_string_equal(call->proposals[a->pairs[0].proposal].id, "P1");
    assert_string_equal(rid(call, a, 0), "r2");
    assert_string_equal(call->proposals[a->pairs[1].proposal].id, "P2");
    assert_string_equal(rid(call, a, 1), "r1");
    assert_int_equal(a->matches, 2);
    assert_int_equal(a->min_load, 1);
    assert_int_equal(a->top_load, 1);
    merit_assign_result_free(a);
    merit_call_free(call);
}

/*
 * Four reviewers, four proposals, two reviewers each (loads 2). Declared:
 * r1 with P1. Organisation: r2's affiliation names "Alpha Labs", P2's
 * organisation, as whole words in another case; r3's names "Alpha
 * Laboratories", which is not "Alpha Labs", and r4's "Betamax", which
 * holds "Beta" (P3's organisation) only inside a longer word.
 */
static void conflicts_never_assigned(void **state)
{
    struct t_scratch *s = *state;
    write_call("<reviewer id=\"r1\"><name>A</name></reviewer>"
               "<reviewer id=\"r2\"><name>B</name><affiliation>Engineer, ALPHA LABS "
               "(Ohio)</affiliation></reviewer>"
               "<reviewer id=\"r3\"><name>C</name><affiliation>Alpha Laboratories"
               "</affiliation></reviewer>"
               "<reviewer id=\"r4\"><name>D</name><affiliation>Betamax</affiliation></reviewer>",
               "<conflicts><conflict reviewer=\"r1\" proposal=\"P1\">cousin</conflict>"
               "</conflicts>");
    write_proposal("P1", "x", "Gamma");
    write_proposal("P2", "x", "Alpha Labs");
    write_proposal("P3", "x", "Beta");
    write_proposal("P4", "x", "Delta");
    merit_call *call = load(s->ctx);
    const char *detail;
    assert_string_equal(merit_assign_excluded(call, 0, 0, &detail), "conflict");
    assert_string_equal(detail, "cousin");
    assert_string_equal(merit_assign_excluded(call, 1, 1, &detail), "organisation");
    assert_string_equal(detail, "Alpha Labs");
    assert_null(merit_assign_excluded(call, 2, 1, &detail));
    assert_null(merit_assign_excluded(call, 3, 2, &detail));
    merit_assign_options opt = {2, 0, NULL};
    merit_assign_result *a = NULL;
    assert_int_equal(merit_assign(s->ctx, call, &opt, &a), 0);
    assert_int_equal(a->count, 8);
    for (size_t i = 0; i < a->count; i++)
        assert_null(
            merit_assign_excluded(call, a->pairs[i].reviewer, a->pairs[i].proposal, &detail));
    for (size_t r = 0; r < 4; r++)
        assert_int_equal(a->loads[r], 2);
    merit_assign_result_free(a);
    merit_call_free(call);
}

/*
 * Seven proposals, two reviewers each, three reviewers: 14 reviews, loads
 * 4, 5, 5 (14 / 3 rounded down and up). Every proposal's area is one only
 * r1 knows: matches alone would give r1 all seven, but even loads come
 * first, so r1 gets 5 (the most allowed) and all 5 of them match.
 */
static void loads_balanced(void **state)
{
    struct t_scratch *s = *state;
    write_call("<reviewer id=\"r1\"><name>A</name><expertise>welding</expertise></reviewer>"
               "<reviewer id=\"r2\"><name>B</name></reviewer>"
               "<reviewer id=\"r3\"><name>C</name></reviewer>",
               "");
    for (int i = 1; i <= 7; i++) {
        char id[8];
        snprintf(id, sizeof(id), "P%d", i);
        write_proposal(id, "Welding", "X");
    }
    merit_call *call = load(s->ctx);
    merit_assign_options opt = {2, 0, NULL};
    merit_assign_result *a = NULL;
    assert_int_equal(merit_assign(s->ctx, call, &opt, &a), 0);
    assert_int_equal(a->count, 14);
    assert_int_equal(a->min_load, 4);
    assert_int_equal(a->top_load, 5);
    assert_int_equal(a->loads[0], 5);
    assert_int_equal(a->matches, 5);
    for (size_t i = 0; i < a->count; i++) /* two different reviewers a proposal */
        if (i % 2 == 1)
            assert_true(a->pairs[i].reviewer != a->pairs[i - 1].reviewer);
    merit_assign_result_free(a);
    merit_call_free(call);
}

/* Three reviewers, K = 3: P1 has a declared conflict, P2 a reviewer of its
 * organisation; both are named, nothing is assigned. */
static void infeasible_refused(void **state)
{
    (void)state;
    write_call("<reviewer id=\"r1\"><name>A</name></reviewer>"
               "<reviewer id=\"r2\"><name>B</name><affiliation>Zeta Inc</affiliation>"
               "</reviewer><reviewer id=\"r3\"><name>C</name></reviewer>",
               "<conflicts><conflict reviewer=\"r1\" proposal=\"P1\">cousin</conflict>"
               "</conflicts>");
    write_proposal("P1", "x", "Gamma");
    write_proposal("P2", "x", "Zeta Inc");
    write_proposal("P3", "x", "Eta");
    assert_int_equal(t_run_merit("out", "err", "assign", "c", "-o", "a.csv", (char *)NULL), 1);
    T_EXPECT_FILE("err", "c/reviews: warning: no .xml files in this folder\n"
                         "c/proposals/P1.xml:1:1: error: proposal 'P1' has 2 eligible reviewers, "
                         "fewer than the 3 it needs: the rest of the panel has a conflict with "
                         "it or shares an organisation\n"
                         "c/proposals/P2.xml:1:1: error: proposal 'P2' has 2 eligible reviewers, "
                         "fewer than the 3 it needs: the rest of the panel has a conflict with "
                         "it or shares an organisation\n");
    T_EXPECT_FILE("out", "");
    assert_null(t_read("a.csv", NULL));
    /* the panel's capacity: 3 proposals x 2 = 6 reviews, 3 x 1 at most */
    assert_int_equal(t_run_merit("out", "err", "assign", "c", "-o", "a.csv", "--per-proposal", "2",
                                 "--max-load", "1", (char *)NULL),
                     1);
    T_EXPECT_FILE("err", "c/reviews: warning: no .xml files in this folder\n"
                         "c/call.xml:1:1: error: the panel can take at most 3 reviews (3 "
                         "reviewers, at most 1 proposal each), fewer than the 6 that 3 proposals "
                         "need at 2 reviewers each\n");
    assert_null(t_read("a.csv", NULL));
}

static size_t count(const char *text, const char *what)
{
    size_t n = 0;
    for (const char *p = strstr(text, what); p != NULL; p = strstr(p + 1, what))
        n++;
    return n;
}

/*
 * The candidate sets widen when the flow falls short over them. 25
 * reviewers (r01..r25), 25 proposals, one reviewer each, loads of one.
 * P06..P25 have a conflict with r21..r25, so they can only take r01..r20,
 * all twenty of them: P01..P05 must take r21..r25. P01's first candidates
 * are 20 = max(4K, 20) reviewers from r01 on (its rotation starts at 0 x 1
 * mod 25): r01..r20, none of which is left for it, so the first flow
 * sends 24 and the sets widen to the whole panel.
 */
static void candidates_widen(void **state)
{
    struct t_scratch *s = *state;
    char panel[4096] = "", conflicts[16384] = "<conflicts>";
    for (int r = 1; r <= 25; r++) {
        size_t o = strlen(panel);
        snprintf(panel + o, sizeof(panel) - o, "<reviewer id=\"r%02d\"><name>N</name></reviewer>",
                 r);
    }
    for (int p = 6; p <= 25; p++)
        for (int r = 21; r <= 25; r++) {
            size_t o = strlen(conflicts);
            snprintf(conflicts + o, sizeof(conflicts) - o,
                     "<conflict reviewer=\"r%02d\" proposal=\"P%02d\">x</conflict>", r, p);
        }
    strcat(conflicts, "</conflicts>");
    write_call(panel, conflicts);
    for (int p = 1; p <= 25; p++) {
        char id[8];
        snprintf(id, sizeof(id), "P%02d", p);
        write_proposal(id, "x", "X");
    }
    merit_call *call = load(s->ctx);
    merit_assign_options opt = {1, 0, NULL};
    merit_assign_result *a = NULL;
    assert_int_equal(merit_assign(s->ctx, call, &opt, &a), 0);
    assert_int_equal(a->count, 25);
    assert_int_equal(a->candidates, 25); /* widened from 20 */
    assert_int_equal(a->min_load, 1);
    assert_int_equal(a->top_load, 1);
    const char *detail;
    for (size_t i = 0; i < a->count; i++) {
        assert_null(
            merit_assign_excluded(call, a->pairs[i].reviewer, a->pairs[i].proposal, &detail));
        if (i < 5) /* P01..P05 */
            assert_true(a->pairs[i].reviewer >= 20);
    }
    merit_assign_result_free(a);
    merit_call_free(call);
}

/* Every proposal can take r1 only (a conflict with r2 and r3), one
 * reviewer each, loads of one: enough eligible reviewers each, enough
 * capacity in all, but r1 takes one proposal and the other two are named. */
static void load_limit_refused(void **state)
{
    (void)state;
    write_call("<reviewer id=\"r1\"><name>A</name></reviewer>"
               "<reviewer id=\"r2\"><name>B</name></reviewer>"
               "<reviewer id=\"r3\"><name>C</name></reviewer>",
               "<conflicts><conflict reviewer=\"r2\" proposal=\"P1\">x</conflict>"
               "<conflict reviewer=\"r3\" proposal=\"P1\">x</conflict>"
               "<conflict reviewer=\"r2\" proposal=\"P2\">x</conflict>"
               "<conflict reviewer=\"r3\" proposal=\"P2\">x</conflict>"
               "<conflict reviewer=\"r2\" proposal=\"P3\">x</conflict>"
               "<conflict reviewer=\"r3\" proposal=\"P3\">x</conflict></conflicts>");
    write_proposal("P1", "x", "X");
    write_proposal("P2", "x", "X");
    write_proposal("P3", "x", "X");
    assert_int_equal(t_run_merit("out", "err", "assign", "c", "-o", "a.csv", "--per-proposal", "1",
                                 (char *)NULL),
                     1);
    char *err = t_read("err", NULL);
    assert_int_equal(count(err, "can be given only 0 of its 1 reviewers: every other eligible "
                                "reviewer is at the load limit of 1\n"),
                     2);
    assert_int_equal(count(err, "error:"), 2);
    free(err);
    assert_null(t_read("a.csv", NULL));
}

/*
 * The example call, K = 3: 12 proposals x 3 = 36 reviews over 5 reviewers,
 * loads 7 or 8 (36 / 5 = 7.2). r4's conflict with P03 (call.xml) and r2's
 * with P05 (r2's sheet) are never assigned. Two runs write the same bytes;
 * `merit sheets --assignment` makes 36 reviews of it.
 */
static void example_call(void **state)
{
    (void)state;
    assert_int_equal(t_run_merit("out", "err", "assign", CALL, "-o", "a.csv", (char *)NULL), 0);
    T_EXPECT_FILE("out", "a.csv: 36 reviews for call MFG-2026-01, 3 a proposal; loads 7 to 8, 0 "
                         "expertise matches\n");
    T_EXPECT_FILE("err", "");
    assert_int_equal(t_run_merit(NULL, NULL, "assign", CALL, "-o", "b.csv", (char *)NULL), 0);
    size_t na = 0, nb = 0;
    char *a = t_read("a.csv", &na), *b = t_read("b.csv", &nb);
    assert_non_null(a);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
    assert_int_equal(strncmp(a, "reviewer,proposal\n", 18), 0);
    assert_int_equal(count(a, "\n"), 37);
    assert_null(strstr(a, "r4,P03\n"));
    assert_null(strstr(a, "r2,P05\n"));
    const char *ids[] = {"r1", "r2", "r3", "r4", "r5"};
    for (size_t i = 0; i < 5; i++) {
        char *row = t_sprintf("\n%s,", ids[i]);
        size_t n = count(a, row);
        assert_true(n == 7 || n == 8);
        free(row);
    }
    assert_int_equal(
        t_run_merit("out", "err", "sheets", CALL, "-o", "t", "--assignment", "a.csv", (char *)NULL),
        0);
    T_EXPECT_FILE("out", "t: 5 score-sheet templates for call MFG-2026-01, 36 reviews to fill "
                         "in\n");
    /* the explanation names r4's conflict with P03 */
    assert_int_equal(t_run_merit("out", "err", "assign", CALL, "--explain", "P03", (char *)NULL),
                     0);
    char *e = t_read("out", NULL);
    assert_non_null(strstr(e, "proposal P03, area 'Lightweight metals': 3 reviewers\n"));
    assert_non_null(strstr(e, "excluded: 1 reviewer: 1 conflict, 0 same organisation\n"
                              "  conflict: r4 (Found by the programme office after...)\n"));
    free(e);
    free(a);
    free(b);
}

/* An id may begin with '-', which a spreadsheet would run as a formula:
 * the table marks it with an apostrophe like every text from an input,
 * and `merit sheets --assignment` reads it back (the example call with r1
 * renamed -r1: its 7 or 8 rows, and the 36 reviews, as above). */
static void formula_like_ids_marked(void **state)
{
    (void)state;
    assert_int_equal(system("cp -r '" CALL "' c && sed -i 's/<reviewer id=\"r1\">/<reviewer "
                            "id=\"-r1\">/' c/call.xml && sed -i 's/reviewer=\"r1\"/reviewer="
                            "\"-r1\"/' c/reviews/r1.xml"),
                     0);
    assert_int_equal(t_run_merit("out", "err", "assign", "c", "-o", "a.csv", (char *)NULL), 0);
    char *a = t_read("a.csv", NULL);
    size_t n = count(a, "\n'-r1,");
    assert_true(n == 7 || n == 8);
    assert_int_equal(count(a, "\n-r1,"), 0);
    free(a);
    assert_int_equal(
        t_run_merit("out", "err", "sheets", "c", "-o", "t", "--assignment", "a.csv", (char *)NULL),
        0);
    T_EXPECT_FILE("out", "t: 5 score-sheet templates for call MFG-2026-01, 36 reviews to fill "
                         "in\n");
}

/* The bid table in bids.csv read against the call. */
static merit_bids *read_bids(merit_ctx *ctx, const merit_call *call, const char *csv)
{
    t_write(".", "bids.csv", csv);
    merit_table *t = NULL;
    merit_bids *b = NULL;
    assert_int_equal(merit_table_read(ctx, "bids.csv", ',', &t), 0);
    int rc = merit_bids_from_table(ctx, call, t, &b);
    if (rc != 0)
        t_print_diags(ctx);
    assert_int_equal(rc, 0);
    merit_table_free(t);
    return b;
}

/*
 * Bids change the optimum: optimum_beats_greedy's call (r1 knows areas a
 * and b, r2 only a; P1 is area a, P2 area b; one reviewer each, loads of
 * one), where the flow without bids gives P1 r2 and P2 r1, two matches.
 * With r1 eager (2) on P1, N = 2 pairs and M = N + 1 = 3, a pair costing
 * (100 - bid) * M plus 1 without a match (docs/cli.md):
 *   P1-r1, P2-r2: (100 - 2) * 3 + 0  +  (100 - 0) * 3 + 1  =  595
 *   P1-r2, P2-r1: (100 - 0) * 3 + 0  +  (100 - 0) * 3 + 0  =  600
 * so the bid comes before the match: P1 r1, P2 r2, one match, one pair
 * with a positive bid. Written as numbers ("2") the same.
 */
static void bids_change_the_optimum(void **state)
{
    struct t_scratch *s = *state;
    write_call("<reviewer id=\"r1\"><name>A</name><expertise>a; B</expertise></reviewer>"
               "<reviewer id=\"r2\"><name>B</name><expertise> A </expertise></reviewer>",
               "");
    write_proposal("P1", "a", "X");
    write_proposal("P2", "b", "Y");
    merit_call *call = load(s->ctx);
    const char *tables[] = {"reviewer,proposal,bid\nr1,P1,Eager\n",
                            "bid,proposal,reviewer\n2,P1,r1\n"};
    for (size_t k = 0; k < 2; k++) {
        merit_bids *b = read_bids(s->ctx, call, tables[k]);
        const char *word;
        assert_int_equal(merit_bids_get(b, 0, 0, &word), 2);
        if (k == 0)
            assert_string_equal(word, "eager");
        else
            assert_null(word);
        assert_int_equal(merit_bids_get(b, 1, 0, &word), 0);
        merit_assign_options opt = {1, 0, b};
        merit_assign_result *a = NULL;
        assert_int_equal(merit_assign(s->ctx, call, &opt, &a), 0);
        assert_int_equal(a->count, 2);
        assert_string_equal(rid(call, a, 0), "r1"); /* P1 */
        assert_string_equal(rid(call, a, 1), "r2"); /* P2 */
        assert_int_equal(a->matches, 1);
        assert_int_equal(a->bid_pairs, 1);
        merit_assign_result_free(a);
        merit_bids_free(b);
    }
    merit_call_free(call);
}

/*
 * The loads come before the bids: three reviewers, three proposals, one
 * reviewer each, loads of one. r1 is eager on all three, but takes one
 * (the load tier past the mean costs B, more than every bid together);
 * the other two go to r2 and r3.
 */
static void loads_before_bids(void **state)
{
    struct t_scratch *s = *state;
    write_call("<reviewer id=\"r1\"><name>A</name></reviewer>"
               "<reviewer id=\"r2\"><name>B</name></reviewer>"
               "<reviewer id=\"r3\"><name>C</name></reviewer>",
               "");
    write_proposal("P1", "x", "X");
    write_proposal("P2", "x", "X");
    write_proposal("P3", "x", "X");
    merit_call *call = load(s->ctx);
    merit_bids *b =
        read_bids(s->ctx, call, "reviewer,proposal,bid\nr1,P1,eager\nr1,P2,eager\nr1,P3,eager\n");
    merit_assign_options opt = {1, 0, b};
    merit_assign_result *a = NULL;
    assert_int_equal(merit_assign(s->ctx, call, &opt, &a), 0);
    for (size_t r = 0; r < 3; r++)
        assert_int_equal(a->loads[r], 1);
    assert_int_equal(a->bid_pairs, 1);
    merit_assign_result_free(a);
    merit_bids_free(b);
    merit_call_free(call);
}

/*
 * Bids are ordered as their values: one proposal, one reviewer, three
 * reviewers with no expertise, loads of at most one (--max-load 1, so the
 * tiers do not decide). r1 in-a-pinch (-1, cost 101 M), r2 no bid (0, 100
 * M), r3 15 (85 M): r3; without r3's row, r2 (no bid beats in-a-pinch,
 * where the lower index would win a tie); with r3 at 1 and r2 at "Willing"
 * (both 1), the tie goes to the lower index, r2.
 */
static void bids_ordered_by_value(void **state)
{
    struct t_scratch *s = *state;
    write_call("<reviewer id=\"r1\"><name>A</name></reviewer>"
               "<reviewer id=\"r2\"><name>B</name></reviewer>"
               "<reviewer id=\"r3\"><name>C</name></reviewer>",
               "");
    write_proposal("P1", "x", "X");
    merit_call *call = load(s->ctx);
    const char *tables[] = {"reviewer,proposal,bid\nr1,P1,in-a-pinch\nr3,P1,15\n",
                            "reviewer,proposal,bid\nr1,P1,In_A_Pinch\n",
                            "reviewer,proposal,bid\nr3,P1,+1\nr2,P1,Willing\n"};
    const char *want[] = {"r3", "r2", "r2"};
    for (size_t k = 0; k < 3; k++) {
        merit_bids *b = read_bids(s->ctx, call, tables[k]);
        merit_assign_options opt = {1, 1, b};
        merit_assign_result *a = NULL;
        assert_int_equal(merit_assign(s->ctx, call, &opt, &a), 0);
        assert_int_equal(a->count, 1);
        assert_string_equal(rid(call, a, 0), want[k]);
        merit_assign_result_free(a);
        merit_bids_free(b);
    }
    merit_call_free(call);
}

/*
 * Unwilling is never assigned, like a conflict: two reviewers, two
 * proposals, one reviewer each. r1 is eager on both, r2 unwilling on P1
 * (the word) and -100 is the same: P1 must take r1, so P2 takes r2
 * (loads of one). With two reviewers a proposal, P1 has one eligible
 * reviewer and is refused, through the CLI, the unwilling bid named; the
 * CLI run with one reviewer each writes the same bytes twice and explains
 * P1 (every line worked out from the pairs above: loads 1 = the mean 2/2,
 * tier 1; no <expertise>, so no match).
 */
static void unwilling_never_assigned(void **state)
{
    struct t_scratch *s = *state;
    write_call("<reviewer id=\"r1\"><name>A</name></reviewer>"
               "<reviewer id=\"r2\"><name>B</name></reviewer>",
               "");
    write_proposal("P1", "x", "X");
    write_proposal("P2", "x", "X");
    merit_call *call = load(s->ctx);
    const char *csv = "reviewer,proposal,bid\nr1,P1,eager\nr1,P2,eager\nr2,P1,unwilling\n";
    merit_bids *b = read_bids(s->ctx, call, csv);
    assert_int_equal(merit_bids_get(b, 1, 0, NULL), MERIT_BID_UNWILLING);
    merit_assign_options opt = {1, 0, b};
    merit_assign_result *a = NULL;
    assert_int_equal(merit_assign(s->ctx, call, &opt, &a), 0);
    assert_string_equal(rid(call, a, 0), "r1"); /* P1 */
    assert_string_equal(rid(call, a, 1), "r2"); /* P2 */
    merit_assign_result_free(a);
    merit_bids_free(b);
    merit_call_free(call);

    assert_int_equal(t_run_merit("out", "err", "assign", "c", "-o", "a.csv", "--per-proposal", "2",
                                 "--bids", "bids.csv", (char *)NULL),
                     1);
    T_EXPECT_FILE("err", "c/reviews: warning: no .xml files in this folder\n"
                         "c/proposals/P1.xml:1:1: error: proposal 'P1' has 1 eligible reviewer, "
                         "fewer than the 2 it needs: the rest of the panel has a conflict with "
                         "it, shares an organisation or bid unwilling\n");
    assert_null(t_read("a.csv", NULL));
    t_write(".", "bids.csv", "reviewer,proposal,bid\nr1,P1,2\nr1,P2,2\nr2,P1,-100\n");
    assert_int_equal(t_run_merit("out", "err", "assign", "c", "-o", "a.csv", "--per-proposal", "1",
                                 "--bids", "bids.csv", "--explain", "P1", (char *)NULL),
                     0);
    T_EXPECT_FILE("out", "a.csv: 2 reviews for call C, 1 a proposal; loads 1 to 1, 0 expertise "
                         "matches\n"
                         "a.csv: 1 of 2 pairs with a positive bid (3 bids read)\n"
                         "proposal P1, area 'x': 1 reviewer\n"
                         "  r1 (A): load 1, tier 1 (up to 1, the mean rounded down); no "
                         "expertise match; bid 2\n"
                         "excluded: 1 reviewer: 0 conflicts, 0 same organisation, 1 unwilling\n"
                         "  unwilling: r2\n"
                         "not chosen: 0 eligible reviewers: 0 at the load limit of 1, 0 with "
                         "room\n"
                         "the panel: loads 1 to 1 (limit 1), 0 of 2 pairs match on expertise, 1 "
                         "have a positive bid; a minimum-cost flow over 2 candidates a proposal "
                         "puts the even loads first, then the bids, then the expertise matches "
                         "(docs/cli.md, merit assign)\n");
    T_EXPECT_FILE("a.csv", "reviewer,proposal\nr1,P1\nr2,P2\n");
    assert_int_equal(t_run_merit(NULL, NULL, "assign", "c", "-o", "b.csv", "--per-proposal", "1",
                                 "--bids", "bids.csv", (char *)NULL),
                     0);
    T_EXPECT_FILE("b.csv", "reviewer,proposal\nr1,P1\nr2,P2\n");
}

/*
 * A long class is cut as merit explain cuts lists: 14 reviewers whose
 * affiliation names P1's organisation, two others; K = 1. The line shows
 * the first five, each with the organisation, and "and 9 more"; the
 * count in the summary line is all 14.
 */
static void explain_cuts_long_lists(void **state)
{
    (void)state;
    char panel[4096] = "";
    for (int r = 1; r <= 16; r++) {
        size_t o = strlen(panel);
        snprintf(panel + o, sizeof(panel) - o,
                 "<reviewer id=\"r%02d\"><name>N</name><affiliation>%s</affiliation></reviewer>", r,
                 r <= 14 ? "Zeta Inc" : "Eta");
    }
    write_call(panel, "");
    write_proposal("P1", "x", "Zeta Inc");
    write_proposal("P2", "x", "Theta");
    assert_int_equal(t_run_merit("out", "err", "assign", "c", "--per-proposal", "1", "--explain",
                                 "P1", (char *)NULL),
                     0);
    char *e = t_read("out", NULL);
    assert_non_null(strstr(e, "excluded: 14 reviewers: 0 conflicts, 14 same organisation\n"
                              "  same organisation: r01 ('Zeta Inc'), r02 ('Zeta Inc'), r03 "
                              "('Zeta Inc'), r04 ('Zeta Inc'), r05 ('Zeta Inc') and 9 more\n"));
    free(e);
}

/*
 * merit explain --assignment: a proposal's row of an assignment file,
 * here one made by hand that breaks the rules merit assign keeps. Three
 * reviewers; P1 given r2 (unwilling on it) and r3 (who knows area 'x',
 * eager); P2 given r1 and r3: loads r1 1, r2 1, r3 2; 4 pairs over 3
 * reviewers: the mean 4/3 rounded down 1 and up 2, the limit 2 (the
 * mean rounded up, no --max-load). r1, not chosen for P1, has load 1 <
 * 2: room.
 */
static void explain_assignment_file(void **state)
{
    (void)state;
    write_call("<reviewer id=\"r1\"><name>A</name></reviewer>"
               "<reviewer id=\"r2\"><name>B</name></reviewer>"
               "<reviewer id=\"r3\"><name>C</name><expertise>y; X</expertise></reviewer>",
               "");
    write_proposal("P1", "x", "X");
    write_proposal("P2", "y", "X");
    t_write(".", "a.csv", "reviewer,proposal\nr2,P1\nr3,P1\nr1,P2\nr3,P2\n");
    t_write(".", "bids.csv", "reviewer,proposal,bid\nr2,P1,unwilling\nr3,P1,eager\n");
    assert_int_equal(t_run_merit("out", "err", "explain", "c", "--assignment", "a.csv", "--bids",
                                 "bids.csv", "P1", (char *)NULL),
                     0);
    T_EXPECT_FILE("out", "proposal P1, area 'x': 2 reviewers\n"
                         "  r2 (B): load 1, tier 1 (up to 1, the mean rounded down); no "
                         "expertise match; bid unwilling (-100); against the rules: unwilling\n"
                         "  r3 (C): load 2, tier 2 (up to 2, the mean rounded up); expertise "
                         "'X' is the area; bid eager (2)\n"
                         "excluded: 0 reviewers: 0 conflicts, 0 same organisation, 0 unwilling\n"
                         "not chosen: 1 eligible reviewer: 0 at the load limit of 2, 1 with "
                         "room\n"
                         "  with room (0 with an expertise match, 0 with a positive bid): r1\n"
                         "the panel: loads 1 to 2 (limit 2), 2 of 4 pairs match on expertise, 1 "
                         "have a positive bid; the pairs are the assignment file's, not merit "
                         "assign's choice\n");
    /* a bad row of the assignment is its usual diagnostic */
    t_write(".", "a.csv", "reviewer,proposal\nr9,P1\n");
    assert_int_equal(
        t_run_merit("out", "err", "explain", "c", "--assignment", "a.csv", "P1", (char *)NULL), 1);
    T_EXPECT_FILE("err", "c/reviews: warning: no .xml files in this folder\n"
                         "a.csv:2:1: error: reviewer 'r9' is not on the call's panel\n");
}

/* Every allocation of merit_assign failed in turn (merit__alloc_fail_at):
 * each run gives MERIT_ENOMEM and no result, or the result of a run with
 * all the memory it wants; the ASan build and valgrind.sh catch a leak. */
static void survives_every_failed_allocation(void **state)
{
    struct t_scratch *s = *state;
    write_call("<reviewer id=\"r1\"><name>A</name><expertise>a; B</expertise></reviewer>"
               "<reviewer id=\"r2\"><name>B</name><expertise> A </expertise></reviewer>",
               "");
    write_proposal("P1", "a", "X");
    write_proposal("P2", "b", "Y");
    merit_call *call = load(s->ctx);
    merit_assign_options opt = {1, 0, NULL};
    size_t settled = 0, n;
    for (n = 1; n < 10000 && settled < 30; n++) {
        merit_ctx *ctx = merit_ctx_new();
        assert_non_null(ctx);
        merit_assign_result *a = NULL;
        merit__alloc_fail_at(n);
        int rc = merit_assign(ctx, call, &opt, &a);
        merit__alloc_fail_at(0);
        if (rc == 0) {
            settled++;
            assert_int_equal(a->count, 2);
            assert_int_equal(a->matches, 2);
        } else {
            settled = 0;
            assert_int_equal(rc, MERIT_ENOMEM);
            assert_null(a);
        }
        merit_assign_result_free(a);
        merit_ctx_free(ctx);
    }
    assert_true(n > 30); /* some allocations were failed */
    merit_call_free(call);
}

/* The same with a bid table: every allocation of reading it and of the
 * assignment with it failed in turn; the result, when there is one, is
 * bids_change_the_optimum's (P1 r1, one match, one positive bid). */
static void bids_survive_every_failed_allocation(void **state)
{
    struct t_scratch *s = *state;
    write_call("<reviewer id=\"r1\"><name>A</name><expertise>a; B</expertise></reviewer>"
               "<reviewer id=\"r2\"><name>B</name><expertise> A </expertise></reviewer>",
               "");
    write_proposal("P1", "a", "X");
    write_proposal("P2", "b", "Y");
    t_write(".", "bids.csv", "reviewer,proposal,bid\nr1,P1,eager\nr2,P2,in a pinch\n");
    merit_call *call = load(s->ctx);
    merit_table *t = NULL;
    assert_int_equal(merit_table_read(s->ctx, "bids.csv", ',', &t), 0);
    size_t settled = 0, n;
    for (n = 1; n < 10000 && settled < 30; n++) {
        merit_ctx *ctx = merit_ctx_new();
        assert_non_null(ctx);
        merit_bids *b = NULL;
        merit_assign_result *a = NULL;
        merit__alloc_fail_at(n);
        int rc = merit_bids_from_table(ctx, call, t, &b);
        merit_assign_options opt = {1, 0, b};
        if (rc == 0)
            rc = merit_assign(ctx, call, &opt, &a);
        merit__alloc_fail_at(0);
        if (rc == 0) {
            settled++;
            assert_int_equal(a->pairs[0].reviewer, 0);
            assert_int_equal(a->matches, 1);
            assert_int_equal(a->bid_pairs, 1);
        } else {
            settled = 0;
            assert_int_equal(rc, MERIT_ENOMEM);
            assert_null(a);
        }
        merit_assign_result_free(a);
        merit_bids_free(b);
        merit_ctx_free(ctx);
    }
    assert_true(n > 30);
    merit_table_free(t);
    merit_call_free(call);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, t_scratch_setup, t_scratch_teardown)
    const struct CMUnitTest tests[] = {
        T(optimum_beats_greedy),
        T(conflicts_never_assigned),
        T(loads_balanced),
        T(infeasible_refused),
        T(candidates_widen),
        T(load_limit_refused),
        T(example_call),
        T(survives_every_failed_allocation),
        T(formula_like_ids_marked),
        T(bids_change_the_optimum),
        T(loads_before_bids),
        T(bids_ordered_by_value),
        T(unwilling_never_assigned),
        T(explain_assignment_file),
        T(explain_cuts_long_lists),
        T(bids_survive_every_failed_allocation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
