/*
 * Ed25519 keys and detached signatures of score sheets (merit/sign.h,
 * docs/signatures.md), by libsodium: a well-kept library whose Ed25519
 * signing and verifying run in constant time. Also the reading of a .sig
 * file for the call loader (internal.h, merit__signature_read).
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "merit/sign.h"

#define DOMAIN "merit signed file v1\n"
#define DOMAIN_LEN (sizeof(DOMAIN) - 1)
#define PUBLIC_PREFIX "ed25519:"
#define SECRET_PREFIX "ed25519-secret:"

static int ready(void)
{
    return sodium_init() < 0 ? -1 : 0;
}

int merit_sign_keypair(const unsigned char *seed, unsigned char pk[MERIT_SIGN_PUBLIC_BYTES],
                       unsigned char sk[MERIT_SIGN_SECRET_BYTES])
{
    if (ready() != 0)
        return -1;
    if (seed != NULL)
        return crypto_sign_seed_keypair(pk, sk, seed) == 0 ? 0 : -1;
    return crypto_sign_keypair(pk, sk) == 0 ? 0 : -1;
}

/* prefix + base64 of n bytes into text (size cap, enough by the header's
 * sizes). */
static void to_text(const char *prefix, const unsigned char *bytes, size_t n, char *text,
                    size_t cap)
{
    size_t pl = strlen(prefix);
    memcpy(text, prefix, pl);
    sodium_bin2base64(text + pl, cap - pl, bytes, n, sodium_base64_VARIANT_ORIGINAL);
}

/* The base64 after prefix in text[0..len) (one final newline allowed) as
 * exactly n bytes. */
static int from_text(const char *prefix, const char *text, size_t len, unsigned char *bytes,
                     size_t n)
{
    size_t pl = strlen(prefix);
    if (len > 0 && text[len - 1] == '\n')
        len--;
    size_t want = pl + sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL) - 1;
    if (len != want || memcmp(text, prefix, pl) != 0 || ready() != 0)
        return -1;
    size_t got = 0;
    const char *end = NULL;
    if (sodium_base642bin(bytes, n, text + pl, len - pl, NULL, &got, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        got != n || end != text + len)
        return -1;
    return 0;
}

void merit_sign_public_text(const unsigned char pk[MERIT_SIGN_PUBLIC_BYTES],
                            char text[MERIT_SIGN_PUBLIC_TEXT])
{
    to_text(PUBLIC_PREFIX, pk, MERIT_SIGN_PUBLIC_BYTES, text, MERIT_SIGN_PUBLIC_TEXT);
}

int merit_sign_public_parse(const char *text, size_t len, unsigned char pk[MERIT_SIGN_PUBLIC_BYTES])
{
    if (memchr(text, '\n', len) != NULL)
        return -1;
    return from_text(PUBLIC_PREFIX, text, len, pk, MERIT_SIGN_PUBLIC_BYTES);
}

void merit_sign_secret_text(const unsigned char sk[MERIT_SIGN_SECRET_BYTES],
                            char text[MERIT_SIGN_SECRET_TEXT])
{
    /* libsodium's secret key begins with its seed */
    to_text(SECRET_PREFIX, sk, MERIT_SIGN_SEED_BYTES, text, MERIT_SIGN_SECRET_TEXT);
}

int merit_sign_secret_parse(const char *text, size_t len, unsigned char pk[MERIT_SIGN_PUBLIC_BYTES],
                            unsigned char sk[MERIT_SIGN_SECRET_BYTES])
{
    unsigned char seed[MERIT_SIGN_SEED_BYTES];
    int rc = from_text(SECRET_PREFIX, text, len, seed, sizeof(seed));
    if (rc == 0)
        rc = merit_sign_keypair(seed, pk, sk);
    sodium_memzero(seed, sizeof(seed));
    return rc;
}

static void message(const unsigned char sha256[32], unsigned char m[DOMAIN_LEN + 32])
{
    memcpy(m, DOMAIN, DOMAIN_LEN);
    memcpy(m + DOMAIN_LEN, sha256, 32);
}

int merit_sign_digest(const unsigned char sk[MERIT_SIGN_SECRET_BYTES],
                      const unsigned char sha256[32], char sig_text[MERIT_SIGN_TEXT])
{
    unsigned char m[DOMAIN_LEN + 32], sig[MERIT_SIGN_BYTES];
    if (ready() != 0)
        return -1;
    message(sha256, m);
    if (crypto_sign_detached(sig, NULL, m, sizeof(m), sk) != 0)
        return -1;
    to_text("", sig, sizeof(sig), sig_text, MERIT_SIGN_TEXT);
    return 0;
}

int merit_sign_parse(const char *text, size_t len, unsigned char sig[MERIT_SIGN_BYTES])
{
    return from_text("", text, len, sig, MERIT_SIGN_BYTES);
}

int merit_sign_verify_digest(const unsigned char pk[MERIT_SIGN_PUBLIC_BYTES],
                             const unsigned char sha256[32],
                             const unsigned char sig[MERIT_SIGN_BYTES])
{
    unsigned char m[DOMAIN_LEN + 32];
    if (ready() != 0)
        return -1;
    message(sha256, m);
    return crypto_sign_verify_detached(sig, m, sizeof(m), pk) == 0 ? 0 : -1;
}

/* --- the loader's .sig files -------------------------------------------------- */

int merit__signature_read(const char *path, char *buf, size_t cap, size_t *len_out, merit_file *f,
                          int *errno_out)
{
    *len_out = 0;
    *errno_out = 0;
    f->bytes = 0;
    f->hashed = false;
    f->unread = MERIT_UNREAD_CANNOT_READ;
    /* O_NONBLOCK: opening a FIFO must not hang; it is refused below */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        *errno_out = errno;
        if (errno == ENOENT)
            f->unread = MERIT_UNREAD_MISSING;
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        *errno_out = errno;
        if (*errno_out == 0)
            f->unread = MERIT_UNREAD_NOT_REGULAR;
        close(fd);
        return -1;
    }
    /* one read of at most cap bytes: what is parsed is what is hashed */
    size_t n = 0;
    while (n < cap) {
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            *errno_out = errno;
            close(fd);
            return -1;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    char more;
    ssize_t extra = n == cap ? read(fd, &more, 1) : 0;
    close(fd);
    if (extra != 0) {
        f->unread = MERIT_UNREAD_TOO_LARGE;
        f->bytes = (uint64_t)st.st_size;
        return -1;
    }
    if (merit_sha256(buf, n, f->sha256) != 0)
        return -1;
    f->bytes = n;
    f->hashed = true;
    f->unread = MERIT_READ;
    *len_out = n;
    return 0;
}
