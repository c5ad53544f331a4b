/*
 * store.c - the SQLite store of tracked statements and their series.
 *
 * Statements (with their hits and targets) are added inside one write
 * transaction per run, keyed by statement id: an id already stored with
 * the same fingerprint (a hash of every stored field and score) is left
 * alone, one whose fields changed is replaced.  The series are then
 * recomputed from every stored statement (spiral_store_load feeds a
 * tracker row by row, so memory stays at dyads x periods) and the derived
 * tables are replaced in the same transaction (spiral_store_save_series).
 * A crash or a signal before the commit leaves the file as the last whole
 * run left it: SQLite's rollback journal undoes the rest on the next open.
 * The schema and its version are in README.md (Store).
 */
#include "store.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "alloc.h"
#include "buf.h"
#include "emit_csv.h"
#include "error.h"

enum {
    Q_GET_FP, Q_DEL_STMT, Q_DEL_HITS, Q_DEL_TARGETS, Q_INS_STMT, Q_INS_HIT, Q_INS_TARGET,
    Q_HITS_OF, Q_TARGETS_OF, NQ
};

static const char *const queries[NQ] = {
    "SELECT fingerprint FROM statements WHERE id = ?1",
    "DELETE FROM statements WHERE id = ?1",
    "DELETE FROM hits WHERE statement_id = ?1",
    "DELETE FROM statement_targets WHERE statement_id = ?1",
    "INSERT INTO statements (id, fingerprint, date, speaker, actor, target, lang, title, source,"
    " label, tokens, n_sentences, threat, reassurance, net, tone, hostility, has_targets, meta,"
    " file, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
    " ?16, ?17, ?18, ?19, ?20, ?21)",
    "INSERT INTO hits (statement_id, seq, text, start, \"end\", sentence, category, weight,"
    " score, entry, target, portrayal) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    "INSERT INTO statement_targets (statement_id, seq, target, threat, reassurance, hits)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    "SELECT text, start, \"end\", sentence, category, weight, score, entry, target, portrayal"
    " FROM hits WHERE statement_id = ?1 ORDER BY seq",
    "SELECT target, threat, reassurance, hits FROM statement_targets WHERE statement_id = ?1"
    " ORDER BY seq",
};

struct spiral_store {
    sqlite3 *db;
    char *path;
    sqlite3_stmt *q[NQ];
    int in_tx;
    spiral_cancel_fn cancel;
    void *cancel_payload;
};

/* Version 1 of the schema.  Column names follow the JSON Lines fields and
 * the CSV tables (emit_csv.c), in the same order. */
