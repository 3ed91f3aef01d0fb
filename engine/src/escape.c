/* Showing text from inputs safely: see merit/escape.h for the rule. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "merit/escape.h"

size_t merit__utf8_length(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    size_t n;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4;
    else
        return 0; /* a continuation byte, an overlong lead (C0, C1), or F5-FF */
    if (n > avail)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    /* overlong three- and four-byte forms, surrogates, above U+10FFFF */
    if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0) || (c == 0xF0 && s[1] < 0x90) ||
        (c == 0xF4 && s[1] >= 0x90))
        return 0;
    return n;
}

bool merit_utf8_valid(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0; i < len;) {
        size_t n = merit__utf8_length(s + i, len - i);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

/* How one character (or one invalid byte) of the text is shown. */
enum shown {
    SHOWN_AS_IS,
    SHOWN_BYTE,  /* \xHH */
    SHOWN_CODE,  /* \uHHHH */
    SHOWN_SPACE, /* one space (prose layout) */
};

struct unit {
    size_t n; /* bytes of the text it takes */
    enum shown how;
    uint32_t code; /* the code point, for SHOWN_CODE */
};

static bool escaped_code_point(uint32_t cp)
{
    return (cp >= 0x80 && cp <= 0x9F)                      /* C1 controls */
           || cp == 0x061C || cp == 0x200E || cp == 0x200F /* bidi marks */
           || (cp >= 0x202A && cp <= 0x202E)               /* embeddings, overrides */
           || (cp >= 0x2066 && cp <= 0x2069);              /* isolates */
}

static struct unit unit_at(const unsigned char *s, size_t avail, unsigned flags)
{
    bool prose = (flags & MERIT_ESCAPE_PROSE) != 0;
    unsigned char c = s[0];
    if (c < 0x20 || c == 0x7F) {
        bool layout = c == '\t' || c == '\n' || c == '\r';
        return (struct unit){1, layout && prose ? SHOWN_SPACE : SHOWN_BYTE, 0};
    }
    if (c < 0x80)
        return (struct unit){1, SHOWN_AS_IS, 0};
    size_t n = merit__utf8_length(s, avail);
    if (n == 0)
        return (struct unit){1, SHOWN_BYTE, 0};
    uint32_t cp = n == 2 ? (uint32_t)(c & 0x1F) << 6 | (s[1] & 0x3Fu)
                  : n == 3
                      ? (uint32_t)(c & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3Fu)
                      : 0x10000; /* four bytes: none of them is escaped */
    if (cp == 0x2028 || cp == 0x2029)
        return (struct unit){n, prose ? SHOWN_SPACE : SHOWN_CODE, cp};
    return (struct unit){n, escaped_code_point(cp) ? SHOWN_CODE : SHOWN_AS_IS, cp};
}

/* A backslash is doubled when the next character shown starts with x, u or
 * a backslash: then "\\" never begins an escape, and reading back is exact. */
static bool backslash_doubled(const unsigned char *s, size_t avail, unsigned flags)
{
    if (avail < 2)
        return false;
    struct unit next = unit_at(s + 1, avail - 1, flags);
    return next.how == SHOWN_BYTE || next.how == SHOWN_CODE ||
           (next.how == SHOWN_AS_IS && (s[1] == 'x' || s[1] == 'u' || s[1] == '\\'));
}

/* Output with snprintf's contract: what fits is written, all is counted. */
struct sink {
    char *out;
    size_t size;
    size_t len;
};

static void put(struct sink *k, const void *bytes, size_t n)
{
    if (k->len < k->size) {
        size_t room = k->size - k->len;
        memcpy(k->out + k->len, bytes, n < room ? n : room);
    }
    k->len += n;
}

static const char hex[] = "0123456789ABCDEF";

size_t merit_escape_buf(char *out, size_t size, const char *text, size_t len, unsigned flags)
{
    struct sink k = {out, size > 0 ? size - 1 : 0, 0};
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < len) {
        /* a run shown as it is, copied whole */
        size_t run = i;
        for (;;) {
            if (run >= len || s[run] == '\\')
                break;
            if (s[run] >= 0x20 && s[run] < 0x7F) {
                run++;
                continue;
            }
            struct unit u = unit_at(s + run, len - run, flags);
            if (u.how != SHOWN_AS_IS)
                break;
            run += u.n;
        }
        put(&k, s + i, run - i);
        i = run;
        if (i >= len)
            break;
        if (s[i] == '\\') {
            put(&k, "\\\\", backslash_doubled(s + i, len - i, flags) ? 2 : 1);
            i++;
            continue;
        }
        struct unit u = unit_at(s + i, len - i, flags);
        if (u.how == SHOWN_SPACE) {
            put(&k, " ", 1);
        } else if (u.how == SHOWN_BYTE) {
            char e[4] = {'\\', 'x', hex[s[i] >> 4], hex[s[i] & 15]};
            put(&k, e, 4);
        } else {
            char e[6] = {'\\',
                         'u',
                         hex[(u.code >> 12) & 15],
                         hex[(u.code >> 8) & 15],
                         hex[(u.code >> 4) & 15],
                         hex[u.code & 15]};
            put(&k, e, 6);
        }
        i += u.n;
    }
    if (size > 0)
        out[k.len < size - 1 ? k.len : size - 1] = '\0';
    return k.len;
}

bool merit_escape_needed(const char *text, size_t len, unsigned flags)
{
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0; i < len;) {
        if (s[i] >= 0x20 && s[i] < 0x7F && s[i] != '\\') {
            i++;
            continue;
        }
        if (s[i] == '\\') {
            if (backslash_doubled(s + i, len - i, flags))
                return true;
            i++;
            continue;
        }
        struct unit u = unit_at(s + i, len - i, flags);
        if (u.how != SHOWN_AS_IS)
            return true;
        i += u.n;
    }
    return false;
}

char *merit_escape(const char *text, unsigned flags)
{
    size_t len = strlen(text);
    if (!merit_escape_needed(text, len, flags))
        return merit__strdup(text);
    size_t need = merit_escape_buf(NULL, 0, text, len, flags);
    char *out = merit__malloc(need + 1);
    if (out != NULL)
        merit_escape_buf(out, need + 1, text, len, flags);
    return out;
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

/* The bytes of the escape or character that starts escaped text at p, read
 * as the rule reads it back. */
static size_t token_length(const char *p)
{
    if (p[0] == '\\') {
        if (p[1] == '\\')
            return 2;
        if (p[1] == 'x' && is_hex(p[2]) && is_hex(p[3]))
            return 4;
        if (p[1] == 'u' && is_hex(p[2]) && is_hex(p[3]) && is_hex(p[4]) && is_hex(p[5]))
            return 6;
        return 1;
    }
    size_t n = 1;
    while (((unsigned char)p[n] & 0xC0) == 0x80)
        n++;
    return n;
}

size_t merit_escape_cut(const char *escaped, size_t columns, size_t *width_out)
{
    size_t at = 0, width = 0;
    while (escaped[at] != '\0') {
        size_t n = token_length(escaped + at);
        /* an escape is as wide as its ASCII; a character is one column */
        size_t w = escaped[at] == '\\' ? n : 1;
        if (width + w > columns)
            break;
        at += n;
        width += w;
    }
    if (width_out != NULL)
        *width_out = width;
    return at;
}

bool merit_csv_needs_apostrophe(const char *text)
{
    if (text[0] == '\'' || text[0] == '\t' || text[0] == '\r' || text[0] == '\n')
        return true;
    const char *p = text;
    while (*p == ' ')
        p++;
    return *p == '=' || *p == '+' || *p == '-' || *p == '@';
}
