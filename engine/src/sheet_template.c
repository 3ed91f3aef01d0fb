/*
 * The score-sheet template of one reviewer (merit/sheets.h): a sheet of the
 * call that validates once every value="" and confidence="" is filled in,
 * and until then is reported as not filled in, review by review (sheet.c).
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "merit/number.h"
#include "merit/sheets.h"
#include "xml_write.h"

/* An exact number as merit writes it in its formats ("2.5", "10"). */
static void put_number(FILE *out, const mpq_t value)
{
    char *s = merit_exact_string(value);
    fputs(s != NULL ? s : "?", out);
    free(s);
}

/* The guide at the top: what to fill in, the scale, and every criterion
 * with its levels. */
static void put_guide(FILE *out, const merit_call *c, const merit_reviewer *rv)
{
    const merit_rubric *rb = c->rubric;
    fputs("<!-- Score sheet of reviewer ", out);
    merit__xw_comment(out, rv->id);
    fputs(" (", out);
    merit__xw_comment(out, rv->name);
    fputs(") for call ", out);
    merit__xw_comment(out, c->id);
    fputs(": ", out);
    merit__xw_comment(out, c->title);
    fputs(".\n     Written by merit sheets.\n\n"
          "     To fill in: give every value=\"\" a score and every confidence=\"\" a\n"
          "     whole number from 1 (low) to 5 (high). A criterion you cannot score\n"
          "     becomes <no-score criterion=\"ID\">the reason</no-score>. Text inside\n"
          "     <score> is your comment on that score, <comment> the overall one. A\n"
          "     conflict of your own goes under <conflicts>, and its review is taken\n"
          "     out. Before sending it, check it against the call with merit validate\n"
          "     and its call option (docs/cli.md, merit validate).\n\n",
          out);
    fputs("     Scale (rubric ", out);
    merit__xw_comment(out, rb->id);
    fputs(" version ", out);
    merit__xw_comment(out, rb->version);
    fputs("): ", out);
    put_number(out, rb->scale_min);
    fputs(" to ", out);
    put_number(out, rb->scale_max);
    fputs(" in steps of ", out);
    put_number(out, rb->scale_step);
    fputs(rb->direction == MERIT_LOWER_IS_BETTER ? ", lower is better.\n" : ", higher is better.\n",
          out);
    for (size_t i = 0; i < rb->criterion_count; i++) {
        const merit_criterion *cr = &rb->criteria[i];
        fputs("\n     ", out);
        merit__xw_comment(out, cr->id);
        fputs(": ", out);
        merit__xw_comment(out, cr->name);
        fputs(", weight ", out);
        put_number(out, cr->weight);
        if (cr->has_threshold) {
            fputs(rb->direction == MERIT_LOWER_IS_BETTER ? ", fundable at most "
                                                         : ", fundable from ",
                  out);
            put_number(out, cr->threshold);
        }
        fputs("\n", out);
        for (size_t k = 0; k < cr->level_count; k++) {
            fputs("       ", out);
            put_number(out, cr->levels[k].score);
            fputs(": ", out);
            merit__xw_comment(out, cr->levels[k].text);
            fputs("\n", out);
        }
    }
    fputs("-->\n", out);
}

int merit_sheet_template_write(FILE *out, const merit_call *c, const merit_assignment *a,
                               size_t reviewer)
{
    const merit_rubric *rb = c->rubric;
    const merit_reviewer *rv = &c->reviewers[reviewer];
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
    put_guide(out, c, rv);
    fputs("<sheet xmlns=\"urn:merit:1\" reviewer=\"", out);
    merit__xw_attr(out, rv->id);
    fputs("\" call=\"", out);
    merit__xw_attr(out, c->id);
    fputs("\">\n", out);
    /* conflicts: the office's noted, the reviewer's own kept */
    size_t own = 0;
    for (size_t i = 0; i < c->conflict_count; i++) {
        const merit_conflict *k = &c->conflicts[i];
        if (k->reviewer != reviewer)
            continue;
        if (!k->from_call) {
            own++;
            continue;
        }
        fputs("  <!-- Not for you to review: the programme office declared a conflict with ", out);
        merit__xw_comment(out, c->proposals[k->proposal].id);
        fputs(" (", out);
        merit__xw_comment(out, k->reason);
        fputs("). -->\n", out);
    }
    if (own > 0) {
        fputs("  <conflicts>\n", out);
        for (size_t i = 0; i < c->conflict_count; i++) {
            const merit_conflict *k = &c->conflicts[i];
            if (k->reviewer != reviewer || k->from_call)
                continue;
            fputs("    <conflict proposal=\"", out);
            merit__xw_attr(out, c->proposals[k->proposal].id);
            fputs("\">", out);
            merit__xw_text(out, k->reason);
            fputs("</conflict>\n", out);
        }
        fputs("  </conflicts>\n", out);
    }
    for (size_t p = 0; p < c->proposal_count; p++) {
        if (!merit_assignment_has(a, reviewer, p))
            continue;
        const merit_proposal *pr = &c->proposals[p];
        fputs("  <review proposal=\"", out);
        merit__xw_attr(out, pr->id);
        fputs("\" confidence=\"\">\n    <!-- ", out);
        merit__xw_comment(out, pr->id);
        fputs(": ", out);
        merit__xw_comment(out, pr->title);
        fputs(" -->\n", out);
        for (size_t i = 0; i < rb->criterion_count; i++) {
            fputs("    <score criterion=\"", out);
            merit__xw_attr(out, rb->criteria[i].id);
            fputs("\" value=\"\"></score>\n", out);
        }
        fputs("    <comment></comment>\n  </review>\n", out);
    }
    fputs("</sheet>\n", out);
    return ferror(out) ? -1 : 0;
}
