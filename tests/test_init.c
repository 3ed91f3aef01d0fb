/*
 * `merit init`: a new call for each shipped rubric, for the plain default
 * and for a rubric file that requires every kind of thing, validates at
 * once, with an example proposal that carries exactly what the rubric
 * requires (asked of the library, never listed per rubric) and a README
 * that names the next commands; one filled template is a valid call; a
 * folder that is not empty is refused and left as it was; bad arguments
 * are usage errors; nothing is left behind on failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "run_merit.h"
#include "support.h"

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static bool contains(const char *path, const char *what)
{
    char *text = t_read(path, NULL);
    assert_non_null(text);
    bool found = strstr(text, what) != NULL;
    if (!found)
        print_error("%s does not contain '%s'\n", path, what);
    free(text);
    return found;
}

static bool lacks(const char *path, const char *what)
{
    char *text = t_read(path, NULL);
    assert_non_null(text);
    bool found = strstr(text, what) != NULL;
    if (found)
        print_error("%s contains '%s'\n", path, what);
    free(text);
    return !found;
}

/* The README of a call in folder dir names the commands that follow. */
static void readme_names_next_commands(const char *dir)
{
    char *path = t_sprintf("%s/README.md", dir);
    char *commands[] = {
        t_sprintf("merit validate %s`", dir),
        t_sprintf("merit sheets %s -o sheets`", dir),
        t_sprintf("merit import scores --call %s -o %s/reviews scores.csv`", dir, dir),
        t_sprintf("merit rank %s`", dir),
        t_sprintf("merit explain %s P01`", dir),
    };
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        assert_true(contains(path, commands[i]));
        free(commands[i]);
    }
    free(path);
}

/* init DIR with the extra arguments validates at once, and prints what it
 * did. */
static void init_validates(const char *dir, const char *rubric, const char *const *args, int argc)
{
    const char *argv[16] = {"init", dir};
    for (int i = 0; i < argc; i++)
        argv[2 + i] = args[i];
    assert_int_equal(t_run_merit_argv("out", "err", argc + 2, argv), 0);
    T_EXPECT_FILE("err", "");
    char *want = t_sprintf("%s: call C-1 with rubric %s, 3 reviewers and an example proposal; "
                           "%s/README.md says what to fill in\n",
                           dir, rubric, dir);
    T_EXPECT_FILE("out", want);
    free(want);
    assert_int_equal(t_run_merit("out", "err", "validate", dir, (char *)NULL), 0);
    /* no score sheet yet: the warning of an empty reviews/ folder */
    want = t_sprintf("%s/reviews: warning: no .xml files in this folder\n", dir);
    T_EXPECT_FILE("err", want);
    free(want);
    readme_names_next_commands(dir);
}

static void each_shipped_rubric(void **state)
{
    (void)state;
    const char *args[] = {"--id", "C-1", "--rubric", NULL};
    /* manufacturing-usa: its rules and its tie-break read a team with
     * every organisation's type, the approach and milestones sections and
     * a budget (docs/formats.md, "Shipped rubrics") */
    args[3] = "manufacturing-usa";
    init_validates("mfg", "manufacturing-usa", args, 4);
    assert_true(contains("mfg/call.xml", "<rubric name=\"manufacturing-usa\"/>"));
    assert_false(exists("mfg/rubric.xml"));
    const char *mfg[] = {"<team>",
                         " type=\"sme\">",
                         "<approach>",
                         "<milestones>",
                         "<milestone id=\"m1\"",
                         "<milestone id=\"m2\"",
                         "<budget>",
                         "requires this: its rule 'federal-share'"};
    for (size_t i = 0; i < sizeof(mfg) / sizeof(mfg[0]); i++)
        assert_true(contains("mfg/proposals/P01.xml", mfg[i]));
    assert_true(lacks("mfg/proposals/P01.xml", "<request") &&
                lacks("mfg/proposals/P01.xml", "employees="));
    /* the example proposal passes the rubric's rules too: ranked once
     * reviewed, not ineligible (two milestones with numbers, federal money
     * one half) */
    assert_true(contains("mfg/README.md", "the `<milestones>` section: its rule "
                                          "'min-milestones' reads the milestones"));
    /* horizon-europe: the diffusion section (its dissemination rule) */
    args[3] = "horizon-europe";
    init_validates("he", "horizon-europe", args, 4);
    assert_true(contains("he/proposals/P01.xml", "<diffusion>"));
    assert_true(lacks("he/proposals/P01.xml", "<team>") &&
                lacks("he/proposals/P01.xml", "<budget>"));
    /* nih: nothing beyond the core */
    args[3] = "nih";
    init_validates("nih", "nih", args, 4);
    assert_true(contains("nih/proposals/P01.xml", "Rubric 'nih'\n     requires nothing more."));
    assert_true(lacks("nih/proposals/P01.xml", "<sections>"));
    assert_true(contains("nih/README.md", "rubric\n   `nih` requires nothing more."));
    /* --copy-rubric: the shipped bytes, as rubric.xml */
    const char *copy[] = {"--id", "C-1", "--rubric", "nih", "--copy-rubric"};
    init_validates("nih-copy", "nih", copy, 5);
    assert_true(contains("nih-copy/call.xml", "<rubric href=\"rubric.xml\"/>"));
    assert_int_equal(system("cmp -s nih-copy/rubric.xml " MERIT_SOURCE_DIR "/rubrics/nih.xml"), 0);
}

