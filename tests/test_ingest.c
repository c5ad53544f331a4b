/*
 * test_ingest.c - reading statements: JSON Lines, lines, documents, and
 * every kind of bad input the foundation issue lists.
 */
#include <check.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "testutil.h"
#include "utf8.h"
#include "suites.h"

static spiral_reader *open_str(const char *s, size_t len, const char *suffix,
                               spiral_format fmt)
{
    spiral_read_opts o = SPIRAL_READ_OPTS_INIT;
    spiral_reader *r;
    spiral_error err;

    o.format = fmt;
    ck_assert_int_eq(spiral_reader_open(&r, test_tmpfile(s, len, suffix, 0), &o, &err), 0);
    return r;
}

START_TEST(jsonl_fields_meta_and_default_id)
{
    const char *in =
        "{\"id\":\"MFA-1\",\"date\":\"2020-02-03\",\"actor\":\"CHN-MFA:Hua Chunying\","
        "\"lang\":\"zh\",\"text\":\"中方坚决反对。\",\"role\":\"answer\",\"turn\":3}\n"
        "{\"text\":\"We urge restraint.\",\"source\":\"https://example.org/a\"}\n"
        "{\"id\":42,\"text\":\"Numeric ids are kept.\"}\n";
    spiral_reader *r = open_str(in, strlen(in), ".jsonl", SPIRAL_FORMAT_AUTO);
    const spiral_record *rec;
    spiral_error err;

    ck_assert_int_eq(spiral_reader_format(r), SPIRAL_FORMAT_JSONL);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 1);
    ck_assert_str_eq(rec->id, "MFA-1");
    ck_assert_str_eq(rec->date, "2020-02-03");
    ck_assert_str_eq(rec->actor, "CHN-MFA:Hua Chunying");
    ck_assert_str_eq(rec->lang, "zh");
    ck_assert_str_eq(rec->meta_json, "{\"role\":\"answer\",\"turn\":3}");
    ck_assert_uint_eq(rec->text_len, strlen("中方坚决反对。"));
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 1);
    ck_assert(strstr(rec->id, ".jsonl:2") != NULL); /* FILE:LINE */
    ck_assert_str_eq(rec->source, "https://example.org/a");
    ck_assert_ptr_null(rec->meta_json);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 1);
    ck_assert_str_eq(rec->id, "42");
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 0);
    spiral_reader_free(r);
}
END_TEST

START_TEST(bom_crlf_and_blank_lines)
{
    const char *in = "\xEF\xBB\xBF{\"text\":\"first\"}\r\n\r\n   \n{\"text\":\"second\"}\r\n";
    spiral_reader *r = open_str(in, strlen(in), ".jsonl", SPIRAL_FORMAT_AUTO);
    const spiral_record *rec;
    spiral_error err;

    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 1);
    ck_assert_str_eq(rec->text, "first");
    ck_assert_uint_eq(rec->line, 1);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 1);
    ck_assert_str_eq(rec->text, "second");
    ck_assert_uint_eq(rec->line, 4);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 0);
    ck_assert_uint_eq(spiral_reader_blank_lines(r), 2);
    spiral_reader_free(r);
}
END_TEST

START_TEST(truncated_and_wrong_types_name_their_line)
{
    const char *in =
        "{\"text\":\"good one\"}\n"
        "{\"text\":\"cut off here\n"
        "{\"text\":[\"not\",\"a\",\"string\"]}\n"
        "{\"text\":\"ok\",\"date\":20200203}\n"
        "[1,2,3]\n"
        "{\"id\":\"no text\"}\n"
        "{\"text\":\"last good\"}\n";
    spiral_reader *r = open_str(in, strlen(in), ".jsonl", SPIRAL_FORMAT_AUTO);
    const spiral_record *rec;
    spiral_error err;

    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 1);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_EPARSE);
    ck_assert_uint_eq(err.line, 2);
    ck_assert(strstr(err.message, "invalid JSON") != NULL);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_EINVAL);
    ck_assert_uint_eq(err.line, 3);
    ck_assert(strstr(err.message, "\"text\" must be a string") != NULL);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_EINVAL);
    ck_assert_uint_eq(err.line, 4);
    ck_assert(strstr(err.message, "\"date\" must be a string, not a number") != NULL);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_EINVAL);
    ck_assert(strstr(err.message, "JSON object") != NULL);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_EINVAL);
    ck_assert_uint_eq(err.line, 6);
    ck_assert(strstr(err.message, "no \"text\"") != NULL);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 1);
    ck_assert_str_eq(rec->text, "last good");
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 0);
    spiral_reader_free(r);
}
END_TEST

