/* layers.c — the Transformer's building blocks (see layers.h for the shapes and the formulas).
 * Products go through cblas (row-major); the rest are plain loops over rows, with sums that many
 * values feed (means, variances, log-sum-exp, the loss) accumulated in double so that a long
 * row does not lose the small terms.
 * The elementwise loops (GELU, softmax, layernorm, dropout) are written so that the compiler runs
 * them in vector registers: `#pragma omp simd` loops without calls or branches (exp and tanh from
 * nn/vmath.h instead of libm's, which cost a call per number), in functions compiled for three
 * instruction sets (VMATH_CLONES). The naive twins at the end are the definitions written out. */
#include "nn/layers.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "nn/vmath.h"

/* ---- linear ------------------------------------------------------------------------------ */

void linear_forward(float *Y, const float *X, const float *W, const float *b, int N, int In, int Out)
{
    if (N <= 0) return;
    /* Start every row from the bias, then Y += X Wᵀ (beta = 1 keeps the bias). */
    if (b)
        for (int n = 0; n < N; n++) memcpy(Y + (size_t)n * Out, b, (size_t)Out * sizeof *Y);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, Out, In, 1.0f, X, In, W, In, b ? 1.0f : 0.0f, Y,
                Out);
}

void linear_backward_dx(float *dX, const float *dY, const float *W, int N, int In, int Out)
{
    if (N <= 0) return;
    /* dX = dY W: (N × Out)(Out × In) */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, In, Out, 1.0f, dY, Out, W, In, 0.0f, dX, In);
}

/* sum[j] += Σ_n Y[n·ld + j] for j < m: a bias's gradient, a column sum. The rows are walked in
 * order, 256 columns at a time with double accumulators, so the inner loop runs along a row
 * (contiguous, vectorised) instead of down a column. */
VMATH_CLONES static void column_sums(float *restrict sum, const float *restrict Y, int N, int ld, int m)
{
    double acc[256];
    for (int j0 = 0; j0 < m; j0 += 256) {
        int w = m - j0 < 256 ? m - j0 : 256;
        for (int j = 0; j < w; j++) acc[j] = 0;
        for (int n = 0; n < N; n++) {
            const float *y = Y + (size_t)n * ld + j0;
#pragma omp simd
            for (int j = 0; j < w; j++) acc[j] += y[j];
        }
        for (int j = 0; j < w; j++) sum[j0 + j] += (float)acc[j];
    }
}

void linear_backward_params(float *dW, float *db, const float *dY, const float *X, int N, int In, int Out, int o0,
                            int o1)
{
    int m = o1 - o0;
    if (m <= 0 || N <= 0) return;
    /* dW[o0 … o1) += dY[:, o0 … o1)ᵀ X: (m × N)(N × In), the sum over rows of each row's outer
     * product; dY's columns are read in place (leading dimension Out) */
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, m, In, N, 1.0f, dY + o0, Out, X, In, 1.0f,
                dW + (size_t)o0 * In, In);
    if (db) column_sums(db + o0, dY + o0, N, Out, m);
}

void linear_backward(float *dX, float *dW, float *db, const float *dY, const float *X, const float *W, int N,
                     int In, int Out)
{
    if (dX) linear_backward_dx(dX, dY, W, N, In, Out);
    linear_backward_params(dW, db, dY, X, N, In, Out, 0, Out);
}

/* ---- layernorm ----------------------------------------------------------------------------- */

VMATH_CLONES void layernorm_forward(float *Y, float *mean, float *rstd, const float *X, const float *gamma,
                                    const float *beta, int N, int D)
{
    for (int n = 0; n < N; n++) {
        const float *x = X + (size_t)n * D;
        float *y = Y + (size_t)n * D;
        double m = 0, v = 0;
#pragma omp simd reduction(+ : m)
        for (int d = 0; d < D; d++) m += x[d];
        m /= D;
        /* the variance around the mean just computed (two passes: no cancellation of Σx² − Nμ²) */
#pragma omp simd reduction(+ : v)
        for (int d = 0; d < D; d++) v += (x[d] - m) * (x[d] - m);
        v /= D;
        float r = (float)(1.0 / sqrt(v + TZ_LN_EPS)), mf = (float)m;
#pragma omp simd
        for (int d = 0; d < D; d++) y[d] = ((x[d] - mf) * r) * gamma[d] + beta[d];
        mean[n] = mf;
        rstd[n] = r;
    }
}

