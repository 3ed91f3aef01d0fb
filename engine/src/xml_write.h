/*
 * Writing merit XML onto a stream (xml_write.c): the score-sheet templates
 * and the sheets and proposals `merit import` writes. Small on purpose: the
 * text of an element, the value of an attribute, a comment. Text and
 * attributes are escaped by the output kit's rule (merit_sink_xml_text and
 * merit_sink_xml_attr, through merit__xml_replacement): one rule for all
 * the XML merit writes.
 *
 * The text must be valid UTF-8 without the control characters XML 1.0
 * cannot hold (all of C0 but tab, LF and CR): callers take it from files
 * merit has checked, or check it first (merit__xml_text_ok). Errors are left
 * in the stream (ferror).
 */
#ifndef MERIT_XML_WRITE_H
#define MERIT_XML_WRITE_H

#include <stdbool.h>
#include <stdio.h>

/* An element's text: & < > escaped, and CR as &#13; so that it reads back
 * as it was (a parser turns a raw CR LF into LF). */
void merit__xw_text(FILE *out, const char *text);
/* An attribute value for a "..." attribute: & < > " escaped, and tab, LF
 * and CR as character references (a parser turns raw ones into spaces). */
void merit__xw_attr(FILE *out, const char *text);
/* Text inside <!-- ... -->, which cannot be escaped: "--" would end the
 * comment early, so a space goes between two hyphens, and after a final
 * one. */
void merit__xw_comment(FILE *out, const char *text);
/* Whether text can be written as XML 1.0 character data: valid UTF-8
 * without a C0 control but tab, LF and CR, and without U+FFFE or U+FFFF.
 * *bad_out (optional) gets the first byte offset that cannot. */
bool merit__xml_text_ok(const char *text, size_t len, size_t *bad_out);

#endif
