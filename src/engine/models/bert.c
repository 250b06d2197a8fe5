/* bert.c — BERT's forward and backward passes, its masked-token helper, and the two pieces nn/layers.c
 * does not have: the exact (erf) GELU and attention with a padding mask (see bert.h). */
#include "models/bert.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/layers.h"

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
    TAKE(w->scratch, BERT_ATTN_SCRATCH(T));
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
    int fail = 0;
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        *lists[i] = calloc((size_t)c->L + 1, sizeof(float *));    /* L + 1: res has one more */
        fail |= !*lists[i];
    }
    if (!fail) {
        size_t total = work_wire(w, NULL, c, B, T);
        w->mem = aligned_alloc(64, total * sizeof *w->mem);
        fail = !w->mem;
    }
    if (fail) {
        bert_work_free(w);
        return -1;
    }
    work_wire(w, w->mem, c, B, T);
    w->B = B;
    w->T = T;
    return 0;
}

void bert_work_free(BertWork *w)
{
    float ***lists[] = WORK_LISTS(w);
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) free(*lists[i]);
    free(w->mem);
    memset(w, 0, sizeof *w);
}

/* ---- exact GELU and layernorm with BERT's ε ---------------------------------------------- */

void bert_gelu_forward(float *Y, const float *X, int n)
{
    for (int i = 0; i < n; i++) {
        float x = X[i];
        Y[i] = 0.5f * x * (1.0f + erff(x * 0.70710678118654752f));
    }
}

void bert_gelu_backward(float *dX, const float *dY, const float *X, int n)
{
    /* y = x Φ(x): y′ = Φ(x) + x φ(x), φ(x) = e^(−x²/2)/√(2π) */
    for (int i = 0; i < n; i++) {
        float x = X[i];
        float cdf = 0.5f * (1.0f + erff(x * 0.70710678118654752f));
        float pdf = 0.39894228040143268f * expf(-0.5f * x * x);
        dX[i] = dY[i] * (cdf + x * pdf);
    }
}

void bert_layernorm_forward(float *Y, float *mean, float *rstd, const float *X, const float *gamma,
                            const float *beta, int N, int D, float eps)
{
    for (int n = 0; n < N; n++) {
        const float *x = X + (size_t)n * D;
        float *y = Y + (size_t)n * D;
        double m = 0, v = 0;
        for (int d = 0; d < D; d++) m += x[d];
        m /= D;
        for (int d = 0; d < D; d++) v += (x[d] - m) * (x[d] - m);   /* two passes: no cancellation */
        v /= D;
        float r = (float)(1.0 / sqrt(v + eps)), mf = (float)m;
        for (int d = 0; d < D; d++) y[d] = ((x[d] - mf) * r) * gamma[d] + beta[d];
        mean[n] = mf;
        rstd[n] = r;
    }
}

/* ---- attention with a key padding mask ------------------------------------------------------ */

/* Row t of P from its scores (in place): softmax over the valid keys, the others exactly 0. */
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

void bert_attention_forward(float *out, float *att, const float *qkv, const uint8_t *valid, int B, int T, int D,
                            int H, float dropout, uint64_t key, float *scratch)
{
    int hs = D / H, ld = 3 * D;
    float scale = 1.0f / sqrtf((float)hs);
    float *own = NULL;
    if (!scratch && dropout > 0) scratch = own = malloc(BERT_ATTN_SCRATCH(T) * sizeof *scratch);
    for (int b = 0; b < B; b++)
        for (int h = 0; h < H; h++) {
            const float *q = qkv + (size_t)b * T * ld + (size_t)h * hs, *k = q + D, *v = q + 2 * D;
            size_t o = ((size_t)b * H + h) * (size_t)T * T;
            float *P = att + o;
            /* S = Q Kᵀ / √hs, T × T, straight into att; then each row's masked softmax */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, T, hs, scale, q, ld, k, ld, 0.0f, P, T);
            for (int t = 0; t < T; t++) masked_softmax_row(P + (size_t)t * T, valid ? valid + (size_t)b * T : NULL, T);
            const float *Pv = P;
            if (dropout > 0) {
                dropout_forward(scratch, P, (size_t)T * T, dropout, key, o);
                Pv = scratch;
            }
            /* O = P V, T × hs, at head h's columns of out (N × D) */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T, hs, T, 1.0f, Pv, T, v, ld, 0.0f,
                        out + (size_t)b * T * D + (size_t)h * hs, D);
        }
    free(own);
}

