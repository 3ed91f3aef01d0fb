/*
 * merit-gen (tools/merit-gen): the synthetic call it writes loads and validates with no
 * diagnostic in both layouts, holds what was asked for (counts, balanced
 * reviewer loads, distinct reviewers, declared conflicts only on proposals
 * the reviewer does not review), looks like a real call (months, teams,
 * milestones, requests, about 3% breaking the cost-share rule, a budget of
 * about a quarter of the requests), gives the same bytes for the same
 * arguments and other bytes for another seed, ranks the same in both
 * layouts; and the command's usage and I/O errors.
 *
 * The calls are written by the merit-gen binary into the test's scratch
 * folder; run_merit runs it for a first argument "gen".
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

#include "merit/model.h"
#include "merit/result.h"

#if !defined(MERIT_BINARY) || !defined(MERIT_GEN_BINARY)
#error "MERIT_BINARY and MERIT_GEN_BINARY must name the executables (tests/CMakeLists.txt)"
#endif

/* When not 0, the largest file the next merit run may write (RLIMIT_FSIZE,
 * with SIGXFSZ ignored, so that write() fails with EFBIG). */
static rlim_t file_size_limit;

/* Runs merit with the arguments (NULL-terminated), standard output to
 * /dev/null and standard error to the file err (or /dev/null); merit-gen
 * when the first argument is "gen" (the rest are its arguments). Returns
 * the exit status. */
static int run_merit(const char *err, ...)
{
    const char *argv[32];
    size_t argc = 0;
    const char *binary = MERIT_BINARY;
    argv[argc++] = "merit";
    va_list ap;
    va_start(ap, err);
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL && argc < 31) {
        if (argc == 1 && strcmp(a, "gen") == 0) {
            binary = MERIT_GEN_BINARY;
            argv[0] = "merit-gen";
            continue;
        }
        argv[argc++] = a;
    }
    va_end(ap);
    argv[argc] = NULL;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int out = open("/dev/null", O_WRONLY);
        int errfd = open(err != NULL ? err : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (out < 0 || errfd < 0 || dup2(out, 1) < 0 || dup2(errfd, 2) < 0)
            _exit(126);
        if (file_size_limit != 0) {
            struct rlimit rl = {file_size_limit, file_size_limit};
            if (signal(SIGXFSZ, SIG_IGN) == SIG_ERR || setrlimit(RLIMIT_FSIZE, &rl) != 0)
                _exit(126);
        }
        execv(binary, (char *const *)(uintptr_t)argv);
        _exit(127);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void gen(const char *dir, const char *proposals, const char *reviewers, const char *per,
                const char *seed, const char *layout)
{
    int rc = run_merit("gen.err", "gen", "--proposals", proposals, "--reviewers", reviewers,
                       "--reviews-per-proposal", per, "--seed", seed, "--layout", layout, "-o", dir,
                       (const char *)NULL);
    if (rc != 0) {
        char *err = t_read("gen.err", NULL);
        fail_msg("merit-gen exited %d: %s", rc, err != NULL ? err : "");
    }
}

static merit_call *load(struct t_scratch *s, const char *dir)
{
    merit_ctx_clear_diags(s->ctx);
    merit_call *call = NULL;
    int rc = merit_call_load(s->ctx, dir, &call);
    if (rc != 0)
        t_print_diags(s->ctx);
    assert_int_equal(rc, 0);
    T_EXPECT_NO_DIAGS(s->ctx);
    return call;
}

/* The names in dir (not . and ..), sorted, joined by newlines. */
static char *listing(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    char *names[64];
    size_t n = 0, size = 1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        assert_true(n < 64);
        names[n] = strdup(e->d_name);
        assert_non_null(names[n]);
        size += strlen(names[n]) + 1;
        n++;
    }
    closedir(d);
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *x = names[j];
            names[j] = names[j - 1];
            names[j - 1] = x;
        }
    char *out = malloc(size);
    assert_non_null(out);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        strcat(out, names[i]);
        strcat(out, "\n");
        free(names[i]);
    }
    return out;
}

/* Whether every file of call folder a is byte for byte the same in b, and
 * both hold the same names. */
