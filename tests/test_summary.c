/*
 * Applicant feedback (`merit summary`) and the panel report (`merit panel`),
 * reports/summary.c and reports/panel.c, on the example call
 * proposals/mfg-2026:
 *  - golden files for the text and Markdown summary of every proposal and
 *    for the panel's text report (tests/golden/summary/, panel-mfg-2026.txt;
 *    regenerate after review with MERIT_UPDATE_GOLDEN=1 build/tests/test_summary);
 *  - anonymity: no reviewer id, name or affiliation of the call in any
 *    summary, in any format;
 *  - no leak: no comment of another proposal's reviews in a summary;
 *  - the excluded review (r4 on P03, a conflict declared in call.xml) left
 *    out entirely;
 *  - the same numbering on every run and thread count, and not the
 *    reviewers' id order;
 *  - hostile input: a comment <script>alert(1)</script> and a reviewer name
 *    with markup, escaped in every format, the HTML well-formed per
 *    libxml2's XML parser, the name in no summary.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "support.h"

#include "feedback.h"
#include "merit/model.h"
#include "merit/result.h"

#define EXAMPLE MERIT_SOURCE_DIR "/proposals/mfg-2026"
#define GOLDEN_DIR MERIT_SOURCE_DIR "/tests/golden"

struct ranked {
    merit_ctx *ctx;
    merit_call *call;
    merit_result *res;
};

static struct ranked load(const char *dir, unsigned threads)
{
    struct ranked r = {merit_ctx_new(), NULL, NULL};
    assert_non_null(r.ctx);
    merit_ctx_set_threads(r.ctx, threads);
    merit_ctx_set_keep_comments(r.ctx, true);
    int rc = merit_call_load(r.ctx, dir, &r.call);
    if (rc == 0)
        rc = merit_call_rank(r.ctx, r.call, NULL, &r.res);
    if (rc != 0)
        t_print_diags(r.ctx);
    assert_int_equal(rc, 0);
    return r;
}

static void release(struct ranked *r)
{
    merit_result_free(r->res);
    merit_call_free(r->call);
    merit_ctx_free(r->ctx);
}

static char *summary(const merit_result *res, size_t p, merit_summary_format format)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    assert_non_null(f);
    merit_sink sink;
    merit_sink_init(&sink, f, false);
    merit_report_options opt = {.places = 2};
    assert_int_equal(merit_report_summary(&sink, res, p, format, &opt), 0);
    assert_int_equal(merit_sink_finish(&sink, NULL), 0);
    fclose(f);
    return buf;
}

static char *panel(const merit_result *res, bool html)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    assert_non_null(f);
    merit_sink sink;
    merit_sink_init(&sink, f, false);
    merit_report_options opt = {.places = 2};
    int rc = html ? merit_report_panel_html(&sink, res, &opt)
                  : merit_report_panel_text(&sink, res, &opt);
    assert_int_equal(rc, 0);
    assert_int_equal(merit_sink_finish(&sink, NULL), 0);
    fclose(f);
    return buf;
}

static void golden(const char *rel, const char *got)
{
    char *path = t_sprintf("%s/%s", GOLDEN_DIR, rel);
    const char *update = getenv("MERIT_UPDATE_GOLDEN");
    if (update != NULL && strcmp(update, "1") == 0) {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        fputs(got, f);
        fclose(f);
    }
    char *want = t_read(path, NULL);
    if (want == NULL)
        fail_msg("no golden file %s (run with MERIT_UPDATE_GOLDEN=1 to create it)", path);
    if (strcmp(got, want) != 0) {
        size_t line = 1;
        for (size_t i = 0; got[i] && got[i] == want[i]; i++)
            line += got[i] == '\n';
        fail_msg("%s differs from the golden file at line %zu:\n%s", rel, line, got);
    }
    free(want);
    free(path);
}

/* Whether word occurs in text as a whole word (not inside a longer run of
 * letters and digits): "r1" is not found in "Reviewer 1" or "for1x". */
