/*
 * test_prefilter.c - the literals derived from regular-expression entries:
 * what they must contain, and giving up whenever in doubt.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "prefilter.h"
#include "suites.h"

/* The derived sets joined by " & ", each set's literals by '|', a literal
 * that must start a word marked with \b; "-" for no prefilter. */
static const char *lits(const char *pattern)
{
    static char out[1024];
    spiral_prefilter pf;
    size_t i, k, o = 0;
    int rc = spiral_prefilter_build(&pf, pattern);

    ck_assert_int_ge(rc, 0);
    if (rc == SPIRAL_PREFILTER_NONE)
        return "-";
    out[0] = '\0';
    for (k = 0; k < pf.nset; k++) {
        int first = 1;

        for (i = 0; i < pf.n; i++) {
            if (pf.set[i] != k)
                continue;
            o += (size_t)snprintf(out + o, sizeof out - o, "%s%s%s",
                                  first ? (k ? " & " : "") : "|", pf.wb[i] ? "\\b" : "",
                                  pf.lit[i]);
            first = 0;
        }
    }
    spiral_prefilter_free(&pf);
    return out;
}

START_TEST(derives_required_literals)
{
    ck_assert_str_eq(lits("\\bred lines?\\b"), "\\bred line");
    /* every required item of a pattern of one sequence is a set */
    ck_assert_str_eq(lits("\\b(?:lay|lays|laid|laying)\\s+down\\s+(?:their\\s+)?arms\\b"),
                     "down & arms & \\blay|\\blays|\\blaid|\\blaying");
    /* of sets as selective, the one with fewer literals first */
    ck_assert_str_eq(lits("(避免|防止|不采取)[^，。]{0,12}(局势|事态)"),
                     "局势|事态 & 避免|防止|不采取");
    ck_assert_str_eq(lits("必将[^，。]{0,8}(回击|反击)"), "必将 & 回击|反击");
    /* alternatives at the top: one set, their union */
    ck_assert_str_eq(lits("Sanctions?|Embargo"), "sanction|embargo");
    /* lookarounds are zero-width; an optional group is not required */
    ck_assert_str_eq(lits("(?<!must )\\b(?:releas(?:e|ed)|freed)\\b"), "\\breleas|\\bfreed");
    ck_assert_str_eq(lits("(?:very )?bad"), "bad");
    ck_assert_str_eq(lits("stop\\.{2,}"), "stop."); /* one dot is required */
    /* after an optional character a word need not start there */
    ck_assert_str_eq(lits("\\bs?end\\b"), "end");
    /* \b before a non-word character says nothing about what precedes it */
    ck_assert_str_eq(lits("\\b-war"), "-war");
}
END_TEST

START_TEST(gives_up_when_in_doubt)
{
    ck_assert_str_eq(lits("\\w+ism"), "ism");
    ck_assert_str_eq(lits("[ab]+"), "-");
    ck_assert_str_eq(lits("(?i)war"), "-");       /* inline options */
    ck_assert_str_eq(lits("\\Qa.b\\E"), "-");     /* quoting */
    ck_assert_str_eq(lits("x|\\d+"), "-");        /* one branch unconstrained */
    ck_assert_str_eq(lits("Éire"), "-");          /* two-byte letters: no folding here */
    ck_assert_str_eq(lits("(a"), "-");            /* unbalanced */
    ck_assert_str_eq(lits("a{,3}"), "-");
    /* escapes and groups whose text is not literal text */
    ck_assert_str_eq(lits("\\bsanctions\\s+\\pL+"), "\\bsanctions");
    ck_assert_str_eq(lits("\\p{Han}+ism\\PN"), "ism");
    ck_assert_str_eq(lits("target\\s\\101"), "-");  /* octal */
    ck_assert_str_eq(lits("(war)\\s+\\1"), "-");    /* back reference */
    ck_assert_str_eq(lits("(?<w>war)\\g1"), "-");
    ck_assert_str_eq(lits("(?<w>war)\\k<w>"), "-");
    ck_assert_str_eq(lits("(?'n'war)fare"), "fare & war");
    ck_assert_str_eq(lits("(?P<n>war)fare"), "fare & war");
    ck_assert_str_eq(lits("(?P<n>war)(?P=n)"), "-");
    ck_assert_str_eq(lits("(?>war)fare"), "-");          /* atomic group */
    ck_assert_str_eq(lits("x{00}yz"), "yz");             /* zero times */
    ck_assert_str_eq(lits("x{00,2}yz"), "yz");
}
END_TEST

