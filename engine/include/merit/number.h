/*
 * Exact numbers: decimal text to GMP rationals and back, with the one
 * rounding rule merit uses when a number is shown: round half to even, to a
 * given number of decimal places. Formatting never uses the C locale or
 * binary floating point, so the same rational prints the same bytes on every
 * machine.
 */
#ifndef MERIT_NUMBER_H
#define MERIT_NUMBER_H

#include <gmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif
#ifdef __cplusplus
extern "C" {
#endif

/* Parses "[+-]digits[.digits]" exactly into out (initialised by the caller).
 * Returns 0, or -1 when text is not such a decimal (out is then 0). */
int merit_decimal_parse(const char *text, mpq_t out);

/* Parses a money amount "digits[.d[d]]" into cents. Returns 0 or -1 (not an
 * amount, or more than INT64_MAX cents). */
int merit_amount_parse(const char *text, int64_t *cents_out);

/* out = cents / 100 */
void merit_cents_to_mpq(int64_t cents, mpq_t out);

/* Rounds value half to even to `places` decimal places and writes it as
 * "-123.45" (no thousands separator). Writes at most size bytes including
 * the terminating NUL; returns the length it needed (like snprintf), or -1
 * on a bad argument. */
int merit_format_decimal(char *buf, size_t size, const mpq_t value, unsigned places);

/* As merit_format_decimal, into a malloc'd string the caller frees; NULL
 * when out of memory. */
char *merit_decimal_string(const mpq_t value, unsigned places);

/* The exact value as a canonical fraction "num/den", or "num" when the
 * denominator is 1. Malloc'd; the caller frees; NULL when out of memory. */
char *merit_fraction_string(const mpq_t value);

/* The exact value as a decimal when it has a finite one ("0.5", "10",
 * "-2.125"), else as a fraction ("1/3"). Malloc'd; the caller frees. */
char *merit_exact_string(const mpq_t value);

/* Money in cents as "-1234567.89": two places, no separators (CSV, JSON,
 * audit trail). Returns the length, like snprintf. */
int merit_format_money_plain(char *buf, size_t size, int64_t cents);

/* Money in cents formatted with thousands separators: "1,234,567.89". */
int merit_format_money(char *buf, size_t size, int64_t cents);

#ifdef __cplusplus
}
#endif
#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#endif
