/*
 * test_emit_json.c - the JSON writer's numbers and strings.
 *
 * spiral_json_num_format() formats most numbers without printf; these tests
 * hold it to the text snprintf "%.4f" gives (trailing zeros and point
 * dropped), which is what the output format has always been, over edge
 * cases and a large deterministic sample.
 */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "emit_json.h"
#include "session.h"
#include "suites.h"
#include "testutil.h"

/* The reference: the number format as snprintf writes it. */
static size_t reference(char *out, size_t size, double v)
{
    size_t n;

    if (!isfinite(v)) {
        snprintf(out, size, "null");
        return 4;
    }
    if (fabs(v) < 0.00005)
        v = 0.0;
    n = (size_t)snprintf(out, size, "%.4f", v);
    ck_assert_uint_lt(n, size);
    while (n > 0 && out[n - 1] == '0')
        n--;
    if (n > 0 && out[n - 1] == '.')
        n--;
    out[n] = '\0';
    return n;
}

static void assert_same(double v)
{
    char want[SPIRAL_JSON_NUM_MAX + 1], got[SPIRAL_JSON_NUM_MAX + 1];
    size_t nw = reference(want, sizeof want, v);
    size_t ng = spiral_json_num_format(got, v);

    ck_assert_uint_le(ng, SPIRAL_JSON_NUM_MAX);
    got[ng] = '\0';
    ck_assert_msg(nw == ng && strcmp(want, got) == 0, "%.17g: want \"%s\", got \"%s\"", v,
                  want, got);
}

/* A deterministic 64-bit generator (splitmix64). */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

START_TEST(num_edge_cases_match_printf)
{
    static const double cases[] = {
        0.0, 1.0, -1.0, 0.5, -0.5, 2.5, 10.0, 100.0, 1e6, 0.1, 0.2, 0.3, 1.1, 2.675,
        0.00005, -0.00005, 0.000049999, 0.00004999999999999999, 0.0000500000001,
        0.00015, 0.00025, 0.00035, 0.99995, 9.99995, 99.99995, 0.99994999, 1.00005,
        0.03125, 0.09375, 0.15625, -0.03125, 1.03125, 0.0625, 0.1875, 0.5625, 0.4375,
        0.123456789, -0.123456789, 3.3333333333333335, -3.3333333333333335,
        6.666666666666667, -9.523809523809524, 1.0 / 3.0, 2.0 / 3.0, -2.0 / 3.0,
        1e-300, -1e-300, DBL_MIN, -DBL_MIN, 5e-324, -5e-324,
        123456789.12345, 999999999999.99995, 1e14, 1e14 + 0.5, 999999999999999.9,
        1e15, -1e15, 1e15 + 1, 1e16, 1e20, 1e22, 1e100, 1e300, DBL_MAX, -DBL_MAX,
        4503599627370495.5, 9007199254740993.0, 0.7 * 0.75 * 0.5, 1.5 * 1.2 * 0.75
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_same(cases[i]);
        assert_same(-cases[i]);
        assert_same(nextafter(cases[i], 0.0));
        assert_same(nextafter(cases[i], HUGE_VAL));
    }
    assert_same(-0.0);
    assert_same(NAN);
    assert_same(HUGE_VAL);
    assert_same(-HUGE_VAL);
}
END_TEST

/* Exact ties at the fifth decimal: k/2^5 and the like are exact in binary,
 * and printf rounds them half to even. */
START_TEST(num_ties_match_printf)
{
    int k, p;

    for (p = 1; p <= 12; p++)
        for (k = -4000; k <= 4000; k++)
            assert_same(ldexp((double)k, -p));
    for (k = 0; k < 200000; k++) {
        double v = (k + 0.5) / 10000.0;

        assert_same(v);
        assert_same(-v);
        assert_same(nextafter(v, 0.0));
        assert_same(nextafter(v, HUGE_VAL));
    }
}
END_TEST

START_TEST(num_random_values_match_printf)
{
    uint64_t state = 20240601;
    int i;

    for (i = 0; i < 300000; i++) {
        uint64_t r = next_random(&state);
        double v;

        switch (i % 4) {
        case 0: /* any bit pattern */
            memcpy(&v, &r, sizeof v);
            break;
        case 1: /* the magnitudes scores have */
            v = ((double)(r >> 11) / 9007199254740992.0 - 0.5) * 40.0;
            break;
        case 2: /* from tiny to huge */
            v = ldexp((double)(r >> 11), (int)(r % 120) - 120);
            break;
        default: /* weights times factors, as the rules make them */
            v = (double)(r % 40000) / 1000.0 * ((r >> 20) % 2 ? 0.75 : 0.5) *
                ((double)((r >> 24) % 300) / 100.0);
        }
        assert_same(v);
    }
}
END_TEST

