/*
 * report.c - `spiral report`: one self-contained HTML page (inline SVG, no
 * scripts, nothing from the network) of the tracked pairs, from a store or
 * from statement files; --svg writes each pair's chart alone.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char report_usage[] =
    "Usage: spiral report [OPTION]... [--db FILE | FILE...]\n"
    "Write one self-contained HTML page (inline SVG charts, no scripts, no fonts\n"
    "or anything else from the network) with, for each pair, both directions'\n"
    "hostility over time, the spiral score, the escalation and de-escalation\n"
    "episodes shaded, and for each peak the statements and hits that drove it.\n"
    "The statements come from the store (--db, with the options it was last\n"
    "tracked with) or from FILEs (scored or raw, as for `spiral track`).\n"
    "\n"
    "  -o, --output FILE     the HTML page (default: standard output)\n"
    "      --svg DIR         also write each pair's chart to DIR/A-B.svg\n"
    "      --title TEXT      the page title (default \"spiral report\")\n"
    "      --max-dyads N     one-sided dyads charted, busiest first (default 12)\n"
    "      --db FILE         read the statements from this store (read only)\n"
    "      --period P, --max-lag K, --smooth W, --threshold H, --exclude FIELD\n"
    "                        as for `spiral track`\n"
    "\n";

static const char report_usage_tail[] =
    "  -h, --help            show this help\n";

static int write_svgs(cli_outs *outs, const spiral_tracker *t, const char *dir)
{
    char path[PATH_MAX];
    size_t i;

    if (cli_mkdir(dir) < 0)
        return -1;
    for (i = 0; i < spiral_tracker_npairs(t); i++) {
        const spiral_pair *p = spiral_tracker_pair(t, i);
        FILE *f;

        snprintf(path, sizeof path, "%s/%s-%s.svg", dir, p->a, p->b);
        if ((f = cli_out_open(outs, path)) == NULL)
            return -1;
        if (spiral_report_write_svg(f, t, i) < 0) {
            fprintf(stderr, "%s: error: write failed\n", path);
            return -1;
        }
        if (cli_interrupted())
            return -1;
    }
    return 0;
}

int cmd_report(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_COMMON_LONGOPTS,
        { "period", required_argument, NULL, 'p' },
        { "max-lag", required_argument, NULL, 'K' },
        { "smooth", required_argument, NULL, 'S' },
        { "threshold", required_argument, NULL, 'H' },
        { "exclude", required_argument, NULL, 'x' },
        { "db", required_argument, NULL, 'd' },
        { "svg", required_argument, NULL, 'g' },
        { "title", required_argument, NULL, 'y' },
        { "max-dyads", required_argument, NULL, 'm' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    spiral_report_opts ro = SPIRAL_REPORT_OPTS_INIT;
    const char *svg_dir = NULL;
    spiral_tracker *t = NULL;
    cli_outs outs;
    cli_track c;
    FILE *f = stdout;
    int opt, rc;

    cli_track_init(&c);
    memset(&outs, 0, sizeof outs);
    optind = 1;
    while ((opt = getopt_long(argc, argv, "f:o:qh", longopts, NULL)) != -1) {
        if (opt == 'h') {
            fputs(report_usage, stdout);
            fputs(CLI_COMMON_HELP, stdout);
            fputs(report_usage_tail, stdout);
            cli_track_free(&c);
            return CLI_OK;
        }
        if (opt == 'g') {
            svg_dir = optarg;
            continue;
        }
        if (opt == 'y') {
            ro.title = optarg;
            continue;
        }
        if (opt == 'm') {
            char *end;
            unsigned long v = strtoul(optarg, &end, 10);

            if (*optarg == '\0' || *end || v > 10000) {
                fprintf(stderr, "spiral: --max-dyads takes 0 to 10000, not '%s'\n", optarg);
                cli_track_free(&c);
                return CLI_EFILE;
            }
            ro.max_dyads = (unsigned)v;
            continue;
        }
        rc = cli_track_option(&c, opt, optarg);
        if (rc <= 0) {
            if (rc == 0)
                fputs("Try 'spiral report --help'.\n", stderr);
            cli_track_free(&c);
            return CLI_EFILE;
        }
    }
    if (c.db && optind < argc) {
        fputs("spiral: report reads either --db FILE or statement files, not both\n", stderr);
        cli_track_free(&c);
        return CLI_EFILE;
    }
    cli_track_signals();
    rc = cli_track_build(&c, argc - optind, argv + optind, 0, &t);
    if (rc != CLI_OK)
        goto done;
    if (c.o.output && strcmp(c.o.output, "-") != 0 && (f = cli_out_open(&outs, c.o.output)) == NULL)
        goto fail;
    if (spiral_report_write_html(f, t, &ro) < 0) {
        fprintf(stderr, "%s: error: cannot write the report\n",
                c.o.output ? c.o.output : "<stdout>");
        goto fail;
    }
    if (svg_dir && write_svgs(&outs, t, svg_dir) < 0)
        goto fail;
    if (cli_out_close(&outs) < 0 || cli_interrupted())
        goto fail;
    if (cli_out_commit(&outs) < 0 || fflush(stdout) != 0) {
        rc = CLI_EFILE;
        goto done;
    }
    rc = spiral_tracker_statements(t) > 0 ? CLI_OK : CLI_NOTHING;
    if (!c.o.quiet && c.o.output && strcmp(c.o.output, "-") != 0)
        fprintf(stderr, "spiral: report written to %s%s%s\n", c.o.output,
                svg_dir ? ", charts to " : "", svg_dir ? svg_dir : "");
    goto done;
fail:
    cli_out_abort(&outs);
    rc = cli_interrupted() ? cli_interrupt_status() : CLI_EFILE;
done:
    if (cli_interrupted()) {
        cli_out_abort(&outs);
        rc = cli_interrupt_status();
        if (!c.o.quiet)
            fputs("spiral: interrupted: no report written\n", stderr);
    } else
        cli_track_summary(&c, t);
    spiral_tracker_free(t);
    cli_track_free(&c);
    return rc;
}
