/* ft_train.c — see ft_train.h.
 *
 * The output layer and the sampling tables are Word2Vec's (w2v_ns_step / w2v_hs_step take
 * one step for an input h and add h's step to neu1e); what is FastText's own is the input
 * side: h is a mean of rows, and each of those rows takes the step.
 *
 * Where the time goes: with 2 M buckets the input matrix is hundreds of MB and a word's ~20
 * rows lie anywhere in it, so the input side waits on memory. Three things keep that down
 * (bench/fasttext.sh measures the result against fastText and gensim): skip-gram reads and
 * writes the centre's rows once per centre instead of once per context word (sg_centre
 * explains why that is the same computation); the rows of the words coming up are
 * prefetched; and the loops are vectorised for AVX2 where the processor has it.
 */
#include "models/ft_train.h"
#include "models/fasttext.h"
#include "core/pool.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

int ft_model_init(FtModel *m, const W2VConfig *cfg, const Corpus *corpus, TzErr *e)
{
    memset(m, 0, sizeof *m);
    return w2v_init(&m->w2v, cfg, corpus, e);
}

/* The input matrix's initial values: one LCG stream over all n floats, x_i from the state
 * after i + 1 steps. Each thread fills its own part, starting from the state it would have
 * reached there (the LCG jumps ahead k steps in log k), so the values do not depend on the
 * number of threads. */
#define INIT_A 6364136223846793005ULL
#define INIT_C 1442695040888963407ULL

typedef struct {
    float *in;
    size_t n, C;
    uint64_t r0;
} InitJob;

static uint64_t lcg_skip(uint64_t r, uint64_t k)
{
    uint64_t a = INIT_A, c = INIT_C, ka = 1, kc = 0;   /* k steps: r → ka·r + kc */
    for (; k; k >>= 1) {
        if (k & 1) {
            ka *= a;
            kc = kc * a + c;
        }
        c *= a + 1;
        a *= a;
    }
    return ka * r + kc;
}

static void init_part(void *arg, int t, int T)
{
    InitJob *J = arg;
    size_t lo = J->n * (size_t)t / (size_t)T, hi = J->n * (size_t)(t + 1) / (size_t)T;
    uint64_t r = lcg_skip(J->r0, lo);
    for (size_t i = lo; i < hi; i++) {
        r = r * INIT_A + INIT_C;
        J->in[i] = ((float)((r >> 40) & 0xFFFFFF) / 8388608.0f - 1.0f) / (float)J->C;
    }
}

int ft_model_set_rows(FtModel *m, FtRows *rows, TzErr *e)
{
    size_t V = m->w2v.V, C = m->w2v.C;
    if (rows->rows < V || rows->off[0] != 0)
        return tz_errf(e, TZ_E_ARG, "alt sözcük satırları sözlüğe uymuyor (%zu satır, %zu sözcük).",
                       "the subword rows do not fit the vocabulary (%zu rows, %zu words).", rows->rows, V);
    for (size_t w = 0; w < V; w++) {
        if (rows->off[w + 1] <= rows->off[w] || rows->idx[rows->off[w]] != w)
            return tz_errf(e, TZ_E_ARG, "%zu. sözcüğün satır listesi kendi satırıyla başlamıyor.",
                           "the row list of word %zu does not start with its own row.", w);
        for (uint32_t k = rows->off[w]; k < rows->off[w + 1]; k++)
            if (rows->idx[k] >= rows->rows)
                return tz_errf(e, TZ_E_ARG, "%zu. sözcüğün satırı %u, %zu satırın dışında.",
                               "word %zu has row %u, outside the %zu rows.", w, rows->idx[k], rows->rows);
    }
    double bytes = (double)rows->rows * (double)C * 4.0;
    if (bytes > 16e9)
        return tz_errf(e, TZ_E_NOMEM, "giriş matrisi %.1f GB isterdi (%zu satır × %zu); bucket ya da dim'i küçültün.",
                       "the input matrix would need %.1f GB (%zu rows × %zu); make bucket or dim smaller.",
                       bytes / 1e9, rows->rows, C);
    m->rows = *rows;
    memset(rows, 0, sizeof *rows);
    /* fastText starts every input row uniform in [−1/C, 1/C] (the outputs at zero); with
     * 2 M buckets that is hundreds of MB, filled by the training threads (see init_part) */
    m->in = tz_malloc(m->rows.rows * C * sizeof *m->in);
    InitJob job = { m->in, m->rows.rows * C, C, m->w2v.cfg.seed * 0x9E3779B97F4A7C15ULL + 7 };
    int T = m->w2v.cfg.threads < 1 ? 1 : m->w2v.cfg.threads;
    Pool *pool = job.n >= (1u << 22) && T > 1 ? pool_new(T) : NULL;
    pool_run(pool, init_part, &job);
    pool_free(pool);
    /* the word rows are the first V rows of in: Word2Vec's syn0 becomes a view of them, so
     * whatever reads syn0 (the live watch) sees the words' own rows */
    free(m->w2v.syn0);
    m->w2v.syn0 = m->in;
    return 0;
}

