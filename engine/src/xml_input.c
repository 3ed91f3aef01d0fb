/* Hardened XML reading: see xml_input.h. */
#define _GNU_SOURCE /* memrchr */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <fcntl.h>
#include <pthread.h>
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

#include "schema_words.h"
#include "xml_input.h"

/* Each element's start tag is recorded in node->_private as its line (high
 * 32 bits) and its offset plus one (low 32 bits); files are under 2 GiB. */
_Static_assert(sizeof(uintptr_t) >= 8, "merit needs 64-bit pointers to record element places");

/* How much of a file is read and parsed at a time. */
#define CHUNK_BYTES (256u * 1024u)

static atomic_ulong denied_loads;
/* libxml2's process-wide state is set up once, whichever thread comes first
 * (two threads may each load a call: merit.h, "Threads"). */
static pthread_once_t initialised = PTHREAD_ONCE_INIT;

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

static void global_init_once(void)
{
    xmlInitParser();
    xmlSetExternalEntityLoader(deny_external_entity);
}

void merit__xml_global_init(void)
{
    (void)pthread_once(&initialised, global_init_once);
    xmlSetGenericErrorFunc(NULL, silent); /* per thread */
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
    free(doc->marks);
    memset(doc, 0, sizeof(*doc));
}

static void doc_init(struct merit_xml_doc *doc, const char *path)
{
    memset(doc, 0, sizeof(*doc));
    doc->path = path;
    doc->base_line = 1;
    doc->base_column = 1;
    doc->scan_line = 1;
    doc->scan_column = 1;
}

/* Opens path for reading: regular files only, never blocking on a FIFO;
 * when named (a file the user named, not one of a call), also "-" for
 * standard input and a pipe, socket or character device, read once (*size
 * is then 0: the reading grows its buffer up to the file-size limit).
 * Returns the descriptor and the size fstat gives, or -1 after a
 * diagnostic (*rc says which error, *why what kept the file from being
 * read). */
static int open_input(merit_ctx *ctx, const char *path, bool named, uint64_t *size, int *rc,
                      merit_unread *why)
{
    bool standard_input = named && strcmp(path, "-") == 0;
    /* O_NONBLOCK: opening a FIFO must not hang; it is refused below, or
     * made blocking again when named. Standard input is a copy of the
     * descriptor, closed like any other. */
    int fd = standard_input ? fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3)
                            : open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    *why = MERIT_UNREAD_CANNOT_READ;
    if (fd < 0 && standard_input) {
        *rc = merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_IO, path, 0, 0,
                          "cannot read standard input: %s", strerror(errno));
        return -1;
    }
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
    } else if (named && (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) || S_ISSOCK(st.st_mode))) {
        int flags = fcntl(fd, F_GETFL);
        if (!standard_input && flags >= 0 && (flags & O_NONBLOCK) != 0)
            fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
        *why = MERIT_READ;
        *size = 0;
        return fd;
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
    struct stat st;
    bool stream = strcmp(path, "-") == 0 || (stat(path, &st) == 0 && !S_ISREG(st.st_mode));
    if (stream) /* a pipe has no size to tell beforehand */
        return merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_LIMIT, path, 0, 0,
                           "more than the file-size limit of %llu bytes",
                           (unsigned long long)ctx->limits.max_file_bytes);
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

/* Copies a stream (standard input, a pipe) to an unlinked temporary file,
 * at most the file-size limit, so that it can be read twice; closes in.
 * Returns the copy's descriptor at offset 0, or -1 after a diagnostic. */
static int spool_stream(merit_ctx *ctx, const char *path, int in, uint64_t *size, int *rc)
{
    FILE *copy = tmpfile();
    int out = copy != NULL ? dup(fileno(copy)) : -1;
    if (copy != NULL)
        fclose(copy); /* the file stays, unlinked, while out is open */
    if (out < 0) {
        close(in);
        *rc = merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_IO, path, 0, 0,
                          "cannot make a temporary copy of the stream: %s", strerror(errno));
        return -1;
    }
    unsigned char buf[65536];
    uint64_t total = 0;
    for (;;) {
        ssize_t n = read_some(in, buf, sizeof buf);
        if (n == 0)
            break;
        if (n < 0) {
            *rc = merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_IO, path, 0, 0,
                              "read error: %s", strerror(errno));
            goto fail;
        }
        total += (uint64_t)n;
        if (total > ctx->limits.max_file_bytes) {
            *rc = grew_past_limit(ctx, path);
            goto fail;
        }
        for (ssize_t done = 0; done < n;) {
            ssize_t w = write(out, buf + done, (size_t)(n - done));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                *rc =
                    merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_IO, path, 0, 0,
                                "cannot write a temporary copy of the stream: %s", strerror(errno));
                goto fail;
            }
            done += w;
        }
    }
    close(in);
    if (lseek(out, 0, SEEK_SET) != 0) {
        *rc = merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_IO, path, 0, 0,
                          "cannot read back a temporary copy of the stream: %s", strerror(errno));
        close(out);
        return -1;
    }
    *size = total;
    return out;
fail:
    close(in);
    close(out);
    return -1;
}

int merit__xml_open_file(merit_ctx *ctx, const char *path, uint64_t *size, int *rc)
{
    merit_unread why;
    int fd = open_input(ctx, path, true, size, rc, &why);
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) == 0 && !S_ISREG(st.st_mode))
        return spool_stream(ctx, path, fd, size, rc);
    return fd;
}

