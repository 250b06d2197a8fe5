/* test_vocab.c — the vocabulary of src/engine/core/vocab.c: lookup, growth, frequency order,
 * pruning, subsampling probabilities, the negative-sampling table and the Zipf fit. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/vocab.h"

static size_t add(Vocab *v, const char *w, int64_t count) { return vocab_add(v, w, strlen(w), count); }
static int64_t find(const Vocab *v, const char *w) { return vocab_find(v, w, strlen(w)); }

Test(vocab, add_and_find)
{
    Vocab v;
    vocab_init(&v);
    cr_assert_eq(find(&v, "kedi"), -1, "lookup in an empty vocabulary");
    cr_assert_eq(add(&v, "kedi", 3), 0);
    cr_assert_eq(add(&v, "k\xC3\xB6pek", 1), 1);
    cr_assert_eq(add(&v, "kedi", 2), 0);
    cr_assert_eq(add(&v, "", 1), 2, "the empty string is a word like any other");
    cr_assert_eq(v.size, 3);
    cr_assert_eq(v.counts[0], 5);
    cr_assert_eq(v.counts[1], 1);
    cr_assert_eq(v.total, 7);
    cr_assert_str_eq(vocab_word(&v, 0), "kedi");
    cr_assert_str_eq(vocab_word(&v, 1), "k\xC3\xB6pek");
    cr_assert_eq(find(&v, "kedi"), 0);
    cr_assert_eq(find(&v, "k\xC3\xB6pek"), 1);
    cr_assert_eq(find(&v, ""), 2);
    cr_assert_eq(find(&v, "yok"), -1);
    /* prefixes and extensions are different words */
    cr_assert_eq(find(&v, "ked"), -1);
    cr_assert_eq(find(&v, "kediler"), -1);
    /* the length bounds the word: "kedi" inside a longer buffer */
    cr_assert_eq(vocab_find(&v, "kediler", 4), 0);
    cr_assert_eq(vocab_add(&v, "kediler", 4, 1), 0);
    cr_assert_eq(v.counts[0], 6);
    /* case matters: no folding in the vocabulary */
    cr_assert_eq(find(&v, "Kedi"), -1);
    vocab_free(&v);
    cr_assert_eq(v.size, 0);
    cr_assert_null(v.pool);
    vocab_free(&v);   /* twice: safe on a zeroed struct */
}

Test(vocab, growth_past_many_rehashes)
{
    Vocab v;
    vocab_init(&v);
    const size_t N = 100000;
    char w[32];
    int64_t total = 0;
    for (size_t i = 0; i < N; i++) {
        int len = snprintf(w, sizeof w, "w%zu\xC3\xA7", i);
        size_t id = vocab_add(&v, w, (size_t)len, (int64_t)(i % 7) + 1);
        if (id != i) cr_assert_fail("word %zu got id %zu", i, id);
        total += (int64_t)(i % 7) + 1;
    }
    cr_assert_eq(v.size, N);
    cr_assert_eq(v.total, total);
    cr_assert((v.nslots & (v.nslots - 1)) == 0, "nslots %zu is not a power of two", v.nslots);
    cr_assert(v.nslots >= 2 * v.size, "load factor above 0.5: %zu slots for %zu words", v.nslots, v.size);
    /* every word is still found after all the rehashes, and adding again only counts */
    for (size_t i = 0; i < N; i++) {
        int len = snprintf(w, sizeof w, "w%zu\xC3\xA7", i);
        if (vocab_find(&v, w, (size_t)len) != (int64_t)i) cr_assert_fail("lost word %s", w);
        if (strcmp(vocab_word(&v, i), w) != 0) cr_assert_fail("word %zu reads back as %s", i, vocab_word(&v, i));
        if (v.counts[i] != (int64_t)(i % 7) + 1) cr_assert_fail("count of %s is %lld", w, (long long)v.counts[i]);
    }
    cr_assert_eq(vocab_add(&v, "w12345\xC3\xA7", 8, 10), 12345);
    cr_assert_eq(v.size, N);
    cr_assert_eq(v.counts[12345], 12345 % 7 + 1 + 10);
    cr_assert_eq(find(&v, "w100000\xC3\xA7"), -1);
    cr_assert_eq(find(&v, "w1"), -1);
    vocab_free(&v);
}

