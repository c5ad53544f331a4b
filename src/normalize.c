/*
 * normalize.c - the normalise stage.
 *
 * Ingest hands over a record's text as valid UTF-8; this stage produces the
 * text every later stage matches against: NFKC (which also turns full-width
 * letters, digits and punctuation into ASCII and the ideographic space into a
 * space), Unicode case folding, and Traditional-to-Simplified Chinese through
 * OpenCC.  Alongside it keeps, for every normalised byte, the offset of the
 * original byte it came from, so tokens and lexicon hits can report spans in
 * the text the user gave us.
 *
 * The text is processed one "cluster" at a time: a starter code point and
 * the combining marks after it, which is the smallest unit NFKC composes.
 * Every byte a cluster yields maps to the cluster's first original byte.
 * Most clusters are one character, and most of those need no tables: ASCII
 * runs are lower-cased eight bytes at a time, CJK runs copied, and only
 * characters that NFKC or case folding change go through utf8proc.
 *
 * OpenCC converts phrases, not only characters, but Simplified and
 * Traditional forms of a run nearly always have the same number of
 * characters; when they do, character i of the output maps to character i of
 * the input, and otherwise the whole run maps to its start.
 */
#include "normalize.h"

#include <opencc/opencc.h>
#include <string.h>
#include <utf8proc.h>

#include "alloc.h"
#include "error.h"
#include "t2s.h"
#include "utf8.h"

struct spiral_normalizer {
    opencc_t cc;            /* (opencc_t)-1 until opened */
    int cc_failed;          /* opening failed once: do not retry */
    spiral_buf scratch;     /* converter output */
    spiral_normtext tmp;    /* first-pass result when conversion is needed */
};

static const utf8proc_option_t NORM_OPTS =
    UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE;

int spiral_normalizer_new(spiral_normalizer **out, spiral_error *err)
{
    spiral_normalizer *n;

    *out = NULL;
    if ((n = spiral_calloc(1, sizeof *n)) == NULL)
        return spiral_error_nomem(err, NULL);
    n->cc = (opencc_t)-1;
    *out = n;
    return SPIRAL_OK;
}

void spiral_normalizer_free(spiral_normalizer *n)
{
    if (n == NULL)
        return;
    if (n->cc != (opencc_t)-1)
        opencc_close(n->cc);
    spiral_buf_free(&n->scratch);
    spiral_normtext_free(&n->tmp);
    spiral_free(n);
}

void spiral_normtext_free(spiral_normtext *nt)
{
    spiral_buf_free(&nt->text);
    spiral_free(nt->map);
    nt->map = NULL;
    nt->mapcap = 0;
}

static void normtext_reset(spiral_normtext *nt)
{
    spiral_buf_reset(&nt->text);
    nt->has_han = 0;
    nt->may_t2s = 0;
    nt->han_chars = 0;
    nt->latin_chars = 0;
}

/* Make room for n more normalised bytes (and the final map entry). */
static int grow(spiral_normtext *nt, size_t n)
{
    if (spiral_buf_reserve(&nt->text, n + 64) < 0 ||
        spiral_grow(&nt->map, &nt->mapcap, nt->text.cap, sizeof *nt->map) < 0)
        return SPIRAL_ENOMEM;
    return SPIRAL_OK;
}

/* Inline: called for most characters that are not ASCII, and mostly
 * finding the room there. */
static inline int room(spiral_normtext *nt, size_t n)
{
    if (nt->text.len + n + 1 <= nt->text.cap && nt->text.len + n + 1 <= nt->mapcap)
        return SPIRAL_OK;
    return grow(nt, n);
}

/* Append n normalised bytes that all came from original offset `src`. */
static int emit(spiral_normtext *nt, const char *p, size_t n, uint32_t src)
{
    size_t i, at = nt->text.len;

    if (room(nt, n) < 0)
        return SPIRAL_ENOMEM;
    memcpy(nt->text.data + at, p, n);
    for (i = 0; i < n; i++)
        nt->map[at + i] = src;
    nt->text.len += n;
    return SPIRAL_OK;
}

/* Append n bytes with their own map entries (a span copied unchanged). */
static int emit_span(spiral_normtext *nt, const char *p, size_t n, const uint32_t *map)
{
    size_t at = nt->text.len;

    if (room(nt, n) < 0)
        return SPIRAL_ENOMEM;
    memcpy(nt->text.data + at, p, n);
    memcpy(nt->map + at, map, n * sizeof *map);
    nt->text.len += n;
    return SPIRAL_OK;
}

