/*
 * Reviewer assignment (merit/assign.h) as a minimum-cost flow: source ->
 * proposal (capacity K), proposal -> candidate reviewer (capacity 1, cost
 * (100 - bid) * M, plus 1 without an expertise match, M more than any total
 * expertise cost, 0 without bids; no edge for an excluded pair, an
 * unwilling bid included), reviewer -> sink in three tiers (up to the
 * floor of the mean load at cost 0, up to its ceiling at cost B, up to the
 * load limit at cost 2B, with B more than any total pair cost; `costs`),
 * so that the cheapest flow of P*K units first spreads the loads as evenly
 * as the candidates allow, then has the largest sum of bids, then the
 * fewest pairs without a match.
 *
 * Solved by the primal-dual method (Ahuja, Magnanti & Orlin, Network
 * Flows, 1993, section 9.8): Dijkstra on reduced costs gives potentials,
 * then a blocking flow (Dinic) on the edges of reduced cost 0 sends all
 * that the current shortest distance allows; repeat. Costs are integers and
 * every tie goes to the lower index, so the result is deterministic.
 *
 * A complete bipartite graph of 10,000 proposals and 1,000 reviewers has
 * 10 million edges, so each proposal gets a candidate set first: up to C/2
 * reviewers who bid on it above 0 (the highest first) or whose expertise
 * matches, then others, each taken in a rotation
 * that starts at (p * K) mod R so that windows spread over the panel. The
 * flow is optimal over the candidates; when it falls short, C grows
 * fourfold until it holds every eligible reviewer, and only a shortfall
 * then is an error.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "merit/assign.h"
#include "assign_internal.h"
#include "merit/escape.h"
#include "merit/table.h"

/* --- matching words ------------------------------------------------------ */

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_word(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (unsigned char)c >= 0x80;
}

/* s[0..n) without the white space around it */
static void trim(const char **s, size_t *n)
{
    while (*n > 0 && is_space((*s)[0])) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && is_space((*s)[*n - 1]))
        (*n)--;
}

static bool same_caseless(const char *a, size_t an, const char *b, size_t bn)
{
    if (an != bn)
        return false;
    for (size_t i = 0; i < an; i++)
        if (lower(a[i]) != lower(b[i]))
            return false;
    return true;
}

/* Whether hay names needle as a whole word (not inside a longer word),
 * ignoring ASCII case. */
static bool names_word(const char *hay, const char *needle)
{
    const char *n = needle;
    size_t nn = strlen(needle);
    trim(&n, &nn);
    if (nn == 0)
        return false;
    size_t hn = strlen(hay);
    for (size_t i = 0; i + nn <= hn; i++) {
        if (i > 0 && is_word(hay[i - 1]))
            continue;
        if (!same_caseless(hay + i, nn, n, nn))
            continue;
        if (i + nn < hn && is_word(hay[i + nn]) && is_word(n[nn - 1]))
            continue;
        return true;
    }
    return false;
}

const char *merit_assign_excluded(const merit_call *call, size_t reviewer, size_t proposal,
                                  const char **detail_out)
{
    *detail_out = NULL;
    const merit_conflict *k = merit__find_conflict(call, reviewer, proposal, false);
    if (k != NULL) {
        *detail_out = k->reason;
        return "conflict";
    }
    const char *aff = call->reviewers[reviewer].affiliation;
    const merit_proposal *p = &call->proposals[proposal];
    if (aff != NULL)
        for (size_t i = 0; i < p->org_count; i++)
            if (p->orgs[i].name != NULL && names_word(aff, p->orgs[i].name)) {
                *detail_out = p->orgs[i].name;
                return "organisation";
            }
    return NULL;
}

/* The reviewer's expertise keyword that is the proposal's area, as the
 * reviewer wrote it (trimmed): *kw_out, *kn_out; false when none. */
static bool matched_keyword(const merit_call *call, size_t reviewer, size_t proposal,
                            const char **kw_out, size_t *kn_out)
{
    const char *exp = call->reviewers[reviewer].expertise;
    const char *area = call->proposals[proposal].area;
    if (exp == NULL || area == NULL)
        return false;
    size_t an = strlen(area);
    trim(&area, &an);
    while (*exp != '\0') {
        const char *end = strchr(exp, ';');
        size_t n = end != NULL ? (size_t)(end - exp) : strlen(exp);
        const char *kw = exp;
        size_t kn = n;
        trim(&kw, &kn);
        if (kn > 0 && same_caseless(kw, kn, area, an)) {
            *kw_out = kw;
            *kn_out = kn;
            return true;
        }
        exp += n + (end != NULL);
    }
    return false;
}

bool merit_assign_expertise_match(const merit_call *call, size_t reviewer, size_t proposal)
{
    const char *kw;
    size_t kn;
    return matched_keyword(call, reviewer, proposal, &kw, &kn);
}

/* --- the expertise index: (keyword, reviewer), sorted -------------------- */

struct keyword {
    char *word; /* lowercased, trimmed; owned */
    size_t reviewer;
};

static int compare_keywords(const void *a, const void *b)
{
    const struct keyword *x = a, *y = b;
    int c = strcmp(x->word, y->word);
    if (c != 0)
        return c;
    return (x->reviewer > y->reviewer) - (x->reviewer < y->reviewer);
}

