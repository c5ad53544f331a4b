/*
 * fuzz_jsonl.c - the JSON Lines reader (ingest.c, ingest_jsonl.c) on
 * arbitrary bytes.
 *
 * The input is put in a memory file and read as JSON Lines twice: rejecting
 * invalid UTF-8 with the default record limit, and replacing it with a
 * small limit so that the over-long-record path is taken too.
 */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    spiral_read_opts o = SPIRAL_READ_OPTS_INIT;
    const char *path = fuzz_file(data, size, 0);

    o.format = SPIRAL_FORMAT_JSONL;
    fuzz_read_all(path, &o, size);
    o.invalid_utf8 = SPIRAL_UTF8_REPLACE;
    o.max_record_bytes = 64;
    fuzz_read_all(path, &o, size);
    return 0;
}
