/*
 * The output kit's text table: aligned columns for a terminal or a plain
 * text file, fitted to a width. Used by the text report (text.c) and made
 * for any writer that shows rows of cells to a person.
 *
 * A table has a fixed set of columns, each with an alignment, a maximum
 * width (a wider cell is shortened with "…" as it is added), a minimum a
 * fitted width may shorten it to, and a drop rank (0: never dropped; the
 * highest rank is dropped first when even the shortened columns do not
 * fit). A row has a colour slot (merit_sink_colour). A cell holds either
 * merit's own text or text from an input escaped by merit/escape.h's rule,
 * so that what the table writes is always safe to show; widths count code
 * points, as merit_report_width does.
 *
 * Fitting (merit_text_table_fit), when the columns with two spaces between
 * them are wider than the width: first the shortenable columns shorten,
 * the widest first, each down to its minimum; then droppable columns go,
 * highest drop rank first and among equals the rightmost; then columns
 * shortened earlier grow back into what dropping freed. Columns that may
 * neither shorten nor drop are kept whole even when they do not fit.
 *
 * Errors are kept as a sink keeps them: after a failed allocation every
 * call is a no-op, and merit_text_table_write passes the error to the sink.
 * The table owns the text of its cells; merit_text_table_free(NULL) is a
 * no-op.
 */
#ifndef MERIT_REPORTS_TEXT_TABLE_H
#define MERIT_REPORTS_TEXT_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "merit/report.h"

typedef enum merit_align {
    MERIT_ALIGN_LEFT = 0,
    MERIT_ALIGN_RIGHT,
} merit_align;

typedef struct merit_text_column {
    merit_align align;
    unsigned drop; /* 0: never dropped to fit; else dropped highest first */
    size_t max;    /* cells wider are shortened with "…" when added; 0: no maximum */
    size_t min;    /* fitting may shorten cells down to min columns; 0: never */
} merit_text_column;

typedef struct merit_text_table merit_text_table;

/* A table of `count` columns (the specs are copied). NULL when out of
 * memory. */
merit_text_table *merit_text_table_new(const merit_text_column *columns, size_t count);
void merit_text_table_free(merit_text_table *table);
/* 0, or MERIT_ENOMEM after a failed allocation. */
int merit_text_table_error(const merit_text_table *table);
size_t merit_text_table_rows(const merit_text_table *table);

/* Starts a row, its cells empty, written in `colour` (MERIT_COLOUR_PLAIN:
 * none). The calls below fill the cells of the last row. */
void merit_text_table_row(merit_text_table *table, merit_colour colour);
/* merit's own text: a word, a formatted number. */
void merit_text_table_word(merit_text_table *table, size_t column, const char *text);
/* The same for a malloc'd string, which it frees; NULL is taken for out
 * of memory. */
void merit_text_table_take(merit_text_table *table, size_t column, char *owned);
/* Text from an input, escaped with flags (MERIT_ESCAPE_PROSE or 0). */
void merit_text_table_text(merit_text_table *table, size_t column, const char *text,
                           unsigned flags);
/* A cell of the kit: a number as shown to `places`, money, a count, a word;
 * TEXT is escaped as prose. */
void merit_text_table_cell(merit_text_table *table, size_t column, const merit_cell *cell,
                           unsigned places);

/* Lays the columns out for `width` columns (0: no limit), as the header
 * says, and returns the width of the table: the shown columns' widths and
 * two spaces between each two. Call it again to lay out anew. */
size_t merit_text_table_fit(merit_text_table *table, size_t width);
/* Whether a column is shown by the last fit. */
bool merit_text_table_shown(const merit_text_table *table, size_t column);
/* Writes rows [from, to) as laid out by the last fit: each cell padded to
 * its column's width (trailing empty cells and the last left-aligned cell
 * are not padded), two spaces between cells, in the row's colour. */
void merit_text_table_write(const merit_text_table *table, merit_sink *sink, size_t from,
                            size_t to);

/* Shortens text that is safe to show (escaped) to at most `columns`
 * columns, as the table does: cut before an escape or a character, never
 * inside one, trailing spaces dropped, "…" added. Returns a malloc'd copy
 * (the text itself when it fits), NULL when out of memory. */
char *merit_text_shorten(const char *shown, size_t columns);
/* Writes a line of text that is safe to show, and its newline, wrapped to
 * `width` columns (0: not wrapped) at spaces; a word wider than a line is
 * cut. Lines after the first start with `indent` spaces. */
void merit_text_wrap(merit_sink *sink, const char *shown, size_t width, size_t indent);

#endif
