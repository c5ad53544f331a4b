/*
 * test_ingest_feed.c - RSS 2.0, RSS 1.0 and Atom 1.0 feeds: one statement
 * per item with title, link, date, author and content; a feed of 1,000
 * items in one call; a declared charset; recovery with a warning; and one
 * test per attack: an external entity pointing at a local file, an
 * external DTD, billion laughs, quadratic blow-up, a network DTD, deep
 * nesting.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "suites.h"

typedef struct warnings {
    int n;
    spiral_error first, last;
} warnings;

static void collect(const spiral_error *w, void *payload)
{
    warnings *ws = payload;

    if (ws->n++ == 0)
        ws->first = *w;
    ws->last = *w;
}

static const char *tmp_feed(const char *xml, int slot)
{
    return test_tmpfile(xml, strlen(xml), ".xml", slot);
}

static long maxrss_kb(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------------ */
/* Feeds                                                               */
/* ------------------------------------------------------------------ */

START_TEST(rss_items_with_html_content)
{
    spiral_reader *r = test_reader_open("tests/data/feed/mfa-rss.xml", NULL);
    const spiral_record *rec;
    spiral_error err;

    ck_assert_int_eq(spiral_reader_format(r), SPIRAL_FORMAT_FEED);
    rec = test_record(r);
    ck_assert_str_eq(rec->id, "mfa-20220801-1");
    ck_assert_str_eq(rec->title, "外交部发言人就某国军事演习答记者问");
    ck_assert_str_eq(rec->link, "https://www.example.cn/fyrbt/202208/t20220801_1.html");
    ck_assert_str_eq(rec->date, "2022-08-01T15:30:00+08:00");
    ck_assert_str_eq(rec->author, "外交部发言人办公室");
    ck_assert_str_eq(rec->source, "外交部网站 - 发言人答记者问");
    ck_assert_str_eq(rec->lang, "zh");
    ck_assert_uint_eq(rec->line, 13);
    /* content:encoded wins over description; share buttons and scripts go */
    ck_assert_str_eq(rec->text, "外交部发言人就某国军事演习答记者问\n\n"
                                "问：某国近日举行大规模军事演习，中方对此有何评论？\n\n"
                                "答：中方对有关国家的挑衅行为坚决反对，已向其提出严正交涉。\n\n"
                                "我们敦促有关方面立即停止一切危害地区和平稳定的行为。");
    rec = test_record(r);
    ck_assert_str_eq(rec->id, "https://www.example.cn/fyrbt/202207/t20220729_2.html");
    ck_assert_str_eq(rec->date, "2022-07-29T10:00:00Z");
    ck_assert_str_eq(rec->author, "发言人办公室"); /* "press@example.cn (发言人办公室)" */
    ck_assert_str_eq(rec->text, "外交部发言人介绍中方对话倡议\n\n"
                                "中方愿同各方通过对话协商妥善处理分歧，推动合作共赢。\n\n"
                                "我们呼吁有关各方保持克制。");
    rec = test_record(r);
    ck_assert(strstr(rec->id, "mfa-rss.xml:36") != NULL); /* no guid: FILE:LINE */
    ck_assert_str_eq(rec->date, "2022-07-28T18:45:00-04:00");
    ck_assert_ptr_null(rec->author);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 0);
    spiral_reader_free(r);
}
END_TEST