START_TEST(str_escapes_as_before)
{
    spiral_buf b = SPIRAL_BUF_INIT;
    const char in[] = "a\"b\\c\nd\re\tf\bg\fh\x01i\x1Fj\x7Fk 中文 l";

    ck_assert_int_eq(spiral_json_str(&b, in, sizeof in - 1), 0);
    ck_assert_str_eq(b.data, "\"a\\\"b\\\\c\\nd\\re\\tf\\bg\\fh\\u0001i\\u001fj\\u007fk 中文 l\"");
    ck_assert_uint_eq(b.len, strlen(b.data));
    spiral_buf_reset(&b);
    ck_assert_int_eq(spiral_json_str(&b, "", 0), 0);
    ck_assert_str_eq(b.data, "\"\"");
    spiral_buf_reset(&b);
    ck_assert_int_eq(spiral_json_cstr(&b, NULL), 0);
    ck_assert_int_eq(spiral_json_key(&b, "k", 0), 0);
    ck_assert_int_eq(spiral_json_num(&b, -2.50004), 0);
    ck_assert_str_eq(b.data, "null,\"k\":-2.5");
    spiral_buf_free(&b);
}
END_TEST

/* A string of nothing but escapes grows the buffer six-fold as it goes. */
START_TEST(str_all_escapes_grow_buffer)
{
    spiral_buf b = SPIRAL_BUF_INIT;
    char in[1000];
    size_t i;

    memset(in, '\x01', sizeof in);
    ck_assert_int_eq(spiral_json_str(&b, in, sizeof in), 0);
    ck_assert_uint_eq(b.len, 2 + 6 * sizeof in);
    ck_assert_uint_eq(strlen(b.data), b.len);
    for (i = 0; i < sizeof in; i++)
        ck_assert_int_eq(memcmp(b.data + 1 + 6 * i, "\\u0001", 6), 0);
    spiral_buf_free(&b);
}
END_TEST

/* The reference escaping: each byte on its own. */
static size_t escape_reference(char *out, const unsigned char *s, size_t len)
{
    size_t i, n = 0;

    for (i = 0; i < len; i++) {
        unsigned c = s[i];

        if (c == '"' || c == '\\')
            n += (size_t)sprintf(out + n, "\\%c", c);
        else if (c == '\n')
            n += (size_t)sprintf(out + n, "\\n");
        else if (c == '\r')
            n += (size_t)sprintf(out + n, "\\r");
        else if (c == '\t')
            n += (size_t)sprintf(out + n, "\\t");
        else if (c == '\b')
            n += (size_t)sprintf(out + n, "\\b");
        else if (c == '\f')
            n += (size_t)sprintf(out + n, "\\f");
        else if (c < 0x20 || c == 0x7F)
            n += (size_t)sprintf(out + n, "\\u%04x", c);
        else
            out[n++] = (char)c;
    }
    out[n] = '\0';
    return n;
}

/* Strings are checked eight bytes at a time: every byte value, at every
 * place in and after a word of eight, in strings of every length up to
 * three words, is escaped as it is on its own. */
START_TEST(str_every_byte_at_every_place)
{
    spiral_buf b = SPIRAL_BUF_INIT;
    unsigned char in[24];
    char want[24 * 6 + 3];
    size_t len, at;
    unsigned c;
    unsigned long bad = 0;

    /* Check's assertions each cost a message: counted, asserted once. */
    for (len = 1; len <= sizeof in; len++)
        for (at = 0; at < len; at++)
            for (c = 0; c < 256; c++) {
                size_t n;

                memset(in, 'a', sizeof in);
                in[(at + 5) % len] = at % 2 ? 0xE4 : 'Z'; /* another plain byte */
                in[at] = (unsigned char)c;
                want[0] = '"';
                n = 1 + escape_reference(want + 1, in, len);
                want[n++] = '"';
                spiral_buf_reset(&b);
                if (spiral_json_str(&b, (const char *)in, len) != 0 || b.len != n ||
                    memcmp(b.data, want, n) != 0 || b.data[n] != '\0')
                    bad++;
            }
    ck_assert_uint_eq(bad, 0);
    spiral_buf_free(&b);
}
END_TEST

