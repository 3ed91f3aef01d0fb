/*
 * Proposals from a table into a <proposals> bundle (merit/import.h). The
 * header says what each column holds (a role, a section, a declared fact);
 * each row is one proposal, every cell checked as the proposal loader
 * checks what it becomes: the value its schema type allows (read from the
 * schema, merit_schema_value_check), the lengths and characters the format
 * holds, the 'text' limit, what the call's rubric requires, and an id new
 * to the call and to the table. Cost: n log n in the rows (the ids are
 * sorted once), plus the cells.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "merit/import.h"
#include "merit/number.h"
#include "merit/schemas.h"
#include "xml_write.h"

static const char *const role_names[MERIT_PROPOSAL_ROLE_COUNT] = {"id",   "title",   "applicant",
                                                                  "area", "request", "months"};

const char *merit_proposal_role_name(merit_proposal_role role)
{
    return (size_t)role < MERIT_PROPOSAL_ROLE_COUNT ? role_names[role] : "?";
}

int merit_proposal_role_from_name(const char *name)
{
    for (int r = 0; r < MERIT_PROPOSAL_ROLE_COUNT; r++)
        if (strcmp(role_names[r], name) == 0)
            return r;
    return -1;
}

/* What a proposal format's element holds (proposal.xsd: shortText and
 * sectionText), in characters. */
#define SHORT_TEXT_MAX 300
#define SECTION_TEXT_MAX 100000

/* A section or fact column. */
struct field {
    char *name;    /* owned */
    size_t column; /* in the table */
    bool fact;
    const merit_requirement *required; /* the rubric's, or NULL */
};

struct merit_proposal_import {
    const merit_call *call;
    const merit_table *t;
    char *source;  /* the table's file name, for the bundle's comment */
    char *request; /* the amount of a proposal the table gives none; NULL */
    ssize_t role[MERIT_PROPOSAL_ROLE_COUNT];
    const merit_requirement *role_required[MERIT_PROPOSAL_ROLE_COUNT];
    struct field *fields; /* sections in the order of a proposal, then facts */
    size_t field_count, field_cap;
    size_t *rows; /* the table rows of the proposals, in order */
    size_t count;
};

/* A text and where it is (a column's header, a row's id), sorted by the
 * text, then the place. */
struct keyed {
    const char *key;
    size_t at;
};

static int compare_keyed(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c != 0 ? c : (x->at > y->at) - (x->at < y->at);
}

/* A check of each row: a cell of a column with no header must be empty
 * (CHECK_UNNAMED), a role's cell (the role), a field's (the role count plus
 * the field's index). */
#define CHECK_UNNAMED (-1)
struct check {
    size_t column;
    int what;
};

static int compare_checks(const void *a, const void *b)
{
    const struct check *x = a, *y = b;
    if (x->column != y->column)
        return x->column < y->column ? -1 : 1;
    return (x->what > y->what) - (x->what < y->what);
}

enum column_use { COL_UNKNOWN = 0, COL_UNNAMED, COL_IGNORED, COL_TWICE, COL_USED };