static void plain_by_default(void **state)
{
    (void)state;
    assert_int_equal(t_run_merit("out", "err", "init", "grants-2027", (char *)NULL), 0);
    T_EXPECT_FILE("out", "grants-2027: call grants-2027 with rubric plain, 3 reviewers and an "
                         "example proposal; grants-2027/README.md says what to fill in\n");
    /* the folder's name is the id; the example holds the core and no more */
    T_EXPECT_FILE("grants-2027/proposals/P01.xml",
                  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<!-- Proposal P01 of call grants-2027: an example written by merit init, to\n"
                  "     fill in. Replace each text and number, keep the elements in their\n"
                  "     order, and copy the file once per proposal (one file a proposal, each\n"
                  "     with an id of its own), or import a table of proposals (merit import\n"
                  "     proposals).\n"
                  "\n"
                  "     Every proposal has an id, the call's id, a title, and the amount it\n"
                  "     requests in USD (above zero); who applies is optional. Rubric 'plain'\n"
                  "     requires nothing more.\n"
                  "\n"
                  "     docs/formats.md (\"Proposal\") describes every part a proposal may\n"
                  "     have. -->\n"
                  "<proposal xmlns=\"urn:merit:1\" id=\"P01\" call=\"grants-2027\">\n"
                  "  <title>Title of the project</title>\n"
                  "  <applicant>Who applies</applicant>\n"
                  "  <request amount=\"10000\"/>\n"
                  "</proposal>\n");
    assert_true(contains("grants-2027/call.xml", "<call xmlns=\"urn:merit:1\" id=\"grants-2027\" "
                                                 "currency=\"USD\">\n"
                                                 "  <title>Call grants-2027</title>\n"
                                                 "  <budget available=\"100000\"/>\n"
                                                 "  <rubric href=\"rubric.xml\"/>\n"));
    assert_true(contains("grants-2027/rubric.xml", "<scale min=\"1\" max=\"5\" step=\"1\""));
    readme_names_next_commands("grants-2027");
    assert_true(contains("grants-2027/README.md",
                         "       merit import proposals --call grants-2027 -o incoming "
                         "proposals.csv\n"));
    /* "from nothing to valid in one init and one filled template" */
    t_write(".", "grants-2027/proposals/P01.xml",
            "<proposal xmlns=\"urn:merit:1\" id=\"P01\" call=\"grants-2027\">\n"
            "  <title>Clean water for 40 villages</title>\n"
            "  <applicant>Wells for All</applicant>\n"
            "  <request amount=\"48000\"/>\n"
            "</proposal>\n");
    assert_int_equal(t_run_merit("out", NULL, "validate", "grants-2027", (char *)NULL), 0);
    T_EXPECT_FILE("out", "grants-2027: call grants-2027 valid: 1 proposal, 3 reviewers, 0 "
                         "reviews (0 excluded for conflicts), rubric plain 1, 3 criteria\n");
    /* options: the call's id, title, currency, budget and panel */
    assert_int_equal(t_run_merit("out", "err", "init", "conf/", "--id", "ICLR-2021", "--title",
                                 "ICLR 2021 & co", "--currency", "XXX", "--budget", "860",
                                 "--reviewers", "a,b", (char *)NULL),
                     0);
    T_EXPECT_FILE("out", "conf: call ICLR-2021 with rubric plain, 2 reviewers and an example "
                         "proposal; conf/README.md says what to fill in\n");
    assert_true(contains("conf/call.xml",
                         "<call xmlns=\"urn:merit:1\" id=\"ICLR-2021\" currency=\"XXX\">\n"
                         "  <title>ICLR 2021 &amp; co</title>\n"
                         "  <budget available=\"860\"/>\n"
                         "  <rubric href=\"rubric.xml\"/>\n"
                         "  <panel>\n"
                         "    <reviewer id=\"a\"><name>Reviewer a</name></reviewer>\n"
                         "    <reviewer id=\"b\"><name>Reviewer b</name></reviewer>\n"
                         "  </panel>\n"));
    assert_int_equal(t_run_merit(NULL, NULL, "validate", "conf", (char *)NULL), 0);
}

