/*
 * `merit import scores`: a long table (merit's own detail CSV) and a wide
 * one into sheets that validate and rank; every kind of bad cell reported
 * as file:row:column, all in one run, with nothing written; the header's
 * own errors; a byte order mark; rows counted as a spreadsheet counts them
 * (a quoted cell with line breaks is one row, a blank line is a row, CR LF
 * is one line end); a formula-marked cell read back exactly; another
 * encoding refused. The ICLR 2021 ratings (a wide table of anonymous
 * reviewer slots) are imported with merit's commands alone in
 * test_iclr.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "run_merit.h"
#include "support.h"

#define CALL MERIT_SOURCE_DIR "/proposals/mfg-2026"

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void long_table_round_trip(void **state)
{
    (void)state;
    /* merit's own detail CSV is a long table: every score, no-score and
     * comment of the call */
    assert_int_equal(
        t_run_merit("detail.csv", "err", "rank", CALL, "--format", "csv", "--detail", (char *)NULL),
        0);
    assert_int_equal(t_run_merit("out", "err", "import", "scores", "--call", CALL, "-o", "imp",
                                 "--ignore", "reviewer_name", "--ignore", "weight", "--ignore",
                                 "counted", "--ignore", "excluded_reason", "detail.csv",
                                 (char *)NULL),
                     0);
    /* 40 reviews of 7 criteria (one a no-score) */
    T_EXPECT_FILE("out", "imp: 5 score sheets for call MFG-2026-01 from detail.csv: 40 reviews, "
                         "280 scores\n");
    /* r4's review of P03 starts at row 65 (after the header and 63 rows of
     * P01 to P03 by r1 to r3: 9 reviews of 7) */
    T_EXPECT_FILE("err", "detail.csv:65: warning: the review of proposal 'P03' by 'r4' will be "
                         "excluded: the programme office declared a conflict (Found by the "
                         "programme office after scoring: the reviewer's group at Georgia Tech "
                         "holds a paid subcontract from the lead applicant, Great Lakes Castings, "
                         "on a separate alloy development project; the review is excluded.)\n");
    for (int r = 1; r <= 5; r++) {
        char *path = t_sprintf("imp/r%d.xml", r);
        assert_int_equal(t_run_merit(NULL, NULL, "validate", "--call", CALL, path, (char *)NULL),
                         0);
        free(path);
    }
    /* the call with the imported sheets ranks as the original, and gives
     * the same detail CSV back: every score and comment came through */
    assert_int_equal(system("cp -r '" CALL "' call && rm call/reviews/*.xml && "
                            "cp imp/*.xml call/reviews/"),
                     0);
    assert_int_equal(t_run_merit("a.csv", NULL, "rank", CALL, "--format", "csv", (char *)NULL), 0);
    assert_int_equal(t_run_merit("b.csv", NULL, "rank", "call", "--format", "csv", (char *)NULL),
                     0);
    char *a = t_read("a.csv", NULL), *b = t_read("b.csv", NULL);
    assert_string_equal(a, b);
    free(a);
    free(b);
    assert_int_equal(
        t_run_merit("again.csv", NULL, "rank", "call", "--format", "csv", "--detail", (char *)NULL),
        0);
    a = t_read("detail.csv", NULL);
    b = t_read("again.csv", NULL);
    assert_string_equal(a, b);
    free(a);
    free(b);
}

/* A rubric of one criterion, 1 to 10 in steps of 1, and a call of three
 * proposals of the example's kind, panel a, b, c. */
