/*
 * An applicant's feedback (`merit summary`, reports/feedback.h): one
 * proposal's outcome, scores and its reviewers' comments, the reviewers
 * anonymised. Text, Markdown or HTML.
 *
 * What must never reach the file: another proposal's text, an excluded
 * review, a reviewer's id, name or affiliation. So the writer reads only
 * this proposal's result, its counted reviews (found through
 * merit_summary_order) and the rubric, and names a reviewer by number.
 */
#include <stdlib.h>
#include <string.h>

#include "feedback.h"
#include "merit/escape.h"
#include "report.h"
#include "suggest.h"

int merit_summary_format_from_name(const char *name, merit_summary_format *out)
{
    if (strcmp(name, "text") == 0)
        *out = MERIT_SUMMARY_TEXT;
    else if (strcmp(name, "md") == 0 || strcmp(name, "markdown") == 0)
        *out = MERIT_SUMMARY_MARKDOWN;
    else if (strcmp(name, "html") == 0)
        *out = MERIT_SUMMARY_HTML;
    else
        return -1;
    return 0;
}

const char *merit_summary_extension(merit_summary_format format)
{
    switch (format) {
    case MERIT_SUMMARY_MARKDOWN:
        return "md";
    case MERIT_SUMMARY_HTML:
        return "html";
    case MERIT_SUMMARY_TEXT:
        break;
    }
    return "txt";
}

size_t merit_report_find_proposal(const merit_call *call, const char *id, const char **near_out)
{
    *near_out = NULL;
    /* proposals are sorted by id, bytewise (merit/model.h) */
    size_t lo = 0, hi = call->proposal_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(call->proposals[mid].id, id);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    struct merit_suggest s;
    merit__suggest_init(&s, call->proposals, offsetof(merit_proposal, id), call->proposal_count,
                        sizeof(merit_proposal));
    *near_out = merit__suggest(&s, id);
    return SIZE_MAX;
}

/* --- the anonymous order ------------------------------------------------------ */

struct keyed {
    size_t review;
    size_t reviewer;
    unsigned char key[32];
};

static int compare_keyed(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    int c = memcmp(x->key, y->key, sizeof(x->key));
    if (c == 0)
        c = (x->reviewer > y->reviewer) - (x->reviewer < y->reviewer);
    return c;
}

/* The call file's digest: the salt that keeps the order from being worked
 * back to reviewer ids by anyone who has not got call.xml. Zeros when the
 * call has no such file recorded (never, for a loaded call). */
static void call_salt(const merit_call *call, unsigned char salt[32])
{
    memset(salt, 0, 32);
    for (size_t i = 0; i < call->file_count; i++)
        if (call->files[i].hashed && strcmp(call->files[i].relpath, "call.xml") == 0) {
            memcpy(salt, call->files[i].sha256, 32);
            return;
        }
}

int merit_summary_order(const merit_result *res, size_t index, size_t **out, size_t *count_out)
{
    const merit_call *call = res->call;
    *out = NULL;
    *count_out = 0;
    size_t first = merit_report_first_review(call, index), n = 0;
    for (size_t i = first; i < call->review_count && call->reviews[i].proposal == index; i++)
        n += res->reviews[i].counted;
    if (n == 0)
        return 0;
    struct keyed *k = calloc(n, sizeof(*k));
    size_t *order = malloc(n * sizeof(*order));
    if (k == NULL || order == NULL) {
        free(k);
        free(order);
        return MERIT_ENOMEM;
    }
    unsigned char salt[32];
    call_salt(call, salt);
    static const char domain[] = "merit summary reviewer order 1";
    size_t m = 0;
    int rc = 0;
    for (size_t i = first; i < call->review_count && call->reviews[i].proposal == index; i++) {
        if (!res->reviews[i].counted)
            continue;
        const merit_review *rv = &call->reviews[i];
        const char *pid = call->proposals[index].id, *rid = call->reviewers[rv->reviewer].id;
        void *h = merit_sha256_begin();
        /* each part with its terminating NUL, so that no two (proposal,
         * reviewer) pairs give the same bytes */
        if (h == NULL || merit_sha256_add(h, domain, sizeof(domain)) != 0 ||
            merit_sha256_add(h, salt, sizeof(salt)) != 0 ||
            merit_sha256_add(h, pid, strlen(pid) + 1) != 0 ||
            merit_sha256_add(h, rid, strlen(rid) + 1) != 0) {
            if (h != NULL)
                merit_sha256_end(h, k[m].key);
            rc = MERIT_ENOMEM;
            break;
        }
        if (merit_sha256_end(h, k[m].key) != 0) {
            rc = MERIT_ENOMEM;
            break;
        }
        k[m].review = i;
        k[m].reviewer = rv->reviewer;
        m++;
    }
    if (rc != 0) {
        free(k);
        free(order);
        return rc;
    }
    qsort(k, n, sizeof(*k), compare_keyed);
    for (size_t i = 0; i < n; i++)
        order[i] = k[i].review;
    free(k);
    *out = order;
    *count_out = n;
    return 0;
}

