/*
 * `merit import proposals`: a table of proposals (a byte order mark, CR LF
 * line ends, columns in any order, sections and declared facts by header,
 * a cell merit's CSV marked as a formula, a quoted cell over two lines, a
 * row of empty cells) into one bundle that joins the call and validates,
 * every value written as the cell has it; columns named with --column (two
 * roles in one column, the title read from the id) and one request for
 * every proposal; every kind of bad cell as file:row:column in one run,
 * nothing written; the header's problems column by column, with what the
 * rubric requires and a table cannot give; usage errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "merit/import.h"
#include "merit/table.h"
#include "run_merit.h"
#include "support.h"

#define FDN MERIT_SOURCE_DIR "/proposals/foundation-2027"
#define MFG MERIT_SOURCE_DIR "/proposals/mfg-2026"

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* A copy of the foundation call: its rubric requires an applicant, the
 * sections summary (a rule) and plan (<requires>) and the fact volunteers
 * (the tie-break); proposals F01 to F06. */
static void foundation_call(void)
{
    assert_int_equal(system("cp -r '" FDN "' fdn"), 0);
}

static void sections_facts_and_cells(void **state)
{
    (void)state;
    foundation_call();
    /* row 1 the header, 2 a proposal with everything, 3 empty cells
     * (skipped, as a blank line), 4 the core and what the rubric requires */
    t_write(".", "new.csv",
            "\xEF\xBB\xBFtitle,id,applicant,area,months,request,section:summary,section:problem,"
            "section:plan,fact:volunteers,fact:trl\r\n"
            "\"'=HYPERLINK(\"\"x\"\")\",F10,Repair & Co <e.V.>,Community,18,2000.50,Short "
            "summary.,The problem.,\"Two\r\nlines\",7.50,-1\r\n"
            ",,,,,,,,,,\r\n"
            "Plain,F11,Ann,,,150,S,,P,3,\r\n");
    assert_int_equal(t_run_merit("out", "err", "import", "proposals", "--call", "fdn", "-o", "in",
                                 "new.csv", (char *)NULL),
                     0);
    T_EXPECT_FILE("err", "");
    T_EXPECT_FILE("out", "in/new.xml: 2 proposals for call FDN-2027 from new.csv\n");
    /* the title without the apostrophe that marked it; & < > escaped; the
     * amount and the facts as written (2000.50, 7.50); CR kept as &#13;;
     * the seed's known section as its element, the free ones by name
     * (bytewise), facts by name; months only where given */
    T_EXPECT_FILE("in/new.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                "<!-- Imported with merit import from new.csv. -->\n"
                                "<proposals xmlns=\"urn:merit:1\">\n"
                                "  <proposal id=\"F10\" call=\"FDN-2027\" months=\"18\">\n"
                                "    <title>=HYPERLINK(\"x\")</title>\n"
                                "    <applicant>Repair &amp; Co &lt;e.V.&gt;</applicant>\n"
                                "    <area>Community</area>\n"
                                "    <request amount=\"2000.50\"/>\n"
                                "    <sections>\n"
                                "      <problem>The problem.</problem>\n"
                                "      <section name=\"plan\">Two&#13;\nlines</section>\n"
                                "      <section name=\"summary\">Short summary.</section>\n"
                                "    </sections>\n"
                                "    <facts>\n"
                                "      <fact name=\"trl\" value=\"-1\"/>\n"
                                "      <fact name=\"volunteers\" value=\"7.50\"/>\n"
                                "    </facts>\n"
                                "  </proposal>\n"
                                "  <proposal id=\"F11\" call=\"FDN-2027\">\n"
                                "    <title>Plain</title>\n"
                                "    <applicant>Ann</applicant>\n"
                                "    <request amount=\"150\"/>\n"
                                "    <sections>\n"
                                "      <section name=\"plan\">P</section>\n"
                                "      <section name=\"summary\">S</section>\n"
                                "    </sections>\n"
                                "    <facts>\n"
                                "      <fact name=\"volunteers\" value=\"3\"/>\n"
                                "    </facts>\n"
                                "  </proposal>\n"
                                "</proposals>\n");
    /* checked against the call on its own, then as part of it */
    assert_int_equal(
        t_run_merit("out", "err", "validate", "--call", "fdn", "in/new.xml", (char *)NULL), 0);
    T_EXPECT_FILE("out", "in/new.xml: proposal bundle valid for call FDN-2027 (2 records)\n");
    assert_int_equal(system("mv in/new.xml fdn/proposals/"), 0);
    assert_int_equal(t_run_merit("out", "err", "validate", "fdn", (char *)NULL), 0);
    T_EXPECT_FILE("out", "fdn: call FDN-2027 valid: 8 proposals, 3 reviewers, 17 reviews (0 "
                         "excluded for conflicts), rubric lindenau-small-grants 1, 3 criteria\n");
    /* the request is exact: 2000.50 is EUR 2,000.50 */
    assert_int_equal(t_run_merit("out", NULL, "explain", "fdn", "F10", (char *)NULL), 0);
    char *explain = t_read("out", NULL);
    assert_non_null(strstr(explain, "  request     EUR 2,000.50\n"));
    free(explain);
}

