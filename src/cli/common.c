/*
 * common.c - what the reading commands share: options, finding the shipped
 * lexicons and dictionary, the read-analyse-write loop (directories
 * expanded, duplicates merged), error reports, the summary, and output
 * written atomically.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

void cli_opts_free(cli_opts *o)
{
    free(o->extra_lexicons);
    o->extra_lexicons = NULL;
    o->nextra = 0;
    free(o->extra_actors);
    o->extra_actors = NULL;
    o->nactors = 0;
}

void cli_opts_init(cli_opts *o)
{
    spiral_read_opts r = SPIRAL_READ_OPTS_INIT;
    spiral_session_opts s = SPIRAL_SESSION_OPTS_INIT;

    memset(o, 0, sizeof *o);
    o->read = r;
    o->session = s;
}

static int parse_size(const char *arg, size_t *out)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(arg, &end, 10);
    if (errno || end == arg || v == 0)
        return -1;
    if (*end == 'k' || *end == 'K')
        v <<= 10, end++;
    else if (*end == 'm' || *end == 'M')
        v <<= 20, end++;
    else if (*end == 'g' || *end == 'G')
        v <<= 30, end++;
    if (*end != '\0')
        return -1;
    *out = (size_t)v;
    return 0;
}

int cli_common_option(cli_opts *o, int c, const char *arg)
{
    switch (c) {
    case 'f':
        if (strcmp(arg, "jsonl") == 0 || strcmp(arg, "json") == 0)
            o->read.format = SPIRAL_FORMAT_JSONL;
        else if (strcmp(arg, "lines") == 0)
            o->read.format = SPIRAL_FORMAT_LINES;
        else if (strcmp(arg, "doc") == 0)
            o->read.format = SPIRAL_FORMAT_DOC;
        else if (strcmp(arg, "html") == 0)
            o->read.format = SPIRAL_FORMAT_HTML;
        else if (strcmp(arg, "feed") == 0 || strcmp(arg, "rss") == 0 || strcmp(arg, "atom") == 0)
            o->read.format = SPIRAL_FORMAT_FEED;
        else if (strcmp(arg, "csv") == 0)
            o->read.format = SPIRAL_FORMAT_CSV;
        else if (strcmp(arg, "tsv") == 0) {
            o->read.format = SPIRAL_FORMAT_CSV;
            o->read.csv_delimiter = '\t';
        } else if (strcmp(arg, "auto") == 0)
            o->read.format = SPIRAL_FORMAT_AUTO;
        else {
            fprintf(stderr, "spiral: unknown format '%s' (jsonl, lines, doc, html, feed, csv, "
                            "tsv, auto)\n", arg);
            return -1;
        }
        return 1;
    case CLI_OPT_TEXT_COLUMN:
        o->read.text_column = arg;
        return 1;
    case CLI_OPT_ID_COLUMN:
        o->read.id_column = arg;
        return 1;
    case CLI_OPT_DATE_COLUMN:
        o->read.date_column = arg;
        return 1;
    case CLI_OPT_ACTOR_COLUMN:
        o->read.actor_column = arg;
        return 1;
    case CLI_OPT_MAX_DOC_BYTES:
        if (parse_size(arg, &o->read.max_doc_bytes) < 0) {
            fprintf(stderr, "spiral: --max-doc-bytes needs a positive size, not '%s'\n", arg);
            return -1;
        }
        return 1;
    case CLI_OPT_KEEP_DUPLICATES:
        o->keep_duplicates = 1;
        return 1;
    case CLI_OPT_EMIT_TEXT:
        o->emit_text = 1;
        return 1;
    case CLI_OPT_NO_CACHE:
        o->no_cache = 1;
        return 1;
    case 'L':
        o->lang = arg;
        return 1;
    case 'X':
        o->lexicon_dir = arg;
        return 1;
    case 'D':
        o->dict_path = arg;
        return 1;
    case 'U':
        if (strcmp(arg, "reject") == 0)
            o->read.invalid_utf8 = SPIRAL_UTF8_REJECT;
        else if (strcmp(arg, "replace") == 0)
            o->read.invalid_utf8 = SPIRAL_UTF8_REPLACE;
        else {
            fprintf(stderr, "spiral: --invalid-utf8 takes reject or replace, not '%s'\n", arg);
            return -1;
        }
        return 1;
    case 'B':
        if (parse_size(arg, &o->read.max_record_bytes) < 0) {
            fprintf(stderr, "spiral: --max-bytes needs a positive size, not '%s'\n", arg);
            return -1;
        }
        return 1;
    case 'T':
        if (parse_size(arg, &o->session.max_tokens) < 0) {
            fprintf(stderr, "spiral: --max-tokens needs a positive number, not '%s'\n", arg);
            return -1;
        }
        return 1;
    case 'G':
    case 'H': {
        size_t v;

        if (parse_size(arg, &v) < 0 || v > UINT32_MAX) {
            fprintf(stderr, "spiral: --regex-%s-limit needs a number from 1 to %lu, not '%s'\n",
                    c == 'G' ? "match" : "depth", (unsigned long)UINT32_MAX, arg);
            return -1;
        }
        if (c == 'G')
            o->session.regex_match_limit = (uint32_t)v;
        else
            o->session.regex_depth_limit = (uint32_t)v;
        return 1;
    }
    case 'J': {
        char *end;
        unsigned long v;

        errno = 0;
        v = strtoul(arg, &end, 10);
        if (errno || end == arg || *end != '\0' || v > UINT32_MAX || arg[0] == '-') {
            fprintf(stderr, "spiral: --regex-time-limit needs milliseconds (0: none), not '%s'\n",
                    arg);
            return -1;
        }
        o->session.regex_time_limit = (uint32_t)v;
        return 1;
    }
    case 'o':
        o->output = arg;
        return 1;
    case 'A':
        o->speaker = arg;
        return 1;
    case 'R': {
        const char **n = realloc(o->extra_actors, sizeof *n * (size_t)(o->nactors + 1));

        if (n == NULL) {
            fprintf(stderr, "spiral: out of memory\n");
            return -1;
        }
        o->extra_actors = n;
        n[o->nactors++] = arg;
        return 1;
    }
    case 'E': {
        const char **n = realloc(o->extra_lexicons, sizeof *n * (size_t)(o->nextra + 1));

        if (n == NULL) {
            fprintf(stderr, "spiral: out of memory\n");
            return -1;
        }
        o->extra_lexicons = n;
        n[o->nextra++] = arg;
        return 1;
    }
    case 'q':
        o->quiet = 1;
        return 1;
    default:
        return 0;
    }
}

/* ------------------------------------------------------------------ */
/* Finding the shipped data                                            */
/* ------------------------------------------------------------------ */

