/*
 * "Did you mean": the known name nearest to an unknown one, for the
 * diagnostics that name an unknown criterion, reviewer, proposal, rubric,
 * attribute or value (suggest.c).
 *
 * Nearness is the Damerau-Levenshtein distance in its "optimal string
 * alignment" form (an insertion, a deletion, a substitution, or a swap of
 * two neighbouring characters each cost 1), within GCC's cutoff: about a
 * third of the longer name, and nothing for names of one character. A
 * suggestion is made only when one name is nearest: two at the same
 * distance would be a guess.
 *
 * Cost: each distance is computed in a band of the cutoff's width and given
 * up as soon as it passes the cutoff; names whose length or letters alone
 * put them too far are skipped first. A list of many names (the proposals
 * of a large call) is searched for at most MERIT_SUGGEST_SEARCHES unknown
 * names: past that the mistake is systematic and a suggestion for each
 * helps no one, while the searches would cost the count of names for each.
 *
 * Nothing here allocates; returned names are borrowed from the list.
 */
#ifndef MERIT_SUGGEST_H
#define MERIT_SUGGEST_H

#include <stdbool.h>
#include <stddef.h>

#define MERIT_SUGGEST_SEARCHES 100u

/* The largest distance at which a name of length b is suggested for one of
 * length a (GCC's get_edit_distance_cutoff). */
size_t merit__suggest_cutoff(size_t a, size_t b);

/* The distance between a and b when it is at most max, else max + 1. */
size_t merit__edit_distance(const char *a, size_t alen, const char *b, size_t blen, size_t max);

/* A list of names to search: element i's name is the char * at
 * array + i * stride + offset (NULL names are skipped), so that an array of
 * structs whose name is one field can be searched where it stands. The
 * array may be NULL when count is 0. */
struct merit_suggest {
    const void *array;
    size_t offset;
    size_t count;
    size_t stride;
    unsigned searches_left; /* MERIT_SUGGEST_SEARCHES at first */
};

void merit__suggest_init(struct merit_suggest *s, const void *array, size_t offset, size_t count,
                         size_t stride);

/* The one name of the list nearest to word within the cutoff; NULL when
 * there is none, when two or more are as near, or when the list's searches
 * are spent. */
const char *merit__suggest(struct merit_suggest *s, const char *word);

/* The same over a NULL-terminated array of names, with no count of
 * searches (for short fixed lists: attribute names, enumeration values). */
const char *merit__suggest_among(const char *word, const char *const *names);

#endif