static const char schema_v1[] =
    "CREATE TABLE schema_version (version INTEGER NOT NULL);\n"
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
    "CREATE TABLE statements (\n"
    "  id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, date TEXT, speaker TEXT NOT NULL,\n"
    "  actor TEXT, target TEXT, lang TEXT, title TEXT, source TEXT, label TEXT,\n"
    "  tokens INTEGER, n_sentences INTEGER, threat REAL NOT NULL, reassurance REAL NOT NULL,\n"
    "  net REAL NOT NULL, tone REAL NOT NULL, hostility REAL NOT NULL,\n"
    "  has_targets INTEGER NOT NULL, meta TEXT, file TEXT, line INTEGER);\n"
    "CREATE TABLE statement_targets (\n"
    "  statement_id TEXT NOT NULL, seq INTEGER NOT NULL, target TEXT NOT NULL,\n"
    "  threat REAL NOT NULL, reassurance REAL NOT NULL, hits INTEGER,\n"
    "  PRIMARY KEY (statement_id, seq));\n"
    "CREATE TABLE hits (\n"
    "  statement_id TEXT NOT NULL, seq INTEGER NOT NULL, text TEXT, start INTEGER,\n"
    "  \"end\" INTEGER, sentence INTEGER, category TEXT, weight REAL, score REAL, entry TEXT,\n"
    "  target TEXT, portrayal TEXT, PRIMARY KEY (statement_id, seq));\n"
    "CREATE TABLE dyad_periods (\n"
    "  speaker TEXT NOT NULL, target TEXT NOT NULL, period TEXT NOT NULL,\n"
    "  period_start TEXT NOT NULL, n INTEGER NOT NULL, threat_sum REAL, threat_mean REAL,\n"
    "  reassurance_sum REAL, reassurance_mean REAL, tone_sum REAL, tone_mean REAL,\n"
    "  hostility_sum REAL, hostility_mean REAL, PRIMARY KEY (speaker, target, period));\n"
    "CREATE TABLE pairs (\n"
    "  a TEXT NOT NULL, b TEXT NOT NULL, n_ab INTEGER, n_ba INTEGER, periods INTEGER,\n"
    "  periods_both INTEGER, ab_best_lag INTEGER, ab_r REAL, ab_lo REAL, ab_hi REAL,\n"
    "  ab_n INTEGER, ab_reason TEXT, ba_best_lag INTEGER, ba_r REAL, ba_lo REAL, ba_hi REAL,\n"
    "  ba_n INTEGER, ba_reason TEXT, responsiveness REAL, responsiveness_reason TEXT,\n"
    "  richardson_k REAL, richardson_a REAL, richardson_g REAL, richardson_l REAL,\n"
    "  richardson_b REAL, richardson_h REAL, richardson_r2_x REAL, richardson_r2_y REAL,\n"
    "  richardson_n INTEGER, runaway TEXT, richardson_reason TEXT, noise REAL,\n"
    "  escalations INTEGER, deescalations INTEGER, episodes_reason TEXT, spiral_mean REAL,\n"
    "  spiral_max REAL, spiral_max_period TEXT, spiral_last REAL, spiral_periods INTEGER,\n"
    "  PRIMARY KEY (a, b));\n"
    "CREATE TABLE pair_periods (\n"
    "  a TEXT NOT NULL, b TEXT NOT NULL, period TEXT NOT NULL, period_start TEXT NOT NULL,\n"
    "  n_ab INTEGER, n_ba INTEGER, hostility_ab REAL, hostility_ba REAL, smooth_ab REAL,\n"
    "  smooth_ba REAL, mutual REAL, responsiveness REAL, trend REAL, spiral_score REAL,\n"
    "  reason TEXT, PRIMARY KEY (a, b, period));\n"
    "CREATE TABLE episodes (\n"
    "  a TEXT NOT NULL, b TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,\n"
    "  start TEXT NOT NULL, peak TEXT NOT NULL, \"end\" TEXT NOT NULL, open TEXT,\n"
    "  periods INTEGER, leader TEXT, response_lag INTEGER, change_ab REAL, change_ba REAL,\n"
    "  peak_ab REAL, peak_ba REAL, PRIMARY KEY (a, b, seq));\n"
    "CREATE TABLE lags (\n"
    "  a TEXT NOT NULL, b TEXT NOT NULL, direction TEXT NOT NULL, lag INTEGER NOT NULL,\n"
    "  n INTEGER, r REAL, lo REAL, hi REAL, best TEXT, reason TEXT,\n"
    "  PRIMARY KEY (a, b, direction, lag));\n"
    "INSERT INTO schema_version (version) VALUES (1);\n";

/* The derived tables, in spiral_csv_table order. */
static const char *const derived[SPIRAL_CSV_NTABLES] = {
    "dyad_periods", "pairs", "pair_periods", "episodes", "lags"
};

static int db_error(spiral_store *s, spiral_error *err, const char *what)
{
    int code = sqlite3_errcode(s->db);

    if (code == SQLITE_INTERRUPT)
        return spiral_error_set(err, SPIRAL_EIO, s->path, 0, 0, "interrupted");
    if (code == SQLITE_NOMEM)
        return spiral_error_nomem(err, s->path);
    return spiral_error_set(err, SPIRAL_EIO, s->path, 0, 0, "%s: %s", what,
                            sqlite3_errmsg(s->db));
}

static int exec(spiral_store *s, const char *sql, spiral_error *err)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return db_error(s, err, "database error");
    return SPIRAL_OK;
}

/* SQLite calls this every few thousand instructions; non-zero interrupts. */
static int progress(void *payload)
{
    spiral_store *s = payload;

    return s->cancel ? s->cancel(s->cancel_payload) : 0;
}

