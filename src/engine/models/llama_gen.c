/* llama_gen.c — LLaMA's key/value cache and generation (see llama_gen.h). */
#include "models/llama_gen.h"
/* before cblas.h: its complex.h defines I, a parameter name in recurrent.h */
#include "nn/recurrent.h"

#include <cblas.h>
#include <math.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "nn/layers.h"
#include "nn/llama_layers.h"
#include "nn/q8.h"
#include "nn/vmath.h"

/* ---- the cache ------------------------------------------------------------------------------ */

/* The widest input of a product: D, or F for w2. */
static size_t widest(const LlamaConfig *c)
{
    return (size_t)(c->F > c->D ? c->F : c->D);
}

static void kv_sizes(const LlamaConfig *c, size_t *nf, size_t *ni, size_t *nb)
{
    *nf = *ni = *nb = 0;
    if (!llama_config_ok(c)) return;
    double hs = (double)c->D / c->H, KVd = c->Hkv * hs;
    if (2.0 * c->L * c->C * KVd + (double)c->L * c->H * c->C + 3.0 * c->V + (double)c->C * hs > 1e15) return;
    size_t V = (size_t)c->V, C = (size_t)c->C, D = (size_t)c->D, L = (size_t)c->L, H = (size_t)c->H;
    size_t F = (size_t)c->F, KV = (size_t)c->Hkv * (D / H), R = LLAMA_KV_CHUNK, A = widest(c), T = LLAMA_THREADS;
    *nf = 2 * L * C * KV                   /* k, v */
          + L * H * C                      /* att */
          + 2 * V                          /* logits, probs */
          + R * (5 * D + 2 * KV + 2 * F) + R /* x, xn, q, atty, proj; kk, vv; h1, h3; rstd */
          + H * C                          /* scores */
          + C * (D / H)                    /* rope_cos, rope_sin: C × hs/2 each */
          + T * D + F + T * (A / Q8_BLOCK + 1); /* txn, hg, tda */
    *ni = C + V;
    *nb = T * A;                           /* tqa */
}

size_t llama_kv_bytes(const LlamaConfig *cfg)
{
    size_t nf, ni, nb;
    kv_sizes(cfg, &nf, &ni, &nb);
    return nf * sizeof(float) + ni * sizeof(int32_t) + nb;
}

int llama_kv_alloc(LlamaKV *kv, const LlamaConfig *cfg)
{
    memset(kv, 0, sizeof *kv);
    size_t nf, ni, nb;
    kv_sizes(cfg, &nf, &ni, &nb);
    if (!nf) return -1;
    kv->mem = malloc(nf * sizeof *kv->mem);
    kv->imem = malloc(ni * sizeof *kv->imem);
    kv->bmem = malloc(nb);
    if (!kv->mem || !kv->imem || !kv->bmem) {
        llama_kv_free(kv);
        return -1;
    }
    kv->cfg = *cfg;
    size_t V = (size_t)cfg->V, C = (size_t)cfg->C, D = (size_t)cfg->D, L = (size_t)cfg->L, H = (size_t)cfg->H;
    size_t F = (size_t)cfg->F, hs = D / H, KV = (size_t)cfg->Hkv * hs, R = LLAMA_KV_CHUNK, A = widest(cfg);
    size_t T = LLAMA_THREADS;
    float *p = kv->mem;
#define TAKE(ptr, count) do { (ptr) = p; p += (count); } while (0)
    TAKE(kv->k, L * C * KV);
    TAKE(kv->v, L * C * KV);
    TAKE(kv->att, L * H * C);
    TAKE(kv->logits, V);
    TAKE(kv->probs, V);
    TAKE(kv->x, R * D);
    TAKE(kv->xn, R * D);
    TAKE(kv->q, R * D);
    TAKE(kv->atty, R * D);
    TAKE(kv->proj, R * D);
    TAKE(kv->kk, R * KV);
    TAKE(kv->vv, R * KV);
    TAKE(kv->h1, R * F);
    TAKE(kv->h3, R * F);
    TAKE(kv->rstd, R);
    TAKE(kv->scores, H * C);
    TAKE(kv->rope_cos, C * hs / 2);
    TAKE(kv->rope_sin, C * hs / 2);
    TAKE(kv->txn, T * D);
    TAKE(kv->hg, F);
    TAKE(kv->tda, T * (A / Q8_BLOCK + 1));
#undef TAKE
    kv->ids = kv->imem;
    kv->order = kv->imem + C;
    kv->tqa = kv->bmem;
    rope_table(kv->rope_cos, kv->rope_sin, (int)C, (int)hs, TZ_ROPE_THETA);
    /* nothing fed yet: the views see zeros, not garbage */
    memset(kv->att, 0, L * H * C * sizeof *kv->att);
    memset(kv->logits, 0, V * sizeof *kv->logits);
    memset(kv->probs, 0, V * sizeof *kv->probs);
    for (size_t i = 0; i < V; i++) kv->order[i] = (int32_t)i;
    return 0;
}

