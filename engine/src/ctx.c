/* The context: limits and the diagnostics list of a run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "merit/escape.h"

merit_ctx *merit_ctx_new(void)
{
    merit_ctx *ctx = merit__calloc(1, sizeof(*ctx));
    if (ctx == NULL)
        return NULL;
    merit_limits defaults = {0};
    merit_ctx_set_limits(ctx, &defaults);
    ctx->keep_comments = true;
    ctx->threads = 1;
    return ctx;
}

void merit_ctx_clear_diags(merit_ctx *ctx)
{
    if (ctx == NULL)
        return;
    for (size_t i = 0; i < ctx->diag_count; i++) {
        free(ctx->diags[i].file);
        free(ctx->diags[i].message);
    }
    ctx->diag_count = 0;
    ctx->error_count = 0;
    ctx->out_of_memory = false;
}

void merit_ctx_free(merit_ctx *ctx)
{
    if (ctx == NULL)
        return;
    merit_ctx_clear_diags(ctx);
    free(ctx->diags);
    free(ctx);
}

void merit_limits_fill(merit_limits *limits)
{
#define OR(field, value) limits->field = limits->field ? limits->field : (value)
    OR(max_file_bytes, MERIT_DEFAULT_MAX_FILE_BYTES);
    OR(max_depth, MERIT_DEFAULT_MAX_DEPTH);
    OR(max_proposals, MERIT_DEFAULT_MAX_PROPOSALS);
    OR(max_reviewers, MERIT_DEFAULT_MAX_REVIEWERS);
    OR(max_criteria, MERIT_DEFAULT_MAX_CRITERIA);
    OR(max_text_bytes, MERIT_DEFAULT_MAX_TEXT_BYTES);
    OR(match_limit, MERIT_DEFAULT_MATCH_LIMIT);
    OR(max_diagnostics, MERIT_DEFAULT_MAX_DIAGNOSTICS);
    OR(max_rules, MERIT_DEFAULT_MAX_RULES);
#undef OR
}

void merit_ctx_set_limits(merit_ctx *ctx, const merit_limits *limits)
{
    ctx->limits = *limits;
    merit_limits_fill(&ctx->limits);
}

static const char *const limit_names[] = {"file-size", "depth", "proposals", "reviewers",
                                          "criteria",  "text",  "match",     "diagnostics",
                                          "rules",     NULL};

const char *const *merit_limit_names(void)
{
    return limit_names;
}

/* The field of a limit other than file-size, by name; NULL for any other
 * name. */
static uint32_t *limit_field(merit_limits *limits, const char *name)
{
    return strcmp(name, "depth") == 0         ? &limits->max_depth
           : strcmp(name, "proposals") == 0   ? &limits->max_proposals
           : strcmp(name, "reviewers") == 0   ? &limits->max_reviewers
           : strcmp(name, "criteria") == 0    ? &limits->max_criteria
           : strcmp(name, "text") == 0        ? &limits->max_text_bytes
           : strcmp(name, "match") == 0       ? &limits->match_limit
           : strcmp(name, "diagnostics") == 0 ? &limits->max_diagnostics
           : strcmp(name, "rules") == 0       ? &limits->max_rules
                                              : NULL;
}

uint64_t merit_limits_get(const merit_limits *limits, const char *name)
{
    if (name == NULL)
        return 0;
    if (strcmp(name, "file-size") == 0)
        return limits->max_file_bytes;
    const uint32_t *field = limit_field((merit_limits *)(uintptr_t)limits, name);
    return field != NULL ? *field : 0;
}

