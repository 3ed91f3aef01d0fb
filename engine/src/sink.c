/* The output kit's sink, escapers, colour slots and cells: see
 * merit/report.h. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "merit/escape.h"
#include "merit/report.h"

void merit_sink_init(merit_sink *sink, FILE *out, bool colour)
{
    *sink = (merit_sink){.out = out, .colour = colour};
    sink->hash = merit_sha256_begin();
    if (sink->hash == NULL)
        sink->error = MERIT_ENOMEM;
}

void merit_sink_init_unhashed(merit_sink *sink, FILE *out, bool colour)
{
    *sink = (merit_sink){.out = out, .colour = colour};
}

/* Hashes and writes what the sink holds. */
static void pass_on(merit_sink *sink, const void *bytes, size_t size)
{
    if (sink->error != 0 || size == 0)
        return;
    if (sink->hash != NULL && merit_sha256_add(sink->hash, bytes, size) != 0)
        merit_sink_fail(sink, MERIT_ENOMEM);
    else if (fwrite(bytes, 1, size, sink->out) != size)
        merit_sink_fail(sink, MERIT_EIO);
}

static void flush_block(merit_sink *sink)
{
    pass_on(sink, sink->block, sink->held);
    sink->held = 0;
}

int merit_sink_finish(merit_sink *sink, unsigned char sha256_out[32])
{
    unsigned char digest[32] = {0};
    flush_block(sink);
    if (sink->hash != NULL && merit_sha256_end(sink->hash, digest) != 0)
        merit_sink_fail(sink, MERIT_ENOMEM);
    sink->hash = NULL;
    if (sha256_out != NULL)
        memcpy(sha256_out, digest, sizeof(digest));
    return sink->error;
}

void merit_sink_fail(merit_sink *sink, int error)
{
    if (sink->error == 0)
        sink->error = error != 0 ? error : MERIT_EIO;
}

bool merit_sink_ok(const merit_sink *sink)
{
    return sink->error == 0;
}

void merit_sink_write(merit_sink *sink, const void *bytes, size_t size)
{
    if (sink->error != 0 || size == 0)
        return;
    sink->size += size;
    if (sink->held + size > sizeof(sink->block))
        flush_block(sink);
    if (size >= sizeof(sink->block)) {
        pass_on(sink, bytes, size);
        return;
    }
    memcpy(sink->block + sink->held, bytes, size);
    sink->held += size;
}

void merit_sink_puts(merit_sink *sink, const char *text)
{
    merit_sink_write(sink, text, strlen(text));
}

void merit_sink_putc(merit_sink *sink, char c)
{
    merit_sink_write(sink, &c, 1);
}

