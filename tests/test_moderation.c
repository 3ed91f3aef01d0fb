/*
 * Moderation (docs/formats.md "Moderation"): the panel's changes to scores,
 * kept in CALLDIR/moderation/ beside the sheets, on a copy of
 * proposals/mfg-2026. The sheets stay as the reviewers wrote them; the
 * ranking uses the moderated scores; every wrong change is refused with
 * the others of the run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "merit/merit.h"
#include "merit/model.h"
#include "merit/result.h"
#include "run_merit.h"
#include "support.h"

#define EXAMPLE_CALL MERIT_SOURCE_DIR "/proposals/mfg-2026"

static int setup(void **state)
{
    int rc = t_scratch_setup(state);
    if (rc == 0)
        rc = system("cp -r '" EXAMPLE_CALL "' call");
    return rc;
}

/* A <change> line of a moderation file (line 3 on: the root is line 2). */
#define CHANGE(p, r, c, from, to, at, rest)                                                        \
    "  <change proposal=\"" p "\" reviewer=\"" r "\" criterion=\"" c "\" from=\"" from             \
    "\" to=\"" to "\" by=\"chair\" at=\"" at "\" kind=\"discussion\"" rest "\n"

static void write_moderation(const char *changes)
{
    char *text = t_sprintf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                           "<moderation xmlns=\"urn:merit:1\" call=\"MFG-2026-01\">\n"
                           "%s</moderation>\n",
                           changes);
    t_write(".", "call/moderation/panel.xml", text);
    free(text);
}

static void add_rules(const char *rules)
{
    char *to = t_sprintf("  %s\n</call>", rules);
    t_copy_edited(".", "call/call.xml", "call/call.xml", "</call>", to);
    free(to);
}

static const merit_proposal_result *result_of(const merit_call *c, const merit_result *res,
                                              const char *id)
{
    for (size_t i = 0; i < c->proposal_count; i++)
        if (strcmp(c->proposals[i].id, id) == 0)
            return &res->proposals[i];
    fail_msg("no proposal %s", id);
    return NULL;
}

static void assert_total(const merit_proposal_result *p, const char *fraction)
{
    mpq_t want;
    mpq_init(want);
    assert_int_equal(mpq_set_str(want, fraction, 10), 0);
    mpq_canonicalize(want);
    assert_true(p->has_total);
    assert_int_equal(mpq_cmp(p->total, want), 0);
    mpq_clear(want);
}

/* r1's approach score for P03 from 7.5 to 3.5. By hand, from the sheets:
 * P03's approach scores are r1 7.5, r3 7, r5 7.5 (r4 excluded), mean 22/3;
 * its total is 841/12 (70.08, golden report). With 3.5 the mean is 18/3 =
 * 6, 4/3 lower, and approach weighs 24 (rubric manufacturing-usa, weights
 * per 100 of a 0-10 scale: 24/10 * 4/3 = 32/12), so the total is 809/12 =
 * 67.42: below P10's 541/8 = 67.625, which moves up to rank 6 and is
 * funded, P03 falls to 7 and the reserve. */
