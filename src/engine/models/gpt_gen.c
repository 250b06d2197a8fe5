/* gpt_gen.c — the key/value cache and generation (see gpt_gen.h). */
#include "models/gpt_gen.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nn/layers.h"
#include "nn/vmath.h"

/* ---- the cache ------------------------------------------------------------------------------ */

/* Floats and ints gpt_kv_alloc takes (0 and 0 for an invalid configuration). */
static void kv_sizes(const GptConfig *c, size_t *nf, size_t *ni)
{
    *nf = *ni = 0;
    if (!gpt_config_ok(c)) return;
    /* absurd shapes (the counts below would overflow) are refused like invalid ones */
    if (2.0 * c->L * c->C * c->D + (double)c->L * c->H * c->C + 2.0 * c->V > 1e15) return;
    size_t V = (size_t)c->V, C = (size_t)c->C, D = (size_t)c->D, L = (size_t)c->L, H = (size_t)c->H;
    size_t R = GPT_KV_CHUNK;
    *nf = 2 * L * C * D          /* k, v */
          + L * H * C            /* att */
          + 2 * V                /* logits, probs */
          + R * (D + D + 3 * D + D + 4 * D) + 2 * R /* x, ln, qkv, atty, fc; mean, rstd */
          + (H > R ? H : R) * C; /* scores */
    *ni = C + V;                 /* ids, order */
}

size_t gpt_kv_bytes(const GptConfig *cfg)
{
    size_t nf, ni;
    kv_sizes(cfg, &nf, &ni);
    return nf * sizeof(float) + ni * sizeof(int32_t);
}

int gpt_kv_alloc(GptKV *kv, const GptConfig *cfg)
{
    memset(kv, 0, sizeof *kv);
    size_t nf, ni;
    kv_sizes(cfg, &nf, &ni);
    if (!nf) return -1;
    kv->mem = malloc(nf * sizeof *kv->mem);
    kv->imem = malloc(ni * sizeof *kv->imem);
    if (!kv->mem || !kv->imem) {
        gpt_kv_free(kv);
        return -1;
    }
    kv->cfg = *cfg;
    size_t V = (size_t)cfg->V, C = (size_t)cfg->C, D = (size_t)cfg->D, L = (size_t)cfg->L, H = (size_t)cfg->H;
    size_t R = GPT_KV_CHUNK;
    float *p = kv->mem;
#define TAKE(ptr, count) do { (ptr) = p; p += (count); } while (0)
    TAKE(kv->k, L * C * D);
    TAKE(kv->v, L * C * D);
    TAKE(kv->att, L * H * C);
    TAKE(kv->logits, V);
    TAKE(kv->probs, V);
    TAKE(kv->x, R * D);
    TAKE(kv->ln, R * D);
    TAKE(kv->qkv, R * 3 * D);
    TAKE(kv->atty, R * D);
    TAKE(kv->fc, R * 4 * D);
    TAKE(kv->mean, R);
    TAKE(kv->rstd, R);
    TAKE(kv->scores, (H > R ? H : R) * C);
#undef TAKE
    kv->ids = kv->imem;
    kv->order = kv->imem + C;
    /* nothing fed yet: the views see zeros, not garbage */
    memset(kv->att, 0, L * H * C * sizeof *kv->att);
    memset(kv->logits, 0, V * sizeof *kv->logits);
    memset(kv->probs, 0, V * sizeof *kv->probs);
    for (size_t i = 0; i < V; i++) kv->order[i] = (int32_t)i;
    return 0;
}

void gpt_kv_free(GptKV *kv)
{
    free(kv->mem);
    free(kv->imem);
    memset(kv, 0, sizeof *kv);
}

void gpt_kv_reset(GptKV *kv)
{
    kv->pos = 0;
}

/* ---- one chunk of tokens --------------------------------------------------------------------- */

/* Y (R × Out) = X (R × In) Wᵀ + b. One row is a matrix-vector product: cblas_sgemv reads W once,
 * row after row, which is all a token costs; more rows go to linear_forward's sgemm. */
