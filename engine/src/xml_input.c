/* Hardened XML reading: see xml_input.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include "xml_input.h"

/* Each element's start tag is recorded in node->_private as its line (high
 * 32 bits) and its offset plus one (low 32 bits); files are under 2 GiB. */
_Static_assert(sizeof(uintptr_t) >= 8, "merit needs 64-bit pointers to record element places");

/* How much of a file is read and parsed at a time. */
#define CHUNK_BYTES (256u * 1024u)

static atomic_ulong denied_loads;
static bool initialised;

static xmlParserInputPtr deny_external_entity(const char *url, const char *id,
                                              xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    (void)ctxt;
    atomic_fetch_add(&denied_loads, 1);
    return NULL;
}

/* libxml2's generic handler prints to stderr; merit never prints: every
 * message that matters reaches a structured handler and becomes a
 * diagnostic. The handler is per thread in libxml2, so every reading sets
 * it. */
static void silent(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

void merit__xml_global_init(void)
{
    if (initialised)
        return;
    initialised = true;
    xmlInitParser();
    xmlSetExternalEntityLoader(deny_external_entity);
    xmlSetGenericErrorFunc(NULL, silent);
}

unsigned long merit__xml_denied_loads(void)
{
    return atomic_load(&denied_loads);
}

void merit__xml_doc_release(struct merit_xml_doc *doc)
{
    if (doc == NULL)
        return;
    if (doc->doc != NULL)
        xmlFreeDoc(doc->doc);
    free(doc->bytes);
    free(doc->head);
    memset(doc, 0, sizeof(*doc));
}

static void doc_init(struct merit_xml_doc *doc, const char *path)
{
    memset(doc, 0, sizeof(*doc));
    doc->path = path;
    doc->base_line = 1;
    doc->base_column = 1;
}

/* Opens path for reading: regular files only, never blocking on a FIFO.
 * Returns the descriptor and the size fstat gives, or -1 after a
 * diagnostic (*rc says which error, *why what kept the file from being
 * read). */
static int open_input(merit_ctx *ctx, const char *path, uint64_t *size, int *rc, merit_unread *why)
{
    /* O_NONBLOCK: opening a FIFO must not hang; it is refused below. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    *why = MERIT_UNREAD_CANNOT_READ;
    if (fd < 0) {
        int e = errno;
        struct stat link;
        if (e == ENOENT)
            *why = MERIT_UNREAD_MISSING;
        if (e == ENOENT && lstat(path, &link) == 0)
            *rc = merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_IO, path, 0, 0,
                              "vanished: its name is listed but the file is gone (a dangling "
                              "link, or removed while merit ran)");
        else if (e == ENOENT)
            *rc = merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_IO, path, 0, 0, "no such file");
        else
            *rc = merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_IO, path, 0, 0,
                              "cannot open: %s", strerror(e));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        *rc = merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_IO, path, 0, 0, "cannot stat: %s",
                          strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
        *why = MERIT_UNREAD_NOT_REGULAR;
        *rc = merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path, 0, 0,
                          "is a directory, not an XML file");
    } else if (!S_ISREG(st.st_mode)) {
        *why = MERIT_UNREAD_NOT_REGULAR;
        *rc = merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path, 0, 0,
                          "not a regular file");
    } else if ((uint64_t)st.st_size > ctx->limits.max_file_bytes) {
        *why = MERIT_UNREAD_TOO_LARGE;
        *rc = merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_LIMIT, path, 0, 0,
                          "file is %llu bytes, more than the file-size limit of %llu",
                          (unsigned long long)st.st_size,
                          (unsigned long long)ctx->limits.max_file_bytes);
    } else {
        *why = MERIT_READ;
        *size = (uint64_t)st.st_size;
        return fd;
    }
    close(fd);
    return -1;
}

static int grew_past_limit(merit_ctx *ctx, const char *path)
{
    return merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_LIMIT, path, 0, 0,
                       "file grew past the file-size limit of %llu bytes while read",
                       (unsigned long long)ctx->limits.max_file_bytes);
}

/* Reads up to want bytes, retrying on EINTR; returns the count, or -1. */
static ssize_t read_some(int fd, unsigned char *into, size_t want)
{
    for (;;) {
        ssize_t n = read(fd, into, want);
        if (n >= 0 || errno != EINTR)
            return n;
    }
}

int merit__xml_read_file(merit_ctx *ctx, const char *path, struct merit_xml_doc *doc)
{
    doc_init(doc, path);
    uint64_t expected = 0;
    int rc = 0;
    merit_unread why;
    int fd = open_input(ctx, path, &expected, &rc, &why);
    if (fd < 0)
        return rc;
    size_t cap = (size_t)expected;
    doc->bytes = merit__malloc(cap + 1);
    if (doc->bytes == NULL) {
        rc = merit__oom(ctx);
        goto done;
    }
    size_t got = 0;
    for (;;) {
        if (got == cap) {
            /* all fstat promised is read: one byte more tells whether the
             * file grew meanwhile, without growing the buffer for nothing */
            unsigned char probe;
            ssize_t extra = read_some(fd, &probe, 1);
            if (extra <= 0)
                break;
            if (cap >= ctx->limits.max_file_bytes) {
                rc = grew_past_limit(ctx, path);
                goto done;
            }
            size_t new_cap = cap * 2 + 4096;
            if (new_cap > ctx->limits.max_file_bytes)
                new_cap = (size_t)ctx->limits.max_file_bytes;
            unsigned char *p = merit__realloc(doc->bytes, new_cap + 1);
            if (p == NULL) {
                rc = merit__oom(ctx);
                goto done;
            }
            doc->bytes = p;
            cap = new_cap;
            doc->bytes[got++] = probe;
            continue;
        }
        ssize_t n = read_some(fd, doc->bytes + got, cap - got);
        if (n < 0) {
            rc = merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_IO, path, 0, 0, "read error: %s",
                             strerror(errno));
            goto done;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    doc->bytes[got] = '\0';
    doc->size = got;
    doc->cap = cap + 1;
    if (got == 0)
        rc =
            merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path, 0, 0, "file is empty");
done:
    close(fd);
    if (rc != 0) {
        free(doc->bytes);
        doc->bytes = NULL;
        doc->size = 0;
    }
    return rc;
}

/* --- places in the file ----------------------------------------------------- */

/* The held bytes around file offset off: *from is the offset of the
 * returned buffer's first byte and *len its length. NULL when the offset is
 * no longer held. */
static const unsigned char *held(const struct merit_xml_doc *doc, size_t off, size_t *from,
                                 size_t *len)
{
    if (doc->head != NULL && off < doc->head_size) {
        *from = 0;
        *len = doc->head_size;
        return doc->head;
    }
    if (doc->bytes != NULL && off >= doc->base && off - doc->base <= doc->size) {
        *from = doc->base;
        *len = doc->size;
        return doc->bytes;
    }
    return NULL;
}

/* Columns count characters, as libxml2's do: UTF-8 continuation bytes do
 * not count. */
static uint32_t count_chars(const unsigned char *p, size_t n)
{
    uint32_t chars = 0;
    for (size_t i = 0; i < n; i++)
        chars += (p[i] & 0xC0) != 0x80;
    return chars;
}

/* The column of a held offset (0 when it is not held). */
static uint32_t column_of(const struct merit_xml_doc *doc, size_t off)
{
    size_t from, len;
    const unsigned char *buf = held(doc, off, &from, &len);
    if (buf == NULL)
        return 0;
    size_t i = off - from;
    size_t start = i;
    while (start > 0 && buf[start - 1] != '\n')
        start--;
    uint32_t col = 1 + count_chars(buf + start, i - start);
    if (start == 0 && buf == doc->bytes && doc->base > 0)
        col += doc->base_column - 1; /* the line began before the window */
    return col;
}

/* Line and column of a held offset in the window, counted from its base
 * (for the rare places no start tag records: the DOCTYPE). */
static merit_loc window_loc(const struct merit_xml_doc *doc, size_t off)
{
    merit_loc loc = {doc->path, 0, 0};
    if (off < doc->base || off - doc->base > doc->size)
        return loc;
    uint32_t line = doc->base_line;
    for (size_t i = 0; i < off - doc->base; i++)
        line += doc->bytes[i] == '\n';
    loc.line = line;
    loc.column = column_of(doc, off);
    return loc;
}

static bool is_name_end(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '/' || c == '>';
}

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

merit_loc merit__xml_loc(struct merit_xml_doc *doc, const xmlNode *node, const char *attr)
{
    merit_loc loc = {doc->path, 0, 0};
    if (node == NULL)
        return loc;
    uintptr_t place = node->type == XML_ELEMENT_NODE ? (uintptr_t)node->_private : 0;
    if (place == 0) {
        long line = xmlGetLineNo(node);
        loc.line = line > 0 ? (uint32_t)line : 0;
        return loc;
    }
    size_t at = (size_t)(place & 0xFFFFFFFFu) - 1;
    loc.line = (uint32_t)(place >> 32);
    size_t from, len;
    const unsigned char *buf = attr != NULL ? held(doc, at, &from, &len) : NULL;
    if (buf != NULL) {
        /* skip "<" and the qualified name, then look for ` attr=` outside
         * quoted values; count the lines crossed on the way */
        size_t i = at - from + 1;
        while (i < len && !is_name_end(buf[i]))
            i++;
        size_t alen = strlen(attr);
        uint32_t lines = 0;
        char quote = 0;
        for (; i < len; i++) {
            unsigned char c = buf[i];
            lines += c == '\n';
            if (quote) {
                if (c == quote)
                    quote = 0;
                continue;
            }
            if (c == '"' || c == '\'') {
                quote = (char)c;
                continue;
            }
            if (c == '>')
                break;
            if (is_space(c) && i + 1 + alen < len && memcmp(buf + i + 1, attr, alen) == 0) {
                size_t k = i + 1 + alen;
                while (k < len && is_space(buf[k]))
                    k++;
                if (k < len && buf[k] == '=') {
                    at = from + i + 1;
                    loc.line += lines;
                    break;
                }
            }
        }
    }
    loc.column = column_of(doc, at);
    return loc;
}

/* Forgets the window's bytes before file offset keep, keeping the line and
 * column of the new base. */
static void window_drop(struct merit_xml_doc *doc, size_t keep)
{
    if (keep <= doc->base)
        return;
    size_t n = keep - doc->base;
    if (n > doc->size)
        n = doc->size;
    const unsigned char *p = doc->bytes;
    const unsigned char *last_nl = NULL;
    for (const unsigned char *q = p; (q = memchr(q, '\n', (size_t)(p + n - q))) != NULL; q++) {
        doc->base_line++;
        last_nl = q;
    }
    if (last_nl != NULL)
        doc->base_column = 1 + count_chars(last_nl + 1, (size_t)(p + n - (last_nl + 1)));
    else
        doc->base_column += count_chars(p, n);
    memmove(doc->bytes, doc->bytes + n, doc->size - n);
    doc->size -= n;
    doc->base += n;
}

/* --- parsing -------------------------------------------------------------- */

struct parse_state {
    merit_ctx *ctx;
    struct merit_xml_doc *doc;
    struct merit_xml_stream *stream; /* NULL: parse whole, hand nothing over */
    xmlParserCtxtPtr ctxt;
    xmlSchemaValidCtxtPtr record_validator; /* bundles: checks each record */
    const char *record;                     /* bundles: the records' element name */
    bool doctype_seen;
    bool stopped;      /* reading was stopped: later complaints add nothing */
    bool errors;       /* not well-formed, not valid, or refused */
    bool limit;        /* a limit was exceeded */
    bool stray_text;   /* text other than white space between a bundle's records */
    int record_rc;     /* the first error a record callback returned */
    size_t open_child; /* offset of the open bundle child's '<', or SIZE_MAX */
};

static void stop(struct parse_state *st)
{
    st->stopped = true;
    xmlStopParser(st->ctxt);
}

static void doctype_rejected(void *user, const xmlChar *name, const xmlChar *external_id,
                             const xmlChar *system_id)
{
    (void)name;
    (void)external_id;
    (void)system_id;
    xmlParserCtxtPtr ctxt = user;
    struct parse_state *st = ctxt->_private;
    if (st->doctype_seen)
        return;
    st->doctype_seen = true;
    struct merit_xml_doc *doc = st->doc;
    /* find the "<!DOCTYPE" the parser just read */
    size_t upto = (size_t)xmlByteConsumed(ctxt);
    if (upto > doc->base + doc->size)
        upto = doc->base + doc->size;
    merit_loc loc = {doc->path, 0, 0};
    static const char mark[] = "<!DOCTYPE";
    for (size_t i = upto - doc->base; i-- > 0;)
        if (i + sizeof(mark) - 1 <= doc->size &&
            memcmp(doc->bytes + i, mark, sizeof(mark) - 1) == 0) {
            loc = window_loc(doc, doc->base + i);
            break;
        }
    merit__error_at(st->ctx, loc,
                    "document type declarations (DOCTYPE) are not allowed in merit files");
    st->errors = true;
    stop(st);
}

/* The roots merit reads, and what each holds. */
static const struct {
    const char *name;
    merit_schema_kind kind;
    const char *record; /* bundles: their records */
} roots[] = {
    {"call", MERIT_SCHEMA_CALL, NULL},         {"rubric", MERIT_SCHEMA_RUBRIC, NULL},
    {"proposal", MERIT_SCHEMA_PROPOSAL, NULL}, {"proposals", MERIT_SCHEMA_PROPOSAL, "proposal"},
    {"sheet", MERIT_SCHEMA_SHEET, NULL},       {"sheets", MERIT_SCHEMA_SHEET, "sheet"},
};

/* The kinds of root each place takes: a record, or a bundle of them. */
static const char *const wanted[MERIT_SCHEMA_COUNT] = {
    "a <call>", "a <rubric>", "a <proposal> or <proposals> bundle", "a <sheet> or <sheets> bundle"};

static void validity_error(void *user, xmlErrorPtr err);

/* The root's start tag: its encoding, its kind, and whether it is a bundle
 * to stream. Returns false when the file is refused. */
static bool root_started(struct parse_state *st, xmlNodePtr root, size_t tag_end)
{
    xmlParserCtxtPtr ctxt = st->ctxt;
    merit_loc loc = merit__xml_loc(st->doc, root, NULL);
    const char *enc = (const char *)ctxt->encoding;
    if (enc == NULL && ctxt->input != NULL)
        enc = (const char *)ctxt->input->encoding;
    bool transcoded =
        ctxt->input != NULL && ctxt->input->buf != NULL && ctxt->input->buf->encoder != NULL;
    if ((enc != NULL && strcasecmp(enc, "UTF-8") != 0 && strcasecmp(enc, "UTF8") != 0) ||
        transcoded) {
        merit_loc first = {st->doc->path, 1, 1};
        merit__error_at(st->ctx, first,
                        "the file declares encoding '%s'; merit files must be UTF-8",
                        enc != NULL ? enc : "?");
        return false;
    }
    struct merit_xml_stream *s = st->stream;
    if (s == NULL)
        return true;
    bool ours = root->ns != NULL && strcmp((const char *)root->ns->href, MERIT_NAMESPACE) == 0;
    const char *name = (const char *)root->name;
    size_t k = 0;
    while (k < sizeof(roots) / sizeof(roots[0]) && strcmp(roots[k].name, name) != 0)
        k++;
    bool known = ours && k < sizeof(roots) / sizeof(roots[0]);
    if (s->kind == MERIT_SCHEMA_COUNT && !known) {
        if (ours)
            merit__error_at(st->ctx, loc, "unknown root element '%s'", name);
        else
            merit__error_at(st->ctx, loc,
                            "root element '%s' is not in merit's namespace '" MERIT_NAMESPACE "'",
                            name);
        return false;
    }
    if (s->kind != MERIT_SCHEMA_COUNT && !ours) {
        merit__error_at(st->ctx, loc,
                        "root element is not in merit's namespace '" MERIT_NAMESPACE
                        "' (expected a %s)",
                        merit__schema_name(s->kind));
        return false;
    }
    if (s->kind != MERIT_SCHEMA_COUNT && (!known || roots[k].kind != s->kind)) {
        merit__error_at(st->ctx, loc, "a <%s> cannot stand here: this file must hold %s", name,
                        wanted[s->kind]);
        return false;
    }
    s->found = roots[k].kind;
    if (roots[k].record == NULL)
        return true;
    /* a bundle: keep its head for the root's own diagnostics, validate its
     * records one by one */
    s->bundle = true;
    st->record = roots[k].record;
    if (tag_end > st->doc->size)
        tag_end = st->doc->size;
    st->doc->head = merit__malloc(tag_end + 1);
    xmlSchemaPtr schema = merit__schema_get(st->ctx, s->found);
    st->record_validator = schema != NULL ? xmlSchemaNewValidCtxt(schema) : NULL;
    if (st->doc->head == NULL || st->record_validator == NULL) {
        if (schema != NULL || st->ctx->out_of_memory)
            merit__oom(st->ctx);
        return false;
    }
    memcpy(st->doc->head, st->doc->bytes, tag_end);
    st->doc->head_size = tag_end;
    xmlSchemaSetValidStructuredErrors(st->record_validator, validity_error, st);
    return true;
}

/* Records where each element's start tag begins and on which line, in
 * node->_private, so that diagnostics point at the element itself even when
 * several of the same name share a line; checks the depth limit; and at the
 * root, what the file is. At this call the parser has read the start tag's
 * attributes; the nearest "<" before its position opens the tag, since an
 * attribute value cannot hold a raw "<". */
static void start_element(void *user, const xmlChar *localname, const xmlChar *prefix,
                          const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
                          int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
    xmlParserCtxtPtr ctxt = user;
    xmlSAX2StartElementNs(user, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes,
                          nb_defaulted, attributes);
    struct parse_state *st = ctxt->_private;
    struct merit_xml_doc *doc = st->doc;
    xmlNodePtr node = ctxt->node;
    long consumed = xmlByteConsumed(ctxt);
    if (node == NULL || node->type != XML_ELEMENT_NODE || consumed <= 0 ||
        (size_t)consumed < doc->base || (size_t)consumed > doc->base + doc->size)
        return;
    size_t i = (size_t)consumed - doc->base;
    uint32_t lines = 0;
    while (i > 0 && doc->bytes[i - 1] != '<')
        lines += doc->bytes[--i] == '\n';
    if (i == 0)
        return;
    size_t lt = doc->base + i - 1;
    uint32_t line = ctxt->input != NULL && ctxt->input->line > 0 ? (uint32_t)ctxt->input->line : 0;
    line = line > lines ? line - lines : 0;
    node->_private = (void *)(((uintptr_t)line << 32) | (uintptr_t)(lt + 1));
    int depth = ctxt->nodeNr;
    if (depth > 0 && (uint32_t)depth > st->ctx->limits.max_depth) {
        merit_loc loc = merit__xml_loc(doc, node, NULL);
        merit__diag(st->ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_LIMIT, loc.file, loc.line, loc.column,
                    "elements are nested deeper than %u levels", st->ctx->limits.max_depth);
        st->errors = st->limit = true;
        stop(st);
        return;
    }
    if (depth == 1 && !root_started(st, node, (size_t)consumed)) {
        st->errors = true;
        stop(st);
        return;
    }
    if (depth == 2 && st->record != NULL)
        st->open_child = lt;
}

/* Frees what stood before a bundle's record: white space, comments,
 * processing instructions. Text other than white space is noted so that
 * the root's check still reports it. Elements other than records stay for
 * that check. */
static void drop_before(struct parse_state *st, xmlNodePtr record)
{
    xmlNodePtr prev = record->prev;
    while (prev != NULL && prev->type != XML_ELEMENT_NODE) {
        xmlNodePtr before = prev->prev;
        if (prev->type == XML_TEXT_NODE && !xmlIsBlankNode(prev))
            st->stray_text = true;
        xmlUnlinkNode(prev);
        xmlFreeNode(prev);
        prev = before;
    }
}

static void end_element(void *user, const xmlChar *localname, const xmlChar *prefix,
                        const xmlChar *uri)
{
    xmlParserCtxtPtr ctxt = user;
    struct parse_state *st = ctxt->_private;
    xmlNodePtr node = ctxt->node;
    xmlSAX2EndElementNs(user, localname, prefix, uri);
    if (st->record == NULL || node == NULL || ctxt->nodeNr != 1)
        return;
    /* a child of a bundle's root has ended */
    st->open_child = SIZE_MAX;
    if (!merit__xml_is(node, st->record))
        return; /* kept: the root's check reports it */
    size_t errors_before = st->ctx->error_count;
    int valid = xmlSchemaValidateOneElement(st->record_validator, node);
    if (valid != 0) {
        if (st->ctx->out_of_memory) {
            stop(st);
        } else if (st->ctx->error_count == errors_before) {
            merit_loc loc = merit__xml_loc(st->doc, node, NULL);
            merit__error_at(st->ctx, loc, "does not match the %s schema",
                            merit__schema_name(st->stream->found));
        }
        st->errors = true;
    } else if (!st->errors && st->record_rc != MERIT_ENOMEM) {
        int rc = st->stream->on_record(st->stream->user, st->doc, node);
        st->stream->records++;
        if (rc != 0 && (st->record_rc == 0 || rc == MERIT_ENOMEM))
            st->record_rc = rc;
        if (rc == MERIT_ENOMEM)
            stop(st);
    }
    drop_before(st, node);
    xmlUnlinkNode(node);
    xmlFreeNode(node);
}

/* Rewrites libxml2 messages that name libxml2 options or namespace URIs.
 * Returns a malloc'd string, or NULL when out of memory. */
static char *tidy_message(const char *msg)
{
    if (strstr(msg, "Excessive depth in document") != NULL)
        return merit__strdup("elements are nested deeper than libxml2's 256 levels (merit's "
                             "depth limit is lower still)");
    if (strstr(msg, "Detected an entity reference loop") != NULL ||
        strstr(msg, "entity amplification") != NULL)
        return merit__strdup("entity expansion is not allowed");
    const char *bytes = strstr(msg, "Bytes: ");
    if (strstr(msg, "not proper UTF-8") != NULL && bytes != NULL) {
        /* libxml2 lists the bad byte and the three after it */
        size_t n = strcspn(bytes + 7, " \n");
        return merit__sprintf("invalid UTF-8 (byte %.*s); merit files must be UTF-8", (int)n,
                              bytes + 7);
    }
    /* drop "{urn:merit:1}" and make the first letter lowercase */
    size_t len = strlen(msg);
    char *buf = merit__malloc(len + 1);
    if (buf == NULL)
        return NULL;
    size_t o = 0;
    const char *ns = "{" MERIT_NAMESPACE "}";
    size_t nslen = strlen(ns);
    for (const char *p = msg; *p;) {
        if (strncmp(p, ns, nslen) == 0) {
            p += nslen;
            continue;
        }
        buf[o++] = *p++;
    }
    buf[o] = '\0';
    while (o > 0 && (buf[o - 1] == '\n' || buf[o - 1] == ' ' || buf[o - 1] == '.'))
        buf[--o] = '\0';
    if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
        buf[0] = (char)(buf[0] - 'A' + 'a');
    return buf;
}

static void parse_error(void *user, xmlErrorPtr err)
{
    struct parse_state *st = user;
    /* After the reading is stopped (a DOCTYPE refused, a limit), the
     * parser's follow-up complaints add nothing. */
    if (err == NULL || st->doctype_seen || st->stopped)
        return;
    if (err->code == XML_ERR_NO_MEMORY) {
        merit__oom(st->ctx);
        st->errors = true;
        return;
    }
    merit_severity sev =
        err->level == XML_ERR_WARNING ? MERIT_SEVERITY_WARNING : MERIT_SEVERITY_ERROR;
    if (sev == MERIT_SEVERITY_ERROR)
        st->errors = true;
    char *msg = tidy_message(err->message ? err->message : "malformed XML");
    if (msg == NULL) {
        merit__oom(st->ctx);
        return;
    }
    uint32_t line = err->line > 0 ? (uint32_t)err->line : 0;
    uint32_t col = err->int2 > 0 ? (uint32_t)err->int2 : 0;
    merit__diag(st->ctx, sev, MERIT_DIAG_INVALID, st->doc->path, line, col, "%s", msg);
    free(msg);
}

static void validity_error(void *user, xmlErrorPtr err)
{
    struct parse_state *st = user;
    if (err == NULL)
        return;
    if (err->code == XML_ERR_NO_MEMORY) {
        merit__oom(st->ctx);
        return;
    }
    char *msg = tidy_message(err->message ? err->message : "invalid");
    if (msg == NULL) {
        merit__oom(st->ctx);
        return;
    }
    merit_loc loc = {st->doc->path, err->line > 0 ? (uint32_t)err->line : 0, 0};
    const xmlNode *node = err->node;
    if (node != NULL && node->type == XML_ELEMENT_NODE) {
        /* "element 'x', attribute 'y': ..." names the attribute */
        char attr[64] = "";
        const char *a = strstr(msg, "', attribute '");
        if (a != NULL) {
            a += strlen("', attribute '");
            size_t n = strcspn(a, "'");
            if (n < sizeof(attr)) {
                memcpy(attr, a, n);
                attr[n] = '\0';
            }
        }
        merit_loc found = merit__xml_loc(st->doc, node, attr[0] ? attr : NULL);
        if (found.line != 0)
            loc = found;
    }
    merit__error_at(st->ctx, loc, "%s", msg);
    free(msg);
}

/* A parser that builds the tree through merit's handlers. */
static xmlParserCtxtPtr new_parser(struct parse_state *st)
{
    merit__xml_global_init();
    xmlSetGenericErrorFunc(NULL, silent);
    xmlParserCtxtPtr ctxt = xmlCreatePushParserCtxt(NULL, NULL, NULL, 0, st->doc->path);
    if (ctxt == NULL)
        return NULL;
    /* Never NOENT, DTDLOAD, DTDATTR, DTDVALID, XINCLUDE or HUGE: see
     * docs/robustness.md. */
    xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES |
                                XML_PARSE_COMPACT);
    ctxt->_private = st;
    ctxt->sax->internalSubset = doctype_rejected;
    ctxt->sax->externalSubset = NULL;
    ctxt->sax->startElementNs = start_element;
    ctxt->sax->endElementNs = end_element;
    st->ctxt = ctxt;
    st->open_child = SIZE_MAX;
    return ctxt;
}

/* Refuses UTF-16 and UTF-32 before libxml2 transcodes them (offsets would
 * no longer be the file's). */
static int refuse_wide(merit_ctx *ctx, const struct merit_xml_doc *doc)
{
    const unsigned char *b = doc->bytes;
    if (doc->size >= 2 && ((b[0] == 0xFE && b[1] == 0xFF) || (b[0] == 0xFF && b[1] == 0xFE) ||
                           (doc->size >= 4 && b[0] == 0 && b[1] == 0))) {
        merit_loc loc = {doc->path, 1, 1};
        return merit__error_at(ctx, loc, "the file is UTF-16 or UTF-32; merit files must be UTF-8");
    }
    return 0;
}

/* Hands the window's last `fresh` bytes to the parser; for a bundle, then
 * forgets what no record needs any more. */
static void feed(struct parse_state *st, size_t fresh, bool last)
{
    struct merit_xml_doc *doc = st->doc;
    xmlSetStructuredErrorFunc(st, parse_error);
    xmlParseChunk(st->ctxt, (const char *)doc->bytes + doc->size - fresh, (int)fresh, last);
    xmlSetStructuredErrorFunc(NULL, NULL);
    if (st->record == NULL || last)
        return;
    size_t keep = st->open_child;
    long consumed = xmlByteConsumed(st->ctxt);
    if (consumed >= 0 && (size_t)consumed < keep)
        keep = (size_t)consumed;
    /* move bytes only when a good part of the window is spent */
    if (keep != SIZE_MAX && keep > doc->base && keep - doc->base >= CHUNK_BYTES / 2)
        window_drop(doc, keep);
}

/* After the last byte: the document-level checks. */
static int finish(struct parse_state *st)
{
    merit_ctx *ctx = st->ctx;
    struct merit_xml_doc *doc = st->doc;
    xmlParserCtxtPtr ctxt = st->ctxt;
    bool well_formed = ctxt->wellFormed && !st->doctype_seen;
    doc->doc = ctxt->myDoc;
    ctxt->myDoc = NULL;
    if (doc->doc != NULL && (doc->doc->intSubset != NULL || doc->doc->extSubset != NULL) &&
        !st->doctype_seen) {
        merit_loc loc = {doc->path, 1, 1};
        merit__error_at(ctx, loc,
                        "document type declarations (DOCTYPE) are not allowed in merit files");
        st->errors = true;
    }
    if (ctx->out_of_memory)
        return MERIT_ENOMEM;
    if (st->limit)
        return MERIT_ELIMIT;
    if (!well_formed || st->errors || doc->doc == NULL) {
        if (!st->errors)
            merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, doc->path, 0, 0,
                        "not well-formed XML");
        return MERIT_EINVALID;
    }
    return 0;
}