static int schema_version(spiral_store *s, long long *out, spiral_error *err)
{
    sqlite3_stmt *q;
    int rc;

    *out = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                                  " AND name = 'schema_version'", -1, &q, NULL) != SQLITE_OK)
        return db_error(s, err, "not a spiral store");
    rc = sqlite3_step(q);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(q);
        return db_error(s, err, "not a spiral store");
    }
    if (sqlite3_column_int(q, 0) == 0) {
        sqlite3_finalize(q);
        /* no schema_version: a new, empty file, or someone else's database */
        if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM sqlite_master", -1, &q, NULL) !=
            SQLITE_OK)
            return db_error(s, err, "not a spiral store");
        rc = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int(q, 0) : -1;
        sqlite3_finalize(q);
        if (rc != 0)
            return spiral_error_set(err, SPIRAL_EIO, s->path, 0, 0,
                                    "not a spiral store (a database without schema_version)");
        return SPIRAL_OK;
    }
    sqlite3_finalize(q);
    if (sqlite3_prepare_v2(s->db, "SELECT max(version) FROM schema_version", -1, &q, NULL) !=
        SQLITE_OK)
        return db_error(s, err, "bad schema_version table");
    if (sqlite3_step(q) == SQLITE_ROW)
        *out = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return SPIRAL_OK;
}

int spiral_store_open(spiral_store **out, const char *path, spiral_error *err)
{
    spiral_store *s;
    long long version;
    int rc, i;

    *out = NULL;
    if ((s = spiral_calloc(1, sizeof *s)) == NULL || (s->path = spiral_strdup(path)) == NULL) {
        spiral_free(s);
        return spiral_error_nomem(err, path);
    }
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        rc = s->db ? db_error(s, err, "cannot open")
                   : spiral_error_set(err, SPIRAL_EIO, path, 0, 0, "cannot open");
        goto fail;
    }
    sqlite3_busy_timeout(s->db, 5000);
    sqlite3_progress_handler(s->db, 1000, progress, s);
    if ((rc = exec(s, "PRAGMA foreign_keys = OFF", err)) < 0)
        goto fail;
    if ((rc = schema_version(s, &version, err)) < 0)
        goto fail;
    if (version == 0) {
        /* a new file: the whole schema in one transaction */
        if ((rc = exec(s, "BEGIN IMMEDIATE", err)) < 0)
            goto fail;
        if ((rc = schema_version(s, &version, err)) < 0 ||
            (version == 0 && (rc = exec(s, schema_v1, err)) < 0)) {
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            goto fail;
        }
        if ((rc = exec(s, "COMMIT", err)) < 0)
            goto fail;
        version = version ? version : 1;
    }
    if (version > SPIRAL_STORE_SCHEMA_VERSION) {
        rc = spiral_error_set(err, SPIRAL_EINVAL, path, 0, 0,
                              "store schema version %lld is newer than this spiral's (%d)",
                              version, SPIRAL_STORE_SCHEMA_VERSION);
        goto fail;
    }
    for (i = 0; i < NQ; i++)
        if (sqlite3_prepare_v2(s->db, queries[i], -1, &s->q[i], NULL) != SQLITE_OK) {
            rc = db_error(s, err, "not a spiral store");
            goto fail;
        }
    *out = s;
    return SPIRAL_OK;
fail:
    spiral_store_free(s);
    return rc;
}

void spiral_store_free(spiral_store *s)
{
    int i;

    if (s == NULL)
        return;
    if (s->in_tx)
        spiral_store_rollback(s);
    for (i = 0; i < NQ; i++)
        sqlite3_finalize(s->q[i]);
    sqlite3_close(s->db);
    spiral_free(s->path);
    spiral_free(s);
}

void spiral_store_set_cancel(spiral_store *s, spiral_cancel_fn fn, void *payload)
{
    s->cancel = fn;
    s->cancel_payload = payload;
}

int spiral_store_begin(spiral_store *s, spiral_error *err)
{
    int rc;

    if (s->in_tx)
        return spiral_error_set(err, SPIRAL_EINVAL, s->path, 0, 0, "transaction already open");
    if ((rc = exec(s, "BEGIN IMMEDIATE", err)) < 0)
        return rc;
    s->in_tx = 1;
    return SPIRAL_OK;
}

