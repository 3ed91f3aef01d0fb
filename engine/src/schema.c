/* Compiles the schemas embedded at build time (cmake/embed.cmake). */
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "schema.h"
#include "schema_words.h"
#include "xml_input.h"

/* Compiled once per process, on first use, and kept until it exits: the
 * schemas never change, compiling them costs more than validating a small
 * file, and libxml2 2.9 cannot always free a schema whose compilation ran
 * out of memory (docs/robustness.md). The first use must happen on one
 * thread before any other starts (merit's loaders are single-threaded). */
static xmlSchemaPtr compiled[MERIT_SCHEMA_COUNT];

static const char *const schema_names[MERIT_SCHEMA_COUNT] = {"call", "rubric", "proposal", "sheet",
                                                             "moderation"};

const char *merit__schema_name(merit_schema_kind kind)
{
    return schema_names[kind];
}

static void schema_error(void *data, xmlErrorPtr err)
{
    merit_ctx *ctx = data;
    if (err != NULL && err->code == XML_ERR_NO_MEMORY) {
        merit__oom(ctx);
        return;
    }
    merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, "", 0, 0,
                "internal error: built-in schema does not compile: %s",
                err && err->message ? err->message : "unknown");
}

xmlSchemaPtr merit__schema_get(merit_ctx *ctx, merit_schema_kind kind)
{
    if (compiled[kind] != NULL)
        return compiled[kind];
    merit__xml_global_init();
    const struct merit_embedded_file *file = NULL;
    for (const struct merit_embedded_file *f = merit__embedded_schemas; f->name != NULL; f++)
        if (strcmp(f->name, schema_names[kind]) == 0)
            file = f;
    if (file == NULL) {
        merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, "", 0, 0,
                    "internal error: no built-in schema '%s'", schema_names[kind]);
        return NULL;
    }
    xmlSchemaParserCtxtPtr pctx =
        xmlSchemaNewMemParserCtxt((const char *)file->bytes, (int)file->size);
    if (pctx == NULL) {
        merit__oom(ctx);
        return NULL;
    }
    xmlSchemaSetParserStructuredErrors(pctx, schema_error, ctx);
    size_t errors = merit_ctx_error_count(ctx);
    compiled[kind] = xmlSchemaParse(pctx);
    xmlSchemaFreeParserCtxt(pctx);
    if (compiled[kind] != NULL && merit_ctx_error_count(ctx) != errors) {
        /* compiled despite an error (memory ran out inside libxml2): the
         * schema may be inconsistent, and freeing it may not be safe */
        compiled[kind] = NULL;
    }
    if (compiled[kind] == NULL && !merit_ctx_out_of_memory(ctx) &&
        merit_ctx_error_count(ctx) == errors)
        merit__oom(ctx); /* libxml2 failed without saying why: memory */
    /* the words of its messages, read at the same first use */
    if (compiled[kind] != NULL)
        merit__schema_words_prepare(ctx, kind);
    return compiled[kind];
}
