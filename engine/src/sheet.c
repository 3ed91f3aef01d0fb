/* Score sheets as loaded: see sheet.h. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "merit/number.h"
#include "rubric.h"
#include "sheet.h"
#include "suggest.h"

void merit__review_release(merit_review *r, size_t criteria)
{
    if (r->no_score_reasons != NULL)
        for (size_t i = 0; i < criteria; i++)
            free(r->no_score_reasons[i]);
    free(r->score_places); /* the block of every per-criterion array */
    free(r->comments);     /* the array with the texts */
    free(r->comment);
    free(r->original_steps);
}

void merit__sheet_release_reviews(struct merit_raw_sheet *s)
{
    for (size_t i = 0; i < s->review_count; i++) {
        merit__review_release(&s->reviews[i].review, s->criterion_count);
        free(s->reviews[i].proposal);
    }
    free(s->reviews);
    s->reviews = NULL;
    s->review_count = 0;
    s->invalid_reviews = 0;
}

void merit__sheet_release(struct merit_raw_sheet *s)
{
    if (s == NULL)
        return;
    free(s->reviewer);
    free(s->call);
    for (size_t i = 0; i < s->conflict_count; i++) {
        free(s->conflicts[i].proposal);
        free(s->conflicts[i].reason);
    }
    free(s->conflicts);
    merit__sheet_release_reviews(s);
    memset(s, 0, sizeof(*s));
}

static size_t count_children(const xmlNode *parent, const char *name)
{
    size_t n = 0;
    for (const xmlNode *c = merit__xml_child(parent, name); c; c = merit__xml_next(c, name))
        n++;
    return n;
}

/* A review's place in the sheet with its proposal id, sorted on their own:
 * the comparison needs nothing else, so the sort is reentrant. */
struct review_key {
    const char *proposal;
    size_t index;
};

/* By proposal id, then position in the sheet. */
static int compare_by_proposal(const void *a, const void *b)
{
    const struct review_key *x = a, *y = b;
    int c = strcmp(x->proposal, y->proposal);
    return c != 0 ? c : (x->index > y->index) - (x->index < y->index);
}

/* A proposal reviewed twice in one sheet: found by sorting, so that a sheet
 * of tens of thousands of reviews costs n log n, not n^2. Reported at each
 * later review, in sheet order, with a note at the first. */
static int check_duplicate_reviews(merit_ctx *ctx, const struct merit_raw_sheet *sheet)
{
    size_t n = sheet->review_count;
    if (n < 2)
        return 0;
    struct review_key *order = merit__malloc(n * sizeof(*order));
    size_t *first = merit__malloc(n * sizeof(*first));
    if (order == NULL || first == NULL) {
        free(order);
        free(first);
        return merit__oom(ctx);
    }
    for (size_t i = 0; i < n; i++) {
        order[i] = (struct review_key){sheet->reviews[i].proposal, i};
        first[i] = SIZE_MAX;
    }
    qsort(order, n, sizeof(*order), compare_by_proposal);
    for (size_t i = 1; i < n; i++) {
        size_t at = order[i].index, before = order[i - 1].index;
        if (strcmp(order[i].proposal, order[i - 1].proposal) == 0)
            first[at] = first[before] != SIZE_MAX ? first[before] : before;
    }
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (first[i] == SIZE_MAX)
            continue;
        const struct merit_raw_review *r = &sheet->reviews[i];
        rc = merit__error_at(ctx, r->proposal_loc, "reviewer '%s' reviews proposal '%s' twice",
                             sheet->reviewer, r->proposal);
        merit__note_at(ctx, sheet->reviews[first[i]].review.loc, "first reviewed here");
    }
    free(order);
    free(first);
    return rc;
}

/* What loading the reviews of one sheet shares. */
struct sheet_load {
    merit_ctx *ctx;
    struct merit_xml_doc *doc;
    const merit_rubric *rubric; /* NULL: scores are only checked for repeats */
    struct merit_raw_sheet *sheet;
    char **texts; /* the score comments of the review loading, by criterion */
    mpq_t value;
    struct merit_suggest criteria; /* the rubric's criterion ids, for "did you mean" */
    bool confidence_needed;        /* the call is ranked confidence-weighted */
};

/* Whether a score of the review has no confidence of its own. */
static bool lacks_confidence(const xmlNode *review)
{
    for (const xmlNode *c = merit__xml_child(review, "score"); c; c = merit__xml_next(c, "score"))
        if (merit__xml_attr(c, "confidence") == NULL)
            return true;
    return false;
}

