/*
 * replay.c - run a fuzz harness over saved inputs without libFuzzer.
 *
 * Linked with one harness by the ordinary compiler (and, with SANITIZE=1,
 * under AddressSanitizer and UBSan), it calls LLVMFuzzerTestOneInput() once
 * per file named on the command line, or per file in a named directory.
 * `make check` uses it to replay every seed and every kept regression, so a
 * fixed crash stays fixed without clang on the machine.
 *
 * Usage: replay_HARNESS FILE-OR-DIR...   (exit 0 when every input ran)
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0, n;

    if (f == NULL) {
        perror(path);
        return -1;
    }
    for (;;) {
        if (len == cap) {
            unsigned char *nb = realloc(buf, cap ? cap * 2 : 4096);

            if (nb == NULL) {
                free(buf);
                fclose(f);
                return -1;
            }
            buf = nb;
            cap = cap ? cap * 2 : 4096;
        }
        if ((n = fread(buf + len, 1, cap - len, f)) == 0)
            break;
        len += n;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    return 0;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of dir in name order, each run once. */
static int run_dir(const char *dir, unsigned long *count)
{
    char **names = NULL, path[4096];
    size_t n = 0, i;
    struct dirent *d;
    DIR *dp = opendir(dir);
    int rc = 0;

    if (dp == NULL)
        return -1;
    while ((d = readdir(dp)) != NULL) {
        char **nn;

        if (d->d_name[0] == '.')
            continue;
        if ((nn = realloc(names, (n + 1) * sizeof *names)) == NULL ||
            (nn[n] = strdup(d->d_name)) == NULL) {
            names = nn ? nn : names;
            rc = -1;
            break;
        }
        names = nn;
        n++;
    }
    closedir(dp);
    qsort(names, n, sizeof *names, cmp_name);
    for (i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (rc == 0 && run_file(path) < 0)
            rc = -1;
        (*count)++;
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    unsigned long count = 0;
    int i;

    LLVMFuzzerInitialize(&argc, &argv);
    for (i = 1; i < argc; i++) {
        struct stat st;

        if (stat(argv[i], &st) != 0) {
            perror(argv[i]);
            return 1;
        }
        if (S_ISDIR(st.st_mode) ? run_dir(argv[i], &count) < 0 : (count++, run_file(argv[i]) < 0))
            return 1;
    }
    printf("%s: %lu inputs replayed\n", argv[0], count);
    return 0;
}
