/* bert.c — BERT's forward and backward passes, its masked-token helper, and the two pieces nn/layers.c
 * does not have: the exact (erf) GELU and attention with a padding mask (see bert.h). */
#include "models/bert.h"

/* before cblas.h, which brings complex.h's macro I (recurrent.h names a parameter I) */
#include "nn/recurrent.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "nn/layers.h"
#include "nn/vmath.h"

/* ---- configuration and parameters ---------------------------------------------------- */

int bert_config_ok(const BertConfig *c)
{
    return c && c->V > 0 && c->C > 0 && c->D > 0 && c->L > 0 && c->H > 0 && c->F > 0 && c->types > 0 &&
           c->D % c->H == 0;
}

size_t bert_nparams(const BertConfig *c)
{
    if (!bert_config_ok(c)) return 0;
    size_t V = (size_t)c->V, D = (size_t)c->D, F = (size_t)c->F;
    return V * D + (size_t)c->C * D + (size_t)c->types * D + 2 * D + (size_t)c->L * (4 * D * D + 2 * D * F + 9 * D + F) +
           (D * D + D) + V + (D * D + 3 * D) + (2 * D + 2);
}

enum { HEAD_FIRST = 5, PER_LAYER = 16, TAIL = 9 };

int bert_ntensors(const BertConfig *c)
{
    return HEAD_FIRST + PER_LAYER * c->L + TAIL;
}

/* A tensor's place: its name (with %d for the layer), rows and cols in units given by the codes
 * below, and where its pointer lives. Codes: 'V' V, 'C' C, 'T' types, 'D' D, 'F' F, '2' 2,
 * '1' 1. The order is the memory order (query, key, value weights together, then the biases:
 * bert.h). */
typedef struct {
    const char *name;
    char r, c;
} Spec;

static const Spec emb_spec[HEAD_FIRST] = {
    {"bert.embeddings.word_embeddings.weight", 'V', 'D'},
    {"bert.embeddings.position_embeddings.weight", 'C', 'D'},
    {"bert.embeddings.token_type_embeddings.weight", 'T', 'D'},
    {"bert.embeddings.LayerNorm.weight", 'D', '1'},
    {"bert.embeddings.LayerNorm.bias", 'D', '1'},
};
static const Spec layer_spec[PER_LAYER] = {
    {"attention.self.query.weight", 'D', 'D'},     {"attention.self.key.weight", 'D', 'D'},
    {"attention.self.value.weight", 'D', 'D'},     {"attention.self.query.bias", 'D', '1'},
    {"attention.self.key.bias", 'D', '1'},         {"attention.self.value.bias", 'D', '1'},
    {"attention.output.dense.weight", 'D', 'D'},   {"attention.output.dense.bias", 'D', '1'},
    {"attention.output.LayerNorm.weight", 'D', '1'}, {"attention.output.LayerNorm.bias", 'D', '1'},
    {"intermediate.dense.weight", 'F', 'D'},       {"intermediate.dense.bias", 'F', '1'},
    {"output.dense.weight", 'D', 'F'},             {"output.dense.bias", 'D', '1'},
    {"output.LayerNorm.weight", 'D', '1'},         {"output.LayerNorm.bias", 'D', '1'},
};
static const Spec tail_spec[TAIL] = {
    {"bert.pooler.dense.weight", 'D', 'D'},
    {"bert.pooler.dense.bias", 'D', '1'},
    {"cls.predictions.bias", 'V', '1'},
    {"cls.predictions.transform.dense.weight", 'D', 'D'},
    {"cls.predictions.transform.dense.bias", 'D', '1'},
    {"cls.predictions.transform.LayerNorm.weight", 'D', '1'},
    {"cls.predictions.transform.LayerNorm.bias", 'D', '1'},
    {"cls.seq_relationship.weight", '2', 'D'},
    {"cls.seq_relationship.bias", '2', '1'},
};

static int dim(const BertConfig *c, char code)
{
    switch (code) {
    case 'V': return c->V;
    case 'C': return c->C;
    case 'T': return c->types;
    case 'D': return c->D;
    case 'F': return c->F;
    case '2': return 2;
    default: return 1;
    }
}

/* The pointer slot of tensor i, in bert_tensor's order (layer l = (i − 5) / 16); NULL for the
 * tensors reached through another's pointer. */
static float **slot(Bert *b, int i)
{
    int nt = bert_ntensors(&b->cfg);
    if (i < HEAD_FIRST) {
        float **s[HEAD_FIRST] = {&b->word, &b->pos, &b->type, &b->eln_w, &b->eln_b};
        return s[i];
    }
    if (i >= nt - TAIL) {
        float **s[TAIL] = {&b->pool_w, &b->pool_b, &b->mlm_bias, &b->tr_w, &b->tr_b,
                           &b->trln_w, &b->trln_b, &b->nsp_w, &b->nsp_b};
        return s[i - (nt - TAIL)];
    }
    BertLayer *y = &b->layer[(i - HEAD_FIRST) / PER_LAYER];
    /* the key and value weights and biases have no pointers of their own (NULL): they follow query's */
    float **s[PER_LAYER] = {&y->qkv_w, NULL,     NULL,     &y->qkv_b, NULL,     NULL,     &y->ao_w, &y->ao_b,
                            &y->ln1_w, &y->ln1_b, &y->fi_w, &y->fi_b, &y->fo_w, &y->fo_b, &y->ln2_w, &y->ln2_b};
    return s[(i - HEAD_FIRST) % PER_LAYER];
}

static const Spec *spec(const BertConfig *c, int i)
{
    int nt = bert_ntensors(c);
    if (i < HEAD_FIRST) return &emb_spec[i];
    if (i >= nt - TAIL) return &tail_spec[i - (nt - TAIL)];
    return &layer_spec[(i - HEAD_FIRST) % PER_LAYER];
}

static void bert_wire(Bert *b)
{
    float *p = b->mem;
    for (int i = 0; i < bert_ntensors(&b->cfg); i++) {
        const Spec *s = spec(&b->cfg, i);
        float **sl = slot(b, i);
        if (sl) *sl = p;
        p += (size_t)dim(&b->cfg, s->r) * (size_t)dim(&b->cfg, s->c);
    }
}

int bert_alloc(Bert *b, const BertConfig *cfg)
{
    memset(b, 0, sizeof *b);
    if (!bert_config_ok(cfg)) return -1;
    b->cfg = *cfg;
    b->n = bert_nparams(cfg);
    b->mem = calloc(b->n, sizeof *b->mem);
    b->layer = calloc((size_t)cfg->L, sizeof *b->layer);
    if (!b->mem || !b->layer) {
        bert_free(b);
        return -1;
    }
    bert_wire(b);
    return 0;
}

void bert_free(Bert *b)
{
    free(b->mem);
    free(b->layer);
    memset(b, 0, sizeof *b);
}

void bert_zero(Bert *b)
{
    if (b->mem) memset(b->mem, 0, b->n * sizeof *b->mem);
}

