/* llama_layers.c — RMSNorm, RoPE, SwiGLU and grouped-query attention (see llama_layers.h for the
 * shapes and the formulas). Products go through cblas (row-major); the rest are plain loops,
 * the sums over a row accumulated in double. The _naive twins at the end are the definitions
 * written out in double, for the tests. No threads inside: the models split the work around them
 * (the _part and _params pieces take a share of it). */
#include "nn/llama_layers.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- RMSNorm ------------------------------------------------------------------------------ */

void rmsnorm_forward(float *Y, float *rstd, const float *X, const float *w, int N, int D)
{
    for (int n = 0; n < N; n++) {
        const float *x = X + (size_t)n * D;
        float *y = Y + (size_t)n * D;
        double ss = 0;
        for (int d = 0; d < D; d++) ss += (double)x[d] * x[d];
        float r = (float)(1.0 / sqrt(ss / D + TZ_RMS_EPS));
        rstd[n] = r;
        for (int d = 0; d < D; d++) y[d] = w[d] * (x[d] * r);
    }
}

void rmsnorm_backward(float *dX, float *dw, const float *dY, const float *X, const float *rstd, const float *w, int N,
                      int D)
{
    for (int n = 0; n < N; n++) {
        const float *x = X + (size_t)n * D, *dy = dY + (size_t)n * D;
        float *dx = dX + (size_t)n * D, r = rstd[n];
        /* mean(g ⊙ x̂), g = dY ⊙ w */
        double s = 0;
        for (int d = 0; d < D; d++) s += (double)dy[d] * w[d] * (x[d] * r);
        float m = (float)(s / D);
        for (int d = 0; d < D; d++) dx[d] = r * (dy[d] * w[d] - x[d] * r * m);
        if (dw)
            for (int d = 0; d < D; d++) dw[d] += dy[d] * (x[d] * r);
    }
}

void rmsnorm_backward_params(float *dw, const float *dY, const float *X, const float *rstd, int N, int D, int d0,
                             int d1)
{
    for (int n = 0; n < N; n++) {
        const float *x = X + (size_t)n * D, *dy = dY + (size_t)n * D;
        float r = rstd[n];
        for (int d = d0; d < d1; d++) dw[d] += dy[d] * (x[d] * r);
    }
}

/* ---- RoPE --------------------------------------------------------------------------------- */

void rope_table(float *cos_t, float *sin_t, int P, int hs, double theta)
{
    int half = hs / 2;
    for (int i = 0; i < half; i++) {
        double freq = pow(theta, -2.0 * i / hs);       /* pair i turns θ^(−2i/hs) per position */
        for (int p = 0; p < P; p++) {
            double a = p * freq;
            cos_t[(size_t)p * half + i] = (float)cos(a);
            sin_t[(size_t)p * half + i] = (float)sin(a);
        }
    }
}

/* Turn every pair by +angle (dir = 1, forward) or −angle (dir = −1: the inverse, backward).
 * cos(−a) = cos a, sin(−a) = −sin a, so only the sign of sin changes. */
static void rope_turn(float *X, int N, int T, int pos0, int nh, int hs, const float *cos_t, const float *sin_t,
                      float dir)
{
    int half = hs / 2;
    for (int n = 0; n < N; n++) {
        int p = pos0 + n % T;
        const float *c = cos_t + (size_t)p * half, *s = sin_t + (size_t)p * half;
        float *x = X + (size_t)n * nh * hs;
        for (int h = 0; h < nh; h++, x += hs)
            for (int i = 0; i < half; i++) {
                float x0 = x[2 * i], x1 = x[2 * i + 1], sn = dir * s[i];
                x[2 * i] = x0 * c[i] - x1 * sn;
                x[2 * i + 1] = x0 * sn + x1 * c[i];
            }
    }
}

void rope_forward(float *X, int N, int T, int pos0, int nh, int hs, const float *cos_t, const float *sin_t)
{
    rope_turn(X, N, T, pos0, nh, hs, cos_t, sin_t, 1.0f);
}

void rope_backward(float *dX, int N, int T, int pos0, int nh, int hs, const float *cos_t, const float *sin_t)
{
    rope_turn(dX, N, T, pos0, nh, hs, cos_t, sin_t, -1.0f);
}

