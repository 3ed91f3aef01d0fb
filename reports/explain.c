/*
 * `merit explain`: one proposal's result written out for a person to check,
 * section by section (header, reviews, criteria, total, eligibility,
 * disagreement, rank, funding line), and the comparison of two proposals.
 *
 * Everything the engine decided (aggregates, totals, thresholds met or
 * missed, facts, rule outcomes, spread, ranks, what decided each order, the
 * funding walk) is read from the result model and never decided again here.
 * The writer only does the arithmetic that shows the working: the sum of the
 * scores before the division, the products weight * aggregate of the
 * comparison table, money left after a step. Those numbers are for reading;
 * nothing is decided on them.
 *
 * What decided the order of two ranked proposals that are not neighbours is
 * read from the neighbours between them: the ranking is lexicographic on
 * (total, tie-break 1, tie-break 2, ...), so the first key on which the
 * upper and the lower differ is the smallest key that decided any
 * neighbouring pair between them.
 *
 * Every text from an input (ids, titles, names, reasons, patterns, rule
 * messages) is shown escaped by the rule of merit/escape.h: prose with its
 * line breaks as spaces, ids and patterns as names. That also keeps GLUE, a
 * control character, out of what the inputs bring.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "merit/escape.h"
#include "report.h"

#define WRAP_COLUMN 80
#define QUOTE_WIDTH 40 /* a quoted input text is cut to this many columns */
/* A list of ids longer than LIST_LONG is shown as its count and the first
 * LIST_SHOWN, unless merit_report_options.full asks for all of it. */
#define LIST_LONG 10
#define LIST_SHOWN 5
/* A space the line wrapper never breaks at, printed as a space: it keeps
 * "841/12 (70.08)" and "rank 6" whole. */
#define GLUE "\x1f"

/* The writer's state: the sink, what it explains, the strings it has
 * formatted (freed at the end) and the line being built. A failed
 * allocation is the sink's first error: the output stops there. */
struct ex {
    merit_sink *sink;
    const merit_result *res;
    const merit_call *call;
    const merit_rubric *rb;
    unsigned places;
    bool full; /* every id of a long list */
    char **owned;
    size_t owned_count, owned_cap;
    merit_strbuf line; /* the line being built */
};

static void ex_init(struct ex *x, merit_sink *sink, const merit_result *res,
                    const merit_report_options *opt)
{
    memset(x, 0, sizeof(*x));
    x->sink = sink;
    x->res = res;
    x->call = res->call;
    x->rb = res->call->rubric;
    x->places = opt ? opt->places : 2;
    x->full = opt != NULL && opt->full;
}

static int ex_finish(struct ex *x)
{
    for (size_t i = 0; i < x->owned_count; i++)
        free(x->owned[i]);
    free(x->owned);
    free(x->line.s);
    return x->sink->error;
}

/* Keeps a malloc'd string until the end of the report; NULL (out of memory)
 * marks the report failed and reads as "?". */
static const char *keep(struct ex *x, char *s)
{
    if (s == NULL) {
        merit_sink_fail(x->sink, MERIT_ENOMEM);
        return "?";
    }
    if (x->owned_count == x->owned_cap) {
        size_t cap = x->owned_cap ? x->owned_cap * 2 : 64;
        char **owned = realloc(x->owned, cap * sizeof(*owned));
        if (owned == NULL) {
            free(s);
            merit_sink_fail(x->sink, MERIT_ENOMEM);
            return "?";
        }
        x->owned = owned;
        x->owned_cap = cap;
    }
    x->owned[x->owned_count++] = s;
    return s;
}

static const char *sfmt(struct ex *x, const char *f, ...) __attribute__((format(printf, 2, 3)));
static const char *sfmt(struct ex *x, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    int n = vsnprintf(NULL, 0, f, ap);
    va_end(ap);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (s != NULL) {
        va_start(ap, f);
        vsnprintf(s, (size_t)n + 1, f, ap);
        va_end(ap);
    }
    return keep(x, s);
}

static const char *money(struct ex *x, int64_t cents)
{
    char buf[48];
    merit_format_money(buf, sizeof(buf), cents);
    return keep(x, strdup(buf));
}

/* Text from an input, escaped with flags: itself when nothing needs it. */
static const char *shown(struct ex *x, const char *text, unsigned flags)
{
    if (!merit_escape_needed(text, strlen(text), flags))
        return text;
    return keep(x, merit_escape(text, flags));
}

/* An id, a file name, a pattern: every control escaped. */
static const char *name(struct ex *x, const char *text)
{
    return shown(x, text, 0);
}

/* A title, a name, a reason, a message: on one line. */
static const char *prose(struct ex *x, const char *text)
{
    return shown(x, text, MERIT_ESCAPE_PROSE);
}

/* --- numbers, as this report writes them --------------------------------- */

static const char *n_frac(struct ex *x, const mpq_t v)
{
    return keep(x, merit_fraction_string(v));
}

static const char *n_exact(struct ex *x, const mpq_t v)
{
    return keep(x, merit_exact_string(v));
}

static const char *n_shown(struct ex *x, const mpq_t v)
{
    return keep(x, merit_decimal_string(v, x->places));
}

/* True when showing v rounds it. */
static bool rounded(struct ex *x, const mpq_t v)
{
    char *s = merit_decimal_string(v, x->places);
    if (s == NULL) {
        merit_sink_fail(x->sink, MERIT_ENOMEM);
        return false;
    }
    mpq_t back;
    mpq_init(back);
    bool differs = merit_decimal_parse(s, back) != 0 || !mpq_equal(back, v);
    mpq_clear(back);
    free(s);
    return differs;
}

/* A value in one short form: an integer as itself, anything else as the
 * exact fraction with the shown decimal: "8", "841/12 (70.08)". */
static const char *n_brief(struct ex *x, const mpq_t v)
{
    if (mpz_cmp_ui(mpq_denref(v), 1) == 0)
        return n_frac(x, v);
    return sfmt(x, "%s" GLUE "(%s)", n_frac(x, v), n_shown(x, v));
}

/* A computed value written out in full: the fraction, its exact decimal
 * when it has one, and the shown value when showing rounds it:
 * "55/8 = 6.875 -> shown 6.88", "27/4 = 6.75", "7", "133/6 -> shown 22.17". */
static const char *n_chain(struct ex *x, const mpq_t v)
{
    const char *frac = n_frac(x, v), *exact = n_exact(x, v);
    const char *s = strcmp(frac, exact) == 0 ? frac : sfmt(x, "%s =" GLUE "%s", frac, exact);
    return rounded(x, v) ? sfmt(x, "%s ->" GLUE "shown" GLUE "%s", s, n_shown(x, v)) : s;
}

/* As n_chain, starting from the exact decimal: "6.5", "6.125 -> shown 6.12". */
static const char *n_chain_decimal(struct ex *x, const mpq_t v)
{
    const char *exact = n_exact(x, v);
    return rounded(x, v) ? sfmt(x, "%s ->" GLUE "shown" GLUE "%s", exact, n_shown(x, v)) : exact;
}

static const char *op_symbol(merit_op op)
{
    static const char *const symbols[] = {"<", "<=", "=", "!=", ">=", ">"};
    return (size_t)op < sizeof(symbols) / sizeof(symbols[0]) ? symbols[op] : "?";
}

/* "at least" or, on a lower-is-better scale, "at most" */
static const char *threshold_words(const merit_rubric *rb)
{
    return rb->direction == MERIT_HIGHER_IS_BETTER ? "at least" : "at most";
}

/* --- lines ----------------------------------------------------------------- */

/* Escaped text cut to at most max columns, ending in "..." when cut; an
 * escape is never cut apart. */
