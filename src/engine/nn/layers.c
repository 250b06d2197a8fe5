/* layers.c — the Transformer's building blocks (see layers.h for the shapes and the formulas).
 * Products go through cblas (row-major); the rest are plain loops over rows, with sums that many
 * values feed (means, variances, log-sum-exp, the loss) accumulated in double so that a long
 * row does not lose the small terms. */
#include "nn/layers.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- linear ------------------------------------------------------------------------------ */

void linear_forward(float *Y, const float *X, const float *W, const float *b, int N, int In, int Out)
{
    /* Start every row from the bias, then Y += X Wᵀ (beta = 1 keeps the bias). */
    if (b)
        for (int n = 0; n < N; n++) memcpy(Y + (size_t)n * Out, b, (size_t)Out * sizeof *Y);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, Out, In, 1.0f, X, In, W, In, b ? 1.0f : 0.0f, Y,
                Out);
}

void linear_backward(float *dX, float *dW, float *db, const float *dY, const float *X, const float *W, int N,
                     int In, int Out)
{
    if (dX) /* dX = dY W: (N × Out)(Out × In) */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, In, Out, 1.0f, dY, Out, W, In, 0.0f, dX, In);
    /* dW += dYᵀ X: (Out × N)(N × In), the sum over rows of each row's outer product */
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Out, In, N, 1.0f, dY, Out, X, In, 1.0f, dW, In);
    if (db)
        for (int o = 0; o < Out; o++) {
            double s = 0;
            for (int n = 0; n < N; n++) s += dY[(size_t)n * Out + o];
            db[o] += (float)s;
        }
}

/* ---- layernorm ----------------------------------------------------------------------------- */

void layernorm_forward(float *Y, float *mean, float *rstd, const float *X, const float *gamma, const float *beta,
                       int N, int D)
{
    for (int n = 0; n < N; n++) {
        const float *x = X + (size_t)n * D;
        float *y = Y + (size_t)n * D;
        double m = 0, v = 0;
        for (int d = 0; d < D; d++) m += x[d];
        m /= D;
        /* the variance around the mean just computed (two passes: no cancellation of Σx² − Nμ²) */
        for (int d = 0; d < D; d++) v += (x[d] - m) * (x[d] - m);
        v /= D;
        float r = (float)(1.0 / sqrt(v + TZ_LN_EPS));
        for (int d = 0; d < D; d++) y[d] = ((float)(x[d] - m) * r) * gamma[d] + beta[d];
        mean[n] = (float)m;
        rstd[n] = r;
    }
}

void layernorm_backward(float *dX, float *dgamma, float *dbeta, const float *dY, const float *X, const float *mean,
                        const float *rstd, const float *gamma, int N, int D)
{
    for (int n = 0; n < N; n++) {
        const float *x = X + (size_t)n * D, *dy = dY + (size_t)n * D;
        float *dx = dX + (size_t)n * D;
        float m = mean[n], r = rstd[n];
        /* the two row means of the formula: of g = dy ⊙ γ and of g ⊙ x̂ */
        double sg = 0, sgx = 0;
        for (int d = 0; d < D; d++) {
            float xh = (x[d] - m) * r, g = dy[d] * gamma[d];
            sg += g;
            sgx += (double)g * xh;
            dgamma[d] += dy[d] * xh;
            dbeta[d] += dy[d];
        }
        float mg = (float)(sg / D), mgx = (float)(sgx / D);
        for (int d = 0; d < D; d++) {
            float xh = (x[d] - m) * r;
            dx[d] = r * (dy[d] * gamma[d] - mg - xh * mgx);
        }
    }
}

/* ---- GELU ----------------------------------------------------------------------------------- */

#define GELU_S 0.7978845608028654f /* √(2/π) */
#define GELU_C 0.044715f

void gelu_forward(float *Y, const float *X, int n)
{
    for (int i = 0; i < n; i++) {
        float x = X[i];
        Y[i] = 0.5f * x * (1.0f + tanhf(GELU_S * (x + GELU_C * x * x * x)));
    }
}

void gelu_backward(float *dX, const float *dY, const float *X, int n)
{
    /* u = s(x + c x³), y = ½x(1 + tanh u):
     * y′ = ½(1 + tanh u) + ½x (1 − tanh² u) · s(1 + 3c x²) */
    for (int i = 0; i < n; i++) {
        float x = X[i];
        float t = tanhf(GELU_S * (x + GELU_C * x * x * x));
        float du = GELU_S * (1.0f + 3.0f * GELU_C * x * x);
        dX[i] = dY[i] * (0.5f * (1.0f + t) + 0.5f * x * (1.0f - t * t) * du);
    }
}

/* ---- softmax cross-entropy ------------------------------------------------------------------ */

