/* merit init DIR [options]: a new call that validates as it is written. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "merit/schemas.h"
#include "merit/skeleton.h"

static void help(FILE *out)
{
    fprintf(
        out,
        "usage: merit init DIR [options]\n\n"
        "Writes a new call into DIR (a new or empty folder): call.xml, the rubric,\n"
        "an example proposal that carries what the rubric requires\n"
        "(proposals/P01.xml), an empty reviews/ folder, and README.md on what to\n"
        "fill in and the commands that follow. merit validate DIR passes at once.\n\n"
        "options:\n"
        "  --rubric R      the rubric: a shipped one by name (manufacturing-usa,\n"
        "                  horizon-europe, nih), referenced from call.xml, or a\n"
        "                  rubric file, copied in as rubric.xml; without it, a\n"
        "                  plain rubric to edit (three criteria, 1 to 5), as\n"
        "                  rubric.xml\n"
        "  --copy-rubric   copy a shipped rubric in as rubric.xml, to edit\n"
        "  --id ID         the call's id (default: DIR's name)\n"
        "  --title TEXT    the call's title (default: 'Call ID')\n"
        "  --currency C    three capitals (default: USD)\n"
        "  --budget AMOUNT the money available for awards (default: 100000)\n"
        "  --reviewers IDS the panel's ids, apart by commas (default: r1,r2,r3)\n\n" CLI_COMMON_HELP
        "exit status: 0 written, 1 invalid rubric file, 2 usage, 3 I/O error\n");
}

/* Whether value is of the call schema's type, after a usage error saying
 * what it must be. */
static bool check_value(const char *what, const char *type, const char *value, int *code)
{
    for (const char *p = value; *p; p++)
        if ((unsigned char)*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') {
            *code = cli_usage_error("init: %s '%s' holds a control character, which XML cannot "
                                    "hold",
                                    what, value);
            return false;
        }
    const char *words = NULL;
    int rc = merit_schema_value_check("call", type, value, &words);
    if (rc == 0)
        return true;
    if (rc == MERIT_ENOMEM) {
        fputs("merit: error: out of memory\n", stderr);
        *code = EXIT_IO;
    } else {
        *code = cli_usage_error("init: %s '%s' is not %s", what, value, words);
    }
    return false;
}

/* A name as the shell reads it: as it is when it holds nothing the shell
 * takes apart, else in single quotes. malloc'd; NULL when out of memory. */
static char *sh_word(const char *s)
{
    bool plain = s[0] != '\0';
    for (const char *p = s; *p && plain; p++)
        plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/-+:,@",
                       *p) != NULL;
    if (plain)
        return strdup(s);
    size_t quotes = 0;
    for (const char *p = s; *p; p++)
        quotes += *p == '\'';
    char *w = malloc(strlen(s) + 3 * quotes + 3), *o = w;
    if (w == NULL)
        return NULL;
    *o++ = '\'';
    for (const char *p = s; *p; p++) {
        if (*p == '\'') {
            memcpy(o, "'\\''", 4);
            o += 4;
        } else {
            *o++ = *p;
        }
    }
    *o++ = '\'';
    *o = '\0';
    return w;
}

