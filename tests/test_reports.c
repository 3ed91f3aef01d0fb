/*
 * The CSV and JSON report writers, on a tiny call written into a scratch
 * folder: ranked with the engine, written to a memory stream, and checked
 * byte for byte where the format matters (quoting, line ends, exact values)
 * and by parsing the JSON back with jansson.
 *
 * The call: budget 1,000,000; scale 0..10 in steps of 0.5; criteria quality
 * (weight 2, threshold 5) and impact (weight 1); overall threshold 12; mean;
 * at least 2 reviewers; disagreement limit 3; tie-breaks quality, then SME
 * share (higher). Six proposals:
 *   P1  title 'Fast, "cheap" widgets', three reviews: ranked 2=, spread 3.5
 *   P2  federal share 3/4: ineligible
 *   P3  r3's review excluded by a programme-office conflict, r2 leaves impact
 *       unscored: ranked 1, funded
 *   P4  quality 4 < 5: below threshold
 *   P5  P1's scores reshuffled among the reviewers: tied with P1 on everything,
 *       so P1 and P5 share rank 2, which the 400,000 left cannot fund whole
 *   P6  a milestone without a number: ineligible (text rule)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "internal.h" /* merit__alloc_fail_at */
#include "merit/model.h"
#include "merit/result.h"
#include "report.h"
#include "support.h"

static const char rubric_xml[] =
    "<rubric xmlns=\"urn:merit:1\" id=\"tiny\" version=\"1\">\n"
    "  <title>Tiny rubric</title>\n"
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
    "    <fact-rule id=\"federal-share\" fact=\"federal-share\" op=\"le\" value=\"0.5\">\n"
    "      <message>federal funds may be at most half of the cost</message>\n"
    "    </fact-rule>\n"
    "    <text-rule id=\"numbers\" section=\"milestones\" scope=\"each-milestone\">\n"
    "      <pattern>\\d</pattern><message>every milestone needs a number</message>\n"
    "    </text-rule>\n"
    "  </eligibility>\n"
    "</rubric>\n";

static const char call_xml[] =
    "<call xmlns=\"urn:merit:1\" id=\"T-1\" currency=\"USD\">\n"
    "  <title>Tiny test call</title>\n"
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

static const char sheet_r1[] =
    "<sheet xmlns=\"urn:merit:1\" reviewer=\"r1\" call=\"T-1\">\n"
    "  <review proposal=\"P1\" confidence=\"4\">\n"
    "    <score criterion=\"quality\" value=\"7\">Solid, but \"cheap\" is a stretch</score>\n"
    "    <score criterion=\"impact\" value=\"8\"/>\n"
    "    <comment>Good.\nSecond line.</comment>\n"
    "  </review>\n"
    "  <review proposal=\"P2\" confidence=\"3\"><score criterion=\"quality\" value=\"6\"/>"
    "<score criterion=\"impact\" value=\"6\"/></review>\n"
    "  <review proposal=\"P3\" confidence=\"5\"><score criterion=\"quality\" value=\"9\"/>"
    "<score criterion=\"impact\" value=\"9\"/></review>\n"
    "  <review proposal=\"P4\" confidence=\"3\"><score criterion=\"quality\" value=\"4\"/>"
    "<score criterion=\"impact\" value=\"10\"/></review>\n"
    "  <review proposal=\"P5\" confidence=\"3\"><score criterion=\"quality\" value=\"8\"/>"
    "<score criterion=\"impact\" value=\"6.5\"/></review>\n"
    "  <review proposal=\"P6\" confidence=\"3\"><score criterion=\"quality\" value=\"8\"/>"
    "<score criterion=\"impact\" value=\"8\"/></review>\n"
    "</sheet>\n";

static const char sheet_r2[] =
    "<sheet xmlns=\"urn:merit:1\" reviewer=\"r2\" call=\"T-1\">\n"
    "  <review proposal=\"P1\" confidence=\"3\"><score criterion=\"quality\" value=\"8\"/>"
    "<score criterion=\"impact\" value=\"6.5\" confidence=\"1\"/></review>\n"
    "  <review proposal=\"P2\" confidence=\"3\"><score criterion=\"quality\" value=\"6\"/>"
    "<score criterion=\"impact\" value=\"6\"/></review>\n"
    "  <review proposal=\"P3\" confidence=\"4\"><score criterion=\"quality\" value=\"9\"/>"
    "<no-score criterion=\"impact\">outside my field</no-score></review>\n"
    "  <review proposal=\"P4\" confidence=\"3\"><score criterion=\"quality\" value=\"4\"/>"
    "<score criterion=\"impact\" value=\"10\"/></review>\n"
    "  <review proposal=\"P5\" confidence=\"3\"><score criterion=\"quality\" value=\"6\"/>"
    "<score criterion=\"impact\" value=\"7\"/></review>\n"
    "  <review proposal=\"P6\" confidence=\"3\"><score criterion=\"quality\" value=\"8\"/>"
    "<score criterion=\"impact\" value=\"8\"/></review>\n"
    "</sheet>\n";

static const char sheet_r3[] =
    "<sheet xmlns=\"urn:merit:1\" reviewer=\"r3\" call=\"T-1\">\n"
    "  <conflicts><conflict proposal=\"P4\">my former student</conflict></conflicts>\n"
    "  <review proposal=\"P1\" confidence=\"2\"><score criterion=\"quality\" value=\"6\"/>"
    "<score criterion=\"impact\" value=\"7\"/></review>\n"
    "  <review proposal=\"P3\" confidence=\"2\"><score criterion=\"quality\" value=\"2\"/>"
    "<score criterion=\"impact\" value=\"2\"/></review>\n"
    "  <review proposal=\"P5\" confidence=\"3\"><score criterion=\"quality\" value=\"7\"/>"
    "<score criterion=\"impact\" value=\"8\"/></review>\n"
    "</sheet>\n";

/* A 12-month proposal of two organisations (the lead of lead_type, and a
 * large firm), one milestone, and one budget year. */
