/*
 * The bad-input corpus: every folder tests/cases/<name>/ is one case, run
 * through the merit binary. A case holds its input files and
 *
 *   args             merit's arguments, one per line ("validate", "input.xml");
 *                    paths are relative to the case folder, the working
 *                    directory of the run
 *   expected-stderr  the exact bytes merit must write on standard error
 *   expected-exit    the exit status, a number
 *   expected-stdout  (optional) the exact bytes on standard output
 *   secret.txt       (optional) its first line must appear in neither output
 *   generate         (optional) the name of a generator below: the case is
 *                    copied to a scratch folder and the generator writes the
 *                    inputs too large to keep in the repository
 *   FIXME            (optional) a known engine bug: the case is skipped and
 *                    the file's text printed
 *
 * Each run must leave every input byte-identical, and add or remove nothing.
 * With MERIT_UPDATE_CASES=1 in the environment the expected-stderr and
 * expected-exit files are rewritten from the run instead of compared: read
 * every changed message critically before keeping it.
 */
#include "support.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MERIT_BINARY
#error "MERIT_BINARY must name the merit executable (tests/CMakeLists.txt)"
#endif
#ifndef MERIT_CASES_DIR
#error "MERIT_CASES_DIR must name tests/cases (tests/CMakeLists.txt)"
#endif

#define RUN_TIMEOUT_SECONDS 60

/* --- growing buffers ---------------------------------------------------------- */

struct buf {
    char *data;
    size_t len;
    size_t cap;
};

