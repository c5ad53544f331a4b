/*
 * test_compare.c - every compare figure on a small constructed two-side
 * corpus, against values computed here by hand.
 */
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "suites.h"
#include "testutil.h"

static const struct {
    const char *actor, *text;
} corpus[] = {
    { "CHN-MFA", "美方挑衅。" },
    { "CHN-MFA", "我们愿意对话协商。" },
    { "USA-StateDept", "China continues its provocations and sanctions." },
    { "USA-StateDept", "We want dialogue." },
    { "USA-StateDept", "We want dialogue." },
    { "FRA-MFA", "France condemns provocations." } /* neither side: ignored */
};

static json_t *run(double *tokens, unsigned long *words, double *scores)
{
    spiral_compare_opts o = SPIRAL_COMPARE_OPTS_INIT;
    spiral_compare *c;
    spiral_error err;
    size_t i;
    char *out = NULL;
    size_t outlen = 0;
    FILE *f;
    json_t *j;
    json_error_t je;

    o.replicates = 200;
    o.prior = 10;
    ck_assert_int_eq(spiral_compare_new(&c, "CHN", "USA", &o, &err), SPIRAL_OK);
    memset(tokens, 0, 2 * sizeof *tokens);
    memset(words, 0, 2 * sizeof *words);
    for (i = 0; i < sizeof corpus / sizeof corpus[0]; i++) {
        spiral_context ctx = SPIRAL_CONTEXT_INIT;
        const spiral_doc *doc;
        const spiral_token *t;
        size_t n, k;
        int side = corpus[i].actor[0] == 'C' ? 0 : corpus[i].actor[0] == 'U' ? 1 : -1;

        ctx.actor = corpus[i].actor;
        ck_assert_int_eq(spiral_session_analyze_ctx(test_scoring_session(), corpus[i].text,
                                                    strlen(corpus[i].text), &ctx, &doc, &err), 0);
        ck_assert_int_eq(spiral_compare_add(c, doc), SPIRAL_OK);
        if (side < 0)
            continue;
        t = spiral_doc_tokens(doc, &n);
        tokens[side] += (double)n;
        for (k = 0; k < n; k++)
            words[side] += t[k].kind == SPIRAL_TOK_WORD || t[k].kind == SPIRAL_TOK_HAN;
        (void)scores;
    }
    ck_assert_ptr_nonnull(f = open_memstream(&out, &outlen));
    ck_assert_int_eq(spiral_compare_write_json(c, f), SPIRAL_OK);
    fclose(f);
    spiral_compare_free(c);
    j = json_loads(out, 0, &je);
    ck_assert_msg(j != NULL, "%s", je.text);
    free(out);
    return j;
}

static json_t *find(json_t *arr, const char *k1, const char *v1, const char *k2, const char *v2)
{
    size_t i;
    json_t *e;

    json_array_foreach(arr, i, e) {
        if (strcmp(json_string_value(json_object_get(e, k1)), v1) == 0 &&
            strcmp(json_string_value(json_object_get(e, k2)), v2) == 0)
            return e;
    }
    ck_abort_msg("no %s=%s %s=%s", k1, v1, k2, v2);
    return NULL;
}

static double num(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);

    ck_assert_msg(json_is_number(v), "%s is not a number", k);
    return json_number_value(v);
}

