/*
 * test_ingest_html.c - web pages as statements: the main text without the
 * page's furniture, its title, date, source, language and canonical URL,
 * the declared charsets (GBK declared as gb2312, Big5), recovery with a
 * warning, and the attacks: deep nesting, a network DTD, a 100 MB page.
 */
#define _DEFAULT_SOURCE 1 /* mkstemps */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "suites.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

typedef struct warnings {
    int n;
    spiral_error first;
} warnings;

static void collect(const spiral_error *w, void *payload)
{
    warnings *ws = payload;

    if (ws->n++ == 0)
        ws->first = *w;
}

static const char *tmp_page(const char *html, int slot)
{
    return test_tmpfile(html, strlen(html), ".html", slot);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *s;
    long n;

    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    s = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(s);
    ck_assert_uint_eq(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return s;
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

/* The hits of an analysis as "text|category|score;..." */
static char *hit_list(spiral_session *s, const char *text, size_t len)
{
    const spiral_doc *doc;
    const spiral_hit *h;
    const char *t;
    spiral_error err;
    size_t n, i, o = 0, cap = 1 << 16;
    char *out = malloc(cap);

    ck_assert_ptr_nonnull(out);
    ck_assert_int_eq(spiral_session_analyze(s, text, len, NULL, &doc, &err), SPIRAL_OK);
    h = spiral_doc_hits(doc, &n);
    t = spiral_doc_text(doc, NULL);
    out[0] = '\0';
    for (i = 0; i < n && o + 512 < cap; i++)
        o += (size_t)snprintf(out + o, cap - o, "%.*s|%s|%.4f;", (int)(h[i].end - h[i].start),
                              t + h[i].start, h[i].category, h[i].score);
    return out;
}

static spiral_session *session_with(const char *lexdir, spiral_lexicon **lex, spiral_dict **dict)
{
    spiral_session *s;
    spiral_error err;

    ck_assert_msg(spiral_dict_load(dict, TEST_DICT, &err) == SPIRAL_OK, "%s", err.message);
    ck_assert_msg(spiral_lexicon_load(lex, lexdir, &err) == SPIRAL_OK, "%s: %s:%lu: %s", lexdir,
                  err.file, err.line, err.message);
    ck_assert_int_eq(spiral_session_new(&s, *dict, *lex, NULL, &err), SPIRAL_OK);
    return s;
}

/* ------------------------------------------------------------------ */
/* Extraction                                                          */
/* ------------------------------------------------------------------ */

START_TEST(mfa_page_main_text_without_furniture)
{
    spiral_reader *r = test_reader_open("tests/data/html/mfa-zh.html", NULL);
    const spiral_record *rec;
    char *want = slurp("tests/data/html/mfa-zh.txt", NULL);
    size_t n = strlen(want);

    ck_assert_int_eq(spiral_reader_format(r), SPIRAL_FORMAT_HTML);
    ck_assert_str_eq(spiral_format_name(SPIRAL_FORMAT_HTML), "html");
    rec = test_record(r);
    while (n > 0 && want[n - 1] == '\n')
        want[--n] = '\0';
    /* the headline, then the four paragraphs, a blank line between each */
    ck_assert_str_eq(rec->text, want);
    ck_assert_str_eq(rec->title, "外交部发言人就某国在南海举行军事演习答记者问");
    ck_assert_str_eq(rec->date, "2022-08-01T15:30:00");
    ck_assert_str_eq(rec->source, "外交部网站");
    ck_assert_ptr_null(rec->lang); /* no lang attribute: the library detects it */
    ck_assert_ptr_null(rec->link);
    ck_assert_uint_eq(rec->line, 1);
    ck_assert(strstr(rec->id, "mfa-zh.html:1") != NULL);
    ck_assert_int_eq(spiral_reader_next(r, &rec, NULL), 0);
    spiral_reader_free(r);
    free(want);
}
END_TEST

START_TEST(state_page_meta_fields)
{
    spiral_reader *r = test_reader_open("tests/data/html/state-en.html", NULL);
    const spiral_record *rec = test_record(r);
    static const char *const furniture[] = {
        "Skip to content", "Policy Issues", "Office of the Spokesperson", "Press Statement",
        "Share on", "Tags:", "Related Articles", "Privacy Policy", "Home", "condemn sanctions",
        "example page", NULL
    };
    size_t i;

    ck_assert_str_eq(rec->title, "Statement on Maritime Security in the South China Sea");
    ck_assert_str_eq(rec->date, "2022-07-26T10:15:00-04:00");
    ck_assert_str_eq(rec->source, "United States Department of State");
    ck_assert_str_eq(rec->author, "Office of the Spokesperson");
    ck_assert_str_eq(rec->link, "https://www.example.gov/statement-on-maritime-security/");
    ck_assert_str_eq(rec->lang, "en");
    ck_assert(strncmp(rec->text, "Statement on Maritime Security in the South China Sea\n\n"
                                 "The United States strongly condemns", 90) == 0);
    ck_assert(strstr(rec->text, "Shoal last week, which put") != NULL);
    ck_assert(strstr(rec->text, "individuals responsible.\n\nAt the same time") != NULL);
    ck_assert(strstr(rec->text, "arms control discussions in the region.") != NULL);
    for (i = 0; furniture[i]; i++)
        ck_assert_msg(strstr(rec->text, furniture[i]) == NULL, "'%s' in the text", furniture[i]);
    spiral_reader_free(r);
}
END_TEST

/* The page and its text as a document give the same hits. */
START_TEST(page_and_doc_give_the_same_hits)
{
    spiral_lexicon *lex;
    spiral_dict *dict;
    spiral_session *s = session_with("tests/golden/data/lexicon", &lex, &dict);
    spiral_read_opts o = SPIRAL_READ_OPTS_INIT;
    spiral_reader *r;
    const spiral_record *rec;
    char *a, *b;

    o.format = SPIRAL_FORMAT_DOC;
    r = test_reader_open("tests/data/html/mfa-zh.txt", &o);
    rec = test_record(r);
    a = hit_list(s, rec->text, rec->text_len);
    spiral_reader_free(r);
    r = test_reader_open("tests/data/html/mfa-zh.html", NULL);
    rec = test_record(r);
    b = hit_list(s, rec->text, rec->text_len);
    spiral_reader_free(r);
    ck_assert_msg(strlen(a) > 100, "too few hits: %s", a);
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
    spiral_session_free(s);
    spiral_lexicon_free(lex);
    spiral_dict_free(dict);
}
END_TEST

/* The acceptance test: the seed text, scored as a document, and
 * the same text wrapped in a news page (breadcrumb, navigation, share
 * buttons, related links, footer) give the same hits with the shipped
 * lexicons.  The page is built here from ../shared, never committed. */
static void html_escape(FILE *f, const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        switch (s[i]) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        default: fputc(s[i], f);
        }
}

static int blank_line(const char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')
            i++;
        else if (n - i >= 2 && memcmp(s + i, "\xC2\xA0", 2) == 0)
            i += 2;
        else if (n - i >= 3 && memcmp(s + i, "\xE3\x80\x80", 3) == 0)
            i += 3;
        else
            return 0;
    }
    return 1;
}