static void parse_state_release(struct parse_state *st)
{
    if (st->record_validator != NULL)
        xmlSchemaFreeValidCtxt(st->record_validator);
    if (st->ctxt != NULL) {
        if (st->ctxt->myDoc != NULL)
            xmlFreeDoc(st->ctxt->myDoc);
        xmlFreeParserCtxt(st->ctxt);
    }
}

int merit__xml_parse(merit_ctx *ctx, struct merit_xml_doc *doc)
{
    if (refuse_wide(ctx, doc) != 0)
        return MERIT_EINVALID;
    if (doc->size > (size_t)INT32_MAX)
        return merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_LIMIT, doc->path, 0, 0,
                           "file is larger than 2 GiB");
    struct parse_state st = {.ctx = ctx, .doc = doc};
    if (new_parser(&st) == NULL)
        return merit__oom(ctx);
    feed(&st, doc->size, true);
    int rc = finish(&st);
    parse_state_release(&st);
    if (rc != 0 && doc->doc != NULL) {
        xmlFreeDoc(doc->doc);
        doc->doc = NULL;
    }
    return rc;
}

static int validate_doc(struct parse_state *st, merit_schema_kind kind)
{
    merit_ctx *ctx = st->ctx;
    xmlSchemaPtr schema = merit__schema_get(ctx, kind);
    if (schema == NULL)
        return ctx->out_of_memory ? MERIT_ENOMEM : MERIT_EINVALID;
    xmlSchemaValidCtxtPtr vctx = xmlSchemaNewValidCtxt(schema);
    if (vctx == NULL)
        return merit__oom(ctx);
    xmlSchemaSetValidStructuredErrors(vctx, validity_error, st);
    size_t before = ctx->error_count;
    int r = xmlSchemaValidateDoc(vctx, st->doc->doc);
    xmlSchemaFreeValidCtxt(vctx);
    if (r == 0)
        return 0;
    if (ctx->out_of_memory)
        return MERIT_ENOMEM;
    if (ctx->error_count == before)
        merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, st->doc->path, 0, 0,
                    "does not match the %s schema", merit__schema_name(kind));
    return MERIT_EINVALID;
}

