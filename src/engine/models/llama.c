/* llama.c — LLaMA's forward and backward passes over nn/layers.h (linear, cross-entropy,
 * embedding) and nn/llama_layers.h (RMSNorm, RoPE, SwiGLU, grouped-query attention); see
 * llama.h. The passes run on the engine's thread team (see "the passes' threads" below); the
 * products are OpenBLAS's (one thread inside the team), or nn/q8.h's for matrices in Q8_0. */
#include "models/llama.h"
/* before cblas.h: its complex.h defines I, a parameter name in recurrent.h */
#include "nn/recurrent.h"

#include <cblas.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
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

/* Block tensor k's Q8_0 slot (NULL for the two norms). */
static Q8Mat *block_q8(LlamaBlock *b, int k)
{
    Q8Mat *s[9] = {NULL, &b->qwq, &b->qwk, &b->qwv, &b->qwo, NULL, &b->qw1, &b->qw2, &b->qw3};
    return s[k];
}

/* Tensor i's float pointer slot, its Q8_0 slot (NULL for a vector) and its shape. */
static void tensor_slots(Llama *m, int i, float ***fp, Q8Mat **qp, int *rows, int *cols)
{
    const LlamaConfig *c = &m->cfg;
    if (i == 0) {
        *fp = &m->tok_embeddings, *qp = &m->qtok, *rows = c->V, *cols = c->D;
    } else if (i == 1 + 9 * c->L) {
        *fp = &m->norm, *qp = NULL, *rows = c->D, *cols = 1;
    } else if (i == 2 + 9 * c->L) {
        *fp = &m->output, *qp = &m->qout, *rows = c->V, *cols = c->D;
    } else {
        float **s[9];
        int l = (i - 1) / 9, j = (i - 1) % 9;
        block_slots(&m->layers[l], s);
        *fp = s[j];
        *qp = block_q8(&m->layers[l], j);
        block_shape(c, j, rows, cols);
    }
}

/* Can tensor i be held in Q8_0? A matrix whose rows are a multiple of 32 long. */
static int q8_able(const LlamaConfig *c, int i)
{
    int D = c->D, F = c->F;
    if (i == 0 || i == 2 + 9 * c->L) return D % Q8_BLOCK == 0;
    if (i == 1 + 9 * c->L) return 0;
    int j = (i - 1) % 9;
    return j == 0 || j == 5 ? 0 : (j == 7 ? F : D) % Q8_BLOCK == 0;
}

/* Point every tensor into m->mem (floats) or m->qmem (Q8_0, where q8[i]), in llama_tensor's
 * order; with m->mem and m->qmem NULL only count (*nf floats, *nq bytes). */
static void llama_wire(Llama *m, const unsigned char *q8, size_t *nf, size_t *nq)
{
    const LlamaConfig *c = &m->cfg;
    size_t of = 0, oq = 0;
    int nt = llama_ntensors(c);
    m->nq8 = 0;
    for (int i = 0; i < nt; i++) {
        float **fp;
        Q8Mat *qp;
        int rows, cols;
        tensor_slots(m, i, &fp, &qp, &rows, &cols);
        if (i == 2 + 9 * c->L && c->tied) continue;   /* listed only when untied */
        if (q8 && q8[i]) {
            *fp = NULL;
            qp->rows = rows, qp->cols = cols;
            if (m->qmem) {
                qp->q = (int8_t *)((char *)m->qmem + oq);
                qp->d = (float *)((char *)m->qmem + oq + (size_t)rows * cols);
            }
            oq += q8_bytes(rows, cols);
            oq = (oq + 63) / 64 * 64;
            m->nq8++;
        } else {
            if (qp) memset(qp, 0, sizeof *qp);
            if (m->mem) *fp = m->mem + of;
            of += (size_t)rows * cols;
        }
    }
    if (c->tied) {
        m->output = m->tok_embeddings;
        m->qout = m->qtok;
    }
    *nf = of;
    *nq = oq;
}

