/*
 * test_store.c - the SQLite store: schema and version, appending without
 * duplicates, updates, rollback, the series written in the same
 * transaction, and interrupted runs (a child killed by SIGINT in the
 * middle of a write, through the library and through `spiral track`)
 * leaving the store with whole runs only.
 */
#define _DEFAULT_SOURCE 1 /* mkdtemp */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "spiral.h"
#include "suites.h"

#ifndef SPIRAL_BUILD_DIR
#define SPIRAL_BUILD_DIR "build"
#endif

static char dir[64];

/* In a child about to exec: its output to /dev/null. */
static void quiet_child(void)
{
    int fd = open("/dev/null", O_WRONLY);

    if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
        close(fd);
    }
}

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/spiral-store-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void remove_dir(void)
{
    char cmd[128];

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static const char *path_in(const char *name)
{
    static char p[8][128];
    static int k;

    k = (k + 1) & 7;
    snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
    return p[k];
}

/* The integer result of a query on the file at path. */
static long long query(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *q;
    long long v = -1;

    ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK, "%s: %s", sql,
                  sqlite3_errmsg(db));
    if (sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return v;
}

static const char *query_text(const char *path, const char *sql)
{
    static char out[256];
    sqlite3 *db;
    sqlite3_stmt *q;

    out[0] = '\0';
    ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
        snprintf(out, sizeof out, "%s", (const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    sqlite3_close(db);
    return out;
}

static spiral_statement stmt(const char *id, const char *date, const char *actor,
                             const char *target, double threat, double reassurance)
{
    spiral_statement st;

    memset(&st, 0, sizeof st);
    st.id = id;
    st.date = date;
    st.actor = actor;
    st.target = target;
    st.threat = threat;
    st.reassurance = reassurance;
    st.net = reassurance - threat;
    st.tone = 10.0 * (reassurance - threat) / (reassurance + threat + 2.0);
    st.file = "t";
    st.line = 1;
    return st;
}

static spiral_stmt_hit hits2[2] = {
    { "serious consequences", "threat.warning", "en/threat.tsv:1", NULL, NULL, 2, 2, 0, 20, 0 },
    { "dialogue", "reassurance.dialogue", "en/reassurance.tsv:1", NULL, NULL, 1, 1, 30, 38, 0 },
};

/* One run of `track --db`: put, load, finish, save, commit. */
static void run(const char *db, const spiral_statement *sts, size_t n, int *counts)
{
    spiral_store *s;
    spiral_tracker *t;
    spiral_error err;
    size_t i;

    ck_assert_int_eq(spiral_store_open(&s, db, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_tracker_new(&t, NULL, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_store_begin(s, &err), SPIRAL_OK);
    for (i = 0; i < n; i++) {
        int rc = spiral_store_put(s, &sts[i], &err);

        ck_assert_msg(rc >= 0, "%s", err.message);
        counts[rc]++;
    }
    ck_assert_int_eq(spiral_store_load(s, t, NULL, NULL, NULL, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_tracker_finish(t, &err), SPIRAL_OK);
    ck_assert_msg(spiral_store_save_series(s, t, &err) == SPIRAL_OK, "%s", err.message);
    ck_assert_int_eq(spiral_store_commit(s, &err), SPIRAL_OK);
    spiral_tracker_free(t);
    spiral_store_free(s);
}

START_TEST(schema_and_version)
{
    const char *db;
    spiral_store *s;
    spiral_error err;
    spiral_track_opts o = SPIRAL_TRACK_OPTS_INIT;

    make_dir();
    db = path_in("s.db");
    ck_assert_int_eq(spiral_store_open(&s, db, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_store_count(s), 0);
    ck_assert_int_eq(spiral_store_settings(s, &o, &err), 0);
    spiral_store_free(s);
    ck_assert_int_eq(query(db, "SELECT version FROM schema_version"), 1);
    ck_assert_int_eq(query(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN"
                               " ('statements', 'hits', 'dyad_periods', 'pairs', 'episodes',"
                               " 'schema_version', 'pair_periods', 'lags', 'statement_targets',"
                               " 'settings')"), 10);
    /* reopening keeps one version row */
    ck_assert_int_eq(spiral_store_open(&s, db, &err), SPIRAL_OK);
    spiral_store_free(s);
    ck_assert_int_eq(query(db, "SELECT count(*) FROM schema_version"), 1);
    /* a newer schema is refused, a foreign database too */
    {
        sqlite3 *h;

        ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
        ck_assert_int_eq(sqlite3_exec(h, "UPDATE schema_version SET version = 2", NULL, NULL, NULL),
                         SQLITE_OK);
        sqlite3_close(h);
        ck_assert_int_eq(spiral_store_open(&s, db, &err), SPIRAL_EINVAL);
        ck_assert_ptr_null(s);
        ck_assert_int_eq(sqlite3_open(path_in("other.db"), &h), SQLITE_OK);
        ck_assert_int_eq(sqlite3_exec(h, "CREATE TABLE t (x)", NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close(h);
        ck_assert_int_eq(spiral_store_open(&s, path_in("other.db"), &err), SPIRAL_EIO);
    }
    {
        FILE *f = fopen(path_in("junk.db"), "wb");

        fputs("this is not a database, not at all, no; it is text and more text and more\n", f);
        fclose(f);
        ck_assert_int_eq(spiral_store_open(&s, path_in("junk.db"), &err), SPIRAL_EIO);
    }
    remove_dir();
}
END_TEST

START_TEST(append_without_duplicates)
{
    spiral_statement first[3], second[3];
    int c1[3] = { 0 }, c2[3] = { 0 };
    const char *db;

    make_dir();
    db = path_in("a.db");
    first[0] = stmt("a1", "2023-01-05", "ARV-MFA:X", "BEL", 2, 1);
    first[1] = stmt("b1", "2023-01-06", "BEL", "ARV", 3, 0);
    first[2] = stmt("a2", "2023-02-05", "ARV", "BEL", 1, 1);
    first[0].hits = hits2;
    first[0].nhits = 2;
    run(db, first, 3, c1);
    ck_assert_int_eq(c1[SPIRAL_STORE_ADDED], 3);
    ck_assert_int_eq(query(db, "SELECT count(*) FROM statements"), 3);
    ck_assert_int_eq(query(db, "SELECT count(*) FROM hits"), 2);
    ck_assert_int_eq(query(db, "SELECT count(*) FROM dyad_periods"), 4); /* 2 dyads x 2 months */
    /* the second run repeats a1 as it was, changes b1's scores, adds b2 */
    second[0] = first[0];
    second[1] = stmt("b1", "2023-01-06", "BEL", "ARV", 4, 0);
    second[2] = stmt("b2", "2023-03-01", "BEL", "ARV", 1, 0);
    run(db, second, 3, c2);
    ck_assert_int_eq(c2[SPIRAL_STORE_UNCHANGED], 1);
    ck_assert_int_eq(c2[SPIRAL_STORE_UPDATED], 1);
    ck_assert_int_eq(c2[SPIRAL_STORE_ADDED], 1);
    ck_assert_int_eq(query(db, "SELECT count(*) FROM statements"), 4);
    ck_assert_int_eq(query(db, "SELECT count(*) FROM hits"), 2);
    ck_assert_int_eq(query(db, "SELECT threat FROM statements WHERE id = 'b1'"), 4);
    ck_assert_str_eq(query_text(db, "SELECT speaker FROM statements WHERE id = 'a1'"), "ARV");
    /* the series cover every stored statement once: 3 months now */
    ck_assert_int_eq(query(db, "SELECT count(*) FROM dyad_periods"), 6);
    ck_assert_int_eq(query(db, "SELECT sum(n) FROM dyad_periods"), 4);
    ck_assert_int_eq(query(db, "SELECT n FROM dyad_periods WHERE speaker = 'BEL' AND"
                               " period = '2023-02'"), 0);
    ck_assert_int_eq(query(db, "SELECT count(*) FROM pairs"), 1);
    ck_assert_int_eq(query(db, "SELECT count(*) FROM pair_periods"), 3);
    ck_assert_str_eq(query_text(db, "SELECT value FROM settings WHERE key = 'period'"), "month");
    /* a third identical run changes nothing */
    memset(c2, 0, sizeof c2);
    run(db, second, 3, c2);
    ck_assert_int_eq(c2[SPIRAL_STORE_UNCHANGED], 3);
    ck_assert_int_eq(query(db, "SELECT count(*) FROM statements"), 4);
    ck_assert_int_eq(query(db, "SELECT count(*) FROM dyad_periods"), 6);
    remove_dir();
}
END_TEST

START_TEST(rollback_and_targets)
{
    spiral_statement st = stmt("t1", "2020-02-03", "Office of the Spokesperson", NULL, 3, 1);
    spiral_stmt_target tg[2] = { { "USA", 2, 0.5, 2 }, { "UNRESOLVED", 1, 0.5, 1 } };
    spiral_store *s;
    spiral_tracker *t;
    spiral_error err;
    const char *db;
    int c[3] = { 0 };

    make_dir();
    db = path_in("r.db");
    st.speaker = "CHN";
    st.targets = tg;
    st.ntargets = 2;
    st.has_targets = 1;
    run(db, &st, 1, c);
    ck_assert_int_eq(query(db, "SELECT count(*) FROM statement_targets"), 2);
    ck_assert_int_eq(query(db, "SELECT count(*) FROM dyad_periods"), 2);
    /* targets survive the round trip: loading gives the same two dyads */
    ck_assert_int_eq(spiral_store_open(&s, db, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_tracker_new(&t, NULL, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_store_load(s, t, NULL, NULL, NULL, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_tracker_finish(t, &err), SPIRAL_OK);
    ck_assert_uint_eq(spiral_tracker_ndyads(t), 2);
    ck_assert_double_eq(spiral_tracker_dyad(t, 1)->cells[0].threat_sum, 2.0);
    spiral_tracker_free(t);
    /* a rolled-back run leaves nothing */
    ck_assert_int_eq(spiral_store_begin(s, &err), SPIRAL_OK);
    st.id = "t2";
    ck_assert_int_eq(spiral_store_put(s, &st, &err), SPIRAL_STORE_ADDED);
    ck_assert_int_eq(spiral_store_count(s), 2);
    ck_assert_int_eq(spiral_store_rollback(s), SPIRAL_OK);
    ck_assert_int_eq(spiral_store_count(s), 1);
    /* freeing with an open transaction rolls back too */
    ck_assert_int_eq(spiral_store_begin(s, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_store_put(s, &st, &err), SPIRAL_STORE_ADDED);
    spiral_store_free(s);
    ck_assert_int_eq(query(db, "SELECT count(*) FROM statements"), 1);
    ck_assert_int_eq(query(db, "SELECT count(*) FROM statement_targets"), 2);
    remove_dir();
}
END_TEST

/* Wait for the child, up to 60 s.  Returns its wait status. */
static int wait_child(pid_t pid)
{
    int status = 0, i;

    for (i = 0; i < 6000; i++) {
        pid_t r = waitpid(pid, &status, WNOHANG);

        if (r == pid)
            return status;
        usleep(10000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    ck_abort_msg("child did not end");
    return status;
}

START_TEST(sigint_mid_write_keeps_whole_runs)
{
    spiral_statement base[2];
    int c[3] = { 0 }, fds[2];
    const char *db;
    pid_t pid;
    char ok;

    make_dir();
    db = path_in("i.db");
    base[0] = stmt("w1", "2023-01-05", "ARV", "BEL", 2, 1);
    base[1] = stmt("w2", "2023-01-06", "BEL", "ARV", 3, 0);
    run(db, base, 2, c);
    ck_assert_int_eq(pipe(fds), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        /* the child: default SIGINT, a large write that never commits in time */
        spiral_store *s;
        spiral_error err;
        char id[32];
        long i;

        signal(SIGINT, SIG_DFL);
        close(fds[0]);
        if (spiral_store_open(&s, db, &err) < 0 || spiral_store_begin(s, &err) < 0)
            _exit(3);
        for (i = 0; i < 10000000; i++) {
            spiral_statement st = stmt(id, "2023-02-01", "ARV", "BEL", 1, 0);

            snprintf(id, sizeof id, "big%ld", i);
            st.hits = hits2;
            st.nhits = 2;
            if (spiral_store_put(s, &st, &err) < 0)
                _exit(4);
            if (i == 2000 && write(fds[1], "x", 1) != 1)
                _exit(5);
        }
        spiral_store_commit(s, &err);
        _exit(0);
    }
    close(fds[1]);
    ck_assert_int_eq(read(fds[0], &ok, 1), 1);
    close(fds[0]);
    ck_assert_int_eq(kill(pid, SIGINT), 0);
    {
        int status = wait_child(pid);

        ck_assert(WIFSIGNALED(status));
        ck_assert_int_eq(WTERMSIG(status), SIGINT);
    }
    /* the hot journal is rolled back on the next open */
    ck_assert_int_eq(query(db, "SELECT count(*) FROM statements"), 2);
    ck_assert_int_eq(query(db, "SELECT count(*) FROM hits"), 0);
    ck_assert_str_eq(query_text(db, "PRAGMA integrity_check"), "ok");
    ck_assert_int_eq(query(db, "SELECT sum(n) FROM dyad_periods"), 2);
    /* and the store takes the next run */
    memset(c, 0, sizeof c);
    base[0].id = "w3";
    run(db, base, 1, c);
    ck_assert_int_eq(query(db, "SELECT count(*) FROM statements"), 3);
    remove_dir();
}
END_TEST

/* `spiral track --db` interrupted: the CLI rolls back, leaves no output
 * file behind and exits 130. */
START_TEST(cli_sigint_rolls_back)
{
    const char *bin = SPIRAL_BUILD_DIR "/spiral";
    const char *db, *big, *small, *out, *csv;
    struct stat sb;
    FILE *f;
    pid_t pid;
    long i;
    int status, waited;

    if (access(bin, X_OK) != 0)
        return; /* built by `make check` before the tests */
    make_dir();
    db = path_in("c.db");
    small = path_in("small.jsonl");
    big = path_in("big.jsonl");
    out = path_in("out.json");
    csv = path_in("csv");
    f = fopen(small, "wb");
    fputs("{\"id\":\"s1\",\"date\":\"2023-01-01\",\"actor\":\"ARV\",\"target\":\"BEL\","
          "\"threat\":1,\"reassurance\":0}\n"
          "{\"id\":\"s2\",\"date\":\"2023-01-02\",\"actor\":\"BEL\",\"target\":\"ARV\","
          "\"threat\":2,\"reassurance\":0}\n", f);
    fclose(f);
    pid = fork();
    if (pid == 0) {
        quiet_child();
        execl(bin, bin, "track", "-q", "--db", db, "-o", out, small, (char *)NULL);
        _exit(127);
    }
    waitpid(pid, &status, 0);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ck_assert_int_eq(query(db, "SELECT count(*) FROM statements"), 2);
    remove(out);
    f = fopen(big, "wb");
    for (i = 0; i < 400000; i++)
        fprintf(f, "{\"id\":\"b%ld\",\"date\":\"2023-%02ld-01\",\"actor\":\"ARV\",\"target\":\"BEL\","
                   "\"threat\":1,\"reassurance\":0,\"hits\":[{\"text\":\"x\",\"category\":"
                   "\"threat.warning\",\"score\":1}]}\n", i, i % 12 + 1);
    fclose(f);
    pid = fork();
    if (pid == 0) {
        quiet_child();
        execl(bin, bin, "track", "-q", "--db", db, "-o", out, "--csv", csv, big, (char *)NULL);
        _exit(127);
    }
    /* wait until it is writing: the rollback journal exists */
    {
        char journal[160];

        snprintf(journal, sizeof journal, "%s-journal", db);
        for (waited = 0; waited < 3000 && stat(journal, &sb) != 0; waited++)
            usleep(2000);
        ck_assert_msg(waited < 3000, "the child never started writing");
        usleep(50000);
    }
    ck_assert_int_eq(kill(pid, SIGINT), 0);
    status = wait_child(pid);
    ck_assert_msg(WIFEXITED(status), "the CLI died of signal %d", WIFSIGNALED(status) ?
                  WTERMSIG(status) : 0);
    ck_assert_int_eq(WEXITSTATUS(status), 130);
    ck_assert_int_eq(query(db, "SELECT count(*) FROM statements"), 2);
    ck_assert_str_eq(query_text(db, "PRAGMA integrity_check"), "ok");
    ck_assert_int_eq(query(db, "SELECT sum(n) FROM dyad_periods"), 2);
    /* no output file, no temporary file */
    ck_assert_int_ne(stat(out, &sb), 0);
    {
        char cmd[256];

        snprintf(cmd, sizeof cmd, "ls -A '%s' | grep -c tmp > /dev/null", dir);
        ck_assert_int_ne(system(cmd), 0);
        snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s' 2>/dev/null)\"", csv);
        ck_assert_int_eq(system(cmd), 0);
    }
    remove_dir();
}
END_TEST

Suite *store_suite(void)
{
    Suite *s = suite_create("store");
    TCase *tc = tcase_create("store");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, schema_and_version);
    tcase_add_test(tc, append_without_duplicates);
    tcase_add_test(tc, rollback_and_targets);
    tcase_add_test(tc, sigint_mid_write_keeps_whole_runs);
    tcase_add_test(tc, cli_sigint_rolls_back);
    suite_add_tcase(s, tc);
    return s;
}
