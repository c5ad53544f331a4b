/*
 * session.c - the pipeline for one statement, and per-thread state.
 *
 * A session strings the stages together: normalise (normalize.c), segment
 * (tokenize.c, segment_zh.c), then match and score when it has a lexicon.
 * Everything it allocates is kept and reused for the next statement, so the
 * steady state allocates nothing and memory is bounded by the largest
 * statement seen.  Dictionaries and lexicons are only read.
 */
#include "session.h"

#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "segment_zh.h"

struct spiral_session {
    const spiral_dict *dict;
    const spiral_lexicon *lex;
    spiral_session_opts o;
    spiral_normalizer *norm;
    spiral_zhseg *zh;
    pcre2_general_context *gctx; /* match data and frames through alloc.h */
    spiral_doc doc;
    spiral_doc aux;           /* for resolving actor strings */
    spiral_buf last_actor;    /* cache: the last actor string and date ... */
    int32_t last_date;
    const char *last_speaker; /* ... and the speaker they resolved to */
};

const char *spiral_version(void)
{
    return SPIRAL_VERSION;
}

int spiral_session_new(spiral_session **out, const spiral_dict *dict,
                       const spiral_lexicon *lex, const spiral_session_opts *opts,
                       spiral_error *err)
{
    spiral_session_opts def = SPIRAL_SESSION_OPTS_INIT;
    spiral_session *s;
    int rc;

    *out = NULL;
    if (lex && !lex->sealed)
        return spiral_error_set(err, SPIRAL_EINVAL, NULL, 0, 0,
                                "the lexicon must be sealed before a session uses it");
    if ((s = spiral_calloc(1, sizeof *s)) == NULL)
        return spiral_error_nomem(err, NULL);
    s->dict = dict;
    s->lex = lex;
    s->o = opts ? *opts : def;
    if ((rc = spiral_normalizer_new(&s->norm, err)) < 0)
        goto fail;
    if ((rc = spiral_zhseg_new(&s->zh)) < 0) {
        spiral_error_nomem(err, NULL);
        goto fail;
    }
    if (lex && lex->nregex > 0) {
        /* Match data and limits are per thread; the patterns are shared. */
        if ((s->gctx = pcre2_general_context_create(spiral_pcre2_malloc, spiral_pcre2_free,
                                                    NULL)) == NULL ||
            (s->doc.md = pcre2_match_data_create(16, s->gctx)) == NULL ||
            (s->doc.mctx = pcre2_match_context_create(s->gctx)) == NULL) {
            rc = spiral_error_nomem(err, NULL);
            goto fail;
        }
        pcre2_set_match_limit(s->doc.mctx, s->o.regex_match_limit);
        pcre2_set_depth_limit(s->doc.mctx, s->o.regex_depth_limit);
    }
    s->doc.lex = lex;
    s->doc.regex_time_limit = s->o.regex_time_limit;
    *out = s;
    return SPIRAL_OK;
fail:
    spiral_session_free(s);
    return rc;
}

void spiral_session_free(spiral_session *s)
{
    if (s == NULL)
        return;
    spiral_normalizer_free(s->norm);
    spiral_zhseg_free(s->zh);
    spiral_normtext_free(&s->doc.nt);
    spiral_tokens_free(&s->doc.tk);
    spiral_buf_free(&s->doc.out);
    spiral_free(s->doc.ec.frag);
    spiral_buf_free(&s->doc.ec.bytes);
    spiral_free(s->doc.hits);
    spiral_free(s->doc.mods);
    spiral_free(s->doc.cand);
    spiral_free(s->doc.acand);
    spiral_free(s->doc.rx);
    spiral_free(s->doc.memo_mem);
    spiral_free(s->doc.words);
    spiral_free(s->doc.starts);
    spiral_free(s->doc.wcache_mem);
    spiral_free(s->doc.sent_end);
    spiral_free(s->doc.rx_mask);
    spiral_free(s->doc.rx_pair);
    spiral_free(s->doc.taken);
    spiral_free(s->doc.clause);
    spiral_free(s->doc.sscores);
    spiral_free(s->doc.ments);
    spiral_free(s->doc.targets);
    spiral_normtext_free(&s->aux.nt);
    spiral_tokens_free(&s->aux.tk);
    spiral_free(s->aux.ments);
    spiral_free(s->aux.memo_mem);
    spiral_free(s->aux.words);
    spiral_free(s->aux.starts);
    spiral_free(s->aux.wcache_mem);
    spiral_free(s->aux.cand);
    spiral_free(s->aux.acand);
    spiral_free(s->aux.taken);
    spiral_buf_free(&s->last_actor);
    spiral_doc_free_regex(&s->doc);
    pcre2_match_data_free(s->doc.md);
    pcre2_match_context_free(s->doc.mctx);
    pcre2_general_context_free(s->gctx);
    spiral_free(s);
}