START_TEST(seed_page_gives_the_same_hits_as_the_seed_text)
{
    const char *shared = getenv("SPIRAL_SHARED") ? getenv("SPIRAL_SHARED") : "../shared";
    char seed[512], html[64];
    const char *lines[512];
    size_t lens[512], nl = 0, len, i;
    char *text, *p, *a, *b;
    spiral_read_opts o = SPIRAL_READ_OPTS_INIT;
    spiral_lexicon *lex;
    spiral_dict *dict;
    spiral_session *s;
    spiral_reader *r;
    const spiral_record *rec;
    FILE *f;
    int fd;

    snprintf(seed, sizeof seed, "%s/seeds/walt-2022-security-dilemma.zh.txt", shared);
    if ((text = slurp(seed, &len)) == NULL) {
        fprintf(stderr, "seed_page_gives_the_same_hits_as_the_seed_text: skipped, %s not "
                        "found\n", seed);
        return;
    }
    for (p = text; p < text + len && nl < 512;) {
        char *e = memchr(p, '\n', (size_t)(text + len - p));
        size_t n = e ? (size_t)(e - p) : (size_t)(text + len - p);

        if (!blank_line(p, n)) {
            lines[nl] = p;
            lens[nl++] = n;
        }
        p += n + 1;
    }
    ck_assert_uint_ge(nl, 6);
    snprintf(html, sizeof html, "/tmp/spiral-seed-XXXXXX.html");
    ck_assert_int_ge(fd = mkstemps(html, 5), 0);
    ck_assert_ptr_nonnull(f = fdopen(fd, "w"));
    /* line 1 is the breadcrumb, 2 the title, 3 the date and source */
    fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\n<title>", f);
    html_escape(f, lines[1], lens[1]);
    fputs("_国际资讯</title>\n<script>var hot = [\"威胁\", \"挑衅\", \"战争\"];</script>\n"
          "</head><body>\n<div class=\"topbar\"><a href=\"/login\">登录</a> <a href=\"/reg\">"
          "注册</a></div>\n<div id=\"nav\"><ul><li><a href=\"/\">首页</a></li><li><a href="
          "\"/gj/\">国际资讯</a></li><li><a href=\"/js/\">军事</a></li><li><a href=\"/jj/\">"
          "经济</a></li></ul></div>\n<div class=\"main\">\n<div class=\"crumbs\">", f);
    html_escape(f, lines[0], lens[0]);
    fputs("</div>\n<div class=\"article\">\n<h1>", f);
    html_escape(f, lines[1], lens[1]);
    fputs("</h1>\n<div class=\"info\">", f);
    html_escape(f, lines[2], lens[2]);
    fputs("</div>\n<div class=\"bdshare\">分享到：<a>微信</a> <a>微博</a> <a>QQ空间</a></div>\n"
          "<div class=\"content\" id=\"zoom\">\n", f);
    for (i = 3; i < nl; i++) {
        if (lens[i] >= 12 && memcmp(lines[i], "相关搜索", 12) == 0)
            continue;
        fputs("<p>", f);
        html_escape(f, lines[i], lens[i]);
        fputs("</p>\n", f);
    }
    fputs("</div>\n<div class=\"related\"><h3>相关阅读</h3><ul><li><a href=\"/1\">北约东扩再引"
          "战争威胁之忧</a></li><li><a href=\"/2\">制裁与反制裁的螺旋</a></li></ul></div>\n", f);
    for (i = 3; i < nl; i++)
        if (lens[i] >= 12 && memcmp(lines[i], "相关搜索", 12) == 0) {
            fputs("<div class=\"tags\">", f);
            html_escape(f, lines[i], lens[i]);
            fputs("</div>\n", f);
        }
    fputs("</div>\n<div class=\"sidebar\"><h3>热点推荐</h3><ul><li><a>军事冲突升级</a></li>"
          "</ul></div>\n</div>\n<div class=\"footer\">版权所有 © 国际资讯网 "
          "京ICP备00000000号</div>\n</body></html>\n", f);
    fclose(f);

    s = session_with("lexicons", &lex, &dict);
    o.format = SPIRAL_FORMAT_DOC;
    r = test_reader_open(seed, &o);
    rec = test_record(r);
    a = hit_list(s, rec->text, rec->text_len);
    spiral_reader_free(r);
    r = test_reader_open(html, NULL);
    rec = test_record(r);
    ck_assert(strstr(rec->text, "您现在的位置") == NULL);
    ck_assert(strstr(rec->text, "相关") == NULL || strstr(rec->text, "相关阅读") == NULL);
    ck_assert(strstr(rec->text, "分享到") == NULL);
    ck_assert(strstr(rec->text, "版权所有") == NULL);
    ck_assert_str_eq(rec->date, "2022-08-01T13:47:49");
    ck_assert_str_eq(rec->source, "尚道社会研究所");
    ck_assert_str_eq(rec->lang, "zh");
    b = hit_list(s, rec->text, rec->text_len);
    spiral_reader_free(r);
    unlink(html);
    ck_assert_msg(strlen(a) > 200, "too few hits: %s", a);
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
    free(text);
    spiral_session_free(s);
    spiral_lexicon_free(lex);
    spiral_dict_free(dict);
}
END_TEST