static const char *shorten(struct ex *x, const char *s, size_t max)
{
    if (merit_report_width(s) <= max)
        return s;
    size_t bytes = merit_escape_cut(s, max - 3, NULL);
    /* end at a word when one ends in the second half */
    size_t cut = bytes;
    while (cut > bytes / 2 && s[cut] != ' ')
        cut--;
    if (s[cut] == ' ')
        bytes = cut;
    return sfmt(x, "%.*s...", (int)bytes, s);
}

static void add(struct ex *x, const char *f, ...) __attribute__((format(printf, 2, 3)));
static void add(struct ex *x, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    merit_strbuf_vadd(&x->line, f, ap);
    va_end(ap);
    if (x->line.failed)
        merit_sink_fail(x->sink, MERIT_ENOMEM);
}

static void pad(struct ex *x, const char *s, size_t w)
{
    add(x, "%s", s);
    for (size_t i = merit_report_width(s); i < w; i++)
        add(x, " ");
}

/* Writes n bytes of s with every GLUE as a space. */
static void put_glued(merit_sink *sink, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == GLUE[0]) {
            merit_sink_write(sink, s + run, i - run);
            merit_sink_putc(sink, ' ');
            run = i + 1;
        }
    merit_sink_write(sink, s + run, n - run);
}

/* How good a break the space at p[i] makes. In a formula, best before "="
 * or "->", then before "/" or after ":" or ",", so that a wrapped line of
 * arithmetic breaks between steps and not inside one; in prose every space
 * is as good as another. */
static int break_quality(const char *p, size_t i, bool formula)
{
    if (!formula)
        return 1;
    char prev = i > 0 ? p[i - 1] : '\0', next = p[i + 1];
    if (next == '=' || (next == '-' && p[i + 2] == '>'))
        return 3;
    if (next == '/' || prev == ':' || prev == ',')
        return 2;
    return 1;
}

/*
 * Prints the line built so far, wrapped at spaces to WRAP_COLUMN columns;
 * continuation lines start with `indent` spaces. Prose fills each line;
 * a formula breaks at the best place in the second half of the line (see
 * break_quality). A word longer than a line is not cut. Spaces of the
 * line's own indentation are never break points.
 */
static void wrap_line(struct ex *x, size_t indent, bool formula)
{
    if (!merit_sink_ok(x->sink) || x->line.s == NULL) {
        x->line.len = 0;
        return;
    }
    const char *p = x->line.s;
    size_t lead = 0;
    while (p[lead] == ' ')
        lead++;
    size_t start_col = 0; /* columns already taken by the continuation indent */
    for (;;) {
        if (start_col + merit_report_width(p) <= WRAP_COLUMN) {
            put_glued(x->sink, p, strlen(p));
            merit_sink_putc(x->sink, '\n');
            break;
        }
        size_t min_col =
            start_col < WRAP_COLUMN ? start_col + (WRAP_COLUMN - start_col) / 2 : start_col;
        size_t col = start_col, best = SIZE_MAX;
        int best_q = -1;
        for (size_t i = 0; p[i]; i++) {
            if (p[i] == ' ' && i >= lead && (i == 0 || p[i - 1] != ' ')) {
                if (col > WRAP_COLUMN) {
                    if (best == SIZE_MAX)
                        best = i; /* nothing fits: the first space after */
                    break;
                }
                int q = col < min_col ? 0 : break_quality(p, i, formula);
                if (q >= best_q) {
                    best = i;
                    best_q = q;
                }
            }
            if ((p[i] & 0xC0) != 0x80)
                col++;
        }
        if (best == SIZE_MAX) {
            put_glued(x->sink, p, strlen(p));
            merit_sink_putc(x->sink, '\n');
            break;
        }
        put_glued(x->sink, p, best);
        merit_sink_putc(x->sink, '\n');
        p += best;
        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        merit_sink_spaces(x->sink, indent);
        start_col = indent;
        lead = 0;
    }
    x->line.len = 0;
    x->line.s[0] = '\0';
}

static void end_line(struct ex *x, size_t indent)
{
    wrap_line(x, indent, false);
}

static void end_formula(struct ex *x, size_t indent)
{
    wrap_line(x, indent, true);
}

/* --- what the model holds, looked up ------------------------------------- */

static const merit_proposal *proposal_of(const struct ex *x, const merit_proposal_result *pr)
{
    return &x->call->proposals[pr->proposal];
}

static const char *pid(struct ex *x, size_t result_index)
{
    return name(x, x->call->proposals[x->res->proposals[result_index].proposal].id);
}

/* Position of a proposal in the report order. */
static size_t order_position(const merit_result *res, size_t result_index)
{
    for (size_t k = 0; k < res->proposal_count; k++)
        if (res->order[k] == result_index)
            return k;
    return SIZE_MAX;
}

static const char *rank_text(struct ex *x, const merit_proposal_result *pr)
{
    if (pr->rank == 0)
        return "not ranked";
    return sfmt(x, "%zu%s", pr->rank, pr->rank_shared ? "=" : "");
}

/* The value a tie-break compares, as the model holds it. */
static void tiebreak_value(const struct ex *x, const merit_proposal_result *pr,
                           const merit_tiebreak *tb, mpq_t out)
{
    mpq_set_ui(out, 0, 1);
    if (tb->kind == MERIT_TIEBREAK_CRITERION) {
        mpq_set(out, pr->criteria[tb->criterion].value);
    } else {
        /* a ranked proposal has every fact a tie-break reads (the rubric
         * requires it) */
        merit_fact_value(x->res, pr, tb->fact, tb->fact_name, tb->section, out);
    }
}

static const char *tiebreak_name(struct ex *x, size_t t)
{
    char buf[160];
    merit_report_tiebreak(buf, sizeof(buf), x->rb, &x->rb->tiebreaks[t]);
    return keep(x, merit_escape(buf, 0));
}

/* A tie-break by the name of what it compares: "approach", "sme-share". */
static const char *tiebreak_short(struct ex *x, size_t t)
{
    const merit_tiebreak *tb = &x->rb->tiebreaks[t];
    if (tb->kind == MERIT_TIEBREAK_CRITERION)
        return name(x, x->rb->criteria[tb->criterion].id);
    if (tb->fact == MERIT_FACT_WORDS)
        return sfmt(x, "words of %s", name(x, tb->section));
    return name(x, tb->fact_name);
}

static const char *status_words(merit_status s)
{
    switch (s) {
    case MERIT_STATUS_FUNDED:
        return "funded";
    case MERIT_STATUS_RESERVE:
        return "reserve";
    case MERIT_STATUS_BELOW_THRESHOLD:
        return "below threshold";
    case MERIT_STATUS_INELIGIBLE:
        return "ineligible";
    case MERIT_STATUS_INSUFFICIENT_REVIEWS:
        return "insufficient reviews";
    }
    return "?";
}

/* --- the sections ------------------------------------------------------------ */

