/*
 * Scores from a table into score sheets (merit/import.h). Three passes:
 * the header says what each column holds; each row becomes scores, every
 * cell checked against the call with the words the sheet loader uses; the
 * scores, sorted by (reviewer, proposal, criterion), become sheets and
 * reviews, and what only a whole review shows (a criterion scored twice or
 * not at all) is checked there. Cost: n log n in the scores.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "merit/escape.h"
#include "merit/import.h"
#include "merit/number.h"
#include "rubric.h"
#include "xml_write.h"

static const char *const role_names[MERIT_ROLE_COUNT] = {
    "reviewer",   "proposal", "criterion",       "score",
    "confidence", "comment",  "no_score_reason", "review_comment"};

const char *merit_import_role_name(merit_import_role role)
{
    return (size_t)role < MERIT_ROLE_COUNT ? role_names[role] : "?";
}

int merit_import_role_from_name(const char *name)
{
    for (int r = 0; r < MERIT_ROLE_COUNT; r++)
        if (strcmp(role_names[r], name) == 0)
            return r;
    return -1;
}

/* One score, as the table gives it. */
struct entry {
    size_t reviewer, proposal, criterion; /* indexes into the call and rubric */
    const char *value;                    /* the score cell, borrowed from the table */
    const char *comment;                  /* the score's comment, or NULL */
    const char *review_comment;           /* the review's overall comment, or NULL */
    const char *reason;                   /* a no-score's reason (value is ""), or NULL */
    uint8_t confidence;                   /* 0: none */
    bool bad;                             /* a cell of it was wrong (reported) */
    uint32_t row, column;                 /* the score cell */
    size_t order;                         /* in the table, for a stable sort */
};

struct merit_import {
    const merit_call *call;
    char *source; /* the table's file name, for the sheets' comment */
    struct entry *entries;
    size_t count, cap;
    size_t *sheet_first; /* each sheet's first entry; one more: count */
    size_t sheet_count;
    size_t review_count;
};

enum column_kind { COL_UNNAMED, COL_IGNORED, COL_ROLE, COL_CRITERION, COL_REVIEWER };

struct column {
    enum column_kind kind;
    size_t index; /* the role, criterion or reviewer */
};

struct importing {
    merit_ctx *ctx;
    const merit_call *call;
    const merit_table *t;
    const merit_import_options *o;
    merit_import *imp;
    struct column *columns;
    size_t width;                   /* cells in the header */
    ssize_t role[MERIT_ROLE_COUNT]; /* the column of each role, or -1 */
    mpq_t value;
    bool failed;
};

