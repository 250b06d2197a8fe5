/* word2vec.c — see word2vec.h for the model, the equations and the shapes. */
#include "models/word2vec.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

W2VConfig w2v_defaults(int sg)
{
    W2VConfig c = { .sg = sg, .dim = 100, .window = 5, .neg = 5, .hs = 0, .sample = 1e-3,
                    .min_count = 5, .epochs = 5, .alpha = sg ? 0.025 : 0.05, .min_alpha = 0,
                    .threads = 2, .seed = 1 };
    c.min_alpha = c.alpha * 1e-4;
    return c;
}

/* --- the sigmoid and log-sigmoid, tabulated over [−6, 6] -------------------------------
 * Beyond ±6, σ is within 0.0025 of 0 or 1; the trainer saturates there. The tables are
 * filled once (pthread_once), so threads never race to build them. */
#define SIG_MAX 6.0f
#define SIG_N 4096
static float sig_table[SIG_N + 1], logsig_table[SIG_N + 1];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void build_tables(void)
{
    for (int i = 0; i <= SIG_N; i++) {
        double x = ((double)i / SIG_N * 2.0 - 1.0) * SIG_MAX;
        sig_table[i] = (float)(1.0 / (1.0 + exp(-x)));
        logsig_table[i] = (float)(-log1p(exp(-x)));       /* log σ(x) */
    }
}

static inline int sig_index(float x) { return (int)((x + SIG_MAX) * (SIG_N / (2 * SIG_MAX)) + 0.5f); }

float w2v_sigmoid(float x)
{
    pthread_once(&tables_once, build_tables);
    if (x >= SIG_MAX) return 1.0f;
    if (x <= -SIG_MAX) return 0.0f;
    return sig_table[sig_index(x)];
}

/* log σ(x): −x·[x<0] − log(1+e^−|x|), tabulated inside the range, asymptotic outside. */
static inline float log_sigmoid(float x)
{
    if (x >= SIG_MAX) return 0.0f;
    if (x <= -SIG_MAX) return x;
    return logsig_table[sig_index(x)];
}

/* A negative sample: one 64-bit step of the generator gives both the uniform column (high
 * 32 bits) and the coin that picks it or its alias (16 bits below them). */
static inline size_t draw_negative(const Word2Vec *m, uint64_t *r)
{
    *r = *r * 25214903917ULL + 11;
    size_t i = (size_t)(((*r >> 32) * (uint64_t)m->V) >> 32);
    float coin = (float)((*r >> 16) & 0xFFFF) / 65536.0f;
    return coin < m->neg_prob[i] ? i : (size_t)m->neg_alias[i];
}

/* The outputs of negative sampling for the centre word w: w itself, then the negatives
 * (a draw equal to w is dropped, as in word2vec.c). Their rows are prefetched: the trainer
 * draws them one position ahead, so the fetches overlap the work on the current position
 * (on the `en` corpus the rows no longer fit in the cache and CBOW waited on memory). */
static inline int draw_targets(const Word2Vec *m, size_t w, uint64_t *r, size_t *tgt)
{
    int n = 0;
    tgt[n++] = w;
    for (int d = 0; d < m->cfg.neg && d < 64; d++) {
        size_t t = draw_negative(m, r);
        if (t != w) tgt[n++] = t;
    }
    for (int d = 0; d < n; d++) {
        const char *row = (const char *)(m->syn1neg + tgt[d] * m->C);
        for (size_t b = 0; b < m->C * sizeof(float); b += 64) __builtin_prefetch(row + b);
    }
    return n;
}

