/* llama.c — LLaMA's forward and backward passes over nn/layers.h (linear, cross-entropy,
 * embedding) and nn/llama_layers.h (RMSNorm, RoPE, SwiGLU, grouped-query attention); see
 * llama.h. One thread (the caller's) walks the layers; the products are OpenBLAS's. */
#include "models/llama.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/layers.h"
#include "nn/llama_layers.h"

/* ---- configuration and parameters ---------------------------------------------------- */

int llama_config_ok(const LlamaConfig *c)
{
    return c && c->V > 0 && c->C > 0 && c->D > 0 && c->L > 0 && c->H > 0 && c->Hkv > 0 && c->F > 0 &&
           c->D % c->H == 0 && (c->D / c->H) % 2 == 0 && c->H % c->Hkv == 0 && (c->tied == 0 || c->tied == 1);
}

int llama_ntensors(const LlamaConfig *c)
{
    return 1 + 9 * c->L + 1 + !c->tied;
}

static const char *const block_names[9] = {
    "attention_norm.weight", "attention.wq.weight", "attention.wk.weight",    "attention.wv.weight",
    "attention.wo.weight",   "ffn_norm.weight",     "feed_forward.w1.weight", "feed_forward.w2.weight",
    "feed_forward.w3.weight"};

/* Block tensor k's shape (rows × cols, cols = 1 for a vector). */
static void block_shape(const LlamaConfig *c, int k, int *rows, int *cols)
{
    int D = c->D, KV = c->Hkv * (c->D / c->H), F = c->F;
    const int r[9] = {D, D, KV, KV, D, D, F, D, F};
    const int s[9] = {1, D, D, D, D, 1, D, F, D};
    *rows = r[k];
    *cols = s[k];
}

size_t llama_nparams(const LlamaConfig *c)
{
    if (!llama_config_ok(c)) return 0;
    size_t V = (size_t)c->V, D = (size_t)c->D, KV = (size_t)c->Hkv * (D / (size_t)c->H), F = (size_t)c->F;
    size_t block = 2 * D + 2 * D * D + 2 * KV * D + 3 * F * D;
    return V * D + (size_t)c->L * block + D + (c->tied ? 0 : V * D);
}

static void block_slots(LlamaBlock *b, float **s[9])
{
    s[0] = &b->attention_norm, s[1] = &b->wq, s[2] = &b->wk, s[3] = &b->wv, s[4] = &b->wo;
    s[5] = &b->ffn_norm, s[6] = &b->w1, s[7] = &b->w2, s[8] = &b->w3;
}

/* Point every tensor into m->mem, in llama_tensor's order. */
static void llama_wire(Llama *m)
{
    const LlamaConfig *c = &m->cfg;
    float *p = m->mem;
    m->tok_embeddings = p;
    p += (size_t)c->V * c->D;
    for (int l = 0; l < c->L; l++) {
        float **s[9];
        block_slots(&m->layers[l], s);
        for (int k = 0; k < 9; k++) {
            int rows, cols;
            block_shape(c, k, &rows, &cols);
            *s[k] = p;
            p += (size_t)rows * cols;
        }
    }
    m->norm = p;
    p += c->D;
    m->output = c->tied ? m->tok_embeddings : p;
}

int llama_alloc(Llama *m, const LlamaConfig *cfg)
{
    memset(m, 0, sizeof *m);
    if (!llama_config_ok(cfg)) return -1;
    m->cfg = *cfg;
    m->n = llama_nparams(cfg);
    m->mem = calloc(m->n, sizeof *m->mem);
    m->layers = calloc((size_t)cfg->L, sizeof *m->layers);
    if (!m->mem || !m->layers) {
        llama_free(m);
        return -1;
    }
    llama_wire(m);
    return 0;
}

void llama_free(Llama *m)
{
    free(m->mem);
    free(m->layers);
    memset(m, 0, sizeof *m);
}

void llama_zero(Llama *m)
{
    if (m->mem) memset(m->mem, 0, m->n * sizeof *m->mem);
}

