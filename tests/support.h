/*
 * Helpers shared by merit's test programs: scratch folders, input files
 * written from strings, and checks of a context's diagnostics that print the
 * whole expected and actual list when they differ.
 *
 * Every helper fails the running cmocka test (it never returns an error) and
 * reports the caller's file and line. Strings a helper returns are malloc'd
 * and belong to the caller.
 */
#ifndef MERIT_TEST_SUPPORT_H
#define MERIT_TEST_SUPPORT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h> /* cmocka.h needs these three first */

#include <cmocka.h>

#include "merit/merit.h"
#include "merit/report.h"

/* Marks a test left out of the case list (a FIXME says why), so that it
 * still compiles without an unused-function warning. */
#define T_DISABLED __attribute__((unused))

/* printf into a malloc'd string; the test fails if memory runs out. */
char *t_sprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A fresh folder under $TMPDIR (or /tmp), made with mkdtemp. */
char *t_tempdir(void);
/* Removes a folder and everything in it; symlinks are not followed. */
void t_rmtree(const char *path);
/* dir + "/" + rel. */
char *t_path(const char *dir, const char *rel);
/* Writes text (or size bytes) to dir/rel, making the folders on the way. */
void t_write(const char *dir, const char *rel, const char *text);
void t_write_bytes(const char *dir, const char *rel, const void *bytes, size_t size);
/* Makes dir/rel and the folders on the way. */
void t_mkdirs(const char *dir, const char *rel);
/* Reads a whole file; *size_out (optional) gets its size. NULL when the file
 * cannot be read. The result is NUL-terminated. */
char *t_read(const char *path, size_t *size_out);

/* A copy of text with the one occurrence of from replaced by to; the test
 * fails when from occurs never or more than once. */
#define t_replace(text, from, to) t_replace_(text, from, to, __FILE__, __LINE__)
char *t_replace_(const char *text, const char *from, const char *to, const char *file, int line);
/* Applies pairs of (from, to) in turn; the list ends with NULL. */
#define t_edit(text, ...) t_edit_(__FILE__, __LINE__, text, __VA_ARGS__, (const char *)NULL)
char *t_edit_(const char *file, int line, const char *text, ...);

/* Writes dir/to_rel as dir/from_rel with the one occurrence of from
 * replaced by to (the same file when the names are equal). */
#define t_copy_edited(dir, from_rel, to_rel, from, to)                                             \
    t_copy_edited_(dir, from_rel, to_rel, from, to, __FILE__, __LINE__)
void t_copy_edited_(const char *dir, const char *from_rel, const char *to_rel, const char *from,
                    const char *to, const char *file, int line);

/* Writes the report of the named format (merit_writers) to out through a
 * sink (merit/report.h). Returns 0 or the sink's first error; the test
 * fails when there is no such writer. */
int t_report(const char *format, FILE *out, const merit_result *res,
             const merit_report_options *opt);

/* One expected diagnostic. */
struct t_diag {
    merit_severity severity;
    const char *file;
    uint32_t line;
    uint32_t column;
    const char *message;
};
#define T_ERROR(file, line, column, message)                                                       \
    {                                                                                              \
        MERIT_SEVERITY_ERROR, file, line, column, message                                          \
    }
#define T_WARNING(file, line, column, message)                                                     \
    {                                                                                              \
        MERIT_SEVERITY_WARNING, file, line, column, message                                        \
    }
#define T_NOTE(file, line, column, message)                                                        \
    {                                                                                              \
        MERIT_SEVERITY_NOTE, file, line, column, message                                           \
    }

/* Checks that the context holds exactly these diagnostics, in this order:
 * severity, file, line, column and message each compared through
 * merit_ctx_diag(). On a difference, both lists are printed. */
#define T_EXPECT_DIAGS(ctx, ...)                                                                   \
    do {                                                                                           \
        const struct t_diag t_want_[] = {__VA_ARGS__};                                             \
        t_expect_diags_(ctx, t_want_, sizeof(t_want_) / sizeof(t_want_[0]), __FILE__, __LINE__);   \
    } while (0)
/* Checks that the context holds no diagnostics at all. */
#define T_EXPECT_NO_DIAGS(ctx) t_expect_diags_(ctx, NULL, 0, __FILE__, __LINE__)
void t_expect_diags_(const merit_ctx *ctx, const struct t_diag *want, size_t count,
                     const char *file, int line);
/* Prints every diagnostic of ctx, GCC style, for a failing test. */
void t_print_diags(const merit_ctx *ctx);

/* A test's scratch folder, made the working directory for the test so that
 * diagnostics name short relative paths ("rubric.xml:6:23"). */
struct t_scratch {
    char *dir;
    char *previous_cwd;
    merit_ctx *ctx;
};
/* cmocka setup and teardown: *state becomes a struct t_scratch. */
int t_scratch_setup(void **state);
int t_scratch_teardown(void **state);

/* Rewrites the audit trail src into dst as anyone could: each record is
 * handed to edit (when not NULL), which may change it and returns whether
 * it did; then every line's seq and prev are made right again, so that the
 * chain holds and only a recomputation can tell. Returns the number of
 * records edit changed. */
struct json_t;
typedef bool (*t_trail_edit)(struct json_t *record, void *data);
size_t t_rechain_trail(const char *src, const char *dst, t_trail_edit edit, void *data);

/* What the writer `write` (merit/report.h) writes for res with opt, as a
 * string (malloc'd); the writer must succeed. */
char *t_render(merit_report_fn write, const merit_result *res, const merit_report_options *opt);

#endif