static void section_header(struct ex *x, const merit_proposal_result *pr)
{
    const merit_proposal *p = proposal_of(x, pr);
    const merit_org *lead = p->org_count > 0 ? &p->orgs[p->lead] : NULL;
    const char *id = name(x, p->id);
    add(x, "%s  %s", id, prose(x, p->title));
    end_line(x, strlen(id) + 2);

    const char *method = merit_method_name(x->res->method);
    add(x, "  call        %s, rubric %s %s, method %s", name(x, x->call->id), name(x, x->rb->id),
        name(x, x->rb->version), method);
    if (x->res->method != x->rb->method)
        add(x, " (the rubric's is %s)", merit_method_name(x->rb->method));
    if (x->rb->direction == MERIT_LOWER_IS_BETTER)
        add(x, "; lower is better");
    end_line(x, 14);
    /* only what the proposal has */
    if (lead != NULL) {
        add(x, "  lead        %s", prose(x, lead->name));
        if (lead->given & MERIT_ORG_GIVEN_TYPE)
            add(x, " (%s)", merit_org_type_name(lead->type));
        end_line(x, 14);
    }
    if (p->applicant != NULL) {
        add(x, "  applicant   %s", prose(x, p->applicant));
        end_line(x, 14);
    }
    if (p->area != NULL) {
        add(x, "  area        %s", prose(x, p->area));
        end_line(x, 14);
    }
    if (p->year_count > 0) {
        add(x, "  request     %s %s federal", x->call->currency, money(x, p->total.federal));
        end_line(x, 14);
        add(x, "  cost share  %s %s = %s cash + %s in kind; %s:1", x->call->currency,
            money(x, p->total.cash + p->total.in_kind), money(x, p->total.cash),
            money(x, p->total.in_kind), n_shown(x, pr->facts[MERIT_FACT_COST_SHARE_RATIO]));
        end_line(x, 14);
    } else {
        add(x, "  request     %s %s", x->call->currency, money(x, p->request));
        end_line(x, 14);
    }

    add(x, "  status      %s", status_words(pr->status));
    if (pr->rank > 0) {
        add(x, ", rank %s", rank_text(x, pr));
        if (pr->status == MERIT_STATUS_RESERVE && pr->tie_at_line)
            add(x, ": a tie at the funding line (T)");
        else if (pr->status == MERIT_STATUS_RESERVE)
            add(x, ": passes every check, but the budget ran out");
    } else {
        char *why = merit_report_reason(x->res, pr, x->places);
        add(x, ", not ranked: %s", prose(x, keep(x, why)));
    }
    end_line(x, 14);
    if (pr->disagreement) {
        add(x, "  flag        D: the reviewers disagree (see Disagreement)");
        end_line(x, 14);
    }
}

static void section_reviews(struct ex *x, const merit_proposal_result *pr)
{
    const merit_call *call = x->call;
    const merit_rubric *rb = x->rb;
    size_t idw = 0, namew = 0;
    for (size_t i = 0; i < call->review_count; i++) {
        const merit_review *rv = &call->reviews[i];
        if (rv->proposal != pr->proposal)
            continue;
        const merit_reviewer *who = &call->reviewers[rv->reviewer];
        if (merit_report_width(name(x, who->id)) > idw)
            idw = merit_report_width(name(x, who->id));
        if (merit_report_width(prose(x, who->name)) > namew)
            namew = merit_report_width(prose(x, who->name));
    }
    merit_sink_putc(x->sink, '\n');
    add(x, "Reviews: %zu counted", pr->reviews_counted);
    if (pr->reviews_excluded > 0)
        add(x, ", %zu excluded", pr->reviews_excluded);
    if (pr->reviews_counted < rb->min_reviewers)
        add(x, " (%u needed)", rb->min_reviewers);
    end_line(x, 2);
    for (size_t i = 0; i < call->review_count; i++) {
        const merit_review *rv = &call->reviews[i];
        const merit_review_result *rr = &x->res->reviews[i];
        if (rv->proposal != pr->proposal)
            continue;
        const merit_reviewer *who = &call->reviewers[rv->reviewer];
        add(x, "  ");
        pad(x, name(x, who->id), idw + 2);
        pad(x, prose(x, who->name), namew + 2);
        add(x, "%-10s", rr->counted ? "counted" : "excluded");
        /* none given: as wide a blank, so that the totals stay in line */
        if (rv->confidence != 0)
            add(x, "confidence %u  ", (unsigned)rv->confidence);
        else
            add(x, "%14s", "");
        if (rr->complete) {
            add(x, "total %s", n_brief(x, rr->total));
        } else {
            add(x, "no total: no score for");
            const char *sep = " ";
            for (size_t c = 0; c < rb->criterion_count; c++)
                if (rv->steps[c] == MERIT_NO_SCORE) {
                    add(x, "%s%s", sep, name(x, rb->criteria[c].id));
                    sep = ", ";
                }
        }
        end_line(x, 6);
        if (!rr->counted) {
            add(x, "      conflict declared by the programme office: %s",
                prose(x, rv->conflict_reason ? rv->conflict_reason : ""));
            end_line(x, 6);
        }
    }
    for (size_t i = 0; i < call->conflict_count; i++) {
        const merit_conflict *k = &call->conflicts[i];
        if (k->proposal != pr->proposal || k->from_call)
            continue;
        add(x, "  %s (%s) declared a conflict and did not review: %s",
            name(x, call->reviewers[k->reviewer].id), prose(x, call->reviewers[k->reviewer].name),
            prose(x, k->reason));
        end_line(x, 4);
    }
}

/* The counted scores of one criterion, in review order. */
struct scores {
    size_t n;
    int32_t *steps;
    uint8_t *conf;
    size_t *review; /* the review each score is from */
    size_t criterion;
};

