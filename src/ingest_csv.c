/*
 * ingest_csv.c - CSV and TSV files with a header row, one statement a row.
 *
 * The ingest stage hands this module its buffered input; libcsv (strict
 * mode) parses it.  The input is fed a line at a time, so a row is
 * returned as soon as it is complete and memory holds one row, never the
 * file: quoted fields with commas, doubled quotes and line breaks inside
 * are one field, and the record's line is the line where its row starts.
 * (TSV is read leniently: a quotation mark inside a field is text.)
 * The header names the columns: the text is in --text-column ("text" by
 * default); --id-column, --date-column and --actor-column name others, and
 * columns called id, date, actor, target, lang, title or source are used
 * as such when not named otherwise.  Every other column is passed through
 * under "meta", as unknown JSON Lines fields are.  A malformed row is an
 * error naming its line, and reading goes on at the next line; an
 * unterminated quote stops the file when the row passes --max-bytes.
 */
#include <csv.h>
#include <jansson.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "ingest.h"
#include "utf8.h"

/* The columns a record uses, by role. */
enum { C_TEXT, C_ID, C_DATE, C_ACTOR, C_TARGET, C_LANG, C_TITLE, C_SOURCE, C_N };

static const char *const role_names[C_N] = {
    "text", "id", "date", "actor", "target", "lang", "title", "source"
};

typedef struct csv_state {
    struct csv_parser p;
    int inited;
    int header_done;
    int fini_done;
    /* the row being read: field bytes, each followed by a NUL, and spans */
    spiral_buf fields;
    struct span { size_t off, len; } *fld;
    size_t nf, cap;
    int row_done, row_open, row_over;
    unsigned long row_line;   /* where the row being read started */
    unsigned long line;       /* the line being fed (1-based) */
    size_t row_bytes, doc_bytes;
    /* the header */
    char **names;
    size_t ncols;
    int col[C_N];             /* column of each role, -1 if absent */
    spiral_buf fixed;         /* fields with bad UTF-8 replaced */
    size_t *fixoff;
    size_t fixcap;
} csv_state;

static void csv_state_free(void *p)
{
    csv_state *st = p;
    size_t i;

    if (st == NULL)
        return;
    if (st->inited)
        csv_free(&st->p);
    spiral_buf_free(&st->fields);
    spiral_buf_free(&st->fixed);
    spiral_free(st->fld);
    spiral_free(st->fixoff);
    for (i = 0; i < st->ncols; i++)
        spiral_free(st->names[i]);
    spiral_free(st->names);
    spiral_free(st);
}

/* libcsv's allocations go through ours too (allocation-failure tests). */
static void *csv_realloc(void *p, size_t n)
{
    return spiral_realloc(p, n);
}

static int parser_init(spiral_reader *r, csv_state *st)
{
    if (st->inited)
        csv_free(&st->p);
    st->inited = 0;
    /* CSV strictly (a stray quote is an error naming the row); TSV leniently,
     * since tab-separated files rarely quote and often hold quotation marks */
    if (csv_init(&st->p, r->o.csv_delimiter == '\t' ? 0 : CSV_STRICT | CSV_STRICT_FINI) != 0)
        return SPIRAL_ENOMEM;
    st->inited = 1;
    csv_set_delim(&st->p, (unsigned char)(r->o.csv_delimiter ? r->o.csv_delimiter : ','));
    csv_set_realloc_func(&st->p, csv_realloc);
    csv_set_free_func(&st->p, spiral_free);
    return SPIRAL_OK;
}

static void reset_row(csv_state *st)
{
    spiral_buf_reset(&st->fields);
    st->nf = 0;
    st->row_done = st->row_open = st->row_over = 0;
    st->row_bytes = 0;
}

/* libcsv: a field ended. */
static void on_field(void *s, size_t n, void *data)
{
    spiral_reader *r = data;
    csv_state *st = r->fmt_state;

    if (st->row_over)
        return;
    if (st->fields.len + n + 1 > r->o.max_record_bytes) {
        st->row_over = 1; /* reported when the row ends */
        return;
    }
    if (spiral_grow(&st->fld, &st->cap, st->nf + 1, sizeof *st->fld) < 0 ||
        (n && spiral_buf_append(&st->fields, s, n) < 0) ||
        spiral_buf_putc(&st->fields, '\0') < 0) {
        st->row_over = 2; /* out of memory */
        return;
    }
    st->fld[st->nf].off = st->fields.len - n - 1;
    st->fld[st->nf].len = n;
    st->nf++;
}

/* libcsv: a row ended. */
static void on_row(int c, void *data)
{
    spiral_reader *r = data;
    csv_state *st = r->fmt_state;

    (void)c;
    st->row_done = 1;
}