#ifndef SPIRAL_DATADIR
#define SPIRAL_DATADIR "/usr/local/share/spiral"
#endif

/* The directory of the running program, or "." */
static void exe_dir(char *out, size_t n)
{
    ssize_t k = readlink("/proc/self/exe", out, n - 1);
    char *slash;

    if (k <= 0) {
        snprintf(out, n, ".");
        return;
    }
    out[k] = '\0';
    if ((slash = strrchr(out, '/')) != NULL)
        *slash = '\0';
}

static int is_dir_with(const char *dir, const char *sub)
{
    char p[PATH_MAX];

    if (snprintf(p, sizeof p, "%s/%s", dir, sub) >= (int)sizeof p)
        return 0;
    return access(p, R_OK) == 0;
}

/* The default lexicon directory: $SPIRAL_LEXICONS, else next to the
 * program in a build tree, else the installed data directory. */
static const char *find_lexicons(char *buf, size_t n)
{
    static const char *const rel[] = { "/../lexicons", "/../../lexicons",
                                       "/../share/spiral/lexicons", NULL };
    const char *env = getenv("SPIRAL_LEXICONS");
    char dir[PATH_MAX / 2];
    size_t i;

    if (env && *env)
        return env;
    exe_dir(dir, sizeof dir);
    for (i = 0; rel[i]; i++) {
        if (snprintf(buf, n, "%s%s", dir, rel[i]) >= (int)n)
            continue;
        if (is_dir_with(buf, "en") || is_dir_with(buf, "zh"))
            return buf;
    }
    snprintf(buf, n, "%s/lexicons", SPIRAL_DATADIR);
    return buf;
}