static int cell_error(struct importing *I, size_t row, size_t column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int cell_error(struct importing *I, size_t row, size_t column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    merit__vdiag(I->ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, merit_table_path(I->t),
                 merit_table_row_number(I->t, row), (uint32_t)column + 1, fmt, ap);
    va_end(ap);
    I->failed = true;
    return MERIT_EINVALID;
}

static const char *column_name(const merit_import_options *o, int role)
{
    return o->columns[role] != NULL ? o->columns[role] : role_names[role];
}

/* --- the header ------------------------------------------------------------- */

static bool allowed(merit_import_layout layout, int role)
{
    switch (layout) {
    case MERIT_IMPORT_LONG:
        return true;
    case MERIT_IMPORT_WIDE_CRITERIA:
        return role == MERIT_ROLE_REVIEWER || role == MERIT_ROLE_PROPOSAL ||
               role == MERIT_ROLE_CONFIDENCE || role == MERIT_ROLE_COMMENT;
    case MERIT_IMPORT_WIDE_REVIEWERS:
        return role == MERIT_ROLE_PROPOSAL;
    }
    return false;
}

static int read_header(struct importing *I)
{
    const merit_import_options *o = I->o;
    const merit_rubric *rb = I->call->rubric;
    I->width = merit_table_cell_count(I->t, 0);
    I->columns = merit__calloc(I->width > 0 ? I->width : 1, sizeof(*I->columns));
    if (I->columns == NULL)
        return merit__oom(I->ctx);
    for (int r = 0; r < MERIT_ROLE_COUNT; r++)
        I->role[r] = -1;
    for (size_t j = 0; j < I->width; j++) {
        const char *name = merit_table_cell(I->t, 0, j);
        struct column *col = &I->columns[j];
        if (name[0] == '\0') {
            col->kind = COL_UNNAMED; /* its cells must be empty */
            continue;
        }
        bool ignored = false;
        for (size_t k = 0; k < o->ignore_count && !ignored; k++)
            ignored = strcmp(o->ignore[k], name) == 0;
        if (ignored) {
            col->kind = COL_IGNORED;
            continue;
        }
        int role = -1;
        for (int r = 0; r < MERIT_ROLE_COUNT && role < 0; r++)
            if (strcmp(column_name(o, r), name) == 0 && allowed(o->layout, r))
                role = r;
        if (role >= 0) {
            col->kind = COL_ROLE;
            col->index = (size_t)role;
        } else if (o->layout == MERIT_IMPORT_LONG) {
            cell_error(I, 0, j,
                       "column '%s' is not one merit imports from a long table (reviewer, "
                       "proposal, criterion, score, confidence, comment, no_score_reason, "
                       "review_comment); leave it out with --ignore or name a role's column "
                       "with --column",
                       name);
            continue;
        } else if (o->layout == MERIT_IMPORT_WIDE_CRITERIA) {
            ssize_t ci = merit__rubric_criterion_index(rb, name);
            if (ci < 0) {
                cell_error(I, 0, j,
                           "column '%s' is neither a criterion of rubric '%s' nor one of "
                           "reviewer, proposal, confidence, comment; leave it out with --ignore",
                           name, rb->id);
                continue;
            }
            col->kind = COL_CRITERION;
            col->index = (size_t)ci;
        } else {
            const char *prefix = o->reviewer_prefix != NULL ? o->reviewer_prefix : "";
            char *id = merit__sprintf("%s%s", prefix, name);
            if (id == NULL)
                return merit__oom(I->ctx);
            ssize_t rv = merit__find_reviewer(I->call, id);
            if (rv < 0)
                cell_error(I, 0, j,
                           "column '%s' names reviewer '%s', who is not on the call's panel "
                           "(leave the column out with --ignore)",
                           name, id);
            free(id);
            if (rv < 0)
                continue;
            col->kind = COL_REVIEWER;
            col->index = (size_t)rv;
        }
        /* the same role, criterion or reviewer in two columns */
        for (size_t k = 0; k < j; k++)
            if (I->columns[k].kind == col->kind && I->columns[k].index == col->index) {
                cell_error(I, 0, j, "column '%s' is there twice (first as column %zu)", name,
                           k + 1);
                col->kind = COL_IGNORED;
                break;
            }
        if (col->kind == COL_ROLE)
            I->role[col->index] = (ssize_t)j;
    }
    /* what the layout needs */
    static const int needs[][4] = {
        [MERIT_IMPORT_LONG] = {MERIT_ROLE_REVIEWER, MERIT_ROLE_PROPOSAL, MERIT_ROLE_CRITERION,
                               MERIT_ROLE_SCORE},
        [MERIT_IMPORT_WIDE_CRITERIA] = {MERIT_ROLE_REVIEWER, MERIT_ROLE_PROPOSAL, -1, -1},
        [MERIT_IMPORT_WIDE_REVIEWERS] = {MERIT_ROLE_PROPOSAL, -1, -1, -1},
    };
    const char *path = merit_table_path(I->t);
    uint32_t header = merit_table_row_number(I->t, 0);
    for (size_t k = 0; k < 4; k++) {
        int r = needs[o->layout][k];
        if (r >= 0 && I->role[r] < 0) {
            merit__diag(I->ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path, header, 0,
                        "no column '%s' in the header (the %s column; another name is given "
                        "with --column %s=NAME)",
                        column_name(o, r), role_names[r], role_names[r]);
            I->failed = true;
        }
    }
    if (o->layout == MERIT_IMPORT_WIDE_CRITERIA)
        for (size_t ci = 0; ci < rb->criterion_count; ci++) {
            bool found = false;
            for (size_t j = 0; j < I->width && !found; j++)
                found = I->columns[j].kind == COL_CRITERION && I->columns[j].index == ci;
            if (!found) {
                merit__diag(I->ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path, header, 0,
                            "no column for criterion '%s': every review scores every criterion",
                            rb->criteria[ci].id);
                I->failed = true;
            }
        }
    if (o->layout == MERIT_IMPORT_WIDE_REVIEWERS && rb->criterion_count != 1) {
        merit__diag(I->ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path, header, 0,
                    "a table with a column per reviewer gives one score per review, but rubric "
                    "'%s' has %zu criteria: import a long table, or one with a column per "
                    "criterion",
                    rb->id, rb->criterion_count);
        I->failed = true;
    }
    return I->failed ? MERIT_EINVALID : 0;
}

/* --- the rows --------------------------------------------------------------- */

/* The score cell of a criterion checked as the sheet loader checks a
 * value= (sheet.c, score_steps), and against the sheet format's decimal. */
static bool check_score(struct importing *I, size_t row, size_t j, const char *text, size_t ci)
{
    const merit_rubric *rb = I->call->rubric;
    const char *crit = rb->criteria[ci].id;
    const char *p = text + (text[0] == '+' || text[0] == '-');
    size_t before = strspn(p, "0123456789");
    size_t after = p[before] == '.' ? strspn(p + before + 1, "0123456789") : 0;
    if (merit_decimal_parse(text, I->value) != 0) {
        cell_error(I, row, j, "score '%s' is not a number", text);
        return false;
    }
    if (before > 18 || after > 18) {
        cell_error(I, row, j, "score '%s' has more than 18 digits before or after the point", text);
        return false;
    }
    if (mpq_cmp(I->value, rb->scale_min) < 0 || mpq_cmp(I->value, rb->scale_max) > 0) {
        char *smin = merit_exact_string(rb->scale_min);
        char *smax = merit_exact_string(rb->scale_max);
        cell_error(I, row, j, "score %s for criterion '%s' is off the scale %s to %s", text, crit,
                   smin ? smin : "?", smax ? smax : "?");
        free(smin);
        free(smax);
        return false;
    }
    if (!merit__rubric_on_scale(rb, I->value, NULL)) {
        char *step = merit_exact_string(rb->scale_step);
        cell_error(I, row, j, "score %s for criterion '%s' is not on a step of %s", text, crit,
                   step ? step : "?");
        free(step);
        return false;
    }
    return true;
}

/* Text for an element of the sheet: what the sheet format can hold. */
static bool check_text(struct importing *I, size_t row, size_t j, const char *text,
                       const char *what)
{
    size_t len = strlen(text), bad;
    if (!merit__xml_text_ok(text, len, &bad)) {
        cell_error(I, row, j,
                   "%s holds a control character (byte 0x%02X) that an XML file cannot hold", what,
                   (unsigned char)text[bad]);
        return false;
    }
    size_t chars = 0;
    for (size_t i = 0; i < len; i++)
        chars += ((unsigned char)text[i] & 0xC0) != 0x80;
    if (chars > 20000) {
        cell_error(I, row, j, "%s is %zu characters long, more than a sheet holds (20000)", what,
                   chars);
        return false;
    }
    return true;
}

/* A no-score's reason: 1 to 2000 characters (the sheet format's). */
static bool check_reason_length(struct importing *I, size_t row, size_t j, const char *text)
{
    size_t chars = 0;
    for (const char *p = text; *p; p++)
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    if (chars > 2000) {
        cell_error(I, row, j,
                   "no-score reason is %zu characters long, more than a sheet holds "
                   "(2000)",
                   chars);
        return false;
    }
    return true;
}

static const char *role_cell(struct importing *I, size_t row, int role)
{
    return I->role[role] >= 0 ? merit_table_cell(I->t, row, (size_t)I->role[role]) : NULL;
}

/* The reviewer or proposal a cell names; -1 after an error. */
static ssize_t id_cell(struct importing *I, size_t row, int role)
{
    size_t j = (size_t)I->role[role];
    const char *id = merit_table_cell(I->t, row, j);
    if (id[0] == '\0') {
        cell_error(I, row, j, "%s cell is empty", role_names[role]);
        return -1;
    }
    ssize_t found = role == MERIT_ROLE_REVIEWER ? merit__find_reviewer(I->call, id)
                                                : merit__find_proposal(I->call, id);
    if (found < 0 && role == MERIT_ROLE_REVIEWER)
        cell_error(I, row, j, "reviewer '%s' is not on the call's panel", id);
    else if (found < 0)
        cell_error(I, row, j, "proposal '%s' is not in the call", id);
    return found;
}

static int add_entry(struct importing *I, const struct entry *e)
{
    merit_import *imp = I->imp;
    if (merit__grow((void **)&imp->entries, &imp->cap, imp->count, sizeof(*imp->entries)) != 0)
        return merit__oom(I->ctx);
    imp->entries[imp->count] = *e;
    imp->entries[imp->count].order = imp->count;
    imp->count++;
    return 0;
}

static int read_row(struct importing *I, size_t row)
{
    const merit_import_options *o = I->o;
    size_t cells = merit_table_cell_count(I->t, row);
    if (cells > I->width)
        cell_error(I, row, I->width,
                   "the row has %zu cells, the header %zu: a cell beyond the header's columns",
                   cells, I->width);
    for (size_t j = 0; j < I->width && j < cells; j++)
        if (I->columns[j].kind == COL_UNNAMED && merit_table_cell(I->t, row, j)[0] != '\0')
            cell_error(I, row, j, "cell in a column the header gives no name");
    struct entry e = {.confidence = o->confidence, .row = merit_table_row_number(I->t, row)};
    ssize_t rv = -1, p;
    if (o->layout != MERIT_IMPORT_WIDE_REVIEWERS)
        rv = id_cell(I, row, MERIT_ROLE_REVIEWER);
    p = id_cell(I, row, MERIT_ROLE_PROPOSAL);
    const char *conf = role_cell(I, row, MERIT_ROLE_CONFIDENCE);
    if (conf != NULL && conf[0] != '\0') {
        if (conf[1] != '\0' || conf[0] < '1' || conf[0] > '5') {
            cell_error(I, row, (size_t)I->role[MERIT_ROLE_CONFIDENCE],
                       "confidence '%s' is not a whole number from 1 to 5", conf);
            e.bad = true;
        } else {
            e.confidence = (uint8_t)(conf[0] - '0');
        }
    }
    const char *comment = role_cell(I, row, MERIT_ROLE_COMMENT);
    if (comment != NULL &&
        !check_text(I, row, (size_t)I->role[MERIT_ROLE_COMMENT], comment, "comment"))
        e.bad = true;
    if (comment != NULL && comment[0] == '\0')
        comment = NULL;
    if (o->layout == MERIT_IMPORT_LONG)
        e.comment = comment;
    else
        e.review_comment = comment;
    const char *overall = role_cell(I, row, MERIT_ROLE_REVIEW_COMMENT);
    if (overall != NULL &&
        !check_text(I, row, (size_t)I->role[MERIT_ROLE_REVIEW_COMMENT], overall, "comment"))
        e.bad = true;
    if (overall != NULL && overall[0] != '\0')
        e.review_comment = overall;
    if (p < 0 || (o->layout != MERIT_IMPORT_WIDE_REVIEWERS && rv < 0))
        return 0; /* whose score it is cannot be told: nothing to group */
    e.proposal = (size_t)p;
    e.reviewer = (size_t)rv;

    if (o->layout == MERIT_IMPORT_LONG) {
        size_t jc = (size_t)I->role[MERIT_ROLE_CRITERION], js = (size_t)I->role[MERIT_ROLE_SCORE];
        const char *crit = merit_table_cell(I->t, row, jc);
        const char *score = merit_table_cell(I->t, row, js);
        ssize_t ci = merit__rubric_criterion_index(I->call->rubric, crit);
        e.column = (uint32_t)js + 1;
        e.value = score;
        if (crit[0] == '\0') {
            cell_error(I, row, jc, "criterion cell is empty");
            e.bad = true;
        } else if (ci < 0) {
            cell_error(I, row, jc, "unknown criterion '%s' (rubric '%s' has none of that id)", crit,
                       I->call->rubric->id);
            e.bad = true;
        }
        const char *reason = role_cell(I, row, MERIT_ROLE_NO_SCORE_REASON);
        size_t jr = (size_t)I->role[MERIT_ROLE_NO_SCORE_REASON];
        if (reason != NULL && reason[0] != '\0') {
            if (score[0] != '\0') {
                cell_error(I, row, jr,
                           "a score and a no-score reason in one row: give one or the other");
                e.bad = true;
            } else if (!check_text(I, row, jr, reason, "no-score reason")) {
                e.bad = true;
            } else if (!check_reason_length(I, row, jr, reason)) {
                e.bad = true;
            }
            e.reason = reason;
        } else if (score[0] == '\0') {
            cell_error(I, row, js,
                       "score cell is empty: each row of a long table is one score (or, with "
                       "an empty score, a no_score_reason)");
            e.bad = true;
        } else if (ci >= 0 && !check_score(I, row, js, score, (size_t)ci)) {
            e.bad = true;
        }
        e.criterion = ci >= 0 ? (size_t)ci : SIZE_MAX;
        return add_entry(I, &e);
    }
    for (size_t j = 0; j < I->width; j++) {
        const struct column *col = &I->columns[j];
        if (col->kind != COL_CRITERION && col->kind != COL_REVIEWER)
            continue;
        struct entry one = e;
        const char *score = merit_table_cell(I->t, row, j);
        one.value = score;
        one.column = (uint32_t)j + 1;
        if (col->kind == COL_REVIEWER) {
            if (score[0] == '\0')
                continue; /* that reviewer gave no review */
            one.reviewer = col->index;
            one.criterion = 0;
        } else {
            one.criterion = col->index;
            if (score[0] == '\0') {
                cell_error(I, row, j, "no score for criterion '%s'",
                           I->call->rubric->criteria[col->index].id);
                one.bad = true;
            }
        }
        if (score[0] != '\0' && !check_score(I, row, j, score, one.criterion))
            one.bad = true;
        if (add_entry(I, &one) != 0)
            return MERIT_ENOMEM;
    }
    return 0;
}

/* --- sheets and reviews ------------------------------------------------------ */

static int compare_entries(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    if (x->reviewer != y->reviewer)
        return x->reviewer < y->reviewer ? -1 : 1;
    if (x->proposal != y->proposal)
        return x->proposal < y->proposal ? -1 : 1;
    if (x->criterion != y->criterion)
        return x->criterion < y->criterion ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

/* One review: entries [from, to). */
static void check_review(struct importing *I, size_t from, size_t to)
{
    const merit_call *c = I->call;
    const merit_rubric *rb = c->rubric;
    struct entry *e = I->imp->entries;
    const char *path = merit_table_path(I->t);
    const char *reviewer = c->reviewers[e[from].reviewer].id;
    const char *proposal = c->proposals[e[from].proposal].id;
    bool bad = false;
    uint32_t first_row = UINT32_MAX;
    for (size_t i = from; i < to; i++) {
        bad |= e[i].bad;
        if (e[i].row < first_row)
            first_row = e[i].row;
        if (i > from && !e[i].bad && e[i].criterion == e[i - 1].criterion &&
            e[i].criterion != SIZE_MAX) {
            merit__diag(I->ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path, e[i].row,
                        e[i].column, "reviewer '%s' scores criterion '%s' of proposal '%s' twice",
                        reviewer, rb->criteria[e[i].criterion].id, proposal);
            merit__diag(I->ctx, MERIT_SEVERITY_NOTE, MERIT_DIAG_INVALID, path, e[i - 1].row,
                        e[i - 1].column, "first scored here");
            I->failed = true;
        }
    }
    /* the review's overall comment, repeated in each of its rows */
    const struct entry *said = NULL;
    for (size_t i = from; i < to; i++) {
        if (e[i].review_comment == NULL)
            continue;
        if (said == NULL) {
            said = &e[i];
        } else if (strcmp(said->review_comment, e[i].review_comment) != 0) {
            merit__diag(I->ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path, e[i].row,
                        (uint32_t)I->role[MERIT_ROLE_REVIEW_COMMENT] + 1,
                        "review comment of proposal '%s' by '%s' differs from the one in row %u: "
                        "a review has one",
                        proposal, reviewer, said->row);
            I->failed = true;
            break;
        }
    }
    /* a review with a wrong cell: what it lacks may be that cell */
    for (size_t ci = 0, i = from; ci < rb->criterion_count && !bad; ci++) {
        while (i < to && e[i].criterion < ci)
            i++;
        if (i < to && e[i].criterion == ci)
            continue;
        merit__diag(I->ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path, first_row, 0,
                    "review of proposal '%s' by '%s' has no score for criterion '%s'", proposal,
                    reviewer, rb->criteria[ci].id);
        I->failed = true;
    }
    const merit_conflict *k = merit__find_conflict(c, e[from].reviewer, e[from].proposal, true);
    if (k != NULL)
        merit__diag(I->ctx, MERIT_SEVERITY_WARNING, MERIT_DIAG_INVALID, path, first_row, 0,
                    "the review of proposal '%s' by '%s' will be excluded: the programme office "
                    "declared a conflict (%s)",
                    proposal, reviewer, k->reason);
}

static int group(struct importing *I)
{
    merit_import *imp = I->imp;
    struct entry *e = imp->entries;
    if (imp->count > 1)
        qsort(e, imp->count, sizeof(*e), compare_entries);
    size_t sheets = 0;
    for (size_t i = 0; i < imp->count; i++)
        sheets += i == 0 || e[i].reviewer != e[i - 1].reviewer;
    imp->sheet_first = merit__malloc((sheets + 1) * sizeof(*imp->sheet_first));
    if (imp->sheet_first == NULL)
        return merit__oom(I->ctx);
    for (size_t i = 0, from = 0; i < imp->count; i++) {
        if (i == 0 || e[i].reviewer != e[i - 1].reviewer)
            imp->sheet_first[imp->sheet_count++] = i;
        bool last = i + 1 == imp->count || e[i + 1].reviewer != e[i].reviewer ||
                    e[i + 1].proposal != e[i].proposal;
        if (last) {
            check_review(I, from, i + 1);
            imp->review_count++;
            from = i + 1;
        }
    }
    imp->sheet_first[imp->sheet_count] = imp->count;
    return 0;
}

void merit_import_free(merit_import *imp)
{
    if (imp == NULL)
        return;
    free(imp->source);
    free(imp->entries);
    free(imp->sheet_first);
    free(imp);
}

int merit_import_scores(merit_ctx *ctx, const merit_call *call, const merit_table *t,
                        const merit_import_options *o, merit_import **out)
{
    *out = NULL;
    merit_import *imp = merit__calloc(1, sizeof(*imp));
    const char *path = merit_table_path(t);
    const char *slash = strrchr(path, '/');
    if (imp == NULL || (imp->source = merit__strdup(slash ? slash + 1 : path)) == NULL) {
        merit_import_free(imp);
        return merit__oom(ctx);
    }
    imp->call = call;
    struct importing I = {.ctx = ctx, .call = call, .t = t, .o = o, .imp = imp};
    mpq_init(I.value);
    int rc = read_header(&I);
    for (size_t row = 1; rc == 0 && row < merit_table_row_count(t); row++)
        if (read_row(&I, row) == MERIT_ENOMEM)
            rc = MERIT_ENOMEM;
    if (rc == 0)
        rc = group(&I);
    mpq_clear(I.value);
    free(I.columns);
    if (rc == 0 && (I.failed || merit_ctx_out_of_memory(ctx)))
        rc = merit_ctx_out_of_memory(ctx) ? MERIT_ENOMEM : MERIT_EINVALID;
    if (rc != 0) {
        merit_import_free(imp);
        return rc;
    }
    *out = imp;
    return 0;
}

size_t merit_import_sheet_count(const merit_import *imp)
{
    return imp->sheet_count;
}

const char *merit_import_sheet_reviewer(const merit_import *imp, size_t sheet)
{
    return imp->call->reviewers[imp->entries[imp->sheet_first[sheet]].reviewer].id;
}

size_t merit_import_review_count(const merit_import *imp)
{
    return imp->review_count;
}

size_t merit_import_score_count(const merit_import *imp)
{
    return imp->count;
}

/* One review: entries [from, to), in criterion order. */
static void write_review(FILE *out, const merit_import *imp, size_t from, size_t to)
{
    const merit_call *c = imp->call;
    const struct entry *e = imp->entries;
    uint8_t conf = 0;
    const char *overall = NULL;
    for (size_t i = from; i < to; i++) {
        if (conf == 0)
            conf = e[i].confidence;
        if (overall == NULL)
            overall = e[i].review_comment;
    }
    fputs("  <review proposal=\"", out);
    merit__xw_attr(out, c->proposals[e[from].proposal].id);
    if (conf != 0)
        fprintf(out, "\" confidence=\"%u", (unsigned)conf);
    fputs("\">\n", out);
    for (size_t i = from; i < to; i++) {
        if (e[i].reason != NULL) {
            fputs("    <no-score criterion=\"", out);
            merit__xw_attr(out, c->rubric->criteria[e[i].criterion].id);
            fputs("\">", out);
            merit__xw_text(out, e[i].reason);
            fputs("</no-score>\n", out);
            continue;
        }
        fputs("    <score criterion=\"", out);
        merit__xw_attr(out, c->rubric->criteria[e[i].criterion].id);
        fputs("\" value=\"", out);
        merit__xw_attr(out, e[i].value);
        if (e[i].confidence != 0 && e[i].confidence != conf)
            fprintf(out, "\" confidence=\"%u", (unsigned)e[i].confidence);
        if (e[i].comment == NULL) {
            fputs("\"/>\n", out);
            continue;
        }
        fputs("\">", out);
        merit__xw_text(out, e[i].comment);
        fputs("</score>\n", out);
    }
    if (overall != NULL) {
        fputs("    <comment>", out);
        merit__xw_text(out, overall);
        fputs("</comment>\n", out);
    }
    fputs("  </review>\n", out);
}

int merit_import_sheet_write(FILE *out, const merit_import *imp, size_t sheet)
{
    const merit_call *c = imp->call;
    const struct entry *e = imp->entries;
    size_t from = imp->sheet_first[sheet], to = imp->sheet_first[sheet + 1];
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- Imported with merit import from ", out);
    merit__xw_comment(out, imp->source);
    fputs(". -->\n<sheet xmlns=\"urn:merit:1\" reviewer=\"", out);
    merit__xw_attr(out, c->reviewers[e[from].reviewer].id);
    fputs("\" call=\"", out);
    merit__xw_attr(out, c->id);
    fputs("\">\n", out);
    for (size_t i = from, start = from; i < to; i++)
        if (i + 1 == to || e[i + 1].proposal != e[i].proposal) {
            write_review(out, imp, start, i + 1);
            start = i + 1;
        }
    fputs("</sheet>\n", out);
    return ferror(out) ? -1 : 0;
}
