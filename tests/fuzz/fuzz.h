/*
 * fuzz.h - what the fuzz harnesses share.
 *
 * Every harness is a libFuzzer target: it defines LLVMFuzzerTestOneInput()
 * (and, when it loads something once, LLVMFuzzerInitialize()).  Built with
 * clang -fsanitize=fuzzer,address,undefined it is a fuzzer (`make fuzz`);
 * built with the ordinary compiler and replay.c it replays the inputs it is
 * given, which is how `make check` runs the seeds and the regressions kept
 * under tests/fuzz/regressions/.
 *
 * A harness checks invariants with FUZZ_CHECK, which aborts (a crash the
 * fuzzer saves) with the condition and where it failed.
 */
#ifndef SPIRAL_FUZZ_H
#define SPIRAL_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* The source tree and the built dictionary, given by the Makefile. */
#ifndef SPIRAL_SRCDIR
#define SPIRAL_SRCDIR "."
#endif
#ifndef SPIRAL_FUZZ_DICT
#define SPIRAL_FUZZ_DICT SPIRAL_SRCDIR "/build/zh.dict"
#endif

#define FUZZ_CHECK(cond)                                                          \
    do {                                                                          \
        if (!(cond)) {                                                            \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                       \
            abort();                                                              \
        }                                                                         \
    } while (0)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A path naming a file that holds data[0..size): a memory file
 * (/proc/self/fd/N) that stays open until the next call with the same
 * slot (0..3).  Returns NULL when it cannot be made. */
const char *fuzz_file(const void *data, size_t size, int slot);

/* Whether [a, b) slices text (len bytes) on UTF-8 character boundaries. */
int fuzz_span_ok(const char *text, size_t len, size_t a, size_t b);

#endif