static int cmp_steps(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* Writes the scale values of steps[from..to), joined by sep. */
static void add_joined(struct ex *x, const int32_t *steps, size_t from, size_t to, const char *sep,
                       mpq_t tmp)
{
    for (size_t i = from; i < to; i++) {
        merit_score_value(x->rb, steps[i], tmp);
        add(x, "%s%s", i > from ? sep : "", n_exact(x, tmp));
    }
}

/* "a, b, c" */
static void add_values(struct ex *x, const int32_t *steps, size_t from, size_t to, mpq_t tmp)
{
    add_joined(x, steps, from, to, ", ", tmp);
}

/* sum = the scale values of steps[from..to) added up */
static void sum_values(struct ex *x, const int32_t *steps, size_t from, size_t to, mpq_t sum,
                       mpq_t tmp)
{
    mpq_set_ui(sum, 0, 1);
    for (size_t i = from; i < to; i++) {
        merit_score_value(x->rb, steps[i], tmp);
        mpq_add(sum, sum, tmp);
    }
}

/* " = SUM / N = chain": the division that gives the aggregate, glued so that
 * a wrapped line breaks only before an "=" */
static void add_division(struct ex *x, const mpq_t sum, const char *divisor, const mpq_t value)
{
    add(x, " =" GLUE "%s" GLUE "/" GLUE "%s = %s", n_exact(x, sum), divisor, n_chain(x, value));
}

/* A score as steps, exactly ("7.5"), or "no score". */
static const char *steps_shown(struct ex *x, int32_t steps)
{
    if (steps == MERIT_NO_SCORE)
        return "no score";
    mpq_t v;
    mpq_init(v);
    merit_score_value(x->rb, steps, v);
    const char *s = n_exact(x, v);
    mpq_clear(v);
    return s;
}

/* The panel's changes of one score (docs/formats.md "Moderation"): the
 * sheet's score and the one counted, then each change, who, when, what
 * kind and why; nothing when the panel changed none. */
static void moderated_lines(struct ex *x, size_t review, size_t criterion, size_t indent)
{
    size_t n = 0;
    const merit_moderation_change *ch = merit_call_score_changes(x->call, review, criterion, &n);
    if (n == 0)
        return;
    const merit_review *rv = &x->call->reviews[review];
    add(x, "%*smoderated, %s's score: %s on the sheet, %s after moderation", (int)indent, "",
        name(x, x->call->reviewers[rv->reviewer].id), steps_shown(x, rv->original_steps[criterion]),
        steps_shown(x, rv->steps[criterion]));
    end_line(x, indent + 2);
    for (size_t k = 0; k < n; k++) {
        add(x, "%*s%s -> %s, %s by %s at %s", (int)(indent + 2), "", steps_shown(x, ch[k].from),
            steps_shown(x, ch[k].to), merit_moderation_kind_name(ch[k].kind), prose(x, ch[k].by),
            ch[k].at);
        if (ch[k].reason != NULL)
            add(x, ": %s", prose(x, ch[k].reason));
        end_line(x, indent + 4);
    }
}

/* One criterion's aggregation, written out as a person would check it. */
static void add_arithmetic(struct ex *x, const merit_criterion_result *cr, struct scores *sc)
{
    mpq_t sum, tmp;
    mpq_inits(sum, tmp, NULL);
    size_t n = sc->n;
    switch (x->res->method) {
    case MERIT_METHOD_MEAN:
        if (n == 1) {
            add(x, "the only score: %s", n_chain_decimal(x, cr->value));
            break;
        }
        add(x, "mean of ");
        add_values(x, sc->steps, 0, n, tmp);
        sum_values(x, sc->steps, 0, n, sum, tmp);
        add_division(x, sum, sfmt(x, "%zu", n), cr->value);
        break;
    case MERIT_METHOD_MEDIAN:
        qsort(sc->steps, n, sizeof(*sc->steps), cmp_steps);
        add(x, "median of ");
        add_values(x, sc->steps, 0, n, tmp);
        if (n % 2 == 1) {
            add(x, " (sorted): the middle one, %s", n_chain_decimal(x, cr->value));
        } else {
            add(x, " (sorted): (");
            add_joined(x, sc->steps, n / 2 - 1, n / 2 + 1, GLUE "+" GLUE, tmp);
            add(x, ")" GLUE "/" GLUE "2 = %s", n_chain(x, cr->value));
        }
        break;
    case MERIT_METHOD_TRIMMED_MEAN:
        qsort(sc->steps, n, sizeof(*sc->steps), cmp_steps);
        add(x, "trimmed mean of ");
        add_values(x, sc->steps, 0, n, tmp);
        if (cr->trimmed == 2 && n >= 3) {
            add(x, " (sorted) without ");
            add_values(x, sc->steps, 0, 1, tmp);
            add(x, " and ");
            add_values(x, sc->steps, n - 1, n, tmp);
            sum_values(x, sc->steps, 1, n - 1, sum, tmp);
            add(x, ": (");
            add_joined(x, sc->steps, 1, n - 1, " + ", tmp);
            add(x, ")" GLUE "/" GLUE "%zu", n - 2);
            add_division(x, sum, sfmt(x, "%zu", n - 2), cr->value);
        } else {
            sum_values(x, sc->steps, 0, n, sum, tmp);
            add(x, " (fewer than %u scores: none dropped)",
                x->rb->trim_from < 3 ? 3 : x->rb->trim_from);
            add_division(x, sum, sfmt(x, "%zu", n), cr->value);
        }
        break;
    case MERIT_METHOD_Z_SCORE:
        /* each score, then what its reviewer's standardisation made of it
         * (shown: the exact values, dyadic fractions of up to 128 bits, are
         * in the trail's standardise records) */
        add(x, "z-score mean of ");
        for (size_t i = 0; i < n; i++) {
            const merit_review *rv = &x->call->reviews[sc->review[i]];
            const merit_zscore *z =
                &x->res->zscores[rv->reviewer * x->rb->criterion_count + sc->criterion];
            merit_score_value(x->rb, sc->steps[i], tmp);
            add(x, "%s%s", i ? ", " : "", n_exact(x, tmp));
            if (z->kept == MERIT_ZSCORE_STANDARDISED)
                add(x, GLUE "as" GLUE "%s",
                    n_shown(x, x->res->reviews[sc->review[i]].values[sc->criterion]));
            else
                add(x, GLUE "kept" GLUE "(%s)", merit_zscore_kept_name(z->kept));
        }
        if (rounded(x, cr->value))
            add(x, " ->" GLUE "shown" GLUE "%s", n_shown(x, cr->value));
        else
            add(x, " =" GLUE "%s", n_exact(x, cr->value));
        break;
    case MERIT_METHOD_CONFIDENCE_WEIGHTED: {
        /* confidence times score, summed: the numerator of the quotient */
        mpq_t c;
        mpq_init(c);
        add(x, "confidence-weighted (");
        mpq_set_ui(sum, 0, 1);
        for (size_t i = 0; i < n; i++) {
            merit_score_value(x->rb, sc->steps[i], tmp);
            add(x, "%s%u*%s", i ? " + " : "", (unsigned)sc->conf[i], n_exact(x, tmp));
            mpq_set_ui(c, sc->conf[i], 1);
            mpq_mul(tmp, tmp, c);
            mpq_add(sum, sum, tmp);
        }
        add(x, ") / (");
        for (size_t i = 0; i < n; i++)
            add(x, "%s%u", i ? " + " : "", (unsigned)sc->conf[i]);
        add(x, ")");
        add_division(x, sum, n_exact(x, cr->weight_sum), cr->value);
        mpq_clear(c);
        break;
    }
    }
    mpq_clears(sum, tmp, NULL);
}

static void section_criteria(struct ex *x, const merit_proposal_result *pr)
{
    const merit_call *call = x->call;
    const merit_rubric *rb = x->rb;
    size_t labelw = 0;
    for (size_t c = 0; c < rb->criterion_count; c++)
        if (merit_report_width(name(x, rb->criteria[c].id)) > labelw)
            labelw = merit_report_width(name(x, rb->criteria[c].id));
    labelw += 2;

    /* the counted reviews of this proposal, in order */
    size_t nrev = 0;
    for (size_t i = 0; i < call->review_count; i++)
        nrev += call->reviews[i].proposal == pr->proposal && x->res->reviews[i].counted;
    struct scores sc = {0, calloc(nrev + 1, sizeof(int32_t)), calloc(nrev + 1, sizeof(uint8_t)),
                        calloc(nrev + 1, sizeof(size_t)), 0};
    if (sc.steps == NULL || sc.conf == NULL || sc.review == NULL) {
        merit_sink_fail(x->sink, MERIT_ENOMEM);
        goto done;
    }

    merit_sink_putc(x->sink, '\n');
    add(x, "Criteria (%s", merit_method_name(x->res->method));
    if (nrev > 0) {
        add(x, "; scores in the order");
        const char *sep = " ";
        for (size_t i = 0; i < call->review_count; i++)
            if (call->reviews[i].proposal == pr->proposal && x->res->reviews[i].counted) {
                add(x, "%s%s", sep, name(x, call->reviewers[call->reviews[i].reviewer].id));
                sep = ", ";
            }
    }
    add(x, "):");
    end_line(x, 2);

    for (size_t c = 0; c < rb->criterion_count; c++) {
        const merit_criterion_result *cr = &pr->criteria[c];
        sc.n = 0;
        sc.criterion = c;
        for (size_t i = 0; i < call->review_count; i++) {
            const merit_review *rv = &call->reviews[i];
            if (rv->proposal != pr->proposal || !x->res->reviews[i].counted ||
                rv->steps[c] == MERIT_NO_SCORE)
                continue;
            sc.steps[sc.n] = rv->steps[c];
            sc.review[sc.n] = i;
            sc.conf[sc.n] = rv->confidences[c];
            sc.n++;
        }
        add(x, "  ");
        pad(x, name(x, rb->criteria[c].id), labelw);
        if (!cr->has_value)
            add(x, "no counted score: no aggregate");
        else
            add_arithmetic(x, cr, &sc);
        end_formula(x, 2 + labelw);
        for (size_t i = 0; i < call->review_count; i++) {
            const merit_review *rv = &call->reviews[i];
            if (rv->proposal != pr->proposal || !x->res->reviews[i].counted ||
                rv->steps[c] != MERIT_NO_SCORE)
                continue;
            add(x, "%*sno score from %s", (int)(2 + labelw), "",
                name(x, call->reviewers[rv->reviewer].id));
            if (rv->no_score_reasons != NULL && rv->no_score_reasons[c] != NULL &&
                rv->no_score_reasons[c][0] != '\0')
                add(x, ": %s", prose(x, rv->no_score_reasons[c]));
            end_line(x, 4 + labelw);
        }
        for (size_t i = 0; i < call->review_count; i++)
            if (call->reviews[i].proposal == pr->proposal)
                moderated_lines(x, i, c, 2 + labelw);
        if (rb->criteria[c].has_threshold && cr->has_value) {
            add(x, "%*sthreshold: %s %s: %s", (int)(2 + labelw), "", threshold_words(rb),
                n_exact(x, rb->criteria[c].threshold), cr->below_threshold ? "missed" : "met");
            end_line(x, 4 + labelw);
        }
    }
done:
    free(sc.steps);
    free(sc.conf);
    free(sc.review);
}

/* Prints "  total = t1 + t2 + ..." with the terms wrapped whole. */
static void section_total(struct ex *x, const merit_proposal_result *pr)
{
    const merit_rubric *rb = x->rb;
    merit_sink_putc(x->sink, '\n');
    add(x, "Total (the weighted sum of the criteria):");
    end_line(x, 2);
    if (!pr->has_total) {
        add(x, "  no total: a criterion has no counted score");
        end_line(x, 4);
        return;
    }
    const char *head = "  total = ", *cont = "        + ";
    size_t col = strlen(head);
    add(x, "%s", head);
    /* z-score's aggregates are fractions of up to 128-bit denominators:
     * shown rounded, as such (the trail has them exact) */
    bool shown_only = x->res->method == MERIT_METHOD_Z_SCORE;
    for (size_t c = 0; c < rb->criterion_count; c++) {
        const merit_criterion_result *cr = &pr->criteria[c];
        const char *term = sfmt(x, "%s*%s", n_exact(x, rb->criteria[c].weight),
                                shown_only ? n_shown(x, cr->value) : n_frac(x, cr->value));
        size_t w = merit_report_width(term) + (c ? 3 : 0);
        if (c > 0 && col + w > WRAP_COLUMN) {
            end_line(x, 0);
            add(x, "%s%s", cont, term);
            col = strlen(cont) + merit_report_width(term);
        } else {
            add(x, "%s%s", c ? " + " : "", term);
            col += w;
        }
    }
    end_line(x, strlen(cont));
    if (shown_only && rounded(x, pr->total))
        add(x, "        = shown %s (summed exact, before rounding)", n_shown(x, pr->total));
    else
        add(x, "        = %s", shown_only ? n_exact(x, pr->total) : n_chain(x, pr->total));
    end_line(x, 10);
    if (rb->has_overall_threshold) {
        add(x, "  overall threshold: %s %s: %s", threshold_words(rb),
            n_exact(x, rb->overall_threshold), pr->total_below_threshold ? "missed" : "met");
        end_line(x, 4);
    }
}

static void section_eligibility(struct ex *x, const merit_proposal_result *pr)
{
    const merit_rubric *rb = x->rb;
    const merit_proposal *p = proposal_of(x, pr);
    merit_sink_putc(x->sink, '\n');
    if (rb->rule_count == 0) {
        add(x, "Eligibility: the rubric has no rules");
        end_line(x, 2);
        return;
    }
    size_t failed = 0;
    for (size_t k = 0; k < rb->rule_count; k++)
        failed += !pr->rules[k].passed;
    if (rb->rule_count == 1)
        add(x, "Eligibility: the rule is %s", failed ? "failed" : "met");
    else if (failed == 0)
        add(x, "Eligibility: all %zu rules met", rb->rule_count);
    else
        add(x, "Eligibility: %zu of %zu rules failed", failed, rb->rule_count);
    end_line(x, 2);
    for (size_t k = 0; k < rb->rule_count; k++) {
        const merit_rule *rule = &rb->rules[k];
        const merit_rule_result *rr = &pr->rules[k];
        if (rule->is_text) {
            const char *what = rule->each_milestone ? "each milestone"
                                                    : sfmt(x, "section %s", name(x, rule->section));
            add(x, "  %s: %s %s /%s/%s", name(x, rule->id), what,
                rule->expect_match ? "must match" : "must not match", name(x, rule->pattern),
                rule->caseless ? "i" : "");
            if (rr->passed)
                add(x, ": met");
            else if (rr->failed_milestone != SIZE_MAX && rr->failed_milestone < p->milestone_count)
                add(x, ": failed at milestone %s (\"%s\"): %s",
                    name(x, p->milestones[rr->failed_milestone].id),
                    shorten(x, prose(x, p->milestones[rr->failed_milestone].metric), QUOTE_WIDTH),
                    prose(x, rule->message));
            else
                add(x, ": failed: %s", prose(x, rule->message));
        } else {
            const char *fact = rule->fact == MERIT_FACT_WORDS
                                   ? sfmt(x, "words in %s", name(x, rule->section))
                                   : name(x, rule->fact_name);
            if (strcmp(rule->id, fact) == 0)
                add(x, "  %s", name(x, rule->id));
            else
                add(x, "  %s: %s", name(x, rule->id), fact);
            add(x, " %s %s %s", n_brief(x, rr->actual), op_symbol(rule->op),
                n_exact(x, rule->value));
            if (rr->passed)
                add(x, ": met");
            else
                add(x, ": failed: %s", prose(x, rule->message));
        }
        end_line(x, 4);
    }
}

static void section_disagreement(struct ex *x, const merit_proposal_result *pr)
{
    const merit_call *call = x->call;
    const merit_rubric *rb = x->rb;
    merit_sink_putc(x->sink, '\n');
    if (!pr->has_spread) {
        add(x, "Disagreement: fewer than two complete counted reviews, no spread");
        end_line(x, 2);
        return;
    }
    /* which reviewers hold the lowest and the highest total */
    size_t lo = SIZE_MAX, hi = SIZE_MAX;
    for (size_t i = 0; i < call->review_count; i++) {
        const merit_review_result *rr = &x->res->reviews[i];
        if (call->reviews[i].proposal != pr->proposal || !rr->counted || !rr->complete)
            continue;
        if (lo == SIZE_MAX || mpq_cmp(rr->total, x->res->reviews[lo].total) < 0)
            lo = i;
        if (hi == SIZE_MAX || mpq_cmp(rr->total, x->res->reviews[hi].total) > 0)
            hi = i;
    }
    add(x, "Disagreement: spread %s", n_brief(x, pr->spread));
    if (!rb->has_disagreement_limit)
        add(x, "; the rubric sets no limit");
    else if (pr->disagreement)
        add(x, " > limit %s: flagged D", n_exact(x, rb->disagreement_limit));
    else
        add(x, " <= limit %s: not flagged", n_exact(x, rb->disagreement_limit));
    end_line(x, 2);
    if (mpq_equal(x->res->reviews[lo].total, x->res->reviews[hi].total))
        add(x, "  every complete counted review totals %s", n_brief(x, x->res->reviews[lo].total));
    else
        add(x, "  highest total %s %s, lowest %s %s",
            name(x, call->reviewers[call->reviews[hi].reviewer].id),
            n_brief(x, x->res->reviews[hi].total),
            name(x, call->reviewers[call->reviews[lo].reviewer].id),
            n_brief(x, x->res->reviews[lo].total));
    end_line(x, 4);
}

/*
 * What placed `upper` above `lower` (indices into res->proposals), given
 * what decided, e.g. "by the total: P03 841/12 (70.08) vs P10 541/8 (67.62)".
 */
static void add_decision(struct ex *x, size_t upper, size_t lower, merit_decider_kind kind,
                         size_t index)
{
    const merit_proposal_result *a = &x->res->proposals[upper], *b = &x->res->proposals[lower];
    mpq_t va, vb;
    mpq_inits(va, vb, NULL);
    switch (kind) {
    case MERIT_DECIDED_FIRST:
        add(x, "nothing above: the top of the ranking");
        break;
    case MERIT_DECIDED_TOTAL:
        add(x, "by the total%s: %s %s vs %s %s",
            x->rb->direction == MERIT_LOWER_IS_BETTER ? " (lower is better)" : "", pid(x, upper),
            n_brief(x, a->total), pid(x, lower), n_brief(x, b->total));
        break;
    case MERIT_DECIDED_TIEBREAK:
        tiebreak_value(x, a, &x->rb->tiebreaks[index], va);
        tiebreak_value(x, b, &x->rb->tiebreaks[index], vb);
        add(x, "by tie-break %zu, %s: %s %s vs %s %s; equal total %s", index + 1,
            tiebreak_name(x, index), pid(x, upper), n_brief(x, va), pid(x, lower), n_brief(x, vb),
            n_brief(x, a->total));
        for (size_t t = 0; t < index; t++) {
            tiebreak_value(x, a, &x->rb->tiebreaks[t], va);
            add(x, ", equal tie-break %zu, %s %s", t + 1, tiebreak_name(x, t), n_brief(x, va));
        }
        break;
    case MERIT_DECIDED_TIED:
        add(x, "tied on everything: shared rank %s (total %s", rank_text(x, a),
            n_brief(x, a->total));
        for (size_t t = 0; t < x->rb->tiebreak_count; t++) {
            tiebreak_value(x, a, &x->rb->tiebreaks[t], va);
            add(x, ", %s %s", tiebreak_short(x, t), n_brief(x, va));
        }
        add(x, x->rb->tiebreak_count ? " each)" : ")");
        break;
    }
    mpq_clears(va, vb, NULL);
}

static void section_rank(struct ex *x, size_t index)
{
    const merit_result *res = x->res;
    const merit_proposal_result *pr = &res->proposals[index];
    merit_sink_putc(x->sink, '\n');
    if (pr->rank == 0) {
        add(x, "Rank: not ranked (%s); only proposals that pass every check are ranked",
            status_words(pr->status));
        end_line(x, 2);
        return;
    }
    size_t k = order_position(res, index);
    add(x, "Rank: %s of %zu ranked", rank_text(x, pr), res->ranked_count);
    end_line(x, 2);
    if (k == 0) {
        add(x, "  above: none, the top of the ranking");
    } else {
        size_t up = res->order[k - 1];
        add(x, "  above: %s (rank" GLUE "%s), ", pid(x, up), rank_text(x, &res->proposals[up]));
        add_decision(x, up, index, pr->decided_by, pr->decider_index);
    }
    end_line(x, 4);
    if (k + 1 >= res->ranked_count) {
        add(x, "  below: none, the bottom of the ranking");
    } else {
        size_t down = res->order[k + 1];
        const merit_proposal_result *dr = &res->proposals[down];
        add(x, "  below: %s (rank" GLUE "%s), ", pid(x, down), rank_text(x, dr));
        add_decision(x, index, down, dr->decided_by, dr->decider_index);
    }
    end_line(x, 4);
    if (res->has_intervals) {
        /* docs/scoring.md, "Rank intervals and the grey zone" */
        const char *p = keep(x, merit__p_funded_percent(res, pr));
        add(x,
            "  interval: over %zu resamples of its reviews it ranked %zu to %zu (%u%%), median "
            "%zu, and was funded in %s%% of them: %s the grey zone (the line falls after "
            "position %zu)",
            res->resamples, pr->rank_low, pr->rank_high, res->level, pr->rank_median,
            p != NULL ? p : "?", pr->grey_zone ? "in" : "outside", res->line);
        end_line(x, 4);
    }
}

static const merit_walk_step *walk_step(const merit_result *res, size_t index)
{
    for (size_t s = 0; s < res->walk_count; s++)
        if (res->walk[s].result == index)
            return &res->walk[s];
    return NULL;
}

/* The steps of the shared rank a step belongs to: [*first, *last). */
static void shared_steps(const merit_result *res, size_t step, size_t *first, size_t *last)
{
    size_t i = step, j = step + 1;
    while (i > 0 && res->proposals[res->walk[i].result].decided_by == MERIT_DECIDED_TIED)
        i--;
    while (j < res->walk_count &&
           res->proposals[res->walk[j].result].decided_by == MERIT_DECIDED_TIED)
        j++;
    *first = i;
    *last = j;
}

/* The ids of the walk's steps [first, last), joined with ", "; a long
 * list (a shared rank of hundreds) as its count and the first few, unless
 * the options ask for all of it. */
static const char *member_list(struct ex *x, size_t first, size_t last)
{
    size_t count = last - first, shown = count;
    if (!x->full && count > LIST_LONG)
        shown = LIST_SHOWN;
    merit_strbuf b = {0};
    if (shown < count)
        merit_strbuf_add(&b, "%zu proposals: ", count);
    for (size_t s = first; s < first + shown; s++)
        merit_strbuf_add(&b, "%s%s", s > first ? ", " : "", pid(x, x->res->walk[s].result));
    if (shown < count)
        merit_strbuf_add(&b, " and %zu more", count - shown);
    return keep(x, merit_strbuf_take(&b));
}

/* After a rank not funded whole: whether the walk goes on, and why. */
static const char *walk_goes_on(struct ex *x)
{
    if (!x->res->skip_unaffordable)
        return " and the walk stops.";
    return x->res->skip_from_call ? " and the walk goes on, as the call sets skip-unaffordable."
                                  : " and the walk goes on, as the rubric sets skip-unaffordable.";
}

/* The ids of the lottery's draws of proposal index's draw, in draw order,
 * whose action is `want` (or every draw, for MERIT_WALK_AFTER_LINE): the
 * tie's draws, or the grey zone's. */
static const char *drawn_list(struct ex *x, const merit_proposal_result *pr, merit_walk_action want,
                              size_t *count)
{
    const merit_result *res = x->res;
    merit_strbuf b = {0};
    size_t n = 0;
    for (size_t s = 0; s < res->walk_count; s++) {
        const merit_walk_step *w = &res->walk[s];
        bool drawn =
            w->action == MERIT_WALK_DRAWN_FUNDED || w->action == MERIT_WALK_DRAWN_DOES_NOT_FIT;
        if (!drawn ||
            (res->draw_among == MERIT_DRAW_AMONG_TIE && res->proposals[w->result].rank != pr->rank))
            continue;
        if (want != MERIT_WALK_AFTER_LINE && w->action != want)
            continue;
        if (n < LIST_SHOWN || x->full)
            merit_strbuf_add(&b, "%s%s", n ? ", " : "", pid(x, w->result));
        n++;
    }
    if (n > LIST_SHOWN && !x->full)
        merit_strbuf_add(&b, " and %zu more", n - LIST_SHOWN);
    *count = n;
    return keep(x, merit_strbuf_take(&b));
}

/* A proposal the lottery drew: the tie (or the grey zone), the seed, the
 * draw order, and what each draw did. */
static void section_lottery(struct ex *x, size_t index, const merit_walk_step *st)
{
    const merit_result *res = x->res;
    const merit_proposal_result *pr = &res->proposals[index];
    const char *cur = x->call->currency;
    size_t all, funded, passed;
    const char *order = drawn_list(x, pr, MERIT_WALK_AFTER_LINE, &all);
    const char *won = drawn_list(x, pr, MERIT_WALK_DRAWN_FUNDED, &funded);
    const char *lost = drawn_list(x, pr, MERIT_WALK_DRAWN_DOES_NOT_FIT, &passed);
    if (res->draw_among == MERIT_DRAW_AMONG_TIE) {
        int64_t group = 0, before = 0;
        bool first = true;
        for (size_t s = 0; s < res->walk_count; s++) {
            const merit_walk_step *w = &res->walk[s];
            if ((w->action == MERIT_WALK_DRAWN_FUNDED ||
                 w->action == MERIT_WALK_DRAWN_DOES_NOT_FIT) &&
                res->proposals[w->result].rank == pr->rank) {
                group += w->request;
                if (first)
                    before = w->remaining;
                first = false;
            }
        }
        add(x,
            "  %s shares rank %s with %zu other proposal%s; together they cannot be funded "
            "whole (%s %s > %s left). The call settles a tie at the line by lottery",
            pid(x, index), rank_text(x, pr), all - 1, all == 2 ? "" : "s", cur, money(x, group),
            money(x, before));
    } else {
        add(x,
            "  %s is in the grey zone: its rank interval crosses the funding line. The call "
            "draws lots among the %zu proposals of the grey zone (draw-among=\"grey-zone\"), "
            "after funding those clearly above the line",
            pid(x, index), all);
    }
    add(x, " (%s), seed '%s': the draw order was %s; ",
        res->ties_from_command_line ? "--lottery on the command line" : "ties=\"lottery\"",
        prose(x, res->lottery_seed != NULL ? res->lottery_seed : ""), order);
    if (funded > 0)
        add(x, "%s %s funded", won, funded == 1 ? "was" : "were");
    else
        add(x, "none was funded");
    if (passed > 0)
        add(x, ", %s did not fit.", lost);
    else
        add(x, ".");
    add(x, " %s: request %s %s against %s remaining.", pid(x, index), cur, money(x, st->request),
        money(x, st->remaining));
    if (res->draw_among == MERIT_DRAW_AMONG_TIE)
        add(x, " After the draw%s", walk_goes_on(x) + 4);
}

/* The rule's words that every report repeats, and the call's statement. */
static void rule_words(struct ex *x)
{
    const merit_result *res = x->res;
    const char *words = keep(x, merit_report_funding_rule(res));
    const char *statement = x->call->funding_line.statement;
    if (words == NULL || (words[0] == '\0' && statement == NULL))
        return;
    if (words[0] != '\0')
        add(x, "  %s", words);
    if (res->pool_count > 0)
        add(x, " The seed: '%s'.", prose(x, res->lottery_seed != NULL ? res->lottery_seed : ""));
    if (statement != NULL)
        add(x, "%sThe call says: %s", words[0] != '\0' ? " " : "  ", prose(x, statement));
    end_line(x, 2);
}

static void section_funding(struct ex *x, size_t index)
{
    const merit_result *res = x->res;
    const merit_proposal_result *pr = &res->proposals[index];
    const char *cur = x->call->currency;
    merit_sink_putc(x->sink, '\n');
    const merit_walk_step *st = walk_step(res, index);
    if (pr->rank == 0 || st == NULL) {
        add(x, "Funding line: not considered, as the proposal is not ranked");
        end_line(x, 2);
        return;
    }
    size_t si = (size_t)(st - res->walk), first, last;
    shared_steps(res, si, &first, &last);
    /* a shared rank is funded whole or not at all: its requests together */
    int64_t group = 0;
    for (size_t s = first; s < last; s++)
        group += res->walk[s].request;
    const char *members = member_list(x, first, last);
    int64_t group_remaining = res->walk[first].remaining;

    switch (st->action) {
    case MERIT_WALK_FUNDED:
        add(x, "Funding line: funded");
        end_line(x, 2);
        if (last - first > 1)
            add(x,
                "  shared rank %s (%s) requests %s %s together against %s remaining: it fits, "
                "funded whole.",
                rank_text(x, pr), members, cur, money(x, group), money(x, group_remaining));
        else
            add(x, "  request %s %s against %s remaining: it fits.", cur, money(x, st->request),
                money(x, st->remaining));
        add(x, " Awarded up to and including %s: %s; %s left.", pid(x, index),
            money(x, pr->cumulative), money(x, st->remaining - st->request));
        break;
    case MERIT_WALK_DOES_NOT_FIT:
        add(x, "Funding line: reserve, the request does not fit");
        end_line(x, 2);
        add(x, "  request %s %s against %s remaining: %s short.", cur, money(x, st->request),
            money(x, st->remaining), money(x, st->request - st->remaining));
        if (res->skip_unaffordable)
            add(x,
                " The %s sets skip-unaffordable: the walk goes on to smaller proposals "
                "below.",
                res->skip_from_call ? "call" : "rubric");
        else
            add(x, " The walk stops here: every proposal below is reserve.");
        break;
    case MERIT_WALK_TIE_AT_LINE:
        add(x, "Funding line: reserve, a tie at the funding line (T)");
        end_line(x, 2);
        add(x, "  shared rank %s (%s) requests %s %s together against %s remaining: %s short. ",
            rank_text(x, pr), members, cur, money(x, group), money(x, group_remaining),
            money(x, group - group_remaining));
        if (res->ties == MERIT_TIES_FUND_WHOLE)
            add(x,
                "The call funds a tie at the line whole only while the awards stay within the "
                "budget plus %s %s (ties=\"fund-whole\"), which is not enough: none is funded",
                cur, money(x, res->overspend_allowed));
        else
            add(x, "The call stops at a tie at the line (ties=\"stop\"), and merit does not "
                   "choose between proposals the rubric cannot separate: none is funded");
        add(x, "%s", walk_goes_on(x));
        break;
    case MERIT_WALK_FUNDED_OVERSPEND:
        add(x, "Funding line: funded, a tie at the line funded whole past the budget (T)");
        end_line(x, 2);
        add(x,
            "  shared rank %s (%s) requests %s %s together against %s remaining: %s short. The "
            "call funds a tie at the line whole while the awards stay within the budget plus "
            "%s %s (ties=\"fund-whole\"): funded whole.",
            rank_text(x, pr), members, cur, money(x, group), money(x, group_remaining),
            money(x, group - group_remaining), cur, money(x, res->overspend_allowed));
        add(x, " Awarded up to and including %s: %s.", pid(x, index), money(x, pr->cumulative));
        break;
    case MERIT_WALK_DRAWN_FUNDED:
    case MERIT_WALK_DRAWN_DOES_NOT_FIT:
        add(x, "%s",
            st->action == MERIT_WALK_DRAWN_FUNDED
                ? "Funding line: funded, drawn by lottery"
                : "Funding line: reserve, drawn by lottery but the request does not fit");
        end_line(x, 2);
        section_lottery(x, index, st);
        break;
    case MERIT_WALK_AFTER_LINE: {
        add(x, "Funding line: reserve, after the line");
        end_line(x, 2);
        const merit_walk_step *stop = NULL;
        for (size_t s = 0; s < si && stop == NULL; s++)
            if (res->walk[s].action == MERIT_WALK_DOES_NOT_FIT ||
                res->walk[s].action == MERIT_WALK_TIE_AT_LINE ||
                res->walk[s].action == MERIT_WALK_DRAWN_DOES_NOT_FIT)
                stop = &res->walk[s];
        if (stop != NULL)
            add(x,
                "  the walk stopped above it at %s (rank" GLUE "%s), which did not fit the "
                "%s %s remaining, ",
                pid(x, stop->result), rank_text(x, &res->proposals[stop->result]), cur,
                money(x, stop->remaining));
        else
            add(x, "  the walk stopped above it, ");
        add(x, "so %s (request %s) was not reached.", pid(x, index), money(x, st->request));
        break;
    }
    }
    end_line(x, 2);
    rule_words(x);
}

static void footer(struct ex *x)
{
    char note[200];
    merit_report_rounding_note(note, sizeof(note), x->places);
    merit_sink_putc(x->sink, '\n');
    add(x, "%s", note);
    end_line(x, 0);
}

int merit_report_explain(merit_sink *sink, const merit_result *res, size_t proposal_index,
                         const merit_report_options *opt)
{
    if (res == NULL || proposal_index >= res->proposal_count)
        return MERIT_EUSAGE;
    struct ex x;
    ex_init(&x, sink, res, opt);
    const merit_proposal_result *pr = &res->proposals[proposal_index];
    section_header(&x, pr);
    section_reviews(&x, pr);
    section_criteria(&x, pr);
    section_total(&x, pr);
    section_eligibility(&x, pr);
    section_disagreement(&x, pr);
    section_rank(&x, proposal_index);
    section_funding(&x, proposal_index);
    footer(&x);
    return ex_finish(&x);
}

/* --- two proposals --------------------------------------------------------- */

static void add_standing(struct ex *x, size_t index, size_t idw)
{
    const merit_proposal_result *pr = &x->res->proposals[index];
    add(x, "  ");
    pad(x, pid(x, index), idw + 2);
    if (pr->rank > 0)
        add(x, "rank %-4s %s", rank_text(x, pr), merit_status_name(pr->status));
    else
        add(x, "not ranked, %s", merit_status_name(pr->status));
    if (pr->has_total)
        add(x, ", total %s", n_brief(x, pr->total));
    end_line(x, 6 + idw);
}

static void comparison_table(struct ex *x, size_t ia, size_t ib)
{
    const merit_rubric *rb = x->rb;
    const merit_proposal_result *a = &x->res->proposals[ia], *b = &x->res->proposals[ib];
    size_t nc = rb->criterion_count, rows = nc + 2, cols = 5;
    const char **cell = calloc(rows * cols, sizeof(*cell));
    if (cell == NULL) {
        merit_sink_fail(x->sink, MERIT_ENOMEM);
        return;
    }
    mpq_t ca, cb, d;
    mpq_inits(ca, cb, d, NULL);
    cell[0] = "criterion";
    cell[1] = "weight";
    cell[2] = pid(x, ia);
    cell[3] = pid(x, ib);
    cell[4] = sfmt(x, "%s - %s", pid(x, ia), pid(x, ib));
    for (size_t c = 0; c < nc; c++) {
        const char **row = &cell[(c + 1) * cols];
        const merit_criterion_result *ra = &a->criteria[c], *rb_ = &b->criteria[c];
        row[0] = name(x, rb->criteria[c].id);
        row[1] = n_exact(x, rb->criteria[c].weight);
        if (ra->has_value) {
            mpq_mul(ca, ra->value, rb->criteria[c].weight);
            row[2] = n_brief(x, ca);
        } else {
            row[2] = "-";
        }
        if (rb_->has_value) {
            mpq_mul(cb, rb_->value, rb->criteria[c].weight);
            row[3] = n_brief(x, cb);
        } else {
            row[3] = "-";
        }
        if (ra->has_value && rb_->has_value) {
            mpq_sub(d, ca, cb);
            row[4] = n_brief(x, d);
        } else {
            row[4] = "-";
        }
    }
    const char **row = &cell[(nc + 1) * cols];
    row[0] = "total";
    row[1] = "";
    row[2] = a->has_total ? n_brief(x, a->total) : "-";
    row[3] = b->has_total ? n_brief(x, b->total) : "-";
    if (a->has_total && b->has_total) {
        mpq_sub(d, a->total, b->total);
        row[4] = n_brief(x, d);
    } else {
        row[4] = "-";
    }
    size_t w[5] = {0};
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++)
            if (merit_report_width(cell[r * cols + c]) > w[c])
                w[c] = merit_report_width(cell[r * cols + c]);
    merit_sink_putc(x->sink, '\n');
    add(x, "Weighted contributions (weight * aggregate):");
    end_line(x, 2);
    for (size_t r = 0; r < rows; r++) {
        add(x, "  ");
        for (size_t c = 0; c < cols; c++) {
            const char *s = cell[r * cols + c];
            if (c == 1) { /* weights right-aligned */
                for (size_t i = merit_report_width(s); i < w[c]; i++)
                    add(x, " ");
                add(x, "%s  ", s);
            } else if (c + 1 < cols) {
                pad(x, s, w[c] + 2);
            } else {
                add(x, "%s", s);
            }
        }
        end_line(x, 0);
    }
    mpq_clears(ca, cb, d, NULL);
    free(cell);
}

