/* merit keygen and merit sign: the keys and the detached signatures of
 * signed score sheets (merit/sign.h, docs/signatures.md). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "merit/sign.h"

/* --- keygen ------------------------------------------------------------------ */

static void keygen_help(FILE *out)
{
    fprintf(out, "usage: merit keygen -o NAME\n\n"
                 "Makes an Ed25519 key pair for signing score sheets: NAME.key, the secret\n"
                 "key (created with permissions 0600 whatever the umask; keep it to the\n"
                 "reviewer), and NAME.pub, the public key, which is also printed. Put the\n"
                 "public key in the call: <reviewer id=\"r1\" key=\"ed25519:...\">. Refuses\n"
                 "to write over an existing NAME.key or NAME.pub. What a signature proves,\n"
                 "and what it does not: docs/signatures.md.\n\n"
                 "exit status: 0 written, 2 usage (a file exists), 3 I/O error\n");
}

/* Writes text and a newline to f, a new file of the given mode (0: the
 * usual). */
static int write_key_file(cli_out_file *f, const char *text, mode_t mode)
{
    int code = cli_out_open(f);
    if (code != EXIT_CLEAN)
        return code;
    if (f->direct) {
        cli_out_discard(f);
        cli_print_line(stderr, "%s: error: not a regular file: a key is written to a new file",
                       f->path);
        return EXIT_IO;
    }
    if (mode != 0) /* else the usual: 0666 less the umask */
        f->mode = mode;
    int werr = fputs(text, f->out) < 0 || fputc('\n', f->out) == EOF ? -1 : 0;
    return cli_out_close(f, werr);
}

int cmd_keygen(int argc, char **argv)
{
    const char *name = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_is_help(a)) {
            keygen_help(stdout);
            return EXIT_CLEAN;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            if (i + 1 >= argc)
                return cli_usage_error("keygen: %s needs a NAME", a);
            if (cli_is_stdio(argv[i + 1]))
                return cli_usage_error("keygen: %s takes a NAME for two files, NAME.key and "
                                       "NAME.pub: not standard output ('-'); the public key is "
                                       "printed anyway",
                                       a);
            name = argv[++i];
        } else {
            return cli_usage_error("keygen: unknown argument '%s' (merit keygen -o NAME)", a);
        }
    }
    if (name == NULL || name[0] == '\0')
        return cli_usage_error("keygen: no NAME: merit keygen -o NAME writes NAME.key and "
                               "NAME.pub");
    size_t n = strlen(name);
    char *key_path = malloc(n + 5), *pub_path = malloc(n + 5);
    if (key_path == NULL || pub_path == NULL) {
        free(key_path);
        free(pub_path);
        cli_error("out of memory");
        return EXIT_IO;
    }
    snprintf(key_path, n + 5, "%s.key", name);
    snprintf(pub_path, n + 5, "%s.pub", name);
    int code = EXIT_CLEAN;
    struct stat st;
    if (lstat(key_path, &st) == 0)
        code = cli_usage_error("keygen: '%s' exists: a key is never written over", key_path);
    else if (lstat(pub_path, &st) == 0)
        code = cli_usage_error("keygen: '%s' exists: a key is never written over", pub_path);
    unsigned char pk[MERIT_SIGN_PUBLIC_BYTES], sk[MERIT_SIGN_SECRET_BYTES];
    char secret[MERIT_SIGN_SECRET_TEXT], public_[MERIT_SIGN_PUBLIC_TEXT];
    if (code == EXIT_CLEAN && merit_sign_keypair(NULL, pk, sk) != 0) {
        cli_error("keygen: cannot make a key: libsodium could not start");
        code = EXIT_IO;
    }
    cli_out_file files[2] = {{.path = key_path, .role = "secret key"},
                             {.path = pub_path, .role = "public key"}};
    if (code == EXIT_CLEAN) {
        merit_sign_secret_text(sk, secret);
        merit_sign_public_text(pk, public_);
        code = write_key_file(&files[0], secret, 0600);
        if (code == EXIT_CLEAN) {
            code = write_key_file(&files[1], public_, 0);
            if (code != EXIT_CLEAN)
                cli_out_discard(&files[0]);
        }
        /* checked again just before: a file made meanwhile is not replaced */
        if (code == EXIT_CLEAN && (lstat(key_path, &st) == 0 || lstat(pub_path, &st) == 0)) {
            cli_out_discard(&files[0]);
            cli_out_discard(&files[1]);
            code = cli_usage_error("keygen: '%s' or '%s' appeared meanwhile: not written over",
                                   key_path, pub_path);
        }
        if (code == EXIT_CLEAN)
            code = cli_out_commit(files, 2);
        if (code == EXIT_CLEAN)
            printf("%s\n", public_);
    }
    memset(secret, 0, sizeof(secret));
    memset(sk, 0, sizeof(sk));
    free(key_path);
    free(pub_path);
    return code;
}

