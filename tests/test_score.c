/*
 * test_score.c - the scoring rules in both languages, and the score
 * formulas, on real-looking sentences.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "testutil.h"

static spiral_scores scores_of(const char *text, const char *lang)
{
    const spiral_doc *doc;
    spiral_scores s;

    test_hits(text, lang, &doc);
    spiral_doc_scores(doc, &s);
    return s;
}

START_TEST(negation_english)
{
    /* tolerate is nothing by itself and a warning when negated */
    ck_assert_str_eq(test_hits("We will tolerate delays.", "en", NULL), "");
    ck_assert_str_eq(test_hits("We will not tolerate this.", "en", NULL),
                     "threat.warning=tolerate@2.4[negated,certain]");
    ck_assert_str_eq(test_hits("We won't tolerate it.", "en", NULL),
                     "threat.warning=tolerate@2.4[negated,certain]");
    /* attack negated in a pledge is a non-threat */
    ck_assert_str_eq(test_hits("Our forces will never attack first.", "en", NULL),
                     "reassurance.nonthreat=attack@2.4[negated,certain]");
    /* a negated plain entry scores 0 and is kept, marked */
    ck_assert_str_eq(test_hits("They did not cooperate.", "en", NULL),
                     "reassurance.cooperation=cooperate@0.0[negated]");
    /* neg=keep: negation does not soften it */
    ck_assert_str_eq(test_hits("This is not unprovoked aggression.", "en", NULL),
                     "threat.accusation=unprovoked aggression@3.0[]");
    /* out of scope: another clause */
    ck_assert_str_eq(test_hits("We did not agree, but we condemn the attack.", "en", NULL),
                     "threat.accusation=condemn@2.0[] | threat.force=attack@2.0[]");
}
END_TEST

START_TEST(negation_chinese)
{
    ck_assert_str_eq(test_hits("中国从不称霸。", "zh", NULL),
                     "reassurance.nonthreat=称霸@2.0[negated]");
    ck_assert_str_eq(test_hits("我们绝不容忍任何挑衅。", "zh", NULL),
                     "threat.warning=容忍@2.0[negated] | threat.accusation=挑衅@2.0[]");
    /* 不 four tokens before 威胁 is past the window (2 tokens in Chinese):
     * the threat word stands, which is why the shipped lexicon lists such
     * pledges whole (不对任何国家构成威胁); the test lexicon does not */
    ck_assert_str_eq(test_hits("中方不对任何国家构成威胁。", "zh", NULL),
                     "threat.accusation=威胁@2.0[]");
    ck_assert_str_eq(test_hits("中方不威胁任何国家。", "zh", NULL),
                     "reassurance.nonthreat=威胁@2.0[negated]");
    /* a non-threat pledge governs the threat word after it */
    ck_assert_str_eq(test_hits("中方无意威胁任何国家。", "zh", NULL),
                     "reassurance.nonthreat=无意@2.0[] | threat.accusation=威胁@0.0[negated]");
    ck_assert_str_eq(test_hits("Arvenia has no intention to threaten anyone.", "en", NULL),
                     "reassurance.nonthreat=no intention@2.0[] | threat.force=threaten@0.0[negated]");
}
END_TEST

/* Each word that ends a clause keeps a negator before it from the hit
 * after it; another word in its place does not. */
START_TEST(every_clause_word_ends_negation)
{
    static const char *const en[] = {
        ",", ";", ":", "but", "yet", "though", "however", "whereas", "although"
    };
    static const char *const zh[] = { "但", "但是", "然而", "可是", "不过", "而是" };
    char text[96];
    size_t i;

    for (i = 0; i < sizeof en / sizeof en[0]; i++) {
        snprintf(text, sizeof text, "We will not %s tolerate this.", en[i]);
        ck_assert_msg(strcmp(test_hits(text, "en", NULL), "") == 0, "%s", text);
    }
    ck_assert_str_eq(test_hits("We will not butter tolerate this.", "en", NULL),
                     "threat.warning=tolerate@2.4[negated,certain]");
    for (i = 0; i < sizeof zh / sizeof zh[0]; i++) {
        snprintf(text, sizeof text, "我们绝不%s容忍任何挑衅。", zh[i]);
        ck_assert_msg(strcmp(test_hits(text, "zh", NULL), "threat.accusation=挑衅@2.0[]") == 0,
                      "%s", text);
    }
    ck_assert_str_eq(test_hits("我们绝不我们容忍任何挑衅。", "zh", NULL),
                     "threat.warning=容忍@2.0[negated] | threat.accusation=挑衅@2.0[]");
}
END_TEST

