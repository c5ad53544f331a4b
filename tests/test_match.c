/*
 * test_match.c - finding lexicon entries: phrases, wildcards, regular
 * expressions, longest match, Chinese word boundaries, Traditional and
 * full-width input.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "lexicon.h"
#include "session.h"
#include "suites.h"
#include "testutil.h"

START_TEST(phrases_and_longest_match)
{
    /* "arms control" beats "arms"; "unprovoked aggression" beats "aggression". */
    ck_assert_str_eq(test_hits("Both sides support arms control.", "en", NULL),
                     "reassurance.agreement=arms control@2.5[]");
    ck_assert_str_eq(test_hits("It was an act of unprovoked aggression.", "en", NULL),
                     "threat.accusation=unprovoked aggression@3.0[]");
    ck_assert_str_eq(test_hits("They said all options are on the table.", "en", NULL),
                     "threat.warning=all options are on the table@3.0[]");
    /* A phrase that does not complete leaves its parts to shorter entries. */
    ck_assert_str_eq(test_hits("All options are open.", "en", NULL), "");
}
END_TEST

START_TEST(wildcards)
{
    ck_assert_str_eq(test_hits("Washington sanctioned three firms.", "en", NULL),
                     "threat.coercion=sanctioned@2.0[]");
    ck_assert_str_eq(test_hits("They imposed new sanctions.", "en", NULL),
                     "threat.coercion=sanctions@2.0[]");
    /* impos* sanction* needs the two words next to each other */
    ck_assert_str_eq(test_hits("They imposed sanctions.", "en", NULL),
                     "threat.coercion=imposed sanctions@2.5[]");
    /* an exact entry beats a wildcard of the same length */
    ck_assert_str_eq(test_hits("We discussed sanctions relief.", "en", NULL),
                     "reassurance.deescalation=sanctions relief@2.0[]");
    ck_assert_str_eq(test_hits("We condemned it and condemn it again.", "en", NULL),
                     "threat.accusation=condemned@2.0[] | threat.accusation=condemn@2.0[]");
}
END_TEST

START_TEST(regular_expressions)
{
    ck_assert_str_eq(test_hits("This crosses Beijing's red lines.", "en", NULL),
                     "threat.warning=red lines@2.0[]");
    ck_assert_str_eq(test_hits("Crossing the line again.", "en", NULL),
                     "threat.warning=Crossing the line@2.0[]");
    ck_assert_str_eq(test_hits("如果继续挑衅，后果自负。", "zh", NULL),
                     "threat.accusation=挑衅@2.0[conditional] | threat.warning=后果自负@3.0[conditional]");
}
END_TEST

START_TEST(chinese_word_boundaries)
{
    /* 印度 is an entry (category none) and must not fire inside 印度尼西亚;
     * 反对 must not fire inside 反对派 if the dictionary has it as a word. */
    const spiral_doc *doc;
    size_t n;

    test_hits("印度尼西亚总统访问北京。", "zh", &doc);
    spiral_doc_hits(doc, &n);
    ck_assert_uint_eq(n, 0);
    test_hits("印度总理访问北京。", "zh", &doc);
    spiral_doc_hits(doc, &n);
    ck_assert_uint_eq(n, 1);
    /* the longest entry wins: 坚决反对, not 反对 */
    ck_assert_str_eq(test_hits("中方坚决反对单边制裁。", "zh", NULL),
                     "threat.opposition=坚决反对@2.5[] | threat.coercion=制裁@2.0[]");
}
END_TEST

START_TEST(traditional_and_full_width_input)
{
    ck_assert_str_eq(test_hits("中方堅決反對單邊制裁。", "zh", NULL),
                     "threat.opposition=堅決反對@2.5[] | threat.coercion=制裁@2.0[]");
    ck_assert_str_eq(test_hits("雙方願意對話協商，合作共贏。", "zh", NULL),
                     "reassurance.dialogue=對話協商@2.0[] | reassurance.cooperation=合作共贏@1.5[]");
    ck_assert_str_eq(test_hits("ＷＥ ＣＯＮＤＥＭＮ ＩＴ.", "en", NULL),
                     "threat.accusation=ＣＯＮＤＥＭＮ@2.0[]");
    /* a dotted acronym and punctuation inside a pattern */
    ck_assert_str_eq(test_hits("The U.S.-China talks resumed.", "en", NULL),
                     "reassurance.dialogue=U.S.-China talks@2.0[]");
}
END_TEST