int merit__xml_read_file(merit_ctx *ctx, const char *path, struct merit_xml_doc *doc)
{
    doc_init(doc, path);
    uint64_t expected = 0;
    int rc = 0;
    merit_unread why;
    int fd = open_input(ctx, path, true, &expected, &rc, &why);
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

/* --- parsing -------------------------------------------------------------- */

/* merit follows the markup a little ahead of libxml2, only to count the
 * attributes of each start tag: libxml2 checks each attribute of a tag
 * against all the others before it hands the tag over, so a tag with too
 * many must be refused before libxml2 has all of it. The lexer sees each
 * byte once, skipping text, attribute values, comments, CDATA sections and
 * processing instructions with memchr. It stops at a declaration (a
 * DOCTYPE stops the parser too). */
enum lex_state {
    LEX_TEXT,
    LEX_LT,   /* after '<' */
    LEX_BANG, /* after "<!": matching "--" or "[CDATA[" */
    LEX_COMMENT,
    LEX_CDATA,
    LEX_PI,
    LEX_END_TAG,
    LEX_TAG,   /* in a start tag, outside attribute values */
    LEX_VALUE, /* in an attribute value */
    LEX_OFF,
};

struct lexer {
    enum lex_state state;
    unsigned char quote;   /* LEX_VALUE: the value's quote */
    const char *want;      /* LEX_BANG: "--" or "[CDATA[" once the next byte chose */
    size_t matched;        /* LEX_BANG: bytes of it seen */
    unsigned char last[2]; /* the last two bytes lexed, last[1] the latest */
    size_t tag;            /* offset of the last '<' */
    unsigned attributes;   /* LEX_TAG, LEX_VALUE: '=' seen in the tag */
};

struct parse_state {
    merit_ctx *ctx;
    struct merit_xml_doc *doc;
    struct merit_xml_stream *stream; /* NULL: parse whole, hand nothing over */
    xmlParserCtxtPtr ctxt;
    merit_schema_kind kind;                 /* the schema documents are checked against */
    xmlSchemaValidCtxtPtr record_validator; /* bundles: checks each record */
    const char *record;                     /* bundles: the records' element name */
    bool doctype_seen;
    bool root_seen;    /* the root's start tag was read */
    bool stopped;      /* reading was stopped: later complaints add nothing */
    bool terminating;  /* libxml2 is told the file has ended */
    bool errors;       /* not well-formed, not valid, or refused */
    bool limit;        /* a limit was exceeded */
    bool stray_text;   /* text other than white space between a bundle's records */
    int record_rc;     /* the first error a record callback returned */
    size_t open_child; /* offset of the open bundle child's '<', or SIZE_MAX */
    size_t text_bytes; /* bytes of the piece of text being read */
    size_t text_start; /* its offset in the file */
    struct lexer lexer;
};

static void stop(struct parse_state *st)
{
    st->stopped = true;
    xmlStopParser(st->ctxt);
}

/* Lexes n bytes at file offset off. Returns n, or the index of the '=' that
 * takes a start tag past MERIT_XML_MAX_ATTRIBUTES (lx->tag is then the
 * tag's '<'). */
static size_t lex(struct lexer *lx, const unsigned char *p, size_t n, size_t off)
{
    size_t i = 0;
    while (i < n && lx->state != LEX_OFF) {
        unsigned char c = p[i];
        switch (lx->state) {
        case LEX_TEXT: {
            const unsigned char *lt = memchr(p + i, '<', n - i);
            i = lt != NULL ? (size_t)(lt - p) : n;
            if (lt != NULL) {
                lx->tag = off + i++;
                lx->state = LEX_LT;
            }
            break;
        }
        case LEX_LT:
            if (c == '!' || c == '?' || c == '/') {
                lx->state = c == '!' ? LEX_BANG : c == '?' ? LEX_PI : LEX_END_TAG;
                lx->want = NULL;
                lx->matched = 0;
                i++;
            } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
                lx->state = LEX_TAG;
                lx->attributes = 0;
            } else if (c == '_' || c == ':' || c >= 0x80) {
                lx->state = LEX_TAG;
                lx->attributes = 0;
            } else {
                lx->state = LEX_TEXT; /* not well-formed: libxml2 says so */
            }
            break;
        case LEX_BANG:
            if (lx->want == NULL)
                lx->want = c == '-' ? "--" : c == '[' ? "[CDATA[" : NULL;
            if (lx->want == NULL || c != (unsigned char)lx->want[lx->matched]) {
                lx->state = LEX_OFF; /* a declaration, or not well-formed */
                break;
            }
            i++;
            if (lx->want[++lx->matched] == '\0')
                lx->state = lx->want[0] == '-' ? LEX_COMMENT : LEX_CDATA;
            break;
        case LEX_COMMENT:
        case LEX_CDATA:
        case LEX_PI:
        case LEX_END_TAG: {
            const unsigned char *gt = memchr(p + i, '>', n - i);
            if (gt == NULL) {
                i = n;
                break;
            }
            size_t k = (size_t)(gt - p);
            unsigned char b1 = k >= 1 ? p[k - 1] : lx->last[1];
            unsigned char b2 = k >= 2 ? p[k - 2] : k == 1 ? lx->last[1] : lx->last[0];
            i = k + 1;
            if (lx->state == LEX_END_TAG || (lx->state == LEX_PI && b1 == '?') ||
                (lx->state == LEX_COMMENT && b1 == '-' && b2 == '-') ||
                (lx->state == LEX_CDATA && b1 == ']' && b2 == ']'))
                lx->state = LEX_TEXT;
            break;
        }
        case LEX_TAG:
            for (; i < n; i++) {
                c = p[i];
                if (c == '"' || c == '\'' || c == '>' || c == '<')
                    break;
                if (c == '=' && ++lx->attributes > MERIT_XML_MAX_ATTRIBUTES) {
                    lx->state = LEX_OFF;
                    return i;
                }
            }
            if (i == n)
                break;
            if (c == '>') {
                lx->state = LEX_TEXT;
            } else if (c == '<') {
                lx->tag = off + i; /* not well-formed: libxml2 says so */
                lx->state = LEX_LT;
            } else {
                lx->quote = c;
                lx->state = LEX_VALUE;
            }
            i++;
            break;
        case LEX_VALUE: {
            const unsigned char *q = memchr(p + i, lx->quote, n - i);
            i = q != NULL ? (size_t)(q - p) + 1 : n;
            if (q != NULL)
                lx->state = LEX_TAG;
            break;
        }
        case LEX_OFF:
            break;
        }
    }
    if (n >= 2) {
        lx->last[0] = p[n - 2];
        lx->last[1] = p[n - 1];
    } else if (n == 1) {
        lx->last[0] = lx->last[1];
        lx->last[1] = p[0];
    }
    return n;
}

