/*
 * ICLR 2021 without a converter: the ratings table (tests/data/README.md)
 * becomes a call with merit's own commands only, as docs/cli.md tells a
 * conference to do it:
 *
 *   merit init iclr --rubric iclr-rating.xml --id ICLR-2021 --currency XXX
 *       --budget 860 --reviewers iclr-0,...,iclr-5
 *   merit import proposals --call iclr -o iclr/proposals --column id=paper_id
 *       --column title=paper_id --request 1 --ignore 0 ... --ignore decision
 *   merit import scores --call iclr -o iclr/reviews --wide reviewers
 *       --column proposal=paper_id --ignore decision --reviewer-prefix iclr-
 *   merit validate iclr; merit rank iclr
 *
 * A paper asks for one slot (currency XXX, ISO 4217's "no currency"), the
 * budget is the 860 papers ICLR 2021 accepted (53 orals, 114 spotlights,
 * 693 posters, from the table's decision column); the table gives no
 * title, so the paper id is the title. Nothing else is invented. The
 * funding line is checked against one worked out here from the table
 * alone: exact means, ranked, funded whole rank by rank while the slots
 * last (docs/scoring.md, "The funding line").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_merit.h"
#include "support.h"

#define ICLR MERIT_SOURCE_DIR "/tests/data/iclr2021_ratings.tsv"

/* Whether this merit reads the file (a probe of what issue 11 widens). */
static bool merit_accepts(const char *xml)
{
    t_write(".", "probe.xml", xml);
    return t_run_merit(NULL, NULL, "validate", "probe.xml", (char *)NULL) == 0;
}

/* Fails unless text holds needle. */
static void expect_line_in(const char *text, const char *needle)
{
    if (strstr(text, needle) == NULL)
        print_error("no '%s' in the report\n", needle);
    assert_non_null(strstr(text, needle));
}

struct paper {
    long sum;   /* of the ratings, whole numbers */
    long count; /* ratings */
};

/* Better first: the greater mean sum/count, compared exactly; a paper
 * without a rating last. */
static int compare_means(const void *a, const void *b)
{
    const struct paper *x = a, *y = b;
    if (x->count == 0 || y->count == 0)
        return (x->count == 0) - (y->count == 0);
    long l = x->sum * y->count, r = y->sum * x->count;
    return (l < r) - (l > r);
}

