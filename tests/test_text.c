/*
 * The text report that fits (issue 12): the kit's text table and wrapping
 * (reports/text_table.c) with hand-computed layouts; the example calls at
 * every width from 40 to 200 (each line at most the width, counted in code
 * points as merit_report_width does; rank, id, total and status never
 * dropped; the funding line there once); --top and --around-line on a
 * generated call of 2,966 proposals; and how `merit rank` picks the width
 * (--width, COLUMNS and the terminal's size on a terminal, no limit in a
 * pipe or a file), run through the binary on a pseudo-terminal.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

#include "merit/escape.h"
#include "merit/model.h"
#include "merit/result.h"
#include "report.h"
#include "run_merit.h"

#define MFG MERIT_SOURCE_DIR "/proposals/mfg-2026"
#define FDN MERIT_SOURCE_DIR "/proposals/foundation-2027"
#define GOLDEN MERIT_SOURCE_DIR "/tests/golden/"

/* --- the kit's table and wrapping ------------------------------------------ */

/* What a writer wrote into a memory sink, NUL-terminated. */
struct memsink {
    merit_sink sink;
    FILE *f;
    char *buf;
    size_t size;
};

static void mem_open(struct memsink *m, bool colour)
{
    m->buf = NULL;
    m->size = 0;
    m->f = open_memstream(&m->buf, &m->size);
    assert_non_null(m->f);
    merit_sink_init(&m->sink, m->f, colour);
}

static char *mem_close(struct memsink *m)
{
    assert_int_equal(merit_sink_finish(&m->sink, NULL), 0);
    assert_int_equal(fclose(m->f), 0);
    return m->buf;
}

/* A table of five columns: n (right, kept), id (kept), name (at most 12,
 * shortens down to 5, dropped last), score (right, dropped first), status
 * (kept); a heading row and three rows, the last with two cells only. */
static merit_text_table *sample_table(void)
{
    const merit_text_column cols[] = {
        {MERIT_ALIGN_RIGHT, 0, 0, 0}, {MERIT_ALIGN_LEFT, 0, 0, 0}, {MERIT_ALIGN_LEFT, 1, 12, 5},
        {MERIT_ALIGN_RIGHT, 2, 0, 0}, {MERIT_ALIGN_LEFT, 0, 0, 0},
    };
    merit_text_table *t = merit_text_table_new(cols, 5);
    assert_non_null(t);
    const char *rows[4][5] = {{"n", "id", "name", "score", "status"},
                              {"1", "a", "Alpha Beta Gamma", "7.5", "ok"},
                              {"10", "bb", "Delta", "12.25", "no"},
                              {"3", "c", NULL, NULL, NULL}};
    for (size_t r = 0; r < 4; r++) {
        merit_text_table_row(t, r == 0 ? MERIT_COLOUR_HEADING : MERIT_COLOUR_PLAIN);
        for (size_t c = 0; c < 5; c++)
            if (rows[r][c] != NULL) {
                if (c == 2)
                    merit_text_table_text(t, c, rows[r][c], MERIT_ESCAPE_PROSE);
                else
                    merit_text_table_word(t, c, rows[r][c]);
            }
    }
    assert_int_equal(merit_text_table_error(t), 0);
    assert_int_equal(merit_text_table_rows(t), 4);
    return t;
}

static char *table_at(merit_text_table *t, size_t width, size_t *total_out)
{
    struct memsink m;
    *total_out = merit_text_table_fit(t, width);
    mem_open(&m, false);
    merit_text_table_write(t, &m.sink, 0, merit_text_table_rows(t));
    return mem_close(&m);
}

/*
 * Widths by hand: n 2, id 2, name 11 ("Alpha Beta Gamma" is 16, cut to 12
 * as it is added: 11 code points "Alpha Beta " less the trailing space,
 * then "…"), score 5, status 6; with 4 gaps of 2, 34.
 * At 30: name shortens a column at a time, to 10 "Alpha Bet…", 9, 8, then
 * at 7 to "Alpha…" (6: the space before the cut goes), 29 in all; growing
 * back to 8 would make 31, so it stays.
 * At 22: name shortens to its minimum 5 ("Alph…"; "Delta" fits whole), 28;
 * score drops (drop rank 2), 21; name grows back to 6 ("Alpha…"), 22.
 * At 10: name drops too; n, id and status are kept though they make 14.
 */