static const char *find_dict(char *buf, size_t n)
{
    static const char *const rel[] = { "/zh.dict", "/../zh.dict",
                                       "/../share/spiral/zh.dict", NULL };
    const char *env = getenv("SPIRAL_DICT");
    char dir[PATH_MAX / 2];
    size_t i;

    if (env && *env)
        return env;
    exe_dir(dir, sizeof dir);
    for (i = 0; rel[i]; i++) {
        if (snprintf(buf, n, "%s%s", dir, rel[i]) >= (int)n)
            continue;
        if (access(buf, R_OK) == 0)
            return buf;
    }
    snprintf(buf, n, "%s/zh.dict", SPIRAL_DATADIR);
    return access(buf, R_OK) == 0 ? buf : NULL;
}

/* ------------------------------------------------------------------ */
/* Reports                                                             */
/* ------------------------------------------------------------------ */

void cli_format_report(char *buf, size_t n, const spiral_error *err, const char *what)
{
    const char *file = err->file[0] ? err->file : "spiral";

    if (err->line && err->column)
        snprintf(buf, n, "%s:%lu:%lu: %s: %s\n", file, err->line, err->column, what, err->message);
    else if (err->line)
        snprintf(buf, n, "%s:%lu: %s: %s\n", file, err->line, what, err->message);
    else
        snprintf(buf, n, "%s: %s: %s\n", file, what, err->message);
}

void cli_report(const spiral_error *err, const char *what)
{
    char line[1024];

    cli_format_report(line, sizeof line, err, what);
    fputs(line, stderr);
}

/* The directory of the compiled lexicon cache: $SPIRAL_CACHE_DIR, else
 * $XDG_CACHE_HOME/spiral, else $HOME/.cache/spiral; NULL for none
 * (--no-cache, SPIRAL_NO_CACHE set to anything but 0 or empty, or no home). */
static const char *cache_dir(const cli_opts *o, char *buf, size_t n)
{
    const char *env;

    if (o->no_cache || ((env = getenv("SPIRAL_NO_CACHE")) != NULL && env[0] != '\0' &&
                        strcmp(env, "0") != 0))
        return NULL;
    if ((env = getenv("SPIRAL_CACHE_DIR")) != NULL && env[0] != '\0')
        return env;
    if ((env = getenv("XDG_CACHE_HOME")) != NULL && env[0] == '/')
        return snprintf(buf, n, "%s/spiral", env) < (int)n ? buf : NULL;
    if ((env = getenv("HOME")) != NULL && env[0] == '/')
        return snprintf(buf, n, "%s/.cache/spiral", env) < (int)n ? buf : NULL;
    return NULL;
}