static void write_proposal(const char *dir, const char *id, const char *title, const char *federal,
                           const char *cash, const char *metric, const char *lead_type)
{
    char text[4096], rel[64];
    snprintf(text, sizeof(text),
             "<proposal xmlns=\"urn:merit:1\" id=\"%s\" call=\"T-1\" months=\"12\">\n"
             "  <title>%s</title><area>Testing</area>\n"
             "  <team>\n"
             "    <organisation id=\"lead\" lead=\"true\" type=\"%s\" employees=\"%s\" "
             "location=\"US-OH\" supply-chain=\"research\"><name>Lead of %s, Inc.</name>"
             "</organisation>\n"
             "    <organisation id=\"other\" type=\"large\" employees=\"1000\" location=\"US-OH\" "
             "supply-chain=\"end-user\"><name>Other Corp</name></organisation>\n"
             "  </team>\n"
             "  <sections><problem>A problem.</problem><approach>An approach in five words."
             "</approach><milestones><milestone id=\"M1\" due=\"2027-01-31\"><metric>%s</metric>"
             "<description>Measured.</description></milestone></milestones><management>Managed."
             "</management><diffusion>Diffused.</diffusion><sme-involvement>Some."
             "</sme-involvement></sections>\n"
             "  <budget><year number=\"1\" federal=\"%s\" cash=\"%s\" in-kind=\"0\"/>"
             "<total federal=\"%s\" cash=\"%s\" in-kind=\"0\"/></budget>\n"
             "</proposal>\n",
             id, title, lead_type, strcmp(lead_type, "sme") == 0 ? "10" : "900", id, metric,
             federal, cash, federal, cash);
    snprintf(rel, sizeof(rel), "proposals/%s.xml", id);
    t_write(dir, rel, text);
}

struct fixture {
    char *dir;
    merit_ctx *ctx;
    merit_call *call;
    merit_result *res;
};

/* The call's files in dir, with r3's sheet as given. */
static void write_call_files(const char *dir, const char *r3)
{
    t_write(dir, "rubric.xml", rubric_xml);
    t_write(dir, "call.xml", call_xml);
    write_proposal(dir, "P1", "Fast, &quot;cheap&quot; widgets", "500000", "500000", "10 widgets",
                   "sme");
    write_proposal(dir, "P2", "Too federal", "300000", "100000", "5 things", "sme");
    write_proposal(dir, "P3", "Best one", "600000", "600000", "3 parts", "large");
    write_proposal(dir, "P4", "Weak quality", "100000", "100000", "2 gadgets", "sme");
    write_proposal(dir, "P5", "Twin of P1", "500000", "500000", "7 widgets", "sme");
    write_proposal(dir, "P6", "No number", "100000", "100000", "some gadgets", "sme");
    t_write(dir, "reviews/r1.xml", sheet_r1);
    t_write(dir, "reviews/r2.xml", sheet_r2);
    t_write(dir, "reviews/r3.xml", r3);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->dir = t_tempdir();
    t_write(f->dir, "rubric.xml", rubric_xml);
    t_write(f->dir, "call.xml", call_xml);
    write_proposal(f->dir, "P1", "Fast, &quot;cheap&quot; widgets", "500000", "500000",
                   "10 widgets", "sme");
    write_proposal(f->dir, "P2", "Too federal", "300000", "100000", "5 things", "sme");
    write_proposal(f->dir, "P3", "Best one", "600000", "600000", "3 parts", "large");
    write_proposal(f->dir, "P4", "Weak quality", "100000", "100000", "2 gadgets", "sme");
    write_proposal(f->dir, "P5", "Twin of P1", "500000", "500000", "7 widgets", "sme");
    write_proposal(f->dir, "P6", "No number", "100000", "100000", "some gadgets", "sme");
    t_write(f->dir, "reviews/r1.xml", sheet_r1);
    t_write(f->dir, "reviews/r2.xml", sheet_r2);
    t_write(f->dir, "reviews/r3.xml", sheet_r3);
    f->ctx = merit_ctx_new();
    assert_non_null(f->ctx);
    if (merit_call_load(f->ctx, f->dir, &f->call) != 0) {
        t_print_diags(f->ctx);
        fail();
    }
    assert_int_equal(merit_call_rank(f->ctx, f->call, NULL, &f->res), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    merit_result_free(f->res);
    merit_call_free(f->call);
    merit_ctx_free(f->ctx);
    t_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

typedef const char *writer; /* a format of merit_writers */

/* The whole report as a NUL-terminated string; *size_out its size. */
static char *render(writer w, const merit_result *res, bool detail, size_t *size_out)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);
    assert_non_null(out);
    merit_report_options opt = {.places = 2, .detail = detail};
    assert_int_equal(t_report(w, out, res, &opt), 0);
    assert_int_equal(fclose(out), 0);
    if (size_out != NULL)
        *size_out = size;
    return buf;
}

/* Line n (0-based) of a CRLF text, without its CRLF; the test fails when
 * there is no such line. */
static char *crlf_line(const char *text, size_t n)
{
    const char *p = text;
    for (size_t i = 0; i < n; i++) {
        p = strstr(p, "\r\n");
        assert_non_null(p);
        p += 2;
    }
    const char *end = strstr(p, "\r\n");
    assert_non_null(end);
    return strndup(p, (size_t)(end - p));
}

/* Every LF of the text is part of a CRLF, except those inside quoted fields;
 * returns the number of records. */
static size_t count_records(const char *text)
{
    size_t records = 0;
    bool quoted = false;
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (*p == '\n' && !quoted) {
            assert_true(p > text && p[-1] == '\r');
            records++;
        }
    }
    assert_false(quoted);
    return records;
}

static void test_csv_summary(void **state)
{
    struct fixture *f = *state;
    size_t size;
    char *csv = render("csv", f->res, false, &size);
    assert_int_equal(strlen(csv), size);
    /* no BOM, CRLF after every record, header + six proposals */
    assert_int_not_equal((unsigned char)csv[0], 0xEF);
    assert_int_equal(count_records(csv), 7);
    assert_string_equal(csv + size - 2, "\r\n");

    char *line = crlf_line(csv, 0);
    assert_string_equal(line, "rank,id,title,area,lead,lead_type,status,reason,total,total_exact,"
                              "quality,quality_exact,impact,impact_exact,reviews_counted,"
                              "reviews_excluded,disagreement,spread,federal_request,"
                              "cost_share_ratio,federal_share,sme_share,cumulative_awarded,"
                              "tie_at_line");
    free(line);

    /* P3 ranks first: quality (9+9)/2 = 9 (r3 excluded), impact 9 (r2 gave
     * no score), total 2*9 + 9 = 27; funded, 600000 of 1000000. */
    line = crlf_line(csv, 1);
    assert_string_equal(line, "1,P3,Best one,Testing,\"Lead of P3, Inc.\",large,funded,,27.00,27,"
                              "9.00,9,9.00,9,2,1,no,,600000.00,1.00,0.50,0.00,600000.00,no");
    free(line);

    /* P1, by hand:
     *   quality (7 + 8 + 6) / 3 = 7
     *   impact  (8 + 6.5 + 7) / 3 = 21.5 / 3 = 43/6 = 7.1666... -> 7.17
     *   total   2 * 7 + 1 * 43/6 = 84/6 + 43/6 = 127/6 = 21.1666... -> 21.17
     * reviewers' totals 2*7+8 = 22, 2*8+6.5 = 22.5, 2*6+7 = 19: spread 3.5 > 3.
     * Tied with P5 on total, quality and SME share (1/2): rank 2=, and the
     * pair (1000000) does not fit the 400000 left: tie at the line.
     * The title is quoted, its quotes doubled. */
    line = crlf_line(csv, 2);
    assert_string_equal(line, "2=,P1,\"Fast, \"\"cheap\"\" widgets\",Testing,\"Lead of P1, Inc.\","
                              "sme,reserve,,21.17,127/6,7.00,7,7.17,43/6,3,0,yes,3.50,500000.00,"
                              "1.00,0.50,0.50,,yes");
    free(line);
    line = crlf_line(csv, 3);
    assert_true(strncmp(line, "2=,P5,", 6) == 0);
    free(line);

    /* unranked: by status, then total: P4 below threshold, P6 (24) and P2
     * (18) ineligible. P2's federal share 300000 / 400000 = 3/4. */
    line = crlf_line(csv, 4);
    assert_true(strncmp(line,
                        ",P4,Weak quality,Testing,\"Lead of P4, Inc.\",sme,below-threshold,"
                        "quality 4.00 < 5,18.00,18,",
                        strlen(",P4,Weak quality,Testing,\"Lead of P4, Inc.\",sme,"
                               "below-threshold,quality 4.00 < 5,18.00,18,")) == 0);
    free(line);
    line = crlf_line(csv, 5);
    assert_non_null(strstr(line, ",P6,No number,"));
    assert_non_null(
        strstr(line, ",ineligible,numbers: every milestone needs a number (milestone M1),24.00,"));
    free(line);
    line = crlf_line(csv, 6);
    assert_non_null(strstr(line, ",ineligible,\"federal-share: federal funds may be at most half "
                                 "of the cost (federal-share 0.75, needs <= 0.5)\",18.00,18,"));
    free(line);
    free(csv);
}

