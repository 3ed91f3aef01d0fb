/*
 * `merit explain`: the writer on the example call, checked line by line
 * against the values worked by hand in docs/scoring.md, plus a golden file
 * of the whole explanation of P10 (regenerate after reviewing a change with
 *   MERIT_UPDATE_GOLDEN=1 build/tests/test_explain),
 * the cases the example call lacks (a tie at the funding line, an excluded
 * review, a no-score, a failed text rule) on a small call written into a
 * scratch folder, and the command's exit codes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "support.h"

#include "merit/model.h"
#include "merit/result.h"
#include "report.h"

#define EXAMPLE_CALL MERIT_SOURCE_DIR "/proposals/mfg-2026"
#define GOLDEN_DIR MERIT_SOURCE_DIR "/tests/golden"

struct ranked {
    merit_ctx *ctx;
    merit_call *call;
    merit_result *res;
};

static void rank_call(struct ranked *r, const char *dir, bool override, merit_method method)
{
    r->ctx = merit_ctx_new();
    assert_non_null(r->ctx);
    merit_rank_options ro = {.override_method = override, .method = method};
    int rc = merit_call_load(r->ctx, dir, &r->call);
    if (rc == 0)
        rc = merit_call_rank(r->ctx, r->call, &ro, &r->res);
    if (rc != 0)
        t_print_diags(r->ctx);
    assert_int_equal(rc, 0);
}

static void ranked_free(struct ranked *r)
{
    merit_result_free(r->res);
    merit_call_free(r->call);
    merit_ctx_free(r->ctx);
}

static size_t index_of(const struct ranked *r, const char *id)
{
    for (size_t i = 0; i < r->call->proposal_count; i++)
        if (strcmp(r->call->proposals[i].id, id) == 0)
            return i;
    fail_msg("no proposal '%s'", id);
    return SIZE_MAX;
}

/* The explanation of `id` (against `other` unless NULL), as a string. */
static char *explain(const struct ranked *r, const char *id, const char *other, unsigned places)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    assert_non_null(f);
    merit_report_options opt = {.places = places};
    merit_sink sink;
    merit_sink_init(&sink, f, false);
    int rc = other == NULL ? merit_report_explain(&sink, r->res, index_of(r, id), &opt)
                           : merit_report_explain_against(&sink, r->res, index_of(r, id),
                                                          index_of(r, other), &opt);
    assert_int_equal(rc, 0);
    assert_int_equal(merit_sink_finish(&sink, NULL), 0);
    assert_int_equal(fclose(f), 0);
    return buf;
}

static char *explain_example(const char *id, const char *other)
{
    struct ranked r = {0};
    rank_call(&r, EXAMPLE_CALL, false, MERIT_METHOD_MEAN);
    char *text = explain(&r, id, other, 2);
    ranked_free(&r);
    return text;
}