int spiral_store_rollback(spiral_store *s)
{
    int i;

    if (!s->in_tx)
        return SPIRAL_OK;
    for (i = 0; i < NQ; i++)
        sqlite3_reset(s->q[i]);
    s->in_tx = 0;
    /* the progress handler must not interrupt the rollback itself */
    sqlite3_progress_handler(s->db, 0, NULL, NULL);
    i = sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_progress_handler(s->db, 1000, progress, s);
    return i == SQLITE_OK ? SPIRAL_OK : SPIRAL_EIO;
}

int spiral_store_commit(spiral_store *s, spiral_error *err)
{
    int rc;

    if (!s->in_tx)
        return spiral_error_set(err, SPIRAL_EINVAL, s->path, 0, 0, "no transaction open");
    sqlite3_progress_handler(s->db, 0, NULL, NULL);
    rc = exec(s, "COMMIT", err);
    sqlite3_progress_handler(s->db, 1000, progress, s);
    if (rc < 0) {
        spiral_store_rollback(s);
        return rc;
    }
    s->in_tx = 0;
    return SPIRAL_OK;
}

long long spiral_store_count(spiral_store *s)
{
    sqlite3_stmt *q;
    long long n = -1;

    if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM statements", -1, &q, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(q) == SQLITE_ROW)
        n = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return n;
}

/* ------------------------------------------------------------------ */
/* Statements                                                          */
/* ------------------------------------------------------------------ */

static void fp_bytes(uint64_t *h, const void *p, size_t n)
{
    const unsigned char *c = p;
    size_t i;

    for (i = 0; i < n; i++)
        *h = (*h ^ c[i]) * 1099511628211ull;
}

static void fp_str(uint64_t *h, const char *s)
{
    /* a NULL and "" differ; every field ends with a 0xff separator */
    if (s)
        fp_bytes(h, s, strlen(s) + 1);
    fp_bytes(h, "\xff", 1);
}

static void fp_num(uint64_t *h, double v)
{
    char tmp[64];

    snprintf(tmp, sizeof tmp, "%.9g", v);
    fp_str(h, tmp);
}

