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

#include "normalize.h"
#include "spiral.h"
#include "utf8.h"

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

/* CJK ideographs and CJK punctuation, hashed as they are (see below). */
static int cjk_plain(utf8proc_int32_t cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp > 0x3000 && cp <= 0x303F);
}

static int starter(utf8proc_int32_t cp)
{
    return utf8proc_get_property(cp)->combining_class == 0;
}

/* The end of the ASCII run from u[i]: the first non-ASCII byte or len. */
static size_t ascii_end(const unsigned char *u, size_t i, size_t len)
{
    uint64_t w;

    while (i + 8 <= len) {
        memcpy(&w, u + i, 8);
        if (w & SPIRAL_HIGHS)
            break;
        i += 8;
    }
    while (i < len && u[i] < 0x80)
        i++;
    return i;
}

/* Each ASCII byte lower-cased, or with the high bit set for white space
 * (space, tab, newline, vertical tab, form feed, carriage return). */
#define SEQ8(b) (b), (b) + 1, (b) + 2, (b) + 3, (b) + 4, (b) + 5, (b) + 6, (b) + 7
static const unsigned char ascii_fold[128] = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 0x89, 0x8A, 0x8B, 0x8C, 0x8D, 14, 15, /* tab to CR */
    SEQ8(0x10), SEQ8(0x18),
    0xA0, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, SEQ8(0x28), /* space */
    SEQ8(0x30), SEQ8(0x38),
    0x40, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, SEQ8(0x68), /* A to Z: a to z */
    SEQ8(0x70), 0x78, 0x79, 0x7A, 0x5B, 0x5C, 0x5D, 0x5E, 0x5F,
    SEQ8(0x60), SEQ8(0x68), SEQ8(0x70), SEQ8(0x78)
};
#undef SEQ8

/* Hash the ASCII bytes u[i, e): what fp_char() does, a word and a run of
 * white space at a time. */
static void fp_ascii(fp_state *st, const unsigned char *u, size_t i, size_t e)
{
    uint64_t h = st->h;
    int space = st->space, any = st->any;

    while (i < e) {
        unsigned c = ascii_fold[u[i]];

        if (c & 0x80) {
            do
                i++;
            while (i < e && (ascii_fold[u[i]] & 0x80));
            space = any;
            continue;
        }
        if (space)
            h = (h ^ ' ') * FNV_PRIME;
        space = 0;
        any = 1;
        do {
            h = (h ^ c) * FNV_PRIME;
            i++;
        } while (i < e && !((c = ascii_fold[u[i]]) & 0x80));
    }
    st->h = h;
    st->space = space;
    st->any = any;
}

/* Hash the cluster u[i, j) (a starter and its marks), normalised by
 * utf8proc.  Returns SPIRAL_OK or SPIRAL_EENCODING. */
