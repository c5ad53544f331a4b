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

static enum cls classify(int32_t cp)
{
    if (cp < 0x80) {
        if (cp == '\n')
            return C_NEWLINE;
        if (cp <= ' ' || cp == 0x7F)
            return C_SPACE;
        if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')
            return C_LETTER;
        if (cp >= '0' && cp <= '9')
            return C_DIGIT;
        if (cp == '$' || cp == '+' || cp == '<' || cp == '=' || cp == '>' ||
            cp == '^' || cp == '`' || cp == '|' || cp == '~')
            return C_SYMBOL;
        return C_PUNCT;
    }
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
    const unsigned char *s;
    size_t len;
    const spiral_normtext *nt;
    spiral_tokens *out;
    size_t max_tokens;
    const char *orig;
    uint8_t nl;  /* newlines seen since the last token */
} scan;

static enum cls cls_at(const scan *sc, size_t i, int32_t *cp, int *k)
{
    int32_t c;
    int n;

    if (i >= sc->len) {
        if (cp)
            *cp = 0;
        if (k)
            *k = 0;
        return C_SPACE;
    }
    if (sc->s[i] < 0x80) {
        /* ASCII: no decoding. */
        if (cp)
            *cp = sc->s[i];
        if (k)
            *k = 1;
        return classify(sc->s[i]);
    }
    n = spiral_utf8_decode(sc->s + i, sc->len - i, &c);
    if (n < 0) {
        n = 1;
        c = 0xFFFD;
    }
    if (cp)
        *cp = c;
    if (k)
        *k = n;
    return classify(c);
}

static int ascii_alnum(int c)
{
    return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9');
}

static int is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

static int ascii_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int push(scan *sc, size_t a, size_t b, uint32_t kind)
{
    spiral_tokens *t = sc->out;
    spiral_token *tk;

    if (t->n >= sc->max_tokens)
        return SPIRAL_ELIMIT;
    if (spiral_grow(&t->tok, &t->cap, t->n + 1, sizeof *t->tok) < 0 ||
        spiral_grow(&t->nl, &t->nlcap, t->n + 1, 1) < 0)
        return SPIRAL_ENOMEM;
    tk = &t->tok[t->n];
    tk->norm_start = (uint32_t)a;
    tk->norm_end = (uint32_t)b;
    tk->start = sc->nt->map[a];
    tk->end = spiral_normtext_src_end(sc->nt, b);
    tk->kind = kind;
    t->nl[t->n] = sc->nl;
    sc->nl = 0;
    t->n++;
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
    while (j < sc->len && ascii_alnum(s[j]))
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
        if (cls_at(sc, j, &cp, &k) != C_HAN)
            break;
        *has_han = 1;
        j += (size_t)k;
    }
    return j;
}

static uint32_t chunk_token_kind(const unsigned char *s, size_t a, size_t b)
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
    for (e = 0; e < n; e++) {
        size_t b = i + (*ends)[e];

        if (b <= a || b > j)
            continue;
        if ((rc = push(sc, a, b, chunk_token_kind(sc->s, a, b))) < 0)
            return rc;
        a = b;
    }
    if (a < j && (rc = push(sc, a, j, chunk_token_kind(sc->s, a, j))) < 0)
        return rc;
    return SPIRAL_OK;
}

/* ---------------------------------------------------------------- */
/* English words                                                      */
/* ---------------------------------------------------------------- */

/* Abbreviations that keep their period (normalised, without the period). */
static const char *const abbreviations[] = {
    "adm", "amb", "apr", "approx", "aug", "capt", "cmdr", "co", "col", "corp",
    "dec", "dept", "dr", "e.g", "est", "etc", "feb", "fig", "gen", "gov", "hon",
    "i.e", "inc", "jan", "jr", "jul", "jun", "lt", "ltd", "maj", "mar", "messrs",
    "mr", "mrs", "ms", "nov", "oct", "pres", "prof", "rep", "rev", "sen", "sep",
    "sept", "sgt", "sr", "st", "supt", "vs", NULL
};

static int is_abbreviation(const unsigned char *w, size_t n)
{
    size_t i;

    for (i = 0; abbreviations[i]; i++)
        if ((unsigned char)abbreviations[i][0] == w[0] && strlen(abbreviations[i]) == n &&
            memcmp(abbreviations[i], w, n) == 0)
            return 1;
    return 0;
}

static int word_char(enum cls c)
{
    return c == C_LETTER || c == C_DIGIT || c == C_MARK;
}