/* --- sign -------------------------------------------------------------------- */

static void sign_help(FILE *out)
{
    fprintf(out, "usage: merit sign --key NAME.key FILE...\n\n"
                 "Signs each FILE (a score sheet or a moderation file) with the secret\n"
                 "key made by merit keygen and writes the signature beside it, FILE.sig:\n"
                 "one line, the Ed25519 signature of the file's exact bytes in base64.\n"
                 "Sign a sheet when it is final: any change to it afterwards, even of one\n"
                 "byte, makes the call fail to load until it is signed again. Never\n"
                 "writes over an input.\n"
                 "What a signature proves, and what it does not: docs/signatures.md.\n\n"
                 "exit status: 0 signed, 2 usage, 3 I/O error (nothing is written then)\n");
}

/* Reads the secret key file at path (small: one line). */
static int read_secret(const char *path, unsigned char pk[MERIT_SIGN_PUBLIC_BYTES],
                       unsigned char sk[MERIT_SIGN_SECRET_BYTES])
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        cli_print_line(stderr, "%s: error: cannot open the secret key: %s", path, strerror(errno));
        return EXIT_IO;
    }
    char text[256];
    size_t n = fread(text, 1, sizeof(text), f);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        cli_print_line(stderr, "%s: error: cannot read the secret key", path);
        return EXIT_IO;
    }
    int rc = n < sizeof(text) ? merit_sign_secret_parse(text, n, pk, sk) : -1;
    memset(text, 0, sizeof(text));
    if (rc != 0) {
        cli_print_line(stderr,
                       "%s: error: not a secret key: 'merit keygen' writes one line "
                       "'ed25519-secret:' and 44 base64 characters",
                       path);
        return EXIT_USAGE;
    }
    return EXIT_CLEAN;
}

/* The SHA-256 of the file at path, read once. */
static int hash_file(const char *path, unsigned char sha256[32], struct stat *st)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        cli_print_line(stderr, "%s: error: cannot open: %s", path, strerror(errno));
        return EXIT_IO;
    }
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        close(fd);
        cli_print_line(stderr, "%s: error: not a regular file: only files are signed", path);
        return EXIT_USAGE;
    }
    void *hash = merit_sha256_begin();
    char buf[65536];
    int code = hash == NULL ? EXIT_IO : EXIT_CLEAN;
    while (code == EXIT_CLEAN) {
        ssize_t got = read(fd, buf, sizeof(buf));
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            cli_print_line(stderr, "%s: error: cannot read: %s", path, strerror(errno));
            code = EXIT_IO;
        } else if (got == 0) {
            break;
        } else if (merit_sha256_add(hash, buf, (size_t)got) != 0) {
            code = EXIT_IO;
        }
    }
    close(fd);
    if (hash != NULL && merit_sha256_end(hash, sha256) != 0 && code == EXIT_CLEAN)
        code = EXIT_IO;
    if (code == EXIT_IO && hash == NULL)
        cli_print_line(stderr, "%s: error: out of memory", path);
    return code;
}