Test(vocab, sort_order_and_pruning)
{
    Vocab v;
    vocab_init(&v);
    /* old ids:    0 b:3   1 a:3   2 c:5   3 d:1   4 e:2   5 ç:3   6 z:3 */
    add(&v, "b", 3);
    add(&v, "a", 3);
    add(&v, "c", 5);
    add(&v, "d", 1);
    add(&v, "e", 2);
    add(&v, "\xC3\xA7", 3);
    add(&v, "z", 3);
    int64_t *remap = NULL;
    vocab_sort(&v, 2, &remap);
    /* count descending; ties in byte order, so ASCII z (0x7A) comes before ç (0xC3 0xA7) */
    const char *want[] = { "c", "a", "b", "z", "\xC3\xA7", "e" };
    int64_t want_count[] = { 5, 3, 3, 3, 3, 2 };
    cr_assert_eq(v.size, 6);
    for (size_t i = 0; i < 6; i++) {
        cr_expect_str_eq(vocab_word(&v, i), want[i], "id %zu is %s, want %s", i, vocab_word(&v, i), want[i]);
        cr_expect_eq(v.counts[i], want_count[i]);
        cr_expect_eq(find(&v, want[i]), (int64_t)i, "lookup after sort");
    }
    cr_assert_eq(find(&v, "d"), -1, "d (count 1 < min_count 2) was dropped");
    cr_assert_eq(v.total, 5 + 3 * 4 + 2, "the total counts the kept words only");
    int64_t want_map[] = { 2, 1, 0, -1, 5, 4, 3 };
    for (size_t i = 0; i < 7; i++)
        cr_expect_eq(remap[i], want_map[i], "remap[%zu] = %lld, want %lld", i, (long long)remap[i],
                     (long long)want_map[i]);
    free(remap);
    /* sorting again is stable and keeps everything with min_count 0; remap may be NULL */
    vocab_sort(&v, 0, NULL);
    cr_assert_eq(v.size, 6);
    cr_assert_str_eq(vocab_word(&v, 0), "c");
    cr_assert_str_eq(vocab_word(&v, 5), "e");
    /* a min_count above every count empties the vocabulary */
    vocab_sort(&v, 100, &remap);
    cr_assert_eq(v.size, 0);
    cr_assert_eq(v.total, 0);
    for (size_t i = 0; i < 6; i++) cr_expect_eq(remap[i], -1);
    cr_assert_eq(find(&v, "c"), -1);
    free(remap);
    vocab_free(&v);
}

Test(vocab, sort_empty_and_hapax)
{
    Vocab v;
    vocab_init(&v);
    int64_t *remap = NULL;
    vocab_sort(&v, 1, &remap);
    cr_assert_eq(v.size, 0);
    free(remap);
    cr_assert_eq(vocab_hapax(&v), 0);
    add(&v, "bir", 1);
    add(&v, "iki", 2);
    add(&v, "\xC3\xBC\xC3\xA7", 1);
    add(&v, "d\xC3\xB6rt", 1);
    add(&v, "be\xC5\x9F", 5);
    cr_assert_eq(vocab_hapax(&v), 3);
    add(&v, "bir", 1);
    cr_assert_eq(vocab_hapax(&v), 2);
    vocab_sort(&v, 2, NULL);
    cr_assert_eq(vocab_hapax(&v), 0);
    cr_assert_eq(v.size, 3);
    vocab_free(&v);
}

