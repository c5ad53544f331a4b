/*
 * spiral.h - measuring threat and reassurance in diplomatic statements.
 *
 * The one public header of libspiral.  The pipeline is
 *
 *     ingest -> normalise -> segment -> match -> score -> emit
 *
 * and the objects follow it:
 *
 *   spiral_reader   reads statements (JSON Lines, plain lines, whole documents,
 *                   HTML pages, RSS/Atom feeds, CSV/TSV) from a file or
 *                   stdin, one record at a time.
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
 *
 * Errors: every spiral_error * parameter may be NULL (the details are then
 * dropped, the return value still tells); when given, it is filled when the
 * call fails (its content after a success is unspecified): err.code is the
 * status returned, file, line and column say where, message says what.
 *
 * Ownership: an object made through an `out` parameter by *_new(),
 * *_load() or *_open() belongs to the caller, who releases it with the
 * matching *_free(); on failure *out is NULL.  Everything else a function
 * returns (const char *, const spiral_hit * ...) is borrowed from the
 * object it came from and valid while that object lives, or until the call
 * its comment names; never free it.  Strings passed in are copied when kept,
 * except where a comment says they must outlive an object (the dictionary
 * and lexicon of a session, the column names in spiral_read_opts).  A
 * FILE * passed in stays the caller's: it is written, never closed.
 *
 * Threads: the library has no mutable global state, so different objects
 * may be used on different threads at the same time.  A spiral_dict and a
 * sealed spiral_lexicon are only read after loading and may be shared by any
 * number of sessions and threads.  Every other object (reader, session and
 * its docs, statement parser, compare, tracker, store) is used by one thread
 * at a time; a finished tracker is only read and may be shared.  Functions
 * that take no object (spiral_version, spiral_strerror, the *_name
 * functions, spiral_text_fingerprint, spiral_speaker_code, the
 * spiral_period_* functions, spiral_lexicon_check) are thread-safe.  A
 * program that reads HTML or feeds on several threads calls
 * spiral_global_init() first.
 *
 * The spiral(3) manual page is a guide to this API; spiral(1) documents
 * the program built on it and spiral-lexicon(5) the lexicon files.
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

/* The version of the library actually linked, e.g. "0.1.0" (compare it
 * with SPIRAL_VERSION, the header compiled against).  A static string.
 * Thread-safe. */
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

/* A static, human-readable string for a spiral_status ("out of memory" ...;
 * "unknown error" for any other number).  Never NULL.  Thread-safe. */
const char *spiral_strerror(int code);

/* Called for each problem found by spiral_lexicon_check(), for each warning
 * of a reader (recovered markup, an entity not loaded ...), and by other
 * functions that go on after an error.  err is borrowed for the duration of
 * the call (copy what you keep); payload is what the caller registered.
 * Called on the thread that made the call that found the problem. */
typedef void (*spiral_error_fn)(const spiral_error *err, void *payload);

/* ------------------------------------------------------------------ */
/* Process-wide set-up                                                 */
/* ------------------------------------------------------------------ */

/* Prepare the libraries spiral uses for threads: calls libxml2's
 * xmlInitParser() and makes libxml2 refuse every external entity or DTD a
 * spiral reader's parse might ask for (other users of libxml2 in the
 * process are not affected).  Call once from the main thread before any
 * other thread uses spiral; later calls do nothing.  Readers work without
 * it on a single thread.  Returns SPIRAL_OK. */
int spiral_global_init(void);
/* Undo spiral_global_init() (xmlCleanupParser()): call once, after every
 * thread is done with spiral and libxml2.  A no-op without an init. */
void spiral_global_cleanup(void);

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
    /* Warnings that do not stop a record (markup recovered, an external
     * entity or DTD not loaded, an unknown charset or date): called with
     * file, line and column, on the reader's thread.  NULL: not reported. */
    spiral_error_fn warn;
    void *warn_payload;
    /* JSON Lines only: give each record's line unparsed (the record's text
     * is the line, `deferred` is set, id and the other fields are NULL), to
     * be parsed by spiral_parser_parse(), for instance on another thread.
     * Line limits, blank lines and the binary-file test still apply. */
    int defer_jsonl;
} spiral_read_opts;

#define SPIRAL_READ_OPTS_INIT \
    { SPIRAL_FORMAT_AUTO, SPIRAL_UTF8_REJECT, (size_t)64 << 20, (size_t)64 << 20, \
      NULL, NULL, NULL, NULL, 0, NULL, NULL, 0 }

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
    const char *link;      /* HTML: the canonical URL; feeds: the item's link */
    const char *author;    /* HTML: meta author or 作者:; feeds: author/dc:creator */
    /* Set by a caller that merges duplicates (the reader leaves it 0): how
     * many times the statement's normalised text occurred; the writers
     * emit "copies" when it is above 1. */
    unsigned long copies;
    int deferred;          /* an unparsed JSON Lines line (spiral_read_opts.defer_jsonl) */
} spiral_record;

typedef struct spiral_reader spiral_reader;

/* Open path ("-" for standard input) for reading records.  opts may be NULL
 * for the defaults; it is copied, but the strings and the warn callback it
 * points to must outlive the reader.  On success the caller owns *out (free
 * it with spiral_reader_free()); on failure *out is NULL and err says why
 * (SPIRAL_EIO for a missing or unreadable file, SPIRAL_ENOMEM; a document
 * over max_doc_bytes is reported by spiral_reader_next()).  The format is
 * detected here, from the first bytes when need be.  A reader is used by one
 * thread at a time; readers of different files may run on different threads
 * (HTML and feeds: after spiral_global_init()). */
