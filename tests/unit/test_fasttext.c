/* test_fasttext.c — fastText subword vectors (src/engine/models/fasttext.c) and its .bin/.vec
 * files (src/engine/formats/fasttext_bin.c), checked against the real fastText:
 *   - tests/ref/fasttext/tiny.bin was trained by Debian's `fasttext` 0.9.2; expected.vec is
 *     what its print-word-vectors says for in-vocabulary and OOV words (Turkish and ASCII),
 *     ngrams.tsv the n-grams its print-ngrams lists with the row each reads (written by
 *     tests/ref/make_fasttext_fixtures.py). Our vectors match to 1e-5, our n-grams and rows
 *     (so our hash, with its signed-char quirk) exactly.
 *   - the real binary reads the .bin we write and prints the same vectors (it must be
 *     installed: `make deps` installs Debian's fasttext).
 *   - hostile files: wrong magic, other versions, quantized, truncated at every offset of the
 *     header and dictionary, matrices that disagree with the args, absurd counts.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmpdir.h"
#include "core/io.h"
#include "formats/fasttext_bin.h"
#include "formats/w2v.h"
#include "models/fasttext.h"
#include "models/vectors.h"

#ifndef FT_FIXTURES
#define FT_FIXTURES "tests/ref/fasttext"
#endif
#define TINY FT_FIXTURES "/tiny.bin"

TestSuite(fasttext, .init = tmp_setup, .fini = tmp_teardown);

static void load_tiny(FastText *ft, size_t limit)
{
    TzErr e;
    int rc = ft_bin_load(ft, TINY, limit, &e);
    cr_assert_eq(rc, 0, "loading %s: %s", TINY, e.en);
}

/* expected.vec: "word v1 … v10 " lines. Returns how many were read into words/vals. */
static size_t read_expected(const char *path, char words[][64], float vals[][10], size_t cap)
{
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "missing fixture %s", path);
    char line[1024];
    size_t n = 0;
    while (n < cap && fgets(line, sizeof line, f)) {
        char *tok = strtok(line, " \n");
        if (!tok) continue;
        snprintf(words[n], 64, "%s", tok);
        for (int j = 0; j < 10; j++) {
            tok = strtok(NULL, " \n");
            cr_assert_not_null(tok, "short line for %s in %s", words[n], path);
            vals[n][j] = strtof(tok, NULL);
        }
        n++;
    }
    fclose(f);
    return n;
}

static void check_vectors_match(const FastText *ft, const char *expected)
{
    static char words[64][64];
    static float vals[64][10];
    size_t n = read_expected(expected, words, vals, 64);
    cr_assert_geq(n, 15);
    float v[10];
    for (size_t i = 0; i < n; i++) {
        ft_word_vector(ft, words[i], v);
        for (int j = 0; j < 10; j++)
            cr_assert(fabsf(v[j] - vals[i][j]) <= 1e-5f, "%s[%d]: ours %.7g, fastText %.7g", words[i],
                      j, v[j], vals[i][j]);
    }
}

/* ---- the n-grams and the hash ------------------------------------------------------------- */

Test(fasttext, hash_is_fnv1a_with_signed_bytes)
{
    cr_assert_eq(ft_hash("", 0), 2166136261u);
    cr_assert_eq(ft_hash("a", 1), 0xe40c292cu);          /* the published FNV-1a 32 of "a" */
    cr_assert_eq(ft_hash("foobar", 6), 0xbf9cf968u);     /* ASCII: the same as plain FNV-1a */
    /* "ğ" = C4 9F. Plain FNV-1a would XOR 0xC4; fastText XORs (int8_t)0xC4 = 0xFFFFFFC4. */
    uint32_t h = 2166136261u;
    h = (h ^ 0xFFFFFFC4u) * 16777619u;
    h = (h ^ 0xFFFFFF9Fu) * 16777619u;
    cr_assert_eq(ft_hash("\xC4\x9F", 2), h);
    uint32_t plain = ((2166136261u ^ 0xC4u) * 16777619u ^ 0x9Fu) * 16777619u;
    cr_assert_neq(h, plain);
}

