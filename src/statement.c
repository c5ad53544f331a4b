/*
 * statement.c - the input of the tracking stages: scored statements.
 *
 * A spiral_statement comes from one line of scored JSON Lines (the output
 * of `spiral score`, read here with jansson) or from a statement just scored
 * by a session (a record and its doc).  Either way the result is borrowed
 * from the parser until its next call, so reading a corpus of any size
 * keeps one record in memory.  Lines without a "threat" but with a "text"
 * are raw statements: they come back as a spiral_record for the caller to
 * score.
 */
#include "statement.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "error.h"

struct spiral_stmt_parser {
    json_t *root;                /* the current line's JSON, owning its strings */
    char *meta;                  /* json_dumps of meta or of unknown fields */
    spiral_statement st;
    spiral_record rec;
    spiral_stmt_hit *hits;
    size_t hcap;
    spiral_stmt_target *targets;
    size_t tcap;
    spiral_buf strings;          /* copies for statements made from a doc */
    spiral_buf idbuf;            /* FILE:LINE ids, integer ids */
};

int spiral_stmt_parser_new(spiral_stmt_parser **out, spiral_error *err)
{
    if ((*out = spiral_calloc(1, sizeof **out)) == NULL)
        return spiral_error_nomem(err, "");
    return SPIRAL_OK;
}

static void parser_reset(spiral_stmt_parser *p)
{
    if (p->root)
        json_decref(p->root);
    p->root = NULL;
    free(p->meta); /* from jansson, allocated with malloc */
    p->meta = NULL;
    memset(&p->st, 0, sizeof p->st);
    memset(&p->rec, 0, sizeof p->rec);
    spiral_buf_reset(&p->strings);
    spiral_buf_reset(&p->idbuf);
}

void spiral_stmt_parser_free(spiral_stmt_parser *p)
{
    if (p == NULL)
        return;
    parser_reset(p);
    spiral_free(p->hits);
    spiral_free(p->targets);
    spiral_buf_free(&p->strings);
    spiral_buf_free(&p->idbuf);
    spiral_free(p);
}

static const char *type_name(const json_t *v)
{
    return json_is_object(v) ? "an object" : json_is_array(v) ? "an array" :
           json_is_string(v) ? "a string" : json_is_number(v) ? "a number" :
           json_is_boolean(v) ? "a boolean" : "null";
}

/* A string field: *out NULL when absent or null.  Returns SPIRAL_OK or
 * SPIRAL_EINVAL (a field of another type). */
static int get_str(const json_t *obj, const char *key, const char **out, const char *file,
                   unsigned long line, spiral_error *err)
{
    json_t *v = json_object_get(obj, key);

    *out = NULL;
    if (v == NULL || json_is_null(v))
        return SPIRAL_OK;
    if (!json_is_string(v))
        return spiral_error_set(err, SPIRAL_EINVAL, file, line, 0,
                                "\"%s\" must be a string, not %s", key, type_name(v));
    *out = json_string_value(v);
    return SPIRAL_OK;
}

/* A number field; *have says whether it was there. */
static int get_num(const json_t *obj, const char *key, double *out, int *have,
                   const char *file, unsigned long line, spiral_error *err)
{
    json_t *v = json_object_get(obj, key);

    *out = 0.0;
    if (have)
        *have = 0;
    if (v == NULL || json_is_null(v))
        return SPIRAL_OK;
    if (!json_is_number(v))
        return spiral_error_set(err, SPIRAL_EINVAL, file, line, 0,
                                "\"%s\" must be a number, not %s", key, type_name(v));
    *out = json_number_value(v);
    if (!isfinite(*out))
        return spiral_error_set(err, SPIRAL_EINVAL, file, line, 0,
                                "\"%s\" is not a finite number", key);
    if (have)
        *have = 1;
    return SPIRAL_OK;
}

