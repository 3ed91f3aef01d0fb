/*
 * docs/tutorial.md, run: the tutorial cannot say what merit does not do
 * (as jq's manual is run as its tests). Read in order:
 *  - a ```console block holds commands, each on a line starting with "$ ",
 *    and after each what it prints, standard output and standard error
 *    together, as a terminal shows them; "[...]" in a shown line stands for
 *    any text (a hash over the time of day);
 *  - a block whose info string holds "file=PATH" (```xml file=call.xml)
 *    is a file the reader saves: it is written to PATH, as shown.
 * Each command runs through sh -c in one scratch folder, with merit's
 * build folder first on PATH and NO_COLOR set; what it prints must be what
 * the tutorial shows, line for line, and it must fail (a status other than
 * 0) exactly when what it shows holds an error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

#define TUTORIAL MERIT_SOURCE_DIR "/docs/tutorial.md"

struct step {
    int line;     /* in the tutorial, for messages */
    char *file;   /* a file to save; NULL for a command */
    char *text;   /* the command, or the file's content */
    char *expect; /* what the command prints */
};

static char *append(char *s, const char *more, size_t n)
{
    size_t len = s != NULL ? strlen(s) : 0;
    char *grown = realloc(s, len + n + 2);
    assert_non_null(grown);
    memcpy(grown + len, more, n);
    grown[len + n] = '\n';
    grown[len + n + 1] = '\0';
    return grown;
}

/* The steps of the tutorial, in order. */
static struct step *read_steps(size_t *count_out)
{
    char *md = t_read(TUTORIAL, NULL);
    assert_non_null(md);
    struct step *steps = calloc(1000, sizeof(*steps));
    assert_non_null(steps);
    size_t count = 0;
    enum { OUTSIDE, CONSOLE, FILE_BLOCK, OTHER } in = OUTSIDE;
    int number = 0;
    for (char *line = md; *line != '\0';) {
        char *end = strchr(line, '\n');
        size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
        number++;
        if (len >= 3 && strncmp(line, "```", 3) == 0) {
            if (in != OUTSIDE) {
                in = OUTSIDE;
            } else {
                char *info = strndup(line + 3, len - 3);
                assert_non_null(info);
                char *file = strstr(info, "file=");
                if (strncmp(info, "console", 7) == 0) {
                    in = CONSOLE;
                } else if (file != NULL) {
                    in = FILE_BLOCK;
                    assert_true(count < 1000);
                    steps[count].line = number;
                    steps[count].file = strndup(file + 5, strcspn(file + 5, " "));
                    steps[count].text = strdup("");
                    count++;
                } else {
                    in = OTHER;
                }
                free(info);
            }
        } else if (in == FILE_BLOCK) {
            steps[count - 1].text = append(steps[count - 1].text, line, len);
        } else if (in == CONSOLE && len >= 2 && strncmp(line, "$ ", 2) == 0) {
            assert_true(count < 1000);
            steps[count].line = number;
            steps[count].text = strndup(line + 2, len - 2);
            steps[count].expect = strdup("");
            count++;
        } else if (in == CONSOLE) {
            /* output before any command: the tutorial is not well formed */
            if (count == 0 || steps[count - 1].file != NULL)
                fail_msg("docs/tutorial.md:%d: output shown before any command", number);
            steps[count - 1].expect = append(steps[count - 1].expect, line, len);
        }
        line += len + (end != NULL);
    }
    assert_int_equal(in, OUTSIDE); /* every block closed */
    free(md);
    *count_out = count;
    return steps;
}

/* Whether got matches want, where "[...]" in want stands for any text. */
static bool line_matches(const char *want, size_t want_len, const char *got, size_t got_len)
{
    const char *hole = NULL;
    for (size_t i = 0; i + 5 <= want_len && hole == NULL; i++)
        if (memcmp(want + i, "[...]", 5) == 0)
            hole = want + i;
    if (hole == NULL)
        return want_len == got_len && memcmp(want, got, got_len) == 0;
    size_t before = (size_t)(hole - want);
    if (got_len < before || memcmp(want, got, before) != 0)
        return false;
    /* the rest of want against some end of got: the shortest hole first */
    for (size_t skip = before; skip <= got_len; skip++)
        if (line_matches(hole + 5, want_len - before - 5, got + skip, got_len - skip))
            return true;
    return false;
}

static bool output_matches(const char *want, const char *got)
{
    for (;;) {
        if (*want == '\0' || *got == '\0')
            return *want == '\0' && *got == '\0';
        const char *we = strchr(want, '\n'), *ge = strchr(got, '\n');
        size_t wl = we != NULL ? (size_t)(we - want) : strlen(want);
        size_t gl = ge != NULL ? (size_t)(ge - got) : strlen(got);
        if (!line_matches(want, wl, got, gl) || (we == NULL) != (ge == NULL))
            return false;
        want += wl + (we != NULL);
        got += gl + (ge != NULL);
    }
}

/* Runs the command with sh, what it prints into the file out; returns its
 * exit status. */
static int run(const char *command, const char *path, const char *out)
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        FILE *f = freopen(out, "w", stdout);
        if (f == NULL || dup2(STDOUT_FILENO, STDERR_FILENO) < 0)
            _exit(126);
        setenv("PATH", path, 1);
        setenv("NO_COLOR", "1", 1);
        unsetenv("SOURCE_DATE_EPOCH");
        execl("/bin/sh", "sh", "-c", command, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void tutorial_runs_as_written(void **state)
{
    (void)state;
    size_t count = 0;
    struct step *steps = read_steps(&count);
    /* the commands on PATH: the merit just built first */
    const char *bin = MERIT_BINARY;
    const char *slash = strrchr(bin, '/');
    char *path = t_sprintf("%.*s:%s", (int)(slash - bin), bin, getenv("PATH"));
    size_t commands = 0, files = 0;
    for (size_t i = 0; i < count; i++) {
        struct step *s = &steps[i];
        if (s->file != NULL) {
            t_write(".", s->file, s->text);
            files++;
            continue;
        }
        commands++;
        int status = run(s->text, path, ".tutorial-output");
        char *got = t_read(".tutorial-output", NULL);
        assert_non_null(got);
        bool fails = strstr(s->expect, "error:") != NULL;
        if (!output_matches(s->expect, got) || (status != 0) != fails) {
            print_error("docs/tutorial.md:%d: $ %s\nexit status %d (expected %s)\n--- the "
                        "tutorial shows\n%s--- merit printed\n%s---\n",
                        s->line, s->text, status, fails ? "not 0" : "0", s->expect, got);
            fail();
        }
        free(got);
    }
    /* the whole tutorial was read: one call from init to a replay */
    assert_true(commands >= 20);
    assert_true(files >= 8);
    print_message("tutorial: %zu commands run, %zu files saved\n", commands, files);
    for (size_t i = 0; i < count; i++) {
        free(steps[i].file);
        free(steps[i].text);
        free(steps[i].expect);
    }
    free(steps);
    free(path);
    remove(".tutorial-output");
}

/* The README leads a new user to it. */
static void readme_links_the_tutorial(void **state)
{
    (void)state;
    char *readme = t_read(MERIT_SOURCE_DIR "/README.md", NULL);
    assert_non_null(readme);
    assert_non_null(strstr(readme, "](docs/tutorial.md)"));
    free(readme);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, t_scratch_setup, t_scratch_teardown)
    const struct CMUnitTest tests[] = {T(tutorial_runs_as_written), T(readme_links_the_tutorial)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
