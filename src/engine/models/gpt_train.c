/* gpt_train.c — the GPT training loop (see gpt_train.h). */
#include "models/gpt_train.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "formats/ckpt.h"
#include "nn/optim.h"

GptTrainConfig gpt_train_defaults(void)
{
    return (GptTrainConfig){ .B = 16, .T = 128, .steps = 1000, .lr = 3e-4f, .min_lr = 0, .warmup = -1, .clip = 1.0f,
                             .weight_decay = 0.1f, .dropout = 0, .val_frac = 0.1, .eval_every = 0, .eval_windows = 0,
                             .seed = 1 };
}

double gpt_activation_bytes(const GptConfig *c, int B, int T)
{
    /* the same sums as gpt_work_alloc: per block 5 N×D, 4 N, q k v 3 N×D, B·H·T² attention,
     * fc and gelu(fc) 4 N×D each; then res[L], ln_f, logits and probs N×V; the backward
     * scratch (4 + 3 + 8) N×D, dlogits N×V and one T×T */
    double N = (double)B * T, D = c->D, V = c->V, TT = (double)T * T;
    double per_block = 5 * N * D + 4 * N + 3 * N * D + (double)B * c->H * TT + 8 * N * D;
    double total = c->L * per_block + N * D + N * D + 2 * N + 2 * N * V + 15 * N * D + N * V + TT;
    return 4.0 * total;
}

double gpt_train_bytes(const GptConfig *c, int B, int T)
{
    return 5.0 * 4.0 * (double)gpt_nparams(c) + gpt_activation_bytes(c, B, T);
}

/* splitmix64: a small, good generator for the window positions */
static uint64_t mix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Window b of a batch: x = ids[s … s+T−1], y = ids[s+1 … s+T]. */
static void take_window(const int32_t *ids, size_t s, int T, int32_t *x, int32_t *y)
{
    memcpy(x, ids + s, (size_t)T * sizeof *x);
    memcpy(y, ids + s + 1, (size_t)T * sizeof *y);
}

/* Dropout is for training only: evaluation measures the whole model (p = 0). A new seed every
 * step draws new masks (gpt.h: the mask is a function of the seed and the value's place). */
static void set_dropout(GptWork *w, float p, uint64_t seed)
{
    w->dropout = p;
    w->drop_seed = seed;
}

int gpt_train_eval_shape(size_t n, int C, int windows, int *B, int *T)
{
    if (n < 2 || *B < 1 || *T < 1 || windows < 1) return 0;
    if ((size_t)*T > n - 1) *T = (int)(n - 1);
    if (*T > C) *T = C;
    if (*B > windows) *B = windows;
    return 1;
}

double gpt_train_eval_windows(const int32_t *ids, size_t n, int B, int T, int windows,
                              double (*fwd)(void *ctx, const int32_t *x, const int32_t *y, int b, int T), void *ctx)
{
    int32_t *x = malloc((size_t)B * T * sizeof *x), *y = malloc((size_t)B * T * sizeof *y);
    if (!x || !y) { free(x); free(y); return NAN; }
    /* window k starts at k·span/(windows−1): the first at 0, the last at the end, the same every time */
    size_t span = n - 1 - (size_t)T;
    double sum = 0;
    int done = 0;
    while (done < windows) {
        int b = windows - done < B ? windows - done : B;
        for (int i = 0; i < b; i++) {
            int k = done + i;
            size_t s = windows > 1 ? (size_t)((double)span * k / (windows - 1)) : 0;
            take_window(ids, s, T, x + (size_t)i * T, y + (size_t)i * T);
        }
        sum += fwd(ctx, x, y, b, T) * b;
        done += b;
    }
    free(x);
    free(y);
    return sum / windows;
}

typedef struct {
    const Gpt *g;
    Gpt *grad;
    GptWork w;
    float dropout;
} GptCtx;

static double gpt_eval_fwd(void *ctx, const int32_t *x, const int32_t *y, int b, int T)
{
    GptCtx *k = ctx;
    return gpt_forward(k->g, &k->w, x, y, b, T);
}