float *bert_tensor(const Bert *b, int i, char *name, size_t cap, size_t *n, int *rows, int *cols)
{
    const BertConfig *c = &b->cfg;
    if (i < 0 || i >= bert_ntensors(c)) return NULL;
    const Spec *s = spec(c, i);
    /* walk the memory order up to i (the tensors are few; no table to keep in step) */
    float *p = b->mem;
    for (int j = 0; j < i; j++) {
        const Spec *t = spec(c, j);
        p += (size_t)dim(c, t->r) * (size_t)dim(c, t->c);
    }
    int r = dim(c, s->r), k = dim(c, s->c);
    if (name && cap) {
        if (i >= HEAD_FIRST && i < bert_ntensors(c) - TAIL)
            snprintf(name, cap, "bert.encoder.layer.%d.%s", (i - HEAD_FIRST) / PER_LAYER, s->name);
        else
            snprintf(name, cap, "%s", s->name);
    }
    if (n) *n = (size_t)r * (size_t)k;
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

/* N(0, std²) by Box–Muller (two uniforms give two independent normals). */
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

void bert_init(Bert *b, uint64_t seed)
{
    uint64_t r = seed * 0x9E3779B97F4A7C15ULL + 11;
    char name[96];
    size_t n;
    int cols;
    /* by name: a layernorm's weight is γ = 1; every other vector is a bias (0); matrices and
     * embeddings are drawn */
    for (int i = 0; i < bert_ntensors(&b->cfg); i++) {
        float *p = bert_tensor(b, i, name, sizeof name, &n, NULL, &cols);
        if (cols > 1)
            fill_normal(p, n, 0.02f, &r);
        else
            for (size_t j = 0; j < n; j++) p[j] = strstr(name, "LayerNorm.weight") ? 1.0f : 0.0f;
    }
}

/* ---- work ------------------------------------------------------------------------------- */

static size_t work_wire(BertWork *w, float *mem, const BertConfig *c, int B, int T)
{
    size_t N = (size_t)B * (size_t)T, D = (size_t)c->D, V = (size_t)c->V, F = (size_t)c->F;
    size_t att = (size_t)B * (size_t)c->H * (size_t)T * (size_t)T, off = 0;
#define TAKE(ptr, count) do { if (mem) (ptr) = (void *)(mem + off); off += ((size_t)(count) + 15) / 16 * 16; } while (0)
    TAKE(w->emb, N * D);
    TAKE(w->emb_mean, N);
    TAKE(w->emb_rstd, N);
    for (int l = 0; l < c->L; l++) {
        TAKE(w->res[l], N * D);
        TAKE(w->qkv[l], 3 * N * D);
        TAKE(w->att[l], att);
        TAKE(w->atty[l], N * D);
        TAKE(w->s1[l], N * D);
        TAKE(w->s1_mean[l], N);
        TAKE(w->s1_rstd[l], N);
        TAKE(w->h1[l], N * D);
        TAKE(w->fi[l], N * F);
        TAKE(w->fig[l], N * F);
        TAKE(w->s2[l], N * D);
        TAKE(w->s2_mean[l], N);
        TAKE(w->s2_rstd[l], N);
    }
    TAKE(w->res[c->L], N * D);
    TAKE(w->pool, (size_t)B * D);
    TAKE(w->nsp_logits, 2 * (size_t)B);
    TAKE(w->nsp_probs, 2 * (size_t)B);
    TAKE(w->tr, N * D);
    TAKE(w->trg, N * D);
    TAKE(w->tr_mean, N);
    TAKE(w->tr_rstd, N);
    TAKE(w->trl, N * D);
    TAKE(w->mlm_x, N * D);
    TAKE(w->mlm_rows, N);
    TAKE(w->mlm_tgt, N);
    TAKE(w->logits, N * V);
    TAKE(w->probs, N * V);
    float **nd[] = {&w->dres, &w->dres2, &w->ds, &w->dh, &w->dbr, &w->datty, &w->dtr};
    for (size_t i = 0; i < sizeof nd / sizeof nd[0]; i++) TAKE(*nd[i], N * D);
    TAKE(w->dqkv, 3 * N * D);
    TAKE(w->dfi, N * F);
    TAKE(w->dlogits, N * V);
    TAKE(w->dpool, (size_t)B * D);
    TAKE(w->dnsp, 2 * (size_t)B);
    TAKE(w->scratch, BERT_THREADS * BERT_ATTN_SCRATCH(T));
#undef TAKE
    return off;
}

#define WORK_LISTS(w)                                                                                              \
    {&(w)->res, &(w)->qkv, &(w)->att, &(w)->atty, &(w)->s1, &(w)->s1_mean, &(w)->s1_rstd, &(w)->h1, &(w)->fi,   \
     &(w)->fig, &(w)->s2, &(w)->s2_mean, &(w)->s2_rstd}

int bert_work_alloc(BertWork *w, const BertConfig *c, int B, int T)
{
    memset(w, 0, sizeof *w);
    if (!bert_config_ok(c) || B <= 0 || T <= 0 || T > c->C) return -1;
    float ***lists[] = WORK_LISTS(w);
    if (work_lists_alloc(lists, sizeof lists / sizeof lists[0], c->L + 1, &w->mem, work_wire(w, NULL, c, B, T))) {
        memset(w, 0, sizeof *w);
        return -1;
    }
    work_wire(w, w->mem, c, B, T);
    w->B = B;
    w->T = T;
    w->threads = 1;
    return 0;
}

void bert_work_free(BertWork *w)
{
    float ***lists[] = WORK_LISTS(w);
    work_lists_free(lists, sizeof lists / sizeof lists[0], &w->mem);
    memset(w, 0, sizeof *w);
}

/* ---- exact GELU and layernorm with BERT's ε ---------------------------------------------- */

/* Φ(x), the standard normal CDF, and φ(x), its density, written so that a loop of them runs in
 * vector registers (libm's erff costs a call per number). Φ(x) = ½ erfc(−x/√2); for z = |x|/√2,
 * erfc(z) ≈ t(a1 + t(a2 + t(a3 + t(a4 + t a5))))·e^(−z²), t = 1/(1 + p z) (Abramowitz and Stegun
 * 7.1.26: within 1.5·10⁻⁷ of erf everywhere, about one unit in the last place of a float), and
 * e^(−z²) = e^(−x²/2) is also what φ needs. For x < 0 the tail ½ erfc(z) is used as it is, not as
 * 1 − something: no cancellation. */
static inline float norm_cdf(float x, float *pdf)
{
    float a = x < 0 ? -x : x, z = a * 0.70710678118654752f;
    float t = 1.0f / (1.0f + 0.3275911f * z);
    float poly = t * (0.254829592f + t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f + t * 1.061405429f))));
    float e = vexp(-z * z);
    float tail = 0.5f * poly * e;                          /* Φ(−|x|) */
    *pdf = 0.39894228040143268f * e;                       /* e^(−x²/2)/√(2π) */
    return x < 0 ? tail : 1.0f - tail;
}

