/*
 * score.c - score statements read from standard input through libspiral.
 *
 * One statement a line (blank lines are skipped); for each, one line of
 * tab-separated values goes to standard output:
 *
 *     id  threat  reassurance  tone  label  hits
 *
 * where id is the line number, the scores have four decimals (README:
 * Scores) and hits lists each scoring hit as  category "text" score,
 * joined by "; ".  A line that cannot be analysed (invalid UTF-8, too many
 * tokens) is reported on standard error as <stdin>:LINE: error: ... and
 * the run goes on.
 *
 * Usage: score [LEXICON_DIR [DICT]]
 *
 * LEXICON_DIR defaults to $SPIRAL_LEXICONS, else to the directory the
 * program was built for (-DSPIRAL_EXAMPLE_LEXICONS, e.g. from
 * `pkg-config --variable=lexicondir spiral`); DICT (the compiled Chinese
 * dictionary, zh.dict) to $SPIRAL_DICT, else -DSPIRAL_EXAMPLE_DICT, else
 * none (Chinese is then split into single characters).
 *
 * Build it against an installed spiral:
 *
 *     cc -o score score.c $(pkg-config --cflags --libs spiral) \
 *        -DSPIRAL_EXAMPLE_LEXICONS="\"$(pkg-config --variable=lexicondir spiral)\"" \
 *        -DSPIRAL_EXAMPLE_DICT="\"$(pkg-config --variable=dictfile spiral)\""
 *
 * The shape of every spiral program: load the shared, read-only resources
 * once (dictionary, lexicon), make one session per thread, analyse, read
 * the scores and hits (borrowed from the session until the next analysis),
 * free everything in reverse order.
 */
#define _POSIX_C_SOURCE 200809L /* getline */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <spiral.h>

#ifndef SPIRAL_EXAMPLE_LEXICONS
#define SPIRAL_EXAMPLE_LEXICONS "/usr/local/share/spiral/lexicons"
#endif
#ifndef SPIRAL_EXAMPLE_DICT
#define SPIRAL_EXAMPLE_DICT "/usr/local/share/spiral/zh.dict"
#endif

/* The first of: the argument, the environment variable, the default. */
static const char *pick(int argc, char **argv, int i, const char *env, const char *def)
{
    const char *v;

    if (argc > i && argv[i][0] != '\0')
        return argv[i];
    if ((v = getenv(env)) != NULL && *v != '\0')
        return v;
    return def;
}

/* "file:line: error: message" for err, as the spiral program prints them. */
static void report(const spiral_error *err)
{
    const char *file = err->file[0] ? err->file : "score";

    if (err->line)
        fprintf(stderr, "%s:%lu: error: %s\n", file, err->line, err->message);
    else
        fprintf(stderr, "%s: error: %s\n", file, err->message);
}

/* One output line for the analysis of line number lineno. */
static void print_doc(unsigned long lineno, const spiral_doc *doc)
{
    spiral_scores sc;
    const spiral_hit *hits;
    const char *text;
    size_t nhits, len, i;

    spiral_doc_scores(doc, &sc);
    text = spiral_doc_text(doc, &len);
    hits = spiral_doc_hits(doc, &nhits);
    printf("%lu\t%.4f\t%.4f\t%.4f\t%s\t", lineno, sc.threat, sc.reassurance, sc.tone, sc.label);
    for (i = 0; i < nhits; i++) {
        const spiral_hit *h = &hits[i];

        /* start/end are byte offsets into the text we passed in */
        printf("%s%s \"%.*s\" %.4f", i ? "; " : "", h->category, (int)(h->end - h->start),
               text + h->start, h->score);
    }
    putchar('\n');
}

int main(int argc, char **argv)
{
    const char *lexdir = pick(argc, argv, 1, "SPIRAL_LEXICONS", SPIRAL_EXAMPLE_LEXICONS);
    const char *dictpath = pick(argc, argv, 2, "SPIRAL_DICT", SPIRAL_EXAMPLE_DICT);
    spiral_dict *dict = NULL;
    spiral_lexicon *lex = NULL;
    spiral_session *session = NULL;
    spiral_error err;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    unsigned long lineno = 0, bad = 0;
    int status = 1;

    if (argc > 3) {
        fputs("usage: score [LEXICON_DIR [DICT]] < statements.txt\n", stderr);
        return 2;
    }
    /* Without a dictionary Chinese is split into characters: allowed, but
     * say so, since the Chinese patterns then rarely match. */
    if (spiral_dict_load(&dict, dictpath, &err) < 0) {
        report(&err);
        fprintf(stderr, "score: warning: going on without a Chinese dictionary\n");
    }
    if (spiral_lexicon_load(&lex, lexdir, &err) < 0) {
        report(&err);
        goto done;
    }
    /* A directory without en/ or zh/ loads as an empty lexicon. */
    if (spiral_lexicon_size(lex) == 0) {
        fprintf(stderr, "score: no lexicon entries under %s\n", lexdir);
        goto done;
    }
    if (spiral_session_new(&session, dict, lex, NULL, &err) < 0) {
        report(&err);
        goto done;
    }
    printf("id\tthreat\treassurance\ttone\tlabel\thits\n");
    while ((len = getline(&line, &cap, stdin)) != -1) {
        const spiral_doc *doc;

        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0)
            continue;
        if (spiral_session_analyze(session, line, (size_t)len, NULL, &doc, &err) < 0) {
            /* the library knows no file or line here: we do */
            snprintf(err.file, sizeof err.file, "<stdin>");
            err.line = lineno;
            report(&err);
            bad++;
            continue;
        }
        print_doc(lineno, doc);
    }
    status = ferror(stdin) || fflush(stdout) != 0 ? 1 : 0;
    if (bad)
        fprintf(stderr, "score: %lu line(s) rejected\n", bad);
done:
    free(line);
    spiral_session_free(session);
    spiral_lexicon_free(lex);
    spiral_dict_free(dict);
    return status;
}
