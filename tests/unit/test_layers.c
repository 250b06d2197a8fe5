/* test_layers.c — the Transformer building blocks of src/engine/nn/layers.c: every backward pass
 * against central differences of a loss L = Σ P ⊙ output (P random, summed in double) on tiny
 * shapes; the causal mask (zeros above the diagonal, rows summing to 1, no output seeing a later
 * token); the fast attention against its naive twin; layernorm's rows coming out with mean 0 and
 * variance 1; GELU and cross-entropy at values worked out by hand; the threads' pieces (row and
 * column ranges) put together equal the whole; embeddings exactly and by central differences;
 * dropout: its mask (rate, independence, offsets, the vector loop bit for bit against its naive
 * twin) and the same mask on the way back, also inside attention. */
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

/* ---- the threads' pieces: parts put together give the whole ---- */

Test(layers, split_pieces_equal_the_whole)
{
    enum { N = 37, In = 20, Out = 45, D = 40, V = 9 };
    static float X[N * In], W[Out * In], dY[N * Out], dX1[N * In], dX2[N * In], dW1[Out * In], dW2[Out * In],
        db1[Out], db2[Out];
    uint64_t r = 81;
    fill(X, N * In, 1, &r);
    fill(W, Out * In, 1, &r);
    fill(dY, N * Out, 1, &r);
    linear_backward(dX1, dW1, db1, dY, X, W, N, In, Out);
    /* dX in two row ranges, dW and db in three output ranges */
    linear_backward_dx(dX2, dY, W, 15, In, Out);
    linear_backward_dx(dX2 + 15 * In, dY + 15 * Out, W, N - 15, In, Out);
    int cut[4] = { 0, 7, 30, Out };
    for (int i = 0; i < 3; i++) linear_backward_params(dW2, db2, dY, X, N, In, Out, cut[i], cut[i + 1]);
    close_arrays(dX2, dX1, N * In, "dX");
    close_arrays(dW2, dW1, Out * In, "dW");
    cr_assert_arr_eq(db2, db1, sizeof db1, "db: the same sums in the same order");

    static float Xl[N * D], g[D], b[D], Y[N * D], mean[N], rstd[N], dYl[N * D], dx1[N * D], dx2[N * D];
    float dg1[D] = { 0 }, dbe1[D] = { 0 }, dg2[D] = { 0 }, dbe2[D] = { 0 };
    fill(Xl, N * D, 2, &r);
    fill(g, D, 1, &r);
    fill(b, D, 1, &r);
    fill(dYl, N * D, 1, &r);
    layernorm_forward(Y, mean, rstd, Xl, g, b, N, D);
    layernorm_backward(dx1, dg1, dbe1, dYl, Xl, mean, rstd, g, N, D);
    layernorm_backward_dx(dx2, dYl, Xl, mean, rstd, g, 20, D);
    layernorm_backward_dx(dx2 + 20 * D, dYl + 20 * D, Xl + 20 * D, mean + 20, rstd + 20, g, N - 20, D);
    layernorm_backward_params(dg2, dbe2, dYl, Xl, mean, rstd, N, D, 0, 16);
    layernorm_backward_params(dg2, dbe2, dYl, Xl, mean, rstd, N, D, 16, D);
    cr_assert_arr_eq(dx2, dx1, sizeof dx1);
    cr_assert_arr_eq(dg2, dg1, sizeof dg1);
    cr_assert_arr_eq(dbe2, dbe1, sizeof dbe1);

    /* cross-entropy: the sums of two parts make the mean; backward of the whole batch's mean */
    static float Z[N * V], P1[N * V], P2[N * V], dZ1[N * V], dZ2[N * V];
    int32_t t[N];
    fill(Z, N * V, 3, &r);
    for (int n = 0; n < N; n++) t[n] = n % 5 == 2 ? TZ_IGNORE : (n * 7) % V;
    float mean_loss = crossentropy_forward(P1, Z, t, N, V);
    int c1, c2;
    double s = crossentropy_forward_sum(P2, Z, t, 11, V, &c1);
    s += crossentropy_forward_sum(P2 + 11 * V, Z + 11 * V, t + 11, N - 11, V, &c2);
    cr_assert_eq(c1 + c2, N - 7, "the counted rows");
    cr_assert_float_eq((float)(s / (c1 + c2)), mean_loss, 1e-6);
    cr_assert_arr_eq(P2, P1, sizeof P1);
    crossentropy_backward(dZ1, P1, t, N, V);
    crossentropy_backward_of(dZ2, P1, t, 11, V, c1 + c2);
    crossentropy_backward_of(dZ2 + 11 * V, P1 + 11 * V, t + 11, N - 11, V, c1 + c2);
    cr_assert_arr_eq(dZ2, dZ1, sizeof dZ1);
}

