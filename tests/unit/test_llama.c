/* test_llama.c — LLaMA's layers (src/engine/nn/llama_layers.c) and model
 * (src/engine/models/llama.c).
 * Layers: RMSNorm, RoPE, SwiGLU and grouped-query attention, each fast one against its naive
 * twin and each backward pass against central differences; RoPE keeps lengths, its backward
 * undoes it, and the score of a rotated query and key depends only on how far apart they are;
 * GQA is nn/layers.h's multi-head attention with each key/value head repeated for its group.
 * Model, on a tiny configuration (V 11, C 8, D 8, L 2, H 2 query heads sharing Hkv 1, F 12;
 * batches of 2 × 5), tied and untied: the gradient of every tensor against central differences;
 * no logit sees a later token; the loss at initialisation near ln V; AdamW learns a repeating
 * sequence; the same seed gives the same model; the tensor names and the published parameter
 * counts (Llama 3 8B, llama2.c's stories15M). */
#include <criterion/criterion.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/llama.h"
#include "nn/layers.h"
#include "nn/llama_layers.h"
#include "nn/optim.h"

static float rnd(uint64_t *r)
{
    *r = *r * 6364136223846793005ULL + 1442695040888963407ULL;
    return (float)((double)(*r >> 40) / (double)(1 << 24)) * 2.0f - 1.0f;
}

static void fill(float *p, size_t n, float scale, uint64_t seed)
{
    uint64_t r = seed;
    for (size_t i = 0; i < n; i++) p[i] = scale * rnd(&r);
}

static double maxdiff(const float *a, const float *b, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++) m = fmax(m, fabs((double)a[i] - b[i]));
    return m;
}

/* The numeric derivative of f at p[j], a central difference with step 1e-2 (the step actually
 * taken in float, on both sides). */
static double central(double (*f)(void *), void *ctx, float *p, size_t j)
{
    const float eps = 1e-2f;
    float x = p[j];
    p[j] = x + eps;
    double hp = (double)p[j] - x, Lp = f(ctx);
    p[j] = x - eps;
    double hm = x - (double)p[j], Lm = f(ctx);
    p[j] = x;
    return (Lp - Lm) / (hp + hm);
}

#define CHECK_GRAD(analytic, numeric, what, j)                                                                       \
    cr_assert(fabs((analytic) - (numeric)) <= 1e-4 + 1e-2 * fabs(numeric), "%s[%zu]: analytic %g, numeric %g",     \
              what, (size_t)(j), (double)(analytic), (double)(numeric))

/* ---- layers ------------------------------------------------------------------------------ */

/* Each layer's scalar test loss: Σ r ⊙ Y for fixed random r, so that dY = r. */
enum { LN = 6, LD = 10 };
typedef struct {
    float X[LN * LD], w[LD], Y[LN * LD], rstd[LN], r[LN * LD];
} RmsCtx;

static double rms_loss(void *arg)
{
    RmsCtx *c = arg;
    rmsnorm_forward_naive(c->Y, c->rstd, c->X, c->w, LN, LD);
    double s = 0;
    for (int i = 0; i < LN * LD; i++) s += (double)c->r[i] * c->Y[i];
    return s;
}

Test(llama_layers, rmsnorm)
{
    static RmsCtx c;
    fill(c.X, LN * LD, 2.0f, 1);
    fill(c.w, LD, 0.5f, 2);
    for (int d = 0; d < LD; d++) c.w[d] += 1.0f;
    fill(c.r, LN * LD, 1.0f, 3);
    /* the fast pair against the twins */
    float Y[LN * LD], rstd[LN], dX[LN * LD], dXn[LN * LD], dw[LD] = {0}, dwn[LD] = {0};
    rmsnorm_forward(Y, rstd, c.X, c.w, LN, LD);
    rmsnorm_forward_naive(c.Y, c.rstd, c.X, c.w, LN, LD);
    cr_assert_leq(maxdiff(Y, c.Y, LN * LD), 1e-6);
    cr_assert_leq(maxdiff(rstd, c.rstd, LN), 1e-6);
    rmsnorm_backward(dX, dw, c.r, c.X, rstd, c.w, LN, LD);
    rmsnorm_backward_naive(dXn, dwn, c.r, c.X, c.w, LN, LD);
    cr_assert_leq(maxdiff(dX, dXn, LN * LD), 1e-6);
    cr_assert_leq(maxdiff(dw, dwn, LD), 1e-5);
    /* each row of the output has mean square w²-weighted 1: with w = 1, exactly rms 1 */
    float ones[LD], Y1[LN * LD];
    for (int d = 0; d < LD; d++) ones[d] = 1.0f;
    rmsnorm_forward(Y1, rstd, c.X, ones, LN, LD);
    for (int n = 0; n < LN; n++) {
        double ss = 0;
        for (int d = 0; d < LD; d++) ss += (double)Y1[n * LD + d] * Y1[n * LD + d];
        cr_assert(fabs(ss / LD - 1) < 1e-4, "row %d: mean square %g", n, ss / LD);
    }
    /* central differences, every input and every weight */
    for (int j = 0; j < LN * LD; j++) CHECK_GRAD(dX[j], central(rms_loss, &c, c.X, j), "rmsnorm dX", j);
    for (int j = 0; j < LD; j++) CHECK_GRAD(dw[j], central(rms_loss, &c, c.w, j), "rmsnorm dw", j);
    /* dw is added: a second backward doubles it */
    float before = dw[3];
    rmsnorm_backward(dX, dw, c.r, c.X, rstd, c.w, LN, LD);
    cr_assert_float_eq(dw[3], 2 * before, 1e-6);
}

