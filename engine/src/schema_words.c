/* Schema validity errors in merit's words: see schema_words.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "embedded.h"
#include "schema_words.h"
#include "suggest.h"
#include "xml_input.h"

#define XS_NS "http://www.w3.org/2001/XMLSchema"
#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"

/* The schemas as documents: read once, then only read. */
static xmlDocPtr schema_docs[MERIT_SCHEMA_COUNT];

int merit__schema_words_prepare(merit_ctx *ctx, merit_schema_kind kind)
{
    (void)ctx;
    if (schema_docs[kind] != NULL)
        return 0;
    for (const struct merit_embedded_file *f = merit__embedded_schemas; f->name != NULL; f++)
        if (strcmp(f->name, merit__schema_name(kind)) == 0)
            /* merit's own bytes, compiled in: nothing external to load */
            schema_docs[kind] = xmlReadMemory((const char *)f->bytes, (int)f->size, NULL, NULL,
                                              XML_PARSE_NONET | XML_PARSE_NOBLANKS);
    /* without it, libxml2's own words are tidied instead */
    return 0;
}

/* --- a growing string ------------------------------------------------------ */

struct buf {
    char *p;
    size_t len, cap;
    bool oom;
};

static void put_n(struct buf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;
        char *p = merit__realloc(b->p, cap);
        if (p == NULL) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void put(struct buf *b, const char *s)
{
    put_n(b, s, strlen(s));
}

static void putf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof(small)) {
        put_n(b, small, (size_t)n);
        return;
    }
    char *big = merit__malloc((size_t)n + 1);
    if (big == NULL) {
        b->oom = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    put_n(b, big, (size_t)n);
    free(big);
}

/* --- the schema as a document ---------------------------------------------- */

static bool is_xs(const xmlNode *n, const char *name)
{
    return n != NULL && n->type == XML_ELEMENT_NODE && n->ns != NULL &&
           strcmp((const char *)n->ns->href, XS_NS) == 0 &&
           (name == NULL || strcmp((const char *)n->name, name) == 0);
}

static const xmlNode *xs_next(const xmlNode *n, const char *name)
{
    for (; n != NULL; n = n->next)
        if (is_xs(n, name))
            return n;
    return NULL;
}

static const xmlNode *xs_child(const xmlNode *parent, const char *name)
{
    return parent != NULL ? xs_next(parent->children, name) : NULL;
}

static const char *local_part(const char *qname)
{
    const char *colon = strchr(qname, ':');
    return colon != NULL ? colon + 1 : qname;
}

static bool is_builtin(const char *qname)
{
    return strncmp(qname, "xs:", 3) == 0;
}

/* A top-level xs:element, xs:complexType or xs:simpleType by name. */
static const xmlNode *global(merit_schema_kind kind, const char *what, const char *name)
{
    const xmlNode *root = xmlDocGetRootElement(schema_docs[kind]);
    for (const xmlNode *n = xs_child(root, what); n != NULL; n = xs_next(n->next, what)) {
        const char *nm = merit__xml_attr(n, "name");
        if (nm != NULL && strcmp(nm, name) == 0)
            return n;
    }
    return NULL;
}

/* The complex type of an element declaration: inline or named; NULL for a
 * simple one. */
static const xmlNode *complex_type(merit_schema_kind kind, const xmlNode *decl)
{
    if (decl == NULL)
        return NULL;
    const xmlNode *ct = xs_child(decl, "complexType");
    if (ct != NULL)
        return ct;
    const char *type = merit__xml_attr(decl, "type");
    if (type != NULL && !is_builtin(type))
        return global(kind, "complexType", local_part(type));
    return NULL;
}

/* The base complex type of a complexContent extension or restriction. */
static const xmlNode *base_type(merit_schema_kind kind, const xmlNode *derivation)
{
    const char *base = merit__xml_attr(derivation, "base");
    return base != NULL && !is_builtin(base) ? global(kind, "complexType", local_part(base)) : NULL;
}

/* The local element declaration named name in the content model under n
 * (a complex type, or a part of one), bases included. */
