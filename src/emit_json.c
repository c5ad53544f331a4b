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
 * in the common case: keys are literals with their lengths known at compile
 * time, integers are written digit by digit, strings are copied in runs of
 * bytes that need no escaping, and numbers take an exact integer path that
 * gives the same text as "%.4f" (see spiral_json_num_format()).
 */
#include "emit_json.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "session.h"
#include "spiral.h"

/* ------------------------------------------------------------------ */
/* writers                                                             */
/* ------------------------------------------------------------------ */

/* Make room for n more bytes (and the NUL): the common case, room enough,
 * stays inline. */
static inline int room(spiral_buf *b, size_t n)
{
    if (b->cap - b->len > n)
        return SPIRAL_OK;
    return spiral_buf_reserve(b, n);
}

/* A string literal, its length known at compile time. */
#define PUT_LIT(b, lit) spiral_buf_append((b), (lit), sizeof(lit) - 1)

static int put_uint(spiral_buf *b, unsigned long long v)
{
    char tmp[24], *p = tmp + sizeof tmp;

    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return spiral_buf_append(b, p, (size_t)(tmp + sizeof tmp - p));
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

/* The escaped characters of a JSON string, without the quotes, and `tail`
 * (0 to 2 bytes: a closing quote, a separator) after them.  Room for the
 * string unescaped is made once; an escape (rare) makes room for the rest.
 * Returns SPIRAL_OK or SPIRAL_ENOMEM. */
static int json_body(spiral_buf *b, const char *s, size_t len, const char *tail, size_t ntail)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, run;

    if (room(b, len + ntail) < 0)
        return SPIRAL_ENOMEM;
    for (;;) {
        char *o;
        unsigned char c;

        run = i;
        while (i < len && json_plain[u[i]])
            i++;
        if (i > run)
            memcpy(b->data + b->len, s + run, i - run);
        b->len += i - run;
        if (i == len)
            break;
        /* up to 6 bytes for this one, then the rest unescaped */
        if (room(b, 6 + (len - i - 1) + ntail) < 0)
            return SPIRAL_ENOMEM;
        o = b->data + b->len;
        c = u[i++];
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
            b->len += 4;
        }
        b->len += 2;
    }
    memcpy(b->data + b->len, tail, ntail);
    b->len += ntail;
    b->data[b->len] = '\0';
    return SPIRAL_OK;
}

/* A quoted string. */
static inline int json_str(spiral_buf *b, const char *s, size_t len)
{
    if (room(b, 1) < 0)
        return SPIRAL_ENOMEM;
    b->data[b->len++] = '"';
    return json_body(b, s, len, "\"", 1);
}

/* A quoted string, or null when s is NULL. */
static inline int json_cstr(spiral_buf *b, const char *s)
{
    if (s == NULL)
        return PUT_LIT(b, "null");
    return json_str(b, s, strlen(s));
}

/* A number: room for the longest form, formatted in place. */
static inline int json_num(spiral_buf *b, double v)
{
    if (room(b, SPIRAL_JSON_NUM_MAX) < 0)
        return SPIRAL_ENOMEM;
    b->len += spiral_json_num_format(b->data + b->len, v);
    b->data[b->len] = '\0';
    return SPIRAL_OK;
}

/* ------------------------------------------------------------------ */
/* numbers                                                             */
/* ------------------------------------------------------------------ */

/* The digits of q / 10^4 with up to 4 decimals, trailing zeros dropped. */
static size_t fixed4(char *out, int neg, uint64_t q)
{
    char tmp[24], *p = tmp + sizeof tmp;
    uint64_t ip = q / 10000;
    unsigned fp = (unsigned)(q % 10000), nd = 4;
    size_t n = 0;

    if (neg)
        out[n++] = '-';
    do {
        *--p = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip);
    memcpy(out + n, p, (size_t)(tmp + sizeof tmp - p));
    n += (size_t)(tmp + sizeof tmp - p);
    if (fp == 0)
        return n;
    while (fp % 10 == 0) {
        fp /= 10;
        nd--;
    }
    out[n++] = '.';
    for (p = out + n + nd; p > out + n;) {
        *--p = (char)('0' + fp % 10);
        fp /= 10;
    }
    return n + nd;
}

