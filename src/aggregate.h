/*
 * aggregate.h - the tracker's insides, shared by the modules that read a
 * finished tracker (escalation, emit_csv, emit_track, report, store).
 */
#ifndef SPIRAL_AGGREGATE_H
#define SPIRAL_AGGREGATE_H

#include <stddef.h>
#include <stdint.h>

#include "spiral.h"

/* Hits kept with each exemplar statement. */
#define SPIRAL_EXEMPLAR_HITS 4

typedef struct spiral_exemplar_hit {
    char *text, *category;
    double score;
} spiral_exemplar_hit;

/* A statement kept to show what drove a dyad's hostility in a period. */
typedef struct spiral_exemplar {
    char *id, *date, *title, *lang;
    double threat, reassurance, hostility; /* of this dyad's share */
    size_t nhits;
    spiral_exemplar_hit hits[SPIRAL_EXEMPLAR_HITS];
} spiral_exemplar;

/* The exemplars of one cell: the most hostile (hot) and the most
 * reassuring (cool), each sorted, at most opts.exemplars. */
typedef struct spiral_cell_ex {
    spiral_exemplar *hot, *cool;
    unsigned nhot, ncool;
} spiral_cell_ex;

typedef struct spiral_dyad_int {
    spiral_dyad pub;         /* pub.cells == cells after finish */
    char *speaker, *target;
    spiral_cell *cells;      /* over [alo, ahi] while adding, dense after finish */
    spiral_cell_ex *ex;      /* parallel to cells, NULL entries when none */
    int64_t alo, ahi;        /* allocated range of period indices */
} spiral_dyad_int;

struct spiral_tracker {
    spiral_track_opts opts;
    spiral_dyad_int *dyads;
    size_t ndyads, cap;
    size_t *slots;           /* open-addressing hash of dyads: index + 1, 0 = free */
    size_t nslots;
    int64_t glo, ghi;        /* period range seen (valid when statements > 0) */
    unsigned long statements;
    int finished;
    spiral_pair *pairs;
    size_t npairs;
};

/* The exemplars of dyad d in period offset p (after finish), or NULL. */
const spiral_cell_ex *spiral_tracker_cell_ex(const spiral_tracker *t, size_t d, size_t p);

/* Floor division and the proleptic Gregorian calendar (days from 1970-01-01). */
int64_t spiral_days_from_civil(int64_t y, int m, int d);
void spiral_civil_from_days(int64_t z, int64_t *y, int *m, int *d);

/* Number formats shared by the emitters: up to 4 decimals, trailing zeros
 * dropped, no "-0".  Writes into buf (32 bytes); returns buf. */
const char *spiral_fmt_num(char *buf, size_t size, double v);

#endif