static void buf_add(struct buf *b, const void *bytes, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (b->len + n + 1 > cap)
            cap *= 2;
        b->data = realloc(b->data, cap);
        assert_non_null(b->data);
        b->cap = cap;
    }
    memcpy(b->data + b->len, bytes, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void buf_str(struct buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

/* --- snapshots of a folder -------------------------------------------------- */

struct entry {
    char *rel;
    char *bytes; /* NULL for a folder */
    size_t size;
};

struct snapshot {
    struct entry *items;
    size_t count;
    size_t cap;
};

static int compare_entries(const void *a, const void *b)
{
    return strcmp(((const struct entry *)a)->rel, ((const struct entry *)b)->rel);
}

static void snapshot_walk(struct snapshot *s, const char *root, const char *rel)
{
    char *dir = rel[0] ? t_path(root, rel) : strdup(root);
    assert_non_null(dir);
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *child_rel = rel[0] ? t_path(rel, e->d_name) : strdup(e->d_name);
        assert_non_null(child_rel);
        char *child = t_path(root, child_rel);
        struct stat st;
        assert_int_equal(lstat(child, &st), 0);
        if (s->count == s->cap) {
            s->cap = s->cap ? s->cap * 2 : 32;
            s->items = realloc(s->items, s->cap * sizeof(*s->items));
            assert_non_null(s->items);
        }
        struct entry *it = &s->items[s->count++];
        it->rel = child_rel;
        it->bytes = NULL;
        it->size = 0;
        if (S_ISDIR(st.st_mode)) {
            snapshot_walk(s, root, child_rel);
        } else if (S_ISLNK(st.st_mode)) {
            /* a link is compared by where it points (it may dangle) */
            char target[4096];
            ssize_t n = readlink(child, target, sizeof(target) - 1);
            assert_true(n >= 0);
            it = &s->items[s->count - 1];
            it->bytes = strndup(target, (size_t)n);
            it->size = (size_t)n;
        } else {
            it = &s->items[s->count - 1]; /* the walk above may move items */
            it->bytes = t_read(child, &it->size);
            assert_non_null(it->bytes);
        }
        free(child);
    }
    closedir(d);
    free(dir);
}

static struct snapshot snapshot_take(const char *root)
{
    struct snapshot s = {NULL, 0, 0};
    snapshot_walk(&s, root, "");
    if (s.count > 1)
        qsort(s.items, s.count, sizeof(*s.items), compare_entries);
    return s;
}

static void snapshot_free(struct snapshot *s)
{
    for (size_t i = 0; i < s->count; i++) {
        free(s->items[i].rel);
        free(s->items[i].bytes);
    }
    free(s->items);
}

/* Describes every difference into out; returns true when there is none. */
static bool snapshot_same(const struct snapshot *a, const struct snapshot *b, struct buf *out)
{
    bool same = true;
    size_t i = 0, k = 0;
    char line[1024];
    while (i < a->count || k < b->count) {
        int cmp = i == a->count ? 1 : k == b->count ? -1 : strcmp(a->items[i].rel, b->items[k].rel);
        if (cmp < 0) {
            snprintf(line, sizeof(line), "    removed: %s\n", a->items[i++].rel);
        } else if (cmp > 0) {
            snprintf(line, sizeof(line), "    created: %s\n", b->items[k++].rel);
        } else {
            const struct entry *x = &a->items[i++], *y = &b->items[k++];
            bool equal = (x->bytes == NULL) == (y->bytes == NULL) && x->size == y->size &&
                         (x->bytes == NULL || memcmp(x->bytes, y->bytes, x->size) == 0);
            if (equal)
                continue;
            snprintf(line, sizeof(line), "    modified: %s\n", x->rel);
        }
        same = false;
        buf_str(out, line);
    }
    return same;
}

/* --- a line diff for messages ------------------------------------------------- */

struct lines {
    const char **at;
    size_t *len;
    size_t count;
};

static struct lines split_lines(const char *text, size_t size)
{
    struct lines l = {NULL, NULL, 0};
    size_t cap = 0;
    size_t start = 0;
    for (size_t i = 0; i <= size; i++) {
        if (i == size && start == size)
            break;
        if (i == size || text[i] == '\n') {
            if (l.count == cap) {
                cap = cap ? cap * 2 : 16;
                l.at = realloc(l.at, cap * sizeof(*l.at));
                l.len = realloc(l.len, cap * sizeof(*l.len));
                assert_true(l.at != NULL && l.len != NULL);
            }
            l.at[l.count] = text + start;
            l.len[l.count] = i - start + (i < size ? 1 : 0); /* keep the newline */
            l.count++;
            start = i + 1;
        }
    }
    return l;
}

static bool same_line(const struct lines *a, size_t i, const struct lines *b, size_t k)
{
    return a->len[i] == b->len[k] && memcmp(a->at[i], b->at[k], a->len[i]) == 0;
}

static void diff_line(struct buf *out, char mark, const char *text, size_t len)
{
    char prefix[4] = {' ', ' ', mark, ' '};
    buf_add(out, prefix, 4);
    bool newline = len > 0 && text[len - 1] == '\n';
    /* a line of a megabyte helps nobody: show its ends */
    if (len > 400) {
        buf_add(out, text, 200);
        buf_str(out, " [...] ");
        buf_add(out, text + len - 200, 200 - (newline ? 1 : 0));
    } else {
        buf_add(out, text, len - (newline ? 1 : 0));
    }
    buf_str(out, newline ? "\n" : "  (no newline at end)\n");
}

/* A longest-common-subsequence diff, "-" expected, "+" actual. */
static void diff(struct buf *out, const char *want, size_t want_size, const char *got,
                 size_t got_size)
{
    struct lines a = split_lines(want, want_size);
    struct lines b = split_lines(got, got_size);
    size_t n = a.count, m = b.count;
    size_t *lcs = calloc((n + 1) * (m + 1), sizeof(*lcs));
    assert_non_null(lcs);
#define L(i, k) lcs[(i) * (m + 1) + (k)]
    for (size_t i = n; i-- > 0;)
        for (size_t k = m; k-- > 0;)
            L(i, k) = same_line(&a, i, &b, k)      ? L(i + 1, k + 1) + 1
                      : L(i + 1, k) >= L(i, k + 1) ? L(i + 1, k)
                                                   : L(i, k + 1);
    size_t i = 0, k = 0;
    while (i < n || k < m) {
        if (i < n && k < m && same_line(&a, i, &b, k)) {
            diff_line(out, ' ', a.at[i], a.len[i]);
            i++;
            k++;
        } else if (i < n && (k == m || L(i + 1, k) >= L(i, k + 1))) {
            diff_line(out, '-', a.at[i], a.len[i]);
            i++;
        } else {
            diff_line(out, '+', b.at[k], b.len[k]);
            k++;
        }
    }
#undef L
    free(lcs);
    free(a.at);
    free(a.len);
    free(b.at);
    free(b.len);
}

/* --- generators for inputs too large to commit ------------------------------- */

/* A valid proposal but for its id attribute, 1 MiB of "A": far beyond the
 * id pattern's 64 characters, and a test of how the long value is quoted
 * back. */
static void generate_huge_attribute(const char *dir)
{
    const size_t n = 1024 * 1024;
    struct buf b = {NULL, 0, 0};
    buf_str(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<proposal xmlns=\"urn:merit:1\" id=\"");
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, 'A', n);
    buf_add(&b, big, n);
    free(big);
    buf_str(&b, "\" call=\"C1\" months=\"12\">\n"
                "  <title>A proposal with a huge id</title>\n"
                "  <area>Testing</area>\n"
                "  <team>\n"
                "    <organisation id=\"lead\" lead=\"true\" type=\"sme\" employees=\"40\" "
                "location=\"DE\" supply-chain=\"end-user\"><name>Lead</name></organisation>\n"
                "  </team>\n"
                "  <sections><problem>P.</problem><approach>A.</approach><milestones/>"
                "<management>M.</management><diffusion>D.</diffusion>"
                "<sme-involvement>S.</sme-involvement></sections>\n"
                "  <budget>\n"
                "    <year number=\"1\" federal=\"1000\" cash=\"0\" in-kind=\"0\"/>\n"
                "    <total federal=\"1000\" cash=\"0\" in-kind=\"0\"/>\n"
                "  </budget>\n"
                "</proposal>\n");
    t_write_bytes(dir, "huge.xml", b.data, b.len);
    free(b.data);
}

