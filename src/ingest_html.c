/*
 * ingest_html.c - web pages as statements, and the markup plumbing the
 * feed reader shares.
 *
 * The ingest stage hands this module the bytes of one page (bounded by
 * --max-doc-bytes).  They are turned into UTF-8 from the declared charset
 * (GBK, GB2312, GB18030 and Big5 pages included), parsed by libxml2's HTML
 * parser with the network, DTDs and entity loading shut off, and the page
 * yields one record: the main text, the title, the publication date in ISO
 * 8601, the source, the author, the language and the canonical URL.
 *
 * The main text is found the way readability tools find it.  Elements that
 * are never text (script, style ...) and site furniture (nav, header,
 * footer, aside, menus, and anything whose class or id says breadcrumb,
 * share, related, sidebar, comment ...) are set aside; every paragraph of
 * at least 25 characters then scores its parent and, less, its ancestors,
 * by its length and its commas; the best-scoring block, discounted by the
 * share of its text inside links, is the article, joined by siblings that
 * score nearly as well.  Inside it, short blocks that are mostly links or
 * open with "相关阅读", "分享到", "您现在的位置" and the like are dropped.
 * The headline (the page's <h1>) comes first; paragraphs, headings and
 * list items are separated by blank lines, which the segmenter takes as
 * sentence boundaries.  Offsets of hits refer to this text, which
 * `spiral score --emit-text` prints.
 */
#include "ingest_html.h"

#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "alloc.h"
#include "datetime.h"
#include "error.h"
#include "utf8.h"

/* ================================================================== */
/* Small string helpers                                                */
/* ================================================================== */

static int lower_ascii(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Case-insensitive search for an ASCII needle in n bytes of hay. */
static const char *find_ci(const char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle), i, j;

    if (k == 0 || n < k)
        return NULL;
    for (i = 0; i + k <= n; i++) {
        for (j = 0; j < k && lower_ascii((unsigned char)hay[i + j]) == needle[j]; j++)
            ;
        if (j == k)
            return hay + i;
    }
    return NULL;
}

static int eq_ci(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (lower_ascii((unsigned char)*a) != lower_ascii((unsigned char)*b))
            return 0;
    return *a == *b;
}

/* White space of every kind the renderer collapses. */
static int is_space_cp(int32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' ||
           cp == 0xA0 || cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F ||
           cp == 0x205F || cp == 0x1680;
}

/* East Asian wide characters: a line break between two of them is not a space. */
static int is_wide_cp(int32_t cp)
{
    return spiral_is_han(cp) || (cp >= 0x3000 && cp <= 0x30FF) || (cp >= 0xFF00 && cp <= 0xFFEF) ||
           (cp >= 0x3100 && cp <= 0x31FF);
}

int spiral_markup_clean_str(spiral_buf *b, const char *s, size_t len)
{
    size_t i = 0;
    int space = 0;

    spiral_buf_reset(b);
    if (spiral_buf_reserve(b, len) < 0)
        return SPIRAL_ENOMEM;
    while (i < len) {
        int32_t cp;
        int n = spiral_utf8_decode((const unsigned char *)s + i, len - i, &cp);

        if (n <= 0) { /* cannot happen on parser output; keep the byte's place */
            i++;
            continue;
        }
        if (is_space_cp(cp)) {
            space = b->len > 0;
        } else if (cp != 0x200B && cp != 0xFEFF && (cp >= 0x20 || cp == '\t')) {
            if (space && spiral_buf_putc(b, ' ') < 0)
                return SPIRAL_ENOMEM;
            space = 0;
            if (spiral_buf_append(b, s + i, (size_t)n) < 0)
                return SPIRAL_ENOMEM;
        }
        i += (size_t)n;
    }
    return spiral_buf_reserve(b, 0);
}

void spiral_markup_warn(spiral_reader *r, unsigned long line, unsigned long column,
                        const char *fmt, ...)
{
    spiral_error w;
    va_list ap;

    if (r->o.warn == NULL)
        return;
    spiral_error_set(&w, SPIRAL_EPARSE, r->path, line, column, "%s", "");
    va_start(ap, fmt);
    vsnprintf(w.message, sizeof w.message, fmt, ap);
    va_end(ap);
    r->o.warn(&w, r->o.warn_payload);
}

const char *spiral_markup_lang(const char *tag)
{
    char t[8];
    size_t i;

    if (tag == NULL)
        return NULL;
    while (*tag == ' ')
        tag++;
    for (i = 0; i + 1 < sizeof t && tag[i] && tag[i] != '-' && tag[i] != '_' && tag[i] != ' '; i++)
        t[i] = (char)lower_ascii((unsigned char)tag[i]);
    t[i] = '\0';
    if (strcmp(t, "zh") == 0 || strcmp(t, "zho") == 0 || strcmp(t, "chi") == 0 ||
        strcmp(t, "cmn") == 0)
        return "zh";
    if (strcmp(t, "en") == 0 || strcmp(t, "eng") == 0)
        return "en";
    return NULL;
}

/* ================================================================== */
/* Charsets                                                            */
/* ================================================================== */

/* The token after "charset" / "encoding" in a tag: charset="gbk",
 * content="text/html; charset=gb2312", encoding='GB18030'. */
static int charset_after(const char *p, const char *end, char *out, size_t n)
{
    size_t k = 0;

    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    if (p >= end || *p != '=')
        return 0;
    p++;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '"' || *p == '\''))
        p++;
    while (p < end && k + 1 < n &&
           ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == ':'))
        out[k++] = *p++;
    out[k] = '\0';
    return k > 0;
}

/* The charset a document declares in its first bytes, with the line of
 * the declaration.  HTML: <meta charset> / http-equiv, else an XML
 * declaration; XML: the declaration only. */
static int declared_charset(const char *s, size_t len, int is_xml, char *out, size_t n,
                            unsigned long *line)
{
    size_t scan = len < 16384 ? len : 16384;
    const char *end = s + scan, *p, *q;

    if (!is_xml) {
        for (p = s; (q = find_ci(p, (size_t)(end - p), "<meta")) != NULL; p = q + 5) {
            const char *close = memchr(q, '>', (size_t)(end - q)), *c;

            if (close == NULL)
                break;
            for (c = q; (c = find_ci(c, (size_t)(close - c), "charset")) != NULL; c += 7)
                if (charset_after(c + 7, close, out, n))
                    goto found;
        }
        p = s;
    } else {
        p = s;
    }
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    if ((size_t)(end - p) >= 5 && memcmp(p, "<?xml", 5) == 0) {
        const char *close = find_ci(p, (size_t)(end - p), "?>"), *c;

        if (close && (c = find_ci(p, (size_t)(close - p), "encoding")) != NULL &&
            charset_after(c + 8, close, out, n)) {
            q = c;
            goto found;
        }
    }
    return 0;
found:
    *line = 1;
    for (p = s; p < q; p++)
        *line += *p == '\n';
    return 1;
}

/* iconv's name for a declared charset (WHATWG's mapping for the Chinese
 * ones), NULL for UTF-8 (no conversion). */
static const char *iconv_name(const char *cs)
{
    static const char *const gbk[] = { "gb2312", "gbk", "x-gbk", "cp936", "ms936", "windows-936",
                                       "gb_2312-80", "gb_2312", "csgb2312", "chinese",
                                       "iso-ir-58", "euc-cn", "csiso58gb231280", "gb18030",
                                       NULL };
    static const char *const big5[] = { "big5", "big-5", "cn-big5", "csbig5", "x-x-big5",
                                        "big5-hkscs", "cp950", NULL };
    static const char *const latin[] = { "iso-8859-1", "iso8859-1", "latin1", "l1", "us-ascii",
                                         "ascii", "windows-1252", "cp1252", "x-cp1252", NULL };
    static const char *const utf8[] = { "utf-8", "utf8", "unicode-1-1-utf-8", "utf-16",
                                        "utf-16le", "utf-16be", NULL };
    size_t i;

    for (i = 0; utf8[i]; i++)
        if (eq_ci(cs, utf8[i]))
            return NULL;
    for (i = 0; gbk[i]; i++)
        if (eq_ci(cs, gbk[i]))
            return "GB18030";
    for (i = 0; big5[i]; i++)
        if (eq_ci(cs, big5[i]))
            return "BIG5-HKSCS";
    for (i = 0; latin[i]; i++)
        if (eq_ci(cs, latin[i]))
            return "CP1252";
    return cs;
}

static unsigned long line_at(const char *s, size_t off)
{
    unsigned long line = 1;
    size_t i;

    for (i = 0; i < off; i++)
        line += s[i] == '\n';
    return line;
}

