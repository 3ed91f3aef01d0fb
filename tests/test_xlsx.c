/*
 * `merit rank --format xlsx`: the workbook read back. unzip (installed by
 * scripts/install-deps.sh) takes a part out of the file, libxml2 parses it,
 * and the tests look at the cells: the header rows, the number of rows, a
 * total as a number cell with its exact fraction beside it, formats, the
 * frozen header and the filter, a hostile title kept as text, the same
 * bytes from two runs, a terminal refused and a pipe served, and the audit
 * trail's hash of the workbook checked by a replay.
 *
 * Expected values are from the example call proposals/mfg-2026 and its
 * golden CSV (tests/golden/mfg-2026.csv, -detail.csv), which the CSV report
 * of the same result writes: P01 ranks 1st with total 84.83 (509/6), P02
 * shares rank 2 ("2="), P01's federal request is 1850000.00; the call has
 * 12 proposals and 40 reviews (8 + 7 + 8 + 9 + 8 in reviews/r1..r5.xml) of
 * 7 criteria, so 280 detail rows; r1 gives P01 a 9 on "problem" (weight 1,
 * confidence 4).
 */
#define _XOPEN_SOURCE 700 /* posix_openpt, grantpt, unlockpt, ptsname, usleep */
#define _DEFAULT_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "merit/model.h"
#include "merit/result.h"
#include "report.h"
#include "run_merit.h"
#include "support.h"

#define MAIN_NS "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

static void require_unzip(void)
{
    if (system("command -v unzip >/dev/null 2>&1") != 0)
        fail_msg("unzip is missing: run scripts/install-deps.sh");
}

/* The bytes of a command's standard output (sh -c), and its exit status. */
static char *command_output(const char *cmd, size_t *size_out, int *status_out)
{
    fflush(NULL);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (cap - len < 2) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    buf[len] = '\0';
    int status = pclose(p);
    *status_out = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (size_out != NULL)
        *size_out = len;
    return buf;
}

/* One part of the workbook, as unzip -p gives it. */
static char *part(const char *xlsx, const char *member)
{
    require_unzip();
    char *cmd = t_sprintf("unzip -p '%s' '%s'", xlsx, member);
    int status;
    char *text = command_output(cmd, NULL, &status);
    if (status != 0)
        fail_msg("'%s' has no part '%s' (unzip exit %d)", xlsx, member, status);
    free(cmd);
    return text;
}

static xmlDocPtr parse_part(const char *xlsx, const char *member)
{
    char *text = part(xlsx, member);
    xmlDocPtr doc = xmlReadMemory(text, (int)strlen(text), member, NULL, XML_PARSE_NONET);
    free(text);
    if (doc == NULL)
        fail_msg("part '%s' of '%s' is not well-formed XML", member, xlsx);
    return doc;
}

/* The nodes an XPath (prefix m: the spreadsheet namespace) selects; the
 * caller frees the object. */
static xmlXPathObjectPtr select_nodes(xmlDocPtr doc, const char *path)
{
    xmlXPathContextPtr xp = xmlXPathNewContext(doc);
    assert_non_null(xp);
    xmlXPathRegisterNs(xp, (const xmlChar *)"m", (const xmlChar *)MAIN_NS);
    xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)path, xp);
    xmlXPathFreeContext(xp);
    assert_non_null(o);
    return o;
}

static int count_nodes(xmlDocPtr doc, const char *path)
{
    xmlXPathObjectPtr o = select_nodes(doc, path);
    int n = o->nodesetval ? o->nodesetval->nodeNr : 0;
    xmlXPathFreeObject(o);
    return n;
}

/* The string value of what path selects (malloc'd; "" when nothing). */
static char *value_of(xmlDocPtr doc, const char *path)
{
    char *expr = t_sprintf("string(%s)", path);
    xmlXPathObjectPtr o = select_nodes(doc, expr);
    free(expr);
    char *s = strdup(o->stringval ? (const char *)o->stringval : "");
    xmlXPathFreeObject(o);
    assert_non_null(s);
    return s;
}

