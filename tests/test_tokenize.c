/*
 * test_tokenize.c - tokens and sentences in English, Chinese and both.
 */
#include <check.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"
#include "testutil.h"
#include "suites.h"

START_TEST(issue_example_two_sentences)
{
    const char *text = "美方应立即停止挑衅。We will not tolerate this, said the U.S. envoy.";
    spiral_session *s = test_session(1);
    const spiral_doc *doc;
    const spiral_sentence *sent;
    const spiral_token *tok;
    size_t n, ntok;
    spiral_error err;

    ck_assert_str_eq(test_tokens(s, text, NULL),
                     "美方|应|立即|停止|挑衅|。 || we|will|not|tolerate|this|,|said|the|u.s.|envoy|.");
    ck_assert_int_eq(spiral_session_analyze(s, text, strlen(text), NULL, &doc, &err), 0);
    sent = spiral_doc_sentences(doc, &n);
    tok = spiral_doc_tokens(doc, &ntok);
    ck_assert_uint_eq(n, 2);
    /* Offsets slice the original exactly. */
    ck_assert_int_eq(memcmp(text + sent[0].start, "美方应立即停止挑衅。", sent[0].end - sent[0].start), 0);
    ck_assert_uint_eq(sent[0].end - sent[0].start, strlen("美方应立即停止挑衅。"));
    ck_assert_int_eq(memcmp(text + tok[14].start, "U.S.", 4), 0);
    ck_assert_uint_eq(tok[14].end - tok[14].start, 4);
    ck_assert_uint_eq(sent[1].end, strlen(text));
}
END_TEST

START_TEST(english_abbreviations_do_not_split)
{
    spiral_session *s = test_session(0);

    ck_assert_str_eq(test_tokens(s, "Mr. Blinken met Gen. Milley at No. 10 Downing St. on Monday.", "en"),
                     "mr.|blinken|met|gen.|milley|at|no.|10|downing|st.|on|monday|.");
    ck_assert_str_eq(test_tokens(s, "Growth was 2.5 percent. Prices rose 1,000.5 yuan.", "en"),
                     "growth|was|2.5|percent|. || prices|rose|1,000.5|yuan|.");
    ck_assert_str_eq(test_tokens(s, "He moved to the U.S. The talks ended.", "en"),
                     "he|moved|to|the|u.s. || the|talks|ended|.");
    ck_assert_str_eq(test_tokens(s, "John F. Kennedy spoke.", "en"), "john|f.|kennedy|spoke|.");
}
END_TEST

START_TEST(english_contractions_and_hyphens)
{
    spiral_session *s = test_session(0);

    ck_assert_str_eq(test_tokens(s, "We won't accept it; China's de-escalation plan can't work.", "en"),
                     "we|wo|n't|accept|it|;|china|'s|de-escalation|plan|ca|n't|work|.");
    ck_assert_str_eq(test_tokens(s, "They cannot ignore O'Brien's win-win offer.", "en"),
                     "they|can|not|ignore|o'brien|'s|win-win|offer|.");
    /* curly apostrophes behave the same */
    ck_assert_str_eq(test_tokens(s, "We don\xE2\x80\x99t.", "en"), "we|do|n't|.");
}
END_TEST

START_TEST(english_quotes_close_sentences)
{
    spiral_session *s = test_session(0);

    ck_assert_str_eq(test_tokens(s, "He said: \"Stop now!\" Nobody listened?", "en"),
                     "he|said|:|\"|stop|now|!|\" || nobody|listened|?");
    ck_assert_str_eq(test_tokens(s, "Wait... what?", "en"), "wait|...|what|?");
}
END_TEST

START_TEST(chinese_terminators_and_quotes)
{
    spiral_session *s = test_session(0);

    /* Without a dictionary Chinese falls back to single characters. */
    ck_assert_str_eq(test_tokens(s, "他说：“停止！”好。是吗？对；不……", "zh"),
                     "他|说|:|“|停|止|!|” || 好|。 || 是|吗|? || 对|; || 不|......");
    /* A full stop inside Latin text is not a Chinese semicolon. */
    ck_assert_str_eq(test_tokens(s, "a; b", "en"), "a|;|b");
}
END_TEST