int spiral_reader_open(spiral_reader **out, const char *path,
                       const spiral_read_opts *opts, spiral_error *err);

/* Read the next record.  Returns 1 and sets *out when a record was read,
 * 0 at the end of the input, or a negative spiral_status when this record is
 * bad (err names the file and line): the caller may call again to go on with
 * the next record, except after SPIRAL_EIO, which ends the input.  *out and
 * every string in it are borrowed from r until the next call on r or
 * spiral_reader_free(). */
int spiral_reader_next(spiral_reader *r, const spiral_record **out, spiral_error *err);

/* The format being read (after detection), for messages. */
spiral_format spiral_reader_format(const spiral_reader *r);
/* "jsonl", "lines", "doc", "html", "feed", "csv", or "auto" for any other
 * value.  A static string.  Thread-safe. */
const char *spiral_format_name(spiral_format f);

/* Blank lines skipped so far: they are not records, but a summary shows them. */
unsigned long spiral_reader_blank_lines(const spiral_reader *r);

/* A 64-bit fingerprint of a statement's normalised text (NFKC, case
 * folded, white space collapsed and trimmed), for finding duplicates:
 * texts that differ only in width, case or spacing get the same value.
 * Returns SPIRAL_OK, SPIRAL_EENCODING for invalid UTF-8 or SPIRAL_ENOMEM.
 * Thread-safe. */
int spiral_text_fingerprint(uint64_t *out, const char *text, size_t len);

/* Close the input (not standard input) and free the reader and every record
 * it gave out.  NULL: no-op. */
void spiral_reader_free(spiral_reader *r);

typedef struct spiral_parser spiral_parser;

/* Parsing deferred JSON Lines records (spiral_read_opts.defer_jsonl): a
 * parser per thread turns a deferred record (or a copy of it with its text,
 * file and line) into the record the reader would have given, or into the
 * error it would have reported (same message, file, line and column).
 * parse returns 1 and sets *out, or a negative spiral_status with err
 * filled; *out is borrowed from p until its next call.  new copies opts
 * (NULL: defaults; only invalid_utf8 matters).  SPIRAL_EINVAL for a record
 * that is not deferred. */
int spiral_parser_new(spiral_parser **out, const spiral_read_opts *opts, spiral_error *err);
int spiral_parser_parse(spiral_parser *p, const spiral_record *raw, const spiral_record **out,
                        spiral_error *err);
void spiral_parser_free(spiral_parser *p);

/* ------------------------------------------------------------------ */
/* Shared resources                                                    */
/* ------------------------------------------------------------------ */

typedef struct spiral_dict spiral_dict;

/* Load the Chinese segmentation dictionary: a text file of lines
 * "word freq [tag]" (the jieba dict.txt format) or a compiled form.  The
 * dictionary is read-only once loaded and may be shared by any number of
 * sessions on any threads.  Caller owns *out.  The compiled form (zh.dict,
 * built by `make` and installed as $(PREFIX)/share/spiral/zh.dict) is
 * memory-mapped, so loading it costs next to nothing.  Errors: SPIRAL_EINVAL
 * (path NULL), SPIRAL_EIO (cannot be read), SPIRAL_EPARSE (a bad line, or a
 * corrupt compiled file: err->offset), SPIRAL_ENOMEM. */
int spiral_dict_load(spiral_dict **out, const char *path, spiral_error *err);
/* The number of words (0 for NULL).  Thread-safe. */
size_t spiral_dict_size(const spiral_dict *dict);
/* Free (unmap) the dictionary: only after every session using it is freed.
 * NULL: no-op. */
void spiral_dict_free(spiral_dict *dict);

typedef struct spiral_lexicon spiral_lexicon;

/* Load every *.tsv under dir/en and dir/zh (lexicons/README.md gives the
 * format), and dir/actors.tsv and dir/referents.tsv when present: new +
 * add_dir + seal.  A missing subdirectory is skipped, and so is a missing
 * dir: the lexicon is then empty (check spiral_lexicon_size()).  Read-only
 * once loaded: share across threads.  Caller owns *out (spiral_lexicon_free()).
 * The first bad line stops the load with SPIRAL_EPARSE (or
 * SPIRAL_EENCODING, SPIRAL_EIO) and err naming file, line and column. */
int spiral_lexicon_load(spiral_lexicon **out, const char *dir, spiral_error *err);

/* Building a lexicon from several sources: new, then any number of
 * add_dir/add_file calls (a later entry with the same pattern replaces an
 * earlier one: that is how --extra-lexicon overrides), then seal.  Only a
 * sealed lexicon may be given to a session; after sealing nothing can be
 * added.  Not thread-safe until sealed.  add_dir reads a directory as
 * spiral_lexicon_load() does (a NULL dir adds nothing); add_file one
 * lexicon file, whose entries name it as given.  All return SPIRAL_OK or a
 * negative status with err naming file, line and column (SPIRAL_EPARSE,
 * SPIRAL_EENCODING, SPIRAL_EIO, SPIRAL_ENOMEM; SPIRAL_EINVAL once sealed);
 * after an error the lexicon can only be freed.  seal compiles the regular
 * expressions (PCRE2, JIT where available) and the matcher's tables; a
 * second seal does nothing.  free: NULL is a no-op; only after every session
 * using the lexicon is freed. */
