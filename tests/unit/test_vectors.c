/* test_vectors.c — the word-vector table of src/engine/models/vectors.c: lookup,
 * normalisation, cosine, nearest neighbours (exclusions, limit), analogies (3CosAdd and
 * 3CosMul) on planted parallelograms, the odd one out, vector arithmetic (parsing and its
 * errors), spelling suggestions; and the answers of gensim's KeyedVectors on a random table
 * (fixture written by tests/ref/check_vectors_gensim.py). */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/vectors.h"

/* A table of n words of dimension d from a word list and row-major values. */
static void build(Vectors *v, const char *const *words, size_t n, size_t d, const float *vals)
{
    vectors_init(v, n, d);
    for (size_t i = 0; i < n; i++) {
        size_t id = vocab_add(&v->words, words[i], strlen(words[i]), (int64_t)(n - i));
        cr_assert_eq(id, i);
    }
    memcpy(v->data, vals, n * d * sizeof(float));
    vectors_normalize(v);
}

static float fnorm(const float *x, size_t d)
{
    double s = 0;
    for (size_t j = 0; j < d; j++) s += (double)x[j] * x[j];
    return (float)sqrt(s);
}

/* The unit rows of a table (V×D, malloc'd), from data and inv_norm: what the cosine sees. */
static float *unit_rows(const Vectors *v)
{
    float *u = malloc(v->n * v->dim * sizeof *u);
    for (size_t i = 0; i < v->n; i++) vectors_unit_row(v, i, u + i * v->dim);
    return u;
}

Test(vectors, init_find_free)
{
    Vectors v;
    vectors_init(&v, 3, 4);
    cr_assert_eq(v.n, 3);
    cr_assert_eq(v.dim, 4);
    for (size_t i = 0; i < 12; i++) cr_assert_eq(v.data[i], 0.0f);
    cr_assert_null(v.inv_norm);
    cr_assert_eq(vectors_find(&v, "kral"), -1, "empty vocabulary");
    vocab_add(&v.words, "kral", 4, 1);
    vocab_add(&v.words, "krali\xC3\xA7" "e", 8, 1);
    cr_assert_eq(vectors_find(&v, "kral"), 0);
    cr_assert_eq(vectors_find(&v, "krali\xC3\xA7" "e"), 1);
    cr_assert_eq(vectors_find(&v, "Kral"), -1);
    vectors_free(&v);
    cr_assert_null(v.data);
    vectors_free(&v);   /* twice: safe on a zeroed struct */
    Vectors z;
    memset(&z, 0, sizeof z);
    vectors_free(&z);
}

Test(vectors, normalize_and_cosine)
{
    const char *w[] = {"a", "b", "zero", "c"};
    Vectors v;
    vectors_init(&v, 4, 2);
    for (int i = 0; i < 4; i++) vocab_add(&v.words, w[i], strlen(w[i]), 1);
    const float rows[] = {3, 4, 0, 2, 0, 0, -6, -8};
    memcpy(v.data, rows, sizeof rows);
    /* without unit rows the cosine is computed on the fly */
    cr_assert_float_eq(vectors_cosine(&v, 0, 3), -1.0f, 1e-6);
    cr_assert_float_eq(vectors_cosine(&v, 0, 1), 0.8f, 1e-6);
    cr_assert_eq(vectors_cosine(&v, 0, 2), 0.0f, "a zero row has cosine 0");
    vectors_normalize(&v);
    cr_assert_not_null(v.inv_norm);
    cr_assert_float_eq(v.inv_norm[0], 0.2f, 1e-6);
    cr_assert_eq(v.inv_norm[2], 0.0f, "a zero row has no length to divide by");
    float *U = unit_rows(&v);
    cr_assert_float_eq(U[0], 0.6f, 1e-6);
    cr_assert_float_eq(U[1], 0.8f, 1e-6);
    cr_assert_float_eq(fnorm(U + 6, 2), 1.0f, 1e-6);
    cr_assert_eq(U[4], 0.0f, "zero rows stay zero");
    cr_assert_eq(U[5], 0.0f);
    cr_assert(!isnan(U[4]));
    free(U);
    cr_assert_float_eq(vectors_cosine(&v, 0, 3), -1.0f, 1e-6);
    cr_assert_float_eq(vectors_cosine(&v, 0, 1), 0.8f, 1e-6);
    cr_assert_float_eq(vectors_cosine(&v, 1, 1), 1.0f, 1e-6);
    cr_assert_eq(vectors_cosine(&v, 2, 0), 0.0f);
    /* data changes: normalize again refreshes unit */
    v.data[2] = -4;
    v.data[3] = 3;
    vectors_normalize(&v);
    cr_assert_float_eq(vectors_cosine(&v, 1, 0), 0.0f, 1e-6);
    vectors_free(&v);
}

