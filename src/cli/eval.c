/*
 * eval.c - `spiral eval`: agreement of spiral's scores with human gold.
 *
 * Threat/reassurance gold (columns lang, threat, reassurance, label, text):
 * Spearman rank correlation (ties given their average rank) of threat,
 * reassurance and net against the gold means, label macro-F1 over threat,
 * reassurance, mixed and neutral, and the confusion matrix.
 * CAMEO gold (columns sentence, label, goldstein): Spearman of tone against
 * the Goldstein weight, and sign accuracy on the cooperative and
 * conflictual rows (a tone of exactly 0 has no sign and counts as wrong).
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char eval_usage[] =
    "Usage: spiral eval [--cameo] [--dump FILE] [--lexicon DIR] GOLD.tsv\n"
    "Score the gold sentences and report agreement with the human labels:\n"
    "Spearman rho for threat, reassurance and net, label macro-F1 and the\n"
    "confusion matrix; with --cameo (or a goldstein column), Spearman of tone\n"
    "against the Goldstein weight and the sign accuracy.  --dump writes every\n"
    "row's gold and predicted values as TSV.\n";

static const char *const labels[] = { "threat", "reassurance", "mixed", "neutral" };

static int label_index(const char *l)
{
    int i;

    for (i = 0; i < 4; i++)
        if (strcmp(l, labels[i]) == 0)
            return i;
    return -1;
}

typedef struct rank_item {
    double v;
    size_t i;
} rank_item;

static int rank_cmp(const void *a, const void *b)
{
    double x = ((const rank_item *)a)->v, y = ((const rank_item *)b)->v;

    return x < y ? -1 : x > y;
}

/* Ranks 1..n, ties averaged. */
static int ranks(const double *v, size_t n, double *out)
{
    rank_item *it = malloc(sizeof *it * (n ? n : 1));
    size_t i, j, k;

    if (it == NULL)
        return -1;
    for (i = 0; i < n; i++) {
        it[i].v = v[i];
        it[i].i = i;
    }
    qsort(it, n, sizeof *it, rank_cmp);
    for (i = 0; i < n; i = j) {
        for (j = i + 1; j < n && it[j].v == it[i].v; j++)
            ;
        for (k = i; k < j; k++)
            out[it[k].i] = (double)(i + j + 1) / 2.0;
    }
    free(it);
    return 0;
}

static double pearson(const double *x, const double *y, size_t n)
{
    double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        mx += x[i];
        my += y[i];
    }
    mx /= (double)n;
    my /= (double)n;
    for (i = 0; i < n; i++) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    if (sxx == 0 || syy == 0)
        return NAN;
    return sxy / sqrt(sxx * syy);
}

static double spearman(const double *x, const double *y, size_t n)
{
    double *rx = malloc(sizeof *rx * (n ? n : 1)), *ry = malloc(sizeof *ry * (n ? n : 1));
    double r = NAN;

    if (rx && ry && n > 1 && ranks(x, n, rx) == 0 && ranks(y, n, ry) == 0)
        r = pearson(rx, ry, n);
    free(rx);
    free(ry);
    return r;
}

/* Split line on tabs in place; returns the number of fields (at most max). */
static int split_tabs(char *line, char **f, int max)
{
    int n = 0;

    while (n < max) {
        f[n++] = line;
        if ((line = strchr(line, '\t')) == NULL)
            break;
        *line++ = '\0';
    }
    return n;
}

static int column(char **f, int n, const char *name)
{
    int i;

    for (i = 0; i < n; i++)
        if (strcmp(f[i], name) == 0)
            return i;
    return -1;
}

typedef struct rows {
    double *gt, *gr, *gn, *pt, *pr, *pn, *ptone, *ggold;
    int *glabel, *plabel;
    size_t n, cap;
} rows;

