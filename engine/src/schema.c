/* Compiles the schemas embedded at build time (cmake/embed.cmake). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "schema.h"
#include "schema_words.h"
#include "xml_input.h"

/* Compiled once per process, on first use, and kept until it exits: the
 * schemas never change, compiling them costs more than validating a small
 * file, and libxml2 2.9 cannot always free a schema whose compilation ran
 * out of memory (docs/robustness.md). Any thread may come first: one
 * compiles under the lock while the others wait, and a compiled schema is
 * published (release) only after its words (schema_words.c) are read, so a
 * thread that sees it (acquire) sees them too. A compilation that failed
 * (out of memory) is tried again on the next use. Once published, a schema
 * is only read, which libxml2 allows from any number of threads. */
static xmlSchemaPtr _Atomic compiled[MERIT_SCHEMA_COUNT];
static pthread_mutex_t compiling = PTHREAD_MUTEX_INITIALIZER;

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

static xmlSchemaPtr compile(merit_ctx *ctx, merit_schema_kind kind)
{
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
    xmlSchemaPtr schema = xmlSchemaParse(pctx);
    xmlSchemaFreeParserCtxt(pctx);
    if (schema != NULL && merit_ctx_error_count(ctx) != errors) {
        /* compiled despite an error (memory ran out inside libxml2): the
         * schema may be inconsistent, and freeing it may not be safe */
        schema = NULL;
    }
    if (schema == NULL && !merit_ctx_out_of_memory(ctx) && merit_ctx_error_count(ctx) == errors)
        merit__oom(ctx); /* libxml2 failed without saying why: memory */
    /* the words of its messages, read at the same first use */
    if (schema != NULL)
        merit__schema_words_prepare(ctx, kind);
    return schema;
}

xmlSchemaPtr merit__schema_get(merit_ctx *ctx, merit_schema_kind kind)
{
    xmlSchemaPtr schema = atomic_load_explicit(&compiled[kind], memory_order_acquire);
    if (schema != NULL)
        return schema;
    merit__xml_global_init();
    (void)pthread_mutex_lock(&compiling);
    schema = atomic_load_explicit(&compiled[kind], memory_order_acquire);
    if (schema == NULL) {
        schema = compile(ctx, kind);
        if (schema != NULL)
            atomic_store_explicit(&compiled[kind], schema, memory_order_release);
    }
    (void)pthread_mutex_unlock(&compiling);
    return schema;
}

int merit_global_init(void)
{
    merit_ctx *ctx = merit_ctx_new();
    if (ctx == NULL)
        return MERIT_ENOMEM;
    int rc = 0;
    for (int kind = 0; kind < MERIT_SCHEMA_COUNT && rc == 0; kind++)
        if (merit__schema_get(ctx, (merit_schema_kind)kind) == NULL)
            rc = merit_ctx_out_of_memory(ctx) ? MERIT_ENOMEM : MERIT_EINVALID;
    merit_ctx_free(ctx);
    return rc;
}