typedef struct { char g[16][32]; size_t n; } Grams;
static int collect(const char *g, size_t len, uint32_t h, void *ud)
{
    Grams *c = ud;
    cr_assert_eq(h, ft_hash(g, len));
    cr_assert_lt(c->n, 16);
    snprintf(c->g[c->n++], 32, "%.*s", (int)len, g);
    return 0;
}

Test(fasttext, ngrams_count_characters_not_bytes)
{
    static const char *want[] = {"<ağ", "<ağa", "<ağaç", "<ağaç>", "ağa", "ağaç", "ağaç>", "ğaç", "ğaç>", "aç>"};
    Grams c = {.n = 0};
    ft_ngrams("ağaç", strlen("ağaç"), 3, 6, collect, &c);
    cr_assert_eq(c.n, 10);
    for (size_t i = 0; i < 10; i++) cr_assert_str_eq(c.g[i], want[i]);
    /* minn = 1: single characters, but not a lone marker */
    c.n = 0;
    ft_ngrams("İ", strlen("İ"), 1, 1, collect, &c);
    cr_assert_eq(c.n, 1);
    cr_assert_str_eq(c.g[0], "İ");
    c.n = 0;
    ft_ngrams("</s>", 4, 3, 6, collect, &c);
    cr_assert_eq(c.n, 0);
    ft_ngrams("kitap", 5, 3, 0, collect, &c);
    cr_assert_eq(c.n, 0);
}

/* ngrams.tsv: the n-grams fastText's print-ngrams lists, with the row each reads. */
Test(fasttext, subwords_and_rows_match_fasttext)
{
    FastText ft;
    load_tiny(&ft, 0);
    FILE *f = fopen(FT_FIXTURES "/ngrams.tsv", "r");
    cr_assert_not_null(f);
    char line[256], cur[64] = "";
    FtSubwordList l = {0};
    size_t k = 0, lines = 0, turkish = 0;
    while (fgets(line, sizeof line, f)) {
        char *w = strtok(line, "\t"), *g = strtok(NULL, "\t"), *r = strtok(NULL, "\t\n");
        cr_assert(w && g && r);
        if (strcmp(w, cur) != 0) {
            if (cur[0]) cr_assert_eq(k, l.n, "%s: fastText lists %zu subwords, we %zu", cur, k, l.n);
            ft_subwords_free(&l);
            ft_subwords(&ft, w, &l);
            snprintf(cur, sizeof cur, "%s", w);
            k = 0;
        }
        cr_assert_lt(k, l.n, "%s: fastText has more subwords than our %zu", w, l.n);
        cr_assert_str_eq(l.items[k].text, g, "%s: subword %zu", w, k);
        cr_assert_eq(l.items[k].row, strtoll(r, NULL, 10), "%s: row of %s", w, g);
        cr_assert_eq(l.items[k].hash, ft_hash(g, strlen(g)));
        for (const char *p = g; *p; p++) turkish += (unsigned char)*p >= 0x80;
        k++;
        lines++;
    }
    cr_assert_eq(k, l.n, "%s: fastText lists %zu subwords, we %zu", cur, k, l.n);
    cr_assert_gt(lines, 100);
    cr_assert_gt(turkish, 50, "the fixture exercises bytes ≥ 0x80");
    fclose(f);
    ft_subwords_free(&l);
    ft_free(&ft);
}

/* ---- vectors against print-word-vectors --------------------------------------------------- */

Test(fasttext, reads_the_bin_fasttext_wrote)
{
    FastText ft;
    load_tiny(&ft, 0);
    cr_assert_eq(ft.args.dim, 10);
    cr_assert_eq(ft.args.bucket, 2000);
    cr_assert_eq(ft.args.minn, 3);
    cr_assert_eq(ft.args.maxn, 6);
    cr_assert_eq(ft.args.model, FT_MODEL_SG);
    cr_assert_eq(ft.args.loss, FT_LOSS_NS);
    cr_assert_eq(ft.args.min_count, 1);
    cr_assert_eq(ft.nwords, 41);
    cr_assert_eq(ft.nlabels, 0);
    cr_assert_eq(ft.in_rows, 41 + 2000);
    cr_assert_eq(ft.out_rows, 41);
    cr_assert_eq(ft.pruneidx_size, -1);
    cr_assert(vocab_find(&ft.dict, "kitaplarımızdan", strlen("kitaplarımızdan")) >= 0);
    /* fastText sorts its dictionary by count: </s> (one per line) comes first here */
    for (size_t i = 1; i < ft.nwords; i++) cr_assert_geq(ft.dict.counts[i - 1], ft.dict.counts[i]);
    cr_assert_eq(ft.file.mapped, 1, "the matrices stay in the file's mapping");
    ft_free(&ft);
}

