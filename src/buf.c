/*
 * buf.c - growable byte buffers and arrays, allocated through alloc.h.
 */
#include "buf.h"

#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "spiral.h"

int spiral_grow_to(void *p, size_t *cap, size_t need, size_t size)
{
    void **pp = p;
    size_t ncap;
    void *np;

    if (need <= *cap)
        return SPIRAL_OK;
    ncap = *cap ? *cap : 16;
    while (ncap < need) {
        if (ncap > ((size_t)-1) / 2)
            return SPIRAL_ENOMEM;
        ncap *= 2;
    }
    if ((np = spiral_reallocarray(*pp, ncap, size)) == NULL)
        return SPIRAL_ENOMEM;
    *pp = np;
    *cap = ncap;
    return SPIRAL_OK;
}

int spiral_buf_reserve(spiral_buf *b, size_t extra)
{
    if (extra > ((size_t)-1) - b->len - 1)
        return SPIRAL_ENOMEM;
    return spiral_grow(&b->data, &b->cap, b->len + extra + 1, 1);
}

int spiral_buf_append_grow(spiral_buf *b, const void *p, size_t n)
{
    if (spiral_buf_reserve(b, n) < 0)
        return SPIRAL_ENOMEM;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return SPIRAL_OK;
}

int spiral_buf_printf(spiral_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    /* Usually it fits in the room there is: one formatting pass. */
    if (b->cap > b->len + 1) {
        va_start(ap, fmt);
        n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (n < 0)
            return SPIRAL_EINVAL;
        if ((size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return SPIRAL_OK;
        }
    }
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return SPIRAL_EINVAL;
    if (spiral_buf_reserve(b, (size_t)n) < 0)
        return SPIRAL_ENOMEM;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return SPIRAL_OK;
}

void spiral_buf_reset(spiral_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void spiral_buf_free(spiral_buf *b)
{
    spiral_free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