/* Eight words in dimension 4: directions at known angles to e1. */
static void angles_table(Vectors *v)
{
    static const char *w[] = {"w0", "w1", "w2", "w3", "w4", "w5", "w6", "w7"};
    /* cos with e1: w0 1, w1 .9, w2 .8, w3 .7, w4 .6, w5 .5, w6 0 (zero row), w7 -1 */
    float vals[8 * 4] = {0};
    const float c[] = {1, .9f, .8f, .7f, .6f, .5f, 0, -1};
    for (int i = 0; i < 8; i++) {
        if (i == 6) continue;
        vals[i * 4] = 2 * c[i];
        vals[i * 4 + 1] = 2 * sqrtf(fmaxf(0, 1 - c[i] * c[i]));
    }
    build(v, w, 8, 4, vals);
}

Test(vectors, nearest_order_exclusions_limit)
{
    Vectors v;
    angles_table(&v);
    Neighbor out[10];
    const float q[4] = {5, 0, 0, 0};   /* any length */
    size_t n = vectors_nearest(&v, q, NULL, 0, 3, 0, out);
    cr_assert_eq(n, 3);
    cr_assert_eq(out[0].id, 0);
    cr_assert_eq(out[1].id, 1);
    cr_assert_eq(out[2].id, 2);
    cr_assert_float_eq(out[0].score, 1.0f, 1e-6);
    cr_assert_float_eq(out[1].score, 0.9f, 1e-6);
    cr_assert_float_eq(out[2].score, 0.8f, 1e-6);
    /* exclusions */
    size_t ex[] = {0, 2};
    n = vectors_nearest(&v, q, ex, 2, 3, 0, out);
    cr_assert_eq(n, 3);
    cr_assert_eq(out[0].id, 1);
    cr_assert_eq(out[1].id, 3);
    cr_assert_eq(out[2].id, 4);
    /* limit: only the first 3 rows are searched */
    n = vectors_nearest(&v, q, ex, 2, 5, 3, out);
    cr_assert_eq(n, 1);
    cr_assert_eq(out[0].id, 1);
    /* k larger than the table: everything, best first, the zero row (cosine 0) before w7 */
    n = vectors_nearest(&v, q, NULL, 0, 10, 0, out);
    cr_assert_eq(n, 8);
    cr_assert_eq(out[6].id, 6);
    cr_assert_float_eq(out[6].score, 0.0f, 1e-6);
    cr_assert_eq(out[7].id, 7);
    cr_assert_float_eq(out[7].score, -1.0f, 1e-6);
    for (size_t i = 1; i < n; i++) cr_assert(out[i - 1].score >= out[i].score);
    /* the zero query has no direction: no neighbours; k = 0: nothing */
    const float zq[4] = {0};
    cr_assert_eq(vectors_nearest(&v, zq, NULL, 0, 3, 0, out), 0);
    cr_assert_eq(vectors_nearest(&v, q, NULL, 0, 0, 0, out), 0);
    /* the same answers without unit rows */
    free(v.inv_norm);
    v.inv_norm = NULL;
    n = vectors_nearest(&v, q, ex, 2, 3, 0, out);
    cr_assert_eq(n, 3);
    cr_assert_eq(out[0].id, 1);
    cr_assert_float_eq(out[0].score, 0.9f, 1e-6);
    vectors_free(&v);
}

