/*
 * spiral.h - measuring threat and reassurance in diplomatic statements.
 *
 * The one public header of libspiral.  The pipeline is
 *
 *     ingest -> normalise -> segment -> match -> score -> emit
 *
 * and the objects follow it:
 *
 *   spiral_reader   reads statements (JSON Lines, plain lines, whole documents)
 *                   from a file or stdin, one record at a time.
 *   spiral_dict     the Chinese segmentation dictionary.  Read-only after load:
 *                   share one across threads.
 *   spiral_lexicon  threat, reassurance and modifier entries.  Read-only after
 *                   load: share one across threads.
 *   spiral_session  per-thread working state (scratch buffers, regex match
 *                   data, the OpenCC converter).  One per thread.
 *   spiral_doc      the analysis of one statement, owned by its session and
 *                   valid until the next spiral_session_analyze() call on it.
 *
 * Conventions: fallible functions return SPIRAL_OK (0) or a negative
 * spiral_status and, when given a spiral_error, fill it with the place and a
 * message.  Every *_free() accepts NULL.  The library keeps no global mutable
 * state, never prints and never exits.
 */
#ifndef SPIRAL_H
#define SPIRAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SPIRAL_VERSION_MAJOR 0
#define SPIRAL_VERSION_MINOR 1
#define SPIRAL_VERSION_PATCH 0
#define SPIRAL_VERSION "0.1.0"

/* The version of the library actually linked, e.g. "0.1.0". */
const char *spiral_version(void);

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

typedef enum spiral_status {
    SPIRAL_OK = 0,
    SPIRAL_ENOMEM = -1,    /* allocation failed */
    SPIRAL_EIO = -2,       /* a file could not be opened or read */
    SPIRAL_EPARSE = -3,    /* lexicon or input syntax: see line, column */
    SPIRAL_EENCODING = -4, /* invalid UTF-8 */
    SPIRAL_EINVAL = -5,    /* invalid argument or field */
    SPIRAL_ELIMIT = -6     /* a configured size limit was exceeded */
} spiral_status;

typedef struct spiral_error {
    int code;             /* a spiral_status */
    char file[256];       /* path, "<stdin>" or "" */
    unsigned long line;   /* 1-based line (JSONL: the record's line); 0 = n/a */
    unsigned long column; /* 1-based, in bytes of the line; 0 = n/a */
    size_t offset;        /* byte offset in the source, when known */
    char message[256];
} spiral_error;

/* A static, human-readable string for a spiral_status. */
const char *spiral_strerror(int code);

/* ------------------------------------------------------------------ */
/* Reading statements                                                  */
/* ------------------------------------------------------------------ */

typedef enum spiral_format {
    SPIRAL_FORMAT_AUTO = 0, /* from the extension, else from the content */
    SPIRAL_FORMAT_JSONL,    /* one JSON object a line */
    SPIRAL_FORMAT_LINES,    /* one statement a line of plain text */
    SPIRAL_FORMAT_DOC,      /* the whole file is one statement */
    SPIRAL_FORMAT_HTML,     /* a web page: its main text is one statement */
    SPIRAL_FORMAT_FEED,     /* RSS 2.0 or Atom 1.0: one statement per item/entry */
    SPIRAL_FORMAT_CSV       /* CSV/TSV with a header: one statement per row */
} spiral_format;

/* What to do with bytes that are not valid UTF-8. */
typedef enum spiral_utf8_policy {
    SPIRAL_UTF8_REJECT = 0, /* the record is rejected with an error naming the byte */
    SPIRAL_UTF8_REPLACE     /* each bad sequence becomes U+FFFD and is counted */
} spiral_utf8_policy;

typedef struct spiral_read_opts {
    spiral_format format;
    spiral_utf8_policy invalid_utf8;
    size_t max_record_bytes; /* a longer record is rejected (SPIRAL_ELIMIT) */
    size_t max_doc_bytes;    /* a larger HTML/XML/CSV document is rejected (SPIRAL_ELIMIT) */
    /* CSV/TSV columns, by header name (NULL: id/date/actor absent; text: "text") */
    const char *text_column, *id_column, *date_column, *actor_column;
    char csv_delimiter;      /* 0: ',' for .csv and content, '\t' for .tsv */
} spiral_read_opts;