/* The id: a string, an integer, or FILE:LINE when absent. */
static int get_id(spiral_stmt_parser *p, const json_t *obj, const char **out,
                  const char *file, unsigned long line, spiral_error *err)
{
    json_t *v = json_object_get(obj, "id");

    if (v && json_is_string(v)) {
        *out = json_string_value(v);
        return SPIRAL_OK;
    }
    spiral_buf_reset(&p->idbuf);
    if (v && json_is_integer(v)) {
        if (spiral_buf_printf(&p->idbuf, "%" JSON_INTEGER_FORMAT, json_integer_value(v)) < 0)
            return spiral_error_nomem(err, file);
    } else if (v == NULL || json_is_null(v)) {
        if (spiral_buf_printf(&p->idbuf, "%s:%lu", file, line) < 0)
            return spiral_error_nomem(err, file);
    } else
        return spiral_error_set(err, SPIRAL_EINVAL, file, line, 0,
                                "\"id\" must be a string or an integer, not %s", type_name(v));
    *out = p->idbuf.data;
    return SPIRAL_OK;
}

static int parse_hits(spiral_stmt_parser *p, const json_t *arr, const char *file,
                      unsigned long line, spiral_error *err)
{
    size_t i, n = json_array_size(arr);

    if (spiral_grow(&p->hits, &p->hcap, n ? n : 1, sizeof *p->hits) < 0)
        return spiral_error_nomem(err, file);
    for (i = 0; i < n; i++) {
        const json_t *h = json_array_get(arr, i);
        spiral_stmt_hit *o = &p->hits[i];
        double v;
        int rc;

        memset(o, 0, sizeof *o);
        if (!json_is_object(h))
            return spiral_error_set(err, SPIRAL_EINVAL, file, line, 0,
                                    "hits[%zu] must be an object, not %s", i, type_name(h));
        if ((rc = get_str(h, "text", &o->text, file, line, err)) < 0 ||
            (rc = get_str(h, "category", &o->category, file, line, err)) < 0 ||
            (rc = get_str(h, "entry", &o->entry, file, line, err)) < 0 ||
            (rc = get_str(h, "target", &o->target, file, line, err)) < 0 ||
            (rc = get_str(h, "portrayal", &o->portrayal, file, line, err)) < 0 ||
            (rc = get_num(h, "weight", &o->weight, NULL, file, line, err)) < 0 ||
            (rc = get_num(h, "score", &o->score, NULL, file, line, err)) < 0)
            return rc;
        if ((rc = get_num(h, "start", &v, NULL, file, line, err)) < 0)
            return rc;
        o->start = v > 0 && v < 4294967295.0 ? (uint32_t)v : 0;
        if ((rc = get_num(h, "end", &v, NULL, file, line, err)) < 0)
            return rc;
        o->end = v > 0 && v < 4294967295.0 ? (uint32_t)v : 0;
        if ((rc = get_num(h, "sentence", &v, NULL, file, line, err)) < 0)
            return rc;
        o->sentence = v > 0 && v < 4294967295.0 ? (uint32_t)v : 0;
    }
    p->st.hits = p->hits;
    p->st.nhits = n;
    return SPIRAL_OK;
}

static int parse_targets(spiral_stmt_parser *p, const json_t *arr, const char *file,
                         unsigned long line, spiral_error *err)
{
    size_t i, n = json_array_size(arr);

    if (spiral_grow(&p->targets, &p->tcap, n ? n : 1, sizeof *p->targets) < 0)
        return spiral_error_nomem(err, file);
    for (i = 0; i < n; i++) {
        const json_t *g = json_array_get(arr, i);
        spiral_stmt_target *o = &p->targets[i];
        double hits;
        int rc;

        memset(o, 0, sizeof *o);
        if (!json_is_object(g))
            return spiral_error_set(err, SPIRAL_EINVAL, file, line, 0,
                                    "targets[%zu] must be an object, not %s", i, type_name(g));
        if ((rc = get_str(g, "target", &o->target, file, line, err)) < 0 ||
            (rc = get_num(g, "threat", &o->threat, NULL, file, line, err)) < 0 ||
            (rc = get_num(g, "reassurance", &o->reassurance, NULL, file, line, err)) < 0 ||
            (rc = get_num(g, "hits", &hits, NULL, file, line, err)) < 0)
            return rc;
        if (o->target == NULL)
            return spiral_error_set(err, SPIRAL_EINVAL, file, line, 0,
                                    "targets[%zu] has no \"target\"", i);
        o->hits = hits > 0 ? (unsigned long)hits : 0;
    }
    p->st.targets = p->targets;
    p->st.ntargets = n;
    p->st.has_targets = 1;
    return SPIRAL_OK;
}

