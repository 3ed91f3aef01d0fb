/*
 * Fuzzes a whole call folder assembled from the input. The input is split
 * at separator lines; the text before the first separator is call.xml, and
 * each separator says where the text after it goes:
 *
 *   --merit-rubric--     rubric.xml (the call names it with href="rubric.xml";
 *                        a second one is rubric2.xml, and so on)
 *   --merit-proposal--   proposals/p00.xml, p01.xml, ...
 *   --merit-review--     reviews/r00.xml, r01.xml, ...
 *
 * (each separator is a whole line: "\n--merit-proposal--\n"). At most 64
 * files are written; the rest of the input is ignored. The folder goes
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

static const struct {
    const char *separator;
    const char *prefix; /* of the file names: prefix, a number, ".xml" */
} kinds[] = {
    {"\n--merit-rubric--\n", "call/rubric"},
    {"\n--merit-proposal--\n", "call/proposals/p"},
    {"\n--merit-review--\n", "call/reviews/r"},
};
#define KIND_COUNT (sizeof(kinds) / sizeof(kinds[0]))

/* The next separator at or after from: its kind, or -1 when there is none
 * (then *at is size). */
static int next_separator(const uint8_t *data, size_t size, size_t from, size_t *at)
{
    for (size_t i = from; i < size; i++) {
        if (data[i] != '\n')
            continue;
        for (size_t k = 0; k < KIND_COUNT; k++) {
            size_t len = strlen(kinds[k].separator);
            if (size - i >= len && memcmp(data + i, kinds[k].separator, len) == 0) {
                *at = i;
                return (int)k;
            }
        }
    }
    *at = size;
    return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char *dir;
    if (dir == NULL)
        dir = fuzz_path("call");
    fuzz_remove("call");

    size_t counts[KIND_COUNT] = {0};
    size_t at = 0;
    int kind = next_separator(data, size, 0, &at);
    fuzz_write("call/call.xml", data, at);
    /* the proposals/ and reviews/ folders exist even when empty */
    fuzz_write("call/proposals/.keep", "", 0);
    fuzz_write("call/reviews/.keep", "", 0);
    for (size_t files = 1; kind >= 0 && files < MAX_FILES; files++) {
        size_t start = at + strlen(kinds[kind].separator);
        size_t end = 0;
        int next = next_separator(data, size, start, &end);
        char name[64];
        size_t n = counts[kind]++;
        if (kind == 0 && n == 0)
            snprintf(name, sizeof(name), "%s.xml", kinds[kind].prefix); /* rubric.xml */
        else if (kind == 0)
            snprintf(name, sizeof(name), "%s%zu.xml", kinds[kind].prefix, n + 1);
        else
            snprintf(name, sizeof(name), "%s%02zu.xml", kinds[kind].prefix, n);
        fuzz_write(name, data + start, end - start);
        at = end;
        kind = next;
    }
    fuzz_call_everything(dir, FUZZ_EVERYTHING);
    fuzz_remove("call");
    return 0;
}
