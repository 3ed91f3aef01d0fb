/*
 * Hardened XML reading (xml_input.c): no DOCTYPE, no external entity ever
 * loaded, no decompression, regular files only (a FIFO must not hang the
 * reader), size and depth limits, and the helpers that find places and
 * text in a parsed document.
 */
#include "support.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "merit/model.h"
#include "xml_input.h"

#define MARKER "MERIT-SECRET-MARKER-5f1c"

static const char secret_txt[] = MARKER "\n";

/* Fails when any diagnostic's message mentions the marker. */
static void expect_marker_absent(const merit_ctx *ctx)
{
    for (size_t i = 0; i < merit_ctx_diag_count(ctx); i++)
        assert_null(strstr(merit_ctx_diag(ctx, i)->message, "MERIT-SECRET"));
}

static int validate(struct t_scratch *s, const char *name)
{
    const char *kind = NULL;
    size_t count = 0;
    return merit_file_validate(s->ctx, name, &kind, &count);
}

/* --- DOCTYPE and external entities ----------------------------------------- */

/* clang-format off */
static const char xxe_xml[] =
    /* 1 */ "<?xml version=\"1.0\"?>\n"
    /* 2 */ "<!DOCTYPE sheet [\n"
    /* 3 */ "  <!ENTITY xxe SYSTEM \"secret.txt\">\n"
    /* 4 */ "]>\n"
    /* 5 */ "<sheet xmlns=\"urn:merit:1\" reviewer=\"&xxe;\" call=\"C1\"/>\n";
/* clang-format on */

static void external_entity_is_never_loaded(void **state)
{
    struct t_scratch *s = *state;
    t_write(s->dir, "secret.txt", secret_txt);
    t_write(s->dir, "xxe.xml", xxe_xml);
    unsigned long before = merit__xml_denied_loads();
    assert_int_equal(validate(s, "xxe.xml"), MERIT_EINVALID);
    /* refused at the DOCTYPE: the loader was not even asked */
    assert_int_equal(merit__xml_denied_loads(), before);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("xxe.xml", 2, 1,
                                   "document type declarations (DOCTYPE) are not allowed in merit "
                                   "files"));
    expect_marker_absent(s->ctx);
}

static void external_parameter_entity_is_never_loaded(void **state)
{
    struct t_scratch *s = *state;
    t_write(s->dir, "secret.txt", secret_txt);
    t_write(s->dir, "pe.xml",
            "<?xml version=\"1.0\"?>\n"
            "<!-- a comment first -->\n"
            "<!DOCTYPE sheet [ <!ENTITY % pe SYSTEM \"secret.txt\"> %pe; ]>\n"
            "<sheet xmlns=\"urn:merit:1\" reviewer=\"R1\" call=\"C1\"/>\n");
    unsigned long before = merit__xml_denied_loads();
    assert_int_equal(validate(s, "pe.xml"), MERIT_EINVALID);
    assert_int_equal(merit__xml_denied_loads(), before);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("pe.xml", 3, 1,
                                   "document type declarations (DOCTYPE) are not allowed in merit "
                                   "files"));
    expect_marker_absent(s->ctx);
}

static void external_dtd_is_never_loaded(void **state)
{
    struct t_scratch *s = *state;
    t_write(s->dir, "secret.txt", secret_txt);
    t_write(s->dir, "dtd.xml",
            "<?xml version=\"1.0\"?>\n"
            "<!DOCTYPE sheet SYSTEM \"secret.txt\">\n"
            "<sheet xmlns=\"urn:merit:1\" reviewer=\"R1\" call=\"C1\"/>\n");
    unsigned long before = merit__xml_denied_loads();
    assert_int_equal(validate(s, "dtd.xml"), MERIT_EINVALID);
    assert_int_equal(merit__xml_denied_loads(), before);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("dtd.xml", 2, 1,
                                   "document type declarations (DOCTYPE) are not allowed in merit "
                                   "files"));
    expect_marker_absent(s->ctx);
}

static void entity_bomb_is_refused_before_expansion(void **state)
{
    struct t_scratch *s = *state;
    /* ten levels of ten: 10^10 "lol"s if expanded */
    char xml[4096];
    size_t o = (size_t)snprintf(xml, sizeof(xml),
                                "<?xml version=\"1.0\"?>\n<!DOCTYPE sheet [\n"
                                "  <!ENTITY l0 \"lol\">\n");
    for (int i = 1; i <= 10; i++) {
        o += (size_t)snprintf(xml + o, sizeof(xml) - o, "  <!ENTITY l%d \"", i);
        for (int k = 0; k < 10; k++)
            o += (size_t)snprintf(xml + o, sizeof(xml) - o, "&l%d;", i - 1);
        o += (size_t)snprintf(xml + o, sizeof(xml) - o, "\">\n");
    }
    snprintf(xml + o, sizeof(xml) - o,
             "]>\n<sheet xmlns=\"urn:merit:1\" reviewer=\"&l10;\" call=\"C1\"/>\n");
    t_write(s->dir, "bomb.xml", xml);
    assert_int_equal(validate(s, "bomb.xml"), MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("bomb.xml", 2, 1,
                                   "document type declarations (DOCTYPE) are not allowed in merit "
                                   "files"));
}

static void deny_loader_is_installed(void **state)
{
    (void)state;
    /* Whatever a future parser option might let through, the process-wide
     * loader refuses: ask it directly. */
    merit__xml_global_init();
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    assert_non_null(ctxt);
    unsigned long before = merit__xml_denied_loads();
    xmlParserInputPtr in = xmlLoadExternalEntity("/etc/passwd", NULL, ctxt);
    assert_null(in);
    assert_int_equal(merit__xml_denied_loads(), before + 1);
    xmlFreeParserCtxt(ctxt);
}

/* --- what is read, and what is not -------------------------------------------- */