void ft_rows_free(FtRows *r)
{
    free(r->off);
    free(r->idx);
    memset(r, 0, sizeof *r);
}

void ft_model_free(FtModel *m)
{
    if (m->in) m->w2v.syn0 = NULL;   /* a view of in, freed below */
    w2v_free(&m->w2v);
    ft_rows_free(&m->rows);
    free(m->in);
    memset(m, 0, sizeof *m);
}

/* --- small vector kernels: inlined where they are used, so that the trainer (compiled once per
 * instruction set, see ft_thread) gets them as AVX2 + FMA or as SSE2 --------------------------- */

static inline __attribute__((always_inline)) void v_add(float *restrict y, const float *restrict x, int n)
{
#pragma omp simd
    for (int i = 0; i < n; i++) y[i] += x[i];
}

static inline __attribute__((always_inline)) void v_add2(float *restrict y, const float *restrict x,
                                                         const float *restrict z, int n)
{
#pragma omp simd
    for (int i = 0; i < n; i++) y[i] += x[i] + z[i];
}

static inline __attribute__((always_inline)) void v_axpy(float a, const float *restrict x, float *restrict y, int n)
{
#pragma omp simd
    for (int i = 0; i < n; i++) y[i] += a * x[i];
}

static inline __attribute__((always_inline)) void v_scale(float a, float *y, int n)
{
#pragma omp simd
    for (int i = 0; i < n; i++) y[i] *= a;
}

/* out = Σ_k in[rows[k]] (not yet divided) */
static inline __attribute__((always_inline)) void sum_rows(const float *in, const uint32_t *rows, size_t n, int C,
                                                           float *restrict out)
{
    memset(out, 0, (size_t)C * sizeof *out);
    for (size_t k = 0; k < n; k++) v_add(out, in + (size_t)rows[k] * (size_t)C, C);
}

/* Ask the memory system for word w's input rows, to be read soon (and then written). */
static inline __attribute__((always_inline)) void prefetch_word(const FtModel *m, uint32_t w)
{
    const FtRows *R = &m->rows;
    size_t bytes = m->w2v.C * sizeof(float);
    for (uint32_t k = R->off[w]; k < R->off[w + 1]; k++) {
        const char *p = (const char *)(m->in + (size_t)R->idx[k] * m->w2v.C), *end = p + bytes;
        for (; p < end; p += 64) __builtin_prefetch(p, 0, 3);
        __builtin_prefetch(end - 1, 0, 3);
    }
}

void ft_rows_vector(const FtModel *m, const uint32_t *rows, size_t n, float *out)
{
    int C = (int)m->w2v.C;
    sum_rows(m->in, rows, n, C, out);
    if (n)
        for (int i = 0; i < C; i++) out[i] /= (float)n;
}

void ft_model_to_vectors(const FtModel *m, Vectors *out)
{
    size_t V = m->w2v.V, C = m->w2v.C;
    vectors_init(out, V, C);
    for (size_t w = 0; w < V; w++) {
        const char *s = vocab_word(&m->w2v.vocab, w);
        vocab_add(&out->words, s, strlen(s), m->w2v.vocab.counts[w]);
        ft_rows_vector(m, m->rows.idx + m->rows.off[w], m->rows.off[w + 1] - m->rows.off[w], out->data + w * C);
    }
    vectors_normalize(out);
}

/* --- training ------------------------------------------------------------------------------ */

typedef struct {
    FtModel *m;
    const Corpus *corpus;
    Job *job;
    size_t sent_begin, sent_end;
    int tid;
    atomic_llong *words_done;
    int64_t total_words;
    pthread_mutex_t *mu;
    double *loss_sum;
    int64_t *loss_n;
    const float *follow;  /* V: how far h(w) moves when each of w's rows moves by e (see below) */
    int64_t trained;      /* words kept after subsampling, this thread */
} FtWorker;