#define SPIRAL_READ_OPTS_INIT \
    { SPIRAL_FORMAT_AUTO, SPIRAL_UTF8_REJECT, (size_t)64 << 20, (size_t)64 << 20, \
      NULL, NULL, NULL, NULL, 0 }

/* One statement.  Strings are NUL-terminated UTF-8 and NULL when the field
 * was absent; all are borrowed from the reader and valid until the next
 * spiral_reader_next() call or spiral_reader_free(). */
typedef struct spiral_record {
    const char *id;        /* the record's id, or "FILE:LINE" when it had none */
    const char *date, *actor, *target, *lang, *title, *source;
    const char *text;      /* the statement; may contain NUL only if the input did */
    size_t text_len;
    const char *meta_json; /* unknown JSONL fields as a JSON object, or NULL */
    const char *file;      /* the path as given, "<stdin>" for "-" */
    unsigned long line;    /* line where the record starts (1-based) */
    size_t replaced;       /* invalid UTF-8 sequences replaced (SPIRAL_UTF8_REPLACE) */
} spiral_record;

typedef struct spiral_reader spiral_reader;

/* Open path ("-" for standard input) for reading records.  opts may be NULL
 * for the defaults.  On success the caller owns *out; on failure *out is NULL
 * and err says why (SPIRAL_EIO for a missing or unreadable file). */
int spiral_reader_open(spiral_reader **out, const char *path,
                       const spiral_read_opts *opts, spiral_error *err);

/* Read the next record.  Returns 1 and sets *out when a record was read,
 * 0 at the end of the input, or a negative spiral_status when this record is
 * bad (err names the file and line): the caller may call again to go on with
 * the next record, except after SPIRAL_EIO, which ends the input. */
int spiral_reader_next(spiral_reader *r, const spiral_record **out, spiral_error *err);

/* The format being read (after detection), for messages. */
spiral_format spiral_reader_format(const spiral_reader *r);
const char *spiral_format_name(spiral_format f);

/* Blank lines skipped so far: they are not records, but a summary shows them. */
unsigned long spiral_reader_blank_lines(const spiral_reader *r);

void spiral_reader_free(spiral_reader *r);

/* ------------------------------------------------------------------ */
/* Shared resources                                                    */
/* ------------------------------------------------------------------ */

typedef struct spiral_dict spiral_dict;

/* Load the Chinese segmentation dictionary: a text file of lines
 * "word freq [tag]" (the jieba dict.txt format) or a compiled form.  The
 * dictionary is read-only once loaded and may be shared by any number of
 * sessions on any threads.  Caller owns *out. */
int spiral_dict_load(spiral_dict **out, const char *path, spiral_error *err);
size_t spiral_dict_size(const spiral_dict *dict);
void spiral_dict_free(spiral_dict *dict);

typedef struct spiral_lexicon spiral_lexicon;

/* Called for each problem found by spiral_lexicon_check() (and other
 * functions that go on after an error). */
typedef void (*spiral_error_fn)(const spiral_error *err, void *payload);

/* Load every *.tsv under dir/en and dir/zh (lexicons/README.md gives the
 * format).  A missing subdirectory is skipped.  Read-only once loaded:
 * share across threads.  Caller owns *out.  The first bad line stops the
 * load with SPIRAL_EPARSE (or SPIRAL_EENCODING, SPIRAL_EIO) and err naming
 * file, line and column. */
int spiral_lexicon_load(spiral_lexicon **out, const char *dir, spiral_error *err);

/* Building a lexicon from several sources: new, then any number of
 * add_dir/add_file calls (a later entry with the same pattern replaces an
 * earlier one: that is how --extra-lexicon overrides), then seal.  Only a
 * sealed lexicon may be given to a session; after sealing nothing can be
 * added.  Not thread-safe until sealed. */
int spiral_lexicon_new(spiral_lexicon **out, spiral_error *err);
int spiral_lexicon_add_dir(spiral_lexicon *lex, const char *dir, spiral_error *err);
int spiral_lexicon_add_file(spiral_lexicon *lex, const char *path, spiral_error *err);
int spiral_lexicon_seal(spiral_lexicon *lex, spiral_error *err);
void spiral_lexicon_free(spiral_lexicon *lex);