START_TEST(invalid_utf8_rejected_or_replaced)
{
    const char *in = "good line\nbad \xC3\x28 line\n";
    spiral_read_opts o = SPIRAL_READ_OPTS_INIT;
    spiral_reader *r = open_str(in, strlen(in), ".txt", SPIRAL_FORMAT_LINES);
    const spiral_record *rec;
    spiral_error err;

    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 1);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_EENCODING);
    ck_assert_uint_eq(err.line, 2);
    ck_assert_uint_eq(err.offset, 4);
    spiral_reader_free(r);

    o.format = SPIRAL_FORMAT_LINES;
    o.invalid_utf8 = SPIRAL_UTF8_REPLACE;
    ck_assert_int_eq(spiral_reader_open(&r, test_tmpfile(in, strlen(in), ".txt", 1), &o, &err), 0);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 1);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 1);
    ck_assert_str_eq(rec->text, "bad \xEF\xBF\xBD( line");
    ck_assert_uint_eq(rec->replaced, 1);
    spiral_reader_free(r);

    /* In JSON Lines too, the byte is named with its column. */
    in = "{\"text\":\"caf\xE9\"}\n";
    r = open_str(in, strlen(in), ".jsonl", SPIRAL_FORMAT_AUTO);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_EENCODING);
    ck_assert_uint_eq(err.line, 1);
    ck_assert_uint_eq(err.column, 13);
    spiral_reader_free(r);
}
END_TEST

/* A JSON Lines record's UTF-8 is left to jansson unless parsing fails: its
 * escapes must come out as valid UTF-8, a lone surrogate must be refused,
 * a repaired line must keep its count, and a bad byte must be named before
 * a syntax error. */
START_TEST(jsonl_escaped_text_is_valid_utf8)
{
    const char *in =
        "{\"text\":\"smile \\ud83d\\ude00 \\u4e2d\\u00e9 nul\\u0000.\"}\n"
        "{\"text\":\"lone \\ud800 surrogate\"}\n"
        "{\"text\":\"caf\xE9 \\u00e9\"}\n"
        "{\"text\":\"caf\xE9\", oops\n";
    spiral_read_opts o = SPIRAL_READ_OPTS_INIT;
    const char want[] = "smile \xF0\x9F\x98\x80 \xE4\xB8\xAD\xC3\xA9 nul\0.";
    spiral_reader *r;
    const spiral_record *rec;
    spiral_error err;

    o.invalid_utf8 = SPIRAL_UTF8_REPLACE;
    ck_assert_int_eq(spiral_reader_open(&r, test_tmpfile(in, strlen(in), ".jsonl", 0), &o, &err),
                     0);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 1);
    ck_assert_uint_eq(rec->text_len, sizeof want - 1);
    ck_assert_int_eq(memcmp(rec->text, want, sizeof want - 1), 0);
    ck_assert_uint_eq(spiral_utf8_check(rec->text, rec->text_len), rec->text_len);
    ck_assert_uint_eq(rec->replaced, 0);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_EPARSE);
    ck_assert_uint_eq(err.line, 2);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 1);
    ck_assert_str_eq(rec->text, "caf\xEF\xBF\xBD \xC3\xA9");
    ck_assert_uint_eq(rec->replaced, 1);
    /* repaired, then still not JSON */
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_EPARSE);
    ck_assert_uint_eq(err.line, 4);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 0);
    spiral_reader_free(r);

    /* Rejecting, invalid UTF-8 is named before a syntax error after it. */
    r = open_str(in, strlen(in), ".jsonl", SPIRAL_FORMAT_AUTO);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 1);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_EPARSE);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_EENCODING);
    ck_assert_uint_eq(err.line, 3);
    ck_assert_uint_eq(err.column, 13);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_EENCODING);
    ck_assert_uint_eq(err.line, 4);
    ck_assert_uint_eq(err.column, 13);
    ck_assert_uint_eq(err.offset, 12);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 0);
    spiral_reader_free(r);
}
END_TEST

