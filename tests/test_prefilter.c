/*
 * test_prefilter.c - the literals derived from regular-expression entries:
 * what they must contain, and giving up whenever in doubt.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "prefilter.h"
#include "suites.h"

/* The derived literals joined by '|', or "-" for no prefilter. */
static const char *lits(const char *pattern)
{
    static char out[1024];
    spiral_prefilter pf;
    size_t i, o = 0;
    int rc = spiral_prefilter_build(&pf, pattern);

    ck_assert_int_ge(rc, 0);
    if (rc == SPIRAL_PREFILTER_NONE)
        return "-";
    out[0] = '\0';
    for (i = 0; i < pf.n; i++)
        o += (size_t)snprintf(out + o, sizeof out - o, "%s%s", i ? "|" : "", pf.lit[i]);
    spiral_prefilter_free(&pf);
    return out;
}

START_TEST(derives_required_literals)
{
    ck_assert_str_eq(lits("\\bred lines?\\b"), "red line");
    ck_assert_str_eq(lits("\\b(?:lay|lays|laid|laying)\\s+down\\s+(?:their\\s+)?arms\\b"), "down");
    ck_assert_str_eq(lits("(避免|防止|不采取)[^，。]{0,12}(局势|事态)"), "局势|事态"); /* fewer, as long */
    ck_assert_str_eq(lits("必将[^，。]{0,8}(回击|反击)"), "必将");
    ck_assert_str_eq(lits("Sanctions?|Embargo"), "sanction|embargo");
    /* lookarounds are zero-width; an optional group is not required */
    ck_assert_str_eq(lits("(?<!must )\\b(?:releas(?:e|ed)|freed)\\b"), "releas|freed");
    ck_assert_str_eq(lits("(?:very )?bad"), "bad");
    ck_assert_str_eq(lits("stop\\.{2,}"), "stop."); /* one dot is required */
}
END_TEST

START_TEST(gives_up_when_in_doubt)
{
    ck_assert_str_eq(lits("\\w+ism"), "ism");
    ck_assert_str_eq(lits("[ab]+"), "-");
    ck_assert_str_eq(lits("(?i)war"), "-");       /* inline options */
    ck_assert_str_eq(lits("\\Qa.b\\E"), "-");     /* quoting */
    ck_assert_str_eq(lits("x|\\d+"), "-");        /* one branch unconstrained */
    ck_assert_str_eq(lits("Éire"), "-");          /* two-byte letters: no folding here */
    ck_assert_str_eq(lits("(a"), "-");            /* unbalanced */
    ck_assert_str_eq(lits("a{,3}"), "-");
}
END_TEST

START_TEST(may_match)
{
    spiral_prefilter pf;

    ck_assert_int_eq(spiral_prefilter_build(&pf, "\\b(?:lift|ease)\\s+sanctions\\b"), 0);
    ck_assert(spiral_prefilter_may_match(&pf, "they will lift the sanctions", 28));
    ck_assert(!spiral_prefilter_may_match(&pf, "they will lift the embargo", 26));
    spiral_prefilter_free(&pf);
}
END_TEST

/* The payloads of the literals ending at each position of text, found by
 * brute force, as a bit set per position (payloads < 32). */
static void naive_ends(const char *const *lit, const uint32_t *pay, size_t n, const char *text,
                       uint32_t *ends)
{
    size_t len = strlen(text), i, k;

    for (i = 0; i < len; i++) {
        ends[i] = 0;
        for (k = 0; k < n; k++) {
            size_t l = strlen(lit[k]);

            if (i + 1 >= l && memcmp(text + i + 1 - l, lit[k], l) == 0)
                ends[i] |= 1u << pay[k];
        }
    }
}

/* Overlapping literals (one the suffix or the prefix of another, shared
 * payloads, Chinese bytes): the automaton reports at each position exactly
 * the payloads of the literals ending there. */
START_TEST(automaton_finds_every_literal)
{
    static const char *lit[] = { "he", "she", "his", "hers", "sanction", "sanctions",
                                 "ions", "制裁", "单边制裁", "裁" };
    static const uint32_t pay[] = { 0, 1, 2, 3, 4, 4, 5, 6, 7, 8 };
    static const char *texts[] = {
        "ushers said she sanctioned his heirs",
        "the sanctions: unilateral sanctions and ions",
        "美方对中方实施单边制裁，制裁无效",
        "",
        "hhhhshehehersheshe",
    };
    size_t n = sizeof lit / sizeof *lit, t, i;
    size_t len[sizeof lit / sizeof *lit];
    spiral_acm m;

    for (i = 0; i < n; i++)
        len[i] = strlen(lit[i]);
    ck_assert_int_eq(spiral_acm_build(&m, lit, len, pay, n), 0);
    for (t = 0; t < sizeof texts / sizeof *texts; t++) {
        const char *text = texts[t];
        uint32_t ends[128], state = 0;

        naive_ends(lit, pay, n, text, ends);
        for (i = 0; text[i]; i++) {
            uint32_t got = 0, k;

            state = spiral_acm_step(&m, state, (unsigned char)text[i]);
            for (k = 0; k < m.out_n[state]; k++) {
                uint32_t p = m.out[m.out_first[state] + k];

                ck_assert_msg(!(got & (1u << p)), "payload %u twice at %zu", p, i);
                got |= 1u << p;
            }
            ck_assert_msg(got == ends[i], "\"%s\" at %zu: %#x, expected %#x", text, i, got,
                          ends[i]);
        }
    }
    spiral_acm_free(&m);
}
END_TEST

/* More states than 16 bits can number: the wide table gives the same
 * answers. */
START_TEST(automaton_with_many_states)
{
    enum { N = 40000 };
    static char buf[N][12];
    static const char *lit[N];
    static size_t len[N];
    static uint32_t pay[N];
    char text[64];
    uint32_t state = 0, found = 0;
    size_t i;
    spiral_acm m;

    for (i = 0; i < N; i++) {
        snprintf(buf[i], sizeof buf[i], "%08x", (unsigned)((uint32_t)i * 2654435761u));
        lit[i] = buf[i];
        len[i] = 8;
        pay[i] = (uint32_t)(i % 32);
    }
    ck_assert_int_eq(spiral_acm_build(&m, lit, len, pay, N), 0);
    ck_assert_uint_gt(m.nstates, 65535);
    ck_assert_ptr_null(m.delta16);
    /* literals 12345 (payload 25) and 39999 (31) inside other text, and one
     * cut short */
    snprintf(text, sizeof text, "zz%s-%sq %.7s", buf[12345], buf[39999], buf[7]);
    for (i = 0; text[i]; i++) {
        uint32_t k;

        state = spiral_acm_step(&m, state, (unsigned char)text[i]);
        for (k = 0; k < m.out_n[state]; k++)
            found |= 1u << m.out[m.out_first[state] + k];
    }
    ck_assert_uint_eq(found, (1u << 25) | (1u << 31));
    spiral_acm_free(&m);
}
END_TEST

Suite *prefilter_suite(void)
{
    Suite *s = suite_create("prefilter");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, derives_required_literals);
    tcase_add_test(tc, gives_up_when_in_doubt);
    tcase_add_test(tc, may_match);
    tcase_add_test(tc, automaton_finds_every_literal);
    tcase_add_test(tc, automaton_with_many_states);
    suite_add_tcase(s, tc);
    return s;
}
