/*
 * The HTML report (reports/html.c, reports/html_page.c): rendered for the
 * example call (proposals/mfg-2026) and parsed back with libxml2's XML
 * parser, which must find it well-formed; then its structure is read with
 * XPath: the ranking table's rows in the engine's order, the funding-line
 * row between the last funded and the first unfunded proposal, every
 * status, the charts' titles and captions, no script and no external URL.
 * A copy of the call with hostile text (a proposal titled
 * <script>alert(1)</script>, markup in a reviewer's name and a conflict's
 * reason) shows that text as text.
 *
 * Hand-checked facts of the example call, from tests/golden/mfg-2026.txt
 * and tests/golden/explain-P10.txt: the funding line falls after P03
 * (rank 6) and before P10 (rank 7); P10's total is 541/8 = 67.625, shown
 * 67.62 (half to even).
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "merit/model.h"
#include "merit/report.h"
#include "merit/result.h"
#include "report.h"
#include "support.h"

#define EXAMPLE MERIT_SOURCE_DIR "/proposals/mfg-2026"
#define HOSTILE_TITLE "<script>alert(1)</script>"

struct ranked {
    merit_ctx *ctx;
    merit_call *call;
    merit_result *res;
};

static void rank(const char *dir, struct ranked *r)
{
    r->ctx = merit_ctx_new();
    assert_non_null(r->ctx);
    assert_int_equal(merit_call_load(r->ctx, dir, &r->call), 0);
    assert_int_equal(merit_call_rank(r->ctx, r->call, NULL, &r->res), 0);
}

static void unrank(struct ranked *r)
{
    merit_result_free(r->res);
    merit_call_free(r->call);
    merit_ctx_free(r->ctx);
}

/* The report in memory (malloc'd). */
static char *render(const merit_result *res, const merit_report_options *opt, size_t *size_out)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    assert_non_null(f);
    merit_sink sink;
    merit_sink_init(&sink, f, false);
    assert_int_equal(merit_report_html(&sink, res, opt), 0);
    assert_int_equal(merit_sink_finish(&sink, NULL), 0);
    assert_int_equal(fclose(f), 0);
    *size_out = size;
    return buf;
}

/* Parsed as XML: NULL unless well-formed, namespaces included. */
static xmlDocPtr parse(const char *html, size_t size)
{
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    assert_non_null(ctxt);
    xmlDocPtr doc =
        xmlCtxtReadMemory(ctxt, html, (int)size, "report.html", "UTF-8", XML_PARSE_NONET);
    bool ok = doc != NULL && ctxt->wellFormed && ctxt->nsWellFormed;
    xmlFreeParserCtxt(ctxt);
    if (!ok) {
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

struct page {
    char *html;
    size_t size;
    xmlDocPtr doc;
    xmlXPathContextPtr xp;
};

static void page_open(struct page *pg, const merit_result *res, const merit_report_options *opt)
{
    pg->html = render(res, opt, &pg->size);
    pg->doc = parse(pg->html, pg->size);
    assert_non_null(pg->doc);
    pg->xp = xmlXPathNewContext(pg->doc);
    assert_non_null(pg->xp);
    assert_int_equal(xmlXPathRegisterNs(pg->xp, (const xmlChar *)"h",
                                        (const xmlChar *)"http://www.w3.org/1999/xhtml"),
                     0);
    assert_int_equal(xmlXPathRegisterNs(pg->xp, (const xmlChar *)"svg",
                                        (const xmlChar *)"http://www.w3.org/2000/svg"),
                     0);
}

static void page_close(struct page *pg)
{
    xmlXPathFreeContext(pg->xp);
    xmlFreeDoc(pg->doc);
    free(pg->html);
}

/* The nodes an XPath finds (the caller frees the object). */
static xmlXPathObjectPtr nodes(struct page *pg, const char *xpath)
{
    xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)xpath, pg->xp);
    assert_non_null(o);
    assert_int_equal(o->type, XPATH_NODESET);
    return o;
}