/* --- small vector kernels: the compiler vectorises them (omp simd, see Makefile) -------- */
static inline float dot(const float *restrict a, const float *restrict b, int n)
{
    float s = 0;
#pragma omp simd reduction(+:s)
    for (int i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

static inline void axpy(float g, const float *restrict x, float *restrict y, int n)
{
#pragma omp simd
    for (int i = 0; i < n; i++) y[i] += g * x[i];
}

/* --- reference loss and gradient (exact sigmoid, double accumulation), for the tests ---- */
double w2v_output_loss(const float *h, const float *const *u, const int *y, int n, int C, float *gh,
                       float *gu)
{
    double loss = 0;
    if (gh) memset(gh, 0, (size_t)C * sizeof *gh);
    for (int j = 0; j < n; j++) {
        double f = 0;
        for (int i = 0; i < C; i++) f += (double)h[i] * u[j][i];
        double s = 1.0 / (1.0 + exp(-f));
        /* ℓ = −log σ(f) for y = 1, −log σ(−f) for y = 0 */
        loss += y[j] ? log1p(exp(-f)) : log1p(exp(f));
        double d = s - y[j];                        /* ∂ℓ/∂f */
        for (int i = 0; i < C; i++) {
            if (gh) gh[i] += (float)(d * u[j][i]);
            if (gu) gu[(size_t)j * C + i] = (float)(d * h[i]);
        }
    }
    return loss;
}

/* --- set-up ----------------------------------------------------------------------------- */

/* The Huffman tree of the word counts (word2vec's construction, in linear time because the
 * counts are already sorted): leaves 0..V-1, inner nodes V..2V-2, the root last. A word's
 * code is the sequence of left/right bits from the root down to it; its points are the
 * inner nodes on that path, numbered 0..V-2 (rows of syn1). */
static int build_huffman(Word2Vec *m, TzErr *e)
{
    size_t V = m->V;
    int64_t *count = tz_malloc(2 * V * sizeof *count);
    size_t *parent = tz_malloc(2 * V * sizeof *parent);
    uint8_t *bit = tz_calloc(2 * V, 1);
    for (size_t i = 0; i < V; i++) count[i] = m->vocab.counts[i];
    for (size_t i = V; i < 2 * V; i++) count[i] = INT64_MAX / 4;
    /* Two queues: leaves from the rarest (V-1 downwards), new inner nodes in creation order. */
    ptrdiff_t leaf = (ptrdiff_t)V - 1;
    size_t inner = V;
    for (size_t a = 0; a + 1 < V; a++) {
        size_t pick[2];
        for (int k = 0; k < 2; k++) {
            if (leaf >= 0 && count[leaf] < count[inner]) pick[k] = (size_t)leaf--;
            else pick[k] = inner++;
        }
        count[V + a] = count[pick[0]] + count[pick[1]];
        parent[pick[0]] = V + a;
        parent[pick[1]] = V + a;
        bit[pick[1]] = 1;
    }
    m->codelen = tz_calloc(V, 1);
    m->codes = tz_calloc(V * W2V_MAX_CODE, 1);
    m->points = tz_calloc(V * W2V_MAX_CODE, sizeof *m->points);
    size_t root = 2 * V - 2;
    int rc = 0;
    for (size_t w = 0; w < V && rc == 0; w++) {
        uint8_t code[W2V_MAX_CODE + 1];
        size_t node[W2V_MAX_CODE + 1];
        int len = 0;
        for (size_t b = w; b != root; b = parent[b]) {
            if (len >= W2V_MAX_CODE) {
                rc = tz_errf(e, TZ_E_ARG, "Huffman kodu %d biti aşıyor: sözlük çok büyük.",
                             "a Huffman code is longer than %d bits: the vocabulary is too large.",
                             W2V_MAX_CODE);
                break;
            }
            code[len] = bit[b];
            node[len] = parent[b];
            len++;
        }
        /* stored root first: codes[j] is the bit taken at points[j] */
        for (int j = 0; j < len; j++) {
            m->codes[w * W2V_MAX_CODE + j] = code[len - 1 - j];
            m->points[w * W2V_MAX_CODE + j] = (int32_t)(node[len - 1 - j] - V);
        }
        m->codelen[w] = (uint8_t)len;
    }
    free(count);
    free(parent);
    free(bit);
    return rc;
}

int w2v_init(Word2Vec *m, const W2VConfig *cfg, const Corpus *corpus, TzErr *e)
{
    memset(m, 0, sizeof *m);
    m->cfg = *cfg;
    if (cfg->dim < 1 || cfg->dim > 10000)
        return tz_errf(e, TZ_E_ARG, "dim=%d: 1 ile 10000 arasında olmalı.", "dim=%d: must be between 1 and 10000.", cfg->dim);
    if (cfg->neg <= 0 && !cfg->hs)
        return tz_errf(e, TZ_E_ARG, "neg=0 ve hs=0: bir çıktı katmanı gerekli (neg=5 ya da hs=1).",
                       "neg=0 and hs=0: an output layer is needed (neg=5 or hs=1).");
    /* The corpus vocabulary is in frequency order, so the kept words are a prefix of it. */
    size_t V = 0;
    while (V < corpus->vocab.size && corpus->vocab.counts[V] >= cfg->min_count) V++;
    if (V < 2)
        return tz_errf(e, TZ_E_ARG,
                       "min_count=%d ile derlemde %zu sözcük kalıyor; en az 2 gerekli. min_count'u düşürün.",
                       "with min_count=%d the corpus keeps %zu words; at least 2 are needed. Lower min_count.",
                       cfg->min_count, V);
    size_t C = (size_t)cfg->dim;
    double bytes = (double)V * (double)C * 4.0 * (1 + (cfg->neg > 0) + (cfg->hs != 0));
    if (bytes > 16e9)
        return tz_errf(e, TZ_E_NOMEM, "bu model %.1f GB bellek isterdi (V=%zu, dim=%zu); dim ya da sözlüğü küçültün.",
                       "this model would need %.1f GB of memory (V=%zu, dim=%zu); make dim or the vocabulary smaller.",
                       bytes / 1e9, V, C);
    pthread_once(&tables_once, build_tables);
    m->V = V;
    m->C = C;
    vocab_init(&m->vocab);
    for (size_t i = 0; i < V; i++) {
        const char *w = vocab_word(&corpus->vocab, i);
        vocab_add(&m->vocab, w, strlen(w), corpus->vocab.counts[i]);
    }
    /* syn0 uniform in [−0.5/C, 0.5/C] from the seeded generator; outputs start at zero. */
    m->syn0 = tz_malloc(V * C * sizeof *m->syn0);
    uint64_t r = cfg->seed;
    for (size_t i = 0; i < V * C; i++) {
        r = r * 25214903917ULL + 11;
        m->syn0[i] = ((float)((r >> 16) & 0xFFFF) / 65536.0f - 0.5f) / (float)C;
    }
    if (cfg->neg > 0) {
        m->syn1neg = tz_calloc(V * C, sizeof *m->syn1neg);
        vocab_alias_table(&m->vocab, 0.75, &m->neg_prob, &m->neg_alias);
    }
    if (cfg->hs) {
        m->syn1 = tz_calloc(V * C, sizeof *m->syn1);
        int rc = build_huffman(m, e);
        if (rc) { w2v_free(m); return rc; }
    }
    m->keep = vocab_keep_probs(&m->vocab, cfg->sample);
    return 0;
}

void w2v_free(Word2Vec *m)
{
    vocab_free(&m->vocab);
    free(m->syn0);
    free(m->syn1neg);
    free(m->syn1);
    free(m->codelen);
    free(m->codes);
    free(m->points);
    free(m->neg_prob);
    free(m->neg_alias);
    free(m->keep);
    memset(m, 0, sizeof *m);
}

void w2v_to_vectors(const Word2Vec *m, Vectors *out)
{
    vectors_init(out, m->V, m->C);
    for (size_t i = 0; i < m->V; i++) {
        const char *w = vocab_word(&m->vocab, i);
        vocab_add(&out->words, w, strlen(w), m->vocab.counts[i]);
    }
    memcpy(out->data, m->syn0, m->V * m->C * sizeof *out->data);
    vectors_normalize(out);
}

/* --- training ------------------------------------------------------------------------- */

typedef struct {
    Word2Vec *m;
    const Corpus *corpus;
    Job *job;
    size_t sent_begin, sent_end;   /* this thread's sentences */
    int tid;
    /* shared */
    atomic_llong *words_done;      /* words read, all threads, all epochs */
    int64_t total_words;           /* epochs × words in the corpus that are in the vocabulary */
    pthread_mutex_t *mu;
    double *loss_sum;              /* loss accumulated since the last report */
    int64_t *loss_n;
    int64_t trained;               /* words kept after subsampling, this thread */
} Worker;

#define REPORT_EVERY 10000

/* The steps are inlined into the trainer (compiled once per instruction set, see below);
 * the w2v_* wrappers at the end of the file expose them to the tests. */

/* One output: the score f = h·u, its gradient coefficient g = α (y − σ(f)), and the loss
 * −log σ(±f) of that output (table sigmoid; saturated beyond ±6). *g is set, loss returned. */
static inline __attribute__((always_inline)) float output_grad(const float *h, const float *u, int label, float alpha,
                                                               int C, float *g)
{
    float f = dot(h, u, C);
    float s = f >= SIG_MAX ? 1.0f : f <= -SIG_MAX ? 0.0f : sig_table[sig_index(f)];
    *g = ((float)label - s) * alpha;
    return label ? -log_sigmoid(f) : -log_sigmoid(-f);
}

/* One output layer step for the input h: u += g h for each output u, and h's step Σ g u is
 * added to neu1e (applied by the caller, after all outputs saw the old h). */
static inline __attribute__((always_inline)) float output_step(const float *h, float *u, int label, float alpha,
                                                               int C, float *neu1e)
{
    float g;
    float loss = output_grad(h, u, label, alpha, C, &g);
    axpy(g, u, neu1e, C);
    axpy(g, h, u, C);
    return loss;
}

/* Negative sampling: the true word tgt[0] (label 1), then the negatives (label 0). */
static inline __attribute__((always_inline)) float ns_step(Word2Vec *m, const float *h, float *neu1e,
                                                           const size_t *tgt, int n, float alpha)
{
    float loss = 0;
    for (int d = 0; d < n; d++) loss += output_step(h, m->syn1neg + tgt[d] * m->C, d == 0, alpha, (int)m->C, neu1e);
    return loss;
}

/* Hierarchical softmax: one binary decision per inner node on w's Huffman path. The bit 0
 * means "go left" and is predicted as label 1 (word2vec's convention). */
static inline __attribute__((always_inline)) float hs_step(Word2Vec *m, const float *h, float *neu1e, size_t w, float alpha)
{
    float loss = 0;
    const uint8_t *code = m->codes + w * W2V_MAX_CODE;
    const int32_t *point = m->points + w * W2V_MAX_CODE;
    for (int j = 0; j < m->codelen[w]; j++)
        loss += output_step(h, m->syn1 + (size_t)point[j] * m->C, 1 - code[j], alpha, (int)m->C, neu1e);
    return loss;
}

/* Skip-gram for one centre word w and its m context words, as small matrix products
 * (Ji et al., "Parallelizing Word2Vec in Shared and Distributed Memory", 2016): the outputs
 * — w and its K negatives (drawn once per centre, shared by the whole window), and/or the
 * nodes of w's Huffman path — are the same for every context word, so with
 *     X (m×C) = syn0 rows of the contexts,   Y (n×C) = the output rows,  n = K+1 (+ path),
 *     G = α (labels − σ(X Yᵀ))               (m×n)
 *     X += G Y,   Y += Gᵀ X                  (both from the values before the step)
 * The output rows stay in the L1 cache for the whole window instead of being fetched once
 * per (context, output) pair as in word2vec.c. ex (m×C) and g (m×n) are scratch space. */
static inline __attribute__((always_inline)) float sg_window(Word2Vec *m, const uint32_t *ctx, int nctx, size_t w,
                                                             const size_t *tgt, int ntgt, float alpha, float *ex,
                                                             float *g)
{
    const int C = (int)m->C;
    float *rows[W2V_MAX_CODE + 64];
    int label[W2V_MAX_CODE + 64];
    int n = 0;
    if (m->cfg.hs) {
        const uint8_t *code = m->codes + w * W2V_MAX_CODE;
        const int32_t *point = m->points + w * W2V_MAX_CODE;
        for (int j = 0; j < m->codelen[w]; j++) {
            rows[n] = m->syn1 + (size_t)point[j] * m->C;
            label[n++] = 1 - code[j];          /* bit 0 = "left" is predicted as label 1 */
        }
    }
    for (int d = 0; d < ntgt; d++) {          /* negative sampling: w, then its negatives */
        rows[n] = m->syn1neg + tgt[d] * m->C;
        label[n++] = d == 0;
    }
    float loss = 0;
    /* G = α (labels − σ(X Yᵀ)) */
    for (int j = 0; j < nctx; j++) {
        const float *x = m->syn0 + (size_t)ctx[j] * m->C;
        for (int k = 0; k < n; k++) loss += output_grad(x, rows[k], label[k], alpha, C, &g[j * n + k]);
    }
    /* ΔX = G Y, kept aside so that ΔY below still sees the old X */
    for (int j = 0; j < nctx; j++) {
        float *e = ex + (size_t)j * m->C;
        memset(e, 0, (size_t)C * sizeof *e);
        for (int k = 0; k < n; k++) axpy(g[j * n + k], rows[k], e, C);
    }
    /* Y += Gᵀ X */
    for (int k = 0; k < n; k++)
        for (int j = 0; j < nctx; j++) axpy(g[j * n + k], m->syn0 + (size_t)ctx[j] * m->C, rows[k], C);
    /* X += ΔX */
    for (int j = 0; j < nctx; j++) axpy(1.0f, ex + (size_t)j * m->C, m->syn0 + (size_t)ctx[j] * m->C, C);
    return loss;
}

/* Compiled twice: for AVX2 + FMA (x86-64-v3) and for plain x86-64; the loader picks one by
 * what the processor has. (AVX-512 measured no faster here: the loop waits on memory.) */
__attribute__((target_clones("arch=x86-64-v3", "default")))
static void *train_thread(void *arg)
{
    Worker *W = arg;
    Word2Vec *m = W->m;
    const Corpus *cp = W->corpus;
    const W2VConfig *cfg = &m->cfg;
    const int C = (int)m->C;
    uint64_t r = cfg->seed * 0x9E3779B97F4A7C15ULL + (uint64_t)W->tid + 1;
    size_t maxlen = 0;
    for (size_t s = W->sent_begin; s < W->sent_end; s++) {
        size_t len = cp->sent[s + 1] - cp->sent[s];
        if (len > maxlen) maxlen = len;
    }
    uint32_t *sen = tz_malloc((maxlen + 1) * sizeof *sen);
    float *neu1 = tz_malloc((size_t)C * sizeof *neu1), *neu1e = tz_malloc((size_t)C * sizeof *neu1e);
    /* skip-gram scratch: the context ids, ΔX (2W×C) and G (2W × outputs) of one window */
    uint32_t *ctx = tz_malloc(2 * (size_t)cfg->window * sizeof *ctx);
    size_t tgt_a[65], tgt_b[65], *cur = tgt_a, *nxt = tgt_b;   /* negatives, this and next position */
    float *ex = tz_malloc(2 * (size_t)cfg->window * (size_t)C * sizeof *ex);
    float *gbuf = tz_malloc(2 * (size_t)cfg->window * (W2V_MAX_CODE + 64) * sizeof *gbuf);
    int64_t local_words = 0, last_flush = 0;
    double loss_sum = 0;
    int64_t loss_n = 0;
    float alpha = (float)cfg->alpha;
    int stop = 0;
    for (int ep = 0; ep < cfg->epochs && !stop; ep++) {
        for (size_t s = W->sent_begin; s < W->sent_end && !stop; s++) {
            /* the sentence without out-of-vocabulary words and subsampled frequent words */
            size_t n = 0;
            for (size_t t = cp->sent[s]; t < cp->sent[s + 1]; t++) {
                uint32_t w = cp->ids[t];
                if (w >= m->V) continue;
                local_words++;
                if (m->keep[w] < 1.0f) {
                    r = r * 25214903917ULL + 11;
                    if (m->keep[w] < (float)((r >> 16) & 0xFFFF) / 65536.0f) continue;
                }
                sen[n++] = w;
            }
            W->trained += (int64_t)n;
            /* negatives for position 0; each position then draws those of the next one */
            int ncur = (cfg->neg > 0 && n > 0) ? draw_targets(m, sen[0], &r, cur) : 0, nnxt = 0;
            for (size_t pos = 0; pos < n; pos++) {
                size_t w = sen[pos];
                if (cfg->neg > 0 && pos + 1 < n) nnxt = draw_targets(m, sen[pos + 1], &r, nxt);
                r = r * 25214903917ULL + 11;
                int b = (int)((r >> 16) % (uint64_t)cfg->window);   /* window shrinks by b */
                int win = cfg->window - b;
                size_t lo = pos >= (size_t)win ? pos - (size_t)win : 0;
                size_t hi = pos + (size_t)win < n - 1 ? pos + (size_t)win : n - 1;
                if (cfg->sg) {
                    /* skip-gram: each context word's vector predicts the centre word */
                    int nctx = 0;
                    for (size_t c = lo; c <= hi; c++)
                        if (c != pos) ctx[nctx++] = sen[c];
                    if (nctx > 0) {
                        loss_sum += sg_window(m, ctx, nctx, w, cur, ncur, alpha, ex, gbuf);
                        loss_n += nctx;
                    }
                } else {
                    /* CBOW: the mean of the context vectors predicts the centre word */
                    memset(neu1, 0, (size_t)C * sizeof *neu1);
                    int cw = 0;
                    for (size_t c = lo; c <= hi; c++) {
                        if (c == pos) continue;
                        axpy(1.0f, m->syn0 + (size_t)sen[c] * m->C, neu1, C);
                        cw++;
                    }
                    if (cw > 0) {
                        float inv = 1.0f / (float)cw;
                        for (int i = 0; i < C; i++) neu1[i] *= inv;
                        memset(neu1e, 0, (size_t)C * sizeof *neu1e);
                        float l = 0;
                        if (cfg->hs) l += hs_step(m, neu1, neu1e, w, alpha);
                        if (cfg->neg > 0) l += ns_step(m, neu1, neu1e, cur, ncur, alpha);
                        for (size_t c = lo; c <= hi; c++)
                            if (c != pos) axpy(1.0f, neu1e, m->syn0 + (size_t)sen[c] * m->C, C);
                        loss_sum += l;
                        loss_n++;
                    }
                }
                /* the next position's negatives become the current ones */
                size_t *t = cur; cur = nxt; nxt = t;
                ncur = nnxt;
            }
            if (local_words - last_flush >= REPORT_EVERY) {
                /* publish: words read so far, the loss, and the new learning rate */
                long long done = atomic_fetch_add(W->words_done, local_words - last_flush) + (local_words - last_flush);
                last_flush = local_words;
                double frac = (double)done / (double)(W->total_words + 1);
                alpha = (float)(cfg->alpha - (cfg->alpha - cfg->min_alpha) * frac);
                if (alpha < (float)cfg->min_alpha) alpha = (float)cfg->min_alpha;
                pthread_mutex_lock(W->mu);
                *W->loss_sum += loss_sum;
                *W->loss_n += loss_n;
                double mean = *W->loss_n ? *W->loss_sum / (double)*W->loss_n : 0;
                if (*W->loss_n > 200000) { *W->loss_sum = 0; *W->loss_n = 0; } /* a running window */
                m->last_loss = mean;
                pthread_mutex_unlock(W->mu);
                loss_sum = 0;
                loss_n = 0;
                job_report_loss(W->job, done, W->total_words, mean);
                if (W->tid == 0 && m->watch) w2v_watch_publish(m->watch, m, done, 0);
                if (job_cancelled(W->job)) stop = 1;
            }
        }
    }
    atomic_fetch_add(W->words_done, local_words - last_flush);
    pthread_mutex_lock(W->mu);
    *W->loss_sum += loss_sum;
    *W->loss_n += loss_n;
    if (*W->loss_n) m->last_loss = *W->loss_sum / (double)*W->loss_n;
    pthread_mutex_unlock(W->mu);
    free(sen);
    free(neu1);
    free(neu1e);
    free(ctx);
    free(ex);
    free(gbuf);
    return NULL;
}

int w2v_train(Word2Vec *m, const Corpus *corpus, Job *job, TzErr *e)
{
    (void)e;
    int T = m->cfg.threads < 1 ? 1 : m->cfg.threads;
    if ((size_t)T > corpus->nsent) T = corpus->nsent ? (int)corpus->nsent : 1;
    int64_t in_vocab = 0;
    for (size_t i = 0; i < corpus->ntokens; i++) in_vocab += corpus->ids[i] < m->V;
    atomic_llong done = 0;
    pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    double loss_sum = 0;
    int64_t loss_n = 0;
    Worker *W = tz_calloc((size_t)T, sizeof *W);
    pthread_t *th = tz_calloc((size_t)T, sizeof *th);
    /* Split the sentences into T runs of about the same number of tokens. */
    size_t s = 0;
    for (int t = 0; t < T; t++) {
        W[t] = (Worker){ .m = m, .corpus = corpus, .job = job, .tid = t, .words_done = &done,
                         .total_words = in_vocab * m->cfg.epochs, .mu = &mu, .loss_sum = &loss_sum,
                         .loss_n = &loss_n };
        W[t].sent_begin = s;
        size_t target = corpus->ntokens * (size_t)(t + 1) / (size_t)T;
        while (s < corpus->nsent && (t == T - 1 || corpus->sent[s] < target)) s++;
        W[t].sent_end = s;
    }
    double t0 = tz_now();
    if (T == 1) train_thread(&W[0]);
    else {
        for (int t = 0; t < T; t++) pthread_create(&th[t], NULL, train_thread, &W[t]);
        for (int t = 0; t < T; t++) pthread_join(th[t], NULL);
    }
    m->seconds += tz_now() - t0;
    m->words_trained = 0;
    for (int t = 0; t < T; t++) m->words_trained += W[t].trained;
    m->finished = !job_cancelled(job);
    job_report_loss(job, atomic_load(&done), in_vocab * m->cfg.epochs, m->last_loss);
    if (m->watch) w2v_watch_publish(m->watch, m, atomic_load(&done), 1);
    free(W);
    free(th);
    return 0;
}

/* --- the steps, for the tests ------------------------------------------------------------ */
float w2v_ns_step(Word2Vec *m, const float *h, float *neu1e, size_t w, float alpha, uint64_t *r)
{
    size_t tgt[65];
    int n = draw_targets(m, w, r, tgt);
    return ns_step(m, h, neu1e, tgt, n, alpha);
}

float w2v_hs_step(Word2Vec *m, const float *h, float *neu1e, size_t w, float alpha)
{
    return hs_step(m, h, neu1e, w, alpha);
}

float w2v_sg_window(Word2Vec *m, const uint32_t *ctx, int nctx, size_t w, float alpha, uint64_t *r, float *ex,
                    float *g)
{
    size_t tgt[65];
    int n = m->cfg.neg > 0 ? draw_targets(m, w, r, tgt) : 0;
    return sg_window(m, ctx, nctx, w, tgt, n, alpha, ex, g);
}

/* --- watching training live (see word2vec.h) ---------------------------------------------- */
struct W2VWatch {
    pthread_mutex_t mu;        /* guards ids/n */
    size_t *ids, n;
    _Atomic(const Vocab *) vocab;
    Snapshot *snap;
    double interval, last;     /* last: when the worker last published (worker only) */
    float *buf;                /* n × C staging rows (worker only) */
    size_t buf_cap;
};

W2VWatch *w2v_watch_new(double interval)
{
    W2VWatch *w = tz_calloc(1, sizeof *w);
    pthread_mutex_init(&w->mu, NULL);
    atomic_init(&w->vocab, NULL);
    w->snap = snapshot_new();
    w->interval = interval;
    return w;
}

void w2v_watch_free(W2VWatch *w)
{
    if (!w) return;
    pthread_mutex_destroy(&w->mu);
    snapshot_free(w->snap);
    free(w->ids);
    free(w->buf);
    free(w);
}

void w2v_watch_attach(W2VWatch *w, Word2Vec *m)
{
    m->watch = w;
    atomic_store_explicit(&w->vocab, &m->vocab, memory_order_release);
}

const Vocab *w2v_watch_vocab(W2VWatch *w)
{
    return atomic_load_explicit(&w->vocab, memory_order_acquire);
}

void w2v_watch_set(W2VWatch *w, const size_t *ids, size_t n)
{
    pthread_mutex_lock(&w->mu);
    w->ids = tz_realloc(w->ids, (n ? n : 1) * sizeof *w->ids);
    memcpy(w->ids, ids, n * sizeof *ids);
    w->n = n;
    pthread_mutex_unlock(&w->mu);
}

Snapshot *w2v_watch_snapshot(W2VWatch *w)
{
    return w->snap;
}

void w2v_watch_publish(W2VWatch *w, const Word2Vec *m, int64_t step, int force)
{
    double now = tz_now();
    if (!force && now - w->last < w->interval) return;
    w->last = now;
    pthread_mutex_lock(&w->mu);
    size_t n = w->n, C = m->C;
    if (n * C > w->buf_cap) {
        w->buf = tz_realloc(w->buf, n * C * sizeof *w->buf);
        w->buf_cap = n * C;
    }
    for (size_t i = 0; i < n; i++) {
        const float *src = m->syn0 + (w->ids[i] < m->V ? w->ids[i] : 0) * C;
        float *dst = w->buf + i * C;
        double ss = 0;
        for (size_t k = 0; k < C; k++) { dst[k] = src[k]; ss += (double)src[k] * src[k]; }
        float inv = ss > 0 ? (float)(1.0 / sqrt(ss)) : 0;   /* unit rows: the cosine geometry */
        for (size_t k = 0; k < C; k++) dst[k] *= inv;
    }
    pthread_mutex_unlock(&w->mu);
    if (n) snapshot_publish(w->snap, w->buf, n, C, step);
}
