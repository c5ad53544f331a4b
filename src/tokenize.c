/*
 * tokenize.c - the segment stage: from normalised text to tokens and
 * sentences.
 *
 * Fed by normalize.c (text, offset map); feeds the matcher.  The scanner
 * walks the normalised text once.  Runs of Han text (with any Latin letters
 * and digits glued to them, as in "NATO东扩" or "2022年8月") are handed to the
 * dictionary segmenter in segment_zh.c; everything else is cut here with
 * English rules: words with their internal hyphens, Penn Treebank
 * contractions ("don't" -> "do" "n't"), dotted acronyms ("U.S.") and known
 * abbreviations ("Mr.", "Gen.") kept whole, numbers with their decimal point
 * and thousands separators, and punctuation, runs of the same mark ("...",
 * "——") being one token.  Tokens are spans: no text is copied.  Most
 * tokens need none of these rules (ASCII words before a space, most
 * punctuation): a fast lane makes them, eight bytes at a time, and leaves
 * the rest to the rules.
 *
 * Sentences are then cut at terminators (. ! ? and the Chinese 。！？, the
 * Chinese semicolon ；, and the ellipsis … after Chinese text), taking any
 * closing quotes and brackets with them, and at paragraph breaks.
 */
#include "tokenize.h"

#include <string.h>
#include <utf8proc.h>

#include "alloc.h"
#include "buf.h"
#include "utf8.h"

enum cls { C_SPACE, C_NEWLINE, C_HAN, C_LETTER, C_DIGIT, C_MARK, C_PUNCT, C_SYMBOL };

/* The class of each ASCII character: control characters and DEL are space,
 * and $ + < = > ^ ` | ~ are symbols. */
#define SP C_SPACE
#define PU C_PUNCT
#define SY C_SYMBOL
#define LE C_LETTER
#define DI C_DIGIT
static const unsigned char ascii_cls[128] = {
    SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, C_NEWLINE, SP, SP, SP, SP, SP, /* 0x00 */
    SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP,        /* 0x10 */
    SP, PU, PU, PU, SY, PU, PU, PU, PU, PU, PU, SY, PU, PU, PU, PU,        /* ' ' to / */
    DI, DI, DI, DI, DI, DI, DI, DI, DI, DI, PU, PU, SY, SY, SY, PU,        /* 0 to ? */
    PU, LE, LE, LE, LE, LE, LE, LE, LE, LE, LE, LE, LE, LE, LE, LE,        /* @ to O */
    LE, LE, LE, LE, LE, LE, LE, LE, LE, LE, LE, PU, PU, PU, SY, PU,        /* P to _ */
    SY, LE, LE, LE, LE, LE, LE, LE, LE, LE, LE, LE, LE, LE, LE, LE,        /* ` to o */
    LE, LE, LE, LE, LE, LE, LE, LE, LE, LE, LE, PU, SY, PU, SY, SP         /* p to DEL */
};
#undef SP
#undef PU
#undef SY
#undef LE
#undef DI

/* Per byte: ASCII letters and digits, the bytes after which such a word
 * ends as it is (ASCII but for letters, digits and . , % - ', which may
 * continue it; NUL, which ends the text, is one of them), and the marks
 * whose runs are one token (". - = _ * ~ ! ?", as repeatable_punct()). */
enum { B_ALNUM = 1, B_PLAIN_END = 2, B_REPEAT = 4 };
#define A B_ALNUM
#define E B_PLAIN_END
#define R B_REPEAT
static const unsigned char byte_flags[256] = {
    E, E, E, E, E, E, E, E, E, E, E, E, E, E, E, E,         /* 0x00 */
    E, E, E, E, E, E, E, E, E, E, E, E, E, E, E, E,         /* 0x10 */
    E, E | R, E, E, E, 0, E, 0, E, E, E | R, E, 0, R, R, E, /* ' ' to /: not % ' , - . */
    A, A, A, A, A, A, A, A, A, A, E, E, E, E | R, E, E | R, /* 0 to ? */
    E, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A,         /* @ to O */
    A, A, A, A, A, A, A, A, A, A, A, E, E, E, E, E | R,     /* P to _ */
    E, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A,         /* ` to o */
    A, A, A, A, A, A, A, A, A, A, A, E, E, E, E | R, E      /* p to DEL; the rest 0 */
};
#undef A
#undef E
#undef R

/* The class of a code point beyond ASCII. */
static enum cls classify(int32_t cp)
{
    if (spiral_is_han(cp))
        return C_HAN;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
        return C_NEWLINE;
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_CC:
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_CN:
    case UTF8PROC_CATEGORY_CO:
    case UTF8PROC_CATEGORY_CS:
        return C_SPACE;
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
        return C_LETTER;
    case UTF8PROC_CATEGORY_ND:
        return C_DIGIT;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return C_MARK;
    case UTF8PROC_CATEGORY_PC:
    case UTF8PROC_CATEGORY_PD:
    case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI:
    case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO:
        return C_PUNCT;
    default:
        return C_SYMBOL;
    }
}

/* The scanner's view of the text. */
typedef struct scan {
    const unsigned char *s; /* then the NUL bytes spiral_normalize() puts there */
    size_t len;
    const spiral_normtext *nt;
    spiral_tokens *out;
    size_t max_tokens;
    size_t lim;  /* tokens that fit: the least of max_tokens and the arrays' room */
    const char *orig;
    uint8_t nl;  /* newlines seen since the last token */
} scan;