int cli_load_lexicon(const cli_opts *o, spiral_lexicon **out)
{
    char cachebuf[PATH_MAX];
    char lexbuf[PATH_MAX];
    const char *dir = o->lexicon_dir ? o->lexicon_dir : find_lexicons(lexbuf, sizeof lexbuf);
    spiral_lexicon *lex;
    spiral_error err;
    int i;

    *out = NULL;
    if (spiral_lexicon_new(&lex, &err) < 0) {
        cli_report(&err, "error");
        return CLI_EFILE;
    }
    if (spiral_lexicon_set_cache(lex, cache_dir(o, cachebuf, sizeof cachebuf), &err) < 0 ||
        spiral_lexicon_add_dir(lex, dir, &err) < 0)
        goto fail;
    for (i = 0; i < o->nextra; i++)
        if (spiral_lexicon_add_file(lex, o->extra_lexicons[i], &err) < 0)
            goto fail;
    for (i = 0; i < o->nactors; i++)
        if (spiral_lexicon_add_actors(lex, o->extra_actors[i], &err) < 0)
            goto fail;
    if (spiral_lexicon_seal(lex, &err) < 0)
        goto fail;
    *out = lex;
    return CLI_OK;
fail:
    cli_report(&err, "error");
    spiral_lexicon_free(lex);
    return CLI_EFILE;
}

int cli_env_open(cli_env *env, const cli_opts *o, int need_lexicon)
{
    char dictbuf[PATH_MAX];
    const char *dictpath;
    spiral_error err;

    memset(env, 0, sizeof *env);
    env->o = o;
    env->out = stdout;
    spiral_global_init();
    dictpath = o->dict_path ? o->dict_path : find_dict(dictbuf, sizeof dictbuf);
    if (dictpath == NULL) {
        if (!o->quiet)
            fprintf(stderr, "spiral: warning: no Chinese dictionary found (build it with "
                            "`make`, or give --dict); Chinese is split into characters\n");
    } else if (spiral_dict_load(&env->dict, dictpath, &err) < 0) {
        cli_report(&err, "error");
        return CLI_EFILE;
    }
    if (need_lexicon && cli_load_lexicon(o, &env->lex) != CLI_OK) {
        spiral_dict_free(env->dict);
        env->dict = NULL;
        return CLI_EFILE;
    }
    if (o->output && strcmp(o->output, "-") != 0) {
        size_t n = strlen(o->output) + 32;
        struct stat st;

        /* A device, FIFO or socket (-o /dev/stdout, a pipe) is written as it
         * is: renaming a temporary file over it would replace it. */
        if (stat(o->output, &st) == 0 && !S_ISREG(st.st_mode)) {
            if ((env->out = fopen(o->output, "wb")) == NULL) {
                fprintf(stderr, "%s: error: cannot write: %s\n", o->output, strerror(errno));
                env->out = stdout;
                goto fail;
            }
            return CLI_OK;
        }
        if ((env->out_tmp = malloc(n)) == NULL) {
            fprintf(stderr, "spiral: out of memory\n");
            goto fail;
        }
        snprintf(env->out_tmp, n, "%s.tmp.%ld", o->output, (long)getpid());
        if ((env->out = fopen(env->out_tmp, "wb")) == NULL) {
            fprintf(stderr, "%s: error: cannot write: %s\n", o->output, strerror(errno));
            free(env->out_tmp);
            env->out_tmp = NULL;
            env->out = stdout;
            goto fail;
        }
        cli_signals_protect(env->out_tmp);
    }
    return CLI_OK;
fail:
    spiral_lexicon_free(env->lex);
    spiral_dict_free(env->dict);
    env->lex = NULL;
    env->dict = NULL;
    return CLI_EFILE;
}

