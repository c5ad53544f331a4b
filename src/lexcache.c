/*
 * lexcache.c - the compiled lexicon cache.
 *
 * Loading the shipped lexicons parses some 8,000 lines, compiles their
 * regexes and builds the matcher's tries, vocabulary and scanners: most of
 * a short run's time.  Sealing (lexicon.c) writes what it built to one
 * file per list of sources, and a later run with the same sources maps
 * that file and uses its arrays in place.  The file holds no pointer:
 * strings and arrays are offsets into it, fixed up on loading; regexes
 * are PCRE2's serialised form (pcre2_serialize_encode()).  It is trusted
 * only when it holds exactly the bytes, names and order of every source
 * (which the run reads anyway), was written by the same build of spiral
 * (its GNU build id: the code that builds and walks these arrays changes
 * between builds of one version) and format on a machine of the same
 * sizes and byte order, and passes a checksum; and every index in it is checked to stay within its arrays,
 * so that a damaged or hostile file cannot send the matcher out of
 * bounds.  Anything else and the lexicon is built from its sources and the
 * file written afresh.
 *
 * Layout: a head (cache_head: the checks, then where each array is), then
 * the arrays, each on a 64-byte boundary (the mapping starts on a page,
 * so arrays that want cache-line alignment, the words, the token edges
 * and the scanners' rows, have it in place).
 */
#define _POSIX_C_SOURCE 200809L /* mkstemp, mmap, fstat */
#if defined(__linux__)
#define _GNU_SOURCE /* dl_iterate_phdr */
#include <link.h>
#define HAVE_BUILD_ID 1
#else
#define HAVE_BUILD_ID 0
#endif

#include "lexcache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "lexicon.h"
#include "utf8.h"
#include "zhdict.h"

#define CACHE_MAGIC "SPLEXC\r\n"
#define CACHE_FORMAT 1u
#define CACHE_BOM 0x0102030405060708ull
#define CACHE_ALIGN 64u
#define NO_STR UINT32_MAX

/* Where an array is in the file: byte offset and length. */
typedef struct cache_ref {
    uint64_t off, len;
} cache_ref;

typedef struct cache_trie {
    cache_ref fn, label, edge, many;
    uint64_t nnodes, tok_cap, tok_used, tok_nmany;
    int32_t root[256];
} cache_trie;

typedef struct cache_head {
    char magic[8];
    uint64_t bom;
    char version[16];      /* SPIRAL_VERSION, zero-padded */
    unsigned char build[32]; /* the build id, zero-padded (see build_id()) */
    uint32_t format;
    uint32_t sizes[8];     /* see head_sizes() */
    uint32_t nbuild;
    uint64_t length;       /* of the whole file */
    uint64_t checksum;     /* of everything after it */
    cache_ref sources, strings, entries, regex, pcre, rx_scan, rx_need, rx_lazy, rx_always,
        scans, words, voc_text, voc_slot, actors, user;
    cache_trie trie[3];    /* the lexicon's, the actors', the stems' */
    uint64_t n, nregex, nactors, nvoc, voc_len, voc_cap, stem_min, nalways, nscans, nre;
    uint8_t stem3[4096], stem4[4096];
} cache_head;

typedef struct cache_entry {
    uint32_t pattern, category, file, neg_category; /* string offsets, or NO_STR */
    uint32_t line, re;     /* re: its number among the serialised regexes, or NO_STR */
    uint8_t family, modifier, neg_mode, is_regex, lang_zh, neg_family, pad[2];
    double weight, neg_weight;
    cache_ref pf_len, pf_set, pf_wb, pf_text; /* literals, each NUL-terminated */
    uint64_t pf_n, pf_nset;
} cache_entry;

typedef struct cache_actor {
    uint32_t alias, code, kind, file, line;
    int32_t from, to, next;
    uint32_t case_sensitive;
} cache_actor;

typedef struct cache_scan {
    uint64_t first[2];
    uint32_t rx[SPIRAL_SCAN_BITS];
    uint32_t off[256];
    cache_ref rows, bits, depth, out_first, out, lit_len, lit_bit, lit_spans;
    uint64_t nstates, nlit;
    uint32_t shift, wide, out_state, depth_max, skip, pad;
} cache_scan;

/* The sizes a file must have been written with. */
static void head_sizes(uint32_t *s)
{
    s[0] = (uint32_t)sizeof(size_t);
    s[1] = (uint32_t)sizeof(double);
    s[2] = (uint32_t)sizeof(spiral_tnode);
    s[3] = (uint32_t)sizeof(spiral_word);
    s[4] = (uint32_t)sizeof(spiral_tedge);
    s[5] = (uint32_t)sizeof(cache_head);
    s[6] = (uint32_t)sizeof(cache_entry);
    s[7] = (uint32_t)sizeof(cache_scan);
}

#if HAVE_BUILD_ID
/* What find_build_id() looks for and finds. */
typedef struct build_query {
    uintptr_t addr;        /* an address of this file's code */
    unsigned char *out;
    size_t n;
} build_query;

/* dl_iterate_phdr()'s callback: the build id of the object that holds
 * q->addr, from its notes.  1 (stop) once that object is seen. */
static int find_build_id(struct dl_phdr_info *info, size_t size, void *payload)
{
    build_query *q = payload;
    int i, mine = 0;

    (void)size;
    for (i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t start = info->dlpi_addr + ph->p_vaddr;

        if (ph->p_type == PT_LOAD && q->addr >= start && q->addr - start < ph->p_memsz)
            mine = 1;
    }
    for (i = 0; mine && i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        const unsigned char *note = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
        size_t at = 0, align = ph->p_align == 8 ? 8 : 4;

        if (ph->p_type != PT_NOTE)
            continue;
        /* Notes: name size, desc size, type (u32 each), name, desc, padded. */
        while (at + 12 <= ph->p_memsz) {
            uint32_t nsz, dsz, type;
            size_t name, desc;

            memcpy(&nsz, note + at, 4);
            memcpy(&dsz, note + at + 4, 4);
            memcpy(&type, note + at + 8, 4);
            name = at + 12;
            desc = name + ((nsz + align - 1) & ~(align - 1));
            if (desc > ph->p_memsz || dsz > ph->p_memsz - desc)
                break;
            if (type == NT_GNU_BUILD_ID && nsz == 4 && memcmp(note + name, "GNU", 4) == 0 &&
                dsz > 0 && dsz <= 32) {
                memcpy(q->out, note + desc, dsz);
                q->n = dsz;
                return 1;
            }
            at = desc + ((dsz + align - 1) & ~(align - 1));
        }
    }
    return mine;
}
#endif

