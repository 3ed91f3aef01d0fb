/*
 * Tables from CSV and TSV files (merit/table.h), parsed by libcsv.
 *
 * libcsv hands over each cell (cb1) and each end of a row (cb2). With
 * CSV_REPALL_NL it also reports every CR or LF outside a cell, so that
 * blank lines can be counted as the rows a spreadsheet shows; the LF of a
 * CR LF pair is told apart by the CR just before it. Memory: the cells'
 * bytes in one growing buffer, an offset per cell, three numbers per row.
 */
#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "merit/escape.h"
#include "merit/table.h"
#include "xml_input.h"

struct table_row {
    size_t first;    /* index of its first cell */
    uint32_t count;  /* cells */
    uint32_t number; /* spreadsheet row number */
};

struct merit_table {
    char *path;
    char *text; /* every cell, each NUL-terminated */
    size_t text_len, text_cap;
    size_t *cells; /* offsets into text */
    size_t cell_count, cell_cap;
    struct table_row *rows;
    size_t row_count, row_cap;
};

/* The parse as it goes. */
struct reading {
    merit_ctx *ctx;
    merit_table *t;
    uint32_t line;      /* spreadsheet row being read */
    uint32_t fields;    /* cells so far in that row */
    int last_end;       /* the CR or LF that ended the row before, or 0 */
    bool encoding_said; /* a cell not UTF-8 was reported: once per file */
    bool failed;        /* a cell was wrong */
    bool oom;
};

static int add_text(struct reading *R, const char *s, size_t n)
{
    merit_table *t = R->t;
    if (t->text_len + n + 1 > t->text_cap) {
        size_t cap = (t->text_len + n + 1) * 2;
        char *grown = merit__realloc(t->text, cap);
        if (grown == NULL)
            return -1;
        t->text = grown;
        t->text_cap = cap;
    }
    memcpy(t->text + t->text_len, s, n);
    t->text_len += n;
    t->text[t->text_len++] = '\0';
    return 0;
}

static void cell_read(void *data, size_t len, void *user)
{
    struct reading *R = user;
    merit_table *t = R->t;
    if (R->oom)
        return;
    const char *s = data != NULL ? data : "";
    uint32_t column = ++R->fields;
    if (column == 1) {
        if (merit__grow((void **)&t->rows, &t->row_cap, t->row_count, sizeof(*t->rows)) != 0) {
            R->oom = true;
            return;
        }
        t->rows[t->row_count++] = (struct table_row){t->cell_count, 0, R->line};
    }
    if (memchr(s, '\0', len) != NULL) {
        R->failed = true;
        merit__diag(R->ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, t->path, R->line, column,
                    "cell holds a NUL byte: a table is text");
        len = strlen(s);
    } else if (!merit_utf8_valid(s, len)) {
        R->failed = true;
        if (!R->encoding_said) {
            R->encoding_said = true;
            size_t ok = 0;
            while (ok < len && merit_utf8_valid(s, ok + 1))
                ok++;
            merit__diag(R->ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, t->path, R->line, column,
                        "cell is not UTF-8 text (byte 0x%02X): merit reads tables in UTF-8; "
                        "save the table as UTF-8 (in Excel: CSV UTF-8)",
                        (unsigned char)s[ok]);
        }
    }
    /* the apostrophe merit's CSV puts before what a spreadsheet would run */
    if (len > 1 && s[0] == '\'' && merit_csv_needs_apostrophe(s + 1)) {
        s++;
        len--;
    }
    if (merit__grow((void **)&t->cells, &t->cell_cap, t->cell_count, sizeof(*t->cells)) != 0) {
        R->oom = true;
        return;
    }
    t->cells[t->cell_count] = t->text_len;
    if (add_text(R, s, len) != 0) {
        R->oom = true;
        return;
    }
    t->cell_count++;
    t->rows[t->row_count - 1].count++;
}

static void row_end(int c, void *user)
{
    struct reading *R = user;
    if (R->fields > 0) {
        R->fields = 0;
        R->line++;
        R->last_end = c;
        return;
    }
    if (c == CSV_LF && R->last_end == CSV_CR) {
        R->last_end = 0; /* the LF of a CR LF */
        return;
    }
    if (c == CSV_CR || c == CSV_LF) {
        R->line++; /* a blank line */
        R->last_end = c;
    }
}

