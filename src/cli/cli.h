/*
 * cli.h - what the subcommands of the spiral program share.
 *
 * The program uses only the public API in spiral.h.
 */
#ifndef SPIRAL_CLI_H
#define SPIRAL_CLI_H

#include <stdio.h>

#include "spiral.h"

/* Exit statuses (documented in README and spiral --help). */
enum {
    CLI_OK = 0,        /* at least one statement was written */
    CLI_NOTHING = 1,   /* nothing could be processed */
    CLI_EFILE = 2,     /* a file could not be opened, or bad usage */
};

/* Options every command that reads statements accepts. */
typedef struct cli_opts {
    spiral_read_opts read;
    spiral_session_opts session;
    const char *lang;          /* --lang: force the language */
    const char *lexicon_dir;   /* --lexicon */
    const char *dict_path;     /* --dict */
    const char *output;        /* -o */
    const char **extra_lexicons; /* --extra-lexicon, repeatable */
    int nextra;
    const char **extra_actors;   /* --extra-actors, repeatable */
    int nactors;
    const char *speaker;         /* --actor CODE */
    int quiet;
} cli_opts;

/* Resources loaded once per run. */
typedef struct cli_env {
    spiral_dict *dict;
    spiral_lexicon *lex;
    FILE *out;
    char *out_tmp;             /* written to this, renamed to output at the end */
    const cli_opts *o;
    unsigned long read, written, rejected, blank, files_failed;
    unsigned long regex_limited; /* regex searches stopped by a limit */
} cli_env;

/* Called for each statement analysed; returns SPIRAL_OK or an error. */
typedef int (*cli_record_fn)(cli_env *env, const spiral_record *rec,
                             const spiral_doc *doc, void *payload);

/* Parse one common option (getopt_long code c with optarg).  Returns 1 if
 * handled, 0 if not a common option, -1 on a bad value (message printed). */
int cli_common_option(cli_opts *o, int c, const char *arg);
void cli_opts_init(cli_opts *o);

/* The long options shared by the reading commands, to splice into a table. */
#define CLI_COMMON_LONGOPTS                                   \
    { "format", required_argument, NULL, 'f' },               \
    { "lang", required_argument, NULL, 'L' },                 \
    { "lexicon", required_argument, NULL, 'X' },              \
    { "dict", required_argument, NULL, 'D' },                 \
    { "invalid-utf8", required_argument, NULL, 'U' },         \
    { "max-bytes", required_argument, NULL, 'B' },            \
    { "max-tokens", required_argument, NULL, 'T' },           \
    { "output", required_argument, NULL, 'o' },               \
    { "extra-lexicon", required_argument, NULL, 'E' },        \
    { "extra-actors", required_argument, NULL, 'R' },         \
    { "actor", required_argument, NULL, 'A' },                \
    { "quiet", no_argument, NULL, 'q' },                      \
    { "regex-match-limit", required_argument, NULL, 'G' },    \
    { "regex-depth-limit", required_argument, NULL, 'H' },    \
    { "regex-time-limit", required_argument, NULL, 'J' }

#define CLI_COMMON_HELP                                                              \
    "Input (FILE... or - for standard input; none means standard input):\n"          \
    "  -f, --format FMT      jsonl, lines (one statement a line) or doc (one a file);\n" \
    "                        default: from the extension, else from the content\n"   \
    "      --lang LANG       treat every statement as LANG (en, zh); default: the\n"   \
    "                        record's lang field, else detected from the script mix\n" \
    "      --invalid-utf8 P  reject (default): a record with invalid UTF-8 is an\n"   \
    "                        error; replace: bad bytes become U+FFFD and are counted\n" \
    "      --max-bytes N     largest record or document (default 64 MiB)\n"          \
    "      --max-tokens N    most tokens in one statement (default 4194304)\n"       \
    "      --regex-match-limit N  PCRE2 match limit for each regular-expression\n"   \
    "                        entry and statement (default 1000000); a search that\n" \
    "                        hits it is stopped and counted in the summary\n"      \
    "      --regex-depth-limit N  PCRE2 backtracking depth limit (default 10000)\n" \
    "      --regex-time-limit MS  time for all searches of one regular-expression\n" \
    "                        entry in one statement (default 1000 ms; 0: none)\n"  \
    "Resources:\n"                                                                   \
    "      --lexicon DIR     lexicon directory (default: the shipped lexicons)\n"    \
    "      --extra-lexicon F add the entries of lexicon file F (repeatable; an entry\n" \
    "                        with the same pattern replaces the shipped one)\n"     \
    "      --extra-actors F  add the actor aliases of file F (actors.tsv format)\n"  \
    "      --actor CODE      the speaker of every statement (default: from the\n"  \
    "                        record's actor field through the actor lexicon)\n"   \
    "      --dict FILE       Chinese dictionary (default: the built zh.dict)\n"      \
    "Output:\n"                                                                      \
    "  -o, --output FILE     write to FILE (atomically) instead of standard output\n" \
    "  -q, --quiet           no summary on standard error\n"

/* Load resources and open the output. Returns 0 or an exit status. */
int cli_env_open(cli_env *env, const cli_opts *o, int need_lexicon);
/* Finish: print the summary, close and rename the output.  Returns the exit status. */
int cli_env_close(cli_env *env, int status);

/* Read every file (or stdin), analyse each statement, call fn.  Returns
 * the exit status. */
int cli_run(cli_env *env, int nfiles, char **files, cli_record_fn fn, void *payload);

/* While tmp (a temporary output file) is open, SIGINT, SIGTERM and SIGHUP
 * remove it and exit with 128 + the signal (signals.c); release when it
 * has been renamed or removed. */
void cli_signals_protect(const char *tmp);
void cli_signals_release(void);

/* Print "file:line:col: error: message" for err. */
void cli_report(const spiral_error *err, const char *what);

int cmd_tokens(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_lexicon(int argc, char **argv);
int cmd_eval(int argc, char **argv);

/* Free what cli_common_option allocated. */
void cli_opts_free(cli_opts *o);

/* Load the lexicon the options name (shipped or --lexicon, plus extras). */
int cli_load_lexicon(const cli_opts *o, spiral_lexicon **out);

#endif
