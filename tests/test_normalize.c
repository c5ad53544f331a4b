/*
 * test_normalize.c - NFKC, case folding, full-width forms, Traditional to
 * Simplified, and the offset map back to the original text.
 */
#include <check.h>
#include <string.h>

#include "normalize.h"
#include "t2s.h"
#include "suites.h"

static spiral_normalizer *nz;
static spiral_normtext nt;

static void setup(void)
{
    ck_assert_int_eq(spiral_normalizer_new(&nz, NULL), SPIRAL_OK);
    memset(&nt, 0, sizeof nt);
}

static void teardown(void)
{
    spiral_normtext_free(&nt);
    spiral_normalizer_free(nz);
}

static const char *norm(const char *s)
{
    ck_assert_int_eq(spiral_normalize(nz, s, strlen(s), &nt, NULL), SPIRAL_OK);
    return nt.text.data;
}

START_TEST(full_width_and_case_fold)
{
    ck_assert_str_eq(norm("ＮＡＴＯ ＡＮＤ Ｇ７：１２３"), "nato and g7:123");
    ck_assert_str_eq(norm("The U.S. Condemns"), "the u.s. condemns");
    ck_assert_str_eq(norm("STRASSE Straße"), "strasse strasse");
    /* the ideographic space becomes a space */
    ck_assert_str_eq(norm("中方\xE3\x80\x80立场"), "中方 立场");
}
END_TEST

START_TEST(composes_and_maps_apostrophes)
{
    /* e + combining acute composes; the ﬁ ligature decomposes. */
    ck_assert_str_eq(norm("Cafe\xCC\x81 \xEF\xAC\x81nal"), "caf\xC3\xA9 final");
    ck_assert_str_eq(norm("don\xE2\x80\x99t"), "don't");
}
END_TEST

START_TEST(traditional_to_simplified)
{
    ck_assert_str_eq(norm("美國政府嚴正交涉"), "美国政府严正交涉");
    ck_assert_str_eq(norm("對話協商，合作共贏"), "对话协商,合作共赢");
    ck_assert(nt.has_han);
    /* Simplified text passes unchanged. */
    ck_assert_str_eq(norm("坚决反对"), "坚决反对");
}
END_TEST

/* The build-time table of characters OpenCC changes alone: Traditional
 * forms are in it, Simplified and shared ones are not; phrases whose
 * characters differ only together still convert (乾 in 乾燥 is a shared
 * character OpenCC changes by context). */
START_TEST(t2s_table_marks_traditional_characters)
{
    ck_assert(spiral_t2s_may_change(0x570B));  /* 國 */
    ck_assert(spiral_t2s_may_change(0x8207));  /* 與 */
    ck_assert(spiral_t2s_may_change(0x5C0D));  /* 對 */
    ck_assert(!spiral_t2s_may_change(0x56FD)); /* 国 */
    ck_assert(!spiral_t2s_may_change(0x7684)); /* 的 */
    ck_assert(!spiral_t2s_may_change(0x4E2D)); /* 中 */
    ck_assert(spiral_t2s_may_change(0x20000)); /* outside the table: ask OpenCC */
    ck_assert_str_eq(norm("天氣乾燥，國與國"), "天气干燥,国与国");
    ck_assert_str_eq(norm("中方坚决反对"), "中方坚决反对");
}
END_TEST

START_TEST(offset_map_points_into_original)
{
    const char *src = "ＵＳ 嚴正 ok";

    norm(src);
    /* "us 严正 ok": u from byte 0, s from byte 3, space 6, 严 7, 正 10, space 13, o 14 */
    ck_assert_str_eq(nt.text.data, "us 严正 ok");
    ck_assert_uint_eq(nt.map[0], 0);
    ck_assert_uint_eq(nt.map[1], 3);
    ck_assert_uint_eq(nt.map[2], 6);
    ck_assert_uint_eq(nt.map[3], 7);  /* first byte of 严 */
    ck_assert_uint_eq(nt.map[5], 7);  /* last byte of 严 */
    ck_assert_uint_eq(nt.map[6], 10); /* 正 */
    ck_assert_uint_eq(nt.map[nt.text.len], strlen(src));
    ck_assert_uint_eq(spiral_normtext_src_end(&nt, 2), 6);
    ck_assert_uint_eq(spiral_normtext_src_end(&nt, 9), 13);
}
END_TEST

/* A run of Chinese copied at once keeps every byte mapped to its own
 * character; a character followed by a combining mark still composes with
 * it (the mark is dropped by no rule, so it stays, mapped to the base). */
START_TEST(chinese_runs_map_each_character)
{
    size_t i;

    norm("中方坚决反对。Ok");
    ck_assert_str_eq(nt.text.data, "中方坚决反对。ok");
    ck_assert(nt.has_han);
    ck_assert_uint_eq(nt.han_chars, 6);
    for (i = 0; i < 21; i++)
        ck_assert_uint_eq(nt.map[i], i - i % 3);
    ck_assert_uint_eq(nt.map[21], 21);
    ck_assert_int_eq(nt.may_t2s, 0);
    /* 中 then U+0301 COMBINING ACUTE: the pair is one cluster */
    norm("中方\xCC\x81中");
    ck_assert_uint_eq(nt.map[3], 3);
    ck_assert_uint_eq(nt.map[6], 3); /* the mark maps to its base */
    ck_assert_uint_eq(nt.map[8], 8);
    ck_assert_uint_eq(nt.han_chars, 3);
    /* A Traditional character anywhere in a run is noticed. */
    norm("中方堅決反對");
    ck_assert_str_eq(nt.text.data, "中方坚决反对");
}
END_TEST

START_TEST(invalid_utf8_is_reported_with_offset)
{
    spiral_error err;

    ck_assert_int_eq(spiral_normalize(nz, "ok \xFF no", 7, &nt, &err), SPIRAL_EENCODING);
    ck_assert_uint_eq(err.offset, 3);
    ck_assert(strstr(err.message, "byte 3") != NULL);
}
END_TEST

START_TEST(empty_text)
{
    ck_assert_str_eq(norm(""), "");
    ck_assert_uint_eq(nt.map[0], 0);
}
END_TEST

Suite *normalize_suite(void)
{
    Suite *s = suite_create("normalize");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, full_width_and_case_fold);
    tcase_add_test(tc, composes_and_maps_apostrophes);
    tcase_add_test(tc, traditional_to_simplified);
    tcase_add_test(tc, t2s_table_marks_traditional_characters);
    tcase_add_test(tc, offset_map_points_into_original);
    tcase_add_test(tc, invalid_utf8_is_reported_with_offset);
    tcase_add_test(tc, chinese_runs_map_each_character);
    tcase_add_test(tc, empty_text);
    suite_add_tcase(s, tc);
    return s;
}