/* Out of memory: the record being read (or the file, before its first
 * row) is named and skipped. */
static int csv_nomem(const spiral_reader *r, const csv_state *st, spiral_error *err)
{
    return spiral_error_set(err, SPIRAL_ENOMEM, r->path, st && st->row_line ? st->row_line : 1, 0,
                            "out of memory; record skipped");
}

static const char *field(const csv_state *st, size_t i)
{
    return st->fields.data + st->fld[i].off;
}

/* ------------------------------------------------------------------ */
/* The header                                                          */
/* ------------------------------------------------------------------ */

static int find_column(const csv_state *st, const char *name)
{
    size_t i;

    for (i = 0; i < st->ncols; i++)
        if (strcmp(st->names[i], name) == 0)
            return (int)i;
    for (i = 0; i < st->ncols; i++) {
        const char *a = st->names[i], *b = name;

        for (; *a && *b; a++, b++)
            if ((*a >= 'A' && *a <= 'Z' ? *a + 32 : *a) != (*b >= 'A' && *b <= 'Z' ? *b + 32 : *b))
                break;
        if (*a == '\0' && *b == '\0')
            return (int)i;
    }
    return -1;
}

static int missing_column(spiral_reader *r, csv_state *st, const char *name, const char *opt,
                          spiral_error *err)
{
    char list[160];
    size_t i, k = 0;

    list[0] = '\0';
    for (i = 0; i < st->ncols && k + 4 < sizeof list; i++)
        k += (size_t)snprintf(list + k, sizeof list - k, "%s%s", i ? ", " : "", st->names[i]);
    r->done = 1;
    return spiral_error_set(err, SPIRAL_EINVAL, r->path, st->row_line, 0,
                            "no column \"%s\" in the header (columns: %s); use %s",
                            name, list, opt);
}

static int read_header(spiral_reader *r, csv_state *st, spiral_error *err)
{
    const char *given[C_N];
    size_t i;
    int k;

    if (st->row_over)
        return spiral_error_set(err, st->row_over == 2 ? SPIRAL_ENOMEM : SPIRAL_ELIMIT, r->path,
                                st->row_line, 0, "header row too long");
    if ((st->names = spiral_calloc(st->nf, sizeof *st->names)) == NULL)
        return csv_nomem(r, st, err);
    for (i = 0; i < st->nf; i++) {
        if (spiral_utf8_check(field(st, i), st->fld[i].len) != st->fld[i].len)
            return spiral_error_set(err, SPIRAL_EENCODING, r->path, st->row_line, 0,
                                    "invalid UTF-8 in the header (column %zu)", i + 1);
        if ((st->names[i] = spiral_strndup(field(st, i), st->fld[i].len)) == NULL)
            return csv_nomem(r, st, err);
        st->ncols++;
    }
    given[C_TEXT] = r->o.text_column ? r->o.text_column : "text";
    given[C_ID] = r->o.id_column;
    given[C_DATE] = r->o.date_column;
    given[C_ACTOR] = r->o.actor_column;
    for (k = C_TARGET; k < C_N; k++)
        given[k] = NULL;
    for (k = 0; k < C_N; k++) {
        static const char *const opts[C_N] = { "--text-column", "--id-column", "--date-column",
                                               "--actor-column", "", "", "", "" };

        if (given[k]) {
            if ((st->col[k] = find_column(st, given[k])) < 0)
                return missing_column(r, st, given[k], opts[k], err);
        } else {
            st->col[k] = find_column(st, role_names[k]);
        }
    }
    return SPIRAL_OK;
}

/* ------------------------------------------------------------------ */
/* A row                                                               */
/* ------------------------------------------------------------------ */

/* Apply the UTF-8 policy to every field of the row.  Returns 1 or an error. */
static int check_utf8(spiral_reader *r, csv_state *st, spiral_error *err)
{
    size_t i, bad, replaced = 0;
    int any = 0;

    for (i = 0; i < st->nf; i++) {
        if ((bad = spiral_utf8_check(field(st, i), st->fld[i].len)) == st->fld[i].len)
            continue;
        if (r->o.invalid_utf8 == SPIRAL_UTF8_REJECT) {
            spiral_error_set(err, SPIRAL_EENCODING, r->path, st->row_line, 0,
                             "invalid UTF-8 in column \"%s\" (byte 0x%02X at byte %zu of the "
                             "field); use --invalid-utf8 replace to keep such records",
                             i < st->ncols ? st->names[i] : "?",
                             (unsigned char)field(st, i)[bad], bad);
            if (err)
                err->offset = bad;
            return SPIRAL_EENCODING;
        }
        any = 1;
    }
    if (!any)
        return 1;
    spiral_buf_reset(&st->fixed);
    if (spiral_grow(&st->fixoff, &st->fixcap, st->nf, sizeof *st->fixoff) < 0)
        return csv_nomem(r, st, err);
    for (i = 0; i < st->nf; i++) {
        st->fixoff[i] = st->fixed.len;
        if (spiral_utf8_repair(&st->fixed, field(st, i), st->fld[i].len, &replaced) < 0 ||
            spiral_buf_putc(&st->fixed, '\0') < 0)
            return csv_nomem(r, st, err);
    }
    /* the repaired fields replace the row's */
    {
        spiral_buf t = st->fields;

        st->fields = st->fixed;
        st->fixed = t;
    }
    for (i = 0; i < st->nf; i++) {
        st->fld[i].off = st->fixoff[i];
        st->fld[i].len = strlen(st->fields.data + st->fld[i].off);
    }
    r->rec.replaced = replaced;
    return 1;
}

