/* Writing an output file atomically: a temporary file in the same folder,
 * flushed and synced, then renamed over the target. A failure at any point
 * removes the temporary file and leaves the target as it was. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* A target that exists and is not a regular file (a terminal, a pipe,
 * /dev/null, /dev/full) is written directly: there is nothing to replace
 * atomically, and no temporary file may be made beside it. */
static int write_direct(const char *path, cli_writer writer, const void *arg)
{
    FILE *out = fopen(path, "w");
    if (out == NULL) {
        fprintf(stderr, "%s: error: cannot open for writing: %s\n", path, strerror(errno));
        return EXIT_IO;
    }
    errno = 0;
    int werr = writer(out, arg);
    int e = werr != 0 || fflush(out) != 0 || ferror(out) ? (errno ? errno : EIO) : 0;
    if (fclose(out) != 0 && e == 0)
        e = errno ? errno : EIO;
    if (e != 0) {
        fprintf(stderr, "%s: error: cannot write: %s\n", path, strerror(e));
        return EXIT_IO;
    }
    return EXIT_CLEAN;
}

int cli_write_atomic(const char *path, cli_writer writer, const void *arg)
{
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) {
            fprintf(stderr, "%s: error: is a directory, not a file to write\n", path);
            return EXIT_IO;
        }
        return write_direct(path, writer, arg);
    }
    size_t len = strlen(path);
    char *tmp = malloc(len + 16);
    if (tmp == NULL) {
        fprintf(stderr, "%s: error: out of memory\n", path);
        return EXIT_IO;
    }
    snprintf(tmp, len + 16, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fprintf(stderr, "%s: error: cannot create output file: %s\n", path, strerror(errno));
        free(tmp);
        return EXIT_IO;
    }
    FILE *out = fdopen(fd, "w");
    if (out == NULL) {
        int e = errno;
        close(fd);
        unlink(tmp);
        fprintf(stderr, "%s: error: cannot write: %s\n", path, strerror(e));
        free(tmp);
        return EXIT_IO;
    }
    errno = 0;
    int werr = writer(out, arg);
    int e = 0;
    if (werr != 0 || fflush(out) != 0 || ferror(out))
        e = errno ? errno : EIO;
    if (e == 0 && fsync(fileno(out)) != 0 && errno != EINVAL)
        e = errno;
    if (fclose(out) != 0 && e == 0)
        e = errno ? errno : EIO;
    if (e == 0 && rename(tmp, path) != 0)
        e = errno;
    if (e != 0) {
        unlink(tmp);
        fprintf(stderr, "%s: error: cannot write: %s\n", path, strerror(e));
        free(tmp);
        return EXIT_IO;
    }
    free(tmp);
    return EXIT_CLEAN;
}
