/*
 * emit_json.c - the emit stage for JSON Lines.
 *
 * Output is written into a reusable buffer and then to the stream in one
 * call per statement, with no allocation per field.  The format is a
 * contract: keys keep their names and order, numbers have a fixed format,
 * and nothing depends on the clock, so output is byte-for-byte repeatable.
 *
 * This is the hottest writer of the program (`spiral tokens` writes about
 * eleven bytes out for every byte in), so nothing here goes through printf
 * in the common case: each part of a record (a token, a hit) makes room
 * once for the most it can write and is then written through a pointer,
 * keys are literals with their lengths known at compile time, integers are
 * written digit by digit, strings are copied eight bytes at a time while
 * none needs escaping, and numbers take an exact integer path that gives the
 * same text as "%.4f" (see spiral_json_num_format()).
 */
#include "emit_json.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "session.h"
#include "spiral.h"

/* ------------------------------------------------------------------ */
/* writers                                                             */
/* ------------------------------------------------------------------ */

/*
 * The writers append at a pointer `o` into a buffer where room has been
 * made, and return the new end.  A part of a record makes room once for the
 * most it can write (need()), then writes without checks, and close_room()
 * sets the buffer's length and NUL.  What the parts can write at most:
 */
#define UINT_ROOM 20 /* digits of a 64-bit integer */

/* A string quoted, each byte escaped as \u00XX at worst, or "null". */
static inline size_t str_room(size_t len)
{
    return 6 * len + 4;
}

/* Room for n more bytes (and the NUL) at o, the end of what has been
 * written to b: o itself, or where it is once b has grown.  NULL when out
 * of memory (b keeps what was written). */
static inline char *need(spiral_buf *b, char *o, size_t n)
{
    if (b->data && (size_t)(b->data + b->cap - o) > n)
        return o;
    if (b->data)
        b->len = (size_t)(o - b->data);
    if (spiral_buf_reserve(b, n) < 0)
        return NULL;
    return b->data + b->len;
}

/* Where to write the next n bytes of b: need() from its end. */
static inline char *open_room(spiral_buf *b, size_t n)
{
    return need(b, b->data ? b->data + b->len : NULL, n);
}

static inline void close_room(spiral_buf *b, char *o)
{
    b->len = (size_t)(o - b->data);
    *o = '\0';
}

/* A string literal, its length known at compile time. */
#define W_LIT(o, lit) (memcpy((o), (lit), sizeof(lit) - 1), (o) + sizeof(lit) - 1)

/* The decimal digits of an integer, two at a time from a table, made at
 * the end of a scratch array and copied out twenty bytes at once (the
 * room a number has), of which the first n count. */
static inline char *w_uint(char *o, unsigned long long v)
{
    static const char pairs[] =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
        "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
        "8081828384858687888990919293949596979899";
    char tmp[2 * UINT_ROOM], *e = tmp + UINT_ROOM;

    while (v >= 100) {
        e -= 2;
        memcpy(e, pairs + 2 * (v % 100), 2);
        v /= 100;
    }
    if (v >= 10) {
        e -= 2;
        memcpy(e, pairs + 2 * v, 2);
    } else {
        *--e = (char)('0' + v);
    }
    memcpy(o, e, UINT_ROOM);
    return o + (tmp + UINT_ROOM - e);
}

static inline char *w_num(char *o, double v)
{
    return o + spiral_json_num_format(o, v);
}

/* Bytes copied as they are inside a JSON string: everything but control
 * characters, DEL, '"' and '\\' (valid UTF-8 passes through). */
static const unsigned char json_plain[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x00 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x10 */
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x20: '"' */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x30 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x40 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, /* 0x50: '\\' */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x60 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, /* 0x70: DEL */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x80 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
};

#define ONES 0x0101010101010101ull
#define HIGH 0x8080808080808080ull

/* Whether no byte of w needs escaping.  A byte below n has its high bit
 * set in (w - n * ONES) & ~w (n <= 0x80), a zero byte in (w - ONES) & ~w;
 * neither misses the lowest such byte of a word, which is what matters
 * here (the bytes after it go one at a time). */
