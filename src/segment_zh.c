/*
 * segment_zh.c - Chinese word segmentation.
 *
 * The tokenizer hands over chunks of normalised, Simplified text made of Han
 * characters and ASCII letters and digits; this module splits each chunk into
 * words and yields their byte ends, from which the tokenizer makes tokens.
 *
 * The method is jieba's, with changes that make it agree better with how
 * readers (and the SIGHAN PKU and MSR standards) cut words:
 *
 *   1. A word graph: from every character, an edge for each dictionary word
 *      that starts there (zhdict.c), for the user's words (lexicon patterns,
 *      actor aliases), for numbers and dates that the dictionary cannot list
 *      (二○○一年, 三十一日, 第十七, 百分之五, 1998年, 12月, 3.4亿), and for the
 *      character alone.  No edge may end inside an ASCII run (NATO, 5g).
 *   2. The most probable path through the graph by dynamic programming, where
 *      a path's score is the sum of its words' log probabilities plus a fixed
 *      bonus per word (WORD_BONUS, or SINGLE_BONUS for a single character).
 *      jieba has no bonus; its dictionary counts many phrases (新世纪,
 *      检察机关, 信息技术) as words, and the bonus tips the balance towards
 *      the shorter words that both standards use, while idioms and names,
 *      whose parts are not words, stay whole.
 *   3. Runs of single characters that the path leaves are unknown words to
 *      guess: if the run is not itself a word, jieba's HMM (B/M/E/S states,
 *      Viterbi) groups them.  Unlike jieba, a group is kept only when none of
 *      its characters is a frequent word by itself (是, 这, 一, 大 ...): the
 *      HMM otherwise glues function words together (这是, 比上, 地说).
 *
 * A user word with frequency 0 scores just above the best split of its own
 * characters, so it stays whole unless a word crossing its edge is likelier
 * (印度 added as a user word does not break 印度尼西亚).
 */
#include "segment_zh.h"

#include <math.h>
#include <string.h>

#include "alloc.h"
#include "zhdict.h"

/* Score added to every word of a path (see point 2 above); a word of one
 * character gets less, since the bonus is there to split phrases into words,
 * not words into characters. */
#define WORD_BONUS 2.0
#define SINGLE_BONUS 1.0
/* Log probability of a number or date built by the rules below. */
#define NUMBER_LOGP (-8.0)
/* Log total used for unknown characters when there is no dictionary. */
#define DEFAULT_LOGTOTAL 18.0
/* Characters more frequent than this as single words never join an HMM
 * group (frequency on jieba's scale, out of about 6e7). */
#define HMM_SINGLE_FREQ 10000.0
/* How much a frequency-0 user word beats the best split of itself. */
#define USER_EPSILON 1e-6

/* How many positions ahead of the best path's search (right to left) the
 * units of the walks are loaded (prefetch_unit()). */
#define PREFETCH 4

/* Character classes. */
enum { C_OTHER = 0, C_HAN, C_ALNUM };

/* Edge kinds: what made an edge of the word graph. */
enum { K_SINGLE = 0, K_DICT, K_NUMBER, K_ASCII, K_USER };

typedef struct zh_edge {
    uint32_t end;
    unsigned char kind;
    double score; /* log probability + the word's bonus */
} zh_edge;

/* Where a walk through a compiled dictionary is after its first step. */
typedef struct zh_step {
    uint32_t at; /* the unit's base and flags; 0: the walk has ended */
    float value; /* the unit's value (a word's, if at says it is one) */
} zh_step;

typedef struct zh_edges {
    zh_edge *v;
    size_t n, cap;
} zh_edges;

/* The best first word found so far for a path from some position. */
typedef struct zh_pick {
    double score; /* of the whole path */
    uint32_t end;
    unsigned char kind;
} zh_pick;

struct spiral_zhseg {
    size_t cap;         /* characters the arrays below can hold */
    uint32_t *cp;       /* code points */
    uint32_t *off;      /* byte offset of each character, plus the end */
    uint32_t *sym;      /* symbols of the main dictionary (0: invalid byte) */
    uint32_t *usym;     /* symbols of the user dictionary */
    unsigned char *ustart; /* 0: no user word starts at this character */
    unsigned char *cls; /* C_* class */
    unsigned char *nocut; /* 1: no word boundary before this character */
    uint32_t *runend;   /* for the first character of an ASCII run: its end */
    double *best;       /* best score from a position to the end */
    uint32_t *next;     /* end of the best first word from a position */
    unsigned char *kind; /* kind of that word */
    double *ibest;      /* scratch for user words' inner paths */
    double *vit;        /* Viterbi scores, 4 per character */
    unsigned char *back; /* Viterbi back-pointers, 4 per character */
    spiral_dict_hit *hits; /* the words of one walk */
    zh_step *first;     /* the first step of the walk from each position */
    zh_edges numbers;   /* the number edges from one position */
    zh_edges users;     /* the user dictionary's edges from one position */
};

/* The context of one spiral_zhseg_chunk() call. */
typedef struct zh_ctx {
    spiral_zhseg *z;
    const spiral_dict *dict, *user;
    const spiral_dict_trie *trie; /* dict's, if it is compiled */
    const char *s;
    uint32_t n;       /* characters */
    double logtotal;  /* of dict, or DEFAULT_LOGTOTAL */
    double unknown;   /* log probability of a character not in dict */
    float unknownf;   /* the same as a dictionary value */
    const uint32_t *usym; /* symbols of user: z->usym, or z->cp if they are the same */
} zh_ctx;

/* ------------------------------------------------------------------ */
/* Scratch space                                                       */
/* ------------------------------------------------------------------ */

