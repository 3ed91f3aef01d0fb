/*
 * The audit trail and its replay. A trail is JSON Lines (docs/audit.md): a
 * header with merit's version, build, maths version, command line, options
 * and time; the SHA-256 of every input; then every step of the calculation in
 * a fixed order (reviews counted or excluded, criterion aggregates with their
 * inputs, totals, threshold and eligibility tests, the orders decided between
 * neighbours, the funding walk), the final ranking, the reports written, and
 * a closing record. Each line records the SHA-256 of the line before it, so
 * that an edited, removed or reordered line breaks the chain.
 *
 * The trail is built only from the result model and the call it borrows.
 */
#ifndef MERIT_AUDIT_H
#define MERIT_AUDIT_H

#include <stdio.h>

#include "merit.h"
#include "result.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The version of merit's scoring maths. It changes whenever a change to the
 * code would change any number, status or rank for the same inputs; a trail
 * of another maths version is reported as such by the replay, not as
 * tampering. */
#define MERIT_MATHS_VERSION 1
/* The version of the trail's format. */
#define MERIT_AUDIT_FORMAT 1

typedef struct merit_audit_report {
    const char *path;   /* as the user named it; "-" for standard output */
    const char *format; /* "text", "csv", "csv-detail", "json" */
    unsigned char sha256[32];
} merit_audit_report;

typedef struct merit_audit_info {
    int argc;
    const char *const *argv; /* the command line, recorded as given */
    long long time;          /* seconds since the epoch, recorded in UTC */
    unsigned places;         /* decimal places shown */
    bool method_overridden;  /* the method came from the command line */
    bool keep_going;         /* the call was loaded with keep-going */
    const merit_audit_report *reports;
    size_t report_count;
} merit_audit_info;

/* Writes the trail of a ranked call to out. When final_hex is not NULL it
 * receives the SHA-256 (hex) of the closing line, which a careful auditor
 * keeps apart from the trail. Returns 0 or a merit_error. */
int merit_audit_write(merit_ctx *ctx, const merit_result *result, const merit_audit_info *info,
                      FILE *out, char final_hex[65]);

typedef struct merit_replay_summary {
    size_t records; /* lines in the trail */
    size_t inputs;  /* input files checked */
    size_t steps;   /* calculation steps compared */
    size_t reports; /* reports re-hashed */
} merit_replay_summary;

/*
 * Replays a trail: checks its chain, its format and maths version, re-hashes
 * every input under calldir (NULL: the call folder the trail records),
 * re-runs the calculation with the recorded options, and compares every step.
 * Returns 0 when everything is identical; MERIT_EDIVERGED when anything
 * differs (the diagnostics name the line of the trail, the step, the recorded
 * and the recomputed value, or the file with both hashes); other merit_error
 * codes when the trail cannot be read.
 */
int merit_replay(merit_ctx *ctx, const char *trail_path, const char *calldir,
                 merit_replay_summary *summary_out);

#ifdef __cplusplus
}
#endif

#endif