int merit_limits_set(merit_limits *limits, const char *name, const char *value)
{
    if (name == NULL || value == NULL || *value < '0' || *value > '9')
        return MERIT_EUSAGE;
    char *end;
    unsigned long long v = strtoull(value, &end, 10);
    unsigned long long unit = 1;
    if (*end == 'K' || *end == 'k')
        unit = 1024;
    else if (*end == 'M' || *end == 'm')
        unit = 1024 * 1024;
    else if (*end == 'G' || *end == 'g')
        unit = 1024ull * 1024 * 1024;
    if (unit != 1)
        end++;
    if (*end != '\0' || v == 0 || v > UINT64_MAX / unit)
        return MERIT_EUSAGE;
    v *= unit;
    if (strcmp(name, "file-size") == 0) {
        /* no file is larger than off_t allows; a larger limit could not be
         * recorded in an audit trail (JSON integers are signed 64-bit) */
        if (v > INT64_MAX)
            return MERIT_EUSAGE;
        limits->max_file_bytes = v;
        return 0;
    }
    uint32_t *field = limit_field(limits, name);
    if (field == NULL || v > UINT32_MAX)
        return MERIT_EUSAGE;
    *field = (uint32_t)v;
    return 0;
}

size_t merit_ctx_diag_count(const merit_ctx *ctx)
{
    return ctx->diag_count;
}

const merit_diag *merit_ctx_diag(const merit_ctx *ctx, size_t index)
{
    return index < ctx->diag_count ? &ctx->diags[index].diag : NULL;
}

void merit_ctx_set_keep_going(merit_ctx *ctx, bool keep_going)
{
    ctx->keep_going = keep_going;
}

void merit_ctx_set_keep_comments(merit_ctx *ctx, bool keep)
{
    ctx->keep_comments = keep;
}

void merit_ctx_set_method(merit_ctx *ctx, bool override, merit_method method)
{
    ctx->method_override = override;
    ctx->method = method;
}

bool merit_ctx_out_of_memory(const merit_ctx *ctx)
{
    return ctx->out_of_memory;
}

size_t merit_ctx_error_count(const merit_ctx *ctx)
{
    return ctx->error_count + (ctx->out_of_memory ? 1 : 0);
}

int merit__oom(merit_ctx *ctx)
{
    ctx->out_of_memory = true;
    return MERIT_ENOMEM;
}

/* Makes a message safe to print on a terminal: a quoted value longer than
 * MAX_QUOTED bytes keeps its start and end around "...", then the message
 * is escaped by the rule of merit/escape.h as prose (a tab or line break
 * shows as a space: a message is one line). Returns a malloc'd string. */
#define MAX_QUOTED 60

/* Appends s[from, to) to out at *o, without trailing newlines and spaces
 * when trim is set. */
static void append(char *out, size_t *o, const char *s, size_t from, size_t to, bool trim)
{
    while (trim && to > from && (s[to - 1] == '\n' || s[to - 1] == ' '))
        to--;
    memcpy(out + *o, s + from, to - from);
    *o += to - from;
}