/* --- writing ------------------------------------------------------------------ */

struct writer {
    merit_sink *sink;
    merit_summary_format format;
    const merit_result *res;
    const merit_report_options *opt;
};

/* Prose from an input (a title, a name, a comment, a reason). */
static void prose(struct writer *w, const char *text)
{
    switch (w->format) {
    case MERIT_SUMMARY_TEXT:
        merit_sink_shown(w->sink, text, MERIT_ESCAPE_PROSE);
        break;
    case MERIT_SUMMARY_MARKDOWN:
        merit_sink_markdown(w->sink, text);
        break;
    case MERIT_SUMMARY_HTML:
        merit_sink_html(w->sink, text);
        break;
    }
}

/* An id from an input (the proposal's, the call's). */
static void ident(struct writer *w, const char *text)
{
    if (w->format == MERIT_SUMMARY_TEXT)
        merit_sink_shown(w->sink, text, 0);
    else
        prose(w, text);
}

/* merit's own words, formatted. */
static void own(struct writer *w, const char *text)
{
    merit_sink_puts(w->sink, text);
}

/* An exact number as a finite decimal or a fraction (weights, thresholds,
 * a reviewer's score: values written in the inputs). */
static void exact(struct writer *w, mpq_srcptr value)
{
    merit_sink_take(w->sink, merit_exact_string(value));
}

/* A computed number, rounded for display. */
static void rounded(struct writer *w, mpq_srcptr value)
{
    merit_sink_take(w->sink, merit_decimal_string(value, w->opt->places));
}

static void threshold(struct writer *w, bool has, mpq_srcptr value)
{
    if (!has) {
        own(w, "no threshold");
        return;
    }
    own(w, w->res->call->rubric->direction == MERIT_LOWER_IS_BETTER ? "threshold: at most "
                                                                    : "threshold: at least ");
    exact(w, value);
}

/* The start and end of a fact line: "Outcome: ..." */
static void fact_begin(struct writer *w, const char *name)
{
    switch (w->format) {
    case MERIT_SUMMARY_TEXT:
        merit_sink_printf(w->sink, "%s: ", name);
        break;
    case MERIT_SUMMARY_MARKDOWN:
        merit_sink_printf(w->sink, "- %s: ", name);
        break;
    case MERIT_SUMMARY_HTML:
        merit_sink_printf(w->sink, "<dt>%s</dt><dd>", name);
        break;
    }
}

static void fact_end(struct writer *w)
{
    own(w, w->format == MERIT_SUMMARY_HTML ? "</dd>\n" : "\n");
}

static void heading(struct writer *w, int level, const char *own_text, const char *input_text)
{
    if (w->format == MERIT_SUMMARY_MARKDOWN)
        merit_sink_printf(w->sink, "%s ", level == 1 ? "#" : "##");
    else if (w->format == MERIT_SUMMARY_HTML)
        merit_sink_printf(w->sink, "<h%d>", level);
    own(w, own_text);
    if (input_text != NULL)
        ident(w, input_text);
    if (w->format == MERIT_SUMMARY_HTML)
        merit_sink_printf(w->sink, "</h%d>\n", level);
    else
        own(w, "\n");
}

/* One reviewer's line under a criterion or under the overall comments:
 * "Reviewer 2, score 8.5: comment". score NULL: the overall comment;
 * no_score: the reviewer abstained (text: the reason). */