START_TEST(latin_inside_chinese_stays_whole)
{
    spiral_session *s = test_session(1);
    const char *t = test_tokens(s, "北约NATO在G7峰会上讨论5G。", "zh");

    ck_assert_msg(strstr(t, "|nato|") && strstr(t, "|g7|") && strstr(t, "|5g|"), "%s", t);
}
END_TEST

START_TEST(full_width_and_traditional_offsets)
{
    spiral_session *s = test_session(0);
    const char *text = "ＮＡＴＯ東擴。";
    const spiral_doc *doc;
    const spiral_token *tok;
    size_t n;
    spiral_error err;

    ck_assert_int_eq(spiral_session_analyze(s, text, strlen(text), NULL, &doc, &err), 0);
    tok = spiral_doc_tokens(doc, &n);
    ck_assert_uint_ge(n, 3);
    ck_assert_uint_eq(tok[0].start, 0);
    ck_assert_uint_eq(tok[0].end, 12); /* four full-width letters */
    ck_assert_int_eq(memcmp(spiral_doc_norm(doc, NULL) + tok[0].norm_start, "nato", 4), 0);
    ck_assert_int_eq(memcmp(text + tok[1].start, "東", 3), 0);
    ck_assert_str_eq(spiral_doc_lang(doc), "zh");
}
END_TEST

START_TEST(paragraphs_and_crlf)
{
    spiral_session *s = test_session(0);

    ck_assert_str_eq(test_tokens(s, "Heading without stop\r\n\r\nBody text here", "en"),
                     "heading|without|stop || body|text|here");
    ck_assert_str_eq(test_tokens(s, "a line\nwrapped here", "en"), "a|line|wrapped|here");
}
END_TEST

START_TEST(language_detection)
{
    spiral_session *s = test_session(0);
    const spiral_doc *doc;
    spiral_error err;

    ck_assert_int_eq(spiral_session_analyze(s, "We urge restraint.", 18, NULL, &doc, &err), 0);
    ck_assert_str_eq(spiral_doc_lang(doc), "en");
    ck_assert_int_eq(spiral_session_analyze(s, "中方坚决反对。", strlen("中方坚决反对。"), NULL, &doc, &err), 0);
    ck_assert_str_eq(spiral_doc_lang(doc), "zh");
    ck_assert_int_eq(spiral_session_analyze(s, "2022 !!", 7, NULL, &doc, &err), 0);
    ck_assert_str_eq(spiral_doc_lang(doc), "und");
    ck_assert_int_eq(spiral_session_analyze(s, "text", 4, "zh-TW", &doc, &err), 0);
    ck_assert_str_eq(spiral_doc_lang(doc), "zh");
}
END_TEST

START_TEST(token_limit)
{
    spiral_session *s;
    spiral_session_opts o = SPIRAL_SESSION_OPTS_INIT;
    const spiral_doc *doc;
    spiral_error err;

    o.max_tokens = 3;
    ck_assert_int_eq(spiral_session_new(&s, NULL, NULL, &o, &err), 0);
    ck_assert_int_eq(spiral_session_analyze(s, "one two three four", 18, "en", &doc, &err),
                     SPIRAL_ELIMIT);
    ck_assert(strstr(err.message, "3 tokens") != NULL);
    spiral_session_free(s);
}
END_TEST

/* Each ASCII character alone between spaces: letters are words, digits
 * numbers, $ + < = > ^ ` | ~ symbols, other printable characters
 * punctuation, control characters and DEL nothing. */
