/*
 * test_normalize.c - NFKC, case folding, full-width forms, Traditional to
 * Simplified, and the offset map back to the original text.
 */
#include <check.h>
#include <string.h>

#include "normalize.h"
#include "t2s.h"
#include "testutil.h"
#include "utf8.h"
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

/* ASCII is lower-cased eight bytes at a time: every upper-case letter,
 * and nothing else, changes, wherever it falls in a word of eight, and
 * letters are counted; each byte maps to itself. */
START_TEST(ascii_runs_fold_every_letter_and_nothing_else)
{
    char in[200], want[200];
    size_t i, letters = 0;

    for (i = 0; i < 127; i++) {
        char c = (char)(i + 1);

        in[i] = c;
        want[i] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
        letters += (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
    }
    in[127] = want[127] = '\0';
    ck_assert_int_eq(spiral_normalize(nz, in, 127, &nt, NULL), SPIRAL_OK);
    ck_assert_uint_eq(nt.text.len, 127);
    ck_assert_str_eq(nt.text.data, want);
    ck_assert_uint_eq(nt.latin_chars, letters);
    for (i = 0; i <= 127; i++)
        ck_assert_uint_eq(nt.map[i], i);
}
END_TEST

/* The last ASCII letter of a run composes with a mark after it, whether the
 * run is shorter or longer than a word of eight bytes. */
START_TEST(ascii_run_gives_its_last_letter_to_a_mark)
{
    ck_assert_str_eq(norm("E\xCC\x81"), "\xC3\xA9");
    ck_assert_uint_eq(nt.latin_chars, 1);
    ck_assert_str_eq(norm("ABCDEFGHIJKLMNOPQRE\xCC\x81 x"), "abcdefghijklmnopqr\xC3\xA9 x");
    ck_assert_uint_eq(nt.latin_chars, 20);
    ck_assert_uint_eq(nt.map[18], 18); /* é from the E */
    ck_assert_uint_eq(nt.map[20], 21); /* the space after the mark */
    /* a starter after ASCII takes nothing from it */
    ck_assert_str_eq(norm("ABCDEFGHI中"), "abcdefghi中");
    ck_assert_uint_eq(nt.latin_chars, 9);
}
END_TEST

/* What the normaliser makes of a character alone, as utf8proc has it, with
 * Han characters and Latin letters counted. */
typedef struct expected {
    spiral_buf text;
    size_t han, latin;
} expected;

static int expect_char(int32_t cp, const int32_t *nfkc, int n, void *payload)
{
    expected *x = payload;
    char enc[4];
    int m, rc = 0;

    (void)cp;
    for (m = 0; m < n; m++) {
        int32_t c = nfkc[m] == 0x2018 || nfkc[m] == 0x2019 ? '\'' : nfkc[m];

        rc |= spiral_buf_append(&x->text, enc, (size_t)spiral_utf8_encode(c, enc));
        if (spiral_is_han(c))
            x->han++;
        else if ((c < 0x250 && (c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= 0xC0 && c < 0x250))
            x->latin++;
    }
    return rc | spiral_buf_append(&x->text, ",", 1);
}

/* Every starter code point alone, followed by a full-width comma (so that
 * each goes the way of a single character with something non-ASCII after
 * it), normalises as utf8proc normalises it, and Han and Latin letters are
 * counted from the result.  Marks are left out: they would join the comma
 * before them. */
START_TEST(every_code_point_normalises_as_utf8proc_does)
{
    spiral_buf in = SPIRAL_BUF_INIT;
    expected want = { SPIRAL_BUF_INIT, 0, 0 };
    size_t i;

    /* Check's assertions each cost a message: none per code point. */
    ck_assert_int_eq(test_each_starter(&in, expect_char, &want), 0);
    /* no normaliser: no Traditional-to-Simplified pass */
    ck_assert_int_eq(spiral_normalize(NULL, in.data, in.len, &nt, NULL), SPIRAL_OK);
    for (i = 0; i < want.text.len && i < nt.text.len && want.text.data[i] == nt.text.data[i]; i++)
        ;
    ck_assert_msg(i == want.text.len && i == nt.text.len, "differs at byte %zu: ...%.24s", i,
                  want.text.data + (i > 12 ? i - 12 : 0));
    ck_assert_uint_eq(nt.han_chars, want.han);
    ck_assert_uint_eq(nt.latin_chars, want.latin);
    spiral_buf_free(&in);
    spiral_buf_free(&want.text);
}
END_TEST

/* CJK punctuation copied in a run is not looked up: 〇 counts as Han, and
 * 〶 decomposes, only before a character that is neither CJK nor ASCII
 * (as they always have; the counts choose the language). */
START_TEST(cjk_punctuation_in_runs_is_copied)
{
    ck_assert_str_eq(norm("\xE3\x80\x87\xE3\x80\x87"), "\xE3\x80\x87\xE3\x80\x87");
    ck_assert_uint_eq(nt.han_chars, 0);
    ck_assert_int_eq(nt.has_han, 0);
    ck_assert_str_eq(norm("\xE3\x80\x87\xEF\xBC\x8C"), "\xE3\x80\x87,");
    ck_assert_uint_eq(nt.han_chars, 1);
    ck_assert_str_eq(norm("\xE3\x80\xB6 \xE3\x80\xB6\xEF\xBC\x8C"), "\xE3\x80\xB6 \xE3\x80\x92,");
    /* 中 before a full-width comma counts once, like 中 anywhere else */
    ck_assert_str_eq(norm("中\xEF\xBC\x8C中国"), "中,中国");
    ck_assert_uint_eq(nt.han_chars, 3);
    ck_assert_uint_eq(nt.map[3], 3);
    ck_assert_uint_eq(nt.map[4], 6);
}
END_TEST

/* spiral_cjk_at() finds by bytes what decoding finds: every lead byte from
 * E0 to EF with every pair of bytes after it, whole or cut short. */
START_TEST(cjk_by_bytes_is_cjk_decoded)
{
    unsigned a, b, c;
    unsigned long bad = 0;

    /* Check's assertions each cost a message: counted, asserted once. */
    for (a = 0xE0; a <= 0xEF; a++)
        for (b = 0; b < 256; b++)
            for (c = 0; c < 256; c++) {
                const unsigned char u[3] = { (unsigned char)a, (unsigned char)b, (unsigned char)c };
                int32_t cp = 0;
                int k = spiral_utf8_decode(u, 3, &cp);
                int want = k == 3 && ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp > 0x3000 && cp <= 0x303F));

                bad += spiral_cjk_at(u, 3) != want;
                bad += spiral_cjk_at(u, 2) != 0;
            }
    ck_assert_uint_eq(bad, 0);
}
END_TEST

