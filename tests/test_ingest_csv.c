/*
 * test_ingest_csv.c - CSV and TSV with a header: the text, id, date and
 * actor columns, quoted fields with commas, doubled quotes and line
 * breaks, the line where each row starts, other columns under meta, and
 * every bad row reported with its line while the run goes on.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "suites.h"

static const char *tmp_csv(const char *s, const char *suffix)
{
    return test_tmpfile(s, strlen(s), suffix, 0);
}

START_TEST(quoted_fields_multiline_and_row_lines)
{
    spiral_reader *r = test_reader_open("tests/data/csv/statements.csv", NULL);
    const spiral_record *rec;
    spiral_error err;

    ck_assert_int_eq(spiral_reader_format(r), SPIRAL_FORMAT_CSV);
    rec = test_record(r);
    ck_assert_str_eq(rec->id, "MFA-2022-001");
    ck_assert_str_eq(rec->date, "2022-08-01");
    ck_assert_str_eq(rec->actor, "CHN-MFA");
    ck_assert_str_eq(rec->text, "中方坚决反对有关国家的挑衅行为，已提出严正交涉。");
    ck_assert_str_eq(rec->meta_json, "{\"speaker_role\":\"spokesperson\"}");
    ck_assert_uint_eq(rec->line, 2);
    rec = test_record(r);
    ck_assert_str_eq(rec->text, "We urge all parties to stop actions that raise tensions, and "
                                "we \"will not tolerate\" coercion.");
    ck_assert_uint_eq(rec->line, 3);
    rec = test_record(r);
    ck_assert_str_eq(rec->text, "We remain committed to dialogue.\n\nWe are open to talks at "
                                "every level.");
    ck_assert_str_eq(rec->meta_json, "{\"speaker_role\":\"secretary\"}");
    ck_assert_uint_eq(rec->line, 4);
    /* an empty text is an error naming the row's line; the next row follows */
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_EINVAL);
    ck_assert_uint_eq(err.line, 7);
    ck_assert_str_eq(err.message, "empty text in column \"text\"");
    rec = test_record(r);
    ck_assert_str_eq(rec->id, "MFA-2022-003");
    ck_assert_uint_eq(rec->line, 8);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 0);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 0);
    spiral_reader_free(r);
}
END_TEST

START_TEST(tsv_with_named_columns)
{
    spiral_read_opts o = SPIRAL_READ_OPTS_INIT;
    spiral_reader *r;
    const spiral_record *rec;

    o.text_column = "statement";
    o.id_column = "ref";
    o.date_column = "when";
    o.actor_column = "WHO"; /* matched without regard to case */
    r = test_reader_open("tests/data/csv/statements.tsv", &o);
    rec = test_record(r);
    ck_assert_str_eq(rec->id, "A1");
    ck_assert_str_eq(rec->date, "2022-07-26");
    ck_assert_str_eq(rec->actor, "USA");
    ck_assert_str_eq(rec->text, "We urge restraint.");
    ck_assert_ptr_null(rec->meta_json);
    rec = test_record(r);
    ck_assert_str_eq(rec->text, "中方愿通过对话协商解决分歧。");
    rec = test_record(r);
    ck_assert_ptr_null(rec->actor); /* empty field: absent */
    ck_assert_str_eq(rec->text, "Talks \"in good faith\" continue.");
    ck_assert_uint_eq(rec->line, 4);
    spiral_reader_free(r);
}
END_TEST

START_TEST(missing_columns_are_named)
{
    spiral_read_opts o = SPIRAL_READ_OPTS_INIT;
    spiral_reader *r;
    const spiral_record *rec;
    spiral_error err;

    r = test_reader_open("tests/data/csv/statements.tsv", NULL);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_EINVAL);
    ck_assert_uint_eq(err.line, 1);
    ck_assert_str_eq(err.message, "no column \"text\" in the header (columns: ref, when, who, "
                                  "statement); use --text-column");
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 0);
    spiral_reader_free(r);
    o.id_column = "nope";
    r = test_reader_open("tests/data/csv/statements.csv", &o);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_EINVAL);
    ck_assert(strstr(err.message, "use --id-column") != NULL);
    spiral_reader_free(r);
}
END_TEST