static void fifo_is_refused_without_hanging(void **state)
{
    struct t_scratch *s = *state;
    char *path = t_path(s->dir, "fifo.xml");
    assert_int_equal(mkfifo(path, 0600), 0);
    free(path);
    /* no writer ever opens the FIFO: a blocking open or read would hang
     * here, and the alarm would end the test program. A file named on its
     * own (merit validate FILE) may be a pipe, read once (docs/cli.md,
     * "Standard input"): with no writer it reads as empty at once. */
    alarm(10);
    assert_int_equal(validate(s, "fifo.xml"), MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("fifo.xml", 0, 0, "file is empty"));
    merit_ctx_clear_diags(s->ctx);

    /* a FIFO where a call keeps its call.xml */
    t_mkdirs(s->dir, "call");
    path = t_path(s->dir, "call/call.xml");
    assert_int_equal(mkfifo(path, 0600), 0);
    free(path);
    merit_call *call = NULL;
    assert_int_equal(merit_call_load(s->ctx, "call", &call), MERIT_EINVALID);
    assert_null(call);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("call/call.xml", 0, 0, "not a regular file"));
    alarm(0);
}

static void gzip_file_is_not_decompressed(void **state)
{
    struct t_scratch *s = *state;
    /* gzip of "<?xml version=\"1.0\"?>\n<sheet xmlns=\"urn:merit:1\"
     * reviewer=\"R1\" call=\"C1\"/>\n": a valid sheet once inflated. libxml2
     * would inflate it silently if it opened the file itself. */
    static const unsigned char gz[] = {
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xb3, 0xb1, 0xaf, 0xc8,
        0xcd, 0x51, 0x28, 0x4b, 0x2d, 0x2a, 0xce, 0xcc, 0xcf, 0xb3, 0x55, 0x32, 0xd4, 0x33,
        0x50, 0xb2, 0xb7, 0xe3, 0xb2, 0x29, 0xce, 0x48, 0x4d, 0x2d, 0x51, 0x00, 0x4a, 0xe5,
        0x15, 0xdb, 0x2a, 0x95, 0x16, 0xe5, 0x59, 0xe5, 0xa6, 0x16, 0x65, 0x96, 0x58, 0x19,
        0x2a, 0x29, 0x14, 0xa5, 0x96, 0x65, 0xa6, 0x96, 0xa7, 0x16, 0xd9, 0x2a, 0x05, 0x01,
        0x79, 0xc9, 0x89, 0x39, 0x39, 0xb6, 0x4a, 0xce, 0x86, 0x4a, 0xfa, 0x76, 0x5c, 0x00,
        0xdd, 0x34, 0x7b, 0x28, 0x4b, 0x00, 0x00, 0x00,
    };
    t_write_bytes(s->dir, "sheet.xml", gz, sizeof(gz));
    assert_int_equal(validate(s, "sheet.xml"), MERIT_EINVALID);
    assert_true(merit_ctx_error_count(s->ctx) >= 1);
}

static void size_limit(void **state)
{
    struct t_scratch *s = *state;
    static const char sheet[] = "<?xml version=\"1.0\"?>\n"
                                "<sheet xmlns=\"urn:merit:1\" reviewer=\"R1\" call=\"C1\"/>\n";
    t_write(s->dir, "sheet.xml", sheet);
    size_t size = strlen(sheet); /* 22 + 53 = 75 bytes */
    assert_int_equal(size, 75);
    merit_limits limits = {.max_file_bytes = 75, .max_depth = 0};
    merit_ctx_set_limits(s->ctx, &limits);
    assert_int_equal(validate(s, "sheet.xml"), 0); /* exactly the limit */
    limits.max_file_bytes = 74;
    merit_ctx_set_limits(s->ctx, &limits);
    assert_int_equal(validate(s, "sheet.xml"), MERIT_ELIMIT);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("sheet.xml", 0, 0,
                                   "file is 75 bytes, more than the file-size limit of 74"));
    assert_int_equal(merit_ctx_diag(s->ctx, 0)->kind, MERIT_DIAG_LIMIT);
}

/* Regression test for a fixed message (xml_input.c merit__xml_read_file): the size-limit
 * message tells the user to use "--max-file-size", an option no merit
 * command has (docs/cli.md lists none; `merit validate --max-file-size`
 * is a usage error). The library should not name CLI options at all.
 * */
static void size_limit_message_names_no_missing_option(void **state)
{
    struct t_scratch *s = *state;
    t_write(s->dir, "sheet.xml",
            "<?xml version=\"1.0\"?>\n"
            "<sheet xmlns=\"urn:merit:1\" reviewer=\"R1\" call=\"C1\"/>\n");
    merit_limits limits = {.max_file_bytes = 74, .max_depth = 0};
    merit_ctx_set_limits(s->ctx, &limits);
    assert_int_equal(validate(s, "sheet.xml"), MERIT_ELIMIT);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("sheet.xml", 0, 0,
                                   "file is 75 bytes, more than the file-size limit of 74"));
}

static void depth_limit(void **state)
{
    struct t_scratch *s = *state;
    /* depth: sheet 1, review 2, score 3 */
    t_write(s->dir, "sheet.xml",
            "<?xml version=\"1.0\"?>\n"
            "<sheet xmlns=\"urn:merit:1\" reviewer=\"R1\" call=\"C1\">\n"
            "  <review proposal=\"P01\" confidence=\"1\">\n"
            "    <score criterion=\"a\" value=\"1\"/>\n"
            "  </review>\n"
            "</sheet>\n");
    merit_limits limits = {.max_file_bytes = 0, .max_depth = 3};
    merit_ctx_set_limits(s->ctx, &limits);
    assert_int_equal(validate(s, "sheet.xml"), 0);
    limits.max_depth = 2;
    merit_ctx_set_limits(s->ctx, &limits);
    assert_int_equal(validate(s, "sheet.xml"), MERIT_ELIMIT);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("sheet.xml", 4, 5, "elements are nested deeper than 2 levels"));
    assert_int_equal(merit_ctx_diag(s->ctx, 0)->kind, MERIT_DIAG_LIMIT);
}

static void empty_and_missing_files(void **state)
{
    struct t_scratch *s = *state;
    t_write(s->dir, "empty.xml", "");
    assert_int_equal(validate(s, "empty.xml"), MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("empty.xml", 0, 0, "file is empty"));
    merit_ctx_clear_diags(s->ctx);
    assert_int_equal(validate(s, "missing.xml"), MERIT_EIO);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("missing.xml", 0, 0, "no such file"));
    assert_int_equal(merit_ctx_diag(s->ctx, 0)->kind, MERIT_DIAG_IO);
}

