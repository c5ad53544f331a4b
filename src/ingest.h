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
    char *meta;              /* its unknown fields, serialised */
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

#endif