Test(vectors, nearest_ties_lower_id_first)
{
    static const char *w[] = {"a", "b", "c", "d"};
    const float vals[] = {0, 1, 1, 0, 1, 0, 2, 0};   /* b, c, d point the same way */
    Vectors v;
    build(&v, w, 4, 2, vals);
    Neighbor out[4];
    const float q[2] = {1, 0};
    cr_assert_eq(vectors_nearest(&v, q, NULL, 0, 2, 0, out), 2);
    cr_assert_eq(out[0].id, 1);
    cr_assert_eq(out[1].id, 2);
    vectors_free(&v);
}

/* The parallelogram: kral = R + M, kraliçe = R + F, erkek = P + M, kadın = P + F with R, P, M, F
 * orthonormal, plus distractors. kral − erkek + kadın = R + F = kraliçe exactly. */
static void family_table(Vectors *v)
{
    static const char *w[] = {"kral", "erkek", "kadın", "kraliçe", "prens", "masa", "taht"};
    const float s = 1.0f;
    const float vals[] = {
        s, 0, s, 0, 0,        /* kral    R + M */
        0, s, s, 0, 0,        /* erkek   P + M */
        0, s, 0, s, 0,        /* kadın   P + F */
        s, 0, 0, s, 0,        /* kraliçe R + F */
        s, 0, .8f, .2f, .3f,  /* prens: close to kral */
        0, 0, 0, 0, 1,        /* masa: unrelated */
        1, 0, .5f, .5f, .5f,  /* taht: royal, no gender */
    };
    build(v, w, 7, 5, vals);
}

Test(vectors, analogy_3cosadd_parallelogram)
{
    Vectors v;
    family_table(&v);
    Neighbor out[7];
    size_t n = vectors_analogy(&v, 0, 1, 2, 0, 3, 0, out);
    cr_assert_eq(n, 3);
    cr_assert_eq(out[0].id, 3, "kral - erkek + kadın = kraliçe, got %s", vocab_word(&v.words, out[0].id));
    cr_assert_float_eq(out[0].score, 1.0f, 1e-6, "R + F points exactly at kraliçe");
    for (size_t i = 0; i < n; i++) cr_assert(out[i].id != 0 && out[i].id != 1 && out[i].id != 2);
    /* k beyond the table: the four other words */
    n = vectors_analogy(&v, 0, 1, 2, 0, 7, 0, out);
    cr_assert_eq(n, 4);
    /* ranking equals cos(x,a) - cos(x,b) + cos(x,c) */
    for (size_t i = 1; i < n; i++) {
        float p = vectors_cosine(&v, out[i - 1].id, 0) - vectors_cosine(&v, out[i - 1].id, 1) +
                  vectors_cosine(&v, out[i - 1].id, 2);
        float q = vectors_cosine(&v, out[i].id, 0) - vectors_cosine(&v, out[i].id, 1) +
                  vectors_cosine(&v, out[i].id, 2);
        cr_assert(p >= q - 1e-6f);
    }
    /* limit 4: kraliçe is row 3 and still found; limit 3: only excluded words remain */
    cr_assert_eq(vectors_analogy(&v, 0, 1, 2, 0, 3, 4, out), 1);
    cr_assert_eq(out[0].id, 3);
    cr_assert_eq(vectors_analogy(&v, 0, 1, 2, 0, 3, 3, out), 0);
    /* the other way round: kraliçe - kadın + erkek = kral */
    cr_assert_eq(vectors_analogy(&v, 3, 2, 1, 0, 1, 0, out), 1);
    cr_assert_eq(out[0].id, 0);
    vectors_free(&v);
}

