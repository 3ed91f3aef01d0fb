/*
 * Fuzzes eligibility rules and PCRE2 text rules. The input is
 *
 *   PATTERN \n SECTION TEXT [ \n--merit-rules--\n RULES ]
 *
 * The first line becomes the pattern of two text rules of a small rubric:
 * one that must match the proposal's approach section, one (caseless) that
 * must not match any milestone. The rest becomes the approach section and
 * the description of the first milestone of the one proposal of a tiny fixed
 * call. RULES, when present, is XML put as it is inside the rubric's
 * <eligibility> element, after a fact rule on the approach's words: more
 * fact-rules and text-rules. Pattern and text are escaped for XML (bytes
 * XML cannot hold become '?'), so that the run reaches PCRE2.
 *
 * The call is loaded and ranked (fuzz_call_everything, with keep-going for
 * a rules fragment that breaks a proposal-level check). A pattern that
 * backtracks catastrophically must end in the match-limit diagnostic, not a
 * hang: libFuzzer's -timeout catches the hang.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static const char call_xml[] =
    "<call xmlns=\"urn:merit:1\" id=\"R\" currency=\"USD\">\n"
    "  <title>Fuzzed rules</title>\n"
    "  <budget available=\"1000\"/>\n"
    "  <rubric href=\"rubric.xml\"/>\n"
    "  <panel><reviewer id=\"r1\"><name>Ann One</name></reviewer></panel>\n"
    "</call>\n";

static const char sheet_xml[] =
    "<sheet xmlns=\"urn:merit:1\" reviewer=\"r1\" call=\"R\">\n"
    "  <review proposal=\"P1\" confidence=\"3\"><score criterion=\"q\" value=\"7\"/></review>\n"
    "</sheet>\n";

static const char rubric_head[] =
    "<rubric xmlns=\"urn:merit:1\" id=\"fuzz-rules\" version=\"1\">\n"
    "  <title>Fuzzed rules</title>\n"
    "  <scale min=\"0\" max=\"10\" step=\"1\"/>\n"
    "  <criteria><criterion id=\"q\" weight=\"1\"><name>Quality</name></criterion></criteria>\n"
    "  <aggregation method=\"mean\" min-reviewers=\"1\"/>\n"
    "  <eligibility>\n"
    "    <text-rule id=\"in-section\" section=\"approach\"><pattern>";
static const char rubric_middle[] =
    "</pattern><message>the approach must match</message></text-rule>\n"
    "    <text-rule id=\"in-milestones\" section=\"milestones\" scope=\"each-milestone\" "
    "expect=\"no-match\" caseless=\"true\"><pattern>";
static const char rubric_tail[] =
    "</pattern><message>no milestone may match</message></text-rule>\n"
    "    <fact-rule id=\"words\" fact=\"words\" section=\"approach\" op=\"le\" value=\"3000\">"
    "<message>at most 3000 words</message></fact-rule>\n";
static const char rubric_end[] = "\n  </eligibility>\n</rubric>\n";

static const char proposal_head[] =
    "<proposal xmlns=\"urn:merit:1\" id=\"P1\" call=\"R\" months=\"12\">\n"
    "  <title>Rules</title><area>Testing</area>\n"
    "  <team><organisation id=\"o\" lead=\"true\" type=\"sme\" employees=\"10\" location=\"DE\" "
    "supply-chain=\"end-user\"><name>O</name></organisation></team>\n"
    "  <sections>\n"
    "    <problem>A problem of 2 words.</problem>\n"
    "    <approach>";
static const char proposal_middle[] =
    "</approach>\n"
    "    <milestones>\n"
    "      <milestone id=\"m1\" due=\"2027-06-30\"><metric>first 1</metric><description>";
static const char proposal_tail[] =
    "</description></milestone>\n"
    "      <milestone id=\"m2\" due=\"2027-12-31\"><metric>second 2</metric>"
    "<description>Done.</description></milestone>\n"
    "    </milestones>\n"
    "    <management>M</management><diffusion>D</diffusion><sme-involvement>S</sme-involvement>\n"
    "  </sections>\n"
    "  <budget><year number=\"1\" federal=\"100\" cash=\"100\" in-kind=\"0\"/>"
    "<total federal=\"100\" cash=\"100\" in-kind=\"0\"/></budget>\n"
    "</proposal>\n";

struct buf {
    char *p;
    size_t len, cap;
};

static void put(struct buf *b, const void *bytes, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (b->len + n + 1 > cap)
            cap *= 2;
        char *bigger = realloc(b->p, cap);
        if (bigger == NULL)
            fuzz_fail("out of memory");
        b->p = bigger;
        b->cap = cap;
    }
    memcpy(b->p + b->len, bytes, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void puts_(struct buf *b, const char *s)
{
    put(b, s, strlen(s));
}

/* The code point of the UTF-8 sequence at s and its length; 0 when it is
 * not valid UTF-8 or not a character XML 1.0 allows. */
