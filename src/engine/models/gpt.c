/* gpt.c — GPT-2's forward and backward passes over the layers of nn/layers.c (see gpt.h). */
#include "models/gpt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/layers.h"
#include "nn/recurrent.h"

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

/* Lay the work out in w->mem (or, with mem NULL, only count): every array starts on a 64-byte
 * boundary (16 floats), so that rows handed to different threads do not share cache lines and
 * vector loads are aligned. Returns the floats needed. */
static size_t work_wire(GptWork *w, float *mem, const GptConfig *c, int B, int T)
{
    size_t N = (size_t)B * (size_t)T, D = (size_t)c->D, V = (size_t)c->V;
    size_t att = (size_t)B * (size_t)c->H * (size_t)T * (size_t)T, off = 0;
#define TAKE(ptr, count) do { if (mem) (ptr) = mem + off; off += ((size_t)(count) + 15) / 16 * 16; } while (0)
    for (int l = 0; l < c->L; l++) {
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
    TAKE(w->res[c->L], N * D);
    TAKE(w->lnf, N * D);
    TAKE(w->lnf_mean, N);
    TAKE(w->lnf_rstd, N);
    TAKE(w->logits, N * V);
    TAKE(w->probs, N * V);
    float **nd[] = {&w->dres, &w->dres2, &w->dmid, &w->dbr_mlp, &w->dbr_att, &w->dln2, &w->dln1, &w->datty};
    for (size_t i = 0; i < sizeof nd / sizeof nd[0]; i++) TAKE(*nd[i], N * D);
    TAKE(w->dqkv, 3 * N * D);
    TAKE(w->dfc, 4 * N * D);
    TAKE(w->dlogits, N * V);
    TAKE(w->scratch, GPT_THREADS * ATTN_SCRATCH(T));
#undef TAKE
    return off;
}

int gpt_work_alloc(GptWork *w, const GptConfig *c, int B, int T)
{
    memset(w, 0, sizeof *w);
    if (!gpt_config_ok(c) || B <= 0 || T <= 0 || T > c->C) return -1;
    size_t L = (size_t)c->L;
    float ***lists[] = {&w->res, &w->ln1, &w->ln1_mean, &w->ln1_rstd, &w->qkv, &w->att, &w->atty,
                        &w->mid, &w->ln2, &w->ln2_mean, &w->ln2_rstd, &w->fc, &w->fcg};
    int nlists = (int)(sizeof lists / sizeof lists[0]), fail = 0;
    for (int i = 0; i < nlists; i++) {
        *lists[i] = calloc(L + 1, sizeof(float *));    /* L + 1: res has one more */
        fail |= !*lists[i];
    }
    if (!fail) {
        size_t total = work_wire(w, NULL, c, B, T);
        w->mem = aligned_alloc(64, total * sizeof *w->mem);
        fail = !w->mem;
    }
    if (fail) {
        gpt_work_free(w);
        return -1;
    }
    work_wire(w, w->mem, c, B, T);
    w->B = B;
    w->T = T;
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

/* ---- the passes' threads ---------------------------------------------------------------------
 * A pass is a sequence of team jobs (cell_team_run); each job splits its work between the
 * threads and the next job starts when all have finished (that is the only meeting point). One
 * block forward is two jobs: attention, split by (sequence, head), then everything after it up to
 * the next block's qkv, which is row by row and so split by rows. Backward, per block: the MLP
 * half and the attention projection (rows), attention (sequence, head), the qkv projection and
 * ln_1 (rows), then the block's parameter gradients (split by their rows: each a sum over all N
 * token rows, so a split by token rows would need a reduction). */

typedef struct {
    const Gpt *g;
    Gpt *grad;
    GptWork *w;
    const int32_t *tokens, *targets;
    int B, T, N, l;
    int count;                      /* targets that count (not TZ_IGNORE) */
    float p;                        /* dropout */
    double loss[GPT_THREADS];       /* each thread's sum of −log p[target] */
} Pass;

/* Dropout's places: the embeddings (0) and, per block, the attention probabilities, the attention
 * projection and the MLP projection. */
enum { DROP_ATT, DROP_ATTPROJ, DROP_MLPPROJ };
static uint64_t drop_key(const Pass *p, int l, int what)
{
    return dropout_key(p->w->drop_seed, l < 0 ? 0 : 1 + 3 * (uint64_t)l + (uint64_t)what);
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

/* Enough work for threads? A team job costs a few microseconds to start; tiny batches (the
 * tests, one short text looked at in the REPL) run on the caller. */
static void team(Pass *p, void (*fn)(void *, int, int))
{
    cell_team_run(fn, p, (size_t)p->N * (size_t)p->g->cfg.D >= 16384 ? GPT_THREADS : 1);
}

static void add_rows(float *restrict y, const float *restrict x, size_t n)
{
#pragma omp simd
    for (size_t i = 0; i < n; i++) y[i] += x[i];
}

/* ---- forward --------------------------------------------------------------------------- */

/* Block l's first rows' worth: ln_1, then q, k, v for every head in one product. */
static void block_enter_rows(Pass *p, int l, int r0, int n)
{
    const GptBlock *k = &p->g->h[l];
    GptWork *w = p->w;
    size_t D = (size_t)p->g->cfg.D, o = (size_t)r0 * D;
    layernorm_forward(w->ln1[l] + o, w->ln1_mean[l] + r0, w->ln1_rstd[l] + r0, w->res[l] + o, k->ln1_w, k->ln1_b, n,
                      (int)D);
    linear_forward(w->qkv[l] + 3 * o, w->ln1[l] + o, k->qkv_w, k->qkv_b, n, (int)D, 3 * (int)D);   /* n × 3D */
}

/* x = drop(wte[token] + wpe[t]) for rows r0 … r0+n−1 (cut at the sequences' ends: the position
 * restarts at 0 with each), then block 0's ln_1 and qkv. */
static void start_rows(Pass *p, int tid, int r0, int r1)
{
    (void)tid;
    const Gpt *g = p->g;
    int D = g->cfg.D;
    float *x = p->w->res[0];
    for (int n = r0; n < r1;) {
        int t = n % p->T, len = p->T - t < r1 - n ? p->T - t : r1 - n;
        embedding_forward(x + (size_t)n * D, p->tokens + n, g->wte, g->wpe + (size_t)t * D, 1, len, D);
        n += len;
    }
    if (p->p > 0)
        dropout_forward(x + (size_t)r0 * D, x + (size_t)r0 * D, (size_t)(r1 - r0) * D, p->p, drop_key(p, -1, 0),
                        (size_t)r0 * D);
    block_enter_rows(p, 0, r0, r1 - r0);
}

/* fn over this thread's share of the rows. (Cutting the share into chunks that stay in the core's
 * cache from one layer to the next was measured: no faster here, OpenBLAS being less efficient on
 * short products than the cache saves.) */
static void by_rows(Pass *p, int tid, int nth, void (*fn)(Pass *, int, int, int))
{
    int r0, r1;
    share(p->N, tid, nth, 1, &r0, &r1);
    if (r1 > r0) fn(p, tid, r0, r1);
}

static void fwd_start(void *arg, int tid, int nth) { by_rows(arg, tid, nth, start_rows); }

/* Block l's attention, the (sequence, head) pairs of this thread: every token's query against
 * the keys of its own sequence up to itself (causal). */
static void fwd_attention(void *arg, int tid, int nth)
{
    Pass *p = arg;
    const GptConfig *c = &p->g->cfg;
    GptWork *w = p->w;
    AttnEx ex = {.causal = 1, .dropout = p->p, .key = drop_key(p, p->l, DROP_ATT),
                 .scratch = w->scratch + (size_t)tid * ATTN_SCRATCH(p->T)};
    share(p->B * c->H, tid, nth, 1, &ex.bh0, &ex.bh1);
    if (ex.bh1 > ex.bh0) attention_forward_ex(w->atty[p->l], w->att[p->l], w->qkv[p->l], p->B, p->T, c->D, c->H, &ex);
}

/* The rest of block l for rows r0 … r1−1, then the next block's start — or, after the last
 * block, the head: ln_f, the logits and (with targets) their loss. */
static void rest_rows(Pass *p, int tid, int r0, int r1)
{
    const Gpt *g = p->g;
    const GptConfig *c = &g->cfg;
    GptWork *w = p->w;
    int l = p->l, D = c->D, n = r1 - r0;
    size_t o = (size_t)r0 * D, nd = (size_t)n * D;
    const GptBlock *k = &g->h[l];
    float *in = w->res[l] + o, *mid = w->mid[l] + o, *out = w->res[l + 1] + o;
    /* attention half: mid = in + drop(c_proj(attention)) */
    linear_forward(mid, w->atty[l] + o, k->attproj_w, k->attproj_b, n, D, D);
    if (p->p > 0) dropout_forward(mid, mid, nd, p->p, drop_key(p, l, DROP_ATTPROJ), o);
    add_rows(mid, in, nd);
    /* MLP half: out = mid + drop(c_proj(gelu(c_fc(ln_2(mid))))) */
    layernorm_forward(w->ln2[l] + o, w->ln2_mean[l] + r0, w->ln2_rstd[l] + r0, mid, k->ln2_w, k->ln2_b, n, D);
    linear_forward(w->fc[l] + 4 * o, w->ln2[l] + o, k->fc_w, k->fc_b, n, D, 4 * D);        /* n × 4D */
    gelu_forward(w->fcg[l] + 4 * o, w->fc[l] + 4 * o, n * 4 * D);
    linear_forward(out, w->fcg[l] + 4 * o, k->fcproj_w, k->fcproj_b, n, 4 * D, D);
    if (p->p > 0) dropout_forward(out, out, nd, p->p, drop_key(p, l, DROP_MLPPROJ), o);
    add_rows(out, mid, nd);
    if (l + 1 < c->L) {
        block_enter_rows(p, l + 1, r0, n);
        return;
    }
    /* the head: logits = ln_f(x) wteᵀ, i.e. a linear layer whose weight (V × D) is wte: the
     * score of token v is how well the final vector matches v's own embedding */
    layernorm_forward(w->lnf + o, w->lnf_mean + r0, w->lnf_rstd + r0, out, g->lnf_w, g->lnf_b, n, D);
    linear_forward(w->logits + (size_t)r0 * c->V, w->lnf + o, g->wte, NULL, n, D, c->V);
    if (p->targets)
        p->loss[tid] += crossentropy_forward_sum(w->probs + (size_t)r0 * c->V, w->logits + (size_t)r0 * c->V,
                                                 p->targets + r0, n, c->V, NULL);
}

static void fwd_rest(void *arg, int tid, int nth) { by_rows(arg, tid, nth, rest_rows); }

static void pass_init(Pass *p, const Gpt *g, Gpt *grad, GptWork *w, const int32_t *tokens, const int32_t *targets,
                      int B, int T)
{
    memset(p, 0, sizeof *p);
    p->g = g;
    p->grad = grad;
    p->w = w;
    p->tokens = tokens;
    p->targets = targets;
    p->B = B;
    p->T = T;
    p->N = B * T;
    p->p = w->dropout > 0 ? w->dropout : 0;
    if (targets)
        for (int n = 0; n < p->N; n++) p->count += targets[n] != TZ_IGNORE;
}

double gpt_forward(const Gpt *g, GptWork *w, const int32_t *tokens, const int32_t *targets, int B, int T)
{
    Pass p;
    pass_init(&p, g, NULL, w, tokens, targets, B, T);
    team(&p, fwd_start);                    /* x, then block 0's ln_1 and qkv */
    for (p.l = 0; p.l < g->cfg.L; p.l++) {
        team(&p, fwd_attention);            /* block l's attention */
        team(&p, fwd_rest);                 /* the rest of block l (and the next one's start, or the head) */
    }
    if (!targets) return 0.0;
    double sum = 0;
    for (int t = 0; t < GPT_THREADS; t++) sum += p.loss[t];
    return p.count ? sum / p.count : 0.0;
}

/* ---- backward -------------------------------------------------------------------------- */

/* loss → logits → ln_f's output (dln1 holds it for the moment) → the stream leaving the last
 * block (dres), rows r0 … r1−1 */
static void head_back_rows(Pass *p, int tid, int r0, int r1)
{
    (void)tid;
    const Gpt *g = p->g;
    GptWork *w = p->w;
    int D = g->cfg.D, V = g->cfg.V, n = r1 - r0;
    size_t o = (size_t)r0 * D, ov = (size_t)r0 * V;
    crossentropy_backward_of(w->dlogits + ov, w->probs + ov, p->targets + r0, n, V, p->count);
    linear_backward_dx(w->dln1 + o, w->dlogits + ov, g->wte, n, D, V);
    layernorm_backward_dx(w->dres + o, w->dln1 + o, w->res[g->cfg.L] + o, w->lnf_mean + r0, w->lnf_rstd + r0,
                          g->lnf_w, n, D);
}

static void bwd_head(void *arg, int tid, int nth) { by_rows(arg, tid, nth, head_back_rows); }

/* the head's parameters: the tied output layer adds its whole dW (V × D) to dwte; ln_f's γ, β */
static void bwd_head_params(void *arg, int tid, int nth)
{
    Pass *p = arg;
    const Gpt *g = p->g;
    GptWork *w = p->w;
    int D = g->cfg.D, V = g->cfg.V, L = g->cfg.L, a, b;
    share(V, tid, nth, 1, &a, &b);
    linear_backward_params(p->grad->wte, NULL, w->dlogits, w->lnf, p->N, D, V, a, b);
    share(D, tid, nth, 16, &a, &b);
    layernorm_backward_params(p->grad->lnf_w, p->grad->lnf_b, w->dln1, w->res[L], w->lnf_mean, w->lnf_rstd, p->N, D,
                              a, b);
}

/* The gradient of a branch's output: the stream's, through dropout's mask when there is one. */
static const float *branch_grad(Pass *p, float *buf, const float *d, size_t o, size_t n, uint64_t key)
{
    if (p->p <= 0) return d + o;
    dropout_backward(buf + o, d + o, n, p->p, key, o);
    return buf + o;
}

/* Block l's MLP half and the attention projection, rows r0 … r1−1. out = mid + drop(MLP(mid)):
 * the stream's gradient passes straight through the "+" to mid, and the branch adds its own
 * share; mid = in + drop(c_proj(atty)) the same way. */
static void rest_back_rows(Pass *p, int tid, int r0, int r1)
{
    (void)tid;
    const GptConfig *c = &p->g->cfg;
    GptWork *w = p->w;
    const GptBlock *k = &p->g->h[p->l];
    int l = p->l, D = c->D, n = r1 - r0;
    size_t o = (size_t)r0 * D, nd = (size_t)n * D;
    const float *dy = branch_grad(p, w->dbr_mlp, w->dres, o, nd, drop_key(p, l, DROP_MLPPROJ));
    linear_backward_dx(w->dfc + 4 * o, dy, k->fcproj_w, n, 4 * D, D);                  /* d gelu output */
    gelu_backward(w->dfc + 4 * o, w->dfc + 4 * o, w->fc[l] + 4 * o, n * 4 * D);          /* d fc, in place */
    linear_backward_dx(w->dln2 + o, w->dfc + 4 * o, k->fc_w, n, D, 4 * D);
    layernorm_backward_dx(w->dmid + o, w->dln2 + o, w->mid[l] + o, w->ln2_mean[l] + r0, w->ln2_rstd[l] + r0, k->ln2_w,
                          n, D);
    add_rows(w->dmid + o, w->dres + o, nd);                                             /* the gradient of mid */
    dy = branch_grad(p, w->dbr_att, w->dmid, o, nd, drop_key(p, l, DROP_ATTPROJ));
    linear_backward_dx(w->datty + o, dy, k->attproj_w, n, D, D);
}

static void bwd_rest(void *arg, int tid, int nth) { by_rows(arg, tid, nth, rest_back_rows); }

static void bwd_attention(void *arg, int tid, int nth)
{
    Pass *p = arg;
    const GptConfig *c = &p->g->cfg;
    GptWork *w = p->w;
    AttnEx ex = {.causal = 1, .dropout = p->p, .key = drop_key(p, p->l, DROP_ATT),
                 .scratch = w->scratch + (size_t)tid * ATTN_SCRATCH(p->T)};
    share(p->B * c->H, tid, nth, 1, &ex.bh0, &ex.bh1);
    if (ex.bh1 > ex.bh0)
        attention_backward_ex(w->dqkv, w->datty, w->qkv[p->l], w->att[p->l], p->B, p->T, c->D, c->H, &ex);
}

/* qkv's input and ln_1, rows r0 … r1−1: dres2 = dmid + ln_1's share, the gradient of the stream
 * entering block l */
static void enter_back_rows(Pass *p, int tid, int r0, int r1)
{
    (void)tid;
    const GptConfig *c = &p->g->cfg;
    GptWork *w = p->w;
    const GptBlock *k = &p->g->h[p->l];
    int l = p->l, D = c->D, n = r1 - r0;
    size_t o = (size_t)r0 * D;
    linear_backward_dx(w->dln1 + o, w->dqkv + 3 * o, k->qkv_w, n, D, 3 * D);
    layernorm_backward_dx(w->dres2 + o, w->dln1 + o, w->res[l] + o, w->ln1_mean[l] + r0, w->ln1_rstd[l] + r0, k->ln1_w,
                          n, D);
    add_rows(w->dres2 + o, w->dmid + o, (size_t)n * D);
}

static void bwd_enter(void *arg, int tid, int nth) { by_rows(arg, tid, nth, enter_back_rows); }

/* Block l's parameter gradients, each split by its rows (the biases and γ, β by entries). */
static void bwd_params(void *arg, int tid, int nth)
{
    Pass *p = arg;
    const GptConfig *c = &p->g->cfg;
    GptWork *w = p->w;
    GptBlock *dk = &p->grad->h[p->l];
    int l = p->l, D = c->D, N = p->N, a, b;
    const float *dmlp = p->p > 0 ? w->dbr_mlp : w->dres, *datt = p->p > 0 ? w->dbr_att : w->dmid;
    share(D, tid, nth, 1, &a, &b);
    linear_backward_params(dk->fcproj_w, dk->fcproj_b, dmlp, w->fcg[l], N, 4 * D, D, a, b);
    linear_backward_params(dk->attproj_w, dk->attproj_b, datt, w->atty[l], N, D, D, a, b);
    share(4 * D, tid, nth, 1, &a, &b);
    linear_backward_params(dk->fc_w, dk->fc_b, w->dfc, w->ln2[l], N, D, 4 * D, a, b);
    share(3 * D, tid, nth, 1, &a, &b);
    linear_backward_params(dk->qkv_w, dk->qkv_b, w->dqkv, w->ln1[l], N, D, 3 * D, a, b);
    share(D, tid, nth, 16, &a, &b);
    layernorm_backward_params(dk->ln2_w, dk->ln2_b, w->dln2, w->mid[l], w->ln2_mean[l], w->ln2_rstd[l], N, D, a, b);
    layernorm_backward_params(dk->ln1_w, dk->ln1_b, w->dln1, w->res[l], w->ln1_mean[l], w->ln1_rstd[l], N, D, a, b);
}

void gpt_backward(const Gpt *g, Gpt *grad, GptWork *w, const int32_t *tokens, const int32_t *targets, int B,
                  int T)
{
    Pass p;
    pass_init(&p, g, grad, w, tokens, targets, B, T);
    int D = g->cfg.D;
    team(&p, bwd_head);                     /* dres: the gradient of the stream leaving the last block */
    team(&p, bwd_head_params);
    for (p.l = g->cfg.L - 1; p.l >= 0; p.l--) {
        team(&p, bwd_rest);                 /* through the MLP half to mid, then to the attention output */
        team(&p, bwd_attention);            /* to q, k, v */
        team(&p, bwd_enter);                /* to the stream entering the block: dres2 */
        team(&p, bwd_params);               /* the block's weights, biases, γ and β */
        float *t = w->dres;                 /* the stream below becomes the one above the next block */
        w->dres = w->dres2;
        w->dres2 = t;
    }
    /* the embeddings: row n was drop(wte[token] + wpe[t]), so both rows receive dres[n] (through
     * the mask) */
    size_t ND = (size_t)p.N * D;
    const float *dx = branch_grad(&p, w->dbr_mlp, w->dres, 0, ND, drop_key(&p, -1, 0));
    embedding_backward(grad->wte, grad->wpe, dx, tokens, B, T, D);
}