static const xmlNode *find_element(merit_schema_kind kind, const xmlNode *n, const char *name,
                                   int depth)
{
    if (n == NULL || depth > 32)
        return NULL;
    for (const xmlNode *c = xs_child(n, NULL); c != NULL; c = xs_next(c->next, NULL)) {
        const char *nm;
        if (is_xs(c, "element") && (nm = merit__xml_attr(c, "name")) != NULL &&
            strcmp(nm, name) == 0)
            return c;
        if (is_xs(c, "extension") || is_xs(c, "restriction")) {
            const xmlNode *found = find_element(kind, base_type(kind, c), name, depth + 1);
            if (found != NULL)
                return found;
        }
        if (is_xs(c, "sequence") || is_xs(c, "choice") || is_xs(c, "all") ||
            is_xs(c, "complexContent") || is_xs(c, "extension") || is_xs(c, "restriction")) {
            const xmlNode *found = find_element(kind, c, name, depth + 1);
            if (found != NULL)
                return found;
        }
    }
    return NULL;
}

static bool in_merit_ns(const xmlNode *node)
{
    return node->ns != NULL && strcmp((const char *)node->ns->href, MERIT_NAMESPACE) == 0;
}

/* The declaration of an element of a document of kind, found by its path
 * from the root; NULL when it has none. */
static const xmlNode *declaration(merit_schema_kind kind, const xmlNode *node)
{
    const xmlNode *path[80];
    size_t depth = 0;
    for (const xmlNode *n = node; n != NULL && n->type == XML_ELEMENT_NODE; n = n->parent) {
        if (depth == sizeof(path) / sizeof(path[0]) || !in_merit_ns(n))
            return NULL;
        path[depth++] = n;
    }
    if (depth == 0)
        return NULL;
    const xmlNode *decl = global(kind, "element", (const char *)path[depth - 1]->name);
    for (size_t i = depth - 1; i-- > 0 && decl != NULL;)
        decl = find_element(kind, complex_type(kind, decl), (const char *)path[i]->name, 0);
    return decl;
}

/* minOccurs or maxOccurs; SIZE_MAX for "unbounded". */
static size_t occurs(const xmlNode *particle, const char *which)
{
    const char *v = merit__xml_attr(particle, which);
    if (v == NULL)
        return 1;
    if (strcmp(v, "unbounded") == 0)
        return SIZE_MAX;
    char *end;
    unsigned long long n = strtoull(v, &end, 10);
    return end != v ? (size_t)n : 1;
}

/* --- what an element holds ------------------------------------------------- */

/* "an optional ", "one or more ", ... before a particle occurring
 * min to max times. */
static void put_quantity(struct buf *b, size_t min, size_t max)
{
    if (min == 1 && max == 1)
        return;
    if (min == 0 && max == 1)
        put(b, "an optional ");
    else if (min == 1 && max == SIZE_MAX)
        put(b, "one or more ");
    else if (min == 0 && max == SIZE_MAX)
        put(b, "any number of ");
    else if (max == SIZE_MAX)
        putf(b, "%zu or more ", min);
    else if (min == 0)
        putf(b, "up to %zu ", max);
    else if (min == max)
        putf(b, "%zu ", min);
    else
        putf(b, "%zu to %zu ", min, max);
}

static void describe(struct buf *b, const xmlNode *particle, int depth);

/* The particles of a group joined by `glue`. */
static void describe_parts(struct buf *b, const xmlNode *group, const char *glue, int depth)
{
    bool first = true;
    for (const xmlNode *c = xs_child(group, NULL); c != NULL; c = xs_next(c->next, NULL)) {
        if (!is_xs(c, "element") && !is_xs(c, "sequence") && !is_xs(c, "choice") &&
            !is_xs(c, "all"))
            continue;
        if (!first)
            put(b, glue);
        first = false;
        describe(b, c, depth + 1);
    }
}

