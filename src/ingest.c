/*
 * ingest.c - the ingest stage: statements from files or standard input.
 *
 * A reader turns a byte stream into records, one at a time, in one pass and
 * with memory bounded by the largest record allowed (max_record_bytes): a
 * longer line is skipped to its end and reported, never held.  It detects
 * the format when not told (extension, then content), strips a UTF-8 byte
 * order mark and CR before LF, refuses binary files, and applies the UTF-8
 * policy: reject the record naming the first bad byte, or replace each bad
 * sequence with U+FFFD and count it.  JSON Lines records are parsed in
 * ingest_jsonl.c; plain lines and whole documents here.  Every bad record
 * comes back as an error naming file and line, and the caller goes on.
 */
#include "ingest.h"

#include <errno.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "utf8.h"

#define READ_CHUNK ((size_t)1 << 16)

const char *spiral_format_name(spiral_format f)
{
    switch (f) {
    case SPIRAL_FORMAT_JSONL: return "jsonl";
    case SPIRAL_FORMAT_LINES: return "lines";
    case SPIRAL_FORMAT_DOC:   return "doc";
    default:                  return "auto";
    }
}

spiral_format spiral_reader_format(const spiral_reader *r)
{
    return r->fmt;
}

unsigned long spiral_reader_blank_lines(const spiral_reader *r)
{
    return r->blank;
}

/* Fill the input buffer, keeping unread bytes.  Returns bytes available. */
static size_t fill(spiral_reader *r)
{
    size_t got;

    if (r->pos > 0 && r->pos == r->end)
        r->pos = r->end = 0;
    if (r->eof || r->end - r->pos >= READ_CHUNK)
        return r->end - r->pos;
    if (r->pos > 0) {
        memmove(r->in, r->in + r->pos, r->end - r->pos);
        r->end -= r->pos;
        r->pos = 0;
    }
    got = fread(r->in + r->end, 1, r->incap - r->end, r->f);
    r->end += got;
    if (got == 0) {
        r->eof = 1;
        if (ferror(r->f))
            r->ioerr = errno ? errno : EIO;
    }
    return r->end - r->pos;
}

static void skip_bom(spiral_reader *r)
{
    if (!r->at_start)
        return;
    r->at_start = 0;
    fill(r);
    if (r->end - r->pos >= 3 && memcmp(r->in + r->pos, "\xEF\xBB\xBF", 3) == 0)
        r->pos += 3;
}

/* Read one line into r->line (without its LF or CR LF).  Returns 1 for a
 * line, 0 at the end, SPIRAL_ELIMIT for a line over the limit (skipped to
 * its end), SPIRAL_ENOMEM. */
static int read_line(spiral_reader *r)
{
    int over = 0, nomem = 0;

    spiral_buf_reset(&r->line);
    skip_bom(r);
    for (;;) {
        size_t avail = fill(r), n;
        unsigned char *p, *nl;

        if (avail == 0) {
            if (r->line.len == 0 && !over)
                return 0;
            break; /* a last line without LF */
        }
        p = r->in + r->pos;
        nl = memchr(p, '\n', avail);
        n = nl ? (size_t)(nl - p) : avail;
        if (!over && r->line.len + n > r->o.max_record_bytes)
            over = 1;
        /* Out of memory, the rest of the line is skipped like an
         * over-long one, so that the next call goes on after it. */
        if (!over && n > 0 && spiral_buf_append(&r->line, p, n) < 0)
            over = nomem = 1;
        r->pos += n;
        if (nl) {
            r->pos++;
            break;
        }
    }
    r->lineno++;
    if (r->line.len > 0 && r->line.data[r->line.len - 1] == '\r')
        r->line.data[--r->line.len] = '\0';
    if (nomem)
        return SPIRAL_ENOMEM; /* an empty line needs no memory: it is blank */
    return over ? SPIRAL_ELIMIT : 1;
}

static int blank(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\f' && s[i] != '\v')
            return 0;
    return 1;
}

/* Blank including line breaks: a document of white space only. */
static int blank_text(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (s[i] != '\n' && !blank(s + i, 1))
            return 0;
    return 1;
}

static int has_suffix(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);

    return a >= b && strcmp(s + a - b, suf) == 0;
}

/* Choose a format for SPIRAL_FORMAT_AUTO: by extension, then by content
 * (a first non-blank character '{' is JSON Lines; text with paragraph breaks
 * is a document; other text is one statement a line). */
