/*
 * `merit replay` through the merit binary: every option of `merit rank` and
 * `merit explain --audit` in a round trip (rank or explain, then replay:
 * identical, exit 0), then a mismatch planted in each recorded setting of a
 * trail (edited and re-chained, as anyone can) and caught (exit 4, the
 * setting named), and what --limit means on replay.
 *
 * Each test works in a scratch folder holding a copy of the example call
 * ("call") and a copy with one file that is not a proposal ("bad", for
 * --keep-going).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <jansson.h>

#include "support.h"

#include "merit/merit.h"

#define EXAMPLE_CALL MERIT_SOURCE_DIR "/proposals/mfg-2026"

static int setup(void **state)
{
    int rc = t_scratch_setup(state);
    if (rc == 0)
        rc = system("cp -r '" EXAMPLE_CALL "' call && cp -r call bad");
    if (rc == 0)
        t_write(".", "bad/proposals/P98.xml", "<not-a-proposal/>\n");
    /* a call file given by its own name, not call.xml */
    if (rc == 0)
        rc = system("sed 's/2026 open project call/2026 second call/' call/call.xml "
                    ">call/second.xml");
    return rc;
}

/* Runs `merit ARGS` (ARGS as the shell reads them) in the scratch folder;
 * returns the exit status, *out_ and *err_ (optional) the outputs. */
static int run(const char *args, char **out_, char **err_)
{
    char *cmd = t_sprintf("'%s' %s >out.txt 2>err.txt", MERIT_BINARY, args);
    int status = system(cmd);
    free(cmd);
    assert_true(WIFEXITED(status));
    char *out = t_read("out.txt", NULL), *err = t_read("err.txt", NULL);
    if (out_ != NULL)
        *out_ = out;
    else
        free(out);
    if (err_ != NULL)
        *err_ = err;
    else
        free(err);
    return WEXITSTATUS(status);
}

/* Fails unless text holds needle; prints both when not. */
#define expect_in(text, needle) expect_in_(text, needle, __FILE__, __LINE__)
static void expect_in_(const char *text, const char *needle, const char *file, int line)
{
    if (strstr(text, needle) != NULL)
        return;
    print_error("%s:%d: expected\n  [%s]\nin\n  [%s]\n", file, line, needle, text);
    _fail(file, line);
}

/* Replays t.jsonl and expects it identical. */
static void expect_identical(const char *what)
{
    char *out, *err;
    int code = run("replay t.jsonl", &out, &err);
    if (code != 0 || strstr(out, "t.jsonl: replay identical") == NULL)
        print_error("after '%s':\n%s%s", what, out, err);
    assert_int_equal(code, 0);
    /* nothing printed but notes (another build) */
    for (const char *p = err; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : "")
        if (strstr(p, ": error: ") != NULL && strstr(p, ": error: ") < strchr(p, '\n'))
            fail_msg("after '%s': an error on replay:\n%s", what, err);
    free(out);
    free(err);
}

/* Replays TRAIL and expects exit 0, "replay identical" and nothing else. */
static void expect_identical_trail(const char *trail)
{
    char *args = t_sprintf("replay %s", trail), *out, *err;
    int code = run(args, &out, &err);
    if (code != 0)
        print_error("%s%s", out, err);
    assert_int_equal(code, 0);
    expect_in(out, ": replay identical: ");
    assert_string_equal(err, "");
    free(args);
    free(out);
    free(err);
}

/* --- every option in a round trip --------------------------------------------------- */

