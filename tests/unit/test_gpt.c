/* test_gpt.c — the GPT of src/engine/models/gpt.c on a tiny configuration (V 11, C 8, D 8,
 * L 2, H 2; batches of 2 × 5): the gradient of every tensor of the whole model against central
 * differences, without and with dropout (its masks fixed by the seed: the backward pass must be the
 * exact gradient of that forward pass); dropout off by default and its masks following the seed;
 * the loss at initialisation near ln V (nothing learnt yet: every token about equally likely);
 * the causal property (changing token t changes no logits before t); AdamW steps on a repeating
 * sequence drive the loss well down; the same seed gives the same model; two threads give the
 * numbers of one; the parameter count of GPT-2 small. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/gpt.h"
#include "nn/layers.h"
#include "nn/optim.h"
#include "nn/recurrent.h"

enum { V = 11, C = 8, D = 8, L = 2, H = 2, B = 2, T = 5 };

static const GptConfig cfg = {V, C, D, L, H};
static const int32_t tok[B * T] = {1, 4, 2, 9, 4, 0, 10, 3, 3, 7};
static const int32_t tgt[B * T] = {4, 2, 9, 4, 6, 10, 3, 3, 7, 5};

static float rnd(uint64_t *r)
{
    *r = *r * 6364136223846793005ULL + 1442695040888963407ULL;
    return (float)((double)(*r >> 40) / (double)(1 << 24)) * 2.0f - 1.0f;
}

/* Weights far larger than GPT-2's 0.02 so that every gradient is big enough to measure (at
 * initialisation attention is nearly uniform and the query/key gradients are tiny). */
static void randomise(Gpt *g, uint64_t seed)
{
    uint64_t r = seed;
    char name[64];
    size_t n;
    for (int i = 0; i < gpt_ntensors(&g->cfg); i++) {
        float *p = gpt_tensor(g, i, name, sizeof name, &n, NULL, NULL);
        int gamma = strstr(name, "ln_") && strstr(name, ".weight");
        for (size_t j = 0; j < n; j++) p[j] = gamma ? 1.0f + 0.3f * rnd(&r) : 0.5f * rnd(&r);
    }
}

/* The mean cross-entropy recomputed in double from the float logits: less rounding noise in
 * the central differences than the float the forward pass returns. */
static double loss_double(const Gpt *g, GptWork *w)
{
    gpt_forward(g, w, tok, tgt, B, T);
    double s = 0;
    for (int n = 0; n < B * T; n++) {
        const float *z = w->logits + (size_t)n * V;
        double mx = z[0], se = 0;
        for (int v = 1; v < V; v++) mx = fmax(mx, z[v]);
        for (int v = 0; v < V; v++) se += exp(z[v] - mx);
        s += mx + log(se) - z[tgt[n]];
    }
    return s / (B * T);
}

Test(gpt, parameter_count)
{
    GptConfig small = {50257, 1024, 768, 12, 12};
    cr_assert_eq(gpt_nparams(&small), (size_t)124439808);      /* GPT-2 small, as published */
    cr_assert_eq(gpt_nparams(&cfg), (size_t)(V * D + C * D + L * (12 * D * D + 13 * D) + 2 * D));
    GptConfig bad = {V, C, 9, L, 2};                            /* 9 not a multiple of 2 heads */
    cr_assert_eq(gpt_nparams(&bad), 0);
    Gpt g;
    cr_assert_eq(gpt_alloc(&g, &bad), -1);
    GptWork w;
    cr_assert_eq(gpt_work_alloc(&w, &cfg, B, C + 1), -1);      /* longer than the context */
    cr_assert_eq(gpt_work_alloc(&w, &cfg, 0, T), -1);
    cr_assert_eq(gpt_alloc(&g, &cfg), 0);
    size_t sum = 0, n;
    int rows, cols;
    char name[64];
    float *prev = NULL;
    for (int i = 0; i < gpt_ntensors(&cfg); i++) {
        float *p = gpt_tensor(&g, i, name, sizeof name, &n, &rows, &cols);
        cr_assert(p == g.mem + sum, "%s not contiguous", name);
        cr_assert_eq(n, (size_t)rows * cols);
        cr_assert(p != prev);
        prev = p;
        sum += n;
    }
    cr_assert_eq(sum, g.n);
    cr_assert_null(gpt_tensor(&g, gpt_ntensors(&cfg), name, sizeof name, &n, &rows, &cols));
    gpt_tensor(&g, 2 + 12 + 2, name, sizeof name, &n, &rows, &cols);
    cr_assert_str_eq(name, "h.1.attn.c_attn.weight");
    cr_assert_eq(rows, 3 * D);
    cr_assert_eq(cols, D);
    gpt_free(&g);
}