void llama_kv_free(LlamaKV *kv)
{
    free(kv->mem);
    free(kv->imem);
    free(kv->bmem);
    memset(kv, 0, sizeof *kv);
}

void llama_kv_reset(LlamaKV *kv)
{
    kv->pos = 0;
}

/* ---- products -------------------------------------------------------------------------------- */

/* y[r] (+)= W[r] · x for rows r0 … r1−1 of a float matrix (In columns): four rows at a time, so
 * that x is read once for four and four sums run side by side. This is where a token's time goes:
 * the loop streams the weights from memory (VMATH_CLONES: AVX-512 or AVX2 where the processor
 * has them). keep: the rows are fetched to stay in the caches (the blocks' matrices: stories15M's
 * 24 MB fit in a 32 MB L3 from one token to the next); otherwise as data used once (the output
 * layer's 37 MB, which would push the blocks out), so that what is read from memory each token is
 * mostly the output layer. */
VMATH_CLONES static void mv_f32(float *y, const float *W, const float *x, int In, int r0, int r1, int add, int keep)
{
    int r = r0;
    for (; r + 4 <= r1; r += 4) {
        const float *w0 = W + (size_t)r * In, *w1 = w0 + In, *w2 = w1 + In, *w3 = w2 + In;
        /* ask for the rows two groups ahead now: each group ends in a chain of adds that holds the
         * processor back from running ahead to the next loads by itself (measured: 2–3× the
         * bandwidth on this machine). A prefetch past the end is harmless (never a fault). */
        if (r + 12 <= r1) {
            const char *pf = (const char *)(w0 + (size_t)8 * In);
            if (keep)
                for (int o = 0; o < 4 * In * (int)sizeof(float); o += 64) __builtin_prefetch(pf + o, 0, 3);
            else
                for (int o = 0; o < 4 * In * (int)sizeof(float); o += 64) __builtin_prefetch(pf + o, 0, 0);
        }
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
#pragma omp simd reduction(+ : s0, s1, s2, s3)
        for (int i = 0; i < In; i++) {
            float xi = x[i];
            s0 += w0[i] * xi;
            s1 += w1[i] * xi;
            s2 += w2[i] * xi;
            s3 += w3[i] * xi;
        }
        if (add) y[r] += s0, y[r + 1] += s1, y[r + 2] += s2, y[r + 3] += s3;
        else y[r] = s0, y[r + 1] = s1, y[r + 2] = s2, y[r + 3] = s3;
    }
    for (; r < r1; r++) {
        const float *w0 = W + (size_t)r * In;
        float s0 = 0;
#pragma omp simd reduction(+ : s0)
        for (int i = 0; i < In; i++) s0 += w0[i] * x[i];
        y[r] = add ? y[r] + s0 : s0;
    }
}

/* An input vector ready for either kind of matrix: x itself, and (when the model has Q8_0
 * matrices) its quantised form. */
typedef struct {
    const float *x;
    const int8_t *qa;
    const float *da;
} Input;

/* y[r] (+)= W[r] · x, rows r0 … r1−1, W float (w) or Q8_0 (q). The Q8_0 product writes into a
 * small buffer first when adding (its kernel writes y). */