VMATH_CLONES void bert_gelu_forward(float *Y, const float *X, int n)
{
#pragma omp simd
    for (int i = 0; i < n; i++) {
        float x = X[i], pdf;
        Y[i] = x * norm_cdf(x, &pdf);
    }
}

VMATH_CLONES void bert_gelu_backward(float *dX, const float *dY, const float *X, int n)
{
    /* y = x Φ(x): y′ = Φ(x) + x φ(x). dX may be dY: each value reads only its own. */
#pragma omp simd
    for (int i = 0; i < n; i++) {
        float x = X[i], pdf;
        float cdf = norm_cdf(x, &pdf);
        dX[i] = dY[i] * (cdf + x * pdf);
    }
}

VMATH_CLONES void bert_layernorm_forward(float *Y, float *mean, float *rstd, const float *X, const float *gamma,
                                         const float *beta, int N, int D, float eps)
{
    for (int n = 0; n < N; n++) {
        const float *x = X + (size_t)n * D;
        float *y = Y + (size_t)n * D;
        double m = 0, v = 0;
#pragma omp simd reduction(+ : m)
        for (int d = 0; d < D; d++) m += x[d];
        m /= D;
#pragma omp simd reduction(+ : v)
        for (int d = 0; d < D; d++) v += (x[d] - m) * (x[d] - m);   /* two passes: no cancellation */
        v /= D;
        float r = (float)(1.0 / sqrt(v + eps)), mf = (float)m;
#pragma omp simd
        for (int d = 0; d < D; d++) y[d] = ((x[d] - mf) * r) * gamma[d] + beta[d];
        mean[n] = mf;
        rstd[n] = r;
    }
}

/* ---- attention with a key padding mask ------------------------------------------------------ */

/* Row t of P from its scores (in place): softmax over the valid keys, the others exactly 0 (the
 * naive twin's, libm's expf one value at a time). */
static void masked_softmax_row(float *p, const uint8_t *valid, int T)
{
    float mx = -INFINITY;
    for (int j = 0; j < T; j++)
        if (!valid || valid[j]) mx = p[j] > mx ? p[j] : mx;
    if (mx == -INFINITY) {                  /* no valid key at all: nothing to attend to */
        for (int j = 0; j < T; j++) p[j] = 0;
        return;
    }
    double s = 0;
    for (int j = 0; j < T; j++) {
        p[j] = (!valid || valid[j]) ? expf(p[j] - mx) : 0.0f;
        s += p[j];
    }
    float inv = (float)(1.0 / s);
    for (int j = 0; j < T; j++) p[j] *= inv;
}

/* The same for the T rows of one (sequence, head), in vector registers: the mask is a select, not
 * a branch (a padded key's exp is computed and thrown away). */
VMATH_CLONES static void masked_softmax_rows(float *P, const uint8_t *valid, int T)
{
    for (int t = 0; t < T; t++) {
        float *p = P + (size_t)t * T, mx = -INFINITY;
        if (valid) {
#pragma omp simd reduction(max : mx)
            for (int j = 0; j < T; j++) mx = valid[j] && p[j] > mx ? p[j] : mx;
        } else {
#pragma omp simd reduction(max : mx)
            for (int j = 0; j < T; j++) mx = p[j] > mx ? p[j] : mx;
        }
        if (mx == -INFINITY) {              /* no valid key at all: nothing to attend to */
            memset(p, 0, (size_t)T * sizeof *p);
            continue;
        }
        double s = 0;
        if (valid) {
#pragma omp simd reduction(+ : s)
            for (int j = 0; j < T; j++) {
                float e = vexp(p[j] - mx);
                e = valid[j] ? e : 0.0f;
                p[j] = e;
                s += e;
            }
        } else {
#pragma omp simd reduction(+ : s)
            for (int j = 0; j < T; j++) {
                float e = vexp(p[j] - mx);
                p[j] = e;
                s += e;
            }
        }
        float inv = (float)(1.0 / s);
#pragma omp simd
        for (int j = 0; j < T; j++) p[j] *= inv;
    }
}

/* dS = P ⊙ (dP − rowsum(dP ⊙ P)) · scale, in place over dP (T × T): the softmax's Jacobian row by
 * row (∂p_j/∂s_i = p_j (δ_ij − p_i)), then the 1/√hs of S = QKᵀ/√hs. */
VMATH_CLONES static void dprobs_to_dscores(float *dP, const float *P, int T, float scale)
{
    for (int t = 0; t < T; t++) {
        float *d = dP + (size_t)t * T;
        const float *p = P + (size_t)t * T;
        double s = 0;
#pragma omp simd reduction(+ : s)
        for (int j = 0; j < T; j++) s += d[j] * p[j];
        float sf = (float)s;
#pragma omp simd
        for (int j = 0; j < T; j++) d[j] = p[j] * (d[j] - sf) * scale;
    }
}

/* The (sequence, head) pairs bh0 … bh1−1 (bh = b·H + h) of bert_attention_forward: a thread's
 * share. Each pair writes only its own T × T of att and its head's columns of its rows of out. */
static void attn_forward_pairs(float *out, float *att, const float *qkv, const uint8_t *valid, int T, int D, int H,
                               float dropout, uint64_t key, float *scratch, int bh0, int bh1)
{
    int hs = D / H, ld = 3 * D;
    float scale = 1.0f / sqrtf((float)hs);
    for (int bh = bh0; bh < bh1; bh++) {
        int b = bh / H, h = bh % H;
        const float *q = qkv + (size_t)b * T * ld + (size_t)h * hs, *k = q + D, *v = q + 2 * D;
        size_t o = (size_t)bh * (size_t)T * T;
        float *P = att + o;
        /* S = Q Kᵀ / √hs, T × T, straight into att; then each row's masked softmax */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, T, hs, scale, q, ld, k, ld, 0.0f, P, T);
        masked_softmax_rows(P, valid ? valid + (size_t)b * T : NULL, T);
        const float *Pv = P;
        if (dropout > 0) {
            dropout_forward(scratch, P, (size_t)T * T, dropout, key, o);
            Pv = scratch;
        }
        /* O = P V, T × hs, at head h's columns of out (N × D) */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T, hs, T, 1.0f, Pv, T, v, ld, 0.0f,
                    out + (size_t)b * T * D + (size_t)h * hs, D);
    }
}