Test(fasttext, word_vectors_match_print_word_vectors)
{
    FastText ft;
    load_tiny(&ft, 0);
    check_vectors_match(&ft, FT_FIXTURES "/expected.vec");
    /* the OOV ones really are OOV, and the in-vocabulary ones are in it */
    cr_assert_lt(vocab_find(&ft.dict, "kitaplarımızdaki", strlen("kitaplarımızdaki")), 0);
    cr_assert_lt(vocab_find(&ft.dict, "İzmir", strlen("İzmir")), 0);
    cr_assert_geq(vocab_find(&ft.dict, "İstanbul", strlen("İstanbul")), 0);
    ft_free(&ft);
}

Test(fasttext, vectors_table_for_similar_and_analogy)
{
    FastText ft;
    load_tiny(&ft, 0);
    Vectors v;
    TzErr e;
    cr_assert_eq(ft_to_vectors(&ft, 0, &v, NULL, &e), 0, "%s", e.en);
    cr_assert_eq(v.n, ft.nwords);
    cr_assert_eq(v.dim, 10);
    cr_assert_not_null(v.inv_norm);
    float w[10];
    for (size_t i = 0; i < v.n; i++) {
        cr_assert_str_eq(vocab_word(&v.words, i), vocab_word(&ft.dict, i));
        ft_word_vector(&ft, vocab_word(&ft.dict, i), w);
        cr_assert_eq(memcmp(w, vectors_row(&v, i), sizeof w), 0);
    }
    vectors_free(&v);
    cr_assert_eq(ft_to_vectors(&ft, 5, &v, NULL, &e), 0);
    cr_assert_eq(v.n, 5);
    vectors_free(&v);
    ft_free(&ft);
}

Test(fasttext, limit_keeps_the_most_frequent_words)
{
    FastText ft;
    load_tiny(&ft, 5);
    cr_assert_eq(ft.nwords, 5);
    cr_assert_eq(ft.nwords_file, 41);
    /* a word past the limit becomes OOV: the mean of its n-gram rows only */
    const char *w = vocab_word(&ft.dict, 4);
    (void)w;
    FastText full;
    load_tiny(&full, 0);
    const char *last = vocab_word(&full.dict, 40);
    cr_assert_lt(vocab_find(&ft.dict, last, strlen(last)), 0);
    FtSubwordList l;
    ft_subwords(&full, last, &l);
    cr_assert(l.items[0].is_word);
    float want[10] = {0}, got[10], row[10];
    for (size_t i = 1; i < l.n; i++) {
        ft_input_row(&full, (size_t)l.items[i].row, row);
        for (int j = 0; j < 10; j++) want[j] += row[j];
    }
    cr_assert_eq(ft_word_vector(&ft, last, got), l.n - 1);
    for (int j = 0; j < 10; j++) cr_assert(fabsf(got[j] - want[j] / (float)(l.n - 1)) < 1e-6f);
    ft_subwords_free(&l);
    TzErr e;
    cr_assert_eq(ft_bin_save(&ft, tmp_path("x.bin"), &e), TZ_E_ARG);
    cr_assert(!tz_exists(tmp_path("x.bin")));
    ft_free(&ft);
    ft_free(&full);
}

/* ---- writing ------------------------------------------------------------------------------ */

Test(fasttext, bin_round_trip_is_byte_identical)
{
    FastText ft;
    load_tiny(&ft, 0);
    TzErr e;
    cr_assert_eq(ft_bin_save(&ft, tmp_path("ours.bin"), &e), 0, "%s", e.en);
    size_t a, b;
    char *orig = tmp_slurp(TINY, &a), *ours = tmp_slurp(tmp_path("ours.bin"), &b);
    cr_assert_eq(a, b);
    cr_assert_eq(memcmp(orig, ours, a), 0, "our .bin differs from fastText's");
    free(orig);
    free(ours);
    ft_free(&ft);
}

