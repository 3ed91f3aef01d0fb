/* Hardened XML reading: see xml_input.h. */
#include <errno.h>
#include <fcntl.h>
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

static unsigned long denied_loads;
static bool initialised;

static xmlParserInputPtr deny_external_entity(const char *url, const char *id,
                                              xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    (void)ctxt;
    denied_loads++;
    return NULL;
}

/* libxml2's generic handler prints to stderr; merit never prints: every
 * message that matters reaches a structured handler and becomes a
 * diagnostic. */
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
    return denied_loads;
}

void merit__xml_doc_release(struct merit_xml_doc *doc)
{
    if (doc == NULL)
        return;
    if (doc->doc != NULL)
        xmlFreeDoc(doc->doc);
    free(doc->bytes);
    free(doc->line_starts);
    memset(doc, 0, sizeof(*doc));
}

int merit__xml_set_bytes(merit_ctx *ctx, const char *path, const unsigned char *bytes, size_t size,
                         struct merit_xml_doc *doc)
{
    memset(doc, 0, sizeof(*doc));
    doc->path = path;
    doc->bytes = merit__malloc(size + 1);
    if (doc->bytes == NULL)
        return merit__oom(ctx);
    memcpy(doc->bytes, bytes, size);
    doc->bytes[size] = '\0';
    doc->size = size;
    return 0;
}

int merit__xml_read_file(merit_ctx *ctx, const char *path, struct merit_xml_doc *doc)
{
    memset(doc, 0, sizeof(*doc));
    doc->path = path;
    /* O_NONBLOCK: opening a FIFO must not hang; it is refused below. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        int e = errno;
        struct stat link;
        if (e == ENOENT && lstat(path, &link) == 0)
            return merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_IO, path, 0, 0,
                               "vanished: its name is listed but the file is gone (a dangling "
                               "link, or removed while merit ran)");
        if (e == ENOENT)
            return merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_IO, path, 0, 0,
                               "no such file");
        return merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_IO, path, 0, 0, "cannot open: %s",
                           strerror(e));
    }
    struct stat st;
    int rc = 0;
    if (fstat(fd, &st) != 0) {
        rc = merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_IO, path, 0, 0, "cannot stat: %s",
                         strerror(errno));
        goto done;
    }
    if (S_ISDIR(st.st_mode)) {
        rc = merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path, 0, 0,
                         "is a directory, not an XML file");
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path, 0, 0,
                         "not a regular file");
        goto done;
    }
    if ((uint64_t)st.st_size > ctx->limits.max_file_bytes) {
        rc = merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_LIMIT, path, 0, 0,
                         "file is %llu bytes, more than the file-size limit of %llu",
                         (unsigned long long)st.st_size,
                         (unsigned long long)ctx->limits.max_file_bytes);
        goto done;
    }
    size_t cap = (size_t)st.st_size;
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
            ssize_t extra = read(fd, &probe, 1);
            if (extra < 0 && errno == EINTR)
                continue;
            if (extra <= 0)
                break;
            if (cap >= ctx->limits.max_file_bytes) {
                rc = merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_LIMIT, path, 0, 0,
                                 "file grew past the file-size limit of %llu bytes while read",
                                 (unsigned long long)ctx->limits.max_file_bytes);
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
        ssize_t n = read(fd, doc->bytes + got, cap - got);
        if (n < 0) {
            if (errno == EINTR)
                continue;
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

/* --- line and column lookup ------------------------------------------- */

static int build_line_index(struct merit_xml_doc *doc)
{
    if (doc->line_starts != NULL)
        return 0;
    size_t lines = 1;
    for (size_t i = 0; i < doc->size; i++)
        if (doc->bytes[i] == '\n')
            lines++;
    doc->line_starts = merit__malloc(lines * sizeof(uint32_t));
    if (doc->line_starts == NULL)
        return -1;
    size_t l = 0;
    doc->line_starts[l++] = 0;
    for (size_t i = 0; i < doc->size; i++)
        if (doc->bytes[i] == '\n')
            doc->line_starts[l++] = (uint32_t)(i + 1);
    doc->line_count = lines;
    return 0;
}

static void offset_to_loc(const struct merit_xml_doc *doc, size_t offset, merit_loc *loc)
{
    size_t lo = 0;
    size_t hi = doc->line_count;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (doc->line_starts[mid] <= offset)
            lo = mid;
        else
            hi = mid;
    }
    loc->line = (uint32_t)(lo + 1);
    /* columns count characters, as libxml2's do: skip UTF-8 continuations */
    uint32_t col = 1;
    for (size_t i = doc->line_starts[lo]; i < offset; i++)
        if ((doc->bytes[i] & 0xC0) != 0x80)
            col++;
    loc->column = col;
}

