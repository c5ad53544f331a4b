/*
 * ingest_jsonl.c - one JSON Lines record through jansson.
 *
 * Known fields (id, date, actor, target, lang, title, source, text) must be
 * strings (an integer id is accepted and written as a string); everything
 * else is kept and passed through to the output under "meta".  A record
 * must be an object with a string "text".  Errors name the line and, for
 * syntax errors, the column jansson reports.
 */
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "ingest.h"
#include "utf8.h"

static const char *const known[] = {
    "id", "date", "actor", "target", "lang", "title", "source", "text", NULL
};

static int is_known(const char *k)
{
    size_t i;

    for (i = 0; known[i]; i++)
        if (strcmp(known[i], k) == 0)
            return 1;
    return 0;
}

/* Out of memory while reading the record of `line`: it is skipped. */
static int nomem(const spiral_reader *r, unsigned long line, spiral_error *err)
{
    return spiral_error_set(err, SPIRAL_ENOMEM, r->path, line, 0, "out of memory; record skipped");
}

/* Fetch an optional string field.  Returns 1 (set or absent), or an error. */
static int string_field(spiral_reader *r, const char *key, const char **out,
                        unsigned long line, spiral_error *err)
{
    json_t *v = json_object_get(r->json, key);

    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 1;
    if (json_is_string(v)) {
        *out = json_string_value(v);
        return 1;
    }
    if (strcmp(key, "id") == 0 && json_is_integer(v)) {
        spiral_buf_reset(&r->id);
        if (spiral_buf_printf(&r->id, "%" JSON_INTEGER_FORMAT, json_integer_value(v)) < 0)
            return nomem(r, line, err);
        *out = r->id.data;
        return 1;
    }
    return spiral_error_set(err, SPIRAL_EINVAL, r->path, line, 0,
                            "field \"%s\" must be a string, not %s", key,
                            json_is_object(v) ? "an object" : json_is_array(v) ? "an array" :
                            json_is_number(v) ? "a number" : "a boolean");
}

int spiral_ingest_jsonl_record(spiral_reader *r, unsigned long line, spiral_error *err)
{
    json_error_t je;
    json_t *text, *meta, *v;
    const char *key;
    size_t bad;
    unsigned long failures;
    int rc;

    /* jansson refuses invalid UTF-8 anywhere in its input (it checks every
     * byte it reads, and reads to the end), so a line it parses is valid
     * UTF-8 and needs no check of its own.  Only when parsing fails is the
     * line checked: invalid UTF-8 is then named with its position (jansson's
     * message for it has none), or repaired and parsed again. */
    spiral_alloc_install_jansson();
    failures = spiral_alloc_failures();
    r->json = json_loadb(r->line.data, r->line.len, JSON_ALLOW_NUL, &je);
    if (r->json == NULL && (bad = spiral_utf8_check(r->line.data, r->line.len)) != r->line.len) {
        size_t replaced = 0;

        if (r->o.invalid_utf8 == SPIRAL_UTF8_REJECT) {
            spiral_error_set(err, SPIRAL_EENCODING, r->path, line, bad + 1,
                             "invalid UTF-8 (byte 0x%02X); use --invalid-utf8 replace "
                             "to keep such records", (unsigned char)r->line.data[bad]);
            if (err)
                err->offset = bad;
            return SPIRAL_EENCODING;
        }
        spiral_buf_reset(&r->fixed);
        if (spiral_utf8_repair(&r->fixed, r->line.data, r->line.len, &replaced) < 0)
            return nomem(r, line, err);
        spiral_buf_reset(&r->line);
        if (spiral_buf_append(&r->line, r->fixed.data, r->fixed.len) < 0)
            return nomem(r, line, err);
        r->rec.replaced = replaced;
        failures = spiral_alloc_failures();
        r->json = json_loadb(r->line.data, r->line.len, JSON_ALLOW_NUL, &je);
    }
    /* jansson may call running out of memory a syntax error, say nothing,
     * or even drop a byte of a string and go on (its lexer ignores a failed
     * append): whenever an allocation failed, the parse is not trusted. */
    if (spiral_alloc_failures() != failures ||
        (r->json == NULL && json_error_code(&je) == json_error_out_of_memory))
        return nomem(r, line, err);
    if (r->json == NULL)
        return spiral_error_set(err, SPIRAL_EPARSE, r->path, line,
                                je.column > 0 ? (unsigned long)je.column : 0,
                                "invalid JSON: %s", je.text);
    if (!json_is_object(r->json))
        return spiral_error_set(err, SPIRAL_EINVAL, r->path, line, 1,
                                "a record must be a JSON object");
    text = json_object_get(r->json, "text");
    if (text == NULL)
        return spiral_error_set(err, SPIRAL_EINVAL, r->path, line, 0,
                                "record has no \"text\" field");
    if (!json_is_string(text))
        return spiral_error_set(err, SPIRAL_EINVAL, r->path, line, 0,
                                "field \"text\" must be a string");
    if ((rc = string_field(r, "date", &r->rec.date, line, err)) < 0 ||
        (rc = string_field(r, "actor", &r->rec.actor, line, err)) < 0 ||
        (rc = string_field(r, "target", &r->rec.target, line, err)) < 0 ||
        (rc = string_field(r, "lang", &r->rec.lang, line, err)) < 0 ||
        (rc = string_field(r, "title", &r->rec.title, line, err)) < 0 ||
        (rc = string_field(r, "source", &r->rec.source, line, err)) < 0 ||
        (rc = string_field(r, "id", &r->rec.id, line, err)) < 0)
        return rc;
    if (r->rec.id == NULL && spiral_ingest_default_id(r, line) < 0)
        return nomem(r, line, err);

    /* Unknown fields, in their input order, become meta. */
    meta = NULL;
    json_object_foreach(r->json, key, v) {
        if (is_known(key))
            continue;
        if (meta == NULL && (meta = json_object()) == NULL)
            return nomem(r, line, err);
        if (json_object_set(meta, key, v) < 0) {
            json_decref(meta);
            return nomem(r, line, err);
        }
    }
    if (meta) {
        r->meta = json_dumps(meta, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(meta);
        /* json_dumps() too can lose part of its output to a failed
         * allocation and still return it. */
        if (r->meta == NULL || spiral_alloc_failures() != failures)
            return nomem(r, line, err);
        r->rec.meta_json = r->meta;
    }
    /* No UTF-8 check of the text: the line was valid (or repaired) and
     * jansson decodes escapes to valid UTF-8 only (a lone surrogate is a
     * syntax error; \u0000 is a NUL byte, valid here). */
    r->rec.text = json_string_value(text);
    r->rec.text_len = json_string_length(text);
    return 1;
}
