/*
 * libxml2's schema validity errors said in merit's words (schema_words.c).
 *
 * libxml2 says "Element '{urn:merit:1}comment': This element is not
 * expected. Expected is one of ( {urn:merit:1}score,
 * {urn:merit:1}no-score )." merit says "<comment> cannot come here: a
 * <review> holds one or more <score> or <no-score>, in any order, then an
 * optional <comment>". The words come from the schemas themselves, read as
 * documents: what an element holds and in which order, the attributes it
 * takes, and what a value must be (a type's xs:documentation when it has
 * one, else its facets: the values of an enumeration, the bounds of a
 * number, the length of a text). So the words follow the schemas as they
 * change, and every message says what is expected where the error is.
 *
 * The schema documents are read once per process, with the compiled
 * schemas (merit__schema_get, under its lock, before the schema is
 * published), and only read afterwards.
 */
#ifndef MERIT_SCHEMA_WORDS_H
#define MERIT_SCHEMA_WORDS_H

#include <libxml/xmlerror.h>

#include "schema.h"

/* Reads kind's schema as a document, once. Returns 0, or MERIT_ENOMEM
 * (then messages fall back to libxml2's own words). */
int merit__schema_words_prepare(merit_ctx *ctx, merit_schema_kind kind);

/*
 * The message for a validity error of a document of kind, in merit's
 * words: *message_out (malloc'd, the caller frees it), *where_out the
 * element the error is placed at (err->node, or the child that cannot come
 * inside it) and, in attr (room for attr_size bytes), the name of the
 * attribute the error is about, "" when it is about the element. Returns 0;
 * 1 when merit has no words for this error (the caller tidies libxml2's);
 * MERIT_ENOMEM.
 */
int merit__schema_words(merit_schema_kind kind, const xmlError *err, char **message_out,
                        const xmlNode **where_out, char *attr, size_t attr_size);

#endif