/* Every tensor's gradient against central differences of the loss. With dropout the forward
 * pass is still a fixed function of the weights (the mask depends on the seed and the places
 * only), and gpt_backward must be its exact gradient. */
static void check_gradients(float dropout)
{
    Gpt g, dg;
    GptWork w;
    cr_assert_eq(gpt_alloc(&g, &cfg), 0);
    cr_assert_eq(gpt_alloc(&dg, &cfg), 0);
    cr_assert_eq(gpt_work_alloc(&w, &cfg, B, T), 0);
    w.dropout = dropout;
    w.drop_seed = 11;
    randomise(&g, 5);
    double l0 = gpt_forward(&g, &w, tok, tgt, B, T);
    cr_assert(fabs(l0 - loss_double(&g, &w)) < 1e-5);
    gpt_forward(&g, &w, tok, tgt, B, T);
    gpt_backward(&g, &dg, &w, tok, tgt, B, T);

    char name[64];
    size_t n;
    int checked = 0;
    for (int i = 0; i < gpt_ntensors(&cfg); i++) {
        float *p = gpt_tensor(&g, i, name, sizeof name, &n, NULL, NULL);
        const float *dp = gpt_tensor(&dg, i, NULL, 0, NULL, NULL, NULL);
        /* about 16 entries per tensor, spread over it (all of a small one) */
        size_t step = n > 16 ? n / 16 : 1;
        double norm = 0;
        for (size_t j = 0; j < n; j += step) {
            const float eps = 1e-2f;
            float x = p[j];
            p[j] = x + eps;
            double hp = (double)p[j] - x, Lp = loss_double(&g, &w);
            p[j] = x - eps;
            double hm = x - (double)p[j], Lm = loss_double(&g, &w);
            p[j] = x;
            double num = (Lp - Lm) / (hp + hm);
            double err = fabs(dp[j] - num);
            cr_assert(err <= 5e-5 + 1e-2 * fabs(num), "%s[%zu] (dropout %g): analytic %g, numeric %g", name, j,
                      (double)dropout, (double)dp[j], num);
            norm += num * num;
            checked++;
        }
        cr_assert(sqrt(norm) > 1e-3, "%s: gradient too small to test (%g)", name, sqrt(norm));
    }
    cr_assert_gt(checked, 300);

    /* wte's output use reaches every row: an id never read as input (8) has a gradient too */
    int unread = 8;
    double s = 0;
    for (int d = 0; d < D; d++) s += fabs(dg.wte[unread * D + d]);
    cr_assert_gt(s, 1e-4);
    /* gradients are added: a second backward doubles them */
    float before = dg.h[0].qkv_w[3];
    gpt_forward(&g, &w, tok, tgt, B, T);        /* the checks above left perturbed activations */
    gpt_backward(&g, &dg, &w, tok, tgt, B, T);
    cr_assert_float_eq(dg.h[0].qkv_w[3], 2 * before, 1e-6 + 1e-5 * fabsf(before));
    gpt_work_free(&w);
    gpt_free(&dg);
    gpt_free(&g);
}

Test(gpt, gradients_match_central_differences) { check_gradients(0.0f); }
Test(gpt, dropout_gradients_match_central_differences) { check_gradients(0.25f); }

/* Dropout is off unless asked for; on, the seed decides the masks (the same seed, the same
 * numbers; another seed, others), and turning it off again gives the model's own loss. */
Test(gpt, dropout_off_by_default_and_masks_follow_the_seed)
{
    Gpt g;
    GptWork w;
    cr_assert_eq(gpt_alloc(&g, &cfg), 0);
    cr_assert_eq(gpt_work_alloc(&w, &cfg, B, T), 0);
    cr_assert_eq(w.dropout, 0.0f);
    cr_assert_eq(w.drop_seed, 0);
    randomise(&g, 6);
    double plain = gpt_forward(&g, &w, tok, tgt, B, T);
    w.drop_seed = 99;                                   /* a seed alone changes nothing */
    cr_assert_eq(gpt_forward(&g, &w, tok, tgt, B, T), plain);
    w.dropout = 0.3f;
    double a = gpt_forward(&g, &w, tok, tgt, B, T), a2 = gpt_forward(&g, &w, tok, tgt, B, T);
    w.drop_seed = 100;
    double b = gpt_forward(&g, &w, tok, tgt, B, T);
    cr_assert_eq(a, a2, "the same seed draws the same masks");
    cr_assert(a != plain && b != plain && a != b, "losses: none %g, seed 99 %g, seed 100 %g", plain, a, b);
    /* a dropped attention probability leaves att alone: it keeps the pattern itself */
    for (int i = 0; i < B * H * T; i++) {
        double s = 0;
        for (int j = 0; j < T; j++) s += w.att[1][i * T + j];
        cr_assert(fabs(s - 1) < 1e-5);
    }
    w.dropout = 0;
    cr_assert_eq(gpt_forward(&g, &w, tok, tgt, B, T), plain);
    gpt_work_free(&w);
    gpt_free(&g);
}

