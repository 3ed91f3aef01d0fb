/* Test helpers: see support.h. */
#include <jansson.h>

#include "support.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *xstrdup(const char *s)
{
    char *p = strdup(s);
    assert_non_null(p);
    return p;
}

char *t_sprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int need = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    assert_true(need >= 0);
    char *p = malloc((size_t)need + 1);
    assert_non_null(p);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)need + 1, fmt, ap);
    va_end(ap);
    return p;
}

char *t_tempdir(void)
{
    const char *base = getenv("TMPDIR");
    if (base == NULL || base[0] == '\0')
        base = "/tmp";
    char *templ = t_sprintf("%s/merit-test-XXXXXX", base);
    if (mkdtemp(templ) == NULL) {
        print_error("mkdtemp(%s): %s\n", templ, strerror(errno));
        fail();
    }
    return templ;
}

void t_rmtree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (d != NULL) {
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                    continue;
                char *child = t_path(path, e->d_name);
                t_rmtree(child);
                free(child);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

char *t_path(const char *dir, const char *rel)
{
    return t_sprintf("%s/%s", dir, rel);
}

void t_mkdirs(const char *dir, const char *rel)
{
    char *path = t_path(dir, rel);
    for (char *p = path + strlen(dir) + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (mkdir(path, 0755) != 0 && errno != EEXIST) {
                print_error("mkdir(%s): %s\n", path, strerror(errno));
                fail();
            }
            *p = saved;
            if (saved == '\0')
                break;
        }
    }
    free(path);
}

void t_write_bytes(const char *dir, const char *rel, const void *bytes, size_t size)
{
    const char *slash = strrchr(rel, '/');
    if (slash != NULL) {
        char *parent = xstrdup(rel);
        parent[slash - rel] = '\0';
        t_mkdirs(dir, parent);
        free(parent);
    }
    char *path = t_path(dir, rel);
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        print_error("fopen(%s): %s\n", path, strerror(errno));
        fail();
    }
    assert_int_equal(fwrite(bytes, 1, size, f), size);
    assert_int_equal(fclose(f), 0);
    free(path);
}

void t_write(const char *dir, const char *rel, const char *text)
{
    t_write_bytes(dir, rel, text, strlen(text));
}

char *t_read(const char *path, size_t *size_out)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    assert_non_null(buf);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
            assert_non_null(buf);
        }
    }
    fclose(f);
    buf[n] = '\0';
    if (size_out != NULL)
        *size_out = n;
    return buf;
}

char *t_replace_(const char *text, const char *from, const char *to, const char *file, int line)
{
    const char *at = strstr(text, from);
    if (at == NULL || strstr(at + 1, from) != NULL) {
        print_error("%s:%d: t_replace: '%s' occurs %s in the text\n", file, line, from,
                    at == NULL ? "never" : "more than once");
        _fail(file, line);
    }
    size_t head = (size_t)(at - text);
    return t_sprintf("%.*s%s%s", (int)head, text, to, at + strlen(from));
}

char *t_edit_(const char *file, int line, const char *text, ...)
{
    va_list ap;
    va_start(ap, text);
    char *current = xstrdup(text);
    for (;;) {
        const char *from = va_arg(ap, const char *);
        if (from == NULL)
            break;
        const char *to = va_arg(ap, const char *);
        char *next = t_replace_(current, from, to, file, line);
        free(current);
        current = next;
    }
    va_end(ap);
    return current;
}

static const char *severity_name(merit_severity s)
{
    switch (s) {
    case MERIT_SEVERITY_ERROR:
        return "error";
    case MERIT_SEVERITY_WARNING:
        return "warning";
    case MERIT_SEVERITY_NOTE:
        return "note";
    }
    return "?";
}

void t_print_diags(const merit_ctx *ctx)
{
    size_t n = merit_ctx_diag_count(ctx);
    for (size_t i = 0; i < n; i++) {
        char *s = merit_diag_format(merit_ctx_diag(ctx, i));
        print_error("    %s\n", s ? s : "(out of memory)");
        free(s);
    }
}

static bool same_diag(const merit_diag *d, const struct t_diag *w)
{
    return d->severity == w->severity && strcmp(d->file, w->file) == 0 && d->line == w->line &&
           d->column == w->column && strcmp(d->message, w->message) == 0;
}

