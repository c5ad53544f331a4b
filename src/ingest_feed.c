/*
 * ingest_feed.c - RSS 2.0, RSS 1.0 (RDF) and Atom 1.0 feeds as statements.
 *
 * The ingest stage hands this module a feed (bounded by --max-doc-bytes);
 * it is turned into UTF-8 from its XML declaration's charset and parsed by
 * libxml2's XML parser with the network shut off, no DTD loaded, entities
 * left as references (never XML_PARSE_NOENT, so an external entity is
 * never read and the entity limits of libxml2 hold: "billion laughs" is
 * refused), and recovery on.  Each item or entry then becomes one record,
 * one per call: its title, link, date (RFC 822 or RFC 3339, written as ISO
 * 8601), author, id (guid / atom:id) and text, which is the title followed
 * by the content (content:encoded, description, content or summary; HTML
 * inside goes through the HTML text path of ingest_html.c).  The record's
 * line is the line where the item starts.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "alloc.h"
#include "datetime.h"
#include "error.h"
#include "ingest_html.h"

enum { FEED_RSS = 1, FEED_ATOM, FEED_RDF };

typedef struct feed_state {
    spiral_buf raw, utf8;
    xmlDocPtr doc;
    xmlNodePtr root;
    xmlNodePtr channel;      /* the RSS channel being walked, NULL outside it */
    xmlNodePtr next;         /* where the search for the next item starts */
    int kind, started;
    spiral_buf chan_title, chan_lang, chan_author;
    spiral_buf title, link, id, author, date, source, lang, content, text, scratch;
    char iso[SPIRAL_DATE_MAX];
} feed_state;

static void feed_state_free(void *p)
{
    feed_state *st = p;
    spiral_buf *bufs[] = { &st->raw, &st->utf8, &st->chan_title, &st->chan_lang,
                           &st->chan_author, &st->title, &st->link, &st->id, &st->author,
                           &st->date, &st->source, &st->lang, &st->content, &st->text,
                           &st->scratch };
    size_t i;

    if (st == NULL)
        return;
    for (i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        spiral_buf_free(bufs[i]);
    xmlFreeDoc(st->doc);
    spiral_free(st);
}

static int named(const xmlNode *n, const char *local)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, local) == 0;
}

/* An attribute by local name (namespace ignored), or NULL.  Copied into b. */
static const char *attr_of(spiral_buf *b, const xmlNode *n, const char *name)
{
    const xmlAttr *a;

    for (a = n->properties; a; a = a->next) {
        const xmlNode *t;

        if (strcmp((const char *)a->name, name) != 0)
            continue;
        spiral_buf_reset(b);
        for (t = a->children; t; t = t->next)
            if (t->type == XML_TEXT_NODE && t->content &&
                spiral_buf_puts(b, (const char *)t->content) < 0)
                return NULL;
        return spiral_buf_reserve(b, 0) < 0 ? NULL : b->data;
    }
    return NULL;
}

/* An element's text, with internal entities expanded within the record
 * limit (never xmlNodeGetContent, which would expand without one) and
 * white space collapsed, into out.  Returns SPIRAL_OK, SPIRAL_ELIMIT or
 * SPIRAL_ENOMEM. */
static int text_of(feed_state *st, spiral_buf *out, xmlNodePtr n, size_t limit)
{
    int rc;

    spiral_buf_reset(&st->scratch);
    if ((rc = spiral_markup_text(&st->scratch, n, limit)) < 0)
        return rc;
    return spiral_markup_clean_str(out, st->scratch.data ? st->scratch.data : "",
                                   st->scratch.len);
}

/* Plain text kept as written (Atom type="text"): the element's text and
 * CDATA children, trimmed. */