START_TEST(atom_entries_html_xhtml_and_text)
{
    spiral_reader *r = test_reader_open("tests/data/feed/state-atom.xml", NULL);
    const spiral_record *rec;
    spiral_error err;

    rec = test_record(r);
    ck_assert_str_eq(rec->id, "tag:example.gov,2022:press/101");
    ck_assert_str_eq(rec->link, "https://www.example.gov/press/101/");
    ck_assert_str_eq(rec->date, "2022-07-26T10:15:00-04:00"); /* published over updated */
    ck_assert_str_eq(rec->author, "Ned Example, Jane Example");
    ck_assert_str_eq(rec->lang, "en");
    ck_assert_str_eq(rec->source, "Press Releases - Office of the Spokesperson");
    ck_assert_str_eq(rec->text, "Statement on Maritime Security\n\n"
                                "The United States strongly condemns the dangerous provocations "
                                "near the shoal.\n\nWe urge all parties to stop actions that "
                                "raise tensions.");
    rec = test_record(r);
    ck_assert_str_eq(rec->title, "Readout of Talks with Regional Partners");
    ck_assert_str_eq(rec->date, "2022-07-25T09:30:00Z");
    ck_assert_str_eq(rec->author, "Office of the Spokesperson"); /* the feed's */
    ck_assert_str_eq(rec->link, "https://www.example.gov/press/102/");
    ck_assert_str_eq(rec->text, "Readout of Talks with Regional Partners\n\n"
                                "The delegations held talks on a crisis hotline.\n\n"
                                "Both sides reaffirmed their commitment to dialogue and to arms "
                                "control.");
    rec = test_record(r);
    ck_assert_str_eq(rec->date, "2022-07-24");
    ck_assert_str_eq(rec->text, "Note to the Press\n\nWe have no intention of escalating the "
                                "situation.\n\nWe remain open to talks.");
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 0);
    spiral_reader_free(r);
}
END_TEST

START_TEST(rss1_rdf_items)
{
    const char *xml =
        "<?xml version=\"1.0\"?>\n"
        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"\n"
        "         xmlns=\"http://purl.org/rss/1.0/\""
        " xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
        "<channel rdf:about=\"https://example.org/\"><title>Embassy News</title>"
        "<dc:language>en</dc:language></channel>\n"
        "<item rdf:about=\"https://example.org/1\"><title>One</title>"
        "<link>https://example.org/1</link>"
        "<description>We urge dialogue.</description><dc:date>2022-07-20T08:00:00+01:00</dc:date>"
        "<dc:creator>Press Office</dc:creator></item>\n"
        "<item rdf:about=\"https://example.org/2\"><title>Two</title>"
        "<description>Talks continue.</description></item>\n"
        "</rdf:RDF>\n";
    spiral_reader *r = test_reader_open(tmp_feed(xml, 0), NULL);
    const spiral_record *rec = test_record(r);

    ck_assert_str_eq(rec->text, "One\n\nWe urge dialogue.");
    ck_assert_str_eq(rec->date, "2022-07-20T08:00:00+01:00");
    ck_assert_str_eq(rec->author, "Press Office");
    ck_assert_str_eq(rec->source, "Embassy News");
    ck_assert_str_eq(rec->lang, "en");
    ck_assert_uint_eq(rec->line, 5);
    rec = test_record(r);
    ck_assert_str_eq(rec->text, "Two\n\nTalks continue.");
    ck_assert_uint_eq(rec->line, 6);
    ck_assert_int_eq(spiral_reader_next(r, &rec, NULL), 0);
    spiral_reader_free(r);
}
END_TEST