static bool has_word(const char *text, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = strstr(text, word); p != NULL; p = strstr(p + 1, word)) {
        bool left = p == text || !((p[-1] >= '0' && p[-1] <= '9') ||
                                   ((p[-1] | 0x20) >= 'a' && (p[-1] | 0x20) <= 'z'));
        char c = p[n];
        bool right = !((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'));
        if (left && right)
            return true;
    }
    return false;
}

static void golden_files(void **state)
{
    (void)state;
    struct ranked r = load(EXAMPLE, 1);
    for (size_t p = 0; p < r.call->proposal_count; p++) {
        for (int f = 0; f < 2; f++) {
            merit_summary_format format = f == 0 ? MERIT_SUMMARY_TEXT : MERIT_SUMMARY_MARKDOWN;
            char *got = summary(r.res, p, format);
            char *rel = t_sprintf("summary/%s.%s", r.call->proposals[p].id,
                                  merit_summary_extension(format));
            golden(rel, got);
            free(rel);
            free(got);
        }
    }
    char *text = panel(r.res, false);
    golden("panel-mfg-2026.txt", text);
    free(text);
    release(&r);
}

/* No reviewer id, name, surname or affiliation of the call in any summary,
 * in any of the three formats. */
static void anonymous(void **state)
{
    (void)state;
    struct ranked r = load(EXAMPLE, 1);
    for (size_t p = 0; p < r.call->proposal_count; p++)
        for (int f = 0; f < 3; f++) {
            char *got = summary(r.res, p, (merit_summary_format)f);
            for (size_t v = 0; v < r.call->reviewer_count; v++) {
                const merit_reviewer *rv = &r.call->reviewers[v];
                const char *surname = strrchr(rv->name, ' ');
                if (has_word(got, rv->id) || strstr(got, rv->name) != NULL ||
                    (surname != NULL && strstr(got, surname + 1) != NULL) ||
                    (rv->affiliation != NULL && strstr(got, rv->affiliation) != NULL))
                    fail_msg("summary of %s (format %d) names reviewer %s:\n%s",
                             r.call->proposals[p].id, f, rv->id, got);
            }
            free(got);
        }
    release(&r);
}

/* Whether a comment of proposal p's counted reviews is exactly text. */
static bool own_comment(const merit_result *res, size_t p, const char *text)
{
    const merit_call *call = res->call;
    for (size_t i = 0; i < call->review_count; i++) {
        const merit_review *rv = &call->reviews[i];
        if (rv->proposal != p || !res->reviews[i].counted)
            continue;
        if (rv->comment != NULL && strcmp(rv->comment, text) == 0)
            return true;
        for (size_t c = 0; c < call->rubric->criterion_count; c++)
            if (rv->comments[c] != NULL && strcmp(rv->comments[c], text) == 0)
                return true;
    }
    return false;
}

/* A comment worth looking for: long enough to be one reviewer's words, on
 * one line (the text format shows a line break as a space). */
static bool distinctive(const char *text)
{
    return text != NULL && strlen(text) >= 12 && strpbrk(text, "\n\r\t") == NULL;
}

static void no_other_proposal_leaks_in(void **state)
{
    (void)state;
    struct ranked r = load(EXAMPLE, 1);
    const merit_call *call = r.call;
    size_t checked = 0;
    for (size_t p = 0; p < call->proposal_count; p++) {
        char *got = summary(r.res, p, MERIT_SUMMARY_TEXT);
        for (size_t i = 0; i < call->review_count; i++) {
            const merit_review *rv = &call->reviews[i];
            if (rv->proposal == p)
                continue;
            for (size_t c = 0; c <= call->rubric->criterion_count; c++) {
                const char *text =
                    c < call->rubric->criterion_count ? rv->comments[c] : rv->comment;
                if (!distinctive(text) || own_comment(r.res, p, text))
                    continue;
                checked++;
                if (strstr(got, text) != NULL)
                    fail_msg("summary of %s holds a comment on %s: %s", call->proposals[p].id,
                             call->proposals[rv->proposal].id, text);
            }
        }
        free(got);
    }
    /* 40 reviews of 8 comments each, nearly all distinctive, each looked
     * for in the 11 other summaries */
    assert_true(checked > 3000);
    release(&r);
}

/* r4's review of P03 is excluded (call.xml declares the conflict): none of
 * its comments, and only three reviews, appear in P03's feedback. */
static void excluded_review_left_out(void **state)
{
    (void)state;
    struct ranked r = load(EXAMPLE, 1);
    const merit_call *call = r.call;
    size_t p03 = SIZE_MAX, excluded = SIZE_MAX;
    const char *near;
    p03 = merit_report_find_proposal(call, "P03", &near);
    assert_true(p03 != SIZE_MAX);
    for (size_t i = 0; i < call->review_count; i++)
        if (call->reviews[i].proposal == p03 && !r.res->reviews[i].counted)
            excluded = i;
    assert_true(excluded != SIZE_MAX);
    assert_string_equal(call->reviewers[call->reviews[excluded].reviewer].id, "r4");
    for (int f = 0; f < 3; f++) {
        char *got = summary(r.res, p03, (merit_summary_format)f);
        const merit_review *rv = &call->reviews[excluded];
        for (size_t c = 0; c < call->rubric->criterion_count; c++)
            if (distinctive(rv->comments[c]) && !own_comment(r.res, p03, rv->comments[c]))
                assert_null(strstr(got, rv->comments[c]));
        if (distinctive(rv->comment) && !own_comment(r.res, p03, rv->comment))
            assert_null(strstr(got, rv->comment));
        assert_null(strstr(got, "Reviewer 4"));
        assert_non_null(strstr(got, "Reviewer 3"));
        free(got);
    }
    size_t *order = NULL, n = 0;
    assert_int_equal(merit_summary_order(r.res, p03, &order, &n), 0);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++)
        assert_true(order[i] != excluded);
    free(order);
    release(&r);
}