static void test_every_option_round_trips(void **state)
{
    (void)state;
    static const struct {
        const char *args;
        int code; /* of rank or explain */
    } runs[] = {
        {"rank call --audit t.jsonl", 0},
        {"rank call --method mean --audit t.jsonl", 0},
        {"rank call --method median --audit t.jsonl", 0},
        {"rank call --method trimmed-mean --audit t.jsonl", 0},
        {"rank call --method confidence-weighted --audit t.jsonl", 0},
        {"rank call --format text -o report.txt --audit t.jsonl", 0},
        {"rank call --format csv --audit t.jsonl", 0},
        {"rank call --format csv -o report.csv --audit t.jsonl", 0},
        {"rank call --format csv --detail --output report.csv --audit t.jsonl", 0},
        {"rank call --format json --audit t.jsonl", 0},
        {"rank call --format json -o report.json --audit t.jsonl", 0},
        {"rank call --places 0 --audit t.jsonl", 0},
        {"rank call --places 7 --audit t.jsonl", 0},
        {"rank call --places 12 --audit t.jsonl", 0},
        {"rank call --keep-going --audit t.jsonl", 0},
        {"rank bad --keep-going --audit t.jsonl", 1},
        {"rank call --keep-going --limit file-size=9K --audit t.jsonl", 1},
        {"rank call --keep-going --limit text=1000 --audit t.jsonl", 1},
        {"rank call --limit file-size=1M --audit t.jsonl", 0},
        {"rank call --limit depth=20 --audit t.jsonl", 0},
        {"rank call --limit proposals=12 --audit t.jsonl", 0},
        {"rank call --limit reviewers=5 --audit t.jsonl", 0},
        {"rank call --limit criteria=7 --audit t.jsonl", 0},
        {"rank call --limit text=2000 --audit t.jsonl", 0},
        {"rank call --limit match=100000 --audit t.jsonl", 0},
        {"rank call --limit diagnostics=3 --audit t.jsonl", 0},
        {"rank bad --keep-going --limit diagnostics=1 --audit t.jsonl", 1},
        {"rank call/call.xml --audit t.jsonl", 0},
        {"rank call/second.xml --audit t.jsonl", 0},
        {"rank --audit t.jsonl --places 3 call --method median --format csv --detail "
         "--keep-going --limit text=100K -o report.csv",
         0},
        {"explain call P10 --audit t.jsonl", 0},
        {"explain call P01 --against P02 --audit t.jsonl", 0},
        {"explain call P10 --method median --places 4 --audit t.jsonl", 0},
        {"explain call P10 --limit text=100000 --audit t.jsonl", 0},
    };
    for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
        char *err;
        int code = run(runs[i].args, NULL, &err);
        if (code != runs[i].code)
            print_error("'%s': exit %d\n%s", runs[i].args, code, err);
        assert_int_equal(code, runs[i].code);
        expect_in(err, "merit: audit trail written to t.jsonl");
        free(err);
        expect_identical(runs[i].args);
    }
}

/* SOURCE_DATE_EPOCH pins the time recorded; the trail replays. */
static void test_source_date_epoch(void **state)
{
    (void)state;
    assert_int_equal(run("rank call --audit t.jsonl", NULL, NULL), 0);
    assert_int_equal(system("SOURCE_DATE_EPOCH=1800000000 '" MERIT_BINARY
                            "' rank call --audit t.jsonl >/dev/null 2>&1"),
                     0);
    char *trail = t_read("t.jsonl", NULL);
    /* 1,800,000,000 s after the epoch is 2027-01-15 08:00:00 UTC */
    expect_in(trail, "\"time\":\"2027-01-15T08:00:00Z\"");
    free(trail);
    expect_identical("SOURCE_DATE_EPOCH=1800000000 rank call --audit t.jsonl");
}

/* --- a mismatch planted in each setting ---------------------------------------------- */

/* Sets the value at path (dots between keys, [n] for an index) in the
 * record, from JSON text. */
static void set_at(json_t *rec, const char *path, const char *value)
{
    char *copy = strdup(path);
    json_t *at = rec;
    char *key = copy;
    for (;;) {
        char *dot = strchr(key, '.');
        if (dot != NULL)
            *dot = '\0';
        char *bracket = strchr(key, '[');
        size_t index = 0;
        if (bracket != NULL) {
            *bracket = '\0';
            index = strtoul(bracket + 1, NULL, 10);
        }
        json_t *next = json_object_get(at, key);
        assert_non_null(next);
        if (bracket != NULL) {
            if (dot == NULL) {
                assert_int_equal(
                    json_array_set_new(next, index, json_loads(value, JSON_DECODE_ANY, NULL)), 0);
                break;
            }
            next = json_array_get(next, index);
        } else if (dot == NULL) {
            assert_int_equal(json_object_set_new(at, key, json_loads(value, JSON_DECODE_ANY, NULL)),
                             0);
            break;
        }
        at = next;
        key = dot + 1;
    }
    free(copy);
}

/* Copies base.jsonl to t.jsonl with one value changed in the first record
 * of a type (the header, the first input, the report), every line's seq
 * and prev made right again. */
struct planting {
    const char *record, *path, *value;
};