int merit__xml_validate(merit_ctx *ctx, struct merit_xml_doc *doc, merit_schema_kind kind)
{
    struct parse_state st = {.ctx = ctx, .doc = doc};
    return validate_doc(&st, kind);
}

/* The end of a streamed file: the bundle's root checked on its own (its
 * records are gone), or the whole document checked and handed over. */
static int stream_finish(struct parse_state *st)
{
    struct merit_xml_stream *s = st->stream;
    int rc = finish(st);
    if (rc == 0 && s->found == MERIT_SCHEMA_COUNT) {
        /* the parser gave up before the root without saying why: an
         * encoding it cannot read */
        const char *enc = (const char *)st->ctxt->encoding;
        if (enc == NULL && st->ctxt->input != NULL)
            enc = (const char *)st->ctxt->input->encoding;
        merit_loc first = {st->doc->path, 1, 1};
        if (enc != NULL)
            merit__error_at(st->ctx, first,
                            "the file declares encoding '%s'; merit files must be UTF-8", enc);
        else
            merit__diag(st->ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, st->doc->path, 0, 0,
                        "not well-formed XML");
        rc = MERIT_EINVALID;
    }
    if (rc == 0 && s->bundle) {
        xmlNodePtr root = xmlDocGetRootElement(st->doc->doc);
        for (xmlNodePtr n = root ? root->children : NULL; n != NULL;) {
            xmlNodePtr next = n->next;
            if (n->type == XML_TEXT_NODE && !xmlIsBlankNode(n))
                st->stray_text = true;
            if (n->type != XML_ELEMENT_NODE) {
                xmlUnlinkNode(n);
                xmlFreeNode(n);
            }
            n = next;
        }
        /* text between records was freed on the way: put a sample back so
         * that the schema's own message reports it */
        static const xmlChar sample[] = "text";
        xmlNodePtr text = st->stray_text ? xmlNewDocText(st->doc->doc, sample) : NULL;
        if (st->stray_text && (text == NULL || xmlAddChild(root, text) == NULL)) {
            xmlFreeNode(text);
            rc = merit__oom(st->ctx);
        }
        if (rc == 0) {
            size_t before = st->ctx->error_count;
            if (xmlSchemaValidateOneElement(st->record_validator, root) != 0) {
                rc = st->ctx->out_of_memory ? MERIT_ENOMEM : MERIT_EINVALID;
                if (rc == MERIT_EINVALID && st->ctx->error_count == before)
                    merit__diag(st->ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, st->doc->path, 0,
                                0, "does not match the %s schema", merit__schema_name(s->found));
            }
        }
    } else if (rc == 0) {
        rc = validate_doc(st, s->found);
        if (rc == 0) {
            s->file_ok = true;
            s->records = 1;
            return s->on_record(s->user, st->doc, xmlDocGetRootElement(st->doc->doc));
        }
    }
    s->file_ok = rc == 0;
    if (rc == 0 || st->record_rc == MERIT_ENOMEM)
        rc = st->record_rc;
    return rc;
}