/* The class of the character at s[0..len) beyond ASCII, its code point and
 * length (an invalid sequence is one byte of U+FFFD). */
static enum cls cls_multibyte(const unsigned char *s, size_t len, int32_t *cp, int *k)
{
    int n = spiral_utf8_decode(s, len, cp);

    if (n < 0) {
        n = 1;
        *cp = 0xFFFD;
    }
    *k = n;
    return classify(*cp);
}

/* The class of the character at i, its code point and length; past the
 * end, a space of length 0.  ASCII, nearly all of the text, is a table
 * lookup. */
static inline enum cls cls_at(const scan *sc, size_t i, int32_t *cp, int *k)
{
    if (i >= sc->len) {
        *cp = 0;
        *k = 0;
        return C_SPACE;
    }
    if (sc->s[i] < 0x80) {
        *cp = sc->s[i];
        *k = 1;
        return (enum cls)ascii_cls[sc->s[i]];
    }
    return cls_multibyte(sc->s + i, sc->len - i, cp, k);
}

static inline int word_char(enum cls c)
{
    return c == C_LETTER || c == C_DIGIT || c == C_MARK;
}

/* Whether the character at i is a letter, digit or mark (false past the end). */
static inline int word_char_at(const scan *sc, size_t i)
{
    int32_t cp;
    int k;

    if (i < sc->len && sc->s[i] < 0x80)
        return ascii_cls[sc->s[i]] == C_LETTER || ascii_cls[sc->s[i]] == C_DIGIT;
    return word_char(cls_at(sc, i, &cp, &k));
}

static inline int ascii_alnum(int c)
{
    return byte_flags[c & 0xFF] & B_ALNUM;
}

static int is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

static inline int ascii_digit(int c)
{
    return c >= '0' && c <= '9';
}

static inline size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

/* Make room for tokens up to index n (and their nl bytes), and set the
 * scanner's limit.  Returns SPIRAL_OK or SPIRAL_ENOMEM. */
static int scan_room(scan *sc, size_t n)
{
    spiral_tokens *t = sc->out;

    if (spiral_grow(&t->tok, &t->cap, n + 1, sizeof *t->tok) < 0 ||
        spiral_grow(&t->nl, &t->nlcap, n + 1, 1) < 0)
        return SPIRAL_ENOMEM;
    sc->lim = min_size(sc->max_tokens, min_size(t->cap, t->nlcap));
    return SPIRAL_OK;
}

/* Room for token t->n, when the scanner's limit says there may be none.
 * Returns SPIRAL_OK, SPIRAL_ELIMIT or SPIRAL_ENOMEM. */
static int room_past_lim(scan *sc)
{
    if (sc->out->n >= sc->max_tokens)
        return SPIRAL_ELIMIT;
    return scan_room(sc, sc->out->n);
}

/* The tokens that end a clause, and "cannot", by their first two bytes
 * (the first alone for ", ; :"): a bit for each length in bytes of such a
 * token with the byte in that place.  Most tokens are ruled out by these
 * alone, and most words by the first. */
static const uint16_t clause_first[256] = {
    [','] = 1 << 1, [';'] = 1 << 1, [':'] = 1 << 1,
    ['b'] = 1 << 3, ['y'] = 1 << 3, ['t'] = 1 << 6, ['h'] = 1 << 7, ['w'] = 1 << 7,
    ['a'] = 1 << 8, ['c'] = 1 << 6,
    [0xE4] = 1 << 3 | 1 << 6, /* 但 但是 不过 */
    [0xE5] = 1 << 6,          /* 可是 */
    [0xE7] = 1 << 6,          /* 然而 */
    [0xE8] = 1 << 6           /* 而是 */
};
static const uint16_t clause_second[256] = {
    [','] = 1 << 1, [';'] = 1 << 1, [':'] = 1 << 1,
    ['u'] = 1 << 3, ['e'] = 1 << 3, ['h'] = 1 << 6 | 1 << 7, ['o'] = 1 << 7, ['l'] = 1 << 8,
    ['a'] = 1 << 6,
    [0xBD] = 1 << 3 | 1 << 6, /* 但 */
    [0xB8] = 1 << 6,          /* 不 */
    [0x8F] = 1 << 6,          /* 可 */
    [0x84] = 1 << 6,          /* 然 */
    [0x80] = 1 << 6           /* 而 */
};

/* What clause_word() says of "cannot", which the fast lane leaves to
 * en_word() (never in an nl byte). */
#define CANNOT 0x80

/* Whether w[0..n), which clause_first lets through, is one of the tokens
 * that end a clause (SPIRAL_NL_CLAUSE) or "cannot" (CANNOT); else 0. */
static uint8_t clause_word(const unsigned char *w, size_t n)
{
#define IS(lit) (sizeof(lit) - 1 == n && memcmp(w, lit, sizeof(lit) - 1) == 0)
    switch (n) {
    case 1:
        return SPIRAL_NL_CLAUSE; /* , ; : by their byte */
    case 3:
        return IS("but") || IS("yet") || IS("但") ? SPIRAL_NL_CLAUSE : 0;
    case 6:
        if (IS("cannot"))
            return CANNOT;
        return IS("though") || IS("但是") || IS("然而") || IS("可是") || IS("不过") || IS("而是")
                   ? SPIRAL_NL_CLAUSE
                   : 0;
    case 7:
        return IS("however") || IS("whereas") ? SPIRAL_NL_CLAUSE : 0;
    default:
        return IS("although") ? SPIRAL_NL_CLAUSE : 0;
    }
#undef IS
}