static bool plant_one(json_t *rec, void *data)
{
    struct planting *p = data;
    if (p->record == NULL || strcmp(json_string_value(json_object_get(rec, "type")), p->record))
        return false;
    set_at(rec, p->path, p->value);
    p->record = NULL; /* the first only */
    return true;
}

static void plant(const char *record, const char *path, const char *value)
{
    struct planting p = {record, path, value};
    assert_int_equal(t_rechain_trail("base.jsonl", "t.jsonl", plant_one, &p), 1);
}

struct planted {
    const char *record; /* "merit-audit" (the header), "input" or "report" */
    const char *path;
    const char *value; /* JSON */
    const char *said;  /* in the replay's diagnostic */
};

static void expect_caught(const struct planted *p, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        plant(p[i].record, p[i].path, p[i].value);
        char *err;
        int code = run("replay t.jsonl", NULL, &err);
        if (code != 4)
            print_error("%s %s = %s: exit %d\n%s", p[i].record, p[i].path, p[i].value, code, err);
        assert_int_equal(code, 4);
        expect_in(err, p[i].said);
        free(err);
    }
}

#define CHECK "t.jsonl:1: error: the header does not hold together: the recorded command "

static void test_a_mismatch_in_each_setting_is_caught(void **state)
{
    (void)state;
    assert_int_equal(run("rank call --method median --places 3 --format csv -o report.csv "
                         "--keep-going --limit text=100000 --audit base.jsonl",
                         NULL, NULL),
                     0);
    assert_int_equal(system("cp base.jsonl t.jsonl"), 0);
    expect_identical("the base trail");
    const struct planted planted[] = {
        {"merit-audit", "options.method", "\"mean\"",
         CHECK "sets --method median, the header records method 'mean' from the command line"},
        {"merit-audit", "options.method_from", "\"rubric\"",
         CHECK "sets --method median, the header records method 'median' from the rubric"},
        {"merit-audit", "options.places", "2", CHECK "shows 3 places, the header records 2"},
        {"merit-audit", "options.keep_going", "false",
         CHECK "has --keep-going, the header records keep_going false"},
        {"merit-audit", "options.limits.file-size", "1024",
         CHECK "leaves the limit 'file-size' at its default, 536870912, the header records 1024"},
        {"merit-audit", "options.limits.depth", "65",
         CHECK "leaves the limit 'depth' at its default, 64, the header records 65"},
        {"merit-audit", "options.limits.proposals", "12",
         CHECK "leaves the limit 'proposals' at its default, 1000000, the header records 12"},
        {"merit-audit", "options.limits.reviewers", "5",
         CHECK "leaves the limit 'reviewers' at its default, 10000, the header records 5"},
        {"merit-audit", "options.limits.criteria", "7",
         CHECK "leaves the limit 'criteria' at its default, 64, the header records 7"},
        {"merit-audit", "options.limits.text", "1000",
         CHECK "sets the limit 'text' to 100000, the header records 1000"},
        {"merit-audit", "options.limits.match", "5",
         CHECK "leaves the limit 'match' at its default, 10000000, the header records 5"},
        {"merit-audit", "options.limits.diagnostics", "3",
         CHECK "leaves the limit 'diagnostics' at its default, 1000, the header records 3"},
        {"merit-audit", "options.audit", "\"other.jsonl\"",
         CHECK "writes the trail to 'base.jsonl', the header records 'other.jsonl'"},
        {"merit-audit", "call.dir", "\"elsewhere\"",
         CHECK "ranks the call in 'call', the header records the folder 'elsewhere'"},
        {"merit-audit", "command[4]", "\"best\"",
         CHECK "does not parse (rank: --method takes mean, median, trimmed-mean, "
               "confidence-weighted or z-score)"},
        {"merit-audit", "command[1]", "\"validate\"",
         CHECK "is not 'merit rank' or 'merit explain', the commands that write a trail"},
        {"input", "path", "\"second.xml\"",
         CHECK "reads the call file 'call.xml', the trail records 'second.xml'"},
        {"report", "path", "\"other.csv\"",
         CHECK "writes its report to 'report.csv', the trail records 'other.csv'"},
        {"report", "format", "\"csv-detail\"",
         CHECK "writes a report in the format 'csv', the trail records 'csv-detail'"},
    };
    expect_caught(planted, sizeof(planted) / sizeof(planted[0]));

    /* a chain without a secret cannot prove the time (docs/audit.md) */
    plant("merit-audit", "time", "\"1999-01-01T00:00:00Z\"");
    expect_identical("the time edited");
}