/* Convert with iconv, applying the reader's policy to invalid sequences. */
static int convert(spiral_reader *r, iconv_t cd, const char *cs, const char *in, size_t len,
                   spiral_buf *out, size_t *replaced, spiral_error *err)
{
    char *ip = (char *)(uintptr_t)in;
    size_t il = len;

    spiral_buf_reset(out);
    if (spiral_buf_reserve(out, len + len / 2 + 16) < 0)
        return spiral_error_nomem(err, r->path);
    while (il > 0) {
        char *op = out->data + out->len;
        size_t ol = out->cap - out->len - 1, before = ol;
        size_t rc = iconv(cd, &ip, &il, &op, &ol);
        int e = errno;

        out->len += before - ol;
        if (rc != (size_t)-1)
            break;
        if (e == E2BIG) {
            if (spiral_buf_reserve(out, out->cap) < 0)
                return spiral_error_nomem(err, r->path);
            continue;
        }
        /* EILSEQ or EINVAL: a sequence invalid in cs, or cut off at the end */
        if (r->o.invalid_utf8 == SPIRAL_UTF8_REJECT) {
            size_t at = (size_t)(ip - in);

            spiral_error_set(err, SPIRAL_EENCODING, r->path, line_at(in, at), 0,
                             "invalid %s byte sequence (byte 0x%02X at offset %zu); "
                             "use --invalid-utf8 replace to keep such pages",
                             cs, (unsigned char)*ip, at);
            if (err)
                err->offset = at;
            return SPIRAL_EENCODING;
        }
        if (spiral_buf_append(out, "\xEF\xBF\xBD", 3) < 0)
            return spiral_error_nomem(err, r->path);
        (*replaced)++;
        ip++;
        il--;
        iconv(cd, NULL, NULL, NULL, NULL);
    }
    out->data[out->len] = '\0';
    return SPIRAL_OK;
}

int spiral_markup_utf8(spiral_reader *r, int is_xml, const char *in, size_t len,
                       spiral_buf *out, const char **text, size_t *text_len,
                       size_t *replaced, spiral_error *err)
{
    const unsigned char *u = (const unsigned char *)in;
    const char *cs = NULL, *name;
    char declared[48];
    unsigned long line = 0;
    size_t bad;
    iconv_t cd;
    int rc;

    *replaced = 0;
    *text = in;
    *text_len = len;
    if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE) {
        cs = "UTF-16LE";
        in += 2, len -= 2;
    } else if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF) {
        cs = "UTF-16BE";
        in += 2, len -= 2;
    } else if (declared_charset(in, len, is_xml, declared, sizeof declared, &line)) {
        cs = declared;
    }
    name = cs ? iconv_name(cs) : NULL;
    if (name != NULL) {
        if ((cd = iconv_open("UTF-8", name)) == (iconv_t)-1) {
            spiral_markup_warn(r, line, 0, "unknown charset '%s'; read as UTF-8", cs);
        } else {
            rc = convert(r, cd, cs, in, len, out, replaced, err);
            iconv_close(cd);
            if (rc < 0)
                return rc;
            *text = out->data;
            *text_len = out->len;
            return SPIRAL_OK;
        }
    }
    *text = in;
    *text_len = len;
    if ((bad = spiral_utf8_check(in, len)) == len)
        return SPIRAL_OK;
    if (r->o.invalid_utf8 == SPIRAL_UTF8_REJECT) {
        spiral_error_set(err, SPIRAL_EENCODING, r->path, line_at(in, bad), 0,
                         "invalid UTF-8 (byte 0x%02X at offset %zu)%s; use --invalid-utf8 "
                         "replace to keep such pages", (unsigned char)in[bad], bad,
                         cs ? "" : " and no charset declared");
        if (err)
            err->offset = bad;
        return SPIRAL_EENCODING;
    }
    spiral_buf_reset(out);
    if (spiral_utf8_repair(out, in, len, replaced) < 0)
        return spiral_error_nomem(err, r->path);
    *text = out->data;
    *text_len = out->len;
    return SPIRAL_OK;
}

/* ================================================================== */
/* Guarded parses                                                      */
/* ================================================================== */

/* libxml2's structured errors for one parse (the context's sax->serror,
 * so nothing global is touched). */
static void on_parse_error(void *payload, xmlErrorPtr e)
{
    xmlParserCtxtPtr ctxt = payload;
    spiral_markup_diag *d = ctxt ? ctxt->_private : NULL;
    size_t n;
    int fatal;

    /* HTML5 element names and "</" inside scripts are how pages are
     * written today, not damage: not counted */
    if (d == NULL || e == NULL || e->code == XML_HTML_UNKNOWN_TAG ||
        (e->message && strstr(e->message, "embeds close tag")))
        return;
    fatal = e->code == XML_ERR_INTERNAL_ERROR || e->code == XML_ERR_NO_MEMORY ||
            e->code == XML_ERR_ENTITY_LOOP || e->code == XML_ERR_DOCUMENT_EMPTY;
    if (fatal && d->fatal && e->code == d->fatal_code && e->line > 0 &&
        (unsigned long)e->line > d->first.line) {
        /* an entity's errors come with lines inside its text; the last
         * report is at the reference in the document */
        d->first.line = (unsigned long)e->line;
        d->first.column = e->int2 > 0 ? (unsigned long)e->int2 : 0;
        return;
    }
    if (fatal && !d->fatal) {
        d->fatal = 1;
        d->fatal_code = e->code;
    } else if (fatal || d->problems++ > 0) {
        return;
    }
    spiral_error_set(&d->first, fatal ? SPIRAL_EPARSE : 0, d->path,
                     e->line > 0 ? (unsigned long)e->line : 0,
                     e->int2 > 0 ? (unsigned long)e->int2 : 0, "%s",
                     e->message ? e->message : "malformed markup");
    n = strlen(d->first.message);
    while (n > 0 && (d->first.message[n - 1] == '\n' || d->first.message[n - 1] == ' '))
        d->first.message[--n] = '\0';
}

int spiral_markup_refuse(spiral_reader *r, const spiral_markup_diag *d, const char *what,
                         spiral_error *err)
{
    unsigned long line = d->first.line ? d->first.line : 1;
    const char *m = d->first.message;

    switch (d->fatal_code) {
    case XML_ERR_ENTITY_LOOP:
        return spiral_error_set(err, SPIRAL_ELIMIT, r->path, line, d->first.column,
                                "%s refused: entity expansion beyond libxml2's limits (an "
                                "entity reference loop or exponential expansion, as in "
                                "\"billion laughs\"); nothing was expanded", what);
    case XML_ERR_INTERNAL_ERROR:
        if (strncmp(m, "Excessive depth", 15) == 0)
            return spiral_error_set(err, SPIRAL_ELIMIT, r->path, line, d->first.column,
                                    "%s refused: markup nested deeper than 256 levels "
                                    "(libxml2's limit)", what);
        break;
    case XML_ERR_NO_MEMORY:
        return spiral_error_set(err, SPIRAL_ELIMIT, r->path, line, d->first.column,
                                "%s refused: %s (out of memory, or a text or name over "
                                "libxml2's size limits)", what, m);
    case XML_ERR_DOCUMENT_EMPTY:
        return spiral_error_set(err, SPIRAL_EPARSE, r->path, line, d->first.column,
                                "%s refused: no markup in the document", what);
    }
    return spiral_error_set(err, SPIRAL_EPARSE, r->path, line, d->first.column,
                            "%s refused: %s", what, m);
}

static void diag_init(spiral_markup_diag *d, const char *path)
{
    memset(d, 0, sizeof *d);
    d->path = path;
}

static void hook_errors(xmlParserCtxtPtr ctxt, spiral_markup_diag *d)
{
    /* serror is only consulted when the handler is marked as SAX2; the
     * HTML parser calls the SAX1 callbacks either way. */
    ctxt->sax->initialized = XML_SAX2_MAGIC;
    ctxt->sax->serror = on_parse_error;
    ctxt->userData = ctxt;
    ctxt->_private = d;
}

xmlDocPtr spiral_markup_parse_html(const char *text, size_t len, const char *path,
                                   spiral_markup_diag *diag)
{
    spiral_markup_diag local;
    htmlParserCtxtPtr ctxt;
    xmlDocPtr doc;

    if (diag == NULL)
        diag = &local;
    diag_init(diag, path);
    if (len > INT_MAX || (ctxt = htmlNewParserCtxt()) == NULL)
        return NULL;
    hook_errors(ctxt, diag);
    spiral_markup_guard(1);
    doc = htmlCtxtReadMemory(ctxt, text, (int)len, NULL, "UTF-8",
                             HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                             HTML_PARSE_NOWARNING | HTML_PARSE_IGNORE_ENC | HTML_PARSE_COMPACT);
    spiral_markup_guard(0);
    htmlFreeParserCtxt(ctxt);
    return doc;
}