static char *lowered(const char *s, size_t n)
{
    char *w = merit__malloc(n + 1);
    if (w == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++)
        w[i] = lower(s[i]);
    w[n] = '\0';
    return w;
}

static void free_keywords(struct keyword *k, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(k[i].word);
    free(k);
}

static int build_keywords(const merit_call *call, struct keyword **out, size_t *count_out)
{
    size_t n = 0, cap = 0;
    struct keyword *k = NULL;
    for (size_t r = 0; r < call->reviewer_count; r++) {
        const char *exp = call->reviewers[r].expertise;
        while (exp != NULL && *exp != '\0') {
            const char *end = strchr(exp, ';');
            size_t len = end != NULL ? (size_t)(end - exp) : strlen(exp);
            const char *kw = exp;
            size_t kn = len;
            trim(&kw, &kn);
            exp += len + (end != NULL);
            if (kn == 0)
                continue;
            if (n == cap) {
                size_t ncap = cap == 0 ? 64 : cap * 2;
                struct keyword *nk = merit__realloc(k, ncap * sizeof(*k));
                if (nk == NULL) {
                    free_keywords(k, n);
                    return MERIT_ENOMEM;
                }
                k = nk;
                cap = ncap;
            }
            if ((k[n].word = lowered(kw, kn)) == NULL) {
                free_keywords(k, n);
                return MERIT_ENOMEM;
            }
            k[n++].reviewer = r;
        }
    }
    if (n > 1)
        qsort(k, n, sizeof(*k), compare_keywords);
    size_t kept = 0; /* a keyword a reviewer lists twice is one */
    for (size_t i = 0; i < n; i++) {
        if (kept > 0 && compare_keywords(&k[kept - 1], &k[i]) == 0) {
            free(k[i].word);
            continue;
        }
        k[kept++] = k[i];
    }
    *out = k;
    *count_out = kept;
    return 0;
}

/* --- the flow network ----------------------------------------------------- */

struct edge {
    uint32_t from, to;
    int32_t cap;
    int64_t cost;
};

struct heap_item {
    int64_t d;
    uint32_t v;
};

struct flow {
    size_t n, m;
    struct edge *e; /* edge i and i ^ 1 are each other's reverse */
    size_t *first;  /* n + 1: node v's edges are adj[first[v] .. first[v + 1]) */
    uint32_t *adj;
    int64_t *pi, *dist;
    int32_t *level;
    size_t *it;
    uint32_t *stack; /* the path being built, or the BFS queue */
    struct heap_item *heap;
};

static void flow_free(struct flow *f)
{
    free(f->e);
    free(f->first);
    free(f->adj);
    free(f->pi);
    free(f->dist);
    free(f->level);
    free(f->it);
    free(f->stack);
    free(f->heap);
}

static void add_edge(struct flow *f, uint32_t u, uint32_t v, int32_t cap, int64_t cost)
{
    f->e[f->m++] = (struct edge){u, v, cap, cost};
    f->e[f->m++] = (struct edge){v, u, 0, -cost};
}

static int flow_index(struct flow *f)
{
    f->first = merit__calloc(f->n + 1, sizeof(*f->first));
    f->adj = merit__malloc((f->m > 0 ? f->m : 1) * sizeof(*f->adj));
    f->pi = merit__calloc(f->n, sizeof(*f->pi));
    f->dist = merit__malloc(f->n * sizeof(*f->dist));
    f->level = merit__malloc(f->n * sizeof(*f->level));
    f->it = merit__malloc(f->n * sizeof(*f->it));
    f->stack = merit__malloc(f->n * sizeof(*f->stack));
    f->heap = merit__malloc((f->m + 1) * sizeof(*f->heap));
    if (f->first == NULL || f->adj == NULL || f->pi == NULL || f->dist == NULL ||
        f->level == NULL || f->it == NULL || f->stack == NULL || f->heap == NULL)
        return MERIT_ENOMEM;
    for (size_t i = 0; i < f->m; i++)
        f->first[f->e[i].from + 1]++;
    for (size_t v = 0; v < f->n; v++)
        f->first[v + 1] += f->first[v];
    for (size_t v = 0; v < f->n; v++)
        f->it[v] = f->first[v];
    for (size_t i = 0; i < f->m; i++)
        f->adj[f->it[f->e[i].from]++] = (uint32_t)i;
    return 0;
}

static bool heap_less(struct heap_item a, struct heap_item b)
{
    return a.d < b.d || (a.d == b.d && a.v < b.v);
}

static int64_t reduced(const struct flow *f, const struct edge *x)
{
    return x->cost + f->pi[x->from] - f->pi[x->to];
}