START_TEST(offsets_point_into_original)
{
    const char *text = "美國政府嚴正交涉，堅決反對挑釁。";
    const spiral_doc *doc;
    const spiral_hit *h;
    size_t n, i;

    test_hits(text, "zh", &doc);
    h = spiral_doc_hits(doc, &n);
    ck_assert_uint_ge(n, 2);
    for (i = 0; i < n; i++) {
        ck_assert_uint_le(h[i].end, strlen(text));
        ck_assert_uint_lt(h[i].start, h[i].end);
    }
    ck_assert_int_eq(memcmp(text + h[n - 1].start, "挑釁", strlen("挑釁")), 0);
}
END_TEST

/* Hits and mentions of text in session s as one string. */
static const char *describe(spiral_session *s, const char *text, char *buf, size_t cap)
{
    const spiral_doc *doc;
    const spiral_hit *h;
    const spiral_mention *m;
    spiral_error err;
    size_t n, i, o = 0;

    ck_assert_int_eq(spiral_session_analyze(s, text, strlen(text), "en", &doc, &err), SPIRAL_OK);
    buf[0] = '\0';
    for (h = spiral_doc_hits(doc, &n), i = 0; i < n; i++)
        o += (size_t)snprintf(buf + o, cap - o, "%s@%u-%u ", h[i].pattern, h[i].start, h[i].end);
    for (m = spiral_doc_mentions(doc, &n), i = 0; i < n; i++)
        o += (size_t)snprintf(buf + o, cap - o, "%s@%u-%u ", m[i].code, m[i].start, m[i].end);
    return buf;
}

/* A session remembers the walks its words start (in both tries) and
 * replays them: whatever it has seen before, it finds what a fresh
 * session finds.  Here with words that end inside many wildcard entries
 * (more calls than a memo slot holds), words longer than a slot's key, a
 * word that starts a lexicon entry and an actor alias, and case-sensitive
 * aliases met in both cases. */