static int plain_of(spiral_buf *out, xmlNodePtr n, size_t limit)
{
    xmlNodePtr c;
    size_t a = 0;

    spiral_buf_reset(out);
    for (c = n->children; c; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content) {
            size_t k = strlen((const char *)c->content);

            if (out->len + k > limit)
                return SPIRAL_ELIMIT;
            if (spiral_buf_append(out, c->content, k) < 0)
                return SPIRAL_ENOMEM;
        }
    if (spiral_buf_reserve(out, 0) < 0)
        return SPIRAL_ENOMEM;
    while (a < out->len && (out->data[a] == ' ' || out->data[a] == '\n' ||
                            out->data[a] == '\t' || out->data[a] == '\r'))
        a++;
    while (out->len > a && (out->data[out->len - 1] == ' ' || out->data[out->len - 1] == '\n' ||
                            out->data[out->len - 1] == '\t' || out->data[out->len - 1] == '\r'))
        out->len--;
    memmove(out->data, out->data + a, out->len - a);
    out->len -= a;
    out->data[out->len] = '\0';
    return SPIRAL_OK;
}

/* Text that may be HTML (RSS description, content:encoded, titles; Atom
 * type="html"): through the HTML parser when it holds markup or entities. */
static int html_of(feed_state *st, spiral_reader *r, spiral_buf *out, xmlNodePtr n)
{
    size_t limit = r->o.max_record_bytes;
    spiral_buf raw = SPIRAL_BUF_INIT;
    int rc;

    if ((rc = spiral_markup_text(&raw, n, limit)) < 0)
        goto done;
    spiral_buf_reset(out);
    if (raw.len && (memchr(raw.data, '<', raw.len) || memchr(raw.data, '&', raw.len)))
        rc = spiral_markup_fragment_text(out, raw.data, raw.len, r->path, limit);
    else
        rc = spiral_buf_append(out, raw.data ? raw.data : "", raw.len) < 0 ? SPIRAL_ENOMEM :
             spiral_buf_reserve(out, 0);
done:
    spiral_buf_free(&raw);
    (void)st;
    return rc;
}

/* Atom text constructs: type="text" (default), "html" or "xhtml". */
static int atom_text(feed_state *st, spiral_reader *r, spiral_buf *out, xmlNodePtr n)
{
    const char *type = attr_of(&st->scratch, n, "type");

    if (type && (strcmp(type, "html") == 0 || strcmp(type, "text/html") == 0))
        return html_of(st, r, out, n);
    if (type && (strcmp(type, "xhtml") == 0 || strcmp(type, "application/xhtml+xml") == 0)) {
        spiral_buf_reset(out);
        return spiral_markup_text(out, n, r->o.max_record_bytes);
    }
    return plain_of(out, n, r->o.max_record_bytes);
}

/* ------------------------------------------------------------------ */
/* The document                                                        */
/* ------------------------------------------------------------------ */

static unsigned long line_of_text(const char *s, size_t len, const char *needle)
{
    const char *p = NULL;
    size_t k = strlen(needle), i;
    unsigned long line = 1;

    for (i = 0; i + k <= len; i++)
        if (memcmp(s + i, needle, k) == 0) {
            p = s + i;
            break;
        }
    if (p == NULL)
        return 1;
    for (i = 0; s + i < p; i++)
        line += s[i] == '\n';
    return line;
}

/* Say which external DTD and entities were declared and not loaded. */
static void warn_external(spiral_reader *r, feed_state *st, const char *text, size_t len)
{
    xmlDtdPtr dtd = st->doc->intSubset;
    xmlNodePtr n;
    char needle[160];

    if (dtd == NULL)
        return;
    if (dtd->SystemID || dtd->ExternalID)
        spiral_markup_warn(r, line_of_text(text, len, "<!DOCTYPE"), 0,
                           "external DTD \"%s\" not loaded (spiral never loads DTDs)",
                           dtd->SystemID ? (const char *)dtd->SystemID :
                                           (const char *)dtd->ExternalID);
    for (n = dtd->children; n; n = n->next) {
        xmlEntityPtr e = (xmlEntityPtr)n;

        if (n->type != XML_ENTITY_DECL || e->etype == XML_INTERNAL_GENERAL_ENTITY ||
            e->etype == XML_INTERNAL_PARAMETER_ENTITY || e->etype == XML_INTERNAL_PREDEFINED_ENTITY)
            continue;
        snprintf(needle, sizeof needle, "%s", (const char *)e->name);
        spiral_markup_warn(r, line_of_text(text, len, needle), 0,
                           "external entity '%s' (\"%s\") not loaded: it reads as nothing",
                           (const char *)e->name,
                           e->SystemID ? (const char *)e->SystemID : "?");
    }
}

