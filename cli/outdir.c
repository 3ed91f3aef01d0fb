/*
 * A folder of output files written as a whole (docs/cli.md, merit sheets
 * and merit import): the folder must be new or empty; every file is written
 * into a hidden staging folder DIR/.merit-XXXXXX first and moved into DIR
 * only once all of them are written and closed. On any failure the staging
 * folder and whatever was moved are removed (and DIR, if it was made here),
 * so no half-written set of files is left behind. Folders made in the
 * staging folder (merit init's proposals/ and reviews/) move as a whole.
 * merit-gen (tools/merit-gen) does the same for a whole call. The files
 * reach the disk together, by one syncfs of the staging folder's file
 * system before the first move, not one fsync a file (10,000 summaries:
 * one flush, not 10,000).
 */
#define _GNU_SOURCE /* syncfs */
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* Removes what this module made: a file, or a folder and what is in it
 * (links are removed, never followed). */
static void remove_staged(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        unlink(path);
        return;
    }
    DIR *d = opendir(path);
    if (d != NULL) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char *child = cli_path_join(path, e->d_name);
            if (child != NULL)
                remove_staged(child);
            free(child);
        }
        closedir(d);
    }
    rmdir(path);
}

static int add_name(cli_outdir *d, const char *name)
{
    char **grown = realloc(d->names, (d->count + 1) * sizeof(*d->names));
    if (grown == NULL) {
        fputs("merit: error: out of memory\n", stderr);
        return EXIT_IO;
    }
    d->names = grown;
    if ((d->names[d->count] = strdup(name)) == NULL) {
        fputs("merit: error: out of memory\n", stderr);
        return EXIT_IO;
    }
    d->count++;
    return EXIT_CLEAN;
}

int cli_outdir_mkdir(cli_outdir *d, const char *name)
{
    if (add_name(d, name) != EXIT_CLEAN)
        return EXIT_IO;
    char *path = cli_path_join(d->stage, name);
    if (path == NULL || mkdir(path, 0777) != 0) {
        cli_print_line(stderr, "%s/%s: error: cannot create folder: %s", d->dir, name,
                       strerror(path != NULL ? errno : ENOMEM));
        free(path);
        return EXIT_IO;
    }
    free(path);
    return EXIT_CLEAN;
}

int cli_outdir_begin(const char *command, const char *dir, cli_outdir *d)
{
    memset(d, 0, sizeof(*d));
    /* "out/" names the folder "out" */
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;
    d->dir = strndup(dir, len);
    if (d->dir == NULL) {
        fputs("merit: error: out of memory\n", stderr);
        return EXIT_IO;
    }
    struct stat st;
    if (stat(d->dir, &st) != 0) {
        if (errno != ENOENT) {
            cli_print_line(stderr, "%s: error: cannot use as the output folder: %s", d->dir,
                           strerror(errno));
            cli_outdir_abort(d);
            return EXIT_IO;
        }
        if (mkdir(d->dir, 0777) != 0) {
            cli_print_line(stderr, "%s: error: cannot create folder: %s", d->dir, strerror(errno));
            cli_outdir_abort(d);
            return EXIT_IO;
        }
        d->created = true;
    } else if (!S_ISDIR(st.st_mode)) {
        cli_print_line(stderr, "%s: error: exists and is not a folder", d->dir);
        cli_outdir_abort(d);
        return EXIT_IO;
    } else {
        DIR *dd = opendir(d->dir);
        if (dd == NULL) {
            cli_print_line(stderr, "%s: error: cannot read folder: %s", d->dir, strerror(errno));
            cli_outdir_abort(d);
            return EXIT_IO;
        }
        bool empty = true;
        struct dirent *e;
        while (empty && (e = readdir(dd)) != NULL)
            empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
        closedir(dd);
        if (!empty) {
            cli_print_line(stderr,
                           "%s: error: folder is not empty; merit %s writes only into a new or "
                           "empty folder",
                           d->dir, command);
            cli_outdir_abort(d);
            return EXIT_IO;
        }
    }
    d->stage = cli_path_join(d->dir, ".merit-XXXXXX");
    if (d->stage == NULL || mkdtemp(d->stage) == NULL) {
        cli_print_line(stderr, "%s: error: cannot create a folder in it: %s", d->dir,
                       strerror(d->stage != NULL ? errno : ENOMEM));
        free(d->stage);
        d->stage = NULL;
        cli_outdir_abort(d);
        return EXIT_IO;
    }
    return EXIT_CLEAN;
}

