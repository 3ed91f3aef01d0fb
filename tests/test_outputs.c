/*
 * What merit writes: never over an input of the run or another output of
 * it, never a half-written file (not even after SIGINT or SIGTERM), never
 * a silent success when standard output cannot take the report, permissions
 * from the umask, and a report and trail of the same run together when two
 * runs write the same files. Everything runs through the merit binary.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

#ifndef MERIT_BINARY
#error "MERIT_BINARY must name the merit executable (tests/CMakeLists.txt)"
#endif

/* Where a run's standard output goes. */
enum out_kind { OUT_NULL, OUT_FILE, OUT_APPEND, OUT_CLOSED, OUT_FULL };

struct run {
    enum out_kind out;
    const char *out_path; /* OUT_FILE, OUT_APPEND */
    mode_t umask;         /* 0: 022 */
    char *err;            /* standard error, after t_run; owned */
};

/* Starts merit with argv (NULL-terminated, without the program name) in
 * the current folder (merit-gen for a first argument "gen"); standard error goes to a file read
 * back by finish(). */
static pid_t start(struct run *r, const char *const *args)
{
    const char *argv[64];
    size_t argc = 0;
    const char *binary = MERIT_BINARY;
    argv[argc++] = "merit";
    if (args[0] != NULL && strcmp(args[0], "gen") == 0) { /* merit-gen ARGS */
        binary = MERIT_GEN_BINARY;
        argv[0] = "merit-gen";
        args++;
    }
    while (args[argc - 1] != NULL && argc < 63) {
        argv[argc] = args[argc - 1];
        argc++;
    }
    argv[argc] = NULL;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        umask(r->umask ? r->umask : 022);
        int errfd = open("stderr.txt", O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (errfd < 0 || dup2(errfd, 2) < 0)
            _exit(126);
        close(errfd);
        int out = -1;
        switch (r->out) {
        case OUT_NULL:
            out = open("/dev/null", O_WRONLY);
            break;
        case OUT_FILE:
            out = open(r->out_path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
            break;
        case OUT_APPEND:
            out = open(r->out_path, O_WRONLY | O_APPEND);
            break;
        case OUT_FULL:
            out = open("/dev/full", O_WRONLY);
            break;
        case OUT_CLOSED:
            close(1);
            break;
        }
        if (r->out != OUT_CLOSED && (out < 0 || dup2(out, 1) < 0))
            _exit(126);
        if (out > 2)
            close(out);
        execv(binary, (char *const *)(uintptr_t)argv);
        _exit(127);
    }
    return pid;
}

/* Waits for the run; returns its exit status (the test fails if a signal
 * ended it) and reads standard error into r->err. */
static int finish(struct run *r, pid_t pid)
{
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    free(r->err);
    r->err = t_read("stderr.txt", NULL);
    assert_non_null(r->err);
    unlink("stderr.txt");
    if (!WIFEXITED(status))
        fail_msg("merit ended by signal %d; stderr:\n%s", WTERMSIG(status), r->err);
    return WEXITSTATUS(status);
}

#define RUN(r, ...) finish((r), start((r), (const char *const[]){__VA_ARGS__, NULL}))

/* --- snapshots of a folder -------------------------------------------------- */

/* Every file under dir as "relpath sha256" lines, sorted; links as
 * "relpath -> target". Catches a changed input and a file left behind. */
static void snapshot_into(const char *dir, const char *rel, char ***lines, size_t *n)
{
    char *path = rel[0] ? t_path(dir, rel) : t_sprintf("%s", dir);
    DIR *d = opendir(path);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *child_rel = rel[0] ? t_sprintf("%s/%s", rel, e->d_name) : t_sprintf("%s", e->d_name);
        char *child = t_path(dir, child_rel);
        struct stat st;
        assert_int_equal(lstat(child, &st), 0);
        char *line;
        if (S_ISDIR(st.st_mode)) {
            snapshot_into(dir, child_rel, lines, n);
            line = NULL;
        } else if (S_ISLNK(st.st_mode)) {
            char target[4096];
            ssize_t len = readlink(child, target, sizeof(target) - 1);
            assert_true(len >= 0);
            target[len] = '\0';
            line = t_sprintf("%s -> %s", child_rel, target);
        } else {
            size_t size;
            char *bytes = t_read(child, &size);
            assert_non_null(bytes);
            unsigned char digest[32];
            char hex[65];
            assert_int_equal(merit_sha256(bytes, size, digest), 0);
            merit_hex(digest, hex);
            free(bytes);
            line = t_sprintf("%s %s %o", child_rel, hex, (unsigned)(st.st_mode & 07777));
        }
        if (line != NULL) {
            *lines = realloc(*lines, (*n + 1) * sizeof(**lines));
            assert_non_null(*lines);
            (*lines)[(*n)++] = line;
        }
        free(child);
        free(child_rel);
    }
    closedir(d);
    free(path);
}

