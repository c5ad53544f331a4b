/*
 * fuzz_util.c - helpers for the fuzz harnesses (fuzz.h).
 */
#define _GNU_SOURCE 1 /* memfd_create */
#include "fuzz.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int fds[4] = { -1, -1, -1, -1 };
static char paths[4][64];

const char *fuzz_file(const void *data, size_t size, int slot)
{
    const char *p = data;
    size_t done = 0;

    if (slot < 0 || slot > 3)
        return NULL;
    if (fds[slot] >= 0)
        close(fds[slot]);
    if ((fds[slot] = memfd_create("spiral-fuzz", 0)) < 0)
        return NULL;
    while (done < size) {
        ssize_t n = write(fds[slot], p + done, size - done);

        if (n <= 0)
            return NULL;
        done += (size_t)n;
    }
    snprintf(paths[slot], sizeof paths[slot], "/proc/self/fd/%d", fds[slot]);
    return paths[slot];
}

int fuzz_span_ok(const char *text, size_t len, size_t a, size_t b)
{
    const unsigned char *u = (const unsigned char *)text;

    if (a > b || b > len)
        return 0;
    if (a < len && (u[a] & 0xC0) == 0x80)
        return 0;
    if (b < len && (u[b] & 0xC0) == 0x80)
        return 0;
    return 1;
}
