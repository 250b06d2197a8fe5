/* test_sample.c — nn/sample.h: temperature, top-k, top-p, the full order, the seeded draw, and
 * what odd logits (NaN, ±∞) do. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nn/sample.h"

/* deterministic "random" logits in [−4, 4) */
static void fill(float *z, int n, uint64_t seed)
{
    uint64_t r = sample_seed(seed);
    for (int i = 0; i < n; i++) z[i] = (float)(8 * sample_uniform(&r) - 4);
}

static double kept_sum(const float *p, const int32_t *order, size_t kept)
{
    double s = 0;
    for (size_t i = 0; i < kept; i++) s += p[order[i]];
    return s;
}

/* every id once, logits non-increasing, equal logits by increasing id */
static void assert_order(const float *z, const int32_t *order, int V)
{
    char *seen = calloc((size_t)V, 1);
    for (int i = 0; i < V; i++) {
        cr_assert(order[i] >= 0 && order[i] < V);
        cr_assert(!seen[order[i]], "id %d twice in the order", order[i]);
        seen[order[i]] = 1;
        if (i > 0) {
            float a = z[order[i - 1]], b = z[order[i]];
            a = a == a ? a : -INFINITY;
            b = b == b ? b : -INFINITY;
            cr_assert(a >= b, "order[%d] (%g) before order[%d] (%g)", i - 1, (double)a, i, (double)b);
            if (a == b) cr_assert(order[i - 1] < order[i], "ties go by id");
        }
    }
    free(seen);
}

Test(sample, greedy_is_the_argmax)
{
    enum { V = 50 };
    float z[V], p[V];
    int32_t order[V];
    fill(z, V, 1);
    z[17] = 9.0f; /* the clear winner */
    float temps[] = {0.0f, -1.0f};
    for (int t = 0; t < 2; t++) {
        SampleParams sp = {temps[t], 0, 1.0f};
        size_t kept = sample_dist(z, V, &sp, p, order);
        cr_assert_eq(kept, 1);
        cr_assert_eq(order[0], 17);
        for (int i = 0; i < V; i++) cr_assert_eq(p[i], i == 17 ? 1.0f : 0.0f);
        assert_order(z, order, V);
        uint64_t r = sample_seed(5);
        for (int k = 0; k < 20; k++) cr_assert_eq(sample_pick(p, order, kept, &r), 17);
    }
    cr_assert_eq(sample_argmax(z, V), 17);
}

Test(sample, temperature_one_is_the_softmax)
{
    enum { V = 30 };
    float z[V], p[V];
    int32_t order[V];
    fill(z, V, 2);
    SampleParams sp = {1.0f, 0, 1.0f};
    cr_assert_eq(sample_dist(z, V, &sp, p, order), (size_t)V);
    double m = -INFINITY, s = 0;
    for (int i = 0; i < V; i++) m = fmax(m, z[i]);
    for (int i = 0; i < V; i++) s += exp(z[i] - m);
    for (int i = 0; i < V; i++) cr_assert_float_eq(p[i], exp(z[i] - m) / s, 1e-6);
}

Test(sample, order_is_a_full_stable_descending_sort)
{
    enum { V = 3000 };
    float *z = malloc(V * sizeof *z), *p = malloc(V * sizeof *p);
    int32_t *order = malloc(V * sizeof *order);
    fill(z, V, 3);
    /* ties, signed zeros, tiny and huge magnitudes, negative and positive */
    for (int i = 0; i < V; i += 7) z[i] = 1.5f;
    for (int i = 3; i < V; i += 11) z[i] = -2.25f;
    z[5] = 0.0f, z[6] = -0.0f, z[8] = 1e-30f, z[9] = -1e-30f, z[10] = 1e30f, z[12] = -1e30f;
    SampleParams sp = {0.7f, 0, 1.0f};
    sample_dist(z, V, &sp, p, order);
    assert_order(z, order, V);
    cr_assert_eq(order[0], 10);
    cr_assert_eq(order[V - 1], 12);
    /* +0 and −0 are the same number: by id */
    int i5 = -1, i6 = -1;
    for (int i = 0; i < V; i++) i5 = order[i] == 5 ? i : i5, i6 = order[i] == 6 ? i : i6;
    cr_assert_eq(i6, i5 + 1);
    /* and the same order for greedy (the display still sees every token) */
    SampleParams g = {0, 0, 1};
    int32_t *o2 = malloc(V * sizeof *o2);
    sample_dist(z, V, &g, p, o2);
    cr_assert_eq(memcmp(order, o2, V * sizeof *o2), 0);
    free(o2), free(order), free(p), free(z);
}

