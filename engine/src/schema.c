/* Compiles the schemas embedded at build time (cmake/embed.cmake). */
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "schema.h"
#include "xml_input.h"

struct merit_schemas {
    xmlSchemaPtr compiled[MERIT_SCHEMA_COUNT];
};

static const char *const schema_names[MERIT_SCHEMA_COUNT] = {"call", "rubric", "proposal", "sheet"};

const char *merit__schema_name(merit_schema_kind kind)
{
    return schema_names[kind];
}

static void schema_error(void *data, xmlErrorPtr err)
{
    merit_ctx *ctx = data;
    merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, "", 0, 0,
                "internal error: built-in schema does not compile: %s",
                err && err->message ? err->message : "unknown");
}

xmlSchemaPtr merit__schema_get(merit_ctx *ctx, merit_schema_kind kind)
{
    if (ctx->schemas == NULL) {
        ctx->schemas = merit__calloc(1, sizeof(*ctx->schemas));
        if (ctx->schemas == NULL) {
            merit__oom(ctx);
            return NULL;
        }
    }
    if (ctx->schemas->compiled[kind] != NULL)
        return ctx->schemas->compiled[kind];
    merit__xml_global_init();
    const struct merit_embedded_file *file = NULL;
    for (const struct merit_embedded_file *f = merit_embedded_schemas; f->name != NULL; f++)
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
    ctx->schemas->compiled[kind] = xmlSchemaParse(pctx);
    xmlSchemaFreeParserCtxt(pctx);
    return ctx->schemas->compiled[kind];
}

void merit__schemas_free(struct merit_schemas *schemas)
{
    if (schemas == NULL)
        return;
    for (int i = 0; i < MERIT_SCHEMA_COUNT; i++)
        if (schemas->compiled[i] != NULL)
            xmlSchemaFree(schemas->compiled[i]);
    free(schemas);
}
