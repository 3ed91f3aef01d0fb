/*
 * The escaping rule for what merit shows on a terminal (merit/escape.h):
 * every class it escapes with the code points on either side of it, invalid
 * UTF-8 of every kind, the backslash rule read back exactly, cutting escaped
 * text, the CSV formula rule, and diagnostics (message and file name).
 *
 * Expected strings are written out by hand from the rule: a byte as \xHH,
 * a code point as \uHHHH, its UTF-8 taken from the Unicode tables (U+009B is
 * C2 9B, U+202E is E2 80 AE, U+061C is D8 9C).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "merit/escape.h"
#include "support.h"

#define NAME 0u
#define PROSE MERIT_ESCAPE_PROSE

/* text escaped with flags must give want */
static void check_n(const char *text, size_t len, unsigned flags, const char *want, int line)
{
    char *got = malloc(MERIT_ESCAPE_BOUND(len));
    assert_non_null(got);
    size_t n = merit_escape_buf(got, MERIT_ESCAPE_BOUND(len), text, len, flags);
    if (strcmp(got, want) != 0 || n != strlen(want)) {
        print_error("line %d: escaped as '%s' (%zu bytes), expected '%s'\n", line, got, n, want);
        fail();
    }
    /* the predicate agrees with the result */
    bool changed = n != len || memcmp(got, text, len) != 0;
    if (merit_escape_needed(text, len, flags) != changed) {
        print_error("line %d: merit_escape_needed says %d\n", line, !changed);
        fail();
    }
    free(got);
}
#define check(text, flags, want) check_n(text, strlen(text), flags, want, __LINE__)

static void test_plain_text_unchanged(void **state)
{
    (void)state;
    check("", NAME, "");
    check("P03", NAME, "P03");
    check("Fast, \"cheap\" widgets 'quoted'", PROSE, "Fast, \"cheap\" widgets 'quoted'");
    /* UTF-8 of every length: é (2), € (3), 😀 (4), and the last code point */
    check("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF", NAME,
          "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF");
    /* invisible characters that change no other text are shown as they are:
     * ZWSP, ZWNJ, ZWJ (emoji, Persian), WJ, BOM, NBSP, soft hyphen */
    check("\xE2\x80\x8B\xE2\x80\x8C\xE2\x80\x8D\xE2\x81\xA0\xEF\xBB\xBF\xC2\xA0\xC2\xAD", NAME,
          "\xE2\x80\x8B\xE2\x80\x8C\xE2\x80\x8D\xE2\x81\xA0\xEF\xBB\xBF\xC2\xA0\xC2\xAD");
}

static void test_c0_and_del(void **state)
{
    (void)state;
    check("a\x1b[31mred", NAME, "a\\x1B[31mred");
    check("\x1b]0;title\x07", PROSE, "\\x1B]0;title\\x07");
    check("\x01\x1f\x7f", PROSE, "\\x01\\x1F\\x7F");
    check_n("a\0b", 3, NAME, "a\\x00b", __LINE__);
    /* 0x20 and 0x7E are the edges of what is shown */
    check(" ~", NAME, " ~");
    /* tab, LF, CR: layout in prose, escaped in a name */
    check("a\tb\nc\rd", PROSE, "a b c d");
    check("a\tb\nc\rd", NAME, "a\\x09b\\x0Ac\\x0Dd");
    /* the forged diagnostic line stays on its line */
    check("x.xml\ncall.xml:1:1: error: FORGED LINE", NAME,
          "x.xml\\x0Acall.xml:1:1: error: FORGED LINE");
}

static void test_c1_controls(void **state)
{
    (void)state;
    /* U+0080 and U+009F are the ends of C1; U+00A0 (no-break space) is not */
    check("\xC2\x80|\xC2\x9F|\xC2\xA0", NAME, "\\u0080|\\u009F|\xC2\xA0");
    /* U+009B is CSI in one character; U+0085 NEL is C1 in prose too */
    check("\xC2\x9B"
          "31m",
          PROSE, "\\u009B31m");
    check("a\xC2\x85"
          "b",
          PROSE, "a\\u0085b");
}

