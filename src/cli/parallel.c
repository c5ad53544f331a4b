/*
 * parallel.c - `-j N`: statements analysed on N threads, output in input
 * order, memory bounded.
 *
 * The main thread reads records into a batch (copying what the reader will
 * reuse), hands the batch to the workers, and while they analyse it reads
 * the next one; when a batch is done it writes the batch's output and
 * messages in input order.  Two batches are in flight at most, each of at
 * most BATCH_RECORDS records or BATCH_BYTES bytes of text, so memory does
 * not grow with the input.  The records' strings are copied into blocks
 * the batch keeps from one use to the next, and each worker writes its
 * output for a batch into blocks of its own, so that nothing is allocated
 * per statement once the first batches have run.  Each worker has its own session; the
 * dictionary and lexicon are shared read-only.  JSON Lines records are
 * parsed by the workers (each with its own parser), not by the reading
 * thread, which would otherwise be the bottleneck: it only splits lines.
 *
 * Duplicates are merged in two passes when every input is a regular file:
 * the workers parse and fingerprint every record for the count of copies
 * (only fingerprints come back), then parse and fingerprint again while
 * they analyse, reading the finished count for the "copies" field, and
 * the writer drops the copies after the first, in input order.  From
 * standard input the reading thread parses each record and checks it as
 * it is read (a first copy is written without a count).
 */
#define _GNU_SOURCE 1 /* open_memstream */
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "cli.h"

#define BATCH_RECORDS 512
#define BATCH_BYTES ((size_t)4 << 20)

/* Bytes kept from one batch to the next: a list of blocks, taken from in
 * order and all reused after arena_reset().  What is taken stays where it
 * is until then. */
typedef struct block {
    struct block *next;
    size_t cap, used;
    char data[];
} block;

typedef struct arena {
    block *head, *cur;
} arena;

#define BLOCK_BYTES ((size_t)1 << 20)

/* n contiguous bytes from a, or NULL when out of memory. */
static char *arena_take(arena *a, size_t n)
{
    block *b = a->cur, *nb;

    if (b && b->cap - b->used >= n) {
        b->used += n;
        return b->data + b->used - n;
    }
    if (b && b->next && b->next->cap >= n) {
        a->cur = b->next;
        a->cur->used = n;
        return a->cur->data;
    }
    /* a new block, after the current one (any left after it are kept) */
    if ((nb = malloc(sizeof *nb + (n > BLOCK_BYTES ? n : BLOCK_BYTES))) == NULL)
        return NULL;
    nb->cap = n > BLOCK_BYTES ? n : BLOCK_BYTES;
    nb->used = n;
    if (b) {
        nb->next = b->next;
        b->next = nb;
    } else {
        nb->next = a->head;
        a->head = nb;
    }
    a->cur = nb;
    return nb->data;
}

static void arena_reset(arena *a)
{
    a->cur = a->head;
    if (a->cur)
        a->cur->used = 0;
}

static void arena_free(arena *a)
{
    while (a->head) {
        block *b = a->head;

        a->head = b->next;
        free(b);
    }
    a->cur = NULL;
}

typedef struct job {
    spiral_record rec;
    char *copy;            /* the record's strings (in the batch's arena), or
                              the message of kind -2 (its own allocation) */
    int kind;              /* 1 record, 3 record to fingerprint only (the count
                              of copies), -1 reader error, -2 message (in copy) */
    uint64_t fp;           /* the text's fingerprint, when has_fp */
    int has_fp;
    spiral_error err;      /* reader or analysis error */
    int failed;            /* analysis failed: err says why */
    char *out;             /* output bytes: in the worker's arena, or (from
                              the emit function) their own allocation */
    size_t outlen;
    int out_owned;         /* out is its own allocation */
    unsigned long regex_limited; /* regex searches stopped by a limit */
} job;

typedef struct batch {
    job *jobs;
    size_t n, cap;
    size_t bytes;
    arena text;            /* the records' strings */
    int slot;              /* 0 or 1: which of the pool's two batches */
    size_t next;           /* next job for a worker to take (under mu) */
    size_t finished;       /* jobs finished (under mu) */
} batch;

