/* Helpers shared by the fuzz harnesses: see fuzz.h. */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void fuzz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

static char *xsprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xsprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int need = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (need < 0)
        fuzz_fail("vsnprintf failed");
    char *p = malloc((size_t)need + 1);
    if (p == NULL)
        fuzz_fail("out of memory");
    va_start(ap, fmt);
    vsnprintf(p, (size_t)need + 1, fmt, ap);
    va_end(ap);
    return p;
}

static char *scratch;

static void rmtree(const char *path)
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
                char *child = xsprintf("%s/%s", path, e->d_name);
                rmtree(child);
                free(child);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

static void remove_scratch(void)
{
    if (scratch == NULL)
        return;
    rmtree(scratch);
    free(scratch);
    scratch = NULL;
}

const char *fuzz_dir(void)
{
    if (scratch != NULL)
        return scratch;
    const char *base = getenv("TMPDIR");
    if (base == NULL || base[0] == '\0')
        base = "/tmp";
    char *templ = xsprintf("%s/merit-fuzz-XXXXXX", base);
    if (mkdtemp(templ) == NULL)
        fuzz_fail("mkdtemp(%s): %s", templ, strerror(errno));
    scratch = templ;
    atexit(remove_scratch);
    return scratch;
}

char *fuzz_path(const char *rel)
{
    return xsprintf("%s/%s", fuzz_dir(), rel);
}

void fuzz_write(const char *rel, const void *bytes, size_t size)
{
    char *path = fuzz_path(rel);
    /* make the folders on the way */
    for (char *slash = strchr(path + strlen(fuzz_dir()) + 1, '/'); slash != NULL;
         slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        if (mkdir(path, 0700) != 0 && errno != EEXIST)
            fuzz_fail("mkdir(%s): %s", path, strerror(errno));
        *slash = '/';
    }
    /* a new file rather than a truncated one: ext4 flushes a file truncated
     * and rewritten to disk when it is closed, which would slow every run */
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        fuzz_fail("open(%s): %s", path, strerror(errno));
    const unsigned char *p = bytes;
    while (size > 0) {
        ssize_t n = write(fd, p, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            fuzz_fail("write(%s): %s", path, strerror(errno));
        p += n;
        size -= (size_t)n;
    }
    if (close(fd) != 0)
        fuzz_fail("close(%s): %s", path, strerror(errno));
    free(path);
}

bool fuzz_try_write(const char *rel, const void *bytes, size_t size)
{
    char *path = fuzz_path(rel);
    bool ok = true;
    for (char *slash = strchr(path + strlen(fuzz_dir()) + 1, '/'); ok && slash != NULL;
         slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        struct stat st;
        if (mkdir(path, 0700) != 0 &&
            (errno != EEXIST || stat(path, &st) != 0 || !S_ISDIR(st.st_mode)))
            ok = false;
        *slash = '/';
    }
    struct stat st;
    if (ok && lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
        ok = false;
    free(path);
    if (ok)
        fuzz_write(rel, bytes, size);
    return ok;
}

void fuzz_remove(const char *rel)
{
    char *path = fuzz_path(rel);
    rmtree(path);
    free(path);
}

unsigned char *fuzz_read(const char *path, size_t *size_out)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 4096, size = 0;
    unsigned char *buf = malloc(cap);
    while (buf != NULL) {
        size += fread(buf + size, 1, cap - size, f);
        if (size < cap)
            break;
        unsigned char *bigger = realloc(buf, cap * 2);
        if (bigger == NULL) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    bool failed = ferror(f) != 0;
    fclose(f);
    if (failed) {
        free(buf);
        return NULL;
    }
    *size_out = size;
    return buf;
}

size_t fuzz_utf8_length(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    size_t n;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4;
    else
        return 0;
    if (n > avail)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0) || (c == 0xF0 && s[1] < 0x90) ||
        (c == 0xF4 && s[1] >= 0x90))
        return 0;
    return n;
}

/* Lines as an XML parser counts them: LF, CR LF and a lone CR each end one. */
static uint32_t count_lines(const unsigned char *bytes, size_t size)
{
    uint32_t lines = 1;
    for (size_t i = 0; i < size; i++) {
        if (bytes[i] == '\n' || (bytes[i] == '\r' && (i + 1 == size || bytes[i + 1] != '\n')))
            lines++;
    }
    return lines;
}

void fuzz_print_diags(const merit_ctx *ctx)
{
    for (size_t i = 0; i < merit_ctx_diag_count(ctx); i++) {
        char *s = merit_diag_format(merit_ctx_diag(ctx, i));
        fprintf(stderr, "  %s\n", s ? s : "(out of memory)");
        free(s);
    }
}

static void broken(const merit_ctx *ctx, const char *what, const char *why, size_t index)
{
    fprintf(stderr, "fuzz: %s: broken contract: %s (diagnostic %zu); diagnostics:\n", what, why,
            index);
    fuzz_print_diags(ctx);
    abort();
}