/* printf into a malloc'd string; NULL when out of memory. */
static char *cli_sprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *cli_sprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (s != NULL) {
        va_start(ap, fmt);
        vsnprintf(s, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    return s;
}

/* What a requirement asks for, in the README's words. */
static void put_need(FILE *out, const merit_requirement *q)
{
    switch (q->need) {
    case MERIT_NEED_MONTHS:
        fputs("the project's length in months (`months=\"24\"`)", out);
        break;
    case MERIT_NEED_APPLICANT:
        fputs("who applies (`<applicant>`)", out);
        break;
    case MERIT_NEED_AREA:
        fputs("an `<area>`", out);
        break;
    case MERIT_NEED_TEAM:
        fputs("a `<team>` of organisations, one of them the lead", out);
        break;
    case MERIT_NEED_ORG_FIELD:
        fprintf(out, "the attribute `%s` on every organisation",
                q->field == 1u   ? "type"
                : q->field == 2u ? "employees"
                : q->field == 4u ? "location"
                                 : "supply-chain");
        break;
    case MERIT_NEED_SECTION:
        if (merit_section_known(q->name) >= 0)
            fprintf(out, "the `<%s>` section", q->name);
        else
            fprintf(out, "the section `%s`", q->name);
        break;
    case MERIT_NEED_FACT:
        fprintf(out, "the declared fact `%s` (a number, in `<facts>`)", q->name);
        break;
    case MERIT_NEED_BUDGET:
        fputs("a yearly `<budget>` (federal, cash and in-kind money)", out);
        break;
    }
    fputs(": ", out);
    /* an element's name in the reason (its <requires> lists it) as code,
     * so that Markdown shows it rather than taking it for HTML */
    for (const char *p = q->reason; *p;) {
        size_t tag = p[0] == '<' ? strcspn(p, "> ") : 0;
        if (tag > 1 && p[tag] == '>') {
            fprintf(out, "`%.*s`", (int)tag + 1, p);
            p += tag + 1;
        } else {
            fputc(*p++, out);
        }
    }
}

struct init_args {
    const char *dir;
    const char *rubric;      /* as given; NULL: the plain rubric */
    const char *rubric_file; /* a rubric file to copy in; NULL */
    bool copy;
    const char *id, *title, *currency, *budget, *reviewers;
};

static int write_readme(FILE *out, const struct init_args *A, const char *dir,
                        const merit_skeleton_call *c, const merit_rubric *rb)
{
    char *d = sh_word(dir);
    if (d == NULL)
        return -1;
    fprintf(out, "# Call %s\n\n", c->id);
    fprintf(out,
            "Written by `merit init`: a call that merit validates as it is. Fill it in,\n"
            "then score and rank it with the commands below (merit's docs/tutorial.md\n"
            "goes through a whole call, from this folder to a ranked report).\n\n"
            "## What is here\n\n"
            "- `call.xml`: the call's id (`%s`), title, currency (%s), the money\n"
            "  available for awards, the rubric, and the panel of reviewers.\n",
            c->id, c->currency);
    if (c->rubric_name != NULL)
        fprintf(out,
                "- The rubric is merit's shipped rubric `%s` (%s), named in\n"
                "  `call.xml`; `merit init --rubric %s --copy-rubric` copies it into\n"
                "  the folder to edit.\n",
                rb->id, rb->title, rb->id);
    else if (A->rubric_file != NULL)
        fprintf(out, "- `rubric.xml`: the rubric `%s` (%s), copied from `%s`.\n", rb->id, rb->title,
                A->rubric_file);
    else if (A->rubric != NULL)
        fprintf(out, "- `rubric.xml`: a copy of merit's shipped rubric `%s` (%s), to edit.\n",
                rb->id, rb->title);
    else
        fputs("- `rubric.xml`: a plain rubric to edit: three criteria from 1 to 5,\n"
              "  weight 1 each, the mean of at least two reviewers (its comment says\n"
              "  what to change).\n",
              out);
    fputs("- `proposals/P01.xml`: an example proposal, with what every proposal of\n"
          "  this call must carry.\n"
          "- `reviews/`: empty; the reviewers' score sheets go here, one file each.\n\n"
          "## What to fill in\n\n",
          out);
    fprintf(out,
            "1. `call.xml`: the title, the budget (now %s %s), and the panel: one\n"
            "   `<reviewer>` per reviewer, each with an id of its own and a name.\n",
            c->budget, c->currency);
    if (c->rubric_name == NULL)
        fputs("2. `rubric.xml`: the criteria, their weights and the scale, before any\n"
              "   review comes in (the score sheets name the criteria).\n",
              out);
    else
        fputs("2. Nothing in the rubric: it is merit's own.\n", out);
    fputs("3. `proposals/`: one file per proposal, each from the example, with an id\n"
          "   of its own, the call's id, a title and the amount requested",
          out);
    if (rb->requirement_count == 0) {
        fprintf(out, "; rubric\n   `%s` requires nothing more.\n", rb->id);
    } else {
        fprintf(out, ". Rubric\n   `%s` also requires:\n", rb->id);
        for (size_t k = 0; k < rb->requirement_count; k++) {
            fputs("   - ", out);
            put_need(out, &rb->requirements[k]);
            fputs("\n", out);
        }
    }
    bool table = true; /* what the rubric requires, a table can give */
    for (size_t k = 0; k < rb->requirement_count; k++) {
        const merit_requirement *q = &rb->requirements[k];
        table = table && q->need != MERIT_NEED_TEAM && q->need != MERIT_NEED_ORG_FIELD &&
                q->need != MERIT_NEED_BUDGET &&
                (q->need != MERIT_NEED_SECTION ||
                 merit_section_known(q->name) != MERIT_SECTION_MILESTONES);
    }
    if (table)
        fprintf(out,
                "\n   A table of proposals (CSV or TSV, one row a proposal, columns `id`,\n"
                "   `title`, `applicant`, `request`, ...) imports as one file:\n\n"
                "       merit import proposals --call %s -o incoming proposals.csv\n"
                "       mv incoming/proposals.xml %s/proposals/\n\n",
                d, d);
    else
        fputs("\n   A table cannot hold what this rubric requires (a team, milestones or\n"
              "   a yearly budget): each proposal is a file of its own.\n\n",
              out);
    fputs("## Next commands\n\n", out);
    /* each command and what it does, the comments lined up */
    struct {
        char *command;
        const char *what;
    } lines[8] = {
        {cli_sprintf("merit validate %s", d), "every problem, in one run."},
        {cli_sprintf("merit sheets %s -o sheets", d),
         "a score-sheet template per reviewer, to send out."},
        {cli_sprintf("merit validate --call %s sheets/r1.xml", d),
         "a filled sheet, checked before it joins the call."},
        {cli_sprintf("merit import scores --call %s -o %s/reviews scores.csv", d, d),
         "or the scores from a spreadsheet."},
        {cli_sprintf("merit rank %s", d), "the ranking and the funding line."},
        {cli_sprintf("merit explain %s P01", d),
         "why P01 stands where it stands, with the arithmetic."},
        {cli_sprintf("merit rank %s -o ranking.txt --audit trail.jsonl", d),
         "the report, and every step of it recorded."},
        {cli_sprintf("merit replay trail.jsonl"),
         "later: the same inputs, and every step the same?"},
    };
    for (size_t i = 0; i < 8; i++) {
        fprintf(out, "- `%s`: %s\n", lines[i].command != NULL ? lines[i].command : "?",
                lines[i].what);
        free(lines[i].command);
    }
    fprintf(out,
            "\nThe filled score sheets go into `%s/reviews/`. `merit <command> --help`\n"
            "and merit's docs/cli.md describe each command; docs/formats.md every\n"
            "file.\n",
            dir);
    free(d);
    return ferror(out) ? -1 : 0;
}

/* Copies the file at path (a rubric already loaded from it) into out. */
static int copy_file(const char *path, FILE *out)
{
    FILE *in = fopen(path, "rb");
    if (in == NULL)
        return -1;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            break;
    int rc = ferror(in) || ferror(out) ? -1 : 0;
    fclose(in);
    return rc;
}

static int parse_args(int argc, char **argv, struct init_args *A)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        const char **slot = NULL;
        if (cli_is_help(a)) {
            help(stdout);
            return -1;
        } else if (strcmp(a, "--copy-rubric") == 0) {
            A->copy = true;
            continue;
        } else if (strcmp(a, "--rubric") == 0) {
            slot = &A->rubric;
        } else if (strcmp(a, "--id") == 0) {
            slot = &A->id;
        } else if (strcmp(a, "--title") == 0) {
            slot = &A->title;
        } else if (strcmp(a, "--currency") == 0) {
            slot = &A->currency;
        } else if (strcmp(a, "--budget") == 0) {
            slot = &A->budget;
        } else if (strcmp(a, "--reviewers") == 0) {
            slot = &A->reviewers;
        } else if (a[0] == '-' && a[1] != '\0') {
            return cli_usage_error("init: unknown option '%s'", a);
        } else if (A->dir != NULL) {
            return cli_usage_error("init: one folder at a time ('%s' and '%s')", A->dir, a);
        } else if (cli_is_stdio(a)) {
            return cli_usage_error("init: DIR is the folder to write the call into, which "
                                   "standard output ('-') cannot be");
        } else {
            A->dir = a;
            continue;
        }
        if (value == NULL || value[0] == '\0')
            return cli_usage_error("init: %s needs a value", a);
        *slot = value;
        i++;
    }
    if (A->dir == NULL) {
        help(stderr);
        return EXIT_USAGE;
    }
    return EXIT_CLEAN;
}