START_TEST(paragraphs_breaks_and_white_space)
{
    const char *html =
        "<html><body><div class=\"content\">"
        "<h2>标题</h2><p>中国\n人民  在这里。</p><p>one\ntwo&nbsp;&amp; three</p>"
        "<ul><li>first</li><li>second</li></ul>"
        "<p>line<br>break<br><br>paragraph</p><pre>  keep\n   this</pre>"
        "<p style=\"display:none\">hidden</p><p hidden>also hidden</p>"
        "<table><tr><td>a</td><td>b</td></tr></table>"
        "<p>\xE2\x80\x8Bzero\xC2\xADwidth</p>"
        "</div></body></html>";
    spiral_reader *r = test_reader_open(tmp_page(html, 0), NULL);
    const spiral_record *rec = test_record(r);

    ck_assert_str_eq(rec->text,
                     "标题\n\n中国人民 在这里。\n\none two & three\n\nfirst\n\nsecond\n\n"
                     "line\nbreak\n\nparagraph\n\n  keep\n   this\n\na b\n\nzerowidth");
    spiral_reader_free(r);
}
END_TEST

START_TEST(dates_in_many_forms)
{
    static const struct {
        const char *html, *date;
    } cases[] = {
        { "<meta name=\"PubDate\" content=\"2022-08-01 10:05\"><p>文本内容足够长。</p>",
          "2022-08-01T10:05:00" },
        { "<p class=\"info\">更新时间:2022-08-01 13:47:49 | 来源: 尚道社会研究所</p><p>正文。</p>",
          "2022-08-01T13:47:49" },
        { "<div>2022年8月1日</div><p>正文内容在这里。</p>", "2022-08-01" },
        { "<p>Posted on July 26, 2022 by staff</p><p>Body text here.</p>", "2022-07-26" },
        { "<p>Washington, July 26, 2022</p><p>Body.</p>", "2022-07-26" },
        { "<time datetime=\"2022-07-26T08:00:00Z\">Tuesday</time><p>Body.</p>",
          "2022-07-26T08:00:00Z" },
        { "<meta property=\"article:modified_time\" content=\"2022-07-27T00:00:00+08:00\">"
          "<p>Body.</p>", "2022-07-27T00:00:00+08:00" },
        { "<p>No date at all in 2022/13/45.</p>", NULL },
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        spiral_reader *r = test_reader_open(tmp_page(cases[i].html, 1), NULL);
        const spiral_record *rec = test_record(r);

        if (cases[i].date == NULL)
            ck_assert_msg(rec->date == NULL, "case %zu: %s", i, rec->date);
        else
            ck_assert_msg(rec->date && strcmp(rec->date, cases[i].date) == 0,
                          "case %zu: %s, not %s", i, rec->date ? rec->date : "NULL",
                          cases[i].date);
        spiral_reader_free(r);
    }
}
END_TEST

