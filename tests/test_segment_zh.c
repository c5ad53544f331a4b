/*
 * test_segment_zh.c - Chinese word segmentation (src/segment_zh.c).
 *
 * Each case segments one chunk of normalised text (what the tokenizer hands
 * over: Han characters, ASCII letters and digits) and compares the words,
 * joined with '/', with the expected ones.  Uses the compiled dictionary that
 * `make` builds at build/zh.dict; run from the repository root.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "segment_zh.h"
#include "spiral.h"
#include "zhdict.h"

#define ZH_DICT "build/zh.dict"

Suite *segment_zh_suite(void);

static spiral_dict *load_dict(void)
{
    spiral_dict *d = NULL;
    spiral_error err;

    ck_assert_msg(spiral_dict_load(&d, ZH_DICT, &err) == SPIRAL_OK, "%s: %s", err.file,
                  err.message);
    return d;
}

/* Segment text and write its words, joined by '/', to out. */
static const char *seg(const spiral_dict *dict, const spiral_dict *user, const char *text,
                       char *out, size_t outsize)
{
    spiral_zhseg *z;
    uint32_t *ends = NULL;
    size_t n = 0, cap = 0, i, o = 0;
    uint32_t prev = 0;

    ck_assert_int_eq(spiral_zhseg_new(&z), SPIRAL_OK);
    ck_assert_int_eq(spiral_zhseg_chunk(z, dict, user, text, strlen(text), &ends, &n, &cap),
                     SPIRAL_OK);
    out[0] = '\0';
    for (i = 0; i < n; i++) {
        size_t len = ends[i] - prev;
        ck_assert_uint_gt(ends[i], prev);
        ck_assert_uint_lt(o + len + 2, outsize);
        if (i > 0)
            out[o++] = '/';
        memcpy(out + o, text + prev, len);
        o += len;
        out[o] = '\0';
        prev = ends[i];
    }
    ck_assert_uint_eq(prev, strlen(text));
    spiral_free(ends);
    spiral_zhseg_free(z);
    return out;
}

/* Assert that text segments as expected with the compiled dictionary. */
#define CHECK_SEG(d, user, text, expected)                                    \
    do {                                                                      \
        char buf_[1024];                                                      \
        ck_assert_str_eq(seg((d), (user), (text), buf_, sizeof buf_), (expected)); \
    } while (0)

/* ------------------------------------------------------------------ */
/* Words                                                               */
/* ------------------------------------------------------------------ */

START_TEST(demand_to_stop_provocation)
{
    spiral_dict *d = load_dict();

    CHECK_SEG(d, NULL, "美方应立即停止挑衅", "美方/应/立即/停止/挑衅");
    spiral_dict_free(d);
}
END_TEST

START_TEST(diplomatic_sentences)
{
    spiral_dict *d = load_dict();

    CHECK_SEG(d, NULL, "中方对此表示强烈不满和坚决反对", "中方/对此/表示/强烈不满/和/坚决/反对");
    CHECK_SEG(d, NULL, "我们已向美方提出严正交涉", "我们/已/向/美方/提出/严正交涉");
    CHECK_SEG(d, NULL, "台湾是中国领土不可分割的一部分",
              "台湾/是/中国/领土/不可分割/的/一部分");
    CHECK_SEG(d, NULL, "这是美方的一贯做法", "这/是/美方/的/一贯/做法");
    CHECK_SEG(d, NULL, "美方甩锅推责抹黑中国", "美方/甩锅/推责/抹黑/中国");
    spiral_dict_free(d);
}
END_TEST

START_TEST(indonesia_stays_whole)
{
    spiral_dict *d = load_dict();
    spiral_dict *u;

    CHECK_SEG(d, NULL, "印度尼西亚总统访问印度", "印度尼西亚/总统/访问/印度");
    /* Even when 印度 is a user word (an actor alias) it cannot match inside. */
    ck_assert_int_eq(spiral_dict_new(&u), SPIRAL_OK);
    ck_assert_int_eq(spiral_dict_add(u, "印度", strlen("印度"), 0), SPIRAL_OK);
    CHECK_SEG(d, u, "印度尼西亚总统访问印度", "印度尼西亚/总统/访问/印度");
    spiral_dict_free(u);
    spiral_dict_free(d);
}
END_TEST