/* A small valid proposal with `before` inserted in its root's start tag and
 * `inside` as the text of its problem section. */
static void write_proposal(const char *dir, const char *name, const struct buf *before,
                           const struct buf *inside)
{
    struct buf b = {NULL, 0, 0};
    buf_str(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<proposal xmlns=\"urn:merit:1\" ");
    if (before != NULL)
        buf_add(&b, before->data, before->len);
    buf_str(&b, "id=\"P01\" call=\"C1\" months=\"12\">\n"
                "  <title>A proposal at libxml2's limits</title>\n"
                "  <area>Testing</area>\n"
                "  <team>\n"
                "    <organisation id=\"lead\" lead=\"true\" type=\"sme\" employees=\"40\" "
                "location=\"DE\" supply-chain=\"end-user\"><name>Lead</name></organisation>\n"
                "  </team>\n"
                "  <sections>\n"
                "    <problem>");
    if (inside != NULL)
        buf_add(&b, inside->data, inside->len);
    buf_str(&b, "</problem>\n"
                "    <approach>A.</approach><milestones/><management>M.</management>"
                "<diffusion>D.</diffusion><sme-involvement>S.</sme-involvement>\n"
                "  </sections>\n"
                "  <budget>\n"
                "    <year number=\"1\" federal=\"1000\" cash=\"0\" in-kind=\"0\"/>\n"
                "    <total federal=\"1000\" cash=\"0\" in-kind=\"0\"/>\n"
                "  </budget>\n"
                "</proposal>\n");
    t_write_bytes(dir, name, b.data, b.len);
    free(b.data);
}

/* open, n bytes of c, close */
static struct buf run_of(const char *open, char c, size_t n, const char *close)
{
    struct buf b = {NULL, 0, 0};
    buf_str(&b, open);
    char *run = malloc(n);
    assert_non_null(run);
    memset(run, c, n);
    buf_add(&b, run, n);
    free(run);
    buf_str(&b, close);
    return b;
}