START_TEST(thousand_items_in_one_call)
{
    size_t cap = 1 << 20, n = 0, i;
    char *xml = malloc(cap);
    spiral_session *s = test_session(1);
    spiral_reader *r;
    const spiral_record *rec;
    const spiral_doc *doc;
    spiral_error err;
    unsigned long last = 0;
    int rc;

    ck_assert_ptr_nonnull(xml);
    n += (size_t)snprintf(xml + n, cap - n, "<?xml version=\"1.0\"?>\n<rss version=\"2.0\">"
                                            "<channel><title>Many</title>\n");
    for (i = 0; i < 1000; i++)
        n += (size_t)snprintf(xml + n, cap - n,
                              "<item><title>Statement %zu</title><guid>s%zu</guid>"
                              "<pubDate>Mon, 01 Aug 2022 %02zu:%02zu:00 GMT</pubDate>"
                              "<description>&lt;p&gt;We urge restraint (%zu).&lt;/p&gt;"
                              "&lt;p&gt;中方愿通过对话解决分歧。&lt;/p&gt;</description></item>\n",
                              i, i, i / 60 % 24, i % 60, i);
    n += (size_t)snprintf(xml + n, cap - n, "</channel></rss>\n");
    r = test_reader_open(test_tmpfile(xml, n, ".rss", 0), NULL);
    for (i = 0; (rc = spiral_reader_next(r, &rec, &err)) == 1; i++) {
        char want[32];

        snprintf(want, sizeof want, "s%zu", i);
        ck_assert_str_eq(rec->id, want);
        ck_assert_uint_gt(rec->line, last);
        last = rec->line;
        ck_assert_int_eq(spiral_session_analyze(s, rec->text, rec->text_len, rec->lang, &doc,
                                                &err), SPIRAL_OK);
    }
    ck_assert_int_eq(rc, 0);
    ck_assert_uint_eq(i, 1000);
    spiral_reader_free(r);
    test_teardown();
    free(xml);
}
END_TEST

START_TEST(gbk_declared_in_the_xml_declaration)
{
    /* <?xml encoding="GBK"?> with 中方坚决反对 and 镕 in GBK bytes */
    const char *xml = "<?xml version=\"1.0\" encoding=\"GBK\"?>\n<rss><channel><item>"
                      "<title>\xD6\xD0\xB7\xBD</title><description>\xD6\xD0\xB7\xBD\xBC\xE1"
                      "\xBE\xF6\xB7\xB4\xB6\xD4\xE9\x46</description></item></channel></rss>";
    spiral_reader *r = test_reader_open(tmp_feed(xml, 0), NULL);
    const spiral_record *rec = test_record(r);

    ck_assert_str_eq(rec->title, "中方");
    ck_assert_str_eq(rec->text, "中方坚决反对镕");
    spiral_reader_free(r);
}
END_TEST

START_TEST(malformed_feed_recovered_with_a_warning)
{
    const char *xml = "<?xml version=\"1.0\"?>\n<rss><channel><title>t</title>\n"
                      "<item><title>a</title><description>fine</description></item>\n"
                      "<item><title>b & c</title><description>broken <b>tag</description></item>\n"
                      "</channel></rss>\n";
    spiral_read_opts o = SPIRAL_READ_OPTS_INIT;
    warnings ws = { 0, { 0 }, { 0 } };
    spiral_reader *r;
    const spiral_record *rec;

    o.warn = collect;
    o.warn_payload = &ws;
    r = test_reader_open(tmp_feed(xml, 0), &o);
    rec = test_record(r);
    ck_assert_str_eq(rec->text, "a\n\nfine");
    ck_assert_int_eq(ws.n, 1);
    ck_assert_uint_eq(ws.first.line, 4);
    ck_assert_uint_gt(ws.first.column, 0);
    ck_assert(strstr(ws.first.message, "malformed XML recovered") != NULL);
    rec = test_record(r);
    ck_assert_str_eq(rec->title, "b c");
    spiral_reader_free(r);
}
END_TEST

START_TEST(errors_name_the_item_and_the_run_goes_on)
{
    const char *xml = "<?xml version=\"1.0\"?>\n<rss><channel>\n"
                      "<item><link>https://example.org/empty</link></item>\n"
                      "<item><title>ok</title><pubDate>someday</pubDate></item>\n"
                      "</channel></rss>\n";
    spiral_read_opts o = SPIRAL_READ_OPTS_INIT;
    warnings ws = { 0, { 0 }, { 0 } };
    spiral_reader *r;
    const spiral_record *rec;
    spiral_error err;

    o.warn = collect;
    o.warn_payload = &ws;
    r = test_reader_open(tmp_feed(xml, 0), &o);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_EINVAL);
    ck_assert_uint_eq(err.line, 3);
    ck_assert_str_eq(err.message, "item has no title or content");
    rec = test_record(r);
    ck_assert_str_eq(rec->text, "ok");
    ck_assert_ptr_null(rec->date);
    ck_assert_int_eq(ws.n, 1);
    ck_assert_uint_eq(ws.first.line, 4);
    ck_assert(strstr(ws.first.message, "someday") != NULL);
    spiral_reader_free(r);

    r = test_reader_open(tmp_feed("<?xml version=\"1.0\"?>\n<catalog><item/></catalog>", 0), NULL);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_EINVAL);
    ck_assert(strstr(err.message, "not an RSS or Atom feed") != NULL);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 0);
    spiral_reader_free(r);

    r = test_reader_open(tmp_feed("just text, no markup", 0), NULL);
    ck_assert_int_lt(spiral_reader_next(r, &rec, &err), 0);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 0);
    spiral_reader_free(r);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Attacks                                                             */
