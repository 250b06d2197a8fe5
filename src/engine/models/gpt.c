/* gpt.c — GPT-2's forward and backward passes over the layers of nn/layers.c (see gpt.h). */
#include "models/gpt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/layers.h"

/* ---- configuration and parameters ---------------------------------------------------- */

int gpt_config_ok(const GptConfig *c)
{
    return c && c->V > 0 && c->C > 0 && c->D > 0 && c->L > 0 && c->H > 0 && c->D % c->H == 0;
}

int gpt_ntensors(const GptConfig *c)
{
    return 2 + 12 * c->L + 2;
}

/* The shape of tensor i (memory order: wte, wpe, the blocks' 12 each, ln_f's 2). Block tensor
 * k of 12: ln_1 w b, c_attn w b, attn.c_proj w b, ln_2 w b, c_fc w b, mlp.c_proj w b. */
static const char *const block_names[12] = {
    "ln_1.weight", "ln_1.bias", "attn.c_attn.weight", "attn.c_attn.bias", "attn.c_proj.weight",
    "attn.c_proj.bias", "ln_2.weight", "ln_2.bias", "mlp.c_fc.weight", "mlp.c_fc.bias",
    "mlp.c_proj.weight", "mlp.c_proj.bias"};

static void block_shape(int k, int D, int *rows, int *cols)
{
    static const int r[12] = {1, 1, 3, 3, 1, 1, 1, 1, 4, 4, 1, 1};   /* rows in units of D */
    static const int c[12] = {0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 0};   /* cols in D, 0 = vector */
    *rows = r[k] * D;
    *cols = c[k] ? c[k] * D : 1;
}

size_t gpt_nparams(const GptConfig *c)
{
    if (!gpt_config_ok(c)) return 0;
    size_t D = (size_t)c->D;
    return (size_t)c->V * D + (size_t)c->C * D + (size_t)c->L * (12 * D * D + 13 * D) + 2 * D;
}

/* Point every tensor into g->mem, in the order of gpt_tensor. */
static void gpt_wire(Gpt *g)
{
    const GptConfig *c = &g->cfg;
    size_t D = (size_t)c->D;
    float *p = g->mem;
    g->wte = p; p += (size_t)c->V * D;
    g->wpe = p; p += (size_t)c->C * D;
    for (int l = 0; l < c->L; l++) {
        GptBlock *b = &g->h[l];
        float **slot[12] = {&b->ln1_w, &b->ln1_b, &b->qkv_w,  &b->qkv_b, &b->attproj_w, &b->attproj_b,
                            &b->ln2_w, &b->ln2_b, &b->fc_w,   &b->fc_b,  &b->fcproj_w,  &b->fcproj_b};
        for (int k = 0; k < 12; k++) {
            int rows, cols;
            block_shape(k, c->D, &rows, &cols);
            *slot[k] = p;
            p += (size_t)rows * (size_t)cols;
        }
    }
    g->lnf_w = p; p += D;
    g->lnf_b = p;
}

int gpt_alloc(Gpt *g, const GptConfig *cfg)
{
    memset(g, 0, sizeof *g);
    if (!gpt_config_ok(cfg)) return -1;
    g->cfg = *cfg;
    g->n = gpt_nparams(cfg);
    g->mem = calloc(g->n, sizeof *g->mem);
    g->h = calloc((size_t)cfg->L, sizeof *g->h);
    if (!g->mem || !g->h) {
        gpt_free(g);
        return -1;
    }
    gpt_wire(g);
    return 0;
}

void gpt_free(Gpt *g)
{
    free(g->mem);
    free(g->h);
    memset(g, 0, sizeof *g);
}

void gpt_zero(Gpt *g)
{
    if (g->mem) memset(g->mem, 0, g->n * sizeof *g->mem);
}

float *gpt_tensor(const Gpt *g, int i, char *name, size_t cap, size_t *n, int *rows, int *cols)
{
    const GptConfig *c = &g->cfg;
    int r, k, nt = gpt_ntensors(c);
    float *p;
    if (i < 0 || i >= nt) return NULL;
    char tmp[64];
    if (i == 0 || i == 1) {
        p = i == 0 ? g->wte : g->wpe;
        r = i == 0 ? c->V : c->C;
        k = c->D;
        snprintf(tmp, sizeof tmp, "%s", i == 0 ? "wte.weight" : "wpe.weight");
    } else if (i >= nt - 2) {
        p = i == nt - 2 ? g->lnf_w : g->lnf_b;
        r = c->D;
        k = 1;
        snprintf(tmp, sizeof tmp, "%s", i == nt - 2 ? "ln_f.weight" : "ln_f.bias");
    } else {
        int l = (i - 2) / 12, j = (i - 2) % 12;
        const GptBlock *b = &g->h[l];
        float *const slot[12] = {b->ln1_w, b->ln1_b, b->qkv_w,  b->qkv_b, b->attproj_w, b->attproj_b,
                                 b->ln2_w, b->ln2_b, b->fc_w,   b->fc_b,  b->fcproj_w,  b->fcproj_b};
        p = slot[j];
        block_shape(j, c->D, &r, &k);
        snprintf(tmp, sizeof tmp, "h.%d.%s", l, block_names[j]);
    }
    if (name && cap) snprintf(name, cap, "%s", tmp);
    if (n) *n = (size_t)r * (size_t)k;
    if (rows) *rows = r;
    if (cols) *cols = k;
    return p;
}

