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
#include <stdlib.h>
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

/* The code points of s (valid UTF-8) in out[], which has room; returns
 * how many. */
static size_t code_points(const char *s, uint32_t *out)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = 0;

    while (*u != 0) {
        uint32_t c = *u;
        int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
        c &= more == 3 ? 0x07u : more == 2 ? 0x0Fu : more == 1 ? 0x1Fu : 0x7Fu;
        for (u++; more-- > 0; u++)
            c = c << 6 | (*u & 0x3Fu);
        out[n++] = c;
    }
    return n;
}

/* The symbol of code point cp in d. */
static uint32_t symbol(const spiral_dict *d, uint32_t cp)
{
    uint32_t s = 12345;

    spiral_dict_symbols(d, &cp, 1, &s);
    return s;
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
    ck_assert_int_eq(spiral_dict_hmm_emit(d, symbol(d, 0x4E2D /* 中 */), em), 1);
    ck_assert(em[SPIRAL_HMM_S] < 0 && em[SPIRAL_HMM_S] > SPIRAL_HMM_IMPOSSIBLE);
    /* A word's character the HMM does not know, no character, a symbol
     * past the table. */
    ck_assert_uint_gt(symbol(d, 'a'), 0);
    ck_assert_int_eq(spiral_dict_hmm_emit(d, symbol(d, 'a'), em), 0);
    ck_assert(em[SPIRAL_HMM_B] <= SPIRAL_HMM_IMPOSSIBLE);
    ck_assert_int_eq(spiral_dict_hmm_emit(d, 0, em), 0);
    ck_assert(em[SPIRAL_HMM_S] <= SPIRAL_HMM_IMPOSSIBLE);
    ck_assert_int_eq(spiral_dict_hmm_emit(d, 0xFFFFFF, em), 0);
    ck_assert(em[SPIRAL_HMM_E] <= SPIRAL_HMM_IMPOSSIBLE);
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

/* A file in the hash-table format of version 1 or the binary-searched trie
 * of version 2 is refused by name. */
START_TEST(compiled_old_version_is_parse_error)
{
    spiral_dict *d = (spiral_dict *)&d;
    spiral_error err;
    char head[128];
    int v;

    read_head(head, sizeof head);
    for (v = 1; v <= 2; v++) {
        head[8] = (char)v;
        write_file("build/test-zhdict-old.dict", head, sizeof head);
        ck_assert_int_eq(spiral_dict_load(&d, "build/test-zhdict-old.dict", &err), SPIRAL_EPARSE);
        ck_assert_ptr_null(d);
        ck_assert(strstr(err.message, "old format version") != NULL);
        ck_assert(strstr(err.message, "rebuild") != NULL);
    }
    remove("build/test-zhdict-old.dict");
}
END_TEST

/*
 * Write a compiled dictionary of nunits units (check[], and base, value
 * pairs in unit[]) to path, with the header of the built one: symbol 1 for
 * 'x', 2 for 'y', 3 for U+20000, and no HMM.
 */
static void write_compiled(const char *path, const uint16_t *check, const uint32_t *unit,
                           uint32_t nunits)
{
    size_t size = 128 + 0x10000 * 2 + 8 + (nunits * 2 + 3) / 4 * 4 + nunits * 8 + 4 * 16, o;
    unsigned char *blob = calloc(1, size);
    uint32_t v;
    uint16_t s;

    ck_assert_ptr_nonnull(blob);
    read_head(blob, 128);
    v = nunits; memcpy(blob + 16, &v, 4);
    v = 4; memcpy(blob + 20, &v, 4);  /* nsyms */
    v = 1; memcpy(blob + 24, &v, 4);  /* nsupp */
    v = 0; memcpy(blob + 120, &v, 4); /* flags: no HMM */
    v = 3; memcpy(blob + 124, &v, 4); /* nwords */
    s = 1; memcpy(blob + 128 + 2 * 'x', &s, 2);
    s = 2; memcpy(blob + 128 + 2 * 'y', &s, 2);
    o = 128 + 0x10000 * 2;
    v = 0x20000; memcpy(blob + o, &v, 4); /* the character, then its symbol */
    v = 3; memcpy(blob + o + 4, &v, 4);
    o += 8;
    memcpy(blob + o, check, nunits * 2);
    o += (nunits * 2 + 3) / 4 * 4;
    memcpy(blob + o, unit, nunits * 8);
    write_file(path, (const char *)blob, size);
    free(blob);
}

/* A damaged trie: unit 1 ("x") has the root's base, so it is its own child
 * and "x" "y" goes on to unit 2 ("y"), which claims children far past the
 * end.  Walks stay in bounds and end with the text. */
START_TEST(compiled_damaged_trie_walks_end)
{
    const uint32_t W = SPIRAL_DICT_WORD, P = SPIRAL_DICT_PREFIX;
    static const uint16_t check[] = { 0xFFFF, 1, 2, 3 };
    const uint32_t unit[] = { 0 << 2 | P, 0, 0 << 2 | W | P, 0, 1000u << 2 | W | P, 0, W, 0 };
    uint32_t sym[100], cp[3] = { 'x', 'z', 0x20001 }, out[3];
    spiral_dict_hit hits[100];
    spiral_dict *d;
    spiral_error err;
    int i;

    write_compiled("build/test-zhdict-damaged.dict", check, unit, 4);
    ck_assert_int_eq(spiral_dict_load(&d, "build/test-zhdict-damaged.dict", &err), SPIRAL_OK);
    ck_assert_uint_eq(find(d, "x", NULL), SPIRAL_DICT_WORD | SPIRAL_DICT_PREFIX);
    ck_assert_uint_eq(find(d, "xxxxxxxxxxxx", NULL), SPIRAL_DICT_WORD | SPIRAL_DICT_PREFIX);
    ck_assert_uint_eq(find(d, "xy", NULL), SPIRAL_DICT_WORD | SPIRAL_DICT_PREFIX);
    ck_assert_uint_eq(find(d, "y", NULL), SPIRAL_DICT_WORD | SPIRAL_DICT_PREFIX);
    ck_assert_uint_eq(find(d, "yy", NULL), 0);
    ck_assert_uint_eq(find(d, "z", NULL), 0);
    /* The character beyond the BMP has its symbol from the second table. */
    ck_assert_uint_eq(find(d, "\xF0\xA0\x80\x80", NULL), SPIRAL_DICT_WORD);
    ck_assert_uint_eq(find(d, "\xF0\xA0\x80\x81", NULL), 0);
    spiral_dict_symbols(d, cp, 3, out);
    ck_assert_uint_eq(out[0], 1);
    ck_assert_uint_eq(out[1], 0);
    ck_assert_uint_eq(out[2], 0);
    ck_assert_uint_eq(symbol(d, 0x20000), 3);
    for (i = 0; i < 100; i++)
        sym[i] = 1;
    ck_assert_uint_eq(spiral_dict_prefixes(d, sym, 100, hits), 100);
    ck_assert_uint_eq(hits[99].len, 100);
    spiral_dict_free(d);
    remove("build/test-zhdict-damaged.dict");
}
END_TEST

/* A walk says, step by step, what spiral_dict_find() says of each prefix,
 * and spiral_dict_prefixes() lists the prefixes that are words, as far as
 * it is allowed to look. */
START_TEST(compiled_walk_agrees_with_find)
{
    static const char text[] = "印度尼西亚共和国";
    spiral_dict *d;
    const spiral_dict_trie *tr;
    spiral_dict_hit hits[8];
    uint32_t cp[8], sym[8], at, at2 = 0;
    size_t n, i, m = 0, words = 0, t;
    unsigned f;
    float v, w;

    ck_assert_int_eq(spiral_dict_load(&d, ZH_DICT, NULL), SPIRAL_OK);
    ck_assert_ptr_nonnull(tr = spiral_dict_trie_of(d));
    n = code_points(text, cp);
    ck_assert_uint_eq(n, 8);
    spiral_dict_symbols(d, cp, n, sym);
    at = spiral_dict_trie_root(tr);
    for (i = 0; i < n; i++) {
        v = w = 1;
        f = spiral_dict_trie_step(tr, &at, sym[i], &v);
        ck_assert_uint_eq(f, spiral_dict_find(d, text, 3 * (i + 1), &w));
        if (f & SPIRAL_DICT_WORD) {
            ck_assert(v == w);
            words++;
        }
        if (i == 1)
            at2 = at;
        if (f == 0)
            break;
    }
    ck_assert_uint_ge(words, 2); /* 印度, 印度尼西亚 */
    m = spiral_dict_prefixes(d, sym, n, hits);
    ck_assert_uint_eq(m, words);
    for (i = 0; i < m; i++) {
        ck_assert_uint_eq(spiral_dict_find(d, text, 3 * hits[i].len, &w) & SPIRAL_DICT_WORD,
                          SPIRAL_DICT_WORD);
        ck_assert(hits[i].value == w);
    }
    /* Looking at two characters only finds 印度 (and 印 if it is one). */
    m = spiral_dict_prefixes(d, sym, 2, hits);
    ck_assert_uint_ge(m, 1);
    ck_assert_uint_eq(hits[m - 1].len, 2);
    /* The units the second and third steps read, for loading ahead: the
     * children sought, for 印度 and 印度尼; one that is not, for 印度x; none
     * when an earlier step fails. */
    t = spiral_dict_trie_second(tr, sym[0], sym[1]);
    ck_assert_uint_eq(tr->check[t], sym[1]);
    ck_assert_uint_eq(tr->unit[t].base, at2);
    t = spiral_dict_trie_third(tr, sym[0], sym[1], sym[2]);
    ck_assert_uint_eq(tr->check[t], sym[2]);
    ck_assert_uint_eq(t, (at2 >> 2) + sym[2]);
    ck_assert_uint_eq(spiral_dict_trie_third(tr, sym[0], sym[1], symbol(d, 'x')),
                      (at2 >> 2) + symbol(d, 'x'));
    ck_assert_uint_eq(spiral_dict_trie_second(tr, 0, sym[1]), 0);
    ck_assert_uint_eq(spiral_dict_trie_third(tr, sym[0], 0, sym[2]), 0);
    /* No word goes on with a character the dictionary does not know, nor
     * with symbol 0. */
    ck_assert_uint_eq(symbol(d, 1), 0);
    at = spiral_dict_trie_root(tr);
    ck_assert_uint_ne(spiral_dict_trie_step(tr, &at, sym[0], &v), 0);
    ck_assert_uint_eq(spiral_dict_trie_step(tr, &at, 0, &v), 0);
    sym[1] = 0;
    m = spiral_dict_prefixes(d, sym, n, hits);
    ck_assert(m == 0 || hits[m - 1].len == 1);
    ck_assert_uint_eq(spiral_dict_prefixes(NULL, sym, n, hits), 0);
    ck_assert_ptr_null(spiral_dict_trie_of(NULL));
    spiral_dict_free(d);
}
END_TEST

/* The build script numbers characters by use, the commonest first, and
 * gives each node with children a base of its own: the checks hold
 * symbols, which only say whose child a unit is if no two bases are the
 * same. */
START_TEST(compiled_trie_is_well_formed)
{
    spiral_dict *d;
    const spiral_dict_trie *tr;
    unsigned char *seen;
    size_t t, children = 0, prefixes = 0, bad = 0;

    ck_assert_int_eq(spiral_dict_load(&d, ZH_DICT, NULL), SPIRAL_OK);
    ck_assert_ptr_nonnull(tr = spiral_dict_trie_of(d));
    ck_assert_uint_lt(symbol(d, 0x662F /* 是 */), 10);
    ck_assert_uint_lt(symbol(d, 0x662F), symbol(d, 0x9F39 /* 鼹 */));
    ck_assert_ptr_nonnull(seen = calloc(tr->nunits, 1));
    /* Plain tests in the loop, which sees every unit: a Check assertion
     * costs a system call. */
    for (t = 0; t < tr->nunits; t++) {
        uint32_t base = tr->unit[t].base;
        bad += tr->check[t] == 0;
        if (tr->check[t] != 0xFFFF)
            children++;
        else if (t > 0)
            bad += base != 0; /* an unused unit */
        if ((base & SPIRAL_DICT_PREFIX) == 0)
            continue;
        prefixes++;
        if (base >> 2 >= tr->nunits || seen[base >> 2])
            bad++;
        else
            seen[base >> 2] = 1;
    }
    ck_assert_uint_eq(bad, 0);
    ck_assert_uint_gt(prefixes, 100000);
    ck_assert_uint_gt(children, spiral_dict_size(d));
    free(seen);
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

/* Many first characters (a binary search among them at the first step), and
 * words beyond the BMP, which the bit set of first characters does not
 * cover. */
START_TEST(text_dictionary_many_first_characters)
{
    static const uint32_t text1[2] = { 0x20000, 0x56FD };
    char text[8192], w[16];
    size_t len = 0;
    spiral_dict *d;
    spiral_dict_hit hits[2];
    uint32_t sym[2];
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
    /* A text dictionary's symbols are the code points. */
    ck_assert_ptr_null(spiral_dict_trie_of(d));
    spiral_dict_symbols(d, text1, 2, sym);
    ck_assert_uint_eq(sym[0], 0x20000);
    ck_assert_uint_eq(sym[1], 0x56FD);
    ck_assert_uint_eq(spiral_dict_prefixes(d, sym, 2, hits), 2);
    ck_assert_uint_eq(hits[0].len, 1);
    ck_assert_uint_eq(hits[1].len, 2);
    sym[0] = 0x20001;
    ck_assert_uint_eq(spiral_dict_prefixes(d, sym, 2, hits), 0);
    sym[0] = 0x4E00 + 7 * 299;
    ck_assert_uint_eq(spiral_dict_prefixes(d, sym, 2, hits), 1);
    ck_assert_uint_eq(hits[0].len, 2);
    v = hits[0].value;
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
    static const uint32_t text[2] = { 0x20001, 'z' };
    spiral_dict *u;
    spiral_dict_hit hits[2];
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
    ck_assert_uint_eq(spiral_dict_prefixes(u, text, 2, hits), 1);
    ck_assert_uint_eq(hits[0].len, 2);
    ck_assert(hits[0].value == 5);
    ck_assert_uint_eq(spiral_dict_prefixes(u, text, 1, hits), 0);
    spiral_dict_free(u);
}
END_TEST

/* A frozen user dictionary (its filter of word starts and its table of first
 * characters filled, as a sealed lexicon's are) finds the same words, and one
 * more added afterwards too. */
/* The first character of user word i: 2000 different ones, scattered over
 * the CJK block, so that some share a slot of the root's hash table. */
static void user_word(char *w, size_t size, int i)
{
    uint32_t cp = 0x4E00 + (uint32_t)i * 7919u % 20000u;

    snprintf(w, size, "%c%c%c制裁", (char)(0xE0 | cp >> 12), (char)(0x80 | (cp >> 6 & 0x3F)),
             (char)(0x80 | (cp & 0x3F)));
}

START_TEST(user_dictionary_frozen_finds_the_same)
{
    spiral_dict *u;
    char w[32];
    float v;
    int i;

    ck_assert_int_eq(spiral_dict_new(&u), SPIRAL_OK);
    for (i = 0; i < 2000; i++) {
        user_word(w, sizeof w, i);
        ck_assert_int_eq(spiral_dict_add(u, w, strlen(w), (double)(i + 1)), SPIRAL_OK);
    }
    spiral_dict_freeze(u);
    for (i = 0; i < 2000; i++) {
        user_word(w, sizeof w, i);
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
    static const uint32_t text[6] = { 0x7F8E, 0x56FD, 0x5370, 0x5EA6, 0x5236, 0x6253 };
    unsigned char starts[6], manystarts[1000];
    uint32_t many[1000];
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
    spiral_dict_may_starts(u, text, 6, starts);
    for (i = 0; i < 6; i++)
        ck_assert_int_eq(starts[i], 1);
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
    /* The same at every position of a text, the last with nothing after. */
    spiral_dict_may_starts(u, text, 6, starts);
    for (i = 0; i < 6; i++)
        ck_assert_int_eq(starts[i], spiral_dict_may_start(u, text[i], i < 5 ? text[i + 1] : UINT32_MAX));
    ck_assert_int_eq(starts[0], 0); /* 美国 */
    ck_assert_int_eq(starts[2], 1); /* 印度 */
    ck_assert_int_eq(starts[5], 1); /* 打 at the end */
    /* Every pair of CJK characters from U+4E00 on that starts no word: the
     * first characters of all words lie beyond them, so all are ruled out,
     * false positives of the filter included, at every position of a
     * text too. */
    for (i = 0; i < 1000; i++)
        no += !spiral_dict_may_start(u, 0x4E00 + (uint32_t)i, 0x4E00 + (uint32_t)(i * 7 % 1000));
    ck_assert_int_eq(no, 1000);
    for (i = 0; i < 1000; i++)
        many[i] = 0x4E00 + (uint32_t)(i * 7 % 1000);
    spiral_dict_may_starts(u, many, 1000, manystarts);
    for (i = 0; i < 1000; i++)
        ck_assert_int_eq(manystarts[i], 0);
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
    tcase_add_test(tc, compiled_trie_is_well_formed);
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