static void moderated_score_ranks(void **state)
{
    struct t_scratch *s = *state;
    size_t before_size;
    char *before = t_read("call/reviews/r1.xml", &before_size);
    write_moderation(CHANGE("P03", "r1", "approach", "7.5", "3.5", "2026-11-28T14:00:00Z",
                            "><reason>The screening plan is not feasible.</reason></change>"));
    merit_call *c = NULL;
    int rc = merit_call_load(s->ctx, "call", &c);
    if (rc != 0)
        t_print_diags(s->ctx);
    assert_int_equal(rc, 0);
    merit_result *res = NULL;
    assert_int_equal(merit_call_rank(s->ctx, c, NULL, &res), 0);
    const merit_proposal_result *p03 = result_of(c, res, "P03");
    const merit_proposal_result *p10 = result_of(c, res, "P10");
    assert_total(p03, "809/12");
    assert_total(p10, "541/8");
    assert_int_equal(p10->rank, 6);
    assert_int_equal(p10->status, MERIT_STATUS_FUNDED);
    assert_int_equal(p03->rank, 7);
    assert_int_equal(p03->status, MERIT_STATUS_RESERVE);
    /* the change, and the sheet's own score kept beside it: approach is
     * criterion 1, steps of 0.5 from 0 */
    assert_int_equal(c->change_count, 1);
    const merit_review *r = &c->reviews[c->changes[0].review];
    assert_string_equal(c->reviewers[r->reviewer].id, "r1");
    assert_string_equal(c->proposals[r->proposal].id, "P03");
    assert_int_equal(c->changes[0].criterion, 1);
    assert_non_null(r->original_steps);
    assert_int_equal(r->original_steps[1], 15);
    assert_int_equal(r->steps[1], 7);
    assert_int_equal(c->changes[0].from, 15);
    assert_int_equal(c->changes[0].to, 7);
    assert_string_equal(c->changes[0].reason, "The screening plan is not feasible.");
    assert_string_equal(merit_moderation_kind_name(c->changes[0].kind), "discussion");
    /* the text report marks P03's row with M (the last column of a
     * reserve row, no rank intervals asked) and says what M means; P10's
     * row has no M */
    char *text = t_render(merit_writer_find("text")->write, res, NULL);
    assert_non_null(strstr(text, "M: the panel changed some of its scores"));
    const char *row = strstr(text, "  P03  ");
    assert_non_null(row);
    const char *end = strchr(row, '\n');
    assert_true(end != NULL && end - row > 2 && memcmp(end - 2, " M", 2) == 0);
    row = strstr(text, "  P10  ");
    assert_non_null(row);
    end = strchr(row, '\n');
    assert_true(end != NULL && memchr(row + 7, 'M', (size_t)(end - row - 7)) == NULL);
    free(text);
    /* the sheet file is untouched */
    size_t after_size;
    char *after = t_read("call/reviews/r1.xml", &after_size);
    assert_int_equal(before_size, after_size);
    assert_memory_equal(before, after, before_size);
    /* the moderation file is an input of the call, hashed like a sheet */
    bool listed = false;
    for (size_t i = 0; i < c->file_count; i++)
        listed |= strcmp(c->files[i].relpath, "moderation/panel.xml") == 0 && c->files[i].hashed;
    assert_true(listed);
    free(before);
    free(after);
    merit_result_free(res);
    merit_call_free(c);
}

/* Two changes of one score apply in time order, whatever the order they
 * are written in: 7.5 -> 5 at 14:00, then 5 -> 3.5 at 15:00 ends at 3.5,
 * the same total as above. Applied as written, the first would be stale. */
static void changes_in_time_order(void **state)
{
    struct t_scratch *s = *state;
    write_moderation(CHANGE("P03", "r1", "approach", "5", "3.5", "2026-11-28T15:00:00Z", "/>")
                         CHANGE("P03", "r1", "approach", "7.5", "5", "2026-11-28T14:00:00Z", "/>"));
    merit_call *c = NULL;
    assert_int_equal(merit_call_load(s->ctx, "call", &c), 0);
    merit_result *res = NULL;
    assert_int_equal(merit_call_rank(s->ctx, c, NULL, &res), 0);
    assert_total(result_of(c, res, "P03"), "809/12");
    assert_int_equal(c->change_count, 2);
    assert_string_equal(c->changes[0].at, "2026-11-28T14:00:00Z");
    const merit_review *r = &c->reviews[c->changes[0].review];
    assert_int_equal(r->original_steps[1], 15);
    merit_result_free(res);
    merit_call_free(c);
}

