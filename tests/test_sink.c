/*
 * The output kit (merit/report.h): what each escaper writes, byte for byte,
 * the hash of what passed, the first error kept, colour slots only when
 * asked, and cells' shown and exact values.
 *
 * Expected strings are written out by hand from the rules in merit/report.h
 * (RFC 4180 for CSV, RFC 8259 section 7 for JSON, XML 1.0 section 2.4 for
 * character data, the HTML standard's five characters for markup). The
 * SHA-256 of "abc" is FIPS 180-2's example (appendix B.1).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "merit/escape.h"
#include "merit/report.h"

/* Runs one escaper over text into memory and compares with want. */
static void check(void (*escape)(merit_sink *, const char *), const char *text, const char *want)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&buf, &size);
    assert_non_null(mem);
    merit_sink sink;
    merit_sink_init(&sink, mem, false);
    escape(&sink, text);
    assert_int_equal(merit_sink_finish(&sink, NULL), 0);
    fclose(mem);
    if (strcmp(buf, want) != 0) {
        print_error("'%s' written as '%s', expected '%s'\n", text, buf, want);
        fail();
    }
    assert_int_equal(sink.size, strlen(want));
    free(buf);
}

static void csv_input(merit_sink *s, const char *t)
{
    merit_sink_csv_field(s, t, true);
}
static void csv_own(merit_sink *s, const char *t)
{
    merit_sink_csv_field(s, t, false);
}
static void shown_prose(merit_sink *s, const char *t)
{
    merit_sink_shown(s, t, MERIT_ESCAPE_PROSE);
}

static void csv_fields(void **state)
{
    (void)state;
    check(csv_input, "plain", "plain");
    check(csv_input, "a,b", "\"a,b\"");
    check(csv_input, "say \"hi\"", "\"say \"\"hi\"\"\"");
    check(csv_input, "\"", "\"\"\"\"");
    check(csv_input, "line\r\nbreak", "\"line\r\nbreak\"");
    /* a formula from an input is marked; merit's own number is not */
    check(csv_input, "=1+1", "'=1+1");
    check(csv_input, "-3/2", "'-3/2");
    check(csv_own, "-3/2", "-3/2");
    check(csv_input, "=a,\"b\"", "\"'=a,\"\"b\"\"\"");
    check(csv_input, "", "");
}