START_TEST(empty_binary_and_missing_files)
{
    spiral_reader *r;
    const spiral_record *rec;
    spiral_error err;
    const char bin[] = "\x7F" "ELF\x02\x01\x01\x00\x00\x00\x00binary";

    r = open_str("", 0, ".txt", SPIRAL_FORMAT_DOC);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_EINVAL);
    ck_assert_str_eq(err.message, "empty file");
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 0);
    spiral_reader_free(r);

    r = open_str("", 0, ".jsonl", SPIRAL_FORMAT_AUTO);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 0);
    spiral_reader_free(r);

    r = open_str(bin, sizeof bin - 1, ".jsonl", SPIRAL_FORMAT_AUTO);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_EINVAL);
    ck_assert(strstr(err.message, "binary file") != NULL);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 0);
    spiral_reader_free(r);

    ck_assert_int_eq(spiral_reader_open(&r, "/nonexistent/statements.jsonl", NULL, &err), SPIRAL_EIO);
    ck_assert_ptr_null(r);
    ck_assert_str_eq(err.file, "/nonexistent/statements.jsonl");
    ck_assert(strstr(err.message, "No such file") != NULL);
}
END_TEST

START_TEST(ten_megabyte_line_and_limit)
{
    size_t n = 10u << 20, i;
    char *big = malloc(n + 32);
    spiral_read_opts o = SPIRAL_READ_OPTS_INIT;
    spiral_reader *r;
    const spiral_record *rec;
    spiral_error err;

    ck_assert_ptr_nonnull(big);
    for (i = 0; i < n; i++)
        big[i] = "sanctions "[i % 10];
    memcpy(big + n, "\nshort\n", 7);
    r = open_str(big, n + 7, ".txt", SPIRAL_FORMAT_LINES);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 1);
    ck_assert_uint_eq(rec->text_len, n);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 1);
    ck_assert_str_eq(rec->text, "short");
    spiral_reader_free(r);

    /* Over the limit: reported and skipped, the next line still read. */
    o.format = SPIRAL_FORMAT_LINES;
    o.max_record_bytes = 1u << 20;
    ck_assert_int_eq(spiral_reader_open(&r, test_tmpfile(big, n + 7, ".txt", 1), &o, &err), 0);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_ELIMIT);
    ck_assert_uint_eq(err.line, 1);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 1);
    ck_assert_str_eq(rec->text, "short");
    ck_assert_uint_eq(rec->line, 2);
    spiral_reader_free(r);
    free(big);
}
END_TEST

START_TEST(format_detection)
{
    const char *para = "Title\n\nFirst paragraph.\nSecond line.\n";
    const char *lines = "one statement\nanother statement\n";
    spiral_reader *r;
    const spiral_record *rec;
    spiral_error err;

    r = open_str(para, strlen(para), ".txt", SPIRAL_FORMAT_AUTO);
    ck_assert_int_eq(spiral_reader_format(r), SPIRAL_FORMAT_DOC);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 1);
    ck_assert_str_eq(rec->text, para);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 0);
    spiral_reader_free(r);

    r = open_str(lines, strlen(lines), ".txt", SPIRAL_FORMAT_AUTO);
    ck_assert_int_eq(spiral_reader_format(r), SPIRAL_FORMAT_LINES);
    spiral_reader_free(r);

    r = open_str("  {\"text\":\"x\"}\n", 16, "", SPIRAL_FORMAT_AUTO);
    ck_assert_int_eq(spiral_reader_format(r), SPIRAL_FORMAT_JSONL);
    spiral_reader_free(r);
}
END_TEST

/* Deferred JSON Lines (what `-j N` uses): the reader gives each line
 * unparsed, and a parser turns it into the very record or error the reader
 * would have given: fields, meta, default ids, repaired UTF-8, and error
 * messages with line and column. */
