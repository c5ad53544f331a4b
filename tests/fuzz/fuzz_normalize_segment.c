/*
 * fuzz_normalize_segment.c - UTF-8 repair, normalisation, tokenisation and
 * sentence splitting (utf8.c, normalize.c, tokenize.c, segment_zh.c) on
 * arbitrary bytes.
 *
 * Invalid input must be refused by the normaliser at the first bad byte,
 * and repaired by spiral_utf8_repair() into valid UTF-8 (unchanged when it
 * was valid).  Valid text (the input, else its repair) is normalised with
 * the offset map checked, then cut into tokens and sentences with the
 * built dictionary and a small user dictionary, and every span checked:
 * inside its text, on character boundaries, in order.
 */
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "fuzz.h"
#include "normalize.h"
#include "segment_zh.h"
#include "spiral.h"
#include "tokenize.h"
#include "utf8.h"
#include "zhdict.h"

static spiral_normalizer *norm;
static spiral_zhseg *zh;
static spiral_dict *dict, *user;
static spiral_normtext nt;
static spiral_tokens tk;
static spiral_buf fixed;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static const char *const words[] = { "\xE5\x88\xB6\xE8\xA3\x81", /* 制裁 */
                                         "\xE5\x8D\xB0\xE5\xBA\xA6", /* 印度 */
                                         "nato\xE4\xB8\x9C\xE6\x89\xA9", NULL };
    spiral_error err;
    size_t i;

    (void)argc;
    (void)argv;
    if (spiral_normalizer_new(&norm, &err) < 0 || spiral_zhseg_new(&zh) < 0 ||
        spiral_dict_new(&user) < 0)
        abort();
    for (i = 0; words[i]; i++)
        if (spiral_dict_add(user, words[i], strlen(words[i]), 0) < 0)
            abort();
    if (spiral_dict_load(&dict, SPIRAL_FUZZ_DICT, &err) < 0) {
        fprintf(stderr, "fuzz: %s: %s\n", SPIRAL_FUZZ_DICT, err.message);
        abort();
    }
    return 0;
}

static void check_text(const char *text, size_t len, int use_dict)
{
    spiral_error err;
    size_t i;

    FUZZ_CHECK(spiral_normalize(norm, text, len, &nt, &err) == SPIRAL_OK);
    FUZZ_CHECK(nt.text.data != NULL && nt.text.data[nt.text.len] == '\0');
    FUZZ_CHECK(spiral_utf8_check(nt.text.data, nt.text.len) == nt.text.len);
    FUZZ_CHECK(nt.map[nt.text.len] == len);
    for (i = 0; i < nt.text.len; i++) {
        FUZZ_CHECK(nt.map[i] < len);
        FUZZ_CHECK(fuzz_span_ok(text, len, nt.map[i], nt.map[i]));
    }
    if (spiral_tokenize(&tk, &nt, text, zh, use_dict ? dict : NULL, user, 0) < 0)
        abort();
    FUZZ_CHECK(spiral_sentences(&tk, &nt, text) == SPIRAL_OK);
    for (i = 0; i < tk.n; i++) {
        const spiral_token *t = &tk.tok[i];

        FUZZ_CHECK(t->norm_start < t->norm_end && t->norm_end <= nt.text.len);
        FUZZ_CHECK(fuzz_span_ok(nt.text.data, nt.text.len, t->norm_start, t->norm_end));
        FUZZ_CHECK(fuzz_span_ok(text, len, t->start, t->end));
        FUZZ_CHECK(t->kind >= SPIRAL_TOK_WORD && t->kind <= SPIRAL_TOK_OTHER);
        if (i > 0) {
            FUZZ_CHECK(tk.tok[i - 1].norm_end <= t->norm_start);
            FUZZ_CHECK(tk.tok[i - 1].start <= t->start);
        }
    }
    for (i = 0; i < tk.nsent; i++) {
        const spiral_sentence *s = &tk.sent[i];

        FUZZ_CHECK(s->ntokens > 0 && s->first_token + s->ntokens <= tk.n);
        FUZZ_CHECK(i == 0 || tk.sent[i - 1].first_token + tk.sent[i - 1].ntokens == s->first_token);
        FUZZ_CHECK(fuzz_span_ok(text, len, s->start, s->end));
    }
    FUZZ_CHECK(tk.n == 0 || (tk.nsent > 0 && tk.sent[0].first_token == 0 &&
                             tk.sent[tk.nsent - 1].first_token + tk.sent[tk.nsent - 1].ntokens == tk.n));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    size_t bad = spiral_utf8_check(text, size), replaced = 0;
    spiral_error err;
    int rc;

    spiral_buf_reset(&fixed);
    FUZZ_CHECK(spiral_utf8_repair(&fixed, text, size, &replaced) == SPIRAL_OK);
    FUZZ_CHECK(spiral_utf8_check(fixed.data, fixed.len) == fixed.len);
    FUZZ_CHECK((replaced == 0) == (bad == size));
    if (bad == size) {
        FUZZ_CHECK(fixed.len == size && memcmp(fixed.data, text, size) == 0);
        check_text(text, size, size > 0 && data[0] & 1);
        return 0;
    }
    FUZZ_CHECK(fixed.len >= bad && memcmp(fixed.data, text, bad) == 0);
    rc = spiral_normalize(norm, text, size, &nt, &err);
    FUZZ_CHECK(rc == SPIRAL_EENCODING);
    FUZZ_CHECK(err.offset == bad);
    check_text(fixed.data, fixed.len, 1);
    return 0;
}