xmlDocPtr spiral_markup_parse_xml(const char *text, size_t len, const char *path,
                                  spiral_markup_diag *diag)
{
    spiral_markup_diag local;
    xmlParserCtxtPtr ctxt;
    xmlDocPtr doc;

    if (diag == NULL)
        diag = &local;
    diag_init(diag, path);
    if (len > INT_MAX || (ctxt = xmlNewParserCtxt()) == NULL)
        return NULL;
    hook_errors(ctxt, diag);
    spiral_markup_guard(1);
    /* Never XML_PARSE_NOENT, XML_PARSE_DTDLOAD, XML_PARSE_DTDATTR or
     * XML_PARSE_HUGE: entities stay references, no DTD is read, and
     * libxml2's limits on depth and entity amplification hold. */
    doc = xmlCtxtReadMemory(ctxt, text, (int)len, NULL, "UTF-8",
                            XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR |
                            XML_PARSE_NOWARNING | XML_PARSE_IGNORE_ENC | XML_PARSE_NOCDATA |
                            XML_PARSE_BIG_LINES | XML_PARSE_COMPACT);
    spiral_markup_guard(0);
    xmlFreeParserCtxt(ctxt);
    return doc;
}

/* ================================================================== */
/* Elements                                                            */
/* ================================================================== */

enum {
    K_INLINE = 0,
    K_BLOCK,    /* a paragraph boundary before and after */
    K_HEADING,
    K_CELL,     /* td, th: a space */
    K_BR,
    K_PRE,
    K_SKIP,     /* never text: script, style, forms' controls ... */
    K_CHROME    /* site furniture: nav, header, footer, aside, menu */
};

static const char *const skip_tags[] = {
    "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object",
    "embed", "applet", "svg", "math", "canvas", "video", "audio", "map", "area", "button",
    "select", "option", "optgroup", "input", "textarea", "datalist", "head", "title",
    "meta", "link", "base", "param", "source", "track", "dialog", "img", "picture", NULL
};
static const char *const chrome_tags[] = { "nav", "header", "footer", "aside", "menu",
                                           "menuitem", NULL };
static const char *const block_tags[] = {
    "address", "article", "blockquote", "center", "dd", "details", "dir", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "form", "hgroup", "hr", "legend", "li", "main", "ol",
    "p", "section", "summary", "table", "tbody", "thead", "tfoot", "tr", "ul", "caption",
    "body", "html", "noframes", NULL
};

static int in_list(const char *name, const char *const *list)
{
    size_t i;

    for (i = 0; list[i]; i++)
        if (strcmp(name, list[i]) == 0)
            return 1;
    return 0;
}

static int tag_kind(const xmlNode *n)
{
    const char *name = (const char *)n->name;

    if (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && name[2] == '\0')
        return K_HEADING;
    if (strcmp(name, "br") == 0)
        return K_BR;
    if (strcmp(name, "pre") == 0 || strcmp(name, "listing") == 0 || strcmp(name, "xmp") == 0)
        return K_PRE;
    if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0)
        return K_CELL;
    if (in_list(name, block_tags))
        return K_BLOCK;
    if (in_list(name, skip_tags))
        return K_SKIP;
    if (in_list(name, chrome_tags))
        return K_CHROME;
    return K_INLINE;
}

static int is_tag(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* An attribute's value (HTML attribute names are lower case), borrowed
 * from a small per-call buffer: valid until the next call on the thread's
 * stack frame that owns buf. */
static const char *attr(const xmlNode *n, const char *name, char *buf, size_t size)
{
    const xmlAttr *a;

    for (a = n->properties; a; a = a->next) {
        const xmlNode *t;
        size_t k = 0;

        if (!eq_ci((const char *)a->name, name))
            continue;
        for (t = a->children; t; t = t->next) {
            size_t m;

            if (t->type != XML_TEXT_NODE || t->content == NULL)
                continue;
            m = strlen((const char *)t->content);
            if (k + m >= size)
                m = size - 1 - k;
            memcpy(buf + k, t->content, m);
            k += m;
        }
        buf[k] = '\0';
        return buf;
    }
    return NULL;
}

/* Class and id hints, matched in the lower-cased "class id" string.  Long
 * hints match anywhere; short ones only as a whole word or a word's start
 * (so "nav" is not found in "canvas"). */
static const char *const negative_hints[] = {
    "breadcrumb", "crumb", "sidebar", "side-bar", "share", "sharing", "social", "bdshare",
    "jiathis", "footer", "related", "relate", "recommend", "comment", "advert", "banner",
    "popup", "cookie", "subscribe", "newsletter", "pagination", "pager", "toolbar",
    "copyright", "location", "position", "weizhi", "mianbao", "xgyd", "xgwz", "xgxw", "xgtj",
    "tuijian", "fenxiang", "widget", "masthead", "qrcode", "erweima", "sponsor", "disqus",
    "navbar", "navigation", "menu", "header", "login", "search", "skiplink", NULL
};
static const char *const negative_words[] = { "nav", "ad", "ads", "foot", "dh", "tags", "top",
                                              "tools", "more", NULL };
static const char *const positive_hints[] = {
    "article", "content", "main", "body", "text", "entry", "post", "story", "zhengwen",
    "trs_editor", "detail", "blog", NULL
};

static int hint_words(const char *s, const char *const *words)
{
    size_t i, k;
    const char *p;

    for (i = 0; words[i]; i++) {
        k = strlen(words[i]);
        for (p = s; (p = strstr(p, words[i])) != NULL; p++) {
            int before = p == s || p[-1] == ' ' || p[-1] == '-' || p[-1] == '_';
            int after = p[k] == '\0' || p[k] == ' ' || p[k] == '-' || p[k] == '_' ||
                        (p[k] >= '0' && p[k] <= '9');

            if (before && after)
                return 1;
        }
    }
    return 0;
}

/* -1 for a negative class/id, +1 for a positive one, 0 otherwise. */
static int class_hint(const xmlNode *n)
{
    char cls[256], id[128], s[400];
    const char *c = attr(n, "class", cls, sizeof cls), *i = attr(n, "id", id, sizeof id);
    size_t k, j;
    int pos, neg = 0;

    if (c == NULL && i == NULL)
        return 0;
    k = (size_t)snprintf(s, sizeof s, "%s %s", c ? c : "", i ? i : "");
    for (j = 0; j < k && j < sizeof s; j++)
        s[j] = (char)lower_ascii((unsigned char)s[j]);
    pos = 0;
    for (j = 0; positive_hints[j]; j++)
        if (strstr(s, positive_hints[j]))
            pos = 1;
    for (j = 0; negative_hints[j]; j++)
        if (strstr(s, negative_hints[j]))
            neg = 1;
    if (!neg)
        neg = hint_words(s, negative_words);
    if (neg && !pos)
        return -1;
    return pos ? 1 : 0;
}

/* Hidden by an attribute or inline style. */
static int hidden(const xmlNode *n)
{
    char buf[256];
    const char *v;

    if (n->properties == NULL)
        return 0;
    if (attr(n, "hidden", buf, sizeof buf))
        return 1;
    if ((v = attr(n, "aria-hidden", buf, sizeof buf)) && eq_ci(v, "true"))
        return 1;
    if ((v = attr(n, "style", buf, sizeof buf)) &&
        (find_ci(v, strlen(v), "display:none") || find_ci(v, strlen(v), "display: none") ||
         find_ci(v, strlen(v), "visibility:hidden") || find_ci(v, strlen(v), "visibility: hidden")))
        return 1;
    if ((v = attr(n, "role", buf, sizeof buf)) &&
        (eq_ci(v, "navigation") || eq_ci(v, "banner") || eq_ci(v, "contentinfo") ||
         eq_ci(v, "complementary") || eq_ci(v, "search") || eq_ci(v, "menu") ||
         eq_ci(v, "menubar") || eq_ci(v, "toolbar") || eq_ci(v, "dialog")))
        return 1;
    return 0;
}

/* How much of a page an element can be: never text, furniture, or text. */
enum { JUNK_NONE = 0, JUNK_SKIP, JUNK_CHROME };

static int junk(const xmlNode *n)
{
    int k = tag_kind(n);

    if (k == K_SKIP)
        return JUNK_SKIP;
    if (k == K_CHROME || hidden(n))
        return JUNK_CHROME;
    if (strcmp((const char *)n->name, "body") != 0 && strcmp((const char *)n->name, "html") != 0 &&
        class_hint(n) < 0)
        return JUNK_CHROME;
    return JUNK_NONE;
}

/* ================================================================== */
/* Page statistics (for choosing the main block)                       */
/* ================================================================== */

/* Per element of the page's body, in document order; node->_private holds
 * the index + 1. */
typedef struct elem_info {
    xmlNodePtr node;
    size_t text;          /* characters of text, white space not counted */
    size_t links;         /* of which inside <a> */
    size_t commas;        /* , ， 、 。 ； */
    double score;
    int scored;           /* a candidate: score initialised */
    int block_child;      /* has a block-level child element */
    int drop;             /* a short block of links or boilerplate: left out */
    const xmlChar *first; /* the first text in it */
} elem_info;

typedef struct page {
    elem_info *el;
    size_t n, cap;
    xmlNodePtr body;
} page;

static elem_info *info_of(page *pg, const xmlNode *n)
{
    uintptr_t i = n && n->type == XML_ELEMENT_NODE ? (uintptr_t)n->_private : 0;

    return i > 0 && i <= pg->n && pg->el[i - 1].node == n ? &pg->el[i - 1] : NULL;
}

static void count_text(page *pg, xmlNodePtr parent, const xmlChar *s)
{
    elem_info *e = info_of(pg, parent);
    const unsigned char *p = s;
    size_t chars = 0, commas = 0, len = strlen((const char *)s), i = 0;

    if (e == NULL)
        return;
    while (i < len) {
        int32_t cp;
        int k = spiral_utf8_decode(p + i, len - i, &cp);

        if (k <= 0) {
            i++;
            continue;
        }
        if (!is_space_cp(cp)) {
            chars++;
            if (cp == ',' || cp == 0xFF0C || cp == 0x3001 || cp == 0x3002 || cp == 0xFF1B)
                commas++;
        }
        i += (size_t)k;
    }
    if (chars && e->first == NULL)
        e->first = s;
    e->text += chars;
    e->commas += commas;
}

/* Add child's totals to its parent's as the walk leaves it. */
static void leave_elem(page *pg, xmlNodePtr n)
{
    elem_info *e = info_of(pg, n), *p = info_of(pg, n->parent);

    if (e == NULL)
        return;
    if (is_tag(n, "a"))
        e->links = e->text;
    if (p == NULL)
        return;
    p->text += e->text;
    p->links += e->links;
    p->commas += e->commas;
    if (p->first == NULL)
        p->first = e->first;
    {
        int k = tag_kind(n);

        if (k == K_BLOCK || k == K_HEADING || k == K_CELL || k == K_PRE)
            p->block_child = 1;
    }
}

/* Walk the body once: index the elements that can hold text and total
 * their text, link text and commas.  Returns SPIRAL_OK or SPIRAL_ENOMEM. */
static int page_stats(page *pg)
{
    xmlNodePtr root = pg->body, n = root;

    for (;;) {
        if (n->type == XML_ELEMENT_NODE && (n == root || junk(n) == JUNK_NONE)) {
            if (spiral_grow(&pg->el, &pg->cap, pg->n + 1, sizeof *pg->el) < 0)
                return SPIRAL_ENOMEM;
            memset(&pg->el[pg->n], 0, sizeof pg->el[0]);
            pg->el[pg->n].node = n;
            n->_private = (void *)(uintptr_t)(++pg->n);
            if (n->children) {
                n = n->children;
                continue;
            }
            leave_elem(pg, n);
        } else if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content) {
            count_text(pg, n->parent, n->content);
        }
        while (n != root && n->next == NULL) {
            n = n->parent;
            leave_elem(pg, n);
        }
        if (n == root)
            break;
        n = n->next;
    }
    return SPIRAL_OK;
}

