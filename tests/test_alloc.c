/*
 * test_alloc.c - allocation failure: every allocation spiral makes (its own,
 * jansson's and PCRE2's, all through src/alloc.h) is failed in turn.
 *
 * For each scenario the allocations of one clean run are counted; then for
 * every N from 1 to that count plus one the Nth allocation is made to fail,
 * once (the next ones succeed) and sticky (every later one fails too).  The
 * operation must come back with SPIRAL_ENOMEM and nothing allocated, or
 * succeed with exactly the clean run's result: a failure may not be
 * swallowed into a wrong answer.  Leaks show under LeakSanitizer
 * (`make check SANITIZE=1`) and valgrind (`make memcheck`).
 *
 * The scenarios: loading the test lexicon; loading the dictionary, creating
 * a session and analysing a bilingual statement with an actor and writing
 * its JSON; reading JSON Lines and CSV records (meta fields, an integer
 * id, invalid UTF-8 replaced, Chinese text); and parsing scored statements
 * (the input of spiral track).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "suites.h"
#include "testutil.h"

#define TEST_LEX "tests/data/lex"

/* ------------------------------------------------------------------ */
/* (a) loading a lexicon                                               */
/* ------------------------------------------------------------------ */

/* Load the test lexicon; on success *size is its number of entries. */
static int load_lexicon(size_t *size)
{
    spiral_lexicon *lex;
    spiral_error err;
    int rc;

    memset(&err, 0, sizeof err);
    rc = spiral_lexicon_load(&lex, TEST_LEX, &err);
    if (rc == SPIRAL_OK) {
        ck_assert_ptr_nonnull(lex);
        *size = spiral_lexicon_size(lex);
        spiral_lexicon_free(lex);
    } else {
        ck_assert_ptr_null(lex);
        ck_assert_int_eq(err.code, rc);
    }
    return rc;
}

static void lexicon_under_failures(int sticky)
{
    size_t clean_size = 0, size;
    unsigned long total, n, failed = 0;
    int rc;

    spiral_alloc_fail_after(0, 0);
    ck_assert_int_eq(load_lexicon(&clean_size), SPIRAL_OK);
    total = spiral_alloc_count();
    ck_assert_uint_gt(total, 10);
    for (n = 1; n <= total + 1; n++) {
        spiral_alloc_fail_after(n, sticky);
        size = 0;
        rc = load_lexicon(&size);
        spiral_alloc_fail_after(0, 0);
        ck_assert_msg(rc == SPIRAL_OK || rc == SPIRAL_ENOMEM,
                      "allocation %lu failed: status %d", n, rc);
        if (rc == SPIRAL_OK)
            ck_assert_msg(size == clean_size,
                          "allocation %lu failed: %zu entries instead of %zu", n, size,
                          clean_size);
        else
            failed++;
    }
    ck_assert_uint_gt(failed, 0);
}

START_TEST(lexicon_load_fails_cleanly)
{
    lexicon_under_failures(0);
}
END_TEST

START_TEST(lexicon_load_fails_cleanly_sticky)
{
    lexicon_under_failures(1);
}
END_TEST

/* ------------------------------------------------------------------ */
/* (b) a session analysing a bilingual statement                       */
/* ------------------------------------------------------------------ */

static const char statement[] =
    "The Foreign Ministry said on Tuesday that China firmly opposes the unilateral "
    "sanctions imposed by the United States and will take resolute countermeasures. "
    "We do not seek confrontation, and we remain committed to dialogue and cooperation.\n\n"
    "\xE4\xB8\xAD\xE6\x96\xB9\xE5\x9D\x9A\xE5\x86\xB3\xE5\x8F\x8D\xE5\xAF\xB9\xE7\xBE\x8E"
    "\xE6\x96\xB9\xE7\x9A\x84\xE5\x8D\x95\xE8\xBE\xB9\xE5\x88\xB6\xE8\xA3\x81\xEF\xBC\x8C"
    "\xE6\x84\xBF\xE5\x90\x8C\xE5\x90\x84\xE6\x96\xB9\xE5\x8A\xA0\xE5\xBC\xBA\xE5\xAF\xB9"
    "\xE8\xAF\x9D\xE4\xB8\x8E\xE5\x90\x88\xE4\xBD\x9C\xE3\x80\x82\xE5\x9C\x8B\xE9\x9A\x9B"
    "\xE7\xA4\xBE\xE6\x9C\x83\xE6\x87\x89\xE7\x95\xB6\xE4\xBF\x9D\xE6\x8C\x81\xE5\x85\x8B"
    "\xE5\x88\xB6\xE3\x80\x82 re-escalation? \xEF\xBC\xA1\xEF\xBC\xA2";