typedef struct pool {
    cli_env *env;
    cli_format_fn format;
    cli_emit_fn emit;
    void *payload;
    int nthreads;
    pthread_t *threads;
    spiral_session **sessions;
    spiral_parser **parsers; /* per worker, for deferred JSON Lines records */
    arena *outs;           /* per batch slot and worker: [slot * nthreads + worker] */
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    /* The batches handed to the workers with jobs not yet taken, oldest
     * first: a worker that takes the last job of one goes on to the next
     * without waiting for the others to finish theirs. */
    batch *queue[2];
    int nqueued;
    int stop;
    int counted;           /* duplicates counted by a first pass: workers
                              fingerprint, the writer drops copies */
} pool;

static char *dup_into(char **p, const char *s)
{
    char *r;
    size_t n;

    if (s == NULL)
        return NULL;
    n = strlen(s) + 1;
    memcpy(*p, s, n);
    r = *p;
    *p += n;
    return r;
}

/* Copy a record into b's arena: the reader reuses its buffers for the
 * next one. */
static int job_set(batch *b, job *j, const spiral_record *rec)
{
    const char *f[] = { rec->id, rec->date, rec->actor, rec->target, rec->lang, rec->title,
                        rec->source, rec->meta_json, rec->file, rec->link, rec->author };
    size_t need = rec->text_len + 1, i;
    char *p;

    for (i = 0; i < sizeof f / sizeof f[0]; i++)
        need += f[i] ? strlen(f[i]) + 1 : 0;
    if ((j->copy = arena_take(&b->text, need)) == NULL)
        return -1;
    p = j->copy;
    j->rec = *rec;
    memcpy(p, rec->text, rec->text_len);
    p[rec->text_len] = '\0';
    j->rec.text = p;
    p += rec->text_len + 1;
    j->rec.id = dup_into(&p, rec->id);
    j->rec.date = dup_into(&p, rec->date);
    j->rec.actor = dup_into(&p, rec->actor);
    j->rec.target = dup_into(&p, rec->target);
    j->rec.lang = dup_into(&p, rec->lang);
    j->rec.title = dup_into(&p, rec->title);
    j->rec.source = dup_into(&p, rec->source);
    j->rec.meta_json = dup_into(&p, rec->meta_json);
    j->rec.file = dup_into(&p, rec->file);
    j->rec.link = dup_into(&p, rec->link);
    j->rec.author = dup_into(&p, rec->author);
    return 0;
}

/* Empty b once it is written or counted: its arenas and the workers' for
 * its slot are reused. */
static void batch_clear(pool *p, batch *b)
{
    size_t i;
    int t;

    for (i = 0; i < b->n; i++) {
        if (b->jobs[i].kind == -2)
            free(b->jobs[i].copy);
        if (b->jobs[i].out_owned)
            free(b->jobs[i].out);
    }
    b->n = 0;
    b->bytes = 0;
    arena_reset(&b->text);
    for (t = 0; p->outs && t < p->nthreads; t++)
        arena_reset(&p->outs[b->slot * p->nthreads + t]);
}

static job *batch_add(batch *b)
{
    job *j;

    if (b->n == b->cap) {
        size_t c = b->cap ? b->cap * 2 : 64;
        job *n = realloc(b->jobs, sizeof *n * c);

        if (n == NULL)
            return NULL;
        b->jobs = n;
        b->cap = c;
    }
    j = &b->jobs[b->n++];
    /* all but err, which is written before it is read */
    memset(j, 0, offsetof(job, err));
    memset((char *)j + offsetof(job, err) + sizeof j->err, 0,
           sizeof *j - offsetof(job, err) - sizeof j->err);
    return j;
}

/* A file-level message kept in order: an open error (err) or the warning
 * that a file held no statements (empty). */
static int batch_message(batch *b, const spiral_error *err, const char *empty)
{
    char line[1024];
    job *j;

    if (err && err->line)
        snprintf(line, sizeof line, "%s:%lu: error: %s\n", err->file, err->line, err->message);
    else if (err)
        snprintf(line, sizeof line, "%s: error: %s\n", err->file[0] ? err->file : "spiral",
                 err->message);
    else
        snprintf(line, sizeof line, "%s: warning: empty input, no statements\n", empty);
    if ((j = batch_add(b)) == NULL || (j->copy = strdup(line)) == NULL)
        return -1;
    j->kind = -2;
    return 0;
}

/* The reader's warnings, kept in order with the statements around them. */
typedef struct warn_sink {
    cli_env *env;
    batch **fill;
    int failed;
} warn_sink;

static void queue_warning(const spiral_error *w, void *payload)
{
    warn_sink *ws = payload;
    char line[1024];
    job *j;

    ws->env->warnings++;
    cli_format_report(line, sizeof line, w, "warning");
    if ((j = batch_add(*ws->fill)) == NULL || (j->copy = strdup(line)) == NULL) {
        ws->failed = 1;
        return;
    }
    j->kind = -2;
}