/* Text at the start of a block that marks it as page furniture. */
static const char *const furniture_prefixes[] = {
    "您现在的位置", "您的位置", "你的位置", "你现在的位置", "当前位置", "当前的位置", "所在位置",
    "相关阅读", "相关新闻", "相关文章", "相关链接", "相关搜索", "相关报道", "相关稿件", "延伸阅读",
    "推荐阅读", "热点推荐", "热门推荐", "分享到", "分享至", "上一篇", "下一篇", "【打印",
    "打印本页", "关闭窗口", "【关闭", "扫一扫", "责任编辑", "You are here", "Share this",
    "Share:", "Related Articles", "Related Content", "Related Stories", "Related Links",
    "Read more", "Tags:", "Filed under", NULL
};

static int furniture_text(const xmlChar *first)
{
    const char *s = (const char *)first;
    size_t i, n;

    if (s == NULL)
        return 0;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' ||
           strncmp(s, "\xC2\xA0", 2) == 0 || strncmp(s, "\xE3\x80\x80", 3) == 0)
        s += (unsigned char)*s < 0x80 ? 1 : (unsigned char)*s == 0xC2 ? 2 : 3;
    for (i = 0; furniture_prefixes[i]; i++) {
        n = strlen(furniture_prefixes[i]);
        if (strncmp(s, furniture_prefixes[i], n) == 0)
            return 1;
    }
    /* a breadcrumb without a label: 首页 > 国际 > 正文 */
    if (strncmp(s, "首页", 6) == 0) {
        s += 6;
        while (*s == ' ')
            s++;
        if (*s == '>' || strncmp(s, "\xC2\xBB", 2) == 0 || strncmp(s, "\xE2\x80\xBA", 3) == 0 ||
            strncmp(s, "\xEF\xBC\x9E", 3) == 0)
            return 1;
    }
    return 0;
}

static double tag_base(const xmlNode *n)
{
    const char *t = (const char *)n->name;

    if (strcmp(t, "div") == 0 || strcmp(t, "article") == 0 || strcmp(t, "main") == 0)
        return 5;
    if (strcmp(t, "pre") == 0 || strcmp(t, "td") == 0 || strcmp(t, "blockquote") == 0)
        return 3;
    if (strcmp(t, "address") == 0 || strcmp(t, "ol") == 0 || strcmp(t, "ul") == 0 ||
        strcmp(t, "dl") == 0 || strcmp(t, "dd") == 0 || strcmp(t, "dt") == 0 ||
        strcmp(t, "li") == 0 || strcmp(t, "form") == 0)
        return -3;
    if (tag_kind(n) == K_HEADING || strcmp(t, "th") == 0)
        return -5;
    return 0;
}

/* A paragraph-like element whose text scores its ancestors. */
static int scores_ancestors(const elem_info *e)
{
    const char *t = (const char *)e->node->name;

    if (strcmp(t, "p") == 0 || strcmp(t, "pre") == 0 || strcmp(t, "td") == 0 ||
        strcmp(t, "blockquote") == 0)
        return 1;
    return !e->block_child && (strcmp(t, "div") == 0 || strcmp(t, "section") == 0 ||
                               strcmp(t, "article") == 0 || strcmp(t, "font") == 0);
}

static double link_density(const elem_info *e)
{
    return e->text ? (double)e->links / (double)e->text : 0.0;
}

/* Readability's scoring: returns the best block, or NULL. */
static elem_info *choose_main(page *pg)
{
    elem_info *top = NULL;
    size_t i;

    for (i = 0; i < pg->n; i++) {
        elem_info *e = &pg->el[i];
        xmlNodePtr a;
        double s;
        int level;

        if (e->node == pg->body || !scores_ancestors(e) || e->text < 25)
            continue;
        s = 1.0 + (double)e->commas + (double)(e->text / 100 < 3 ? e->text / 100 : 3);
        for (a = e->node->parent, level = 0; a && level < 5; a = a->parent, level++) {
            elem_info *ai = info_of(pg, a);

            if (ai == NULL)
                break;
            if (!ai->scored) {
                ai->scored = 1;
                ai->score = tag_base(a) + 25.0 * class_hint(a);
            }
            ai->score += s / (level == 0 ? 1.0 : level == 1 ? 2.0 : level * 3.0);
            if (a == pg->body)
                break;
        }
    }
    for (i = 0; i < pg->n; i++) {
        elem_info *e = &pg->el[i];

        if (!e->scored)
            continue;
        e->score *= 1.0 - link_density(e);
        if (top == NULL || e->score > top->score)
            top = e;
    }
    return top;
}