static void directory_is_refused(void **state)
{
    struct t_scratch *s = *state;
    t_mkdirs(s->dir, "dir.xml");
    struct merit_xml_doc doc;
    assert_int_equal(merit__xml_read_file(s->ctx, "dir.xml", &doc), MERIT_EINVALID);
    assert_null(doc.bytes);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("dir.xml", 0, 0, "is a directory, not an XML file"));
    merit__xml_doc_release(&doc);
}

static void invalid_utf8(void **state)
{
    struct t_scratch *s = *state;
    /* "caf\xe9" is Latin-1, not UTF-8; at col 36 of line 2 */
    t_write(s->dir, "bad.xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<sheet xmlns=\"urn:merit:1\" reviewer=\"caf\xe9\" call=\"C1\"/>\n");
    assert_int_equal(validate(s, "bad.xml"), MERIT_EINVALID);
    T_EXPECT_DIAGS(
        s->ctx, T_ERROR("bad.xml", 2, 41, "invalid UTF-8 (byte 0xE9); merit files must be UTF-8"));
}

static void malformed_xml(void **state)
{
    struct t_scratch *s = *state;
    t_write(s->dir, "bad.xml",
            "<?xml version=\"1.0\"?>\n"
            "<sheet xmlns=\"urn:merit:1\" reviewer=\"R1\" call=\"C1\">\n"
            "  <review proposal=\"P01\" confidence=\"1\">\n"
            "  </reviw>\n"
            "</sheet>\n");
    assert_int_equal(validate(s, "bad.xml"), MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("bad.xml", 4, 11,
                                   "opening and ending tag mismatch: review line 3 and reviw"));
}

static void bytes_are_kept_exactly(void **state)
{
    struct t_scratch *s = *state;
    static const char text[] = "<?xml version=\"1.0\"?>\r\n<sheet xmlns=\"urn:merit:1\" "
                               "reviewer=\"R1\" call=\"C1\"/>\r\n";
    t_write(s->dir, "crlf.xml", text);
    struct merit_xml_doc doc;
    assert_int_equal(merit__xml_read_file(s->ctx, "crlf.xml", &doc), 0);
    assert_int_equal(doc.size, strlen(text));
    assert_memory_equal(doc.bytes, text, doc.size);
    assert_int_equal(doc.bytes[doc.size], '\0');
    assert_int_equal(merit__xml_parse(s->ctx, &doc), 0);
    merit_loc loc = merit__xml_loc(&doc, xmlDocGetRootElement(doc.doc), "call");
    /* CR LF ends line 1; "<sheet xmlns=\"urn:merit:1\" reviewer=\"R1\" " is 41
     * bytes */
    assert_int_equal(loc.line, 2);
    assert_int_equal(loc.column, 42);
    merit__xml_doc_release(&doc);
    T_EXPECT_NO_DIAGS(s->ctx);
}

static void columns_count_characters(void **state)
{
    struct t_scratch *s = *state;
    /* "é" is two bytes but one column, as in libxml2's own columns */
    t_write(s->dir, "u.xml",
            "<?xml version=\"1.0\"?>\n"
            "<sheet xmlns=\"urn:merit:1\" reviewer=\"\xc3\xa9\" call=\"C1\"/>\n");
    struct merit_xml_doc doc;
    assert_int_equal(merit__xml_read_file(s->ctx, "u.xml", &doc), 0);
    assert_int_equal(merit__xml_parse(s->ctx, &doc), 0);
    merit_loc loc = merit__xml_loc(&doc, xmlDocGetRootElement(doc.doc), "call");
    /* "<sheet xmlns=\"urn:merit:1\" reviewer=\"é\" " is 40 characters */
    assert_int_equal(loc.column, 41);
    merit__xml_doc_release(&doc);
}

static void text_collapse(void **state)
{
    struct t_scratch *s = *state;
    t_write(s->dir, "t.xml", "<t>\n  one   two\n\tthree  \n</t>\n");
    struct merit_xml_doc doc;
    assert_int_equal(merit__xml_read_file(s->ctx, "t.xml", &doc), 0);
    assert_int_equal(merit__xml_parse(s->ctx, &doc), 0);
    const xmlNode *root = xmlDocGetRootElement(doc.doc);
    char *collapsed = merit__xml_text(root, true);
    char *kept = merit__xml_text(root, false);
    assert_string_equal(collapsed, "one two three");
    assert_string_equal(kept, "one   two\n\tthree");
    free(collapsed);
    free(kept);
    merit__xml_doc_release(&doc);
}

/* --- libxml2's limits, and merit's own on attributes ------------------------ */

/* A proposal whose problem section holds `text_bytes` bytes of "x". */
static void write_long_proposal(const char *dir, const char *name, size_t text_bytes)
{
    static const char head[] =
        "<?xml version=\"1.0\"?>\n"
        "<proposal xmlns=\"urn:merit:1\" id=\"P01\" call=\"C1\" months=\"12\">\n"
        "  <title>T</title><area>A</area>\n"
        "  <team><organisation id=\"o\" lead=\"true\" type=\"sme\" employees=\"4\" "
        "location=\"DE\" supply-chain=\"end-user\"><name>O</name></organisation></team>\n"
        "  <sections><problem>";
    static const char tail[] =
        "</problem><approach>A.</approach><milestones/><management>M.</management>"
        "<diffusion>D.</diffusion><sme-involvement>S.</sme-involvement></sections>\n"
        "  <budget><year number=\"1\" federal=\"1\" cash=\"0\" in-kind=\"0\"/>"
        "<total federal=\"1\" cash=\"0\" in-kind=\"0\"/></budget>\n"
        "</proposal>\n";
    size_t size = strlen(head) + text_bytes + strlen(tail);
    char *text = malloc(size);
    assert_non_null(text);
    memcpy(text, head, strlen(head));
    memset(text + strlen(head), 'x', text_bytes);
    memcpy(text + strlen(head) + text_bytes, tail, strlen(tail));
    t_write_bytes(dir, name, text, size);
    free(text);
}

/* libxml2 stops a piece of text at 10,000,000 bytes, saying "out of
 * memory". One byte less is read (and then fails the schema's 100,000
 * characters); one byte more is this file's limit error at the text's
 * start ("  <sections><problem>" is 21 characters: column 22 of line 5),
 * and memory did not run out. */
