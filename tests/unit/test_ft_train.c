/* test_ft_train.c — FastText's unsupervised trainer on rows we choose: the input vector is
 * the mean of a word's rows, every one of those rows takes the step, a word shares what it
 * learns with the words it shares rows with, and an unseen word's vector from its rows lands
 * among the words that have them. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/ft_train.h"
#include "tmpdir.h"

static double cosine(const float *a, const float *b, size_t C)
{
    double ab = 0, aa = 0, bb = 0;
    for (size_t i = 0; i < C; i++) { ab += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i]; }
    return ab / sqrt(aa * bb + 1e-30);
}

/* Rows for V words: each its own row; the words listed in group g also share bucket row
 * V + g (as words with a common suffix share its n-gram). */
static FtRows rows_with_groups(size_t V, const int *group)
{
    FtRows r = { .rows = V + 2 };
    r.off = calloc(V + 1, sizeof *r.off);
    r.idx = calloc(2 * V, sizeof *r.idx);
    uint32_t k = 0;
    for (size_t w = 0; w < V; w++) {
        r.off[w] = k;
        r.idx[k++] = (uint32_t)w;
        if (group[w] >= 0) r.idx[k++] = (uint32_t)(V + (size_t)group[w]);
    }
    r.off[V] = k;
    return r;
}

Test(ft_train, bad_rows_are_refused)
{
    Corpus c;
    corpus_from(&c, "a b c d a b c d\na c b d\n");
    W2VConfig cfg = w2v_defaults(1);
    cfg.min_count = 1;
    cfg.dim = 8;
    FtModel m;
    TzErr e;
    cr_assert_eq(ft_model_init(&m, &cfg, &c, &e), 0, "%s", e.en);
    cr_assert_neq(ft_train(&m, &c, NULL, &e), 0, "no rows yet");
    int g[4] = { -1, -1, -1, -1 };
    FtRows r = rows_with_groups(m.w2v.V, g);
    r.idx[r.off[1]] = 0;                      /* word 1's list starts with row 0 */
    cr_assert_neq(ft_model_set_rows(&m, &r, &e), 0);
    cr_assert(e.tr[0] && e.en[0]);
    r.idx[r.off[1]] = 1;
    r.idx[r.off[2]] = 99;                     /* out of range (and not its own row) */
    cr_assert_neq(ft_model_set_rows(&m, &r, &e), 0);
    ft_rows_free(&r);
    ft_model_free(&m);
    corpus_free(&c);
}

/* Shared rows carry meaning across words: words a0..a4 appear only with context x*, words
 * b0..b4 only with y*; a0 and b0 are rare. With a shared row per group, the rare words are
 * pulled to their group, and an "unseen" word that has only the group row (its n-grams)
 * lands nearer the group's words than the other group's. */
