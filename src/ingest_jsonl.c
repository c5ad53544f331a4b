/*
 * ingest_jsonl.c - one JSON Lines record: the usual shape read directly,
 * anything else through jansson.
 *
 * Known fields (id, date, actor, target, lang, title, source, text) must be
 * strings (an integer id is accepted and written as a string); everything
 * else is kept and passed through to the output under "meta".  A record
 * must be an object with a string "text".  Errors name the line and, for
 * syntax errors, the column jansson reports.
 */
#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "ingest.h"
#include "utf8.h"

static const char *const known[] = {
    "id", "date", "actor", "target", "lang", "title", "source", "text", NULL
};

static int is_known(const char *k)
{
    size_t i;

    for (i = 0; known[i]; i++)
        if (strcmp(known[i], k) == 0)
            return 1;
    return 0;
}

/* Out of memory while reading the record of `line`: it is skipped. */
static int nomem(const spiral_reader *r, unsigned long line, spiral_error *err)
{
    return spiral_error_set(err, SPIRAL_ENOMEM, r->path, line, 0, "out of memory; record skipped");
}

/* Fetch an optional string field.  Returns 1 (set or absent), or an error. */
static int string_field(spiral_reader *r, const char *key, const char **out,
                        unsigned long line, spiral_error *err)
{
    json_t *v = json_object_get(r->json, key);

    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 1;
    if (json_is_string(v)) {
        *out = json_string_value(v);
        return 1;
    }
    if (strcmp(key, "id") == 0 && json_is_integer(v)) {
        spiral_buf_reset(&r->id);
        if (spiral_buf_printf(&r->id, "%" JSON_INTEGER_FORMAT, json_integer_value(v)) < 0)
            return nomem(r, line, err);
        *out = r->id.data;
        return 1;
    }
    return spiral_error_set(err, SPIRAL_EINVAL, r->path, line, 0,
                            "field \"%s\" must be a string, not %s", key,
                            json_is_object(v) ? "an object" : json_is_array(v) ? "an array" :
                            json_is_number(v) ? "a number" : "a boolean");
}

/* ------------------------------------------------------------------ */
/* The fast path                                                       */
/* ------------------------------------------------------------------ */

/*
 * Nearly every record is one object whose members are strings (or null):
 * {"id": "...", "date": "...", "text": "..."}.  jansson parses such a line
 * at about 35-120 MB/s (it copies each string twice and builds a hash
 * table per record), which alone would cap a run below the project's
 * throughput targets.  Such lines are therefore recognised here, several
 * bytes a step, and decoded in place; every other line - any other value
 * (number, boolean, array, object), a duplicate or escaped member name,
 * more than FAST_MEMBERS members, a byte or escape jansson refuses, \u0000,
 * invalid UTF-8 - is declined and goes to jansson, which decides what it
 * is and words any error.  A record read here is thus exactly the record
 * jansson would give, field for field (tests/test_ingest.c compares the two
 * on generated and mutated lines).
 */
#define FAST_MEMBERS 32

typedef struct fast_member {
    size_t key, klen;  /* the name: offset and length in the line (no escapes) */
    size_t val, vlen;  /* a string value's content; vlen after decoding */
    int null;          /* the value is null */
    int esc;           /* the value holds escapes */
} fast_member;



/* Bits set at (and perhaps above) the first byte of x that is a quote, a
 * backslash, a control byte or not ASCII; 0 when there is none.  The
 * lowest set bit is exact (a false positive only ever follows a true one). */
static inline uint64_t fast_special(uint64_t x)
{
    uint64_t q = x ^ (SPIRAL_ONES * '"'), b = x ^ (SPIRAL_ONES * '\\');

    return ((q - SPIRAL_ONES) & ~q) | ((b - SPIRAL_ONES) & ~b) | ((x - SPIRAL_ONES * 0x20) & ~x) | x;
}

