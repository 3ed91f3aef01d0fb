/* Running the merit binary from a test: see run_merit.h. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run_merit.h"
#include "support.h"

#ifndef MERIT_BINARY
#error "MERIT_BINARY must name the merit executable (tests/CMakeLists.txt)"
#endif

int t_run_merit_argv(const char *out, const char *err, int argc, const char *const *argv)
{
    const char **all = calloc((size_t)argc + 2, sizeof(*all));
    assert_non_null(all);
    all[0] = "merit";
    for (int i = 0; i < argc; i++)
        all[i + 1] = argv[i];
    int status = t_run_program(MERIT_BINARY, out, err, all);
    free(all);
    return status;
}

int t_run_program(const char *path, const char *out, const char *err, const char *const *argv)
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int o = open(out != NULL ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0666);
        int e = open(err != NULL ? err : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
            _exit(126);
        execv(path, (char *const *)(uintptr_t)argv);
        _exit(127);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

int t_run_merit(const char *out, const char *err, ...)
{
    const char *argv[64];
    int argc = 0;
    va_list ap;
    va_start(ap, err);
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL && argc < 64)
        argv[argc++] = a;
    va_end(ap);
    return t_run_merit_argv(out, err, argc, argv);
}

void t_expect_file_(const char *path, const char *want, const char *file, int line)
{
    char *got = t_read(path, NULL);
    if (got == NULL || strcmp(got, want) != 0) {
        print_error("%s:%d: %s differs\n--- expected\n%s--- got\n%s---\n", file, line, path, want,
                    got != NULL ? got : "(cannot be read)\n");
        free(got);
        _fail(file, line);
    }
    free(got);
}
