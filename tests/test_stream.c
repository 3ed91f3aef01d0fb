/*
 * Streaming bundles (xml_input.c): a <sheets> or <proposals> bundle is read
 * record by record, each record validated on its own and freed after it is
 * handed over. What must hold: every record is handed over once, in file
 * order; places in diagnostics are exact however far into the file (past
 * the window of bytes held, on one line or many, with multi-byte
 * characters); the file's SHA-256 is that of its bytes; a bundle with an
 * error hands nothing over after the error; what stands between records
 * (text, foreign elements) is still reported.
 */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "merit/model.h"
#include "xml_input.h"

/* A bundle of n empty sheets for reviewers R00000..; the sheet at index
 * `bad` (if < n) carries an attribute the schema does not allow. One
 * record per line when `lines`, else all on the header's second line. Each
 * record holds a comment with a two-byte character (é) before its end tag,
 * so that columns (characters) and byte offsets differ. */
static char *sheets_bundle(size_t n, size_t bad, bool lines)
{
    size_t cap = 128 + n * 80;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t o =
        (size_t)snprintf(text, cap, "<?xml version=\"1.0\"?>\n<sheets xmlns=\"urn:merit:1\">");
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(text + o, cap - o,
                              "%s<sheet reviewer=\"R%05zu\" call=\"C1\"%s><!--é--></sheet>",
                              lines ? "\n  " : "", i, i == bad ? " bogus=\"1\"" : "");
    o += (size_t)snprintf(text + o, cap - o, "%s</sheets>\n", lines ? "\n" : "");
    return text;
}

struct handed {
    size_t count;
    char first[16], last[16];
};

static int count_record(void *user, struct merit_xml_doc *doc, const xmlNode *record)
{
    (void)doc;
    struct handed *h = user;
    const char *who = merit__xml_attr(record, "reviewer");
    snprintf(h->count == 0 ? h->first : h->last, sizeof(h->first), "%s", who ? who : "?");
    if (h->count == 0)
        snprintf(h->last, sizeof(h->last), "%s", who ? who : "?");
    h->count++;
    return 0;
}

static int stream(struct t_scratch *s, const char *name, struct handed *h,
                  struct merit_xml_stream *st)
{
    memset(h, 0, sizeof(*h));
    memset(st, 0, sizeof(*st));
    st->kind = MERIT_SCHEMA_SHEET;
    st->on_record = count_record;
    st->user = h;
    return merit__xml_stream_file(s->ctx, name, st);
}

/* 20,000 records of about 60 bytes: 1.2 MB, several times the 256 KiB read
 * at a time, so that the window of held bytes moves many times. */
#define RECORDS 20000

static void every_record_once_in_order_and_the_hash_of_the_bytes(void **state)
{
    struct t_scratch *s = *state;
    char *text = sheets_bundle(RECORDS, SIZE_MAX, true);
    t_write(s->dir, "b.xml", text);
    struct handed h;
    struct merit_xml_stream st;
    assert_int_equal(stream(s, "b.xml", &h, &st), 0);
    T_EXPECT_NO_DIAGS(s->ctx);
    assert_true(st.file_ok);
    assert_true(st.bundle);
    assert_int_equal(st.found, MERIT_SCHEMA_SHEET);
    assert_int_equal(st.records, RECORDS);
    assert_int_equal(h.count, RECORDS);
    assert_string_equal(h.first, "R00000");
    assert_string_equal(h.last, "R19999");
    /* the hash is computed while reading: it must be the file's */
    unsigned char want[32];
    assert_int_equal(merit_sha256(text, strlen(text), want), 0);
    assert_true(st.hashed);
    assert_int_equal(st.bytes, strlen(text));
    assert_memory_equal(st.sha256, want, 32);
    free(text);
}

/* The line and column of `needle`'s first occurrence in text, counted the
 * way a reader counts: lines from 1, columns in characters from 1. This is
 * the expectation, computed independently of the reader's window. */