static int fast_hex4(const unsigned char *s, uint32_t *out)
{
    uint32_t v = 0;
    int k;

    for (k = 0; k < 4; k++) {
        unsigned c = s[k];

        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= c - '0';
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
            v |= (c | 0x20) - 'a' + 10;
        else
            return 0;
    }
    *out = v;
    return 1;
}

/* The escape at s[i] (a backslash; n bytes in all): its length in the
 * line, with the code point it stands for in *cp; 0 when the fast path
 * declines it (unknown, truncated, \u0000 or a lone surrogate). */
static size_t fast_escape(const unsigned char *s, size_t i, size_t n, uint32_t *cp)
{
    uint32_t lo;

    if (i + 1 >= n)
        return 0;
    switch (s[i + 1]) {
    case '"': *cp = '"'; return 2;
    case '\\': *cp = '\\'; return 2;
    case '/': *cp = '/'; return 2;
    case 'b': *cp = '\b'; return 2;
    case 'f': *cp = '\f'; return 2;
    case 'n': *cp = '\n'; return 2;
    case 'r': *cp = '\r'; return 2;
    case 't': *cp = '\t'; return 2;
    case 'u':
        if (n - i < 6 || !fast_hex4(s + i + 2, cp) || *cp == 0 ||
            (*cp >= 0xDC00 && *cp <= 0xDFFF))
            return 0;
        if (*cp < 0xD800 || *cp > 0xDBFF)
            return 6;
        if (n - i < 12 || s[i + 6] != '\\' || s[i + 7] != 'u' || !fast_hex4(s + i + 8, &lo) ||
            lo < 0xDC00 || lo > 0xDFFF)
            return 0;
        *cp = 0x10000 + ((*cp - 0xD800) << 10) + (lo - 0xDC00);
        return 12;
    default:
        return 0;
    }
}

/* The closing quote of the string whose content starts at s[i], or 0 when
 * the fast path declines the string; *esc is set when it holds escapes. */
static size_t fast_string(const unsigned char *s, size_t i, size_t n, int *esc)
{
    *esc = 0;
    while (i < n) {
        uint32_t cp;
        size_t k;

        for (; i + 8 <= n; i += 8) {
            uint64_t m;

            if ((m = fast_special(spiral_load8(s + i)) & SPIRAL_HIGHS) != 0) {
                i += (size_t)__builtin_ctzll(m) / 8;
                break;
            }
        }
        if (i >= n)
            break;
        if (s[i] == '"')
            return i;
        if (s[i] < 0x20)
            return 0;
        if (s[i] == '\\') {
            if ((k = fast_escape(s, i, n, &cp)) == 0)
                return 0;
            *esc = 1;
            i += k;
        } else if (s[i] >= 0x80) {
            int32_t c;
            int len = spiral_utf8_decode(s + i, n - i, &c);

            if (len < 0)
                return 0;
            i += (size_t)len;
            /* Chinese: a run of three-byte characters whose lead cannot
             * start an overlong form or a surrogate (E1-EC, EE, EF), the
             * checks spiral_utf8_decode() makes, without going back to the
             * eight-byte scan for each. */
            while (i + 3 <= n && s[i] - 0xE1u <= 0xEFu - 0xE1u && s[i] != 0xED &&
                   (s[i + 1] & 0xC0) == 0x80 && (s[i + 2] & 0xC0) == 0x80)
                i += 3;
        } else {
            i++;
        }
    }
    return 0;
}

/* Decode the escapes of the string content s[a..end) in place (it was
 * accepted by fast_string()).  Returns its decoded length. */
static size_t fast_unescape(unsigned char *s, size_t a, size_t end)
{
    size_t i = a, o = a;

    while (i < end) {
        uint32_t cp;
        size_t k;

        if (s[i] != '\\') {
            s[o++] = s[i++];
            continue;
        }
        k = fast_escape(s, i, end, &cp);
        o += (size_t)spiral_utf8_encode((int32_t)cp, (char *)s + o);
        i += k;
    }
    return o - a;
}