static void stream_init(struct merit_xml_stream *s)
{
    s->found = MERIT_SCHEMA_COUNT;
    s->bundle = false;
    s->file_ok = false;
    s->records = 0;
    s->bytes = 0;
    s->hashed = false;
    s->unread = MERIT_UNREAD_CANNOT_READ;
}

/* The largest input merit reads: libxml2 counts bytes in an int. */
#define MAX_INPUT_BYTES ((uint64_t)INT32_MAX)

/* Reads the rest of fd into hash, `total` bytes having been read, under
 * the same limits as the reading. Returns 0 (*total_out is the file's size),
 * or -1 after a diagnostic (*why says what kept the file from being read
 * whole). */
static int hash_rest(merit_ctx *ctx, const char *path, int fd, void *hash, uint64_t max,
                     uint64_t *total, merit_unread *why)
{
    unsigned char buf[16384];
    for (;;) {
        ssize_t n = read_some(fd, buf, sizeof(buf));
        if (n < 0) {
            *why = MERIT_UNREAD_CANNOT_READ;
            merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_IO, path, 0, 0, "read error: %s",
                        strerror(errno));
            return -1;
        }
        if (n == 0)
            return 0;
        *total += (uint64_t)n;
        if (*total > max) {
            *why = MERIT_UNREAD_TOO_LARGE;
            if (*total > ctx->limits.max_file_bytes)
                grew_past_limit(ctx, path);
            else
                merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_LIMIT, path, 0, 0,
                            "file is larger than 2 GiB");
            return -1;
        }
        if (merit_sha256_add(hash, buf, (size_t)n) != 0) {
            *why = MERIT_UNREAD_CANNOT_READ;
            merit__oom(ctx);
            return -1;
        }
    }
}