static void test_bidi_and_separators(void **state)
{
    (void)state;
    /* embeddings and overrides U+202A-U+202E; U+2029 and U+202F beside them */
    check("\xE2\x80\xAA\xE2\x80\xAB\xE2\x80\xAC\xE2\x80\xAD\xE2\x80\xAE", NAME,
          "\\u202A\\u202B\\u202C\\u202D\\u202E");
    check("\xE2\x80\xAF", NAME, "\xE2\x80\xAF");
    /* isolates U+2066-U+2069; U+2065 and U+206A beside them are not */
    check("\xE2\x81\xA5\xE2\x81\xA6\xE2\x81\xA7\xE2\x81\xA8\xE2\x81\xA9\xE2\x81\xAA", NAME,
          "\xE2\x81\xA5\\u2066\\u2067\\u2068\\u2069\xE2\x81\xAA");
    /* marks: LRM U+200E, RLM U+200F, ALM U+061C; ZWJ U+200D and U+2010,
     * U+061B and U+061D beside them are not */
    check("\xE2\x80\x8D\xE2\x80\x8E\xE2\x80\x8F\xE2\x80\x90", NAME,
          "\xE2\x80\x8D\\u200E\\u200F\xE2\x80\x90");
    check("\xD8\x9B\xD8\x9C\xD8\x9D", NAME, "\xD8\x9B\\u061C\xD8\x9D");
    /* an unclosed RLO in a title */
    check("Nice \xE2\x80\xAEtxt.exe", PROSE, "Nice \\u202Etxt.exe");
    /* line and paragraph separators: a space in prose, escaped in a name;
     * U+2027 before them is not */
    check("a\xE2\x80\xA8"
          "b\xE2\x80\xA9"
          "c\xE2\x80\xA7",
          PROSE, "a b c\xE2\x80\xA7");
    check("a\xE2\x80\xA8"
          "b\xE2\x80\xA9"
          "c",
          NAME, "a\\u2028b\\u2029c");
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    check("\xff", NAME, "\\xFF");
    check("a\xfe\xf5z", NAME, "a\\xFE\\xF5z");
    /* stray continuation bytes */
    check("\x80\xbf", NAME, "\\x80\\xBF");
    /* C1 as a raw byte is not UTF-8: a byte, not a code point */
    check("\x9b"
          "31m",
          NAME, "\\x9B31m");
    /* overlong forms: C0 80 (NUL), C1 BF, E0 80 80, E0 9F BF, F0 80 80 80 */
    check("\xc0\x80", NAME, "\\xC0\\x80");
    check("\xc1\xbf", NAME, "\\xC1\\xBF");
    check("\xe0\x80\x80", NAME, "\\xE0\\x80\\x80");
    check("\xe0\x9f\xbf", NAME, "\\xE0\\x9F\\xBF");
    check("\xe0\xa0\x80", NAME, "\xe0\xa0\x80"); /* U+0800, the first 3-byte one */
    check("\xf0\x80\x80\x80", NAME, "\\xF0\\x80\\x80\\x80");
    /* surrogates (ED A0 80 = U+D800) and beyond U+10FFFF (F4 90 80 80) */
    check("\xed\xa0\x80", NAME, "\\xED\\xA0\\x80");
    check("\xed\x9f\xbf", NAME, "\xed\x9f\xbf"); /* U+D7FF, just below */
    check("\xf4\x90\x80\x80", NAME, "\\xF4\\x90\\x80\\x80");
    /* truncated sequences: at the end, and before an ASCII byte */
    check("a\xe2\x80", NAME, "a\\xE2\\x80");
    check("\xe2\x80"
          "A",
          NAME, "\\xE2\\x80A");
    check("\xf0\x9f\x98", NAME, "\\xF0\\x9F\\x98");
    /* a truncated C1 sequence (C2 at the end) */
    check("\xc2", NAME, "\\xC2");
}