typedef struct outcome {
    double threat, reassurance;
    size_t tokens, sentences, hits, mods, json_len;
    char speaker[16];
} outcome;

/* Load the dictionary, make a session over lex, analyse the statement with
 * an actor and a date, and write its JSON (into a memory stream). */
static int analyse(const spiral_lexicon *lex, outcome *out)
{
    spiral_context ctx = SPIRAL_CONTEXT_INIT;
    spiral_dict *dict = NULL;
    spiral_session *s = NULL;
    const spiral_doc *doc;
    spiral_record rec;
    spiral_scores sc;
    spiral_error err;
    char *json = NULL;
    size_t jsonlen = 0;
    FILE *mem;
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = spiral_dict_load(&dict, TEST_DICT, &err)) < 0) {
        ck_assert_ptr_null(dict);
        return rc;
    }
    if ((rc = spiral_session_new(&s, dict, lex, NULL, &err)) < 0) {
        ck_assert_ptr_null(s);
        goto done;
    }
    ctx.actor = "CHN-MFA:Hua Chunying";
    ctx.date = "2021-03-18";
    ctx.target = "USA";
    if ((rc = spiral_session_analyze_ctx(s, statement, sizeof statement - 1, &ctx, &doc,
                                         &err)) < 0) {
        ck_assert_ptr_null(doc);
        goto done;
    }
    spiral_doc_scores(doc, &sc);
    out->threat = sc.threat;
    out->reassurance = sc.reassurance;
    spiral_doc_tokens(doc, &out->tokens);
    spiral_doc_sentences(doc, &out->sentences);
    spiral_doc_hits(doc, &out->hits);
    spiral_doc_modifiers(doc, &out->mods);
    snprintf(out->speaker, sizeof out->speaker, "%s",
             spiral_doc_speaker(doc) ? spiral_doc_speaker(doc) : "-");
    memset(&rec, 0, sizeof rec);
    rec.id = "alloc-1";
    rec.file = "test";
    rec.line = 1;
    rec.text = statement;
    rec.text_len = sizeof statement - 1;
    ck_assert_ptr_nonnull(mem = open_memstream(&json, &jsonlen));
    rc = spiral_write_score_json(mem, &rec, doc, SPIRAL_EMIT_HITS | SPIRAL_EMIT_SENTENCES);
    fclose(mem);
    out->json_len = jsonlen;
    free(json);
done:
    spiral_session_free(s);
    spiral_dict_free(dict);
    return rc;
}

static void session_under_failures(int sticky)
{
    spiral_lexicon *lex;
    spiral_error err;
    outcome clean, got;
    unsigned long total, n, failed = 0;
    int rc;

    ck_assert_int_eq(spiral_lexicon_load(&lex, TEST_LEX, &err), SPIRAL_OK);
    spiral_alloc_fail_after(0, 0);
    ck_assert_int_eq(analyse(lex, &clean), SPIRAL_OK);
    total = spiral_alloc_count();
    ck_assert_uint_gt(clean.hits, 3);
    ck_assert_str_eq(clean.speaker, "CHN");
    for (n = 1; n <= total + 1; n++) {
        spiral_alloc_fail_after(n, sticky);
        rc = analyse(lex, &got);
        spiral_alloc_fail_after(0, 0);
        ck_assert_msg(rc == SPIRAL_OK || rc == SPIRAL_ENOMEM,
                      "allocation %lu failed: status %d", n, rc);
        if (rc < 0) {
            failed++;
            continue;
        }
        ck_assert_msg(got.threat == clean.threat && got.reassurance == clean.reassurance &&
                          got.tokens == clean.tokens && got.sentences == clean.sentences &&
                          got.hits == clean.hits && got.mods == clean.mods &&
                          got.json_len == clean.json_len &&
                          strcmp(got.speaker, clean.speaker) == 0,
                      "allocation %lu failed and the analysis changed (speaker %s, "
                      "%zu hits, threat %g)", n, got.speaker, got.hits, got.threat);
    }
    ck_assert_uint_gt(failed, 0);
    spiral_lexicon_free(lex);
}