Test(sample, topk_keeps_exactly_k)
{
    enum { V = 100 };
    float z[V], p[V];
    int32_t order[V];
    fill(z, V, 4);
    for (int k = 1; k <= 12; k += 5) {
        SampleParams sp = {0.8f, k, 1.0f};
        size_t kept = sample_dist(z, V, &sp, p, order);
        cr_assert_eq(kept, (size_t)k);
        cr_assert_float_eq(kept_sum(p, order, kept), 1.0, 1e-6);
        /* the kept are the k largest logits; the rest 0 */
        float kth = z[order[k - 1]];
        int n = 0;
        for (int i = 0; i < V; i++) {
            if (p[i] > 0) {
                n++;
                cr_assert(z[i] >= kth);
            } else {
                cr_assert(z[i] <= kth);
            }
        }
        cr_assert_eq(n, k);
        /* within the kept, the softmax's ratios at temperature 0.8 */
        if (k > 1)
            cr_assert_float_eq(p[order[0]] / p[order[1]], exp((z[order[0]] - z[order[1]]) / 0.8), 1e-5);
    }
    /* k ≥ V (or ≤ 0) is off */
    SampleParams big = {1.0f, V + 5, 1.0f}, off = {1.0f, -3, 1.0f};
    cr_assert_eq(sample_dist(z, V, &big, p, order), (size_t)V);
    cr_assert_eq(sample_dist(z, V, &off, p, order), (size_t)V);
}

/* Probabilities 0.5, 0.3, 0.15, 0.05 at ids 2, 0, 3, 1: the logits are their logarithms. */
static size_t topp_case(float temp, int k, float topp, float *p, int32_t *order)
{
    float z[4] = {logf(0.3f), logf(0.05f), logf(0.5f), logf(0.15f)};
    SampleParams sp = {temp, k, topp};
    return sample_dist(z, 4, &sp, p, order);
}

Test(sample, topp_keeps_the_smallest_prefix_reaching_p)
{
    float p[4];
    int32_t order[4];
    /* 0.5 < 0.75 ≤ 0.5 + 0.3: two, renormalised to 0.625 and 0.375 */
    cr_assert_eq(topp_case(1, 0, 0.75f, p, order), 2);
    cr_assert_eq(order[0], 2);
    cr_assert_eq(order[1], 0);
    cr_assert_float_eq(p[2], 0.625, 1e-6);
    cr_assert_float_eq(p[0], 0.375, 1e-6);
    cr_assert_eq(p[3], 0.0f);
    cr_assert_eq(p[1], 0.0f);
    cr_assert_eq(topp_case(1, 0, 0.4f, p, order), 1);  /* the first alone reaches 0.4 */
    cr_assert_eq(p[2], 1.0f);
    cr_assert_eq(topp_case(1, 0, 0.85f, p, order), 3); /* 0.8 < 0.85 ≤ 0.95 */
    cr_assert_float_eq(p[3], 0.15 / 0.95, 1e-6);
    cr_assert_eq(topp_case(1, 0, 0.99f, p, order), 4);
    cr_assert_eq(topp_case(1, 0, 0.0f, p, order), 1);  /* p ≤ 0: still one token */
    cr_assert_eq(topp_case(1, 0, 1.0f, p, order), 4);  /* p ≥ 1: off */
    /* after top-k the mass is renormalised first (as Hugging Face): of 0.5, 0.3, 0.15 the first
     * two are 0.842 of the mass, enough for 0.83 (without renormalising, 0.8 would not be) */
    cr_assert_eq(topp_case(1, 3, 0.83f, p, order), 2);
    /* temperature comes first: at temp 0.5 the probabilities are ∝ p², 0.25 : 0.09 : …, so the
     * first is 0.25/0.3654 = 0.684 of the mass and alone reaches 0.6 */
    cr_assert_eq(topp_case(0.5f, 0, 0.6f, p, order), 1);
    cr_assert_eq(topp_case(1.0f, 0, 0.6f, p, order), 2);
}

static double entropy(const float *p, int V)
{
    double h = 0;
    for (int i = 0; i < V; i++)
        if (p[i] > 0) h -= p[i] * log(p[i]);
    return h;
}

Test(sample, temperature_sharpens_and_flattens)
{
    enum { V = 50 };
    float z[V], p[V];
    int32_t order[V];
    fill(z, V, 6);
    float temps[] = {0.1f, 0.3f, 0.7f, 1.0f, 1.5f, 3.0f, 10.0f};
    double prev = -1;
    for (int t = 0; t < 7; t++) {
        SampleParams sp = {temps[t], 0, 1.0f};
        sample_dist(z, V, &sp, p, order);
        double h = entropy(p, V);
        cr_assert(h > prev, "entropy %g at temperature %g is not above %g", h, (double)temps[t], prev);
        cr_assert(h <= log(V) + 1e-9);
        prev = h;
    }
    /* very hot: nearly uniform; very cold: nearly greedy */
    SampleParams hot = {1000.0f, 0, 1.0f}, cold = {0.01f, 0, 1.0f};
    sample_dist(z, V, &hot, p, order);
    cr_assert(entropy(p, V) > log(V) - 1e-3);
    sample_dist(z, V, &cold, p, order);
    cr_assert(p[order[0]] > 0.99f);
}