static int may(const spiral_prefilter *pf, const char *text)
{
    return spiral_prefilter_may_match(pf, text, strlen(text));
}

START_TEST(may_match)
{
    spiral_prefilter pf;

    ck_assert_int_eq(spiral_prefilter_build(&pf, "\\b(?:lift|ease)\\s+sanctions\\b"), 0);
    ck_assert(may(&pf, "they will lift the sanctions"));
    ck_assert(!may(&pf, "they will lift the embargo")); /* no noun */
    ck_assert(!may(&pf, "sanctions were imposed"));     /* no verb */
    /* "ease" only inside "release" and "lift" inside "airlift" */
    ck_assert(!may(&pf, "the release of sanctions data"));
    ck_assert(!may(&pf, "an airlift despite sanctions"));
    ck_assert(may(&pf, "ease sanctions"));              /* at the very start */
    ck_assert(may(&pf, "sanctions, which may ease"));   /* order is the regex's business */
    spiral_prefilter_free(&pf);
}
END_TEST

/* Lines "re:PATTERN\t..." of a lexicon file, appended to pat[*n]. */
static void read_regexes(const char *path, char pat[][2048], size_t max, size_t *n)
{
    FILE *f = fopen(path, "r");
    char line[4096];

    ck_assert_msg(f != NULL, "cannot open %s", path);
    while (fgets(line, sizeof line, f) != NULL && *n < max) {
        char *tab = strchr(line, '\t');

        if (strncmp(line, "re:", 3) != 0 || tab == NULL)
            continue;
        *tab = '\0';
        ck_assert_uint_lt(strlen(line + 3), 2048);
        memcpy(pat[(*n)++], line + 3, strlen(line + 3) + 1);
    }
    fclose(f);
}

/* The shipped regex entries against sentences that match some of them and
 * near misses: wherever PCRE2 (compiled as the lexicon compiles them)
 * finds a match, the prefilter lets it through.  The text is as the
 * normaliser leaves it: case-folded. */
START_TEST(never_hides_a_match_of_the_shipped_regexes)
{
    static const char *files[] = { "lexicons/en/threat.tsv", "lexicons/en/reassurance.tsv",
                                   "lexicons/en/modifiers.tsv", "lexicons/zh/threat.tsv",
                                   "lexicons/zh/reassurance.tsv" };
    static const char *texts[] = {
        "the government lifted the remaining sanctions on the country.",
        "they will ease restrictions and end the curfew next week.",
        "the spending on defence will end up higher; sanctions remain.",
        "both sides agreed to end the war and release all prisoners.",
        "the rebels released the detained journalists on friday.",
        "the hostages were finally released after talks.",
        "he accused them of playing the race card again.",
        "the display of the card was a player's trick.",
        "washington suspended military aid and froze contacts.",
        "they rejected the latest peace proposals outright.",
        "the ministry refused to meet the envoy.",
        "we must hold those responsible accountable for this.",
        "moscow withdrew from the arms control treaty.",
        "the troops will withdraw from the border region.",
        "the regime in the north is brutal; the kremlin's regime denies it.",
        "should russia attack, we will respond.",
        "they may retaliate if provoked.",
        "the government closed the consulate general in houston.",
        "they fired missiles at the city overnight.",
        "both leaders spoke by phone on tuesday.",
        "the country re-established diplomatic relations with its neighbour.",
        "it was a premeditated, unprovoked and unjustified attack.",
        "they vowed to retaliate against any aggression.",
        "the ceasefire was violated repeatedly by both parties.",
        "美方必将对任何挑衅予以坚决回击。",
        "双方同意避免局势进一步升级。",
        "我们坚决反对美方对中方实施单边制裁。",
        "中方愿同各方一道，通过对话协商解决分歧。",
    };
    static char pat[256][2048];
    size_t npat = 0, p, t, matched = 0, skipped = 0;

    for (p = 0; p < sizeof files / sizeof *files; p++)
        read_regexes(files[p], pat, 256, &npat);
    ck_assert_uint_ge(npat, 40);
    for (p = 0; p < npat; p++) {
        int errcode;
        PCRE2_SIZE erroff;
        pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat[p], PCRE2_ZERO_TERMINATED,
                                       PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS, &errcode,
                                       &erroff, NULL);
        pcre2_match_data *md;
        spiral_prefilter pf;
        int rc;

        ck_assert_msg(re != NULL, "pattern %zu does not compile", p);
        md = pcre2_match_data_create_from_pattern(re, NULL);
        rc = spiral_prefilter_build(&pf, pat[p]);
        ck_assert_int_ge(rc, 0);
        for (t = 0; t < sizeof texts / sizeof *texts; t++) {
            size_t len = strlen(texts[t]);
            int hit = pcre2_match(re, (PCRE2_SPTR)texts[t], len, 0, 0, md, NULL) >= 0;
            int may_hit = rc == SPIRAL_PREFILTER_NONE || may(&pf, texts[t]);

            ck_assert_msg(!hit || may_hit, "the prefilter of %s hides its match in \"%s\"",
                          pat[p], texts[t]);
            matched += hit;
            skipped += !may_hit;
        }
        if (rc == SPIRAL_PREFILTER_OK)
            spiral_prefilter_free(&pf);
        pcre2_match_data_free(md);
        pcre2_code_free(re);
    }
    /* The sentences do match (so the check above has teeth), and most
     * pairs are skipped (so the prefilter is worth having). */
    ck_assert_uint_ge(matched, 25);
    ck_assert_uint_ge(skipped, npat * (sizeof texts / sizeof *texts) * 3 / 4);
}
END_TEST