VMATH_CLONES void layernorm_backward_dx(float *dX, const float *dY, const float *X, const float *mean,
                                        const float *rstd, const float *gamma, int N, int D)
{
    for (int n = 0; n < N; n++) {
        const float *x = X + (size_t)n * D, *dy = dY + (size_t)n * D;
        float *dx = dX + (size_t)n * D;
        float m = mean[n], r = rstd[n];
        /* the two row means of the formula: of g = dy ⊙ γ and of g ⊙ x̂ */
        double sg = 0, sgx = 0;
#pragma omp simd reduction(+ : sg, sgx)
        for (int d = 0; d < D; d++) {
            float xh = (x[d] - m) * r, g = dy[d] * gamma[d];
            sg += g;
            sgx += g * xh;
        }
        float mg = (float)(sg / D), mgx = (float)(sgx / D);
#pragma omp simd
        for (int d = 0; d < D; d++) {
            float xh = (x[d] - m) * r;
            dx[d] = r * (dy[d] * gamma[d] - mg - xh * mgx);
        }
    }
}

VMATH_CLONES void layernorm_backward_params(float *dgamma, float *dbeta, const float *dY, const float *X,
                                            const float *mean, const float *rstd, int N, int D, int d0, int d1)
{
    /* dγ[d] += Σ_n dY[n][d]·x̂[n][d], dβ[d] += Σ_n dY[n][d]: column sums, 256 columns at a time */
    double ag[256], ab[256];
    for (int c0 = d0; c0 < d1; c0 += 256) {
        int w = d1 - c0 < 256 ? d1 - c0 : 256;
        for (int j = 0; j < w; j++) ag[j] = ab[j] = 0;
        for (int n = 0; n < N; n++) {
            const float *x = X + (size_t)n * D + c0, *dy = dY + (size_t)n * D + c0;
            float m = mean[n], r = rstd[n];
#pragma omp simd
            for (int j = 0; j < w; j++) {
                ag[j] += dy[j] * ((x[j] - m) * r);
                ab[j] += dy[j];
            }
        }
        for (int j = 0; j < w; j++) {
            dgamma[c0 + j] += (float)ag[j];
            dbeta[c0 + j] += (float)ab[j];
        }
    }
}

void layernorm_backward(float *dX, float *dgamma, float *dbeta, const float *dY, const float *X, const float *mean,
                        const float *rstd, const float *gamma, int N, int D)
{
    layernorm_backward_dx(dX, dY, X, mean, rstd, gamma, N, D);
    layernorm_backward_params(dgamma, dbeta, dY, X, mean, rstd, N, D, 0, D);
}

/* ---- GELU ----------------------------------------------------------------------------------- */

#define GELU_S 0.7978845608028654f /* √(2/π) */
#define GELU_C 0.044715f

/* ½(1 + tanh u) = σ(2u), so gelu(x) = x·σ(2u): one exp and one division per value, and no
 * cancellation near u = 0 (where 1 + tanh u would need tanh's small-argument series). */
VMATH_CLONES void gelu_forward(float *Y, const float *X, int n)
{
#pragma omp simd
    for (int i = 0; i < n; i++) {
        float x = X[i];
        Y[i] = x * vsigm(2.0f * GELU_S * (x + GELU_C * x * x * x));
    }
}