static void test_backslash(void **state)
{
    (void)state;
    /* a backslash before anything but x, u or a backslash is itself */
    check("\\d+\\s", NAME, "\\d+\\s");
    check("C:\\data\\", NAME, "C:\\data\\");
    /* typed escapes are not taken for merit's */
    check("\\x1B[31m", NAME, "\\\\x1B[31m");
    check("\\u202E", PROSE, "\\\\u202E");
    check("\\\\", NAME, "\\\\\\");
    /* before an escaped character the backslash is doubled */
    check("\\\x1b", NAME, "\\\\\\x1B");
    check("\\\xC2\x9B", NAME, "\\\\\\u009B");
    check("\\\xff", NAME, "\\\\\\xFF");
    /* before a line break: prose shows a space, a name the escape */
    check("\\\n", PROSE, "\\ ");
    check("\\\n", NAME, "\\\\\\x0A");
}

/* Reads escaped text back by the rule: \\ one backslash, \xHH a byte,
 * \uHHHH a code point, any other backslash itself. */
static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static size_t unescape(const char *e, unsigned char *out)
{
    size_t o = 0;
    for (size_t i = 0; e[i];) {
        if (e[i] == '\\' && e[i + 1] == '\\') {
            out[o++] = '\\';
            i += 2;
        } else if (e[i] == '\\' && e[i + 1] == 'x' && hexval(e[i + 2]) >= 0 &&
                   hexval(e[i + 3]) >= 0) {
            out[o++] = (unsigned char)(hexval(e[i + 2]) * 16 + hexval(e[i + 3]));
            i += 4;
        } else if (e[i] == '\\' && e[i + 1] == 'u' && hexval(e[i + 2]) >= 0 &&
                   hexval(e[i + 3]) >= 0 && hexval(e[i + 4]) >= 0 && hexval(e[i + 5]) >= 0) {
            unsigned cp = (unsigned)(hexval(e[i + 2]) << 12 | hexval(e[i + 3]) << 8 |
                                     hexval(e[i + 4]) << 4 | hexval(e[i + 5]));
            if (cp < 0x800) {
                out[o++] = (unsigned char)(0xC0 | cp >> 6);
            } else {
                out[o++] = (unsigned char)(0xE0 | cp >> 12);
                out[o++] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
            }
            out[o++] = (unsigned char)(0x80 | (cp & 0x3F));
            i += 6;
        } else {
            out[o++] = (unsigned char)e[i++];
        }
    }
    return o;
}

/* What escaped text must never hold: a control byte, DEL, invalid UTF-8, a
 * C1 control, a bidi control or a line separator. */
static void assert_shown_safe(const char *e)
{
    const unsigned char *s = (const unsigned char *)e;
    size_t len = strlen(e);
    for (size_t i = 0; i < len;) {
        size_t n = merit__utf8_length(s + i, len - i);
        assert_int_not_equal(n, 0);
        assert_false(s[i] < 0x20 || s[i] == 0x7F);
        assert_false(n == 2 && s[i] == 0xC2 && s[i + 1] <= 0x9F);
        if (n == 3) {
            unsigned cp = (unsigned)(s[i] & 0x0F) << 12 | (unsigned)(s[i + 1] & 0x3F) << 6 |
                          (s[i + 2] & 0x3Fu);
            assert_false(cp == 0x200E || cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) ||
                         (cp >= 0x2066 && cp <= 0x2069));
        }
        if (n == 2) {
            unsigned cp = (unsigned)(s[i] & 0x1F) << 6 | (s[i + 1] & 0x3Fu);
            assert_int_not_equal(cp, 0x061C);
        }
        i += n;
    }
}

/* Random byte strings, drawn mostly from the characters that matter here
 * (a fixed seed: the same strings every run), escaped as names, are safe
 * and read back exactly. */
