/* Exact decimals and the display rounding rule (half to even). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "merit/number.h"

/* A string mpz_get_str allocated goes back through GMP's allocator (the
 * process may have given GMP its own: merit_numbers_use_pool). */
static void free_gmp_string(char *s)
{
    void (*gmp_free)(void *, size_t);
    mp_get_memory_functions(NULL, NULL, &gmp_free);
    gmp_free(s, strlen(s) + 1);
}

int merit_decimal_parse(const char *text, mpq_t out)
{
    mpq_set_ui(out, 0, 1);
    if (text == NULL)
        return -1;
    const char *p = text;
    bool negative = false;
    if (*p == '+' || *p == '-') {
        negative = *p == '-';
        p++;
    }
    size_t int_digits = strspn(p, "0123456789");
    if (int_digits == 0)
        return -1;
    size_t frac_digits = 0;
    if (p[int_digits] == '.') {
        frac_digits = strspn(p + int_digits + 1, "0123456789");
        if (frac_digits == 0 || p[int_digits + 1 + frac_digits] != '\0')
            return -1;
    } else if (p[int_digits] != '\0') {
        return -1;
    }
    size_t total = int_digits + frac_digits;
    char small[64];
    char *digits = total < sizeof(small) ? small : merit__malloc(total + 1);
    if (digits == NULL)
        return -1;
    memcpy(digits, p, int_digits);
    if (frac_digits)
        memcpy(digits + int_digits, p + int_digits + 1, frac_digits);
    digits[total] = '\0';
    int r = mpz_set_str(mpq_numref(out), digits, 10);
    if (digits != small)
        free(digits);
    if (r != 0) {
        mpq_set_ui(out, 0, 1);
        return -1;
    }
    mpz_ui_pow_ui(mpq_denref(out), 10, frac_digits);
    if (negative)
        mpz_neg(mpq_numref(out), mpq_numref(out));
    mpq_canonicalize(out);
    return 0;
}

int merit_amount_parse(const char *text, int64_t *cents_out)
{
    *cents_out = 0;
    if (text == NULL)
        return -1;
    size_t int_digits = strspn(text, "0123456789");
    if (int_digits == 0)
        return -1;
    int64_t units = 0;
    for (size_t i = 0; i < int_digits; i++) {
        if (units > (INT64_MAX - (text[i] - '0')) / 10)
            return -1;
        units = units * 10 + (text[i] - '0');
    }
    int64_t cents = 0;
    const char *rest = text + int_digits;
    if (*rest == '.') {
        size_t frac = strspn(rest + 1, "0123456789");
        if (frac == 0 || frac > 2 || rest[1 + frac] != '\0')
            return -1;
        cents = (rest[1] - '0') * 10 + (frac == 2 ? rest[2] - '0' : 0);
    } else if (*rest != '\0') {
        return -1;
    }
    if (units > (INT64_MAX - cents) / 100)
        return -1;
    *cents_out = units * 100 + cents;
    return 0;
}

void merit_cents_to_mpq(int64_t cents, mpq_t out)
{
    mpz_set_si(mpq_numref(out), cents);
    mpz_set_ui(mpq_denref(out), 100);
    mpq_canonicalize(out);
}

/* Writes value * 10^places rounded half to even into rounded. */
static void round_half_even(mpz_t rounded, const mpq_t value, unsigned places)
{
    mpz_t num, rem, twice;
    mpz_inits(num, rem, twice, NULL);
    mpz_ui_pow_ui(num, 10, places);
    mpz_mul(num, num, mpq_numref(value));
    mpz_fdiv_qr(rounded, rem, num, mpq_denref(value));
    mpz_mul_2exp(twice, rem, 1);
    int c = mpz_cmp(twice, mpq_denref(value));
    if (c > 0 || (c == 0 && mpz_odd_p(rounded)))
        mpz_add_ui(rounded, rounded, 1);
    mpz_clears(num, rem, twice, NULL);
}

