/*
 * The XML schemas compiled into merit, as text: what `merit schema NAME`
 * prints and what `cmake --install` puts under share/merit/schemas/, so that
 * an editor can validate a call, rubric, proposal or score sheet while it is
 * typed, against the very bytes merit checks it with.
 *
 * Ownership: everything returned is static data, borrowed for the life of
 * the process; nothing to free.
 */
#ifndef MERIT_SCHEMAS_H
#define MERIT_SCHEMAS_H

#include <stddef.h>

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

#ifdef __cplusplus
}
#endif

#endif
