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
    int keep_duplicates;         /* --keep-duplicates: write every copy */
    int emit_text;               /* --emit-text: the analysed text in the output */
    int no_cache;                /* --no-cache: build the lexicon from its files */
} cli_opts;

/* getopt codes of the long-only common options (above every char). */
enum {
    CLI_OPT_TEXT_COLUMN = 0x100,
    CLI_OPT_ID_COLUMN,
    CLI_OPT_DATE_COLUMN,
    CLI_OPT_ACTOR_COLUMN,
    CLI_OPT_MAX_DOC_BYTES,
    CLI_OPT_KEEP_DUPLICATES,
    CLI_OPT_EMIT_TEXT,
    CLI_OPT_NO_CACHE
};

struct cli_dups; /* fingerprints of the statements seen (common.c) */

/* Resources loaded once per run. */
typedef struct cli_env {
    spiral_dict *dict;
    spiral_lexicon *lex;
    FILE *out;
    char *out_tmp;             /* written to this, renamed to output at the end */
    const cli_opts *o;
    unsigned long read, written, rejected, blank, files_failed;
    unsigned long duplicates;  /* statements not written: a copy was */
    unsigned long dups_unchecked; /* past the duplicate table's limit */
    unsigned long warnings;
    struct cli_dups *dups;     /* NULL with --keep-duplicates */
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
    { "text-column", required_argument, NULL, CLI_OPT_TEXT_COLUMN }, \
    { "id-column", required_argument, NULL, CLI_OPT_ID_COLUMN }, \
    { "date-column", required_argument, NULL, CLI_OPT_DATE_COLUMN }, \
    { "actor-column", required_argument, NULL, CLI_OPT_ACTOR_COLUMN }, \
    { "max-doc-bytes", required_argument, NULL, CLI_OPT_MAX_DOC_BYTES }, \
    { "keep-duplicates", no_argument, NULL, CLI_OPT_KEEP_DUPLICATES }, \
    { "emit-text", no_argument, NULL, CLI_OPT_EMIT_TEXT },   \
    { "no-cache", no_argument, NULL, CLI_OPT_NO_CACHE },     \
    { "extra-actors", required_argument, NULL, 'R' },         \
    { "actor", required_argument, NULL, 'A' },                \
    { "quiet", no_argument, NULL, 'q' },                      \
    { "regex-match-limit", required_argument, NULL, 'G' },    \
    { "regex-depth-limit", required_argument, NULL, 'H' },    \
    { "regex-time-limit", required_argument, NULL, 'J' }

#define CLI_COMMON_HELP                                                              \
    "Input (FILE..., a DIRECTORY (its files, sorted) or - for standard input; none\n" \
    "means standard input):\n"                                                       \
    "  -f, --format FMT      jsonl, lines (one statement a line), doc (one a file),\n" \
    "                        html (a page's main text), feed (RSS/Atom: one an\n"    \
    "                        item), csv or tsv (one a row); default: from the\n"    \
    "                        extension, else from the content\n"                    \
    "      --lang LANG       treat every statement as LANG (en, zh); default: the\n"   \
    "                        record's lang field, else detected from the script mix\n" \
    "      --invalid-utf8 P  reject (default): a record with invalid UTF-8 is an\n"   \
    "                        error; replace: bad bytes become U+FFFD and are counted\n" \
    "      --max-bytes N     largest record or document (default 64 MiB)\n"          \
    "      --max-tokens N    most tokens in one statement (default 4194304)\n"       \
    "      --max-doc-bytes N largest HTML page, feed or CSV file (default 64 MiB)\n" \
    "      --text-column C   CSV/TSV: the column holding the text (default: text)\n" \
    "      --id-column C, --date-column C, --actor-column C\n"                      \
    "                        CSV/TSV: the columns of id, date and actor (default:\n" \
    "                        columns of those names, when present)\n"              \
    "      --keep-duplicates write every copy of a statement (default: once, with\n" \
    "                        \"copies\": N, for texts equal once normalised)\n"       \
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
    "      --no-cache        build the lexicon from its files, without the compiled\n" \
    "                        cache ($SPIRAL_CACHE_DIR, else ~/.cache/spiral)\n"      \
    "Output:\n"                                                                      \
    "  -o, --output FILE     write to FILE (atomically) instead of standard output\n" \
    "      --emit-text       score: add the analysed \"text\" (a page's extracted text)\n" \
    "  -q, --quiet           no summary on standard error\n"

/* Load resources and open the output. Returns 0 or an exit status. */
int cli_env_open(cli_env *env, const cli_opts *o, int need_lexicon);
/* Finish: print the summary, close and rename the output.  Returns the exit status. */
int cli_env_close(cli_env *env, int status);

/* Read every file (or stdin), analyse each statement, call fn.  Returns
 * the exit status. */
int cli_run(cli_env *env, int nfiles, char **files, cli_record_fn fn, void *payload);

/* The inputs with each directory replaced by its files (not its
 * subdirectories or hidden files), sorted by name.  Returns how many, or
 * -1 (message printed); free *out with cli_inputs_free(). */
int cli_inputs(cli_env *env, int nfiles, char **files, char ***out);
void cli_inputs_free(char **list, int n);

/* The read options with the reader's warnings reported ("FILE:LINE:COL:
 * warning: ...") and counted in env->warnings.  Main thread only. */
void cli_read_opts(cli_env *env, spiral_read_opts *out);

/* Duplicates (unless --keep-duplicates): begin sets up the table and, with
 * `count`, counts the copies of each statement in the regular files among
 * the inputs (a first pass; standard input cannot be read twice).  check
 * is called for each record read, in input order: 1 write it, with *copies
 * its number of copies (0 when not counted: standard input), 0 a copy was
 * written already (counted in env->duplicates), -1 out of memory (message
 * printed).  begin returns 0 or -1.
 *
 * For a first pass run elsewhere (parallel.c): all_regular says whether
 * every input can be read twice; count adds one copy of fingerprint fp (0,
 * or -1 out of memory); copies is fp's count, read only (any thread, once
 * the counting is over and while nothing adds); check_fp is check for a
 * fingerprint already taken, which when `counted` (others are reading
 * copies) adds nothing to the table. */
int cli_dups_begin(cli_env *env, int nfiles, char **files, int count);
int cli_dups_check(cli_env *env, const spiral_record *rec, unsigned long *copies);
int cli_dups_all_regular(int nfiles, char **files);
int cli_dups_count(cli_env *env, uint64_t fp);
unsigned long cli_dups_copies(const cli_env *env, uint64_t fp);
int cli_dups_check_fp(cli_env *env, uint64_t fp, int counted, unsigned long *copies);
void cli_dups_end(cli_env *env);
/* While tmp (a temporary output file) is open, SIGINT, SIGTERM and SIGHUP
 * remove it and exit with 128 + the signal (signals.c); release when it
 * has been renamed or removed. */
void cli_signals_protect(const char *tmp);
void cli_signals_release(void);

/* Print "file:line:col: error: message" for err. */
void cli_report(const spiral_error *err, const char *what);
/* The same line (with its newline) into buf. */
void cli_format_report(char *buf, size_t n, const spiral_error *err, const char *what);

int cmd_tokens(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_lexicon(int argc, char **argv);
int cmd_eval(int argc, char **argv);

/* Free what cli_common_option allocated. */
void cli_opts_free(cli_opts *o);

/* Load the lexicon the options name (shipped or --lexicon, plus extras). */
int cli_load_lexicon(const cli_opts *o, spiral_lexicon **out);

/* ------------------------------------------------------------------ */
/* track and report (track.c)                                          */
/* ------------------------------------------------------------------ */

int cmd_track(int argc, char **argv);
int cmd_report(int argc, char **argv);

/* Output files written to a temporary name and renamed at the end. */
#define CLI_MAX_OUTS 64
typedef struct cli_out {
    char *path, *tmp;
    FILE *f;
} cli_out;
typedef struct cli_outs {
    cli_out o[CLI_MAX_OUTS];
    size_t n;
} cli_outs;

/* Open path's temporary file (message printed on failure: NULL). */
FILE *cli_out_open(cli_outs *outs, const char *path);
/* Close every file: 0, or -1 when a write failed (message printed). */
int cli_out_close(cli_outs *outs);
/* Rename every closed file into place: 0 or -1. */
int cli_out_commit(cli_outs *outs);
/* Close and remove every temporary file. */
void cli_out_abort(cli_outs *outs);
int cli_mkdir(const char *dir);

/* SIGINT and SIGTERM set a flag that the loops check. */
void cli_track_signals(void);
int cli_interrupted(void);
int cli_interrupt_status(void); /* 128 + the signal */

#define CLI_GIVEN_PERIOD    0x1u
#define CLI_GIVEN_LAG       0x2u
#define CLI_GIVEN_SMOOTH    0x4u
#define CLI_GIVEN_THRESHOLD 0x8u

/* What track and report share: options, resources and counts. */
typedef struct cli_track {
    cli_opts o;
    spiral_track_opts topts;
    unsigned given;              /* CLI_GIVEN_*: options given on the command line */
    const char *db;
    const char **exclude;
    int nexclude;
    spiral_stmt_parser *parser;
    spiral_store *store;
    spiral_dict *dict;           /* loaded when a raw statement needs scoring */
    spiral_lexicon *lex;
    spiral_session *session;
    int no_session;
    unsigned long read, taken, rejected, excluded, scored, blank, files_failed;
    unsigned long added, updated, unchanged, store_rejected;
} cli_track;

void cli_track_init(cli_track *c);
void cli_track_free(cli_track *c);
/* --period, --max-lag, --smooth, --threshold, --exclude, --db and the common
 * options: 1 handled, 0 not ours, -1 bad value (message printed). */
int cli_track_option(cli_track *c, int opt, const char *arg);
/* Read the files (standard input when none, unless reading a store) into
 * a finished tracker; with a store, add the statements to it first when
 * write_store, and load every stored statement.  A store transaction
 * stays open for the caller to commit.  Returns an exit status. */
int cli_track_build(cli_track *c, int nfiles, char **files, int write_store,
                    spiral_tracker **out);
void cli_track_summary(const cli_track *c, const spiral_tracker *t);

/* Parallel runs (-j N, parallel.c): format gives one statement's output as
 * bytes in the session's buffer (returns SPIRAL_OK, a negative status, or 1
 * for "write it with emit instead"); emit writes it to out.  Neither may
 * touch shared state; format may be NULL.  Output and messages come out in
 * input order.  Returns the exit status like cli_run(). */
typedef int (*cli_format_fn)(const spiral_record *rec, const spiral_doc *doc, void *payload,
                             const char **data, size_t *len);
typedef int (*cli_emit_fn)(FILE *out, const spiral_record *rec, const spiral_doc *doc,
                           void *payload);
int cli_run_parallel(cli_env *env, int nfiles, char **files, int nthreads,
                     cli_format_fn format, cli_emit_fn emit, void *payload);
/* Whether the options allow a parallel run (features that need every
 * statement in order, such as dropping duplicates, run on one thread). */
int cli_parallel_ok(const cli_opts *o);
/* The -j default: the number of online processors. */
int cli_default_jobs(void);

#endif