static void small_call(const char *rubric_criteria, const char *scale)
{
    assert_int_equal(system("mkdir -p small/reviews small/proposals && cp '" CALL
                            "/proposals/P01.xml' '" CALL "/proposals/P02.xml' '" CALL
                            "/proposals/P03.xml' small/proposals/"),
                     0);
    char *rubric = t_sprintf("<rubric xmlns=\"urn:merit:1\" id=\"small\" version=\"1\">\n"
                             "  <title>Small</title>\n"
                             "  <scale %s direction=\"higher-is-better\"/>\n"
                             "  <criteria>%s</criteria>\n"
                             "  <aggregation method=\"mean\"/>\n"
                             "</rubric>\n",
                             scale, rubric_criteria);
    t_write(".", "small/rubric.xml", rubric);
    free(rubric);
    t_write(".", "small/call.xml",
            "<call xmlns=\"urn:merit:1\" id=\"MFG-2026-01\" currency=\"USD\">\n"
            "  <title>Small</title>\n"
            "  <budget available=\"9000000\"/>\n"
            "  <rubric href=\"rubric.xml\"/>\n"
            "  <panel>\n"
            "    <reviewer id=\"a\"><name>A</name></reviewer>\n"
            "    <reviewer id=\"b\"><name>B</name></reviewer>\n"
            "    <reviewer id=\"c\"><name>C</name></reviewer>\n"
            "  </panel>\n"
            "  <conflicts><conflict reviewer=\"c\" proposal=\"P03\">Office</conflict></conflicts>\n"
            "</call>\n");
    /* no sheet yet: an empty bundle, so that the folder is not empty */
    t_write(".", "small/reviews/none.xml", "<sheets xmlns=\"urn:merit:1\"/>\n");
}

#define TWO_CRITERIA                                                                               \
    "<criterion id=\"merit\" weight=\"2\"><name>Merit</name></criterion>"                          \
    "<criterion id=\"fit\" weight=\"1\"><name>Fit</name></criterion>"

static void wide_by_criterion(void **state)
{
    (void)state;
    small_call(TWO_CRITERIA, "min=\"0\" max=\"5\" step=\"0.5\"");
    /* a BOM, CR LF line ends, columns in another order, a comment with
     * what XML must escape, one with a line break, one that merit's CSV
     * marked as a formula ('=...), and a score with a sign */
    t_write(".", "wide.csv",
            "\xEF\xBB\xBFproposal,reviewer,fit,merit,confidence,comment\r\n"
            "P01,a,4.5,3,4,\"Good & <sound>, \"\"mostly\"\"\"\r\n"
            "P02,a,2,+2.5,5,\"two\r\nlines\"\r\n"
            "P01,b,5,5.0,2,'=1+1 is a formula\r\n"
            /* merit's CSV doubles an apostrophe that starts a value; one
             * before anything else is the text's own */
            "P02,b,1,1,2,''twice\r\n"
            "P02,c,1,1,2,'plain\r\n");
    assert_int_equal(t_run_merit("out", "err", "import", "scores", "--call", "small", "-o", "imp",
                                 "--wide", "criteria", "wide.csv", (char *)NULL),
                     0);
    T_EXPECT_FILE("err", "");
    T_EXPECT_FILE("out", "imp: 3 score sheets for call MFG-2026-01 from wide.csv: 5 reviews, 10 "
                         "scores\n");
    /* the scores as written in the cells, in the rubric's order */
    T_EXPECT_FILE("imp/a.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                               "<!-- Imported with merit import from wide.csv. -->\n"
                               "<sheet xmlns=\"urn:merit:1\" reviewer=\"a\" call=\"MFG-2026-01\">\n"
                               "  <review proposal=\"P01\" confidence=\"4\">\n"
                               "    <score criterion=\"merit\" value=\"3\"/>\n"
                               "    <score criterion=\"fit\" value=\"4.5\"/>\n"
                               "    <comment>Good &amp; &lt;sound&gt;, \"mostly\"</comment>\n"
                               "  </review>\n"
                               "  <review proposal=\"P02\" confidence=\"5\">\n"
                               "    <score criterion=\"merit\" value=\"+2.5\"/>\n"
                               "    <score criterion=\"fit\" value=\"2\"/>\n"
                               "    <comment>two&#13;\nlines</comment>\n"
                               "  </review>\n"
                               "</sheet>\n");
    char *b = t_read("imp/b.xml", NULL);
    assert_non_null(strstr(b, "    <comment>=1+1 is a formula</comment>\n"));
    assert_non_null(strstr(b, "    <comment>'twice</comment>\n"));
    char *c = t_read("imp/c.xml", NULL);
    assert_non_null(strstr(c, "    <comment>'plain</comment>\n"));
    free(b);
    free(c);
    assert_int_equal(t_run_merit("out", "err", "validate", "--call", "small", "imp/a.xml",
                                 "imp/b.xml", (char *)NULL),
                     0);
    T_EXPECT_FILE("out", "imp/a.xml: score sheet valid for call MFG-2026-01 (1 record)\n"
                         "imp/b.xml: score sheet valid for call MFG-2026-01 (1 record)\n");
}