/* Integers are written two digits at a time: around every power of ten. */
START_TEST(integers_at_powers_of_ten)
{
    spiral_buf b = SPIRAL_BUF_INIT;
    spiral_record rec;
    unsigned long p = 1;
    char want[64];
    int k;

    memset(&rec, 0, sizeof rec);
    for (k = 0; k < 20; k++) {
        unsigned long v[3] = { p - 1, p, p + 1 };
        int j;

        for (j = 0; j < 3; j++) {
            if (v[j] < 2)
                continue;
            rec.copies = v[j];
            spiral_buf_reset(&b);
            ck_assert_int_eq(spiral_emit_record_tail(&b, &rec), 0);
            snprintf(want, sizeof want, ",\"copies\":%lu}\n", v[j]);
            ck_assert_str_eq(b.data, want);
        }
        if (p > (unsigned long)-1 / 10)
            break;
        p *= 10;
    }
    rec.copies = (unsigned long)-1;
    rec.replaced = 7;
    spiral_buf_reset(&b);
    ck_assert_int_eq(spiral_emit_record_tail(&b, &rec), 0);
    snprintf(want, sizeof want, ",\"copies\":%lu,\"invalid_utf8_replaced\":7}\n", (unsigned long)-1);
    ck_assert_str_eq(b.data, want);
    spiral_buf_free(&b);
}
END_TEST

/* The tokens output as a simple writer would write it (a record with no
 * fields but its id). */
static size_t tokens_reference(char *out, const spiral_doc *doc)
{
    const spiral_sentence *sent;
    const spiral_token *tok;
    const char *text = spiral_doc_text(doc, NULL), *norm = spiral_doc_norm(doc, NULL);
    size_t ntok, nsent, s, t, n = 0;

    tok = spiral_doc_tokens(doc, &ntok);
    sent = spiral_doc_sentences(doc, &nsent);
    n += (size_t)sprintf(out + n, "{\"id\":\"x\",\"lang\":\"%s\",\"sentences\":[",
                         spiral_doc_lang(doc));
    for (s = 0; s < nsent; s++) {
        n += (size_t)sprintf(out + n, "%s{\"start\":%u,\"end\":%u,\"tokens\":[", s ? "," : "",
                             sent[s].start, sent[s].end);
        for (t = sent[s].first_token; t < sent[s].first_token + sent[s].ntokens; t++) {
            n += (size_t)sprintf(out + n, "%s{\"text\":\"", t > sent[s].first_token ? "," : "");
            n += escape_reference(out + n, (const unsigned char *)text + tok[t].start,
                                  tok[t].end - tok[t].start);
            n += (size_t)sprintf(out + n, "\",\"norm\":\"");
            n += escape_reference(out + n, (const unsigned char *)norm + tok[t].norm_start,
                                  tok[t].norm_end - tok[t].norm_start);
            n += (size_t)sprintf(out + n, "\",\"start\":%u,\"end\":%u,\"kind\":\"%s\"}",
                                 tok[t].start, tok[t].end, spiral_token_kind_name(tok[t].kind));
        }
        n += (size_t)sprintf(out + n, "]}");
    }
    n += (size_t)sprintf(out + n, "]}\n");
    return n;
}

/* Short tokens are copied a word at a time from inside their text: quotes
 * and backslashes among them are still escaped, and tokens at the end of
 * the text (with fewer than eight bytes after them) are whole. */
START_TEST(tokens_match_a_simple_writer)
{
    static const char *const texts[] = {
        "He said \"no\" \\ twice.", "a\"b", "\"", "x \\", "Quote: \"Stop now!\" he said, \"\\\"",
        "\xE4\xB8\xAD\xE6\x96\x87\"\xE5\xAD\x97\" ok", "12345678 123456789 1234567 \"12345678\""
    };
    static char want[4096];
    spiral_record rec;
    size_t i;

    memset(&rec, 0, sizeof rec);
    rec.id = "x";
    for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        const spiral_doc *doc;
        spiral_error err;
        const char *got;
        size_t glen, wlen;

        ck_assert_int_eq(spiral_session_analyze(test_session(0), texts[i], strlen(texts[i]), "en",
                                                &doc, &err), SPIRAL_OK);
        wlen = tokens_reference(want, doc);
        ck_assert_int_eq(spiral_tokens_json(&rec, doc, &got, &glen), SPIRAL_OK);
        ck_assert_msg(glen == wlen && memcmp(got, want, glen) == 0, "%s:\n%.*s\n%s", texts[i],
                      (int)glen, got, want);
    }
    test_teardown();
}
END_TEST

