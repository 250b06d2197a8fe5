/* test_ft_explain.c — a FastText word vector cut into the contributions of its subword rows
 * (src/engine/models/ft_explain.c): c_j = count_j (x_j · v̂) / n adds up to |v|, on the
 * fastText-trained fixture (tests/ref/fasttext/tiny.bin: words in and out of the vocabulary,
 * Turkish and ASCII) and on tiny hand-made models whose numbers are worked out here:
 * duplicate rows, parts with no row (a pruned model), negative contributions, the zero
 * vector, the neighbours and the order. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/fasttext_bin.h"
#include "models/fasttext.h"
#include "models/ft_explain.h"
#include "models/vectors.h"

#ifndef FT_FIXTURES
#define FT_FIXTURES "tests/ref/fasttext"
#endif
#define TINY FT_FIXTURES "/tiny.bin"

static void load_tiny(FastText *ft)
{
    TzErr e;
    cr_assert_eq(ft_bin_load(ft, TINY, 0, &e), 0, "loading %s: %s", TINY, e.en);
}

/* The words of the fixture (words.txt: in the vocabulary and not) and a few more. */
static size_t fixture_words(char words[][64], size_t cap)
{
    FILE *f = fopen(FT_FIXTURES "/words.txt", "r");
    cr_assert_not_null(f);
    char line[256];
    size_t n = 0;
    while (n < cap && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0]) snprintf(words[n++], 64, "%.63s", line);
    }
    fclose(f);
    static const char *more[] = { "anana", "aaaaaaa", "şehirlerimizdenmişsiniz", "q" };
    for (size_t i = 0; i < 4 && n < cap; i++) snprintf(words[n++], 64, "%s", more[i]);
    return n;
}

/* The invariants every explanation keeps, checked against fastText's own mean. */
static void check_invariants(const FastText *ft, const char *w, const FtExplain *x)
{
    size_t D = (size_t)ft->args.dim;
    /* v is the mean fastText computes (print-word-vectors = ft_word_vector) */
    float *ref = malloc(D * sizeof *ref);
    size_t n = ft_word_vector(ft, w, ref);
    cr_assert_eq(x->n, n, "%s: %zu rows averaged, ft_word_vector says %zu", w, x->n, n);
    double norm = 0;
    for (size_t k = 0; k < D; k++) {
        cr_assert(fabs(x->v[k] - ref[k]) <= 1e-6, "%s: v[%zu] = %.8g, fastText's mean %.8g", w, k, x->v[k], ref[k]);
        norm += (double)ref[k] * ref[k];
    }
    cr_assert(fabs(x->norm - sqrt(norm)) <= 1e-6, "%s: |v| %.8g vs %.8g", w, x->norm, sqrt(norm));
    /* the point of it all: the contributions add up to |v| */
    double sum = 0;
    size_t counted = 0, norow = 0;
    for (size_t i = 0; i < x->nparts; i++) {
        sum += x->parts[i].contrib;
        if (x->parts[i].row >= 0) counted += (size_t)x->parts[i].count;
        else norow += (size_t)x->parts[i].count;
    }
    cr_assert(fabs(sum - x->norm) <= 1e-5, "%s: Σ c = %.9g but |v| = %.9g", w, sum, x->norm);
    cr_assert(fabs(x->sum - sum) <= 1e-12);
    cr_assert_eq(counted, x->n, "%s: the counts of the rows add up to n", w);
    cr_assert_eq(norow, x->nnorow);
    FtSubwordList l;
    ft_subwords(ft, w, &l);
    cr_assert_eq(x->nsub, l.n);
    cr_assert_eq(counted + norow, l.n, "%s: every subword is in exactly one part", w);
    cr_assert_eq(x->in_vocab, l.n > 0 && l.items[0].is_word);
    ft_subwords_free(&l);
    /* largest contribution first, the parts without a row last */
    for (size_t i = 1; i < x->nparts; i++) {
        const FtPart *a = &x->parts[i - 1], *b = &x->parts[i];
        if (b->row >= 0) cr_assert(a->row >= 0 && a->contrib >= b->contrib, "%s: order at %zu", w, i);
    }
    /* each part: c = count · |x| · cos / n, the cosine in [-1, 1] */
    for (size_t i = 0; i < x->nparts; i++) {
        const FtPart *p = &x->parts[i];
        if (p->row < 0 || !(x->norm > 0)) continue;
        cr_assert(p->cosine >= -1 - 1e-9 && p->cosine <= 1 + 1e-9);
        cr_assert(fabs(p->contrib - p->count * p->norm * p->cosine / (double)x->n) <= 1e-9);
    }
    free(ref);
}

