/* merit rank CALLDIR [--method M] [--format F] [-o FILE] [--places N] [--detail] */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "merit/audit.h"
#include "merit/model.h"
#include "merit/result.h"
#include "report.h"

static void help(FILE *out)
{
    fprintf(out, "usage: merit rank CALLDIR [options]\n\n"
                 "Scores every proposal of the call, checks thresholds and eligibility, ranks\n"
                 "with the rubric's tie-breaks, draws the funding line against the budget and\n"
                 "writes a report. Nothing is written unless every input is valid.\n\n"
                 "options:\n"
                 "  --method M     aggregate reviewers with M instead of the rubric's method:\n"
                 "                 mean, median, trimmed-mean, confidence-weighted\n"
                 "  --format F     text (default), csv or json\n"
                 "  -o FILE        write the report to FILE (atomically) instead of stdout\n"
                 "  --places N     decimal places shown, 0 to 12 (default 2); rounding is half\n"
                 "                 to even and only for display\n"
                 "  --detail       csv: one row per proposal x reviewer x criterion\n"
            "  --audit FILE   also write the audit trail (docs/audit.md) to FILE; the\n"
            "                 time it records is SOURCE_DATE_EPOCH when that is set\n\n"
                 "Colour is used on a terminal unless NO_COLOR is set.\n"
                 "exit status: 0 ranked, 1 invalid input, 2 usage, 3 I/O error\n");
}

enum format { FORMAT_TEXT, FORMAT_CSV, FORMAT_JSON };

struct job {
    const merit_result *result;
    merit_report_options options;
    enum format format;
};

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

static const char *format_name(const struct job *job)
{
    switch (job->format) {
    case FORMAT_CSV:
        return job->options.detail ? "csv-detail" : "csv";
    case FORMAT_JSON:
        return "json";
    case FORMAT_TEXT:
        break;
    }
    return "text";
}

/* The time an audit trail records: SOURCE_DATE_EPOCH when set (for
 * reproducible trails), else now. */
static long long audit_time(void)
{
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    unsigned long v;
    if (epoch != NULL && cli_parse_uint(epoch, 253402300799ul, &v))
        return (long long)v;
    return (long long)time(NULL);
}

static int write_report(FILE *out, const void *arg)
{
    const struct job *job = arg;
    switch (job->format) {
    case FORMAT_CSV:
        return merit_report_csv(out, job->result, &job->options);
    case FORMAT_JSON:
        return merit_report_json(out, job->result, &job->options);
    case FORMAT_TEXT:
        break;
    }
    return merit_report_text(out, job->result, &job->options);
}