int spiral_zhseg_new(spiral_zhseg **out)
{
    *out = spiral_calloc(1, sizeof **out);
    return *out != NULL ? SPIRAL_OK : SPIRAL_ENOMEM;
}

void spiral_zhseg_free(spiral_zhseg *z)
{
    if (z == NULL)
        return;
    spiral_free(z->cp);
    spiral_free(z->off);
    spiral_free(z->sym);
    spiral_free(z->usym);
    spiral_free(z->ustart);
    spiral_free(z->cls);
    spiral_free(z->nocut);
    spiral_free(z->runend);
    spiral_free(z->best);
    spiral_free(z->next);
    spiral_free(z->kind);
    spiral_free(z->ibest);
    spiral_free(z->vit);
    spiral_free(z->back);
    spiral_free(z->hits);
    spiral_free(z->first);
    spiral_free(z->numbers.v);
    spiral_free(z->users.v);
    spiral_free(z);
}

/* Grow *p to n elements of size bytes.  Returns 0 or -1 (p unchanged). */
static int grow(void *p, size_t n, size_t size)
{
    void *q = spiral_reallocarray(*(void **)p, n, size);

    if (q == NULL)
        return -1;
    *(void **)p = q;
    return 0;
}

/*
 * Make room for n characters (n + 1 positions).
 *
 * Returns: SPIRAL_OK or SPIRAL_ENOMEM.
 */
static int zhseg_reserve(spiral_zhseg *z, size_t n)
{
    size_t cap;

    if (n + 1 <= z->cap)
        return SPIRAL_OK;
    cap = z->cap ? z->cap : 64;
    while (cap < n + 1)
        cap *= 2;
    if (grow(&z->cp, cap, sizeof *z->cp) || grow(&z->off, cap, sizeof *z->off)
        || grow(&z->sym, cap, sizeof *z->sym) || grow(&z->usym, cap, sizeof *z->usym)
        || grow(&z->ustart, cap, 1)
        || grow(&z->hits, cap, sizeof *z->hits) || grow(&z->cls, cap, 1) || grow(&z->nocut, cap, 1)
        || grow(&z->runend, cap, sizeof *z->runend) || grow(&z->best, cap, sizeof *z->best)
        || grow(&z->next, cap, sizeof *z->next) || grow(&z->kind, cap, 1)
        || grow(&z->ibest, cap, sizeof *z->ibest) || grow(&z->vit, cap, 4 * sizeof *z->vit)
        || grow(&z->back, cap, 4) || grow(&z->first, cap, sizeof *z->first))
        return SPIRAL_ENOMEM;
    z->cap = cap;
    return SPIRAL_OK;
}

static int edges_push(zh_edges *e, uint32_t end, int kind, double score)
{
    if (e->n == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 32;
        if (grow(&e->v, cap, sizeof *e->v))
            return SPIRAL_ENOMEM;
        e->cap = cap;
    }
    e->v[e->n].end = end;
    e->v[e->n].kind = (unsigned char)kind;
    e->v[e->n].score = score;
    e->n++;
    return SPIRAL_OK;
}

/* ------------------------------------------------------------------ */
/* Characters                                                          */
/* ------------------------------------------------------------------ */

/* Decode one UTF-8 character of s[0..len); an invalid byte decodes as
 * U+FFFD of length 1.  Returns the length. */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    size_t n, i;
    uint32_t c;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        n = 2, c = s[0] & 0x1Fu;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF)
        n = 3, c = s[0] & 0x0Fu;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4)
        n = 4, c = s[0] & 0x07u;
    else
        goto bad;
    if (n > len)
        goto bad;
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            goto bad;
        c = (c << 6) | (s[i] & 0x3Fu);
    }
    if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10FFFF))
        || (c >= 0xD800 && c <= 0xDFFF))
        goto bad;
    *cp = c;
    return n;
bad:
    *cp = 0xFFFD;
    return 1;
}

static int is_han(uint32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF)
           || (c >= 0x20000 && c <= 0x2FA1F) || (c >= 0xF900 && c <= 0xFAFF)
           || c == 0x3007 || c == 0x25CB;
}

static int is_digit(uint32_t c)
{
    return c >= '0' && c <= '9';
}

