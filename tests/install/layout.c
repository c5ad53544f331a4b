/*
 * layout.c - the size and field offsets of the structures examples/score.py
 * declares with ctypes, as the C compiler lays them out; examples.sh
 * compares the two.
 */
#include <stddef.h>
#include <stdio.h>

#include "spiral.h"

#define SIZE(T) printf("%s size %zu\n", #T, sizeof(T))
#define FIELD(T, f) printf("%s.%s %zu\n", #T, #f, offsetof(T, f))

int main(void)
{
    SIZE(spiral_error);
    FIELD(spiral_error, code);
    FIELD(spiral_error, file);
    FIELD(spiral_error, line);
    FIELD(spiral_error, column);
    FIELD(spiral_error, offset);
    FIELD(spiral_error, message);
    SIZE(spiral_scores);
    FIELD(spiral_scores, threat);
    FIELD(spiral_scores, reassurance);
    FIELD(spiral_scores, net);
    FIELD(spiral_scores, tone);
    FIELD(spiral_scores, label);
    SIZE(spiral_hit);
    FIELD(spiral_hit, start);
    FIELD(spiral_hit, end);
    FIELD(spiral_hit, first_token);
    FIELD(spiral_hit, ntokens);
    FIELD(spiral_hit, sentence);
    FIELD(spiral_hit, family);
    FIELD(spiral_hit, category);
    FIELD(spiral_hit, entry_category);
    FIELD(spiral_hit, pattern);
    FIELD(spiral_hit, entry_file);
    FIELD(spiral_hit, entry_line);
    FIELD(spiral_hit, entry_index);
    FIELD(spiral_hit, weight);
    FIELD(spiral_hit, score);
    FIELD(spiral_hit, rules);
    FIELD(spiral_hit, mods);
    FIELD(spiral_hit, nmods);
    FIELD(spiral_hit, target);
    FIELD(spiral_hit, portrayal);
    return 0;
}
