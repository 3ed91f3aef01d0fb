/*
 * Loading a whole call: call.xml, its rubric, proposals/ *.xml and
 * reviews/ *.xml (single records or bundles), then the checks across files:
 * unique ids, every reference resolved, every score on the scale and step,
 * every criterion scored or explained, conflicts. All problems of a run are
 * collected before giving up.
 */
#define _DEFAULT_SOURCE /* realpath, and d_type in a directory entry */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "merit/escape.h"
#include "merit/number.h"
#include "merit/sign.h"
#include "moderation.h"
#include "proposal.h"
#include "rubric.h"
#include "sheet.h"
#include "suggest.h"
#include "xml_input.h"

struct raw_call_conflict {
    char *reviewer;
    char *proposal;
    char *reason;
    merit_loc loc;
};

/* Everything gathered while loading, before it is resolved into the call. */
/* An id and its place, ordered by id, then place. */
struct id_at {
    const char *id;
    size_t index;
};

struct loader {
    merit_ctx *ctx;
    merit_call *call;
    const struct merit_root *root; /* the call folder, resolved: links must stay in it */
    size_t file_cap;
    size_t proposal_cap;
    struct merit_raw_sheet *sheets;
    size_t sheet_count;
    size_t sheet_cap;
    struct raw_call_conflict *call_conflicts;
    size_t call_conflict_count;
    bool failed;               /* some input was invalid: keep checking, but fail at the end */
    bool call_failed;          /* call.xml itself is invalid: nothing can be kept */
    bool panel_failed;         /* the panel was not read (over a limit): no sheet can be
                                  checked against it */
    bool over_proposal_limit;  /* said once */
    bool proposals_incomplete; /* a proposal file did not load whole, and
                                  some of its ids are unknown: references to
                                  proposals cannot all be checked */
    char *incomplete_file;     /* the first such file; owned */
    bool incomplete_noted;     /* the note saying so is made */
    size_t rejected_cap;
    /* ids of proposals that did not load (rejected, invalid, or in a file
     * that did not load whole): a reference to one is not reported again,
     * and explains why its review is left out. Sorted once all are read. */
    char **rejected_ids;
    size_t rejected_id_count, rejected_id_cap;
    bool rejected_ids_sorted;
    /* a rubric refused only for what score sheets do not need (a weight, a
     * threshold, a rule): the sheets are still checked against it */
    merit_rubric *check_rubric;
    const merit_rubric *sheet_rubric; /* what sheets load against: the call's or that one */
    struct merit_suggest proposal_ids, reviewer_ids; /* for "did you mean" */
    /* signed sheets: the files by path (made at the first signed sheet),
     * and the reviewer whose key each file's signature was checked with */
    struct id_at *files_by_path;
    size_t *signer_of;
    size_t files_by_path_count;
    struct merit_raw_moderation moderation; /* moderation/ *.xml, as read */
    bool moderation_failed; /* a change is invalid: not even keep-going returns the call */
};

/* The ends of a message that says "; did you mean 'x'?" when near is not
 * NULL: MEANT_FMT in the format, MEANT(near) in the arguments. */
#define MEANT_FMT "%s%s%s"
#define MEANT(near)                                                                                \
    (near) != NULL ? "; did you mean '" : "", (near) != NULL ? (near) : "",                        \
        (near) != NULL ? "'?" : ""

/* --- freeing -------------------------------------------------------------- */

void merit_call_free(merit_call *c)
{
    if (c == NULL)
        return;
    size_t criteria = c->rubric != NULL ? c->rubric->criterion_count : 0;
    for (size_t i = 0; i < c->review_count; i++)
        merit__review_release(&c->reviews[i], criteria); /* built by the sheet loader */
    free(c->reviews);
    for (size_t i = 0; i < c->proposal_count; i++)
        merit__proposal_release(&c->proposals[i]);
    free(c->proposals);
    for (size_t i = 0; i < c->reviewer_count; i++) {
        free(c->reviewers[i].id);
        free(c->reviewers[i].name);
        free(c->reviewers[i].affiliation);
        free(c->reviewers[i].expertise);
    }
    free(c->reviewers);
    for (size_t i = 0; i < c->conflict_count; i++)
        free(c->conflicts[i].reason);
    free(c->conflicts);
    merit_rubric_free(c->rubric);
    free(c->funding_line.seed);
    free(c->funding_line.statement);
    for (size_t i = 0; i < c->file_count; i++) {
        free(c->files[i].path);
        free(c->files[i].relpath);
    }
    free(c->files);
    for (size_t i = 0; i < c->rejected_count; i++) {
        free(c->rejected[i].what);
        free(c->rejected[i].reason);
    }
    free(c->rejected);
    merit__moderation_changes_free(c);
    free(c->id);
    free(c->title);
    free(c->dir);
    free(c);
}

static void loader_release(struct loader *L)
{
    merit__moderation_release(&L->moderation);
    free(L->files_by_path);
    free(L->signer_of);
    merit_rubric_free(L->check_rubric);
    free(L->incomplete_file);
    for (size_t i = 0; i < L->rejected_id_count; i++)
        free(L->rejected_ids[i]);
    free(L->rejected_ids);
    for (size_t i = 0; i < L->sheet_count; i++)
        merit__sheet_release(&L->sheets[i]);
    free(L->sheets);
    for (size_t i = 0; i < L->call_conflict_count; i++) {
        free(L->call_conflicts[i].reviewer);
        free(L->call_conflicts[i].proposal);
        free(L->call_conflicts[i].reason);
    }
    free(L->call_conflicts);
}

/* --- keep-going ------------------------------------------------------------- */

const char *merit_rejected_kind_name(merit_rejected_kind kind)
{
    static const char *const names[] = {"file", "proposal", "sheet", "review", "conflict"};
    return (size_t)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}

/* Records what keep-going leaves out. The reason is the first error the
 * context recorded since `mark` (the diagnostics count before the item was
 * checked). Returns 0, or MERIT_ENOMEM. */
