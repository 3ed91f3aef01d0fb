/* Writing merit XML: see xml_write.h. */
#include <string.h>

#include "internal.h"
#include "merit/escape.h"
#include "xml_write.h"

/* The kit's XML escaping (merit__xml_replacement, the rule of
 * merit_sink_xml_text and merit_sink_xml_attr), onto a stream: the
 * sheets and proposals merit writes are read back exactly as the kit's
 * writers' XML is. */
static void escaped(FILE *out, const char *text, bool attr)
{
    const char *run = text;
    for (const char *p = text;; p++) {
        const char *with = *p != '\0' ? merit__xml_replacement((unsigned char)*p, attr) : NULL;
        if (with == NULL && *p != '\0')
            continue;
        fwrite(run, 1, (size_t)(p - run), out);
        if (*p == '\0')
            return;
        fputs(with, out);
        run = p + 1;
    }
}

void merit__xw_text(FILE *out, const char *text)
{
    escaped(out, text, false);
}

void merit__xw_attr(FILE *out, const char *text)
{
    escaped(out, text, true);
}

void merit__xw_comment(FILE *out, const char *text)
{
    for (const char *p = text; *p; p++) {
        fputc(*p, out);
        if (*p == '-' && (p[1] == '-' || p[1] == '\0'))
            fputc(' ', out);
    }
}

bool merit__xml_text_ok(const char *text, size_t len, size_t *bad_out)
{
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0; i < len;) {
        size_t n = merit__utf8_length(s + i, len - i);
        bool ok = n > 0;
        if (ok && n == 1)
            ok = s[i] >= 0x20 || s[i] == '\t' || s[i] == '\n' || s[i] == '\r';
        /* U+FFFE and U+FFFF: EF BF BE, EF BF BF */
        if (ok && n == 3 && s[i] == 0xEF && s[i + 1] == 0xBF && s[i + 2] >= 0xBE)
            ok = false;
        if (!ok) {
            if (bad_out != NULL)
                *bad_out = i;
            return false;
        }
        i += n;
    }
    return true;
}