START_TEST(deferred_jsonl_parses_as_the_reader_does)
{
    static const char data[] =
        "{\"id\": \"a\", \"text\": \"China opposes the sanctions.\", \"date\": \"2020-03-01\", "
        "\"extra\": [1, 2]}\n"
        "\n"
        "{\"text\": \"no id: \\u4e2d\\u65b9\"}\n"
        "{\"id\": \"b\", \"text\": \"broken\n"
        "[1, 2]\n"
        "{\"id\": 7, \"text\": \"bad \xff byte\"}\n"
        "{\"id\": \"c\", \"lang\": 3, \"text\": \"x\"}\n";
    int pass;

    for (pass = 0; pass < 2; pass++) {
        spiral_read_opts o = SPIRAL_READ_OPTS_INIT, d = SPIRAL_READ_OPTS_INIT;
        const char *path;
        spiral_reader *plain, *deferred;
        spiral_parser *p;
        spiral_error e1, e2;
        int n1, n2, records = 0, errors = 0;

        o.invalid_utf8 = d.invalid_utf8 = pass ? SPIRAL_UTF8_REPLACE : SPIRAL_UTF8_REJECT;
        d.defer_jsonl = 1;
        path = test_tmpfile(data, sizeof data - 1, ".jsonl", 0);
        ck_assert_int_eq(spiral_reader_open(&plain, path, &o, &e1), SPIRAL_OK);
        ck_assert_int_eq(spiral_reader_open(&deferred, path, &d, &e2), SPIRAL_OK);
        ck_assert_int_eq(spiral_parser_new(&p, &d, &e2), SPIRAL_OK);
        for (;;) {
            const spiral_record *a, *raw, *b;

            n1 = spiral_reader_next(plain, &a, &e1);
            n2 = spiral_reader_next(deferred, &raw, &e2);
            if (n1 == 0) {
                ck_assert_int_eq(n2, 0);
                break;
            }
            ck_assert_int_eq(n2, 1); /* splitting lines never fails here */
            ck_assert(raw->deferred);
            ck_assert_ptr_null(raw->id);
            n2 = spiral_parser_parse(p, raw, &b, &e2);
            ck_assert_int_eq(n2, n1);
            if (n1 < 0) {
                errors++;
                ck_assert_str_eq(e2.message, e1.message);
                ck_assert_str_eq(e2.file, e1.file);
                ck_assert_uint_eq(e2.line, e1.line);
                ck_assert_uint_eq(e2.column, e1.column);
                continue;
            }
            records++;
            ck_assert_str_eq(b->id, a->id);
            ck_assert_uint_eq(b->text_len, a->text_len);
            ck_assert(memcmp(b->text, a->text, a->text_len) == 0);
            ck_assert_uint_eq(b->line, a->line);
            ck_assert_uint_eq(b->replaced, a->replaced);
            ck_assert_str_eq(b->file, a->file);
            ck_assert(!b->deferred);
            if (a->date)
                ck_assert_str_eq(b->date, a->date);
            if (a->meta_json)
                ck_assert_str_eq(b->meta_json, a->meta_json);
            else
                ck_assert_ptr_null(b->meta_json);
        }
        ck_assert_int_eq(records, pass ? 3 : 2);
        ck_assert_int_eq(errors, pass ? 3 : 4);
        ck_assert_uint_eq(spiral_reader_blank_lines(deferred), 1);
        spiral_parser_free(p);
        spiral_reader_free(plain);
        spiral_reader_free(deferred);
    }
}
END_TEST

/* xorshift64: the generator of the differential test below. */
static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* What jansson makes of one JSON Lines line, field by field, as the reader
 * must: the oracle of the test below.  Returns 1 for a record (the fields
 * filled, strings owned by *root), 0 for a line the reader must reject. */
typedef struct oracle_rec {
    const char *field[8]; /* id date actor target lang title source text */
    size_t text_len;
    char id[32];
    char *meta;           /* json_dumps() of the unknown members, or NULL */
} oracle_rec;