static void text_over_the_parser_limit(void **state)
{
    struct t_scratch *s = *state;
    write_long_proposal(s->dir, "at.xml", 10000000);
    assert_int_equal(validate(s, "at.xml"), MERIT_EINVALID);
    assert_int_equal(merit_ctx_diag(s->ctx, 0)->kind, MERIT_DIAG_INVALID);
    assert_string_equal(merit_ctx_diag(s->ctx, 0)->message,
                        "<problem> is 10000000 characters long, more than the 100000 allowed");
    merit_ctx_clear_diags(s->ctx);

    write_long_proposal(s->dir, "over.xml", 10000001);
    assert_int_equal(validate(s, "over.xml"), MERIT_ELIMIT);
    assert_false(merit_ctx_out_of_memory(s->ctx));
    T_EXPECT_DIAGS(s->ctx, T_ERROR("over.xml", 5, 22,
                                   "text of element 'problem' longer than 10000000 bytes (the XML "
                                   "parser's limit)"));
    assert_int_equal(merit_ctx_diag(s->ctx, 0)->kind, MERIT_DIAG_LIMIT);
}

/* A <sheet> start tag with `equals` '=' in all: reviewer, call, the
 * namespace declaration and equals - 3 attributes a1, a2, ... */
static char *sheet_with_attributes(unsigned equals, const char *before)
{
    size_t cap = 256 + strlen(before) + equals * 16;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t o = (size_t)snprintf(text, cap,
                                "<?xml version=\"1.0\"?>\n%s<sheet xmlns=\"urn:merit:1\" "
                                "reviewer=\"R1\" call=\"C1\"",
                                before);
    for (unsigned i = 1; i + 3 <= equals; i++)
        o += (size_t)snprintf(text + o, cap - o, " a%u=\"1\"", i);
    snprintf(text + o, cap - o, "/>\n");
    return text;
}

/* libxml2 checks each attribute of a start tag against every other before
 * it hands the tag over (50,000 attributes: seconds): merit refuses a tag
 * with more than 64 before libxml2 has all of it. 64 are read (each
 * unknown one a schema error); 65 are refused, in one error at the tag. */
static void attributes_past_the_limit_are_refused_before_libxml2_reads_them(void **state)
{
    struct t_scratch *s = *state;
    char *text = sheet_with_attributes(64, "");
    t_write(s->dir, "64.xml", text);
    free(text);
    assert_int_equal(validate(s, "64.xml"), MERIT_EINVALID);
    assert_int_equal(merit_ctx_error_count(s->ctx), 61); /* a1 to a61 */
    for (size_t i = 0; i < merit_ctx_diag_count(s->ctx); i++)
        assert_int_equal(merit_ctx_diag(s->ctx, i)->kind, MERIT_DIAG_INVALID);
    merit_ctx_clear_diags(s->ctx);

    text = sheet_with_attributes(65, "");
    t_write(s->dir, "65.xml", text);
    free(text);
    assert_int_equal(validate(s, "65.xml"), MERIT_ELIMIT);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("65.xml", 2, 1,
                                   "element 'sheet' has more than 64 attributes, the most merit "
                                   "reads on one element"));
    merit_ctx_clear_diags(s->ctx);

    /* the tag across the first 256 KiB read: a comment of 262,100 bytes
     * first (line 2), so that the tag starts on line 3 before offset
     * 262,144 and ends after it */
    char *pad = malloc(262101);
    assert_non_null(pad);
    memcpy(pad, "<!--", 4);
    memset(pad + 4, 'c', 262100 - 4 - 5);
    memcpy(pad + 262100 - 5, " -->\n", 6);
    text = sheet_with_attributes(65, pad);
    free(pad);
    assert_true(strstr(text, "<sheet") - text < 262144 && strlen(text) > 262144 + 100);
    t_write(s->dir, "across.xml", text);
    free(text);
    assert_int_equal(validate(s, "across.xml"), MERIT_ELIMIT);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("across.xml", 3, 1,
                                   "element 'sheet' has more than 64 attributes, the most merit "
                                   "reads on one element"));
}

/* Only the '=' of a start tag outside its values count: none in values,
 * comments, processing instructions, CDATA sections, end tags or text. */
static void attributes_are_counted_in_start_tags_only(void **state)
{
    struct t_scratch *s = *state;
    char eq[201];
    memset(eq, '=', 200);
    eq[200] = '\0';
    char *text = t_sprintf("<?xml version=\"1.0\"?>\n"
                           "<?pi %s?>\n<!-- <x %s> -->\n"
                           "<t a=\"%s\" b='%s'><![CDATA[<y %s>]]>%s<u/></t >\n",
                           eq, eq, eq, eq, eq, eq);
    t_write(s->dir, "t.xml", text);
    free(text);
    struct merit_xml_doc doc;
    assert_int_equal(merit__xml_read_file(s->ctx, "t.xml", &doc), 0);
    assert_int_equal(merit__xml_parse(s->ctx, &doc), 0);
    merit__xml_doc_release(&doc);
    T_EXPECT_NO_DIAGS(s->ctx);
}

/* A name past libxml2's 50,000 bytes, and an attribute value past its
 * 10,000,000: each the file's limit error, at the name or the tag, instead
 * of libxml2's four complaints or its "internal error: Huge input lookup". */
static void names_and_values_over_the_parser_limits(void **state)
{
    struct t_scratch *s = *state;
    size_t n = 10000001;
    char *big = malloc(n + 1);
    assert_non_null(big);
    memset(big, 'n', n);
    big[50001] = '\0';
    char *text =
        t_sprintf("<?xml version=\"1.0\"?>\n<sheet xmlns=\"urn:merit:1\" %s=\"1\"/>\n", big);
    t_write(s->dir, "name.xml", text);
    free(text);
    assert_int_equal(validate(s, "name.xml"), MERIT_ELIMIT);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("name.xml", 2, 28,
                                   "name longer than 50000 bytes (the XML parser's limit)"));
    merit_ctx_clear_diags(s->ctx);

    big[50001] = 'n';
    big[n] = '\0';
    text =
        t_sprintf("<?xml version=\"1.0\"?>\n<sheet xmlns=\"urn:merit:1\" reviewer=\"%s\"/>\n", big);
    free(big);
    t_write(s->dir, "value.xml", text);
    free(text);
    assert_int_equal(validate(s, "value.xml"), MERIT_ELIMIT);
    assert_false(merit_ctx_out_of_memory(s->ctx));
    assert_int_equal(merit_ctx_diag_count(s->ctx), 1);
    const merit_diag *d = merit_ctx_diag(s->ctx, 0);
    assert_int_equal(d->line, 2);
    assert_int_equal(d->column, 1);
    assert_int_equal(d->kind, MERIT_DIAG_LIMIT);
    assert_non_null(strstr(d->message, "of element 'sheet' longer than 10000000 bytes (the XML "
                                       "parser's limit)"));
}