static bool same_tree(const char *a, const char *b)
{
    static const char *const folders[] = {".", "proposals", "reviews"};
    bool same = true;
    for (size_t f = 0; f < 3 && same; f++) {
        char *da = t_path(a, folders[f]), *db = t_path(b, folders[f]);
        char *la = listing(da), *lb = listing(db);
        same = strcmp(la, lb) == 0;
        for (char *name = la; same && *name != '\0';) {
            char *nl = strchr(name, '\n');
            *nl = '\0';
            char *pa = t_path(da, name), *pb = t_path(db, name);
            struct stat st;
            assert_int_equal(stat(pa, &st), 0);
            if (S_ISREG(st.st_mode)) {
                size_t sa, sb;
                char *ca = t_read(pa, &sa), *cb = t_read(pb, &sb);
                assert_non_null(ca);
                same = cb != NULL && sa == sb && memcmp(ca, cb, sa) == 0;
                free(ca);
                free(cb);
            }
            free(pa);
            free(pb);
            name = nl + 1;
        }
        free(la);
        free(lb);
        free(da);
        free(db);
    }
    return same;
}

static void check_small_call(struct t_scratch *s, const char *dir)
{
    merit_call *c = load(s, dir);
    assert_string_equal(c->id, "GEN-7");
    assert_string_equal(c->currency, "USD");
    assert_string_equal(c->rubric->id, "manufacturing-usa");
    assert_int_equal(c->proposal_count, 30);
    assert_int_equal(c->reviewer_count, 8);
    assert_int_equal(c->review_count, 90);
    /* loads balanced: 90 reviews over 8 reviewers, 11 or 12 each; every
     * proposal reviewed by 3 distinct reviewers */
    size_t load_of[8] = {0}, reviews_of[30] = {0};
    for (size_t i = 0; i < c->review_count; i++) {
        const merit_review *rv = &c->reviews[i];
        assert_false(rv->conflicted);
        load_of[rv->reviewer]++;
        reviews_of[rv->proposal]++;
        if (i > 0 && c->reviews[i - 1].proposal == rv->proposal)
            assert_true(c->reviews[i - 1].reviewer != rv->reviewer);
    }
    for (size_t r = 0; r < 8; r++)
        assert_in_range(load_of[r], 11, 12);
    for (size_t p = 0; p < 30; p++)
        assert_int_equal(reviews_of[p], 3);
    /* declared conflicts, none by the programme office, none on a proposal
     * the reviewer reviews (the loader would refuse that) */
    assert_true(c->conflict_count >= 1);
    for (size_t i = 0; i < c->conflict_count; i++)
        assert_false(c->conflicts[i].from_call);
    merit_call_free(c);
    /* and the command agrees */
    assert_int_equal(run_merit("validate.err", "validate", dir, (const char *)NULL), 0);
    char *err = t_read("validate.err", NULL);
    assert_string_equal(err, "");
    free(err);
}

static void both_layouts_load_and_validate(void **state)
{
    struct t_scratch *s = *state;
    gen("bundles", "30", "8", "3", "7", "bundles");
    gen("files", "30", "8", "3", "7", "files");
    char *l = listing("bundles/proposals");
    assert_string_equal(l, "bundle.xml\n");
    free(l);
    l = listing("bundles/reviews");
    assert_string_equal(l, "bundle.xml\n");
    free(l);
    l = listing("files/reviews");
    assert_string_equal(l, "r001.xml\nr002.xml\nr003.xml\nr004.xml\nr005.xml\nr006.xml\nr007.xml\n"
                           "r008.xml\n");
    free(l);
    l = listing("files/proposals");
    assert_int_equal(strlen(l), 30 * strlen("P000001.xml\n"));
    assert_non_null(strstr(l, "P000001.xml\nP000002.xml\n"));
    assert_non_null(strstr(l, "P000030.xml\n"));
    free(l);
    l = listing("bundles");
    assert_string_equal(l, "call.xml\nproposals\nreviews\n"); /* no staging folder left */
    free(l);
    check_small_call(s, "bundles");
    check_small_call(s, "files");
}

static void same_seed_same_bytes(void **state)
{
    (void)state;
    gen("a", "30", "8", "3", "7", "bundles");
    gen("b", "30", "8", "3", "7", "bundles");
    gen("c", "30", "8", "3", "8", "bundles");
    assert_true(same_tree("a", "b"));
    assert_false(same_tree("a", "c"));
    gen("fa", "30", "8", "3", "7", "files");
    gen("fb", "30", "8", "3", "7", "files");
    gen("fc", "30", "8", "3", "8", "files");
    assert_true(same_tree("fa", "fb"));
    assert_false(same_tree("fa", "fc"));
    /* another seed changes the proposals and the sheets, not only the id */
    char *pa = t_read("fa/proposals/P000001.xml", NULL),
         *pc = t_read("fc/proposals/P000001.xml", NULL);
    char *ta = strstr(pa, "<title>"), *tc = strstr(pc, "<title>");
    assert_non_null(ta);
    assert_non_null(tc);
    assert_true(strcmp(ta, tc) != 0);
    free(pa);
    free(pc);
    char *ra = t_read("fa/reviews/r001.xml", NULL), *rc = t_read("fc/reviews/r001.xml", NULL);
    assert_true(strcmp(strstr(ra, "<review"), strstr(rc, "<review")) != 0);
    free(ra);
    free(rc);
}