int merit__xml_hash_file(merit_ctx *ctx, const char *path, bool input, unsigned char sha256[32],
                         uint64_t *bytes_out, merit_unread *why_out)
{
    uint64_t expected = 0, total = 0;
    int rc = 0;
    *bytes_out = 0;
    int fd = open_input(ctx, path, &expected, &rc, why_out);
    if (fd < 0)
        return rc;
    uint64_t max = ctx->limits.max_file_bytes;
    if (input && max > MAX_INPUT_BYTES)
        max = MAX_INPUT_BYTES;
    void *hash = merit_sha256_begin();
    if (hash == NULL) {
        close(fd);
        return merit__oom(ctx);
    }
    int read = hash_rest(ctx, path, fd, hash, max, &total, why_out);
    close(fd);
    *bytes_out = total;
    if (merit_sha256_end(hash, sha256) != 0)
        return merit__oom(ctx);
    if (read != 0)
        return merit_ctx_out_of_memory(ctx) ? MERIT_ENOMEM : MERIT_EIO;
    *why_out = MERIT_READ;
    return 0;
}

int merit__xml_stream_file(merit_ctx *ctx, const char *path, struct merit_xml_stream *stream)
{
    stream_init(stream);
    uint64_t expected = 0;
    int rc = 0;
    int fd = open_input(ctx, path, &expected, &rc, &stream->unread);
    if (fd < 0)
        return rc;
    struct merit_xml_doc doc;
    doc_init(&doc, path);
    struct parse_state st = {.ctx = ctx, .doc = &doc, .stream = stream};
    void *hash = merit_sha256_begin();
    size_t total = 0;
    /* a file refused for what it holds, not for its reading, is still read
     * to its end and hashed: the audit trail records what it was */
    bool hash_the_rest = false;
    if (hash == NULL) {
        rc = merit__oom(ctx);
        goto done;
    }
    for (;;) {
        if (st.stopped)
            window_drop(&doc, doc.base + doc.size); /* the rest is only hashed */
        if (doc.cap - doc.size < CHUNK_BYTES + 1) {
            size_t cap = doc.size + CHUNK_BYTES + 1;
            unsigned char *p = merit__realloc(doc.bytes, cap);
            if (p == NULL) {
                rc = merit__oom(ctx);
                goto done;
            }
            doc.bytes = p;
            doc.cap = cap;
        }
        ssize_t n = read_some(fd, doc.bytes + doc.size, CHUNK_BYTES);
        if (n < 0) {
            rc = merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_IO, path, 0, 0, "read error: %s",
                             strerror(errno));
            goto done;
        }
        total += (size_t)n;
        if (total > ctx->limits.max_file_bytes) {
            stream->unread = MERIT_UNREAD_TOO_LARGE;
            rc = grew_past_limit(ctx, path);
            goto done;
        }
        if (total > (size_t)MAX_INPUT_BYTES) {
            stream->unread = MERIT_UNREAD_TOO_LARGE;
            rc = merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_LIMIT, path, 0, 0,
                             "file is larger than 2 GiB");
            goto done;
        }
        if (merit_sha256_add(hash, doc.bytes + doc.size, (size_t)n) != 0) {
            rc = merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_IO, path, 0, 0,
                             "cannot compute the SHA-256 of this file");
            goto done;
        }
        doc.size += (size_t)n;
        doc.bytes[doc.size] = '\0';
        if (st.ctxt == NULL) {
            /* the first bytes */
            hash_the_rest = true;
            if (total == 0) {
                rc = merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path, 0, 0,
                                 "file is empty");
                goto done;
            }
            if ((rc = refuse_wide(ctx, &doc)) != 0)
                goto done;
            hash_the_rest = false;
            if (new_parser(&st) == NULL) {
                rc = merit__oom(ctx);
                goto done;
            }
        }
        if (!st.stopped)
            feed(&st, (size_t)n, n == 0);
        if (n == 0)
            break;
    }
    stream->bytes = total;
    stream->hashed = merit_sha256_end(hash, stream->sha256) == 0;
    if (stream->hashed)
        stream->unread = MERIT_READ;
    hash = NULL;
    rc = stream_finish(&st);