/* ------------------------------------------------------------------ */
/* Charsets                                                            */
/* ------------------------------------------------------------------ */

START_TEST(gbk_page_declared_gb2312)
{
    spiral_reader *r = test_reader_open("tests/data/html/gbk.html", NULL);
    const spiral_record *rec = test_record(r);

    ck_assert_str_eq(rec->text, "中方就边境局势表明立场\n\n中方坚决反对任何单方面改变现状的挑衅行为。\n\n"
                                "两国人民的友谊在历史中镕铸而成，中方愿通过对话协商解决分歧，共同保持克制。");
    ck_assert_str_eq(rec->title, "中方就边境局势表明立场");
    ck_assert_str_eq(rec->date, "2022-07-30T09:12:05");
    ck_assert_str_eq(rec->source, "新闻中心");
    ck_assert_uint_eq(rec->replaced, 0);
    spiral_reader_free(r);
}
END_TEST

START_TEST(big5_page)
{
    spiral_reader *r = test_reader_open("tests/data/html/big5.html", NULL);
    const spiral_record *rec = test_record(r);

    ck_assert_str_eq(rec->text, "外交部就區域安全發表聲明\n\n外交部對近期的軍事演習表示嚴重關切，並堅決反對任何挑釁行為。"
                                "\n\n我們呼籲各方保持克制，透過對話協商化解分歧，共創合作共贏的未來。");
    ck_assert_str_eq(rec->date, "2022-07-28");
    ck_assert_str_eq(rec->lang, "zh");
    spiral_reader_free(r);
}
END_TEST