/* Validate a lexicon file or directory, calling fn for every problem (bad
 * field, unknown category, bad weight or flag, bad regular expression with
 * PCRE2's message and column, duplicate pattern with a conflicting entry).
 * Returns the number of problems (0: valid) or SPIRAL_ENOMEM. */
int spiral_lexicon_check(const char *path, spiral_error_fn fn, void *payload);

typedef struct spiral_entry_info {
    const char *pattern;   /* as written */
    const char *category;  /* "threat.warning" ... */
    const char *file;      /* "en/threat.tsv" (relative to the lexicon directory) or as given */
    unsigned long line;
    double weight;
    const char *lang;      /* "zh" if the pattern has Han characters, else "en" */
    int is_regex;
} spiral_entry_info;

/* Entries, for statistics and listings.  Borrowed until the lexicon is freed. */
size_t spiral_lexicon_size(const spiral_lexicon *lex);
int spiral_lexicon_entry(const spiral_lexicon *lex, size_t i, spiral_entry_info *out);

/* ------------------------------------------------------------------ */
/* Analysis                                                            */
/* ------------------------------------------------------------------ */

typedef enum spiral_token_kind {
    SPIRAL_TOK_WORD = 1,  /* Latin-script word, contraction part, acronym */
    SPIRAL_TOK_HAN,       /* Chinese word */
    SPIRAL_TOK_NUMBER,    /* digits, decimals, 1,000, 5G-like mixes go to WORD */
    SPIRAL_TOK_PUNCT,     /* punctuation */
    SPIRAL_TOK_SYMBOL,    /* symbols, emoji, other scripts' signs */
    SPIRAL_TOK_OTHER      /* letters of other scripts (Cyrillic, kana ...) */
} spiral_token_kind;

/* A token is a span: start/end are byte offsets into the ORIGINAL text
 * passed to spiral_session_analyze(); norm_start/norm_end into the
 * normalised text (spiral_doc_norm()). */
typedef struct spiral_token {
    uint32_t start, end;
    uint32_t norm_start, norm_end;
    uint32_t kind;
} spiral_token;

typedef struct spiral_sentence {
    uint32_t start, end;             /* bytes in the original text */
    uint32_t first_token, ntokens;   /* into spiral_doc_tokens() */
} spiral_sentence;

typedef struct spiral_session_opts {
    size_t max_tokens;           /* per statement; more is SPIRAL_ELIMIT */
    uint32_t regex_match_limit;  /* PCRE2 match limit per regex entry and sentence */
    uint32_t regex_depth_limit;  /* PCRE2 depth (backtracking memory) limit */
} spiral_session_opts;

#define SPIRAL_SESSION_OPTS_INIT { (size_t)4 << 20, 1000000u, 10000u }

typedef struct spiral_session spiral_session;
typedef struct spiral_doc spiral_doc;

/* Create a session using dict (may be NULL: Chinese is then split into
 * single characters) and lex (may be NULL: nothing is scored).  Both must
 * outlive the session.  opts may be NULL.  A session is used by one thread
 * at a time.  Caller owns *out. */
int spiral_session_new(spiral_session **out, const spiral_dict *dict,
                       const spiral_lexicon *lex, const spiral_session_opts *opts,
                       spiral_error *err);
void spiral_session_free(spiral_session *s);

/* Normalise, segment and (when the session has a lexicon) score one
 * statement.  lang is "en", "zh", or NULL/"" to detect it from the script
 * mix.  text need not be NUL-terminated.  On success *out is the analysis,
 * owned by the session and valid until the next call or spiral_session_free().
 * Invalid UTF-8 is SPIRAL_EENCODING with err->offset at the first bad byte
 * (readers with SPIRAL_UTF8_REPLACE never pass it on). */
int spiral_session_analyze(spiral_session *s, const char *text, size_t len,
                           const char *lang, const spiral_doc **out,
                           spiral_error *err);