/* A 64-bit FNV-1a hash of everything stored for st, as 16 hex digits. */
static void fingerprint(char *out, const spiral_statement *st, const char *speaker)
{
    uint64_t h = 1469598103934665603ull;
    size_t i;

    fp_str(&h, st->id);
    fp_str(&h, st->date);
    fp_str(&h, speaker);
    fp_str(&h, st->actor);
    fp_str(&h, st->target);
    fp_str(&h, st->lang);
    fp_str(&h, st->title);
    fp_str(&h, st->source);
    fp_str(&h, st->label);
    fp_num(&h, (double)st->tokens);
    fp_num(&h, (double)st->n_sentences);
    fp_num(&h, st->threat);
    fp_num(&h, st->reassurance);
    fp_num(&h, st->net);
    fp_num(&h, st->tone);
    fp_str(&h, st->meta_json);
    fp_num(&h, st->has_targets ? (double)st->ntargets : -1.0);
    for (i = 0; st->has_targets && i < st->ntargets; i++) {
        fp_str(&h, st->targets[i].target);
        fp_num(&h, st->targets[i].threat);
        fp_num(&h, st->targets[i].reassurance);
        fp_num(&h, (double)st->targets[i].hits);
    }
    for (i = 0; i < st->nhits; i++) {
        const spiral_stmt_hit *x = &st->hits[i];

        fp_str(&h, x->text);
        fp_str(&h, x->category);
        fp_str(&h, x->entry);
        fp_str(&h, x->target);
        fp_str(&h, x->portrayal);
        fp_num(&h, x->weight);
        fp_num(&h, x->score);
        fp_num(&h, (double)x->start);
        fp_num(&h, (double)x->end);
        fp_num(&h, (double)x->sentence);
    }
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

static void bind_text(sqlite3_stmt *q, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(q, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(q, i);
}

/* Step a write statement to completion and reset it. */
static int step_done(spiral_store *s, sqlite3_stmt *q, spiral_error *err)
{
    int rc = sqlite3_step(q);

    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    if (rc != SQLITE_DONE)
        return db_error(s, err, "cannot write");
    return SPIRAL_OK;
}

int spiral_store_put(spiral_store *s, const spiral_statement *st, spiral_error *err)
{
    char fp[17], sbuf[256];
    const char *speaker, *old;
    sqlite3_stmt *q;
    int rc, result = SPIRAL_STORE_ADDED;
    size_t i;

    if (!s->in_tx)
        return spiral_error_set(err, SPIRAL_EINVAL, s->path, 0, 0, "no transaction open");
    if (st->id == NULL)
        return spiral_error_set(err, SPIRAL_EINVAL, st->file, st->line, 0, "statement has no id");
    speaker = st->speaker && *st->speaker ? st->speaker
                                          : spiral_speaker_code(sbuf, sizeof sbuf, st->actor);
    if (speaker == NULL)
        return spiral_error_set(err, SPIRAL_EINVAL, st->file, st->line, 0,
                                "statement %s has no speaker or actor", st->id);
    fingerprint(fp, st, speaker);
    q = s->q[Q_GET_FP];
    bind_text(q, 1, st->id);
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        old = (const char *)sqlite3_column_text(q, 0);
        result = old && strcmp(old, fp) == 0 ? SPIRAL_STORE_UNCHANGED : SPIRAL_STORE_UPDATED;
    } else if (rc != SQLITE_DONE) {
        sqlite3_reset(q);
        return db_error(s, err, "cannot read");
    }
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    if (result == SPIRAL_STORE_UNCHANGED)
        return result;
    if (result == SPIRAL_STORE_UPDATED) {
        for (i = Q_DEL_STMT; i <= Q_DEL_TARGETS; i++) {
            bind_text(s->q[i], 1, st->id);
            if ((rc = step_done(s, s->q[i], err)) < 0)
                return rc;
        }
    }
    q = s->q[Q_INS_STMT];
    bind_text(q, 1, st->id);
    bind_text(q, 2, fp);
    bind_text(q, 3, st->date);
    bind_text(q, 4, speaker);
    bind_text(q, 5, st->actor);
    bind_text(q, 6, st->target);
    bind_text(q, 7, st->lang);
    bind_text(q, 8, st->title);
    bind_text(q, 9, st->source);
    bind_text(q, 10, st->label);
    sqlite3_bind_int64(q, 11, (sqlite3_int64)st->tokens);
    sqlite3_bind_int64(q, 12, (sqlite3_int64)st->n_sentences);
    sqlite3_bind_double(q, 13, st->threat);
    sqlite3_bind_double(q, 14, st->reassurance);
    sqlite3_bind_double(q, 15, st->net);
    sqlite3_bind_double(q, 16, st->tone);
    sqlite3_bind_double(q, 17, st->threat - st->reassurance);
    sqlite3_bind_int(q, 18, st->has_targets != 0);
    bind_text(q, 19, st->meta_json);
    bind_text(q, 20, st->file);
    sqlite3_bind_int64(q, 21, (sqlite3_int64)st->line);
    if ((rc = step_done(s, q, err)) < 0)
        return rc;
    q = s->q[Q_INS_HIT];
    for (i = 0; i < st->nhits; i++) {
        const spiral_stmt_hit *h = &st->hits[i];

        bind_text(q, 1, st->id);
        sqlite3_bind_int64(q, 2, (sqlite3_int64)i);
        bind_text(q, 3, h->text);
        sqlite3_bind_int64(q, 4, h->start);
        sqlite3_bind_int64(q, 5, h->end);
        sqlite3_bind_int64(q, 6, h->sentence);
        bind_text(q, 7, h->category);
        sqlite3_bind_double(q, 8, h->weight);
        sqlite3_bind_double(q, 9, h->score);
        bind_text(q, 10, h->entry);
        bind_text(q, 11, h->target);
        bind_text(q, 12, h->portrayal);
        if ((rc = step_done(s, q, err)) < 0)
            return rc;
    }
    q = s->q[Q_INS_TARGET];
    for (i = 0; st->has_targets && i < st->ntargets; i++) {
        const spiral_stmt_target *g = &st->targets[i];

        bind_text(q, 1, st->id);
        sqlite3_bind_int64(q, 2, (sqlite3_int64)i);
        bind_text(q, 3, g->target);
        sqlite3_bind_double(q, 4, g->threat);
        sqlite3_bind_double(q, 5, g->reassurance);
        sqlite3_bind_int64(q, 6, (sqlite3_int64)g->hits);
        if ((rc = step_done(s, q, err)) < 0)
            return rc;
    }
    return result;
}

/* ------------------------------------------------------------------ */
/* Loading                                                             */
/* ------------------------------------------------------------------ */

static const char *col_text(sqlite3_stmt *q, int i)
{
    return (const char *)sqlite3_column_text(q, i);
}

/* Hits and targets of the statement in q's current row, into st.  The
 * strings are copied into *strings (offsets, fixed up at the end) because
 * SQLite's are only valid until the next step.  Returns SPIRAL_OK or an
 * error. */
typedef struct load_buf {
    spiral_stmt_hit *hits;
    size_t hcap;
    spiral_stmt_target *targets;
    size_t tcap;
    spiral_buf strings;
    size_t *offs;
    size_t ocap;
} load_buf;

/* Append s (or mark NULL) and remember its offset; returns 0 or -1. */
static int keep(load_buf *lb, size_t *noffs, const char *s)
{
    if (spiral_grow(&lb->offs, &lb->ocap, *noffs + 1, sizeof *lb->offs) < 0)
        return -1;
    if (s == NULL) {
        lb->offs[(*noffs)++] = (size_t)-1;
        return 0;
    }
    lb->offs[(*noffs)++] = lb->strings.len;
    if (spiral_buf_append(&lb->strings, s, strlen(s) + 1) < 0)
        return -1;
    return 0;
}

static const char *kept(const load_buf *lb, size_t i)
{
    return lb->offs[i] == (size_t)-1 ? NULL : lb->strings.data + lb->offs[i];
}

static int load_children(spiral_store *s, load_buf *lb, spiral_statement *st, spiral_error *err)
{
    sqlite3_stmt *q;
    size_t n = 0, noffs = 0, i, base;
    int rc;

    spiral_buf_reset(&lb->strings);
    /* the statement's own strings first (they are in the outer row, whose
     * text is invalidated by nothing here, but keep one lifetime rule) */
    q = s->q[Q_HITS_OF];
    bind_text(q, 1, st->id);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        spiral_stmt_hit *h;

        if (spiral_grow(&lb->hits, &lb->hcap, n + 1, sizeof *lb->hits) < 0)
            goto nomem;
        h = &lb->hits[n++];
        memset(h, 0, sizeof *h);
        if (keep(lb, &noffs, col_text(q, 0)) < 0 || keep(lb, &noffs, col_text(q, 4)) < 0 ||
            keep(lb, &noffs, col_text(q, 7)) < 0 || keep(lb, &noffs, col_text(q, 8)) < 0 ||
            keep(lb, &noffs, col_text(q, 9)) < 0)
            goto nomem;
        h->start = (uint32_t)sqlite3_column_int64(q, 1);
        h->end = (uint32_t)sqlite3_column_int64(q, 2);
        h->sentence = (uint32_t)sqlite3_column_int64(q, 3);
        h->weight = sqlite3_column_double(q, 5);
        h->score = sqlite3_column_double(q, 6);
    }
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    if (rc != SQLITE_DONE)
        return db_error(s, err, "cannot read hits");
    base = noffs;
    st->nhits = n;
    n = 0;
    if (st->has_targets) {
        q = s->q[Q_TARGETS_OF];
        bind_text(q, 1, st->id);
        while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
            spiral_stmt_target *g;

            if (spiral_grow(&lb->targets, &lb->tcap, n + 1, sizeof *lb->targets) < 0)
                goto nomem;
            g = &lb->targets[n++];
            memset(g, 0, sizeof *g);
            if (keep(lb, &noffs, col_text(q, 0)) < 0)
                goto nomem;
            g->threat = sqlite3_column_double(q, 1);
            g->reassurance = sqlite3_column_double(q, 2);
            g->hits = (unsigned long)sqlite3_column_int64(q, 3);
        }
        sqlite3_reset(q);
        sqlite3_clear_bindings(q);
        if (rc != SQLITE_DONE)
            return db_error(s, err, "cannot read targets");
    }
    st->ntargets = n;
    for (i = 0; i < st->nhits; i++) {
        spiral_stmt_hit *h = &lb->hits[i];

        h->text = kept(lb, 5 * i);
        h->category = kept(lb, 5 * i + 1);
        h->entry = kept(lb, 5 * i + 2);
        h->target = kept(lb, 5 * i + 3);
        h->portrayal = kept(lb, 5 * i + 4);
    }
    for (i = 0; i < st->ntargets; i++)
        lb->targets[i].target = kept(lb, base + i);
    st->hits = lb->hits;
    st->targets = lb->targets;
    return SPIRAL_OK;