/* Every wrong change of a file is reported in one run. */
static void wrong_changes_refused(void **state)
{
    struct t_scratch *s = *state;
    add_rules("<moderation reasons=\"required\" until=\"2026-12-01T00:00:00Z\"/>");
    write_moderation(
        CHANGE("P03", "r1", "approach", "7", "3.5", "2026-11-28T14:00:00Z",
               "><reason>stale</reason></change>")
            CHANGE("P03", "r1", "problem", "7", "6", "2026-11-28T14:00:00Z", "/>")
                CHANGE("P03", "r1", "cost", "7", "6", "2026-12-02T14:00:00Z",
                       "><reason>late</reason></change>") CHANGE("P03", "r1", "aproach", "7", "6",
                                                                 "2026-11-28T14:00:00Z",
                                                                 "><reason>x</reason></change>")
                    CHANGE("P03", "r11", "approach", "7", "6", "2026-11-28T14:00:00Z",
                           "><reason>x</reason></change>")
                        CHANGE("P3", "r1", "approach", "7", "6", "2026-11-28T14:00:00Z",
                               "><reason>x</reason></change>")
                            CHANGE("P03", "r2", "sme", "6", "5", "2026-11-28T14:00:00Z",
                                   "><reason>x</reason></change>")
                                CHANGE("P03", "r4", "sme", "6", "5", "2026-11-28T14:00:00Z",
                                       "><reason>x</reason></change>")
                                    CHANGE("P03", "r3", "sme", "6", "11", "2026-11-28T14:00:00Z",
                                           "><reason>x</reason></change>"));
    merit_call *c = NULL;
    assert_int_equal(merit_call_load(s->ctx, "call", &c), MERIT_EINVALID);
    assert_null(c);
    const char *f = "call/moderation/panel.xml";
    T_EXPECT_DIAGS(
        s->ctx,
        T_ERROR(f, 4, 3,
                "change of the 'problem' score of proposal 'P03' by 'r1' gives no reason (the "
                "call requires one: <moderation reasons=\"required\">)"),
        T_ERROR(f, 5, 84,
                "change made at 2026-12-02T14:00:00Z, after the call's last moment for changes "
                "(2026-12-01T00:00:00Z)"),
        T_ERROR(f, 6, 40,
                "unknown criterion 'aproach' (rubric 'manufacturing-usa' has none of that id); "
                "did you mean 'approach'?"),
        T_ERROR(f, 7, 26,
                "change names reviewer 'r11', who is not on the panel; did you mean 'r1'?"),
        T_ERROR(f, 8, 11,
                "change names proposal 'P3', which is not in the call; did you mean 'P03'?"),
        T_ERROR(f, 9, 3, "reviewer 'r2' has no review of proposal 'P03' to change"),
        T_ERROR(f, 10, 3,
                "the review of proposal 'P03' by 'r4' is excluded by a conflict: its scores "
                "cannot be changed"),
        T_ERROR(f, 11, 65, "score 11 for criterion 'sme' is off the scale 0 to 10"),
        T_ERROR(f, 3, 3,
                "stale change of the 'approach' score of proposal 'P03' by 'r1': it changes 7, "
                "but the score is 7.5"));
}

/* Two changes of one score at the same time cannot be ordered. */
static void same_time_refused(void **state)
{
    struct t_scratch *s = *state;
    write_moderation(CHANGE("P03", "r3", "approach", "7", "6", "2026-11-28T14:00:00Z", "/>")
                         CHANGE("P03", "r3", "approach", "7", "5", "2026-11-28T14:00:00Z", "/>"));
    merit_call *c = NULL;
    assert_int_equal(merit_call_load(s->ctx, "call", &c), MERIT_EINVALID);
    const char *f = "call/moderation/panel.xml";
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR(f, 4, 3,
                           "a second change of the 'approach' score of proposal 'P03' by 'r3' at "
                           "2026-11-28T14:00:00Z: changes of one score need different times"),
                   T_NOTE(f, 3, 3, "first change here"));
}

/* The trail holds the moderation file as an input; replay reproduces the
 * moderated ranking, and tells when the file changed (exit 4). */
