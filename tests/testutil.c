/*
 * testutil.c - helpers shared by the Check suites.
 */
#define _DEFAULT_SOURCE 1 /* mkstemps */
#include "testutil.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utf8proc.h>

#include "utf8.h"

static spiral_dict *dict;
static spiral_session *sessions[2];
static spiral_lexicon *lexicon;
static spiral_session *scoring;

spiral_session *test_scoring_session(void)
{
    spiral_error err;

    if (scoring == NULL) {
        test_session(1);
        ck_assert_msg(spiral_lexicon_load(&lexicon, "tests/data/lex", &err) == SPIRAL_OK,
                      "test lexicon: %s:%lu: %s", err.file, err.line, err.message);
        ck_assert_int_eq(spiral_session_new(&scoring, dict, lexicon, NULL, &err), SPIRAL_OK);
    }
    return scoring;
}

/* Append to buf (cap bytes, *o used), cutting what does not fit. */
static void put(char *buf, size_t cap, size_t *o, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (*o + 1 >= cap)
        return;
    va_start(ap, fmt);
    n = vsnprintf(buf + *o, cap - *o, fmt, ap);
    va_end(ap);
    if (n > 0)
        *o = *o + (size_t)n >= cap ? cap - 1 : *o + (size_t)n;
}

const char *test_hits(const char *text, const char *lang, const spiral_doc **out)
{
    static char buf[4096];
    const spiral_hit *h;
    const spiral_doc *doc;
    spiral_error err;
    size_t n, i, o = 0;

    ck_assert_int_eq(spiral_session_analyze(test_scoring_session(), text, strlen(text), lang,
                                            &doc, &err), SPIRAL_OK);
    h = spiral_doc_hits(doc, &n);
    buf[0] = '\0';
    for (i = 0; i < n; i++) {
        unsigned bit;
        int first = 1;

        put(buf, sizeof buf, &o, "%s%s=%.*s@%.1f[", i ? " | " : "",
                              h[i].category, (int)(h[i].end - h[i].start), text + h[i].start,
                              h[i].score);
        for (bit = 1; bit <= SPIRAL_RULE_RHETORICAL; bit <<= 1) {
            if (h[i].rules & bit) {
                put(buf, sizeof buf, &o, "%s%s", first ? "" : ",",
                                      spiral_rule_name(bit));
                first = 0;
            }
        }
        put(buf, sizeof buf, &o, "]");
    }
    if (out)
        *out = doc;
    return buf;
}

spiral_session *test_session(int with_dict)
{
    spiral_error err;

    if (with_dict && dict == NULL)
        ck_assert_msg(spiral_dict_load(&dict, TEST_DICT, &err) == SPIRAL_OK,
                      "cannot load %s: %s", TEST_DICT, err.message);
    if (sessions[with_dict] == NULL)
        ck_assert_int_eq(spiral_session_new(&sessions[with_dict], with_dict ? dict : NULL,
                                            NULL, NULL, &err), SPIRAL_OK);
    return sessions[with_dict];
}

void test_teardown(void)
{
    spiral_session_free(scoring);
    scoring = NULL;
    spiral_lexicon_free(lexicon);
    lexicon = NULL;
    spiral_session_free(sessions[0]);
    spiral_session_free(sessions[1]);
    sessions[0] = sessions[1] = NULL;
    spiral_dict_free(dict);
    dict = NULL;
}

const char *test_tokens(spiral_session *s, const char *text, const char *lang)
{
    static char out[8192];
    const spiral_doc *doc;
    const spiral_token *tok;
    const spiral_sentence *sent;
    const char *norm;
    size_t ntok, nsent, i, t, o = 0;
    spiral_error err;

    ck_assert_int_eq(spiral_session_analyze(s, text, strlen(text), lang, &doc, &err), SPIRAL_OK);
    ck_assert(test_offsets_ok(doc, text));
    tok = spiral_doc_tokens(doc, &ntok);
    sent = spiral_doc_sentences(doc, &nsent);
    norm = spiral_doc_norm(doc, NULL);
    out[0] = '\0';
    for (i = 0; i < nsent; i++) {
        if (i)
            put(out, sizeof out, &o, " || ");
        for (t = sent[i].first_token; t < sent[i].first_token + sent[i].ntokens; t++)
            put(out, sizeof out, &o, "%s%.*s",
                                  t > sent[i].first_token ? "|" : "",
                                  (int)(tok[t].norm_end - tok[t].norm_start),
                                  norm + tok[t].norm_start);
    }
    return out;
}

