/*
 * global.c - the one piece of process-wide set-up spiral needs.
 *
 * libxml2 must be initialised once before several threads parse
 * (xmlInitParser, libxml2 2.9.14), so spiral_global_init() does that from
 * the main thread.  It also installs an external-entity loader that refuses
 * every load asked for while one of spiral's own parses runs on the calling
 * thread (markup_guard, thread-local), and defers to the previous loader
 * otherwise.  The parse options already forbid loading DTDs and external
 * entities (no XML_PARSE_NOENT, XML_PARSE_DTDLOAD) and the network
 * (XML_PARSE_NONET); the loader is a second lock on the same door.  This is
 * the library's only mutable global state (STYLE.md section 4).
 */
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "alloc.h"
#include "ingest_html.h"
#include "spiral.h"

static int initialised;
static xmlExternalEntityLoader previous_loader;

/* Set while spiral parses on this thread (see spiral_markup_guard()). */
static _Thread_local int guard_depth;

void spiral_markup_guard(int enter)
{
    guard_depth += enter ? 1 : -1;
}

/* Refuse every entity or DTD a spiral parse asks for; others go to the
 * loader that was installed before ours. */
static xmlParserInputPtr refusing_loader(const char *url, const char *id,
                                         xmlParserCtxtPtr ctxt)
{
    if (guard_depth > 0)
        return NULL;
    return previous_loader ? previous_loader(url, id, ctxt) : NULL;
}

int spiral_global_init(void)
{
    if (initialised)
        return SPIRAL_OK;
    xmlInitParser();
    spiral_alloc_install_jansson(); /* jansson allocates through alloc.h */
    previous_loader = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(refusing_loader);
    initialised = 1;
    return SPIRAL_OK;
}

void spiral_global_cleanup(void)
{
    if (!initialised)
        return;
    xmlSetExternalEntityLoader(previous_loader);
    previous_loader = NULL;
    xmlCleanupParser();
    initialised = 0;
}