static void trail_replays(void **state)
{
    (void)state;
    write_moderation(CHANGE("P03", "r1", "approach", "7.5", "3.5", "2026-11-28T14:00:00Z", "/>"));
    assert_int_equal(
        t_run_merit("out", "err", "rank", "--audit", "trail.jsonl", "call", (char *)NULL), 0);
    char *trail = t_read("trail.jsonl", NULL);
    assert_non_null(strstr(trail, "\"path\":\"moderation/panel.xml\""));
    free(trail);
    assert_int_equal(t_run_merit("out", "err", "replay", "trail.jsonl", (char *)NULL), 0);
    write_moderation(CHANGE("P03", "r1", "approach", "7.5", "4.5", "2026-11-28T14:00:00Z", "/>"));
    assert_int_equal(t_run_merit("out", "err", "replay", "trail.jsonl", (char *)NULL), 4);
}

/* Three changes, one each way: a score to a score (with a reason), a
 * no-score to a score (r3 gave P08's cost a <no-score>, confidence of the
 * review 3) and a score to a no-score (its reason required). */
#define THREE_CHANGES                                                                              \
    CHANGE("P03", "r1", "approach", "7.5", "3.5", "2026-11-28T14:00:00Z",                          \
           "><reason>Not feasible.</reason></change>")                                             \
    "  <change proposal=\"P08\" reviewer=\"r3\" criterion=\"cost\" from=\"-\" to=\"6\" "           \
    "by=\"chair\" at=\"2026-11-28T14:00:00Z\" kind=\"consensus\"/>\n"                              \
    "  <change proposal=\"P03\" reviewer=\"r3\" criterion=\"problem\" from=\"7.5\" to=\"-\" "      \
    "by=\"chair\" at=\"2026-11-28T15:00:00Z\" kind=\"override\"><reason>Conflict found "           \
    "late.</reason></change>\n"

/* A no-score is moderated like a score. By hand from the sheets: P08's
 * cost is r2 7, r3 no-score, r4 7.5, r5 7; with r3's 6 it is
 * (7 + 6 + 7.5 + 7) / 4 = 55/8, and r3's score takes the review's
 * confidence, 3. P03's problem is r1 7, r3 7.5, r5 7; without r3's it is
 * (7 + 7) / 2 = 7, on two scores. */
static void no_score_changes(void **state)
{
    struct t_scratch *s = *state;
    write_moderation(THREE_CHANGES);
    merit_call *c = NULL;
    int rc = merit_call_load(s->ctx, "call", &c);
    if (rc != 0)
        t_print_diags(s->ctx);
    assert_int_equal(rc, 0);
    assert_int_equal(c->change_count, 3);
    merit_result *res = NULL;
    assert_int_equal(merit_call_rank(s->ctx, c, NULL, &res), 0);
    const merit_proposal_result *p08 = result_of(c, res, "P08");
    const merit_proposal_result *p03 = result_of(c, res, "P03");
    /* cost is criterion 4, problem 0 (rubric order) */
    mpq_t want;
    mpq_init(want);
    mpq_set_ui(want, 55, 8);
    assert_int_equal(p08->criteria[4].count, 4);
    assert_int_equal(mpq_cmp(p08->criteria[4].value, want), 0);
    mpq_set_ui(want, 7, 1);
    assert_int_equal(p03->criteria[0].count, 2);
    assert_int_equal(mpq_cmp(p03->criteria[0].value, want), 0);
    mpq_clear(want);
    size_t n = 0;
    const merit_moderation_change *ch = NULL;
    for (size_t i = 0; i < c->review_count && ch == NULL; i++)
        if (strcmp(c->proposals[c->reviews[i].proposal].id, "P08") == 0 &&
            strcmp(c->reviewers[c->reviews[i].reviewer].id, "r3") == 0) {
            ch = merit_call_score_changes(c, i, 4, &n);
            assert_int_equal(c->reviews[i].confidences[4], 3);
            assert_int_equal(c->reviews[i].original_steps[4], MERIT_NO_SCORE);
        }
    if (ch == NULL)
        fail_msg("no change of P08 r3 cost");
    else {
        assert_int_equal(n, 1);
        assert_int_equal(ch->from, MERIT_NO_SCORE);
        assert_int_equal(ch->to, 12);
    }
    merit_result_free(res);
    merit_call_free(c);
}

