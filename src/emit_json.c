/*
 * emit_json.c - the emit stage for JSON Lines.
 *
 * Output is written into a reusable buffer and then to the stream in one
 * call per statement, with no allocation per field.  The format is a
 * contract: keys keep their names and order, numbers have a fixed format,
 * and nothing depends on the clock, so output is byte-for-byte repeatable.
 */
#include "emit_json.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "session.h"
#include "spiral.h"

/* The escaped characters of a JSON string, without the quotes. */
static int json_body(spiral_buf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t i, run = 0;

    if (spiral_buf_reserve(b, len + 2) < 0)
        return SPIRAL_ENOMEM;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[7];
        size_t n = 2;

        if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7F)
            continue;
        if (spiral_buf_append(b, s + run, i - run) < 0)
            return SPIRAL_ENOMEM;
        esc[0] = '\\';
        switch (c) {
        case '"':  esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            n = 6;
        }
        if (spiral_buf_append(b, esc, n) < 0)
            return SPIRAL_ENOMEM;
        run = i + 1;
    }
    return spiral_buf_append(b, s + run, len - run);
}

int spiral_json_str(spiral_buf *b, const char *s, size_t len)
{
    if (spiral_buf_putc(b, '"') < 0 || json_body(b, s, len) < 0 || spiral_buf_putc(b, '"') < 0)
        return SPIRAL_ENOMEM;
    return SPIRAL_OK;
}

int spiral_json_cstr(spiral_buf *b, const char *s)
{
    if (s == NULL)
        return spiral_buf_puts(b, "null");
    return spiral_json_str(b, s, strlen(s));
}

int spiral_json_key(spiral_buf *b, const char *key, int first)
{
    if (!first && spiral_buf_putc(b, ',') < 0)
        return SPIRAL_ENOMEM;
    if (spiral_json_cstr(b, key) < 0 || spiral_buf_putc(b, ':') < 0)
        return SPIRAL_ENOMEM;
    return SPIRAL_OK;
}

int spiral_json_num(spiral_buf *b, double v)
{
    char tmp[64];
    size_t n;

    if (!isfinite(v))
        return spiral_buf_puts(b, "null");
    if (fabs(v) < 0.00005)
        v = 0.0; /* no "-0" */
    n = (size_t)snprintf(tmp, sizeof tmp, "%.4f", v);
    while (n > 0 && tmp[n - 1] == '0')
        n--;
    if (n > 0 && tmp[n - 1] == '.')
        n--;
    return spiral_buf_append(b, tmp, n);
}

/* The record's fields shared by every command's output. */
int spiral_emit_record_head(spiral_buf *b, const spiral_record *rec, const spiral_doc *doc)
{
    int rc = SPIRAL_OK;

    rc |= spiral_buf_putc(b, '{');
    rc |= spiral_json_key(b, "id", 1);
    rc |= spiral_json_cstr(b, rec ? rec->id : NULL);
    rc |= spiral_json_key(b, "lang", 0);
    rc |= spiral_json_cstr(b, spiral_doc_lang(doc));
    return rc < 0 ? SPIRAL_ENOMEM : SPIRAL_OK;
}

int spiral_emit_record_tail(spiral_buf *b, const spiral_record *rec)
{
    int rc = SPIRAL_OK;

    if (rec && rec->copies > 1) {
        rc |= spiral_json_key(b, "copies", 0);
        rc |= spiral_buf_printf(b, "%lu", rec->copies);
    }
    if (rec && rec->replaced) {
        rc |= spiral_json_key(b, "invalid_utf8_replaced", 0);
        rc |= spiral_buf_printf(b, "%zu", rec->replaced);
    }
    if (rec && rec->meta_json) {
        rc |= spiral_json_key(b, "meta", 0);
        rc |= spiral_buf_puts(b, rec->meta_json);
    }
    rc |= spiral_buf_puts(b, "}\n");
    return rc < 0 ? SPIRAL_ENOMEM : SPIRAL_OK;
}

static int write_out(FILE *f, const spiral_buf *b)
{
    if (fwrite(b->data, 1, b->len, f) != b->len)
        return SPIRAL_EIO;
    return SPIRAL_OK;
}

