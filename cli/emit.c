/* Writing what a ranking command produced: the report (to a file,
 * atomically, or to standard output) and, when asked, the audit trail that
 * records the report's hash. */
#define _GNU_SOURCE /* fopencookie */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "merit/audit.h"

/* A stream that passes what is written to `out` and hashes it on the way:
 * the trail records the hash of the report as written. */
struct hashing {
    FILE *out;
    void *hash;
    size_t size;
};

static ssize_t hashing_write(void *cookie, const char *buf, size_t size)
{
    struct hashing *h = cookie;
    if (merit_sha256_add(h->hash, buf, size) != 0 || fwrite(buf, 1, size, h->out) != size)
        return -1;
    h->size += size;
    return (ssize_t)size;
}

struct render_job {
    const cli_output *o;
    unsigned char sha256[32];
};

/* Renders the report into out through a hashing stream. */
static int write_report_hashed(FILE *out, const void *arg)
{
    struct render_job *job = (struct render_job *)(uintptr_t)arg;
    struct hashing h = {out, merit_sha256_begin(), 0};
    if (h.hash == NULL)
        return -1;
    cookie_io_functions_t io = {.write = hashing_write};
    FILE *through = fopencookie(&h, "w", io);
    if (through == NULL) {
        unsigned char ignored[32];
        merit_sha256_end(h.hash, ignored);
        return -1;
    }
    int werr = job->o->render(through, job->o->render_arg);
    if (fclose(through) != 0)
        werr = -1;
    if (merit_sha256_end(h.hash, job->sha256) != 0)
        werr = -1;
    return werr;
}

/* Renders the report into memory (*data_out malloc'd). Returns an exit
 * code. */
static int render_in_memory(const cli_output *o, char **data_out, size_t *size_out)
{
    *data_out = NULL;
    *size_out = 0;
    FILE *mem = open_memstream(data_out, size_out);
    if (mem == NULL) {
        fputs("merit: error: out of memory\n", stderr);
        return EXIT_IO;
    }
    int werr = o->render(mem, o->render_arg);
    if (fclose(mem) != 0 || werr != 0) {
        fputs("merit: error: cannot produce the output (out of memory)\n", stderr);
        free(*data_out);
        *data_out = NULL;
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
    merit_audit_report report = {o->output != NULL ? o->output : "-", o->format, {0}};
    if (o->output != NULL) {
        struct render_job job = {o, {0}};
        int code = cli_write_atomic(o->output, write_report_hashed, &job);
        if (code != EXIT_CLEAN)
            return code;
        memcpy(report.sha256, job.sha256, sizeof(report.sha256));
    } else {
        char *data;
        size_t size;
        int code = render_in_memory(o, &data, &size);
        if (code != EXIT_CLEAN)
            return code;
        if (o->audit != NULL && merit_sha256(data, size, report.sha256) != 0) {
            fputs("merit: error: cannot hash the report\n", stderr);
            free(data);
            return EXIT_IO;
        }
        bool written = fwrite(data, 1, size, stdout) == size && fflush(stdout) == 0;
        free(data);
        if (!written) {
            fputs("merit: error: cannot write to standard output\n", stderr);
            return EXIT_IO;
        }
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
