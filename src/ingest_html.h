/*
 * ingest_html.h - markup plumbing shared by the HTML and feed readers:
 * charset handling, guarded libxml2 parses, and the text of a tree.
 */
#ifndef SPIRAL_INGEST_HTML_H
#define SPIRAL_INGEST_HTML_H

#include <libxml/tree.h>

#include "ingest.h"

/* Mark this thread as inside one of spiral's parses (enter = 1) or out of
 * it (enter = 0): the entity loader of spiral_global_init() refuses every
 * load while inside. */
void spiral_markup_guard(int enter);

/* Turn a document's bytes into UTF-8 for the parser.  The charset is the
 * byte order mark's, else the declared one (HTML: <meta charset> or
 * http-equiv, then an XML declaration; XML: the declaration), else UTF-8.
 * GB2312 and GBK are read as GB18030 and Big5 as Big5-HKSCS, their
 * supersets, as browsers do.  Bytes invalid in that charset follow the
 * reader's UTF-8 policy (rejected naming the line, or U+FFFD, counted in
 * *replaced).  The result is in out (which may be in itself when nothing
 * needed converting: then *text points into in).  Returns SPIRAL_OK,
 * SPIRAL_EENCODING or SPIRAL_ENOMEM with err filled. */
int spiral_markup_utf8(spiral_reader *r, int is_xml, const char *in, size_t len,
                       spiral_buf *out, const char **text, size_t *text_len,
                       size_t *replaced, spiral_error *err);

/* What parsing a document met, for warnings and errors. */
typedef struct spiral_markup_diag {
    int fatal;              /* an error libxml2 could not recover from */
    int fatal_code;         /* its libxml2 code (XML_ERR_ENTITY_LOOP ...) */
    unsigned long problems; /* recoverable errors, HTML5 tag names not counted */
    spiral_error first;     /* the first fatal error, else the first problem */
    const char *path;
} spiral_markup_diag;

/* Fill err for a document libxml2 could not recover (diag->fatal): the
 * depth limit, entity expansion, memory, no markup.  what is "page" or
 * "feed".  Returns the status (SPIRAL_ELIMIT or SPIRAL_EPARSE). */
int spiral_markup_refuse(spiral_reader *r, const spiral_markup_diag *d, const char *what,
                         spiral_error *err);

/* Parse UTF-8 HTML (a page or a fragment) or XML with the safe options
 * (no network, no DTD or external entity loaded, no entity substitution,
 * recovery on) and libxml2's depth limit.  diag (may be NULL) receives
 * what went wrong.  Returns the document (the caller frees it with
 * xmlFreeDoc) or NULL when libxml2 produced none. */
xmlDocPtr spiral_markup_parse_html(const char *text, size_t len, const char *path,
                                   spiral_markup_diag *diag);
xmlDocPtr spiral_markup_parse_xml(const char *text, size_t len, const char *path,
                                  spiral_markup_diag *diag);

/* The text of a subtree as a reader sees it: script, style, navigation,
 * header, footer, asides, menus, hidden elements, breadcrumbs, share
 * buttons and related-link blocks left out; paragraphs, headings, list
 * items and table rows become paragraphs (a blank line between them), <br>
 * a line break, other white space collapsed (and dropped at a line break
 * between two Chinese characters, as browsers do); <pre> kept as it is.
 * Internal entities of XML are expanded within limit bytes of output; an
 * external one is never loaded and yields nothing.  Appends to out.
 * Returns SPIRAL_OK, SPIRAL_ELIMIT (the text would pass limit bytes) or
 * SPIRAL_ENOMEM. */
int spiral_markup_text(spiral_buf *out, xmlNodePtr node, size_t limit);

/* The text of an HTML fragment (a feed item's content), through
 * spiral_markup_text.  Appends to out; returns as it does. */
int spiral_markup_fragment_text(spiral_buf *out, const char *html, size_t len,
                                const char *path, size_t limit);

/* "zh" for zh, zh-CN, zh_Hant, cmn ...; "en" for en, en-US ...; NULL for
 * other or absent languages (the library then detects one). */
const char *spiral_markup_lang(const char *tag);

/* Copy s (len bytes) into b as a NUL-terminated string with white space
 * collapsed and trimmed.  Returns SPIRAL_OK or SPIRAL_ENOMEM. */
int spiral_markup_clean_str(spiral_buf *b, const char *s, size_t len);

/* Report a warning through the reader's callback, if any. */
void spiral_markup_warn(spiral_reader *r, unsigned long line, unsigned long column,
                        const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

#endif