static int is_alnum(uint32_t c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Value of a Chinese digit (〇 ○ 零 一 ... 九, 两), else -1. */
static int cn_digit(uint32_t c)
{
    switch (c) {
    case 0x3007: case 0x25CB: case 0x96F6: return 0; /* 〇 ○ 零 */
    case 0x4E00: return 1; /* 一 */
    case 0x4E8C: case 0x4E24: return 2; /* 二 两 */
    case 0x4E09: return 3; /* 三 */
    case 0x56DB: return 4; /* 四 */
    case 0x4E94: return 5; /* 五 */
    case 0x516D: return 6; /* 六 */
    case 0x4E03: return 7; /* 七 */
    case 0x516B: return 8; /* 八 */
    case 0x4E5D: return 9; /* 九 */
    default: return -1;
    }
}

/* 1 for 十 百 千, 2 for 万 亿, else 0. */
static int cn_unit(uint32_t c)
{
    switch (c) {
    case 0x5341: case 0x767E: case 0x5343: return 1; /* 十 百 千 */
    case 0x4E07: case 0x4EBF: return 2;              /* 万 亿 */
    default: return 0;
    }
}

/* Whether a number or date may start with the Han character c: 第, a digit
 * or a unit.  Asked at every position, so a table rather than the switches
 * of cn_digit() and cn_unit(), whose branches the processor cannot guess:
 * the hash puts each of the 19 characters in a slot of its own (a clash
 * would be a compile-time error, two initialisers for one element). */
#define NUMERAL_HASH(c) ((uint32_t)((c) * 0x9E3779B1u) >> 26)
static int maybe_numeral(uint32_t c)
{
    static const uint32_t slot[64] = {
        [NUMERAL_HASH(0x3007u)] = 0x3007u, [NUMERAL_HASH(0x25CBu)] = 0x25CBu,
        [NUMERAL_HASH(0x96F6u)] = 0x96F6u, [NUMERAL_HASH(0x4E00u)] = 0x4E00u,
        [NUMERAL_HASH(0x4E8Cu)] = 0x4E8Cu, [NUMERAL_HASH(0x4E24u)] = 0x4E24u,
        [NUMERAL_HASH(0x4E09u)] = 0x4E09u, [NUMERAL_HASH(0x56DBu)] = 0x56DBu,
        [NUMERAL_HASH(0x4E94u)] = 0x4E94u, [NUMERAL_HASH(0x516Du)] = 0x516Du,
        [NUMERAL_HASH(0x4E03u)] = 0x4E03u, [NUMERAL_HASH(0x516Bu)] = 0x516Bu,
        [NUMERAL_HASH(0x4E5Du)] = 0x4E5Du, [NUMERAL_HASH(0x5341u)] = 0x5341u,
        [NUMERAL_HASH(0x767Eu)] = 0x767Eu, [NUMERAL_HASH(0x5343u)] = 0x5343u,
        [NUMERAL_HASH(0x4E07u)] = 0x4E07u, [NUMERAL_HASH(0x4EBFu)] = 0x4EBFu,
        [NUMERAL_HASH(0x7B2Cu)] = 0x7B2Cu,
    };

    return c != 0 && slot[NUMERAL_HASH(c)] == c;
}

#define CH_NIAN 0x5E74u  /* 年 */
#define CH_YUE 0x6708u   /* 月 */
#define CH_RI 0x65E5u    /* 日 */
#define CH_HAO 0x53F7u   /* 号 */
#define CH_SHI 0x65F6u   /* 时 */
#define CH_FEN 0x5206u   /* 分 */
#define CH_MIAO 0x79D2u  /* 秒 */
#define CH_DIAN 0x70B9u  /* 点 */
#define CH_ZHI 0x4E4Bu   /* 之 */
#define CH_DI 0x7B2Cu    /* 第 */
#define CH_BAI 0x767Eu   /* 百 */
#define CH_LIANG 0x4E24u /* 两 */
#define CH_SHI_TEN 0x5341u /* 十 */

/* ------------------------------------------------------------------ */
/* Numbers                                                             */
/* ------------------------------------------------------------------ */

/* The longest run of numerals read as one number (the longest real ones,
 * 一千二百三十四万五千六百七十八, have under 20).  Longer runs are no
 * number: reading every run to its end from each of its characters would
 * take time growing with the square of its length. */
#define CN_MAX 64

/* A Chinese number found at some position. */
typedef struct cn_number {
    uint32_t end;     /* end of the digits and units */
    int digitform;    /* only digits, read one by one (二○○一) */
    int valid;        /* a well-formed number of at least one character */
    long value;       /* for numbers below 100, else -1 */
} cn_number;

/*
 * Read the Chinese number starting at character i: the longest run of digits
 * and units, then judged.  Positional numbers (二十一, 四千三百一十三, 两万)
 * must start with a digit or 十 and never put two non-zero digits or two of
 * 十百千 side by side; digit-by-digit numbers (一九九八, 二○○一) use no
 * units and no 两.
 */
static cn_number cn_read(const zh_ctx *c, uint32_t i)
{
    const uint32_t *cp = c->z->cp;
    cn_number r;
    uint32_t j = i, t;
    int units = 0, liang = 0;

    r.end = i;
    r.digitform = 0;
    r.valid = 0;
    r.value = -1;
    while (j < c->n && j - i <= CN_MAX && (cn_digit(cp[j]) >= 0 || cn_unit(cp[j]) != 0)) {
        units |= cn_unit(cp[j]);
        liang |= cp[j] == CH_LIANG;
        j++;
    }
    if (j == i || j - i > CN_MAX)
        return r;
    r.end = j;
    if (!units) {
        r.digitform = !liang;
        r.valid = !liang || j - i == 1;
        if (j - i == 1 && !liang)
            r.value = cn_digit(cp[i]);
        return r;
    }
    if (cn_digit(cp[i]) < 1 && cp[i] != CH_SHI_TEN)
        return r;
    for (t = i; t + 1 < j; t++) {
        int d0 = cn_digit(cp[t]), d1 = cn_digit(cp[t + 1]);
        if (d0 > 0 && d1 >= 0)
            return r; /* 二三 */
        if (cn_unit(cp[t]) == 1 && cn_unit(cp[t + 1]) == 1)
            return r; /* 十百 */
    }
    r.valid = 1;
    if (j - i <= 3 && cp[j - 1] != CH_BAI) {
        /* [d]十[d] */
        long v = -1;
        if (j - i == 1 && cp[i] == CH_SHI_TEN)
            v = 10;
        else if (j - i == 2 && cp[i] == CH_SHI_TEN && cn_digit(cp[i + 1]) > 0)
            v = 10 + cn_digit(cp[i + 1]);
        else if (j - i == 2 && cp[i + 1] == CH_SHI_TEN && cn_digit(cp[i]) > 0)
            v = 10L * cn_digit(cp[i]);
        else if (j - i == 3 && cp[i + 1] == CH_SHI_TEN && cn_digit(cp[i]) > 0
                 && cn_digit(cp[i + 2]) > 0)
            v = 10L * cn_digit(cp[i]) + cn_digit(cp[i + 2]);
        r.value = v;
    }
    return r;
}

/*
 * Extend a number ending at j over a decimal part (点 and digits: 十三点二九)
 * and then over 万/亿 (十三点二九亿).  A decimal part followed by 十百千 or 点
 * is a time or a repetition (十点二十分, 一点一点), not a decimal.
 *
 * Returns: the new end.
 */
static uint32_t cn_decimal(const zh_ctx *c, uint32_t j)
{
    const uint32_t *cp = c->z->cp;
    uint32_t k;

    if (j + 1 >= c->n || cp[j] != CH_DIAN || cn_digit(cp[j + 1]) < 0 || cp[j + 1] == CH_LIANG)
        return j;
    k = j + 1;
    while (k < c->n && k - j <= CN_MAX && cn_digit(cp[k]) >= 0 && cp[k] != CH_LIANG)
        k++;
    if (k - j > CN_MAX)
        return j;
    if (k < c->n && (cn_unit(cp[k]) == 1 || cp[k] == CH_DIAN))
        return j;
    while (k < c->n && cn_unit(cp[k]) == 2)
        k++;
    return k;
}

/*
 * Add the edges of the Chinese numbers and dates starting at k: a number of
 * two or more characters (二十一, 一九九八 only from three), with a decimal
 * part; a year (一九九八年), month (十二月) or day (三十一日); an ordinal
 * (第十七); a percentage (百分之五) or fraction (五分之一).
 *
 * Returns: SPIRAL_OK or SPIRAL_ENOMEM.
 */
static int cn_edges(const zh_ctx *c, uint32_t k, zh_edges *out)
{
    const uint32_t *cp = c->z->cp;
    double score = NUMBER_LOGP + WORD_BONUS;
    cn_number r;
    uint32_t e;
    int rc;

    /* Every rule below starts with 第, a digit or a unit (百 is one). */
    if (cp[k] != CH_DI && cn_digit(cp[k]) < 0 && cn_unit(cp[k]) == 0)
        return SPIRAL_OK;
    if (cp[k] == CH_DI && k + 1 < c->n) {
        r = cn_read(c, k + 1);
        if (r.valid && (!r.digitform || r.end - (k + 1) == 1))
            return edges_push(out, r.end, K_NUMBER, score);
        return SPIRAL_OK;
    }
    if (cp[k] == CH_BAI && k + 3 < c->n && cp[k + 1] == CH_FEN && cp[k + 2] == CH_ZHI) {
        r = cn_read(c, k + 3);
        if (r.valid)
            return edges_push(out, cn_decimal(c, r.end), K_NUMBER, score);
    }
    r = cn_read(c, k);
    if (!r.valid)
        return SPIRAL_OK;
    e = cn_decimal(c, r.end);
    if (e > r.end || (r.end - k >= 2 && (!r.digitform || r.end - k >= 3)))
        if ((rc = edges_push(out, e, K_NUMBER, score)) < 0)
            return rc;
    if (r.end >= c->n)
        return SPIRAL_OK;
    e = r.end;
    if (cp[e] == CH_NIAN && r.digitform && e - k >= 2)
        return edges_push(out, e + 1, K_NUMBER, score);
    if (cp[e] == CH_YUE && r.value >= 1 && r.value <= 12)
        return edges_push(out, e + 1, K_NUMBER, score);
    if ((cp[e] == CH_RI || cp[e] == CH_HAO) && r.value >= 1 && r.value <= 31)
        return edges_push(out, e + 1, K_NUMBER, score);
    if (cp[e] == CH_FEN && e + 2 < c->n && cp[e + 1] == CH_ZHI) {
        cn_number r2 = cn_read(c, e + 2);
        if (r2.valid)
            return edges_push(out, cn_decimal(c, r2.end), K_NUMBER, score);
    }
    return SPIRAL_OK;
}

/*
 * The end of the number word that an ASCII run [k, j) of digits starts:
 * a year (1998年: four digits), month (12月), day (31日, 31号), hour (8时),
 * minute or second (30分), or an amount in 万/亿 (50万, 3.4亿, 1万亿).
 * Other units and classifiers stay separate words (5 年, 20 个).
 *
 * Returns: the end, or j when the run takes no unit.
 */
static uint32_t ascii_number_end(const zh_ctx *c, uint32_t k, uint32_t j)
{
    const uint32_t *cp = c->z->cp;
    uint32_t t, u, ndig = 0;
    int sep = 0;
    long v = 0;

    if (j >= c->n)
        return j;
    for (t = k; t < j; t++) {
        if (is_digit(cp[t])) {
            ndig++;
            if (v < 100000)
                v = v * 10 + (long)(cp[t] - '0');
        } else if (cp[t] == '.' || cp[t] == ',') {
            sep = 1;
        } else {
            return j; /* letters or % */
        }
    }
    u = cp[j];
    if (cn_unit(u) == 2) {
        while (j < c->n && cn_unit(cp[j]) == 2)
            j++;
        return j;
    }
    if (sep)
        return j;
    if ((u == CH_NIAN && ndig == 4) || (u == CH_YUE && v >= 1 && v <= 12)
        || ((u == CH_RI || u == CH_HAO) && v >= 1 && v <= 31) || (u == CH_SHI && v <= 24)
        || ((u == CH_FEN || u == CH_MIAO) && v <= 59))
        return j + 1;
    return j;
}

/* ------------------------------------------------------------------ */
/* The word graph                                                      */
/* ------------------------------------------------------------------ */

/* May a word end at position e (before character e, or at the end)? */
static int can_cut(const zh_ctx *c, uint32_t e)
{
    return !c->z->nocut[e];
}

/* Consider the edge [k, end) of the given score as the first word of the
 * best path from k, given the best scores from each later position.  Ties
 * go to the longer word, else to the edge considered first. */
static void pick(zh_pick *p, const double *best, uint32_t end, int kind, double score)
{
    double sc = score + best[end];
    /* Selected rather than branched on: which edge wins is the processor's
     * worst guess. */
    int better = (sc > p->score) | ((sc == p->score) & (end > p->end));

    p->score = better ? sc : p->score;
    p->end = better ? end : p->end;
    p->kind = better ? (unsigned char)kind : p->kind;
}

/* Have unit t of tr loaded (see spiral_dict_trie_second()).  A compiler
 * extension: elsewhere nothing is done.  Not a function of its own, which
 * compilers take for one without effects and drop. */
#if defined(__GNUC__)
#define prefetch_unit(tr, t)                                        \
    do {                                                            \
        size_t t_ = (t);                                            \
        __builtin_prefetch(&(tr)->check[t_]);                       \
        __builtin_prefetch(&(tr)->unit[t_]);                        \
    } while (0)
#else
#define prefetch_unit(tr, t) ((void)0)
#endif

/* Take the first step of the walks through the compiled dictionary from
 * each position of the chunk, into z->first[], for the walks themselves
 * (dict_picks()) and for the loads ahead of them.  The root's children are
 * few and busy, so these steps find their units in the cache. */
static void first_steps(const zh_ctx *c)
{
    uint32_t q, root = spiral_dict_trie_root(c->trie);

    for (q = 0; q < c->n; q++) {
        uint32_t at = root;
        float v = 0;
        unsigned f = spiral_dict_trie_step(c->trie, &at, c->z->sym[q], &v);

        c->z->first[q].at = f != 0 ? at : 0;
        c->z->first[q].value = v;
    }
}

/* The unit that the second step of a walk reads, given its first step's
 * unit at (first_steps()) and the text's second symbol b, or 0 if there is
 * none (see spiral_dict_trie_second()). */
static size_t second_unit(const spiral_dict_trie *tr, uint32_t at, uint32_t b)
{
    size_t t = (size_t)(at >> 2) + b;

    return (at & SPIRAL_DICT_PREFIX) != 0 && t < tr->nunits ? t : 0;
}

/* The same for the third step, given the text's symbols b and c after the
 * first (see spiral_dict_trie_third()). */
static size_t third_unit(const spiral_dict_trie *tr, uint32_t at, uint32_t b, uint32_t c)
{
    size_t t = second_unit(tr, at, b);

    if (t == 0 || tr->check[t] != b || (tr->unit[t].base & SPIRAL_DICT_PREFIX) == 0)
        return 0;
    t = (size_t)(tr->unit[t].base >> 2) + c;
    return t < tr->nunits ? t : 0;
}

/* Consider the word [k, e) of the main dictionary, of value v. */
static void dict_pick(const zh_ctx *c, uint32_t k, uint32_t e, float v, const double *best,
                      zh_pick *p, float *single)
{
    if (e == k + 1 && single != NULL)
        *single = v;
    if (can_cut(c, e))
        pick(p, best, e, K_DICT, (double)v + (e - k == 1 ? SINGLE_BONUS : WORD_BONUS));
}

/*
 * Consider the main dictionary's words starting at k and ending at a
 * position where a word may end, no later than limit: one walk through the
 * dictionary from k.  If single is not NULL and the character at k is a word
 * of it, *single becomes its value (whether or not the word may end there).
 */
static void dict_picks(const zh_ctx *c, uint32_t k, uint32_t limit, const double *best,
                       zh_pick *p, float *single)
{
    const uint32_t *sym = c->z->sym;
    const spiral_dict_hit *hit = c->z->hits;
    size_t m, i;

    if (c->trie != NULL) {
        /* The first step was taken by first_steps(). */
        uint32_t at = c->z->first[k].at, e;
        float v = c->z->first[k].value;
        unsigned f = at & (SPIRAL_DICT_WORD | SPIRAL_DICT_PREFIX);

        if ((f & SPIRAL_DICT_WORD) != 0)
            dict_pick(c, k, k + 1, v, best, p, single);
        for (e = k + 2; (f & SPIRAL_DICT_PREFIX) != 0 && e <= limit; e++) {
            f = spiral_dict_trie_step(c->trie, &at, sym[e - 1], &v);
            if ((f & SPIRAL_DICT_WORD) != 0 && can_cut(c, e))
                pick(p, best, e, K_DICT, (double)v + WORD_BONUS);
        }
        return;
    }
    m = spiral_dict_prefixes(c->dict, sym + k, limit - k, c->z->hits);
    for (i = 0; i < m; i++)
        dict_pick(c, k, k + hit[i].len, hit[i].value, best, p, single);
}

/* Consider the numbers and dates starting at k that end no later than
 * limit.  Returns: SPIRAL_OK or SPIRAL_ENOMEM. */
static int number_picks(const zh_ctx *c, uint32_t k, uint32_t limit, const double *best,
                        zh_pick *p)
{
    zh_edges *num = &c->z->numbers;
    size_t i;
    int rc;

    num->n = 0;
    if ((rc = cn_edges(c, k, num)) < 0)
        return rc;
    /* Numbers may run on past limit. */
    for (i = 0; i < num->n; i++)
        if (num->v[i].end <= limit && can_cut(c, num->v[i].end))
            pick(p, best, num->v[i].end, K_NUMBER, num->v[i].score);
    return SPIRAL_OK;
}

/*
 * Consider the edges of the main graph (no user words) from position k that
 * end no later than limit, in this order: for an ASCII run, a number it
 * starts (and nothing else), or the run; dictionary words; for other
 * characters, numbers and the character alone.  k must be a position where
 * a word may start.
 *
 * Returns: SPIRAL_OK or SPIRAL_ENOMEM.
 */
static int main_picks(const zh_ctx *c, uint32_t k, uint32_t limit, const double *best, zh_pick *p)
{
    spiral_zhseg *z = c->z;
    float v = c->unknownf;
    int alnum = z->cls[k] == C_ALNUM, rc;

    p->score = -HUGE_VAL;
    p->end = k + 1;
    p->kind = K_SINGLE;
    if (alnum) {
        uint32_t j = z->runend[k];
        uint32_t e = c->dict != NULL ? ascii_number_end(c, k, j) : j;
        if (e > j && e <= limit) {
            pick(p, best, e, K_NUMBER, NUMBER_LOGP + WORD_BONUS);
            return SPIRAL_OK;
        }
        if (j <= limit)
            pick(p, best, j, K_ASCII, c->unknown + WORD_BONUS);
    }
    if (c->dict != NULL)
        dict_picks(c, k, limit, best, p, alnum ? NULL : &v);
    if (alnum)
        return SPIRAL_OK;
    if (c->dict != NULL && z->cls[k] == C_HAN && maybe_numeral(z->cp[k])
        && (rc = number_picks(c, k, limit, best, p)) < 0)
        return rc;
    if (can_cut(c, k + 1))
        pick(p, best, k + 1, K_SINGLE, (double)v + SINGLE_BONUS);
    return SPIRAL_OK;
}

static int user_picks(const zh_ctx *c, uint32_t k, zh_pick *p);

/*
 * The best paths from each position of [from, to) to position to, right to
 * left, into best[] (best[to] set by the caller).  For the whole chunk
 * (whole = 1) the user's words count too, and the first word of each
 * position's best path goes to next[] and kind[]; without (whole = 0: the
 * inside of a user word, see user_picks()) the main graph alone.
 *
 * Returns: SPIRAL_OK or SPIRAL_ENOMEM.
 */
static int best_paths(const zh_ctx *c, uint32_t from, uint32_t to, double *best, int whole)
{
    spiral_zhseg *z = c->z;
    zh_pick p;
    uint32_t q;
    int rc;

    /* The loop below loads the units of a walk's second step 2 * PREFETCH
     * positions ahead: the walks from the last positions, searched first,
     * have theirs loaded here, all at once.  The walks' first steps are
     * taken once for the whole chunk, the inside of a user word (whole = 0)
     * included. */
    if (whole && c->trie != NULL)
        first_steps(c);
    for (q = to - from > 2 * PREFETCH ? to - 2 * PREFETCH : from; c->trie != NULL && q + 1 < to; q++)
        prefetch_unit(c->trie, second_unit(c->trie, z->first[q].at, z->sym[q + 1]));
    for (q = to; q-- > from;) {
        /* The second step of the walk 2 * PREFETCH positions on, and the
         * third of the one PREFETCH on, whose second step's unit is loaded
         * by now. */
        if (c->trie != NULL && q >= from + PREFETCH) {
            const uint32_t *sym = z->sym + q;
            if (q >= from + 2 * PREFETCH)
                prefetch_unit(c->trie, second_unit(c->trie, z->first[q - 2 * PREFETCH].at,
                                                   sym[1 - 2 * PREFETCH]));
            prefetch_unit(c->trie, third_unit(c->trie, z->first[q - PREFETCH].at, sym[1 - PREFETCH],
                                              sym[2 - PREFETCH]));
        }
        if (!can_cut(c, q)) {
            best[q] = -HUGE_VAL;
            if (whole) {
                z->next[q] = q + 1;
                z->kind[q] = K_SINGLE;
            }
            continue;
        }
        if ((rc = main_picks(c, q, to, best, &p)) < 0)
            return rc;
        if (!whole) {
            best[q] = p.score;
            continue;
        }
        if (c->user != NULL && z->ustart[q] && (rc = user_picks(c, q, &p)) < 0)
            return rc;
        best[q] = p.score;
        z->next[q] = p.end;
        z->kind[q] = p.kind;
    }
    return SPIRAL_OK;
}

/*
 * Consider the user dictionary's words starting at k, scored as explained
 * at the top of the file, after the main graph's edges.
 *
 * Returns: SPIRAL_OK or SPIRAL_ENOMEM.
 */
static int user_picks(const zh_ctx *c, uint32_t k, zh_pick *p)
{
    spiral_zhseg *z = c->z;
    zh_edges *out = &z->users;
    size_t m, i;
    int rc;

    /* The words first, since best_paths() walks too. */
    m = spiral_dict_prefixes(c->user, c->usym + k, c->n - k, z->hits);
    out->n = 0;
    for (i = 0; i < m; i++) {
        uint32_t len = z->hits[i].len;
        if (can_cut(c, k + len)
            && (rc = edges_push(out, k + len, K_USER,
                                (double)z->hits[i].value + (len == 1 ? SINGLE_BONUS : WORD_BONUS))) < 0)
            return rc;
    }
    for (i = 0; i < out->n; i++) {
        double bonus = out->v[i].end - k == 1 ? SINGLE_BONUS : WORD_BONUS;
        double freq = out->v[i].score - bonus;
        if (freq > 0) {
            out->v[i].score = log(freq) - c->logtotal + bonus;
        } else {
            /* Just above the best path through the word by the main graph. */
            z->ibest[out->v[i].end] = 0;
            if ((rc = best_paths(c, k, out->v[i].end, z->ibest, 0)) < 0)
                return rc;
            out->v[i].score = z->ibest[k] + USER_EPSILON;
        }
        pick(p, z->best, out->v[i].end, K_USER, out->v[i].score);
    }
    return SPIRAL_OK;
}

/* ------------------------------------------------------------------ */
/* Unknown words: the HMM                                              */
/* ------------------------------------------------------------------ */

static int push_end(uint32_t **ends, size_t *n, size_t *cap, uint32_t v)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        uint32_t *p = spiral_reallocarray(*ends, ncap, sizeof *p);
        if (p == NULL)
            return SPIRAL_ENOMEM;
        *ends = p;
        *cap = ncap;
    }
    (*ends)[(*n)++] = v;
    return SPIRAL_OK;
}