static int compare_lines(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *snapshot(const char *dir)
{
    char **lines = NULL;
    size_t n = 0;
    snapshot_into(dir, "", &lines, &n);
    qsort(lines, n, sizeof(*lines), compare_lines);
    size_t total = 1;
    for (size_t i = 0; i < n; i++)
        total += strlen(lines[i]) + 1;
    char *all = calloc(total, 1);
    assert_non_null(all);
    for (size_t i = 0; i < n; i++) {
        strcat(all, lines[i]);
        strcat(all, "\n");
        free(lines[i]);
    }
    free(lines);
    return all;
}

/* --- a scratch folder with a call in it --------------------------------------- */

struct scratch {
    char *dir; /* the working directory of the test; the call is dir/call */
    char *previous;
};

static int scratch_setup(void **state)
{
    struct scratch *s = calloc(1, sizeof(*s));
    assert_non_null(s);
    s->dir = t_tempdir();
    s->previous = getcwd(NULL, 0);
    char cmd[2048];
    snprintf(cmd, sizeof(cmd), "cp -r '%s/proposals/mfg-2026' '%s/call'", MERIT_SOURCE_DIR, s->dir);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(chdir(s->dir), 0);
    *state = s;
    return 0;
}

static int scratch_teardown(void **state)
{
    struct scratch *s = *state;
    assert_int_equal(chdir(s->previous), 0);
    t_rmtree(s->dir);
    free(s->dir);
    free(s->previous);
    free(s);
    return 0;
}

/* Runs merit with args and checks: exit 2, stderr exactly `want`, and the
 * scratch folder (the call and everything beside it) as it was. */
static void expect_refused(const char *want, const char *const *args)
{
    char *before = snapshot(".");
    struct run r = {.out = OUT_NULL};
    int code = finish(&r, start(&r, args));
    char *after = snapshot(".");
    assert_string_equal(r.err, want);
    assert_int_equal(code, 2);
    assert_string_equal(after, before);
    free(before);
    free(after);
    free(r.err);
}

#define REFUSED(want, ...) expect_refused(want, (const char *const[]){__VA_ARGS__, NULL})

/* Issue 10, item 1: each output the issue names, refused before anything is
 * written; the inputs and the folder stay as they were. */
static void test_output_over_an_input_is_refused(void **state)
{
    (void)state;
    REFUSED("merit: error: rank: the report file 'call/proposals/P01.xml' is an input of this "
            "run; merit never writes over its inputs\n",
            "rank", "call", "-o", "call/proposals/P01.xml");
    REFUSED("merit: error: rank: the report file 'call/call.xml' is an input of this run; merit "
            "never writes over its inputs\n",
            "rank", "call", "--format", "json", "-o", "call/call.xml");
    REFUSED("merit: error: rank: the audit trail 'call/reviews/r1.xml' is an input of this run; "
            "merit never writes over its inputs\n",
            "rank", "call", "--audit", "call/reviews/r1.xml");
    REFUSED("merit: error: explain: the audit trail 'call/proposals/P02.xml' is an input of this "
            "run; merit never writes over its inputs\n",
            "explain", "call", "P01", "--audit", "call/proposals/P02.xml");
    /* the same file by another name: the path as given, the input as read */
    REFUSED("merit: error: rank: the report file 'call/reviews/../call.xml' is an input of this "
            "run ('call/call.xml'); merit never writes over its inputs\n",
            "rank", "call", "-o", "call/reviews/../call.xml");
    assert_int_equal(symlink("call/proposals/P04.xml", "soft"), 0);
    assert_int_equal(link("call/reviews/r2.xml", "hard"), 0);
    REFUSED("merit: error: rank: the report file 'soft' is an input of this run "
            "('call/proposals/P04.xml'); merit never writes over its inputs\n",
            "rank", "call", "-o", "soft");
    REFUSED("merit: error: rank: the audit trail 'hard' is an input of this run "
            "('call/reviews/r2.xml'); merit never writes over its inputs\n",
            "rank", "call", "-o", "report.txt", "--audit", "hard");
}

static void test_two_outputs_in_one_file_are_refused(void **state)
{
    (void)state;
    REFUSED("merit: error: rank: the report file 'x' and the audit trail 'x' are the same file; "
            "give each its own\n",
            "rank", "call", "-o", "x", "--audit", "x");
    /* an existing file under two names */
    t_write(".", "y", "old report\n");
    assert_int_equal(symlink("y", "y-link"), 0);
    REFUSED("merit: error: rank: the report file 'y' and the audit trail './y-link' are the same "
            "file; give each its own\n",
            "rank", "call", "-o", "y", "--audit", "./y-link");
    REFUSED("merit: error: rank: the report file 'call/../y' and the audit trail 'y' are the "
            "same file; give each its own\n",
            "rank", "call", "--format", "csv", "-o", "call/../y", "--audit", "y");
}

/* A new .xml file in proposals/ or reviews/ is not an input yet, but would
 * be read as one by the next run, and replay would call it an extra file. */
static void test_output_that_would_become_an_input_is_refused(void **state)
{
    (void)state;
    REFUSED("merit: error: rank: the report file 'call/proposals/ranking.xml' would be read as an "
            "input of this call the next time (a .xml file in its proposals folder); write it "
            "elsewhere\n",
            "rank", "call", "-o", "call/proposals/ranking.xml");
    REFUSED("merit: error: rank: the audit trail 'call/reviews/trail.xml' would be read as an "
            "input of this call the next time (a .xml file in its reviews folder); write it "
            "elsewhere\n",
            "rank", "call", "--audit", "call/reviews/trail.xml");
    /* beside the inputs under another name: allowed */
    struct run r = {.out = OUT_NULL};
    assert_int_equal(
        RUN(&r, "rank", "call", "-o", "call/ranking.txt", "--audit", "call/proposals/trail.jsonl"),
        0);
    free(r.err);
}

/* Standard output appended to an input: the shell did not truncate it, so
 * the report would have landed at its end. */
static void test_standard_output_onto_an_input_is_refused(void **state)
{
    (void)state;
    char *before = snapshot(".");
    struct run r = {.out = OUT_APPEND, .out_path = "call/call.xml"};
    int code = RUN(&r, "rank", "call");
    assert_string_equal(r.err, "merit: error: rank: standard output is an input of this run "
                               "('call/call.xml'); merit never writes over its inputs\n");
    assert_int_equal(code, 2);
    char *after = snapshot(".");
    assert_string_equal(after, before);
    /* and standard output named again as the trail */
    r.out = OUT_FILE;
    r.out_path = "report.txt";
    code = RUN(&r, "rank", "call", "--audit", "report.txt");
    assert_string_equal(r.err, "merit: error: rank: standard output is the audit trail "
                               "'report.txt' too; give the report and the audit trail each their "
                               "own file\n");
    assert_int_equal(code, 2);
    free(before);
    free(after);
    free(r.err);
}

/* `merit rank call > call/call.xml`: the shell empties the input before
 * merit runs; merit can only find it empty, and says why. */
static void test_standard_output_truncating_an_input_is_explained(void **state)
{
    (void)state;
    struct run r = {.out = OUT_FILE, .out_path = "call/call.xml"};
    assert_int_equal(RUN(&r, "rank", "call"), 1);
    assert_string_equal(r.err, "call/call.xml: error: file is empty\n"
                               "merit: note: standard output is 'call/call.xml', an input of this "
                               "run: the shell emptied it before merit started; never send output "
                               "onto an input\n");
    free(r.err);
}

/* Every input of generated calls of both layouts, named every way a
 * careless user could, as the report, as the trail, for rank and explain:
 * always refused, and nothing changes. */
static void test_outputs_never_alias_inputs(void **state)
{
    (void)state;
    static const char *const layouts[] = {"files", "bundles"};
    for (size_t l = 0; l < 2; l++) {
        char seed[8];
        snprintf(seed, sizeof(seed), "%zu", l + 7);
        struct run r = {.out = OUT_NULL};
        t_rmtree("gen");
        assert_int_equal(RUN(&r, "gen", "--proposals", "3", "--reviewers", "2",
                             "--reviews-per-proposal", "2", "--seed", seed, "--layout", layouts[l],
                             "-o", "gen"),
                         0);
        char *listing = snapshot("gen");
        size_t inputs = 0;
        for (char *line = listing; *line; line = strchr(line, '\n') + 1) {
            char rel[256];
            size_t len = strcspn(line, " ");
            assert_true(len < sizeof(rel));
            memcpy(rel, line, len);
            rel[len] = '\0';
            inputs++;
            char *direct = t_sprintf("gen/%s", rel);
            char *dotted = t_sprintf("gen/proposals/../%s", rel);
            unlink("alias-soft");
            unlink("alias-hard");
            assert_int_equal(symlink(direct, "alias-soft"), 0);
            assert_int_equal(link(direct, "alias-hard"), 0);
            const char *names[] = {direct, dotted, "alias-soft", "alias-hard"};
            for (size_t k = 0; k < 4; k++) {
                char *before = snapshot(".");
                const char *const rank_o[] = {"rank", "gen", "-o", names[k], NULL};
                const char *const rank_a[] = {"rank",    "gen",    "--format", "csv",
                                              "--audit", names[k], NULL};
                const char *const explain[] = {"explain", "gen",    "P000001",
                                               "--audit", names[k], NULL};
                const char *const *runs[] = {rank_o, rank_a, explain};
                for (size_t j = 0; j < 3; j++) {
                    int code = finish(&r, start(&r, runs[j]));
                    if (code != 2 || strstr(r.err, "never writes over its inputs") == NULL)
                        fail_msg("%s %s as %s: exit %d, stderr:\n%s", runs[j][0], rel, names[k],
                                 code, r.err);
                }
                char *after = snapshot(".");
                assert_string_equal(after, before);
                free(before);
                free(after);
            }
            /* standard output appended to the input */
            r.out = OUT_APPEND;
            r.out_path = direct;
            assert_int_equal(RUN(&r, "rank", "gen"), 2);
            r.out = OUT_NULL;
            free(direct);
            free(dotted);
        }
        /* call.xml and at least one proposal file and one sheet file */
        assert_true(inputs >= 3);
        char *after = snapshot("gen");
        assert_string_equal(after, listing);
        free(after);
        free(listing);
        free(r.err);
    }
}

/* --- standard output ------------------------------------------------------------ */

/* Issue 10, item 9: with standard output closed, the report's temporary
 * file used to become standard output: rank said nothing and exited 0. */
static void test_closed_standard_output_is_an_error(void **state)
{
    (void)state;
    char *before = snapshot(".");
    struct run r = {.out = OUT_CLOSED};
    assert_int_equal(RUN(&r, "rank", "call"), 3);
    assert_string_equal(r.err,
                        "merit: error: cannot write to standard output: Bad file descriptor\n");
    assert_int_equal(RUN(&r, "validate", "call"), 3);
    assert_string_equal(r.err,
                        "merit: error: cannot write to standard output: Bad file descriptor\n");
    /* with the report in a file, standard output is not needed */
    assert_int_equal(RUN(&r, "rank", "call", "-o", "report.txt"), 0);
    assert_string_equal(r.err, "");
    unlink("report.txt");
    char *after = snapshot(".");
    assert_string_equal(after, before);
    free(before);
    free(after);
    free(r.err);
}

static void test_full_standard_output_is_an_error(void **state)
{
    (void)state;
    struct run r = {.out = OUT_FULL};
    static const char full[] =
        "merit: error: cannot write to standard output: No space left on device\n";
    assert_int_equal(RUN(&r, "validate", "call"), 3);
    assert_string_equal(r.err, full);
    assert_int_equal(RUN(&r, "validate", "call/proposals/P01.xml"), 3);
    assert_string_equal(r.err, full);
    assert_int_equal(RUN(&r, "--help"), 3);
    assert_string_equal(r.err, full);
    assert_int_equal(RUN(&r, "rank", "--help"), 3);
    assert_string_equal(r.err, full);
    assert_int_equal(RUN(&r, "rank", "call"), 3);
    assert_string_equal(r.err, full);
    /* the trail of a report that never reached standard output is not
     * written either */
    assert_int_equal(RUN(&r, "rank", "call", "--audit", "trail.jsonl"), 3);
    assert_string_equal(r.err, full);
    assert_int_equal(access("trail.jsonl", F_OK), -1);
    free(r.err);
}

/* --- permissions ------------------------------------------------------------------ */

static mode_t mode_of(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_mode & 07777;
}

static void test_new_files_honour_the_umask(void **state)
{
    (void)state;
    struct run r = {.out = OUT_NULL, .umask = 027};
    assert_int_equal(RUN(&r, "rank", "call", "-o", "report.txt", "--audit", "trail.jsonl"), 0);
    assert_int_equal(mode_of("report.txt"), 0640);
    assert_int_equal(mode_of("trail.jsonl"), 0640);
    r.umask = 077;
    assert_int_equal(RUN(&r, "rank", "call", "--format", "csv", "-o", "report.csv"), 0);
    assert_int_equal(mode_of("report.csv"), 0600);
    /* a file replaced keeps the permissions it had */
    assert_int_equal(chmod("report.txt", 0604), 0);
    r.umask = 022;
    assert_int_equal(RUN(&r, "rank", "call", "-o", "report.txt"), 0);
    assert_int_equal(mode_of("report.txt"), 0604);
    free(r.err);
}

/* --- signals ----------------------------------------------------------------------- */

/* True when dir holds a file whose name contains part. */
static bool has_file_with(const char *dir, const char *part)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    bool found = false;
    struct dirent *e;
    while (!found && (e = readdir(d)) != NULL)
        found = strstr(e->d_name, part) != NULL;
    closedir(d);
    return found;
}

