/*
 * zhdict.c - the Chinese segmentation dictionary.
 *
 * The segmenter (segment_zh.c) asks two questions of it for every stretch of
 * Han text: "is this a word, and how likely is it?" and "does any word start
 * with this?".  Both are answered by one open-addressing hash table holding
 * every word and every proper prefix of a word, keyed by UTF-8 bytes (FNV-1a,
 * linear probing).  Read-only after it is built, so lookups are safe from any
 * number of threads.
 *
 * A dictionary comes from one of three places:
 *
 *   - a compiled file written by scripts/build-dict.py (jieba's dictionary
 *     plus lexicons/zh/dict-extra.tsv, and jieba's HMM for unknown words).
 *     The file *is* the table: loading maps it read-only (or, where mmap is
 *     missing, reads it into one buffer), checks the header and sizes, and
 *     points into it; lookups check each slot and offset they follow, so a
 *     damaged file gives wrong answers at worst, never a read out of bounds.
 *     Start-up is then independent of the dictionary's size (~0.1 ms);
 *   - a text file in jieba's "word freq [tag]" format, parsed line by line
 *     (slower; for tests and small custom dictionaries; no HMM);
 *   - spiral_dict_new() + spiral_dict_add(), for user words.
 *
 * Compiled format "SPZHDICT" version 1, little-endian, all sections 4-byte
 * aligned:
 *
 *   0   char[8]  magic "SPZHDICT"
 *   8   u32      version (1)
 *   12  u32      0x01020304, to detect a file from another byte order
 *   16  u32      nentries: words and prefixes
 *   20  u32      nslots: hash slots, a power of two > nentries
 *   24  u32      nstrings: bytes of key text
 *   28  u32      nemit: HMM emission rows
 *   32  f64      log of the total word frequency
 *   40  f32[4]   HMM start log probabilities (B, M, E, S)
 *   56  f32[16]  HMM transitions, from-major
 *   120 u32      flags: 1 = the HMM tables are present
 *   124 u32      nwords
 *   128 u32[nslots]              slot -> entry index + 1, 0 = empty
 *       {u32 off, u32 len<<2|flags, f32 logp}[nentries]
 *       {u32 cp, f32 logp[4]}[nemit], sorted by cp
 *       char[nstrings]           keys, not NUL-terminated
 */
#if !defined(_POSIX_C_SOURCE) || _POSIX_C_SOURCE < 200809L
#undef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* fileno, mmap */
#endif

#include "zhdict.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "error.h"

#if defined(__unix__) || defined(__APPLE__)
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#define DICT_MMAP 1
#else
#define DICT_MMAP 0
#endif

#define DICT_MAGIC "SPZHDICT"
#define DICT_VERSION 1u
#define DICT_BOM 0x01020304u
#define DICT_HEADER 128u
#define DICT_HAS_HMM 1u
#define DICT_MAX_KEY ((size_t)1 << 20)

typedef struct dict_entry {
    uint32_t off;      /* into strings */
    uint32_t lenflags; /* key length << 2 | SPIRAL_DICT_* flags */
    float value;       /* log probability or user frequency; 0 for prefixes */
} dict_entry;

typedef struct dict_emit {
    uint32_t cp;
    float logp[4];
} dict_emit;

_Static_assert(sizeof(dict_entry) == 12, "dict_entry must match the file layout");
_Static_assert(sizeof(dict_emit) == 20, "dict_emit must match the file layout");

struct spiral_dict {
    unsigned char *blob; /* a compiled file read into memory, or NULL */
    void *map;           /* a compiled file mapped into memory, or NULL */
    size_t maplen;
    uint32_t *slots;
    size_t nslots;
    dict_entry *entries;
    size_t nentries, entries_cap;
    char *strings;
    size_t nstrings, strings_cap;
    size_t nwords;
    double logtotal;
    int user;
    int has_hmm;
    float start[4];
    float trans[16];
    const dict_emit *emit;
    size_t nemit;
};

/* ------------------------------------------------------------------ */
/* Hash table                                                          */
/* ------------------------------------------------------------------ */