static bool is_name_end(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '/' || c == '>';
}

merit_loc merit__xml_loc(struct merit_xml_doc *doc, const xmlNode *node, const char *attr)
{
    merit_loc loc = {doc->path, 0, 0};
    if (node == NULL)
        return loc;
    long line = xmlGetLineNo(node);
    if (line > 0)
        loc.line = (uint32_t)line;
    if (build_line_index(doc) != 0)
        return loc;
    const char *name = (const char *)node->name;
    size_t nlen = strlen(name);
    size_t found = SIZE_MAX;
    if (node->type == XML_ELEMENT_NODE && node->_private != NULL) {
        /* the parser recorded where this start tag begins */
        found = (size_t)(uintptr_t)node->_private - 1;
    } else if (line > 0 && (size_t)line <= doc->line_count) {
        /* no record: search backwards from the end of the line libxml2
         * gives for "<name" or "<prefix:name" */
        size_t end = (size_t)line < doc->line_count ? doc->line_starts[line] : doc->size;
        size_t floor_line = line > 200 ? (size_t)line - 200 : 1;
        size_t floor = doc->line_starts[floor_line - 1];
        for (size_t i = end; i-- > floor;) {
            if (doc->bytes[i] != '<')
                continue;
            size_t p = i + 1;
            size_t q = p;
            while (q < doc->size && !is_name_end(doc->bytes[q]) && doc->bytes[q] != ':')
                q++;
            if (q < doc->size && doc->bytes[q] == ':')
                p = q + 1;
            if (p + nlen < doc->size && memcmp(doc->bytes + p, name, nlen) == 0 &&
                is_name_end(doc->bytes[p + nlen])) {
                found = i;
                break;
            }
        }
    }
    if (found == SIZE_MAX || found >= doc->size)
        return loc;
    /* skip "<" and the qualified name */
    nlen = 1;
    while (found + nlen < doc->size && !is_name_end(doc->bytes[found + nlen]))
        nlen++;
    nlen--;
    size_t at = found;
    if (attr != NULL) {
        size_t alen = strlen(attr);
        char quote = 0;
        for (size_t i = found + 1 + nlen; i < doc->size; i++) {
            unsigned char c = doc->bytes[i];
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
            if ((c == ' ' || c == '\t' || c == '\n' || c == '\r') && i + 1 + alen < doc->size &&
                memcmp(doc->bytes + i + 1, attr, alen) == 0) {
                size_t k = i + 1 + alen;
                while (k < doc->size && (doc->bytes[k] == ' ' || doc->bytes[k] == '\t' ||
                                         doc->bytes[k] == '\n' || doc->bytes[k] == '\r'))
                    k++;
                if (k < doc->size && doc->bytes[k] == '=') {
                    at = i + 1;
                    break;
                }
            }
        }
    }
    offset_to_loc(doc, at, &loc);
    return loc;
}

/* --- parsing -------------------------------------------------------------- */