static void run_job(pool *p, spiral_session *s, spiral_parser *parser, arena *out, job *j)
{
    const spiral_record *rec = &j->rec;
    spiral_record copy;
    const spiral_doc *doc;
    spiral_context ctx = SPIRAL_CONTEXT_INIT;
    const char *data;
    size_t len;
    FILE *f;
    int rc;

    if (j->kind != 1 && j->kind != 3)
        return;
    if (j->rec.deferred && spiral_parser_parse(parser, &j->rec, &rec, &j->err) < 0) {
        j->failed = 1; /* the error the reader would have reported */
        return;
    }
    if (j->kind == 3 || p->counted)
        j->has_fp = spiral_text_fingerprint(&j->fp, rec->text, rec->text_len) == SPIRAL_OK;
    if (j->kind == 3)
        return;
    if (p->counted && j->has_fp) {
        copy = *rec;
        copy.copies = cli_dups_copies(p->env, j->fp);
        rec = &copy;
    }
    ctx.lang = p->env->o->lang ? p->env->o->lang : rec->lang;
    ctx.date = rec->date;
    ctx.actor = rec->actor;
    ctx.speaker = p->env->o->speaker;
    ctx.target = rec->target;
    if (spiral_session_analyze_ctx(s, rec->text, rec->text_len, &ctx, &doc, &j->err) < 0) {
        snprintf(j->err.file, sizeof j->err.file, "%s", j->rec.file ? j->rec.file : "");
        j->err.line = j->rec.line;
        j->failed = 1;
        return;
    }
    j->regex_limited = spiral_doc_regex_limited(doc);
    if (p->format && (rc = p->format(rec, doc, p->payload, &data, &len)) != 1) {
        /* The bytes are in the session's buffer: one copy for the writer. */
        if (rc < 0 || (j->out = arena_take(out, len)) == NULL) {
            j->failed = 2;
            return;
        }
        memcpy(j->out, data, len);
        j->outlen = len;
        return;
    }
    if ((f = open_memstream(&j->out, &j->outlen)) == NULL) {
        j->failed = 2;
        return;
    }
    j->out_owned = 1;
    if (p->emit(f, rec, doc, p->payload) < 0)
        j->failed = 2;
    if (fclose(f) != 0)
        j->failed = 2;
}