START_TEST(bad_bytes_in_the_declared_charset)
{
    /* "中方" in GBK, then 0xFF (never valid in GBK), then "反对" */
    const char *html = "<html><head><meta charset=\"gbk\"></head>\n<body>\n"
                       "<p>\xD6\xD0\xB7\xBD\xFF\xB7\xB4\xB6\xD4</p></body></html>";
    spiral_read_opts o = SPIRAL_READ_OPTS_INIT;
    const spiral_record *rec;
    spiral_reader *r;
    spiral_error err;

    r = test_reader_open(tmp_page(html, 0), NULL);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_EENCODING);
    ck_assert_uint_eq(err.line, 3);
    ck_assert(strstr(err.message, "gbk") != NULL);
    spiral_reader_free(r);
    o.invalid_utf8 = SPIRAL_UTF8_REPLACE;
    r = test_reader_open(tmp_page(html, 0), &o);
    rec = test_record(r);
    ck_assert_str_eq(rec->text, "中方\xEF\xBF\xBD反对");
    ck_assert_uint_eq(rec->replaced, 1);
    spiral_reader_free(r);
}
END_TEST

START_TEST(gb18030_four_byte_sequences)
{
    /* 中 (two bytes) and U+20000 (four bytes, outside GBK) in GB18030 */
    const char *html = "<html><head><meta http-equiv=\"Content-Type\" "
                       "content=\"text/html; charset=GB18030\"></head>"
                       "<body><p>\xD6\xD0\x95\x32\x82\x36</p></body></html>";
    spiral_reader *r = test_reader_open(tmp_page(html, 0), NULL);
    const spiral_record *rec = test_record(r);

    ck_assert_str_eq(rec->text, "中\xF0\xA0\x80\x80");
    spiral_reader_free(r);
}
END_TEST

START_TEST(undeclared_charset_must_be_utf8)
{
    const char *html = "<html><body>\n<p>caf\xE9</p></body></html>";
    const spiral_record *rec;
    spiral_reader *r = test_reader_open(tmp_page(html, 0), NULL);
    spiral_error err;

    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_EENCODING);
    ck_assert_uint_eq(err.line, 2);
    ck_assert(strstr(err.message, "no charset declared") != NULL);
    spiral_reader_free(r);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Damage and attacks                                                  */
/* ------------------------------------------------------------------ */

START_TEST(malformed_markup_recovered_with_a_warning)
{
    const char *html = "<html><head><title>t</title></head><body>\n"
                       "<div class=\"content\">\n"
                       "<p>We urge restraint.\n"
                       "<p>Talks <b>must <i>go on</b></i> & soon.</div></span>\n"
                       "<p>Dialogue is the way</p>\n";
    spiral_read_opts o = SPIRAL_READ_OPTS_INIT;
    warnings ws = { 0, { 0 } };
    spiral_reader *r;
    const spiral_record *rec;

    o.warn = collect;
    o.warn_payload = &ws;
    r = test_reader_open(tmp_page(html, 0), &o);
    rec = test_record(r);
    ck_assert_int_eq(ws.n, 1); /* one warning per page */
    ck_assert_uint_eq(ws.first.line, 4);
    ck_assert_uint_gt(ws.first.column, 0);
    ck_assert(strstr(ws.first.file, ".html") != NULL);
    ck_assert(strstr(ws.first.message, "malformed HTML recovered") != NULL);
    ck_assert(strstr(rec->text, "We urge restraint.") != NULL);
    ck_assert(strstr(rec->text, "Talks must go on & soon.") != NULL);
    spiral_reader_free(r);
}
END_TEST