START_TEST(bad_rows_name_their_line_and_the_run_goes_on)
{
    const char *in = "text,id\n"
                     "\"good one\",1\n"
                     "bad\"quote,2\n"
                     "\"after the bad row\",3\n"
                     "\n"
                     "\"short row\"\n"
                     "only,4,extra-field-without-header\n"
                     ",5\n";
    spiral_reader *r = test_reader_open(tmp_csv(in, ".csv"), NULL);
    const spiral_record *rec;
    spiral_error err;

    ck_assert_str_eq(test_record(r)->id, "1");
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_EPARSE);
    ck_assert_uint_eq(err.line, 3);
    ck_assert(strstr(err.message, "malformed CSV row") != NULL);
    rec = test_record(r);
    ck_assert_str_eq(rec->text, "after the bad row");
    ck_assert_uint_eq(rec->line, 4);
    rec = test_record(r);
    ck_assert_str_eq(rec->text, "short row");
    ck_assert_uint_eq(rec->line, 6);
    ck_assert(strstr(rec->id, ":6") != NULL);
    rec = test_record(r);
    ck_assert_str_eq(rec->id, "4");
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_EINVAL);
    ck_assert_uint_eq(err.line, 8);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 0);
    spiral_reader_free(r);
}
END_TEST

START_TEST(unterminated_quote_stops_within_bounds)
{
    size_t n = 0, i;
    char *in = malloc(300000);
    spiral_read_opts o = SPIRAL_READ_OPTS_INIT;
    spiral_reader *r;
    const spiral_record *rec;
    spiral_error err;

    ck_assert_ptr_nonnull(in);
    n += (size_t)sprintf(in, "text\n\"fine\"\n\"never closed\n");
    for (i = 0; i < 5000; i++)
        n += (size_t)sprintf(in + n, "more text, line %zu\n", i);
    o.max_record_bytes = 10000;
    r = test_reader_open(test_tmpfile(in, n, ".csv", 0), &o);
    ck_assert_str_eq(test_record(r)->text, "fine");
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_ELIMIT);
    ck_assert_uint_eq(err.line, 3);
    ck_assert(strstr(err.message, "unclosed quote") != NULL);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 0);
    spiral_reader_free(r);

    /* at the end of the file, a quote still open is an error of its row */
    r = test_reader_open(tmp_csv("text\n\"open\nto the end\n", ".csv"), NULL);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_EPARSE);
    ck_assert_uint_eq(err.line, 2);
    ck_assert(strstr(err.message, "unterminated") != NULL);
    spiral_reader_free(r);
    free(in);
}
END_TEST

START_TEST(invalid_utf8_follows_the_policy)
{
    const char *in = "text,actor\n\"caf\xE9 talks\",X\nok,\"bad\xFF\"\n";
    spiral_read_opts o = SPIRAL_READ_OPTS_INIT;
    spiral_reader *r;
    const spiral_record *rec;
    spiral_error err;

    r = test_reader_open(tmp_csv(in, ".csv"), NULL);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_EENCODING);
    ck_assert_uint_eq(err.line, 2);
    ck_assert(strstr(err.message, "column \"text\"") != NULL);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_EENCODING);
    ck_assert(strstr(err.message, "column \"actor\"") != NULL);
    spiral_reader_free(r);
    o.invalid_utf8 = SPIRAL_UTF8_REPLACE;
    r = test_reader_open(tmp_csv(in, ".csv"), &o);
    rec = test_record(r);
    ck_assert_str_eq(rec->text, "caf\xEF\xBF\xBD talks");
    ck_assert_uint_eq(rec->replaced, 1);
    rec = test_record(r);
    ck_assert_str_eq(rec->actor, "bad\xEF\xBF\xBD");
    spiral_reader_free(r);
}
END_TEST