/* ---- SwiGLU ------------------------------------------------------------------------------- */

static inline float sigmoidf(float a)
{
    return 1.0f / (1.0f + expf(-a));
}

void swiglu_forward(float *Y, const float *A, const float *Bv, size_t n)
{
    for (size_t i = 0; i < n; i++) Y[i] = A[i] * sigmoidf(A[i]) * Bv[i];
}

void swiglu_backward(float *dA, float *dB, const float *dY, const float *A, const float *Bv, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        float a = A[i], s = sigmoidf(a), dy = dY[i];
        /* read everything before writing: dA or dB may alias dY */
        float da = dy * Bv[i] * s * (1.0f + a * (1.0f - s)), db = dy * a * s;
        dA[i] = da;
        dB[i] = db;
    }
}

/* ---- grouped-query attention -------------------------------------------------------------- */

/* Row-wise softmax of S (T × T) in place, with the entries j > t masked when causal. */
static void softmax_rows(float *S, int T, int causal)
{
    for (int t = 0; t < T; t++) {
        float *s = S + (size_t)t * T;
        int J = causal ? t + 1 : T;
        float mx = s[0];
        for (int j = 1; j < J; j++) mx = fmaxf(mx, s[j]);
        double sum = 0;
        for (int j = 0; j < J; j++) {
            s[j] = expf(s[j] - mx);
            sum += s[j];
        }
        float inv = (float)(1.0 / sum);
        for (int j = 0; j < J; j++) s[j] *= inv;
        for (int j = J; j < T; j++) s[j] = 0.0f;        /* masked: exactly 0 */
    }
}

void gqa_forward(float *out, float *att, const float *q, const float *k, const float *v, int B, int T, int H, int Hkv,
                 int hs, int causal)
{
    gqa_forward_part(out, att, q, k, v, B, T, H, Hkv, hs, causal, 0, B * H);
}

void gqa_forward_part(float *out, float *att, const float *q, const float *k, const float *v, int B, int T, int H,
                      int Hkv, int hs, int causal, int u0, int u1)
{
    (void)B;
    int Dq = H * hs, Dkv = Hkv * hs, group = H / Hkv;
    float scale = 1.0f / sqrtf((float)hs);
    for (int u = u0; u < u1; u++) {
        int b = u / H, h = u % H;
        int g = h / group;
        {
            const float *Q = q + (size_t)b * T * Dq + (size_t)h * hs;
            const float *K = k + (size_t)b * T * Dkv + (size_t)g * hs;
            const float *Vv = v + (size_t)b * T * Dkv + (size_t)g * hs;
            float *P = att + ((size_t)b * H + h) * T * T;
            float *O = out + (size_t)b * T * Dq + (size_t)h * hs;
            /* S = Q Kᵀ / √hs (T × T), then the masked softmax in place, then O = P V */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, T, hs, scale, Q, Dq, K, Dkv, 0.0f, P, T);
            softmax_rows(P, T, causal);
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T, hs, T, 1.0f, P, T, Vv, Dkv, 0.0f, O, Dq);
        }
    }
}

void gqa_backward(float *dq, float *dk, float *dv, const float *dout, const float *q, const float *k, const float *v,
                  const float *att, int B, int T, int H, int Hkv, int hs, float *scratch)
{
    float *own = scratch ? NULL : malloc((size_t)T * T * sizeof *own);
    if (!scratch && !own) return;
    gqa_backward_part(dq, dk, dv, dout, q, k, v, att, B, T, H, Hkv, hs, scratch ? scratch : own, 0, B * Hkv);
    free(own);
}