/* Fails unless `line` is a whole line of text; prints the text when not. */
#define expect_line(text, line) expect_line_(text, line, __FILE__, __LINE__)
static void expect_line_(const char *text, const char *line, const char *file, int at)
{
    size_t n = strlen(line);
    for (const char *p = text; p != NULL && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (strncmp(p, line, n) == 0 && (p[n] == '\n' || p[n] == '\0'))
            return;
    fprintf(stderr, "%s:%d: no line\n  [%s]\nin:\n%s\n", file, at, line, text);
    fail();
}

/* --- the example call, against docs/scoring.md ------------------------------ */

static void test_p10_criteria_and_total(void **state)
{
    (void)state;
    char *text = explain_example("P10", NULL);
    expect_line(text, "Criteria (mean; scores in the order r1, r2, r3, r5):");
    expect_line(text, "  problem     mean of 9, 6, 6.5, 7 = 28.5 / 4 = 57/8 = 7.125 -> shown 7.12");
    expect_line(text,
                "  approach    mean of 8.5, 5.5, 6.5, 7 = 27.5 / 4 = 55/8 = 6.875 -> shown 6.88");
    expect_line(text, "              threshold: at least 5: met");
    expect_line(text, "  sme         mean of 8.5, 5, 6, 6.5 = 26 / 4 = 13/2 = 6.5");
    expect_line(text, "  total = 1*57/8 + 2*55/8 + 1.5*27/4 + 1*27/4 + 1*53/8 + 1.5*13/2 + 2*27/4");
    expect_line(text, "        = 541/8 = 67.625 -> shown 67.62");
    expect_line(text, "  overall threshold: at least 60: met");
    free(text);
}

static void test_p10_reviews_and_disagreement(void **state)
{
    (void)state;
    char *text = explain_example("P10", NULL);
    /* reviewer totals 83.75, 56.5, 62, 68.25; spread 109/4 > 20 */
    expect_line(text, "  r1  Dr. Helen Kowalczyk  counted   confidence 5  total 335/4 (83.75)");
    expect_line(text, "  r2  Dr. Marcus Oyelaran  counted   confidence 4  total 113/2 (56.50)");
    expect_line(text, "  r3  Priya Raghunathan    counted   confidence 3  total 62");
    expect_line(text, "Disagreement: spread 109/4 (27.25) > limit 20: flagged D");
    expect_line(text, "  highest total r1 335/4 (83.75), lowest r2 113/2 (56.50)");
    free(text);
}

static void test_p10_rank_and_reserve(void **state)
{
    (void)state;
    char *text = explain_example("P10", NULL);
    expect_line(text, "  status      reserve, rank 7: passes every check, but the budget ran out");
    expect_line(text, "Rank: 7 of 8 ranked");
    expect_line(text,
                "  above: P03 (rank 6), by the total: P03 841/12 (70.08) vs P10 541/8 (67.62)");
    expect_line(text,
                "  below: P12 (rank 8), by the total: P10 541/8 (67.62) vs P12 193/3 (64.33)");
    /* 1,100,000 requested against the 120,000 left after P03 */
    expect_line(text, "Funding line: reserve, the request does not fit");
    expect_line(text,
                "  request USD 1,100,000.00 against 120,000.00 remaining: 980,000.00 short. The");
    expect_line(text, "  walk stops here: every proposal below is reserve.");
    free(text);
}

static void test_p10_golden(void **state)
{
    (void)state;
    char *got = explain_example("P10", NULL);
    const char *path = GOLDEN_DIR "/explain-P10.txt";
    const char *update = getenv("MERIT_UPDATE_GOLDEN");
    if (update != NULL && strcmp(update, "1") == 0) {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        fputs(got, f);
        assert_int_equal(fclose(f), 0);
    }
    char *want = t_read(path, NULL);
    if (want == NULL)
        fail_msg("no golden file %s (run with MERIT_UPDATE_GOLDEN=1 to create it)", path);
    if (strcmp(got, want) != 0) {
        size_t line = 1;
        for (size_t i = 0; got[i] && got[i] == want[i]; i++)
            line += got[i] == '\n';
        FILE *f = fopen("explain-P10.txt.actual", "wb");
        if (f != NULL) {
            fputs(got, f);
            fclose(f);
        }
        fail_msg("explain-P10.txt differs at line %zu; the actual output is in "
                 "explain-P10.txt.actual",
                 line);
    }
    free(got);
    free(want);
}

static void test_p06_ineligible(void **state)
{
    (void)state;
    char *text = explain_example("P06", NULL);
    /* 1,400,000 / 2,500,000 = 14/25 > 1/2 */
    expect_line(text, "Eligibility: 1 of 4 rules failed");
    expect_line(text,
                "  federal-share 14/25 (0.56) <= 0.5: failed: federal funds may be at most half");
    expect_line(text, "    of total project cost (cost share of at least 1:1)");
    expect_line(text, "  min-milestones: milestones 3 >= 2: met");
    expect_line(text, "        = 248/3 -> shown 82.67");
    expect_line(text,
                "Rank: not ranked (ineligible); only proposals that pass every check are ranked");
    expect_line(text, "Funding line: not considered, as the proposal is not ranked");
    free(text);
}

static void test_p02_p04_shared_rank(void **state)
{
    (void)state;
    char *text = explain_example("P02", NULL);
    expect_line(text, "Rank: 2= of 8 ranked");
    expect_line(text,
                "  below: P04 (rank 2=), tied on everything: shared rank 2= (total 319/4 (79.75),");
    expect_line(text, "    approach 17/2 (8.50), diffusion 8, sme-share 2/5 (0.40) each)");
    /* the shared rank is funded whole: 3,300,000 <= 7,150,000 */
    expect_line(text, "  shared rank 2= (P02, P04) requests USD 3,300,000.00 together against");
    free(text);

    text = explain_example("P02", "P04");
    expect_line(text, "P02 against P04: they share rank 2=");
    expect_line(text,
                "  tied on everything: shared rank 2= (total 319/4 (79.75), approach 17/2 (8.50),");
    expect_line(text, "  approach         2  17             17             0");
    expect_line(text, "  total               319/4 (79.75)  319/4 (79.75)  0");
    free(text);
}

static void test_p01_against_p02_total(void **state)
{
    (void)state;
    char *text = explain_example("P01", "P02");
    expect_line(text, "P01 against P02: P01 ranks above P02");
    expect_line(text, "  P01  rank 1    funded, total 509/6 (84.83)");
    expect_line(text, "  P02  rank 2=   funded, total 319/4 (79.75)");
    expect_line(text, "  decided by the total: P01 509/6 (84.83) vs P02 319/4 (79.75)");
    expect_line(text, "  criterion   weight  P01            P02            P01 - P02");
    expect_line(text, "  sme            1.5  53/4 (13.25)   21/2 (10.50)   11/4 (2.75)");
    expect_line(text, "  total               509/6 (84.83)  319/4 (79.75)  61/12 (5.08)");
    free(text);

    /* the other way round: the same decision, the table in the order asked */
    text = explain_example("P02", "P01");
    expect_line(text, "P02 against P01: P01 ranks above P02");
    expect_line(text, "  decided by the total: P01 509/6 (84.83) vs P02 319/4 (79.75)");
    expect_line(text, "  total               319/4 (79.75)  509/6 (84.83)  -61/12 (-5.08)");
    free(text);
}

static void test_against_far_apart_and_unranked(void **state)
{
    (void)state;
    /* not neighbours: the first key that decided any pair between them */
    char *text = explain_example("P12", "P02");
    expect_line(text, "  decided by the total: P02 319/4 (79.75) vs P12 193/3 (64.33)");
    free(text);

    text = explain_example("P06", "P01");
    expect_line(text, "P06 against P01: P01 ranks above P06, which is not ranked");
    expect_line(text, "  P06  not ranked, ineligible, total 248/3 (82.67)");
    expect_line(text,
                "  decided by the status: P06 is not ranked (ineligible): federal-share: federal");
    free(text);

    text = explain_example("P07", "P09");
    expect_line(text, "P07 against P09: neither is ranked");
    expect_line(text, "  P07 is not ranked (below threshold): approach 4.62 < 5");
    expect_line(text, "  P09 is not ranked (insufficient reviews): 2 counted reviews, 3 needed");
    free(text);
}

static void test_p03_excluded_and_p05_declared(void **state)
{
    (void)state;
    char *text = explain_example("P03", NULL);
    expect_line(text, "Reviews: 3 counted, 1 excluded");
    expect_line(text, "  r4  Dr. Thomas Beaulieu  excluded  confidence 4  total 347/4 (86.75)");
    expect_line(text,
                "      conflict declared by the programme office: Found by the programme office");
    expect_line(text, "Criteria (mean; scores in the order r1, r3, r5):");
    expect_line(text, "        = 841/12 -> shown 70.08");
    expect_line(text, "Funding line: funded");
    expect_line(text,
                "  request USD 1,300,000.00 against 1,420,000.00 remaining: it fits. Awarded up");
    expect_line(text, "  to and including P03: 8,880,000.00; 120,000.00 left.");
    free(text);

    text = explain_example("P05", NULL);
    expect_line(text,
                "  r2 (Dr. Marcus Oyelaran) declared a conflict and did not review: I co-authored");
    free(text);

    text = explain_example("P12", NULL);
    expect_line(text, "Funding line: reserve, after the line");
    expect_line(text, "  the walk stopped above it at P10 (rank 7), which did not fit the USD");
    free(text);
}

static void test_p07_below_threshold(void **state)
{
    (void)state;
    char *text = explain_example("P07", NULL);
    expect_line(text, "  status      below threshold, not ranked: approach 4.62 < 5");
    expect_line(text, "  approach    mean of 4.5, 5, 4, 5 = 18.5 / 4 = 37/8 = 4.625 -> shown 4.62");
    expect_line(text, "              threshold: at least 5: missed");
    free(text);
}

static void test_methods(void **state)
{
    (void)state;
    struct ranked r = {0};
    rank_call(&r, EXAMPLE_CALL, true, MERIT_METHOD_MEDIAN);
    char *text = explain(&r, "P10", NULL, 2);
    expect_line(text,
                "  approach    median of 5.5, 6.5, 7, 8.5 (sorted): (6.5 + 7) / 2 = 27/4 = 6.75");
    expect_line(text, "  call        MFG-2026-01, rubric manufacturing-usa 1, method median (the");
    expect_line(text, "              rubric's is mean)");
    free(text);
    text = explain(&r, "P03", NULL, 2);
    expect_line(text, "  approach    median of 7, 7.5, 7.5 (sorted): the middle one, 7.5");
    free(text);
    ranked_free(&r);

    rank_call(&r, EXAMPLE_CALL, true, MERIT_METHOD_TRIMMED_MEAN);
    text = explain(&r, "P10", NULL, 2);
    expect_line(text,
                "  approach    trimmed mean of 5.5, 6.5, 7, 8.5 (sorted) without 5.5 and 8.5:");
    expect_line(text, "              (6.5 + 7) / 2 = 13.5 / 2 = 27/4 = 6.75");
    free(text);
    text = explain(&r, "P03", NULL, 2);
    expect_line(text,
                "  approach    trimmed mean of 7, 7.5, 7.5 (fewer than 4 scores: none dropped)");
    expect_line(text, "              = 22 / 3 = 22/3 -> shown 7.33");
    free(text);
    ranked_free(&r);

    /* per-score confidences: r1 4, r2 4, r3 3, r5 4 on approach */
    rank_call(&r, EXAMPLE_CALL, true, MERIT_METHOD_CONFIDENCE_WEIGHTED);
    text = explain(&r, "P10", NULL, 3);
    expect_line(text, "  approach    confidence-weighted (4*8.5 + 4*5.5 + 3*6.5 + 4*7)");
    expect_line(text, "              / (4 + 4 + 3 + 4) = 103.5 / 15 = 69/10 = 6.9");
    expect_line(text,
                "  problem     confidence-weighted (5*9 + 4*6 + 3*6.5 + 4*7) / (5 + 4 + 3 + 4)");
    expect_line(text, "              = 116.5 / 16 = 233/32 = 7.28125 -> shown 7.281");
    free(text);
    ranked_free(&r);
}

static void test_bad_indices(void **state)
{
    (void)state;
    struct ranked r = {0};
    rank_call(&r, EXAMPLE_CALL, false, MERIT_METHOD_MEAN);
    merit_report_options opt = {.places = 2};
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    assert_non_null(f);
    merit_sink sink;
    merit_sink_init(&sink, f, false);
    assert_int_equal(merit_report_explain(&sink, r.res, r.call->proposal_count, &opt),
                     MERIT_EUSAGE);
    assert_int_equal(merit_report_explain_against(&sink, r.res, 0, 0, &opt), MERIT_EUSAGE);
    assert_int_equal(merit_report_explain_against(&sink, r.res, 0, r.call->proposal_count, &opt),
                     MERIT_EUSAGE);
    assert_int_equal(merit_sink_finish(&sink, NULL), 0);
    fclose(f);
    assert_int_equal(size, 0);
    free(buf);
    ranked_free(&r);
}

/* --- a small call for what the example lacks --------------------------------- */

static const char small_rubric[] =
    "<rubric xmlns=\"urn:merit:1\" id=\"small\" version=\"1\">\n"
    "  <title>Small rubric</title>\n"
    "  <scale min=\"0\" max=\"10\" step=\"0.5\"/>\n"
    "  <criteria>\n"
    "    <criterion id=\"quality\" weight=\"2\" threshold=\"5\"><name>Quality</name></criterion>\n"
    "    <criterion id=\"impact\" weight=\"1\"><name>Impact</name></criterion>\n"
    "  </criteria>\n"
    "  <overall threshold=\"12\"/>\n"
    "  <aggregation method=\"mean\" min-reviewers=\"2\" disagreement-limit=\"3\"/>\n"
    "  <tie-break><criterion ref=\"quality\"/><fact ref=\"sme-share\" prefer=\"higher\"/>"
    "</tie-break>\n"
    "  <eligibility>\n"
    "    <text-rule id=\"numbers\" section=\"milestones\" scope=\"each-milestone\">\n"
    "      <pattern>\\d</pattern><message>every milestone needs a number</message>\n"
    "    </text-rule>\n"
    "  </eligibility>\n"
    "</rubric>\n";

static const char small_call[] =
    "<call xmlns=\"urn:merit:1\" id=\"S-1\" currency=\"EUR\">\n"
    "  <title>Small call</title>\n"
    "  <budget available=\"1000000\"/>\n"
    "  <rubric href=\"rubric.xml\"/>\n"
    "  <panel>\n"
    "    <reviewer id=\"r1\"><name>Ann One</name></reviewer>\n"
    "    <reviewer id=\"r2\"><name>Bob Two</name></reviewer>\n"
    "    <reviewer id=\"r3\"><name>Cy Three</name></reviewer>\n"
    "  </panel>\n"
    "  <conflicts><conflict reviewer=\"r3\" proposal=\"P3\">works for the lead</conflict>"
    "</conflicts>\n"
    "</call>\n";

/* P1 and P5 tie on everything and together need more than is left after P3;
 * P3 has r3 excluded and r2's no-score; P6 has a milestone without a number;
 * P7 (quality 6) is decided against P8 (quality 5.5 but a higher impact, the
 * same total) by the first tie-break. */
static const char small_r1[] =
    "<sheet xmlns=\"urn:merit:1\" reviewer=\"r1\" call=\"S-1\">\n"
    "  <review proposal=\"P1\" confidence=\"4\"><score criterion=\"quality\" value=\"7\"/>"
    "<score criterion=\"impact\" value=\"8\"/></review>\n"
    "  <review proposal=\"P3\" confidence=\"5\"><score criterion=\"quality\" value=\"9\"/>"
    "<score criterion=\"impact\" value=\"9\"/></review>\n"
    "  <review proposal=\"P5\" confidence=\"3\"><score criterion=\"quality\" value=\"8\"/>"
    "<score criterion=\"impact\" value=\"6.5\"/></review>\n"
    "  <review proposal=\"P6\" confidence=\"3\"><score criterion=\"quality\" value=\"8\"/>"
    "<score criterion=\"impact\" value=\"8\"/></review>\n"
    "  <review proposal=\"P7\" confidence=\"3\"><score criterion=\"quality\" value=\"6\"/>"
    "<score criterion=\"impact\" value=\"6\"/></review>\n"
    "  <review proposal=\"P8\" confidence=\"3\"><score criterion=\"quality\" value=\"5.5\"/>"
    "<score criterion=\"impact\" value=\"7\"/></review>\n"
    "</sheet>\n";

static const char small_r2[] =
    "<sheet xmlns=\"urn:merit:1\" reviewer=\"r2\" call=\"S-1\">\n"
    "  <review proposal=\"P1\" confidence=\"3\"><score criterion=\"quality\" value=\"8\"/>"
    "<score criterion=\"impact\" value=\"6.5\"/></review>\n"
    "  <review proposal=\"P3\" confidence=\"4\"><score criterion=\"quality\" value=\"9\"/>"
    "<no-score criterion=\"impact\">outside my field</no-score></review>\n"
    "  <review proposal=\"P5\" confidence=\"3\"><score criterion=\"quality\" value=\"6\"/>"
    "<score criterion=\"impact\" value=\"7\"/></review>\n"
    "  <review proposal=\"P6\" confidence=\"3\"><score criterion=\"quality\" value=\"8\"/>"
    "<score criterion=\"impact\" value=\"8\"/></review>\n"
    "  <review proposal=\"P7\" confidence=\"3\"><score criterion=\"quality\" value=\"6\"/>"
    "<score criterion=\"impact\" value=\"6\"/></review>\n"
    "  <review proposal=\"P8\" confidence=\"3\"><score criterion=\"quality\" value=\"5.5\"/>"
    "<score criterion=\"impact\" value=\"7\"/></review>\n"
    "</sheet>\n";

static const char small_r3[] =
    "<sheet xmlns=\"urn:merit:1\" reviewer=\"r3\" call=\"S-1\">\n"
    "  <review proposal=\"P1\" confidence=\"2\"><score criterion=\"quality\" value=\"6\"/>"
    "<score criterion=\"impact\" value=\"7\"/></review>\n"
    "  <review proposal=\"P3\" confidence=\"2\"><score criterion=\"quality\" value=\"2\"/>"
    "<score criterion=\"impact\" value=\"2\"/></review>\n"
    "  <review proposal=\"P5\" confidence=\"3\"><score criterion=\"quality\" value=\"7\"/>"
    "<score criterion=\"impact\" value=\"8\"/></review>\n"
    "</sheet>\n";

static void write_small_proposal(const char *dir, const char *id, const char *federal,
                                 const char *metric)
{
    char text[4096], rel[64];
    snprintf(text, sizeof(text),
             "<proposal xmlns=\"urn:merit:1\" id=\"%s\" call=\"S-1\" months=\"12\">\n"
             "  <title>Proposal %s</title><area>Testing</area>\n"
             "  <team>\n"
             "    <organisation id=\"lead\" lead=\"true\" type=\"sme\" employees=\"10\" "
             "location=\"DE\" supply-chain=\"research\"><name>Lead of %s GmbH</name>"
             "</organisation>\n"
             "  </team>\n"
             "  <sections><problem>A problem.</problem><approach>An approach.</approach>"
             "<milestones><milestone id=\"M1\" due=\"2027-01-31\"><metric>3 parts</metric>"
             "<description>Measured.</description></milestone><milestone id=\"M2\" "
             "due=\"2027-06-30\"><metric>%s</metric><description>Checked.</description>"
             "</milestone></milestones><management>Managed.</management><diffusion>Diffused."
             "</diffusion><sme-involvement>Some.</sme-involvement></sections>\n"
             "  <budget><year number=\"1\" federal=\"%s\" cash=\"%s\" in-kind=\"0\"/>"
             "<total federal=\"%s\" cash=\"%s\" in-kind=\"0\"/></budget>\n"
             "</proposal>\n",
             id, id, id, metric, federal, federal, federal, federal);
    snprintf(rel, sizeof(rel), "proposals/%s.xml", id);
    t_write(dir, rel, text);
}

static char *small_dir(void)
{
    char *dir = t_tempdir();
    t_write(dir, "rubric.xml", small_rubric);
    t_write(dir, "call.xml", small_call);
    write_small_proposal(dir, "P1", "500000", "10 widgets");
    write_small_proposal(dir, "P3", "600000", "4 parts");
    write_small_proposal(dir, "P5", "500000", "7 widgets");
    write_small_proposal(dir, "P6", "100000", "some gadgets, all of them tested in the field");
    write_small_proposal(dir, "P7", "100000", "2 gadgets");
    write_small_proposal(dir, "P8", "100000", "2 gadgets");
    t_write(dir, "reviews/r1.xml", small_r1);
    t_write(dir, "reviews/r2.xml", small_r2);
    t_write(dir, "reviews/r3.xml", small_r3);
    return dir;
}

static void test_small_call(void **state)
{
    (void)state;
    char *dir = small_dir();
    struct ranked r = {0};
    rank_call(&r, dir, false, MERIT_METHOD_MEAN);

    char *text = explain(&r, "P3", NULL, 2);
    expect_line(text, "Reviews: 2 counted, 1 excluded");
    expect_line(text, "  r2  Bob Two   counted   confidence 4  no total: no score for impact");
    expect_line(text, "  r3  Cy Three  excluded  confidence 2  total 6");
    expect_line(text, "      conflict declared by the programme office: works for the lead");
    expect_line(text, "  impact   the only score: 9");
    expect_line(text, "           no score from r2: outside my field");
    expect_line(text, "Disagreement: fewer than two complete counted reviews, no spread");
    free(text);

    /* P1 and P5 tie, and need 1,000,000 where 400,000 is left */
    text = explain(&r, "P1", NULL, 2);
    expect_line(text, "  status      reserve, rank 2=: a tie at the funding line (T)");
    expect_line(text, "Funding line: reserve, a tie at the funding line (T)");
    expect_line(text,
                "  shared rank 2= (P1, P5) requests EUR 1,000,000.00 together against 400,000.00");
    free(text);

    /* after the tie the walk has stopped: P7 is after the line */
    text = explain(&r, "P7", NULL, 2);
    expect_line(text, "Funding line: reserve, after the line");
    expect_line(text,
                "  below: P8 (rank 5), by tie-break 1, criterion quality: P7 6 vs P8 11/2 (5.50);");
    expect_line(text, "    equal total 18");
    free(text);
    text = explain(&r, "P7", "P8", 2);
    expect_line(text, "P7 against P8: P7 ranks above P8");
    expect_line(text,
                "  decided by tie-break 1, criterion quality: P7 6 vs P8 11/2 (5.50); equal total");
    expect_line(text, "    18");
    free(text);

    text = explain(&r, "P6", NULL, 2);
    expect_line(text, "  numbers: each milestone must match /\\d/: failed at milestone M2 (\"some");
    expect_line(text, "    gadgets, all of them tested in...\"): every milestone needs a number");
    free(text);

    ranked_free(&r);
    t_rmtree(dir);
    free(dir);
}

/* --- a long list --------------------------------------------------------------- */

/* Twelve proposals Q01..Q12 tie on everything (both reviewers give each
 * 7 and 7; every lead is an SME, so sme-share is 1 for all) and together
 * ask 12 x 100,000 = 1,200,000 against a budget of 1,000,000: a tie at the
 * funding line of twelve. The members are listed as their count and the
 * first five (LIST_SHOWN) beyond ten (LIST_LONG); with full, all twelve. */
static char *long_tie_dir(void)
{
    char *dir = t_tempdir();
    t_write(dir, "rubric.xml", small_rubric);
    char *call = t_replace(small_call, "proposal=\"P3\"", "proposal=\"Q03\"");
    t_write(dir, "call.xml", call);
    free(call);
    char *sheets[2] = {NULL, NULL};
    for (int rv = 0; rv < 2; rv++) {
        char *body =
            t_sprintf("<sheet xmlns=\"urn:merit:1\" reviewer=\"r%d\" call=\"S-1\">\n", rv + 1);
        for (int i = 1; i <= 12; i++) {
            char *more = t_sprintf("%s  <review proposal=\"Q%02d\" confidence=\"3\">"
                                   "<score criterion=\"quality\" value=\"7\"/>"
                                   "<score criterion=\"impact\" value=\"7\"/></review>\n",
                                   body, i);
            free(body);
            body = more;
        }
        sheets[rv] = t_sprintf("%s</sheet>\n", body);
        free(body);
    }
    for (int i = 1; i <= 12; i++) {
        char id[8];
        snprintf(id, sizeof(id), "Q%02d", i);
        write_small_proposal(dir, id, "100000", "2 gadgets");
    }
    t_write(dir, "reviews/r1.xml", sheets[0]);
    t_write(dir, "reviews/r2.xml", sheets[1]);
    free(sheets[0]);
    free(sheets[1]);
    return dir;
}

static char *explain_full(const struct ranked *r, const char *id, bool full)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    assert_non_null(f);
    merit_report_options opt = {.places = 2, .full = full};
    merit_sink sink;
    merit_sink_init(&sink, f, false);
    assert_int_equal(merit_report_explain(&sink, r->res, index_of(r, id), &opt), 0);
    assert_int_equal(merit_sink_finish(&sink, NULL), 0);
    assert_int_equal(fclose(f), 0);
    return buf;
}

