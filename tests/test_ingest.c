/*
 * test_ingest.c - reading statements: JSON Lines, lines, documents, and
 * every kind of bad input the foundation issue lists.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

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
    tcase_add_test(tc, parser_refuses_a_parsed_record);
    suite_add_tcase(s, tc);
    return s;
}