int spiral_lexicon_new(spiral_lexicon **out, spiral_error *err);
int spiral_lexicon_add_dir(spiral_lexicon *lex, const char *dir, spiral_error *err);
int spiral_lexicon_add_file(spiral_lexicon *lex, const char *path, spiral_error *err);
int spiral_lexicon_seal(spiral_lexicon *lex, spiral_error *err);
void spiral_lexicon_free(spiral_lexicon *lex);

/* Keep the sealed lexicon in a compiled cache under dir (created if
 * missing), so that later loads of the same sources map it instead of
 * parsing and compiling them.  Call after new, before any add_* call; a
 * NULL or empty dir turns the cache off (the default).  The adds then only
 * read the files, and seal either maps the cache file for this list of
 * sources (one per list, named by a hash of the paths) when it holds
 * exactly their bytes, names and order, this spiral version and a PCRE2
 * that can decode its regexes, or else parses them (errors and results as
 * without a cache) and writes the file afresh (through a temporary file
 * renamed over it, so concurrent runs are safe).  A cache that cannot be
 * read, written or trusted is never an error: the lexicon is then built
 * from its sources.  With a cache, errors in the files' contents (bad
 * lines, invalid UTF-8) come from seal, not from the add that read the
 * file; an add still fails on a file it cannot open.  Returns SPIRAL_OK, SPIRAL_ENOMEM, or SPIRAL_EINVAL
 * after an add or seal.  Not thread-safe (as the adds). */
int spiral_lexicon_set_cache(spiral_lexicon *lex, const char *dir, spiral_error *err);

/* 1 when seal took lex from its cache, 0 otherwise (lex NULL too). */
int spiral_lexicon_cached(const spiral_lexicon *lex);

/* Validate a lexicon file or directory, calling fn for every problem (bad
 * field, unknown category, bad weight or flag, bad regular expression with
 * PCRE2's message and column, duplicate pattern with a conflicting entry).
 * Unlike the loaders it does not stop at the first problem.  Returns the
 * number of problems (0: valid) or SPIRAL_ENOMEM.  Thread-safe. */
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

/* Entries, for statistics and listings: the number of entries (0 for
 * NULL), and entry i (0 <= i < size) into *out, whose strings are borrowed
 * until the lexicon is freed; SPIRAL_EINVAL when i is out of range.  Any
 * thread, once sealed. */
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

/* Regular-expression entries are bounded three ways: PCRE2's match limit
 * (backtracking steps from one starting point) and depth limit, and a time
 * limit on all the searches of one entry in one statement, which stops a
 * pattern that is costly from every starting point of a long text.  A
 * search stopped by any of them is counted (spiral_doc_regex_limited()). */
typedef struct spiral_session_opts {
    size_t max_tokens;           /* per statement; more is SPIRAL_ELIMIT */
    uint32_t regex_match_limit;  /* PCRE2 match limit (per starting point) */
    uint32_t regex_depth_limit;  /* PCRE2 depth (backtracking memory) limit */
    uint32_t regex_time_limit;   /* milliseconds per regex entry and statement; 0: none */
    int tokens_only;             /* normalise, segment and split sentences only: no
                                    hits, scores or targets (what `spiral tokens` needs) */
} spiral_session_opts;

#define SPIRAL_SESSION_OPTS_INIT { (size_t)4 << 20, 1000000u, 10000u, 1000u, 0 }

typedef struct spiral_session spiral_session;
typedef struct spiral_doc spiral_doc;

/* Create a session using dict (may be NULL: Chinese is then split into
 * single characters) and lex (may be NULL: nothing is scored; else sealed:
 * SPIRAL_EINVAL if it is not).
 * Both must outlive the session.  opts may be NULL (SPIRAL_SESSION_OPTS_INIT);
 * it is copied.  A session is used by one thread at a time: give each thread
 * its own, sharing one dictionary and one lexicon.  Caller owns *out (free
 * it with spiral_session_free()).  SPIRAL_OK or SPIRAL_ENOMEM. */
int spiral_session_new(spiral_session **out, const spiral_dict *dict,
                       const spiral_lexicon *lex, const spiral_session_opts *opts,
                       spiral_error *err);
/* Free the session and the analysis it holds.  NULL: no-op. */
void spiral_session_free(spiral_session *s);

/* Normalise, segment and (when the session has a lexicon) score one
 * statement.  lang is "en", "zh", or NULL/"" to detect it from the script
 * mix.  text need not be NUL-terminated; it is not copied, so it must stay
 * unchanged while the analysis is used (offsets point into it).  On success
 * *out is the analysis, owned by the session and valid until the next call
 * or spiral_session_free().  Invalid UTF-8 is SPIRAL_EENCODING with
 * err->offset at the first bad byte (readers with SPIRAL_UTF8_REPLACE never
 * pass it on); more than opts.max_tokens tokens is SPIRAL_ELIMIT; else
 * SPIRAL_ENOMEM.  err->file and err->line are left empty: the caller knows
 * where the text came from.  After an error the session is still usable. */
