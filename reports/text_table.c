/* The output kit's text table and line wrapping: see text_table.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "merit/escape.h"
#include "report.h"

#define ELLIPSIS "\xE2\x80\xA6"

struct column {
    merit_text_column spec;
    bool shown;
    size_t cap;     /* cells are shortened to this when written; SIZE_MAX: whole */
    size_t width;   /* the column's width as laid out */
    size_t natural; /* its width with no cap */
};

/* Every cell's text is kept in one buffer (a call of 50,000 proposals has
 * 750,000 cells: one allocation each would cost more than the text). */
struct merit_text_table {
    size_t columns;
    struct column *column;
    size_t rows, cap;
    size_t *cells; /* rows * columns offsets into text; SIZE_MAX: empty */
    merit_colour *colour;
    char *text; /* the cells' texts, each ended by NUL */
    size_t text_len, text_cap;
    int error;
};

merit_text_table *merit_text_table_new(const merit_text_column *columns, size_t count)
{
    merit_text_table *t = calloc(1, sizeof(*t));
    if (t == NULL)
        return NULL;
    t->column = calloc(count ? count : 1, sizeof(*t->column));
    if (t->column == NULL) {
        free(t);
        return NULL;
    }
    t->columns = count;
    for (size_t c = 0; c < count; c++)
        t->column[c] = (struct column){.spec = columns[c], .shown = true, .cap = SIZE_MAX};
    return t;
}

void merit_text_table_free(merit_text_table *t)
{
    if (t == NULL)
        return;
    free(t->column);
    free(t->cells);
    free(t->colour);
    free(t->text);
    free(t);
}

int merit_text_table_error(const merit_text_table *t)
{
    return t->error;
}

size_t merit_text_table_rows(const merit_text_table *t)
{
    return t->rows;
}

static const char *cell_at(const merit_text_table *t, size_t row, size_t col)
{
    size_t at = t->cells[row * t->columns + col];
    return at == SIZE_MAX ? "" : t->text + at;
}

void merit_text_table_row(merit_text_table *t, merit_colour colour)
{
    if (t->error != 0)
        return;
    if (t->rows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 32;
        size_t *cells = realloc(t->cells, cap * (t->columns ? t->columns : 1) * sizeof(*cells));
        if (cells == NULL) {
            t->error = MERIT_ENOMEM;
            return;
        }
        t->cells = cells;
        merit_colour *colours = realloc(t->colour, cap * sizeof(*colours));
        if (colours == NULL) {
            t->error = MERIT_ENOMEM;
            return;
        }
        t->colour = colours;
        t->cap = cap;
    }
    for (size_t c = 0; c < t->columns; c++)
        t->cells[t->rows * t->columns + c] = SIZE_MAX;
    t->colour[t->rows] = colour;
    t->rows++;
}

/* Room for `room` more bytes of cell text; false after an error. */
static bool reserve(merit_text_table *t, size_t room)
{
    if (t->error != 0 || t->rows == 0)
        return false;
    if (t->text_len + room <= t->text_cap)
        return true;
    size_t cap = t->text_cap ? t->text_cap * 2 : 4096;
    while (cap < t->text_len + room)
        cap *= 2;
    char *grown = realloc(t->text, cap);
    if (grown == NULL) {
        t->error = MERIT_ENOMEM;
        return false;
    }
    t->text = grown;
    t->text_cap = cap;
    return true;
}

/* How much of shown text to keep to show it in `columns` columns: all of
 * it when it fits, else the bytes before the "…" that ends it. *width_out:
 * the width shown, the ellipsis included. */
static size_t shorten_at(const char *shown, size_t columns, bool *cut_out, size_t *width_out)
{
    size_t width;
    size_t n = merit_escape_cut(shown, columns, &width);
    if (shown[n] == '\0') {
        *cut_out = false;
        *width_out = width;
        return n;
    }
    n = merit_escape_cut(shown, columns > 0 ? columns - 1 : 0, &width);
    /* a trailing space before the ellipsis is dropped */
    while (n > 0 && shown[n - 1] == ' ') {
        n--;
        width--;
    }
    *cut_out = true;
    *width_out = width + 1;
    return n;
}

/* Stores the last `n` bytes reserved at t->text + t->text_len as the cell,
 * shortened to the column's maximum. */