/* The panel's ids from "r1,r2,r3", each an id, each once. */
static int split_reviewers(const char *list, char ***ids_out, size_t *count_out)
{
    size_t n = 1;
    for (const char *p = list; *p; p++)
        n += *p == ',';
    char **ids = calloc(n, sizeof(*ids));
    if (ids == NULL) {
        fputs("merit: error: out of memory\n", stderr);
        return EXIT_IO;
    }
    int code = EXIT_CLEAN;
    size_t count = 0;
    for (const char *p = list;; p++) {
        size_t len = strcspn(p, ",");
        if ((ids[count] = strndup(p, len)) == NULL) {
            fputs("merit: error: out of memory\n", stderr);
            code = EXIT_IO;
            break;
        }
        count++;
        if (!check_value("reviewer id", "id", ids[count - 1], &code))
            break;
        for (size_t k = 0; k + 1 < count; k++)
            if (strcmp(ids[k], ids[count - 1]) == 0) {
                code = cli_usage_error("init: reviewer id '%s' is there twice", ids[k]);
                break;
            }
        if (code != EXIT_CLEAN || p[len] == '\0')
            break;
        p += len;
    }
    *ids_out = ids;
    *count_out = count;
    return code;
}

/* The call's id: --id, else the folder's name. */
static int call_id(const struct init_args *A, char **id_out)
{
    int code = EXIT_CLEAN;
    if (A->id != NULL) {
        if (!check_value("call id", "id", A->id, &code))
            return code;
        if ((*id_out = strdup(A->id)) == NULL) {
            fputs("merit: error: out of memory\n", stderr);
            return EXIT_IO;
        }
        return EXIT_CLEAN;
    }
    size_t len = strlen(A->dir);
    while (len > 1 && A->dir[len - 1] == '/')
        len--;
    size_t start = len;
    while (start > 0 && A->dir[start - 1] != '/')
        start--;
    char *name = strndup(A->dir + start, len - start);
    if (name == NULL) {
        fputs("merit: error: out of memory\n", stderr);
        return EXIT_IO;
    }
    const char *words = NULL;
    int rc = merit_schema_value_check("call", "id", name, &words);
    if (rc != 0) {
        code = rc == MERIT_ENOMEM ? EXIT_IO
                                  : cli_usage_error("init: the folder's name '%s' is not %s, "
                                                    "so it cannot be the call's id: give one "
                                                    "with --id",
                                                    name, words);
        free(name);
        return code;
    }
    *id_out = name;
    return EXIT_CLEAN;
}

