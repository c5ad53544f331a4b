/*
 * prefilter.h - literal prefilters for regular-expression entries.
 */
#ifndef SPIRAL_PREFILTER_H
#define SPIRAL_PREFILTER_H

#include <stddef.h>

/* Literals one of which every match of the regex contains; n == 0 means
 * no prefilter (the regex always runs). */
typedef struct spiral_prefilter {
    char **lit;
    size_t *len;
    size_t n;
    char *buf;
} spiral_prefilter;

#define SPIRAL_PREFILTER_OK 0
#define SPIRAL_PREFILTER_NONE 1

/* Derive the prefilter of a PCRE2 pattern.  Returns SPIRAL_PREFILTER_OK,
 * SPIRAL_PREFILTER_NONE (nothing derived: pf is empty), or -1 out of
 * memory. */
int spiral_prefilter_build(spiral_prefilter *pf, const char *pattern);

/* 0 when text[0..len) contains none of the literals, so no match is
 * possible; 1 otherwise. */
int spiral_prefilter_may_match(const spiral_prefilter *pf, const char *text, size_t len);

void spiral_prefilter_free(spiral_prefilter *pf);

#endif
