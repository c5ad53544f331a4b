/*
 * emit_json.h - a small buffered JSON writer for the emit stage.
 */
#ifndef SPIRAL_EMIT_JSON_H
#define SPIRAL_EMIT_JSON_H

#include <stddef.h>

#include "buf.h"

/* Append s[0..len) as a JSON string (quoted, escaped; valid UTF-8 is
 * copied as it is).  Returns SPIRAL_OK or SPIRAL_ENOMEM. */
int spiral_json_str(spiral_buf *b, const char *s, size_t len);
/* The same for a NUL-terminated string, or null when s is NULL. */
int spiral_json_cstr(spiral_buf *b, const char *s);
/* "key": (with a leading comma unless first) */
int spiral_json_key(spiral_buf *b, const char *key, int first);
/* A number in the fixed output format: up to 4 decimals, trailing zeros
 * dropped, never NaN or Inf (written as null). */
int spiral_json_num(spiral_buf *b, double v);

/* Room spiral_json_num_format() needs: "%.4f" of the largest double. */
#define SPIRAL_JSON_NUM_MAX 320

/* The text spiral_json_num() writes for v, into out (at least
 * SPIRAL_JSON_NUM_MAX bytes, not NUL-terminated).  The same bytes as
 * snprintf "%.4f" with trailing zeros and point dropped, without printf
 * for |v| < 1e15.  Returns the length.  Thread-safe. */
size_t spiral_json_num_format(char *out, double v);

#endif
