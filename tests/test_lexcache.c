/*
 * test_lexcache.c - the compiled lexicon cache: a lexicon taken from it is
 * the one built from the files (entries, hits in both languages, actors),
 * a changed source is not taken from it, and a damaged, truncated or
 * hostile file, or a directory that cannot be written, only costs the
 * cache; old cache files do not pile up.
 */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "lexcache.h"
#include "lexicon.h"
#include "suites.h"
#include "testutil.h"

#define SHIPPED "lexicons"
#define SMALL "tests/data/lex"

static char cache_dir[256];
static spiral_dict *dict;

static void make_cache_dir(void)
{
    snprintf(cache_dir, sizeof cache_dir, "%s/test-lexcache-XXXXXX", SPIRAL_BUILD_DIR);
    ck_assert_ptr_nonnull(mkdtemp(cache_dir));
}

/* Remove the cache directory and the files in it. */
static void remove_cache_dir(void)
{
    char path[512];
    struct dirent *d;
    DIR *dp = opendir(cache_dir);

    if (dp != NULL) {
        while ((d = readdir(dp)) != NULL) {
            if (d->d_name[0] == '.' && (d->d_name[1] == '\0' || d->d_name[1] == '.'))
                continue;
            snprintf(path, sizeof path, "%s/%s", cache_dir, d->d_name);
            if (remove(path) != 0)
                rmdir(path);
        }
        closedir(dp);
    }
    rmdir(cache_dir);
    spiral_dict_free(dict);
    dict = NULL;
}

/* dir (and extra, an actor file, when not NULL) loaded through the cache
 * in cache (NULL: none). */
