/*
 * Bid tables for `merit assign --bids` (merit/assign.h): read from a table
 * (merit/table.h), checked row by row, and kept sorted by proposal, then
 * reviewer, with the first bid of each proposal indexed, so that asking
 * costs a bisection within one proposal's bids and memory follows the rows,
 * not reviewers times proposals.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "merit/assign.h"
#include "merit/table.h"
#include "assign_internal.h"
#include "suggest.h"

struct bid {
    uint32_t proposal, reviewer;
    uint32_t row; /* the spreadsheet row, for "first in row N" */
    int16_t value;
    int8_t word; /* index into words[], or -1 for a number */
};

struct merit_bids {
    struct bid *bids; /* sorted by proposal, then reviewer; no repeats */
    size_t count;
    size_t *first; /* proposal_count + 1: proposal p's bids are [first[p], first[p + 1]) */
};

/* The words and what each means: CMT's and EasyChair's bids (eager,
 * willing, in a pinch, not willing) on HotCRP's scale, where -100 is "I
 * have a conflict". Spellings are canonical here; a cell may use spaces or
 * underscores for the hyphens and any ASCII case. */
static const char *const words[] = {"eager",     "willing",     "in-a-pinch",
                                    "unwilling", "not-willing", NULL};
static const int16_t word_values[] = {2, 1, -1, MERIT_BID_UNWILLING, MERIT_BID_UNWILLING};

/* The cell as a word of words[] after folding case and separators; -1
 * when it is none. `folded` (at least 16 bytes) gets the folded form. */
static int find_word(const char *cell, char *folded, size_t size)
{
    size_t n = 0;
    for (const char *c = cell; *c != '\0' && n + 1 < size; c++) {
        char ch = *c;
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        else if (ch == ' ' || ch == '_')
            ch = '-';
        folded[n++] = ch;
    }
    folded[n] = '\0';
    if (strlen(cell) >= size)
        return -1;
    for (int i = 0; words[i] != NULL; i++)
        if (strcmp(folded, words[i]) == 0)
            return i;
    return -1;
}

/* A whole number from -100 to 100, an optional sign and at most three
 * digits: parsed by hand (no strtol, no locale). */
static bool parse_number(const char *s, int16_t *out)
{
    bool negative = false;
    if (*s == '-' || *s == '+')
        negative = *s++ == '-';
    if (*s == '\0')
        return false;
    int v = 0;
    for (size_t i = 0; s[i] != '\0'; i++) {
        if (s[i] < '0' || s[i] > '9' || i >= 3)
            return false;
        v = v * 10 + (s[i] - '0');
    }
    if (v > 100)
        return false;
    *out = (int16_t)(negative ? -v : v);
    return true;
}

static int compare_bids(const void *a, const void *b)
{
    const struct bid *x = a, *y = b;
    if (x->proposal != y->proposal)
        return x->proposal < y->proposal ? -1 : 1;
    if (x->reviewer != y->reviewer)
        return x->reviewer < y->reviewer ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

void merit_bids_free(merit_bids *b)
{
    if (b == NULL)
        return;
    free(b->bids);
    free(b->first);
    free(b);
}

/* The header: which column holds what; false (diagnostics given) when a
 * column is unknown, twice, or missing. */
static bool read_header(merit_ctx *ctx, const merit_table *t, ssize_t col[3])
{
    static const char *const names[] = {"reviewer", "proposal", "bid", NULL};
    const char *path = merit_table_path(t);
    size_t width = merit_table_cell_count(t, 0);
    bool ok = true;
    col[0] = col[1] = col[2] = -1;
    for (size_t j = 0; j < width; j++) {
        const char *name = merit_table_cell(t, 0, j);
        int k = -1;
        for (int i = 0; names[i] != NULL; i++)
            if (strcmp(name, names[i]) == 0)
                k = i;
        if (k < 0) {
            const char *near = merit__suggest_among(name, names);
            merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path,
                        merit_table_row_number(t, 0), (uint32_t)j + 1,
                        "column '%s' is not one of a bid table (reviewer, proposal, bid)%s%s%s",
                        name, near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
            ok = false;
        } else if (col[k] >= 0) {
            merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path,
                        merit_table_row_number(t, 0), (uint32_t)j + 1, "column '%s' is there twice",
                        name);
            ok = false;
        } else {
            col[k] = (ssize_t)j;
        }
    }
    for (int k = 0; k < 3; k++)
        if (col[k] < 0) {
            merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path,
                        merit_table_row_number(t, 0), 0, "no column '%s' in the header", names[k]);
            ok = false;
        }
    return ok;
}