/* Files past libxml2's limits (10,000,000 bytes of text, or of a construct
 * the parser holds whole; 50,000 bytes of name): the 10 MiB
 * section, and each construct one byte past the limit. Each must be the
 * file's own limit error at the construct's start (before: "out of
 * memory" with no file, or "internal error: Huge input lookup"). */
static void generate_parser_limits(const char *dir)
{
    struct buf text = run_of("", 'x', 10u * 1024 * 1024, "");
    write_proposal(dir, "text.xml", NULL, &text);
    free(text.data);
    struct buf comment = run_of("<!--", 'c', 10000001, "-->");
    write_proposal(dir, "comment.xml", NULL, &comment);
    free(comment.data);
    struct buf pi = run_of("<?note ", 'p', 10000001, "?>");
    write_proposal(dir, "pi.xml", NULL, &pi);
    free(pi.data);
    struct buf cdata = run_of("<![CDATA[", 'd', 10000001, "]]>");
    write_proposal(dir, "cdata.xml", NULL, &cdata);
    free(cdata.data);
    struct buf value = run_of("note=\"", 'v', 10000001, "\" ");
    write_proposal(dir, "attribute.xml", &value, NULL);
    free(value.data);
    struct buf name = run_of("n", 'n', 50000, "=\"1\" ");
    write_proposal(dir, "name.xml", &name, NULL);
    free(name.data);
}

/* File names git should not be asked to hold: a proposal for another call,
 * so that merit names the file in a diagnostic, under a name holding what a
 * terminal acts on. */