static void test_a_mismatch_in_an_explain_trail_is_caught(void **state)
{
    (void)state;
    assert_int_equal(run("explain call P01 --against P02 --audit base.jsonl", NULL, NULL), 0);
    const struct planted planted[] = {
        {"report", "format", "\"text\"",
         CHECK "writes a report in the format 'explain', the trail records 'text'"},
        {"report", "path", "\"x.txt\"",
         CHECK "writes its report to '-', the trail records 'x.txt'"},
        {"merit-audit", "options.keep_going", "true",
         CHECK "has no --keep-going, the header records keep_going true"},
    };
    expect_caught(planted, sizeof(planted) / sizeof(planted[0]));
}

/* --- --limit on replay ------------------------------------------------------------------- */

/* It bounds the trail read, nothing else: the recomputation uses the limits
 * the trail records, and a file over them is "not read" both times. */
static void test_limit_on_replay_bounds_only_the_trail(void **state)
{
    (void)state;
    assert_int_equal(run("rank call --keep-going --limit file-size=9K --audit t.jsonl", NULL, NULL),
                     1);
    char *out, *err;
    assert_int_equal(run("replay --limit file-size=1M t.jsonl", &out, &err), 0);
    expect_in(out, "replay identical");
    free(out);
    free(err);
    /* the trail (about 80 KB) over a limit of 1K */
    assert_int_equal(run("replay --limit file-size=1K t.jsonl", NULL, &err), 1);
    expect_in(err, "t.jsonl: error: file is ");
    expect_in(err, "more than the file-size limit of 1024");
    free(err);
    assert_int_equal(run("replay --limit text=1000 t.jsonl", NULL, &err), 2);
    assert_string_equal(err, "merit: error: replay: --limit takes only file-size (the largest "
                             "trail to read): the recomputation uses the limits the trail "
                             "records\n");
    free(err);
}

/* JSON holds only UTF-8: a file name that is not UTF-8 made the JSON report
 * fail (exit 3) and the trail fail as if memory ran out (defect 4 in
 * docs/robustness.md). Such a file is now refused unread and listed by its
 * escaped name; a call folder so named is recorded escaped, and replays
 * when named on the command line. */
static void test_names_that_are_not_utf8(void **state)
{
    (void)state;
    assert_int_equal(system("cp -r call odd"), 0);
    size_t size;
    char *sheet = t_read("call/reviews/r1.xml", &size);
    assert_non_null(sheet);
    t_write_bytes(".", "odd/reviews/r1\xff.xml", sheet, size);
    free(sheet);
    char *err;
    assert_int_equal(run("rank odd --format json -o report.json", NULL, &err), 1);
    assert_string_equal(err, "odd/reviews/r1\\xFF.xml: error: the file name is not valid UTF-8: "
                             "merit's reports and audit trail could not name it exactly; rename "
                             "the file\n");
    free(err);
    assert_int_equal(
        run("rank odd --keep-going --format json -o report.json --audit t.jsonl", NULL, NULL), 1);
    char *json = t_read("report.json", NULL);
    expect_in(json, "\"what\": \"reviews/r1\\\\xFF.xml\"");
    free(json);
    expect_identical("rank odd --keep-going");

    /* the call folder itself */
    assert_int_equal(system("cp -r call \"call$(printf '\\377')\""), 0);
    assert_int_equal(run("rank \"call$(printf '\\377')\" --audit t.jsonl", NULL, NULL), 0);
    char *trail = t_read("t.jsonl", NULL);
    expect_in(trail, "\"dir\":\"call\\\\xFF\"");
    free(trail);
    assert_int_equal(run("replay t.jsonl", NULL, &err), 3);
    assert_string_equal(err, "t.jsonl:1: error: the call folder the trail records, 'call\\\\xFF', "
                             "is not there (it was moved, or this is another folder): name it "
                             "after the trail, merit replay TRAIL CALLDIR\n");
    free(err);
    char *out;
    assert_int_equal(run("replay t.jsonl \"call$(printf '\\377')\"", &out, NULL), 0);
    expect_in(out, "replay identical");
    free(out);
}

/* --- the neutral example ----------------------------------------------------------- */