VMATH_CLONES void gelu_backward(float *dX, const float *dY, const float *X, int n)
{
    /* u = s(x + c x³), y = ½x(1 + tanh u) = x·σ(2u):
     * y′ = ½(1 + tanh u) + ½x (1 − tanh² u) · s(1 + 3c x²) = σ + 2x σ(1 − σ) · s(1 + 3c x²)
     * with σ = σ(2u) (1 − tanh² u = 4σ(1 − σ)). dX may be dY: each value reads only its own. */
#pragma omp simd
    for (int i = 0; i < n; i++) {
        float x = X[i];
        float sg = vsigm(2.0f * GELU_S * (x + GELU_C * x * x * x));
        float du = GELU_S * (1.0f + 3.0f * GELU_C * x * x);
        dX[i] = dY[i] * (sg + 2.0f * x * sg * (1.0f - sg) * du);
    }
}

/* ---- softmax cross-entropy ------------------------------------------------------------------ */

/* Softmax of one row of n values (p may be z): p = exp(z − max) / Σ exp(z − max).
 * Subtracting the max changes nothing mathematically and keeps exp from overflowing.
 * Returns log Σ exp(z − max) (so log p[i] = z[i] − max − that). */
static inline double softmax_row(float *p, const float *z, int n, float *zmax)
{
    float mx = z[0];
#pragma omp simd reduction(max : mx)
    for (int i = 1; i < n; i++) mx = z[i] > mx ? z[i] : mx;
    double s = 0;
#pragma omp simd reduction(+ : s)
    for (int i = 0; i < n; i++) {
        float e = vexp(z[i] - mx);
        p[i] = e;
        s += e;
    }
    float inv = (float)(1.0 / s);
#pragma omp simd
    for (int i = 0; i < n; i++) p[i] *= inv;
    *zmax = mx;
    return log(s);
}

VMATH_CLONES double crossentropy_forward_sum(float *probs, const float *logits, const int32_t *targets, int N, int V,
                                             int *count)
{
    double loss = 0;
    int c = 0;
    for (int n = 0; n < N; n++) {
        const float *z = logits + (size_t)n * V;
        float mx;
        double lse = softmax_row(probs + (size_t)n * V, z, V, &mx);
        if (targets[n] == TZ_IGNORE) continue;
        /* −log p[t] from the logits themselves, not from log(probs): exact even when p[t]
         * has underflowed to 0 */
        loss += lse - ((double)z[targets[n]] - mx);
        c++;
    }
    if (count) *count = c;
    return loss;
}

float crossentropy_forward(float *probs, const float *logits, const int32_t *targets, int N, int V)
{
    int count;
    double loss = crossentropy_forward_sum(probs, logits, targets, N, V, &count);
    return count ? (float)(loss / count) : 0.0f;
}

VMATH_CLONES void crossentropy_backward_of(float *dlogits, const float *probs, const int32_t *targets, int N, int V,
                                           int count)
{
    float inv = count ? 1.0f / (float)count : 0.0f;
    for (int n = 0; n < N; n++) {
        float *dz = dlogits + (size_t)n * V;
        const float *p = probs + (size_t)n * V;
        if (targets[n] == TZ_IGNORE) {
            memset(dz, 0, (size_t)V * sizeof *dz);
            continue;
        }
#pragma omp simd
        for (int v = 0; v < V; v++) dz[v] = p[v] * inv;
        dz[targets[n]] -= inv;
    }
}

void crossentropy_backward(float *dlogits, const float *probs, const int32_t *targets, int N, int V)
{
    int count = 0;
    for (int n = 0; n < N; n++) count += targets[n] != TZ_IGNORE;
    crossentropy_backward_of(dlogits, probs, targets, N, V, count);
}

/* ---- embeddings ----------------------------------------------------------------------------- */

void embedding_forward(float *X, const int32_t *tokens, const float *wte, const float *wpe, int B, int T, int D)
{
    for (int b = 0; b < B; b++)
        for (int t = 0; t < T; t++) {
            size_t n = (size_t)b * T + t;
            const float *te = wte + (size_t)tokens[n] * D;
            float *x = X + n * D;
            if (wpe) {
                const float *pe = wpe + (size_t)t * D;
#pragma omp simd
                for (int d = 0; d < D; d++) x[d] = te[d] + pe[d];
            } else {
                memcpy(x, te, (size_t)D * sizeof *x);
            }
        }
}