enum { RB = 2, RT = 5, RNH = 2, RHS = 6, RN = RB * RT, RW = RNH * RHS };
typedef struct {
    float X[RN * RW], Y[RN * RW], r[RN * RW];
    int pos0;
} RopeCtx;

static double rope_loss(void *arg)
{
    RopeCtx *c = arg;
    memcpy(c->Y, c->X, sizeof c->Y);
    rope_forward_naive(c->Y, RN, RT, c->pos0, RNH, RHS, TZ_ROPE_THETA);
    double s = 0;
    for (int i = 0; i < RN * RW; i++) s += (double)c->r[i] * c->Y[i];
    return s;
}

Test(llama_layers, rope)
{
    static RopeCtx c;
    enum { P = 16 };
    float cs[P * RHS / 2], sn[P * RHS / 2];
    rope_table(cs, sn, P, RHS, TZ_ROPE_THETA);
    fill(c.X, RN * RW, 1.0f, 4);
    fill(c.r, RN * RW, 1.0f, 5);
    for (c.pos0 = 0; c.pos0 <= 3; c.pos0 += 3) {
        float Y[RN * RW], G[RN * RW];
        memcpy(Y, c.X, sizeof Y);
        rope_forward(Y, RN, RT, c.pos0, RNH, RHS, cs, sn);
        rope_loss(&c);
        cr_assert_leq(maxdiff(Y, c.Y, RN * RW), 1e-6, "pos0 %d", c.pos0);
        /* position 0 is not turned; the second sequence starts again at pos0 */
        if (c.pos0 == 0) cr_assert_arr_eq(Y, c.X, RW * sizeof(float));
        float Z[RN * RW];                           /* both sequences the same: turned the same */
        memcpy(Z, c.X, RT * RW * sizeof(float));
        memcpy(Z + RT * RW, c.X, RT * RW * sizeof(float));
        rope_forward(Z, RN, RT, c.pos0, RNH, RHS, cs, sn);
        cr_assert_arr_eq(Z, Y, RT * RW * sizeof(float));
        cr_assert_arr_eq(Z + RT * RW, Y, RT * RW * sizeof(float));
        /* a rotation keeps every pair's length */
        for (int i = 0; i < RN * RW; i += 2) {
            double a = hypot(c.X[i], c.X[i + 1]), b = hypot(Y[i], Y[i + 1]);
            cr_assert(fabs(a - b) < 1e-6, "pair %d: length %g became %g", i / 2, a, b);
        }
        /* backward is the inverse rotation: it takes Y back to X */
        memcpy(G, Y, sizeof G);
        rope_backward(G, RN, RT, c.pos0, RNH, RHS, cs, sn);
        cr_assert_leq(maxdiff(G, c.X, RN * RW), 1e-6);
        /* ... and the gradient of Σ r ⊙ rope(X): r turned back; fast against naive */
        float Gn[RN * RW];
        memcpy(G, c.r, sizeof G);
        memcpy(Gn, c.r, sizeof Gn);
        rope_backward(G, RN, RT, c.pos0, RNH, RHS, cs, sn);
        rope_backward_naive(Gn, RN, RT, c.pos0, RNH, RHS, TZ_ROPE_THETA);
        cr_assert_leq(maxdiff(G, Gn, RN * RW), 1e-6);
        for (int j = 0; j < RN * RW; j += 3) CHECK_GRAD(G[j], central(rope_loss, &c, c.X, j), "rope dX", j);
    }
}