/* The call whose proposals carry only the core, free sections and a
 * declared fact (proposals/foundation-2027) round-trips like the seed's,
 * and a declared fact is an input like any other: changing one after the
 * ranking (F05's volunteers, which decide its tie with F02) is caught. */
static void test_the_neutral_example_round_trips(void **state)
{
    (void)state;
    assert_int_equal(system("cp -r '" MERIT_SOURCE_DIR "/proposals/foundation-2027' fdn"), 0);
    static const char *const runs[] = {
        "rank fdn --audit t.jsonl",
        "rank fdn --format csv --audit t.jsonl",
        "rank fdn --format json -o report.json --audit t.jsonl",
        "rank fdn --method median --audit t.jsonl",
        "explain fdn F02 --audit t.jsonl",
        "explain fdn F06 --against F01 --audit t.jsonl",
    };
    for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
        char *err;
        int code = run(runs[i], NULL, &err);
        if (code != 0)
            print_error("'%s': exit %d\n%s", runs[i], code, err);
        assert_int_equal(code, 0);
        free(err);
        expect_identical(runs[i]);
    }
    assert_int_equal(run("rank fdn --audit t.jsonl", NULL, NULL), 0);
    assert_int_equal(system("sed -i 's/name=\"volunteers\" value=\"25\"/name=\"volunteers\" "
                            "value=\"10\"/' fdn/proposals/F05.xml"),
                     0);
    char *out, *err;
    assert_int_equal(run("replay t.jsonl", &out, &err), 4);
    expect_in(err, "proposals/F05.xml");
    free(out);
    free(err);
}

/* --- the lottery at the funding line ------------------------------------------------ */

/* The example call with a budget of 4,850,000: P01 (1,850,000) is funded,
 * 3,000,000 remain, and the shared rank 2= of P02 (2,100,000) and P04
 * (1,200,000) needs 3,300,000: a tie at the line. By the generator
 * (docs/scoring.md, computed by hand in Python mirroring prng.c) the pool
 * [P02, P04] is drawn as [P02, P04] with the seed "alpha" (P02 funded, 900,000
 * left, P04 passed over) and as [P04, P02] with "beta" (P04 funded,
 * 1,800,000 left, P02 passed over). */
static void test_lottery_round_trips_and_edits_are_caught(void **state)
{
    (void)state;
    assert_int_equal(system("cp -r call tie && sed -i 's/available=\"9000000\"/"
                            "available=\"4850000\"/' tie/call.xml"),
                     0);
    char *out;
    assert_int_equal(
        run("rank tie --lottery alpha --format json -o r.json --audit base.jsonl", NULL, NULL), 0);
    char *trail = t_read("base.jsonl", NULL);
    expect_in(trail, "\"funding\":{\"ties\":\"lottery\",\"ties_from\":\"command-line\",\"seed\":"
                     "\"alpha\",\"seed_from\":\"command-line\"");
    expect_in(trail, "\"type\":\"lottery\",\"seed\":\"alpha\",\"seed_from\":\"command-line\","
                     "\"draw_among\":\"tie\",\"pool\":[\"P02\",\"P04\"],\"draws\":[{\"draw\":1,"
                     "\"proposal\":\"P02\",\"rank\":2,\"request\":\"2100000.00\","
                     "\"remaining_before\":\"3000000.00\",\"outcome\":\"funded\"},{\"draw\":2,"
                     "\"proposal\":\"P04\",\"rank\":2,\"request\":\"1200000.00\","
                     "\"remaining_before\":\"900000.00\",\"outcome\":\"passed-over\"}]");
    expect_in(trail, "\"proposal\":\"P04\",\"rank\":2,\"request\":\"1200000.00\","
                     "\"remaining_before\":\"900000.00\",\"action\":\"drawn-does-not-fit\"");
    free(trail);
    assert_int_equal(system("cp base.jsonl t.jsonl"), 0);
    expect_identical("rank tie --lottery alpha");

    /* another seed, another draw, as fully recorded */
    assert_int_equal(run("rank tie --lottery beta --audit t.jsonl", &out, NULL), 0);
    expect_in(out, "A tie at the line was settled by lottery (--lottery on the command line);");
    expect_in(out, "the draw order: P04, P02. The seed: 'beta'.");
    free(out);
    trail = t_read("t.jsonl", NULL);
    expect_in(trail, "\"pool\":[\"P02\",\"P04\"],\"draws\":[{\"draw\":1,\"proposal\":\"P04\"");
    free(trail);
    expect_identical("rank tie --lottery beta");

    /* explain says the policy and the draw */
    assert_int_equal(run("explain tie P04 --lottery alpha --audit t.jsonl", &out, NULL), 0);
    expect_in(out, "Funding line: reserve, drawn by lottery but the request does not fit");
    expect_in(out, "seed 'alpha': the draw order was P02,");
    expect_in(out, "P04; P02 was funded, P04 did not fit. P04: request USD 1,200,000.00 against");
    free(out);
    expect_identical("explain tie P04 --lottery alpha");

    /* edits: the draw, the seed in the header, the seed on the command line */
    const struct planted planted[] = {
        {"lottery", "draws[0].outcome", "\"passed-over\"",
         "lottery, diverged: recorded draws[0].outcome passed-over, recomputed funded"},
        {"lottery", "pool", "[\"P04\",\"P02\"]", "lottery, diverged: recorded pool[0] P04"},
        {"merit-audit", "options.funding.seed", "\"beta\"",
         CHECK "draws the lottery with the seed 'alpha', the header records 'beta'"},
        {"merit-audit", "command[4]", "\"beta\"",
         CHECK "draws the lottery with the seed 'beta', the header records 'alpha'"},
        {"merit-audit", "options.funding.ties", "\"stop\"",
         "the header does not hold together: it records funding.ties stop, the call and the "
         "command give lottery"},
    };
    expect_caught(planted, sizeof(planted) / sizeof(planted[0]));
}