void gqa_backward_part(float *dq, float *dk, float *dv, const float *dout, const float *q, const float *k,
                       const float *v, const float *att, int B, int T, int H, int Hkv, int hs, float *scratch, int u0,
                       int u1)
{
    (void)B;
    int Dq = H * hs, Dkv = Hkv * hs, group = H / Hkv;
    float scale = 1.0f / sqrtf((float)hs);
    float *dS = scratch;
    for (int u = u0; u < u1; u++) {
        int b = u / Hkv, g = u % Hkv;
        /* this group's slices of dk and dv (T rows of hs at column g·hs) start at 0 */
        for (int t = 0; t < T; t++) {
            memset(dk + ((size_t)b * T + t) * Dkv + (size_t)g * hs, 0, (size_t)hs * sizeof *dk);
            memset(dv + ((size_t)b * T + t) * Dkv + (size_t)g * hs, 0, (size_t)hs * sizeof *dv);
        }
        for (int h = g * group; h < (g + 1) * group; h++) {
            size_t oq = (size_t)b * T * Dq + (size_t)h * hs, okv = (size_t)b * T * Dkv + (size_t)g * hs;
            const float *P = att + ((size_t)b * H + h) * T * T;
            /* dV += Pᵀ dO   (T × hs) */
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, T, hs, T, 1.0f, P, T, dout + oq, Dq, 1.0f, dv + okv,
                        Dkv);
            /* dP = dO Vᵀ   (T × T), then dS = P ⊙ (dP − rowsum(dP ⊙ P)) in place */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, T, hs, 1.0f, dout + oq, Dq, v + okv, Dkv, 0.0f, dS,
                        T);
            for (int t = 0; t < T; t++) {
                float *ds = dS + (size_t)t * T;
                const float *p = P + (size_t)t * T;
                double dot = 0;
                for (int j = 0; j < T; j++) dot += (double)ds[j] * p[j];
                float dt = (float)dot;
                for (int j = 0; j < T; j++) ds[j] = p[j] * (ds[j] - dt);
            }
            /* dQ = dS K / √hs (written), dK += dSᵀ Q / √hs */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T, hs, T, scale, dS, T, k + okv, Dkv, 0.0f, dq + oq,
                        Dq);
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, T, hs, T, scale, dS, T, q + oq, Dq, 1.0f, dk + okv,
                        Dkv);
        }
    }
}

/* ---- naive twins: the definitions in double --------------------------------------------------- */

void rmsnorm_forward_naive(float *Y, float *rstd, const float *X, const float *w, int N, int D)
{
    for (int n = 0; n < N; n++) {
        double ss = 0;
        for (int d = 0; d < D; d++) ss += (double)X[n * D + d] * X[n * D + d];
        double r = 1.0 / sqrt(ss / D + (double)TZ_RMS_EPS);
        rstd[n] = (float)r;
        for (int d = 0; d < D; d++) Y[n * D + d] = (float)(w[d] * X[n * D + d] * r);
    }
}

/* dX_j = Σ_i dY_i w_i ∂(x_i r)/∂x_j with ∂r/∂x_j = −r³ x_j / D: recomputes r from X. */
void rmsnorm_backward_naive(float *dX, float *dw, const float *dY, const float *X, const float *w, int N, int D)
{
    for (int n = 0; n < N; n++) {
        const float *x = X + (size_t)n * D, *dy = dY + (size_t)n * D;
        double ss = 0, gx = 0;
        for (int d = 0; d < D; d++) ss += (double)x[d] * x[d];
        double r = 1.0 / sqrt(ss / D + (double)TZ_RMS_EPS);
        for (int i = 0; i < D; i++) gx += (double)dy[i] * w[i] * x[i];
        for (int j = 0; j < D; j++) {
            dX[(size_t)n * D + j] = (float)(dy[j] * w[j] * r - gx * r * r * r * x[j] / D);
            dw[j] += (float)(dy[j] * x[j] * r);
        }
    }
}

static void rope_naive(float *X, int N, int T, int pos0, int nh, int hs, double theta, double dir)
{
    for (int n = 0; n < N; n++)
        for (int h = 0; h < nh; h++)
            for (int i = 0; i < hs / 2; i++) {
                double a = dir * (pos0 + n % T) * pow(theta, -2.0 * i / hs);
                float *x = X + (size_t)n * nh * hs + (size_t)h * hs + 2 * i;
                double x0 = x[0], x1 = x[1];
                x[0] = (float)(x0 * cos(a) - x1 * sin(a));
                x[1] = (float)(x0 * sin(a) + x1 * cos(a));
            }
}

void rope_forward_naive(float *X, int N, int T, int pos0, int nh, int hs, double theta)
{
    rope_naive(X, N, T, pos0, nh, hs, theta, 1.0);
}

void rope_backward_naive(float *dX, int N, int T, int pos0, int nh, int hs, double theta)
{
    rope_naive(dX, N, T, pos0, nh, hs, theta, -1.0);
}