/* A small pseudo-random generator (the tests are repeatable). */
static uint32_t next_rand(uint32_t *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return *seed >> 8;
}

/* The bits of literals lit[0..n) in each sentence of text, found by brute
 * force as spiral_scan_text() documents them. */
static void naive_scan(const spiral_scan_lit *lit, size_t n, const char *text, size_t len,
                       const size_t *ends, size_t nsent, uint64_t *out)
{
    size_t j, a, k;

    memset(out, 0, 2 * nsent * sizeof *out);
    for (j = 0; j < n; j++)
        for (a = 0; a + lit[j].len <= len; a++) {
            size_t last = a + lit[j].len - 1;

            if (memcmp(text + a, lit[j].s, lit[j].len) != 0 ||
                (lit[j].wb && spiral_prefilter_in_word((const unsigned char *)text, a)))
                continue;
            for (k = 0; k < nsent && ends[k] <= last; k++)
                ;
            if (k == nsent) {
                /* after the last sentence: it alone, for a literal that spans */
                if (nsent == 0 || !lit[j].spans)
                    continue;
                k = nsent - 1;
            } else if (!lit[j].spans && a < (k ? ends[k - 1] : 0)) {
                continue; /* starts in the sentence before */
            }
            out[2 * k + lit[j].bit / 64] |= (uint64_t)1 << (lit[j].bit % 64);
        }
}

/* Random texts over the literals' own pieces, cut into random sentences:
 * the scanner finds in each sentence exactly the literals brute force
 * does.  Literals overlap (one the prefix or suffix of another), must
 * start words or not, span sentences or not, and are ASCII (the scanner
 * skips other bytes), Chinese (it skips ASCII) or both. */