/* ---- initialisation ------------------------------------------------------------------ */

/* A uniform number in (0, 1] from the project's LCG (the top 24 bits, as nn_fill_uniform). */
static double lcg_unit(uint64_t *r)
{
    *r = *r * 6364136223846793005ULL + 1442695040888963407ULL;
    return ((double)((*r >> 40) & 0xFFFFFF) + 1.0) / 16777216.0;
}

/* n values from N(0, std²) by Box–Muller: two uniforms u1, u2 give two independent normals
 * √(−2 ln u1)·cos(2π u2) and √(−2 ln u1)·sin(2π u2). u1 > 0, so the logarithm is finite. */
static void fill_normal(float *p, size_t n, float std, uint64_t *r)
{
    const double two_pi = 6.283185307179586;
    for (size_t i = 0; i < n; i += 2) {
        double u1 = lcg_unit(r), u2 = lcg_unit(r);
        double rad = sqrt(-2.0 * log(u1));
        p[i] = (float)(std * rad * cos(two_pi * u2));
        if (i + 1 < n) p[i + 1] = (float)(std * rad * sin(two_pi * u2));
    }
}

static void fill_const(float *p, size_t n, float v)
{
    for (size_t i = 0; i < n; i++) p[i] = v;
}

void gpt_init(Gpt *g, uint64_t seed)
{
    const GptConfig *c = &g->cfg;
    size_t D = (size_t)c->D;
    uint64_t r = seed * 0x9E3779B97F4A7C15ULL + 7;
    /* Each residual block adds two projections to the stream: 2L additions of roughly
     * independent terms would grow its variance 2L-fold; shrinking those weights by √(2L)
     * keeps it where it started. */
    float std = 0.02f, std_res = 0.02f / sqrtf(2.0f * (float)c->L);
    fill_normal(g->wte, (size_t)c->V * D, std, &r);
    fill_normal(g->wpe, (size_t)c->C * D, std, &r);
    for (int l = 0; l < c->L; l++) {
        GptBlock *b = &g->h[l];
        fill_const(b->ln1_w, D, 1.0f);
        fill_const(b->ln1_b, D, 0.0f);
        fill_normal(b->qkv_w, 3 * D * D, std, &r);
        fill_const(b->qkv_b, 3 * D, 0.0f);
        fill_normal(b->attproj_w, D * D, std_res, &r);
        fill_const(b->attproj_b, D, 0.0f);
        fill_const(b->ln2_w, D, 1.0f);
        fill_const(b->ln2_b, D, 0.0f);
        fill_normal(b->fc_w, 4 * D * D, std, &r);
        fill_const(b->fc_b, 4 * D, 0.0f);
        fill_normal(b->fcproj_w, 4 * D * D, std_res, &r);
        fill_const(b->fcproj_b, D, 0.0f);
    }
    fill_const(g->lnf_w, D, 1.0f);
    fill_const(g->lnf_b, D, 0.0f);
}

/* ---- work (activations) ---------------------------------------------------------------- */