#define FT_REPORT_EVERY 10000

/* The output layer's step for the input h (Word2Vec's; h's step is added to neu1e). */
static inline __attribute__((always_inline)) float output_step(Word2Vec *w, const float *h, float *neu1e, size_t target,
                                                               float alpha, uint64_t *r)
{
    float loss = 0;
    if (w->cfg.hs) loss += w2v_hs_step(w, h, neu1e, target, alpha);
    if (w->cfg.neg > 0) loss += w2v_ns_step(w, h, neu1e, target, alpha, r);
    return loss;
}

/* Skip-gram. fastText's loop for a centre word w, for each context word c in turn, is
 *     h = mean of w's rows;  e = output step (h → c);  each of w's rows += e
 * — so h is rebuilt from the same rows once per context word, and the rows are written once
 * per context word. Since every row of the list moves by the same e, the new mean is known
 * without reading the rows again: h += follow(w)·e, where follow(w) = Σ_r mult(r)² / n for a
 * list of n entries in which row r occurs mult(r) times (1 when the rows are distinct, the
 * usual case; more when two n-grams share a bucket). So here h is built once per centre, and
 * the steps e are summed and added to the rows once, after the last context word: the same
 * h for every step and the same rows at the end as fastText's loop (up to the order of
 * float additions), with a fraction of the memory traffic. (Another thread's writes to these
 * rows in the meantime reach h at the next centre word: Hogwild in any case.) */
static inline __attribute__((always_inline)) float sg_centre(FtModel *m, const uint32_t *rows, size_t len, float follow,
                                                             const uint32_t *sen, size_t lo, size_t hi, size_t pos,
                                                             float alpha, uint64_t *r, float *restrict h,
                                                             float *restrict neu1e, float *restrict acc, int64_t *nsteps)
{
    Word2Vec *w = &m->w2v;
    const int C = (int)w->C;
    float loss = 0;
    sum_rows(m->in, rows, len, C, h);
    v_scale(1.0f / (float)len, h, C);
    memset(acc, 0, (size_t)C * sizeof *acc);
    memset(neu1e, 0, (size_t)C * sizeof *neu1e);
    for (size_t c = lo; c <= hi; c++) {
        if (c == pos) continue;
        loss += output_step(w, h, neu1e, sen[c], alpha, r);
        /* acc += e;  h += follow·e (h as if the rows had moved already);  e = 0 for the next */
#pragma omp simd
        for (int i = 0; i < C; i++) {
            acc[i] += neu1e[i];
            h[i] += follow * neu1e[i];
            neu1e[i] = 0;
        }
        (*nsteps)++;
    }
    for (size_t k = 0; k < len; k++) v_add(m->in + (size_t)rows[k] * (size_t)C, acc, C);
    return loss;
}

/* CBOW: h = the mean of all the rows of all the context words predicts the centre; each of
 * those rows then moves by h's step (as in fastText, not divided by their number). */
static inline __attribute__((always_inline)) float cbow_centre(FtModel *m, const uint32_t *sen, size_t lo, size_t hi,
                                                               size_t pos, float alpha, uint64_t *r, float *restrict h,
                                                               float *restrict neu1e, int64_t *nsteps)
{
    Word2Vec *w = &m->w2v;
    const FtRows *R = &m->rows;
    const int C = (int)w->C;
    size_t total = 0;
    memset(h, 0, (size_t)C * sizeof *h);
    for (size_t c = lo; c <= hi; c++) {
        if (c == pos) continue;
        uint32_t k = R->off[sen[c]], end = R->off[sen[c] + 1];
        for (; k + 1 < end; k += 2)   /* two rows a pass: h is read and written half as often */
            v_add2(h, m->in + (size_t)R->idx[k] * (size_t)C, m->in + (size_t)R->idx[k + 1] * (size_t)C, C);
        if (k < end) v_add(h, m->in + (size_t)R->idx[k] * (size_t)C, C);
        total += end - R->off[sen[c]];
    }
    if (total == 0) return 0;
    v_scale(1.0f / (float)total, h, C);
    memset(neu1e, 0, (size_t)C * sizeof *neu1e);
    float loss = output_step(w, h, neu1e, sen[pos], alpha, r);
    for (size_t c = lo; c <= hi; c++) {
        if (c == pos) continue;
        for (uint32_t k = R->off[sen[c]]; k < R->off[sen[c] + 1]; k++)
            v_add(m->in + (size_t)R->idx[k] * (size_t)C, neu1e, C);
    }
    (*nsteps)++;
    return loss;
}