done:
    if (hash != NULL && hash_the_rest) {
        uint64_t all = total;
        uint64_t max = ctx->limits.max_file_bytes < MAX_INPUT_BYTES ? ctx->limits.max_file_bytes
                                                                    : MAX_INPUT_BYTES;
        int read = total == 0 ? 0 : hash_rest(ctx, path, fd, hash, max, &all, &stream->unread);
        stream->bytes = all;
        stream->hashed = merit_sha256_end(hash, stream->sha256) == 0 && read == 0;
        if (stream->hashed)
            stream->unread = MERIT_READ;
        hash = NULL;
    }
    if (hash != NULL) {
        unsigned char ignored[32];
        merit_sha256_end(hash, ignored);
    }
    close(fd);
    parse_state_release(&st);
    merit__xml_doc_release(&doc);
    return rc;
}

int merit__xml_stream_bytes(merit_ctx *ctx, const char *path, const unsigned char *bytes,
                            size_t size, struct merit_xml_stream *stream)
{
    stream_init(stream);
    struct merit_xml_doc doc;
    doc_init(&doc, path);
    if (size == 0)
        return merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path, 0, 0,
                           "file is empty");
    if (size > (size_t)INT32_MAX)
        return merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_LIMIT, path, 0, 0,
                           "file is larger than 2 GiB");
    doc.bytes = merit__malloc(size + 1);
    if (doc.bytes == NULL)
        return merit__oom(ctx);
    memcpy(doc.bytes, bytes, size);
    doc.bytes[size] = '\0';
    doc.size = size;
    doc.cap = size + 1;
    stream->bytes = size;
    stream->hashed = merit_sha256(bytes, size, stream->sha256) == 0;
    stream->unread = stream->hashed ? MERIT_READ : MERIT_UNREAD_CANNOT_READ;
    struct parse_state st = {.ctx = ctx, .doc = &doc, .stream = stream};
    int rc = refuse_wide(ctx, &doc);
    if (rc == 0 && new_parser(&st) == NULL)
        rc = merit__oom(ctx);
    if (rc == 0) {
        feed(&st, size, true);
        rc = stream_finish(&st);
    }
    parse_state_release(&st);
    merit__xml_doc_release(&doc);
    return rc;
}