int spiral_session_analyze(spiral_session *s, const char *text, size_t len,
                           const char *lang, const spiral_doc **out,
                           spiral_error *err);

/* The parts of an analysis.  Everything they return is borrowed from the
 * session and valid until its next analysis or spiral_session_free();
 * arrays come with their length in *n (or *len) and are not terminated
 * (the pointer may be NULL when *n is 0).  Same thread as the session.
 *
 * spiral_doc_lang: "en" or "zh" (given or detected); "und" when there is no
 * text to tell. */
const char *spiral_doc_lang(const spiral_doc *doc);
/* The original text (the caller's buffer given to the analysis, so
 * NUL-terminated only if it was) and the normalised text (NUL-terminated);
 * len may be NULL.  Then the tokens and the sentences, in text order. */
const char *spiral_doc_text(const spiral_doc *doc, size_t *len);
const char *spiral_doc_norm(const spiral_doc *doc, size_t *len);
const spiral_token *spiral_doc_tokens(const spiral_doc *doc, size_t *n);
const spiral_sentence *spiral_doc_sentences(const spiral_doc *doc, size_t *n);
/* Name of a token kind: "word", "han", "number", "punct", "symbol", "other". */
const char *spiral_token_kind_name(uint32_t kind);

/* Regular-expression searches of this statement stopped by the session's
 * regex_match_limit or regex_depth_limit (or PCRE2's JIT stack): their
 * matches are missing from the hits.  0 normally. */
unsigned long spiral_doc_regex_limited(const spiral_doc *doc);

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
 * the modifier hits they refer to.  Empty without a lexicon.  Borrowed from
 * the session like every part of the doc; the hits' strings from the
 * lexicon. */
const spiral_hit *spiral_doc_hits(const spiral_doc *doc, size_t *n);
const spiral_hit *spiral_doc_modifiers(const spiral_doc *doc, size_t *n);
/* Scores of the statement into *out (label: a static string), or of
 * sentence i (SPIRAL_OK, or SPIRAL_EINVAL when i >= the number of
 * sentences).  All zero, label "neutral", without a lexicon. */
void spiral_doc_scores(const spiral_doc *doc, spiral_scores *out);
int spiral_doc_sentence_scores(const spiral_doc *doc, size_t i, spiral_scores *out);
/* Name of one rule bit: "negated", "intensified" ... ("unknown" for any other
 * value).  A static string.  Thread-safe. */
const char *spiral_rule_name(unsigned rule);

/* ------------------------------------------------------------------ */
/* Output                                                              */
/* ------------------------------------------------------------------ */

/* Write the `tokens` JSON object of one statement (one line, ending in a
 * newline) to f.  rec supplies the id and metadata (may be NULL: id null).
 * The line is built in the session's buffer, so call it on the session's
 * thread, before its next analysis.  Returns SPIRAL_OK, SPIRAL_EIO (a short
 * write) or SPIRAL_ENOMEM. */
int spiral_write_tokens_json(FILE *f, const spiral_record *rec, const spiral_doc *doc);

/* Flags for spiral_write_score_json(). */
#define SPIRAL_EMIT_HITS      0x01u /* the "hits" array */
#define SPIRAL_EMIT_SENTENCES 0x02u /* per-sentence scores and hits */
#define SPIRAL_EMIT_TEXT      0x04u /* the statement's "text" (as analysed) */

/* Write the `score` JSON object of one statement (one line; README.md:
 * Output gives the keys) to f, with what flags ask for.  rec as for
 * spiral_write_tokens_json(); same thread and return values. */
int spiral_write_score_json(FILE *f, const spiral_record *rec, const spiral_doc *doc,
                            unsigned flags);

/* The same lines without writing them: *out (len bytes, newline included)
 * is in the session's buffer, valid until its next analysis or output.
 * SPIRAL_OK or SPIRAL_ENOMEM. */
int spiral_tokens_json(const spiral_record *rec, const spiral_doc *doc, const char **out,
                       size_t *len);
int spiral_score_json(const spiral_record *rec, const spiral_doc *doc, unsigned flags,
                      const char **out, size_t *len);

/* ------------------------------------------------------------------ */
/* Actors (speaker, targets, self versus other)                        */
/* ------------------------------------------------------------------ */

/* Actor aliases (lexicons/actors.tsv, lexicons/referents.tsv, loaded by
 * spiral_lexicon_load/add_dir from the lexicon directory) map names, short
 * forms, capitals, ministries and office-holders (for their terms) to codes:
 * ISO 3166 alpha-3 or organisations (NATO, EU, UN ...).  Special codes:
 * SELF (first person: resolved to the speaker), UNRESOLVED (unnamed
 * referents such as 个别国家), NONE (South China Sea: no actor).
 * add_actors reads one more file in that format (before sealing), as
 * spiral_lexicon_add_file() reads a lexicon file: same errors, same thread
 * rules. */
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
 * self/other portrayal are resolved as README.md (Actors) describes.  ctx
 * may be NULL (no context); its strings are only read during the call.
 * Ownership, errors and threads as for spiral_session_analyze(). */
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

/* The speaker's code, or NULL when unknown.  Borrowed from the lexicon (or
 * from the session, for a speaker given in the context). */