double gpt_eval_loss(const Gpt *g, const int32_t *ids, size_t n, int B, int T, int windows)
{
    if (!gpt_train_eval_shape(n, g->cfg.C, windows, &B, &T)) return NAN;
    GptCtx k = { .g = g };
    if (gpt_work_alloc(&k.w, &g->cfg, B, T)) return NAN;
    set_dropout(&k.w, 0, 0);
    double loss = gpt_train_eval_windows(ids, n, B, T, windows, gpt_eval_fwd, &k);
    gpt_work_free(&k.w);
    return loss;
}

/* √(Σ g²) over every gradient, in double (a few million floats) */
static double grad_norm(const float *g, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) s += (double)g[i] * g[i];
    return sqrt(s);
}

static int all_finite(const float *p, size_t n)
{
    float acc = 0;
    for (size_t i = 0; i < n; i++) acc += p[i] * 0.0f;   /* NaN or Inf times 0 is NaN */
    return acc == 0.0f;
}

int gpt_train_loop(const GptTrainModel *g, const int32_t *ids, size_t n, const GptTrainConfig *cfg, GptTrainStats *st,
                   Job *job, TzErr *e)
{
    memset(st, 0, sizeof *st);
    st->val_loss = NAN;
    const GptTrainModel *c = g;   /* its sizes (V, C), under the name the loop has always used */
    const int B = cfg->B, T = cfg->T;
    TZ_ASSERT(B >= 1 && T >= 1 && T <= c->C && cfg->steps >= 1);
    size_t nval = (size_t)((double)n * cfg->val_frac), ntrain = n - nval;
    st->ntrain = ntrain;
    st->nval = nval;
    if (ntrain < (size_t)T + 1)
        return tz_errf(e, TZ_E_ARG,
                       "metin bu bağlam için çok kısa: eğitim kısmı %zu belirteç, bir pencere ctx+1 = %d belirteç ister. "
                       "ctx= değerini küçültün ya da daha uzun bir metin verin.",
                       "the text is too short for this context: the training part has %zu tokens, a window needs "
                       "ctx+1 = %d. Make ctx= smaller or give a longer text.",
                       ntrain, T + 1);
    for (size_t i = 0; i < n; i++) TZ_ASSERT(ids[i] >= 0 && ids[i] < c->V);

    float *backup = tz_malloc(g->n * sizeof *backup);
    int32_t *x = tz_malloc((size_t)B * T * sizeof *x), *y = tz_malloc((size_t)B * T * sizeof *y);

    /* AdamW, in two groups (as GPT-2 and nanoGPT): the weight matrices and the embeddings decay
     * towards 0 — weight decay keeps any one weight from growing to carry the fit alone — but
     * the biases and the layer norms' γ and β do not. They are few, they do not multiply the
     * input, and pulling γ towards 0 would shrink a normalised signal the model wants at scale
     * 1 (a decayed γ fights its own layer norm). A tensor with rows and columns is a matrix. */
    Optim od, on;
    optim_init(&od, OPT_ADAMW, cfg->lr);
    optim_init(&on, OPT_ADAMW, cfg->lr);
    od.beta2 = on.beta2 = 0.95f;      /* GPT-3's and nanoGPT's β2: Adam's second moment follows a
                                         changing gradient scale faster than with 0.999 */
    od.weight_decay = cfg->weight_decay;
    on.weight_decay = 0;
    for (int i = 0; i < g->ntensors; i++) {
        size_t cnt;
        int cols;
        float *p = g->tensor(g->ctx, i, &cnt, &cols);
        float *gp = g->grads + (p - g->params);
        optim_add(cols > 1 ? &od : &on, p, gp, cnt);
    }

    /* the learning-rate schedule: a linear warm-up (Adam's moments are poor estimates in the
     * first steps, and a full-size step then can throw the weights far off), then a cosine down
     * to a tenth of the peak, where the last steps settle */
    long steps = cfg->steps;
    long warmup = cfg->warmup >= 0 ? cfg->warmup : steps / 15;
    if (warmup >= steps) warmup = steps - 1;
    float min_lr = cfg->min_lr > 0 ? cfg->min_lr : cfg->lr / 10;
    /* about ten evaluations, and one at least every 100 steps in a long run (the curve and the
       progress line show it) */
    long eval_every = cfg->eval_every > 0 ? cfg->eval_every : (steps + 9) / 10 < 100 ? (steps + 9) / 10 : 100;
    int eval_windows = cfg->eval_windows > 0 ? cfg->eval_windows : 4 * B;
    /* a model that knows nothing pays ln V per token; far above that, the weights were thrown off */
    double absurd = 3 * log((double)c->V) + 1;
    int64_t tok_step = (int64_t)B * T, tok_total = tok_step * steps;
    /* progress and the curve every few steps: at most 250 points in all, but never fewer than
       one every 10 steps, so a long run's progress line still moves */
    long report_every = steps / 250 > 1 ? steps / 250 : 1;
    if (report_every > 10) report_every = 10;

    uint64_t rng = cfg->seed * 0x2545F4914F6CDD1DULL + 12345;
    double t_train = 0, recent = 0, since_eval = 0, last[20];
    long nrecent = 0, nsince = 0, nlast = 0;
    int have_backup = 0;
    for (long s = 0; s < steps; s++) {
        if (job_cancelled(job)) break;
        double t0 = tz_now();
        for (int b = 0; b < B; b++) {
            size_t start = (size_t)(mix64(&rng) % (uint64_t)(ntrain - (size_t)T));
            take_window(ids, start, T, x + (size_t)b * T, y + (size_t)b * T);
        }
        double loss = g->forward(g->ctx, x, y, B, T, cfg->seed * 1000003ULL + (uint64_t)s);
        if (!isfinite(loss) || loss > absurd) {
            /* the last step threw the weights off: go back to the weights before it, whose loss
               was still sane */
            if (have_backup) {
                memcpy(g->params, backup, g->n * sizeof *backup);
                st->steps--;
            }
            st->diverged = 1;
            st->last_loss = loss;
            break;
        }
        memset(g->grads, 0, g->n * sizeof *g->grads);
        g->backward(g->ctx, x, y, B, T);
        double gn = grad_norm(g->grads, g->n);
        st->grad_norm = gn;
        if (!isfinite(gn)) {       /* this step's weights are still sane: keep them */
            st->diverged = 1;
            st->last_loss = loss;
            break;
        }
        /* clip the whole gradient (every tensor together) to norm ≤ clip: its direction is
           kept, a rare huge one no longer makes a huge step */
        if (cfg->clip > 0 && gn > cfg->clip) {
            float k = (float)(cfg->clip / gn);
            for (size_t i = 0; i < g->n; i++) g->grads[i] *= k;
        }
        float lr = lr_warmup_cosine(s, warmup, steps, cfg->lr, min_lr);
        memcpy(backup, g->params, g->n * sizeof *backup);
        have_backup = 1;
        optim_step(&od, lr);
        optim_step(&on, lr);
        if (!all_finite(g->params, g->n)) {
            memcpy(g->params, backup, g->n * sizeof *backup);
            st->diverged = 1;
            st->last_loss = NAN;
            break;
        }
        t_train += tz_now() - t0;
        if (s == 0) st->first_loss = loss;
        st->steps++;
        last[nlast++ % 20] = loss;
        recent += loss;
        nrecent++;
        since_eval += loss;
        nsince++;
        if (nrecent == report_every || s + 1 == steps) {
            job_report_steps(job, st->steps, steps);
            job_report_loss(job, tok_step * st->steps, tok_total, recent / (double)nrecent);
            recent = 0;
            nrecent = 0;
        }
        if ((s + 1) % eval_every == 0 || s + 1 == steps) {
            double v = nval >= 2 ? g->eval(g->ctx, ids + ntrain, nval, B, T, eval_windows) : NAN;
            if (st->nevals == GPT_TRAIN_MAX_EVALS) {   /* full: keep every other one (a long run) */
                for (int i = 0; i < GPT_TRAIN_MAX_EVALS / 2; i++) {
                    st->eval_step[i] = st->eval_step[2 * i + 1];
                    st->eval_train[i] = st->eval_train[2 * i + 1];
                    st->eval_val[i] = st->eval_val[2 * i + 1];
                }
                st->nevals = GPT_TRAIN_MAX_EVALS / 2;
            }
            st->eval_step[st->nevals] = st->steps;
            st->eval_train[st->nevals] = since_eval / (double)nsince;
            st->eval_val[st->nevals] = v;
            st->nevals++;
            since_eval = 0;
            nsince = 0;
            if (isfinite(v)) job_report_val(job, v);
            st->val_loss = v;
        }
    }
    long k = nlast < 20 ? nlast : 20;
    double sum = 0;
    for (long i = 0; i < k; i++) sum += last[i];
    st->train_loss = k ? sum / (double)k : NAN;
    st->finished = st->steps == steps;
    /* stopped between evaluations (Ctrl-C, divergence): measure the model as it is kept */
    if (!st->finished && nval >= 2 && st->steps > 0)
        st->val_loss = g->eval(g->ctx, ids + ntrain, nval, B, T, eval_windows);
    st->seconds = t_train;
    st->tokens_per_s = t_train > 0 ? (double)tok_step * (double)st->steps / t_train : 0;
    free(x);
    free(y);
    free(backup);
    optim_free(&od);
    optim_free(&on);
    if (st->diverged)
        return tz_errf(e, TZ_E_NUMERIC,
                       "eğitim %ld. adımda ıraksadı (kayıp %.4g; hiçbir şey bilmeyen bir tahmin %.2f nat öder) — öğrenme "
                       "oranı bu model için çok büyük. Model son makul ağırlıklarına geri döndü (%ld adım). Öğrenme oranını "
                       "düşürün (ör. lr=%g) ve gradyanı kırpın (clip=1).",
                       "training diverged at step %ld (loss %.4g; a guess that knows nothing pays %.2f nats) — the "
                       "learning rate is too large for this model. The model is back at its last sane weights (%ld "
                       "steps). Lower the learning rate (e.g. lr=%g) and clip the gradient (clip=1).",
                       st->steps + 1, st->last_loss, log((double)c->V), st->steps, (double)cfg->lr / 10);
    return 0;
}


