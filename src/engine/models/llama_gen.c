/* llama_gen.c — LLaMA's key/value cache and generation (see llama_gen.h). */
#include "models/llama_gen.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nn/layers.h"
#include "nn/llama_layers.h"

/* ---- the cache ------------------------------------------------------------------------------ */

static void kv_sizes(const LlamaConfig *c, size_t *nf, size_t *ni)
{
    *nf = *ni = 0;
    if (!llama_config_ok(c)) return;
    double hs = (double)c->D / c->H, KVd = c->Hkv * hs;
    if (2.0 * c->L * c->C * KVd + (double)c->L * c->H * c->C + 3.0 * c->V + (double)c->C * hs > 1e15) return;
    size_t V = (size_t)c->V, C = (size_t)c->C, D = (size_t)c->D, L = (size_t)c->L, H = (size_t)c->H;
    size_t F = (size_t)c->F, KV = (size_t)c->Hkv * (D / H), R = LLAMA_KV_CHUNK;
    *nf = 2 * L * C * KV                   /* k, v */
          + L * H * C                      /* att */
          + 2 * V                          /* logits, probs */
          + R * (5 * D + 2 * KV + 2 * F) + R /* x, xn, q, atty, proj; kk, vv; h1, h3; rstd */
          + H * C                          /* scores */
          + C * (D / H);                   /* rope_cos, rope_sin: C × hs/2 each */
    *ni = C + V;
}

size_t llama_kv_bytes(const LlamaConfig *cfg)
{
    size_t nf, ni;
    kv_sizes(cfg, &nf, &ni);
    return nf * sizeof(float) + ni * sizeof(int32_t);
}

int llama_kv_alloc(LlamaKV *kv, const LlamaConfig *cfg)
{
    memset(kv, 0, sizeof *kv);
    size_t nf, ni;
    kv_sizes(cfg, &nf, &ni);
    if (!nf) return -1;
    kv->mem = malloc(nf * sizeof *kv->mem);
    kv->imem = malloc(ni * sizeof *kv->imem);
    if (!kv->mem || !kv->imem) {
        llama_kv_free(kv);
        return -1;
    }
    kv->cfg = *cfg;
    size_t V = (size_t)cfg->V, C = (size_t)cfg->C, D = (size_t)cfg->D, L = (size_t)cfg->L, H = (size_t)cfg->H;
    size_t F = (size_t)cfg->F, hs = D / H, KV = (size_t)cfg->Hkv * hs, R = LLAMA_KV_CHUNK;
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
#undef TAKE
    kv->ids = kv->imem;
    kv->order = kv->imem + C;
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
    memset(kv, 0, sizeof *kv);
}

void llama_kv_reset(LlamaKV *kv)
{
    kv->pos = 0;
}

/* ---- one chunk of tokens --------------------------------------------------------------------- */

/* Y (R × Out) = X (R × In) Wᵀ, no bias (LLaMA has none). One row is a matrix-vector product:
 * cblas_sgemv reads W once, row after row — all a generated token costs; more rows (a prefill)
 * go to linear_forward's sgemm. */
static void lin(float *Y, const float *X, const float *W, int R, int In, int Out)
{
    if (R > 1)
        linear_forward(Y, X, W, NULL, R, In, Out);
    else
        cblas_sgemv(CblasRowMajor, CblasNoTrans, Out, In, 1.0f, W, In, X, 1, 0.0f, Y, 1);
}

static void add_rows(float *restrict y, const float *restrict x, size_t n)
{
    for (size_t i = 0; i < n; i++) y[i] += x[i];
}

/* The attention of one token at position p (its query q: H heads × hs, already turned; the
 * cache holds the keys and values of positions 0 … p, itself included). For query head h, with
 * g = h / (H/Hkv) its key/value head:
 *   a_h[j] = softmax_j(q_h · K[j]_g / √hs)  over j ≤ p     (kept in scores, row h of C)
 *   out_h  = Σ_j a_h[j] · V[j]_g                           (written at head h's columns)
 * Plain loops in float: a step's attention is small next to its matrix-vector products. */