/* Han characters and Latin letters of the output, counted for language
 * detection, and whether a Han character may be Traditional. */
static inline void count_char(spiral_normtext *nt, int32_t cp)
{
    if (spiral_is_han(cp)) {
        nt->has_han = 1;
        nt->han_chars++;
        nt->may_t2s |= spiral_t2s_may_change(cp);
    } else if (cp < 0x250 && ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')) {
        nt->latin_chars++;
    } else if (cp >= 0xC0 && cp < 0x250) {
        nt->latin_chars++;
    }
}

static int is_starter(int32_t cp)
{
    return utf8proc_get_property(cp)->combining_class == 0;
}

/* Normalise one cluster src[0..len) (a starter and its combining marks) and
 * append the result. */
static int emit_cluster(spiral_normtext *nt, const char *src, size_t len, uint32_t at)
{
    utf8proc_int32_t buf[64], *dec = buf;
    utf8proc_ssize_t cap = 64, n;
    char enc[4];
    utf8proc_ssize_t i;
    int rc = SPIRAL_OK;

    for (;;) {
        /* utf8proc_decompose is NFKD + case fold of the whole cluster. */
        n = utf8proc_decompose((const utf8proc_uint8_t *)src, (utf8proc_ssize_t)len,
                               dec, cap, NORM_OPTS);
        if (n < 0)
            return SPIRAL_EENCODING;
        if (n <= cap)
            break;
        if (dec != buf)
            spiral_free(dec);
        cap = n;
        if ((dec = spiral_reallocarray(NULL, (size_t)cap, sizeof *dec)) == NULL)
            return SPIRAL_ENOMEM;
    }
    n = utf8proc_normalize_utf32(dec, n, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    for (i = 0; n >= 0 && i < n && rc == SPIRAL_OK; i++) {
        int32_t cp = dec[i];

        /* Curly apostrophes are apostrophes: "don’t" tokenises as "don't". */
        if (cp == 0x2019 || cp == 0x2018)
            cp = '\'';
        count_char(nt, cp);
        rc = emit(nt, enc, (size_t)spiral_utf8_encode(cp, enc), at);
    }
    if (dec != buf)
        spiral_free(dec);
    return n < 0 ? SPIRAL_EENCODING : rc;
}

/* CJK unified ideographs and CJK punctuation but the ideographic space,
 * which NFKC and case folding leave as they are (nearly: see nfkc_pass());
 * spiral_cjk_at() finds them by their bytes. */
static int cjk_fast(int32_t cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp > 0x3000 && cp <= 0x303F);
}

/* Normalise the code point cp (k bytes at src[at]), which no mark follows,
 * and append it: what emit_cluster() does with it, without utf8proc for
 * the characters spiral_nfkc_single() knows. */
static int emit_single(spiral_normtext *nt, const char *src, int32_t cp, int k, uint32_t at)
{
    int32_t to;
    size_t o;

    if (!spiral_nfkc_single(cp, &to))
        return emit_cluster(nt, src + at, (size_t)k, at);
    /* Curly apostrophes are apostrophes, as emit_cluster() has them. */
    if (to == 0x2019 || to == 0x2018)
        to = '\'';
    if (to < 0x80)
        k = 1; /* full-width ASCII or an apostrophe */
    if (room(nt, (size_t)k) < 0)
        return SPIRAL_ENOMEM;
    o = nt->text.len;
    if (k == 1)
        nt->text.data[o] = (char)to;
    else
        memcpy(nt->text.data + o, src + at, (size_t)k);
    nt->map[o] = at;
    if (k > 1) {
        nt->map[o + 1] = at;
        if (k > 2) {
            nt->map[o + 2] = at;
            if (k > 3)
                nt->map[o + 3] = at;
        }
    }
    nt->text.len += (size_t)k;
    count_char(nt, to);
    return SPIRAL_OK;
}

/* Lower-case and copy the ASCII run starting at src[i] up to the first
 * non-ASCII byte or the end, mapping each byte to itself, and count its
 * letters.  Room for len - i bytes must be there.  Returns the run's end. */