static size_t count(struct page *pg, const char *xpath)
{
    xmlXPathObjectPtr o = nodes(pg, xpath);
    size_t n = o->nodesetval != NULL ? (size_t)o->nodesetval->nodeNr : 0;
    xmlXPathFreeObject(o);
    return n;
}

/* The string value of an XPath expression, malloc'd. */
static char *text_of(struct page *pg, const char *xpath)
{
    char *expr = t_sprintf("string(%s)", xpath);
    xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr, pg->xp);
    free(expr);
    assert_non_null(o);
    assert_int_equal(o->type, XPATH_STRING);
    char *s = strdup((const char *)o->stringval);
    xmlXPathFreeObject(o);
    assert_non_null(s);
    return s;
}

static void assert_text(struct page *pg, const char *xpath, const char *expected)
{
    char *s = text_of(pg, xpath);
    if (strcmp(s, expected) != 0)
        fail_msg("%s: expected '%s', got '%s'", xpath, expected, s);
    free(s);
}

static char *attr(xmlNodePtr node, const char *name)
{
    xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
    char *s = v != NULL ? strdup((const char *)v) : NULL;
    xmlFree(v);
    return s;
}

/* Rows in the engine's order, the funding line after the last funded
 * proposal, each status as the engine has it. */
static void test_ranking_structure(void **state)
{
    (void)state;
    struct ranked r;
    rank(EXAMPLE, &r);
    merit_report_options opt = {.places = 2};
    struct page pg;
    page_open(&pg, r.res, &opt);

    assert_int_equal(count(&pg, "//h:table[@id='ranking']"), 1);
    assert_int_equal(count(&pg, "//h:table[@id='ranking']/h:caption"), 1);
    assert_true(count(&pg, "//h:table[@id='ranking']/h:thead/h:tr/h:th[@scope='col']") >= 8);
    assert_int_equal(count(&pg, "//h:tr[contains(concat(' ', @class, ' '), ' funding-line ')]"), 1);

    /* every row of the table's bodies: proposals and the funding line */
    xmlXPathObjectPtr rows = nodes(&pg, "//h:table[@id='ranking']/h:tbody/h:tr[@data-id or "
                                        "@class='funding-line']");
    assert_non_null(rows->nodesetval);
    assert_int_equal(rows->nodesetval->nodeNr, (int)r.call->proposal_count + 1);
    size_t k = 0;
    int line_at = -1;
    for (int i = 0; i < rows->nodesetval->nodeNr; i++) {
        xmlNodePtr tr = rows->nodesetval->nodeTab[i];
        char *cls = attr(tr, "class");
        bool line = cls != NULL && strcmp(cls, "funding-line") == 0;
        free(cls);
        if (line) {
            line_at = i;
            continue;
        }
        const merit_proposal_result *pr = &r.res->proposals[r.res->order[k]];
        char *id = attr(tr, "data-id"), *status = attr(tr, "data-status");
        char *rank_attr = attr(tr, "data-rank");
        assert_string_equal(id, r.call->proposals[pr->proposal].id);
        assert_string_equal(status, merit_status_name(pr->status));
        if (k < r.res->ranked_count) {
            char *want = t_sprintf("%zu", pr->rank);
            assert_non_null(rank_attr);
            assert_string_equal(rank_attr, want);
            free(want);
        } else {
            assert_null(rank_attr);
        }
        free(id);
        free(status);
        free(rank_attr);
        k++;
    }
    xmlXPathFreeObject(rows);
    assert_int_equal(k, r.call->proposal_count);
    /* hand-checked: six funded (P01, P02, P04, P05, P08, P03), then the line */
    assert_int_equal(line_at, 6);
    assert_text(&pg, "//h:tr[@class='funding-line']/preceding-sibling::h:tr[1]/@data-id", "P03");
    assert_text(&pg, "//h:tr[@class='funding-line']/preceding-sibling::h:tr[1]/@data-status",
                "funded");
    assert_text(&pg, "//h:tr[@class='funding-line']/following-sibling::h:tr[1]/@data-id", "P10");
    assert_text(&pg, "//h:tr[@class='funding-line']/following-sibling::h:tr[1]/@data-status",
                "reserve");

    /* a status is a label as well as a colour */
    assert_text(&pg, "//h:tr[@data-id='P10']//h:span[contains(@class,'st-reserve')]", "reserve");
    /* the rounded total with the exact one as its title: 541/8 = 67.625 */
    assert_text(&pg, "//h:tr[@data-id='P10']/h:td[@title='541/8']", "67.62");

    /* the charts: a title and a caption each; the totals chart marks the
     * line, and one histogram per criterion */
    size_t charts = count(&pg, "//svg:svg[@class='chart']");
    assert_int_equal(charts, 1 + r.call->rubric->criterion_count);
    assert_int_equal(count(&pg, "//svg:svg[@class='chart']/svg:title"), charts);
    assert_int_equal(count(&pg, "//h:figure/h:figcaption"), charts);
    assert_int_equal(count(&pg, "//h:figure[@id='totals-chart']//svg:line[@class='marker']"), 1);
    assert_int_equal(count(&pg, "//h:figure[@id='totals-chart']//svg:path[@class='bar-funded']"),
                     1);

    /* the header and the sections */
    assert_int_equal(count(&pg, "//h:meta[@http-equiv='Content-Security-Policy' and "
                                "@content=\"default-src 'none'; style-src 'unsafe-inline'; "
                                "img-src data:\"]"),
                     1);
    assert_int_equal(count(&pg, "//h:style[contains(., '@media print')]"), 1);
    assert_int_equal(count(&pg, "//h:section[@id='not-ranked']//h:tbody/h:tr"),
                     r.call->proposal_count - r.res->ranked_count);
    assert_int_equal(count(&pg, "//h:section[@id='excluded']//h:tbody/h:tr"), 1);
    assert_int_equal(count(&pg, "//h:section[@id='inputs']//h:tbody/h:tr"), r.call->file_count);
    /* alpha on the totals 0.80 and 0.77, as merit stats gives them
     * (tests/golden/stats-mfg-2026.txt); no reviewer flagged */
    assert_int_equal(count(&pg, "//h:section[@id='agreement']/h:p[contains(., 'totals: 0.80 "
                                "(interval), 0.77 (ordinal)')]"),
                     1);
    assert_int_equal(count(&pg, "//h:section[@id='agreement']/h:p[contains(., 'or more): none.')]"),
                     1);
    assert_text(&pg, "//h:dl[@id='call']/h:dt[.='Date of the run']/following-sibling::h:dd[1]",
                "not recorded (set SOURCE_DATE_EPOCH to date the report; the audit trail "
                "records the time of its run)");
    /* every table has a caption */
    assert_int_equal(count(&pg, "//h:table[not(h:caption)]"), 0);

    page_close(&pg);
    unrank(&r);
}

