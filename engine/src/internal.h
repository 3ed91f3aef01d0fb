/*
 * Internal to the engine: the context, diagnostics and allocation helpers
 * shared by every module. Not installed; tests include it to reach internal
 * functions.
 */
#ifndef MERIT_INTERNAL_H
#define MERIT_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h> /* ssize_t */

#include "merit/merit.h"
#include "merit/model.h"

struct merit_diag_item {
    merit_diag diag;
    char *file;    /* owned copy behind diag.file */
    char *message; /* owned copy behind diag.message */
};

struct merit_ctx {
    struct merit_diag_item *diags;
    size_t diag_count;
    size_t diag_cap;
    size_t error_count;
    merit_limits limits;
    bool out_of_memory;   /* a diagnostic could not be recorded */
    bool keep_going;      /* load what is valid, list what is not */
    bool keep_comments;   /* keep reviewers' comments; true unless told otherwise */
    unsigned threads;     /* threads a call's loading may use; 1 unless told otherwise */
    bool method_override; /* the call will be ranked by `method`, not its rubric's */
    merit_method method;
    /* the file being read (merit__diag_file_begin): its diagnostics kept
     * and left out over the 'diagnostics' limit */
    bool in_file;
    size_t file_kept;
    size_t file_hidden;
};

/* What merit__diag_file_begin saved, for merit__diag_file_end. */
struct merit_diag_file {
    bool in_file;
    size_t kept;
    size_t hidden;
};

/* From begin to end, the diagnostics of ctx are those of one file, read
 * from `path`: after the 'diagnostics' limit, the rest are counted (errors
 * still count as errors) but not kept, and end adds a note saying how many
 * were left out. I/O errors are always kept. Nests. */
struct merit_diag_file merit__diag_file_begin(merit_ctx *ctx);
void merit__diag_file_end(merit_ctx *ctx, const char *path, struct merit_diag_file saved);
/* True when the file being read has used up its diagnostics: the next one
 * is only counted, so the caller need not work out its place or words. */
static inline bool merit__diag_full(const merit_ctx *ctx)
{
    return ctx->in_file && ctx->file_kept >= ctx->limits.max_diagnostics;
}

/* A context for work on another thread: the same settings, its own
 * diagnostics (NULL when out of memory). */
merit_ctx *merit__ctx_fork(const merit_ctx *ctx);
/* Appends the fork's diagnostics to ctx, in their order, and frees the
 * fork. Returns 0, or MERIT_ENOMEM. */
int merit__ctx_join(merit_ctx *ctx, merit_ctx *fork);

/* A call folder, resolved once: merit follows a link in a call only when
 * it resolves inside the call's folder (docs/formats.md, "A call is a
 * folder"). The loader and the replay of an audit trail check every file
 * by this one rule (call.c). */
struct merit_root {
    char *real;     /* the folder's real path; NULL when it has none (then
                       nothing is refused: reading will fail) */
    size_t len;     /* of the prefix every path inside starts with */
    int unresolved; /* errno when the folder exists but cannot be resolved
                       (a name too long): then every link is refused */
};
/* What a caller knows of a name before it is checked. */
enum merit_place_hint {
    MERIT_PLACE_PLAIN,   /* not a link (readdir said so): nothing to check */
    MERIT_PLACE_LINK,    /* a link (readdir said so): resolved */
    MERIT_PLACE_UNKNOWN, /* lstat'ed, resolved if it is a link */
    MERIT_PLACE_PATH,    /* folders on its way may be links: resolved */
};
/* Resolves dir. Returns 0 or MERIT_ENOMEM. */
int merit__root_init(merit_ctx *ctx, const char *dir, struct merit_root *root);
void merit__root_release(struct merit_root *root);
/* Whether path (a file or folder of the call, as the user can name it)
 * stays inside the call folder: 0 when it does, or when it does not
 * resolve (reading it will say why); 1 when a link leads out of it, after
 * an error on path and a note naming where it leads (none when ctx is
 * NULL). */
int merit__root_check(merit_ctx *ctx, const struct merit_root *root, const char *path,
                      enum merit_place_hint hint);
/* Whether a rubric's href names a file inside the call folder by its
 * words: relative, without a '..' part (links are checked apart). */
bool merit__href_inside(const char *href);
/* names.c: a merit_unread by the name merit_unread_name gives it (not
 * ""); -1 for any other name. */
int merit__unread_from_name(const char *name);

#define MERIT_DEFAULT_MAX_FILE_BYTES (512ull * 1024 * 1024)
#define MERIT_DEFAULT_MAX_DEPTH 64u
#define MERIT_DEFAULT_MAX_PROPOSALS 1000000u
#define MERIT_DEFAULT_MAX_REVIEWERS 10000u
#define MERIT_DEFAULT_MAX_CRITERIA 64u
#define MERIT_DEFAULT_MAX_TEXT_BYTES 400000u
#define MERIT_DEFAULT_MATCH_LIMIT 10000000u
#define MERIT_DEFAULT_MAX_DIAGNOSTICS 1000u
#define MERIT_DEFAULT_MAX_RULES 128u

/* Appends a diagnostic. file may be NULL. The message is printf-formatted;
 * it is made printable and long quoted values are shortened. Returns the
 * merit_error that matches kind for severity error (MERIT_EINVALID,
 * MERIT_EIO, MERIT_ELIMIT), or 0 for warnings and notes, so that callers can
 * write `return merit__diag(...)`. */
