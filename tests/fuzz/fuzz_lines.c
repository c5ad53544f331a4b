/*
 * fuzz_lines.c - the plain-text readers (one statement a line, one a
 * document, and format detection) on arbitrary bytes.
 *
 * The first byte chooses the format (lines, doc, auto), the UTF-8 policy
 * and a small or the default record limit; the rest is the file.
 */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const spiral_format formats[] = { SPIRAL_FORMAT_LINES, SPIRAL_FORMAT_DOC,
                                             SPIRAL_FORMAT_AUTO, SPIRAL_FORMAT_LINES };
    spiral_read_opts o = SPIRAL_READ_OPTS_INIT;
    unsigned c;

    if (size < 1)
        return 0;
    c = data[0];
    o.format = formats[c & 3];
    o.invalid_utf8 = (c & 4) ? SPIRAL_UTF8_REPLACE : SPIRAL_UTF8_REJECT;
    if (c & 8)
        o.max_record_bytes = 16 + (c >> 4);
    fuzz_read_all(fuzz_file(data + 1, size - 1, 0), &o, size);
    return 0;
}