static void reviewer_item(struct writer *w, size_t number, const char *score, bool no_score,
                          const char *text)
{
    switch (w->format) {
    case MERIT_SUMMARY_TEXT:
        merit_sink_printf(w->sink, "  Reviewer %zu", number);
        break;
    case MERIT_SUMMARY_MARKDOWN:
        merit_sink_printf(w->sink, "- **Reviewer %zu**", number);
        break;
    case MERIT_SUMMARY_HTML:
        merit_sink_printf(w->sink, "<li><strong>Reviewer %zu</strong>", number);
        break;
    }
    if (no_score)
        own(w, ", no score");
    else if (score != NULL)
        merit_sink_printf(w->sink, ", score %s", score);
    if (text != NULL && text[0] != '\0') {
        own(w, ": ");
        prose(w, text);
    }
    own(w, w->format == MERIT_SUMMARY_HTML ? "</li>\n" : "\n");
}

static void list_begin(struct writer *w)
{
    if (w->format == MERIT_SUMMARY_HTML)
        own(w, "<ul>\n");
    else if (w->format == MERIT_SUMMARY_MARKDOWN)
        own(w, "\n");
}

static void list_end(struct writer *w)
{
    if (w->format == MERIT_SUMMARY_HTML)
        own(w, "</ul>\n");
}

static void section_begin(struct writer *w)
{
    own(w, w->format == MERIT_SUMMARY_HTML ? "<section>\n" : "\n");
}

static void section_end(struct writer *w)
{
    if (w->format == MERIT_SUMMARY_HTML)
        own(w, "</section>\n");
}

static void paragraph_begin(struct writer *w, const char *cls)
{
    if (w->format == MERIT_SUMMARY_HTML)
        merit_sink_printf(w->sink, "<p class=\"%s\">", cls);
    else if (w->format == MERIT_SUMMARY_TEXT && strcmp(cls, "score") == 0)
        own(w, "  ");
}

static void paragraph_end(struct writer *w)
{
    own(w, w->format == MERIT_SUMMARY_HTML ? "</p>\n" : "\n");
}

static void outcome(struct writer *w, const merit_proposal_result *pr)
{
    fact_begin(w, "Outcome");
    own(w, merit_status_name(pr->status));
    if (pr->rank > 0) {
        merit_sink_printf(w->sink, ", rank %zu%s of %zu ranked", pr->rank,
                          pr->rank_shared ? " (shared)" : "", w->res->ranked_count);
    } else {
        char *why = merit_report_reason(w->res, pr, w->opt->places);
        if (why == NULL) {
            merit_sink_fail(w->sink, MERIT_ENOMEM);
            return;
        }
        /* every check it failed: "approach 4.62 < 5" */
        if (why[0] != '\0') {
            own(w, " (");
            prose(w, why);
            own(w, ")");
        }
        free(why);
    }
    fact_end(w);
}

static void criterion(struct writer *w, const merit_proposal_result *pr, size_t c,
                      const size_t *order, size_t n)
{
    const merit_call *call = w->res->call;
    const merit_criterion *cr = &call->rubric->criteria[c];
    const merit_criterion_result *cres = &pr->criteria[c];
    section_begin(w);
    if (w->format == MERIT_SUMMARY_MARKDOWN)
        own(w, "## ");
    else if (w->format == MERIT_SUMMARY_HTML)
        own(w, "<h2>");
    prose(w, cr->name);
    own(w, " (weight ");
    exact(w, cr->weight);
    own(w, ")");
    own(w, w->format == MERIT_SUMMARY_HTML ? "</h2>\n" : "\n");
    if (w->format == MERIT_SUMMARY_MARKDOWN)
        own(w, "\n");
    paragraph_begin(w, "score");
    own(w, "Score: ");
    if (cres->has_value)
        rounded(w, cres->value);
    else
        own(w, "none (no reviewer scored it)");
    own(w, " (");
    threshold(w, cr->has_threshold, cr->threshold);
    own(w, cres->below_threshold ? "; not met)" : ")");
    paragraph_end(w);
    if (n > 0)
        list_begin(w);
    mpq_t value;
    mpq_init(value);
    for (size_t i = 0; i < n; i++) {
        const merit_review *rv = &call->reviews[order[i]];
        int32_t steps = rv->steps[c];
        const char *comment = rv->comments != NULL ? rv->comments[c] : NULL;
        if (steps == MERIT_NO_SCORE) {
            const char *reason = rv->no_score_reasons != NULL ? rv->no_score_reasons[c] : NULL;
            reviewer_item(w, i + 1, NULL, true, reason);
            continue;
        }
        merit_score_value(call->rubric, steps, value);
        char *shown = merit_exact_string(value);
        if (shown == NULL) {
            merit_sink_fail(w->sink, MERIT_ENOMEM);
            break;
        }
        reviewer_item(w, i + 1, shown, false, comment);
        free(shown);
    }
    mpq_clear(value);
    if (n > 0)
        list_end(w);
    section_end(w);
}

