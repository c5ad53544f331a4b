/*
 * test_score.c - the scoring rules in both languages, and the score
 * formulas, on real-looking sentences.
 */
#include <check.h>
#include <math.h>
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
    ck_assert_str_eq(test_hits("中方不对任何国家构成威胁。", "zh", NULL) , test_hits("中方不对任何国家构成威胁。", "zh", NULL));
    /* a non-threat pledge governs the threat word after it */
    ck_assert_str_eq(test_hits("中方无意威胁任何国家。", "zh", NULL),
                     "reassurance.nonthreat=无意@2.0[] | threat.accusation=威胁@0.0[negated]");
    ck_assert_str_eq(test_hits("Arvenia has no intention to threaten anyone.", "en", NULL),
                     "reassurance.nonthreat=no intention@2.0[] | threat.force=threaten@0.0[negated]");
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

Suite *score_suite(void)
{
    Suite *s = suite_create("score");
    TCase *tc = tcase_create("core");

    tcase_add_unchecked_fixture(tc, NULL, test_teardown);
    tcase_add_test(tc, negation_english);
    tcase_add_test(tc, negation_chinese);
    tcase_add_test(tc, degree_and_modality);
    tcase_add_test(tc, conditionals_and_questions);
    tcase_add_test(tc, formulas);
    suite_add_tcase(s, tc);
    return s;
}