Test(vocab, keep_probabilities)
{
    Vocab v;
    vocab_init(&v);
    add(&v, "the", 1000);
    add(&v, "cat", 10);
    add(&v, "zebra", 1);
    /* keep = (sqrt(f/(s·T)) + 1) · s·T / f with s = 1e-3, T = 1011 (s·T = 1.011):
     *   f = 1000: (sqrt(0.989120) + 1) · 0.001011  = 0.0328072
     *   f = 10:   (sqrt(9.891197) + 1) · 0.1011    = 0.4190623
     *   f = 1:    (sqrt(0.989120) + 1) · 1.011     = 2.0164850  (≥ 1: always kept) */
    float *keep = vocab_keep_probs(&v, 1e-3);
    cr_assert_float_eq(keep[0], 0.0328072f, 1e-6);
    cr_assert_float_eq(keep[1], 0.4190623f, 1e-6);
    cr_assert_float_eq(keep[2], 2.0164850f, 1e-5);
    free(keep);
    /* sample ≤ 0 disables subsampling */
    keep = vocab_keep_probs(&v, 0);
    for (size_t i = 0; i < 3; i++) cr_assert_eq(keep[i], 1.0f);
    free(keep);
    keep = vocab_keep_probs(&v, -1);
    for (size_t i = 0; i < 3; i++) cr_assert_eq(keep[i], 1.0f);
    free(keep);
    vocab_free(&v);
    /* an empty vocabulary still returns an array that can be freed */
    vocab_init(&v);
    keep = vocab_keep_probs(&v, 1e-3);
    cr_assert_not_null(keep);
    free(keep);
}

static void table_shares(const int32_t *t, size_t size, size_t nwords, double *share)
{
    for (size_t i = 0; i < nwords; i++) share[i] = 0;
    for (size_t k = 0; k < size; k++) {
        cr_assert(t[k] >= 0 && (size_t)t[k] < nwords, "slot %zu holds id %d", k, t[k]);
        if (k > 0) cr_assert(t[k] >= t[k - 1], "table not in id order at %zu", k);
        share[t[k]] += 1.0 / (double)size;
    }
}

Test(vocab, unigram_table_proportions)
{
    Vocab v;
    vocab_init(&v);
    /* count^0.75: 16 → 8, 1 → 1, 81 → 27, 256 → 64; shares 8/100, 1/100, 27/100, 64/100 */
    add(&v, "a", 16);
    add(&v, "b", 1);
    add(&v, "c", 81);
    add(&v, "d", 256);
    size_t size = 100000;
    int32_t *t = vocab_unigram_table(&v, 0.75, size);
    cr_assert_not_null(t);
    double share[4], want[4] = { 0.08, 0.01, 0.27, 0.64 };
    table_shares(t, size, 4, share);
    for (size_t i = 0; i < 4; i++)
        cr_expect_float_eq(share[i], want[i], 1e-4, "word %zu: share %.5f, want %.5f", i, share[i], want[i]);
    free(t);
    /* power 1 gives the plain frequencies, power 0 a uniform table */
    t = vocab_unigram_table(&v, 1.0, size);
    table_shares(t, size, 4, share);
    cr_expect_float_eq(share[3], 256.0 / 354.0, 1e-4);
    cr_expect_float_eq(share[1], 1.0 / 354.0, 1e-4);
    free(t);
    t = vocab_unigram_table(&v, 0.0, size);
    table_shares(t, size, 4, share);
    for (size_t i = 0; i < 4; i++) cr_expect_float_eq(share[i], 0.25, 1e-4);
    free(t);
    cr_assert_null(vocab_unigram_table(&v, 0.75, 0));
    vocab_free(&v);
    vocab_init(&v);
    cr_assert_null(vocab_unigram_table(&v, 0.75, 100));
    vocab_free(&v);
}

Test(vocab, unigram_table_small_exact)
{
    /* Shares that are exact multiples of 1/table_size must come out exactly: every word
     * gets its slots, the last word included. */
    Vocab v;
    vocab_init(&v);
    add(&v, "x", 1);
    add(&v, "y", 1);
    int32_t *t = vocab_unigram_table(&v, 1.0, 2);
    cr_expect_eq(t[0], 0);
    cr_expect_eq(t[1], 1, "two equal words, two slots: the second slot must be word 1");
    free(t);
    add(&v, "z", 1);
    add(&v, "w", 1);
    t = vocab_unigram_table(&v, 0.75, 4);
    for (int32_t k = 0; k < 4; k++) cr_expect_eq(t[k], k, "slot %d holds %d", k, t[k]);
    free(t);
    vocab_free(&v);
    vocab_init(&v);
    add(&v, "p", 3);
    add(&v, "q", 1);
    t = vocab_unigram_table(&v, 1.0, 4);
    int32_t want[4] = { 0, 0, 0, 1 };
    for (size_t k = 0; k < 4; k++) cr_expect_eq(t[k], want[k], "slot %zu holds %d", k, t[k]);
    free(t);
    vocab_free(&v);
}

