/* "Did you mean": see suggest.h. */
#include <stdint.h>
#include <string.h>

#include "suggest.h"

/* Names longer than this are never compared: no merit id is over 64. */
#define LONGEST 256

size_t merit__suggest_cutoff(size_t a, size_t b)
{
    size_t longer = a > b ? a : b, shorter = a > b ? b : a;
    if (longer <= 1)
        return 0;
    /* lengths close: round down, but allow one edit */
    if (longer - shorter <= 1)
        return longer / 3 > 1 ? longer / 3 : 1;
    /* otherwise round up: some leeway for what was left out or added */
    return (longer + 2) / 3;
}

size_t merit__edit_distance(const char *a, size_t alen, const char *b, size_t blen, size_t max)
{
    size_t far = max + 1;
    size_t diff = alen > blen ? alen - blen : blen - alen;
    if (diff > max || alen > LONGEST || blen > LONGEST)
        return far;
    /* three rows, for the swap of neighbours two rows back; only the band
     * |i - j| <= max is computed, with `far` on each side of it */
    size_t rows[3][LONGEST + 2];
    size_t *before = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= blen; j++)
        prev[j] = j <= max ? j : far;
    for (size_t i = 1; i <= alen; i++) {
        size_t lo = i > max ? i - max : 0;
        size_t hi = i + max < blen ? i + max : blen;
        size_t least = far;
        if (lo == 0) {
            cur[0] = i;
            least = i;
            lo = 1;
        } else {
            cur[lo - 1] = far;
        }
        for (size_t j = lo; j <= hi; j++) {
            size_t v = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                before[j - 2] + 1 < v)
                v = before[j - 2] + 1;
            if (v > far)
                v = far;
            cur[j] = v;
            if (v < least)
                least = v;
        }
        if (hi + 1 <= blen)
            cur[hi + 1] = far;
        if (least > max)
            return far; /* every way on is farther still */
        size_t *spare = before;
        before = prev;
        prev = cur;
        cur = spare;
    }
    return prev[blen] <= max ? prev[blen] : far;
}

/* The ASCII characters of s as a set of 128 bits (others in bit 127). */
struct letters {
    uint64_t low, high;
};

static struct letters letters_of(const char *s, size_t *len)
{
    struct letters l = {0, 0};
    size_t n = 0;
    for (; s[n] != '\0'; n++) {
        unsigned c = (unsigned char)s[n];
        if (c >= 128)
            c = 127;
        if (c < 64)
            l.low |= (uint64_t)1 << c;
        else
            l.high |= (uint64_t)1 << (c - 64);
    }
    *len = n;
    return l;
}

/* A lower bound of the distance from the letters alone: each letter of
 * one that the other lacks takes an edit, and one edit mends at most one
 * such letter on each side. */
static size_t letters_apart(struct letters x, struct letters y)
{
    size_t only_x = (size_t)__builtin_popcountll(x.low & ~y.low) +
                    (size_t)__builtin_popcountll(x.high & ~y.high);
    size_t only_y = (size_t)__builtin_popcountll(y.low & ~x.low) +
                    (size_t)__builtin_popcountll(y.high & ~x.high);
    return only_x > only_y ? only_x : only_y;
}

struct nearest {
    const char *word;
    size_t len;
    struct letters letters;
    const char *best;
    size_t distance;
    bool tie;
};

static void consider(struct nearest *n, const char *name)
{
    if (name == NULL)
        return;
    size_t len;
    struct letters letters = letters_of(name, &len);
    size_t cutoff = merit__suggest_cutoff(n->len, len);
    /* as near as the best so far still counts: it makes a tie */
    size_t max = cutoff < n->distance ? cutoff : n->distance;
    if (cutoff == 0 || letters_apart(n->letters, letters) > max)
        return;
    size_t d = merit__edit_distance(n->word, n->len, name, len, max);
    if (d > max)
        return;
    if (d < n->distance) {
        n->best = name;
        n->distance = d;
        n->tie = false;
    } else if (strcmp(name, n->best) != 0) {
        n->tie = true;
    }
}

static bool nearest_init(struct nearest *n, const char *word)
{
    if (word == NULL || word[0] == '\0')
        return false;
    n->word = word;
    n->letters = letters_of(word, &n->len);
    n->best = NULL;
    n->distance = SIZE_MAX;
    n->tie = false;
    return n->len <= LONGEST;
}

void merit__suggest_init(struct merit_suggest *s, const void *array, size_t offset, size_t count,
                         size_t stride)
{
    s->array = array;
    s->offset = offset;
    s->count = count;
    s->stride = stride;
    s->searches_left = MERIT_SUGGEST_SEARCHES;
}

const char *merit__suggest(struct merit_suggest *s, const char *word)
{
    struct nearest n;
    if (s->searches_left == 0 || !nearest_init(&n, word))
        return NULL;
    s->searches_left--;
    for (size_t i = 0; i < s->count; i++)
        consider(&n, *(const char *const *)(const void *)((const char *)s->array + i * s->stride +
                                                          s->offset));
    return n.tie ? NULL : n.best;
}

const char *merit__suggest_among(const char *word, const char *const *names)
{
    struct nearest n;
    if (!nearest_init(&n, word))
        return NULL;
    for (; *names != NULL; names++)
        consider(&n, *names);
    return n.tie ? NULL : n.best;
}
