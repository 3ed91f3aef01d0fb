/*
 * The reports people are given after a ranking (issue 12): the feedback
 * each applicant receives (`merit summary`) and the report the panel reads
 * at its meeting (`merit panel`). Both are writers on the output kit
 * (merit/report.h): they read the result model, write into a sink, and
 * pass every text that comes from an input through the escaper of their
 * format. They return 0 or the sink's first error (MERIT_ENOMEM, MERIT_EIO).
 *
 * Ownership as in merit.h: nothing here keeps what it is given.
 */
#ifndef MERIT_REPORTS_FEEDBACK_H
#define MERIT_REPORTS_FEEDBACK_H

#include <stddef.h>

#include "merit/report.h"

typedef enum merit_summary_format {
    MERIT_SUMMARY_TEXT = 0,
    MERIT_SUMMARY_MARKDOWN,
    MERIT_SUMMARY_HTML,
} merit_summary_format;

/* "text", "md", "html" from the command line; -1 for another name. */
int merit_summary_format_from_name(const char *name, merit_summary_format *out);
/* The file name extension of a format, without the dot: "txt", "md",
 * "html". */
const char *merit_summary_extension(merit_summary_format format);

/*
 * One applicant's feedback on proposal res->proposals[index]: the outcome
 * (status; rank when ranked, i.e. funded or reserve; why not, when not
 * ranked), the total and its threshold, then criterion by criterion the
 * aggregated score (rounded to opt->places) and threshold with the
 * reviewers' scores and comments, then the reviews' overall comments.
 *
 * Only this proposal's counted reviews are read: an excluded (conflicted)
 * review is left out entirely, not even counted. Reviewers are anonymised
 * as "Reviewer 1", "Reviewer 2", ... in the order of merit_summary_order;
 * no reviewer's id, name or affiliation is written. The call must have
 * been loaded with comments kept (merit_ctx_set_keep_comments); without
 * them only scores are shown.
 */
int merit_report_summary(merit_sink *sink, const merit_result *res, size_t index,
                         merit_summary_format format, const merit_report_options *opt);

/*
 * The counted reviews of proposal `index` (indices into call->reviews), in
 * the order their reviewers are numbered: by the SHA-256 of the call file's
 * own SHA-256, the proposal's id and the reviewer's id (ties, which would
 * need a collision, by reviewer id). So the numbering is the same on every
 * run and machine, differs from proposal to proposal (Reviewer 1 of one
 * proposal is not known to be Reviewer 1 of another), and cannot be
 * worked back to the reviewers' ids without call.xml, which holds the
 * panel and is never given to applicants. *out is malloc'd (NULL when
 * there is none); returns 0 or MERIT_ENOMEM.
 */
int merit_summary_order(const merit_result *res, size_t index, size_t **out, size_t *count_out);

/* The proposal of call with this id: its index, or SIZE_MAX with *near_out
 * the one id nearest to it ("did you mean", engine/src/suggest.h) or NULL. */
size_t merit_report_find_proposal(const merit_call *call, const char *id, const char **near_out);

/*
 * The panel's report for its meeting: the proposals flagged for
 * disagreement first, then the others, each in report order with its
 * counted reviewers' scores side by side (criteria by reviewers, reviewers
 * named by id) and each criterion's gap (highest less lowest score), the
 * largest gaps marked; then the reviewer table (reviews counted and
 * excluded, the mean total each gave against the mean aggregated total of
 * the same proposals), and the agreement paragraph
 * (merit__panel_agreement). Text and HTML; the writer signature of
 * merit/report.h.
 */
int merit_report_panel_text(merit_sink *sink, const merit_result *res,
                            const merit_report_options *opt);
int merit_report_panel_html(merit_sink *sink, const merit_result *res,
                            const merit_report_options *opt);

/* The panel's agreement in the report's format: Krippendorff's alpha on
 * the reviewers' totals and the reviewers the calibration flags
 * (docs/scoring.md). Returns true, or false with the sink failed (out of
 * memory). */
bool merit__panel_agreement(merit_sink *sink, const merit_result *res,
                            const merit_report_options *opt, bool html);

#endif