static int reject(struct loader *L, merit_rejected_kind kind, merit_loc loc, size_t mark,
                  const char *fallback, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static int reject(struct loader *L, merit_rejected_kind kind, merit_loc loc, size_t mark,
                  const char *fallback, const char *fmt, ...)
{
    merit_call *c = L->call;
    const char *reason = fallback;
    /* while a file is read, once its diagnostics pass the 'diagnostics'
     * limit, none is kept: say so rather than nothing */
    if (L->ctx->in_file && L->ctx->file_hidden > 0)
        reason = "not shown: past the 'diagnostics' limit of its file";
    for (size_t i = mark; i < merit_ctx_diag_count(L->ctx); i++) {
        const merit_diag *d = merit_ctx_diag(L->ctx, i);
        if (d->severity == MERIT_SEVERITY_ERROR) {
            reason = d->message;
            break;
        }
    }
    if (merit__grow((void **)&c->rejected, &L->rejected_cap, c->rejected_count,
                    sizeof(*c->rejected)) != 0)
        return merit__oom(L->ctx);
    merit_rejected *r = &c->rejected[c->rejected_count];
    va_list ap;
    va_start(ap, fmt);
    char buf[512];
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    r->what = merit__strdup(buf);
    /* a diagnostic's message is escaped already; merit's own fallback is
     * escaped here, so that every reason is as safe to print */
    r->reason =
        reason == fallback ? merit_escape(fallback, MERIT_ESCAPE_PROSE) : merit__strdup(reason);
    if (r->what == NULL || r->reason == NULL) {
        free(r->what);
        free(r->reason);
        return merit__oom(L->ctx);
    }
    r->kind = kind;
    r->loc = loc;
    c->rejected_count++;
    return 0;
}

static int compare_ids(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether a proposal of this id did not load: by bisection, once every
 * file is read (the ids are then sorted). */
static bool was_rejected(struct loader *L, const char *proposal_id)
{
    if (!L->rejected_ids_sorted && L->rejected_id_count > 1)
        qsort(L->rejected_ids, L->rejected_id_count, sizeof(*L->rejected_ids), compare_ids);
    L->rejected_ids_sorted = true;
    return L->rejected_id_count > 0 && bsearch(&proposal_id, L->rejected_ids, L->rejected_id_count,
                                               sizeof(*L->rejected_ids), compare_ids) != NULL;
}

/* Remembers an id (repeats are harmless: they are looked up, not listed). */
static int remember_rejected_id(struct loader *L, const char *id)
{
    L->rejected_ids_sorted = false;
    if (merit__grow((void **)&L->rejected_ids, &L->rejected_id_cap, L->rejected_id_count,
                    sizeof(*L->rejected_ids)) != 0 ||
        (L->rejected_ids[L->rejected_id_count] = merit__strdup(id)) == NULL)
        return merit__oom(L->ctx);
    L->rejected_id_count++;
    return 0;
}

/* --- files ---------------------------------------------------------------- */

static char *path_join(const char *dir, const char *name)
{
    size_t dl = strlen(dir);
    while (dl > 1 && dir[dl - 1] == '/')
        dl--;
    if (dl == 1 && dir[0] == '.')
        return merit__strdup(name);
    return merit__sprintf("%.*s/%s", (int)dl, dir, name);
}

/* Registers a file of the call; returns its stable display path. */
static const char *add_file(struct loader *L, const char *path, const char *relpath)
{
    merit_call *c = L->call;
    if (merit__grow((void **)&c->files, &L->file_cap, c->file_count, sizeof(*c->files)) != 0)
        return NULL;
    merit_file *f = &c->files[c->file_count];
    memset(f, 0, sizeof(*f));
    f->path = merit__strdup(path);
    f->relpath = merit__strdup(relpath);
    f->bytes = 0;
    if (f->path == NULL || f->relpath == NULL) {
        free(f->path);
        free(f->relpath);
        return NULL;
    }
    c->file_count++;
    return f->path;
}

/* Records the size and SHA-256 of the file just read, for the audit trail,
 * on the last file registered. */
static void record_stream(struct loader *L, const struct merit_xml_stream *s)
{
    merit_file *f = &L->call->files[L->call->file_count - 1];
    f->bytes = s->bytes;
    f->hashed = s->hashed;
    f->unread = s->hashed ? MERIT_READ : s->unread;
    memcpy(f->sha256, s->sha256, sizeof(f->sha256));
}

/* --- links ------------------------------------------------------------------ */

/* A call is self-contained: merit follows a link in it only when the link
 * resolves inside the call folder (docs/formats.md, "A call is a folder").
 * The folder is resolved once; a file costs nothing unless it is a link
 * (readdir says which), so a call of 50,000 files is not stat'ed twice. */

/* Whether realpath's failure means the path cannot be read at all (then
 * reading it will say why, as for a dangling link) rather than that it
 * cannot be checked (a name too long to resolve: then open could still
 * follow it). */
static bool unreadable_anyway(int e)
{
    return e == ENOENT || e == ENOTDIR || e == ELOOP || e == EACCES;
}

int merit__root_init(merit_ctx *ctx, const char *dir, struct merit_root *root)
{
    char buf[PATH_MAX];
    root->real = NULL;
    root->len = 0;
    root->unresolved = 0;
    if (realpath(dir, buf) == NULL) {
        /* no such folder: reading it will say so; a folder that cannot be
         * resolved cannot hold a link merit could check */
        if (!unreadable_anyway(errno))
            root->unresolved = errno;
        return 0;
    }
    if ((root->real = merit__strdup(buf)) == NULL)
        return merit__oom(ctx);
    root->len = strlen(buf);
    /* "/" holds everything; "/calls/x" holds "/calls/x/..." */
    if (root->len == 1)
        root->len = 0;
    return 0;
}

void merit__root_release(struct merit_root *root)
{
    free(root->real);
    root->real = NULL;
}

int merit__root_check(merit_ctx *ctx, const struct merit_root *root, const char *path,
                      enum merit_place_hint hint)
{
    if ((root->real == NULL && root->unresolved == 0) || hint == MERIT_PLACE_PLAIN)
        return 0;
    if (hint == MERIT_PLACE_UNKNOWN) {
        struct stat st;
        if (lstat(path, &st) != 0 || !S_ISLNK(st.st_mode))
            return 0; /* not a link, or not there: reading it will say so */
    }
    char buf[PATH_MAX];
    int e = root->unresolved;
    if (e == 0 && realpath(path, buf) == NULL) {
        if (unreadable_anyway(errno))
            return 0; /* a dangling link, a loop: reading it will say so */
        e = errno;
    }
    if (e == 0 && strncmp(buf, root->real, root->len) == 0 &&
        (buf[root->len] == '/' || buf[root->len] == '\0'))
        return 0;
    if (ctx != NULL) {
        merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path, 0, 0,
                    "leads out of the call folder through a link: a call is self-contained, so "
                    "merit follows links only within its folder");
        if (e == 0)
            merit__diag(ctx, MERIT_SEVERITY_NOTE, MERIT_DIAG_INVALID, path, 0, 0,
                        "it leads to '%s'", buf);
        else
            merit__diag(ctx, MERIT_SEVERITY_NOTE, MERIT_DIAG_INVALID, path, 0, 0,
                        "where it leads cannot be resolved (%s), so it is not followed",
                        strerror(e));
    }
    return 1;
}

/* Lists the *.xml names in dir, sorted bytewise so that the order of a
 * directory listing never matters. Hidden files are skipped. */
struct entry {
    char *name;
    enum merit_place_hint hint; /* what readdir says: a link, not one, or unknown */
};

static int compare_entries(const void *a, const void *b)
{
    return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static void free_entries(struct entry *entries, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(entries[i].name);
    free(entries);
}

static int list_xml(struct loader *L, const char *dir, const char *display,
                    struct entry **entries_out, size_t *count_out)
{
    *entries_out = NULL;
    *count_out = 0;
    DIR *d = opendir(dir);
    if (d == NULL) {
        int e = errno;
        if (e == ENOENT)
            return merit__diag(L->ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, display, 0, 0,
                               "the call has no such folder");
        if (e == ENOTDIR)
            return merit__diag(L->ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, display, 0, 0,
                               "is a file, but a call keeps these in a folder");
        return merit__diag(L->ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_IO, display, 0, 0,
                           "cannot read folder: %s", strerror(e));
    }
    struct entry *entries = NULL;
    size_t count = 0, cap = 0;
    struct dirent *ent;
    int rc = 0;
    while ((ent = readdir(d)) != NULL) {
        const char *n = ent->d_name;
        size_t len = strlen(n);
        if (n[0] == '.' || len < 5 || strcmp(n + len - 4, ".xml") != 0)
            continue;
        if (merit__grow((void **)&entries, &cap, count, sizeof(*entries)) != 0 ||
            (entries[count].name = merit__strdup(n)) == NULL) {
            rc = merit__oom(L->ctx);
            break;
        }
        entries[count].hint = ent->d_type == DT_LNK       ? MERIT_PLACE_LINK
                              : ent->d_type == DT_UNKNOWN ? MERIT_PLACE_UNKNOWN
                                                          : MERIT_PLACE_PLAIN;
        count++;
    }
    closedir(d);
    if (rc != 0) {
        free_entries(entries, count);
        return rc;
    }
    if (count > 0)
        qsort(entries, count, sizeof(*entries), compare_entries);
    *entries_out = entries;
    *count_out = count;
    return 0;
}

/* --- call.xml ------------------------------------------------------------- */

static int compare_id_then_index(const void *a, const void *b)
{
    const struct id_at *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c != 0 ? c : (x->index > y->index) - (x->index < y->index);
}

/* A reviewer id given twice on the panel: found by sorting the ids, so
 * that a panel of many reviewers costs no n^2. Reported at each later one
 * in panel order, with a note at the first. */
static int report_duplicate_reviewers(struct loader *L, struct merit_xml_doc *doc,
                                      const xmlNode *panel)
{
    merit_call *c = L->call;
    size_t n = c->reviewer_count;
    if (n < 2)
        return 0;
    size_t *first = merit__malloc(n * sizeof(*first));
    struct id_at *keys = merit__malloc(n * sizeof(*keys));
    if (first == NULL || keys == NULL) {
        free(first);
        free(keys);
        return merit__oom(L->ctx);
    }
    for (size_t i = 0; i < n; i++) {
        keys[i] = (struct id_at){c->reviewers[i].id, i};
        first[i] = SIZE_MAX;
    }
    qsort(keys, n, sizeof(*keys), compare_id_then_index);
    for (size_t i = 1; i < n; i++)
        if (strcmp(keys[i].id, keys[i - 1].id) == 0)
            first[keys[i].index] =
                first[keys[i - 1].index] != SIZE_MAX ? first[keys[i - 1].index] : keys[i - 1].index;
    free(keys);
    int rc = 0;
    size_t i = 0;
    for (const xmlNode *r = merit__xml_child(panel, "reviewer"); r && i < n;
         r = merit__xml_next(r, "reviewer"), i++) {
        if (first[i] == SIZE_MAX)
            continue;
        const char *id = c->reviewers[i].id;
        rc =
            merit__error_at(L->ctx, merit__xml_loc(doc, r, "id"), "duplicate reviewer id '%s'", id);
        merit__note_at(L->ctx, c->reviewers[first[i]].loc, "'%s' first defined here", id);
    }
    free(first);
    return rc;
}

/* The call's <funding-line> (docs/formats.md): what the schema cannot
 * say, that overspend= goes with ties="fund-whole" (and must be there) and
 * seed= with ties="lottery" (and must be there). */
static int load_funding_line(struct loader *L, struct merit_xml_doc *doc, const xmlNode *node)
{
    merit_ctx *ctx = L->ctx;
    merit_funding_line *f = &L->call->funding_line;
    if (node == NULL)
        return 0;
    f->given = true;
    f->loc = merit__xml_loc(doc, node, NULL);
    const char *ties = merit__xml_attr(node, "ties");
    if (ties == NULL || strcmp(ties, "stop") == 0)
        f->ties = MERIT_TIES_STOP;
    else if (strcmp(ties, "fund-whole") == 0)
        f->ties = MERIT_TIES_FUND_WHOLE;
    else
        f->ties = MERIT_TIES_LOTTERY;
    const char *among = merit__xml_attr(node, "draw-among");
    f->draw_among = among != NULL && strcmp(among, "grey-zone") == 0 ? MERIT_DRAW_AMONG_GREY_ZONE
                                                                     : MERIT_DRAW_AMONG_TIE;
    if (merit__xml_attr(node, "skip-unaffordable") != NULL) {
        f->has_skip_unaffordable = true;
        f->skip_unaffordable = merit__xml_bool(node, "skip-unaffordable");
    }
    int rc = 0;
    const char *overspend = merit__xml_attr(node, "overspend");
    if (f->ties == MERIT_TIES_FUND_WHOLE && overspend == NULL)
        rc = merit__error_at(ctx, f->loc,
                             "the funding line funds a tie whole (ties=\"fund-whole\") but gives "
                             "no overspend=, the most the awards may exceed the budget by");
    else if (f->ties != MERIT_TIES_FUND_WHOLE && overspend != NULL)
        rc = merit__error_at(ctx, merit__xml_loc(doc, node, "overspend"),
                             "overspend= is for ties=\"fund-whole\" only; this funding line has "
                             "ties=\"%s\"",
                             ties != NULL ? ties : "stop");
    else if (overspend != NULL && merit_amount_parse(overspend, &f->overspend) != 0)
        rc = merit__error_at(ctx, merit__xml_loc(doc, node, "overspend"),
                             "overspend is not an amount");
    const char *seed = merit__xml_attr(node, "seed");
    if (f->ties == MERIT_TIES_LOTTERY && seed == NULL)
        rc = merit__error_at(ctx, f->loc,
                             "the funding line settles a tie by lottery (ties=\"lottery\") but "
                             "gives no seed=, which fixes the draw");
    else if (f->ties != MERIT_TIES_LOTTERY && seed != NULL)
        rc = merit__error_at(ctx, merit__xml_loc(doc, node, "seed"),
                             "seed= is for ties=\"lottery\" only; this funding line has "
                             "ties=\"%s\"",
                             ties != NULL ? ties : "stop");
    else if (seed != NULL && (f->seed = merit__strdup(seed)) == NULL)
        return merit__oom(ctx);
    const xmlNode *st = merit__xml_child(node, "statement");
    if (st != NULL && (f->statement = merit__xml_text(st, true)) == NULL)
        return merit__oom(ctx);
    return rc;
}

static int load_call_doc(struct loader *L, struct merit_xml_doc *doc, char **rubric_name,
                         char **rubric_href, merit_loc *rubric_loc)
{
    merit_ctx *ctx = L->ctx;
    merit_call *c = L->call;
    const xmlNode *root = xmlDocGetRootElement(doc->doc);
    int rc = 0;
    c->loc = merit__xml_loc(doc, root, NULL);
    c->id = merit__strdup(merit__xml_attr(root, "id"));
    c->title = merit__xml_text(merit__xml_child(root, "title"), true);
    if (c->id == NULL || c->title == NULL)
        return merit__oom(ctx);
    snprintf(c->currency, sizeof(c->currency), "%s", merit__xml_attr(root, "currency"));
    const xmlNode *budget = merit__xml_child(root, "budget");
    if (merit_amount_parse(merit__xml_attr(budget, "available"), &c->budget) != 0)
        rc = merit__error_at(ctx, merit__xml_loc(doc, budget, "available"),
                             "budget is not an amount");

    const xmlNode *rubric = merit__xml_child(root, "rubric");
    *rubric_loc = merit__xml_loc(doc, rubric, NULL);
    const char *name = merit__xml_attr(rubric, "name");
    const char *href = merit__xml_attr(rubric, "href");
    if ((name == NULL) == (href == NULL))
        rc = merit__error_at(ctx, *rubric_loc,
                             "the rubric element needs exactly one of name= (a shipped rubric) "
                             "and href= (a file)");
    if (name != NULL && (*rubric_name = merit__strdup(name)) == NULL)
        return merit__oom(ctx);
    if (href != NULL && (*rubric_href = merit__strdup(href)) == NULL)
        return merit__oom(ctx);

    const xmlNode *moderation = merit__xml_child(root, "moderation");
    if (moderation != NULL) {
        const char *reasons = merit__xml_attr(moderation, "reasons");
        const char *until = merit__xml_attr(moderation, "until");
        c->moderation.reasons_required = reasons != NULL && strcmp(reasons, "required") == 0;
        if (until != NULL && (c->moderation.until = merit__strdup(until)) == NULL)
            return merit__oom(ctx);
        const char *chair = merit__xml_attr(moderation, "chair");
        const char *key = merit__xml_attr(moderation, "chair-key");
        if (chair != NULL && (c->moderation.chair = merit__strdup(chair)) == NULL)
            return merit__oom(ctx);
        if (key != NULL) {
            c->moderation.has_chair_key =
                merit_sign_public_parse(key, strlen(key), c->moderation.chair_key) == 0;
            if (!c->moderation.has_chair_key) /* the schema checked its form */
                rc = merit__error_at(ctx, merit__xml_loc(doc, moderation, "chair-key"),
                                     "the chair's key is not an Ed25519 public key (write it "
                                     "as 'merit keygen' prints it)");
        }
    }
    int fl = load_funding_line(L, doc, merit__xml_child(root, "funding-line"));
    if (fl == MERIT_ENOMEM)
        return fl;
    if (fl != 0)
        rc = fl;

    const xmlNode *panel = merit__xml_child(root, "panel");
    size_t n = 0;
    for (const xmlNode *r = merit__xml_child(panel, "reviewer"); r;
         r = merit__xml_next(r, "reviewer"))
        n++;
    if (n > ctx->limits.max_reviewers) {
        L->panel_failed = true;
        merit_loc at = merit__xml_loc(doc, panel, NULL);
        return merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_LIMIT, doc->path, at.line,
                           at.column,
                           "the panel has %zu reviewers, more than the 'reviewers' limit of %u", n,
                           ctx->limits.max_reviewers);
    }
    c->reviewers = merit__calloc(n, sizeof(*c->reviewers));
    if (c->reviewers == NULL)
        return merit__oom(ctx);
    for (const xmlNode *r = merit__xml_child(panel, "reviewer"); r;
         r = merit__xml_next(r, "reviewer")) {
        merit_reviewer *rv = &c->reviewers[c->reviewer_count++];
        rv->loc = merit__xml_loc(doc, r, NULL);
        rv->id = merit__strdup(merit__xml_attr(r, "id"));
        rv->name = merit__xml_text(merit__xml_child(r, "name"), true);
        if (rv->id == NULL || rv->name == NULL)
            return merit__oom(ctx);
        const xmlNode *aff = merit__xml_child(r, "affiliation");
        if (aff != NULL && (rv->affiliation = merit__xml_text(aff, true)) == NULL)
            return merit__oom(ctx);
        const char *key = merit__xml_attr(r, "key");
        if (key != NULL) {
            rv->has_key = merit_sign_public_parse(key, strlen(key), rv->key) == 0;
            if (!rv->has_key) /* the schema checked its form: its bytes are wrong */
                rc = merit__error_at(ctx, merit__xml_loc(doc, r, "key"),
                                     "the key of reviewer '%s' is not an Ed25519 public key "
                                     "(write it as 'merit keygen' prints it)",
                                     rv->id);
        }
        const xmlNode *exp = merit__xml_child(r, "expertise");
        if (exp != NULL && (rv->expertise = merit__xml_text(exp, true)) == NULL)
            return merit__oom(ctx);
    }
    int dup = report_duplicate_reviewers(L, doc, panel);
    if (dup != 0)
        rc = dup;

    const xmlNode *conflicts = merit__xml_child(root, "conflicts");
    n = 0;
    for (const xmlNode *k = merit__xml_child(conflicts, "conflict"); k;
         k = merit__xml_next(k, "conflict"))
        n++;
    if (n > 0 && (L->call_conflicts = merit__calloc(n, sizeof(*L->call_conflicts))) == NULL)
        return merit__oom(ctx);
    for (const xmlNode *k = merit__xml_child(conflicts, "conflict"); k;
         k = merit__xml_next(k, "conflict")) {
        struct raw_call_conflict *cc = &L->call_conflicts[L->call_conflict_count++];
        cc->loc = merit__xml_loc(doc, k, NULL);
        cc->reviewer = merit__strdup(merit__xml_attr(k, "reviewer"));
        cc->proposal = merit__strdup(merit__xml_attr(k, "proposal"));
        cc->reason = merit__xml_text(k, true);
        if (cc->reviewer == NULL || cc->proposal == NULL || cc->reason == NULL)
            return merit__oom(ctx);
    }
    return rc;
}

struct call_doc_args {
    struct loader *L;
    char **rubric_name, **rubric_href;
    merit_loc *rubric_loc;
};

static int call_doc_read(void *user, struct merit_xml_doc *doc, const xmlNode *root)
{
    (void)root;
    struct call_doc_args *a = user;
    return load_call_doc(a->L, doc, a->rubric_name, a->rubric_href, a->rubric_loc);
}

/* --- proposals and sheets --------------------------------------------------- */

static int add_proposal(void *user, struct merit_xml_doc *doc, const xmlNode *node)
{
    struct loader *L = user;
    merit_call *c = L->call;
    if (c->proposal_count >= L->ctx->limits.max_proposals) {
        if (!L->over_proposal_limit) {
            L->over_proposal_limit = true;
            merit_loc loc = merit__xml_loc(doc, node, NULL);
            return merit__diag(L->ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_LIMIT, loc.file, loc.line,
                               loc.column,
                               "the call has more than %u proposals (the 'proposals' "
                               "limit)",
                               L->ctx->limits.max_proposals);
        }
        return MERIT_ELIMIT;
    }
    if (merit__grow((void **)&c->proposals, &L->proposal_cap, c->proposal_count,
                    sizeof(*c->proposals)) != 0)
        return merit__oom(L->ctx);
    merit_proposal *p = &c->proposals[c->proposal_count];
    memset(p, 0, sizeof(*p));
    size_t mark = merit_ctx_diag_count(L->ctx);
    int rc = merit__proposal_from_node(L->ctx, doc, node, L->call->rubric, p);
    if (rc == MERIT_ENOMEM) {
        merit__proposal_release(p);
        return rc;
    }
    if (rc == 0 && c->id != NULL && strcmp(p->call_id, c->id) != 0)
        rc = merit__error_at(L->ctx, merit__xml_loc(doc, node, "call"),
                             "proposal '%s' is for call '%s', not '%s'", p->id, p->call_id, c->id);
    if (rc != 0 && L->ctx->keep_going && p->id != NULL) {
        L->failed = true;
        int r = reject(L, MERIT_REJECTED_PROPOSAL, p->loc, mark, "invalid", "%s", p->id);
        if (r == 0)
            r = remember_rejected_id(L, p->id);
        merit__proposal_release(p);
        return r;
    }
    c->proposal_count++;
    return rc;
}

static int add_sheet(void *user, struct merit_xml_doc *doc, const xmlNode *node)
{
    struct loader *L = user;
    if (merit__grow((void **)&L->sheets, &L->sheet_cap, L->sheet_count, sizeof(*L->sheets)) != 0)
        return merit__oom(L->ctx);
    struct merit_raw_sheet *s = &L->sheets[L->sheet_count];
    memset(s, 0, sizeof(*s));
    size_t mark = merit_ctx_diag_count(L->ctx);
    /* the rubric loaded first: the scores are resolved as they are read */
    int rc = merit__sheet_from_node(L->ctx, doc, node, L->sheet_rubric, s);
    if (rc != 0 && rc != MERIT_ENOMEM && L->ctx->keep_going && s->reviewer != NULL) {
        L->failed = true;
        int r =
            reject(L, MERIT_REJECTED_SHEET, s->loc, mark, "invalid", "sheet of %s", s->reviewer);
        merit__sheet_release(s);
        return r;
    }
    L->sheet_count++;
    /* a review with a wrong score fails the load, or, with keep-going, is
     * left out alone when the sheets are resolved */
    if (rc == 0 && s->invalid_reviews > 0 && !L->ctx->keep_going)
        rc = MERIT_EINVALID;
    return rc;
}

/* A proposal read but not valid, or valid in a file that is not: its id
 * (when it has one) is remembered as one that did not load, so that the
 * reviews and conflicts naming it are not reported once more. */
static int add_moderation(void *user, struct merit_xml_doc *doc, const xmlNode *node)
{
    struct loader *L = user;
    return merit__moderation_read(L->ctx, doc, node, &L->moderation);
}

static int proposal_not_loaded(void *user, struct merit_xml_doc *doc, const xmlNode *node)
{
    (void)doc;
    const char *id = merit__xml_attr(node, "id");
    return id != NULL ? remember_rejected_id(user, id) : 0;
}

/* Takes back what a file that did not load whole had added: the records
 * read before its first error (the ids of proposals are remembered as not
 * loaded), and what they had rejected. Returns 0 or MERIT_ENOMEM. */
static int forget_since(struct loader *L, size_t proposals, size_t sheets, size_t rejected)
{
    merit_call *c = L->call;
    int rc = 0;
    while (c->proposal_count > proposals) {
        merit_proposal *p = &c->proposals[--c->proposal_count];
        if (rc == 0 && p->id != NULL)
            rc = remember_rejected_id(L, p->id);
        merit__proposal_release(p);
    }
    while (L->sheet_count > sheets)
        merit__sheet_release(&L->sheets[--L->sheet_count]);
    while (c->rejected_count > rejected) {
        merit_rejected *r = &c->rejected[--c->rejected_count];
        free(r->what);
        free(r->reason);
    }
    return rc;
}

/* Loads every file of a folder holding records of one kind: a single record
 * (<proposal>, <sheet>) or a bundle of them (<proposals>, <sheets>), each
 * record handed to `add` as soon as it is read. A file that is not
 * well-formed or not valid counts for nothing, even the records read
 * before its first error. */
/* A file whose name is not UTF-8 is not read: the reports and the audit
 * trail are UTF-8 text, and a name they cannot hold exactly could not be
 * replayed. It is an invalid input of its own (keep-going leaves it out and
 * lists it by its escaped name). */
static int refuse_name(struct loader *L, const char *dir, const char *sub, const char *name)
{
    char *path = path_join(dir, name);
    char *rel = merit__sprintf("%s/%s", sub, name);
    char *shown = rel != NULL ? merit_escape(rel, 0) : NULL;
    int rc = MERIT_ENOMEM;
    if (path != NULL && shown != NULL) {
        size_t mark = merit_ctx_diag_count(L->ctx);
        rc = merit__diag(L->ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path, 0, 0,
                         "the file name is not valid UTF-8: merit's reports and audit trail "
                         "could not name it exactly; rename the file");
        L->failed = true;
        if (L->ctx->keep_going) {
            merit_loc nowhere = {NULL, 0, 0};
            int r = reject(L, MERIT_REJECTED_FILE, nowhere, mark, "invalid", "%s", shown);
            if (r != 0)
                rc = r;
        }
    }
    free(path);
    free(rel);
    free(shown);
    return rc == MERIT_ENOMEM ? merit__oom(L->ctx) : rc;
}

static int load_folder(struct loader *L, const char *sub, merit_schema_kind kind,
                       merit_xml_record_fn add)
{
    char *dir = path_join(L->call->dir, sub);
    if (dir == NULL)
        return merit__oom(L->ctx);
    struct entry *names;
    size_t count;
    /* the folder itself may be a link: within the call folder only */
    int rc = merit__root_check(L->ctx, L->root, dir, MERIT_PLACE_UNKNOWN);
    if (rc == 1)
        rc = MERIT_EINVALID;
    if (rc == 0)
        rc = list_xml(L, dir, dir, &names, &count);
    if (rc != 0) {
        free(dir);
        return rc;
    }
    for (size_t i = 0; i < count && rc != MERIT_ENOMEM; i++) {
        if (!merit_utf8_valid(names[i].name, strlen(names[i].name))) {
            int one = refuse_name(L, dir, sub, names[i].name);
            if (kind == MERIT_SCHEMA_PROPOSAL && !L->proposals_incomplete) {
                /* its ids are unknown */
                L->proposals_incomplete = true;
                if ((L->incomplete_file = path_join(dir, names[i].name)) == NULL)
                    one = merit__oom(L->ctx);
            }
            if (one != 0 && (one == MERIT_ENOMEM || rc == 0))
                rc = one;
            continue;
        }
        char *path = path_join(dir, names[i].name);
        char *rel = merit__sprintf("%s/%s", sub, names[i].name);
        const char *display = path && rel ? add_file(L, path, rel) : NULL;
        free(path);
        free(rel);
        if (display == NULL) {
            rc = merit__oom(L->ctx);
            break;
        }
        size_t mark = merit_ctx_diag_count(L->ctx);
        size_t proposals = L->call->proposal_count, sheets = L->sheet_count;
        size_t rejected = L->call->rejected_count;
        struct merit_xml_stream s = {.kind = kind, .on_record = add, .user = L};
        if (kind == MERIT_SCHEMA_PROPOSAL)
            s.on_invalid = proposal_not_loaded;
        int one = merit__root_check(L->ctx, L->root, display, names[i].hint);
        if (one == 1) {
            s.unread = MERIT_UNREAD_LINK_OUTSIDE; /* refused unread */
            one = MERIT_EINVALID;
        } else if (one == 0) {
            one = merit__xml_stream_file(L->ctx, display, &s);
        }
        record_stream(L, &s);
        if (!s.file_ok && one != MERIT_ENOMEM) {
            /* a proposal of the file whose id is not known could be the
             * one a review names */
            if (kind == MERIT_SCHEMA_PROPOSAL && !s.all_seen && !L->proposals_incomplete) {
                L->proposals_incomplete = true;
                if ((L->incomplete_file = merit__strdup(display)) == NULL)
                    one = merit__oom(L->ctx);
            }
            if (forget_since(L, proposals, sheets, rejected) != 0)
                one = MERIT_ENOMEM;
            else if (one != MERIT_ENOMEM && L->ctx->keep_going) {
                /* the file as a whole did not load */
                merit_loc where = {display, 0, 0};
                L->failed = true;
                one = reject(L, MERIT_REJECTED_FILE, where, mark, "invalid", "%s",
                             L->call->files[L->call->file_count - 1].relpath);
            }
        }
        if (one != 0) {
            L->failed = true;
            if (one == MERIT_ENOMEM || one == MERIT_EIO || rc == 0)
                rc = one;
        }
    }
    if (count == 0)
        merit__diag(L->ctx, MERIT_SEVERITY_WARNING, MERIT_DIAG_INVALID, dir, 0, 0,
                    "no .xml files in this folder");
    free_entries(names, count);
    free(dir);
    return rc;
}

/* Reading the score sheets on a second thread while the proposals are
 * read on the caller's. The sheets' loader works on a scratch call that
 * borrows the call's id, folder and rubric (read-only meanwhile) and has
 * files, rejections and diagnostics of its own, appended afterwards in the
 * order one thread would have produced them. */
struct sheets_job {
    struct loader L;
    merit_call scratch;
    int rc;
};

static void *read_sheets(void *arg)
{
    struct sheets_job *job = arg;
    job->rc = load_folder(&job->L, "reviews", MERIT_SCHEMA_SHEET, add_sheet);
    return NULL;
}

/* Appends the job's files, rejections, sheets and diagnostics to L's and
 * frees the job. */
static int merge_sheets_job(struct loader *L, struct sheets_job *job)
{
    merit_call *c = L->call, *s = &job->scratch;
    /* the reviews remember where their diagnostics began: in the job's
     * context, which now follows the caller's */
    size_t shift = merit_ctx_diag_count(L->ctx);
    for (size_t i = 0; i < job->L.sheet_count; i++)
        for (size_t k = 0; k < job->L.sheets[i].review_count; k++)
            job->L.sheets[i].reviews[k].diag_mark += shift;
    int rc = merit__ctx_join(L->ctx, job->L.ctx);
    merit_file *files =
        merit__realloc(c->files, (c->file_count + s->file_count + 1) * sizeof(*files));
    merit_rejected *rejected = merit__realloc(
        c->rejected, (c->rejected_count + s->rejected_count + 1) * sizeof(*rejected));
    if (files != NULL) {
        c->files = files;
        L->file_cap = c->file_count + s->file_count + 1;
    }
    if (rejected != NULL) {
        c->rejected = rejected;
        L->rejected_cap = c->rejected_count + s->rejected_count + 1;
    }
    if (files == NULL || rejected == NULL) {
        rc = merit__oom(L->ctx);
        /* what cannot be kept is freed here */
        for (size_t i = 0; i < s->file_count; i++) {
            free(s->files[i].path);
            free(s->files[i].relpath);
        }
        for (size_t i = 0; i < s->rejected_count; i++) {
            free(s->rejected[i].what);
            free(s->rejected[i].reason);
        }
    } else {
        if (s->file_count > 0)
            memcpy(c->files + c->file_count, s->files, s->file_count * sizeof(*s->files));
        c->file_count += s->file_count;
        if (s->rejected_count > 0)
            memcpy(c->rejected + c->rejected_count, s->rejected,
                   s->rejected_count * sizeof(*s->rejected));
        c->rejected_count += s->rejected_count;
    }
    free(s->files);
    free(s->rejected);
    /* L has read no sheet: the job's are the call's */
    L->sheets = job->L.sheets;
    L->sheet_count = job->L.sheet_count;
    L->sheet_cap = job->L.sheet_cap;
    L->failed |= job->L.failed;
    free(job);
    return rc;
}

/* Reads the proposals and the sheets, on two threads when the context
 * allows it. Returns the proposals' result; *sheets_rc gets the sheets'. */
static int load_records(struct loader *L, int *sheets_rc)
{
    struct sheets_job *job = NULL;
    /* the schemas are compiled once per process: compiled here, any failure
     * to do so (memory) is reported on the caller's context, not the second
     * thread's scratch one, and the load then stays on one thread */
    if (L->ctx->threads > 1 && merit__schema_get(L->ctx, MERIT_SCHEMA_PROPOSAL) != NULL &&
        merit__schema_get(L->ctx, MERIT_SCHEMA_SHEET) != NULL)
        job = merit__calloc(1, sizeof(*job));
    if (job != NULL) {
        job->scratch.id = L->call->id;
        job->scratch.dir = L->call->dir;
        job->scratch.rubric = L->call->rubric;
        job->L.sheet_rubric = L->sheet_rubric;
        job->L.call = &job->scratch;
        job->L.root = L->root;
        job->L.ctx = merit__ctx_fork(L->ctx);
    }
    pthread_t thread;
    if (job != NULL &&
        (job->L.ctx == NULL || pthread_create(&thread, NULL, read_sheets, job) != 0)) {
        merit_ctx_free(job->L.ctx);
        free(job);
        job = NULL; /* one thread it is */
    }
    int rc = load_folder(L, "proposals", MERIT_SCHEMA_PROPOSAL, add_proposal);
    if (job == NULL) {
        *sheets_rc = rc == MERIT_ENOMEM ? MERIT_ENOMEM
                                        : load_folder(L, "reviews", MERIT_SCHEMA_SHEET, add_sheet);
        return rc;
    }
    pthread_join(thread, NULL);
    *sheets_rc = job->rc;
    if (merge_sheets_job(L, job) != 0)
        *sheets_rc = MERIT_ENOMEM;
    return rc;
}

/* --- resolving ------------------------------------------------------------ */

/* By id, then (for duplicates, which are reported) by where they stand,
 * so that the order never depends on the sort's stability. */
static int compare_proposals(const void *a, const void *b)
{
    const merit_proposal *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    if (c == 0)
        c = strcmp(x->loc.file, y->loc.file);
    if (c == 0)
        c = (x->loc.line > y->loc.line) - (x->loc.line < y->loc.line);
    return c;
}

static int compare_reviewers(const void *a, const void *b)
{
    return strcmp(((const merit_reviewer *)a)->id, ((const merit_reviewer *)b)->id);
}

static int compare_reviews(const void *a, const void *b)
{
    const merit_review *x = a, *y = b;
    if (x->proposal != y->proposal)
        return x->proposal < y->proposal ? -1 : 1;
    if (x->reviewer != y->reviewer)
        return x->reviewer < y->reviewer ? -1 : 1;
    return 0;
}

/* Conflicts by proposal, reviewer, then who declared them (the reviewer
 * first), so that no output depends on where they were written. */
static int compare_conflicts(const void *a, const void *b)
{
    const merit_conflict *x = a, *y = b;
    if (x->proposal != y->proposal)
        return x->proposal < y->proposal ? -1 : 1;
    if (x->reviewer != y->reviewer)
        return x->reviewer < y->reviewer ? -1 : 1;
    return (int)x->from_call - (int)y->from_call;
}

/* The lookups below rely on the call's order (merit/model.h): proposals
 * and reviewers sorted by id, conflicts by (proposal, reviewer). */
static ssize_t find_id(const void *base, size_t count, size_t size, size_t offset, const char *id)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *at = *(char *const *)(const void *)((const char *)base + mid * size + offset);
        int cmp = strcmp(at, id);
        if (cmp == 0)
            return (ssize_t)mid;
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

ssize_t merit__find_proposal(const merit_call *c, const char *id)
{
    return find_id(c->proposals, c->proposal_count, sizeof(*c->proposals),
                   offsetof(merit_proposal, id), id);
}

ssize_t merit__find_reviewer(const merit_call *c, const char *id)
{
    return find_id(c->reviewers, c->reviewer_count, sizeof(*c->reviewers),
                   offsetof(merit_reviewer, id), id);
}

merit_review *merit__find_review(const merit_call *c, size_t proposal, size_t reviewer)
{
    merit_review key = {.proposal = proposal, .reviewer = reviewer};
    return bsearch(&key, c->reviews, c->review_count, sizeof(*c->reviews), compare_reviews);
}

const merit_conflict *merit__find_conflict(const merit_call *c, size_t reviewer, size_t proposal,
                                           bool office_only)
{
    size_t lo = 0, hi = c->conflict_count;
    while (lo < hi) { /* the first conflict at or after (proposal, reviewer) */
        size_t mid = lo + (hi - lo) / 2;
        const merit_conflict *k = &c->conflicts[mid];
        if (k->proposal < proposal || (k->proposal == proposal && k->reviewer < reviewer))
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < c->conflict_count; lo++) {
        const merit_conflict *k = &c->conflicts[lo];
        if (k->proposal != proposal || k->reviewer != reviewer)
            break;
        if (!office_only || k->from_call)
            return k;
    }
    return NULL;
}

/* Sorts proposals by id and reports duplicates (which would make every
 * reference ambiguous). */
static int check_proposal_ids(struct loader *L)
{
    merit_call *c = L->call;
    int rc = 0;
    if (c->proposal_count > 1)
        qsort(c->proposals, c->proposal_count, sizeof(*c->proposals), compare_proposals);
    for (size_t i = 1; i < c->proposal_count; i++)
        if (strcmp(c->proposals[i - 1].id, c->proposals[i].id) == 0) {
            /* report the later one in file order, with a note at the other */
            const merit_proposal *a = &c->proposals[i - 1], *b = &c->proposals[i];
            rc = merit__error_at(L->ctx, b->loc, "duplicate proposal id '%s'", b->id);
            merit__note_at(L->ctx, a->loc, "'%s' also defined here", a->id);
        }
    if (rc != 0 && L->ctx->keep_going) {
        /* every proposal of a duplicated id goes: none can be told apart */
        L->failed = true;
        /* decide every duplicate before moving or freeing anything */
        bool *dups = merit__calloc(c->proposal_count, sizeof(bool));
        if (dups == NULL)
            return merit__oom(L->ctx);
        for (size_t i = 1; i < c->proposal_count; i++)
            if (strcmp(c->proposals[i - 1].id, c->proposals[i].id) == 0)
                dups[i - 1] = dups[i] = true;
        size_t kept = 0;
        for (size_t i = 0; i < c->proposal_count; i++) {
            merit_proposal *p = &c->proposals[i];
            bool dup = dups[i];
            if (!dup) {
                if (kept != i)
                    c->proposals[kept] = *p;
                kept++;
                continue;
            }
            char reason[200];
            snprintf(reason, sizeof(reason), "duplicate proposal id '%s'", p->id);
            int r = reject(L, MERIT_REJECTED_PROPOSAL, p->loc, merit_ctx_diag_count(L->ctx), reason,
                           "%s", p->id);
            if (r == 0)
                r = remember_rejected_id(L, p->id);
            merit__proposal_release(p);
            if (r != 0) {
                /* keep the array consistent for merit_call_free */
                for (size_t j = i + 1; j < c->proposal_count; j++)
                    c->proposals[kept++] = c->proposals[j];
                c->proposal_count = kept;
                free(dups);
                return r;
            }
        }
        c->proposal_count = kept;
        free(dups);
        rc = 0;
    }
    if (c->reviewer_count > 1)
        qsort(c->reviewers, c->reviewer_count, sizeof(*c->reviewers), compare_reviewers);
    return rc;
}

static int add_conflict(struct loader *L, size_t *cap, size_t reviewer, size_t proposal,
                        const char *reason, bool from_call, merit_loc loc)
{
    merit_call *c = L->call;
    if (merit__grow((void **)&c->conflicts, cap, c->conflict_count, sizeof(*c->conflicts)) != 0)
        return merit__oom(L->ctx);
    merit_conflict *k = &c->conflicts[c->conflict_count];
    k->reason = merit__strdup(reason);
    if (k->reason == NULL)
        return merit__oom(L->ctx);
    k->reviewer = reviewer;
    k->proposal = proposal;
    k->from_call = from_call;
    k->loc = loc;
    c->conflict_count++;
    return 0;
}

/* The criteria of the rubric the sheets loaded against: what a review's
 * arrays hold. */
static size_t sheet_criteria(const struct loader *L)
{
    return L->sheet_rubric != NULL ? L->sheet_rubric->criterion_count : 0;
}

/* The nearest proposal or reviewer id to an unknown one; none once the
 * file's diagnostics are full (the message is then not kept). */
static const char *near_proposal(struct loader *L, const char *id)
{
    return merit__diag_full(L->ctx) ? NULL : merit__suggest(&L->proposal_ids, id);
}

static const char *near_reviewer(struct loader *L, const char *id)
{
    return merit__diag_full(L->ctx) ? NULL : merit__suggest(&L->reviewer_ids, id);
}

/* What names a proposal. */
enum reference { BY_REVIEW, BY_SHEET_CONFLICT, BY_CALL_CONFLICT };

/* A reference to a proposal that is not in the call: reported, unless its
 * proposal did not load (its own errors said why), or a file of proposals
 * did not load whole (it may be there: a note says so, once). Returns
 * MERIT_EINVALID either way, or MERIT_ENOMEM. */
static int unknown_proposal(struct loader *L, const char *id, merit_loc loc, enum reference by,
                            const char *reviewer)
{
    if (was_rejected(L, id))
        return MERIT_EINVALID;
    if (L->proposals_incomplete) {
        if (!L->incomplete_noted) {
            L->incomplete_noted = true;
            merit__diag(L->ctx, MERIT_SEVERITY_NOTE, MERIT_DIAG_INVALID, L->incomplete_file, 0, 0,
                        "reviews and conflicts naming proposals not in the call are not "
                        "reported: this file did not load whole, and may hold them");
        }
        return MERIT_EINVALID;
    }
    const char *near = near_proposal(L, id);
    if (by == BY_REVIEW)
        return merit__error_at(L->ctx, loc,
                               "reviewer '%s' reviews proposal '%s', which is not in the "
                               "call" MEANT_FMT,
                               reviewer, id, MEANT(near));
    if (by == BY_SHEET_CONFLICT)
        return merit__error_at(L->ctx, loc,
                               "conflict with proposal '%s', which is not in the call" MEANT_FMT,
                               id, MEANT(near));
    return merit__error_at(L->ctx, loc,
                           "conflict names proposal '%s', which is not in the call" MEANT_FMT, id,
                           MEANT(near));
}

/* Makes a loaded review the call's: the sheet loader resolved its scores
 * into their final arrays, which move as they are; what is left needs the
 * other files (the proposal) or the whole review (a criterion it leaves
 * out). Without a rubric to check against, only the proposal is. */
static int resolve_review(struct loader *L, const struct merit_raw_sheet *s, size_t reviewer,
                          struct merit_raw_review *rr, merit_review *out)
{
    merit_ctx *ctx = L->ctx;
    const merit_rubric *rb = L->sheet_rubric;
    ssize_t p = merit__find_proposal(L->call, rr->proposal);
    if (p < 0)
        return unknown_proposal(L, rr->proposal, rr->proposal_loc, BY_REVIEW, s->reviewer);
    *out = rr->review;
    memset(&rr->review, 0, sizeof(rr->review));
    rr->review.loc = out->loc; /* what keep-going names it by */
    out->reviewer = reviewer;
    out->proposal = (size_t)p;
    /* its wrong scores were reported as the sheet loaded */
    int rc = rr->invalid ? MERIT_EINVALID : 0;
    for (size_t ci = 0; rb != NULL && ci < rb->criterion_count; ci++) {
        if (out->score_places[ci].line != 0)
            continue; /* scored, or a reason given */
        /* a misspelt criterion: its error is enough */
        rc = rr->unknown_criterion
                 ? MERIT_EINVALID
                 : merit__error_at(ctx, out->loc,
                                   "review of proposal '%s' by '%s' neither scores criterion "
                                   "'%s' nor gives a reason (<no-score>)",
                                   rr->proposal, s->reviewer, rb->criteria[ci].id);
    }
    return rc;
}

/* --- signed sheets (merit/sign.h, docs/signatures.md) ------------------------- */

/* The index in call->files of the file read from path, or -1; -2 when out
 * of memory. */
static ssize_t file_of(struct loader *L, const char *path)
{
    merit_call *c = L->call;
    if (L->files_by_path == NULL) {
        size_t n = c->file_count;
        L->files_by_path = merit__malloc((n + 1) * sizeof(*L->files_by_path));
        L->signer_of = merit__malloc((n + 1) * sizeof(*L->signer_of));
        if (L->files_by_path == NULL || L->signer_of == NULL) {
            free(L->files_by_path);
            free(L->signer_of);
            L->files_by_path = NULL;
            L->signer_of = NULL;
            return -2;
        }
        for (size_t i = 0; i < n; i++) {
            L->files_by_path[i] = (struct id_at){c->files[i].path, i};
            L->signer_of[i] = SIZE_MAX;
        }
        L->files_by_path_count = n;
        qsort(L->files_by_path, n, sizeof(*L->files_by_path), compare_id_then_index);
    }
    size_t lo = 0, hi = L->files_by_path_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(L->files_by_path[mid].id, path);
        if (cmp == 0)
            return (ssize_t)L->files_by_path[mid].index;
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* What became of a FILE.sig (verify_file_signature). */
enum { SIG_OK = 0, SIG_MISSING = 1, SIG_UNREADABLE, SIG_MISMATCH, SIG_MALFORMED };

/* Reads FILE.sig beside call->files[f] once (an input of the call, hashed
 * for the trail, registered as the last file: *sig_file) and checks it
 * against the hash of f's bytes as they were read and ranked, with key.
 * On success f's signed_by is set. Returns SIG_OK or another SIG_ for the
 * caller to say (*errno_out for SIG_UNREADABLE), or MERIT_ENOMEM, or
 * MERIT_EINVALID with its diagnostic given (a link out of the call). */
static int verify_file_signature(struct loader *L, size_t f, const unsigned char key[32],
                                 const merit_file **sig_file_out, int *errno_out)
{
    merit_ctx *ctx = L->ctx;
    merit_call *c = L->call;
    char *path = merit__sprintf("%s.sig", c->files[f].path);
    char *rel = merit__sprintf("%s.sig", c->files[f].relpath);
    const char *display = path && rel ? add_file(L, path, rel) : NULL;
    free(path);
    free(rel);
    if (display == NULL)
        return merit__oom(ctx);
    merit_file *sig_file = &c->files[c->file_count - 1];
    *sig_file_out = sig_file;
    int out = merit__root_check(ctx, L->root, display, MERIT_PLACE_UNKNOWN);
    if (out != 0) {
        sig_file->unread = MERIT_UNREAD_LINK_OUTSIDE;
        return out == 1 ? MERIT_EINVALID : out;
    }
    char text[256];
    size_t len;
    unsigned char sig[MERIT_SIGN_BYTES];
    if (merit__signature_read(display, text, sizeof(text), &len, sig_file, errno_out) != 0) {
        if (sig_file->unread == MERIT_UNREAD_MISSING)
            return SIG_MISSING;
        if (sig_file->unread != MERIT_UNREAD_TOO_LARGE)
            return SIG_UNREADABLE;
        return SIG_MALFORMED;
    }
    if (merit_sign_parse(text, len, sig) != 0)
        return SIG_MALFORMED;
    const merit_file *signed_file = &c->files[f];
    if (!signed_file->hashed || merit_sign_verify_digest(key, signed_file->sha256, sig) != 0)
        return SIG_MISMATCH;
    merit_sign_public_text(key, c->files[f].signed_by);
    return SIG_OK;
}

/* Checks the signature of the file holding s, the sheet of reviewer rv,
 * who has a key: FILE.sig beside it is read once (an input of the call,
 * hashed for the trail) and checked against the hash of the sheet's bytes
 * as they were read and ranked. Returns 0, MERIT_EINVALID, MERIT_EIO or
 * MERIT_ENOMEM. */
static int check_signature(struct loader *L, const struct merit_raw_sheet *s, size_t rv)
{
    merit_ctx *ctx = L->ctx;
    merit_call *c = L->call;
    const char *id = c->reviewers[rv].id;
    ssize_t fi = s->loc.file != NULL ? file_of(L, s->loc.file) : -1;
    if (fi == -2)
        return merit__oom(ctx);
    if (fi < 0)
        return merit__error_at(ctx, s->loc,
                               "the file of the sheet of reviewer '%s' is not known: its "
                               "signature cannot be checked",
                               id);
    size_t f = (size_t)fi;
    if (L->signer_of[f] != SIZE_MAX)
        return merit__error_at(ctx, s->loc,
                               "the sheets of reviewers '%s' and '%s' share %s, and both have "
                               "keys: a file carries one signature; keep the sheets of each "
                               "signing reviewer in a file of their own",
                               c->reviewers[L->signer_of[f]].id, id, c->files[f].relpath);
    L->signer_of[f] = rv;
    const merit_file *sig_file = NULL;
    int e = 0;
    int got = verify_file_signature(L, f, c->reviewers[rv].key, &sig_file, &e);
    switch (got) {
    case SIG_OK:
        return 0;
    case SIG_MISSING:
        return merit__error_at(ctx, s->loc,
                               "the sheet of reviewer '%s' is not signed: the call lists a "
                               "key for them (%s is missing)",
                               id, sig_file->relpath);
    case SIG_UNREADABLE:
        return merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_IO, sig_file->path, 0, 0,
                           "cannot read the signature of the sheet of reviewer '%s': %s", id,
                           e != 0 ? strerror(e) : merit_unread_name(sig_file->unread));
    case SIG_MISMATCH:
        return merit__error_at(ctx, s->loc,
                               "the sheet of reviewer '%s' does not match its signature "
                               "%s: the file was altered after signing, or signed by "
                               "another key than %s's",
                               id, sig_file->relpath, id);
    case SIG_MALFORMED:
        return merit__error_at(ctx, s->loc,
                               "the signature of the sheet of reviewer '%s' is malformed: %s must "
                               "hold one line of 88 base64 characters, as merit sign writes it",
                               id, sig_file->relpath);
    default: /* MERIT_ENOMEM, or MERIT_EINVALID with its diagnostic given */
        return got;
    }
}

/* --- signed moderation files (docs/signatures.md) --------------------------- */

/* The key of the author of a change: a reviewer with a key by that id,
 * else the call's chair (chair=, "chair" when not given) when the call
 * gives the chair a key; NULL when the author has none. */
static const unsigned char *author_key(const merit_call *c, const char *by)
{
    if (by == NULL) /* the schema requires it: not reached */
        return NULL;
    ssize_t rv = merit__find_reviewer(c, by);
    if (rv >= 0 && c->reviewers[rv].has_key)
        return c->reviewers[rv].key;
    const char *chair = c->moderation.chair != NULL ? c->moderation.chair : "chair";
    if (c->moderation.has_chair_key && strcmp(by, chair) == 0)
        return c->moderation.chair_key;
    return NULL;
}

/* Checks one moderation file's signature: changes[0..n) are all its
 * changes. A file whose changes are all by one author with a key is
 * signed with that key (FILE.sig beside it); one that mixes authors, one
 * of them with a key, is an error. *cursor: where to look for the file in
 * call->files (moderation files come in the order they were read). */
static int check_moderation_file(struct loader *L, const struct merit_raw_change *changes, size_t n,
                                 size_t *cursor)
{
    merit_ctx *ctx = L->ctx;
    merit_call *c = L->call;
    const char *author = changes[0].by;
    const unsigned char *key = author_key(c, author);
    for (size_t i = 1; i < n; i++) {
        if (author == NULL || changes[i].by == NULL || strcmp(changes[i].by, author) == 0)
            continue;
        const unsigned char *other = author_key(c, changes[i].by);
        if (key == NULL && other == NULL)
            continue;
        return merit__error_at(ctx, changes[i].loc,
                               "this moderation file holds changes by '%s' and by '%s', and '%s' "
                               "has a key: a file carries one signature; keep the changes of each "
                               "signing author in a file of their own",
                               author, changes[i].by, key != NULL ? author : changes[i].by);
    }
    if (key == NULL)
        return 0;
    size_t f = *cursor;
    while (f < c->file_count && c->files[f].path != changes[0].loc.file)
        f++;
    if (f == c->file_count)
        for (f = 0; f < c->file_count && c->files[f].path != changes[0].loc.file; f++)
            ;
    if (f == c->file_count)
        return merit__error_at(ctx, changes[0].call_loc,
                               "the moderation file is not known: its signature cannot be "
                               "checked");
    *cursor = f + 1;
    const merit_file *sig_file = NULL;
    int e = 0;
    int got = verify_file_signature(L, f, key, &sig_file, &e);
    switch (got) {
    case SIG_OK:
        return 0;
    case SIG_MISSING:
        return merit__error_at(ctx, changes[0].call_loc,
                               "the moderation file %s is not signed: its changes are by '%s', "
                               "for whom the call lists a key (%s is missing)",
                               c->files[f].relpath, author, sig_file->relpath);
    case SIG_UNREADABLE:
        return merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_IO, sig_file->path, 0, 0,
                           "cannot read the signature of the moderation file %s: %s",
                           c->files[f].relpath,
                           e != 0 ? strerror(e) : merit_unread_name(sig_file->unread));
    case SIG_MISMATCH:
        return merit__error_at(ctx, changes[0].call_loc,
                               "the moderation file %s does not match its signature %s: the file "
                               "was altered after signing, or signed by another key than the "
                               "one the call lists for '%s'",
                               c->files[f].relpath, sig_file->relpath, author);
    case SIG_MALFORMED:
        return merit__error_at(ctx, changes[0].call_loc,
                               "the signature of the moderation file %s is malformed: %s must "
                               "hold one line of 88 base64 characters, as merit sign writes it",
                               c->files[f].relpath, sig_file->relpath);
    default:
        return got;
    }
}