static void test_csv_detail(void **state)
{
    struct fixture *f = *state;
    char *csv = render("csv", f->res, true, NULL);
    /* header + 15 reviews x 2 criteria */
    assert_int_equal(count_records(csv), 31);
    char *line = crlf_line(csv, 0);
    assert_string_equal(line, "proposal,reviewer,reviewer_name,criterion,weight,score,"
                              "no_score_reason,confidence,counted,excluded_reason,comment,"
                              "review_comment");
    free(line);
    /* a score comment with a comma and quotes; an overall comment with a
     * line break, kept inside the quoted field */
    assert_non_null(strstr(csv, "\r\nP1,r1,Ann One,quality,2,7,,4,yes,,\"Solid, but \"\"cheap\"\" "
                                "is a stretch\",\"Good.\nSecond line.\"\r\n"));
    /* a per-score confidence, and an exact half-step score */
    assert_non_null(strstr(csv, "\r\nP1,r2,Bob Two,impact,1,6.5,,1,yes,,,\r\n"));
    /* a no-score: no value, no confidence */
    assert_non_null(strstr(csv, "\r\nP3,r2,Bob Two,impact,1,,outside my field,,yes,,,\r\n"));
    /* an excluded review */
    assert_non_null(strstr(csv, "\r\nP3,r3,Cy Three,quality,2,2,,2,no,works for the lead,,\r\n"));
    free(csv);
}

static json_t *get(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (v == NULL)
        print_error("missing key '%s'\n", key);
    assert_non_null(v);
    return v;
}

static const char *get_str(json_t *obj, const char *key)
{
    json_t *v = get(obj, key);
    assert_true(json_is_string(v));
    return json_string_value(v);
}

static json_int_t get_int(json_t *obj, const char *key)
{
    json_t *v = get(obj, key);
    assert_true(json_is_integer(v));
    return json_integer_value(v);
}

/* The ranking entry of proposal id. */
static json_t *entry(json_t *root, const char *id)
{
    json_t *ranking = get(root, "ranking"), *e;
    size_t i;
    json_array_foreach(ranking, i, e)
    {
        if (strcmp(get_str(e, "id"), id) == 0)
            return e;
    }
    fail_msg("no ranking entry for '%s'", id);
    return NULL;
}