/* --- the diagnostics of one file, capped ------------------------------------ */

/* A sheet on one line: `reviews` reviews, each with two attributes the
 * schema does not allow and no score: three schema errors each. */
static char *one_line_sheet(size_t reviews)
{
    size_t cap = 128 + reviews * 96;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t o = (size_t)snprintf(text, cap,
                                "<?xml version=\"1.0\"?>\n<sheet xmlns=\"urn:merit:1\" "
                                "reviewer=\"R1\" call=\"C1\">");
    for (size_t i = 0; i < reviews; i++)
        o += (size_t)snprintf(text + o, cap - o,
                              "<review proposal=\"P%zu\" confidence=\"3\" x=\"1\" y=\"2\"/>", i);
    snprintf(text + o, cap - o, "</sheet>\n");
    return text;
}

/* Column (1-based, all ASCII) of the k-th occurrence (from 0) of needle on
 * line 2 of text. */
static uint32_t column_of_nth(const char *text, const char *needle, size_t k)
{
    const char *line = strchr(text, '\n') + 1;
    const char *at = line;
    for (size_t i = 0; i <= k; i++) {
        at = strstr(i == 0 ? at : at + 1, needle);
        assert_non_null(at);
    }
    return (uint32_t)(at - line) + 1;
}

/* Where the i-th error of one_line_sheet is: review i / 3's x=, y=, or its
 * start tag (no score). */
static uint32_t error_column(const char *text, size_t i)
{
    static const char *const at[] = {" x=", " y=", "<review"};
    return column_of_nth(text, at[i % 3], i / 3) + (i % 3 < 2 ? 1 : 0);
}

/* 400 reviews on one line (about 22 KB), 1,200 schema errors: the first
 * 1,000 are kept, each at its place (far along the line, from the marks;
 * the second attribute of a tag from the tag read once), then a note; all
 * 1,200 count as errors. (Before: all 1,200 kept, each place found by
 * counting from the start of the line.) */
static void diagnostics_over_the_limit_are_counted_not_kept(void **state)
{
    struct t_scratch *s = *state;
    char *text = one_line_sheet(400);
    t_write(s->dir, "many.xml", text);
    assert_int_equal(validate(s, "many.xml"), MERIT_EINVALID);
    assert_int_equal(merit_ctx_error_count(s->ctx), 1200);
    assert_int_equal(merit_ctx_diag_count(s->ctx), 1001);
    static const size_t check[] = {0, 1, 2, 500, 501, 502, 997, 998, 999};
    for (size_t k = 0; k < sizeof(check) / sizeof(check[0]); k++) {
        const merit_diag *d = merit_ctx_diag(s->ctx, check[k]);
        assert_int_equal(d->severity, MERIT_SEVERITY_ERROR);
        assert_int_equal(d->line, 2);
        assert_int_equal(d->column, error_column(text, check[k]));
    }
    const merit_diag *note = merit_ctx_diag(s->ctx, 1000);
    assert_int_equal(note->severity, MERIT_SEVERITY_NOTE);
    assert_string_equal(note->file, "many.xml");
    assert_int_equal(note->line, 0);
    assert_string_equal(note->message,
                        "200 more diagnostics in this file not shown (the 'diagnostics' limit "
                        "is 1000)");
    merit_ctx_clear_diags(s->ctx);

    /* the limit can be raised: then every one is kept, in its place */
    merit_limits limits = {.max_diagnostics = 1200};
    merit_ctx_set_limits(s->ctx, &limits);
    assert_int_equal(validate(s, "many.xml"), MERIT_EINVALID);
    assert_int_equal(merit_ctx_diag_count(s->ctx), 1200);
    assert_int_equal(merit_ctx_diag(s->ctx, 1199)->column, error_column(text, 1199));
    free(text);
}

/* libxml2 keeps every name of a file in a dictionary whose hash table stops
 * growing: a million different element names took 41 s. Past 10,000 (the
 * formats use fewer than 200) the file is refused where it passes them. The
 * line is not exact here: libxml2 puts a few entries of its own in the
 * dictionary ("xml", its namespace, the bundle's names). */
static void too_many_different_names(void **state)
{
    struct t_scratch *s = *state;
    size_t cap = 64 + 10100 * 16;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t o =
        (size_t)snprintf(text, cap, "<?xml version=\"1.0\"?>\n<proposals xmlns=\"urn:merit:1\">");
    for (size_t i = 0; i < 10100; i++)
        o += (size_t)snprintf(text + o, cap - o, "\n<n%05zu/>", i);
    snprintf(text + o, cap - o, "\n</proposals>\n");
    t_write(s->dir, "names.xml", text);
    free(text);
    assert_int_equal(validate(s, "names.xml"), MERIT_ELIMIT);
    assert_int_equal(merit_ctx_diag_count(s->ctx), 1);
    const merit_diag *d = merit_ctx_diag(s->ctx, 0);
    assert_string_equal(d->message, "more than 10000 different names in the file, the most merit "
                                    "reads");
    assert_true(d->line > 9900 && d->line <= 10003);
    assert_int_equal(d->column, 1);
}

/* What ends the reading of a file is shown even past the 'diagnostics'
 * limit: here the one error kept, the file cut short, then the note. */
static void the_end_of_reading_is_shown_past_the_limit(void **state)
{
    struct t_scratch *s = *state;
    t_write(s->dir, "cut.xml",
            "<?xml version=\"1.0\"?>\n"
            "<sheets xmlns=\"urn:merit:1\">\n"
            "  <sheet reviewer=\"R1\" call=\"C1\" bogus=\"1\"/>\n"
            "  <sheet reviewer=\"R2\" call=\"C1\" bogus=\"1\"/>\n"
            "  <sheet reviewer=\"R3\" ca");
    merit_limits limits = {.max_diagnostics = 1};
    merit_ctx_set_limits(s->ctx, &limits);
    assert_int_equal(validate(s, "cut.xml"), MERIT_EINVALID);
    /* "  <sheet reviewer=\"R1\" call=\"C1\" " is 33 characters */
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("cut.xml", 3, 34,
                           "attribute 'bogus' is not allowed on <sheet> (it takes 'reviewer' "
                           "and 'call')"),
                   T_ERROR("cut.xml", 5, 3,
                           "the file ends inside a start tag, before element 'sheets' (opened at "
                           "line 2, column 1) is closed: is it cut short?"),
                   T_NOTE("cut.xml", 0, 0,
                          "1 more diagnostic in this file not shown (the 'diagnostics' limit is "
                          "1)"));
}

