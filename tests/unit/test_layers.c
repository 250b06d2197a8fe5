/* test_layers.c — the Transformer building blocks of src/engine/nn/layers.c: every backward pass
 * against central differences of a loss L = Σ P ⊙ output (P random, summed in double) on tiny
 * shapes; the causal mask (zeros above the diagonal, rows summing to 1, no output seeing a later
 * token); the fast attention against its naive twin; layernorm's rows coming out with mean 0 and
 * variance 1; GELU and cross-entropy at values worked out by hand. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nn/layers.h"

static float rnd(uint64_t *r)
{
    *r = *r * 6364136223846793005ULL + 1442695040888963407ULL;
    return (float)((double)(*r >> 40) / (double)(1 << 24)) * 2.0f - 1.0f;
}

static void fill(float *p, int n, float a, uint64_t *r)
{
    for (int i = 0; i < n; i++) p[i] = a * rnd(r);
}

static double dot(const float *a, const float *b, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++) s += (double)a[i] * b[i];
    return s;
}

/* The loss as a function of whatever the test perturbs. */
typedef double (*LossFn)(void *ctx);

/* Compare the analytic gradient g (n values) of f with respect to p with central differences
 * (step 1e-3, the step actually taken measured after float rounding). float forward passes: a
 * tolerance of 3e-3 absolute plus 1e-2 relative. Also insist the gradient is not all but zero,
 * so that a backward pass writing nothing cannot pass. */
static void check_grad(LossFn f, void *ctx, float *p, const float *g, int n, const char *what)
{
    double norm = 0;
    for (int i = 0; i < n; i++) {
        float x = p[i];
        p[i] = x + 1e-3f;
        double hp = (double)p[i] - x, Lp = f(ctx);
        p[i] = x - 1e-3f;
        double hm = x - (double)p[i], Lm = f(ctx);
        p[i] = x;
        double num = (Lp - Lm) / (hp + hm);
        cr_assert(fabs(g[i] - num) <= 3e-3 + 1e-2 * fabs(num), "%s[%d]: analytic %g, numeric %g", what, i,
                  (double)g[i], num);
        norm += num * num;
    }
    cr_assert(sqrt(norm) > 1e-2, "%s: gradient too small to test (%g)", what, sqrt(norm));
}

/* ---- linear ---- */

enum { LN_N = 3, LI = 4, LO = 5 };
typedef struct {
    float X[LN_N * LI], W[LO * LI], b[LO], P[LN_N * LO], Y[LN_N * LO];
} LinCtx;

static double lin_loss(void *v)
{
    LinCtx *c = v;
    linear_forward(c->Y, c->X, c->W, c->b, LN_N, LI, LO);
    return dot(c->P, c->Y, LN_N * LO);
}

Test(layers, linear_forward_matches_definition)
{
    LinCtx c;
    uint64_t r = 11;
    fill(c.X, LN_N * LI, 1, &r);
    fill(c.W, LO * LI, 1, &r);
    fill(c.b, LO, 1, &r);
    linear_forward(c.Y, c.X, c.W, c.b, LN_N, LI, LO);
    for (int n = 0; n < LN_N; n++)
        for (int o = 0; o < LO; o++) {
            double y = c.b[o];
            for (int i = 0; i < LI; i++) y += (double)c.X[n * LI + i] * c.W[o * LI + i];
            cr_assert_float_eq(c.Y[n * LO + o], y, 1e-5, "Y[%d][%d]", n, o);
        }
    /* and without a bias */
    linear_forward(c.Y, c.X, c.W, NULL, LN_N, LI, LO);
    cr_assert_float_eq(c.Y[0], dot(c.X, c.W, LI), 1e-5);
}

Test(layers, linear_backward_central_differences)
{
    LinCtx c;
    uint64_t r = 12;
    fill(c.X, LN_N * LI, 1, &r);
    fill(c.W, LO * LI, 1, &r);
    fill(c.b, LO, 1, &r);
    fill(c.P, LN_N * LO, 1, &r);
    float dX[LN_N * LI], dW[LO * LI], db[LO];
    /* parameter gradients are added: start them at 1 and take the 1 away after */
    for (int i = 0; i < LO * LI; i++) dW[i] = 1;
    for (int i = 0; i < LO; i++) db[i] = 1;
    linear_backward(dX, dW, db, c.P, c.X, c.W, LN_N, LI, LO);
    for (int i = 0; i < LO * LI; i++) dW[i] -= 1;
    for (int i = 0; i < LO; i++) db[i] -= 1;
    check_grad(lin_loss, &c, c.X, dX, LN_N * LI, "dX");
    check_grad(lin_loss, &c, c.W, dW, LO * LI, "dW");
    check_grad(lin_loss, &c, c.b, db, LO, "db");
}