/* ------------------------------------------------------------------ */

/* A watch on path: any open or read of it shows as an event. */
static int watch(const char *path)
{
    int fd = inotify_init1(IN_NONBLOCK);

    ck_assert_int_ge(fd, 0);
    ck_assert_int_ge(inotify_add_watch(fd, path, IN_OPEN | IN_ACCESS), 0);
    return fd;
}

static int touched(int fd)
{
    _Alignas(struct inotify_event) char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf), i = 0;

    while (n > 0 && i + (ssize_t)sizeof(struct inotify_event) <= n) {
        const struct inotify_event *e = (const struct inotify_event *)(buf + i);

        if (e->mask & (IN_OPEN | IN_ACCESS))
            return 1;
        i += (ssize_t)sizeof *e + e->len;
    }
    return 0;
}

/* Every string of every record, and whether marker is in any. */
static int read_all_has(spiral_reader *r, const char *marker, int *records, int *errors)
{
    const spiral_record *rec;
    spiral_error err;
    int rc, found = 0;

    *records = *errors = 0;
    while ((rc = spiral_reader_next(r, &rec, &err)) != 0) {
        if (rc < 0) {
            ++*errors;
            if (strstr(err.message, marker))
                found = 1;
            continue;
        }
        ++*records;
        if (strstr(rec->text, marker) || (rec->title && strstr(rec->title, marker)) ||
            (rec->source && strstr(rec->source, marker)) ||
            (rec->link && strstr(rec->link, marker)))
            found = 1;
    }
    return found;
}

START_TEST(xxe_local_file_is_never_read)
{
    const char *marker = "SPIRAL-SECRET-7f3a";
    char secret[64], xml[1024];
    spiral_read_opts o = SPIRAL_READ_OPTS_INIT;
    warnings ws = { 0, { 0 }, { 0 } };
    spiral_reader *r;
    int wfd, records, errors;
    long before;

    snprintf(secret, sizeof secret, "%s", test_tmpfile(marker, strlen(marker), ".txt", 1));
    snprintf(xml, sizeof xml,
             "<?xml version=\"1.0\"?>\n"
             "<!DOCTYPE rss [\n<!ENTITY xxe SYSTEM \"file://%s\">\n"
             "<!ENTITY xxe2 SYSTEM \"%s\">\n]>\n"
             "<rss version=\"2.0\"><channel><title>&xxe;</title>\n"
             "<item><title>leak &xxe2;</title><description>before &xxe; after</description>"
             "<link>&xxe;</link></item>\n</channel></rss>\n", secret, secret);
    spiral_global_init();
    wfd = watch(secret);
    o.warn = collect;
    o.warn_payload = &ws;
    before = maxrss_kb();
    r = test_reader_open(tmp_feed(xml, 0), &o);
    ck_assert_msg(!read_all_has(r, marker, &records, &errors), "the secret was read");
    spiral_reader_free(r);
    ck_assert_int_eq(records, 1);
    ck_assert_int_eq(errors, 0);
    ck_assert_msg(!touched(wfd), "the secret file was opened");
    ck_assert_int_eq(ws.n, 2); /* one warning per external entity */
    ck_assert(strstr(ws.first.message, "external entity 'xxe'") != NULL);
    ck_assert(strstr(ws.first.message, "not loaded") != NULL);
    ck_assert_uint_eq(ws.first.line, 3);
    ck_assert(maxrss_kb() - before < 16 * 1024);
    close(wfd);
    unlink(secret);
    spiral_global_cleanup();
}
END_TEST