/* Sends sig to a rank of a generated call as soon as its temporary file
 * appears; the run must end by that signal with no temporary file and no
 * report left. Returns false when the run ended before the file was seen
 * (the call was too small for this machine). */
static bool interrupt_while_writing(const char *call, int sig)
{
    struct run r = {.out = OUT_NULL};
    pid_t pid =
        start(&r, (const char *const[]){"rank", call, "--format", "json", "-o", "out/report.json",
                                        "--audit", "out/trail.jsonl", NULL});
    int status = 0;
    bool seen = false;
    for (;;) {
        pid_t done = waitpid(pid, &status, WNOHANG);
        assert_true(done >= 0);
        if (done == pid)
            break;
        if (!seen && has_file_with("out", ".tmp-")) {
            seen = true;
            kill(pid, sig);
        }
        struct timespec pause = {0, 200000};
        nanosleep(&pause, NULL);
    }
    unlink("stderr.txt");
    if (!seen) {
        assert_true(WIFEXITED(status));
        t_rmtree("out");
        assert_int_equal(mkdir("out", 0777), 0);
        return false;
    }
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), sig);
    assert_false(has_file_with("out", ".tmp-"));
    assert_int_equal(access("out/report.json", F_OK), -1);
    assert_int_equal(access("out/trail.jsonl", F_OK), -1);
    return true;
}