/* Shortest distances from s by reduced cost; true when t is reached. */
static bool dijkstra(struct flow *f, uint32_t s, uint32_t t)
{
    for (size_t v = 0; v < f->n; v++)
        f->dist[v] = INT64_MAX;
    size_t hn = 0;
    f->dist[s] = 0;
    f->heap[hn++] = (struct heap_item){0, s};
    while (hn > 0) {
        struct heap_item top = f->heap[0];
        struct heap_item last = f->heap[--hn];
        size_t i = 0;
        for (;;) { /* sift last down from the root */
            size_t c = 2 * i + 1;
            if (c >= hn)
                break;
            if (c + 1 < hn && heap_less(f->heap[c + 1], f->heap[c]))
                c++;
            if (!heap_less(f->heap[c], last))
                break;
            f->heap[i] = f->heap[c];
            i = c;
        }
        if (hn > 0)
            f->heap[i] = last;
        if (top.d > f->dist[top.v])
            continue;
        for (size_t j = f->first[top.v]; j < f->first[top.v + 1]; j++) {
            const struct edge *x = &f->e[f->adj[j]];
            if (x->cap <= 0)
                continue;
            int64_t nd = top.d + reduced(f, x);
            if (nd >= f->dist[x->to])
                continue;
            f->dist[x->to] = nd;
            size_t k = hn++; /* each push follows a decrease: at most m of them */
            struct heap_item item = {nd, x->to};
            while (k > 0 && heap_less(item, f->heap[(k - 1) / 2])) {
                f->heap[k] = f->heap[(k - 1) / 2];
                k = (k - 1) / 2;
            }
            f->heap[k] = item;
        }
    }
    if (f->dist[t] == INT64_MAX)
        return false;
    for (size_t v = 0; v < f->n; v++)
        f->pi[v] += f->dist[v] < f->dist[t] ? f->dist[v] : f->dist[t];
    return true;
}

static bool admissible(const struct flow *f, const struct edge *x)
{
    return x->cap > 0 && reduced(f, x) == 0;
}

static bool levels(struct flow *f, uint32_t s, uint32_t t)
{
    for (size_t v = 0; v < f->n; v++)
        f->level[v] = -1;
    size_t head = 0, tail = 0;
    f->level[s] = 0;
    f->stack[tail++] = s;
    while (head < tail) {
        uint32_t v = f->stack[head++];
        for (size_t j = f->first[v]; j < f->first[v + 1]; j++) {
            const struct edge *x = &f->e[f->adj[j]];
            if (admissible(f, x) && f->level[x->to] < 0) {
                f->level[x->to] = f->level[v] + 1;
                f->stack[tail++] = x->to;
            }
        }
    }
    return f->level[t] >= 0;
}

/* A blocking flow on the admissible level graph; returns what it sent. */
static size_t blocking_flow(struct flow *f, uint32_t s, uint32_t t)
{
    for (size_t v = 0; v < f->n; v++)
        f->it[v] = f->first[v];
    size_t sent = 0, depth = 0;
    uint32_t v = s;
    for (;;) {
        if (v == t) {
            int32_t b = INT32_MAX;
            for (size_t i = 0; i < depth; i++)
                if (f->e[f->stack[i]].cap < b)
                    b = f->e[f->stack[i]].cap;
            for (size_t i = 0; i < depth; i++) {
                f->e[f->stack[i]].cap -= b;
                f->e[f->stack[i] ^ 1].cap += b;
            }
            sent += (size_t)b;
            depth = 0;
            v = s;
            continue;
        }
        bool moved = false;
        for (; f->it[v] < f->first[v + 1]; f->it[v]++) {
            uint32_t id = f->adj[f->it[v]];
            const struct edge *x = &f->e[id];
            if (f->level[x->to] == f->level[v] + 1 && admissible(f, x)) {
                f->stack[depth++] = id;
                v = x->to;
                moved = true;
                break;
            }
        }
        if (moved)
            continue;
        if (v == s)
            return sent;
        f->level[v] = -1; /* a dead end */
        v = f->e[f->stack[--depth]].from;
        f->it[v]++;
    }
}

/* --- candidates and the assignment ---------------------------------------- */

struct work {
    const merit_call *call;
    size_t P, R, K, C;
    uint32_t *cand; /* P * C */
    size_t *cand_count;
    size_t *stamp; /* per reviewer: p + 1 when already a candidate of p */
    struct keyword *kw;
    size_t kw_count;
    const merit_bids *bids; /* borrowed; NULL: none */
    size_t *veto;           /* per reviewer: p + 1 when they bid unwilling on p */
    size_t unwilling;       /* reviewers p's bids exclude, for the message */
};

/* The keyword index's range for the proposal's area. */
static void area_range(const struct work *w, size_t p, size_t *lo_out, size_t *hi_out)
{
    *lo_out = *hi_out = 0;
    const char *area = w->call->proposals[p].area;
    if (area == NULL || w->kw_count == 0)
        return;
    size_t an = strlen(area);
    trim(&area, &an);
    size_t lo = 0, hi = w->kw_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *k = w->kw[mid].word;
        size_t i = 0;
        while (i < an && k[i] != '\0' && k[i] == lower(area[i]))
            i++;
        int c = i < an ? (k[i] == '\0' ? -1 : (unsigned char)k[i] - (unsigned char)lower(area[i]))
                       : (k[i] == '\0' ? 0 : 1);
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < w->kw_count && same_caseless(w->kw[end].word, strlen(w->kw[end].word), area, an))
        end++;
    *lo_out = lo;
    *hi_out = end;
}

/* Fills proposal p's candidates; returns how many, which is every eligible
 * reviewer when it is fewer than C. */