static void mv_rows(float *y, const float *w, const Q8Mat *q, const Input *in, int In, int r0, int r1, int add,
                    int keep)
{
    if (r1 <= r0) return;
    if (w) {
        mv_f32(y, w, in->x, In, r0, r1, add, keep);
        return;
    }
    if (!add) {
        q8_matvec(y, q, in->qa, in->da, r0, r1);
        return;
    }
    float t[64];
    for (int a = r0; a < r1; a += 64) {
        int b = a + 64 < r1 ? a + 64 : r1;
        q8_matvec(t - a, q, in->qa, in->da, a, b);
        for (int r = a; r < b; r++) y[r] += t[r - a];
    }
}

/* Y (R × Out) = X (R × In) Wᵀ, no bias (LLaMA has none), for a chunk of R > 1 tokens on one
 * thread: float matrices through linear_forward's sgemm, Q8_0 ones row by row (qa, da: room for
 * one quantised row). */
static void lin(float *Y, const float *X, const float *W, const Q8Mat *Q, int R, int In, int Out, int8_t *qa,
                float *da)
{
    if (W) {
        linear_forward(Y, X, W, NULL, R, In, Out);
        return;
    }
    for (int r = 0; r < R; r++) {
        q8_quantize_act(X + (size_t)r * In, In, qa, da);
        q8_matvec(Y + (size_t)r * Out, Q, qa, da, 0, Out);
    }
}

static void add_rows(float *restrict y, const float *restrict x, size_t n)
{
    for (size_t i = 0; i < n; i++) y[i] += x[i];
}

/* The attention of one token at position p for query heads h0 … h1−1 (its query q: H heads × hs,
 * already turned; the cache holds the keys and values of positions 0 … p, itself included). For
 * query head h, with g = h / (H/Hkv) its key/value head:
 *   a_h[j] = softmax_j(q_h · K[j]_g / √hs)  over j ≤ p     (kept in scores, row h of C)
 *   out_h  = Σ_j a_h[j] · V[j]_g                           (written at head h's columns)
 * Vector loops (vmath.h's exp, within 1.5·10⁻⁷ of libm's): small next to the products. */
VMATH_CLONES static void attend_heads(float *out, float *scores, const float *q, const float *K, const float *Vc,
                                      int p, int C, int H, int Hkv, int hs, int h0, int h1)
{
    int KV = Hkv * hs, group = H / Hkv;
    float scale = 1.0f / sqrtf((float)hs);
    for (int h = h0; h < h1; h++) {
        const float *qh = q + h * hs;
        int g = h / group;
        float *a = scores + (size_t)h * C, m = -INFINITY, sum = 0;
        for (int j = 0; j <= p; j++) {
            const float *kj = K + (size_t)j * KV + g * hs;
            float s = 0;
#pragma omp simd reduction(+ : s)
            for (int i = 0; i < hs; i++) s += qh[i] * kj[i];
            a[j] = s * scale;
            m = a[j] > m ? a[j] : m;
        }
        /* subtracting the largest score keeps exp finite */
#pragma omp simd reduction(+ : sum)
        for (int j = 0; j <= p; j++) {
            a[j] = vexp(a[j] - m);
            sum += a[j];
        }
        float inv = 1.0f / sum, *oh = out + h * hs;
        memset(oh, 0, (size_t)hs * sizeof *oh);
        for (int j = 0; j <= p; j++) {
            a[j] *= inv;
            const float *vj = Vc + (size_t)j * KV + g * hs;
            float aj = a[j];
#pragma omp simd
            for (int i = 0; i < hs; i++) oh[i] += aj * vj[i];
        }
    }
}

/* ---- one token on the team ---------------------------------------------------------------------- */

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

typedef struct {
    const Llama *m;
    LlamaKV *kv;
    int head;                       /* compute the logits too */
    atomic_int count, gen;          /* the barrier */
} Step;

/* Every thread waits here until all nth have arrived; the last one lets them go. They spin (a
 * step between two meetings takes microseconds), giving the core away if it takes long. */