static void test_table_fits_by_shortening_then_dropping(void **state)
{
    (void)state;
    merit_text_table *t = sample_table();
    size_t total;
    char *s = table_at(t, 0, &total);
    assert_int_equal(total, 34);
    assert_string_equal(s, " n  id  name         score  status\n"
                           " 1  a   Alpha Beta\xE2\x80\xA6    7.5  ok\n"
                           "10  bb  Delta        12.25  no\n"
                           " 3  c\n");
    free(s);
    s = table_at(t, 34, &total); /* just fits: nothing changes */
    assert_int_equal(total, 34);
    free(s);

    s = table_at(t, 30, &total);
    assert_int_equal(total, 29);
    assert_string_equal(s, " n  id  name    score  status\n"
                           " 1  a   Alpha\xE2\x80\xA6    7.5  ok\n"
                           "10  bb  Delta   12.25  no\n"
                           " 3  c\n");
    free(s);

    s = table_at(t, 22, &total);
    assert_int_equal(total, 22);
    assert_false(merit_text_table_shown(t, 3));
    assert_string_equal(s, " n  id  name    status\n"
                           " 1  a   Alpha\xE2\x80\xA6  ok\n"
                           "10  bb  Delta   no\n"
                           " 3  c\n");
    free(s);

    s = table_at(t, 10, &total);
    assert_int_equal(total, 14);
    assert_false(merit_text_table_shown(t, 2));
    assert_true(merit_text_table_shown(t, 4));
    assert_string_equal(s, " n  id  status\n"
                           " 1  a   ok\n"
                           "10  bb  no\n"
                           " 3  c\n");
    free(s);

    /* a fit anew with no limit shows everything again */
    s = table_at(t, 0, &total);
    assert_int_equal(total, 34);
    free(s);
    merit_text_table_free(t);
    merit_text_table_free(NULL);
}

/* A row's colour slot through the sink: SGR before, reset after, on a
 * colour sink only; input text in a cell is escaped. */
static void test_table_colour_and_escaping(void **state)
{
    (void)state;
    const merit_text_column cols[] = {{MERIT_ALIGN_LEFT, 0, 0, 0}, {MERIT_ALIGN_LEFT, 0, 0, 0}};
    merit_text_table *t = merit_text_table_new(cols, 2);
    assert_non_null(t);
    merit_text_table_row(t, MERIT_COLOUR_FUNDED);
    merit_text_table_text(t, 0, "x\x1b[2Jy", 0);
    merit_text_table_word(t, 1, "z");
    merit_cell money = {.kind = MERIT_CELL_MONEY, .cents = 123456};
    merit_text_table_row(t, MERIT_COLOUR_PLAIN);
    merit_text_table_cell(t, 1, &money, 2);
    merit_text_table_fit(t, 0);
    struct memsink m;
    mem_open(&m, true);
    merit_text_table_write(t, &m.sink, 0, 2);
    char *s = mem_close(&m);
    assert_string_equal(s, "\x1b[32mx\\x1B[2Jy  z\x1b[0m\n"
                           "           1,234.56\n");
    free(s);
    merit_text_table_free(t);
}

static char *wrapped(const char *text, size_t width, size_t indent)
{
    struct memsink m;
    mem_open(&m, false);
    merit_text_wrap(&m.sink, text, width, indent);
    return mem_close(&m);
}

/* Wrapping at spaces with a hanging indent (by hand: 20 columns take
 * "  P06  ineligible: f", which breaks after "ineligible:"; then 16 after
 * the indent); a word wider than a line is cut; an escape is never cut,
 * even when wider than the line; no width: one line as it is. */