/* Softmax of one row of n values in place-free form: p = exp(z − max) / Σ exp(z − max).
 * Subtracting the max changes nothing mathematically and keeps exp from overflowing.
 * Returns log Σ exp(z − max) (so log p[i] = z[i] − max − that). */
static double softmax_row(float *p, const float *z, int n, float *zmax)
{
    float mx = z[0];
    for (int i = 1; i < n; i++)
        if (z[i] > mx) mx = z[i];
    double s = 0;
    for (int i = 0; i < n; i++) {
        p[i] = expf(z[i] - mx);
        s += p[i];
    }
    float inv = (float)(1.0 / s);
    for (int i = 0; i < n; i++) p[i] *= inv;
    *zmax = mx;
    return log(s);
}

float crossentropy_forward(float *probs, const float *logits, const int32_t *targets, int N, int V)
{
    double loss = 0;
    int count = 0;
    for (int n = 0; n < N; n++) {
        const float *z = logits + (size_t)n * V;
        float mx;
        double lse = softmax_row(probs + (size_t)n * V, z, V, &mx);
        if (targets[n] == TZ_IGNORE) continue;
        /* −log p[t] from the logits themselves, not from log(probs): exact even when p[t]
         * has underflowed to 0 */
        loss += lse - ((double)z[targets[n]] - mx);
        count++;
    }
    return count ? (float)(loss / count) : 0.0f;
}

void crossentropy_backward(float *dlogits, const float *probs, const int32_t *targets, int N, int V)
{
    int count = 0;
    for (int n = 0; n < N; n++) count += targets[n] != TZ_IGNORE;
    float inv = count ? 1.0f / (float)count : 0.0f;
    for (int n = 0; n < N; n++) {
        float *dz = dlogits + (size_t)n * V;
        const float *p = probs + (size_t)n * V;
        if (targets[n] == TZ_IGNORE) {
            memset(dz, 0, (size_t)V * sizeof *dz);
            continue;
        }
        for (int v = 0; v < V; v++) dz[v] = p[v] * inv;
        dz[targets[n]] -= inv;
    }
}

/* ---- attention ------------------------------------------------------------------------------ */

/* Each row of S (T × T, in place) scaled, masked and turned into probabilities. With the mask,
 * row t has only t+1 live entries; the rest are set to exactly 0 (not exp(−large)). */
static void scores_to_probs(float *S, int T, float scale, int causal)
{
    for (int t = 0; t < T; t++) {
        float *s = S + (size_t)t * T;
        int live = causal ? t + 1 : T;
        for (int j = 0; j < live; j++) s[j] *= scale;
        float mx;
        softmax_row(s, s, live, &mx);
        for (int j = live; j < T; j++) s[j] = 0.0f;
    }
}

void attention_forward(float *out, float *att, const float *qkv, int B, int T, int D, int H, int causal)
{
    int hs = D / H, ld = 3 * D;
    float scale = 1.0f / sqrtf((float)hs);
    for (int b = 0; b < B; b++)
        for (int h = 0; h < H; h++) {
            const float *q = qkv + (size_t)b * T * ld + h * hs; /* row t at q + t·3D */
            const float *k = q + D, *v = q + 2 * D;
            float *P = att + ((size_t)b * H + h) * T * T;
            float *o = out + (size_t)b * T * D + h * hs;
            /* S = Q Kᵀ (T × hs)(hs × T). With the mask the upper triangle is computed and then
             * thrown away: a full product is still faster than T small ones. */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, T, hs, 1.0f, q, ld, k, ld, 0.0f, P, T);
            scores_to_probs(P, T, scale, causal);
            /* O = P V (T × T)(T × hs), written at head h's columns of out */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T, hs, T, 1.0f, P, T, v, ld, 0.0f, o, D);
        }
}

/* dS = P ⊙ (dP − rowsum(dP ⊙ P)), in place over dP, then scaled by 1/√hs (S was Q Kᵀ / √hs).
 * (The softmax's Jacobian: ∂p_j/∂s_i = p_j (δ_ij − p_i).) */
static void dprobs_to_dscores(float *dP, const float *P, int T, float scale)
{
    for (int t = 0; t < T; t++) {
        float *d = dP + (size_t)t * T;
        const float *p = P + (size_t)t * T;
        double s = 0;
        for (int j = 0; j < T; j++) s += (double)d[j] * p[j];
        for (int j = 0; j < T; j++) d[j] = p[j] * (d[j] - (float)s) * scale;
    }
}