/* Checks the signature of every moderation file that needs one, all in
 * one run. Returns 0, MERIT_EINVALID, MERIT_EIO or MERIT_ENOMEM. */
static int check_moderation_signatures(struct loader *L)
{
    const struct merit_raw_moderation *m = &L->moderation;
    size_t cursor = 0;
    int rc = 0;
    for (size_t i = 0; i < m->count;) {
        size_t j = i + 1;
        while (j < m->count && m->changes[j].loc.file == m->changes[i].loc.file)
            j++;
        int one = check_moderation_file(L, &m->changes[i], j - i, &cursor);
        if (one == MERIT_ENOMEM)
            return one;
        if (one != 0 && (rc == 0 || rc == MERIT_EINVALID))
            rc = one;
        i = j;
    }
    return rc;
}

/* Checks every sheet and conflict against the call: the reviewer on the
 * panel, one sheet each, the proposals they name, and (with a rubric to
 * check against) every criterion covered; moves the reviews into the
 * call. */
static int resolve_sheets(struct loader *L)
{
    merit_ctx *ctx = L->ctx;
    merit_call *c = L->call;
    int rc = 0;
    size_t total = 0;
    for (size_t i = 0; i < L->sheet_count; i++)
        total += L->sheets[i].review_count;
    c->reviews = merit__calloc(total, sizeof(*c->reviews));
    if (c->reviews == NULL)
        return merit__oom(ctx);
    size_t conflict_cap = 0;
    ssize_t *sheet_of = merit__malloc((c->reviewer_count + 1) * sizeof(*sheet_of));
    if (sheet_of == NULL)
        return merit__oom(ctx);
    for (size_t i = 0; i < c->reviewer_count; i++)
        sheet_of[i] = -1;
    merit__suggest_init(&L->proposal_ids, c->proposals, offsetof(merit_proposal, id),
                        c->proposal_count, sizeof(merit_proposal));
    merit__suggest_init(&L->reviewer_ids, c->reviewers, offsetof(merit_reviewer, id),
                        c->reviewer_count, sizeof(merit_reviewer));

    for (size_t si = 0; si < L->sheet_count; si++) {
        struct merit_raw_sheet *s = &L->sheets[si];
        if (s->reviewer == NULL)
            continue;
        size_t mark = merit_ctx_diag_count(ctx);
        int signed_rc;
        ssize_t rv = merit__find_reviewer(c, s->reviewer);
        if (strcmp(s->call, c->id) != 0) {
            rc = merit__error_at(ctx, s->call_loc, "sheet of '%s' is for call '%s', not '%s'",
                                 s->reviewer, s->call, c->id);
        } else if (rv < 0) {
            const char *near = near_reviewer(L, s->reviewer);
            rc = merit__error_at(ctx, s->reviewer_loc,
                                 "reviewer '%s' is not on the call's panel" MEANT_FMT, s->reviewer,
                                 MEANT(near));
        } else if (sheet_of[rv] >= 0) {
            rc = merit__error_at(ctx, s->reviewer_loc, "a second sheet for reviewer '%s'",
                                 s->reviewer);
            merit__note_at(ctx, L->sheets[sheet_of[rv]].loc, "first sheet here");
        } else if (c->reviewers[rv].has_key &&
                   (signed_rc = check_signature(L, s, (size_t)rv)) != 0) {
            if (signed_rc == MERIT_ENOMEM) {
                free(sheet_of);
                return signed_rc;
            }
            rc = signed_rc;
        } else {
            mark = SIZE_MAX;
        }
        if (mark != SIZE_MAX) {
            if (ctx->keep_going && reject(L, MERIT_REJECTED_SHEET, s->loc, mark, "invalid",
                                          "sheet of %s", s->reviewer) != 0) {
                free(sheet_of);
                return MERIT_ENOMEM;
            }
            merit__sheet_release_reviews(s); /* not needed: less memory from here */
            continue;
        }
        sheet_of[rv] = (ssize_t)si;
        for (size_t k = 0; k < s->conflict_count; k++) {
            const struct merit_raw_conflict *rk = &s->conflicts[k];
            ssize_t p = merit__find_proposal(c, rk->proposal);
            if (p < 0) {
                size_t cmark = merit_ctx_diag_count(ctx);
                rc = unknown_proposal(L, rk->proposal, rk->loc, BY_SHEET_CONFLICT, s->reviewer);
                if (rc == MERIT_ENOMEM ||
                    (ctx->keep_going &&
                     reject(L, MERIT_REJECTED_CONFLICT, rk->loc, cmark, "its proposal was rejected",
                            "conflict of %s with %s", s->reviewer, rk->proposal) != 0)) {
                    free(sheet_of);
                    return MERIT_ENOMEM;
                }
                continue;
            }
            int one =
                add_conflict(L, &conflict_cap, (size_t)rv, (size_t)p, rk->reason, false, rk->loc);
            if (one != 0) {
                free(sheet_of);
                return one;
            }
        }
        for (size_t k = 0; k < s->review_count; k++) {
            merit_review *r = &c->reviews[c->review_count];
            size_t rmark = merit_ctx_diag_count(ctx);
            int one = resolve_review(L, s, (size_t)rv, &s->reviews[k], r);
            /* counted whatever happened, so that merit_call_free releases
             * what it holds; a call with a failed review is never returned */
            c->review_count++;
            if (one == MERIT_ENOMEM) {
                free(sheet_of);
                return one;
            }
            if (one != 0 && ctx->keep_going) {
                const struct merit_raw_review *rr = &s->reviews[k];
                const char *why = was_rejected(L, rr->proposal)
                                      ? "its proposal was rejected"
                                      : "its proposal is not among those that loaded";
                /* a review of a proposal in the call is left out for its
                 * scores: the first of their errors, said as it loaded */
                if (rr->invalid && merit__find_proposal(c, rr->proposal) >= 0)
                    rmark = rr->diag_mark;
                c->review_count--;
                merit__review_release(r, sheet_criteria(L));
                memset(r, 0, sizeof(*r));
                L->failed = true;
                if (reject(L, MERIT_REJECTED_REVIEW, rr->review.loc, rmark, why,
                           "review of %s by %s", rr->proposal, s->reviewer) != 0) {
                    free(sheet_of);
                    return MERIT_ENOMEM;
                }
                continue;
            }
            if (one != 0)
                rc = one;
        }
        merit__sheet_release_reviews(s); /* what is left once moved */
    }
    free(sheet_of);

    for (size_t i = 0; i < L->call_conflict_count; i++) {
        const struct raw_call_conflict *k = &L->call_conflicts[i];
        ssize_t rv = merit__find_reviewer(c, k->reviewer);
        ssize_t p = merit__find_proposal(c, k->proposal);
        if (rv < 0 || p < 0) {
            size_t kmark = merit_ctx_diag_count(ctx);
            if (rv < 0) {
                const char *near = near_reviewer(L, k->reviewer);
                rc = merit__error_at(
                    ctx, k->loc, "conflict names reviewer '%s', who is not on the panel" MEANT_FMT,
                    k->reviewer, MEANT(near));
            } else {
                rc = unknown_proposal(L, k->proposal, k->loc, BY_CALL_CONFLICT, k->reviewer);
                if (rc == MERIT_ENOMEM)
                    return rc;
            }
            if (ctx->keep_going) {
                L->failed = true;
                if (reject(L, MERIT_REJECTED_CONFLICT, k->loc, kmark, "its proposal was rejected",
                           "conflict of %s with %s", k->reviewer, k->proposal) != 0)
                    return MERIT_ENOMEM;
            }
            continue;
        }
        int one = add_conflict(L, &conflict_cap, (size_t)rv, (size_t)p, k->reason, true, k->loc);
        if (one != 0)
            return one;
    }
    if (c->review_count > 1)
        qsort(c->reviews, c->review_count, sizeof(*c->reviews), compare_reviews);
    if (c->conflict_count > 1)
        qsort(c->conflicts, c->conflict_count, sizeof(*c->conflicts), compare_conflicts);
    /* a conflict the programme office declared excludes the review */
    for (size_t i = 0; i < c->conflict_count; i++) {
        const merit_conflict *k = &c->conflicts[i];
        if (!k->from_call)
            continue;
        merit_review *r = merit__find_review(c, k->proposal, k->reviewer);
        if (r != NULL) {
            r->conflicted = true;
            r->conflict_reason = k->reason;
        }
    }
    return rc;
}