static void test_wrap(void **state)
{
    (void)state;
    char *s = wrapped("  P06  ineligible: federal funds may be at most half", 20, 4);
    assert_string_equal(s, "  P06  ineligible:\n    federal funds\n    may be at most\n    half\n");
    free(s);
    s = wrapped("abcdefghijklmnop", 10, 2);
    assert_string_equal(s, "abcdefghij\n  klmnop\n");
    free(s);
    s = wrapped("ab\\u202Ecdefgh", 4, 2);
    assert_string_equal(s, "ab\n\\u202E\ncdef\ngh\n");
    free(s);
    s = wrapped("one two three", 0, 4);
    assert_string_equal(s, "one two three\n");
    free(s);
    char *cut = merit_text_shorten("Hello world", 7);
    assert_string_equal(cut, "Hello\xE2\x80\xA6");
    free(cut);
    cut = merit_text_shorten("Hello", 7);
    assert_string_equal(cut, "Hello");
    free(cut);
}

/* --- the report on the example calls ------------------------------------- */

struct ranked {
    merit_ctx *ctx;
    merit_call *call;
    merit_result *res;
};

static void rank_dir(const char *dir, struct ranked *r)
{
    r->ctx = merit_ctx_new();
    assert_non_null(r->ctx);
    r->call = NULL;
    r->res = NULL;
    int rc = merit_call_load(r->ctx, dir, &r->call);
    if (rc == 0)
        rc = merit_call_rank(r->ctx, r->call, NULL, &r->res);
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

static char *render(const merit_result *res, size_t width, size_t top, size_t around)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    assert_non_null(f);
    merit_report_options opt = {.places = 2, .width = width, .top = top, .around_line = around};
    assert_int_equal(merit_report_file(merit_report_text, f, res, &opt), 0);
    assert_int_equal(fclose(f), 0);
    return buf;
}

/* The lines of a text, each NUL-terminated in a copy; *count_out lines. */
static char **lines_of(const char *text, size_t *count_out)
{
    size_t n = 0, cap = 64;
    char **lines = malloc(cap * sizeof(*lines));
    assert_non_null(lines);
    const char *p = text;
    while (*p) {
        const char *end = strchr(p, '\n');
        assert_non_null(end); /* every line ends with a newline */
        if (n == cap) {
            cap *= 2;
            lines = realloc(lines, cap * sizeof(*lines));
            assert_non_null(lines);
        }
        lines[n++] = strndup(p, (size_t)(end - p));
        p = end + 1;
    }
    *count_out = n;
    return lines;
}