/* SPIRAL_NL_CLAUSE for the token s[a, b) when it ends a clause: a comma,
 * semicolon or colon (punctuation, or a number a Han chunk made of it), or
 * one of the words in tokenize.h. */
static inline uint8_t clause_flag(const unsigned char *s, size_t a, size_t b)
{
    const unsigned char *w = s + a;
    size_t n = b - a;

    if (n > 8 || !(((clause_first[w[0]] & clause_second[w[n > 1]]) >> n) & 1))
        return 0;
    return clause_word(w, n) & SPIRAL_NL_CLAUSE;
}

/* The nl bits (but the newlines) of the token [a, b) of kind `kind`:
 * SPIRAL_NL_MAY_END when it is punctuation, a word ending in a period (an
 * abbreviation) or a clause's comma, semicolon or colon (which a Han chunk
 * may make a number), and clause_flag(). */
static inline uint8_t token_flags(const unsigned char *s, size_t a, size_t b, uint32_t kind)
{
    uint8_t c = clause_flag(s, a, b);

    if (kind == SPIRAL_TOK_PUNCT || (kind == SPIRAL_TOK_WORD && b - a >= 2 && s[b - 1] == '.') ||
        (c && b - a == 1))
        return c | SPIRAL_NL_MAY_END;
    return c;
}

/* token_flags() of a Han word: whether it is one of the Chinese words
 * that end a clause, which start with 但 (E4 BD 86), 然 (E7 84 B6), 可 (E5
 * 8F AF), 不 (E4 B8 8D) or 而 (E8 80 8C): the low six bits of the second
 * and third bytes rule out nearly every other word at once. */
static inline uint8_t han_flags(const unsigned char *s, size_t a, size_t b)
{
#define BIT(byte) (1ull << ((byte) & 63))
    const uint64_t second = BIT(0xBD) | BIT(0x84) | BIT(0x8F) | BIT(0xB8) | BIT(0x80);
    const uint64_t third = BIT(0x86) | BIT(0xB6) | BIT(0xAF) | BIT(0x8D) | BIT(0x8C);
#undef BIT

    if (!((second >> (s[a + 1] & 63)) & (third >> (s[a + 2] & 63)) & 1) ||
        (b - a != 3 && b - a != 6))
        return 0;
    return clause_word(s + a, b - a) & SPIRAL_NL_CLAUSE;
}

/* Write token n: [a, b) of the normalised text, with `end` (token_flags())
 * in its nl byte; room must be there.  The original end of a token that
 * ends where a character of the original ends (any token but one ending
 * inside a decomposition) is the map's next entry. */
static inline void put_token(scan *sc, size_t a, size_t b, uint32_t kind, uint8_t end)
{
    spiral_tokens *t = sc->out;
    const uint32_t *map = sc->nt->map;
    spiral_token *tk = &t->tok[t->n];

    tk->norm_start = (uint32_t)a;
    tk->norm_end = (uint32_t)b;
    tk->start = map[a];
    tk->end = map[b] != map[b - 1] ? map[b] : spiral_normtext_src_end(sc->nt, b);
    tk->kind = kind;
    t->nl[t->n] = (uint8_t)(sc->nl | end);
    sc->nl = 0;
    t->n++;
}

/* Append a token (put_token()) after checking the limit and the room.
 * Returns SPIRAL_OK, SPIRAL_ELIMIT or SPIRAL_ENOMEM. */
static inline int push(scan *sc, size_t a, size_t b, uint32_t kind)
{
    int rc;

    if (sc->out->n >= sc->lim && (rc = room_past_lim(sc)) < 0)
        return rc;
    put_token(sc, a, b, kind, token_flags(sc->s, a, b, kind));
    return SPIRAL_OK;
}

/* ---------------------------------------------------------------- */
/* Chinese runs                                                       */
/* ---------------------------------------------------------------- */

/* End of the Han chunk starting at i: Han characters, ASCII letters and
 * digits, and . , % inside or after digits.  *has_han tells whether there
 * was any Han character at all (otherwise it is an English word); *alnum
 * gets the end of the ASCII letters and digits from i. */
static size_t han_chunk_end(const scan *sc, size_t i, int *has_han, size_t *alnum)
{
    const unsigned char *s = sc->s;
    size_t j = i;
    int32_t cp;
    int k;

    *has_han = 0;
    /* Most chunks are English words: their letters, then a space. */
    while (ascii_alnum(s[j]))
        j++;
    *alnum = j;
    if (j >= sc->len || (s[j] < 0x80 && s[j] != '.' && s[j] != ',' && s[j] != '%'))
        return j;
    while (j < sc->len) {
        if (s[j] < 0x80) {
            int c = s[j];

            if (ascii_alnum(c)) {
                j++;
                continue;
            }
            if ((c == '.' || c == ',') && j > i && ascii_digit(s[j - 1]) &&
                j + 1 < sc->len && ascii_digit(s[j + 1])) {
                j++;
                continue;
            }
            if (c == '%' && j > i && ascii_digit(s[j - 1])) {
                j++;
                continue;
            }
            break;
        }
        /* U+4E00 to U+9FFF (E4 B8 80 to E9 BF BF), nearly all of Chinese,
         * by their bytes (the NUL after the text stops a truncated one). */
        if (s[j] >= 0xE4 && s[j] <= 0xE9 && (s[j + 1] & 0xC0) == 0x80 &&
            (s[j] > 0xE4 || s[j + 1] >= 0xB8) && (s[j + 2] & 0xC0) == 0x80) {
            *has_han = 1;
            j += 3;
            continue;
        }
        if ((k = spiral_utf8_decode(s + j, sc->len - j, &cp)) < 0 || !spiral_is_han(cp))
            break;
        *has_han = 1;
        j += (size_t)k;
    }
    return j;
}