/* The reason for RoPE: the score between a query at position p and a key at position j, both
 * rotated, depends only on p − j (the same two vectors 2 apart score the same at 0/2 and 5/7),
 * while the unrotated score is the same for every pair. */
Test(llama_layers, rope_scores_depend_on_distance_only)
{
    enum { HS = 8, P = 12 };
    float cs[P * HS / 2], sn[P * HS / 2], q[HS], k[HS];
    rope_table(cs, sn, P, HS, TZ_ROPE_THETA);
    fill(q, HS, 1.0f, 6);
    fill(k, HS, 1.0f, 7);
    double score[P][P];
    for (int p = 0; p < P; p++)
        for (int j = 0; j < P; j++) {
            float a[HS], b[HS];
            memcpy(a, q, sizeof a);
            memcpy(b, k, sizeof b);
            rope_forward(a, 1, 1, p, 1, HS, cs, sn);     /* one row at position p */
            rope_forward(b, 1, 1, j, 1, HS, cs, sn);
            double s = 0;
            for (int i = 0; i < HS; i++) s += (double)a[i] * b[i];
            score[p][j] = s;
        }
    for (int p = 0; p < P; p++)
        for (int j = 0; j < P; j++) {
            int p2 = (p + 3) % P, j2 = p2 - (p - j);
            if (j2 < 0 || j2 >= P) continue;
            cr_assert(fabs(score[p][j] - score[p2][j2]) < 1e-5, "(%d, %d) %g vs (%d, %d) %g", p, j, score[p][j], p2,
                      j2, score[p2][j2]);
        }
    cr_assert(fabs(score[0][0] - score[0][5]) > 1e-3, "distance must matter");
}

enum { SN = 40 };
typedef struct {
    float A[SN], Bv[SN], Y[SN], r[SN];
} SwiCtx;

static double swi_loss(void *arg)
{
    SwiCtx *c = arg;
    swiglu_forward_naive(c->Y, c->A, c->Bv, SN);
    double s = 0;
    for (int i = 0; i < SN; i++) s += (double)c->r[i] * c->Y[i];
    return s;
}

Test(llama_layers, swiglu)
{
    static SwiCtx c;
    fill(c.A, SN, 4.0f, 8);
    fill(c.Bv, SN, 2.0f, 9);
    fill(c.r, SN, 1.0f, 10);
    float Y[SN], dA[SN], dB[SN], dAn[SN], dBn[SN];
    swiglu_forward(Y, c.A, c.Bv, SN);
    swi_loss(&c);
    cr_assert_leq(maxdiff(Y, c.Y, SN), 1e-6);
    /* silu(0) = 0, silu(a) → a for large a, → 0 for very negative a */
    float a3[3] = {0.0f, 30.0f, -30.0f}, one[3] = {1, 1, 1}, y3[3];
    swiglu_forward(y3, a3, one, 3);
    cr_assert_eq(y3[0], 0.0f);
    cr_assert_float_eq(y3[1], 30.0f, 1e-5);
    cr_assert(fabsf(y3[2]) < 1e-10f);
    swiglu_backward(dA, dB, c.r, c.A, c.Bv, SN);
    swiglu_backward_naive(dAn, dBn, c.r, c.A, c.Bv, SN);
    cr_assert_leq(maxdiff(dA, dAn, SN), 1e-6);
    cr_assert_leq(maxdiff(dB, dBn, SN), 1e-6);
    for (int j = 0; j < SN; j++) {
        CHECK_GRAD(dA[j], central(swi_loss, &c, c.A, j), "swiglu dA", j);
        CHECK_GRAD(dB[j], central(swi_loss, &c, c.Bv, j), "swiglu dB", j);
    }
}

enum { GB = 2, GT = 5, GH = 4, GHKV = 2, GHS = 4, GN = GB * GT, GDQ = GH * GHS, GDKV = GHKV * GHS };
typedef struct {
    float q[GN * GDQ], k[GN * GDKV], v[GN * GDKV], out[GN * GDQ], att[GB * GH * GT * GT], r[GN * GDQ];
} GqaCtx;

