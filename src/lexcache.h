/*
 * lexcache.h - the compiled lexicon cache (internal API).
 *
 * With a cache directory (spiral_lexicon_set_cache()), a lexicon's adds
 * only read their files, recording each (kind, display name, bytes) in
 * lex->src; sealing first tries spiral_lexcache_load(), which maps the
 * cache file of that list of sources and takes the sealed state from it
 * when it holds exactly those records, and otherwise parses the records
 * and seals as without a cache, then writes the file
 * (spiral_lexcache_save()).
 */
#ifndef SPIRAL_LEXCACHE_H
#define SPIRAL_LEXCACHE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "spiral.h"

/* A source recorded in lex->src. */
typedef struct spiral_lexcache_rec {
    int actors;            /* an actor file (else a lexicon file) */
    const char *display;   /* the name its entries carry, NUL-terminated */
    const char *data;      /* its bytes (not NUL-terminated) */
    size_t len;
} spiral_lexcache_rec;

/* Read the rest of f, the file at path (an actor file if actors), shown
 * as display, into a record of lex's sources; *data and *len get its
 * bytes there (all of them, or those before a read error: ferror()
 * tells).  SPIRAL_OK or SPIRAL_ENOMEM. */
int spiral_lexcache_source(spiral_lexicon *lex, FILE *f, int actors, const char *path,
                           const char *display, const char **data, size_t *len);

/* The record at *at of src into out, *at moved past it; 0 at the end. */
int spiral_lexcache_next(const spiral_buf *src, size_t *at, spiral_lexcache_rec *out);

/* The cache file of lex's sources (under lex->cache_dir) into out of size
 * n.  0, or -1 when it does not fit. */
int spiral_lexcache_path(const spiral_lexicon *lex, char *out, size_t n);

/* Take the sealed state of lex (with sources but nothing parsed) from its
 * cache file.  Returns 1 when it did (lex->map is then set), 0 when the
 * file is missing or not for these sources or not to be trusted (lex is
 * unchanged). */
int spiral_lexcache_load(spiral_lexicon *lex);

/* Write the cache file of sealed lex, atomically.  SPIRAL_OK, or
 * SPIRAL_EIO or SPIRAL_ENOMEM when it could not (nothing is left behind). */
int spiral_lexcache_save(const spiral_lexicon *lex);

/* Put the checksum of a cache file's bytes image[0..len) right, so that
 * tests can damage a file in ways the checksum does not tell.  0, or -1
 * when image is too short to be one. */
int spiral_lexcache_reseal(void *image, size_t len);

/* Free what a lexicon taken from its cache owns and unmap the file (not
 * lex itself). */
void spiral_lexcache_release(spiral_lexicon *lex);

#endif