Test(vectors, analogy_3cosmul_parallelogram)
{
    Vectors v;
    family_table(&v);
    Neighbor out[7];
    size_t n = vectors_analogy(&v, 0, 1, 2, 1, 7, 0, out);
    cr_assert_eq(n, 4);
    cr_assert_eq(out[0].id, 3);
    /* kraliçe: cos to kral 1/2, to kadın 1/2, to erkek 0 → (0.75 · 0.75) / (0.5 + 1e-6) */
    cr_assert_float_eq(out[0].score, 0.5625f / (0.5f + 1e-6f), 1e-5);
    /* every score is the formula */
    for (size_t i = 0; i < n; i++) {
        size_t x = out[i].id;
        float pa = (1 + vectors_cosine(&v, x, 0)) / 2, pb = (1 + vectors_cosine(&v, x, 1)) / 2,
              pc = (1 + vectors_cosine(&v, x, 2)) / 2;
        cr_assert_float_eq(out[i].score, pa * pc / (pb + 1e-6f), 1e-5);
        if (i) cr_assert(out[i - 1].score >= out[i].score);
    }
    vectors_free(&v);
}

Test(vectors, odd_one_out)
{
    static const char *w[] = {"elma", "armut", "kiraz", "araba"};
    const float vals[] = {1, .1f, 0, 1, 0, .1f, .9f, .1f, .1f, 0, 0, 1};
    Vectors v;
    build(&v, w, 4, 3, vals);
    size_t ids[] = {0, 1, 2, 3};
    float score = 2;
    cr_assert_eq(vectors_odd(&v, ids, 4, &score), 3, "araba is the odd one");
    cr_assert(score < 0.5f && score > -1.0f);
    /* the score is the cosine to the normalised mean of the unit vectors */
    float mean[3] = {0}, *U = unit_rows(&v);
    for (size_t i = 0; i < 4; i++)
        for (int j = 0; j < 3; j++) mean[j] += U[i * 3 + j];
    float len = fnorm(mean, 3), expect = 0;
    for (int j = 0; j < 3; j++) expect += U[9 + j] * mean[j] / len;
    free(U);
    cr_assert_float_eq(score, expect, 1e-6);
    /* order of ids does not matter: the index into ids is returned */
    size_t ids2[] = {3, 2, 0};
    cr_assert_eq(vectors_odd(&v, ids2, 3, NULL), 0);
    vectors_free(&v);
}