static char *sanitize_message(const char *raw)
{
    size_t len = strlen(raw);
    while (len > 0 && (raw[len - 1] == '\n' || raw[len - 1] == ' '))
        len--;
    /* shortening only takes bytes away, but for the "...'" that ends a
     * value libxml2 cut off */
    char *shown = merit__malloc(len + 8);
    if (shown == NULL)
        return NULL;
    const unsigned char *s = (const unsigned char *)raw;
    size_t o = 0, i = 0;
    while (i < len) {
        /* an apostrophe inside a word ("merit's") quotes nothing */
        bool in_word =
            i > 0 && ((s[i - 1] >= 'a' && s[i - 1] <= 'z') ||
                      (s[i - 1] >= 'A' && s[i - 1] <= 'Z') || (s[i - 1] >= '0' && s[i - 1] <= '9'));
        if (s[i] != '\'' || in_word) {
            shown[o++] = raw[i++];
            continue;
        }
        shown[o++] = raw[i++]; /* an opening quote */
        const char *close = memchr(raw + i, '\'', len - i);
        if (close == NULL) {
            if (len - i > MAX_QUOTED) {
                /* libxml2 cut the message inside a long value: end it */
                size_t head = MAX_QUOTED / 2;
                while (head > 0 && (s[i + head] & 0xC0) == 0x80)
                    head--;
                append(shown, &o, raw, i, i + head, false);
                memcpy(shown + o, "...'", 4);
                o += 4;
                i = len;
            }
            continue;
        }
        size_t inner = (size_t)(close - (raw + i));
        if (inner > MAX_QUOTED) {
            size_t keep = MAX_QUOTED / 2 - 2;
            /* back off to UTF-8 boundaries */
            size_t head = keep;
            while (head > 0 && (s[i + head] & 0xC0) == 0x80)
                head--;
            size_t tail = i + inner - keep;
            while (tail < i + inner && (s[tail] & 0xC0) == 0x80)
                tail++;
            append(shown, &o, raw, i, i + head, false);
            memcpy(shown + o, "...", 3);
            o += 3;
            append(shown, &o, raw, tail, i + inner, true);
        } else {
            append(shown, &o, raw, i, i + inner, false);
        }
        shown[o++] = '\''; /* the closing quote */
        i += inner + 1;
    }
    size_t need = merit_escape_buf(NULL, 0, shown, o, MERIT_ESCAPE_PROSE);
    char *out = merit__malloc(need + 1);
    if (out != NULL)
        merit_escape_buf(out, need + 1, shown, o, MERIT_ESCAPE_PROSE);
    free(shown);
    return out;
}

int merit__vdiag(merit_ctx *ctx, merit_severity severity, merit_diag_kind kind, const char *file,
                 uint32_t line, uint32_t column, const char *fmt, va_list ap)
{
    int result = MERIT_OK;
    if (severity == MERIT_SEVERITY_ERROR) {
        ctx->error_count++;
        result = kind == MERIT_DIAG_IO         ? MERIT_EIO
                 : kind == MERIT_DIAG_LIMIT    ? MERIT_ELIMIT
                 : kind == MERIT_DIAG_DIVERGED ? MERIT_EDIVERGED
                                               : MERIT_EINVALID;
    }
    if (ctx->in_file && kind != MERIT_DIAG_IO) {
        /* over the limit: counted, and nothing else done (no formatting) */
        if (ctx->file_kept >= ctx->limits.max_diagnostics) {
            ctx->file_hidden++;
            return result;
        }
        ctx->file_kept++;
    }
    char stack[512];
    va_list copy;
    va_copy(copy, ap);
    int need = vsnprintf(stack, sizeof(stack), fmt, copy);
    va_end(copy);
    char *raw = stack;
    if (need < 0)
        need = 0;
    if ((size_t)need >= sizeof(stack)) {
        raw = merit__malloc((size_t)need + 1);
        if (raw == NULL)
            goto oom;
        vsnprintf(raw, (size_t)need + 1, fmt, ap);
    }
    char *message = sanitize_message(raw);
    if (raw != stack)
        free(raw);
    if (message == NULL)
        goto oom;
    char *file_copy = merit__strdup(file != NULL ? file : "");
    if (file_copy == NULL) {
        free(message);
        goto oom;
    }
    if (merit__grow((void **)&ctx->diags, &ctx->diag_cap, ctx->diag_count, sizeof(*ctx->diags)) !=
        0) {
        free(message);
        free(file_copy);
        goto oom;
    }
    struct merit_diag_item *item = &ctx->diags[ctx->diag_count++];
    item->file = file_copy;
    item->message = message;
    item->diag.severity = severity;
    item->diag.kind = kind;
    item->diag.file = file_copy;
    item->diag.line = line;
    item->diag.column = column;
    item->diag.message = message;
    return result;
oom:
    ctx->out_of_memory = true;
    return severity == MERIT_SEVERITY_ERROR ? result : MERIT_OK;
}

int merit__diag(merit_ctx *ctx, merit_severity severity, merit_diag_kind kind, const char *file,
                uint32_t line, uint32_t column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = merit__vdiag(ctx, severity, kind, file, line, column, fmt, ap);
    va_end(ap);
    return r;
}