static void describe(struct buf *b, const xmlNode *particle, int depth)
{
    if (depth > 16)
        return;
    size_t min = occurs(particle, "minOccurs"), max = occurs(particle, "maxOccurs");
    if (is_xs(particle, "element")) {
        put_quantity(b, min, max);
        const char *name = merit__xml_attr(particle, "name");
        putf(b, "<%s>", name != NULL ? name : "?");
    } else if (is_xs(particle, "choice")) {
        put_quantity(b, min, max);
        describe_parts(b, particle, " or ", depth);
        if (max > 1)
            put(b, ", in any order");
    } else if (is_xs(particle, "all")) {
        put(b, "in any order: ");
        describe_parts(b, particle, ", ", depth);
    } else if (is_xs(particle, "sequence")) {
        /* a group of its own: none in merit's schemas today */
        bool once = min == 1 && max == 1;
        if (min == 0 && max == 1)
            put(b, "optionally ");
        if (!once)
            put(b, "(");
        describe_parts(b, particle, ", then ", depth);
        if (!once)
            put(b, ")");
        if (max == SIZE_MAX && min <= 1)
            putf(b, ", %s times", min == 0 ? "any number of" : "one or more");
        else if (max == SIZE_MAX)
            putf(b, ", %zu or more times", min);
        else if (max > 1)
            putf(b, ", %zu to %zu times", min, max);
    }
}

/* The content model's particles of a complex type: its base's, then its
 * own. Returns how many (at most 2); *simple tells simple content. */
static size_t content_particles(merit_schema_kind kind, const xmlNode *ct, const xmlNode *out[2],
                                bool *simple)
{
    *simple = false;
    size_t n = 0;
    if (ct == NULL)
        return 0;
    if (xs_child(ct, "simpleContent") != NULL) {
        *simple = true;
        return 0;
    }
    const xmlNode *holder = ct;
    const xmlNode *cc = xs_child(ct, "complexContent");
    if (cc != NULL) {
        const xmlNode *ext = xs_child(cc, "extension");
        const xmlNode *base = ext != NULL ? base_type(kind, ext) : NULL;
        bool base_simple;
        const xmlNode *from_base[2];
        if (base != NULL && content_particles(kind, base, from_base, &base_simple) > 0)
            out[n++] = from_base[0];
        holder = ext != NULL ? ext : xs_child(cc, "restriction");
    }
    for (const xmlNode *c = xs_child(holder, NULL); c != NULL && n < 2; c = xs_next(c->next, NULL))
        if (is_xs(c, "sequence") || is_xs(c, "choice") || is_xs(c, "all") || is_xs(c, "element"))
            out[n++] = c;
    return n;
}

/* "one or more <score> or <no-score>, in any order, then an optional
 * <comment>"; "only text"; "no text and no elements". */
static void describe_content(struct buf *b, merit_schema_kind kind, const xmlNode *ct)
{
    const xmlNode *parts[2];
    bool simple;
    size_t n = content_particles(kind, ct, parts, &simple);
    if (simple) {
        put(b, "only text");
        return;
    }
    if (n == 0) {
        put(b, "no text and no elements, only attributes");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            put(b, ", then ");
        describe(b, parts[i], 0);
    }
}

/* The names of the elements a content model under n allows, for a
 * suggestion: up to cap. */
static size_t child_names(merit_schema_kind kind, const xmlNode *n, const char **names,
                          size_t count, size_t cap, int depth)
{
    if (n == NULL || depth > 32)
        return count;
    for (const xmlNode *c = xs_child(n, NULL); c != NULL && count < cap;
         c = xs_next(c->next, NULL)) {
        const char *nm;
        if (is_xs(c, "element") && (nm = merit__xml_attr(c, "name")) != NULL)
            names[count++] = nm;
        else if (is_xs(c, "extension") || is_xs(c, "restriction"))
            count = child_names(kind, base_type(kind, c), names, count, cap, depth + 1);
        if (is_xs(c, "sequence") || is_xs(c, "choice") || is_xs(c, "all") ||
            is_xs(c, "complexContent") || is_xs(c, "extension") || is_xs(c, "restriction"))
            count = child_names(kind, c, names, count, cap, depth + 1);
    }
    return count;
}

/* Whether the declaration allows one element at most where it stands: it
 * and every group around it occur once. */
static bool at_most_once(const xmlNode *decl)
{
    for (const xmlNode *n = decl; n != NULL && !is_xs(n, "complexType"); n = n->parent)
        if ((is_xs(n, "element") || is_xs(n, "sequence") || is_xs(n, "choice") ||
             is_xs(n, "all")) &&
            occurs(n, "maxOccurs") != 1)
            return false;
    return true;
}

/* --- attributes -------------------------------------------------------------- */

#define MAX_ATTRS 32

