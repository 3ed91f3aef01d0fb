/*
 * Tables from spreadsheets: a CSV or TSV file read into rows of cells, for
 * `merit import` (merit/import.h), parsed by libcsv in its strict mode.
 *
 * Rows and columns are numbered as a spreadsheet numbers them, from 1: the
 * header is row 1, a blank line is a row (left out of the table but
 * counted), and a quoted cell that holds line breaks is still one row. The
 * file must be UTF-8: a byte order mark (as Excel writes) is skipped; a
 * UTF-16 or UTF-32 one, or a cell that is not UTF-8, is refused with one
 * diagnostic. A cell that starts with an apostrophe before what a
 * spreadsheet would run as a formula (=, +, -, @, after any spaces; tab,
 * CR, LF; or a second apostrophe) is read without that one apostrophe: the
 * rule merit's own CSV is written by (docs/cli.md, "CSV"), so a CSV merit
 * wrote reads back exactly. Spaces and tabs around an unquoted cell are
 * dropped (libcsv's rule; quote a cell to keep them); in a TSV file only
 * spaces.
 *
 * Ownership as in merit.h: the table belongs to the caller
 * (merit_table_free); strings returned are borrowed from it.
 */
#ifndef MERIT_TABLE_H
#define MERIT_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "merit.h"

#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif
#ifdef __cplusplus
extern "C" {
#endif

typedef struct merit_table merit_table;

/*
 * Reads the file at path, its cells separated by `separator` (',' or
 * '\t'), within the context's file-size limit. Every problem goes to the
 * context as "path:ROW:COLUMN: error: ..."; returns 0, MERIT_EINVALID,
 * MERIT_EIO or MERIT_ENOMEM (then *table_out is NULL).
 */
int merit_table_read(merit_ctx *ctx, const char *path, char separator, merit_table **table_out);
void merit_table_free(merit_table *table);

/* The path the table was read from, as given. */
const char *merit_table_path(const merit_table *table);
/* Rows that hold at least one cell (blank lines are not rows of the
 * table), the header first. */
size_t merit_table_row_count(const merit_table *table);
/* The spreadsheet row number (1-based) of a row of the table. */
uint32_t merit_table_row_number(const merit_table *table, size_t row);
/* Cells in a row: as many as the line held. */
size_t merit_table_cell_count(const merit_table *table, size_t row);
/* A cell's text, NUL-terminated; "" past the row's last cell. */
const char *merit_table_cell(const merit_table *table, size_t row, size_t column);

#ifdef __cplusplus
}
#endif
#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#endif