/* No script, no external resource: the only URLs are the two namespace
 * names, which nothing fetches. */
static void test_self_contained(void **state)
{
    (void)state;
    struct ranked r;
    rank(EXAMPLE, &r);
    merit_report_options opt = {.places = 2};
    struct page pg;
    page_open(&pg, r.res, &opt);
    assert_int_equal(count(&pg, "//*[local-name()='script' or local-name()='link' or "
                                "local-name()='img' or local-name()='iframe' or "
                                "local-name()='object' or local-name()='embed']"),
                     0);
    assert_int_equal(count(&pg, "//@*[local-name()='src' or local-name()='href' or "
                                "local-name()='srcset' or local-name()='action']"),
                     0);
    assert_null(strstr(pg.html, "<script"));
    assert_null(strstr(pg.html, "//fonts"));
    assert_null(strstr(pg.html, "@import"));
    size_t urls = 0;
    for (const char *p = strstr(pg.html, "//"); p != NULL; p = strstr(p + 2, "//"))
        urls++;
    size_t namespaces = 0;
    const char *const allowed[] = {"\"http://www.w3.org/1999/xhtml\"",
                                   "\"http://www.w3.org/2000/svg\""};
    for (size_t a = 0; a < 2; a++)
        for (const char *p = strstr(pg.html, allowed[a]); p != NULL; p = strstr(p + 1, allowed[a]))
            namespaces++;
    assert_int_equal(urls, namespaces);
    /* url() only to the page's own patterns */
    for (const char *p = strstr(pg.html, "url("); p != NULL; p = strstr(p + 1, "url("))
        assert_true(p[4] == '#');
    page_close(&pg);
    unrank(&r);
}