/* What the JSON writers would write, as bytes (the form -j N copies):
 * the same line, newline included, for a statement with hits, sentences
 * and a record's fields. */
static void written(int tokens, const spiral_record *rec, const spiral_doc *doc, char *out,
                    size_t cap, size_t *len)
{
    FILE *f = tmpfile();

    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(tokens ? spiral_write_tokens_json(f, rec, doc)
                            : spiral_write_score_json(f, rec, doc,
                                                      SPIRAL_EMIT_HITS | SPIRAL_EMIT_SENTENCES),
                     SPIRAL_OK);
    rewind(f);
    *len = fread(out, 1, cap, f);
    fclose(f);
}

START_TEST(json_bytes_equal_what_is_written)
{
    static char want[65536];
    const spiral_doc *doc;
    spiral_record rec;
    const char *got;
    size_t wlen, glen;

    memset(&rec, 0, sizeof rec);
    rec.id = "mfa-2020-03-01";
    rec.date = "2020-03-01";
    rec.file = "x.jsonl";
    rec.line = 3;
    test_hits("The United States must stop its provocations at once. We will not attack first.",
              "en", &doc);
    written(0, &rec, doc, want, sizeof want, &wlen);
    ck_assert_int_eq(spiral_score_json(&rec, doc, SPIRAL_EMIT_HITS | SPIRAL_EMIT_SENTENCES, &got,
                                       &glen), SPIRAL_OK);
    ck_assert_uint_gt(glen, 200);
    ck_assert_uint_eq(glen, wlen);
    ck_assert(memcmp(got, want, glen) == 0);
    ck_assert_int_eq(got[glen - 1], '\n');
    ck_assert_ptr_nonnull(strstr(want, "\"hits\":[{"));
    written(1, &rec, doc, want, sizeof want, &wlen);
    ck_assert_int_eq(spiral_tokens_json(&rec, doc, &got, &glen), SPIRAL_OK);
    ck_assert_uint_eq(glen, wlen);
    ck_assert(memcmp(got, want, glen) == 0);
    test_teardown();
}
END_TEST

/* The hits and modifiers of a score line, parsed back, against the doc's:
 * an oracle that does not share the writer's code. */
static void check_hits(const char *line, const spiral_doc *doc)
{
    const spiral_hit *h, *mods;
    size_t n, nmods, i, k;
    json_error_t jerr;
    json_t *root = json_loads(line, 0, &jerr), *hits;
    char ref[512];

    ck_assert_msg(root != NULL, "%s", jerr.text);
    h = spiral_doc_hits(doc, &n);
    mods = spiral_doc_modifiers(doc, &nmods);
    hits = json_object_get(root, "hits");
    ck_assert_uint_eq(json_array_size(hits), n);
    for (i = 0; i < n; i++) {
        json_t *o = json_array_get(hits, i), *ms = json_object_get(o, "modifiers");
        const char *cat = json_string_value(json_object_get(o, "category"));
        json_t *ecat = json_object_get(o, "entry_category");

        ck_assert_str_eq(cat, h[i].category);
        if (h[i].category != h[i].entry_category)
            ck_assert_str_eq(json_string_value(ecat), h[i].entry_category);
        else
            ck_assert_ptr_null(ecat);
        ck_assert_double_eq_tol(json_number_value(json_object_get(o, "weight")), h[i].weight,
                                1e-4);
        ck_assert_str_eq(json_string_value(json_object_get(o, "pattern")), h[i].pattern);
        snprintf(ref, sizeof ref, "%s:%lu", h[i].entry_file, h[i].entry_line);
        ck_assert_str_eq(json_string_value(json_object_get(o, "entry")), ref);
        ck_assert_uint_eq(json_array_size(ms), h[i].nmods);
        for (k = 0; k < h[i].nmods; k++) {
            const spiral_hit *m = &mods[h[i].mods[k]];
            json_t *mo = json_array_get(ms, k);

            ck_assert_str_eq(json_string_value(json_object_get(mo, "category")), m->category);
            ck_assert_double_eq_tol(json_number_value(json_object_get(mo, "weight")), m->weight,
                                    1e-4);
            snprintf(ref, sizeof ref, "%s:%lu", m->entry_file, m->entry_line);
            ck_assert_str_eq(json_string_value(json_object_get(mo, "entry")), ref);
            ck_assert_ptr_null(json_object_get(mo, "pattern"));
        }
    }
    json_decref(root);
}

