/*
 * signals.c - no half-written output when the program is interrupted.
 *
 * Output named with --output is written to a temporary file next to it and
 * renamed into place at the end (common.c).  While such a file is open,
 * SIGINT, SIGTERM and SIGHUP remove it and end the program with status
 * 128 + the signal (130 for SIGINT, 143 for SIGTERM), so an interrupted run
 * leaves neither a partial output nor a stray temporary file.  Only
 * async-signal-safe calls are made in the handler.  A signal that was
 * ignored when the program started (a background job of a shell without job
 * control) stays ignored.
 */
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
#define NSIGS (sizeof sigs / sizeof sigs[0])

static char tmp_path[PATH_MAX];
static volatile sig_atomic_t armed;
static struct sigaction saved[NSIGS];
static int installed[NSIGS];

static void on_signal(int sig)
{
    static const char msg[] = "spiral: interrupted; output not written\n";

    if (armed)
        unlink(tmp_path);
    if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0) {
        /* nothing more can be done */
    }
    _exit(128 + sig);
}

void cli_signals_protect(const char *tmp)
{
    struct sigaction sa;
    size_t i;

    if (strlen(tmp) >= sizeof tmp_path)
        return;
    memcpy(tmp_path, tmp, strlen(tmp) + 1);
    armed = 1;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (i = 0; i < NSIGS; i++) {
        installed[i] = 0;
        if (sigaction(sigs[i], NULL, &saved[i]) != 0 || saved[i].sa_handler == SIG_IGN)
            continue;
        installed[i] = sigaction(sigs[i], &sa, NULL) == 0;
    }
}

void cli_signals_release(void)
{
    size_t i;

    armed = 0;
    for (i = 0; i < NSIGS; i++) {
        if (installed[i])
            sigaction(sigs[i], &saved[i], NULL);
        installed[i] = 0;
    }
}