Test(vectors, arith_expressions)
{
    Vectors v;
    family_table(&v);
    float *U = unit_rows(&v);
    float out[5], expect[5];
    size_t used[8], nused = 99;
    TzErr e;
    tz_err_clear(&e);
    cr_assert_eq(vectors_arith(&v, "kral - erkek + kadın", out, used, &nused, 8, &e), 0, "%s", e.en);
    for (int j = 0; j < 5; j++) expect[j] = U[j] - U[5 + j] + U[10 + j];
    for (int j = 0; j < 5; j++) cr_assert_float_eq(out[j], expect[j], 1e-6);
    cr_assert_eq(nused, 3);
    cr_assert_eq(used[0], 0);
    cr_assert_eq(used[1], 1);
    cr_assert_eq(used[2], 2);
    /* it leads to kraliçe */
    Neighbor nb[2];
    cr_assert_eq(vectors_nearest(&v, out, used, nused, 1, 0, nb), 1);
    cr_assert_eq(nb[0].id, 3);

    /* coefficients, a leading '-', no spaces around operators */
    const char *forms[] = {"2*kral", "2 * kral", "2 kral", "kral+kral", "+kral + 1.0 kral", "0.5 kral + 1,5 kral"};
    for (size_t f = 0; f < sizeof forms / sizeof *forms; f++) {
        cr_assert_eq(vectors_arith(&v, forms[f], out, used, &nused, 8, &e), 0, "%s: %s", forms[f], e.en);
        for (int j = 0; j < 5; j++) cr_assert_float_eq(out[j], 2 * U[j], 1e-6, "%s", forms[f]);
        cr_assert_eq(nused, 1, "%s: a word used twice is listed once", forms[f]);
    }
    cr_assert_eq(vectors_arith(&v, "-kraliçe", out, NULL, NULL, 0, &e), 0, "%s", e.en);
    for (int j = 0; j < 5; j++) cr_assert_float_eq(out[j], -U[15 + j], 1e-6);
    cr_assert_eq(vectors_arith(&v, "kral-erkek", out, used, &nused, 8, &e), 0, "%s", e.en);
    for (int j = 0; j < 5; j++) cr_assert_float_eq(out[j], U[j] - U[5 + j], 1e-6);
    cr_assert_eq(vectors_arith(&v, "0.5 kral - .5 masa", out, used, &nused, 1, &e), 0, "%s", e.en);
    for (int j = 0; j < 5; j++) cr_assert_float_eq(out[j], 0.5f * (U[j] - U[25 + j]), 1e-6);
    cr_assert_eq(nused, 1, "max_used bounds the list");

    /* unknown words: TZ_E_NOTFOUND naming the word */
    cr_assert_eq(vectors_arith(&v, "kral - kraliyet + kadın", out, used, &nused, 8, &e), TZ_E_NOTFOUND);
    cr_assert(strstr(e.en, "'kraliyet'"), "%s", e.en);
    cr_assert(strstr(e.tr, "'kraliyet'"), "%s", e.tr);
    cr_assert_eq(nused, 0);
    cr_assert_eq(vectors_arith(&v, "kral-yok", out, used, &nused, 8, &e), TZ_E_NOTFOUND);
    cr_assert(strstr(e.en, "'yok'"), "%s", e.en);
    cr_assert_eq(vectors_arith(&v, "2nd", out, used, &nused, 8, &e), TZ_E_NOTFOUND,
                 "digits glued to letters make a word");

    /* syntax errors: TZ_E_ARG naming the character position (in characters, 1-based) */
    struct { const char *expr; const char *where; } bad[] = {
        {"kral kadın", "character 6"},
        {"kral +", "character 7"},
        {"kadın - ", "character 9"},    /* ı is one character */
        {"kral + - erkek", "character 8"},
        {"* kral", "character 1"},
        {"2 *", "character 4"},
        {"kral * kadın", "character 6"},
        {"kadın kadın", "character 7"},
    };
    for (size_t b = 0; b < sizeof bad / sizeof *bad; b++) {
        tz_err_clear(&e);
        cr_assert_eq(vectors_arith(&v, bad[b].expr, out, used, &nused, 8, &e), TZ_E_ARG, "'%s'", bad[b].expr);
        cr_assert(strstr(e.en, bad[b].where), "'%s': %s", bad[b].expr, e.en);
        cr_assert(e.tr[0]);
    }
    cr_assert_eq(vectors_arith(&v, "", out, used, &nused, 8, &e), TZ_E_ARG);
    cr_assert_eq(vectors_arith(&v, "   ", out, used, &nused, 8, &e), TZ_E_ARG);
    free(U);
    vectors_free(&v);
}

Test(vectors, arith_hyphenated_words)
{
    static const char *w[] = {"well-known", "well", "known", "x"};
    const float vals[] = {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1};
    Vectors v;
    build(&v, w, 4, 3, vals);
    float out[3];
    size_t used[4], nused;
    TzErr e;
    cr_assert_eq(vectors_arith(&v, "well-known", out, used, &nused, 4, &e), 0, "%s", e.en);
    cr_assert_eq(nused, 1);
    cr_assert_eq(used[0], 0, "a known hyphenated word is one word");
    cr_assert_eq(vectors_arith(&v, "well - known", out, used, &nused, 4, &e), 0);
    cr_assert_eq(nused, 2);
    cr_assert_eq(vectors_arith(&v, "x-well-known", out, used, &nused, 4, &e), 0, "%s", e.en);
    cr_assert_eq(nused, 2);
    cr_assert_eq(used[0], 3);
    cr_assert_eq(used[1], 0);
    vectors_free(&v);
}