void attention_backward(float *dqkv, const float *dout, const float *qkv, const float *att, int B, int T, int D,
                        int H, int causal, float *scratch)
{
    (void)causal; /* P = 0 above the diagonal already carries the mask */
    int hs = D / H, ld = 3 * D;
    float scale = 1.0f / sqrtf((float)hs);
    float *dP = scratch ? scratch : malloc((size_t)T * T * sizeof *dP);
    if (!dP) return;
    for (int b = 0; b < B; b++)
        for (int h = 0; h < H; h++) {
            size_t row0 = (size_t)b * T * ld + h * hs;
            const float *q = qkv + row0, *k = q + D, *v = q + 2 * D;
            float *dq = dqkv + row0, *dk = dq + D, *dv = dq + 2 * D;
            const float *P = att + ((size_t)b * H + h) * T * T;
            const float *dO = dout + (size_t)b * T * D + h * hs;
            /* dV = Pᵀ dO (T × T)ᵀ(T × hs) */
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, T, hs, T, 1.0f, P, T, dO, D, 0.0f, dv, ld);
            /* dP = dO Vᵀ (T × hs)(hs × T) */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, T, hs, 1.0f, dO, D, v, ld, 0.0f, dP, T);
            dprobs_to_dscores(dP, P, T, scale);
            /* dQ = dS K, dK = dSᵀ Q (the scale is already in dS) */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T, hs, T, 1.0f, dP, T, k, ld, 0.0f, dq, ld);
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, T, hs, T, 1.0f, dP, T, q, ld, 0.0f, dk, ld);
        }
    if (!scratch) free(dP);
}

/* The naive twins: the same formulas as three nested loops each, nothing shared with the fast
 * pair but the layout. */

void attention_forward_naive(float *out, float *att, const float *qkv, int B, int T, int D, int H, int causal)
{
    int hs = D / H, ld = 3 * D;
    float scale = 1.0f / sqrtf((float)hs);
    for (int b = 0; b < B; b++)
        for (int h = 0; h < H; h++)
            for (int t = 0; t < T; t++) {
                const float *qt = qkv + ((size_t)b * T + t) * ld + h * hs;
                float *p = att + (((size_t)b * H + h) * T + t) * T;
                float mx = -INFINITY;
                for (int j = 0; j < T; j++) {
                    if (causal && j > t) continue;
                    const float *kj = qkv + ((size_t)b * T + j) * ld + D + h * hs;
                    float s = 0;
                    for (int i = 0; i < hs; i++) s += qt[i] * kj[i];
                    p[j] = s * scale;
                    if (p[j] > mx) mx = p[j];
                }
                double sum = 0;
                for (int j = 0; j < T; j++) {
                    if (causal && j > t) {
                        p[j] = 0.0f;
                        continue;
                    }
                    p[j] = expf(p[j] - mx);
                    sum += p[j];
                }
                for (int j = 0; j < T; j++) p[j] = (float)(p[j] / sum);
                float *ot = out + ((size_t)b * T + t) * D + h * hs;
                for (int i = 0; i < hs; i++) {
                    float s = 0;
                    for (int j = 0; j < T; j++) s += p[j] * qkv[((size_t)b * T + j) * ld + 2 * D + h * hs + i];
                    ot[i] = s;
                }
            }
}

void attention_backward_naive(float *dqkv, const float *dout, const float *qkv, const float *att, int B, int T,
                              int D, int H, int causal)
{
    (void)causal;
    int hs = D / H, ld = 3 * D;
    float scale = 1.0f / sqrtf((float)hs);
    memset(dqkv, 0, (size_t)B * T * ld * sizeof *dqkv);
    for (int b = 0; b < B; b++)
        for (int h = 0; h < H; h++)
            for (int t = 0; t < T; t++) {
                const float *p = att + (((size_t)b * H + h) * T + t) * T;
                const float *dot = dout + ((size_t)b * T + t) * D + h * hs;
                const float *qt = qkv + ((size_t)b * T + t) * ld + h * hs;
                float *dqt = dqkv + ((size_t)b * T + t) * ld + h * hs;
                /* dP[t][j] = dO_t · V_j, and rowsum(dP ⊙ P) */
                double rs = 0;
                for (int j = 0; j < T; j++) {
                    const float *vj = qkv + ((size_t)b * T + j) * ld + 2 * D + h * hs;
                    float dp = 0;
                    for (int i = 0; i < hs; i++) dp += dot[i] * vj[i];
                    rs += (double)dp * p[j];
                }
                for (int j = 0; j < T; j++) {
                    const float *kj = qkv + ((size_t)b * T + j) * ld + D + h * hs;
                    const float *vj = kj + D;
                    float *dkj = dqkv + ((size_t)b * T + j) * ld + D + h * hs;
                    float *dvj = dkj + D;
                    float dp = 0;
                    for (int i = 0; i < hs; i++) dp += dot[i] * vj[i];
                    float ds = p[j] * (dp - (float)rs) * scale;
                    for (int i = 0; i < hs; i++) {
                        dvj[i] += p[j] * dot[i];
                        dqt[i] += ds * kj[i];
                        dkj[i] += ds * qt[i];
                    }
                }
            }
}
