/* Places in a file being read: line and column of any offset still held,
 * in time linear in the file (a forward pass leaves a mark every
 * MERIT_XML_MARK_STEP bytes; a place costs at most that many bytes of
 * counting), and the places of a start tag's attributes. See xml_input.h. */
#define _GNU_SOURCE /* memrchr */
#include <string.h>

#include "xml_input.h"

/* Makes room for the marks of a file held up to offset end. */
int merit__xml_marks_reserve(merit_ctx *ctx, struct merit_xml_doc *doc, size_t end)
{
    size_t need = end / MERIT_XML_MARK_STEP + 1;
    if (need <= doc->mark_cap)
        return 0;
    size_t cap = doc->mark_cap * 2 > need ? doc->mark_cap * 2 : need;
    struct merit_xml_mark *m = merit__realloc(doc->marks, cap * sizeof(*m));
    if (m == NULL)
        return merit__oom(ctx);
    if (doc->mark_cap == 0)
        m[0] = (struct merit_xml_mark){1, 1};
    doc->marks = m;
    doc->mark_cap = cap;
    return 0;
}

/* The held bytes around file offset off: *from is the offset of the
 * returned buffer's first byte and *len its length. NULL when the offset is
 * no longer held. */
const unsigned char *merit__xml_held(const struct merit_xml_doc *doc, size_t off, size_t *from,
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

/* Moves *line and *column over n bytes. */
void merit__xml_advance(const unsigned char *p, size_t n, uint32_t *line, uint32_t *column)
{
    const unsigned char *end = p + n, *last_nl = NULL;
    for (const unsigned char *q = p; (q = memchr(q, '\n', (size_t)(end - q))) != NULL; q++) {
        ++*line;
        last_nl = q;
    }
    if (last_nl != NULL)
        *column = 1 + count_chars(last_nl + 1, (size_t)(end - (last_nl + 1)));
    else
        *column += count_chars(p, n);
}

/* Moves the forward pass to offset to (held in the window), recording the
 * marks it passes. */
static void scan_to(struct merit_xml_doc *doc, size_t to)
{
    while (doc->scan < to) {
        size_t next = (doc->scan / MERIT_XML_MARK_STEP + 1) * MERIT_XML_MARK_STEP;
        size_t end = next < to ? next : to;
        merit__xml_advance(doc->bytes + (doc->scan - doc->base), end - doc->scan, &doc->scan_line,
                           &doc->scan_column);
        doc->scan = end;
        if (end == next && end / MERIT_XML_MARK_STEP < doc->mark_cap)
            doc->marks[end / MERIT_XML_MARK_STEP] =
                (struct merit_xml_mark){doc->scan_line, doc->scan_column};
    }
}

/* Line and column of a held offset; false when it is not held. Costs the
 * bytes from the nearest mark, or moves the forward pass. */
static bool place_at(struct merit_xml_doc *doc, size_t off, uint32_t *line, uint32_t *column)
{
    size_t from, len;
    const unsigned char *buf = merit__xml_held(doc, off, &from, &len);
    if (buf == NULL || doc->mark_cap == 0)
        return false;
    if (off >= doc->scan) {
        /* held and not before the pass: in the window, which the pass never
         * leaves behind */
        scan_to(doc, off);
        *line = doc->scan_line;
        *column = doc->scan_column;
        return true;
    }
    size_t start = off / MERIT_XML_MARK_STEP * MERIT_XML_MARK_STEP;
    struct merit_xml_mark m = doc->marks[off / MERIT_XML_MARK_STEP];
    if (start < from) {
        /* the mark's bytes are gone from the window: start at its base */
        start = doc->base;
        m = (struct merit_xml_mark){doc->base_line, doc->base_column};
    }
    merit__xml_advance(buf + (start - from), off - start, &m.line, &m.column);
    *line = m.line;
    *column = m.column;
    return true;
}

/* The column of a held offset (0 when it is not held): from the line's
 * start when it is near, else from a mark. */
static uint32_t column_of(struct merit_xml_doc *doc, size_t off)
{
    size_t from, len;
    const unsigned char *buf = merit__xml_held(doc, off, &from, &len);
    if (buf == NULL)
        return 0;
    size_t i = off - from;
    size_t lo = i > MERIT_XML_MARK_STEP ? i - MERIT_XML_MARK_STEP : 0;
    const unsigned char *nl = memrchr(buf + lo, '\n', i - lo);
    if (nl != NULL)
        return 1 + count_chars(nl + 1, (size_t)(buf + i - (nl + 1)));
    if (lo == 0 && from == 0)
        return 1 + count_chars(buf, i); /* the file's first line */
    uint32_t line, column;
    return place_at(doc, off, &line, &column) ? column : 0;
}

/* Line and column of a held offset, for the places no start tag records
 * (a DOCTYPE, a piece of text, a tag merit refuses before libxml2 reads
 * it); 0:0 when it is not held. */
merit_loc merit__xml_offset_loc(struct merit_xml_doc *doc, size_t off)
{
    merit_loc loc = {doc->path, 0, 0};
    if (!place_at(doc, off, &loc.line, &loc.column))
        loc.line = loc.column = 0;
    return loc;
}

/* Reads the attributes of the start tag at offset `at` (its '<') into
 * doc->attrs, once: the diagnostics of one element come together. */
static void read_attributes(struct merit_xml_doc *doc, size_t at)
{
    if (doc->attr_tag == at + 1)
        return;
    doc->attr_tag = at + 1;
    doc->attr_count = 0;
    size_t from, len;
    const unsigned char *buf = merit__xml_held(doc, at, &from, &len);
    if (buf == NULL)
        return;
    size_t i = at - from + 1;
    while (i < len && !merit__xml_is_name_end(buf[i]))
        i++;
    uint32_t lines = 0;
    while (i < len && doc->attr_count < MERIT_XML_MAX_ATTRIBUTES) {
        while (i < len && merit__xml_is_space(buf[i]))
            lines += buf[i++] == '\n';
        if (i >= len || buf[i] == '>' || buf[i] == '/')
            return;
        size_t name = i;
        while (i < len && !merit__xml_is_space(buf[i]) && buf[i] != '=' && buf[i] != '>' &&
               buf[i] != '/')
            i++;
        doc->attrs[doc->attr_count++] = (struct merit_xml_attr_place){from + name, i - name, lines};
        while (i < len && merit__xml_is_space(buf[i]))
            lines += buf[i++] == '\n';
        if (i >= len || buf[i] != '=')
            return; /* not well-formed: libxml2 says so */
        i++;
        while (i < len && merit__xml_is_space(buf[i]))
            lines += buf[i++] == '\n';
        if (i >= len || (buf[i] != '"' && buf[i] != '\''))
            return;
        const unsigned char *close = memchr(buf + i + 1, buf[i], len - i - 1);
        if (close == NULL)
            return;
        for (const unsigned char *q = buf + i + 1; (q = memchr(q, '\n', (size_t)(close - q))); q++)
            lines++;
        i = (size_t)(close - buf) + 1;
    }
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
    if (attr != NULL) {
        read_attributes(doc, at);
        size_t alen = strlen(attr);
        size_t from, len;
        for (size_t k = 0; k < doc->attr_count; k++) {
            const struct merit_xml_attr_place *a = &doc->attrs[k];
            const unsigned char *buf = merit__xml_held(doc, a->name, &from, &len);
            if (buf != NULL && a->name_len == alen && a->name - from + alen <= len &&
                memcmp(buf + (a->name - from), attr, alen) == 0) {
                at = a->name;
                loc.line += a->lines;
                break;
            }
        }
    }
    loc.column = column_of(doc, at);
    return loc;
}

/* Forgets the window's bytes before file offset keep, keeping the line and
 * column of the new base. */
void merit__xml_window_drop(struct merit_xml_doc *doc, size_t keep)
{
    if (keep <= doc->base)
        return;
    size_t n = keep - doc->base;
    if (n > doc->size)
        n = doc->size;
    keep = doc->base + n;
    /* the pass never falls behind the window */
    if (!place_at(doc, keep, &doc->base_line, &doc->base_column))
        return;
    memmove(doc->bytes, doc->bytes + n, doc->size - n);
    doc->size -= n;
    doc->base += n;
}