/* The grey-zone lottery on the example call, with the intervals of the
 * bootstrap (1000 resamples, seed the call's id): the line is 6 and the
 * grey zone P03 (rank 6, interval 6-7) and P10 (rank 7, interval 5-8)
 * (docs/scoring.md, "Rank intervals and the grey zone"). P01, P02, P04,
 * P05 and P08, clearly above, are funded: 7,580,000, so 1,420,000 remain.
 * The pool [P03, P10] (rank order) is drawn, by the generator worked in
 * Python mirroring prng.c, as [P10, P03] with the seed "panel-2026-11-30":
 * P10 (1,100,000) is funded, 320,000 left, P03 (1,300,000) does not fit;
 * and as [P03, P10] with "a": P03 funded, 120,000 left, P10 passed over.
 * The call's statement is repeated; a replay draws the same. */
static void test_grey_zone_lottery_with_intervals(void **state)
{
    (void)state;
    assert_int_equal(
        system("cp -r call grey && sed -i 's|<rubric name=\"manufacturing-usa\"/>|<rubric "
               "name=\"manufacturing-usa\"/><funding-line ties=\"lottery\" "
               "seed=\"panel-2026-11-30\" draw-among=\"grey-zone\"><statement>Lots in the "
               "grey zone.</statement></funding-line>|' grey/call.xml"),
        0);
    char *out;
    assert_int_equal(run("rank grey --format csv --audit t.jsonl", &out, NULL), 0);
    expect_in(out, ",P03,");
    expect_in(out, ",reserve,");
    /* P10's row: funded by the draw; P03's: drawn but did not fit */
    const char *p10 = strstr(out, ",P10,"), *p03 = strstr(out, ",P03,");
    assert_non_null(p10);
    assert_non_null(p03);
    assert_non_null(strstr(p10, ",funded,"));
    assert_true(strstr(p10, ",funded,") < strchr(p10, '\n'));
    assert_true(strstr(p03, ",drawn-does-not-fit,") < strchr(p03, '\n'));
    free(out);
    expect_identical("rank grey (grey-zone lottery)");
    assert_int_equal(run("rank grey", &out, NULL), 0);
    expect_in(out, "the draw order: P10, P03. The seed: 'panel-2026-11-30'. The call says: Lots in "
                   "the grey zone.");
    expect_in(out, "awarded to 6, 320,000.00 left");
    free(out);
    assert_int_equal(run("rank grey --lottery a --audit t.jsonl", &out, NULL), 0);
    expect_in(out, "the draw order: P03, P10.");
    expect_in(out, "awarded to 6, 120,000.00 left");
    free(out);
    expect_identical("rank grey --lottery a");
    /* without intervals there is no grey zone to draw among: an error */
    char *err;
    assert_int_equal(run("rank grey --resamples 0", NULL, &err), 1);
    expect_in(err, "which needs the rank intervals of the bootstrap");
    free(err);
}