START_TEST(ascii_characters_have_their_classes)
{
    spiral_session *s = test_session(0);
    const spiral_doc *doc;
    const spiral_token *tok;
    spiral_error err;
    size_t n;
    int c;

    for (c = 1; c < 128; c++) {
        char text[4] = { ' ', (char)c, ' ', '\0' };
        uint32_t want = SPIRAL_TOK_PUNCT;

        if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
            want = SPIRAL_TOK_WORD;
        else if (c >= '0' && c <= '9')
            want = SPIRAL_TOK_NUMBER;
        else if (strchr("$+<=>^`|~", c))
            want = SPIRAL_TOK_SYMBOL;
        ck_assert_int_eq(spiral_session_analyze(s, text, 3, "en", &doc, &err), SPIRAL_OK);
        tok = spiral_doc_tokens(doc, &n);
        if (c <= ' ' || c == 0x7F) {
            ck_assert_msg(n == 0, "character %d made a token", c);
            continue;
        }
        ck_assert_msg(n == 1 && tok[0].kind == want && tok[0].start == 1 && tok[0].end == 2,
                      "character %d: %zu tokens, kind %u", c, n, n ? tok[0].kind : 0);
    }
}
END_TEST

/* A word of ASCII letters and digits is one token when what follows cannot
 * continue it; before . , % - ' the general rules decide. */
START_TEST(ascii_words_end_before_what_cannot_continue_them)
{
    spiral_session *s = test_session(0);

    ck_assert_str_eq(test_tokens(s, "abc(d abc\"d abc/d abc:d abc!d abc", "en"),
                     "abc|(|d|abc|\"|d|abc|/|d|abc|:|d|abc|! || d|abc");
    ck_assert_str_eq(test_tokens(s, "abc,d abc%d abc-d abc'd", "en"),
                     "abc|,|d|abc|%|d|abc-d|abc|'d");
    ck_assert_str_eq(test_tokens(s, "12 12:30 12,500 12.5 12% 12-3 5g 5g. cannot Cannot cannots",
                                 "en"),
                     "12|12|:|30|12,500|12.5|12|%|12|-|3|5g|5g|. || can|not|can|not|cannots");
    /* a word at the very end of the text */
    ck_assert_str_eq(test_tokens(s, "end", "en"), "end");
    ck_assert_str_eq(test_tokens(s, "2022", "en"), "2022");
}
END_TEST

/* The tokens of text joined by '|', sentence breaks left out. */
static const char *plain_tokens(spiral_session *s, const char *text)
{
    static char buf[256];
    const char *t = test_tokens(s, text, "en");
    size_t o = 0;

    while (*t && o + 1 < sizeof buf) {
        if (strncmp(t, " || ", 4) == 0) {
            buf[o++] = '|';
            t += 4;
        } else {
            buf[o++] = *t++;
        }
    }
    buf[o] = '\0';
    return buf;
}

/* Every ASCII byte between two words of letters (after the first's 2nd,
 * 8th and 11th letter, so that it falls in each eight-byte step of the
 * scan), and between two numbers: what joins them and what parts them. */
START_TEST(every_ascii_byte_between_two_words)
{
    static const char *const heads[] = { "ab", "abcdefgh", "abcdefghijk" };
    spiral_session *s = test_session(0);
    char text[32], want[64];
    size_t h;
    int c;

    for (h = 0; h < sizeof heads / sizeof heads[0]; h++) {
        for (c = 1; c < 128; c++) {
            const char *head = heads[h];

            snprintf(text, sizeof text, "%s%ccd", head, c);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '\'')
                snprintf(want, sizeof want, "%s%ccd", head, c); /* one word */
            else if (c >= 'A' && c <= 'Z')
                snprintf(want, sizeof want, "%s%ccd", head, c + 32);
            else if (c <= ' ' || c == 0x7F)
                snprintf(want, sizeof want, "%s|cd", head);
            else
                snprintf(want, sizeof want, "%s|%c|cd", head, c);
            ck_assert_msg(strcmp(plain_tokens(s, text), want) == 0, "byte %d: %s, not %s", c,
                          plain_tokens(s, text), want);
            /* numbers: joined by digits, letters, and , or . before a digit */
            snprintf(text, sizeof text, "12%c34", c);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ',' || c == '.')
                snprintf(want, sizeof want, "12%c34", c);
            else if (c >= 'A' && c <= 'Z')
                snprintf(want, sizeof want, "12%c34", c + 32);
            else if (c <= ' ' || c == 0x7F)
                snprintf(want, sizeof want, "12|34");
            else
                snprintf(want, sizeof want, "12|%c|34", c);
            ck_assert_msg(strcmp(plain_tokens(s, text), want) == 0, "byte %d: %s, not %s", c,
                          plain_tokens(s, text), want);
        }
    }
}
END_TEST