static inline uint32_t chunk_token_kind(const unsigned char *s, size_t a, size_t b)
{
    size_t i;
    int letters = 0;

    for (i = a; i < b; i++) {
        if (s[i] >= 0x80)
            return SPIRAL_TOK_HAN;
        if (!ascii_digit(s[i]) && s[i] != '.' && s[i] != ',' && s[i] != '%')
            letters = 1;
    }
    return letters ? SPIRAL_TOK_WORD : SPIRAL_TOK_NUMBER;
}

static int han_chunk(scan *sc, size_t i, size_t j, spiral_zhseg *zh,
                     const spiral_dict *dict, const spiral_dict *user,
                     uint32_t **ends, size_t *ecap)
{
    size_t n = 0, e, a = i;
    int rc;

    if ((rc = spiral_zhseg_chunk(zh, dict, user, (const char *)sc->s + i, j - i,
                                 ends, &n, ecap)) < 0)
        return rc;
    /* Room for all the words at once (and one more for the rest). */
    if ((sc->out->n + n >= sc->out->cap || sc->out->n + n >= sc->out->nlcap) &&
        scan_room(sc, sc->out->n + n) < 0)
        return SPIRAL_ENOMEM;
    for (e = 0; e < n; e++) {
        size_t b = i + (*ends)[e];
        uint32_t kind;

        if (b <= a || b > j)
            continue;
        if (sc->out->n >= sc->max_tokens)
            return SPIRAL_ELIMIT;
        kind = chunk_token_kind(sc->s, a, b);
        put_token(sc, a, b, kind,
                  kind == SPIRAL_TOK_HAN ? han_flags(sc->s, a, b) : token_flags(sc->s, a, b, kind));
        a = b;
    }
    if (a < j && (rc = push(sc, a, j, chunk_token_kind(sc->s, a, j))) < 0)
        return rc;
    return SPIRAL_OK;
}

/* ---------------------------------------------------------------- */
/* English words                                                      */
/* ---------------------------------------------------------------- */

/* A word with its length, known at compile time. */
typedef struct literal {
    const char *s;
    size_t n;
} literal;

#define LIT(s) { s, sizeof(s) - 1 }

/* Abbreviations that keep their period (normalised, without the period),
 * by length: most words before a period are longer than any of them and
 * are compared with none. */
static const char abbr2[][3] = { "co", "dr", "jr", "lt", "mr", "ms", "sr", "st", "vs" };
static const char abbr3[][4] = {
    "adm", "amb", "apr", "aug", "col", "dec", "e.g", "est", "etc", "feb",
    "fig", "gen", "gov", "hon", "i.e", "inc", "jan", "jul", "jun", "ltd",
    "maj", "mar", "mrs", "nov", "oct", "rep", "rev", "sen", "sep", "sgt"
};
static const char abbr4[][5] = { "capt", "cmdr", "corp", "dept", "pres", "prof", "sept", "supt" };
static const char abbr6[][7] = { "approx", "messrs" };

/* Whether w[0..n) is one of the `count` strings of length n at list,
 * `stride` bytes apart. */
static int in_list(const char *list, size_t stride, size_t count, const unsigned char *w,
                   size_t n)
{
    size_t k;

    for (k = 0; k < count; k++, list += stride)
        if ((unsigned char)list[0] == w[0] && memcmp(list, w, n) == 0)
            return 1;
    return 0;
}

#define IN_LIST(a, w, n) in_list((a)[0], sizeof (a)[0], sizeof (a) / sizeof (a)[0], (w), (n))

static int is_abbreviation(const unsigned char *w, size_t n)
{
    switch (n) {
    case 2:  return IN_LIST(abbr2, w, 2);
    case 3:  return IN_LIST(abbr3, w, 3);
    case 4:  return IN_LIST(abbr4, w, 4);
    case 6:  return IN_LIST(abbr6, w, 6);
    default: return 0;
    }
}

#undef IN_LIST

/* Whether the word [a, j), which a period follows, keeps it: an
 * abbreviation, "no" before a number ("No. 10"), or an initial, as in
 * "John F. Kennedy" (a capital letter, a period, a space and another
 * capital). */
static int keeps_period(const scan *sc, size_t a, size_t j)
{
    const unsigned char *s = sc->s;
    size_t e = j + 1;

    if (is_abbreviation(s + a, j - a))
        return 1;
    if (j - a == 2 && memcmp(s + a, "no", 2) == 0) {
        while (e < sc->len && s[e] == ' ')
            e++;
        return e < sc->len && ascii_digit(s[e]);
    }
    if (j - a == 1 && s[a] >= 'a' && s[a] <= 'z') {
        while (e < sc->len && s[e] == ' ')
            e++;
        return e > j + 1 && e < sc->len && is_upper(sc->orig[sc->nt->map[a]]) &&
               is_upper(sc->orig[sc->nt->map[e]]);
    }
    return 0;
}