static void lin(float *Y, const float *X, const float *W, const float *b, int R, int In, int Out)
{
    if (R > 1) {
        linear_forward(Y, X, W, b, R, In, Out);
        return;
    }
    memcpy(Y, b, (size_t)Out * sizeof *Y);
    cblas_sgemv(CblasRowMajor, CblasNoTrans, Out, In, 1.0f, W, In, X, 1, 1.0f, Y, 1);
}

VMATH_CLONES static void add_rows(float *y, const float *x, size_t n)
{
#pragma omp simd
    for (size_t i = 0; i < n; i++) y[i] += x[i];
}

/* The attention of one token at position p (its q in qkv's first D columns; the cache already
 * holds the keys and values of positions 0 … p), every head at once: out (D) gets, at head h's
 * columns, Σ_j a_hj · V[j], with a_h = softmax_j(q_h · K[j]_h / √hs) over j ≤ p. scores (H × C)
 * keeps a_h at row h. Row j of K and V is read once, whole, for all heads: the cache streams
 * through memory in order. The loops are vector loops (VMATH_CLONES: AVX-512 or AVX2 where the
 * processor has them); exp is vmath.h's, within 1.5·10⁻⁷ of libm's. */
VMATH_CLONES static void attend_one(float *out, float *scores, const float *q, const float *K, const float *Vc,
                                    int p, int C, int D, int H)
{
    int hs = D / H;
    float scale = 1.0f / sqrtf((float)hs);
    for (int j = 0; j <= p; j++) {
        const float *kr = K + (size_t)j * D;
        for (int h = 0; h < H; h++) {
            const float *qh = q + h * hs, *kh = kr + h * hs;
            float s = 0;
#pragma omp simd reduction(+ : s)
            for (int i = 0; i < hs; i++) s += qh[i] * kh[i];
            scores[(size_t)h * C + j] = s * scale;
        }
    }
    /* softmax of each head's row; subtracting the row's largest score keeps exp finite */
    for (int h = 0; h < H; h++) {
        float *a = scores + (size_t)h * C, m = a[0], sum = 0;
#pragma omp simd reduction(max : m)
        for (int j = 0; j <= p; j++) m = a[j] > m ? a[j] : m;
#pragma omp simd reduction(+ : sum)
        for (int j = 0; j <= p; j++) {
            a[j] = vexp(a[j] - m);
            sum += a[j];
        }
        float inv = 1.0f / sum;
#pragma omp simd
        for (int j = 0; j <= p; j++) a[j] *= inv;
    }
    memset(out, 0, (size_t)D * sizeof *out);
    for (int j = 0; j <= p; j++) {
        const float *vr = Vc + (size_t)j * D;
        for (int h = 0; h < H; h++) {
            float a = scores[(size_t)h * C + j], *oh = out + h * hs;
            const float *vh = vr + h * hs;
#pragma omp simd
            for (int i = 0; i < hs; i++) oh[i] += a * vh[i];
        }
    }
}

/* The attention of R > 1 tokens at positions p0 … p0+R−1 (their q in qkv's rows; the cache holds
 * positions 0 … p0+R−1), one head at a time as two matrix products over the P = p0+R keys:
 *   S = Q_h K_hᵀ / √hs      R × P   (in scores; rows of leading dimension P)
 *   S[r][j] → −∞ for j > p0 + r     the causal mask: a token sees neither the later ones of its
 *                                   chunk nor anything after it
 *   A = softmax of each row, O_h = A V_h   written at head h's columns of out (R × D)
 * The same numbers as R calls of attend_one, for a prefill of many tokens at sgemm speed. The last
 * row's A of every head is copied to att (L's slice: H × C) for the views. */