static void test_json(void **state)
{
    struct fixture *f = *state;
    size_t size;
    char *text = render("json", f->res, false, &size);
    assert_true(size > 2 && text[size - 1] == '\n' && text[size - 2] == '}');

    /* top-level keys, in this order */
    static const char *const keys[] = {
        "\"format\"",  "\"version\"", "\"call\"",    "\"rubric\"",       "\"rounding\"",
        "\"summary\"", "\"ranking\"", "\"reviews\"", "\"funding_walk\"", "\"conflicts\""};
    const char *at = text;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        char want[64];
        snprintf(want, sizeof(want), "\n  %s: ", keys[i]);
        const char *p = strstr(text, want);
        assert_non_null(p);
        assert_true(p > at);
        at = p;
    }

    json_error_t error;
    json_t *root = json_loads(text, 0, &error);
    if (root == NULL)
        fail_msg("json_loads: line %d: %s", error.line, error.text);
    assert_string_equal(get_str(root, "format"), "merit-ranking");
    assert_int_equal(get_int(root, "version"), 1);
    json_t *call = get(root, "call");
    assert_string_equal(get_str(call, "id"), "T-1");
    assert_string_equal(get_str(call, "currency"), "USD");
    assert_string_equal(get_str(call, "budget"), "1000000.00");

    json_t *rubric = get(root, "rubric");
    assert_string_equal(get_str(rubric, "method"), "mean");
    assert_string_equal(get_str(get(rubric, "scale"), "step"), "0.5");
    json_t *crit = json_array_get(get(rubric, "criteria"), 0);
    assert_string_equal(get_str(crit, "id"), "quality");
    assert_string_equal(get_str(crit, "weight"), "2");
    assert_string_equal(get_str(crit, "threshold"), "5");
    assert_true(json_is_null(get(json_array_get(get(rubric, "criteria"), 1), "threshold")));
    assert_string_equal(get_str(rubric, "overall_threshold"), "12");

    json_t *rounding = get(root, "rounding");
    assert_string_equal(get_str(rounding, "rule"), "half-to-even");
    assert_int_equal(get_int(rounding, "places"), 2);

    json_t *summary = get(root, "summary");
    assert_int_equal(get_int(summary, "proposals"), 6);
    assert_int_equal(get_int(summary, "ranked"), 3);
    assert_int_equal(get_int(summary, "funded"), 1);
    assert_string_equal(get_str(summary, "awarded"), "600000.00");
    assert_string_equal(get_str(summary, "remaining"), "400000.00");
    assert_int_equal(get_int(summary, "reviews"), 15);
    assert_int_equal(get_int(summary, "reviews_excluded"), 1);

    /* report order */
    static const char *const order[] = {"P3", "P1", "P5", "P4", "P6", "P2"};
    json_t *ranking = get(root, "ranking");
    assert_int_equal(json_array_size(ranking), 6);
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(get_str(json_array_get(ranking, i), "id"), order[i]);

    /* P1: 127/6, worked out in test_csv_summary */
    json_t *p1 = entry(root, "P1");
    assert_string_equal(get_str(p1, "title"), "Fast, \"cheap\" widgets");
    assert_int_equal(get_int(p1, "rank"), 2);
    assert_true(json_is_true(get(p1, "rank_shared")));
    assert_string_equal(get_str(p1, "status"), "reserve");
    assert_int_equal(json_array_size(get(p1, "reasons")), 0);
    assert_string_equal(get_str(get(p1, "total"), "exact"), "127/6");
    assert_string_equal(get_str(get(p1, "total"), "shown"), "21.17");
    json_t *impact = json_array_get(get(p1, "criteria"), 1);
    assert_string_equal(get_str(impact, "id"), "impact");
    assert_string_equal(get_str(impact, "exact"), "43/6");
    assert_string_equal(get_str(impact, "shown"), "7.17");
    assert_int_equal(get_int(impact, "count"), 3);
    assert_true(json_is_true(get(p1, "disagreement")));
    assert_string_equal(get_str(get(p1, "spread"), "exact"), "7/2");
    assert_string_equal(get_str(get(get(p1, "facts"), "sme-share"), "exact"), "1/2");
    assert_int_equal(get_int(get(p1, "words"), "approach"), 5);
    assert_string_equal(get_str(get(p1, "decided_by"), "kind"), "total");
    assert_true(json_is_null(get(p1, "cumulative")));
    assert_true(json_is_true(get(p1, "tie_at_line")));
    assert_string_equal(get_str(get(entry(root, "P5"), "decided_by"), "kind"), "tied");

    json_t *p3 = entry(root, "P3");
    assert_int_equal(get_int(p3, "rank"), 1);
    assert_string_equal(get_str(p3, "cumulative"), "600000.00");
    assert_int_equal(get_int(p3, "reviews_excluded"), 1);
    assert_true(json_is_null(get(p3, "spread")));

    /* P2: a failed fact rule, with its value 300000 / 400000 = 3/4 */
    json_t *p2 = entry(root, "P2");
    assert_true(json_is_null(get(p2, "rank")));
    assert_true(json_is_null(get(p2, "decided_by")));
    json_t *why = json_array_get(get(p2, "reasons"), 0);
    assert_string_equal(get_str(why, "kind"), "rule");
    assert_string_equal(get_str(why, "rule"), "federal-share");
    assert_string_equal(get_str(get(why, "actual"), "exact"), "3/4");
    /* P6: a failed text rule names the milestone */
    why = json_array_get(get(entry(root, "P6"), "reasons"), 0);
    assert_string_equal(get_str(why, "rule"), "numbers");
    assert_string_equal(get_str(why, "failed_milestone"), "M1");
    /* P4: quality 4 below 5 */
    why = json_array_get(get(entry(root, "P4"), "reasons"), 0);
    assert_string_equal(get_str(why, "kind"), "criterion-below-threshold");
    assert_string_equal(get_str(get(why, "value"), "exact"), "4");
    assert_string_equal(get_str(why, "threshold"), "5");

    /* reviews, in (proposal, reviewer) order */
    json_t *reviews = get(root, "reviews");
    assert_int_equal(json_array_size(reviews), 15);
    json_t *rv = json_array_get(reviews, 1); /* P1 by r2: 2*8 + 6.5 = 45/2 */
    assert_string_equal(get_str(rv, "proposal"), "P1");
    assert_string_equal(get_str(rv, "reviewer"), "r2");
    assert_string_equal(get_str(get(rv, "total"), "exact"), "45/2");
    assert_string_equal(get_str(json_array_get(get(rv, "scores"), 1), "value"), "6.5");
    assert_int_equal(get_int(json_array_get(get(rv, "scores"), 1), "confidence"), 1);
    rv = json_array_get(reviews, 6); /* P3 by r2: impact not scored */
    assert_string_equal(get_str(rv, "proposal"), "P3");
    assert_string_equal(get_str(rv, "reviewer"), "r2");
    assert_true(json_is_null(get(rv, "total")));
    json_t *ns = json_array_get(get(rv, "scores"), 1);
    assert_true(json_is_null(get(ns, "value")));
    assert_string_equal(get_str(ns, "no_score_reason"), "outside my field");
    rv = json_array_get(reviews, 7); /* P3 by r3: excluded */
    assert_string_equal(get_str(rv, "reviewer"), "r3");
    assert_true(json_is_false(get(rv, "counted")));
    assert_string_equal(get_str(rv, "excluded_reason"), "works for the lead");

    json_t *walk = get(root, "funding_walk");
    assert_int_equal(json_array_size(walk), 3);
    assert_string_equal(get_str(json_array_get(walk, 0), "action"), "funded");
    assert_string_equal(get_str(json_array_get(walk, 1), "action"), "tie-at-line");
    assert_string_equal(get_str(json_array_get(walk, 1), "remaining_before"), "400000.00");

    json_t *conflicts = get(root, "conflicts");
    assert_int_equal(json_array_size(conflicts), 2);
    assert_string_equal(get_str(json_array_get(conflicts, 0), "declared_by"), "programme");
    assert_string_equal(get_str(json_array_get(conflicts, 1), "proposal"), "P4");
    assert_string_equal(get_str(json_array_get(conflicts, 1), "declared_by"), "reviewer");

    json_decref(root);
    free(text);
}

/* The same result writes the same bytes. */
static void test_deterministic(void **state)
{
    struct fixture *f = *state;
    writer writers[] = {"csv", "json"};
    for (size_t i = 0; i < 2; i++) {
        size_t n1, n2;
        char *a = render(writers[i], f->res, false, &n1);
        char *b = render(writers[i], f->res, false, &n2);
        assert_int_equal(n1, n2);
        assert_memory_equal(a, b, n1);
        free(a);
        free(b);
    }
}

static char *render_explain(const merit_result *res, size_t index, size_t *size_out)
{
    char *buf = NULL;
    FILE *out = open_memstream(&buf, size_out);
    assert_non_null(out);
    merit_report_options opt = {.places = 2};
    merit_sink sink;
    merit_sink_init(&sink, out, false);
    assert_int_equal(merit_report_explain(&sink, res, index, &opt), 0);
    assert_int_equal(merit_sink_finish(&sink, NULL), 0);
    assert_int_equal(fclose(out), 0);
    return buf;
}

/* Loaded without comments, as `merit rank` loads a call for the text report
 * and the CSV summary and `merit explain` for its own, the call ranks the
 * same: those reports are byte for byte the fixture's, whose call kept the
 * comments (r1's on P1: "Solid, but ...", "Good.\nSecond line."). */