/* A rubric file whose <requires>, rules and tie-break ask for each kind of
 * thing: the example carries each, in its place, and validates. */
static void rubric_file_requiring_everything(void **state)
{
    (void)state;
    t_write(".", "full.xml",
            "<rubric xmlns=\"urn:merit:1\" id=\"full\" version=\"1\">\n"
            "  <title>Full</title>\n"
            "  <scale min=\"0\" max=\"10\" step=\"1\"/>\n"
            "  <criteria><criterion id=\"a\" weight=\"1\"><name>A</name></criterion></criteria>\n"
            "  <aggregation method=\"mean\"/>\n"
            "  <tie-break><fact ref=\"trl\" prefer=\"higher\"/></tie-break>\n"
            "  <eligibility>\n"
            "    <fact-rule id=\"long\" fact=\"months\" op=\"le\" value=\"36\"><message>at most "
            "36 months</message></fact-rule>\n"
            "    <text-rule id=\"sum\" section=\"summary\"><pattern>\\w</pattern><message>a "
            "summary</message></text-rule>\n"
            "  </eligibility>\n"
            "  <requires>\n"
            "    <applicant/><area/><months/>\n"
            "    <team fields=\"type employees location supply-chain\"/>\n"
            "    <section name=\"problem\"/><section name=\"impact-plan\"/>\n"
            "    <fact name=\"cost-per-user\"/>\n"
            "    <budget/>\n"
            "  </requires>\n"
            "</rubric>\n");
    const char *args[] = {"--id", "C-1", "--rubric", "full.xml"};
    init_validates("full", "full", args, 4);
    assert_int_equal(system("cmp -s full.xml full/rubric.xml"), 0);
    const char *parts[] = {
        "<proposal xmlns=\"urn:merit:1\" id=\"P01\" call=\"C-1\" months=\"24\">\n"
        "  <!-- Rubric 'full' requires this: its rule 'long' reads the months. -->\n",
        "<area>",
        "<organisation id=\"lead\" lead=\"true\" type=\"sme\" employees=\"50\" location=\"US\" "
        "supply-chain=\"research\">",
        "<problem>",
        "<section name=\"impact-plan\">",
        "    <!-- Rubric 'full' requires this: its rule 'sum' matches a pattern in it.\n"
        "         -->\n"
        "    <section name=\"summary\">",
        "<fact name=\"cost-per-user\" value=\"0\"/>",
        "<fact name=\"trl\" value=\"0\"/>",
        /* 24 months: two budget years */
        "<year number=\"2\"",
    };
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
        assert_true(contains("full/proposals/P01.xml", parts[i]));
    assert_true(contains("full/README.md", "   A table cannot hold what this rubric requires"));
    assert_true(contains("full/README.md", "   - the declared fact `trl` (a number, in "
                                           "`<facts>`): its tie-break on 'trl' reads it\n"));
    assert_true(contains("full/README.md", "   - an `<area>`: its `<requires>` lists it\n"));
}