VMATH_CLONES static void attend_chunk(float *out, float *att, float *scores, const float *qkv, const float *K,
                                      const float *Vc, int p0, int R, int C, int D, int H)
{
    int hs = D / H, P = p0 + R;
    float scale = 1.0f / sqrtf((float)hs);
    for (int h = 0; h < H; h++) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, R, P, hs, scale, qkv + h * hs, 3 * D, K + h * hs, D,
                    0.0f, scores, P);
        for (int r = 0; r < R; r++) {
            float *a = scores + (size_t)r * P, m = a[0], sum = 0;
            int n = p0 + r + 1; /* the keys row r may see */
#pragma omp simd reduction(max : m)
            for (int j = 0; j < n; j++) m = a[j] > m ? a[j] : m;
#pragma omp simd reduction(+ : sum)
            for (int j = 0; j < n; j++) {
                a[j] = vexp(a[j] - m);
                sum += a[j];
            }
            float inv = 1.0f / sum;
#pragma omp simd
            for (int j = 0; j < n; j++) a[j] *= inv;
            for (int j = n; j < P; j++) a[j] = 0.0f;
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, R, hs, P, 1.0f, scores, P, Vc + h * hs, D, 0.0f,
                    out + h * hs, D);
        memcpy(att + (size_t)h * C, scores + (size_t)(R - 1) * P, (size_t)P * sizeof *att);
    }
}

/* Feed R ≤ GPT_KV_CHUNK tokens at positions pos … pos+R−1 through every block, adding their keys
 * and values to the cache. With head set, the logits of the last one are computed too. */
static void feed_chunk(const Gpt *g, GptKV *kv, const int32_t *ids, int R, int head)
{
    const GptConfig *c = &g->cfg;
    int D = c->D, L = c->L, H = c->H, C = c->C, V = c->V, pos0 = kv->pos;
    size_t RD = (size_t)R * D;
    TZ_ASSERT(R >= 1 && R <= GPT_KV_CHUNK && pos0 + R <= C);

    /* x = wte[token] + wpe[position] */
    for (int r = 0; r < R; r++) {
        TZ_ASSERT(ids[r] >= 0 && ids[r] < V);
        const float *te = g->wte + (size_t)ids[r] * D, *pe = g->wpe + (size_t)(pos0 + r) * D;
        float *x = kv->x + (size_t)r * D;
        for (int d = 0; d < D; d++) x[d] = te[d] + pe[d];
        kv->ids[pos0 + r] = ids[r];
    }

    for (int l = 0; l < L; l++) {
        const GptBlock *b = &g->h[l];
        float *K = kv->k + (size_t)l * C * D, *Vc = kv->v + (size_t)l * C * D;
        /* attention half: x += c_proj(attention(c_attn(ln_1(x)))) */
        layernorm_forward(kv->ln, kv->mean, kv->rstd, kv->x, b->ln1_w, b->ln1_b, R, D);
        lin(kv->qkv, kv->ln, b->qkv_w, b->qkv_b, R, D, 3 * D);
        for (int r = 0; r < R; r++) { /* the chunk's keys and values join the cache first ... */
            const float *row = kv->qkv + (size_t)r * 3 * D;
            memcpy(K + (size_t)(pos0 + r) * D, row + D, (size_t)D * sizeof *K);
            memcpy(Vc + (size_t)(pos0 + r) * D, row + 2 * D, (size_t)D * sizeof *Vc);
        }
        /* ... so that each token sees itself and those before it; the last token's attention
         * rows go to att, for the views */
        float *att = kv->att + (size_t)l * H * C;
        if (R == 1) {
            attend_one(kv->atty, kv->scores, kv->qkv, K, Vc, pos0, C, D, H);
            for (int h = 0; h < H; h++)
                memcpy(att + (size_t)h * C, kv->scores + (size_t)h * C, (size_t)(pos0 + 1) * sizeof *att);
        } else {
            attend_chunk(kv->atty, att, kv->scores, kv->qkv, K, Vc, pos0, R, C, D, H);
        }
        lin(kv->ln, kv->atty, b->attproj_w, b->attproj_b, R, D, D);
        add_rows(kv->x, kv->ln, RD);
        /* MLP half: x += c_proj(gelu(c_fc(ln_2(x)))) */
        layernorm_forward(kv->ln, kv->mean, kv->rstd, kv->x, b->ln2_w, b->ln2_b, R, D);
        lin(kv->fc, kv->ln, b->fc_w, b->fc_b, R, D, 4 * D);
        gelu_forward(kv->fc, kv->fc, R * 4 * D);
        lin(kv->ln, kv->fc, b->fcproj_w, b->fcproj_b, R, 4 * D, D);
        add_rows(kv->x, kv->ln, RD);
    }
    kv->pos = pos0 + R;
    if (!head) return;
    /* the head, for the last token only: logits = wte · ln_f(x), the V × D matrix-vector product
     * that is the biggest single read of a step (GPT-2 small: 154 MB of its 500) */
    const float *xl = kv->x + (size_t)(R - 1) * D;
    layernorm_forward(kv->ln, kv->mean, kv->rstd, xl, g->lnf_w, g->lnf_b, 1, D);
    cblas_sgemv(CblasRowMajor, CblasNoTrans, V, D, 1.0f, g->wte, D, kv->ln, 1, 0.0f, kv->logits, 1);
}