static int fp_cluster(fp_state *st, const unsigned char *u, size_t i, size_t j)
{
    utf8proc_int32_t buf[64];
    utf8proc_ssize_t n, m;

    n = utf8proc_decompose(u + i, (utf8proc_ssize_t)(j - i), buf, 64,
                           UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT |
                           UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
    if (n < 0)
        return SPIRAL_EENCODING;
    if (n > 64) {
        /* A cluster of more than 64 code points: hash them as they are. */
        for (; i < j; i++)
            st->h = (st->h ^ u[i]) * FNV_PRIME;
        st->any = 1;
        return SPIRAL_OK;
    }
    n = utf8proc_normalize_utf32(buf, n, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    for (m = 0; m < n; m++) {
        utf8proc_uint8_t enc[4];
        utf8proc_ssize_t e = utf8proc_encode_char(buf[m], enc);

        fp_char(st, buf[m], enc, (size_t)e);
    }
    return SPIRAL_OK;
}

/*
 * The text is normalised one cluster (a starter and its combining marks) at
 * a time, as the analysis does.  Most clusters are one character and need
 * no utf8proc_decompose(): ASCII runs, CJK characters, and the characters
 * spiral_nfkc_single() knows.  A CJK character (cjk_plain()) is hashed as
 * it is when the end, ASCII, or a character whose first byte is E3 or more
 * follows it, and like any other otherwise (U+3036 and U+3038 to U+303A
 * decompose then): the values stay what they have always been.  Any invalid
 * UTF-8 is an error, wherever it is.
 */
int spiral_text_fingerprint(uint64_t *out, const char *text, size_t len)
{
    const unsigned char *u = (const unsigned char *)text;
    fp_state st = { FNV_OFFSET, 0, 0 };
    size_t i = 0;

    *out = 0;
    if (len > (size_t)(SIZE_MAX / 16))
        return SPIRAL_ELIMIT;
    while (i < len) {
        int32_t cp, nx, to;
        int k, kn = 0;
        size_t j;

        if (u[i] < 0x80) {
            /* ASCII up to the last character before one that is not (which
             * may be a mark that composes with it) */
            size_t e = ascii_end(u, i, len);

            if (e < len) {
                if (spiral_utf8_decode(u + e, len - e, &nx) < 0)
                    return SPIRAL_EENCODING;
                if (!starter(nx))
                    e--;
            }
            fp_ascii(&st, u, i, e);
            if ((i = e) == len || u[i] >= 0x80)
                continue;
        }
        if (spiral_cjk_at(u + i, len - i) && i + 3 < len && spiral_cjk_at(u + i + 3, len - i - 3)) {
            /* a run of CJK: each is hashed as it is while another follows */
            uint64_t h = st.h;

            if (st.space)
                h = (h ^ ' ') * FNV_PRIME;
            do {
                h = (h ^ u[i]) * FNV_PRIME;
                h = (h ^ u[i + 1]) * FNV_PRIME;
                h = (h ^ u[i + 2]) * FNV_PRIME;
                i += 3;
            } while (i + 3 < len && spiral_cjk_at(u + i + 3, len - i - 3));
            st.h = h;
            st.space = 0;
            st.any = 1;
            /* the last one goes on below */
        }
        if ((k = spiral_utf8_decode(u + i, len - i, &cp)) < 0)
            return SPIRAL_EENCODING;
        j = i + (size_t)k;
        if (j < len && u[j] >= 0x80 && (kn = spiral_utf8_decode(u + j, len - j, &nx)) < 0)
            return SPIRAL_EENCODING;
        if (k == 3 && cjk_plain(cp) &&
            (kn == 0 || (kn == 3 && cjk_plain(nx)) || (u[j] >= 0xE3 && starter(nx)))) {
            /* CJK alone, or before CJK (even a CJK mark) */
            uint64_t h = st.h;

            if (st.space)
                h = (h ^ ' ') * FNV_PRIME;
            h = (h ^ u[i]) * FNV_PRIME;
            h = (h ^ u[i + 1]) * FNV_PRIME;
            st.h = (h ^ u[i + 2]) * FNV_PRIME;
            st.space = 0;
            st.any = 1;
            i = j;
            continue;
        }
        if (kn == 0 || starter(nx)) {
            /* no mark follows: a character alone */
            if (spiral_nfkc_single(cp, &to)) {
                utf8proc_uint8_t enc[4];

                if (to == cp)
                    fp_char(&st, cp, u + i, (size_t)k);
                else
                    fp_char(&st, to, enc, (size_t)utf8proc_encode_char(to, enc));
                i = j;
                continue;
            }
        } else {
            /* the cluster: the marks after cp */
            while (j < len) {
                if ((kn = spiral_utf8_decode(u + j, len - j, &nx)) < 0)
                    return SPIRAL_EENCODING;
                if (starter(nx))
                    break;
                j += (size_t)kn;
            }
        }
        if (fp_cluster(&st, u, i, j) < 0)
            return SPIRAL_EENCODING;
        i = j;
    }
    *out = st.h;
    return SPIRAL_OK;
}