/* --- navigation ----------------------------------------------------------- */

bool merit__xml_is(const xmlNode *node, const char *name)
{
    return node != NULL && node->type == XML_ELEMENT_NODE && node->ns != NULL &&
           strcmp((const char *)node->ns->href, MERIT_NAMESPACE) == 0 &&
           strcmp((const char *)node->name, name) == 0;
}

static const xmlNode *find_from(const xmlNode *node, const char *name)
{
    for (; node != NULL; node = node->next)
        if (node->type == XML_ELEMENT_NODE && (name == NULL || merit__xml_is(node, name)))
            return node;
    return NULL;
}

const xmlNode *merit__xml_child(const xmlNode *node, const char *name)
{
    return node != NULL ? find_from(node->children, name) : NULL;
}

const xmlNode *merit__xml_next(const xmlNode *node, const char *name)
{
    return node != NULL ? find_from(node->next, name) : NULL;
}

const char *merit__xml_attr(const xmlNode *node, const char *name)
{
    if (node == NULL)
        return NULL;
    for (const xmlAttr *a = node->properties; a != NULL; a = a->next) {
        if (a->ns == NULL && strcmp((const char *)a->name, name) == 0) {
            if (a->children == NULL)
                return "";
            if (a->children->next == NULL && a->children->type == XML_TEXT_NODE)
                return (const char *)a->children->content;
            return NULL;
        }
    }
    return NULL;
}