static size_t copy_ascii(spiral_normtext *nt, const unsigned char *u, size_t i, size_t len)
{
    char *o = nt->text.data + nt->text.len - i;
    uint32_t *m = nt->map + nt->text.len - i;
    size_t letters = 0, s = i;

    while (i + 8 <= len) {
        uint64_t w, lw;

        memcpy(&w, u + i, 8);
        if (w & SPIRAL_HIGHS)
            break;
        lw = w | spiral_bytes_in(w, 'A', 'Z') >> 2;
        letters += ((spiral_bytes_in(lw, 'a', 'z') >> 7) * SPIRAL_ONES) >> 56;
        memcpy(o + i, &lw, 8);
        m[i] = (uint32_t)i;
        m[i + 1] = (uint32_t)i + 1;
        m[i + 2] = (uint32_t)i + 2;
        m[i + 3] = (uint32_t)i + 3;
        m[i + 4] = (uint32_t)i + 4;
        m[i + 5] = (uint32_t)i + 5;
        m[i + 6] = (uint32_t)i + 6;
        m[i + 7] = (uint32_t)i + 7;
        i += 8;
    }
    for (; i < len && u[i] < 0x80; i++) {
        unsigned ch = u[i];

        if (ch >= 'A' && ch <= 'Z')
            ch += 32;
        letters += ch >= 'a' && ch <= 'z';
        o[i] = (char)ch;
        m[i] = (uint32_t)i;
    }
    nt->text.len += i - s;
    nt->latin_chars += letters;
    return i;
}

/* Whether the character at u[0..len) is a starter (no mark that composes
 * with what is before it); an invalid sequence counts as one (it is
 * reported when reached). */
static int starter_at(const unsigned char *u, size_t len)
{
    int32_t cp;

    if (u[0] < 0x80)
        return 1;
    return spiral_utf8_decode(u, len, &cp) < 0 || is_starter(cp);
}

/* Pass 1: NFKC + case fold with the offset map.
 *
 * Text is taken a cluster (a starter and the marks after it) at a time, and
 * most clusters are a single character: ASCII runs are lower-cased eight
 * bytes at a time, CJK runs are copied, and other characters that NFKC and
 * case folding leave alone or that are full-width ASCII skip utf8proc.
 * Han and Latin letters are counted as emit_cluster() counts them, but for
 * CJK characters copied in a run, of which only U+4E00 to U+9FFF count:
 * which way a character goes is part of what the counts mean, kept as it
 * always was, so CJK punctuation (U+3001 to U+303F) is copied unchanged
 * only when another CJK character, ASCII or the end follows it. */