static void test_reports_without_comments(void **state)
{
    struct fixture *f = *state;
    merit_ctx *ctx = merit_ctx_new();
    assert_non_null(ctx);
    merit_ctx_set_keep_comments(ctx, false);
    merit_call *call = NULL;
    merit_result *res = NULL;
    assert_int_equal(merit_call_load(ctx, f->dir, &call), 0);
    assert_int_equal(merit_call_rank(ctx, call, NULL, &res), 0);
    /* reviews[0] is P1 by r1 in both */
    assert_string_equal(f->call->reviews[0].comment, "Good.\nSecond line.");
    assert_string_equal(f->call->reviews[0].comments[0], "Solid, but \"cheap\" is a stretch");
    assert_null(call->reviews[0].comment);
    assert_null(call->reviews[0].comments);

    writer writers[] = {"text", "csv"};
    for (size_t i = 0; i < 2; i++) {
        size_t n1, n2;
        char *with = render(writers[i], f->res, false, &n1);
        char *without = render(writers[i], res, false, &n2);
        assert_int_equal(n1, n2);
        assert_memory_equal(with, without, n1);
        free(with);
        free(without);
    }
    assert_int_equal(call->proposal_count, f->call->proposal_count);
    for (size_t i = 0; i < call->proposal_count; i++) {
        size_t n1, n2;
        char *with = render_explain(f->res, i, &n1);
        char *without = render_explain(res, i, &n2);
        assert_int_equal(n1, n2);
        assert_memory_equal(with, without, n1);
        free(with);
        free(without);
    }
    merit_result_free(res);
    merit_call_free(call);
    merit_ctx_free(ctx);
}

/* A stream that cannot be written: both writers return MERIT_EIO. */
static void test_write_error(void **state)
{
    struct fixture *f = *state;
    merit_report_options opt = {.places = 2};
    FILE *out = fopen("/dev/null", "r");
    assert_non_null(out);
    assert_int_equal(t_report("csv", out, f->res, &opt), MERIT_EIO);
    clearerr(out);
    assert_int_equal(t_report("json", out, f->res, &opt), MERIT_EIO);
    fclose(out);
}

/* Each engine allocation the writers make (the number strings) fails in
 * turn: the writer returns MERIT_ENOMEM, and nothing leaks or crashes. A run that
 * returns 0 never reached the failing allocation: the loop is done. */
static void test_out_of_memory(void **state)
{
    struct fixture *f = *state;
    writer writers[] = {"csv", "csv", "json"};
    for (size_t i = 0; i < 3; i++) {
        merit_report_options opt = {.places = 2, .detail = i == 1};
        uint64_t n;
        for (n = 1; n < 100000; n++) {
            char *buf = NULL;
            size_t size = 0;
            FILE *out = open_memstream(&buf, &size);
            assert_non_null(out);
            merit__alloc_fail_at(n);
            int rc = t_report(writers[i], out, f->res, &opt);
            merit__alloc_fail_at(0);
            fclose(out);
            free(buf);
            if (rc == 0)
                break;
            assert_int_equal(rc, MERIT_ENOMEM);
        }
        assert_true(n > 1 && n < 100000);
    }
}

/* --- text from hostile inputs ---------------------------------------------
 *
 * A call whose texts carry what a terminal or a spreadsheet acts on. XML
 * holds C1 controls (&#x9B; is CSI), DEL, bidi overrides and line
 * separators, but no ESC and no C0 control other than tab, LF and CR, and
 * the loader drops leading white space: those are put into the loaded model
 * directly, as a writer must not count on the loader.
 *
 *   call title        "Call ESC[2J RLO" (set in the model)
 *   P1 title          =HYPERLINK("http://x","y") RLO, area "@SUM(A1)",
 *                     lead "+Lead CSI31m Corp": ranked 1, funded
 *   P2 title          TAB "Tab title" ESC[31m (set); scores -4 and -3 from
 *                     both: quality -4, impact -3, total 2*-4 - 3 = -11,
 *                     below threshold (-4 < 5), "-11.00" in the CSV
 *   P3 title          CR "CR title" U+009B (set); its milestone has no
 *                     number: ineligible, with the rule's message "every
 *                     milestone needs a number RLO CSI"
 *   r2 name           "-Rev DEL Two"; r3 name "Cy" LF "FORGED" ESC[0m (set)
 *   r3 on P1          excluded: the call's conflict "+conflict RLO x"
 *   r1 on P1          comment "'quoted comment", quality comment "=1+1"
 *   r2 on P3          no impact score: "@nobody U+2028 knows"
 */
static void write_hostile_proposal(const char *dir, const char *id, const char *title,
                                   const char *area, const char *lead, const char *metric)
{
    char text[4096], rel[64];
    snprintf(text, sizeof(text),
             "<proposal xmlns=\"urn:merit:1\" id=\"%s\" call=\"T-1\" months=\"12\">\n"
             "  <title>%s</title><area>%s</area>\n"
             "  <team>\n"
             "    <organisation id=\"lead\" lead=\"true\" type=\"sme\" employees=\"10\" "
             "location=\"US-OH\" supply-chain=\"research\"><name>%s</name></organisation>\n"
             "  </team>\n"
             "  <sections><problem>A problem.</problem><approach>An approach.</approach>"
             "<milestones><milestone id=\"M1\" due=\"2027-01-31\"><metric>%s</metric>"
             "<description>Measured.</description></milestone></milestones><management>M."
             "</management><diffusion>D.</diffusion><sme-involvement>S.</sme-involvement>"
             "</sections>\n"
             "  <budget><year number=\"1\" federal=\"500000\" cash=\"500000\" in-kind=\"0\"/>"
             "<total federal=\"500000\" cash=\"500000\" in-kind=\"0\"/></budget>\n"
             "</proposal>\n",
             id, title, area, lead, metric);
    snprintf(rel, sizeof(rel), "proposals/%s.xml", id);
    t_write(dir, rel, text);
}

/* Replaces a string the model owns. */
static void set_text(char **field, const char *text)
{
    free(*field);
    *field = strdup(text);
    assert_non_null(*field);
}