/*
 * "%.4f" with trailing zeros (and then a trailing point) dropped, as
 * snprintf has always written these numbers.  printf rounds the exact
 * binary value of v to four decimals, ties to even (glibc, in the default
 * rounding mode).  For |v| < 1e15 the same is done here with integers: v is
 * m * 2^-s exactly (m < 2^53, 3 <= s <= 67 for the magnitudes that get
 * here), so v * 10^4 = m * 10^4 / 2^s, and the quotient and remainder of
 * that division say how to round, exactly.  Larger magnitudes, and
 * compilers without 128-bit integers, take snprintf.
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
#if defined(__SIZEOF_INT128__)
    if (fabs(v) < 1e15) {
        __extension__ typedef unsigned __int128 u128;
        int e, s;
        uint64_t m;
        u128 p, q, rem, half;

        if (v == 0.0)
            return fixed4(out, signbit(v) != 0, 0);
        m = (uint64_t)ldexp(frexp(fabs(v), &e), 53); /* |v| = m * 2^(e-53) */
        s = 53 - e;                                 /* 3..67 here */
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
    return json_str(b, s, len);
}

int spiral_json_cstr(spiral_buf *b, const char *s)
{
    return json_cstr(b, s);
}

int spiral_json_key(spiral_buf *b, const char *key, int first)
{
    if (!first && PUT_LIT(b, ",") < 0)
        return SPIRAL_ENOMEM;
    if (json_cstr(b, key) < 0 || PUT_LIT(b, ":") < 0)
        return SPIRAL_ENOMEM;
    return SPIRAL_OK;
}

int spiral_json_num(spiral_buf *b, double v)
{
    return json_num(b, v);
}

/* ------------------------------------------------------------------ */
/* records                                                             */
/* ------------------------------------------------------------------ */

/* The record's fields shared by every command's output. */
int spiral_emit_record_head(spiral_buf *b, const spiral_record *rec, const spiral_doc *doc)
{
    int rc = SPIRAL_OK;

    rc |= PUT_LIT(b, "{\"id\":");
    rc |= json_cstr(b, rec ? rec->id : NULL);
    rc |= PUT_LIT(b, ",\"lang\":");
    rc |= json_cstr(b, spiral_doc_lang(doc));
    return rc < 0 ? SPIRAL_ENOMEM : SPIRAL_OK;
}

int spiral_emit_record_tail(spiral_buf *b, const spiral_record *rec)
{
    int rc = SPIRAL_OK;

    if (rec && rec->copies > 1) {
        rc |= PUT_LIT(b, ",\"copies\":");
        rc |= put_uint(b, rec->copies);
    }
    if (rec && rec->replaced) {
        rc |= PUT_LIT(b, ",\"invalid_utf8_replaced\":");
        rc |= put_uint(b, rec->replaced);
    }
    if (rec && rec->meta_json) {
        rc |= PUT_LIT(b, ",\"meta\":");
        rc |= spiral_buf_append(b, rec->meta_json, strlen(rec->meta_json));
    }
    rc |= PUT_LIT(b, "}\n");
    return rc < 0 ? SPIRAL_ENOMEM : SPIRAL_OK;
}

/* ------------------------------------------------------------------ */
/* tokens                                                              */
/* ------------------------------------------------------------------ */

/* ",\"kind\":\"word\"}" and the like, by token kind. */
static int put_kind_tail(spiral_buf *b, uint32_t kind)
{
    switch (kind) {
    case SPIRAL_TOK_WORD:   return PUT_LIT(b, ",\"kind\":\"word\"}");
    case SPIRAL_TOK_HAN:    return PUT_LIT(b, ",\"kind\":\"han\"}");
    case SPIRAL_TOK_NUMBER: return PUT_LIT(b, ",\"kind\":\"number\"}");
    case SPIRAL_TOK_PUNCT:  return PUT_LIT(b, ",\"kind\":\"punct\"}");
    case SPIRAL_TOK_SYMBOL: return PUT_LIT(b, ",\"kind\":\"symbol\"}");
    default:                break;
    }
    /* spiral_token_kind_name() names every other kind */
    if (PUT_LIT(b, ",\"kind\":\"") < 0)
        return SPIRAL_ENOMEM;
    if (spiral_buf_append(b, spiral_token_kind_name(kind), strlen(spiral_token_kind_name(kind))) < 0)
        return SPIRAL_ENOMEM;
    return PUT_LIT(b, "\"}");
}

