/*
 * fingerprint.c - a 64-bit fingerprint of a statement's normalised text,
 * for finding duplicates (the same press release in many feed snapshots).
 *
 * The text is normalised as the analysis normalises it for matching (NFKC
 * with Unicode case folding, through utf8proc), every run of white space
 * becomes one space and the ends are trimmed; the result is hashed with
 * 64-bit FNV-1a.  Two different texts collide with odds of about one in
 * 2^64 per pair, far below any corpus's size.  Nothing is kept: the
 * caller keeps fingerprints, 8 bytes per distinct statement.
 */
#include <stdint.h>
#include <stdlib.h>
#include <utf8proc.h>

#include "spiral.h"

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME  0x100000001b3ull

static int is_space(utf8proc_int32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' ||
           utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS;
}

int spiral_text_fingerprint(uint64_t *out, const char *text, size_t len)
{
    utf8proc_uint8_t *norm = NULL;
    utf8proc_ssize_t n, i = 0;
    uint64_t h = FNV_OFFSET;
    int space = 0, any = 0;

    *out = 0;
    if (len > (size_t)(SIZE_MAX / 16))
        return SPIRAL_ELIMIT;
    n = utf8proc_map((const utf8proc_uint8_t *)text, (utf8proc_ssize_t)len, &norm,
                     UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                     UTF8PROC_IGNORE);
    if (n < 0)
        return n == UTF8PROC_ERROR_NOMEM ? SPIRAL_ENOMEM : SPIRAL_EENCODING;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(norm + i, n - i, &cp), j;

        if (k <= 0)
            break;
        if (is_space(cp)) {
            space = any;
        } else {
            if (space)
                h = (h ^ ' ') * FNV_PRIME;
            space = 0;
            any = 1;
            for (j = 0; j < k; j++)
                h = (h ^ norm[i + j]) * FNV_PRIME;
        }
        i += k;
    }
    free(norm);
    *out = h;
    return SPIRAL_OK;
}