static void lines_free(char **lines, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

static size_t index_of(char **lines, size_t n, const char *prefix)
{
    for (size_t i = 0; i < n; i++)
        if (strncmp(lines[i], prefix, strlen(prefix)) == 0)
            return i;
    return SIZE_MAX;
}

/* Whether `word` is a whole space-separated word of line. */
static bool has_word(const char *line, const char *word)
{
    size_t len = strlen(word);
    for (const char *p = strstr(line, word); p != NULL; p = strstr(p + 1, word))
        if ((p == line || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\0'))
            return true;
    return false;
}

/* What must hold of the report of r at width w (0: none): each line at
 * most w code points; the table's header has rank, id, total and status;
 * every proposal has a row: its rank ("-" when not ranked), its id, its
 * status; one funding line; the header line counts the funded. */
static void check_fits(const struct ranked *r, size_t w, const char *text)
{
    size_t n;
    char **lines = lines_of(text, &n);
    for (size_t i = 0; i < n; i++)
        if (w > 0 && merit_report_width(lines[i]) > w)
            fail_msg("width %zu: line %zu is %zu wide: %s", w, i + 1, merit_report_width(lines[i]),
                     lines[i]);
    size_t head = index_of(lines, n, "rank ");
    assert_true(head != SIZE_MAX);
    assert_true(has_word(lines[head], "id") && has_word(lines[head], "total") &&
                has_word(lines[head], "status"));
    size_t funding = 0;
    for (size_t i = 0; i < n; i++)
        funding += strncmp(lines[i], "---- funding line", 17) == 0;
    assert_int_equal(funding, 1);
    char *funded = t_sprintf("%zu funded ", r->res->funded_count);
    assert_true(index_of(lines, n, funded) != SIZE_MAX);
    free(funded);
    for (size_t k = 0; k < r->res->proposal_count; k++) {
        const merit_proposal_result *pr = &r->res->proposals[r->res->order[k]];
        const char *id = r->call->proposals[pr->proposal].id;
        char *rank = k < r->res->ranked_count
                         ? t_sprintf("%zu%s", pr->rank, pr->rank_shared ? "=" : "")
                         : t_sprintf("-");
        bool found = false;
        for (size_t i = head + 1; i < n && !found; i++) {
            char first[32], second[64];
            if (sscanf(lines[i], "%31s %63s", first, second) == 2 && strcmp(first, rank) == 0 &&
                strcmp(second, id) == 0) {
                found = has_word(lines[i], merit_status_name(pr->status));
                if (!found)
                    fail_msg("width %zu: %s's row has no status: %s", w, id, lines[i]);
            }
        }
        if (!found)
            fail_msg("width %zu: no row '%s %s' in:\n%s", w, rank, id, text);
        free(rank);
    }
    lines_free(lines, n);
}

static void fits_at_every_width(const char *dir)
{
    struct ranked r;
    rank_dir(dir, &r);
    char *unlimited = render(r.res, 0, 0, 0);
    check_fits(&r, 0, unlimited);
    size_t widest = 0, n;
    char **lines = lines_of(unlimited, &n);
    for (size_t i = 0; i < n; i++)
        if (merit_report_width(lines[i]) > widest)
            widest = merit_report_width(lines[i]);
    lines_free(lines, n);
    for (size_t w = 40; w <= 200; w++) {
        char *text = render(r.res, w, 0, 0);
        check_fits(&r, w, text);
        /* as wide as the widest line or wider: the report is unchanged */
        if (w >= widest)
            assert_string_equal(text, unlimited);
        free(text);
    }
    free(unlimited);
    ranked_free(&r);
}

static void test_mfg_fits_every_width(void **state)
{
    (void)state;
    fits_at_every_width(MFG);
}

static void test_foundation_fits_every_width(void **state)
{
    (void)state;
    fits_at_every_width(FDN);
}

/* --- --top and --around-line on a large call ------------------------------- */

static char *scratch;
static struct ranked big;

static int big_setup(void **state)
{
    (void)state;
    scratch = t_tempdir();
    char *dir = t_path(scratch, "gen");
    char *err = t_path(scratch, "gen.err");
    /* 2,966 proposals: the size of the call in issue 12 */
    const char *gen[] = {"merit-gen", "--proposals", "2966", "--reviewers", "60",
                         "--seed",    "12",          "-o",   dir,           NULL};
    int rc = t_run_program(MERIT_GEN_BINARY, NULL, err, gen);
    assert_int_equal(rc, 0);
    rank_dir(dir, &big);
    /* what the checks below need: a line far down, rows on both sides */
    assert_true(big.res->funded_count > 100);
    assert_true(big.res->ranked_count > big.res->funded_count + 100);
    assert_true(big.res->ranked_count + 100 < big.res->proposal_count);
    free(dir);
    free(err);
    return 0;
}

static int big_teardown(void **state)
{
    (void)state;
    ranked_free(&big);
    t_rmtree(scratch);
    free(scratch);
    return 0;
}

/* The ranked rows above the funding line: the funded ones come first. */
static size_t line_of(const merit_result *res)
{
    size_t line = 0;
    for (size_t k = 0; k < res->ranked_count; k++)
        if (res->proposals[res->order[k]].status == MERIT_STATUS_FUNDED)
            line = k + 1;
    return line;
}

/* "  … N more WHAT (counts)" for order[from, to). */
static char *gap_line(const merit_result *res, size_t from, size_t to, const char *what)
{
    size_t count[5] = {0};
    for (size_t k = from; k < to; k++)
        count[res->proposals[res->order[k]].status]++;
    char *s = t_sprintf("  \xE2\x80\xA6 %zu more %s", to - from, what);
    const char *sep = " (";
    for (size_t st = 0; st < 5; st++)
        if (count[st] > 0) {
            char *more = t_sprintf("%s%s%zu %s", s, sep, count[st], merit_status_name(st));
            free(s);
            s = more;
            sep = ", ";
        }
    char *done = t_sprintf("%s)", s);
    free(s);
    return done;
}

/* Row i of lines is the row of order[k]: its rank and id. */
static void expect_row(char **lines, size_t i, size_t k)
{
    const merit_proposal_result *pr = &big.res->proposals[big.res->order[k]];
    char *want = t_sprintf("%zu%s", pr->rank, pr->rank_shared ? "=" : "");
    char first[32], second[64];
    assert_int_equal(sscanf(lines[i], "%31s %63s", first, second), 2);
    if (k >= big.res->ranked_count) {
        free(want);
        want = t_sprintf("-");
    }
    assert_string_equal(first, want);
    assert_string_equal(second, big.call->proposals[pr->proposal].id);
    free(want);
}

/* Every line of text at most w code points. */
static void expect_width(const char *text, size_t w)
{
    size_t n;
    char **lines = lines_of(text, &n);
    for (size_t i = 0; i < n; i++)
        if (merit_report_width(lines[i]) > w)
            fail_msg("line %zu is %zu wide: %s", i + 1, merit_report_width(lines[i]), lines[i]);
    lines_free(lines, n);
}

static size_t declared_conflicts(const merit_call *call)
{
    size_t declared = 0;
    for (size_t i = 0; i < call->conflict_count; i++)
        declared += !call->conflicts[i].from_call;
    return declared;
}

/* Past `count` entries of a list from line i: each starts with two
 * spaces, a wrapped one goes on with four. */
static size_t skip_entries(char **lines, size_t n, size_t i, size_t count)
{
    for (size_t e = 0; e < count; e++) {
        assert_true(i < n && strncmp(lines[i], "  ", 2) == 0 && lines[i][2] != ' ');
        i++;
        while (i < n && strncmp(lines[i], "    ", 4) == 0)
            i++;
    }
    return i;
}

/* The lists under the table, cut to `max` entries each: the reasons, then
 * the declared conflicts (the generated call has a dozen; no exclusions).
 * Returns the line after them. */
static size_t expect_lists(char **lines, size_t n, size_t i, size_t max)
{
    const merit_result *res = big.res;
    size_t unranked = res->proposal_count - res->ranked_count;
    assert_string_equal(lines[i++], "");
    assert_string_equal(lines[i++], "Why not ranked:");
    i = skip_entries(lines, n, i, max);
    char *more = t_sprintf("  \xE2\x80\xA6 and %zu more (all of them without --top and "
                           "--around-line)",
                           unranked - max);
    assert_string_equal(lines[i++], more);
    free(more);
    size_t declared = declared_conflicts(big.call);
    assert_true(declared > max);
    assert_string_equal(lines[i++], "");
    assert_string_equal(lines[i++], "Conflicts declared by reviewers (no review submitted):");
    i = skip_entries(lines, n, i, max);
    more = t_sprintf("  \xE2\x80\xA6 and %zu more (all of them without --top and --around-line)",
                     declared - max);
    assert_string_equal(lines[i++], more);
    free(more);
    assert_true(i < n);
    return i;
}

/* The not-ranked part of the table: the heading, `max` rows in order, a
 * line counting the rest. */
static size_t expect_unranked(char **lines, size_t i, size_t max)
{
    const merit_result *res = big.res;
    assert_string_equal(lines[i++], "not ranked:");
    for (size_t k = 0; k < max; k++)
        expect_row(lines, i++, res->ranked_count + k);
    char *gap = gap_line(res, res->ranked_count + max, res->proposal_count, "not ranked");
    assert_string_equal(lines[i++], gap);
    free(gap);
    return i;
}

static size_t expect_gap(char **lines, size_t i, size_t from, size_t to)
{
    char *gap = gap_line(big.res, from, to, "ranked");
    assert_string_equal(lines[i], gap);
    free(gap);
    return i + 1;
}

/*
 * --top 10: the table's header, the first ten ranked rows in order, a line
 * counting the funded ones left out above the funding line (by status, from
 * the result), the funding line, a line counting the rest of the ranked
 * rows; "not ranked:" with ten rows and a line counting the rest; ten
 * reasons and "… and N more"; ten declared conflicts and "… and N more".
 */
static void test_top(void **state)
{
    (void)state;
    const merit_result *res = big.res;
    size_t line = line_of(res), n;
    char *text = render(res, 100, 10, 0);
    expect_width(text, 100);
    char **lines = lines_of(text, &n);
    size_t i = index_of(lines, n, "rank ");
    assert_true(i != SIZE_MAX);
    i++;
    for (size_t k = 0; k < 10; k++)
        expect_row(lines, i++, k);
    i = expect_gap(lines, i, 10, line);
    char *funding = t_sprintf("---- funding line: USD ");
    assert_true(strncmp(lines[i++], funding, strlen(funding)) == 0);
    free(funding);
    i = expect_gap(lines, i, line, res->ranked_count);
    i = expect_unranked(lines, i, 10);
    expect_lists(lines, n, i, 10);
    lines_free(lines, n);
    free(text);
}

/* --around-line 5: five ranked rows above the line and five below, a line
 * counting those left out on each side; the lists cut to ten. */
static void test_around_line(void **state)
{
    (void)state;
    const merit_result *res = big.res;
    size_t line = line_of(res), n;
    char *text = render(res, 0, 0, 5);
    char **lines = lines_of(text, &n);
    size_t i = index_of(lines, n, "rank ") + 1;
    i = expect_gap(lines, i, 0, line - 5);
    for (size_t k = line - 5; k < line; k++)
        expect_row(lines, i++, k);
    assert_true(strncmp(lines[i++], "---- funding line: ", 19) == 0);
    for (size_t k = line; k < line + 5; k++)
        expect_row(lines, i++, k);
    i = expect_gap(lines, i, line + 5, res->ranked_count);
    i = expect_unranked(lines, i, 10);
    expect_lists(lines, n, i, 10);
    lines_free(lines, n);
    free(text);
}

/* Both: the top three, two rows each side of the line, gaps between; a
 * --top beyond the ranking leaves the report as it is without one. */
static void test_top_and_around_line(void **state)
{
    (void)state;
    const merit_result *res = big.res;
    size_t line = line_of(res), n;
    char *text = render(res, 80, 3, 2);
    expect_width(text, 80);
    char **lines = lines_of(text, &n);
    size_t i = index_of(lines, n, "rank ") + 1;
    for (size_t k = 0; k < 3; k++)
        expect_row(lines, i++, k);
    i = expect_gap(lines, i, 3, line - 2);
    expect_row(lines, i++, line - 2);
    expect_row(lines, i++, line - 1);
    assert_true(strncmp(lines[i++], "---- funding line", 17) == 0);
    expect_row(lines, i++, line);
    expect_row(lines, i++, line + 1);
    i = expect_gap(lines, i, line + 2, res->ranked_count);
    i = expect_unranked(lines, i, 4);
    expect_lists(lines, n, i, 4);
    lines_free(lines, n);
    free(text);

    char *all = render(res, 0, 0, 0);
    text = render(res, 0, res->proposal_count, 0);
    assert_string_equal(text, all);
    free(text);
    free(all);
}

/* --- how merit rank picks the width --------------------------------------- */

/*
 * Runs merit with args on a pseudo-terminal `cols` columns wide, COLUMNS
 * set to columns_env (NULL: unset) and NO_COLOR=1, standard error to
 * err.txt in the current folder. Returns the exit status; *out_out gets
 * what the terminal was sent, its CR LF turned back into LF.
 */
static int run_on_terminal(unsigned short cols, const char *columns_env, const char *const *args,
                           char **out_out)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    assert_true(master >= 0);
    assert_int_equal(grantpt(master), 0);
    assert_int_equal(unlockpt(master), 0);
    struct winsize ws = {.ws_row = 24, .ws_col = cols};
    assert_int_equal(ioctl(master, TIOCSWINSZ, &ws), 0);
    /* the parent holds the terminal open until the child has it */
    int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
    assert_true(slave >= 0);
    const char *argv[32];
    size_t argc = 0;
    argv[argc++] = "merit";
    for (size_t i = 0; args[i] != NULL && argc < 31; i++)
        argv[argc++] = args[i];
    argv[argc] = NULL;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int err = open("err.txt", O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (err < 0 || dup2(slave, 1) < 0 || dup2(err, 2) < 0)
            _exit(126);
        close(master);
        close(slave);
        if (columns_env != NULL)
            setenv("COLUMNS", columns_env, 1);
        else
            unsetenv("COLUMNS");
        setenv("NO_COLOR", "1", 1);
        execv(MERIT_BINARY, (char *const *)(uintptr_t)argv);
        _exit(127);
    }
    close(slave);
    char *out = NULL;
    size_t len = 0;
    char buf[4096];
    for (;;) {
        ssize_t r = read(master, buf, sizeof(buf));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break; /* EIO: the child closed the terminal */
        out = realloc(out, len + (size_t)r + 1);
        assert_non_null(out);
        for (ssize_t k = 0; k < r; k++)
            if (buf[k] != '\r')
                out[len++] = buf[k];
    }
    close(master);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    if (out == NULL)
        out = calloc(1, 1);
    out[len] = '\0';
    *out_out = out;
    return WEXITSTATUS(status);
}

static void expect_golden(const char *got, const char *name)
{
    char *path = t_sprintf(GOLDEN "%s", name);
    char *want = t_read(path, NULL);
    assert_non_null(want);
    if (strcmp(got, want) != 0)
        fail_msg("not %s:\n%s", name, got);
    free(want);
    free(path);
}

static int cli_setup(void **state)
{
    char *dir = t_tempdir();
    assert_int_equal(chdir(dir), 0);
    *state = dir;
    return 0;
}

static int cli_teardown(void **state)
{
    char *dir = *state;
    assert_int_equal(chdir("/"), 0);
    t_rmtree(dir);
    free(dir);
    return 0;
}

/* On a terminal: its width, or COLUMNS when that is a number, or
 * --width (0: no limit); with -o FILE the file gets no limit. Without
 * rank intervals (--resamples 0), as the library ranks for the golden
 * files; test_cli_intervals shows them. */
static void test_cli_terminal_width(void **state)
{
    (void)state;
    const char *rank[] = {"rank", MFG, "--resamples", "0", NULL};
    char *out;
    assert_int_equal(run_on_terminal(80, NULL, rank, &out), 0);
    expect_golden(out, "mfg-2026-w80.txt");
    free(out);
    assert_int_equal(run_on_terminal(200, "60", rank, &out), 0);
    expect_golden(out, "mfg-2026-w60.txt");
    free(out);
    assert_int_equal(run_on_terminal(80, "wide", rank, &out), 0); /* not a number */
    expect_golden(out, "mfg-2026-w80.txt");
    free(out);
    const char *unlimited[] = {"rank", MFG, "--width", "0", "--resamples", "0", NULL};
    assert_int_equal(run_on_terminal(60, "60", unlimited, &out), 0);
    expect_golden(out, "mfg-2026.txt");
    free(out);
    const char *width[] = {"rank", MFG, "--width", "60", "--resamples", "0", NULL};
    assert_int_equal(run_on_terminal(80, "100", width, &out), 0);
    expect_golden(out, "mfg-2026-w60.txt");
    free(out);
    const char *to_file[] = {"rank", MFG, "-o", "report.txt", "--resamples", "0", NULL};
    assert_int_equal(run_on_terminal(60, "60", to_file, &out), 0);
    assert_string_equal(out, "");
    free(out);
    out = t_read("report.txt", NULL);
    expect_golden(out, "mfg-2026.txt");
    free(out);
}

/* In a pipe or a file: no limit, whatever COLUMNS says, unless --width. */
static void test_cli_pipe_width(void **state)
{
    (void)state;
    assert_int_equal(setenv("COLUMNS", "60", 1), 0);
    assert_int_equal(
        t_run_merit("out.txt", "err.txt", "rank", MFG, "--resamples", "0", (const char *)NULL), 0);
    char *out = t_read("out.txt", NULL);
    expect_golden(out, "mfg-2026.txt");
    free(out);
    assert_int_equal(t_run_merit("out.txt", "err.txt", "rank", MFG, "--width", "80", "--resamples",
                                 "0", (const char *)NULL),
                     0);
    out = t_read("out.txt", NULL);
    expect_golden(out, "mfg-2026-w80.txt");
    free(out);
    assert_int_equal(unsetenv("COLUMNS"), 0);
}

/* The command's default: rank intervals from 1000 resamples, the interval
 * column, the grey-zone flag G and their legends (docs/cli.md); the same
 * figures as merit stats shows (tests/golden/stats-mfg-2026.txt). */
static void test_cli_intervals(void **state)
{
    (void)state;
    assert_int_equal(t_run_merit("out.txt", "err.txt", "rank", MFG, (const char *)NULL), 0);
    char *out = t_read("out.txt", NULL);
    expect_golden(out, "mfg-2026-intervals.txt");
    free(out);
}

/* The options' usage errors. */
static void test_cli_usage(void **state)
{
    (void)state;
    static const struct {
        const char *args[6];
        const char *err;
    } cases[] = {
        {{"rank", MFG, "--width", "5"},
         "merit: error: rank: --width takes 0 (no limit) or a number of columns from 20 to "
         "10000\n"},
        {{"rank", MFG, "--width"},
         "merit: error: rank: --width takes 0 (no limit) or a number of columns from 20 to "
         "10000\n"},
        {{"rank", MFG, "--top", "-3"},
         "merit: error: rank: --top takes a whole number of rows, 0 for all\n"},
        {{"rank", MFG, "--around-line", "x"},
         "merit: error: rank: --around-line takes a whole number of rows, 0 for all\n"},
        {{"rank", MFG, "--top", "3", "--format", "csv"},
         "merit: error: rank: --width, --top and --around-line go with --format text\n"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int argc = 0;
        while (argc < 6 && cases[i].args[argc] != NULL)
            argc++;
        assert_int_equal(t_run_merit_argv("out.txt", "err.txt", argc, cases[i].args), 2);
        T_EXPECT_FILE("out.txt", "");
        char *err = t_read("err.txt", NULL);
        assert_non_null(err);
        if (strncmp(err, cases[i].err, strlen(cases[i].err)) != 0)
            fail_msg("case %zu: got %s", i, err);
        free(err);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_fits_by_shortening_then_dropping),
        cmocka_unit_test(test_table_colour_and_escaping),
        cmocka_unit_test(test_wrap),
        cmocka_unit_test(test_mfg_fits_every_width),
        cmocka_unit_test(test_foundation_fits_every_width),
    };
    const struct CMUnitTest big_tests[] = {
        cmocka_unit_test(test_top),
        cmocka_unit_test(test_around_line),
        cmocka_unit_test(test_top_and_around_line),
    };
    const struct CMUnitTest cli_tests[] = {
        cmocka_unit_test_setup_teardown(test_cli_terminal_width, cli_setup, cli_teardown),
        cmocka_unit_test_setup_teardown(test_cli_pipe_width, cli_setup, cli_teardown),
        cmocka_unit_test_setup_teardown(test_cli_intervals, cli_setup, cli_teardown),
        cmocka_unit_test_setup_teardown(test_cli_usage, cli_setup, cli_teardown),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    failed += cmocka_run_group_tests(big_tests, big_setup, big_teardown);
    failed += cmocka_run_group_tests(cli_tests, NULL, NULL);
    return failed;
}