START_TEST(degree_and_modality)
{
    ck_assert_str_eq(test_hits("We firmly oppose the decision.", "en", NULL),
                     "threat.opposition=oppose@2.2[intensified]");
    ck_assert_str_eq(test_hits("We somewhat oppose it.", "en", NULL),
                     "threat.opposition=oppose@0.8[downtoned]");
    /* only the nearest hit takes the intensifier */
    ck_assert_str_eq(test_hits("We strongly condemn the sanctions.", "en", NULL),
                     "threat.accusation=condemn@3.0[intensified] | threat.coercion=sanctions@2.0[]");
    ck_assert_str_eq(test_hits("They may impose sanctions.", "en", NULL),
                     "threat.coercion=impose sanctions@1.5[hedged]");
    ck_assert_str_eq(test_hits("中方强烈反对。", "zh", NULL),
                     "threat.opposition=反对@2.2[intensified]");
    ck_assert_str_eq(test_hits("美方可能实施制裁。", "zh", NULL),
                     "threat.coercion=制裁@1.2[hedged]");
    ck_assert_str_eq(test_hits("对方必将遭到制裁。", "zh", NULL),
                     "threat.coercion=制裁@2.6[certain]");
}
END_TEST

START_TEST(conditionals_and_questions)
{
    /* a conditional threat is a warning and keeps its weight; a conditional
     * reassurance counts 0.75 */
    ck_assert_str_eq(test_hits("If they cross the line, we will impose sanctions.", "en", NULL),
                     "threat.warning=cross the line@2.0[conditional] | "
                     "threat.coercion=impose sanctions@3.0[certain,conditional]");
    ck_assert_str_eq(test_hits("一旦对方停止挑衅，中方愿意对话协商。", "zh", NULL),
                     "threat.accusation=挑衅@2.0[conditional] | "
                     "reassurance.dialogue=对话协商@1.5[conditional]");
    /* a genuine question halves; a rhetorical one counts in full, negation ignored */
    ck_assert_str_eq(test_hits("Will the hotline open?", "en", NULL),
                     "reassurance.deescalation=hotline@1.2[certain,question]");
    ck_assert_str_eq(test_hits("难道这不是霸凌吗？", "zh", NULL),
                     "threat.accusation=霸凌@2.0[rhetorical]");
    ck_assert_str_eq(test_hits("How can they not condemn it?", "en", NULL),
                     "threat.accusation=condemn@2.0[rhetorical]");
}
END_TEST

START_TEST(formulas)
{
    spiral_scores s;

    /* one sentence: threat = max + half of the rest = 2.5 + 0.5 * 2 */
    s = scores_of("中方坚决反对单边制裁。", "zh");
    ck_assert_double_eq_tol(s.threat, 3.5, 1e-9);
    ck_assert_double_eq_tol(s.reassurance, 0, 1e-9);
    ck_assert_double_eq_tol(s.net, -3.5, 1e-9);
    ck_assert_double_eq_tol(s.tone, 10.0 * -3.5 / 5.5, 1e-9);
    ck_assert_str_eq(s.label, "threat");
    /* two sentences add up */
    s = scores_of("中方坚决反对单边制裁。双方愿意对话协商。", "zh");
    ck_assert_double_eq_tol(s.threat, 3.5, 1e-9);
    ck_assert_double_eq_tol(s.reassurance, 2.0, 1e-9);
    ck_assert_str_eq(s.label, "threat");
    /* mixed: the smaller at least 0.75 of the larger */
    s = scores_of("We oppose the sanctions but remain open to dialogue.", "en");
    ck_assert_double_eq_tol(s.threat, 2.0 + 0.5 * 1.5, 1e-9);
    ck_assert_double_eq_tol(s.reassurance, 2.0, 1e-9);
    /* the codebook's own example of a mixed sentence: 2.0 >= 0.65 * 2.75 */
    ck_assert_str_eq(s.label, "mixed");
    s = scores_of("We oppose it but remain open to dialogue.", "en");
    ck_assert_double_eq_tol(s.threat, 1.5, 1e-9);
    ck_assert_str_eq(s.label, "mixed"); /* 1.5 >= 0.65 * 2.0 */
    s = scores_of("We oppose it and condemn the sanctions but remain open to dialogue.", "en");
    ck_assert_double_eq_tol(s.threat, 2.0 + 0.5 * (1.5 + 2.0), 1e-9);
    ck_assert_str_eq(s.label, "threat"); /* 2.0 < 0.65 * 3.75 */
    s = scores_of("The minister arrived in Calden on Tuesday.", "en");
    ck_assert_double_eq_tol(s.threat, 0, 1e-9);
    ck_assert_double_eq_tol(s.tone, 0, 1e-9);
    ck_assert_str_eq(s.label, "neutral");
    ck_assert(isfinite(s.tone));
}
END_TEST

