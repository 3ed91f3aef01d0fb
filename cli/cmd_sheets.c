/* merit sheets CALLDIR -o DIR: one score-sheet template per reviewer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "merit/sheets.h"
#include "merit/table.h"

static void help(FILE *out)
{
    fprintf(out,
            "usage: merit sheets CALLDIR -o DIR [options]\n\n"
            "Writes one score-sheet template per reviewer of the call's panel into DIR,\n"
            "named after the reviewer (DIR/r1.xml): a <sheet> with one <review> per\n"
            "proposal given to the reviewer, every criterion of the rubric with an empty\n"
            "value=\"\" to fill in, confidence=\"\", and the scale and each criterion's\n"
            "levels in a comment at the top. Every proposal is given to every reviewer\n"
            "but those they have a conflict with (declared in call.xml or in their own\n"
            "sheet), which are noted in comments; with --assignment, exactly those a\n"
            "table gives them. Until every value is filled in,\n"
            "'merit validate' says which are missing, review by review.\n\n"
            "options:\n"
            "  -o DIR, --output DIR  the folder to write: a new one, or an empty one\n"
            "  --assignment FILE  a CSV or TSV table with columns reviewer and\n"
            "                 proposal, one row a pair (docs/cli.md)\n" CLI_LIMIT_HELP
            "\n" CLI_COMMON_HELP "exit status: 0 written, 1 invalid call, 2 usage, 3 I/O error\n");
}

/* A reviewer id as a file name: ids are [A-Za-z0-9._-] words, but one that
 * could step out of DIR or hide is refused rather than trusted. */
int cli_read_assignment(merit_ctx *ctx, const merit_call *call, const char *path,
                        struct merit_assignment **out)
{
    merit_table *table = NULL;
    int rc = merit_table_read(ctx, path, cli_table_separator(path), &table);
    if (rc == 0)
        rc = merit_assignment_from_table(ctx, call, table, out);
    merit_table_free(table);
    return rc;
}

static bool safe_name(const char *id)
{
    return id[0] != '\0' && id[0] != '.' && strchr(id, '/') == NULL;
}

static int write_templates(const merit_call *call, const merit_assignment *a, const char *dir,
                           size_t *reviews_out)
{
    cli_outdir d;
    int code = cli_outdir_begin("sheets", dir, &d);
    if (code != EXIT_CLEAN)
        return code;
    *reviews_out = 0;
    for (size_t r = 0; r < call->reviewer_count; r++) {
        const char *id = call->reviewers[r].id;
        if (!safe_name(id)) {
            cli_error("sheets: reviewer id '%s' cannot name a file", id);
            cli_outdir_abort(&d);
            return EXIT_INVALID;
        }
        char *name = malloc(strlen(id) + 5);
        if (name == NULL) {
            fputs("merit: error: out of memory\n", stderr);
            cli_outdir_abort(&d);
            return EXIT_IO;
        }
        memcpy(name, id, strlen(id));
        memcpy(name + strlen(id), ".xml", 5);
        FILE *f = cli_outdir_open(&d, name);
        free(name);
        if (f == NULL) {
            cli_outdir_abort(&d);
            return EXIT_IO;
        }
        int werr = merit_sheet_template_write(f, call, a, r);
        if (cli_outdir_close(&d, f, werr) != EXIT_CLEAN) {
            cli_outdir_abort(&d);
            return EXIT_IO;
        }
        for (size_t p = 0; p < call->proposal_count; p++)
            *reviews_out += merit_assignment_has(a, r, p);
    }
    return cli_outdir_commit(&d);
}

int cmd_sheets(int argc, char **argv)
{
    merit_limits limits = {0};
    const char *calldir = NULL, *dir = NULL, *assignment = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (cli_is_help(a)) {
            help(stdout);
            return EXIT_CLEAN;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            if (value == NULL || value[0] == '\0')
                return cli_usage_error("sheets: %s needs a folder name", a);
            if (cli_is_stdio(value))
                return cli_usage_error("sheets: %s takes a folder, which standard output ('-') "
                                       "cannot be",
                                       a);
            dir = value;
            i++;
        } else if (strcmp(a, "--assignment") == 0) {
            if (value == NULL || value[0] == '\0')
                return cli_usage_error("sheets: --assignment needs a file name");
            assignment = value;
            i++;
        } else if (strcmp(a, "--limit") == 0) {
            if (!cli_limit("sheets", value, &limits))
                return EXIT_USAGE;
            i++;
        } else if (a[0] == '-' && a[1] != '\0') {
            return cli_usage_error("sheets: unknown option '%s'", a);
        } else if (calldir != NULL) {
            return cli_usage_error("sheets: one call at a time ('%s' and '%s')", calldir, a);
        } else if (cli_is_stdio(a)) {
            return cli_calldir_stdin("sheets");
        } else {
            calldir = a;
        }
    }
    if (calldir == NULL || dir == NULL) {
        help(stderr);
        return EXIT_USAGE;
    }
    merit_ctx *ctx = cli_context();
    if (ctx == NULL) {
        fputs("merit: error: out of memory\n", stderr);
        return EXIT_IO;
    }
    merit_ctx_set_limits(ctx, &limits);
    merit_ctx_set_keep_comments(ctx, false); /* a template holds none */
    merit_call *call = NULL;
    merit_assignment *a = NULL;
    int rc = merit_call_load(ctx, calldir, &call);
    if (rc == 0 && assignment != NULL)
        rc = cli_read_assignment(ctx, call, assignment, &a);
    else if (rc == 0)
        rc = merit_assignment_default(ctx, call, &a);
    cli_print_diags(ctx);
    int code = cli_exit_code(ctx, rc);
    if (rc == 0) {
        size_t reviews = 0;
        code = write_templates(call, a, dir, &reviews);
        if (code == EXIT_CLEAN)
            cli_summary(
                stdout, "%s: %zu score-sheet template%s for call %s, %zu reviews to fill in", dir,
                call->reviewer_count, call->reviewer_count == 1 ? "" : "s", call->id, reviews);
    }
    merit_assignment_free(a);
    merit_call_free(call);
    merit_ctx_free(ctx);
    return code;
}