static void every_bad_cell_in_one_run(void **state)
{
    (void)state;
    small_call(TWO_CRITERIA, "min=\"0\" max=\"5\" step=\"0.5\"");
    /* spreadsheet rows: 1 header, 2 a quoted comment over three lines, 3
     * blank, then one bad cell a row (or two) */
    t_write(".", "bad.csv",
            "reviewer,proposal,criterion,score,confidence,comment\n"
            "a,P01,merit,3,4,\"first\nsecond\nthird\"\n"
            "\n"
            "zed,P01,merit,3,4,\n"         /* 4: not on the panel */
            "a,P77,merit,3,4,\n"           /* 5: not in the call */
            "a,P02,merrit,3,4,\n"          /* 6: no such criterion */
            "a,P02,fit,three,4,\n"         /* 7: not a number */
            "b,P01,merit,5.5,4,\n"         /* 8: off the scale */
            "b,P01,fit,4.25,4,\n"          /* 9: off the step */
            "b,P02,merit,3,7,\n"           /* 10: confidence */
            "b,P02,fit,,4,\n"              /* 11: no score */
            "b,P03,merit,1,4,ok,extra\n"   /* 12: a cell beyond the header */
            "b,P03,fit,1,4,\"bell\x07\"\n" /* 13: a control character */
            "a,P01,merit,2.5,4,\n"         /* 14: a second score (row 2's) */
            ",P03,merit,1,1,\n"            /* 15: empty reviewer */
            "c,P02,merit,1,1,\n");         /* 16: a review without 'fit' */
    assert_int_equal(t_run_merit("out", "err", "import", "scores", "--call", "small", "-o", "imp",
                                 "bad.csv", (char *)NULL),
                     1);
    T_EXPECT_FILE("out", "");
    T_EXPECT_FILE(
        "err",
        "bad.csv:4:1: error: reviewer 'zed' is not on the call's panel\n"
        "bad.csv:5:2: error: proposal 'P77' is not in the call\n"
        "bad.csv:6:3: error: unknown criterion 'merrit' (rubric 'small' has none of that id)\n"
        "bad.csv:7:4: error: score 'three' is not a number\n"
        "bad.csv:8:4: error: score 5.5 for criterion 'merit' is off the scale 0 to 5\n"
        "bad.csv:9:4: error: score 4.25 for criterion 'fit' is not on a step of 0.5\n"
        "bad.csv:10:5: error: confidence '7' is not a whole number from 1 to 5\n"
        "bad.csv:11:4: error: score cell is empty: each row of a long table is one score (or, "
        "with an empty score, a no_score_reason)\n"
        "bad.csv:12:7: error: the row has 7 cells, the header 6: a cell beyond the header's "
        "columns\n"
        "bad.csv:13:6: error: comment holds a control character (byte 0x07) that an XML file "
        "cannot hold\n"
        "bad.csv:15:1: error: reviewer cell is empty\n"
        "bad.csv:14:4: error: reviewer 'a' scores criterion 'merit' of proposal 'P01' twice\n"
        "bad.csv:2:4: note: first scored here\n"
        /* and a's review of P01 has no 'fit' (row 2 is its first) */
        "bad.csv:2: error: review of proposal 'P01' by 'a' has no score for criterion 'fit'\n"
        "bad.csv:16: error: review of proposal 'P02' by 'c' has no score for criterion 'fit'\n");
    /* nothing written, not even the folder */
    assert_false(exists("imp"));
}