struct parse_state {
    merit_ctx *ctx;
    struct merit_xml_doc *doc;
    bool doctype_seen;
    bool errors;
};

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
    merit_loc loc = {st->doc->path, 0, 0};
    /* find the "<!DOCTYPE" the parser just read */
    size_t upto = st->doc->size;
    if (ctxt->input != NULL && ctxt->input->base != NULL && ctxt->input->cur != NULL)
        upto = (size_t)(ctxt->input->cur - ctxt->input->base);
    const char *hit = NULL;
    for (const char *p = (const char *)st->doc->bytes;
         (p = strstr(p, "<!DOCTYPE")) != NULL && (size_t)(p - (const char *)st->doc->bytes) < upto;
         p++)
        hit = p;
    if (hit != NULL && build_line_index(st->doc) == 0)
        offset_to_loc(st->doc, (size_t)(hit - (const char *)st->doc->bytes), &loc);
    merit__error_at(st->ctx, loc,
                    "document type declarations (DOCTYPE) are not allowed in merit files");
    st->errors = true;
    xmlStopParser(ctxt);
}

/* Records where each element's start tag begins, in node->_private (offset
 * + 1), so that diagnostics point at the element itself even when several of
 * the same name share a line. At this call the parser has read the start
 * tag's attributes; the nearest "<" before its position opens the tag, since
 * an attribute value cannot hold a raw "<". */
static void start_element(void *user, const xmlChar *localname, const xmlChar *prefix,
                          const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
                          int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
    xmlParserCtxtPtr ctxt = user;
    xmlSAX2StartElementNs(user, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes,
                          nb_defaulted, attributes);
    struct parse_state *st = ctxt->_private;
    long consumed = xmlByteConsumed(ctxt);
    if (ctxt->node == NULL || consumed <= 0 || (size_t)consumed > st->doc->size)
        return;
    size_t i = (size_t)consumed;
    while (i > 0 && st->doc->bytes[i - 1] != '<')
        i--;
    if (i > 0)
        ctxt->node->_private = (void *)(uintptr_t)i; /* offset of '<' plus one */
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
    if (err == NULL || st->doctype_seen)
        return;
    if (err->code == XML_ERR_NO_MEMORY) {
        merit__oom(st->ctx);
        st->errors = true;
        return;
    }
    /* After the DOCTYPE is refused, the parser's follow-up complaints add
     * nothing. */
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

static int check_depth(merit_ctx *ctx, struct merit_xml_doc *doc)
{
    const xmlNode *node = xmlDocGetRootElement(doc->doc);
    uint32_t depth = 1;
    while (node != NULL) {
        if (node->type == XML_ELEMENT_NODE && depth > ctx->limits.max_depth) {
            merit_loc loc = merit__xml_loc(doc, node, NULL);
            return merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_LIMIT, loc.file, loc.line,
                               loc.column, "elements are nested deeper than %u levels",
                               ctx->limits.max_depth);
        }
        if (node->children != NULL && node->type == XML_ELEMENT_NODE) {
            node = node->children;
            depth++;
            continue;
        }
        while (node != NULL && node->next == NULL) {
            node = node->parent;
            depth--;
            if (node == NULL || node->type == XML_DOCUMENT_NODE)
                return 0;
        }
        if (node != NULL)
            node = node->next;
    }
    return 0;
}