/* A batch big enough for the team of threads (N·D ≥ 16384): two threads give the numbers of one
 * (to float rounding: the loss's partial sums are added in another order), and the same numbers
 * every time. With dropout too, whose masks do not depend on the split. */
static double run_threads(int threads, float dropout, Gpt *dg, float *logits)
{
    enum { VB = 37, CB = 64, DB = 32, LB = 2, HB = 4, BB = 8, TB = 64 };
    GptConfig c = {VB, CB, DB, LB, HB};
    Gpt g;
    GptWork w;
    cr_assert_eq(gpt_alloc(&g, &c), 0);
    cr_assert_eq(gpt_alloc(dg, &c), 0);
    cr_assert_eq(gpt_work_alloc(&w, &c, BB, TB), 0);
    gpt_init(&g, 4);
    w.dropout = dropout;
    w.drop_seed = 5;
    static int32_t x[BB * TB], y[BB * TB];
    for (int i = 0; i < BB * TB; i++) {
        x[i] = (i * 7 + i / 5) % VB;
        y[i] = i % 9 == 4 ? TZ_IGNORE : (i * 3 + 1) % VB;
    }
    cell_set_threads(threads);
    double loss = gpt_forward(&g, &w, x, y, BB, TB);
    gpt_backward(&g, dg, &w, x, y, BB, TB);
    cell_set_threads(0);
    memcpy(logits, w.logits, (size_t)BB * TB * VB * sizeof *logits);
    gpt_work_free(&w);
    gpt_free(&g);
    return loss;
}

Test(gpt, threads_give_the_same_numbers)
{
    enum { NL = 8 * 64 * 37 };
    static float l1[NL], l2[NL], l3[NL];
    for (int k = 0; k < 2; k++) {
        float p = k ? 0.1f : 0.0f;
        Gpt d1, d2, d3;
        double a = run_threads(1, p, &d1, l1), b = run_threads(2, p, &d2, l2), c = run_threads(2, p, &d3, l3);
        cr_assert_eq(b, c, "two runs with two threads");
        cr_assert_arr_eq(l2, l3, sizeof l2);
        cr_assert_arr_eq(d2.mem, d3.mem, d2.n * sizeof *d2.mem);
        cr_assert(fabs(a - b) <= 1e-6 * fabs(a), "loss: 1 thread %.9g, 2 threads %.9g", a, b);
        for (int i = 0; i < NL; i++) cr_assert(fabsf(l1[i] - l2[i]) <= 1e-5f * fmaxf(1, fabsf(l1[i])));
        for (size_t i = 0; i < d1.n; i++)
            cr_assert(fabsf(d1.mem[i] - d2.mem[i]) <= 1e-6f + 1e-4f * fabsf(d1.mem[i]), "gradient %zu: %g vs %g", i,
                      (double)d1.mem[i], (double)d2.mem[i]);
        gpt_free(&d1);
        gpt_free(&d2);
        gpt_free(&d3);
    }
}

Test(gpt, loss_at_init_is_about_log_v)
{
    Gpt g;
    GptWork w;
    cr_assert_eq(gpt_alloc(&g, &cfg), 0);
    cr_assert_eq(gpt_work_alloc(&w, &cfg, B, T), 0);
    gpt_init(&g, 1);
    double loss = gpt_forward(&g, &w, tok, tgt, B, T);
    cr_assert(fabs(loss - log((double)V)) < 0.05, "loss %g, ln V %g", loss, log((double)V));
    /* and the initialisation is the one promised: γ = 1, biases 0, weights of std ≈ 0.02 */
    cr_assert_eq(g.h[1].ln2_w[3], 1.0f);
    cr_assert_eq(g.h[1].fc_b[5], 0.0f);
    double s = 0;
    for (int i = 0; i < V * D; i++) s += (double)g.wte[i] * g.wte[i];
    double sd = sqrt(s / (V * D));
    cr_assert(sd > 0.015 && sd < 0.025, "wte std %g", sd);
    /* the projections into the residual stream are narrower by √(2L) = 2: std ≈ 0.01 */
    double sp = 0, sw = 0;
    for (int l = 0; l < L; l++) {
        for (int i = 0; i < D * D; i++) sp += (double)g.h[l].attproj_w[i] * g.h[l].attproj_w[i];
        for (int i = 0; i < 4 * D * D; i++) {
            sp += (double)g.h[l].fcproj_w[i] * g.h[l].fcproj_w[i];
            sw += (double)g.h[l].fc_w[i] * g.h[l].fc_w[i];
        }
    }
    sp = sqrt(sp / (L * 5 * D * D));
    sw = sqrt(sw / (L * 4 * D * D));
    cr_assert(sp > 0.0085 && sp < 0.0115, "residual projection std %g", sp);
    cr_assert(sw > 0.017 && sw < 0.023, "c_fc std %g", sw);
    gpt_work_free(&w);
    gpt_free(&g);
}