void bert_attention_backward(float *dqkv, const float *dout, const float *qkv, const float *att, int B, int T, int D,
                             int H, float dropout, uint64_t key, float *scratch)
{
    int hs = D / H, ld = 3 * D;
    float scale = 1.0f / sqrtf((float)hs);
    float *own = NULL;
    if (!scratch) scratch = own = malloc(BERT_ATTN_SCRATCH(T) * sizeof *scratch);
    float *dP = scratch, *Pd = scratch + (size_t)T * T;
    for (int b = 0; b < B; b++)
        for (int h = 0; h < H; h++) {
            size_t row = (size_t)b * T * ld + (size_t)h * hs;
            const float *q = qkv + row, *k = q + D, *v = q + 2 * D;
            float *dq = dqkv + row, *dk = dq + D, *dv = dq + 2 * D;
            const float *dO = dout + (size_t)b * T * D + (size_t)h * hs;
            size_t o = ((size_t)b * H + h) * (size_t)T * T;
            const float *P = att + o, *Pv = P;
            if (dropout > 0) {
                dropout_forward(Pd, P, (size_t)T * T, dropout, key, o);    /* the P the values saw */
                Pv = Pd;
            }
            /* dV = Pvᵀ dO (T × hs) and dP = dO Vᵀ (T × T) */
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, T, hs, T, 1.0f, Pv, T, dO, D, 0.0f, dv, ld);
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, T, hs, 1.0f, dO, D, v, ld, 0.0f, dP, T);
            if (dropout > 0) dropout_backward(dP, dP, (size_t)T * T, dropout, key, o);
            /* the softmax's Jacobian, row by row: dS = P ⊙ (dP − Σ_j dP⊙P), then × 1/√hs */
            for (int t = 0; t < T; t++) {
                float *d = dP + (size_t)t * T;
                const float *p = P + (size_t)t * T;
                double s = 0;
                for (int j = 0; j < T; j++) s += (double)d[j] * p[j];
                for (int j = 0; j < T; j++) d[j] = p[j] * (d[j] - (float)s) * scale;
            }
            /* dQ = dS K, dK = dSᵀ Q */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T, hs, T, 1.0f, dP, T, k, ld, 0.0f, dq, ld);
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, T, hs, T, 1.0f, dP, T, q, ld, 0.0f, dk, ld);
        }
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

/* ---- the passes ------------------------------------------------------------------------------ */

/* Dropout's places: the embeddings (site 0) and, per layer, the attention probabilities and the
 * two branches. */
enum { DROP_ATT, DROP_AO, DROP_FO };
static uint64_t drop_key(const BertWork *w, int l, int what)
{
    return dropout_key(w->drop_seed, l < 0 ? 0 : 1 + 3 * (uint64_t)l + (uint64_t)what);
}

static void add_rows(float *restrict y, const float *restrict x, size_t n)
{
    for (size_t i = 0; i < n; i++) y[i] += x[i];
}