static void iclr_without_a_converter(void **state)
{
    (void)state;
    /* Until ids may start with '-' or '_' and confidences are optional
     * (the rest of issue 11), the papers with such ids are left out and
     * the reviews get a confidence, said on the output; the same probes
     * as test_import.c, so that the whole table is imported once both
     * land. */
    bool dash_ids = merit_accepts("<proposal xmlns=\"urn:merit:1\" id=\"-P01\" call=\"c\">"
                                  "<title>t</title><request amount=\"1\"/></proposal>");
    bool no_confidence = merit_accepts("<sheet xmlns=\"urn:merit:1\" reviewer=\"r\" call=\"c\">"
                                       "<review proposal=\"p\"><score criterion=\"x\" "
                                       "value=\"1\"/></review></sheet>");
    char *tsv = t_read(ICLR, NULL);
    assert_non_null(tsv);
    FILE *table = fopen("ratings.tsv", "w");
    assert_non_null(table);
    struct paper *papers = calloc(4000, sizeof(*papers));
    assert_non_null(papers);
    size_t count = 0, ratings = 0, accepted = 0;
    char *line = tsv;
    for (bool header = true; *line != '\0'; header = false) {
        char *end = strchr(line, '\n');
        size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
        if (header || dash_ids || (line[0] != '-' && line[0] != '_')) {
            fprintf(table, "%.*s\n", (int)len, line);
            if (!header) {
                /* paper_id, six ratings ("7.0" or empty), decision */
                assert_true(count < 4000);
                struct paper *p = &papers[count++];
                const char *cell = line + strcspn(line, "\t");
                for (int k = 0; k < 6; k++) {
                    assert_int_equal(*cell, '\t');
                    cell++;
                    size_t n = strcspn(cell, "\t\n");
                    if (n > 0) {
                        /* whole ratings, written "7.0" or "10.0" */
                        long r = 0;
                        size_t digits = 0;
                        while (digits < n && cell[digits] >= '0' && cell[digits] <= '9')
                            r = r * 10 + (cell[digits++] - '0');
                        assert_true(digits > 0 && digits + 2 == n && cell[digits] == '.' &&
                                    cell[digits + 1] == '0');
                        p->sum += r;
                        p->count++;
                        ratings++;
                    }
                    cell += n;
                }
                accepted += strncmp(cell, "\tAccept", 7) == 0;
            }
        }
        line += len + (end != NULL);
    }
    assert_int_equal(fclose(table), 0);
    free(tsv);
    if (dash_ids) {
        /* the file's own numbers (tests/data/README.md) */
        assert_int_equal(count, 2966);
        assert_int_equal(ratings, 11452);
        assert_int_equal(accepted, 860);
    } else {
        print_message("iclr: this merit refuses ids that start with '-' or '_': the %zu papers "
                      "without one are imported (2966 with)\n",
                      count);
    }

    t_write(".", "iclr-rating.xml",
            "<rubric xmlns=\"urn:merit:1\" id=\"iclr-rating\" version=\"1\">\n"
            "  <title>ICLR 2021 overall rating</title>\n"
            "  <scale min=\"1\" max=\"10\" step=\"1\" direction=\"higher-is-better\"/>\n"
            "  <criteria><criterion id=\"rating\" weight=\"1\"><name>Rating</name>"
            "</criterion></criteria>\n"
            "  <aggregation method=\"mean\"/>\n"
            "</rubric>\n");
    assert_int_equal(t_run_merit("out", "err", "init", "iclr", "--rubric", "iclr-rating.xml",
                                 "--id", "ICLR-2021", "--title", "ICLR 2021", "--currency", "XXX",
                                 "--budget", "860", "--reviewers",
                                 "iclr-0,iclr-1,iclr-2,iclr-3,iclr-4,iclr-5", (char *)NULL),
                     0);
    T_EXPECT_FILE("out", "iclr: call ICLR-2021 with rubric iclr-rating, 6 reviewers and an "
                         "example proposal; iclr/README.md says what to fill in\n");
    /* the papers take the example's place */
    assert_int_equal(remove("iclr/proposals/P01.xml"), 0);
    assert_int_equal(t_run_merit("out", "err", "import", "proposals", "--call", "iclr", "-o",
                                 "iclr/proposals", "--column", "id=paper_id", "--column",
                                 "title=paper_id", "--request", "1", "--ignore", "0", "--ignore",
                                 "1", "--ignore", "2", "--ignore", "3", "--ignore", "4", "--ignore",
                                 "5", "--ignore", "decision", "ratings.tsv", (char *)NULL),
                     0);
    char *want = t_sprintf("iclr/proposals/ratings.xml: %zu proposals for call ICLR-2021 from "
                           "ratings.tsv\n",
                           count);
    T_EXPECT_FILE("out", want);
    free(want);
    T_EXPECT_FILE("err", "iclr/proposals: warning: no .xml files in this folder\n"
                         "iclr/reviews: warning: no .xml files in this folder\n");

    const char *args[] = {"import",
                          "scores",
                          "--call",
                          "iclr",
                          "-o",
                          "iclr/reviews",
                          "--wide",
                          "reviewers",
                          "--column",
                          "proposal=paper_id",
                          "--ignore",
                          "decision",
                          "--reviewer-prefix",
                          "iclr-",
                          "ratings.tsv",
                          "--confidence",
                          "3"};
    if (!no_confidence)
        print_message("iclr: this merit needs a confidence in every review: --confidence 3 is "
                      "given\n");
    assert_int_equal(t_run_merit_argv("out", "err", no_confidence ? 15 : 17, args), 0);
    want = t_sprintf("iclr/reviews: 6 score sheets for call ICLR-2021 from ratings.tsv: %zu "
                     "reviews, %zu scores\n",
                     ratings, ratings);
    T_EXPECT_FILE("out", want);
    free(want);

    assert_int_equal(t_run_merit("out", "err", "validate", "iclr", (char *)NULL), 0);
    T_EXPECT_FILE("err", "");
    want = t_sprintf("iclr: call ICLR-2021 valid: %zu proposals, 6 reviewers, %zu reviews (0 "
                     "excluded for conflicts), rubric iclr-rating 1, 1 criterion\n",
                     count, ratings);
    T_EXPECT_FILE("out", want);
    free(want);

    /* the funding line from the table alone: means sorted, each rank (all
     * papers of one mean) funded whole while it fits in 860 slots; a paper
     * without a rating is not ranked */
    qsort(papers, count, sizeof(*papers), compare_means);
    size_t funded = 0, ranked = 0;
    bool stopped = false;
    for (size_t i = 0; i < count && papers[i].count > 0;) {
        size_t same = 1;
        while (i + same < count && papers[i + same].count > 0 &&
               compare_means(&papers[i], &papers[i + same]) == 0)
            same++;
        if (!stopped && funded + same <= 860)
            funded += same;
        else
            stopped = true;
        ranked += same;
        i += same;
    }
    free(papers);
    assert_int_equal(t_run_merit("rank.txt", "err", "rank", "iclr", (char *)NULL), 0);
    char *report = t_read("rank.txt", NULL);
    want = t_sprintf("---- funding line: XXX %zu.00 awarded to %zu, %zu.00 left ", funded, funded,
                     860 - funded);
    if (strstr(report, want) == NULL)
        print_error("rank.txt has no line '%s'\n", want);
    assert_non_null(strstr(report, want));
    free(want);
    free(report);
    assert_int_equal(t_run_merit("rank.csv", "err", "rank", "iclr", "--format", "csv",
                                 "--resamples", "0", (char *)NULL),
                     0);
    char *csv = t_read("rank.csv", NULL);
    size_t funded_rows = 0, rows = 0;
    for (const char *p = csv; (p = strchr(p, '\n')) != NULL; p++)
        rows++;
    /* a funded row says "funded" twice, its status and its funding step:
     * rows are counted, not words */
    for (const char *row = csv; *row != '\0';) {
        const char *end = strchr(row, '\n');
        const char *f = strstr(row, ",funded,");
        funded_rows += f != NULL && (end == NULL || f < end);
        if (end == NULL)
            break;
        row = end + 1;
    }
    free(csv);
    assert_int_equal(funded_rows, funded);
    assert_int_equal(rows, count + 1); /* every paper, and the header */
    /* 245 papers share the mean 6.00 at the line: the stop walk funds 741
     * (worked out above from the table) and leaves 119 slots */
    assert_int_equal(funded, 741);
    /* a lottery among the 245 fills the 119 slots, each paper asking for
     * one: the budget is spent down to less than one paper's request (0
     * left); two seeds draw two different sets */
    char *drawn[2];
    for (int k = 0; k < 2; k++) {
        const char *seed = k == 0 ? "iclr-2021-a" : "iclr-2021-b";
        assert_int_equal(t_run_merit("lottery.txt", "err", "rank", "iclr", "--lottery", seed,
                                     "--resamples", "0", (char *)NULL),
                         0);
        report = t_read("lottery.txt", NULL);
        expect_line_in(report, "---- funding line: XXX 860.00 awarded to 860, 0.00 left ");
        free(report);
        assert_int_equal(t_run_merit("lottery.csv", "err", "rank", "iclr", "--lottery", seed,
                                     "--resamples", "0", "--format", "csv", (char *)NULL),
                         0);
        csv = t_read("lottery.csv", NULL);
        /* the funded rows, in report order: their ids */
        size_t n = 0, len = 0;
        drawn[k] = calloc(strlen(csv) + 1, 1);
        for (const char *row = csv; row != NULL && *row;) {
            const char *end = strchr(row, '\n');
            size_t l = end ? (size_t)(end - row) : strlen(row);
            const char *f = strstr(row, ",funded,");
            if (f != NULL && f < row + l) {
                /* the second column, the id (rank,id,...) */
                const char *id = strchr(row, ',') + 1, *comma = strchr(id, ',');
                memcpy(drawn[k] + len, id, (size_t)(comma - id) + 1);
                len += (size_t)(comma - id) + 1;
                n++;
            }
            row = end ? end + 1 : NULL;
        }
        free(csv);
        assert_int_equal(n, 860);
    }
    assert_string_not_equal(drawn[0], drawn[1]);
    free(drawn[0]);
    free(drawn[1]);

    /* merit stats: the rank intervals (1000 resamples, the default). The
     * line is the strict walk's, `funded` above; grey means exactly
     * low <= line < high. The shared rank right below the line
     * (competition rank funded + 1: the papers of one mean that did not fit
     * whole, 245 at 6.00) straddles it once the resamples move its papers
     * and break its tie at random: most of it is grey (203 of 245 with
     * this seed), and the rest lies wholly below the line (a paper whose
     * reviews all agree keeps its 6.00 while those of the group whose
     * reviews differ move above it half the time), never above it. */
    assert_int_equal(
        t_run_merit("stats.csv", "err", "stats", "iclr", "--format", "csv", (char *)NULL), 0);
    char *stats = t_read("stats.csv", NULL);
    const char *itable = strstr(stats, "\r\nproposal,rank,rank_shared,rank_low,rank_median,"
                                       "rank_high,funded_in,resamples,p_funded,p_funded_exact,"
                                       "grey_zone,line\r\n");
    assert_non_null(itable);
    itable = strchr(itable + 2, '\n') + 1;
    size_t interval_rows = 0, grey = 0, at_line = 0, at_line_grey = 0;
    for (const char *row = itable; *row != '\0'; row = strchr(row, '\n') + 1) {
        char id[64], shared[8], g[8];
        unsigned long rank, low, median, high, in, b, ell;
        char pct[32], exact[32];
        int n = sscanf(row, "%63[^,],%lu,%7[^,],%lu,%lu,%lu,%lu,%lu,%31[^,],%31[^,],%7[^,],%lu", id,
                       &rank, shared, &low, &median, &high, &in, &b, pct, exact, g, &ell);
        assert_int_equal(n, 12);
        assert_int_equal(ell, funded);
        bool is_grey = strcmp(g, "yes") == 0;
        assert_true(is_grey == (low <= ell && ell < high));
        grey += is_grey;
        if (rank == funded + 1) {
            at_line++;
            at_line_grey += is_grey;
            /* not grey: then wholly below the line, never above it */
            if (!is_grey)
                assert_true(low > ell);
        }
        interval_rows++;
    }
    free(stats);
    assert_int_equal(interval_rows, ranked);
    assert_true(at_line > 1); /* a shared rank at the line */
    assert_true(at_line_grey * 2 > at_line);
    assert_true(grey >= at_line);
    print_message("iclr: %zu papers, %zu ranked, %zu funded of 860 slots; %zu tied just below "
                  "the line, %zu in the grey zone\n",
                  count, ranked, funded, at_line, grey);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, t_scratch_setup, t_scratch_teardown)
    const struct CMUnitTest tests[] = {T(iclr_without_a_converter)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