static size_t fast_ws(const unsigned char *s, size_t i, size_t n)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
        i++;
    return i;
}

/* Scan the line into its members.  Returns how many, or 0 when the fast
 * path declines the line. */
static size_t fast_scan(const unsigned char *s, size_t n, fast_member *m)
{
    size_t i = fast_ws(s, 0, n), nm = 0, end;
    int esc;

    if (i == n || s[i] != '{')
        return 0;
    i = fast_ws(s, i + 1, n);
    for (;;) {
        fast_member *f = &m[nm];

        if (nm == FAST_MEMBERS || i == n || s[i] != '"')
            return 0;
        if ((end = fast_string(s, i + 1, n, &esc)) == 0 || esc)
            return 0;
        f->key = i + 1;
        f->klen = end - f->key;
        i = fast_ws(s, end + 1, n);
        if (i == n || s[i] != ':')
            return 0;
        i = fast_ws(s, i + 1, n);
        if (i < n && s[i] == '"') {
            if ((end = fast_string(s, i + 1, n, &f->esc)) == 0)
                return 0;
            f->val = i + 1;
            f->vlen = end - f->val;
            f->null = 0;
            i = end + 1;
        } else if (n - i >= 4 && memcmp(s + i, "null", 4) == 0) {
            f->val = f->vlen = 0;
            f->null = 1;
            f->esc = 0;
            i += 4;
        } else {
            return 0;
        }
        nm++;
        i = fast_ws(s, i, n);
        if (i < n && s[i] == ',') {
            i = fast_ws(s, i + 1, n);
            continue;
        }
        if (i < n && s[i] == '}')
            break;
        return 0;
    }
    return fast_ws(s, i + 1, n) == n ? nm : 0;
}

/* Append the JSON string s[0..len) (valid UTF-8) as jansson's json_dumps()
 * writes it: \" \\ \b \f \n \r \t, other control bytes as \u00XX in capitals,
 * everything else as it is. */
static int fast_dump_string(spiral_buf *b, const unsigned char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t i, run = 0;

    if (spiral_buf_putc(b, '"') < 0)
        return SPIRAL_ENOMEM;
    for (i = 0; i < len; i++) {
        char seq[6];
        size_t k = 2;

        if (s[i] >= 0x20 && s[i] != '"' && s[i] != '\\')
            continue;
        if (spiral_buf_append(b, s + run, i - run) < 0)
            return SPIRAL_ENOMEM;
        seq[0] = '\\';
        switch (s[i]) {
        case '"': seq[1] = '"'; break;
        case '\\': seq[1] = '\\'; break;
        case '\b': seq[1] = 'b'; break;
        case '\f': seq[1] = 'f'; break;
        case '\n': seq[1] = 'n'; break;
        case '\r': seq[1] = 'r'; break;
        case '\t': seq[1] = 't'; break;
        default:
            memcpy(seq + 1, "u00", 3);
            seq[4] = hex[s[i] >> 4];
            seq[5] = hex[s[i] & 15];
            k = 6;
        }
        if (spiral_buf_append(b, seq, k) < 0)
            return SPIRAL_ENOMEM;
        run = i + 1;
    }
    if (spiral_buf_append(b, s + run, len - run) < 0 || spiral_buf_putc(b, '"') < 0)
        return SPIRAL_ENOMEM;
    return SPIRAL_OK;
}

/* The known field a member name is (its index in known[]), or -1. */
static int known_index(const unsigned char *k, size_t len)
{
    int i;

    for (i = 0; known[i]; i++)
        if (strlen(known[i]) == len && memcmp(known[i], k, len) == 0)
            return i;
    return -1;
}

/* Read r->line through the fast path.  Returns 1 (the record is read), 0
 * (declined: the line is untouched, for jansson) or a negative status with
 * err filled. */