int cli_env_close(cli_env *env, int status)
{
    int werr = 0;

    if (env->out && fflush(env->out) != 0)
        werr = errno ? errno : EIO;
    if (env->out_tmp) {
        if (fclose(env->out) != 0 && !werr)
            werr = errno ? errno : EIO;
        if (werr || rename(env->out_tmp, env->o->output) != 0) {
            if (!werr)
                werr = errno;
            remove(env->out_tmp);
        }
        cli_signals_release();
        free(env->out_tmp);
    } else if (env->out && env->out != stdout && fclose(env->out) != 0 && !werr) {
        werr = errno ? errno : EIO;
    }
    if (werr) {
        fprintf(stderr, "%s: error: write failed: %s\n",
                env->o->output ? env->o->output : "<stdout>", strerror(werr));
        status = CLI_EFILE;
    }
    if (!env->o->quiet) {
        fprintf(stderr, "spiral: %lu statements read, %lu written, %lu rejected",
                env->read, env->written, env->rejected);
        if (env->blank)
            fprintf(stderr, " (%lu blank lines ignored)", env->blank);
        if (env->duplicates)
            fprintf(stderr, ", %lu duplicate%s dropped", env->duplicates,
                    env->duplicates == 1 ? "" : "s");
        if (env->warnings)
            fprintf(stderr, ", %lu warning%s", env->warnings, env->warnings == 1 ? "" : "s");
        if (env->files_failed)
            fprintf(stderr, "; %lu file%s could not be read", env->files_failed,
                    env->files_failed == 1 ? "" : "s");
        if (env->regex_limited)
            fprintf(stderr, "; %lu regular-expression search%s stopped by "
                            "a --regex-*-limit", env->regex_limited,
                    env->regex_limited == 1 ? "" : "es");
        fputc('\n', stderr);
    }
    if (env->dups_unchecked)
        fprintf(stderr, "spiral: warning: duplicate detection remembers %lu distinct statements "
                        "(memory stays bounded); %lu statements after that were written without "
                        "being checked for copies (--keep-duplicates turns detection off)\n",
                (unsigned long)((size_t)1 << 19), env->dups_unchecked);
    spiral_lexicon_free(env->lex);
    spiral_dict_free(env->dict);
    spiral_global_cleanup();
    return status;
}

/* ------------------------------------------------------------------ */
/* The loop                                                            */
/* ------------------------------------------------------------------ */

/* Duplicates: a hash set of 64-bit fingerprints of normalised texts (open
 * addressing, 16 bytes a distinct statement), with how many copies the
 * first pass over regular files counted and whether one was written. */
typedef struct cli_dup {
    uint64_t fp;        /* 0: empty slot (a fingerprint of 0 is stored as 1) */
    uint32_t count;     /* copies counted in the first pass (0: not counted) */
    uint32_t written;
} cli_dup;

/* Duplicate detection remembers at most this many distinct statements
 * (16 bytes each, at most half the slots used: 16 MiB), so memory stays
 * bounded whatever the input; statements past it are written unchecked and
 * counted (the summary says how many). */
#define DUP_MAX_DISTINCT ((size_t)1 << 19)
/* The table of statements a changed file brought (at most 2 MiB). */
#define DUP_MAX_LATE ((size_t)1 << 16)

struct cli_dups {
    cli_dup *slot;
    size_t cap, n;
    cli_dup full;            /* returned, untouched, when the table is full */
    unsigned long unchecked; /* statements not checked because of that */
    struct cli_dups *late;   /* counted: statements the first pass did not
                                see (the file changed), kept apart */
    size_t max;              /* distinct statements it holds at most */
};

/* The slot of fp, never adding one (NULL when absent). */
static cli_dup *dup_find(const struct cli_dups *d, uint64_t fp)
{
    size_t i;

    if (fp == 0)
        fp = 1;
    if (d == NULL || d->cap == 0)
        return NULL;
    for (i = (size_t)(fp & (d->cap - 1)); d->slot[i].fp; i = (i + 1) & (d->cap - 1))
        if (d->slot[i].fp == fp)
            return &d->slot[i];
    return NULL;
}

/* The entry of fp, added when absent; &d->full when the table is full and
 * fp is not in it.  NULL when out of memory. */
