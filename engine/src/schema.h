/* The compiled-in XML schemas, compiled once per process on first use. */
#ifndef MERIT_SCHEMA_H
#define MERIT_SCHEMA_H

#include <libxml/xmlschemas.h>

#include "internal.h"

typedef enum merit_schema_kind {
    MERIT_SCHEMA_CALL = 0,
    MERIT_SCHEMA_RUBRIC,
    MERIT_SCHEMA_PROPOSAL,
    MERIT_SCHEMA_SHEET,
    MERIT_SCHEMA_MODERATION,
    MERIT_SCHEMA_COUNT
} merit_schema_kind;

#define MERIT_NAMESPACE "urn:merit:1"

/* Compiled once per process and kept; NULL (with a diagnostic on ctx, or
 * its out-of-memory flag) on failure, and tried again next time.
 * Thread-safe. */
xmlSchemaPtr merit__schema_get(merit_ctx *ctx, merit_schema_kind kind);
const char *merit__schema_name(merit_schema_kind kind);

#endif