Test(gpt, causal_no_logit_sees_a_later_token)
{
    Gpt g;
    GptWork w;
    cr_assert_eq(gpt_alloc(&g, &cfg), 0);
    cr_assert_eq(gpt_work_alloc(&w, &cfg, B, T), 0);
    randomise(&g, 9);
    float before[B * T * V];
    gpt_forward(&g, &w, tok, NULL, B, T);
    memcpy(before, w.logits, sizeof before);
    for (int t = 0; t < T; t++) {
        int32_t changed[B * T];
        memcpy(changed, tok, sizeof changed);
        changed[t] = (changed[t] + 5) % V;          /* sequence 0, position t */
        gpt_forward(&g, &w, changed, NULL, B, T);
        for (int u = 0; u < T; u++) {
            double diff = 0;
            for (int v = 0; v < V; v++) diff = fmax(diff, fabs(w.logits[u * V + v] - before[u * V + v]));
            if (u < t)
                cr_assert(diff <= 1e-6, "position %d changed (%g) by token %d", u, diff, t);
            else
                cr_assert(diff > 1e-3, "position %d did not see token %d", u, t);
        }
        /* the other sequence of the batch is untouched altogether */
        for (int i = T * V; i < B * T * V; i++) cr_assert(fabsf(w.logits[i] - before[i]) <= 1e-6);
    }
    gpt_work_free(&w);
    gpt_free(&g);
}

/* AdamW on a repeating sequence (0 1 2 3 4 5 6 0 1 …, the next token a function of the
 * current one): the loss falls from ln 11 ≈ 2.4 to almost nothing. Returns the final loss. */
static double train(uint64_t seed, int steps, double *first)
{
    enum { TT = 8 };
    Gpt g, dg;
    GptWork w;
    Optim o;
    cr_assert_eq(gpt_alloc(&g, &cfg), 0);
    cr_assert_eq(gpt_alloc(&dg, &cfg), 0);
    cr_assert_eq(gpt_work_alloc(&w, &cfg, B, TT), 0);
    gpt_init(&g, seed);
    optim_init(&o, OPT_ADAMW, 1e-2f);
    for (int i = 0; i < gpt_ntensors(&cfg); i++) {
        size_t n;
        float *p = gpt_tensor(&g, i, NULL, 0, &n, NULL, NULL), *d = gpt_tensor(&dg, i, NULL, 0, NULL, NULL, NULL);
        optim_add(&o, p, d, n);
    }
    int32_t x[B * TT], y[B * TT];
    for (int b = 0; b < B; b++)
        for (int t = 0; t < TT; t++) {
            x[b * TT + t] = (3 * b + t) % 7;
            y[b * TT + t] = (3 * b + t + 1) % 7;
        }
    double loss = 0;
    for (int s = 0; s < steps; s++) {
        optim_zero_grad(&o);
        loss = gpt_forward(&g, &w, x, y, B, TT);
        if (s == 0 && first) *first = loss;
        gpt_backward(&g, &dg, &w, x, y, B, TT);
        optim_clip(&o, 1.0);
        optim_step(&o, 1e-2f);
    }
    loss = gpt_forward(&g, &w, x, y, B, TT);
    optim_free(&o);
    gpt_work_free(&w);
    gpt_free(&dg);
    gpt_free(&g);
    return loss;
}

Test(gpt, adamw_learns_a_repeating_sequence)
{
    double first = 0, last = train(3, 150, &first);
    cr_assert(fabs(first - log((double)V)) < 0.05, "first loss %g", first);
    cr_assert(last < 0.05, "loss after training %g (from %g)", last, first);
}

Test(gpt, deterministic_for_a_seed)
{
    Gpt a, b, c;
    cr_assert_eq(gpt_alloc(&a, &cfg), 0);
    cr_assert_eq(gpt_alloc(&b, &cfg), 0);
    cr_assert_eq(gpt_alloc(&c, &cfg), 0);
    gpt_init(&a, 42);
    gpt_init(&b, 42);
    gpt_init(&c, 43);
    cr_assert_eq(memcmp(a.mem, b.mem, a.n * sizeof *a.mem), 0);
    cr_assert_neq(memcmp(a.mem, c.mem, a.n * sizeof *a.mem), 0);
    gpt_free(&a);
    gpt_free(&b);
    gpt_free(&c);
    double l1 = train(7, 20, NULL), l2 = train(7, 20, NULL);
    cr_assert_eq(l1, l2);
}