static void header_errors(void **state)
{
    (void)state;
    small_call(TWO_CRITERIA, "min=\"0\" max=\"5\" step=\"0.5\"");
    t_write(".", "h.csv", "reviewer,paper,criterion,score,notes\na,P01,merit,3,x\n");
    assert_int_equal(t_run_merit("out", "err", "import", "scores", "--call", "small", "-o", "imp",
                                 "h.csv", (char *)NULL),
                     1);
    T_EXPECT_FILE("err",
                  "h.csv:1:2: error: column 'paper' is not one merit imports from a long table "
                  "(reviewer, proposal, criterion, score, confidence, comment, no_score_reason, "
                  "review_comment); leave it out with --ignore or name a role's column with "
                  "--column\n"
                  "h.csv:1:5: error: column 'notes' is not one merit imports from a long table "
                  "(reviewer, proposal, criterion, score, confidence, comment, no_score_reason, "
                  "review_comment); leave it out with --ignore or name a role's column with "
                  "--column\n"
                  "h.csv:1: error: no column 'proposal' in the header (the proposal column; "
                  "another name is given with --column proposal=NAME)\n");
    /* the same table, mapped */
    assert_int_equal(t_run_merit("out", "err", "import", "scores", "--call", "small", "-o", "imp",
                                 "--column", "proposal=paper", "--ignore", "notes", "--confidence",
                                 "3", "h.csv", (char *)NULL),
                     1);
    T_EXPECT_FILE("err", "h.csv:2: error: review of proposal 'P01' by 'a' has no score for "
                         "criterion 'fit'\n");
    /* a column per reviewer needs a rubric of one criterion */
    t_write(".", "w.csv", "proposal,a,b\nP01,3,4\n");
    assert_int_equal(t_run_merit("out", "err", "import", "scores", "--call", "small", "-o", "imp",
                                 "--wide", "reviewers", "w.csv", (char *)NULL),
                     1);
    T_EXPECT_FILE("err", "w.csv:1: error: a table with a column per reviewer gives one score per "
                         "review, but rubric 'small' has 2 criteria: import a long table, or one "
                         "with a column per criterion\n");
}

static void encodings_and_quotes(void **state)
{
    (void)state;
    small_call(TWO_CRITERIA, "min=\"0\" max=\"5\" step=\"0.5\"");
    /* Latin-1: the first cell that is not UTF-8, once */
    t_write(".", "latin1.csv",
            "reviewer,proposal,criterion,score,comment\n"
            "a,P01,merit,3,M\xFCller\n"
            "a,P01,fit,3,Gr\xFC\xDF\n");
    assert_int_equal(t_run_merit("out", "err", "import", "scores", "--call", "small", "-o", "imp",
                                 "latin1.csv", (char *)NULL),
                     1);
    T_EXPECT_FILE("err", "latin1.csv:2:5: error: cell is not UTF-8 text (byte 0xFC): merit reads "
                         "tables in UTF-8; save the table as UTF-8 (in Excel: CSV UTF-8)\n");
    /* UTF-16, as Excel's "Unicode text" writes it */
    t_write_bytes(".", "utf16.tsv", "\xFF\xFEr\0e\0", 6);
    assert_int_equal(t_run_merit("out", "err", "import", "scores", "--call", "small", "-o", "imp",
                                 "utf16.tsv", (char *)NULL),
                     1);
    T_EXPECT_FILE("err", "utf16.tsv: error: the table is UTF-16 (it starts with a UTF-16 byte "
                         "order mark): merit reads tables in UTF-8; save the table as UTF-8 (in "
                         "Excel: CSV UTF-8)\n");
    /* a stray quote, after a quoted cell over two lines: row 3, column 2 */
    t_write(".", "quote.csv",
            "reviewer,proposal,criterion,score,comment\n"
            "a,P01,merit,3,\"one\ntwo\"\n"
            "a,P\"01,fit,3,x\n");
    assert_int_equal(t_run_merit("out", "err", "import", "scores", "--call", "small", "-o", "imp",
                                 "quote.csv", (char *)NULL),
                     1);
    T_EXPECT_FILE("err", "quote.csv:3:2: error: a double quote in the middle of a cell: a cell "
                         "that holds one is quoted whole (\"...\") and the quote doubled "
                         "(\"\")\n");
    t_write(".", "open.csv",
            "reviewer,proposal,criterion,score,comment\n"
            "a,P01,merit,3,\"never closed\n");
    assert_int_equal(t_run_merit("out", "err", "import", "scores", "--call", "small", "-o", "imp",
                                 "open.csv", (char *)NULL),
                     1);
    T_EXPECT_FILE("err", "open.csv:2:5: error: quoted cell is not closed: a '\"' is missing "
                         "before the end of the file\n");
    assert_false(exists("imp"));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, t_scratch_setup, t_scratch_teardown)
    const struct CMUnitTest tests[] = {
        T(long_table_round_trip), T(wide_by_criterion),    T(every_bad_cell_in_one_run),
        T(header_errors),         T(encodings_and_quotes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