static size_t candidates(struct work *w, size_t p)
{
    uint32_t *c = &w->cand[p * w->C];
    size_t n = 0, start = (size_t)(((uint64_t)p * w->K) % w->R);
    const char *detail;
    size_t lo, hi, positive = 0;
    /* the bids: unwilling reviewers vetoed, positive bidders first (the
     * highest bids when there are more than C/2 of them) */
    merit__bids_range(w->bids, p, &lo, &hi);
    w->unwilling = 0;
    for (size_t i = lo; i < hi; i++) {
        size_t r;
        int v;
        merit__bids_at(w->bids, i, &r, &v);
        if (v <= MERIT_BID_UNWILLING) {
            w->veto[r] = p + 1;
            w->unwilling++;
        }
        positive += v > 0;
    }
    /* all of them in one pass when they fit; else by bid, from 100 down,
     * a pass each (at most 100 passes over p's bids: linear) */
    int top = positive <= w->C / 2 ? 1 : 100;
    for (int b = top; b >= 1 && positive > 0 && n < w->C / 2; b--)
        for (size_t i = lo; i < hi && n < w->C / 2; i++) {
            size_t r;
            int v;
            merit__bids_at(w->bids, i, &r, &v);
            if ((top == 1 ? v < 1 : v != b) ||
                merit_assign_excluded(w->call, r, p, &detail) != NULL)
                continue;
            c[n++] = (uint32_t)r;
            w->stamp[r] = p + 1;
        }
    area_range(w, p, &lo, &hi);
    if (hi > lo) {
        size_t first = lo; /* the first match at or after the rotation's start */
        while (first < hi && w->kw[first].reviewer < start)
            first++;
        for (size_t i = 0; i < hi - lo && n < w->C / 2; i++) {
            size_t j = first + i < hi ? first + i : first + i - (hi - lo);
            size_t r = w->kw[j].reviewer;
            if (w->stamp[r] == p + 1 || w->veto[r] == p + 1 ||
                merit_assign_excluded(w->call, r, p, &detail) != NULL)
                continue;
            c[n++] = (uint32_t)r;
            w->stamp[r] = p + 1;
        }
    }
    for (size_t i = 0; i < w->R && n < w->C; i++) {
        size_t r = start + i < w->R ? start + i : start + i - w->R;
        if (w->stamp[r] == p + 1 || w->veto[r] == p + 1 ||
            merit_assign_excluded(w->call, r, p, &detail) != NULL)
            continue;
        c[n++] = (uint32_t)r;
        w->stamp[r] = p + 1;
    }
    return n;
}

static int compare_pairs(const void *a, const void *b)
{
    const merit_assign_pair *x = a, *y = b;
    if (x->proposal != y->proposal)
        return x->proposal < y->proposal ? -1 : 1;
    return (x->reviewer > y->reviewer) - (x->reviewer < y->reviewer);
}

void merit_assign_result_free(merit_assign_result *a)
{
    if (a == NULL)
        return;
    free(a->pairs);
    free(a->loads);
    free(a);
}

/*
 * The cost units for N = P * K pairs. A pair costs (100 - bid) * M, plus 1
 * without an expertise match; M = N + 1 is more than the expertise costs
 * of all pairs together, so one point of bid outweighs every match. A
 * reviewer's load costs 0 up to the mean rounded down, B a unit up to it
 * rounded up, 2B a unit past that; B is more than all pairs' costs
 * together, so the loads come first. Without bids, M is 0 (the pair costs
 * 0 or 1 as before bids were read) and B = N + 1.
 */
static void costs(size_t N, bool bids, int64_t *M_out, int64_t *B_out)
{
    int64_t M = bids ? (int64_t)N + 1 : 0;
    *M_out = M;
    *B_out = (int64_t)N * (199 * M + 1) + 1;
}

/* Whether the costs of `costs` stay exact in 64 bits: a shortest path's
 * length is at most the nodes times the largest pair cost plus 2B, and the
 * potentials, the reduced costs and their sums stay within a few of that. */
static bool costs_fit(size_t N, size_t nodes, bool bids)
{
    const uint64_t cap = (uint64_t)1 << 60;
    uint64_t M = bids ? (uint64_t)N + 1 : 0, pair, B, path;
    /* each product checked against cap by a division, not by overflow */
    if (M > cap / 199)
        return false;
    pair = 199 * M + 1;
    if (N > 0 && pair > (cap / 8) / N)
        return false;
    B = (uint64_t)N * pair + 1;
    if (nodes > 0 && pair > (cap - 4 * B) / nodes)
        return false;
    path = (uint64_t)nodes * pair + 4 * B;
    return path < cap;
}

/* One run of the flow over C candidates a proposal. *short_out: proposals
 * with fewer eligible reviewers than K (an error at once); the flow sent is
 * in *sent_out, and the pairs, when it is whole, in a. */
