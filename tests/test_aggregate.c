/*
 * test_aggregate.c - period bucketing (years, ISO weeks, quarters), the
 * scored-statement parser, and the tracker's dyad x period cells.
 */
#include <check.h>
#include <math.h>
#include <string.h>

#include "aggregate.h"
#include "alloc.h"
#include "suites.h"

/* ------------------------------------------------------------------ */
/* Periods                                                             */
/* ------------------------------------------------------------------ */

static const char *label(spiral_period p, const char *date)
{
    static char buf[32];
    int64_t i;

    ck_assert_msg(spiral_period_index(&i, p, date) == SPIRAL_OK, "index of %s", date);
    spiral_period_label(buf, sizeof buf, p, i);
    return buf;
}

static int64_t idx(spiral_period p, const char *date)
{
    int64_t i;

    ck_assert_msg(spiral_period_index(&i, p, date) == SPIRAL_OK, "index of %s", date);
    return i;
}

START_TEST(iso_weeks_across_year_boundaries)
{
    ck_assert_str_eq(label(SPIRAL_PERIOD_WEEK, "2020-12-31"), "2020-W53");
    ck_assert_str_eq(label(SPIRAL_PERIOD_WEEK, "2021-01-03"), "2020-W53");
    ck_assert_str_eq(label(SPIRAL_PERIOD_WEEK, "2021-01-04"), "2021-W01");
    ck_assert_str_eq(label(SPIRAL_PERIOD_WEEK, "2020-12-28"), "2020-W53");
    ck_assert_str_eq(label(SPIRAL_PERIOD_WEEK, "2020-12-27"), "2020-W52");
    /* 2019-12-30 is a Monday whose Thursday is in 2020 */
    ck_assert_str_eq(label(SPIRAL_PERIOD_WEEK, "2019-12-30"), "2020-W01");
    ck_assert_str_eq(label(SPIRAL_PERIOD_WEEK, "2019-12-29"), "2019-W52");
    ck_assert_str_eq(label(SPIRAL_PERIOD_WEEK, "2024-12-30"), "2025-W01");
    ck_assert_str_eq(label(SPIRAL_PERIOD_WEEK, "2024-01-01"), "2024-W01");
    ck_assert_str_eq(label(SPIRAL_PERIOD_WEEK, "2015-12-31"), "2015-W53");
    ck_assert_str_eq(label(SPIRAL_PERIOD_WEEK, "1969-12-31"), "1970-W01");
    /* the same week, consecutive weeks */
    ck_assert_int_eq(idx(SPIRAL_PERIOD_WEEK, "2020-12-31"), idx(SPIRAL_PERIOD_WEEK, "2021-01-03"));
    ck_assert_int_eq(idx(SPIRAL_PERIOD_WEEK, "2021-01-04"),
                     idx(SPIRAL_PERIOD_WEEK, "2021-01-03") + 1);
    {
        char buf[32];

        spiral_period_start(buf, sizeof buf, SPIRAL_PERIOD_WEEK, idx(SPIRAL_PERIOD_WEEK, "2021-01-03"));
        ck_assert_str_eq(buf, "2020-12-28");
    }
}
END_TEST

START_TEST(quarters_months_years_days)
{
    char buf[32];

    ck_assert_str_eq(label(SPIRAL_PERIOD_QUARTER, "2024-03-31"), "2024-Q1");
    ck_assert_str_eq(label(SPIRAL_PERIOD_QUARTER, "2024-04-01"), "2024-Q2");
    ck_assert_str_eq(label(SPIRAL_PERIOD_QUARTER, "2023-12-31"), "2023-Q4");
    ck_assert_str_eq(label(SPIRAL_PERIOD_QUARTER, "2024-07"), "2024-Q3");
    ck_assert_int_eq(idx(SPIRAL_PERIOD_QUARTER, "2024-01-01"),
                     idx(SPIRAL_PERIOD_QUARTER, "2023-12-31") + 1);
    ck_assert_int_eq(idx(SPIRAL_PERIOD_MONTH, "2024-01-15"),
                     idx(SPIRAL_PERIOD_MONTH, "2023-12-31") + 1);
    ck_assert_str_eq(label(SPIRAL_PERIOD_MONTH, "2024-02-29T23:59:59+08:00"), "2024-02");
    ck_assert_str_eq(label(SPIRAL_PERIOD_YEAR, "1971"), "1971");
    ck_assert_int_eq(idx(SPIRAL_PERIOD_YEAR, "1972-06-01"), idx(SPIRAL_PERIOD_YEAR, "1971") + 1);
    ck_assert_int_eq(idx(SPIRAL_PERIOD_DAY, "2021-01-01"), idx(SPIRAL_PERIOD_DAY, "2020-12-31") + 1);
    ck_assert_int_eq(idx(SPIRAL_PERIOD_DAY, "2024-03-01"), idx(SPIRAL_PERIOD_DAY, "2024-02-28") + 2);
    ck_assert_int_eq(idx(SPIRAL_PERIOD_DAY, "1970-01-01"), 0);
    ck_assert_str_eq(label(SPIRAL_PERIOD_DAY, "2024-02-29 10:00"), "2024-02-29");
    spiral_period_start(buf, sizeof buf, SPIRAL_PERIOD_QUARTER, idx(SPIRAL_PERIOD_QUARTER, "2024-05-05"));
    ck_assert_str_eq(buf, "2024-04-01");
    spiral_period_start(buf, sizeof buf, SPIRAL_PERIOD_MONTH, idx(SPIRAL_PERIOD_MONTH, "1969-12-05"));
    ck_assert_str_eq(buf, "1969-12-01");
}
END_TEST