/* ---- layernorm ---- */

enum { NN = 3, ND = 6 };
typedef struct {
    float X[NN * ND], g[ND], b[ND], P[NN * ND], Y[NN * ND], mean[NN], rstd[NN];
} LnCtx;

static double ln_loss(void *v)
{
    LnCtx *c = v;
    layernorm_forward(c->Y, c->mean, c->rstd, c->X, c->g, c->b, NN, ND);
    return dot(c->P, c->Y, NN * ND);
}

Test(layers, layernorm_backward_central_differences)
{
    LnCtx c;
    uint64_t r = 21;
    fill(c.X, NN * ND, 2, &r);
    for (int d = 0; d < ND; d++) c.g[d] = 1 + 0.5f * rnd(&r);
    fill(c.b, ND, 1, &r);
    fill(c.P, NN * ND, 1, &r);
    ln_loss(&c);
    float dX[NN * ND], dg[ND] = { 0 }, db[ND] = { 0 };
    layernorm_backward(dX, dg, db, c.P, c.X, c.mean, c.rstd, c.g, NN, ND);
    check_grad(ln_loss, &c, c.X, dX, NN * ND, "dX");
    check_grad(ln_loss, &c, c.g, dg, ND, "dgamma");
    check_grad(ln_loss, &c, c.b, db, ND, "dbeta");
}

Test(layers, layernorm_rows_mean0_var1)
{
    enum { N = 4, D = 32 };
    float X[N * D], Y[N * D], g[D], b[D], mean[N], rstd[N];
    uint64_t r = 22;
    for (int n = 0; n < N; n++)
        for (int d = 0; d < D; d++) X[n * D + d] = 5.0f * n + (1 + n) * rnd(&r); /* shifted, scaled rows */
    for (int d = 0; d < D; d++) g[d] = 1, b[d] = 0;
    layernorm_forward(Y, mean, rstd, X, g, b, N, D);
    for (int n = 0; n < N; n++) {
        double m = 0, v = 0, mx = 0;
        for (int d = 0; d < D; d++) m += Y[n * D + d], mx += X[n * D + d];
        m /= D;
        for (int d = 0; d < D; d++) v += (Y[n * D + d] - m) * (Y[n * D + d] - m);
        v /= D;
        cr_assert(fabs(m) < 1e-6, "row %d: mean %g", n, m);
        /* σ²/(σ² + ε): 1 up to ε over the row's variance (≥ 1/3 here) */
        cr_assert(fabs(v - 1) < 1e-4, "row %d: variance %g", n, v);
        cr_assert_float_eq(mean[n], mx / D, 1e-5, "row %d: kept mean", n);
    }
}

/* ---- GELU ---- */

enum { GN = 24 };
typedef struct {
    float X[GN], Y[GN], P[GN];
} GeluCtx;

static double gelu_loss(void *v)
{
    GeluCtx *c = v;
    gelu_forward(c->Y, c->X, GN);
    return dot(c->P, c->Y, GN);
}

Test(layers, gelu_values_and_backward)
{
    /* by hand: gelu(1) = ½(1 + tanh(√(2/π)·1.044715)) = 0.841192; gelu(−1) = 1 − 0.841192 − 1;
     * far out it is x (positive) or 0 (negative) */
    float x[4] = { 1, -1, 8, -8 }, y[4];
    gelu_forward(y, x, 4);
    cr_assert_float_eq(y[0], 0.841192f, 1e-5);
    cr_assert_float_eq(y[1], -0.158808f, 1e-5);
    cr_assert_float_eq(y[2], 8.0f, 1e-5);
    cr_assert_float_eq(y[3], 0.0f, 1e-5);

    GeluCtx c;
    for (int i = 0; i < GN; i++) c.X[i] = -4 + 8.0f * i / (GN - 1) + 0.01f; /* −4 … 4, not on 0 */
    uint64_t r = 31;
    fill(c.P, GN, 1, &r);
    float dX[GN];
    gelu_backward(dX, c.P, c.X, GN);
    check_grad(gelu_loss, &c, c.X, dX, GN, "dX");
}