/* Is character i a frequent word by itself (never part of an HMM group)? */
static int frequent_single(const zh_ctx *c, uint32_t i)
{
    return spiral_dict_prefixes(c->dict, c->z->sym + i, 1, c->z->hits) == 1
           && c->z->hits[0].value > log(HMM_SINGLE_FREQ) - c->logtotal;
}

/* Emit the word [a, b) found by the HMM, or its characters if one of them
 * is a frequent single word. */
static int hmm_word(const zh_ctx *c, uint32_t a, uint32_t b, uint32_t **ends, size_t *n,
                    size_t *cap)
{
    uint32_t i;
    int split = 0, rc;

    for (i = a; b - a > 1 && i < b; i++)
        split |= frequent_single(c, i);
    if (!split)
        return push_end(ends, n, cap, c->z->off[b]);
    for (i = a; i < b; i++)
        if ((rc = push_end(ends, n, cap, c->z->off[i + 1])) < 0)
            return rc;
    return SPIRAL_OK;
}

/*
 * Group the single characters [a, b) into words with jieba's HMM (Viterbi
 * over B, M, E, S), ties broken as jieba breaks them.
 *
 * Returns: SPIRAL_OK or SPIRAL_ENOMEM.
 */
static int hmm_cut(const zh_ctx *c, uint32_t a, uint32_t b, uint32_t **ends, size_t *n,
                   size_t *cap)
{
    /* Possible previous states of B, M, E, S (jieba's PrevStatus). */
    static const int prev[4][2] = { { SPIRAL_HMM_E, SPIRAL_HMM_S }, { SPIRAL_HMM_M, SPIRAL_HMM_B },
                                    { SPIRAL_HMM_B, SPIRAL_HMM_M }, { SPIRAL_HMM_S, SPIRAL_HMM_E } };
    /* jieba compares (score, state letter): B < E < M < S. */
    static const int letter[4] = { 0, 2, 1, 3 };
    const float *start = spiral_dict_hmm_start(c->dict);
    const float *trans = spiral_dict_hmm_trans(c->dict);
    double *v = c->z->vit;
    unsigned char *back = c->z->back;
    uint32_t t, len = b - a, begin = 0, last = 0;
    int y, state;
    float em[4];
    int rc;

    spiral_dict_hmm_emit(c->dict, c->z->sym[a], em);
    for (y = 0; y < 4; y++)
        v[y] = (double)start[y] + em[y];
    for (t = 1; t < len; t++) {
        spiral_dict_hmm_emit(c->dict, c->z->sym[a + t], em);
        for (y = 0; y < 4; y++) {
            int i, by = prev[y][0];
            double bs = -HUGE_VAL;
            for (i = 0; i < 2; i++) {
                int y0 = prev[y][i];
                double sc = v[4 * (t - 1) + y0] + trans[4 * y0 + y] + em[y];
                if (sc > bs || (sc == bs && letter[y0] > letter[by])) {
                    bs = sc;
                    by = y0;
                }
            }
            v[4 * t + y] = bs;
            back[4 * t + y] = (unsigned char)by;
        }
    }
    state = v[4 * (len - 1) + SPIRAL_HMM_S] >= v[4 * (len - 1) + SPIRAL_HMM_E] ? SPIRAL_HMM_S
                                                                              : SPIRAL_HMM_E;
    /* Walk back, leaving each character's state in back[4 * t]. */
    for (t = len; t-- > 0;) {
        int p = t > 0 ? back[4 * t + state] : 0;
        back[4 * t] = (unsigned char)state;
        state = p;
    }
    for (t = 0; t < len; t++) {
        state = back[4 * t];
        if (state == SPIRAL_HMM_B) {
            begin = t;
        } else if (state == SPIRAL_HMM_E) {
            if ((rc = hmm_word(c, a + begin, a + t + 1, ends, n, cap)) < 0)
                return rc;
            last = t + 1;
        } else if (state == SPIRAL_HMM_S) {
            if ((rc = push_end(ends, n, cap, c->z->off[a + t + 1])) < 0)
                return rc;
            last = t + 1;
        }
    }
    if (last < len)
        return hmm_word(c, a + last, b, ends, n, cap);
    return SPIRAL_OK;
}

