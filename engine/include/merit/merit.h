/*
 * merit: proposal scoring and review engine. The public entry points.
 *
 * Ownership, once for every merit header:
 *  - a pointer handed back through an `_out` parameter belongs to the caller,
 *    who releases it with the matching `_free` function (`_free(NULL)` is a
 *    no-op);
 *  - a pointer returned directly (`merit_ctx_diag`, model fields) is borrowed
 *    from the object it came from and lives as long as that object;
 *  - the library never prints, never exits, and never modifies an input file.
 *
 * Errors: every function that can fail returns 0 or a negative merit_error.
 * What went wrong, where, is appended to the context's diagnostics list, each
 * item with file, line, column and message, so that all problems of a run are
 * collected and not only the first.
 */
#ifndef MERIT_MERIT_H
#define MERIT_MERIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What this header declares is merit's public API, exported from
 * libmerit.so, which is built with -fvisibility=hidden (docs/library.md). */
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif
#ifdef __cplusplus
extern "C" {
#endif

/* Numbers never change: they are part of the library's contract. */
typedef enum merit_error {
    MERIT_OK = 0,
    MERIT_EINVALID = -1,  /* an input is invalid; see the diagnostics */
    MERIT_EIO = -2,       /* a file could not be read or written */
    MERIT_ENOMEM = -3,    /* out of memory */
    MERIT_EUSAGE = -4,    /* the caller passed something meaningless */
    MERIT_ELIMIT = -5,    /* an input exceeds a configured limit */
    MERIT_EDIVERGED = -6, /* a replay does not reproduce its audit trail */
} merit_error;

typedef enum merit_severity {
    MERIT_SEVERITY_ERROR = 0,
    MERIT_SEVERITY_WARNING = 1,
    MERIT_SEVERITY_NOTE = 2,
} merit_severity;

/* What kind of problem a diagnostic reports; it decides the exit code. */
typedef enum merit_diag_kind {
    MERIT_DIAG_INVALID = 0,  /* the input itself is wrong */
    MERIT_DIAG_IO = 1,       /* the input could not be read */
    MERIT_DIAG_LIMIT = 2,    /* the input exceeds a limit */
    MERIT_DIAG_DIVERGED = 3, /* a replay found a difference with the trail */
} merit_diag_kind;

typedef struct merit_diag {
    merit_severity severity;
    merit_diag_kind kind;
    const char *file;    /* as the user named it, unescaped; may be "" */
    uint32_t line;       /* 1-based; 0 when unknown */
    uint32_t column;     /* 1-based; 0 when unknown */
    const char *message; /* one line, escaped (merit/escape.h): safe to print */
} merit_diag;

/* Limits on what an input may hold. Zero fields take the defaults. */
typedef struct merit_limits {
    uint64_t max_file_bytes;  /* "file-size": bytes in one file; default 512 MiB */
    uint32_t max_depth;       /* "depth": element nesting; default 64 */
    uint32_t max_proposals;   /* "proposals" in a call; default 1,000,000 */
    uint32_t max_reviewers;   /* "reviewers" on a panel; default 10,000 */
    uint32_t max_criteria;    /* "criteria" in a rubric; default 64 */
    uint32_t max_text_bytes;  /* "text": bytes in one section; default 400,000 */
    uint32_t match_limit;     /* "match": PCRE2 match limit of a text rule; default
                                 10,000,000 */
    uint32_t max_diagnostics; /* "diagnostics" kept for one file while it is read;
                                 default 1,000. Those beyond still count as
                                 errors; a note says how many were left out. */
    uint32_t max_rules;       /* "rules": eligibility rules in a rubric; default 128 */
} merit_limits;

/* Sets one limit by its name (as in quotes above) from a decimal value with
 * an optional K, M or G suffix (powers of 1024). Returns 0, or MERIT_EUSAGE
 * for an unknown name or a value that is not a positive number (file-size:
 * at most 2^63 - 1; the others: at most 2^32 - 1). */
int merit_limits_set(merit_limits *limits, const char *name, const char *value);
/* Sets every zero field to its default. */
void merit_limits_fill(merit_limits *limits);
/* The limits' names, in the order above, NULL-terminated; static. */
const char *const *merit_limit_names(void);
/* A limit's value by its name; 0 for an unknown name. */
uint64_t merit_limits_get(const merit_limits *limits, const char *name);

/* Threads. Any number of threads may each load, rank and report their own
 * call at the same time, each with its own merit_ctx and the objects made
 * from it (calls, results, sinks): merit's process-wide state (libxml2's
 * initialisation and entity loader, the compiled schemas, the checked
 * schema types) is set up once, by whichever thread needs it first, and
 * only read afterwards. What is not thread-safe: sharing one context, call,
 * result or sink between threads without a lock of the caller's own (a
 * loaded call and its result are only read by the writers, but the library
 * does not promise that), merit_numbers_use_pool (call it before any
 * thread starts, or never), and libxml2's own xmlCleanupParser, which is
 * the application's to call, at exit, if at all.
 *
 * ABI. libmerit.so.N keeps its ABI for a given N: a later libmerit.so.N.M.P
 * only adds. N grows when a function is removed or its signature changes,
 * when a public struct's layout or an enum's number changes (docs/library.md).
 * The model and result structs hold GMP's mpq_t fields (model.h, result.h,
 * number.h) and so follow GMP's ABI: a program must use the same libgmp
 * (libgmp.so.10) as the library, and a GMP that changed mpq_t's layout
 * would mean a new N. */

/* Sets up merit's process-wide state now rather than at first use: libxml2
 * and every built-in schema, compiled. Optional (every function does what
 * it needs on first use, thread-safely); useful to pay the cost, and see a
 * failure, before threads start. Thread-safe; calling it again does nothing.
 * Returns 0, or MERIT_ENOMEM (MERIT_EINVALID would mean that a built-in
 * schema does not compile: a bug). The state lives until the process exits. */
int merit_global_init(void);

typedef struct merit_ctx merit_ctx;

/* Creates a context with default limits; NULL when out of memory. */
merit_ctx *merit_ctx_new(void);
void merit_ctx_free(merit_ctx *ctx);
void merit_ctx_set_limits(merit_ctx *ctx, const merit_limits *limits);
/* How many threads loading a call may use: 2 reads the proposals and the
 * score sheets at the same time. Default 1. Every result, diagnostic and
 * report is the same whatever the count. */
void merit_ctx_set_threads(merit_ctx *ctx, unsigned threads);

/* Makes GMP keep small numbers in pools instead of one malloc'd block per
 * limb array: a large call's ranking then takes about half the memory.
 * Process-wide; call it first thing, before any GMP number exists (the
 * merit command does), or never. Like GMP's own allocator, the pools abort
 * the process when memory runs out. */
void merit_numbers_use_pool(void);

size_t merit_ctx_diag_count(const merit_ctx *ctx);
/* Borrowed; valid until the context is freed or cleared. */
const merit_diag *merit_ctx_diag(const merit_ctx *ctx, size_t index);
/* True when memory ran out during the run (then the run failed, whatever
 * else the diagnostics say). */
bool merit_ctx_out_of_memory(const merit_ctx *ctx);
/* Number of diagnostics of severity error. */
size_t merit_ctx_error_count(const merit_ctx *ctx);
void merit_ctx_clear_diags(merit_ctx *ctx);

/* The diagnostic formatted GCC style: "file:line:col: error: message", the
 * file name escaped by the rule of merit/escape.h, so that the line is safe
 * to print on a terminal. The caller frees the string with free(); NULL when
 * out of memory. */
char *merit_diag_format(const merit_diag *diag);

const char *merit_version(void);
/* SHA-256 of bytes (OpenSSL's libcrypto). Returns 0, or -1 on failure. */
int merit_sha256(const void *bytes, size_t size, unsigned char digest[32]);
/* SHA-256 over bytes that arrive in pieces: begin returns a hash in
 * progress (NULL when out of memory); end writes the digest and frees it.
 * add and end return 0, or -1. */
void *merit_sha256_begin(void);
int merit_sha256_add(void *hash, const void *bytes, size_t size);
int merit_sha256_end(void *hash, unsigned char digest[32]);
/* The lowercase hex of a digest into hex[65]. */
void merit_hex(const unsigned char digest[32], char hex[65]);

/* The source commit merit was built from ("unknown" outside git). */
const char *merit_build_id(void);

#ifdef __cplusplus
}
#endif
#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#endif