bool merit__xml_bool(const xmlNode *node, const char *name)
{
    const char *v = merit__xml_attr(node, name);
    if (v == NULL)
        return false;
    while (is_space((unsigned char)*v))
        v++;
    size_t n = strlen(v);
    while (n > 0 && is_space((unsigned char)v[n - 1]))
        n--;
    return (n == 4 && memcmp(v, "true", 4) == 0) || (n == 1 && v[0] == '1');
}

char *merit__xml_text(const xmlNode *node, bool collapse)
{
    return merit__xml_text_padded(node, collapse, 0);
}

char *merit__xml_text_padded(const xmlNode *node, bool collapse, size_t pad)
{
    size_t total = 0;
    for (const xmlNode *c = node->children; c != NULL; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
            total += strlen((const char *)c->content);
    char *out = merit__malloc(total + 1 + pad);
    if (out == NULL)
        return NULL;
    size_t o = 0;
    bool pending_space = false;
    for (const xmlNode *c = node->children; c != NULL; c = c->next) {
        if (!((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content))
            continue;
        for (const unsigned char *p = c->content; *p; p++) {
            if (is_space(*p)) {
                if (o == 0)
                    continue;
                if (collapse) {
                    pending_space = true;
                    continue;
                }
            }
            if (pending_space) {
                out[o++] = ' ';
                pending_space = false;
            }
            out[o++] = (char)*p;
        }
    }
    while (o > 0 && is_space((unsigned char)out[o - 1]))
        o--;
    /* a subject's spare bytes are all zero, those the trimming freed too */
    memset(out + o, 0, total + 1 + pad - o);
    return out;
}