static spiral_format detect(spiral_reader *r)
{
    const char *p = r->path;
    size_t i, n;
    const unsigned char *s;

    if (has_suffix(p, ".jsonl") || has_suffix(p, ".ndjson") || has_suffix(p, ".json"))
        return SPIRAL_FORMAT_JSONL;
    skip_bom(r);
    n = fill(r);
    s = r->in + r->pos;
    for (i = 0; i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'); i++)
        ;
    if (i < n && s[i] == '{')
        return SPIRAL_FORMAT_JSONL;
    for (; i + 1 < n; i++) {
        if (s[i] == '\n' && (s[i + 1] == '\n' ||
                             (s[i + 1] == '\r' && i + 2 < n && s[i + 2] == '\n')))
            return SPIRAL_FORMAT_DOC;
    }
    return has_suffix(p, ".txt") && r->eof && n < READ_CHUNK && memchr(s, '\n', n) == NULL
               ? SPIRAL_FORMAT_DOC : SPIRAL_FORMAT_LINES;
}

int spiral_reader_open(spiral_reader **out, const char *path,
                       const spiral_read_opts *opts, spiral_error *err)
{
    spiral_read_opts def = SPIRAL_READ_OPTS_INIT;
    spiral_reader *r;
    int stdin_ = strcmp(path, "-") == 0;

    *out = NULL;
    if ((r = spiral_calloc(1, sizeof *r)) == NULL)
        return spiral_error_nomem(err, path);
    r->o = opts ? *opts : def;
    if (r->o.max_record_bytes == 0)
        r->o.max_record_bytes = def.max_record_bytes;
    r->at_start = 1;
    if ((r->path = spiral_strdup(stdin_ ? "<stdin>" : path)) == NULL ||
        (r->in = spiral_malloc(READ_CHUNK * 2)) == NULL) {
        spiral_reader_free(r);
        return spiral_error_nomem(err, path);
    }
    r->incap = READ_CHUNK * 2;
    if (stdin_) {
        r->f = stdin;
    } else if ((r->f = fopen(path, "rb")) == NULL) {
        int e = errno;

        spiral_reader_free(r);
        return spiral_error_set(err, SPIRAL_EIO, path, 0, 0, "cannot open: %s", strerror(e));
    } else {
        r->own = 1;
    }
    r->fmt = r->o.format;
    if (r->fmt == SPIRAL_FORMAT_AUTO)
        r->fmt = detect(r);
    *out = r;
    return SPIRAL_OK;
}

void spiral_reader_free(spiral_reader *r)
{
    if (r == NULL)
        return;
    if (r->fmt_free)
        r->fmt_free(r->fmt_state);
    if (r->own && r->f)
        fclose(r->f);
    spiral_free(r->path);
    spiral_free(r->in);
    spiral_buf_free(&r->line);
    spiral_buf_free(&r->fixed);
    spiral_buf_free(&r->id);
    if (r->json)
        json_decref(r->json);
    free(r->meta); /* from jansson's json_dumps */
    spiral_free(r);
}

int spiral_ingest_default_id(spiral_reader *r, unsigned long line)
{
    spiral_buf_reset(&r->id);
    if (spiral_buf_printf(&r->id, "%s:%lu", r->path, line) < 0)
        return SPIRAL_ENOMEM;
    r->rec.id = r->id.data;
    return SPIRAL_OK;
}

int spiral_ingest_set_text(spiral_reader *r, const char *text, size_t len,
                           unsigned long line, spiral_error *err)
{
    size_t bad = spiral_utf8_check(text, len);

    r->rec.text = text;
    r->rec.text_len = len;
    if (bad == len)
        return 1;
    if (r->o.invalid_utf8 == SPIRAL_UTF8_REJECT) {
        spiral_error_set(err, SPIRAL_EENCODING, r->path, line, 0,
                         "invalid UTF-8 at byte %zu of the text (byte 0x%02X); "
                         "use --invalid-utf8 replace to keep such records",
                         bad, (unsigned char)text[bad]);
        if (err)
            err->offset = bad;
        return SPIRAL_EENCODING;
    }
    spiral_buf_reset(&r->fixed);
    if (spiral_utf8_repair(&r->fixed, text, len, &r->rec.replaced) < 0)
        return spiral_error_set(err, SPIRAL_ENOMEM, r->path, line, 0,
                                "out of memory; record skipped");
    r->rec.text = r->fixed.data;
    r->rec.text_len = r->fixed.len;
    return 1;
}

static void reset_record(spiral_reader *r)
{
    if (r->json) {
        json_decref(r->json);
        r->json = NULL;
    }
    free(r->meta);
    r->meta = NULL;
    memset(&r->rec, 0, sizeof r->rec);
    r->rec.file = r->path;
}

/* The first NUL byte in the buffered start of the file, as a binary test. */
static int looks_binary(spiral_reader *r, size_t *at)
{
    size_t n = fill(r);
    const unsigned char *z = memchr(r->in + r->pos, '\0', n < 8192 ? n : 8192);

    if (z == NULL)
        return 0;
    *at = (size_t)(z - (r->in + r->pos));
    return 1;
}

static int next_doc(spiral_reader *r, spiral_error *err)
{
    int over = 0;

    skip_bom(r);
    for (;;) {
        size_t avail = fill(r);

        if (avail == 0)
            break;
        if (!over && r->line.len + avail > r->o.max_record_bytes)
            over = 1;
        if (!over && spiral_buf_append(&r->line, r->in + r->pos, avail) < 0) {
            r->done = 1; /* the only record: do not try again */
            return spiral_error_set(err, SPIRAL_ENOMEM, r->path, 1, 0, "out of memory");
        }
        r->pos += avail;
    }
    r->done = 1;
    r->lineno = 1;
    r->rec.line = 1;
    if (over)
        return spiral_error_set(err, SPIRAL_ELIMIT, r->path, 1, 0,
                                "document is larger than the %zu-byte limit (--max-bytes)",
                                r->o.max_record_bytes);
    if (r->line.len == 0)
        return spiral_error_set(err, SPIRAL_EINVAL, r->path, 1, 0, "empty file");
    if (spiral_utf8_check(r->line.data, r->line.len) == r->line.len &&
        blank_text(r->line.data, r->line.len))
        return spiral_error_set(err, SPIRAL_EINVAL, r->path, 1, 0,
                                "file holds only white space");
    if (spiral_ingest_default_id(r, 1) < 0)
        return spiral_error_set(err, SPIRAL_ENOMEM, r->path, 1, 0, "out of memory");
    return spiral_ingest_set_text(r, r->line.data, r->line.len, 1, err);
}

int spiral_reader_next(spiral_reader *r, const spiral_record **out, spiral_error *err)
{
    size_t at;
    int rc;

    *out = NULL;
    reset_record(r);
    if (r->done)
        return 0;
    if (!r->checked) {
        r->checked = 1;
        skip_bom(r);
        if (looks_binary(r, &at)) {
            r->done = 1;
            return spiral_error_set(err, SPIRAL_EINVAL, r->path, 1, 0,
                                    "binary file (NUL byte at offset %zu); not read", at);
        }
    }
    if (r->fmt == SPIRAL_FORMAT_DOC) {
        if ((rc = next_doc(r, err)) == 1)
            *out = &r->rec;
        return rc;
    }
    for (;;) {
        rc = read_line(r);
        if (rc == 0) {
            r->done = 1;
            if (r->ioerr)
                return spiral_error_set(err, SPIRAL_EIO, r->path, r->lineno, 0,
                                        "read error: %s", strerror(r->ioerr));
            return 0;
        }
        r->rec.line = r->lineno;
        if (rc == SPIRAL_ENOMEM)
            return spiral_error_set(err, SPIRAL_ENOMEM, r->path, r->lineno, 0,
                                    "out of memory; record skipped");
        if (rc == SPIRAL_ELIMIT)
            return spiral_error_set(err, SPIRAL_ELIMIT, r->path, r->lineno, 0,
                                    "record is longer than the %zu-byte limit (--max-bytes); skipped",
                                    r->o.max_record_bytes);
        if (blank(r->line.data, r->line.len)) {
            r->blank++;
            continue;
        }
        break;
    }
    if (r->fmt == SPIRAL_FORMAT_JSONL)
        rc = spiral_ingest_jsonl_record(r, r->lineno, err);
    else if ((rc = spiral_ingest_default_id(r, r->lineno)) < 0)
        rc = spiral_error_set(err, SPIRAL_ENOMEM, r->path, r->lineno, 0,
                              "out of memory; record skipped");
    else
        rc = spiral_ingest_set_text(r, r->line.data, r->line.len, r->lineno, err);
    if (rc == 1)
        *out = &r->rec;
    return rc;
}