FILE *cli_outdir_open(cli_outdir *d, const char *name)
{
    if (add_name(d, name) != EXIT_CLEAN)
        return NULL;
    char *path = cli_path_join(d->stage, name);
    FILE *f = path != NULL ? fopen(path, "wx") : NULL;
    if (f == NULL)
        cli_print_line(stderr, "%s/%s: error: cannot create: %s", d->dir, name,
                       strerror(path != NULL ? errno : ENOMEM));
    free(path);
    return f;
}

int cli_outdir_close(cli_outdir *d, FILE *f, int werr)
{
    const char *name = d->names[d->count - 1];
    int e = 0;
    if (werr != 0 || fflush(f) != 0 || ferror(f))
        e = errno ? errno : EIO;
    if (fclose(f) != 0 && e == 0)
        e = errno ? errno : EIO;
    if (e != 0) {
        cli_print_line(stderr, "%s/%s: error: cannot write: %s", d->dir, name, strerror(e));
        return EXIT_IO;
    }
    return EXIT_CLEAN;
}

/* Flushes what was written into the staging folder to the disk. */
static int sync_stage(const cli_outdir *d)
{
    int fd = open(d->stage, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int e = fd < 0 ? errno : syncfs(fd) != 0 ? errno : 0;
    if (fd >= 0)
        close(fd);
    if (e == 0 || e == EINVAL || e == ENOSYS)
        return EXIT_CLEAN;
    cli_print_line(stderr, "%s: error: cannot write: %s", d->dir, strerror(e));
    return EXIT_IO;
}

int cli_outdir_commit(cli_outdir *d)
{
    size_t moved = 0;
    int code = sync_stage(d);
    if (code != EXIT_CLEAN) {
        cli_outdir_abort(d);
        return code;
    }
    for (; moved < d->count; moved++) {
        if (strchr(d->names[moved], '/') != NULL)
            continue; /* moves with its folder */
        char *from = cli_path_join(d->stage, d->names[moved]);
        char *to = cli_path_join(d->dir, d->names[moved]);
        int rc = from != NULL && to != NULL ? rename(from, to) : -1;
        int e = from != NULL && to != NULL ? errno : ENOMEM;
        free(from);
        free(to);
        if (rc != 0) {
            cli_print_line(stderr, "%s/%s: error: cannot move into place: %s", d->dir,
                           d->names[moved], strerror(e));
            code = EXIT_IO;
            break;
        }
    }
    if (code != EXIT_CLEAN) {
        for (size_t i = 0; i < moved; i++) {
            if (strchr(d->names[i], '/') != NULL)
                continue;
            char *to = cli_path_join(d->dir, d->names[i]);
            if (to != NULL)
                remove_staged(to);
            free(to);
        }
        cli_outdir_abort(d);
        return code;
    }
    rmdir(d->stage);
    free(d->stage);
    d->stage = NULL;
    d->created = false;
    cli_outdir_abort(d); /* frees the rest; nothing is left to remove */
    return EXIT_CLEAN;
}

void cli_outdir_abort(cli_outdir *d)
{
    if (d->stage != NULL)
        remove_staged(d->stage);
    if (d->created && d->dir != NULL)
        rmdir(d->dir);
    for (size_t i = 0; i < d->count; i++)
        free(d->names[i]);
    free(d->names);
    free(d->stage);
    free(d->dir);
    memset(d, 0, sizeof(*d));
}