static int boundary(const char *text, size_t len, uint32_t at)
{
    return at == len || at == 0 || ((unsigned char)text[at] & 0xC0) != 0x80;
}

int test_offsets_ok(const spiral_doc *doc, const char *text)
{
    const spiral_token *tok;
    const spiral_sentence *sent;
    size_t ntok, nsent, i, len = strlen(text);
    uint32_t prev = 0;

    tok = spiral_doc_tokens(doc, &ntok);
    sent = spiral_doc_sentences(doc, &nsent);
    for (i = 0; i < ntok; i++) {
        if (tok[i].start >= tok[i].end || tok[i].end > len || tok[i].start < prev ||
            !boundary(text, len, tok[i].start) || !boundary(text, len, tok[i].end))
            return 0;
        prev = tok[i].end;
    }
    for (i = 0; i < nsent; i++)
        if (sent[i].start != tok[sent[i].first_token].start ||
            sent[i].end != tok[sent[i].first_token + sent[i].ntokens - 1].end)
            return 0;
    return 1;
}

const char *test_tmpfile(const char *s, size_t len, const char *suffix, int slot)
{
    static char paths[4][256];
    char *p = paths[slot & 3];
    FILE *f;
    int fd;

    snprintf(p, sizeof paths[0], "/tmp/spiral-test-XXXXXX%s", suffix);
    fd = mkstemps(p, (int)strlen(suffix));
    ck_assert_int_ge(fd, 0);
    f = fdopen(fd, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(s, 1, len, f), len);
    fclose(f);
    return p;
}

spiral_reader *test_reader_open(const char *path, spiral_read_opts *opts)
{
    spiral_read_opts def = SPIRAL_READ_OPTS_INIT;
    spiral_reader *r;
    spiral_error err;

    ck_assert_msg(spiral_reader_open(&r, path, opts ? opts : &def, &err) == SPIRAL_OK, "%s: %s",
                  path, err.message);
    if (strncmp(path, "/tmp/spiral-test-", 17) == 0)
        unlink(path);
    return r;
}

const spiral_record *test_record(spiral_reader *r)
{
    const spiral_record *rec;
    spiral_error err;
    int rc = spiral_reader_next(r, &rec, &err);

    ck_assert_msg(rc == 1, "reader: %d %s:%lu: %s", rc, err.file, err.line, err.message);
    return rec;
}

int test_each_starter(spiral_buf *text,
                      int (*each)(int32_t cp, const int32_t *nfkc, int n, void *payload),
                      void *payload)
{
    int32_t cp;
    int rc = 0;

    for (cp = 1; cp < 0x110000 && rc == 0; cp++) {
        utf8proc_int32_t dec[64];
        utf8proc_ssize_t n;
        char enc[4];
        int k;

        if ((cp >= 0xD800 && cp <= 0xDFFF) || utf8proc_get_property(cp)->combining_class != 0)
            continue;
        k = spiral_utf8_encode(cp, enc);
        if (spiral_buf_append(text, enc, (size_t)k) < 0 ||
            spiral_buf_append(text, "\xEF\xBC\x8C", 3) < 0)
            return -1;
        n = utf8proc_decompose((const utf8proc_uint8_t *)enc, k, dec, 64,
                               UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT |
                               UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
        if (n < 0 || n > 64 ||
            (n = utf8proc_normalize_utf32(dec, n, UTF8PROC_STABLE | UTF8PROC_COMPOSE)) < 0)
            return -1;
        rc = each(cp, dec, (int)n, payload);
    }
    return rc;
}
