/*
 * fuzz_score.c - the whole analysis (session.c, match.c, score.c,
 * attribute.c, emit_json.c) with the shipped lexicons and the built
 * dictionary, on arbitrary text.
 *
 * The first byte chooses the language hint and whether the record has an
 * actor and a date; the rest is the statement.  Invalid UTF-8 must be
 * refused with SPIRAL_EENCODING at the first bad byte.  For valid text the
 * harness checks: every token, sentence, hit, modifier and mention span
 * lies inside the text on character boundaries; indices stay in range;
 * every score is finite and >= 0 and every tone inside (-10, 10); and the
 * JSON writer works on the result.
 */
#include <math.h>
#include <string.h>

#include "fuzz.h"
#include "spiral.h"
#include "utf8.h"

static spiral_dict *dict;
static spiral_lexicon *lex;
static spiral_session *session;
static FILE *sink;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    spiral_session_opts so = SPIRAL_SESSION_OPTS_INIT;
    spiral_error err;

    (void)argc;
    (void)argv;
    if (spiral_dict_load(&dict, SPIRAL_FUZZ_DICT, &err) < 0 ||
        spiral_lexicon_load(&lex, SPIRAL_SRCDIR "/lexicons", &err) < 0) {
        fprintf(stderr, "fuzz: %s:%lu: %s\n", err.file, err.line, err.message);
        abort();
    }
    so.max_tokens = 1 << 16;
    if (spiral_session_new(&session, dict, lex, &so, &err) < 0 ||
        (sink = fopen("/dev/null", "w")) == NULL)
        abort();
    return 0;
}

static void check_scores(const spiral_scores *s)
{
    FUZZ_CHECK(isfinite(s->threat) && s->threat >= 0);
    FUZZ_CHECK(isfinite(s->reassurance) && s->reassurance >= 0);
    FUZZ_CHECK(isfinite(s->net) && isfinite(s->tone));
    FUZZ_CHECK(s->tone > -10.0 && s->tone < 10.0);
    FUZZ_CHECK(s->label != NULL);
}

static void check_hits(const spiral_hit *h, size_t n, const char *text, size_t len,
                       size_t ntok, size_t nsent, size_t nmods)
{
    size_t i, m;

    for (i = 0; i < n; i++) {
        FUZZ_CHECK(h[i].start < h[i].end);
        FUZZ_CHECK(fuzz_span_ok(text, len, h[i].start, h[i].end));
        FUZZ_CHECK(h[i].ntokens > 0 && h[i].first_token + h[i].ntokens <= ntok);
        FUZZ_CHECK(h[i].sentence < nsent);
        FUZZ_CHECK(isfinite(h[i].score) && h[i].score >= 0);
        FUZZ_CHECK(isfinite(h[i].weight) && h[i].weight >= 0);
        FUZZ_CHECK(h[i].category && h[i].pattern && h[i].entry_file);
        FUZZ_CHECK(h[i].nmods <= SPIRAL_HIT_MAX_MODS);
        for (m = 0; m < h[i].nmods; m++)
            FUZZ_CHECK(h[i].mods[m] < nmods);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const langs[] = { NULL, "en", "zh", "zh-TW" };
    spiral_context ctx = SPIRAL_CONTEXT_INIT;
    const spiral_doc *doc;
    const spiral_token *tok;
    const spiral_sentence *sent;
    const spiral_hit *hits, *mods;
    const spiral_mention *ments;
    const spiral_target_share *targets;
    spiral_scores sc;
    spiral_record rec;
    spiral_error err;
    size_t len, ntok, nsent, nhits, nmods, nments, ntargets, i, bad;
    const char *text;
    int rc;

    if (size < 1)
        return 0;
    text = (const char *)data + 1;
    len = size - 1;
    ctx.lang = langs[data[0] & 3];
    if (data[0] & 4) {
        ctx.actor = (data[0] & 8) ? "CHN-MFA:Hua Chunying" : "Office of the Spokesperson";
        ctx.date = "2021-03-18";
    }
    if (data[0] & 16)
        ctx.target = "USA";
    bad = spiral_utf8_check(text, len);
    rc = spiral_session_analyze_ctx(session, text, len, &ctx, &doc, &err);
    if (bad < len) {
        FUZZ_CHECK(rc == SPIRAL_EENCODING && err.offset == bad && doc == NULL);
        return 0;
    }
    if (rc == SPIRAL_ELIMIT)
        return 0;
    FUZZ_CHECK(rc == SPIRAL_OK && doc != NULL);

    FUZZ_CHECK(spiral_doc_text(doc, &i) == text && i == len);
    tok = spiral_doc_tokens(doc, &ntok);
    sent = spiral_doc_sentences(doc, &nsent);
    for (i = 0; i < ntok; i++)
        FUZZ_CHECK(fuzz_span_ok(text, len, tok[i].start, tok[i].end));
    for (i = 0; i < nsent; i++) {
        spiral_scores ss;

        FUZZ_CHECK(sent[i].first_token + sent[i].ntokens <= ntok);
        FUZZ_CHECK(fuzz_span_ok(text, len, sent[i].start, sent[i].end));
        FUZZ_CHECK(spiral_doc_sentence_scores(doc, i, &ss) == SPIRAL_OK);
        check_scores(&ss);
    }
    mods = spiral_doc_modifiers(doc, &nmods);
    hits = spiral_doc_hits(doc, &nhits);
    check_hits(hits, nhits, text, len, ntok, nsent, nmods);
    check_hits(mods, nmods, text, len, ntok, nsent, nmods);
    for (i = 1; i < nhits; i++)
        FUZZ_CHECK(hits[i - 1].start <= hits[i].start);
    ments = spiral_doc_mentions(doc, &nments);
    for (i = 0; i < nments; i++) {
        FUZZ_CHECK(fuzz_span_ok(text, len, ments[i].start, ments[i].end));
        FUZZ_CHECK(ments[i].sentence < nsent && ments[i].code != NULL);
    }
    targets = spiral_doc_targets(doc, &ntargets);
    for (i = 0; i < ntargets; i++) {
        FUZZ_CHECK(targets[i].target != NULL);
        FUZZ_CHECK(isfinite(targets[i].threat) && targets[i].threat >= 0);
        FUZZ_CHECK(isfinite(targets[i].reassurance) && targets[i].reassurance >= 0);
    }
    spiral_doc_scores(doc, &sc);
    check_scores(&sc);
    FUZZ_CHECK(strcmp(spiral_doc_lang(doc), "") != 0);

    memset(&rec, 0, sizeof rec);
    rec.id = "fuzz:1";
    rec.file = "fuzz";
    rec.line = 1;
    rec.text = text;
    rec.text_len = len;
    FUZZ_CHECK(spiral_write_score_json(sink, &rec, doc, SPIRAL_EMIT_HITS | SPIRAL_EMIT_SENTENCES)
               == SPIRAL_OK);
    FUZZ_CHECK(spiral_write_tokens_json(sink, &rec, doc) == SPIRAL_OK);
    return 0;
}