int spiral_write_tokens_json(FILE *f, const spiral_record *rec, const spiral_doc *doc)
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
    rc |= spiral_json_key(b, "sentences", 0);
    rc |= spiral_buf_putc(b, '[');
    for (s = 0; s < nsent; s++) {
        rc |= spiral_buf_printf(b, "%s{\"start\":%u,\"end\":%u,\"tokens\":[", s ? "," : "",
                                sent[s].start, sent[s].end);
        for (t = sent[s].first_token; t < sent[s].first_token + sent[s].ntokens; t++) {
            const spiral_token *k = &tok[t];

            rc |= spiral_buf_puts(b, t > sent[s].first_token ? ",{\"text\":" : "{\"text\":");
            rc |= spiral_json_str(b, text + k->start, k->end - k->start);
            rc |= spiral_buf_puts(b, ",\"norm\":");
            rc |= spiral_json_str(b, norm + k->norm_start, k->norm_end - k->norm_start);
            rc |= spiral_buf_printf(b, ",\"start\":%u,\"end\":%u,\"kind\":\"%s\"}",
                                    k->start, k->end, spiral_token_kind_name(k->kind));
        }
        rc |= spiral_buf_puts(b, "]}");
    }
    rc |= spiral_buf_putc(b, ']');
    rc |= spiral_emit_record_tail(b, rec);
    if (rc < 0)
        return SPIRAL_ENOMEM;
    return write_out(f, b);
}

/* ------------------------------------------------------------------ */
/* score                                                               */
/* ------------------------------------------------------------------ */

/* "entry":"en/threat.tsv:12" */
static int emit_entry_ref(spiral_buf *b, const spiral_hit *h)
{
    int rc = SPIRAL_OK;

    rc |= spiral_buf_puts(b, ",\"entry\":\"");
    rc |= json_body(b, h->entry_file, strlen(h->entry_file));
    rc |= spiral_buf_printf(b, ":%lu\"", h->entry_line);
    return rc;
}

static int emit_hit(spiral_buf *b, const spiral_doc *doc, const spiral_hit *h, int first)
{
    const spiral_hit *mods;
    const char *text = spiral_doc_text(doc, NULL);
    size_t nmods, i;
    unsigned bit;
    int rc = SPIRAL_OK, firstrule = 1;

    mods = spiral_doc_modifiers(doc, &nmods);
    rc |= spiral_buf_puts(b, first ? "{\"text\":" : ",{\"text\":");
    rc |= spiral_json_str(b, text + h->start, h->end - h->start);
    rc |= spiral_buf_printf(b, ",\"start\":%u,\"end\":%u,\"sentence\":%u", h->start, h->end,
                            h->sentence);
    rc |= spiral_json_key(b, "category", 0);
    rc |= spiral_json_cstr(b, h->category);
    if (h->entry_category != h->category) {
        rc |= spiral_json_key(b, "entry_category", 0);
        rc |= spiral_json_cstr(b, h->entry_category);
    }
    rc |= spiral_json_key(b, "weight", 0);
    rc |= spiral_json_num(b, h->weight);
    rc |= spiral_json_key(b, "score", 0);
    rc |= spiral_json_num(b, h->score);
    rc |= spiral_json_key(b, "pattern", 0);
    rc |= spiral_json_cstr(b, h->pattern);
    rc |= emit_entry_ref(b, h);
    rc |= spiral_json_key(b, "target", 0);
    rc |= spiral_json_cstr(b, h->target);
    rc |= spiral_json_key(b, "portrayal", 0);
    rc |= spiral_json_cstr(b, spiral_portrayal_name(h->portrayal));
    rc |= spiral_buf_puts(b, ",\"rules\":[");
    for (bit = 1; bit <= SPIRAL_RULE_RHETORICAL; bit <<= 1) {
        if (!(h->rules & bit))
            continue;
        rc |= spiral_buf_printf(b, "%s\"%s\"", firstrule ? "" : ",", spiral_rule_name(bit));
        firstrule = 0;
    }
    rc |= spiral_buf_puts(b, "],\"modifiers\":[");
    for (i = 0; i < h->nmods && h->mods[i] < nmods; i++) {
        const spiral_hit *m = &mods[h->mods[i]];

        rc |= spiral_buf_puts(b, i ? ",{\"text\":" : "{\"text\":");
        rc |= spiral_json_str(b, text + m->start, m->end - m->start);
        rc |= spiral_buf_printf(b, ",\"start\":%u,\"end\":%u", m->start, m->end);
        rc |= spiral_json_key(b, "category", 0);
        rc |= spiral_json_cstr(b, m->category);
        rc |= spiral_json_key(b, "weight", 0);
        rc |= spiral_json_num(b, m->weight);
        rc |= emit_entry_ref(b, m);
        rc |= spiral_buf_putc(b, '}');
    }
    rc |= spiral_buf_puts(b, "]}");
    return rc < 0 ? SPIRAL_ENOMEM : SPIRAL_OK;
}