/* The name after the '<' at file offset at, for a message: its length
 * (up to 100 bytes) and *name pointing at it; 0 when not held. */
static size_t name_after(const struct merit_xml_doc *doc, size_t at, const unsigned char **name)
{
    size_t from, len;
    const unsigned char *buf = merit__xml_held(doc, at, &from, &len);
    if (buf == NULL)
        return 0;
    size_t i = at - from + 1, n = 0;
    while (i + n < len && n < 100 && !merit__xml_is_name_end(buf[i + n]))
        n++;
    *name = buf + i;
    return n;
}

/* Something that ends the reading of a file (a limit passed, a NUL byte,
 * the file cut short): reported, and the reading stops, since what follows
 * would only be libxml2's complaints about the rest. Shown even past the
 * 'diagnostics' limit: it says why the reading ended, and there is one at
 * most. */
static void reading_ends(struct parse_state *st, merit_diag_kind kind, merit_loc loc,
                         const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void reading_ends(struct parse_state *st, merit_diag_kind kind, merit_loc loc,
                         const char *fmt, ...)
{
    bool in_file = st->ctx->in_file;
    st->ctx->in_file = false;
    va_list ap;
    va_start(ap, fmt);
    merit__vdiag(st->ctx, MERIT_SEVERITY_ERROR, kind, loc.file, loc.line, loc.column, fmt, ap);
    va_end(ap);
    st->ctx->in_file = in_file;
    st->errors = true;
    st->limit |= kind == MERIT_DIAG_LIMIT;
    stop(st);
}

#define reading_limit(st, loc, ...) reading_ends((st), MERIT_DIAG_LIMIT, (loc), __VA_ARGS__)

/* The lexer found a start tag with too many attributes. */
static void too_many_attributes(struct parse_state *st)
{
    const unsigned char *name = NULL;
    size_t n = name_after(st->doc, st->lexer.tag, &name);
    reading_limit(st, merit__xml_offset_loc(st->doc, st->lexer.tag),
                  "element '%.*s' has more than %d attributes, the most merit reads on one "
                  "element",
                  (int)n, n > 0 ? (const char *)name : "", MERIT_XML_MAX_ATTRIBUTES);
}

/* Where the text that starts at ch begins in the file: in libxml2's input
 * buffer, or just read from the file when libxml2 copied it. */
static size_t text_offset(xmlParserCtxtPtr ctxt, const xmlChar *ch, int len)
{
    xmlParserInputPtr in = ctxt->input;
    uintptr_t p = (uintptr_t)ch;
    if (in != NULL && in->base != NULL && p >= (uintptr_t)in->base && p < (uintptr_t)in->end)
        return (size_t)in->consumed + (size_t)(p - (uintptr_t)in->base);
    long now = xmlByteConsumed(ctxt);
    return now > len ? (size_t)(now - len) : 0;
}

/* Text, CDATA sections included (XML_PARSE_NOCDATA): libxml2 joins the
 * pieces of one text node and stops at MERIT_XML_MAX_TEXT bytes with an
 * error that says "out of memory" (XML_ERR_NO_MEMORY, "xmlSAX2Characters:
 * huge text node"). Counted here first, so that it is this file's limit,
 * said as one, and a real allocation failure stays one. */
static void characters(void *user, const xmlChar *ch, int len)
{
    xmlParserCtxtPtr ctxt = user;
    struct parse_state *st = ctxt->_private;
    if (st->text_bytes == 0)
        st->text_start = text_offset(ctxt, ch, len);
    if (len > 0 && (size_t)len > MERIT_XML_MAX_TEXT - st->text_bytes) {
        xmlNodePtr node = ctxt->node;
        merit_loc loc = merit__xml_offset_loc(st->doc, st->text_start);
        if (loc.line == 0)
            loc = merit__xml_loc(st->doc, node, NULL);
        reading_limit(st, loc, "text of element '%s' longer than %u bytes (the XML parser's limit)",
                      node != NULL ? (const char *)node->name : "?", MERIT_XML_MAX_TEXT);
        return;
    }
    st->text_bytes += (size_t)(len > 0 ? len : 0);
    xmlSAX2Characters(user, ch, len);
}

/* A comment or processing instruction ends a text node; so do tags. */
static void comment(void *user, const xmlChar *value)
{
    ((struct parse_state *)((xmlParserCtxtPtr)user)->_private)->text_bytes = 0;
    xmlSAX2Comment(user, value);
}

/* libxml2 keeps every name of a file (elements, attributes, prefixes,
 * processing-instruction targets) in a dictionary whose hash table stops
 * growing at a fixed size: a file of a million different names took 41 s
 * (xmllint 33 s). merit's formats use fewer than 200; more than
 * MERIT_XML_MAX_NAMES is refused, at the start tag or processing
 * instruction that passes it. */
static bool too_many_names(struct parse_state *st)
{
    return xmlDictSize(st->ctxt->dict) > MERIT_XML_MAX_NAMES;
}

static void names_refused(struct parse_state *st, merit_loc loc)
{
    reading_limit(st, loc, "more than %d different names in the file, the most merit reads",
                  MERIT_XML_MAX_NAMES);
}

static void processing_instruction(void *user, const xmlChar *target, const xmlChar *data)
{
    xmlParserCtxtPtr ctxt = user;
    struct parse_state *st = ctxt->_private;
    st->text_bytes = 0;
    if (too_many_names(st)) {
        merit_loc loc = {st->doc->path, ctxt->input != NULL ? (uint32_t)ctxt->input->line : 0, 0};
        names_refused(st, loc);
        return;
    }
    xmlSAX2ProcessingInstruction(user, target, data);
}

static void doctype_rejected(void *user, const xmlChar *name, const xmlChar *external_id,
                             const xmlChar *system_id)
{
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
            loc = merit__xml_offset_loc(doc, doc->base + i);
            break;
        }
    if (name != NULL && strcasecmp((const char *)name, "html") == 0)
        merit__error_at(st->ctx, loc, "not a merit file: this is an HTML page");
    else
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
    {"call", MERIT_SCHEMA_CALL, NULL},
    {"rubric", MERIT_SCHEMA_RUBRIC, NULL},
    {"proposal", MERIT_SCHEMA_PROPOSAL, NULL},
    {"proposals", MERIT_SCHEMA_PROPOSAL, "proposal"},
    {"sheet", MERIT_SCHEMA_SHEET, NULL},
    {"sheets", MERIT_SCHEMA_SHEET, "sheet"},
    {"moderation", MERIT_SCHEMA_MODERATION, NULL},
};