START_TEST(session_analyze_fails_cleanly)
{
    session_under_failures(0);
}
END_TEST

START_TEST(session_analyze_fails_cleanly_sticky)
{
    session_under_failures(1);
}
END_TEST

/* ------------------------------------------------------------------ */
/* (c) reading JSON Lines records                                      */
/* ------------------------------------------------------------------ */

static const char records[] =
    "{\"id\":\"MFA-1\",\"date\":\"2020-02-03\",\"actor\":\"CHN-MFA\",\"lang\":\"zh\","
    "\"text\":\"\xE4\xB8\xAD\xE6\x96\xB9\xE5\x9D\x9A\xE5\x86\xB3\xE5\x8F\x8D\xE5\xAF\xB9"
    "\xE3\x80\x82\",\"role\":\"answer\",\"turn\":{\"n\":3,\"of\":[1,2]}}\n"
    "\n"
    "{\"id\":42,\"text\":\"Numeric ids are kept, bad bytes \xFF\xFE replaced.\"}\n"
    "{\"text\":\"We urge restraint.\",\"source\":\"https://example.org/a\",\"x\":null}\n";

#define MAX_RECORDS 8

typedef struct read_result {
    int n;
    unsigned long line[MAX_RECORDS];
    char id[MAX_RECORDS][32];
    size_t text_len[MAX_RECORDS], replaced[MAX_RECORDS];
    char meta[MAX_RECORDS][64];
    int nomem;
} read_result;

/* Open path and read every record; ENOMEM from a record is counted and
 * the reading goes on, as the program does.  Returns what opening gave. */
static int read_records(const char *path, spiral_format fmt, read_result *out)
{
    spiral_read_opts o = SPIRAL_READ_OPTS_INIT;
    const spiral_record *rec;
    spiral_reader *r;
    spiral_error err;
    int rc, calls = 0;

    memset(out, 0, sizeof *out);
    o.invalid_utf8 = SPIRAL_UTF8_REPLACE;
    o.format = fmt;
    if ((rc = spiral_reader_open(&r, path, &o, &err)) < 0) {
        ck_assert_ptr_null(r);
        ck_assert_int_eq(err.code, rc);
        return rc;
    }
    while ((rc = spiral_reader_next(r, &rec, &err)) != 0) {
        ck_assert_int_lt(++calls, 20);
        if (rc < 0) {
            ck_assert_msg(rc == SPIRAL_ENOMEM, "status %d: %s", rc, err.message);
            ck_assert_ptr_null(rec);
            ck_assert_uint_ge(err.line, 1); /* the skipped record is named */
            out->nomem++;
            continue;
        }
        ck_assert_int_lt(out->n, MAX_RECORDS);
        out->line[out->n] = rec->line;
        snprintf(out->id[out->n], sizeof out->id[0], "%s", rec->id);
        out->text_len[out->n] = rec->text_len;
        out->replaced[out->n] = rec->replaced;
        snprintf(out->meta[out->n], sizeof out->meta[0], "%s",
                 rec->meta_json ? rec->meta_json : "-");
        out->n++;
    }
    spiral_reader_free(r);
    return SPIRAL_OK;
}