const char *spiral_doc_speaker(const spiral_doc *doc);
/* Actors mentioned, in text order; borrowed like the hits. */
const spiral_mention *spiral_doc_mentions(const spiral_doc *doc, size_t *n);
/* Targets in code order; borrowed like the hits. */
const spiral_target_share *spiral_doc_targets(const spiral_doc *doc, size_t *n);
/* "self", "other" or NULL (SPIRAL_PORTRAY_NONE, any other value).  A static
 * string.  Thread-safe. */
const char *spiral_portrayal_name(int portrayal);

/* Comparing two sides' framing (spiral compare).  Statements are added one
 * at a time (memory does not grow with their number: the bootstrap is the
 * Poisson bootstrap, done as the statements stream by); a statement counts
 * for side A or B when its speaker is that code, and is ignored otherwise.
 * Figures are kept per language ("en", "zh") and combined ("all"). */
typedef struct spiral_compare spiral_compare;

typedef struct spiral_compare_opts {
    unsigned replicates;  /* bootstrap replicates (default 500) */
    double level;         /* confidence level of the intervals (0.95) */
    unsigned top_terms;   /* distinctive terms reported per side (20) */
    double prior;         /* alpha0 of the informative Dirichlet prior (500) */
    uint64_t seed;        /* the bootstrap's random seed: output is repeatable */
} spiral_compare_opts;

#define SPIRAL_COMPARE_OPTS_INIT { 500u, 0.95, 20u, 500.0, 20221024u }

/* A comparison of the speakers side_a and side_b (actor codes, copied; two
 * different non-empty strings, else SPIRAL_EINVAL) with opts (NULL: the
 * defaults; copied).  Caller owns *out (spiral_compare_free()).  One thread
 * at a time.  SPIRAL_OK, SPIRAL_EINVAL or SPIRAL_ENOMEM. */
int spiral_compare_new(spiral_compare **out, const char *side_a, const char *side_b,
                       const spiral_compare_opts *opts, spiral_error *err);
/* Count one analysed statement (analysed with a context, so that it has a
 * speaker; what is kept is copied, so doc may be reused after the call).
 * Returns SPIRAL_OK or SPIRAL_ENOMEM. */
int spiral_compare_add(spiral_compare *c, const spiral_doc *doc);
/* Write the figures: JSON (one object), a table for people, or CSV files
 * (profiles.csv, portrayal.csv, asymmetry.csv, mirror.csv, terms.csv) into
 * the existing directory dir (replacing them; err names the file that
 * failed).  f stays open.  Returns SPIRAL_OK, SPIRAL_EIO or SPIRAL_ENOMEM. */
int spiral_compare_write_json(spiral_compare *c, FILE *f);
int spiral_compare_write_table(spiral_compare *c, FILE *f);
int spiral_compare_write_csv(spiral_compare *c, const char *dir, spiral_error *err);
/* Free the comparison.  NULL: no-op. */
void spiral_compare_free(spiral_compare *c);

/* ------------------------------------------------------------------ */
/* Tracking over time (dyads, spiral metrics, store, report)           */
/* ------------------------------------------------------------------ */

/* (section reserved: tracking, issue 6) */

/*
 * Tracking turns scored statements into per-dyad series and per-pair spiral
 * metrics (README.md: Tracking, Metrics, Outputs, Store, Report):
 *
 *   spiral_stmt_parser  scored JSON Lines (the output of `spiral score`) or a
 *                       scored doc -> spiral_statement.  One per thread.
 *   spiral_tracker      statements -> dyad x period cells (memory grows with
 *                       dyads x periods, never with statements) -> after
 *                       spiral_tracker_finish(), pairs with reciprocity, the
 *                       Richardson fit, episodes and the spiral score.
 *   spiral_store        a SQLite file holding statements, hits and the
 *                       computed series; appendable.
 *
 * A tracker is used by one thread at a time; once finished it is only read
 * and may be shared.  Everything a finished tracker returns (dyads, pairs,
 * their cells, episodes and strings) is borrowed from it until
 * spiral_tracker_free().  A store is used by one thread at a time.
 */

typedef enum spiral_period {
    SPIRAL_PERIOD_DAY = 0,
    SPIRAL_PERIOD_WEEK,     /* ISO 8601 weeks, Monday to Sunday: 2024-W01 */
    SPIRAL_PERIOD_MONTH,
    SPIRAL_PERIOD_QUARTER,  /* 2024-Q1 */
    SPIRAL_PERIOD_YEAR
} spiral_period;

/* "day", "week", "month", "quarter" or "year" to *out; SPIRAL_EINVAL otherwise
 * (NULL included).  Thread-safe, like every spiral_period_* function. */
int spiral_period_parse(spiral_period *out, const char *name);
/* The name of p, as parsed above ("?" for another value).  A static string. */
const char *spiral_period_name(spiral_period p);

/* The period holding date, as an index: consecutive periods have consecutive
 * indices.  date is "YYYY", "YYYY-MM" or "YYYY-MM-DD", optionally followed
 * by 'T' or ' ' and anything (a time).  Returns SPIRAL_OK, or SPIRAL_EINVAL
 * when the date is malformed or less precise than the period needs (a bare
 * year cannot be placed in a month). */
int spiral_period_index(int64_t *out, spiral_period p, const char *date);
/* The label of period i ("2024-03-05", "2024-W01", "2024-03", "2024-Q1",
 * "2024") and the date of its first day (YYYY-MM-DD), NUL-terminated in buf
 * (16 bytes are always enough).  Return the length. */
