/* Allocation wrappers with a fault-injection hook for the tests. */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Atomic: a call's proposals and sheets may be read on two threads. */
static _Atomic uint64_t fail_at; /* 0: never */
static _Atomic uint64_t allocations;

void merit__alloc_fail_at(uint64_t n)
{
    atomic_store_explicit(&fail_at, n, memory_order_relaxed);
    atomic_store_explicit(&allocations, 0, memory_order_relaxed);
}

uint64_t merit__alloc_count(void)
{
    return atomic_load_explicit(&allocations, memory_order_relaxed);
}

static bool should_fail(void)
{
    uint64_t n = atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed) + 1;
    uint64_t at = atomic_load_explicit(&fail_at, memory_order_relaxed);
    return n == at && at != 0;
}

void *merit__malloc(size_t size)
{
    if (should_fail())
        return NULL;
    return malloc(size ? size : 1);
}

void *merit__calloc(size_t count, size_t size)
{
    if (should_fail())
        return NULL;
    return calloc(count ? count : 1, size ? size : 1);
}

void *merit__realloc(void *ptr, size_t size)
{
    if (should_fail())
        return NULL;
    return realloc(ptr, size ? size : 1);
}

int merit__grow(void **array, size_t *cap, size_t count, size_t elem_size)
{
    if (count < *cap)
        return 0;
    size_t new_cap = *cap ? *cap * 2 : 8;
    if (new_cap < count + 1 || new_cap > SIZE_MAX / elem_size)
        return MERIT_ENOMEM;
    void *p = merit__realloc(*array, new_cap * elem_size);
    if (p == NULL)
        return MERIT_ENOMEM;
    *array = p;
    *cap = new_cap;
    return 0;
}

char *merit__strndup(const char *s, size_t n)
{
    char *p = merit__malloc(n + 1);
    if (p == NULL)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *merit__strdup(const char *s)
{
    return merit__strndup(s, strlen(s));
}

char *merit__sprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int need = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (need < 0)
        return NULL;
    char *p = merit__malloc((size_t)need + 1);
    if (p == NULL)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)need + 1, fmt, ap);
    va_end(ap);
    return p;
}