static void test_reads_back_exactly(void **state)
{
    (void)state;
    static const char *const pieces[] = {"\\",
                                         "x",
                                         "u",
                                         "1B",
                                         "202E",
                                         "a",
                                         " ",
                                         "\x1b",
                                         "\n",
                                         "\t",
                                         "\x7f",
                                         "\xff",
                                         "\x80",
                                         "\xC2\x9B",
                                         "\xC2\xA0",
                                         "\xE2\x80\xAE",
                                         "\xE2\x81\xA6",
                                         "\xE2\x80\xA8",
                                         "\xD8\x9C",
                                         "\xE2\x80",
                                         "\xF0\x9F\x98\x80",
                                         "\xED\xA0\x80",
                                         "\xC0\x80",
                                         "\xC3\xA9",
                                         "'",
                                         "\""};
    const size_t np = sizeof(pieces) / sizeof(pieces[0]);
    uint64_t seed = 88172645463325252ull;
    for (int round = 0; round < 20000; round++) {
        unsigned char text[128];
        size_t len = 0;
        int count = (int)(seed % 12);
        for (int k = 0; k < count; k++) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            const char *p = pieces[seed % np];
            memcpy(text + len, p, strlen(p));
            len += strlen(p);
        }
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        text[len] = '\0';
        char e[MERIT_ESCAPE_BOUND(128)];
        size_t n = merit_escape_buf(e, sizeof(e), (const char *)text, len, NAME);
        assert_true(n < sizeof(e));
        assert_shown_safe(e);
        unsigned char back[128 + 8];
        size_t blen = unescape(e, back);
        if (blen != len || memcmp(back, text, len) != 0) {
            print_error("'%s' does not read back (round %d)\n", e, round);
            fail();
        }
        /* prose differs only in layout characters, and is as safe */
        char p[MERIT_ESCAPE_BOUND(128)];
        merit_escape_buf(p, sizeof(p), (const char *)text, len, PROSE);
        assert_shown_safe(p);
    }
}

static void test_buffer_and_malloc(void **state)
{
    (void)state;
    /* snprintf's contract: the whole length returned, the output cut and
     * NUL-terminated */
    char small[6];
    assert_int_equal(merit_escape_buf(small, sizeof(small),
                                      "a\x1b"
                                      "bc",
                                      4, NAME),
                     7);
    assert_string_equal(small, "a\\x1B");
    assert_int_equal(merit_escape_buf(NULL, 0, "\xff\xff", 2, NAME), 8);
    /* the bound holds for the worst byte */
    char worst[MERIT_ESCAPE_BOUND(3)];
    assert_int_equal(merit_escape_buf(worst, sizeof(worst), "\xff\xff\xff", 3, NAME), 12);
    assert_string_equal(worst, "\\xFF\\xFF\\xFF");
    char *s = merit_escape("t\xE2\x80\xAE", PROSE);
    assert_string_equal(s, "t\\u202E");
    free(s);
    s = merit_escape("plain", PROSE);
    assert_string_equal(s, "plain");
    free(s);
    /* out of memory: NULL */
    merit__alloc_fail_at(1);
    assert_null(merit_escape("a\x1b", NAME));
    merit__alloc_fail_at(0);
}

static void test_cut(void **state)
{
    (void)state;
    size_t w;
    /* "ab\x1Bcd": the escape is four columns and is never cut apart */
    assert_int_equal(merit_escape_cut("ab\\x1Bcd", 3, &w), 2);
    assert_int_equal(w, 2);
    assert_int_equal(merit_escape_cut("ab\\x1Bcd", 5, &w), 2);
    assert_int_equal(merit_escape_cut("ab\\x1Bcd", 6, &w), 6);
    assert_int_equal(w, 6);
    assert_int_equal(merit_escape_cut("\\u202Ex", 5, &w), 0);
    assert_int_equal(merit_escape_cut("\\u202Ex", 6, &w), 6);
    /* a doubled backslash is one piece of two columns */
    assert_int_equal(merit_escape_cut("\\\\x1B", 1, &w), 0);
    assert_int_equal(merit_escape_cut("\\\\x1B", 2, &w), 2);
    /* a lone backslash is one column */
    assert_int_equal(merit_escape_cut("\\d", 1, &w), 1);
    /* UTF-8 characters are one column each and kept whole: "été" */
    assert_int_equal(merit_escape_cut("\xC3\xA9t\xC3\xA9", 2, &w), 3);
    assert_int_equal(w, 2);
    assert_int_equal(merit_escape_cut("short", 80, &w), 5);
    assert_int_equal(w, 5);
}

