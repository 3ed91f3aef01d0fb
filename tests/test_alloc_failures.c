/*
 * The loaders when memory runs out: every engine allocation is failed in
 * turn (merit__alloc_fail_at) while a file or a call is loaded. Each run
 * must end without a crash, return no object when it fails, and, when it
 * succeeds, give the same diagnostics as a run with all the memory it
 * wants. Leaks and bad frees on these paths are caught by the ASan build.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "merit/model.h"

/* After this many consecutive runs that match the unhindered one, every
 * allocation of the load has been failed once. */
#define SETTLED_RUNS 30
#define MAX_ALLOCATIONS 100000

typedef int (*load_fn)(merit_ctx *ctx, const char *arg, bool *got_object);

static int load_file(merit_ctx *ctx, const char *path, bool *got_object)
{
    const char *kind = NULL;
    size_t count = 0;
    *got_object = false;
    return merit_file_validate(ctx, path, &kind, &count);
}

static int load_shipped(merit_ctx *ctx, const char *name, bool *got_object)
{
    merit_rubric *r = NULL;
    int rc = merit_rubric_load_shipped(ctx, name, &r);
    *got_object = r != NULL;
    merit_rubric_free(r);
    return rc;
}

static int load_rubric_file(merit_ctx *ctx, const char *path, bool *got_object)
{
    merit_rubric *r = NULL;
    int rc = merit_rubric_load_file(ctx, path, &r);
    *got_object = r != NULL;
    merit_rubric_free(r);
    return rc;
}

static int load_call(merit_ctx *ctx, const char *path, bool *got_object)
{
    merit_call *c = NULL;
    int rc = merit_call_load(ctx, path, &c);
    *got_object = c != NULL;
    merit_call_free(c);
    return rc;
}

/* Every diagnostic of ctx, GCC style, one a line. */
static char *diag_text(const merit_ctx *ctx)
{
    size_t cap = 256, len = 0;
    char *out = malloc(cap);
    assert_non_null(out);
    out[0] = '\0';
    for (size_t i = 0; i < merit_ctx_diag_count(ctx); i++) {
        char *line = merit_diag_format(merit_ctx_diag(ctx, i));
        assert_non_null(line);
        size_t n = strlen(line);
        while (len + n + 2 > cap) {
            cap *= 2;
            out = realloc(out, cap);
            assert_non_null(out);
        }
        memcpy(out + len, line, n);
        len += n;
        out[len++] = '\n';
        out[len] = '\0';
        free(line);
    }
    return out;
}

/* Fails each allocation of fn(arg) in turn. With strict set, a run that
 * differs from the unhindered one must also say so with MERIT_ENOMEM. */
#define sweep(fn, arg, strict) sweep_(fn, arg, strict, __FILE__, __LINE__)
static void sweep_(load_fn fn, const char *arg, bool strict, const char *file, int line)
{
    merit_ctx *ctx = merit_ctx_new();
    assert_non_null(ctx);
    bool got = false;
    int base_rc = fn(ctx, arg, &got);
    char *base_diags = diag_text(ctx);
    merit_ctx_free(ctx);

    size_t settled = 0;
    uint64_t n;
    for (n = 1; n < MAX_ALLOCATIONS && settled < SETTLED_RUNS; n++) {
        ctx = merit_ctx_new();
        assert_non_null(ctx);
        merit__alloc_fail_at(n);
        int rc = fn(ctx, arg, &got);
        merit__alloc_fail_at(0);
        char *diags = diag_text(ctx);
        bool same = rc == base_rc && strcmp(diags, base_diags) == 0;
        settled = same ? settled + 1 : 0;
        const char *problem = NULL;
        if (rc != 0 && got)
            problem = "a failed load returned an object";
        else if (rc == 0 && !same)
            problem = "a successful load differs from the unhindered one";
        else if (rc == 0 && merit_ctx_error_count(ctx) > 0)
            problem = "a successful load counts errors";
        else if (strict && !same && rc != MERIT_ENOMEM)
            problem = "memory ran out but the load did not return MERIT_ENOMEM";
        if (problem != NULL) {
            print_error("%s:%d: %s, allocation %llu failed: %s (rc %d, expected %d)\n"
                        "  diagnostics:\n%s  unhindered:\n%s",
                        file, line, arg, (unsigned long long)n, problem, rc, base_rc, diags,
                        base_diags);
            free(diags);
            merit_ctx_free(ctx);
            free(base_diags);
            _fail(file, line);
            return;
        }
        free(diags);
        merit_ctx_free(ctx);
    }
    free(base_diags);
    if (n >= MAX_ALLOCATIONS) {
        print_error("%s:%d: %s never settled\n", file, line, arg);
        _fail(file, line);
    }
}

/* --- inputs ------------------------------------------------------------------ */