static inline int plain8(uint64_t w)
{
    uint64_t q = w ^ (ONES * '"'), bs = w ^ (ONES * '\\'), del = w ^ (ONES * 0x7F);

    return (((w - ONES * 0x20) & ~w) | ((q - ONES) & ~q) | ((bs - ONES) & ~bs) |
            ((del - ONES) & ~del)) & HIGH ? 0 : 1;
}

static char *w_escape(char *o, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";

    o[0] = '\\';
    switch (c) {
    case '"':  o[1] = '"'; break;
    case '\\': o[1] = '\\'; break;
    case '\n': o[1] = 'n'; break;
    case '\r': o[1] = 'r'; break;
    case '\t': o[1] = 't'; break;
    case '\b': o[1] = 'b'; break;
    case '\f': o[1] = 'f'; break;
    default:
        o[1] = 'u';
        o[2] = '0';
        o[3] = '0';
        o[4] = hex[c >> 4];
        o[5] = hex[c & 15];
        return o + 6;
    }
    return o + 2;
}

/* w_body() from the first byte that needs escaping on. */
static char *w_body_escaping(char *o, const unsigned char *u, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if (json_plain[u[i]])
            *o++ = (char)u[i];
        else
            o = w_escape(o, u[i]);
    }
    return o;
}

/* The characters of a JSON string, escaped, without its quotes: eight
 * bytes at a time while none needs escaping, then one at a time. */
static inline char *w_body(char *o, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    uint64_t w;

    for (; len - i >= 8; i += 8, o += 8) {
        memcpy(&w, u + i, 8);
        if (!plain8(w))
            break;
        memcpy(o, &w, 8);
    }
    for (; i < len && json_plain[u[i]]; i++)
        *o++ = (char)u[i];
    return i < len ? w_body_escaping(o, u + i, len - i) : o;
}

static inline char *w_str(char *o, const char *s, size_t len)
{
    *o++ = '"';
    o = w_body(o, s, len);
    *o++ = '"';
    return o;
}

/* A quoted string of len bytes, or null when s is NULL. */
static inline char *w_cstr(char *o, const char *s, size_t len)
{
    return s ? w_str(o, s, len) : W_LIT(o, "null");
}

static inline size_t len_of(const char *s)
{
    return s ? strlen(s) : 0;
}

/* A quoted string, or null when s is NULL, appended to b. */
static int json_cstr(spiral_buf *b, const char *s)
{
    size_t n = len_of(s);
    char *o = open_room(b, str_room(n));

    if (o == NULL)
        return SPIRAL_ENOMEM;
    close_room(b, w_cstr(o, s, n));
    return SPIRAL_OK;
}

/* ------------------------------------------------------------------ */
/* numbers                                                             */
/* ------------------------------------------------------------------ */

/* The digits of q / 10^4 with up to 4 decimals, trailing zeros dropped
 * (out has room for w_uint()'s twenty bytes and more). */
static size_t fixed4(char *out, int neg, uint64_t q)
{
    unsigned fp = (unsigned)(q % 10000), nd = 4;
    char *o = out;

    if (neg)
        *o++ = '-';
    o = w_uint(o, q / 10000);
    if (fp == 0)
        return (size_t)(o - out);
    *o++ = '.';
    o[0] = (char)('0' + fp / 1000);
    o[1] = (char)('0' + fp / 100 % 10);
    o[2] = (char)('0' + fp / 10 % 10);
    o[3] = (char)('0' + fp % 10);
    while (o[nd - 1] == '0')
        nd--;
    return (size_t)(o + nd - out);
}
/*
 * "%.4f" with trailing zeros (and then a trailing point) dropped, as
 * snprintf has always written these numbers.  printf rounds the exact
 * binary value of v to four decimals, ties to even (glibc, in the default
 * rounding mode).  For |v| < 1e15 the same is done here with integers: v is
 * m * 2^-s exactly (m < 2^53 from the bits of v, 3 <= s <= 67 for the
 * magnitudes that get here), so v * 10^4 = m * 10^4 / 2^s, and the quotient
 * and remainder of that division say how to round, exactly.  Larger
 * magnitudes, and compilers without 128-bit integers or IEEE doubles, take
 * snprintf.
 */