START_TEST(remembered_walks_replay_the_walk)
{
    static const char extra[] =
        "destab*\tthreat.force\t1\n"
        "destabi*\tthreat.force\t1\n"
        "destabil*\tthreat.force\t1\n"
        "destabili*\tthreat.force\t1\n"
        "destabilis*\tthreat.force\t1\n"
        "destabilising forces\tthreat.force\t2\n"
        "destabilise\tthreat.force\t2\n"
        "sanctioned\tthreat.coercion\t2.5\n"
        "counter-destabilisation-measures-announced\tthreat.coercion\t2\n"
        "washington warned\tthreat.warning\t2\n";
    static const char *texts[] = {
        "Washington warned against destabilising forces in the region.",
        "The US and the U.S. condemn the destabilisation; us too.",
        "Counter-destabilisation-measures-announced by Washington were sanctions.",
        "destabilising destabilise destabilisation destab destabi",
        "Washington warned. Washington, again. The United States warned.",
        "They sanctioned firms; sanctions followed, and more were sanctioned.",
    };
    const char *path = test_tmpfile(extra, sizeof extra - 1, ".tsv", 0);
    spiral_lexicon *lex;
    spiral_dict *dict;
    spiral_session *warm, *fresh;
    spiral_error err;
    char a[2048], b[2048];
    size_t round, t;

    ck_assert_int_eq(spiral_dict_load(&dict, TEST_DICT, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_new(&lex, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_add_dir(lex, "tests/data/lex", &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_add_file(lex, path, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_seal(lex, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_session_new(&warm, dict, lex, NULL, &err), SPIRAL_OK);
    for (round = 0; round < 2; round++)
        for (t = 0; t < sizeof texts / sizeof *texts; t++) {
            ck_assert_int_eq(spiral_session_new(&fresh, dict, lex, NULL, &err), SPIRAL_OK);
            describe(warm, texts[t], a, sizeof a);
            ck_assert_str_eq(a, describe(fresh, texts[t], b, sizeof b));
            spiral_session_free(fresh);
        }
    /* and the walks found what they should */
    ck_assert_str_eq(describe(warm, texts[0], a, sizeof a),
                     "washington warned@0-17 destabilising forces@26-46 USA@0-10 ");
    ck_assert_ptr_nonnull(strstr(describe(warm, texts[2], a, sizeof a),
                                 "counter-destabilisation-measures-announced@0-42 "));
    /* an exact entry beats wildcards as long (one token); of those, the
     * first that ends wins */
    ck_assert_str_eq(describe(warm, texts[3], a, sizeof a),
                     "destab*@0-13 destabilise@14-25 destab*@26-41 destab*@42-48 destab*@49-56 ");
    /* sanction* ends inside "sanctioned" too: the exact entry wins */
    ck_assert_str_eq(describe(warm, texts[5], a, sizeof a),
                     "sanctioned@5-15 sanction*@23-32 sanctioned@57-67 ");
    spiral_session_free(warm);
    spiral_lexicon_free(lex);
    spiral_dict_free(dict);
}
END_TEST

/* The memo of walks starts small and grows once it churns: a session
 * that has seen thousands of Han words (and grown it) finds what a fresh
 * one does. */
START_TEST(memo_grows_and_replays_the_walk)
{
    spiral_lexicon *lex;
    spiral_dict *dict;
    spiral_session *warm, *fresh;
    spiral_error err;
    const spiral_doc *doc;
    char text[4096], a[4096], b[4096];
    size_t round, i, o, first_slots = 0;
    uint32_t x = 12345;

    ck_assert_int_eq(spiral_dict_load(&dict, TEST_DICT, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_load(&lex, "tests/data/lex", &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_session_new(&warm, dict, lex, NULL, &err), SPIRAL_OK);
    for (round = 0; round < 40; round++) {
        /* 300 characters from the first 4096 Han ones, and a lexicon word */
        for (i = o = 0; i < 300; i++) {
            uint32_t cp = 0x4E00 + ((x = x * 1103515245u + 12345u) >> 16) % 4096;

            text[o++] = (char)(0xE0 | cp >> 12);
            text[o++] = (char)(0x80 | (cp >> 6 & 0x3F));
            text[o++] = (char)(0x80 | (cp & 0x3F));
        }
        memcpy(text + o, "\xE6\x8C\x91\xE8\xA1\x85", 7); /* 挑衅 */
        ck_assert_int_eq(spiral_session_analyze(warm, text, strlen(text), "zh", &doc, &err),
                         SPIRAL_OK);
        if (round == 0)
            first_slots = doc->memo_slots;
        if (round % 8 == 7) {
            ck_assert_int_eq(spiral_session_new(&fresh, dict, lex, NULL, &err), SPIRAL_OK);
            describe(warm, text, a, sizeof a);
            ck_assert_ptr_nonnull(strstr(a, "\xE6\x8C\x91\xE8\xA1\x85@900-906"));
            ck_assert_str_eq(a, describe(fresh, text, b, sizeof b));
            spiral_session_free(fresh);
        }
    }
    ck_assert_uint_gt(first_slots, 0);
    ck_assert_uint_gt(doc->memo_slots, first_slots);
    spiral_session_free(warm);
    spiral_lexicon_free(lex);
    spiral_dict_free(dict);
}
END_TEST

/* A session JIT-compiles a copy of each regex it runs, on the first run
 * (where the platform can), and the hits stay the same run after run. */
START_TEST(regexes_match_the_same_once_compiled)
{
    static const char text[] = "This crosses Beijing's red lines. Crossing the line again.";
    spiral_lexicon *lex;
    spiral_dict *dict;
    spiral_session *s;
    spiral_error err;
    const spiral_doc *doc;
    char first[1024], a[1024];
    size_t round, r, often = 0;

    ck_assert_int_eq(spiral_dict_load(&dict, TEST_DICT, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_load(&lex, "tests/data/lex", &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_session_new(&s, dict, lex, NULL, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_session_analyze(s, text, strlen(text), "en", &doc, &err), SPIRAL_OK);
    /* compiled on the first run, so that every statement meets the same
     * code, whatever came before it */
    for (r = 0; r < lex->nregex; r++)
        if (doc->rx_runs[r] > 0 && doc->rx_jit[r] == NULL) {
            pcre2_code *c = spiral_regex_jit(lex->e[lex->regex[r]].re);

            ck_assert_ptr_null(c);
        }
    describe(s, text, first, sizeof first);
    ck_assert_ptr_nonnull(strstr(first, "red lines?"));
    for (round = 0; round < 100; round++)
        ck_assert_str_eq(describe(s, text, a, sizeof a), first);
    ck_assert_int_eq(spiral_session_analyze(s, text, strlen(text), "en", &doc, &err), SPIRAL_OK);
    ck_assert_uint_eq(doc->rx_njit, lex->nregex);
    for (r = 0; r < lex->nregex; r++) {
        pcre2_code *c;

        if (doc->rx_runs[r] == 0)
            continue;
        often++;
        /* run: compiled, unless this build or platform cannot */
        if (doc->rx_jit[r] == NULL) {
            ck_assert_ptr_null(c = spiral_regex_jit(lex->e[lex->regex[r]].re));
            pcre2_code_free(c);
        }
    }
    ck_assert_uint_gt(often, 0);
    spiral_session_free(s);
    spiral_lexicon_free(lex);
    spiral_dict_free(dict);
}
END_TEST

/* A token starts walks in the tries where its word starts a pattern: one
 * that starts only actor aliases (china, kremlin, "the" of "the
 * Kremlin"), only lexicon entries (urge, arms), or neither, being met only
 * after another word (control, states). */
START_TEST(tokens_start_the_walks_their_words_start)
{
    char a[512];

    ck_assert_str_eq(describe(test_scoring_session(),
                              "Control, States and Kremlin: China and the Kremlin urge arms control.",
                              a, sizeof a),
                     "urge@51-55 arms control@56-68 RUS@20-27 CHN@29-34 RUS@39-50 ");
}
END_TEST

/* Hits of text in s as "pattern@start-end " each, offsets moved by
 * `shift`; the number of hits is added to *count. */
static void hits_at(spiral_session *s, const char *text, size_t len, size_t shift, char *buf,
                    size_t cap, size_t *count)
{
    const spiral_doc *doc;
    const spiral_hit *h;
    spiral_error err;
    size_t n, i, o = strlen(buf);

    ck_assert_int_eq(spiral_session_analyze(s, text, len, "en", &doc, &err), SPIRAL_OK);
    for (h = spiral_doc_hits(doc, &n), i = 0; i < n; i++)
        o += (size_t)snprintf(buf + o, cap - o, "%s@%zu-%zu ", h[i].pattern,
                              h[i].start + shift, h[i].end + shift);
    *count += n;
}

/* The regex prefilter scans a long text in parts at once, each started a
 * little early; wherever the borders fall (the text is shifted a byte at
 * a time), a long text has exactly the hits its sentences have alone. */
START_TEST(long_texts_match_as_their_sentences_do)
{
    static const char *sents[] = {
        "They lifted the sanctions on the island.",
        "He accused them of playing the race card again.",
        "The ministry refused to meet the envoy.",
        "Both sides agreed to end the war and release all prisoners.",
        "The troops will withdraw from the border region.",
        "Washington suspended military aid and froze contacts.",
        "We must hold those responsible accountable.",
        "They vowed to retaliate against any aggression.",
        "Hostages were released after talks on a ceasefire.",
    };
    enum { NS = sizeof sents / sizeof *sents, ROUNDS = 3 };
    spiral_lexicon *lex;
    spiral_dict *dict;
    spiral_session *s;
    spiral_error err;
    static char text[4096], whole[16384], parts[16384];
    size_t shift, k, nwhole = 0, nparts = 0;

    ck_assert_int_eq(spiral_dict_load(&dict, TEST_DICT, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_load(&lex, "lexicons", &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_session_new(&s, dict, lex, NULL, &err), SPIRAL_OK);
    for (shift = 0; shift < 48; shift++) {
        size_t len, at[NS * ROUNDS + 1], n = 0;

        /* a first sentence of `shift` + 3 bytes moves the others */
        memset(text, 'a', shift + 1);
        memcpy(text + shift + 1, ". ", 3);
        len = shift + 3;
        for (k = 0; k < NS * ROUNDS; k++) {
            at[n++] = len;
            len += (size_t)snprintf(text + len, sizeof text - len, "%s ", sents[k % NS]);
        }
        ck_assert_uint_ge(len, 400); /* long enough to be scanned in parts */
        whole[0] = parts[0] = '\0';
        hits_at(s, text, len, 0, whole, sizeof whole, &nwhole);
        for (k = 0; k < n; k++)
            hits_at(s, text + at[k], strlen(sents[k % NS]), at[k], parts, sizeof parts,
                    &nparts);
        for (k = 0; whole[k] && whole[k] == parts[k]; k++)
            ;
        ck_assert_msg(whole[k] == parts[k], "shifted by %zu: \"%.60s\" where alone \"%.60s\"",
                      shift, whole + k, parts + k);
    }
    ck_assert_uint_ge(nwhole, 48 * ROUNDS * 8); /* most sentences have hits */
    spiral_session_free(s);
    spiral_lexicon_free(lex);
    spiral_dict_free(dict);
}
END_TEST


/* Whether literal k of pf occurs in the normalised text t where a
 * prefilter set counts it for the sentence [b, e) (the last one: `last`):
 * wholly inside, or for the first set ending inside (or after the last
 * sentence) wherever it starts; at a word start when it must be. */
static int literal_in(const spiral_prefilter *pf, size_t k, const char *t, size_t len, size_t b,
                      size_t e, int last)
{
    size_t a, stop = last && pf->set[k] == 0 ? len : e;

    for (a = pf->set[k] == 0 ? 0 : b; a + pf->len[k] <= stop; a++)
        if (a + pf->len[k] > b && memcmp(t + a, pf->lit[k], pf->len[k]) == 0 &&
            (!pf->wb[k] || !spiral_prefilter_in_word((const unsigned char *)t, a)))
            return 1;
    return 0;
}

/* The sentences where each shipped regex is searched are exactly those
 * holding a literal of every set of its prefilter (the scanners' bits and
 * the short sets looked for afterwards give that, brute force finds it),
 * and they include every sentence where the regex matches. */
static void check_regex_sentences(spiral_session *s, const spiral_lexicon *lex, const char *text,
                                  const char *lang, size_t *searched, size_t *matched)
{
    const spiral_doc *doc;
    spiral_error err;
    pcre2_match_data *md;
    size_t r, si, k, len;
    const char *t;

    ck_assert_int_eq(spiral_session_analyze(s, text, strlen(text), lang, &doc, &err), SPIRAL_OK);
    t = spiral_doc_norm(doc, &len);
    ck_assert_uint_gt(lex->nregex, 0);
    for (r = 0; r < lex->nregex; r++) {
        const spiral_entry *e = &lex->e[lex->regex[r]];
        uint32_t got[256];
        size_t ngot = 0, at = 0;

        for (k = 0; k < doc->npair; k++)
            if (doc->rx_pair[k] >> 32 == r && ngot < 256)
                got[ngot++] = (uint32_t)doc->rx_pair[k];

        md = pcre2_match_data_create_from_pattern(e->re, NULL);
        for (si = 0; si < doc->tk.nsent; si++) {
            size_t b = si ? doc->sent_end[si - 1] : 0, end = doc->sent_end[si], set;
            int holds = 1, hit;

            for (set = 0; set < e->pf.nset && holds; set++) {
                for (k = 0; k < e->pf.n; k++)
                    if (e->pf.set[k] == set &&
                        literal_in(&e->pf, k, t, len, b, end, si + 1 == doc->tk.nsent))
                        break;
                holds = k < e->pf.n;
            }
            hit = pcre2_match(e->re, (PCRE2_SPTR)t, end, b, 0, md, NULL) >= 0;
            ck_assert_msg(!hit || holds, "%s matches in sentence %zu, which lacks a set",
                          e->pattern, si);
            if (holds) {
                ck_assert_msg(at < ngot && got[at] == si, "%s: sentence %zu not searched",
                              e->pattern, si);
                at++;
            }
            *matched += hit;
        }
        ck_assert_msg(at == ngot, "%s: %zu sentences searched, %zu hold its sets", e->pattern,
                      ngot, at);
        *searched += ngot;
        pcre2_match_data_free(md);
    }
}

START_TEST(regex_sentences_hold_every_set)
{
    static const char *en[] = {
        "The government lifted the remaining sanctions on the country. They will ease "
        "restrictions and end the curfew next week. The spending on defence will end up "
        "higher; sanctions remain. Both sides agreed to end the war and release all prisoners. "
        "The rebels released the detained journalists on Friday. The hostages were finally "
        "released after talks. He accused them of playing the race card again. The display of "
        "the card was a player's trick. Washington suspended military aid and froze contacts.",
        "They rejected the latest peace proposals outright. The ministry refused to meet the "
        "envoy. We must hold those responsible accountable for this. Moscow withdrew from the "
        "arms control treaty. The troops will withdraw from the border region. Should Russia "
        "attack, we will respond. They may retaliate if provoked. In May they met. The "
        "government closed the consulate general in Houston. They fired missiles at the city "
        "overnight. It was the first time. Both leaders spoke by phone on Tuesday.",
        "The country re-established diplomatic relations with its neighbour. It was a "
        "premeditated, unprovoked and unjustified attack. They vowed to retaliate. The "
        "ceasefire was violated repeatedly. We will help them to defend themselves. They "
        "were allowed into the country to work. Forces forced them out. They staged "
        "protests. Everybody should respect the sovereignty of others. She was granted "
        "asylum. The soldiers laid down their arms.",
    };
    static const char *zh[] = {
        "美方必将对任何挑衅予以坚决回击。双方同意避免局势进一步升级。我们坚决反对美方对中方实施"
        "单边制裁。中方愿同各方一道，通过对话协商解决分歧。对话的大门始终敞开。由此产生的一切后果"
        "由美方承担。中方保留采取进一步措施的权利。我们将采取坚决的反制措施。不要低估中国人民的"
        "坚强决心。美国应当停止挑衅。",
    };
    spiral_lexicon *lex;
    spiral_dict *dict;
    spiral_session *s;
    spiral_error err;
    static char longtext[16384];
    size_t i, o = 0, searched = 0, matched = 0;

    ck_assert_int_eq(spiral_dict_load(&dict, TEST_DICT, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_load(&lex, "lexicons", &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_session_new(&s, dict, lex, NULL, &err), SPIRAL_OK);
    for (i = 0; i < sizeof en / sizeof *en; i++)
        check_regex_sentences(s, lex, en[i], "en", &searched, &matched);
    for (i = 0; i < sizeof zh / sizeof *zh; i++)
        check_regex_sentences(s, lex, zh[i], "zh", &searched, &matched);
    /* A sentence cut at its 1,024th token, inside "territorial integrity"
     * (a first-set literal of the "respect" entry): the sentence after
     * holds it, as it holds "respect". */
    for (i = 0; i < 1023; i++)
        o += (size_t)snprintf(longtext + o, sizeof longtext - o, "%s ", i % 2 ? "a" : "b");
    snprintf(longtext + o, sizeof longtext - o, "territorial integrity we respect.");
    check_regex_sentences(s, lex, longtext, "en", &searched, &matched);
    {
        const spiral_doc *doc;
        size_t len;
        const char *t;

        ck_assert_int_eq(spiral_session_analyze(s, longtext, strlen(longtext), "en", &doc, &err),
                         SPIRAL_OK);
        t = spiral_doc_norm(doc, &len);
        ck_assert_uint_eq(doc->tk.nsent, 2);
        ck_assert_int_eq(memcmp(t + doc->sent_end[0] - strlen("territorial"), "territorial", 11),
                         0);
    }
    /* the sentences do match (so the checks have teeth) */
    ck_assert_uint_ge(matched, 30);
    ck_assert_uint_ge(searched, matched + 10);
    spiral_session_free(s);
    spiral_lexicon_free(lex);
    spiral_dict_free(dict);
}
END_TEST

/* Walks go from Latin tokens to Latin tokens by words and byte by byte
 * wherever a Han token is next to them (no separator there), and both
 * kinds meet in one pattern: a Latin token before a Han one, Latin tokens
 * after a Han one, a wildcard inside a phrase. */
START_TEST(walks_across_latin_and_han_tokens)
{
    static const char extra[] = "g20峰会\tthreat.warning\t1\n"
                                "峰会 summit talks\treassurance.dialogue\t2\n"
                                "nuclear* talks\treassurance.dialogue\t2\n"
                                "联合国 security council\tthreat.demand\t1.5\n";
    static const char *texts[][3] = {
        { "G20峰会召开。峰会 summit talks 开始。联合国 security council 开会。", "zh",
          "g20峰会@0-9 峰会 summit talks@18-37 联合国 security council@47-73 " },
        { "The nuclear talks and nuclearization talks resumed; nuclear, talks.", "en",
          "nuclear* talks@4-17 nuclear* talks@22-42 " },
        { "Summit talks 峰会 summit 联合国 security.", "en", "" },
    };
    const char *path = test_tmpfile(extra, sizeof extra - 1, ".tsv", 0);
    spiral_lexicon *lex;
    spiral_dict *dict;
    spiral_session *s;
    spiral_error err;
    size_t t;

    ck_assert_int_eq(spiral_dict_load(&dict, TEST_DICT, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_new(&lex, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_add_dir(lex, "tests/data/lex", &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_add_file(lex, path, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_seal(lex, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_session_new(&s, dict, lex, NULL, &err), SPIRAL_OK);
    for (t = 0; t < sizeof texts / sizeof *texts; t++) {
        const spiral_doc *doc;
        const spiral_hit *h;
        char buf[512];
        size_t n, i, o = 0;

        ck_assert_int_eq(spiral_session_analyze(s, texts[t][0], strlen(texts[t][0]), texts[t][1],
                                                &doc, &err),
                         SPIRAL_OK);
        buf[0] = '\0';
        for (h = spiral_doc_hits(doc, &n), i = 0; i < n; i++)
            if (h[i].family != SPIRAL_NONE && strstr(extra, h[i].pattern) != NULL)
                o += (size_t)snprintf(buf + o, sizeof buf - o, "%s@%u-%u ", h[i].pattern,
                                      h[i].start, h[i].end);
        ck_assert_str_eq(buf, texts[t][2]);
    }
    spiral_session_free(s);
    spiral_lexicon_free(lex);
    spiral_dict_free(dict);
}
END_TEST

/* A session remembers the words of the tokens it met (a cache of a few
 * thousand, by hash): over many more distinct words than it holds (the
 * lexicon's own words, some with an ending), each text gets what a
 * session that has not seen the others finds. */
START_TEST(remembered_words_are_the_words)
{
    static const char *ends[] = { "", "", "", "s", "ed", "ing", "x" };
    spiral_lexicon *lex;
    spiral_dict *dict;
    spiral_session *warm, *fresh;
    spiral_error err;
    static char text[4096], a[16384], b[16384];
    size_t k, round, with_hits = 0, nword = 0;
    static uint32_t word[20000];
    uint32_t seed = 11;

    ck_assert_int_eq(spiral_dict_load(&dict, TEST_DICT, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_load(&lex, "lexicons", &err), SPIRAL_OK);
    /* the words of plain letters */
    for (k = 0; k < lex->nvoc && nword < 20000; k++) {
        const spiral_word *wd = &lex->words[k];
        size_t i;

        for (i = 0; i < wd->len && lex->voc_text[wd->off + i] >= 'a' &&
                    lex->voc_text[wd->off + i] <= 'z';
             i++)
            ;
        if (i == wd->len && wd->len <= 14)
            word[nword++] = (uint32_t)k;
    }
    ck_assert_uint_gt(nword, 2500);
    ck_assert_int_eq(spiral_session_new(&warm, dict, lex, NULL, &err), SPIRAL_OK);
    for (round = 0; round < 300; round++) {
        size_t o = 0;

        for (k = 0; k < 60; k++) {
            const spiral_word *wd;

            seed = seed * 1103515245u + 12345u;
            wd = &lex->words[word[(seed >> 8) % nword]];
            o += (size_t)snprintf(text + o, sizeof text - o, "%.*s%s ", (int)wd->len,
                                  lex->voc_text + wd->off, ends[(seed >> 26) % 7]);
        }
        describe(warm, text, a, sizeof a);
        ck_assert_int_eq(spiral_session_new(&fresh, dict, lex, NULL, &err), SPIRAL_OK);
        ck_assert_str_eq(a, describe(fresh, text, b, sizeof b));
        spiral_session_free(fresh);
        with_hits += a[0] != '\0';
    }
    ck_assert_uint_gt(with_hits, 250);
    {
        /* a token that shares the slot, the length and the first 8 bytes
         * of a word, after the word */
        const char *known = "brinkmanship";
        uint64_t h = spiral_word_hash((const unsigned char *)known, strlen(known), 0);
        char other[16];
        unsigned i;

        for (i = 0; i < 26 * 26 * 26; i++) {
            snprintf(other, sizeof other, "brinkman%c%c%c%c", 'a' + i % 26, 'a' + i / 26 % 26,
                     'a' + i / 676, 'p');
            if (strcmp(other, known) != 0 &&
                spiral_word_hash((const unsigned char *)other, strlen(other), 0) %
                        SPIRAL_WORD_CACHE ==
                    h % SPIRAL_WORD_CACHE)
                break;
        }
        ck_assert_uint_lt(i, 26 * 26 * 26);
        describe(warm, "A brinkmanship.", a, sizeof a);
        ck_assert_ptr_nonnull(strstr(a, "brinkmanship"));
        snprintf(text, sizeof text, "A %s.", other);
        describe(warm, text, a, sizeof a);
        ck_assert_str_eq(a, "");
    }
    spiral_session_free(warm);
    spiral_lexicon_free(lex);
    spiral_dict_free(dict);
}
END_TEST

/* Words of every length a word-cache key holds and longer, each an
 * entry, are found wherever they stand (the text's last bytes too), and
 * a token one byte longer, or different in its last byte, is not; a
 * session that has met them finds the same. */
START_TEST(words_of_every_length_are_found)
{
    static const char letters[] = "qwertyuiopasdfghjklzxcvb";
    static char extra[2048], text[4096], want[4096], a[8192];
    spiral_lexicon *lex;
    spiral_dict *dict;
    spiral_session *s;
    spiral_error err;
    size_t len, o = 0, to = 0, wo = 0, round;
    const char *path;

    for (len = 1; len < sizeof letters; len++)
        o += (size_t)snprintf(extra + o, sizeof extra - o, "%.*s\tthreat.force\t1\n", (int)len,
                              letters);
    path = test_tmpfile(extra, o, ".tsv", 0);
    for (len = 2; len < sizeof letters; len++) {
        /* the word, then near misses */
        wo += (size_t)snprintf(want + wo, sizeof want - wo, "%.*s@%zu-%zu ", (int)len, letters,
                               to, to + len);
        to += (size_t)snprintf(text + to, sizeof text - to, "%.*s %.*sm, %.*sm. ", (int)len,
                               letters, (int)len - 1, letters, (int)len, letters);
    }
    ck_assert_int_eq(spiral_dict_load(&dict, TEST_DICT, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_new(&lex, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_add_file(lex, path, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_seal(lex, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_session_new(&s, dict, lex, NULL, &err), SPIRAL_OK);
    for (round = 0; round < 2; round++) {
        ck_assert_str_eq(describe(s, text, a, sizeof a), want);
        /* each word alone, as the text's last bytes */
        for (len = 1; len < sizeof letters; len++) {
            char one[32], hit[64];

            snprintf(one, sizeof one, "%.*s", (int)len, letters);
            snprintf(hit, sizeof hit, "%s@0-%zu ", one, len);
            ck_assert_str_eq(describe(s, one, a, sizeof a), hit);
            one[len - 1] = 'm';
            ck_assert_str_eq(describe(s, one, a, sizeof a), "");
        }
    }
    spiral_session_free(s);
    spiral_lexicon_free(lex);
    spiral_dict_free(dict);
}
END_TEST

Suite *match_suite(void)
{
    Suite *s = suite_create("match");
    TCase *tc = tcase_create("core");

    tcase_add_unchecked_fixture(tc, NULL, test_teardown);
    tcase_add_test(tc, phrases_and_longest_match);
    tcase_add_test(tc, wildcards);
    tcase_add_test(tc, regular_expressions);
    tcase_add_test(tc, chinese_word_boundaries);
    tcase_add_test(tc, traditional_and_full_width_input);
    tcase_add_test(tc, offsets_point_into_original);
    tcase_add_test(tc, remembered_walks_replay_the_walk);
    tcase_add_test(tc, tokens_start_the_walks_their_words_start);
    tcase_add_test(tc, long_texts_match_as_their_sentences_do);
    tcase_add_test(tc, regex_sentences_hold_every_set);
    tcase_add_test(tc, walks_across_latin_and_han_tokens);
    tcase_add_test(tc, remembered_words_are_the_words);
    tcase_add_test(tc, regexes_match_the_same_once_compiled);
    tcase_add_test(tc, memo_grows_and_replays_the_walk);
    tcase_add_test(tc, words_of_every_length_are_found);
    suite_add_tcase(s, tc);
    return s;
}