/* Issue 10, item 9: Ctrl-C and SIGTERM left out.json.tmp-XXXX files of
 * hundreds of megabytes behind. */
static void test_signals_leave_no_temporary_file(void **state)
{
    (void)state;
    assert_int_equal(mkdir("out", 0777), 0);
    static const int signals[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
        /* a call large enough that the report takes a while to write,
         * doubled until the run is caught writing */
        bool caught = false;
        for (unsigned proposals = 500; !caught && proposals <= 64000; proposals *= 2) {
            char n[16];
            snprintf(n, sizeof(n), "%u", proposals);
            struct run r = {.out = OUT_NULL};
            t_rmtree("big");
            assert_int_equal(RUN(&r, "gen", "--proposals", n, "--reviewers", "50", "-o", "big"), 0);
            free(r.err);
            caught = interrupt_while_writing("big", signals[i]);
        }
        if (!caught)
            fail_msg("signal %d: never caught a run while it wrote", signals[i]);
    }
}

/* --- two runs at once --------------------------------------------------------------- */

/* The SHA-256 the trail's report record holds, and the report's own. */
static void check_trail_matches_report(const char *trail_path, const char *report_path)
{
    char *trail = t_read(trail_path, NULL);
    size_t size;
    char *report = t_read(report_path, &size);
    assert_non_null(trail);
    assert_non_null(report);
    const char *rec = strstr(trail, "\"type\":\"report\"");
    assert_non_null(rec);
    const char *sha = strstr(rec, "\"sha256\":\"");
    assert_non_null(sha);
    unsigned char digest[32];
    char hex[65];
    assert_int_equal(merit_sha256(report, size, digest), 0);
    merit_hex(digest, hex);
    if (strncmp(sha + 10, hex, 64) != 0)
        fail_msg("the trail records report %.64s, the report is %s", sha + 10, hex);
    free(trail);
    free(report);
}

