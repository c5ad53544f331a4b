/*
 * track.c - `spiral track`: dyad series per period, the spiral metrics of
 * every pair, as JSON, CSV and a SQLite store; and what `spiral report`
 * shares with it: reading scored (or raw) statements into a tracker or a
 * store, interrupt handling and output files written atomically.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* ------------------------------------------------------------------ */
/* Interrupts                                                          */
/* ------------------------------------------------------------------ */

/* The signal that asked us to stop (SIGINT or SIGTERM), 0 if none.  The
 * one piece of mutable global state of the program: a signal handler can
 * reach nothing else. */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

void cli_track_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: a blocking read returns EINTR */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int cli_interrupted(void)
{
    return stop_signal != 0;
}

int cli_interrupt_status(void)
{
    return 128 + (stop_signal ? (int)stop_signal : SIGINT);
}

static int cancel_cb(void *payload)
{
    (void)payload;
    return stop_signal != 0;
}

/* ------------------------------------------------------------------ */
/* Output files: written to PATH.tmp.PID, renamed when all is well      */
/* ------------------------------------------------------------------ */

FILE *cli_out_open(cli_outs *outs, const char *path)
{
    cli_out *o;
    size_t n = strlen(path) + 32;

    if (outs->n == CLI_MAX_OUTS) {
        fprintf(stderr, "spiral: too many output files\n");
        return NULL;
    }
    o = &outs->o[outs->n];
    if ((o->tmp = malloc(n)) == NULL || (o->path = strdup(path)) == NULL) {
        free(o->tmp);
        fprintf(stderr, "spiral: out of memory\n");
        return NULL;
    }
    snprintf(o->tmp, n, "%s.tmp.%ld", path, (long)getpid());
    if ((o->f = fopen(o->tmp, "wb")) == NULL) {
        fprintf(stderr, "%s: error: cannot write: %s\n", path, strerror(errno));
        free(o->tmp);
        free(o->path);
        return NULL;
    }
    outs->n++;
    return o->f;
}

void cli_out_abort(cli_outs *outs)
{
    size_t i;

    for (i = 0; i < outs->n; i++) {
        if (outs->o[i].f)
            fclose(outs->o[i].f);
        remove(outs->o[i].tmp);
        free(outs->o[i].tmp);
        free(outs->o[i].path);
    }
    outs->n = 0;
}

int cli_out_close(cli_outs *outs)
{
    size_t i;
    int bad = 0;

    for (i = 0; i < outs->n; i++) {
        cli_out *o = &outs->o[i];

        if (fflush(o->f) != 0 || ferror(o->f)) {
            fprintf(stderr, "%s: error: write failed: %s\n", o->path, strerror(errno));
            bad = 1;
        }
        if (fclose(o->f) != 0 && !bad) {
            fprintf(stderr, "%s: error: write failed: %s\n", o->path, strerror(errno));
            bad = 1;
        }
        o->f = NULL;
    }
    return bad ? -1 : 0;
}

int cli_out_commit(cli_outs *outs)
{
    size_t i;
    int bad = 0;

    for (i = 0; i < outs->n; i++) {
        if (!bad && rename(outs->o[i].tmp, outs->o[i].path) != 0) {
            fprintf(stderr, "%s: error: cannot rename: %s\n", outs->o[i].path,
                    strerror(errno));
            bad = 1;
        }
        if (bad)
            remove(outs->o[i].tmp);
        free(outs->o[i].tmp);
        free(outs->o[i].path);
    }
    outs->n = 0;
    return bad ? -1 : 0;
}

int cli_mkdir(const char *dir)
{
    if (mkdir(dir, 0777) == 0 || errno == EEXIST)
        return 0;
    fprintf(stderr, "%s: error: cannot create directory: %s\n", dir, strerror(errno));
    return -1;
}

/* ------------------------------------------------------------------ */
/* Options                                                             */
/* ------------------------------------------------------------------ */

void cli_track_init(cli_track *c)
{
    spiral_track_opts t = SPIRAL_TRACK_OPTS_INIT;

    memset(c, 0, sizeof *c);
    cli_opts_init(&c->o);
    c->topts = t;
}

