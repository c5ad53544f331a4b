/*
 * test_utf8.c - strict decoding and repair.
 */
#include <check.h>
#include <string.h>

#include "buf.h"
#include "utf8.h"
#include "suites.h"

START_TEST(check_finds_first_bad_byte)
{
    const char ok[] = "中方 said: \xE2\x80\x9Cno\xE2\x80\x9D";
    const char bad[] = "abc\xC3(def";
    const char overlong[] = "a\xC0\xAF";
    const char surrogate[] = "ab\xED\xA0\x80";
    const char truncated[] = "\xE4\xB8";

    ck_assert_uint_eq(spiral_utf8_check(ok, strlen(ok)), strlen(ok));
    ck_assert_uint_eq(spiral_utf8_check(bad, strlen(bad)), 3);
    ck_assert_uint_eq(spiral_utf8_check(overlong, strlen(overlong)), 1);
    ck_assert_uint_eq(spiral_utf8_check(surrogate, strlen(surrogate)), 2);
    ck_assert_uint_eq(spiral_utf8_check(truncated, strlen(truncated)), 0);
}
END_TEST

START_TEST(repair_replaces_each_maximal_subpart)
{
    spiral_buf b = SPIRAL_BUF_INIT;
    size_t n = 0;
    /* E4 B8 is a truncated 3-byte sequence: one replacement; FF: one more. */
    const char in[] = "美\xE4\xB8方\xFF!";

    ck_assert_int_eq(spiral_utf8_repair(&b, in, strlen(in), &n), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(b.data, "美\xEF\xBF\xBD方\xEF\xBF\xBD!");
    spiral_buf_free(&b);
}
END_TEST

START_TEST(encode_decode_round_trip)
{
    int32_t cps[] = { 0x41, 0xE9, 0x4E2D, 0x20BB7, 0x10FFFF };
    size_t i;

    for (i = 0; i < sizeof cps / sizeof cps[0]; i++) {
        char buf[4];
        int32_t back;
        int n = spiral_utf8_encode(cps[i], buf);

        ck_assert_int_eq(spiral_utf8_decode((unsigned char *)buf, (size_t)n, &back), n);
        ck_assert_int_eq(back, cps[i]);
    }
    ck_assert(spiral_is_han(0x4E2D));
    ck_assert(spiral_is_han(0x3007));
    ck_assert(!spiral_is_han(0x3002)); /* 。 is punctuation */
    ck_assert(!spiral_is_han('A'));
}
END_TEST

Suite *utf8_suite(void)
{
    Suite *s = suite_create("utf8");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, check_finds_first_bad_byte);
    tcase_add_test(tc, repair_replaces_each_maximal_subpart);
    tcase_add_test(tc, encode_decode_round_trip);
    suite_add_tcase(s, tc);
    return s;
}
