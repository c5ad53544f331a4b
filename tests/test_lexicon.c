/*
 * test_lexicon.c - reading lexicon files: every error with its line and
 * column, overrides, check mode and the entry listing.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "lexicon.h"
#include "suites.h"
#include "testutil.h"

#define BAD "tests/data/badlex/"

static void expect_error(const char *file, int code, unsigned long line, unsigned long col,
                         const char *needle)
{
    spiral_lexicon *lex;
    spiral_error err;

    ck_assert_int_eq(spiral_lexicon_new(&lex, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_add_file(lex, file, &err), code);
    ck_assert_str_eq(err.file, file);
    ck_assert_uint_eq(err.line, line);
    ck_assert_uint_eq(err.column, col);
    ck_assert_msg(strstr(err.message, needle) != NULL, "%s", err.message);
    spiral_lexicon_free(lex);
}

START_TEST(errors_name_line_and_column)
{
    expect_error(BAD "bad_weight.tsv", SPIRAL_EPARSE, 4, 21, "bad weight 'heavy'");
    expect_error(BAD "bad_category.tsv", SPIRAL_EPARSE, 2, 11, "unknown category 'threat.sanctions'");
    expect_error(BAD "bad_regex.tsv", SPIRAL_EPARSE, 1, 13, "missing closing parenthesis");
    expect_error(BAD "bad_flag.tsv", SPIRAL_EPARSE, 1, 21, "bad flag");
    expect_error(BAD "few_fields.tsv", SPIRAL_EPARSE, 1, 22, "expected pattern<TAB>category");
    expect_error(BAD "bad_utf8.tsv", SPIRAL_EENCODING, 1, 4, "invalid UTF-8");
    expect_error(BAD "missing.tsv", SPIRAL_EIO, 0, 0, "cannot open");
}
END_TEST

/* Load tsv (len bytes) as a lexicon file: SPIRAL_OK or the error in *err,
 * and the entries in *n. */
static int load_text(const char *tsv, size_t len, spiral_error *err, size_t *n)
{
    const char *path = test_tmpfile(tsv, len, ".tsv", 0);
    spiral_lexicon *lex;
    int rc;

    ck_assert_int_eq(spiral_lexicon_new(&lex, err), SPIRAL_OK);
    rc = spiral_lexicon_add_file(lex, path, err);
    *n = spiral_lexicon_size(lex);
    spiral_lexicon_free(lex);
    return rc;
}

/* Lines as files have them: a byte-order mark, CR LF, no newline at the
 * end, blank and comment lines; errors on such lines where they are, and
 * a NUL byte refused. */