Test(sample, draws_follow_the_probabilities)
{
    enum { V = 6, DRAWS = 60000 };
    float z[V] = {0.1f, 1.2f, -0.5f, 0.7f, -2.0f, 0.0f}, p[V];
    int32_t order[V];
    SampleParams sp = {1.0f, 0, 1.0f};
    size_t kept = sample_dist(z, V, &sp, p, order);
    long count[V] = {0};
    uint64_t r = sample_seed(123);
    for (int i = 0; i < DRAWS; i++) count[sample_pick(p, order, kept, &r)]++;
    /* Pearson's χ² against the expected counts; 5 degrees of freedom: above 20.5 once in a
     * thousand for a right sampler (and the seed is fixed, so this is not flaky) */
    double chi2 = 0;
    for (int i = 0; i < V; i++) {
        double e = (double)DRAWS * p[i];
        chi2 += (count[i] - e) * (count[i] - e) / e;
    }
    cr_log_info("sample: chi-square %.2f over %d draws", chi2, DRAWS);
    cr_assert(chi2 < 20.5, "chi-square %.2f: the draws do not follow the probabilities", chi2);

    /* with top-k 2 only ids 1 and 3 ever come out, at 1 : e^(−0.5) */
    SampleParams k2 = {1.0f, 2, 1.0f};
    kept = sample_dist(z, V, &k2, p, order);
    long c1 = 0, c3 = 0;
    for (int i = 0; i < 20000; i++) {
        int32_t t = sample_pick(p, order, kept, &r);
        cr_assert(t == 1 || t == 3, "drew %d, outside the top 2", t);
        c1 += t == 1, c3 += t == 3;
    }
    double want = 1.0 / (1.0 + exp(-0.5)) * 20000, sd = sqrt(want * (1 - want / 20000));
    cr_assert(fabs(c1 - want) < 4 * sd, "id 1 drawn %ld times, about %.0f expected", c1, want);
}

Test(sample, same_seed_same_sequence)
{
    enum { V = 40 };
    float z[V], p[V];
    int32_t order[V];
    fill(z, V, 7);
    SampleParams sp = {1.3f, 0, 0.95f};
    size_t kept = sample_dist(z, V, &sp, p, order);
    uint64_t a = sample_seed(42), b = sample_seed(42), c = sample_seed(43);
    int differs = 0;
    for (int i = 0; i < 200; i++) {
        int32_t x = sample_pick(p, order, kept, &a), y = sample_pick(p, order, kept, &b);
        int32_t w = sample_pick(p, order, kept, &c);
        cr_assert_eq(x, y);
        differs |= x != w;
    }
    cr_assert(differs, "seeds 42 and 43 gave the same 200 draws");
}

Test(sample, nan_and_infinite_logits)
{
    enum { V = 8 };
    float p[V];
    int32_t order[V];
    SampleParams sp = {1.0f, 0, 1.0f};
    uint64_t r = sample_seed(9);

    /* NaN counts as −∞: never drawn, sorted last */
    float z1[V] = {0.5f, NAN, 1.0f, -INFINITY, 0.2f, NAN, 0.0f, -1.0f};
    size_t kept = sample_dist(z1, V, &sp, p, order);
    cr_assert_eq(kept, 5);
    cr_assert_eq(p[1], 0.0f);
    cr_assert_eq(p[5], 0.0f);
    cr_assert_eq(p[3], 0.0f);
    cr_assert_float_eq(kept_sum(p, order, kept), 1.0, 1e-6);
    assert_order(z1, order, V);
    cr_assert_eq(order[5], 1); /* −∞ and the two NaNs at the end, by id */
    cr_assert_eq(order[6], 3);
    cr_assert_eq(order[7], 5);
    for (int i = 0; i < 500; i++) {
        int32_t t = sample_pick(p, order, kept, &r);
        cr_assert(t != 1 && t != 3 && t != 5);
    }
    cr_assert_eq(sample_argmax(z1, V), 2);

    /* +∞: an equal share among the +∞ ones */
    float z2[V] = {0.5f, INFINITY, 1.0f, NAN, INFINITY, 3.0f, 0.0f, -1.0f};
    kept = sample_dist(z2, V, &sp, p, order);
    cr_assert_eq(kept, 2);
    cr_assert_eq(p[1], 0.5f);
    cr_assert_eq(p[4], 0.5f);
    cr_assert_eq(sample_argmax(z2, V), 1);

    /* nothing finite: greedy on the lowest id */
    float z3[V] = {NAN, NAN, -INFINITY, NAN, NAN, NAN, NAN, NAN};
    kept = sample_dist(z3, V, &sp, p, order);
    cr_assert_eq(kept, 1);
    cr_assert_eq(order[0], 0);
    cr_assert_eq(p[0], 1.0f);
    cr_assert_eq(sample_pick(p, order, kept, &r), 0);
    cr_assert_eq(sample_argmax(z3, V), 0);
    z3[5] = -3.0f; /* one finite among them wins */
    cr_assert_eq(sample_argmax(z3, V), 5);
    sample_dist(z3, V, &sp, p, order);
    cr_assert_eq(order[0], 5);
    cr_assert_eq(p[5], 1.0f);

    /* a temperature so small that every other weight underflows: only the best is kept */
    float z4[V] = {0.5f, 0.4f, 0.3f, 0.2f, 0.1f, 0.0f, -0.1f, -0.2f};
    SampleParams tiny = {1e-20f, 0, 1.0f};
    cr_assert_eq(sample_dist(z4, V, &tiny, p, order), 1);
    cr_assert_eq(p[0], 1.0f);
}