/* The lines of a file in the scratch folder; 0 when it cannot be read (then
 * nothing is checked). One fuzz_check remembers the last file it read in
 * *cache (files change between iterations, so nothing is kept longer). */
struct lines_cache {
    char *path;
    uint32_t lines;
};

static uint32_t lines_of(const char *path, struct lines_cache *cache)
{
    if (cache->path != NULL && strcmp(cache->path, path) == 0)
        return cache->lines;
    free(cache->path);
    cache->path = NULL;
    size_t size = 0;
    unsigned char *bytes = fuzz_read(path, &size);
    if (bytes == NULL)
        return 0;
    cache->lines = count_lines(bytes, size);
    free(bytes);
    cache->path = strdup(path);
    return cache->lines;
}

static void check(const merit_ctx *ctx, int rc, const char *what, bool partial);

void fuzz_check(const merit_ctx *ctx, int rc, const char *what)
{
    check(ctx, rc, what, false);
}

void fuzz_check_partial(const merit_ctx *ctx, int rc, const char *what)
{
    check(ctx, rc, what, true);
}

static void check(const merit_ctx *ctx, int rc, const char *what, bool partial)
{
    static int verbose = -1;
    if (verbose < 0)
        verbose = getenv("MERIT_FUZZ_VERBOSE") != NULL;
    if (verbose) {
        fprintf(stderr, "fuzz: %s returned %d\n", what, rc);
        fuzz_print_diags(ctx);
    }
    size_t errors = merit_ctx_error_count(ctx);
    if (rc > 0 || rc < MERIT_EDIVERGED)
        broken(ctx, what, "returned a value that is no merit_error", (size_t)rc);
    if (rc == 0 && errors != 0 && !partial)
        broken(ctx, what, "succeeded with error diagnostics", errors);
    if (rc != 0 && rc != MERIT_ENOMEM && errors == 0)
        broken(ctx, what, "failed without an error diagnostic", 0);
    const char *dir = fuzz_dir();
    size_t dir_len = strlen(dir);
    struct lines_cache cache = {NULL, 0};
    for (size_t i = 0; i < merit_ctx_diag_count(ctx); i++) {
        const merit_diag *d = merit_ctx_diag(ctx, i);
        if (d == NULL || d->file == NULL || d->message == NULL || d->message[0] == '\0')
            broken(ctx, what, "a diagnostic without file or message", i);
        if ((unsigned)d->severity > MERIT_SEVERITY_NOTE || (unsigned)d->kind > MERIT_DIAG_DIVERGED)
            broken(ctx, what, "a diagnostic of no known severity or kind", i);
        char *s = merit_diag_format(d);
        if (s == NULL)
            fuzz_fail("%s: out of memory formatting a diagnostic", what);
        /* the line merit prints: the file name as well as the message */
        fuzz_check_shown(what, s, strlen(s), false);
        free(s);
        const unsigned char *m = (const unsigned char *)d->message;
        for (size_t k = 0, len = strlen(d->message); k < len;) {
            size_t n = fuzz_utf8_length(m + k, len - k);
            if (n == 0)
                broken(ctx, what, "a message that is not valid UTF-8", i);
            if (n == 1 && (m[k] < 0x20 || m[k] == 0x7F))
                broken(ctx, what, "a message with a control character", i);
            k += n;
        }
        if (d->line > 0 && strncmp(d->file, dir, dir_len) == 0 && d->file[dir_len] == '/') {
            uint32_t lines = lines_of(d->file, &cache);
            if (lines > 0 && d->line > lines)
                broken(ctx, what, "a line beyond the end of the file", i);
        }
    }
    free(cache.path);
}

bool fuzz_avoiding(const char *tag)
{
    const char *list = getenv("MERIT_FUZZ_AVOID");
    size_t len = strlen(tag);
    for (const char *p = list; p != NULL && *p != '\0';) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == len && strncmp(p, tag, len) == 0)
            return true;
        p = end ? end + 1 : NULL;
    }
    return false;
}

void fuzz_sink_open(struct fuzz_sink *sink)
{
    sink->buf = NULL;
    sink->size = 0;
    sink->out = open_memstream(&sink->buf, &sink->size);
    if (sink->out == NULL)
        fuzz_fail("open_memstream: %s", strerror(errno));
}

size_t fuzz_sink_close(struct fuzz_sink *sink)
{
    if (fclose(sink->out) != 0)
        fuzz_fail("closing a memory stream: %s", strerror(errno));
    size_t size = sink->size;
    free(sink->buf);
    sink->buf = NULL;
    sink->out = NULL;
    return size;
}