/* ---- softmax cross-entropy ---- */

enum { CN = 4, CV = 5 };
typedef struct {
    float Z[CN * CV], probs[CN * CV];
    int32_t t[CN];
} CeCtx;

static double ce_loss(void *v)
{
    CeCtx *c = v;
    return crossentropy_forward(c->probs, c->Z, c->t, CN, CV);
}

Test(layers, crossentropy_loss_ignore_and_backward)
{
    CeCtx c = { .t = { 2, TZ_IGNORE, 0, 4 } };
    uint64_t r = 41;
    fill(c.Z, CN * CV, 3, &r);
    float L = crossentropy_forward(c.probs, c.Z, c.t, CN, CV);
    /* the mean of −log softmax[target] over the three rows that count, in double */
    double want = 0;
    for (int n = 0; n < CN; n++) {
        double s = 0;
        for (int v = 0; v < CV; v++) s += exp(c.Z[n * CV + v]);
        for (int v = 0; v < CV; v++) cr_assert_float_eq(c.probs[n * CV + v], exp(c.Z[n * CV + v]) / s, 1e-6);
        if (c.t[n] != TZ_IGNORE) want += log(s) - c.Z[n * CV + c.t[n]];
    }
    cr_assert_float_eq(L, want / 3, 1e-5);

    float dZ[CN * CV];
    memset(dZ, 0x7f, sizeof dZ); /* garbage: the ignored row must be written as zeros */
    crossentropy_backward(dZ, c.probs, c.t, CN, CV);
    for (int v = 0; v < CV; v++) cr_assert_eq(dZ[1 * CV + v], 0.0f);
    check_grad(ce_loss, &c, c.Z, dZ, CN * CV, "dlogits");

    /* huge logits: no overflow, and the loss of a sure right answer is 0 */
    float Zb[CV] = { 1000, 0, 0, 0, 0 }, pb[CV];
    int32_t tb = 0;
    cr_assert_float_eq(crossentropy_forward(pb, Zb, &tb, 1, CV), 0.0f, 1e-6);
    tb = 1;
    cr_assert_float_eq(crossentropy_forward(pb, Zb, &tb, 1, CV), 1000.0f, 1e-3);
    /* nothing counted: loss 0, gradient 0 */
    int32_t none[CN] = { TZ_IGNORE, TZ_IGNORE, TZ_IGNORE, TZ_IGNORE };
    cr_assert_eq(crossentropy_forward(c.probs, c.Z, none, CN, CV), 0.0f);
    crossentropy_backward(dZ, c.probs, none, CN, CV);
    for (int i = 0; i < CN * CV; i++) cr_assert_eq(dZ[i], 0.0f);
}

/* ---- attention ---- */

enum { AB = 2, AT = 4, AD = 8, AH = 2 };
typedef struct {
    float qkv[AB * AT * 3 * AD], P[AB * AT * AD], out[AB * AT * AD], att[AB * AH * AT * AT];
    int causal, naive;
} AttCtx;

static double att_loss(void *v)
{
    AttCtx *c = v;
    if (c->naive)
        attention_forward_naive(c->out, c->att, c->qkv, AB, AT, AD, AH, c->causal);
    else
        attention_forward(c->out, c->att, c->qkv, AB, AT, AD, AH, c->causal);
    return dot(c->P, c->out, AB * AT * AD);
}

static void att_gradcheck(int causal, int naive)
{
    AttCtx c = { .causal = causal, .naive = naive };
    uint64_t r = 51 + causal;
    fill(c.qkv, AB * AT * 3 * AD, 1.5f, &r);
    fill(c.P, AB * AT * AD, 1, &r);
    att_loss(&c);
    float dqkv[AB * AT * 3 * AD], scratch[AT * AT];
    if (naive)
        attention_backward_naive(dqkv, c.P, c.qkv, c.att, AB, AT, AD, AH, causal);
    else
        attention_backward(dqkv, c.P, c.qkv, c.att, AB, AT, AD, AH, causal, scratch);
    check_grad(att_loss, &c, c.qkv, dqkv, AB * AT * 3 * AD, naive ? "dqkv (naive)" : "dqkv");
}

