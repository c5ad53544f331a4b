/*
 * test_fingerprint.c - duplicates are texts equal once normalised: width,
 * case and spacing do not count; words do.
 */
#include <check.h>
#include <string.h>

#include "testutil.h"
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

START_TEST(invalid_utf8_is_an_error)
{
    uint64_t v = 1;

    ck_assert_int_eq(spiral_text_fingerprint(&v, "a\xFF", 2), SPIRAL_EENCODING);
    ck_assert(v == 0);
}
END_TEST

Suite *fingerprint_suite(void)
{
    Suite *s = suite_create("fingerprint");
    TCase *tc = tcase_create("fingerprint");

    tcase_add_test(tc, normalised_texts_share_a_fingerprint);
    tcase_add_test(tc, the_value_is_fnv1a_of_the_normalised_text);
    tcase_add_test(tc, invalid_utf8_is_an_error);
    suite_add_tcase(s, tc);
    return s;
}