/* The real peer reads what we wrote. */
Test(fasttext, real_fasttext_reads_our_bin)
{
    cr_assert_eq(system("command -v fasttext >/dev/null 2>&1"), 0,
                 "the fasttext binary is missing: run `make deps` (Debian package fasttext)");
    FastText ft;
    load_tiny(&ft, 0);
    TzErr e;
    /* Change the model, so that fastText cannot pass by reading the original bytes: scale
     * the input matrix by 2 (every word vector doubles). */
    size_t nbytes = ft.in_rows * 10 * 4;
    float *in = malloc(nbytes);
    memcpy(in, ft.input, nbytes);
    for (size_t i = 0; i < ft.in_rows * 10; i++) in[i] *= 2.0f;
    ft.input = (const char *)in;
    cr_assert_eq(ft_bin_save(&ft, tmp_path("ours.bin"), &e), 0, "%s", e.en);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "fasttext print-word-vectors %s < %s/words.txt > %s",
             tmp_path("ours.bin"), FT_FIXTURES, tmp_path("peer.vec"));
    cr_assert_eq(system(cmd), 0, "fasttext print-word-vectors failed on our .bin");
    static char words[64][64];
    static float vals[64][10];
    size_t n = read_expected(tmp_path("peer.vec"), words, vals, 64);
    cr_assert_geq(n, 15);
    float v[10];
    for (size_t i = 0; i < n; i++) {
        ft_word_vector(&ft, words[i], v);
        for (int j = 0; j < 10; j++)
            cr_assert(fabsf(v[j] - vals[i][j]) <= 1e-5f, "%s[%d]: ours %.7g, fastText %.7g",
                      words[i], j, v[j], vals[i][j]);
    }
    snprintf(cmd, sizeof cmd, "echo 'ağaç' | fasttext nn %s 3 > %s 2>&1", tmp_path("ours.bin"),
             tmp_path("nn.txt"));
    cr_assert_eq(system(cmd), 0, "fasttext nn failed on our .bin");
    ft.input = NULL;
    free(in);
    ft_free(&ft);
}

Test(fasttext, vec_save_and_load)
{
    FastText ft;
    load_tiny(&ft, 0);
    TzErr e;
    cr_assert_eq(ft_vec_save(&ft, tmp_path("t.vec"), &e), 0, "%s", e.en);
    Vectors v;
    cr_assert_eq(ft_vec_load(&v, tmp_path("t.vec"), 0, &e), 0, "%s", e.en);
    cr_assert_eq(v.n, ft.nwords);
    float w[10];
    for (size_t i = 0; i < v.n; i++) {
        cr_assert_str_eq(vocab_word(&v.words, i), vocab_word(&ft.dict, i));
        ft_word_vector(&ft, vocab_word(&ft.dict, i), w);
        cr_assert_eq(memcmp(w, vectors_row(&v, i), sizeof w), 0, "%.9g written exactly", w[0]);
    }
    vectors_free(&v);
    ft_free(&ft);
}

/* ---- hostile files ------------------------------------------------------------------------ */

static char *tiny_bytes(size_t *n)
{
    char *d = tmp_slurp(TINY, n);
    cr_assert_not_null(d);
    return d;
}

static void put32(char *d, size_t off, int32_t x) { memcpy(d + off, &x, 4); }
static void put64(char *d, size_t off, int64_t x) { memcpy(d + off, &x, 8); }

/* Offset of the quant flag: after the dictionary entries (no pruneidx in tiny.bin). */
static size_t quant_offset(const char *d, size_t n)
{
    int32_t size;
    memcpy(&size, d + 64, 4);
    size_t o = 92;
    for (int32_t i = 0; i < size; i++) {
        const char *z = memchr(d + o, 0, n - o);
        o = (size_t)(z - d) + 1 + 9;
    }
    return o;
}

/* Parse d[0..n) from an exact-size copy (so ASan sees an over-read); expect code, and the
 * words en (English) and tr (Turkish) in the messages, and the file name. */