START_TEST(external_dtd_and_parameter_entities_are_never_read)
{
    const char *marker = "SPIRAL-DTD-SECRET";
    char dtd[64], secret[64], xml[1024], decl[256];
    spiral_read_opts o = SPIRAL_READ_OPTS_INIT;
    warnings ws = { 0, { 0 }, { 0 } };
    spiral_reader *r;
    int wdtd, wsecret, records, errors;
    long before = maxrss_kb();

    snprintf(secret, sizeof secret, "%s", test_tmpfile(marker, strlen(marker), ".txt", 1));
    snprintf(decl, sizeof decl, "<!ENTITY leak SYSTEM \"file://%s\">\n", secret);
    snprintf(dtd, sizeof dtd, "%s", test_tmpfile(decl, strlen(decl), ".dtd", 2));
    snprintf(xml, sizeof xml,
             "<?xml version=\"1.0\"?>\n"
             "<!DOCTYPE rss SYSTEM \"file://%s\" [\n"
             "<!ENTITY %% remote SYSTEM \"file://%s\">\n%%remote;\n]>\n"
             "<rss><channel><item><title>x &leak; y</title></item></channel></rss>\n", dtd, dtd);
    spiral_global_init();
    wdtd = watch(dtd);
    wsecret = watch(secret);
    o.warn = collect;
    o.warn_payload = &ws;
    r = test_reader_open(tmp_feed(xml, 0), &o);
    ck_assert(!read_all_has(r, marker, &records, &errors));
    spiral_reader_free(r);
    ck_assert_int_eq(records, 1);
    ck_assert_msg(!touched(wdtd), "the DTD was opened");
    ck_assert_msg(!touched(wsecret), "the secret was opened");
    ck_assert(maxrss_kb() - before < 16 * 1024);
    ck_assert_int_ge(ws.n, 1);
    ck_assert(strstr(ws.first.message, "external DTD") != NULL ||
              strstr(ws.first.message, "malformed") != NULL);
    close(wdtd);
    close(wsecret);
    unlink(dtd);
    unlink(secret);
    spiral_global_cleanup();
}
END_TEST

START_TEST(billion_laughs_is_refused)
{
    char xml[4096];
    size_t n = 0;
    int i, j;
    spiral_reader *r;
    const spiral_record *rec;
    spiral_error err;
    long before;
    double t0;

    n += (size_t)snprintf(xml + n, sizeof xml - n,
                          "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY lol0 \"lol\">\n");
    for (i = 1; i < 10; i++) {
        n += (size_t)snprintf(xml + n, sizeof xml - n, "<!ENTITY lol%d \"", i);
        for (j = 0; j < 10; j++)
            n += (size_t)snprintf(xml + n, sizeof xml - n, "&lol%d;", i - 1);
        n += (size_t)snprintf(xml + n, sizeof xml - n, "\">\n");
    }
    n += (size_t)snprintf(xml + n, sizeof xml - n,
                          "]>\n<rss><channel><item><title>laugh</title>"
                          "<description>&lol9;</description></item></channel></rss>\n");
    before = maxrss_kb();
    t0 = now();
    r = test_reader_open(test_tmpfile(xml, n, ".xml", 0), NULL);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_ELIMIT);
    ck_assert(strstr(err.message, "billion laughs") != NULL);
    ck_assert_uint_eq(err.line, 14); /* the reference, not a line inside an entity */
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 0);
    spiral_reader_free(r);
    ck_assert(now() - t0 < 5.0);
    ck_assert_msg(maxrss_kb() - before < 32 * 1024, "memory grew by %ld KiB", maxrss_kb() - before);
}
END_TEST