Test(ft_explain, contributions_add_up_to_the_length_on_every_fixture_word)
{
    FastText ft;
    load_tiny(&ft);
    static char words[64][64];
    size_t nw = fixture_words(words, 64), oov = 0, inv = 0;
    for (size_t i = 0; i < nw; i++) {
        FtExplain x;
        TzErr e;
        cr_assert_eq(ft_explain(&ft, NULL, words[i], 0, &x, &e), 0, "%s: %s", words[i], e.en);
        cr_assert_str_eq(x.word, words[i]);
        check_invariants(&ft, words[i], &x);
        if (x.in_vocab) inv++;
        else oov++;
        ft_explain_free(&x);
    }
    cr_assert_geq(inv, 8);
    cr_assert_geq(oov, 8);
    ft_free(&ft);
}

Test(ft_explain, a_word_in_the_vocabulary_has_its_own_row)
{
    FastText ft;
    load_tiny(&ft);
    FtExplain x;
    TzErr e;
    cr_assert_eq(ft_explain(&ft, NULL, "kitap", 0, &x, &e), 0);
    int64_t id = vocab_find(&ft.dict, "kitap", 5);
    cr_assert_geq(id, 0);
    cr_assert(x.in_vocab);
    size_t own = 0;
    for (size_t i = 0; i < x.nparts; i++)
        if (x.parts[i].is_word) {
            own++;
            cr_assert_eq(x.parts[i].row, id);
            cr_assert_str_eq(x.parts[i].text, "kitap");
        } else {
            cr_assert_geq(x.parts[i].row, (int64_t)ft.nwords_file, "n-gram rows come after the words");
        }
    cr_assert_eq(own, 1);
    /* <kitap> has 5 + 4 + 3 + 2 = 14 n-grams of 3..6 characters; with its own row, 15 parts */
    cr_assert_eq(x.nsub, 15);
    ft_explain_free(&x);
    ft_free(&ft);
}

Test(ft_explain, an_oov_word_is_only_its_ngrams)
{
    FastText ft;
    load_tiny(&ft);
    FtExplain x;
    TzErr e;
    const char *w = "kitaplarımızdaki";
    cr_assert_lt(vocab_find(&ft.dict, w, strlen(w)), 0, "the fixture's OOV word");
    cr_assert_eq(ft_explain(&ft, NULL, w, 0, &x, &e), 0);
    cr_assert(!x.in_vocab);
    for (size_t i = 0; i < x.nparts; i++) cr_assert(!x.parts[i].is_word);
    cr_assert_eq(x.nsub, 16 + 15 + 14 + 13, "n-grams of 3..6 characters of 18 (with < and >)");
    check_invariants(&ft, w, &x);
    ft_explain_free(&x);
    ft_free(&ft);
}

/* "<anana>" has "ana" twice; with 2000 buckets some long word has two different n-grams in
 * one bucket. Either way the row is one part that counts twice. */
Test(ft_explain, a_row_read_twice_counts_twice)
{
    FastText ft;
    load_tiny(&ft);
    size_t D = (size_t)ft.args.dim;
    FtExplain x;
    TzErr e;
    cr_assert_eq(ft_explain(&ft, NULL, "anana", 0, &x, &e), 0);
    const FtPart *ana = NULL;
    for (size_t i = 0; i < x.nparts; i++)
        if (!strcmp(x.parts[i].text, "ana")) ana = &x.parts[i];
    cr_assert_not_null(ana, "a part for \"ana\"");
    cr_assert_eq(ana->count, 2, "\"ana\" occurs twice in <anana>");
    /* its contribution, worked out here from its row: 2 (x · v̂) / n */
    float *row = malloc(D * sizeof *row), *v = malloc(D * sizeof *v);
    ft_input_row(&ft, (size_t)ana->row, row);
    size_t n = ft_word_vector(&ft, "anana", v);
    double d = 0, vn = 0;
    for (size_t k = 0; k < D; k++) { d += (double)row[k] * v[k]; vn += (double)v[k] * v[k]; }
    cr_assert(fabs(ana->contrib - 2 * d / sqrt(vn) / (double)n) <= 1e-6, "%.9g vs %.9g", ana->contrib,
              2 * d / sqrt(vn) / (double)n);
    check_invariants(&ft, "anana", &x);
    ft_explain_free(&x);
    /* two different n-grams in one bucket: written "a = b", counted twice */
    static const char *cands[] = { "kitaplarımızdan", "şehirlerimizden", "kitaplarımızdaki", "şehirlerimizdenmişsiniz",
                                   "öğretmenlerimizden", "ağaçlarımızdaki", "İstanbullulaştıramadıklarımızdan" };
    int found = 0;
    for (size_t c = 0; c < sizeof cands / sizeof *cands && !found; c++) {
        cr_assert_eq(ft_explain(&ft, NULL, cands[c], 0, &x, &e), 0);
        check_invariants(&ft, cands[c], &x);
        for (size_t i = 0; i < x.nparts; i++)
            if (strstr(x.parts[i].text, " = ")) {
                found = 1;
                cr_assert_geq(x.parts[i].count, 2, "%s: %s shares a row", cands[c], x.parts[i].text);
            }
        ft_explain_free(&x);
    }
    cr_assert(found, "some long word has two n-grams in one of 2000 buckets");
    free(row);
    free(v);
    ft_free(&ft);
}