static void fill_zipf(Vocab *v, double C, double s, size_t ranks)
{
    char w[32];
    for (size_t r = 1; r <= ranks; r++) {
        int64_t c = (int64_t)llround(C / pow((double)r, s));
        if (c < 1) c = 1;
        int len = snprintf(w, sizeof w, "r%zu", r);
        vocab_add(v, w, (size_t)len, c);
    }
    vocab_sort(v, 1, NULL);
}

Test(vocab, zipf_fit)
{
    Vocab v;
    vocab_init(&v);
    fill_zipf(&v, 1e6, 1.0, 1000);
    double r2 = 0;
    double s = vocab_zipf_fit(&v, 1000, &r2);
    cr_expect_float_eq(s, 1.0, 1e-3, "exponent %.6f, want 1", s);
    cr_expect_float_eq(r2, 1.0, 1e-4, "R² %.6f, want 1", r2);
    /* max_rank limits the fit; r2 may be NULL */
    s = vocab_zipf_fit(&v, 50, NULL);
    cr_expect_float_eq(s, 1.0, 1e-3);
    vocab_free(&v);

    vocab_init(&v);
    fill_zipf(&v, 1e6, 2.0, 500);   /* counts 1e6/r² from 1e6 down to 4 */
    s = vocab_zipf_fit(&v, 10000, &r2);
    cr_expect_float_eq(s, 2.0, 1e-2, "exponent %.6f, want 2", s);
    cr_expect(r2 > 0.999, "R² %.6f", r2);
    vocab_free(&v);

    /* a flat distribution: exponent 0 */
    vocab_init(&v);
    fill_zipf(&v, 50, 0.0, 100);
    s = vocab_zipf_fit(&v, 100, &r2);
    cr_expect_float_eq(s, 0.0, 1e-9);
    vocab_free(&v);

    /* fewer than three words with count ≥ 2: no fit */
    vocab_init(&v);
    add(&v, "a", 10);
    add(&v, "b", 5);
    add(&v, "c", 1);
    add(&v, "d", 1);
    r2 = 0.5;
    cr_assert_eq(vocab_zipf_fit(&v, 100, &r2), 0.0);
    cr_assert_eq(r2, 0.0);
    vocab_free(&v);
}

/* The alias table is exact: column i gives prob[i]/V to i and (1 − prob[i])/V to alias[i];
 * summed over the columns this must be count^0.75 / Σ count^0.75 for every word. */
Test(vocab, alias_table_is_exact)
{
    Vocab v;
    vocab_init(&v);
    const char *w[] = { "a", "b", "c", "d", "e", "f", "g" };
    int64_t counts[] = { 1000, 300, 300, 45, 7, 1, 1 };
    for (int i = 0; i < 7; i++) vocab_add(&v, w[i], 1, counts[i]);
    float *prob;
    int32_t *alias;
    cr_assert_eq(vocab_alias_table(&v, 0.75, &prob, &alias), 0);
    double implied[7] = { 0 }, norm = 0;
    for (int i = 0; i < 7; i++) {
        cr_assert(prob[i] >= 0 && prob[i] <= 1);
        cr_assert(alias[i] >= 0 && alias[i] < 7);
        implied[i] += prob[i] / 7.0;
        implied[alias[i]] += (1.0 - prob[i]) / 7.0;
        norm += pow((double)counts[i], 0.75);
    }
    for (int i = 0; i < 7; i++)
        cr_assert(fabs(implied[i] - pow((double)counts[i], 0.75) / norm) < 1e-6, "word %d: %g vs %g", i, implied[i],
                  pow((double)counts[i], 0.75) / norm);
    free(prob);
    free(alias);
    Vocab empty;
    vocab_init(&empty);
    cr_assert_eq(vocab_alias_table(&empty, 0.75, &prob, &alias), -1);
    vocab_free(&v);
}