static void *worker(void *arg)
{
    pool *p = arg;
    spiral_session *s;
    spiral_parser *parser;
    int me;

    pthread_mutex_lock(&p->mu);
    for (me = 0; p->threads[me] != pthread_self(); me++)
        ;
    s = p->sessions[me];
    parser = p->parsers[me];
    for (;;) {
        batch *cur;
        size_t i, a, b, left, k;

        while (!p->stop && p->nqueued == 0)
            pthread_cond_wait(&p->work, &p->mu);
        if (p->stop)
            break;
        /* Take jobs one small slice at a time, smaller towards the end of
         * the batch so that the workers finish it together: the last
         * batch's end is waited for by all. */
        cur = p->queue[0];
        left = cur->n - cur->next;
        k = left / (2 * (size_t)p->nthreads);
        a = cur->next;
        b = a + (k < 1 ? 1 : k > 8 ? 8 : k);
        cur->next = b;
        if (b == cur->n) {
            p->queue[0] = p->queue[1];
            p->nqueued--;
        }
        pthread_mutex_unlock(&p->mu);
        for (i = a; i < b; i++)
            run_job(p, s, parser, &p->outs[cur->slot * p->nthreads + me], &cur->jobs[i]);
        pthread_mutex_lock(&p->mu);
        cur->finished += b - a;
        if (cur->finished == cur->n)
            pthread_cond_broadcast(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Output gathered for one writev(): the jobs' bytes where the workers
 * left them, so that the reading thread does not copy them again into
 * the stream's buffer (output is about twice the input). */
#define GATHER 64

typedef struct gather {
    FILE *f;
    int fd;                /* -1: written through f */
    int n;
    struct iovec iov[GATHER];
} gather;

/* Write what g holds.  0 or -1 (an error in errno). */
static int gather_write(gather *g)
{
    struct iovec *v = g->iov;
    int n = g->n;

    g->n = 0;
    while (n > 0) {
        ssize_t w = writev(g->fd, v, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        for (; n > 0 && (size_t)w >= v->iov_len; v++, n--)
            w -= (ssize_t)v->iov_len;
        if (n > 0) {
            v->iov_base = (char *)v->iov_base + w;
            v->iov_len -= (size_t)w;
        }
    }
    return 0;
}

/* Add len bytes at data to g, writing it when full.  0 or -1. */
static int gather_add(gather *g, char *data, size_t len)
{
    if (g->fd < 0)
        return fwrite(data, 1, len, g->f) == len ? 0 : -1;
    if (len == 0)
        return 0;
    g->iov[g->n].iov_base = data;
    g->iov[g->n].iov_len = len;
    return ++g->n == GATHER ? gather_write(g) : 0;
}

/* Write a finished batch in input order. */
static int flush(pool *p, batch *b)
{
    gather g;
    size_t i;

    /* What the stream holds goes first (a CSV header, say). */
    g.f = p->env->out;
    g.fd = fflush(g.f) == 0 ? fileno(g.f) : -1;
    g.n = 0;

    for (i = 0; i < b->n; i++) {
        job *j = &b->jobs[i];

        if (j->kind == -1) {
            cli_report(&j->err, "error");
            p->env->rejected++;
            continue;
        }
        if (j->kind == -2) {
            fputs(j->copy, stderr);
            continue;
        }
        if (p->counted && j->has_fp) {
            unsigned long copies;
            int first = cli_dups_check_fp(p->env, j->fp, 1, &copies);

            if (first < 0)
                return -1;
            if (first == 0)
                continue; /* a copy was written */
        }
        if (j->failed == 1) {
            cli_report(&j->err, "error");
            p->env->rejected++;
            continue;
        }
        if (j->regex_limited > 0) {
            p->env->regex_limited += j->regex_limited;
            if (!p->env->o->quiet)
                fprintf(stderr, "%s:%lu: warning: %lu regular-expression search%s stopped by "
                            "the match, depth or time limit (--regex-*-limit); "
                            "matches may be missing\n",
                    j->rec.file, j->rec.line, j->regex_limited, j->regex_limited == 1 ? "" : "es");
        }
        if (j->failed == 2 || gather_add(&g, j->out, j->outlen) < 0) {
            fprintf(stderr, "spiral: error: cannot write output\n");
            return -1;
        }
        p->env->written++;
    }
    if (g.n > 0 && gather_write(&g) < 0) {
        fprintf(stderr, "spiral: error: cannot write output\n");
        return -1;
    }
    return 0;
}

/* Queue batch b (not empty) for the workers, after the one they may be
 * on; they run while the caller goes on. */
static void dispatch(pool *p, batch *b)
{
    pthread_mutex_lock(&p->mu);
    b->next = 0;
    b->finished = 0;
    p->queue[p->nqueued++] = b;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
}

static void wait_batch(pool *p, batch *b)
{
    pthread_mutex_lock(&p->mu);
    while (b->finished < b->n)
        pthread_cond_wait(&p->done, &p->mu);
    pthread_mutex_unlock(&p->mu);
}

/* What the reading thread does with a batch the workers finished, which
 * it then empties: write it, or count its fingerprints.  0 or -1. */
typedef int (*batch_done_fn)(pool *p, batch *b);

static int write_batch(pool *p, batch *b)
{
    int rc = flush(p, b);

    batch_clear(p, b);
    return rc;
}

/* Whether batch b is as big as a batch gets. */
static int batch_full(const batch *b)
{
    return b->n >= BATCH_RECORDS || b->bytes >= BATCH_BYTES;
}

/* Queue the full batch *fill for the workers, then, once they are done
 * with *busy, finish that one (done: written or counted, while the workers
 * are on the new batch, so they never wait for the writer, nor for each
 * other between batches) and read on into it.  0 or done's -1. */
static int rotate(pool *p, batch bufs[2], batch **fill, batch **busy, batch_done_fn done)
{
    batch *prev = *busy;

    dispatch(p, *fill);
    if (prev)
        wait_batch(p, prev);
    *busy = *fill;
    *fill = *fill == &bufs[0] ? &bufs[1] : &bufs[0];
    return prev ? done(p, prev) : 0;
}

/* At the end of the input: finish the batch with the workers, then (when
 * all went well so far, rc 0) the one being filled, which the workers
 * start on first.  Returns rc, or -1. */
static int drain(pool *p, batch *fill, batch *busy, int rc, batch_done_fn done)
{
    int more;

    if ((more = rc == 0 && fill->n > 0) != 0)
        dispatch(p, fill);
    if (busy) {
        wait_batch(p, busy);
        if (rc == 0)
            rc = done(p, busy);
        else
            batch_clear(p, busy);
    }
    if (more) {
        wait_batch(p, fill);
        rc = rc == 0 ? done(p, fill) : rc;
    }
    batch_clear(p, fill);
    return rc;
}

/* Add a finished batch's fingerprints to the count of copies, and empty
 * it.  0 or -1 out of memory. */
static int add_counts(pool *p, batch *b)
{
    size_t k;
    int rc = 0;

    for (k = 0; k < b->n && rc == 0; k++)
        if (b->jobs[k].has_fp && cli_dups_count(p->env, b->jobs[k].fp) < 0)
            rc = -1;
    batch_clear(p, b);
    return rc;
}

/* The count of copies: the first pass over the inputs (all regular
 * files), fingerprinted by the workers, batch by batch.  Unreadable files
 * and bad records are left to the second pass to report.  0 or -1. */
static int count_copies(pool *p, batch bufs[2], int nfiles, char **files)
{
    spiral_read_opts ro = p->env->o->read;
    batch *fill = &bufs[0], *busy = NULL;
    spiral_error err;
    int i, rc = 0;

    ro.defer_jsonl = 1;
    ro.warn = NULL; /* the second pass warns */
    for (i = 0; i < nfiles && rc == 0; i++) {
        spiral_reader *r;
        const spiral_record *rec;
        int n;

        if (spiral_reader_open(&r, files[i], &ro, &err) < 0)
            continue;
        while (rc == 0 && (n = spiral_reader_next(r, &rec, &err)) != 0) {
            job *j;

            if (n == SPIRAL_EIO)
                break;
            if (n < 0)
                continue;
            if ((j = batch_add(fill)) == NULL || job_set(fill, j, rec) < 0) {
                rc = -1;
                break;
            }
            j->kind = 3;
            fill->bytes += rec->text_len;
            if (batch_full(fill))
                rc = rotate(p, bufs, &fill, &busy, add_counts);
        }
        spiral_reader_free(r);
    }
    if ((rc = drain(p, fill, busy, rc, add_counts)) < 0)
        fprintf(stderr, "spiral: error: out of memory\n");
    return rc;
}

int cli_run_parallel(cli_env *env, int nfiles, char **files, int nthreads,
                     cli_format_fn format, cli_emit_fn emit, void *payload)
{
    static char dash[] = "-";
    char *stdin_only[1] = { dash };
    batch bufs[2];
    batch *fill, *busy = NULL;
    pool p;
    spiral_error err;
    spiral_read_opts ro;
    warn_sink sink = { NULL, NULL, 0 };
    char **inputs = NULL;
    int i, t, rc = 0, started = 0, ninputs, counted, dups_failed = 0;

    if (nfiles == 0) {
        files = stdin_only;
        nfiles = 1;
    }
    /* directories expanded, duplicates counted (common.c) */
    if ((ninputs = cli_inputs(env, nfiles, files, &inputs)) < 0)
        return CLI_EFILE;
    counted = !env->o->keep_duplicates && cli_dups_all_regular(ninputs, inputs);
    if (cli_dups_begin(env, ninputs, inputs, !counted) < 0) {
        cli_inputs_free(inputs, ninputs);
        return CLI_EFILE;
    }
    files = inputs;
    nfiles = ninputs;
    cli_read_opts(env, &ro);
    ro.defer_jsonl = env->dups == NULL || counted;
    sink.env = env;
    sink.fill = &fill;
    ro.warn = queue_warning;
    ro.warn_payload = &sink;
    memset(&p, 0, sizeof p);
    memset(bufs, 0, sizeof bufs);
    bufs[1].slot = 1;
    p.env = env;
    p.format = format;
    p.emit = emit;
    p.payload = payload;
    p.nthreads = nthreads;
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.work, NULL);
    pthread_cond_init(&p.done, NULL);
    p.threads = calloc((size_t)nthreads, sizeof *p.threads);
    p.sessions = calloc((size_t)nthreads, sizeof *p.sessions);
    p.parsers = calloc((size_t)nthreads, sizeof *p.parsers);
    p.outs = calloc(2 * (size_t)nthreads, sizeof *p.outs);
    if (p.threads == NULL || p.sessions == NULL || p.parsers == NULL || p.outs == NULL) {
        fprintf(stderr, "spiral: out of memory\n");
        rc = -1;
        goto out;
    }
    for (t = 0; t < nthreads; t++) {
        if (spiral_session_new(&p.sessions[t], env->dict, env->lex, &env->o->session, &err) < 0 ||
            spiral_parser_new(&p.parsers[t], &ro, &err) < 0) {
            cli_report(&err, "error");
            rc = -1;
            goto out;
        }
    }
    pthread_mutex_lock(&p.mu);
    for (t = 0; t < nthreads; t++) {
        if (pthread_create(&p.threads[t], NULL, worker, &p) != 0) {
            fprintf(stderr, "spiral: cannot start a thread\n");
            p.stop = 1;
            pthread_cond_broadcast(&p.work);
            pthread_mutex_unlock(&p.mu);
            for (i = 0; i < t; i++)
                pthread_join(p.threads[i], NULL);
            rc = -1;
            goto out;
        }
    }
    started = 1;
    pthread_mutex_unlock(&p.mu);
    if (counted && count_copies(&p, bufs, nfiles, files) < 0) {
        rc = -1;
        dups_failed = 1; /* as when cli_dups_begin() fails */
        goto out;
    }
    p.counted = counted;

    fill = &bufs[0];
    for (i = 0; i < nfiles && rc == 0; i++) {
        spiral_reader *r;
        const spiral_record *rec;
        unsigned long before = env->read;

        if (spiral_reader_open(&r, files[i], &ro, &err) < 0) {
            /* Reported in order with the statements around it. */
            if (batch_message(fill, &err, NULL) < 0)
                rc = -1;
            env->files_failed++;
            continue;
        }
        for (;;) {
            int n = spiral_reader_next(r, &rec, &err), dup = 1;
            unsigned long copies = 0;
            job *j;

            if (n == 0)
                break;
            env->read++;
            if (sink.failed) {
                rc = -1;
                break;
            }
            if (n == 1 && !p.counted && (dup = cli_dups_check(env, rec, &copies)) <= 0) {
                if (dup < 0)
                    rc = -1;
                if (dup < 0)
                    break;
                continue; /* a copy was written */
            }
            if ((j = batch_add(fill)) == NULL) {
                rc = -1;
                break;
            }
            if (n < 0) {
                j->kind = -1;
                j->err = err;
                if (n == SPIRAL_EIO)
                    break;
            } else {
                j->kind = 1;
                if (job_set(fill, j, rec) < 0) {
                    rc = -1;
                    break;
                }
                j->rec.copies = copies;
                fill->bytes += rec->text_len;
            }
            if (batch_full(fill) && (rc = rotate(&p, bufs, &fill, &busy, write_batch)) < 0)
                break;
        }
        env->blank += spiral_reader_blank_lines(r);
        if (env->read == before && spiral_reader_blank_lines(r) == 0 && !env->o->quiet &&
            batch_message(fill, NULL, strcmp(files[i], "-") == 0 ? "<stdin>" : files[i]) < 0)
            rc = -1;
        spiral_reader_free(r);
    }
    rc = drain(&p, fill, busy, rc, write_batch);
out:
    if (started) {
        pthread_mutex_lock(&p.mu);
        p.stop = 1;
        pthread_cond_broadcast(&p.work);
        pthread_mutex_unlock(&p.mu);
        for (t = 0; t < nthreads; t++)
            pthread_join(p.threads[t], NULL);
    }
    for (t = 0; p.sessions && t < nthreads; t++)
        spiral_session_free(p.sessions[t]);
    for (t = 0; p.parsers && t < nthreads; t++)
        spiral_parser_free(p.parsers[t]);
    free(p.sessions);
    free(p.parsers);
    free(p.threads);
    for (t = 0; p.outs && t < 2 * nthreads; t++)
        arena_free(&p.outs[t]);
    free(p.outs);
    free(bufs[0].jobs);
    free(bufs[1].jobs);
    arena_free(&bufs[0].text);
    arena_free(&bufs[1].text);
    pthread_mutex_destroy(&p.mu);
    pthread_cond_destroy(&p.work);
    pthread_cond_destroy(&p.done);
    cli_dups_end(env);
    cli_inputs_free(inputs, ninputs);
    if (dups_failed)
        return CLI_EFILE;
    if (rc < 0)
        return CLI_NOTHING;
    if (env->files_failed)
        return CLI_EFILE;
    return env->written > 0 ? CLI_OK : CLI_NOTHING;
}

int cli_default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

int cli_parallel_ok(const cli_opts *o)
{
    (void)o;
    return 1;
}
