/*
 * test_report.c - the report: the SVG charts parsed as XML with libxml2
 * (root, namespace, the series, the shaded episodes, one dot per period
 * with statements), the HTML page well-formed and self-contained (no
 * script, nothing fetched from elsewhere), with the statements behind the
 * peaks and every string escaped; and the JSON and CSV emitters' shapes.
 */
#include <check.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spiral.h"
#include "suites.h"

/* A pair AAA <-> BBB that escalates and calms down over 16 months, with a
 * one-sided dyad CCC -> NONE and a title that needs escaping. */
static spiral_tracker *tracker(void)
{
    static const double a[16] = { 0, 0, 0, 2, 4, 6, 8, 10, 10, 10, 10, 7, 4, 1, 0, 0 };
    static const double b[16] = { 0, 0, 0, 0, 2, 4, 6, 8, 10, 10, 10, 7, 4, 1, 0, 0 };
    spiral_stmt_hit hit = { "red <lines> & \"more\"", "threat.warning", "en/threat.tsv:1", NULL,
                            NULL, 2, 2, 0, 5, 0 };
    spiral_track_opts o = SPIRAL_TRACK_OPTS_INIT;
    spiral_tracker *t;
    spiral_error err;
    char date[16], id[16];
    int m, k;

    o.smooth = 1;
    ck_assert_int_eq(spiral_tracker_new(&t, &o, &err), SPIRAL_OK);
    for (m = 0; m < 16; m++)
        for (k = 0; k < 3; k++) {
            spiral_statement st;

            if (k == 2 && m % 3)
                continue;
            memset(&st, 0, sizeof st);
            snprintf(date, sizeof date, "%04d-%02d-10", 2023 + m / 12, m % 12 + 1);
            snprintf(id, sizeof id, "%c%02d", 'a' + k, m);
            st.id = id;
            st.date = date;
            st.actor = k == 0 ? "AAA" : k == 1 ? "BBB" : "CCC";
            st.target = k == 0 ? "BBB" : k == 1 ? "AAA" : NULL;
            st.title = "Title <with> & \"quotes\"";
            st.threat = k == 0 ? a[m] : k == 1 ? b[m] : 1;
            st.reassurance = 0.5;
            st.hits = &hit;
            st.nhits = 1;
            ck_assert_int_eq(spiral_tracker_add(t, &st, &err), SPIRAL_OK);
        }
    ck_assert_int_eq(spiral_tracker_finish(t, &err), SPIRAL_OK);
    return t;
}

/* Run f(out, t, ...) into a memory buffer; returns it (caller frees). */
static char *capture_svg(const spiral_tracker *t, size_t pair, size_t *len, int *rc)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);

    ck_assert_ptr_nonnull(f);
    *rc = spiral_report_write_svg(f, t, pair);
    fclose(f);
    return buf;
}

static char *capture_html(const spiral_tracker *t, size_t *len)
{
    spiral_report_opts o = SPIRAL_REPORT_OPTS_INIT;
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);

    o.title = "Report <&>";
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(spiral_report_write_html(f, t, &o), SPIRAL_OK);
    fclose(f);
    return buf;
}

static int count(xmlXPathContextPtr ctx, const char *expr)
{
    xmlXPathObjectPtr r = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
    int n;

    ck_assert_ptr_nonnull(r);
    n = r->nodesetval ? r->nodesetval->nodeNr : 0;
    xmlXPathFreeObject(r);
    return n;
}

START_TEST(svg_is_valid_xml_with_the_series)
{
    spiral_tracker *t = tracker();
    xmlDocPtr doc;
    xmlNodePtr root;
    xmlXPathContextPtr ctx;
    size_t len;
    char *svg;
    int rc;

    svg = capture_svg(t, 0, &len, &rc);
    ck_assert_int_eq(rc, SPIRAL_OK);
    doc = xmlReadMemory(svg, (int)len, "chart.svg", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                                             XML_PARSE_NOWARNING);
    ck_assert_msg(doc != NULL, "the SVG is not well-formed XML");
    root = xmlDocGetRootElement(doc);
    ck_assert_str_eq((const char *)root->name, "svg");
    ck_assert_ptr_nonnull(root->ns);
    ck_assert_str_eq((const char *)root->ns->href, "http://www.w3.org/2000/svg");
    ctx = xmlXPathNewContext(doc);
    xmlXPathRegisterNs(ctx, (const xmlChar *)"s", (const xmlChar *)"http://www.w3.org/2000/svg");
    ck_assert_int_eq(count(ctx, "/s:svg/s:title"), 1);
    /* both directions' smoothed lines, in each of them 16 points */
    ck_assert_int_eq(count(ctx, "//s:path[@class='ab']"), 1);
    ck_assert_int_eq(count(ctx, "//s:path[@class='ba']"), 1);
    {
        xmlXPathObjectPtr r = xmlXPathEvalExpression((const xmlChar *)"//s:path[@class='ab']/@d", ctx);
        xmlChar *d = xmlNodeGetContent(r->nodesetval->nodeTab[0]);
        int moves = 0, lines = 0;
        const xmlChar *p;

        for (p = d; *p; p++) {
            moves += *p == 'M';
            lines += *p == 'L';
        }
        ck_assert_int_eq(moves, 1);
        ck_assert_int_eq(lines, 15);
        xmlFree(d);
        xmlXPathFreeObject(r);
    }
    /* a dot per period with statements, each way */
    ck_assert_int_eq(count(ctx, "//s:g[@class='hostility']//s:circle"), 32);
    /* the two episodes shaded in both panels */
    ck_assert_int_eq(count(ctx, "//s:rect[@class='escalation']"), 2);
    ck_assert_int_eq(count(ctx, "//s:rect[@class='deescalation']"), 2);
    ck_assert_int_eq(count(ctx, "//s:g[@class='spiral']"), 1);
    ck_assert_int_eq(count(ctx, "//s:script"), 0);
    ck_assert_int_eq(count(ctx, "//@href"), 0);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(doc);
    free(svg);
    svg = capture_svg(t, 1, &len, &rc);
    ck_assert_int_eq(rc, SPIRAL_EINVAL); /* no second pair */
    free(svg);
    spiral_tracker_free(t);
}
END_TEST

