/*
 * test_attribute.c - speakers, targets and self versus other, in both
 * languages: pronouns, metonyms, leaders in and out of office, unnamed
 * referents, and names that are not actors.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "suites.h"
#include "testutil.h"

static const spiral_doc *analyze(const char *text, const char *date, const char *actor,
                                 const char *target)
{
    spiral_context ctx = SPIRAL_CONTEXT_INIT;
    const spiral_doc *doc;
    spiral_error err;

    ctx.date = date;
    ctx.actor = actor;
    ctx.target = target;
    ck_assert_int_eq(spiral_session_analyze_ctx(test_scoring_session(), text, strlen(text), &ctx,
                                                &doc, &err), SPIRAL_OK);
    return doc;
}

/* "text>TARGET/portrayal" for each hit, joined by " | ". */
static const char *targets(const spiral_doc *doc)
{
    static char buf[2048];
    const char *text = spiral_doc_text(doc, NULL);
    const spiral_hit *h;
    size_t n, i, o = 0;

    h = spiral_doc_hits(doc, &n);
    buf[0] = '\0';
    for (i = 0; i < n; i++)
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%.*s>%s/%s", i ? " | " : "",
                              (int)(h[i].end - h[i].start), text + h[i].start,
                              h[i].target ? h[i].target : "-",
                              h[i].portrayal ? spiral_portrayal_name(h[i].portrayal) : "-");
    return buf;
}

START_TEST(speaker_from_actor_field)
{
    ck_assert_str_eq(spiral_doc_speaker(analyze("Good afternoon.", "2020-02-03",
                                                "CHN-MFA:Hua Chunying", NULL)), "CHN");
    /* no code prefix: the spokesperson's name, in office on the date */
    ck_assert_str_eq(spiral_doc_speaker(analyze("Good afternoon.", "2020-02-03",
                                                "Spokesperson Hua Chunying", NULL)), "CHN");
    ck_assert_ptr_null(spiral_doc_speaker(analyze("Good afternoon.", "2030-02-03",
                                                  "Spokesperson Hua Chunying", NULL)));
    ck_assert_ptr_null(spiral_doc_speaker(analyze("Good afternoon.", NULL, "journalist", NULL)));
}
END_TEST

START_TEST(english_targets_pronouns_and_metonyms)
{
    ck_assert_str_eq(targets(analyze("We condemn Russia's aggression against Ukraine.",
                                     "2022-03-01", "USA-StateDept", NULL)),
                     "condemn>RUS/self | aggression>RUS/other");
    ck_assert_str_eq(targets(analyze("The Kremlin continues its provocations.",
                                     "2022-03-01", "USA-StateDept", NULL)),
                     "provocations>RUS/other");
    /* Washington as the subject of a Chinese statement's accusation */
    ck_assert_str_eq(targets(analyze("Washington should stop smearing China; we firmly oppose sanctions.",
                                     "2020-05-01", "CHN-MFA:Hua Chunying", NULL)),
                     "oppose>USA/self | sanctions>USA/self");
    /* an unnamed referent is unresolved, not guessed */
    ck_assert_str_eq(targets(analyze("Certain countries keep spreading provocations.",
                                     "2020-05-01", "CHN-MFA", NULL)),
                     "provocations>UNRESOLVED/other");
    /* the South China Sea names no actor */
    ck_assert_str_eq(targets(analyze("Provocations in the South China Sea must stop.",
                                     "2020-05-01", "CHN-MFA", NULL)),
                     "Provocations>-/other");
}
END_TEST

START_TEST(leaders_only_in_office)
{
    ck_assert_str_eq(targets(analyze("Reagan condemned the provocations.", "1985-06-01",
                                     "RUS-MFA", NULL)),
                     "condemned>USA/other | provocations>USA/other");
    /* out of office: no longer the USA */
    ck_assert_str_eq(targets(analyze("Reagan condemned the provocations.", "1995-06-01",
                                     "RUS-MFA", NULL)),
                     "condemned>-/other | provocations>-/other");
}
END_TEST