void swiglu_forward_naive(float *Y, const float *A, const float *Bv, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double a = A[i];
        Y[i] = (float)(a / (1.0 + exp(-a)) * Bv[i]);
    }
}

void swiglu_backward_naive(float *dA, float *dB, const float *dY, const float *A, const float *Bv, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double a = A[i], s = 1.0 / (1.0 + exp(-a)), dy = dY[i];
        double da = dy * Bv[i] * (s + a * s * (1.0 - s)), db = dy * a * s;   /* (a σ)′ = σ + a σ(1 − σ) */
        dA[i] = (float)da;
        dB[i] = (float)db;
    }
}

void gqa_forward_naive(float *out, float *att, const float *q, const float *k, const float *v, int B, int T, int H,
                       int Hkv, int hs, int causal)
{
    int Dq = H * hs, Dkv = Hkv * hs;
    double scale = 1.0 / sqrt((double)hs);
    for (int b = 0; b < B; b++)
        for (int h = 0; h < H; h++) {
            int g = h / (H / Hkv);
            float *P = att + ((size_t)b * H + h) * T * T;
            for (int t = 0; t < T; t++) {
                const float *qt = q + ((size_t)b * T + t) * Dq + h * hs;
                double mx = -INFINITY, sum = 0, s[T > 0 ? T : 1];
                for (int j = 0; j < T; j++) {
                    const float *kj = k + ((size_t)b * T + j) * Dkv + g * hs;
                    double dot = 0;
                    for (int i = 0; i < hs; i++) dot += (double)qt[i] * kj[i];
                    s[j] = causal && j > t ? -INFINITY : dot * scale;
                    mx = fmax(mx, s[j]);
                }
                for (int j = 0; j < T; j++) sum += s[j] = exp(s[j] - mx);   /* exp(−∞) = 0 */
                for (int j = 0; j < T; j++) P[(size_t)t * T + j] = (float)(s[j] / sum);
                for (int i = 0; i < hs; i++) {
                    double o = 0;
                    for (int j = 0; j < T; j++) o += s[j] / sum * v[((size_t)b * T + j) * Dkv + g * hs + i];
                    out[((size_t)b * T + t) * Dq + h * hs + i] = (float)o;
                }
            }
        }
}

void gqa_backward_naive(float *dq, float *dk, float *dv, const float *dout, const float *q, const float *k,
                        const float *v, const float *att, int B, int T, int H, int Hkv, int hs)
{
    int Dq = H * hs, Dkv = Hkv * hs;
    double scale = 1.0 / sqrt((double)hs);
    memset(dk, 0, (size_t)B * T * Dkv * sizeof *dk);
    memset(dv, 0, (size_t)B * T * Dkv * sizeof *dv);
    for (int b = 0; b < B; b++)
        for (int h = 0; h < H; h++) {
            int g = h / (H / Hkv);
            const float *P = att + ((size_t)b * H + h) * T * T;
            for (int t = 0; t < T; t++) {
                const float *dot_ = dout + ((size_t)b * T + t) * Dq + h * hs;
                double dP[T > 0 ? T : 1], rs = 0;
                for (int j = 0; j < T; j++) {
                    const float *vj = v + ((size_t)b * T + j) * Dkv + g * hs;
                    double s = 0;
                    for (int i = 0; i < hs; i++) s += (double)dot_[i] * vj[i];
                    dP[j] = s;
                    rs += s * P[(size_t)t * T + j];
                }
                float *dqt = dq + ((size_t)b * T + t) * Dq + h * hs;
                const float *qt = q + ((size_t)b * T + t) * Dq + h * hs;
                for (int i = 0; i < hs; i++) dqt[i] = 0;
                for (int j = 0; j < T; j++) {
                    double p = P[(size_t)t * T + j], ds = p * (dP[j] - rs) * scale;
                    const float *kj = k + ((size_t)b * T + j) * Dkv + g * hs;
                    float *dkj = dk + ((size_t)b * T + j) * Dkv + g * hs, *dvj = dv + ((size_t)b * T + j) * Dkv + g * hs;
                    for (int i = 0; i < hs; i++) {
                        dqt[i] += (float)(ds * kj[i]);
                        dkj[i] += (float)(ds * qt[i]);
                        dvj[i] += (float)(p * dot_[i]);
                    }
                }
            }
        }
}