/* The attribute declarations of a complex type, its bases' included. */
static size_t attribute_decls(merit_schema_kind kind, const xmlNode *n, const xmlNode **out,
                              size_t count, int depth)
{
    if (n == NULL || depth > 16)
        return count;
    for (const xmlNode *c = xs_child(n, NULL); c != NULL && count < MAX_ATTRS;
         c = xs_next(c->next, NULL)) {
        if (is_xs(c, "attribute"))
            out[count++] = c;
        else if (is_xs(c, "simpleContent") || is_xs(c, "complexContent"))
            count = attribute_decls(kind, c, out, count, depth + 1);
        else if (is_xs(c, "extension") || is_xs(c, "restriction")) {
            count = attribute_decls(kind, base_type(kind, c), out, count, depth + 1);
            count = attribute_decls(kind, c, out, count, depth + 1);
        }
    }
    return count;
}

static const xmlNode *attribute_decl(merit_schema_kind kind, const xmlNode *ct, const char *name)
{
    const xmlNode *decls[MAX_ATTRS];
    size_t n = attribute_decls(kind, ct, decls, 0, 0);
    for (size_t i = 0; i < n; i++) {
        const char *nm = merit__xml_attr(decls[i], "name");
        if (nm != NULL && strcmp(nm, name) == 0)
            return decls[i];
    }
    return NULL;
}

/* "'proposal' and 'confidence'", "none". */
static void put_attribute_list(struct buf *b, merit_schema_kind kind, const xmlNode *ct)
{
    const xmlNode *decls[MAX_ATTRS];
    size_t n = attribute_decls(kind, ct, decls, 0, 0);
    if (n == 0)
        put(b, "none");
    for (size_t i = 0; i < n; i++) {
        const char *nm = merit__xml_attr(decls[i], "name");
        putf(b, "%s'%s'", i == 0 ? "" : i + 1 == n ? " and " : ", ", nm != NULL ? nm : "?");
    }
}

/* --- what a value must be ------------------------------------------------- */

/* A simple type: a built-in one by name (xs:boolean: "boolean"), or an
 * xs:simpleType element. */
struct stype {
    const char *builtin;
    const xmlNode *node;
};

static struct stype type_by_name(merit_schema_kind kind, const char *qname)
{
    struct stype t = {NULL, NULL};
    if (qname == NULL)
        t.builtin = "string";
    else if (is_builtin(qname))
        t.builtin = local_part(qname);
    else
        t.node = global(kind, "simpleType", local_part(qname));
    return t;
}

/* The simple type of an attribute declaration, or the type of an element
 * declaration's text (a simple type, or a complex type's simple content). */
static struct stype value_type(merit_schema_kind kind, const xmlNode *decl)
{
    struct stype t = {NULL, NULL};
    if (decl == NULL)
        return t;
    const xmlNode *inline_type = xs_child(decl, "simpleType");
    if (inline_type != NULL) {
        t.node = inline_type;
        return t;
    }
    const char *type = merit__xml_attr(decl, "type");
    if (is_xs(decl, "element")) {
        const xmlNode *ct = complex_type(kind, decl);
        if (ct != NULL) {
            const xmlNode *ext = xs_child(xs_child(ct, "simpleContent"), "extension");
            return type_by_name(kind, ext != NULL ? merit__xml_attr(ext, "base") : NULL);
        }
    }
    return type_by_name(kind, type);
}

static bool is_integer_type(const char *builtin)
{
    static const char *const names[] = {
        "integer",     "positiveInteger", "nonNegativeInteger", "int",          "long", "short",
        "unsignedInt", "unsignedLong",    "negativeInteger",    "unsignedShort"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(builtin, names[i]) == 0)
            return true;
    return false;
}

/* A type's xs:documentation, collapsed: merit's schemas document each
 * named type in the words a message needs ("an id (1 to 64 of ...)"). */
static char *documentation(const xmlNode *type)
{
    const xmlNode *doc = xs_child(xs_child(type, "annotation"), "documentation");
    return doc != NULL ? merit__xml_text(doc, true) : NULL;
}

