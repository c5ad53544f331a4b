/*
 * fuzz_cli.c - the spiral program's command lines, run in-process.
 *
 * src/cli/main.c is compiled with main renamed to spiral_cli_main and
 * called once per input.  The first byte chooses the command (score,
 * tokens, lexicon, compare, eval, track, report, or the first word of the
 * input) and whether a fixed input file is appended; the rest is split at
 * NUL and newline bytes into at most 26 arguments.  Arguments holding '/'
 * or starting with ".." are dropped, so that the program only reads and
 * writes inside a scratch directory (the current directory only while the
 * program runs), which is emptied and given fresh fixtures (a small JSON
 * Lines file, a text file, an extra lexicon, an actor file, a gold file and
 * a small text dictionary) before every run.  Standard input is /dev/null
 * and standard output is discarded.  SPIRAL_LEXICONS points at the small
 * test lexicon and SPIRAL_DICT at the small dictionary, to keep runs fast.
 */
#define _GNU_SOURCE 1 /* mkdtemp, setenv */
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

int spiral_cli_main(int argc, char **argv);

static char scratch[256], home[4096];

static const struct fixture {
    const char *name, *text;
} fixtures[] = {
    { "in.jsonl",
      "{\"id\":\"a\",\"actor\":\"CHN-MFA\",\"date\":\"2021-03-18\",\"text\":\"We firmly oppose "
      "sanctions and warn of serious consequences.\",\"extra\":[1,2]}\n"
      "{\"id\":\"b\",\"lang\":\"zh\",\"text\":\"\xE4\xB8\xAD\xE6\x96\xB9\xE5\x9D\x9A\xE5\x86\xB3"
      "\xE5\x8F\x8D\xE5\xAF\xB9\xE5\x88\xB6\xE8\xA3\x81\xE3\x80\x82\"}\n"
      "not json\n\n"
      "{\"id\":\"c\",\"actor\":\"USA\",\"text\":\"We remain committed to dialogue with China.\"}\n" },
    { "in.txt", "We will not tolerate provocation.\nWe welcome cooperation.\n" },
    { "extra.tsv", "provocation\tthreat.warning\t2.5\nre:coop\\w+\treassurance.cooperation\t1\n" },
    { "actors.tsv", "China\tCHN\ten\tstate\t\t\n\xE7\xBE\x8E\xE6\x96\xB9\tUSA\tzh\tshort\t\t\n" },
    { "gold.tsv", "lang\tthreat\treassurance\tlabel\ttext\nen\t2\t0\tthreat\tWe warn you.\n"
                  "en\t0\t1\treassurance\tWe welcome talks.\n" },
    { "dict.txt", "\xE4\xB8\xAD\xE6\x96\xB9 100\n\xE5\x9D\x9A\xE5\x86\xB3 50\n"
                  "\xE5\x8F\x8D\xE5\xAF\xB9 60\n" },
    { NULL, NULL }
};

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    return ftw->level == 0 ? 0 : remove(path); /* everything but the directory itself */
}

/* Empty the scratch directory (the program may have made files and
 * directories with any name: compare --csv, track --csv) and write the
 * fixtures again. */
static void wipe_and_fill(void)
{
    size_t i;

    if (nftw(".", remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
        abort();
    for (i = 0; fixtures[i].name; i++) {
        FILE *f = fopen(fixtures[i].name, "wb");

        if (f == NULL || fputs(fixtures[i].text, f) < 0 || fclose(f) != 0)
            abort();
    }
}

/* At exit: the scratch directory goes. */
static void remove_scratch(void)
{
    if (scratch[0] && chdir(home) == 0 && nftw(scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0)
        rmdir(scratch);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char path[512];
    int fd;

    (void)argc;
    (void)argv;
    snprintf(scratch, sizeof scratch, "/tmp/spiral-fuzz-cli.XXXXXX");
    if (mkdtemp(scratch) == NULL || getcwd(home, sizeof home) == NULL)
        abort();
    atexit(remove_scratch);
    snprintf(path, sizeof path, "%s/tests/data/lex", SPIRAL_SRCDIR);
    setenv("SPIRAL_LEXICONS", path, 1);
    snprintf(path, sizeof path, "%s/dict.txt", scratch);
    setenv("SPIRAL_DICT", path, 1);
    /* No compiled lexicon cache: nothing written to the user's cache
     * directory, and no file written per input (its reading is tested
     * against damaged and hostile files in test_lexcache.c). */
    setenv("SPIRAL_NO_CACHE", "1", 1);
    if ((fd = open("/dev/null", O_RDWR)) < 0 || dup2(fd, STDIN_FILENO) < 0 ||
        dup2(fd, STDOUT_FILENO) < 0)
        abort();
    close(fd);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const commands[] = { "score", "tokens", "lexicon", "compare",
                                            "eval", "track", "report", NULL };
    static const char *const inputs[] = { "in.jsonl", "in.txt" };
    char buf[4096], *argv[32], *reset[] = { "spiral", NULL };
    size_t i, n, start;
    int argc = 0, cmd;

    if (size < 1 || size > sizeof buf - 1)
        return 0;
    /* Work in the scratch directory; libFuzzer's paths are relative to home. */
    if (chdir(scratch) != 0)
        abort();
    wipe_and_fill();
    cmd = data[0] & 7;
    memcpy(buf, data + 1, size - 1);
    n = size - 1;
    buf[n] = '\0';
    argv[argc++] = "spiral";
    if (commands[cmd])
        argv[argc++] = (char *)commands[cmd];
    for (i = start = 0; i <= n && argc < 28; i++) {
        if (i < n && buf[i] != '\0' && buf[i] != '\n')
            continue;
        buf[i] = '\0';
        if (strchr(buf + start, '/') == NULL && strncmp(buf + start, "..", 2) != 0)
            argv[argc++] = buf + start;
        start = i + 1;
    }
    if (data[0] & 8)
        argv[argc++] = (char *)inputs[(data[0] >> 4) & 1];
    argv[argc] = NULL;
    /* Forget any state getopt kept from the last run (GNU: optind = 0). */
    optind = 0;
    opterr = 0;
    getopt(1, reset, "");
    opterr = 1;
    spiral_cli_main(argc, argv);
    fflush(stdout);
    if (chdir(home) != 0)
        abort();
    return 0;
}