float *llama_tensor(const Llama *m, int i, char *name, size_t cap, size_t *n, int *rows, int *cols)
{
    const LlamaConfig *c = &m->cfg;
    int nt = llama_ntensors(c), r, k;
    float *p;
    char tmp[64];
    if (i < 0 || i >= nt) return NULL;
    if (i == 0) {
        p = m->tok_embeddings, r = c->V, k = c->D;
        snprintf(tmp, sizeof tmp, "tok_embeddings.weight");
    } else if (i == 1 + 9 * c->L) {
        p = m->norm, r = c->D, k = 1;
        snprintf(tmp, sizeof tmp, "norm.weight");
    } else if (i == 2 + 9 * c->L) {
        p = m->output, r = c->V, k = c->D;
        snprintf(tmp, sizeof tmp, "output.weight");
    } else {
        int l = (i - 1) / 9, j = (i - 1) % 9;
        float **s[9];
        block_slots(&m->layers[l], s);
        p = *s[j];
        block_shape(c, j, &r, &k);
        snprintf(tmp, sizeof tmp, "layers.%d.%s", l, block_names[j]);
    }
    if (name && cap) snprintf(name, cap, "%s", tmp);
    if (n) *n = (size_t)r * k;
    if (rows) *rows = r;
    if (cols) *cols = k;
    return p;
}

/* ---- initialisation ------------------------------------------------------------------ */

/* A uniform number in (0, 1] from the project's LCG (the top 24 bits). */
static double lcg_unit(uint64_t *r)
{
    *r = *r * 6364136223846793005ULL + 1442695040888963407ULL;
    return ((double)((*r >> 40) & 0xFFFFFF) + 1.0) / 16777216.0;
}

/* n values from N(0, std²) by Box–Muller (two uniforms give two independent normals). */
static void fill_normal(float *p, size_t n, float std, uint64_t *r)
{
    const double two_pi = 6.283185307179586;
    for (size_t i = 0; i < n; i += 2) {
        double u1 = lcg_unit(r), u2 = lcg_unit(r), rad = sqrt(-2.0 * log(u1));
        p[i] = (float)(std * rad * cos(two_pi * u2));
        if (i + 1 < n) p[i + 1] = (float)(std * rad * sin(two_pi * u2));
    }
}

void llama_init(Llama *m, uint64_t seed)
{
    const LlamaConfig *c = &m->cfg;
    uint64_t r = seed * 0x9E3779B97F4A7C15ULL + 11;
    /* 2L projections add to the stream; shrinking them by √(2L) keeps its variance from growing
     * with depth (GPT-2's argument; llama2.c applies it to wo and w3) */
    float std = 0.02f, std_res = 0.02f / sqrtf(2.0f * (float)c->L);
    for (int i = 0; i < llama_ntensors(c); i++) {
        char name[64];
        size_t n;
        int cols;
        float *p = llama_tensor(m, i, name, sizeof name, &n, NULL, &cols);
        if (cols == 1)
            for (size_t j = 0; j < n; j++) p[j] = 1.0f;         /* the RMSNorm weights */
        else
            fill_normal(p, n, strstr(name, ".wo.") || strstr(name, ".w3.") ? std_res : std, &r);
    }
}

/* ---- work ---------------------------------------------------------------------------- */

/* Lay the work out in w->mem (or, with mem NULL, only count); each array on a 16-float
 * boundary. Returns the floats needed. */
static size_t work_wire(LlamaWork *w, float *mem, const LlamaConfig *c, int B, int T)
{
    size_t N = (size_t)B * T, D = (size_t)c->D, V = (size_t)c->V, F = (size_t)c->F;
    size_t hs = D / (size_t)c->H, KV = (size_t)c->Hkv * hs, att = (size_t)B * c->H * T * T, off = 0;
#define TAKE(ptr, count) do { if (mem) (ptr) = mem + off; off += ((size_t)(count) + 15) / 16 * 16; } while (0)
    for (int l = 0; l < c->L; l++) {
        TAKE(w->res[l], N * D);
        TAKE(w->xa[l], N * D);
        TAKE(w->rstd_a[l], N);
        TAKE(w->q[l], N * D);
        TAKE(w->k[l], N * KV);
        TAKE(w->v[l], N * KV);
        TAKE(w->att[l], att);
        TAKE(w->atty[l], N * D);
        TAKE(w->mid[l], N * D);
        TAKE(w->xf[l], N * D);
        TAKE(w->rstd_f[l], N);
        TAKE(w->h1[l], N * F);
        TAKE(w->h3[l], N * F);
        TAKE(w->hg[l], N * F);
    }
    TAKE(w->res[c->L], N * D);
    TAKE(w->xn, N * D);
    TAKE(w->rstd_n, N);
    TAKE(w->logits, N * V);
    TAKE(w->probs, N * V);
    TAKE(w->rope_cos, (size_t)c->C * hs / 2);
    TAKE(w->rope_sin, (size_t)c->C * hs / 2);
    float **nd[] = {&w->dres, &w->dres2, &w->dmid, &w->dx, &w->datty, &w->dq};
    for (size_t i = 0; i < sizeof nd / sizeof nd[0]; i++) TAKE(*nd[i], N * D);
    TAKE(w->dk, N * KV);
    TAKE(w->dv, N * KV);
    TAKE(w->dh1, N * F);
    TAKE(w->dh3, N * F);
    TAKE(w->dhg, N * F);
    TAKE(w->dlogits, N * V);
    TAKE(w->scratch, (size_t)T * T);
#undef TAKE
    return off;
}