static int fast_record(spiral_reader *r, unsigned long line, spiral_error *err)
{
    unsigned char *s = (unsigned char *)r->line.data;
    fast_member m[FAST_MEMBERS];
    const char **field[8];
    int idx[FAST_MEMBERS], text = -1, meta = 0;
    size_t nm = fast_scan(s, r->line.len, m), i, j;

    if (nm == 0)
        return 0;
    for (i = 0; i < nm; i++) {
        for (j = 0; j < i; j++)
            if (m[j].klen == m[i].klen && memcmp(s + m[j].key, s + m[i].key, m[i].klen) == 0)
                return 0; /* jansson keeps the last value: its business */
        if ((idx[i] = known_index(s + m[i].key, m[i].klen)) < 0)
            meta = 1;
        else if (strcmp(known[idx[i]], "text") == 0)
            text = (int)i;
    }
    if (text < 0 || m[text].null)
        return 0; /* an error, worded by the jansson path */

    /* Accepted: decode in place, each name and string ended by a NUL where
     * its closing quote was (decoding only ever shortens). */
    field[0] = &r->rec.id;
    field[1] = &r->rec.date;
    field[2] = &r->rec.actor;
    field[3] = &r->rec.target;
    field[4] = &r->rec.lang;
    field[5] = &r->rec.title;
    field[6] = &r->rec.source;
    field[7] = &r->rec.text;
    for (i = 0; i < nm; i++) {
        s[m[i].key + m[i].klen] = '\0';
        if (m[i].null)
            continue;
        if (m[i].esc)
            m[i].vlen = fast_unescape(s, m[i].val, m[i].val + m[i].vlen);
        s[m[i].val + m[i].vlen] = '\0';
        if (idx[i] >= 0)
            *field[idx[i]] = (const char *)s + m[i].val;
    }
    r->rec.text_len = m[text].vlen;
    if (r->rec.id == NULL && spiral_ingest_default_id(r, line) < 0)
        return nomem(r, line, err);
    if (meta) {
        /* Unknown members, in their order, as json_dumps(JSON_COMPACT)
         * writes them. */
        int first = 1;

        spiral_buf_reset(&r->metabuf);
        if (spiral_buf_putc(&r->metabuf, '{') < 0)
            return nomem(r, line, err);
        for (i = 0; i < nm; i++) {
            if (idx[i] >= 0)
                continue;
            if ((!first && spiral_buf_putc(&r->metabuf, ',') < 0) ||
                fast_dump_string(&r->metabuf, s + m[i].key, m[i].klen) < 0 ||
                spiral_buf_putc(&r->metabuf, ':') < 0 ||
                (m[i].null ? spiral_buf_append(&r->metabuf, "null", 4) :
                 fast_dump_string(&r->metabuf, s + m[i].val, m[i].vlen)) < 0)
                return nomem(r, line, err);
            first = 0;
        }
        if (spiral_buf_putc(&r->metabuf, '}') < 0)
            return nomem(r, line, err);
        r->rec.meta_json = r->metabuf.data;
    }
    return 1;
}