/* Length of a Penn Treebank clitic at s[i] (which is an apostrophe), or 0. */
static size_t clitic_len(const scan *sc, size_t i)
{
    static const literal clitics[] = {
        LIT("'s"), LIT("'re"), LIT("'ve"), LIT("'ll"), LIT("'d"), LIT("'m")
    };
    size_t k;

    for (k = 0; k < sizeof clitics / sizeof clitics[0]; k++) {
        size_t n = clitics[k].n;

        if (i + n <= sc->len && memcmp(sc->s + i, clitics[k].s, n) == 0 &&
            !word_char_at(sc, i + n))
            return n;
    }
    return 0;
}

/* A number: digits with . or , between digit groups.  Returns its end. */
static size_t number_end(const scan *sc, size_t i)
{
    const unsigned char *s = sc->s;

    while (i < sc->len && ascii_digit(s[i]))
        i++;
    while (i + 1 < sc->len && (s[i] == '.' || s[i] == ',') && ascii_digit(s[i + 1])) {
        i++;
        while (i < sc->len && ascii_digit(s[i]))
            i++;
    }
    return i;
}

/* A word starting at i (a letter, digit or mark), whose ASCII letters and
 * digits run to `alnum` at least.  Pushes one token, or two or more for
 * contractions and "cannot".  Returns the end or a negative status. */
static long en_word(scan *sc, size_t i, size_t alnum)
{
    const unsigned char *s = sc->s;
    size_t a = i, j = i, n;
    uint32_t kind = SPIRAL_TOK_WORD;
    int32_t cp;
    int k, rc;
    enum cls c;

    if (ascii_digit(s[j])) {
        j = number_end(sc, j);
        if (!word_char_at(sc, j)) {
            if ((rc = push(sc, a, j, SPIRAL_TOK_NUMBER)) < 0)
                return rc;
            return (long)j;
        }
    }
    if (j == i)
        j = alnum; /* letters and digits the caller has seen */
    for (;;) {
        for (;;) {
            /* ASCII letters and digits without decoding or classes. */
            while (j < sc->len && ascii_alnum(s[j]))
                j++;
            if (j >= sc->len || s[j] < 0x80 ||
                ((c = cls_at(sc, j, &cp, &k)) != C_LETTER && c != C_DIGIT && c != C_MARK))
                break;
            j += (size_t)k;
        }
        if (j >= sc->len)
            break;
        /* Dotted acronyms: u.s., u.n., e.g. (a letter, a period, a letter ...). */
        if (s[j] == '.' && j - a == 1 && ascii_alnum(s[a])) {
            size_t e = j;

            while (e + 1 < sc->len && ascii_alnum(s[e + 1]) &&
                   (e + 2 == sc->len || s[e + 2] == '.' || !word_char_at(sc, e + 2))) {
                if (e + 2 < sc->len && s[e + 2] == '.')
                    e += 2;
                else
                    break;
            }
            if (e > j) {
                j = e + 1;
                break;
            }
        }
        /* Hyphenated words: de-escalation, win-win, anti-china. */
        if ((s[j] == '-') && j + 1 < sc->len && word_char_at(sc, j + 1)) {
            j++;
            continue;
        }
        /* Apostrophes: clitics are split off, n't goes with its n. */
        if (s[j] == '\'') {
            if (j - a >= 2 && s[j - 1] == 'n' && j + 1 < sc->len && s[j + 1] == 't' &&
                !word_char_at(sc, j + 2)) {
                if (j - 1 > a && (rc = push(sc, a, j - 1, kind)) < 0)
                    return rc;
                if ((rc = push(sc, j - 1, j + 2, SPIRAL_TOK_WORD)) < 0)
                    return rc;
                return (long)(j + 2);
            }
            if ((n = clitic_len(sc, j)) > 0) {
                if ((rc = push(sc, a, j, kind)) < 0 ||
                    (rc = push(sc, j, j + n, SPIRAL_TOK_WORD)) < 0)
                    return rc;
                return (long)(j + n);
            }
            if (j + 1 < sc->len && cls_at(sc, j + 1, &cp, &k) == C_LETTER) {
                j++; /* o'brien */
                continue;
            }
        }
        break;
    }
    /* Abbreviations and initials keep their period. */
    if (j < sc->len && s[j] == '.' && j > a && s[j - 1] != '.' && keeps_period(sc, a, j))
        j++;
    /* "cannot" is "can" "not", as in the Penn Treebank. */
    if (j - a == 6 && memcmp(s + a, "cannot", 6) == 0) {
        if ((rc = push(sc, a, a + 3, kind)) < 0 || (rc = push(sc, a + 3, j, kind)) < 0)
            return rc;
        return (long)j;
    }
    if ((rc = push(sc, a, j, kind)) < 0)
        return rc;
    return (long)j;
}

/* ---------------------------------------------------------------- */
/* The scanner                                                        */
/* ---------------------------------------------------------------- */