START_TEST(chinese_targets)
{
    ck_assert_str_eq(targets(analyze("美方霸凌，中方坚决反对。", "2020-05-01", "CHN-MFA:华春莹", NULL)),
                     "霸凌>USA/other | 坚决反对>USA/self");
    ck_assert_str_eq(targets(analyze("我们愿同美方对话协商。", "2020-05-01", "CHN-MFA", NULL)),
                     "对话协商>USA/self");
    ck_assert_str_eq(targets(analyze("個別國家別有用心地挑釁。", "2020-05-01", "CHN-MFA", NULL)),
                     "挑釁>UNRESOLVED/other");
    /* no actor named: the record's target field */
    ck_assert_str_eq(targets(analyze("坚决反对任何挑衅。", "2020-05-01", "CHN-MFA", "JPN")),
                     "坚决反对>JPN/other | 挑衅>JPN/other");
}
END_TEST

START_TEST(target_distribution)
{
    const spiral_doc *doc = analyze("美方挑衅。中方坚决反对美方制裁，愿意对话协商。", "2020-05-01",
                                    "CHN-MFA", NULL);
    const spiral_target_share *t;
    size_t n;

    t = spiral_doc_targets(doc, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(t[0].target, "USA");
    ck_assert_uint_eq(t[0].hits, 4);
    ck_assert_double_eq_tol(t[0].threat, 2.0 + 2.5 + 2.0, 1e-9);
    ck_assert_double_eq_tol(t[0].reassurance, 2.0, 1e-9);
}
END_TEST

/* Each word that marks the mention after it as an object or partner: the
 * subject of the hit is then the mention before. */
START_TEST(object_markers_each_pass_the_subject_on)
{
    static const char *const en[] = { "with", "to", "toward", "towards", "against", "on", "at",
                                      "by", "from" };
    static const char *const zh[] = { "同", "与", "和", "跟", "对", "向", "给", "针对", "对于",
                                      "替", "为" };
    char text[128];
    size_t i;

    for (i = 0; i < sizeof en / sizeof en[0]; i++) {
        snprintf(text, sizeof text, "Ukraine %s Russia condemn sanctions.", en[i]);
        ck_assert_msg(strcmp(targets(analyze(text, "2022-03-01", NULL, NULL)),
                             "condemn>UKR/other | sanctions>UKR/other") == 0, "%s: %s", en[i],
                      targets(analyze(text, "2022-03-01", NULL, NULL)));
    }
    ck_assert_str_eq(targets(analyze("Ukraine and Russia condemn sanctions.", "2022-03-01", NULL,
                                     NULL)), "condemn>RUS/other | sanctions>RUS/other");
    for (i = 0; i < sizeof zh / sizeof zh[0]; i++) {
        snprintf(text, sizeof text, "美国%s俄方挑衅。", zh[i]);
        ck_assert_msg(strcmp(targets(analyze(text, "2022-03-01", NULL, NULL)), "挑衅>USA/other") == 0,
                      "%s: %s", zh[i], targets(analyze(text, "2022-03-01", NULL, NULL)));
    }
    ck_assert_str_eq(targets(analyze("美国说俄方挑衅。", "2022-03-01", NULL, NULL)),
                     "挑衅>RUS/other");
}
END_TEST

Suite *attribute_suite(void)
{
    Suite *s = suite_create("attribute");
    TCase *tc = tcase_create("core");

    tcase_add_unchecked_fixture(tc, NULL, test_teardown);
    tcase_add_test(tc, speaker_from_actor_field);
    tcase_add_test(tc, english_targets_pronouns_and_metonyms);
    tcase_add_test(tc, leaders_only_in_office);
    tcase_add_test(tc, chinese_targets);
    tcase_add_test(tc, target_distribution);
    tcase_add_test(tc, object_markers_each_pass_the_subject_on);
    suite_add_tcase(s, tc);
    return s;
}