void embedding_backward(float *dwte, float *dwpe, const float *dX, const int32_t *tokens, int B, int T, int D)
{
    for (int b = 0; b < B; b++)
        for (int t = 0; t < T; t++) {
            size_t n = (size_t)b * T + t;
            float *dte = dwte + (size_t)tokens[n] * D;
            const float *d = dX + n * D;
#pragma omp simd
            for (int i = 0; i < D; i++) dte[i] += d[i];
            if (dwpe) {
                float *dpe = dwpe + (size_t)t * D;
#pragma omp simd
                for (int i = 0; i < D; i++) dpe[i] += d[i];
            }
        }
}

/* ---- dropout -------------------------------------------------------------------------------- */

/* SplitMix64's output function: a bijection of 64-bit words whose every output bit depends on
 * every input bit (two multiply–xorshift rounds). */
static inline uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

#define DROP_STRIDE 0x9E3779B97F4A7C15ULL /* 2⁶⁴/φ, odd: value i hashes key + i·stride (SplitMix's counter) */

uint64_t dropout_key(uint64_t seed, uint64_t site)
{
    return mix64(mix64(seed) ^ (site * 0xD1B54A32D192ED03ULL + 1));
}

/* Value i is kept when the top 32 bits of its hash are ≥ ⌊p·2³²⌋: probability 1 − p (to 2⁻³²). */
static inline uint32_t drop_threshold(float p)
{
    double t = (double)p * 4294967296.0;
    return p <= 0 ? 0 : t >= 4294967295.0 ? 4294967295u : (uint32_t)t;
}

int dropout_keep(uint64_t key, uint64_t i, float p)
{
    return (uint32_t)(mix64(key + i * DROP_STRIDE) >> 32) >= drop_threshold(p);
}

VMATH_CLONES void dropout_forward(float *Y, const float *X, size_t n, float p, uint64_t key, uint64_t offset)
{
    if (p <= 0) {
        if (Y != X) memmove(Y, X, n * sizeof *Y);
        return;
    }
    const uint32_t thr = drop_threshold(p);
    const float scale = 1.0f / (1.0f - p);
    const uint64_t k = key + offset * DROP_STRIDE;
    /* branch-free: a select per value, 8 or 16 hashes at once */
#pragma omp simd
    for (size_t i = 0; i < n; i++) {
        uint32_t h = (uint32_t)(mix64(k + (uint64_t)i * DROP_STRIDE) >> 32);
        Y[i] = h >= thr ? X[i] * scale : 0.0f;
    }
}

void dropout_backward(float *dX, const float *dY, size_t n, float p, uint64_t key, uint64_t offset)
{
    /* the same mask and the same scale: the layer is linear in its input */
    dropout_forward(dX, dY, n, p, key, offset);
}

/* ---- attention ------------------------------------------------------------------------------ */

/* Rows t0 … t0+rows−1 of P (row t at P + (t − t0)·T), their scores already scaled, turned into
 * probabilities in place. With the mask, row t has only t+1 live entries; the rest are set to
 * exactly 0 (not exp(−large)). */
VMATH_CLONES static void scores_to_probs(float *P, int t0, int rows, int T, int causal)
{
    for (int r = 0; r < rows; r++) {
        float *s = P + (size_t)r * T, mx;
        int live = causal ? t0 + r + 1 : T;
        softmax_row(s, s, live, &mx);
        for (int j = live; j < T; j++) s[j] = 0.0f;
    }
}

/* dS = P ⊙ (dP − rowsum(dP ⊙ P)), in place over dP (rows × c, leading dimension c), then scaled
 * by 1/√hs (S was Q Kᵀ / √hs). (The softmax's Jacobian: ∂p_j/∂s_i = p_j (δ_ij − p_i).) */