static int repeatable_punct(int32_t cp)
{
    return cp < 0x80 ? (byte_flags[cp] & B_REPEAT) != 0
                     : cp == 0x2014 || cp == 0x2015 || cp == 0x2500 || cp == 0x00B7;
}

/* The end of the ASCII letters and digits from s[i] on, found eight bytes
 * at a time (the normalised text's padding makes the loads safe). */
static inline size_t alnum_end(const unsigned char *s, size_t i)
{
    for (;; i += 8) {
        uint64_t w = spiral_load8(s + i), x = w & ~SPIRAL_HIGHS;
        uint64_t stop = ~(spiral_bytes_in(x | SPIRAL_ONES * 0x20, 'a', 'z') |
                          spiral_bytes_in(x, '0', '9'));

        /* bytes beyond ASCII stop it too (x has lost their high bit) */
        if ((stop = (stop | w) & SPIRAL_HIGHS) != 0)
            return i + (size_t)__builtin_ctzll(stop) / 8;
    }
}

/* Whether the ASCII letters and digits s[i, j) are a word (not a number):
 * whether any is a letter. */
static inline int has_letter(const unsigned char *s, size_t i, size_t j)
{
    while (i < j && ascii_digit(s[i]))
        i++;
    return i < j;
}

/*
 * The fast lane: the tokens that need none of the rules, which are most of
 * them.  ASCII words and numbers that end as they are (before a space, most
 * punctuation, or a comma or period that cannot continue them), with an
 * abbreviation's period; ASCII punctuation; and the spaces and newlines
 * between them.  It makes of them what en_word() and the scanner's switch
 * make, without classes, decoding or calls, keeping the token count and
 * arrays in locals.  It stops before anything else: a character beyond
 * ASCII (which may start a Han chunk), a word going on with ' - % or a
 * digit group, a single letter or a number before a period (initials,
 * dotted acronyms, decimals), "cannot", and the end of the text.
 * Returns where it stopped, or SPIRAL_ELIMIT or SPIRAL_ENOMEM.
 */
static long fast_lane(scan *sc, size_t i)
{
    const unsigned char *s = sc->s;
    const uint32_t *map = sc->nt->map;
    spiral_tokens *t = sc->out;
    spiral_token *tok = t->tok;
    uint8_t *nlb = t->nl, nl = sc->nl;
    size_t n = t->n, lim = sc->lim, len = sc->len;
    long rc = 0;

    while (i < len) {
        unsigned c = s[i];
        size_t j;
        uint32_t kind;
        uint8_t flags;

        if (byte_flags[c] & B_ALNUM) {
            int letter;
            unsigned e;

            j = alnum_end(s, i);
            e = s[j];
            letter = ascii_cls[c] == C_LETTER || has_letter(s, i, j);
            kind = letter ? SPIRAL_TOK_WORD : SPIRAL_TOK_NUMBER;
            flags = 0;
            /* "cannot" and the words that end a clause, which few pass the
             * test of their first letter and length */
            if (j - i <= 8 && ((clause_first[c] >> (j - i)) & 1) &&
                (flags = clause_word(s + i, j - i)) == CANNOT)
                break;
            if (!(byte_flags[e] & B_PLAIN_END)) {
                /* A comma or period ends it unless digits are on both
                 * sides; after a word of letters a period may be kept. */
                if ((e != ',' && e != '.') || (ascii_digit(s[j - 1]) && ascii_digit(s[j + 1])))
                    break;
                if (e == '.' && letter) {
                    if (j - i < 2)
                        break;
                    if (keeps_period(sc, i, j)) {
                        j++;
                        flags = SPIRAL_NL_MAY_END; /* not a clause's word now */
                    }
                }
            }
        } else if (c < 0x80 && ascii_cls[c] >= C_PUNCT) {
            j = i + 1;
            if (byte_flags[c] & B_REPEAT)
                while (s[j] == c)
                    j++;
            kind = ascii_cls[c] == C_PUNCT ? SPIRAL_TOK_PUNCT : SPIRAL_TOK_SYMBOL;
            flags = token_flags(s, i, j, kind);
        } else if (c < 0x80) {
            if (ascii_cls[c] == C_NEWLINE && nl < 2)
                nl++;
            i++;
            continue;
        } else {
            break;
        }
        if (n >= lim) {
            t->n = n;
            if ((rc = room_past_lim(sc)) < 0)
                break;
            tok = t->tok;
            nlb = t->nl;
            lim = sc->lim;
        }
        tok[n].norm_start = (uint32_t)i;
        tok[n].norm_end = (uint32_t)j;
        tok[n].start = map[i];
        tok[n].end = map[j] != map[j - 1] ? map[j] : spiral_normtext_src_end(sc->nt, j);
        tok[n].kind = kind;
        nlb[n++] = (uint8_t)(nl | flags);
        nl = 0;
        i = s[j] == ' ' ? j + 1 : j; /* and the space after it */
    }
    t->n = n;
    sc->nl = nl;
    return rc < 0 ? rc : (long)i;
}