START_TEST(ascii_runs_stay_whole)
{
    spiral_dict *d = load_dict();

    CHECK_SEG(d, NULL, "nato东扩威胁俄罗斯安全", "nato/东扩/威胁/俄罗斯/安全");
    CHECK_SEG(d, NULL, "g7峰会讨论5g网络", "g7/峰会/讨论/5g/网络");
    CHECK_SEG(d, NULL, "nato", "nato");
    /* Dictionary words may cover a whole run (jieba lists b超) ... */
    CHECK_SEG(d, NULL, "做b超", "做/b超");
    /* ... but never end or start inside one. */
    CHECK_SEG(d, NULL, "abc超", "abc/超");
    spiral_dict_free(d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Numbers and dates                                                   */
/* ------------------------------------------------------------------ */

START_TEST(chinese_numerals_and_dates)
{
    spiral_dict *d = load_dict();

    CHECK_SEG(d, NULL, "二○○一年十二月三十一日", "二○○一年/十二月/三十一日");
    CHECK_SEG(d, NULL, "一九九八年", "一九九八年");
    CHECK_SEG(d, NULL, "二〇二〇年一月二十日", "二〇二〇年/一月/二十日");
    CHECK_SEG(d, NULL, "增长百分之五", "增长/百分之五");
    CHECK_SEG(d, NULL, "百分之二十六点八", "百分之二十六点八");
    CHECK_SEG(d, NULL, "五分之一", "五分之一");
    CHECK_SEG(d, NULL, "第十七届", "第十七/届");
    CHECK_SEG(d, NULL, "四千三百一十三人", "四千三百一十三/人");
    CHECK_SEG(d, NULL, "十三点二九亿元", "十三点二九亿/元");
    CHECK_SEG(d, NULL, "二十一世纪", "二十一/世纪");
    spiral_dict_free(d);
}
END_TEST

/* A run of numerals is read as one number up to 64 characters; a longer
 * run is no number (a table of digits, not a quantity), and is cut by the
 * dictionary, at most 64 characters a word. */
START_TEST(numeral_runs_have_a_length_limit)
{
    spiral_dict *d = load_dict();
    char text[3 * 1000 + 1], buf[4 * 1000];
    size_t i, len = 0;

    for (i = 0; i < 64 / 4; i++)
        memcpy(text + 12 * i, "一九九八", 12);
    text[3 * 64] = '\0';
    CHECK_SEG(d, NULL, text, text);
    memcpy(text + 3 * 64, "年", 4);
    CHECK_SEG(d, NULL, text, text); /* a (long) year */
    for (i = 0; i < 1000; i++)
        memcpy(text + 3 * i, i % 2 ? "二" : "一", 3);
    text[3 * 1000] = '\0';
    seg(d, NULL, text, buf, sizeof buf);
    for (i = 0; buf[i]; i++) {
        len = buf[i] == '/' ? 0 : len + 1;
        ck_assert_uint_le(len, 3 * 64);
    }
    spiral_dict_free(d);
}
END_TEST

/* A number may start with any digit (〇 ○ 零 一 ... 九 两), 十, 百 or 第: the
 * segmenter asks at every position, through a filter, which must let each of
 * them through.  Each text here is cut otherwise without its number. */
START_TEST(every_numeral_starts_a_number)
{
    static const char *const cases[][2] = {
        { "〇〇七", "〇〇七" }, { "○○七", "○○七" }, { "零点五", "零点五" },
        { "一九九八年", "一九九八年" }, { "二千零五十", "二千零五十" },
        { "两百五十一", "两百五十一" }, { "三千四百五十", "三千四百五十" },
        { "四千三百", "四千三百" }, { "五百二十一", "五百二十一" },
        { "六百七十", "六百七十" }, { "七万八千", "七万八千" }, { "八百九十", "八百九十" },
        { "九千九百", "九千九百" }, { "十三点五", "十三点五" },
        { "百分之三十七", "百分之三十七" }, { "第一百二十", "第一百二十" },
    };
    spiral_dict *d = load_dict();
    size_t i;

    for (i = 0; i < sizeof cases / sizeof *cases; i++)
        CHECK_SEG(d, NULL, cases[i][0], cases[i][1]);
    spiral_dict_free(d);
}
END_TEST

START_TEST(numerals_do_not_break_words)
{
    spiral_dict *d = load_dict();

    CHECK_SEG(d, NULL, "统一一下", "统一/一下");
    CHECK_SEG(d, NULL, "十分重要", "十分/重要");
    CHECK_SEG(d, NULL, "万一失败", "万一/失败");
    spiral_dict_free(d);
}
END_TEST

START_TEST(numeral_and_classifier_are_two_words)
{
    spiral_dict *d = load_dict();

    CHECK_SEG(d, NULL, "三个国家", "三/个/国家");
    CHECK_SEG(d, NULL, "一个国家", "一个/国家"); /* an article, kept whole */
    CHECK_SEG(d, NULL, "第一次会晤", "第一/次/会晤");
    CHECK_SEG(d, NULL, "一些国家", "一些/国家");
    spiral_dict_free(d);
}
END_TEST

START_TEST(ascii_numbers_with_units)
{
    spiral_dict *d = load_dict();

    CHECK_SEG(d, NULL, "1998年12月31日", "1998年/12月/31日");
    CHECK_SEG(d, NULL, "增长17%和2.5%", "增长/17%/和/2.5%");
    CHECK_SEG(d, NULL, "约1,000人", "约/1,000/人");
    CHECK_SEG(d, NULL, "10时30分", "10时/30分");
    CHECK_SEG(d, NULL, "50万人", "50万/人");
    CHECK_SEG(d, NULL, "3.4亿元", "3.4亿/元");
    CHECK_SEG(d, NULL, "1万亿美元", "1万亿/美元");
    /* Durations and counts keep the unit apart; 13月 is no month. */
    CHECK_SEG(d, NULL, "5年", "5/年");
    CHECK_SEG(d, NULL, "20个", "20/个");
    CHECK_SEG(d, NULL, "13月", "13/月");
    /* A separator not followed by a digit is a word of its own. */
    CHECK_SEG(d, NULL, "5,", "5/,");
    spiral_dict_free(d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Unknown words                                                       */
/* ------------------------------------------------------------------ */

START_TEST(hmm_groups_unknown_names)
{
    spiral_dict *d = load_dict();

    CHECK_SEG(d, NULL, "游景玉说", "游景玉/说");
    spiral_dict_free(d);
}
END_TEST

START_TEST(unknown_characters_are_words)
{
    spiral_dict *d = load_dict();

    /* Characters outside the dictionary and the HMM (extension B). */
    CHECK_SEG(d, NULL, "\xF0\xA0\x80\x80\xF0\xA0\x80\x81", "\xF0\xA0\x80\x80/\xF0\xA0\x80\x81");
    /* Bytes that are no character (a surrogate, an overlong form, a
     * sequence cut short) are one word each, and the characters around
     * them, of one to four bytes, are read as they are. */
    CHECK_SEG(d, NULL, "中\xED\xA0\x80国", "中/\xED/\xA0/\x80/国");
    CHECK_SEG(d, NULL, "中\xE0\x81\x80国", "中/\xE0/\x81/\x80/国");
    CHECK_SEG(d, NULL, "美国\xE4\xB8", "美国/\xE4/\xB8");
    CHECK_SEG(d, NULL, "\xC3\xA9\xF0\xA0\x80\x80中国", "\xC3\xA9/\xF0\xA0\x80\x80/中国");
    spiral_dict_free(d);
}
END_TEST

/* A text dictionary (no double array, no HMM) cuts as its words say; an
 * invalid byte, which the segmenter reads as U+FFFD, is in no word even of
 * a dictionary that has U+FFFD in one, main or user. */
START_TEST(text_dictionary_and_invalid_bytes)
{
    static const char words[] = "中\xEF\xBF\xBD国 100\n中 1\n国 1\n美方 5\n";
    spiral_dict *d, *u;
    FILE *f = fopen("build/test-segment-zh.txt", "wb");

    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(words, 1, sizeof words - 1, f), sizeof words - 1);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_int_eq(spiral_dict_load(&d, "build/test-segment-zh.txt", NULL), SPIRAL_OK);
    CHECK_SEG(d, NULL, "美方中\xEF\xBF\xBD国", "美方/中\xEF\xBF\xBD国");
    CHECK_SEG(d, NULL, "美方中\xFF国", "美方/中/\xFF/国");
    ck_assert_int_eq(spiral_dict_new(&u), SPIRAL_OK);
    ck_assert_int_eq(spiral_dict_add(u, "方中\xEF\xBF\xBD", strlen("方中\xEF\xBF\xBD"), 0), SPIRAL_OK);
    spiral_dict_freeze(u);
    CHECK_SEG(NULL, u, "美方中\xEF\xBF\xBD国", "美/方中\xEF\xBF\xBD/国");
    CHECK_SEG(NULL, u, "美方中\xFF国", "美/方/中/\xFF/国");
    spiral_dict_free(u);
    spiral_dict_free(d);
    remove("build/test-segment-zh.txt");
}
END_TEST

/* ------------------------------------------------------------------ */
/* User words                                                          */
/* ------------------------------------------------------------------ */

START_TEST(user_word_overrides_dictionary)
{
    spiral_dict *d = load_dict();
    spiral_dict *u;

    CHECK_SEG(d, NULL, "中方坚决反对", "中方/坚决/反对");
    ck_assert_int_eq(spiral_dict_new(&u), SPIRAL_OK);
    ck_assert_int_eq(spiral_dict_add(u, "坚决反对", strlen("坚决反对"), 0), SPIRAL_OK);
    CHECK_SEG(d, u, "中方坚决反对", "中方/坚决反对");
    CHECK_SEG(d, u, "坚决反对", "坚决反对");
    /* Patterns are case-folded like the text. */
    ck_assert_int_eq(spiral_dict_add(u, "NATO东扩", strlen("NATO东扩"), 0), SPIRAL_OK);
    CHECK_SEG(d, u, "反对nato东扩", "反对/nato东扩");
    spiral_dict_free(u);
    spiral_dict_free(d);
}
END_TEST

START_TEST(user_word_with_frequency_competes)
{
    spiral_dict *d = load_dict();
    spiral_dict *u;

    ck_assert_int_eq(spiral_dict_new(&u), SPIRAL_OK);
    /* A frequency of 1 is too rare to beat 坚决 + 反对 ... */
    ck_assert_int_eq(spiral_dict_add(u, "坚决反对", strlen("坚决反对"), 1), SPIRAL_OK);
    CHECK_SEG(d, u, "中方坚决反对", "中方/坚决/反对");
    /* ... a large one wins. */
    ck_assert_int_eq(spiral_dict_add(u, "坚决反对", strlen("坚决反对"), 1e6), SPIRAL_OK);
    CHECK_SEG(d, u, "中方坚决反对", "中方/坚决反对");
    spiral_dict_free(u);
    spiral_dict_free(d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* No dictionary, empty input, appending, allocation failures          */
/* ------------------------------------------------------------------ */

START_TEST(no_dictionary_splits_characters)
{
    spiral_dict *u;

    CHECK_SEG(NULL, NULL, "美方应立即停止挑衅", "美/方/应/立/即/停/止/挑/衅");
    CHECK_SEG(NULL, NULL, "nato东扩1998年", "nato/东/扩/1998/年");
    ck_assert_int_eq(spiral_dict_new(&u), SPIRAL_OK);
    ck_assert_int_eq(spiral_dict_add(u, "美方", strlen("美方"), 0), SPIRAL_OK);
    CHECK_SEG(NULL, u, "美方应立即", "美方/应/立/即");
    spiral_dict_free(u);
}
END_TEST

START_TEST(empty_input_adds_nothing)
{
    spiral_dict *d = load_dict();
    spiral_zhseg *z;
    uint32_t *ends = NULL;
    size_t n = 0, cap = 0;

    ck_assert_int_eq(spiral_zhseg_new(&z), SPIRAL_OK);
    ck_assert_int_eq(spiral_zhseg_chunk(z, d, NULL, "", 0, &ends, &n, &cap), SPIRAL_OK);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(spiral_zhseg_chunk(z, NULL, NULL, "", 0, &ends, &n, &cap), SPIRAL_OK);
    ck_assert_uint_eq(n, 0);
    spiral_free(ends);
    spiral_zhseg_free(z);
    spiral_zhseg_free(NULL);
    spiral_dict_free(d);
}
END_TEST

START_TEST(chunks_append_and_scratch_is_reused)
{
    spiral_dict *d = load_dict();
    spiral_zhseg *z;
    uint32_t *ends = NULL;
    size_t n = 0, cap = 0;
    const char *a = "美方应立即停止挑衅", *b = "中方";
    char longer[3 * 400 + 1];
    int i;

    ck_assert_int_eq(spiral_zhseg_new(&z), SPIRAL_OK);
    ck_assert_int_eq(spiral_zhseg_chunk(z, d, NULL, a, strlen(a), &ends, &n, &cap), SPIRAL_OK);
    ck_assert_uint_eq(n, 5);
    ck_assert_int_eq(spiral_zhseg_chunk(z, d, NULL, b, strlen(b), &ends, &n, &cap), SPIRAL_OK);
    ck_assert_uint_eq(n, 6);
    ck_assert_uint_eq(ends[4], strlen(a));
    ck_assert_uint_eq(ends[5], strlen(b));
    /* A long chunk grows the scratch space and the output. */
    for (i = 0; i < 400; i++)
        memcpy(longer + 3 * i, "国", 3);
    longer[sizeof longer - 1] = '\0';
    n = 0;
    ck_assert_int_eq(spiral_zhseg_chunk(z, d, NULL, longer, strlen(longer), &ends, &n, &cap),
                     SPIRAL_OK);
    ck_assert_uint_eq(ends[n - 1], strlen(longer));
    spiral_free(ends);
    spiral_zhseg_free(z);
    spiral_dict_free(d);
}
END_TEST

/* Segment text with z (kept between calls) and return the words as seg()
 * writes them. */
static const char *seg_with(spiral_zhseg *z, const spiral_dict *dict, const char *text,
                            char *out, size_t outsize)
{
    uint32_t *ends = NULL;
    size_t n = 0, cap = 0, i, o = 0;
    uint32_t prev = 0;

    ck_assert_int_eq(spiral_zhseg_chunk(z, dict, NULL, text, strlen(text), &ends, &n, &cap),
                     SPIRAL_OK);
    for (i = 0, out[0] = '\0'; i < n; prev = ends[i++]) {
        ck_assert_uint_lt(o + ends[i] - prev + 2, outsize);
        o += (size_t)snprintf(out + o, outsize - o, "%s%.*s", i ? "/" : "",
                              (int)(ends[i] - prev), text + prev);
    }
    spiral_free(ends);
    return out;
}

/* One segmenter kept across statements and dictionaries (what a session
 * does; its scratch space holds the last chunk's symbols, walks and
 * scores) segments exactly as a fresh one each time. */
/* The first step of each position's walk is taken once for the whole chunk
 * (first_steps()); the last character's counts too.  是 is a frequent word
 * by itself, so 国是 (a word, "national policy") loses to 国/是; taken as an
 * unknown character, 是 would glue onto 国.  After a longer chunk, what the
 * scratch space holds of it must not count either. */
START_TEST(last_character_walks_the_dictionary)
{
    spiral_dict *d = load_dict();
    spiral_zhseg *z;
    char got[1024];

    CHECK_SEG(d, NULL, "一国是", "一/国/是");
    ck_assert_int_eq(spiral_zhseg_new(&z), SPIRAL_OK);
    seg_with(z, d, "中方坚决反对美方对中国企业实施单边制裁", got, sizeof got);
    ck_assert_str_eq(seg_with(z, d, "一国是", got, sizeof got), "一/国/是");
    spiral_zhseg_free(z);
    spiral_dict_free(d);
}
END_TEST

START_TEST(reused_segmenter_matches_a_fresh_one)
{
    static const char *texts[] = {
        "中方坚决反对美方对中国企业实施单边制裁，敦促美方立即停止挑衅。",
        "双方同意加强对话协商，妥善管控分歧，推动两国关系改善发展。",
        "中方坚决反对美方对中国企业实施单边制裁，敦促美方立即停止挑衅。",
    };
    spiral_dict *d = load_dict(), *small;
    spiral_zhseg *z;
    char got[1024], want[1024];
    size_t i, round;

    ck_assert_int_eq(spiral_dict_new(&small), SPIRAL_OK);
    ck_assert_int_eq(spiral_dict_add(small, "中方坚决", strlen("中方坚决"), 100), SPIRAL_OK);
    ck_assert_int_eq(spiral_dict_add(small, "中方", strlen("中方"), 50), SPIRAL_OK);
    ck_assert_int_eq(spiral_zhseg_new(&z), SPIRAL_OK);
    for (round = 0; round < 3; round++) {
        const spiral_dict *dict = round == 1 ? small : d;

        for (i = 0; i < sizeof texts / sizeof *texts; i++) {
            seg(dict, NULL, texts[i], want, sizeof want);
            ck_assert_str_eq(seg_with(z, dict, texts[i], got, sizeof got), want);
        }
    }
    CHECK_SEG(d, NULL, texts[0], "中方/坚决/反对/美方/对/中国/企业/实施/单边制裁/，/敦促/美方/立即/停止/挑衅/。");
    spiral_zhseg_free(z);
    spiral_dict_free(small);
    spiral_dict_free(d);
}
END_TEST

START_TEST(allocation_failures_leave_output_unchanged)
{
    spiral_dict *d = load_dict();
    spiral_dict *u;
    const char *text = "中方坚决反对nato东扩二○○一年十二月三十一日游景玉说";
    unsigned long k;
    int done = 0;

    ck_assert_int_eq(spiral_dict_new(&u), SPIRAL_OK);
    ck_assert_int_eq(spiral_dict_add(u, "坚决反对", strlen("坚决反对"), 0), SPIRAL_OK);
    for (k = 1; !done && k < 200; k++) {
        spiral_zhseg *z = NULL;
        uint32_t *ends = NULL;
        size_t n = 0, cap = 0;
        int rc;

        spiral_alloc_fail_after(k, 0);
        rc = spiral_zhseg_new(&z);
        if (rc == SPIRAL_OK)
            rc = spiral_zhseg_chunk(z, d, u, text, strlen(text), &ends, &n, &cap);
        spiral_alloc_fail_after(0, 0);
        if (rc == SPIRAL_OK) {
            ck_assert_uint_gt(n, 5);
            done = 1;
        } else {
            ck_assert_int_eq(rc, SPIRAL_ENOMEM);
            ck_assert_uint_eq(n, 0);
        }
        spiral_free(ends);
        spiral_zhseg_free(z);
    }
    ck_assert(done);
    spiral_dict_free(u);
    spiral_dict_free(d);
}
END_TEST

Suite *segment_zh_suite(void)
{
    Suite *s = suite_create("segment_zh");
    TCase *tc = tcase_create("words");

    tcase_add_test(tc, demand_to_stop_provocation);
    tcase_add_test(tc, diplomatic_sentences);
    tcase_add_test(tc, indonesia_stays_whole);
    tcase_add_test(tc, ascii_runs_stay_whole);
    suite_add_tcase(s, tc);

    tc = tcase_create("numbers");
    tcase_add_test(tc, chinese_numerals_and_dates);
    tcase_add_test(tc, numeral_runs_have_a_length_limit);
    tcase_add_test(tc, every_numeral_starts_a_number);
    tcase_add_test(tc, numerals_do_not_break_words);
    tcase_add_test(tc, numeral_and_classifier_are_two_words);
    tcase_add_test(tc, ascii_numbers_with_units);
    suite_add_tcase(s, tc);

    tc = tcase_create("unknown");
    tcase_add_test(tc, hmm_groups_unknown_names);
    tcase_add_test(tc, unknown_characters_are_words);
    tcase_add_test(tc, text_dictionary_and_invalid_bytes);
    suite_add_tcase(s, tc);

    tc = tcase_create("user");
    tcase_add_test(tc, user_word_overrides_dictionary);
    tcase_add_test(tc, user_word_with_frequency_competes);
    suite_add_tcase(s, tc);

    tc = tcase_create("edges");
    tcase_add_test(tc, no_dictionary_splits_characters);
    tcase_add_test(tc, empty_input_adds_nothing);
    tcase_add_test(tc, chunks_append_and_scratch_is_reused);
    tcase_add_test(tc, allocation_failures_leave_output_unchanged);
    tcase_add_test(tc, reused_segmenter_matches_a_fresh_one);
    tcase_add_test(tc, last_character_walks_the_dictionary);
    suite_add_tcase(s, tc);
    return s;
}