size_t spiral_period_label(char *buf, size_t size, spiral_period p, int64_t i);
size_t spiral_period_start(char *buf, size_t size, spiral_period p, int64_t i);

/* One hit of a scored statement.  Strings are NULL when absent. */
typedef struct spiral_stmt_hit {
    const char *text, *category, *entry;
    const char *target;     /* actor code, "UNRESOLVED", or NULL (issue 5) */
    const char *portrayal;  /* "self", "other" or NULL (issue 5) */
    double weight, score;
    uint32_t start, end, sentence;
} spiral_stmt_hit;

/* The share of a statement aimed at one target (the `targets` field). */
typedef struct spiral_stmt_target {
    const char *target;     /* actor code or "UNRESOLVED" */
    double threat, reassurance;
    unsigned long hits;
} spiral_stmt_target;

/* A scored statement.  Strings are NUL-terminated UTF-8, NULL when absent,
 * and borrowed from whatever produced the statement. */
typedef struct spiral_statement {
    const char *id, *date, *actor, *target, *lang, *title, *source, *label;
    const char *speaker;    /* the `speaker` field, else derived from actor */
    const char *meta_json;  /* the `meta` object as JSON, or NULL */
    const char *file;       /* where it was read, for messages */
    unsigned long line;
    double threat, reassurance, net, tone;
    unsigned long tokens, n_sentences;
    const spiral_stmt_target *targets; /* the `targets` field, when has_targets */
    size_t ntargets;
    int has_targets;
    const spiral_stmt_hit *hits;
    size_t nhits;
} spiral_statement;

/* The speaker code of an actor string: the part before the first '-' or ':'
 * when it is 2 to 5 uppercase ASCII letters ("CHN-MFA:Hua Chunying" -> CHN),
 * otherwise the whole string.  Writes at most size-1 bytes and a NUL to buf;
 * returns buf, or NULL when actor is NULL or empty. */
const char *spiral_speaker_code(char *buf, size_t size, const char *actor);

typedef struct spiral_stmt_parser spiral_stmt_parser;

/* A parser of scored statements: its results are borrowed from it until its
 * next call, so keep one per thread.  Caller owns *out.  SPIRAL_OK or
 * SPIRAL_ENOMEM.  free: NULL is a no-op. */
int spiral_stmt_parser_new(spiral_stmt_parser **out, spiral_error *err);
void spiral_stmt_parser_free(spiral_stmt_parser *p);

/* What spiral_stmt_parse_json() found. */
#define SPIRAL_STMT_SCORED 1 /* *out is the statement */
#define SPIRAL_STMT_RAW    2 /* no "threat": *raw is the record, to be scored */

/* Parse one JSON Lines record (len bytes, no newline needed) read from
 * file:line.  A record with a numeric "threat" is a scored statement;
 * one without "threat" but with a "text" string is a raw statement, given
 * back as a spiral_record for spiral_session_analyze() and
 * spiral_stmt_from_doc().  Results are borrowed from p until its next call.
 * Returns SPIRAL_STMT_SCORED, SPIRAL_STMT_RAW, or SPIRAL_EPARSE /
 * SPIRAL_EINVAL (bad JSON, a field of the wrong type) with err naming
 * file:line. */
int spiral_stmt_parse_json(spiral_stmt_parser *p, const char *json, size_t len,
                           const char *file, unsigned long line,
                           const spiral_statement **out, const spiral_record **raw,
                           spiral_error *err);

/* The statement of a record scored by spiral_session_analyze(): the scores
 * and hits of doc with the record's fields.  Borrowed from p (and rec, doc)
 * until the next call on p.  Returns SPIRAL_OK or SPIRAL_ENOMEM. */
int spiral_stmt_from_doc(spiral_stmt_parser *p, const spiral_record *rec,
                         const spiral_doc *doc, const spiral_statement **out,
                         spiral_error *err);

/* Whether st's meta object has key with a value other than null, false or
 * "" (e.g. "translation_of", to leave translations out): 1 or 0.  Only reads
 * st. */
int spiral_stmt_meta_has(const spiral_statement *st, const char *key);

#define SPIRAL_MAX_LAG 12

typedef struct spiral_track_opts {
    spiral_period period;      /* default month */
    int max_lag;               /* K: reciprocity at lags 0..K (0..SPIRAL_MAX_LAG; default 3) */
    int smooth;                /* centred moving-average window, odd, >= 1 (default 3) */
    double threshold;          /* episode threshold in noise units (default 2) */
    double confidence;         /* of the reciprocity intervals (default 0.95) */
    size_t max_periods;        /* largest span of periods (default 100000): SPIRAL_ELIMIT */
    unsigned exemplars;        /* statements kept per dyad, period and side for reports (3) */
} spiral_track_opts;

#define SPIRAL_TRACK_OPTS_INIT { SPIRAL_PERIOD_MONTH, 3, 3, 2.0, 0.95, 100000, 3 }

/* One dyad in one period.  Means are the sums over n (undefined at n = 0). */
typedef struct spiral_cell {
    unsigned long n;           /* statements */
    double threat_sum, reassurance_sum, tone_sum;
    double hostility_sum;      /* sum of (threat - reassurance) */
} spiral_cell;

