/* recurrent.c — see recurrent.h.
 *
 * Where the time goes: the matrix products. Forward, the input side of every step is one
 * product for the whole sequence (x is T·B × In, times Wᵀ); only the recurrent side has to go
 * step by step (h_{t−1} is B × H, times Uᵀ), because each step needs the one before.
 * Backward, the gradients with respect to the pre-activations of every step are collected
 * first (dX for the input side, dR for the recurrent side; they differ only in the GRU's n
 * block, where r multiplies the recurrent part), and then dW, dU and dx are each one product
 * over the whole sequence. Only dh_{t−1} = dR_t · U goes step by step.
 */
#include "nn/recurrent.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

static int gates_of(CellKind k) { return k == TZ_CELL_LSTM ? 4 : k == TZ_CELL_GRU ? 3 : 1; }

void cell_alloc(Cell *c, CellKind kind, int In, int H)
{
    TZ_ASSERT(In > 0 && H > 0);
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->In = In;
    c->H = H;
    c->G = gates_of(kind);
    size_t GH = (size_t)c->G * (size_t)H;
    c->W = tz_calloc(GH * (size_t)In, sizeof *c->W);
    c->U = tz_calloc(GH * (size_t)H, sizeof *c->U);
    c->b = tz_calloc(GH, sizeof *c->b);
    c->bu = tz_calloc(GH, sizeof *c->bu);
}

size_t cell_nparams(const Cell *c)
{
    size_t GH = (size_t)c->G * (size_t)c->H;
    return GH * (size_t)c->In + GH * (size_t)c->H + 2 * GH;
}

void nn_fill_uniform(float *p, size_t n, float a, uint64_t *r)
{
    for (size_t i = 0; i < n; i++) {
        *r = *r * 6364136223846793005ULL + 1442695040888963407ULL;
        p[i] = a * ((float)((*r >> 40) & 0xFFFFFF) / 8388608.0f - 1.0f);
    }
}

void cell_init(Cell *c, uint64_t seed)
{
    size_t GH = (size_t)c->G * (size_t)c->H;
    float a = 1.0f / sqrtf((float)c->H);
    uint64_t r = seed * 0x9E3779B97F4A7C15ULL + 11;
    nn_fill_uniform(c->W, GH * (size_t)c->In, a, &r);
    nn_fill_uniform(c->U, GH * (size_t)c->H, a, &r);
    nn_fill_uniform(c->b, GH, a, &r);
    nn_fill_uniform(c->bu, GH, a, &r);
    if (c->kind == TZ_CELL_LSTM)   /* remember by default: f = σ(1 + …) ≈ 0.73 at the start */
        for (int j = 0; j < c->H; j++) { c->b[c->H + j] = 1.0f; c->bu[c->H + j] = 0.0f; }
}

void cell_zero(Cell *c)
{
    size_t GH = (size_t)c->G * (size_t)c->H;
    memset(c->W, 0, GH * (size_t)c->In * sizeof *c->W);
    memset(c->U, 0, GH * (size_t)c->H * sizeof *c->U);
    memset(c->b, 0, GH * sizeof *c->b);
    memset(c->bu, 0, GH * sizeof *c->bu);
}

void cell_free(Cell *c)
{
    free(c->W);
    free(c->U);
    free(c->b);
    free(c->bu);
    memset(c, 0, sizeof *c);
}

void cell_cache_free(CellCache *k)
{
    free(k->h);
    free(k->c);
    free(k->gate);
    free(k->un);
    memset(k, 0, sizeof *k);
}

static inline float sigm(float x) { return 1.0f / (1.0f + expf(-x)); }

static void cache_fit(CellCache *k, const Cell *c, int T, int B)
{
    size_t TB = (size_t)T * (size_t)B, H = (size_t)c->H, GH = (size_t)c->G * H;
    if (k->cap < TB || k->H != c->H || k->G != c->G || k->kind != (int)c->kind) {
        cell_cache_free(k);
        k->h = tz_malloc((TB + (size_t)B) * H * sizeof *k->h);
        if (c->kind == TZ_CELL_LSTM) k->c = tz_malloc((TB + (size_t)B) * H * sizeof *k->c);
        k->gate = tz_malloc(TB * GH * sizeof *k->gate);
        if (c->kind == TZ_CELL_GRU) k->un = tz_malloc(TB * H * sizeof *k->un);
        k->cap = TB;
    }
    k->T = T;
    k->B = B;
    k->H = c->H;
    k->G = c->G;
    k->kind = (int)c->kind;
}