size_t spiral_json_num_format(char *out, double v)
{
    size_t n;

    if (!isfinite(v)) {
        memcpy(out, "null", 4);
        return 4;
    }
    if (fabs(v) < 0.00005)
        v = 0.0; /* no "-0" */
#if defined(__SIZEOF_INT128__) && defined(__STDC_IEC_559__)
    if (fabs(v) < 1e15) {
        __extension__ typedef unsigned __int128 u128;
        int s;
        uint64_t m, bits;
        u128 p, q, rem, half;

        if (v == 0.0)
            return fixed4(out, signbit(v) != 0, 0);
        /* A normal double (|v| >= 0.00005 here) is m * 2^(exponent - 1075)
         * with the implicit bit in m's 53 bits. */
        memcpy(&bits, &v, sizeof bits);
        m = (bits & 0xFFFFFFFFFFFFFull) | 1ull << 52;
        s = 1075 - (int)(bits >> 52 & 0x7FF); /* 3..67 here */
        p = (u128)m * 10000u;
        q = p >> s;
        rem = p & ((((u128)1) << s) - 1);
        half = ((u128)1) << (s - 1);
        if (rem > half || (rem == half && (q & 1)))
            q++;
        return fixed4(out, signbit(v) != 0, (uint64_t)q);
    }
#endif
    n = (size_t)snprintf(out, SPIRAL_JSON_NUM_MAX, "%.4f", v);
    if (n >= SPIRAL_JSON_NUM_MAX)
        n = SPIRAL_JSON_NUM_MAX - 1;
    while (n > 0 && out[n - 1] == '0')
        n--;
    if (n > 0 && out[n - 1] == '.')
        n--;
    return n;
}

/* ------------------------------------------------------------------ */
/* the public writers                                                  */
/* ------------------------------------------------------------------ */

int spiral_json_str(spiral_buf *b, const char *s, size_t len)
{
    char *o = open_room(b, str_room(len));

    if (o == NULL)
        return SPIRAL_ENOMEM;
    close_room(b, w_str(o, s, len));
    return SPIRAL_OK;
}

int spiral_json_cstr(spiral_buf *b, const char *s)
{
    return json_cstr(b, s);
}

int spiral_json_key(spiral_buf *b, const char *key, int first)
{
    size_t n = len_of(key);
    char *o = open_room(b, str_room(n) + 2);

    if (o == NULL)
        return SPIRAL_ENOMEM;
    if (!first)
        *o++ = ',';
    o = w_cstr(o, key, n);
    *o++ = ':';
    close_room(b, o);
    return SPIRAL_OK;
}

int spiral_json_num(spiral_buf *b, double v)
{
    char *o = open_room(b, SPIRAL_JSON_NUM_MAX);

    if (o == NULL)
        return SPIRAL_ENOMEM;
    close_room(b, w_num(o, v));
    return SPIRAL_OK;
}

/* ------------------------------------------------------------------ */
/* records                                                             */
/* ------------------------------------------------------------------ */

/* The record's fields shared by every command's output. */
int spiral_emit_record_head(spiral_buf *b, const spiral_record *rec, const spiral_doc *doc)
{
    const char *id = rec ? rec->id : NULL, *lang = spiral_doc_lang(doc);
    size_t nid = len_of(id), nlang = len_of(lang);
    char *o = open_room(b, 16 + str_room(nid) + str_room(nlang));

    if (o == NULL)
        return SPIRAL_ENOMEM;
    o = W_LIT(o, "{\"id\":");
    o = w_cstr(o, id, nid);
    o = W_LIT(o, ",\"lang\":");
    o = w_cstr(o, lang, nlang);
    close_room(b, o);
    return SPIRAL_OK;
}

int spiral_emit_record_tail(spiral_buf *b, const spiral_record *rec)
{
    size_t nmeta = rec ? len_of(rec->meta_json) : 0;
    char *o = open_room(b, 64 + 2 * UINT_ROOM + nmeta);

    if (o == NULL)
        return SPIRAL_ENOMEM;
    if (rec && rec->copies > 1) {
        o = W_LIT(o, ",\"copies\":");
        o = w_uint(o, rec->copies);
    }
    if (rec && rec->replaced) {
        o = W_LIT(o, ",\"invalid_utf8_replaced\":");
        o = w_uint(o, rec->replaced);
    }
    if (rec && rec->meta_json) {
        o = W_LIT(o, ",\"meta\":");
        memcpy(o, rec->meta_json, nmeta);
        o += nmeta;
    }
    o = W_LIT(o, "}\n");
    close_room(b, o);
    return SPIRAL_OK;
}