/* Channel or feed-level title, language and author. */
static int channel_info(spiral_reader *r, feed_state *st)
{
    xmlNodePtr scope[3] = { st->root, NULL, NULL }, n;
    size_t limit = r->o.max_record_bytes, s;
    const char *lang = NULL;
    int rc = SPIRAL_OK;

    for (n = st->root->children; n; n = n->next)
        if (named(n, "channel")) {
            scope[1] = n;
            break;
        }
    if ((lang = (const char *)xmlNodeGetLang(st->root)) != NULL) {
        rc = spiral_markup_clean_str(&st->chan_lang, lang, strlen(lang));
        xmlFree((void *)(uintptr_t)lang);
        if (rc < 0)
            return rc;
    }
    for (s = 0; scope[s] && rc == SPIRAL_OK; s++)
        for (n = scope[s]->children; n && rc == SPIRAL_OK; n = n->next) {
            spiral_buf *field = NULL;

            if (named(n, "title") && st->chan_title.len == 0)
                rc = st->kind == FEED_ATOM ? atom_text(st, r, field = &st->chan_title, n) :
                     html_of(st, r, field = &st->chan_title, n);
            else if (named(n, "language") && st->chan_lang.len == 0)
                rc = text_of(st, field = &st->chan_lang, n, limit);
            else if (named(n, "author") && st->kind == FEED_ATOM && st->chan_author.len == 0) {
                xmlNodePtr c;

                for (c = n->children; c && rc == SPIRAL_OK; c = c->next)
                    if (named(c, "name"))
                        rc = text_of(st, field = &st->chan_author, c, limit);
            }
            /* A channel field over the record limit is left out: it is
             * not the items' fault (it once failed the feed as "out of
             * memory"). */
            if (rc == SPIRAL_ELIMIT && field) {
                spiral_buf_reset(field);
                rc = SPIRAL_OK;
            }
        }
    return rc;
}

static int open_feed(spiral_reader *r, feed_state *st, spiral_error *err)
{
    spiral_markup_diag diag;
    const char *utf8, *root;
    size_t len, replaced = 0;
    int rc;

    if ((rc = spiral_ingest_read_doc(r, &st->raw, err)) < 0)
        return rc;
    if (st->raw.len == 0)
        return spiral_error_set(err, SPIRAL_EINVAL, r->path, 1, 0, "empty file");
    if ((rc = spiral_markup_utf8(r, 1, st->raw.data, st->raw.len, &st->utf8, &utf8, &len,
                                 &replaced, err)) < 0)
        return rc;
    if (replaced)
        spiral_markup_warn(r, 1, 0, "%zu invalid byte sequence%s replaced by U+FFFD", replaced,
                           replaced == 1 ? "" : "s");
    st->doc = spiral_markup_parse_xml(utf8, len, r->path, &diag);
    if (diag.fatal)
        return spiral_markup_refuse(r, &diag, "feed", err);
    if (st->doc == NULL || (st->root = xmlDocGetRootElement(st->doc)) == NULL)
        return spiral_error_set(err, SPIRAL_EPARSE, r->path, diag.first.line ? diag.first.line : 1,
                                diag.first.column, "not XML: %s",
                                diag.first.message[0] ? diag.first.message : "no root element");
    root = (const char *)st->root->name;
    st->kind = strcmp(root, "rss") == 0 ? FEED_RSS : strcmp(root, "feed") == 0 ? FEED_ATOM :
               strcmp(root, "RDF") == 0 ? FEED_RDF : 0;
    if (st->kind == 0)
        return spiral_error_set(err, SPIRAL_EINVAL, r->path, (unsigned long)xmlGetLineNo(st->root),
                                0, "not an RSS or Atom feed (the root element is <%s>)", root);
    if (diag.problems)
        spiral_markup_warn(r, diag.first.line, diag.first.column,
                           "malformed XML recovered (%lu problem%s; first: %s)", diag.problems,
                           diag.problems == 1 ? "" : "s", diag.first.message);
    warn_external(r, st, utf8, len);
    /* the text lives in the tree now */
    spiral_buf_free(&st->raw);
    spiral_buf_free(&st->utf8);
    if (channel_info(r, st) < 0)
        return spiral_error_set(err, SPIRAL_ENOMEM, r->path, 1, 0, "out of memory");
    st->next = st->root->children;
    return SPIRAL_OK;
}