int gpt_work_alloc(GptWork *w, const GptConfig *c, int B, int T)
{
    memset(w, 0, sizeof *w);
    if (!gpt_config_ok(c) || B <= 0 || T <= 0 || T > c->C) return -1;
    size_t N = (size_t)B * (size_t)T, D = (size_t)c->D, L = (size_t)c->L, V = (size_t)c->V;
    size_t TT = (size_t)T * (size_t)T, att = (size_t)B * (size_t)c->H * TT;
    /* floats per block: res, ln1, atty, mid, ln2 (N × D each); two (mean, rstd) pairs (N each);
     * qkv (N × 3D); att; fc and fcg (N × 4D each) */
    size_t per_block = 5 * N * D + 4 * N + 3 * N * D + att + 2 * 4 * N * D;
    size_t total = L * per_block + N * D /* res[L] */ + N * D + 2 * N /* lnf */ + 2 * N * V /* logits, probs */
                   + 4 * N * D + 3 * N * D + 2 * 4 * N * D + N * V + TT /* backward */;
    w->mem = malloc(total * sizeof *w->mem);
    float ***lists[] = {&w->res, &w->ln1, &w->ln1_mean, &w->ln1_rstd, &w->qkv, &w->att, &w->atty,
                        &w->mid, &w->ln2, &w->ln2_mean, &w->ln2_rstd, &w->fc, &w->fcg};
    int nlists = (int)(sizeof lists / sizeof lists[0]), fail = !w->mem;
    for (int i = 0; i < nlists; i++) {
        *lists[i] = calloc(L + 1, sizeof(float *));    /* L + 1: res has one more */
        fail |= !*lists[i];
    }
    if (fail) {
        gpt_work_free(w);
        return -1;
    }
    w->B = B;
    w->T = T;
    float *p = w->mem;
#define TAKE(ptr, count) do { (ptr) = p; p += (count); } while (0)
    for (size_t l = 0; l < L; l++) {
        TAKE(w->res[l], N * D);
        TAKE(w->ln1[l], N * D);
        TAKE(w->ln1_mean[l], N);
        TAKE(w->ln1_rstd[l], N);
        TAKE(w->qkv[l], 3 * N * D);
        TAKE(w->att[l], att);
        TAKE(w->atty[l], N * D);
        TAKE(w->mid[l], N * D);
        TAKE(w->ln2[l], N * D);
        TAKE(w->ln2_mean[l], N);
        TAKE(w->ln2_rstd[l], N);
        TAKE(w->fc[l], 4 * N * D);
        TAKE(w->fcg[l], 4 * N * D);
    }
    TAKE(w->res[L], N * D);
    TAKE(w->lnf, N * D);
    TAKE(w->lnf_mean, N);
    TAKE(w->lnf_rstd, N);
    TAKE(w->logits, N * V);
    TAKE(w->probs, N * V);
    TAKE(w->dres, N * D);
    TAKE(w->dx, N * D);
    TAKE(w->dln, N * D);
    TAKE(w->datty, N * D);
    TAKE(w->dqkv, 3 * N * D);
    TAKE(w->dfc, 4 * N * D);
    TAKE(w->dfcg, 4 * N * D);
    TAKE(w->dlogits, N * V);
    TAKE(w->scratch, TT);
#undef TAKE
    return 0;
}

void gpt_work_free(GptWork *w)
{
    free(w->mem);
    free(w->res);
    free(w->ln1);
    free(w->ln1_mean);
    free(w->ln1_rstd);
    free(w->qkv);
    free(w->att);
    free(w->atty);
    free(w->mid);
    free(w->ln2);
    free(w->ln2_mean);
    free(w->ln2_rstd);
    free(w->fc);
    free(w->fcg);
    memset(w, 0, sizeof *w);
}

/* ---- forward --------------------------------------------------------------------------- */

double gpt_forward(const Gpt *g, GptWork *w, const int32_t *tokens, const int32_t *targets, int B, int T)
{
    const GptConfig *c = &g->cfg;
    int D = c->D, L = c->L, H = c->H, V = c->V, N = B * T;

    /* x[b·T + t] = wte[token] + wpe[t]: what the token is, plus where it stands (attention
     * itself does not know the order: without wpe, "a b" and "b a" would look the same) */
    float *x = w->res[0];
    for (int b = 0; b < B; b++)
        for (int t = 0; t < T; t++) {
            size_t n = (size_t)b * T + t;
            const float *te = g->wte + (size_t)tokens[n] * D, *pe = g->wpe + (size_t)t * D;
            for (int d = 0; d < D; d++) x[n * D + d] = te[d] + pe[d];
        }

    for (int l = 0; l < L; l++) {
        const GptBlock *k = &g->h[l];
        const float *in = w->res[l];
        float *mid = w->mid[l], *out = w->res[l + 1];
        /* attention half: mid = in + c_proj(attention(c_attn(ln_1(in)))) */
        layernorm_forward(w->ln1[l], w->ln1_mean[l], w->ln1_rstd[l], in, k->ln1_w, k->ln1_b, N, D);
        linear_forward(w->qkv[l], w->ln1[l], k->qkv_w, k->qkv_b, N, D, 3 * D);       /* N × 3D */
        attention_forward(w->atty[l], w->att[l], w->qkv[l], B, T, D, H, 1);          /* N × D */
        linear_forward(mid, w->atty[l], k->attproj_w, k->attproj_b, N, D, D);
        for (size_t i = 0; i < (size_t)N * D; i++) mid[i] += in[i];
        /* MLP half: out = mid + c_proj(gelu(c_fc(ln_2(mid)))) */
        layernorm_forward(w->ln2[l], w->ln2_mean[l], w->ln2_rstd[l], mid, k->ln2_w, k->ln2_b, N, D);
        linear_forward(w->fc[l], w->ln2[l], k->fc_w, k->fc_b, N, D, 4 * D);          /* N × 4D */
        gelu_forward(w->fcg[l], w->fc[l], N * 4 * D);
        linear_forward(out, w->fcg[l], k->fcproj_w, k->fcproj_b, N, 4 * D, D);
        for (size_t i = 0; i < (size_t)N * D; i++) out[i] += mid[i];
    }

    /* the head: logits = ln_f(x) wteᵀ, i.e. a linear layer whose weight (V × D) is wte: the score
     * of token v is how well the final vector matches v's own embedding */
    layernorm_forward(w->lnf, w->lnf_mean, w->lnf_rstd, w->res[L], g->lnf_w, g->lnf_b, N, D);
    linear_forward(w->logits, w->lnf, g->wte, NULL, N, D, V);
    if (!targets) return 0.0;
    return crossentropy_forward(w->probs, w->logits, targets, N, V);
}