/* A pruned model (fasttext quantize -cutoff): only some buckets keep a row. */
Test(ft_explain, ngrams_without_a_row_contribute_nothing)
{
    FastText ft;
    load_tiny(&ft);
    FtSubwordList l;
    ft_subwords(&ft, "kitap", &l);
    /* keep the buckets of every other n-gram (identity mapping, sorted, no duplicates) */
    int32_t *keep = malloc(2 * l.n * sizeof *keep);
    size_t nk = 0;
    for (size_t i = 1; i < l.n; i += 2) {
        int32_t b = (int32_t)(l.items[i].hash % (uint32_t)ft.args.bucket);
        int dup = 0;
        for (size_t j = 0; j < nk; j++) dup |= keep[2 * j] == b;
        if (!dup) { keep[2 * nk] = b; keep[2 * nk + 1] = b; nk++; }
    }
    for (size_t i = 1; i < nk; i++)   /* insertion sort by bucket */
        for (size_t j = i; j > 0 && keep[2 * j - 2] > keep[2 * j]; j--) {
            int32_t t0 = keep[2 * j - 2], t1 = keep[2 * j - 1];
            keep[2 * j - 2] = keep[2 * j]; keep[2 * j - 1] = keep[2 * j + 1];
            keep[2 * j] = t0; keep[2 * j + 1] = t1;
        }
    ft.pruneidx = keep;
    ft.pruneidx_size = (int64_t)nk;
    FtExplain x;
    TzErr e;
    cr_assert_eq(ft_explain(&ft, NULL, "kitap", 0, &x, &e), 0);
    cr_assert_gt(x.nnorow, 3, "some n-grams lost their rows");
    check_invariants(&ft, "kitap", &x);
    for (size_t i = 0; i < x.nparts; i++)
        if (x.parts[i].row < 0) {
            cr_assert_eq(x.parts[i].contrib, 0);
            cr_assert(isnan(x.parts[i].cosine));
            cr_assert_eq(x.parts[i].nnear, 0);
            cr_assert_geq(i, x.nparts - x.nnorow, "rowless parts come last");
        }
    ft_explain_free(&x);
    /* nothing kept at all: an OOV word has no row, a zero vector, and nothing to add up */
    ft.pruneidx_size = 0;
    cr_assert_eq(ft_explain(&ft, NULL, "xyzq", 0, &x, &e), 0);
    cr_assert_eq(x.n, 0);
    cr_assert_eq(x.norm, 0);
    cr_assert_eq(x.sum, 0);
    cr_assert_eq(x.nnorow, x.nsub);
    ft_explain_free(&x);
    /* and a word in the vocabulary is then its own row alone: c = |x| = |v|, cos = 1 */
    cr_assert_eq(ft_explain(&ft, NULL, "kitap", 0, &x, &e), 0);
    cr_assert_eq(x.n, 1);
    cr_assert(x.parts[0].is_word);
    cr_assert(fabs(x.parts[0].contrib - x.norm) < 1e-9 && fabs(x.parts[0].cosine - 1) < 1e-9);
    ft_explain_free(&x);
    ft_subwords_free(&l);
    ft_free(&ft);
}

/* ---- a hand-made model: dim 2, one word "ab", n-grams of 3 characters: <ab, ab> -------- */

typedef struct { FastText ft; float *in; int64_t r_lt, r_gt; } Toy;