/* Whether a sibling of the main block belongs with it (readability's rule). */
static int sibling_joins(page *pg, const elem_info *top, xmlNodePtr s)
{
    const elem_info *e = info_of(pg, s);
    double threshold = top->score * 0.2 > 10 ? top->score * 0.2 : 10;

    if (e == NULL || e->text == 0)
        return 0;
    if (e->scored && e->score >= threshold)
        return 1;
    if (is_tag(s, "p")) {
        double ld = link_density(e);

        if (e->text > 80 && ld < 0.25)
            return 1;
        if (e->text <= 80 && ld == 0 && e->first &&
            (strstr((const char *)e->first, ".") || strstr((const char *)e->first, "\xE3\x80\x82")))
            return 1;
    }
    return 0;
}

/* Mark the short blocks of a page that are mostly links or open like page
 * furniture ("相关阅读", "分享到"): they are left out of the main text. */
static void mark_furniture(page *pg, const xmlNode *keep)
{
    size_t i;

    for (i = 0; i < pg->n; i++) {
        elem_info *e = &pg->el[i];
        int k = tag_kind(e->node);

        if (e->node == keep || e->node == pg->body || (k != K_BLOCK && k != K_CELL))
            continue;
        if (is_tag(e->node, "p") || is_tag(e->node, "li"))
            continue;
        if (e->text < 300 && furniture_text(e->first))
            e->drop = 1;
        else if (e->text < 500 && e->text > 0 && link_density(e) > 0.5 &&
                 !(e->text > 200 && e->commas > 5))
            e->drop = 1;
    }
}

/* ================================================================== */
/* Rendering text                                                      */
/* ================================================================== */

enum { MODE_ALL = 0, MODE_STATIC, MODE_PAGE };

typedef struct render {
    spiral_buf *out;
    page *pg;         /* MODE_PAGE: the statistics, for dropped blocks */
    int mode;
    int pending;      /* 0 nothing, 1 space, 2 line break, 3 paragraph */
    int seg_break;    /* the pending space held a line break */
    int pre;          /* inside <pre> */
    int at_start;     /* nothing written yet */
    int32_t last;     /* the last character written */
    size_t limit;
    int over;
} render;

static void pend(render *r, int level)
{
    if (level > r->pending)
        r->pending = level;
}

static int put(render *r, const char *s, size_t n)
{
    if (r->out->len + n + 2 > r->limit) {
        r->over = 1;
        return SPIRAL_ELIMIT;
    }
    return spiral_buf_append(r->out, s, n);
}

/* Write the pending separator before character cp. */
static int flush(render *r, int32_t cp)
{
    int rc = SPIRAL_OK;

    if (r->at_start)
        r->pending = 0;
    switch (r->pending) {
    case 1:
        if (!(r->seg_break && is_wide_cp(r->last) && is_wide_cp(cp)))
            rc = put(r, " ", 1);
        break;
    case 2:
        rc = put(r, "\n", 1);
        break;
    case 3:
        rc = put(r, "\n\n", 2);
        break;
    }
    r->pending = 0;
    r->seg_break = 0;
    r->at_start = 0;
    return rc;
}

static int text(render *r, const char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        int32_t cp;
        int n = spiral_utf8_decode((const unsigned char *)s + i, len - i, &cp), rc;

        if (n <= 0) {
            i++;
            continue;
        }
        if (r->pre && (cp == '\n' || cp == ' ' || cp == '\t')) {
            if (cp == '\n') {
                pend(r, 2);
            } else {
                if ((rc = flush(r, cp)) < 0 || (rc = put(r, s + i, (size_t)n)) < 0)
                    return rc;
            }
        } else if (is_space_cp(cp)) {
            if (!r->at_start)
                pend(r, 1);
            if (cp == '\n' || cp == '\r')
                r->seg_break = 1;
        } else if (cp == 0x200B || cp == 0xFEFF || cp == 0xAD || (cp < 0x20) || cp == 0x7F) {
            /* zero-width space, BOM, soft hyphen, control characters */
        } else {
            if ((rc = flush(r, cp)) < 0 || (rc = put(r, s + i, (size_t)n)) < 0)
                return rc;
            r->last = cp;
        }
        i += (size_t)n;
    }
    return SPIRAL_OK;
}

static void open_elem(render *r, int kind)
{
    switch (kind) {
    case K_BLOCK:
    case K_HEADING:
        pend(r, 3);
        break;
    case K_PRE:
        pend(r, 3);
        r->pre++;
        break;
    case K_CELL:
        pend(r, 1);
        break;
    case K_BR:
        if (!r->at_start)
            pend(r, r->pending >= 2 ? 3 : 2);
        break;
    }
}

static void close_elem(render *r, int kind)
{
    switch (kind) {
    case K_BLOCK:
    case K_HEADING:
        pend(r, 3);
        break;
    case K_PRE:
        pend(r, 3);
        if (r->pre > 0)
            r->pre--;
        break;
    case K_CELL:
        pend(r, 1);
        break;
    }
}

/* Whether the renderer goes into element n. */
static int enter_ok(render *r, const xmlNode *n)
{
    int j = junk(n);

    if (j == JUNK_SKIP)
        return 0;
    if (r->mode == MODE_ALL)
        return 1;
    if (j == JUNK_CHROME)
        return 0;
    if (r->mode == MODE_PAGE) {
        const elem_info *e = info_of(r->pg, n);

        if (e == NULL || e->drop)
            return 0;
    }
    return 1;
}

#define MAX_RENDER_DEPTH 1024

typedef struct frame {
    xmlNodePtr node;
    int kind;
    int entered;
} frame;

/* Walk the subtree at root with an explicit stack (entity references
 * lead into their entity's nodes, whose parent is not the reference). */
static int render_tree(render *r, xmlNodePtr root)
{
    frame *st = NULL;
    size_t n = 0, cap = 0;
    int rc = SPIRAL_OK;

    if (spiral_grow(&st, &cap, 16, sizeof *st) < 0)
        return SPIRAL_ENOMEM;
    st[n++] = (frame){ root, K_INLINE, 0 };
    while (n > 0 && rc == SPIRAL_OK) {
        frame *f = &st[n - 1];
        xmlNodePtr node = f->node, child = NULL;

        if (!f->entered) {
            f->entered = 1;
            switch (node->type) {
            case XML_TEXT_NODE:
            case XML_CDATA_SECTION_NODE:
                if (node->content)
                    rc = text(r, (const char *)node->content, strlen((const char *)node->content));
                break;
            case XML_ELEMENT_NODE:
                /* the root is wanted whatever it is (a feed's <title>) */
                if (n > 1 && !enter_ok(r, node))
                    break;
                f->kind = tag_kind(node);
                open_elem(r, f->kind);
                child = node->children;
                break;
            case XML_ENTITY_REF_NODE: {
                xmlEntityPtr ent = (xmlEntityPtr)node->children;

                if (ent == NULL || ent->type != XML_ENTITY_DECL)
                    break;
                if (ent->etype == XML_INTERNAL_PREDEFINED_ENTITY && ent->content)
                    rc = text(r, (const char *)ent->content, strlen((const char *)ent->content));
                else if (ent->etype == XML_INTERNAL_GENERAL_ENTITY)
                    child = ent->children;
                /* external entities are never loaded: nothing to show */
                break;
            }
            case XML_DOCUMENT_NODE:
            case XML_HTML_DOCUMENT_NODE:
                child = node->children;
                break;
            default:
                break;
            }
            if (child != NULL && rc == SPIRAL_OK) {
                if (n >= MAX_RENDER_DEPTH)
                    continue; /* deeper than any parse allows: left out */
                if (spiral_grow(&st, &cap, n + 1, sizeof *st) < 0) {
                    rc = SPIRAL_ENOMEM;
                    break;
                }
                st[n++] = (frame){ child, K_INLINE, 0 };
                continue;
            }
        }
        /* leave the node, go on with its next sibling */
        f = &st[n - 1];
        if (f->node->type == XML_ELEMENT_NODE)
            close_elem(r, f->kind);
        if (n == 1) {
            n--;
            break;
        }
        if (f->node->next) {
            *f = (frame){ f->node->next, K_INLINE, 0 };
        } else {
            n--;
        }
    }
    spiral_free(st);
    return r->over ? SPIRAL_ELIMIT : rc;
}

static void render_init(render *r, spiral_buf *out, page *pg, int mode, size_t limit)
{
    memset(r, 0, sizeof *r);
    r->out = out;
    r->pg = pg;
    r->mode = mode;
    r->limit = limit;
    r->at_start = out->len == 0;
    if (!r->at_start)
        r->pending = 3;
}