static uint32_t dict_hash(const char *s, size_t len)
{
    uint32_t h = 0x811C9DC5u;
    size_t i;

    for (i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x01000193u;
    }
    return h;
}

/*
 * Find the entry for key s[0..len).
 *
 * Returns: its index, or -1 if absent.
 */
static long dict_lookup(const spiral_dict *d, const char *s, size_t len)
{
    size_t mask, i, probes;
    uint32_t slot;

    if (d == NULL || d->nslots == 0 || len == 0)
        return -1;
    mask = d->nslots - 1;
    i = dict_hash(s, len) & mask;
    /* At most nslots probes: a damaged file may have no empty slot. */
    for (probes = 0; probes < d->nslots && (slot = d->slots[i]) != 0 && slot <= d->nentries;
         probes++) {
        const dict_entry *e = &d->entries[slot - 1];
        if ((e->lenflags >> 2) == len && e->off <= d->nstrings && len <= d->nstrings - e->off
            && memcmp(d->strings + e->off, s, len) == 0)
            return (long)(slot - 1);
        i = (i + 1) & mask;
    }
    return -1;
}

/* Put entry idx into slots (which must have a free slot). */
static void dict_slot_put(uint32_t *slots, size_t nslots, const spiral_dict *d, size_t idx)
{
    const dict_entry *e = &d->entries[idx];
    size_t mask = nslots - 1;
    size_t i = dict_hash(d->strings + e->off, e->lenflags >> 2) & mask;

    while (slots[i] != 0)
        i = (i + 1) & mask;
    slots[i] = (uint32_t)(idx + 1);
}

/*
 * Make room for one more entry: grow the entry array and, to keep the table
 * at most half full, double the slots and rehash.
 *
 * Returns: SPIRAL_OK or SPIRAL_ENOMEM (d unchanged).
 */
static int dict_reserve(spiral_dict *d, size_t keylen)
{
    if (d->nentries + 1 > UINT32_MAX - 1 || d->nstrings + keylen > UINT32_MAX)
        return SPIRAL_ENOMEM;
    if (d->nentries == d->entries_cap) {
        size_t cap = d->entries_cap ? d->entries_cap * 2 : 256;
        dict_entry *e = spiral_reallocarray(d->entries, cap, sizeof *e);
        if (e == NULL)
            return SPIRAL_ENOMEM;
        d->entries = e;
        d->entries_cap = cap;
    }
    if (d->nstrings + keylen > d->strings_cap) {
        size_t cap = d->strings_cap ? d->strings_cap : 4096;
        char *s;
        while (cap < d->nstrings + keylen)
            cap *= 2;
        if ((s = spiral_realloc(d->strings, cap)) == NULL)
            return SPIRAL_ENOMEM;
        d->strings = s;
        d->strings_cap = cap;
    }
    if ((d->nentries + 1) * 2 > d->nslots) {
        size_t n = d->nslots ? d->nslots * 2 : 512;
        size_t i;
        uint32_t *slots = spiral_calloc(n, sizeof *slots);
        if (slots == NULL)
            return SPIRAL_ENOMEM;
        for (i = 0; i < d->nentries; i++)
            dict_slot_put(slots, n, d, i);
        spiral_free(d->slots);
        d->slots = slots;
        d->nslots = n;
    }
    return SPIRAL_OK;
}

/*
 * Add flags to key s[0..len), creating the entry if needed.  With
 * SPIRAL_DICT_WORD in flags the word's value becomes value.
 *
 * Returns: SPIRAL_OK or SPIRAL_ENOMEM.
 */
static int dict_put(spiral_dict *d, const char *s, size_t len, unsigned flags, float value)
{
    long idx = dict_lookup(d, s, len);
    dict_entry *e;
    int rc;

    if (idx < 0) {
        if ((rc = dict_reserve(d, len)) < 0)
            return rc;
        e = &d->entries[d->nentries];
        e->off = (uint32_t)d->nstrings;
        e->lenflags = (uint32_t)len << 2;
        e->value = 0;
        memcpy(d->strings + d->nstrings, s, len);
        d->nstrings += len;
        dict_slot_put(d->slots, d->nslots, d, d->nentries);
        d->nentries++;
    } else {
        e = &d->entries[idx];
    }
    if ((flags & SPIRAL_DICT_WORD) != 0) {
        if ((e->lenflags & SPIRAL_DICT_WORD) == 0)
            d->nwords++;
        e->value = value;
    }
    e->lenflags |= flags;
    return SPIRAL_OK;
}