/* GPT's side of the loop: its tensors, its passes (dropout only while training) */
static float *gpt_tr_tensor(void *ctx, int i, size_t *n, int *cols)
{
    GptCtx *k = ctx;
    return gpt_tensor(k->g, i, NULL, 0, n, NULL, cols);
}

static double gpt_tr_forward(void *ctx, const int32_t *x, const int32_t *y, int B, int T, uint64_t seed)
{
    GptCtx *k = ctx;
    set_dropout(&k->w, k->dropout, seed);
    return gpt_forward(k->g, &k->w, x, y, B, T);
}

static void gpt_tr_backward(void *ctx, const int32_t *x, const int32_t *y, int B, int T)
{
    GptCtx *k = ctx;
    gpt_backward(k->g, k->grad, &k->w, x, y, B, T);
}

static double gpt_tr_eval(void *ctx, const int32_t *ids, size_t n, int B, int T, int windows)
{
    GptCtx *k = ctx;
    return gpt_eval_loss(k->g, ids, n, B, T, windows);
}

int gpt_train(Gpt *g, const int32_t *ids, size_t n, const GptTrainConfig *cfg, GptTrainStats *st, Job *job,
              TzErr *e)
{
    const GptConfig *c = &g->cfg;
    TZ_ASSERT(cfg->B >= 1 && cfg->T >= 1 && cfg->T <= c->C && cfg->steps >= 1);
    Gpt grad;
    GptCtx k = { .g = g, .grad = &grad, .dropout = cfg->dropout };
    if (gpt_alloc(&grad, c)) tz_die(__FILE__, __LINE__, "out of memory: the gradient of %zu parameters", g->n);
    if (gpt_work_alloc(&k.w, c, cfg->B, cfg->T))
        tz_die(__FILE__, __LINE__, "out of memory: activations of %d x %d tokens", cfg->B, cfg->T);
    GptTrainModel m = { .ctx = &k, .params = g->mem, .grads = grad.mem, .n = g->n, .V = c->V, .C = c->C,
                        .ntensors = gpt_ntensors(c), .tensor = gpt_tr_tensor, .forward = gpt_tr_forward,
                        .backward = gpt_tr_backward, .eval = gpt_tr_eval };
    int rc = gpt_train_loop(&m, ids, n, cfg, st, job, e);
    gpt_work_free(&k.w);
    gpt_free(&grad);
    return rc;
}

