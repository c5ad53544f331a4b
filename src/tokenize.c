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
 * "——") being one token.  Tokens are spans: no text is copied.
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

/* Per byte: ASCII letters and digits, and the bytes after which such a
 * word ends as it is (ASCII but for letters, digits and . , % - ', which
 * may continue it; NUL, which ends the text, is one of them). */
enum { B_ALNUM = 1, B_PLAIN_END = 2 };
#define A B_ALNUM
#define E B_PLAIN_END
static const unsigned char byte_flags[256] = {
    E, E, E, E, E, E, E, E, E, E, E, E, E, E, E, E, /* 0x00 */
    E, E, E, E, E, E, E, E, E, E, E, E, E, E, E, E, /* 0x10 */
    E, E, E, E, E, 0, E, 0, E, E, E, E, 0, 0, 0, E, /* ' ' to /: not % ' , - . */
    A, A, A, A, A, A, A, A, A, A, E, E, E, E, E, E, /* 0 to ? */
    E, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, /* @ to O */
    A, A, A, A, A, A, A, A, A, A, A, E, E, E, E, E, /* P to _ */
    E, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, /* ` to o */
    A, A, A, A, A, A, A, A, A, A, A, E, E, E, E, E  /* p to DEL; the rest 0 */
};
#undef A
#undef E

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
    const unsigned char *s; /* s[len] is the NUL spiral_normalize() puts there */
    size_t len;
    const spiral_normtext *nt;
    spiral_tokens *out;
    size_t max_tokens;
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

/* Make room for tokens up to index n (and their newline counts). */
static int tokens_room(spiral_tokens *t, size_t n)
{
    if (spiral_grow(&t->tok, &t->cap, n + 1, sizeof *t->tok) < 0 ||
        spiral_grow(&t->nl, &t->nlcap, n + 1, 1) < 0)
        return SPIRAL_ENOMEM;
    return SPIRAL_OK;
}

/* The per-token byte spiral_tokens.nl holds: the newlines before the token
 * (0, 1, or 2 for two or more) and whether it may end a sentence or a
 * clause, so that spiral_sentences() passes over the others (most words)
 * without looking at them. */
#define NL_COUNT 3
#define MAY_END 4

/* MAY_END for the token [a, b) of kind `kind` when it is punctuation, a
 * word ending in a period (an abbreviation) or a clause's comma,
 * semicolon or colon (which a Han chunk may make a number). */
static inline uint8_t may_end(const unsigned char *s, size_t a, size_t b, uint32_t kind)
{
    if (kind == SPIRAL_TOK_PUNCT || (kind == SPIRAL_TOK_WORD && b - a >= 2 && s[b - 1] == '.') ||
        (b - a == 1 && (s[a] == ',' || s[a] == ';' || s[a] == ':')))
        return MAY_END;
    return 0;
}

/* Write token n: [a, b) of the normalised text, with `end` (MAY_END or 0)
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
static inline int push_as(scan *sc, size_t a, size_t b, uint32_t kind, uint8_t end)
{
    spiral_tokens *t = sc->out;

    if (t->n >= sc->max_tokens)
        return SPIRAL_ELIMIT;
    if ((t->n >= t->cap || t->n >= t->nlcap) && tokens_room(t, t->n) < 0)
        return SPIRAL_ENOMEM;
    put_token(sc, a, b, kind, end);
    return SPIRAL_OK;
}

static inline int push(scan *sc, size_t a, size_t b, uint32_t kind)
{
    return push_as(sc, a, b, kind, may_end(sc->s, a, b, kind));
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
    if (tokens_room(sc->out, sc->out->n + n) < 0)
        return SPIRAL_ENOMEM;
    for (e = 0; e < n; e++) {
        size_t b = i + (*ends)[e];
        uint32_t kind;

        if (b <= a || b > j)
            continue;
        if (sc->out->n >= sc->max_tokens)
            return SPIRAL_ELIMIT;
        kind = chunk_token_kind(sc->s, a, b);
        put_token(sc, a, b, kind, may_end(sc->s, a, b, kind));
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

/* Abbreviations that keep their period (normalised, without the period). */
static const literal abbreviations[] = {
    LIT("adm"), LIT("amb"), LIT("apr"), LIT("approx"), LIT("aug"), LIT("capt"), LIT("cmdr"),
    LIT("co"), LIT("col"), LIT("corp"), LIT("dec"), LIT("dept"), LIT("dr"), LIT("e.g"),
    LIT("est"), LIT("etc"), LIT("feb"), LIT("fig"), LIT("gen"), LIT("gov"), LIT("hon"),
    LIT("i.e"), LIT("inc"), LIT("jan"), LIT("jr"), LIT("jul"), LIT("jun"), LIT("lt"),
    LIT("ltd"), LIT("maj"), LIT("mar"), LIT("messrs"), LIT("mr"), LIT("mrs"), LIT("ms"),
    LIT("nov"), LIT("oct"), LIT("pres"), LIT("prof"), LIT("rep"), LIT("rev"), LIT("sen"),
    LIT("sep"), LIT("sept"), LIT("sgt"), LIT("sr"), LIT("st"), LIT("supt"), LIT("vs")
};