/* "en" or "zh" (given or detected); "und" when there is no text to tell. */
const char *spiral_doc_lang(const spiral_doc *doc);
/* The original text and the normalised text (NUL-terminated, borrowed). */
const char *spiral_doc_text(const spiral_doc *doc, size_t *len);
const char *spiral_doc_norm(const spiral_doc *doc, size_t *len);
const spiral_token *spiral_doc_tokens(const spiral_doc *doc, size_t *n);
const spiral_sentence *spiral_doc_sentences(const spiral_doc *doc, size_t *n);
/* Name of a token kind: "word", "han", "number", "punct", "symbol", "other". */
const char *spiral_token_kind_name(uint32_t kind);

/* ------------------------------------------------------------------ */
/* Scores                                                              */
/* ------------------------------------------------------------------ */

/* Rules applied to a hit (spiral_hit.rules). */
#define SPIRAL_RULE_NEGATED     0x01u /* a negator (or a non-threat pledge) governs it */
#define SPIRAL_RULE_INTENSIFIED 0x02u /* firmly, strongly, 坚决, 强烈 ... */
#define SPIRAL_RULE_DOWNTONED   0x04u /* somewhat, slightly, 有些 ... */
#define SPIRAL_RULE_HEDGED      0x08u /* may, could, 可能, 或许 ... */
#define SPIRAL_RULE_CERTAIN     0x10u /* will, must, 将, 必将 ... */
#define SPIRAL_RULE_CONDITIONAL 0x20u /* if, unless, 如果, 一旦, 否则 ... */
#define SPIRAL_RULE_QUESTION    0x40u /* in a genuine question */
#define SPIRAL_RULE_RHETORICAL  0x80u /* in a rhetorical question: negation ignored */

typedef enum spiral_family_code {
    SPIRAL_NONE = 0,        /* scores nothing (e.g. negated to nothing) */
    SPIRAL_THREAT = 1,
    SPIRAL_REASSURANCE = 2,
    SPIRAL_MODIFIER = 3
} spiral_family_code;

#define SPIRAL_HIT_MAX_MODS 6

/* One lexicon match.  Strings are borrowed from the lexicon. */
typedef struct spiral_hit {
    uint32_t start, end;             /* bytes in the original text */
    uint32_t first_token, ntokens;
    uint32_t sentence;               /* index into spiral_doc_sentences() */
    int family;                      /* spiral_family_code, after negation */
    const char *category;            /* after negation ("reassurance.nonthreat") */
    const char *entry_category;      /* the entry's own category */
    const char *pattern;             /* the entry's pattern */
    const char *entry_file;          /* "en/threat.tsv" */
    unsigned long entry_line;
    size_t entry_index;              /* for spiral_lexicon_entry() */
    double weight;                   /* the entry's weight */
    double score;                    /* what it adds to threat or reassurance */
    unsigned rules;                  /* SPIRAL_RULE_* */
    uint32_t mods[SPIRAL_HIT_MAX_MODS]; /* indices into spiral_doc_modifiers() */
    uint32_t nmods;
    const char *target;              /* actor code, "UNRESOLVED", or NULL (none) */
    int portrayal;                   /* SPIRAL_PORTRAY_* */
} spiral_hit;

typedef struct spiral_scores {
    double threat;        /* >= 0: sum over sentences (see README: Scores) */
    double reassurance;   /* >= 0 */
    double net;           /* reassurance - threat */
    double tone;          /* 10 * (R - T) / (R + T + 2), in (-10, +10) */
    const char *label;    /* "threat", "reassurance", "mixed" or "neutral" */
} spiral_scores;

/* Scoring hits (threat, reassurance, and negated ones), in text order, and
 * the modifier hits they refer to.  Empty without a lexicon. */
const spiral_hit *spiral_doc_hits(const spiral_doc *doc, size_t *n);
const spiral_hit *spiral_doc_modifiers(const spiral_doc *doc, size_t *n);
/* Scores of the statement, or of sentence i. */
void spiral_doc_scores(const spiral_doc *doc, spiral_scores *out);
int spiral_doc_sentence_scores(const spiral_doc *doc, size_t i, spiral_scores *out);
/* Name of a rule bit: "negated", "intensified" ... */
const char *spiral_rule_name(unsigned rule);

/* ------------------------------------------------------------------ */
/* Output                                                              */
/* ------------------------------------------------------------------ */