static int run(merit_ctx *ctx, struct work *w, size_t lo_load, size_t hi_load, size_t max_load,
               size_t *sent_out, merit_assign_result *a)
{
    const merit_call *call = w->call;
    size_t P = w->P, R = w->R, K = w->K;
    int rc = 0;
    w->cand = merit__malloc(P * w->C * sizeof(*w->cand) + 1);
    w->cand_count = merit__malloc(P * sizeof(*w->cand_count) + 1);
    if (w->cand == NULL || w->cand_count == NULL)
        return merit__oom(ctx);
    memset(w->stamp, 0, R * sizeof(*w->stamp));
    size_t edges = P;
    for (size_t p = 0; p < P; p++) {
        w->cand_count[p] = candidates(w, p);
        edges += w->cand_count[p];
        if (w->cand_count[p] < K) {
            const merit_proposal *pr = &call->proposals[p];
            rc = merit__error_at(ctx, pr->loc,
                                 "proposal '%s' has %zu eligible reviewer%s, fewer than the %zu it "
                                 "needs: the rest of the panel has a conflict with it%s shares "
                                 "an organisation%s",
                                 pr->id, w->cand_count[p], w->cand_count[p] == 1 ? "" : "s", K,
                                 w->unwilling > 0 ? "," : " or",
                                 w->unwilling > 0 ? " or bid unwilling" : "");
        }
    }
    if (rc != 0)
        return rc;
    struct flow f = {0};
    f.n = P + R + 2;
    edges += 3 * R;
    f.e = merit__malloc(2 * edges * sizeof(*f.e));
    if (f.e == NULL)
        return merit__oom(ctx);
    uint32_t S = 0, T = (uint32_t)(P + R + 1);
    int64_t M, B;
    costs(P * K, w->bids != NULL, &M, &B);
    for (size_t p = 0; p < P; p++)
        add_edge(&f, S, (uint32_t)(1 + p), (int32_t)K, 0);
    for (size_t p = 0; p < P; p++)
        for (size_t i = 0; i < w->cand_count[p]; i++) {
            size_t r = w->cand[p * w->C + i];
            int64_t bid_cost = w->bids != NULL ? 100 - merit_bids_get(w->bids, r, p, NULL) : 0;
            add_edge(&f, (uint32_t)(1 + p), (uint32_t)(1 + P + r), 1,
                     bid_cost * M + (merit_assign_expertise_match(call, r, p) ? 0 : 1));
        }
    for (size_t r = 0; r < R; r++) {
        uint32_t v = (uint32_t)(1 + P + r);
        if (lo_load > 0)
            add_edge(&f, v, T, (int32_t)lo_load, 0);
        if (hi_load > lo_load)
            add_edge(&f, v, T, (int32_t)(hi_load - lo_load), B);
        if (max_load > hi_load)
            add_edge(&f, v, T, (int32_t)(max_load - hi_load), 2 * B);
    }
    if (flow_index(&f) != 0) {
        flow_free(&f);
        return merit__oom(ctx);
    }
    size_t sent = 0, need = P * K;
    while (sent < need && dijkstra(&f, S, T))
        while (sent < need && levels(&f, S, T))
            sent += blocking_flow(&f, S, T);
    *sent_out = sent;
    size_t n = 0;
    for (size_t p = 0; p < P; p++) { /* a used pair: a forward edge now full */
        size_t got = 0;
        for (size_t j = f.first[1 + p]; j < f.first[2 + p]; j++) {
            uint32_t id = f.adj[j];
            const struct edge *x = &f.e[id];
            if ((id & 1) == 0 && x->to > P && x->to < T && x->cap == 0) {
                if (sent == need)
                    a->pairs[n++] = (merit_assign_pair){
                        p, x->to - 1 - P, merit_assign_expertise_match(call, x->to - 1 - P, p)};
                got++;
            }
        }
        if (sent < need && w->C >= R && got < K) {
            const merit_proposal *pr = &call->proposals[p];
            rc = merit__error_at(ctx, pr->loc,
                                 "proposal '%s' can be given only %zu of its %zu reviewers: every "
                                 "other eligible reviewer is at the load limit of %zu",
                                 pr->id, got, K, max_load);
        }
    }
    flow_free(&f);
    return rc;
}

/* Sorts the result's pairs and counts its loads, matches and bids. */
static void tally(const merit_call *call, const merit_bids *bids, merit_assign_result *a)
{
    size_t R = call->reviewer_count;
    if (a->count > 1)
        qsort(a->pairs, a->count, sizeof(*a->pairs), compare_pairs);
    for (size_t i = 0; i < a->count; i++) {
        a->loads[a->pairs[i].reviewer]++;
        a->matches += a->pairs[i].expertise;
        a->bid_pairs += merit_bids_get(bids, a->pairs[i].reviewer, a->pairs[i].proposal, NULL) > 0;
    }
    a->min_load = R > 0 ? a->loads[0] : 0;
    for (size_t r = 0; r < R; r++) {
        if (a->loads[r] < a->min_load)
            a->min_load = a->loads[r];
        if (a->loads[r] > a->top_load)
            a->top_load = a->loads[r];
    }
}