static void attn_backward_pairs(float *dqkv, const float *dout, const float *qkv, const float *att, int T, int D,
                                int H, float dropout, uint64_t key, float *scratch, int bh0, int bh1)
{
    int hs = D / H, ld = 3 * D;
    float scale = 1.0f / sqrtf((float)hs);
    float *dP = scratch, *Pd = scratch + (size_t)T * T;
    for (int bh = bh0; bh < bh1; bh++) {
        int b = bh / H, h = bh % H;
        size_t row = (size_t)b * T * ld + (size_t)h * hs;
        const float *q = qkv + row, *k = q + D, *v = q + 2 * D;
        float *dq = dqkv + row, *dk = dq + D, *dv = dq + 2 * D;
        const float *dO = dout + (size_t)b * T * D + (size_t)h * hs;
        size_t o = (size_t)bh * (size_t)T * T;
        const float *P = att + o, *Pv = P;
        if (dropout > 0) {
            dropout_forward(Pd, P, (size_t)T * T, dropout, key, o);    /* the P the values saw */
            Pv = Pd;
        }
        /* dV = Pvᵀ dO (T × hs) and dP = dO Vᵀ (T × T) */
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, T, hs, T, 1.0f, Pv, T, dO, D, 0.0f, dv, ld);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, T, hs, 1.0f, dO, D, v, ld, 0.0f, dP, T);
        if (dropout > 0) dropout_backward(dP, dP, (size_t)T * T, dropout, key, o);
        dprobs_to_dscores(dP, P, T, scale);
        /* dQ = dS K, dK = dSᵀ Q */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T, hs, T, 1.0f, dP, T, k, ld, 0.0f, dq, ld);
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, T, hs, T, 1.0f, dP, T, q, ld, 0.0f, dk, ld);
    }
}

void bert_attention_forward(float *out, float *att, const float *qkv, const uint8_t *valid, int B, int T, int D,
                            int H, float dropout, uint64_t key, float *scratch)
{
    float *own = NULL;
    if (!scratch && dropout > 0) scratch = own = tz_malloc(BERT_ATTN_SCRATCH(T) * sizeof *scratch);
    attn_forward_pairs(out, att, qkv, valid, T, D, H, dropout, key, scratch, 0, B * H);
    free(own);
}

void bert_attention_backward(float *dqkv, const float *dout, const float *qkv, const float *att, int B, int T, int D,
                             int H, float dropout, uint64_t key, float *scratch)
{
    float *own = NULL;
    if (!scratch) scratch = own = tz_malloc(BERT_ATTN_SCRATCH(T) * sizeof *scratch);
    attn_backward_pairs(dqkv, dout, qkv, att, T, D, H, dropout, key, scratch, 0, B * H);
    free(own);
}

void bert_attention_forward_naive(float *out, float *att, const float *qkv, const uint8_t *valid, int B, int T,
                                  int D, int H, float dropout, uint64_t key)
{
    int hs = D / H;
    double scale = 1.0 / sqrt((double)hs);
    for (int b = 0; b < B; b++)
        for (int h = 0; h < H; h++)
            for (int t = 0; t < T; t++) {
                size_t o = (((size_t)b * H + h) * T + t) * T;
                float *p = att + o;
                const float *q = qkv + ((size_t)b * T + t) * 3 * D + (size_t)h * hs;
                for (int j = 0; j < T; j++) {
                    const float *k = qkv + ((size_t)b * T + j) * 3 * D + D + (size_t)h * hs;
                    double s = 0;
                    for (int i = 0; i < hs; i++) s += (double)q[i] * k[i];
                    p[j] = (float)(s * scale);
                }
                masked_softmax_row(p, valid ? valid + (size_t)b * T : NULL, T);
                float *y = out + ((size_t)b * T + t) * D + (size_t)h * hs;
                for (int i = 0; i < hs; i++) {
                    double s = 0;
                    for (int j = 0; j < T; j++) {
                        float pj = p[j];
                        if (dropout > 0) pj = dropout_keep(key, o + (size_t)j, dropout) ? pj / (1.0f - dropout) : 0;
                        s += (double)pj * qkv[((size_t)b * T + j) * 3 * D + 2 * D + (size_t)h * hs + i];
                    }
                    y[i] = (float)s;
                }
            }
}

void bert_attention_backward_naive(float *dqkv, const float *dout, const float *qkv, const float *att, int B, int T,
                                   int D, int H, float dropout, uint64_t key)
{
    int hs = D / H;
    double scale = 1.0 / sqrt((double)hs);
    double *dS = malloc((size_t)T * sizeof *dS);
    for (int b = 0; b < B; b++)
        for (int h = 0; h < H; h++) {
            /* q, k, v, dq, dk, dv of token j: row b·T + j, head h's columns of each third */
#define AT(base, j, part) ((base) + ((size_t)b * T + (j)) * 3 * D + (part) * D + (size_t)h * hs)
            for (int j = 0; j < T; j++)
                for (int part = 0; part < 3; part++)
                    for (int i = 0; i < hs; i++) AT(dqkv, j, part)[i] = 0;
            for (int t = 0; t < T; t++) {
                size_t o = (((size_t)b * H + h) * T + t) * T;
                const float *p = att + o, *dO = dout + ((size_t)b * T + t) * D + (size_t)h * hs;
                double dot = 0;
                for (int j = 0; j < T; j++) {
                    double m = 1;
                    if (dropout > 0) m = dropout_keep(key, o + (size_t)j, dropout) ? 1.0 / (1.0 - dropout) : 0;
                    double dp = 0;
                    const float *v = AT(qkv, j, 2);
                    float *dv = AT(dqkv, j, 2);
                    for (int i = 0; i < hs; i++) {
                        dp += (double)dO[i] * v[i];
                        dv[i] += (float)(p[j] * m * dO[i]);
                    }
                    dS[j] = dp * m;
                    dot += dS[j] * p[j];
                }
                for (int j = 0; j < T; j++) dS[j] = p[j] * (dS[j] - dot) * scale;
                const float *q = AT(qkv, t, 0);
                float *dq = AT(dqkv, t, 0);
                for (int j = 0; j < T; j++) {
                    const float *k = AT(qkv, j, 1);
                    float *dk = AT(dqkv, j, 1);
                    for (int i = 0; i < hs; i++) {
                        dq[i] += (float)(dS[j] * k[i]);
                        dk[i] += (float)(dS[j] * q[i]);
                    }
                }
            }
#undef AT
        }
    free(dS);
}

/* ---- the passes ------------------------------------------------------------------------------
 * A pass is a sequence of team jobs (cell_team_run, nn/recurrent.h: the engine's one team of
 * threads, OpenBLAS single-threaded inside it); each job splits its work between the threads and
 * the next starts when all have finished (the only meeting point). Every value has exactly one
 * writer, so the numbers do not depend on the timing: rows of the activations go to the thread
 * that owns the row, attention's (sequence, head) pairs to the thread that owns the pair, and a
 * parameter's gradient — a sum over all N rows — to the thread that owns that parameter's rows
 * (or columns), which sums all N rows itself, so nothing needs adding up across threads. The
 * loss is each thread's sum of its rows, added up in thread order at the end: the same count of
 * threads gives the same bits every time; another count agrees to float rounding.
 *   forward, per layer: attention (pairs), then the rest of the layer and the next layer's q, k, v
 *     (rows); after the embeddings (rows) and before the heads: the MLM head's rows (NSP's B rows
 *     are few: the caller does them);
 *   backward: the MLM head's rows, then its parameters; per layer (from the top): the
 *     feed-forward half and the attention output back to the attention (rows), attention (pairs)
 *     together with the half's parameters, then q, k, v back to the layer's input (rows) together
 *     with their weights; the embeddings (rows, then columns). */

