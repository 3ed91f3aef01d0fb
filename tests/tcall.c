/* The shared call builder of the ranking tests: see tcall.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "tcall.h"

#include "merit/number.h"

void tc_begin(struct tcall *t)
{
    memset(t, 0, sizeof(*t));
    t->dir = t_tempdir();
    t_mkdirs(t->dir, "proposals");
    t_mkdirs(t->dir, "reviews");
}

/* A rubric: scale attributes, criteria elements, then whatever follows the
 * criteria (overall, aggregation, funding, tie-break, eligibility). */
void tc_rubric(struct tcall *t, const char *scale, const char *criteria, const char *rest)
{
    char *x = t_sprintf("<rubric xmlns=\"urn:merit:1\" id=\"t\" version=\"1\"><title>t</title>"
                        "<scale %s/><criteria>%s</criteria>%s</rubric>\n",
                        scale, criteria, rest);
    t_write(t->dir, "rubric.xml", x);
    free(x);
}

/* A call with budget (currency units), reviewers r1..rN, optional
 * call-level conflicts. */
void tc_call(struct tcall *t, const char *budget, int reviewers, const char *conflicts)
{
    char panel[2048] = "";
    for (int i = 1; i <= reviewers; i++) {
        size_t o = strlen(panel);
        snprintf(panel + o, sizeof(panel) - o, "<reviewer id=\"r%d\"><name>R%d</name></reviewer>",
                 i, i);
    }
    char *x = t_sprintf("<call xmlns=\"urn:merit:1\" id=\"C\" currency=\"USD\"><title>c</title>"
                        "<budget available=\"%s\"/><rubric href=\"rubric.xml\"/><panel>%s</panel>%s"
                        "</call>\n",
                        budget, panel, conflicts ? conflicts : "");
    t_write(t->dir, "call.xml", x);
    free(x);
}

/* A 12-month proposal with one budget year; smes of its orgs are SMEs, the
 * rest large firms. milestones: 2 with numbers. */
void tc_proposal(struct tcall *t, const char *id, const char *federal, const char *cash,
                 const char *in_kind, int smes, int large)
{
    char orgs[4096] = "";
    for (int i = 0; i < smes + large; i++) {
        size_t o = strlen(orgs);
        snprintf(orgs + o, sizeof(orgs) - o,
                 "<organisation id=\"o%d\" lead=\"%s\" type=\"%s\" employees=\"%d\" "
                 "location=\"US-OH\" supply-chain=\"research\"><name>Org %d</name></organisation>",
                 i, i == 0 ? "true" : "false", i < smes ? "sme" : "large", i < smes ? 50 : 5000, i);
    }
    char *x = t_sprintf(
        "<proposal xmlns=\"urn:merit:1\" id=\"%s\" call=\"C\" months=\"12\"><title>Title of %s"
        "</title><area>a</area><team>%s</team><sections><problem>p</problem><approach>a b c"
        "</approach><milestones><milestone id=\"m1\" due=\"2027-01-01\"><metric>10 parts"
        "</metric><description>d</description></milestone><milestone id=\"m2\" "
        "due=\"2027-06-01\"><metric>20 parts</metric><description>d</description></milestone>"
        "</milestones><management>m</management><diffusion>d</diffusion><sme-involvement>s"
        "</sme-involvement></sections><budget><year number=\"1\" federal=\"%s\" cash=\"%s\" "
        "in-kind=\"%s\"/><total federal=\"%s\" cash=\"%s\" in-kind=\"%s\"/></budget></proposal>\n",
        id, id, orgs, federal, cash, in_kind, federal, cash, in_kind);
    char name[64];
    snprintf(name, sizeof(name), "proposals/%s.xml", id);
    t_write(t->dir, name, x);
    free(x);
}

/* A review: "P1", confidence, and "a=7 b=8 c=-" (- is a no-score). */
char *tc_review(const char *proposal, int confidence, const char *scores)
{
    char body[4096] = "";
    char *copy = strdup(scores);
    for (char *save = NULL, *tok = strtok_r(copy, " ", &save); tok;
         tok = strtok_r(NULL, " ", &save)) {
        char *eq = strchr(tok, '=');
        assert_non_null(eq);
        *eq = '\0';
        size_t o = strlen(body);
        if (strcmp(eq + 1, "-") == 0)
            snprintf(body + o, sizeof(body) - o, "<no-score criterion=\"%s\">n/a</no-score>", tok);
        else if (strchr(eq + 1, '@') != NULL) {
            /* value@confidence */
            char *at = strchr(eq + 1, '@');
            *at = '\0';
            snprintf(body + o, sizeof(body) - o,
                     "<score criterion=\"%s\" value=\"%s\" confidence=\"%s\">c</score>", tok,
                     eq + 1, at + 1);
        } else
            snprintf(body + o, sizeof(body) - o, "<score criterion=\"%s\" value=\"%s\">c</score>",
                     tok, eq + 1);
    }
    free(copy);
    return t_sprintf("<review proposal=\"%s\" confidence=\"%d\">%s</review>", proposal, confidence,
                     body);
}

/* A sheet for reviewer rN holding the given reviews (NULL-terminated,
 * freed here). */
void tc_sheet(struct tcall *t, int reviewer, ...)
{
    char body[16384] = "";
    va_list ap;
    va_start(ap, reviewer);
    for (char *r = va_arg(ap, char *); r != NULL; r = va_arg(ap, char *)) {
        strncat(body, r, sizeof(body) - strlen(body) - 1);
        free(r);
    }
    va_end(ap);
    char *x = t_sprintf("<sheet xmlns=\"urn:merit:1\" reviewer=\"r%d\" call=\"C\">%s</sheet>\n",
                        reviewer, body);
    char name[64];
    snprintf(name, sizeof(name), "reviews/r%d.xml", reviewer);
    t_write(t->dir, name, x);
    free(x);
}

void tc_rank_with(struct tcall *t, const merit_rank_options *opt)
{
    t->ctx = merit_ctx_new();
    assert_non_null(t->ctx);
    int rc = merit_call_load(t->ctx, t->dir, &t->call);
    if (rc != 0)
        t_print_diags(t->ctx);
    assert_int_equal(rc, 0);
    rc = merit_call_rank(t->ctx, t->call, opt, &t->res);
    if (rc != 0)
        t_print_diags(t->ctx);
    assert_int_equal(rc, 0);
}

void tc_rank(struct tcall *t)
{
    tc_rank_with(t, NULL);
}

void tc_end(struct tcall *t)
{
    merit_result_free(t->res);
    merit_call_free(t->call);
    merit_ctx_free(t->ctx);
    t_rmtree(t->dir);
    free(t->dir);
}

const merit_proposal_result *result_of(const struct tcall *t, const char *id)
{
    for (size_t i = 0; i < t->call->proposal_count; i++)
        if (strcmp(t->call->proposals[i].id, id) == 0)
            return &t->res->proposals[i];
    fail_msg("no proposal %s", id);
    return NULL;
}

/* Asserts that q equals the fraction written as text ("22/3", "5"). */
void assert_exact(const mpq_t q, const char *expected)
{
    char *s = merit_fraction_string(q);
    if (strcmp(s, expected) != 0)
        fail_msg("exact value %s, expected %s", s, expected);
    free(s);
}
