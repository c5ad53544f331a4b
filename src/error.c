/*
 * error.c - error codes, messages and the spiral_error record.
 *
 * Errors are filled in where they are found (the lexicon parser knows the
 * line and column, the reader knows the record) and only propagated by the
 * callers above.  spiral_error uses fixed buffers so that reporting an
 * allocation failure never needs to allocate.
 */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *spiral_strerror(int code)
{
    switch (code) {
    case SPIRAL_OK:        return "success";
    case SPIRAL_ENOMEM:    return "out of memory";
    case SPIRAL_EIO:       return "input/output error";
    case SPIRAL_EPARSE:    return "syntax error";
    case SPIRAL_EENCODING: return "invalid UTF-8";
    case SPIRAL_EINVAL:    return "invalid argument";
    case SPIRAL_ELIMIT:    return "resource limit exceeded";
    default:               return "unknown error";
    }
}

void spiral_error_clear(spiral_error *err)
{
    if (err == NULL)
        return;
    memset(err, 0, sizeof *err);
}

int spiral_error_set(spiral_error *err, int code, const char *file,
                     unsigned long line, unsigned long column,
                     const char *fmt, ...)
{
    va_list ap;

    if (err == NULL)
        return code;
    err->code = code;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    err->column = column;
    err->offset = 0;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code;
}

int spiral_error_nomem(spiral_error *err, const char *file)
{
    return spiral_error_set(err, SPIRAL_ENOMEM, file, 0, 0, "out of memory");
}