/* Length of the UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_seqlen(const unsigned char *s, size_t n)
{
    uint32_t cp;
    size_t len, i;

    if (s[0] < 0x80)
        return s[0] != 0;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        len = 2, cp = s[0] & 0x1Fu;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF)
        len = 3, cp = s[0] & 0x0Fu;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4)
        len = 4, cp = s[0] & 0x07u;
    else
        return 0;
    if (len > n)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))
        || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

/*
 * Add word w[0..len) (already lower-cased) and all its proper prefixes.
 *
 * Returns: SPIRAL_OK, SPIRAL_ENOMEM, or SPIRAL_EINVAL for invalid UTF-8.
 */
static int dict_put_word(spiral_dict *d, const char *w, size_t len, float value)
{
    size_t i = 0, n;
    int rc;

    while (i < len) {
        if ((n = utf8_seqlen((const unsigned char *)w + i, len - i)) == 0)
            return SPIRAL_EINVAL;
        i += n;
    }
    for (i = 0; i < len; i += n) {
        n = utf8_seqlen((const unsigned char *)w + i, len - i);
        if (i + n < len && (rc = dict_put(d, w, i + n, SPIRAL_DICT_PREFIX, 0)) < 0)
            return rc;
    }
    return dict_put(d, w, len, SPIRAL_DICT_WORD, value);
}

/* ------------------------------------------------------------------ */
/* Public and internal API                                             */
/* ------------------------------------------------------------------ */

int spiral_dict_new(spiral_dict **out)
{
    spiral_dict *d;

    *out = NULL;
    if ((d = spiral_calloc(1, sizeof *d)) == NULL)
        return SPIRAL_ENOMEM;
    d->user = 1;
    *out = d;
    return SPIRAL_OK;
}

int spiral_dict_add(spiral_dict *d, const char *word, size_t len, double freq)
{
    char small[64];
    char *w = small;
    size_t i;
    int rc;

    if (d == NULL || !d->user || word == NULL || len == 0 || len >= DICT_MAX_KEY
        || !(freq >= 0) || freq > 3.0e38)
        return SPIRAL_EINVAL;
    if (memchr(word, '\0', len) != NULL)
        return SPIRAL_EINVAL;
    if (len > sizeof small && (w = spiral_malloc(len)) == NULL)
        return SPIRAL_ENOMEM;
    for (i = 0; i < len; i++)
        w[i] = (word[i] >= 'A' && word[i] <= 'Z') ? (char)(word[i] - 'A' + 'a') : word[i];
    rc = dict_put_word(d, w, len, (float)freq);
    if (w != small)
        spiral_free(w);
    return rc;
}

unsigned spiral_dict_find(const spiral_dict *d, const char *s, size_t len, float *value)
{
    long idx = dict_lookup(d, s, len);
    const dict_entry *e;

    if (idx < 0)
        return 0;
    e = &d->entries[idx];
    if (value != NULL && (e->lenflags & SPIRAL_DICT_WORD) != 0)
        *value = e->value;
    return e->lenflags & 3u;
}

int spiral_dict_is_user(const spiral_dict *d)
{
    return d != NULL && d->user;
}

double spiral_dict_logtotal(const spiral_dict *d)
{
    return d != NULL ? d->logtotal : 0.0;
}

int spiral_dict_has_hmm(const spiral_dict *d)
{
    return d != NULL && d->has_hmm;
}

const float *spiral_dict_hmm_start(const spiral_dict *d)
{
    return spiral_dict_has_hmm(d) ? d->start : NULL;
}

const float *spiral_dict_hmm_trans(const spiral_dict *d)
{
    return spiral_dict_has_hmm(d) ? d->trans : NULL;
}