static int setup_hostile(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->dir = t_tempdir();
    char *rubric =
        t_edit(rubric_xml, "<scale min=\"0\"", "<scale min=\"-10\"",
               "every milestone needs a number", "every milestone needs a number &#x202E;&#x9B;");
    t_write(f->dir, "rubric.xml", rubric);
    free(rubric);
    char *call = t_edit(call_xml, "<name>Bob Two</name>", "<name>-Rev &#x7F;Two</name>",
                        "<conflict reviewer=\"r3\" proposal=\"P3\">works for the lead</conflict>",
                        "<conflict reviewer=\"r3\" proposal=\"P1\">+conflict &#x202E;x</conflict>");
    t_write(f->dir, "call.xml", call);
    free(call);
    write_hostile_proposal(f->dir, "P1", "=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)&#x202E;",
                           "@SUM(A1)", "+Lead &#x9B;31m Corp", "10 widgets");
    write_hostile_proposal(f->dir, "P2", "Two", "Testing", "Lead Two", "5 things");
    write_hostile_proposal(f->dir, "P3", "Three", "Testing", "Lead Three", "some gadgets");
    t_write(f->dir, "reviews/r1.xml",
            "<sheet xmlns=\"urn:merit:1\" reviewer=\"r1\" call=\"T-1\">\n"
            "  <review proposal=\"P1\" confidence=\"4\">"
            "<score criterion=\"quality\" value=\"7\">=1+1</score>"
            "<score criterion=\"impact\" value=\"8\"/><comment>'quoted comment</comment></review>\n"
            "  <review proposal=\"P2\" confidence=\"3\"><score criterion=\"quality\" value=\"-4\"/>"
            "<score criterion=\"impact\" value=\"-3\"/></review>\n"
            "  <review proposal=\"P3\" confidence=\"3\"><score criterion=\"quality\" value=\"8\"/>"
            "<score criterion=\"impact\" value=\"8\"/></review>\n"
            "</sheet>\n");
    t_write(f->dir, "reviews/r2.xml",
            "<sheet xmlns=\"urn:merit:1\" reviewer=\"r2\" call=\"T-1\">\n"
            "  <review proposal=\"P1\" confidence=\"3\"><score criterion=\"quality\" value=\"8\"/>"
            "<score criterion=\"impact\" value=\"6.5\"/></review>\n"
            "  <review proposal=\"P2\" confidence=\"3\"><score criterion=\"quality\" value=\"-4\"/>"
            "<score criterion=\"impact\" value=\"-3\"/></review>\n"
            "  <review proposal=\"P3\" confidence=\"4\"><score criterion=\"quality\" value=\"9\"/>"
            "<no-score criterion=\"impact\">@nobody &#x2028;knows</no-score></review>\n"
            "</sheet>\n");
    t_write(f->dir, "reviews/r3.xml",
            "<sheet xmlns=\"urn:merit:1\" reviewer=\"r3\" call=\"T-1\">\n"
            "  <review proposal=\"P1\" confidence=\"2\"><score criterion=\"quality\" value=\"6\"/>"
            "<score criterion=\"impact\" value=\"7\"/></review>\n"
            "</sheet>\n");
    f->ctx = merit_ctx_new();
    assert_non_null(f->ctx);
    if (merit_call_load(f->ctx, f->dir, &f->call) != 0) {
        t_print_diags(f->ctx);
        fail();
    }
    /* what XML cannot hold, and the loader would not keep */
    set_text(&f->call->title, "Call \x1b[2J\xe2\x80\xae");
    set_text(&f->call->proposals[1].title, "\tTab title\x1b[31m");
    set_text(&f->call->proposals[2].title, "\rCR title\xc2\x9b");
    set_text(&f->call->reviewers[2].name, "Cy\nFORGED\x1b[0m");
    assert_string_equal(f->call->proposals[1].id, "P2");
    assert_string_equal(f->call->reviewers[2].id, "r3");
    assert_int_equal(merit_call_rank(f->ctx, f->call, NULL, &f->res), 0);
    *state = f;
    return 0;
}

/* Fails when text shown to a person holds a control byte other than LF, DEL,
 * a byte that is not UTF-8, a C1 control, a bidi control or a line
 * separator. */
static void assert_safe_to_show(const char *text, size_t size)
{
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0; i < size;) {
        size_t n = merit__utf8_length(s + i, size - i);
        if (n == 0 || (s[i] < 0x20 && s[i] != '\n') || s[i] == 0x7F ||
            (n == 2 && s[i] == 0xC2 && s[i + 1] < 0xA0) ||
            (n == 2 && s[i] == 0xD8 && s[i + 1] == 0x9C) ||
            (n == 3 && s[i] == 0xE2 && s[i + 1] == 0x80 &&
             (s[i + 2] == 0x8E || s[i + 2] == 0x8F || (s[i + 2] >= 0xA8 && s[i + 2] <= 0xAE))) ||
            (n == 3 && s[i] == 0xE2 && s[i + 1] == 0x81 && s[i + 2] >= 0xA6 && s[i + 2] <= 0xA9)) {
            print_error("unsafe byte 0x%02X at %zu: ...%.*s\n", s[i], i,
                        (int)(size - i < 40 ? size - i : 40), text + i);
            fail();
        }
        i += n ? n : 1;
    }
}

/* The line of text holding needle, as a malloc'd string. */
static char *line_with(const char *text, const char *needle)
{
    const char *at = strstr(text, needle);
    if (at == NULL) {
        print_error("'%s' is not in:\n%s\n", needle, text);
        fail();
    }
    const char *start = at;
    while (start > text && start[-1] != '\n')
        start--;
    const char *end = strchr(at, '\n');
    return strndup(start, end ? (size_t)(end - start) : strlen(start));
}

/* The column (in code points) where needle starts in line. */
static size_t column_of(const char *line, const char *needle)
{
    const char *at = strstr(line, needle);
    assert_non_null(at);
    size_t col = 0;
    for (const char *p = line; p < at; p++)
        col += ((unsigned char)*p & 0xC0) != 0x80;
    return col;
}

static void test_text_escapes_inputs(void **state)
{
    struct fixture *f = *state;
    size_t size;
    char *text = render("text", f->res, false, &size);
    assert_safe_to_show(text, size);
    /* the header: ESC and RLO escaped */
    char *line = line_with(text, "T-1  ");
    assert_string_equal(line, "T-1  Call \\x1B[2J\\u202E");
    free(line);
    /* P1's title is 26 columns and an RLO: 32 columns escaped, cut to 29
     * and "…", the escape dropped whole, never cut into "\u2" */
    line = line_with(text, "P1  ");
    assert_non_null(strstr(line, "=HYPERLINK(\"http://x\",\"y\")\xE2\x80\xA6"));
    assert_non_null(strstr(line, "+Lead \\u009B31m Corp"));
    /* columns are as wide as the escaped text: each row's lead starts under
     * the header's "lead", whatever escaping did to the title before it */
    char *header = line_with(text, "rank  id");
    size_t lead_col = column_of(header, "lead");
    assert_int_equal(column_of(line, "+Lead"), lead_col);
    free(line);
    line = line_with(text, " Tab title");
    assert_non_null(strstr(line, "P2   Tab title\\x1B[31m"));
    assert_int_equal(column_of(line, "Lead Two"), lead_col);
    free(line);
    line = line_with(text, " CR title");
    assert_non_null(strstr(line, "P3   CR title\\u009B"));
    assert_int_equal(column_of(line, "Lead Three"), lead_col);
    free(line);
    free(header);
    /* the reason repeats the rubric's message, escaped */
    line = line_with(text, "  P3  ineligible: ");
    assert_string_equal(line, "  P3  ineligible: numbers: every milestone needs a number "
                              "\\u202E\\u009B (milestone M1)");
    free(line);
    /* the excluded review: the reviewer's name stays on its line */
    line = line_with(text, "  P1 by r3");
    assert_string_equal(line, "  P1 by r3 (Cy FORGED\\x1B[0m): conflict declared by the "
                              "programme office: +conflict \\u202Ex");
    free(line);
    free(text);
}