START_TEST(lines_end_as_files_have_them)
{
    static const char ok[] = "\xEF\xBB\xBF" "alpha\tthreat.force\t1\r\n"
                             "# note\r\n"
                             "\r\n"
                             "  \t \n"
                             "beta\tthreat.force\t2\r\r\n"
                             "gamma\tthreat.force\t3";
    static const char bad_last[] = "\xEF\xBB\xBF" "alpha\tthreat.force\t1\r\n"
                                   "\n"
                                   "beta\tthreat.force\theavy";
    static const char bad_first[] = "\xEF\xBB\xBF\tthreat.force\t1\r\n";
    static const char nul[] = "alpha\tthreat.force\t1\nbe\0ta\tthreat.force\t1\n";
    spiral_error err;
    size_t n;

    ck_assert_int_eq(load_text(ok, sizeof ok - 1, &err, &n), SPIRAL_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(load_text(bad_last, sizeof bad_last - 1, &err, &n), SPIRAL_EPARSE);
    ck_assert_uint_eq(err.line, 3);
    ck_assert_uint_eq(err.column, 19);
    ck_assert(strstr(err.message, "bad weight 'heavy'") != NULL);
    ck_assert_int_eq(load_text(bad_first, sizeof bad_first - 1, &err, &n), SPIRAL_EPARSE);
    ck_assert_uint_eq(err.line, 1);
    ck_assert_uint_eq(err.column, 1);
    ck_assert_int_eq(load_text(nul, sizeof nul - 1, &err, &n), SPIRAL_EPARSE);
    ck_assert_uint_eq(err.line, 2);
    ck_assert(strstr(err.message, "NUL byte") != NULL);
}
END_TEST

/* Patterns are kept in blocks of many: every entry's pattern is its own,
 * across blocks, and one longer than a block is whole. */
START_TEST(patterns_are_kept_whole)
{
    spiral_buf tsv = SPIRAL_BUF_INIT, want = SPIRAL_BUF_INIT;
    spiral_lexicon *lex;
    spiral_error err;
    spiral_entry_info info;
    const char *path;
    size_t i, k;

    for (i = 0; i < 3000; i++)
        ck_assert_int_ge(spiral_buf_printf(&tsv, "word%zu\tthreat.force\t1\n", i), 0);
    for (k = 0; k < 20000; k++)
        ck_assert_int_ge(spiral_buf_putc(&tsv, (char)('a' + k % 26)), 0);
    ck_assert_int_ge(spiral_buf_puts(&tsv, "\tthreat.force\t1\nlast\tthreat.force\t1\n"), 0);
    path = test_tmpfile(tsv.data, tsv.len, ".tsv", 0);
    ck_assert_int_eq(spiral_lexicon_new(&lex, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_add_file(lex, path, &err), SPIRAL_OK);
    ck_assert_uint_eq(spiral_lexicon_size(lex), 3002);
    for (i = 0; i < 3000; i++) {
        spiral_buf_reset(&want);
        ck_assert_int_ge(spiral_buf_printf(&want, "word%zu", i), 0);
        ck_assert_int_eq(spiral_lexicon_entry(lex, i, &info), SPIRAL_OK);
        ck_assert_str_eq(info.pattern, want.data);
        ck_assert_str_eq(info.category, "threat.force");
    }
    ck_assert_int_eq(spiral_lexicon_entry(lex, 3000, &info), SPIRAL_OK);
    ck_assert_uint_eq(strlen(info.pattern), 20000);
    ck_assert(memcmp(info.pattern, tsv.data + tsv.len - 20000 - 36, 20000) == 0);
    ck_assert_int_eq(spiral_lexicon_entry(lex, 3001, &info), SPIRAL_OK);
    ck_assert_str_eq(info.pattern, "last");
    spiral_lexicon_free(lex);
    spiral_buf_free(&tsv);
    spiral_buf_free(&want);
}
END_TEST

/* Weights are the doubles strtod() reads, however they are written, and
 * the same category on line after line is the same one. */
START_TEST(weights_and_categories_as_written)
{
    static const char *const w[] = { "0",     "1",        "2.5",  "0.1",           "2.675",
                                     "100",   "99.9999999999999", "0.30000000000000004",
                                     "1e1",   "1.",       ".5",   "+2", "007.50" };
    static const char *const cat[] = { "threat.force", "threat.force", "modifier.negator",
                                       "reassurance.aid", "reassurance.aid", "threat.force" };
    spiral_buf tsv = SPIRAL_BUF_INIT;
    spiral_lexicon *lex;
    spiral_error err;
    spiral_entry_info info;
    size_t i, n = sizeof w / sizeof *w;

    for (i = 0; i < n; i++)
        ck_assert_int_ge(spiral_buf_printf(&tsv, "w%zu\t%s\t%s\n", i, cat[i % 6], w[i]), 0);
    ck_assert_int_eq(spiral_lexicon_new(&lex, &err), SPIRAL_OK);
    ck_assert_int_eq(
        spiral_lexicon_add_file(lex, test_tmpfile(tsv.data, tsv.len, ".tsv", 0), &err),
        SPIRAL_OK);
    for (i = 0; i < n; i++) {
        ck_assert_int_eq(spiral_lexicon_entry(lex, i, &info), SPIRAL_OK);
        ck_assert_msg(info.weight == strtod(w[i], NULL), "%s read as %.17g", w[i], info.weight);
        ck_assert_str_eq(info.category, cat[i % 6]);
        ck_assert_uint_eq(lex->e[i].family, i % 6 < 2 || i % 6 == 5 ? SPIRAL_FAM_THREAT
                                            : i % 6 == 2          ? SPIRAL_FAM_MODIFIER
                                                                  : SPIRAL_FAM_REASSURANCE);
        ck_assert_uint_eq(lex->e[i].modifier, i % 6 == 2 ? SPIRAL_MOD_NEGATOR : 0);
    }
    spiral_lexicon_free(lex);
    spiral_buf_free(&tsv);
    ck_assert_int_eq(spiral_date_int("2020-01-31"), 20200131);
    ck_assert_int_eq(spiral_date_int("1999-12-01T10:00"), 19991201);
    ck_assert_int_eq(spiral_date_int("2020-01-3x"), 0);
}
END_TEST

static void count(const spiral_error *err, void *payload)
{
    (void)err;
    (*(int *)payload)++;
}

START_TEST(check_reports_every_problem_and_conflicts)
{
    int n = 0;

    ck_assert_int_eq(spiral_lexicon_check(BAD "duplicate.tsv", count, &n), 1);
    ck_assert_int_eq(n, 1);
    n = 0;
    ck_assert_int_eq(spiral_lexicon_check("tests/data/lex", count, &n), 0);
    ck_assert_int_eq(n, 0);
}
END_TEST

START_TEST(later_entry_overrides_and_listing)
{
    spiral_lexicon *lex;
    spiral_error err;
    spiral_entry_info info;
    size_t i, found = 0;

    ck_assert_int_eq(spiral_lexicon_new(&lex, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_add_dir(lex, "tests/data/lex", &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_add_file(lex, BAD "duplicate.tsv", &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_seal(lex, &err), SPIRAL_OK);
    /* Adding after sealing is refused. */
    ck_assert_int_eq(spiral_lexicon_add_file(lex, BAD "duplicate.tsv", &err), SPIRAL_EINVAL);
    for (i = 0; i < spiral_lexicon_size(lex); i++) {
        ck_assert_int_eq(spiral_lexicon_entry(lex, i, &info), SPIRAL_OK);
        if (strcmp(info.pattern, "hotline") == 0) {
            ck_assert_str_eq(info.category, "reassurance.deescalation");
            ck_assert_str_eq(info.file, "en/reassurance.tsv");
            ck_assert_uint_eq(info.line, 3);
            ck_assert_str_eq(info.lang, "en");
            found++;
        }
        if (strcmp(info.pattern, "对话协商") == 0) {
            ck_assert_str_eq(info.lang, "zh");
            found++;
        }
    }
    ck_assert_uint_eq(found, 2);
    spiral_lexicon_free(lex);
}
END_TEST

/* The matcher walks what sealing lays out: a session refuses a lexicon
 * that is still open for additions, and takes it once sealed. */
START_TEST(session_needs_a_sealed_lexicon)
{
    spiral_lexicon *lex;
    spiral_session *s;
    spiral_error err;

    ck_assert_int_eq(spiral_lexicon_new(&lex, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_add_dir(lex, "tests/data/lex", &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_session_new(&s, NULL, lex, NULL, &err), SPIRAL_EINVAL);
    ck_assert_ptr_null(s);
    ck_assert(strstr(err.message, "sealed") != NULL);
    ck_assert_int_eq(spiral_lexicon_seal(lex, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_session_new(&s, NULL, lex, NULL, &err), SPIRAL_OK);
    spiral_session_free(s);
    spiral_lexicon_free(lex);
}
END_TEST

START_TEST(missing_directory_is_an_error)
{
    spiral_lexicon *lex;
    spiral_error err;

    /* Scoring everything 0 because of a typo in --lexicon would hide it. */
    ck_assert_int_eq(spiral_lexicon_load(&lex, "tests/data/no-such-dir", &err), SPIRAL_EIO);
    ck_assert_ptr_null(lex);
    ck_assert_str_eq(err.file, "tests/data/no-such-dir");
    ck_assert(strstr(err.message, "cannot open") != NULL);
    ck_assert_int_eq(spiral_lexicon_load(&lex, "tests/data/html", &err), SPIRAL_EIO);
    ck_assert(strstr(err.message, "not a lexicon directory") != NULL);
    /* A directory with one language only is fine. */
    ck_assert_int_eq(spiral_lexicon_load(&lex, "tests/data/lex", &err), SPIRAL_OK);
    spiral_lexicon_free(lex);
    spiral_lexicon_free(NULL);
}
END_TEST


/* The node key[0..len) leads to from the root of frozen trie t, or -1. */
static int32_t walk_key(const spiral_trie *t, const char *key, size_t len)
{
    int32_t node = 0;
    size_t i;

    for (i = 0; i < len && node >= 0; i++)
        node = spiral_trie_next(t, node, (unsigned char)key[i]);
    return node;
}

/* The trie as sealing lays it out: every key, inserted in any order, leads
 * to its entry (a later duplicate's), every node's children are in label
 * order and numbered breadth first, and the wildcard edge is found. */
START_TEST(frozen_trie_holds_every_key_in_order)
{
    static const char tsv[] = "zebra\tthreat.force\t1\n"
                              "abc\tthreat.force\t2\n"
                              "ab\tthreat.force\t3\n"
                              "abd x\tthreat.force\t4\n"
                              "a\tthreat.force\t5\n"
                              "abd*\tthreat.force\t6\n"
                              "aa\tthreat.force\t7\n"
                              "ab\tthreat.warning\t8\n";
    static const struct {
        const char *key;
        double weight;
    } want[] = { { "zebra", 1 }, { "abc", 2 }, { "ab", 8 }, { "abd x", 4 },
                 { "a", 5 },     { "abd\x01", 6 }, { "aa", 7 } };
    const char *path = test_tmpfile(tsv, strlen(tsv), ".tsv", 0);
    spiral_lexicon *lex;
    spiral_error err;
    const spiral_trie *t;
    size_t i, k;

    ck_assert_int_eq(spiral_lexicon_new(&lex, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_add_file(lex, path, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_seal(lex, &err), SPIRAL_OK);
    t = &lex->trie;
    for (i = 0; i < sizeof want / sizeof *want; i++) {
        int32_t node = walk_key(t, want[i].key, strlen(want[i].key));

        ck_assert_int_ge(node, 0);
        ck_assert_int_ge(t->fn[node].entry, 0);
        ck_assert(lex->e[t->fn[node].entry].weight == want[i].weight);
    }
    ck_assert_int_lt(walk_key(t, "abe", 3), 0);
    ck_assert_int_lt(t->fn[walk_key(t, "zeb", 3)].entry, 0);
    ck_assert_int_eq(t->fn[walk_key(t, "abd", 3)].wild, walk_key(t, "abd\x01", 4));
    /* a, z from the root; b, a (then a's children) ... breadth first */
    ck_assert_int_eq(t->root['a'], 1);
    ck_assert_int_eq(t->root['z'], 2);
    ck_assert_int_eq(t->root['b'], -1);
    for (i = 0; i < t->nnodes; i++)
        for (k = 1; k < t->fn[i].n; k++)
            ck_assert_uint_lt(t->label[t->fn[i].kid + (int32_t)k - 1],
                              t->label[t->fn[i].kid + (int32_t)k]);
    for (i = 1; i < t->nnodes; i++)
        ck_assert_int_eq(t->fn[i].kid, t->fn[i - 1].kid + (int32_t)t->fn[i - 1].n);
    spiral_lexicon_free(lex);
}
END_TEST

/* Patterns are keyed as text is normalised and cut into tokens, whether
 * their words are plain (ASCII letters, simplified Han) or not. */
START_TEST(pattern_keys_as_text_is_cut)
{
    static const char tsv[] = "Cannot Accept\tthreat.force\t1\n"
                              "SANCTION* now\tthreat.force\t1\n"
                              "\xE5\xB0\x8D\xE8\xA9\xB1\tthreat.force\t1\n" /* 對話 */
                              "\xE5\x88\xB6\xE8\xA3\x81 \xE6\x8E\xAA\xE6\x96\xBD"
                              "\tthreat.force\t1\n" /* 制裁 措施 */
                              "NATO\xE4\xB8\x9C\xE6\x89\xA9 plans\tthreat.force\t1\n" /* NATO东扩 */
                              "U.S. Forces\tthreat.force\t1\n"
                              "don't cannot\tthreat.force\t1\n"
                              "\xEF\xBC\xA1\xEF\xBC\xA2 \xE5\x88\xB6\xE8\xA3\x81 go\tthreat.force\t1\n";
    static const char *const keys[] = {
        "can not accept", "sanction\x01 now", "\xE5\xAF\xB9\xE8\xAF\x9D",
        "\xE5\x88\xB6\xE8\xA3\x81\xE6\x8E\xAA\xE6\x96\xBD",
        "nato\xE4\xB8\x9C\xE6\x89\xA9plans", "u.s. forces", "do n't can not",
        "ab\xE5\x88\xB6\xE8\xA3\x81go"
    };
    const char *path = test_tmpfile(tsv, sizeof tsv - 1, ".tsv", 0);
    spiral_lexicon *lex;
    spiral_error err;
    size_t i;

    ck_assert_int_eq(spiral_lexicon_new(&lex, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_add_file(lex, path, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_seal(lex, &err), SPIRAL_OK);
    for (i = 0; i < sizeof keys / sizeof *keys; i++) {
        int32_t node = walk_key(&lex->trie, keys[i], strlen(keys[i]));

        ck_assert_msg(node >= 0 && lex->trie.fn[node].entry == (int32_t)i, "key %zu", i);
    }
    spiral_lexicon_free(lex);
}
END_TEST

/* The calls of the walk over token p[0..len) from node s of trie t, byte
 * by byte, that can lead somewhere when the next token is not Han (an
 * entry, or a child by ' '), as spiral_calls; their number. */
static size_t calls_by_bytes(const spiral_trie *t, int32_t s, const unsigned char *p, size_t len,
                             spiral_calls *out)
{
    int32_t nodes[128];
    uint8_t wild[128];
    size_t n = spiral_trie_calls(t, s, p, len, nodes, wild, 127), i, k = 0;

    if (n > 127)
        ck_abort_msg("more than 127 calls");
    for (i = 0; i < n; i++) {
        int32_t space = spiral_trie_next(t, nodes[i], ' ');

        if (t->fn[nodes[i]].entry < 0 && space < 0)
            continue;
        out[k].a = (uint32_t)t->fn[nodes[i]].entry;
        out[k++].b = SPIRAL_CALL_ONE | (uint32_t)(space + 1) | (wild[i] ? SPIRAL_CALL_WILD : 0);
    }
    return k;
}

/* The same calls from the token's word and the word's walk. */
static size_t calls_by_word(const spiral_lexicon *lex, int which, int32_t s,
                            const unsigned char *p, size_t len, spiral_calls *out)
{
    uint64_t h = spiral_word_hash(p, len, 0);
    uint32_t w = spiral_lexicon_word(lex, p, len, 0, h, spiral_word_probe(lex, h)), n, i;
    const spiral_trie *t = which ? &lex->atrie : &lex->trie;
    spiral_calls c;

    if (w == SPIRAL_WORD_NONE)
        return 0;
    c = spiral_token_calls(lex, which, s, w & ~SPIRAL_WORD_STEM);
    if (c.b & SPIRAL_CALL_ONE) {
        if ((w & SPIRAL_WORD_STEM) && !(c.b & SPIRAL_CALL_WILD))
            return 0;
        out[0] = c;
        return 1;
    }
    if (!(c.b & SPIRAL_CALL_MANY))
        return 0;
    n = (t->tok_many[c.a].a & 0x7FFFFFFFu) -
        ((w & SPIRAL_WORD_STEM) ? t->tok_many[c.a].a >> 31 : 0);
    for (i = 0; i < n; i++)
        out[i] = t->tok_many[c.a + 1 + i];
    return n;
}

/* Tokens to walk: every word of the vocabulary, and each one longer by a
 * byte or a suffix, shorter by one, and changed in its first byte. */
static size_t test_tokens_of(const spiral_lexicon *lex, char (*tok)[64], size_t max)
{
    static const char *more[] = { "", "s", "ing", "x", "-", "ed" };
    size_t w, k, n = 0;

    for (w = 0; w < lex->nvoc && n + 8 < max; w++) {
        const spiral_word *wd = &lex->words[w];
        int len = wd->len < 40 ? (int)wd->len : 40;

        for (k = 0; k < sizeof more / sizeof *more; k++)
            snprintf(tok[n++], 64, "%.*s%s", len, lex->voc_text + wd->off, more[k]);
        if (len > 1)
            snprintf(tok[n++], 64, "%.*s", len - 1, lex->voc_text + wd->off);
        snprintf(tok[n++], 64, "q%.*s", len > 1 ? len - 1 : len, lex->voc_text + wd->off + 1);
    }
    return n;
}

/* Check the walks of words against those byte by byte in lexicons/ with
 * the entries of `extra` added: from the root and from some nodes after
 * ' ' of both tries.  *stems gets the walks that made calls over a token
 * longer than a stem of `stem` bytes; returns the walks with calls. */
static size_t check_word_walks(const char *extra, size_t stem, size_t *stems)
{
    static char tok[80000][64];
    const char *path = test_tmpfile(extra, strlen(extra), ".tsv", 0);
    spiral_lexicon *lex;
    spiral_error err;
    spiral_calls want[128], got[128];
    size_t ntok, k, i, n, with_calls = 0, follows = 0;
    int which;

    ck_assert_int_eq(spiral_lexicon_new(&lex, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_add_dir(lex, "lexicons", &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_add_file(lex, path, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_seal(lex, &err), SPIRAL_OK);
    ck_assert_uint_eq(lex->stem_min, stem);
    ntok = test_tokens_of(lex, tok, sizeof tok / sizeof *tok);
    ck_assert_uint_gt(ntok, 20000);
    *stems = 0;
    for (which = 0; which < 2; which++) {
        const spiral_trie *t = which ? &lex->atrie : &lex->trie;
        uint32_t *follow = calloc(t->nnodes, sizeof *follow);
        size_t s;

        /* per node after ' ', 1 + a word with a walk from it */
        ck_assert_ptr_nonnull(follow);
        for (s = 0; s < t->tok_cap; s++)
            if (t->tok_edge[s].key)
                follow[(t->tok_edge[s].key - 1) >> 32] = (uint32_t)(t->tok_edge[s].key - 1) + 1;
        for (s = 0; s < t->nnodes; s++) {
            if (s != 0 && (t->label[s] != ' ' || s % 41 != 0))
                continue; /* the root, and some of the nodes after ' ' */
            for (k = 0; k < ntok; k++) {
                const unsigned char *p = (const unsigned char *)tok[k];
                size_t len = strlen(tok[k]);

                /* (plain tests: a Check assertion costs a write) */
                n = calls_by_bytes(t, (int32_t)s, p, len, want);
                if (calls_by_word(lex, which, (int32_t)s, p, len, got) != n)
                    ck_abort_msg("\"%s\" from node %zu: %zu calls, expected %zu", tok[k], s,
                                 calls_by_word(lex, which, (int32_t)s, p, len, got), n);
                for (i = 0; i < n; i++) {
                    if (got[i].a != want[i].a || got[i].b != want[i].b)
                        ck_abort_msg("\"%s\" from node %zu, call %zu: %u %#x, expected %u %#x",
                                     tok[k], s, i, got[i].a, got[i].b, want[i].a, want[i].b);
                    if (got[i].b & SPIRAL_CALL_NODE) {
                        /* the words that may follow: one with a walk from
                         * the child has its bits there */
                        uint32_t f = follow[(got[i].b & SPIRAL_CALL_NODE) - 1];

                        if (f && (got[i].next & spiral_word_bits(f - 1)) !=
                                     spiral_word_bits(f - 1))
                            ck_abort_msg("word %u may not follow \"%s\"", f - 1, tok[k]);
                        follows += f != 0;
                    }
                }
                with_calls += n > 0;
                if (n > 0 && s == 0) {
                    uint64_t h = spiral_word_hash(p, len, 0);

                    *stems += (spiral_lexicon_word(lex, p, len, 0, h, spiral_word_probe(lex, h)) &
                               SPIRAL_WORD_STEM) != 0 &&
                              lex->words[spiral_lexicon_word(lex, p, len, 0, h,
                                                             spiral_word_probe(lex, h)) &
                                         ~SPIRAL_WORD_STEM]
                                      .len == stem;
                }
            }
        }
        free(follow);
    }
    ck_assert_uint_gt(follows, 1000);
    spiral_lexicon_free(lex);
    return with_calls;
}

/* A word's walk gives exactly the calls the walk byte by byte does (as
 * far as they can lead somewhere), for words, tokens that only start with
 * a stem, and tokens that are nothing; and the words that may follow a
 * call include every word with a walk from its child by ' '.  Over the
 * shipped lexicons with stems that extend each other and wildcards inside
 * phrases; with stems of 3 bytes or more (tokens are filtered by how they
 * start) and with stems of one letter (they are not). */
START_TEST(word_walks_are_the_byte_walks)
{
    static const char extra[] = "pos*\tthreat.force\t1\n"
                                "posit*\tthreat.force\t1\n"
                                "position*\tthreat.warning\t1\n"
                                "nuclear* weapon* test*\tthreat.force\t3\n"
                                "the united sanction*\tthreat.coercion\t2\n";
    static const char shorter[] = "a*\tthreat.force\t1\n"
                                  "ab*\tthreat.force\t1\n"
                                  "x* y\tthreat.force\t1\n";
    size_t stems;

    /* the checks have teeth: many walks make calls, after the shortest
     * stems among them */
    ck_assert_uint_gt(check_word_walks(extra, 3, &stems), 5000);
    ck_assert_uint_gt(stems, 5);
    ck_assert_uint_gt(check_word_walks(shorter, 1, &stems), 5000);
    ck_assert_uint_gt(stems, 5);
}
END_TEST

Suite *lexicon_suite(void)
{
    Suite *s = suite_create("lexicon");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, errors_name_line_and_column);
    tcase_add_test(tc, lines_end_as_files_have_them);
    tcase_add_test(tc, patterns_are_kept_whole);
    tcase_add_test(tc, weights_and_categories_as_written);
    tcase_add_test(tc, check_reports_every_problem_and_conflicts);
    tcase_add_test(tc, later_entry_overrides_and_listing);
    tcase_add_test(tc, missing_directory_is_an_error);
    tcase_add_test(tc, session_needs_a_sealed_lexicon);
    tcase_add_test(tc, word_walks_are_the_byte_walks);
    tcase_add_test(tc, frozen_trie_holds_every_key_in_order);
    tcase_add_test(tc, pattern_keys_as_text_is_cut);
    suite_add_tcase(s, tc);
    return s;
}
