/*
 * Memory for GMP's numbers. Nearly every number merit keeps is a rational
 * whose numerator and denominator fit in one 64-bit limb, and GMP asks for
 * each limb array separately: 8 bytes, for which malloc takes a 32-byte
 * chunk. A ranking of 50,000 proposals keeps millions of them. Here arrays
 * of one or two limbs come from pools of 8- and 16-byte slots instead (a
 * quarter and a half of malloc's cost); larger ones from malloc.
 *
 * GMP tells the size of a block when it frees or resizes it, so a block's
 * size says where it came from. Slots are taken from and given back to
 * per-thread free lists without locks; a slot freed on another thread than
 * the one that took it simply joins that thread's list, since pool memory
 * is never returned to the system (only the list of pool blocks is shared,
 * under a lock, and it keeps every block reachable for leak checkers).
 *
 * GMP has no way to report a failed allocation: like its own allocator,
 * this one aborts when memory runs out.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmp.h>

#include "internal.h"

#define POOL_BLOCK_BYTES (256u * 1024u)

struct pool_block {
    struct pool_block *next;
    /* slots follow */
};

struct slot {
    struct slot *next;
};

/* per size class: 0 for 8-byte slots, 1 for 16-byte */
static _Thread_local struct slot *free_slots[2];
static _Thread_local unsigned char *carve_at[2], *carve_end[2];

static pthread_mutex_t blocks_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pool_block *blocks;

static void out_of_memory(void)
{
    fputs("merit: out of memory for numbers\n", stderr);
    abort();
}

static void *slot_take(int cls)
{
    struct slot *s = free_slots[cls];
    if (s != NULL) {
        free_slots[cls] = s->next;
        return s;
    }
    size_t size = (size_t)8 << cls;
    if (carve_at[cls] == NULL || carve_at[cls] + size > carve_end[cls]) {
        struct pool_block *b = malloc(POOL_BLOCK_BYTES);
        if (b == NULL)
            out_of_memory();
        pthread_mutex_lock(&blocks_lock);
        b->next = blocks;
        blocks = b;
        pthread_mutex_unlock(&blocks_lock);
        /* slots start 16 bytes in, aligned for any limb */
        carve_at[cls] = (unsigned char *)b + 16;
        carve_end[cls] = (unsigned char *)b + POOL_BLOCK_BYTES;
    }
    void *p = carve_at[cls];
    carve_at[cls] += size;
    return p;
}

static void slot_give(void *p, int cls)
{
    struct slot *s = p;
    s->next = free_slots[cls];
    free_slots[cls] = s;
}

static int size_class(size_t size)
{
    return size <= 8 ? 0 : size <= 16 ? 1 : -1;
}

static void *number_alloc(size_t size)
{
    int cls = size_class(size);
    if (cls >= 0)
        return slot_take(cls);
    void *p = malloc(size);
    if (p == NULL)
        out_of_memory();
    return p;
}

static void number_free(void *p, size_t size)
{
    int cls = size_class(size);
    if (cls >= 0)
        slot_give(p, cls);
    else
        free(p);
}

static void *number_realloc(void *p, size_t old_size, size_t new_size)
{
    int from = size_class(old_size), to = size_class(new_size);
    if (from < 0 && to < 0) {
        void *q = realloc(p, new_size);
        if (q == NULL)
            out_of_memory();
        return q;
    }
    if (from >= 0 && from == to)
        return p;
    void *q = number_alloc(new_size);
    memcpy(q, p, old_size < new_size ? old_size : new_size);
    number_free(p, old_size);
    return q;
}

void merit_numbers_use_pool(void)
{
    /* Sanitizer builds keep GMP on malloc, so that a number never cleared
     * is still reported as a leak. */
#if defined(__SANITIZE_ADDRESS__)
    return;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    return;
#endif
#endif
    mp_set_memory_functions(number_alloc, number_realloc, number_free);
}