static const char other_call_proposal[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<proposal xmlns=\"urn:merit:1\" id=\"P02\" call=\"C9\" months=\"12\">\n"
    "  <title>Proposal P02</title>\n"
    "  <area>Testing</area>\n"
    "  <team>\n"
    "    <organisation id=\"lead\" lead=\"true\" type=\"sme\" employees=\"40\" "
    "location=\"DE\" supply-chain=\"end-user\"><name>Lead</name></organisation>\n"
    "  </team>\n"
    "  <sections><problem>P.</problem><approach>A.</approach><milestones/>"
    "<management>M.</management><diffusion>D.</diffusion>"
    "<sme-involvement>S.</sme-involvement></sections>\n"
    "  <budget>\n"
    "    <year number=\"1\" federal=\"1000\" cash=\"0\" in-kind=\"0\"/>\n"
    "    <total federal=\"1000\" cash=\"0\" in-kind=\"0\"/>\n"
    "  </budget>\n"
    "</proposal>\n";

/* ESC sequences: an OSC that sets the window title, a CSI that clears the
 * screen */
static void generate_name_with_escape(const char *dir)
{
    t_write(dir, "call/proposals/P02\x1b]0;pwned\x07\x1b[2J.xml", other_call_proposal);
}

/* A newline that would start a forged diagnostic of its own */
static void generate_name_with_newline(const char *dir)
{
    t_write(dir, "call/proposals/P02\ncall.xml:1:1: error: FORGED LINE\nx.xml",
            other_call_proposal);
}

/* An unclosed right-to-left override, a C1 CSI (U+009B) and a byte that is
 * not UTF-8 in the name of a bad proposal; and a valid proposal, named with
 * an override, validated on its own (its name is on standard output) */
static void generate_name_with_bidi(const char *dir)
{
    t_write(dir, "call/proposals/P02\xe2\x80\xae\xc2\x9b.xml", other_call_proposal);
    /* a name that is not UTF-8 at all is refused, unread */
    t_write(dir, "call/proposals/P03\xff.xml", other_call_proposal);
    char *path = t_path(dir, "call/proposals/P01.xml");
    size_t size = 0;
    char *good = t_read(path, &size);
    assert_non_null(good);
    t_write_bytes(dir, "good-\xe2\x80\xaelmx.xml", good, size);
    free(good);
    free(path);
}

/* A panel of 10,001 reviewers, one more than the 'reviewers' limit's
 * default: the limit, not the schema, bounds it (R1 has the only sheet). */
static void generate_large_panel(const char *dir)
{
    struct buf b = {NULL, 0, 0};
    buf_str(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<call xmlns=\"urn:merit:1\" id=\"C1\" currency=\"EUR\">\n"
                "  <title>A large panel</title>\n"
                "  <budget available=\"500000\"/>\n"
                "  <rubric name=\"horizon-europe\"/>\n"
                "  <panel>\n");
    for (unsigned i = 1; i <= 10001; i++) {
        char line[96];
        snprintf(line, sizeof(line),
                 "    <reviewer id=\"R%u\"><name>Reviewer %u</name></reviewer>\n", i, i);
        buf_str(&b, line);
    }
    buf_str(&b, "  </panel>\n</call>\n");
    t_write_bytes(dir, "call/call.xml", b.data, b.len);
    free(b.data);
}

static const struct {
    const char *name;
    void (*run)(const char *dir);
} generators[] = {
    {"large-panel", generate_large_panel},
    {"huge-attribute", generate_huge_attribute},
    {"parser-limits", generate_parser_limits},
    {"name-with-escape", generate_name_with_escape},
    {"name-with-newline", generate_name_with_newline},
    {"name-with-bidi", generate_name_with_bidi},
};

static void copy_tree(const char *from, const char *to)
{
    struct snapshot s = snapshot_take(from);
    for (size_t i = 0; i < s.count; i++) {
        if (s.items[i].bytes == NULL)
            t_mkdirs(to, s.items[i].rel);
        else
            t_write_bytes(to, s.items[i].rel, s.items[i].bytes, s.items[i].size);
    }
    snapshot_free(&s);
}

/* --- running merit ------------------------------------------------------------ */

struct run {
    struct buf out;
    struct buf err;
    int status; /* exit status, or 128 + signal */
};

static void run_merit(const char *dir, char **args, size_t argc, struct run *r)
{
    int out_pipe[2], err_pipe[2];
    assert_int_equal(pipe(out_pipe), 0);
    assert_int_equal(pipe(err_pipe), 0);
    char **argv = calloc(argc + 2, sizeof(*argv));
    assert_non_null(argv);
    static char arg0[] = "merit";
    argv[0] = arg0;
    for (size_t i = 0; i < argc; i++)
        argv[i + 1] = args[i];
    /* a small, fixed environment; sanitizer settings pass through */
    static const char *const pass[] = {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"};
    static char lc_all[] = "LC_ALL=C";
    static char no_color[] = "NO_COLOR=1";
    char *envp[8];
    size_t ne = 0;
    envp[ne++] = lc_all;
    envp[ne++] = no_color;
    char *owned[3] = {NULL, NULL, NULL};
    for (size_t i = 0; i < 3; i++) {
        const char *v = getenv(pass[i]);
        if (v != NULL) {
            size_t size = strlen(pass[i]) + strlen(v) + 2;
            owned[i] = malloc(size);
            assert_non_null(owned[i]);
            snprintf(owned[i], size, "%s=%s", pass[i], v);
            envp[ne++] = owned[i];
        }
    }
    envp[ne] = NULL;

    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (chdir(dir) != 0)
            _exit(126);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(out_pipe[1], 1) < 0 ||
            dup2(err_pipe[1], 2) < 0)
            _exit(126);
        close(out_pipe[0]);
        close(err_pipe[0]);
        execve(MERIT_BINARY, argv, envp);
        _exit(127);
    }
    close(out_pipe[1]);
    close(err_pipe[1]);
    struct pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    struct buf *bufs[2] = {&r->out, &r->err};
    int open_fds = 2;
    time_t deadline = time(NULL) + RUN_TIMEOUT_SECONDS;
    bool timed_out = false;
    while (open_fds > 0) {
        int left = (int)(deadline - time(NULL));
        if (left <= 0) {
            timed_out = true;
            break;
        }
        int n = poll(fds, 2, left * 1000);
        if (n < 0 && errno == EINTR)
            continue;
        assert_true(n >= 0);
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || fds[i].revents == 0)
                continue;
            char chunk[65536];
            ssize_t got = read(fds[i].fd, chunk, sizeof(chunk));
            if (got > 0) {
                buf_add(bufs[i], chunk, (size_t)got);
            } else if (got == 0 || errno != EINTR) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            }
        }
    }
    if (timed_out)
        kill(pid, SIGKILL);
    for (int i = 0; i < 2; i++)
        if (fds[i].fd >= 0)
            close(fds[i].fd);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        assert_int_equal(errno, EINTR);
    r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    for (size_t i = 0; i < 3; i++)
        free(owned[i]);
    free(argv);
    if (r->out.data == NULL)
        buf_add(&r->out, "", 0);
    if (r->err.data == NULL)
        buf_add(&r->err, "", 0);
    if (timed_out) {
        print_error("merit did not finish within %d seconds\n", RUN_TIMEOUT_SECONDS);
        fail();
    }
}