Test(vectors, suggestions)
{
    static const char *w[] = {"bir", "kitap", "kitaplar", "kıtap", "katip", "kitabı", "kira", "ki"};
    float vals[8 * 2];
    for (int i = 0; i < 16; i++) vals[i] = (float)(i + 1);
    Vectors v;
    build(&v, w, 8, 2, vals);
    size_t out[8];
    /* "kitab": kitap 1, kıtap 2, katip 2? (k-a-t-i-p vs k-i-t-a-b: 3), kitabı 1, kira 2 */
    size_t n = vectors_suggest(&v, "kitab", 8, out);
    cr_assert_eq(n, 4);
    cr_assert_str_eq(vocab_word(&v.words, out[0]), "kitap");   /* distance 1, more frequent */
    cr_assert_str_eq(vocab_word(&v.words, out[1]), "kitabı");  /* distance 1 */
    cr_assert_str_eq(vocab_word(&v.words, out[2]), "kıtap");   /* distance 2 */
    cr_assert_str_eq(vocab_word(&v.words, out[3]), "kira");    /* distance 2 */
    cr_assert_eq(vectors_suggest(&v, "kitab", 2, out), 2, "k bounds the answer");
    /* the word itself is not suggested; transpositions count 1 */
    n = vectors_suggest(&v, "kitap", 8, out);
    for (size_t i = 0; i < n; i++) cr_assert_str_neq(vocab_word(&v.words, out[i]), "kitap");
    cr_assert_eq(vectors_suggest(&v, "iktap", 1, out), 1);
    cr_assert_str_eq(vocab_word(&v.words, out[0]), "kitap");
    cr_assert_eq(vectors_suggest(&v, "zzzzzzzz", 8, out), 0);
    cr_assert_eq(vectors_suggest(&v, "kitab", 0, out), 0);
    /* "kit": nothing at distance 1 but "ki"; then the words it begins ("kitap", "kitaplar",
     * "kitabı", by frequency); short words get no distance-2 guesses ("bir", "kira") */
    n = vectors_suggest(&v, "kit", 8, out);
    cr_assert_eq(n, 4, "got %zu", n);
    cr_assert_str_eq(vocab_word(&v.words, out[0]), "ki");
    cr_assert_str_eq(vocab_word(&v.words, out[1]), "kitap");
    cr_assert_str_eq(vocab_word(&v.words, out[2]), "kitaplar");
    cr_assert_str_eq(vocab_word(&v.words, out[3]), "kitabı");
    vectors_free(&v);
}

Test(vectors, nearest_on_100k_rows)
{
    /* A table of realistic size (one query is a few ms; not timed here: bench/ measures). */
    const size_t n = 100000, d = 100;
    Vectors v;
    vectors_init(&v, n, d);
    char w[32];
    for (size_t i = 0; i < n; i++) {
        int len = snprintf(w, sizeof w, "w%zu", i);
        vocab_add(&v.words, w, (size_t)len, 1);
    }
    uint32_t s = 12345;
    for (size_t i = 0; i < n * d; i++) {
        s = s * 1664525u + 1013904223u;
        v.data[i] = (float)(s >> 8) / (float)(1 << 24) - 0.5f;
    }
    vectors_normalize(&v);
    Neighbor out[10];
    size_t ex[1] = {42};
    cr_assert_eq(vectors_nearest(&v, v.data + 42 * d, ex, 1, 10, 0, out), 10);
    for (size_t i = 0; i < 10; i++) cr_assert_neq(out[i].id, 42);
    cr_assert_eq(vectors_nearest(&v, v.data + 42 * d, NULL, 0, 10, 0, out), 10);
    cr_assert_eq(out[0].id, 42);
    cr_assert_float_eq(out[0].score, 1.0f, 1e-5);
    vectors_free(&v);
}

/* --- against gensim ------------------------------------------------------------------- */

#define FIX "tests/ref/vectors/"

