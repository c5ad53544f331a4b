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

/* Route jansson's allocations through alloc.h: freed with spiral_free(),
 * a failed one counted by spiral_alloc_failures(), but never an injected
 * failure (jansson 2.14 corrupts memory when its lexer cannot grow a
 * buffer).  jansson's allocator is process-wide: this sets it once
 * (thread-safe; later calls do nothing).  Called by spiral_global_init()
 * and by every user of jansson before it parses or dumps. */
void spiral_alloc_install_jansson(void);

/* PCRE2 memory functions over spiral_malloc()/spiral_free() (data unused),
 * for pcre2_general_context_create(). */
void *spiral_pcre2_malloc(size_t size, void *data);
void spiral_pcre2_free(void *ptr, void *data);

/* Allocations that have failed on this thread (injected or real), ever.
 * A caller of a library that hides why it failed (jansson reports a syntax
 * error when its lexer cannot allocate) compares it before and after. */
unsigned long spiral_alloc_failures(void);

/* Testing: make the nth allocation from now (1-based) on this thread fail,
 * and every one after it while `sticky` is set; 0 turns injection off. */
void spiral_alloc_fail_after(unsigned long n, int sticky);
/* Allocations made on this thread since the counter was last reset. */
unsigned long spiral_alloc_count(void);

#endif