START_TEST(dates_too_coarse_or_malformed)
{
    int64_t i;
    spiral_period p;

    /* a bare year cannot go into a month; a month cannot go into a week */
    ck_assert_int_eq(spiral_period_index(&i, SPIRAL_PERIOD_MONTH, "1971"), SPIRAL_EINVAL);
    ck_assert_int_eq(spiral_period_index(&i, SPIRAL_PERIOD_WEEK, "2024-03"), SPIRAL_EINVAL);
    ck_assert_int_eq(spiral_period_index(&i, SPIRAL_PERIOD_QUARTER, "2024-03"), SPIRAL_OK);
    ck_assert_int_eq(spiral_period_index(&i, SPIRAL_PERIOD_DAY, "2023-02-29"), SPIRAL_EINVAL);
    ck_assert_int_eq(spiral_period_index(&i, SPIRAL_PERIOD_DAY, "2024-13-01"), SPIRAL_EINVAL);
    ck_assert_int_eq(spiral_period_index(&i, SPIRAL_PERIOD_DAY, "2024-1-1"), SPIRAL_EINVAL);
    ck_assert_int_eq(spiral_period_index(&i, SPIRAL_PERIOD_YEAR, "24-01-01"), SPIRAL_EINVAL);
    ck_assert_int_eq(spiral_period_index(&i, SPIRAL_PERIOD_DAY, "2024-01-01x"), SPIRAL_EINVAL);
    ck_assert_int_eq(spiral_period_index(&i, SPIRAL_PERIOD_DAY, ""), SPIRAL_EINVAL);
    ck_assert_int_eq(spiral_period_index(&i, SPIRAL_PERIOD_DAY, NULL), SPIRAL_EINVAL);
    ck_assert_int_eq(spiral_period_parse(&p, "quarter"), SPIRAL_OK);
    ck_assert_int_eq(p, SPIRAL_PERIOD_QUARTER);
    ck_assert_int_eq(spiral_period_parse(&p, "fortnight"), SPIRAL_EINVAL);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The parser                                                          */
/* ------------------------------------------------------------------ */

START_TEST(parse_scored_statement)
{
    static const char line[] =
        "{\"id\":\"s1\",\"lang\":\"en\",\"date\":\"2023-04-05\",\"actor\":\"CHN-MFA:Hua Chunying\","
        "\"target\":\"USA\",\"title\":null,\"source\":null,\"tokens\":12,\"n_sentences\":2,"
        "\"threat\":2.5,\"reassurance\":1,\"net\":-1.5,\"tone\":-2.7273,\"label\":\"threat\","
        "\"hits\":[{\"text\":\"serious consequences\",\"start\":3,\"end\":23,\"sentence\":0,"
        "\"category\":\"threat.warning\",\"weight\":2,\"score\":2.5,\"entry\":\"en/threat.tsv:4\","
        "\"rules\":[]}],\"meta\":{\"translation_of\":\"s0\",\"genre\":\"\"}}";
    spiral_stmt_parser *p;
    const spiral_statement *st;
    const spiral_record *raw;
    spiral_error err;
    char buf[16];

    ck_assert_int_eq(spiral_stmt_parser_new(&p, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_stmt_parse_json(p, line, strlen(line), "f.jsonl", 7, &st, &raw, &err),
                     SPIRAL_STMT_SCORED);
    ck_assert_ptr_null(raw);
    ck_assert_str_eq(st->id, "s1");
    ck_assert_str_eq(st->date, "2023-04-05");
    ck_assert_ptr_null(st->speaker);
    ck_assert_str_eq(spiral_speaker_code(buf, sizeof buf, st->actor), "CHN");
    ck_assert_ptr_null(st->title);
    ck_assert_double_eq(st->threat, 2.5);
    ck_assert_double_eq(st->reassurance, 1.0);
    ck_assert_uint_eq(st->tokens, 12);
    ck_assert_uint_eq(st->nhits, 1);
    ck_assert_str_eq(st->hits[0].text, "serious consequences");
    ck_assert_str_eq(st->hits[0].category, "threat.warning");
    ck_assert_double_eq(st->hits[0].score, 2.5);
    ck_assert_uint_eq(st->hits[0].end, 23);
    ck_assert_int_eq(st->has_targets, 0);
    ck_assert_uint_eq(st->line, 7);
    ck_assert_int_eq(spiral_stmt_meta_has(st, "translation_of"), 1);
    ck_assert_int_eq(spiral_stmt_meta_has(st, "genre"), 0); /* empty string */
    ck_assert_int_eq(spiral_stmt_meta_has(st, "nothing"), 0);
    spiral_stmt_parser_free(p);
}
END_TEST

START_TEST(parse_targets_raw_and_errors)
{
    static const char with_targets[] =
        "{\"id\":9,\"date\":\"2020-02-03\",\"actor\":\"Office\",\"speaker\":\"CHN\","
        "\"threat\":3,\"reassurance\":0.5,\"targets\":[{\"target\":\"USA\",\"threat\":2,"
        "\"reassurance\":0,\"hits\":1},{\"target\":\"UNRESOLVED\",\"threat\":1,"
        "\"reassurance\":0.5,\"hits\":2}],\"hits\":[]}";
    static const char raw_line[] = "{\"id\":\"r\",\"text\":\"We will not tolerate this.\","
                                   "\"date\":\"2021-01-01\",\"genre\":\"x\"}";
    spiral_stmt_parser *p;
    const spiral_statement *st;
    const spiral_record *raw;
    spiral_error err;

    ck_assert_int_eq(spiral_stmt_parser_new(&p, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_stmt_parse_json(p, with_targets, strlen(with_targets), "f", 1, &st,
                                            &raw, &err), SPIRAL_STMT_SCORED);
    ck_assert_str_eq(st->id, "9");
    ck_assert_str_eq(st->speaker, "CHN");
    ck_assert_int_eq(st->has_targets, 1);
    ck_assert_uint_eq(st->ntargets, 2);
    ck_assert_str_eq(st->targets[1].target, "UNRESOLVED");
    ck_assert_double_eq(st->targets[1].reassurance, 0.5);
    ck_assert_uint_eq(st->targets[1].hits, 2);
    /* net and tone are computed when absent */
    ck_assert_double_eq_tol(st->net, -2.5, 1e-12);
    ck_assert_double_eq_tol(st->tone, 10.0 * (0.5 - 3) / (0.5 + 3 + 2), 1e-12);

    ck_assert_int_eq(spiral_stmt_parse_json(p, raw_line, strlen(raw_line), "f", 2, &st, &raw,
                                            &err), SPIRAL_STMT_RAW);
    ck_assert_ptr_null(st);
    ck_assert_str_eq(raw->text, "We will not tolerate this.");
    ck_assert_str_eq(raw->meta_json, "{\"genre\":\"x\"}");

    ck_assert_int_eq(spiral_stmt_parse_json(p, "{\"id\":1,", 8, "bad.jsonl", 3, &st, &raw, &err),
                     SPIRAL_EPARSE);
    ck_assert_str_eq(err.file, "bad.jsonl");
    ck_assert_uint_eq(err.line, 3);
    ck_assert_int_eq(spiral_stmt_parse_json(p, "[1]", 3, "f", 4, &st, &raw, &err), SPIRAL_EINVAL);
    ck_assert_int_eq(spiral_stmt_parse_json(p, "{\"threat\":\"high\"}", 17, "f", 5, &st, &raw,
                                            &err), SPIRAL_EINVAL);
    ck_assert_msg(strstr(err.message, "\"threat\" must be a number") != NULL, "%s", err.message);
    ck_assert_int_eq(spiral_stmt_parse_json(p, "{\"threat\":1}", 12, "f", 6, &st, &raw, &err),
                     SPIRAL_EINVAL); /* no reassurance */
    ck_assert_int_eq(spiral_stmt_parse_json(p, "{\"id\":\"x\"}", 10, "f", 7, &st, &raw, &err),
                     SPIRAL_EINVAL); /* neither scored nor raw */
    {
        static const char bad_targets[] = "{\"threat\":1,\"reassurance\":0,\"targets\":[1]}";

        ck_assert_int_eq(spiral_stmt_parse_json(p, bad_targets, strlen(bad_targets), "f", 8, &st,
                                                &raw, &err), SPIRAL_EINVAL);
    }
    spiral_stmt_parser_free(p);
}
END_TEST

START_TEST(speaker_codes)
{
    char buf[32];

    ck_assert_str_eq(spiral_speaker_code(buf, sizeof buf, "CHN-MFA:Hua Chunying"), "CHN");
    ck_assert_str_eq(spiral_speaker_code(buf, sizeof buf, "ARV-MFA:Lena Marsk"), "ARV");
    ck_assert_str_eq(spiral_speaker_code(buf, sizeof buf, "USA-StateDept:Ned Price"), "USA");
    ck_assert_str_eq(spiral_speaker_code(buf, sizeof buf, "RUS:Sergey Lavrov"), "RUS");
    ck_assert_str_eq(spiral_speaker_code(buf, sizeof buf, "BEL"), "BEL");
    ck_assert_str_eq(spiral_speaker_code(buf, sizeof buf, "journalist"), "journalist");
    ck_assert_str_eq(spiral_speaker_code(buf, sizeof buf, "Office of the Spokesperson"),
                     "Office of the Spokesperson");
    ck_assert_str_eq(spiral_speaker_code(buf, sizeof buf, "ABCDEF-X"), "ABCDEF-X"); /* 6 letters */
    ck_assert_ptr_null(spiral_speaker_code(buf, sizeof buf, ""));
    ck_assert_ptr_null(spiral_speaker_code(buf, sizeof buf, NULL));
}
END_TEST

/* ------------------------------------------------------------------ */
/* The tracker                                                         */
/* ------------------------------------------------------------------ */

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

START_TEST(empty_periods_are_present)
{
    spiral_track_opts o = SPIRAL_TRACK_OPTS_INIT;
    spiral_tracker *t;
    spiral_statement a = stmt("a", "2023-01-10", "ARV-MFA:X", "BEL", 2, 0);
    spiral_statement b = stmt("b", "2023-04-02", "BEL", "ARV", 1, 3);
    spiral_statement c = stmt("c", "2023-01-20", "ARV:Y", "BEL", 0, 1);
    spiral_statement d = stmt("d", "2023-02-01", "CSO:Z", "", 0, 0);
    const spiral_dyad *dy;
    spiral_error err;

    o.period = SPIRAL_PERIOD_MONTH;
    ck_assert_int_eq(spiral_tracker_new(&t, &o, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_tracker_add(t, &a, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_tracker_add(t, &b, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_tracker_add(t, &c, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_tracker_add(t, &d, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_tracker_finish(t, &err), SPIRAL_OK);
    ck_assert_uint_eq(spiral_tracker_statements(t), 4);
    ck_assert_uint_eq(spiral_tracker_nperiods(t), 4); /* Jan .. Apr, Feb and Mar included */
    ck_assert_uint_eq(spiral_tracker_ndyads(t), 3);
    /* sorted: ARV->BEL, BEL->ARV, CSO->NONE */
    dy = spiral_tracker_dyad(t, 0);
    ck_assert_str_eq(dy->speaker, "ARV");
    ck_assert_str_eq(dy->target, "BEL");
    ck_assert_uint_eq(dy->n, 2);
    ck_assert_uint_eq(dy->cells[0].n, 2);
    ck_assert_double_eq(dy->cells[0].threat_sum, 2.0);
    ck_assert_double_eq(dy->cells[0].reassurance_sum, 1.0);
    ck_assert_double_eq(dy->cells[0].hostility_sum, 1.0);
    ck_assert_double_eq_tol(dy->cells[0].tone_sum, 10.0 * -2 / 4 + 10.0 * 1 / 3, 1e-12);
    ck_assert_uint_eq(dy->cells[1].n, 0);
    ck_assert_uint_eq(dy->cells[2].n, 0);
    ck_assert_uint_eq(dy->cells[3].n, 0);
    dy = spiral_tracker_dyad(t, 1);
    ck_assert_str_eq(dy->speaker, "BEL");
    ck_assert_uint_eq(dy->cells[3].n, 1);
    ck_assert_double_eq(dy->cells[3].hostility_sum, -2.0);
    dy = spiral_tracker_dyad(t, 2);
    ck_assert_str_eq(dy->speaker, "CSO");
    ck_assert_str_eq(dy->target, "NONE");
    ck_assert_uint_eq(dy->cells[1].n, 1);
    ck_assert_uint_eq(spiral_tracker_npairs(t), 1);
    ck_assert_str_eq(spiral_tracker_pair(t, 0)->a, "ARV");
    ck_assert_str_eq(spiral_tracker_pair(t, 0)->b, "BEL");
    spiral_tracker_free(t);
}
END_TEST

START_TEST(targets_split_a_statement)
{
    spiral_tracker *t;
    spiral_statement st = stmt("s", "2020-03-01", "Office of the Spokesperson", NULL, 3, 1);
    spiral_stmt_target tg[2] = { { "USA", 2.0, 0.5, 2 }, { "UNRESOLVED", 1.0, 0.0, 1 } };
    const spiral_dyad *d;
    spiral_error err;

    st.speaker = "CHN";
    st.targets = tg;
    st.ntargets = 2;
    st.has_targets = 1;
    ck_assert_int_eq(spiral_tracker_new(&t, NULL, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_tracker_add(t, &st, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_tracker_finish(t, &err), SPIRAL_OK);
    ck_assert_uint_eq(spiral_tracker_ndyads(t), 2);
    d = spiral_tracker_dyad(t, 0);
    ck_assert_str_eq(d->speaker, "CHN");
    ck_assert_str_eq(d->target, "UNRESOLVED");
    ck_assert_double_eq(d->cells[0].threat_sum, 1.0);
    d = spiral_tracker_dyad(t, 1);
    ck_assert_str_eq(d->target, "USA");
    ck_assert_uint_eq(d->cells[0].n, 1);
    ck_assert_double_eq(d->cells[0].hostility_sum, 1.5);
    ck_assert_double_eq_tol(d->cells[0].tone_sum, 10.0 * (0.5 - 2) / (0.5 + 2 + 2), 1e-12);
    ck_assert_uint_eq(spiral_tracker_npairs(t), 0); /* UNRESOLVED never pairs */
    spiral_tracker_free(t);
}
END_TEST

START_TEST(bad_statements_leave_tracker_unchanged)
{
    spiral_track_opts o = SPIRAL_TRACK_OPTS_INIT;
    spiral_tracker *t;
    spiral_statement nodate = stmt("a", NULL, "ARV", "BEL", 1, 0);
    spiral_statement coarse = stmt("b", "1971", "ARV", "BEL", 1, 0);
    spiral_statement noactor = stmt("c", "2023-01-01", NULL, "BEL", 1, 0);
    spiral_statement ok = stmt("d", "2023-01-01", "ARV", "BEL", 1, 0);
    spiral_statement far = stmt("e", "2123-01-01", "ARV", "BEL", 1, 0);
    spiral_error err;

    o.max_periods = 120;
    ck_assert_int_eq(spiral_tracker_new(&t, &o, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_tracker_add(t, &nodate, &err), SPIRAL_EINVAL);
    ck_assert_int_eq(spiral_tracker_add(t, &coarse, &err), SPIRAL_EINVAL);
    ck_assert_msg(strstr(err.message, "too coarse for --period month") != NULL, "%s", err.message);
    ck_assert_int_eq(spiral_tracker_add(t, &noactor, &err), SPIRAL_EINVAL);
    ck_assert_int_eq(spiral_tracker_add(t, &ok, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_tracker_add(t, &far, &err), SPIRAL_ELIMIT);
    ck_assert_uint_eq(spiral_tracker_statements(t), 1);
    ck_assert_int_eq(spiral_tracker_finish(t, &err), SPIRAL_OK);
    ck_assert_uint_eq(spiral_tracker_nperiods(t), 1);
    ck_assert_int_eq(spiral_tracker_add(t, &ok, &err), SPIRAL_EINVAL); /* finished */
    spiral_tracker_free(t);

    o.smooth = 2;
    ck_assert_int_eq(spiral_tracker_new(&t, &o, &err), SPIRAL_EINVAL);
    ck_assert_ptr_null(t);
}
END_TEST

START_TEST(exemplars_are_bounded_and_ranked)
{
    spiral_track_opts o = SPIRAL_TRACK_OPTS_INIT;
    spiral_stmt_hit hit = { "threat words", "threat.warning", "x:1", NULL, NULL, 1, 1, 0, 5, 0 };
    spiral_tracker *t;
    const spiral_cell_ex *x;
    spiral_error err;
    char id[32];
    int i;

    o.exemplars = 3;
    ck_assert_int_eq(spiral_tracker_new(&t, &o, &err), SPIRAL_OK);
    for (i = 0; i < 200; i++) {
        spiral_statement st = stmt(id, "2024-02-10", "ARV", "BEL", (i * 37) % 101 / 10.0, 1.0);

        snprintf(id, sizeof id, "s%03d", i);
        st.hits = &hit;
        st.nhits = 1;
        hit.score = st.threat;
        ck_assert_int_eq(spiral_tracker_add(t, &st, &err), SPIRAL_OK);
    }
    ck_assert_int_eq(spiral_tracker_finish(t, &err), SPIRAL_OK);
    x = spiral_tracker_cell_ex(t, 0, 0);
    ck_assert_ptr_nonnull(x);
    ck_assert_uint_eq(x->nhot, 3);
    ck_assert_uint_eq(x->ncool, 3);
    /* the hottest threat is 10.0: (i * 37) % 101 == 100 at i = 30 (37 * 71 = 1 mod 101) */
    ck_assert_double_eq(x->hot[0].threat, 10.0);
    ck_assert_str_eq(x->hot[0].id, "s030");
    ck_assert(x->hot[0].hostility >= x->hot[1].hostility);
    ck_assert(x->hot[1].hostility >= x->hot[2].hostility);
    ck_assert(x->cool[0].hostility <= x->cool[1].hostility);
    ck_assert_double_eq(x->cool[0].threat, 0.0);
    ck_assert_uint_eq(x->hot[0].nhits, 1);
    ck_assert_str_eq(x->hot[0].hits[0].text, "threat words");
    ck_assert_uint_eq(x->cool[0].nhits, 0); /* no reassurance hit to show */
    spiral_tracker_free(t);
}
END_TEST

/* Every allocation of add and finish may fail: ENOMEM, nothing leaked. */
START_TEST(allocation_failures)
{
    spiral_stmt_hit hit = { "w", "threat.warning", "x:1", NULL, NULL, 1, 1, 0, 1, 0 };
    unsigned long n;
    int done = 0;

    for (n = 1; !done && n < 2000; n++) {
        spiral_tracker *t = NULL;
        spiral_error err;
        int rc = SPIRAL_OK, i;

        spiral_alloc_fail_after(n, 0);
        rc = spiral_tracker_new(&t, NULL, &err);
        for (i = 0; rc == SPIRAL_OK && i < 12; i++) {
            spiral_statement st = stmt(i % 2 ? "x" : "y", i % 3 ? "2023-01-05" : "2023-09-05",
                                       i % 2 ? "ARV" : "BEL", i % 2 ? "BEL" : "ARV", i, 1);

            st.hits = &hit;
            st.nhits = 1;
            rc = spiral_tracker_add(t, &st, &err);
        }
        if (rc == SPIRAL_OK)
            rc = spiral_tracker_finish(t, &err);
        spiral_alloc_fail_after(0, 0);
        if (rc == SPIRAL_OK)
            done = 1;
        else
            ck_assert_int_eq(rc, SPIRAL_ENOMEM);
        spiral_tracker_free(t);
    }
    ck_assert_msg(done, "never succeeded");
}
END_TEST

Suite *aggregate_suite(void)
{
    Suite *s = suite_create("aggregate");
    TCase *tc = tcase_create("periods");

    tcase_add_test(tc, iso_weeks_across_year_boundaries);
    tcase_add_test(tc, quarters_months_years_days);
    tcase_add_test(tc, dates_too_coarse_or_malformed);
    suite_add_tcase(s, tc);
    tc = tcase_create("parser");
    tcase_add_test(tc, parse_scored_statement);
    tcase_add_test(tc, parse_targets_raw_and_errors);
    tcase_add_test(tc, speaker_codes);
    suite_add_tcase(s, tc);
    tc = tcase_create("tracker");
    tcase_add_test(tc, empty_periods_are_present);
    tcase_add_test(tc, targets_split_a_statement);
    tcase_add_test(tc, bad_statements_leave_tracker_unchanged);
    tcase_add_test(tc, exemplars_are_bounded_and_ranked);
    tcase_add_test(tc, allocation_failures);
    suite_add_tcase(s, tc);
    return s;
}