const char *spiral_detect_lang(const spiral_normtext *nt)
{
    if (nt->han_chars == 0 && nt->latin_chars == 0)
        return "und";
    /* A Han character carries about as much as a short English word. */
    return nt->han_chars * 3 >= nt->latin_chars ? "zh" : "en";
}

/* "zh-CN", "ZH", "zh_TW", "chi" -> "zh"; "en-US", "eng" -> "en"; else as given. */
static void set_lang(spiral_doc *d, const char *lang)
{
    char l[8];
    size_t i;

    for (i = 0; i < sizeof l - 1 && lang[i] && lang[i] != '-' && lang[i] != '_'; i++)
        l[i] = (char)((lang[i] >= 'A' && lang[i] <= 'Z') ? lang[i] + 32 : lang[i]);
    l[i] = '\0';
    if (strcmp(l, "zh") == 0 || strcmp(l, "zho") == 0 || strcmp(l, "chi") == 0 ||
        strcmp(l, "cmn") == 0)
        strcpy(d->lang, "zh");
    else if (strcmp(l, "en") == 0 || strcmp(l, "eng") == 0)
        strcpy(d->lang, "en");
    else
        memcpy(d->lang, l, i + 1);
}

/* An actor code known to the lexicon, by its interned string, or NULL. */
static const char *known_code(const spiral_lexicon *lex, const char *code, size_t n)
{
    size_t i;

    for (i = 0; lex && i < lex->nactors; i++)
        if (strlen(lex->actors[i].code) == n && memcmp(lex->actors[i].code, code, n) == 0)
            return lex->actors[i].code;
    return NULL;
}

/* The speaker named by a record's actor string: its leading code
 * ("CHN-MFA:Hua Chunying" -> CHN) when the lexicon knows it, else the first
 * actor mentioned in the string ("Office of the Spokesperson, Ned Price"),
 * on the record's date. */
static const char *resolve_actor(spiral_session *s, const char *actor, int32_t date)
{
    spiral_doc *a = &s->aux;
    size_t n = strcspn(actor, "-:/ "), i;
    const char *code;

    if (s->last_speaker && s->last_date == date && s->last_actor.data &&
        strcmp(s->last_actor.data, actor) == 0)
        return s->last_speaker;
    code = NULL;
    for (i = 0; i < n && actor[i] >= 'A' && actor[i] <= 'Z'; i++)
        ;
    if (n >= 2 && n <= 6 && i == n)
        code = known_code(s->lex, actor, n);
    if (code == NULL && spiral_normalize(s->norm, actor, strlen(actor), &a->nt, NULL) == 0 &&
        spiral_tokenize(&a->tk, &a->nt, actor, s->zh, s->dict, s->lex->user, 4096) == 0 &&
        spiral_sentences(&a->tk, &a->nt, actor) == 0) {
        a->text = actor;
        a->len = strlen(actor);
        if (spiral_match_actors(a, s->lex, date) == 0) {
            for (i = 0; i < a->nments && code == NULL; i++) {
                const char *c = a->ments[i].alias_code;

                if (strcmp(c, "SELF") != 0 && strcmp(c, "UNRESOLVED") != 0 && strcmp(c, "NONE") != 0)
                    code = c;
            }
        }
    }
    spiral_buf_reset(&s->last_actor);
    if (spiral_buf_puts(&s->last_actor, actor) == 0) {
        s->last_date = date;
        s->last_speaker = code;
    } else {
        s->last_speaker = NULL;
    }
    return code;
}

int spiral_session_analyze(spiral_session *s, const char *text, size_t len,
                           const char *lang, const spiral_doc **out,
                           spiral_error *err)
{
    spiral_context ctx = SPIRAL_CONTEXT_INIT;

    ctx.lang = lang;
    return spiral_session_analyze_ctx(s, text, len, &ctx, out, err);
}