void cell_forward(const Cell *c, const float *x, int T, int B, const float *h0, const float *c0, CellCache *k)
{
    TZ_ASSERT(T > 0 && B > 0);
    cache_fit(k, c, T, B);
    const int H = c->H, In = c->In, GH = c->G * H;
    const size_t BH = (size_t)B * (size_t)H;
    if (h0) memcpy(k->h, h0, BH * sizeof *k->h);
    else memset(k->h, 0, BH * sizeof *k->h);
    if (k->c) {
        if (c0) memcpy(k->c, c0, BH * sizeof *k->c);
        else memset(k->c, 0, BH * sizeof *k->c);
    }
    /* the input side of every step at once: gate = x Wᵀ + b  (T·B × GH) */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T * B, GH, In, 1.0f, x, In, c->W, In, 0.0f, k->gate, GH);
    for (size_t r = 0; r < (size_t)T * (size_t)B; r++)
        for (int j = 0; j < GH; j++) k->gate[r * (size_t)GH + (size_t)j] += c->b[j];
    float *R = tz_malloc((size_t)B * (size_t)GH * sizeof *R);   /* h_{t−1} Uᵀ + bu, one step */
    for (int t = 0; t < T; t++) {
        const float *hp = k->h + (size_t)t * BH;
        float *hn = k->h + (size_t)(t + 1) * BH;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, GH, H, 1.0f, hp, H, c->U, H, 0.0f, R, GH);
        for (int bb = 0; bb < B; bb++) {
            float *g = k->gate + ((size_t)t * (size_t)B + (size_t)bb) * (size_t)GH;
            const float *rr = R + (size_t)bb * (size_t)GH;
            const float *hprev = hp + (size_t)bb * (size_t)H;
            float *h = hn + (size_t)bb * (size_t)H;
            switch (c->kind) {
            case TZ_CELL_RNN:
                for (int j = 0; j < H; j++) h[j] = g[j] = tanhf(g[j] + rr[j] + c->bu[j]);
                break;
            case TZ_CELL_LSTM: {
                const float *cp = k->c + (size_t)t * BH + (size_t)bb * (size_t)H;
                float *cn = k->c + (size_t)(t + 1) * BH + (size_t)bb * (size_t)H;
                for (int j = 0; j < H; j++) {
                    float i = sigm(g[j] + rr[j] + c->bu[j]);
                    float f = sigm(g[H + j] + rr[H + j] + c->bu[H + j]);
                    float gg = tanhf(g[2 * H + j] + rr[2 * H + j] + c->bu[2 * H + j]);
                    float o = sigm(g[3 * H + j] + rr[3 * H + j] + c->bu[3 * H + j]);
                    g[j] = i; g[H + j] = f; g[2 * H + j] = gg; g[3 * H + j] = o;
                    cn[j] = f * cp[j] + i * gg;
                    h[j] = o * tanhf(cn[j]);
                }
                break;
            }
            case TZ_CELL_GRU: {
                float *un = k->un + ((size_t)t * (size_t)B + (size_t)bb) * (size_t)H;
                for (int j = 0; j < H; j++) {
                    float r = sigm(g[j] + rr[j] + c->bu[j]);
                    float z = sigm(g[H + j] + rr[H + j] + c->bu[H + j]);
                    un[j] = rr[2 * H + j] + c->bu[2 * H + j];
                    float n = tanhf(g[2 * H + j] + r * un[j]);
                    g[j] = r; g[H + j] = z; g[2 * H + j] = n;
                    h[j] = (1.0f - z) * n + z * hprev[j];
                }
                break;
            }
            }
        }
    }
    free(R);
}

void cell_backward(const Cell *c, const float *x, const CellCache *k, const float *dh, const float *dhT,
                   const float *dcT, Cell *g, float *dx, float *dh0, float *dc0)
{
    cell_backward_ex(c, x, k, dh, dhT, dcT, g, dx, dh0, dc0, NULL);
}