/* A session writes each lexicon entry's fields once and copies them into
 * every later hit (spiral_hitfrag): its output for statements seen in any
 * order must be what a fresh session writes for each alone, for plain,
 * negated (entry_category) and regex hits, and for modifiers, and hold
 * the doc's values (parsed back with jansson).  The
 * statements are constructed; the lexicon is the shipped one. */
START_TEST(entry_fields_written_once_equal_fresh)
{
    static const char *const text[][2] = {
        { "We strongly condemn the sanctions imposed on our companies.", "en" },
        { "The rebels agreed to lay down their arms, and the government will not impose "
          "sanctions on the region.", "en" },
        { "Should the United States continue to play the Taiwan card, it will bear the "
          "consequences. We condemn this.", "en" },
        { "We will not impose sanctions. We strongly condemn the provocation and firmly "
          "oppose the arms sales.", "en" },
        { "We will not attack any country first, but an attack on our territory will be met "
          "with force.", "en" },
        { "中方坚决反对美方的单边制裁，强烈谴责这种挑衅行为。", "zh" },
        { "中方不会对任何国家实施制裁，愿同各方加强对话与合作。", "zh" },
    };
    static const char *const seen[] = { "\"entry_category\":", "\"pattern\":\"re:\\\\b",
                                        "\"modifiers\":[{", "\"entry\":\"zh/" };
    size_t nt = sizeof text / sizeof text[0], pass, i, k, len;
    spiral_lexicon *lex;
    spiral_session *warm, *fresh;
    const spiral_doc *doc;
    spiral_error err;
    static char want[65536], all[1 << 18];
    const char *got;
    size_t nall = 0;

    ck_assert_int_eq(spiral_lexicon_load(&lex, "lexicons", &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_session_new(&warm, NULL, lex, NULL, &err), SPIRAL_OK);
    for (pass = 0; pass < 2; pass++) {
        for (k = 0; k < nt; k++) {
            /* forwards, then backwards: later hits meet entries written
             * for earlier statements, as negated or plain */
            i = pass ? nt - 1 - k : k;
            ck_assert_int_eq(spiral_session_new(&fresh, NULL, lex, NULL, &err), SPIRAL_OK);
            ck_assert_int_eq(spiral_session_analyze(fresh, text[i][0], strlen(text[i][0]),
                                                    text[i][1], &doc, &err), SPIRAL_OK);
            ck_assert_int_eq(spiral_score_json(NULL, doc, SPIRAL_EMIT_HITS, &got, &len),
                             SPIRAL_OK);
            ck_assert_uint_lt(len, sizeof want);
            memcpy(want, got, len);
            spiral_session_free(fresh);
            ck_assert_int_eq(spiral_session_analyze(warm, text[i][0], strlen(text[i][0]),
                                                    text[i][1], &doc, &err), SPIRAL_OK);
            ck_assert_int_eq(spiral_score_json(NULL, doc, SPIRAL_EMIT_HITS, &got, &len),
                             SPIRAL_OK);
            check_hits(got, doc);
            ck_assert_msg(memcmp(got, want, len) == 0 && got[len] == '\0',
                          "statement %zu, pass %zu: %.1500s", i, pass, got);
            ck_assert_uint_lt(nall + len, sizeof all);
            memcpy(all + nall, got, len + 1);
            nall += len;
        }
    }
    /* the statements reach every kind of field the cache holds */
    for (k = 0; k < sizeof seen / sizeof seen[0]; k++)
        ck_assert_msg(strstr(all, seen[k]) != NULL, "no %s in the output", seen[k]);
    spiral_session_free(warm);
    spiral_lexicon_free(lex);
}
END_TEST

Suite *emit_json_suite(void)
{
    Suite *s = suite_create("emit_json");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, num_edge_cases_match_printf);
    tcase_add_test(tc, num_ties_match_printf);
    tcase_add_test(tc, num_random_values_match_printf);
    tcase_add_test(tc, str_escapes_as_before);
    tcase_add_test(tc, str_all_escapes_grow_buffer);
    tcase_add_test(tc, str_every_byte_at_every_place);
    tcase_add_test(tc, integers_at_powers_of_ten);
    tcase_add_test(tc, tokens_match_a_simple_writer);
    tcase_add_test(tc, json_bytes_equal_what_is_written);
    tcase_add_test(tc, entry_fields_written_once_equal_fresh);
    suite_add_tcase(s, tc);
    return s;
}