static void step_barrier(Step *s, int nth)
{
    if (nth <= 1) return;
    int gen = atomic_load_explicit(&s->gen, memory_order_acquire);
    if (atomic_fetch_add_explicit(&s->count, 1, memory_order_acq_rel) == nth - 1) {
        atomic_store_explicit(&s->count, 0, memory_order_relaxed);
        atomic_fetch_add_explicit(&s->gen, 1, memory_order_release);
        return;
    }
    for (int spin = 0; atomic_load_explicit(&s->gen, memory_order_acquire) == gen; spin++) {
        if (spin < 2000) cpu_relax();
        else sched_yield();
    }
}

/* Part tid of nth of n rows: [*a, *b), the cuts on multiples of 16 (no two threads write into one
 * cache line of the output; RoPE's pairs stay whole). */
static void share(int n, int tid, int nth, int *a, int *b)
{
    int units = (n + 15) / 16;
    *a = (int)((long)units * tid / nth) * 16;
    *b = (int)((long)units * (tid + 1) / nth) * 16;
    if (*a > n) *a = n;
    if (*b > n) *b = n;
}

/* This thread's input: x (D or F numbers), quantised into its own buffers when the model has Q8_0
 * matrices (each thread does it for itself: a few hundred numbers, cheaper than a meeting). */
static Input input_of(const Llama *m, LlamaKV *kv, int tid, const float *x, int n)
{
    Input in = {x, NULL, NULL};
    if (m->nq8 && n % Q8_BLOCK == 0) {
        size_t A = widest(&m->cfg);
        int8_t *qa = kv->tqa + (size_t)tid * A;
        float *da = kv->tda + (size_t)tid * (A / Q8_BLOCK + 1);
        q8_quantize_act(x, n, qa, da);
        in.qa = qa, in.da = da;
    }
    return in;
}

/* Turn the pairs of rows a … b−1 of a q or k row (one token at position pos) by RoPE's angles. */
static void rope_part(float *x, int a, int b, int hs, int pos, const float *cos_t, const float *sin_t)
{
    const float *c = cos_t + (size_t)pos * (hs / 2), *s = sin_t + (size_t)pos * (hs / 2);
    for (int j = a; j < b; j += 2) {
        int i = (j % hs) / 2;
        float x0 = x[j], x1 = x[j + 1];
        x[j] = x0 * c[i] - x1 * s[i];
        x[j + 1] = x0 * s[i] + x1 * c[i];
    }
}

/* One token at position kv->pos through every block: thread tid of nth. x (kv->x's first row) holds
 * its embedding. */