void cli_track_free(cli_track *c)
{
    spiral_store_free(c->store);
    spiral_stmt_parser_free(c->parser);
    spiral_session_free(c->session);
    spiral_lexicon_free(c->lex);
    spiral_dict_free(c->dict);
    free(c->exclude);
    cli_opts_free(&c->o);
    memset(c, 0, sizeof *c);
}

static int parse_int(const char *arg, int lo, int hi, int *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(arg, &end, 10);
    if (errno || end == arg || *end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

int cli_track_option(cli_track *c, int opt, const char *arg)
{
    char *end;
    double v;

    switch (opt) {
    case 'p':
        if (spiral_period_parse(&c->topts.period, arg) < 0) {
            fprintf(stderr, "spiral: --period takes day, week, month, quarter or year, "
                            "not '%s'\n", arg);
            return -1;
        }
        c->given |= CLI_GIVEN_PERIOD;
        return 1;
    case 'K':
        if (parse_int(arg, 0, SPIRAL_MAX_LAG, &c->topts.max_lag) < 0) {
            fprintf(stderr, "spiral: --max-lag takes 0 to %d, not '%s'\n", SPIRAL_MAX_LAG, arg);
            return -1;
        }
        c->given |= CLI_GIVEN_LAG;
        return 1;
    case 'S':
        if (parse_int(arg, 1, 99, &c->topts.smooth) < 0 || c->topts.smooth % 2 == 0) {
            fprintf(stderr, "spiral: --smooth takes an odd number from 1 to 99, not '%s'\n", arg);
            return -1;
        }
        c->given |= CLI_GIVEN_SMOOTH;
        return 1;
    case 'H':
        errno = 0;
        v = strtod(arg, &end);
        if (errno || end == arg || *end || !(v > 0) || v > 1000) {
            fprintf(stderr, "spiral: --threshold takes a positive number, not '%s'\n", arg);
            return -1;
        }
        c->topts.threshold = v;
        c->given |= CLI_GIVEN_THRESHOLD;
        return 1;
    case 'x': {
        const char **n = realloc(c->exclude, sizeof *n * (size_t)(c->nexclude + 1));

        if (n == NULL) {
            fprintf(stderr, "spiral: out of memory\n");
            return -1;
        }
        c->exclude = n;
        n[c->nexclude++] = arg;
        return 1;
    }
    case 'd':
        c->db = arg;
        return 1;
    }
    return cli_common_option(&c->o, opt, arg);
}

/* ------------------------------------------------------------------ */
/* Reading statements                                                  */
/* ------------------------------------------------------------------ */

static void report_cb(const spiral_error *err, void *payload)
{
    (void)payload;
    cli_report(err, "error");
}

/* Load the dictionary and lexicon the first time a raw statement needs
 * scoring.  Returns 0 or -1 (message printed). */
static int need_session(cli_track *c)
{
    cli_env env;
    cli_opts o;
    spiral_error err;

    if (c->session)
        return 0;
    if (c->no_session)
        return -1;
    o = c->o;
    o.output = NULL;
    if (cli_env_open(&env, &o, 1) != CLI_OK) {
        c->no_session = 1;
        return -1;
    }
    c->dict = env.dict;
    c->lex = env.lex;
    if (spiral_session_new(&c->session, c->dict, c->lex, &c->o.session, &err) < 0) {
        cli_report(&err, "error");
        c->no_session = 1;
        return -1;
    }
    return 0;
}

/* Whether st is left out by --exclude. */
static int excluded(const cli_track *c, const spiral_statement *st)
{
    int i;

    for (i = 0; i < c->nexclude; i++)
        if (spiral_stmt_meta_has(st, c->exclude[i]))
            return 1;
    return 0;
}

/* Give st to the store (which checks it against the tracker first) or to
 * the tracker.  Returns 0, or -1 when the run must stop. */
static int take(cli_track *c, spiral_tracker *t, const spiral_statement *st)
{
    spiral_error err;
    int rc;

    if (excluded(c, st)) {
        c->excluded++;
        return 0;
    }
    if (c->store) {
        if ((rc = spiral_tracker_check(t, st, &err)) < 0) {
            cli_report(&err, "error");
            c->rejected++;
            return 0;
        }
        rc = spiral_store_put(c->store, st, &err);
        if (rc < 0) {
            cli_report(&err, "error");
            return -1;
        }
        if (rc == SPIRAL_STORE_ADDED)
            c->added++;
        else if (rc == SPIRAL_STORE_UPDATED)
            c->updated++;
        else
            c->unchanged++;
        c->taken++;
        return 0;
    }
    if ((rc = spiral_tracker_add(t, st, &err)) < 0) {
        cli_report(&err, "error");
        if (rc == SPIRAL_ENOMEM)
            return -1;
        c->rejected++;
        return 0;
    }
    c->taken++;
    return 0;
}

/* Score a raw record and take it.  Returns 0 or -1. */
static int take_raw(cli_track *c, spiral_tracker *t, const spiral_record *rec)
{
    spiral_context ctx = SPIRAL_CONTEXT_INIT;
    const spiral_statement *st;
    const spiral_doc *doc;
    spiral_error err;

    if (need_session(c) < 0) {
        fprintf(stderr, "%s:%lu: error: a raw statement needs a lexicon to be scored\n",
                rec->file, rec->line);
        c->rejected++;
        return 0;
    }
    ctx.lang = c->o.lang ? c->o.lang : rec->lang;
    ctx.date = rec->date;
    ctx.actor = rec->actor;
    ctx.speaker = c->o.speaker;
    ctx.target = rec->target;
    if (spiral_session_analyze_ctx(c->session, rec->text, rec->text_len, &ctx, &doc, &err) < 0) {
        snprintf(err.file, sizeof err.file, "%s", rec->file);
        err.line = rec->line;
        cli_report(&err, "error");
        c->rejected++;
        return 0;
    }
    if (spiral_stmt_from_doc(c->parser, rec, doc, &st, &err) < 0) {
        cli_report(&err, "error");
        return -1;
    }
    c->scored++;
    return take(c, t, st);
}

static int is_blank(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
    return 1;
}

/* Whether path should be read as JSON Lines by us rather than by the
 * statement reader (other formats are raw statements only). */
static int is_jsonl(const cli_track *c, const char *path)
{
    const char *dot = strrchr(path, '.');
    FILE *f;
    int ch;

    if (c->o.read.format == SPIRAL_FORMAT_JSONL)
        return 1;
    if (c->o.read.format != SPIRAL_FORMAT_AUTO)
        return 0;
    if (strcmp(path, "-") == 0)
        return 1;
    if (dot && (strcmp(dot, ".jsonl") == 0 || strcmp(dot, ".ndjson") == 0 ||
                strcmp(dot, ".json") == 0))
        return 1;
    if ((f = fopen(path, "rb")) == NULL)
        return 1; /* let the reader below report it */
    while ((ch = getc(f)) == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == 0xEF ||
           ch == 0xBB || ch == 0xBF)
        ;
    fclose(f);
    return ch == '{';
}

/* Read one JSON Lines file.  Returns 0, or -1 when the run must stop. */
static int read_jsonl(cli_track *c, spiral_tracker *t, const char *path)
{
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    unsigned long lineno = 0, before = c->read;
    int rc = 0;

    if (f == NULL) {
        fprintf(stderr, "%s: error: cannot open: %s\n", path, strerror(errno));
        c->files_failed++;
        return 0;
    }
    while (!cli_interrupted() && (len = getline(&line, &cap, f)) >= 0) {
        const spiral_statement *st;
        const spiral_record *raw;
        spiral_error err;
        char *p = line;
        int k;

        lineno++;
        if (lineno == 1 && len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
            p += 3, len -= 3;
        if (is_blank(p, (size_t)len)) {
            c->blank++;
            continue;
        }
        c->read++;
        if ((size_t)len > c->o.read.max_record_bytes) {
            fprintf(stderr, "%s:%lu: error: record of %zd bytes is over --max-bytes\n", name,
                    lineno, len);
            c->rejected++;
            continue;
        }
        k = spiral_stmt_parse_json(c->parser, p, (size_t)len, name, lineno, &st, &raw, &err);
        if (k < 0) {
            cli_report(&err, "error");
            c->rejected++;
            if (k == SPIRAL_ENOMEM) {
                rc = -1;
                break;
            }
            continue;
        }
        if ((k == SPIRAL_STMT_SCORED ? take(c, t, st) : take_raw(c, t, raw)) < 0) {
            rc = -1;
            break;
        }
    }
    if (ferror(f) && !cli_interrupted()) {
        fprintf(stderr, "%s: error: read failed: %s\n", name, strerror(errno));
        c->files_failed++;
    }
    if (c->read == before && rc == 0 && !cli_interrupted() && !c->o.quiet)
        fprintf(stderr, "%s: warning: empty input, no statements\n", name);
    free(line);
    if (f != stdin)
        fclose(f);
    return rc;
}

/* Read a file of raw statements in another format with the reader. */
static int read_other(cli_track *c, spiral_tracker *t, const char *path)
{
    spiral_reader *r;
    const spiral_record *rec;
    spiral_error err;
    int rc;

    if (spiral_reader_open(&r, path, &c->o.read, &err) < 0) {
        cli_report(&err, "error");
        c->files_failed++;
        return 0;
    }
    while (!cli_interrupted() && (rc = spiral_reader_next(r, &rec, &err)) != 0) {
        c->read++;
        if (rc < 0) {
            cli_report(&err, "error");
            c->rejected++;
            if (rc == SPIRAL_EIO)
                break;
            continue;
        }
        if (take_raw(c, t, rec) < 0) {
            spiral_reader_free(r);
            return -1;
        }
    }
    c->blank += spiral_reader_blank_lines(r);
    spiral_reader_free(r);
    return 0;
}

/* Options saved in the store fill in what the command line did not give. */
static void merge_settings(cli_track *c)
{
    spiral_track_opts saved = c->topts;
    spiral_error err;

    if (spiral_store_settings(c->store, &saved, &err) <= 0)
        return;
    if (!(c->given & CLI_GIVEN_PERIOD))
        c->topts.period = saved.period;
    if (!(c->given & CLI_GIVEN_LAG))
        c->topts.max_lag = saved.max_lag;
    if (!(c->given & CLI_GIVEN_SMOOTH))
        c->topts.smooth = saved.smooth;
    if (!(c->given & CLI_GIVEN_THRESHOLD))
        c->topts.threshold = saved.threshold;
}

int cli_track_build(cli_track *c, int nfiles, char **files, int write_store,
                    spiral_tracker **out)
{
    static char dash[] = "-";
    char *stdin_only[1] = { dash };
    spiral_tracker *t = NULL;
    spiral_error err;
    int i;

    *out = NULL;
    if (spiral_stmt_parser_new(&c->parser, &err) < 0) {
        cli_report(&err, "error");
        return CLI_NOTHING;
    }
    if (c->db) {
        if (!write_store && access(c->db, R_OK) != 0) {
            fprintf(stderr, "%s: error: cannot open the store: %s\n", c->db, strerror(errno));
            return CLI_EFILE;
        }
        if (spiral_store_open(&c->store, c->db, &err) < 0) {
            cli_report(&err, "error");
            return CLI_EFILE;
        }
        spiral_store_set_cancel(c->store, cancel_cb, NULL);
        merge_settings(c);
    }
    if (spiral_tracker_new(&t, &c->topts, &err) < 0) {
        cli_report(&err, "error");
        return CLI_EFILE;
    }
    if (c->store && write_store && spiral_store_begin(c->store, &err) < 0) {
        cli_report(&err, "error");
        spiral_tracker_free(t);
        return CLI_EFILE;
    }
    if (nfiles == 0 && !(c->store && !write_store)) {
        files = stdin_only;
        nfiles = c->store ? 0 : 1;
    }
    for (i = 0; i < nfiles && !cli_interrupted(); i++) {
        int rc = is_jsonl(c, files[i]) ? read_jsonl(c, t, files[i]) : read_other(c, t, files[i]);

        if (rc < 0)
            goto fail;
    }
    if (cli_interrupted())
        goto fail;
    if (c->store) {
        unsigned long rejected = 0;

        if (spiral_store_load(c->store, t, report_cb, NULL, &rejected, &err) < 0) {
            cli_report(&err, "error");
            goto fail;
        }
        c->store_rejected = rejected;
    }
    if (spiral_tracker_finish(t, &err) < 0) {
        cli_report(&err, "error");
        goto fail;
    }
    if (c->store && write_store && spiral_store_save_series(c->store, t, &err) < 0) {
        cli_report(&err, "error");
        goto fail;
    }
    *out = t;
    return CLI_OK;
fail:
    if (c->store)
        spiral_store_rollback(c->store);
    spiral_tracker_free(t);
    return cli_interrupted() ? cli_interrupt_status() : CLI_NOTHING;
}

void cli_track_summary(const cli_track *c, const spiral_tracker *t)
{
    if (c->o.quiet)
        return;
    fprintf(stderr, "spiral: %lu statements read, %lu taken, %lu rejected", c->read, c->taken,
            c->rejected);
    if (c->scored)
        fprintf(stderr, " (%lu raw ones scored on the way)", c->scored);
    if (c->excluded)
        fprintf(stderr, ", %lu excluded by --exclude", c->excluded);
    if (c->blank)
        fprintf(stderr, " (%lu blank lines ignored)", c->blank);
    if (c->files_failed)
        fprintf(stderr, "; %lu file%s could not be read", c->files_failed,
                c->files_failed == 1 ? "" : "s");
    fputc('\n', stderr);
    if (c->store) {
        fprintf(stderr, "spiral: store %s: %lu added, %lu updated, %lu unchanged; %lld "
                        "statements in the store", c->db, c->added, c->updated, c->unchanged,
                spiral_store_count(c->store));
        if (c->store_rejected)
            fprintf(stderr, ", %lu of them not placed (see above)", c->store_rejected);
        fputc('\n', stderr);
    }
    if (t)
        fprintf(stderr, "spiral: %lu statements tracked in %zu dyad%s, %zu pair%s, %zu %s "
                        "period%s\n", spiral_tracker_statements(t), spiral_tracker_ndyads(t),
                spiral_tracker_ndyads(t) == 1 ? "" : "s", spiral_tracker_npairs(t),
                spiral_tracker_npairs(t) == 1 ? "" : "s", spiral_tracker_nperiods(t),
                spiral_period_name(spiral_tracker_opts(t)->period),
                spiral_tracker_nperiods(t) == 1 ? "" : "s");
}

/* ------------------------------------------------------------------ */
/* spiral track                                                        */
/* ------------------------------------------------------------------ */

static const char track_usage[] =
    "Usage: spiral track [OPTION]... [FILE]...\n"
    "Aggregate scored statements (the output of `spiral score`; raw statements are\n"
    "scored on the way) per directed dyad (speaker -> target) and period, and\n"
    "compute for every pair with statements both ways: reciprocity, Richardson's\n"
    "reaction model, escalation and de-escalation episodes, and the spiral score.\n"
    "README.md (Tracking, Metrics) gives the formulas.  Writes one JSON document\n"
    "to standard output (or -o FILE).\n"
    "\n"
    "      --period P        day, week (ISO), month (default), quarter or year\n"
    "      --max-lag K       reciprocity at lags 0..K periods (default 3)\n"
    "      --smooth W        centred moving-average window, odd (default 3)\n"
    "      --threshold H     episode threshold in noise units (default 2)\n"
    "      --exclude FIELD   leave out statements whose meta has FIELD (e.g.\n"
    "                        translation_of); repeatable; counted in the summary\n"
    "      --csv DIR         write dyads.csv, pairs.csv, pair_periods.csv,\n"
    "                        episodes.csv and lags.csv into DIR\n"
    "      --db FILE         add the statements to the SQLite store FILE (created\n"
    "                        when missing; a statement id already there is updated\n"
    "                        or left alone) and compute the series over every\n"
    "                        statement in it; options not given are taken from it.\n"
    "                        With --db and no FILE, the series are recomputed from\n"
    "                        the store alone\n"
    "      --table           print the pairs' table instead of the JSON document\n"
    "                        (the JSON still goes to -o FILE when given)\n"
    "\n";

static const char track_usage_tail[] =
    "  -h, --help            show this help\n"
    "\n"
    "Exit status: 0 when at least one statement was tracked, 1 when none, 2 on a\n"
    "file that could not be opened or a bad command line, 130/143 when\n"
    "interrupted (the store is rolled back and no output file is left).\n";

#define TRACK_LONGOPTS                                       \
    { "period", required_argument, NULL, 'p' },              \
    { "max-lag", required_argument, NULL, 'K' },             \
    { "smooth", required_argument, NULL, 'S' },              \
    { "threshold", required_argument, NULL, 'H' },           \
    { "exclude", required_argument, NULL, 'x' },             \
    { "db", required_argument, NULL, 'd' }

static int write_csv_dir(cli_outs *outs, const spiral_tracker *t, const char *dir)
{
    char path[PATH_MAX];
    int k;

    if (cli_mkdir(dir) < 0)
        return -1;
    for (k = 0; k < SPIRAL_CSV_NTABLES; k++) {
        FILE *f;

        snprintf(path, sizeof path, "%s/%s", dir, spiral_csv_table_name((spiral_csv_table)k));
        if ((f = cli_out_open(outs, path)) == NULL)
            return -1;
        if (spiral_track_write_csv(f, t, (spiral_csv_table)k) < 0) {
            fprintf(stderr, "%s: error: write failed\n", path);
            return -1;
        }
        if (cli_interrupted())
            return -1;
    }
    return 0;
}

int cmd_track(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_COMMON_LONGOPTS,
        TRACK_LONGOPTS,
        { "csv", required_argument, NULL, 'c' },
        { "table", no_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *csv_dir = NULL;
    spiral_tracker *t = NULL;
    cli_outs outs;
    cli_track c;
    spiral_error err;
    int opt, rc, table = 0, committed = 0;
    FILE *jf = NULL;

    cli_track_init(&c);
    memset(&outs, 0, sizeof outs);
    optind = 1;
    while ((opt = getopt_long(argc, argv, "f:o:qh", longopts, NULL)) != -1) {
        if (opt == 'h') {
            fputs(track_usage, stdout);
            fputs(CLI_COMMON_HELP, stdout);
            fputs(track_usage_tail, stdout);
            cli_track_free(&c);
            return CLI_OK;
        }
        if (opt == 'c') {
            csv_dir = optarg;
            continue;
        }
        if (opt == 't') {
            table = 1;
            continue;
        }
        rc = cli_track_option(&c, opt, optarg);
        if (rc <= 0) {
            if (rc == 0)
                fputs("Try 'spiral track --help'.\n", stderr);
            cli_track_free(&c);
            return CLI_EFILE;
        }
    }
    cli_track_signals();
    rc = cli_track_build(&c, argc - optind, argv + optind, 1, &t);
    if (rc != CLI_OK)
        goto done;
    /* Outputs go to temporary files; the store commits; then they are
     * renamed.  An interrupt before the commit undoes everything. */
    if (c.o.output && strcmp(c.o.output, "-") != 0) {
        if ((jf = cli_out_open(&outs, c.o.output)) == NULL)
            goto fail;
    } else if (!table)
        jf = stdout;
    if (jf && spiral_track_write_json(jf, t) < 0) {
        fprintf(stderr, "spiral: error: cannot write the JSON document\n");
        goto fail;
    }
    if (table && spiral_track_write_table(stdout, t) < 0)
        goto fail;
    if (csv_dir && write_csv_dir(&outs, t, csv_dir) < 0)
        goto fail;
    if (cli_out_close(&outs) < 0 || cli_interrupted())
        goto fail;
    if (c.store && spiral_store_commit(c.store, &err) < 0) {
        cli_report(&err, "error");
        goto fail;
    }
    /* Committed: a signal from here on lets the run finish. */
    committed = 1;
    if (cli_out_commit(&outs) < 0) {
        rc = CLI_EFILE;
        goto done;
    }
    if (fflush(stdout) != 0) {
        fprintf(stderr, "spiral: error: cannot write to standard output\n");
        rc = CLI_EFILE;
        goto done;
    }
    rc = spiral_tracker_statements(t) > 0 ? CLI_OK : CLI_NOTHING;
    if (c.files_failed)
        rc = CLI_EFILE;
    goto done;
fail:
    cli_out_abort(&outs);
    if (c.store)
        spiral_store_rollback(c.store);
    rc = cli_interrupted() ? cli_interrupt_status() : CLI_EFILE;
done:
    if (cli_interrupted() && !committed) {
        cli_out_abort(&outs);
        if (!c.o.quiet)
            fprintf(stderr, "spiral: interrupted: %s\n",
                    c.store ? "the store was rolled back to its last whole run"
                            : "no output written");
        rc = cli_interrupt_status();
    } else
        cli_track_summary(&c, t);
    spiral_tracker_free(t);
    cli_track_free(&c);
    return rc;
}