/* The same bytes on two threads and one, and on a second load; and the
 * numbering is not the reviewers' id order (which would tell an applicant
 * that Reviewer 1 has the lowest id) on every proposal. */
static void stable_numbering(void **state)
{
    (void)state;
    struct ranked a = load(EXAMPLE, 1), b = load(EXAMPLE, 2), c = load(EXAMPLE, 2);
    bool some_not_id_order = false;
    for (size_t p = 0; p < a.call->proposal_count; p++) {
        for (int f = 0; f < 3; f++) {
            char *x = summary(a.res, p, (merit_summary_format)f);
            char *y = summary(b.res, p, (merit_summary_format)f);
            char *z = summary(c.res, p, (merit_summary_format)f);
            assert_string_equal(x, y);
            assert_string_equal(x, z);
            free(x);
            free(y);
            free(z);
        }
        size_t *order = NULL, n = 0;
        assert_int_equal(merit_summary_order(a.res, p, &order, &n), 0);
        for (size_t i = 1; i < n; i++)
            if (a.call->reviews[order[i - 1]].reviewer > a.call->reviews[order[i]].reviewer)
                some_not_id_order = true;
        free(order);
    }
    assert_true(some_not_id_order);
    release(&a);
    release(&b);
    release(&c);
}

/* A copy of the example call in a scratch folder, with r1's comment on
 * P01's problem statement and r1's name made hostile. */
static char *hostile_copy(void)
{
    char *dir = t_tempdir();
    static const char *const folders[] = {"proposals", "reviews"};
    char *call = t_read(EXAMPLE "/call.xml", NULL);
    assert_non_null(call);
    char *edited = t_replace(call, "<name>Dr. Helen Kowalczyk</name>",
                             "<name>Mallory &lt;img src=x onerror=alert(2)&gt;</name>");
    t_write(dir, "call.xml", edited);
    free(edited);
    free(call);
    for (size_t k = 0; k < 2; k++) {
        char *from = t_sprintf("%s/%s", EXAMPLE, folders[k]);
        DIR *d = opendir(from);
        assert_non_null(d);
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            char *path = t_sprintf("%s/%s", from, e->d_name);
            char *text = t_read(path, NULL);
            assert_non_null(text);
            char *rel = t_sprintf("%s/%s", folders[k], e->d_name);
            if (strcmp(rel, "reviews/r1.xml") == 0) {
                char *h = t_replace(text, "Quantified baseline: 14 months",
                                    "&lt;script&gt;alert(1)&lt;/script&gt; *Quantified* "
                                    "baseline: 14 months");
                t_write(dir, rel, h);
                free(h);
            } else {
                t_write(dir, rel, text);
            }
            free(rel);
            free(text);
            free(path);
        }
        closedir(d);
        free(from);
    }
    return dir;
}