Test(layers, attention_backward_central_differences) { att_gradcheck(0, 0); }
Test(layers, attention_causal_backward_central_differences) { att_gradcheck(1, 0); }
Test(layers, attention_naive_backward_central_differences)
{
    att_gradcheck(0, 1);
    att_gradcheck(1, 1);
}

Test(layers, attention_causal_mask)
{
    enum { B = 2, T = 5, D = 8, H = 2 };
    float qkv[B * T * 3 * D], out[B * T * D], out2[B * T * D], att[B * H * T * T];
    uint64_t r = 61;
    fill(qkv, B * T * 3 * D, 2, &r);
    for (int naive = 0; naive < 2; naive++) {
        void (*fwd)(float *, float *, const float *, int, int, int, int, int) =
            naive ? attention_forward_naive : attention_forward;
        fwd(out, att, qkv, B, T, D, H, 1);
        for (int bh = 0; bh < B * H; bh++)
            for (int t = 0; t < T; t++) {
                double s = 0;
                for (int j = 0; j < T; j++) {
                    float p = att[(bh * T + t) * T + j];
                    if (j > t)
                        cr_assert_eq(p, 0.0f, "P[%d][%d][%d] = %g above the diagonal", bh, t, j, (double)p);
                    else
                        cr_assert(p > 0, "P[%d][%d][%d] = %g on or below the diagonal", bh, t, j, (double)p);
                    s += p;
                }
                cr_assert(fabs(s - 1) < 1e-6, "row %d of head %d sums to %.9g", t, bh, s);
            }
        /* change everything of token 3 in sequence 0 (its q, k and v): the outputs of tokens
         * 0…2 stay bit for bit the same, token 3's changes */
        float saved[3 * D];
        memcpy(saved, qkv + 3 * 3 * D, sizeof saved);
        for (int i = 0; i < 3 * D; i++) qkv[3 * 3 * D + i] += 0.7f;
        fwd(out2, att, qkv, B, T, D, H, 1);
        cr_assert_arr_eq(out2, out, 3 * D * sizeof(float), "an earlier output saw token 3");
        cr_assert(memcmp(out2 + 3 * D, out + 3 * D, D * sizeof(float)) != 0, "token 3's own output did not change");
        cr_assert_arr_eq(out2 + T * D, out + T * D, T * D * sizeof(float), "the other sequence changed");
        memcpy(qkv + 3 * 3 * D, saved, sizeof saved);
        /* without the mask, token 0 does see token 3 */
        fwd(out, att, qkv, B, T, D, H, 0);
        for (int i = 0; i < 3 * D; i++) qkv[3 * 3 * D + i] += 0.7f;
        fwd(out2, att, qkv, B, T, D, H, 0);
        cr_assert(memcmp(out2, out, D * sizeof(float)) != 0, "unmasked: token 0 did not see token 3");
        memcpy(qkv + 3 * 3 * D, saved, sizeof saved);
    }
}

static void close_arrays(const float *a, const float *b, int n, const char *what)
{
    for (int i = 0; i < n; i++)
        cr_assert(fabsf(a[i] - b[i]) <= 1e-5f * fmaxf(1.0f, fabsf(b[i])), "%s[%d]: fast %.9g, naive %.9g", what, i,
                  (double)a[i], (double)b[i]);
}

Test(layers, attention_fast_equals_naive)
{
    enum { B = 2, T = 7, D = 12, H = 3, N = B * T };
    static float qkv[N * 3 * D], dout[N * D], o1[N * D], o2[N * D], a1[B * H * T * T], a2[B * H * T * T],
        d1[N * 3 * D], d2[N * 3 * D];
    uint64_t r = 71;
    fill(qkv, N * 3 * D, 2, &r);
    fill(dout, N * D, 1, &r);
    for (int causal = 0; causal < 2; causal++) {
        attention_forward(o1, a1, qkv, B, T, D, H, causal);
        attention_forward_naive(o2, a2, qkv, B, T, D, H, causal);
        close_arrays(o1, o2, N * D, "out");
        close_arrays(a1, a2, B * H * T * T, "att");
        memset(d1, 0x7f, sizeof d1); /* both write every value: garbage before must not matter */
        attention_backward(d1, dout, qkv, a1, B, T, D, H, causal, NULL);
        attention_backward_naive(d2, dout, qkv, a2, B, T, D, H, causal);
        close_arrays(d1, d2, N * 3 * D, "dqkv");
    }
}