START_TEST(deep_nesting_is_refused)
{
    size_t depth = 100000, i, n = 0;
    char *html = malloc(depth * 11 + 64);
    const spiral_record *rec;
    spiral_reader *r;
    spiral_error err;
    double t0 = now();

    ck_assert_ptr_nonnull(html);
    n += (size_t)sprintf(html + n, "<html><body>");
    for (i = 0; i < depth; i++)
        n += (size_t)sprintf(html + n, "<div>");
    n += (size_t)sprintf(html + n, "deep");
    for (i = 0; i < depth; i++)
        n += (size_t)sprintf(html + n, "</div>");
    r = test_reader_open(test_tmpfile(html, n, ".html", 0), NULL);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_ELIMIT);
    ck_assert(strstr(err.message, "nested deeper than 256") != NULL);
    ck_assert_uint_eq(err.line, 1);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 0);
    ck_assert(now() - t0 < 10.0);
    spiral_reader_free(r);
    free(html);
}
END_TEST

/* A listening socket on the loopback: a fetch would show as a pending
 * connection. */
static int listener(int *port)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int s = socket(AF_INET, SOCK_STREAM, 0);

    ck_assert_int_ge(s, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    ck_assert_int_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(listen(s, 8), 0);
    ck_assert_int_eq(getsockname(s, (struct sockaddr *)&a, &len), 0);
    *port = ntohs(a.sin_port);
    return s;
}

static int connection_pending(int s)
{
    struct pollfd p = { s, POLLIN, 0 };

    return poll(&p, 1, 100) > 0;
}

START_TEST(network_dtd_is_never_fetched)
{
    char html[2048];
    int port, s = listener(&port);
    spiral_reader *r;
    const spiral_record *rec;
    long before = maxrss_kb();

    snprintf(html, sizeof html,
             "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" "
             "\"http://127.0.0.1:%d/xhtml1-strict.dtd\">\n"
             "<html xmlns=\"http://www.w3.org/1999/xhtml\"><head>"
             "<link rel=\"stylesheet\" href=\"http://127.0.0.1:%d/a.css\"/>"
             "<script src=\"http://127.0.0.1:%d/a.js\"></script></head><body>"
             "<iframe src=\"http://127.0.0.1:%d/frame\"></iframe>"
             "<img src=\"http://127.0.0.1:%d/i.png\"/><p>We urge dialogue.</p></body></html>",
             port, port, port, port, port);
    spiral_global_init();
    r = test_reader_open(tmp_page(html, 0), NULL);
    rec = test_record(r);
    ck_assert_str_eq(rec->text, "We urge dialogue.");
    spiral_reader_free(r);
    ck_assert_msg(!connection_pending(s), "the parser connected to the DTD's server");
    ck_assert(maxrss_kb() - before < 16 * 1024);
    close(s);
    spiral_global_cleanup();
}
END_TEST

/* Whether an inotify watch saw a read (IN_IGNORED, when the file goes,
 * does not count). */
static int accessed(int fd)
{
    _Alignas(struct inotify_event) char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf), i = 0;

    while (n > 0 && i + (ssize_t)sizeof(struct inotify_event) <= n) {
        const struct inotify_event *e = (const struct inotify_event *)(buf + i);

        if (e->mask & IN_ACCESS)
            return 1;
        i += (ssize_t)sizeof *e + e->len;
    }
    return 0;
}