static int finish_text(spiral_buf *out)
{
    while (out->len > 0 && (out->data[out->len - 1] == ' ' || out->data[out->len - 1] == '\n'))
        out->len--;
    return spiral_buf_reserve(out, 0);
}

int spiral_markup_text(spiral_buf *out, xmlNodePtr node, size_t limit)
{
    render r;
    int rc;

    render_init(&r, out, NULL, MODE_STATIC, limit);
    if ((rc = render_tree(&r, node)) < 0)
        return rc;
    return finish_text(out);
}

int spiral_markup_fragment_text(spiral_buf *out, const char *html, size_t len,
                                const char *path, size_t limit)
{
    xmlDocPtr doc;
    xmlNodePtr root;
    int rc = SPIRAL_OK;

    if (len == 0)
        return spiral_buf_reserve(out, 0);
    if ((doc = spiral_markup_parse_html(html, len, path, NULL)) == NULL)
        return spiral_buf_reserve(out, 0);
    if ((root = xmlDocGetRootElement(doc)) != NULL)
        rc = spiral_markup_text(out, root, limit);
    xmlFreeDoc(doc);
    return rc < 0 ? rc : spiral_buf_reserve(out, 0);
}

/* ================================================================== */
/* Page metadata                                                       */
/* ================================================================== */

/* Where a field came from: a lower rank wins. */
typedef struct field {
    spiral_buf value;
    int rank;
} field;

typedef struct html_state {
    spiral_buf raw, utf8, text, all, scratch;
    field title, date, source, author, link, lang, modified, meta_title;
    char iso[SPIRAL_DATE_MAX];
} html_state;

static void field_reset(field *f)
{
    spiral_buf_reset(&f->value);
    f->rank = INT_MAX;
}

static int field_set(field *f, int rank, const char *s, size_t len)
{
    spiral_buf tmp = SPIRAL_BUF_INIT;
    int rc;

    if (rank >= f->rank || s == NULL)
        return SPIRAL_OK;
    if ((rc = spiral_markup_clean_str(&tmp, s, len)) < 0) {
        spiral_buf_free(&tmp);
        return rc;
    }
    if (tmp.len == 0) {
        spiral_buf_free(&tmp);
        return SPIRAL_OK;
    }
    spiral_buf_free(&f->value);
    f->value = tmp;
    f->rank = rank;
    return SPIRAL_OK;
}

static const char *field_str(const field *f)
{
    return f->rank < INT_MAX && f->value.len ? f->value.data : NULL;
}

static void html_state_free(void *p)
{
    html_state *st = p;

    if (st == NULL)
        return;
    spiral_buf_free(&st->raw);
    spiral_buf_free(&st->utf8);
    spiral_buf_free(&st->text);
    spiral_buf_free(&st->all);
    spiral_buf_free(&st->scratch);
    spiral_buf_free(&st->title.value);
    spiral_buf_free(&st->date.value);
    spiral_buf_free(&st->source.value);
    spiral_buf_free(&st->author.value);
    spiral_buf_free(&st->link.value);
    spiral_buf_free(&st->lang.value);
    spiral_buf_free(&st->modified.value);
    spiral_buf_free(&st->meta_title.value);
    spiral_free(st);
}

/* Meta names, in order of preference for each field. */
static const char *const meta_published[] = {
    "article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
    "publish-date", "publish_date", "publication_date", "firstpublishedtime", "dc.date.issued",
    "dcterms.issued", "dc.date.created", "dcterms.created", "dc.date", "dcterms.date",
    "citation_publication_date", "sailthru.date", "parsely-pub-date", "article.published",
    "date", "datecreated", NULL
};
static const char *const meta_modified[] = {
    "article:modified_time", "og:updated_time", "lastmodifiedtime", "dcterms.modified",
    "datemodified", "last-modified", "lastmod", NULL
};
static const char *const meta_source[] = {
    "contentsource", "source", "dc.publisher", "dcterms.publisher", "citation_publisher",
    "publisher", NULL
};
static const char *const meta_author[] = {
    "author", "article:author", "dc.creator", "dcterms.creator", "citation_author", "byl",
    "sailthru.author", "parsely-author", NULL
};
static const char *const meta_title_names[] = {
    "og:title", "twitter:title", "title", "dc.title", "articletitle", "headline",
    "citation_title", NULL
};

static int name_rank(const char *name, const char *const *list)
{
    int i;

    for (i = 0; list[i]; i++)
        if (eq_ci(name, list[i]))
            return i;
    return -1;
}

static int is_url(const char *s)
{
    return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0 || s[0] == '/';
}

/* A date field from a meta tag or an attribute: only a readable date. */
static int date_field(html_state *st, field *f, int rank, const char *v)
{
    size_t at;

    if (v == NULL || rank >= f->rank)
        return SPIRAL_OK;
    if (!spiral_date_iso(st->iso, v, strlen(v)) && !spiral_date_find(st->iso, v, strlen(v), &at))
        return SPIRAL_OK;
    return field_set(f, rank, st->iso, strlen(st->iso));
}

/* The text of an element, white space collapsed, into b. */
static int node_text(spiral_buf *b, xmlNodePtr n, size_t limit)
{
    spiral_buf_reset(b);
    return spiral_markup_text(b, n, limit);
}

/* Inside navigation, a sidebar, related links ...? */
static int in_furniture(const xmlNode *n)
{
    for (; n && n->type == XML_ELEMENT_NODE; n = n->parent)
        if (junk(n) != JUNK_NONE)
            return 1;
    return 0;
}

/* Read every <meta>, <link rel=canonical>, <title>, <time>, lang and
 * itemprop the page has.  Returns SPIRAL_OK or SPIRAL_ENOMEM. */
static int page_meta(html_state *st, xmlNodePtr root)
{
    xmlNodePtr n = root;
    char b1[512], b2[2048], b3[256];
    int rc = SPIRAL_OK;

    for (;;) {
        if (n->type == XML_ELEMENT_NODE) {
            const char *t = (const char *)n->name, *name, *content, *v;
            int k;

            if (strcmp(t, "meta") == 0 && (content = attr(n, "content", b2, sizeof b2)) != NULL) {
                name = attr(n, "property", b1, sizeof b1);
                if (name == NULL)
                    name = attr(n, "name", b1, sizeof b1);
                if (name == NULL)
                    name = attr(n, "itemprop", b1, sizeof b1);
                if (name == NULL && (v = attr(n, "http-equiv", b1, sizeof b1)) != NULL &&
                    eq_ci(v, "content-language"))
                    rc |= field_set(&st->lang, 1, content, strlen(content));
                if (name != NULL) {
                    if ((k = name_rank(name, meta_published)) >= 0)
                        rc |= date_field(st, &st->date, k, content);
                    else if ((k = name_rank(name, meta_modified)) >= 0)
                        rc |= date_field(st, &st->modified, k, content);
                    else if ((k = name_rank(name, meta_source)) >= 0 && !is_url(content))
                        rc |= field_set(&st->source, k, content, strlen(content));
                    else if (eq_ci(name, "og:site_name") || eq_ci(name, "application-name"))
                        rc |= field_set(&st->source, 200, content, strlen(content));
                    else if ((k = name_rank(name, meta_author)) >= 0 && !is_url(content))
                        rc |= field_set(&st->author, k, content, strlen(content));
                    else if ((k = name_rank(name, meta_title_names)) >= 0)
                        rc |= field_set(&st->meta_title, k, content, strlen(content));
                    else if (eq_ci(name, "og:url"))
                        rc |= field_set(&st->link, 5, content, strlen(content));
                    else if (eq_ci(name, "og:locale") || eq_ci(name, "language") ||
                             eq_ci(name, "dc.language") || eq_ci(name, "content-language"))
                        rc |= field_set(&st->lang, 2, content, strlen(content));
                }
            } else if (strcmp(t, "link") == 0 && (v = attr(n, "rel", b1, sizeof b1)) != NULL &&
                       eq_ci(v, "canonical") && (content = attr(n, "href", b2, sizeof b2))) {
                rc |= field_set(&st->link, 1, content, strlen(content));
            } else if (strcmp(t, "title") == 0 && field_str(&st->meta_title) == NULL) {
                rc |= node_text(&st->scratch, n, 4096);
                if (st->scratch.len)
                    rc |= field_set(&st->meta_title, 100, st->scratch.data, st->scratch.len);
            } else if (strcmp(t, "html") == 0 &&
                       ((v = attr(n, "lang", b3, sizeof b3)) != NULL ||
                        (v = attr(n, "xml:lang", b3, sizeof b3)) != NULL)) {
                rc |= field_set(&st->lang, 0, v, strlen(v));
            } else if (strcmp(t, "time") == 0 && !in_furniture(n) &&
                       (v = attr(n, "datetime", b2, sizeof b2))) {
                int pub = attr(n, "pubdate", b1, sizeof b1) != NULL ||
                          ((name = attr(n, "itemprop", b1, sizeof b1)) &&
                           eq_ci(name, "datePublished"));

                rc |= date_field(st, &st->date, pub ? 40 : 50, v);
            } else if ((name = attr(n, "itemprop", b1, sizeof b1)) != NULL &&
                       strcmp(t, "meta") != 0) {
                if (eq_ci(name, "datePublished")) {
                    v = attr(n, "datetime", b2, sizeof b2);
                    if (v == NULL)
                        v = attr(n, "content", b2, sizeof b2);
                    if (v)
                        rc |= date_field(st, &st->date, 41, v);
                } else if (eq_ci(name, "author") && st->author.rank > 30) {
                    rc |= node_text(&st->scratch, n, 512);
                    if (st->scratch.len && st->scratch.len < 120)
                        rc |= field_set(&st->author, 30, st->scratch.data, st->scratch.len);
                }
            }
            if (rc < 0)
                return SPIRAL_ENOMEM;
            if (n->children && strcmp(t, "script") != 0 && strcmp(t, "style") != 0) {
                n = n->children;
                continue;
            }
        }
        while (n != root && n->next == NULL)
            n = n->parent;
        if (n == root)
            break;
        n = n->next;
    }
    return SPIRAL_OK;
}

