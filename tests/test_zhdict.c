/*
 * test_zhdict.c - the Chinese segmentation dictionary (src/zhdict.c).
 *
 * Loading the compiled dictionary that `make` builds at build/zh.dict,
 * jieba-style text dictionaries, user dictionaries, and the errors: a missing
 * file, a bad line, a damaged compiled file, allocation failures.  Fixtures
 * are written under build/ at run time.  Run from the repository root.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "spiral.h"
#include "zhdict.h"

#define ZH_DICT "build/zh.dict"

Suite *zhdict_suite(void);

/* Write text to path; fail the test if that is impossible. */
static void write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");

    ck_assert_msg(f != NULL, "cannot write %s", path);
    ck_assert_uint_eq(fwrite(text, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

/* Read the first n bytes of the built dictionary into buf. */
static void read_head(void *buf, size_t n)
{
    FILE *f = fopen(ZH_DICT, "rb");

    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fread(buf, 1, n, f), n);
    fclose(f);
}

static unsigned find(const spiral_dict *d, const char *word, float *value)
{
    return spiral_dict_find(d, word, strlen(word), value);
}

/* ------------------------------------------------------------------ */
/* The compiled dictionary                                             */
/* ------------------------------------------------------------------ */

START_TEST(compiled_loads_words_prefixes_and_hmm)
{
    spiral_dict *d;
    spiral_error err;
    float v = 1, em[4];

    ck_assert_int_eq(spiral_dict_load(&d, ZH_DICT, &err), SPIRAL_OK);
    ck_assert_uint_gt(spiral_dict_size(d), 300000);
    ck_assert_uint_eq(find(d, "印度尼西亚", &v) & SPIRAL_DICT_WORD, SPIRAL_DICT_WORD);
    ck_assert(v < 0 && v > -30);
    ck_assert_uint_eq(find(d, "印度", NULL), SPIRAL_DICT_WORD | SPIRAL_DICT_PREFIX);
    ck_assert_uint_eq(find(d, "印度尼", NULL), SPIRAL_DICT_PREFIX);
    ck_assert_uint_eq(find(d, "印度尼西亚x", NULL), 0);
    ck_assert_uint_eq(spiral_dict_find(d, "", 0, NULL), 0);
    /* Our additions (lexicons/zh/dict-extra.tsv) are merged in. */
    ck_assert(find(d, "严正交涉", NULL) & SPIRAL_DICT_WORD);
    ck_assert(find(d, "霸凌", NULL) & SPIRAL_DICT_WORD);
    /* Numeral + classifier entries are left to the segmenter. */
    ck_assert_uint_eq(find(d, "三个", NULL) & SPIRAL_DICT_WORD, 0);
    ck_assert(find(d, "一个", NULL) & SPIRAL_DICT_WORD);
    ck_assert(find(d, "一些", NULL) & SPIRAL_DICT_WORD);
    ck_assert(spiral_dict_logtotal(d) > 10);
    ck_assert(!spiral_dict_is_user(d));
    ck_assert(spiral_dict_has_hmm(d));
    ck_assert_ptr_nonnull(spiral_dict_hmm_start(d));
    ck_assert_ptr_nonnull(spiral_dict_hmm_trans(d));
    ck_assert_int_eq(spiral_dict_hmm_emit(d, 0x4E2D /* 中 */, em), 1);
    ck_assert(em[SPIRAL_HMM_S] < 0 && em[SPIRAL_HMM_S] > SPIRAL_HMM_IMPOSSIBLE);
    ck_assert_int_eq(spiral_dict_hmm_emit(d, 'a', em), 0);
    ck_assert(em[SPIRAL_HMM_B] <= SPIRAL_HMM_IMPOSSIBLE);
    /* Read-only: adding to a loaded dictionary is refused. */
    ck_assert_int_eq(spiral_dict_add(d, "新词", strlen("新词"), 1), SPIRAL_EINVAL);
    spiral_dict_free(d);
}
END_TEST

START_TEST(compiled_words_are_normalised)
{
    spiral_dict *d;

    ck_assert_int_eq(spiral_dict_load(&d, ZH_DICT, NULL), SPIRAL_OK);
    /* jieba lists "B超" and "T恤"; input arrives case-folded. */
    ck_assert(find(d, "b超", NULL) & SPIRAL_DICT_WORD);
    ck_assert_uint_eq(find(d, "B超", NULL), 0);
    spiral_dict_free(d);
}
END_TEST

START_TEST(compiled_truncated_is_parse_error)
{
    spiral_dict *d = (spiral_dict *)&d;
    spiral_error err;
    char head[200];

    read_head(head, sizeof head);
    write_file("build/test-zhdict-truncated.dict", head, sizeof head);
    ck_assert_int_eq(spiral_dict_load(&d, "build/test-zhdict-truncated.dict", &err),
                     SPIRAL_EPARSE);
    ck_assert_ptr_null(d);
    ck_assert_str_eq(err.file, "build/test-zhdict-truncated.dict");
    ck_assert(strstr(err.message, "corrupt") != NULL);
    /* A header that is too short. */
    write_file("build/test-zhdict-truncated.dict", head, 20);
    ck_assert_int_eq(spiral_dict_load(&d, "build/test-zhdict-truncated.dict", &err),
                     SPIRAL_EPARSE);
    ck_assert_ptr_null(d);
    remove("build/test-zhdict-truncated.dict");
}
END_TEST

START_TEST(compiled_bad_version_is_parse_error)
{
    spiral_dict *d;
    spiral_error err;
    char head[128];

    read_head(head, sizeof head);
    head[8] = 99;
    write_file("build/test-zhdict-version.dict", head, sizeof head);
    ck_assert_int_eq(spiral_dict_load(&d, "build/test-zhdict-version.dict", &err), SPIRAL_EPARSE);
    ck_assert(strstr(err.message, "version") != NULL);
    remove("build/test-zhdict-version.dict");
}
END_TEST

/* A file in the hash-table format of version 1 is refused by name. */
START_TEST(compiled_old_version_is_parse_error)
{
    spiral_dict *d = (spiral_dict *)&d;
    spiral_error err;
    char head[128];

    read_head(head, sizeof head);
    head[8] = 1;
    write_file("build/test-zhdict-v1.dict", head, sizeof head);
    ck_assert_int_eq(spiral_dict_load(&d, "build/test-zhdict-v1.dict", &err), SPIRAL_EPARSE);
    ck_assert_ptr_null(d);
    ck_assert(strstr(err.message, "version") != NULL);
    ck_assert(strstr(err.message, "rebuild") != NULL);
    remove("build/test-zhdict-v1.dict");
}
END_TEST

/* A damaged trie: node 0 ("x") is its own child, node 1 ("y") claims
 * children far past the end.  Walks stay in bounds and end with the text. */
START_TEST(compiled_damaged_trie_walks_end)
{
    unsigned char blob[128 + 2 * 4 + 2 * 12];
    uint32_t v;
    float zero = 0;
    spiral_dict *d;
    spiral_dict_cursor cur;
    spiral_error err;
    int i;

    read_head(blob, 128);
    v = 2; memcpy(blob + 16, &v, 4);     /* nnodes */
    v = 2; memcpy(blob + 20, &v, 4);     /* nroot */
    v = 0; memcpy(blob + 28, &v, 4);     /* nemit */
    v = 0; memcpy(blob + 120, &v, 4);    /* flags: no HMM */
    v = 2; memcpy(blob + 124, &v, 4);    /* nwords */
    v = 'x'; memcpy(blob + 128, &v, 4);  /* labels */
    v = 'y'; memcpy(blob + 132, &v, 4);
    v = 0; memcpy(blob + 136, &v, 4);    /* node 0: children [0, 1) */
    v = 1u << 2 | SPIRAL_DICT_WORD | SPIRAL_DICT_PREFIX; memcpy(blob + 140, &v, 4);
    memcpy(blob + 144, &zero, 4);
    v = 1000; memcpy(blob + 148, &v, 4); /* node 1: children [1000, 1005) */
    v = 5u << 2 | SPIRAL_DICT_WORD | SPIRAL_DICT_PREFIX; memcpy(blob + 152, &v, 4);
    memcpy(blob + 156, &zero, 4);
    write_file("build/test-zhdict-damaged.dict", (const char *)blob, sizeof blob);
    ck_assert_int_eq(spiral_dict_load(&d, "build/test-zhdict-damaged.dict", &err), SPIRAL_OK);
    ck_assert_uint_eq(find(d, "x", NULL), SPIRAL_DICT_WORD | SPIRAL_DICT_PREFIX);
    ck_assert_uint_eq(find(d, "xxxxxxxxxxxx", NULL), SPIRAL_DICT_WORD | SPIRAL_DICT_PREFIX);
    ck_assert_uint_eq(find(d, "xy", NULL), 0);
    ck_assert_uint_eq(find(d, "y", NULL), SPIRAL_DICT_WORD);
    ck_assert_uint_eq(find(d, "yy", NULL), 0);
    ck_assert_uint_eq(find(d, "z", NULL), 0);
    spiral_dict_walk_start(&cur, d);
    for (i = 0; i < 100; i++)
        ck_assert_uint_eq(spiral_dict_walk(&cur, d, 'x', NULL), SPIRAL_DICT_WORD | SPIRAL_DICT_PREFIX);
    spiral_dict_free(d);
    remove("build/test-zhdict-damaged.dict");
}
END_TEST

/* A walk says, step by step, what spiral_dict_find() says of each prefix. */
START_TEST(compiled_walk_agrees_with_find)
{
    static const char text[] = "印度尼西亚共和国";
    spiral_dict *d;
    spiral_dict_cursor cur;
    size_t i = 0;
    unsigned f;
    float v, w;

    ck_assert_int_eq(spiral_dict_load(&d, ZH_DICT, NULL), SPIRAL_OK);
    spiral_dict_walk_start(&cur, d);
    while (i < sizeof text - 1) {
        uint32_t cp = ((uint32_t)(text[i] & 0x0F) << 12) | ((uint32_t)(text[i + 1] & 0x3F) << 6)
                      | (uint32_t)(text[i + 2] & 0x3F);
        v = w = 1;
        f = spiral_dict_walk(&cur, d, cp, &v);
        i += 3;
        ck_assert_uint_eq(f, spiral_dict_find(d, text, i, &w));
        ck_assert(v == w);
    }
    /* No word goes on with U+0001; the walk is over then. */
    ck_assert_uint_eq(spiral_dict_walk(&cur, d, 1, NULL), 0);
    ck_assert_uint_eq(spiral_dict_walk(&cur, d, 0x4E2D, NULL), 0);
    /* A walk from NULL goes nowhere. */
    spiral_dict_walk_start(&cur, NULL);
    ck_assert_uint_eq(spiral_dict_walk(&cur, NULL, 0x5370, NULL), 0);
    spiral_dict_free(d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Text dictionaries and errors                                        */
/* ------------------------------------------------------------------ */

START_TEST(missing_file_is_io_error_with_path)
{
    spiral_dict *d = (spiral_dict *)&d;
    spiral_error err;

    ck_assert_int_eq(spiral_dict_load(&d, "build/no-such-dict.txt", &err), SPIRAL_EIO);
    ck_assert_ptr_null(d);
    ck_assert_int_eq(err.code, SPIRAL_EIO);
    ck_assert_str_eq(err.file, "build/no-such-dict.txt");
    ck_assert_int_eq(spiral_dict_load(&d, "build/no-such-dict.txt", NULL), SPIRAL_EIO);
}
END_TEST

START_TEST(text_dictionary_loads_jieba_format)
{
    static const char text[] = "美方 3 n\n中方 1\r\n\n# a comment\n美国 4 ns\nNATO 2 nz\n零频 0\n";
    spiral_dict *d;
    spiral_error err;
    float v = 0;

    write_file("build/test-zhdict-ok.txt", text, sizeof text - 1);
    ck_assert_int_eq(spiral_dict_load(&d, "build/test-zhdict-ok.txt", &err), SPIRAL_OK);
    ck_assert_uint_eq(spiral_dict_size(d), 4);
    ck_assert_uint_eq(find(d, "美方", &v), SPIRAL_DICT_WORD);
    ck_assert_double_eq_tol(v, log(3.0 / 10.0), 1e-6);
    ck_assert_uint_eq(find(d, "美", NULL), SPIRAL_DICT_PREFIX);
    ck_assert_uint_eq(find(d, "nato", NULL), SPIRAL_DICT_WORD);
    ck_assert_uint_eq(find(d, "零频", NULL), 0);
    ck_assert_double_eq_tol(spiral_dict_logtotal(d), log(10.0), 1e-9);
    ck_assert(!spiral_dict_has_hmm(d));
    ck_assert_ptr_null(spiral_dict_hmm_start(d));
    spiral_dict_free(d);
    remove("build/test-zhdict-ok.txt");
}
END_TEST

/* Enough first characters for the root to be indexed by code point, and
 * words beyond the BMP, which the index does not cover. */
START_TEST(text_dictionary_many_first_characters)
{
    char text[8192], w[16];
    size_t len = 0;
    spiral_dict *d;
    spiral_dict_cursor cur;
    float v;
    int i;

    for (i = 0; i < 300; i++) {
        uint32_t cp = 0x4E00 + 7u * (uint32_t)i;
        w[0] = (char)(0xE0 | cp >> 12);
        w[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        w[2] = (char)(0x80 | (cp & 0x3F));
        memcpy(w + 3, "\xE5\x9B\xBD", 3); /* 国 */
        w[6] = '\0';
        len += (size_t)snprintf(text + len, sizeof text - len, "%s %d\n", w, i + 1);
    }
    len += (size_t)snprintf(text + len, sizeof text - len,
                            "\xF0\xA0\x80\x80\xE5\x9B\xBD 5\n\xF0\xA0\x80\x80 3\n");
    ck_assert_uint_lt(len, sizeof text);
    write_file("build/test-zhdict-many.txt", text, len);
    ck_assert_int_eq(spiral_dict_load(&d, "build/test-zhdict-many.txt", NULL), SPIRAL_OK);
    ck_assert_uint_eq(spiral_dict_size(d), 302);
    ck_assert_uint_eq(find(d, "\xE4\xB8\x80\xE5\x9B\xBD", NULL), SPIRAL_DICT_WORD); /* 一国 */
    ck_assert_uint_eq(find(d, "\xE4\xB8\x80", NULL), SPIRAL_DICT_PREFIX);
    ck_assert_uint_eq(find(d, "\xE4\xB8\x81", NULL), 0);
    ck_assert_uint_eq(find(d, "\xF0\xA0\x80\x80", &v), SPIRAL_DICT_WORD | SPIRAL_DICT_PREFIX);
    ck_assert_uint_eq(find(d, "\xF0\xA0\x80\x80\xE5\x9B\xBD", NULL), SPIRAL_DICT_WORD);
    spiral_dict_walk_start(&cur, d);
    ck_assert_uint_eq(spiral_dict_walk(&cur, d, 0x20000, NULL), SPIRAL_DICT_WORD | SPIRAL_DICT_PREFIX);
    ck_assert_uint_eq(spiral_dict_walk(&cur, d, 0x56FD, NULL), SPIRAL_DICT_WORD);
    spiral_dict_walk_start(&cur, d);
    ck_assert_uint_eq(spiral_dict_walk(&cur, d, 0x20001, NULL), 0);
    spiral_dict_walk_start(&cur, d);
    ck_assert_uint_eq(spiral_dict_walk(&cur, d, 0x4E00 + 7 * 299, NULL), SPIRAL_DICT_PREFIX);
    ck_assert_uint_eq(spiral_dict_walk(&cur, d, 0x56FD, &v), SPIRAL_DICT_WORD);
    ck_assert_double_eq_tol(v, log(300.0) - spiral_dict_logtotal(d), 1e-5);
    spiral_dict_free(d);
    remove("build/test-zhdict-many.txt");
}
END_TEST

START_TEST(text_dictionary_bad_line_is_parse_error_with_line)
{
    static const char text[] = "美方 3 n\n中方 1 n\n俄方 many n\n";
    spiral_dict *d = (spiral_dict *)&d;
    spiral_error err;

    write_file("build/test-zhdict-bad.txt", text, sizeof text - 1);
    ck_assert_int_eq(spiral_dict_load(&d, "build/test-zhdict-bad.txt", &err), SPIRAL_EPARSE);
    ck_assert_ptr_null(d);
    ck_assert_str_eq(err.file, "build/test-zhdict-bad.txt");
    ck_assert_uint_eq(err.line, 3);
    ck_assert_uint_eq(err.column, strlen("俄方 ") + 1);
    remove("build/test-zhdict-bad.txt");
}
END_TEST

START_TEST(text_dictionary_word_without_freq_is_parse_error)
{
    static const char text[] = "美方 3\n中方\n";
    spiral_dict *d;
    spiral_error err;

    write_file("build/test-zhdict-nofreq.txt", text, sizeof text - 1);
    ck_assert_int_eq(spiral_dict_load(&d, "build/test-zhdict-nofreq.txt", &err), SPIRAL_EPARSE);
    ck_assert_uint_eq(err.line, 2);
    remove("build/test-zhdict-nofreq.txt");
}
END_TEST

START_TEST(text_dictionary_invalid_utf8_is_parse_error)
{
    static const char text[] = "美方 3\n\xE7\xBE 2\n";
    spiral_dict *d;
    spiral_error err;

    write_file("build/test-zhdict-utf8.txt", text, sizeof text - 1);
    ck_assert_int_eq(spiral_dict_load(&d, "build/test-zhdict-utf8.txt", &err), SPIRAL_EPARSE);
    ck_assert_uint_eq(err.line, 2);
    remove("build/test-zhdict-utf8.txt");
}
END_TEST

/* ------------------------------------------------------------------ */
/* User dictionaries                                                   */
/* ------------------------------------------------------------------ */

START_TEST(user_dictionary_add_and_find)
{
    spiral_dict *u;
    float v = -1;

    ck_assert_int_eq(spiral_dict_new(&u), SPIRAL_OK);
    ck_assert(spiral_dict_is_user(u));
    ck_assert_uint_eq(spiral_dict_size(u), 0);
    ck_assert_uint_eq(find(u, "美方", NULL), 0);
    ck_assert_int_eq(spiral_dict_add(u, "严正交涉", strlen("严正交涉"), 0), SPIRAL_OK);
    ck_assert_int_eq(spiral_dict_add(u, "严正", strlen("严正"), 50), SPIRAL_OK);
    ck_assert_int_eq(spiral_dict_add(u, "NATO", 4, 7), SPIRAL_OK);
    ck_assert_uint_eq(spiral_dict_size(u), 3);
    ck_assert_uint_eq(find(u, "严正交涉", &v), SPIRAL_DICT_WORD);
    ck_assert(v == 0);
    ck_assert_uint_eq(find(u, "严正", &v), SPIRAL_DICT_WORD | SPIRAL_DICT_PREFIX);
    ck_assert(v == 50);
    ck_assert_uint_eq(find(u, "严正交", NULL), SPIRAL_DICT_PREFIX);
    ck_assert_uint_eq(find(u, "nato", &v), SPIRAL_DICT_WORD);
    ck_assert(v == 7);
    /* Adding again replaces the frequency and does not count twice. */
    ck_assert_int_eq(spiral_dict_add(u, "nato", 4, 9), SPIRAL_OK);
    ck_assert_uint_eq(spiral_dict_size(u), 3);
    ck_assert_uint_eq(find(u, "nato", &v), SPIRAL_DICT_WORD);
    ck_assert(v == 9);
    spiral_dict_free(u);
}
END_TEST

START_TEST(user_dictionary_rejects_bad_words)
{
    spiral_dict *u;

    ck_assert_int_eq(spiral_dict_new(&u), SPIRAL_OK);
    ck_assert_int_eq(spiral_dict_add(u, "", 0, 1), SPIRAL_EINVAL);
    ck_assert_int_eq(spiral_dict_add(u, "\xE7\xBE", 2, 1), SPIRAL_EINVAL);
    ck_assert_int_eq(spiral_dict_add(u, "a\0b", 3, 1), SPIRAL_EINVAL);
    ck_assert_int_eq(spiral_dict_add(u, "美方", strlen("美方"), -1), SPIRAL_EINVAL);
    ck_assert_int_eq(spiral_dict_add(u, "美方", strlen("美方"), NAN), SPIRAL_EINVAL);
    ck_assert_int_eq(spiral_dict_add(NULL, "美方", strlen("美方"), 1), SPIRAL_EINVAL);
    ck_assert_uint_eq(spiral_dict_size(u), 0);
    spiral_dict_free(u);
}
END_TEST

START_TEST(user_dictionary_grows)
{
    spiral_dict *u;
    char w[32];
    int i;

    ck_assert_int_eq(spiral_dict_new(&u), SPIRAL_OK);
    for (i = 0; i < 5000; i++) {
        snprintf(w, sizeof w, "词%d语", i);
        ck_assert_int_eq(spiral_dict_add(u, w, strlen(w), (double)i), SPIRAL_OK);
    }
    ck_assert_uint_eq(spiral_dict_size(u), 5000);
    for (i = 0; i < 5000; i += 7) {
        float v = -1;
        snprintf(w, sizeof w, "词%d语", i);
        ck_assert_uint_eq(find(u, w, &v) & SPIRAL_DICT_WORD, SPIRAL_DICT_WORD);
        ck_assert(v == (float)i);
    }
    spiral_dict_free(u);
}
END_TEST

/* Words added in any order are all found, with their prefixes, whether
 * their first character is in the BMP or not. */
START_TEST(user_dictionary_any_order)
{
    static const char *const words[] = { "\xF0\xA0\x80\x80", "b", "abc", "ab", "\xF0\xA0\x80\x81z",
                                         "a", "zz", "\xE4\xB8\xAD", "c", "ba", NULL };
    spiral_dict *u;
    spiral_dict_cursor cur;
    float v;
    int i;

    ck_assert_int_eq(spiral_dict_new(&u), SPIRAL_OK);
    for (i = 0; words[i] != NULL; i++)
        ck_assert_int_eq(spiral_dict_add(u, words[i], strlen(words[i]), i + 1), SPIRAL_OK);
    for (i = 0; words[i] != NULL; i++) {
        ck_assert_uint_eq(find(u, words[i], &v) & SPIRAL_DICT_WORD, SPIRAL_DICT_WORD);
        ck_assert(v == (float)(i + 1));
    }
    ck_assert_uint_eq(find(u, "a", NULL), SPIRAL_DICT_WORD | SPIRAL_DICT_PREFIX);
    ck_assert_uint_eq(find(u, "z", NULL), SPIRAL_DICT_PREFIX);
    ck_assert_uint_eq(find(u, "\xF0\xA0\x80\x81", NULL), SPIRAL_DICT_PREFIX);
    ck_assert_uint_eq(find(u, "abcd", NULL), 0);
    ck_assert_uint_eq(find(u, "d", NULL), 0);
    spiral_dict_walk_start(&cur, u);
    ck_assert_uint_eq(spiral_dict_walk(&cur, u, 0x20001, NULL), SPIRAL_DICT_PREFIX);
    ck_assert_uint_eq(spiral_dict_walk(&cur, u, 'z', &v), SPIRAL_DICT_WORD);
    ck_assert(v == 5);
    spiral_dict_free(u);
}
END_TEST

/* A frozen user dictionary (its first characters indexed, as a sealed
 * lexicon's is) finds the same words, and one more added afterwards too. */
START_TEST(user_dictionary_frozen_finds_the_same)
{
    spiral_dict *u;
    char w[32];
    float v;
    int i;

    ck_assert_int_eq(spiral_dict_new(&u), SPIRAL_OK);
    for (i = 0; i < 300; i++) {
        /* 300 different first characters: enough for the index */
        snprintf(w, sizeof w, "%s", "\xE4\xB8\x80制裁");
        w[2] = (char)(0x80 + i % 64);
        w[1] = (char)(0xB8 + i / 64);
        ck_assert_int_eq(spiral_dict_add(u, w, strlen(w), (double)(i + 1)), SPIRAL_OK);
    }
    spiral_dict_freeze(u);
    for (i = 0; i < 300; i++) {
        snprintf(w, sizeof w, "%s", "\xE4\xB8\x80制裁");
        w[2] = (char)(0x80 + i % 64);
        w[1] = (char)(0xB8 + i / 64);
        ck_assert_uint_eq(find(u, w, &v), SPIRAL_DICT_WORD);
        ck_assert(v == (float)(i + 1));
        w[3] = '\0';
        ck_assert_uint_eq(find(u, w, NULL), SPIRAL_DICT_PREFIX);
    }
    ck_assert_uint_eq(find(u, "单边", NULL), 0);
    ck_assert_int_eq(spiral_dict_add(u, "单边制裁", strlen("单边制裁"), 7), SPIRAL_OK);
    ck_assert_uint_eq(find(u, "单边制裁", &v), SPIRAL_DICT_WORD);
    ck_assert(v == 7);
    ck_assert_uint_eq(find(u, "单边", NULL), SPIRAL_DICT_PREFIX);
    spiral_dict_free(u);
}
END_TEST

/* A frozen user dictionary's filter of word starts says "maybe" for every
 * word's first two characters and for its one-character words, "no" for
 * nearly everything else, and "maybe" again once a word is added. */
START_TEST(user_dictionary_filter_of_starts)
{
    static const char *const words[] = { "印度", "打", "制裁措施", "nato", "\xF0\xA0\x80\x80x", NULL };
    spiral_dict *u;
    char w[32];
    int i, no = 0;

    ck_assert_int_eq(spiral_dict_new(&u), SPIRAL_OK);
    for (i = 0; words[i] != NULL; i++)
        ck_assert_int_eq(spiral_dict_add(u, words[i], strlen(words[i]), 0), SPIRAL_OK);
    for (i = 0; i < 2000; i++) {
        snprintf(w, sizeof w, "词%d语", i);
        ck_assert_int_eq(spiral_dict_add(u, w, strlen(w), 0), SPIRAL_OK);
    }
    /* Not frozen: always maybe. */
    ck_assert_int_eq(spiral_dict_may_start(u, 0x7F8E, 0x56FD), 1); /* 美国 */
    spiral_dict_freeze(u);
    ck_assert_int_eq(spiral_dict_may_start(u, 0x5370, 0x5EA6), 1);       /* 印度 */
    ck_assert_int_eq(spiral_dict_may_start(u, 0x6253, 0x51FB), 1);       /* 打 + 击 */
    ck_assert_int_eq(spiral_dict_may_start(u, 0x6253, UINT32_MAX), 1);   /* 打 at the end */
    ck_assert_int_eq(spiral_dict_may_start(u, 0x5236, 0x88C1), 1);       /* 制裁 */
    ck_assert_int_eq(spiral_dict_may_start(u, 'n', 'a'), 1);
    ck_assert_int_eq(spiral_dict_may_start(u, 0x20000, 'x'), 1);
    ck_assert_int_eq(spiral_dict_may_start(u, 0x8BCD, '1'), 1);          /* 词1 */
    ck_assert_int_eq(spiral_dict_may_start(u, 0x7F8E, 0x56FD), 0);       /* 美国 */
    ck_assert_int_eq(spiral_dict_may_start(u, 0x5370, UINT32_MAX), 0);   /* 印 alone */
    ck_assert_int_eq(spiral_dict_may_start(u, 0x5236, 0x5EA6), 0);       /* 制度 */
    /* Every pair of CJK characters from U+4E00 on that starts no word:
     * nearly all are ruled out. */
    for (i = 0; i < 1000; i++)
        no += !spiral_dict_may_start(u, 0x4E00 + (uint32_t)i, 0x4E00 + (uint32_t)(i * 7 % 1000));
    ck_assert_int_ge(no, 950);
    /* Adding a word drops the filter until the next freeze. */
    ck_assert_int_eq(spiral_dict_add(u, "美国", strlen("美国"), 0), SPIRAL_OK);
    ck_assert_int_eq(spiral_dict_may_start(u, 0x7F8E, 0x56FD), 1);
    ck_assert_int_eq(spiral_dict_may_start(u, 0x5236, 0x5EA6), 1);
    spiral_dict_freeze(u);
    ck_assert_int_eq(spiral_dict_may_start(u, 0x7F8E, 0x56FD), 1);
    ck_assert_int_eq(spiral_dict_may_start(u, 0x5236, 0x5EA6), 0);
    spiral_dict_free(u);
}
END_TEST

START_TEST(free_accepts_null)
{
    spiral_dict_free(NULL);
    ck_assert_uint_eq(spiral_dict_size(NULL), 0);
    ck_assert_uint_eq(spiral_dict_find(NULL, "a", 1, NULL), 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Allocation failures                                                 */
/* ------------------------------------------------------------------ */

START_TEST(user_dictionary_survives_allocation_failures)
{
    unsigned long n;
    int done = 0;

    for (n = 1; !done && n < 1000; n++) {
        spiral_dict *u = NULL;
        int rc, i;
        char w[32];

        spiral_alloc_fail_after(n, 0);
        rc = spiral_dict_new(&u);
        for (i = 0; rc == SPIRAL_OK && i < 300; i++) {
            snprintf(w, sizeof w, "外交%d部", i);
            rc = spiral_dict_add(u, w, strlen(w), 1);
        }
        spiral_alloc_fail_after(0, 0);
        ck_assert(rc == SPIRAL_OK || rc == SPIRAL_ENOMEM);
        if (rc == SPIRAL_OK) {
            ck_assert_uint_eq(spiral_dict_size(u), 300);
            done = 1;
        }
        spiral_dict_free(u);
    }
    ck_assert(done);
}
END_TEST

START_TEST(text_load_survives_allocation_failures)
{
    static const char text[] = "美方 3 n\n中方 1 n\n俄方 2 n\n外交部 5 nt\n发言人 4 n\n";
    unsigned long n;
    int done = 0;

    write_file("build/test-zhdict-alloc.txt", text, sizeof text - 1);
    for (n = 1; !done && n < 1000; n++) {
        spiral_dict *d = NULL;
        spiral_error err;
        int rc;

        spiral_alloc_fail_after(n, 0);
        rc = spiral_dict_load(&d, "build/test-zhdict-alloc.txt", &err);
        spiral_alloc_fail_after(0, 0);
        if (rc == SPIRAL_OK) {
            ck_assert_uint_eq(spiral_dict_size(d), 5);
            done = 1;
        } else {
            ck_assert_int_eq(rc, SPIRAL_ENOMEM);
            ck_assert_int_eq(err.code, SPIRAL_ENOMEM);
            ck_assert_ptr_null(d);
        }
        spiral_dict_free(d);
    }
    ck_assert(done);
    remove("build/test-zhdict-alloc.txt");
}
END_TEST

Suite *zhdict_suite(void)
{
    Suite *s = suite_create("zhdict");
    TCase *tc = tcase_create("compiled");

    tcase_add_test(tc, compiled_loads_words_prefixes_and_hmm);
    tcase_add_test(tc, compiled_words_are_normalised);
    tcase_add_test(tc, compiled_truncated_is_parse_error);
    tcase_add_test(tc, compiled_bad_version_is_parse_error);
    tcase_add_test(tc, compiled_old_version_is_parse_error);
    tcase_add_test(tc, compiled_damaged_trie_walks_end);
    tcase_add_test(tc, compiled_walk_agrees_with_find);
    suite_add_tcase(s, tc);

    tc = tcase_create("text");
    tcase_add_test(tc, missing_file_is_io_error_with_path);
    tcase_add_test(tc, text_dictionary_loads_jieba_format);
    tcase_add_test(tc, text_dictionary_many_first_characters);
    tcase_add_test(tc, text_dictionary_bad_line_is_parse_error_with_line);
    tcase_add_test(tc, text_dictionary_word_without_freq_is_parse_error);
    tcase_add_test(tc, text_dictionary_invalid_utf8_is_parse_error);
    suite_add_tcase(s, tc);

    tc = tcase_create("user");
    tcase_add_test(tc, user_dictionary_add_and_find);
    tcase_add_test(tc, user_dictionary_rejects_bad_words);
    tcase_add_test(tc, user_dictionary_grows);
    tcase_add_test(tc, user_dictionary_any_order);
    tcase_add_test(tc, free_accepts_null);
    tcase_add_test(tc, user_dictionary_frozen_finds_the_same);
    tcase_add_test(tc, user_dictionary_filter_of_starts);
    suite_add_tcase(s, tc);

    tc = tcase_create("alloc");
    tcase_add_test(tc, user_dictionary_survives_allocation_failures);
    tcase_add_test(tc, text_load_survives_allocation_failures);
    suite_add_tcase(s, tc);
    return s;
}