/* --- schema errors in merit's words ------------------------------------------ */

/* clang-format off */
static const char words_sheet[] =
    /* 1 */ "<?xml version=\"1.0\"?>\n"
    /* 2 */ "<sheet xmlns=\"urn:merit:1\" reviewer=\"R1\" call=\"C1\">\n"
    /* 3 */ "  <review proposal=\"P01\" confidence=\"4\"><score criterion=\"a\" value=\"1\"/>"
            "<comment>C.</comment></review>\n"
    /* 4 */ "</sheet>\n";
static const char words_rubric[] =
    /* 1 */ "<?xml version=\"1.0\"?>\n"
    /* 2 */ "<rubric xmlns=\"urn:merit:1\" id=\"r\" version=\"1\">\n"
    /* 3 */ "  <title>T</title>\n"
    /* 4 */ "  <scale min=\"0\" max=\"5\" step=\"1\"/>\n"
    /* 5 */ "  <criteria><criterion id=\"a\" weight=\"1\"><name>A</name></criterion></criteria>\n"
    /* 6 */ "  <aggregation method=\"mean\"/>\n"
    /* 7 */ "</rubric>\n";
static const char words_call[] =
    /* 1 */ "<?xml version=\"1.0\"?>\n"
    /* 2 */ "<call xmlns=\"urn:merit:1\" id=\"C1\" currency=\"EUR\">\n"
    /* 3 */ "  <title>T</title>\n"
    /* 4 */ "  <budget available=\"100\"/>\n"
    /* 5 */ "  <rubric name=\"nih\"/>\n"
    /* 6 */ "  <panel><reviewer id=\"R1\"><name>N</name></reviewer></panel>\n"
    /* 7 */ "</call>\n";
/* clang-format on */

/* Writes base with one edit as name and validates it: it must be
 * invalid. The diagnostics are left for the caller to check. Columns in
 * the checks below are counted on the edited line (the one the comment
 * above each base numbers). */
static void validate_edited(struct t_scratch *s, const char *name, const char *base,
                            const char *from, const char *to)
{
    char *xml = t_replace(base, from, to);
    t_write(s->dir, name, xml);
    free(xml);
    merit_ctx_clear_diags(s->ctx);
    assert_int_equal(validate(s, name), MERIT_EINVALID);
}

#define REVIEW_HOLDS                                                                               \
    "a <review> holds one or more <score> or <no-score>, in any order, then an optional "          \
    "<comment>"

/* Elements in the wrong place, missing, or where none may be: what the
 * parent holds, in order, is said. */
static void schema_words_for_elements(void **state)
{
    struct t_scratch *s = *state;
    /* out of order */
    validate_edited(s, "order.xml", words_sheet,
                    "<score criterion=\"a\" value=\"1\"/><comment>C.</comment>",
                    "<comment>C.</comment><score criterion=\"a\" value=\"1\"/>");
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("order.xml", 3, 41, "<comment> cannot come here: " REVIEW_HOLDS));
    /* once too often */
    validate_edited(s, "twice.xml", words_sheet, "<comment>C.</comment>",
                    "<comment>C.</comment><comment>D.</comment>");
    T_EXPECT_DIAGS(
        s->ctx, T_ERROR("twice.xml", 3, 94, "a second <comment> cannot come here: " REVIEW_HOLDS));
    /* not part of its parent at all, and near a name that is */
    validate_edited(s, "titel.xml", words_rubric, "<title>T</title>", "<titel>T</titel>");
    T_EXPECT_DIAGS(
        s->ctx, T_ERROR("titel.xml", 3, 3,
                        "<titel> does not belong in <rubric>: a <rubric> holds <title>, then an "
                        "optional <description>, then <scale>, then <criteria>, then an optional "
                        "<overall>, then <aggregation>, then an optional <funding>, then an "
                        "optional <tie-break>, then an optional <eligibility>, then an optional "
                        "<requires>; did you mean <title>?"));
    /* from another namespace */
    validate_edited(s, "other.xml", words_sheet, "<comment>C.</comment>",
                    "<o:note xmlns:o=\"urn:other\"/>");
    T_EXPECT_DIAGS(
        s->ctx,
        T_ERROR("other.xml", 3, 73,
                "<note> in namespace 'urn:other' does not belong in <review>: " REVIEW_HOLDS));
    /* missing */
    validate_edited(s, "empty.xml", words_sheet,
                    "<score criterion=\"a\" value=\"1\"/><comment>C.</comment>", "");
    T_EXPECT_DIAGS(
        s->ctx, T_ERROR("empty.xml", 3, 3, "<review> lacks <score> or <no-score>: " REVIEW_HOLDS));
    validate_edited(s, "panel.xml", words_call, "<reviewer id=\"R1\"><name>N</name></reviewer>",
                    "");
    T_EXPECT_DIAGS(s->ctx, T_ERROR("panel.xml", 6, 3,
                                   "<panel> lacks <reviewer>: a <panel> holds one or more "
                                   "<reviewer>"));
    /* text or elements where an element takes attributes only */
    validate_edited(s, "scale.xml", words_rubric, "step=\"1\"/>", "step=\"1\">ten</scale>");
    T_EXPECT_DIAGS(s->ctx, T_ERROR("scale.xml", 4, 3,
                                   "text cannot come inside <scale>: a <scale> takes attributes "
                                   "only"));
    validate_edited(s, "budget.xml", words_call, "available=\"100\"/>",
                    "available=\"100\"><cash/></budget>");
    T_EXPECT_DIAGS(s->ctx, T_ERROR("budget.xml", 4, 27,
                                   "<cash> cannot come inside <budget>: a <budget> takes "
                                   "attributes only"));
    /* an element where only text may be */
    validate_edited(s, "bold.xml", words_sheet, "<comment>C.</comment>",
                    "<comment>C.<b>!</b></comment>");
    T_EXPECT_DIAGS(s->ctx, T_ERROR("bold.xml", 3, 84,
                                   "<b> cannot come inside <comment>: a <comment> holds only "
                                   "text"));
    /* text where only elements may be */
    validate_edited(s, "words.xml", words_sheet, "<score criterion", "Good. <score criterion");
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("words.xml", 3, 3, "text cannot come inside <review>: " REVIEW_HOLDS));
}