static bool is_bundle_name(const char *name)
{
    for (size_t k = 0; k < sizeof(roots) / sizeof(roots[0]); k++)
        if (roots[k].record != NULL && strcmp(roots[k].name, name) == 0)
            return true;
    return false;
}

/* Whether name is that of a single record of kind (any kind for
 * MERIT_SCHEMA_COUNT). */
static bool is_record_name(const char *name, merit_schema_kind kind)
{
    for (size_t k = 0; k < sizeof(roots) / sizeof(roots[0]); k++)
        if (roots[k].record == NULL && strcmp(roots[k].name, name) == 0 &&
            (kind == MERIT_SCHEMA_COUNT || roots[k].kind == kind))
            return true;
    return false;
}

/* The kinds of root each place takes: a record, or a bundle of them. */
static const char *const wanted[MERIT_SCHEMA_COUNT] = {
    "a <call>", "a <rubric>", "a <proposal> or <proposals> bundle", "a <sheet> or <sheets> bundle",
    "a <moderation>"};

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
    if (!ours && strcasecmp(name, "html") == 0) {
        merit__error_at(st->ctx, loc, "not a merit file: this is an HTML page (root element '%s')",
                        name);
        return false;
    }
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
    st->kind = s->found;
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
    st->text_bytes = 0;
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
    if (too_many_names(st)) {
        names_refused(st, merit__xml_loc(doc, node, NULL));
        return;
    }
    if (depth == 1)
        st->root_seen = true;
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
    st->text_bytes = 0;
    xmlSAX2EndElementNs(user, localname, prefix, uri);
    if (st->record == NULL || node == NULL || ctxt->nodeNr != 1)
        return;
    /* a child of a bundle's root has ended */
    st->open_child = SIZE_MAX;
    if (!merit__xml_is(node, st->record))
        return; /* kept: the root's check reports it */
    size_t errors_before = st->ctx->error_count;
    int valid = xmlSchemaValidateOneElement(st->record_validator, node);
    merit_xml_record_fn hand = NULL;
    if (valid != 0) {
        if (st->ctx->out_of_memory) {
            stop(st);
        } else if (st->ctx->error_count == errors_before) {
            merit_loc loc = merit__xml_loc(st->doc, node, NULL);
            merit__error_at(st->ctx, loc, "does not match the %s schema",
                            merit__schema_name(st->stream->found));
        }
        st->errors = true;
        hand = st->stream->on_invalid;
    } else if (!st->errors && st->record_rc != MERIT_ENOMEM) {
        hand = st->stream->on_record;
        st->stream->records++;
    } else {
        hand = st->stream->on_invalid; /* valid, but the file is not */
    }
    if (hand != NULL && !st->ctx->out_of_memory && st->record_rc != MERIT_ENOMEM) {
        int rc = hand(st->stream->user, st->doc, node);
        if (rc != 0 && (st->record_rc == 0 || rc == MERIT_ENOMEM))
            st->record_rc = rc;
        if (rc == MERIT_ENOMEM)
            stop(st);
    }
    drop_before(st, node);
    xmlUnlinkNode(node);
    xmlFreeNode(node);
}

/* What bytes that are not XML look like: a known file type by its first
 * bytes, plain text, or binary data. */
static const char *looks_like(const unsigned char *p, size_t n)
{
    static const struct {
        const char *magic;
        size_t len;
        const char *what;
    } types[] = {
        {"%PDF-", 5, "a PDF document"},
        {"PK\x03\x04", 4, "a ZIP archive (as a .docx, .xlsx or .odt file is)"},
        {"\x1f\x8b", 2, "gzip-compressed data"},
        {"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, "an old Microsoft Office document (.doc, .xls)"},
        {"{\\rtf", 5, "an RTF document"},
        {"\x89PNG", 4, "a PNG image"},
        {"\xff\xd8\xff", 3, "a JPEG image"},
        {"GIF8", 4, "a GIF image"},
        {"BZh", 3, "bzip2-compressed data"},
        {"\xfd"
         "7zXZ",
         5, "xz-compressed data"},
        {"7z\xbc\xaf\x27\x1c", 6, "a 7-Zip archive"},
        {"\x7f"
         "ELF",
         4, "a program"},
    };
    for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++)
        if (n >= types[k].len && memcmp(p, types[k].magic, types[k].len) == 0)
            return types[k].what;
    if (n > 512)
        n = 512;
    size_t i = 0;
    while (i < n && merit__xml_is_space(p[i]))
        i++;
    if (i < n && p[i] == '{')
        return "JSON data";
    /* text: UTF-8 with no control character but white space (a sequence cut
     * at the end of the sample counts as text) */
    while (i < n) {
        unsigned char c = p[i];
        size_t len = c < 0x80                 ? 1
                     : c >= 0xC2 && c <= 0xDF ? 2
                     : c >= 0xE0 && c <= 0xEF ? 3
                     : c >= 0xF0 && c <= 0xF4 ? 4
                                              : 0;
        if (len == 0 || (c < 0x20 && !merit__xml_is_space(c)) || c == 0x7F)
            return "binary data";
        for (size_t k = 1; k < len && i + k < n; k++)
            if ((p[i + k] & 0xC0) != 0x80)
                return "binary data";
        i += len;
    }
    return "plain text";
}

/* The kind of markup that starts at p (its first bytes, n of them). */
static const char *markup_at(const unsigned char *p, size_t n)
{
    if (n >= 4 && memcmp(p, "<!--", 4) == 0)
        return "comment";
    if (n >= 9 && memcmp(p, "<![CDATA[", 9) == 0)
        return "CDATA section";
    if (n >= 2 && memcmp(p, "<?", 2) == 0)
        return "processing instruction";
    if (n >= 2 && memcmp(p, "</", 2) == 0)
        return "end tag";
    if (n >= 2 && memcmp(p, "<!", 2) == 0)
        return "declaration";
    if (n >= 1 && p[0] == '<')
        return "start tag";
    return NULL;
}