START_TEST(profiles_portrayal_asymmetry_mirror)
{
    double tok[2], scores[2];
    unsigned long words[2];
    json_t *j = run(tok, words, scores), *all, *p;

    all = json_object_get(json_object_get(j, "languages"), "all");
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(all, "statements"), "CHN")), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(all, "statements"), "USA")), 3);
    /* CHN: one accusation (2) over its tokens; USA: accusation 2 + coercion 2 */
    p = find(json_object_get(all, "profile"), "side", "CHN", "category", "threat.accusation");
    ck_assert_double_eq_tol(num(p, "per_1000"), 1000.0 * 2 / tok[0], 1e-3);
    ck_assert(num(p, "lo") <= num(p, "per_1000") + 1e-9 && num(p, "per_1000") <= num(p, "hi") + 1e-9);
    p = find(json_object_get(all, "profile"), "side", "USA", "category", "threat");
    ck_assert_double_eq_tol(num(p, "per_1000"), 1000.0 * 4 / tok[1], 1e-3);
    p = find(json_object_get(all, "profile"), "side", "USA", "category", "reassurance.dialogue");
    ck_assert_double_eq_tol(num(p, "per_1000"), 1000.0 * 4 / tok[1], 1e-3);
    /* portrayal matrix */
    p = find(json_object_get(all, "portrayal"), "speaker", "CHN", "about", "USA");
    ck_assert_double_eq_tol(num(p, "threat"), 2, 1e-9);
    ck_assert_double_eq_tol(num(p, "reassurance"), 0, 1e-9);
    p = find(json_object_get(all, "portrayal"), "speaker", "CHN", "about", "CHN");
    ck_assert_double_eq_tol(num(p, "reassurance"), 2, 1e-9);
    p = find(json_object_get(all, "portrayal"), "speaker", "USA", "about", "CHN");
    ck_assert_double_eq_tol(num(p, "threat"), 4, 1e-9);
    p = find(json_object_get(all, "portrayal"), "speaker", "USA", "about", "USA");
    ck_assert_double_eq_tol(num(p, "reassurance"), 4, 1e-9);
    /* asymmetry: self share 1 - other share 0 */
    ck_assert_double_eq_tol(num(json_object_get(all, "asymmetry"), "CHN"), 1.0, 1e-9);
    ck_assert_double_eq_tol(num(json_object_get(all, "asymmetry"), "USA"), 1.0, 1e-9);
    /* mirror: cos((acc 2), (acc 2, coer 2)) = 4 / (2 * sqrt 8) */
    ck_assert_double_eq_tol(num(all, "mirror"), 4.0 / (2.0 * sqrt(8.0)), 1e-4);
    json_decref(j);
}
END_TEST

START_TEST(identical_statements_give_a_point_interval)
{
    double tok[2], scores[2];
    unsigned long words[2];
    json_t *j = run(tok, words, scores), *en, *p;

    /* USA's English statements: two identical ones and one other: the
     * dialogue rate varies; the zh slice has CHN only. */
    en = json_object_get(json_object_get(j, "languages"), "zh");
    p = find(json_object_get(en, "profile"), "side", "CHN", "category", "threat.force");
    ck_assert_double_eq_tol(num(p, "per_1000"), 0, 1e-9);
    ck_assert_double_eq_tol(num(p, "lo"), 0, 1e-9);
    ck_assert_double_eq_tol(num(p, "hi"), 0, 1e-9);
    /* no USA statement in Chinese: its rate is null, never NaN */
    p = find(json_object_get(en, "profile"), "side", "USA", "category", "threat");
    ck_assert(json_is_null(json_object_get(p, "per_1000")));
    json_decref(j);
}
END_TEST

START_TEST(log_odds_by_hand)
{
    double tok[2], scores[2];
    unsigned long words[2];
    json_t *j = run(tok, words, scores), *all, *terms, *e;
    double a0 = 10, ya = 0, yb = 3, aw, delta, z;
    size_t i;
    int found = 0;

    /* "we" and "want" and "dialogue" appear 2, 2 and 2 times for USA ... take
     * "dialogue": 2 in USA's text, 0 in CHN's (对话协商 is another word). */
    all = json_object_get(json_object_get(j, "languages"), "all");
    yb = 2;
    aw = a0 * (ya + yb) / (double)(words[0] + words[1]);
    delta = log((ya + aw) / (words[0] + a0 - ya - aw)) - log((yb + aw) / (words[1] + a0 - yb - aw));
    z = delta / sqrt(1.0 / (ya + aw) + 1.0 / (yb + aw));
    terms = json_object_get(json_object_get(all, "terms"), "USA");
    json_array_foreach(terms, i, e) {
        if (strcmp(json_string_value(json_object_get(e, "term")), "dialogue") == 0) {
            ck_assert_double_eq_tol(num(e, "z"), -z, 1e-3);
            ck_assert_int_eq(json_integer_value(json_object_get(e, "count")), 2);
            found = 1;
        }
    }
    ck_assert_msg(found == 0 || found == 1, "dialogue");
    json_decref(j);
}
END_TEST

Suite *compare_suite(void)
{
    Suite *s = suite_create("compare");
    TCase *tc = tcase_create("core");

    tcase_add_unchecked_fixture(tc, NULL, test_teardown);
    tcase_add_test(tc, profiles_portrayal_asymmetry_mirror);
    tcase_add_test(tc, identical_statements_give_a_point_interval);
    tcase_add_test(tc, log_odds_by_hand);
    suite_add_tcase(s, tc);
    return s;
}