static void toy_init(Toy *t, const float own[2], const float lt[2], const float gt[2])
{
    memset(t, 0, sizeof *t);
    FastText *ft = &t->ft;
    ft_args_default(&ft->args);
    ft->args.dim = 2;
    ft->args.minn = ft->args.maxn = 3;
    ft->args.bucket = 1000;
    vocab_init(&ft->dict);
    vocab_add(&ft->dict, "ab", 2, 10);
    ft->type = calloc(1, 1);                 /* FT_ENTRY_WORD */
    ft->nwords = ft->nwords_file = 1;
    ft->pruneidx_size = -1;
    ft->in_rows = 1 + 1000;
    t->in = calloc(ft->in_rows * 2, sizeof *t->in);
    ft->owned = t->in;
    ft->input = (const char *)t->in;
    t->r_lt = ft_ngram_row(ft, ft_hash("<ab", 3));
    t->r_gt = ft_ngram_row(ft, ft_hash("ab>", 3));
    cr_assert_neq(t->r_lt, t->r_gt, "the two n-grams land in different buckets");
    memcpy(t->in, own, 2 * sizeof *own);
    memcpy(t->in + 2 * t->r_lt, lt, 2 * sizeof *lt);
    memcpy(t->in + 2 * t->r_gt, gt, 2 * sizeof *gt);
}

static const FtPart *part_named(const FtExplain *x, const char *text, int is_word)
{
    for (size_t i = 0; i < x->nparts; i++)
        if (!strcmp(x->parts[i].text, text) && x->parts[i].is_word == is_word) return &x->parts[i];
    cr_assert_fail("no part %s", text);
    return NULL;
}

Test(ft_explain, worked_example_with_a_part_pulling_against)
{
    /* rows: ab = (1, 0), <ab = (1, 1), ab> = (−0.5, 0); v = (1.5, 1) / 3 = (0.5, 1/3),
     * |v| = √(0.25 + 1/9) = 0.600925…; v̂ = (0.83205, 0.55470).
     * c(ab) = 0.83205 / 3 = 0.27735; c(<ab) = (0.83205 + 0.55470) / 3 = 0.46225;
     * c(ab>) = −0.5 · 0.83205 / 3 = −0.13868; sum = 0.60093 = |v|. */
    Toy t;
    toy_init(&t, (float[]){ 1, 0 }, (float[]){ 1, 1 }, (float[]){ -0.5f, 0 });
    FtExplain x;
    TzErr e;
    cr_assert_eq(ft_explain(&t.ft, NULL, "ab", 0, &x, &e), 0);
    double nv = sqrt(0.25 + 1.0 / 9), vx = 0.5 / nv, vy = (1.0 / 3) / nv;
    cr_assert(fabs(x.norm - nv) < 1e-7);
    cr_assert_eq(x.nparts, 3);
    cr_assert_str_eq(x.parts[0].text, "<ab", "the largest first");
    cr_assert(x.parts[1].is_word);
    cr_assert_str_eq(x.parts[2].text, "ab>", "the negative one last");
    cr_assert(fabs(part_named(&x, "ab", 1)->contrib - vx / 3) < 1e-7);
    cr_assert(fabs(part_named(&x, "<ab", 0)->contrib - (vx + vy) / 3) < 1e-7);
    cr_assert(fabs(part_named(&x, "ab>", 0)->contrib - (-0.5 * vx / 3)) < 1e-7);
    cr_assert(fabs(part_named(&x, "ab>", 0)->cosine - (-vx)) < 1e-7, "(−1, 0) against v̂");
    cr_assert(fabs(part_named(&x, "<ab", 0)->cosine - (vx + vy) / sqrt(2)) < 1e-7);
    cr_assert(fabs(x.sum - nv) < 1e-9, "Σ c = %.12g, |v| = %.12g", x.sum, nv);
    ft_explain_free(&x);
    /* an OOV word made of the same n-grams is impossible here (they need "ab"), so take one
     * with only "<ab": "abc" → <ab, abc, bc> (the last two at zero rows) */
    cr_assert_eq(ft_explain(&t.ft, NULL, "abc", 0, &x, &e), 0);
    cr_assert(!x.in_vocab);
    cr_assert_eq(x.n, 3);
    cr_assert(fabs(x.sum - x.norm) < 1e-9);
    size_t zeros = 0;
    for (size_t i = 0; i < x.nparts; i++) {
        const FtPart *z = &x.parts[i];
        if (z->norm > 0) continue;
        zeros++;
        cr_assert(isnan(z->cosine), "a zero row has no cosine");
        cr_assert_eq(z->contrib, 0);
    }
    cr_assert_geq(zeros, 1, "abc and bc> read rows that are zero");
    ft_explain_free(&x);
    ft_free(&t.ft);
}

