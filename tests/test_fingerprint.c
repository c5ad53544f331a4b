/*
 * test_fingerprint.c - duplicates are texts equal once normalised: width,
 * case and spacing do not count; words do.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

#include "buf.h"
#include "testutil.h"
#include "utf8.h"
#include "suites.h"

static uint64_t fp(const char *s)
{
    uint64_t v;

    ck_assert_int_eq(spiral_text_fingerprint(&v, s, strlen(s)), SPIRAL_OK);
    return v;
}

START_TEST(normalised_texts_share_a_fingerprint)
{
    ck_assert(fp("We urge restraint.") == fp("  we   URGE\nrestraint. "));
    ck_assert(fp("中方坚决反对。") == fp("中方坚决反对\xE3\x80\x82"));
    ck_assert(fp("ＮＡＴＯ　expands") == fp("nato expands")); /* full width, ideographic space */
    ck_assert(fp("caf\xC3\xA9") == fp("cafe\xCC\x81"));    /* composed or not */
    ck_assert(fp("We urge restraint.") != fp("We urge restraint!"));
    ck_assert(fp("ab") != fp("a b"));
    ck_assert(fp("") == fp("   "));
}
END_TEST

/* 64-bit FNV-1a of s, as the fingerprint hashes the normalised text. */
static uint64_t fnv1a(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    return h;
}

/* The value is the documented one (kept across versions: users may store
 * it): FNV-1a of the text case-folded, NFKC, spaces collapsed and trimmed,
 * whether the text is ASCII, mixed, or ASCII before a combining mark. */
START_TEST(the_value_is_fnv1a_of_the_normalised_text)
{
    ck_assert(fp("  We URGE\t\trestraint.\r\n") == fnv1a("we urge restraint."));
    ck_assert(fp("Cafe\xCC\x81 AU LAIT") == fnv1a("caf\xC3\xA9 au lait"));
    ck_assert(fp("NATO\xE3\x80\x80" "expands \xEF\xBC\xA1") == fnv1a("nato expands a"));
    ck_assert(fp("\xE4\xB8\xAD\xE6\x96\xB9 Says  NO") == fnv1a("\xE4\xB8\xAD\xE6\x96\xB9 says no"));
    ck_assert(fp("x") == fnv1a("x"));
    ck_assert(fp("") == fnv1a(""));
}
END_TEST

/* The normalised text a fingerprint hashes, for characters alone: each as
 * utf8proc has it (CJK as it is), white space collapsed. */
static int expect_char(int32_t cp, const int32_t *nfkc, int n, void *payload)
{
    spiral_buf *want = payload;
    char enc[4];
    int m, rc = 0, space = 0;

    if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp > 0x3000 && cp <= 0x303F)) {
        nfkc = &cp;
        n = 1;
    }
    for (m = 0; m < n; m++) {
        int32_t c = nfkc[m];

        if (c == ' ' || (c >= '\t' && c <= '\r') ||
            (c >= 0x80 && utf8proc_category(c) == UTF8PROC_CATEGORY_ZS)) {
            space = want->len > 0;
            continue;
        }
        if (space)
            rc |= spiral_buf_append(want, " ", 1);
        space = 0;
        rc |= spiral_buf_append(want, enc, (size_t)spiral_utf8_encode(c, enc));
    }
    if (space)
        rc |= spiral_buf_append(want, " ", 1);
    return rc | spiral_buf_append(want, ",", 1);
}

/* Every starter code point alone before a full-width comma hashes as
 * utf8proc normalises it (a run of white space as one space), but for CJK
 * characters and punctuation (U+4E00 to U+9FFF, U+3001 to U+303F), which
 * are hashed as they are before it: the values are those they have always
 * been. */
