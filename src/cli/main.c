/*
 * main.c - the spiral program: dispatch to a subcommand.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "Usage: spiral COMMAND [OPTION]... [FILE]...\n"
    "Measure threat and reassurance in diplomatic statements (English, Chinese).\n"
    "\n"
    "Commands:\n"
    "  score      threat, reassurance, tone and label of each statement, with the\n"
    "             hits that earned them\n"
    "  compare    how two sides frame themselves and each other\n"
    "  tokens     sentences and tokens of each statement, with byte offsets\n"
    "  lexicon    check lexicon files (lexicon check), count entries (lexicon stats)\n"
    "  eval       agreement with human-labelled gold sentences\n"
    "  track      dyad series per period and the spiral metrics of each pair\n"
    "             (reciprocity, Richardson fit, episodes, spiral score) as JSON,\n"
    "             CSV and a SQLite store\n"
    "  report     one self-contained HTML page (inline SVG) of the tracked pairs\n"
    "\n"
    "Statements are read from FILEs, directories or standard input: JSON Lines\n"
    "(fields id, date, actor, target, lang, title, source, text), plain text (one\n"
    "statement a line, or one a file), HTML pages, RSS/Atom feeds, or CSV/TSV with\n"
    "a header; the format comes from --format, else the extension and content.\n"
    "'spiral COMMAND --help' tells more.\n"
    "\n"
    "Exit status: 0 when at least one statement was processed, 1 when none could\n"
    "be, 2 when a file could not be opened or the command line was wrong, 128 +\n"
    "the signal (130, 143) when interrupted, leaving no --output file behind.  Bad\n"
    "records are reported on standard error as FILE:LINE: error: REASON and the\n"
    "run goes on; a summary counts statements read, written and rejected.\n"
    "\n"
    "  -h, --help     show this help\n"
    "  -V, --version  show the version\n";

int main(int argc, char **argv)
{
    const char *cmd;

    if (argc < 2) {
        fputs(usage, stderr);
        return CLI_EFILE;
    }
    cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return CLI_OK;
    }
    if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
        printf("spiral %s\n", spiral_version());
        return CLI_OK;
    }
    if (strcmp(cmd, "tokens") == 0)
        return cmd_tokens(argc - 1, argv + 1);
    if (strcmp(cmd, "score") == 0)
        return cmd_score(argc - 1, argv + 1);
    if (strcmp(cmd, "compare") == 0)
        return cmd_compare(argc - 1, argv + 1);
    if (strcmp(cmd, "lexicon") == 0)
        return cmd_lexicon(argc - 1, argv + 1);
    if (strcmp(cmd, "eval") == 0)
        return cmd_eval(argc - 1, argv + 1);
    if (strcmp(cmd, "track") == 0)
        return cmd_track(argc - 1, argv + 1);
    if (strcmp(cmd, "report") == 0)
        return cmd_report(argc - 1, argv + 1);
    fprintf(stderr, "spiral: unknown command '%s'\nTry 'spiral --help'.\n", cmd);
    return CLI_EFILE;
}