int merit_assign(merit_ctx *ctx, const merit_call *call, const merit_assign_options *opt,
                 merit_assign_result **out)
{
    *out = NULL;
    size_t P = call->proposal_count, R = call->reviewer_count;
    size_t K = opt != NULL && opt->per_proposal > 0 ? opt->per_proposal : 3;
    if (K > 1000)
        return MERIT_EUSAGE;
    uint64_t need = (uint64_t)P * K;
    size_t hi_load = R > 0 ? (size_t)((need + R - 1) / R) : 0;
    size_t lo_load = R > 0 ? (size_t)(need / R) : 0;
    size_t max_load = opt != NULL && opt->max_load > 0 ? opt->max_load : hi_load;
    if (max_load > P)
        max_load = P; /* no reviewer can take more */
    if (need > (uint64_t)R * max_load || (R == 0 && P > 0)) {
        return merit__error_at(ctx, call->loc,
                               "the panel can take at most %llu reviews (%zu reviewer%s, at most "
                               "%zu proposal%s each), fewer than the %llu that %zu proposal%s "
                               "need%s at %zu reviewer%s each",
                               (unsigned long long)R * max_load, R, R == 1 ? "" : "s", max_load,
                               max_load == 1 ? "" : "s", (unsigned long long)need, P,
                               P == 1 ? "" : "s", P == 1 ? "s" : "", K, K == 1 ? "" : "s");
    }
    const merit_bids *bids = opt != NULL ? opt->bids : NULL;
    if (!costs_fit((size_t)need, P + R + 2, bids != NULL))
        return merit__error_at(ctx, call->loc,
                               "%llu reviews over %zu proposals and %zu reviewers are too many "
                               "for merit assign's exact integer costs",
                               (unsigned long long)need, P, R);
    merit_assign_result *a = merit__calloc(1, sizeof(*a));
    struct work w = {call, P, R, K, 0, NULL, NULL, NULL, NULL, 0, bids, NULL, 0};
    w.stamp = merit__calloc(R + 1, sizeof(*w.stamp));
    w.veto = merit__calloc(R + 1, sizeof(*w.veto));
    if (a == NULL || w.stamp == NULL || w.veto == NULL ||
        (a->pairs = merit__malloc(need * sizeof(*a->pairs) + 1)) == NULL ||
        (a->loads = merit__calloc(R + 1, sizeof(*a->loads))) == NULL ||
        build_keywords(call, &w.kw, &w.kw_count) != 0) {
        merit_assign_result_free(a);
        free(w.stamp);
        free(w.veto);
        return merit__oom(ctx);
    }
    int rc = 0;
    size_t C = 4 * K > 20 ? 4 * K : 20;
    for (;;) {
        w.C = C < R ? C : R;
        size_t sent = 0;
        rc = run(ctx, &w, lo_load, hi_load, max_load, &sent, a);
        free(w.cand);
        free(w.cand_count);
        w.cand = NULL;
        w.cand_count = NULL;
        if (rc != 0 || sent == need)
            break;
        C *= 4; /* short over these candidates: widen (run reports at C = R) */
    }
    free(w.stamp);
    free(w.veto);
    free_keywords(w.kw, w.kw_count);
    if (rc != 0) {
        merit_assign_result_free(a);
        return rc;
    }
    a->count = (size_t)need;
    a->per_proposal = (unsigned)K;
    a->max_load = (unsigned)max_load;
    a->candidates = w.C;
    a->lo_load = lo_load;
    a->hi_load = hi_load;
    tally(call, bids, a);
    *out = a;
    return 0;
}

/* --- writing ---------------------------------------------------------------- */

int merit_assign_write_csv(merit_sink *sink, const merit_call *call, const merit_assign_result *a)
{
    merit_sink_puts(sink, "reviewer,proposal\n");
    for (size_t i = 0; i < a->count; i++) {
        /* an id may begin with '-': marked like every text from an input,
         * which merit's table reader (merit sheets --assignment) takes off */
        merit_sink_csv_field(sink, call->reviewers[a->pairs[i].reviewer].id, true);
        merit_sink_putc(sink, ',');
        merit_sink_csv_field(sink, call->proposals[a->pairs[i].proposal].id, true);
        merit_sink_putc(sink, '\n');
    }
    return sink->error;
}

/* --- explaining ------------------------------------------------------------- */

/* A list of ids longer than LIST_LONG is shown as its first LIST_SHOWN and
 * how many more, as `merit explain` shows long lists; a quoted reason or
 * name is cut to QUOTE_WIDTH columns. */
#define LIST_LONG 10
#define LIST_SHOWN 5
#define QUOTE_WIDTH 40

/* Text from an input, escaped, cut to at most cols columns with "..." */
static void put_cut(merit_sink *sink, const char *text, size_t cols)
{
    char *e = merit_escape(text, MERIT_ESCAPE_PROSE);
    if (e == NULL) {
        merit_sink_fail(sink, MERIT_ENOMEM);
        return;
    }
    size_t width = 0, whole = merit_escape_cut(e, SIZE_MAX, &width);
    if (width <= cols) {
        merit_sink_write(sink, e, whole);
    } else {
        size_t bytes = merit_escape_cut(e, cols - 3, NULL), cut = bytes;
        while (cut > bytes / 2 && e[cut] != ' ') /* end at a word, as merit explain does */
            cut--;
        if (e[cut] == ' ')
            bytes = cut;
        merit_sink_write(sink, e, bytes);
        merit_sink_puts(sink, "...");
    }
    free(e);
}

enum why { CHOSEN, CONFLICT, ORGANISATION, UNWILLING, FULL, ROOM, WHY_COUNT };
#define CHOSEN_MARK 255