static void attend_one(float *out, float *scores, const float *q, const float *K, const float *Vc, int p, int C,
                       int H, int Hkv, int hs)
{
    int KV = Hkv * hs, group = H / Hkv;
    float scale = 1.0f / sqrtf((float)hs);
    for (int h = 0; h < H; h++) {
        const float *qh = q + h * hs;
        int g = h / group;
        float *a = scores + (size_t)h * C, m = -INFINITY, sum = 0;
        for (int j = 0; j <= p; j++) {
            const float *kj = K + (size_t)j * KV + g * hs;
            float s = 0;
            for (int i = 0; i < hs; i++) s += qh[i] * kj[i];
            a[j] = s * scale;
            m = a[j] > m ? a[j] : m;
        }
        /* subtracting the largest score keeps exp finite */
        for (int j = 0; j <= p; j++) {
            a[j] = expf(a[j] - m);
            sum += a[j];
        }
        float inv = 1.0f / sum, *oh = out + h * hs;
        memset(oh, 0, (size_t)hs * sizeof *oh);
        for (int j = 0; j <= p; j++) {
            a[j] *= inv;
            const float *vj = Vc + (size_t)j * KV + g * hs;
            for (int i = 0; i < hs; i++) oh[i] += a[j] * vj[i];
        }
    }
}

/* Feed R ≤ LLAMA_KV_CHUNK tokens at positions pos … pos+R−1 through every block, adding their
 * keys and values to the cache; with head set, the logits of the last one too. */
static void feed_chunk(const Llama *m, LlamaKV *kv, const int32_t *ids, int R, int head)
{
    const LlamaConfig *c = &m->cfg;
    int D = c->D, L = c->L, H = c->H, Hkv = c->Hkv, C = c->C, V = c->V, F = c->F, hs = D / H, KV = Hkv * hs;
    int pos0 = kv->pos;
    size_t RD = (size_t)R * D;
    TZ_ASSERT(R >= 1 && R <= LLAMA_KV_CHUNK && pos0 + R <= C);

    /* x = tok_embeddings[token]; the position comes in through RoPE below */
    for (int r = 0; r < R; r++) {
        TZ_ASSERT(ids[r] >= 0 && ids[r] < V);
        memcpy(kv->x + (size_t)r * D, m->tok_embeddings + (size_t)ids[r] * D, (size_t)D * sizeof *kv->x);
        kv->ids[pos0 + r] = ids[r];
    }
    for (int l = 0; l < L; l++) {
        const LlamaBlock *b = &m->layers[l];
        float *K = kv->k + (size_t)l * C * KV, *Vc = kv->v + (size_t)l * C * KV;
        /* attention half: x += wo(gqa(rope(q), rope(k), v)) */
        rmsnorm_forward(kv->xn, kv->rstd, kv->x, b->attention_norm, R, D);
        lin(kv->q, kv->xn, b->wq, R, D, D);
        lin(kv->kk, kv->xn, b->wk, R, D, KV);
        lin(kv->vv, kv->xn, b->wv, R, D, KV);
        /* row r is at position pos0 + r: one "sequence" of R rows starting at pos0 */
        rope_forward(kv->q, R, R, pos0, H, hs, kv->rope_cos, kv->rope_sin);
        rope_forward(kv->kk, R, R, pos0, Hkv, hs, kv->rope_cos, kv->rope_sin);
        /* the chunk's keys and values join the cache first, so each token sees itself */
        memcpy(K + (size_t)pos0 * KV, kv->kk, (size_t)R * KV * sizeof *K);
        memcpy(Vc + (size_t)pos0 * KV, kv->vv, (size_t)R * KV * sizeof *Vc);
        for (int r = 0; r < R; r++)
            attend_one(kv->atty + (size_t)r * D, kv->scores, kv->q + (size_t)r * D, K, Vc, pos0 + r, C, H, Hkv, hs);
        /* scores now hold the last token's rows: keep them for the views */
        float *att = kv->att + (size_t)l * H * C;
        for (int h = 0; h < H; h++)
            memcpy(att + (size_t)h * C, kv->scores + (size_t)h * C, (size_t)(pos0 + R) * sizeof *att);
        lin(kv->proj, kv->atty, b->wo, R, D, D);
        add_rows(kv->x, kv->proj, RD);
        /* feed-forward half: x += w2(silu(w1 f) ⊙ w3 f), f = ffn_norm(x) */
        rmsnorm_forward(kv->xn, kv->rstd, kv->x, b->ffn_norm, R, D);
        lin(kv->h1, kv->xn, b->w1, R, D, F);
        lin(kv->h3, kv->xn, b->w3, R, D, F);
        swiglu_forward(kv->h1, kv->h1, kv->h3, (size_t)R * F);
        lin(kv->proj, kv->h1, b->w2, R, F, D);
        add_rows(kv->x, kv->proj, RD);
    }
    kv->pos = pos0 + R;
    if (!head) return;
    /* the head, for the last token only: logits = output · norm(x), a V × D matrix-vector product */
    const float *xl = kv->x + (size_t)(R - 1) * D;
    rmsnorm_forward(kv->xn, kv->rstd, xl, m->norm, 1, D);
    cblas_sgemv(CblasRowMajor, CblasNoTrans, V, D, 1.0f, m->output, D, kv->xn, 1, 0.0f, kv->logits, 1);
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