START_TEST(hundred_megabyte_page_refused_by_the_size_limit)
{
    const char *path = "/tmp/spiral-test-100mb.html";
    char chunk[1 << 16];
    spiral_reader *r;
    const spiral_record *rec;
    spiral_error err;
    long before;
    double t0;
    FILE *f;
    int i, wfd;

    /* 100 MB of a plausible page, made here and removed at the end */
    memset(chunk, 'a', sizeof chunk);
    for (i = 0; i < (int)sizeof chunk; i += 64)
        memcpy(chunk + i, "<p>We urge dialogue and restraint.</p>\n", 39);
    ck_assert_ptr_nonnull(f = fopen(path, "wb"));
    fputs("<html><body>", f);
    for (i = 0; i < 1600; i++)
        ck_assert_uint_eq(fwrite(chunk, 1, sizeof chunk, f), sizeof chunk);
    fclose(f);

    before = maxrss_kb();
    t0 = now();
    wfd = inotify_init1(IN_NONBLOCK);
    ck_assert_int_ge(wfd, 0);
    ck_assert_int_ge(inotify_add_watch(wfd, path, IN_ACCESS), 0);
    r = test_reader_open(path, NULL);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_ELIMIT);
    ck_assert(strstr(err.message, "--max-doc-bytes") != NULL);
    ck_assert(strstr(err.message, "not read") != NULL);
    ck_assert_str_eq(err.file, path);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), 0);
    spiral_reader_free(r);
    ck_assert_msg(!accessed(wfd), "the page was read");
    close(wfd);
    ck_assert_msg(now() - t0 < 2.0, "refusal took %.1f s", now() - t0);
    ck_assert_msg(maxrss_kb() - before < 16 * 1024, "memory grew by %ld KiB", maxrss_kb() - before);
    unlink(path);
}
END_TEST

/* The same through a pipe, where the size is not known: reading stops at
 * the limit. */
START_TEST(hundred_megabytes_through_a_pipe_stop_at_the_limit)
{
    spiral_read_opts o = SPIRAL_READ_OPTS_INIT;
    char path[64];
    int fds[2];
    pid_t pid;
    spiral_reader *r;
    const spiral_record *rec;
    spiral_error err;
    long before;
    double t0;

    ck_assert_int_eq(pipe(fds), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        char chunk[1 << 16];
        int i;

        close(fds[0]);
        signal(SIGPIPE, SIG_DFL);
        memset(chunk, ' ', sizeof chunk);
        memcpy(chunk, "<html><body><p>x</p>", 20);
        for (i = 0; i < 1600; i++)
            if (write(fds[1], chunk, sizeof chunk) < 0)
                break;
        _exit(0);
    }
    close(fds[1]);
    snprintf(path, sizeof path, "/dev/fd/%d", fds[0]);
    o.format = SPIRAL_FORMAT_HTML;
    o.max_doc_bytes = (size_t)1 << 20;
    before = maxrss_kb();
    t0 = now();
    r = test_reader_open(path, &o);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_ELIMIT);
    ck_assert(strstr(err.message, "reading stopped") != NULL);
    spiral_reader_free(r);
    close(fds[0]);
    waitpid(pid, NULL, 0);
    ck_assert(now() - t0 < 5.0);
    ck_assert_msg(maxrss_kb() - before < 16 * 1024, "memory grew by %ld KiB", maxrss_kb() - before);
}
END_TEST

START_TEST(page_without_text_and_text_over_the_limit)
{
    const char *nav = "<html><body><nav><a href=\"/\">Home</a></nav><script>x()</script>"
                      "</body></html>";
    spiral_read_opts o = SPIRAL_READ_OPTS_INIT;
    const spiral_record *rec;
    spiral_reader *r;
    spiral_error err;

    r = test_reader_open(tmp_page(nav, 0), NULL);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_EINVAL);
    ck_assert_str_eq(err.message, "no text found in the page");
    spiral_reader_free(r);
    o.max_record_bytes = 10;
    r = test_reader_open("tests/data/html/state-en.html", &o);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_ELIMIT);
    spiral_reader_free(r);
    r = test_reader_open(test_tmpfile("", 0, ".html", 0), NULL);
    ck_assert_int_eq(spiral_reader_next(r, &rec, &err), SPIRAL_EINVAL);
    ck_assert_str_eq(err.message, "empty file");
    spiral_reader_free(r);
}
END_TEST