static bool is_score(const xmlNode *node)
{
    return merit__xml_is(node, "score") || merit__xml_is(node, "no-score");
}

/* The per-criterion arrays of a review share one allocation, score_places
 * first (8 bytes each, so that what follows is aligned for pointers), which
 * merit__review_release frees. Room for
 * no-score reasons is made only when the review has a no-score. */
static int alloc_arrays(merit_review *r, size_t nc, bool reasons)
{
    size_t each = sizeof(merit_place) + (reasons ? sizeof(char *) : 0) + sizeof(int32_t) + 1;
    unsigned char *block = merit__calloc(nc > 0 ? nc : 1, each);
    if (block == NULL)
        return -1;
    r->score_places = (merit_place *)(void *)block;
    block += nc * sizeof(merit_place);
    if (reasons) {
        r->no_score_reasons = (char **)(void *)block;
        block += nc * sizeof(char *);
    }
    r->steps = (int32_t *)(void *)block;
    r->confidences = block + nc * sizeof(int32_t);
    for (size_t i = 0; i < nc; i++)
        r->steps[i] = MERIT_NO_SCORE; /* until a score says otherwise */
    return 0;
}

/* The comments of a review in one allocation: the array of nc pointers,
 * then the texts it points to. */
static int pack_comments(merit_review *r, char *const *texts, size_t nc)
{
    size_t bytes = nc * sizeof(char *);
    for (size_t i = 0; i < nc; i++)
        if (texts[i] != NULL)
            bytes += strlen(texts[i]) + 1;
    r->comments = merit__malloc(bytes > 0 ? bytes : 1);
    if (r->comments == NULL)
        return -1;
    char *at = (char *)(r->comments + nc);
    for (size_t i = 0; i < nc; i++) {
        r->comments[i] = NULL;
        if (texts[i] == NULL)
            continue;
        size_t n = strlen(texts[i]) + 1;
        memcpy(at, texts[i], n);
        r->comments[i] = at;
        at += n;
    }
    return 0;
}

/* A score (or no-score) of a review with its criterion, sorted on their
 * own to find the criteria named twice. */
struct score_key {
    const char *criterion;
    const xmlNode *node;
    size_t index;
};

static int compare_score_keys(const void *a, const void *b)
{
    const struct score_key *x = a, *y = b;
    int c = strcmp(x->criterion, y->criterion);
    return c != 0 ? c : (x->index > y->index) - (x->index < y->index);
}

/* For each score of the review, in order, the score before it that names
 * the same criterion first (NULL for none), into first[]: by sorting, so
 * that a review of many scores costs no n^2. keys has room for n. */
static void find_repeats(const xmlNode *review, struct score_key *keys, const xmlNode **first,
                         size_t n)
{
    size_t k = 0;
    for (const xmlNode *c = merit__xml_child(review, NULL); c && k < n;
         c = merit__xml_next(c, NULL))
        if (is_score(c)) {
            keys[k] = (struct score_key){merit__xml_attr(c, "criterion"), c, k};
            first[k] = NULL;
            k++;
        }
    if (n > 1)
        qsort(keys, n, sizeof(*keys), compare_score_keys);
    for (size_t i = 1; i < n; i++)
        if (strcmp(keys[i].criterion, keys[i - 1].criterion) == 0)
            first[keys[i].index] =
                first[keys[i - 1].index] != NULL ? first[keys[i - 1].index] : keys[i - 1].node;
}

/* A criterion the rubric lacks, with the nearest it has. */
static void unknown_criterion(struct sheet_load *S, const xmlNode *score, const char *criterion)
{
    merit_loc loc = merit__xml_loc(S->doc, score, "criterion");
    const char *near = merit__diag_full(S->ctx) ? NULL : merit__suggest(&S->criteria, criterion);
    if (near != NULL)
        merit__error_at(S->ctx, loc,
                        "unknown criterion '%s' (rubric '%s' has none of that id); did you mean "
                        "'%s'?",
                        criterion, S->rubric->id, near);
    else
        merit__error_at(S->ctx, loc, "unknown criterion '%s' (rubric '%s' has none of that id)",
                        criterion, S->rubric->id);
}

/* A <score>'s value as a count of steps of the rubric's scale, or the
 * reason it is none. */