/* Attributes missing or not allowed: which, and on what. */
static void schema_words_for_attributes(void **state)
{
    struct t_scratch *s = *state;
    validate_edited(s, "missing.xml", words_sheet, " value=\"1\"", "");
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("missing.xml", 3, 41, "<score> lacks the required attribute 'value'"));
    validate_edited(s, "bogus.xml", words_sheet, "call=\"C1\"", "call=\"C1\" bogus=\"1\"");
    T_EXPECT_DIAGS(s->ctx, T_ERROR("bogus.xml", 2, 52,
                                   "attribute 'bogus' is not allowed on <sheet> (it takes "
                                   "'reviewer' and 'call')"));
    /* a misspelt one: the nearest the element takes, and the one it
     * then lacks */
    validate_edited(s, "valeu.xml", words_sheet, " value=\"1\"", " valeu=\"1\"");
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("valeu.xml", 3, 62,
                           "attribute 'valeu' is not allowed on <score>; did you mean 'value'?"),
                   T_ERROR("valeu.xml", 3, 41, "<score> lacks the required attribute 'value'"));
    validate_edited(s, "foreign.xml", words_sheet, "<review proposal",
                    "<review xmlns:o=\"urn:other\" o:x=\"1\" proposal");
    T_EXPECT_DIAGS(s->ctx, T_ERROR("foreign.xml", 3, 31,
                                   "attribute 'o:x' is not allowed on <review> (it takes "
                                   "'proposal' and 'confidence')"));
    validate_edited(s, "overall.xml", words_rubric, "  <aggregation",
                    "  <overall limit=\"3\"/>\n  <aggregation");
    T_EXPECT_DIAGS(s->ctx, T_ERROR("overall.xml", 6, 12,
                                   "attribute 'limit' is not allowed on <overall> (it takes "
                                   "'threshold')"));
    /* an element of a simple type takes none */
    validate_edited(s, "none.xml", words_sheet, "<comment>", "<comment lang=\"en\">");
    T_EXPECT_DIAGS(s->ctx, T_ERROR("none.xml", 3, 82,
                                   "attribute 'lang' is not allowed on <comment> (it takes none)"));
}

#define ID_RULE "an id (1 to 64 of A-Z a-z 0-9 . _ -, not starting with '.')"

/* Values that break their type: what the value must be, from the type's
 * documentation or its facets. */
static void schema_words_for_values(void **state)
{
    struct t_scratch *s = *state;
    validate_edited(s, "dot.xml", words_sheet, "reviewer=\"R1\"", "reviewer=\".R1\"");
    T_EXPECT_DIAGS(s->ctx, T_ERROR("dot.xml", 2, 28, "reviewer '.R1' is not " ID_RULE));
    char *long_id = t_sprintf("reviewer=\"%065d\"", 0); /* 65 characters */
    validate_edited(s, "long.xml", words_sheet, "reviewer=\"R1\"", long_id);
    free(long_id);
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("long.xml", 2, 28,
                           "reviewer '0000000000000000000000000000...0000000000000000000000000000' "
                           "is not " ID_RULE));
    validate_edited(s, "slash.xml", words_sheet, "proposal=\"P01\"", "proposal=\"P/01\"");
    T_EXPECT_DIAGS(s->ctx, T_ERROR("slash.xml", 3, 11, "proposal 'P/01' is not " ID_RULE));
    /* an enumeration: its values, and the nearest */
    validate_edited(s, "enum.xml", words_rubric, "step=\"1\"/>",
                    "step=\"1\" direction=\"lower-is-beter\"/>");
    T_EXPECT_DIAGS(s->ctx, T_ERROR("enum.xml", 4, 35,
                                   "direction 'lower-is-beter' is not one of 'higher-is-better', "
                                   "'lower-is-better'; did you mean 'lower-is-better'?"));
    validate_edited(s, "method.xml", words_rubric, "method=\"mean\"", "method=\"average\"");
    T_EXPECT_DIAGS(s->ctx, T_ERROR("method.xml", 6, 16,
                                   "method 'average' is not one of 'mean', 'median', "
                                   "'trimmed-mean', 'confidence-weighted', 'z-score'"));
    /* bounds of a whole number */
    validate_edited(s, "conf.xml", words_sheet, "confidence=\"4\"", "confidence=\"9\"");
    T_EXPECT_DIAGS(
        s->ctx, T_ERROR("conf.xml", 3, 26,
                        "confidence '9' is not a whole number from 1 to 5 (or empty: none given)"));
    validate_edited(s, "min.xml", words_rubric, "method=\"mean\"",
                    "method=\"mean\" min-reviewers=\"0\"");
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("min.xml", 6, 30, "min-reviewers '0' is not a whole number, 1 or more"));
    /* the syntax of a whole number, a boolean, a decimal, an amount, a
     * currency */
    validate_edited(s, "int.xml", words_rubric, "method=\"mean\"",
                    "method=\"mean\" trim-from=\"three\"");
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("int.xml", 6, 30, "trim-from 'three' is not a whole number, 1 or more"));
    validate_edited(s, "bool.xml", words_rubric, "method=\"mean\"/>",
                    "method=\"mean\"/>\n  <funding skip-unaffordable=\"yes\"/>");
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("bool.xml", 7, 12, "skip-unaffordable 'yes' is not true or false"));
    validate_edited(s, "dec.xml", words_sheet, "value=\"1\"", "value=\"4,5\"");
    T_EXPECT_DIAGS(s->ctx, T_ERROR("dec.xml", 3, 62,
                                   "value '4,5' is not a decimal number (an optional sign, 1 to "
                                   "18 digits, then an optional point and 1 to 18 digits, as 4, "
                                   "-1 or 0.25; no exponent; empty in a template not filled in "
                                   "yet)"));
    validate_edited(s, "amount.xml", words_call, "available=\"100\"", "available=\"12.345\"");
    T_EXPECT_DIAGS(s->ctx, T_ERROR("amount.xml", 4, 11,
                                   "available '12.345' is not an amount (1 to 15 digits and at "
                                   "most two decimals, as 1500 or 1500.50)"));
    validate_edited(s, "currency.xml", words_call, "currency=\"EUR\"", "currency=\"euro\"");
    T_EXPECT_DIAGS(s->ctx, T_ERROR("currency.xml", 2, 35,
                                   "currency 'euro' is not a currency code (three capital "
                                   "letters, as EUR or USD)"));
    /* lengths */
    validate_edited(s, "blank.xml", words_rubric, "<title>T</title>", "<title></title>");
    T_EXPECT_DIAGS(s->ctx, T_ERROR("blank.xml", 3, 3, "<title> is empty"));
    validate_edited(s, "href.xml", words_call, "<rubric name=\"nih\"/>", "<rubric href=\"\"/>");
    T_EXPECT_DIAGS(s->ctx, T_ERROR("href.xml", 5, 11, "attribute 'href' of <rubric> is empty"));
    char title[301 + 20];
    memset(title, 'x', 301);
    title[301] = '\0';
    char *long_title = t_sprintf("<title>%s</title>", title);
    validate_edited(s, "title.xml", words_call, "<title>T</title>", long_title);
    free(long_title);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("title.xml", 3, 3,
                                   "<title> is 301 characters long, more than the 300 allowed"));
}