int llama_alloc_mixed(Llama *m, const LlamaConfig *cfg, const unsigned char *q8)
{
    memset(m, 0, sizeof *m);
    if (!llama_config_ok(cfg)) return -1;
    m->cfg = *cfg;
    m->layers = calloc((size_t)cfg->L, sizeof *m->layers);
    if (!m->layers) return -1;
    if (q8)
        for (int i = 0; i < llama_ntensors(cfg); i++) TZ_ASSERT(!q8[i] || q8_able(cfg, i));
    size_t nf, nq;
    llama_wire(m, q8, &nf, &nq);
    m->n = nf;
    m->qbytes = nq;
    m->mem = calloc(nf ? nf : 1, sizeof *m->mem);
    m->qmem = nq ? aligned_alloc(64, nq) : NULL;
    if (!m->mem || (nq && !m->qmem)) {
        llama_free(m);
        return -1;
    }
    if (nq) memset(m->qmem, 0, nq);
    llama_wire(m, q8, &nf, &nq);
    return 0;
}

int llama_alloc(Llama *m, const LlamaConfig *cfg)
{
    return llama_alloc_mixed(m, cfg, NULL);
}

void llama_free(Llama *m)
{
    free(m->mem);
    free(m->qmem);
    free(m->layers);
    memset(m, 0, sizeof *m);
}