static void columns_named_and_one_request(void **state)
{
    (void)state;
    assert_int_equal(t_run_merit(NULL, NULL, "init", "plain", (char *)NULL), 0);
    /* a table of its own words: the id is also the title, the abstract
     * the summary, one request for every proposal */
    t_write(".", "m.csv",
            "Paper,Abstract,TRL,Org,Notes\n"
            "A-1,\"Short, sweet\",6,Lab One,x\n"
            "B-2,,,,\n");
    assert_int_equal(t_run_merit("out", "err", "import", "proposals", "--column", "id=Paper",
                                 "--call", "plain", "-o", "in", "--column", "title=Paper",
                                 "--column", "section:summary=Abstract", "--column", "fact:trl=TRL",
                                 "--column", "applicant=Org", "--request", "500", "--ignore",
                                 "Notes", "m.csv", (char *)NULL),
                     0);
    T_EXPECT_FILE("err", "plain/reviews: warning: no .xml files in this folder\n");
    T_EXPECT_FILE("in/m.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                              "<!-- Imported with merit import from m.csv. -->\n"
                              "<proposals xmlns=\"urn:merit:1\">\n"
                              "  <proposal id=\"A-1\" call=\"plain\">\n"
                              "    <title>A-1</title>\n"
                              "    <applicant>Lab One</applicant>\n"
                              "    <request amount=\"500\"/>\n"
                              "    <sections>\n"
                              "      <section name=\"summary\">Short, sweet</section>\n"
                              "    </sections>\n"
                              "    <facts>\n"
                              "      <fact name=\"trl\" value=\"6\"/>\n"
                              "    </facts>\n"
                              "  </proposal>\n"
                              "  <proposal id=\"B-2\" call=\"plain\">\n"
                              "    <title>B-2</title>\n"
                              "    <request amount=\"500\"/>\n"
                              "  </proposal>\n"
                              "</proposals>\n");
    /* a TSV, and the 'text' limit on a section (12 bytes against 10) */
    t_write(".", "t.tsv", "id\ttitle\trequest\tsection:summary\nA\tT\t1\tShort, sweet\n");
    assert_int_equal(t_run_merit("out", "err", "import", "proposals", "--call", "plain", "-o",
                                 "in2", "--limit", "text=10", "t.tsv", (char *)NULL),
                     1);
    T_EXPECT_FILE("err", "plain/reviews: warning: no .xml files in this folder\n"
                         "t.tsv:2:4: error: section 'summary' is 12 bytes, more than the 'text' "
                         "limit of 10\n");
    assert_false(exists("in2"));
}

