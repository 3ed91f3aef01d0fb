/*
 * What merit assign (assign.c) reads of the bid table (bids.c) and of an
 * assignment read from a file (assignment.c) without a public accessor.
 * Nothing here allocates; indexes are into the call's arrays.
 */
#ifndef MERIT_ASSIGN_INTERNAL_H
#define MERIT_ASSIGN_INTERNAL_H

#include <stddef.h>

#include "merit/assign.h"
#include "merit/sheets.h"

/* Proposal p's bids: rows [*lo, *hi) of the sorted table (none when bids is
 * NULL), each read with merit__bids_at. */
void merit__bids_range(const merit_bids *bids, size_t proposal, size_t *lo, size_t *hi);
void merit__bids_at(const merit_bids *bids, size_t i, size_t *reviewer, int *value);

/* The pairs an assignment lists (none for the default one, which lists
 * what it leaves out): their count, and pair i, sorted by reviewer. */
size_t merit__assignment_count(const merit_assignment *a);
void merit__assignment_pair(const merit_assignment *a, size_t i, size_t *reviewer,
                            size_t *proposal);

#endif