typedef struct spiral_dyad {
    const char *speaker, *target;
    unsigned long n;           /* statements over all periods */
    const spiral_cell *cells;  /* spiral_tracker_nperiods() cells */
} spiral_dyad;

/* A correlation with its interval; reason is NULL when it is defined,
 * otherwise says why not (and the numbers are 0). */
typedef struct spiral_corr {
    int lag;
    size_t n;                  /* periods paired */
    double r, lo, hi;
    const char *reason;
} spiral_corr;

/* How one side answers the other: lags[k] correlates its hostility at t with
 * the other side's at t-k. */
typedef struct spiral_reciprocity {
    spiral_corr lags[SPIRAL_MAX_LAG + 1];
    int nlags;                 /* max_lag + 1 */
    int best;                  /* the lag with the largest r, or -1 when none is defined */
} spiral_reciprocity;

/* dX = k*Y - a*X + g and dY = l*X - b*Y + h by least squares, X = A->B
 * and Y = B->A hostility, dX(t) = X(t+1) - X(t). */
typedef struct spiral_richardson {
    double k, a, g, l, b, h;
    double r2_x, r2_y;
    size_t n;                  /* transitions used */
    int runaway;               /* k*l > a*b */
    const char *reason;        /* NULL when fitted */
} spiral_richardson;

#define SPIRAL_ESCALATION    1
#define SPIRAL_DEESCALATION (-1)

/* Periods are offsets from spiral_tracker_first_period(). */
typedef struct spiral_episode {
    int kind;                  /* SPIRAL_ESCALATION or SPIRAL_DEESCALATION */
    size_t start, peak, end;   /* peak: the highest (lowest) mutual hostility */
    int open;                  /* still going at the last period */
    const char *leader;        /* the side that moved first, NULL when together */
    int response_lag;          /* periods until the other side followed */
    double change_ab, change_ba; /* smoothed hostility change from start to peak */
    double peak_ab, peak_ba;   /* smoothed hostility at the peak */
} spiral_episode;

typedef struct spiral_pair_period {
    double smooth_ab, smooth_ba; /* smoothed hostility (valid when have_ab/have_ba) */
    int have_ab, have_ba;
    int have_parts;            /* mutual and trend are defined (both sides, two periods) */
    double mutual, responsiveness, trend; /* components, each in [0, 1] */
    double score;              /* 0-100 */
    const char *reason;        /* NULL when score is defined */
} spiral_pair_period;

typedef struct spiral_pair {
    const char *a, *b;         /* a < b (byte order) */
    size_t dyad_ab, dyad_ba;   /* indices of spiral_tracker_dyad() */
    spiral_reciprocity ab;     /* A->B at t against B->A at t-k */
    spiral_reciprocity ba;     /* B->A at t against A->B at t-k */
    double responsiveness;     /* sqrt(max(0, r_ab) * max(0, r_ba)) at the best lags */
    const char *responsiveness_reason;
    spiral_richardson richardson;
    double noise;              /* noise scale of mutual hostility (episode units) */
    const spiral_episode *episodes;
    size_t nepisodes;
    const char *episodes_reason; /* why there can be none, or NULL */
    const spiral_pair_period *periods; /* spiral_tracker_nperiods() */
} spiral_pair;

typedef struct spiral_tracker spiral_tracker;

/* A tracker with opts (NULL: the defaults; copied).  Caller owns *out
 * (spiral_tracker_free(); NULL is a no-op).  SPIRAL_EINVAL for a bad option
 * (err says which), SPIRAL_ENOMEM.  spiral_tracker_opts gives the options
 * in use, borrowed from t. */
int spiral_tracker_new(spiral_tracker **out, const spiral_track_opts *opts, spiral_error *err);
void spiral_tracker_free(spiral_tracker *t);
const spiral_track_opts *spiral_tracker_opts(const spiral_tracker *t);

/* Whether st can be placed (a date precise enough for the period, a
 * speaker): SPIRAL_OK or SPIRAL_EINVAL / SPIRAL_ELIMIT with err naming
 * st->file:st->line.  spiral_tracker_add() checks the same. */
int spiral_tracker_check(const spiral_tracker *t, const spiral_statement *st, spiral_error *err);
/* Add one statement (what is kept is copied).  A statement that cannot be
 * placed leaves the tracker unchanged and returns the check's error. */
int spiral_tracker_add(spiral_tracker *t, const spiral_statement *st, spiral_error *err);
/* Fill the periods without statements, sort the dyads and compute the
 * pairs.  After it nothing can be added.  SPIRAL_OK or SPIRAL_ENOMEM. */
int spiral_tracker_finish(spiral_tracker *t, spiral_error *err);

/* Statements added so far; periods spanned (0 when empty); the index of the
 * first period (spiral_period_label() turns it into a label; 0 when
 * empty). */
unsigned long spiral_tracker_statements(const spiral_tracker *t);
size_t spiral_tracker_nperiods(const spiral_tracker *t); /* 0 when empty */
int64_t spiral_tracker_first_period(const spiral_tracker *t);
/* After finish: dyads sorted by speaker then target, pairs by a then b
 * (before finish there are none).  Dyad or pair i, borrowed from t, or NULL
 * when i is out of range. */
size_t spiral_tracker_ndyads(const spiral_tracker *t);
const spiral_dyad *spiral_tracker_dyad(const spiral_tracker *t, size_t i);
size_t spiral_tracker_npairs(const spiral_tracker *t);
const spiral_pair *spiral_tracker_pair(const spiral_tracker *t, size_t i);