/* A workbook read back: a sheet and the styles. */
struct book {
    xmlDocPtr sheet, styles;
};

static void book_open(struct book *b, const char *xlsx, int sheet)
{
    char *member = t_sprintf("xl/worksheets/sheet%d.xml", sheet);
    b->sheet = parse_part(xlsx, member);
    free(member);
    b->styles = parse_part(xlsx, "xl/styles.xml");
}

static void book_close(struct book *b)
{
    xmlFreeDoc(b->sheet);
    xmlFreeDoc(b->styles);
}

/* What a cell holds: its string, else its value; "" for a cell not
 * written. merit's strings are inline (t="inlineStr": libxlsxwriter's
 * constant-memory mode writes no shared-string table). */
static char *cell(struct book *b, const char *ref)
{
    char *path = t_sprintf("//m:c[@r='%s']/@t", ref);
    char *type = value_of(b->sheet, path);
    free(path);
    path = t_sprintf("//m:c[@r='%s']/m:v", ref);
    char *v = value_of(b->sheet, path);
    free(path);
    if (strcmp(type, "inlineStr") == 0) {
        free(v);
        path = t_sprintf("//m:c[@r='%s']/m:is", ref);
        v = value_of(b->sheet, path);
        free(path);
    } else {
        assert_string_equal(type, ""); /* a number: no t, nor a formula's "str" */
    }
    free(type);
    return v;
}

#define EXPECT_CELL(b, ref, want)                                                                  \
    do {                                                                                           \
        char *got_ = cell(b, ref);                                                                 \
        if (strcmp(got_, want) != 0)                                                               \
            fail_msg("cell %s holds '%s', expected '%s'", ref, got_, want);                        \
        free(got_);                                                                                \
    } while (0)

/* Whether a cell is a number (no t attribute) holding exactly `want` as
 * libxlsxwriter writes a double (%.16g: 84.83 is "84.83"). */
static void expect_number(struct book *b, const char *ref, const char *want)
{
    char *path = t_sprintf("count(//m:c[@r='%s' and not(@t)])", ref);
    xmlXPathObjectPtr o = select_nodes(b->sheet, path);
    if (o->floatval != 1)
        fail_msg("cell %s is not a number cell", ref);
    xmlXPathFreeObject(o);
    free(path);
    EXPECT_CELL(b, ref, want);
}

/* The number format of a cell: its s attribute indexes cellXfs, whose
 * numFmtId is a custom format in numFmts. */
static char *number_format(struct book *b, const char *ref)
{
    char *path = t_sprintf("//m:c[@r='%s']/@s", ref);
    char *s = value_of(b->sheet, path);
    free(path);
    path = t_sprintf("/m:styleSheet/m:cellXfs/m:xf[%ld]/@numFmtId", strtol(s, NULL, 10) + 1);
    char *id = value_of(b->styles, path);
    free(path);
    path = t_sprintf("/m:styleSheet/m:numFmts/m:numFmt[@numFmtId='%s']/@formatCode", id);
    char *code = value_of(b->styles, path);
    free(path);
    free(s);
    free(id);
    return code;
}

#define EXPECT_FORMAT(b, ref, want)                                                                \
    do {                                                                                           \
        char *got_ = number_format(b, ref);                                                        \
        if (strcmp(got_, want) != 0)                                                               \
            fail_msg("cell %s has the format '%s', expected '%s'", ref, got_, want);               \
        free(got_);                                                                                \
    } while (0)