/* ---- embeddings ---- */

enum { EB = 2, ET = 3, ED = 4, EV = 5, EC = 4 };
typedef struct {
    float wte[EV * ED], wpe[EC * ED], X[EB * ET * ED], P[EB * ET * ED];
    int32_t tok[EB * ET];
} EmbCtx;

static double emb_loss(void *v)
{
    EmbCtx *c = v;
    embedding_forward(c->X, c->tok, c->wte, c->wpe, EB, ET, ED);
    return dot(c->P, c->X, EB * ET * ED);
}

Test(layers, embedding_rows_and_backward)
{
    EmbCtx c = { .tok = { 3, 1, 3, 0, 3, 2 } };   /* token 3 three times, token 4 never */
    uint64_t r = 91;
    fill(c.wte, EV * ED, 1, &r);
    fill(c.wpe, EC * ED, 1, &r);
    fill(c.P, EB * ET * ED, 1, &r);
    embedding_forward(c.X, c.tok, c.wte, c.wpe, EB, ET, ED);
    for (int b = 0; b < EB; b++)
        for (int t = 0; t < ET; t++)
            for (int d = 0; d < ED; d++)
                cr_assert_eq(c.X[(b * ET + t) * ED + d], c.wte[c.tok[b * ET + t] * ED + d] + c.wpe[t * ED + d]);
    /* without positions: the token rows themselves */
    float X0[EB * ET * ED];
    embedding_forward(X0, c.tok, c.wte, NULL, EB, ET, ED);
    cr_assert_arr_eq(X0 + 2 * ED, c.wte + 3 * ED, ED * sizeof(float));

    /* backward, exactly: dwte[v] = Σ of the rows whose token is v, dwpe[t] = Σ over the batch at
     * position t; added to what was there (1 here) */
    float dwte[EV * ED], dwpe[EC * ED];
    for (int i = 0; i < EV * ED; i++) dwte[i] = 1;
    for (int i = 0; i < EC * ED; i++) dwpe[i] = 1;
    embedding_backward(dwte, dwpe, c.P, c.tok, EB, ET, ED);
    for (int d = 0; d < ED; d++) {
        for (int v = 0; v < EV; v++) {
            float want = 1;
            for (int n = 0; n < EB * ET; n++)
                if (c.tok[n] == v) want += c.P[n * ED + d];
            cr_assert_float_eq(dwte[v * ED + d], want, 1e-6, "dwte[%d][%d]", v, d);
        }
        cr_assert_eq(dwte[4 * ED + d], 1.0f, "a token never read gets no gradient");
        for (int t = 0; t < EC; t++) {
            float want = 1;
            for (int b = 0; b < EB && t < ET; b++) want += c.P[(b * ET + t) * ED + d];
            cr_assert_float_eq(dwpe[t * ED + d], want, 1e-6, "dwpe[%d][%d]", t, d);
        }
    }
    /* and against central differences (the layer is linear: they agree to rounding) */
    for (int i = 0; i < EV * ED; i++) dwte[i] -= 1;
    for (int i = 0; i < EC * ED; i++) dwpe[i] -= 1;
    check_grad(emb_loss, &c, c.wte, dwte, EV * ED, "dwte");
    check_grad(emb_loss, &c, c.wpe, dwpe, ET * ED, "dwpe");
    /* dwpe may be NULL */
    memset(dwte, 0, sizeof dwte);
    embedding_backward(dwte, NULL, c.P, c.tok, EB, ET, ED);
    cr_assert_float_eq(dwte[ED], c.P[ED], 1e-7, "token 1's row, read once at row 1");
}

/* ---- dropout ---- */