/* ------------------------------------------------------------------ */
/* Labelled values in the text: 更新时间:..., 来源: ..., Source: ...  */
/* ------------------------------------------------------------------ */

static const char *const date_labels[] = {
    /* published */ "发布时间", "发布日期", "发表时间", "发表日期", "发稿时间", "Published",
    "Posted", "Released", "Issued",
    /* updated */ "更新时间", "更新日期", "Last updated", "Last Updated", "Updated",
    /* plain */ "时间", "日期", "Date", "DATE", NULL
};
static const int date_label_rank[] = { 60, 60, 60, 60, 60, 60, 60, 60, 60,
                                       61, 61, 61, 61, 61, 62, 62, 62, 62 };
static const char *const source_labels[] = { "来源", "稿源", "出处", "Source", "SOURCE", NULL };
static const char *const author_labels[] = { "作者", "撰稿", "Author", "Written by", NULL };

/* After a label: optional spaces, then ':' / '：' (or " on " for English),
 * then spaces.  Returns the offset of the value, or 0 when no separator. */
static size_t after_label(const char *s, size_t len, size_t i)
{
    size_t j = i;
    int sep = 0;

    while (j < len && s[j] == ' ')
        j++;
    if (j < len && s[j] == ':') {
        j++, sep = 1;
    } else if (len - j >= 3 && memcmp(s + j, "\xEF\xBC\x9A", 3) == 0) {
        j += 3, sep = 1;
    } else if (len - j >= 3 && memcmp(s + j, "on ", 3) == 0 && j > i) {
        j += 3, sep = 1;
    } else if (len - j >= 3 && memcmp(s + j, "\xE4\xBA\x8E", 3) == 0) { /* 于 */
        j += 3, sep = 1;
    }
    if (!sep)
        return 0;
    while (j < len && s[j] == ' ')
        j++;
    return j;
}

/* A label at s[i] starting a word (not inside a longer Latin word). */
static int label_at(const char *s, size_t len, size_t i, const char *label)
{
    size_t k = strlen(label);

    if (len - i < k || memcmp(s + i, label, k) != 0)
        return 0;
    if ((unsigned char)label[0] < 0x80 && i > 0 &&
        ((s[i - 1] >= 'a' && s[i - 1] <= 'z') || (s[i - 1] >= 'A' && s[i - 1] <= 'Z')))
        return 0;
    return 1;
}

static int labelled_date(html_state *st, const char *s, size_t len)
{
    size_t i, l, v;
    spiral_date d;

    for (l = 0; date_labels[l]; l++) {
        if (date_label_rank[l] >= st->date.rank)
            continue;
        for (i = 0; i < len; i++) {
            if (!label_at(s, len, i, date_labels[l]))
                continue;
            v = after_label(s, len, i + strlen(date_labels[l]));
            if (v && spiral_date_parse(&d, s + v, len - v) > 0) {
                spiral_date_format(st->iso, &d);
                return field_set(&st->date, date_label_rank[l], st->iso, strlen(st->iso));
            }
        }
    }
    return SPIRAL_OK;
}

/* Where a labelled value such as a source ends: a separator, a line end,
 * the next label, or a date. */
static size_t value_end(const char *s, size_t len, size_t v)
{
    static const char *const stops[] = {
        "|", "\xE4\xB8\xA8", "\xEF\xBD\x9C", "\n", "\t", "\xE3\x80\x90", "[", "(",
        "\xEF\xBC\x88", "\xE3\x80\x82", "\xE4\xBD\x9C\xE8\x80\x85", "\xE7\xBC\x96\xE8\xBE\x91",
        "\xE8\xB4\xA3\xE7\xBC\x96", "\xE6\x97\xB6\xE9\x97\xB4", "\xE6\x97\xA5\xE6\x9C\x9F",
        "\xE5\x8F\x91\xE5\xB8\x83", "\xE6\xB5\x8F\xE8\xA7\x88", "\xE7\x82\xB9\xE5\x87\xBB",
        "\xE5\xAD\x97\xE5\x8F\xB7", "\xE5\x88\x86\xE4\xBA\xAB", "\xE6\x89\x93\xE5\x8D\xB0",
        "\xE6\x9D\xA5\xE6\xBA\x90", " By ", " Date", " Updated", " Published", NULL
    };
    size_t i, k, end = len < v + 120 ? len : v + 120;

    for (i = v; i < end; i++) {
        for (k = 0; stops[k]; k++) {
            size_t n = strlen(stops[k]);

            if (i > v && len - i >= n && memcmp(s + i, stops[k], n) == 0)
                return i;
        }
        if (s[i] == ' ' && i + 1 < len && s[i + 1] >= '0' && s[i + 1] <= '9')
            return i;
    }
    /* do not cut a character */
    while (end > v && end < len && ((unsigned char)s[end] & 0xC0) == 0x80)
        end--;
    return end;
}

static int labelled_value(field *f, int rank, const char *const *labels, const char *s,
                          size_t len)
{
    size_t i, l, v, e;

    if (rank >= f->rank)
        return SPIRAL_OK;
    for (l = 0; labels[l]; l++)
        for (i = 0; i < len; i++) {
            if (!label_at(s, len, i, labels[l]))
                continue;
            if ((v = after_label(s, len, i + strlen(labels[l]))) == 0)
                continue;
            e = value_end(s, len, v);
            while (e > v && (s[e - 1] == ' ' || s[e - 1] == ',' || s[e - 1] == ';' ||
                             s[e - 1] == ':' || s[e - 1] == '.'))
                e--;
            if (e > v)
                return field_set(f, rank, s + v, e - v);
        }
    return SPIRAL_OK;
}

/* ------------------------------------------------------------------ */
/* Headline                                                            */
/* ------------------------------------------------------------------ */

/* Collapse and compare: does a contain b (both cleaned)? */
static int contains(const char *a, const char *b)
{
    return a && b && *b && strstr(a, b) != NULL;
}

static int is_ancestor(const xmlNode *a, const xmlNode *n)
{
    for (; n; n = n->parent)
        if (n == a)
            return 1;
    return 0;
}

/* The page's headline: an <h1> whose text the title contains (or that
 * contains it), else the last <h1> before the main text, else an element
 * whose class or id says title and whose text is the title's. */