void merit_sink_printf(merit_sink *sink, const char *format, ...)
{
    if (sink->error != 0)
        return;
    char small[256];
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(small, sizeof(small), format, ap);
    va_end(ap);
    if (n < 0) {
        merit_sink_fail(sink, MERIT_EIO);
        return;
    }
    if ((size_t)n < sizeof(small)) {
        merit_sink_write(sink, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (big == NULL) {
        merit_sink_fail(sink, MERIT_ENOMEM);
        return;
    }
    va_start(ap, format);
    vsnprintf(big, (size_t)n + 1, format, ap);
    va_end(ap);
    merit_sink_write(sink, big, (size_t)n);
    free(big);
}

void merit_sink_spaces(merit_sink *sink, size_t count)
{
    static const char spaces[] = "                                ";
    while (count > 0) {
        size_t n = count < sizeof(spaces) - 1 ? count : sizeof(spaces) - 1;
        merit_sink_write(sink, spaces, n);
        count -= n;
    }
}

void merit_sink_take(merit_sink *sink, char *owned)
{
    if (owned == NULL) {
        merit_sink_fail(sink, MERIT_ENOMEM);
        return;
    }
    merit_sink_puts(sink, owned);
    free(owned);
}

/* --- escaping --------------------------------------------------------------- */

void merit_sink_shown(merit_sink *sink, const char *text, unsigned flags)
{
    size_t len = strlen(text);
    if (!merit_escape_needed(text, len, flags)) {
        merit_sink_write(sink, text, len);
        return;
    }
    merit_sink_take(sink, merit_escape(text, flags));
}

void merit_sink_csv_field(merit_sink *sink, const char *text, bool from_input)
{
    bool mark = from_input && merit_csv_needs_apostrophe(text);
    bool quote = strpbrk(text, ",\"\r\n") != NULL;
    if (quote)
        merit_sink_putc(sink, '"');
    if (mark)
        merit_sink_putc(sink, '\'');
    if (!quote) {
        merit_sink_puts(sink, text);
        return;
    }
    const char *run = text;
    for (const char *p = text; *p; p++)
        if (*p == '"') {
            merit_sink_write(sink, run, (size_t)(p + 1 - run)); /* the quote, doubled below */
            run = p;
        }
    merit_sink_puts(sink, run);
    merit_sink_putc(sink, '"');
}

/* The ASCII bytes each escaper replaces besides the control characters. */
enum { SPECIAL_JSON = 1, SPECIAL_XML = 2, SPECIAL_HTML = 4 };
static const unsigned char specials[128] = {
    ['"'] = SPECIAL_JSON | SPECIAL_XML | SPECIAL_HTML,
    ['\\'] = SPECIAL_JSON,
    ['&'] = SPECIAL_XML | SPECIAL_HTML,
    ['<'] = SPECIAL_XML | SPECIAL_HTML,
    ['>'] = SPECIAL_XML | SPECIAL_HTML,
    ['\''] = SPECIAL_HTML,
};

/* Writes text, replacing each byte for which `with` gives a replacement,
 * and each invalid UTF-8 sequence with U+FFFD when check_utf8. `with` is
 * asked only about control characters and the bytes marked `special`: the
 * runs between them are written whole. */
static void escape_runs(merit_sink *sink, const char *text, unsigned special, bool check_utf8,
                        const char *(*with)(unsigned char c, char buf[8], const void *arg),
                        const void *arg)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t len = strlen(text), run = 0;
    char buf[8];
    /* invalid UTF-8 is rare: then every byte is looked at */
    bool byte_by_byte = check_utf8 && !merit_utf8_valid(text, len);
    for (size_t i = 0; i < len;) {
        while (!byte_by_byte && i < len &&
               (s[i] >= 0x80 || (s[i] >= 0x20 && s[i] != 0x7F && !(specials[s[i]] & special))))
            i++;
        if (i >= len)
            break;
        size_t n = 1;
        const char *replacement = NULL;
        if (s[i] < 0x80) {
            replacement = with(s[i], buf, arg);
        } else if (check_utf8) {
            n = merit__utf8_length(s + i, len - i);
            if (n == 0) {
                n = 1;
                replacement = "\xEF\xBF\xBD";
            }
        }
        if (replacement != NULL) {
            merit_sink_write(sink, s + run, i - run);
            merit_sink_puts(sink, replacement);
            run = i + n;
        }
        i += n;
    }
    merit_sink_write(sink, s + run, len - run);
}

static const char *json_with(unsigned char c, char buf[8], const void *arg)
{
    (void)arg;
    switch (c) {
    case '"':
        return "\\\"";
    case '\\':
        return "\\\\";
    case '\n':
        return "\\n";
    case '\r':
        return "\\r";
    case '\t':
        return "\\t";
    default:
        break;
    }
    if (c < 0x20 || c == 0x7F) {
        snprintf(buf, 8, "\\u%04x", c);
        return buf;
    }
    return NULL;
}

void merit_sink_json_string(merit_sink *sink, const char *text)
{
    merit_sink_putc(sink, '"');
    escape_runs(sink, text, SPECIAL_JSON, true, json_with, NULL);
    merit_sink_putc(sink, '"');
}

const char *merit__xml_replacement(unsigned char c, bool attr)
{
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '\r':
        return "&#13;";
    case '"':
        return attr ? "&quot;" : NULL;
    case '\t':
        return attr ? "&#9;" : NULL;
    case '\n':
        return attr ? "&#10;" : NULL;
    default:
        return NULL;
    }
}

static const char *xml_with(unsigned char c, char buf[8], const void *arg)
{
    (void)buf;
    return merit__xml_replacement(c, *(const bool *)arg);
}

void merit_sink_xml_text(merit_sink *sink, const char *text)
{
    bool attr = false;
    escape_runs(sink, text, SPECIAL_XML, false, xml_with, &attr);
}

void merit_sink_xml_attr(merit_sink *sink, const char *text)
{
    bool attr = true;
    escape_runs(sink, text, SPECIAL_XML, false, xml_with, &attr);
}

static const char *html_with(unsigned char c, char buf[8], const void *arg)
{
    (void)buf;
    (void)arg;
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        return "&#39;";
    case '\t':
    case '\n':
        return NULL;
    default:
        break;
    }
    return c < 0x20 || c == 0x7F ? "\xEF\xBF\xBD" : NULL;
}

void merit_sink_html(merit_sink *sink, const char *text)
{
    escape_runs(sink, text, SPECIAL_HTML, true, html_with, NULL);
}

/* Markdown: what the character at s + i (n bytes; 0: not UTF-8) is
 * written as: NULL for a backslash and itself, "" for itself (the caller
 * still checks the characters that are active only in some places). */