static int oracle(const char *line, size_t len, json_t **root, oracle_rec *o)
{
    static const char *const names[] = {
        "id", "date", "actor", "target", "lang", "title", "source", "text"
    };
    json_t *j = json_loadb(line, len, JSON_ALLOW_NUL, NULL), *meta = NULL, *v;
    const char *key;
    int i;

    memset(o, 0, sizeof *o);
    *root = j;
    if (j == NULL || !json_is_object(j) || !json_is_string(json_object_get(j, "text")))
        return 0;
    for (i = 0; i < 8; i++) {
        v = json_object_get(j, names[i]);
        if (v == NULL || json_is_null(v))
            continue;
        if (json_is_string(v))
            o->field[i] = json_string_value(v);
        else if (i == 0 && json_is_integer(v))
            o->field[i] = (snprintf(o->id, sizeof o->id, "%" JSON_INTEGER_FORMAT,
                                    json_integer_value(v)), o->id);
        else
            return 0;
    }
    o->text_len = json_string_length(json_object_get(j, "text"));
    json_object_foreach(j, key, v) {
        for (i = 0; i < 8 && strcmp(key, names[i]) != 0; i++)
            ;
        if (i < 8)
            continue;
        if (meta == NULL)
            meta = json_object();
        json_object_set(meta, key, v);
    }
    if (meta) {
        o->meta = json_dumps(meta, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(meta);
    }
    return 1;
}

/* Parse line through a spiral_parser and check the record (or the
 * rejection) against the oracle. */
static void check_like_jansson(spiral_parser *p, const char *line, size_t len)
{
    spiral_record raw;
    const spiral_record *rec;
    spiral_error err;
    oracle_rec o;
    json_t *root;
    int want = oracle(line, len, &root, &o), got;

    memset(&raw, 0, sizeof raw);
    raw.deferred = 1;
    raw.file = "gen.jsonl";
    raw.line = 7;
    raw.text = line;
    raw.text_len = len;
    got = spiral_parser_parse(p, &raw, &rec, &err);
    if (want != (got == 1))
        ck_abort_msg("reader %s what jansson %s: %.*s", got == 1 ? "accepts" : "rejects",
                     want ? "accepts" : "rejects", (int)(len < 200 ? len : 200), line);
    if (want) {
        ck_assert_str_eq(rec->id, o.field[0] ? o.field[0] : "gen.jsonl:7");
#define SAME(f, k) \
        if (o.field[k]) ck_assert_str_eq(rec->f, o.field[k]); else ck_assert_ptr_null(rec->f)
        SAME(date, 1);
        SAME(actor, 2);
        SAME(target, 3);
        SAME(lang, 4);
        SAME(title, 5);
        SAME(source, 6);
#undef SAME
        ck_assert_uint_eq(rec->text_len, o.text_len);
        ck_assert(memcmp(rec->text, o.field[7], o.text_len) == 0);
        if (o.meta)
            ck_assert_str_eq(rec->meta_json, o.meta);
        else
            ck_assert_ptr_null(rec->meta_json);
    }
    free(o.meta);
    json_decref(root);
}

/* A random JSON string literal, often valid, with the characters and
 * escapes that tell readers apart. */
static void gen_string(spiral_buf *b, uint64_t *rng)
{
    static const char *const pieces[] = {
        "a", "Beijing ", "中方", "坚决反对", "é", "\xF0\x9F\x98\x80", "\\\"", "\\\\", "\\/",
        "\\n", "\\t", "\\r", "\\b", "\\f", "\\u4e2d", "\\u00E9", "\\uD83D\\uDE00", "\\u0041",
        "\\u001f", "\\u0000", "\\uDE00", "\\uD83D", "\\uD83Dx", "\\x", "\\u12", "\t", "\x01",
        "\x7f", "\xff", "\xC0\x80", "\xED\xA0\x80", "/", " ", "'", "{", "}", ",", ":", "null"
    };
    int n = (int)(next_rand(rng) % 6), k;

    spiral_buf_putc(b, '"');
    for (k = 0; k < n; k++) {
        uint64_t r = next_rand(rng) % 100;
        /* mostly plain pieces, now and then a tricky one */
        size_t i = r < 70 ? r % 6 : 6 + r % (sizeof pieces / sizeof *pieces - 6);

        spiral_buf_puts(b, pieces[i]);
    }
    spiral_buf_putc(b, '"');
}

static void gen_value(spiral_buf *b, uint64_t *rng)
{
    static const char *const others[] = {
        "null", "nul", "nullx", "true", "false", "42", "-7", "3.5", "1e400", "01",
        "99999999999999999999", "[]", "[1,\"a\"]", "{}", "{\"x\":\"y\"}", ""
    };
    uint64_t r = next_rand(rng) % 10;

    if (r < 7)
        gen_string(b, rng);
    else
        spiral_buf_puts(b, others[next_rand(rng) % (sizeof others / sizeof *others)]);
}

static void gen_line(spiral_buf *b, uint64_t *rng)
{
    static const char *const keys[] = {
        "\"text\"", "\"id\"", "\"date\"", "\"actor\"", "\"lang\"", "\"title\"", "\"source\"",
        "\"target\"", "\"url\"", "\"turn\"", "\"te\\u0078t\"", "\"\"", "\"中文\"", "\"text\""
    };
    static const char *const ws[] = { "", "", "", " ", "\t", "\r", "  \n", "\x0b" };
    int n = 1 + (int)(next_rand(rng) % 5), k;

    spiral_buf_reset(b);
    spiral_buf_puts(b, ws[next_rand(rng) % 8]);
    spiral_buf_putc(b, '{');
    spiral_buf_puts(b, "\"text\":");
    gen_string(b, rng);
    for (k = 1; k < n; k++) {
        spiral_buf_puts(b, ws[next_rand(rng) % 8]);
        spiral_buf_putc(b, ',');
        spiral_buf_puts(b, keys[next_rand(rng) % (sizeof keys / sizeof *keys)]);
        spiral_buf_puts(b, ws[next_rand(rng) % 8]);
        spiral_buf_putc(b, ':');
        gen_value(b, rng);
    }
    spiral_buf_putc(b, '}');
    spiral_buf_puts(b, next_rand(rng) % 20 ? ws[next_rand(rng) % 8] : " x");
}

START_TEST(jsonl_records_are_what_jansson_reads)
{
    static const char *const fixed[] = {
        "{\"text\":\"plain\"}",
        "  {  \"id\" : \"a\" , \"text\" : \"t\" }  ",
        "{\"text\":\"tab\\there, quote \\\" and \\\\ and \\/ and \\u4e2d\\u65b9 \\uD83D\\uDE00\"}",
        "{\"text\":\"nul \\u0000 inside\"}",
        "{\"text\":\"lone \\uDE00\"}",
        "{\"text\":\"raw\ttab\"}",
        "{\"text\":\"a\",\"text\":\"b\"}",
        "{\"te\\u0078t\":\"escaped name\"}",
        "{\"text\":\"x\",\"id\":null,\"date\":null,\"url\":null,\"tag\":\"a\\nb\\u0001\\u007f\"}",
        "{\"text\":\"x\",\"id\":12345678901}",
        "{\"text\":\"x\"} trailing",
        "{\"text\":\"x\",}",
        "{\"text\":null}",
        "{\"text\":\"x\",\"lang\":nullx}",
        "{\"text\":\"\xE4\xB8\xAD\xE6\x96\x87 and \xF0\x9F\x98\x80\"}",
        "{\"text\":\"bad \xE4\xB8 cut\"}",
        "{\"text\":\"surrogate \xED\xA0\x80 bytes\"}",
        /* runs of three-byte characters, then what ends them */
        "{\"text\":\"中方坚决\xED\xA0\x80反对\"}",
        "{\"text\":\"中方坚决\xE0\x80\x80\"}",
        "{\"text\":\"中方坚决\xE0\xA4\x85\xED\x9F\xBF反对，制裁。\"}",
        "{\"text\":\"中方坚决\xE4\"}",
        "{\"text\":\"中方坚决\xE4\xB8",
        "{\"text\":\"中方坚决\xEF\xBC\"}",
        "{}",
        "[\"text\"]",
        "\"text\"",
        "{\"text\":\"x\",\"a1\":\"1\",\"a2\":\"2\",\"a3\":\"3\",\"a4\":\"4\",\"a5\":\"5\",\"a6\":\"6\","
        "\"a7\":\"7\",\"a8\":\"8\",\"a9\":\"9\",\"b1\":\"1\",\"b2\":\"2\",\"b3\":\"3\",\"b4\":\"4\","
        "\"b5\":\"5\",\"b6\":\"6\",\"b7\":\"7\",\"b8\":\"8\",\"b9\":\"9\",\"c1\":\"1\",\"c2\":\"2\","
        "\"c3\":\"3\",\"c4\":\"4\",\"c5\":\"5\",\"c6\":\"6\",\"c7\":\"7\",\"c8\":\"8\",\"c9\":\"9\","
        "\"d1\":\"1\",\"d2\":\"2\",\"d3\":\"3\",\"d4\":\"4\",\"d5\":\"5\"}",
    };
    spiral_read_opts o = SPIRAL_READ_OPTS_INIT;
    spiral_parser *p;
    spiral_error err;
    spiral_buf b = SPIRAL_BUF_INIT, m = SPIRAL_BUF_INIT;
    uint64_t rng = 0x5EED;
    size_t i;
    int n;

    ck_assert_int_eq(spiral_parser_new(&p, &o, &err), SPIRAL_OK);
    for (i = 0; i < sizeof fixed / sizeof *fixed; i++)
        check_like_jansson(p, fixed[i], strlen(fixed[i]));
    for (n = 0; n < 20000; n++) {
        gen_line(&b, &rng);
        check_like_jansson(p, b.data, b.len);
        /* The same line with one byte changed, dropped or cut off. */
        spiral_buf_reset(&m);
        spiral_buf_append(&m, b.data, b.len);
        i = (size_t)(next_rand(&rng) % m.len);
        switch (next_rand(&rng) % 3) {
        case 0: m.data[i] = (char)(next_rand(&rng) % 256); break;
        case 1: memmove(m.data + i, m.data + i + 1, m.len - i - 1); m.len--; break;
        default: m.len = i; break;
        }
        check_like_jansson(p, m.data, m.len);
    }
    spiral_buf_free(&b);
    spiral_buf_free(&m);
    spiral_parser_free(p);
}
END_TEST

START_TEST(parser_refuses_a_parsed_record)
{
    spiral_parser *p;
    spiral_record rec;
    const spiral_record *out;
    spiral_error err;

    memset(&rec, 0, sizeof rec);
    rec.text = "{\"text\": \"x\"}";
    rec.text_len = strlen(rec.text);
    ck_assert_int_eq(spiral_parser_new(&p, NULL, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_parser_parse(p, &rec, &out, &err), SPIRAL_EINVAL);
    ck_assert_ptr_null(out);
    rec.deferred = 1;
    rec.file = "given.jsonl";
    rec.line = 12;
    ck_assert_int_eq(spiral_parser_parse(p, &rec, &out, &err), 1);
    ck_assert_str_eq(out->id, "given.jsonl:12");
    spiral_parser_free(p);
    spiral_parser_free(NULL);
}
END_TEST

Suite *ingest_suite(void)
{
    Suite *s = suite_create("ingest");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, jsonl_fields_meta_and_default_id);
    tcase_add_test(tc, bom_crlf_and_blank_lines);
    tcase_add_test(tc, truncated_and_wrong_types_name_their_line);
    tcase_add_test(tc, invalid_utf8_rejected_or_replaced);
    tcase_add_test(tc, jsonl_escaped_text_is_valid_utf8);
    tcase_add_test(tc, empty_binary_and_missing_files);
    tcase_add_test(tc, ten_megabyte_line_and_limit);
    tcase_add_test(tc, format_detection);
    tcase_add_test(tc, deferred_jsonl_parses_as_the_reader_does);
    tcase_add_test(tc, jsonl_records_are_what_jansson_reads);
    tcase_add_test(tc, parser_refuses_a_parsed_record);
    suite_add_tcase(s, tc);
    return s;
}