/* The GNU build id of the program or library this file is in, into
 * out[32] (zero-padded); its length, 0 when there is none (then there is
 * no cache: a file could not tell the build it came from). */
static size_t build_id(unsigned char *out)
{
    memset(out, 0, 32);
#if HAVE_BUILD_ID
    {
        build_query q;

        q.addr = (uintptr_t)&spiral_lexcache_load;
        q.out = out;
        q.n = 0;
        dl_iterate_phdr(find_build_id, &q);
        return q.n;
    }
#else
    return 0;
#endif
}

/* A checksum of p[0..n) against damage (not against forgery: the checks
 * of every index do that): Fletcher's over 64-bit words, in four lanes,
 * the sums and the sums of sums (so that moved words tell too), about
 * half an instruction a byte. */
static uint64_t checksum(const unsigned char *p, size_t n)
{
    uint64_t a0 = 1, a1 = 2, a2 = 3, a3 = 4, b0 = 0, b1 = 0, b2 = 0, b3 = 0, h = n;
    size_t i = 0;

    /* (lanes in variables, so that they stay in registers) */
    for (; i + 32 <= n; i += 32) {
        a0 += spiral_load8(p + i);
        a1 += spiral_load8(p + i + 8);
        a2 += spiral_load8(p + i + 16);
        a3 += spiral_load8(p + i + 24);
        b0 += a0;
        b1 += a1;
        b2 += a2;
        b3 += a3;
    }
    for (; i < n; i++)
        b0 += a0 += p[i];
    a0 ^= a1 * 0x9E3779B97F4A7C15u ^ a2 * 0xBF58476D1CE4E5B9u ^ a3 * 0x94D049BB133111EBu;
    b0 ^= b1 * 0x9E3779B97F4A7C15u ^ b2 * 0xBF58476D1CE4E5B9u ^ b3 * 0x94D049BB133111EBu;
    h = (h ^ a0) * 0x9E3779B97F4A7C15u;
    h = (h ^ (h >> 29) ^ b0) * 0xBF58476D1CE4E5B9u;
    return h ^ (h >> 32);
}

/* ------------------------------------------------------------------ */
/* Sources                                                             */
/* ------------------------------------------------------------------ */

/* A record: kind and display length (u32 each), data length (u64), the
 * display name with its NUL, the data.  The file is read straight into
 * it, from the page cache once. */
int spiral_lexcache_source(spiral_lexicon *lex, FILE *f, int actors, const char *path,
                           const char *display, const char **data, size_t *len)
{
    spiral_buf *src = &lex->src;
    uint32_t head[2];
    uint64_t dlen = 0;
    size_t at, got;
    const unsigned char *p;

    head[0] = (uint32_t)(actors != 0);
    head[1] = (uint32_t)strlen(display);
    /* (room for the shipped lexicons at once: untouched pages cost nothing) */
    if ((src->cap == 0 && spiral_buf_reserve(src, (size_t)1 << 19) < 0) ||
        spiral_buf_append(src, head, sizeof head) < 0 ||
        spiral_buf_append(src, &dlen, sizeof dlen) < 0 ||
        spiral_buf_append(src, display, head[1] + 1) < 0)
        return SPIRAL_ENOMEM;
    at = src->len;
    do {
        if (spiral_buf_reserve(src, 65536) < 0)
            return SPIRAL_ENOMEM;
        got = fread(src->data + src->len, 1, src->cap - src->len - 1, f);
        src->len += got;
    } while (got > 0);
    src->data[src->len] = '\0';
    dlen = src->len - at;
    memcpy(src->data + at - head[1] - 1 - sizeof dlen, &dlen, sizeof dlen);
    *data = src->data + at;
    *len = (size_t)dlen;
    lex->src_key = (lex->src_key ^ (uint64_t)(actors + 1)) * 0x100000001B3u;
    for (p = (const unsigned char *)path; *p; p++)
        lex->src_key = (lex->src_key ^ *p) * 0x100000001B3u;
    return SPIRAL_OK;
}

int spiral_lexcache_next(const spiral_buf *src, size_t *at, spiral_lexcache_rec *out)
{
    uint32_t head[2];
    uint64_t dlen;
    size_t i = *at;

    if (i + sizeof head + sizeof dlen > src->len)
        return 0;
    memcpy(head, src->data + i, sizeof head);
    memcpy(&dlen, src->data + i + sizeof head, sizeof dlen);
    i += sizeof head + sizeof dlen;
    out->actors = (int)head[0];
    out->display = src->data + i;
    i += head[1] + 1;
    out->data = src->data + i;
    out->len = (size_t)dlen;
    *at = i + (size_t)dlen;
    return 1;
}