/* --- entry point ----------------------------------------------------------- */

bool merit__href_inside(const char *href)
{
    bool outside = href[0] == '/';
    for (const char *p = href; *p && !outside; p = strchr(p, '/') ? strchr(p, '/') + 1 : "")
        outside = strncmp(p, "..", 2) == 0 && (p[2] == '/' || p[2] == '\0');
    return !outside;
}

static int load_rubric(struct loader *L, const char *name, const char *href, merit_loc loc)
{
    merit_ctx *ctx = L->ctx;
    if (name != NULL) {
        if (merit__shipped_rubric(name) == NULL) {
            char list[512] = "";
            size_t o = 0;
            for (const char *const *n = merit_rubric_shipped_names(); *n; n++)
                o += (size_t)snprintf(list + o, o < sizeof(list) ? sizeof(list) - o : 0, "%s%s",
                                      o ? ", " : "", *n);
            const char *near = merit__suggest_among(name, merit_rubric_shipped_names());
            if (near != NULL)
                return merit__error_at(ctx, loc,
                                       "no shipped rubric named '%s' (shipped: %s); did you mean "
                                       "'%s'?",
                                       name, list, near);
            return merit__error_at(ctx, loc, "no shipped rubric named '%s' (shipped: %s)", name,
                                   list);
        }
        char *rel = merit__sprintf("shipped:%s", name);
        const char *display = rel ? add_file(L, rel, rel) : NULL;
        free(rel);
        if (display == NULL)
            return merit__oom(ctx);
        const struct merit_embedded_file *f = merit__shipped_rubric(name);
        struct merit_xml_stream s;
        int rc = merit__rubric_read(ctx, display, f->bytes, f->size, display, &L->call->rubric, &s);
        record_stream(L, &s);
        return rc;
    }
    /* a call is self-contained: its rubric lies inside its folder, so that
     * the folder alone can be replayed, and a call cannot make merit read
     * any other file on the machine */
    if (!merit__href_inside(href))
        return merit__error_at(ctx, loc,
                               "rubric '%s' lies outside the call folder: name a file inside it "
                               "(a relative path without '..') or a shipped rubric",
                               href);
    char *path = path_join(L->call->dir, href);
    const char *display = path ? add_file(L, path, href) : NULL;
    free(path);
    if (display == NULL)
        return merit__oom(ctx);
    /* any folder on its way may be a link */
    int rc = merit__root_check(ctx, L->root, display, MERIT_PLACE_PATH);
    if (rc != 0) {
        L->call->files[L->call->file_count - 1].unread = MERIT_UNREAD_LINK_OUTSIDE;
        if (rc == 1)
            merit__note_at(ctx, loc, "the call names its rubric here");
        return rc == 1 ? MERIT_EINVALID : rc;
    }
    struct merit_xml_stream s;
    rc = merit__rubric_read_checkable(ctx, display, NULL, 0, display, &L->call->rubric,
                                      &L->check_rubric, &s);
    if (rc != 0 && rc != MERIT_ENOMEM && s.bytes == 0)
        merit__note_at(ctx, loc, "the call names its rubric here"); /* it could not be read */
    record_stream(L, &s);
    return rc;
}