nomem:
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    return spiral_error_nomem(err, s->path);
}

int spiral_store_load(spiral_store *s, spiral_tracker *t, spiral_error_fn fn, void *payload,
                      unsigned long *rejected, spiral_error *err)
{
    static const char sql[] =
        "SELECT id, date, speaker, actor, target, lang, title, source, label, tokens,"
        " n_sentences, threat, reassurance, net, tone, has_targets, meta, file, line"
        " FROM statements ORDER BY id";
    load_buf lb;
    sqlite3_stmt *q;
    int rc = SPIRAL_OK, step;

    memset(&lb, 0, sizeof lb);
    if (rejected)
        *rejected = 0;
    if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
        return db_error(s, err, "cannot read statements");
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        spiral_statement st;
        spiral_error e;
        int k;

        memset(&st, 0, sizeof st);
        st.id = col_text(q, 0);
        st.date = col_text(q, 1);
        st.speaker = col_text(q, 2);
        st.actor = col_text(q, 3);
        st.target = col_text(q, 4);
        st.lang = col_text(q, 5);
        st.title = col_text(q, 6);
        st.source = col_text(q, 7);
        st.label = col_text(q, 8);
        st.tokens = (unsigned long)sqlite3_column_int64(q, 9);
        st.n_sentences = (unsigned long)sqlite3_column_int64(q, 10);
        st.threat = sqlite3_column_double(q, 11);
        st.reassurance = sqlite3_column_double(q, 12);
        st.net = sqlite3_column_double(q, 13);
        st.tone = sqlite3_column_double(q, 14);
        st.has_targets = sqlite3_column_int(q, 15);
        st.meta_json = col_text(q, 16);
        st.file = col_text(q, 17);
        st.line = (unsigned long)sqlite3_column_int64(q, 18);
        if (st.id == NULL)
            continue;
        if ((rc = load_children(s, &lb, &st, err)) < 0)
            break;
        if ((k = spiral_tracker_add(t, &st, &e)) < 0) {
            if (k == SPIRAL_ENOMEM) {
                rc = spiral_error_nomem(err, s->path);
                break;
            }
            if (fn)
                fn(&e, payload);
            if (rejected)
                (*rejected)++;
        }
    }
    if (rc == SPIRAL_OK && step != SQLITE_DONE)
        rc = db_error(s, err, "cannot read statements");
    sqlite3_finalize(q);
    spiral_free(lb.hits);
    spiral_free(lb.targets);
    spiral_free(lb.offs);
    spiral_buf_free(&lb.strings);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Series                                                              */