/* "targets":[{"target":"USA","threat":2.5,"reassurance":0,"hits":2}, ...] */
static int emit_targets(spiral_buf *b, const spiral_doc *doc)
{
    const spiral_target_share *t;
    size_t n, i;
    int rc = SPIRAL_OK;

    t = spiral_doc_targets(doc, &n);
    rc |= spiral_buf_puts(b, ",\"targets\":[");
    for (i = 0; i < n; i++) {
        rc |= spiral_buf_puts(b, i ? ",{\"target\":" : "{\"target\":");
        rc |= spiral_json_cstr(b, t[i].target);
        rc |= spiral_json_key(b, "threat", 0);
        rc |= spiral_json_num(b, t[i].threat);
        rc |= spiral_json_key(b, "reassurance", 0);
        rc |= spiral_json_num(b, t[i].reassurance);
        rc |= spiral_buf_printf(b, ",\"hits\":%u}", t[i].hits);
    }
    rc |= spiral_buf_putc(b, ']');
    return rc;
}

static int emit_scores(spiral_buf *b, const spiral_scores *s)
{
    int rc = SPIRAL_OK;

    rc |= spiral_json_key(b, "threat", 0);
    rc |= spiral_json_num(b, s->threat);
    rc |= spiral_json_key(b, "reassurance", 0);
    rc |= spiral_json_num(b, s->reassurance);
    rc |= spiral_json_key(b, "net", 0);
    rc |= spiral_json_num(b, s->net);
    rc |= spiral_json_key(b, "tone", 0);
    rc |= spiral_json_num(b, s->tone);
    rc |= spiral_json_key(b, "label", 0);
    rc |= spiral_json_cstr(b, s->label);
    return rc;
}

int spiral_write_score_json(FILE *f, const spiral_record *rec, const spiral_doc *doc,
                            unsigned flags)
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
    rc |= spiral_json_key(b, "date", 0);
    rc |= spiral_json_cstr(b, rec ? rec->date : NULL);
    rc |= spiral_json_key(b, "actor", 0);
    rc |= spiral_json_cstr(b, rec ? rec->actor : NULL);
    rc |= spiral_json_key(b, "target", 0);
    rc |= spiral_json_cstr(b, rec ? rec->target : NULL);
    rc |= spiral_json_key(b, "title", 0);
    rc |= spiral_json_cstr(b, rec ? rec->title : NULL);
    rc |= spiral_json_key(b, "source", 0);
    rc |= spiral_json_cstr(b, rec ? rec->source : NULL);
    if (rec && rec->link) {
        rc |= spiral_json_key(b, "link", 0);
        rc |= spiral_json_cstr(b, rec->link);
    }
    if (rec && rec->author) {
        rc |= spiral_json_key(b, "author", 0);
        rc |= spiral_json_cstr(b, rec->author);
    }
    rc |= spiral_json_key(b, "speaker", 0);
    rc |= spiral_json_cstr(b, spiral_doc_speaker(doc));
    rc |= spiral_buf_printf(b, ",\"tokens\":%zu,\"n_sentences\":%zu", ntok, nsent);
    rc |= emit_scores(b, &sc);
    rc |= emit_targets(b, doc);
    if (flags & SPIRAL_EMIT_HITS) {
        rc |= spiral_buf_puts(b, ",\"hits\":[");
        for (i = 0; i < nhits; i++)
            rc |= emit_hit(b, doc, &hits[i], i == 0);
        rc |= spiral_buf_putc(b, ']');
    }
    if (flags & SPIRAL_EMIT_SENTENCES) {
        rc |= spiral_buf_puts(b, ",\"sentences\":[");
        for (s = 0, i = 0; s < nsent; s++) {
            spiral_scores ss;
            int first = 1;

            spiral_doc_sentence_scores(doc, s, &ss);
            rc |= spiral_buf_printf(b, "%s{\"start\":%u,\"end\":%u", s ? "," : "",
                                    sent[s].start, sent[s].end);
            rc |= emit_scores(b, &ss);
            rc |= spiral_buf_puts(b, ",\"hits\":[");
            for (; i < nhits && hits[i].sentence == s; i++, first = 0)
                rc |= emit_hit(b, doc, &hits[i], first);
            rc |= spiral_buf_puts(b, "]}");
        }
        rc |= spiral_buf_putc(b, ']');
    }
    if (flags & SPIRAL_EMIT_TEXT) {
        size_t tlen;
        const char *text = spiral_doc_text(doc, &tlen);

        rc |= spiral_json_key(b, "text", 0);
        rc |= spiral_json_str(b, text, tlen);
    }
    rc |= spiral_emit_record_tail(b, rec);
    if (rc < 0)
        return SPIRAL_ENOMEM;
    return write_out(f, b);
}
