/*
 * Showing text from inputs safely: the one escaping rule for everything merit
 * prints on a terminal or writes into a report a person reads as text
 * (diagnostics, the command's messages, the text report, `merit explain`),
 * and the rule that keeps a CSV text cell from being run as a formula.
 *
 * The terminal rule (docs/cli.md, "How merit shows text"). Shown as they are:
 * printable ASCII and every valid UTF-8 character but those below.
 * Escaped:
 *  - a byte that is a C0 control (0x00-0x1F) or DEL (0x7F), and every byte
 *    that is not part of valid UTF-8 (a stray continuation byte, an overlong
 *    form, a surrogate, a truncated sequence, a value above U+10FFFF): as
 *    \xHH, two uppercase hex digits;
 *  - a C1 control U+0080-U+009F (U+009B is the one-character CSI), a
 *    Bidi_Control character (U+061C, U+200E, U+200F, U+202A-U+202E,
 *    U+2066-U+2069: an unclosed U+202E turns the rest of a line round), and
 *    U+2028 and U+2029 (line and paragraph separators): as \uHHHH;
 *  - a backslash: as \\ when the next character shown is x, u or a
 *    backslash (an escape starts with one), so that "\x1B" typed into a
 *    title shows as \\x1B and never as what an ESC byte shows as; a
 *    backslash before anything else ("\d" in a pattern) shows as itself.
 * Read back, left to right: \\ is one backslash, \xHH one byte, \uHHHH one
 * code point, any other backslash itself; that gives the exact text, except
 * that with MERIT_ESCAPE_PROSE tab, LF, CR, U+2028 and U+2029 each show as
 * one space. The exact text is in the JSON report, the CSV and the inputs.
 *
 * Ownership as in merit.h: merit_escape returns a string the caller frees.
 * Nothing here allocates otherwise, or depends on the locale.
 */
#ifndef MERIT_ESCAPE_H
#define MERIT_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif
#ifdef __cplusplus
extern "C" {
#endif

/* Prose on one line (a title, a name, a reason, a message): tab, LF, CR,
 * U+2028 and U+2029 are layout, not content, and each shows as one space.
 * Without it (file names, arguments, ids, patterns) they are escaped too. */
#define MERIT_ESCAPE_PROSE 1u

/* Bytes that escaping len bytes can take at most, with the final NUL. */
#define MERIT_ESCAPE_BOUND(len) (4 * (len) + 1)

/*
 * Escapes len bytes of text (which may hold NUL bytes: they show as \x00)
 * into out, at most size bytes with the final NUL when size > 0. Returns the
 * length of the whole escaped text without the NUL, as snprintf does: the
 * text was cut when the result is size or more. MERIT_ESCAPE_BOUND(len) is
 * always enough.
 */
size_t merit_escape_buf(char *out, size_t size, const char *text, size_t len, unsigned flags);

/* The escaped copy of a NUL-terminated text, malloc'd; NULL when out of
 * memory. */
char *merit_escape(const char *text, unsigned flags);

/* True when escaping would change the text (when it holds anything the rule
 * escapes, or a backslash that must be doubled). */
bool merit_escape_needed(const char *text, size_t len, unsigned flags);

/*
 * Where to cut escaped text to at most `columns` columns (one per code
 * point, as the text report counts) without cutting an escape or a UTF-8
 * character apart: the length in bytes of the longest such prefix. Its width
 * goes to *width_out when that is not NULL.
 */
size_t merit_escape_cut(const char *escaped, size_t columns, size_t *width_out);

/* True when len bytes of text are valid UTF-8 (no overlong form, no
 * surrogate, nothing above U+10FFFF; NUL bytes are valid). */
bool merit_utf8_valid(const char *text, size_t len);

/*
 * CSV text cells and spreadsheets (OWASP "CSV injection"): a spreadsheet
 * opening a CSV runs a cell that starts with =, +, - or @ as a formula
 * (tab, CR and LF before them are dropped by some, spaces by others).
 * True when a text cell from an input must get one leading apostrophe: it
 * starts with =, +, -, @, tab, CR or LF, with spaces followed by =, +, - or
 * @, or with an apostrophe itself, so that "drop one leading apostrophe" always
 * gives the exact text back. Numbers merit writes itself are not text cells.
 */
bool merit_csv_needs_apostrophe(const char *text);

#ifdef __cplusplus
}
#endif
#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#endif