/* ------------------------------------------------------------------ */

typedef struct insert_ctx {
    spiral_store *s;
    sqlite3_stmt *q;
    spiral_error *err;
} insert_ctx;

static int insert_row(void *payload, const spiral_value *v, size_t n)
{
    insert_ctx *c = payload;
    size_t i;

    for (i = 0; i < n; i++) {
        int k = (int)i + 1;

        switch (v[i].type) {
        case SPIRAL_VALUE_INT:
            sqlite3_bind_int64(c->q, k, v[i].i);
            break;
        case SPIRAL_VALUE_REAL:
            sqlite3_bind_double(c->q, k, v[i].d);
            break;
        case SPIRAL_VALUE_TEXT:
            sqlite3_bind_text(c->q, k, v[i].s, -1, SQLITE_TRANSIENT);
            break;
        default:
            sqlite3_bind_null(c->q, k);
        }
    }
    return step_done(c->s, c->q, c->err);
}

static int save_setting(spiral_store *s, const char *key, const char *value, spiral_error *err)
{
    sqlite3_stmt *q;
    int rc;

    if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
                           -1, &q, NULL) != SQLITE_OK)
        return db_error(s, err, "cannot write settings");
    bind_text(q, 1, key);
    bind_text(q, 2, value);
    rc = step_done(s, q, err);
    sqlite3_finalize(q);
    return rc;
}

