/*
 * testutil.h - helpers shared by the Check suites.
 */
#ifndef SPIRAL_TESTUTIL_H
#define SPIRAL_TESTUTIL_H

#include <stddef.h>

#include "buf.h"
#include "spiral.h"

/* Where the built Chinese dictionary is (the Makefile builds it first). */
#define TEST_DICT "build/zh.dict"

/* A session over the built dictionary (or none when `with_dict` is 0) and
 * no lexicon, kept for the whole test; freed by test_teardown(). */
spiral_session *test_session(int with_dict);
void test_teardown(void);

/* A session over the built dictionary and the test lexicon in
 * tests/data/lex (shared by the match and score suites). */
spiral_session *test_scoring_session(void);

/* Analyse text and describe its hits as "category=text[rule,rule]" joined
 * by " | " (score to one decimal after '@'); the doc is returned in *out. */
const char *test_hits(const char *text, const char *lang, const spiral_doc **out);

/* The normalised tokens of text joined by '|', e.g. "we|will|not"; sentence
 * breaks are written as " || ".  Returns a static buffer. */
const char *test_tokens(spiral_session *s, const char *text, const char *lang);

/* Whether every token's and sentence's [start, end) slices the original
 * text on character boundaries and the tokens are in order. */
int test_offsets_ok(const spiral_doc *doc, const char *text);

/* Open path with opts (NULL: the defaults), which must succeed; a
 * temporary file from test_tmpfile() is unlinked at once (the reader holds
 * it open). */
spiral_reader *test_reader_open(const char *path, spiral_read_opts *opts);

/* The next record of r, which must be there. */
const spiral_record *test_record(spiral_reader *r);

/* Write s to a fresh temporary file and return its path (static buffer per
 * call index 0..3). */
const char *test_tmpfile(const char *s, size_t len, const char *suffix, int slot);

/* For every starter code point (no surrogate, no combining mark), in
 * order: append it and a full-width comma to *text, and call each() with
 * utf8proc's NFKC and case folding of it alone (n code points).  Returns
 * 0, the first non-zero value each() returns, or -1 when utf8proc fails or
 * memory runs out. */
int test_each_starter(spiral_buf *text,
                      int (*each)(int32_t cp, const int32_t *nfkc, int n, void *payload),
                      void *payload);

#endif