int merit_format_decimal(char *buf, size_t size, const mpq_t value, unsigned places)
{
    if (places > 30)
        return -1;
    mpz_t rounded;
    mpz_init(rounded);
    round_half_even(rounded, value, places);
    bool negative = mpz_sgn(rounded) < 0;
    mpz_abs(rounded, rounded);
    char *digits = mpz_get_str(NULL, 10, rounded);
    mpz_clear(rounded);
    if (digits == NULL)
        return -1;
    size_t nd = strlen(digits);
    size_t int_len = nd > places ? nd - places : 1;
    size_t need = (negative ? 1 : 0) + int_len + (places ? 1 + places : 0);
    if (buf != NULL && size > 0) {
        char tmp[128];
        char *t = need + 1 <= sizeof(tmp) ? tmp : malloc(need + 1);
        if (t == NULL) {
            free_gmp_string(digits);
            return -1;
        }
        size_t o = 0;
        if (negative)
            t[o++] = '-';
        /* digits padded on the left with zeros to places+1 */
        size_t padded = nd > places ? nd : places + 1;
        for (size_t i = 0; i < padded; i++) {
            if (places && i == padded - places)
                t[o++] = '.';
            t[o++] = i < padded - nd ? '0' : digits[i - (padded - nd)];
        }
        t[o] = '\0';
        size_t copy = o < size - 1 ? o : size - 1;
        memcpy(buf, t, copy);
        buf[copy] = '\0';
        if (t != tmp)
            free(t);
    }
    free_gmp_string(digits);
    return (int)need;
}

char *merit_decimal_string(const mpq_t value, unsigned places)
{
    int need = merit_format_decimal(NULL, 0, value, places);
    if (need < 0)
        return NULL;
    char *s = merit__malloc((size_t)need + 1);
    if (s == NULL)
        return NULL;
    merit_format_decimal(s, (size_t)need + 1, value, places);
    return s;
}

char *merit_fraction_string(const mpq_t value)
{
    size_t len = mpz_sizeinbase(mpq_numref(value), 10) + mpz_sizeinbase(mpq_denref(value), 10) + 3;
    char *s = merit__malloc(len);
    if (s == NULL)
        return NULL;
    mpq_get_str(s, 10, value);
    return s;
}

int merit_format_money(char *buf, size_t size, int64_t cents)
{
    char tmp[48];
    bool negative = cents < 0;
    /* work in unsigned to survive INT64_MIN */
    uint64_t mag = negative ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
    uint64_t units = mag / 100;
    unsigned frac = (unsigned)(mag % 100);
    char rev[32];
    size_t n = 0;
    do {
        if (n % 4 == 3)
            rev[n++] = ',';
        rev[n++] = (char)('0' + units % 10);
        units /= 10;
    } while (units > 0);
    size_t o = 0;
    if (negative)
        tmp[o++] = '-';
    while (n > 0)
        tmp[o++] = rev[--n];
    tmp[o++] = '.';
    tmp[o++] = (char)('0' + frac / 10);
    tmp[o++] = (char)('0' + frac % 10);
    tmp[o] = '\0';
    if (buf != NULL && size > 0) {
        size_t copy = o < size - 1 ? o : size - 1;
        memcpy(buf, tmp, copy);
        buf[copy] = '\0';
    }
    return (int)o;
}

char *merit_exact_string(const mpq_t value)
{
    /* a terminating decimal has a denominator of the form 2^a 5^b, and needs
     * max(a, b) places */
    mpz_t den, factor;
    mpz_init_set(den, mpq_denref(value));
    mpz_init_set_ui(factor, 2);
    mp_bitcnt_t twos = mpz_remove(den, den, factor);
    mpz_set_ui(factor, 5);
    mp_bitcnt_t fives = mpz_remove(den, den, factor);
    bool terminating = mpz_cmp_ui(den, 1) == 0;
    mpz_clears(den, factor, NULL);
    mp_bitcnt_t places = twos > fives ? twos : fives;
    if (!terminating || places > 30)
        return merit_fraction_string(value);
    return merit_decimal_string(value, (unsigned)places);
}

int merit_format_money_plain(char *buf, size_t size, int64_t cents)
{
    /* unsigned, to survive INT64_MIN */
    uint64_t mag = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
    return snprintf(buf, size, "%s%llu.%02u", cents < 0 ? "-" : "", (unsigned long long)(mag / 100),
                    (unsigned)(mag % 100));
}