#define WORK_LISTS(w)                                                                                                \
    {&(w)->res, &(w)->xa, &(w)->rstd_a, &(w)->q, &(w)->k, &(w)->v, &(w)->att, &(w)->atty, &(w)->mid, &(w)->xf,     \
     &(w)->rstd_f, &(w)->h1, &(w)->h3, &(w)->hg}

int llama_work_alloc(LlamaWork *w, const LlamaConfig *c, int B, int T)
{
    memset(w, 0, sizeof *w);
    if (!llama_config_ok(c) || B <= 0 || T <= 0 || T > c->C) return -1;
    float ***lists[] = WORK_LISTS(w);
    int fail = 0;
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        *lists[i] = calloc((size_t)c->L + 1, sizeof(float *));     /* L + 1: res has one more */
        fail |= !*lists[i];
    }
    if (!fail) {
        size_t total = work_wire(w, NULL, c, B, T);
        w->mem = aligned_alloc(64, total * sizeof *w->mem);
        fail = !w->mem;
    }
    if (fail) {
        llama_work_free(w);
        return -1;
    }
    work_wire(w, w->mem, c, B, T);
    rope_table(w->rope_cos, w->rope_sin, c->C, c->D / c->H, TZ_ROPE_THETA);
    w->B = B;
    w->T = T;
    return 0;
}

void llama_work_free(LlamaWork *w)
{
    float ***lists[] = WORK_LISTS(w);
    free(w->mem);
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) free(*lists[i]);
    memset(w, 0, sizeof *w);
}

/* ---- forward --------------------------------------------------------------------------- */

static void add_rows(float *restrict y, const float *restrict x, size_t n)
{
    for (size_t i = 0; i < n; i++) y[i] += x[i];
}

double llama_forward(const Llama *m, LlamaWork *w, const int32_t *tokens, const int32_t *targets, int B, int T)
{
    const LlamaConfig *c = &m->cfg;
    int N = B * T, D = c->D, F = c->F, hs = D / c->H, KV = c->Hkv * hs;
    size_t ND = (size_t)N * D;
    /* x = tok_embeddings[token]: no position vector, the positions enter through RoPE */
    embedding_forward(w->res[0], tokens, m->tok_embeddings, NULL, B, T, D);
    for (int l = 0; l < c->L; l++) {
        const LlamaBlock *k = &m->layers[l];
        /* attention half: mid = res + wo(gqa(rope(q), rope(k), v)) */
        rmsnorm_forward(w->xa[l], w->rstd_a[l], w->res[l], k->attention_norm, N, D);
        linear_forward(w->q[l], w->xa[l], k->wq, NULL, N, D, D);
        linear_forward(w->k[l], w->xa[l], k->wk, NULL, N, D, KV);
        linear_forward(w->v[l], w->xa[l], k->wv, NULL, N, D, KV);
        rope_forward(w->q[l], N, T, 0, c->H, hs, w->rope_cos, w->rope_sin);
        rope_forward(w->k[l], N, T, 0, c->Hkv, hs, w->rope_cos, w->rope_sin);
        gqa_forward(w->atty[l], w->att[l], w->q[l], w->k[l], w->v[l], B, T, c->H, c->Hkv, hs, 1);
        linear_forward(w->mid[l], w->atty[l], k->wo, NULL, N, D, D);
        add_rows(w->mid[l], w->res[l], ND);
        /* feed-forward half: res' = mid + w2(silu(w1 f) ⊙ w3 f), f = ffn_norm(mid) */
        rmsnorm_forward(w->xf[l], w->rstd_f[l], w->mid[l], k->ffn_norm, N, D);
        linear_forward(w->h1[l], w->xf[l], k->w1, NULL, N, D, F);
        linear_forward(w->h3[l], w->xf[l], k->w3, NULL, N, D, F);
        swiglu_forward(w->hg[l], w->h1[l], w->h3[l], (size_t)N * F);
        linear_forward(w->res[l + 1], w->hg[l], k->w2, NULL, N, F, D);
        add_rows(w->res[l + 1], w->mid[l], ND);
    }
    rmsnorm_forward(w->xn, w->rstd_n, w->res[c->L], m->norm, N, D);
    linear_forward(w->logits, w->xn, m->output, NULL, N, D, c->V);
    if (!targets) return 0.0;
    int count = 0;
    double sum = crossentropy_forward_sum(w->probs, w->logits, targets, N, c->V, &count);
    return count ? sum / count : 0.0;
}