VMATH_CLONES static void dprobs_to_dscores(float *dP, int c, const float *P, int T, int rows, float scale)
{
    for (int r = 0; r < rows; r++) {
        float *d = dP + (size_t)r * c;
        const float *p = P + (size_t)r * T;
        double s = 0;
#pragma omp simd reduction(+ : s)
        for (int j = 0; j < c; j++) s += d[j] * p[j];
        float sf = (float)s;
#pragma omp simd
        for (int j = 0; j < c; j++) d[j] = p[j] * (d[j] - sf) * scale;
    }
}

/* The first c entries of rows t0 … t0+rows−1 of P, through dropout, into Y (rows × c): the
 * offsets are the entries' places in att (base = where this (b, h)'s T × T starts). */
static void drop_rows(float *Y, const float *P, int t0, int rows, int T, int c, const AttnEx *ex, size_t base)
{
    for (int r = 0; r < rows; r++)
        dropout_forward(Y + (size_t)r * c, P + (size_t)r * T, (size_t)c, ex->dropout, ex->key,
                        base + (size_t)(t0 + r) * T);
}

static float *attn_scratch(const AttnEx *ex, int T, float **owned)
{
    *owned = NULL;
    if (ex->scratch) return ex->scratch;
    *owned = tz_malloc(ATTN_SCRATCH(T) * sizeof **owned);  /* a few kilobytes; aborts if even that fails */
    return *owned;
}

void attention_forward_ex(float *out, float *att, const float *qkv, int B, int T, int D, int H, const AttnEx *ex)
{
    int hs = D / H, ld = 3 * D, bh1 = ex->bh1 ? ex->bh1 : B * H;
    float scale = 1.0f / sqrtf((float)hs), *owned = NULL;
    float *drop = ex->dropout > 0 ? attn_scratch(ex, T, &owned) : NULL;
    for (int bh = ex->bh0; bh < bh1; bh++) {
        int b = bh / H, h = bh % H;
        const float *q = qkv + (size_t)b * T * ld + h * hs; /* row t at q + t·3D */
        const float *k = q + D, *v = q + 2 * D;
        size_t base = (size_t)bh * T * T;
        float *P = att + base;
        float *o = out + (size_t)b * T * D + h * hs;
        for (int t0 = 0; t0 < T; t0 += ATTN_ROWS) {
            int rows = T - t0 < ATTN_ROWS ? T - t0 : ATTN_ROWS;
            int c = ex->causal ? t0 + rows : T;       /* the keys these rows may see */
            float *Pb = P + (size_t)t0 * T;
            /* S = Q Kᵀ / √hs for these rows: (rows × hs)(hs × c) */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, c, hs, scale, q + (size_t)t0 * ld, ld, k, ld,
                        0.0f, Pb, T);
            scores_to_probs(Pb, t0, rows, T, ex->causal);
            /* O = P V (rows × c)(c × hs), written at head h's columns of out; with dropout, the
             * dropped copy of P is what multiplies V */
            const float *Pv = Pb;
            int ldp = T;
            if (drop) {
                drop_rows(drop, Pb, t0, rows, T, c, ex, base);
                Pv = drop;
                ldp = c;
            }
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, hs, c, 1.0f, Pv, ldp, v, ld, 0.0f,
                        o + (size_t)t0 * D, D);
        }
    }
    free(owned);
}