int cmd_sign(int argc, char **argv)
{
    const char *key = NULL;
    char **inputs = malloc((size_t)argc * sizeof(*inputs));
    size_t count = 0;
    if (inputs == NULL) {
        cli_error("out of memory");
        return EXIT_IO;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_is_help(a)) {
            sign_help(stdout);
            free(inputs);
            return EXIT_CLEAN;
        } else if (strcmp(a, "--key") == 0 || strcmp(a, "-k") == 0) {
            if (i + 1 >= argc) {
                free(inputs);
                return cli_usage_error("sign: %s needs the secret key file", a);
            }
            key = argv[++i];
        } else if (strcmp(a, "--") == 0) {
            while (++i < argc)
                inputs[count++] = argv[i];
        } else if (a[0] == '-' && a[1] != '\0') {
            free(inputs);
            return cli_usage_error("sign: unknown option '%s'", a);
        } else {
            inputs[count++] = argv[i];
        }
    }
    for (size_t i = 0; i < count; i++)
        if (cli_is_stdio(inputs[i])) {
            free(inputs);
            return cli_usage_error("sign: a signature is written beside its file (FILE.sig), so "
                                   "standard input ('-') cannot be signed");
        }
    if (key == NULL || count == 0) {
        free(inputs);
        return cli_usage_error("sign: merit sign --key NAME.key FILE... (%s)",
                               key == NULL ? "no --key" : "no FILE");
    }
    unsigned char pk[MERIT_SIGN_PUBLIC_BYTES], sk[MERIT_SIGN_SECRET_BYTES];
    int code = read_secret(key, pk, sk);
    struct stat key_st = {0};
    if (code == EXIT_CLEAN && stat(key, &key_st) != 0)
        code = EXIT_IO;
    /* every input hashed, and every output checked, before anything is
     * written: a run either signs every file or none */
    struct stat *st = calloc(count, sizeof(*st));
    char(*sigs)[MERIT_SIGN_TEXT] = calloc(count, sizeof(*sigs));
    cli_out_file *outs = calloc(count, sizeof(*outs));
    char **paths = calloc(count, sizeof(*paths));
    if (code == EXIT_CLEAN && (st == NULL || sigs == NULL || outs == NULL || paths == NULL)) {
        cli_error("out of memory");
        code = EXIT_IO;
    }
    for (size_t i = 0; i < count && code == EXIT_CLEAN; i++) {
        unsigned char digest[32];
        code = hash_file(inputs[i], digest, &st[i]);
        if (code == EXIT_CLEAN && merit_sign_digest(sk, digest, sigs[i]) != 0) {
            cli_error("sign: cannot sign: libsodium could not start");
            code = EXIT_IO;
        }
        size_t n = strlen(inputs[i]);
        if (code == EXIT_CLEAN && (paths[i] = malloc(n + 5)) == NULL) {
            cli_error("out of memory");
            code = EXIT_IO;
        }
        if (code == EXIT_CLEAN) {
            snprintf(paths[i], n + 5, "%s.sig", inputs[i]);
            outs[i] = (cli_out_file){.path = paths[i], .role = "signature"};
        }
    }
    for (size_t i = 0; i < count && code == EXIT_CLEAN; i++) {
        struct stat o;
        if (stat(paths[i], &o) != 0)
            continue;
        bool input = o.st_dev == key_st.st_dev && o.st_ino == key_st.st_ino;
        for (size_t k = 0; k < count && !input; k++)
            input = o.st_dev == st[k].st_dev && o.st_ino == st[k].st_ino;
        for (size_t k = 0; k < i && !input; k++)
            input = strcmp(paths[k], paths[i]) == 0;
        if (input)
            code = cli_usage_error("sign: '%s' is an input of this run (or given twice): a "
                                   "signature is never written over one",
                                   paths[i]);
    }
    size_t opened = 0;
    for (size_t i = 0; i < count && code == EXIT_CLEAN; i++) {
        code = cli_out_open(&outs[i]);
        if (code != EXIT_CLEAN)
            break;
        opened++;
        int werr = fputs(sigs[i], outs[i].out) < 0 || fputc('\n', outs[i].out) == EOF ? -1 : 0;
        code = cli_out_close(&outs[i], werr);
    }
    if (code == EXIT_CLEAN)
        code = cli_out_commit(outs, count);
    else
        for (size_t i = 0; i < opened; i++)
            cli_out_discard(&outs[i]);
    memset(sk, 0, sizeof(sk));
    for (size_t i = 0; paths != NULL && i < count; i++)
        free(paths[i]);
    free(paths);
    free(outs);
    free(sigs);
    free(st);
    free(inputs);
    return code;
}