static void test_csv_formula_rule(void **state)
{
    (void)state;
    static const char *const quoted[] = {"=HYPERLINK(\"http://x\")",
                                         "+1",
                                         "-1+2",
                                         "@SUM(A1)",
                                         "\t=1",
                                         "\rx",
                                         "\nx",
                                         "'quoted",
                                         "'",
                                         "  =1",
                                         " -2",
                                         " @x"};
    for (size_t i = 0; i < sizeof(quoted) / sizeof(quoted[0]); i++)
        if (!merit_csv_needs_apostrophe(quoted[i])) {
            print_error("'%s' is not marked\n", quoted[i]);
            fail();
        }
    static const char *const plain[] = {"", "Best one", "a=b", "1-2", " x", "P01", "x'", "\"=1\""};
    for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
        if (merit_csv_needs_apostrophe(plain[i])) {
            print_error("'%s' is marked\n", plain[i]);
            fail();
        }
}

/* A diagnostic's message and file name are escaped when printed; the file
 * in the model stays as the user named it. */
static void test_diagnostics(void **state)
{
    (void)state;
    merit_ctx *ctx = merit_ctx_new();
    assert_non_null(ctx);
    const char *file = "p\n\x1b]0;x\x07\xE2\x80\xAE.xml";
    merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, file, 3, 7, "title '%s' is bad",
                "a\x1b[2J\xC2\x9B\xE2\x80\xAE\xff\tz");
    const merit_diag *d = merit_ctx_diag(ctx, 0);
    assert_string_equal(d->file, file);
    assert_string_equal(d->message, "title 'a\\x1B[2J\\u009B\\u202E\\xFF z' is bad");
    char *line = merit_diag_format(d);
    assert_string_equal(line, "p\\x0A\\x1B]0;x\\x07\\u202E.xml:3:7: error: title "
                              "'a\\x1B[2J\\u009B\\u202E\\xFF z' is bad");
    free(line);
    /* without a line or column the file is escaped too */
    merit__diag(ctx, MERIT_SEVERITY_WARNING, MERIT_DIAG_IO, "a\nb", 0, 0, "gone");
    line = merit_diag_format(merit_ctx_diag(ctx, 1));
    assert_string_equal(line, "a\\x0Ab: warning: gone");
    free(line);
    merit__diag(ctx, MERIT_SEVERITY_NOTE, MERIT_DIAG_INVALID, "a\\x.xml", 2, 0, "see");
    line = merit_diag_format(merit_ctx_diag(ctx, 2));
    assert_string_equal(line, "a\\\\x.xml:2: note: see");
    free(line);
    /* a long quoted value is shortened, then escaped: the cut never falls
     * inside an escape */
    char value[200];
    memset(value, 'v', sizeof(value) - 1);
    value[sizeof(value) - 1] = '\0';
    value[0] = '\x1b';
    merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, "f", 1, 1, "id '%s' too long",
                value);
    assert_string_equal(merit_ctx_diag(ctx, 3)->message,
                        "id '\\x1Bvvvvvvvvvvvvvvvvvvvvvvvvvvv...vvvvvvvvvvvvvvvvvvvvvvvvvvvv' too "
                        "long");
    merit_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_text_unchanged),
        cmocka_unit_test(test_c0_and_del),
        cmocka_unit_test(test_c1_controls),
        cmocka_unit_test(test_bidi_and_separators),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_backslash),
        cmocka_unit_test(test_reads_back_exactly),
        cmocka_unit_test(test_buffer_and_malloc),
        cmocka_unit_test(test_cut),
        cmocka_unit_test(test_csv_formula_rule),
        cmocka_unit_test(test_diagnostics),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