static double gqa_loss(void *arg)
{
    GqaCtx *c = arg;
    gqa_forward_naive(c->out, c->att, c->q, c->k, c->v, GB, GT, GH, GHKV, GHS, 1);
    double s = 0;
    for (int i = 0; i < GN * GDQ; i++) s += (double)c->r[i] * c->out[i];
    return s;
}

Test(llama_layers, gqa_attention)
{
    static GqaCtx c;
    fill(c.q, GN * GDQ, 1.5f, 11);
    fill(c.k, GN * GDKV, 1.5f, 12);
    fill(c.v, GN * GDKV, 1.0f, 13);
    fill(c.r, GN * GDQ, 1.0f, 14);
    float out[GN * GDQ], att[GB * GH * GT * GT];
    gqa_forward(out, att, c.q, c.k, c.v, GB, GT, GH, GHKV, GHS, 1);
    gqa_loss(&c);
    cr_assert_leq(maxdiff(out, c.out, GN * GDQ), 1e-6);
    cr_assert_leq(maxdiff(att, c.att, GB * GH * GT * GT), 1e-6);
    /* causal: every row a distribution, nothing above the diagonal; and far from uniform */
    double spread = 0;
    for (int i = 0; i < GB * GH * GT; i++) {
        int t = i % GT;
        double s = 0;
        for (int j = 0; j < GT; j++) {
            s += att[i * GT + j];
            if (j > t) cr_assert_eq(att[i * GT + j], 0.0f);
            if (j <= t) spread = fmax(spread, fabs(att[i * GT + j] - 1.0 / (t + 1)));
        }
        cr_assert(fabs(s - 1) < 1e-6);
    }
    cr_assert_gt(spread, 0.2);

    /* GQA is multi-head attention with each key/value head repeated for its group (query heads
     * 0, 1 read kv head 0; 2, 3 read kv head 1): nn/layers.h's attention on [q | k' | v'] */
    static float qkv[GN * 3 * GDQ], mout[GN * GDQ], matt[GB * GH * GT * GT];
    for (int n = 0; n < GN; n++)
        for (int h = 0; h < GH; h++)
            for (int i = 0; i < GHS; i++) {
                int g = h / (GH / GHKV);
                qkv[n * 3 * GDQ + h * GHS + i] = c.q[n * GDQ + h * GHS + i];
                qkv[n * 3 * GDQ + GDQ + h * GHS + i] = c.k[n * GDKV + g * GHS + i];
                qkv[n * 3 * GDQ + 2 * GDQ + h * GHS + i] = c.v[n * GDKV + g * GHS + i];
            }
    attention_forward(mout, matt, qkv, GB, GT, GDQ, GH, 1);
    cr_assert_leq(maxdiff(out, mout, GN * GDQ), 1e-6);
    cr_assert_leq(maxdiff(att, matt, GB * GH * GT * GT), 1e-6);

    /* backward: fast against naive, then against central differences of q, k and v */
    float dq[GN * GDQ], dk[GN * GDKV], dv[GN * GDKV], dqn[GN * GDQ], dkn[GN * GDKV], dvn[GN * GDKV];
    memset(dk, 0x7f, sizeof dk);                         /* written, not added: garbage must go */
    gqa_backward(dq, dk, dv, c.r, c.q, c.k, c.v, att, GB, GT, GH, GHKV, GHS, NULL);
    gqa_backward_naive(dqn, dkn, dvn, c.r, c.q, c.k, c.v, att, GB, GT, GH, GHKV, GHS);
    cr_assert_leq(maxdiff(dq, dqn, GN * GDQ), 1e-5);
    cr_assert_leq(maxdiff(dk, dkn, GN * GDKV), 1e-5);
    cr_assert_leq(maxdiff(dv, dvn, GN * GDKV), 1e-5);
    for (int j = 0; j < GN * GDQ; j += 2) CHECK_GRAD(dq[j], central(gqa_loss, &c, c.q, j), "gqa dq", j);
    for (int j = 0; j < GN * GDKV; j++) {
        CHECK_GRAD(dk[j], central(gqa_loss, &c, c.k, j), "gqa dk", j);
        CHECK_GRAD(dv[j], central(gqa_loss, &c, c.v, j), "gqa dv", j);
    }
    /* the last token's key is seen by nobody but itself: its gradient is that one query's */
    double last = 0;
    for (int b = 0; b < GB; b++)
        for (int i = 0; i < GDKV; i++) last += fabs(dv[(b * GT + GT - 1) * GDKV + i]);
    cr_assert_gt(last, 1e-4);
}