static void test_explain_escapes_inputs(void **state)
{
    struct fixture *f = *state;
    size_t size;
    /* result indices follow the call's proposals: P1, P2, P3 */
    char *text = render_explain(f->res, 0, &size);
    assert_safe_to_show(text, size);
    char *line = line_with(text, "P1  ");
    assert_string_equal(line, "P1  =HYPERLINK(\"http://x\",\"y\")\\u202E");
    free(line);
    line = line_with(text, "  call ");
    assert_string_equal(line, "  call        T-1, rubric tiny 1, method mean");
    free(line);
    line = line_with(text, "  lead ");
    assert_string_equal(line, "  lead        +Lead \\u009B31m Corp (sme)");
    free(line);
    line = line_with(text, "  area ");
    assert_string_equal(line, "  area        @SUM(A1)");
    free(line);
    /* reviewers' names padded to the widest escaped one: r3's, 16 columns */
    line = line_with(text, "  r2  ");
    assert_string_equal(line,
                        "  r2  -Rev \\x7FTwo      counted   confidence 3  total 45/2 (22.50)");
    free(line);
    line = line_with(text, "  r3  ");
    assert_non_null(strstr(line, "  r3  Cy FORGED\\x1B[0m  excluded  "));
    free(line);
    line = line_with(text, "conflict declared by the programme office");
    assert_string_equal(line,
                        "      conflict declared by the programme office: +conflict \\u202Ex");
    free(line);
    free(text);

    text = render_explain(f->res, 2, &size);
    assert_safe_to_show(text, size);
    line = line_with(text, "P3  ");
    assert_string_equal(line, "P3   CR title\\u009B");
    free(line);
    line = line_with(text, "no score from r2");
    assert_string_equal(line, "           no score from r2: @nobody  knows");
    free(line);
    /* the rule's line, wrapped at 80 columns */
    line = line_with(text, "gadgets\"): ");
    assert_string_equal(line, "    gadgets\"): every milestone needs a number \\u202E\\u009B");
    free(line);
    free(text);

    /* the comparison names both, escaped */
    char *buf = NULL;
    FILE *out = open_memstream(&buf, &size);
    assert_non_null(out);
    merit_report_options opt = {.places = 2};
    merit_sink sink;
    merit_sink_init(&sink, out, false);
    assert_int_equal(merit_report_explain_against(&sink, f->res, 0, 2, &opt), 0);
    assert_int_equal(merit_sink_finish(&sink, NULL), 0);
    assert_int_equal(fclose(out), 0);
    assert_safe_to_show(buf, size);
    line = line_with(buf, "    needs a number");
    assert_string_equal(line, "    needs a number \\u202E\\u009B (milestone M1)");
    free(line);
    free(buf);
}

/* RFC 4180 parsing: the fields of each record, quotes undone. */
struct csv_table {
    char **cells;
    size_t *row_start; /* index of each record's first cell; one more at the end */
    size_t rows;
};

static struct csv_table parse_csv(const char *text)
{
    struct csv_table t = {NULL, NULL, 0};
    size_t cells = 0, cap = 0, rcap = 0;
    const char *p = text;
    while (*p) {
        if (t.rows + 2 > rcap) {
            rcap = rcap ? rcap * 2 : 16;
            t.row_start = realloc(t.row_start, rcap * sizeof(*t.row_start));
            assert_non_null(t.row_start);
        }
        t.row_start[t.rows++] = cells;
        for (;;) {
            char *cell = malloc(strlen(p) + 1);
            assert_non_null(cell);
            size_t n = 0;
            if (*p == '"') {
                for (p++;; p++) {
                    assert_true(*p != '\0'); /* a quote left open */
                    if (*p == '"' && p[1] == '"')
                        cell[n++] = *p++;
                    else if (*p == '"')
                        break;
                    else
                        cell[n++] = *p;
                }
                p++;
            } else {
                while (*p && *p != ',' && *p != '\r' && *p != '\n')
                    cell[n++] = *p++;
            }
            cell[n] = '\0';
            if (cells == cap) {
                cap = cap ? cap * 2 : 64;
                t.cells = realloc(t.cells, cap * sizeof(*t.cells));
                assert_non_null(t.cells);
            }
            t.cells[cells++] = cell;
            if (*p == ',') {
                p++;
                continue;
            }
            assert_true(p[0] == '\r' && p[1] == '\n');
            p += 2;
            break;
        }
    }
    if (t.row_start == NULL) {
        t.row_start = malloc(sizeof(*t.row_start));
        assert_non_null(t.row_start);
    }
    t.row_start[t.rows] = cells;
    return t;
}

static const char *csv_at(const struct csv_table *t, size_t row, const char *column)
{
    for (size_t c = t->row_start[0]; c < t->row_start[1]; c++)
        if (strcmp(t->cells[c], column) == 0) {
            assert_true(t->row_start[row] + c < t->row_start[row + 1]);
            return t->cells[t->row_start[row] + c];
        }
    print_error("no column '%s'\n", column);
    fail();
    return NULL;
}

static void csv_free(struct csv_table *t)
{
    for (size_t i = 0; i < t->row_start[t->rows]; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t->row_start);
}

/* No cell a spreadsheet would run: a cell that starts with = + - @ (after
 * spaces), tab, CR or LF is one of merit's numbers ("-11.00", "-11",
 * "-4/3"). */
static void assert_no_formula(const struct csv_table *t)
{
    for (size_t i = 0; i < t->row_start[t->rows]; i++) {
        const char *c = t->cells[i];
        const char *p = c + strspn(c, " ");
        if (strchr("=+-@", *p) == NULL || *p == '\0')
            if (c[0] != '\t' && c[0] != '\r' && c[0] != '\n')
                continue;
        /* a number: -digits[.digits] or -digits/digits */
        bool number = c[0] == '-' && c[1] >= '0' && c[1] <= '9';
        for (const char *q = c + 1; number && *q; q++)
            number = (*q >= '0' && *q <= '9') || *q == '.' || *q == '/';
        if (!number) {
            print_error("cell %zu would run as a formula: '%s'\n", i, c);
            fail();
        }
    }
}

/* Drops the one leading apostrophe a text cell may carry. */
static const char *exact(const char *cell)
{
    return cell[0] == '\'' ? cell + 1 : cell;
}