static void folder_rules(void **state)
{
    (void)state;
    /* not empty: refused, and left as it was */
    t_write(".", "busy/notes.txt", "mine\n");
    assert_int_equal(t_run_merit("out", "err", "init", "busy", (char *)NULL), 3);
    T_EXPECT_FILE("out", "");
    T_EXPECT_FILE("err", "busy: error: folder is not empty; merit init writes only into a new or "
                         "empty folder\n");
    assert_int_equal(system("test \"$(ls -A busy)\" = notes.txt"), 0);
    T_EXPECT_FILE("busy/notes.txt", "mine\n");
    /* empty: used */
    t_mkdirs(".", "empty");
    assert_int_equal(t_run_merit(NULL, NULL, "init", "empty", (char *)NULL), 0);
    assert_true(exists("empty/call.xml"));
    /* a rubric file that is not valid: its errors, and nothing made */
    t_write(".", "bad.xml",
            "<rubric xmlns=\"urn:merit:1\" id=\"bad\" version=\"1\">\n"
            "  <title>Bad</title>\n"
            "  <scale min=\"5\" max=\"1\" step=\"1\"/>\n"
            "  <criteria><criterion id=\"a\" weight=\"1\"><name>A</name></criterion></criteria>\n"
            "  <aggregation method=\"mean\"/>\n"
            "</rubric>\n");
    assert_int_equal(t_run_merit("out", "err", "init", "new", "--rubric", "bad.xml", (char *)NULL),
                     1);
    assert_true(contains("err", "bad.xml:3:"));
    assert_false(exists("new"));
}

static void usage_errors(void **state)
{
    (void)state;
    static const struct {
        const char *args[6];
        const char *err;
    } cases[] = {
        {{"init", "my call"},
         "merit: error: init: the folder's name 'my call' is not an id (1 to 64 of A-Z a-z 0-9 . "
         "_ -, not starting with '.'), so it cannot be the call's id: give one with "
         "--id\n"},
        {{"init", "x", "--currency", "usd"},
         "merit: error: init: currency 'usd' is not a currency code (three capital letters, as "
         "EUR or USD)\n"},
        {{"init", "x", "--budget", "1,000"},
         "merit: error: init: budget '1,000' is not an amount (1 to 15 digits and at most two "
         "decimals, as 1500 or 1500.50)\n"},
        {{"init", "x", "--reviewers", "r1,r2,r1"},
         "merit: error: init: reviewer id 'r1' is there twice\n"},
        {{"init", "x", "--reviewers", "r1,,r2"},
         "merit: error: init: reviewer id '' is not an id (1 to 64 of A-Z a-z 0-9 . _ -, "
         "not starting with '.')\n"},
        {{"init", "x", "--rubric", "nihh"},
         "merit: error: init: --rubric takes a shipped rubric (horizon-europe, "
         "manufacturing-usa, nih) or a rubric file, and 'nihh' is neither\n"},
        {{"init", "x", "--copy-rubric"},
         "merit: error: init: --copy-rubric goes with --rubric NAME (without --rubric, the "
         "plain rubric is copied in anyway)\n"},
        {{"init", "x", "--title", "bell\a"},
         "merit: error: init: title 'bell\\x07' holds a control character, which XML cannot "
         "hold\n"},
        {{"init", "x", "y"}, "merit: error: init: one folder at a time ('x' and 'y')\n"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int argc = 0;
        while (argc < 6 && cases[i].args[argc] != NULL)
            argc++;
        assert_int_equal(t_run_merit_argv("out", "err", argc, cases[i].args), 2);
        T_EXPECT_FILE("err", cases[i].err);
        assert_false(exists("x") || exists("my call"));
    }
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, t_scratch_setup, t_scratch_teardown)
    const struct CMUnitTest tests[] = {
        T(each_shipped_rubric), T(plain_by_default), T(rubric_file_requiring_everything),
        T(folder_rules),        T(usage_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