/* ---- backward -------------------------------------------------------------------------- */

/* dX += dY W: (N × Out)(Out × In), for an input read by several products (the normed row feeds
 * wq, wk and wv; f feeds w1 and w3) */
static void linear_backward_dx_add(float *dX, const float *dY, const float *W, int N, int In, int Out)
{
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, In, Out, 1.0f, dY, Out, W, In, 1.0f, dX, In);
}

void llama_backward(const Llama *m, Llama *grad, LlamaWork *w, const int32_t *tokens, const int32_t *targets, int B,
                    int T)
{
    const LlamaConfig *c = &m->cfg;
    int N = B * T, D = c->D, F = c->F, V = c->V, hs = D / c->H, KV = c->Hkv * hs, count = 0;
    size_t ND = (size_t)N * D;
    for (int n = 0; n < N; n++) count += targets[n] != TZ_IGNORE;
    /* the head: loss → logits → norm's output (dx) → the stream leaving the last block (dres) */
    crossentropy_backward_of(w->dlogits, w->probs, targets, N, V, count);
    linear_backward(w->dx, grad->output, NULL, w->dlogits, w->xn, m->output, N, D, V);
    rmsnorm_backward(w->dres, grad->norm, w->dx, w->res[c->L], w->rstd_n, m->norm, N, D);
    for (int l = c->L - 1; l >= 0; l--) {
        const LlamaBlock *k = &m->layers[l];
        LlamaBlock *dk = &grad->layers[l];
        /* res' = mid + w2(hg): dres flows straight to mid, and through w2 to hg */
        linear_backward(w->dhg, dk->w2, NULL, w->dres, w->hg[l], k->w2, N, F, D);
        swiglu_backward(w->dh1, w->dh3, w->dhg, w->h1[l], w->h3[l], (size_t)N * F);
        linear_backward(w->dx, dk->w1, NULL, w->dh1, w->xf[l], k->w1, N, D, F);
        linear_backward_params(dk->w3, NULL, w->dh3, w->xf[l], N, D, F, 0, F);
        linear_backward_dx_add(w->dx, w->dh3, k->w3, N, D, F);
        rmsnorm_backward(w->dmid, dk->ffn_norm, w->dx, w->mid[l], w->rstd_f[l], k->ffn_norm, N, D);
        add_rows(w->dmid, w->dres, ND);
        /* mid = res + wo(atty) */
        linear_backward(w->datty, dk->wo, NULL, w->dmid, w->atty[l], k->wo, N, D, D);
        gqa_backward(w->dq, w->dk, w->dv, w->datty, w->q[l], w->k[l], w->v[l], w->att[l], B, T, c->H, c->Hkv, hs,
                     w->scratch);
        /* RoPE's gradient: the inverse rotation, back to the products' outputs */
        rope_backward(w->dq, N, T, 0, c->H, hs, w->rope_cos, w->rope_sin);
        rope_backward(w->dk, N, T, 0, c->Hkv, hs, w->rope_cos, w->rope_sin);
        linear_backward(w->dx, dk->wq, NULL, w->dq, w->xa[l], k->wq, N, D, D);
        linear_backward_params(dk->wk, NULL, w->dk, w->xa[l], N, D, KV, 0, KV);
        linear_backward_dx_add(w->dx, w->dk, k->wk, N, D, KV);
        linear_backward_params(dk->wv, NULL, w->dv, w->xa[l], N, D, KV, 0, KV);
        linear_backward_dx_add(w->dx, w->dv, k->wv, N, D, KV);
        rmsnorm_backward(w->dres2, dk->attention_norm, w->dx, w->res[l], w->rstd_a[l], k->attention_norm, N, D);
        add_rows(w->dres2, w->dmid, ND);
        float *t = w->dres;                 /* the stream below becomes the one above the next block */
        w->dres = w->dres2;
        w->dres2 = t;
    }
    /* the embedding: row n was tok_embeddings[token n] */
    embedding_backward(grad->tok_embeddings, NULL, w->dres, tokens, B, T, D);
}
