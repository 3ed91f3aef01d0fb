/*
 * Signed score sheets (docs/signatures.md): Ed25519 keys and detached
 * signatures, by libsodium. A call may give a reviewer a public key
 * (<reviewer key="ed25519:BASE64">); every file holding that reviewer's
 * sheet then needs FILE.sig beside it, the signature of the file by the
 * matching secret key, and merit_call_load checks it.
 *
 * What is signed is not the file itself but a digest of it: the 21 ASCII
 * bytes "merit signed file v1\n" followed by the 32 bytes of the SHA-256 of
 * the file's exact bytes (pure Ed25519 over those 53 bytes). The loader reads a sheet once, in
 * windows, and hashes what it reads; the signature is checked against that hash, so the bytes
 * checked are the bytes ranked, never a second reading.
 *
 * Text forms (base64: the standard alphabet with '=' padding, RFC 4648
 * section 4, libsodium's sodium_base64_VARIANT_ORIGINAL):
 *   public key   "ed25519:" + base64 of the 32-byte key (52 characters)
 *   secret key   "ed25519-secret:" + base64 of the 32-byte seed, one line
 *   signature    base64 of the 64-byte signature (88 characters), one line
 *
 * Nothing here allocates; every buffer is the caller's. Functions return 0,
 * or -1 (a text that is not of its form, a signature that does not match,
 * libsodium that cannot start).
 */
#ifndef MERIT_SIGN_H
#define MERIT_SIGN_H

#include <stddef.h>

#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif
#ifdef __cplusplus
extern "C" {
#endif

#define MERIT_SIGN_PUBLIC_BYTES 32
#define MERIT_SIGN_SECRET_BYTES 64 /* libsodium's: the seed, then the public key */
#define MERIT_SIGN_SEED_BYTES 32
#define MERIT_SIGN_BYTES 64
/* text sizes, with the terminating NUL (and no newline) */
#define MERIT_SIGN_PUBLIC_TEXT 53
#define MERIT_SIGN_SECRET_TEXT 60
#define MERIT_SIGN_TEXT 89

/* A new key pair: from the seed when one is given (the same seed gives the
 * same keys; for tests), else from the system's random source. */
int merit_sign_keypair(const unsigned char *seed, unsigned char pk[MERIT_SIGN_PUBLIC_BYTES],
                       unsigned char sk[MERIT_SIGN_SECRET_BYTES]);
void merit_sign_public_text(const unsigned char pk[MERIT_SIGN_PUBLIC_BYTES],
                            char text[MERIT_SIGN_PUBLIC_TEXT]);
/* text of length len (no newline) as a public key. */
int merit_sign_public_parse(const char *text, size_t len,
                            unsigned char pk[MERIT_SIGN_PUBLIC_BYTES]);
void merit_sign_secret_text(const unsigned char sk[MERIT_SIGN_SECRET_BYTES],
                            char text[MERIT_SIGN_SECRET_TEXT]);
/* The contents of a secret key file (one line; a final newline allowed)
 * as the key pair. */
int merit_sign_secret_parse(const char *text, size_t len, unsigned char pk[MERIT_SIGN_PUBLIC_BYTES],
                            unsigned char sk[MERIT_SIGN_SECRET_BYTES]);

/* The signature of a file whose SHA-256 is sha256, as the text a .sig file
 * holds (without its newline). */
int merit_sign_digest(const unsigned char sk[MERIT_SIGN_SECRET_BYTES],
                      const unsigned char sha256[32], char sig_text[MERIT_SIGN_TEXT]);
/* The contents of a .sig file (one line; a final newline allowed) as a
 * signature. */
int merit_sign_parse(const char *text, size_t len, unsigned char sig[MERIT_SIGN_BYTES]);
/* 0 when sig is pk's signature of a file whose SHA-256 is sha256. */
int merit_sign_verify_digest(const unsigned char pk[MERIT_SIGN_PUBLIC_BYTES],
                             const unsigned char sha256[32],
                             const unsigned char sig[MERIT_SIGN_BYTES]);

#ifdef __cplusplus
}
#endif
#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#endif