static cli_dup *dup_get(struct cli_dups *d, uint64_t fp)
{
    size_t i;

    if (fp == 0)
        fp = 1;
    if (d->n >= d->max) {
        cli_dup *f = dup_find(d, fp);

        if (f != NULL)
            return f;
        memset(&d->full, 0, sizeof d->full);
        return &d->full;
    }
    if (2 * (d->n + 1) > d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 1024, j;
        cli_dup *n = calloc(cap, sizeof *n);

        if (n == NULL)
            return NULL;
        for (j = 0; j < d->cap; j++) {
            if (d->slot[j].fp == 0)
                continue;
            for (i = (size_t)(d->slot[j].fp & (cap - 1)); n[i].fp; i = (i + 1) & (cap - 1))
                ;
            n[i] = d->slot[j];
        }
        free(d->slot);
        d->slot = n;
        d->cap = cap;
    }
    for (i = (size_t)(fp & (d->cap - 1)); d->slot[i].fp; i = (i + 1) & (d->cap - 1))
        if (d->slot[i].fp == fp)
            return &d->slot[i];
    d->slot[i].fp = fp;
    d->n++;
    return &d->slot[i];
}

static void on_warning(const spiral_error *w, void *payload)
{
    cli_env *env = payload;

    env->warnings++;
    cli_report(w, "warning");
}

void cli_read_opts(cli_env *env, spiral_read_opts *out)
{
    *out = env->o->read;
    out->warn = on_warning;
    out->warn_payload = env;
}