static int is_abbreviation(const unsigned char *w, size_t n)
{
    size_t i;

    for (i = 0; i < sizeof abbreviations / sizeof abbreviations[0]; i++)
        if (abbreviations[i].n == n && (unsigned char)abbreviations[i].s[0] == w[0] &&
            memcmp(abbreviations[i].s, w, n) == 0)
            return 1;
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
    if (j < sc->len && s[j] == '.' && j > a && s[j - 1] != '.') {
        int take = is_abbreviation(s + a, j - a);

        if (!take && j - a == 2 && memcmp(s + a, "no", 2) == 0) {
            size_t e = j + 1;

            while (e < sc->len && s[e] == ' ')
                e++;
            take = e < sc->len && ascii_digit(s[e]);
        }
        if (!take && j - a == 1 && s[a] >= 'a' && s[a] <= 'z') {
            /* An initial, as in "John F. Kennedy": a capital letter, a
             * period, a space and another capital. */
            size_t e = j + 1;

            while (e < sc->len && s[e] == ' ')
                e++;
            take = e > j + 1 && e < sc->len && is_upper(sc->orig[sc->nt->map[a]]) &&
                   is_upper(sc->orig[sc->nt->map[e]]);
        }
        if (take)
            j++;
    }
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
    return cp == '.' || cp == '-' || cp == '=' || cp == '_' || cp == '*' ||
           cp == '~' || cp == '!' || cp == '?' || cp == 0x2014 || cp == 0x2015 ||
           cp == 0x2500 || cp == 0x00B7;
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
    sc.nl = 0;
    out->n = 0;
    out->nsent = 0;

    while (i < sc.len && rc >= 0) {
        int32_t cp;
        int k;
        enum cls c;

        if (ascii_alnum(sc.s[i])) {
            /* Most tokens are ASCII words and numbers that end as they are
             * (before a space, say): what en_word() makes of them, without
             * its rules.  The NUL after the text ends them too. */
            size_t d = i, j;

            while (ascii_digit(sc.s[d]))
                d++;
            for (j = d; ascii_alnum(sc.s[j]); j++)
                ;
            if ((byte_flags[sc.s[j]] & B_PLAIN_END) &&
                !(j - i == 6 && memcmp(sc.s + i, "cannot", 6) == 0)) {
                /* ending in a letter or digit, it ends nothing */
                rc = push_as(&sc, i, j, d == j ? SPIRAL_TOK_NUMBER : SPIRAL_TOK_WORD, 0);
                i = sc.s[j] == ' ' ? j + 1 : j; /* and the space after it */
                continue;
            }
        }
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
        return (i > 0 && is_cjk_side(t, i - 1)) || i + 1 == t->n || (t->nl[i + 1] & NL_COUNT) > 0;
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

/* Whether token i ends a clause with a comma, semicolon or colon. */
static inline int clause_comma(const spiral_tokens *t, size_t i, const spiral_normtext *nt)
{
    const spiral_token *tk = &t->tok[i];
    char c = nt->text.data[tk->norm_start];

    return tk->norm_end - tk->norm_start == 1 && (c == ',' || c == ';' || c == ':');
}

int spiral_sentences(spiral_tokens *t, const spiral_normtext *nt, const char *orig)
{
    size_t i = 0, first = 0, comma = 0;

    t->nsent = 0;
    while (i < t->n) {
        const spiral_token *tk;
        size_t stop = first + SENTENCE_MAX_TOKENS < t->n ? first + SENTENCE_MAX_TOKENS : t->n;
        unsigned nl;

        /* Tokens after no newline that cannot end a sentence or a clause
         * change nothing here, up to where an overlong sentence ends. */
        while (i < stop && t->nl[i] == 0)
            i++;
        if (i >= t->n)
            break;
        tk = &t->tok[i];
        nl = t->nl[i] & NL_COUNT;
        /* An overlong sentence ends after its last comma in its second
         * half, else where it reaches the limit. */
        if (i - first >= SENTENCE_MAX_TOKENS) {
            size_t end = comma > first + SENTENCE_MAX_TOKENS / 2 ? comma : i;

            if (close_sentence(t, first, end) < 0)
                return SPIRAL_ENOMEM;
            first = end;
        }
        if (clause_comma(t, i, nt))
            comma = i + 1;
        /* Paragraph breaks, and line breaks next to Chinese text. */
        if (nl != 0 && i > first && (nl >= 2 || is_cjk_side(t, i - 1) || is_cjk_side(t, i))) {
            if (close_sentence(t, first, i) < 0)
                return SPIRAL_ENOMEM;
            first = i;
        }
        if (tk->kind == SPIRAL_TOK_PUNCT && terminator(t, i, nt, orig)) {
            i++;
            while (i < t->n && (t->nl[i] & NL_COUNT) == 0 &&
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