struct importing {
    merit_ctx *ctx;
    const merit_table *t;
    const merit_import_proposal_options *o;
    merit_proposal_import *imp;
    enum column_use *use;
    struct keyed *sorted; /* columns by header, for lookups */
    struct check *checks; /* what each row is checked for, by column */
    size_t check_count;
    size_t width;
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

/* An error of the header as a whole: row 1, no column. */
static int header_error(struct importing *I, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int header_error(struct importing *I, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    merit__vdiag(I->ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, merit_table_path(I->t),
                 merit_table_row_number(I->t, 0), 0, fmt, ap);
    va_end(ap);
    I->failed = true;
    return MERIT_EINVALID;
}

/* Whether value is of the proposal schema's type; *words gets what it must
 * be. Out of memory is recorded on the context and reads as valid. */
static bool of_type(struct importing *I, const char *type, const char *value, const char **words)
{
    int rc = merit_schema_value_check("proposal", type, value, words);
    if (rc == MERIT_ENOMEM) {
        merit__oom(I->ctx);
        return true;
    }
    if (rc == MERIT_EUSAGE) { /* merit's own schema lacks the type: a bug */
        merit__diag(I->ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, "", 0, 0,
                    "internal error: the proposal schema has no simple type '%s'", type);
        I->failed = true;
        return true;
    }
    return rc == 0;
}

static size_t characters(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* --- the header ------------------------------------------------------------- */

/* The first column headed `header`, or -1. */
static ssize_t find_column(struct importing *I, const char *header)
{
    size_t lo = 0, hi = I->width;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(I->sorted[mid].key, header);
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < I->width && strcmp(I->sorted[lo].key, header) == 0)
        return (ssize_t)I->sorted[lo].at;
    return -1;
}

static bool ignored(const merit_import_proposal_options *o, const char *header)
{
    for (size_t k = 0; k < o->ignore_count; k++)
        if (strcmp(o->ignore[k], header) == 0)
            return true;
    return false;
}

static int add_field(struct importing *I, const char *name, size_t column, bool fact)
{
    merit_proposal_import *imp = I->imp;
    if (merit__grow((void **)&imp->fields, &imp->field_cap, imp->field_count,
                    sizeof(*imp->fields)) != 0)
        return merit__oom(I->ctx);
    struct field *f = &imp->fields[imp->field_count];
    memset(f, 0, sizeof(*f));
    if ((f->name = merit__strdup(name)) == NULL)
        return merit__oom(I->ctx);
    f->column = column;
    f->fact = fact;
    imp->field_count++;
    I->use[column] = COL_USED;
    return 0;
}

/* Whether a section or fact named `name` is given by an option. */
static bool named_by_option(const merit_named_column *list, size_t count, const char *name)
{
    for (size_t k = 0; k < count; k++)
        if (strcmp(list[k].name, name) == 0)
            return true;
    return false;
}

/* A section's or a fact's name, from a header or an option. */
static bool check_field_name(struct importing *I, size_t column, const char *name, bool fact)
{
    const char *words = NULL;
    if (!of_type(I, "name", name, &words)) {
        cell_error(I, 0, column, "%s name '%s' is not %s", fact ? "fact" : "section", name, words);
        return false;
    }
    if (!fact && merit_section_known(name) == MERIT_SECTION_MILESTONES) {
        cell_error(I, 0, column,
                   "section 'milestones' holds milestones, which merit does not import from a "
                   "table: write them in the proposals' XML (docs/formats.md)");
        return false;
    }
    if (fact && merit__fact_from_name(name) >= 0) {
        cell_error(I, 0, column,
                   "fact '%s' is one merit derives itself: a declared fact needs a name of its "
                   "own",
                   name);
        return false;
    }
    return true;
}

static int compare_fields(const void *a, const void *b)
{
    const struct field *x = a, *y = b;
    if (x->fact != y->fact)
        return x->fact ? 1 : -1;
    int c = x->fact ? strcmp(x->name, y->name) : merit_section_order(x->name, y->name);
    return c != 0 ? c : (x->column > y->column) - (x->column < y->column);
}

/* The fields from the options and from "section:" and "fact:" headers. */
static int read_fields(struct importing *I)
{
    const merit_import_proposal_options *o = I->o;
    for (int pass = 0; pass < 2; pass++) {
        bool fact = pass == 1;
        const merit_named_column *list = fact ? o->facts : o->sections;
        size_t count = fact ? o->fact_count : o->section_count;
        for (size_t k = 0; k < count; k++) {
            ssize_t j = find_column(I, list[k].header);
            if (j < 0) {
                header_error(I,
                             "no column '%s' in the header (the column of %s '%s', given with "
                             "--column)",
                             list[k].header, fact ? "fact" : "section", list[k].name);
                continue;
            }
            if (check_field_name(I, (size_t)j, list[k].name, fact) &&
                add_field(I, list[k].name, (size_t)j, fact) != 0)
                return MERIT_ENOMEM;
        }
    }
    for (size_t j = 0; j < I->width; j++) {
        if (I->use[j] != COL_UNKNOWN)
            continue;
        const char *header = merit_table_cell(I->t, 0, j);
        bool fact = strncmp(header, "fact:", 5) == 0;
        if (!fact && strncmp(header, "section:", 8) != 0)
            continue;
        const char *name = header + (fact ? 5 : 8);
        if (named_by_option(fact ? o->facts : o->sections, fact ? o->fact_count : o->section_count,
                            name)) {
            cell_error(I, 0, j, "column '%s' gives %s '%s', which --column gives another column",
                       header, fact ? "fact" : "section", name);
            I->use[j] = COL_IGNORED;
            continue;
        }
        I->use[j] = COL_IGNORED; /* a bad name is reported, not also unknown */
        if (check_field_name(I, j, name, fact) && add_field(I, name, j, fact) != 0)
            return MERIT_ENOMEM;
    }
    merit_proposal_import *imp = I->imp;
    if (imp->field_count > 1)
        qsort(imp->fields, imp->field_count, sizeof(*imp->fields), compare_fields);
    /* one column a section or fact: two columns of one is an error at the later */
    for (size_t i = 1; i < imp->field_count; i++) {
        struct field *a = &imp->fields[i - 1], *b = &imp->fields[i];
        if (a->fact != b->fact || compare_fields(a, b) == 0 ||
            (a->fact ? strcmp(a->name, b->name) : merit_section_order(a->name, b->name)) != 0)
            continue;
        struct field *later = a->column > b->column ? a : b;
        cell_error(I, 0, later->column, "%s '%s' has a column already (column %zu)",
                   b->fact ? "fact" : "section", b->name,
                   (a->column < b->column ? a->column : b->column) + 1);
    }
    return 0;
}

static const merit_requirement *requirement(const merit_rubric *rb, merit_need need,
                                            const char *name)
{
    for (size_t k = 0; k < rb->requirement_count; k++) {
        const merit_requirement *q = &rb->requirements[k];
        if (q->need == need && (name == NULL || strcmp(q->name, name) == 0))
            return q;
    }
    return NULL;
}

static struct field *find_field(merit_proposal_import *imp, const char *name, bool fact)
{
    for (size_t i = 0; i < imp->field_count; i++)
        if (imp->fields[i].fact == fact &&
            (fact ? strcmp(imp->fields[i].name, name)
                  : merit_section_order(imp->fields[i].name, name)) == 0)
            return &imp->fields[i];
    return NULL;
}

/* What the call's rubric requires: a column for each thing, and of what a
 * table cannot give, nothing. */
static void read_requirements(struct importing *I)
{
    merit_proposal_import *imp = I->imp;
    const merit_rubric *rb = imp->call->rubric;
    bool team = requirement(rb, MERIT_NEED_TEAM, NULL) != NULL;
    for (size_t k = 0; k < rb->requirement_count; k++) {
        const merit_requirement *q = &rb->requirements[k];
        int role = -1;
        const char *thing = NULL;
        switch (q->need) {
        case MERIT_NEED_APPLICANT:
            role = MERIT_PROPOSAL_APPLICANT;
            thing = "an applicant";
            break;
        case MERIT_NEED_AREA:
            role = MERIT_PROPOSAL_AREA;
            thing = "an <area>";
            break;
        case MERIT_NEED_MONTHS:
            role = MERIT_PROPOSAL_MONTHS;
            thing = "the attribute 'months'";
            break;
        case MERIT_NEED_SECTION:
        case MERIT_NEED_FACT: {
            bool fact = q->need == MERIT_NEED_FACT;
            if (!fact && merit_section_known(q->name) == MERIT_SECTION_MILESTONES) {
                header_error(I,
                             "rubric '%s' requires the milestones of every proposal (%s), which "
                             "merit does not import from a table: write such proposals in XML "
                             "(docs/formats.md)",
                             rb->id, q->reason);
                break;
            }
            struct field *f = find_field(imp, q->name, fact);
            if (f != NULL)
                f->required = q;
            else
                header_error(I,
                             "no column '%s:%s' in the header: rubric '%s' requires %s '%s' of "
                             "every proposal (%s)",
                             fact ? "fact" : "section", q->name, rb->id,
                             fact ? "the fact" : "the section", q->name, q->reason);
            break;
        }
        case MERIT_NEED_TEAM:
        case MERIT_NEED_BUDGET:
            header_error(I,
                         "rubric '%s' requires %s of every proposal (%s), which merit does not "
                         "import from a table: write such proposals in XML (docs/formats.md)",
                         rb->id, q->need == MERIT_NEED_TEAM ? "a <team>" : "a <budget>", q->reason);
            break;
        case MERIT_NEED_ORG_FIELD:
            if (!team) /* said with the team */
                header_error(I,
                             "rubric '%s' requires a <team> of every proposal (%s), which merit "
                             "does not import from a table: write such proposals in XML "
                             "(docs/formats.md)",
                             rb->id, q->reason);
            team = true;
            break;
        }
        if (role < 0)
            continue;
        imp->role_required[role] = q;
        if (imp->role[role] < 0)
            header_error(I,
                         "no column '%s' in the header: rubric '%s' requires %s of every "
                         "proposal (%s)",
                         I->o->columns[role] != NULL ? I->o->columns[role] : role_names[role],
                         rb->id, thing, q->reason);
    }
}

struct placed {
    uint32_t column; /* 0: the header as a whole, said last */
    size_t index;    /* in the order found */
};

static int compare_placed(const void *a, const void *b)
{
    const struct placed *x = a, *y = b;
    uint32_t cx = x->column != 0 ? x->column : UINT32_MAX;
    uint32_t cy = y->column != 0 ? y->column : UINT32_MAX;
    if (cx != cy)
        return cx < cy ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

/* The header's problems are found kind by kind; they are said column by
 * column, as a row's are, the header's own problems (no column) last, in
 * the order they were found otherwise. */
static int sort_header_diags(merit_ctx *ctx, size_t from)
{
    size_t n = ctx->diag_count - from;
    if (n < 2)
        return 0;
    struct placed *order = merit__calloc(n, sizeof(*order));
    struct merit_diag_item *items = merit__calloc(n, sizeof(*items));
    if (order == NULL || items == NULL) {
        free(order);
        free(items);
        return merit__oom(ctx);
    }
    for (size_t i = 0; i < n; i++) {
        order[i] = (struct placed){ctx->diags[from + i].diag.column, i};
        items[i] = ctx->diags[from + i];
    }
    qsort(order, n, sizeof(*order), compare_placed);
    for (size_t i = 0; i < n; i++)
        ctx->diags[from + i] = items[order[i].index];
    free(order);
    free(items);
    return 0;
}

static int read_header(struct importing *I)
{
    const merit_import_proposal_options *o = I->o;
    merit_proposal_import *imp = I->imp;
    I->width = merit_table_cell_count(I->t, 0);
    I->use = merit__calloc(I->width + 1, sizeof(*I->use));
    I->sorted = merit__calloc(I->width + 1, sizeof(*I->sorted));
    if (I->use == NULL || I->sorted == NULL)
        return merit__oom(I->ctx);
    for (size_t j = 0; j < I->width; j++)
        I->sorted[j] = (struct keyed){merit_table_cell(I->t, 0, j), j};
    qsort(I->sorted, I->width, sizeof(*I->sorted), compare_keyed);
    for (size_t j = 0; j < I->width; j++) {
        const char *header = merit_table_cell(I->t, 0, j);
        if (header[0] == '\0')
            I->use[j] = COL_UNNAMED; /* its cells must be empty */
        else if (ignored(o, header))
            I->use[j] = COL_IGNORED;
    }
    /* a header twice: the later columns are errors, and read no further */
    for (size_t i = 1; i < I->width; i++) {
        size_t j = I->sorted[i].at;
        if (I->use[j] != COL_UNKNOWN || strcmp(I->sorted[i - 1].key, I->sorted[i].key) != 0)
            continue;
        cell_error(I, 0, j, "column '%s' is there twice (first as column %zu)", I->sorted[i].key,
                   (size_t)find_column(I, I->sorted[i].key) + 1);
        I->use[j] = COL_TWICE;
    }
    for (int r = 0; r < MERIT_PROPOSAL_ROLE_COUNT; r++) {
        const char *header = o->columns[r] != NULL ? o->columns[r] : role_names[r];
        ssize_t j = find_column(I, header);
        imp->role[r] = j >= 0 && I->use[j] != COL_IGNORED ? j : -1;
        if (imp->role[r] >= 0)
            I->use[j] = COL_USED;
    }
    int rc = read_fields(I);
    if (rc != 0)
        return rc;
    for (size_t j = 0; j < I->width; j++)
        if (I->use[j] == COL_UNKNOWN)
            cell_error(I, 0, j,
                       "column '%s' is not one merit imports into proposals (id, title, "
                       "applicant, area, request, months, section:NAME, fact:NAME); leave it out "
                       "with --ignore or name a role's column with --column",
                       merit_table_cell(I->t, 0, j));
    static const int needed[] = {MERIT_PROPOSAL_ID, MERIT_PROPOSAL_TITLE};
    for (size_t k = 0; k < 2; k++) {
        int r = needed[k];
        if (imp->role[r] < 0)
            header_error(I,
                         "no column '%s' in the header (the %s column; another name is given "
                         "with --column %s=NAME)",
                         o->columns[r] != NULL ? o->columns[r] : role_names[r], role_names[r],
                         role_names[r]);
    }
    if (imp->role[MERIT_PROPOSAL_REQUEST] < 0 && imp->request == NULL)
        header_error(I,
                     "no column '%s' in the header (the amount each proposal requests; another "
                     "name is given with --column request=NAME, or one amount for every "
                     "proposal with --request AMOUNT)",
                     o->columns[MERIT_PROPOSAL_REQUEST] != NULL ? o->columns[MERIT_PROPOSAL_REQUEST]
                                                                : "request");
    read_requirements(I);
    return merit_ctx_out_of_memory(I->ctx) ? MERIT_ENOMEM : 0;
}

/* --- the rows --------------------------------------------------------------- */

/* Text the format can hold: XML characters, at most max characters. */
static bool check_text(struct importing *I, size_t row, size_t j, const char *text,
                       const char *what, size_t max)
{
    size_t len = strlen(text), bad;
    if (!merit__xml_text_ok(text, len, &bad)) {
        cell_error(I, row, j,
                   "%s holds a control character (byte 0x%02X) that an XML file cannot hold", what,
                   (unsigned char)text[bad]);
        return false;
    }
    size_t chars = characters(text);
    if (chars > max) {
        cell_error(I, row, j, "%s is %zu characters long, more than a proposal holds (%zu)", what,
                   chars, max);
        return false;
    }
    return true;
}

/* An empty cell of something the rubric requires. */
static void required_empty(struct importing *I, size_t row, size_t j, const char *what,
                           const merit_requirement *q)
{
    cell_error(I, row, j, "%s cell is empty, and rubric '%s' requires it of every proposal (%s)",
               what, I->imp->call->rubric->id, q->reason);
}

static bool row_is_empty(const merit_table *t, size_t row)
{
    for (size_t j = 0; j < merit_table_cell_count(t, row); j++)
        if (merit_table_cell(t, row, j)[0] != '\0')
            return false;
    return true;
}

static void check_role(struct importing *I, size_t row, int r)
{
    merit_proposal_import *imp = I->imp;
    size_t j = (size_t)imp->role[r];
    const char *cell = merit_table_cell(I->t, row, j);
    const char *words = NULL;
    switch (r) {
    case MERIT_PROPOSAL_ID:
        if (cell[0] == '\0')
            cell_error(I, row, j, "id cell is empty");
        else if (!of_type(I, "id", cell, &words))
            cell_error(I, row, j, "proposal id '%s' is not %s", cell, words);
        break;
    case MERIT_PROPOSAL_TITLE:
        if (cell[0] == '\0')
            cell_error(I, row, j, "title cell is empty");
        else
            check_text(I, row, j, cell, "title", SHORT_TEXT_MAX);
        break;
    case MERIT_PROPOSAL_APPLICANT:
    case MERIT_PROPOSAL_AREA:
        if (cell[0] == '\0' && imp->role_required[r] != NULL)
            required_empty(I, row, j, role_names[r], imp->role_required[r]);
        else if (cell[0] != '\0')
            check_text(I, row, j, cell, role_names[r], SHORT_TEXT_MAX);
        break;
    case MERIT_PROPOSAL_REQUEST: {
        int64_t cents;
        if (cell[0] == '\0' && imp->request == NULL)
            cell_error(I, row, j,
                       "request cell is empty (the amount the proposal requests; one amount for "
                       "every proposal the table gives none is given with --request AMOUNT)");
        else if (cell[0] != '\0' && !of_type(I, "amount", cell, &words))
            cell_error(I, row, j, "request '%s' is not %s", cell, words);
        else if (cell[0] != '\0' && (merit_amount_parse(cell, &cents) != 0 || cents <= 0))
            cell_error(I, row, j, "request '%s' is not above zero: a proposal asks for some amount",
                       cell);
        break;
    }
    case MERIT_PROPOSAL_MONTHS: {
        size_t digits = strspn(cell, "0123456789");
        unsigned long n = 0;
        for (size_t k = 0; k < digits && n <= 120; k++)
            n = n * 10 + (unsigned long)(cell[k] - '0');
        if (cell[0] == '\0' && imp->role_required[r] != NULL)
            required_empty(I, row, j, "months", imp->role_required[r]);
        else if (cell[0] != '\0' && (cell[digits] != '\0' || n < 1 || n > 120))
            cell_error(I, row, j, "months '%s' is not a whole number from 1 to 120", cell);
        break;
    }
    }
}

static void check_field(struct importing *I, size_t row, const struct field *f)
{
    const char *cell = merit_table_cell(I->t, row, f->column);
    const char *words = NULL;
    char what[100];
    snprintf(what, sizeof(what), "%s '%s'", f->fact ? "fact" : "section", f->name);
    if (cell[0] == '\0') {
        if (f->required != NULL)
            required_empty(I, row, f->column, what, f->required);
        return;
    }
    if (f->fact) {
        if (!of_type(I, "decimal", cell, &words))
            cell_error(I, row, f->column, "value '%s' of fact '%s' is not %s", cell, f->name,
                       words);
        return;
    }
    if (!check_text(I, row, f->column, cell, what, SECTION_TEXT_MAX))
        return;
    size_t bytes = strlen(cell);
    if (bytes > I->ctx->limits.max_text_bytes) {
        merit__diag(I->ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_LIMIT, merit_table_path(I->t),
                    merit_table_row_number(I->t, row), (uint32_t)f->column + 1,
                    "section '%s' is %zu bytes, more than the 'text' limit of %u", f->name, bytes,
                    I->ctx->limits.max_text_bytes);
        I->failed = true;
    }
}

/* One row, its cells checked in the order of the columns. */
static void read_row(struct importing *I, size_t row)
{
    size_t cells = merit_table_cell_count(I->t, row);
    for (size_t k = 0; k < I->check_count; k++) {
        const struct check *c = &I->checks[k];
        if (c->what == CHECK_UNNAMED) {
            if (merit_table_cell(I->t, row, c->column)[0] != '\0')
                cell_error(I, row, c->column, "cell in a column the header gives no name");
        } else if (c->what < MERIT_PROPOSAL_ROLE_COUNT) {
            check_role(I, row, c->what);
        } else {
            check_field(I, row, &I->imp->fields[c->what - MERIT_PROPOSAL_ROLE_COUNT]);
        }
    }
    if (cells > I->width)
        cell_error(I, row, I->width,
                   "the row has %zu cells, the header %zu: a cell beyond the header's columns",
                   cells, I->width);
}

/* What read_row checks, in the order of the columns. */
static int plan_checks(struct importing *I)
{
    merit_proposal_import *imp = I->imp;
    size_t n = I->width + MERIT_PROPOSAL_ROLE_COUNT + imp->field_count;
    I->checks = merit__calloc(n, sizeof(*I->checks));
    if (I->checks == NULL)
        return merit__oom(I->ctx);
    for (size_t j = 0; j < I->width; j++)
        if (I->use[j] == COL_UNNAMED)
            I->checks[I->check_count++] = (struct check){j, CHECK_UNNAMED};
    for (int r = 0; r < MERIT_PROPOSAL_ROLE_COUNT; r++)
        if (imp->role[r] >= 0)
            I->checks[I->check_count++] = (struct check){(size_t)imp->role[r], r};
    for (size_t i = 0; i < imp->field_count; i++)
        I->checks[I->check_count++] =
            (struct check){imp->fields[i].column, MERIT_PROPOSAL_ROLE_COUNT + (int)i};
    qsort(I->checks, I->check_count, sizeof(*I->checks), compare_checks);
    return 0;
}

/* --- ids ---------------------------------------------------------------------- */

/* Every id new to the call and to the table. */
static int check_ids(struct importing *I)
{
    merit_proposal_import *imp = I->imp;
    const merit_call *c = imp->call;
    size_t j = (size_t)imp->role[MERIT_PROPOSAL_ID];
    const char *path = merit_table_path(I->t);
    struct keyed *by_id = merit__malloc((imp->count + 1) * sizeof(*by_id));
    if (by_id == NULL)
        return merit__oom(I->ctx);
    for (size_t i = 0; i < imp->count; i++)
        by_id[i] = (struct keyed){merit_table_cell(I->t, imp->rows[i], j), imp->rows[i]};
    qsort(by_id, imp->count, sizeof(*by_id), compare_keyed);
    for (size_t i = 0, first = 0; i < imp->count; i++) {
        size_t row = by_id[i].at;
        const char *id = by_id[i].key;
        if (id[0] == '\0')
            continue;
        if (i > 0 && strcmp(by_id[i - 1].key, id) == 0) {
            cell_error(I, row, j, "duplicate proposal id '%s'", id);
            merit__diag(I->ctx, MERIT_SEVERITY_NOTE, MERIT_DIAG_INVALID, path,
                        merit_table_row_number(I->t, by_id[first].at), (uint32_t)j + 1,
                        "'%s' also defined here", id);
            continue;
        }
        first = i;
        ssize_t p = merit__find_proposal(c, id);
        if (p >= 0) {
            cell_error(I, row, j, "proposal '%s' is already in the call", id);
            merit__note_at(I->ctx, c->proposals[p].loc, "'%s' also defined here", id);
        }
    }
    free(by_id);
    return 0;
}

void merit_proposal_import_free(merit_proposal_import *imp)
{
    if (imp == NULL)
        return;
    for (size_t i = 0; i < imp->field_count; i++)
        free(imp->fields[i].name);
    free(imp->fields);
    free(imp->rows);
    free(imp->source);
    free(imp->request);
    free(imp);
}

int merit_import_proposals(merit_ctx *ctx, const merit_call *call, const merit_table *t,
                           const merit_import_proposal_options *o, merit_proposal_import **out)
{
    *out = NULL;
    merit_proposal_import *imp = merit__calloc(1, sizeof(*imp));
    const char *path = merit_table_path(t);
    const char *slash = strrchr(path, '/');
    if (imp == NULL || (imp->source = merit__strdup(slash ? slash + 1 : path)) == NULL ||
        (o->request != NULL && (imp->request = merit__strdup(o->request)) == NULL)) {
        merit_proposal_import_free(imp);
        return merit__oom(ctx);
    }
    imp->call = call;
    imp->t = t;
    imp->rows = merit__calloc(merit_table_row_count(t), sizeof(*imp->rows));
    if (imp->rows == NULL) {
        merit_proposal_import_free(imp);
        return merit__oom(ctx);
    }
    struct importing I = {.ctx = ctx, .t = t, .o = o, .imp = imp};
    size_t before = merit_ctx_diag_count(ctx);
    int rc = read_header(&I);
    if (rc == 0)
        rc = sort_header_diags(ctx, before);
    /* the rows are read after any other problem of the header, so that one
     * run reports them too; without an id or a title they cannot be */
    if (imp->role[MERIT_PROPOSAL_ID] < 0 || imp->role[MERIT_PROPOSAL_TITLE] < 0)
        rc = rc != 0 ? rc : MERIT_EINVALID;
    if (rc == 0)
        rc = plan_checks(&I);
    for (size_t row = 1; rc == 0 && row < merit_table_row_count(t); row++) {
        if (row_is_empty(t, row))
            continue; /* a row of empty cells holds nothing, like a blank line */
        read_row(&I, row);
        imp->rows[imp->count++] = row;
        if (merit_ctx_out_of_memory(ctx))
            rc = MERIT_ENOMEM;
    }
    if (rc == 0)
        rc = check_ids(&I);
    free(I.use);
    free(I.sorted);
    free(I.checks);
    if (rc == 0 && (I.failed || merit_ctx_out_of_memory(ctx)))
        rc = merit_ctx_out_of_memory(ctx) ? MERIT_ENOMEM : MERIT_EINVALID;
    if (rc != 0) {
        merit_proposal_import_free(imp);
        return rc;
    }
    *out = imp;
    return 0;
}

size_t merit_proposal_import_count(const merit_proposal_import *imp)
{
    return imp->count;
}

/* An element with text, on a line of its own. */
static void put_element(FILE *out, const char *indent, const char *name, const char *text)
{
    fprintf(out, "%s<%s>", indent, name);
    merit__xw_text(out, text);
    fprintf(out, "</%s>\n", name);
}

static void write_proposal(FILE *out, const merit_proposal_import *imp, size_t row)
{
    const merit_table *t = imp->t;
#define CELL(r) (imp->role[r] >= 0 ? merit_table_cell(t, row, (size_t)imp->role[r]) : "")
    fputs("  <proposal id=\"", out);
    merit__xw_attr(out, CELL(MERIT_PROPOSAL_ID));
    fputs("\" call=\"", out);
    merit__xw_attr(out, imp->call->id);
    const char *months = CELL(MERIT_PROPOSAL_MONTHS);
    if (months[0] != '\0') {
        unsigned long n = 0;
        for (const char *p = months; *p; p++)
            n = n * 10 + (unsigned long)(*p - '0'); /* checked: 1 to 120 */
        fprintf(out, "\" months=\"%lu", n);
    }
    fputs("\">\n", out);
    put_element(out, "    ", "title", CELL(MERIT_PROPOSAL_TITLE));
    if (CELL(MERIT_PROPOSAL_APPLICANT)[0] != '\0')
        put_element(out, "    ", "applicant", CELL(MERIT_PROPOSAL_APPLICANT));
    if (CELL(MERIT_PROPOSAL_AREA)[0] != '\0')
        put_element(out, "    ", "area", CELL(MERIT_PROPOSAL_AREA));
    const char *request = CELL(MERIT_PROPOSAL_REQUEST);
    fputs("    <request amount=\"", out);
    merit__xw_attr(out, request[0] != '\0' ? request : imp->request);
    fputs("\"/>\n", out);
#undef CELL
    bool sections = false, facts = false;
    for (size_t i = 0; i < imp->field_count; i++) {
        const struct field *f = &imp->fields[i];
        const char *cell = merit_table_cell(t, row, f->column);
        if (cell[0] == '\0')
            continue;
        if (f->fact) {
            if (sections) {
                fputs("    </sections>\n", out);
                sections = false;
            }
            if (!facts)
                fputs("    <facts>\n", out);
            facts = true;
            fputs("      <fact name=\"", out);
            merit__xw_attr(out, f->name);
            fputs("\" value=\"", out);
            merit__xw_attr(out, cell);
            fputs("\"/>\n", out);
            continue;
        }
        if (!sections)
            fputs("    <sections>\n", out);
        sections = true;
        int known = merit_section_known(f->name);
        if (known >= 0) {
            put_element(out, "      ", f->name, cell);
        } else {
            fputs("      <section name=\"", out);
            merit__xw_attr(out, f->name);
            fputs("\">", out);
            merit__xw_text(out, cell);
            fputs("</section>\n", out);
        }
    }
    if (sections)
        fputs("    </sections>\n", out);
    if (facts)
        fputs("    </facts>\n", out);
    fputs("  </proposal>\n", out);
}

int merit_proposal_import_write(FILE *out, const merit_proposal_import *imp)
{
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- Imported with merit import from ", out);
    merit__xw_comment(out, imp->source);
    fputs(". -->\n<proposals xmlns=\"urn:merit:1\">\n", out);
    for (size_t i = 0; i < imp->count; i++)
        write_proposal(out, imp, imp->rows[i]);
    fputs("</proposals>\n", out);
    return ferror(out) ? -1 : 0;
}