int merit__xml_parse(merit_ctx *ctx, struct merit_xml_doc *doc)
{
    merit__xml_global_init();
    if (doc->size >= 2 && ((doc->bytes[0] == 0xFE && doc->bytes[1] == 0xFF) ||
                           (doc->bytes[0] == 0xFF && doc->bytes[1] == 0xFE) ||
                           (doc->size >= 4 && doc->bytes[0] == 0 && doc->bytes[1] == 0))) {
        merit_loc loc = {doc->path, 1, 1};
        return merit__error_at(ctx, loc, "the file is UTF-16 or UTF-32; merit files must be UTF-8");
    }
    if (doc->size > (size_t)INT32_MAX)
        return merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_LIMIT, doc->path, 0, 0,
                           "file is larger than 2 GiB");
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (ctxt == NULL)
        return merit__oom(ctx);
    struct parse_state st = {ctx, doc, false, false};
    ctxt->_private = &st;
    ctxt->sax->internalSubset = doctype_rejected;
    ctxt->sax->startElementNs = start_element;
    ctxt->sax->externalSubset = NULL;
    xmlSetStructuredErrorFunc(&st, parse_error);
    /* Never NOENT, DTDLOAD, DTDATTR, DTDVALID, XINCLUDE or HUGE: see
     * docs/robustness.md. */
    int options = XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES | XML_PARSE_COMPACT;
    doc->doc =
        xmlCtxtReadMemory(ctxt, (const char *)doc->bytes, (int)doc->size, doc->path, NULL, options);
    bool well_formed = ctxt->wellFormed && !st.doctype_seen;
    xmlSetStructuredErrorFunc(NULL, NULL);
    xmlFreeParserCtxt(ctxt);
    if (doc->doc != NULL && (doc->doc->intSubset != NULL || doc->doc->extSubset != NULL) &&
        !st.doctype_seen) {
        merit_loc loc = {doc->path, 1, 1};
        merit__error_at(ctx, loc,
                        "document type declarations (DOCTYPE) are not allowed in merit files");
        st.errors = true;
    }
    if (!well_formed || st.errors || doc->doc == NULL) {
        if (ctx->out_of_memory) {
            if (doc->doc != NULL) {
                xmlFreeDoc(doc->doc);
                doc->doc = NULL;
            }
            return MERIT_ENOMEM;
        }
        if (!st.errors)
            merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, doc->path, 0, 0,
                        "not well-formed XML");
        if (doc->doc != NULL) {
            xmlFreeDoc(doc->doc);
            doc->doc = NULL;
        }
        return MERIT_EINVALID;
    }
    const char *enc = (const char *)doc->doc->encoding;
    if (enc != NULL && strcasecmp(enc, "UTF-8") != 0 && strcasecmp(enc, "UTF8") != 0) {
        merit_loc loc = {doc->path, 1, 1};
        merit__error_at(ctx, loc, "the file declares encoding '%s'; merit files must be UTF-8",
                        enc);
        xmlFreeDoc(doc->doc);
        doc->doc = NULL;
        return MERIT_EINVALID;
    }
    int rc = check_depth(ctx, doc);
    if (rc != 0) {
        xmlFreeDoc(doc->doc);
        doc->doc = NULL;
    }
    return rc;
}

struct validate_state {
    merit_ctx *ctx;
    struct merit_xml_doc *doc;
};

static void validity_error(void *user, xmlErrorPtr err)
{
    struct validate_state *st = user;
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

int merit__xml_validate(merit_ctx *ctx, struct merit_xml_doc *doc, merit_schema_kind kind)
{
    xmlSchemaPtr schema = merit__schema_get(ctx, kind);
    if (schema == NULL)
        return ctx->out_of_memory ? MERIT_ENOMEM : MERIT_EINVALID;
    xmlSchemaValidCtxtPtr vctx = xmlSchemaNewValidCtxt(schema);
    if (vctx == NULL)
        return merit__oom(ctx);
    struct validate_state st = {ctx, doc};
    xmlSchemaSetValidStructuredErrors(vctx, validity_error, &st);
    size_t before = ctx->error_count;
    int r = xmlSchemaValidateDoc(vctx, doc->doc);
    xmlSchemaFreeValidCtxt(vctx);
    if (r == 0)
        return 0;
    if (ctx->out_of_memory)
        return MERIT_ENOMEM;
    if (ctx->error_count == before)
        merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, doc->path, 0, 0,
                    "does not match the %s schema", merit__schema_name(kind));
    return MERIT_EINVALID;
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

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
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
    size_t total = 0;
    for (const xmlNode *c = node->children; c != NULL; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
            total += strlen((const char *)c->content);
    char *out = merit__malloc(total + 1);
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
    out[o] = '\0';
    return out;
}