/* The values of an enumeration, NULL-terminated, up to cap - 1. */
static size_t enumeration(const xmlNode *restriction, const char **values, size_t cap)
{
    size_t n = 0;
    for (const xmlNode *f = xs_child(restriction, "enumeration"); f != NULL && n + 1 < cap;
         f = xs_next(f->next, "enumeration"))
        values[n++] = merit__xml_attr(f, "value");
    values[n] = NULL;
    return n;
}

static const char *facet(const xmlNode *restriction, const char *name)
{
    return merit__xml_attr(xs_child(restriction, name), "value");
}

/* What a value of type t must be: "true or false", "one of 'mean',
 * 'median'", "a whole number from 1 to 5", a documented type's own words. */
static void put_type_words(struct buf *b, merit_schema_kind kind, struct stype t, int depth)
{
    if (t.node == NULL) {
        const char *n = t.builtin != NULL ? t.builtin : "string";
        if (strcmp(n, "boolean") == 0)
            put(b, "true or false");
        else if (strcmp(n, "date") == 0)
            put(b, "a date (YYYY-MM-DD)");
        else if (strcmp(n, "positiveInteger") == 0)
            put(b, "a whole number, 1 or more");
        else if (strcmp(n, "nonNegativeInteger") == 0)
            put(b, "a whole number, 0 or more");
        else if (is_integer_type(n))
            put(b, "a whole number");
        else if (strcmp(n, "decimal") == 0)
            put(b, "a decimal number");
        else if (strcmp(n, "string") == 0 || strcmp(n, "token") == 0)
            put(b, "a text");
        else
            putf(b, "a value of type 'xs:%s'", n);
        return;
    }
    char *words = documentation(t.node);
    if (words != NULL && words[0] != '\0') {
        put(b, words);
        free(words);
        return;
    }
    free(words);
    const xmlNode *r = xs_child(t.node, "restriction");
    const char *base = merit__xml_attr(r, "base");
    const char *values[64];
    size_t nv = enumeration(r, values, 64);
    if (nv > 0) {
        put(b, "one of ");
        for (size_t i = 0; i < nv; i++)
            putf(b, "%s'%s'", i == 0 ? "" : ", ", values[i] != NULL ? values[i] : "?");
        return;
    }
    if (base != NULL && !is_builtin(base)) {
        if (depth < 8)
            put_type_words(b, kind, type_by_name(kind, base), depth + 1);
        return;
    }
    const char *builtin = base != NULL ? local_part(base) : "string";
    if (is_integer_type(builtin)) {
        const char *lo = facet(r, "minInclusive"), *hi = facet(r, "maxInclusive");
        if (lo == NULL)
            lo = strcmp(builtin, "positiveInteger") == 0      ? "1"
                 : strcmp(builtin, "nonNegativeInteger") == 0 ? "0"
                                                              : NULL;
        if (lo != NULL && hi != NULL)
            putf(b, "a whole number from %s to %s", lo, hi);
        else if (lo != NULL)
            putf(b, "a whole number, %s or more", lo);
        else if (hi != NULL)
            putf(b, "a whole number, %s or less", hi);
        else
            put(b, "a whole number");
        return;
    }
    const char *pattern = facet(r, "pattern");
    if (pattern != NULL) {
        putf(b, "of the form '%s'", pattern);
        return;
    }
    const char *lo = facet(r, "minLength"), *hi = facet(r, "maxLength");
    if (lo != NULL && hi != NULL)
        putf(b, "a text of %s to %s characters", lo, hi);
    else if (hi != NULL)
        putf(b, "a text of at most %s characters", hi);
    else if (lo != NULL && strcmp(lo, "1") == 0)
        put(b, "a text that is not empty");
    else if (lo != NULL)
        putf(b, "a text of at least %s characters", lo);
    else
        put_type_words(b, kind, type_by_name(kind, base), depth + 1);
}

/* The enumeration values of t (for a suggestion), NULL-terminated. */
static void enumeration_of(merit_schema_kind kind, struct stype t, const char **values, size_t cap)
{
    values[0] = NULL;
    for (int depth = 0; t.node != NULL && depth < 8; depth++) {
        const xmlNode *r = xs_child(t.node, "restriction");
        if (enumeration(r, values, cap) > 0)
            return;
        const char *base = merit__xml_attr(r, "base");
        if (base == NULL || is_builtin(base))
            return;
        t = type_by_name(kind, base);
    }
}