START_TEST(every_code_point_hashes_as_utf8proc_normalises_it)
{
    spiral_buf in = SPIRAL_BUF_INIT, want = SPIRAL_BUF_INIT;

    ck_assert_int_eq(test_each_starter(&in, expect_char, &want), 0);
    ck_assert(fp(in.data) == fnv1a(want.data));
    spiral_buf_free(&in);
    spiral_buf_free(&want);
}
END_TEST

/* Which way a CJK character goes is part of the value: 〶 (U+3036) is
 * hashed as it is at the end, before ASCII, CJK (even a CJK mark) or a
 * character from U+3000 on, and as NFKC has it (〒) before others. */
START_TEST(cjk_characters_hash_as_they_always_have)
{
    ck_assert(fp("\xE3\x80\xB6") == fnv1a("\xE3\x80\xB6"));
    ck_assert(fp("\xE3\x80\xB6x") == fnv1a("\xE3\x80\xB6x"));
    ck_assert(fp("\xE3\x80\xB6\xE3\x80\xAA") == fnv1a("\xE3\x80\xB6\xE3\x80\xAA"));
    ck_assert(fp("\xE3\x80\xB6\xEF\xBC\x8C") == fnv1a("\xE3\x80\xB6,"));
    ck_assert(fp("\xE3\x80\xB6\xE2\x80\x9C") == fnv1a("\xE3\x80\x92\xE2\x80\x9C"));
    ck_assert(fp("\xE3\x80\xB6\xCC\x81") != fnv1a("\xE3\x80\xB6\xCC\x81"));
    /* a long ASCII run, then a mark on its last letter */
    ck_assert(fp("ABCDEFGHIJKLMNOPQRE\xCC\x81") == fnv1a("abcdefghijklmnopqr\xC3\xA9"));
}
END_TEST

/* Every ASCII byte between letters: upper case folded, the six white-space
 * characters one space, the others as they are. */
START_TEST(every_ascii_byte_hashes_folded)
{
    char in[4], want[4];
    int c;

    for (c = 1; c < 128; c++) {
        snprintf(in, sizeof in, "a%cb", c);
        if (c == ' ' || (c >= '\t' && c <= '\r'))
            snprintf(want, sizeof want, "a b");
        else
            snprintf(want, sizeof want, "a%cb", c >= 'A' && c <= 'Z' ? c + 32 : c);
        ck_assert_msg(fp(in) == fnv1a(want), "byte %d", c);
    }
}
END_TEST

START_TEST(invalid_utf8_is_an_error)
{
    uint64_t v = 1;

    ck_assert_int_eq(spiral_text_fingerprint(&v, "a\xFF", 2), SPIRAL_EENCODING);
    ck_assert(v == 0);
    /* anywhere: after a long ASCII run, after CJK, inside a cluster */
    ck_assert_int_eq(spiral_text_fingerprint(&v, "abcdefghijk\xC3(", 13), SPIRAL_EENCODING);
    ck_assert_int_eq(spiral_text_fingerprint(&v, "\xE4\xB8\xAD\xE4\xB8", 5), SPIRAL_EENCODING);
    ck_assert_int_eq(spiral_text_fingerprint(&v, "\xE4\xB8\xAD\xFF", 4), SPIRAL_EENCODING);
    ck_assert_int_eq(spiral_text_fingerprint(&v, "e\xCC\x81\xCC", 4), SPIRAL_EENCODING);
}
END_TEST

Suite *fingerprint_suite(void)
{
    Suite *s = suite_create("fingerprint");
    TCase *tc = tcase_create("fingerprint");

    tcase_add_test(tc, normalised_texts_share_a_fingerprint);
    tcase_add_test(tc, the_value_is_fnv1a_of_the_normalised_text);
    tcase_add_test(tc, invalid_utf8_is_an_error);
    tcase_add_test(tc, every_code_point_hashes_as_utf8proc_normalises_it);
    tcase_add_test(tc, cjk_characters_hash_as_they_always_have);
    tcase_add_test(tc, every_ascii_byte_hashes_folded);
    suite_add_tcase(s, tc);
    return s;
}