void t_expect_diags_(const merit_ctx *ctx, const struct t_diag *want, size_t count,
                     const char *file, int line)
{
    size_t n = merit_ctx_diag_count(ctx);
    bool ok = n == count;
    for (size_t i = 0; ok && i < n; i++)
        ok = same_diag(merit_ctx_diag(ctx, i), &want[i]);
    if (ok)
        return;
    print_error("%s:%d: diagnostics differ\n  expected (%zu):\n", file, line, count);
    for (size_t i = 0; i < count; i++)
        print_error("  %c %s:%u:%u: %s: %s\n",
                    i < n && same_diag(merit_ctx_diag(ctx, i), &want[i]) ? ' ' : '-', want[i].file,
                    want[i].line, want[i].column, severity_name(want[i].severity), want[i].message);
    print_error("  actual (%zu):\n", n);
    for (size_t i = 0; i < n; i++) {
        const merit_diag *d = merit_ctx_diag(ctx, i);
        print_error("  %c %s:%u:%u: %s: %s\n", i < count && same_diag(d, &want[i]) ? ' ' : '+',
                    d->file, d->line, d->column, severity_name(d->severity), d->message);
    }
    _fail(file, line);
}

int t_scratch_setup(void **state)
{
    struct t_scratch *s = calloc(1, sizeof(*s));
    assert_non_null(s);
    s->dir = t_tempdir();
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    s->previous_cwd = xstrdup(cwd);
    assert_int_equal(chdir(s->dir), 0);
    s->ctx = merit_ctx_new();
    assert_non_null(s->ctx);
    *state = s;
    return 0;
}

int t_scratch_teardown(void **state)
{
    struct t_scratch *s = *state;
    if (s == NULL)
        return 0;
    merit_ctx_free(s->ctx);
    if (chdir(s->previous_cwd) != 0)
        print_error("chdir(%s): %s\n", s->previous_cwd, strerror(errno));
    t_rmtree(s->dir);
    free(s->dir);
    free(s->previous_cwd);
    free(s);
    return 0;
}

void t_copy_edited_(const char *dir, const char *from_rel, const char *to_rel, const char *from,
                    const char *to, const char *file, int line)
{
    char *path = t_path(dir, from_rel);
    char *text = t_read(path, NULL);
    if (text == NULL)
        _fail(file, line);
    char *edited = t_replace_(text, from, to, file, line);
    t_write(dir, to_rel, edited);
    free(path);
    free(text);
    free(edited);
}

int t_report(const char *format, FILE *out, const merit_result *res,
             const merit_report_options *opt)
{
    const merit_writer *w = merit_writer_find(format);
    if (w == NULL)
        fail_msg("no writer '%s'", format);
    merit_sink sink;
    merit_sink_init(&sink, out, false);
    w->write(&sink, res, opt);
    return merit_sink_finish(&sink, NULL);
}

size_t t_rechain_trail(const char *src, const char *dst, t_trail_edit edit, void *data)
{
    char *text = t_read(src, NULL);
    FILE *out = fopen(dst, "w");
    assert_non_null(out);
    char prev[65];
    memset(prev, '0', 64);
    prev[64] = '\0';
    size_t seq = 0, edited = 0;
    for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        json_t *rec = json_loads(l, 0, NULL);
        assert_non_null(rec);
        if (edit != NULL && edit(rec, data))
            edited++;
        json_object_set_new(rec, "seq", json_integer((json_int_t)++seq));
        json_object_set_new(rec, "prev", json_string(prev));
        char *line = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(rec);
        assert_non_null(line);
        unsigned char d[32];
        assert_int_equal(merit_sha256(line, strlen(line), d), 0);
        merit_hex(d, prev);
        fprintf(out, "%s\n", line);
        free(line);
    }
    assert_int_equal(fclose(out), 0);
    free(text);
    return edited;
}

char *t_render(merit_report_fn write, const merit_result *res, const merit_report_options *opt)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    assert_non_null(f);
    merit_sink sink;
    merit_sink_init(&sink, f, false);
    assert_int_equal(write(&sink, res, opt), 0);
    assert_int_equal(merit_sink_finish(&sink, NULL), 0);
    assert_int_equal(fclose(f), 0);
    return buf;
}