static void step_work(void *arg, int tid, int nth)
{
    Step *st = arg;
    const Llama *m = st->m;
    LlamaKV *kv = st->kv;
    const LlamaConfig *c = &m->cfg;
    int D = c->D, L = c->L, H = c->H, Hkv = c->Hkv, C = c->C, F = c->F, hs = D / H, KV = Hkv * hs, pos = kv->pos;
    float *x = kv->x, *xn = kv->txn + (size_t)tid * D, rstd;
    int a, b;
    for (int l = 0; l < L; l++) {
        const LlamaBlock *bl = &m->layers[l];
        float *K = kv->k + (size_t)l * C * KV, *Vc = kv->v + (size_t)l * C * KV;
        float *krow = K + (size_t)pos * KV, *vrow = Vc + (size_t)pos * KV;
        /* q, k, v: the rows of wq, wk and wv stacked (D + 2·KV of them) are shared out; k and v
         * go straight into the cache at this position, q and k turned by RoPE */
        rmsnorm_forward(xn, &rstd, x, bl->attention_norm, 1, D);
        Input in = input_of(m, kv, tid, xn, D);
        share(D + 2 * KV, tid, nth, &a, &b);
        int qa = a < D ? a : D, qb = b < D ? b : D;
        mv_rows(kv->q, bl->wq, &bl->qwq, &in, D, qa, qb, 0, 1);
        rope_part(kv->q, qa, qb, hs, pos, kv->rope_cos, kv->rope_sin);
        int ka = a - D < 0 ? 0 : a - D > KV ? KV : a - D, kb = b - D < 0 ? 0 : b - D > KV ? KV : b - D;
        mv_rows(krow, bl->wk, &bl->qwk, &in, D, ka, kb, 0, 1);
        rope_part(krow, ka, kb, hs, pos, kv->rope_cos, kv->rope_sin);
        int va = a - D - KV < 0 ? 0 : a - D - KV, vb = b - D - KV < 0 ? 0 : b - D - KV;
        mv_rows(vrow, bl->wv, &bl->qwv, &in, D, va, vb, 0, 1);
        step_barrier(st, nth);
        /* attention, by query heads; each head's row of scores is kept for the views */
        int h0 = (int)((long)H * tid / nth), h1 = (int)((long)H * (tid + 1) / nth);
        attend_heads(kv->atty, kv->scores, kv->q, K, Vc, pos, C, H, Hkv, hs, h0, h1);
        float *att = kv->att + (size_t)l * H * C;
        for (int h = h0; h < h1; h++)
            memcpy(att + (size_t)h * C, kv->scores + (size_t)h * C, (size_t)(pos + 1) * sizeof *att);
        step_barrier(st, nth);
        /* x += wo · attention */
        in = input_of(m, kv, tid, kv->atty, D);
        share(D, tid, nth, &a, &b);
        mv_rows(x, bl->wo, &bl->qwo, &in, D, a, b, 1, 1);
        step_barrier(st, nth);
        /* hg = silu(w1 f) ⊙ w3 f, f = ffn_norm(x), by rows of w1 and w3 */
        rmsnorm_forward(xn, &rstd, x, bl->ffn_norm, 1, D);
        in = input_of(m, kv, tid, xn, D);
        share(F, tid, nth, &a, &b);
        mv_rows(kv->h1, bl->w1, &bl->qw1, &in, D, a, b, 0, 1);
        mv_rows(kv->h3, bl->w3, &bl->qw3, &in, D, a, b, 0, 1);
        if (b > a) swiglu_forward(kv->hg + a, kv->h1 + a, kv->h3 + a, (size_t)(b - a));
        step_barrier(st, nth);
        /* x += w2 · hg */
        in = input_of(m, kv, tid, kv->hg, F);
        share(D, tid, nth, &a, &b);
        mv_rows(x, bl->w2, &bl->qw2, &in, F, a, b, 1, 1);
        step_barrier(st, nth);
    }
    if (!st->head) return;
    /* the head: logits = output · norm(x), a V × D product, by rows */
    rmsnorm_forward(xn, &rstd, x, m->norm, 1, D);
    Input in = input_of(m, kv, tid, xn, D);
    share(c->V, tid, nth, &a, &b);
    mv_rows(kv->logits, m->output, &m->qout, &in, D, a, b, 0, 0);
}

/* How many threads a token deserves: a small model (the tests' tiny ones) is done before a second
 * thread would have woken. */
static int step_threads(LlamaKV *kv, const LlamaConfig *c, int *timed)
{
    double work = (double)c->L * (2.0 * c->D * c->D + 2.0 * c->D * c->Hkv * (c->D / c->H) + 3.0 * c->D * c->F) +
                  (double)c->V * c->D;
    *timed = 0;
    if (work < 2e5) return 1;
    int cap = llama_get_threads();
    if (cap > 0) return cap < LLAMA_THREADS ? cap : LLAMA_THREADS;
    /* measured: the team at first and every 32nd token, alone on the token after, else the faster */
    unsigned long k = kv->steps % 32;
    *timed = 1;
    int team = k == 0 ? 1 : k == 1 ? 0 : kv->t_team <= kv->t_solo;
    return team ? LLAMA_THREADS : 1;
}

static void feed_one(const Llama *m, LlamaKV *kv, int32_t id, int head)
{
    const LlamaConfig *c = &m->cfg;
    int D = c->D;
    TZ_ASSERT(id >= 0 && id < c->V && kv->pos < c->C);
    if (m->tok_embeddings) memcpy(kv->x, m->tok_embeddings + (size_t)id * D, (size_t)D * sizeof *kv->x);
    else q8_dequantize(m->qtok.q + (size_t)id * D, m->qtok.d + (size_t)id * (D / Q8_BLOCK), (size_t)D, kv->x);
    kv->ids[kv->pos] = id;
    Step st = {.m = m, .kv = kv, .head = head};
    atomic_init(&st.count, 0);
    atomic_init(&st.gen, 0);
    int timed, want = step_threads(kv, c, &timed);
    double t0 = timed ? tz_now() : 0;
    cell_team_run(step_work, &st, want);
    if (timed) {
        double dt = tz_now() - t0, *avg = want > 1 ? &kv->t_team : &kv->t_solo;
        *avg = *avg > 0 ? 0.75 * *avg + 0.25 * dt : dt;
    }
    kv->steps++;
    kv->pos++;
}