int merit__diag(merit_ctx *ctx, merit_severity severity, merit_diag_kind kind, const char *file,
                uint32_t line, uint32_t column, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
int merit__vdiag(merit_ctx *ctx, merit_severity severity, merit_diag_kind kind, const char *file,
                 uint32_t line, uint32_t column, const char *fmt, va_list ap)
    __attribute__((format(printf, 7, 0)));

/* Shorthands for the common cases. */
#define merit__error_at(ctx, loc, ...)                                                             \
    merit__diag((ctx), MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, (loc).file, (loc).line,           \
                (loc).column, __VA_ARGS__)
#define merit__note_at(ctx, loc, ...)                                                              \
    merit__diag((ctx), MERIT_SEVERITY_NOTE, MERIT_DIAG_INVALID, (loc).file, (loc).line,            \
                (loc).column, __VA_ARGS__)

/* The length of the valid UTF-8 character at s (at most avail bytes): 1 to
 * 4, or 0 when the bytes there are not valid UTF-8 (escape.c). */
size_t merit__utf8_length(const unsigned char *s, size_t avail);

/* Records that memory ran out and returns MERIT_ENOMEM. */
int merit__oom(merit_ctx *ctx);

/* Allocation. Every engine allocation goes through these so that the tests
 * can fail the n-th one (merit__alloc_fail_at). They never abort. */
void *merit__malloc(size_t size);
void *merit__calloc(size_t count, size_t size);
void *merit__realloc(void *ptr, size_t size);
/* Grows an array of count elements to room for at least count+1. */
int merit__grow(void **array, size_t *cap, size_t count, size_t elem_size);
char *merit__strdup(const char *s);
char *merit__strndup(const char *s, size_t n);
char *merit__sprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Which of n names repeat an earlier one (repeats.c): first[i] gets the
 * index of the first earlier name equal to names[i], or SIZE_MAX (a NULL
 * name is ""). By sorting, so that a file of many names costs n log n,
 * never n^2. first has room for n. Returns 0, or MERIT_ENOMEM. */
int merit__first_repeats(const char *const *names, size_t n, size_t *first);

/* A loaded call's lookups (call.c), by its order (merit/model.h): the index
 * of the proposal or reviewer with that id, or -1; a conflict declared for
 * the pair (the programme office's only, when office_only), or NULL.
 * O(log n) each. */
ssize_t merit__find_proposal(const merit_call *c, const char *id);
ssize_t merit__find_reviewer(const merit_call *c, const char *id);
const merit_conflict *merit__find_conflict(const merit_call *c, size_t reviewer, size_t proposal,
                                           bool office_only);
/* The review of proposal by reviewer (reviews are sorted by that pair),
 * or NULL. O(log n). */
merit_review *merit__find_review(const merit_call *c, size_t proposal, size_t reviewer);

/* Reads a .sig file beside a signed sheet (engine/src/signature.c) into
 * buf, at most cap bytes, once: what is parsed is what is hashed into f
 * (bytes, hashed, sha256, unread). -1 when it was not read whole: f->unread
 * says why, *errno_out the system's reason when there is one. */
int merit__signature_read(const char *path, char *buf, size_t cap, size_t *len_out, merit_file *f,
                          int *errno_out);

/* What the output kit writes for byte c in XML character data (attr false)
 * or a "..." attribute value (attr true): an entity or character reference,
 * or NULL for the byte itself (sink.c; xml_write.c writes by it too). */
const char *merit__xml_replacement(unsigned char c, bool attr);

/* Why a criterion id would give the CSV report two columns of one name
 * (reports/csv.c), or NULL: the rubric loader refuses such an id. */
const char *merit__csv_column_reserved(const char *id);

/* Name lookups (names.c): the enum value, or -1 for an unknown name. */
int merit__fact_from_name(const char *name);
/* The names merit derives facts for, and the sections it names itself,
 * NULL-terminated (for "did you mean"). */
const char *const *merit__fact_names(void);
const char *const *merit__section_names(void);
int merit__op_from_name(const char *name);
int merit__org_type_from_name(const char *name);
int merit__chain_role_from_name(const char *name);

/* The funding walk (rank.c, docs/scoring.md section 8), run last by
 * merit_call_rank; it can run again on a ranked result, which it walks
 * afresh: after the bootstrap set each proposal's grey_zone and the
 * result's has_intervals, or in a test. options may be NULL (the call's
 * rule). Returns 0, or an error (a grey-zone lottery without intervals,
 * out of memory). */
struct merit_result;
struct merit_rank_options;
int merit__funding_walk(merit_ctx *ctx, struct merit_result *res,
                        const struct merit_rank_options *options);
/* The line (docs/scoring.md section 8): how many of the ranked proposals
 * the stop walk funds, a whole shared rank at a time while it fits. */
size_t merit__funding_line(const struct merit_result *res);
/* Whether the walk goes on past what it cannot fund: the call's
 * <funding-line skip-unaffordable>, else the rubric's. */
bool merit__walks_on(const merit_call *call);

/* Test hook: the n-th allocation from now fails (0: none), and the count of
 * allocations since then. merit__malloc has the signature jansson's
 * json_set_alloc_funcs takes, so a test can fail jansson's allocations too. */
void merit__alloc_fail_at(uint64_t n);
uint64_t merit__alloc_count(void);

#endif