struct merit_diag_file merit__diag_file_begin(merit_ctx *ctx)
{
    struct merit_diag_file saved = {ctx->in_file, ctx->file_kept, ctx->file_hidden};
    ctx->in_file = true;
    ctx->file_kept = 0;
    ctx->file_hidden = 0;
    return saved;
}

void merit__diag_file_end(merit_ctx *ctx, const char *path, struct merit_diag_file saved)
{
    size_t hidden = ctx->file_hidden;
    ctx->in_file = saved.in_file;
    ctx->file_kept = saved.kept;
    ctx->file_hidden = saved.hidden;
    /* the library names no command-line option: the limit goes by the
     * name merit_limits_set takes */
    if (hidden > 0)
        merit__diag(ctx, MERIT_SEVERITY_NOTE, MERIT_DIAG_INVALID, path, 0, 0,
                    "%zu more diagnostic%s in this file not shown (the 'diagnostics' limit is %u)",
                    hidden, hidden == 1 ? "" : "s", ctx->limits.max_diagnostics);
}

char *merit_diag_format(const merit_diag *d)
{
    static const char *const names[] = {"error", "warning", "note"};
    const char *sev = names[d->severity <= MERIT_SEVERITY_NOTE ? d->severity : 0];
    if (d->file == NULL || d->file[0] == '\0')
        return merit__sprintf("merit: %s: %s", sev, d->message);
    /* the file as the user named it, which may hold anything but NUL and
     * '/'; the message was escaped when it was recorded */
    char *file = merit_escape(d->file, 0);
    if (file == NULL)
        return NULL;
    char *line;
    if (d->line == 0)
        line = merit__sprintf("%s: %s: %s", file, sev, d->message);
    else if (d->column == 0)
        line = merit__sprintf("%s:%u: %s: %s", file, d->line, sev, d->message);
    else
        line = merit__sprintf("%s:%u:%u: %s: %s", file, d->line, d->column, sev, d->message);
    free(file);
    return line;
}

const char *merit_version(void)
{
    return MERIT_VERSION;
}

const char *merit_build_id(void)
{
    return MERIT_BUILD_ID;
}

void merit_ctx_set_threads(merit_ctx *ctx, unsigned threads)
{
    ctx->threads = threads > 0 ? threads : 1;
}

merit_ctx *merit__ctx_fork(const merit_ctx *ctx)
{
    merit_ctx *fork = merit_ctx_new();
    if (fork == NULL)
        return NULL;
    fork->limits = ctx->limits;
    fork->keep_going = ctx->keep_going;
    fork->keep_comments = ctx->keep_comments;
    fork->method_override = ctx->method_override;
    fork->method = ctx->method;
    fork->threads = 1;
    return fork;
}

int merit__ctx_join(merit_ctx *ctx, merit_ctx *fork)
{
    int rc = 0;
    if (fork->diag_count > 0 && (ctx->diag_count + fork->diag_count > ctx->diag_cap)) {
        size_t cap = ctx->diag_count + fork->diag_count;
        struct merit_diag_item *grown = merit__realloc(ctx->diags, cap * sizeof(*grown));
        if (grown == NULL) {
            rc = merit__oom(ctx);
        } else {
            ctx->diags = grown;
            ctx->diag_cap = cap;
        }
    }
    if (rc == 0 && fork->diag_count > 0) {
        /* the items own their strings, and diag.file/message point at them:
         * moving the structs keeps them valid */
        memcpy(ctx->diags + ctx->diag_count, fork->diags, fork->diag_count * sizeof(*fork->diags));
        ctx->diag_count += fork->diag_count;
        fork->diag_count = 0;
    }
    ctx->error_count += fork->error_count;
    ctx->out_of_memory |= fork->out_of_memory;
    merit_ctx_free(fork);
    return rc;
}