/* --- what changed (issue 14) ------------------------------------------------------- */

/* The lines of text holding ": note: ", from the first that holds from on,
 * each cut to what follows ": note: " (the same words whichever trail the
 * note points at); malloc'd. */
static char *change_lines(const char *text, const char *from)
{
    size_t n = strlen(text) + 1, o = 0;
    char *out = calloc(1, n);
    bool on = false;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        const char *note = strstr(p, ": note: ");
        if (note != NULL && note < p + len) {
            const char *words = note + strlen(": note: ");
            if (strncmp(words, from, strlen(from)) == 0)
                on = true;
            if (on) {
                memcpy(out + o, words, len - (size_t)(words - p));
                o += len - (size_t)(words - p);
                out[o++] = '\n';
            }
        }
        p += len + (nl != NULL);
    }
    return out;
}

/*
 * One score edited after the trail was written: r1's approach score for
 * P03, 7.5 -> 3.5. By hand, from the example call (docs/scoring.md, the
 * funding walk table, and docs/audit.md): P03's approach scores are r1
 * 7.5, r3 7, r5 7.5 (r4's review is excluded), mean 22/3 = 7.33; now
 * (3.5 + 7 + 7.5) / 3 = 6. The approach weighs 2, so P03's total falls by
 * 2 x (22/3 - 6) = 8/3: 841/12 - 32/12 = 809/12 = 67.4166..., shown 67.42
 * (was 70.08), below P10's 541/8 = 67.625. P10 moves to rank 6, P03 to 7.
 * The walk: 7,580,000 awarded to the five above, 1,420,000 left; P10
 * requests 1,100,000 and is funded (320,000 left); P03 requests 1,300,000
 * and does not fit: reserve. Still 6 funded; awarded 8,880,000 ->
 * 8,680,000, remaining 120,000 -> 320,000.
 */
static const char score_edit_changes[] = "score P03 approach by r1: 7.5 -> 3.5\n"
                                         "aggregate P03 approach: 7.33 -> 6.00\n"
                                         "total P03: 70.08 -> 67.42\n"
                                         "rank P03: 6 -> 7\n"
                                         "rank P10: 7 -> 6\n"
                                         "status P03: funded -> reserve\n"
                                         "status P10: reserve -> funded\n"
                                         "awarded: 8880000.00 -> 8680000.00\n"
                                         "remaining: 120000.00 -> 320000.00\n";

static void test_a_score_edit_says_what_changed(void **state)
{
    (void)state;
    assert_int_equal(run("rank call -o before.txt --audit a.jsonl", NULL, NULL), 0);
    assert_int_equal(system("sed -i '/<review proposal=\"P03\"/,/<\\/review>/ "
                            "s/criterion=\"approach\" value=\"7.5\"/criterion=\"approach\" "
                            "value=\"3.5\"/' call/reviews/r1.xml"),
                     0);
    char *out, *err;
    assert_int_equal(run("replay a.jsonl", &out, &err), 4);
    /* the first divergence as before: r1's total for P03 falls by 2 x 4 */
    expect_in(err, "a.jsonl:58: error: step 58, review (proposal P03, reviewer r1), diverged: "
                   "recorded total 69, recomputed 61\n");
    expect_in(err, "a.jsonl: note: what changed, as recorded -> as recomputed:\n"
                   "a.jsonl:63: note: score P03 approach by r1: 7.5 -> 3.5\n"
                   "a.jsonl:63: note: aggregate P03 approach: 7.33 -> 6.00\n"
                   "a.jsonl:69: note: total P03: 70.08 -> 67.42\n");
    char *replayed = change_lines(err, "score ");
    assert_string_equal(replayed, score_edit_changes);
    assert_null(strstr(out, "identical"));
    free(out);
    free(err);

    /* the same view between two trails, before and after */
    assert_int_equal(run("rank call -o after.txt --audit b.jsonl", NULL, NULL), 0);
    assert_int_equal(run("diff a.jsonl b.jsonl", &out, &err), 4);
    char *diffed = change_lines(err, "score ");
    assert_string_equal(diffed, replayed);
    expect_in(err, "a.jsonl:16: note: input reviews/r1.xml: sha256 ");
    expect_in(err, "a.jsonl:58: note: the first step that differs: review (proposal P03, "
                   "reviewer r1), total 69 -> 61 (b.jsonl:58)\n");
    expect_in(out, "a.jsonl -> b.jsonl: 1 input, ");
    expect_in(out, "differ: 1 score, 1 aggregate, 1 total, 2 ranks, 2 statuses, funding changed");
    free(diffed);
    free(replayed);
    free(out);
    free(err);

    /* a trail against itself: nothing differs */
    assert_int_equal(run("diff a.jsonl a.jsonl", &out, &err), 0);
    assert_string_equal(out, "a.jsonl -> a.jsonl: the same inputs and steps\n");
    assert_string_equal(err, "");
    free(out);
    free(err);

    /* a trail whose chain breaks is named, not compared */
    assert_int_equal(system("sed -i '30s/\"P0/\"Q0/' b.jsonl"), 0);
    assert_int_equal(run("diff a.jsonl b.jsonl", &out, &err), 4);
    expect_in(err, "b.jsonl:30: error: the chain breaks here: line 30 was edited");
    assert_string_equal(out, "");
    free(out);
    free(err);
}