/* Dropout's places: the embeddings (site 0) and, per layer, the attention probabilities and the
 * two branches. */
enum { DROP_ATT, DROP_AO, DROP_FO };
static uint64_t drop_key(const BertWork *w, int l, int what)
{
    return dropout_key(w->drop_seed, l < 0 ? 0 : 1 + 3 * (uint64_t)l + (uint64_t)what);
}

VMATH_CLONES static void add_rows(float *restrict y, const float *restrict x, size_t n)
{
#pragma omp simd
    for (size_t i = 0; i < n; i++) y[i] += x[i];
}

typedef struct {
    const Bert *m;
    Bert *g;
    BertWork *w;
    const int32_t *tokens, *types;
    const uint8_t *valid;
    int B, T, N, M, l;
    int targets;                    /* the MLM head has targets (forward: compute its loss) */
    float p;                        /* dropout */
    double loss[BERT_THREADS];      /* each thread's sum of −log p[target] over its MLM rows */
} Pass;

static void pass_init(Pass *p, const Bert *m, Bert *g, BertWork *w, const int32_t *tokens, const int32_t *types,
                      const uint8_t *valid, int B, int T)
{
    memset(p, 0, sizeof *p);
    p->m = m;
    p->g = g;
    p->w = w;
    p->tokens = tokens;
    p->types = types;
    p->valid = valid;
    p->B = B;
    p->T = T;
    p->N = B * T;
    p->M = w->mlm_n;
    p->p = w->dropout > 0 ? w->dropout : 0;
}

/* Part tid of nth of n items: [*a, *b). With align > 1 the cuts fall on multiples of it (columns
 * of a row: no two threads writing one cache line). */
static void share(int n, int tid, int nth, int align, int *a, int *b)
{
    int units = (n + align - 1) / align;
    *a = (int)((long)units * tid / nth) * align;
    *b = (int)((long)units * (tid + 1) / nth) * align;
    if (*a > n) *a = n;
    if (*b > n) *b = n;
}

/* One team job: w->threads of them (0: the team's size), or the caller alone when the batch is
 * too small to be worth waking the team (a job costs a few microseconds to start: the tests, one
 * sentence looked at in the REPL) or threads = 1. */
static void team(Pass *p, void (*fn)(void *, int, int))
{
    int want = p->w->threads;
    if (want == 1 || (size_t)p->N * (size_t)p->m->cfg.D < 16384) {
        fn(p, 0, 1);
        return;
    }
    cell_team_run(fn, p, want > BERT_THREADS ? BERT_THREADS : want);
}

/* fn over this thread's share of the n rows. */
static void by_rows(Pass *p, int n, int tid, int nth, void (*fn)(Pass *, int, int, int))
{
    int r0, r1;
    share(n, tid, nth, 1, &r0, &r1);
    if (r1 > r0) fn(p, tid, r0, r1);
}

/* ---- forward --------------------------------------------------------------------------- */

/* Layer l's q, k, v for rows r0 … r1−1, one product: [q | k | v] = x W_qkvᵀ + b. */
static void qkv_rows(Pass *p, int l, int r0, int r1)
{
    const BertLayer *k = &p->m->layer[l];
    size_t D = (size_t)p->m->cfg.D;
    linear_forward(p->w->qkv[l] + 3 * D * r0, p->w->res[l] + D * r0, k->qkv_w, k->qkv_b, r1 - r0, (int)D, 3 * (int)D);
}

/* The embeddings of rows r0 … r1−1 — what the token is, where it stands (the position restarts
 * with each sequence), which sentence it belongs to — then their layernorm, dropout, and layer
 * 0's q, k, v. */
static void start_rows(Pass *p, int tid, int r0, int r1)
{
    (void)tid;
    const Bert *m = p->m;
    BertWork *w = p->w;
    int D = m->cfg.D;
    for (int n = r0; n < r1;) {
        int t = n % p->T, len = p->T - t < r1 - n ? p->T - t : r1 - n;
        embedding_forward(w->emb + (size_t)n * D, p->tokens + n, m->word, m->pos + (size_t)t * D, 1, len, D);
        n += len;
    }
    for (int n = r0; n < r1; n++)
        add_rows(w->emb + (size_t)n * D, m->type + (size_t)(p->types ? p->types[n] : 0) * D, (size_t)D);
    size_t o = (size_t)r0 * D;
    bert_layernorm_forward(w->res[0] + o, w->emb_mean + r0, w->emb_rstd + r0, w->emb + o, m->eln_w, m->eln_b, r1 - r0,
                           D, BERT_LN_EPS);
    if (p->p > 0) dropout_forward(w->res[0] + o, w->res[0] + o, (size_t)(r1 - r0) * D, p->p, drop_key(w, -1, 0), o);
    qkv_rows(p, 0, r0, r1);
}

static void fwd_start(void *arg, int tid, int nth) { by_rows(arg, ((Pass *)arg)->N, tid, nth, start_rows); }

/* Layer l's attention, this thread's (sequence, head) pairs: every token against every valid key
 * of its own sequence. */
static void fwd_attention(void *arg, int tid, int nth)
{
    Pass *p = arg;
    const BertConfig *c = &p->m->cfg;
    BertWork *w = p->w;
    int a, b;
    share(p->B * c->H, tid, nth, 1, &a, &b);
    if (b > a)
        attn_forward_pairs(w->atty[p->l], w->att[p->l], w->qkv[p->l], p->valid, p->T, c->D, c->H, p->p,
                           drop_key(w, p->l, DROP_ATT), w->scratch + (size_t)tid * BERT_ATTN_SCRATCH(p->T), a, b);
}