static merit_result *rank(struct t_scratch *s, const merit_call *c)
{
    merit_rank_options opt = {.override_method = false, .method = MERIT_METHOD_MEAN};
    merit_result *res = NULL;
    int rc = merit_call_rank(s->ctx, c, &opt, &res);
    if (rc != 0)
        t_print_diags(s->ctx);
    assert_int_equal(rc, 0);
    return res;
}

static void layouts_rank_the_same(void **state)
{
    struct t_scratch *s = *state;
    gen("bundles", "30", "8", "3", "7", "bundles");
    gen("files", "30", "8", "3", "7", "files");
    merit_call *a = load(s, "bundles"), *b = load(s, "files");
    merit_result *ra = rank(s, a), *rb = rank(s, b);
    assert_int_equal(ra->proposal_count, rb->proposal_count);
    assert_int_equal(ra->ranked_count, rb->ranked_count);
    assert_int_equal(ra->funded_count, rb->funded_count);
    assert_int_equal(ra->awarded, rb->awarded);
    assert_true(ra->ranked_count > 0);
    for (size_t i = 0; i < ra->proposal_count; i++) {
        assert_string_equal(a->proposals[i].id, b->proposals[i].id);
        const merit_proposal_result *x = &ra->proposals[i], *y = &rb->proposals[i];
        assert_int_equal(x->status, y->status);
        assert_int_equal(x->rank, y->rank);
        assert_int_equal(x->rank_shared, y->rank_shared);
        assert_int_equal(x->has_total, y->has_total);
        if (x->has_total)
            assert_true(mpq_equal(x->total, y->total));
        assert_int_equal(ra->order[i], rb->order[i]);
    }
    merit_result_free(ra);
    merit_result_free(rb);
    merit_call_free(a);
    merit_call_free(b);
}

/* A larger call looks like a real one. */
static void call_is_realistic(void **state)
{
    struct t_scratch *s = *state;
    gen("call", "400", "40", "3", "11", "bundles");
    merit_call *c = load(s, "call");
    assert_int_equal(c->proposal_count, 400);
    assert_int_equal(c->review_count, 1200);
    int64_t requested = 0;
    for (size_t i = 0; i < c->proposal_count; i++) {
        const merit_proposal *p = &c->proposals[i];
        assert_in_range(p->months, 12, 36);
        assert_int_equal(p->year_count, (p->months + 11) / 12);
        assert_in_range(p->org_count, 2, 6);
        assert_in_range(p->milestone_count, 2, 5);
        assert_in_range(p->total.federal, 200000 * 100, 3000000 * 100);
        uint64_t words = 0;
        assert_int_equal(p->section_count, MERIT_SECTION_COUNT);
        for (size_t k = 0; k < p->section_count; k++)
            words += p->sections[k].words;
        /* the texts are not kept, their words are: 553 to 1049 for this
         * seed, about 7 bytes a word (the old bound was 2,000 to 12,000
         * bytes of text) */
        assert_in_range(words, 300, 1800);
        requested += p->total.federal;
    }
    /* a quarter of the requests, rounded down to a thousand dollars */
    assert_true(c->budget <= requested / 4 && c->budget > requested / 4 - 100000);
    merit_result *res = rank(s, c);
    size_t count[5] = {0}, share_broken = 0;
    for (size_t i = 0; i < res->proposal_count; i++) {
        count[res->proposals[i].status]++;
        /* federal-share is the first rule of manufacturing-usa */
        if (!res->proposals[i].rules[0].passed)
            share_broken++;
    }
    assert_true(count[MERIT_STATUS_FUNDED] >= 40);
    assert_true(count[MERIT_STATUS_RESERVE] >= 40);
    assert_true(count[MERIT_STATUS_BELOW_THRESHOLD] >= 40);
    assert_in_range(share_broken, 3, 30); /* about 3% of 400 */
    assert_int_equal(count[MERIT_STATUS_INSUFFICIENT_REVIEWS], 0);
    merit_result_free(res);
    merit_call_free(c);
}