int spiral_dict_hmm_emit(const spiral_dict *d, uint32_t cp, float out[4])
{
    size_t lo = 0, hi;
    int i;

    for (i = 0; i < 4; i++)
        out[i] = -3.0e38f;
    if (!spiral_dict_has_hmm(d))
        return 0;
    hi = d->nemit;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->emit[mid].cp < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == d->nemit || d->emit[lo].cp != cp)
        return 0;
    memcpy(out, d->emit[lo].logp, sizeof d->emit[lo].logp);
    return 1;
}

size_t spiral_dict_size(const spiral_dict *dict)
{
    return dict != NULL ? dict->nwords : 0;
}

void spiral_dict_free(spiral_dict *dict)
{
    if (dict == NULL)
        return;
    if (dict->map != NULL) {
#if DICT_MMAP
        munmap(dict->map, dict->maplen);
#endif
    } else if (dict->blob != NULL) {
        spiral_free(dict->blob);
    } else {
        spiral_free(dict->slots);
        spiral_free(dict->entries);
        spiral_free(dict->strings);
    }
    spiral_free(dict);
}

/* ------------------------------------------------------------------ */
/* Loading                                                             */
/* ------------------------------------------------------------------ */

/*
 * Read all of path into a new NUL-terminated buffer.
 *
 * Returns: SPIRAL_OK, SPIRAL_EIO (err names path) or SPIRAL_ENOMEM.
 */