void attention_backward_ex(float *dqkv, const float *dout, const float *qkv, const float *att, int B, int T, int D,
                           int H, const AttnEx *ex)
{
    int hs = D / H, ld = 3 * D, bh1 = ex->bh1 ? ex->bh1 : B * H;
    int R = T < ATTN_ROWS ? T : ATTN_ROWS, nblocks = (T + R - 1) / R;
    float scale = 1.0f / sqrtf((float)hs), *owned = NULL;
    float *dP = attn_scratch(ex, T, &owned), *drop = dP + (size_t)R * T;
    for (int bh = ex->bh0; bh < bh1; bh++) {
        int b = bh / H, h = bh % H;
        size_t row0 = (size_t)b * T * ld + h * hs, base = (size_t)bh * T * T;
        const float *q = qkv + row0, *k = q + D, *v = q + 2 * D;
        float *dq = dqkv + row0, *dk = dq + D, *dv = dq + 2 * D;
        const float *P = att + base;
        const float *dO = dout + (size_t)b * T * D + h * hs;
        /* Blocks of rows from the last: the last block sees every key (c = T), so it writes all of
         * dK and dV (β = 0) and the blocks above add to them (β = 1). */
        for (int ib = nblocks - 1; ib >= 0; ib--) {
            int t0 = ib * R, rows = T - t0 < R ? T - t0 : R, c = ex->causal ? t0 + rows : T;
            float beta = ib == nblocks - 1 ? 0.0f : 1.0f;
            const float *Pb = P + (size_t)t0 * T, *Pv = Pb;
            int ldp = T;
            if (ex->dropout > 0) {
                drop_rows(drop, Pb, t0, rows, T, c, ex, base);
                Pv = drop;
                ldp = c;
            }
            /* dV[0 … c) (+)= Pᵀ dO: (c × rows)(rows × hs) */
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, c, hs, rows, 1.0f, Pv, ldp, dO + (size_t)t0 * D, D,
                        beta, dv, ld);
            /* dP = dO Vᵀ: (rows × hs)(hs × c); through the same dropout mask */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, c, hs, 1.0f, dO + (size_t)t0 * D, D, v, ld,
                        0.0f, dP, c);
            if (ex->dropout > 0)
                for (int r = 0; r < rows; r++)
                    dropout_backward(dP + (size_t)r * c, dP + (size_t)r * c, (size_t)c, ex->dropout, ex->key,
                                     base + (size_t)(t0 + r) * T);
            dprobs_to_dscores(dP, c, Pb, T, rows, scale);
            /* dQ = dS K, dK (+)= dSᵀ Q (the scale is already in dS) */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, hs, c, 1.0f, dP, c, k, ld, 0.0f,
                        dq + (size_t)t0 * ld, ld);
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, c, hs, rows, 1.0f, dP, c, q + (size_t)t0 * ld, ld,
                        beta, dk, ld);
        }
    }
    free(owned);
}

void attention_forward(float *out, float *att, const float *qkv, int B, int T, int D, int H, int causal)
{
    AttnEx ex = {.causal = causal};
    attention_forward_ex(out, att, qkv, B, T, D, H, &ex);
}

void attention_backward(float *dqkv, const float *dout, const float *qkv, const float *att, int B, int T, int D,
                        int H, int causal, float *scratch)
{
    AttnEx ex = {.causal = causal, .scratch = scratch};
    attention_backward_ex(dqkv, dout, qkv, att, B, T, D, H, &ex);
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

void dropout_forward_naive(float *Y, const float *X, size_t n, float p, uint64_t key, uint64_t offset)
{
    float scale = 1.0f / (1.0f - p);
    for (size_t i = 0; i < n; i++) {
        if (p > 0 && !dropout_keep(key, offset + i, p))
            Y[i] = 0.0f;
        else
            Y[i] = p > 0 ? X[i] * scale : X[i];
    }
}

/* ---- work areas ---------------------------------------------------------------------------- */

int work_lists_alloc(float ***const lists[], size_t n, int per_list, float **mem, size_t floats)
{
    int fail = 0;
    for (size_t i = 0; i < n; i++) {
        *lists[i] = calloc((size_t)per_list, sizeof(float *));
        fail |= !*lists[i];
    }
    *mem = fail ? NULL : aligned_alloc(64, (floats + 15) / 16 * 16 * sizeof **mem);   /* a multiple of 64 bytes */
    if (fail || !*mem) {
        work_lists_free(lists, n, mem);
        return -1;
    }
    return 0;
}

void work_lists_free(float ***const lists[], size_t n, float **mem)
{
    for (size_t i = 0; i < n; i++) {
        free(*lists[i]);
        *lists[i] = NULL;
    }
    free(*mem);
    *mem = NULL;
}