static void place_of(const char *text, const char *needle, uint32_t *line, uint32_t *col)
{
    const char *at = strstr(text, needle);
    assert_non_null(at);
    *line = 1;
    *col = 1;
    for (const char *p = text; p < at; p++) {
        if (*p == '\n') {
            (*line)++;
            *col = 1;
        } else if (((unsigned char)*p & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

static void check_bad_attribute_place(struct t_scratch *s, bool lines)
{
    /* record 15,000 of 20,000: about 900 KB in, far past the first window */
    char *text = sheets_bundle(RECORDS, 15000, lines);
    t_write(s->dir, "b.xml", text);
    uint32_t line, col;
    place_of(text, "bogus=", &line, &col);
    struct handed h;
    struct merit_xml_stream st;
    assert_int_equal(stream(s, "b.xml", &h, &st), MERIT_EINVALID);
    assert_false(st.file_ok);
    /* records before the bad one were handed over; none after it */
    assert_int_equal(h.count, 15000);
    assert_string_equal(h.last, "R14999");
    assert_int_equal(merit_ctx_diag_count(s->ctx), 1);
    const merit_diag *d = merit_ctx_diag(s->ctx, 0);
    assert_string_equal(d->file, "b.xml");
    assert_int_equal(d->line, line);
    assert_int_equal(d->column, col);
    assert_non_null(strstr(d->message, "attribute 'bogus'"));
    if (!lines) {
        /* on one line, the column is the count of characters before the
         * attribute: 15,000 records each with one two-byte character */
        assert_int_equal(line, 2);
        assert_int_equal(col, (uint32_t)(strstr(text, "bogus=") - strchr(text, '\n')) - 15000);
    }
    free(text);
}

static void places_are_exact_far_into_the_file(void **state)
{
    check_bad_attribute_place(*state, true);
}

static void places_are_exact_on_one_long_line(void **state)
{
    check_bad_attribute_place(*state, false);
}

/* A check inside one record, far into the file, with a note pointing back
 * into the same record. */
static void record_checks_point_into_the_record(void **state)
{
    struct t_scratch *s = *state;
    char *bundle = sheets_bundle(RECORDS, SIZE_MAX, true);
    char *text = t_replace(bundle, "<sheet reviewer=\"R17000\" call=\"C1\"><!--é--></sheet>",
                           "<sheet reviewer=\"R17000\" call=\"C1\">\n"
                           "    <review proposal=\"P1\" confidence=\"3\"><score criterion=\"a\" "
                           "value=\"1\"/></review>\n"
                           "    <review proposal=\"P1\" confidence=\"3\"><score criterion=\"a\" "
                           "value=\"2\"/></review>\n"
                           "  </sheet>");
    t_write(s->dir, "b.xml", text);
    const char *first = strstr(text, "<review proposal=\"P1\"");
    uint32_t line1, col1, line2, col2;
    place_of(text, "<review proposal=\"P1\"", &line1, &col1);
    place_of(first + 1, "<review proposal=\"P1\"", &line2, &col2);
    line2 += line1 - 1; /* counted from the first review's line */
    assert_int_equal(line2, line1 + 1);
    const char *kind;
    size_t count;
    assert_int_equal(merit_file_validate(s->ctx, "b.xml", &kind, &count), MERIT_EINVALID);
    assert_string_equal(kind, "score-sheet bundle");
    assert_int_equal(count, RECORDS);
    /* the second review's proposal= is 5 columns after its '<' (col2) */
    char *want_error = t_sprintf("reviewer 'R17000' reviews proposal 'P1' twice");
    T_EXPECT_DIAGS(s->ctx, T_ERROR("b.xml", line2, col2 + 8, want_error),
                   T_NOTE("b.xml", line1, col1, "first reviewed here"));
    free(want_error);
    free(text);
    free(bundle);
}

/* Text and foreign elements between records: the bundle's root check still
 * sees them, although records are freed as they go. */
static void what_stands_between_records_is_reported(void **state)
{
    struct t_scratch *s = *state;
    t_write(s->dir, "text.xml",
            "<?xml version=\"1.0\"?>\n"
            "<sheets xmlns=\"urn:merit:1\">\n"
            "  <sheet reviewer=\"R1\" call=\"C1\"/>\n"
            "  stray words\n"
            "  <sheet reviewer=\"R2\" call=\"C1\"/>\n"
            "</sheets>\n");
    struct handed h;
    struct merit_xml_stream st;
    assert_int_equal(stream(s, "text.xml", &h, &st), MERIT_EINVALID);
    assert_false(st.file_ok);
    assert_int_equal(merit_ctx_diag_count(s->ctx), 1);
    const merit_diag *d = merit_ctx_diag(s->ctx, 0);
    assert_int_equal(d->line, 2); /* at the bundle's root */
    assert_int_equal(d->column, 1);
    assert_string_equal(d->message,
                        "text cannot come inside <sheets>: a <sheets> holds any number of <sheet>");
    merit_ctx_clear_diags(s->ctx);

    t_write(s->dir, "elem.xml",
            "<?xml version=\"1.0\"?>\n"
            "<sheets xmlns=\"urn:merit:1\">\n"
            "  <sheet reviewer=\"R1\" call=\"C1\"/>\n"
            "  <stray/>\n"
            "  <sheet reviewer=\"R2\" call=\"C1\"/>\n"
            "</sheets>\n");
    assert_int_equal(stream(s, "elem.xml", &h, &st), MERIT_EINVALID);
    assert_int_equal(merit_ctx_diag_count(s->ctx), 1);
    d = merit_ctx_diag(s->ctx, 0);
    assert_int_equal(d->line, 4);
    assert_non_null(strstr(d->message, "stray"));
    merit_ctx_clear_diags(s->ctx);

    /* after a record that breaks its schema, in the same run: what stands
     * between the records is checked at the end all the same (it used to
     * go unsaid until the record was mended) */
    t_write(s->dir, "both.xml",
            "<?xml version=\"1.0\"?>\n"
            "<sheets xmlns=\"urn:merit:1\">\n"
            "  <sheet reviewer=\"R1\" call=\"C1\" bogus=\"1\"/>\n"
            "  <stray/>\n"
            "</sheets>\n");
    assert_int_equal(stream(s, "both.xml", &h, &st), MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx,
                   /* "  <sheet reviewer=\"R1\" call=\"C1\" " is 33 bytes */
                   T_ERROR("both.xml", 3, 34,
                           "attribute 'bogus' is not allowed on <sheet> (it takes 'reviewer' and "
                           "'call')"),
                   T_ERROR("both.xml", 4, 3,
                           "<stray> does not belong in <sheets>: a <sheets> holds any number of "
                           "<sheet>"));
}

/* Not well-formed half-way: the records before were handed over (the
 * caller takes them back), the stream says the file is not good, and the
 * bytes were all read and hashed all the same. */
static void broken_half_way(void **state)
{
    struct t_scratch *s = *state;
    char *bundle = sheets_bundle(RECORDS, SIZE_MAX, true);
    char *text = t_replace(bundle, "<sheet reviewer=\"R10000\" call=\"C1\">",
                           "<sheet reviewer=\"R10000\" call=\"C1\"><oops>");
    t_write(s->dir, "b.xml", text);
    struct handed h;
    struct merit_xml_stream st;
    assert_int_equal(stream(s, "b.xml", &h, &st), MERIT_EINVALID);
    assert_false(st.file_ok);
    assert_int_equal(h.count, 10000);
    assert_true(merit_ctx_error_count(s->ctx) >= 1);
    const merit_diag *d = merit_ctx_diag(s->ctx, 0);
    uint32_t line, col;
    place_of(text, "</sheet>\n  <sheet reviewer=\"R10001\"", &line, &col);
    assert_int_equal(d->line, line); /* the mismatched end tag's line */
    free(text);
    free(bundle);
}

/* The column of the k-th (from 0) occurrence of needle in text, counted in
 * characters from the start of its line. */
static uint32_t column_of_nth(const char *text, const char *needle, size_t k)
{
    const char *at = text;
    for (size_t i = 0; i <= k; i++) {
        at = strstr(i == 0 ? at : at + 1, needle);
        assert_non_null(at);
    }
    const char *line = at;
    while (line > text && line[-1] != '\n')
        line--;
    uint32_t col = 1;
    for (const char *p = line; p < at; p++)
        col += ((unsigned char)*p & 0xC0) != 0x80;
    return col;
}

/* Every record of a bundle on one line of 1.4 MB has an attribute the
 * schema does not allow: 20,000 errors. The first 1,000 are kept, then a
 * note, and all 20,000 count; with the limit raised, the last one, 1.4 MB
 * along the line and far past the window's first bytes, is still at its
 * exact column (characters: each record holds a two-byte é). (Before: all
 * 20,000 kept, each column counted from the window's start.) */
static void every_record_wrong_on_one_line(void **state)
{
    struct t_scratch *s = *state;
    char *one = sheets_bundle(RECORDS, SIZE_MAX, false);
    size_t len = strlen(one);
    char *text = malloc(len + RECORDS * 11 + 1);
    assert_non_null(text);
    size_t o = 0;
    for (const char *p = one; *p;) {
        const char *rec = strstr(p, " call=\"C1\">");
        if (rec == NULL) {
            memcpy(text + o, p, strlen(p) + 1);
            break;
        }
        rec += strlen(" call=\"C1\"");
        memcpy(text + o, p, (size_t)(rec - p));
        o += (size_t)(rec - p);
        memcpy(text + o, " bogus=\"1\"", 10);
        o += 10;
        p = rec;
    }
    free(one);
    t_write(s->dir, "b.xml", text);
    struct handed h;
    struct merit_xml_stream st;
    assert_int_equal(stream(s, "b.xml", &h, &st), MERIT_EINVALID);
    assert_int_equal(merit_ctx_error_count(s->ctx), RECORDS);
    assert_int_equal(merit_ctx_diag_count(s->ctx), 1001);
    const merit_diag *d = merit_ctx_diag(s->ctx, 999);
    assert_int_equal(d->line, 2);
    assert_int_equal(d->column, column_of_nth(text, "bogus=", 999));
    d = merit_ctx_diag(s->ctx, 1000);
    assert_int_equal(d->severity, MERIT_SEVERITY_NOTE);
    assert_string_equal(d->message, "19000 more diagnostics in this file not shown (the "
                                    "'diagnostics' limit is 1000)");
    merit_ctx_clear_diags(s->ctx);

    merit_limits limits = {.max_diagnostics = RECORDS};
    merit_ctx_set_limits(s->ctx, &limits);
    assert_int_equal(stream(s, "b.xml", &h, &st), MERIT_EINVALID);
    assert_int_equal(merit_ctx_diag_count(s->ctx), RECORDS);
    d = merit_ctx_diag(s->ctx, RECORDS - 1);
    assert_int_equal(d->line, 2);
    assert_int_equal(d->column, column_of_nth(text, "bogus=", RECORDS - 1));
    free(text);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, t_scratch_setup, t_scratch_teardown)
    const struct CMUnitTest tests[] = {
        T(every_record_once_in_order_and_the_hash_of_the_bytes),
        T(places_are_exact_far_into_the_file),
        T(places_are_exact_on_one_long_line),
        T(record_checks_point_into_the_record),
        T(what_stands_between_records_is_reported),
        T(broken_half_way),
        T(every_record_wrong_on_one_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