/*
 * Emit the run [a, b) of characters the best path left as single words:
 * grouped by the HMM when the run is longer than one character, is not a
 * word itself, and the dictionary has an HMM.
 *
 * Returns: SPIRAL_OK or SPIRAL_ENOMEM.
 */
static int flush_singles(const zh_ctx *c, uint32_t a, uint32_t b, uint32_t **ends, size_t *n,
                         size_t *cap)
{
    uint32_t i;
    size_t m;
    int rc;

    if (b - a > 1 && spiral_dict_has_hmm(c->dict)) {
        m = spiral_dict_prefixes(c->dict, c->z->sym + a, b - a, c->z->hits);
        if (m == 0 || c->z->hits[m - 1].len != b - a)
            return hmm_cut(c, a, b, ends, n, cap);
    }
    for (i = a; i < b; i++)
        if ((rc = push_end(ends, n, cap, c->z->off[i + 1])) < 0)
            return rc;
    return SPIRAL_OK;
}

/* ------------------------------------------------------------------ */
/* Segmenting a chunk                                                  */
/* ------------------------------------------------------------------ */

/* Decode s, find the dictionaries' symbols for its characters and the
 * ASCII runs, which no word boundary may split. */
static void decode_chunk(zh_ctx *c, size_t len)
{
    spiral_zhseg *z = c->z;
    const unsigned char *s = (const unsigned char *)c->s;
    size_t o = 0, m;
    uint32_t i = 0, j;
    int invalid = 0, alnum = 0;

    for (; o < len; i++) {
        uint32_t cp;
        z->off[i] = (uint32_t)o;
        /* Nearly every character is Han, three bytes led by 0xE3 to 0xE9
         * (U+3000 to U+9FFF, which holds no surrogate): decoded here, the
         * rest by utf8_decode(). */
        if (s[o] - 0xE3u <= 0xE9u - 0xE3u && len - o >= 3 && (s[o + 1] & 0xC0) == 0x80
            && (s[o + 2] & 0xC0) == 0x80) {
            cp = (s[o] & 0x0Fu) << 12 | (s[o + 1] & 0x3Fu) << 6 | (s[o + 2] & 0x3Fu);
            m = 3;
            /* U+4E00 to U+9FFF are Han; below, 〇 and extension A are. */
            z->cls[i] = cp >= 0x4E00 || is_han(cp) ? C_HAN : C_OTHER;
        } else {
            m = utf8_decode(s + o, len - o, &cp);
            invalid |= m == 1 && cp == 0xFFFD;
            z->cls[i] = is_han(cp) ? C_HAN : is_alnum(cp) ? C_ALNUM : C_OTHER;
            alnum |= z->cls[i] == C_ALNUM;
        }
        z->cp[i] = cp;
        o += m;
    }
    z->off[i] = (uint32_t)o;
    memset(z->nocut, 0, i + 1);
    c->n = i;
    if (c->dict != NULL)
        spiral_dict_symbols(c->dict, z->cp, c->n, z->sym);
    /* A user dictionary in memory has the code points for symbols: a copy
     * is needed only for a compiled one, or to stop walks at invalid
     * bytes. */
    c->usym = z->cp;
    if (c->user != NULL && (invalid || spiral_dict_trie_of(c->user) != NULL)) {
        spiral_dict_symbols(c->user, z->cp, c->n, z->usym);
        c->usym = z->usym;
    }
    if (c->user != NULL)
        spiral_dict_may_starts(c->user, z->cp, c->n, z->ustart);
    /* An invalid byte (U+FFFD of length 1) is in no dictionary word. */
    for (i = 0; invalid && i < c->n; i++)
        if (z->cp[i] == 0xFFFD && z->off[i + 1] - z->off[i] == 1)
            z->sym[i] = z->usym[i] = 0;
    for (i = 0; alnum && i < c->n; i = j) {
        j = i + 1;
        if (z->cls[i] != C_ALNUM)
            continue;
        while (j < c->n) {
            uint32_t cp = z->cp[j];
            if (z->cls[j] == C_ALNUM)
                j++;
            else if ((cp == '.' || cp == ',') && is_digit(z->cp[j - 1]) && j + 1 < c->n
                     && is_digit(z->cp[j + 1]))
                j++;
            else if (cp == '%' && is_digit(z->cp[j - 1]))
                j++;
            else
                break;
            if (cp == '%')
                break;
        }
        z->runend[i] = j;
        for (o = i + 1; o < j; o++)
            z->nocut[o] = 1;
    }
}