/* ---- the model --------------------------------------------------------------------------- */

enum { V = 11, C = 8, D = 8, L = 2, H = 2, HKV = 1, FF = 12, B = 2, T = 5 };
static const int32_t tok[B * T] = {1, 4, 2, 9, 4, 0, 10, 3, 3, 7};
static const int32_t tgt[B * T] = {4, 2, 9, TZ_IGNORE, 6, 10, 3, 3, 7, 5};

static LlamaConfig tiny(int tied)
{
    LlamaConfig c = {V, C, D, L, H, HKV, FF, tied};
    return c;
}

/* Weights far larger than the initialisation's 0.02, so that attention is far from uniform
 * and every gradient is big enough to measure. */
static void randomise(Llama *m, uint64_t seed)
{
    uint64_t r = seed;
    size_t n;
    int cols;
    for (int i = 0; i < llama_ntensors(&m->cfg); i++) {
        float *p = llama_tensor(m, i, NULL, 0, &n, NULL, &cols);
        for (size_t j = 0; j < n; j++) p[j] = cols == 1 ? 1.0f + 0.3f * rnd(&r) : 0.5f * rnd(&r);
    }
}

typedef struct {
    Llama *m;
    LlamaWork *w;
} ModelCtx;

/* The mean cross-entropy recomputed in double from the float logits. */
static double model_loss(void *arg)
{
    ModelCtx *c = arg;
    llama_forward(c->m, c->w, tok, tgt, B, T);
    double s = 0;
    int count = 0;
    for (int n = 0; n < B * T; n++) {
        if (tgt[n] == TZ_IGNORE) continue;
        const float *z = c->w->logits + (size_t)n * V;
        double mx = z[0], se = 0;
        for (int v = 1; v < V; v++) mx = fmax(mx, z[v]);
        for (int v = 0; v < V; v++) se += exp(z[v] - mx);
        s += mx + log(se) - z[tgt[n]];
        count++;
    }
    return s / count;
}

Test(llama, parameter_counts_and_names)
{
    LlamaConfig l3 = {128256, 8192, 4096, 32, 32, 8, 14336, 0};       /* Llama 3 8B, as published */
    cr_assert_eq(llama_nparams(&l3), (size_t)8030261248ULL);
    LlamaConfig st = {32000, 256, 288, 6, 6, 6, 768, 1};              /* llama2.c's stories15M */
    cr_assert_eq(llama_nparams(&st), (size_t)15191712);
    LlamaConfig bad[] = {{V, C, 9, L, 3, 1, FF, 0},                   /* hs = 3: RoPE needs pairs */
                         {V, C, D, L, 2, 3, FF, 0},                   /* 2 heads in groups of 3 */
                         {V, C, D, L, H, HKV, 0, 0},
                         {V, C, D, L, H, HKV, FF, 2}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        Llama m;
        cr_assert_eq(llama_nparams(&bad[i]), 0, "config %zu", i);
        cr_assert_eq(llama_alloc(&m, &bad[i]), -1);
    }
    for (int tied = 0; tied <= 1; tied++) {
        LlamaConfig c = tiny(tied);
        Llama m;
        LlamaWork w;
        cr_assert_eq(llama_work_alloc(&w, &c, B, C + 1), -1);       /* longer than the context */
        cr_assert_eq(llama_alloc(&m, &c), 0);
        cr_assert_eq(llama_ntensors(&c), 2 + 9 * L + !tied);
        size_t sum = 0, n;
        int rows, cols;
        char name[64];
        for (int i = 0; i < llama_ntensors(&c); i++) {
            float *p = llama_tensor(&m, i, name, sizeof name, &n, &rows, &cols);
            cr_assert(p == m.mem + sum, "%s not contiguous", name);
            cr_assert_eq(n, (size_t)rows * cols);
            sum += n;
        }
        cr_assert_eq(sum, m.n);
        cr_assert_null(llama_tensor(&m, llama_ntensors(&c), name, sizeof name, &n, &rows, &cols));
        cr_assert(tied ? m.output == m.tok_embeddings : m.output == m.mem + sum - (size_t)V * D);
        llama_tensor(&m, 1 + 9 + 2, name, sizeof name, &n, &rows, &cols);
        cr_assert_str_eq(name, "layers.1.attention.wk.weight");
        cr_assert_eq(rows, HKV * D / H);
        cr_assert_eq(cols, D);
        llama_tensor(&m, 1 + 7, name, sizeof name, &n, &rows, &cols);
        cr_assert_str_eq(name, "layers.0.feed_forward.w2.weight");
        cr_assert(rows == D && cols == FF);
        llama_tensor(&m, 0, name, sizeof name, NULL, NULL, NULL);
        cr_assert_str_eq(name, "tok_embeddings.weight");
        llama_tensor(&m, 1 + 9 * L, name, sizeof name, NULL, NULL, NULL);
        cr_assert_str_eq(name, "norm.weight");
        if (!tied) {
            llama_tensor(&m, 2 + 9 * L, name, sizeof name, NULL, NULL, NULL);
            cr_assert_str_eq(name, "output.weight");
        }
        llama_free(&m);
    }
}