/* Write the `tokens` JSON object of one statement (one line, ending in a
 * newline) to f.  Returns SPIRAL_OK or SPIRAL_EIO. */
int spiral_write_tokens_json(FILE *f, const spiral_record *rec, const spiral_doc *doc);

/* Flags for spiral_write_score_json(). */
#define SPIRAL_EMIT_HITS      0x01u /* the "hits" array */
#define SPIRAL_EMIT_SENTENCES 0x02u /* per-sentence scores and hits */

/* Write the `score` JSON object of one statement (one line). */
int spiral_write_score_json(FILE *f, const spiral_record *rec, const spiral_doc *doc,
                            unsigned flags);

/* ------------------------------------------------------------------ */
/* Actors (speaker, targets, self versus other)                        */
/* ------------------------------------------------------------------ */

/* Actor aliases (lexicons/actors.tsv, lexicons/referents.tsv, loaded by
 * spiral_lexicon_load/add_dir from the lexicon directory) map names, short
 * forms, capitals, ministries and office-holders (for their terms) to codes:
 * ISO 3166 alpha-3 or organisations (NATO, EU, UN ...).  Special codes:
 * SELF (first person: resolved to the speaker), UNRESOLVED (unnamed
 * referents such as 个别国家), NONE (South China Sea: no actor).
 * add_actors reads one more file in that format (before sealing). */
int spiral_lexicon_add_actors(spiral_lexicon *lex, const char *path, spiral_error *err);

/* What the analysis knows about a statement besides its text.  All fields
 * may be NULL. */
typedef struct spiral_context {
    const char *lang;     /* "en", "zh", or NULL to detect */
    const char *date;     /* ISO date: which office-holders' aliases apply */
    const char *actor;    /* the record's actor, e.g. "CHN-MFA:Hua Chunying" */
    const char *speaker;  /* an actor code that overrides `actor` (--actor) */
    const char *target;   /* the record's target, used when a hit names none */
} spiral_context;

#define SPIRAL_CONTEXT_INIT { NULL, NULL, NULL, NULL, NULL }

/* spiral_session_analyze() with the record's context: speaker, targets and
 * self/other portrayal are resolved as README.md (Actors) describes. */
int spiral_session_analyze_ctx(spiral_session *s, const char *text, size_t len,
                               const spiral_context *ctx, const spiral_doc **out,
                               spiral_error *err);

/* Portrayal of a hit (spiral_hit.portrayal). */
#define SPIRAL_PORTRAY_NONE  0
#define SPIRAL_PORTRAY_SELF  1  /* the speaker portraying itself */
#define SPIRAL_PORTRAY_OTHER 2  /* the speaker portraying another actor */

/* An actor mentioned in the text. */
typedef struct spiral_mention {
    uint32_t start, end;          /* bytes in the original text */
    uint32_t first_token, ntokens, sentence;
    const char *code;             /* as resolved: SELF becomes the speaker when known */
    const char *alias_code;       /* the alias's own code (SELF, UNRESOLVED, USA ...) */
    const char *kind;             /* state, short, capital, leader, self, unnamed ... */
    const char *alias;            /* the alias as written in the actor lexicon */
} spiral_mention;

/* How a statement's signals divide among their targets. */
typedef struct spiral_target_share {
    const char *target;           /* an actor code or "UNRESOLVED" */
    double threat, reassurance;   /* sums of hit scores aimed at it */
    unsigned hits;
} spiral_target_share;

/* The speaker's code, or NULL when unknown.  Borrowed from the lexicon. */
const char *spiral_doc_speaker(const spiral_doc *doc);
const spiral_mention *spiral_doc_mentions(const spiral_doc *doc, size_t *n);
/* Targets in code order. */
const spiral_target_share *spiral_doc_targets(const spiral_doc *doc, size_t *n);
/* "self", "other" or NULL. */
const char *spiral_portrayal_name(int portrayal);

/* ------------------------------------------------------------------ */
/* Tracking over time (dyads, spiral metrics, store, report)           */
/* ------------------------------------------------------------------ */

/* (section reserved: tracking, issue 6) */

#ifdef __cplusplus
}
#endif

#endif