/* ------------------------------------------------------------------ */
/* tokens                                                              */
/* ------------------------------------------------------------------ */

/* ",\"kind\":\"word\"}" and the like, by token kind. */
static char *w_kind_tail(char *o, uint32_t kind)
{
    const char *name;
    size_t n;

    switch (kind) {
    case SPIRAL_TOK_WORD:   return W_LIT(o, ",\"kind\":\"word\"}");
    case SPIRAL_TOK_HAN:    return W_LIT(o, ",\"kind\":\"han\"}");
    case SPIRAL_TOK_NUMBER: return W_LIT(o, ",\"kind\":\"number\"}");
    case SPIRAL_TOK_PUNCT:  return W_LIT(o, ",\"kind\":\"punct\"}");
    case SPIRAL_TOK_SYMBOL: return W_LIT(o, ",\"kind\":\"symbol\"}");
    default:                break;
    }
    /* spiral_token_kind_name() names every other kind ("other") */
    name = spiral_token_kind_name(kind);
    n = strlen(name);
    o = W_LIT(o, ",\"kind\":\"");
    memcpy(o, name, n);
    return W_LIT(o + n, "\"}");
}

/* What a token writes besides its text, normalised text and offsets: its
 * keys and kind, under 64 bytes (the longest kind name is six bytes); what
 * is left of it holds the "]}" after a sentence's last token. */
#define TOKEN_ROOM 96

int spiral_tokens_json(const spiral_record *rec, const spiral_doc *doc, const char **out,
                       size_t *len)
{
    spiral_buf *b = spiral_doc_outbuf(doc);
    const spiral_token *tok;
    const spiral_sentence *sent;
    const char *text, *norm;
    size_t ntok, nsent, s, t, tlen, nlen;
    char *o;

    spiral_buf_reset(b);
    tok = spiral_doc_tokens(doc, &ntok);
    sent = spiral_doc_sentences(doc, &nsent);
    text = spiral_doc_text(doc, &tlen);
    norm = spiral_doc_norm(doc, &nlen);
    if (spiral_emit_record_head(b, rec, doc) < 0 || (o = open_room(b, 16)) == NULL)
        return SPIRAL_ENOMEM;
    o = W_LIT(o, ",\"sentences\":[");
    for (s = 0; s < nsent; s++) {
        /* room for the sentence's keys and offsets, and its "]}" */
        if ((o = need(b, o, 48 + 2 * UINT_ROOM)) == NULL)
            return SPIRAL_ENOMEM;
        o = s ? W_LIT(o, ",{\"start\":") : W_LIT(o, "{\"start\":");
        o = w_uint(o, sent[s].start);
        o = W_LIT(o, ",\"end\":");
        o = w_uint(o, sent[s].end);
        o = W_LIT(o, ",\"tokens\":[");
        for (t = sent[s].first_token; t < sent[s].first_token + sent[s].ntokens; t++) {
            const spiral_token *k = &tok[t];
            size_t a = k->end - k->start, n = k->norm_end - k->norm_start;

            if ((o = need(b, o, TOKEN_ROOM + 2 * UINT_ROOM + str_room(a) + str_room(n))) == NULL)
                return SPIRAL_ENOMEM;
            o = t > sent[s].first_token ? W_LIT(o, ",{\"text\":\"") : W_LIT(o, "{\"text\":\"");
            o = w_body(o, text + k->start, a);
            o = W_LIT(o, "\",\"norm\":\"");
            o = w_body(o, norm + k->norm_start, n);
            o = W_LIT(o, "\",\"start\":");
            o = w_uint(o, k->start);
            o = W_LIT(o, ",\"end\":");
            o = w_uint(o, k->end);
            o = w_kind_tail(o, k->kind);
        }
        o = W_LIT(o, "]}");
    }
    if ((o = need(b, o, 2)) == NULL)
        return SPIRAL_ENOMEM;
    o = W_LIT(o, "]");
    close_room(b, o);
    if (spiral_emit_record_tail(b, rec) < 0)
        return SPIRAL_ENOMEM;
    *out = b->data;
    *len = b->len;
    return SPIRAL_OK;
}