static void every_bad_cell_in_one_run(void **state)
{
    (void)state;
    foundation_call();
    /* one bad cell a row (row numbers as a spreadsheet shows them); the
     * header's last column has no name */
    char *title301 = malloc(302), *plan100001 = malloc(2 * 100001 + 1);
    assert_non_null(title301);
    assert_non_null(plan100001);
    memset(title301, 'x', 301);
    title301[301] = '\0';
    for (size_t i = 0; i < 100001; i++)
        memcpy(plan100001 + 2 * i, "\xC3\xA9", 2); /* é: 100001 characters */
    plan100001[2 * 100001] = '\0';
    char *table = t_sprintf(
        "id,title,applicant,request,months,section:summary,section:plan,fact:volunteers,\n"
        ",T,A,1,,S,P,1,\n"              /* 2: no id */
        "F 3,T,A,1,,S,P,1,\n"           /* 3: not an id */
        "F04b,,A,1,,S,P,1,\n"           /* 4: no title */
        "F05b,%s,A,1,,S,P,1,\n"         /* 5: a title of 301 characters */
        "F06b,T,\"bell\a\",1,,S,P,1,\n" /* 6: a control character */
        "F07b,T,,1,,S,P,1,\n"           /* 7: no applicant, which the rubric requires */
        "F08b,T,A,12.345,,S,P,1,\n"     /* 8: three decimals */
        "F09b,T,A,0,,S,P,1,\n"          /* 9: nothing requested */
        "F10b,T,A,,,S,P,1,\n"           /* 10: no request, and no --request */
        "F11b,T,A,1,121,S,P,1,\n"       /* 11: months beyond 120 */
        "F12b,T,A,1,,,P,1,\n"           /* 12: no summary, which the rubric requires */
        "F13b,T,A,1,,S,%s,1,\n"         /* 13: a plan of 100001 characters */
        "F14b,T,A,1,,S,P,high,\n"       /* 14: a fact that is not a number */
        "F15b,T,A,1,,S,P,1,x\n"         /* 15: a cell in the unnamed column */
        "F16b,T,A,1,,S,P,1,,extra\n"    /* 16: a cell beyond the header */
        "F01,T,A,1,,S,P,1,\n"           /* 17: an id the call has */
        "F17b,T,A,1,,S,P,1,\n"          /* 18 */
        "F17b,T,A,1,,S,P,1,\n",         /* 19: the id of row 18 */
        title301, plan100001);
    t_write(".", "bad.csv", table);
    free(table);
    free(title301);
    free(plan100001);
    assert_int_equal(t_run_merit("out", "err", "import", "proposals", "--call", "fdn", "-o", "in",
                                 "bad.csv", (char *)NULL),
                     1);
    T_EXPECT_FILE("out", "");
    T_EXPECT_FILE(
        "err",
        "bad.csv:2:1: error: id cell is empty\n"
        "bad.csv:3:1: error: proposal id 'F 3' is not an id (1 to 64 of A-Z a-z 0-9 . _ -, "
        "not starting with '.')\n"
        "bad.csv:4:2: error: title cell is empty\n"
        "bad.csv:5:2: error: title is 301 characters long, more than a proposal holds (300)\n"
        "bad.csv:6:3: error: applicant holds a control character (byte 0x07) that an XML file "
        "cannot hold\n"
        "bad.csv:7:3: error: applicant cell is empty, and rubric 'lindenau-small-grants' "
        "requires it of every proposal (its <requires> lists it)\n"
        "bad.csv:8:4: error: request '12.345' is not an amount (1 to 15 digits and at most two "
        "decimals, as 1500 or 1500.50)\n"
        "bad.csv:9:4: error: request '0' is not above zero: a proposal asks for some amount\n"
        "bad.csv:10:4: error: request cell is empty (the amount the proposal requests; one "
        "amount for every proposal the table gives none is given with --request AMOUNT)\n"
        "bad.csv:11:5: error: months '121' is not a whole number from 1 to 120\n"
        "bad.csv:12:6: error: section 'summary' cell is empty, and rubric "
        "'lindenau-small-grants' requires it of every proposal (its rule 'summary-length' "
        "counts the words of section 'summary')\n"
        "bad.csv:13:7: error: section 'plan' is 100001 characters long, more than a proposal "
        "holds (100000)\n"
        "bad.csv:14:8: error: value 'high' of fact 'volunteers' is not a decimal number (an "
        "optional sign, 1 to 18 digits, then an optional point and 1 to 18 digits, as 4, -1 "
        "or 0.25; no exponent)\n"
        "bad.csv:15:9: error: cell in a column the header gives no name\n"
        "bad.csv:16:10: error: the row has 10 cells, the header 9: a cell beyond the header's "
        "columns\n"
        /* then the ids, in their order */
        "bad.csv:17:1: error: proposal 'F01' is already in the call\n"
        "fdn/proposals/F01.xml:2:1: note: 'F01' also defined here\n"
        "bad.csv:19:1: error: duplicate proposal id 'F17b'\n"
        "bad.csv:18:1: note: 'F17b' also defined here\n");
    /* nothing written, not even the folder */
    assert_false(exists("in"));
}

