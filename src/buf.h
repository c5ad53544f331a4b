/*
 * buf.h - growable byte buffers and arrays.
 *
 * A spiral_buf is reused across documents: reset sets len to 0 and keeps the
 * memory, so a session's steady state allocates nothing per statement.
 */
#ifndef SPIRAL_BUF_H
#define SPIRAL_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

typedef struct spiral_buf {
    char *data;   /* always NUL-terminated once anything was appended */
    size_t len;
    size_t cap;
} spiral_buf;

#define SPIRAL_BUF_INIT { NULL, 0, 0 }

/* Make room for `extra` more bytes plus a NUL.  Returns SPIRAL_OK or SPIRAL_ENOMEM. */
int spiral_buf_reserve(spiral_buf *b, size_t extra);
/* spiral_buf_append() when the buffer must grow first (buf.c). */
int spiral_buf_append_grow(spiral_buf *b, const void *p, size_t n);

/* Append n bytes (and keep the NUL).  Returns SPIRAL_OK or SPIRAL_ENOMEM.
 * Inline: with room enough, as it is once a reused buffer has grown, this
 * is a compare and a copy. */
static inline int spiral_buf_append(spiral_buf *b, const void *p, size_t n)
{
    if (b->cap - b->len <= n)
        return spiral_buf_append_grow(b, p, n);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0; /* SPIRAL_OK */
}

static inline int spiral_buf_puts(spiral_buf *b, const char *s)
{
    return spiral_buf_append(b, s, strlen(s));
}

static inline int spiral_buf_putc(spiral_buf *b, int c)
{
    char ch = (char)c;

    return spiral_buf_append(b, &ch, 1);
}
int spiral_buf_printf(spiral_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void spiral_buf_reset(spiral_buf *b);
void spiral_buf_free(spiral_buf *b);

/* spiral_grow() when the array must grow (buf.c). */
int spiral_grow_to(void *p, size_t *cap, size_t need, size_t size);

/* Grow *p (an array of elements of `size` bytes with capacity *cap) so that
 * it holds at least `need` elements.  Returns SPIRAL_OK or SPIRAL_ENOMEM and
 * leaves *p untouched on failure.  Inline: it is called per token and per
 * hit, and mostly finds the room already there. */
static inline int spiral_grow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0; /* SPIRAL_OK */
    return spiral_grow_to(p, cap, need, size);
}

#endif