int spiral_tokenize(spiral_tokens *out, const spiral_normtext *nt, const char *orig,
                    spiral_zhseg *zh, const spiral_dict *dict, const spiral_dict *user,
                    size_t max_tokens)
{
    scan sc;
    size_t i = 0;
    int rc = SPIRAL_OK;

    sc.orig = orig;
    sc.s = (const unsigned char *)nt->text.data;
    sc.len = nt->text.len;
    sc.nt = nt;
    sc.out = out;
    sc.max_tokens = max_tokens ? max_tokens : (size_t)-1;
    sc.lim = min_size(sc.max_tokens, min_size(out->cap, out->nlcap));
    sc.nl = 0;
    out->n = 0;
    out->nsent = 0;

    while (i < sc.len && rc >= 0) {
        int32_t cp;
        int k;
        enum cls c;

        if (sc.s[i] < 0x80) {
            long f = fast_lane(&sc, i);

            if (f < 0)
                return (int)f;
            if ((i = (size_t)f) >= sc.len)
                break;
        }
        /* What the fast lane leaves: one token (or a Han chunk) by the
         * rules. */
        c = cls_at(&sc, i, &cp, &k);
        switch (c) {
        case C_NEWLINE:
            if (sc.nl < 2)
                sc.nl++;
            i += (size_t)k;
            break;
        case C_SPACE:
            i += (size_t)k;
            break;
        case C_HAN:
        case C_LETTER:
        case C_DIGIT:
        case C_MARK: {
            int has_han = 0;
            size_t j = i, alnum = i;

            if (c == C_HAN || (cp < 0x80 && ascii_alnum(cp)))
                j = han_chunk_end(&sc, i, &has_han, &alnum);
            if (has_han) {
                rc = han_chunk(&sc, i, j, zh, dict, user, &out->ends, &out->ecap);
                i = j;
            } else {
                long e = en_word(&sc, i, alnum);

                if (e < 0)
                    rc = (int)e;
                else
                    i = (size_t)e;
            }
            break;
        }
        case C_PUNCT:
        case C_SYMBOL: {
            size_t j = i + (size_t)k;

            if (cp < 0x80 && repeatable_punct(cp)) {
                while (j < sc.len && sc.s[j] == cp)
                    j++;
            } else if (repeatable_punct(cp)) {
                int32_t cp2;
                int k2;

                while (j < sc.len) {
                    cls_at(&sc, j, &cp2, &k2);
                    if (cp2 != cp)
                        break;
                    j += (size_t)k2;
                }
            }
            rc = push(&sc, i, j, c == C_PUNCT ? SPIRAL_TOK_PUNCT : SPIRAL_TOK_SYMBOL);
            i = j;
            break;
        }
        }
    }
    return rc;
}

/* ---------------------------------------------------------------- */
/* Sentences                                                          */
/* ---------------------------------------------------------------- */

/* Whether the token's normalised text is s[0..n). */
static inline int tok_is(const spiral_normtext *nt, const spiral_token *t, const char *s, size_t n)
{
    return t->norm_end - t->norm_start == n && memcmp(nt->text.data + t->norm_start, s, n) == 0;
}

/* Whether the token's original text starts with s[0..n). */
static inline int orig_is(const char *orig, const spiral_token *t, const char *s, size_t n)
{
    return t->end - t->start >= n && memcmp(orig + t->start, s, n) == 0;
}

/* Whether the token is one of the literals w[0..n). */
static int tok_in(const spiral_normtext *nt, const spiral_token *t, const literal *w, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (tok_is(nt, t, w[i].s, w[i].n))
            return 1;
    return 0;
}

static int closing_token(const spiral_normtext *nt, const spiral_token *t)
{
    static const literal closers[] = {
        LIT("\""), LIT("'"), LIT(")"), LIT("]"), LIT("}"), LIT("\xE2\x80\x9D"),
        LIT("\xE3\x80\x8D"), LIT("\xE3\x80\x8F"), LIT("\xE3\x80\x8B"), LIT("\xE3\x80\x89"),
        LIT("\xE3\x80\x91")
    };

    return t->kind == SPIRAL_TOK_PUNCT &&
           tok_in(nt, t, closers, sizeof closers / sizeof closers[0]);
}

static inline int is_cjk_side(const spiral_tokens *t, size_t i)
{
    return i < t->n && t->tok[i].kind == SPIRAL_TOK_HAN;
}

/* Whether token i ends a sentence by itself. */
static int terminator(const spiral_tokens *t, size_t i, const spiral_normtext *nt,
                      const char *orig)
{
    const spiral_token *tk = &t->tok[i];
    const char *p = nt->text.data + tk->norm_start;
    size_t n = tk->norm_end - tk->norm_start;

    if (tk->kind != SPIRAL_TOK_PUNCT)
        return 0;
    if (tok_is(nt, tk, "\xE3\x80\x82", 3)) /* 。 */
        return 1;
    if (p[0] == '!' || p[0] == '?')
        return 1;
    if (p[0] == ';') /* only the Chinese semicolon */
        return orig_is(orig, tk, "\xEF\xBC\x9B", 3);
    if (p[0] == '.') {
        if (n == 1)
            return 1;
        /* An ellipsis ends a sentence after Chinese text or before a break. */
        return (i > 0 && is_cjk_side(t, i - 1)) || i + 1 == t->n || (t->nl[i + 1] & SPIRAL_NL_COUNT) > 0;
    }
    return 0;
}

/* Whether the token is an acronym or abbreviation ending in a period that,
 * before a capitalised sentence opener, ends the sentence after all. */