static int read_file(const char *path, unsigned char **out, size_t *outlen, spiral_error *err)
{
    FILE *f;
    unsigned char *buf = NULL, *nbuf;
    size_t len = 0, cap = 0, n;
    long hint;
    int rc = SPIRAL_OK;

    *out = NULL;
    *outlen = 0;
    if ((f = fopen(path, "rb")) == NULL)
        return spiral_error_set(err, SPIRAL_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    if (fseek(f, 0, SEEK_END) == 0 && (hint = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0)
        cap = (size_t)hint + 1;
    if (cap < 4096)
        cap = 4096;
    for (;;) {
        if (len + 1 >= cap || buf == NULL) {
            size_t ncap = buf == NULL ? cap : cap * 2;
            if ((nbuf = spiral_realloc(buf, ncap)) == NULL) {
                rc = spiral_error_nomem(err, path);
                goto done;
            }
            buf = nbuf;
            cap = ncap;
        }
        n = fread(buf + len, 1, cap - 1 - len, f);
        len += n;
        if (n == 0) {
            if (ferror(f))
                rc = spiral_error_set(err, SPIRAL_EIO, path, 0, 0, "read error: %s", strerror(errno));
            break;
        }
    }
done:
    fclose(f);
    if (rc < 0) {
        spiral_free(buf);
        return rc;
    }
    buf[len] = '\0';
    *out = buf;
    *outlen = len;
    return SPIRAL_OK;
}

static uint32_t get_u32(const unsigned char *p)
{
    uint32_t v;

    memcpy(&v, p, sizeof v);
    return v;
}

static int corrupt(spiral_error *err, const char *path, size_t offset, const char *what)
{
    spiral_error_set(err, SPIRAL_EPARSE, path, 0, 0, "corrupt compiled dictionary: %s", what);
    if (err != NULL)
        err->offset = offset;
    return SPIRAL_EPARSE;
}

/*
 * Point d's tables into blob (len bytes of a compiled dictionary) after
 * checking its header and that the sections add up to its size.  Slots and
 * entries are checked as lookups follow them (dict_lookup()), so that a
 * mapped file is not read in full at start-up.  d does not own blob yet.
 *
 * Returns: SPIRAL_OK or SPIRAL_EPARSE (err says what is wrong).
 */
static int load_compiled(spiral_dict *d, unsigned char *blob, size_t len, const char *path,
                         spiral_error *err)
{
    uint32_t nentries, nslots, nstrings, nemit, flags, nwords, version;
    size_t need, o_slots, o_entries, o_emit, o_strings;

    if (len < DICT_HEADER)
        return corrupt(err, path, len, "truncated header");
    version = get_u32(blob + 8);
    if (get_u32(blob + 12) != DICT_BOM)
        return corrupt(err, path, 12, "built for another byte order; rebuild it");
    if (version != DICT_VERSION)
        return corrupt(err, path, 8, "unsupported version; rebuild it");
    nentries = get_u32(blob + 16);
    nslots = get_u32(blob + 20);
    nstrings = get_u32(blob + 24);
    nemit = get_u32(blob + 28);
    flags = get_u32(blob + 120);
    nwords = get_u32(blob + 124);
    if (nslots == 0 || (nslots & (nslots - 1)) != 0 || nslots <= nentries || nwords > nentries)
        return corrupt(err, path, 16, "bad table size");
    o_slots = DICT_HEADER;
    o_entries = o_slots + (size_t)nslots * 4;
    o_emit = o_entries + (size_t)nentries * sizeof(dict_entry);
    o_strings = o_emit + (size_t)nemit * sizeof(dict_emit);
    need = o_strings + nstrings;
    if (need != len)
        return corrupt(err, path, len < need ? len : need, "size does not match its header");
    d->slots = (uint32_t *)(void *)(blob + o_slots);
    d->entries = (dict_entry *)(void *)(blob + o_entries);
    d->emit = (const dict_emit *)(const void *)(blob + o_emit);
    d->strings = (char *)(blob + o_strings);
    memcpy(&d->logtotal, blob + 32, sizeof d->logtotal);
    memcpy(d->start, blob + 40, sizeof d->start);
    memcpy(d->trans, blob + 56, sizeof d->trans);
    d->nslots = nslots;
    d->nentries = d->entries_cap = nentries;
    d->nstrings = d->strings_cap = nstrings;
    d->nwords = nwords;
    d->nemit = nemit;
    d->has_hmm = (flags & DICT_HAS_HMM) != 0 && nemit > 0;
    return SPIRAL_OK;
}

#if DICT_MMAP
/*
 * Map path if it is a compiled dictionary.
 *
 * Returns: 1 and fills d if it was one, 0 if it is not (or cannot be
 * mapped: the caller then reads it), or SPIRAL_EPARSE.
 */
static int map_compiled(spiral_dict *d, const char *path, spiral_error *err)
{
    FILE *f;
    struct stat st;
    char magic[8];
    void *map;
    int rc;

    if ((f = fopen(path, "rb")) == NULL)
        return 0;
    if (fread(magic, 1, sizeof magic, f) != sizeof magic || memcmp(magic, DICT_MAGIC, 8) != 0
        || fstat(fileno(f), &st) != 0 || st.st_size <= 0
        || (unsigned long long)st.st_size > (unsigned long long)SIZE_MAX) {
        fclose(f);
        return 0;
    }
    map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fileno(f), 0);
    fclose(f);
    if (map == MAP_FAILED)
        return 0;
    if ((rc = load_compiled(d, map, (size_t)st.st_size, path, err)) < 0) {
        munmap(map, (size_t)st.st_size);
        return rc;
    }
    d->map = map;
    d->maplen = (size_t)st.st_size;
    return 1;
}
#endif

/*
 * Parse a jieba-style text dictionary: one "word freq [tag]" a line, fields
 * separated by spaces or tabs; blank lines and lines starting with '#' are
 * skipped; a word with frequency 0 is not a word (as in jieba).  Fills d,
 * then turns frequencies into log probabilities.
 *
 * Returns: SPIRAL_OK, SPIRAL_ENOMEM or SPIRAL_EPARSE (err has line, column).
 */
static int load_text(spiral_dict *d, const char *text, size_t len, const char *path,
                     spiral_error *err)
{
    const char *p = text, *end = text + len;
    unsigned long lineno = 0;
    double total = 0;
    char *w = NULL;
    size_t wcap = 0, i;
    int rc = SPIRAL_OK;

    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *q, *word, *num;
        size_t wlen;
        double freq = 0;
        long prev;

        if (eol == NULL)
            eol = end;
        lineno++;
        q = p;
        while (q < eol && (*q == ' ' || *q == '\t' || *q == '\r'))
            q++;
        if (q == eol || *q == '#')
            goto next;
        word = q;
        while (q < eol && *q != ' ' && *q != '\t' && *q != '\r')
            q++;
        wlen = (size_t)(q - word);
        while (q < eol && (*q == ' ' || *q == '\t'))
            q++;
        num = q;
        if (q == eol || *q < '0' || *q > '9') {
            rc = spiral_error_set(err, SPIRAL_EPARSE, path, lineno, (unsigned long)(q - p) + 1,
                                  "expected a frequency after the word");
            goto out;
        }
        while (q < eol && *q >= '0' && *q <= '9') {
            freq = freq * 10 + (*q - '0');
            q++;
        }
        if (q < eol && *q != ' ' && *q != '\t' && *q != '\r') {
            rc = spiral_error_set(err, SPIRAL_EPARSE, path, lineno, (unsigned long)(num - p) + 1,
                                  "the frequency must be a whole number");
            goto out;
        }
        if (wlen >= DICT_MAX_KEY || memchr(word, '\0', wlen) != NULL) {
            rc = spiral_error_set(err, SPIRAL_EPARSE, path, lineno, (unsigned long)(word - p) + 1,
                                  "bad word");
            goto out;
        }
        if (freq <= 0 || freq > 1e15)
            goto next;
        if (wlen > wcap) {
            char *nw = spiral_realloc(w, wlen);
            if (nw == NULL) {
                rc = spiral_error_nomem(err, path);
                goto out;
            }
            w = nw;
            wcap = wlen;
        }
        for (i = 0; i < wlen; i++)
            w[i] = (word[i] >= 'A' && word[i] <= 'Z') ? (char)(word[i] - 'A' + 'a') : word[i];
        if ((prev = dict_lookup(d, w, wlen)) >= 0
            && (d->entries[prev].lenflags & SPIRAL_DICT_WORD) != 0)
            total -= d->entries[prev].value;
        if ((rc = dict_put_word(d, w, wlen, (float)freq)) < 0) {
            if (rc == SPIRAL_ENOMEM)
                spiral_error_nomem(err, path);
            else
                spiral_error_set(err, SPIRAL_EPARSE, path, lineno, (unsigned long)(word - p) + 1,
                                 "the word is not valid UTF-8");
            rc = rc == SPIRAL_ENOMEM ? rc : SPIRAL_EPARSE;
            goto out;
        }
        total += freq;
next:
        p = eol + 1;
    }
    d->logtotal = total > 0 ? log(total) : 0;
    for (i = 0; i < d->nentries; i++)
        if ((d->entries[i].lenflags & SPIRAL_DICT_WORD) != 0)
            d->entries[i].value = (float)(log(d->entries[i].value) - d->logtotal);
out:
    spiral_free(w);
    return rc;
}