/* A proposal's date: merit's only xs:date. */
static void schema_words_for_dates(void **state)
{
    struct t_scratch *s = *state;
    write_long_proposal(s->dir, "base.xml", 1);
    char *base = t_read("base.xml", NULL);
    assert_non_null(base);
    validate_edited(s, "date.xml", base, "<milestones/>",
                    "<milestones><milestone id=\"m1\" due=\"2027-02-30\"><metric>M</metric>"
                    "<description>D</description></milestone></milestones>");
    free(base);
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("date.xml", 5, 87, "due '2027-02-30' is not a date (YYYY-MM-DD)"));
}

/* xsi:type and xsi:nil would change what an element is: refused. */
static void schema_words_for_xsi(void **state)
{
    struct t_scratch *s = *state;
    validate_edited(s, "nil.xml", words_sheet, "<review proposal",
                    "<review xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                    "xsi:nil=\"true\" proposal");
    T_EXPECT_DIAGS(s->ctx, T_ERROR("nil.xml", 3, 65,
                                   "xsi:nil cannot be used on <review>: no merit element is "
                                   "nillable"));
    validate_edited(
        s, "type.xml", words_sheet, "<review proposal",
        "<review xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
        "xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" xsi:type=\"xs:string\" proposal");
    T_EXPECT_DIAGS(s->ctx, T_ERROR("type.xml", 3, 109,
                                   "xsi:type cannot be used on <review>: merit's formats take no "
                                   "xsi:type"));
}

/* Every one of the 2,966 paper ids of ICLR 2021 (tests/data: 88 of them
 * start with '-' or '_') is an id: here as reviewer ids, one sheet each,
 * in one bundle. */
static void every_iclr_paper_id_is_an_id(void **state)
{
    struct t_scratch *s = *state;
    char *tsv = t_read(MERIT_SOURCE_DIR "/tests/data/iclr2021_ratings.tsv", NULL);
    assert_non_null(tsv);
    size_t cap = strlen(tsv) * 4 + 256, len = 0, ids = 0, dash_or_underscore = 0;
    char *xml = malloc(cap);
    assert_non_null(xml);
    len += (size_t)snprintf(xml, cap, "<?xml version=\"1.0\"?>\n<sheets xmlns=\"urn:merit:1\">\n");
    /* the first line names the columns */
    for (char *line = strchr(tsv, '\n'); line != NULL && line[1] != '\0';
         line = strchr(line + 1, '\n')) {
        size_t n = strcspn(line + 1, "\t\n");
        assert_true(n > 0);
        dash_or_underscore += line[1] == '-' || line[1] == '_';
        len += (size_t)snprintf(xml + len, cap - len,
                                "<sheet reviewer=\"%.*s\" call=\"ICLR2021\"/>\n", (int)n, line + 1);
        ids++;
    }
    len += (size_t)snprintf(xml + len, cap - len, "</sheets>\n");
    assert_true(len < cap);
    assert_int_equal(ids, 2966);
    assert_int_equal(dash_or_underscore, 88);
    t_write(s->dir, "iclr.xml", xml);
    free(xml);
    free(tsv);
    const char *kind = NULL;
    size_t count = 0;
    int rc = merit_file_validate(s->ctx, "iclr.xml", &kind, &count);
    if (rc != 0)
        t_print_diags(s->ctx);
    assert_int_equal(rc, 0);
    assert_int_equal(count, 2966);
    T_EXPECT_NO_DIAGS(s->ctx);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, t_scratch_setup, t_scratch_teardown)
    const struct CMUnitTest tests[] = {
        T(external_entity_is_never_loaded),
        T(external_parameter_entity_is_never_loaded),
        T(external_dtd_is_never_loaded),
        T(entity_bomb_is_refused_before_expansion),
        T(deny_loader_is_installed),
        T(fifo_is_refused_without_hanging),
        T(gzip_file_is_not_decompressed),
        T(size_limit),
        T(size_limit_message_names_no_missing_option),
        T(depth_limit),
        T(empty_and_missing_files),
        T(directory_is_refused),
        T(invalid_utf8),
        T(malformed_xml),
        T(bytes_are_kept_exactly),
        T(columns_count_characters),
        T(text_collapse),
        T(text_over_the_parser_limit),
        T(attributes_past_the_limit_are_refused_before_libxml2_reads_them),
        T(attributes_are_counted_in_start_tags_only),
        T(names_and_values_over_the_parser_limits),
        T(diagnostics_over_the_limit_are_counted_not_kept),
        T(too_many_different_names),
        T(the_end_of_reading_is_shown_past_the_limit),
        T(schema_words_for_elements),
        T(schema_words_for_attributes),
        T(schema_words_for_values),
        T(schema_words_for_dates),
        T(schema_words_for_xsi),
        T(every_iclr_paper_id_is_an_id),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