/* Checks row 1 against a golden CSV's header line (no quoted fields). */
static void expect_header(struct book *b, const char *golden)
{
    char *path = t_sprintf("%s/tests/golden/%s", MERIT_SOURCE_DIR, golden);
    char *csv = t_read(path, NULL);
    assert_non_null(csv);
    free(path);
    char *eol = strstr(csv, "\r\n");
    assert_non_null(eol);
    *eol = '\0';
    int column = 0;
    for (char *name = csv, *next; name != NULL; name = next, column++) {
        next = strchr(name, ',');
        if (next != NULL)
            *next++ = '\0';
        /* column letters: A..Z, AA..AZ is enough here */
        char ref[8];
        if (column < 26)
            snprintf(ref, sizeof(ref), "%c1", 'A' + column);
        else
            snprintf(ref, sizeof(ref), "A%c1", 'A' + column - 26);
        EXPECT_CELL(b, ref, name);
    }
    char *count = t_sprintf("count(/m:worksheet/m:sheetData/m:row[@r='1']/m:c)");
    xmlXPathObjectPtr o = select_nodes(b->sheet, count);
    assert_int_equal((int)o->floatval, column);
    xmlXPathFreeObject(o);
    free(count);
    free(csv);
}

static void copy_example(void)
{
    char *cmd = t_sprintf("cp -r '%s/proposals/mfg-2026' call", MERIT_SOURCE_DIR);
    assert_int_equal(system(cmd), 0);
    free(cmd);
}

static void rank_xlsx(const char *out)
{
    assert_int_equal(
        t_run_merit(NULL, "err.txt", "rank", "call", "--format", "xlsx", "-o", out, (char *)NULL),
        0);
    T_EXPECT_FILE("err.txt", "");
}

static void test_ranking_sheet(void **state)
{
    (void)state;
    copy_example();
    rank_xlsx("r.xlsx");
    struct book b;
    book_open(&b, "r.xlsx", 1);
    expect_header(&b, "mfg-2026.csv");
    /* 12 proposals and the header, every row of the golden CSV */
    assert_int_equal(count_nodes(b.sheet, "/m:worksheet/m:sheetData/m:row"), 13);
    /* P01: rank 1, total 509/6 = 84.8333.. shown as 84.83 */
    EXPECT_CELL(&b, "B2", "P01");
    expect_number(&b, "A2", "1");
    EXPECT_FORMAT(&b, "A2", "0");
    expect_number(&b, "I2", "84.83");
    EXPECT_FORMAT(&b, "I2", "0.00");
    EXPECT_CELL(&b, "J2", "509/6");
    /* problem 53/6 = 8.8333.. */
    expect_number(&b, "K2", "8.83");
    EXPECT_CELL(&b, "L2", "53/6");
    /* reviews_counted 3, a whole count */
    expect_number(&b, "Y2", "3");
    /* federal_request 1850000.00, money in the call's currency (USD) */
    expect_number(&b, "AC2", "1850000");
    EXPECT_FORMAT(&b, "AC2", "#,##0.00\" USD\"");
    /* P02 shares rank 2: the number 2 shown as "2=" */
    EXPECT_CELL(&b, "B3", "P02");
    expect_number(&b, "A3", "2");
    EXPECT_FORMAT(&b, "A3", "0\"=\"");
    EXPECT_CELL(&b, "G2", "funded");
    /* the header row is frozen and filtered */
    assert_int_equal(count_nodes(b.sheet, "//m:sheetView/m:pane[@state='frozen' and @ySplit='1' "
                                          "and @topLeftCell='A2']"),
                     1);
    assert_int_equal(count_nodes(b.sheet, "/m:worksheet/m:autoFilter[@ref='A1:AH13']"), 1);
    /* every column has a width of its own */
    assert_int_equal(count_nodes(b.sheet, "/m:worksheet/m:cols/m:col[@customWidth='1']"), 34);
    /* and no formula anywhere */
    assert_int_equal(count_nodes(b.sheet, "//m:f"), 0);
    book_close(&b);

    xmlDocPtr wb = parse_part("r.xlsx", "xl/workbook.xml");
    char *names = value_of(wb, "concat(//m:sheet[1]/@name, ',', //m:sheet[2]/@name)");
    assert_string_equal(names, "ranking,detail");
    free(names);
    xmlFreeDoc(wb);
}