static void store(merit_text_table *t, size_t col, size_t n)
{
    char *at = t->text + t->text_len;
    at[n] = '\0';
    size_t max = t->column[col].spec.max;
    if (max > 0) {
        bool cut;
        size_t width;
        size_t keep = shorten_at(at, max, &cut, &width);
        if (cut) {
            memcpy(at + keep, ELLIPSIS, sizeof(ELLIPSIS));
            n = keep + sizeof(ELLIPSIS) - 1;
        }
    }
    t->cells[(t->rows - 1) * t->columns + col] = t->text_len;
    t->text_len += n + 1;
}

void merit_text_table_word(merit_text_table *t, size_t col, const char *text)
{
    if (text == NULL) {
        t->error = t->error ? t->error : MERIT_ENOMEM;
        return;
    }
    size_t len = strlen(text);
    if (col >= t->columns || !reserve(t, len + sizeof(ELLIPSIS)))
        return;
    memcpy(t->text + t->text_len, text, len);
    store(t, col, len);
}

void merit_text_table_take(merit_text_table *t, size_t col, char *owned)
{
    merit_text_table_word(t, col, owned);
    free(owned);
}

void merit_text_table_text(merit_text_table *t, size_t col, const char *text, unsigned flags)
{
    size_t len = strlen(text);
    size_t room = MERIT_ESCAPE_BOUND(len) + sizeof(ELLIPSIS);
    if (col >= t->columns || !reserve(t, room))
        return;
    size_t n = merit_escape_buf(t->text + t->text_len, room, text, len, flags);
    store(t, col, n);
}

void merit_text_table_cell(merit_text_table *t, size_t col, const merit_cell *cell, unsigned places)
{
    if (cell->kind == MERIT_CELL_TEXT)
        merit_text_table_text(t, col, cell->text != NULL ? cell->text : "", MERIT_ESCAPE_PROSE);
    else
        merit_text_table_take(t, col, merit_cell_shown(cell, places));
}

/* --- layout ----------------------------------------------------------------- */

/* The column's width with its cells shortened to cap. */
static size_t width_at(const merit_text_table *t, size_t col, size_t cap)
{
    size_t w = 0;
    for (size_t r = 0; r < t->rows; r++) {
        const char *s = cell_at(t, r, col);
        size_t sw;
        bool cut;
        if (cap == SIZE_MAX)
            sw = merit_report_width(s);
        else
            shorten_at(s, cap, &cut, &sw);
        if (sw > w)
            w = sw;
    }
    return w;
}

static size_t total_width(const merit_text_table *t)
{
    size_t total = 0, shown = 0;
    for (size_t c = 0; c < t->columns; c++)
        if (t->column[c].shown) {
            total += t->column[c].width;
            shown++;
        }
    return total + (shown > 1 ? 2 * (shown - 1) : 0);
}

static bool shortenable(const struct column *col)
{
    return col->shown && col->spec.min > 0 && col->width > col->spec.min;
}

size_t merit_text_table_fit(merit_text_table *t, size_t width)
{
    for (size_t c = 0; c < t->columns; c++) {
        struct column *col = &t->column[c];
        col->shown = true;
        col->cap = SIZE_MAX;
        col->natural = col->width = width_at(t, c, SIZE_MAX);
    }
    size_t total = total_width(t);
    if (width == 0 || total <= width)
        return total;

    /* shorten the widest shortenable column by a column at a time */
    while (total > width) {
        struct column *widest = NULL;
        size_t at = 0;
        for (size_t c = 0; c < t->columns; c++)
            if (shortenable(&t->column[c]) &&
                (widest == NULL || t->column[c].width > widest->width)) {
                widest = &t->column[c];
                at = c;
            }
        if (widest == NULL)
            break;
        widest->cap = widest->width - 1;
        widest->width = width_at(t, at, widest->cap);
        total = total_width(t);
    }

    /* drop, the highest drop rank first, among equals the rightmost */
    while (total > width) {
        struct column *first = NULL;
        for (size_t c = 0; c < t->columns; c++) {
            struct column *col = &t->column[c];
            if (col->shown && col->spec.drop > 0 &&
                (first == NULL || col->spec.drop >= first->spec.drop))
                first = col;
        }
        if (first == NULL)
            break;
        first->shown = false;
        total = total_width(t);
    }

    /* grow the shortened columns back into what dropping freed, the
     * narrowest first */
    bool *done = calloc(t->columns ? t->columns : 1, sizeof(bool));
    if (done == NULL) {
        t->error = t->error ? t->error : MERIT_ENOMEM;
        return total;
    }
    for (;;) {
        size_t best = SIZE_MAX;
        for (size_t c = 0; c < t->columns; c++) {
            const struct column *col = &t->column[c];
            if (col->shown && col->cap != SIZE_MAX && !done[c] &&
                (best == SIZE_MAX || col->width < t->column[best].width))
                best = c;
        }
        if (best == SIZE_MAX)
            break;
        struct column *col = &t->column[best];
        size_t cap = col->cap + 1;
        size_t grown = width_at(t, best, cap);
        if (total - col->width + grown > width) {
            done[best] = true;
            continue;
        }
        total = total - col->width + grown;
        col->width = grown;
        col->cap = cap >= col->natural ? SIZE_MAX : cap;
    }
    free(done);
    return total;
}