int spiral_store_save_series(spiral_store *s, const spiral_tracker *t, spiral_error *err)
{
    const spiral_track_opts *o = spiral_tracker_opts(t);
    spiral_buf sql = SPIRAL_BUF_INIT;
    char num[64];
    int k, rc = SPIRAL_OK;

    if (!s->in_tx)
        return spiral_error_set(err, SPIRAL_EINVAL, s->path, 0, 0, "no transaction open");
    for (k = 0; k < SPIRAL_CSV_NTABLES && rc == SPIRAL_OK; k++) {
        const char *const *cols;
        insert_ctx c;
        size_t n, i;

        cols = spiral_table_columns((spiral_csv_table)k, &n);
        spiral_buf_reset(&sql);
        if (spiral_buf_printf(&sql, "DELETE FROM %s", derived[k]) < 0) {
            rc = spiral_error_nomem(err, s->path);
            break;
        }
        if ((rc = exec(s, sql.data, err)) < 0)
            break;
        spiral_buf_reset(&sql);
        rc = spiral_buf_printf(&sql, "INSERT INTO %s (", derived[k]);
        for (i = 0; i < n; i++)
            rc |= spiral_buf_printf(&sql, "%s\"%s\"", i ? ", " : "", cols[i]);
        rc |= spiral_buf_puts(&sql, ") VALUES (");
        for (i = 0; i < n; i++)
            rc |= spiral_buf_printf(&sql, "%s?%zu", i ? ", " : "", i + 1);
        rc |= spiral_buf_putc(&sql, ')');
        if (rc < 0) {
            rc = spiral_error_nomem(err, s->path);
            break;
        }
        c.s = s;
        c.err = err;
        if (sqlite3_prepare_v2(s->db, sql.data, -1, &c.q, NULL) != SQLITE_OK) {
            rc = db_error(s, err, "cannot write series");
            break;
        }
        rc = spiral_table_rows(t, (spiral_csv_table)k, insert_row, &c);
        sqlite3_finalize(c.q);
    }
    spiral_buf_free(&sql);
    if (rc < 0)
        return rc;
    if ((rc = save_setting(s, "period", spiral_period_name(o->period), err)) < 0)
        return rc;
    snprintf(num, sizeof num, "%d", o->max_lag);
    if ((rc = save_setting(s, "max_lag", num, err)) < 0)
        return rc;
    snprintf(num, sizeof num, "%d", o->smooth);
    if ((rc = save_setting(s, "smooth", num, err)) < 0)
        return rc;
    snprintf(num, sizeof num, "%.15g", o->threshold);
    if ((rc = save_setting(s, "threshold", num, err)) < 0)
        return rc;
    snprintf(num, sizeof num, "%.15g", o->confidence);
    if ((rc = save_setting(s, "confidence", num, err)) < 0)
        return rc;
    return save_setting(s, "spiral_version", spiral_version(), err);
}

int spiral_store_settings(spiral_store *s, spiral_track_opts *opts, spiral_error *err)
{
    sqlite3_stmt *q;
    int found = 0;

    if (sqlite3_prepare_v2(s->db, "SELECT key, value FROM settings", -1, &q, NULL) != SQLITE_OK)
        return db_error(s, err, "cannot read settings");
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *k = col_text(q, 0), *v = col_text(q, 1);

        if (k == NULL || v == NULL)
            continue;
        if (strcmp(k, "period") == 0 && spiral_period_parse(&opts->period, v) == SPIRAL_OK)
            found = 1;
        else if (strcmp(k, "max_lag") == 0 && atoi(v) >= 0 && atoi(v) <= SPIRAL_MAX_LAG)
            opts->max_lag = atoi(v);
        else if (strcmp(k, "smooth") == 0 && atoi(v) >= 1 && atoi(v) % 2 == 1)
            opts->smooth = atoi(v);
        else if (strcmp(k, "threshold") == 0 && strtod(v, NULL) > 0)
            opts->threshold = strtod(v, NULL);
        else if (strcmp(k, "confidence") == 0 && strtod(v, NULL) > 0 && strtod(v, NULL) < 1)
            opts->confidence = strtod(v, NULL);
    }
    sqlite3_finalize(q);
    return found;
}