static int score_steps(struct sheet_load *S, const xmlNode *score, const char *criterion,
                       merit_loc value_loc, int32_t *steps)
{
    const merit_rubric *rb = S->rubric;
    const char *text = merit__xml_attr(score, "value");
    int rc = 0;
    if (merit_decimal_parse(text, S->value) != 0)
        return merit__error_at(S->ctx, value_loc, "score '%s' is not a number", text);
    if (mpq_cmp(S->value, rb->scale_min) < 0 || mpq_cmp(S->value, rb->scale_max) > 0) {
        char *smin = merit_exact_string(rb->scale_min);
        char *smax = merit_exact_string(rb->scale_max);
        if (smin == NULL || smax == NULL)
            merit__oom(S->ctx);
        rc = merit__error_at(S->ctx, value_loc,
                             "score %s for criterion '%s' is off the scale %s to %s", text,
                             criterion, smin ? smin : "?", smax ? smax : "?");
        free(smin);
        free(smax);
    } else if (!merit__rubric_on_scale(rb, S->value, steps)) {
        char *sstep = merit_exact_string(rb->scale_step);
        if (sstep == NULL)
            merit__oom(S->ctx);
        rc =
            merit__error_at(S->ctx, value_loc, "score %s for criterion '%s' is not on a step of %s",
                            text, criterion, sstep ? sstep : "?");
        free(sstep);
    }
    return rc;
}

/* What a review from a template still lacks: the criteria whose score has
 * value="", in the review's order, as "'a', 'b' and 'c'", and whether its
 * confidence is "". */
struct unfilled {
    char *names; /* malloc'd; NULL while there is none */
    size_t len, cap;
    size_t count;
    const char *last; /* the latest criterion, borrowed: joined with "and" */
    bool confidence;
};

static int unfilled_add(struct unfilled *u, const char *criterion)
{
    const char *prev = u->last;
    u->last = criterion;
    u->count++;
    if (prev == NULL)
        return 0;
    /* the one before becomes part of the list: "'a', " */
    size_t need = u->len + strlen(prev) + 5;
    if (need > u->cap) {
        size_t cap = need * 2;
        char *grown = merit__realloc(u->names, cap);
        if (grown == NULL)
            return -1;
        u->names = grown;
        u->cap = cap;
    }
    u->len += (size_t)snprintf(u->names + u->len, u->cap - u->len, "'%s', ", prev);
    return 0;
}

/* One error at the review: "review of proposal 'P01' is not filled in yet:
 * no value for 'a', 'b' and 'c', no confidence". */
static int unfilled_report(struct sheet_load *S, const struct merit_raw_review *r,
                           struct unfilled *u)
{
    if (u->len >= 2)
        u->len -= 2; /* the last ", " */
    const char *list = u->names != NULL ? u->names : "";
    list = u->count > 1 ? list : "";
    const char *and = u->count > 1 ? " and " : "";
    const char *conf = u->confidence ? (u->count > 0 ? ", no confidence" : "no confidence") : "";
    if (u->names != NULL)
        u->names[u->len] = '\0';
    if (u->count > 0)
        merit__error_at(S->ctx, r->review.loc,
                        "review of proposal '%s' is not filled in yet: no value for %s%s'%s'%s",
                        r->proposal, list, and, u->last, conf);
    else
        merit__error_at(S->ctx, r->review.loc, "review of proposal '%s' is not filled in yet: %s",
                        r->proposal, conf);
    return merit_ctx_out_of_memory(S->ctx) ? -1 : 0;
}

/* Loads one <review>; with a rubric, resolves its scores as well (a wrong
 * one marks the review invalid). Returns nonzero for what fails the sheet: a
 * criterion named twice, or MERIT_ENOMEM. The comments read go to
 * S->texts, which the caller empties. */
/* Loads one <review>; with a rubric, resolves its scores as well (a wrong
 * one marks the review invalid). Returns nonzero for what fails the sheet: a
 * criterion named twice, or MERIT_ENOMEM. The comments read go to
 * S->texts, which the caller empties. */
static int load_review_into(struct sheet_load *S, const xmlNode *node, struct merit_raw_review *r,
                            struct unfilled *u);

static int load_review(struct sheet_load *S, const xmlNode *node, struct merit_raw_review *r)
{
    struct unfilled unfilled = {0};
    int rc = load_review_into(S, node, r, &unfilled);
    free(unfilled.names);
    return rc;
}

