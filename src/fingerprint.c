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
#include <string.h>
#include <utf8proc.h>

#include "spiral.h"

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME  0x100000001b3ull

static int is_space(utf8proc_int32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' ||
           (cp >= 0x80 && utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS);
}

typedef struct fp_state {
    uint64_t h;
    int space, any;
} fp_state;

static void fp_char(fp_state *st, utf8proc_int32_t cp, const unsigned char *enc, size_t n)
{
    size_t j;

    if (is_space(cp)) {
        st->space = st->any;
        return;
    }
    if (st->space)
        st->h = (st->h ^ ' ') * FNV_PRIME;
    st->space = 0;
    st->any = 1;
    for (j = 0; j < n; j++)
        st->h = (st->h ^ enc[j]) * FNV_PRIME;
}

/* CJK ideographs and CJK punctuation: unchanged by NFKC and case folding. */
static int cjk_plain(utf8proc_int32_t cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp > 0x3000 && cp <= 0x303F);
}

/* Whether u[i..] starts with a well-formed three-byte character that
 * cjk_plain() accepts (leads E3 to E9 have no overlong or surrogate forms). */
static int plain_cjk_at(const unsigned char *u, size_t i, size_t len)
{
    utf8proc_int32_t cp;

    if (i + 3 > len || u[i] < 0xE3 || u[i] > 0xE9 || (u[i + 1] & 0xC0) != 0x80 ||
        (u[i + 2] & 0xC0) != 0x80)
        return 0;
    cp = (utf8proc_int32_t)((u[i] & 0x0F) << 12 | (u[i + 1] & 0x3F) << 6 | (u[i + 2] & 0x3F));
    return cjk_plain(cp);
}

static int starter(utf8proc_int32_t cp)
{
    return utf8proc_get_property(cp)->combining_class == 0;
}

/* Whether u[i..] starts with a CJK character cjk_plain() accepts that is
 * followed by a starter (so no mark composes with it): it is hashed as it
 * is.  A following invalid sequence leaves it alone too (and is an error
 * when it is reached). */
static int cjk_alone_at(const unsigned char *u, size_t i, size_t len)
{
    utf8proc_int32_t nx;

    if (!plain_cjk_at(u, i, len))
        return 0;
    if (i + 3 == len || u[i + 3] < 0x80 || plain_cjk_at(u, i + 3, len))
        return 1;
    if (u[i + 3] < 0xE3)
        return 0;
    return utf8proc_iterate(u + i + 3, (utf8proc_ssize_t)(len - i - 3), &nx) <= 0 || starter(nx);
}

int spiral_text_fingerprint(uint64_t *out, const char *text, size_t len)
{
    const unsigned char *u = (const unsigned char *)text;
    fp_state st = { FNV_OFFSET, 0, 0 };
    utf8proc_int32_t buf[64];
    size_t i = 0;

    *out = 0;
    if (len > (size_t)(SIZE_MAX / 16))
        return SPIRAL_ELIMIT;
    /* The text is normalised one cluster (a starter and its combining
     * marks) at a time, as the analysis does, with fast paths for ASCII and
     * CJK text, which need no tables. */
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k, n, m;
        size_t j;

        if (u[i] < 0x80 && (i + 1 == len || u[i + 1] < 0x80)) {
            /* A run of ASCII, up to the last character before non-ASCII
             * (which may be a combining mark that belongs to it): what
             * fp_char() does, inline. */
            uint64_t h = st.h;
            int space = st.space, any = st.any;

            for (; i < len && u[i] < 0x80 && (i + 1 == len || u[i + 1] < 0x80); i++) {
                unsigned char c = u[i];

                if (c == ' ' || (c >= '\t' && c <= '\r')) {
                    space = any;
                    continue;
                }
                if (space)
                    h = (h ^ ' ') * FNV_PRIME;
                space = 0;
                any = 1;
                if (c >= 'A' && c <= 'Z')
                    c = (unsigned char)(c + 32);
                h = (h ^ c) * FNV_PRIME;
            }
            st.h = h;
            st.space = space;
            st.any = any;
            continue;
        }
        if (cjk_alone_at(u, i, len)) {
            /* A run of CJK each followed by a starter: what fp_char() does,
             * inline. */
            uint64_t h = st.h;

            if (st.space)
                h = (h ^ ' ') * FNV_PRIME;
            do {
                h = (h ^ u[i]) * FNV_PRIME;
                h = (h ^ u[i + 1]) * FNV_PRIME;
                h = (h ^ u[i + 2]) * FNV_PRIME;
                i += 3;
            } while (cjk_alone_at(u, i, len));
            st.h = h;
            st.space = 0;
            st.any = 1;
            continue;
        }
        k = utf8proc_iterate(u + i, (utf8proc_ssize_t)(len - i), &cp);
        if (k <= 0)
            return SPIRAL_EENCODING;
        /* The cluster [i, j). */
        j = i + (size_t)k;
        while (j < len) {
            utf8proc_ssize_t kk = utf8proc_iterate(u + j, (utf8proc_ssize_t)(len - j), &cp);

            if (kk <= 0)
                return SPIRAL_EENCODING;
            if (starter(cp))
                break;
            j += (size_t)kk;
        }
        n = utf8proc_decompose(u + i, (utf8proc_ssize_t)(j - i), buf, 64,
                               UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT |
                               UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
        if (n < 0)
            return SPIRAL_EENCODING;
        if (n > 64) {
            /* A cluster of more than 64 code points: hash them as they are. */
            for (m = 0; (size_t)m < j - i; m++)
                st.h = (st.h ^ u[i + m]) * FNV_PRIME;
            st.any = 1;
            i = j;
            continue;
        }
        n = utf8proc_normalize_utf32(buf, n, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
        for (m = 0; m < n; m++) {
            utf8proc_uint8_t enc[4];
            utf8proc_ssize_t e = utf8proc_encode_char(buf[m], enc);

            fp_char(&st, buf[m], enc, (size_t)e);
        }
        i = j;
    }
    *out = st.h;
    return SPIRAL_OK;
}