Test(layers, dropout_mask_scale_and_naive_twin)
{
    enum { N = 100000 };
    static float X[N], Y[N], Y2[N], Y3[N];
    uint64_t r = 101;
    fill(X, N, 1, &r);
    for (int i = 0; i < N; i++) X[i] += 2.0f;      /* no zeros in X: a 0 in Y means dropped */
    const float ps[3] = { 0.1f, 0.5f, 0.9f };
    for (int k = 0; k < 3; k++) {
        float p = ps[k], scale = 1.0f / (1.0f - p);
        uint64_t key = dropout_key(42, (uint64_t)k);
        dropout_forward(Y, X, N, p, key, 0);
        dropout_forward_naive(Y2, X, N, p, key, 0);
        cr_assert_arr_eq(Y, Y2, sizeof Y, "p %g: the vector loop and the naive twin differ", (double)p);
        int kept = 0;
        for (int i = 0; i < N; i++) {
            int keep = dropout_keep(key, (uint64_t)i, p);
            kept += keep;
            cr_assert_eq(Y[i], keep ? X[i] * scale : 0.0f, "value %d", i);
        }
        /* kept ~ Binomial(N, 1 − p): within 5 standard deviations (√(N p (1−p)) ≤ 158) */
        double sd = sqrt(N * p * (1 - p));
        cr_assert(fabs(kept - N * (1 - p)) < 5 * sd, "p %g: kept %d of %d", (double)p, kept, N);
        /* a part done alone (another thread's, offset = where it starts) draws the same coins */
        dropout_forward(Y3 + 1000, X + 1000, 777, p, key, 1000);
        cr_assert_arr_eq(Y3 + 1000, Y + 1000, 777 * sizeof(float));
        /* in place, too */
        memcpy(Y3, X, sizeof X);
        dropout_forward(Y3, Y3, N, p, key, 0);
        cr_assert_arr_eq(Y3, Y, sizeof Y);
    }
    /* neighbouring values are not correlated: of the pairs (i, i+1), both kept ≈ (1 − p)² */
    uint64_t key = dropout_key(7, 3);
    int both = 0;
    for (int i = 0; i < N - 1; i++) both += dropout_keep(key, (uint64_t)i, 0.5f) && dropout_keep(key, (uint64_t)i + 1, 0.5f);
    cr_assert(fabs(both - 0.25 * (N - 1)) < 5 * sqrt(N * 0.25 * 0.75), "pairs kept together: %d", both);
    /* other seeds and other sites draw other masks */
    dropout_forward(Y, X, N, 0.5f, dropout_key(1, 0), 0);
    dropout_forward(Y2, X, N, 0.5f, dropout_key(2, 0), 0);
    dropout_forward(Y3, X, N, 0.5f, dropout_key(1, 1), 0);
    int same12 = 0, same13 = 0;
    for (int i = 0; i < N; i++) same12 += (Y[i] == 0) == (Y2[i] == 0), same13 += (Y[i] == 0) == (Y3[i] == 0);
    cr_assert(same12 < 0.52 * N && same12 > 0.48 * N, "seeds 1 and 2 agree on %d of %d", same12, N);
    cr_assert(same13 < 0.52 * N && same13 > 0.48 * N, "sites 0 and 1 agree on %d of %d", same13, N);
    /* p = 0: a copy */
    dropout_forward(Y, X, N, 0.0f, key, 0);
    cr_assert_arr_eq(Y, X, sizeof X);
}

enum { DN = 40 };
typedef struct {
    float X[DN], Y[DN], P[DN];
    uint64_t key;
} DropCtx;

static double drop_loss(void *v)
{
    DropCtx *c = v;
    dropout_forward(c->Y, c->X, DN, 0.3f, c->key, 5);
    return dot(c->P, c->Y, DN);
}

Test(layers, dropout_backward_uses_the_forward_mask)
{
    DropCtx c = { .key = dropout_key(9, 2) };
    uint64_t r = 111;
    fill(c.X, DN, 1, &r);
    fill(c.P, DN, 1, &r);
    float dX[DN];
    dropout_backward(dX, c.P, DN, 0.3f, c.key, 5);
    int zeros = 0;
    for (int i = 0; i < DN; i++) zeros += dX[i] == 0;
    cr_assert(zeros > 0 && zeros < DN, "some dropped, some kept (%d of %d dropped)", zeros, DN);
    check_grad(drop_loss, &c, c.X, dX, DN, "dX");
}