int spiral_lexcache_path(const spiral_lexicon *lex, char *out, size_t n)
{
    int k = snprintf(out, n, "%s/lexicon-%016llx.cache", lex->cache_dir,
                     (unsigned long long)lex->src_key);

    return k < 0 || (size_t)k >= n ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* Writing                                                             */
/* ------------------------------------------------------------------ */

/* The file as it is written, and interned strings' offsets by address. */
typedef struct writer {
    spiral_buf out;
    int failed;
    struct str_slot {
        const char *s;
        uint32_t off;
    } *str;
    size_t strcap;
    spiral_buf strings;
} writer;

/* Append p[0..len) on a 64-byte boundary; where it went. */
static cache_ref put(writer *w, const void *p, size_t len)
{
    static const char zeros[CACHE_ALIGN];
    cache_ref r = { 0, len };
    size_t pad = (CACHE_ALIGN - w->out.len % CACHE_ALIGN) % CACHE_ALIGN;

    if (spiral_buf_append(&w->out, zeros, pad) < 0 ||
        (len > 0 && spiral_buf_append(&w->out, p, len) < 0))
        w->failed = 1;
    r.off = w->out.len - len;
    return r;
}

/* The offset of string s in the strings array (added the first time its
 * address is met, so that strings interned once stay one), or NO_STR. */
static uint32_t put_str(writer *w, const char *s)
{
    size_t i;

    if (s == NULL)
        return NO_STR;
    for (i = ((uintptr_t)s * 0x9E3779B97F4A7C15u) >> 40 & (w->strcap - 1); w->str[i].s != NULL;
         i = (i + 1) & (w->strcap - 1))
        if (w->str[i].s == s)
            return w->str[i].off;
    if (w->strings.len >= NO_STR - strlen(s) - 1 ||
        spiral_buf_append(&w->strings, s, strlen(s) + 1) < 0) {
        w->failed = 1;
        return NO_STR;
    }
    w->str[i].s = s;
    w->str[i].off = (uint32_t)(w->strings.len - strlen(s) - 1);
    return w->str[i].off;
}

static void put_trie(writer *w, cache_trie *ct, const spiral_trie *t)
{
    ct->nnodes = t->nnodes;
    ct->fn = put(w, t->fn, (t->nnodes + 1) * sizeof *t->fn);
    ct->label = put(w, t->label, t->nnodes + 1);
    ct->tok_cap = t->tok_cap;
    ct->tok_used = t->tok_used;
    ct->edge = put(w, t->tok_edge, t->tok_cap * sizeof *t->tok_edge);
    ct->tok_nmany = t->tok_nmany;
    ct->many = put(w, t->tok_many, t->tok_nmany * sizeof *t->tok_many);
    memcpy(ct->root, t->root, sizeof ct->root);
}

static void put_scan(writer *w, cache_scan *cs, const spiral_rxscan *rs)
{
    const spiral_scan *sc = &rs->scan;
    size_t nout = sc->nstates ? sc->out_first[sc->nstates] : 0, k;

    memcpy(cs->first, rs->first, sizeof cs->first);
    memcpy(cs->rx, rs->rx, sizeof cs->rx);
    memcpy(cs->off, sc->off, sizeof cs->off);
    cs->nstates = sc->nstates;
    cs->shift = sc->shift;
    cs->wide = (uint32_t)sc->wide;
    cs->out_state = sc->out_state;
    cs->depth_max = sc->depth_max;
    cs->skip = (uint32_t)sc->skip;
    /* The literals are those the states name. */
    for (k = 0, cs->nlit = 0; k < nout; k++)
        if (sc->out[k] + 1 > cs->nlit)
            cs->nlit = sc->out[k] + 1;
    cs->rows = put(w, sc->rows, sc->nstates << sc->shift);
    cs->bits = put(w, sc->bits, (2 * (sc->nstates - sc->out_state) + 2) * sizeof *sc->bits);
    cs->depth = put(w, sc->depth, sc->nstates * sizeof *sc->depth);
    cs->out_first = put(w, sc->out_first, (sc->nstates + 1) * sizeof *sc->out_first);
    cs->out = put(w, sc->out, nout * sizeof *sc->out);
    cs->lit_len = put(w, sc->lit_len, cs->nlit * sizeof *sc->lit_len);
    cs->lit_bit = put(w, sc->lit_bit, cs->nlit);
    cs->lit_spans = put(w, sc->lit_spans, cs->nlit);
}

/* The file's bytes for sealed lex into w->out.  SPIRAL_OK or
 * SPIRAL_ENOMEM. */
static int build_file(writer *w, const spiral_lexicon *lex)
{
    cache_head h;
    cache_entry *ce = NULL;
    cache_actor *ca = NULL;
    cache_scan *cs = NULL;
    const pcre2_code **codes = NULL;
    uint8_t *ser = NULL;
    PCRE2_SIZE sersize = 0;
    spiral_buf user = SPIRAL_BUF_INIT;
    pcre2_general_context *g = NULL;
    size_t i, k, nre = 0;
    int rc = SPIRAL_ENOMEM;

    memset(&h, 0, sizeof h);
    w->strcap = 64;
    while (w->strcap < 2 * (4 * lex->n + 4 * lex->nactors + 1))
        w->strcap *= 2;
    if ((w->str = spiral_calloc(w->strcap, sizeof *w->str)) == NULL ||
        (lex->n && (ce = spiral_calloc(lex->n, sizeof *ce)) == NULL) ||
        (lex->nactors && (ca = spiral_calloc(lex->nactors, sizeof *ca)) == NULL) ||
        (lex->nscans && (cs = spiral_calloc(lex->nscans, sizeof *cs)) == NULL) ||
        (lex->n && (codes = spiral_calloc(lex->n, sizeof *codes)) == NULL) ||
        put(w, &h, sizeof h).off != 0 || w->failed)
        goto done;
    h.sources = put(w, lex->src.data, lex->src.len);
    for (i = 0; i < lex->n; i++) {
        const spiral_entry *e = &lex->e[i];
        const spiral_prefilter *pf = &e->pf;
        spiral_buf text = SPIRAL_BUF_INIT;

        ce[i].pattern = put_str(w, e->pattern);
        ce[i].category = put_str(w, e->category);
        ce[i].file = put_str(w, e->file);
        ce[i].neg_category = put_str(w, e->neg_category);
        ce[i].line = e->line;
        ce[i].family = e->family;
        ce[i].modifier = e->modifier;
        ce[i].neg_mode = e->neg_mode;
        ce[i].is_regex = e->is_regex;
        ce[i].lang_zh = e->lang_zh;
        ce[i].neg_family = e->neg_family;
        ce[i].weight = e->weight;
        ce[i].neg_weight = e->neg_weight;
        ce[i].re = NO_STR;
        if (e->re != NULL) {
            ce[i].re = (uint32_t)nre;
            codes[nre++] = e->re;
        }
        ce[i].pf_n = pf->n;
        ce[i].pf_nset = pf->nset;
        if (pf->n == 0)
            continue;
        for (k = 0; k < pf->n; k++)
            if (spiral_buf_append(&text, pf->lit[k], pf->len[k]) < 0 ||
                spiral_buf_putc(&text, '\0') < 0)
                w->failed = 1;
        ce[i].pf_len = put(w, pf->len, pf->n * sizeof *pf->len);
        ce[i].pf_set = put(w, pf->set, pf->n);
        ce[i].pf_wb = put(w, pf->wb, pf->n);
        ce[i].pf_text = put(w, text.data, text.len);
        spiral_buf_free(&text);
    }
    for (i = 0; i < lex->nactors; i++) {
        const spiral_actor *a = &lex->actors[i];

        ca[i].alias = put_str(w, a->alias);
        ca[i].code = put_str(w, a->code);
        ca[i].kind = put_str(w, a->kind);
        ca[i].file = put_str(w, a->file);
        ca[i].line = a->line;
        ca[i].from = a->from;
        ca[i].to = a->to;
        ca[i].next = a->next;
        ca[i].case_sensitive = a->case_sensitive;
    }
    if (nre > 0 &&
        ((g = pcre2_general_context_create(spiral_pcre2_malloc, spiral_pcre2_free, NULL)) == NULL ||
         pcre2_serialize_encode(codes, (int32_t)nre, &ser, &sersize, g) < 0))
        goto done;
    h.nre = nre;
    h.pcre = put(w, ser, sersize);
    h.entries = put(w, ce, lex->n * sizeof *ce);
    h.actors = put(w, ca, lex->nactors * sizeof *ca);
    h.strings = put(w, w->strings.data, w->strings.len);
    h.regex = put(w, lex->regex, lex->nregex * sizeof *lex->regex);
    h.rx_scan = put(w, lex->rx_scan, lex->nregex * sizeof *lex->rx_scan);
    h.rx_need = put(w, lex->rx_need, 2 * lex->nregex * sizeof *lex->rx_need);
    h.rx_lazy = put(w, lex->rx_lazy, lex->nregex);
    h.rx_always = put(w, lex->rx_always, lex->nregex);
    for (i = 0; i < lex->nscans; i++)
        put_scan(w, &cs[i], &lex->scans[i]);
    h.scans = put(w, cs, lex->nscans * sizeof *cs);
    h.words = put(w, lex->words, lex->nvoc * sizeof *lex->words);
    h.voc_text = put(w, lex->voc_text, lex->voc_len);
    h.voc_slot = put(w, lex->voc_slot, lex->voc_cap * sizeof *lex->voc_slot);
    put_trie(w, &h.trie[0], &lex->trie);
    put_trie(w, &h.trie[1], &lex->atrie);
    put_trie(w, &h.trie[2], &lex->stems);
    if (spiral_dict_user_save(lex->user, &user) < 0)
        goto done;
    h.user = put(w, user.data, user.len);
    put(w, NULL, 0);
    if (w->failed)
        goto done;
    h.n = lex->n;
    h.nregex = lex->nregex;
    h.nactors = lex->nactors;
    h.nvoc = lex->nvoc;
    h.voc_len = lex->voc_len;
    h.voc_cap = lex->voc_cap;
    h.stem_min = lex->stem_min;
    h.nalways = lex->nalways;
    h.nscans = lex->nscans;
    memcpy(h.stem3, lex->stem3, sizeof h.stem3);
    memcpy(h.stem4, lex->stem4, sizeof h.stem4);
    memcpy(h.magic, CACHE_MAGIC, sizeof h.magic);
    h.bom = CACHE_BOM;
    strncpy(h.version, SPIRAL_VERSION, sizeof h.version);
    if ((h.nbuild = (uint32_t)build_id(h.build)) == 0)
        goto done;
    h.format = CACHE_FORMAT;
    head_sizes(h.sizes);
    h.length = w->out.len;
    memcpy(w->out.data, &h, sizeof h);
    h.checksum = checksum((const unsigned char *)w->out.data + offsetof(cache_head, sources),
                          w->out.len - offsetof(cache_head, sources));
    memcpy(w->out.data, &h, sizeof h);
    rc = SPIRAL_OK;
done:
    pcre2_serialize_free(ser);
    pcre2_general_context_free(g);
    spiral_buf_free(&user);
    spiral_free(ce);
    spiral_free(ca);
    spiral_free(cs);
    spiral_free(codes);
    return rc;
}

/* Make directory dir and those above it that are missing (as mkdir -p). */
static int make_dirs(const char *dir)
{
    char path[4096];
    size_t i, n = strlen(dir);

    if (n == 0 || n >= sizeof path)
        return -1;
    memcpy(path, dir, n + 1);
    for (i = 1; i <= n; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        path[i] = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            return -1;
        path[i] = i < n ? '/' : '\0';
    }
    return 0;
}

/*
 * A directory keeps at most CACHE_FILES cache files.  There is one per list
 * of lexicon files (by their paths), so every run over lexicons somewhere
 * new (a temporary directory, another --extra-lexicon) leaves one behind;
 * after a file is written, the least recently written beyond that number
 * are removed, and so are the temporary files of writers that stopped halfway
 * (older than an hour: a writer's file is renamed within a second).  Only
 * names of the two forms this module makes are touched.
 */
#define CACHE_FILES 8
#define CACHE_SCAN 256 /* names looked at, at most */

/* The kind of a name in a cache directory: 1 a cache file
 * (lexicon-<16 hex digits>.cache), 2 a temporary one (the same and
 * .XXXXXX), 0 anything else. */
static int cache_name(const char *s)
{
    size_t i;

    if (strncmp(s, "lexicon-", 8) != 0)
        return 0;
    for (i = 8; i < 24; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    if (strncmp(s + 24, ".cache", 6) != 0)
        return 0;
    if (s[30] == '\0')
        return 1;
    return s[30] == '.' && strlen(s + 31) == 6 ? 2 : 0;
}

typedef struct cache_seen {
    char name[32];
    time_t mtime;
} cache_seen;

static int newest_first(const void *x, const void *y)
{
    const cache_seen *a = x, *b = y;

    return a->mtime > b->mtime ? -1 : a->mtime < b->mtime;
}

/* Remove from dir the cache files beyond the CACHE_FILES written last
 * (never `keep`, the one just written) and stale temporary files.
 * Failures are ignored: the cache is an optimisation. */
static void prune(const char *dir, const char *keep)
{
    cache_seen seen[CACHE_SCAN];
    size_t n = 0, i, kept = 0;
    time_t now = time(NULL);
    struct dirent *e;
    struct stat st;
    DIR *dp;
    int fd;

    if ((dp = opendir(dir)) == NULL)
        return;
    fd = dirfd(dp);
    while ((e = readdir(dp)) != NULL && n < CACHE_SCAN) {
        int kind = cache_name(e->d_name);

        if (kind == 0 || fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISREG(st.st_mode) || st.st_uid != geteuid())
            continue;
        if (kind == 2) {
            if (now - st.st_mtime > 3600)
                unlinkat(fd, e->d_name, 0);
            continue;
        }
        memcpy(seen[n].name, e->d_name, 31);
        seen[n++].mtime = st.st_mtime;
    }
    qsort(seen, n, sizeof *seen, newest_first);
    for (i = 0; i < n; i++) {
        if (strcmp(seen[i].name, keep) == 0)
            continue;
        if (++kept >= CACHE_FILES) /* (keep is one of those kept) */
            unlinkat(fd, seen[i].name, 0);
    }
    closedir(dp);
}

int spiral_lexcache_save(const spiral_lexicon *lex)
{
    char path[4096], tmp[4096 + 16];
    writer w;
    size_t done = 0;
    int fd, rc;

    memset(&w, 0, sizeof w);
    if (lex->cache_dir == NULL || spiral_lexcache_path(lex, path, sizeof path) < 0)
        return SPIRAL_EIO;
    if ((rc = build_file(&w, lex)) < 0)
        goto out;
    rc = SPIRAL_EIO;
    snprintf(tmp, sizeof tmp, "%s.XXXXXX", path);
    if (make_dirs(lex->cache_dir) < 0 || (fd = mkstemp(tmp)) < 0)
        goto out;
    while (done < w.out.len) {
        ssize_t k = write(fd, w.out.data + done, w.out.len - done);

        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        done += (size_t)k;
    }
    /* A reader maps the file only once it is complete, by its new name. */
    if (close(fd) == 0 && done == w.out.len && rename(tmp, path) == 0) {
        rc = SPIRAL_OK;
        prune(lex->cache_dir, strrchr(path, '/') + 1);
    } else {
        unlink(tmp);
    }
out:
    spiral_buf_free(&w.out);
    spiral_buf_free(&w.strings);
    spiral_free(w.str);
    return rc;
}

int spiral_lexcache_reseal(void *image, size_t len)
{
    unsigned char *p = image;
    uint64_t sum;

    if (len < sizeof(cache_head))
        return -1;
    sum = checksum(p + offsetof(cache_head, sources), len - offsetof(cache_head, sources));
    memcpy(p + offsetof(cache_head, checksum), &sum, sizeof sum);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Reading                                                             */
/* ------------------------------------------------------------------ */

/* The file being read. */
typedef struct reader {
    const unsigned char *map;
    size_t len;
    int bad;
} reader;

/* Array r of count elements of size bytes, or NULL (and r->bad) when it
 * is not that long or lies outside the file. */
static const void *get(reader *rd, cache_ref r, size_t count, size_t size)
{
    if (r.off > rd->len || r.len > rd->len - r.off || r.off % CACHE_ALIGN != 0 ||
        (size != 0 && count > SIZE_MAX / size) || r.len != count * size) {
        rd->bad = 1;
        return NULL;
    }
    return rd->map + r.off;
}

/* A string at offset off of strings[0..n) (which ends with a NUL), or
 * NULL for NO_STR; *bad when off is outside. */
static const char *get_str(const char *strings, size_t n, uint32_t off, int *bad)
{
    if (off == NO_STR)
        return NULL;
    if (off >= n) {
        *bad = 1;
        return NULL;
    }
    return strings + off;
}

/* Whether index v (an int32 that may be -1 for none) is below n. */
static int idx_ok(int32_t v, size_t n, int none_ok)
{
    return (v == -1 && none_ok) || (v >= 0 && (size_t)v < n);
}

/* A frozen trie from the file, whose entries index an array of nent;
 * 0 when it is not one a walk stays inside. */
static int get_trie(reader *rd, spiral_trie *t, const cache_trie *ct, size_t nent)
{
    size_t nn = (size_t)ct->nnodes, i;
    unsigned bad = 0;

    memset(t, 0, sizeof *t);
    if (ct->nnodes == 0 || ct->nnodes >= INT32_MAX || ct->tok_nmany >= UINT32_MAX ||
        (ct->tok_cap & (ct->tok_cap - 1)) != 0 || ct->tok_used >= ct->tok_cap + !ct->tok_cap)
        return 0;
    t->nnodes = nn;
    t->fn = (spiral_tnode *)get(rd, ct->fn, nn + 1, sizeof *t->fn);
    t->label = (uint8_t *)get(rd, ct->label, nn + 1, 1);
    t->tok_cap = (size_t)ct->tok_cap;
    t->tok_used = (size_t)ct->tok_used;
    t->tok_edge = (spiral_tedge *)get(rd, ct->edge, t->tok_cap, sizeof *t->tok_edge);
    t->tok_nmany = (size_t)ct->tok_nmany;
    t->tok_many = (spiral_calls *)get(rd, ct->many, t->tok_nmany, sizeof *t->tok_many);
    memcpy(t->root, ct->root, sizeof t->root);
    if (rd->bad)
        return 0;
    /* (without branches: entry and wild from -1 up, kid + n within nn) */
    for (i = 0; i < nn; i++) {
        const spiral_tnode *f = &t->fn[i];

        bad |= (uint32_t)((uint32_t)f->entry + 1u) > nent;
        bad |= (uint32_t)((uint32_t)f->wild + 1u) > nn;
        bad |= (uint64_t)(uint32_t)f->kid + f->n > nn;
    }
    if (bad)
        return 0;
    for (i = 0; i < 256; i++)
        if (!idx_ok(t->root[i], nn, 1))
            return 0;
    return 1;
}

/* Whether calls c of trie t stay inside its arrays (entries of nent). */
static int calls_ok(const spiral_trie *t, spiral_calls c, size_t nent)
{
    uint32_t node = c.b & SPIRAL_CALL_NODE;

    if (c.b & SPIRAL_CALL_ONE)
        return idx_ok((int32_t)c.a, nent, 1) && (node == 0 || node - 1 < t->nnodes);
    if (c.b & SPIRAL_CALL_MANY)
        return c.a < t->tok_nmany &&
               (t->tok_many[c.a].a & 0x7FFFFFFFu) < t->tok_nmany - c.a;
    return 1;
}

static int trie_calls_ok(const spiral_trie *t, size_t nent)
{
    size_t i;

    for (i = 0; i < t->tok_cap; i++)
        if (t->tok_edge[i].key != 0 &&
            (((t->tok_edge[i].key - 1) >> 32) >= t->nnodes ||
             !calls_ok(t, t->tok_edge[i].calls, nent)))
            return 0;
    for (i = 0; i < t->tok_nmany; i++)
        if ((t->tok_many[i].b & SPIRAL_CALL_ONE) && !calls_ok(t, t->tok_many[i], nent))
            return 0;
    return 1;
}

/* The largest next state in sc's rows, of n entries (in native order,
 * as the scanner reads them). */
static uint32_t rows_max(const spiral_scan *sc, size_t n)
{
    uint32_t m = 0;
    size_t i;

    if (sc->wide) {
        const uint32_t *r = (const uint32_t *)(const void *)sc->rows;

        for (i = 0; i < n; i++)
            m = r[i] > m ? r[i] : m;
    } else {
        const uint16_t *r = (const uint16_t *)(const void *)sc->rows;

        for (i = 0; i < n; i++)
            m = r[i] > m ? r[i] : m;
    }
    return m;
}

/* A scanner from the file (arrays in place), or 0 when it is not one
 * whose steps stay inside its tables. */
static int get_scan(reader *rd, spiral_rxscan *rs, const cache_scan *cs, size_t nregex)
{
    spiral_scan *sc = &rs->scan;
    size_t rowlen, ent, i, nout;

    memcpy(rs->first, cs->first, sizeof rs->first);
    memcpy(rs->rx, cs->rx, sizeof rs->rx);
    memcpy(sc->off, cs->off, sizeof sc->off);
    if (cs->shift > 16 || cs->nstates == 0 || cs->nstates >= UINT32_MAX ||
        cs->out_state > cs->nstates || cs->nlit >= UINT32_MAX || cs->depth_max > UINT16_MAX)
        return 0;
    sc->nstates = (size_t)cs->nstates;
    sc->shift = cs->shift;
    sc->wide = cs->wide != 0;
    sc->out_state = cs->out_state;
    sc->depth_max = cs->depth_max;
    sc->skip = (int)cs->skip;
    rowlen = (size_t)1 << sc->shift;
    ent = sc->wide ? 4 : 2;
    if (!sc->wide && sc->nstates > UINT16_MAX + 1)
        return 0;
    sc->rows = (unsigned char *)get(rd, cs->rows, sc->nstates, rowlen);
    sc->bits = (uint64_t *)get(rd, cs->bits, 2 * (sc->nstates - sc->out_state) + 2,
                               sizeof *sc->bits);
    sc->depth = (uint16_t *)get(rd, cs->depth, sc->nstates, sizeof *sc->depth);
    sc->out_first = (uint32_t *)get(rd, cs->out_first, sc->nstates + 1, sizeof *sc->out_first);
    if (rd->bad)
        return 0;
    nout = sc->out_first[sc->nstates];
    sc->out = (uint32_t *)get(rd, cs->out, nout, sizeof *sc->out);
    sc->lit_len = (uint16_t *)get(rd, cs->lit_len, (size_t)cs->nlit, sizeof *sc->lit_len);
    sc->lit_bit = (uint8_t *)get(rd, cs->lit_bit, (size_t)cs->nlit, 1);
    sc->lit_spans = (uint8_t *)get(rd, cs->lit_spans, (size_t)cs->nlit, 1);
    if (rd->bad)
        return 0;
    for (i = 0; i < 256; i++)
        if (sc->off[i] % ent != 0 || sc->off[i] + ent > rowlen)
            return 0;
    if (rows_max(sc, sc->nstates * rowlen / ent) >= sc->nstates)
        return 0;
    for (i = 0; i < sc->nstates; i++)
        if (sc->out_first[i] > sc->out_first[i + 1])
            return 0;
    for (i = 0; i < nout; i++)
        if (sc->out[i] >= cs->nlit)
            return 0;
    for (i = 0; i < cs->nlit; i++)
        if (sc->lit_bit[i] >= SPIRAL_SCAN_BITS)
            return 0;
    for (i = 0; i < SPIRAL_SCAN_BITS; i++)
        if (rs->rx[i] >= nregex && nregex > 0)
            return 0;
    return 1;
}

/* What a load builds before it is handed to the lexicon. */
typedef struct loaded {
    spiral_entry *e;
    spiral_actor *actors;
    spiral_rxscan *scans;
    char **pf_lits;
    spiral_dict *user;
    pcre2_code **codes;    /* decoded, until an entry takes one */
    size_t ncodes, ne;
} loaded;

static void loaded_free(loaded *l)
{
    size_t i;

    for (i = 0; i < l->ncodes; i++)
        pcre2_code_free(l->codes[i]);
    for (i = 0; i < l->ne; i++)
        pcre2_code_free(l->e[i].re);
    spiral_free(l->codes);
    spiral_free(l->e);
    spiral_free(l->actors);
    spiral_free(l->scans);
    spiral_free(l->pf_lits);
    spiral_dict_free(l->user);
}

/* The entries from the file, with their regexes and prefilters.
 * 0 when anything in them is out of bounds. */
static int get_entries(reader *rd, loaded *l, const cache_head *h, const char *strings,
                       size_t nstr)
{
    const cache_entry *ce = get(rd, h->entries, (size_t)h->n, sizeof *ce);
    size_t i, k, nlit = 0, used = 0;
    int bad = 0;

    if (ce == NULL)
        return 0;
    for (i = 0; i < h->n; i++) {
        if (ce[i].pf_n > 65536 || ce[i].pf_nset > SPIRAL_PREFILTER_SETS)
            return 0;
        nlit += (size_t)ce[i].pf_n;
    }
    if ((l->e = spiral_calloc((size_t)h->n + 1, sizeof *l->e)) == NULL ||
        (l->pf_lits = spiral_calloc(nlit + 1, sizeof *l->pf_lits)) == NULL)
        return 0;
    l->ne = (size_t)h->n;
    for (i = 0; i < h->n; i++) {
        spiral_entry *e = &l->e[i];
        spiral_prefilter *pf = &e->pf;
        const char *text, *end;

        e->pattern = get_str(strings, nstr, ce[i].pattern, &bad);
        e->category = get_str(strings, nstr, ce[i].category, &bad);
        e->file = get_str(strings, nstr, ce[i].file, &bad);
        e->neg_category = get_str(strings, nstr, ce[i].neg_category, &bad);
        e->line = ce[i].line;
        e->family = ce[i].family;
        e->modifier = ce[i].modifier;
        e->neg_mode = ce[i].neg_mode;
        e->is_regex = ce[i].is_regex;
        e->lang_zh = ce[i].lang_zh;
        e->neg_family = ce[i].neg_family;
        e->weight = ce[i].weight;
        e->neg_weight = ce[i].neg_weight;
        if (bad || e->pattern == NULL || e->category == NULL || e->file == NULL ||
            e->family > SPIRAL_FAM_MODIFIER || e->neg_family > SPIRAL_FAM_MODIFIER ||
            e->modifier > SPIRAL_MOD_RHETORICAL || e->neg_mode > SPIRAL_NEG_IMMUNE ||
            (ce[i].re != NO_STR && ce[i].re >= l->ncodes) ||
            (e->is_regex && strlen(e->pattern) < 3))
            return 0;
        if (ce[i].re != NO_STR) {
            if ((e->re = l->codes[ce[i].re]) == NULL)
                return 0; /* (two entries would free it twice) */
            l->codes[ce[i].re] = NULL;
        }
        pf->n = (size_t)ce[i].pf_n;
        pf->nset = (size_t)ce[i].pf_nset;
        if (pf->n == 0)
            continue;
        pf->len = (size_t *)get(rd, ce[i].pf_len, pf->n, sizeof *pf->len);
        pf->set = (uint8_t *)get(rd, ce[i].pf_set, pf->n, 1);
        pf->wb = (uint8_t *)get(rd, ce[i].pf_wb, pf->n, 1);
        if (rd->bad || ce[i].pf_text.off > rd->len ||
            ce[i].pf_text.len > rd->len - ce[i].pf_text.off)
            return 0;
        text = (const char *)rd->map + ce[i].pf_text.off;
        end = text + ce[i].pf_text.len;
        pf->lit = l->pf_lits + used;
        used += pf->n;
        for (k = 0; k < pf->n; k++) {
            if (pf->set[k] >= pf->nset || pf->len[k] == 0 ||
                pf->len[k] >= (size_t)(end - text) || text[pf->len[k]] != '\0')
                return 0;
            pf->lit[k] = (char *)text;
            text += pf->len[k] + 1;
        }
    }
    return 1;
}

static int get_actors(reader *rd, loaded *l, const cache_head *h, const char *strings,
                      size_t nstr)
{
    const cache_actor *ca = get(rd, h->actors, (size_t)h->nactors, sizeof *ca);
    size_t i;
    int bad = 0;

    if (ca == NULL || (l->actors = spiral_calloc((size_t)h->nactors + 1, sizeof *l->actors)) == NULL)
        return 0;
    for (i = 0; i < h->nactors; i++) {
        spiral_actor *a = &l->actors[i];

        a->alias = get_str(strings, nstr, ca[i].alias, &bad);
        a->code = get_str(strings, nstr, ca[i].code, &bad);
        a->kind = get_str(strings, nstr, ca[i].kind, &bad);
        a->file = get_str(strings, nstr, ca[i].file, &bad);
        a->line = ca[i].line;
        a->from = ca[i].from;
        a->to = ca[i].to;
        a->next = ca[i].next;
        a->case_sensitive = (uint8_t)ca[i].case_sensitive;
        if (bad || a->alias == NULL || a->code == NULL || a->kind == NULL || a->file == NULL ||
            !idx_ok(a->next, (size_t)h->nactors, 1))
            return 0;
    }
    return 1;
}

/* The regexes, decoded with PCRE2 allocating through alloc.h.  0 when
 * they cannot be (another PCRE2 build, damaged bytes). */
static int get_regexes(reader *rd, loaded *l, const cache_head *h)
{
    const uint8_t *ser = get(rd, h->pcre, (size_t)h->pcre.len, 1);
    pcre2_general_context *g;
    int32_t rc;

    if (ser == NULL || h->nre > h->n)
        return 0;
    if (h->nre == 0)
        return h->pcre.len == 0;
    if (pcre2_serialize_get_number_of_codes(ser) != (int32_t)h->nre ||
        (l->codes = spiral_calloc((size_t)h->nre, sizeof *l->codes)) == NULL ||
        (g = pcre2_general_context_create(spiral_pcre2_malloc, spiral_pcre2_free, NULL)) == NULL)
        return 0;
    rc = pcre2_serialize_decode(l->codes, (int32_t)h->nre, ser, g);
    pcre2_general_context_free(g);
    if (rc != (int32_t)h->nre)
        return 0;
    l->ncodes = (size_t)h->nre;
    return 1;
}

/* The vocabulary's arrays into lex; 0 when an index in them is out of
 * bounds. */
static int words_ok(const spiral_lexicon *lex)
{
    size_t i;

    if ((lex->voc_cap & (lex->voc_cap - 1)) != 0 || lex->nvoc >= lex->voc_cap + !lex->voc_cap ||
        lex->nvoc >= SPIRAL_WORD_STEM || lex->stem_min > 64)
        return 0;
    for (i = 0; i < lex->nvoc; i++) {
        const spiral_word *w = &lex->words[i];

        if (w->off > lex->voc_len || w->len > lex->voc_len - w->off ||
            !calls_ok(&lex->trie, w->root[0], lex->n) ||
            !calls_ok(&lex->atrie, w->root[1], lex->nactors))
            return 0;
    }
    for (i = 0; i < lex->voc_cap; i++)
        if (lex->voc_slot[i] != 0 && (uint32_t)lex->voc_slot[i] - 1 >= lex->nvoc)
            return 0;
    return 1;
}

/* Map the cache file of lex's sources; its head when it is for them. */
static const cache_head *map_file(spiral_lexicon *lex, reader *rd)
{
    char path[4096];
    const cache_head *h;
    uint32_t sizes[8];
    char version[sizeof h->version];
    unsigned char build[sizeof h->build];
    size_t nbuild = build_id(build);
    struct stat st;
    void *map;
    int fd;

    if (nbuild == 0 || spiral_lexcache_path(lex, path, sizeof path) < 0 ||
        (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return NULL;
    /* Only a file of this user's that no one else may write: its regexes
     * are PCRE2's compiled form, which PCRE2 trusts. */
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
        (st.st_mode & (S_IWGRP | S_IWOTH)) != 0 || (uint64_t)st.st_size < sizeof *h ||
        (uint64_t)st.st_size > SIZE_MAX ||
        (map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0)) == MAP_FAILED) {
        close(fd);
        return NULL;
    }
    close(fd);
    rd->map = map;
    rd->len = (size_t)st.st_size;
    h = map;
    head_sizes(sizes);
    strncpy(version, SPIRAL_VERSION, sizeof version);
    if (memcmp(h->magic, CACHE_MAGIC, sizeof h->magic) != 0 || h->bom != CACHE_BOM ||
        h->format != CACHE_FORMAT || memcmp(h->version, version, sizeof version) != 0 ||
        h->nbuild != nbuild || memcmp(h->build, build, sizeof build) != 0 ||
        memcmp(h->sizes, sizes, sizeof sizes) != 0 || h->length != rd->len ||
        h->sources.len != lex->src.len ||
        get(rd, h->sources, lex->src.len, 1) == NULL ||
        memcmp(rd->map + h->sources.off, lex->src.data, lex->src.len) != 0 ||
        h->checksum != checksum(rd->map + offsetof(cache_head, sources),
                                rd->len - offsetof(cache_head, sources))) {
        munmap(map, rd->len);
        return NULL;
    }
    return h;
}

int spiral_lexcache_load(spiral_lexicon *lex)
{
    spiral_lexicon t;
    const cache_head *h;
    const char *strings;
    reader rd = { NULL, 0, 0 };
    loaded l;
    size_t i;

    memset(&l, 0, sizeof l);
    if (lex->cache_dir == NULL || (h = map_file(lex, &rd)) == NULL)
        return 0;
    /* Everything in t first, and into lex only once it is all checked. */
    memset(&t, 0, sizeof t);
    strings = get(&rd, h->strings, (size_t)h->strings.len, 1);
    if (strings == NULL || (h->strings.len > 0 && strings[h->strings.len - 1] != '\0') ||
        h->n >= INT32_MAX || h->nactors >= INT32_MAX || h->nregex > h->n || h->nscans > h->nregex ||
        !get_regexes(&rd, &l, h) ||
        !get_entries(&rd, &l, h, strings, (size_t)h->strings.len) ||
        !get_actors(&rd, &l, h, strings, (size_t)h->strings.len))
        goto fail;
    t.n = (size_t)h->n;
    t.nregex = (size_t)h->nregex;
    t.nactors = (size_t)h->nactors;
    t.regex = (size_t *)get(&rd, h->regex, t.nregex, sizeof *t.regex);
    t.rx_scan = (uint32_t *)get(&rd, h->rx_scan, t.nregex, sizeof *t.rx_scan);
    t.rx_need = (uint64_t *)get(&rd, h->rx_need, 2 * t.nregex, sizeof *t.rx_need);
    t.rx_lazy = (uint8_t *)get(&rd, h->rx_lazy, t.nregex, 1);
    t.rx_always = (uint8_t *)get(&rd, h->rx_always, t.nregex, 1);
    t.nalways = (size_t)h->nalways;
    t.nvoc = (size_t)h->nvoc;
    t.voc_len = (size_t)h->voc_len;
    t.voc_cap = (size_t)h->voc_cap;
    t.words = (spiral_word *)get(&rd, h->words, t.nvoc, sizeof *t.words);
    t.voc_text = (char *)get(&rd, h->voc_text, t.voc_len, 1);
    t.voc_slot = (uint64_t *)get(&rd, h->voc_slot, t.voc_cap, sizeof *t.voc_slot);
    t.stem_min = (size_t)h->stem_min;
    if (rd.bad || !get_trie(&rd, &t.trie, &h->trie[0], t.n) ||
        !get_trie(&rd, &t.atrie, &h->trie[1], t.nactors) ||
        !get_trie(&rd, &t.stems, &h->trie[2], t.nvoc) || !trie_calls_ok(&t.trie, t.n) ||
        !trie_calls_ok(&t.atrie, t.nactors) || !words_ok(&t))
        goto fail;
    for (i = 0; i < t.nregex; i++)
        if (t.regex[i] >= t.n || l.e[t.regex[i]].re == NULL)
            goto fail;
    t.nscans = (size_t)h->nscans;
    {
        const cache_scan *cs = get(&rd, h->scans, t.nscans, sizeof *cs);

        if (cs == NULL || (l.scans = spiral_calloc(t.nscans + 1, sizeof *l.scans)) == NULL)
            goto fail;
        for (i = 0; i < t.nscans; i++)
            if (!get_scan(&rd, &l.scans[i], &cs[i], t.nregex))
                goto fail;
        for (i = 0; i < t.nregex; i++)
            if (t.rx_scan[i] >= t.nscans && !t.rx_always[i])
                goto fail;
    }
    {
        const void *u = get(&rd, h->user, (size_t)h->user.len, 1);

        if (u == NULL || spiral_dict_user_restore(&l.user, u, (size_t)h->user.len) < 0)
            goto fail;
    }
    /* The lexicon as new left it: its tries' first nodes and an empty
     * user dictionary, replaced. */
    spiral_free(lex->trie.entry);
    spiral_free(lex->trie.bn);
    spiral_free(lex->atrie.entry);
    spiral_free(lex->atrie.bn);
    spiral_dict_free(lex->user);
    lex->e = l.e;
    lex->n = lex->cap = t.n;
    lex->trie = t.trie;
    lex->regex = t.regex;
    lex->nregex = lex->regcap = t.nregex;
    lex->user = l.user;
    lex->scans = l.scans;
    lex->nscans = t.nscans;
    lex->rx_scan = t.rx_scan;
    lex->rx_need = t.rx_need;
    lex->rx_lazy = t.rx_lazy;
    lex->rx_always = t.rx_always;
    lex->nalways = t.nalways;
    lex->words = t.words;
    lex->nvoc = lex->wordcap = t.nvoc;
    lex->voc_text = t.voc_text;
    lex->voc_len = lex->voctextcap = t.voc_len;
    lex->voc_slot = t.voc_slot;
    lex->voc_cap = t.voc_cap;
    lex->stems = t.stems;
    lex->stem_min = t.stem_min;
    memcpy(lex->stem3, h->stem3, sizeof lex->stem3);
    memcpy(lex->stem4, h->stem4, sizeof lex->stem4);
    lex->actors = l.actors;
    lex->nactors = lex->actorcap = t.nactors;
    lex->atrie = t.atrie;
    lex->pf_lits = l.pf_lits;
    lex->map = (void *)rd.map;
    lex->maplen = rd.len;
    spiral_free(l.codes); /* (the regexes are the entries' now) */
    return 1;
fail:
    loaded_free(&l);
    munmap((void *)rd.map, rd.len);
    return 0;
}

void spiral_lexcache_release(spiral_lexicon *lex)
{
    size_t i;

    for (i = 0; i < lex->n; i++)
        pcre2_code_free(lex->e[i].re);
    spiral_free(lex->e);
    spiral_free(lex->actors);
    spiral_free(lex->scans);
    spiral_free(lex->pf_lits);
    spiral_dict_free(lex->user);
    munmap(lex->map, lex->maplen);
    lex->map = NULL;
}