int spiral_dict_load(spiral_dict **out, const char *path, spiral_error *err)
{
    spiral_dict *d;
    unsigned char *buf;
    size_t len;
    int rc;

    *out = NULL;
    if (path == NULL)
        return spiral_error_set(err, SPIRAL_EINVAL, "", 0, 0, "no dictionary path");
    if ((d = spiral_calloc(1, sizeof *d)) == NULL)
        return spiral_error_nomem(err, path);
#if DICT_MMAP
    if ((rc = map_compiled(d, path, err)) != 0) {
        if (rc < 0)
            goto fail;
        *out = d;
        return SPIRAL_OK;
    }
#endif
    if ((rc = read_file(path, &buf, &len, err)) < 0)
        goto fail;
    if (len >= 8 && memcmp(buf, DICT_MAGIC, 8) == 0) {
        if ((rc = load_compiled(d, buf, len, path, err)) < 0) {
            memset(d, 0, sizeof *d);
            spiral_free(buf);
            goto fail;
        }
        d->blob = buf;
    } else {
        rc = load_text(d, (const char *)buf, len, path, err);
        spiral_free(buf);
        if (rc < 0)
            goto fail;
    }
    *out = d;
    return SPIRAL_OK;
fail:
    spiral_dict_free(d);
    return rc;
}