/* Fields a raw record may carry that are not passed on as meta. */
static int raw_known(const char *key)
{
    static const char *const known[] = { "id", "date", "actor", "target", "lang", "title",
                                         "source", "text", NULL };
    size_t i;

    for (i = 0; known[i]; i++)
        if (strcmp(key, known[i]) == 0)
            return 1;
    return 0;
}

static int parse_raw(spiral_stmt_parser *p, const json_t *obj, const char *file,
                     unsigned long line, const spiral_record **raw, spiral_error *err)
{
    spiral_record *r = &p->rec;
    json_t *text = json_object_get(obj, "text"), *meta = NULL, *v;
    const char *key;
    int rc;

    if (text == NULL)
        return spiral_error_set(err, SPIRAL_EINVAL, file, line, 0,
                                "neither a scored statement (no \"threat\") nor a raw one "
                                "(no \"text\")");
    if (!json_is_string(text))
        return spiral_error_set(err, SPIRAL_EINVAL, file, line, 0,
                                "\"text\" must be a string, not %s", type_name(text));
    if ((rc = get_id(p, obj, &r->id, file, line, err)) < 0 ||
        (rc = get_str(obj, "date", &r->date, file, line, err)) < 0 ||
        (rc = get_str(obj, "actor", &r->actor, file, line, err)) < 0 ||
        (rc = get_str(obj, "target", &r->target, file, line, err)) < 0 ||
        (rc = get_str(obj, "lang", &r->lang, file, line, err)) < 0 ||
        (rc = get_str(obj, "title", &r->title, file, line, err)) < 0 ||
        (rc = get_str(obj, "source", &r->source, file, line, err)) < 0)
        return rc;
    r->text = json_string_value(text);
    r->text_len = json_string_length(text);
    r->file = file;
    r->line = line;
    json_object_foreach((json_t *)obj, key, v) {
        if (raw_known(key))
            continue;
        if (meta == NULL && (meta = json_object()) == NULL)
            return spiral_error_nomem(err, file);
        if (json_object_set(meta, key, v) < 0) {
            json_decref(meta);
            return spiral_error_nomem(err, file);
        }
    }
    if (meta) {
        p->meta = json_dumps(meta, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(meta);
        if (p->meta == NULL)
            return spiral_error_nomem(err, file);
        r->meta_json = p->meta;
    }
    *raw = r;
    return SPIRAL_STMT_RAW;
}

int spiral_stmt_parse_json(spiral_stmt_parser *p, const char *json, size_t len,
                           const char *file, unsigned long line,
                           const spiral_statement **out, const spiral_record **raw,
                           spiral_error *err)
{
    spiral_statement *st = &p->st;
    json_error_t je;
    json_t *v;
    double num;
    unsigned long failures;
    int rc, have;

    *out = NULL;
    *raw = NULL;
    parser_reset(p);
    if (file == NULL)
        file = "";
    /* jansson may report running out of memory as a syntax error, or drop
     * bytes and go on: a failed allocation makes the record ENOMEM. */
    spiral_alloc_install_jansson();
    failures = spiral_alloc_failures();
    p->root = json_loadb(json, len, JSON_ALLOW_NUL, &je);
    if (spiral_alloc_failures() != failures)
        return spiral_error_set(err, SPIRAL_ENOMEM, file, line, 0, "out of memory");
    if (p->root == NULL)
        return spiral_error_set(err, SPIRAL_EPARSE, file, line,
                                je.column > 0 ? (unsigned long)je.column : 0,
                                "invalid JSON: %s", je.text);
    if (!json_is_object(p->root))
        return spiral_error_set(err, SPIRAL_EINVAL, file, line, 0,
                                "a record must be a JSON object, not %s", type_name(p->root));
    v = json_object_get(p->root, "threat");
    if (v == NULL) {
        rc = parse_raw(p, p->root, file, line, raw, err);
        if (rc >= 0 && spiral_alloc_failures() != failures) {
            *raw = NULL;
            return spiral_error_set(err, SPIRAL_ENOMEM, file, line, 0, "out of memory");
        }
        return rc;
    }
    if ((rc = get_num(p->root, "threat", &st->threat, &have, file, line, err)) < 0)
        return rc;
    if (!have)
        return spiral_error_set(err, SPIRAL_EINVAL, file, line, 0, "\"threat\" is null");
    st->file = file;
    st->line = line;
    if ((rc = get_id(p, p->root, &st->id, file, line, err)) < 0 ||
        (rc = get_str(p->root, "date", &st->date, file, line, err)) < 0 ||
        (rc = get_str(p->root, "actor", &st->actor, file, line, err)) < 0 ||
        (rc = get_str(p->root, "target", &st->target, file, line, err)) < 0 ||
        (rc = get_str(p->root, "lang", &st->lang, file, line, err)) < 0 ||
        (rc = get_str(p->root, "title", &st->title, file, line, err)) < 0 ||
        (rc = get_str(p->root, "source", &st->source, file, line, err)) < 0 ||
        (rc = get_str(p->root, "label", &st->label, file, line, err)) < 0 ||
        (rc = get_str(p->root, "speaker", &st->speaker, file, line, err)) < 0)
        return rc;
    if ((rc = get_num(p->root, "reassurance", &st->reassurance, &have, file, line, err)) < 0)
        return rc;
    if (!have)
        return spiral_error_set(err, SPIRAL_EINVAL, file, line, 0,
                                "a scored statement needs \"reassurance\"");
    if ((rc = get_num(p->root, "net", &st->net, &have, file, line, err)) < 0)
        return rc;
    if (!have)
        st->net = st->reassurance - st->threat;
    if ((rc = get_num(p->root, "tone", &st->tone, &have, file, line, err)) < 0)
        return rc;
    if (!have)
        st->tone = 10.0 * (st->reassurance - st->threat) / (st->reassurance + st->threat + 2.0);
    if ((rc = get_num(p->root, "tokens", &num, NULL, file, line, err)) < 0)
        return rc;
    st->tokens = num > 0 ? (unsigned long)num : 0;
    if ((rc = get_num(p->root, "n_sentences", &num, NULL, file, line, err)) < 0)
        return rc;
    st->n_sentences = num > 0 ? (unsigned long)num : 0;
    v = json_object_get(p->root, "hits");
    if (v && !json_is_null(v)) {
        if (!json_is_array(v))
            return spiral_error_set(err, SPIRAL_EINVAL, file, line, 0,
                                    "\"hits\" must be an array, not %s", type_name(v));
        if ((rc = parse_hits(p, v, file, line, err)) < 0)
            return rc;
    }
    v = json_object_get(p->root, "targets");
    if (v && !json_is_null(v)) {
        if (!json_is_array(v))
            return spiral_error_set(err, SPIRAL_EINVAL, file, line, 0,
                                    "\"targets\" must be an array, not %s", type_name(v));
        if ((rc = parse_targets(p, v, file, line, err)) < 0)
            return rc;
    }
    v = json_object_get(p->root, "meta");
    if (v && !json_is_null(v)) {
        if (!json_is_object(v))
            return spiral_error_set(err, SPIRAL_EINVAL, file, line, 0,
                                    "\"meta\" must be an object, not %s", type_name(v));
        if ((p->meta = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL ||
            spiral_alloc_failures() != failures)
            return spiral_error_set(err, SPIRAL_ENOMEM, file, line, 0, "out of memory");
        st->meta_json = p->meta;
    }
    *out = st;
    return SPIRAL_STMT_SCORED;
}

/* ------------------------------------------------------------------ */
/* From a scored doc                                                   */
/* ------------------------------------------------------------------ */

/* The doc's speaker, targets and per-hit target and portrayal come from
 * the actor stage (README: Actors) as `spiral score` writes them, so a raw
 * statement tracks exactly as its scored line would. */

int spiral_stmt_from_doc(spiral_stmt_parser *p, const spiral_record *rec,
                         const spiral_doc *doc, const spiral_statement **out,
                         spiral_error *err)
{
    spiral_statement *st = &p->st;
    const spiral_hit *hits;
    const char *text;
    spiral_scores sc;
    size_t nhits, i, ntok, nsent;
    size_t *offs;
    int rc = SPIRAL_OK;

    *out = NULL;
    /* rec may be the parser's own raw record (spiral_stmt_parse_json):
     * keep the JSON it borrows from, and reset only the statement */
    memset(&p->st, 0, sizeof p->st);
    spiral_buf_reset(&p->strings);
    hits = spiral_doc_hits(doc, &nhits);
    text = spiral_doc_text(doc, NULL);
    spiral_doc_scores(doc, &sc);
    spiral_doc_tokens(doc, &ntok);
    spiral_doc_sentences(doc, &nsent);
    if (spiral_grow(&p->hits, &p->hcap, nhits ? nhits : 1, sizeof *p->hits) < 0)
        return spiral_error_nomem(err, rec->file);
    /* Copy each hit's text and entry reference into one buffer, keeping
     * offsets, and point into it once it no longer moves. */
    if ((offs = spiral_reallocarray(NULL, 2 * (nhits ? nhits : 1), sizeof *offs)) == NULL)
        return spiral_error_nomem(err, rec->file);
    for (i = 0; i < nhits && rc == SPIRAL_OK; i++) {
        offs[2 * i] = p->strings.len;
        rc = spiral_buf_append(&p->strings, text + hits[i].start, hits[i].end - hits[i].start);
        if (rc == SPIRAL_OK)
            rc = spiral_buf_putc(&p->strings, '\0');
        offs[2 * i + 1] = p->strings.len;
        if (rc == SPIRAL_OK)
            rc = spiral_buf_printf(&p->strings, "%s:%lu", hits[i].entry_file, hits[i].entry_line);
        if (rc == SPIRAL_OK)
            rc = spiral_buf_putc(&p->strings, '\0');
    }
    if (rc < 0) {
        spiral_free(offs);
        return spiral_error_nomem(err, rec->file);
    }
    for (i = 0; i < nhits; i++) {
        spiral_stmt_hit *o = &p->hits[i];

        memset(o, 0, sizeof *o);
        o->text = p->strings.data + offs[2 * i];
        o->entry = p->strings.data + offs[2 * i + 1];
        o->category = hits[i].category;
        o->weight = hits[i].weight;
        o->score = hits[i].score;
        o->start = hits[i].start;
        o->end = hits[i].end;
        o->sentence = hits[i].sentence;
        o->target = hits[i].target;
        o->portrayal = spiral_portrayal_name(hits[i].portrayal);
    }
    spiral_free(offs);
    {
        size_t nt, k;
        const spiral_target_share *ts = spiral_doc_targets(doc, &nt);

        if (spiral_grow(&p->targets, &p->tcap, nt ? nt : 1, sizeof *p->targets) < 0)
            return spiral_error_nomem(err, rec->file);
        for (k = 0; k < nt; k++) {
            p->targets[k].target = ts[k].target;
            p->targets[k].threat = ts[k].threat;
            p->targets[k].reassurance = ts[k].reassurance;
            p->targets[k].hits = ts[k].hits;
        }
        st->targets = p->targets;
        st->ntargets = nt;
        st->has_targets = 1;
    }
    st->speaker = spiral_doc_speaker(doc);
    st->id = rec->id;
    st->date = rec->date;
    st->actor = rec->actor;
    st->target = rec->target;
    st->lang = spiral_doc_lang(doc);
    st->title = rec->title;
    st->source = rec->source;
    st->label = sc.label;
    st->meta_json = rec->meta_json;
    st->file = rec->file;
    st->line = rec->line;
    st->threat = sc.threat;
    st->reassurance = sc.reassurance;
    st->net = sc.net;
    st->tone = sc.tone;
    st->tokens = (unsigned long)ntok;
    st->n_sentences = (unsigned long)nsent;
    st->hits = p->hits;
    st->nhits = nhits;
    *out = st;
    return SPIRAL_OK;
}

int spiral_stmt_meta_has(const spiral_statement *st, const char *key)
{
    json_t *meta, *v;
    int has;

    if (st->meta_json == NULL || key == NULL)
        return 0;
    if ((meta = json_loads(st->meta_json, 0, NULL)) == NULL)
        return 0;
    v = json_object_get(meta, key);
    has = v != NULL && !json_is_null(v) && !json_is_false(v) &&
          !(json_is_string(v) && json_string_length(v) == 0);
    json_decref(meta);
    return has;
}
