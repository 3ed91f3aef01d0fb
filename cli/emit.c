/* Writing what a ranking command produced: the report (to a file,
 * atomically, or to standard output) and, when asked, the audit trail that
 * records the report's hash. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "merit/audit.h"

struct bytes {
    const char *data;
    size_t size;
};

static int write_bytes(FILE *out, const void *arg)
{
    const struct bytes *b = arg;
    return fwrite(b->data, 1, b->size, out) == b->size ? 0 : -1;
}

struct audit_job {
    merit_ctx *ctx;
    const merit_result *result;
    const merit_audit_info *info;
    char final_hex[65];
};

static int write_audit(FILE *out, const void *arg)
{
    struct audit_job *job = (struct audit_job *)(uintptr_t)arg;
    return merit_audit_write(job->ctx, job->result, job->info, out, job->final_hex);
}

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

int cli_emit(merit_ctx *ctx, const merit_result *result, const cli_output *o)
{
    struct bytes bytes = {o->data, o->size};
    merit_audit_report report = {o->output != NULL ? o->output : "-", o->format, {0}};
    if (o->audit != NULL && merit_sha256(o->data, o->size, report.sha256) != 0) {
        fputs("merit: error: cannot hash the report\n", stderr);
        return EXIT_IO;
    }
    if (o->output != NULL) {
        int code = cli_write_atomic(o->output, write_bytes, &bytes);
        if (code != EXIT_CLEAN)
            return code;
    } else if (fwrite(o->data, 1, o->size, stdout) != o->size || fflush(stdout) != 0) {
        fputs("merit: error: cannot write to standard output\n", stderr);
        return EXIT_IO;
    }
    if (o->audit == NULL)
        return EXIT_CLEAN;
    /* the command as typed, with the program named "merit" whatever path
     * ran it, so that trails compare across builds */
    const char **command = calloc((size_t)o->argc + 1, sizeof(char *));
    if (command == NULL) {
        fputs("merit: error: out of memory\n", stderr);
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
                             .keep_going = o->keep_going,
                             .reports = &report,
                             .report_count = 1};
    struct audit_job job = {ctx, result, &info, ""};
    int code = cli_write_atomic(o->audit, write_audit, &job);
    free((void *)command);
    if (code == EXIT_CLEAN)
        fprintf(stderr, "merit: audit trail written to %s; its closing line hashes to %s\n",
                o->audit, job.final_hex);
    return code;
}

int cli_render(cli_renderer render, const void *arg, char **data_out, size_t *size_out)
{
    *data_out = NULL;
    *size_out = 0;
    FILE *mem = open_memstream(data_out, size_out);
    if (mem == NULL) {
        fputs("merit: error: out of memory\n", stderr);
        return EXIT_IO;
    }
    int werr = render(mem, arg);
    if (fclose(mem) != 0 || werr != 0) {
        fputs("merit: error: cannot produce the output (out of memory)\n", stderr);
        free(*data_out);
        *data_out = NULL;
        return EXIT_IO;
    }
    return EXIT_CLEAN;
}