double bert_forward(const Bert *m, BertWork *w, const int32_t *tokens, const int32_t *types, const uint8_t *valid,
                    const int32_t *mlm_targets, const int32_t *nsp_labels, int B, int T)
{
    const BertConfig *c = &m->cfg;
    int D = c->D, F = c->F, V = c->V, N = B * T;
    size_t ND = (size_t)N * D;
    float p = w->dropout > 0 ? w->dropout : 0;

    /* embeddings: what the token is, where it stands, which sentence it belongs to */
    embedding_forward(w->emb, tokens, m->word, m->pos, B, T, D);
    if (types)
        for (int n = 0; n < N; n++) add_rows(w->emb + (size_t)n * D, m->type + (size_t)types[n] * D, (size_t)D);
    else
        for (int n = 0; n < N; n++) add_rows(w->emb + (size_t)n * D, m->type, (size_t)D);
    bert_layernorm_forward(w->res[0], w->emb_mean, w->emb_rstd, w->emb, m->eln_w, m->eln_b, N, D, BERT_LN_EPS);
    if (p > 0) dropout_forward(w->res[0], w->res[0], ND, p, drop_key(w, -1, 0), 0);

    for (int l = 0; l < c->L; l++) {
        const BertLayer *k = &m->layer[l];
        /* attention half: s1 = x + drop(dense(attention(q, k, v))), h1 = LN(s1) */
        linear_forward(w->qkv[l], w->res[l], k->qkv_w, k->qkv_b, N, D, 3 * D);
        bert_attention_forward(w->atty[l], w->att[l], w->qkv[l], valid, B, T, D, c->H, p, drop_key(w, l, DROP_ATT),
                               w->scratch);
        linear_forward(w->s1[l], w->atty[l], k->ao_w, k->ao_b, N, D, D);
        if (p > 0) dropout_forward(w->s1[l], w->s1[l], ND, p, drop_key(w, l, DROP_AO), 0);
        add_rows(w->s1[l], w->res[l], ND);
        bert_layernorm_forward(w->h1[l], w->s1_mean[l], w->s1_rstd[l], w->s1[l], k->ln1_w, k->ln1_b, N, D,
                               BERT_LN_EPS);
        /* feed-forward half: s2 = h1 + drop(output(gelu(intermediate(h1)))), x = LN(s2) */
        linear_forward(w->fi[l], w->h1[l], k->fi_w, k->fi_b, N, D, F);
        bert_gelu_forward(w->fig[l], w->fi[l], N * F);
        linear_forward(w->s2[l], w->fig[l], k->fo_w, k->fo_b, N, F, D);
        if (p > 0) dropout_forward(w->s2[l], w->s2[l], ND, p, drop_key(w, l, DROP_FO), 0);
        add_rows(w->s2[l], w->h1[l], ND);
        bert_layernorm_forward(w->res[l + 1], w->s2_mean[l], w->s2_rstd[l], w->s2[l], k->ln2_w, k->ln2_b, N, D,
                               BERT_LN_EPS);
    }
    const float *x = w->res[c->L];

    /* NSP: the [CLS] row of each sequence (row b·T, stride T·D) through the pooler and tanh */
    for (int b = 0; b < B; b++) {
        float *y = w->pool + (size_t)b * D;
        linear_forward(y, x + (size_t)b * T * D, m->pool_w, m->pool_b, 1, D, D);
        for (int d = 0; d < D; d++) y[d] = tanhf(y[d]);
    }
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
    w->mlm_n = M;
    if (M > 0) {
        for (int i = 0; i < M; i++)
            memcpy(w->mlm_x + (size_t)i * D, x + (size_t)w->mlm_rows[i] * D, (size_t)D * sizeof *x);
        linear_forward(w->tr, w->mlm_x, m->tr_w, m->tr_b, M, D, D);
        bert_gelu_forward(w->trg, w->tr, M * D);
        bert_layernorm_forward(w->trl, w->tr_mean, w->tr_rstd, w->trg, m->trln_w, m->trln_b, M, D, BERT_LN_EPS);
        linear_forward(w->logits, w->trl, m->word, m->mlm_bias, M, D, V);
    }

    w->mlm_loss = w->nsp_loss = 0;
    w->mlm_count = 0;
    if (mlm_targets && M > 0) {
        w->mlm_loss = crossentropy_forward(w->probs, w->logits, w->mlm_tgt, M, V);
        w->mlm_count = M;
    }
    if (nsp_labels) w->nsp_loss = crossentropy_forward(w->nsp_probs, w->nsp_logits, nsp_labels, B, 2);
    return (double)w->mlm_loss + (double)w->nsp_loss;
}

/* The pooler's backward: w->dpool holds the gradient of the pooled output (after tanh); it goes
 * back through tanh and the pooler to each sequence's [CLS] row of dres. */
static void pool_backward(const Bert *m, Bert *g, BertWork *w, int B, int T)
{
    int D = m->cfg.D;
    const float *x = w->res[m->cfg.L];
    for (int i = 0; i < B * D; i++) w->dpool[i] *= 1.0f - w->pool[i] * w->pool[i];   /* tanh′ = 1 − y² */
    for (int b = 0; b < B; b++) {
        float *dcls = w->dh;                                                        /* D floats of scratch */
        linear_backward(dcls, g->pool_w, g->pool_b, w->dpool + (size_t)b * D, x + (size_t)b * T * D, m->pool_w, 1, D,
                        D);
        add_rows(w->dres + (size_t)b * T * D, dcls, (size_t)D);
    }
}

/* From the gradient of the top layer's output (w->dres, N × D) down through every layer and the
 * embeddings, added into g. */