/* Runs of letters and digits of every length up to 20 are one token: a
 * number when all are digits, else a word. */
START_TEST(letters_and_digits_of_every_length)
{
    spiral_session *s = test_session(0);
    const spiral_doc *doc;
    const spiral_token *tok;
    spiral_error err;
    char text[32];
    size_t n, len, k;

    for (len = 1; len <= 20; len++) {
        for (k = 0; k < 4; k++) {
            uint32_t want = k == 1 ? SPIRAL_TOK_NUMBER : SPIRAL_TOK_WORD;

            /* letters; digits; digits then a letter; a letter then digits */
            memset(text, k == 0 || k == 3 ? 'x' : '7', len);
            memset(text + 1, k == 0 ? 'x' : '7', len - 1);
            if (k == 2)
                text[len - 1] = 'x';
            text[len] = ' ';
            ck_assert_int_eq(spiral_session_analyze(s, text, len + 1, "en", &doc, &err),
                             SPIRAL_OK);
            tok = spiral_doc_tokens(doc, &n);
            ck_assert_msg(n == 1 && tok[0].end == len && tok[0].kind == want,
                          "length %zu, kind %zu: %zu tokens", len, k, n);
        }
    }
}
END_TEST

/* What a comma or a period does after a word or a number. */
START_TEST(commas_and_periods_after_words)
{
    spiral_session *s = test_session(0);

    ck_assert_str_eq(plain_tokens(s, "abc,d 12,ab 12,500 a1,2 5g,3 x,"),
                     "abc|,|d|12|,|ab|12,500|a1|,|2|5g|,|3|x|,");
    ck_assert_str_eq(plain_tokens(s, "talks. 2022. 3.5 5g. ab.cd no. 5 no.5 no. x"),
                     "talks|.|2022|.|3.5|5g|.|ab|.|cd|no.|5|no.|5|no|.|x");
    ck_assert_str_eq(plain_tokens(s, "etc.. wait... cannot. cannot, but. a.b. x. Y"),
                     "etc.|.|wait|...|can|not|.|can|not|,|but|.|a.b.|x|.|y");
}
END_TEST

/* Every abbreviation keeps its period, and the same letters with one more
 * do not (but for the dotted ones). */
START_TEST(abbreviations_keep_their_period)
{
    static const char *const abbr[] = {
        "adm", "amb", "apr", "approx", "aug", "capt", "cmdr", "co", "col", "corp", "dec",
        "dept", "dr", "e.g", "est", "etc", "feb", "fig", "gen", "gov", "hon", "i.e", "inc",
        "jan", "jr", "jul", "jun", "lt", "ltd", "maj", "mar", "messrs", "mr", "mrs", "ms",
        "nov", "oct", "pres", "prof", "rep", "rev", "sen", "sep", "sept", "sgt", "sr", "st",
        "supt", "vs"
    };
    spiral_session *s = test_session(0);
    char text[32], want[32];
    size_t i;

    for (i = 0; i < sizeof abbr / sizeof abbr[0]; i++) {
        snprintf(text, sizeof text, "see %s. x", abbr[i]);
        snprintf(want, sizeof want, "see|%s.|x", abbr[i]);
        ck_assert_str_eq(plain_tokens(s, text), want);
        if (strchr(abbr[i], '.'))
            continue; /* "e.gq." is cut as an acronym would be */
        snprintf(text, sizeof text, "see %sq. x", abbr[i]);
        snprintf(want, sizeof want, "see|%sq|.|x", abbr[i]);
        ck_assert_str_eq(plain_tokens(s, text), want);
    }
}
END_TEST