void llama_zero(Llama *m)
{
    TZ_ASSERT(m->nq8 == 0);     /* gradients are never quantised */
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

const Q8Mat *llama_tensor_q8(const Llama *m, int i)
{
    if (i < 0 || i >= llama_ntensors(&m->cfg)) return NULL;
    float **fp;
    Q8Mat *qp;
    int rows, cols;
    tensor_slots((Llama *)m, i, &fp, &qp, &rows, &cols);
    return qp && qp->q ? qp : NULL;
}

size_t llama_weight_bytes(const Llama *m)
{
    return m->n * sizeof(float) + m->qbytes;
}

int llama_quantize(Llama *m)
{
    const LlamaConfig *c = &m->cfg;
    int nt = llama_ntensors(c), any = 0;
    unsigned char *q8 = calloc((size_t)nt, 1);
    if (!q8) return -1;
    for (int i = 0; i < nt; i++) {
        q8[i] = (unsigned char)(q8_able(c, i) && !(i == 2 + 9 * c->L && c->tied));
        q8[i] = q8[i] || llama_tensor_q8(m, i);   /* already Q8_0: stays */
        any |= q8[i] && !llama_tensor_q8(m, i);
    }
    if (!any) {
        free(q8);
        return 0;
    }
    Llama n;
    if (llama_alloc_mixed(&n, c, q8) != 0) {
        free(q8);
        return -1;
    }
    for (int i = 0; i < nt; i++) {
        if (i == 2 + 9 * c->L && c->tied) continue;
        size_t cnt;
        int rows, cols;
        const float *src = llama_tensor(m, i, NULL, 0, &cnt, &rows, &cols);
        const Q8Mat *sq = llama_tensor_q8(m, i), *dq = llama_tensor_q8(&n, i);
        if (dq && sq) {
            memcpy(dq->q, sq->q, cnt);
            memcpy(dq->d, sq->d, cnt / Q8_BLOCK * sizeof *dq->d);
        } else if (dq) {
            q8_quantize(src, cnt, dq->q, dq->d);
        } else {
            memcpy(llama_tensor(&n, i, NULL, 0, NULL, NULL, NULL), src, cnt * sizeof(float));
        }
    }
    int count = n.nq8;
    free(q8);
    llama_free(m);
    *m = n;
    return count;
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
    TZ_ASSERT(m->nq8 == 0);     /* a float model */
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
    float **nd[] = {&w->dres, &w->dres2, &w->dmid, &w->dx, &w->datty, &w->dq, &w->dxf};
    for (size_t i = 0; i < sizeof nd / sizeof nd[0]; i++) TAKE(*nd[i], N * D);
    TAKE(w->dk, N * KV);
    TAKE(w->dv, N * KV);
    TAKE(w->dh1, N * F);
    TAKE(w->dh3, N * F);
    TAKE(w->dhg, N * F);
    TAKE(w->dlogits, N * V);
    TAKE(w->scratch, (size_t)LLAMA_THREADS * T * T);
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
    if (work_lists_alloc(lists, sizeof lists / sizeof lists[0], c->L + 1, &w->mem, work_wire(w, NULL, c, B, T))) {
        memset(w, 0, sizeof *w);
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
    work_lists_free(lists, sizeof lists / sizeof lists[0], &w->mem);
    memset(w, 0, sizeof *w);
}

/* ---- the passes' threads --------------------------------------------------------------------
 * As models/gpt.c: a pass is a sequence of team jobs (cell_team_run), each splitting its work
 * between the threads; the next job starts when all have finished. Forward, per block: attention
 * by (sequence, query head) pairs, then everything after it up to the next block's q, k, v by
 * rows. Backward, per block: the feed-forward half and wo's input gradient (rows), attention by
 * (sequence, key/value head) pairs, RoPE's and q, k, v's input gradients and attention_norm
 * (rows), then the block's parameter gradients, each split by its own rows (each is a sum over
 * all N token rows, so a split by token rows would need a reduction). */

static atomic_int llama_threads;    /* llama_set_threads; 0: the team's limit */

void llama_set_threads(int n)
{
    atomic_store(&llama_threads, n < 0 ? 0 : n);
}

int llama_get_threads(void)
{
    return atomic_load(&llama_threads);
}

typedef struct {
    const Llama *m;
    Llama *grad;
    LlamaWork *w;
    const int32_t *tokens, *targets;
    int B, T, N, l;
    int count;                      /* targets that count (not TZ_IGNORE) */
    double loss[LLAMA_THREADS];     /* each thread's sum of −log p[target] */
} Pass;

/* Part tid of nth of n items: [*a, *b), the cuts on multiples of align. */
static void share(int n, int tid, int nth, int align, int *a, int *b)
{
    int units = (n + align - 1) / align;
    *a = (int)((long)units * tid / nth) * align;
    *b = (int)((long)units * (tid + 1) / nth) * align;
    if (*a > n) *a = n;
    if (*b > n) *b = n;
}

/* A team job costs a few microseconds to start: tiny batches (the tests) run on the caller. */
static void team(Pass *p, void (*fn)(void *, int, int))
{
    int want = atomic_load(&llama_threads);
    if (want <= 0 || want > LLAMA_THREADS) want = LLAMA_THREADS;
    cell_team_run(fn, p, (size_t)p->N * (size_t)p->m->cfg.D >= 16384 ? want : 1);
}

static void by_rows(Pass *p, int tid, int nth, void (*fn)(Pass *, int, int, int))
{
    int r0, r1;
    share(p->N, tid, nth, 1, &r0, &r1);
    if (r1 > r0) fn(p, tid, r0, r1);
}

static void add_rows(float *restrict y, const float *restrict x, size_t n)
{
    for (size_t i = 0; i < n; i++) y[i] += x[i];
}

/* Y (n × Out) = X (n × In) Wᵀ for a matrix held as float (W) or in Q8_0 (Q): the latter quantises
 * each row of X and runs the int8 product (nn/q8.h). */
static void mat_forward(float *Y, const float *X, const float *W, const Q8Mat *Q, int n, int In, int Out)
{
    if (W) {
        linear_forward(Y, X, W, NULL, n, In, Out);
        return;
    }
    int8_t *qa = malloc((size_t)In);
    float *da = malloc((size_t)(In / Q8_BLOCK) * sizeof *da);
    TZ_ASSERT(qa && da);
    for (int r = 0; r < n; r++) {
        q8_quantize_act(X + (size_t)r * In, In, qa, da);
        q8_matvec(Y + (size_t)r * Out, Q, qa, da, 0, Out);
    }
    free(qa);
    free(da);
}

/* RoPE on rows r0 … r1−1 of X (nh heads a row), cut where a sequence ends: row n is at position
 * n mod T. */
static void rope_rows(float *X, int r0, int r1, int T, int nh, int hs, const LlamaWork *w, int back)
{
    for (int n = r0; n < r1;) {
        int t = n % T, len = T - t < r1 - n ? T - t : r1 - n;
        float *x = X + (size_t)n * nh * hs;
        if (back) rope_backward(x, len, len, t, nh, hs, w->rope_cos, w->rope_sin);
        else rope_forward(x, len, len, t, nh, hs, w->rope_cos, w->rope_sin);
        n += len;
    }
}

/* ---- forward --------------------------------------------------------------------------- */

/* Block l's first part for rows r0 … r1−1: a = attention_norm(x), q = rope(a wqᵀ), k = rope(a wkᵀ),
 * v = a wvᵀ. */
static void block_enter_rows(Pass *p, int l, int r0, int r1)
{
    const LlamaConfig *c = &p->m->cfg;
    const LlamaBlock *k = &p->m->layers[l];
    LlamaWork *w = p->w;
    int n = r1 - r0, D = c->D, hs = D / c->H, KV = c->Hkv * hs;
    size_t o = (size_t)r0 * D, okv = (size_t)r0 * KV;
    rmsnorm_forward(w->xa[l] + o, w->rstd_a[l] + r0, w->res[l] + o, k->attention_norm, n, D);
    mat_forward(w->q[l] + o, w->xa[l] + o, k->wq, &k->qwq, n, D, D);
    mat_forward(w->k[l] + okv, w->xa[l] + o, k->wk, &k->qwk, n, D, KV);
    mat_forward(w->v[l] + okv, w->xa[l] + o, k->wv, &k->qwv, n, D, KV);
    rope_rows(w->q[l], r0, r1, p->T, c->H, hs, w, 0);
    rope_rows(w->k[l], r0, r1, p->T, c->Hkv, hs, w, 0);
}

/* x = tok_embeddings[token] (a Q8_0 table gives its row back as floats), then block 0's start */
static void start_rows(Pass *p, int tid, int r0, int r1)
{
    (void)tid;
    const Llama *m = p->m;
    int D = m->cfg.D;
    for (int n = r0; n < r1; n++) {
        float *x = p->w->res[0] + (size_t)n * D;
        size_t t = (size_t)p->tokens[n];
        if (m->tok_embeddings) memcpy(x, m->tok_embeddings + t * D, (size_t)D * sizeof *x);
        else q8_dequantize(m->qtok.q + t * D, m->qtok.d + t * (D / Q8_BLOCK), (size_t)D, x);
    }
    block_enter_rows(p, 0, r0, r1);
}

static void fwd_start(void *arg, int tid, int nth) { by_rows(arg, tid, nth, start_rows); }

static void fwd_attention(void *arg, int tid, int nth)
{
    Pass *p = arg;
    const LlamaConfig *c = &p->m->cfg;
    LlamaWork *w = p->w;
    int u0, u1, l = p->l;
    share(p->B * c->H, tid, nth, 1, &u0, &u1);
    if (u1 > u0)
        gqa_forward_part(w->atty[l], w->att[l], w->q[l], w->k[l], w->v[l], p->B, p->T, c->H, c->Hkv, c->D / c->H, 1,
                         u0, u1);
}

/* The rest of block l for rows r0 … r1−1, then the next block's start — or, after the last, the
 * head: norm, the logits and (with targets) their loss. */
static void rest_rows(Pass *p, int tid, int r0, int r1)
{
    const Llama *m = p->m;
    const LlamaConfig *c = &m->cfg;
    const LlamaBlock *k = &m->layers[p->l];
    LlamaWork *w = p->w;
    int l = p->l, n = r1 - r0, D = c->D, F = c->F;
    size_t o = (size_t)r0 * D, of = (size_t)r0 * F, nd = (size_t)n * D;
    /* attention half: mid = res + (attention output) woᵀ */
    mat_forward(w->mid[l] + o, w->atty[l] + o, k->wo, &k->qwo, n, D, D);
    add_rows(w->mid[l] + o, w->res[l] + o, nd);
    /* feed-forward half: res' = mid + (silu(f w1ᵀ) ⊙ f w3ᵀ) w2ᵀ, f = ffn_norm(mid) */
    rmsnorm_forward(w->xf[l] + o, w->rstd_f[l] + r0, w->mid[l] + o, k->ffn_norm, n, D);
    mat_forward(w->h1[l] + of, w->xf[l] + o, k->w1, &k->qw1, n, D, F);
    mat_forward(w->h3[l] + of, w->xf[l] + o, k->w3, &k->qw3, n, D, F);
    swiglu_forward(w->hg[l] + of, w->h1[l] + of, w->h3[l] + of, (size_t)n * F);
    mat_forward(w->res[l + 1] + o, w->hg[l] + of, k->w2, &k->qw2, n, F, D);
    add_rows(w->res[l + 1] + o, w->mid[l] + o, nd);
    if (l + 1 < c->L) {
        block_enter_rows(p, l + 1, r0, r1);
        return;
    }
    size_t ov = (size_t)r0 * c->V;
    rmsnorm_forward(w->xn + o, w->rstd_n + r0, w->res[c->L] + o, m->norm, n, D);
    mat_forward(w->logits + ov, w->xn + o, m->output, &m->qout, n, D, c->V);
    if (p->targets)
        p->loss[tid] += crossentropy_forward_sum(w->probs + ov, w->logits + ov, p->targets + r0, n, c->V, NULL);
}

static void fwd_rest(void *arg, int tid, int nth) { by_rows(arg, tid, nth, rest_rows); }

static void pass_init(Pass *p, const Llama *m, Llama *grad, LlamaWork *w, const int32_t *tokens,
                      const int32_t *targets, int B, int T)
{
    memset(p, 0, sizeof *p);
    p->m = m;
    p->grad = grad;
    p->w = w;
    p->tokens = tokens;
    p->targets = targets;
    p->B = B;
    p->T = T;
    p->N = B * T;
    if (targets)
        for (int n = 0; n < p->N; n++) p->count += targets[n] != TZ_IGNORE;
}

double llama_forward(const Llama *m, LlamaWork *w, const int32_t *tokens, const int32_t *targets, int B, int T)
{
    TZ_ASSERT(B >= 1 && T >= 1 && B <= w->B && T <= w->T);
    Pass p;
    pass_init(&p, m, NULL, w, tokens, targets, B, T);
    team(&p, fwd_start);                    /* x, then block 0's norm, q, k, v */
    for (p.l = 0; p.l < m->cfg.L; p.l++) {
        team(&p, fwd_attention);            /* block l's attention */
        team(&p, fwd_rest);                 /* the rest of block l (and the next one's start, or the head) */
    }
    if (!targets) return 0.0;
    double sum = 0;
    for (int t = 0; t < LLAMA_THREADS; t++) sum += p.loss[t];
    return p.count ? sum / p.count : 0.0;
}

/* ---- backward -------------------------------------------------------------------------- */

/* dX += dY W: (n × Out)(Out × In), for an input read by several products (the normed row feeds
 * wq, wk and wv; f feeds w1 and w3) */
static void linear_backward_dx_add(float *dX, const float *dY, const float *W, int n, int In, int Out)
{
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, In, Out, 1.0f, dY, Out, W, In, 1.0f, dX, In);
}

/* loss → logits → norm's output (dx) → the stream leaving the last block (dres), rows r0 … r1−1 */
static void head_back_rows(Pass *p, int tid, int r0, int r1)
{
    (void)tid;
    const Llama *m = p->m;
    const LlamaConfig *c = &m->cfg;
    LlamaWork *w = p->w;
    int D = c->D, V = c->V, n = r1 - r0;
    size_t o = (size_t)r0 * D, ov = (size_t)r0 * V;
    crossentropy_backward_of(w->dlogits + ov, w->probs + ov, p->targets + r0, n, V, p->count);
    linear_backward_dx(w->dx + o, w->dlogits + ov, m->output, n, D, V);
    rmsnorm_backward(w->dres + o, NULL, w->dx + o, w->res[c->L] + o, w->rstd_n + r0, m->norm, n, D);
}

static void bwd_head(void *arg, int tid, int nth) { by_rows(arg, tid, nth, head_back_rows); }

/* the head's parameters: the output layer's dW (V × D; tok_embeddings' when tied), norm's gain */
static void bwd_head_params(void *arg, int tid, int nth)
{
    Pass *p = arg;
    const LlamaConfig *c = &p->m->cfg;
    LlamaWork *w = p->w;
    int a, b;
    share(c->V, tid, nth, 1, &a, &b);
    linear_backward_params(p->grad->output, NULL, w->dlogits, w->xn, p->N, c->D, c->V, a, b);
    share(c->D, tid, nth, 16, &a, &b);
    rmsnorm_backward_params(p->grad->norm, w->dx, w->res[c->L], w->rstd_n, p->N, c->D, a, b);
}

/* Block l's feed-forward half and wo, rows r0 … r1−1. res' = mid + w2(hg): dres flows straight to
 * mid and through w2 to hg; mid = res + wo(atty) the same way. */
static void rest_back_rows(Pass *p, int tid, int r0, int r1)
{
    (void)tid;
    const LlamaConfig *c = &p->m->cfg;
    const LlamaBlock *k = &p->m->layers[p->l];
    LlamaWork *w = p->w;
    int l = p->l, D = c->D, F = c->F, n = r1 - r0;
    size_t o = (size_t)r0 * D, of = (size_t)r0 * F;
    linear_backward_dx(w->dhg + of, w->dres + o, k->w2, n, F, D);
    swiglu_backward(w->dh1 + of, w->dh3 + of, w->dhg + of, w->h1[l] + of, w->h3[l] + of, (size_t)n * F);
    linear_backward_dx(w->dxf + o, w->dh1 + of, k->w1, n, D, F);
    linear_backward_dx_add(w->dxf + o, w->dh3 + of, k->w3, n, D, F);
    rmsnorm_backward(w->dmid + o, NULL, w->dxf + o, w->mid[l] + o, w->rstd_f[l] + r0, k->ffn_norm, n, D);
    add_rows(w->dmid + o, w->dres + o, (size_t)n * D);
    linear_backward_dx(w->datty + o, w->dmid + o, k->wo, n, D, D);
}

static void bwd_rest(void *arg, int tid, int nth) { by_rows(arg, tid, nth, rest_back_rows); }

static void bwd_attention(void *arg, int tid, int nth)
{
    Pass *p = arg;
    const LlamaConfig *c = &p->m->cfg;
    LlamaWork *w = p->w;
    int u0, u1, l = p->l;
    share(p->B * c->Hkv, tid, nth, 1, &u0, &u1);
    if (u1 > u0)
        gqa_backward_part(w->dq, w->dk, w->dv, w->datty, w->q[l], w->k[l], w->v[l], w->att[l], p->B, p->T, c->H,
                          c->Hkv, c->D / c->H, w->scratch + (size_t)tid * p->T * p->T, u0, u1);
}

/* RoPE's gradient (the inverse rotation), q, k, v's input and attention_norm, rows r0 … r1−1:
 * dres2 = dmid + attention_norm's share, the gradient of the stream entering block l */
static void enter_back_rows(Pass *p, int tid, int r0, int r1)
{
    (void)tid;
    const LlamaConfig *c = &p->m->cfg;
    const LlamaBlock *k = &p->m->layers[p->l];
    LlamaWork *w = p->w;
    int l = p->l, D = c->D, n = r1 - r0, hs = D / c->H, KV = c->Hkv * hs;
    size_t o = (size_t)r0 * D, okv = (size_t)r0 * KV;
    rope_rows(w->dq, r0, r1, p->T, c->H, hs, w, 1);
    rope_rows(w->dk, r0, r1, p->T, c->Hkv, hs, w, 1);
    linear_backward_dx(w->dx + o, w->dq + o, k->wq, n, D, D);
    linear_backward_dx_add(w->dx + o, w->dk + okv, k->wk, n, D, KV);
    linear_backward_dx_add(w->dx + o, w->dv + okv, k->wv, n, D, KV);
    rmsnorm_backward(w->dres2 + o, NULL, w->dx + o, w->res[l] + o, w->rstd_a[l] + r0, k->attention_norm, n, D);
    add_rows(w->dres2 + o, w->dmid + o, (size_t)n * D);
}

static void bwd_enter(void *arg, int tid, int nth) { by_rows(arg, tid, nth, enter_back_rows); }

/* Block l's parameter gradients, each split by its own rows (the gains by entries). */
static void bwd_params(void *arg, int tid, int nth)
{
    Pass *p = arg;
    const LlamaConfig *c = &p->m->cfg;
    LlamaWork *w = p->w;
    LlamaBlock *dk = &p->grad->layers[p->l];
    int l = p->l, D = c->D, F = c->F, N = p->N, KV = c->Hkv * (D / c->H), a, b;
    share(D, tid, nth, 1, &a, &b);
    linear_backward_params(dk->w2, NULL, w->dres, w->hg[l], N, F, D, a, b);
    linear_backward_params(dk->wo, NULL, w->dmid, w->atty[l], N, D, D, a, b);
    linear_backward_params(dk->wq, NULL, w->dq, w->xa[l], N, D, D, a, b);
    share(F, tid, nth, 1, &a, &b);
    linear_backward_params(dk->w1, NULL, w->dh1, w->xf[l], N, D, F, a, b);
    linear_backward_params(dk->w3, NULL, w->dh3, w->xf[l], N, D, F, a, b);
    share(KV, tid, nth, 1, &a, &b);
    linear_backward_params(dk->wk, NULL, w->dk, w->xa[l], N, D, KV, a, b);
    linear_backward_params(dk->wv, NULL, w->dv, w->xa[l], N, D, KV, a, b);
    share(D, tid, nth, 16, &a, &b);
    rmsnorm_backward_params(dk->ffn_norm, w->dxf, w->mid[l], w->rstd_f[l], N, D, a, b);
    rmsnorm_backward_params(dk->attention_norm, w->dx, w->res[l], w->rstd_a[l], N, D, a, b);
}

void llama_backward(const Llama *m, Llama *grad, LlamaWork *w, const int32_t *tokens, const int32_t *targets, int B,
                    int T)
{
    TZ_ASSERT(m->nq8 == 0 && grad->nq8 == 0);   /* a Q8_0 model is not trained */
    Pass p;
    pass_init(&p, m, grad, w, tokens, targets, B, T);
    team(&p, bwd_head);                     /* dres: the gradient of the stream leaving the last block */
    team(&p, bwd_head_params);
    for (p.l = m->cfg.L - 1; p.l >= 0; p.l--) {
        team(&p, bwd_rest);                 /* through the feed-forward half to mid, then to wo's input */
        team(&p, bwd_attention);            /* to q, k, v (before RoPE's inverse) */
        team(&p, bwd_enter);                /* to the stream entering the block: dres2 */
        team(&p, bwd_params);               /* the block's weights and gains */
        float *t = w->dres;                 /* the stream below becomes the one above the next block */
        w->dres = w->dres2;
        w->dres2 = t;
    }
    /* the embedding: row n was tok_embeddings[token n] */
    embedding_backward(grad->tok_embeddings, NULL, w->dres, tokens, B, T, m->cfg.D);
}
