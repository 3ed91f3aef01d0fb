/*
 * The XML schemas compiled into merit, as text: what `merit schema NAME`
 * prints and what `cmake --install` puts under share/merit/schemas/, so that
 * an editor can validate a call, rubric, proposal or score sheet while it is
 * typed, against the very bytes merit checks it with.
 *
 * Ownership: everything returned is static data, borrowed for the life of
 * the process; nothing to free. The functions return 0 or a merit_error
 * (merit.h).
 */
#ifndef MERIT_SCHEMAS_H
#define MERIT_SCHEMAS_H

#include <stddef.h>

#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif
#ifdef __cplusplus
extern "C" {
#endif

/* The schemas' names ("call", "proposal", "rubric", "sheet"), sorted,
 * NULL-terminated. */
const char *const *merit_schema_names(void);

/* The bytes of the schema of that name (the file engine/schemas/NAME.xsd
 * as it was at build time), and its size in *size_out; NULL for an unknown
 * name. */
const unsigned char *merit_schema_text(const char *name, size_t *size_out);

/*
 * Checks a value that is not in a file yet (an argument of merit init, a
 * cell merit import writes into XML) against the simple type `type` of the
 * schema `schema` ("id" of "proposal"), as the schema checks a value of
 * that type in a file: its pattern (run by libxml2's XML Schema regular
 * expressions, the same engine) and its length in characters; a value that
 * is not UTF-8 or holds a character XML cannot hold (a control character)
 * is no value of any type. Returns 0
 * when the value is valid; MERIT_EINVALID when it is not; MERIT_EUSAGE for
 * a schema or type merit does not have, or one not derived from xs:string;
 * MERIT_ENOMEM. *words_out (optional) gets what a value of the type must be,
 * in words for a message ("an id (1 to 64 of ...)"): static, borrowed for
 * the life of the process. The first check of a type reads it from the
 * schema, once, whichever thread comes first: thread-safe.
 */
int merit_schema_value_check(const char *schema, const char *type, const char *value,
                             const char **words_out);

#ifdef __cplusplus
}
#endif
#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#endif