/* The last `open` at or before cur in libxml2's buffer [base, end). */
static const xmlChar *find_back(const xmlChar *base, const xmlChar *cur, const xmlChar *end,
                                const char *open)
{
    size_t n = strlen(open);
    size_t i = (size_t)(cur - base) + 1;
    while (i > 0) {
        const xmlChar *lt = memrchr(base, open[0], i);
        if (lt == NULL)
            return NULL;
        if ((size_t)(end - lt) >= n && memcmp(lt, open, n) == 0)
            return lt;
        i = (size_t)(lt - base);
    }
    return NULL;
}

/* libxml2's limits (parserInternals.h) on a name, and on anything the
 * parser holds whole: a start tag, an attribute value, a comment, a
 * processing instruction, a CDATA section. A construct over 10,000,000
 * bytes that is still open when a chunk is read gives "Huge input lookup"
 * (XML_ERR_INTERNAL_ERROR) with the parser at its start (in a CDATA section,
 * part way); one that closed in the last chunk gives the construct's own
 * "too long"/"too big" error. Either becomes the file's limit diagnostic,
 * at the construct's start, and the reading stops. Returns false for any
 * other error. (Text has its own count: characters().) */
static bool too_long(struct parse_state *st, const xmlError *err, merit_loc loc)
{
    const char *msg = err->message != NULL ? err->message : "";
    if (err->code == XML_ERR_NAME_TOO_LONG) {
        reading_limit(st, loc, "name longer than %u bytes (the XML parser's limit)",
                      MERIT_XML_MAX_NAME);
        return true;
    }
    bool huge = err->code == XML_ERR_INTERNAL_ERROR && err->str1 != NULL &&
                strcmp(err->str1, "Huge input lookup") == 0;
    const char *open = NULL, *what = NULL;
    if (err->code == XML_ERR_ATTRIBUTE_NOT_FINISHED && strstr(msg, "too long") != NULL)
        open = "<", what = "attribute value";
    else if (err->code == XML_ERR_COMMENT_NOT_FINISHED && strstr(msg, "too big") != NULL)
        open = "<!--", what = "comment";
    else if (err->code == XML_ERR_PI_NOT_FINISHED && strstr(msg, "too big") != NULL)
        open = "<?", what = "processing instruction";
    else if (err->code == XML_ERR_CDATA_NOT_FINISHED && strstr(msg, "too big") != NULL)
        open = "<![CDATA[", what = "CDATA section";
    else if (!huge)
        return false;
    xmlParserCtxtPtr ctxt = st->ctxt;
    xmlParserInputPtr in = ctxt->input;
    const xmlChar *start = NULL;
    if (in != NULL && in->base != NULL && in->cur != NULL && in->end != NULL &&
        in->cur <= in->end) {
        if (huge && ctxt->instate == XML_PARSER_CDATA_SECTION)
            open = "<![CDATA[", what = "CDATA section";
        else if (huge)
            what = markup_at(in->cur, (size_t)(in->end - in->cur));
        if (open != NULL)
            start = find_back(in->base, in->cur < in->end ? in->cur : in->end - 1, in->end, open);
        else if (what != NULL)
            start = in->cur;
    }
    if (start != NULL) {
        merit_loc at =
            merit__xml_offset_loc(st->doc, (size_t)in->consumed + (size_t)(start - in->base));
        if (at.line != 0)
            loc = at;
    }
    if (what != NULL && (strcmp(what, "start tag") == 0 || strcmp(what, "attribute value") == 0) &&
        start != NULL) {
        size_t n = 0;
        while (start + 1 + n < in->end && n < 100 && !merit__xml_is_name_end(start[1 + n]))
            n++;
        reading_limit(st, loc, "%s of element '%.*s' longer than %u bytes (the XML parser's limit)",
                      what, (int)n, (const char *)start + 1, MERIT_XML_MAX_TEXT);
    } else {
        reading_limit(st, loc, "%s longer than %u bytes (the XML parser's limit)",
                      what != NULL ? what : "markup", MERIT_XML_MAX_TEXT);
    }
    return true;
}

/* libxml2's complaints when told the file has ended while merit's lexer
 * is inside some markup ("Couldn't find end of Start Tag", "Comment not
 * terminated", ...) are about a file cut short: said so once, at the
 * markup's start. */
static bool cut_short(struct parse_state *st, merit_loc loc)
{
    static const char *const inside[] = {
        [LEX_LT] = "a tag",
        [LEX_BANG] = "a declaration",
        [LEX_COMMENT] = "a comment",
        [LEX_CDATA] = "a CDATA section",
        [LEX_PI] = "a processing instruction",
        [LEX_END_TAG] = "an end tag",
        [LEX_TAG] = "a start tag",
        [LEX_VALUE] = "an attribute value",
    };
    enum lex_state state = st->lexer.state;
    if (!st->terminating || state == LEX_TEXT || state == LEX_OFF)
        return false;
    merit_loc at = merit__xml_offset_loc(st->doc, st->lexer.tag);
    if (at.line == 0 || loc.line < at.line || (loc.line == at.line && loc.column < at.column))
        return false; /* about something before the markup */
    xmlParserCtxtPtr ctxt = st->ctxt;
    int depth = ctxt->nodeNr;
    xmlNodePtr open = depth > 0 ? ctxt->nodeTab[depth - 1] : NULL;
    if (open != NULL && ((uintptr_t)open->_private & 0xFFFFFFFFu) == st->lexer.tag + 1)
        open = depth > 1 ? ctxt->nodeTab[depth - 2] : NULL; /* the cut tag's own element */
    if (open != NULL && open->type == XML_ELEMENT_NODE) {
        merit_loc o = merit__xml_loc(st->doc, open, NULL);
        reading_ends(st, MERIT_DIAG_INVALID, at,
                     "the file ends inside %s, before element '%s' (opened at line %u, column "
                     "%u) is closed: is it cut short?",
                     inside[state], (const char *)open->name, o.line, o.column);
    } else {
        reading_ends(st, MERIT_DIAG_INVALID, at, "the file ends inside %s: is it cut short?",
                     inside[state]);
    }
    return true;
}