int spiral_write_tokens_json(FILE *f, const spiral_record *rec, const spiral_doc *doc)
{
    const char *data;
    size_t len;
    int rc = spiral_tokens_json(rec, doc, &data, &len);

    if (rc < 0)
        return rc;
    return fwrite(data, 1, len, f) == len ? SPIRAL_OK : SPIRAL_EIO;
}

/* ------------------------------------------------------------------ */
/* score                                                               */
/* ------------------------------------------------------------------ */

/* ,"category":"threat.warning","weight":2 (the entry's own: a modifier's,
 * or a hit's not negated; the cached and the written form alike) */
static char *w_cat_weight(char *o, const char *category, size_t ncat, double weight)
{
    o = W_LIT(o, ",\"category\":");
    o = w_cstr(o, category, ncat);
    o = W_LIT(o, ",\"weight\":");
    return w_num(o, weight);
}

/* "entry":"en/threat.tsv:12" */
static char *w_entry_ref(char *o, const spiral_hit *h, size_t nfile)
{
    o = W_LIT(o, ",\"entry\":\"");
    o = w_body(o, h->entry_file, nfile);
    *o++ = ':';
    o = w_uint(o, h->entry_line);
    *o++ = '"';
    return o;
}

/* "rules":["negated","hedged"] (at most RULES_ROOM bytes) */
#define RULES_ROOM 128
static char *w_rules(char *o, unsigned rules)
{
    unsigned bit;
    int first = 1;

    o = W_LIT(o, ",\"rules\":[");
    for (bit = 1; bit <= SPIRAL_RULE_RHETORICAL; bit <<= 1) {
        const char *name;
        size_t n;

        if (!(rules & bit))
            continue;
        name = spiral_rule_name(bit);
        n = strlen(name);
        o = first ? W_LIT(o, "\"") : W_LIT(o, ",\"");
        memcpy(o, name, n);
        o += n;
        *o++ = '"';
        first = 0;
    }
    *o++ = ']';
    return o;
}

/* {"text":"...","start":N,"end":N of a hit or modifier (ntext bytes of
 * text), after a comma unless first */
static char *w_span(char *o, const char *text, const spiral_hit *h, size_t ntext, int first)
{
    o = first ? W_LIT(o, "{\"text\":") : W_LIT(o, ",{\"text\":");
    o = w_str(o, text + h->start, ntext);
    o = W_LIT(o, ",\"start\":");
    o = w_uint(o, h->start);
    o = W_LIT(o, ",\"end\":");
    return w_uint(o, h->end);
}

/* What a hit writes besides its strings: keys and punctuation (under 160
 * bytes), rules, two numbers and four integers; a modifier likewise (keys
 * under 64 bytes, a number, three integers). */
#define HIT_ROOM (192 + RULES_ROOM + 2 * SPIRAL_JSON_NUM_MAX + 4 * UINT_ROOM)
#define MOD_ROOM (96 + SPIRAL_JSON_NUM_MAX + 3 * UINT_ROOM)

/* The JSON of h's entry (spiral_hitfrag), written now if it is not yet;
 * NULL when it cannot be used: no lexicon, out of memory, a field too
 * long, or h not as its entry was when written (the hit is then written
 * field by field). */