static void json_strings(void **state)
{
    (void)state;
    check(merit_sink_json_string, "plain", "\"plain\"");
    check(merit_sink_json_string, "q\"b\\", "\"q\\\"b\\\\\"");
    check(merit_sink_json_string, "a\nb\tc\rd", "\"a\\nb\\tc\\rd\"");
    check(merit_sink_json_string, "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"");
    /* UTF-8 passes; a stray continuation byte becomes U+FFFD */
    check(merit_sink_json_string, "caf\xC3\xA9", "\"caf\xC3\xA9\"");
    check(merit_sink_json_string, "a\x80z", "\"a\xEF\xBF\xBDz\"");
}

static void xml_text_and_attributes(void **state)
{
    (void)state;
    check(merit_sink_xml_text, "a<b>&c \"q\"\n", "a&lt;b&gt;&amp;c \"q\"\n");
    check(merit_sink_xml_text, "cr\r", "cr&#13;");
    check(merit_sink_xml_attr, "a\"b\tc\nd<", "a&quot;b&#9;c&#10;d&lt;");
}

static void html_text(void **state)
{
    (void)state;
    check(merit_sink_html, "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
    check(merit_sink_html, "O'Neil & \"Sons\"", "O&#39;Neil &amp; &quot;Sons&quot;");
    check(merit_sink_html, "tab\tline\n", "tab\tline\n");
    check(merit_sink_html, "bell\x07", "bell\xEF\xBF\xBD");
    check(merit_sink_html, "\xC3(", "\xEF\xBF\xBD(");
    check(merit_sink_html, "\xE2\x9C\x93 ok", "\xE2\x9C\x93 ok");
}

/* Markdown: each character CommonMark (and GitHub's autolinks) can act on,
 * by the list in merit/report.h, written with a backslash before it. */
static void markdown_text(void **state)
{
    (void)state;
    check(merit_sink_markdown, "plain words, 6.5% of it", "plain words, 6.5% of it");
    check(merit_sink_markdown, "*bold* _em_ `code`", "\\*bold\\* \\_em\\_ \\`code\\`");
    check(merit_sink_markdown, "[link](http://x.org)", "\\[link\\]\\(http\\://x.org\\)");
    check(merit_sink_markdown, "<script>alert(1)</script>",
          "\\<script\\>alert\\(1\\)\\</script\\>");
    check(merit_sink_markdown, "a\\b &amp; | ~ $x$ @me !",
          "a\\\\b \\&amp; \\| \\~ \\$x\\$ \\@me \\!");
    check(merit_sink_markdown, "see www.example.com", "see www\\.example.com");
    /* what starts a block at the start of a line: a heading, a list item, a
     * setext underline, an indented code block */
    check(merit_sink_markdown, "# not a heading", "\\# not a heading");
    check(merit_sink_markdown, "12. not an item", "12\\. not an item");
    check(merit_sink_markdown, "- no + item", "\\- no \\+ item");
    check(merit_sink_markdown, "=== x = y", "\\=== x = y");
    check(merit_sink_markdown, "    code", "&#32;   code");
    /* line breaks stay inside the line; controls and invalid UTF-8 go */
    check(merit_sink_markdown, "one\ntwo\r\nthree\tfour", "one two  three four");
    check(merit_sink_markdown, "\nstart", "&#32;start");
    check(merit_sink_markdown, "bell\x07 esc\x1b", "bell\xEF\xBF\xBD esc\xEF\xBF\xBD");
    check(merit_sink_markdown, "\xC2\x9B csi \xE2\x80\xAE rlo \xC3(",
          "\xEF\xBF\xBD csi \xEF\xBF\xBD rlo \xEF\xBF\xBD\\(");
    check(merit_sink_markdown, "caf\xC3\xA9 \xE2\x9C\x93", "caf\xC3\xA9 \xE2\x9C\x93");
    check(merit_sink_markdown, "", "");
}

static void terminal_text(void **state)
{
    (void)state;
    /* merit/escape.h's rule: ESC as \x1B; a tab in prose as a space */
    check(shown_prose, "red\x1b[31m", "red\\x1B[31m");
    check(shown_prose, "a\\xb", "a\\\\xb"); /* before x: doubled */
    check(shown_prose, "a\\d", "a\\d");     /* before d: as it is */
    check(shown_prose, "a\tb", "a b");
    check(shown_prose, "plain", "plain");
}

static void hash_and_first_error(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&buf, &size);
    assert_non_null(mem);
    merit_sink sink;
    merit_sink_init(&sink, mem, false);
    merit_sink_puts(&sink, "a");
    merit_sink_printf(&sink, "%s", "bc");
    unsigned char digest[32];
    assert_int_equal(merit_sink_finish(&sink, digest), 0);
    static const unsigned char abc[32] = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea,
                                          0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
                                          0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
                                          0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
    assert_memory_equal(digest, abc, 32);

    /* after an error nothing more is written (not even what the sink held:
     * a failed output is discarded whole), and the first error stays */
    merit_sink_init(&sink, mem, false);
    merit_sink_puts(&sink, "x");
    merit_sink_take(&sink, NULL); /* out of memory */
    merit_sink_fail(&sink, MERIT_EIO);
    merit_sink_puts(&sink, "y");
    assert_false(merit_sink_ok(&sink));
    assert_int_equal(merit_sink_finish(&sink, NULL), MERIT_ENOMEM);
    fclose(mem);
    assert_string_equal(buf, "abc");
    free(buf);
}

/* Small writes are held and passed on in blocks: the bytes and the hash
 * are those of the writes in order, across block boundaries and a write
 * larger than a block. Expected: the same bytes written in one piece and
 * hashed by merit_sha256. */
static void blocks_keep_order_and_hash(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&buf, &size);
    assert_non_null(mem);
    size_t total = 3 * sizeof(((merit_sink *)NULL)->block) + 17;
    char *want = malloc(total);
    assert_non_null(want);
    for (size_t i = 0; i < total; i++)
        want[i] = (char)('a' + i % 26);
    merit_sink sink;
    merit_sink_init(&sink, mem, false);
    size_t at = 0, piece = 1;
    while (at < total) { /* pieces of 1, 2, 3, ... bytes, then one large one */
        size_t n = at > total / 2 ? total - at : piece++;
        if (n > total - at)
            n = total - at;
        merit_sink_write(&sink, want + at, n);
        at += n;
    }
    unsigned char digest[32], expected[32];
    assert_int_equal(merit_sink_finish(&sink, digest), 0);
    fclose(mem);
    assert_int_equal(size, total);
    assert_memory_equal(buf, want, total);
    assert_int_equal(merit_sha256(want, total, expected), 0);
    assert_memory_equal(digest, expected, 32);
    free(want);
    free(buf);
}

/* A sink without its running hash (merit_sink_init_unhashed, for the audit
 * trail, whose file hash nobody asks for) writes the same bytes, across
 * blocks, keeps the first error, and gives 32 zero bytes as its digest. */