static void encoder_backward(const Bert *m, Bert *g, BertWork *w, const int32_t *tokens, const int32_t *types, int B,
                             int T)
{
    const BertConfig *c = &m->cfg;
    int D = c->D, F = c->F, N = B * T;
    size_t ND = (size_t)N * D;
    float p = w->dropout > 0 ? w->dropout : 0;
    for (int l = c->L - 1; l >= 0; l--) {
        const BertLayer *k = &m->layer[l];
        BertLayer *dk = &g->layer[l];
        /* x = LN(s2): ds = the gradient of s2 = h1 + drop(output(fig)) */
        layernorm_backward(w->ds, dk->ln2_w, dk->ln2_b, w->dres, w->s2[l], w->s2_mean[l], w->s2_rstd[l], k->ln2_w, N,
                           D);
        const float *dbr = w->ds;
        if (p > 0) {
            dropout_backward(w->dbr, w->ds, ND, p, drop_key(w, l, DROP_FO), 0);
            dbr = w->dbr;
        }
        linear_backward(w->dfi, dk->fo_w, dk->fo_b, dbr, w->fig[l], k->fo_w, N, F, D);
        bert_gelu_backward(w->dfi, w->dfi, w->fi[l], N * F);
        linear_backward(w->dh, dk->fi_w, dk->fi_b, w->dfi, w->h1[l], k->fi_w, N, D, F);
        add_rows(w->dh, w->ds, ND);                         /* the residual path: the gradient of h1 */
        /* h1 = LN(s1), s1 = x + drop(dense(atty)) */
        layernorm_backward(w->ds, dk->ln1_w, dk->ln1_b, w->dh, w->s1[l], w->s1_mean[l], w->s1_rstd[l], k->ln1_w, N,
                           D);
        dbr = w->ds;
        if (p > 0) {
            dropout_backward(w->dbr, w->ds, ND, p, drop_key(w, l, DROP_AO), 0);
            dbr = w->dbr;
        }
        linear_backward(w->datty, dk->ao_w, dk->ao_b, dbr, w->atty[l], k->ao_w, N, D, D);
        bert_attention_backward(w->dqkv, w->datty, w->qkv[l], w->att[l], B, T, D, c->H, p, drop_key(w, l, DROP_ATT),
                                w->scratch);
        linear_backward(w->dres2, dk->qkv_w, dk->qkv_b, w->dqkv, w->res[l], k->qkv_w, N, D, 3 * D);
        add_rows(w->dres2, w->ds, ND);                      /* the gradient of the layer's input */
        float *t = w->dres;
        w->dres = w->dres2;
        w->dres2 = t;
    }

    /* embeddings: res[0] = drop(LN(emb)), emb = word[token] + pos[t] + type[segment] */
    if (p > 0) dropout_backward(w->dres, w->dres, ND, p, drop_key(w, -1, 0), 0);
    layernorm_backward(w->ds, g->eln_w, g->eln_b, w->dres, w->emb, w->emb_mean, w->emb_rstd, m->eln_w, N, D);
    embedding_backward(g->word, g->pos, w->ds, tokens, B, T, D);
    for (int n = 0; n < N; n++) add_rows(g->type + (size_t)(types ? types[n] : 0) * D, w->ds + (size_t)n * D, (size_t)D);
}

void bert_backward(const Bert *m, Bert *g, BertWork *w, const int32_t *tokens, const int32_t *types,
                   const uint8_t *valid, const int32_t *mlm_targets, const int32_t *nsp_labels, int B, int T)
{
    (void)valid;   /* the mask lives on in att: padded keys have P = 0 */
    const BertConfig *c = &m->cfg;
    int D = c->D, V = c->V, N = B * T, M = w->mlm_n;
    memset(w->dres, 0, (size_t)N * D * sizeof *w->dres);

    /* MLM head, for the M rows it ran on, back to those rows of the top layer's output */
    if (mlm_targets && M > 0) {
        crossentropy_backward(w->dlogits, w->probs, w->mlm_tgt, M, V);
        linear_backward(w->dtr, g->word, g->mlm_bias, w->dlogits, w->trl, m->word, M, D, V);
        layernorm_backward(w->ds, g->trln_w, g->trln_b, w->dtr, w->trg, w->tr_mean, w->tr_rstd, m->trln_w, M, D);
        bert_gelu_backward(w->ds, w->ds, w->tr, M * D);                       /* in place: elementwise */
        linear_backward(w->dh, g->tr_w, g->tr_b, w->ds, w->mlm_x, m->tr_w, M, D, D);
        for (int i = 0; i < M; i++) add_rows(w->dres + (size_t)w->mlm_rows[i] * D, w->dh + (size_t)i * D, (size_t)D);
    }
    /* NSP head: back through the classifier to the pooled output, then through the pooler */
    if (nsp_labels) {
        crossentropy_backward(w->dnsp, w->nsp_probs, nsp_labels, B, 2);
        linear_backward(w->dpool, g->nsp_w, g->nsp_b, w->dnsp, w->pool, m->nsp_w, B, D, 2);
        pool_backward(m, g, w, B, T);
    }
    encoder_backward(m, g, w, tokens, types, B, T);
}

void bert_backward_pooled(const Bert *m, Bert *g, BertWork *w, const int32_t *tokens, const int32_t *types,
                          const float *dpool, int B, int T)
{
    int D = m->cfg.D;
    memset(w->dres, 0, (size_t)B * T * D * sizeof *w->dres);
    memcpy(w->dpool, dpool, (size_t)B * D * sizeof *dpool);
    pool_backward(m, g, w, B, T);
    encoder_backward(m, g, w, tokens, types, B, T);
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