/* The rest of layer l for rows r0 … r1−1, then the next layer's q, k, v. */
static void rest_rows(Pass *p, int tid, int r0, int r1)
{
    (void)tid;
    const BertConfig *c = &p->m->cfg;
    BertWork *w = p->w;
    const BertLayer *k = &p->m->layer[p->l];
    int l = p->l, D = c->D, F = c->F, n = r1 - r0;
    size_t o = (size_t)r0 * D, of = (size_t)r0 * F, nd = (size_t)n * D;
    /* attention half: s1 = x + drop(dense(attention(q, k, v))), h1 = LN(s1) */
    linear_forward(w->s1[l] + o, w->atty[l] + o, k->ao_w, k->ao_b, n, D, D);
    if (p->p > 0) dropout_forward(w->s1[l] + o, w->s1[l] + o, nd, p->p, drop_key(w, l, DROP_AO), o);
    add_rows(w->s1[l] + o, w->res[l] + o, nd);
    bert_layernorm_forward(w->h1[l] + o, w->s1_mean[l] + r0, w->s1_rstd[l] + r0, w->s1[l] + o, k->ln1_w, k->ln1_b, n,
                           D, BERT_LN_EPS);
    /* feed-forward half: s2 = h1 + drop(output(gelu(intermediate(h1)))), x = LN(s2) */
    linear_forward(w->fi[l] + of, w->h1[l] + o, k->fi_w, k->fi_b, n, D, F);
    bert_gelu_forward(w->fig[l] + of, w->fi[l] + of, n * F);
    linear_forward(w->s2[l] + o, w->fig[l] + of, k->fo_w, k->fo_b, n, F, D);
    if (p->p > 0) dropout_forward(w->s2[l] + o, w->s2[l] + o, nd, p->p, drop_key(w, l, DROP_FO), o);
    add_rows(w->s2[l] + o, w->h1[l] + o, nd);
    bert_layernorm_forward(w->res[l + 1] + o, w->s2_mean[l] + r0, w->s2_rstd[l] + r0, w->s2[l] + o, k->ln2_w,
                           k->ln2_b, n, D, BERT_LN_EPS);
    if (l + 1 < c->L) qkv_rows(p, l + 1, r0, r1);
}

static void fwd_rest(void *arg, int tid, int nth) { by_rows(arg, ((Pass *)arg)->N, tid, nth, rest_rows); }

/* The MLM head for its rows i0 … i1−1 (of M): gathered from the top layer, transform, GELU,
 * layernorm, the tied decoder; with targets, their cross-entropy (this thread's sum). */
static void mlm_rows(Pass *p, int tid, int i0, int i1)
{
    const Bert *m = p->m;
    BertWork *w = p->w;
    int D = m->cfg.D, V = m->cfg.V, n = i1 - i0;
    const float *x = w->res[m->cfg.L];
    size_t o = (size_t)i0 * D, ov = (size_t)i0 * V;
    for (int i = i0; i < i1; i++)
        memcpy(w->mlm_x + (size_t)i * D, x + (size_t)w->mlm_rows[i] * D, (size_t)D * sizeof *x);
    linear_forward(w->tr + o, w->mlm_x + o, m->tr_w, m->tr_b, n, D, D);
    bert_gelu_forward(w->trg + o, w->tr + o, n * D);
    bert_layernorm_forward(w->trl + o, w->tr_mean + i0, w->tr_rstd + i0, w->trg + o, m->trln_w, m->trln_b, n, D,
                           BERT_LN_EPS);
    linear_forward(w->logits + ov, w->trl + o, m->word, m->mlm_bias, n, D, V);
    if (p->targets) p->loss[tid] = crossentropy_forward_sum(w->probs + ov, w->logits + ov, w->mlm_tgt + i0, n, V, NULL);
}

static void fwd_mlm(void *arg, int tid, int nth) { by_rows(arg, ((Pass *)arg)->M, tid, nth, mlm_rows); }

double bert_forward(const Bert *m, BertWork *w, const int32_t *tokens, const int32_t *types, const uint8_t *valid,
                    const int32_t *mlm_targets, const int32_t *nsp_labels, int B, int T)
{
    const BertConfig *c = &m->cfg;
    int D = c->D, N = B * T;
    Pass p;
    pass_init(&p, m, NULL, w, tokens, types, valid, B, T);

    team(&p, fwd_start);                    /* embeddings, their LN; layer 0's q, k, v */
    for (p.l = 0; p.l < c->L; p.l++) {
        team(&p, fwd_attention);            /* layer l's attention */
        team(&p, fwd_rest);                 /* the rest of layer l, the next one's q, k, v */
    }
    const float *x = w->res[c->L];

    /* NSP: the [CLS] row of each sequence (row b·T: a stride of T·D) through the pooler and tanh,
     * pooled = tanh(x[CLS] W_poolᵀ + b), then the classifier */
    for (int b = 0; b < B; b++) memcpy(w->pool + (size_t)b * D, m->pool_b, (size_t)D * sizeof *w->pool);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, D, D, 1.0f, x, T * D, m->pool_w, D, 1.0f, w->pool, D);
    for (int i = 0; i < B * D; i++) w->pool[i] = tanhf(w->pool[i]);
    linear_forward(w->nsp_logits, w->pool, m->nsp_w, m->nsp_b, B, D, 2);

    /* MLM: only the rows asked about go through the transform and the tied decoder. With targets
     * those are the masked positions (15% of the tokens: the head's V-wide product is most of a
     * pre-training step's work, so the other 85% would be wasted); without targets every row, or
     * none with skip_mlm. The chosen rows are gathered into mlm_x, M × D, in row order. */
    int M = 0;
    if (mlm_targets) {
        for (int n = 0; n < N; n++)
            if (mlm_targets[n] != TZ_IGNORE) w->mlm_rows[M] = n, w->mlm_tgt[M] = mlm_targets[n], M++;
    } else if (!w->skip_mlm) {
        for (int n = 0; n < N; n++) w->mlm_rows[M++] = n;
    }
    w->mlm_n = p.M = M;
    p.targets = mlm_targets != NULL;
    if (M > 0) team(&p, fwd_mlm);

    w->mlm_loss = w->nsp_loss = 0;
    w->mlm_count = 0;
    if (mlm_targets && M > 0) {
        double sum = 0;
        for (int t = 0; t < BERT_THREADS; t++) sum += p.loss[t];
        w->mlm_loss = (float)(sum / M);
        w->mlm_count = M;
    }
    if (nsp_labels) w->nsp_loss = crossentropy_forward(w->nsp_probs, w->nsp_logits, nsp_labels, B, 2);
    return (double)w->mlm_loss + (double)w->nsp_loss;
}

/* ---- backward -------------------------------------------------------------------------- */

/* The MLM head's rows i0 … i1−1 back from the loss to the rows of the top layer (dh, M × D):
 * dlogits, then through the decoder (dtr: the gradient of the layernorm's output), the layernorm
 * and GELU (ds: of the transform's output) and the transform. */
static void mlm_back_rows(Pass *p, int tid, int i0, int i1)
{
    (void)tid;
    const Bert *m = p->m;
    BertWork *w = p->w;
    int D = m->cfg.D, V = m->cfg.V, n = i1 - i0;
    size_t o = (size_t)i0 * D, ov = (size_t)i0 * V;
    crossentropy_backward_of(w->dlogits + ov, w->probs + ov, w->mlm_tgt + i0, n, V, p->M);
    linear_backward_dx(w->dtr + o, w->dlogits + ov, m->word, n, D, V);
    layernorm_backward_dx(w->ds + o, w->dtr + o, w->trg + o, w->tr_mean + i0, w->tr_rstd + i0, m->trln_w, n, D);
    bert_gelu_backward(w->ds + o, w->ds + o, w->tr + o, n * D);                     /* in place: elementwise */
    linear_backward_dx(w->dh + o, w->ds + o, m->tr_w, n, D, D);
}

