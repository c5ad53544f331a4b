/*
 * ingest.h - readers' internals shared between the format modules.
 */
#ifndef SPIRAL_INGEST_H
#define SPIRAL_INGEST_H

#include <jansson.h>

#include "buf.h"
#include "spiral.h"

struct spiral_reader {
    FILE *f;
    int own;                 /* close f at the end */
    char *path;              /* as shown in messages and ids */
    spiral_read_opts o;
    spiral_format fmt;

    unsigned char *in;       /* input buffer */
    size_t incap, pos, end;
    int eof, ioerr;
    int at_start;            /* nothing consumed yet: a BOM may follow */
    unsigned long lineno;    /* lines consumed so far */
    unsigned long blank;     /* blank lines skipped (not records) */
    int done;
    int checked;             /* the binary-file test was made */

    spiral_buf line;         /* the current record's bytes */
    spiral_buf fixed;        /* the text with bad UTF-8 replaced */
    spiral_buf id;           /* FILE:LINE ids */
    void *fmt_state;         /* HTML/feed/CSV reader state (the format module's) */
    void (*fmt_free)(void *state);
    json_t *json;            /* the current JSONL record */
    char *meta;              /* its unknown fields, serialised (jansson) */
    spiral_buf metabuf;      /* the same, written by the fast path */
    spiral_record rec;
};

/* Parse r->line as one JSON Lines record into r->rec.  Returns 1 or a
 * negative status with err filled (the line is r->rec.line). */
int spiral_ingest_jsonl_record(spiral_reader *r, unsigned long line, spiral_error *err);

/* Give the record its text, applying the UTF-8 policy.  Returns 1 or a
 * negative status with err filled. */
int spiral_ingest_set_text(spiral_reader *r, const char *text, size_t len,
                           unsigned long line, spiral_error *err);

/* Set r->rec.id to "FILE:LINE".  Returns SPIRAL_OK or SPIRAL_ENOMEM. */
int spiral_ingest_default_id(spiral_reader *r, unsigned long line);

/* Make unread input available in r->in[r->pos..r->end).  Returns the
 * number of bytes available (0 at the end; r->ioerr tells a read error). */
size_t spiral_ingest_fill(spiral_reader *r);

/* Read the rest of the input into out (replacing its content), refusing a
 * document over r->o.max_doc_bytes: a regular file is refused from its
 * size before anything is read, other input as soon as the limit is
 * passed.  Returns SPIRAL_OK, or SPIRAL_ELIMIT, SPIRAL_EIO or
 * SPIRAL_ENOMEM with err naming the file. */
int spiral_ingest_read_doc(spiral_reader *r, spiral_buf *out, spiral_error *err);

/* The format modules: the next record of a page (ingest_html.c), a feed
 * (ingest_feed.c) or a CSV/TSV file (ingest_csv.c), into r->rec.  Return
 * as spiral_reader_next() does. */
int spiral_ingest_html_next(spiral_reader *r, spiral_error *err);
int spiral_ingest_feed_next(spiral_reader *r, spiral_error *err);
int spiral_ingest_csv_next(spiral_reader *r, spiral_error *err);

#endif