/* Issue 10, item 9: two runs with the same -o and --audit left the report
 * of one and the trail of the other. The reports differ (2 and 3 places),
 * so a mixed pair shows. Each round starts both runs at once; without the
 * lock, some round leaves a mixed pair. */
static void test_concurrent_runs_leave_a_matching_pair(void **state)
{
    (void)state;
    for (int round = 0; round < 12; round++) {
        struct run a = {.out = OUT_NULL}, b = {.out = OUT_NULL};
        pid_t pa = start(&a, (const char *const[]){"rank", "call", "--places", "2", "-o", "r.txt",
                                                   "--audit", "t.jsonl", NULL});
        pid_t pb = start(&b, (const char *const[]){"rank", "call", "--places", "3", "-o", "r.txt",
                                                   "--audit", "t.jsonl", NULL});
        int sa, sb;
        assert_int_equal(waitpid(pa, &sa, 0), pa);
        assert_int_equal(waitpid(pb, &sb, 0), pb);
        assert_true(WIFEXITED(sa) && WEXITSTATUS(sa) == 0);
        assert_true(WIFEXITED(sb) && WEXITSTATUS(sb) == 0);
        check_trail_matches_report("t.jsonl", "r.txt");
        assert_false(has_file_with(".", ".tmp-"));
    }
    unlink("stderr.txt");
}