static void test_long_tie_is_shortened(void **state)
{
    (void)state;
    char *dir = long_tie_dir();
    struct ranked r = {0};
    rank_call(&r, dir, false, MERIT_METHOD_MEAN);
    char *text = explain_full(&r, "Q07", false);
    expect_line(text, "Funding line: reserve, a tie at the funding line (T)");
    /* total 2*7 + 1*7 = 21 each; 1,200,000 - 1,000,000 = 200,000 short */
    expect_line(text, "  shared rank 1= (12 proposals: Q01, Q02, Q03, Q04, Q05 and 7 more) "
                      "requests EUR");
    expect_line(text, "  1,200,000.00 together against 1,000,000.00 remaining: 200,000.00 "
                      "short. merit");
    assert_null(strstr(text, "Q12"));
    free(text);
    text = explain_full(&r, "Q07", true);
    expect_line(text,
                "  shared rank 1= (Q01, Q02, Q03, Q04, Q05, Q06, Q07, Q08, Q09, Q10, Q11, Q12)");
    free(text);
    ranked_free(&r);
    t_rmtree(dir);
    free(dir);
}

/* --- the command --------------------------------------------------------------- */

/* Runs merit with args; returns its exit status, *err_out its standard error. */
static int run_merit(const char *args, char **err_out)
{
    char *dir = t_tempdir();
    char *err = t_path(dir, "err");
    char cmd[2048];
    snprintf(cmd, sizeof(cmd), "'%s' %s >/dev/null 2>'%s'", MERIT_BINARY, args, err);
    int status = system(cmd);
    *err_out = t_read(err, NULL);
    t_rmtree(dir);
    free(dir);
    free(err);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void test_command(void **state)
{
    (void)state;
    char *err = NULL;
    assert_int_equal(run_merit("explain '" EXAMPLE_CALL "' P10", &err), 0);
    assert_string_equal(err, "");
    free(err);
    assert_int_equal(run_merit("explain '" EXAMPLE_CALL "' P10 --full", &err), 0);
    assert_string_equal(err, "");
    free(err);
    assert_int_equal(run_merit("explain '" EXAMPLE_CALL "' P99", &err), 1);
    assert_string_equal(err, "merit: error: no proposal 'P99' in call 'MFG-2026-01'\n");
    free(err);
    assert_int_equal(run_merit("explain '" EXAMPLE_CALL "' P01 --against P98", &err), 1);
    assert_string_equal(err, "merit: error: no proposal 'P98' in call 'MFG-2026-01'\n");
    free(err);
    assert_int_equal(run_merit("explain '" EXAMPLE_CALL "' P01 --against P01", &err), 2);
    assert_string_equal(
        err, "merit: error: explain: --against names the proposal being explained ('P01')\n");
    free(err);
    assert_int_equal(run_merit("explain '" EXAMPLE_CALL "' P01 --places x", &err), 2);
    free(err);
    assert_int_equal(run_merit("explain '" EXAMPLE_CALL "'", &err), 2);
    free(err);
    assert_int_equal(run_merit("explain '" EXAMPLE_CALL "' P01 --method best", &err), 2);
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_p10_criteria_and_total),
        cmocka_unit_test(test_p10_reviews_and_disagreement),
        cmocka_unit_test(test_p10_rank_and_reserve),
        cmocka_unit_test(test_p10_golden),
        cmocka_unit_test(test_p06_ineligible),
        cmocka_unit_test(test_p02_p04_shared_rank),
        cmocka_unit_test(test_p01_against_p02_total),
        cmocka_unit_test(test_against_far_apart_and_unranked),
        cmocka_unit_test(test_p03_excluded_and_p05_declared),
        cmocka_unit_test(test_p07_below_threshold),
        cmocka_unit_test(test_methods),
        cmocka_unit_test(test_bad_indices),
        cmocka_unit_test(test_small_call),
        cmocka_unit_test(test_long_tie_is_shortened),
        cmocka_unit_test(test_command),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