static void refuses_a_folder_that_is_not_empty(void **state)
{
    (void)state;
    t_write(".", "full/notes.txt", "mine\n");
    assert_int_equal(
        run_merit("gen.err", "gen", "--proposals", "5", "-o", "full", (const char *)NULL), 3);
    char *err = t_read("gen.err", NULL);
    assert_string_equal(err, "full: error: folder is not empty; merit-gen writes only into a "
                             "new or empty folder\n");
    free(err);
    char *l = listing("full");
    assert_string_equal(l, "notes.txt\n");
    free(l);
    /* an empty folder is fine, and so is a trailing slash */
    t_mkdirs(".", "empty");
    assert_int_equal(run_merit(NULL, "gen", "--proposals", "5", "-o", "empty/", (const char *)NULL),
                     0);
    l = listing("empty");
    assert_string_equal(l, "call.xml\nproposals\nreviews\n");
    free(l);
    /* a file in the way */
    t_write(".", "file", "x");
    assert_int_equal(run_merit(NULL, "gen", "-o", "file", (const char *)NULL), 3);
    /* a missing parent: nothing is made */
    assert_int_equal(run_merit(NULL, "gen", "-o", "no/such/dir", (const char *)NULL), 3);
    struct stat st;
    assert_int_equal(stat("no", &st), -1);
}

/* A write that fails (here: a file larger than RLIMIT_FSIZE allows) is
 * reported GCC style with exit status 3, and nothing is left behind: the
 * folder gen made is gone, an empty folder that was there stays empty. */
static void write_error_leaves_nothing(void **state)
{
    (void)state;
    file_size_limit = 64 * 1024;
    int rc = run_merit("gen.err", "gen", "--proposals", "100", "-o", "new", (const char *)NULL);
    file_size_limit = 0;
    assert_int_equal(rc, 3);
    char *err = t_read("gen.err", NULL);
    assert_string_equal(err, "new/proposals/bundle.xml: error: cannot write: File too large\n");
    free(err);
    struct stat st;
    assert_int_equal(stat("new", &st), -1);

    t_mkdirs(".", "empty");
    file_size_limit = 64 * 1024;
    rc = run_merit("gen.err", "gen", "--proposals", "100", "--layout", "files", "--reviewers", "3",
                   "-o", "empty", (const char *)NULL);
    file_size_limit = 0;
    assert_int_equal(rc, 3);
    err = t_read("gen.err", NULL);
    assert_string_equal(err, "empty/reviews/r001.xml: error: cannot write: File too large\n");
    free(err);
    char *l = listing("empty");
    assert_string_equal(l, "");
    free(l);
}

static void usage_errors(void **state)
{
    (void)state;
    assert_int_equal(run_merit(NULL, "gen", "--help", (const char *)NULL), 0);
    assert_int_equal(run_merit(NULL, "gen", (const char *)NULL), 2);
    assert_int_equal(run_merit("gen.err", "gen", "--reviewers", "2", "--reviews-per-proposal", "3",
                               "-o", "x", (const char *)NULL),
                     2);
    char *err = t_read("gen.err", NULL);
    assert_string_equal(err, "merit-gen: error: --reviews-per-proposal 3 needs at least 3 "
                             "reviewers, not 2\n");
    free(err);
    assert_int_equal(run_merit(NULL, "gen", "--layout", "zip", "-o", "x", (const char *)NULL), 2);
    assert_int_equal(run_merit(NULL, "gen", "--proposals", "0", "-o", "x", (const char *)NULL), 2);
    assert_int_equal(
        run_merit(NULL, "gen", "--proposals", "1000000", "-o", "x", (const char *)NULL), 2);
    assert_int_equal(run_merit(NULL, "gen", "--seed", "-1", "-o", "x", (const char *)NULL), 2);
    assert_int_equal(run_merit(NULL, "gen", "--bogus", "-o", "x", (const char *)NULL), 2);
    assert_int_equal(run_merit(NULL, "gen", "-o", "x", "extra", (const char *)NULL), 2);
    struct stat st;
    assert_int_equal(stat("x", &st), -1); /* nothing written on a usage error */
    /* merit itself has no gen command any more, and says where it went */
    int status = system("'" MERIT_BINARY "' gen --proposals 5 -o x 2>gen.err");
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 2);
    err = t_read("gen.err", NULL);
    assert_string_equal(err, "merit: error: unknown command 'gen': synthetic calls are written "
                             "by merit-gen, a program built beside merit (docs/cli.md)\n");
    free(err);
    assert_int_equal(stat("x", &st), -1);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, t_scratch_setup, t_scratch_teardown)
    const struct CMUnitTest tests[] = {
        T(both_layouts_load_and_validate),
        T(same_seed_same_bytes),
        T(layouts_rank_the_same),
        T(call_is_realistic),
        T(refuses_a_folder_that_is_not_empty),
        T(write_error_leaves_nothing),
        T(usage_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