static int load_review_into(struct sheet_load *S, const xmlNode *node, struct merit_raw_review *r,
                            struct unfilled *u)
{
    merit_ctx *ctx = S->ctx;
    const merit_rubric *rb = S->rubric;
    merit_review *out = &r->review;
    int rc = 0;
    r->diag_mark = merit_ctx_diag_count(ctx);
    out->loc = merit__xml_loc(S->doc, node, NULL);
    r->proposal_loc = merit__xml_loc(S->doc, node, "proposal");
    r->proposal = merit__strdup(merit__xml_attr(node, "proposal"));
    if (r->proposal == NULL)
        return merit__oom(ctx);
    /* 1 to 5 by the schema; none (0) when not given, or left blank in a
     * template (merit sheets), which is said only when the method needs
     * one */
    const char *confidence = merit__xml_attr(node, "confidence");
    bool blank = confidence != NULL && confidence[0] == '\0';
    out->confidence = confidence != NULL && !blank ? (uint8_t)strtoul(confidence, NULL, 10) : 0;
    u->confidence = blank && S->confidence_needed;
    const xmlNode *comment = merit__xml_child(node, "comment");
    if (ctx->keep_comments && comment != NULL &&
        (out->comment = merit__xml_text(comment, false)) == NULL)
        return merit__oom(ctx);
    size_t nc = rb != NULL ? rb->criterion_count : 0;
    size_t scores = count_children(node, "score");
    size_t no_scores = count_children(node, "no-score");
    if (rb != NULL && alloc_arrays(out, nc, no_scores > 0) != 0)
        return merit__oom(ctx);
    /* a criterion named twice: the later ones are reported, the first
     * counts */
    size_t m = scores + no_scores;
    struct score_key keys_here[16];
    const xmlNode *first_here[16];
    struct score_key *keys = m <= 16 ? keys_here : merit__malloc(m * sizeof(*keys));
    const xmlNode **first = m <= 16 ? first_here : merit__malloc(m * sizeof(*first));
    if (keys == NULL || first == NULL) {
        if (keys != keys_here)
            free(keys);
        if (first != first_here)
            free(first);
        return merit__oom(ctx);
    }
    find_repeats(node, keys, first, m);
    size_t k = 0;
    for (const xmlNode *c = merit__xml_child(node, NULL); c; c = merit__xml_next(c, NULL)) {
        bool scored = merit__xml_is(c, "score");
        if (!scored && !merit__xml_is(c, "no-score"))
            continue;
        const char *criterion = merit__xml_attr(c, "criterion");
        const xmlNode *before = first[k++];
        if (before != NULL) {
            rc = merit__error_at(ctx, merit__xml_loc(S->doc, c, "criterion"),
                                 "reviewer '%s' scores criterion '%s' of proposal '%s' twice",
                                 S->sheet->reviewer, criterion, r->proposal);
            merit__note_at(ctx, merit__xml_loc(S->doc, before, NULL), "first scored here");
            continue;
        }
        /* a template's score not filled in yet: said once for the review,
         * with every criterion it leaves */
        bool empty = scored && merit__xml_attr(c, "value")[0] == '\0';
        if (rb == NULL) {
            if (empty && unfilled_add(u, criterion) != 0) {
                rc = merit__oom(ctx);
                break;
            }
            continue; /* nothing to resolve */
        }
        ssize_t ci = merit__rubric_criterion_index(rb, criterion);
        if (ci < 0) {
            /* its error is enough: the criteria it leaves out go unsaid */
            r->invalid = r->unknown_criterion = true;
            unknown_criterion(S, c, criterion);
            continue;
        }
        if (!scored) {
            out->score_places[ci] = merit_place_of(merit__xml_loc(S->doc, c, NULL));
            if ((out->no_score_reasons[ci] = merit__xml_text(c, false)) == NULL) {
                rc = merit__oom(ctx);
                break;
            }
            continue;
        }
        merit_loc value_loc = merit__xml_loc(S->doc, c, "value");
        out->score_places[ci] = merit_place_of(value_loc);
        if (empty) {
            r->invalid = true; /* said below, with the review's others */
            if (unfilled_add(u, criterion) != 0) {
                rc = merit__oom(ctx);
                break;
            }
            continue;
        }
        int32_t steps = 0;
        if (score_steps(S, c, criterion, value_loc, &steps) != 0) {
            r->invalid = true;
            continue;
        }
        out->steps[ci] = steps;
        const char *conf = merit__xml_attr(c, "confidence");
        uint8_t own = conf != NULL ? (uint8_t)strtoul(conf, NULL, 10) : 0;
        out->confidences[ci] = own != 0 ? own : out->confidence;
        if (ctx->keep_comments && (S->texts[ci] = merit__xml_text(c, false)) == NULL) {
            rc = merit__oom(ctx);
            break;
        }
    }
    if (keys != keys_here)
        free(keys);
    if (first != first_here)
        free(first);
    if (rc == MERIT_ENOMEM)
        return rc;
    if (out->confidence == 0 && S->confidence_needed && !u->confidence && lacks_confidence(node)) {
        r->invalid = true;
        merit__error_at(ctx, out->loc,
                        "review of proposal '%s' by '%s' gives no confidence, which the method "
                        "'confidence-weighted' needs: give one on the <review> or on each "
                        "<score>",
                        r->proposal, S->sheet->reviewer);
    }
    if (u->count > 0 || u->confidence) {
        r->invalid = true;
        if (unfilled_report(S, r, u) != 0)
            return merit__oom(ctx);
    }
    if (ctx->keep_comments && rb != NULL && pack_comments(out, S->texts, nc) != 0)
        return merit__oom(ctx);
    return rc;
}