static void check_gradients(int tied)
{
    LlamaConfig cfg = tiny(tied);
    Llama m, dm;
    LlamaWork w;
    cr_assert_eq(llama_alloc(&m, &cfg), 0);
    cr_assert_eq(llama_alloc(&dm, &cfg), 0);
    cr_assert_eq(llama_work_alloc(&w, &cfg, B, T), 0);
    randomise(&m, 5 + tied);
    ModelCtx ctx = {&m, &w};
    double l0 = llama_forward(&m, &w, tok, tgt, B, T);
    cr_assert(fabs(l0 - model_loss(&ctx)) < 1e-5);
    llama_forward(&m, &w, tok, tgt, B, T);
    llama_backward(&m, &dm, &w, tok, tgt, B, T);

    char name[64];
    size_t n;
    int checked = 0;
    for (int i = 0; i < llama_ntensors(&cfg); i++) {
        float *p = llama_tensor(&m, i, name, sizeof name, &n, NULL, NULL);
        const float *dp = llama_tensor(&dm, i, NULL, 0, NULL, NULL, NULL);
        size_t step = n > 16 ? n / 16 : 1;
        double norm = 0;
        for (size_t j = 0; j < n; j += step) {
            double num = central(model_loss, &ctx, p, j);
            cr_assert(fabs(dp[j] - num) <= 5e-5 + 1e-2 * fabs(num), "%s[%zu] (tied %d): analytic %g, numeric %g",
                      name, j, tied, (double)dp[j], num);
            norm += num * num;
            checked++;
        }
        cr_assert(sqrt(norm) > 1e-3, "%s: gradient too small to test (%g)", name, sqrt(norm));
    }
    cr_assert_gt(checked, 250);
    /* gradients are added: a second backward doubles them */
    float before = dm.layers[0].wk[3];
    llama_forward(&m, &w, tok, tgt, B, T);
    llama_backward(&m, &dm, &w, tok, tgt, B, T);
    cr_assert_float_eq(dm.layers[0].wk[3], 2 * before, 1e-6 + 1e-5 * fabsf(before));
    llama_work_free(&w);
    llama_free(&dm);
    llama_free(&m);
}

Test(llama, gradients_match_central_differences) { check_gradients(0); }
Test(llama, tied_gradients_match_central_differences) { check_gradients(1); }

Test(llama, causal_no_logit_sees_a_later_token)
{
    LlamaConfig cfg = tiny(0);
    Llama m;
    LlamaWork w;
    cr_assert_eq(llama_alloc(&m, &cfg), 0);
    cr_assert_eq(llama_work_alloc(&w, &cfg, B, T), 0);
    randomise(&m, 9);
    float before[B * T * V];
    llama_forward(&m, &w, tok, NULL, B, T);
    memcpy(before, w.logits, sizeof before);
    for (int t = 0; t < T; t++) {
        int32_t changed[B * T];
        memcpy(changed, tok, sizeof changed);
        changed[t] = (changed[t] + 5) % V;
        llama_forward(&m, &w, changed, NULL, B, T);
        for (int u = 0; u < T; u++) {
            double diff = maxdiff(w.logits + u * V, before + u * V, V);
            if (u < t)
                cr_assert(diff <= 1e-6, "position %d changed (%g) by token %d", u, diff, t);
            else
                cr_assert(diff > 1e-3, "position %d did not see token %d", u, t);
        }
        cr_assert_leq(maxdiff(w.logits + T * V, before + T * V, T * V), 1e-6);   /* the other sequence */
    }
    /* and order matters, through RoPE alone (there is no position table): the same two tokens
     * swapped give the second position other logits */
    int32_t ab[2] = {3, 8}, ba[2] = {8, 3};
    float l_ab[2 * V];
    llama_forward(&m, &w, ab, NULL, 1, 2);
    memcpy(l_ab, w.logits, sizeof l_ab);
    llama_forward(&m, &w, ba, NULL, 1, 2);
    cr_assert_gt(maxdiff(l_ab + V, w.logits + V, V), 1e-3);
    llama_work_free(&w);
    llama_free(&m);
}

