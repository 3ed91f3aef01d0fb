/*
 * The files a command writes (docs/cli.md, "Output files"):
 *
 *  - checked before anything is written: no output may be an input of the
 *    run or another output of the same run (by device and inode, links
 *    followed), nor a new .xml file where the call would read it as an
 *    input next time;
 *  - each rendered into a temporary file beside its target (NAME.tmp-XXXXXX),
 *    flushed, synced and given the target's permissions (an existing
 *    file's, or 0666 less the umask), then renamed over the target; the
 *    files of one run are renamed together under a lock on their folders,
 *    so that two runs writing the same files leave the files of one run;
 *  - removed again on any failure, and on SIGINT, SIGTERM, SIGHUP and
 *    SIGPIPE: only SIGKILL (or a crash) can leave a temporary file behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* --- temporary files removed on a signal ----------------------------------- */

/* The temporary files that exist now. A slot is written only with the
 * signals below blocked, so the handler never sees half an update. */
#define MAX_PENDING 8
static const char *volatile pending[MAX_PENDING];
static const int cleanup_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};

static void remove_pending_and_die(int sig)
{
    for (size_t i = 0; i < MAX_PENDING; i++)
        if (pending[i] != NULL)
            unlink(pending[i]); /* async-signal-safe */
    signal(sig, SIG_DFL);
    raise(sig); /* the exit status still says which signal ended the run */
}

static void block_signals(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < sizeof(cleanup_signals) / sizeof(cleanup_signals[0]); i++)
        sigaddset(&set, cleanup_signals[i]);
    sigprocmask(SIG_BLOCK, &set, old);
}