/* The next item or entry at or after n, entering an RSS channel. */
static xmlNodePtr find_item(feed_state *st, xmlNodePtr n)
{
    for (;;) {
        while (n == NULL) {
            if (st->channel == NULL)
                return NULL;
            n = st->channel->next;
            st->channel = NULL;
        }
        if (named(n, "item") || named(n, "entry"))
            return n;
        if (named(n, "channel") && st->channel == NULL && n->parent == st->root) {
            st->channel = n;
            n = n->children;
            continue;
        }
        n = n->next;
    }
}

/* ------------------------------------------------------------------ */
/* One item                                                            */
/* ------------------------------------------------------------------ */

/* Out of memory while reading the item at `line`: it is skipped. */
static int nomem(const spiral_reader *r, unsigned long line, spiral_error *err)
{
    return spiral_error_set(err, SPIRAL_ENOMEM, r->path, line, 0, "out of memory; item skipped");
}

/* "editor@example.org (Jane Doe)" -> "Jane Doe" */
static int rss_author(spiral_buf *b)
{
    char *open, *close;

    if (b->len == 0 || (open = strchr(b->data, '(')) == NULL ||
        (close = strrchr(b->data, ')')) == NULL || close < open || !memchr(b->data, '@', b->len))
        return SPIRAL_OK;
    *close = '\0';
    memmove(b->data, open + 1, (size_t)(close - open));
    b->len = strlen(b->data);
    return SPIRAL_OK;
}

static int add_author(feed_state *st, spiral_buf *name)
{
    if (name->len == 0)
        return SPIRAL_OK;
    if (st->author.len && spiral_buf_puts(&st->author, ", ") < 0)
        return SPIRAL_ENOMEM;
    return spiral_buf_append(&st->author, name->data, name->len);
}

/* Does a start with b (b non-empty)? */
static int starts_with(const spiral_buf *a, const spiral_buf *b)
{
    return b->len > 0 && a->len >= b->len && memcmp(a->data, b->data, b->len) == 0;
}