static void test_detail_sheet(void **state)
{
    (void)state;
    copy_example();
    rank_xlsx("r.xlsx");
    struct book b;
    book_open(&b, "r.xlsx", 2);
    expect_header(&b, "mfg-2026-detail.csv");
    /* 40 reviews x 7 criteria and the header */
    assert_int_equal(count_nodes(b.sheet, "/m:worksheet/m:sheetData/m:row"), 281);
    /* the golden detail CSV's first row:
     * P01,r1,Dr. Helen Kowalczyk,problem,1,9,,4,yes,,"Quantified baseline..." */
    EXPECT_CELL(&b, "A2", "P01");
    EXPECT_CELL(&b, "B2", "r1");
    EXPECT_CELL(&b, "C2", "Dr. Helen Kowalczyk");
    EXPECT_CELL(&b, "D2", "problem");
    expect_number(&b, "E2", "1");
    expect_number(&b, "F2", "9");
    EXPECT_CELL(&b, "G2", "");
    expect_number(&b, "H2", "4");
    EXPECT_CELL(&b, "I2", "yes");
    char *comment = cell(&b, "K2");
    assert_true(strncmp(comment, "Quantified baseline: 14 months and $410k", 40) == 0);
    free(comment);
    /* the third row: milestones, weight 1.5, score 8.5 */
    expect_number(&b, "E4", "1.5");
    expect_number(&b, "F4", "8.5");
    assert_int_equal(count_nodes(b.sheet, "//m:pane[@state='frozen' and @ySplit='1']"), 1);
    assert_int_equal(count_nodes(b.sheet, "/m:worksheet/m:autoFilter[@ref='A1:L281']"), 1);
    book_close(&b);
}

/* A title that a spreadsheet would run, and one it would decode, stay the
 * text they are. Before this writer there was no xlsx format at all. */
static void test_hostile_titles_stay_text(void **state)
{
    (void)state;
    copy_example();
    const char *p01 = "Closed-loop melt-pool control to cut qualification time for Ti-6Al-4V "
                      "laser powder bed fusion brackets";
    t_copy_edited(".", "call/proposals/P01.xml", "call/proposals/P01.xml", p01,
                  "=HYPERLINK(&quot;http://example.invalid/&quot;,&quot;x&quot;)");
    t_copy_edited(".", "call/proposals/P05.xml", "call/proposals/P05.xml", "<title>Wafer-level",
                  "<title>_x0041_ @SUM(A1) Wafer-level");
    rank_xlsx("r.xlsx");
    struct book b;
    book_open(&b, "r.xlsx", 1);
    EXPECT_CELL(&b, "B2", "P01");
    EXPECT_CELL(&b, "C2", "=HYPERLINK(\"http://example.invalid/\",\"x\")");
    assert_int_equal(count_nodes(b.sheet, "//m:c[@r='C2' and @t='inlineStr']/m:is/m:t"), 1);
    assert_int_equal(count_nodes(b.sheet, "//m:f"), 0);
    /* "_x0041_" would read as "A": its underscore is escaped as _x005F_,
     * which a reader decodes back to the title's text */
    EXPECT_CELL(&b, "B5", "P05");
    char *title = cell(&b, "C5");
    assert_true(strncmp(title, "_x005F_x0041_ @SUM(A1) Wafer-level", 34) == 0);
    free(title);
    book_close(&b);
}

/* The same inputs give the same bytes: no time of the run in the file. */
static void test_same_bytes(void **state)
{
    (void)state;
    copy_example();
    rank_xlsx("a.xlsx");
    rank_xlsx("b.xlsx");
    size_t na, nb;
    char *a = t_read("a.xlsx", &na), *bb = t_read("b.xlsx", &nb);
    assert_non_null(a);
    assert_non_null(bb);
    assert_true(na == nb && memcmp(a, bb, na) == 0);
    free(a);
    free(bb);
    /* the document's creation time is a constant, and so is every zip
     * entry's date (zipinfo -T: yyyymmdd.hhmmss) */
    char *core = part("a.xlsx", "docProps/core.xml");
    assert_non_null(strstr(core, ">1980-01-01T00:00:00Z</dcterms:created>"));
    free(core);
    int status;
    char *all = command_output("unzip -Z -T a.xlsx | grep -c ' defN '", NULL, &status);
    char *other = command_output(
        "unzip -Z -T a.xlsx | grep ' defN ' | grep -vc ' 19800101.000000 '", NULL, &status);
    assert_string_equal(all, "10\n"); /* the 10 parts of the workbook */
    assert_string_equal(other, "0\n");
    free(all);
    free(other);
}