int merit__sheet_from_node(merit_ctx *ctx, struct merit_xml_doc *doc, const xmlNode *node,
                           const merit_rubric *rubric, struct merit_raw_sheet *sheet)
{
    int rc = 0;
    sheet->loc = merit__xml_loc(doc, node, NULL);
    sheet->reviewer_loc = merit__xml_loc(doc, node, "reviewer");
    sheet->call_loc = merit__xml_loc(doc, node, "call");
    sheet->reviewer = merit__strdup(merit__xml_attr(node, "reviewer"));
    sheet->call = merit__strdup(merit__xml_attr(node, "call"));
    if (sheet->reviewer == NULL || sheet->call == NULL)
        return merit__oom(ctx);

    const xmlNode *conflicts = merit__xml_child(node, "conflicts");
    size_t n = count_children(conflicts, "conflict");
    if (n > 0 && (sheet->conflicts = merit__calloc(n, sizeof(*sheet->conflicts))) == NULL)
        return merit__oom(ctx);
    for (const xmlNode *c = merit__xml_child(conflicts, "conflict"); c;
         c = merit__xml_next(c, "conflict")) {
        struct merit_raw_conflict *k = &sheet->conflicts[sheet->conflict_count++];
        k->loc = merit__xml_loc(doc, c, "proposal");
        k->proposal = merit__strdup(merit__xml_attr(c, "proposal"));
        k->reason = merit__xml_text(c, true);
        if (k->proposal == NULL || k->reason == NULL)
            return merit__oom(ctx);
    }

    n = count_children(node, "review");
    if (n > 0 && (sheet->reviews = merit__calloc(n, sizeof(*sheet->reviews))) == NULL)
        return merit__oom(ctx);
    size_t nc = rubric != NULL ? rubric->criterion_count : 0;
    sheet->criterion_count = nc;
    struct sheet_load S = {.ctx = ctx, .doc = doc, .rubric = rubric, .sheet = sheet};
    /* the method the call will be ranked by: the one given, or the
     * rubric's */
    S.confidence_needed =
        ctx->method_override ? ctx->method == MERIT_METHOD_CONFIDENCE_WEIGHTED
                             : rubric != NULL && rubric->method == MERIT_METHOD_CONFIDENCE_WEIGHTED;
    if (rubric != NULL)
        merit__suggest_init(&S.criteria, rubric->criteria, offsetof(merit_criterion, id),
                            rubric->criterion_count, sizeof(merit_criterion));
    if (nc > 0 && ctx->keep_comments && (S.texts = merit__calloc(nc, sizeof(char *))) == NULL)
        return merit__oom(ctx);
    mpq_init(S.value);
    for (const xmlNode *c = merit__xml_child(node, "review"); c; c = merit__xml_next(c, "review")) {
        struct merit_raw_review *r = &sheet->reviews[sheet->review_count++];
        int one = load_review(&S, c, r);
        for (size_t k = 0; S.texts != NULL && k < nc; k++) {
            free(S.texts[k]);
            S.texts[k] = NULL;
        }
        if (one == MERIT_ENOMEM) {
            rc = one;
            break;
        }
        if (one)
            rc = one;
        sheet->invalid_reviews += r->invalid;
        for (size_t k = 0; k < sheet->conflict_count; k++)
            if (strcmp(sheet->conflicts[k].proposal, r->proposal) == 0) {
                rc = merit__error_at(ctx, r->proposal_loc,
                                     "reviewer '%s' scores proposal '%s' after declaring a "
                                     "conflict with it",
                                     sheet->reviewer, r->proposal);
                merit__note_at(ctx, sheet->conflicts[k].loc, "conflict declared here");
            }
    }
    mpq_clear(S.value);
    free(S.texts);
    if (rc == MERIT_ENOMEM)
        return rc;
    int dup = check_duplicate_reviews(ctx, sheet);
    return dup != 0 ? dup : rc;
}