int merit_report_explain_against(merit_sink *sink, const merit_result *res, size_t proposal_index,
                                 size_t other_index, const merit_report_options *opt)
{
    if (res == NULL || proposal_index >= res->proposal_count ||
        other_index >= res->proposal_count || proposal_index == other_index)
        return MERIT_EUSAGE;
    struct ex x;
    ex_init(&x, sink, res, opt);
    const merit_proposal_result *a = &res->proposals[proposal_index];
    const merit_proposal_result *b = &res->proposals[other_index];
    const char *ida = pid(&x, proposal_index), *idb = pid(&x, other_index);
    size_t idw = merit_report_width(ida) > merit_report_width(idb) ? merit_report_width(ida)
                                                                   : merit_report_width(idb);

    if (a->rank > 0 && b->rank > 0) {
        size_t ka = order_position(res, proposal_index), kb = order_position(res, other_index);
        size_t upper = ka < kb ? proposal_index : other_index;
        size_t lower = ka < kb ? other_index : proposal_index;
        size_t from = ka < kb ? ka : kb, to = ka < kb ? kb : ka;
        /* the smallest key that decided a neighbouring pair between them */
        merit_decider_kind kind = MERIT_DECIDED_TIED;
        size_t tb = 0;
        for (size_t k = from + 1; k <= to; k++) {
            const merit_proposal_result *pr = &res->proposals[res->order[k]];
            if (pr->decided_by == MERIT_DECIDED_TOTAL) {
                kind = MERIT_DECIDED_TOTAL;
                break;
            }
            if (pr->decided_by == MERIT_DECIDED_TIEBREAK &&
                (kind == MERIT_DECIDED_TIED || pr->decider_index < tb)) {
                kind = MERIT_DECIDED_TIEBREAK;
                tb = pr->decider_index;
            }
        }
        if (kind == MERIT_DECIDED_TIED)
            add(&x, "%s against %s: they share rank %s", ida, idb, rank_text(&x, a));
        else
            add(&x, "%s against %s: %s ranks above %s", ida, idb, pid(&x, upper), pid(&x, lower));
        end_line(&x, 2);
        add_standing(&x, proposal_index, idw);
        add_standing(&x, other_index, idw);
        add(&x, kind == MERIT_DECIDED_TIED ? "  " : "  decided ");
        add_decision(&x, upper, lower, kind, tb);
        end_line(&x, 4);
    } else if (a->rank > 0 || b->rank > 0) {
        size_t ranked = a->rank > 0 ? proposal_index : other_index;
        size_t unranked = a->rank > 0 ? other_index : proposal_index;
        add(&x, "%s against %s: %s ranks above %s, which is not ranked", ida, idb, pid(&x, ranked),
            pid(&x, unranked));
        end_line(&x, 2);
        add_standing(&x, proposal_index, idw);
        add_standing(&x, other_index, idw);
        char *why = merit_report_reason(res, &res->proposals[unranked], x.places);
        add(&x, "  decided by the status: %s is not ranked (%s): %s", pid(&x, unranked),
            status_words(res->proposals[unranked].status), prose(&x, keep(&x, why)));
        end_line(&x, 4);
    } else {
        add(&x, "%s against %s: neither is ranked", ida, idb);
        end_line(&x, 2);
        add_standing(&x, proposal_index, idw);
        add_standing(&x, other_index, idw);
        for (int i = 0; i < 2; i++) {
            size_t idx = i == 0 ? proposal_index : other_index;
            char *why = merit_report_reason(res, &res->proposals[idx], x.places);
            add(&x, "  %s is not ranked (%s): %s", pid(&x, idx),
                status_words(res->proposals[idx].status), prose(&x, keep(&x, why)));
            end_line(&x, 4);
        }
    }
    comparison_table(&x, proposal_index, other_index);
    footer(&x);
    return ex_finish(&x);
}
