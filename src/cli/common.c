/*
 * common.c - what the reading commands share: options, finding the shipped
 * lexicons and dictionary, the read-analyse-write loop, error reports, the
 * summary, and output written atomically.
 */
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
        else if (strcmp(arg, "auto") == 0)
            o->read.format = SPIRAL_FORMAT_AUTO;
        else {
            fprintf(stderr, "spiral: unknown format '%s' (jsonl, lines, doc, auto)\n", arg);
            return -1;
        }
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

void cli_report(const spiral_error *err, const char *what)
{
    const char *file = err->file[0] ? err->file : "spiral";

    if (err->line && err->column)
        fprintf(stderr, "%s:%lu:%lu: %s: %s\n", file, err->line, err->column, what, err->message);
    else if (err->line)
        fprintf(stderr, "%s:%lu: %s: %s\n", file, err->line, what, err->message);
    else
        fprintf(stderr, "%s: %s: %s\n", file, what, err->message);
}

int cli_load_lexicon(const cli_opts *o, spiral_lexicon **out)
{
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
    if (spiral_lexicon_add_dir(lex, dir, &err) < 0)
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
        if (env->files_failed)
            fprintf(stderr, "; %lu file%s could not be read", env->files_failed,
                    env->files_failed == 1 ? "" : "s");
        if (env->regex_limited)
            fprintf(stderr, "; %lu regular-expression search%s stopped by "
                            "a --regex-*-limit", env->regex_limited,
                    env->regex_limited == 1 ? "" : "es");
        fputc('\n', stderr);
    }
    spiral_lexicon_free(env->lex);
    spiral_dict_free(env->dict);
    return status;
}

/* ------------------------------------------------------------------ */
/* The loop                                                            */
/* ------------------------------------------------------------------ */

static int run_file(cli_env *env, spiral_session *s, const char *path,
                    cli_record_fn fn, void *payload)
{
    spiral_reader *r;
    const spiral_record *rec;
    const spiral_doc *doc;
    spiral_context ctx = SPIRAL_CONTEXT_INIT;
    spiral_error err;
    unsigned long before = env->read;
    int rc;

    if (spiral_reader_open(&r, path, &env->o->read, &err) < 0) {
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

int cli_run(cli_env *env, int nfiles, char **files, cli_record_fn fn, void *payload)
{
    static char dash[] = "-";
    char *stdin_only[1] = { dash };
    spiral_session *s;
    spiral_error err;
    int i;

    if (nfiles == 0) {
        files = stdin_only;
        nfiles = 1;
    }
    if (spiral_session_new(&s, env->dict, env->lex, &env->o->session, &err) < 0) {
        cli_report(&err, "error");
        return CLI_NOTHING;
    }
    for (i = 0; i < nfiles; i++)
        if (run_file(env, s, files[i], fn, payload) < 0)
            break;
    spiral_session_free(s);
    if (env->files_failed)
        return CLI_EFILE;
    return env->written > 0 ? CLI_OK : CLI_NOTHING;
}