static const spiral_hitfrag *hit_frag(const spiral_doc *doc, const spiral_hit *h)
{
    spiral_emitcache *ec = spiral_doc_emitcache(doc);
    const spiral_lexicon *lex = spiral_doc_lexicon(doc);
    spiral_hitfrag *f;
    size_t ncat, npat, nfile, at;
    char *o;

    if (lex == NULL || h->entry_index >= lex->n || h->entry_category == NULL ||
        h->pattern == NULL || h->entry_file == NULL)
        return NULL;
    if (ec->lex != lex) {
        spiral_free(ec->frag);
        ec->frag = NULL;
        ec->lex = lex;
        spiral_buf_reset(&ec->bytes);
    }
    if (ec->frag == NULL && (ec->frag = spiral_calloc(lex->n, sizeof *ec->frag)) == NULL)
        return NULL;
    f = &ec->frag[h->entry_index];
    if (f->ncw != 0)
        return f->category == h->entry_category && f->pattern == h->pattern &&
                       f->file == h->entry_file && f->line == h->entry_line &&
                       f->weight == h->weight
                   ? f
                   : NULL;
    ncat = strlen(h->entry_category);
    npat = strlen(h->pattern);
    nfile = strlen(h->entry_file);
    if ((o = open_room(&ec->bytes, 64 + str_room(ncat) + SPIRAL_JSON_NUM_MAX + str_room(npat) +
                                       str_room(nfile) + UINT_ROOM)) == NULL)
        return NULL;
    at = ec->bytes.len;
    o = w_cat_weight(o, h->entry_category, ncat, h->weight);
    f->ncw = (uint16_t)(o - ec->bytes.data - at);
    o = W_LIT(o, ",\"pattern\":");
    o = w_str(o, h->pattern, npat);
    f->npat = (uint16_t)(o - ec->bytes.data - at - f->ncw);
    o = w_entry_ref(o, h, nfile);
    if ((size_t)(o - ec->bytes.data) - at > UINT16_MAX) {
        f->ncw = 0;
        return NULL; /* (never kept: its bytes are written over) */
    }
    f->nref = (uint16_t)(o - ec->bytes.data - at - f->ncw - f->npat);
    close_room(&ec->bytes, o);
    f->category = h->entry_category;
    f->pattern = h->pattern;
    f->file = h->entry_file;
    f->line = h->entry_line;
    f->weight = h->weight;
    f->at = at;
    return f;
}

/* n bytes of the cache's JSON from `at` (room made for them). */
static inline char *w_frag(char *o, const spiral_emitcache *ec, size_t at, size_t n)
{
    memcpy(o, ec->bytes.data + at, n);
    return o + n;
}

static char *emit_hit(spiral_buf *b, char *o, const spiral_doc *doc, const spiral_hit *h,
                      int first)
{
    const spiral_emitcache *ec = spiral_doc_emitcache(doc);
    const spiral_hitfrag *f = hit_frag(doc, h), *mf;
    const spiral_hit *mods;
    const char *text = spiral_doc_text(doc, NULL);
    const char *portrayal = spiral_portrayal_name(h->portrayal);
    int ecat = h->entry_category != h->category;
    size_t nmods, i, ntext = h->end - h->start, ntarget = len_of(h->target);
    size_t nport = len_of(portrayal), room = HIT_ROOM + str_room(ntext) + str_room(ntarget) +
                                            str_room(nport);
    size_t ncat = 0, necat = 0, npat = 0, nfile = 0;

    if (f == NULL || ecat) {
        ncat = len_of(h->category);
        necat = ecat ? len_of(h->entry_category) : 0;
        room += str_room(ncat) + str_room(necat);
    }
    if (f == NULL) {
        npat = len_of(h->pattern);
        nfile = strlen(h->entry_file);
        room += str_room(npat) + str_room(nfile);
    } else {
        room += (size_t)f->ncw + f->npat + f->nref;
    }
    mods = spiral_doc_modifiers(doc, &nmods);
    if ((o = need(b, o, room)) == NULL)
        return NULL;
    o = w_span(o, text, h, ntext, first);
    o = W_LIT(o, ",\"sentence\":");
    o = w_uint(o, h->sentence);
    if (f != NULL && !ecat) {
        o = w_frag(o, ec, f->at, f->ncw);
    } else {
        o = W_LIT(o, ",\"category\":");
        o = w_cstr(o, h->category, ncat);
        if (ecat) {
            o = W_LIT(o, ",\"entry_category\":");
            o = w_cstr(o, h->entry_category, necat);
        }
        o = W_LIT(o, ",\"weight\":");
        o = w_num(o, h->weight);
    }
    o = W_LIT(o, ",\"score\":");
    o = w_num(o, h->score);
    if (f != NULL) {
        o = w_frag(o, ec, f->at + f->ncw, (size_t)f->npat + f->nref);
    } else {
        o = W_LIT(o, ",\"pattern\":");
        o = w_cstr(o, h->pattern, npat);
        o = w_entry_ref(o, h, nfile);
    }
    o = W_LIT(o, ",\"target\":");
    o = w_cstr(o, h->target, ntarget);
    o = W_LIT(o, ",\"portrayal\":");
    o = w_cstr(o, portrayal, nport);
    o = w_rules(o, h->rules);
    o = W_LIT(o, ",\"modifiers\":[");
    for (i = 0; i < h->nmods && h->mods[i] < nmods; i++) {
        const spiral_hit *m = &mods[h->mods[i]];
        size_t mtext = m->end - m->start, mcat = 0, mfile = 0;

        mf = hit_frag(doc, m);
        if (mf != NULL && m->category != mf->category)
            mf = NULL;
        if (mf == NULL) {
            mcat = len_of(m->category);
            mfile = strlen(m->entry_file);
        }
        if ((o = need(b, o, MOD_ROOM + str_room(mtext) +
                                (mf ? (size_t)mf->ncw + mf->nref
                                    : str_room(mcat) + str_room(mfile)))) == NULL)
            return NULL;
        o = w_span(o, text, m, mtext, i == 0);
        if (mf != NULL) {
            o = w_frag(o, ec, mf->at, mf->ncw);
            o = w_frag(o, ec, mf->at + mf->ncw + mf->npat, mf->nref);
        } else {
            o = w_cat_weight(o, m->category, mcat, m->weight);
            o = w_entry_ref(o, m, mfile);
        }
        *o++ = '}';
    }
    if ((o = need(b, o, 2)) == NULL)
        return NULL;
    return W_LIT(o, "]}");
}