START_TEST(invalid_utf8_is_reported_with_offset)
{
    spiral_error err;

    ck_assert_int_eq(spiral_normalize(nz, "ok \xFF no", 7, &nt, &err), SPIRAL_EENCODING);
    ck_assert_uint_eq(err.offset, 3);
    ck_assert(strstr(err.message, "byte 3") != NULL);
    /* after a long ASCII run, after CJK and after a character alone */
    ck_assert_int_eq(spiral_normalize(nz, "abcdefghijk\xC3(", 13, &nt, &err), SPIRAL_EENCODING);
    ck_assert_uint_eq(err.offset, 11);
    ck_assert_int_eq(spiral_normalize(nz, "中国\xE4\xB8", 8, &nt, &err), SPIRAL_EENCODING);
    ck_assert_uint_eq(err.offset, 6);
    ck_assert_int_eq(spiral_normalize(nz, "\xC3\xA9\xFF", 3, &nt, &err), SPIRAL_EENCODING);
    ck_assert_uint_eq(err.offset, 2);
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
    tcase_add_test(tc, ascii_runs_fold_every_letter_and_nothing_else);
    tcase_add_test(tc, ascii_run_gives_its_last_letter_to_a_mark);
    tcase_add_test(tc, every_code_point_normalises_as_utf8proc_does);
    tcase_add_test(tc, cjk_punctuation_in_runs_is_copied);
    tcase_add_test(tc, cjk_by_bytes_is_cjk_decoded);
    suite_add_tcase(s, tc);
    return s;
}
