/*
 * A main() for the fuzz harnesses in builds without libFuzzer: runs
 * LLVMFuzzerTestOneInput once on every file named, and on every file of every
 * folder named (in bytewise name order; names starting with '.' are skipped),
 * so that ctest replays the seed corpus and the crash reproducers in every
 * build. A crash, a sanitizer report or a harness abort fails the run; so
 * does a path that cannot be read.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_file(const char *path, size_t *runs)
{
    size_t size = 0;
    unsigned char *bytes = fuzz_read(path, &size);
    if (bytes == NULL) {
        fprintf(stderr, "driver: cannot read '%s': %s\n", path, strerror(errno));
        return 1;
    }
    /* a private copy of exactly size bytes, so that ASan sees any overread */
    unsigned char *copy = malloc(size ? size : 1);
    if (copy == NULL) {
        free(bytes);
        fprintf(stderr, "driver: out of memory\n");
        return 1;
    }
    memcpy(copy, bytes, size);
    free(bytes);
    LLVMFuzzerTestOneInput(copy, size);
    free(copy);
    (*runs)++;
    return 0;
}

static int run_dir(const char *dir, size_t *runs)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        fprintf(stderr, "driver: cannot open '%s': %s\n", dir, strerror(errno));
        return 1;
    }
    char **names = NULL;
    size_t count = 0, cap = 0;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 64;
            char **bigger = realloc(names, cap * sizeof(*names));
            if (bigger == NULL) {
                rc = 1;
                break;
            }
            names = bigger;
        }
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        names[count] = malloc(len);
        if (names[count] == NULL) {
            rc = 1;
            break;
        }
        snprintf(names[count], len, "%s/%s", dir, e->d_name);
        count++;
    }
    closedir(d);
    if (count > 0)
        qsort(names, count, sizeof(*names), by_name);
    for (size_t i = 0; i < count; i++) {
        struct stat st;
        if (rc == 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
            rc = run_file(names[i], runs);
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    size_t runs = 0;
    int rc = 0;
    for (int i = 1; i < argc && rc == 0; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "driver: cannot open '%s': %s\n", argv[i], strerror(errno));
            rc = 1;
        } else if (S_ISDIR(st.st_mode)) {
            rc = run_dir(argv[i], &runs);
        } else {
            rc = run_file(argv[i], &runs);
        }
    }
    fprintf(stderr, "driver: %zu input%s run\n", runs, runs == 1 ? "" : "s");
    return rc;
}