/* "targets":[{"target":"USA","threat":2.5,"reassurance":0,"hits":2}, ...] */
static char *emit_targets(spiral_buf *b, char *o, const spiral_doc *doc)
{
    const spiral_target_share *t;
    size_t n, i;

    t = spiral_doc_targets(doc, &n);
    if ((o = need(b, o, 16)) == NULL)
        return NULL;
    o = W_LIT(o, ",\"targets\":[");
    for (i = 0; i < n; i++) {
        size_t nt = len_of(t[i].target);

        if ((o = need(b, o, 64 + str_room(nt) + 2 * SPIRAL_JSON_NUM_MAX + UINT_ROOM)) == NULL)
            return NULL;
        o = i ? W_LIT(o, ",{\"target\":") : W_LIT(o, "{\"target\":");
        o = w_cstr(o, t[i].target, nt);
        o = W_LIT(o, ",\"threat\":");
        o = w_num(o, t[i].threat);
        o = W_LIT(o, ",\"reassurance\":");
        o = w_num(o, t[i].reassurance);
        o = W_LIT(o, ",\"hits\":");
        o = w_uint(o, t[i].hits);
        *o++ = '}';
    }
    if ((o = need(b, o, 1)) == NULL)
        return NULL;
    *o++ = ']';
    return o;
}

static char *emit_scores(spiral_buf *b, char *o, const spiral_scores *s)
{
    size_t nlabel = len_of(s->label);

    if ((o = need(b, o, 64 + 4 * SPIRAL_JSON_NUM_MAX + str_room(nlabel))) == NULL)
        return NULL;
    o = W_LIT(o, ",\"threat\":");
    o = w_num(o, s->threat);
    o = W_LIT(o, ",\"reassurance\":");
    o = w_num(o, s->reassurance);
    o = W_LIT(o, ",\"net\":");
    o = w_num(o, s->net);
    o = W_LIT(o, ",\"tone\":");
    o = w_num(o, s->tone);
    o = W_LIT(o, ",\"label\":");
    return w_cstr(o, s->label, nlabel);
}

/* ,"key":"value" (or null), with room made for it.  key is a literal
 * with its leading comma, quotes and colon. */
static char *emit_field(spiral_buf *b, char *o, const char *key, size_t nkey, const char *v)
{
    size_t n = len_of(v);

    if ((o = need(b, o, nkey + str_room(n))) == NULL)
        return NULL;
    memcpy(o, key, nkey);
    return w_cstr(o + nkey, v, n);
}

#define FIELD(b, o, key, v) emit_field((b), (o), (key), sizeof(key) - 1, (v))