int merit_call_load(merit_ctx *ctx, const char *path, merit_call **out)
{
    *out = NULL;
    struct loader L = {0};
    L.ctx = ctx;
    L.call = merit__calloc(1, sizeof(*L.call));
    if (L.call == NULL)
        return merit__oom(ctx);
    merit_call *c = L.call;
    int rc = 0;
    char *rubric_name = NULL, *rubric_href = NULL;
    merit_loc rubric_loc = {0};
    struct merit_root root = {0};

    struct stat st = {0};
    char *call_path;
    /* the call file's name in its folder, as the audit trail records it:
     * call.xml, or the name of a call file given itself */
    const char *call_name = "call.xml";
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        c->dir = merit__strdup(path);
        call_path = path_join(path, "call.xml");
    } else {
        const char *slash = strrchr(path, '/');
        c->dir = slash ? merit__strndup(path, (size_t)(slash - path) + (slash == path))
                       : merit__strdup(".");
        call_path = merit__strdup(path);
        const char *base = slash ? slash + 1 : path;
        if (*base != '\0' && strcmp(base, ".") != 0 && strcmp(base, "..") != 0)
            call_name = base;
    }
    const char *display = c->dir && call_path ? add_file(&L, call_path, call_name) : NULL;
    free(call_path);
    if (display == NULL) {
        rc = merit__oom(ctx);
        goto done;
    }
    /* lstat: a call.xml that is a dangling link is there, and vanished */
    if (S_ISDIR(st.st_mode) && lstat(display, &st) != 0 && errno == ENOENT) {
        rc = merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, c->dir, 0, 0,
                         "not a call folder: it has no call.xml");
        goto done;
    }
    /* the folder as given is the root, even through a link; what is in it
     * may lead out of it through a link only to be refused */
    rc = merit__root_init(ctx, c->dir, &root);
    if (rc != 0)
        goto done;
    L.root = &root;
    rc = merit__root_check(ctx, &root, display, MERIT_PLACE_UNKNOWN);
    if (rc != 0) {
        c->files[0].unread = MERIT_UNREAD_LINK_OUTSIDE;
        rc = rc == 1 ? MERIT_EINVALID : rc;
        goto done;
    }
    struct call_doc_args args = {&L, &rubric_name, &rubric_href, &rubric_loc};
    struct merit_xml_stream s = {
        .kind = MERIT_SCHEMA_CALL, .on_record = call_doc_read, .user = &args};
    rc = merit__xml_stream_file(ctx, display, &s);
    record_stream(&L, &s);
    /* a call.xml that breaks its schema names no rubric and no panel to
     * check against, but the proposals and sheets are still read and
     * checked on their own; anything that is not a call stops here */
    if (rc == MERIT_ENOMEM || (rc != 0 && c->id == NULL && s.found != MERIT_SCHEMA_CALL))
        goto done;
    L.failed = rc != 0;
    L.call_failed = rc != 0;

    if (rubric_name != NULL || rubric_href != NULL) {
        int one = load_rubric(&L, rubric_name, rubric_href, rubric_loc);
        if (one == MERIT_ENOMEM) {
            rc = one;
            goto done;
        }
        if (one != 0) {
            rc = one;
            L.failed = true;
        }
    }
    /* a rubric refused for a weight or a rule still checks the scores */
    L.sheet_rubric = c->rubric != NULL ? c->rubric : L.check_rubric;
    int sheets_rc;
    int one = load_records(&L, &sheets_rc);
    if (one == MERIT_ENOMEM || sheets_rc == MERIT_ENOMEM) {
        rc = MERIT_ENOMEM;
        goto done;
    }
    if (one != 0) {
        L.failed = true;
        rc = rc ? rc : one;
    }
    one = sheets_rc;
    if (one == MERIT_ENOMEM) {
        rc = one;
        goto done;
    }
    if (one != 0) {
        L.failed = true;
        rc = rc ? rc : one;
    }
    one = check_proposal_ids(&L);
    if (one != 0) {
        L.failed = true;
        rc = rc ? rc : one;
    }
    /* every reference, in the same run: the scores were checked as the
     * sheets loaded, against the rubric when it loaded far enough */
    if (c->id != NULL && !L.panel_failed) {
        one = resolve_sheets(&L);
        if (one == MERIT_ENOMEM) {
            rc = one;
            goto done;
        }
        if (one != 0) {
            L.failed = true;
            rc = rc ? rc : one;
        }
    }
    /* the panel's changes, once every review is in place: an optional
     * folder, read (and hashed for the trail) whenever it is there */
    if (c->id != NULL) {
        char *mdir = path_join(c->dir, "moderation");
        struct stat mst;
        if (mdir == NULL) {
            rc = merit__oom(ctx);
            goto done;
        }
        bool present = lstat(mdir, &mst) == 0;
        free(mdir);
        one = present ? load_folder(&L, "moderation", MERIT_SCHEMA_MODERATION, add_moderation) : 0;
        if (one == 0 && !L.panel_failed) {
            /* every problem of the run: the signatures, then the changes */
            int signed_rc = check_moderation_signatures(&L);
            if (signed_rc != MERIT_ENOMEM && c->rubric != NULL)
                one = merit__moderation_apply(ctx, c, &L.moderation);
            if (one != MERIT_ENOMEM && signed_rc != 0)
                one = signed_rc;
        }
        if (one == MERIT_ENOMEM) {
            rc = one;
            goto done;
        }
        if (one != 0) {
            L.failed = true;
            L.moderation_failed = true;
            rc = rc ? rc : one;
        }
    }
    if (ctx->keep_going && rc != MERIT_ENOMEM && c->id != NULL && c->rubric != NULL &&
        !L.call_failed && !L.moderation_failed) {
        /* what is left is valid; what is not is in c->rejected */
        rc = 0;
        L.failed = false;
    }
    if (L.failed && rc == 0)
        rc = MERIT_EINVALID;
done:
    free(rubric_name);
    free(rubric_href);
    merit__root_release(&root);
    if (rc != 0 && c->rubric == NULL) {
        /* the reviews moved into the call hold its criteria's arrays */
        c->rubric = L.check_rubric;
        L.check_rubric = NULL;
    }
    loader_release(&L);
#ifdef __GLIBC__
    /* what the sheets' thread freed (raw sheets, parse trees) stays in that
     * thread's malloc arena, where the main thread's allocations never
     * reuse it: give it back */
    if (ctx->threads > 1)
        malloc_trim(0);
#endif
    if (rc != 0) {
        merit_call_free(c);
        return rc;
    }
    *out = c;
    return 0;
}
