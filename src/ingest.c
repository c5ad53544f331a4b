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
 * ingest_jsonl.c; HTML pages in ingest_html.c, RSS/Atom feeds in
 * ingest_feed.c and CSV/TSV in ingest_csv.c; plain lines and whole
 * documents here.  Every bad record comes back as an error naming file and
 * line, and the caller goes on.
 */
#include "ingest.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

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
    case SPIRAL_FORMAT_HTML:  return "html";
    case SPIRAL_FORMAT_FEED:  return "feed";
    case SPIRAL_FORMAT_CSV:   return "csv";
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

size_t spiral_ingest_fill(spiral_reader *r)
{
    return fill(r);
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

static int has_suffix_ci(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf), i;

    if (a < b)
        return 0;
    for (i = 0; i < b; i++) {
        int c = (unsigned char)s[a - b + i];

        if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != suf[i])
            return 0;
    }
    return 1;
}

/* Case-insensitive: does s (n bytes) start with the lower-case word w? */
static int starts_ci(const unsigned char *s, size_t n, const char *w)
{
    size_t k = strlen(w), i;

    if (n < k)
        return 0;
    for (i = 0; i < k; i++)
        if ((s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]) != (unsigned char)w[i])
            return 0;
    return 1;
}

/* The kind of markup in the buffered start of the input, from its first
 * element (after an XML declaration, comments, processing instructions and
 * a DOCTYPE with its internal subset): rss, feed or RDF is a feed; html,
 * head, body and other HTML a page.  SPIRAL_FORMAT_AUTO when unknown. */
static spiral_format sniff_markup(spiral_reader *r)
{
    static const char *const html_words[] = { "html", "head", "body", "meta", "title", "div",
                                              "p", "link", "script", "style", "table",
                                              "article", "section", "h1", NULL };
    size_t n = fill(r), i = 0, k, j;
    const unsigned char *s = r->in + r->pos;
    char name[32];

    for (;;) {
        while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
            i++;
        if (i + 1 >= n || s[i] != '<')
            return SPIRAL_FORMAT_AUTO;
        if (starts_ci(s + i, n - i, "<!doctype html"))
            return SPIRAL_FORMAT_HTML;
        if (s[i + 1] == '?' || starts_ci(s + i, n - i, "<!--") || s[i + 1] == '!') {
            int comment = starts_ci(s + i, n - i, "<!--"), pi = s[i + 1] == '?', depth = 0;

            for (i += 2; i < n; i++) {
                if (comment && i + 2 < n && s[i] == '-' && s[i + 1] == '-' && s[i + 2] == '>')
                    break;
                if (pi && i + 1 < n && s[i] == '?' && s[i + 1] == '>')
                    break;
                if (!comment && !pi) {
                    depth += s[i] == '[' ? 1 : s[i] == ']' ? -1 : 0;
                    if (s[i] == '>' && depth <= 0)
                        break;
                }
            }
            if (i >= n)
                return SPIRAL_FORMAT_AUTO;
            i += comment ? 3 : pi ? 2 : 1;
            continue;
        }
        for (k = 0, i++; i < n && k + 1 < sizeof name &&
                         ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
                          (s[i] >= '0' && s[i] <= '9') || s[i] == ':' || s[i] == '-' ||
                          s[i] == '_'); i++)
            name[k++] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
        name[k] = '\0';
        {
            const char *local = strrchr(name, ':') ? strrchr(name, ':') + 1 : name;

            if (strcmp(local, "rss") == 0 || strcmp(local, "feed") == 0 ||
                strcmp(local, "rdf") == 0)
                return SPIRAL_FORMAT_FEED;
            for (j = 0; html_words[j]; j++)
                if (strcmp(local, html_words[j]) == 0)
                    return SPIRAL_FORMAT_HTML;
        }
        return SPIRAL_FORMAT_AUTO;
    }
}

/* Choose a format for SPIRAL_FORMAT_AUTO: by extension (.html .htm .xhtml
 * .shtml; .xml .rss .atom .rdf by their root element; .csv .tsv .tab),
 * then by content (a first non-blank character '{' is JSON Lines, '<'
 * markup; text with paragraph breaks is a document; other text is one
 * statement a line). */