static void expect_bad(const char *d, size_t n, TzCode code, const char *en, const char *tr)
{
    char *buf = malloc(n ? n : 1);
    memcpy(buf, d, n);
    FastText ft;
    TzErr e;
    tz_err_clear(&e);
    int rc = ft_bin_parse(&ft, buf, n, "t.bin", 0, &e);
    cr_assert_eq(rc, (int)code, "wanted %d, got %d (n=%zu): %s", code, rc, n, e.en);
    cr_assert_null(ft.input);
    cr_assert_eq(ft.dict.size, 0);
    cr_assert(strstr(e.en, "t.bin"), "names the file: %s", e.en);
    if (en) cr_assert(strstr(e.en, en), "English message lacks '%s': %s", en, e.en);
    if (tr) cr_assert(strstr(e.tr, tr), "Turkish message lacks '%s': %s", tr, e.tr);
    free(buf);
}

Test(fasttext, hostile_magic_and_version)
{
    size_t n;
    char *d = tiny_bytes(&n);
    put32(d, 0, 12345);
    expect_bad(d, n, TZ_E_FORMAT, "byte 0 (magic)", "sihirli");
    expect_bad("3 10\nkral 0.1", 14, TZ_E_FORMAT, "load it as a vector file", ".vec");
    put32(d, 0, FT_MAGIC);
    put32(d, 4, 11);
    expect_bad(d, n, TZ_E_FORMAT, "byte 4 (version): version 11", "sürüm 11");
    put32(d, 4, 13);
    expect_bad(d, n, TZ_E_FORMAT, "version 13", "sürüm 13");
    expect_bad(d, 0, TZ_E_FORMAT, "empty", "boş");
    free(d);
}

Test(fasttext, hostile_quantized_and_flags)
{
    size_t n;
    char *d = tiny_bytes(&n);
    size_t q = quant_offset(d, n);
    cr_assert_eq(d[q], 0);
    d[q] = 1;
    expect_bad(d, n, TZ_E_FORMAT, "quantized", "nicemlenmiş");
    d[q] = 7;
    expect_bad(d, n, TZ_E_FORMAT, "(quant)", NULL);
    d[q] = 0;
    size_t qout = q + 1 + 16 + (41 + 2000) * 40;
    cr_assert_eq(d[qout], 0);
    d[qout] = 1;
    expect_bad(d, n, TZ_E_FORMAT, "(qout): this is a quantized", NULL);
    free(d);
}

Test(fasttext, hostile_truncated_everywhere)
{
    size_t n;
    char *d = tiny_bytes(&n);
    size_t q = quant_offset(d, n);
    /* every length inside the header and the dictionary, then a sample through the matrices */
    for (size_t k = 1; k < n; k += k < q + 40 ? 1 : 331) {
        char *buf = malloc(k);
        memcpy(buf, d, k);
        FastText ft;
        TzErr e;
        int rc = ft_bin_parse(&ft, buf, k, "t.bin", 0, &e);
        cr_assert_eq(rc, TZ_E_FORMAT, "truncated at %zu: rc %d", k, rc);
        cr_assert(strstr(e.en, "t.bin', byte "), "at %zu: %s", k, e.en);
        cr_assert(strstr(e.en, "truncated") || strstr(e.en, "ends"), "at %zu: %s", k, e.en);
        free(buf);
    }
    /* and one byte too many */
    char *more = malloc(n + 1);
    memcpy(more, d, n);
    more[n] = 0;
    expect_bad(more, n + 1, TZ_E_FORMAT, "1 extra bytes", NULL);
    free(more);
    free(d);
}

Test(fasttext, hostile_args_disagree_with_matrices)
{
    size_t n;
    char *d = tiny_bytes(&n);
    put32(d, 8, 11);                                  /* dim 11, matrix has 10 columns */
    expect_bad(d, n, TZ_E_FORMAT, "10 columns but args.dim says 11", "sütunu");
    put32(d, 8, 0);
    expect_bad(d, n, TZ_E_FORMAT, "(args.dim)", NULL);
    put32(d, 8, 10);
    put32(d, 40, 1999);                               /* bucket 1999: m = 41 + 2000 */
    expect_bad(d, n, TZ_E_FORMAT, "2041 rows, expected 2040 (nwords 41 + bucket 1999)", "satırı");
    put32(d, 40, -5);
    expect_bad(d, n, TZ_E_FORMAT, "(args.bucket)", NULL);
    /* a huge bucket and a matrix header that agrees: the floats are not there */
    put32(d, 40, 2000000000);
    size_t q = quant_offset(d, n);
    put64(d, q + 1, 41 + 2000000000LL);
    expect_bad(d, n, TZ_E_FORMAT, "truncated", "yarım");
    put32(d, 40, 2000);
    put64(d, q + 1, 2041);
    put32(d, 36, 9);                                  /* model 9 */
    expect_bad(d, n, TZ_E_FORMAT, "(args.model)", NULL);
    free(d);
}

