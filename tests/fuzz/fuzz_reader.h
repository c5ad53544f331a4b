/*
 * fuzz_reader.h - the reader loop shared by the reader harnesses.
 *
 * Reads every record of path with opts and checks what a reader promises:
 * each record's text is valid UTF-8 of text_len bytes, it has an id and a
 * line that never goes backwards, each error names the file and a line and
 * has a negative status, and the loop ends (at most one call per input byte
 * and a few more).
 */
#ifndef SPIRAL_FUZZ_READER_H
#define SPIRAL_FUZZ_READER_H

#include <string.h>

#include "fuzz.h"
#include "spiral.h"
#include "utf8.h"

static void fuzz_read_all(const char *path, const spiral_read_opts *opts, size_t size)
{
    spiral_reader *r;
    const spiral_record *rec;
    spiral_error err;
    unsigned long last = 0, calls = 0;
    int rc;

    if (path == NULL)
        return;
    rc = spiral_reader_open(&r, path, opts, &err);
    if (rc < 0) {
        FUZZ_CHECK(r == NULL);
        FUZZ_CHECK(rc == SPIRAL_EIO || rc == SPIRAL_ENOMEM);
        return;
    }
    for (;;) {
        memset(&err, 0, sizeof err);
        rc = spiral_reader_next(r, &rec, &err);
        FUZZ_CHECK(++calls <= size + 3);
        if (rc == 0) {
            FUZZ_CHECK(rec == NULL);
            break;
        }
        if (rc < 0) {
            FUZZ_CHECK(rec == NULL);
            FUZZ_CHECK(err.code == rc);
            FUZZ_CHECK(err.file[0] != '\0');
            FUZZ_CHECK(err.line >= 1);
            FUZZ_CHECK(memchr(err.message, '\0', sizeof err.message) != NULL);
            if (rc == SPIRAL_EIO)
                break;
            continue;
        }
        FUZZ_CHECK(rc == 1 && rec != NULL);
        FUZZ_CHECK(rec->text != NULL);
        FUZZ_CHECK(spiral_utf8_check(rec->text, rec->text_len) == rec->text_len);
        FUZZ_CHECK(rec->text_len <= size * 3 + 3); /* U+FFFD is 3 bytes per bad byte */
        FUZZ_CHECK(rec->id != NULL && rec->file != NULL);
        FUZZ_CHECK(rec->line >= 1 && rec->line >= last);
        FUZZ_CHECK(opts->invalid_utf8 == SPIRAL_UTF8_REPLACE || rec->replaced == 0);
        last = rec->line;
        /* Borrowed strings must be readable to their end. */
        if (rec->meta_json)
            FUZZ_CHECK(strlen(rec->meta_json) >= 2);
        if (rec->date)
            (void)strlen(rec->date);
        if (rec->actor)
            (void)strlen(rec->actor);
        if (rec->lang)
            (void)strlen(rec->lang);
    }
    spiral_reader_free(r);
}

#endif