Test(llama, loss_at_init_is_about_log_v)
{
    for (int tied = 0; tied <= 1; tied++) {
        LlamaConfig cfg = tiny(tied);
        Llama m;
        LlamaWork w;
        cr_assert_eq(llama_alloc(&m, &cfg), 0);
        cr_assert_eq(llama_work_alloc(&w, &cfg, B, T), 0);
        llama_init(&m, 1);
        double loss = llama_forward(&m, &w, tok, tgt, B, T);
        cr_assert(fabs(loss - log((double)V)) < 0.05, "tied %d: loss %g, ln V %g", tied, loss, log((double)V));
        cr_assert_eq(m.norm[2], 1.0f);
        cr_assert_eq(m.layers[1].ffn_norm[0], 1.0f);
        double s = 0, so = 0;
        for (int i = 0; i < FF * D; i++) {
            s += (double)m.layers[0].w1[i] * m.layers[0].w1[i];
            so += (double)m.layers[0].w3[i] * m.layers[0].w3[i];
        }
        double sd = sqrt(s / (FF * D)), sdo = sqrt(so / (FF * D));
        cr_assert(sd > 0.016 && sd < 0.024, "w1 std %g", sd);
        cr_assert(sdo > 0.008 && sdo < 0.012, "w3 std %g (0.02/√(2L) = 0.01)", sdo);
        llama_work_free(&w);
        llama_free(&m);
    }
}

/* AdamW on a repeating sequence: the loss falls from ln 11 to almost nothing. */
static double train(uint64_t seed, int steps, double *first)
{
    enum { TT = 8 };
    LlamaConfig cfg = tiny(1);
    Llama m, dm;
    LlamaWork w;
    Optim o;
    cr_assert_eq(llama_alloc(&m, &cfg), 0);
    cr_assert_eq(llama_alloc(&dm, &cfg), 0);
    cr_assert_eq(llama_work_alloc(&w, &cfg, B, TT), 0);
    llama_init(&m, seed);
    optim_init(&o, OPT_ADAMW, 1e-2f);
    for (int i = 0; i < llama_ntensors(&cfg); i++) {
        size_t n;
        float *p = llama_tensor(&m, i, NULL, 0, &n, NULL, NULL);
        optim_add(&o, p, llama_tensor(&dm, i, NULL, 0, NULL, NULL, NULL), n);
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
        loss = llama_forward(&m, &w, x, y, B, TT);
        if (s == 0 && first) *first = loss;
        llama_backward(&m, &dm, &w, x, y, B, TT);
        optim_clip(&o, 1.0);
        optim_step(&o, 1e-2f);
    }
    loss = llama_forward(&m, &w, x, y, B, TT);
    optim_free(&o);
    llama_work_free(&w);
    llama_free(&dm);
    llama_free(&m);
    return loss;
}

Test(llama, adamw_learns_a_repeating_sequence)
{
    double first = 0, last = train(3, 150, &first);
    cr_assert(fabs(first - log((double)V)) < 0.05, "first loss %g", first);
    cr_assert(last < 0.05, "loss after training %g (from %g)", last, first);
}

Test(llama, deterministic_for_a_seed)
{
    LlamaConfig cfg = tiny(0);
    Llama a, b, c;
    cr_assert_eq(llama_alloc(&a, &cfg), 0);
    cr_assert_eq(llama_alloc(&b, &cfg), 0);
    cr_assert_eq(llama_alloc(&c, &cfg), 0);
    llama_init(&a, 42);
    llama_init(&b, 42);
    llama_init(&c, 43);
    cr_assert_eq(memcmp(a.mem, b.mem, a.n * sizeof *a.mem), 0);
    cr_assert_neq(memcmp(a.mem, c.mem, a.n * sizeof *a.mem), 0);
    llama_free(&a);
    llama_free(&b);
    llama_free(&c);
    cr_assert_eq(train(7, 20, NULL), train(7, 20, NULL));
}