/* attention with dropout on the probabilities: forward and backward through the same mask (a
 * fixed key), against central differences; and the (b, h) ranges put together give the whole */
typedef struct {
    AttCtx a;
    AttnEx ex;
} AttDropCtx;

static double attdrop_loss(void *v)
{
    AttDropCtx *c = v;
    attention_forward_ex(c->a.out, c->a.att, c->a.qkv, AB, AT, AD, AH, &c->ex);
    return dot(c->a.P, c->a.out, AB * AT * AD);
}

Test(layers, attention_dropout_backward_central_differences)
{
    for (int causal = 0; causal < 2; causal++) {
        AttDropCtx c = { .ex = { .causal = causal, .dropout = 0.4f, .key = dropout_key(3, 1) } };
        uint64_t r = 121 + causal;
        fill(c.a.qkv, AB * AT * 3 * AD, 1.5f, &r);
        fill(c.a.P, AB * AT * AD, 1, &r);
        attdrop_loss(&c);
        /* att keeps the probabilities themselves (rows sum to 1), not the dropped copy */
        for (int row = 0; row < AB * AH * AT; row++) {
            double s = 0;
            for (int j = 0; j < AT; j++) s += c.a.att[row * AT + j];
            cr_assert(fabs(s - 1) < 1e-6);
        }
        /* and the output differs from the one without dropout */
        float plain[AB * AT * AD], plain_att[AB * AH * AT * AT];
        attention_forward(plain, plain_att, c.a.qkv, AB, AT, AD, AH, causal);
        cr_assert(memcmp(plain, c.a.out, sizeof plain) != 0);
        cr_assert_arr_eq(plain_att, c.a.att, sizeof plain_att);
        float dqkv[AB * AT * 3 * AD], scratch[ATTN_SCRATCH(AT)];
        c.ex.scratch = scratch;
        attention_backward_ex(dqkv, c.a.P, c.a.qkv, c.a.att, AB, AT, AD, AH, &c.ex);
        check_grad(attdrop_loss, &c, c.a.qkv, dqkv, AB * AT * 3 * AD, causal ? "dqkv (causal, dropout)" : "dqkv (dropout)");
        /* two ranges of (b, h) pairs, as two threads would split them: the same numbers */
        float out2[AB * AT * AD], att2[AB * AH * AT * AT], d2[AB * AT * 3 * AD];
        AttnEx part = c.ex;
        for (int k = 0; k < 2; k++) {
            part.bh0 = k ? 3 : 0;
            part.bh1 = k ? AB * AH : 3;
            attention_forward_ex(out2, att2, c.a.qkv, AB, AT, AD, AH, &part);
            attention_backward_ex(d2, c.a.P, c.a.qkv, att2, AB, AT, AD, AH, &part);
        }
        cr_assert_arr_eq(out2, c.a.out, sizeof out2);
        cr_assert_arr_eq(d2, dqkv, sizeof d2);
    }
}

/* Longer sequences than a block of rows (ATTN_ROWS), causal: the fast pair, which skips the
 * blocks above the diagonal, still equals the naive twin. */
Test(layers, attention_blocks_equal_naive)
{
    enum { B = 1, T = 2 * ATTN_ROWS + 5, D = 8, H = 2, N = B * T };
    static float qkv[N * 3 * D], dout[N * D], o1[N * D], o2[N * D], a1[B * H * T * T], a2[B * H * T * T],
        d1[N * 3 * D], d2[N * 3 * D];
    uint64_t r = 131;
    fill(qkv, N * 3 * D, 1, &r);
    fill(dout, N * D, 1, &r);
    for (int causal = 0; causal < 2; causal++) {
        attention_forward(o1, a1, qkv, B, T, D, H, causal);
        attention_forward_naive(o2, a2, qkv, B, T, D, H, causal);
        close_arrays(o1, o2, N * D, "out");
        close_arrays(a1, a2, B * H * T * T, "att");
        attention_backward(d1, dout, qkv, a1, B, T, D, H, causal, NULL);
        attention_backward_naive(d2, dout, qkv, a2, B, T, D, H, causal);
        close_arrays(d1, d2, N * 3 * D, "dqkv");
    }
}
