/*
 * alloc.h - the one place spiral allocates memory.
 *
 * Every allocation in the library goes through these wrappers so that the
 * allocation-failure tests can make the Nth call fail and check that every
 * caller reports SPIRAL_ENOMEM and leaks nothing.  The failure counter is
 * thread-local, so it is not shared mutable state between threads.
 */
#ifndef SPIRAL_ALLOC_H
#define SPIRAL_ALLOC_H

#include <stddef.h>

void *spiral_malloc(size_t size);
void *spiral_calloc(size_t n, size_t size);
void *spiral_realloc(void *ptr, size_t size);
/* realloc for arrays: n * size checked for overflow. */
void *spiral_reallocarray(void *ptr, size_t n, size_t size);
char *spiral_strndup(const char *s, size_t len);
char *spiral_strdup(const char *s);
void spiral_free(void *ptr);

/* Testing: make the nth allocation from now (1-based) on this thread fail,
 * and every one after it while `sticky` is set; 0 turns injection off. */
void spiral_alloc_fail_after(unsigned long n, int sticky);
/* Allocations made on this thread since the counter was last reset. */
unsigned long spiral_alloc_count(void);

#endif