START_TEST(scanner_finds_literals_by_sentence)
{
    static const char *pieces[] = { "he", "she", "his", "hers", "sanction", "sanctions", "ions",
                                    "制裁", "单边制裁", "裁", "e", " the ", "-", "x", " ", ".",
                                    "單", "a\xE5" };
    static const spiral_scan_lit all[] = {
        { "he", 2, 0, 0, 1 },         { "she", 3, 1, 1, 0 },       { "his", 3, 2, 0, 0 },
        { "hers", 4, 3, 1, 1 },       { "sanction", 8, 4, 1, 1 },  { "sanctions", 9, 64, 0, 0 },
        { "ions", 4, 127, 0, 1 },     { " the ", 5, 70, 0, 0 },    { "e", 1, 5, 0, 0 },
        { "he", 2, 6, 1, 0 },         { "x-", 2, 100, 1, 1 },      { "xhe", 3, 11, 0, 0 },
        { "制裁", 6, 7, 0, 1 },       { "单边制裁", 12, 8, 0, 0 }, { "裁", 3, 65, 0, 0 },
        { "a\xE5", 2, 9, 1, 1 },      { "ns\xE5\x88", 4, 10, 0, 0 },
    };
    /* literals [from, to) of all: ASCII, Chinese, both */
    static const size_t from[] = { 0, 12, 0 }, to[] = { 12, 15, 17 };
    uint32_t seed = 7;
    size_t set, round;

    for (set = 0; set < 3; set++) {
        spiral_scan sc;
        size_t n = to[set] - from[set];

        ck_assert_int_eq(spiral_scan_build(&sc, all + from[set], n), 0);
        ck_assert_int_eq(sc.skip, set == 0 ? SPIRAL_SCAN_SKIP_HIGH
                                  : set == 1 ? SPIRAL_SCAN_SKIP_LOW : 0);
        for (round = 0; round < 600; round++) {
            /* short texts, and long ones scanned in parts at once */
            char text[2048];
            size_t len = 0, ends[64], nsent = 0, k, size = round % 3 ? 300 : 1500;
            uint64_t got[128], want[128];
            int foreign;

            while (len < size) {
                const char *p = pieces[next_rand(&seed) % (sizeof pieces / sizeof *pieces)];

                memcpy(text + len, p, strlen(p));
                len += strlen(p);
                if (next_rand(&seed) % (size / 40) == 0 && nsent < 63)
                    ends[nsent++] = len; /* a sentence ends after a piece */
            }
            /* sometimes nothing after the last sentence, sometimes a tail */
            if (nsent == 0 || next_rand(&seed) % 2)
                ends[nsent++] = len - (next_rand(&seed) % 2 ? 0 : strlen(pieces[0]));
            if (nsent > 1 && ends[nsent - 1] <= ends[nsent - 2])
                nsent--;
            naive_scan(all + from[set], n, text, len, ends, nsent, want);
            for (foreign = 0; foreign < 2; foreign++) {
                memset(got, 0xA5, sizeof got);
                spiral_scan_text(&sc, (const unsigned char *)text, len, ends, nsent, got, foreign);
                for (k = 0; k < nsent; k++)
                    ck_assert_msg(got[2 * k] == want[2 * k] && got[2 * k + 1] == want[2 * k + 1],
                                  "set %zu round %zu (%zu bytes, %d) sentence %zu of %zu: "
                                  "%#lx %#lx, expected %#lx %#lx",
                                  set, round, len, foreign, k, nsent, (unsigned long)got[2 * k],
                                  (unsigned long)got[2 * k + 1], (unsigned long)want[2 * k],
                                  (unsigned long)want[2 * k + 1]);
            }
        }
        spiral_scan_free(&sc);
    }
    {
        /* "he" starts the second sentence while "xhe", begun in the
         * first, is still in progress: "he" counts there, "xhe" not. */
        static const spiral_scan_lit two[] = { { "xhe", 3, 1, 0, 0 }, { "he", 2, 2, 0, 0 } };
        spiral_scan sc;
        size_t ends[2] = { 2, 4 };
        uint64_t got[4];

        ck_assert_int_eq(spiral_scan_build(&sc, two, 2), 0);
        spiral_scan_text(&sc, (const unsigned char *)"axhe", 4, ends, 2, got, 0);
        ck_assert_uint_eq(got[0], 0);
        ck_assert_uint_eq(got[2], 4);
        spiral_scan_free(&sc);
    }
}
END_TEST

/* Rows too many for 16-bit entries: the wide table gives the same
 * answers. */
START_TEST(scanner_with_many_states)
{
    enum { N = 40000 };
    static char buf[N][12];
    static spiral_scan_lit lit[N];
    char text[64];
    uint64_t found[2];
    size_t i, end;
    spiral_scan sc;

    for (i = 0; i < N; i++) {
        snprintf(buf[i], sizeof buf[i], "%08x", (unsigned)((uint32_t)i * 2654435761u));
        lit[i].s = buf[i];
        lit[i].len = 8;
        lit[i].bit = (uint8_t)(i % SPIRAL_SCAN_BITS);
        lit[i].wb = 0;
        lit[i].spans = 0;
    }
    ck_assert_int_eq(spiral_scan_build(&sc, lit, N), 0);
    ck_assert_int_eq(sc.wide, 1);
    /* literals 12345 (bit 57) and 39999 (bit 63) inside other text, and
     * one cut short */
    snprintf(text, sizeof text, "zz%s-%sq %.7s", buf[12345], buf[39999], buf[7]);
    end = strlen(text);
    spiral_scan_text(&sc, (const unsigned char *)text, end, &end, 1, found, 0);
    ck_assert_uint_eq(found[0], ((uint64_t)1 << 57) | ((uint64_t)1 << 63));
    ck_assert_uint_eq(found[1], 0);
    spiral_scan_free(&sc);
}
END_TEST

Suite *prefilter_suite(void)
{
    Suite *s = suite_create("prefilter");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, derives_required_literals);
    tcase_add_test(tc, gives_up_when_in_doubt);
    tcase_add_test(tc, may_match);
    tcase_add_test(tc, never_hides_a_match_of_the_shipped_regexes);
    tcase_add_test(tc, scanner_finds_literals_by_sentence);
    tcase_add_test(tc, scanner_with_many_states);
    suite_add_tcase(s, tc);
    return s;
}
