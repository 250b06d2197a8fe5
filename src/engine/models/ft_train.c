/* ft_train.c — see ft_train.h.
 *
 * The output layer and the sampling tables are Word2Vec's (w2v_ns_step / w2v_hs_step take
 * one step for an input h and add h's step to neu1e); what is FastText's own is the input
 * side: h is a mean of rows, and each of those rows takes the step.
 */
#include "models/ft_train.h"
#include "models/fasttext.h"

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
    /* fastText starts every input row uniform in [−1/C, 1/C] (the outputs at zero) */
    m->in = tz_malloc(m->rows.rows * C * sizeof *m->in);
    uint64_t r = m->w2v.cfg.seed * 0x9E3779B97F4A7C15ULL + 7;
    for (size_t i = 0; i < m->rows.rows * C; i++) {
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        m->in[i] = ((float)((r >> 40) & 0xFFFFFF) / 8388608.0f - 1.0f) / (float)C;
    }
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

void ft_rows_vector(const FtModel *m, const uint32_t *rows, size_t n, float *out)
{
    size_t C = m->w2v.C;
    memset(out, 0, C * sizeof *out);
    for (size_t k = 0; k < n; k++) {
        const float *row = m->in + (size_t)rows[k] * C;
        for (size_t i = 0; i < C; i++) out[i] += row[i];
    }
    if (n)
        for (size_t i = 0; i < C; i++) out[i] /= (float)n;
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
    int64_t trained;      /* words kept after subsampling, this thread */
} FtWorker;

#define FT_REPORT_EVERY 10000

/* One output step for the input h (the mean of rows), then every one of those rows takes
 * the step h received. Returns the loss. */
static float step_rows(FtModel *m, const float *h, float *neu1e, const uint32_t *const *lists, const size_t *lens,
                       int nlists, size_t target, float alpha, uint64_t *r)
{
    Word2Vec *w = &m->w2v;
    size_t C = w->C;
    memset(neu1e, 0, C * sizeof *neu1e);
    float loss = 0;
    if (w->cfg.hs) loss += w2v_hs_step(w, h, neu1e, target, alpha);
    if (w->cfg.neg > 0) loss += w2v_ns_step(w, h, neu1e, target, alpha, r);
    for (int l = 0; l < nlists; l++)
        for (size_t k = 0; k < lens[l]; k++) {
            float *row = m->in + (size_t)lists[l][k] * C;
            for (size_t i = 0; i < C; i++) row[i] += neu1e[i];
        }
    return loss;
}

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
    size_t nctx_max = 2 * (size_t)cfg->window;
    const uint32_t **lists = tz_malloc((nctx_max + 1) * sizeof *lists);
    size_t *lens = tz_malloc((nctx_max + 1) * sizeof *lens);
    float *h = tz_malloc(C * sizeof *h), *neu1e = tz_malloc(C * sizeof *neu1e);
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
            for (size_t pos = 0; pos < n; pos++) {
                r = r * 25214903917ULL + 11;
                int win = cfg->window - (int)((r >> 16) % (uint64_t)cfg->window);
                size_t lo = pos >= (size_t)win ? pos - (size_t)win : 0;
                size_t hi = pos + (size_t)win < n - 1 ? pos + (size_t)win : n - 1;
                if (cfg->sg) {
                    /* the centre's rows predict each context word */
                    const uint32_t *rows = R->idx + R->off[sen[pos]];
                    size_t len = R->off[sen[pos] + 1] - R->off[sen[pos]];
                    for (size_t c = lo; c <= hi; c++) {
                        if (c == pos) continue;
                        ft_rows_vector(m, rows, len, h);
                        loss_sum += step_rows(m, h, neu1e, &rows, &len, 1, sen[c], alpha, &r);
                        loss_n++;
                    }
                } else {
                    /* the mean of all the context words' rows predicts the centre */
                    int nl = 0;
                    size_t total = 0;
                    memset(h, 0, C * sizeof *h);
                    for (size_t c = lo; c <= hi; c++) {
                        if (c == pos) continue;
                        lists[nl] = R->idx + R->off[sen[c]];
                        lens[nl] = R->off[sen[c] + 1] - R->off[sen[c]];
                        for (size_t k = 0; k < lens[nl]; k++) {
                            const float *row = m->in + (size_t)lists[nl][k] * C;
                            for (size_t i = 0; i < C; i++) h[i] += row[i];
                        }
                        total += lens[nl++];
                    }
                    if (total == 0) continue;
                    for (size_t i = 0; i < C; i++) h[i] /= (float)total;
                    loss_sum += step_rows(m, h, neu1e, lists, lens, nl, sen[pos], alpha, &r);
                    loss_n++;
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
    free(lists);
    free(lens);
    free(h);
    free(neu1e);
    return NULL;
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
    FtWorker *W = tz_calloc((size_t)T, sizeof *W);
    pthread_t *th = tz_calloc((size_t)T, sizeof *th);
    size_t s = 0;
    for (int t = 0; t < T; t++) {
        W[t] = (FtWorker){ .m = m, .corpus = corpus, .job = job, .tid = t, .words_done = &done,
                           .total_words = in_vocab * w2->cfg.epochs, .mu = &mu, .loss_sum = &loss_sum,
                           .loss_n = &loss_n, .sent_begin = s };
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