static void reader_under_failures(const char *data, size_t len, spiral_format fmt, int sticky)
{
    const char *path = test_tmpfile(data, len, fmt == SPIRAL_FORMAT_CSV ? ".csv" : ".jsonl", 1);
    read_result clean, got;
    unsigned long total, n;
    int rc, i, j;

    spiral_alloc_fail_after(0, 0);
    ck_assert_int_eq(read_records(path, fmt, &clean), SPIRAL_OK);
    total = spiral_alloc_count();
    ck_assert_int_eq(clean.n, 3);
    ck_assert_int_eq(clean.nomem, 0);
    ck_assert_str_ne(clean.meta[0], "-");
    ck_assert_uint_eq(clean.replaced[1], 2);
    for (n = 1; n <= total + 1; n++) {
        spiral_alloc_fail_after(n, sticky);
        rc = read_records(path, fmt, &got);
        spiral_alloc_fail_after(0, 0);
        ck_assert_msg(rc == SPIRAL_OK || rc == SPIRAL_ENOMEM,
                      "allocation %lu failed: status %d", n, rc);
        if (rc < 0)
            continue;
        /* Every record read is the clean run's record of that line, and
         * only a record that ran out of memory is missing (in a CSV file,
         * running out on the header ends the file). */
        if (fmt == SPIRAL_FORMAT_CSV)
            ck_assert_int_le(got.n + got.nomem, clean.n);
        else
            ck_assert_int_eq(got.n + got.nomem, clean.n);
        for (i = 0; i < got.n; i++) {
            for (j = 0; j < clean.n && clean.line[j] != got.line[i]; j++)
                ;
            ck_assert_msg(j < clean.n, "allocation %lu: unknown line %lu", n, got.line[i]);
            ck_assert_str_eq(got.id[i], clean.id[j]);
            ck_assert_str_eq(got.meta[i], clean.meta[j]);
            ck_assert_uint_eq(got.text_len[i], clean.text_len[j]);
            ck_assert_uint_eq(got.replaced[i], clean.replaced[j]);
        }
    }
    remove(path);
}

START_TEST(reader_jsonl_fails_cleanly)
{
    reader_under_failures(records, sizeof records - 1, SPIRAL_FORMAT_JSONL, 0);
}
END_TEST

START_TEST(reader_jsonl_fails_cleanly_sticky)
{
    reader_under_failures(records, sizeof records - 1, SPIRAL_FORMAT_JSONL, 1);
}
END_TEST

/* CSV: unknown columns become meta through jansson too. */
static const char csv_records[] =
    "id,date,role,text,turn\n"
    "MFA-1,2020-02-03,answer,\"\xE4\xB8\xAD\xE6\x96\xB9\xE5\x9D\x9A\xE5\x86\xB3\xE5\x8F\x8D"
    "\xE5\xAF\xB9\xE3\x80\x82\",3\n"
    "42,,,\"Numeric ids, bad bytes \xFF\xFE replaced.\",4\n"
    "x,,question,We urge restraint.,5\n";

START_TEST(reader_csv_fails_cleanly)
{
    reader_under_failures(csv_records, sizeof csv_records - 1, SPIRAL_FORMAT_CSV, 0);
}
END_TEST

START_TEST(reader_csv_fails_cleanly_sticky)
{
    reader_under_failures(csv_records, sizeof csv_records - 1, SPIRAL_FORMAT_CSV, 1);
}
END_TEST

/* ------------------------------------------------------------------ */
/* (d) parsing scored statements (spiral track's input)               */
/* ------------------------------------------------------------------ */

static const char scored[] =
    "{\"id\":\"s1\",\"date\":\"2021-03-18\",\"actor\":\"CHN-MFA\",\"speaker\":\"CHN\","
    "\"threat\":2.5,\"reassurance\":1,\"net\":-1.5,\"tone\":-2.3,\"label\":\"threat\","
    "\"targets\":[{\"target\":\"USA\",\"threat\":2.5,\"reassurance\":0,\"hits\":1}],"
    "\"hits\":[{\"text\":\"warn\",\"start\":3,\"end\":7,\"sentence\":0,\"category\":"
    "\"threat.warning\",\"weight\":2,\"score\":2.5,\"target\":\"USA\"}],"
    "\"meta\":{\"genre\":\"briefing\",\"n\":[1,2,3]}}";
static const char rawrec[] =
    "{\"id\":\"r1\",\"text\":\"We warn.\",\"extra\":{\"a\":\"long enough value\"}}";

