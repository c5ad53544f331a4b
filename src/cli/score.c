/*
 * score.c - `spiral score`: threat, reassurance, net, tone and label of
 * each statement with every hit that earned them; --explain for people.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char score_usage[] =
    "Usage: spiral score [OPTION]... [FILE]...\n"
    "Score threat and reassurance in each statement and write one JSON object per\n"
    "statement: the input's id and metadata, lang, tokens, threat, reassurance,\n"
    "net, tone, label and hits (matched text, byte start/end in the original, the\n"
    "lexicon entry as file:line, category, weight, score, and the rules applied:\n"
    "negated, intensified, downtoned, hedged, certain, conditional, question,\n"
    "rhetorical).  README.md (Scores) gives the formulas.\n"
    "\n"
    "      --sentences       add per-sentence scores and hits\n"
    "      --no-hits         leave out the hits (scores only)\n"
    "      --explain         a human-readable view with the hits marked (colour on\n"
    "                        a terminal) instead of JSON\n"
    "      --color WHEN      auto (default), always or never, for --explain\n"
    "  -j, --jobs N          analyse on N threads (default: all cores); output stays\n"
    "                        in input order\n"
    "\n" CLI_COMMON_HELP
    "  -h, --help            show this help\n";

typedef struct score_opts {
    unsigned flags;
    int explain;
    int color;
} score_opts;

static void put_span(FILE *f, const char *s, size_t n)
{
    fwrite(s, 1, n, f);
}

/* The statement with each hit in [brackets] (colour on a terminal), then a
 * line per hit saying why. */
static int explain(FILE *f, const spiral_record *rec, const spiral_doc *doc, int color)
{
    const spiral_hit *hits, *mods;
    spiral_scores sc;
    size_t nhits, nmods, len, i, at = 0;
    const char *text = spiral_doc_text(doc, &len);
    const char *red = color ? "\033[1;31m" : "[", *green = color ? "\033[1;32m" : "[";
    const char *grey = color ? "\033[2m" : "[", *off = color ? "\033[0m" : "]";

    hits = spiral_doc_hits(doc, &nhits);
    mods = spiral_doc_modifiers(doc, &nmods);
    spiral_doc_scores(doc, &sc);
    fprintf(f, "== %s  (%s%s%s)  threat %.2f  reassurance %.2f  tone %+.2f  %s\n",
            rec->id, spiral_doc_lang(doc), spiral_doc_speaker(doc) ? ", speaker " : "",
            spiral_doc_speaker(doc) ? spiral_doc_speaker(doc) : "", sc.threat, sc.reassurance,
            sc.tone, sc.label);
    for (i = 0; i < nhits; i++) {
        const spiral_hit *h = &hits[i];
        const char *c = h->family == 1 ? red : h->family == 2 ? green : grey;

        if (h->start < at)
            continue;
        put_span(f, text + at, h->start - at);
        fputs(c, f);
        put_span(f, text + h->start, h->end - h->start);
        fputs(off, f);
        at = h->end;
    }
    put_span(f, text + at, len - at);
    fputc('\n', f);
    for (i = 0; i < nhits; i++) {
        const spiral_hit *h = &hits[i];
        unsigned bit;
        size_t m;

        fprintf(f, "  %-24s %+6.2f  \"%.*s\"  (%s:%lu, weight %.2f", h->category,
                h->family == 1 ? -h->score : h->score, (int)(h->end - h->start),
                text + h->start, h->entry_file, h->entry_line, h->weight);
        for (bit = 1; bit <= SPIRAL_RULE_RHETORICAL; bit <<= 1)
            if (h->rules & bit)
                fprintf(f, ", %s", spiral_rule_name(bit));
        if (h->target || h->portrayal)
            fprintf(f, ", -> %s%s%s", h->target ? h->target : "?",
                    h->portrayal ? " " : "", h->portrayal ? spiral_portrayal_name(h->portrayal) : "");
        for (m = 0; m < h->nmods && h->mods[m] < nmods; m++) {
            const spiral_hit *mh = &mods[h->mods[m]];

            fprintf(f, "; \"%.*s\" %s", (int)(mh->end - mh->start), text + mh->start,
                    mh->category + strlen("modifier."));
        }
        fputs(")\n", f);
    }
    return ferror(f) ? SPIRAL_EIO : SPIRAL_OK;
}

/* The same for -j N: the JSON line as bytes (1: --explain needs a stream). */
static int format_score(const spiral_record *rec, const spiral_doc *doc, void *payload,
                        const char **data, size_t *len)
{
    score_opts *so = payload;

    if (so->explain)
        return 1;
    return spiral_score_json(rec, doc, so->flags, data, len);
}

/* ... or into the worker's own stream. */
static int emit_score(FILE *f, const spiral_record *rec, const spiral_doc *doc, void *payload)
{
    score_opts *so = payload;

    if (so->explain)
        return explain(f, rec, doc, so->color);
    return spiral_write_score_json(f, rec, doc, so->flags);
}

static int write_score(cli_env *env, const spiral_record *rec, const spiral_doc *doc,
                       void *payload)
{
    score_opts *so = payload;

    if (so->explain)
        return explain(env->out, rec, doc, so->color);
    return spiral_write_score_json(env->out, rec, doc, so->flags);
}

int cmd_score(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_COMMON_LONGOPTS,
        { "sentences", no_argument, NULL, 's' },
        { "no-hits", no_argument, NULL, 'n' },
        { "explain", no_argument, NULL, 'x' },
        { "color", required_argument, NULL, 'c' },
        { "colour", required_argument, NULL, 'c' },
        { "jobs", required_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    score_opts so = { SPIRAL_EMIT_HITS, 0, -1 };
    int jobs = cli_default_jobs();
    cli_opts o;
    cli_env env;
    int c, rc;

    cli_opts_init(&o);
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:qhj:", longopts, NULL)) != -1) {
        switch (c) {
        case 'j':
            if ((jobs = atoi(optarg)) < 1 || jobs > 256) {
                fprintf(stderr, "spiral: -j needs a number of threads from 1 to 256\n");
                cli_opts_free(&o);
                return CLI_EFILE;
            }
            continue;
        case 'h':
            fputs(score_usage, stdout);
            cli_opts_free(&o);
            return CLI_OK;
        case 's':
            so.flags |= SPIRAL_EMIT_SENTENCES;
            continue;
        case 'n':
            so.flags &= ~SPIRAL_EMIT_HITS;
            continue;
        case 'x':
            so.explain = 1;
            continue;
        case 'c':
            so.color = strcmp(optarg, "always") == 0 ? 1 : strcmp(optarg, "never") == 0 ? 0 : -1;
            continue;
        }
        rc = cli_common_option(&o, c, optarg);
        if (rc <= 0) {
            if (rc == 0)
                fputs("Try 'spiral score --help'.\n", stderr);
            cli_opts_free(&o);
            return CLI_EFILE;
        }
    }
    if (o.emit_text)
        so.flags |= SPIRAL_EMIT_TEXT;
    if ((rc = cli_env_open(&env, &o, 1)) != CLI_OK) {
        cli_opts_free(&o);
        return rc;
    }
    if (so.color < 0)
        so.color = env.out == stdout && isatty(STDOUT_FILENO);
    if (jobs > 1 && cli_parallel_ok(&o))
        rc = cli_run_parallel(&env, argc - optind, argv + optind, jobs, format_score, emit_score,
                              &so);
    else
        rc = cli_run(&env, argc - optind, argv + optind, write_score, &so);
    rc = cli_env_close(&env, rc);
    cli_opts_free(&o);
    return rc;
}