/* --- checkpoints ------------------------------------------------------------------------------- */

static const char GPT_MAGIC[8] = { 'T', 'Z', 'G', 'P', 'T', 0, 0, 0 };
enum { GPT_CK_VERSION = 1, GPT_CK_HEAD = 48 };   /* bytes before the origin string */

int gpt_ckpt_is(const char *path) { return ck_has_magic(path, GPT_MAGIC); }

int gpt_ckpt_save(const Gpt *g, const Bpe *bpe, const GptCkptMeta *meta, const char *path, TzErr *e)
{
    const GptConfig *c = &g->cfg;
    TZ_ASSERT(bpe && bpe->vocab <= c->V);
    CkBuf b = { 0 };
    ck_put(&b, GPT_MAGIC, 8);
    ck_put_u32(&b, GPT_CK_VERSION);
    ck_put_u32(&b, (uint32_t)c->V);
    ck_put_u32(&b, (uint32_t)c->C);
    ck_put_u32(&b, (uint32_t)c->D);
    ck_put_u32(&b, (uint32_t)c->L);
    ck_put_u32(&b, (uint32_t)c->H);
    ck_put_u32(&b, meta->eot < 0 ? 0xFFFFFFFFu : (uint32_t)meta->eot);
    ck_put_u32(&b, (uint32_t)meta->lang);
    ck_put_u32(&b, meta->steps < 0 ? 0u : meta->steps > 0xFFFFFFFFL ? 0xFFFFFFFFu : (uint32_t)meta->steps);
    float v = (float)meta->val_loss;
    ck_put_f32s(&b, &v, 1);
    char origin[256];
    snprintf(origin, sizeof origin, "%s", meta->origin);
    ck_put_str(&b, origin);
    bpe_save(bpe, &b);
    ck_put_f32s(&b, g->mem, g->n);
    return ck_save(&b, path, e);
}