/* Parse both; describe the results in *desc (id, meta, counts). */
static int parse_statements(char *desc, size_t size)
{
    spiral_stmt_parser *p;
    const spiral_statement *st;
    const spiral_record *raw;
    spiral_error err;
    int rc, rc2;

    desc[0] = '\0';
    if ((rc = spiral_stmt_parser_new(&p, &err)) < 0)
        return rc;
    rc = spiral_stmt_parse_json(p, scored, sizeof scored - 1, "t", 1, &st, &raw, &err);
    if (rc == SPIRAL_STMT_SCORED)
        snprintf(desc, size, "%s|%s|%zu|%zu|%g", st->id, st->meta_json ? st->meta_json : "-",
                 st->nhits, st->ntargets, st->threat);
    else
        ck_assert_msg(rc == SPIRAL_ENOMEM, "status %d: %s", rc, err.message);
    rc2 = spiral_stmt_parse_json(p, rawrec, sizeof rawrec - 1, "t", 2, &st, &raw, &err);
    if (rc2 == SPIRAL_STMT_RAW)
        snprintf(desc + strlen(desc), size - strlen(desc), "/%s|%s|%s", raw->id, raw->text,
                 raw->meta_json ? raw->meta_json : "-");
    else
        ck_assert_msg(rc2 == SPIRAL_ENOMEM, "status %d: %s", rc2, err.message);
    spiral_stmt_parser_free(p);
    return rc < 0 ? rc : rc2 < 0 ? rc2 : SPIRAL_OK;
}

static void statements_under_failures(int sticky)
{
    char clean[512], got[512];
    unsigned long total, n;

    spiral_alloc_fail_after(0, 0);
    ck_assert_int_eq(parse_statements(clean, sizeof clean), SPIRAL_OK);
    total = spiral_alloc_count();
    ck_assert_ptr_nonnull(strstr(clean, "briefing"));
    for (n = 1; n <= total + 1; n++) {
        int rc;

        spiral_alloc_fail_after(n, sticky);
        rc = parse_statements(got, sizeof got);
        spiral_alloc_fail_after(0, 0);
        if (rc == SPIRAL_OK)
            ck_assert_msg(strcmp(got, clean) == 0, "allocation %lu: %s", n, got);
    }
}

START_TEST(statement_parse_fails_cleanly)
{
    statements_under_failures(0);
}
END_TEST

START_TEST(statement_parse_fails_cleanly_sticky)
{
    statements_under_failures(1);
}
END_TEST

/* The counter itself: the Nth allocation fails, once or from then on. */
START_TEST(fail_after_counts_and_sticks)
{
    void *a, *b, *c;

    spiral_alloc_fail_after(2, 0);
    a = spiral_malloc(1);
    b = spiral_malloc(1);
    c = spiral_malloc(1);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_null(b);
    ck_assert_ptr_nonnull(c);
    ck_assert_uint_eq(spiral_alloc_count(), 3);
    spiral_free(a);
    spiral_free(c);
    spiral_alloc_fail_after(1, 1);
    ck_assert_ptr_null(spiral_malloc(1));
    ck_assert_ptr_null(spiral_calloc(1, 1));
    ck_assert_ptr_null(spiral_strdup("x"));
    spiral_alloc_fail_after(0, 0);
    ck_assert_ptr_null(spiral_reallocarray(NULL, (size_t)-1, 16)); /* overflow */
}
END_TEST

Suite *alloc_suite(void)
{
    Suite *s = suite_create("alloc");
    TCase *tc = tcase_create("alloc");

    /* Hundreds of runs per scenario: more than Check's default 4 s. */
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, fail_after_counts_and_sticks);
    tcase_add_test(tc, lexicon_load_fails_cleanly);
    tcase_add_test(tc, lexicon_load_fails_cleanly_sticky);
    tcase_add_test(tc, session_analyze_fails_cleanly);
    tcase_add_test(tc, session_analyze_fails_cleanly_sticky);
    tcase_add_test(tc, reader_jsonl_fails_cleanly);
    tcase_add_test(tc, reader_jsonl_fails_cleanly_sticky);
    tcase_add_test(tc, reader_csv_fails_cleanly);
    tcase_add_test(tc, reader_csv_fails_cleanly_sticky);
    tcase_add_test(tc, statement_parse_fails_cleanly);
    tcase_add_test(tc, statement_parse_fails_cleanly_sticky);
    suite_add_tcase(s, tc);
    return s;
}
