/*
 * lexicon.c - `spiral lexicon check|stats`: validate lexicon files and count
 * their entries.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char lexicon_usage[] =
    "Usage: spiral lexicon check [PATH]...\n"
    "       spiral lexicon stats [--lexicon DIR] [--extra-lexicon FILE]...\n"
    "check validates lexicon files or directories (default: the shipped lexicons)\n"
    "and prints each problem as FILE:LINE:COLUMN: error: MESSAGE (bad field,\n"
    "unknown category, bad weight or flag, bad regular expression with PCRE2's\n"
    "message and offset, duplicate pattern with a conflicting entry); it exits 1\n"
    "when there is any.  stats counts entries per language and category.\n"
    "The format is described in lexicons/README.md and spiral-lexicon(5).\n";

static void report(const spiral_error *err, void *payload)
{
    unsigned long *n = payload;

    cli_report(err, "error");
    (*n)++;
}

static int check(int argc, char **argv, const cli_opts *o)
{
    unsigned long problems = 0;
    int i, rc;

    if (argc == 0) {
        spiral_lexicon *lex;

        /* The shipped (or --lexicon) directory. */
        if (cli_load_lexicon(o, &lex) != CLI_OK)
            return CLI_NOTHING;
        spiral_lexicon_free(lex);
        fprintf(stderr, "spiral: lexicon loads cleanly\n");
        return CLI_OK;
    }
    for (i = 0; i < argc; i++) {
        rc = spiral_lexicon_check(argv[i], report, &problems);
        if (rc < 0) {
            fprintf(stderr, "spiral: %s: %s\n", argv[i], spiral_strerror(rc));
            return CLI_EFILE;
        }
    }
    fprintf(stderr, "spiral: %lu problem%s found\n", problems, problems == 1 ? "" : "s");
    return problems ? CLI_NOTHING : CLI_OK;
}

typedef struct stat_row {
    char lang[4];
    char category[64];
    unsigned long n, regex;
} stat_row;

static int stat_cmp(const void *a, const void *b)
{
    const stat_row *x = a, *y = b;
    int c = strcmp(x->lang, y->lang);

    return c ? c : strcmp(x->category, y->category);
}

static int stats(const cli_opts *o)
{
    spiral_lexicon *lex;
    stat_row *rows = NULL;
    size_t nrows = 0, i, j;
    unsigned long total = 0;

    if (cli_load_lexicon(o, &lex) != CLI_OK)
        return CLI_EFILE;
    for (i = 0; i < spiral_lexicon_size(lex); i++) {
        spiral_entry_info e;

        spiral_lexicon_entry(lex, i, &e);
        for (j = 0; j < nrows; j++)
            if (strcmp(rows[j].lang, e.lang) == 0 && strcmp(rows[j].category, e.category) == 0)
                break;
        if (j == nrows) {
            stat_row *n = realloc(rows, sizeof *rows * (nrows + 1));

            if (n == NULL) {
                free(rows);
                spiral_lexicon_free(lex);
                return CLI_NOTHING;
            }
            rows = n;
            memset(&rows[nrows], 0, sizeof *rows);
            snprintf(rows[nrows].lang, sizeof rows[0].lang, "%s", e.lang);
            snprintf(rows[nrows].category, sizeof rows[0].category, "%s", e.category);
            nrows++;
        }
        rows[j].n++;
        rows[j].regex += e.is_regex != 0;
        total++;
    }
    qsort(rows, nrows, sizeof *rows, stat_cmp);
    printf("lang\tcategory\tentries\tregex\n");
    for (i = 0; i < nrows; i++)
        printf("%s\t%s\t%lu\t%lu\n", rows[i].lang, rows[i].category, rows[i].n, rows[i].regex);
    printf("all\tall\t%lu\t-\n", total);
    free(rows);
    spiral_lexicon_free(lex);
    return CLI_OK;
}

int cmd_lexicon(int argc, char **argv)
{
    cli_opts o;
    int i, rc, rest = 0;
    char **args;

    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        fputs(lexicon_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_EFILE : CLI_OK;
    }
    cli_opts_init(&o);
    /* A small option parser: --lexicon DIR and --extra-lexicon FILE. */
    if ((args = calloc((size_t)argc, sizeof *args)) == NULL)
        return CLI_EFILE;
    for (i = 2; i < argc; i++) {
        if ((strcmp(argv[i], "--lexicon") == 0 || strcmp(argv[i], "--extra-lexicon") == 0) &&
            i + 1 < argc) {
            cli_common_option(&o, argv[i][2] == 'l' ? 'X' : 'E', argv[i + 1]);
            i++;
        } else {
            args[rest++] = argv[i];
        }
    }
    if (strcmp(argv[1], "check") == 0)
        rc = check(rest, args, &o);
    else if (strcmp(argv[1], "stats") == 0)
        rc = stats(&o);
    else {
        fprintf(stderr, "spiral lexicon: unknown subcommand '%s'\n", argv[1]);
        rc = CLI_EFILE;
    }
    free(args);
    cli_opts_free(&o);
    return rc;
}
