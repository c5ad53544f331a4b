/*
 * compare.c - `spiral compare --side A --side B`: how two sides frame
 * themselves and each other (profiles, portrayal matrix, asymmetry, mirror
 * image, distinctive terms), per language and combined.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char compare_usage[] =
    "Usage: spiral compare --side A --side B [OPTION]... [FILE]...\n"
    "Compare how the statements of two speakers (actor codes, e.g. CHN and USA)\n"
    "frame themselves and each other, per language and combined:\n"
    "  - each side's category profile per 1,000 tokens with bootstrap intervals;\n"
    "  - the portrayal matrix (A on A, A on B, B on B, B on A) in threat and\n"
    "    reassurance, and each side's attribution asymmetry;\n"
    "  - the mirror-image index (similarity of mutual accusations);\n"
    "  - distinctive terms by weighted log-odds with an informative Dirichlet prior.\n"
    "A statement belongs to a side when its speaker (from the actor field, or\n"
    "--actor) is that code.  README.md (Compare) gives the formulas.\n"
    "\n"
    "      --side CODE       a side (give exactly two)\n"
    "      --json            write JSON instead of the table\n"
    "      --csv DIR         also write profiles.csv, portrayal.csv, asymmetry.csv,\n"
    "                        mirror.csv and terms.csv into DIR\n"
    "      --top N           distinctive terms per side (default 20)\n"
    "      --replicates N    bootstrap replicates (default 500)\n"
    "      --seed N          bootstrap seed (default fixed: output is repeatable)\n"
    "\n" CLI_COMMON_HELP
    "  -h, --help            show this help\n";

static int add(cli_env *env, const spiral_record *rec, const spiral_doc *doc, void *payload)
{
    (void)env;
    (void)rec;
    return spiral_compare_add(payload, doc);
}

int cmd_compare(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_COMMON_LONGOPTS,
        { "side", required_argument, NULL, 'S' },
        { "json", no_argument, NULL, 'J' },
        { "csv", required_argument, NULL, 'C' },
        { "top", required_argument, NULL, 'N' },
        { "replicates", required_argument, NULL, 'P' },
        { "seed", required_argument, NULL, 'Z' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    spiral_compare_opts co = SPIRAL_COMPARE_OPTS_INIT;
    spiral_compare *cmp = NULL;
    const char *side[2] = { NULL, NULL }, *csv = NULL;
    int nside = 0, json = 0, c, rc;
    spiral_error err;
    cli_opts o;
    cli_env env;

    cli_opts_init(&o);
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            fputs(compare_usage, stdout);
            cli_opts_free(&o);
            return CLI_OK;
        case 'S':
            if (nside == 2) {
                fputs("spiral compare: give exactly two --side\n", stderr);
                cli_opts_free(&o);
                return CLI_EFILE;
            }
            side[nside++] = optarg;
            continue;
        case 'J':
            json = 1;
            continue;
        case 'C':
            csv = optarg;
            continue;
        case 'N':
            co.top_terms = (unsigned)strtoul(optarg, NULL, 10);
            continue;
        case 'P':
            co.replicates = (unsigned)strtoul(optarg, NULL, 10);
            continue;
        case 'Z':
            co.seed = strtoull(optarg, NULL, 10);
            continue;
        }
        rc = cli_common_option(&o, c, optarg);
        if (rc <= 0) {
            if (rc == 0)
                fputs("Try 'spiral compare --help'.\n", stderr);
            cli_opts_free(&o);
            return CLI_EFILE;
        }
    }
    if (nside != 2) {
        fputs("spiral compare: give two sides, e.g. --side CHN --side USA\n", stderr);
        cli_opts_free(&o);
        return CLI_EFILE;
    }
    if (spiral_compare_new(&cmp, side[0], side[1], &co, &err) < 0) {
        cli_report(&err, "error");
        cli_opts_free(&o);
        return CLI_EFILE;
    }
    if ((rc = cli_env_open(&env, &o, 1)) == CLI_OK) {
        rc = cli_run(&env, argc - optind, argv + optind, add, cmp);
        if (rc == CLI_OK) {
            int w = json ? spiral_compare_write_json(cmp, env.out)
                         : spiral_compare_write_table(cmp, env.out);

            if (w < 0) {
                fprintf(stderr, "spiral compare: %s\n", spiral_strerror(w));
                rc = CLI_EFILE;
            }
            if (csv && spiral_compare_write_csv(cmp, csv, &err) < 0) {
                cli_report(&err, "error");
                rc = CLI_EFILE;
            }
        }
        rc = cli_env_close(&env, rc);
    }
    spiral_compare_free(cmp);
    cli_opts_free(&o);
    return rc;
}