int spiral_session_analyze_ctx(spiral_session *s, const char *text, size_t len,
                               const spiral_context *ctx, const spiral_doc **out,
                               spiral_error *err)
{
    spiral_doc *d = &s->doc;
    const char *lang = ctx ? ctx->lang : NULL;
    int32_t date = ctx ? spiral_date_int(ctx->date) : 0;
    const spiral_lexicon *lex;
    int rc;

    *out = NULL;
    d->text = text;
    d->len = len;
    if ((rc = spiral_normalize(s->norm, text, len, &d->nt, err)) < 0)
        return rc;
    if (lang && *lang)
        set_lang(d, lang);
    else
        strcpy(d->lang, spiral_detect_lang(&d->nt));
    rc = spiral_tokenize(&d->tk, &d->nt, text, s->zh, s->dict, s->lex ? s->lex->user : NULL,
                         s->o.max_tokens);
    if (rc == SPIRAL_ELIMIT)
        return spiral_error_set(err, SPIRAL_ELIMIT, NULL, 0, 0,
                                "statement has more than %zu tokens (--max-tokens)",
                                s->o.max_tokens);
    if (rc < 0 || (rc = spiral_sentences(&d->tk, &d->nt, text)) < 0)
        return spiral_error_nomem(err, NULL);
    d->speaker = NULL;
    if (ctx && ctx->speaker && ctx->speaker[0]) {
        snprintf(d->speaker_buf, sizeof d->speaker_buf, "%s", ctx->speaker);
        d->speaker = d->speaker_buf;
    } else if (ctx && ctx->actor && ctx->actor[0] && s->lex) {
        d->speaker = resolve_actor(s, ctx->actor, date);
    }
    /* Tokens only: the stages run with no lexicon, so the document reads
     * as one with no hits, mentions or targets. */
    lex = s->o.tokens_only ? NULL : s->lex;
    if (spiral_match_doc(d, lex, date) < 0 || spiral_score_doc(d) < 0 ||
        spiral_attribute_doc(d, ctx) < 0)
        return spiral_error_nomem(err, NULL);
    *out = d;
    return SPIRAL_OK;
}

const char *spiral_doc_lang(const spiral_doc *doc)
{
    return doc->lang;
}

const char *spiral_doc_text(const spiral_doc *doc, size_t *len)
{
    if (len)
        *len = doc->len;
    return doc->text;
}

const char *spiral_doc_norm(const spiral_doc *doc, size_t *len)
{
    if (len)
        *len = doc->nt.text.len;
    return doc->nt.text.data ? doc->nt.text.data : "";
}

const spiral_token *spiral_doc_tokens(const spiral_doc *doc, size_t *n)
{
    *n = doc->tk.n;
    return doc->tk.tok;
}

const spiral_sentence *spiral_doc_sentences(const spiral_doc *doc, size_t *n)
{
    *n = doc->tk.nsent;
    return doc->tk.sent;
}

const char *spiral_token_kind_name(uint32_t kind)
{
    switch (kind) {
    case SPIRAL_TOK_WORD:   return "word";
    case SPIRAL_TOK_HAN:    return "han";
    case SPIRAL_TOK_NUMBER: return "number";
    case SPIRAL_TOK_PUNCT:  return "punct";
    case SPIRAL_TOK_SYMBOL: return "symbol";
    default:                return "other";
    }
}

unsigned long spiral_doc_regex_limited(const spiral_doc *doc)
{
    return doc->regex_limit_hits;
}

const char *spiral_doc_speaker(const spiral_doc *doc)
{
    return doc->speaker;
}

const spiral_mention *spiral_doc_mentions(const spiral_doc *doc, size_t *n)
{
    *n = doc->nments;
    return doc->ments;
}

const spiral_target_share *spiral_doc_targets(const spiral_doc *doc, size_t *n)
{
    *n = doc->ntargets;
    return doc->targets;
}

const char *spiral_portrayal_name(int portrayal)
{
    return portrayal == SPIRAL_PORTRAY_SELF ? "self"
         : portrayal == SPIRAL_PORTRAY_OTHER ? "other" : NULL;
}

spiral_buf *spiral_doc_outbuf(const spiral_doc *doc)
{
    return (spiral_buf *)&doc->out;
}

spiral_emitcache *spiral_doc_emitcache(const spiral_doc *doc)
{
    return (spiral_emitcache *)&doc->ec;
}

const spiral_lexicon *spiral_doc_lexicon(const spiral_doc *doc)
{
    return doc->lex;
}

const spiral_hit *spiral_doc_hits(const spiral_doc *doc, size_t *n)
{
    *n = doc->nhits;
    return doc->hits;
}

const spiral_hit *spiral_doc_modifiers(const spiral_doc *doc, size_t *n)
{
    *n = doc->nmods;
    return doc->mods;
}

void spiral_doc_scores(const spiral_doc *doc, spiral_scores *out)
{
    *out = doc->scores;
}

int spiral_doc_sentence_scores(const spiral_doc *doc, size_t i, spiral_scores *out)
{
    if (i >= doc->tk.nsent)
        return SPIRAL_EINVAL;
    *out = doc->sscores[i];
    return SPIRAL_OK;
}