int merit_bids_from_table(merit_ctx *ctx, const merit_call *call, const merit_table *t,
                          merit_bids **out)
{
    *out = NULL;
    ssize_t col[3];
    if (merit_table_row_count(t) == 0 || !read_header(ctx, t, col)) {
        if (merit_table_row_count(t) == 0)
            merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, merit_table_path(t), 1, 0,
                        "the bid table is empty: it needs a header 'reviewer,proposal,bid'");
        return MERIT_EINVALID;
    }
    const char *path = merit_table_path(t);
    size_t rows = merit_table_row_count(t);
    merit_bids *b = merit__calloc(1, sizeof(*b));
    if (b == NULL)
        return merit__oom(ctx);
    b->bids = merit__malloc(rows * sizeof(*b->bids)); /* rows >= 1: the header */
    b->first = merit__calloc(call->proposal_count + 1, sizeof(*b->first));
    if (b->bids == NULL || b->first == NULL) {
        merit_bids_free(b);
        return merit__oom(ctx);
    }
    struct merit_suggest reviewers, proposals;
    merit__suggest_init(&reviewers, call->reviewers, offsetof(merit_reviewer, id),
                        call->reviewer_count, sizeof(*call->reviewers));
    merit__suggest_init(&proposals, call->proposals, offsetof(merit_proposal, id),
                        call->proposal_count, sizeof(*call->proposals));
    bool failed = false;
    size_t n = 0;
    for (size_t row = 1; row < rows; row++) {
        uint32_t number = merit_table_row_number(t, row);
        const char *rid = merit_table_cell(t, row, (size_t)col[0]);
        const char *pid = merit_table_cell(t, row, (size_t)col[1]);
        const char *cell = merit_table_cell(t, row, (size_t)col[2]);
        ssize_t rv = merit__find_reviewer(call, rid);
        ssize_t p = merit__find_proposal(call, pid);
        if (rv < 0) {
            const char *near = merit__diag_full(ctx) ? NULL : merit__suggest(&reviewers, rid);
            merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path, number,
                        (uint32_t)col[0] + 1, "reviewer '%s' is not on the call's panel%s%s%s", rid,
                        near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
        }
        if (p < 0) {
            const char *near = merit__diag_full(ctx) ? NULL : merit__suggest(&proposals, pid);
            merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path, number,
                        (uint32_t)col[1] + 1, "proposal '%s' is not in the call%s%s%s", pid,
                        near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
        }
        int16_t value = 0;
        bool bad = false;
        char folded[16];
        int word = find_word(cell, folded, sizeof(folded));
        if (word >= 0) {
            value = word_values[word];
        } else if (cell[0] == '\0') {
            merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path, number,
                        (uint32_t)col[2] + 1,
                        "no bid in the cell: a pair without a bid has no row");
            bad = true;
        } else if (!parse_number(cell, &value)) {
            const char *near = merit__suggest_among(folded, words);
            merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path, number,
                        (uint32_t)col[2] + 1,
                        "bid '%s' is neither a whole number from -100 to 100 nor eager, willing, "
                        "in-a-pinch or unwilling%s%s%s",
                        cell, near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
            bad = true;
        }
        if (rv < 0 || p < 0 || bad) {
            failed = true;
            continue;
        }
        b->bids[n++] = (struct bid){(uint32_t)p, (uint32_t)rv, number, value, (int8_t)word};
    }
    if (n > 1)
        qsort(b->bids, n, sizeof(*b->bids), compare_bids);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (kept > 0 && b->bids[kept - 1].proposal == b->bids[i].proposal &&
            b->bids[kept - 1].reviewer == b->bids[i].reviewer) {
            merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path, b->bids[i].row, 0,
                        "bid of '%s' on proposal '%s' again (first in row %u)",
                        call->reviewers[b->bids[i].reviewer].id,
                        call->proposals[b->bids[i].proposal].id, b->bids[kept - 1].row);
            failed = true;
            continue;
        }
        b->bids[kept++] = b->bids[i];
    }
    if (failed) {
        merit_bids_free(b);
        return MERIT_EINVALID;
    }
    b->count = kept;
    for (size_t i = 0; i < kept; i++)
        b->first[b->bids[i].proposal + 1]++;
    for (size_t p = 0; p < call->proposal_count; p++)
        b->first[p + 1] += b->first[p];
    *out = b;
    return 0;
}

int merit_bids_get(const merit_bids *b, size_t reviewer, size_t proposal, const char **word_out)
{
    if (word_out != NULL)
        *word_out = NULL;
    if (b == NULL || b->count == 0)
        return 0;
    size_t lo = b->first[proposal], hi = b->first[proposal + 1];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (b->bids[mid].reviewer < reviewer)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == b->first[proposal + 1] || b->bids[lo].reviewer != reviewer)
        return 0;
    if (word_out != NULL && b->bids[lo].word >= 0)
        *word_out = words[b->bids[lo].word];
    return b->bids[lo].value;
}

size_t merit_bids_count(const merit_bids *b)
{
    return b != NULL ? b->count : 0;
}

/* Proposal p's bids for the candidate search: [*lo, *hi) of the sorted
 * rows, read with merit__bids_at. */
void merit__bids_range(const merit_bids *b, size_t proposal, size_t *lo, size_t *hi)
{
    *lo = *hi = 0;
    if (b != NULL && b->count > 0) {
        *lo = b->first[proposal];
        *hi = b->first[proposal + 1];
    }
}

void merit__bids_at(const merit_bids *b, size_t i, size_t *reviewer, int *value)
{
    *reviewer = b->bids[i].reviewer;
    *value = b->bids[i].value;
}