/* ---- a chunk of tokens (a prompt) ------------------------------------------------------------- */

/* Feed R ≤ LLAMA_KV_CHUNK tokens at positions pos … pos+R−1 through every block, adding their
 * keys and values to the cache; with head set, the logits of the last one too. The products are
 * matrix products (R rows at once) on the calling thread. */
static void feed_chunk(const Llama *m, LlamaKV *kv, const int32_t *ids, int R, int head)
{
    const LlamaConfig *c = &m->cfg;
    int D = c->D, L = c->L, H = c->H, Hkv = c->Hkv, C = c->C, V = c->V, F = c->F, hs = D / H, KV = Hkv * hs;
    int pos0 = kv->pos;
    size_t RD = (size_t)R * D;
    int8_t *qa = kv->tqa;
    float *da = kv->tda;
    TZ_ASSERT(R >= 1 && R <= LLAMA_KV_CHUNK && pos0 + R <= C);
    if (R == 1) {
        feed_one(m, kv, ids[0], head);
        return;
    }

    /* x = tok_embeddings[token]; the position comes in through RoPE below */
    for (int r = 0; r < R; r++) {
        TZ_ASSERT(ids[r] >= 0 && ids[r] < V);
        float *xr = kv->x + (size_t)r * D;
        if (m->tok_embeddings) memcpy(xr, m->tok_embeddings + (size_t)ids[r] * D, (size_t)D * sizeof *xr);
        else q8_dequantize(m->qtok.q + (size_t)ids[r] * D, m->qtok.d + (size_t)ids[r] * (D / Q8_BLOCK), (size_t)D, xr);
        kv->ids[pos0 + r] = ids[r];
    }
    for (int l = 0; l < L; l++) {
        const LlamaBlock *b = &m->layers[l];
        float *K = kv->k + (size_t)l * C * KV, *Vc = kv->v + (size_t)l * C * KV;
        /* attention half: x += wo(gqa(rope(q), rope(k), v)) */
        rmsnorm_forward(kv->xn, kv->rstd, kv->x, b->attention_norm, R, D);
        lin(kv->q, kv->xn, b->wq, &b->qwq, R, D, D, qa, da);
        lin(kv->kk, kv->xn, b->wk, &b->qwk, R, D, KV, qa, da);
        lin(kv->vv, kv->xn, b->wv, &b->qwv, R, D, KV, qa, da);
        /* row r is at position pos0 + r: one "sequence" of R rows starting at pos0 */
        rope_forward(kv->q, R, R, pos0, H, hs, kv->rope_cos, kv->rope_sin);
        rope_forward(kv->kk, R, R, pos0, Hkv, hs, kv->rope_cos, kv->rope_sin);
        /* the chunk's keys and values join the cache first, so each token sees itself */
        memcpy(K + (size_t)pos0 * KV, kv->kk, (size_t)R * KV * sizeof *K);
        memcpy(Vc + (size_t)pos0 * KV, kv->vv, (size_t)R * KV * sizeof *Vc);
        for (int r = 0; r < R; r++)
            attend_heads(kv->atty + (size_t)r * D, kv->scores, kv->q + (size_t)r * D, K, Vc, pos0 + r, C, H, Hkv, hs,
                         0, H);
        /* scores now hold the last token's rows: keep them for the views */
        float *att = kv->att + (size_t)l * H * C;
        for (int h = 0; h < H; h++)
            memcpy(att + (size_t)h * C, kv->scores + (size_t)h * C, (size_t)(pos0 + R) * sizeof *att);
        lin(kv->proj, kv->atty, b->wo, &b->qwo, R, D, D, qa, da);
        add_rows(kv->x, kv->proj, RD);
        /* feed-forward half: x += w2(silu(w1 f) ⊙ w3 f), f = ffn_norm(x) */
        rmsnorm_forward(kv->xn, kv->rstd, kv->x, b->ffn_norm, R, D);
        lin(kv->h1, kv->xn, b->w1, &b->qw1, R, D, F, qa, da);
        lin(kv->h3, kv->xn, b->w3, &b->qw3, R, D, F, qa, da);
        swiglu_forward(kv->h1, kv->h1, kv->h3, (size_t)R * F);
        lin(kv->proj, kv->h1, b->w2, &b->qw2, R, F, D, qa, da);
        add_rows(kv->x, kv->proj, RD);
    }
    kv->pos = pos0 + R;
    if (!head) return;
    /* the head, for the last token only: logits = output · norm(x) */
    memcpy(kv->x, kv->x + (size_t)(R - 1) * D, (size_t)D * sizeof *kv->x);
    rmsnorm_forward(kv->xn, kv->rstd, kv->x, m->norm, 1, D);
    Input in = input_of(m, kv, 0, kv->xn, D);
    mv_rows(kv->logits, m->output, &m->qout, &in, D, 0, V, 0, 0);
}