int cmd_rank(int argc, char **argv)
{
    const char *calldir = NULL, *output = NULL, *audit = NULL;
    struct job job = {0};
    job.options.places = 2;
    merit_rank_options ropt = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (cli_is_help(a)) {
            help(stdout);
            return EXIT_CLEAN;
        } else if (strcmp(a, "--method") == 0) {
            if (value == NULL || merit_method_from_name(value, &ropt.method) != 0)
                return cli_usage_error("rank: --method takes mean, median, trimmed-mean or "
                                       "confidence-weighted");
            ropt.override_method = true;
            i++;
        } else if (strcmp(a, "--format") == 0) {
            if (value != NULL && strcmp(value, "text") == 0)
                job.format = FORMAT_TEXT;
            else if (value != NULL && strcmp(value, "csv") == 0)
                job.format = FORMAT_CSV;
            else if (value != NULL && strcmp(value, "json") == 0)
                job.format = FORMAT_JSON;
            else
                return cli_usage_error("rank: --format takes text, csv or json");
            i++;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            if (value == NULL)
                return cli_usage_error("rank: %s needs a file name", a);
            output = value;
            i++;
        } else if (strcmp(a, "--audit") == 0) {
            if (value == NULL)
                return cli_usage_error("rank: --audit needs a file name");
            audit = value;
            i++;
        } else if (strcmp(a, "--places") == 0) {
            unsigned long n;
            if (!cli_parse_uint(value, 12, &n))
                return cli_usage_error("rank: --places takes a whole number from 0 to 12");
            job.options.places = (unsigned)n;
            i++;
        } else if (strcmp(a, "--detail") == 0) {
            job.options.detail = true;
        } else if (a[0] == '-' && a[1] != '\0') {
            return cli_usage_error("rank: unknown option '%s'", a);
        } else if (calldir == NULL) {
            calldir = a;
        } else {
            return cli_usage_error("rank: one call folder at a time ('%s' and '%s')", calldir, a);
        }
    }
    if (calldir == NULL) {
        help(stderr);
        return EXIT_USAGE;
    }
    if (job.options.detail && job.format != FORMAT_CSV)
        return cli_usage_error("rank: --detail goes with --format csv");
    const char *no_color = getenv("NO_COLOR");
    job.options.color = output == NULL && job.format == FORMAT_TEXT && isatty(STDOUT_FILENO) &&
                        (no_color == NULL || no_color[0] == '\0');

    merit_ctx *ctx = merit_ctx_new();
    if (ctx == NULL) {
        fputs("merit: error: out of memory\n", stderr);
        return EXIT_IO;
    }
    merit_call *call = NULL;
    merit_result *result = NULL;
    int rc = merit_call_load(ctx, calldir, &call);
    if (rc == 0)
        rc = merit_call_rank(ctx, call, &ropt, &result);
    cli_print_diags(ctx);
    int code = cli_exit_code(ctx, rc);
    if (code == EXIT_CLEAN) {
        job.result = result;
        /* render first: the audit trail records the report's hash, and a
         * failure leaves no partial output anywhere */
        char *data = NULL;
        size_t size = 0;
        FILE *mem = open_memstream(&data, &size);
        if (mem == NULL || write_report(mem, &job) != 0 || fclose(mem) != 0) {
            fputs("merit: error: out of memory while writing the report\n", stderr);
            code = EXIT_IO;
            mem = NULL;
        }
        struct bytes bytes = {data, size};
        merit_audit_report report = {output != NULL ? output : "-", format_name(&job), {0}};
        if (code == EXIT_CLEAN && audit != NULL && merit_sha256(data, size, report.sha256) != 0) {
            fputs("merit: error: cannot hash the report\n", stderr);
            code = EXIT_IO;
        }
        if (code == EXIT_CLEAN && output != NULL) {
            code = cli_write_atomic(output, write_bytes, &bytes);
        } else if (code == EXIT_CLEAN &&
                   (fwrite(data, 1, size, stdout) != size || fflush(stdout) != 0)) {
            fputs("merit: error: cannot write the report to standard output\n", stderr);
            code = EXIT_IO;
        }
        if (code == EXIT_CLEAN && audit != NULL) {
            /* the command as typed, with the program named "merit" whatever
             * path ran it, so that trails compare across builds */
            const char **command = calloc((size_t)argc + 1, sizeof(char *));
            if (command == NULL) {
                free(data);
                code = EXIT_IO;
                goto done;
            }
            command[0] = "merit";
            for (int i = 0; i < argc; i++)
                command[i + 1] = argv[i];
            merit_audit_info info = {argc + 1, command, audit_time(), job.options.places,
                                     ropt.override_method, &report, 1};
            struct audit_job aj = {ctx, result, &info, ""};
            code = cli_write_atomic(audit, write_audit, &aj);
            free((void *)command);
            if (code == EXIT_CLEAN)
                fprintf(stderr, "merit: audit trail written to %s; its closing line hashes to %s\n",
                        audit, aj.final_hex);
        }
        free(data);
    }
done:
    merit_result_free(result);
    merit_call_free(call);
    merit_ctx_free(ctx);
    return code;
}