/* libxml2's first words about a file that is not XML, is cut short, or
 * holds no element say what the parser was doing ("Document is empty",
 * "Extra content at the end of the document"), not what is wrong with the
 * file: said here in words about the file. NULL: libxml2's words do. */
static char *plain_words(struct parse_state *st, const xmlError *err)
{
    xmlParserCtxtPtr ctxt = st->ctxt;
    xmlParserInputPtr in = ctxt->input;
    const xmlChar *cur = in != NULL ? in->cur : NULL;
    size_t avail = cur != NULL && in->end != NULL && in->end > cur ? (size_t)(in->end - cur) : 0;
    if (err->code == XML_ERR_DOCUMENT_EMPTY) {
        size_t i = 0;
        while (i < avail && merit__xml_is_space(cur[i]))
            i++;
        if (i == avail)
            return merit__strdup("no element in the file: it holds only white space");
        const char *what = looks_like(cur + i, avail - i);
        if (strcmp(what, "plain text") == 0)
            return merit__strdup(
                "not an XML file: it holds plain text (an XML file starts with '<')");
        if (strcmp(what, "binary data") == 0)
            return merit__strdup("not an XML file: it holds binary data");
        return merit__sprintf("not an XML file: it looks like %s", what);
    }
    if (err->code != XML_ERR_DOCUMENT_END)
        return NULL;
    xmlNodePtr open = ctxt->nodeNr > 0 ? ctxt->node : NULL;
    if (open != NULL && open->type == XML_ELEMENT_NODE) {
        /* cut short: where the parser waits says what the file ends in */
        const char *in_markup = markup_at(cur, avail);
        merit_loc at = merit__xml_loc(st->doc, open, NULL);
        char where[64] = "";
        if (at.line != 0 && at.column != 0)
            snprintf(where, sizeof(where), " (opened at line %u, column %u)", at.line, at.column);
        else if (at.line != 0)
            snprintf(where, sizeof(where), " (opened at line %u)", at.line);
        if (in_markup != NULL)
            return merit__sprintf(
                "the file ends inside a %s, before element '%s'%s is closed: is it "
                "cut short?",
                in_markup, (const char *)open->name, where);
        return merit__sprintf("the file ends before element '%s'%s is closed: is it cut short?",
                              (const char *)open->name, where);
    }
    if (!st->root_seen)
        return merit__strdup("no element in the file: it ends before its root element starts");
    xmlNodePtr root = ctxt->myDoc != NULL ? xmlDocGetRootElement(ctxt->myDoc) : NULL;
    if (root == NULL)
        return NULL;
    return merit__sprintf("content after the end of root element '%s': a file holds one root "
                          "element%s",
                          (const char *)root->name,
                          merit__xml_is(root, "proposal") ? " (several proposals go in a "
                                                            "<proposals> bundle)"
                          : merit__xml_is(root, "sheet")  ? " (several sheets go in a <sheets> "
                                                            "bundle)"
                                                          : "");
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
    const char *ch = strstr(msg, "Char 0x");
    if (ch != NULL && strstr(msg, "out of allowed range") != NULL) {
        char *end;
        errno = 0;
        unsigned long code = strtoul(ch + 7, &end, 16);
        if (end != ch + 7 && errno == 0)
            return code == 0 ? merit__strdup("a NUL byte (0x00), which XML never allows: is the "
                                             "file binary, or UTF-16?")
                             : merit__sprintf("character 0x%lX is not allowed in XML", code);
    }
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
    merit_loc loc = {st->doc->path, err->line > 0 ? (uint32_t)err->line : 0,
                     err->int2 > 0 ? (uint32_t)err->int2 : 0};
    if (too_long(st, err, loc) || cut_short(st, loc))
        return;
    merit_severity sev =
        err->level == XML_ERR_WARNING ? MERIT_SEVERITY_WARNING : MERIT_SEVERITY_ERROR;
    if (sev == MERIT_SEVERITY_ERROR)
        st->errors = true;
    if (merit__diag_full(st->ctx)) {
        merit__diag(st->ctx, sev, MERIT_DIAG_INVALID, loc.file, 0, 0, "%s", "");
        return;
    }
    char *msg = plain_words(st, err);
    if (msg == NULL)
        msg = tidy_message(err->message ? err->message : "malformed XML");
    if (msg == NULL) {
        merit__oom(st->ctx);
        return;
    }
    merit__diag(st->ctx, sev, MERIT_DIAG_INVALID, loc.file, loc.line, loc.column, "%s", msg);
    free(msg);
    if (err->code == XML_ERR_DOCUMENT_EMPTY)
        stop(st); /* not XML: the rest would only be noise */
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
    if (merit__diag_full(st->ctx)) {
        /* only counted: no place worked out, no words */
        merit__diag(st->ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, st->doc->path, 0, 0, "%s",
                    "");
        return;
    }
    /* merit's own words, from the schema; else libxml2's, tidied */
    char attr[128] = "";
    char *msg = NULL;
    const xmlNode *node = err->node;
    int words = merit__schema_words(st->kind, err, &msg, &node, attr, sizeof(attr));
    if (words == 1) {
        msg = tidy_message(err->message ? err->message : "invalid");
        /* "element 'x', attribute 'y': ..." names the attribute */
        const char *a = msg != NULL ? strstr(msg, "', attribute '") : NULL;
        if (a != NULL) {
            a += strlen("', attribute '");
            size_t n = strcspn(a, "'");
            if (n < sizeof(attr)) {
                memcpy(attr, a, n);
                attr[n] = '\0';
            }
        }
    }
    if (msg == NULL) {
        merit__oom(st->ctx);
        return;
    }
    merit_loc loc = {st->doc->path, err->line > 0 ? (uint32_t)err->line : 0, 0};
    if (node != NULL && node->type == XML_ELEMENT_NODE) {
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
    /* No file name: the document then has no URL, and libxml2 raising an
     * error about a node does not walk back over every node before it
     * looking for XInclude markers (__xmlRaiseError, quadratic in the
     * elements of a file with an error in each). merit names the file
     * itself. */
    xmlParserCtxtPtr ctxt = xmlCreatePushParserCtxt(NULL, NULL, NULL, 0, NULL);
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
    /* libxml2 looks for ignorable white space only when the two differ */
    if (ctxt->sax->ignorableWhitespace == ctxt->sax->characters)
        ctxt->sax->ignorableWhitespace = characters;
    ctxt->sax->characters = characters;
    ctxt->sax->comment = comment;
    ctxt->sax->processingInstruction = processing_instruction;
    st->ctxt = ctxt;
    st->open_child = SIZE_MAX;
    return ctxt;
}

/* Refuses a file in any encoding but UTF-8 before libxml2 reads it:
 * libxml2 would transcode it (offsets would no longer be the file's), or
 * fail with words about bytes and no place. UTF-16 and UTF-32 show by a
 * byte-order mark, or by the NUL bytes around the first character (an XML
 * file starts with '<' or white space, both ASCII); EBCDIC by "<?xm" in
 * it; any other by the encoding its XML declaration names. */
static int refuse_encoding(merit_ctx *ctx, struct merit_xml_doc *doc)
{
    const unsigned char *b = doc->bytes;
    size_t n = doc->size;
    merit_loc first = {doc->path, 1, 1};
    const char *wide = NULL;
    if (n >= 4 && memcmp(b, "\x00\x00\xFE\xFF", 4) == 0)
        wide = "UTF-32";
    else if (n >= 4 && memcmp(b, "\xFF\xFE\x00\x00", 4) == 0)
        wide = "UTF-32";
    else if (n >= 2 && ((b[0] == 0xFE && b[1] == 0xFF) || (b[0] == 0xFF && b[1] == 0xFE)))
        wide = "UTF-16";
    else if (n >= 4 &&
             ((b[0] == 0 && b[1] == 0 && b[2] == 0) || (b[1] == 0 && b[2] == 0 && b[3] == 0)))
        wide = "UTF-32 (without a byte-order mark)";
    else if (n >= 2 && (b[0] == 0 || b[1] == 0))
        wide = "UTF-16 (without a byte-order mark)";
    if (wide != NULL)
        return merit__error_at(ctx, first, "the file is %s; merit files must be UTF-8", wide);
    if (n >= 4 && memcmp(b, "\x4C\x6F\xA7\x94", 4) == 0)
        return merit__error_at(ctx, first, "the file is EBCDIC; merit files must be UTF-8");
    /* <?xml version="1.0" encoding="NAME"?>, after a UTF-8 byte-order mark */
    size_t i = n >= 3 && memcmp(b, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    if (n - i < 6 || memcmp(b + i, "<?xml", 5) != 0 || !merit__xml_is_space(b[i + 5]))
        return 0;
    size_t end = i + 5;
    while (end + 1 < n && !(b[end] == '?' && b[end + 1] == '>') && b[end] != '<')
        end++;
    static const char key[] = "encoding";
    for (size_t k = i + 5; k + sizeof(key) - 1 < end; k++) {
        if (!merit__xml_is_space(b[k - 1]) || memcmp(b + k, key, sizeof(key) - 1) != 0)
            continue;
        size_t v = k + sizeof(key) - 1;
        while (v < end && merit__xml_is_space(b[v]))
            v++;
        if (v >= end || b[v++] != '=')
            return 0;
        while (v < end && merit__xml_is_space(b[v]))
            v++;
        if (v >= end || (b[v] != '"' && b[v] != '\''))
            return 0;
        const unsigned char *close = memchr(b + v + 1, b[v], end - v - 1);
        if (close == NULL)
            return 0; /* libxml2 says what is wrong */
        size_t len = (size_t)(close - (b + v + 1));
        if ((len == 5 && strncasecmp((const char *)b + v + 1, "UTF-8", 5) == 0) ||
            (len == 4 && strncasecmp((const char *)b + v + 1, "UTF8", 4) == 0))
            return 0;
        merit_loc at = {doc->path, 1, 1};
        merit__xml_advance(b, v + 1, &at.line, &at.column);
        if (i == 3)
            at.column--; /* libxml2 does not count the byte-order mark */
        return merit__error_at(ctx, at,
                               "the file declares encoding '%.*s'; merit files must be UTF-8",
                               (int)len, (const char *)b + v + 1);
    }
    return 0;
}

/* Hands n bytes at file offset off to the parser, after the lexer: up to a
 * start tag with too many attributes, which is refused. */
static void parse_bytes(struct parse_state *st, const unsigned char *p, size_t n, size_t off,
                        bool last)
{
    size_t upto = lex(&st->lexer, p, n, off);
    /* a NUL byte: libxml2 stops at it saying something else ("attributes
     * construct error" in a tag) */
    const unsigned char *nul = memchr(p, 0, upto);
    if (nul != NULL)
        upto = (size_t)(nul - p);
    xmlSetStructuredErrorFunc(st, parse_error);
    if (upto > 0)
        xmlParseChunk(st->ctxt, (const char *)p, (int)upto, 0);
    if (last && upto == n && !st->stopped) {
        /* the end apart, so that complaints about it are known as such */
        st->terminating = true;
        xmlParseChunk(st->ctxt, NULL, 0, 1);
        st->terminating = false;
    }
    xmlSetStructuredErrorFunc(NULL, NULL);
    if (upto < n && !st->stopped) {
        if (nul != NULL)
            reading_ends(st, MERIT_DIAG_INVALID, merit__xml_offset_loc(st->doc, off + upto),
                         "a NUL byte (0x00), which XML never allows: is the file binary, or "
                         "UTF-16?");
        else {
            too_many_attributes(st);
        }
    }
}

/* Hands the window's last `fresh` bytes to the parser; for a bundle, then
 * forgets what no record needs any more. */
static void feed(struct parse_state *st, size_t fresh, bool last)
{
    struct merit_xml_doc *doc = st->doc;
    parse_bytes(st, doc->bytes + doc->size - fresh, fresh, doc->base + doc->size - fresh, last);
    if (st->record == NULL || last)
        return;
    size_t keep = st->open_child;
    long consumed = xmlByteConsumed(st->ctxt);
    if (consumed >= 0 && (size_t)consumed < keep)
        keep = (size_t)consumed;
    /* move bytes only when a good part of the window is spent */
    if (keep != SIZE_MAX && keep > doc->base && keep - doc->base >= CHUNK_BYTES / 2)
        merit__xml_window_drop(doc, keep);
}

/* Parses bytes held whole, in the chunks a file is read in: libxml2 then
 * meets its limits the same way whatever the source. */
static void feed_whole(struct parse_state *st)
{
    struct merit_xml_doc *doc = st->doc;
    size_t off = 0;
    do {
        size_t n = doc->size - off < CHUNK_BYTES ? doc->size - off : CHUNK_BYTES;
        parse_bytes(st, doc->bytes + off, n, off, off + n == doc->size);
        off += n;
    } while (off < doc->size && !st->stopped);
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
    if (merit__xml_marks_reserve(ctx, doc, doc->size) != 0)
        return MERIT_ENOMEM;
    if (refuse_encoding(ctx, doc) != 0)
        return MERIT_EINVALID;
    if (doc->size > (size_t)INT32_MAX)
        return merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_LIMIT, doc->path, 0, 0,
                           "file is larger than 2 GiB");
    struct parse_state st = {.ctx = ctx, .doc = doc};
    if (new_parser(&st) == NULL)
        return merit__oom(ctx);
    feed_whole(&st);
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
    st->kind = kind;
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
    /* the bundle's root is checked whenever the file was read whole and
     * well-formed, even after a record's error: what stands between its
     * records is a problem of its own, said in the same run */
    bool whole = st->doc->doc != NULL && st->ctxt->wellFormed && !st->stopped &&
                 !st->doctype_seen && !st->limit && !st->ctx->out_of_memory;
    if (s->bundle && whole && (rc == 0 || rc == MERIT_EINVALID)) {
        int records_rc = rc;
        rc = 0;
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
        if (rc != MERIT_ENOMEM && records_rc != 0)
            rc = records_rc;
    } else if (rc == 0 && !s->bundle) {
        rc = validate_doc(st, s->found);
        if (rc == 0) {
            s->file_ok = s->all_seen = true;
            s->records = 1;
            return s->on_record(s->user, st->doc, xmlDocGetRootElement(st->doc->doc));
        }
    }
    xmlNodePtr root = st->doc->doc != NULL ? xmlDocGetRootElement(st->doc->doc) : NULL;
    if (s->bundle) {
        /* the parser stops at the first error of well-formedness: records
         * after it are unknown */
        s->all_seen = st->ctxt->wellFormed && !st->stopped && !st->doctype_seen;
    } else if (root != NULL && st->root_seen) {
        /* read far enough to know the root: one record (in whatever
         * namespace), or no record of this kind; a bundle refused at its
         * root hides its records */
        s->all_seen = !is_bundle_name((const char *)root->name);
        if (rc != 0 && rc != MERIT_ENOMEM && s->on_invalid != NULL &&
            is_record_name((const char *)root->name, s->kind)) {
            int one = s->on_invalid(s->user, st->doc, root);
            if (one == MERIT_ENOMEM)
                rc = one;
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
    s->all_seen = false;
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
    int fd = open_input(ctx, path, false, &expected, &rc, why_out);
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

static int stream_file(merit_ctx *ctx, const char *path, struct merit_xml_stream *stream)
{
    stream_init(stream);
    uint64_t expected = 0;
    int rc = 0;
    int fd = open_input(ctx, path, stream->named, &expected, &rc, &stream->unread);
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
            merit__xml_window_drop(&doc, doc.base + doc.size); /* the rest is only hashed */
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
        if ((rc = merit__xml_marks_reserve(ctx, &doc, total)) != 0)
            goto done;
        if (st.ctxt == NULL) {
            /* the first bytes */
            hash_the_rest = true;
            if (total == 0) {
                rc = merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path, 0, 0,
                                 "file is empty");
                goto done;
            }
            if ((rc = refuse_encoding(ctx, &doc)) != 0)
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

static int stream_bytes(merit_ctx *ctx, const char *path, const unsigned char *bytes, size_t size,
                        struct merit_xml_stream *stream)
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
    int rc = merit__xml_marks_reserve(ctx, &doc, size);
    if (rc == 0)
        rc = refuse_encoding(ctx, &doc);
    if (rc == 0 && new_parser(&st) == NULL)
        rc = merit__oom(ctx);
    if (rc == 0) {
        feed_whole(&st);
        rc = stream_finish(&st);
    }
    parse_state_release(&st);
    merit__xml_doc_release(&doc);
    return rc;
}

/* The diagnostics of one file, while it is read, are capped (the
 * 'diagnostics' limit); the loaders' checks of its records run inside. */
int merit__xml_stream_file(merit_ctx *ctx, const char *path, struct merit_xml_stream *stream)
{
    struct merit_diag_file saved = merit__diag_file_begin(ctx);
    int rc = stream_file(ctx, path, stream);
    merit__diag_file_end(ctx, path, saved);
    return rc;
}

int merit__xml_stream_bytes(merit_ctx *ctx, const char *path, const unsigned char *bytes,
                            size_t size, struct merit_xml_stream *stream)
{
    struct merit_diag_file saved = merit__diag_file_begin(ctx);
    int rc = stream_bytes(ctx, path, bytes, size, stream);
    merit__diag_file_end(ctx, path, saved);
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
    while (merit__xml_is_space((unsigned char)*v))
        v++;
    size_t n = strlen(v);
    while (n > 0 && merit__xml_is_space((unsigned char)v[n - 1]))
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
            if (merit__xml_is_space(*p)) {
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
    while (o > 0 && merit__xml_is_space((unsigned char)out[o - 1]))
        o--;
    /* a subject's spare bytes are all zero, those the trimming freed too */
    memset(out + o, 0, total + 1 + pad - o);
    return out;
}