static size_t xml_char(const uint8_t *s, size_t avail, uint32_t *cp)
{
    uint8_t c = s[0];
    size_t n = c < 0x80                 ? 1
               : c >= 0xC2 && c <= 0xDF ? 2
               : c >= 0xE0 && c <= 0xEF ? 3
               : c >= 0xF0 && c <= 0xF4 ? 4
                                        : 0;
    if (n == 0 || n > avail)
        return 0;
    uint32_t v = n == 1 ? c : n == 2 ? c & 0x1Fu : n == 3 ? c & 0x0Fu : c & 0x07u;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (v < min[n] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    bool allowed = v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v <= 0xD7FF) ||
                   (v >= 0xE000 && v <= 0xFFFD) || v >= 0x10000;
    if (!allowed)
        return 0;
    *cp = v;
    return n;
}

/* Text as XML character data: markup escaped, CR kept as a reference (the
 * parser would make a raw one a line feed), anything else XML cannot hold
 * made '?'. */
static void put_escaped(struct buf *b, const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint32_t cp = 0;
        size_t len = xml_char(s + i, n - i, &cp);
        if (len == 0) {
            puts_(b, "?");
            i++;
            continue;
        }
        if (cp == '&')
            puts_(b, "&amp;");
        else if (cp == '<')
            puts_(b, "&lt;");
        else if (cp == '>')
            puts_(b, "&gt;");
        else if (cp == '\r')
            puts_(b, "&#13;");
        else
            put(b, s + i, len);
        i += len;
    }
}

static const char rules_separator[] = "\n--merit-rules--\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char *dir;
    if (dir == NULL) {
        dir = fuzz_path("rules");
        fuzz_write("rules/call.xml", call_xml, strlen(call_xml));
        fuzz_write("rules/reviews/r1.xml", sheet_xml, strlen(sheet_xml));
    }
    const uint8_t *nl = memchr(data, '\n', size);
    size_t pattern_len = nl ? (size_t)(nl - data) : size;
    const uint8_t *text = nl ? nl + 1 : data + size;
    size_t text_len = (size_t)(data + size - text);
    const uint8_t *rules = NULL;
    size_t rules_len = 0;
    size_t sep_len = strlen(rules_separator);
    for (size_t i = 0; i + sep_len <= text_len; i++) {
        if (memcmp(text + i, rules_separator, sep_len) == 0) {
            rules = text + i + sep_len;
            rules_len = text_len - i - sep_len;
            text_len = i;
            break;
        }
    }

    struct buf b = {NULL, 0, 0};
    puts_(&b, rubric_head);
    put_escaped(&b, data, pattern_len);
    puts_(&b, rubric_middle);
    put_escaped(&b, data, pattern_len);
    puts_(&b, rubric_tail);
    if (rules != NULL)
        put(&b, rules, rules_len);
    puts_(&b, rubric_end);
    fuzz_write("rules/rubric.xml", b.p, b.len);

    b.len = 0;
    puts_(&b, proposal_head);
    put_escaped(&b, text, text_len);
    puts_(&b, proposal_middle);
    put_escaped(&b, text, text_len);
    puts_(&b, proposal_tail);
    fuzz_write("rules/proposals/P1.xml", b.p, b.len);
    free(b.p);

    fuzz_call_everything(dir, FUZZ_KEEP_GOING);
    return 0;
}