static int same_cfg(const LlamaConfig *a, const LlamaConfig *b)
{
    return a->V == b->V && a->C == b->C && a->D == b->D && a->L == b->L && a->H == b->H && a->Hkv == b->Hkv &&
           a->F == b->F;
}

/* Feed n tokens chunk by chunk; 1 if job was cancelled between two chunks, else 0. */
static int feed(const Llama *m, LlamaKV *kv, const int32_t *ids, size_t n, Job *job)
{
    TZ_ASSERT(n >= 1 && n <= (size_t)(kv->cfg.C - kv->pos));
    TZ_ASSERT(same_cfg(&kv->cfg, &m->cfg)); /* a cache made for this model's shape */
    for (size_t i = 0; i < n; i += LLAMA_KV_CHUNK) {
        if (i > 0 && job_cancelled(job)) return 1;
        int R = (int)(n - i < LLAMA_KV_CHUNK ? n - i : LLAMA_KV_CHUNK);
        feed_chunk(m, kv, ids + i, R, i + (size_t)R == n);
    }
    return 0;
}

const float *llama_kv_feed(const Llama *m, LlamaKV *kv, const int32_t *ids, size_t n)
{
    feed(m, kv, ids, n, NULL);
    return kv->logits;
}

const float *llama_kv_step(const Llama *m, LlamaKV *kv, int32_t token)
{
    return llama_kv_feed(m, kv, &token, 1);
}

/* ---- generation ------------------------------------------------------------------------------ */

/* The shared loop sees the model and its cache as void pointers. */
static int feed_any(const void *model, void *kv, const int32_t *ids, size_t n, Job *job)
{
    return feed(model, kv, ids, n, job);
}

static void reset_any(void *kv)
{
    llama_kv_reset(kv);
}

long llama_generate(const Llama *m, LlamaKV *kv, const int32_t *prompt, size_t np, const LlamaGenParams *p,
                    LlamaTokenFn cb, void *arg, size_t *cut, Job *job, TzErr *e)
{
    const LlamaConfig *c = &m->cfg;
    if (cut) *cut = 0;
    if (gen_check_prompt(prompt, np, c->V, e)) return -1;
    if (!kv->mem || !same_cfg(&kv->cfg, c)) {
        llama_kv_free(kv);
        if (llama_kv_alloc(kv, c) != 0) {
            tz_errf(e, TZ_E_NOMEM, "üretim önbelleği için bellek yetmedi (%.0f MB gerekiyor).",
                    "not enough memory for the generation cache (%.0f MB needed).", llama_kv_bytes(c) / 1e6);
            return -1;
        }
    }
    /* the shared loop (models/gen_loop.c) drives this model's cache */
    GenCache gc = { .model = m, .kv = kv, .V = c->V, .C = c->C, .feed = feed_any, .reset = reset_any,
                    .pos = &kv->pos, .ids = kv->ids, .logits = kv->logits, .probs = kv->probs, .order = kv->order,
                    .kept = &kv->kept };
    return gen_loop(&gc, prompt, np, p, cb, arg, cut, job);
}