int spiral_ingest_jsonl_record(spiral_reader *r, unsigned long line, spiral_error *err)
{
    json_error_t je;
    json_t *text, *meta, *v;
    const char *key;
    size_t bad;
    unsigned long failures;
    int rc;

    if ((rc = fast_record(r, line, err)) != 0)
        return rc;

    /* jansson refuses invalid UTF-8 anywhere in its input (it checks every
     * byte it reads, and reads to the end), so a line it parses is valid
     * UTF-8 and needs no check of its own.  Only when parsing fails is the
     * line checked: invalid UTF-8 is then named with its position (jansson's
     * message for it has none), or repaired and parsed again. */
    spiral_alloc_install_jansson();
    failures = spiral_alloc_failures();
    r->json = json_loadb(r->line.data, r->line.len, JSON_ALLOW_NUL, &je);
    if (r->json == NULL && (bad = spiral_utf8_check(r->line.data, r->line.len)) != r->line.len) {
        size_t replaced = 0;

        if (r->o.invalid_utf8 == SPIRAL_UTF8_REJECT) {
            spiral_error_set(err, SPIRAL_EENCODING, r->path, line, bad + 1,
                             "invalid UTF-8 (byte 0x%02X); use --invalid-utf8 replace "
                             "to keep such records", (unsigned char)r->line.data[bad]);
            if (err)
                err->offset = bad;
            return SPIRAL_EENCODING;
        }
        spiral_buf_reset(&r->fixed);
        if (spiral_utf8_repair(&r->fixed, r->line.data, r->line.len, &replaced) < 0)
            return nomem(r, line, err);
        spiral_buf_reset(&r->line);
        if (spiral_buf_append(&r->line, r->fixed.data, r->fixed.len) < 0)
            return nomem(r, line, err);
        r->rec.replaced = replaced;
        failures = spiral_alloc_failures();
        r->json = json_loadb(r->line.data, r->line.len, JSON_ALLOW_NUL, &je);
    }
    /* jansson may call running out of memory a syntax error, say nothing,
     * or even drop a byte of a string and go on (its lexer ignores a failed
     * append): whenever an allocation failed, the parse is not trusted. */
    if (spiral_alloc_failures() != failures ||
        (r->json == NULL && json_error_code(&je) == json_error_out_of_memory))
        return nomem(r, line, err);
    if (r->json == NULL)
        return spiral_error_set(err, SPIRAL_EPARSE, r->path, line,
                                je.column > 0 ? (unsigned long)je.column : 0,
                                "invalid JSON: %s", je.text);
    if (!json_is_object(r->json))
        return spiral_error_set(err, SPIRAL_EINVAL, r->path, line, 1,
                                "a record must be a JSON object");
    text = json_object_get(r->json, "text");
    if (text == NULL)
        return spiral_error_set(err, SPIRAL_EINVAL, r->path, line, 0,
                                "record has no \"text\" field");
    if (!json_is_string(text))
        return spiral_error_set(err, SPIRAL_EINVAL, r->path, line, 0,
                                "field \"text\" must be a string");
    if ((rc = string_field(r, "date", &r->rec.date, line, err)) < 0 ||
        (rc = string_field(r, "actor", &r->rec.actor, line, err)) < 0 ||
        (rc = string_field(r, "target", &r->rec.target, line, err)) < 0 ||
        (rc = string_field(r, "lang", &r->rec.lang, line, err)) < 0 ||
        (rc = string_field(r, "title", &r->rec.title, line, err)) < 0 ||
        (rc = string_field(r, "source", &r->rec.source, line, err)) < 0 ||
        (rc = string_field(r, "id", &r->rec.id, line, err)) < 0)
        return rc;
    if (r->rec.id == NULL && spiral_ingest_default_id(r, line) < 0)
        return nomem(r, line, err);

    /* Unknown fields, in their input order, become meta. */
    meta = NULL;
    json_object_foreach(r->json, key, v) {
        if (is_known(key))
            continue;
        if (meta == NULL && (meta = json_object()) == NULL)
            return nomem(r, line, err);
        if (json_object_set(meta, key, v) < 0) {
            json_decref(meta);
            return nomem(r, line, err);
        }
    }
    if (meta) {
        r->meta = json_dumps(meta, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(meta);
        /* json_dumps() too can lose part of its output to a failed
         * allocation and still return it. */
        if (r->meta == NULL || spiral_alloc_failures() != failures)
            return nomem(r, line, err);
        r->rec.meta_json = r->meta;
    }
    /* No UTF-8 check of the text: the line was valid (or repaired) and
     * jansson decodes escapes to valid UTF-8 only (a lone surrogate is a
     * syntax error; \u0000 is a NUL byte, valid here). */
    r->rec.text = json_string_value(text);
    r->rec.text_len = json_string_length(text);
    return 1;
}