static void test_csv_formula_cells(void **state)
{
    struct fixture *f = *state;
    char *csv = render("csv", f->res, false, NULL);
    struct csv_table t = parse_csv(csv);
    assert_no_formula(&t);
    assert_int_equal(t.rows, 4);
    /* report order: P1 (ranked), then P2 (below threshold), P3 (ineligible) */
    assert_string_equal(csv_at(&t, 1, "id"), "P1");
    assert_string_equal(csv_at(&t, 1, "title"), "'=HYPERLINK(\"http://x\",\"y\")\xE2\x80\xAE");
    assert_string_equal(csv_at(&t, 1, "area"), "'@SUM(A1)");
    assert_string_equal(csv_at(&t, 1, "lead"), "'+Lead \xC2\x9B"
                                               "31m Corp");
    assert_string_equal(csv_at(&t, 2, "id"), "P2");
    assert_string_equal(csv_at(&t, 2, "title"), "'\tTab title\x1b[31m");
    /* P2's numbers are merit's: negative, not marked */
    assert_string_equal(csv_at(&t, 2, "total"), "-11.00");
    assert_string_equal(csv_at(&t, 2, "total_exact"), "-11");
    assert_string_equal(csv_at(&t, 2, "quality"), "-4.00");
    assert_string_equal(csv_at(&t, 2, "impact_exact"), "-3");
    assert_string_equal(csv_at(&t, 3, "title"), "'\rCR title\xC2\x9B");
    /* dropping one leading apostrophe gives every text back exactly */
    for (size_t row = 1; row < t.rows; row++) {
        size_t at = SIZE_MAX;
        for (size_t i = 0; i < f->call->proposal_count; i++)
            if (strcmp(f->call->proposals[i].id, csv_at(&t, row, "id")) == 0)
                at = i;
        assert_true(at < f->call->proposal_count);
        const merit_proposal *p = &f->call->proposals[at];
        assert_string_equal(exact(csv_at(&t, row, "title")), p->title);
        assert_string_equal(exact(csv_at(&t, row, "area")), p->area);
        assert_string_equal(exact(csv_at(&t, row, "lead")), p->orgs[p->lead].name);
    }
    csv_free(&t);
    free(csv);

    csv = render("csv", f->res, true, NULL);
    t = parse_csv(csv);
    assert_no_formula(&t);
    /* rows: P1 by r1, r2, r3, P2 by r1, r2, P3 by r1, r2; two criteria each */
    assert_int_equal(t.rows, 1 + 7 * 2);
    assert_string_equal(csv_at(&t, 1, "comment"), "'=1+1");
    assert_string_equal(csv_at(&t, 1, "review_comment"), "''quoted comment");
    assert_string_equal(exact(csv_at(&t, 1, "review_comment")), "'quoted comment");
    assert_string_equal(csv_at(&t, 3, "reviewer_name"), "'-Rev \x7fTwo");
    assert_string_equal(csv_at(&t, 5, "excluded_reason"), "'+conflict \xE2\x80\xAEx");
    assert_string_equal(csv_at(&t, 5, "reviewer_name"), "Cy\nFORGED\x1b[0m");
    assert_string_equal(csv_at(&t, 14, "no_score_reason"), "'@nobody \xE2\x80\xA8knows");
    /* P2's scores are numbers */
    assert_string_equal(csv_at(&t, 7, "score"), "-4");
    csv_free(&t);
    free(csv);
}

/* A review that gives no confidence (the panel collects none): the
 * reports show none, not 0; the mean needs none, and confidence-weighted
 * refuses to rank without it, saying where. */
static void test_reports_without_confidence(void **state)
{
    (void)state;
    char *dir = t_tempdir();
    char *r3 = t_replace(sheet_r3, "<review proposal=\"P5\" confidence=\"3\">",
                         "<review proposal=\"P5\">");
    write_call_files(dir, r3);
    free(r3);
    merit_ctx *ctx = merit_ctx_new();
    assert_non_null(ctx);
    merit_call *call = NULL;
    merit_result *res = NULL;
    assert_int_equal(merit_call_load(ctx, dir, &call), 0);
    assert_int_equal(merit_call_rank(ctx, call, NULL, &res), 0);

    char *text = render("json", res, false, NULL);
    json_error_t error;
    json_t *root = json_loads(text, 0, &error);
    assert_non_null(root);
    json_t *reviews = get(root, "reviews"), *rv = NULL;
    size_t i;
    json_array_foreach(reviews, i, rv) if (strcmp(get_str(rv, "proposal"), "P5") == 0 &&
                                           strcmp(get_str(rv, "reviewer"), "r3") == 0) break;
    assert_non_null(rv);
    assert_true(json_is_null(get(rv, "confidence")));
    assert_true(json_is_null(get(json_array_get(get(rv, "scores"), 0), "confidence")));
    assert_true(json_is_null(get(json_array_get(get(rv, "scores"), 1), "confidence")));
    json_decref(root);
    free(text);

    text = render("csv", res, true, NULL);
    assert_non_null(strstr(text, "\r\nP5,r3,Cy Three,quality,2,7,,,yes,,,\r\n"));
    free(text);

    /* explain: P5's line for r3 has a blank where a confidence would be */
    size_t p5 = 0;
    while (strcmp(call->proposals[p5].id, "P5") != 0)
        p5++;
    size_t size;
    text = render_explain(res, p5, &size);
    const char *line = strstr(text, "  r3  ");
    assert_non_null(line);
    assert_null(strstr(line, "confidence 3"));
    assert_non_null(strstr(line, "Cy Three  counted                 total"));
    free(text);
    merit_result_free(res);

    merit_rank_options weighted = {.override_method = true,
                                   .method = MERIT_METHOD_CONFIDENCE_WEIGHTED};
    assert_int_equal(merit_call_rank(ctx, call, &weighted, &res), MERIT_EINVALID);
    assert_null(res);
    assert_int_equal(merit_ctx_diag_count(ctx), 1);
    assert_string_equal(merit_ctx_diag(ctx, 0)->message,
                        "review of proposal 'P5' by 'r3' gives no confidence, which the method "
                        "'confidence-weighted' needs: give one on the <review> or on each "
                        "<score>");
    merit_call_free(call);
    merit_ctx_free(ctx);
    t_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_summary),
        cmocka_unit_test(test_csv_detail),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_write_error),
        cmocka_unit_test(test_out_of_memory),
        cmocka_unit_test(test_reports_without_comments),
        cmocka_unit_test(test_reports_without_confidence),
    };
    const struct CMUnitTest hostile[] = {
        cmocka_unit_test(test_text_escapes_inputs),
        cmocka_unit_test(test_explain_escapes_inputs),
        cmocka_unit_test(test_csv_formula_cells),
    };
    int failed = cmocka_run_group_tests(tests, setup, teardown);
    return failed + cmocka_run_group_tests(hostile, setup_hostile, teardown);
}