static const char *role(const csv_state *st, int k)
{
    int c = st->col[k];

    if (c < 0 || (size_t)c >= st->nf || st->fld[c].len == 0)
        return NULL;
    return field(st, (size_t)c);
}

static int blank_str(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
    return 1;
}

static int make_record(spiral_reader *r, csv_state *st, spiral_error *err)
{
    unsigned long line = st->row_line, failures;
    json_t *meta = NULL;
    size_t i;
    int c = st->col[C_TEXT], k, rc;

    r->rec.line = line;
    if (st->row_over == 2)
        return csv_nomem(r, st, err);
    if (st->row_over)
        return spiral_error_set(err, SPIRAL_ELIMIT, r->path, line, 0,
                                "row is longer than the %zu-byte limit (--max-bytes); skipped",
                                r->o.max_record_bytes);
    if ((size_t)c >= st->nf)
        return spiral_error_set(err, SPIRAL_EINVAL, r->path, line, 0,
                                "row has %zu field%s, so no \"%s\" (column %d of %zu)", st->nf,
                                st->nf == 1 ? "" : "s", st->names[c], c + 1, st->ncols);
    if ((rc = check_utf8(r, st, err)) < 0)
        return rc;
    if (blank_str(field(st, (size_t)c), st->fld[c].len))
        return spiral_error_set(err, SPIRAL_EINVAL, r->path, line, 0,
                                "empty text in column \"%s\"", st->names[c]);
    r->rec.id = role(st, C_ID);
    r->rec.date = role(st, C_DATE);
    r->rec.actor = role(st, C_ACTOR);
    r->rec.target = role(st, C_TARGET);
    r->rec.lang = role(st, C_LANG);
    r->rec.title = role(st, C_TITLE);
    r->rec.source = role(st, C_SOURCE);
    if (r->rec.id == NULL && spiral_ingest_default_id(r, line) < 0)
        return csv_nomem(r, st, err);
    /* jansson can drop bytes of json_dumps() output when an allocation
     * fails and still return it: count the failures (alloc.h). */
    spiral_alloc_install_jansson();
    failures = spiral_alloc_failures();
    for (i = 0; i < st->nf && i < st->ncols; i++) {
        json_t *v;

        for (k = 0; k < C_N; k++)
            if (st->col[k] == (int)i)
                break;
        if (k < C_N || json_object_get(meta, st->names[i]))
            continue;
        if ((meta == NULL && (meta = json_object()) == NULL) ||
            (v = json_stringn(field(st, i), st->fld[i].len)) == NULL ||
            json_object_set_new(meta, st->names[i], v) < 0) {
            json_decref(meta);
            return csv_nomem(r, st, err);
        }
    }
    if (meta) {
        r->meta = json_dumps(meta, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(meta);
        if (r->meta == NULL || spiral_alloc_failures() != failures)
            return spiral_error_set(err, SPIRAL_ENOMEM, r->path, line, 0,
                                    "out of memory; record skipped");
        r->rec.meta_json = r->meta;
    }
    {
        size_t replaced = r->rec.replaced;

        rc = spiral_ingest_set_text(r, field(st, (size_t)c), st->fld[c].len, line, err);
        r->rec.replaced = replaced;
    }
    return rc;
}

/* ------------------------------------------------------------------ */
/* Feeding libcsv                                                      */
/* ------------------------------------------------------------------ */

static int only_space(const unsigned char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
    return 1;
}

/* A complete row (or the header) in st, or the end.  Returns 1 for a row,
 * 0 at the end, or a negative status with err filled. */
static int next_row(spiral_reader *r, csv_state *st, spiral_error *err)
{
    for (;;) {
        size_t avail = spiral_ingest_fill(r), n, seg;
        unsigned long seg_line;
        const unsigned char *p;

        if (avail == 0) {
            if (r->ioerr) {
                r->done = 1;
                return spiral_error_set(err, SPIRAL_EIO, r->path, st->line, 0, "read error");
            }
            if (st->fini_done)
                return 0;
            st->fini_done = 1;
            if (csv_fini(&st->p, on_field, on_row, r) != 0) {
                r->done = 1;
                return spiral_error_set(err, SPIRAL_EPARSE, r->path, st->row_line, 0,
                                        "unterminated quoted field (the row starts here)");
            }
            if (st->row_done && !st->row_open)
                st->row_line = st->line; /* a last line of white space */
            return st->row_done ? 1 : 0;
        }
        p = r->in + r->pos;
        for (seg = 0; seg < avail && p[seg] != '\n' && p[seg] != '\r'; seg++)
            ;
        if (seg < avail)
            seg++;
        st->doc_bytes += seg;
        if (st->doc_bytes > r->o.max_doc_bytes) {
            r->done = 1;
            return spiral_error_set(err, SPIRAL_ELIMIT, r->path, st->line, 0,
                                    "file is larger than the %zu-byte limit (--max-doc-bytes); "
                                    "reading stopped here", r->o.max_doc_bytes);
        }
        if (!st->row_open && !only_space(p, seg)) {
            st->row_open = 1;
            st->row_line = st->line;
            st->row_bytes = 0;
        }
        st->row_bytes += seg;
        if (st->row_open && st->row_bytes > r->o.max_record_bytes + 4096) {
            /* most likely a quote that never closes: nothing after it is a row */
            r->done = 1;
            return spiral_error_set(err, SPIRAL_ELIMIT, r->path, st->row_line, 0,
                                    "row is longer than the %zu-byte limit (--max-bytes); an "
                                    "unclosed quote? reading stopped", r->o.max_record_bytes);
        }
        seg_line = st->line;
        n = csv_parse(&st->p, p, seg, on_field, on_row, r);
        r->pos += seg;
        if (p[seg - 1] == '\n')
            st->line++;
        /* A row of white space never opened (TSV: a line of tabs is a row
         * of empty fields), but its errors must name its line too. */
        if (st->row_done && !st->row_open)
            st->row_line = seg_line;
        if (n != seg) {
            unsigned long line = st->row_line;
            int e = csv_error(&st->p);

            reset_row(st);
            if (parser_init(r, st) < 0)
                return csv_nomem(r, st, err);
            if (e == CSV_ENOMEM || e == CSV_ETOOBIG)
                return csv_nomem(r, st, err);
            /* go on at the next line */
            while (p[seg - 1] != '\n') {
                const unsigned char *q, *nl;

                if ((avail = spiral_ingest_fill(r)) == 0)
                    break;
                q = r->in + r->pos;
                nl = memchr(q, '\n', avail);
                seg = nl ? (size_t)(nl - q) + 1 : avail;
                r->pos += seg;
                if (nl) {
                    st->line++;
                    break;
                }
            }
            return spiral_error_set(err, SPIRAL_EPARSE, r->path, line, 0,
                                    "malformed CSV row: a quote inside an unquoted field or "
                                    "text after a closing quote; row skipped");
        }
        if (st->row_done)
            return 1;
    }
}

int spiral_ingest_csv_next(spiral_reader *r, spiral_error *err)
{
    csv_state *st = r->fmt_state;
    int rc, k;

    if (r->done)
        return 0;
    /* Without its state, its parser or its header the file cannot be read
     * on: those failures end it (calling again would fail again, for ever,
     * or take a data row for the header). */
    if (st == NULL) {
        if ((st = spiral_calloc(1, sizeof *st)) == NULL) {
            r->done = 1;
            return csv_nomem(r, st, err);
        }
        r->fmt_state = st;
        r->fmt_free = csv_state_free;
        st->line = 1;
        for (k = 0; k < C_N; k++)
            st->col[k] = -1;
        if (parser_init(r, st) < 0) {
            r->done = 1;
            return csv_nomem(r, st, err);
        }
    }
    for (;;) {
        reset_row(st);
        if ((rc = next_row(r, st, err)) <= 0) {
            if (rc == 0) {
                r->done = 1;
                if (!st->header_done)
                    return spiral_error_set(err, SPIRAL_EINVAL, r->path, 1, 0, "empty file");
            }
            if ((rc == SPIRAL_ENOMEM && !st->header_done) || !st->inited)
                r->done = 1;
            return rc;
        }
        if (st->header_done)
            break;
        st->header_done = 1;
        if ((rc = read_header(r, st, err)) < 0) {
            r->done = 1;
            return rc;
        }
    }
    return make_record(r, st, err);
}