/* The same bytes every time; a date only when one is given. */
static void test_deterministic_and_dated(void **state)
{
    (void)state;
    struct ranked r;
    rank(EXAMPLE, &r);
    merit_report_options opt = {.places = 2};
    size_t a_size, b_size;
    char *a = render(r.res, &opt, &a_size), *b = render(r.res, &opt, &b_size);
    assert_int_equal(a_size, b_size);
    assert_memory_equal(a, b, a_size);
    free(a);
    free(b);

    /* `date -u -d @1800000000`: Fri Jan 15 08:00:00 UTC 2027 */
    opt.dated = true;
    opt.time = 1800000000;
    struct page pg;
    page_open(&pg, r.res, &opt);
    assert_text(&pg, "//h:dl[@id='call']/h:dt[.='Date of the run']/following-sibling::h:dd[1]",
                "2027-01-15 08:00:00 UTC");
    assert_text(&pg, "//h:time/@datetime", "2027-01-15T08:00:00Z");
    page_close(&pg);
    unrank(&r);
}

/* A copy of the example call in a scratch folder. */
static void copy_tree(const char *from, const char *to, const char *rel)
{
    char *dir = rel[0] ? t_path(from, rel) : strdup(from);
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *sub = rel[0] ? t_sprintf("%s/%s", rel, e->d_name) : strdup(e->d_name);
        if (strcmp(e->d_name, "proposals") == 0 || strcmp(e->d_name, "reviews") == 0) {
            copy_tree(from, to, sub);
        } else {
            char *path = t_path(from, sub);
            size_t size;
            char *bytes = t_read(path, &size);
            assert_non_null(bytes);
            t_write_bytes(to, sub, bytes, size);
            free(bytes);
            free(path);
        }
        free(sub);
    }
    closedir(d);
    free(dir);
}

/* Hostile text from the inputs shows as text: the title, a reviewer's name
 * and a conflict's reason, each with markup in it. */
static void test_hostile_text(void **state)
{
    (void)state;
    char *dir = t_tempdir();
    copy_tree(EXAMPLE, dir, "");
    t_copy_edited(dir, "proposals/P01.xml", "proposals/P01.xml",
                  "<title>Closed-loop melt-pool control to cut qualification time for Ti-6Al-4V "
                  "laser powder bed fusion brackets</title>",
                  "<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>");
    t_copy_edited(dir, "call.xml", "call.xml", "<name>Dr. Thomas Beaulieu</name>",
                  "<name>Eve &lt;img src=x onerror=alert(2)&gt; &amp; \"Co\" 'x'</name>");
    t_copy_edited(dir, "call.xml", "call.xml", "the review is excluded.",
                  "the review is excluded. &lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;style&gt;");
    struct ranked r;
    rank(dir, &r);
    merit_report_options opt = {.places = 2};
    struct page pg;
    page_open(&pg, r.res, &opt);
    assert_int_equal(count(&pg, "//*[local-name()='script' or local-name()='img']"), 0);
    assert_int_equal(count(&pg, "//h:style"), 1);
    assert_null(strstr(pg.html, "<script"));
    assert_null(strstr(pg.html, "<img"));
    assert_text(&pg, "//h:table[@id='ranking']//h:tr[@data-id='P01']/h:td[2]", HOSTILE_TITLE);
    assert_text(&pg, "//h:section[@id='excluded']//h:tr/h:td[2]",
                "Eve <img src=x onerror=alert(2)> & \"Co\" 'x'");
    char *reason = text_of(&pg, "//h:section[@id='excluded']//h:tr/h:td[3]");
    const char *tail = "the review is excluded. </td></tr></table><style>";
    assert_true(strlen(reason) >= strlen(tail));
    assert_string_equal(reason + strlen(reason) - strlen(tail), tail);
    free(reason);
    /* the page's <title> holds the call's title, not the proposal's */
    assert_text(&pg, "/h:html/h:head/h:title",
                "Ranking of MFG-2026-01: Manufacturing USA 2026 open project call");
    page_close(&pg);
    unrank(&r);
    t_rmtree(dir);
    free(dir);
}