/* The rubric: shipped by name, a file, or the plain one (loaded once it is
 * written, from the staging folder). */
static int load_rubric(merit_ctx *ctx, struct init_args *A, merit_rubric **out)
{
    if (A->rubric == NULL)
        return EXIT_CLEAN;
    size_t size;
    if (merit_skeleton_shipped_rubric(A->rubric, &size) != NULL) {
        int rc = merit_rubric_load_shipped(ctx, A->rubric, out);
        cli_print_diags(ctx);
        return cli_exit_code(ctx, rc);
    }
    struct stat st;
    if (stat(A->rubric, &st) != 0) {
        const char *const *names = merit_rubric_shipped_names();
        char list[200] = "";
        for (size_t i = 0; names[i] != NULL; i++)
            snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
                     names[i]);
        return cli_usage_error("init: --rubric takes a shipped rubric (%s) or a rubric file, "
                               "and '%s' is neither",
                               list, A->rubric);
    }
    A->rubric_file = A->rubric;
    int rc = merit_rubric_load_file(ctx, A->rubric, out);
    cli_print_diags(ctx);
    return cli_exit_code(ctx, rc);
}

static int write_call(cli_outdir *d, struct init_args *A, const merit_skeleton_call *c,
                      merit_ctx *ctx, merit_rubric **rubric)
{
    /* the rubric first: the example proposal is made from it */
    if (c->rubric_name == NULL) {
        FILE *f = cli_outdir_open(d, "rubric.xml");
        if (f == NULL)
            return EXIT_IO;
        size_t size = 0;
        const unsigned char *shipped = A->rubric != NULL && A->rubric_file == NULL
                                           ? merit_skeleton_shipped_rubric(A->rubric, &size)
                                           : NULL;
        int werr = 0;
        if (A->rubric_file != NULL)
            werr = copy_file(A->rubric_file, f);
        else if (shipped != NULL)
            werr = fwrite(shipped, 1, size, f) == size ? 0 : -1;
        else
            werr = fputs(merit_skeleton_plain_rubric(), f) < 0 ? -1 : 0;
        if (cli_outdir_close(d, f, werr) != EXIT_CLEAN)
            return EXIT_IO;
        if (*rubric == NULL) {
            char *path = cli_path_join(d->stage, "rubric.xml");
            int rc = path != NULL ? merit_rubric_load_file(ctx, path, rubric) : MERIT_ENOMEM;
            free(path);
            if (rc != 0) {
                cli_print_diags(ctx);
                cli_error("init: internal error: the plain rubric does not load");
                return EXIT_IO;
            }
        }
    }
    FILE *f = cli_outdir_open(d, "call.xml");
    if (f == NULL || cli_outdir_close(d, f, merit_skeleton_call_write(f, c)) != EXIT_CLEAN)
        return EXIT_IO;
    if (cli_outdir_mkdir(d, "proposals") != EXIT_CLEAN ||
        cli_outdir_mkdir(d, "reviews") != EXIT_CLEAN)
        return EXIT_IO;
    f = cli_outdir_open(d, "proposals/P01.xml");
    if (f == NULL || cli_outdir_close(d, f,
                                      merit_skeleton_proposal_write(f, *rubric, c->id, c->currency,
                                                                    "P01")) != EXIT_CLEAN)
        return EXIT_IO;
    f = cli_outdir_open(d, "README.md");
    if (f == NULL || cli_outdir_close(d, f, write_readme(f, A, d->dir, c, *rubric)) != EXIT_CLEAN)
        return EXIT_IO;
    /* what merit validate will say: nothing wrong (else it is merit's bug) */
    merit_ctx_clear_diags(ctx);
    merit_call *call = NULL;
    int rc = merit_call_load(ctx, d->stage, &call);
    merit_call_free(call);
    if (rc != 0) {
        cli_print_diags(ctx);
        cli_error("init: internal error: the call written does not validate");
        return EXIT_IO;
    }
    return EXIT_CLEAN;
}

