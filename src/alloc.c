/*
 * alloc.c - allocation wrappers with failure injection for tests.
 *
 * Nothing else in the library calls malloc(3) directly.  Tests call
 * spiral_alloc_fail_after() to make the Nth allocation on their thread fail;
 * the counter lives in thread-local storage so concurrent sessions never see
 * each other's injection.  PCRE2 is given these functions too, so its
 * allocations can be made to fail alike; jansson's go through here as well
 * (a failure is counted) but are not made to fail (see jansson_malloc).
 */
#include "alloc.h"

#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local unsigned long alloc_count;
static _Thread_local unsigned long alloc_fail_at;
static _Thread_local int alloc_fail_sticky;
static _Thread_local unsigned long alloc_failures;

static int alloc_should_fail(void)
{
    alloc_count++;
    if (alloc_fail_at == 0)
        return 0;
    if (alloc_count == alloc_fail_at)
        return 1;
    return alloc_fail_sticky && alloc_count > alloc_fail_at;
}

void spiral_alloc_fail_after(unsigned long n, int sticky)
{
    alloc_count = 0;
    alloc_fail_at = n;
    alloc_fail_sticky = sticky;
}

unsigned long spiral_alloc_count(void)
{
    return alloc_count;
}

unsigned long spiral_alloc_failures(void)
{
    return alloc_failures;
}

/* p, counting it as a failure when it is NULL. */
static void *counted(void *p)
{
    if (p == NULL)
        alloc_failures++;
    return p;
}

void *spiral_malloc(size_t size)
{
    if (alloc_should_fail())
        return counted(NULL);
    return counted(malloc(size ? size : 1));
}

void *spiral_calloc(size_t n, size_t size)
{
    if (alloc_should_fail())
        return counted(NULL);
    return counted(calloc(n ? n : 1, size ? size : 1));
}

void *spiral_realloc(void *ptr, size_t size)
{
    if (alloc_should_fail())
        return counted(NULL);
    return counted(realloc(ptr, size ? size : 1));
}

void *spiral_reallocarray(void *ptr, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    return spiral_realloc(ptr, n * size);
}

char *spiral_strndup(const char *s, size_t len)
{
    char *p;

    if ((p = spiral_malloc(len + 1)) == NULL)
        return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *spiral_strdup(const char *s)
{
    return spiral_strndup(s, strlen(s));
}

void spiral_free(void *ptr)
{
    free(ptr);
}

/* ------------------------------------------------------------------ */
/* Libraries                                                           */
/* ------------------------------------------------------------------ */

static pthread_once_t jansson_once = PTHREAD_ONCE_INIT;

/* jansson's allocations are counted as failures when they fail, but
 * injected failures are not applied to them: jansson 2.14 then corrupts
 * memory (its lexer ignores a failed append to its token buffer, loses a
 * string's closing quote, and scans past the buffer looking for it), which
 * no caller can guard against. */
static void *jansson_malloc(size_t size)
{
    return counted(malloc(size ? size : 1));
}

static void install_jansson(void)
{
    json_set_alloc_funcs(jansson_malloc, spiral_free);
}

void spiral_alloc_install_jansson(void)
{
    pthread_once(&jansson_once, install_jansson);
}

void *spiral_pcre2_malloc(size_t size, void *data)
{
    (void)data;
    return spiral_malloc(size);
}

void spiral_pcre2_free(void *ptr, void *data)
{
    (void)data;
    spiral_free(ptr);
}