static int read_item(spiral_reader *r, feed_state *st, xmlNodePtr item, unsigned long line,
                     spiral_error *err)
{
    size_t limit = r->o.max_record_bytes;
    xmlNodePtr n, content = NULL, desc = NULL, date = NULL;
    int date_rank = 100, rc = SPIRAL_OK, content_html = 0;
    spiral_buf name = SPIRAL_BUF_INIT;
    const char *v;
    char *lang;

    spiral_buf *bufs[] = { &st->title, &st->link, &st->id, &st->author, &st->date, &st->source,
                           &st->lang, &st->content, &st->text };
    size_t i;

    for (i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        spiral_buf_reset(bufs[i]);
    for (n = item->children; n && rc == SPIRAL_OK; n = n->next) {
        const char *t = (const char *)n->name;
        int rank;

        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp(t, "title") == 0 && st->title.len == 0) {
            rc = st->kind == FEED_ATOM ? atom_text(st, r, &st->title, n)
                                       : html_of(st, r, &st->title, n);
            if (rc == SPIRAL_OK)
                rc = spiral_markup_clean_str(&st->scratch, st->title.data ? st->title.data : "",
                                             st->title.len);
            if (rc == SPIRAL_OK) {
                spiral_buf_reset(&st->title);
                rc = spiral_buf_append(&st->title, st->scratch.data, st->scratch.len);
            }
        } else if (strcmp(t, "link") == 0) {
            if (st->kind == FEED_ATOM) {
                const char *rel = attr_of(&st->scratch, n, "rel");

                if ((rel == NULL || strcmp(rel, "alternate") == 0) &&
                    (v = attr_of(&st->scratch, n, "href")) != NULL) {
                    spiral_buf_reset(&st->link);
                    rc = spiral_buf_puts(&st->link, v);
                } else if (st->link.len == 0 && (v = attr_of(&st->scratch, n, "href")) != NULL) {
                    rc = spiral_buf_puts(&st->link, v);
                }
            } else if (st->link.len == 0) {
                rc = text_of(st, &st->link, n, limit);
            }
        } else if ((strcmp(t, "guid") == 0 || strcmp(t, "id") == 0) && st->id.len == 0) {
            rc = text_of(st, &st->id, n, limit);
        } else if (strcmp(t, "encoded") == 0) {
            content = n, content_html = 1;
        } else if (strcmp(t, "content") == 0 && st->kind == FEED_ATOM &&
                   attr_of(&st->scratch, n, "src") == NULL) {
            if (content == NULL)
                content = n;
        } else if (strcmp(t, "description") == 0 || strcmp(t, "summary") == 0) {
            if (desc == NULL)
                desc = n;
        } else if ((rank = strcmp(t, "published") == 0 ? 0 : strcmp(t, "pubDate") == 0 ? 1 :
                           strcmp(t, "date") == 0 ? 2 : strcmp(t, "issued") == 0 ? 3 :
                           strcmp(t, "created") == 0 ? 4 : strcmp(t, "updated") == 0 ? 5 :
                           strcmp(t, "modified") == 0 ? 6 : 100) < date_rank) {
            date_rank = rank;
            date = n;
        } else if (strcmp(t, "author") == 0 || strcmp(t, "creator") == 0) {
            xmlNodePtr c;

            if (st->kind == FEED_ATOM && strcmp(t, "author") == 0) {
                for (c = n->children; c && rc == SPIRAL_OK; c = c->next)
                    if (named(c, "name") && (rc = text_of(st, &name, c, limit)) == SPIRAL_OK)
                        rc = add_author(st, &name);
            } else if ((rc = text_of(st, &name, n, limit)) == SPIRAL_OK &&
                       (rc = rss_author(&name)) == SPIRAL_OK) {
                rc = add_author(st, &name);
            }
        } else if (strcmp(t, "source") == 0 && st->source.len == 0) {
            xmlNodePtr c;

            if (st->kind == FEED_ATOM) {
                for (c = n->children; c; c = c->next)
                    if (named(c, "title"))
                        rc = text_of(st, &st->source, c, limit);
            } else {
                rc = text_of(st, &st->source, n, limit);
            }
        }
    }
    spiral_buf_free(&name);
    if (rc == SPIRAL_OK && content == NULL)
        content = desc;
    if (rc == SPIRAL_OK && content)
        rc = content_html || st->kind != FEED_ATOM ? html_of(st, r, &st->content, content)
                                                   : atom_text(st, r, &st->content, content);
    if (rc == SPIRAL_ELIMIT)
        return spiral_error_set(err, SPIRAL_ELIMIT, r->path, line, 0,
                                "item's text is longer than the %zu-byte limit (--max-bytes)",
                                limit);
    if (rc < 0)
        return nomem(r, line, err);

    /* text: the title, then the content unless it repeats the title */
    if (st->title.len && !starts_with(&st->content, &st->title))
        rc |= spiral_buf_append(&st->text, st->title.data, st->title.len);
    if (st->content.len) {
        if (st->text.len)
            rc |= spiral_buf_puts(&st->text, "\n\n");
        rc |= spiral_buf_append(&st->text, st->content.data, st->content.len);
    }
    if (rc < 0)
        return nomem(r, line, err);
    if (st->text.len == 0)
        return spiral_error_set(err, SPIRAL_EINVAL, r->path, line, 0,
                                "%s has no title or content",
                                st->kind == FEED_ATOM ? "entry" : "item");
    if (st->text.len > limit)
        return spiral_error_set(err, SPIRAL_ELIMIT, r->path, line, 0,
                                "item's text is longer than the %zu-byte limit (--max-bytes)",
                                limit);

    if (date) {
        if ((rc = text_of(st, &st->date, date, 256)) < 0 && rc != SPIRAL_ELIMIT)
            return nomem(r, line, err);
        if (rc == SPIRAL_OK && st->date.len &&
            spiral_date_iso(st->iso, st->date.data, st->date.len)) {
            spiral_buf_reset(&st->date);
            rc = spiral_buf_puts(&st->date, st->iso);
        } else {
            /* A date over 256 bytes is no date either (not an error of the
             * item: it once made the item "out of memory"). */
            spiral_markup_warn(r, (unsigned long)xmlGetLineNo(date), 0,
                               "unrecognised date \"%.80s\"%s in <%s>; left out",
                               rc == SPIRAL_OK && st->date.data ? st->date.data : "",
                               rc == SPIRAL_OK ? "" : " (over 256 bytes)",
                               (const char *)date->name);
            spiral_buf_reset(&st->date);
            rc = SPIRAL_OK;
        }
    }
    if ((lang = (char *)xmlNodeGetLang(item)) != NULL) {
        rc |= spiral_markup_clean_str(&st->lang, lang, strlen(lang));
        xmlFree(lang);
    }
    if (rc < 0)
        return nomem(r, line, err);

    r->rec.line = line;
    r->rec.title = st->title.len ? st->title.data : NULL;
    r->rec.link = st->link.len ? st->link.data : NULL;
    r->rec.date = st->date.len ? st->date.data : NULL;
    r->rec.author = st->author.len ? st->author.data : st->chan_author.len ? st->chan_author.data
                                                                            : NULL;
    r->rec.source = st->source.len ? st->source.data : st->chan_title.len ? st->chan_title.data
                                                                           : NULL;
    r->rec.lang = spiral_markup_lang(st->lang.len ? st->lang.data :
                                     st->chan_lang.len ? st->chan_lang.data : NULL);
    if (st->id.len)
        r->rec.id = st->id.data;
    else if (spiral_ingest_default_id(r, line) < 0)
        return nomem(r, line, err);
    return spiral_ingest_set_text(r, st->text.data, st->text.len, line, err);
}

int spiral_ingest_feed_next(spiral_reader *r, spiral_error *err)
{
    feed_state *st = r->fmt_state;
    xmlNodePtr item;
    unsigned long line;
    int rc;

    if (r->done)
        return 0;
    if (st == NULL) {
        if ((st = spiral_calloc(1, sizeof *st)) == NULL)
            return spiral_error_set(err, SPIRAL_ENOMEM, r->path, 1, 0, "out of memory");
        r->fmt_state = st;
        r->fmt_free = feed_state_free;
    }
    if (!st->started) {
        st->started = 1;
        r->rec.line = 1;
        if ((rc = open_feed(r, st, err)) < 0) {
            r->done = 1;
            xmlFreeDoc(st->doc);
            st->doc = NULL;
            return rc;
        }
    }
    if ((item = find_item(st, st->next)) == NULL) {
        r->done = 1;
        xmlFreeDoc(st->doc); /* the tree is not needed any more */
        st->doc = NULL;
        return 0;
    }
    st->next = item->next;
    line = (unsigned long)xmlGetLineNo(item);
    r->rec.line = line;
    return read_item(r, st, item, line, err);
}
