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

typedef struct spiral_buf {
    char *data;   /* always NUL-terminated once anything was appended */
    size_t len;
    size_t cap;
} spiral_buf;

#define SPIRAL_BUF_INIT { NULL, 0, 0 }

/* Make room for `extra` more bytes plus a NUL.  Returns SPIRAL_OK or SPIRAL_ENOMEM. */
int spiral_buf_reserve(spiral_buf *b, size_t extra);
int spiral_buf_append(spiral_buf *b, const void *p, size_t n);
int spiral_buf_puts(spiral_buf *b, const char *s);
int spiral_buf_putc(spiral_buf *b, int c);
int spiral_buf_printf(spiral_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void spiral_buf_reset(spiral_buf *b);
void spiral_buf_free(spiral_buf *b);

/* Grow *p (an array of elements of `size` bytes with capacity *cap) so that
 * it holds at least `need` elements.  Returns SPIRAL_OK or SPIRAL_ENOMEM and
 * leaves *p untouched on failure. */
int spiral_grow(void *p, size_t *cap, size_t need, size_t size);

#endif