/* Why reviewer r is where they are for proposal p. */
static enum why classify(const merit_call *call, const merit_assign_result *a,
                         const merit_bids *bids, size_t r, size_t p, bool chosen,
                         const char **detail_out)
{
    const char *why = merit_assign_excluded(call, r, p, detail_out);
    if (chosen)
        return CHOSEN;
    if (why != NULL)
        return strcmp(why, "conflict") == 0 ? CONFLICT : ORGANISATION;
    if (merit_bids_get(bids, r, p, NULL) <= MERIT_BID_UNWILLING)
        return UNWILLING;
    return a->loads[r] >= a->max_load ? FULL : ROOM;
}

static void put_bid(merit_sink *sink, const merit_bids *bids, size_t r, size_t p)
{
    const char *word;
    int v = merit_bids_get(bids, r, p, &word);
    if (v == 0 && word == NULL)
        merit_sink_puts(sink, "no bid");
    else if (word != NULL)
        merit_sink_printf(sink, "bid %s (%d)", word, v);
    else
        merit_sink_printf(sink, "bid %d", v);
}

/* The tier a load falls in: what the flow paid for the last proposal. */
static void put_load(merit_sink *sink, const merit_assign_result *a, size_t load)
{
    merit_sink_printf(sink, "load %zu, ", load);
    if (load <= a->lo_load)
        merit_sink_printf(sink, "tier 1 (up to %zu, the mean rounded down)", a->lo_load);
    else if (load <= a->hi_load)
        merit_sink_printf(sink, "tier 2 (up to %zu, the mean rounded up)", a->hi_load);
    else
        merit_sink_printf(sink, "tier 3 (over the mean, up to the limit of %u)", a->max_load);
}

/* The ids of class `which`, each with its detail for conflicts and
 * organisations; a long list cut to its first few. */
static void put_class(merit_sink *sink, const merit_call *call, const unsigned char *why,
                      size_t count, enum why which, size_t p)
{
    size_t shown = count > LIST_LONG ? LIST_SHOWN : count, n = 0;
    for (size_t r = 0; r < call->reviewer_count && n < shown; r++) {
        if (why[r] != which)
            continue;
        merit_sink_puts(sink, n++ > 0 ? ", " : " ");
        merit_sink_shown(sink, call->reviewers[r].id, 0);
        const char *detail = NULL;
        if (which == CONFLICT || which == ORGANISATION)
            merit_assign_excluded(call, r, p, &detail);
        if (detail != NULL) {
            merit_sink_puts(sink, which == CONFLICT ? " (" : " ('");
            put_cut(sink, detail, QUOTE_WIDTH);
            merit_sink_puts(sink, which == CONFLICT ? ")" : "')");
        }
    }
    if (shown < count)
        merit_sink_printf(sink, " and %zu more", count - shown);
    merit_sink_putc(sink, '\n');
}