/* Read the small word2vec text fixture here, so this test does not depend on the loader. */
static void load_fixture(Vectors *v)
{
    FILE *f = fopen(FIX "random.txt", "r");
    cr_assert_not_null(f, "cannot open " FIX "random.txt (run the tests from the repository root)");
    size_t n, d;
    cr_assert_eq(fscanf(f, "%zu %zu", &n, &d), 2);
    vectors_init(v, n, d);
    char word[256];
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(fscanf(f, "%255s", word), 1);
        cr_assert_eq(vocab_add(&v->words, word, strlen(word), 1), i);
        for (size_t j = 0; j < d; j++) cr_assert_eq(fscanf(f, "%f", &v->data[i * d + j]), 1);
    }
    fclose(f);
    vectors_normalize(v);
}

static size_t id_of(const Vectors *v, const char *w)
{
    int64_t id = vectors_find(v, w);
    cr_assert(id >= 0, "fixture word '%s' missing", w);
    return (size_t)id;
}

static void expect_list(const Vectors *v, FILE *f, const char *what, const Neighbor *got, size_t ngot, size_t k)
{
    cr_assert_eq(ngot, k, "%s: %zu answers, gensim gave %zu", what, ngot, k);
    for (size_t i = 0; i < k; i++) {
        char w[256];
        double s;
        cr_assert_eq(fscanf(f, "%255s %lf", w, &s), 2);
        cr_assert_str_eq(vocab_word(&v->words, got[i].id), w, "%s: answer %zu", what, i + 1);
        cr_assert(fabs(got[i].score - s) <= 1e-5 * fmax(1.0, fabs(s)), "%s: answer %zu (%s): %.7f vs gensim %.7f",
                  what, i + 1, w, got[i].score, s);
    }
}

Test(vectors, matches_gensim)
{
    Vectors v;
    load_fixture(&v);
    cr_assert_eq(v.n, 300);
    cr_assert_eq(v.dim, 16);
    FILE *f = fopen(FIX "expected.txt", "r");
    cr_assert_not_null(f);
    char kind[32];
    size_t blocks = 0;
    while (fscanf(f, "%31s", kind) == 1) {
        char a[256], b[256], c[256], what[1024];
        size_t limit, k;
        Neighbor out[32];
        if (!strcmp(kind, "similar")) {
            cr_assert_eq(fscanf(f, "%zu %zu %255s", &limit, &k, a), 3);
            snprintf(what, sizeof what, "similar %s limit=%zu", a, limit);
            size_t id = id_of(&v, a);
            size_t got = vectors_nearest(&v, vectors_row(&v, id), &id, 1, k, limit, out);
            expect_list(&v, f, what, out, got, k);
        } else if (!strcmp(kind, "analogy") || !strcmp(kind, "cosmul")) {
            cr_assert_eq(fscanf(f, "%zu %zu %255s %255s %255s", &limit, &k, a, b, c), 5);
            snprintf(what, sizeof what, "%s %s - %s + %s limit=%zu", kind, a, b, c, limit);
            size_t got = vectors_analogy(&v, id_of(&v, a), id_of(&v, b), id_of(&v, c), kind[0] == 'c', k, limit, out);
            expect_list(&v, f, what, out, got, k);
        } else if (!strcmp(kind, "odd")) {
            size_t n, ids[16];
            cr_assert_eq(fscanf(f, "%zu", &n), 1);
            cr_assert(n <= 16);
            for (size_t i = 0; i < n; i++) {
                cr_assert_eq(fscanf(f, "%255s", a), 1);
                ids[i] = id_of(&v, a);
            }
            double s;
            cr_assert_eq(fscanf(f, "%255s %lf", b, &s), 2);
            float score;
            size_t odd = vectors_odd(&v, ids, n, &score);
            cr_assert_str_eq(vocab_word(&v.words, ids[odd]), b);
            cr_assert_float_eq(score, s, 1e-5);
        } else if (!strcmp(kind, "sim")) {
            double s;
            cr_assert_eq(fscanf(f, "%255s %255s %lf", a, b, &s), 3);
            cr_assert_float_eq(vectors_cosine(&v, id_of(&v, a), id_of(&v, b)), s, 1e-5, "sim %s %s", a, b);
        } else {
            cr_assert_fail("unknown fixture line '%s'", kind);
        }
        blocks++;
    }
    fclose(f);
    cr_assert_eq(blocks, 25, "fixture blocks read: %zu", blocks);
    vectors_free(&v);
}