/* --- the messages ------------------------------------------------------------ */

/* The attribute an error is about, from "..., attribute 'NAME': ...". */
static bool attribute_named(const char *msg, char *attr, size_t size)
{
    static const char key[] = ", attribute '";
    const char *a = strstr(msg, key);
    if (a == NULL)
        return false;
    a += sizeof(key) - 1;
    const char *end = strstr(a, "': ");
    if (end == NULL || (size_t)(end - a) >= size)
        return false;
    memcpy(attr, a, (size_t)(end - a));
    attr[end - a] = '\0';
    return true;
}

/* "{ns}name" as written in the document: "prefix:name" when the node has
 * such an attribute, "name" in merit's own or no namespace. */
static void written_name(const xmlNode *node, const char *clark, char *out, size_t size)
{
    snprintf(out, size, "%s", clark);
    if (clark[0] != '{')
        return;
    const char *close = strchr(clark, '}');
    if (close == NULL)
        return;
    size_t nslen = (size_t)(close - clark - 1);
    for (const xmlAttr *a = node->properties; a != NULL; a = a->next)
        if (a->ns != NULL && strlen((const char *)a->ns->href) == nslen &&
            memcmp(a->ns->href, clark + 1, nslen) == 0 &&
            strcmp((const char *)a->name, close + 1) == 0) {
            if (a->ns->prefix != NULL)
                snprintf(out, size, "%s:%s", (const char *)a->ns->prefix, close + 1);
            return;
        }
}

/* The element names libxml2 lists after "Expected is ( a, b )", as
 * "<a> or <b>". */
static void put_expected(struct buf *b, const char *msg)
{
    const char *open = strstr(msg, "Expected is ");
    open = open != NULL ? strchr(open, '(') : NULL;
    const char *close = open != NULL ? strchr(open, ')') : NULL;
    if (close == NULL) {
        put(b, "more");
        return;
    }
    const char *p = open + 1;
    bool first = true;
    while (p < close) {
        while (p < close && (*p == ' ' || *p == ','))
            p++;
        const char *end = p;
        while (end < close && *end != ',' && *end != ' ')
            end++;
        if (end == p)
            break;
        const char *name = p;
        static const char ns[] = "{" MERIT_NAMESPACE "}";
        if ((size_t)(end - p) > sizeof(ns) - 1 && memcmp(p, ns, sizeof(ns) - 1) == 0)
            name += sizeof(ns) - 1;
        putf(b, "%s<%.*s>", first ? "" : " or ", (int)(end - name), name);
        first = false;
        p = end;
    }
}

/* "<review>", or "<y> in namespace 'urn:other'" for an element from
 * elsewhere. */
static void put_element(struct buf *b, const xmlNode *node)
{
    putf(b, "<%s>", (const char *)node->name);
    if (node->ns == NULL)
        put(b, " in no namespace");
    else if (!in_merit_ns(node))
        putf(b, " in namespace '%s'", (const char *)node->ns->href);
}

/* An element where libxml2 expected another, or none. */
static void unexpected(struct buf *b, merit_schema_kind kind, const xmlNode *node)
{
    const xmlNode *parent = node->parent;
    const xmlNode *ct = complex_type(kind, declaration(kind, parent));
    if (ct == NULL) {
        put_element(b, node);
        put(b, " cannot come here");
        return;
    }
    const xmlNode *decl =
        in_merit_ns(node) ? find_element(kind, ct, (const char *)node->name, 0) : NULL;
    const char *suggestion = NULL;
    if (decl != NULL) {
        bool again = false;
        for (const xmlNode *s = node->prev; s != NULL && !again; s = s->prev)
            again = s->type == XML_ELEMENT_NODE && in_merit_ns(s) &&
                    strcmp((const char *)s->name, (const char *)node->name) == 0;
        putf(b, "%s<%s> cannot come here", again && at_most_once(decl) ? "a second " : "",
             (const char *)node->name);
    } else {
        const char *names[65];
        size_t n = child_names(kind, ct, names, 0, 64, 0);
        names[n] = NULL;
        if (node->ns != NULL && in_merit_ns(node))
            suggestion = merit__suggest_among((const char *)node->name, names);
        put_element(b, node);
        putf(b, " does not belong in <%s>", (const char *)parent->name);
    }
    putf(b, ": a <%s> holds ", (const char *)parent->name);
    describe_content(b, kind, ct);
    if (suggestion != NULL)
        putf(b, "; did you mean <%s>?", suggestion);
}