Test(sample, argmax_agrees_with_the_order)
{
    enum { V = 500 };
    float z[V], p[V];
    int32_t order[V];
    SampleParams sp = {1.0f, 0, 1.0f};
    for (uint64_t s = 0; s < 20; s++) {
        fill(z, V, 100 + s);
        for (int i = 0; i < V; i += 13) z[i] = 5.0f; /* ties at the top */
        z[s * 7 % V] = NAN;
        sample_dist(z, V, &sp, p, order);
        cr_assert_eq(sample_argmax(z, V), order[0]);
    }
}

/* sample_dist_draw (generation's path) keeps exactly what sample_dist keeps — the same ids in the
 * same order, the same probabilities, so the same draws — on logits with many ties (a few
 * distinct values), NaN and ±∞, for greedy, top-k of several sizes with and without top-p, and
 * top-p alone (where it is sample_dist itself); with nothing cut, the same ids and probabilities
 * in id order. */
Test(sample, draw_path_keeps_what_the_full_sort_keeps)
{
    enum { V = 5000 };
    static float z[V], pa[V], pb[V];
    static int32_t oa[V], ob[V];
    const SampleParams cases[] = {
        { 0.0f, 0, 1.0f }, { 1.0f, 1, 1.0f }, { 1.0f, 40, 1.0f }, { 0.7f, 40, 0.9f }, { 1.5f, 400, 0.95f },
        { 1.0f, 4999, 1.0f }, { 1.0f, 0, 0.9f }, { 1.0f, 0, 1.0f },
    };
    uint64_t r = 3;
    for (int trial = 0; trial < 6; trial++) {
        fill(z, V, 100 + (uint64_t)trial);
        if (trial >= 2)   /* ties: a few distinct values (trial 2 and 3), many (4, 5) */
            for (int i = 0; i < V; i++) z[i] = roundf(z[i] * (trial < 4 ? 2.0f : 50.0f));
        if (trial == 3) z[17] = NAN, z[4000] = -INFINITY, z[99] = INFINITY, z[2] = INFINITY;
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            size_t ka = sample_dist(z, V, &cases[c], pa, oa);
            size_t kb = sample_dist_draw(z, V, &cases[c], pb, ob);
            cr_assert_eq(ka, kb, "trial %d case %zu: kept %zu and %zu", trial, c, ka, kb);
            if (cases[c].topk == 0 && cases[c].topp >= 1 && cases[c].temp > 0) {
                /* nothing cut: the same ids with the same probabilities, in id order */
                static float pfull[V];
                memset(pfull, 0, sizeof pfull);
                for (size_t i = 0; i < ka; i++) pfull[oa[i]] = pa[oa[i]];
                for (size_t i = 0; i < kb; i++) {
                    cr_assert(i == 0 || ob[i] > ob[i - 1], "trial %d: id order", trial);
                    cr_assert(fabsf(pb[ob[i]] - pfull[ob[i]]) <= 1e-6f * fmaxf(pfull[ob[i]], 1e-30f) + 1e-12f,
                              "trial %d: p of %d: %g and %g", trial, ob[i], (double)pb[ob[i]], (double)pfull[ob[i]]);
                }
                continue;
            }
            for (size_t i = 0; i < ka; i++) {
                cr_assert_eq(oa[i], ob[i], "trial %d case %zu: order[%zu]", trial, c, i);
                cr_assert_eq(pa[oa[i]], pb[ob[i]], "trial %d case %zu: p of %d", trial, c, oa[i]);
            }
            for (int d = 0; d < 20; d++) {
                uint64_t ra = r, rb = r;
                cr_assert_eq(sample_pick(pa, oa, ka, &ra), sample_pick(pb, ob, kb, &rb));
                r = ra;
            }
        }
    }
}
