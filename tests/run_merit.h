/*
 * Running the merit binary from a test: the tests of the commands that
 * write files (schema, sheets, import, validate --call) compare what the
 * command prints and writes byte for byte.
 */
#ifndef MERIT_TEST_RUN_MERIT_H
#define MERIT_TEST_RUN_MERIT_H

/* Runs merit with the arguments (NULL-terminated) in the current folder,
 * standard output to the file out and standard error to the file err (each
 * may be NULL: /dev/null). Returns the exit status; the test fails if merit
 * did not exit normally. */
int t_run_merit(const char *out, const char *err, ...) __attribute__((sentinel));
/* The same with the arguments in an array of argc strings. */
int t_run_merit_argv(const char *out, const char *err, int argc, const char *const *argv);
/* Runs the program at path (merit-gen, say) with argv (argv[0] its name,
 * NULL-ended), as t_run_merit does merit. */
int t_run_program(const char *path, const char *out, const char *err, const char *const *argv);
/* Checks that the file at path holds exactly `want`; prints both when not. */
#define T_EXPECT_FILE(path, want) t_expect_file_(path, want, __FILE__, __LINE__)
void t_expect_file_(const char *path, const char *want, const char *file, int line);

#endif