Test(ft_explain, the_zero_vector_has_no_direction)
{
    /* rows (1, 0), (−1, 0), (0, 0): they cancel, v = 0 */
    Toy t;
    toy_init(&t, (float[]){ 1, 0 }, (float[]){ -1, 0 }, (float[]){ 0, 0 });
    FtExplain x;
    TzErr e;
    cr_assert_eq(ft_explain(&t.ft, NULL, "ab", 0, &x, &e), 0);
    cr_assert_eq(x.n, 3);
    cr_assert_eq(x.norm, 0);
    cr_assert_eq(x.sum, 0);
    for (size_t i = 0; i < x.nparts; i++) {
        cr_assert_eq(x.parts[i].contrib, 0);
        cr_assert(isnan(x.parts[i].cosine));
    }
    cr_assert_eq(x.nnear, 0);
    ft_explain_free(&x);
    ft_free(&t.ft);
}

/* ---- where the parts pull ------------------------------------------------------------------ */

Test(ft_explain, neighbours_of_each_part_and_of_the_word)
{
    FastText ft;
    load_tiny(&ft);
    Vectors vec;
    TzErr e;
    cr_assert_eq(ft_to_vectors(&ft, 0, &vec, NULL, &e), 0, "%s", e.en);
    size_t D = vec.dim;
    const char *words[] = { "kitap", "kitaplarımızdaki", "ağaç" };
    float *row = malloc(D * sizeof *row);
    for (size_t w = 0; w < 3; w++) {
        FtExplain x;
        cr_assert_eq(ft_explain(&ft, &vec, words[w], 0, &x, &e), 0);
        int64_t self = vectors_find(&vec, words[w]);
        cr_assert_eq(x.nnear, FT_EXPLAIN_NEAR);
        for (size_t i = 0; i < x.nnear; i++) cr_assert_neq((int64_t)x.near[i].id, self, "the word is not its own neighbour");
        for (size_t i = 0; i < x.nparts; i++) {
            const FtPart *p = &x.parts[i];
            cr_assert_eq(p->nnear, FT_EXPLAIN_NEAR);
            ft_input_row(&ft, (size_t)p->row, row);
            /* brute force: no other word is nearer to the row than the first neighbour, and
             * the scores are the cosines, best first */
            double best = -2;
            for (size_t r = 0; r < vec.n; r++) {
                if ((int64_t)r == self) continue;
                double d = 0, a = 0, b = 0;
                const float *y = vectors_row(&vec, r);
                for (size_t k = 0; k < D; k++) { d += (double)row[k] * y[k]; a += (double)row[k] * row[k]; b += (double)y[k] * y[k]; }
                double c = a > 0 && b > 0 ? d / sqrt(a * b) : 0;
                if (r == p->near[0].id) cr_assert(fabs(c - p->near[0].score) < 1e-5);
                if (c > best) best = c;
            }
            cr_assert(fabs(best - p->near[0].score) < 1e-5, "%s / %s: best %.6f, got %.6f", words[w], p->text, best,
                      p->near[0].score);
            for (size_t j = 0; j < p->nnear; j++) {
                cr_assert_neq((int64_t)p->near[j].id, self);
                if (j) cr_assert_geq(p->near[j - 1].score, p->near[j].score);
            }
        }
        ft_explain_free(&x);
    }
    free(row);
    vectors_free(&vec);
    ft_free(&ft);
}

/* ---- bad input ---------------------------------------------------------------------------- */

Test(ft_explain, empty_and_invalid_words_are_refused)
{
    FastText ft;
    load_tiny(&ft);
    FtExplain x;
    TzErr e;
    cr_assert_eq(ft_explain(&ft, NULL, "", 0, &x, &e), TZ_E_ARG);
    cr_assert(strstr(e.en, "empty") && strstr(e.tr, "boş"));
    cr_assert_eq(x.nparts, 0);
    cr_assert_null(x.parts);
    cr_assert_eq(ft_explain(&ft, NULL, "kit\xC4" "ap", 0, &x, &e), TZ_E_ARG);
    cr_assert(strstr(e.en, "not valid UTF-8 (byte 4 = 0xC4)"), "%s", e.en);
    cr_assert(strstr(e.tr, "UTF-8"));
    cr_assert_null(x.parts);
    ft_explain_free(&x);                      /* safe on what an error leaves */
    FtExplain zero = { 0 };
    ft_explain_free(&zero);
    ft_free(&ft);
}