/* Words the table lacks (a FastText model's unseen words): the _vec and _ex forms take their
 * vectors from the caller, at any length, and give what the table would give for them. */
static int unknown_kralice(const char *w, float *vec, void *ud)
{
    const Vectors *v = ud;
    if (strcmp(w, "kraliçeler") != 0) return 0;
    for (size_t j = 0; j < v->dim; j++) vec[j] = 3.0f * vectors_row(v, 3)[j];   /* kraliçe, longer */
    return 1;
}

Test(vectors, unseen_words_in_analogy_odd_and_arith)
{
    Vectors v;
    family_table(&v);
    size_t d = v.dim;
    /* analogy with the three vectors given: the same answers as with the ids */
    float *q = malloc(3 * d * sizeof *q);
    for (size_t j = 0; j < d; j++) {
        q[j] = 2.0f * vectors_row(&v, 0)[j];      /* kral, scaled: length must not matter */
        q[d + j] = vectors_row(&v, 1)[j];
        q[2 * d + j] = vectors_row(&v, 2)[j];
    }
    Neighbor a[4], b[4];
    size_t ex[3] = { 0, 1, 2 };
    for (int mul = 0; mul < 2; mul++) {
        size_t n = vectors_analogy(&v, 0, 1, 2, mul, 4, 0, a);
        cr_assert_eq(vectors_analogy_vec(&v, q, q + d, q + 2 * d, ex, 3, mul, 4, 0, b), n);
        for (size_t i = 0; i < n; i++) {
            cr_assert_eq(a[i].id, b[i].id);
            cr_assert_float_eq(a[i].score, b[i].score, 1e-5);
        }
    }
    /* nothing excluded: the answer may be an input word */
    cr_assert_eq(vectors_analogy_vec(&v, q, q + d, q + 2 * d, NULL, 0, 0, 1, 0, b), 1);
    /* odd one out over vectors */
    const float *vecs[3] = { q, q + d, vectors_row(&v, 3) };
    const char *names[3] = { "a", "b", "c" };
    size_t ids[3] = { 0, 1, 3 };
    float s1, s2;
    cr_assert_eq(vectors_odd_vec(vecs, names, 3, d, &s1), vectors_odd(&v, ids, 3, &s2));
    cr_assert_float_eq(s1, s2, 1e-6);
    /* arith: an unknown word through the callback (its vector normalized like the others) */
    float out1[16], out2[16];
    size_t used[4], nused;
    TzErr e;
    cr_assert_eq(vectors_arith_ex(&v, "kraliçeler - kadın", unknown_kralice, &v, out1, used, &nused, 4, &e), 0);
    cr_assert_eq(nused, 1, "only the known word is excluded");
    cr_assert_eq(vectors_arith(&v, "kraliçe - kadın", out2, used, &nused, 4, &e), 0);
    for (size_t j = 0; j < d; j++) cr_assert_float_eq(out1[j], out2[j], 1e-6);
    /* a '-' after an unknown word is an operator */
    cr_assert_eq(vectors_arith_ex(&v, "kraliçeler-kadın", unknown_kralice, &v, out1, used, &nused, 4, &e), 0);
    for (size_t j = 0; j < d; j++) cr_assert_float_eq(out1[j], out2[j], 1e-6);
    /* the callback has nothing: reported as unknown */
    cr_assert_eq(vectors_arith_ex(&v, "prenses + kadın", unknown_kralice, &v, out1, used, &nused, 4, &e), TZ_E_NOTFOUND);
    cr_assert(strstr(e.en, "'prenses'"), "%s", e.en);
    free(q);
    vectors_free(&v);
}
