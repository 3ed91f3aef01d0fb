/*
 * One value checked against a simple type of a compiled-in schema
 * (merit/schemas.h, merit_schema_value_check), for values that are not in
 * a file yet: the arguments of merit init, the cells merit import turns
 * into XML. The type is read from the schema's own text (its xs:pattern,
 * xs:minLength, xs:maxLength and xs:documentation) and the pattern is run
 * by libxml2's XML Schema regular expressions, the engine that checks the
 * same type in a file: what the one accepts, the other accepts, whatever
 * the schema says today.
 *
 * Each type is read once per process, on first use, and kept (like the
 * compiled schemas, schema.c); the first use must happen before any second
 * thread starts. Nothing here prints or reads a file.
 */
#include <libxml/parser.h>
#include <libxml/xmlregexp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "internal.h"
#include "merit/schemas.h"
#include "xml_input.h"
#include "xml_write.h"

#define XS_NAMESPACE "http://www.w3.org/2001/XMLSchema"

struct checked_type {
    char schema[16];
    char name[32];
    xmlRegexpPtr pattern; /* NULL: none */
    long min_length;      /* characters; -1: none */
    long max_length;
    char *words; /* what a value must be */
};

/* merit's schemas have a dozen simple types; a few are checked this way */
#define MAX_TYPES 32
/* Read on first use of each type, by any thread: the table grows under the
 * lock, and an entry, once there, never changes or moves. */
static struct checked_type types[MAX_TYPES];
static size_t type_count;
static pthread_mutex_t types_lock = PTHREAD_MUTEX_INITIALIZER;

static bool is_xs(const xmlNode *n, const char *local)
{
    return n != NULL && n->type == XML_ELEMENT_NODE && n->ns != NULL &&
           strcmp((const char *)n->ns->href, XS_NAMESPACE) == 0 &&
           strcmp((const char *)n->name, local) == 0;
}

static const xmlNode *xs_child(const xmlNode *parent, const char *local)
{
    for (const xmlNode *c = parent != NULL ? parent->children : NULL; c != NULL; c = c->next)
        if (is_xs(c, local))
            return c;
    return NULL;
}

static const char *attr(const xmlNode *n, const char *name)
{
    const xmlAttr *a = xmlHasProp(n, (const xmlChar *)name);
    return a != NULL && a->children != NULL ? (const char *)a->children->content : NULL;
}

static long length_facet(const xmlNode *restriction, const char *facet)
{
    const char *v = attr(xs_child(restriction, facet), "value");
    if (v == NULL || *v < '0' || *v > '9')
        return -1;
    char *end;
    long n = strtol(v, &end, 10);
    return *end == '\0' && n >= 0 ? n : -1;
}

/* The words for a type: its documentation, collapsed (every type of a
 * value merit checks has one); else what its facets say. malloc'd; NULL
 * when out of memory. */
static char *type_words(const xmlNode *type, const char *pattern, long min, long max)
{
    const xmlNode *doc = xs_child(xs_child(type, "annotation"), "documentation");
    if (doc != NULL) {
        char *text = merit__xml_text(doc, true);
        if (text == NULL || text[0] != '\0')
            return text;
        free(text);
    }
    if (pattern != NULL)
        return merit__sprintf("a value that matches the pattern '%s'", pattern);
    if (min > 0 && max >= 0)
        return merit__sprintf("a text of %ld to %ld characters", min, max);
    if (max >= 0)
        return merit__sprintf("a text of at most %ld characters", max);
    if (min >= 0)
        return merit__sprintf("a text of at least %ld characters", min);
    return merit__strdup("a text");
}

