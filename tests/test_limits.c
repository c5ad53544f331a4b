/*
 * test_limits.c - resource limits: each is configurable, is reported when
 * exceeded, and bounds the work (a catastrophic regular expression in a
 * user lexicon is stopped, not a hang).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "suites.h"
#include "testutil.h"

static double seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A sealed lexicon holding the test lexicon plus the lines of `extra`. */
static spiral_lexicon *lexicon_with(const char *extra)
{
    spiral_lexicon *lex;
    spiral_error err;

    ck_assert_int_eq(spiral_lexicon_new(&lex, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_add_dir(lex, "tests/data/lex", &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_add_file(lex, test_tmpfile(extra, strlen(extra), ".tsv", 2),
                                             &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_seal(lex, &err), SPIRAL_OK);
    return lex;
}

/* Analyse text with lex under opts; return the doc (owned by *s). */
static const spiral_doc *analyse(spiral_session **s, const spiral_lexicon *lex,
                                 const spiral_session_opts *opts, const char *text)
{
    const spiral_doc *doc;
    spiral_error err;

    ck_assert_int_eq(spiral_session_new(s, NULL, lex, opts, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_session_analyze(*s, text, strlen(text), "en", &doc, &err),
                     SPIRAL_OK);
    return doc;
}

static char *repeat(const char *unit, size_t times, const char *tail)
{
    size_t n = strlen(unit), i;
    char *s = malloc(n * times + strlen(tail) + 1);

    ck_assert_ptr_nonnull(s);
    for (i = 0; i < times; i++)
        memcpy(s + i * n, unit, n);
    strcpy(s + n * times, tail);
    return s;
}

/* "(a+)+$" on a long run of a's then b: PCRE2's match limit stops it at
 * the first starting point. */
START_TEST(catastrophic_regex_stopped_by_match_limit)
{
    spiral_lexicon *lex = lexicon_with("re:(a+)+$\tthreat.warning\t1\n");
    spiral_session *s;
    char *text = repeat("a", 5000, "b");
    double t0 = seconds();
    const spiral_doc *doc = analyse(&s, lex, NULL, text);

    ck_assert_uint_ge(spiral_doc_regex_limited(doc), 1);
    ck_assert_double_lt(seconds() - t0, 5.0);
    spiral_session_free(s);
    spiral_lexicon_free(lex);
    free(text);
}
END_TEST

/* The same pattern over many short runs costs a little under the match
 * limit from every starting point: the time limit stops it. */
START_TEST(catastrophic_regex_stopped_by_time_limit)
{
    spiral_lexicon *lex = lexicon_with("re:(a|a)+$\tthreat.warning\t1\n");
    spiral_session_opts o = SPIRAL_SESSION_OPTS_INIT;
    spiral_session *s;
    char *text = repeat("aaaaaaaaaaaaaaaaaab ", 20000, "");
    double t0 = seconds(), took;
    const spiral_doc *doc;

    o.regex_time_limit = 200;
    doc = analyse(&s, lex, &o, text);
    took = seconds() - t0;
    /* (Under valgrind other entries may run out of time too.) */
    ck_assert_uint_ge(spiral_doc_regex_limited(doc), 1);
    ck_assert_msg(took < 10.0, "took %.2f s", took); /* unbounded: about 30 s */
    spiral_session_free(s);
    spiral_lexicon_free(lex);
    free(text);
}
END_TEST

/* A tight match limit is a limit too; a generous one finds the match. */
START_TEST(match_limit_is_configurable)
{
    spiral_lexicon *lex = lexicon_with("re:(\\w+\\s?)+ dialogue\tthreat.warning\t1\n");
    spiral_session_opts o = SPIRAL_SESSION_OPTS_INIT;
    spiral_session *s;
    const spiral_doc *doc;
    size_t n;

    o.regex_match_limit = 2;
    doc = analyse(&s, lex, &o, "we want more and more and more dialogue");
    ck_assert_uint_ge(spiral_doc_regex_limited(doc), 1);
    spiral_session_free(s);
    doc = analyse(&s, lex, NULL, "we want more and more and more dialogue");
    ck_assert_uint_eq(spiral_doc_regex_limited(doc), 0);
    spiral_doc_hits(doc, &n);
    ck_assert_uint_ge(n, 1);
    spiral_session_free(s);
    spiral_lexicon_free(lex);
}
END_TEST

/* A pattern that matches the empty string steps over multibyte
 * characters without PCRE2 errors (which would count as limits). */
START_TEST(empty_regex_match_in_multibyte_text_is_not_a_limit)
{
    spiral_lexicon *lex = lexicon_with("re:x*\tthreat.warning\t1\n");
    spiral_session *s;
    const spiral_doc *doc = analyse(&s, lex, NULL, "\xE4\xB8\xAD\xE6\x96\xB9 x \xC3\xA9t\xC3\xA9");

    ck_assert_uint_eq(spiral_doc_regex_limited(doc), 0);
    spiral_session_free(s);
    spiral_lexicon_free(lex);
}
END_TEST

/* A regex that matches everywhere still ends, with every match kept. */
START_TEST(regex_matching_every_character_ends)
{
    spiral_lexicon *lex = lexicon_with("re:a\tthreat.warning\t1\n");
    spiral_session_opts o = SPIRAL_SESSION_OPTS_INIT;
    spiral_session *s;
    char *text = repeat("a ", 50000, ".");
    const spiral_doc *doc;
    size_t n;

    o.regex_time_limit = 0; /* only the match limits: the result may not depend on speed */
    doc = analyse(&s, lex, &o, text);

    ck_assert_uint_eq(spiral_doc_regex_limited(doc), 0);
    spiral_doc_hits(doc, &n);
    ck_assert_uint_eq(n, 50000);
    spiral_session_free(s);
    spiral_lexicon_free(lex);
    free(text);
}
END_TEST

/* A regex entry is searched only in the sentences holding one of its
 * literals, with the same result as a search of every sentence: a match
 * that would cross a sentence end is not one, a sentence without the
 * literal has none, and matches in sentences far apart are all found. */
START_TEST(regex_matches_stay_within_sentences)
{
    spiral_lexicon *lex = lexicon_with("re:\\bwithdr\\w*\\s+(?:\\S+\\s+){0,3}?troops\\b"
                                       "\tthreat.warning\t1\n");
    static const char text[] = "We will withdraw. Troops stay where they are. The weather is "
                               "mild. They withdrew all their troops in May. Nothing else. "
                               "Withdraw the troops now!";
    static const char *want[] = { "withdrew all their troops", "Withdraw the troops" };
    spiral_session *s;
    const spiral_doc *doc = analyse(&s, lex, NULL, text);
    const spiral_hit *h;
    size_t n, i;

    h = spiral_doc_hits(doc, &n);
    ck_assert_uint_eq(n, 2);
    for (i = 0; i < n; i++) {
        ck_assert_uint_eq(h[i].end - h[i].start, strlen(want[i]));
        ck_assert(memcmp(text + h[i].start, want[i], strlen(want[i])) == 0);
    }
    ck_assert_uint_eq(h[0].sentence, 3);
    ck_assert_uint_eq(h[1].sentence, 5);
    spiral_session_free(s);
    spiral_lexicon_free(lex);
}
END_TEST

/* A tokens-only session (what `spiral tokens` uses) segments exactly as a
 * scoring one, lexicon words kept whole included, and reports no hits and
 * neutral zero scores. */
START_TEST(tokens_only_session_segments_the_same)
{
    spiral_lexicon *lex = lexicon_with("");
    spiral_session_opts o = SPIRAL_SESSION_OPTS_INIT;
    static const char text[] = "The United States firmly opposes the sanctions and warns of "
                               "consequences. 中方坚决反对美方的单边制裁,敦促美方停止挑衅。";
    spiral_session *full, *only;
    const spiral_doc *a, *b;
    const spiral_token *ta, *tb;
    size_t na, nb, nh, i;
    spiral_scores sc;

    a = analyse(&full, lex, NULL, text);
    o.tokens_only = 1;
    b = analyse(&only, lex, &o, text);
    ta = spiral_doc_tokens(a, &na);
    tb = spiral_doc_tokens(b, &nb);
    ck_assert_uint_gt(na, 20);
    ck_assert_uint_eq(na, nb);
    for (i = 0; i < na; i++) {
        ck_assert_uint_eq(ta[i].start, tb[i].start);
        ck_assert_uint_eq(ta[i].end, tb[i].end);
    }
    spiral_doc_sentences(a, &na);
    spiral_doc_sentences(b, &nb);
    ck_assert_uint_eq(na, nb);
    spiral_doc_hits(a, &nh);
    ck_assert_uint_gt(nh, 2);
    spiral_doc_hits(b, &nh);
    ck_assert_uint_eq(nh, 0);
    spiral_doc_scores(b, &sc);
    ck_assert_double_eq(sc.threat, 0);
    ck_assert_str_eq(sc.label, "neutral");
    spiral_session_free(full);
    spiral_session_free(only);
    spiral_lexicon_free(lex);
}
END_TEST

START_TEST(max_tokens_is_a_clear_error)
{
    spiral_session_opts o = SPIRAL_SESSION_OPTS_INIT;
    spiral_session *s;
    const spiral_doc *doc;
    spiral_error err;
    const char *text = "one two three four five six";

    o.max_tokens = 5;
    ck_assert_int_eq(spiral_session_new(&s, NULL, NULL, &o, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_session_analyze(s, text, strlen(text), NULL, &doc, &err),
                     SPIRAL_ELIMIT);
    ck_assert_ptr_null(doc);
    ck_assert_ptr_nonnull(strstr(err.message, "more than 5 tokens"));
    ck_assert_ptr_nonnull(strstr(err.message, "--max-tokens"));
    /* The session goes on with the next statement. */
    ck_assert_int_eq(spiral_session_analyze(s, "two words", 9, NULL, &doc, &err), SPIRAL_OK);
    spiral_session_free(s);
}
END_TEST

START_TEST(max_record_bytes_skips_the_record_and_goes_on)
{
    const char *in = "{\"text\":\"short\"}\n{\"text\":\"this one is far too long\"}\n"
                     "{\"text\":\"ok\"}\n";
    spiral_read_opts o = SPIRAL_READ_OPTS_INIT;
    spiral_reader *r;
    const spiral_record *rec;
    spiral_error err;

    o.max_record_bytes = 20;
    ck_assert_int_eq(spiral_reader_open(&r, test_tmpfile(in, strlen(in), ".jsonl", 3), &o, &err),
                     SPIRAL_OK);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 1);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_ELIMIT);
    ck_assert_uint_eq(err.line, 2);
    ck_assert_ptr_nonnull(strstr(err.message, "20-byte limit (--max-bytes)"));
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 1);
    ck_assert_str_eq(rec->text, "ok");
    ck_assert_uint_eq(rec->line, 3);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 0);
    spiral_reader_free(r);
}
END_TEST

Suite *limits_suite(void)
{
    Suite *s = suite_create("limits");
    TCase *tc = tcase_create("limits");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, catastrophic_regex_stopped_by_match_limit);
    tcase_add_test(tc, catastrophic_regex_stopped_by_time_limit);
    tcase_add_test(tc, match_limit_is_configurable);
    tcase_add_test(tc, empty_regex_match_in_multibyte_text_is_not_a_limit);
    tcase_add_test(tc, regex_matching_every_character_ends);
    tcase_add_test(tc, regex_matches_stay_within_sentences);
    tcase_add_test(tc, tokens_only_session_segments_the_same);
    tcase_add_test(tc, max_tokens_is_a_clear_error);
    tcase_add_test(tc, max_record_bytes_skips_the_record_and_goes_on);
    suite_add_tcase(s, tc);
    return s;
}
