/*
 * The files of a new call (merit/skeleton.h): call.xml, the plain rubric,
 * and an example proposal built from what the rubric requires, so that no
 * rubric's needs are written down twice (rubric.c works them out).
 */
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "internal.h"
#include "merit/skeleton.h"
#include "xml_write.h"

static const char plain_rubric[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<!-- The call's rubric, written by merit init: a plain one, to edit.\n"
    "\n"
    "     Each reviewer scores every criterion from 1 (weak) to 5 (excellent) in\n"
    "     whole points. A proposal's score on a criterion is the mean of its\n"
    "     reviewers' scores, and its total is the sum of those, each times the\n"
    "     criterion's weight: with three criteria of weight 1, from 3 to 15.\n"
    "     A proposal needs two reviews to be ranked. There is no threshold, no\n"
    "     eligibility rule and no tie-break, so a proposal needs nothing beyond\n"
    "     an id, the call, a title and the amount it requests.\n"
    "\n"
    "     To edit: the criteria (ids, names, weights, guidance for reviewers),\n"
    "     the scale, and what docs/formats.md (\"Rubric\") describes beside\n"
    "     them: thresholds, levels, rules on facts and on the text of\n"
    "     sections, tie-breaks, and <requires> for what every proposal must\n"
    "     carry. Change the rubric before the reviews come in: the score\n"
    "     sheets name its criteria and follow its scale. -->\n"
    "<rubric xmlns=\"urn:merit:1\" id=\"plain\" version=\"1\">\n"
    "  <title>Quality, impact and feasibility</title>\n"
    "  <scale min=\"1\" max=\"5\" step=\"1\" direction=\"higher-is-better\"/>\n"
    "  <criteria>\n"
    "    <criterion id=\"quality\" weight=\"1\">\n"
    "      <name>Quality of the idea</name>\n"
    "      <guidance>Is the problem worth solving, and is the idea sound and "
    "clearly explained?</guidance>\n"
    "    </criterion>\n"
    "    <criterion id=\"impact\" weight=\"1\">\n"
    "      <name>Expected impact</name>\n"
    "      <guidance>Who gains if it works, how many, and how much?</guidance>\n"
    "    </criterion>\n"
    "    <criterion id=\"feasibility\" weight=\"1\">\n"
    "      <name>Feasibility of the plan</name>\n"
    "      <guidance>Can this team do it with the money and time asked "
    "for?</guidance>\n"
    "    </criterion>\n"
    "  </criteria>\n"
    "  <aggregation method=\"mean\" min-reviewers=\"2\"/>\n"
    "</rubric>\n";

const char *merit_skeleton_plain_rubric(void)
{
    return plain_rubric;
}

const unsigned char *merit_skeleton_shipped_rubric(const char *name, size_t *size_out)
{
    for (const struct merit_embedded_file *f = merit__embedded_rubrics; f->name != NULL; f++)
        if (name != NULL && strcmp(f->name, name) == 0) {
            *size_out = f->size;
            return f->bytes;
        }
    *size_out = 0;
    return NULL;
}

/* Text inside a comment, wrapped to lines of about 76 characters, each
 * line after the first starting with `indent`; column is where the text
 * starts. Returns the column where it ends. */
static size_t put_wrapped(FILE *out, const char *text, const char *indent, size_t column)
{
    const char *p = text;
    while (*p) {
        size_t word = strcspn(p, " ");
        if (column + 1 + word > 76 && column > strlen(indent)) {
            fputc('\n', out);
            fputs(indent, out);
            column = strlen(indent);
        } else if (p != text) {
            fputc(' ', out);
            column++;
        }
        char *piece = merit__strndup(p, word);
        merit__xw_comment(out, piece != NULL ? piece : "?");
        free(piece);
        column += word;
        p += word;
        while (*p == ' ')
            p++;
    }
    return column;
}

int merit_skeleton_call_write(FILE *out, const merit_skeleton_call *c)
{
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- The call ", out);
    merit__xw_comment(out, c->id);
    fputs(", written by merit init.\n\n", out);
    fputs("     To fill in: the title; the money available for awards, in ", out);
    merit__xw_comment(out, c->currency);
    fputs(" (the\n     funding line is drawn against it); and the panel, one <reviewer> "
          "per\n     reviewer, each with an id of its own (their score sheets name it) "
          "and\n     a name. ",
          out);
    if (c->rubric_name != NULL) {
        fputs("The rubric is merit's shipped rubric '", out);
        merit__xw_comment(out, c->rubric_name);
        fputs("';\n     to edit it, merit init copies it into the folder with the option\n"
              "     copy-rubric.",
              out);
    } else {
        fputs("The rubric is rubric.xml, in this folder.", out);
    }
    fputs("\n     docs/formats.md (\"call.xml\") describes every part. -->\n", out);
    fputs("<call xmlns=\"urn:merit:1\" id=\"", out);
    merit__xw_attr(out, c->id);
    fputs("\" currency=\"", out);
    merit__xw_attr(out, c->currency);
    fputs("\">\n  <title>", out);
    merit__xw_text(out, c->title);
    fputs("</title>\n  <budget available=\"", out);
    merit__xw_attr(out, c->budget);
    fputs("\"/>\n", out);
    if (c->rubric_name != NULL) {
        fputs("  <rubric name=\"", out);
        merit__xw_attr(out, c->rubric_name);
        fputs("\"/>\n", out);
    } else {
        fputs("  <rubric href=\"rubric.xml\"/>\n", out);
    }
    fputs("  <panel>\n", out);
    for (size_t i = 0; i < c->reviewer_count; i++) {
        fputs("    <reviewer id=\"", out);
        merit__xw_attr(out, c->reviewers[i]);
        fputs("\"><name>Reviewer ", out);
        merit__xw_text(out, c->reviewers[i]);
        fputs("</name></reviewer>\n", out);
    }
    fputs("  </panel>\n</call>\n", out);
    return ferror(out) ? -1 : 0;
}

/* --- the example proposal -------------------------------------------------- */

static bool requires_kind(const merit_rubric *rb, merit_need need)
{
    for (size_t k = 0; k < rb->requirement_count; k++)
        if (rb->requirements[k].need == need)
            return true;
    return false;
}

static const char *field_name(unsigned bit)
{
    switch (bit) {
    case MERIT_ORG_GIVEN_TYPE:
        return "type";
    case MERIT_ORG_GIVEN_EMPLOYEES:
        return "employees";
    case MERIT_ORG_GIVEN_LOCATION:
        return "location";
    default:
        return "supply-chain";
    }
}

/* "<!-- Rubric 'x' requires this: why; why. -->" for the requirements of
 * kind a or b (and of that name, when name is not NULL), each reason once,
 * wrapped; the organisation fields required are named. */
static void put_why(FILE *out, const merit_rubric *rb, const char *indent, merit_need a,
                    merit_need b, const char *name)
{
    char *fields = NULL;
    for (size_t k = 0; k < rb->requirement_count; k++) {
        const merit_requirement *q = &rb->requirements[k];
        if (q->need != MERIT_NEED_ORG_FIELD || (a != q->need && b != q->need))
            continue;
        char *more = merit__sprintf("%s%s'%s'", fields != NULL ? fields : "",
                                    fields != NULL ? ", " : "", field_name(q->field));
        free(fields);
        fields = more;
    }
    char *text = fields != NULL ? merit__sprintf("Rubric '%s' requires this, with %s on every "
                                                 "organisation:",
                                                 rb->id, fields)
                                : merit__sprintf("Rubric '%s' requires this:", rb->id);
    free(fields);
    size_t said = 0; /* reasons so far */
    for (size_t k = 0; k < rb->requirement_count && text != NULL; k++) {
        const merit_requirement *q = &rb->requirements[k];
        if ((q->need != a && q->need != b) ||
            (name != NULL && (q->name == NULL || strcmp(q->name, name) != 0)))
            continue;
        bool again = false; /* the same reason as one said already */
        for (size_t i = 0; i < k && !again; i++) {
            const merit_requirement *p = &rb->requirements[i];
            again = (p->need == a || p->need == b) &&
                    (name == NULL || (p->name != NULL && strcmp(p->name, name) == 0)) &&
                    strcmp(p->reason, q->reason) == 0;
        }
        if (again)
            continue;
        char *more = merit__sprintf("%s%s %s", text, said > 0 ? ";" : "", q->reason);
        free(text);
        text = more;
        said++;
    }
    char *cont = merit__sprintf("%s     ", indent);
    fputs(indent, out);
    fputs("<!-- ", out);
    size_t column = put_wrapped(out, text != NULL ? text : "?", cont != NULL ? cont : "     ",
                                strlen(indent) + 5);
    fputs(column + 5 > 78 ? ".\n" : ". -->\n", out);
    if (column + 5 > 78) {
        fputs(cont != NULL ? cont : "     ", out);
        fputs("-->\n", out);
    }
    free(cont);
    free(text);
}

static void put_rules(FILE *out, const merit_rubric *rb)
{
    if (rb->rule_count == 0)
        return;
    fputs("\n     Its eligibility rules (a proposal that breaks one is not ranked):\n", out);
    for (size_t k = 0; k < rb->rule_count; k++) {
        const merit_rule *r = &rb->rules[k];
        fputs("       ", out);
        char *line = merit__sprintf("%s: %s", r->id, r->message);
        put_wrapped(out, line != NULL ? line : "?", "         ", 7);
        free(line);
        fputs("\n", out);
    }
}

static void put_section(FILE *out, const merit_rubric *rb, const char *name)
{
    put_why(out, rb, "    ", MERIT_NEED_SECTION, MERIT_NEED_SECTION, name);
    int known = merit_section_known(name);
    if (known == MERIT_SECTION_MILESTONES) {
        fputs("    <milestones>\n"
              "      <milestone id=\"m1\" due=\"2028-06-30\">\n"
              "        <metric>A first measurable result, with its number: 1 prototype "
              "tested</metric>\n"
              "        <description>How it is reached and how it is checked.</description>\n"
              "      </milestone>\n"
              "      <milestone id=\"m2\" due=\"2028-12-31\">\n"
              "        <metric>The final result, with its number: 2 users served</metric>\n"
              "        <description>How it is reached and how it is checked.</description>\n"
              "      </milestone>\n"
              "    </milestones>\n",
              out);
        return;
    }
    if (known >= 0) {
        fprintf(out, "    <%s>What the proposal says on its %s.</%s>\n", name, name, name);
        return;
    }
    fputs("    <section name=\"", out);
    merit__xw_attr(out, name);
    fputs("\">What the proposal says under '", out);
    merit__xw_text(out, name);
    fputs("'.</section>\n", out);
}

int merit_skeleton_proposal_write(FILE *out, const merit_rubric *rb, const char *call_id,
                                  const char *currency, const char *proposal_id)
{
    bool months = requires_kind(rb, MERIT_NEED_MONTHS);
    bool budget = requires_kind(rb, MERIT_NEED_BUDGET);
    char *head = merit__sprintf(
        "Proposal %s of call %s: an example written by merit init, to fill in. Replace each "
        "text and number, keep the elements in their order, and copy the file once per "
        "proposal (one file a proposal, each with an id of its own), or import a table of "
        "proposals (merit import proposals).",
        proposal_id, call_id);
    char *core = merit__sprintf(
        "Every proposal has an id, the call's id, a title, and the amount it requests in %s "
        "%s; who applies is optional. Rubric '%s' %s",
        currency, budget ? "(here, the federal total of its budget)" : "(above zero)", rb->id,
        rb->requirement_count == 0 ? "requires nothing more."
                                   : "requires more, each part marked below.");
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- ", out);
    put_wrapped(out, head != NULL ? head : "?", "     ", 5);
    fputs("\n\n     ", out);
    put_wrapped(out, core != NULL ? core : "?", "     ", 5);
    fputs("\n", out);
    free(head);
    free(core);
    put_rules(out, rb);
    fputs("\n     docs/formats.md (\"Proposal\") describes every part a proposal may\n"
          "     have. -->\n",
          out);
    fputs("<proposal xmlns=\"urn:merit:1\" id=\"", out);
    merit__xw_attr(out, proposal_id);
    fputs("\" call=\"", out);
    merit__xw_attr(out, call_id);
    fputs(months ? "\" months=\"24\">\n" : "\">\n", out);
    if (months)
        put_why(out, rb, "  ", MERIT_NEED_MONTHS, MERIT_NEED_MONTHS, NULL);
    fputs("  <title>Title of the project</title>\n", out);
    if (requires_kind(rb, MERIT_NEED_APPLICANT))
        put_why(out, rb, "  ", MERIT_NEED_APPLICANT, MERIT_NEED_APPLICANT, NULL);
    fputs("  <applicant>Who applies</applicant>\n", out);
    if (requires_kind(rb, MERIT_NEED_AREA)) {
        put_why(out, rb, "  ", MERIT_NEED_AREA, MERIT_NEED_AREA, NULL);
        fputs("  <area>Field of the project</area>\n", out);
    }
    if (!budget)
        fputs("  <request amount=\"10000\"/>\n", out);
    if (requires_kind(rb, MERIT_NEED_TEAM) || requires_kind(rb, MERIT_NEED_ORG_FIELD)) {
        put_why(out, rb, "  ", MERIT_NEED_TEAM, MERIT_NEED_ORG_FIELD, NULL);
        fputs("  <team>\n    <organisation id=\"lead\" lead=\"true\"", out);
        static const struct {
            unsigned bit;
            const char *attr;
        } fields[] = {{MERIT_ORG_GIVEN_TYPE, " type=\"sme\""},
                      {MERIT_ORG_GIVEN_EMPLOYEES, " employees=\"50\""},
                      {MERIT_ORG_GIVEN_LOCATION, " location=\"US\""},
                      {MERIT_ORG_GIVEN_SUPPLY_CHAIN, " supply-chain=\"research\""}};
        for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++)
            for (size_t k = 0; k < rb->requirement_count; k++)
                if (rb->requirements[k].need == MERIT_NEED_ORG_FIELD &&
                    rb->requirements[k].field == fields[f].bit) {
                    fputs(fields[f].attr, out);
                    break;
                }
        fputs(">\n      <name>Lead organisation</name>\n    </organisation>\n  </team>\n", out);
    }
    if (requires_kind(rb, MERIT_NEED_SECTION)) {
        fputs("  <sections>\n", out);
        /* the requirements come in the order of sections in a proposal */
        for (size_t k = 0; k < rb->requirement_count; k++)
            if (rb->requirements[k].need == MERIT_NEED_SECTION)
                put_section(out, rb, rb->requirements[k].name);
        fputs("  </sections>\n", out);
    }
    if (requires_kind(rb, MERIT_NEED_FACT)) {
        fputs("  <facts>\n", out);
        for (size_t k = 0; k < rb->requirement_count; k++) {
            const merit_requirement *q = &rb->requirements[k];
            if (q->need != MERIT_NEED_FACT)
                continue;
            put_why(out, rb, "    ", MERIT_NEED_FACT, MERIT_NEED_FACT, q->name);
            fputs("    <fact name=\"", out);
            merit__xw_attr(out, q->name);
            fputs("\" value=\"0\"/>\n", out);
        }
        fputs("  </facts>\n", out);
    }
    if (budget) {
        /* one year per 12 months; federal money one half of the cost */
        unsigned years = months ? 2 : 1;
        put_why(out, rb, "  ", MERIT_NEED_BUDGET, MERIT_NEED_BUDGET, NULL);
        fputs("  <budget>\n", out);
        for (unsigned y = 1; y <= years; y++)
            fprintf(out,
                    "    <year number=\"%u\" federal=\"50000\" cash=\"30000\" "
                    "in-kind=\"20000\"/>\n",
                    y);
        fprintf(out,
                "    <total federal=\"%u\" cash=\"%u\" in-kind=\"%u\"/>\n"
                "  </budget>\n",
                50000 * years, 30000 * years, 20000 * years);
    }
    fputs("</proposal>\n", out);
    return ferror(out) ? -1 : 0;
}