void cell_backward_ex(const Cell *c, const float *x, const CellCache *k, const float *dh, const float *dhT,
                      const float *dcT, Cell *g, float *dx, float *dh0, float *dc0, float *dh_total)
{
    const int T = k->T, B = k->B, H = c->H, In = c->In, GH = c->G * H;
    const size_t BH = (size_t)B * (size_t)H, TB = (size_t)T * (size_t)B;
    TZ_ASSERT(g->kind == c->kind && g->H == H && g->In == In);
    int gru = c->kind == TZ_CELL_GRU;
    float *dX = tz_malloc(TB * (size_t)GH * sizeof *dX);          /* ∂L/∂(W x + b), every step */
    float *dR = gru ? tz_malloc(TB * (size_t)GH * sizeof *dR) : dX; /* ∂L/∂(U h + bu) */
    float *dnext = tz_calloc(BH, sizeof *dnext), *cnext = tz_calloc(BH, sizeof *cnext);
    float *dprev = tz_malloc(BH * sizeof *dprev);
    if (dhT) memcpy(dnext, dhT, BH * sizeof *dnext);
    if (dcT && k->c) memcpy(cnext, dcT, BH * sizeof *cnext);
    for (int t = T - 1; t >= 0; t--) {
        for (int bb = 0; bb < B; bb++) {
            size_t row = (size_t)t * (size_t)B + (size_t)bb;
            const float *gv = k->gate + row * (size_t)GH;
            const float *hprev = k->h + (size_t)t * BH + (size_t)bb * (size_t)H;
            const float *hcur = k->h + (size_t)(t + 1) * BH + (size_t)bb * (size_t)H;
            float *dx_r = dX + row * (size_t)GH, *dr_r = dR + row * (size_t)GH;
            float *dn = dnext + (size_t)bb * (size_t)H, *cn = cnext + (size_t)bb * (size_t)H;
            float *dp = dprev + (size_t)bb * (size_t)H;
            const float *dht_ext = dh + row * (size_t)H;
            for (int j = 0; j < H; j++) {
                float dht = dht_ext[j] + dn[j];     /* from the loss at t, and from step t+1 */
                if (dh_total) dh_total[row * (size_t)H + (size_t)j] = dht;
                switch (c->kind) {
                case TZ_CELL_RNN:
                    dx_r[j] = dht * (1.0f - hcur[j] * hcur[j]);
                    dp[j] = 0;
                    break;
                case TZ_CELL_LSTM: {
                    float i = gv[j], f = gv[H + j], gg = gv[2 * H + j], o = gv[3 * H + j];
                    float ct = k->c[(size_t)(t + 1) * BH + (size_t)bb * (size_t)H + (size_t)j];
                    float cp = k->c[(size_t)t * BH + (size_t)bb * (size_t)H + (size_t)j];
                    float tc = tanhf(ct);
                    float dc = cn[j] + dht * o * (1.0f - tc * tc);
                    dx_r[j] = dc * gg * i * (1.0f - i);
                    dx_r[H + j] = dc * cp * f * (1.0f - f);
                    dx_r[2 * H + j] = dc * i * (1.0f - gg * gg);
                    dx_r[3 * H + j] = dht * tc * o * (1.0f - o);
                    cn[j] = dc * f;                 /* ∂L/∂c_{t−1} */
                    dp[j] = 0;
                    break;
                }
                case TZ_CELL_GRU: {
                    float r = gv[j], z = gv[H + j], n = gv[2 * H + j];
                    float un = k->un[row * (size_t)H + (size_t)j];
                    float dan = dht * (1.0f - z) * (1.0f - n * n);      /* ∂L/∂(pre-tanh of n) */
                    float dz = dht * (hprev[j] - n);
                    float dr = dan * un;
                    dx_r[j] = dr_r[j] = dr * r * (1.0f - r);
                    dx_r[H + j] = dr_r[H + j] = dz * z * (1.0f - z);
                    dx_r[2 * H + j] = dan;          /* the input side of n */
                    dr_r[2 * H + j] = dan * r;      /* the recurrent side passes through r */
                    dp[j] = dht * z;                /* h_t = … + z ⊙ h_{t−1} */
                    break;
                }
                }
            }
        }
        /* ∂L/∂h_{t−1} = dR_t U (+ the GRU's direct path already in dprev) */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, H, GH, 1.0f, dR + (size_t)t * (size_t)B * (size_t)GH,
                    GH, c->U, H, 1.0f, dprev, H);
        memcpy(dnext, dprev, BH * sizeof *dnext);
    }
    /* the weights, over the whole sequence at once */
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, GH, In, (int)TB, 1.0f, dX, GH, x, In, 1.0f, g->W, In);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, GH, H, (int)TB, 1.0f, dR, GH, k->h, H, 1.0f, g->U, H);
    for (size_t r = 0; r < TB; r++)
        for (int j = 0; j < GH; j++) {
            g->b[j] += dX[r * (size_t)GH + (size_t)j];
            g->bu[j] += dR[r * (size_t)GH + (size_t)j];
        }
    if (dx) cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)TB, In, GH, 1.0f, dX, GH, c->W, In, 0.0f, dx, In);
    if (dh0) memcpy(dh0, dnext, BH * sizeof *dh0);
    if (dc0) {
        if (k->c) memcpy(dc0, cnext, BH * sizeof *dc0);
        else memset(dc0, 0, BH * sizeof *dc0);
    }
    if (gru) free(dR);
    free(dX);
    free(dnext);
    free(cnext);
    free(dprev);
}
