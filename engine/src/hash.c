/* SHA-256 through OpenSSL's libcrypto: see docs/dependencies.md for why. */
#include <openssl/evp.h>

#include "internal.h"

int merit_sha256(const void *bytes, size_t size, unsigned char out[32])
{
    unsigned int len = 0;
    if (EVP_Digest(bytes, size, out, &len, EVP_sha256(), NULL) != 1 || len != 32)
        return -1;
    return 0;
}

void merit_hex(const unsigned char digest[32], char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[64] = '\0';
}

void *merit_sha256_begin(void)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(md);
        md = NULL;
    }
    return md;
}

int merit_sha256_add(void *hash, const void *bytes, size_t size)
{
    return EVP_DigestUpdate(hash, bytes, size) == 1 ? 0 : -1;
}

int merit_sha256_end(void *hash, unsigned char out[32])
{
    unsigned int len = 0;
    int rc = EVP_DigestFinal_ex(hash, out, &len) == 1 && len == 32 ? 0 : -1;
    EVP_MD_CTX_free(hash);
    return rc;
}