int cmd_init(int argc, char **argv)
{
    struct init_args A = {0};
    int code = parse_args(argc, argv, &A);
    if (code != EXIT_CLEAN)
        return code == -1 ? EXIT_CLEAN : code;
    if (A.copy && A.rubric == NULL)
        return cli_usage_error("init: --copy-rubric goes with --rubric NAME (without --rubric, "
                               "the plain rubric is copied in anyway)");
    merit_skeleton_call c = {
        .currency = A.currency != NULL ? A.currency : "USD",
        .budget = A.budget != NULL ? A.budget : "100000",
    };
    char *id = NULL, *title = NULL;
    char **reviewers = NULL;
    size_t reviewer_count = 0;
    merit_ctx *ctx = NULL;
    merit_rubric *rubric = NULL;
    code = call_id(&A, &id);
    if (code == EXIT_CLEAN) {
        title = A.title != NULL ? strdup(A.title) : malloc(strlen(id) + 6);
        if (title == NULL) {
            fputs("merit: error: out of memory\n", stderr);
            code = EXIT_IO;
        } else if (A.title == NULL) {
            memcpy(title, "Call ", 5);
            memcpy(title + 5, id, strlen(id) + 1);
        }
    }
    if (code == EXIT_CLEAN && check_value("title", "shortText", title, &code) &&
        check_value("currency", "currency", c.currency, &code) &&
        check_value("budget", "amount", c.budget, &code))
        code = split_reviewers(A.reviewers != NULL ? A.reviewers : "r1,r2,r3", &reviewers,
                               &reviewer_count);
    if (code == EXIT_CLEAN && (ctx = cli_context()) == NULL) {
        fputs("merit: error: out of memory\n", stderr);
        code = EXIT_IO;
    }
    if (code == EXIT_CLEAN)
        code = load_rubric(ctx, &A, &rubric);
    if (code == EXIT_CLEAN) {
        c.id = id;
        c.title = title;
        c.reviewers = (const char *const *)reviewers;
        c.reviewer_count = reviewer_count;
        if (A.rubric != NULL && A.rubric_file == NULL && !A.copy)
            c.rubric_name = A.rubric;
        cli_outdir d;
        code = cli_outdir_begin("init", A.dir, &d);
        if (code == EXIT_CLEAN) {
            code = write_call(&d, &A, &c, ctx, &rubric);
            if (code != EXIT_CLEAN)
                cli_outdir_abort(&d);
            else
                code = cli_outdir_commit(&d);
        }
    }
    if (code == EXIT_CLEAN) {
        size_t len = strlen(A.dir);
        while (len > 1 && A.dir[len - 1] == '/')
            len--;
        char *dir = strndup(A.dir, len);
        char *readme = dir != NULL ? cli_path_join(dir, "README.md") : NULL;
        cli_summary(stdout,
                    "%s: call %s with rubric %s, %zu reviewer%s and an example proposal; %s "
                    "says what to fill in",
                    dir != NULL ? dir : A.dir, id, rubric->id, reviewer_count,
                    reviewer_count == 1 ? "" : "s", readme != NULL ? readme : "README.md");
        free(readme);
        free(dir);
    }
    merit_rubric_free(rubric);
    merit_ctx_free(ctx);
    for (size_t i = 0; i < reviewer_count; i++)
        free(reviewers[i]);
    free(reviewers);
    free(title);
    free(id);
    return code;
}