static int is_space(unsigned char c)
{
    return c == CSV_SPACE;
}

static int is_space_or_tab(unsigned char c)
{
    return c == CSV_SPACE || c == CSV_TAB;
}

void merit_table_free(merit_table *t)
{
    if (t == NULL)
        return;
    free(t->path);
    free(t->text);
    free(t->cells);
    free(t->rows);
    free(t);
}

/* Refuses a byte order mark of another encoding; skips UTF-8's. */
static int check_start(merit_ctx *ctx, const char *path, const unsigned char *b, size_t n,
                       size_t *skip)
{
    *skip = 0;
    if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
        *skip = 3;
        return 0;
    }
    const char *other = NULL;
    if (n >= 4 && ((b[0] == 0xFF && b[1] == 0xFE && b[2] == 0 && b[3] == 0) ||
                   (b[0] == 0 && b[1] == 0 && b[2] == 0xFE && b[3] == 0xFF)))
        other = "UTF-32";
    else if (n >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF)))
        other = "UTF-16";
    if (other == NULL)
        return 0;
    return merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path, 0, 0,
                       "the table is %s (it starts with a %s byte order mark): merit reads "
                       "tables in UTF-8; save the table as UTF-8 (in Excel: CSV UTF-8)",
                       other, other);
}

int merit_table_read(merit_ctx *ctx, const char *path, char separator, merit_table **out)
{
    *out = NULL;
    struct merit_xml_doc doc;
    int rc = merit__xml_read_file(ctx, path, &doc);
    if (rc != 0)
        return rc;
    merit_table *t = merit__calloc(1, sizeof(*t));
    if (t == NULL || (t->path = merit__strdup(path)) == NULL) {
        merit_table_free(t);
        merit__xml_doc_release(&doc);
        return merit__oom(ctx);
    }
    size_t skip;
    rc = check_start(ctx, path, doc.bytes, doc.size, &skip);
    struct csv_parser p;
    if (rc == 0 &&
        csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL | CSV_REPALL_NL) != 0)
        rc = merit__oom(ctx);
    if (rc != 0) {
        merit_table_free(t);
        merit__xml_doc_release(&doc);
        return rc;
    }
    csv_set_delim(&p, (unsigned char)separator);
    csv_set_space_func(&p, separator == '\t' ? is_space : is_space_or_tab);
    csv_set_realloc_func(&p, merit__realloc);
    csv_set_free_func(&p, free);
    struct reading R = {.ctx = ctx, .t = t, .line = 1};
    size_t len = doc.size - skip;
    size_t done = csv_parse(&p, doc.bytes + skip, len, cell_read, row_end, &R);
    if (done < len && csv_error(&p) == CSV_EPARSE) {
        R.failed = true;
        merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path, R.line, R.fields + 1,
                    "a double quote in the middle of a cell: a cell that holds one is quoted "
                    "whole (\"...\") and the quote doubled (\"\")");
    } else if (done < len) {
        R.oom = true;
    } else if (csv_fini(&p, cell_read, row_end, &R) != 0) {
        if (csv_error(&p) == CSV_EPARSE) {
            R.failed = true;
            merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path, R.line, R.fields + 1,
                        "quoted cell is not closed: a '\"' is missing before the "
                        "end of the file");
        } else {
            R.oom = true;
        }
    }
    csv_free(&p);
    merit__xml_doc_release(&doc);
    if (R.oom) {
        merit_table_free(t);
        return merit__oom(ctx);
    }
    if (R.failed) {
        merit_table_free(t);
        return MERIT_EINVALID;
    }
    if (t->row_count == 0) {
        merit_table_free(t);
        return merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path, 0, 0,
                           "the table has no rows");
    }
    *out = t;
    return 0;
}

const char *merit_table_path(const merit_table *t)
{
    return t->path;
}

size_t merit_table_row_count(const merit_table *t)
{
    return t->row_count;
}

uint32_t merit_table_row_number(const merit_table *t, size_t row)
{
    return t->rows[row].number;
}

size_t merit_table_cell_count(const merit_table *t, size_t row)
{
    return t->rows[row].count;
}

const char *merit_table_cell(const merit_table *t, size_t row, size_t column)
{
    const struct table_row *r = &t->rows[row];
    if (column >= r->count)
        return "";
    return t->text + t->cells[r->first + column];
}