static void unhashed_sink(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&buf, &size);
    assert_non_null(mem);
    size_t total = 2 * sizeof(((merit_sink *)NULL)->block) + 5;
    merit_sink sink;
    merit_sink_init_unhashed(&sink, mem, false);
    for (size_t i = 0; i < total; i++)
        merit_sink_putc(&sink, (char)('a' + i % 26));
    unsigned char digest[32], zero[32] = {0};
    memset(digest, 0xff, sizeof(digest));
    assert_int_equal(merit_sink_finish(&sink, digest), 0);
    assert_memory_equal(digest, zero, 32);
    fflush(mem);
    assert_int_equal(size, total);
    for (size_t i = 0; i < total; i++)
        assert_int_equal(buf[i], (char)('a' + i % 26));

    merit_sink_init_unhashed(&sink, mem, false);
    merit_sink_puts(&sink, "x");
    merit_sink_fail(&sink, MERIT_EIO);
    merit_sink_puts(&sink, "y");
    assert_int_equal(merit_sink_finish(&sink, NULL), MERIT_EIO);
    fclose(mem);
    assert_int_equal(size, total);
    free(buf);
}

static void long_printf_and_spaces(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&buf, &size);
    assert_non_null(mem);
    merit_sink sink;
    merit_sink_init(&sink, mem, false);
    char long_text[1000];
    memset(long_text, 'z', sizeof(long_text) - 1);
    long_text[sizeof(long_text) - 1] = '\0';
    merit_sink_printf(&sink, "[%s]", long_text);
    merit_sink_spaces(&sink, 70);
    assert_int_equal(merit_sink_finish(&sink, NULL), 0);
    fclose(mem);
    assert_int_equal(size, 1001 + 70);
    assert_int_equal(buf[0], '[');
    assert_int_equal(buf[1000], ']');
    assert_int_equal(buf[1070], ' ');
    free(buf);
}

static void colour_only_when_asked(void **state)
{
    (void)state;
    for (int on = 0; on < 2; on++) {
        char *buf = NULL;
        size_t size = 0;
        FILE *mem = open_memstream(&buf, &size);
        assert_non_null(mem);
        merit_sink sink;
        merit_sink_init(&sink, mem, on == 1);
        merit_sink_colour(&sink, merit_status_colour(MERIT_STATUS_FUNDED));
        merit_sink_puts(&sink, "F");
        merit_sink_colour(&sink, MERIT_COLOUR_PLAIN);
        assert_int_equal(merit_sink_finish(&sink, NULL), 0);
        fclose(mem);
        assert_string_equal(buf, on ? "\x1b[32mF\x1b[0m" : "F");
        free(buf);
    }
    assert_int_equal(merit_status_colour(MERIT_STATUS_RESERVE), MERIT_COLOUR_RESERVE);
    assert_int_equal(merit_status_colour(MERIT_STATUS_INELIGIBLE), MERIT_COLOUR_MUTED);
}

static void cells(void **state)
{
    (void)state;
    mpq_t seven_halves;
    mpq_init(seven_halves);
    mpq_set_ui(seven_halves, 7, 2);
    /* 7/2 = 3.5: one place gives 3.5; none gives 4 (half to even: 3.5 -> 4) */
    merit_cell n = {.kind = MERIT_CELL_NUMBER, .number = seven_halves};
    char *s = merit_cell_shown(&n, 1);
    assert_string_equal(s, "3.5");
    free(s);
    s = merit_cell_shown(&n, 0);
    assert_string_equal(s, "4");
    free(s);
    s = merit_cell_exact(&n);
    assert_string_equal(s, "7/2");
    free(s);
    mpq_clear(seven_halves);

    merit_cell money = {.kind = MERIT_CELL_MONEY, .cents = 150000050};
    s = merit_cell_shown(&money, 2);
    assert_string_equal(s, "1,500,000.50");
    free(s);
    assert_null(merit_cell_exact(&money));
    merit_cell count = {.kind = MERIT_CELL_COUNT, .count = 42};
    s = merit_cell_shown(&count, 2);
    assert_string_equal(s, "42");
    free(s);
    merit_cell empty = {.kind = MERIT_CELL_EMPTY};
    s = merit_cell_shown(&empty, 2);
    assert_string_equal(s, "");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(csv_fields),
        cmocka_unit_test(json_strings),
        cmocka_unit_test(xml_text_and_attributes),
        cmocka_unit_test(html_text),
        cmocka_unit_test(markdown_text),
        cmocka_unit_test(terminal_text),
        cmocka_unit_test(hash_and_first_error),
        cmocka_unit_test(blocks_keep_order_and_hash),
        cmocka_unit_test(unhashed_sink),
        cmocka_unit_test(long_printf_and_spaces),
        cmocka_unit_test(colour_only_when_asked),
        cmocka_unit_test(cells),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