START_TEST(bom_crlf_header_only_and_limits)
{
    spiral_read_opts o = SPIRAL_READ_OPTS_INIT;
    spiral_reader *r;
    const spiral_record *rec;
    spiral_error err;

    r = test_reader_open(tmp_csv("\xEF\xBB\xBFtext,lang\r\n\"a\r\nb\",en\r\nlast,zh", ".csv"), NULL);
    rec = test_record(r);
    ck_assert_str_eq(rec->text, "a\r\nb");
    ck_assert_str_eq(rec->lang, "en");
    rec = test_record(r);
    ck_assert_str_eq(rec->text, "last"); /* no newline at the end */
    ck_assert_uint_eq(rec->line, 4);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 0);
    spiral_reader_free(r);

    r = test_reader_open(tmp_csv("text,id\n", ".csv"), NULL);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 0);
    spiral_reader_free(r);
    r = test_reader_open(tmp_csv("", ".csv"), NULL);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_EINVAL);
    spiral_reader_free(r);

    o.max_doc_bytes = 100;
    r = test_reader_open("tests/data/csv/statements.csv", &o);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_ELIMIT);
    ck_assert(strstr(err.message, "--max-doc-bytes") != NULL);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 0);
    spiral_reader_free(r);

    o.max_doc_bytes = 0;
    o.max_record_bytes = 40;
    r = test_reader_open("tests/data/csv/statements.csv", &o);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_ELIMIT); /* row 2 */
    ck_assert_uint_eq(err.line, 2);
    spiral_reader_free(r);
}
END_TEST

START_TEST(csv_format_forced_on_another_extension)
{
    spiral_read_opts o = SPIRAL_READ_OPTS_INIT;
    spiral_reader *r;
    const spiral_record *rec;

    o.format = SPIRAL_FORMAT_CSV;
    o.csv_delimiter = ';';
    r = test_reader_open(tmp_csv("id;text\n7;\"a; b\"\n", ".txt"), &o);
    rec = test_record(r);
    ck_assert_str_eq(rec->id, "7");
    ck_assert_str_eq(rec->text, "a; b");
    spiral_reader_free(r);
}
END_TEST

/* Fuzzing found it: a header or a row of white space only (in TSV, a
 * line of tabs) never "opened", so its error named line 0.  Every error
 * names its line. */
START_TEST(white_space_rows_are_named_by_their_line)
{
    spiral_read_opts o = SPIRAL_READ_OPTS_INIT;
    spiral_reader *r;
    const spiral_record *rec;
    spiral_error err;

    o.format = SPIRAL_FORMAT_CSV;
    o.csv_delimiter = '\t';
    r = test_reader_open(tmp_csv(" \t \t \t\t", ".txt"), &o);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_EINVAL);
    ck_assert_uint_eq(err.line, 1);
    ck_assert_ptr_nonnull(strstr(err.message, "no column \"text\""));
    spiral_reader_free(r);

    r = test_reader_open(tmp_csv("text\tid\nWe warn.\t1\n \t \nok\t3\n", ".tsv"), NULL);
    ck_assert_str_eq(test_record(r)->text, "We warn.");
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_EINVAL);
    ck_assert_uint_eq(err.line, 3);
    rec = test_record(r);
    ck_assert_str_eq(rec->text, "ok");
    ck_assert_uint_eq(rec->line, 4);
    spiral_reader_free(r);
}
END_TEST

Suite *ingest_csv_suite(void)
{
    Suite *s = suite_create("ingest_csv");
    TCase *tc = tcase_create("csv");

    tcase_add_test(tc, quoted_fields_multiline_and_row_lines);
    tcase_add_test(tc, tsv_with_named_columns);
    tcase_add_test(tc, missing_columns_are_named);
    tcase_add_test(tc, bad_rows_name_their_line_and_the_run_goes_on);
    tcase_add_test(tc, unterminated_quote_stops_within_bounds);
    tcase_add_test(tc, invalid_utf8_follows_the_policy);
    tcase_add_test(tc, bom_crlf_header_only_and_limits);
    tcase_add_test(tc, csv_format_forced_on_another_extension);
    tcase_add_test(tc, white_space_rows_are_named_by_their_line);
    suite_add_tcase(s, tc);
    return s;
}