static void header_problems(void **state)
{
    (void)state;
    /* the manufacturing call's rubric requires a team, milestones and a
     * budget, which no table gives, and the approach section */
    t_write(".", "h.csv",
            "paper,title,notes,title,section:milestones,fact:months,section:2x,section:approach,"
            "section:approach\n"
            "P99,T,x,T,m,1,x,a,b\n");
    assert_int_equal(t_run_merit("out", "err", "import", "proposals", "--call", MFG, "-o", "in",
                                 "h.csv", (char *)NULL),
                     1);
    T_EXPECT_FILE(
        "err",
        "h.csv:1:1: error: column 'paper' is not one merit imports into proposals (id, title, "
        "applicant, area, request, months, section:NAME, fact:NAME); leave it out with --ignore "
        "or name a role's column with --column\n"
        "h.csv:1:3: error: column 'notes' is not one merit imports into proposals (id, title, "
        "applicant, area, request, months, section:NAME, fact:NAME); leave it out with --ignore "
        "or name a role's column with --column\n"
        "h.csv:1:4: error: column 'title' is there twice (first as column 2)\n"
        "h.csv:1:5: error: section 'milestones' holds milestones, which merit does not import "
        "from a table: write them in the proposals' XML (docs/formats.md)\n"
        "h.csv:1:6: error: fact 'months' is one merit derives itself: a declared fact needs a "
        "name of its own\n"
        "h.csv:1:7: error: section name '2x' is not a name (a letter, then up to 63 letters, "
        "digits, '-' or '_')\n"
        "h.csv:1:9: error: column 'section:approach' is there twice (first as column 8)\n"
        "h.csv:1: error: no column 'id' in the header (the id column; another name is given "
        "with --column id=NAME)\n"
        "h.csv:1: error: no column 'request' in the header (the amount each proposal requests; "
        "another name is given with --column request=NAME, or one amount for every proposal "
        "with --request AMOUNT)\n"
        "h.csv:1: error: rubric 'manufacturing-usa' requires a <team> of every proposal (its "
        "tie-break on 'sme-share' reads the type of every organisation), which merit does not "
        "import from a table: write such proposals in XML (docs/formats.md)\n"
        "h.csv:1: error: rubric 'manufacturing-usa' requires the milestones of every proposal "
        "(its rule 'min-milestones' reads the milestones), which merit does not import from a "
        "table: write such proposals in XML (docs/formats.md)\n"
        "h.csv:1: error: rubric 'manufacturing-usa' requires a <budget> of every proposal (its "
        "rule 'federal-share' reads the federal, cash and in-kind amounts), which merit does "
        "not import from a table: write such proposals in XML (docs/formats.md)\n");
    /* a section the rubric requires, without its column */
    foundation_call();
    t_write(".", "h2.csv", "id,title,applicant,request,section:summary,fact:volunteers\n");
    assert_int_equal(t_run_merit("out", "err", "import", "proposals", "--call", "fdn", "-o", "in",
                                 "h2.csv", (char *)NULL),
                     1);
    T_EXPECT_FILE("err", "h2.csv:1: error: no column 'section:plan' in the header: rubric "
                         "'lindenau-small-grants' requires the section 'plan' of every proposal "
                         "(its <requires> lists it)\n");
    assert_false(exists("in"));
}