START_TEST(formats_detected_from_extension_and_content)
{
    static const struct {
        const char *content, *suffix;
        spiral_format fmt;
    } cases[] = {
        { "<p>x</p>", ".htm", SPIRAL_FORMAT_HTML },
        { "<p>x</p>", ".XHTML", SPIRAL_FORMAT_HTML },
        { "<?xml version=\"1.0\"?>\n<!-- c --><!DOCTYPE rss [<!ENTITY a \"b\">]><rss/>", ".xml",
          SPIRAL_FORMAT_FEED },
        { "<feed xmlns=\"http://www.w3.org/2005/Atom\"/>", ".atom", SPIRAL_FORMAT_FEED },
        { "<rdf:RDF/>", ".rdf", SPIRAL_FORMAT_FEED },
        { "<?xml version=\"1.0\"?><html><body/></html>", ".xml", SPIRAL_FORMAT_HTML },
        { "  <!DOCTYPE html><html></html>", ".dat", SPIRAL_FORMAT_HTML },
        { "<?xml version=\"1.0\"?><rss version=\"2.0\"/>", "", SPIRAL_FORMAT_FEED },
        { "<div>x</div>", "", SPIRAL_FORMAT_HTML },
        { "text,id\nx,1\n", ".csv", SPIRAL_FORMAT_CSV },
        { "text\tid\nx\t1\n", ".tsv", SPIRAL_FORMAT_CSV },
        { "{\"text\":\"x\"}\n", "", SPIRAL_FORMAT_JSONL },
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        spiral_reader *r = test_reader_open(test_tmpfile(cases[i].content, strlen(cases[i].content),
                                                  cases[i].suffix, 2), NULL);

        ck_assert_msg(spiral_reader_format(r) == cases[i].fmt, "case %zu: %s", i,
                      spiral_format_name(spiral_reader_format(r)));
        spiral_reader_free(r);
    }
    ck_assert_str_eq(spiral_format_name(SPIRAL_FORMAT_FEED), "feed");
    ck_assert_str_eq(spiral_format_name(SPIRAL_FORMAT_CSV), "csv");
}
END_TEST

START_TEST(global_init_is_idempotent)
{
    ck_assert_int_eq(spiral_global_init(), SPIRAL_OK);
    ck_assert_int_eq(spiral_global_init(), SPIRAL_OK);
    spiral_global_cleanup();
    spiral_global_cleanup();
}
END_TEST

Suite *ingest_html_suite(void)
{
    Suite *s = suite_create("ingest_html");
    TCase *tc = tcase_create("html");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, mfa_page_main_text_without_furniture);
    tcase_add_test(tc, state_page_meta_fields);
    tcase_add_test(tc, page_and_doc_give_the_same_hits);
    tcase_add_test(tc, seed_page_gives_the_same_hits_as_the_seed_text);
    tcase_add_test(tc, paragraphs_breaks_and_white_space);
    tcase_add_test(tc, dates_in_many_forms);
    tcase_add_test(tc, gbk_page_declared_gb2312);
    tcase_add_test(tc, big5_page);
    tcase_add_test(tc, bad_bytes_in_the_declared_charset);
    tcase_add_test(tc, gb18030_four_byte_sequences);
    tcase_add_test(tc, undeclared_charset_must_be_utf8);
    tcase_add_test(tc, malformed_markup_recovered_with_a_warning);
    tcase_add_test(tc, deep_nesting_is_refused);
    tcase_add_test(tc, network_dtd_is_never_fetched);
    tcase_add_test(tc, hundred_megabyte_page_refused_by_the_size_limit);
    tcase_add_test(tc, hundred_megabytes_through_a_pipe_stop_at_the_limit);
    tcase_add_test(tc, page_without_text_and_text_over_the_limit);
    tcase_add_test(tc, formats_detected_from_extension_and_content);
    tcase_add_test(tc, global_init_is_idempotent);
    suite_add_tcase(s, tc);
    return s;
}