static spiral_format detect(spiral_reader *r)
{
    const char *p = r->path;
    spiral_format m;
    size_t i, n;
    const unsigned char *s;

    if (has_suffix(p, ".jsonl") || has_suffix(p, ".ndjson") || has_suffix(p, ".json"))
        return SPIRAL_FORMAT_JSONL;
    if (has_suffix_ci(p, ".html") || has_suffix_ci(p, ".htm") || has_suffix_ci(p, ".xhtml") ||
        has_suffix_ci(p, ".shtml"))
        return SPIRAL_FORMAT_HTML;
    if (has_suffix_ci(p, ".csv"))
        return SPIRAL_FORMAT_CSV;
    if (has_suffix_ci(p, ".tsv") || has_suffix_ci(p, ".tab")) {
        if (r->o.csv_delimiter == 0)
            r->o.csv_delimiter = '\t';
        return SPIRAL_FORMAT_CSV;
    }
    skip_bom(r);
    if (has_suffix_ci(p, ".xml") || has_suffix_ci(p, ".rss") || has_suffix_ci(p, ".atom") ||
        has_suffix_ci(p, ".rdf"))
        return sniff_markup(r) == SPIRAL_FORMAT_HTML ? SPIRAL_FORMAT_HTML : SPIRAL_FORMAT_FEED;
    n = fill(r);
    s = r->in + r->pos;
    for (i = 0; i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'); i++)
        ;
    if (i < n && s[i] == '{')
        return SPIRAL_FORMAT_JSONL;
    if (i < n && s[i] == '<')
        return (m = sniff_markup(r)) != SPIRAL_FORMAT_AUTO ? m : SPIRAL_FORMAT_HTML;
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
    if (r->o.max_doc_bytes == 0)
        r->o.max_doc_bytes = def.max_doc_bytes;
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

/* What a reader and a parser (a reader without input) both hold. */
static void free_record_state(spiral_reader *r)
{
    spiral_free(r->path);
    spiral_buf_free(&r->line);
    spiral_buf_free(&r->fixed);
    spiral_buf_free(&r->id);
    spiral_buf_free(&r->metabuf);
    if (r->json)
        json_decref(r->json);
    free(r->meta); /* from jansson's json_dumps */
}

void spiral_reader_free(spiral_reader *r)
{
    if (r == NULL)
        return;
    if (r->fmt_free)
        r->fmt_free(r->fmt_state);
    if (r->own && r->f)
        fclose(r->f);
    spiral_free(r->in);
    free_record_state(r);
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

/* The first NUL byte in the buffered start of the file, as a binary test
 * (markup in UTF-16 with its byte order mark is text). */
static int looks_binary(spiral_reader *r, size_t *at)
{
    size_t n = fill(r);
    const unsigned char *s = r->in + r->pos, *z;

    if ((r->fmt == SPIRAL_FORMAT_HTML || r->fmt == SPIRAL_FORMAT_FEED) && n >= 2 &&
        ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF)))
        return 0;
    z = memchr(s, '\0', n < 8192 ? n : 8192);

    if (z == NULL)
        return 0;
    *at = (size_t)(z - (r->in + r->pos));
    return 1;
}

/* A regular file over --max-doc-bytes is refused from its size, before
 * anything is read.  Returns SPIRAL_OK or SPIRAL_ELIMIT (input ended). */
static int refuse_by_size(spiral_reader *r, spiral_error *err)
{
    size_t limit = r->o.max_doc_bytes;
    struct stat sb;

    if (r->own && fstat(fileno(r->f), &sb) == 0 && S_ISREG(sb.st_mode) &&
        (unsigned long long)sb.st_size > (unsigned long long)limit) {
        r->done = 1;
        return spiral_error_set(err, SPIRAL_ELIMIT, r->path, 1, 0,
                                "document of %lld bytes is larger than the %zu-byte limit "
                                "(--max-doc-bytes); not read", (long long)sb.st_size, limit);
    }
    return SPIRAL_OK;
}

int spiral_ingest_read_doc(spiral_reader *r, spiral_buf *out, spiral_error *err)
{
    size_t limit = r->o.max_doc_bytes;
    int rc;

    spiral_buf_reset(out);
    if ((rc = refuse_by_size(r, err)) < 0)
        return rc;
    skip_bom(r);
    for (;;) {
        size_t avail = fill(r);

        if (avail == 0)
            break;
        if (out->len + avail > limit) {
            r->done = 1;
            return spiral_error_set(err, SPIRAL_ELIMIT, r->path, 1, 0,
                                    "document is larger than the %zu-byte limit "
                                    "(--max-doc-bytes); reading stopped there", limit);
        }
        if (spiral_buf_append(out, r->in + r->pos, avail) < 0)
            return spiral_error_nomem(err, r->path);
        r->pos += avail;
    }
    if (r->ioerr) {
        r->done = 1;
        return spiral_error_set(err, SPIRAL_EIO, r->path, 1, 0, "read error: %s",
                                strerror(r->ioerr));
    }
    return spiral_buf_reserve(out, 0) < 0 ? spiral_error_nomem(err, r->path) : SPIRAL_OK;
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
        if ((r->fmt == SPIRAL_FORMAT_HTML || r->fmt == SPIRAL_FORMAT_FEED ||
             r->fmt == SPIRAL_FORMAT_CSV) && (rc = refuse_by_size(r, err)) < 0)
            return rc;
        skip_bom(r);
        if (looks_binary(r, &at)) {
            r->done = 1;
            return spiral_error_set(err, SPIRAL_EINVAL, r->path, 1, 0,
                                    "binary file (NUL byte at offset %zu); not read", at);
        }
    }
    if (r->fmt == SPIRAL_FORMAT_DOC || r->fmt == SPIRAL_FORMAT_HTML ||
        r->fmt == SPIRAL_FORMAT_FEED || r->fmt == SPIRAL_FORMAT_CSV) {
        rc = r->fmt == SPIRAL_FORMAT_DOC ? next_doc(r, err) :
             r->fmt == SPIRAL_FORMAT_HTML ? spiral_ingest_html_next(r, err) :
             r->fmt == SPIRAL_FORMAT_FEED ? spiral_ingest_feed_next(r, err) :
             spiral_ingest_csv_next(r, err);
        if (rc == 1)
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
    if (r->fmt == SPIRAL_FORMAT_JSONL && r->o.defer_jsonl) {
        r->rec.text = r->line.data;
        r->rec.text_len = r->line.len;
        r->rec.deferred = 1;
        rc = 1;
    } else if (r->fmt == SPIRAL_FORMAT_JSONL)
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

/* ------------------------------------------------------------------ */
/* Deferred JSON Lines records                                         */
/* ------------------------------------------------------------------ */

/* A parser is a reader without input: the JSONL module works on its line. */
struct spiral_parser {
    spiral_reader r;
};

int spiral_parser_new(spiral_parser **out, const spiral_read_opts *opts, spiral_error *err)
{
    spiral_read_opts def = SPIRAL_READ_OPTS_INIT;
    spiral_parser *p;

    *out = NULL;
    if ((p = spiral_calloc(1, sizeof *p)) == NULL)
        return spiral_error_set(err, SPIRAL_ENOMEM, NULL, 0, 0, "out of memory");
    p->r.o = opts ? *opts : def;
    p->r.o.defer_jsonl = 0;
    p->r.fmt = SPIRAL_FORMAT_JSONL;
    *out = p;
    return SPIRAL_OK;
}

int spiral_parser_parse(spiral_parser *p, const spiral_record *raw, const spiral_record **out,
                        spiral_error *err)
{
    spiral_reader *r = &p->r;
    const char *file = raw && raw->file ? raw->file : "";
    int rc;

    *out = NULL;
    if (raw == NULL || !raw->deferred)
        return spiral_error_set(err, SPIRAL_EINVAL, NULL, 0, 0, "not a deferred record");
    if (r->path == NULL || strcmp(r->path, file) != 0) {
        spiral_free(r->path);
        if ((r->path = spiral_strdup(file)) == NULL)
            return spiral_error_set(err, SPIRAL_ENOMEM, file, raw->line, 0,
                                    "out of memory; record skipped");
    }
    reset_record(r);
    r->rec.line = r->lineno = raw->line;
    spiral_buf_reset(&r->line);
    if (spiral_buf_append(&r->line, raw->text, raw->text_len) < 0)
        return spiral_error_set(err, SPIRAL_ENOMEM, r->path, raw->line, 0,
                                "out of memory; record skipped");
    if ((rc = spiral_ingest_jsonl_record(r, raw->line, err)) == 1)
        *out = &r->rec;
    return rc;
}

void spiral_parser_free(spiral_parser *p)
{
    if (p == NULL)
        return;
    free_record_state(&p->r);
    spiral_free(p);
}