/* Compiled twice, for AVX2 + FMA (x86-64-v3) and for plain x86-64, as Word2Vec's trainer;
 * the loader picks one by what the processor has. */
__attribute__((target_clones("arch=x86-64-v3", "default")))
static void *ft_thread(void *arg)
{
    FtWorker *W = arg;
    FtModel *m = W->m;
    Word2Vec *w2 = &m->w2v;
    const Corpus *cp = W->corpus;
    const W2VConfig *cfg = &w2->cfg;
    size_t C = w2->C;
    uint64_t r = cfg->seed * 0x9E3779B97F4A7C15ULL + (uint64_t)W->tid + 1;
    size_t maxlen = 0;
    for (size_t s = W->sent_begin; s < W->sent_end; s++)
        if (cp->sent[s + 1] - cp->sent[s] > maxlen) maxlen = cp->sent[s + 1] - cp->sent[s];
    uint32_t *sen = tz_malloc((maxlen + 1) * sizeof *sen);
    /* this thread's scratch: h, its step, and (skip-gram) the sum of the steps */
    float *h = tz_malloc(3 * C * sizeof *h), *neu1e = h + C, *acc = h + 2 * C;
    int64_t local = 0, last_flush = 0;
    double loss_sum = 0;
    int64_t loss_n = 0;
    float alpha = (float)cfg->alpha;
    int stop = 0;
    const FtRows *R = &m->rows;
    for (int ep = 0; ep < cfg->epochs && !stop; ep++) {
        for (size_t s = W->sent_begin; s < W->sent_end && !stop; s++) {
            size_t n = 0;
            for (size_t t = cp->sent[s]; t < cp->sent[s + 1]; t++) {
                uint32_t wd = cp->ids[t];
                if (wd >= w2->V) continue;
                local++;
                if (w2->keep[wd] < 1.0f) {
                    r = r * 25214903917ULL + 11;
                    if (w2->keep[wd] < (float)((r >> 16) & 0xFFFF) / 65536.0f) continue;
                }
                sen[n++] = wd;
            }
            W->trained += (int64_t)n;
            /* The input rows of a word are scattered over the bucket rows (hundreds of MB), so
             * they are asked for ahead of their use, to arrive while the steps before run:
             * skip-gram reads the centre's rows (the next centre's are fetched), CBOW the rows of
             * every word in the window (each word is fetched as it comes within window + 1). */
            size_t ahead = cfg->sg ? 1 : (size_t)cfg->window + 1;
            for (size_t p = 0; p < ahead && p < n; p++) prefetch_word(m, sen[p]);
            for (size_t pos = 0; pos < n; pos++) {
                if (pos + ahead < n) prefetch_word(m, sen[pos + ahead]);
                r = r * 25214903917ULL + 11;
                int win = cfg->window - (int)((r >> 16) % (uint64_t)cfg->window);
                size_t lo = pos >= (size_t)win ? pos - (size_t)win : 0;
                size_t hi = pos + (size_t)win < n - 1 ? pos + (size_t)win : n - 1;
                if (lo == hi) continue;   /* a sentence of one word: no context */
                if (cfg->sg) {
                    uint32_t wd = sen[pos];
                    loss_sum += sg_centre(m, R->idx + R->off[wd], R->off[wd + 1] - R->off[wd], W->follow[wd], sen, lo, hi,
                                          pos, alpha, &r, h, neu1e, acc, &loss_n);
                } else {
                    loss_sum += cbow_centre(m, sen, lo, hi, pos, alpha, &r, h, neu1e, &loss_n);
                }
            }
            if (local - last_flush >= FT_REPORT_EVERY) {
                long long done = atomic_fetch_add(W->words_done, local - last_flush) + (local - last_flush);
                last_flush = local;
                double frac = (double)done / (double)(W->total_words + 1);
                alpha = (float)(cfg->alpha - (cfg->alpha - cfg->min_alpha) * frac);
                if (alpha < (float)cfg->min_alpha) alpha = (float)cfg->min_alpha;
                pthread_mutex_lock(W->mu);
                *W->loss_sum += loss_sum;
                *W->loss_n += loss_n;
                double mean = *W->loss_n ? *W->loss_sum / (double)*W->loss_n : 0;
                if (*W->loss_n > 200000) { *W->loss_sum = 0; *W->loss_n = 0; }
                w2->last_loss = mean;
                pthread_mutex_unlock(W->mu);
                loss_sum = 0;
                loss_n = 0;
                job_report_loss(W->job, done, W->total_words, mean);
                if (W->tid == 0 && w2->watch) w2v_watch_publish(w2->watch, w2, done, 0);
                if (job_cancelled(W->job)) stop = 1;
            }
        }
    }
    atomic_fetch_add(W->words_done, local - last_flush);
    pthread_mutex_lock(W->mu);
    *W->loss_sum += loss_sum;
    *W->loss_n += loss_n;
    if (*W->loss_n) w2->last_loss = *W->loss_sum / (double)*W->loss_n;
    pthread_mutex_unlock(W->mu);
    free(sen);
    free(h);
    return NULL;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* follow(w) = Σ_r mult(r)² / n over w's list of n rows (see sg_centre): 1 without repeats. */
static float *follow_factors(const FtRows *R, size_t V)
{
    float *f = tz_malloc((V ? V : 1) * sizeof *f);
    uint32_t *tmp = NULL;
    size_t cap = 0;
    for (size_t w = 0; w < V; w++) {
        size_t n = R->off[w + 1] - R->off[w];
        if (n > cap) {
            cap = 2 * n;
            tmp = tz_realloc(tmp, cap * sizeof *tmp);
        }
        memcpy(tmp, R->idx + R->off[w], n * sizeof *tmp);
        qsort(tmp, n, sizeof *tmp, cmp_u32);
        size_t sq = 0;
        for (size_t i = 0; i < n;) {
            size_t j = i;
            while (j < n && tmp[j] == tmp[i]) j++;
            sq += (j - i) * (j - i);
            i = j;
        }
        f[w] = n ? (float)((double)sq / (double)n) : 1.0f;
    }
    free(tmp);
    return f;
}

int ft_train(FtModel *m, const Corpus *corpus, Job *job, TzErr *e)
{
    if (!m->in)
        return tz_errf(e, TZ_E_ARG, "FastText: alt sözcük satırları verilmeden eğitilemez.",
                       "FastText: cannot train before the subword rows are given.");
    Word2Vec *w2 = &m->w2v;
    int T = w2->cfg.threads < 1 ? 1 : w2->cfg.threads;
    if ((size_t)T > corpus->nsent) T = corpus->nsent ? (int)corpus->nsent : 1;
    int64_t in_vocab = 0;
    for (size_t i = 0; i < corpus->ntokens; i++) in_vocab += corpus->ids[i] < w2->V;
    atomic_llong done = 0;
    pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    double loss_sum = 0;
    int64_t loss_n = 0;
    float *follow = w2->cfg.sg ? follow_factors(&m->rows, w2->V) : NULL;
    FtWorker *W = tz_calloc((size_t)T, sizeof *W);
    pthread_t *th = tz_calloc((size_t)T, sizeof *th);
    size_t s = 0;
    for (int t = 0; t < T; t++) {
        W[t] = (FtWorker){ .m = m, .corpus = corpus, .job = job, .tid = t, .words_done = &done,
                           .total_words = in_vocab * w2->cfg.epochs, .mu = &mu, .loss_sum = &loss_sum,
                           .loss_n = &loss_n, .sent_begin = s, .follow = follow };
        size_t target = corpus->ntokens * (size_t)(t + 1) / (size_t)T;
        while (s < corpus->nsent && (t == T - 1 || corpus->sent[s] < target)) s++;
        W[t].sent_end = s;
    }
    double t0 = tz_now();
    if (T == 1) ft_thread(&W[0]);
    else {
        for (int t = 0; t < T; t++) pthread_create(&th[t], NULL, ft_thread, &W[t]);
        for (int t = 0; t < T; t++) pthread_join(th[t], NULL);
    }
    w2->seconds += tz_now() - t0;
    w2->words_trained = 0;
    for (int t = 0; t < T; t++) w2->words_trained += W[t].trained;
    w2->finished = !job_cancelled(job);
    job_report_loss(job, atomic_load(&done), in_vocab * w2->cfg.epochs, w2->last_loss);
    if (w2->watch) w2v_watch_publish(w2->watch, w2, atomic_load(&done), 1);
    free(follow);
    free(W);
    free(th);
    return 0;
}

/* --- fastText's subwords as rows, and handing a trained model over ------------------------ */

typedef struct {
    uint32_t *idx;
    size_t n, cap;
    size_t V;
    int bucket;
} RowsBuild;

static int add_ngram_row(const char *g, size_t len, uint32_t hash, void *ud)
{
    (void)g;
    (void)len;
    RowsBuild *b = ud;
    if (b->n == b->cap) {
        b->cap *= 2;
        b->idx = tz_realloc(b->idx, b->cap * sizeof *b->idx);
    }
    b->idx[b->n++] = (uint32_t)(b->V + hash % (uint32_t)b->bucket);
    return 0;
}

int ft_rows_for_ngrams(const Vocab *vocab, int minn, int maxn, int bucket, FtRows *out, TzErr *e)
{
    memset(out, 0, sizeof *out);
    size_t V = vocab->size;
    if (minn < 1 || maxn < minn || maxn > 20)
        return tz_errf(e, TZ_E_ARG, "minn=%d maxn=%d: 1 ≤ minn ≤ maxn ≤ 20 olmalı.",
                       "minn=%d maxn=%d: need 1 ≤ minn ≤ maxn ≤ 20.", minn, maxn);
    if (bucket < 1 || (uint64_t)V + (uint64_t)bucket > UINT32_MAX)
        return tz_errf(e, TZ_E_ARG, "bucket=%d: 1 ile %zu arasında olmalı.", "bucket=%d: must be between 1 and %zu.", bucket,
                       (size_t)(UINT32_MAX - V));
    RowsBuild b = { .cap = 16 * V + 16, .V = V, .bucket = bucket };
    b.idx = tz_malloc(b.cap * sizeof *b.idx);
    out->off = tz_malloc((V + 1) * sizeof *out->off);
    for (size_t w = 0; w < V; w++) {
        out->off[w] = (uint32_t)b.n;
        if (b.n == b.cap) {
            b.cap *= 2;
            b.idx = tz_realloc(b.idx, b.cap * sizeof *b.idx);
        }
        b.idx[b.n++] = (uint32_t)w;
        const char *s = vocab_word(vocab, w);
        ft_ngrams(s, strlen(s), minn, maxn, add_ngram_row, &b);
    }
    out->off[V] = (uint32_t)b.n;
    out->idx = b.idx;
    out->rows = V + (size_t)bucket;
    return 0;
}

int ft_model_export(FtModel *m, int minn, int maxn, int bucket, int64_t ntokens, FastText *out, TzErr *e)
{
    Word2Vec *w = &m->w2v;
    if (!w->syn1neg)
        return tz_errf(e, TZ_E_ARG, "fastText biçimi negatif örneklemeli bir model ister (neg > 0).",
                       "the fastText format needs a model trained with negative sampling (neg > 0).");
    memset(out, 0, sizeof *out);
    ft_args_default(&out->args);
    out->args.dim = (int32_t)w->C;
    out->args.ws = w->cfg.window;
    out->args.epoch = w->cfg.epochs;
    out->args.min_count = w->cfg.min_count;
    out->args.neg = w->cfg.neg;
    out->args.loss = FT_LOSS_NS;
    out->args.model = w->cfg.sg ? FT_MODEL_SG : FT_MODEL_CBOW;
    out->args.bucket = bucket;
    out->args.minn = minn;
    out->args.maxn = maxn;
    out->args.t = w->cfg.sample;
    vocab_init(&out->dict);
    for (size_t i = 0; i < w->V; i++) {
        const char *s = vocab_word(&w->vocab, i);
        vocab_add(&out->dict, s, strlen(s), w->vocab.counts[i]);
    }
    out->type = tz_calloc(w->V ? w->V : 1, 1);   /* all FT_ENTRY_WORD */
    out->nwords = out->nwords_file = w->V;
    out->ntokens = ntokens;
    out->pruneidx_size = -1;
    out->in_rows = m->rows.rows;
    out->out_rows = w->V;
    out->owned = m->in;
    out->owned_out = w->syn1neg;
    out->input = (const char *)m->in;
    out->output = (const char *)w->syn1neg;
    m->in = NULL;
    w->syn1neg = NULL;
    w->syn0 = NULL;
    ft_model_free(m);
    return 0;
}