/* ---- backward -------------------------------------------------------------------------- */

static void add_into(float *y, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++) y[i] += x[i];
}

void gpt_backward(const Gpt *g, Gpt *grad, GptWork *w, const int32_t *tokens, const int32_t *targets, int B,
                  int T)
{
    const GptConfig *c = &g->cfg;
    int D = c->D, L = c->L, H = c->H, V = c->V, N = B * T;
    size_t ND = (size_t)N * D;

    /* loss → logits → ln_f output; the tied output layer adds its whole dW (V × D) to dwte */
    crossentropy_backward(w->dlogits, w->probs, targets, N, V);
    linear_backward(w->dln, grad->wte, NULL, w->dlogits, w->lnf, g->wte, N, D, V);
    /* dres: the gradient of the residual stream, carried down through the blocks */
    layernorm_backward(w->dres, grad->lnf_w, grad->lnf_b, w->dln, w->res[L], w->lnf_mean, w->lnf_rstd, g->lnf_w,
                       N, D);

    for (int l = L - 1; l >= 0; l--) {
        const GptBlock *k = &g->h[l];
        GptBlock *dk = &grad->h[l];
        /* MLP half, out = mid + c_proj(gelu(c_fc(ln_2(mid)))): the stream's gradient passes
         * straight through the "+" to mid, and the branch adds its own share */
        linear_backward(w->dfcg, dk->fcproj_w, dk->fcproj_b, w->dres, w->fcg[l], k->fcproj_w, N, 4 * D, D);
        gelu_backward(w->dfc, w->dfcg, w->fc[l], N * 4 * D);
        linear_backward(w->dln, dk->fc_w, dk->fc_b, w->dfc, w->ln2[l], k->fc_w, N, D, 4 * D);
        layernorm_backward(w->dx, dk->ln2_w, dk->ln2_b, w->dln, w->mid[l], w->ln2_mean[l], w->ln2_rstd[l], k->ln2_w,
                           N, D);
        add_into(w->dres, w->dx, ND);       /* now the gradient of mid */
        /* attention half, mid = in + c_proj(attention(c_attn(ln_1(in)))) */
        linear_backward(w->datty, dk->attproj_w, dk->attproj_b, w->dres, w->atty[l], k->attproj_w, N, D, D);
        attention_backward(w->dqkv, w->datty, w->qkv[l], w->att[l], B, T, D, H, 1, w->scratch);
        linear_backward(w->dln, dk->qkv_w, dk->qkv_b, w->dqkv, w->ln1[l], k->qkv_w, N, D, 3 * D);
        layernorm_backward(w->dx, dk->ln1_w, dk->ln1_b, w->dln, w->res[l], w->ln1_mean[l], w->ln1_rstd[l], k->ln1_w,
                           N, D);
        add_into(w->dres, w->dx, ND);       /* now the gradient of res[l] */
    }

    /* the embeddings: row n was wte[token] + wpe[t], so both rows receive dres[n] (a token
     * that appears several times sums its rows' gradients) */
    for (int b = 0; b < B; b++)
        for (int t = 0; t < T; t++) {
            size_t n = (size_t)b * T + t;
            float *dte = grad->wte + (size_t)tokens[n] * D, *dpe = grad->wpe + (size_t)t * D;
            const float *d = w->dres + n * D;
            for (int i = 0; i < D; i++) {
                dte[i] += d[i];
                dpe[i] += d[i];
            }
        }
}
