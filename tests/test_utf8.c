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

/* Length of the well-formed sequence at s[0..n), or -1: a lead byte and
 * its continuation bytes encoding a scalar value (no surrogate, at most
 * U+10FFFF) in the fewest bytes that can hold it. */
static int well_formed(const unsigned char *s, size_t n)
{
    size_t need = s[0] < 0x80 ? 1 : s[0] < 0xC0 ? 0 : s[0] < 0xE0 ? 2 : s[0] < 0xF0 ? 3 :
                  s[0] < 0xF8 ? 4 : 0;
    size_t i, shortest;
    int32_t cp;

    if (need == 0 || n < need)
        return -1;
    cp = need == 1 ? s[0] : s[0] & (0x7F >> need);
    for (i = 1; i < need; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return -1;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    shortest = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || shortest != need)
        return -1;
    return (int)need;
}

/* Every lead byte with every second byte, and third and fourth bytes
 * inside and outside the continuation range, truncated or not: the decoder
 * agrees with the table, and gives back the code point it encodes. */
START_TEST(decode_agrees_with_the_table_of_well_formed_sequences)
{
    static const unsigned char tails[] = { 0x00, 0x41, 0x7F, 0x80, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF };
    unsigned a, b, t3, t4;
    unsigned long bad = 0;

    /* Check's assertions each cost a message: counted, asserted once. */
    for (a = 0; a < 256; a++)
        for (b = 0; b < 256; b++)
            for (t3 = 0; t3 < sizeof tails; t3++)
                for (t4 = 0; t4 < sizeof tails; t4++) {
                    unsigned char s[4] = { (unsigned char)a, (unsigned char)b, tails[t3], tails[t4] };
                    size_t n;

                    for (n = 1; n <= 4; n++) {
                        int32_t cp = -1;
                        int want = well_formed(s, n), got = spiral_utf8_decode(s, n, &cp);
                        char enc[4];

                        if (got != want || (got > 0 && (spiral_utf8_encode(cp, enc) != got ||
                                                        memcmp(enc, s, (size_t)got) != 0)))
                            bad++;
                    }
                }
    ck_assert_uint_eq(bad, 0);
}
END_TEST

/* Text is checked eight ASCII bytes at a time: a bad byte is found at any
 * offset in or after such a run, and valid text of any length passes. */
START_TEST(check_finds_bad_byte_at_any_offset)
{
    char buf[64];
    size_t at, n;

    for (n = 0; n < 40; n++) {
        memset(buf, 'a', n);
        ck_assert_uint_eq(spiral_utf8_check(buf, n), n);
        for (at = 0; at < n; at++) {
            memset(buf, 'a', n);
            buf[at] = (char)0xFF;
            ck_assert_uint_eq(spiral_utf8_check(buf, n), at);
        }
    }
    /* after ASCII and multibyte characters */
    ck_assert_uint_eq(spiral_utf8_check("abcdefghij\xC3\xA9klmnopqrs\xE4\xB8\xAD\xE4\xB8", 26), 24);
    ck_assert_uint_eq(spiral_utf8_check("abcdefghij\xC3\xA9klmnopqrs\xE4\xB8\xAD\xE4\xB8\xAD", 27), 27);
}
END_TEST

Suite *utf8_suite(void)
{
    Suite *s = suite_create("utf8");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, check_finds_first_bad_byte);
    tcase_add_test(tc, repair_replaces_each_maximal_subpart);
    tcase_add_test(tc, encode_decode_round_trip);
    tcase_add_test(tc, decode_agrees_with_the_table_of_well_formed_sequences);
    tcase_add_test(tc, check_finds_bad_byte_at_any_offset);
    suite_add_tcase(s, tc);
    return s;
}