/* A change to a no-score without a reason is refused, as a sheet's
 * <no-score> without one is. */
static void no_score_needs_reason(void **state)
{
    struct t_scratch *s = *state;
    write_moderation(CHANGE("P03", "r1", "approach", "7.5", "-", "2026-11-28T14:00:00Z", "/>"));
    merit_call *c = NULL;
    assert_int_equal(merit_call_load(s->ctx, "call", &c), MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("call/moderation/panel.xml", 3, 3,
                           "change of the 'approach' score of proposal 'P03' by 'r1' to a "
                           "no-score gives no reason: a no-score needs one, as in a sheet"));
}

/* Edits a trail's first record of a type at one key (JSON text). */
struct trail_edit {
    const char *type, *key, *value;
    const char *criterion; /* an aggregate: of this criterion and P03 */
};

static bool edit_one(json_t *rec, void *data)
{
    struct trail_edit *e = data;
    if (e->type == NULL || strcmp(json_string_value(json_object_get(rec, "type")), e->type) != 0)
        return false;
    if (e->criterion != NULL) {
        if (strcmp(json_string_value(json_object_get(rec, "proposal")), "P03") != 0 ||
            strcmp(json_string_value(json_object_get(rec, "criterion")), e->criterion) != 0)
            return false;
        /* the first score: r1's */
        rec = json_array_get(json_object_get(rec, "scores"), 0);
    }
    json_object_set_new(rec, e->key, json_loads(e->value, JSON_DECODE_ANY, NULL));
    e->type = NULL;
    return true;
}

/* The trail has a moderation record per change, in the order applied
 * (by review, criterion, time: P03 r1, P03 r3, P08 r3), and the sheet's
 * score beside each moderated one in its aggregate (null: a no-score);
 * replay recomputes both, and an edit of either is a divergence. */