int spiral_score_json(const spiral_record *rec, const spiral_doc *doc, unsigned flags,
                      const char **out, size_t *len)
{
    spiral_buf *b = spiral_doc_outbuf(doc);
    const spiral_hit *hits;
    const spiral_sentence *sent;
    spiral_scores sc;
    size_t nhits, nsent, ntok, i, s;
    char *o;

    spiral_buf_reset(b);
    hits = spiral_doc_hits(doc, &nhits);
    sent = spiral_doc_sentences(doc, &nsent);
    spiral_doc_tokens(doc, &ntok);
    spiral_doc_scores(doc, &sc);
    if (spiral_emit_record_head(b, rec, doc) < 0)
        return SPIRAL_ENOMEM;
    o = b->data + b->len;
    o = FIELD(b, o, ",\"date\":", rec ? rec->date : NULL);
    o = o ? FIELD(b, o, ",\"actor\":", rec ? rec->actor : NULL) : NULL;
    o = o ? FIELD(b, o, ",\"target\":", rec ? rec->target : NULL) : NULL;
    o = o ? FIELD(b, o, ",\"title\":", rec ? rec->title : NULL) : NULL;
    o = o ? FIELD(b, o, ",\"source\":", rec ? rec->source : NULL) : NULL;
    if (o && rec && rec->link)
        o = FIELD(b, o, ",\"link\":", rec->link);
    if (o && rec && rec->author)
        o = FIELD(b, o, ",\"author\":", rec->author);
    o = o ? FIELD(b, o, ",\"speaker\":", spiral_doc_speaker(doc)) : NULL;
    if (o && (o = need(b, o, 32 + 2 * UINT_ROOM)) != NULL) {
        o = W_LIT(o, ",\"tokens\":");
        o = w_uint(o, ntok);
        o = W_LIT(o, ",\"n_sentences\":");
        o = w_uint(o, nsent);
    }
    o = o ? emit_scores(b, o, &sc) : NULL;
    o = o ? emit_targets(b, o, doc) : NULL;
    if (o && (flags & SPIRAL_EMIT_HITS) && (o = need(b, o, 16)) != NULL) {
        o = W_LIT(o, ",\"hits\":[");
        for (i = 0; o && i < nhits; i++)
            o = emit_hit(b, o, doc, &hits[i], i == 0);
        if (o && (o = need(b, o, 1)) != NULL)
            *o++ = ']';
    }
    if (o && (flags & SPIRAL_EMIT_SENTENCES) && (o = need(b, o, 16)) != NULL) {
        o = W_LIT(o, ",\"sentences\":[");
        for (s = 0, i = 0; o && s < nsent; s++) {
            spiral_scores ss;
            int first = 1;

            spiral_doc_sentence_scores(doc, s, &ss);
            if ((o = need(b, o, 32 + 2 * UINT_ROOM)) == NULL)
                break;
            o = s ? W_LIT(o, ",{\"start\":") : W_LIT(o, "{\"start\":");
            o = w_uint(o, sent[s].start);
            o = W_LIT(o, ",\"end\":");
            o = w_uint(o, sent[s].end);
            if ((o = emit_scores(b, o, &ss)) == NULL || (o = need(b, o, 16)) == NULL)
                break;
            o = W_LIT(o, ",\"hits\":[");
            for (; o && i < nhits && hits[i].sentence == s; i++, first = 0)
                o = emit_hit(b, o, doc, &hits[i], first);
            if (o && (o = need(b, o, 2)) != NULL)
                o = W_LIT(o, "]}");
        }
        if (o && (o = need(b, o, 1)) != NULL)
            *o++ = ']';
    }
    if (o && (flags & SPIRAL_EMIT_TEXT)) {
        size_t tlen;
        const char *text = spiral_doc_text(doc, &tlen);

        if ((o = need(b, o, 16 + str_room(tlen))) != NULL) {
            o = W_LIT(o, ",\"text\":");
            o = w_str(o, text, tlen);
        }
    }
    if (o == NULL)
        return SPIRAL_ENOMEM;
    close_room(b, o);
    if (spiral_emit_record_tail(b, rec) < 0)
        return SPIRAL_ENOMEM;
    *out = b->data;
    *len = b->len;
    return SPIRAL_OK;
}

int spiral_write_score_json(FILE *f, const spiral_record *rec, const spiral_doc *doc,
                            unsigned flags)
{
    const char *data;
    size_t len;
    int rc = spiral_score_json(rec, doc, flags, &data, &len);

    if (rc < 0)
        return rc;
    return fwrite(data, 1, len, f) == len ? SPIRAL_OK : SPIRAL_EIO;
}