static void install_handlers(void)
{
    static bool installed;
    if (installed)
        return;
    installed = true;
    for (size_t i = 0; i < sizeof(cleanup_signals) / sizeof(cleanup_signals[0]); i++) {
        struct sigaction sa, old;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = remove_pending_and_die;
        sigemptyset(&sa.sa_mask);
        /* a signal the caller chose to ignore (nohup) stays ignored */
        if (sigaction(cleanup_signals[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(cleanup_signals[i], &sa, NULL);
    }
}

/* Makes a temporary file from tmp's template and registers it, with the
 * signals blocked in between. Returns the descriptor, or -1 (errno set;
 * nothing registered) when no file could be made or no slot is free. */
static int make_pending(char *tmp)
{
    install_handlers();
    sigset_t old;
    block_signals(&old);
    size_t slot = 0;
    while (slot < MAX_PENDING && pending[slot] != NULL)
        slot++;
    int fd = -1;
    if (slot == MAX_PENDING)
        errno = EMFILE;
    else if ((fd = mkstemp(tmp)) >= 0)
        pending[slot] = tmp;
    int e = errno;
    sigprocmask(SIG_SETMASK, &old, NULL);
    errno = e;
    return fd;
}

/* Forgets tmp (renamed or removed); removes it first when asked. */
static void drop_pending(const char *tmp, bool remove)
{
    sigset_t old;
    block_signals(&old);
    if (remove)
        unlink(tmp);
    for (size_t i = 0; i < MAX_PENDING; i++)
        if (pending[i] == tmp)
            pending[i] = NULL;
    sigprocmask(SIG_SETMASK, &old, NULL);
}

/* --- which file is which ------------------------------------------------------ */

/* What an output path names: an existing file (by device and inode), or a
 * name still free in an existing folder (the folder's device and inode and
 * the name). */
struct place {
    bool exists;
    bool sharable; /* a character device (a terminal, /dev/null): two outputs
                      may go there without harm */
    dev_t dev;
    ino_t ino;
    const char *name; /* when !exists: the last component of the path */
    size_t name_len;
};

static bool same_place(const struct place *a, const struct place *b)
{
    if (a->exists != b->exists || a->dev != b->dev || a->ino != b->ino)
        return false;
    if (a->exists)
        return !a->sharable;
    return a->name_len == b->name_len && memcmp(a->name, b->name, a->name_len) == 0;
}

/* The folder part of path ("." when there is none), malloc'd. */
static char *folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    size_t n = (size_t)(slash - path);
    char *dir = malloc(n + 1);
    if (dir != NULL) {
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    return dir;
}

/* Where path points. Returns 0; -1 when that cannot be told (a missing
 * folder: the writing reports it), with *out left not existing and
 * unplaced. */
static int locate(const char *path, struct place *out)
{
    memset(out, 0, sizeof(*out));
    struct stat st;
    if (stat(path, &st) == 0) {
        out->exists = true;
        out->sharable = S_ISCHR(st.st_mode);
        out->dev = st.st_dev;
        out->ino = st.st_ino;
        return 0;
    }
    const char *slash = strrchr(path, '/');
    out->name = slash != NULL ? slash + 1 : path;
    out->name_len = strlen(out->name);
    char *dir = folder_of(path);
    int rc = dir != NULL && stat(dir, &st) == 0 ? 0 : -1;
    free(dir);
    if (rc == 0) {
        out->dev = st.st_dev;
        out->ino = st.st_ino;
    }
    return rc;
}

static bool is_folder(const char *path, const struct place *p)
{
    struct stat st;
    return p->exists && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* True when the free name p would be listed as an input of the call: a
 * visible .xml file in CALLDIR/proposals or CALLDIR/reviews. */
static bool becomes_input(const merit_call *call, const struct place *p, const char **folder)
{
    static const char *const folders[] = {"proposals", "reviews"};
    if (p->exists || p->name_len < 5 || p->name[0] == '.' ||
        memcmp(p->name + p->name_len - 4, ".xml", 4) != 0)
        return false;
    for (size_t i = 0; i < 2; i++) {
        char *dir = cli_path_join(call->dir, folders[i]);
        struct stat st;
        bool same =
            dir != NULL && stat(dir, &st) == 0 && st.st_dev == p->dev && st.st_ino == p->ino;
        free(dir);
        if (same) {
            *folder = folders[i];
            return true;
        }
    }
    return false;
}

char *cli_path_join(const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    while (dl > 1 && dir[dl - 1] == '/')
        dl--;
    char *p = malloc(dl + nl + 2);
    if (p != NULL) {
        memcpy(p, dir, dl);
        p[dl] = '/';
        memcpy(p + dl + 1, name, nl + 1);
    }
    return p;
}

int cli_outputs_check(const char *command, const merit_call *call, cli_out_file *files,
                      size_t count, bool report_to_stdout)
{
    struct place places[4];
    if (count > sizeof(places) / sizeof(places[0]))
        return cli_usage_error("%s: too many output files", command);
    bool located[4] = {false};
    for (size_t i = 0; i < count; i++) {
        located[i] = locate(files[i].path, &places[i]) == 0;
        if (located[i] && is_folder(files[i].path, &places[i])) {
            cli_print_line(stderr, "%s: error: is a directory, not a file to write", files[i].path);
            return EXIT_IO;
        }
        const char *folder;
        if (located[i] && becomes_input(call, &places[i], &folder))
            return cli_usage_error("%s: the %s '%s' would be read as an input of this call the "
                                   "next time (a .xml file in its %s folder); write it elsewhere",
                                   command, files[i].role, files[i].path, folder);
        for (size_t j = 0; j < i; j++)
            if (located[i] && located[j] && same_place(&places[i], &places[j]))
                return cli_usage_error("%s: the %s '%s' and the %s '%s' are the same file; give "
                                       "each its own",
                                       command, files[j].role, files[j].path, files[i].role,
                                       files[i].path);
    }
    struct place out = {0};
    struct stat st;
    bool stdout_file = report_to_stdout && fstat(STDOUT_FILENO, &st) == 0 &&
                       (S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
    if (stdout_file) {
        out.exists = true;
        out.dev = st.st_dev;
        out.ino = st.st_ino;
        for (size_t i = 0; i < count; i++)
            if (located[i] && same_place(&out, &places[i]))
                return cli_usage_error("%s: standard output is the %s '%s' too; give the report "
                                       "and the %s each their own file",
                                       command, files[i].role, files[i].path, files[i].role);
    }
    /* every input file of the run, links followed as the loader followed
     * them */
    for (size_t k = 0; k < call->file_count; k++) {
        const merit_file *f = &call->files[k];
        if (strncmp(f->relpath, "shipped:", 8) == 0 || stat(f->path, &st) != 0)
            continue;
        struct place in = {true, false, st.st_dev, st.st_ino, NULL, 0};
        for (size_t i = 0; i < count; i++) {
            if (!located[i] || !places[i].exists || places[i].dev != in.dev ||
                places[i].ino != in.ino)
                continue;
            if (strcmp(files[i].path, f->path) == 0)
                return cli_usage_error("%s: the %s '%s' is an input of this run; merit never "
                                       "writes over its inputs",
                                       command, files[i].role, files[i].path);
            return cli_usage_error("%s: the %s '%s' is an input of this run ('%s'); merit never "
                                   "writes over its inputs",
                                   command, files[i].role, files[i].path, f->path);
        }
        if (stdout_file && out.dev == in.dev && out.ino == in.ino)
            return cli_usage_error("%s: standard output is an input of this run ('%s'); merit "
                                   "never writes over its inputs",
                                   command, f->path);
    }
    return EXIT_CLEAN;
}

/* --- writing ------------------------------------------------------------------ */

static mode_t creation_mask(void)
{
    static bool read;
    static mode_t mask;
    if (!read) {
        /* the only way to read the umask is to set it: at once back */
        mask = umask(0);
        umask(mask);
        read = true;
    }
    return mask;
}

int cli_out_open(cli_out_file *f)
{
    f->tmp = NULL;
    f->out = NULL;
    f->direct = false;
    struct stat st;
    f->mode = 0666 & ~creation_mask();
    if (stat(f->path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            cli_print_line(stderr, "%s: error: is a directory, not a file to write", f->path);
            return EXIT_IO;
        }
        if (!S_ISREG(st.st_mode)) {
            /* a terminal, a pipe, /dev/null, /dev/full: nothing to replace
             * atomically, and no temporary file may be made beside it */
            f->direct = true;
            f->out = fopen(f->path, "w");
            if (f->out == NULL) {
                cli_print_line(stderr, "%s: error: cannot open for writing: %s", f->path,
                               strerror(errno));
                return EXIT_IO;
            }
            errno = 0;
            return EXIT_CLEAN;
        }
        f->mode = st.st_mode & 07777; /* a file replaced keeps its permissions */
    }
    size_t len = strlen(f->path);
    f->tmp = malloc(len + 16);
    if (f->tmp == NULL) {
        cli_print_line(stderr, "%s: error: out of memory", f->path);
        return EXIT_IO;
    }
    snprintf(f->tmp, len + 16, "%s.tmp-XXXXXX", f->path);
    int fd = make_pending(f->tmp);
    if (fd < 0) {
        cli_print_line(stderr, "%s: error: cannot create output file: %s", f->path,
                       strerror(errno));
        free(f->tmp);
        f->tmp = NULL;
        return EXIT_IO;
    }
    f->out = fdopen(fd, "w");
    if (f->out == NULL) {
        int e = errno;
        close(fd);
        cli_out_discard(f);
        cli_print_line(stderr, "%s: error: cannot write: %s", f->path, strerror(e));
        return EXIT_IO;
    }
    errno = 0; /* what the writer leaves in errno says why it failed */
    return EXIT_CLEAN;
}

void cli_out_discard(cli_out_file *f)
{
    if (f->out != NULL)
        fclose(f->out);
    f->out = NULL;
    if (f->tmp != NULL) {
        drop_pending(f->tmp, true);
        free(f->tmp);
        f->tmp = NULL;
    }
}

int cli_out_close(cli_out_file *f, int werr)
{
    FILE *out = f->out;
    f->out = NULL;
    int e = 0;
    if (werr != 0 || fflush(out) != 0 || ferror(out))
        e = errno ? errno : EIO;
    if (e == 0 && !f->direct && fchmod(fileno(out), f->mode) != 0)
        e = errno;
    if (e == 0 && !f->direct && fsync(fileno(out)) != 0 && errno != EINVAL)
        e = errno;
    if (fclose(out) != 0 && e == 0)
        e = errno ? errno : EIO;
    if (e != 0) {
        cli_out_discard(f);
        cli_print_line(stderr, "%s: error: cannot write: %s", f->path, strerror(e));
        return EXIT_IO;
    }
    return EXIT_CLEAN;
}

/* Locks folder for the renames (flock on the folder itself, so that no
 * lock file is ever left behind). Returns the descriptor to close, or -1
 * when the folder cannot be locked (some network file systems): the renames
 * then go ahead unlocked. */
static int lock_folder(const char *folder)
{
    int fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc;
    while ((rc = flock(fd, LOCK_EX)) != 0 && errno == EINTR)
        ;
    if (rc != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

struct folder_lock {
    dev_t dev;
    ino_t ino;
    char *path;
    int fd;
};

static int compare_folders(const void *a, const void *b)
{
    const struct folder_lock *x = a, *y = b;
    if (x->dev != y->dev)
        return x->dev < y->dev ? -1 : 1;
    return (x->ino > y->ino) - (x->ino < y->ino);
}

int cli_out_commit(cli_out_file *files, size_t count)
{
    /* Two files or more are renamed together under a lock on each of their
     * folders, taken in one order (device, inode) so that two runs never
     * wait on each other crosswise. One file alone is renamed atomically
     * anyway. */
    struct folder_lock folders[4];
    size_t nfolders = 0;
    for (size_t i = 0; i < count && count > 1 && nfolders < 4; i++) {
        struct stat st;
        char *dir = files[i].tmp != NULL ? folder_of(files[i].path) : NULL;
        if (dir == NULL || stat(dir, &st) != 0) {
            free(dir);
            continue;
        }
        folders[nfolders++] = (struct folder_lock){st.st_dev, st.st_ino, dir, -1};
    }
    qsort(folders, nfolders, sizeof(*folders), compare_folders);
    for (size_t k = 0; k < nfolders; k++)
        if (k == 0 || compare_folders(&folders[k - 1], &folders[k]) != 0)
            folders[k].fd = lock_folder(folders[k].path);
    int code = EXIT_CLEAN;
    for (size_t i = 0; i < count; i++) {
        if (files[i].tmp == NULL)
            continue;
        if (code == EXIT_CLEAN && rename(files[i].tmp, files[i].path) != 0) {
            cli_print_line(stderr, "%s: error: cannot write: %s", files[i].path, strerror(errno));
            code = EXIT_IO;
        }
        drop_pending(files[i].tmp, code != EXIT_CLEAN);
        free(files[i].tmp);
        files[i].tmp = NULL;
    }
    for (size_t k = 0; k < nfolders; k++) {
        if (folders[k].fd >= 0)
            close(folders[k].fd);
        free(folders[k].path);
    }
    return code;
}

/* --- standard streams ---------------------------------------------------------- */

void cli_reserve_standard_streams(void)
{
    /* A standard stream that is closed would be taken by the next file
     * opened: a report's temporary file would become standard output. Each
     * closed one gets /dev/null opened the wrong way round, so that using it
     * fails (EBADF) instead of silently writing nowhere. */
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
            continue;
        /* the lowest free descriptor is fd itself: those below are open */
        open("/dev/null", fd == STDIN_FILENO ? O_WRONLY : O_RDONLY);
    }
}