static const char *markdown_with(const unsigned char *s, size_t i, size_t n)
{
    static const char active[] = "\\`*_{}[]()<>#+-!|~&$@";
    unsigned char c = s[i];
    if (n == 0)
        return "\xEF\xBF\xBD"; /* not UTF-8 */
    if (n == 1) {
        if (c == '\t' || c == '\n' || c == '\r')
            return i == 0 ? "&#32;" : " ";
        if (c < 0x20 || c == 0x7F)
            return "\xEF\xBF\xBD";
        if (i == 0 && c == ' ')
            return "&#32;";
        if (c != 0 && strchr(active, c) != NULL)
            return NULL; /* escaped by the caller: a backslash, then itself */
        return "";
    }
    if (n == 2 && c == 0xC2 && s[i + 1] <= 0x9F)
        return "\xEF\xBF\xBD"; /* C1 control */
    if (n == 2 && c == 0xD8 && s[i + 1] == 0x9C)
        return "\xEF\xBF\xBD"; /* U+061C */
    if (n == 3 && c == 0xE2 && s[i + 1] == 0x80) {
        unsigned char d = s[i + 2];
        if (d == 0xA8 || d == 0xA9)
            return i == 0 ? "&#32;" : " "; /* line and paragraph separators */
        if (d == 0x8E || d == 0x8F || (d >= 0xAA && d <= 0xAE))
            return "\xEF\xBF\xBD";
    }
    if (n == 3 && c == 0xE2 && s[i + 1] == 0x81 && s[i + 2] >= 0xA6 && s[i + 2] <= 0xA9)
        return "\xEF\xBF\xBD";
    return "";
}

void merit_sink_markdown(merit_sink *sink, const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t len = strlen(text), run = 0, lead_digits = 0;
    while (lead_digits < len && s[lead_digits] >= '0' && s[lead_digits] <= '9')
        lead_digits++;
    for (size_t i = 0; i < len;) {
        size_t n = merit__utf8_length(s + i, len - i);
        const char *with = markdown_with(s, i, n);
        bool backslash = with == NULL;
        if (n == 1 && with != NULL && with[0] == '\0') {
            /* autolinks and block starts that only some places make */
            unsigned char c = s[i];
            backslash = (c == ':' && i + 1 < len && s[i + 1] == '/') ||
                        (c == '.' && i >= 3 && (s[i - 1] | 0x20) == 'w' &&
                         (s[i - 2] | 0x20) == 'w' && (s[i - 3] | 0x20) == 'w') ||
                        (c == '.' && lead_digits > 0 && i == lead_digits) || (c == '=' && i == 0);
        }
        size_t step = n == 0 ? 1 : n;
        if (backslash) {
            merit_sink_write(sink, s + run, i - run);
            merit_sink_putc(sink, '\\');
            run = i; /* the character itself follows */
        } else if (with != NULL && with[0] != '\0') {
            merit_sink_write(sink, s + run, i - run);
            merit_sink_puts(sink, with);
            run = i + step;
        }
        i += step;
    }
    merit_sink_write(sink, s + run, len - run);
}

/* --- colour ----------------------------------------------------------------- */

void merit_sink_colour(merit_sink *sink, merit_colour colour)
{
    static const char *const sgr[] = {
        [MERIT_COLOUR_PLAIN] = "\x1b[0m",   [MERIT_COLOUR_HEADING] = "\x1b[1m",
        [MERIT_COLOUR_FUNDED] = "\x1b[32m", [MERIT_COLOUR_RESERVE] = "\x1b[33m",
        [MERIT_COLOUR_MUTED] = "\x1b[2m",   [MERIT_COLOUR_ALERT] = "\x1b[1;31m",
    };
    if (sink->colour && (size_t)colour < sizeof(sgr) / sizeof(sgr[0]))
        merit_sink_puts(sink, sgr[colour]);
}

merit_colour merit_status_colour(merit_status status)
{
    switch (status) {
    case MERIT_STATUS_FUNDED:
        return MERIT_COLOUR_FUNDED;
    case MERIT_STATUS_RESERVE:
        return MERIT_COLOUR_RESERVE;
    default:
        return MERIT_COLOUR_MUTED;
    }
}

/* --- cells ------------------------------------------------------------------ */

char *merit_cell_shown(const merit_cell *cell, unsigned places)
{
    char buf[48];
    switch (cell->kind) {
    case MERIT_CELL_EMPTY:
        return strdup("");
    case MERIT_CELL_WORD:
    case MERIT_CELL_TEXT:
        return strdup(cell->text != NULL ? cell->text : "");
    case MERIT_CELL_NUMBER:
        return merit_decimal_string(cell->number, places);
    case MERIT_CELL_MONEY:
        merit_format_money(buf, sizeof(buf), cell->cents);
        return strdup(buf);
    case MERIT_CELL_COUNT:
        snprintf(buf, sizeof(buf), "%llu", (unsigned long long)cell->count);
        return strdup(buf);
    }
    return NULL;
}

char *merit_cell_exact(const merit_cell *cell)
{
    return cell->kind == MERIT_CELL_NUMBER ? merit_fraction_string(cell->number) : NULL;
}