/* One 100 KB entity referenced 10,000 times (a gigabyte expanded): the
 * record limit stops the expansion. */
START_TEST(quadratic_blowup_stops_at_the_record_limit)
{
    size_t n = 0, cap = 400000, i;
    char *xml = malloc(cap);
    spiral_read_opts o = SPIRAL_READ_OPTS_INIT;
    spiral_reader *r;
    const spiral_record *rec;
    spiral_error err;
    long before;
    double t0;
    int rc;

    ck_assert_ptr_nonnull(xml);
    n += (size_t)snprintf(xml + n, cap - n,
                          "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY big \"");
    for (i = 0; i < 100000; i++)
        xml[n++] = 'x';
    n += (size_t)snprintf(xml + n, cap - n, "\">]>\n<rss><channel><item><description>");
    for (i = 0; i < 10000; i++)
        n += (size_t)snprintf(xml + n, cap - n, "&big;");
    n += (size_t)snprintf(xml + n, cap - n, "</description></item></channel></rss>\n");
    o.max_record_bytes = (size_t)4 << 20;
    before = maxrss_kb();
    t0 = now();
    r = test_reader_open(test_tmpfile(xml, n, ".xml", 0), &o);
    rc = spiral_reader_next(r, &rec, &err);
    ck_assert_msg(rc == SPIRAL_ELIMIT, "rc %d: %s", rc, rc < 0 ? err.message : "");
    spiral_reader_free(r);
    ck_assert(now() - t0 < 10.0);
    ck_assert_msg(maxrss_kb() - before < 64 * 1024, "memory grew by %ld KiB", maxrss_kb() - before);
    free(xml);
}
END_TEST

static int listener(int *port)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int s = socket(AF_INET, SOCK_STREAM, 0);

    ck_assert_int_ge(s, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(listen(s, 8), 0);
    ck_assert_int_eq(getsockname(s, (struct sockaddr *)&a, &len), 0);
    *port = ntohs(a.sin_port);
    return s;
}

START_TEST(network_dtd_and_entities_are_never_fetched)
{
    char xml[2048];
    int port, s = listener(&port), records, errors;
    struct pollfd p;
    spiral_reader *r;
    long before = maxrss_kb();

    snprintf(xml, sizeof xml,
             "<?xml version=\"1.0\"?>\n"
             "<!DOCTYPE rss PUBLIC \"-//Netscape Communications//DTD RSS 0.91//EN\" "
             "\"http://127.0.0.1:%d/rss-0.91.dtd\" [\n"
             "<!ENTITY %% pe SYSTEM \"http://127.0.0.1:%d/pe.dtd\">\n%%pe;\n"
             "<!ENTITY net SYSTEM \"http://127.0.0.1:%d/entity.txt\">\n]>\n"
             "<rss version=\"0.91\"><channel><item><title>We urge &net; dialogue</title>"
             "</item></channel></rss>\n", port, port, port);
    spiral_global_init();
    r = test_reader_open(tmp_feed(xml, 0), NULL);
    ck_assert(!read_all_has(r, "entity.txt", &records, &errors));
    ck_assert_int_eq(records, 1);
    spiral_reader_free(r);
    p.fd = s;
    p.events = POLLIN;
    p.revents = 0;
    ck_assert_msg(poll(&p, 1, 100) == 0, "the parser connected to the DTD's server");
    ck_assert(maxrss_kb() - before < 16 * 1024);
    close(s);
    spiral_global_cleanup();
}
END_TEST