Test(ft_train, shared_rows_carry_meaning_to_rare_and_unseen_words)
{
    char *text = malloc(200000);
    size_t len = 0;
    uint64_t r = 5;
    for (int line = 0; line < 1500; line++) {
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        int grp = (int)((r >> 33) & 1), w = 1 + (int)((r >> 40) % 4);
        if (line % 50 == 0) w = 0;             /* a0 / b0: rare */
        const char *ctx = grp ? "y" : "x";
        len += (size_t)snprintf(text + len, 200000 - len, "%s1 %s2 %c%d %s3 %s4\n", ctx, ctx, grp ? 'b' : 'a', w, ctx, ctx);
    }
    Corpus c;
    corpus_from(&c, text);
    free(text);
    W2VConfig cfg = w2v_defaults(1);
    cfg.min_count = 1;
    cfg.dim = 16;
    cfg.epochs = 5;
    cfg.threads = 1;
    cfg.sample = 0;
    FtModel m;
    TzErr e;
    cr_assert_eq(ft_model_init(&m, &cfg, &c, &e), 0, "%s", e.en);
    size_t V = m.w2v.V;
    int *g = malloc(V * sizeof *g);
    for (size_t w = 0; w < V; w++) {
        const char *s = vocab_word(&m.w2v.vocab, w);
        g[w] = s[0] == 'a' ? 0 : s[0] == 'b' ? 1 : -1;
    }
    FtRows rows = rows_with_groups(V, g);
    cr_assert_eq(ft_model_set_rows(&m, &rows, &e), 0, "%s", e.en);
    cr_assert_eq(ft_train(&m, &c, NULL, &e), 0);
    cr_assert(m.w2v.finished);
    size_t C = m.w2v.C;
    int64_t a0 = vocab_find(&m.w2v.vocab, "a0", 2), a1 = vocab_find(&m.w2v.vocab, "a1", 2),
            b1 = vocab_find(&m.w2v.vocab, "b1", 2), b2 = vocab_find(&m.w2v.vocab, "b2", 2);
    cr_assert(a0 >= 0 && a1 >= 0 && b1 >= 0 && b2 >= 0);
    float va0[16], va1[16], vb1[16], vb2[16], unseen[16];
    const FtRows *R = &m.rows;
#define VEC(w, out) ft_rows_vector(&m, R->idx + R->off[w], R->off[(w) + 1] - R->off[w], out)
    VEC((size_t)a0, va0);
    VEC((size_t)a1, va1);
    VEC((size_t)b1, vb1);
    VEC((size_t)b2, vb2);
#undef VEC
    cr_assert(cosine(vb1, vb2, C) > cosine(va1, vb1, C) + 0.2, "same group %g vs other %g", cosine(vb1, vb2, C), cosine(va1, vb1, C));
    cr_assert(cosine(va0, va1, C) > cosine(va0, vb1, C), "the rare a0 sits with its group: %g vs %g", cosine(va0, va1, C),
              cosine(va0, vb1, C));
    uint32_t grow = (uint32_t)(V + 0);      /* an unseen word whose only n-gram is group a's row */
    ft_rows_vector(&m, &grow, 1, unseen);
    cr_assert(cosine(unseen, va1, C) > cosine(unseen, vb1, C), "unseen: %g vs %g", cosine(unseen, va1, C), cosine(unseen, vb1, C));
    /* the vocabulary as query vectors: unit rows, the mean of each word's rows */
    Vectors vec;
    ft_model_to_vectors(&m, &vec);
    cr_assert_eq(vec.n, V);
    cr_assert_float_eq(cosine(vectors_row(&vec, (size_t)a1), va1, C), 1.0, 1e-5);
    vectors_free(&vec);
    free(g);
    ft_model_free(&m);
    corpus_free(&c);
}

/* With only its own row per word, FastText's trainer is skip-gram Word2Vec with the
 * orientation reversed (the centre predicts its context); CBOW too must learn: the
 * mean loss falls. */
Test(ft_train, cbow_and_skipgram_learn)
{
    Corpus c;
    corpus_from(&c, "the cat sat on the mat\nthe dog sat on the log\na cat and a dog\n"
                    "the cat and the dog sat\non the mat the cat sat\nthe dog on the log\n");
    for (int sg = 0; sg <= 1; sg++) {
        W2VConfig cfg = w2v_defaults(sg);
        cfg.min_count = 1;
        cfg.dim = 10;
        cfg.threads = 1;
        cfg.sample = 0;
        cfg.epochs = 1;
        FtModel m;
        TzErr e;
        cr_assert_eq(ft_model_init(&m, &cfg, &c, &e), 0, "%s", e.en);
        int *g = malloc(m.w2v.V * sizeof *g);
        for (size_t w = 0; w < m.w2v.V; w++) g[w] = -1;
        FtRows rows = rows_with_groups(m.w2v.V, g);
        free(g);
        cr_assert_eq(ft_model_set_rows(&m, &rows, &e), 0);
        cr_assert_eq(ft_train(&m, &c, NULL, &e), 0);
        double first = m.w2v.last_loss;
        m.w2v.cfg.epochs = 300;
        cr_assert_eq(ft_train(&m, &c, NULL, &e), 0);
        cr_assert(m.w2v.last_loss < first * 0.8, "%s: loss %g -> %g", sg ? "skip-gram" : "CBOW", first, m.w2v.last_loss);
        ft_model_free(&m);
    }
    corpus_free(&c);
}