static int rows_push(rows *r)
{
    if (r->n == r->cap) {
        size_t c = r->cap ? r->cap * 2 : 256;
        double **d[] = { &r->gt, &r->gr, &r->gn, &r->pt, &r->pr, &r->pn, &r->ptone, &r->ggold };
        size_t i;

        for (i = 0; i < sizeof d / sizeof d[0]; i++) {
            double *p = realloc(*d[i], sizeof **d[i] * c);

            if (p == NULL)
                return -1;
            *d[i] = p;
        }
        {
            int *a = realloc(r->glabel, sizeof *a * c), *b;

            if (a == NULL)
                return -1;
            r->glabel = a;
            if ((b = realloc(r->plabel, sizeof *b * c)) == NULL)
                return -1;
            r->plabel = b;
        }
        r->cap = c;
    }
    r->n++;
    return 0;
}

static void rows_free(rows *r)
{
    free(r->gt);
    free(r->gr);
    free(r->gn);
    free(r->pt);
    free(r->pr);
    free(r->pn);
    free(r->ptone);
    free(r->ggold);
    free(r->glabel);
    free(r->plabel);
}

static void report_labels(const rows *r)
{
    unsigned long cm[4][4] = { { 0 } };
    double f1sum = 0;
    size_t i;
    int a, b, classes = 0;

    for (i = 0; i < r->n; i++)
        if (r->glabel[i] >= 0 && r->plabel[i] >= 0)
            cm[r->glabel[i]][r->plabel[i]]++;
    for (a = 0; a < 4; a++) {
        unsigned long tp = cm[a][a], fp = 0, fn = 0;
        double p, rc, f;

        for (b = 0; b < 4; b++) {
            if (b != a) {
                fp += cm[b][a];
                fn += cm[a][b];
            }
        }
        if (tp + fn == 0 && tp + fp == 0)
            continue; /* a class absent from gold and predictions */
        p = tp + fp ? (double)tp / (double)(tp + fp) : 0;
        rc = tp + fn ? (double)tp / (double)(tp + fn) : 0;
        f = p + rc > 0 ? 2 * p * rc / (p + rc) : 0;
        printf("  %-12s P %.3f  R %.3f  F1 %.3f  (gold %lu)\n", labels[a], p, rc, f, tp + fn);
        f1sum += f;
        classes++;
    }
    printf("label macro-F1\t%.3f\n", classes ? f1sum / classes : 0.0);
    printf("confusion (rows gold, columns predicted): threat reassurance mixed neutral\n");
    for (a = 0; a < 4; a++)
        printf("  %-12s %6lu %6lu %6lu %6lu\n", labels[a], cm[a][0], cm[a][1], cm[a][2], cm[a][3]);
}

/* The statement's main target: the one its hits give the most weight,
 * MULTI when two or more get at least half of the top one's, NONE when no
 * hit has a target. */
static const char *predicted_target(const spiral_doc *doc)
{
    const spiral_target_share *t;
    size_t n, i, best = 0, close = 0;

    t = spiral_doc_targets(doc, &n);
    if (n == 0)
        return "NONE";
    for (i = 1; i < n; i++)
        if (t[i].threat + t[i].reassurance > t[best].threat + t[best].reassurance)
            best = i;
    for (i = 0; i < n; i++)
        if (strcmp(t[i].target, "UNRESOLVED") != 0 &&
            t[i].threat + t[i].reassurance >= 0.5 * (t[best].threat + t[best].reassurance))
            close++;
    if (close >= 2)
        return "MULTI";
    return strcmp(t[best].target, "UNRESOLVED") == 0 ? "NONE" : t[best].target;
}

