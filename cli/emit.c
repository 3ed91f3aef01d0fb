/* Writing what a ranking command produced: the report (to a file,
 * atomically, or to standard output) and, when asked, the audit trail that
 * records the report's hash. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "merit/audit.h"
#include "merit/report.h"

struct render_job {
    const cli_output *o;
    unsigned char sha256[32];
};

/* Renders the report into out through a sink, which hashes it on the way:
 * the trail records the hash of the report as written. */
static int write_report_hashed(FILE *out, const void *arg)
{
    struct render_job *job = (struct render_job *)(uintptr_t)arg;
    merit_sink sink;
    merit_sink_init(&sink, out, job->o->colour);
    job->o->render(&sink, job->o->render_arg);
    return merit_sink_finish(&sink, job->sha256);
}

/* Standard output gets the report only once it is whole (and once the
 * trail, if any, is written too): it is rendered into an unnamed temporary
 * file first (in memory, a large call's report would be held more than once
 * while it grows), and copied when everything else has succeeded. */
static int render_for_stdout(const cli_output *o, FILE **tmp_out, unsigned char sha256[32])
{
    FILE *tmp = tmpfile();
    *tmp_out = NULL;
    if (tmp == NULL) {
        fprintf(stderr, "merit: error: cannot make a temporary file for the report: %s\n",
                strerror(errno));
        return EXIT_IO;
    }
    struct render_job job = {o, {0}};
    if (write_report_hashed(tmp, &job) != 0 || fflush(tmp) != 0 || ferror(tmp)) {
        fprintf(stderr, "merit: error: cannot produce the report: %s\n",
                strerror(errno ? errno : EIO));
        fclose(tmp);
        return EXIT_IO;
    }
    memcpy(sha256, job.sha256, 32);
    *tmp_out = tmp;
    return EXIT_CLEAN;
}

static int copy_to_stdout(FILE *tmp)
{
    rewind(tmp);
    char buf[65536];
    size_t n;
    bool written = true;
    while (written && (n = fread(buf, 1, sizeof(buf), tmp)) > 0)
        written = fwrite(buf, 1, n, stdout) == n;
    written = written && !ferror(tmp) && fflush(stdout) == 0;
    if (!written) {
        fprintf(stderr, "merit: error: cannot write to standard output: %s\n",
                strerror(errno ? errno : EIO));
        clearerr(stdout); /* said once: main need not say it again */
        return EXIT_IO;
    }
    return EXIT_CLEAN;
}

struct audit_job {
    merit_ctx *ctx;
    const merit_result *result;
    const merit_audit_info *info;
    char final_hex[65];
};

/* The time a trail records: SOURCE_DATE_EPOCH when set (reproducible
 * trails), else now. */
static long long audit_time(void)
{
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    unsigned long v;
    if (epoch != NULL && cli_parse_uint(epoch, 253402300799ul, &v))
        return (long long)v;
    return (long long)time(NULL);
}

/* Writes the trail into trail->out, recording the report. */
static int write_trail(merit_ctx *ctx, const merit_result *result, const cli_output *o,
                       const merit_audit_report *report, cli_out_file *trail, char final_hex[65])
{
    /* the command as typed, with the program named "merit" whatever path
     * ran it, so that trails compare across builds */
    const char **command = calloc((size_t)o->argc + 1, sizeof(char *));
    if (command == NULL) {
        fputs("merit: error: out of memory\n", stderr);
        cli_out_discard(trail);
        return EXIT_IO;
    }
    command[0] = "merit";
    for (int i = 0; i < o->argc; i++)
        command[i + 1] = o->argv[i];
    merit_audit_info info = {.argc = o->argc + 1,
                             .argv = command,
                             .time = audit_time(),
                             .places = o->places,
                             .method_overridden = o->method_overridden,
                             .intervals_given = o->intervals_given,
                             .keep_going = o->keep_going,
                             .reports = report,
                             .report_count = 1,
                             .audit_path = o->audit};
    int werr = merit_audit_write(ctx, result, &info, trail->out, final_hex);
    free((void *)command);
    return cli_out_close(trail, werr);
}

int cli_emit(merit_ctx *ctx, const merit_result *result, const cli_output *o)
{
    cli_out_file files[2];
    size_t count = 0;
    cli_out_file *report_file = NULL, *trail = NULL;
    if (o->output != NULL) {
        report_file = &files[count++];
        *report_file = (cli_out_file){.path = o->output, .role = "report file"};
    }
    if (o->audit != NULL) {
        trail = &files[count++];
        *trail = (cli_out_file){.path = o->audit, .role = "audit trail"};
    }
    /* nothing is written before every output is known to be safe */
    int code = cli_outputs_check(o->argv[0], result->call, files, count, o->output == NULL);
    if (code != EXIT_CLEAN)
        return code;

    merit_audit_report report = {o->output != NULL ? o->output : "-", o->format, {0}};
    FILE *for_stdout = NULL;
    if (report_file != NULL) {
        struct render_job job = {o, {0}};
        code = cli_out_open(report_file);
        if (code == EXIT_CLEAN)
            code = cli_out_close(report_file, write_report_hashed(report_file->out, &job));
        memcpy(report.sha256, job.sha256, sizeof(report.sha256));
    } else {
        code = render_for_stdout(o, &for_stdout, report.sha256);
    }
    char final_hex[65] = "";
    if (code == EXIT_CLEAN && trail != NULL) {
        code = cli_out_open(trail);
        if (code == EXIT_CLEAN)
            code = write_trail(ctx, result, o, &report, trail, final_hex);
    }
    if (code == EXIT_CLEAN && for_stdout != NULL)
        code = copy_to_stdout(for_stdout);
    if (for_stdout != NULL)
        fclose(for_stdout);
    if (code == EXIT_CLEAN)
        code = cli_out_commit(files, count);
    for (size_t i = 0; i < count; i++)
        cli_out_discard(&files[i]); /* what was not renamed */
    if (code == EXIT_CLEAN && trail != NULL)
        cli_summary(stderr, "merit: audit trail written to %s; its closing line hashes to %s",
                    o->audit, final_hex);
    return code;
}