/* prefix + id, malloc'd; NULL when out of memory. */
static char *page_title(const char *prefix, const char *id)
{
    size_t a = strlen(prefix), b = strlen(id);
    char *t = malloc(a + b + 1);
    if (t != NULL) {
        memcpy(t, prefix, a);
        memcpy(t + a, id, b + 1);
    }
    return t;
}

int merit_report_summary(merit_sink *sink, const merit_result *res, size_t index,
                         merit_summary_format format, const merit_report_options *opt)
{
    const merit_call *call = res->call;
    const merit_proposal *p = &call->proposals[index];
    const merit_proposal_result *pr = &res->proposals[index];
    struct writer w = {sink, format, res, opt};
    size_t *order = NULL, n = 0;
    if (merit_summary_order(res, index, &order, &n) != 0) {
        merit_sink_fail(sink, MERIT_ENOMEM);
        return merit_sink_ok(sink) ? 0 : sink->error;
    }
    if (format == MERIT_SUMMARY_HTML) {
        /* the page's title holds merit's words and the proposal's id */
        char *title = page_title("Feedback on proposal ", p->id);
        if (title == NULL) {
            free(order);
            merit_sink_fail(sink, MERIT_ENOMEM);
            return sink->error;
        }
        merit__html_begin(sink, title, "en");
        free(title);
    }
    heading(&w, 1, "Feedback on proposal ", p->id);
    if (format == MERIT_SUMMARY_MARKDOWN)
        own(&w, "\n");
    paragraph_begin(&w, "title");
    if (format == MERIT_SUMMARY_MARKDOWN)
        own(&w, "**");
    prose(&w, p->title);
    if (format == MERIT_SUMMARY_MARKDOWN)
        own(&w, "**");
    paragraph_end(&w);
    if (format != MERIT_SUMMARY_TEXT)
        own(&w, format == MERIT_SUMMARY_HTML ? "<p class=\"call\">" : "\n");
    own(&w, "Call ");
    ident(&w, call->id);
    own(&w, ": ");
    prose(&w, call->title);
    own(&w, format == MERIT_SUMMARY_HTML ? "</p>\n" : "\n");

    own(&w, format == MERIT_SUMMARY_HTML ? "<dl>\n" : "\n");
    outcome(&w, pr);
    fact_begin(&w, "Total");
    if (pr->has_total)
        rounded(&w, pr->total);
    else
        own(&w, "none");
    own(&w, " (");
    threshold(&w, call->rubric->has_overall_threshold, call->rubric->overall_threshold);
    own(&w, pr->total_below_threshold ? "; not met)" : ")");
    fact_end(&w);
    fact_begin(&w, "Reviews");
    merit_sink_printf(sink, "%zu", n);
    fact_end(&w);
    if (format == MERIT_SUMMARY_HTML)
        own(&w, "</dl>\n");

    for (size_t c = 0; c < call->rubric->criterion_count; c++)
        criterion(&w, pr, c, order, n);

    bool any = false;
    for (size_t i = 0; i < n && !any; i++) {
        const char *comment = call->reviews[order[i]].comment;
        any = comment != NULL && comment[0] != '\0';
    }
    if (any) {
        section_begin(&w);
        heading(&w, 2, "Overall comments", NULL);
        list_begin(&w);
        for (size_t i = 0; i < n; i++) {
            const char *comment = call->reviews[order[i]].comment;
            if (comment != NULL && comment[0] != '\0')
                reviewer_item(&w, i + 1, NULL, false, comment);
        }
        list_end(&w);
        section_end(&w);
    }

    char note[160];
    merit_report_rounding_note(note, sizeof(note), opt->places);
    own(&w, format == MERIT_SUMMARY_HTML ? "<p class=\"note\">" : "\n");
    own(&w, note);
    own(&w, format == MERIT_SUMMARY_HTML ? "</p>\n" : "\n");
    if (format == MERIT_SUMMARY_HTML)
        merit__html_end(sink);
    free(order);
    return merit_sink_ok(sink) ? 0 : sink->error;
}
