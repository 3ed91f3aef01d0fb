/*
 * What merit's fuzz harnesses (tests/fuzz/fuzz_*.c) share. Each harness
 * defines LLVMFuzzerTestOneInput and is linked either with libFuzzer
 * (-fsanitize=fuzzer, MERIT_FUZZ=ON) or with driver.c, a main() that replays
 * files and folders so that every ordinary build runs the seed corpus and the
 * crash reproducers as tests.
 *
 * The harnesses reach the engine only through the paths a user's files take:
 * the bytes are written to a scratch folder made once per process (removed
 * at exit) and handed to the public loaders by path. Everything an iteration
 * allocates is freed before it returns, so that leak detection stays clean.
 *
 * Besides crashes, sanitizer reports and hangs, the harnesses abort on a
 * broken contract (fuzz_check): a call that fails must say why in an error
 * diagnostic, one that succeeds must have none, and every message must be
 * printable UTF-8 and name a line inside the file it blames. What merit
 * writes is checked too (fuzz_check_shown, fuzz_check_csv): nothing a
 * terminal acts on in a diagnostic, the text report or explain, and no CSV
 * cell a spreadsheet would run.
 */
#ifndef MERIT_FUZZ_H
#define MERIT_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "merit/merit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The process's scratch folder, made on first use with mkdtemp under $TMPDIR
 * (or /tmp) and removed when the process exits. */
const char *fuzz_dir(void);
/* fuzz_dir() + "/" + rel; malloc'd. Aborts when out of memory. */
char *fuzz_path(const char *rel);
/* Writes bytes to fuzz_dir()/rel, making the folders on the way; aborts on
 * failure (the harness, not the engine, is broken then). */
void fuzz_write(const char *rel, const void *bytes, size_t size);
/* Removes fuzz_dir()/rel and everything under it (symlinks not followed). */
void fuzz_remove(const char *rel);

/* Reads a whole file (tests and set-up only); NULL when unreadable. */
unsigned char *fuzz_read(const char *path, size_t *size_out);

/*
 * Checks the engine's contract after a call that returned rc: rc is 0 or a
 * merit_error; rc != 0 comes with at least one error diagnostic (or is
 * MERIT_ENOMEM), rc == 0 with none; every diagnostic formats, and its message
 * is printable, valid UTF-8; a diagnostic that names a file in the scratch
 * folder points at a line the file has. Aborts, printing the diagnostics,
 * when the contract is broken.
 */
void fuzz_check(const merit_ctx *ctx, int rc, const char *what);
/* The same for a call that may succeed with errors: a call loaded with
 * keep-going, whose errors say what it left out. */
void fuzz_check_partial(const merit_ctx *ctx, int rc, const char *what);

/*
 * True when the environment variable MERIT_FUZZ_AVOID (a comma-separated
 * list) names tag: a known, still open engine bug (known-bugs.txt) that the
 * harnesses then step around, so that fuzzing and the corpus tests go on
 * while it is open. The reproducer's own test runs without it.
 */
bool fuzz_avoiding(const char *tag);

/* The length of the valid UTF-8 character at s (at most avail bytes), or 0
 * when the bytes there are not valid UTF-8. */
size_t fuzz_utf8_length(const unsigned char *s, size_t avail);

/* Prints every diagnostic of ctx on standard error. */
void fuzz_print_diags(const merit_ctx *ctx);

/* Aborts with a message: a harness-detected defect. */
void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/*
 * The writer-side oracle. Text shown to a person (the text report, explain,
 * a formatted diagnostic) must hold nothing a terminal acts on: no control
 * byte (but LF when lines is set), no DEL, no byte that is not valid UTF-8,
 * no C1 control (U+0080-U+009F), no Bidi_Control character (U+061C,
 * U+200E, U+200F, U+202A-U+202E, U+2066-U+2069), no U+2028 or U+2029.
 * Aborts naming what and where otherwise.
 */
void fuzz_check_shown(const char *what, const char *text, size_t size, bool lines);

/* A CSV report parsed as RFC 4180 says (quoted fields, doubled quotes,
 * CRLF record ends). */
struct fuzz_csv {
    char **cells;      /* every field of every record, in order; owned */
    size_t *row_start; /* rows + 1 entries: the first cell of each record */
    size_t rows;
};
/* Parses size bytes of CSV; aborts when they are not well-formed CSV, or
 * when a cell would run as a formula in a spreadsheet: one that starts
 * with = + - @ (after spaces), tab, CR or LF, unless it is one of merit's
 * own numbers ("-11.00", "-11", "-3/2"). Free the table with
 * fuzz_csv_free. */
void fuzz_check_csv(const char *what, const char *text, size_t size, struct fuzz_csv *out);
void fuzz_csv_free(struct fuzz_csv *csv);
/* The cell at row and column, or NULL when the record is shorter. */
const char *fuzz_csv_cell(const struct fuzz_csv *csv, size_t row, size_t column);

/* Writes like fuzz_write, but returns false instead of aborting when a
 * file or folder of the name is in the way (a name the input chose). */
bool fuzz_try_write(const char *rel, const void *bytes, size_t size);

/* A stream into memory (open_memstream) and its release; the writers under
 * test see an ordinary FILE. */
struct fuzz_sink {
    FILE *out;
    char *buf;
    size_t size;
};
void fuzz_sink_open(struct fuzz_sink *sink);
/* Closes the stream; returns the number of bytes written. */
size_t fuzz_sink_close(struct fuzz_sink *sink);

/* --- whole calls (fuzz_calls.c) --------------------------------------- */

/* Copies the example call (proposals/mfg-2026: call.xml, proposals/, reviews/)
 * to fuzz_dir()/rel; aborts when it is missing. When keep is not 0, only
 * proposals P01 to P<keep> are copied, and the sheets without the reviews
 * and conflicts of the others (a smaller call, a smaller trail). */
void fuzz_copy_example(const char *rel, int keep);

/* What fuzz_call_everything does besides loading, ranking, reporting and
 * replaying once. */
#define FUZZ_ALL_METHODS 1u /* rank again with each of the four methods */
#define FUZZ_LIMITS 2u      /* load again with each limit reached lowered by one */
#define FUZZ_KEEP_GOING 4u  /* when the call does not load: load it with keep-going */
#define FUZZ_EVERYTHING (FUZZ_ALL_METHODS | FUZZ_LIMITS | FUZZ_KEEP_GOING)

/*
 * Loads the call folder dir (checked with fuzz_check) and, when it loads,
 * ranks it with its rubric's method, checks the result's invariants (the
 * funding walk adds up, ranks ascend), renders every report to memory (text,
 * CSV, CSV detail, JSON parsed back, explain for the first proposals and
 * against their neighbours), writes the audit trail and replays it against
 * dir, which must reproduce it. Then, as `what` asks: ranks it with each
 * method in turn; loads it again with each limit it reaches (proposals,
 * reviewers, criteria) lowered by one, which must fail naming a limit; and,
 * when it does not load, loads it with keep-going: whatever loads then must
 * list what it left out (and every error must be about something left out),
 * and is ranked, reported, written and replayed once. Returns
 * merit_call_load's result without keep-going.
 */
int fuzz_call_everything(const char *dir, unsigned what);

/* With a pristine copy of the example call at fuzz_dir()/example, writes
 * bytes to example/rel, runs fuzz_call_everything on it (with keep-going),
 * and restores the example. The first use also checks that the example
 * itself loads. */
void fuzz_example_call_with(const char *rel, const void *bytes, size_t size);

#endif