/* The nl byte's flags, as the tokenizer sets them, against what they
 * mean: SPIRAL_NL_CLAUSE for the tokens in tokenize.h's list, whatever
 * way they were cut, and SPIRAL_NL_MAY_END for punctuation, words ending
 * in a period and a clause's comma, semicolon or colon. */
START_TEST(clause_and_sentence_end_flags)
{
    static const char *const clause[] = {
        ",", ";", ":", "but", "yet", "though", "however", "whereas", "although",
        "但", "但是", "然而", "可是", "不过", "而是"
    };
    static const char *const texts[] = {
        "But we tried; yet, though they said however: whereas although BUT.",
        "butt bu yets thoughts howevers whereas, althoughs cannot mr. but- 'but' 12,5 x:y",
        "但是我们努力了，然而他们拒绝；可是不过而是但。但他说：好。",
        "NATO但是G7然而5,000。a，b；c：d"
    };
    spiral_session *s = test_session(1);
    const spiral_doc *doc;
    spiral_error err;
    size_t t, i, k, n;

    for (t = 0; t < sizeof texts / sizeof texts[0]; t++) {
        ck_assert_int_eq(spiral_session_analyze(s, texts[t], strlen(texts[t]), NULL, &doc,
                                                &err), SPIRAL_OK);
        for (i = 0; i < doc->tk.n; i++) {
            const spiral_token *tk = &doc->tk.tok[i];
            const char *w = doc->nt.text.data + tk->norm_start;
            int want = 0, end;

            n = tk->norm_end - tk->norm_start;
            for (k = 0; k < sizeof clause / sizeof clause[0]; k++)
                want |= strlen(clause[k]) == n && memcmp(clause[k], w, n) == 0;
            ck_assert_msg(!(doc->tk.nl[i] & SPIRAL_NL_CLAUSE) == !want,
                          "text %zu token %zu \"%.*s\": clause flag %d", t, i, (int)n, w, !want);
            end = tk->kind == SPIRAL_TOK_PUNCT ||
                  (tk->kind == SPIRAL_TOK_WORD && n >= 2 && w[n - 1] == '.') ||
                  (n == 1 && (w[0] == ',' || w[0] == ';' || w[0] == ':'));
            ck_assert_msg(!(doc->tk.nl[i] & SPIRAL_NL_MAY_END) == !end,
                          "text %zu token %zu \"%.*s\": end flag %d", t, i, (int)n, w, !end);
        }
    }
}
END_TEST

/* Han characters are found by their bytes from U+4E00 to U+9FFF: the
 * neighbours on both sides are not Han. */
START_TEST(han_range_edges)
{
    spiral_session *s = test_session(0);
    const spiral_doc *doc;
    const spiral_token *tok;
    spiral_error err;
    size_t n;
    /* 中, U+4DFF (a hexagram, a symbol), 文; U+9FFF then U+A000 (Yi, a letter) */
    const char *text = "\xE4\xB8\xAD\xE4\xB7\xBF\xE6\x96\x87 \xE4\xB8\x80\xE9\xBF\xBF\xEA\x80\x80";

    ck_assert_int_eq(spiral_session_analyze(s, text, strlen(text), "zh", &doc, &err), SPIRAL_OK);
    tok = spiral_doc_tokens(doc, &n);
    ck_assert_uint_eq(n, 6);
    ck_assert_uint_eq(tok[0].kind, SPIRAL_TOK_HAN);
    ck_assert_uint_eq(tok[1].kind, SPIRAL_TOK_SYMBOL);
    ck_assert_uint_eq(tok[2].kind, SPIRAL_TOK_HAN);
    ck_assert_uint_eq(tok[3].kind, SPIRAL_TOK_HAN); /* U+4E00 */
    ck_assert_uint_eq(tok[4].kind, SPIRAL_TOK_HAN); /* U+9FFF */
    ck_assert_uint_eq(tok[4].end, strlen(text) - 3);
    ck_assert_uint_eq(tok[5].kind, SPIRAL_TOK_WORD);
}
END_TEST