static int abbrev_ends_sentence(const spiral_tokens *t, size_t i,
                                const spiral_normtext *nt, const char *orig)
{
    static const literal openers[] = {
        LIT("the"), LIT("we"), LIT("he"), LIT("she"), LIT("it"), LIT("they"), LIT("this"),
        LIT("that"), LIT("but"), LIT("and"), LIT("i"), LIT("in"), LIT("on"), LIT("however"),
        LIT("there"), LIT("our"), LIT("his"), LIT("her"), LIT("their")
    };
    const spiral_token *tk = &t->tok[i], *nx;

    if (tk->kind != SPIRAL_TOK_WORD || tk->norm_end - tk->norm_start < 2 ||
        nt->text.data[tk->norm_end - 1] != '.' || i + 1 >= t->n)
        return 0;
    nx = &t->tok[i + 1];
    if (!(orig[nx->start] >= 'A' && orig[nx->start] <= 'Z'))
        return 0;
    return tok_in(nt, nx, openers, sizeof openers / sizeof openers[0]);
}

static int close_sentence(spiral_tokens *t, size_t first, size_t end)
{
    spiral_sentence *s;

    if (end <= first)
        return SPIRAL_OK;
    if (spiral_grow(&t->sent, &t->sentcap, t->nsent + 1, sizeof *t->sent) < 0)
        return SPIRAL_ENOMEM;
    s = &t->sent[t->nsent++];
    s->first_token = (uint32_t)first;
    s->ntokens = (uint32_t)(end - first);
    s->start = t->tok[first].start;
    s->end = t->tok[end - 1].end;
    return SPIRAL_OK;
}

/* The longest sentence, in tokens.  Real sentences stay far below it (the
 * longest in the bench corpora and ../shared/corpora has 434 tokens), but
 * text without sentence punctuation would otherwise be one sentence, and
 * the rules and attribution, which compare a sentence's hits with its
 * modifiers and mentions, would take time growing with its square. */
#define SENTENCE_MAX_TOKENS 1024

/* Whether token i ends a clause with a comma, semicolon or colon (the one
 * byte long tokens that end a clause). */
static inline int clause_comma(const spiral_tokens *t, size_t i)
{
    return (t->nl[i] & SPIRAL_NL_CLAUSE) && t->tok[i].norm_end - t->tok[i].norm_start == 1;
}

/* The first token from i on, before stop, after a newline or that may end
 * a sentence or a clause (stop when there is none), eight nl bytes at a
 * time: the others, most words, change nothing in spiral_sentences(). */
static inline size_t next_stop(const uint8_t *nl, size_t i, size_t stop)
{
    const uint8_t bits = SPIRAL_NL_COUNT | SPIRAL_NL_MAY_END;

    for (; i + 8 <= stop; i += 8) {
        uint64_t w = spiral_load8(nl + i) & (SPIRAL_ONES * bits);

        if (w != 0)
            return i + (size_t)__builtin_ctzll(w) / 8;
    }
    while (i < stop && (nl[i] & bits) == 0)
        i++;
    return i;
}

int spiral_sentences(spiral_tokens *t, const spiral_normtext *nt, const char *orig)
{
    size_t i = 0, first = 0, comma = 0;

    t->nsent = 0;
    while (i < t->n) {
        const spiral_token *tk;
        size_t stop = first + SENTENCE_MAX_TOKENS < t->n ? first + SENTENCE_MAX_TOKENS : t->n;
        unsigned nl;

        /* up to where an overlong sentence ends */
        if ((i = next_stop(t->nl, i, stop)) >= t->n)
            break;
        tk = &t->tok[i];
        nl = t->nl[i] & SPIRAL_NL_COUNT;
        /* An overlong sentence ends after its last comma in its second
         * half, else where it reaches the limit. */
        if (i - first >= SENTENCE_MAX_TOKENS) {
            size_t end = comma > first + SENTENCE_MAX_TOKENS / 2 ? comma : i;

            if (close_sentence(t, first, end) < 0)
                return SPIRAL_ENOMEM;
            first = end;
        }
        if (clause_comma(t, i))
            comma = i + 1;
        /* Paragraph breaks, and line breaks next to Chinese text. */
        if (nl != 0 && i > first && (nl >= 2 || is_cjk_side(t, i - 1) || is_cjk_side(t, i))) {
            if (close_sentence(t, first, i) < 0)
                return SPIRAL_ENOMEM;
            first = i;
        }
        if (tk->kind == SPIRAL_TOK_PUNCT && terminator(t, i, nt, orig)) {
            i++;
            while (i < t->n && (t->nl[i] & SPIRAL_NL_COUNT) == 0 &&
                   (closing_token(nt, &t->tok[i]) || terminator(t, i, nt, orig)))
                i++;
            if (close_sentence(t, first, i) < 0)
                return SPIRAL_ENOMEM;
            first = i;
            continue;
        }
        if (tk->kind == SPIRAL_TOK_WORD && abbrev_ends_sentence(t, i, nt, orig)) {
            if (close_sentence(t, first, i + 1) < 0)
                return SPIRAL_ENOMEM;
            first = ++i;
            continue;
        }
        i++;
    }
    return close_sentence(t, first, t->n);
}

void spiral_tokens_free(spiral_tokens *t)
{
    spiral_free(t->tok);
    spiral_free(t->nl);
    spiral_free(t->sent);
    spiral_free(t->ends);
    memset(t, 0, sizeof *t);
}