/* Reads the type from the schema's text into t. */
static int load_type(const char *schema, const char *name, struct checked_type *t)
{
    size_t size;
    const unsigned char *text = merit_schema_text(schema, &size);
    if (text == NULL || size > (size_t)INT32_MAX)
        return MERIT_EUSAGE;
    merit__xml_global_init();
    /* merit's own bytes, compiled in: no DOCTYPE, nothing external */
    xmlDocPtr doc = xmlReadMemory((const char *)text, (int)size, "schema", "UTF-8",
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (doc == NULL)
        return MERIT_ENOMEM;
    int rc = MERIT_EUSAGE;
    const xmlNode *type = NULL;
    for (const xmlNode *c = xmlDocGetRootElement(doc)->children; c != NULL && type == NULL;
         c = c->next)
        if (is_xs(c, "simpleType") && attr(c, "name") != NULL && strcmp(attr(c, "name"), name) == 0)
            type = c;
    const xmlNode *r = xs_child(type, "restriction");
    const char *base = attr(r, "base");
    /* only types derived from xs:string: what a pattern and lengths say is
     * then all the schema says */
    if (base != NULL && strcmp(base, "xs:string") == 0) {
        const char *pattern = attr(xs_child(r, "pattern"), "value");
        t->min_length = length_facet(r, "minLength");
        t->max_length = length_facet(r, "maxLength");
        t->pattern = pattern != NULL ? xmlRegexpCompile((const xmlChar *)pattern) : NULL;
        t->words = type_words(type, pattern, t->min_length, t->max_length);
        rc = (pattern != NULL && t->pattern == NULL) || t->words == NULL ? MERIT_ENOMEM : 0;
        if (rc != 0) {
            xmlRegFreeRegexp(t->pattern);
            free(t->words);
        }
    }
    xmlFreeDoc(doc);
    return rc;
}

static int find_type_locked(const char *schema, const char *name, const struct checked_type **out)
{
    for (size_t i = 0; i < type_count; i++)
        if (strcmp(types[i].schema, schema) == 0 && strcmp(types[i].name, name) == 0) {
            *out = &types[i];
            return 0;
        }
    if (type_count == MAX_TYPES || strlen(schema) >= sizeof(types[0].schema) ||
        strlen(name) >= sizeof(types[0].name))
        return MERIT_EUSAGE;
    struct checked_type *t = &types[type_count];
    memset(t, 0, sizeof(*t));
    int rc = load_type(schema, name, t);
    if (rc != 0)
        return rc;
    memcpy(t->schema, schema, strlen(schema) + 1);
    memcpy(t->name, name, strlen(name) + 1);
    type_count++;
    *out = t;
    return 0;
}

static int find_type(const char *schema, const char *name, const struct checked_type **out)
{
    (void)pthread_mutex_lock(&types_lock);
    int rc = find_type_locked(schema, name, out);
    (void)pthread_mutex_unlock(&types_lock);
    return rc;
}

int merit_schema_value_check(const char *schema, const char *type, const char *value,
                             const char **words_out)
{
    const struct checked_type *t = NULL;
    if (words_out != NULL)
        *words_out = NULL;
    if (schema == NULL || type == NULL || value == NULL)
        return MERIT_EUSAGE;
    int rc = find_type(schema, type, &t);
    if (rc != 0)
        return rc;
    if (words_out != NULL)
        *words_out = t->words;
    /* lengths count characters; a value that is not UTF-8, or holds a
     * character XML cannot (a control character), is no value of any type */
    size_t len = strlen(value), chars = 0;
    if (!merit__xml_text_ok(value, len, NULL))
        return MERIT_EINVALID;
    for (size_t i = 0; i < len; chars++) {
        size_t n = merit__utf8_length((const unsigned char *)value + i, len - i);
        if (n == 0)
            return MERIT_EINVALID;
        i += n;
    }
    if ((t->min_length >= 0 && chars < (size_t)t->min_length) ||
        (t->max_length >= 0 && chars > (size_t)t->max_length))
        return MERIT_EINVALID;
    if (t->pattern != NULL) {
        int m = xmlRegexpExec(t->pattern, (const xmlChar *)value);
        if (m < 0)
            return MERIT_ENOMEM;
        if (m == 0)
            return MERIT_EINVALID;
    }
    return 0;
}