/* Trained here with fastText's subwords, handed over as a FastText: its word vectors (the
 * ones `print-word-vectors` would print for the .bin) are the trainer's means of rows, for
 * words in the vocabulary and for unseen ones; and a .bin written from it loads back with
 * the same vectors. */
#include "formats/fasttext_bin.h"

Test(ft_train, a_trained_model_is_a_fasttext_model)
{
    Corpus c;
    corpus_from(&c, "kitap okudum kitaplar güzel\nkitabı okudum kitaplarımız yeni\nkalem aldım kalemler yeni\n"
                    "kalemi aldım kalemlerimiz güzel\nkitap kalem defter\n");
    W2VConfig cfg = w2v_defaults(1);
    cfg.min_count = 1;
    cfg.dim = 12;
    cfg.threads = 1;
    cfg.sample = 0;
    cfg.epochs = 20;
    FtModel m;
    TzErr e;
    cr_assert_eq(ft_model_init(&m, &cfg, &c, &e), 0, "%s", e.en);
    FtRows rows;
    cr_assert_eq(ft_rows_for_ngrams(&m.w2v.vocab, 3, 6, 500, &rows, &e), 0, "%s", e.en);
    cr_assert_eq(ft_model_set_rows(&m, &rows, &e), 0, "%s", e.en);
    cr_assert_eq(ft_train(&m, &c, NULL, &e), 0);
    int64_t kitap = vocab_find(&m.w2v.vocab, "kitap", 5);
    cr_assert(kitap >= 0);
    float mine[12], theirs[12];
    size_t nrows = m.rows.off[kitap + 1] - m.rows.off[kitap];
    /* "<kitap>" has 7 characters: 5 + 4 + 3 + 2 n-grams of 3..6, and its own row */
    cr_assert_eq(nrows, 1 + 14);
    ft_rows_vector(&m, m.rows.idx + m.rows.off[kitap], nrows, mine);
    FastText ft;
    cr_assert_eq(ft_model_export(&m, 3, 6, 500, (int64_t)c.ntokens, &ft, &e), 0, "%s", e.en);
    cr_assert_eq(ft_word_vector(&ft, "kitap", theirs), nrows);
    for (int i = 0; i < 12; i++) cr_assert_float_eq(theirs[i], mine[i], 1e-6);
    /* an unseen word from its n-grams: nonzero, and nearer kitaplar than kalemler */
    float un[12], a[12], b[12];
    cr_assert(ft_word_vector(&ft, "kitaplarımızdan", un) > 5);
    ft_word_vector(&ft, "kitaplar", a);
    ft_word_vector(&ft, "kalemler", b);
    double ua = 0, ub = 0, uu = 0, aa = 0, bb = 0;
    for (int i = 0; i < 12; i++) { ua += un[i] * a[i]; ub += un[i] * b[i]; uu += un[i] * un[i]; aa += a[i] * a[i]; bb += b[i] * b[i]; }
    cr_assert(ua / sqrt(uu * aa) > ub / sqrt(uu * bb), "kitaplarımızdan nearer kitaplar (%g) than kalemler (%g)",
              ua / sqrt(uu * aa), ub / sqrt(uu * bb));
    /* written as .bin, read back: the same vectors */
    char path[] = "/tmp/tezgah-ft-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    close(fd);
    cr_assert_eq(ft_bin_save(&ft, path, &e), 0, "%s", e.en);
    FastText back;
    cr_assert_eq(ft_bin_load(&back, path, 0, &e), 0, "%s", e.en);
    ft_word_vector(&back, "kitaplarımızdan", a);
    for (int i = 0; i < 12; i++) cr_assert_float_eq(a[i], un[i], 1e-7);
    ft_free(&back);
    unlink(path);
    ft_free(&ft);
    corpus_free(&c);
}