START_TEST(html_is_self_contained)
{
    spiral_tracker *t = tracker();
    xmlDocPtr doc;
    xmlXPathContextPtr ctx;
    size_t len;
    char *html = capture_html(t, &len);

    doc = xmlReadMemory(html, (int)len, "report.html", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    ck_assert_msg(doc != NULL, "the page is not well-formed");
    ctx = xmlXPathNewContext(doc);
    xmlXPathRegisterNs(ctx, (const xmlChar *)"s", (const xmlChar *)"http://www.w3.org/2000/svg");
    ck_assert_int_eq(count(ctx, "//script"), 0);
    ck_assert_int_eq(count(ctx, "//link"), 0);
    ck_assert_int_eq(count(ctx, "//img"), 0);
    ck_assert_int_eq(count(ctx, "//@src"), 0);
    /* the only links are to places on the page */
    ck_assert_int_eq(count(ctx, "//@href[not(starts-with(., '#'))]"), 0);
    ck_assert_int_eq(count(ctx, "//style"), 1);
    ck_assert_int_eq(count(ctx, "//section[@id='pair-AAA-BBB']"), 1);
    /* the pair's chart and the one-sided dyad's */
    ck_assert_int_eq(count(ctx, "//s:svg"), 2);
    /* the peaks' statements, both sides, with their hits */
    ck_assert_int_ge(count(ctx, "//div[contains(@class,'stmt')]"), 4);
    ck_assert_int_ge(count(ctx, "//mark[.='red <lines> & \"more\"']"), 2);
    ck_assert_int_eq(count(ctx, "//h1[.='Report <&>']"), 1);
    ck_assert_int_eq(count(ctx, "//title[.='Report <&>']"), 1);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(doc);
    ck_assert(strstr(html, "http://") == NULL || strstr(html, "http://www.w3.org/2000/svg"));
    ck_assert_ptr_null(strstr(html, "https://"));
    ck_assert_ptr_null(strstr(html, "@import"));
    ck_assert_ptr_null(strstr(html, "url("));
    free(html);
    spiral_tracker_free(t);
}
END_TEST

START_TEST(empty_tracker_report)
{
    spiral_tracker *t;
    spiral_error err;
    xmlDocPtr doc;
    size_t len;
    char *html;

    ck_assert_int_eq(spiral_tracker_new(&t, NULL, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_tracker_finish(t, &err), SPIRAL_OK);
    html = capture_html(t, &len);
    doc = xmlReadMemory(html, (int)len, "r.html", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR);
    ck_assert_ptr_nonnull(doc);
    ck_assert_ptr_nonnull(strstr(html, "No statements"));
    xmlFreeDoc(doc);
    free(html);
    spiral_tracker_free(t);
}
END_TEST

START_TEST(json_and_csv_shapes)
{
    spiral_tracker *t = tracker();
    char *buf = NULL;
    size_t len, k, lines = 0;
    FILE *f;

    /* dyads.csv: a header and one row per dyad and period (3 dyads x 16) */
    f = open_memstream(&buf, &len);
    ck_assert_int_eq(spiral_track_write_csv(f, t, SPIRAL_CSV_DYADS), SPIRAL_OK);
    fclose(f);
    for (k = 0; k < len; k++)
        lines += buf[k] == '\n';
    ck_assert_uint_eq(lines, 1 + 3 * 16);
    ck_assert(strncmp(buf, "speaker,target,period,period_start,n,threat_sum,", 48) == 0);
    ck_assert_ptr_nonnull(strstr(buf, "\nCCC,NONE,2023-02,2023-02-01,0,0,,0,,0,,0,\n"));
    free(buf);
    /* episodes.csv: the two episodes */
    buf = NULL;
    f = open_memstream(&buf, &len);
    ck_assert_int_eq(spiral_track_write_csv(f, t, SPIRAL_CSV_EPISODES), SPIRAL_OK);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "\nAAA,BBB,1,escalation,2023-05,2023-09,2023-11,false,7,AAA,1,"));
    ck_assert_ptr_nonnull(strstr(buf, "\nAAA,BBB,2,de-escalation,2023-12,2024-03,2024-04,true,5,,0,"));
    free(buf);
    /* JSON: one document that jansson-free checks can still frame */
    buf = NULL;
    f = open_memstream(&buf, &len);
    ck_assert_int_eq(spiral_track_write_json(f, t), SPIRAL_OK);
    fclose(f);
    ck_assert(strncmp(buf, "{\"spiral_track\":1,\"period\":\"month\"", 34) == 0);
    ck_assert_ptr_null(strstr(buf, "nan"));
    ck_assert_ptr_null(strstr(buf, "inf"));
    ck_assert_ptr_nonnull(strstr(buf, "\"kind\":\"escalation\",\"start\":\"2023-05\""));
    ck_assert_int_eq(buf[len - 1], '\n');
    free(buf);
    spiral_tracker_free(t);
}
END_TEST

Suite *report_suite(void)
{
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("report");

    tcase_add_test(tc, svg_is_valid_xml_with_the_series);
    tcase_add_test(tc, html_is_self_contained);
    tcase_add_test(tc, empty_tracker_report);
    tcase_add_test(tc, json_and_csv_shapes);
    suite_add_tcase(s, tc);
    return s;
}