/* Outputs of a finished tracker (README.md: Outputs), written to f (which
 * stays open).  Return SPIRAL_OK, SPIRAL_ENOMEM or SPIRAL_EIO. */
int spiral_track_write_json(FILE *f, const spiral_tracker *t);
/* A table of the pairs for people. */
int spiral_track_write_table(FILE *f, const spiral_tracker *t);

typedef enum spiral_csv_table {
    SPIRAL_CSV_DYADS = 0,      /* dyads.csv: one row per dyad and period */
    SPIRAL_CSV_PAIRS,          /* pairs.csv: one row per pair */
    SPIRAL_CSV_PAIR_PERIODS,   /* pair_periods.csv: one row per pair and period */
    SPIRAL_CSV_EPISODES,       /* episodes.csv: one row per episode */
    SPIRAL_CSV_LAGS,           /* lags.csv: one row per pair, direction and lag */
    SPIRAL_CSV_NTABLES
} spiral_csv_table;

/* The file name of a table: "dyads.csv" ..., NULL for another value.  A
 * static string.  Thread-safe. */
const char *spiral_csv_table_name(spiral_csv_table which);
/* One table of a finished tracker, header row first, to f.  SPIRAL_OK,
 * SPIRAL_ENOMEM or SPIRAL_EIO. */
int spiral_track_write_csv(FILE *f, const spiral_tracker *t, spiral_csv_table which);

/* The report (README.md: Report): one self-contained HTML page, or the
 * charts of one pair as SVG. */
typedef struct spiral_report_opts {
    const char *title;         /* NULL: "spiral report" */
    unsigned max_dyads;        /* one-sided dyads charted (default 12) */
} spiral_report_opts;

#define SPIRAL_REPORT_OPTS_INIT { NULL, 12 }

/* The page of a finished tracker to f, with opts (NULL: the defaults), and
 * the chart of pair i (an XML document; SPIRAL_EINVAL when i is out of
 * range).  f stays open.  SPIRAL_OK, SPIRAL_ENOMEM or SPIRAL_EIO. */
int spiral_report_write_html(FILE *f, const spiral_tracker *t, const spiral_report_opts *opts);
int spiral_report_write_svg(FILE *f, const spiral_tracker *t, size_t pair);

/* The SQLite store (README.md: Store). */
#define SPIRAL_STORE_SCHEMA_VERSION 1

typedef struct spiral_store spiral_store;

/* Called now and then during long store operations; non-zero stops the
 * operation with SPIRAL_EIO ("interrupted"). */
typedef int (*spiral_cancel_fn)(void *payload);

/* Open or create the store at path (creating the schema).  SPIRAL_EIO when
 * it cannot be opened or is not a spiral store, SPIRAL_EINVAL when its
 * schema version is newer than this library's.  Caller owns *out; path is
 * copied.  One thread at a time per store (SQLite's own locking keeps
 * different processes apart). */
int spiral_store_open(spiral_store **out, const char *path, spiral_error *err);
/* Close the store; rolls back an open transaction.  NULL: no-op. */
void spiral_store_free(spiral_store *s);
/* Install fn (NULL: none), called now and then during long operations of
 * s, on the thread running them. */
void spiral_store_set_cancel(spiral_store *s, spiral_cancel_fn fn, void *payload);

/* Options saved by the last run (period, max_lag, smooth, threshold) into
 * *opts; 0 when the store has none yet, 1 when it had. */
int spiral_store_settings(spiral_store *s, spiral_track_opts *opts, spiral_error *err);

/* One write transaction: begin, put statements, then save the series
 * computed from spiral_store_load(), commit (or rollback).  begin is
 * SPIRAL_EINVAL when one is open already, commit when none is; a commit that
 * fails rolls back.  rollback returns SPIRAL_OK (also with no transaction)
 * or SPIRAL_EIO.  Errors of SQLite are SPIRAL_EIO with its message. */
int spiral_store_begin(spiral_store *s, spiral_error *err);
int spiral_store_rollback(spiral_store *s);
int spiral_store_commit(spiral_store *s, spiral_error *err);

#define SPIRAL_STORE_ADDED     0 /* a new statement id */
#define SPIRAL_STORE_UPDATED   1 /* a known id whose fields or scores changed */
#define SPIRAL_STORE_UNCHANGED 2 /* already stored as it is */

/* Store st and its hits (inside a transaction).  Returns one of the
 * SPIRAL_STORE_* values, or a negative spiral_status. */
int spiral_store_put(spiral_store *s, const spiral_statement *st, spiral_error *err);
/* Add every stored statement to t (not finished yet).  Statements t cannot
 * place are passed to fn (may be NULL) and counted in *rejected. */
int spiral_store_load(spiral_store *s, spiral_tracker *t, spiral_error_fn fn, void *payload,
                      unsigned long *rejected, spiral_error *err);
/* Replace the dyad_periods, pairs, pair_periods, lags and episodes tables
 * with those of the finished t and record its options. */
int spiral_store_save_series(spiral_store *s, const spiral_tracker *t, spiral_error *err);
/* Statements stored, or -1 when SQLite fails. */
long long spiral_store_count(spiral_store *s);

#ifdef __cplusplus
}
#endif

#endif