/* Whether path is a regular file, which can be read twice. */
static int regular_file(const char *path)
{
    struct stat sb;

    return strcmp(path, "-") != 0 && stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* The first pass: count the copies of every statement in the regular
 * files (standard input and pipes cannot be read twice: there the first
 * copy is written when met, without "copies", and later ones dropped).
 * Errors are left to the second pass to report. */
static int count_copies(cli_env *env, int nfiles, char **files)
{
    const spiral_record *rec;
    spiral_reader *r;
    spiral_error err;
    uint64_t fp;
    int i, rc;

    for (i = 0; i < nfiles; i++) {
        if (!regular_file(files[i]) ||
            spiral_reader_open(&r, files[i], &env->o->read, &err) < 0)
            continue;
        while ((rc = spiral_reader_next(r, &rec, &err)) != 0) {
            if (rc == SPIRAL_EIO)
                break;
            if (rc < 0 || spiral_text_fingerprint(&fp, rec->text, rec->text_len) < 0)
                continue;
            if (cli_dups_count(env, fp) < 0) {
                spiral_reader_free(r);
                return -1;
            }
        }
        spiral_reader_free(r);
    }
    return 0;
}

int cli_dups_all_regular(int nfiles, char **files)
{
    int i;

    for (i = 0; i < nfiles; i++)
        if (!regular_file(files[i]))
            return 0;
    return 1;
}

int cli_dups_begin(cli_env *env, int nfiles, char **files, int count)
{
    if (env->o->keep_duplicates)
        return 0;
    if ((env->dups = calloc(1, sizeof *env->dups)) == NULL ||
        (env->dups->max = DUP_MAX_DISTINCT, count && count_copies(env, nfiles, files) < 0)) {
        fprintf(stderr, "spiral: error: out of memory\n");
        cli_dups_end(env);
        return -1;
    }
    return 0;
}

int cli_dups_count(cli_env *env, uint64_t fp)
{
    cli_dup *d = dup_get(env->dups, fp);

    if (d == NULL)
        return -1;
    if (d != &env->dups->full && d->count < UINT32_MAX)
        d->count++;
    return 0;
}

unsigned long cli_dups_copies(const cli_env *env, uint64_t fp)
{
    const cli_dup *d = dup_find(env->dups, fp);

    return d != NULL ? d->count : 0;
}

int cli_dups_check_fp(cli_env *env, uint64_t fp, int counted, unsigned long *copies)
{
    cli_dup *d;

    *copies = 0;
    /* Counted: other threads read the table, which must not change.  A
     * statement the first pass did not see, because the file changed
     * since, goes to a table of its own (its copies then are not counted);
     * when the first pass filled the table, it is written unchecked. */
    if (counted && (d = dup_find(env->dups, fp)) == NULL) {
        struct cli_dups *late = env->dups->late;

        if (env->dups->n >= env->dups->max)
            d = &env->dups->full;
        else if ((late == NULL && (late = env->dups->late = calloc(1, sizeof *late)) == NULL) ||
                 (late->max = DUP_MAX_LATE, d = dup_get(late, fp)) == NULL) {
            fprintf(stderr, "spiral: error: out of memory\n");
            return -1;
        } else if (d == &late->full) {
            d = &env->dups->full;
        }
    } else if (!counted && (d = dup_get(env->dups, fp)) == NULL) {
        fprintf(stderr, "spiral: error: out of memory\n");
        return -1;
    }
    if (d == &env->dups->full) {
        env->dups->unchecked++;
        env->dups_unchecked++;
        return 1;
    }
    if (d->written) {
        env->duplicates++;
        return 0;
    }
    d->written = 1;
    *copies = d->count;
    return 1;
}

int cli_dups_check(cli_env *env, const spiral_record *rec, unsigned long *copies)
{
    uint64_t fp;

    *copies = 0;
    if (env->dups == NULL || spiral_text_fingerprint(&fp, rec->text, rec->text_len) < 0)
        return 1;
    return cli_dups_check_fp(env, fp, 0, copies);
}

void cli_dups_end(cli_env *env)
{
    if (env->dups && env->dups->late)
        free(env->dups->late->slot);
    if (env->dups) {
        free(env->dups->late);
        free(env->dups->slot);
    }
    free(env->dups);
    env->dups = NULL;
}

static int run_file(cli_env *env, spiral_session *s, const char *path,
                    cli_record_fn fn, void *payload)
{
    spiral_read_opts ro;
    spiral_reader *r;
    const spiral_record *rec;
    spiral_record copy;
    const spiral_doc *doc;
    spiral_context ctx = SPIRAL_CONTEXT_INIT;
    spiral_error err;
    unsigned long before = env->read, copies;
    int rc;

    cli_read_opts(env, &ro);
    if (spiral_reader_open(&r, path, &ro, &err) < 0) {
        cli_report(&err, "error");
        env->files_failed++;
        return 0;
    }
    for (;;) {
        rc = spiral_reader_next(r, &rec, &err);
        if (rc == 0)
            break;
        env->read++;
        if (rc < 0) {
            cli_report(&err, "error");
            env->rejected++;
            if (rc == SPIRAL_EIO)
                break;
            continue;
        }
        if ((rc = cli_dups_check(env, rec, &copies)) <= 0) {
            if (rc == 0)
                continue; /* a copy was written */
            spiral_reader_free(r);
            return -1;
        }
        copy = *rec;
        copy.copies = copies;
        rec = &copy;
        ctx.lang = env->o->lang ? env->o->lang : rec->lang;
        ctx.date = rec->date;
        ctx.actor = rec->actor;
        ctx.speaker = env->o->speaker;
        ctx.target = rec->target;
        rc = spiral_session_analyze_ctx(s, rec->text, rec->text_len, &ctx, &doc, &err);
        if (rc < 0) {
            snprintf(err.file, sizeof err.file, "%s", rec->file);
            err.line = rec->line;
            cli_report(&err, "error");
            env->rejected++;
            continue;
        }
        if (spiral_doc_regex_limited(doc) > 0) {
            env->regex_limited += spiral_doc_regex_limited(doc);
            if (!env->o->quiet)
                fprintf(stderr, "%s:%lu: warning: %lu regular-expression search%s stopped by "
                                "the match, depth or time limit (--regex-*-limit); "
                                "matches may be missing\n",
                        rec->file, rec->line, spiral_doc_regex_limited(doc),
                        spiral_doc_regex_limited(doc) == 1 ? "" : "es");
        }
        if ((rc = fn(env, rec, doc, payload)) < 0) {
            fprintf(stderr, "spiral: error: cannot write output: %s\n", spiral_strerror(rc));
            spiral_reader_free(r);
            return -1;
        }
        env->written++;
    }
    env->blank += spiral_reader_blank_lines(r);
    if (env->read == before && spiral_reader_blank_lines(r) == 0 && !env->o->quiet)
        fprintf(stderr, "%s: warning: empty input, no statements\n",
                strcmp(path, "-") == 0 ? "<stdin>" : path);
    spiral_reader_free(r);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int cli_inputs(cli_env *env, int nfiles, char **files, char ***out)
{
    char **list = NULL, **n;
    size_t cap = 0, len = 0, first;
    struct stat sb;
    int i;

    for (i = 0; i < nfiles; i++) {
        DIR *dir;
        struct dirent *e;

        if (strcmp(files[i], "-") == 0 || stat(files[i], &sb) != 0 || !S_ISDIR(sb.st_mode)) {
            if (len == cap) {
                cap = cap ? cap * 2 : 16;
                if ((n = realloc(list, cap * sizeof *n)) == NULL)
                    goto nomem;
                list = n;
            }
            if ((list[len] = strdup(files[i])) == NULL)
                goto nomem;
            len++;
            continue;
        }
        if ((dir = opendir(files[i])) == NULL) {
            fprintf(stderr, "%s: error: cannot read directory: %s\n", files[i], strerror(errno));
            env->files_failed++;
            continue;
        }
        first = len;
        while ((e = readdir(dir)) != NULL) {
            size_t k = strlen(files[i]) + strlen(e->d_name) + 2;
            char *p;

            if (e->d_name[0] == '.')
                continue;
            if ((p = malloc(k)) == NULL) {
                closedir(dir);
                goto nomem;
            }
            snprintf(p, k, "%s%s%s", files[i],
                     files[i][strlen(files[i]) - 1] == '/' ? "" : "/", e->d_name);
            if (stat(p, &sb) != 0 || !S_ISREG(sb.st_mode)) {
                free(p);
                continue;
            }
            if (len == cap) {
                cap = cap ? cap * 2 : 16;
                if ((n = realloc(list, cap * sizeof *n)) == NULL) {
                    free(p);
                    closedir(dir);
                    goto nomem;
                }
                list = n;
            }
            list[len++] = p;
        }
        closedir(dir);
        qsort(list + first, len - first, sizeof *list, by_name);
        if (len == first && !env->o->quiet)
            fprintf(stderr, "%s: warning: directory holds no files\n", files[i]);
    }
    *out = list;
    return (int)len;
nomem:
    while (len > 0)
        free(list[--len]);
    free(list);
    *out = NULL;
    fprintf(stderr, "spiral: error: out of memory\n");
    return -1;
}

void cli_inputs_free(char **list, int n)
{
    while (n > 0)
        free(list[--n]);
    free(list);
}

int cli_run(cli_env *env, int nfiles, char **files, cli_record_fn fn, void *payload)
{
    static char dash[] = "-";
    char *stdin_only[1] = { dash };
    char **list = NULL;
    spiral_session *s;
    spiral_error err;
    int i, n, status;

    if (nfiles == 0) {
        files = stdin_only;
        nfiles = 1;
    }
    if ((n = cli_inputs(env, nfiles, files, &list)) < 0)
        return CLI_EFILE;
    if (spiral_session_new(&s, env->dict, env->lex, &env->o->session, &err) < 0) {
        cli_report(&err, "error");
        status = CLI_NOTHING;
        goto done;
    }
    if (cli_dups_begin(env, n, list, 1) < 0) {
        spiral_session_free(s);
        status = CLI_EFILE;
        goto done;
    }
    for (i = 0; i < n; i++)
        if (run_file(env, s, list[i], fn, payload) < 0)
            break;
    spiral_session_free(s);
    if (env->files_failed)
        status = CLI_EFILE;
    else
        status = env->written > 0 ? CLI_OK : CLI_NOTHING;
done:
    cli_dups_end(env);
    cli_inputs_free(list, n);
    return status;
}