/* A workbook on a terminal is refused; through a pipe it is the same bytes
 * as in a file. */
static void test_terminal_refused_pipe_served(void **state)
{
    (void)state;
    copy_example();
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) {
        print_message("no pseudo-terminal here: the terminal case is not run\n");
    } else {
        const char *tty = ptsname(master);
        assert_non_null(tty);
        assert_int_equal(isatty(master), 1);
        /* the terminal is drained while merit runs, so that a merit that
         * did write to it would not block on a full terminal */
        fflush(NULL);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            int o = open(tty, O_WRONLY | O_NOCTTY);
            int e = open("err.txt", O_WRONLY | O_CREAT | O_TRUNC, 0666);
            if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
                _exit(126);
            execl(MERIT_BINARY, "merit", "rank", "call", "--format", "xlsx", (char *)NULL);
            _exit(127);
        }
        fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
        size_t shown = 0;
        int status = 0;
        for (;;) {
            char buf[4096];
            ssize_t n = read(master, buf, sizeof(buf));
            if (n > 0)
                shown += (size_t)n;
            pid_t done = waitpid(pid, &status, WNOHANG);
            assert_true(done >= 0);
            if (done == pid)
                break;
            if (n <= 0)
                usleep(1000);
        }
        char rest[4096];
        for (ssize_t n; (n = read(master, rest, sizeof(rest))) > 0;)
            shown += (size_t)n;
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 2);
        T_EXPECT_FILE("err.txt", "merit: error: rank: an xlsx workbook is not for a terminal: "
                                 "write it with -o FILE.xlsx, or redirect standard output\n");
        /* nothing reached the terminal */
        assert_int_equal(shown, 0);
        close(master);
    }

    rank_xlsx("file.xlsx");
    size_t nfile, npipe;
    char *file = t_read("file.xlsx", &nfile);
    char *cmd = t_sprintf("'%s' rank call --format xlsx", MERIT_BINARY);
    int status;
    char *piped = command_output(cmd, &npipe, &status);
    assert_int_equal(status, 0);
    assert_true(nfile == npipe && memcmp(file, piped, nfile) == 0);
    free(cmd);
    free(file);
    free(piped);
}

/* The trail records the workbook's hash, and a replay re-hashes the file. */
static void test_trail_hashes_the_workbook(void **state)
{
    (void)state;
    copy_example();
    assert_int_equal(t_run_merit(NULL, "err.txt", "rank", "call", "--format", "xlsx", "-o",
                                 "r.xlsx", "--audit", "trail.jsonl", (char *)NULL),
                     0);
    assert_int_equal(t_run_merit("out.txt", "err.txt", "replay", "trail.jsonl", (char *)NULL), 0);
    char *out = t_read("out.txt", NULL);
    assert_non_null(strstr(out, "1 report re-hashed"));
    free(out);
    /* a changed workbook is caught */
    t_write_bytes(".", "r.xlsx", "PK", 2);
    assert_int_not_equal(t_run_merit("out.txt", "err.txt", "replay", "trail.jsonl", (char *)NULL),
                         0);
}

/* UTF-16 code units of UTF-8 text: what Excel counts against 32,767. */
static size_t utf16_units(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80)
            n += *p >= 0xF0 ? 2 : 1;
    return n;
}

/* A text longer than a cell holds is cut to fit, at a character, and says
 * so. The writer is called through the library, with a title far longer
 * than any input allows (proposal.xsd stops titles at 300), so that the
 * cut is reached: 20,000 "x" then 10,000 U+1F600 (two UTF-16 units each),
 * 40,000 units in all. */