static void bwd_mlm(void *arg, int tid, int nth) { by_rows(arg, ((Pass *)arg)->M, tid, nth, mlm_back_rows); }

/* The gradient of the top layer's output, this thread's rows of it: 0, or a head row's gradient
 * (each row is at most one of the head's rows); with `head`, also the head's parameters, split
 * by their rows: the decoder's V rows of word (the tied use: the whole V × D matrix) and the bias,
 * the layernorm's and the transform's D. */
static void top_grad(Pass *p, int tid, int nth, int head)
{
    const Bert *m = p->m;
    Bert *g = p->g;
    BertWork *w = p->w;
    int D = m->cfg.D, V = m->cfg.V, M = head ? p->M : 0, a, b;
    share(p->N, tid, nth, 1, &a, &b);
    if (b > a) memset(w->dres + (size_t)a * D, 0, (size_t)(b - a) * D * sizeof *w->dres);
    for (int i = 0; i < M; i++)
        if (w->mlm_rows[i] >= a && w->mlm_rows[i] < b)
            memcpy(w->dres + (size_t)w->mlm_rows[i] * D, w->dh + (size_t)i * D, (size_t)D * sizeof *w->dres);
    if (!head) return;
    share(V, tid, nth, 16, &a, &b);
    linear_backward_params(g->word, g->mlm_bias, w->dlogits, w->trl, M, D, V, a, b);
    share(D, tid, nth, 16, &a, &b);
    layernorm_backward_params(g->trln_w, g->trln_b, w->dtr, w->trg, w->tr_mean, w->tr_rstd, M, D, a, b);
    linear_backward_params(g->tr_w, g->tr_b, w->ds, w->mlm_x, M, D, D, a, b);
}

static void bwd_top_head(void *arg, int tid, int nth) { top_grad(arg, tid, nth, 1); }
static void bwd_top_zero(void *arg, int tid, int nth) { top_grad(arg, tid, nth, 0); }

/* The pooler's backward: w->dpool holds the gradient of the pooled output (after tanh); it goes
 * back through tanh and the pooler, ADDED to each sequence's [CLS] row of dres (rows b·T: the
 * products read and write them with a stride of T·D). */
static void pool_backward(const Bert *m, Bert *g, BertWork *w, int B, int T)
{
    int D = m->cfg.D;
    const float *x = w->res[m->cfg.L];
    for (int i = 0; i < B * D; i++) w->dpool[i] *= 1.0f - w->pool[i] * w->pool[i];   /* tanh′ = 1 − y² */
    /* dx[CLS] += dpool W_pool; dW_pool += dpoolᵀ x[CLS]; db_pool += Σ_b dpool */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, D, D, 1.0f, w->dpool, D, m->pool_w, D, 1.0f, w->dres,
                T * D);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, D, D, B, 1.0f, w->dpool, D, x, T * D, 1.0f, g->pool_w, D);
    for (int b = 0; b < B; b++) add_rows(g->pool_b, w->dpool + (size_t)b * D, (size_t)D);
}

/* Layer l, rows r0 … r1−1, from the gradient of its output (dres) back to the attention's output
 * (datty). x = LN(s2), s2 = h1 + drop(output(gelu(intermediate(h1)))), h1 = LN(s1),
 * s1 = x_in + drop(dense(atty)). Kept for the parameters: ds (of s2), dfi (of intermediate's
 * output), dh (of h1), dtr (of s1), and with dropout dbr and dres2 (the branches' gradients
 * through the masks; dres2 is free until the next job writes the layer's input gradient). */
static void layer_back_rows(Pass *p, int tid, int r0, int r1)
{
    (void)tid;
    const BertConfig *c = &p->m->cfg;
    BertWork *w = p->w;
    const BertLayer *k = &p->m->layer[p->l];
    int l = p->l, D = c->D, F = c->F, n = r1 - r0;
    size_t o = (size_t)r0 * D, of = (size_t)r0 * F, nd = (size_t)n * D;
    layernorm_backward_dx(w->ds + o, w->dres + o, w->s2[l] + o, w->s2_mean[l] + r0, w->s2_rstd[l] + r0, k->ln2_w, n,
                          D);
    const float *g2 = w->ds + o;
    if (p->p > 0) {
        dropout_backward(w->dbr + o, w->ds + o, nd, p->p, drop_key(w, l, DROP_FO), o);
        g2 = w->dbr + o;
    }
    linear_backward_dx(w->dfi + of, g2, k->fo_w, n, F, D);
    bert_gelu_backward(w->dfi + of, w->dfi + of, w->fi[l] + of, n * F);
    linear_backward_dx(w->dh + o, w->dfi + of, k->fi_w, n, D, F);
    add_rows(w->dh + o, w->ds + o, nd);                         /* the residual path: the gradient of h1 */
    layernorm_backward_dx(w->dtr + o, w->dh + o, w->s1[l] + o, w->s1_mean[l] + r0, w->s1_rstd[l] + r0, k->ln1_w, n,
                          D);
    const float *g1 = w->dtr + o;
    if (p->p > 0) {
        dropout_backward(w->dres2 + o, w->dtr + o, nd, p->p, drop_key(w, l, DROP_AO), o);
        g1 = w->dres2 + o;
    }
    linear_backward_dx(w->datty + o, g1, k->ao_w, n, D, D);
}

static void bwd_layer(void *arg, int tid, int nth) { by_rows(arg, ((Pass *)arg)->N, tid, nth, layer_back_rows); }

/* Layer l's attention back to q, k, v (this thread's pairs), and the parameters of everything
 * after it in the layer (this thread's rows of each: every one sums over all N token rows). */
static void bwd_attention(void *arg, int tid, int nth)
{
    Pass *p = arg;
    const BertConfig *c = &p->m->cfg;
    BertWork *w = p->w;
    BertLayer *dk = &p->g->layer[p->l];
    int l = p->l, D = c->D, F = c->F, N = p->N, a, b;
    share(p->B * c->H, tid, nth, 1, &a, &b);
    if (b > a)
        attn_backward_pairs(w->dqkv, w->datty, w->qkv[l], w->att[l], p->T, D, c->H, p->p, drop_key(w, l, DROP_ATT),
                            w->scratch + (size_t)tid * BERT_ATTN_SCRATCH(p->T), a, b);
    const float *g2 = p->p > 0 ? w->dbr : w->ds, *g1 = p->p > 0 ? w->dres2 : w->dtr;
    share(D, tid, nth, 1, &a, &b);
    linear_backward_params(dk->fo_w, dk->fo_b, g2, w->fig[l], N, F, D, a, b);
    linear_backward_params(dk->ao_w, dk->ao_b, g1, w->atty[l], N, D, D, a, b);
    share(F, tid, nth, 1, &a, &b);
    linear_backward_params(dk->fi_w, dk->fi_b, w->dfi, w->h1[l], N, D, F, a, b);
    share(D, tid, nth, 16, &a, &b);
    layernorm_backward_params(dk->ln2_w, dk->ln2_b, w->dres, w->s2[l], w->s2_mean[l], w->s2_rstd[l], N, D, a, b);
    layernorm_backward_params(dk->ln1_w, dk->ln1_b, w->dh, w->s1[l], w->s1_mean[l], w->s1_rstd[l], N, D, a, b);
}