static const char proposal_xml[] =
    "<?xml version=\"1.0\"?>\n"
    "<proposal xmlns=\"urn:merit:1\" id=\"P01\" call=\"C1\" months=\"24\">\n"
    "  <title>T</title><area>A</area>\n"
    "  <team>\n"
    "    <organisation id=\"a\" lead=\"true\" type=\"sme\" employees=\"5\" location=\"DE\" "
    "supply-chain=\"end-user\"><name>A</name></organisation>\n"
    "    <organisation id=\"b\" type=\"academic\" employees=\"500\" location=\"FR\" "
    "supply-chain=\"research\"><name>B</name></organisation>\n"
    "  </team>\n"
    "  <sections><problem>P</problem><approach>A</approach><milestones>\n"
    "    <milestone id=\"M1\" due=\"2027-01-01\"><metric>5 parts</metric>"
    "<description>D</description></milestone>\n"
    "    <milestone id=\"M2\" due=\"2028-01-01\"><metric>9 parts</metric>"
    "<description>E</description></milestone>\n"
    "  </milestones><management>M</management><diffusion>D</diffusion>"
    "<sme-involvement>S</sme-involvement></sections>\n"
    "  <budget><year number=\"1\" federal=\"10\" cash=\"1\" in-kind=\"1\"/>"
    "<year number=\"2\" federal=\"10\" cash=\"1\" in-kind=\"1\"/>"
    "<total federal=\"20\" cash=\"2\" in-kind=\"2\"/></budget>\n"
    "</proposal>\n";

static const char sheet_xml[] =
    "<?xml version=\"1.0\"?>\n"
    "<sheets xmlns=\"urn:merit:1\">\n"
    "  <sheet reviewer=\"R1\" call=\"C1\">\n"
    "    <conflicts><conflict proposal=\"P02\">Friend.</conflict></conflicts>\n"
    "    <review proposal=\"P01\" confidence=\"3\">\n"
    "      <score criterion=\"excellence\" value=\"4\">Good.</score>\n"
    "      <score criterion=\"impact\" value=\"3.5\" confidence=\"2\"/>\n"
    "      <no-score criterion=\"implementation\">Not my field.</no-score>\n"
    "      <comment>Fine.</comment>\n"
    "    </review>\n"
    "  </sheet>\n"
    "  <sheet reviewer=\"R2\" call=\"C1\"/>\n"
    "</sheets>\n";

/* Invalid: several problems, each with a diagnostic (and a note). */
static const char bad_sheet_xml[] =
    "<?xml version=\"1.0\"?>\n"
    "<sheet xmlns=\"urn:merit:1\" reviewer=\"R1\" call=\"C1\">\n"
    "  <conflicts><conflict proposal=\"P02\">Friend.</conflict></conflicts>\n"
    "  <review proposal=\"P01\" confidence=\"3\">\n"
    "    <score criterion=\"a\" value=\"4\"/>\n"
    "    <score criterion=\"a\" value=\"3\"/>\n"
    "  </review>\n"
    "  <review proposal=\"P01\" confidence=\"3\"><score criterion=\"a\" value=\"4\"/></review>\n"
    "  <review proposal=\"P02\" confidence=\"3\"><score criterion=\"a\" value=\"4\"/></review>\n"
    "</sheet>\n";

static const char rubric_xml[] =
    "<?xml version=\"1.0\"?>\n"
    "<rubric xmlns=\"urn:merit:1\" id=\"r\" version=\"1\">\n"
    "  <title>R</title>\n"
    "  <scale min=\"0\" max=\"10\" step=\"0.5\"/>\n"
    "  <criteria>\n"
    "    <criterion id=\"a\" weight=\"1\" threshold=\"4\"><name>A</name>"
    "<levels><level score=\"0\">none</level><level score=\"10\">all</level></levels>"
    "</criterion>\n"
    "    <criterion id=\"b\" weight=\"2.5\"><name>B</name><guidance>G</guidance></criterion>\n"
    "  </criteria>\n"
    "  <overall threshold=\"10\"/>\n"
    "  <aggregation method=\"trimmed-mean\" min-reviewers=\"2\" disagreement-limit=\"5\"/>\n"
    "  <tie-break><criterion ref=\"b\"/><fact ref=\"words\" section=\"approach\" "
    "prefer=\"lower\"/></tie-break>\n"
    "  <eligibility>\n"
    "    <fact-rule id=\"f\" fact=\"months\" op=\"le\" value=\"36\"><message>m</message>"
    "</fact-rule>\n"
    "    <text-rule id=\"t\" section=\"milestones\" scope=\"each-milestone\" caseless=\"true\">"
    "<pattern>\\d</pattern><message>m</message></text-rule>\n"
    "  </eligibility>\n"
    "</rubric>\n";

/* Invalid: weight, tie-break, pattern and overall threshold at once. */
static const char bad_rubric_xml[] =
    "<?xml version=\"1.0\"?>\n"
    "<rubric xmlns=\"urn:merit:1\" id=\"r\" version=\"1\">\n"
    "  <title>R</title>\n"
    "  <scale min=\"0\" max=\"10\" step=\"1\"/>\n"
    "  <criteria>\n"
    "    <criterion id=\"a\" weight=\"0\"><name>A</name></criterion>\n"
    "    <criterion id=\"a\" weight=\"1\" threshold=\"11\"><name>A</name></criterion>\n"
    "  </criteria>\n"
    "  <overall threshold=\"100\"/>\n"
    "  <aggregation method=\"mean\"/>\n"
    "  <tie-break><criterion ref=\"z\"/></tie-break>\n"
    "  <eligibility><text-rule id=\"t\" section=\"approach\"><pattern>(x</pattern>"
    "<message>m</message></text-rule></eligibility>\n"
    "</rubric>\n";

