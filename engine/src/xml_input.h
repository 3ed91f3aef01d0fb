/*
 * Reading XML safely. Every input file goes through here. merit reads the
 * bytes itself with a size cap (so libxml2 never opens a file, never
 * decompresses one) and hashes them as it reads; libxml2 parses them with no
 * network, no DTD, no entity substitution, and any DOCTYPE is rejected; the
 * result is checked against one of the compiled-in schemas. Problems become
 * diagnostics with file, line and column.
 *
 * Bundles (<proposals>, <sheets>) are streamed: each record is parsed,
 * validated on its own and handed to the caller as soon as its end tag is
 * read, then freed, so that memory grows with one record, not with the
 * file. Any other document is parsed whole, validated whole and handed over
 * as its root.
 */
#ifndef MERIT_XML_INPUT_H
#define MERIT_XML_INPUT_H

#include <libxml/tree.h>

#include "internal.h"
#include "schema.h"

/* The most attributes (namespace declarations included) merit reads on one
 * element: the schemas allow at most 8, and libxml2 checks every attribute
 * of a start tag against every other, so a tag of thousands would take
 * quadratic time. A start tag with more is refused before libxml2 reads it. */
#define MERIT_XML_MAX_ATTRIBUTES 64
/* libxml2's own limits without XML_PARSE_HUGE (parserInternals.h): a
 * piece of text, a comment, an attribute value, or any construct the
 * parser must hold whole, and a name. */
#define MERIT_XML_MAX_TEXT 10000000u
#define MERIT_XML_MAX_NAME 50000u
/* The most different names (and short runs of white space, which libxml2
 * keeps with them) merit reads in one file: see too_many_names(). */
#define MERIT_XML_MAX_NAMES 10000

/* A place every MERIT_XML_MARK_STEP bytes of a file. */
#define MERIT_XML_MARK_STEP 4096u
struct merit_xml_mark {
    uint32_t line;
    uint32_t column;
};

/* Where an attribute of a start tag begins, from the tag's '<'. */
struct merit_xml_attr_place {
    size_t name; /* file offset of its name */
    size_t name_len;
    uint32_t lines; /* line ends between the '<' and the name */
};

/* The bytes of a file being read, and (for a whole document) its tree.
 * Offsets are from the start of the file. While a bundle streams, only a
 * window of the file is held: the bytes from `base` on, which always cover
 * the record being handed over, plus a copy of the file's head up to the
 * end of the root's start tag.
 *
 * Places cost time linear in the file however many are asked for: a pass
 * that only moves forward (`scan`) records the line and column at every
 * MERIT_XML_MARK_STEP-th byte, so a place is never more than that many
 * bytes from a known one, and the attributes of the last start tag asked
 * about are remembered. */
struct merit_xml_doc {
    xmlDocPtr doc;
    const char *path;     /* display path; borrowed from the caller */
    unsigned char *bytes; /* bytes[i] is the file's byte at offset base + i; owned */
    size_t size;          /* bytes held */
    size_t cap;
    size_t base;
    uint32_t base_line; /* line and column of offset base */
    uint32_t base_column;
    unsigned char *head; /* streamed bundles: the file's first head_size bytes; owned */
    size_t head_size;
    struct merit_xml_mark *marks; /* marks[k]: the place of offset k * MARK_STEP; owned */
    size_t mark_cap;              /* room for offsets below mark_cap * MARK_STEP */
    size_t scan;                  /* the pass has reached this offset (>= base) */
    uint32_t scan_line;           /* the place of offset scan */
    uint32_t scan_column;
    size_t attr_tag; /* offset of the start tag whose attributes are below, plus one */
    size_t attr_count;
    struct merit_xml_attr_place attrs[MERIT_XML_MAX_ATTRIBUTES];
};

/* Idempotent process-wide set-up: libxml2 initialised, and an external
 * entity loader that refuses everything, once (pthread_once), from any
 * thread; and this thread's generic error handler silenced. */
void merit__xml_global_init(void);
/* How often the deny-all loader was asked for something (tests). */
unsigned long merit__xml_denied_loads(void);

/* A record of a bundle, or the root of any other document, valid against
 * its schema. The node and everything under it are freed when the callback
 * returns. Returns 0, or an error (MERIT_ENOMEM stops the reading). */
typedef int (*merit_xml_record_fn)(void *user, struct merit_xml_doc *doc, const xmlNode *record);