/* q, k, v back to layer l's input, rows r0 … r1−1: dres2 = dqkv W_qkv + the residual path's dtr. */
static void enter_back_rows(Pass *p, int tid, int r0, int r1)
{
    (void)tid;
    const BertLayer *k = &p->m->layer[p->l];
    BertWork *w = p->w;
    int D = p->m->cfg.D, n = r1 - r0;
    size_t o = (size_t)r0 * D;
    linear_backward_dx(w->dres2 + o, w->dqkv + 3 * o, k->qkv_w, n, D, 3 * D);
    add_rows(w->dres2 + o, w->dtr + o, (size_t)n * D);
}

/* ... and q, k, v's weights (split by their 3D rows). */
static void bwd_enter(void *arg, int tid, int nth)
{
    Pass *p = arg;
    by_rows(p, p->N, tid, nth, enter_back_rows);
    BertLayer *dk = &p->g->layer[p->l];
    int D = p->m->cfg.D, a, b;
    share(3 * D, tid, nth, 1, &a, &b);
    linear_backward_params(dk->qkv_w, dk->qkv_b, p->w->dqkv, p->w->res[p->l], p->N, D, 3 * D, a, b);
}

/* The embeddings, rows: res[0] = drop(LN(emb)) — through the mask (in place in dres), then the
 * layernorm (ds: the gradient of emb). */
static void emb_back_rows(Pass *p, int tid, int r0, int r1)
{
    (void)tid;
    BertWork *w = p->w;
    int D = p->m->cfg.D, n = r1 - r0;
    size_t o = (size_t)r0 * D;
    if (p->p > 0) dropout_backward(w->dres + o, w->dres + o, (size_t)n * D, p->p, drop_key(w, -1, 0), o);
    layernorm_backward_dx(w->ds + o, w->dres + o, w->emb + o, w->emb_mean + r0, w->emb_rstd + r0, p->m->eln_w, n, D);
}

static void bwd_emb(void *arg, int tid, int nth) { by_rows(arg, ((Pass *)arg)->N, tid, nth, emb_back_rows); }

/* ... and the tables, split by columns: emb[n] = word[token] + pos[t] + type[segment], so each row
 * of ds goes to the three rows it came from (a token seen twice collects both); the columns
 * d0 … d1−1 of every row belong to one thread, so repeated tokens need no locks. Then the
 * layernorm's γ and β, the same columns. */
static void bwd_tables(void *arg, int tid, int nth)
{
    Pass *p = arg;
    Bert *g = p->g;
    BertWork *w = p->w;
    int D = p->m->cfg.D, a, b;
    share(D, tid, nth, 16, &a, &b);
    if (b <= a) return;
    size_t cols = (size_t)(b - a);
    for (int n = 0; n < p->N; n++) {
        const float *d = w->ds + (size_t)n * D + a;
        add_rows(g->word + (size_t)p->tokens[n] * D + a, d, cols);
        add_rows(g->pos + (size_t)(n % p->T) * D + a, d, cols);
        add_rows(g->type + (size_t)(p->types ? p->types[n] : 0) * D + a, d, cols);
    }
    layernorm_backward_params(g->eln_w, g->eln_b, w->dres, w->emb, w->emb_mean, w->emb_rstd, p->N, D, a, b);
}

/* From the gradient of the top layer's output (w->dres, N × D) down through every layer and the
 * embeddings, added into g. */
static void encoder_backward(Pass *p)
{
    BertWork *w = p->w;
    for (p->l = p->m->cfg.L - 1; p->l >= 0; p->l--) {
        team(p, bwd_layer);                 /* the feed-forward half, LN1, back to the attention output */
        team(p, bwd_attention);             /* to q, k, v; the half's parameters */
        team(p, bwd_enter);                 /* to the layer's input (dres2); q, k, v's weights */
        float *t = w->dres;                 /* the layer's input is the output of the one below */
        w->dres = w->dres2;
        w->dres2 = t;
    }
    team(p, bwd_emb);
    team(p, bwd_tables);
}

void bert_backward(const Bert *m, Bert *g, BertWork *w, const int32_t *tokens, const int32_t *types,
                   const uint8_t *valid, const int32_t *mlm_targets, const int32_t *nsp_labels, int B, int T)
{
    int D = m->cfg.D;
    Pass p;
    pass_init(&p, m, g, w, tokens, types, valid, B, T);

    /* MLM head, for the M rows it ran on, back to those rows of the top layer's output */
    if (mlm_targets && p.M > 0) {
        team(&p, bwd_mlm);
        team(&p, bwd_top_head);
    } else {
        team(&p, bwd_top_zero);
    }
    /* NSP head: back through the classifier to the pooled output, then through the pooler */
    if (nsp_labels) {
        crossentropy_backward(w->dnsp, w->nsp_probs, nsp_labels, B, 2);
        linear_backward(w->dpool, g->nsp_w, g->nsp_b, w->dnsp, w->pool, m->nsp_w, B, D, 2);
        pool_backward(m, g, w, B, T);
    }
    encoder_backward(&p);
}

void bert_backward_pooled(const Bert *m, Bert *g, BertWork *w, const int32_t *tokens, const int32_t *types,
                          const float *dpool, int B, int T)
{
    int D = m->cfg.D;
    Pass p;
    pass_init(&p, m, g, w, tokens, types, NULL, B, T);
    team(&p, bwd_top_zero);
    memcpy(w->dpool, dpool, (size_t)B * D * sizeof *dpool);
    pool_backward(m, g, w, B, T);
    encoder_backward(&p);
}

/* ---- masking ------------------------------------------------------------------------------------ */

int bert_mask_tokens(int32_t *tokens, int32_t *targets, const uint8_t *valid, int n, int V, int32_t mask_id,
                     const uint8_t *special, float prob, uint64_t *rng)
{
    int others = 0, chosen = 0;
    for (int v = 0; v < V; v++) others += !special || !special[v];
    for (int i = 0; i < n; i++) {
        targets[i] = TZ_IGNORE;
        int32_t t = tokens[i];
        if ((valid && !valid[i]) || (special && t >= 0 && t < V && special[t])) continue;
        if (lcg_unit(rng) > prob) continue;
        targets[i] = t;
        chosen++;
        double u = lcg_unit(rng);
        if (u <= 0.8) {
            tokens[i] = mask_id;
        } else if (u <= 0.9 && others > 0) {
            /* a uniform non-special token: the r-th of them */
            int r = (int)(lcg_unit(rng) * others - 1e-9);
            for (int v = 0; v < V; v++)
                if (!special || !special[v]) {
                    if (r-- == 0) {
                        tokens[i] = v;
                        break;
                    }
                }
        }
    }
    return chosen;
}