Test(fasttext, hostile_dictionary)
{
    size_t n;
    char *d = tiny_bytes(&n);
    char *o = malloc(n);
    memcpy(o, d, n);
    put32(d, 64, INT32_MAX);                          /* size: 2^31 entries in 84 kB */
    put32(d, 68, INT32_MAX);
    expect_bad(d, n, TZ_E_FORMAT, "2147483647 entries, each at least 10 bytes", "kayıt");
    memcpy(d, o, n);
    put32(d, 68, 40);                                 /* nwords + nlabels != size */
    expect_bad(d, n, TZ_E_FORMAT, "(dictionary.nlabels)", NULL);
    memcpy(d, o, n);
    put32(d, 64, -1);
    expect_bad(d, n, TZ_E_FORMAT, "(dictionary.size)", NULL);
    memcpy(d, o, n);
    put64(d, 84, 1LL << 40);                          /* pruneidx_size absurd */
    expect_bad(d, n, TZ_E_FORMAT, "(dictionary.pruneidx_size)", NULL);
    memcpy(d, o, n);
    /* counts: the first two entries at INT64_MAX overflow the total */
    size_t e1 = (size_t)((const char *)memchr(d + 92, 0, n - 92) - d) + 1;
    put64(d, e1, INT64_MAX);
    size_t e2 = (size_t)((const char *)memchr(d + e1 + 9, 0, n - e1 - 9) - d) + 1;
    put64(d, e2, INT64_MAX);
    expect_bad(d, n, TZ_E_FORMAT, "overflows 64 bits", "64 bite");
    memcpy(d, o, n);
    put64(d, e1, -3);
    expect_bad(d, n, TZ_E_FORMAT, "count is -3", NULL);
    memcpy(d, o, n);
    d[e1 + 8] = 1;                                    /* a label among the words */
    expect_bad(d, n, TZ_E_FORMAT, "the type is 1, expected 0", NULL);
    memcpy(d, o, n);
    /* a duplicate word: copy the first word over the second (same length needed) */
    size_t l1 = e1 - 1 - 92, l2 = e2 - 1 - (e1 + 9);
    if (l1 == l2) {
        memcpy(d + e1 + 9, d + 92, l1);
        expect_bad(d, n, TZ_E_FORMAT, "twice", NULL);
    }
    memcpy(d, o, n);
    d[92] = 0;                                        /* an empty word */
    expect_bad(d, n, TZ_E_FORMAT, "the word is empty", NULL);
    free(o);
    free(d);
}

/* A model without subwords (maxn = 0, as supervised models have): OOV words are zero. */
Test(fasttext, no_subwords_gives_zero_for_oov)
{
    size_t n;
    char *d = tiny_bytes(&n);
    put32(d, 48, 0);
    FastText ft;
    TzErr e;
    cr_assert_eq(ft_bin_parse(&ft, d, n, "t.bin", 0, &e), 0, "%s", e.en);
    float v[10], row[10];
    for (int j = 0; j < 10; j++) v[j] = 1;
    cr_assert_eq(ft_word_vector(&ft, "xyzq", v), 0);
    for (int j = 0; j < 10; j++) cr_assert_eq(v[j], 0.0f);
    cr_assert_eq(ft_word_vector(&ft, "ağaç", v), 1);
    ft_input_row(&ft, (size_t)vocab_find(&ft.dict, "ağaç", strlen("ağaç")), row);
    cr_assert_eq(memcmp(v, row, sizeof v), 0);
    ft_free(&ft);
    free(d);
}
