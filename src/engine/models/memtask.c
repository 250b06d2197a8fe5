/* memtask.c — see memtask.h. */
#include "models/memtask.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A small PRNG of our own (splitmix64): the sets depend on the seed and nothing else. */
static uint64_t next_u64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static int below(uint64_t *s, int n) { return (int)(next_u64(s) % (uint64_t)n); }

int memtask_vocab(const MemTask *t) { return t->K + t->N + 1; }
int memtask_query(const MemTask *t) { return t->K + t->N; }

void memtask_make(const MemTask *t, int d, size_t n, uint64_t seed, SeqSet *out)
{
    TZ_ASSERT(t->K >= 2 && t->N >= 1 && d >= 0 && d <= MEMTASK_MAX_D);
    size_t len = (size_t)d + 2;
    memset(out, 0, sizeof *out);
    out->n = n;
    out->tok = tz_malloc((n * len > 0 ? n * len : 1) * sizeof *out->tok);
    out->off = tz_malloc((n + 1) * sizeof *out->off);
    out->label = tz_malloc((n > 0 ? n : 1) * sizeof *out->label);
    uint64_t r = seed * 0x2545F4914F6CDD1DULL + 0x5851F42D4C957F2DULL;
    for (size_t i = 0; i < n; i++) {
        int32_t *s = out->tok + i * len;
        out->off[i] = i * len;
        out->label[i] = (int32_t)(i % (size_t)t->K);
        s[0] = out->label[i];                                   /* the symbol to remember */
        for (int j = 1; j <= d; j++) s[j] = (int32_t)(t->K + below(&r, t->N));   /* noise */
        s[d + 1] = (int32_t)memtask_query(t);                   /* "which symbol came first?" */
    }
    out->off[n] = n * len;
}

int memtask_grad_flow(const SeqClf *m, const MemTask *t, int len, int nseq, uint64_t seed, double *norms, Job *job)
{
    TZ_ASSERT(len >= 2 && nseq >= 1 && m->V == memtask_vocab(t) && m->K == t->K);
    SeqSet s;
    memtask_make(t, len - 2, (size_t)nseq, seed, &s);
    SeqClfWork w;
    memset(&w, 0, sizeof w);
    seqclf_work_init(&w, m);
    double *one = tz_malloc((size_t)len * sizeof *one);
    for (int i = 0; i < len; i++) norms[i] = 0;
    /* the mean of the norms (not the norm of the mean: gradients of different sequences point
       in different directions, and what matters for learning is how large each one is) */
    int k;
    for (k = 0; k < nseq && !job_cancelled(job); k++) {
        seqclf_grad_flow(m, &w, s.tok + s.off[k], len, s.label[k], one);
        for (int i = 0; i < len; i++) norms[i] += one[i];
        job_report(job, k + 1, nseq);
    }
    for (int i = 0; i < len; i++) norms[i] = k ? norms[i] / k : NAN;
    free(one);
    seqclf_work_free(&w);
    seqset_free(&s);
    return k;
}

void memtask_set_fbias(SeqClf *m, float fbias) { cell_stack_set_fbias(m->cell, m->L, fbias); }

int memtask_run(SeqClf *m, CellKind kind, const MemTask *t, int d, const MemRunConfig *cfg, uint64_t seed,
                MemRunResult *r, Job *job, TzErr *e)
{
    memset(r, 0, sizeof *r);
    r->acc = r->loss = r->train_loss = NAN;
    if (cfg->ntrain < 1 || cfg->nval < 1 || cfg->E < 1 || cfg->H < 1 || d < 0 || d > MEMTASK_MAX_D)
        return tz_errf(e, TZ_E_ARG, "bellek görevi için geçersiz ayar (d=%d, %d eğitim, %d sınama dizisi).",
                       "invalid settings for the memory task (d=%d, %d training, %d held-out sequences).", d,
                       cfg->ntrain, cfg->nval);
    SeqSet tr, va;
    /* the training and held-out sets come from two different streams of the seed (at a short
       d some sequences occur in both — there are only K·N^d of them — which is harmless: the
       rule to learn is the same) */
    memtask_make(t, d, (size_t)cfg->ntrain, seed * 2 + 1, &tr);
    memtask_make(t, d, (size_t)cfg->nval, seed * 2 + 2, &va);
    seqclf_init(m, kind, memtask_vocab(t), cfg->E, cfg->H, 1, t->K, seed);
    if (kind == TZ_CELL_LSTM && cfg->set_fbias) memtask_set_fbias(m, cfg->fbias);
    SeqTrainStats st;
    memset(&st, 0, sizeof st);
    TzErr te;
    int rc = seqclf_train(m, &tr, NULL, &cfg->train, &st, job, &te);
    r->steps = st.steps;
    r->seconds = st.seconds;
    r->finished = st.finished;
    r->diverged = st.diverged;
    r->train_loss = st.train_loss;
    if (rc && !st.diverged) {   /* a diverged run keeps its last good weights: still measured */
        if (e) *e = te;
        seqset_free(&tr);
        seqset_free(&va);
        return rc;
    }
    r->acc = seqclf_accuracy(m, &va, &r->loss);
    seqset_free(&tr);
    seqset_free(&va);
    return 0;
}
