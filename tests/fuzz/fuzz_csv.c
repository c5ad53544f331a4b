/*
 * fuzz_csv.c - the CSV/TSV reader (ingest_csv.c) on arbitrary bytes.
 *
 * Built by `make fuzz` only when src/ingest_csv.c exists.  The first byte
 * chooses the delimiter (auto, comma, tab, semicolon), the UTF-8 policy,
 * whether id/date/actor columns are asked for, and a small record limit;
 * the rest is the file.
 */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char delims[] = { 0, ',', '\t', ';' };
    spiral_read_opts o = SPIRAL_READ_OPTS_INIT;

    if (size < 1)
        return 0;
    o.format = SPIRAL_FORMAT_CSV;
    o.csv_delimiter = delims[data[0] & 3];
    o.invalid_utf8 = (data[0] & 4) ? SPIRAL_UTF8_REPLACE : SPIRAL_UTF8_REJECT;
    if (data[0] & 8) {
        o.id_column = "id";
        o.date_column = "date";
        o.actor_column = "actor";
    }
    if (data[0] & 16)
        o.max_record_bytes = 32 + (data[0] >> 5);
    fuzz_read_all(fuzz_file(data + 1, size - 1, 0), &o, size);
    return 0;
}
