/* A program that embeds merit: loads a call, ranks it, and prints the top
 * three proposals (rank, id, total to two places and exact, title).
 *
 *   cc top3.c $(pkg-config --cflags --libs merit) -o top3
 *   ./top3 proposals/mfg-2026
 *
 * Built and run against the installed library by tests/install.sh, shared
 * and static (docs/library.md). Exit status: 0, 1 when the call is invalid
 * (the diagnostics on stderr), 2 for a wrong command line. */
#include <stdio.h>
#include <stdlib.h>

#include <merit/escape.h>
#include <merit/merit.h>
#include <merit/model.h>
#include <merit/number.h>
#include <merit/report.h>
#include <merit/result.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: top3 CALLDIR\n", stderr);
        return 2;
    }
    merit_ctx *ctx = merit_ctx_new(); /* ours: merit_ctx_free */
    if (ctx == NULL) {
        fputs("top3: out of memory\n", stderr);
        return 1;
    }
    merit_call *call = NULL;  /* ours: merit_call_free */
    merit_result *res = NULL; /* ours: merit_result_free */
    merit_rank_options options = {0};
    int rc = merit_call_load(ctx, argv[1], &call);
    if (rc == 0)
        rc = merit_call_rank(ctx, call, &options, &res);
    /* every diagnostic, warnings included; each line is safe to print */
    for (size_t i = 0; i < merit_ctx_diag_count(ctx); i++) {
        char *line = merit_diag_format(merit_ctx_diag(ctx, i));
        fprintf(stderr, "%s\n", line != NULL ? line : "top3: out of memory");
        free(line);
    }
    if (rc == 0) {
        /* ids and titles come from the call's files: written through the
         * sink's escaper, never printed raw */
        merit_sink sink;
        merit_sink_init(&sink, stdout, false);
        size_t shown = res->ranked_count < 3 ? res->ranked_count : 3;
        for (size_t i = 0; i < shown; i++) {
            const merit_proposal_result *p = &res->proposals[res->order[i]];
            const merit_proposal *prop = &call->proposals[p->proposal];
            merit_sink_printf(&sink, "%zu%s ", p->rank, p->rank_shared ? "=" : "");
            merit_sink_shown(&sink, prop->id, 0);
            merit_sink_puts(&sink, " ");
            merit_sink_take(&sink, merit_decimal_string(p->total, 2));
            merit_sink_puts(&sink, " (");
            merit_sink_take(&sink, merit_exact_string(p->total));
            merit_sink_puts(&sink, ") ");
            merit_sink_shown(&sink, prop->title, MERIT_ESCAPE_PROSE);
            merit_sink_puts(&sink, "\n");
        }
        rc = merit_sink_finish(&sink, NULL);
        if (fflush(stdout) != 0 && rc == 0)
            rc = MERIT_EIO;
        if (rc != 0)
            fputs("top3: cannot write the ranking\n", stderr);
    }
    merit_result_free(res);
    merit_call_free(call);
    merit_ctx_free(ctx);
    return rc == 0 ? 0 : 1;
}