bool merit_text_table_shown(const merit_text_table *t, size_t col)
{
    return col < t->columns && t->column[col].shown;
}

void merit_text_table_write(const merit_text_table *t, merit_sink *sink, size_t from, size_t to)
{
    if (t->error != 0) {
        merit_sink_fail(sink, t->error);
        return;
    }
    if (to > t->rows)
        to = t->rows;
    for (size_t r = from; r < to; r++) {
        merit_colour colour = t->colour[r];
        if (colour != MERIT_COLOUR_PLAIN)
            merit_sink_colour(sink, colour);
        /* trailing empty cells are not padded */
        size_t last = t->columns;
        while (last > 0 && (!t->column[last - 1].shown || cell_at(t, r, last - 1)[0] == '\0'))
            last--;
        bool first = true;
        for (size_t c = 0; c < last; c++) {
            const struct column *col = &t->column[c];
            if (!col->shown)
                continue;
            if (!first)
                merit_sink_puts(sink, "  ");
            first = false;
            const char *s = cell_at(t, r, c);
            bool cut;
            size_t sw;
            size_t keep = shorten_at(s, col->cap, &cut, &sw);
            size_t pad = col->width > sw ? col->width - sw : 0;
            bool right = col->spec.align == MERIT_ALIGN_RIGHT;
            if (right)
                merit_sink_spaces(sink, pad);
            merit_sink_write(sink, s, keep);
            if (cut)
                merit_sink_puts(sink, ELLIPSIS);
            if (!right && c + 1 < last)
                merit_sink_spaces(sink, pad);
        }
        if (colour != MERIT_COLOUR_PLAIN)
            merit_sink_colour(sink, MERIT_COLOUR_PLAIN);
        merit_sink_putc(sink, '\n');
    }
}

/* --- text outside tables ---------------------------------------------------- */

char *merit_text_shorten(const char *shown, size_t columns)
{
    bool cut;
    size_t width;
    size_t keep = shorten_at(shown, columns, &cut, &width);
    if (!cut)
        return strdup(shown);
    char *s = malloc(keep + sizeof(ELLIPSIS));
    if (s == NULL)
        return NULL;
    memcpy(s, shown, keep);
    memcpy(s + keep, ELLIPSIS, sizeof(ELLIPSIS));
    return s;
}

void merit_text_wrap(merit_sink *sink, const char *shown, size_t width, size_t indent)
{
    if (width == 0) {
        merit_sink_puts(sink, shown);
        merit_sink_putc(sink, '\n');
        return;
    }
    if (indent >= width / 2)
        indent = 0;
    const char *p = shown;
    bool first = true;
    do {
        size_t room = width;
        if (!first) {
            while (*p == ' ')
                p++;
            if (*p == '\0')
                break;
            merit_sink_spaces(sink, indent);
            room -= indent;
        }
        /* only as far as one line reaches: the cost stays linear */
        size_t end = merit_escape_cut(p, room, NULL);
        if (p[end] != '\0' && p[end] != ' ') {
            size_t at = end;
            while (at > 0 && p[at - 1] != ' ')
                at--;
            /* no space to break at (or only the line's own indentation):
             * the word is cut */
            size_t lead = 0;
            while (p[lead] == ' ')
                lead++;
            if (at > lead)
                end = at;
        }
        /* an escape wider than the whole line still goes on one */
        for (size_t more = room + 1; end == 0 && p[0] != '\0'; more++)
            end = merit_escape_cut(p, more, NULL);
        size_t keep = end;
        while (keep > 0 && p[keep - 1] == ' ')
            keep--;
        merit_sink_write(sink, p, keep);
        merit_sink_putc(sink, '\n');
        p += end;
        first = false;
    } while (*p != '\0');
}
