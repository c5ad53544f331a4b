/*
 * fuzz_feed.c - the RSS/Atom reader (ingest_feed.c) on arbitrary bytes.
 *
 * Built by `make fuzz` only when src/ingest_feed.c exists.  The first byte
 * chooses the UTF-8 policy and a small or the default document limit; the
 * rest is the feed.  Entity expansion and nesting limits are exercised by
 * the seeds (billion laughs, deep nesting).
 */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    spiral_read_opts o = SPIRAL_READ_OPTS_INIT;

    if (size < 1)
        return 0;
    o.format = SPIRAL_FORMAT_FEED;
    o.invalid_utf8 = (data[0] & 1) ? SPIRAL_UTF8_REPLACE : SPIRAL_UTF8_REJECT;
    if (data[0] & 2)
        o.max_doc_bytes = 64 + data[0];
    fuzz_read_all(fuzz_file(data + 1, size - 1, 0), &o, size * 4 + 16);
    return 0;
}