static void usage_errors(void **state)
{
    (void)state;
    static const struct {
        const char *option, *value;
        const char *err;
    } cases[] = {
        {"--request", "0", "merit: error: import: --request takes an amount above zero, not '0'\n"},
        {"--request", "1.234",
         "merit: error: import: --request takes an amount above zero, not '1.234'\n"},
        {"--wide", "reviewers", "merit: error: import: --wide goes with scores, not proposals\n"},
        {"--confidence", "3",
         "merit: error: import: --confidence goes with scores, not proposals\n"},
        {"--column", "section:2x=Abstract",
         "merit: error: import: --column section:2x=Abstract: '2x' is not a name (a letter, "
         "then up to 63 letters, digits, '-' or '_')\n"},
        {"--column", "reviewer=R",
         "merit: error: import: --column takes ROLE=NAME with ROLE one of id, title, applicant, "
         "area, request, months, section:NAME, fact:NAME\n"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(t_run_merit("out", "err", "import", "proposals", "--call", "c", "-o", "in",
                                     cases[i].option, cases[i].value, "t.csv", (char *)NULL),
                         2);
        T_EXPECT_FILE("err", cases[i].err);
    }
    assert_int_equal(t_run_merit("out", "err", "import", "scores", "--call", "c", "-o", "in",
                                 "--request", "5", "t.csv", (char *)NULL),
                     2);
    T_EXPECT_FILE("err", "merit: error: import: --request goes with proposals, not scores\n");
    assert_int_equal(
        t_run_merit("out", "err", "import", "papers", "--call", "c", "-o", "in", (char *)NULL), 2);
    T_EXPECT_FILE("err",
                  "merit: error: import: merit imports 'scores' or 'proposals', not 'papers'\n");
}

/* Every allocation of an import failing in turn, as test_torture does for
 * a ranking: each run ends with MERIT_ENOMEM (and the context's flag) or,
 * the failure absorbed, with the bundle of the faultless run. Leaks are
 * for the sanitizer build and valgrind. */
static void allocation_failures(void **state)
{
    struct t_scratch *s = *state;
    foundation_call();
    t_write(".", "new.csv",
            "id,title,applicant,request,section:summary,section:plan,fact:volunteers,fact:trl\n"
            "F10,Ten,Ann,100,S,P,3,1\nF11,Eleven,Bob,200,S,P,4,\n");
    merit_call *call = NULL;
    assert_int_equal(merit_call_load(s->ctx, "fdn", &call), 0);
    merit_import_proposal_options o = {0};
    char *want = NULL;
    uint64_t total = 0;
    for (uint64_t n = 0; n == 0 || n <= total; n++) {
        merit_ctx *ctx = merit_ctx_new();
        assert_non_null(ctx);
        merit_table *table = NULL;
        merit_proposal_import *imp = NULL;
        merit__alloc_fail_at(n); /* 0: none, counting */
        int rc = merit_table_read(ctx, "new.csv", ',', &table);
        if (rc == 0)
            rc = merit_import_proposals(ctx, call, table, &o, &imp);
        if (n == 0)
            total = merit__alloc_count();
        merit__alloc_fail_at(0);
        if (rc != 0) {
            assert_true(n > 0);
            assert_int_equal(rc, MERIT_ENOMEM);
            assert_true(merit_ctx_out_of_memory(ctx));
        } else {
            char *text = NULL;
            size_t size = 0;
            FILE *out = open_memstream(&text, &size);
            assert_non_null(out);
            assert_int_equal(merit_proposal_import_write(out, imp), 0);
            assert_int_equal(fclose(out), 0);
            if (n == 0)
                want = text;
            else {
                assert_string_equal(text, want); /* absorbed: the same bundle */
                free(text);
            }
        }
        merit_proposal_import_free(imp);
        merit_table_free(table);
        merit_ctx_free(ctx);
    }
    assert_true(total > 10);
    free(want);
    merit_call_free(call);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, t_scratch_setup, t_scratch_teardown)
    const struct CMUnitTest tests[] = {
        T(sections_facts_and_cells),
        T(columns_named_and_one_request),
        T(every_bad_cell_in_one_run),
        T(header_problems),
        T(usage_errors),
        T(allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