/* The sentences of `words` words, alternately w0 and w1 followed by sep,
 * with a comma after word `comma` (none if it is past the end). */
static const spiral_sentence *words_sentences(const char *w0, const char *w1, const char *sep,
                                              size_t words, size_t comma, const char *lang,
                                              size_t *n)
{
    const spiral_doc *doc;
    spiral_error err;
    char *text = malloc(words * 16 + 2);
    size_t i, o = 0;

    ck_assert_ptr_nonnull(text);
    for (i = 0; i < words; i++)
        o += (size_t)sprintf(text + o, "%s%s%s", i % 2 ? w1 : w0, i == comma ? "," : "", sep);
    ck_assert_int_eq(spiral_session_analyze(test_session(1), text, o, lang, &doc, &err),
                     SPIRAL_OK);
    free(text);
    return spiral_doc_sentences(doc, n);
}

/* Text without sentence punctuation is cut into sentences of at most 1,024
 * tokens: after the last comma in a sentence's second half, else at the
 * limit. */
START_TEST(overlong_sentences_are_cut)
{
    const spiral_sentence *sent;
    size_t n;

    /* 3,000 words: 1,024 + 1,024 + 952 */
    sent = words_sentences("arms", "talks", " ", 3000, SIZE_MAX, "en", &n);
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(sent[0].ntokens, 1024);
    ck_assert_uint_eq(sent[1].first_token, 1024);
    ck_assert_uint_eq(sent[1].ntokens, 1024);
    ck_assert_uint_eq(sent[2].ntokens, 952);
    ck_assert_uint_eq(sent[1].start, 1024 / 2 * 11); /* "arms talks " per two words */
    /* A comma after word 700 (token 700): the first sentence ends there. */
    sent = words_sentences("arms", "talks", " ", 1500, 699, "en", &n);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(sent[0].ntokens, 701);
    ck_assert_uint_eq(sent[1].ntokens, 1500 + 1 - 701);
    /* A comma too early (word 100) does not make a 101-token sentence. */
    sent = words_sentences("arms", "talks", " ", 1500, 99, "en", &n);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(sent[0].ntokens, 1024);
    /* Chinese without 。: 1,500 two-character words, the same limit. */
    sent = words_sentences("军备", "军备", "", 1500, SIZE_MAX, "zh", &n);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(sent[0].ntokens, 1024);
    ck_assert_uint_eq(sent[1].ntokens, 476);
}
END_TEST

Suite *tokenize_suite(void)
{
    Suite *s = suite_create("tokenize");
    TCase *tc = tcase_create("core");

    tcase_add_unchecked_fixture(tc, NULL, test_teardown);
    tcase_add_test(tc, issue_example_two_sentences);
    tcase_add_test(tc, english_abbreviations_do_not_split);
    tcase_add_test(tc, english_contractions_and_hyphens);
    tcase_add_test(tc, english_quotes_close_sentences);
    tcase_add_test(tc, chinese_terminators_and_quotes);
    tcase_add_test(tc, latin_inside_chinese_stays_whole);
    tcase_add_test(tc, full_width_and_traditional_offsets);
    tcase_add_test(tc, paragraphs_and_crlf);
    tcase_add_test(tc, language_detection);
    tcase_add_test(tc, token_limit);
    tcase_add_test(tc, overlong_sentences_are_cut);
    tcase_add_test(tc, ascii_characters_have_their_classes);
    tcase_add_test(tc, ascii_words_end_before_what_cannot_continue_them);
    tcase_add_test(tc, han_range_edges);
    tcase_add_test(tc, every_ascii_byte_between_two_words);
    tcase_add_test(tc, letters_and_digits_of_every_length);
    tcase_add_test(tc, commas_and_periods_after_words);
    tcase_add_test(tc, abbreviations_keep_their_period);
    tcase_add_test(tc, clause_and_sentence_end_flags);
    suite_add_tcase(s, tc);
    return s;
}