static spiral_lexicon *load(const char *dir, const char *actors, const char *cache)
{
    spiral_lexicon *lex;
    spiral_error err;

    ck_assert_int_eq(spiral_lexicon_new(&lex, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_set_cache(lex, cache, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_add_dir(lex, dir, &err), SPIRAL_OK);
    if (actors != NULL)
        ck_assert_int_eq(spiral_lexicon_add_actors(lex, actors, &err), SPIRAL_OK);
    ck_assert_msg(spiral_lexicon_seal(lex, &err) == SPIRAL_OK, "%s", err.message);
    return lex;
}

/* The path of the one cache file in cache_dir into path. */
static void cache_file(char *path, size_t n)
{
    struct dirent *d;
    DIR *dp = opendir(cache_dir);
    int found = 0;

    ck_assert_ptr_nonnull(dp);
    while ((d = readdir(dp)) != NULL)
        if (strncmp(d->d_name, "lexicon-", 8) == 0 && strstr(d->d_name, ".cache") != NULL &&
            strchr(d->d_name + 8, '.')[6] == '\0') {
            snprintf(path, n, "%s/%s", cache_dir, d->d_name);
            found++;
        }
    closedir(dp);
    ck_assert_int_eq(found, 1);
}

static void put_file(const char *path, const void *p, size_t len)
{
    FILE *f = fopen(path, "wb");

    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(p, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

static char *get_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *p;
    long n;

    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    p = malloc((size_t)n + 1);
    ck_assert_uint_eq(fread(p, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return p;
}

/* Every entry and actor of lex, and what it finds in text, as one string. */
static void describe(spiral_buf *out, const spiral_lexicon *lex, const char *const *texts)
{
    spiral_session *s;
    spiral_error err;
    size_t i, k, n;

    spiral_buf_reset(out);
    for (i = 0; i < spiral_lexicon_size(lex); i++) {
        spiral_entry_info e;

        ck_assert_int_eq(spiral_lexicon_entry(lex, i, &e), SPIRAL_OK);
        spiral_buf_printf(out, "%s\t%s\t%s:%lu\t%.17g\t%s\t%d\n", e.pattern, e.category, e.file,
                          (unsigned long)e.line, e.weight, e.lang, e.is_regex);
    }
    for (i = 0; i < lex->nactors; i++)
        spiral_buf_printf(out, "%s\t%s\t%s\t%s:%u\t%d\t%d\n", lex->actors[i].alias,
                          lex->actors[i].code, lex->actors[i].kind, lex->actors[i].file,
                          lex->actors[i].line, (int)lex->actors[i].from, (int)lex->actors[i].to);
    if (dict == NULL)
        ck_assert_int_eq(spiral_dict_load(&dict, TEST_DICT, &err), SPIRAL_OK);
    ck_assert_int_eq(spiral_session_new(&s, dict, lex, NULL, &err), SPIRAL_OK);
    for (k = 0; texts[k] != NULL; k++) {
        spiral_context ctx = SPIRAL_CONTEXT_INIT;
        const spiral_doc *doc;
        const spiral_hit *h;
        const spiral_mention *m;
        spiral_scores sc;

        ctx.actor = "CHN-MFA";
        ck_assert_int_eq(spiral_session_analyze_ctx(s, texts[k], strlen(texts[k]), &ctx, &doc,
                                                    &err), SPIRAL_OK);
        for (h = spiral_doc_hits(doc, &n), i = 0; i < n; i++)
            spiral_buf_printf(out, "hit %u-%u %s %s %.6f %x\n", h[i].start, h[i].end,
                              h[i].category, h[i].pattern, h[i].score, h[i].rules);
        for (h = spiral_doc_modifiers(doc, &n), i = 0; i < n; i++)
            spiral_buf_printf(out, "mod %u-%u %s\n", h[i].start, h[i].end, h[i].category);
        for (m = spiral_doc_mentions(doc, &n), i = 0; i < n; i++)
            spiral_buf_printf(out, "actor %u-%u %s %s\n", m[i].start, m[i].end, m[i].code,
                              m[i].alias);
        spiral_doc_scores(doc, &sc);
        spiral_buf_printf(out, "scores %.6f %.6f %s\n", sc.threat, sc.reassurance, sc.label);
    }
    spiral_session_free(s);
}

static const char *const texts[] = {
    "We strongly condemn this unprovoked aggression and will not hesitate to impose "
    "sanctions. The United States must stop its provocations at once; Washington has "
    "crossed a red line. We remain ready for dialogue and peaceful cooperation.",
    "NATO is not a threat to anyone, and we will never use force first. "
    "Beijing's sanctioning of our officials is unacceptable and the consequences will be serious.",
    "中方坚决反对美方的挑衅行为，敦促美国立即停止对中国企业的制裁。外交部发言人表示，"
    "我们愿意同各方加强对话与合作，绝不会威胁任何国家。",
    "日本政府必须停止一切挑衅，否则一切后果由日方承担。中俄两国将继续深化全面战略协作。",
    NULL
};

/* Load dir (and actors) through cache, expect it from the cache or not,
 * and what describe() makes of it to be want. */
static void expect_same(const char *dir, const char *actors, const char *cache, int cached,
                        const spiral_buf *want)
{
    spiral_buf got = SPIRAL_BUF_INIT;
    spiral_lexicon *lex = load(dir, actors, cache);

    ck_assert_int_eq(spiral_lexicon_cached(lex), cached);
    describe(&got, lex, texts);
    ck_assert_str_eq(got.data, want->data);
    spiral_lexicon_free(lex);
    spiral_buf_free(&got);
}

START_TEST(cache_gives_the_lexicon_of_the_files)
{
    spiral_buf want = SPIRAL_BUF_INIT;
    spiral_lexicon *lex;
    char path[512];

    make_cache_dir();
    lex = load(SHIPPED, SMALL "/actors.tsv", NULL);
    describe(&want, lex, texts);
    ck_assert_ptr_nonnull(strstr(want.data, "hit ")); /* the texts find something */
    ck_assert_ptr_nonnull(strstr(want.data, "actor "));
    spiral_lexicon_free(lex);
    /* Cold: built from the files, and the file written. */
    expect_same(SHIPPED, SMALL "/actors.tsv", cache_dir, 0, &want);
    cache_file(path, sizeof path);
    /* Warm: taken from the file, twice (it is only read). */
    expect_same(SHIPPED, SMALL "/actors.tsv", cache_dir, 1, &want);
    expect_same(SHIPPED, SMALL "/actors.tsv", cache_dir, 1, &want);
    /* Other sources (no extra actors) have a file of their own. */
    lex = load(SHIPPED, NULL, cache_dir);
    ck_assert_int_eq(spiral_lexicon_cached(lex), 0);
    spiral_lexicon_free(lex);
    lex = load(SHIPPED, NULL, cache_dir);
    ck_assert_int_eq(spiral_lexicon_cached(lex), 1);
    spiral_lexicon_free(lex);
    /* A file others may write is not trusted (PCRE2 trusts its compiled
     * regexes): built from the files, and written afresh, this user's only. */
    ck_assert_int_eq(chmod(path, 0620), 0);
    expect_same(SHIPPED, SMALL "/actors.tsv", cache_dir, 0, &want);
    expect_same(SHIPPED, SMALL "/actors.tsv", cache_dir, 1, &want);
    ck_assert_int_eq(chmod(path, 0602), 0);
    expect_same(SHIPPED, SMALL "/actors.tsv", cache_dir, 0, &want);
    spiral_buf_free(&want);
    remove_cache_dir();
}
END_TEST

/* The small test lexicon's files, then its directories (all removed
 * after a test). */
static const char *const small_files[] = { "en/threat.tsv", "en/reassurance.tsv",
                                           "en/modifiers.tsv", "zh/threat.tsv",
                                           "zh/reassurance.tsv", "zh/modifiers.tsv",
                                           "actors.tsv", "referents.tsv", NULL,
                                           "en", "zh", "", NULL };

/* A copy of the small test lexicon in cache_dir/src, to change. */
static void copy_small(char *dir, size_t n)
{
    const char *const *files = small_files;
    char from[512], to[1024];
    size_t i, len;

    snprintf(dir, n, "%s/src", cache_dir);
    ck_assert_int_eq(mkdir(dir, 0777), 0);
    snprintf(to, sizeof to, "%s/en", dir);
    ck_assert_int_eq(mkdir(to, 0777), 0);
    snprintf(to, sizeof to, "%s/zh", dir);
    ck_assert_int_eq(mkdir(to, 0777), 0);
    for (i = 0; files[i]; i++) {
        char *p;

        snprintf(from, sizeof from, "%s/%s", SMALL, files[i]);
        snprintf(to, sizeof to, "%s/%s", dir, files[i]);
        p = get_file(from, &len);
        put_file(to, p, len);
        free(p);
    }
}

static void remove_small(const char *dir)
{
    char path[1024];
    size_t i;

    for (i = 0; i < sizeof small_files / sizeof *small_files; i++) {
        if (small_files[i] == NULL)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, small_files[i]);
        if (remove(path) != 0)
            rmdir(path);
    }
}

START_TEST(a_changed_byte_is_not_taken_from_the_cache)
{
    spiral_buf want = SPIRAL_BUF_INIT;
    spiral_lexicon *lex;
    char dir[512], path[1024], *p, *w;
    size_t len;

    make_cache_dir();
    copy_small(dir, sizeof dir);
    spiral_lexicon_free(load(dir, NULL, cache_dir));
    lex = load(dir, NULL, cache_dir);
    ck_assert_int_eq(spiral_lexicon_cached(lex), 1);
    spiral_lexicon_free(lex);
    /* One byte of a weight, the length the same: "制裁 ... 2" becomes 3. */
    snprintf(path, sizeof path, "%s/zh/threat.tsv", dir);
    p = get_file(path, &len);
    ck_assert_ptr_nonnull(w = strstr(p, "threat.coercion\t2"));
    w[strlen("threat.coercion\t")] = '3';
    put_file(path, p, len);
    free(p);
    lex = load(dir, NULL, NULL);
    describe(&want, lex, texts);
    ck_assert_ptr_nonnull(strstr(want.data, "制裁\tthreat.coercion\tzh/threat.tsv:4\t3\t"));
    spiral_lexicon_free(lex);
    expect_same(dir, NULL, cache_dir, 0, &want);
    /* And the file written afresh serves the changed sources. */
    expect_same(dir, NULL, cache_dir, 1, &want);
    /* A file that is gone is not taken from the cache either. */
    snprintf(path, sizeof path, "%s/zh/modifiers.tsv", dir);
    ck_assert_int_eq(remove(path), 0);
    lex = load(dir, NULL, cache_dir);
    ck_assert_int_eq(spiral_lexicon_cached(lex), 0);
    spiral_lexicon_free(lex);
    remove_small(dir);
    spiral_buf_free(&want);
    remove_cache_dir();
}
END_TEST

START_TEST(errors_are_those_without_a_cache)
{
    spiral_error plain, cached;
    spiral_lexicon *lex;
    int k;

    make_cache_dir();
    for (k = 0; k < 2; k++) {
        spiral_error *err = k ? &cached : &plain;

        ck_assert_int_eq(spiral_lexicon_new(&lex, err), SPIRAL_OK);
        ck_assert_int_eq(spiral_lexicon_set_cache(lex, k ? cache_dir : NULL, err), SPIRAL_OK);
        ck_assert_int_eq(spiral_lexicon_add_dir(lex, SMALL, err), SPIRAL_OK);
        if (spiral_lexicon_add_file(lex, "tests/data/badlex/bad_weight.tsv", err) == SPIRAL_OK)
            ck_assert_int_eq(spiral_lexicon_seal(lex, err), SPIRAL_EPARSE);
        spiral_lexicon_free(lex);
    }
    ck_assert_int_eq(plain.code, SPIRAL_EPARSE);
    ck_assert_int_eq(cached.code, SPIRAL_EPARSE);
    ck_assert_str_eq(cached.file, plain.file);
    ck_assert_uint_eq(cached.line, plain.line);
    ck_assert_uint_gt(cached.line, 0);
    ck_assert_uint_eq(cached.column, plain.column);
    ck_assert_str_eq(cached.message, plain.message);
    /* A cache is set before anything is added. */
    ck_assert_int_eq(spiral_lexicon_new(&lex, &cached), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_add_dir(lex, SMALL, &cached), SPIRAL_OK);
    ck_assert_int_eq(spiral_lexicon_set_cache(lex, cache_dir, &cached), SPIRAL_EINVAL);
    spiral_lexicon_free(lex);
    remove_cache_dir();
}
END_TEST

START_TEST(a_directory_that_cannot_be_written_is_no_error)
{
    spiral_buf want = SPIRAL_BUF_INIT;
    spiral_lexicon *lex;
    char blocked[600];

    make_cache_dir();
    /* Under a regular file no directory can be made (even as root). */
    snprintf(blocked, sizeof blocked, "%s/file", cache_dir);
    put_file(blocked, "x", 1);
    snprintf(blocked, sizeof blocked, "%s/file/cache", cache_dir);
    lex = load(SMALL, NULL, NULL);
    describe(&want, lex, texts);
    spiral_lexicon_free(lex);
    expect_same(SMALL, NULL, blocked, 0, &want);
    expect_same(SMALL, NULL, blocked, 0, &want);
    spiral_buf_free(&want);
    remove_cache_dir();
}
END_TEST

/* A file in cache_dir, last written seconds_ago seconds ago. */
static void aged_file(const char *name, long seconds_ago)
{
    char path[512];
    struct timespec t[2];

    snprintf(path, sizeof path, "%s/%s", cache_dir, name);
    put_file(path, "old", 3);
    clock_gettime(CLOCK_REALTIME, &t[0]);
    t[0].tv_sec -= seconds_ago;
    t[1] = t[0];
    ck_assert_int_eq(utimensat(AT_FDCWD, path, t, 0), 0);
}

static int exists_in_cache(const char *name)
{
    char path[512];
    struct stat st;

    snprintf(path, sizeof path, "%s/%s", cache_dir, name);
    return stat(path, &st) == 0;
}

/* Each list of lexicon files (by path) has a cache file of its own, so
 * runs over lexicons in new places leave them behind: a directory keeps
 * the eight written last (the new one among them), loses temporary files
 * older than an hour, and keeps everything else in it. */
START_TEST(old_cache_files_are_removed)
{
    char name[64];
    int k, left = 0;
    spiral_lexicon *lex;
    struct dirent *d;
    DIR *dp;

    make_cache_dir();
    for (k = 1; k <= 10; k++) {
        snprintf(name, sizeof name, "lexicon-%016x.cache", k);
        aged_file(name, 86400L * k); /* k days old */
    }
    aged_file("lexicon-00000000000000aa.cache.Ab12Cd", 7200);
    aged_file("lexicon-00000000000000bb.cache.Ef34Gh", 5);
    aged_file("lexicon-notours.cache", 86400L * 30);
    aged_file("notes.txt", 86400L * 30);
    lex = load(SMALL, NULL, cache_dir);
    ck_assert_int_eq(spiral_lexicon_cached(lex), 0);
    spiral_lexicon_free(lex);
    /* the new file and the seven newest of the old ones */
    for (k = 1; k <= 10; k++) {
        snprintf(name, sizeof name, "lexicon-%016x.cache", k);
        ck_assert_msg(exists_in_cache(name) == (k <= 7), "%s", name);
    }
    ck_assert(!exists_in_cache("lexicon-00000000000000aa.cache.Ab12Cd"));
    ck_assert(exists_in_cache("lexicon-00000000000000bb.cache.Ef34Gh"));
    ck_assert(exists_in_cache("lexicon-notours.cache"));
    ck_assert(exists_in_cache("notes.txt"));
    ck_assert_ptr_nonnull(dp = opendir(cache_dir));
    while ((d = readdir(dp)) != NULL)
        left += strncmp(d->d_name, "lexicon-", 8) == 0 && strlen(d->d_name) == 30;
    closedir(dp);
    ck_assert_int_eq(left, 8);
    /* and the new file serves the next load */
    lex = load(SMALL, NULL, cache_dir);
    ck_assert_int_eq(spiral_lexicon_cached(lex), 1);
    spiral_lexicon_free(lex);
    remove_cache_dir();
}
END_TEST

/* Load SMALL through a cache file whose bytes are image[0..len): the
 * lexicon must come out whole; *cached gets whether it came from the
 * file. */
static void load_damaged(const char *path, const void *image, size_t len, spiral_buf *got,
                         int *cached)
{
    spiral_lexicon *lex;

    put_file(path, image, len);
    lex = load(SMALL, NULL, cache_dir);
    *cached = spiral_lexicon_cached(lex);
    describe(got, lex, texts);
    spiral_lexicon_free(lex);
}

START_TEST(damaged_files_fall_back_to_the_sources)
{
    spiral_buf want = SPIRAL_BUF_INIT, got = SPIRAL_BUF_INIT;
    spiral_lexicon *lex;
    char path[512], *good, *bad;
    size_t len, i, step;
    int cached;

    make_cache_dir();
    lex = load(SMALL, NULL, cache_dir);
    describe(&want, lex, texts);
    spiral_lexicon_free(lex);
    cache_file(path, sizeof path);
    good = get_file(path, &len);
    bad = malloc(len);
    /* Truncated anywhere, or grown: not taken, the lexicon as it should be. */
    for (i = 0; i < len; i += len / 7 + 1) {
        load_damaged(path, good, i, &got, &cached);
        ck_assert_int_eq(cached, 0);
        ck_assert_str_eq(got.data, want.data);
    }
    memcpy(bad, good, len);
    load_damaged(path, bad, len - 1, &got, &cached);
    ck_assert_int_eq(cached, 0);
    /* Garbage of the right length. */
    for (i = 0; i < len; i++)
        bad[i] = (char)(i * 131 + 7);
    load_damaged(path, bad, len, &got, &cached);
    ck_assert_int_eq(cached, 0);
    ck_assert_str_eq(got.data, want.data);
    /* One byte changed: in the head (every byte of it counts: magic,
     * version, build, sizes, where the arrays are), or past it, where the
     * checksum tells. */
    for (i = 0; i < 512 && i < len; i++) {
        memcpy(bad, good, len);
        bad[i] ^= 0x41;
        load_damaged(path, bad, len, &got, &cached);
        ck_assert_msg(cached == 0, "byte %zu changed, file taken", i);
    }
    step = len / 97 + 1;
    for (i = 512; i < len; i += step) {
        memcpy(bad, good, len);
        bad[i] ^= 0x41;
        load_damaged(path, bad, len, &got, &cached);
        ck_assert_msg(cached == 0, "byte %zu changed, file taken", i);
        ck_assert_str_eq(got.data, want.data);
    }
    /* The intact file again is taken. */
    load_damaged(path, good, len, &got, &cached);
    ck_assert_int_eq(cached, 1);
    ck_assert_str_eq(got.data, want.data);
    /* Changed with the checksum put right (a hostile file): whether taken
     * or not, nothing reads outside the arrays (the sanitizers check) and
     * the texts can be analysed. */
    for (i = 0; i < len; i += step / 3 + 1) {
        int k;

        for (k = 0; k < 3; k++) {
            static const unsigned char v[] = { 0xFF, 0x7F, 0x01 };

            memcpy(bad, good, len);
            bad[i] = (char)v[k];
            if (i + 3 < len)
                bad[i + 3] = (char)(k == 2 ? 0x80 : v[k]);
            ck_assert_int_eq(spiral_lexcache_reseal(bad, len), 0);
            load_damaged(path, bad, len, &got, &cached);
        }
    }
    /* A directory where the file should be. */
    ck_assert_int_eq(remove(path), 0);
    ck_assert_int_eq(mkdir(path, 0777), 0);
    lex = load(SMALL, NULL, cache_dir);
    ck_assert_int_eq(spiral_lexicon_cached(lex), 0);
    spiral_lexicon_free(lex);
    ck_assert_int_eq(rmdir(path), 0);
    free(good);
    free(bad);
    spiral_buf_free(&want);
    spiral_buf_free(&got);
    remove_cache_dir();
}
END_TEST

Suite *lexcache_suite(void)
{
    Suite *s = suite_create("lexcache");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, cache_gives_the_lexicon_of_the_files);
    tcase_add_test(tc, a_changed_byte_is_not_taken_from_the_cache);
    tcase_add_test(tc, errors_are_those_without_a_cache);
    tcase_add_test(tc, a_directory_that_cannot_be_written_is_no_error);
    tcase_add_test(tc, damaged_files_fall_back_to_the_sources);
    tcase_add_test(tc, old_cache_files_are_removed);
    suite_add_tcase(s, tc);
    return s;
}