static const char call_xml[] =
    "<?xml version=\"1.0\"?>\n"
    "<call xmlns=\"urn:merit:1\" id=\"C1\" currency=\"USD\">\n"
    "  <title>C</title>\n"
    "  <budget available=\"100\"/>\n"
    "  <rubric name=\"horizon-europe\"/>\n"
    "  <panel><reviewer id=\"R1\"><name>One</name><affiliation>U</affiliation></reviewer>"
    "<reviewer id=\"R2\"><name>Two</name></reviewer></panel>\n"
    "  <conflicts><conflict reviewer=\"R2\" proposal=\"P01\">Office.</conflict></conflicts>\n"
    "</call>\n";

/* A sheet with conflicts but no reviews. */
static const char conflicts_only_xml[] =
    "<?xml version=\"1.0\"?>\n"
    "<sheet xmlns=\"urn:merit:1\" reviewer=\"R1\" call=\"C1\">\n"
    "  <conflicts><conflict proposal=\"P01\">Friend.</conflict></conflicts>\n"
    "</sheet>\n";

static void write_call(const char *dir, bool with_reviews)
{
    t_write(dir, "call/call.xml", call_xml);
    t_write(dir, "call/proposals/P01.xml", proposal_xml);
    char *p2 = t_replace(proposal_xml, "id=\"P01\"", "id=\"P02\"");
    t_write(dir, "call/proposals/P02.xml", p2);
    free(p2);
    if (with_reviews) {
        t_write(dir, "call/reviews/all.xml", sheet_xml);
    } else {
        t_write(dir, "call/reviews/R1.xml", conflicts_only_xml);
    }
}

/* --- the sweeps ------------------------------------------------------------- */

static void files_survive_every_failed_allocation(void **state)
{
    struct t_scratch *s = *state;
    t_write(s->dir, "proposal.xml", proposal_xml);
    t_write(s->dir, "sheet.xml", sheet_xml);
    t_write(s->dir, "bad-sheet.xml", bad_sheet_xml);
    t_write(s->dir, "rubric.xml", rubric_xml);
    t_write(s->dir, "bad-rubric.xml", bad_rubric_xml);
    sweep(load_file, "proposal.xml", false);
    sweep(load_file, "sheet.xml", false);
    sweep(load_file, "bad-sheet.xml", false);
    sweep(load_file, "rubric.xml", false);
    sweep(load_file, "bad-rubric.xml", false);
    sweep(load_rubric_file, "rubric.xml", false);
    sweep(load_rubric_file, "bad-rubric.xml", false);
}

static void shipped_rubrics_survive_every_failed_allocation(void **state)
{
    (void)state;
    for (const char *const *n = merit_rubric_shipped_names(); *n; n++)
        sweep(load_shipped, *n, false);
}

static void call_without_reviews_survives_every_failed_allocation(void **state)
{
    struct t_scratch *s = *state;
    write_call(s->dir, false);
    sweep(load_call, "call", false);
}

/* Regression test for a fixed bug (call.c resolve_review / resolve_sheets):
 * when a review's steps could not be allocated but the arrays allocated
 * after them could, the review was not counted and merit_call_free never
 * freed those arrays. A review's per-criterion arrays are now one block
 * (sheet.c alloc_arrays); the sweep still fails every allocation of a load
 * with reviews, and the ASan build's leak check at exit shows any block
 * left behind. */
static void call_with_reviews_survives_every_failed_allocation(void **state)
{
    struct t_scratch *s = *state;
    write_call(s->dir, true);
    sweep(load_call, "call", false);
}

/* Regression test for a fixed bug (xml_input.c merit__xml_validate): when the context's
 * schema table cannot be allocated, merit__schema_get records the lack of
 * memory but merit__xml_validate returns MERIT_EINVALID, so the caller (and
 * `merit validate`, exit 1) reports an invalid input with no diagnostic at
 * all instead of running out of memory (exit 3, "out of memory"). For a
 * valid proposal this happens when the 3rd engine allocation fails.
 * */
static void out_of_memory_is_reported_as_such(void **state)
{
    struct t_scratch *s = *state;
    t_write(s->dir, "proposal.xml", proposal_xml);
    write_call(s->dir, false);
    sweep(load_file, "proposal.xml", true);
    sweep(load_call, "call", true);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, t_scratch_setup, t_scratch_teardown)
    const struct CMUnitTest tests[] = {
        T(files_survive_every_failed_allocation),
        T(shipped_rubrics_survive_every_failed_allocation),
        T(call_without_reviews_survives_every_failed_allocation),
        T(call_with_reviews_survives_every_failed_allocation),
        T(out_of_memory_is_reported_as_such),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