/* --- one case ----------------------------------------------------------------- */

static char *case_file(const char *case_dir, const char *name, size_t *size)
{
    char *path = t_path(case_dir, name);
    char *text = t_read(path, size);
    free(path);
    return text;
}

static void run_case(void **state)
{
    const char *name = *state;
    char *case_dir = t_path(MERIT_CASES_DIR, name);

    char *fixme = case_file(case_dir, "FIXME", NULL);
    if (fixme != NULL) {
        print_message("case %s is disabled: %s", name, fixme);
        free(fixme);
        free(case_dir);
        skip();
    }

    size_t args_size = 0;
    char *args_text = case_file(case_dir, "args", &args_size);
    if (args_text == NULL) {
        print_error("case %s has no args file\n", name);
        fail();
        return;
    }
    char *args[64];
    size_t argc = 0;
    for (char *p = args_text; *p && argc < 64;) {
        char *nl = strchr(p, '\n');
        if (nl != NULL)
            *nl = '\0';
        args[argc++] = p;
        if (nl == NULL)
            break;
        p = nl + 1;
    }

    bool update =
        getenv("MERIT_UPDATE_CASES") != NULL && strcmp(getenv("MERIT_UPDATE_CASES"), "1") == 0;
    size_t want_err_size = 0, want_out_size = 0;
    char *want_err = case_file(case_dir, "expected-stderr", &want_err_size);
    char *want_out = case_file(case_dir, "expected-stdout", &want_out_size);
    char *want_exit_text = case_file(case_dir, "expected-exit", NULL);
    if (!update && (want_err == NULL || want_exit_text == NULL)) {
        print_error("case %s needs expected-stderr and expected-exit\n", name);
        fail();
        return;
    }
    int want_exit = -1;
    if (want_exit_text != NULL) {
        char *end = NULL;
        errno = 0;
        long v = strtol(want_exit_text, &end, 10);
        if (errno != 0 || end == want_exit_text || (*end != '\0' && *end != '\n') || v < 0 ||
            v > 255) {
            print_error("case %s: expected-exit is not an exit status\n", name);
            fail();
            return;
        }
        want_exit = (int)v;
    }

    /* where to run: the case folder itself, or a generated copy */
    char *work = NULL;
    char *generate = case_file(case_dir, "generate", NULL);
    if (generate != NULL) {
        generate[strcspn(generate, "\r\n")] = '\0';
        work = t_tempdir();
        copy_tree(case_dir, work);
        size_t g = 0;
        while (g < sizeof(generators) / sizeof(generators[0]) &&
               strcmp(generators[g].name, generate) != 0)
            g++;
        if (g == sizeof(generators) / sizeof(generators[0])) {
            print_error("case %s: no generator named '%s'\n", name, generate);
            fail();
            return;
        }
        generators[g].run(work);
    } else {
        work = strdup(case_dir);
        assert_non_null(work);
    }

    struct snapshot before = snapshot_take(work);
    struct run r;
    memset(&r, 0, sizeof(r));
    run_merit(work, args, argc, &r);
    struct snapshot after = snapshot_take(work);

    struct buf report = {NULL, 0, 0};
    bool ok = true;
    char line[512];
    if (update) {
        t_write(case_dir, "expected-stderr", r.err.data);
        snprintf(line, sizeof(line), "%d\n", r.status);
        t_write(case_dir, "expected-exit", line);
        /* standard output is compared only where a case has it */
        if (want_out != NULL)
            t_write(case_dir, "expected-stdout", r.out.data);
        print_message("case %s: expected-stderr and expected-exit rewritten\n", name);
    } else {
        if (r.status != want_exit) {
            snprintf(line, sizeof(line), "  exit status %d, expected %d\n", r.status, want_exit);
            buf_str(&report, line);
            ok = false;
        }
        if (r.err.len != want_err_size || memcmp(r.err.data, want_err, want_err_size) != 0) {
            buf_str(&report, "  standard error differs (- expected, + actual):\n");
            diff(&report, want_err, want_err_size, r.err.data, r.err.len);
            ok = false;
        }
        if (want_out != NULL &&
            (r.out.len != want_out_size || memcmp(r.out.data, want_out, want_out_size) != 0)) {
            buf_str(&report, "  standard output differs (- expected, + actual):\n");
            diff(&report, want_out, want_out_size, r.out.data, r.out.len);
            ok = false;
        }
    }
    char *secret = case_file(case_dir, "secret.txt", NULL);
    if (secret != NULL) {
        secret[strcspn(secret, "\r\n")] = '\0';
        assert_true(strlen(secret) >= 8); /* a marker, not a common word */
        if (strstr(r.out.data, secret) != NULL || strstr(r.err.data, secret) != NULL) {
            buf_str(&report, "  the content of secret.txt appeared in merit's output\n");
            ok = false;
        }
    }
    if (!snapshot_same(&before, &after, &report)) {
        buf_str(&report, "  the run changed its inputs (above)\n");
        ok = false;
    }
    if (!ok) {
        struct buf cmd = {NULL, 0, 0};
        buf_str(&cmd, MERIT_BINARY);
        for (size_t i = 0; i < argc; i++) {
            buf_str(&cmd, " ");
            buf_str(&cmd, args[i]);
        }
        print_error("case %s (cd %s && %s):\n%s", name, work, cmd.data, report.data);
        free(cmd.data);
    }

    snapshot_free(&before);
    snapshot_free(&after);
    if (generate != NULL)
        t_rmtree(work);
    free(generate);
    free(work);
    free(secret);
    free(report.data);
    free(r.out.data);
    free(r.err.data);
    free(want_err);
    free(want_out);
    free(want_exit_text);
    free(args_text);
    free(case_dir);
    if (!ok)
        fail();
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
    DIR *d = opendir(MERIT_CASES_DIR);
    if (d == NULL) {
        fprintf(stderr, "cannot open %s: %s\n", MERIT_CASES_DIR, strerror(errno));
        return 1;
    }
    char **names = NULL;
    size_t count = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", MERIT_CASES_DIR, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 32;
            names = realloc(names, cap * sizeof(*names));
            if (names == NULL)
                return 1;
        }
        names[count] = strdup(e->d_name);
        if (names[count] == NULL)
            return 1;
        count++;
    }
    closedir(d);
    if (count == 0) {
        fprintf(stderr, "no cases in %s\n", MERIT_CASES_DIR);
        return 1;
    }
    qsort(names, count, sizeof(*names), compare_names);
    struct CMUnitTest *tests = calloc(count, sizeof(*tests));
    if (tests == NULL)
        return 1;
    for (size_t i = 0; i < count; i++) {
        tests[i].name = names[i];
        tests[i].test_func = run_case;
        tests[i].initial_state = names[i];
    }
    int failed = _cmocka_run_group_tests("cli_cases", tests, count, NULL, NULL);
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
    free(tests);
    return failed;
}
