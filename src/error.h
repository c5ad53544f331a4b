/*
 * error.h - filling the caller's spiral_error.
 */
#ifndef SPIRAL_ERROR_H
#define SPIRAL_ERROR_H

#include "spiral.h"

/* Fill err (which may be NULL) and return code, so that callers can write
 * `return spiral_error_set(err, SPIRAL_EPARSE, file, line, col, "...")`.
 * The message is printf-formatted and truncated to fit. */
int spiral_error_set(spiral_error *err, int code, const char *file,
                     unsigned long line, unsigned long column,
                     const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* Reset err to SPIRAL_OK with empty strings. */
void spiral_error_clear(spiral_error *err);

/* Shorthand for the out-of-memory case, which must work without allocating. */
int spiral_error_nomem(spiral_error *err, const char *file);

#endif