static int same_cfg(const GptConfig *a, const GptConfig *b)
{
    return a->V == b->V && a->C == b->C && a->D == b->D && a->L == b->L && a->H == b->H;
}

/* Feed n tokens chunk by chunk; returns 1 if job was cancelled between two chunks (the cache then
 * holds only what was fed), else 0. */
static int feed(const Gpt *g, GptKV *kv, const int32_t *ids, size_t n, Job *job)
{
    TZ_ASSERT(n >= 1 && n <= (size_t)(kv->cfg.C - kv->pos));
    TZ_ASSERT(same_cfg(&kv->cfg, &g->cfg)); /* a cache made for this model's shape */
    for (size_t i = 0; i < n; i += GPT_KV_CHUNK) {
        if (i > 0 && job_cancelled(job)) return 1;
        int R = (int)(n - i < GPT_KV_CHUNK ? n - i : GPT_KV_CHUNK);
        feed_chunk(g, kv, ids + i, R, i + (size_t)R == n);
    }
    return 0;
}

const float *gpt_kv_feed(const Gpt *g, GptKV *kv, const int32_t *ids, size_t n)
{
    feed(g, kv, ids, n, NULL);
    return kv->logits;
}

const float *gpt_kv_step(const Gpt *g, GptKV *kv, int32_t token)
{
    return gpt_kv_feed(g, kv, &token, 1);
}

/* ---- generation ------------------------------------------------------------------------------ */

/* The shared loop sees the model and its cache as void pointers. */
static int feed_any(const void *model, void *kv, const int32_t *ids, size_t n, Job *job)
{
    return feed(model, kv, ids, n, job);
}

static void reset_any(void *kv)
{
    gpt_kv_reset(kv);
}

long gpt_generate(const Gpt *m, GptKV *kv, const int32_t *prompt, size_t np, const GptGenParams *p, GptTokenFn cb,
                  void *arg, size_t *cut, Job *job, TzErr *e)
{
    const GptConfig *c = &m->cfg;
    if (cut) *cut = 0;
    if (gen_check_prompt(prompt, np, c->V, e)) return -1;
    if (!kv->mem || !same_cfg(&kv->cfg, c)) {
        gpt_kv_free(kv);
        if (gpt_kv_alloc(kv, c) != 0) {
            tz_errf(e, TZ_E_NOMEM, "üretim önbelleği için bellek yetmedi (%.0f MB gerekiyor).",
                    "not enough memory for the generation cache (%.0f MB needed).", gpt_kv_bytes(c) / 1e6);
            return -1;
        }
    }
    /* the shared loop (models/gen_loop.c) drives this model's cache */
    GenCache gc = { .model = m, .kv = kv, .V = c->V, .C = c->C, .feed = feed_any, .reset = reset_any,
                    .pos = &kv->pos, .ids = kv->ids, .logits = kv->logits, .probs = kv->probs, .order = kv->order,
                    .kept = &kv->kept };
    return gen_loop(&gc, prompt, np, p, cb, arg, cut, job);
}
