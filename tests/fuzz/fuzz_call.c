/*
 * Fuzzes a whole call folder assembled from the input. The input is split
 * at separator lines; the text before the first separator is call.xml, and
 * each separator says where the text after it goes:
 *
 *   --merit-rubric--     rubric.xml (the call names it with href="rubric.xml";
 *                        a second one is rubric2.xml, and so on)
 *   --merit-proposal--   proposals/p00.xml, p01.xml, ...
 *   --merit-review--     reviews/r00.xml, r01.xml, ...
 *   --merit-file--NAME   NAME, a path in the call folder, %HH standing for
 *                        the byte HH: "proposals/P%1B[31m.xml" is a proposal
 *                        whose file name holds an ESC sequence (NUL becomes
 *                        "_", and so do empty, "." and ".." parts)
 *
 * (each separator is a whole line: "\n--merit-proposal--\n"). At most 64
 * files are written; the rest of the input is ignored, and so is a named
 * file a folder or file of the same name is in the way of. The folder goes
 * through fuzz_call_everything with everything on: loaded, ranked with every
 * method, every report rendered to memory, the audit trail written and
 * replayed, loaded again over each limit it reaches, and, when it does not
 * load, loaded with keep-going.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define MAX_FILES 64
#define MAX_NAME 200

static const struct {
    const char *separator;
    const char *prefix; /* of the file names: prefix, a number, ".xml" */
} kinds[] = {
    {"\n--merit-rubric--\n", "call/rubric"},
    {"\n--merit-proposal--\n", "call/proposals/p"},
    {"\n--merit-review--\n", "call/reviews/r"},
};
#define KIND_COUNT (sizeof(kinds) / sizeof(kinds[0]))
#define KIND_NAMED ((int)KIND_COUNT) /* "\n--merit-file--NAME\n" */
static const char named[] = "\n--merit-file--";

/* The next separator at or after from: its kind, or -1 when there is none
 * (then *at is size); *content is where the file after it starts. */
static int next_separator(const uint8_t *data, size_t size, size_t from, size_t *at,
                          size_t *content)
{
    for (size_t i = from; i < size; i++) {
        if (data[i] != '\n')
            continue;
        for (size_t k = 0; k < KIND_COUNT; k++) {
            size_t len = strlen(kinds[k].separator);
            if (size - i >= len && memcmp(data + i, kinds[k].separator, len) == 0) {
                *at = i;
                *content = i + len;
                return (int)k;
            }
        }
        size_t len = strlen(named);
        const uint8_t *nl = size - i > len ? memchr(data + i + len, '\n', size - i - len) : NULL;
        if (nl != NULL && memcmp(data + i, named, len) == 0) {
            *at = i;
            *content = (size_t)(nl - data) + 1;
            return KIND_NAMED;
        }
    }
    *at = size;
    *content = size;
    return -1;
}

static int hex_digit(uint8_t c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                  : -1;
}

/* "call/" + the name of a --merit-file-- line, %HH decoded, made a path
 * inside the call folder. */
/* Room for a decoded name: every empty part of it may become "_". */
#define NAME_ROOM (5 + 2 * MAX_NAME + 2)

static void decode_name(const uint8_t *name, size_t len, char out[NAME_ROOM])
{
    memcpy(out, "call/", 5);
    size_t o = 5;
    for (size_t i = 0; i < len && o < 5 + MAX_NAME; i++) {
        int hi, lo;
        if (name[i] == '%' && i + 2 < len && (hi = hex_digit(name[i + 1])) >= 0 &&
            (lo = hex_digit(name[i + 2])) >= 0) {
            out[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            out[o++] = (char)name[i];
        }
        if (out[o - 1] == '\0')
            out[o - 1] = '_';
    }
    out[o] = '\0';
    /* no part may climb out, or be empty */
    char *part = out + 5;
    for (;;) {
        char *slash = strchr(part, '/');
        size_t n = slash ? (size_t)(slash - part) : strlen(part);
        if (n == 0 || (n == 1 && part[0] == '.') || (n == 2 && part[0] == '.' && part[1] == '.')) {
            /* "_" is longer than what it replaces only for "": NAME_ROOM */
            memmove(part + 1, part + n, strlen(part + n) + 1);
            part[0] = '_';
            slash = part[1] == '/' ? part + 1 : NULL;
        }
        if (slash == NULL)
            break;
        part = slash + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char *dir;
    if (dir == NULL)
        dir = fuzz_path("call");
    fuzz_remove("call");

    size_t counts[KIND_COUNT] = {0};
    size_t at = 0, start = 0;
    int kind = next_separator(data, size, 0, &at, &start);
    fuzz_write("call/call.xml", data, at);
    /* the proposals/ and reviews/ folders exist even when empty */
    fuzz_write("call/proposals/.keep", "", 0);
    fuzz_write("call/reviews/.keep", "", 0);
    for (size_t files = 1; kind >= 0 && files < MAX_FILES; files++) {
        size_t end = 0, next_start = 0;
        int next = next_separator(data, size, start, &end, &next_start);
        char name[NAME_ROOM];
        if (kind == KIND_NAMED) {
            size_t from = at + strlen(named);
            decode_name(data + from, start - 1 - from, name);
            fuzz_try_write(name, data + start, end - start);
        } else {
            size_t n = counts[kind]++;
            if (kind == 0 && n == 0)
                snprintf(name, sizeof(name), "%s.xml", kinds[kind].prefix); /* rubric.xml */
            else if (kind == 0)
                snprintf(name, sizeof(name), "%s%zu.xml", kinds[kind].prefix, n + 1);
            else
                snprintf(name, sizeof(name), "%s%02zu.xml", kinds[kind].prefix, n);
            fuzz_write(name, data + start, end - start);
        }
        at = end;
        start = next_start;
        kind = next;
    }
    fuzz_call_everything(dir, FUZZ_EVERYTHING);
    fuzz_remove("call");
    return 0;
}