/* The page scaffolding on its own: what another page builds on. */
static void test_page_scaffolding(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    assert_non_null(f);
    merit_sink sink;
    merit_sink_init(&sink, f, false);
    merit__html_begin(&sink, "A & <b>", "en\"x");
    merit_sink_puts(&sink, "<p>body</p>\n");
    merit__html_end(&sink);
    assert_int_equal(merit_sink_finish(&sink, NULL), 0);
    assert_int_equal(fclose(f), 0);
    xmlDocPtr doc = parse(buf, size);
    assert_non_null(doc);
    assert_true(strncmp(buf, "<!DOCTYPE html>\n", 16) == 0);
    assert_non_null(strstr(buf, "<title>A &amp; &lt;b&gt;</title>"));
    assert_non_null(strstr(buf, "lang=\"en&quot;x\""));
    xmlFreeDoc(doc);
    free(buf);
}

/* The grey zone with intervals (1000 resamples, the call's id as seed):
 * the line after position 6, P03 (rank 6, 6-7) and P10 (rank 7, 5-8) in
 * it, as the text report shows them (tests/golden/mfg-2026-intervals.txt),
 * and no grey-zone section without intervals (test_ranking_structure's
 * page has none). */
static void test_grey_zone_section(void **state)
{
    (void)state;
    struct ranked r;
    r.ctx = merit_ctx_new();
    assert_non_null(r.ctx);
    assert_int_equal(merit_call_load(r.ctx, EXAMPLE, &r.call), 0);
    merit_rank_options ro = {.resamples = 1000};
    assert_int_equal(merit_call_rank(r.ctx, r.call, &ro, &r.res), 0);
    merit_report_options opt = {.places = 2};
    struct page pg;
    page_open(&pg, r.res, &opt);
    assert_int_equal(count(&pg, "//h:section[@id='grey-zone']/h:p[contains(., 'the funding line "
                                "falls after position 6. 2 proposals lie in the grey zone')]"),
                     1);
    assert_int_equal(count(&pg, "//h:table[@id='grey']/h:tbody/h:tr"), 2);
    assert_text(&pg, "//h:table[@id='grey']/h:tbody/h:tr[1]/h:td[2]", "6\u20137");
    assert_text(&pg, "//h:table[@id='grey']/h:tbody/h:tr[2]/h:th", "P10");
    assert_text(&pg, "//h:table[@id='grey']/h:tbody/h:tr[2]/h:td[2]", "5\u20138");
    page_close(&pg);
    unrank(&r);

    rank(EXAMPLE, &r);
    page_open(&pg, r.res, &opt);
    assert_int_equal(count(&pg, "//h:section[@id='grey-zone']"), 0);
    page_close(&pg);
    unrank(&r);
}

int main(void)
{
    xmlInitParser();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ranking_structure),       cmocka_unit_test(test_self_contained),
        cmocka_unit_test(test_deterministic_and_dated), cmocka_unit_test(test_hostile_text),
        cmocka_unit_test(test_page_scaffolding),        cmocka_unit_test(test_grey_zone_section),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    xmlCleanupParser();
    return rc;
}