int merit_assign_write_explain(merit_sink *sink, const merit_call *call,
                               const merit_assign_result *a, const merit_bids *bids,
                               size_t proposal)
{
    const merit_proposal *p = &call->proposals[proposal];
    size_t R = call->reviewer_count;
    unsigned char *why = merit__calloc(R + 1, 1);
    if (why == NULL) {
        merit_sink_fail(sink, MERIT_ENOMEM);
        return sink->error;
    }
    size_t lo = 0, hi = a->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a->pairs[mid].proposal < proposal)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < a->count && a->pairs[end].proposal == proposal)
        end++;
    for (size_t i = lo; i < end; i++) /* marked, then classified below */
        why[a->pairs[i].reviewer] = CHOSEN_MARK;
    size_t counts[WHY_COUNT] = {0}, room_matches = 0, room_bids = 0;
    for (size_t r = 0; r < R; r++) {
        const char *detail;
        why[r] =
            (unsigned char)classify(call, a, bids, r, proposal, why[r] == CHOSEN_MARK, &detail);
        counts[why[r]]++;
        if (why[r] == ROOM) {
            room_matches += merit_assign_expertise_match(call, r, proposal);
            room_bids += merit_bids_get(bids, r, proposal, NULL) > 0;
        }
    }

    merit_sink_puts(sink, "proposal ");
    merit_sink_shown(sink, p->id, 0);
    if (p->area != NULL) {
        merit_sink_puts(sink, ", area '");
        merit_sink_shown(sink, p->area, MERIT_ESCAPE_PROSE);
        merit_sink_putc(sink, '\'');
    } else {
        merit_sink_puts(sink, ", no area");
    }
    merit_sink_printf(sink, ": %zu reviewer%s\n", end - lo, end - lo == 1 ? "" : "s");
    for (size_t i = lo; i < end; i++) {
        size_t r = a->pairs[i].reviewer;
        const merit_reviewer *rv = &call->reviewers[r];
        merit_sink_puts(sink, "  ");
        merit_sink_shown(sink, rv->id, 0);
        merit_sink_puts(sink, " (");
        merit_sink_shown(sink, rv->name, MERIT_ESCAPE_PROSE);
        merit_sink_puts(sink, "): ");
        put_load(sink, a, a->loads[r]);
        const char *kw;
        size_t kn;
        if (matched_keyword(call, r, proposal, &kw, &kn)) {
            char *word = merit__malloc(kn + 1);
            if (word == NULL) {
                merit_sink_fail(sink, MERIT_ENOMEM);
                break;
            }
            memcpy(word, kw, kn);
            word[kn] = '\0';
            merit_sink_puts(sink, "; expertise '");
            put_cut(sink, word, QUOTE_WIDTH);
            merit_sink_puts(sink, "' is the area");
            free(word);
        } else {
            merit_sink_puts(sink, "; no expertise match");
        }
        if (bids != NULL) {
            merit_sink_puts(sink, "; ");
            put_bid(sink, bids, r, proposal);
        }
        /* an assignment read from a file may break a rule merit assign keeps */
        const char *detail;
        const char *broken = merit_assign_excluded(call, r, proposal, &detail);
        if (broken == NULL && merit_bids_get(bids, r, proposal, NULL) <= MERIT_BID_UNWILLING)
            broken = "unwilling";
        if (broken != NULL)
            merit_sink_printf(sink, "; against the rules: %s",
                              strcmp(broken, "organisation") == 0 ? "same organisation" : broken);
        merit_sink_putc(sink, '\n');
    }
    size_t excluded = counts[CONFLICT] + counts[ORGANISATION] + counts[UNWILLING];
    merit_sink_printf(sink, "excluded: %zu reviewer%s: %zu conflict%s, %zu same organisation",
                      excluded, excluded == 1 ? "" : "s", counts[CONFLICT],
                      counts[CONFLICT] == 1 ? "" : "s", counts[ORGANISATION]);
    if (bids != NULL)
        merit_sink_printf(sink, ", %zu unwilling", counts[UNWILLING]);
    merit_sink_putc(sink, '\n');
    static const char *const labels[] = {"",          "conflict",          "same organisation",
                                         "unwilling", "at the load limit", "with room"};
    for (enum why c = CONFLICT; c <= UNWILLING; c++)
        if (counts[c] > 0) {
            merit_sink_printf(sink, "  %s:", labels[c]);
            put_class(sink, call, why, counts[c], c, proposal);
        }
    size_t others = counts[FULL] + counts[ROOM];
    merit_sink_printf(sink,
                      "not chosen: %zu eligible reviewer%s: %zu at the load limit of %u, %zu "
                      "with room\n",
                      others, others == 1 ? "" : "s", counts[FULL], a->max_load, counts[ROOM]);
    if (counts[FULL] > 0) {
        merit_sink_printf(sink, "  %s:", labels[FULL]);
        put_class(sink, call, why, counts[FULL], FULL, proposal);
    }
    if (counts[ROOM] > 0) {
        merit_sink_printf(sink, "  %s (%zu with an expertise match", labels[ROOM], room_matches);
        if (bids != NULL)
            merit_sink_printf(sink, ", %zu with a positive bid", room_bids);
        merit_sink_puts(sink, "):");
        put_class(sink, call, why, counts[ROOM], ROOM, proposal);
    }
    free(why);
    merit_sink_printf(sink,
                      "the panel: loads %zu to %zu (limit %u), %zu of %zu pairs match on expertise",
                      a->min_load, a->top_load, a->max_load, a->matches, a->count);
    if (bids != NULL)
        merit_sink_printf(sink, ", %zu have a positive bid", a->bid_pairs);
    if (a->candidates > 0)
        merit_sink_printf(
            sink,
            "; a minimum-cost flow over %zu candidates a proposal puts the even loads first, then "
            "%sthe expertise matches (docs/cli.md, merit assign)\n",
            a->candidates, bids != NULL ? "the bids, then " : "");
    else
        merit_sink_puts(sink, "; the pairs are the assignment file's, not merit assign's choice\n");
    return sink->error;
}

/* --- an assignment read from a file ------------------------------------------ */

int merit_assign_from_table(merit_ctx *ctx, const merit_call *call, const merit_table *table,
                            const merit_assign_options *opt, merit_assign_result **out)
{
    *out = NULL;
    merit_assignment *asg = NULL;
    int rc = merit_assignment_from_table(ctx, call, table, &asg);
    if (rc != 0)
        return rc;
    size_t n = merit__assignment_count(asg), R = call->reviewer_count, P = call->proposal_count;
    merit_assign_result *a = merit__calloc(1, sizeof(*a));
    size_t *per = merit__calloc(P + 1, sizeof(*per));
    if (a == NULL || per == NULL ||
        (a->pairs = merit__malloc((n + 1) * sizeof(*a->pairs))) == NULL ||
        (a->loads = merit__calloc(R + 1, sizeof(*a->loads))) == NULL) {
        merit_assign_result_free(a);
        free(per);
        merit_assignment_free(asg);
        return merit__oom(ctx);
    }
    size_t K = 0;
    for (size_t i = 0; i < n; i++) {
        size_t r, p;
        merit__assignment_pair(asg, i, &r, &p);
        a->pairs[i] = (merit_assign_pair){p, r, merit_assign_expertise_match(call, r, p)};
        if (++per[p] > K)
            K = per[p];
    }
    free(per);
    merit_assignment_free(asg);
    a->count = n;
    a->per_proposal = (unsigned)(K < 1000 ? K : 1000);
    a->lo_load = R > 0 ? n / R : 0;
    a->hi_load = R > 0 ? (n + R - 1) / R : 0;
    a->max_load = (unsigned)(opt != NULL && opt->max_load > 0 ? opt->max_load : a->hi_load);
    tally(call, opt != NULL ? opt->bids : NULL, a);
    *out = a;
    return 0;
}