/* The first element child of node, for "<x> cannot come inside". */
static const xmlNode *first_element(const xmlNode *node)
{
    for (const xmlNode *c = node->children; c != NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return c;
    return NULL;
}

/* A value that breaks its type: "method 'avg' is not one of 'mean', ...". */
static void bad_value(struct buf *b, merit_schema_kind kind, const xmlNode *node, const char *attr,
                      const char *value)
{
    const xmlNode *decl = declaration(kind, node);
    struct stype t = {NULL, NULL};
    if (attr[0] != '\0')
        t = value_type(kind, attribute_decl(kind, complex_type(kind, decl), attr));
    else
        t = value_type(kind, decl);
    if (attr[0] != '\0')
        putf(b, "%s '%s' is not ", attr, value);
    else
        putf(b, "<%s> text '%s' is not ", (const char *)node->name, value);
    put_type_words(b, kind, t, 0);
    const char *values[65];
    enumeration_of(kind, t, values, 65);
    const char *suggestion = values[0] != NULL ? merit__suggest_among(value, values) : NULL;
    if (suggestion != NULL)
        putf(b, "; did you mean '%s'?", suggestion);
}

/* A text or attribute value too short or too long; libxml2 gives the
 * length and the bound. */
static void bad_length(struct buf *b, const xmlNode *node, const char *attr, int code,
                       const char *length, const char *bound)
{
    if (attr[0] != '\0')
        putf(b, "attribute '%s' of <%s>", attr, (const char *)node->name);
    else
        putf(b, "<%s>", (const char *)node->name);
    if (length != NULL && strcmp(length, "0") == 0 && code != XML_SCHEMAV_CVC_MAXLENGTH_VALID)
        put(b, " is empty");
    else if (code == XML_SCHEMAV_CVC_MAXLENGTH_VALID)
        putf(b, " is %s characters long, more than the %s allowed", length ? length : "?",
             bound ? bound : "?");
    else if (code == XML_SCHEMAV_CVC_MINLENGTH_VALID)
        putf(b, " is %s characters long, fewer than the %s needed", length ? length : "?",
             bound ? bound : "?");
    else
        putf(b, " is %s characters long, not %s", length ? length : "?", bound ? bound : "?");
}

int merit__schema_words(merit_schema_kind kind, const xmlError *err, char **message_out,
                        const xmlNode **where_out, char *attr, size_t attr_size)
{
    *message_out = NULL;
    attr[0] = '\0';
    const xmlNode *node = err->node;
    *where_out = node;
    const char *msg = err->message != NULL ? err->message : "";
    if (kind >= MERIT_SCHEMA_COUNT || schema_docs[kind] == NULL || node == NULL ||
        node->type != XML_ELEMENT_NODE || err->domain != XML_FROM_SCHEMASV)
        return 1;
    struct buf b = {NULL, 0, 0, false};
    const char *name = (const char *)node->name;
    bool has_attr = attribute_named(msg, attr, attr_size);
    switch (err->code) {
    case XML_SCHEMAV_ELEMENT_CONTENT:
        if (strstr(msg, "Missing child element") != NULL) {
            const xmlNode *ct = complex_type(kind, declaration(kind, node));
            putf(&b, "<%s> lacks ", name);
            put_expected(&b, msg);
            if (ct != NULL) {
                putf(&b, ": a <%s> holds ", name);
                describe_content(&b, kind, ct);
            }
        } else if (strstr(msg, "not expected") != NULL) {
            unexpected(&b, kind, node);
        } else {
            return 1;
        }
        break;
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_2_1: /* empty content */
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_2_2: /* simple content */
    case XML_SCHEMAV_CVC_TYPE_3_1_2:       /* a simple type */
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_2_3: /* elements only */ {
        const xmlNode *child = first_element(node);
        if (strstr(msg, "Character content") != NULL || child == NULL) {
            put(&b, "text");
        } else {
            put_element(&b, child);
            *where_out = child;
        }
        putf(&b, " cannot come inside <%s>: a <%s> ", name, name);
        if (err->code == XML_SCHEMAV_CVC_COMPLEX_TYPE_2_1) {
            put(&b, "takes attributes only");
        } else if (err->code != XML_SCHEMAV_CVC_COMPLEX_TYPE_2_3) {
            put(&b, "holds only text");
        } else {
            put(&b, "holds ");
            describe_content(&b, kind, complex_type(kind, declaration(kind, node)));
        }
        break;
    }
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_3_2_1: /* an attribute not allowed */
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_3_2_2:
    case XML_SCHEMAV_CVC_TYPE_3_1_1: /* on an element of a simple type */ {
        if (err->str1 == NULL)
            return 1;
        char shown[128];
        written_name(node, err->str1, shown, sizeof(shown));
        snprintf(attr, attr_size, "%s", shown);
        const xmlNode *ct = complex_type(kind, declaration(kind, node));
        const char *suggestion = NULL;
        if (err->str1[0] != '{') {
            const xmlNode *decls[MAX_ATTRS];
            const char *names[MAX_ATTRS + 1];
            size_t n = attribute_decls(kind, ct, decls, 0, 0);
            for (size_t i = 0; i < n; i++)
                names[i] = merit__xml_attr(decls[i], "name");
            names[n] = NULL;
            suggestion = merit__suggest_among(err->str1, names);
        }
        putf(&b, "attribute '%s' is not allowed on <%s>", shown, name);
        if (suggestion != NULL) {
            putf(&b, "; did you mean '%s'?", suggestion);
        } else {
            put(&b, " (it takes ");
            put_attribute_list(&b, kind, ct);
            put(&b, ")");
        }
        break;
    }
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_4: /* a required attribute missing */
        if (err->str1 == NULL)
            return 1;
        putf(&b, "<%s> lacks the required attribute '%s'", name, err->str1);
        break;
    case XML_SCHEMAV_CVC_ELT_3_1:
    case XML_SCHEMAV_CVC_ELT_3_2_1:
    case XML_SCHEMAV_CVC_ELT_3_2_2:
        written_name(node, "{" XSI_NS "}nil", attr, attr_size);
        putf(&b, "xsi:nil cannot be used on <%s>: no merit element is nillable", name);
        break;
    case XML_SCHEMAV_CVC_LENGTH_VALID:
    case XML_SCHEMAV_CVC_MINLENGTH_VALID:
    case XML_SCHEMAV_CVC_MAXLENGTH_VALID:
        /* an attribute's: value, length, bound; an element's: length, bound */
        if (err->str3 != NULL)
            bad_length(&b, node, attr, err->code, err->str2, err->str3);
        else
            bad_length(&b, node, attr, err->code, err->str1, err->str2);
        break;
    case XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_1:
    case XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_2:
    case XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_3:
    case XML_SCHEMAV_CVC_MININCLUSIVE_VALID:
    case XML_SCHEMAV_CVC_MAXINCLUSIVE_VALID:
    case XML_SCHEMAV_CVC_MINEXCLUSIVE_VALID:
    case XML_SCHEMAV_CVC_MAXEXCLUSIVE_VALID:
    case XML_SCHEMAV_CVC_TOTALDIGITS_VALID:
    case XML_SCHEMAV_CVC_FRACTIONDIGITS_VALID:
    case XML_SCHEMAV_CVC_PATTERN_VALID:
    case XML_SCHEMAV_CVC_ENUMERATION_VALID:
        if (strstr(msg, "{" XSI_NS "}type") != NULL)
            goto xsi_type;
        if (err->str1 == NULL || (!has_attr && strncmp(msg, "Element '", 9) != 0))
            return 1;
        bad_value(&b, kind, node, attr, err->str1);
        break;
    default:
        if (strstr(msg, "xsi:type") != NULL || strstr(msg, "{" XSI_NS "}type") != NULL)
            goto xsi_type;
        return 1;
    }
    goto done;
xsi_type:
    written_name(node, "{" XSI_NS "}type", attr, attr_size);
    putf(&b, "xsi:type cannot be used on <%s>: merit's formats take no xsi:type", name);
done:
    if (b.oom) {
        free(b.p);
        return MERIT_ENOMEM;
    }
    *message_out = b.p;
    return b.p != NULL ? 0 : 1;
}
