/* Rubric loading (rubric.c) and helpers other modules share. */
#ifndef MERIT_RUBRIC_H
#define MERIT_RUBRIC_H

#include <sys/types.h>

#include "embedded.h"
#include "internal.h"
#include "xml_input.h"

/* Builds a rubric from a validated document; locations name `source`. */
int merit__rubric_from_doc(merit_ctx *ctx, struct merit_xml_doc *doc, const char *source,
                           merit_rubric **out);

/* Reads, checks and builds a rubric from the file at path or, when bytes is
 * not NULL, from bytes in memory (path then only names it). stream (may be
 * NULL) gets the size and SHA-256 of what was read. */
int merit__rubric_read(merit_ctx *ctx, const char *path, const unsigned char *bytes, size_t size,
                       const char *source, merit_rubric **out, struct merit_xml_stream *stream);

/* The same; when the rubric is refused but its scale and criteria loaded
 * soundly (what is wrong is a weight, a threshold, a level, a tie-break, a
 * rule or the aggregation), *checkable_out gets it, owned by the caller:
 * enough to check score sheets against in the same run, never to rank.
 * NULL otherwise. */
int merit__rubric_read_checkable(merit_ctx *ctx, const char *path, const unsigned char *bytes,
                                 size_t size, const char *source, merit_rubric **out,
                                 merit_rubric **checkable_out, struct merit_xml_stream *stream);

/* True when value lies on the scale and on its step; *steps_out (optional)
 * gets (value - min) / step. */
bool merit__rubric_on_scale(const merit_rubric *r, const mpq_t value, int32_t *steps_out);
/* out = min + steps * step */
void merit__rubric_step_value(const merit_rubric *r, int32_t steps, mpq_t out);
ssize_t merit__rubric_criterion_index(const merit_rubric *r, const char *id);
const struct merit_embedded_file *merit__shipped_rubric(const char *name);

#endif