START_TEST(deep_nesting_is_refused)
{
    size_t depth = 50000, i, n = 0;
    char *xml = malloc(depth * 8 + 128);
    spiral_reader *r;
    const spiral_record *rec;
    spiral_error err;

    ck_assert_ptr_nonnull(xml);
    n += (size_t)sprintf(xml + n, "<rss><channel><item><description>");
    for (i = 0; i < depth; i++)
        n += (size_t)sprintf(xml + n, "<b>");
    for (i = 0; i < depth; i++)
        n += (size_t)sprintf(xml + n, "</b>");
    n += (size_t)sprintf(xml + n, "</description></item></channel></rss>");
    r = test_reader_open(test_tmpfile(xml, n, ".xml", 0), NULL);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_ELIMIT);
    ck_assert(strstr(err.message, "nested deeper than 256") != NULL);
    spiral_reader_free(r);
    free(xml);
}
END_TEST

START_TEST(feed_over_the_document_limit)
{
    spiral_read_opts o = SPIRAL_READ_OPTS_INIT;
    spiral_reader *r;
    const spiral_record *rec;
    spiral_error err;

    o.max_doc_bytes = 1000;
    r = test_reader_open("tests/data/feed/mfa-rss.xml", &o);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_ELIMIT);
    ck_assert(strstr(err.message, "1000-byte limit (--max-doc-bytes)") != NULL);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 0);
    spiral_reader_free(r);
}
END_TEST

/* Fuzzing found both: a field over its limit made the item (a date over
 * 256 bytes) or the whole feed (a channel title over --max-bytes) fail as
 * "out of memory".  The date is left out with a warning, the channel
 * field is left out, and the items are read. */
START_TEST(over_long_date_or_channel_field_is_left_out)
{
    char feed[2048], longer[400];
    spiral_read_opts o = SPIRAL_READ_OPTS_INIT;
    warnings ws;
    spiral_reader *r;
    const spiral_record *rec;

    memset(&ws, 0, sizeof ws);
    memset(longer, 'x', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    snprintf(feed, sizeof feed,
             "<rss version=\"2.0\"><channel><title>%s</title>"
             "<item><title>We warn.</title><pubDate>%s</pubDate></item>"
             "<item><title>We welcome talks.</title></item></channel></rss>", longer, longer);
    o.max_record_bytes = 300;
    o.warn = collect;
    o.warn_payload = &ws;
    r = test_reader_open(test_tmpfile(feed, strlen(feed), ".rss", 0), &o);
    rec = test_record(r);
    ck_assert_str_eq(rec->text, "We warn.");
    ck_assert_ptr_null(rec->date);
    ck_assert_ptr_null(rec->source);
    ck_assert_int_ge(ws.n, 1);
    ck_assert_ptr_nonnull(strstr(ws.last.message, "over 256 bytes"));
    rec = test_record(r);
    ck_assert_str_eq(rec->text, "We welcome talks.");
    ck_assert_int_eq(spiral_reader_next(r, &rec, NULL), 0);
    spiral_reader_free(r);
}
END_TEST

Suite *ingest_feed_suite(void)
{
    Suite *s = suite_create("ingest_feed");
    TCase *tc = tcase_create("feed");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, rss_items_with_html_content);
    tcase_add_test(tc, atom_entries_html_xhtml_and_text);
    tcase_add_test(tc, rss1_rdf_items);
    tcase_add_test(tc, thousand_items_in_one_call);
    tcase_add_test(tc, gbk_declared_in_the_xml_declaration);
    tcase_add_test(tc, malformed_feed_recovered_with_a_warning);
    tcase_add_test(tc, errors_name_the_item_and_the_run_goes_on);
    tcase_add_test(tc, xxe_local_file_is_never_read);
    tcase_add_test(tc, external_dtd_and_parameter_entities_are_never_read);
    tcase_add_test(tc, billion_laughs_is_refused);
    tcase_add_test(tc, quadratic_blowup_stops_at_the_record_limit);
    tcase_add_test(tc, network_dtd_and_entities_are_never_fetched);
    tcase_add_test(tc, deep_nesting_is_refused);
    tcase_add_test(tc, feed_over_the_document_limit);
    tcase_add_test(tc, over_long_date_or_channel_field_is_left_out);
    suite_add_tcase(s, tc);
    return s;
}