static xmlNodePtr find_headline(page *pg, html_state *st, size_t main_index)
{
    const char *mt = field_str(&st->meta_title);
    xmlNodePtr before = NULL, inside = NULL;
    size_t i;
    char b1[256], b2[128];

    for (i = 0; i < pg->n; i++) {
        elem_info *e = &pg->el[i];

        if (!is_tag(e->node, "h1") || e->text == 0 || e->drop)
            continue;
        if (node_text(&st->scratch, e->node, 4096) < 0)
            return NULL;
        if (mt && (contains(mt, st->scratch.data) || contains(st->scratch.data, mt)))
            return e->node;
        if (i < main_index)
            before = e->node;
        else if (inside == NULL)
            inside = e->node;
    }
    if (before || inside)
        return before ? before : inside;
    for (i = 0; mt && i < pg->n; i++) {
        elem_info *e = &pg->el[i];
        const char *c = attr(e->node, "class", b1, sizeof b1);
        const char *d = attr(e->node, "id", b2, sizeof b2);

        if (e->text < 4 || e->text > 200 || e->drop)
            continue;
        if (!((c && (find_ci(c, strlen(c), "title") || find_ci(c, strlen(c), "headline"))) ||
              (d && (find_ci(d, strlen(d), "title") || find_ci(d, strlen(d), "headline")))))
            continue;
        if (node_text(&st->scratch, e->node, 4096) < 0)
            return NULL;
        if (contains(mt, st->scratch.data))
            return e->node;
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* The page                                                            */
/* ------------------------------------------------------------------ */

static xmlNodePtr find_body(xmlDocPtr doc)
{
    xmlNodePtr root = xmlDocGetRootElement(doc), n;

    if (root == NULL)
        return NULL;
    for (n = root->children; n; n = n->next)
        if (is_tag(n, "body"))
            return n;
    return root;
}

/* Extract the statement of a parsed page into st.  Returns SPIRAL_OK,
 * SPIRAL_ELIMIT (text over the record limit), SPIRAL_EINVAL (no text) or
 * SPIRAL_ENOMEM. */
static int extract_page(spiral_reader *r, html_state *st, xmlDocPtr doc)
{
    page pg = { NULL, 0, 0, NULL };
    elem_info *top;
    xmlNodePtr headline = NULL, parent, s;
    size_t limit = r->o.max_record_bytes, main_index;
    render rd;
    int rc;

    field_reset(&st->title);
    field_reset(&st->date);
    field_reset(&st->source);
    field_reset(&st->author);
    field_reset(&st->link);
    field_reset(&st->lang);
    field_reset(&st->modified);
    field_reset(&st->meta_title);
    spiral_buf_reset(&st->text);
    spiral_buf_reset(&st->all);
    if ((pg.body = find_body(doc)) == NULL)
        return SPIRAL_EINVAL;
    if ((rc = page_meta(st, xmlDocGetRootElement(doc))) < 0 || (rc = page_stats(&pg)) < 0)
        goto done;
    top = choose_main(&pg);
    mark_furniture(&pg, top ? top->node : NULL);
    main_index = top ? (size_t)(top - pg.el) : 0;
    if (top && top->node->parent && info_of(&pg, top->node->parent)) {
        parent = top->node->parent;
        for (s = parent->children; s; s = s->next)
            if (s == top->node || sibling_joins(&pg, top, s)) {
                main_index = (size_t)(info_of(&pg, s) - pg.el);
                break;
            }
    }
    /* the headline first (it is the title), then the main block and the
     * siblings that join it */
    if ((headline = find_headline(&pg, st, main_index)) != NULL) {
        elem_info *h = info_of(&pg, headline);

        if ((rc = node_text(&st->scratch, headline, 4096)) < 0 ||
            (rc = field_set(&st->title, 0, st->scratch.data, st->scratch.len)) < 0)
            goto done;
        if (top == NULL || !is_ancestor(top->node, headline)) {
            render_init(&rd, &st->text, &pg, MODE_STATIC, limit);
            if ((rc = render_tree(&rd, headline)) < 0)
                goto done;
            if (h)
                h->drop = 1; /* written once */
        }
    }
    if (top == NULL) {
        render_init(&rd, &st->text, &pg, MODE_PAGE, limit);
        rc = render_tree(&rd, pg.body);
    } else if (top->node->parent && info_of(&pg, top->node->parent)) {
        for (s = top->node->parent->children; s && rc == SPIRAL_OK; s = s->next) {
            if (s != top->node && !sibling_joins(&pg, top, s))
                continue;
            render_init(&rd, &st->text, &pg, MODE_PAGE, limit);
            rc = render_tree(&rd, s);
        }
    } else {
        render_init(&rd, &st->text, &pg, MODE_PAGE, limit);
        rc = render_tree(&rd, top->node);
    }
    if (rc < 0 || (rc = finish_text(&st->text)) < 0)
        goto done;

    /* metadata found in the text: everything but scripts and styles */
    render_init(&rd, &st->all, &pg, MODE_ALL, (size_t)1 << 20);
    rc = render_tree(&rd, pg.body);
    if (rc == SPIRAL_ELIMIT)
        rc = SPIRAL_OK; /* a huge page: labels are in its first megabyte */
    if (rc < 0 || (rc = finish_text(&st->all)) < 0)
        goto done;
    if ((rc = labelled_date(st, st->all.data, st->all.len)) < 0 ||
        (rc = labelled_value(&st->source, 100, source_labels, st->all.data, st->all.len)) < 0 ||
        (rc = labelled_value(&st->author, 100, author_labels, st->all.data, st->all.len)) < 0)
        goto done;
    if (field_str(&st->date) == NULL && field_str(&st->modified))
        rc = field_set(&st->date, 70, st->modified.value.data, st->modified.value.len);
    if (rc == SPIRAL_OK && field_str(&st->date) == NULL) {
        size_t at;

        if (spiral_date_find(st->iso, st->text.data, st->text.len, &at) ||
            spiral_date_find(st->iso, st->all.data, st->all.len, &at))
            rc = field_set(&st->date, 80, st->iso, strlen(st->iso));
    }
    if (rc == SPIRAL_OK && field_str(&st->title) == NULL && field_str(&st->meta_title))
        rc = field_set(&st->title, 1, st->meta_title.value.data, st->meta_title.value.len);
    if (rc == SPIRAL_OK && st->text.len == 0)
        rc = SPIRAL_EINVAL;
done:
    {
        size_t i;

        for (i = 0; i < pg.n; i++)
            pg.el[i].node->_private = NULL;
    }
    spiral_free(pg.el);
    return rc;
}

int spiral_ingest_html_next(spiral_reader *r, spiral_error *err)
{
    html_state *st = r->fmt_state;
    spiral_markup_diag diag;
    const char *utf8;
    size_t len, replaced = 0;
    xmlDocPtr doc;
    int rc;

    if (r->done)
        return 0;
    r->done = 1;
    r->rec.line = 1;
    if (st == NULL) {
        if ((st = spiral_calloc(1, sizeof *st)) == NULL)
            return spiral_error_nomem(err, r->path);
        r->fmt_state = st;
        r->fmt_free = html_state_free;
    }
    if ((rc = spiral_ingest_read_doc(r, &st->raw, err)) < 0)
        return rc;
    if (st->raw.len == 0)
        return spiral_error_set(err, SPIRAL_EINVAL, r->path, 1, 0, "empty file");
    if ((rc = spiral_markup_utf8(r, 0, st->raw.data, st->raw.len, &st->utf8, &utf8, &len,
                                 &replaced, err)) < 0)
        return rc;
    doc = spiral_markup_parse_html(utf8, len, r->path, &diag);
    /* the text lives in the tree now */
    spiral_buf_free(&st->raw);
    spiral_buf_free(&st->utf8);
    if (diag.fatal) {
        xmlFreeDoc(doc);
        return spiral_markup_refuse(r, &diag, "page", err);
    }
    if (doc == NULL)
        return spiral_error_set(err, SPIRAL_EPARSE, r->path, 1, 0, "no HTML could be read");
    if (diag.problems)
        spiral_markup_warn(r, diag.first.line, diag.first.column,
                           "malformed HTML recovered (%lu problem%s; first: %s)", diag.problems,
                           diag.problems == 1 ? "" : "s", diag.first.message);
    rc = extract_page(r, st, doc);
    xmlFreeDoc(doc);
    if (rc == SPIRAL_ENOMEM)
        return spiral_error_nomem(err, r->path);
    if (rc == SPIRAL_ELIMIT)
        return spiral_error_set(err, SPIRAL_ELIMIT, r->path, 1, 0,
                                "the page's text is longer than the %zu-byte limit (--max-bytes)",
                                r->o.max_record_bytes);
    if (rc == SPIRAL_EINVAL)
        return spiral_error_set(err, SPIRAL_EINVAL, r->path, 1, 0, "no text found in the page");
    if (spiral_ingest_default_id(r, 1) < 0)
        return spiral_error_nomem(err, r->path);
    r->rec.title = field_str(&st->title);
    r->rec.date = field_str(&st->date);
    r->rec.source = field_str(&st->source);
    r->rec.author = field_str(&st->author);
    r->rec.link = field_str(&st->link);
    r->rec.lang = spiral_markup_lang(field_str(&st->lang));
    rc = spiral_ingest_set_text(r, st->text.data, st->text.len, 1, err);
    r->rec.replaced += replaced;
    return rc;
}