static void test_long_text_is_shortened(void **state)
{
    (void)state;
    merit_ctx *ctx = merit_ctx_new();
    merit_call *call = NULL;
    merit_result *res = NULL;
    merit_rank_options ro = {0};
    assert_int_equal(merit_call_load(ctx, MERIT_SOURCE_DIR "/proposals/mfg-2026", &call), 0);
    assert_int_equal(merit_call_rank(ctx, call, &ro, &res), 0);
    merit_proposal *p01 = NULL;
    for (size_t i = 0; i < call->proposal_count; i++)
        if (strcmp(call->proposals[i].id, "P01") == 0)
            p01 = &call->proposals[i];
    assert_non_null(p01);
    char *long_title = malloc(20000 + 4 * 10000 + 1);
    assert_non_null(long_title);
    memset(long_title, 'x', 20000);
    for (size_t i = 0; i < 10000; i++)
        memcpy(long_title + 20000 + 4 * i, "\xF0\x9F\x98\x80", 4);
    long_title[20000 + 4 * 10000] = '\0';
    char *title = p01->title;
    p01->title = long_title;

    char *bytes = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&bytes, &size);
    assert_non_null(f);
    merit_sink sink;
    merit_sink_init(&sink, f, false);
    merit_report_options opt = {.places = 2};
    assert_int_equal(merit_report_xlsx(&sink, res, &opt), 0);
    assert_int_equal(merit_sink_finish(&sink, NULL), 0);
    assert_int_equal(fclose(f), 0);
    p01->title = title;
    free(long_title);
    merit_result_free(res);
    merit_call_free(call);
    merit_ctx_free(ctx);
    t_write_bytes(".", "long.xlsx", bytes, size);
    free(bytes);

    struct book b;
    book_open(&b, "long.xlsx", 1);
    EXPECT_CELL(&b, "B2", "P01");
    char *cut = cell(&b, "C2");
    static const char marker[] = " [shortened by merit: a spreadsheet cell holds at most 32,767 "
                                 "characters; the CSV and JSON reports hold the whole text]";
    size_t len = strlen(cut), units = utf16_units(cut);
    assert_true(len > sizeof(marker));
    assert_string_equal(cut + len - (sizeof(marker) - 1), marker);
    /* as many whole characters as fit: 32,767 units, or one less when the
     * next character would have needed two */
    assert_true(units == 32767 || units == 32766);
    assert_int_equal(strspn(cut, "x"), 20000);
    /* the kept emoji are whole: the text before the marker is 20,000 x and
     * then only four-byte sequences */
    size_t kept = len - (sizeof(marker) - 1) - 20000;
    assert_int_equal(kept % 4, 0);
    for (size_t i = 0; i < kept; i += 4)
        assert_memory_equal(cut + 20000 + i, "\xF0\x9F\x98\x80", 4);
    free(cut);
    book_close(&b);
}

/* --detail belongs to the CSV; the workbook always has its detail sheet. */
static void test_detail_flag_is_csv_only(void **state)
{
    (void)state;
    assert_int_equal(
        t_run_merit(NULL, "err.txt", "rank", "call", "--format", "xlsx", "--detail", (char *)NULL),
        2);
    T_EXPECT_FILE("err.txt", "merit: error: rank: --detail goes with --format csv\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ranking_sheet, t_scratch_setup, t_scratch_teardown),
        cmocka_unit_test_setup_teardown(test_detail_sheet, t_scratch_setup, t_scratch_teardown),
        cmocka_unit_test_setup_teardown(test_hostile_titles_stay_text, t_scratch_setup,
                                        t_scratch_teardown),
        cmocka_unit_test_setup_teardown(test_same_bytes, t_scratch_setup, t_scratch_teardown),
        cmocka_unit_test_setup_teardown(test_terminal_refused_pipe_served, t_scratch_setup,
                                        t_scratch_teardown),
        cmocka_unit_test_setup_teardown(test_trail_hashes_the_workbook, t_scratch_setup,
                                        t_scratch_teardown),
        cmocka_unit_test_setup_teardown(test_long_text_is_shortened, t_scratch_setup,
                                        t_scratch_teardown),
        cmocka_unit_test_setup_teardown(test_detail_flag_is_csv_only, t_scratch_setup,
                                        t_scratch_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