static int nfkc_pass(const char *src, size_t len, spiral_normtext *nt, spiral_error *err)
{
    const unsigned char *u = (const unsigned char *)src;
    size_t i = 0;
    int rc;

    while (i < len) {
        size_t j;
        int32_t cp, nx;
        int k, kn;

        if (u[i] < 0x80) {
            /* ASCII up to the next non-ASCII character; the last ASCII
             * character goes back if a mark follows (it composes). */
            if (room(nt, len - i) < 0)
                return spiral_error_nomem(err, NULL);
            i = copy_ascii(nt, u, i, len);
            if (i == len || starter_at(u + i, len - i))
                continue;
            i--;
            nt->text.len--;
            nt->latin_chars -= nt->text.data[nt->text.len] >= 'a' &&
                               nt->text.data[nt->text.len] <= 'z';
        } else if ((k = spiral_utf8_decode(u + i, len - i, &cp)) < 0) {
            goto bad;
        } else if (k == 3 && cjk_fast(cp)) {
            /* A run of CJK: each character is copied with its bytes
             * mapped to its first while the next is CJK too, ASCII or the
             * end (no mark can follow); one followed by anything else goes
             * on below. */
            size_t han = 0, at, e = i + 3, b;
            int may = 0;

            while (e < len && spiral_cjk_at(u + e, len - e))
                e += 3;
            if (e < len && u[e] >= 0x80)
                e -= 3; /* the last is followed by something else */
            if (room(nt, e - i) < 0)
                return spiral_error_nomem(err, NULL);
            at = nt->text.len;
            memcpy(nt->text.data + at, u + i, e - i);
            for (b = i; b < e; b += 3, at += 3) {
                nt->map[at] = nt->map[at + 1] = nt->map[at + 2] = (uint32_t)b;
                if (u[b] >= 0xE4) { /* U+4E00 and up: Han */
                    han++;
                    may |= spiral_t2s_may_change((int32_t)((u[b] & 0x0F) << 12 |
                                                           (u[b + 1] & 0x3F) << 6 |
                                                           (u[b + 2] & 0x3F)));
                }
            }
            nt->text.len = at;
            if (han) {
                nt->has_han = 1;
                nt->han_chars += han;
            }
            nt->may_t2s |= may;
            if ((i = e) == len || u[i] < 0x80)
                continue;
            cp = (int32_t)((u[i] & 0x0F) << 12 | (u[i + 1] & 0x3F) << 6 | (u[i + 2] & 0x3F));
            /* u[i] is CJK, followed by another non-ASCII character. */
            k = 3;
            kn = spiral_utf8_decode(u + i + 3, len - i - 3, &nx);
            if (kn > 0 && is_starter(nx)) {
                if (cp >= 0x4E00) {
                    /* What emit_single() does with it, faster. */
                    if (room(nt, 3) < 0)
                        return spiral_error_nomem(err, NULL);
                    memcpy(nt->text.data + at, u + i, 3);
                    nt->map[at] = nt->map[at + 1] = nt->map[at + 2] = (uint32_t)i;
                    nt->text.len += 3;
                    count_char(nt, cp);
                    i += 3;
                    continue;
                }
                if ((rc = emit_single(nt, src, cp, k, (uint32_t)i)) < 0)
                    goto fail;
                i += 3;
                continue;
            }
        } else if ((j = i + (size_t)k) == len || starter_at(u + j, len - j)) {
            if ((rc = emit_single(nt, src, cp, k, (uint32_t)i)) < 0)
                goto fail;
            i = j;
            continue;
        }
        /* A cluster: this code point and any combining marks after it. */
        if ((k = spiral_utf8_decode(u + i, len - i, &cp)) < 0)
            goto bad;
        j = i + (size_t)k;
        while (j < len) {
            if ((k = spiral_utf8_decode(u + j, len - j, &cp)) < 0)
                break; /* reported when the loop reaches it */
            if (is_starter(cp))
                break;
            j += (size_t)k;
        }
        if ((rc = emit_cluster(nt, src + i, j - i, (uint32_t)i)) < 0)
            goto fail;
        i = j;
    }
    return SPIRAL_OK;
fail:
    if (rc == SPIRAL_ENOMEM)
        return spiral_error_nomem(err, NULL);
bad:
    spiral_error_set(err, SPIRAL_EENCODING, NULL, 0, 0,
                     "invalid UTF-8 at byte %zu", i);
    if (err)
        err->offset = i;
    return SPIRAL_EENCODING;
}

static int open_converter(spiral_normalizer *n)
{
    if (n->cc != (opencc_t)-1)
        return 1;
    if (n->cc_failed)
        return 0;
    n->cc = opencc_open(OPENCC_DEFAULT_CONFIG_TRAD_TO_SIMP);
    if (n->cc == (opencc_t)-1) {
        n->cc_failed = 1;
        return 0;
    }
    return 1;
}

/* Convert one run of Han characters (and what OpenCC may convert inside it)
 * into n->scratch.  Returns SPIRAL_OK (scratch filled, possibly identical),
 * or SPIRAL_ENOMEM. */
static int convert_run(spiral_normalizer *n, const char *s, size_t len)
{
    size_t got;

    spiral_buf_reset(&n->scratch);
    /* OpenCC's output is never more than 4 bytes per input byte here:
     * a 3-byte BMP character becomes at most a 4-byte one. */
    if (spiral_buf_reserve(&n->scratch, len * 4 + 1) < 0)
        return SPIRAL_ENOMEM;
    got = opencc_convert_utf8_to_buffer(n->cc, s, len, n->scratch.data);
    if (got == (size_t)-1) {
        /* A converter failure leaves the run as it is. */
        memcpy(n->scratch.data, s, len);
        got = len;
    }
    n->scratch.len = got;
    n->scratch.data[got] = '\0';
    return SPIRAL_OK;
}

