/*
 * fuzz_lexicon.c - the lexicon parser (lexicon.c) on arbitrary files.
 *
 * The first byte chooses a term lexicon or an actor-alias file; the rest is
 * the file.  spiral_lexicon_check() must report every problem with a file,
 * a line and a message, and agree with loading: a file that loads cleanly
 * has no problems... and one that fails to load has at least one.  A
 * lexicon that loads is then used on a fixed bilingual text, so that odd
 * patterns and regular expressions are matched too.
 */
#include <string.h>

#include "fuzz.h"
#include "spiral.h"

static const char text[] =
    "The United States will not tolerate provocation; we warn of serious consequences "
    "if sanctions continue.  We remain committed to dialogue and cooperation?\n\n"
    "\xE4\xB8\xAD\xE6\x96\xB9\xE5\x9D\x9A\xE5\x86\xB3\xE5\x8F\x8D\xE5\xAF\xB9\xE5\x8D\x95"
    "\xE8\xBE\xB9\xE5\x88\xB6\xE8\xA3\x81\xE3\x80\x82\xE6\x88\x91\xE4\xBB\xAC\xE6\x84\xBF"
    "\xE5\x90\x8C\xE7\xBE\x8E\xE6\x96\xB9\xE5\x8A\xA0\xE5\xBC\xBA\xE5\xAF\xB9\xE8\xAF\x9D"
    "\xEF\xBC\x81 Mr. Smith's U.S.-led talks don't end; 2024\xE5\xB9\xB4 \xEF\xBC\xA1\xEF\xBC\xA2";

static void check_report(const spiral_error *err, void *payload)
{
    unsigned long *n = payload;

    FUZZ_CHECK(err->code < 0);
    FUZZ_CHECK(err->file[0] != '\0');
    FUZZ_CHECK(err->code == SPIRAL_EIO || err->line >= 1);
    FUZZ_CHECK(memchr(err->message, '\0', sizeof err->message) != NULL && err->message[0]);
    (*n)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path;
    spiral_lexicon *lex;
    spiral_session *s;
    const spiral_doc *doc;
    spiral_error err;
    unsigned long problems = 0;
    int actors, checked, rc;

    if (size < 1)
        return 0;
    actors = data[0] & 1;
    if ((path = fuzz_file(data + 1, size - 1, 0)) == NULL)
        return 0;
    checked = actors ? 0 : spiral_lexicon_check(path, check_report, &problems);
    FUZZ_CHECK(checked >= 0);
    FUZZ_CHECK((unsigned long)checked == problems);

    FUZZ_CHECK(spiral_lexicon_new(&lex, &err) == SPIRAL_OK);
    rc = actors ? spiral_lexicon_add_actors(lex, path, &err) : spiral_lexicon_add_file(lex, path, &err);
    if (rc < 0) {
        FUZZ_CHECK(err.code == rc && err.file[0] != '\0');
        FUZZ_CHECK(rc == SPIRAL_EPARSE || rc == SPIRAL_EENCODING);
        FUZZ_CHECK(actors || checked > 0);
        spiral_lexicon_free(lex);
        return 0;
    }
    FUZZ_CHECK(spiral_lexicon_seal(lex, &err) == SPIRAL_OK);
    FUZZ_CHECK(spiral_session_new(&s, NULL, lex, NULL, &err) == SPIRAL_OK);
    rc = spiral_session_analyze(s, text, sizeof text - 1, NULL, &doc, &err);
    FUZZ_CHECK(rc == SPIRAL_OK);
    if (actors) {
        spiral_context ctx = SPIRAL_CONTEXT_INIT;

        ctx.actor = "CHN-MFA:Hua Chunying";
        ctx.date = "2021-05-01";
        FUZZ_CHECK(spiral_session_analyze_ctx(s, text, sizeof text - 1, &ctx, &doc, &err) ==
                   SPIRAL_OK);
    }
    spiral_session_free(s);
    spiral_lexicon_free(lex);
    return 0;
}