struct merit_xml_stream {
    /* set by the caller */
    merit_schema_kind kind; /* the kind the file must be; MERIT_SCHEMA_COUNT: any */
    merit_xml_record_fn on_record;
    void *user;
    /* Optional: each record that was read but is not handed over (it is
     * not valid, or an error came before it), so that the caller can learn
     * its id; the node may break the schema in any way. */
    merit_xml_record_fn on_invalid;
    /* Optional: the file is one a user named (merit validate FILE), not one
     * of a call: "-" is standard input, and a pipe, a socket or a
     * character device (/dev/stdin, <(...)) is read once, to its end,
     * under the file-size limit (docs/cli.md, "Standard input"). */
    bool named;
    /* set by the reading */
    merit_schema_kind found; /* the kind the root says (MERIT_SCHEMA_COUNT: none) */
    bool bundle;             /* the root is a bundle */
    bool file_ok;            /* read, well-formed and valid throughout */
    bool all_seen;           /* every record went to on_record or on_invalid */
    size_t records;          /* records handed to on_record */
    uint64_t bytes;          /* bytes read */
    bool hashed;             /* every byte was read: sha256 is the file's */
    merit_unread unread;     /* when not, why */
    unsigned char sha256[32];
};

/* Reads the file at path (size-capped, regular files only unless
 * stream->named) and streams it
 * as described above. Records are handed over only while nothing is wrong
 * with the file: after the first parse or schema error the rest is still
 * checked and reported, but no longer handed over. Returns 0 when the file
 * is valid and every callback returned 0; otherwise the first error
 * (MERIT_ENOMEM and MERIT_EIO first). */
int merit__xml_stream_file(merit_ctx *ctx, const char *path, struct merit_xml_stream *stream);
/* The same over bytes already in memory (shipped rubrics; tests). */
int merit__xml_stream_bytes(merit_ctx *ctx, const char *path, const unsigned char *bytes,
                            size_t size, struct merit_xml_stream *stream);

/* Hashes the file at path by the rules every input is read by (regular
 * files only, the context's file-size limit, and, when input is set, the
 * 2 GiB that libxml2 can count), without parsing it. Returns 0 with the
 * digest and size, or an error after a diagnostic, with *why_out saying
 * what kept the file from being read whole (and *bytes_out what was read).
 * The audit trail's replay re-hashes inputs and reports with it. */
int merit__xml_hash_file(merit_ctx *ctx, const char *path, bool input, unsigned char sha256[32],
                         uint64_t *bytes_out, merit_unread *why_out);

/* Opens a file a user named for reading by the same rules (the context's
 * file-size limit, never blocking on a FIFO) without reading it: returns
 * the descriptor (the caller closes it) with the size fstat gives, or -1
 * after a diagnostic, *rc saying which error. "-" is standard input; it, a
 * pipe or a character device is first copied, to its end and under the
 * size limit, to an unlinked temporary file, whose descriptor is returned,
 * so that it can be read more than once. The audit trail's replay reads
 * its trail through it line by line, twice. */
int merit__xml_open_file(merit_ctx *ctx, const char *path, uint64_t *size, int *rc);

/* Reads path (size-capped) into doc->bytes, whole. Its callers read a
 * file a user named (a table, an audit trail): "-" is standard input, and
 * a pipe, a socket or a character device is read once to its end, as for
 * merit_xml_stream.named. */
int merit__xml_read_file(merit_ctx *ctx, const char *path, struct merit_xml_doc *doc);
/* Parses doc->bytes into doc->doc, whole (no schema check). */
int merit__xml_parse(merit_ctx *ctx, struct merit_xml_doc *doc);
/* Validates a parsed document against a schema. */
int merit__xml_validate(merit_ctx *ctx, struct merit_xml_doc *doc, merit_schema_kind kind);
void merit__xml_doc_release(struct merit_xml_doc *doc);

/* --- places in the file (xml_places.c) --- */

/* The place of an element's start tag, or of one of its attributes when
 * attr is not NULL. */
merit_loc merit__xml_loc(struct merit_xml_doc *doc, const xmlNode *node, const char *attr);
/* Line and column of a held offset, for places no start tag records (a
 * DOCTYPE, a piece of text, a tag refused before libxml2 reads it); 0:0
 * when the offset is no longer held. */
merit_loc merit__xml_offset_loc(struct merit_xml_doc *doc, size_t off);
/* Makes room for the marks of a file held up to offset end. */
int merit__xml_marks_reserve(merit_ctx *ctx, struct merit_xml_doc *doc, size_t end);
/* The held bytes around file offset off: *from is the offset of the
 * returned buffer's first byte and *len its length. NULL when the offset is
 * no longer held. */
const unsigned char *merit__xml_held(const struct merit_xml_doc *doc, size_t off, size_t *from,
                                     size_t *len);
/* Moves *line and *column over n bytes (columns count characters). */
void merit__xml_advance(const unsigned char *p, size_t n, uint32_t *line, uint32_t *column);
/* Forgets the window's bytes before file offset keep, keeping the line and
 * column of the new base. */
void merit__xml_window_drop(struct merit_xml_doc *doc, size_t keep);

static inline bool merit__xml_is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static inline bool merit__xml_is_name_end(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '/' || c == '>';
}

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
/* The same with `pad` zero bytes after the buffer's room for the text, for
 * a subject of PCRE2's JIT (textrule.h). */
char *merit__xml_text_padded(const xmlNode *node, bool collapse, size_t pad);

#endif