/* Length of a Penn Treebank clitic at s[i] (which is an apostrophe), or 0. */
static size_t clitic_len(const scan *sc, size_t i)
{
    static const char *const clitics[] = { "'s", "'re", "'ve", "'ll", "'d", "'m", NULL };
    size_t k;

    for (k = 0; clitics[k]; k++) {
        size_t n = strlen(clitics[k]);

        if (i + n <= sc->len && memcmp(sc->s + i, clitics[k], n) == 0 &&
            !word_char(cls_at(sc, i + n, NULL, NULL)))
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
        if (!word_char(cls_at(sc, j, NULL, NULL))) {
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
                   (e + 2 == sc->len || s[e + 2] == '.' || !word_char(cls_at(sc, e + 2, NULL, NULL)))) {
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
        if ((s[j] == '-') && j + 1 < sc->len && word_char(cls_at(sc, j + 1, NULL, NULL))) {
            j++;
            continue;
        }
        /* Apostrophes: clitics are split off, n't goes with its n. */
        if (s[j] == '\'') {
            if (j - a >= 2 && s[j - 1] == 'n' && j + 1 < sc->len && s[j + 1] == 't' &&
                !word_char(cls_at(sc, j + 2, NULL, NULL))) {
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
            if (j + 1 < sc->len && cls_at(sc, j + 1, NULL, NULL) == C_LETTER) {
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
    size_t i = 0, ecap = 0;
    uint32_t *ends = NULL;
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
        enum cls c = cls_at(&sc, i, &cp, &k);

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
                rc = han_chunk(&sc, i, j, zh, dict, user, &ends, &ecap);
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

            if (repeatable_punct(cp)) {
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
    spiral_free(ends);
    return rc;
}

/* ---------------------------------------------------------------- */
/* Sentences                                                          */
/* ---------------------------------------------------------------- */

static int tok_is(const spiral_normtext *nt, const spiral_token *t, const char *s)
{
    size_t n = strlen(s);

    return t->norm_end - t->norm_start == n &&
           memcmp(nt->text.data + t->norm_start, s, n) == 0;
}

static int orig_is(const char *orig, const spiral_token *t, const char *s)
{
    size_t n = strlen(s);

    return t->end - t->start >= n && memcmp(orig + t->start, s, n) == 0;
}

static int closing_token(const spiral_normtext *nt, const spiral_token *t)
{
    static const char *const closers[] = {
        "\"", "'", ")", "]", "}", "\xE2\x80\x9D", "\xE3\x80\x8D", "\xE3\x80\x8F",
        "\xE3\x80\x8B", "\xE3\x80\x89", "\xE3\x80\x91", NULL
    };
    size_t i;

    if (t->kind != SPIRAL_TOK_PUNCT)
        return 0;
    for (i = 0; closers[i]; i++)
        if (tok_is(nt, t, closers[i]))
            return 1;
    return 0;
}

static int is_cjk_side(const spiral_tokens *t, size_t i)
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
    if (tok_is(nt, tk, "\xE3\x80\x82")) /* 。 */
        return 1;
    if (p[0] == '!' || p[0] == '?')
        return 1;
    if (p[0] == ';') /* only the Chinese semicolon */
        return orig_is(orig, tk, "\xEF\xBC\x9B");
    if (p[0] == '.') {
        if (n == 1)
            return 1;
        /* An ellipsis ends a sentence after Chinese text or before a break. */
        return (i > 0 && is_cjk_side(t, i - 1)) || i + 1 == t->n || t->nl[i + 1] > 0;
    }
    return 0;
}

/* Whether the token is an acronym or abbreviation ending in a period that,
 * before a capitalised sentence opener, ends the sentence after all. */
static int abbrev_ends_sentence(const spiral_tokens *t, size_t i,
                                const spiral_normtext *nt, const char *orig)
{
    static const char *const openers[] = {
        "the", "we", "he", "she", "it", "they", "this", "that", "but", "and",
        "i", "in", "on", "however", "there", "our", "his", "her", "their", NULL
    };
    const spiral_token *tk = &t->tok[i], *nx;
    size_t k;

    if (tk->kind != SPIRAL_TOK_WORD || tk->norm_end - tk->norm_start < 2 ||
        nt->text.data[tk->norm_end - 1] != '.' || i + 1 >= t->n)
        return 0;
    nx = &t->tok[i + 1];
    if (!(orig[nx->start] >= 'A' && orig[nx->start] <= 'Z'))
        return 0;
    for (k = 0; openers[k]; k++)
        if (tok_is(nt, nx, openers[k]))
            return 1;
    return 0;
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
static int clause_comma(const spiral_tokens *t, size_t i, const spiral_normtext *nt)
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
        if (i > first && (t->nl[i] >= 2 ||
                          (t->nl[i] == 1 && (is_cjk_side(t, i - 1) || is_cjk_side(t, i))))) {
            if (close_sentence(t, first, i) < 0)
                return SPIRAL_ENOMEM;
            first = i;
        }
        if (terminator(t, i, nt, orig)) {
            i++;
            while (i < t->n && t->nl[i] == 0 &&
                   (closing_token(nt, &t->tok[i]) || terminator(t, i, nt, orig)))
                i++;
            if (close_sentence(t, first, i) < 0)
                return SPIRAL_ENOMEM;
            first = i;
            continue;
        }
        if (abbrev_ends_sentence(t, i, nt, orig)) {
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
    memset(t, 0, sizeof *t);
}