static void trail_records_changes(void **state)
{
    (void)state;
    write_moderation(THREE_CHANGES);
    assert_int_equal(
        t_run_merit("out", "err", "rank", "--audit", "trail.jsonl", "call", (char *)NULL), 0);
    char *trail = t_read("trail.jsonl", NULL);
    static const char *const want[] = {
        "\"type\":\"moderation\",\"proposal\":\"P03\",\"reviewer\":\"r1\",\"criterion\":"
        "\"approach\",\"from\":\"7.5\",\"to\":\"3.5\",\"by\":\"chair\",\"at\":\"2026-11-28T14:00:"
        "00Z\",\"kind\":\"discussion\",\"reason\":\"Not feasible.\",\"file\":\"moderation/"
        "panel.xml\",",
        "\"type\":\"moderation\",\"proposal\":\"P03\",\"reviewer\":\"r3\",\"criterion\":"
        "\"problem\",\"from\":\"7.5\",\"to\":null,\"by\":\"chair\",\"at\":\"2026-11-28T15:00:00Z\","
        "\"kind\":\"override\",\"reason\":\"Conflict found late.\",\"file\":\"moderation/"
        "panel.xml\",",
        "\"type\":\"moderation\",\"proposal\":\"P08\",\"reviewer\":\"r3\",\"criterion\":\"cost\","
        "\"from\":null,\"to\":\"6\",\"by\":\"chair\",\"at\":\"2026-11-28T14:00:00Z\",\"kind\":"
        "\"consensus\",\"reason\":null,\"file\":\"moderation/panel.xml\",",
        "{\"reviewer\":\"r1\",\"score\":\"3.5\",\"confidence\":3,\"original\":\"7.5\"}",
        "{\"reviewer\":\"r3\",\"score\":\"6\",\"confidence\":3,\"original\":null}",
        "\"criterion\":\"problem\",\"method\":\"mean\",\"scores\":[{\"reviewer\":\"r1\",\"score\":"
        "\"7\",\"confidence\":3},{\"reviewer\":\"r5\",\"score\":\"7\",\"confidence\":3}],\"count\":"
        "2",
    };
    const char *at = trail;
    for (size_t i = 0; i < 3; i++) {
        const char *hit = strstr(at, want[i]);
        if (hit == NULL)
            fail_msg("trail lacks, in order: %s", want[i]);
        at = hit;
    }
    for (size_t i = 3; i < sizeof(want) / sizeof(want[0]); i++)
        if (strstr(trail, want[i]) == NULL)
            fail_msg("trail lacks: %s", want[i]);
    free(trail);
    assert_int_equal(t_run_merit("out", "err", "replay", "trail.jsonl", (char *)NULL), 0);
    /* an edited moderation record, an edited original: both caught */
    struct trail_edit reason = {"moderation", "reason", "\"Agreed.\"", NULL};
    assert_int_equal(t_rechain_trail("trail.jsonl", "t1.jsonl", edit_one, &reason), 1);
    assert_int_equal(t_run_merit("out", "err", "replay", "t1.jsonl", (char *)NULL), 4);
    char *err = t_read("err", NULL);
    if (strstr(err, "moderation (proposal P03, reviewer r1, criterion approach), diverged: "
                    "recorded reason Agreed., recomputed Not feasible.") == NULL)
        fail_msg("%s", err);
    free(err);
    struct trail_edit original = {"aggregate", "original", "\"8\"", "approach"};
    assert_int_equal(t_rechain_trail("trail.jsonl", "t2.jsonl", edit_one, &original), 1);
    assert_int_equal(t_run_merit("out", "err", "replay", "t2.jsonl", (char *)NULL), 4);
    err = t_read("err", NULL);
    if (strstr(err, "aggregate (proposal P03, criterion approach), diverged: recorded "
                    "scores[0].original 8, recomputed 7.5") == NULL)
        fail_msg("%s", err);
    free(err);
}

/* Compares a file the test wrote with a golden file of tests/golden. */
static void expect_golden(const char *path, const char *golden)
{
    char *want_path = t_sprintf("%s/tests/golden/%s", MERIT_SOURCE_DIR, golden);
    size_t got_size, want_size;
    char *got = t_read(path, &got_size);
    char *want = t_read(want_path, &want_size);
    if (got_size != want_size || memcmp(got, want, got_size) != 0)
        fail_msg("%s differs from %s", path, want_path);
    free(got);
    free(want);
    free(want_path);
}

/* The reports show every moderated score beside the sheet's, with who,
 * when, what kind and why: merit explain, JSON (each score's "moderated",
 * each ranking entry's "moderated_scores"), CSV (moderated_scores) and
 * csv-detail (original_score and the last change). The goldens
 * (tests/golden/moderated-*) were checked by hand against the changes:
 * P03 r1 approach 7.5 -> 3.5, P03 r3 problem 7.5 -> no score, P08 r3
 * cost no score -> 6, and P08 r2 approach 7 -> 6.5 -> 6, whose 'by' and
 * reason hold a bidi override (U+202E) and a C1 CSI (U+009B): escaped on
 * the terminal (\u202E\u009B), JSON's own escapes in JSON, as they are in
 * CSV (a text, not a formula). P03 has two moderated scores, P08 two.
 * By hand (weights: problem 1, approach 2, cost 1): P03's problem
 * 43/6 -> (7 + 7) / 2 = 7 and approach 22/3 -> 6, so its total 841/12
 * drops by 1/6 + 2 * 4/3 = 34/12 to 807/12 = 269/4 (67.25), below P10's
 * 541/8, which is funded at rank 6; P08's approach 57/8 -> 55/8 (r2 one
 * point lower over four) and cost 43/6 -> (7 + 6 + 7.5 + 7) / 4 = 55/8,
 * so its total 3581/48 drops by 2 * 1/4 + 7/24 = 38/48 to 1181/16. */