static size_t count_chars(const char *s, size_t len)
{
    size_t i, k = 0;

    for (i = 0; i < len; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

/* Whether every character of the run stays as it is when converted alone
 * (t2s.h); a run of such characters is left alone, without asking OpenCC. */
static int run_is_stable(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    int32_t cp;
    int k;

    while (i < len) {
        k = spiral_utf8_decode(u + i, len - i, &cp);
        if (k < 0 || spiral_t2s_may_change(cp))
            return 0;
        i += (size_t)k;
    }
    return 1;
}

/* Pass 2: Traditional to Simplified over the Han runs of `in`, writing `out`
 * with the map composed through in->map. */
static int t2s_pass(spiral_normalizer *n, const spiral_normtext *in, spiral_normtext *out)
{
    const char *s = in->text.data;
    const unsigned char *u = (const unsigned char *)s;
    size_t len = in->text.len, i = 0;

    while (i < len) {
        size_t j = i;
        int32_t cp;
        int m;

        /* Copy everything up to the next Han character as it is. */
        while (j < len) {
            m = spiral_utf8_decode(u + j, len - j, &cp);
            if (m < 0)
                m = 1;
            if (spiral_is_han(cp) && u[j] >= 0x80)
                break;
            j += (size_t)m;
        }
        if (emit_span(out, s + i, j - i, in->map + i) < 0)
            return SPIRAL_ENOMEM;
        if (j >= len)
            break;
        /* The Han run [j, e). */
        i = j;
        while (j < len) {
            m = spiral_utf8_decode(u + j, len - j, &cp);
            if (m < 0 || !spiral_is_han(cp))
                break;
            j += (size_t)m;
        }
        if (run_is_stable(s + i, j - i) || !open_converter(n)) {
            if (emit_span(out, s + i, j - i, in->map + i) < 0)
                return SPIRAL_ENOMEM;
        } else {
            size_t a = 0, b = i;
            const char *c;
            int same;

            if (convert_run(n, s + i, j - i) < 0)
                return SPIRAL_ENOMEM;
            c = n->scratch.data;
            same = count_chars(c, n->scratch.len) == count_chars(s + i, j - i);
            while (a < n->scratch.len) {
                int32_t cp2;
                int ka = spiral_utf8_decode((const unsigned char *)c + a,
                                            n->scratch.len - a, &cp2);
                int kb = same ? spiral_utf8_decode(u + b, j - b, &cp) : 0;

                if (ka < 0)
                    ka = 1;
                if (emit(out, c + a, (size_t)ka, in->map[same ? b : i]) < 0)
                    return SPIRAL_ENOMEM;
                a += (size_t)ka;
                if (same && kb > 0)
                    b += (size_t)kb;
            }
        }
        i = j;
    }
    return SPIRAL_OK;
}

int spiral_normalize(spiral_normalizer *n, const char *src, size_t len,
                     spiral_normtext *nt, spiral_error *err)
{
    spiral_normtext swap;
    int rc;

    if (len >= UINT32_MAX)
        return spiral_error_set(err, SPIRAL_ELIMIT, NULL, 0, 0,
                                "text of %zu bytes is over the 4 GiB limit", len);
    normtext_reset(nt);
    if ((rc = nfkc_pass(src, len, nt, err)) < 0)
        return rc;
    if (nt->may_t2s && n != NULL) {
        /* Convert from the first-pass result, kept in n->tmp. */
        swap = n->tmp;
        n->tmp = *nt;
        *nt = swap;
        normtext_reset(nt);
        nt->has_han = n->tmp.has_han;
        nt->han_chars = n->tmp.han_chars;
        nt->latin_chars = n->tmp.latin_chars;
        if (t2s_pass(n, &n->tmp, nt) < 0)
            return spiral_error_nomem(err, NULL);
    }
    if (room(nt, SPIRAL_NORM_PAD) < 0)
        return spiral_error_nomem(err, NULL);
    memset(nt->text.data + nt->text.len, 0, SPIRAL_NORM_PAD);
    nt->map[nt->text.len] = (uint32_t)len;
    return SPIRAL_OK;
}

int spiral_normalize_string(spiral_normalizer *n, const char *src, size_t len,
                            spiral_buf *out)
{
    spiral_normtext nt;
    int rc;

    memset(&nt, 0, sizeof nt);
    rc = spiral_normalize(n, src, len, &nt, NULL);
    if (rc == SPIRAL_OK) {
        spiral_buf_reset(out);
        rc = spiral_buf_append(out, nt.text.data, nt.text.len);
    }
    spiral_normtext_free(&nt);
    return rc;
}

uint32_t spiral_normtext_src_end(const spiral_normtext *nt, size_t end)
{
    size_t k = end;

    if (end == 0)
        return nt->map[0];
    while (k < nt->text.len && nt->map[k] == nt->map[end - 1])
        k++;
    return nt->map[k];
}