int spiral_zhseg_chunk(spiral_zhseg *z, const spiral_dict *dict, const spiral_dict *user,
                       const char *s, size_t len, uint32_t **ends, size_t *n, size_t *cap)
{
    zh_ctx c;
    size_t n0 = *n;
    uint32_t k, single_start;
    int rc;

    if (len == 0)
        return SPIRAL_OK;
    if (len >= UINT32_MAX)
        return SPIRAL_EINVAL;
    if ((rc = zhseg_reserve(z, len)) < 0)
        return rc;
    c.z = z;
    c.dict = dict;
    c.user = user;
    c.trie = spiral_dict_trie_of(dict);
    c.s = s;
    c.logtotal = dict != NULL ? spiral_dict_logtotal(dict) : DEFAULT_LOGTOTAL;
    c.unknown = -c.logtotal; /* a frequency of 1, as in jieba */
    c.unknownf = (float)c.unknown;
    decode_chunk(&c, len);

    z->best[c.n] = 0;
    if ((rc = best_paths(&c, 0, c.n, z->best, 1)) < 0)
        goto fail;

    /* Walk it, passing runs of single characters to the HMM. */
    single_start = 0;
    for (k = 0; k < c.n; k = z->next[k]) {
        int single = z->next[k] == k + 1 && z->cls[k] == C_HAN
                     && (z->kind[k] == K_SINGLE || z->kind[k] == K_DICT);
        if (single)
            continue;
        if (dict != NULL && single_start < k && (rc = flush_singles(&c, single_start, k, ends, n, cap)) < 0)
            goto fail;
        for (; dict == NULL && single_start < k; single_start++)
            if ((rc = push_end(ends, n, cap, z->off[single_start + 1])) < 0)
                goto fail;
        if ((rc = push_end(ends, n, cap, z->off[z->next[k]])) < 0)
            goto fail;
        single_start = z->next[k];
    }
    if (single_start < c.n) {
        if (dict != NULL)
            rc = flush_singles(&c, single_start, c.n, ends, n, cap);
        for (; dict == NULL && single_start < c.n; single_start++)
            if ((rc = push_end(ends, n, cap, z->off[single_start + 1])) < 0)
                break;
        if (rc < 0)
            goto fail;
    }
    return SPIRAL_OK;
fail:
    *n = n0;
    return rc;
}