static void well_formed(const char *html)
{
    xmlDocPtr doc = xmlReadMemory(html, (int)strlen(html), "page.html", NULL, XML_PARSE_NONET);
    if (doc == NULL)
        fail_msg("not well-formed XML:\n%s", html);
    xmlFreeDoc(doc);
}

static void hostile_input_escaped(void **state)
{
    (void)state;
    char *dir = hostile_copy();
    struct ranked r = load(dir, 1);
    const char *near;
    size_t p01 = merit_report_find_proposal(r.call, "P01", &near);
    assert_true(p01 != SIZE_MAX);

    char *html = summary(r.res, p01, MERIT_SUMMARY_HTML);
    well_formed(html);
    assert_null(strstr(html, "<script"));
    assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt; *Quantified*"));
    assert_non_null(strstr(html, "Content-Security-Policy"));
    free(html);

    char *md = summary(r.res, p01, MERIT_SUMMARY_MARKDOWN);
    assert_non_null(strstr(md, "\\<script\\>alert\\(1\\)\\</script\\> \\*Quantified\\*"));
    free(md);

    char *text = summary(r.res, p01, MERIT_SUMMARY_TEXT);
    assert_non_null(strstr(text, "<script>alert(1)</script> *Quantified*"));
    free(text);

    /* the hostile name appears in no summary; every page is well-formed */
    for (size_t p = 0; p < r.call->proposal_count; p++)
        for (int f = 0; f < 3; f++) {
            char *got = summary(r.res, p, (merit_summary_format)f);
            assert_null(strstr(got, "Mallory"));
            assert_null(strstr(got, "onerror"));
            if (f == MERIT_SUMMARY_HTML)
                well_formed(got);
            free(got);
        }

    /* the panel's page names reviewers, escaped */
    char *page = panel(r.res, true);
    well_formed(page);
    assert_non_null(strstr(page, "Mallory &lt;img src=x onerror=alert(2)&gt;"));
    assert_null(strstr(page, "<img"));
    assert_null(strstr(page, "<script"));
    free(page);
    release(&r);
    t_rmtree(dir);
    free(dir);
}

/* The panel report puts P10, the one proposal whose reviewers disagree
 * (totals 83.75, 56.50, 62.00, 68.25 span 27.25 > 20), first, and marks
 * its sme row: scores 8.5, 5, 6, 6.5 give the largest gap, 3.5 (problem
 * and approach 3, diffusion 3, the rest 2). */
static void panel_disagreement_first(void **state)
{
    (void)state;
    struct ranked r = load(EXAMPLE, 1);
    char *text = panel(r.res, false);
    const char *p10 = strstr(text, "\nP10  ");
    const char *p01 = strstr(text, "\nP01  ");
    assert_non_null(p10);
    assert_non_null(p01);
    assert_true(p10 < p01);
    assert_non_null(
        strstr(p10, "  sme           8.5      5      6    6.5    3.5  <- largest gap\n"));
    assert_non_null(strstr(p10, "reviewers' totals span 27.25 (disagreement)"));
    /* the excluded review is named for the panel, its scores not shown */
    assert_non_null(strstr(text, "excluded: r4 (conflict)"));
    free(text);
    char *html = panel(r.res, true);
    well_formed(html);
    free(html);
    release(&r);
}

static void find_with_suggestion(void **state)
{
    (void)state;
    struct ranked r = load(EXAMPLE, 1);
    const char *near = NULL;
    assert_int_equal(merit_report_find_proposal(r.call, "P07", &near), 6);
    assert_null(near);
    assert_int_equal(merit_report_find_proposal(r.call, "P99", &near), SIZE_MAX);
    assert_string_equal(near, "P09");
    /* P1 is as near P01, P10, P11 and P12: no guess */
    assert_int_equal(merit_report_find_proposal(r.call, "P1", &near), SIZE_MAX);
    assert_null(near);
    release(&r);
}

int main(void)
{
    xmlInitParser();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(golden_files),
        cmocka_unit_test(anonymous),
        cmocka_unit_test(no_other_proposal_leaks_in),
        cmocka_unit_test(excluded_review_left_out),
        cmocka_unit_test(stable_numbering),
        cmocka_unit_test(hostile_input_escaped),
        cmocka_unit_test(panel_disagreement_first),
        cmocka_unit_test(find_with_suggestion),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