int cmd_eval(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "cameo", no_argument, NULL, 'C' },
        { "dump", required_argument, NULL, 'd' },
        { "lexicon", required_argument, NULL, 'X' },
        { "extra-lexicon", required_argument, NULL, 'E' },
        { "dict", required_argument, NULL, 'D' },
        { "no-cache", no_argument, NULL, CLI_OPT_NO_CACHE },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    int c, cameo = 0, rc = CLI_OK, nf, ctext, clang, cthreat, creass, clabel, cgold;
    int cactor, cdate, ctarget;
    unsigned long tgt_n = 0, tgt_ok = 0, tgt_none_ok = 0, tgt_none_n = 0;
    const char *dump = NULL;
    char *line = NULL, *f[64];
    size_t cap = 0;
    FILE *in, *df = NULL;
    cli_opts o;
    cli_env env;
    spiral_session *s = NULL;
    spiral_error err;
    rows r;
    unsigned long lineno = 1, skipped = 0;

    memset(&r, 0, sizeof r);
    cli_opts_init(&o);
    o.quiet = 1;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c == 'h') {
            fputs(eval_usage, stdout);
            cli_opts_free(&o); /* an --extra-lexicon before --help (fuzz_cli) */
            return CLI_OK;
        }
        if (c == 'C')
            cameo = 1;
        else if (c == 'd')
            dump = optarg;
        else if (cli_common_option(&o, c, optarg) <= 0) {
            fputs(eval_usage, stderr);
            cli_opts_free(&o);
            return CLI_EFILE;
        }
    }
    if (optind != argc - 1) {
        fputs(eval_usage, stderr);
        cli_opts_free(&o);
        return CLI_EFILE;
    }
    if ((in = fopen(argv[optind], "r")) == NULL) {
        perror(argv[optind]);
        cli_opts_free(&o);
        return CLI_EFILE;
    }
    if (getline(&line, &cap, in) < 0) {
        fprintf(stderr, "%s: error: empty gold file\n", argv[optind]);
        rc = CLI_EFILE;
        goto done;
    }
    line[strcspn(line, "\r\n")] = '\0';
    nf = split_tabs(line, f, 64);
    cgold = column(f, nf, "goldstein");
    cameo = cameo || cgold >= 0;
    ctext = column(f, nf, cameo ? "sentence" : "text");
    clang = column(f, nf, "lang");
    cthreat = column(f, nf, "threat");
    creass = column(f, nf, "reassurance");
    clabel = column(f, nf, "label");
    cactor = column(f, nf, "actor");
    cdate = column(f, nf, "date");
    ctarget = column(f, nf, "target");
    if (ctext < 0 || (cameo ? cgold < 0 || clabel < 0 : cthreat < 0 || creass < 0 || clabel < 0)) {
        fprintf(stderr, "%s:1: error: missing columns (need %s)\n", argv[optind],
                cameo ? "sentence, label, goldstein" : "text, threat, reassurance, label");
        rc = CLI_EFILE;
        goto done;
    }
    if ((rc = cli_env_open(&env, &o, 1)) != CLI_OK)
        goto done;
    if (spiral_session_new(&s, env.dict, env.lex, NULL, &err) < 0) {
        cli_report(&err, "error");
        rc = cli_env_close(&env, CLI_EFILE);
        goto done;
    }
    if (dump && (df = fopen(dump, "w")) == NULL) {
        perror(dump);
        rc = cli_env_close(&env, CLI_EFILE);
        goto done;
    }
    if (df)
        fprintf(df, cameo ? "row\tgoldstein\tlabel\ttone\tthreat\treassurance\ttext\n"
                          : "row\tg_threat\tg_reass\tg_label\tthreat\treassurance\tlabel\ttext\n");
    while (getline(&line, &cap, in) >= 0) {
        const spiral_doc *doc;
        spiral_scores sc;
        size_t k;

        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        nf = split_tabs(line, f, 64);
        if (nf <= ctext || (!cameo && (nf <= cthreat || nf <= creass || nf <= clabel)) ||
            (cameo && (nf <= cgold || nf <= clabel))) {
            skipped++;
            continue;
        }
        {
            spiral_context ctx = SPIRAL_CONTEXT_INIT;

            ctx.lang = clang >= 0 && nf > clang ? f[clang] : NULL;
            ctx.actor = cactor >= 0 && nf > cactor ? f[cactor] : NULL;
            ctx.date = cdate >= 0 && nf > cdate ? f[cdate] : NULL;
            rc = spiral_session_analyze_ctx(s, f[ctext], strlen(f[ctext]), &ctx, &doc, &err);
        }
        if (rc < 0) {
            rc = CLI_OK;
            err.line = lineno;
            snprintf(err.file, sizeof err.file, "%s", argv[optind]);
            cli_report(&err, "error");
            skipped++;
            continue;
        }
        spiral_doc_scores(doc, &sc);
        if (!cameo && ctarget >= 0 && nf > ctarget && strchr(f[ctarget], '|') == NULL) {
            const char *pred = predicted_target(doc);

            tgt_n++;
            tgt_ok += strcmp(pred, f[ctarget]) == 0;
            if (strcmp(f[ctarget], "NONE") != 0) {
                tgt_none_n++;
                tgt_none_ok += strcmp(pred, f[ctarget]) == 0;
            }
            if (df)
                fprintf(df, "#target\t%lu\t%s\t%s\n", lineno, f[ctarget], pred);
        }
        if (cameo && strcmp(f[clabel], "cooperative") != 0 && strcmp(f[clabel], "conflictual") != 0 &&
            strcmp(f[clabel], "neutral") != 0) {
            skipped++;
            continue;
        }
        if (rows_push(&r) < 0) {
            rc = CLI_NOTHING;
            break;
        }
        k = r.n - 1;
        r.pt[k] = sc.threat;
        r.pr[k] = sc.reassurance;
        r.pn[k] = sc.net;
        r.ptone[k] = sc.tone;
        r.plabel[k] = label_index(sc.label);
        if (cameo) {
            r.ggold[k] = atof(f[cgold]);
            r.glabel[k] = strcmp(f[clabel], "cooperative") == 0 ? 1
                        : strcmp(f[clabel], "conflictual") == 0 ? 0 : 3;
            if (df)
                fprintf(df, "%lu\t%s\t%s\t%.3f\t%.3f\t%.3f\t%s\n", lineno, f[cgold], f[clabel],
                        sc.tone, sc.threat, sc.reassurance, f[ctext]);
        } else {
            r.gt[k] = atof(f[cthreat]);
            r.gr[k] = atof(f[creass]);
            r.gn[k] = r.gr[k] - r.gt[k];
            r.glabel[k] = label_index(f[clabel]);
            if (df)
                fprintf(df, "%lu\t%s\t%s\t%s\t%.3f\t%.3f\t%s\t%s\n", lineno, f[cthreat], f[creass],
                        f[clabel], sc.threat, sc.reassurance, sc.label, f[ctext]);
        }
    }
    printf("gold\t%s\nrows\t%zu\n", argv[optind], r.n);
    if (skipped)
        printf("skipped\t%lu\n", skipped);
    if (cameo) {
        unsigned long n = 0, ok = 0, nonzero = 0;
        size_t i;

        for (i = 0; i < r.n; i++) {
            if (r.glabel[i] == 3)
                continue;
            n++;
            nonzero += r.ptone[i] != 0;
            ok += (r.glabel[i] == 0 && r.ptone[i] < 0) || (r.glabel[i] == 1 && r.ptone[i] > 0);
        }
        printf("spearman tone~goldstein\t%.3f\n", spearman(r.ptone, r.ggold, r.n));
        printf("sign accuracy\t%.3f\t(%lu of %lu cooperative/conflictual rows; %lu with a nonzero tone)\n",
               n ? (double)ok / (double)n : 0.0, ok, n, nonzero);
    } else {
        printf("spearman threat\t%.3f\n", spearman(r.pt, r.gt, r.n));
        printf("spearman reassurance\t%.3f\n", spearman(r.pr, r.gr, r.n));
        printf("spearman net\t%.3f\n", spearman(r.pn, r.gn, r.n));
        report_labels(&r);
        if (tgt_n)
            printf("target accuracy\t%.3f\t(%lu of %lu rows where the annotators agree; "
                   "%.3f on the %lu with a named target)\n",
                   (double)tgt_ok / (double)tgt_n, tgt_ok, tgt_n,
                   tgt_none_n ? (double)tgt_none_ok / (double)tgt_none_n : 0.0, tgt_none_n);
    }
    rc = cli_env_close(&env, rc);
done:
    if (df)
        fclose(df);
    spiral_session_free(s);
    rows_free(&r);
    free(line);
    fclose(in);
    cli_opts_free(&o);
    return rc;
}