/* A long statement (400 copies of four sentences, 1,600 hits) scores each
 * copy exactly as the four sentences alone: every rule stays in its own
 * sentence (the "not" of one never reaches the next), and regex hits land
 * in theirs. */
/* Clauses are found in each sentence with hits, wherever it is and
 * whatever sentences without hits, or the statement before, had. */
START_TEST(clauses_in_every_sentence_with_hits)
{
    ck_assert_str_eq(test_hits("Fine, then; well. We will not tolerate this.", "en", NULL),
                     "threat.warning=tolerate@2.4[negated,certain]");
    ck_assert_str_eq(test_hits("Fine. Then, well. So: we did not agree, but we condemn the attack.",
                               "en", NULL),
                     "threat.accusation=condemn@2.0[] | threat.force=attack@2.0[]");
    ck_assert_str_eq(test_hits("We did not agree, but we condemn it. Fine, then. We will not, "
                               "however, tolerate this.", "en", NULL),
                     "threat.accusation=condemn@2.0[]"); /* "not" is in another clause */
}
END_TEST

START_TEST(long_statement_rules_stay_in_their_sentences)
{
    static const char block[] = "We will not tolerate this. They may impose sanctions. "
                                "Will the hotline open? They crossed the line. ";
    enum { COPIES = 400 };
    const size_t blen = sizeof block - 1;
    char *text = malloc(COPIES * blen + 1);
    spiral_hit one[8];
    const spiral_hit *h;
    const spiral_doc *doc;
    spiral_scores s1, sn;
    spiral_error err;
    size_t n1, n, i;

    ck_assert_ptr_nonnull(text);
    ck_assert_str_eq(test_hits(block, "en", &doc),
                     "threat.warning=tolerate@2.4[negated,certain] | "
                     "threat.coercion=impose sanctions@1.5[hedged] | "
                     "reassurance.deescalation=hotline@1.2[certain,question] | "
                     "threat.warning=crossed the line@2.0[]");
    h = spiral_doc_hits(doc, &n1);
    ck_assert_uint_eq(n1, 4);
    memcpy(one, h, n1 * sizeof *h);
    spiral_doc_scores(doc, &s1);
    for (i = 0; i < COPIES; i++)
        memcpy(text + i * blen, block, blen);
    text[COPIES * blen] = '\0';
    ck_assert_int_eq(spiral_session_analyze(test_scoring_session(), text, strlen(text), "en",
                                            &doc, &err), SPIRAL_OK);
    h = spiral_doc_hits(doc, &n);
    ck_assert_uint_eq(n, COPIES * n1);
    for (i = 0; i < n; i++) {
        const spiral_hit *a = &one[i % n1];

        ck_assert_str_eq(h[i].category, a->category);
        ck_assert_uint_eq(h[i].rules, a->rules);
        ck_assert_double_eq_tol(h[i].score, a->score, 1e-12);
        ck_assert_uint_eq(h[i].start, a->start + i / n1 * blen);
        ck_assert_uint_eq(h[i].sentence, a->sentence + i / n1 * 4);
    }
    spiral_doc_scores(doc, &sn);
    ck_assert_double_eq_tol(sn.threat, COPIES * s1.threat, 1e-6);
    ck_assert_double_eq_tol(sn.reassurance, COPIES * s1.reassurance, 1e-6);
    free(text);
}
END_TEST

Suite *score_suite(void)
{
    Suite *s = suite_create("score");
    TCase *tc = tcase_create("core");

    tcase_add_unchecked_fixture(tc, NULL, test_teardown);
    tcase_add_test(tc, negation_english);
    tcase_add_test(tc, negation_chinese);
    tcase_add_test(tc, every_clause_word_ends_negation);
    tcase_add_test(tc, degree_and_modality);
    tcase_add_test(tc, conditionals_and_questions);
    tcase_add_test(tc, formulas);
    tcase_add_test(tc, long_statement_rules_stay_in_their_sentences);
    tcase_add_test(tc, clauses_in_every_sentence_with_hits);
    suite_add_tcase(s, tc);
    return s;
}