static void reports_show_changes(void **state)
{
    (void)state;
    write_moderation(THREE_CHANGES
                     "  <change proposal=\"P08\" reviewer=\"r2\" criterion=\"approach\" "
                     "from=\"6.5\" to=\"6\" by=\"Chair &#x202E;evil\" at=\"2026-11-29T09:00:00Z\" "
                     "kind=\"consensus\"><reason>Agreed &#x9B;31m at the panel.</reason></change>\n"
                     "  <change proposal=\"P08\" reviewer=\"r2\" criterion=\"approach\" "
                     "from=\"7\" to=\"6.5\" by=\"chair\" at=\"2026-11-28T09:00:00Z\" "
                     "kind=\"discussion\"/>\n");
    static const struct {
        const char *format, *golden;
    } outs[] = {{"json", "moderated-mfg-2026.json"},
                {"csv", "moderated-mfg-2026.csv"},
                {"csv-detail", "moderated-mfg-2026-detail.csv"}};
    for (size_t i = 0; i < sizeof(outs) / sizeof(outs[0]); i++) {
        int rc =
            t_run_merit("out", "err", "rank", "--format", outs[i].format, "call", (char *)NULL);
        if (rc != 0) {
            char *err = t_read("err", NULL);
            print_error("%s", err);
            free(err);
        }
        assert_int_equal(rc, 0);
        expect_golden("out", outs[i].golden);
    }
    /* HTML: the flag M on the rows of P03 and P08 only, and its note */
    assert_int_equal(t_run_merit("out", "err", "rank", "--format", "html", "call", (char *)NULL),
                     0);
    char *html = t_read("out", NULL);
    assert_non_null(html);
    static const char *const rows[] = {"P01", "P02", "P03", "P04", "P08", "P10"};
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char start[32];
        snprintf(start, sizeof(start), "<tr data-id=\"%s\"", rows[i]);
        const char *row = strstr(html, start);
        assert_non_null(row);
        const char *end = strstr(row, "</tr>");
        assert_non_null(end);
        const char *flag = strstr(row, "(moderation)\">M</abbr>");
        bool moderated = strcmp(rows[i], "P03") == 0 || strcmp(rows[i], "P08") == 0;
        assert_int_equal(flag != NULL && flag < end, moderated);
    }
    assert_non_null(strstr(html, "<li>M: the panel changed some of its scores"));
    free(html);
    assert_int_equal(t_run_merit("out", "err", "explain", "call", "P03", (char *)NULL), 0);
    expect_golden("out", "moderated-explain-P03.txt");
    assert_int_equal(t_run_merit("out", "err", "explain", "call", "P08", (char *)NULL), 0);
    expect_golden("out", "moderated-explain-P08.txt");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(moderated_score_ranks, setup, t_scratch_teardown),
        cmocka_unit_test_setup_teardown(changes_in_time_order, setup, t_scratch_teardown),
        cmocka_unit_test_setup_teardown(wrong_changes_refused, setup, t_scratch_teardown),
        cmocka_unit_test_setup_teardown(same_time_refused, setup, t_scratch_teardown),
        cmocka_unit_test_setup_teardown(trail_replays, setup, t_scratch_teardown),
        cmocka_unit_test_setup_teardown(no_score_changes, setup, t_scratch_teardown),
        cmocka_unit_test_setup_teardown(no_score_needs_reason, setup, t_scratch_teardown),
        cmocka_unit_test_setup_teardown(trail_records_changes, setup, t_scratch_teardown),
        cmocka_unit_test_setup_teardown(reports_show_changes, setup, t_scratch_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