/* The code point of the valid n-byte UTF-8 character at s. */
static uint32_t code_point(const unsigned char *s, size_t n)
{
    if (n == 1)
        return s[0];
    if (n == 2)
        return (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3Fu);
    if (n == 3)
        return (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3Fu);
    return (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
           (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3Fu);
}

void fuzz_check_shown(const char *what, const char *text, size_t size, bool lines)
{
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0; i < size;) {
        size_t n = fuzz_utf8_length(s + i, size - i);
        const char *why = NULL;
        uint32_t cp = n ? code_point(s + i, n) : s[i];
        if (n == 0)
            why = "a byte that is not UTF-8";
        else if ((cp < 0x20 && !(lines && cp == '\n')) || cp == 0x7F)
            why = "a control character";
        else if (cp >= 0x80 && cp <= 0x9F)
            why = "a C1 control";
        else if (cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
                 (cp >= 0x2066 && cp <= 0x2069))
            why = "a bidi control";
        else if (cp == 0x2028 || cp == 0x2029)
            why = "a line separator";
        if (why != NULL) {
            size_t from = i > 60 ? i - 60 : 0;
            fprintf(stderr,
                    "fuzz: %s: %s (U+%04X / byte 0x%02X) shown unescaped at byte %zu, "
                    "after:\n",
                    what, why, (unsigned)cp, s[i], i);
            fwrite(text + from, 1, i - from, stderr);
            fputc('\n', stderr);
            abort();
        }
        i += n;
    }
}

/* merit's own numbers: -digits[.digits] or -digits/digits */
static bool merit_number(const char *c)
{
    if (c[0] != '-' || c[1] < '0' || c[1] > '9')
        return false;
    for (const char *q = c + 1; *q; q++)
        if (!((*q >= '0' && *q <= '9') || *q == '.' || *q == '/'))
            return false;
    return true;
}

void fuzz_check_csv(const char *what, const char *text, size_t size, struct fuzz_csv *out)
{
    struct fuzz_csv t = {NULL, NULL, 0};
    size_t cells = 0, cap = 0, rcap = 0;
    size_t i = 0;
    while (i < size) {
        if (t.rows + 2 > rcap) {
            rcap = rcap ? rcap * 2 : 16;
            t.row_start = realloc(t.row_start, rcap * sizeof(*t.row_start));
            if (t.row_start == NULL)
                fuzz_fail("out of memory");
        }
        t.row_start[t.rows++] = cells;
        for (;;) {
            char *cell = malloc(size - i + 1);
            if (cell == NULL)
                fuzz_fail("out of memory");
            size_t n = 0;
            if (i < size && text[i] == '"') {
                for (i++;; i++) {
                    if (i >= size)
                        fuzz_fail("%s: a quoted CSV field is not closed", what);
                    if (text[i] == '"' && i + 1 < size && text[i + 1] == '"')
                        cell[n++] = text[i++];
                    else if (text[i] == '"')
                        break;
                    else
                        cell[n++] = text[i];
                }
                i++;
            } else {
                while (i < size && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
                    if (text[i] == '"')
                        fuzz_fail("%s: a quote inside an unquoted CSV field", what);
                    cell[n++] = text[i++];
                }
            }
            cell[n] = '\0';
            if (memchr(cell, '\0', n) != NULL)
                fuzz_fail("%s: a NUL byte in a CSV field", what);
            if (cells == cap) {
                cap = cap ? cap * 2 : 64;
                t.cells = realloc(t.cells, cap * sizeof(*t.cells));
                if (t.cells == NULL)
                    fuzz_fail("out of memory");
            }
            t.cells[cells++] = cell;
            const char *p = cell + strspn(cell, " ");
            bool formula = cell[0] == '\t' || cell[0] == '\r' || cell[0] == '\n' ||
                           (*p != '\0' && strchr("=+-@", *p) != NULL);
            if (formula && !merit_number(cell))
                fuzz_fail("%s: CSV record %zu has a cell a spreadsheet would run: '%s'", what,
                          t.rows, cell);
            if (i < size && text[i] == ',') {
                i++;
                continue;
            }
            if (i + 1 >= size || text[i] != '\r' || text[i + 1] != '\n')
                fuzz_fail("%s: CSV record %zu does not end with CRLF", what, t.rows);
            i += 2;
            break;
        }
    }
    if (t.row_start == NULL && (t.row_start = malloc(sizeof(*t.row_start))) == NULL)
        fuzz_fail("out of memory");
    t.row_start[t.rows] = cells;
    *out = t;
}

void fuzz_csv_free(struct fuzz_csv *csv)
{
    for (size_t i = 0; csv->row_start != NULL && i < csv->row_start[csv->rows]; i++)
        free(csv->cells[i]);
    free(csv->cells);
    free(csv->row_start);
}

const char *fuzz_csv_cell(const struct fuzz_csv *csv, size_t row, size_t column)
{
    if (row >= csv->rows || csv->row_start[row] + column >= csv->row_start[row + 1])
        return NULL;
    return csv->cells[csv->row_start[row] + column];
}