int spiral_tokens_json(const spiral_record *rec, const spiral_doc *doc, const char **out,
                       size_t *len)
{
    spiral_buf *b = spiral_doc_outbuf(doc);
    const spiral_token *tok;
    const spiral_sentence *sent;
    const char *text, *norm;
    size_t ntok, nsent, s, t, tlen, nlen;
    int rc = SPIRAL_OK;

    spiral_buf_reset(b);
    tok = spiral_doc_tokens(doc, &ntok);
    sent = spiral_doc_sentences(doc, &nsent);
    text = spiral_doc_text(doc, &tlen);
    norm = spiral_doc_norm(doc, &nlen);
    rc |= spiral_emit_record_head(b, rec, doc);
    rc |= PUT_LIT(b, ",\"sentences\":[");
    for (s = 0; s < nsent; s++) {
        rc |= s ? PUT_LIT(b, ",{\"start\":") : PUT_LIT(b, "{\"start\":");
        rc |= put_uint(b, sent[s].start);
        rc |= PUT_LIT(b, ",\"end\":");
        rc |= put_uint(b, sent[s].end);
        rc |= PUT_LIT(b, ",\"tokens\":[");
        for (t = sent[s].first_token; t < sent[s].first_token + sent[s].ntokens; t++) {
            const spiral_token *k = &tok[t];

            rc |= t > sent[s].first_token ? PUT_LIT(b, ",{\"text\":\"") : PUT_LIT(b, "{\"text\":\"");
            rc |= json_body(b, text + k->start, k->end - k->start, "\",\"norm\":\"", 10);
            rc |= json_body(b, norm + k->norm_start, k->norm_end - k->norm_start,
                            "\",\"start\":", 10);
            rc |= put_uint(b, k->start);
            rc |= PUT_LIT(b, ",\"end\":");
            rc |= put_uint(b, k->end);
            rc |= put_kind_tail(b, k->kind);
        }
        rc |= PUT_LIT(b, "]}");
    }
    rc |= PUT_LIT(b, "]");
    rc |= spiral_emit_record_tail(b, rec);
    if (rc < 0)
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

/* "entry":"en/threat.tsv:12" */
static int emit_entry_ref(spiral_buf *b, const spiral_hit *h)
{
    int rc = SPIRAL_OK;

    rc |= PUT_LIT(b, ",\"entry\":\"");
    rc |= json_body(b, h->entry_file, strlen(h->entry_file), ":", 1);
    rc |= put_uint(b, h->entry_line);
    rc |= PUT_LIT(b, "\"");
    return rc;
}

/* "rules":["negated","hedged"] */
static int emit_rules(spiral_buf *b, unsigned rules)
{
    unsigned bit;
    int rc = SPIRAL_OK, first = 1;

    rc |= PUT_LIT(b, ",\"rules\":[");
    for (bit = 1; bit <= SPIRAL_RULE_RHETORICAL; bit <<= 1) {
        const char *name;

        if (!(rules & bit))
            continue;
        name = spiral_rule_name(bit);
        rc |= first ? PUT_LIT(b, "\"") : PUT_LIT(b, ",\"");
        rc |= spiral_buf_append(b, name, strlen(name));
        rc |= PUT_LIT(b, "\"");
        first = 0;
    }
    rc |= PUT_LIT(b, "]");
    return rc;
}

static int emit_hit(spiral_buf *b, const spiral_doc *doc, const spiral_hit *h, int first)
{
    const spiral_hit *mods;
    const char *text = spiral_doc_text(doc, NULL);
    size_t nmods, i;
    int rc = SPIRAL_OK;

    mods = spiral_doc_modifiers(doc, &nmods);
    rc |= first ? PUT_LIT(b, "{\"text\":") : PUT_LIT(b, ",{\"text\":");
    rc |= json_str(b, text + h->start, h->end - h->start);
    rc |= PUT_LIT(b, ",\"start\":");
    rc |= put_uint(b, h->start);
    rc |= PUT_LIT(b, ",\"end\":");
    rc |= put_uint(b, h->end);
    rc |= PUT_LIT(b, ",\"sentence\":");
    rc |= put_uint(b, h->sentence);
    rc |= PUT_LIT(b, ",\"category\":");
    rc |= json_cstr(b, h->category);
    if (h->entry_category != h->category) {
        rc |= PUT_LIT(b, ",\"entry_category\":");
        rc |= json_cstr(b, h->entry_category);
    }
    rc |= PUT_LIT(b, ",\"weight\":");
    rc |= json_num(b, h->weight);
    rc |= PUT_LIT(b, ",\"score\":");
    rc |= json_num(b, h->score);
    rc |= PUT_LIT(b, ",\"pattern\":");
    rc |= json_cstr(b, h->pattern);
    rc |= emit_entry_ref(b, h);
    rc |= PUT_LIT(b, ",\"target\":");
    rc |= json_cstr(b, h->target);
    rc |= PUT_LIT(b, ",\"portrayal\":");
    rc |= json_cstr(b, spiral_portrayal_name(h->portrayal));
    rc |= emit_rules(b, h->rules);
    rc |= PUT_LIT(b, ",\"modifiers\":[");
    for (i = 0; i < h->nmods && h->mods[i] < nmods; i++) {
        const spiral_hit *m = &mods[h->mods[i]];

        rc |= i ? PUT_LIT(b, ",{\"text\":") : PUT_LIT(b, "{\"text\":");
        rc |= json_str(b, text + m->start, m->end - m->start);
        rc |= PUT_LIT(b, ",\"start\":");
        rc |= put_uint(b, m->start);
        rc |= PUT_LIT(b, ",\"end\":");
        rc |= put_uint(b, m->end);
        rc |= PUT_LIT(b, ",\"category\":");
        rc |= json_cstr(b, m->category);
        rc |= PUT_LIT(b, ",\"weight\":");
        rc |= json_num(b, m->weight);
        rc |= emit_entry_ref(b, m);
        rc |= PUT_LIT(b, "}");
    }
    rc |= PUT_LIT(b, "]}");
    return rc < 0 ? SPIRAL_ENOMEM : SPIRAL_OK;
}

/* "targets":[{"target":"USA","threat":2.5,"reassurance":0,"hits":2}, ...] */
static int emit_targets(spiral_buf *b, const spiral_doc *doc)
{
    const spiral_target_share *t;
    size_t n, i;
    int rc = SPIRAL_OK;

    t = spiral_doc_targets(doc, &n);
    rc |= PUT_LIT(b, ",\"targets\":[");
    for (i = 0; i < n; i++) {
        rc |= i ? PUT_LIT(b, ",{\"target\":") : PUT_LIT(b, "{\"target\":");
        rc |= json_cstr(b, t[i].target);
        rc |= PUT_LIT(b, ",\"threat\":");
        rc |= json_num(b, t[i].threat);
        rc |= PUT_LIT(b, ",\"reassurance\":");
        rc |= json_num(b, t[i].reassurance);
        rc |= PUT_LIT(b, ",\"hits\":");
        rc |= put_uint(b, t[i].hits);
        rc |= PUT_LIT(b, "}");
    }
    rc |= PUT_LIT(b, "]");
    return rc;
}

static int emit_scores(spiral_buf *b, const spiral_scores *s)
{
    int rc = SPIRAL_OK;

    rc |= PUT_LIT(b, ",\"threat\":");
    rc |= json_num(b, s->threat);
    rc |= PUT_LIT(b, ",\"reassurance\":");
    rc |= json_num(b, s->reassurance);
    rc |= PUT_LIT(b, ",\"net\":");
    rc |= json_num(b, s->net);
    rc |= PUT_LIT(b, ",\"tone\":");
    rc |= json_num(b, s->tone);
    rc |= PUT_LIT(b, ",\"label\":");
    rc |= json_cstr(b, s->label);
    return rc;
}

int spiral_score_json(const spiral_record *rec, const spiral_doc *doc, unsigned flags,
                      const char **out, size_t *len)
{
    spiral_buf *b = spiral_doc_outbuf(doc);
    const spiral_hit *hits;
    const spiral_sentence *sent;
    spiral_scores sc;
    size_t nhits, nsent, ntok, i, s;
    int rc = SPIRAL_OK;

    spiral_buf_reset(b);
    hits = spiral_doc_hits(doc, &nhits);
    sent = spiral_doc_sentences(doc, &nsent);
    spiral_doc_tokens(doc, &ntok);
    spiral_doc_scores(doc, &sc);
    rc |= spiral_emit_record_head(b, rec, doc);
    rc |= PUT_LIT(b, ",\"date\":");
    rc |= json_cstr(b, rec ? rec->date : NULL);
    rc |= PUT_LIT(b, ",\"actor\":");
    rc |= json_cstr(b, rec ? rec->actor : NULL);
    rc |= PUT_LIT(b, ",\"target\":");
    rc |= json_cstr(b, rec ? rec->target : NULL);
    rc |= PUT_LIT(b, ",\"title\":");
    rc |= json_cstr(b, rec ? rec->title : NULL);
    rc |= PUT_LIT(b, ",\"source\":");
    rc |= json_cstr(b, rec ? rec->source : NULL);
    if (rec && rec->link) {
        rc |= PUT_LIT(b, ",\"link\":");
        rc |= json_cstr(b, rec->link);
    }
    if (rec && rec->author) {
        rc |= PUT_LIT(b, ",\"author\":");
        rc |= json_cstr(b, rec->author);
    }
    rc |= PUT_LIT(b, ",\"speaker\":");
    rc |= json_cstr(b, spiral_doc_speaker(doc));
    rc |= PUT_LIT(b, ",\"tokens\":");
    rc |= put_uint(b, ntok);
    rc |= PUT_LIT(b, ",\"n_sentences\":");
    rc |= put_uint(b, nsent);
    rc |= emit_scores(b, &sc);
    rc |= emit_targets(b, doc);
    if (flags & SPIRAL_EMIT_HITS) {
        rc |= PUT_LIT(b, ",\"hits\":[");
        for (i = 0; i < nhits; i++)
            rc |= emit_hit(b, doc, &hits[i], i == 0);
        rc |= PUT_LIT(b, "]");
    }
    if (flags & SPIRAL_EMIT_SENTENCES) {
        rc |= PUT_LIT(b, ",\"sentences\":[");
        for (s = 0, i = 0; s < nsent; s++) {
            spiral_scores ss;
            int first = 1;

            spiral_doc_sentence_scores(doc, s, &ss);
            rc |= s ? PUT_LIT(b, ",{\"start\":") : PUT_LIT(b, "{\"start\":");
            rc |= put_uint(b, sent[s].start);
            rc |= PUT_LIT(b, ",\"end\":");
            rc |= put_uint(b, sent[s].end);
            rc |= emit_scores(b, &ss);
            rc |= PUT_LIT(b, ",\"hits\":[");
            for (; i < nhits && hits[i].sentence == s; i++, first = 0)
                rc |= emit_hit(b, doc, &hits[i], first);
            rc |= PUT_LIT(b, "]}");
        }
        rc |= PUT_LIT(b, "]");
    }
    if (flags & SPIRAL_EMIT_TEXT) {
        size_t tlen;
        const char *text = spiral_doc_text(doc, &tlen);

        rc |= PUT_LIT(b, ",\"text\":");
        rc |= json_str(b, text, tlen);
    }
    rc |= spiral_emit_record_tail(b, rec);
    if (rc < 0)
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
