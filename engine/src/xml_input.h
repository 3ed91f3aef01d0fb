/*
 * Reading XML safely. Every input file goes through here: it is read into
 * memory with a size cap (so libxml2 never opens a file, never decompresses
 * one, and the exact bytes are at hand), parsed with no network, no DTD, no
 * entity substitution, and any DOCTYPE rejected, then checked against one of
 * the compiled-in schemas. Problems become diagnostics with file, line and
 * column.
 */
#ifndef MERIT_XML_INPUT_H
#define MERIT_XML_INPUT_H

#include <libxml/tree.h>

#include "internal.h"
#include "schema.h"

struct merit_xml_doc {
    xmlDocPtr doc;
    const char *path;     /* display path; borrowed from the caller */
    unsigned char *bytes; /* the file's exact bytes, owned */
    size_t size;
    uint32_t *line_starts; /* offsets of line starts, built on first use */
    size_t line_count;
};

/* Idempotent process-wide set-up: libxml2 initialised, and an external
 * entity loader that refuses everything. Call on the main thread. */
void merit__xml_global_init(void);
/* How often the deny-all loader was asked for something (tests). */
unsigned long merit__xml_denied_loads(void);

/* Reads path (size-capped, regular files only) into doc->bytes. */
int merit__xml_read_file(merit_ctx *ctx, const char *path, struct merit_xml_doc *doc);
/* Takes bytes the caller already has (copied). */
int merit__xml_set_bytes(merit_ctx *ctx, const char *path, const unsigned char *bytes, size_t size,
                         struct merit_xml_doc *doc);
/* Parses doc->bytes into doc->doc. */
int merit__xml_parse(merit_ctx *ctx, struct merit_xml_doc *doc);
/* Validates the parsed document against a schema. */
int merit__xml_validate(merit_ctx *ctx, struct merit_xml_doc *doc, merit_schema_kind kind);
void merit__xml_doc_release(struct merit_xml_doc *doc);

/* The place of an element's start tag, or of one of its attributes when
 * attr is not NULL, in the file's bytes. */
merit_loc merit__xml_loc(struct merit_xml_doc *doc, const xmlNode *node, const char *attr);

/* Navigation over merit's namespace. Returned strings are borrowed from the
 * document. */
bool merit__xml_is(const xmlNode *node, const char *name);
const xmlNode *merit__xml_child(const xmlNode *node, const char *name);
const xmlNode *merit__xml_next(const xmlNode *node, const char *name);
const char *merit__xml_attr(const xmlNode *node, const char *name);
/* An xs:boolean attribute's value (white space collapsed, as the schema
 * reads it): true for "true" or "1"; false when absent. */
bool merit__xml_bool(const xmlNode *node, const char *name);
/* The element's text with leading and trailing white space removed, and, when
 * collapse is set, inner runs of white space made one space. Malloc'd; NULL
 * when out of memory. */
char *merit__xml_text(const xmlNode *node, bool collapse);

#endif