/* Text in a sheet edited, no score: named as such, exit 6 (not 4). */
static void test_a_comment_only_edit_is_named(void **state)
{
    (void)state;
    assert_int_equal(run("rank call -o before.txt --audit a.jsonl", NULL, NULL), 0);
    assert_int_equal(
        system("sed -i 's/Combines known levers/Combines well-known levers/' call/reviews/r1.xml"),
        0);
    char *out, *err;
    assert_int_equal(run("replay a.jsonl", &out, &err), 6);
    expect_in(err, "call/reviews/r1.xml: error: changed since the trail was written: recorded "
                   "sha256 ");
    expect_in(err, "call/reviews/r1.xml: note: changed, but every score and every step "
                   "reproduces: a change outside the scores (a comment, spaces, text no step "
                   "records)\n");
    assert_null(strstr(err, "what changed"));
    expect_in(out, "a.jsonl: replay reproduced every step, but 1 input file changed outside the "
                   "scores: ");
    free(out);
    free(err);
    assert_int_equal(run("rank call -o after.txt --audit b.jsonl", NULL, NULL), 0);
    assert_int_equal(run("diff a.jsonl b.jsonl", &out, &err), 6);
    expect_in(err, "a.jsonl: note: every step is the same: the inputs differ outside the scores");
    expect_in(out, "1 input, 0 steps differ");
    free(out);
    free(err);
}

/* A report not found is not "identical" (exit 5); a report changed is a
 * divergence of its own (exit 4). */
static void test_a_report_not_checked_is_not_identical(void **state)
{
    (void)state;
    assert_int_equal(run("rank call -o report.txt --audit a.jsonl", NULL, NULL), 0);
    assert_int_equal(rename("report.txt", "report.moved"), 0);
    char *out, *err;
    assert_int_equal(run("replay a.jsonl", &out, &err), 5);
    assert_string_equal(err, "report.txt: note: report not found, not checked\n");
    expect_in(out, "a.jsonl: replay identical except 1 report not checked: ");
    expect_in(out, ", 0 reports re-hashed\n");
    free(out);
    free(err);
    assert_int_equal(rename("report.moved", "report.txt"), 0);
    expect_identical_trail("a.jsonl");
    t_write(".", "report.txt", "edited\n");
    assert_int_equal(run("replay a.jsonl", &out, &err), 4);
    assert_string_equal(err, "report.txt: error: report changed since the trail was written: its "
                             "sha256 is not the one the trail records\n");
    assert_string_equal(out, "");
    free(out);
    free(err);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, t_scratch_teardown)
    const struct CMUnitTest tests[] = {
        T(test_lottery_round_trips_and_edits_are_caught),
        T(test_grey_zone_lottery_with_intervals),
        T(test_every_option_round_trips),
        T(test_source_date_epoch),
        T(test_a_mismatch_in_each_setting_is_caught),
        T(test_a_mismatch_in_an_explain_trail_is_caught),
        T(test_limit_on_replay_bounds_only_the_trail),
        T(test_names_that_are_not_utf8),
        T(test_the_neutral_example_round_trips),
        T(test_a_score_edit_says_what_changed),
        T(test_a_comment_only_edit_is_named),
        T(test_a_report_not_checked_is_not_identical),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
