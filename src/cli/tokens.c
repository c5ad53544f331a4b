/*
 * tokens.c - `spiral tokens`: sentences and tokens of each statement, with
 * byte offsets into the original text, as JSON Lines.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char tokens_usage[] =
    "Usage: spiral tokens [OPTION]... [FILE]...\n"
    "Split each statement into sentences and tokens and write one JSON object\n"
    "per statement:\n"
    "  {\"id\", \"lang\", \"sentences\": [{\"start\", \"end\", \"tokens\":\n"
    "      [{\"text\", \"norm\", \"start\", \"end\", \"kind\"}]}]}\n"
    "start/end are byte offsets into the original text; norm is the normalised\n"
    "form (NFKC, case-folded, Simplified Chinese); kind is word, han, number,\n"
    "punct, symbol or other.  Unknown input fields come back under \"meta\".\n"
    "\n"
    "  -j, --jobs N          analyse on N threads (default: all cores); output stays\n"
    "                        in input order\n"
    CLI_COMMON_HELP
    "  -h, --help            show this help\n";

static int format_tokens(const spiral_record *rec, const spiral_doc *doc, void *payload,
                         const char **data, size_t *len)
{
    (void)payload;
    return spiral_tokens_json(rec, doc, data, len);
}

static int emit_tokens(FILE *f, const spiral_record *rec, const spiral_doc *doc, void *payload)
{
    (void)payload;
    return spiral_write_tokens_json(f, rec, doc);
}

static int write_tokens(cli_env *env, const spiral_record *rec, const spiral_doc *doc,
                        void *payload)
{
    (void)payload;
    return spiral_write_tokens_json(env->out, rec, doc);
}

int cmd_tokens(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_COMMON_LONGOPTS,
        { "jobs", required_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    cli_opts o;
    cli_env env;
    int c, rc, jobs = cli_default_jobs();

    cli_opts_init(&o);
    o.session.tokens_only = 1; /* no matching or scoring: tokens are all it writes */
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:qhj:", longopts, NULL)) != -1) {
        if (c == 'j') {
            if ((jobs = atoi(optarg)) < 1 || jobs > 256) {
                fprintf(stderr, "spiral: -j needs a number of threads from 1 to 256\n");
                cli_opts_free(&o);
                return CLI_EFILE;
            }
            continue;
        }
        if (c == 'h') {
            fputs(tokens_usage, stdout);
            cli_opts_free(&o);
            return CLI_OK;
        }
        rc = cli_common_option(&o, c, optarg);
        if (rc <= 0) {
            if (rc == 0)
                fputs("Try 'spiral tokens --help'.\n", stderr);
            cli_opts_free(&o);
            return CLI_EFILE;
        }
    }
    /* The lexicon's Chinese entries join the segmentation dictionary, so
     * tokens and score segment the same way. */
    if ((rc = cli_env_open(&env, &o, 1)) == CLI_OK) {
        if (jobs > 1 && cli_parallel_ok(&o))
            rc = cli_run_parallel(&env, argc - optind, argv + optind, jobs, format_tokens,
                                      emit_tokens, NULL);
        else
            rc = cli_run(&env, argc - optind, argv + optind, write_tokens, NULL);
        rc = cli_env_close(&env, rc);
    }
    cli_opts_free(&o);
    return rc;
}
