/*
 * emit_csv.h - the rows of the tracking tables, shared by the CSV writer
 * and the SQLite store.
 */
#ifndef SPIRAL_EMIT_CSV_H
#define SPIRAL_EMIT_CSV_H

#include <stddef.h>

#include "spiral.h"

enum { SPIRAL_VALUE_NULL = 0, SPIRAL_VALUE_INT, SPIRAL_VALUE_REAL, SPIRAL_VALUE_TEXT };

/* One cell: a null (undefined), an integer, a real or a borrowed string. */
typedef struct spiral_value {
    int type;
    long long i;
    double d;
    const char *s;
} spiral_value;

/* Called with each row; the values are valid during the call only.
 * Returns SPIRAL_OK or a negative status that stops the walk. */
typedef int (*spiral_row_fn)(void *payload, const spiral_value *v, size_t n);

/* The column names of a table (NULL-terminated) and their count. */
const char *const *spiral_table_columns(spiral_csv_table which, size_t *n);
/* Every row of the table, in order.  Returns SPIRAL_OK or fn's status. */
int spiral_table_rows(const spiral_tracker *t, spiral_csv_table which, spiral_row_fn fn,
                      void *payload);

/* Mean and maximum of a pair's defined spiral scores, the period offset of
 * the maximum, the last defined score and how many periods are defined. */
void spiral_pair_summary(const spiral_tracker *t, const spiral_pair *pr, double *mean,
                         double *max, size_t *at, double *last, size_t *ndef);

#endif
