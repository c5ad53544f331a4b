/*
 * test_lexicon.c - reading lexicon files: every error with its line and
 * column, overrides, check mode and the entry listing.
 */
#include <check.h>
#include <string.h>

#include "suites.h"
#include "testutil.h"

#define BAD "tests/data/badlex/"

static void expect_error(const char *file, int code, unsigned long line, unsigned long col,
                         const char *needle)
{
    spiral_lexicon *lex;
    spiral_error err;

    ck_assert_int_eq(spiral_lexicon_new(&lex, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_add_file(lex, file, &err), code);
    ck_assert_str_eq(err.file, file);
    ck_assert_uint_eq(err.line, line);
    ck_assert_uint_eq(err.column, col);
    ck_assert_msg(strstr(err.message, needle) != NULL, "%s", err.message);
    spiral_lexicon_free(lex);
}

START_TEST(errors_name_line_and_column)
{
    expect_error(BAD "bad_weight.tsv", SPIRAL_EPARSE, 4, 21, "bad weight 'heavy'");
    expect_error(BAD "bad_category.tsv", SPIRAL_EPARSE, 2, 11, "unknown category 'threat.sanctions'");
    expect_error(BAD "bad_regex.tsv", SPIRAL_EPARSE, 1, 13, "missing closing parenthesis");
    expect_error(BAD "bad_flag.tsv", SPIRAL_EPARSE, 1, 21, "bad flag");
    expect_error(BAD "few_fields.tsv", SPIRAL_EPARSE, 1, 22, "expected pattern<TAB>category");
    expect_error(BAD "bad_utf8.tsv", SPIRAL_EENCODING, 1, 4, "invalid UTF-8");
    expect_error(BAD "missing.tsv", SPIRAL_EIO, 0, 0, "cannot open");
}
END_TEST

static void count(const spiral_error *err, void *payload)
{
    (void)err;
    (*(int *)payload)++;
}

START_TEST(check_reports_every_problem_and_conflicts)
{
    int n = 0;

    ck_assert_int_eq(spiral_lexicon_check(BAD "duplicate.tsv", count, &n), 1);
    ck_assert_int_eq(n, 1);
    n = 0;
    ck_assert_int_eq(spiral_lexicon_check("tests/data/lex", count, &n), 0);
    ck_assert_int_eq(n, 0);
}
END_TEST

START_TEST(later_entry_overrides_and_listing)
{
    spiral_lexicon *lex;
    spiral_error err;
    spiral_entry_info info;
    size_t i, found = 0;

    ck_assert_int_eq(spiral_lexicon_new(&lex, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_add_dir(lex, "tests/data/lex", &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_add_file(lex, BAD "duplicate.tsv", &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_seal(lex, &err), SPIRAL_OK);
    /* Adding after sealing is refused. */
    ck_assert_int_eq(spiral_lexicon_add_file(lex, BAD "duplicate.tsv", &err), SPIRAL_EINVAL);
    for (i = 0; i < spiral_lexicon_size(lex); i++) {
        ck_assert_int_eq(spiral_lexicon_entry(lex, i, &info), SPIRAL_OK);
        if (strcmp(info.pattern, "hotline") == 0) {
            ck_assert_str_eq(info.category, "reassurance.deescalation");
            ck_assert_str_eq(info.file, "en/reassurance.tsv");
            ck_assert_uint_eq(info.line, 3);
            ck_assert_str_eq(info.lang, "en");
            found++;
        }
        if (strcmp(info.pattern, "对话协商") == 0) {
            ck_assert_str_eq(info.lang, "zh");
            found++;
        }
    }
    ck_assert_uint_eq(found, 2);
    spiral_lexicon_free(lex);
}
END_TEST

/* The matcher walks what sealing lays out: a session refuses a lexicon
 * that is still open for additions, and takes it once sealed. */
START_TEST(session_needs_a_sealed_lexicon)
{
    spiral_lexicon *lex;
    spiral_session *s;
    spiral_error err;

    ck_assert_int_eq(spiral_lexicon_new(&lex, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_add_dir(lex, "tests/data/lex", &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_session_new(&s, NULL, lex, NULL, &err), SPIRAL_EINVAL);
    ck_assert_ptr_null(s);
    ck_assert(strstr(err.message, "sealed") != NULL);
    ck_assert_int_eq(spiral_lexicon_seal(lex, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_session_new(&s, NULL, lex, NULL, &err), SPIRAL_OK);
    spiral_session_free(s);
    spiral_lexicon_free(lex);
}
END_TEST

START_TEST(missing_directory_is_an_error)
{
    spiral_lexicon *lex;
    spiral_error err;

    /* Scoring everything 0 because of a typo in --lexicon would hide it. */
    ck_assert_int_eq(spiral_lexicon_load(&lex, "tests/data/no-such-dir", &err), SPIRAL_EIO);
    ck_assert_ptr_null(lex);
    ck_assert_str_eq(err.file, "tests/data/no-such-dir");
    ck_assert(strstr(err.message, "cannot open") != NULL);
    ck_assert_int_eq(spiral_lexicon_load(&lex, "tests/data/html", &err), SPIRAL_EIO);
    ck_assert(strstr(err.message, "not a lexicon directory") != NULL);
    /* A directory with one language only is fine. */
    ck_assert_int_eq(spiral_lexicon_load(&lex, "tests/data/lex", &err), SPIRAL_OK);
    spiral_lexicon_free(lex);
    spiral_lexicon_free(NULL);
}
END_TEST

Suite *lexicon_suite(void)
{
    Suite *s = suite_create("lexicon");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, errors_name_line_and_column);
    tcase_add_test(tc, check_reports_every_problem_and_conflicts);
    tcase_add_test(tc, later_entry_overrides_and_listing);
    tcase_add_test(tc, missing_directory_is_an_error);
    tcase_add_test(tc, session_needs_a_sealed_lexicon);
    suite_add_tcase(s, tc);
    return s;
}