int gpt_ckpt_parse(Gpt *g, Bpe *bpe, GptCkptMeta *meta, const unsigned char *d, size_t n, const char *name, TzErr *e)
{
    memset(g, 0, sizeof *g);
    memset(bpe, 0, sizeof *bpe);
    memset(meta, 0, sizeof *meta);
    int rc;
#define BAD(off, tr, en, ...)                                                                                          \
    do {                                                                                                               \
        rc = tz_errf(e, TZ_E_FORMAT, "'%s', %zu. bayt: " tr, "'%s', byte %zu: " en, name, (size_t)(off), __VA_ARGS__); \
        goto fail;                                                                                                     \
    } while (0)
    if ((rc = ck_check_head(d, n, name, GPT_MAGIC, "GPT", GPT_CK_HEAD, GPT_CK_VERSION, e))) return rc;
    uint32_t V = ck_u32(d + 12), C = ck_u32(d + 16), D = ck_u32(d + 20), L = ck_u32(d + 24), H = ck_u32(d + 28);
    if (V < 1 || V > 4000000) BAD(12, "V = %u, 1 ile 4.000.000 arasında değil.", "V = %u, not between 1 and 4,000,000.", V);
    if (C < 1 || C > 65536) BAD(16, "bağlam C = %u, 1 ile 65.536 arasında değil.", "context C = %u, not between 1 and 65,536.", C);
    if (D < 1 || D > 65536) BAD(20, "genişlik D = %u, 1 ile 65.536 arasında değil.", "width D = %u, not between 1 and 65,536.", D);
    if (L < 1 || L > 1024) BAD(24, "blok sayısı L = %u, 1 ile 1024 arasında değil.", "blocks L = %u, not between 1 and 1024.", L);
    if (H < 1 || H > D || D % H != 0)
        BAD(28, "kafa sayısı H = %u, genişliği (D = %u) tam bölmüyor.", "heads H = %u do not divide the width (D = %u).", H, D);
    uint32_t eot = ck_u32(d + 32), lang = ck_u32(d + 36), steps = ck_u32(d + 40);
    if (eot != 0xFFFFFFFFu && eot >= V)
        BAD(32, "metin sonu belirteci %u, sözlüğün (V = %u) dışında.", "the end-of-text token %u is outside the vocabulary (V = %u).", eot, V);
    if (lang > 1) BAD(36, "dil %u (0 en, 1 tr olmalı).", "language %u (must be 0 en, 1 tr).", lang);
    GptConfig cfg = { (int)V, (int)C, (int)D, (int)L, (int)H };
    size_t np = gpt_nparams(&cfg);
    /* the CRC first: a damaged file is said to be damaged, not misread further */
    uint32_t want, got;
    if (!ck_crc_ok(d, n, &want, &got))
        BAD(n - 4, "CRC uymuyor (%08x, hesaplanan %08x): dosya bozulmuş ya da kesik.",
            "CRC mismatch (%08x, computed %08x): the file is damaged or truncated.", want, got);
    size_t off = GPT_CK_HEAD;
    float vl;
    ck_f32s(d + 44, &vl, 1);
    uint32_t olen = ck_u32(d + off);
    off += 4;
    if (olen > 255 || olen > n - 4 - off)
        BAD(off - 4, "köken metni %u bayt (en çok 255).", "the origin text is %u bytes (255 at most).", olen);
    if (utf8_validate((const char *)d + off, olen) != olen)
        BAD(off, "köken metni (%u bayt) geçerli UTF-8 değil.", "the origin text (%u bytes) is not valid UTF-8.", olen);
    memcpy(meta->origin, d + off, olen);
    meta->origin[olen] = '\0';
    off += olen;
    /* the weights must fit in memory before anything of their size is allocated */
    double need = 4.0 * (double)np, ram = tz_phys_bytes();
    if (ram > 0 && need > 0.8 * ram) {
        rc = tz_errf(e, TZ_E_NOMEM, "'%s': ağırlıklar %.1f GB bellek ister (%zu parametre); bu makinede %.1f GB var.",
                     "'%s': the weights need %.1f GB of memory (%zu parameters); this machine has %.1f GB.", name,
                     need / 1e9, np, ram / 1e9);
        goto fail;
    }
    size_t used = 0;
    rc = bpe_load_mem(bpe, d + off, n - 4 - off, &used, e);
    if (rc) {   /* say where: the section's own message, with the file and offset before it */
        if (e) {
            TzErr inner = *e;
            snprintf(e->tr, sizeof e->tr, "'%.80s', %zu. bayt, belirteçleyici: %.380s", name, off, inner.tr);
            snprintf(e->en, sizeof e->en, "'%.80s', byte %zu, the tokenizer: %.380s", name, off, inner.en);
        }
        goto fail;
    }
    if (bpe->vocab > (int32_t)V)
        BAD(off, "belirteçleyicinin %d belirteci var, model yalnızca %u belirteç biliyor.",
            "the tokenizer has %d tokens, the model knows only %u.", bpe->vocab, V);
    off += used;
    if (n - 4 - off != np * 4)
        BAD(off, "ağırlıklar %zu bayt olmalı, dosyada %zu bayt kaldı (kesik ya da fazla).",
            "the weights should take %zu bytes, the file has %zu left (truncated or extra).", np * 4, n - 4 - off);
    if (gpt_alloc(g, &cfg)) {
        rc = tz_errf(e, TZ_E_NOMEM, "'%s': %zu parametre için bellek yok.", "'%s': no memory for %zu parameters.", name, np);
        goto fail;
    }
    ck_f32s(d + off, g->mem, np);
    for (int i = 0; i < gpt_ntensors(&cfg); i++) {
        char tn[64];
        size_t cnt;
        float *p = gpt_tensor(g, i, tn, sizeof tn, &cnt, NULL, NULL);
        if (!all_finite(p, cnt))
            BAD(off + 4 * (size_t)(p - g->mem), "%s tensöründe NaN ya da sonsuz bir ağırlık var.",
                "tensor %s holds a NaN or infinite weight.", tn);
    }
    meta->eot = eot == 0xFFFFFFFFu ? -1 : (int32_t)eot;
    meta->lang = (TzLang)lang;
    meta->steps = (long)steps;
    meta->val_loss = vl;
#undef BAD
    return 0;
fail:
    gpt_free(g);
    bpe_free(bpe);
    memset(bpe, 0, sizeof *bpe);
    return rc;
}

int gpt_ckpt_load(Gpt *g, Bpe *bpe, GptCkptMeta *meta, const char *path, TzErr *e)
{
    memset(g, 0, sizeof *g);
    memset(bpe, 0, sizeof *bpe);
    TzFile f;
    int rc = tz_file_map(&f, path, e);
    if (rc) return rc;
    rc = gpt_ckpt_parse(g, bpe, meta, (const unsigned char *)f.data, f.size, path, e);
    tz_file_unmap(&f);
    return rc;
}
