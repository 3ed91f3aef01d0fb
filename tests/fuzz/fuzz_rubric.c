/*
 * Fuzzes the rubric loader: the input is a rubric file, loaded with
 * merit_rubric_load_file (parse, schema, rubric checks, PCRE2 compilation of
 * the text rules). The same file is then checked with merit_file_validate,
 * which must agree on whether it is a valid rubric.
 *
 * A rubric that loads is also compared with the file, read again here with
 * libxml2 and a reference parser: every number must be exactly what the
 * file says (decimals as integer / 10^k with GMP, never through merit's own
 * parser; min-reviewers and trim-from as unbounded integers, which the
 * schema allows).
 */
#include <ctype.h>
#include <gmp.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "merit/model.h"

/* The first element child of node named name (any namespace), or NULL. */
static const xmlNode *child(const xmlNode *node, const char *name)
{
    for (const xmlNode *c = node ? node->children : NULL; c != NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return c;
    return NULL;
}

static const xmlNode *next(const xmlNode *node, const char *name)
{
    for (const xmlNode *c = node->next; c != NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return c;
    return NULL;
}

/* The reference reading of a decimal "[+-]digits[.digits]" (the schema's
 * pattern): all the digits over 10^(digits after the point). */
static void reference_decimal(const char *text, mpq_t out)
{
    const char *p = text;
    bool negative = *p == '-';
    if (*p == '+' || *p == '-')
        p++;
    mpz_t num;
    mpz_init(num);
    unsigned long places = 0;
    bool after_point = false;
    for (; *p != '\0'; p++) {
        if (*p == '.') {
            after_point = true;
            continue;
        }
        mpz_mul_ui(num, num, 10);
        mpz_add_ui(num, num, (unsigned long)(*p - '0'));
        places += after_point;
    }
    if (negative)
        mpz_neg(num, num);
    mpq_set_num(out, num);
    mpz_ui_pow_ui(num, 10, places);
    mpq_set_den(out, num);
    mpq_canonicalize(out);
    mpz_clear(num);
}

/* Compares attribute attr of node (absent: nothing to compare) with q. */
static void same_decimal(const xmlNode *node, const char *attr, const mpq_t q, const char *what)
{
    xmlChar *text = xmlGetProp(node, (const xmlChar *)attr);
    if (text == NULL)
        return;
    mpq_t want;
    mpq_init(want);
    reference_decimal((const char *)text, want);
    bool equal = mpq_equal(want, q) != 0;
    if (!equal) {
        char *got = mpq_get_str(NULL, 10, q);
        fuzz_fail("%s '%s' loaded as %s", what, (const char *)text, got);
    }
    mpq_clear(want);
    xmlFree(text);
}

/* An xs:positiveInteger as written (white space around, '+', leading
 * zeros), saturated at UINT64_MAX. */
static uint64_t reference_integer(const char *text)
{
    while (isspace((unsigned char)*text))
        text++;
    if (*text == '+')
        text++;
    uint64_t v = 0;
    for (; isdigit((unsigned char)*text); text++) {
        unsigned d = (unsigned)(*text - '0');
        v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
    }
    return v;
}

static void same_integer(const xmlNode *node, const char *attr, uint32_t got, uint32_t absent)
{
    xmlChar *text = xmlGetProp(node, (const xmlChar *)attr);
    uint64_t want = text ? reference_integer((const char *)text) : absent;
    if (want != got)
        fuzz_fail("%s '%s' loaded as %u", attr, text ? (const char *)text : "(absent)", got);
    xmlFree(text);
}

static void check_numbers(const uint8_t *data, size_t size, const merit_rubric *r)
{
    xmlDocPtr doc = xmlReadMemory((const char *)data, (int)size, NULL, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (doc == NULL)
        fuzz_fail("a rubric that loads does not parse again");
    const xmlNode *root = xmlDocGetRootElement(doc);
    const xmlNode *scale = child(root, "scale");
    same_decimal(scale, "min", r->scale_min, "scale min");
    same_decimal(scale, "max", r->scale_max, "scale max");
    same_decimal(scale, "step", r->scale_step, "scale step");
    size_t i = 0;
    for (const xmlNode *c = child(child(root, "criteria"), "criterion"); c != NULL;
         c = next(c, "criterion"), i++) {
        if (i >= r->criterion_count)
            fuzz_fail("more criteria in the file than in the rubric");
        same_decimal(c, "weight", r->criteria[i].weight, "weight");
        if (r->criteria[i].has_threshold)
            same_decimal(c, "threshold", r->criteria[i].threshold, "threshold");
    }
    if (i != r->criterion_count)
        fuzz_fail("%zu criteria in the file, %zu in the rubric", i, r->criterion_count);
    if (r->has_overall_threshold)
        same_decimal(child(root, "overall"), "threshold", r->overall_threshold,
                     "overall threshold");
    const xmlNode *agg = child(root, "aggregation");
    same_integer(agg, "min-reviewers", r->min_reviewers, 1);
    same_integer(agg, "trim-from", r->trim_from, 3);
    if (r->has_disagreement_limit)
        same_decimal(agg, "disagreement-limit", r->disagreement_limit, "disagreement-limit");
    i = 0;
    const xmlNode *elig = child(root, "eligibility");
    for (const xmlNode *c = elig ? elig->children : NULL; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (i >= r->rule_count)
            fuzz_fail("more rules in the file than in the rubric");
        if (!r->rules[i].is_text)
            same_decimal(c, "value", r->rules[i].value, "fact-rule value");
        i++;
    }
    xmlFreeDoc(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char *path;
    if (path == NULL)
        path = fuzz_path("rubric.xml"); /* once per process; reachable, not leaked */
    fuzz_write("rubric.xml", data, size);

    merit_ctx *ctx = merit_ctx_new();
    if (ctx == NULL)
        fuzz_fail("out of memory");
    merit_rubric *rubric = NULL;
    int rc = merit_rubric_load_file(ctx, path, &rubric);
    fuzz_check(ctx, rc, "merit_rubric_load_file");
    if ((rc == 0) != (rubric != NULL))
        fuzz_fail("merit_rubric_load_file returned %d with rubric %p", rc, (void *)rubric);
    if (rubric != NULL)
        check_numbers(data, size, rubric);
    merit_rubric_free(rubric);
    merit_ctx_free(ctx);

    /* the single-file check must agree with the loader */
    ctx = merit_ctx_new();
    if (ctx == NULL)
        fuzz_fail("out of memory");
    const char *kind = NULL;
    size_t count = 0;
    int vrc = merit_file_validate(ctx, path, &kind, &count);
    fuzz_check(ctx, vrc, "merit_file_validate");
    if (kind == NULL)
        fuzz_fail("merit_file_validate left no kind");
    if (rc == 0 && (vrc != 0 || strcmp(kind, "rubric") != 0))
        fuzz_fail("a rubric that loads does not validate as one (%d, %s)", vrc, kind);
    if (vrc == 0 && strcmp(kind, "rubric") == 0 && rc != 0)
        fuzz_fail("a rubric that validates does not load (%d)", rc);
    merit_ctx_free(ctx);
    return 0;
}