/* Issue 10, item 5: an output's name reaches the terminal escaped, like
 * every name merit prints (docs/cli.md, How merit shows text). */
static void test_output_names_are_escaped(void **state)
{
    (void)state;
    struct run r = {.out = OUT_NULL};
    assert_int_equal(RUN(&r, "rank", "call", "-o", "no\x1b]0;owned\x07/r.txt"), 3);
    assert_string_equal(r.err, "no\\x1B]0;owned\\x07/r.txt: error: cannot create output file: No "
                               "such file or directory\n");
    assert_int_equal(RUN(&r, "rank", "call", "--audit", "t\nx.jsonl"), 0);
    static const char written[] =
        "merit: audit trail written to t\\x0Ax.jsonl; its closing line hashes to ";
    if (strncmp(r.err, written, sizeof(written) - 1) != 0)
        fail_msg("stderr: %s", r.err);
    free(r.err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_output_over_an_input_is_refused, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(test_two_outputs_in_one_file_are_refused, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(test_output_that_would_become_an_input_is_refused,
                                        scratch_setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_standard_output_onto_an_input_is_refused,
                                        scratch_setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_standard_output_truncating_an_input_is_explained,
                                        scratch_setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_outputs_never_alias_inputs, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(test_closed_standard_output_is_an_error, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(test_full_standard_output_is_an_error, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(test_new_files_honour_the_umask, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(test_signals_leave_no_temporary_file, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_runs_leave_a_matching_pair, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(test_output_names_are_escaped, scratch_setup,
                                        scratch_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
