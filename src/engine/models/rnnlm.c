/* rnnlm.c — see rnnlm.h. */
#include "models/rnnlm.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/io.h"
#include "formats/ckpt.h"
#include "core/utf8.h"
#include "nn/optim.h"
#include "nn/vmath.h"

void rnn_parts_init(float **emb, float **Wo, float **bo, Cell *cell, CellKind kind, int V, int E, int H, int L, int O,
                    uint64_t seed)
{
    uint64_t r = seed * 0x9E3779B97F4A7C15ULL + 5;
    *emb = tz_malloc((size_t)V * (size_t)E * sizeof **emb);
    nn_fill_uniform(*emb, (size_t)V * (size_t)E, 0.5f, &r);
    *Wo = tz_malloc((size_t)O * (size_t)H * sizeof **Wo);
    nn_fill_uniform(*Wo, (size_t)O * (size_t)H, 1.0f / sqrtf((float)H), &r);
    *bo = tz_calloc((size_t)O, sizeof **bo);
    cell_stack_init(cell, kind, E, H, L, seed);
}

void rnn_parts_grads(float **emb, float **Wo, float **bo, Cell *cell, const Cell *like, int V, int E, int H, int L,
                     int O)
{
    *emb = tz_calloc((size_t)V * (size_t)E, sizeof **emb);
    *Wo = tz_calloc((size_t)O * (size_t)H, sizeof **Wo);
    *bo = tz_calloc((size_t)O, sizeof **bo);
    for (int l = 0; l < L; l++) cell_alloc(&cell[l], like[l].kind, like[l].In, H);
}

void rnn_parts_zero(float *emb, float *Wo, float *bo, Cell *cell, int V, int E, int H, int L, int O)
{
    memset(emb, 0, (size_t)V * (size_t)E * sizeof *emb);
    memset(Wo, 0, (size_t)O * (size_t)H * sizeof *Wo);
    memset(bo, 0, (size_t)O * sizeof *bo);
    for (int l = 0; l < L; l++) cell_zero(&cell[l]);
}

void rnn_parts_free(float *emb, float *Wo, float *bo, Cell *cell)
{
    free(emb);
    free(Wo);
    free(bo);
    for (int l = 0; l < RNNLM_MAX_LAYERS; l++) cell_free(&cell[l]);
}

size_t rnn_parts_nparams(const Cell *cell, int V, int E, int H, int L, int O)
{
    size_t n = (size_t)V * (size_t)E + (size_t)O * (size_t)H + (size_t)O;
    for (int l = 0; l < L; l++) n += cell_nparams(&cell[l]);
    return n;
}

void rnnlm_init(RnnLM *m, CellKind kind, int V, int E, int H, int L, uint64_t seed)
{
    TZ_ASSERT(V > 0 && E > 0 && H > 0 && L >= 1 && L <= RNNLM_MAX_LAYERS);
    memset(m, 0, sizeof *m);
    m->kind = kind;
    m->V = V; m->E = E; m->H = H; m->L = L;
    rnn_parts_init(&m->emb, &m->Wo, &m->bo, m->cell, kind, V, E, H, L, V, seed);
}

void rnnlm_free(RnnLM *m)
{
    rnn_parts_free(m->emb, m->Wo, m->bo, m->cell);
    memset(m, 0, sizeof *m);
}

size_t rnnlm_nparams(const RnnLM *m) { return rnn_parts_nparams(m->cell, m->V, m->E, m->H, m->L, m->V); }

double rnnlm_train_bytes(CellKind kind, int V, int E, int H, int L, int T, int B)
{
    double G = cell_gates(kind), params = (double)V * E + (double)V * H + V;
    for (int l = 0; l < L; l++) params += G * H * ((l ? H : E) + H + 2);
    double TB = (double)T * B;
    double acts = 2 * TB * V + 2 * TB * (E > H ? E : H)                    /* logits/probs, dh, dx */
                + L * ((TB + B) * H * 2 + TB * G * H * 2 + TB * H);      /* h, c, gates, ∂gates, GRU's un */
    return 4.0 * (4 * params + acts);
}

void rnnlm_work_init(RnnLMWork *w, const RnnLM *m)
{
    memset(w, 0, sizeof *w);
    rnn_parts_grads(&w->emb, &w->Wo, &w->bo, w->cell, m->cell, m->V, m->E, m->H, m->L, m->V);
}

void rnnlm_work_free(RnnLMWork *w)
{
    rnn_parts_free(w->emb, w->Wo, w->bo, w->cell);
    for (int l = 0; l < RNNLM_MAX_LAYERS; l++) cell_cache_free(&w->cache[l]);
    free(w->probs); free(w->dh); free(w->dx);
    memset(w, 0, sizeof *w);
}

void rnnlm_zero_grad(RnnLMWork *w, const RnnLM *m)
{
    rnn_parts_zero(w->emb, w->Wo, w->bo, w->cell, m->V, m->E, m->H, m->L, m->V);
}

static void work_fit(RnnLMWork *w, const RnnLM *m, size_t TB)
{
    if (w->cap >= TB) return;
    size_t D = (size_t)(m->E > m->H ? m->E : m->H);
    free(w->probs); free(w->dh); free(w->dx);
    w->probs = tz_malloc(TB * (size_t)m->V * sizeof *w->probs);
    w->dh = tz_malloc(TB * D * sizeof *w->dh);
    w->dx = tz_malloc(TB * D * sizeof *w->dx);
    w->cap = TB;
}

/* Row-wise softmax in place (n rows of V), the exponentials eight at a time (nn/vmath.h). */
VMATH_CLONES static void softmax_rows(float *p, size_t n, int V)
{
    for (size_t r = 0; r < n; r++) {
        float *x = p + r * (size_t)V, mx = x[0];
        for (int j = 1; j < V; j++) mx = x[j] > mx ? x[j] : mx;
        double s = 0;       /* in double: V may be a word vocabulary of tens of thousands */
#pragma omp simd reduction(+:s)
        for (int j = 0; j < V; j++) { x[j] = vexp(x[j] - mx); s += x[j]; }
        float inv = (float)(1.0 / s);
#pragma omp simd
        for (int j = 0; j < V; j++) x[j] *= inv;
    }
}

/* ∂loss/∂logits = (p − onehot(target)) · inv, in place over n softmax rows. */
VMATH_CLONES static void dlogits_rows(float *p, const int32_t *targets, size_t n, int V, float inv)
{
    for (size_t r = 0; r < n; r++) {
        float *d = p + r * (size_t)V;
        d[targets[r]] -= 1.0f;
#pragma omp simd
        for (int j = 0; j < V; j++) d[j] *= inv;
    }
}

/* s[j] += Σ_r A[r][j] for the columns j0..j1−1 of n rows of V. */
VMATH_CLONES static void colsum_cols(const float *restrict A, size_t n, int V, int j0, int j1, float *restrict s)
{
    for (size_t r = 0; r < n; r++) {
        const float *a = A + r * (size_t)V;
#pragma omp simd
        for (int j = j0; j < j1; j++) s[j] += a[j];
    }
}

/* The output layer runs on the cells' team (nn/recurrent.h: one pool for all the work), split
 * first by positions — rows of T·B: logits = bo + top Woᵀ, the softmax, the loss, ∂loss/∂logits
 * (in place of the probabilities) and dh = ∂logits Wo — then, with the gradient, by tokens — rows
 * of Wo: dWo += ∂logitsᵀ top and dbo, which need every position. */
typedef struct {
    const RnnLM *m;
    RnnLMWork *w;
    const int32_t *targets;
    const float *top;
    size_t TB;
    int grad;
    double part[8];         /* each thread's Σ −log p (the team has at most 8) */
} OutJob;

static void out_positions(void *arg, int t, int n)
{
    OutJob *o = arg;
    const int V = o->m->V, H = o->m->H;
    size_t r0 = o->TB * (size_t)t / (size_t)n, r1 = o->TB * (size_t)(t + 1) / (size_t)n, nr = r1 - r0;
    o->part[t] = 0;
    if (!nr) return;
    float *P = o->w->probs + r0 * (size_t)V;
    for (size_t i = 0; i < nr; i++) memcpy(P + i * (size_t)V, o->m->bo, (size_t)V * sizeof *P);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)nr, V, H, 1.0f, o->top + r0 * (size_t)H, H, o->m->Wo, H, 1.0f,
                P, V);
    softmax_rows(P, nr, V);
    double s = 0;
    for (size_t i = 0; i < nr; i++) {
        float p = P[i * (size_t)V + (size_t)o->targets[r0 + i]];
        s -= log(p > 1e-30f ? p : 1e-30f);
    }
    o->part[t] = s;
    if (!o->grad) return;
    dlogits_rows(P, o->targets + r0, nr, V, 1.0f / (float)o->TB);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)nr, H, V, 1.0f, P, V, o->m->Wo, H, 0.0f,
                o->w->dh + r0 * (size_t)H, H);
}

static void out_tokens(void *arg, int t, int n)
{
    OutJob *o = arg;
    const int V = o->m->V, H = o->m->H;
    int v0 = (int)((size_t)V * (size_t)t / (size_t)n), v1 = (int)((size_t)V * (size_t)(t + 1) / (size_t)n);
    if (v1 <= v0) return;
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, v1 - v0, H, (int)o->TB, 1.0f, o->w->probs + v0, V, o->top, H, 1.0f,
                o->w->Wo + (size_t)v0 * (size_t)H, H);
    colsum_cols(o->w->probs, o->TB, V, v0, v1, o->w->bo);
}

double rnnlm_loss(const RnnLM *m, RnnLMWork *w, const int32_t *tokens, const int32_t *targets, int T, int B,
                  const float *h0, const float *c0, int grad, float *hT, float *cT)
{
    const size_t TB = (size_t)T * (size_t)B, BH = (size_t)B * (size_t)m->H;
    const int V = m->V, H = m->H, L = m->L;
    work_fit(w, m, TB);
    for (size_t i = 0; i < TB; i++) TZ_ASSERT(tokens[i] >= 0 && tokens[i] < V && targets[i] >= 0 && targets[i] < V);
    /* up the stack: each layer reads the outputs of the one below; the first reads the
     * embedding rows of the tokens (x0 = emb[tokens], which cell_forward_ids looks up itself) */
    for (int l = 0; l < L; l++) {
        const float *h0l = h0 ? h0 + (size_t)l * BH : NULL, *c0l = c0 && m->kind == TZ_CELL_LSTM ? c0 + (size_t)l * BH : NULL;
        if (l == 0) cell_forward_ids(&m->cell[0], m->emb, V, tokens, T, B, h0l, c0l, &w->cache[0]);
        else cell_forward(&m->cell[l], w->cache[l - 1].h + BH, T, B, h0l, c0l, &w->cache[l]);
        if (hT) memcpy(hT + (size_t)l * BH, w->cache[l].h + TB * (size_t)H, BH * sizeof *hT);
        if (cT && m->kind == TZ_CELL_LSTM) memcpy(cT + (size_t)l * BH, w->cache[l].c + TB * (size_t)H, BH * sizeof *cT);
    }
    /* logits = bo + top · Woᵀ, the softmax, the loss; with the gradient ∂loss/∂logits = (p −
     * onehot) / TB in place, dh = ∂logits Wo, dWo += ∂logitsᵀ top, dbo += Σ ∂logits */
    OutJob oj = { .m = m, .w = w, .targets = targets, .top = w->cache[L - 1].h + BH, .TB = TB, .grad = grad };
    int want = TB * (size_t)V * (size_t)H >= ((size_t)1 << 20) ? 0 : 1;   /* small: no team */
    int nth = want == 1 ? 1 : 8;
    for (int t = 0; t < 8; t++) oj.part[t] = 0;
    cell_team_run(out_positions, &oj, want);
    double loss = 0;
    for (int t = 0; t < nth; t++) loss += oj.part[t];     /* in thread order: the same every run */
    loss /= (double)TB;
    if (!grad) return loss;
    cell_team_run(out_tokens, &oj, want);
    float *dh = w->dh, *dx = w->dx;
    /* down the stack: a layer's dx is the dh of the layer below; the first layer adds its input
     * gradient straight into the embedding rows that were looked up */
    for (int l = L - 1; l >= 1; l--) {
        cell_backward(&m->cell[l], w->cache[l - 1].h + BH, &w->cache[l], dh, NULL, NULL, &w->cell[l], dx, NULL, NULL);
        float *t = dh; dh = dx; dx = t;
    }
    cell_backward_ids(&m->cell[0], m->emb, V, tokens, &w->cache[0], dh, NULL, NULL, &w->cell[0], w->emb, NULL, NULL);
    return loss;
}

void rnnlm_step(const RnnLM *m, RnnLMWork *w, int32_t tok, float *h, float *c, float *logits)
{
    const int H = m->H, V = m->V;
    TZ_ASSERT(tok >= 0 && tok < V);
    work_fit(w, m, 1);
    const float *in = m->emb + (size_t)tok * (size_t)m->E;
    for (int l = 0; l < m->L; l++) {
        float *hl = h + (size_t)l * (size_t)H, *cl = c ? c + (size_t)l * (size_t)H : NULL;
        cell_forward(&m->cell[l], in, 1, 1, hl, m->kind == TZ_CELL_LSTM ? cl : NULL, &w->cache[l]);
        memcpy(hl, w->cache[l].h + H, (size_t)H * sizeof *hl);
        if (cl && m->kind == TZ_CELL_LSTM) memcpy(cl, w->cache[l].c + H, (size_t)H * sizeof *cl);
        in = hl;
    }
    cblas_sgemv(CblasRowMajor, CblasNoTrans, V, H, 1.0f, m->Wo, H, in, 1, 0.0f, logits, 1);
    for (int j = 0; j < V; j++) logits[j] += m->bo[j];
}

int32_t rnnlm_sample(const float *logits, int V, float temperature, int topk, uint64_t *r)
{
    /* temperature 0 (or below): the most probable token (greedy) */
    int best = 0;
    for (int j = 1; j < V; j++) if (logits[j] > logits[best]) best = j;
    if (temperature <= 0) return best;
    /* the k-th largest logit is the cut (ties at the cut are kept) */
    float cut = -INFINITY;
    if (topk > 0 && topk < V) {
        float *s = tz_malloc((size_t)V * sizeof *s);
        memcpy(s, logits, (size_t)V * sizeof *s);
        for (int i = 0; i < topk; i++) {      /* partial selection: k passes, k is small */
            int a = i;
            for (int j = i + 1; j < V; j++) if (s[j] > s[a]) a = j;
            float t = s[i]; s[i] = s[a]; s[a] = t;
        }
        cut = s[topk - 1];
        free(s);
    }
    double sum = 0;
    for (int j = 0; j < V; j++)
        if (logits[j] >= cut) sum += exp((logits[j] - logits[best]) / temperature);
    *r = *r * 6364136223846793005ULL + 1442695040888963407ULL;
    double u = (double)(*r >> 11) / 9007199254740992.0 * sum, acc = 0;
    for (int j = 0; j < V; j++) {
        if (logits[j] < cut) continue;
        acc += exp((logits[j] - logits[best]) / temperature);
        if (u < acc) return j;
    }
    return best;
}

/* --- character-level training ---------------------------------------------------------------- */

int charstream_from_corpus(const Corpus *c, CharStream *s, TzErr *e)
{
    memset(s, 0, sizeof *s);
    if (!c || c->ntokens == 0)
        return tz_errf(e, TZ_E_ARG, "derlem boş.", "the corpus is empty.");
    /* first the characters of every word type, counted by the word's frequency, and ' ', '\n' */
    size_t *wcount = tz_calloc(c->vocab.size ? c->vocab.size : 1, sizeof *wcount);
    for (size_t i = 0; i < c->ntokens; i++) wcount[c->ids[i]]++;
    Vocab raw;
    vocab_init(&raw);
    size_t n = 0;
    for (size_t w = 0; w < c->vocab.size; w++) {
        const char *word = vocab_word(&c->vocab, w);
        size_t len = strlen(word), i = 0;
        while (i < len) {
            uint32_t cp;
            int k = utf8_decode(word + i, len - i, &cp);
            if (k <= 0) k = 1;
            vocab_add(&raw, word + i, (size_t)k, (int64_t)wcount[w]);
            n += wcount[w];
            i += (size_t)k;
        }
    }
    size_t spaces = c->ntokens - c->nsent;   /* between words */
    if (spaces) vocab_add(&raw, " ", 1, (int64_t)spaces);
    vocab_add(&raw, "\n", 1, (int64_t)c->nsent);
    n += spaces + c->nsent;
    vocab_sort(&raw, 1, NULL);
    s->chars = raw;
    /* then the stream */
    s->ids = tz_malloc(n * sizeof *s->ids);
    int32_t sp = (int32_t)vocab_find(&s->chars, " ", 1), nl = (int32_t)vocab_find(&s->chars, "\n", 1);
    for (size_t st = 0; st < c->nsent; st++) {
        for (size_t t = c->sent[st]; t < c->sent[st + 1]; t++) {
            if (t > c->sent[st]) s->ids[s->n++] = sp;
            const char *word = vocab_word(&c->vocab, c->ids[t]);
            size_t len = strlen(word), i = 0;
            while (i < len) {
                uint32_t cp;
                int k = utf8_decode(word + i, len - i, &cp);
                if (k <= 0) k = 1;
                s->ids[s->n++] = (int32_t)vocab_find(&s->chars, word + i, (size_t)k);
                i += (size_t)k;
            }
        }
        s->ids[s->n++] = nl;
    }
    free(wcount);
    TZ_ASSERT(s->n <= n);
    return 0;
}

/* Words by count, most frequent first; ties keep the order of first appearance. */
typedef struct { int64_t count; size_t id; } WordCount;

static int by_count(const void *a, const void *b)
{
    const WordCount *x = a, *y = b;
    if (x->count != y->count) return x->count > y->count ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

int charstream_words_from_corpus(const Corpus *c, size_t max_vocab, CharStream *s, TzErr *e)
{
    memset(s, 0, sizeof *s);
    if (!c || c->ntokens == 0) return tz_errf(e, TZ_E_ARG, "derlem boş.", "the corpus is empty.");
    if (max_vocab < 3)
        return tz_errf(e, TZ_E_ARG, "sözlük en az 3 sözcük olmalı (\\n ve <unk> dahil), %zu verildi.",
                       "the vocabulary needs at least 3 words (\\n and <unk> included), %zu given.", max_vocab);
    size_t V0 = c->vocab.size;
    WordCount *wc = tz_calloc(V0 ? V0 : 1, sizeof *wc);
    for (size_t w = 0; w < V0; w++) wc[w].id = w;
    for (size_t i = 0; i < c->ntokens; i++) wc[c->ids[i]].count++;
    qsort(wc, V0, sizeof *wc, by_count);
    size_t keep = V0 < max_vocab - 2 ? V0 : max_vocab - 2;
    int64_t unk = 0;
    for (size_t w = keep; w < V0; w++) unk += wc[w].count;
    s->word = 1;
    vocab_init(&s->chars);
    vocab_add(&s->chars, "\n", 1, (int64_t)c->nsent);
    vocab_add(&s->chars, RNNLM_UNK, strlen(RNNLM_UNK), unk);
    int32_t *map = tz_malloc((V0 ? V0 : 1) * sizeof *map);   /* corpus word id → token id */
    for (size_t w = 0; w < V0; w++) map[w] = 1;
    for (size_t w = 0; w < keep; w++) {
        const char *word = vocab_word(&c->vocab, wc[w].id);
        map[wc[w].id] = (int32_t)vocab_add(&s->chars, word, strlen(word), wc[w].count);
    }
    s->ids = tz_malloc((c->ntokens + c->nsent) * sizeof *s->ids);
    for (size_t st = 0; st < c->nsent; st++) {
        for (size_t t = c->sent[st]; t < c->sent[st + 1]; t++) s->ids[s->n++] = map[c->ids[t]];
        s->ids[s->n++] = 0;
    }
    free(map);
    free(wc);
    return 0;
}

void charstream_free(CharStream *s)
{
    vocab_free(&s->chars);
    free(s->ids);
    memset(s, 0, sizeof *s);
}

size_t charstream_encode(const CharStream *s, const char *text, int32_t *out, size_t cap)
{
    size_t len = strlen(text), i = 0, n = 0;
    while (i < len && n < cap) {
        uint32_t cp;
        int k = utf8_decode(text + i, len - i, &cp);
        if (k <= 0) k = 1;
        out[n++] = (int32_t)vocab_find(&s->chars, text + i, (size_t)k);
        i += (size_t)k;
    }
    return n;
}

void rnnlm_add_params(Optim *o, RnnLM *m, RnnLMWork *w)
{
    optim_add(o, m->emb, w->emb, (size_t)m->V * (size_t)m->E);
    optim_add(o, m->Wo, w->Wo, (size_t)m->V * (size_t)m->H);
    optim_add(o, m->bo, w->bo, (size_t)m->V);
    cell_stack_add_params(o, m->cell, w->cell, m->L);
}

/* B streams over ids[0..n): stream b is the b-th of B equal slices; step s reads T tokens of
 * each (time-major) and their next tokens as targets. */
static void batch_at(const int32_t *ids, size_t slice, int T, int B, size_t s, int32_t *x, int32_t *y)
{
    for (int t = 0; t < T; t++)
        for (int b = 0; b < B; b++) {
            size_t p = (size_t)b * slice + s * (size_t)T + (size_t)t;
            x[t * B + b] = ids[p];
            y[t * B + b] = ids[p + 1];
        }
}

/* Mean loss over a part of the stream, B streams carried through, no gradient. */
static double eval_loss(const RnnLM *m, RnnLMWork *w, const int32_t *ids, size_t n, int T, int B)
{
    size_t slice = n / (size_t)B;
    if (slice < (size_t)T + 1) { B = 1; slice = n; }
    if (slice < 2) return NAN;
    int Tn = slice - 1 < (size_t)T ? (int)(slice - 1) : T;
    size_t steps = (slice - 1) / (size_t)Tn, LBH = (size_t)m->L * (size_t)B * (size_t)m->H;
    int32_t *x = tz_malloc((size_t)Tn * (size_t)B * sizeof *x), *y = tz_malloc((size_t)Tn * (size_t)B * sizeof *y);
    float *h = tz_calloc(LBH, sizeof *h), *c = tz_calloc(LBH, sizeof *c);
    double sum = 0;
    for (size_t s = 0; s < steps; s++) {
        batch_at(ids, slice, Tn, B, s, x, y);
        sum += rnnlm_loss(m, w, x, y, Tn, B, h, c, 0, h, c);
    }
    free(x); free(y); free(h); free(c);
    return steps ? sum / (double)steps : NAN;
}

static int out_of_time(const RnnTrainConfig *cfg, double t0)
{
    return cfg->max_seconds > 0 && tz_now() - t0 >= cfg->max_seconds;
}

int rnnlm_train(RnnLM *m, const int32_t *ids, size_t n, const RnnTrainConfig *cfg, RnnTrainStats *st, Job *job,
                TzErr *e)
{
    memset(st, 0, sizeof *st);
    const int T = cfg->T, B = cfg->B;
    size_t nval = (size_t)((double)n * cfg->val_frac), ntrain = n - nval;
    size_t slice = ntrain / (size_t)(B > 0 ? B : 1);
    if (T < 1 || B < 1 || cfg->epochs < 1 || slice < (size_t)T + 1)
        return tz_errf(e, TZ_E_ARG, "metin bu ayarlar için çok kısa: %zu simge (karakter ya da sözcük), batch=%d × seq=%d gerekir.",
                       "the text is too short for these settings: %zu tokens (characters or words), batch=%d × seq=%d needed.", ntrain,
                       B, T + 1);
    for (size_t i = 0; i < n; i++) TZ_ASSERT(ids[i] >= 0 && ids[i] < m->V);
    double t0 = tz_now();
    RnnLMWork w;
    rnnlm_work_init(&w, m);
    Optim o;
    optim_init(&o, cfg->sgd ? OPT_SGD : OPT_ADAM, cfg->lr);
    if (cfg->sgd) o.momentum = 0.9f;
    rnnlm_add_params(&o, m, &w);
    float *backup = tz_malloc(optim_nparams(&o) * sizeof *backup);
    size_t steps = (slice - 1) / (size_t)T, LBH = (size_t)m->L * (size_t)B * (size_t)m->H;
    long total = (long)steps * cfg->epochs;
    if (cfg->max_steps > 0 && cfg->max_steps < total) total = cfg->max_steps;
    int32_t *x = tz_malloc((size_t)T * (size_t)B * sizeof *x), *y = tz_malloc((size_t)T * (size_t)B * sizeof *y);
    float *h = tz_malloc(LBH * sizeof *h), *c = tz_malloc(LBH * sizeof *c);
    double recent = 0, last[20];
    long nrecent = 0;
    for (int ep = 0; ep < cfg->epochs && !job_cancelled(job) && st->steps < total && !out_of_time(cfg, t0); ep++) {
        memset(h, 0, LBH * sizeof *h);     /* each epoch starts every stream from zero */
        memset(c, 0, LBH * sizeof *c);
        double sum = 0;
        size_t s;
        for (s = 0; s < steps; s++) {
            if (job_cancelled(job) || st->steps >= total || out_of_time(cfg, t0)) break;
            batch_at(ids, slice, T, B, s, x, y);
            optim_zero_grad(&o);
            /* the states carry over from the previous step (a constant for the gradient) */
            double l = rnnlm_loss(m, &w, x, y, T, B, h, c, 1, h, c);
            /* an exploding gradient shows as a huge, then infinite or NaN norm: stop before the
               step that would carry it into the weights */
            double gn = cfg->clip > 0 ? optim_clip(&o, cfg->clip) : optim_grad_norm(&o);
            st->grad_norm = gn;
            /* a guess that knows nothing costs log V per token; a loss far above it means the
               weights were thrown off by an exploded step (the softmax's floor keeps it finite) */
            if (!isfinite(l) || !isfinite(gn) || l > 3 * log((double)m->V) + 1) {
                st->diverged = 1;
                st->last_loss = l;
                break;
            }
            /* a finite gradient times a huge rate can still overflow: keep the weights before
               the step, and go back to them if it left a NaN or Inf */
            optim_snapshot(&o, backup);
            optim_step(&o, cfg->lr);
            if (!optim_params_finite(&o)) {
                optim_restore(&o, backup);
                st->last_loss = NAN;
                st->diverged = 1;
                break;
            }
            sum += l;
            last[s % 20] = l;
            recent += l;
            nrecent++;
            st->steps++;
            if (nrecent == 10 || s + 1 == steps) {
                job_report_loss(job, st->steps, total, recent / (double)nrecent);
                recent = 0;
                nrecent = 0;
            }
        }
        if (s) st->train_loss = sum / (double)s;
        /* an epoch cut short by steps=: the mean of its last 20 steps, not of the whole way
           down from the start */
        if (s && s < steps && !st->diverged) {
            size_t k = s < 20 ? s : 20;
            double t = 0;
            for (size_t i = 0; i < k; i++) t += last[i];
            st->train_loss = t / (double)k;
        }
        if (st->diverged) break;
    }
    st->finished = st->steps == total;
    /* the time of training alone: the held-out pass after it is not part of the speed */
    st->seconds = tz_now() - t0;
    st->val_loss = nval > (size_t)T ? eval_loss(m, &w, ids + ntrain, nval, T, B) : NAN;
    free(x); free(y); free(h); free(c); free(backup);
    optim_free(&o);
    rnnlm_work_free(&w);
    if (st->diverged && isfinite(st->last_loss) && isfinite(st->grad_norm))
        return tz_errf(e, TZ_E_NUMERIC,
                       "eğitim %ld. adımda ıraksadı: kayıp %.4g nat'a fırladı (hiçbir şey bilmeyen bir tahmin %.2f nat) — "
                       "gradyan patlaması. Model son sonlu ağırlıklarında kaldı. Gradyanı kırpın (ör. clip=1) ya da "
                       "öğrenme oranını düşürün (ör. lr=%g).",
                       "training diverged at step %ld: the loss jumped to %.4g nats (a guess that knows nothing costs "
                       "%.2f) — an exploding gradient. The model keeps its last finite weights. Clip the gradient "
                       "(e.g. clip=1) or lower the learning rate (e.g. lr=%g).",
                       st->steps + 1, st->last_loss, log((double)m->V), (double)cfg->lr / 10);
    if (st->diverged)
        return tz_errf(e, TZ_E_NUMERIC,
                       "eğitim %ld. adımda ıraksadı: kayıp, gradyan ya da ağırlıklar NaN/sonsuz oldu — gradyan patlaması. "
                       "Model son sonlu ağırlıklarında kaldı. Gradyanı kırpın (ör. clip=1) ya da öğrenme oranını "
                       "düşürün (ör. lr=%g).",
                       "training diverged at step %ld: the loss, the gradient or the weights became NaN/infinite — an "
                       "exploding gradient. The model keeps its last finite weights. Clip the gradient (e.g. clip=1) "
                       "or lower the learning rate (e.g. lr=%g).",
                       st->steps + 1, (double)cfg->lr / 10);
    return 0;
}

/* --- checkpoints ------------------------------------------------------------------------------- */

static const char CK_MAGIC[8] = "TZRNNLM";   /* with its NUL: 8 bytes */

/* Each tensor of the model, in the file's order. */
typedef struct { float *p; size_t n; const char *name; } Tensor;

static int tensors_of(const RnnLM *m, Tensor *t)
{
    int k = 0;
    t[k++] = (Tensor){ m->emb, (size_t)m->V * (size_t)m->E, "emb" };
    t[k++] = (Tensor){ m->Wo, (size_t)m->V * (size_t)m->H, "Wo" };
    t[k++] = (Tensor){ m->bo, (size_t)m->V, "bo" };
    for (int l = 0; l < m->L; l++) {
        const Cell *c = &m->cell[l];
        size_t GH = (size_t)c->G * (size_t)c->H;
        t[k++] = (Tensor){ c->W, GH * (size_t)c->In, "W" };
        t[k++] = (Tensor){ c->U, GH * (size_t)c->H, "U" };
        t[k++] = (Tensor){ c->b, GH, "b" };
        t[k++] = (Tensor){ c->bu, GH, "bu" };
    }
    return k;
}

int rnnlm_save(const RnnLM *m, const CharStream *toks, TzLang lang, const char *path, TzErr *e)
{
    const Vocab *chars = &toks->chars;
    TZ_ASSERT(chars->size == (size_t)m->V);
    CkBuf b = { 0 };
    ck_put(&b, CK_MAGIC, 8);
    ck_put_u32(&b, 2);
    ck_put_u32(&b, (uint32_t)m->kind);
    ck_put_u32(&b, (uint32_t)m->V);
    ck_put_u32(&b, (uint32_t)m->E);
    ck_put_u32(&b, (uint32_t)m->H);
    ck_put_u32(&b, (uint32_t)m->L);
    ck_put_u32(&b, toks->word ? 1u : 0u);
    ck_put_u32(&b, (uint32_t)lang);
    for (size_t i = 0; i < chars->size; i++) {
        const char *w = vocab_word(chars, i);
        size_t wl = strlen(w);
        if (wl > 255) {     /* a word level vocabulary comes from a corpus: words that long are not words */
            free(b.b);
            return tz_errf(e, TZ_E_ARG, "%zu. sözcük 255 bayttan uzun; kaydedilemez.", "token %zu is longer than 255 bytes; it cannot be saved.", i);
        }
        unsigned char len = (unsigned char)wl;
        ck_put(&b, &len, 1);
        ck_put(&b, w, len);
    }
    Tensor t[3 + 4 * RNNLM_MAX_LAYERS];
    int nt = tensors_of(m, t);
    for (int i = 0; i < nt; i++) ck_put_f32s(&b, t[i].p, t[i].n);
    return ck_save(&b, path, e);
}

int rnnlm_is_checkpoint(const char *path) { return ck_has_magic(path, CK_MAGIC); }

int rnnlm_load(RnnLM *m, CharStream *toks, TzLang *lang, const char *path, TzErr *e)
{
    memset(m, 0, sizeof *m);
    memset(toks, 0, sizeof *toks);
    Vocab *chars = &toks->chars;
    TzFile f;
    int rc = tz_file_map(&f, path, e);
    if (rc) return rc;
    const unsigned char *d = (const unsigned char *)f.data;
    size_t n = f.size;
#define BAD(off, tr, en, ...)                                                                                          \
    do {                                                                                                               \
        rc = tz_errf(e, TZ_E_FORMAT, "'%s', %zu. bayt: " tr, "'%s', byte %zu: " en, path, (size_t)(off), __VA_ARGS__); \
        goto fail;                                                                                                     \
    } while (0)
    if (n < 32 || memcmp(d, CK_MAGIC, 8) != 0) {
        rc = tz_errf(e, TZ_E_FORMAT, "'%s' bir tezgah dil modeli dosyası değil (baştaki TZRNNLM imzası yok ya da dosya %zu bayt).",
                     "'%s' is not a tezgah language-model file (no TZRNNLM magic at the start, or only %zu bytes).", path, n);
        goto fail;
    }
    uint32_t version = ck_u32(d + 8), kind = ck_u32(d + 12), V = ck_u32(d + 16), E = ck_u32(d + 20),
             H = ck_u32(d + 24), L = ck_u32(d + 28);
    if (version != 1 && version != 2)
        BAD(8, "sürüm %u; bu tezgah 1 ve 2'yi okur.", "version %u; this tezgah reads versions 1 and 2.", version);
    if (kind > 2) BAD(12, "hücre türü %u (0 rnn, 1 lstm, 2 gru olmalı).", "cell kind %u (must be 0 rnn, 1 lstm, 2 gru).", kind);
    if (V < 1 || V > 1000000) BAD(16, "V = %u, 1 ile 1.000.000 arasında değil.", "V = %u, not between 1 and 1,000,000.", V);
    if (E < 1 || E > 4096) BAD(20, "E = %u, 1 ile 4096 arasında değil.", "E = %u, not between 1 and 4096.", E);
    if (H < 1 || H > 4096) BAD(24, "H = %u, 1 ile 4096 arasında değil.", "H = %u, not between 1 and 4096.", H);
    if (L < 1 || L > RNNLM_MAX_LAYERS) BAD(28, "L = %u, 1 ile %d arasında değil.", "L = %u, not between 1 and %d.", L, RNNLM_MAX_LAYERS);
    size_t off = 32;
    uint32_t level = 0, lg = 0;
    if (version >= 2) {
        if (n < 40) BAD(32, "başlık kesik (%zu bayt).", "the header is cut short (%zu bytes).", n);
        level = ck_u32(d + 32);
        lg = ck_u32(d + 36);
        if (level > 1) BAD(32, "düzey %u (0 karakter, 1 sözcük olmalı).", "level %u (must be 0 characters, 1 words).", level);
        if (lg > 1) BAD(36, "dil %u (0 en, 1 tr olmalı).", "language %u (must be 0 en, 1 tr).", lg);
        off = 40;
    }
    toks->word = (int)level;
    if (lang) *lang = (TzLang)lg;
    /* the tokens: one character each, or words */
    vocab_init(chars);
    for (uint32_t i = 0; i < V; i++) {
        if (off >= n) BAD(off, "%u. simgede dosya bitti.", "the file ends at token %u.", i);
        size_t len = d[off];
        if (len < 1 || off + 1 + len > n || utf8_validate((const char *)d + off + 1, len) != len)
            BAD(off, "%u. simge geçerli UTF-8 değil ya da dosyadan taşıyor.", "token %u is not valid UTF-8 or runs past the file.", i);
        uint32_t cp;
        if (!level && utf8_decode((const char *)d + off + 1, len, &cp) != (int)len)
            BAD(off, "%u. simge tek bir karakter değil (karakter düzeyinde model).",
                "token %u is not one character (a character-level model).", i);
        if (vocab_find(chars, (const char *)d + off + 1, len) >= 0)
            BAD(off, "%u. simge iki kez var.", "token %u appears twice.", i);
        vocab_add(chars, (const char *)d + off + 1, len, 1);
        off += 1 + len;
    }
    /* the tensors: their total size must be exactly what is left, before the CRC */
    size_t G = (size_t)cell_gates((CellKind)kind), floats = (size_t)V * E + (size_t)V * H + V;
    for (uint32_t l = 0; l < L; l++) floats += G * H * (l ? H : E) + G * H * H + 2 * G * H;
    if (n - off != floats * 4 + 4)
        BAD(off, "tensörler %zu bayt olmalı, dosyada %zu bayt kaldı (kesik ya da fazla).",
            "the tensors should take %zu bytes, the file has %zu left (truncated or extra).", floats * 4 + 4, n - off);
    uint32_t want, got;
    if (!ck_crc_ok(d, n, &want, &got)) BAD(n - 4, "CRC uymuyor (%08x, hesaplanan %08x): dosya bozulmuş.", "CRC mismatch (%08x, computed %08x): the file is damaged.", want, got);
    rnnlm_init(m, (CellKind)kind, (int)V, (int)E, (int)H, (int)L, 0);
    Tensor t[3 + 4 * RNNLM_MAX_LAYERS];
    int nt = tensors_of(m, t);
    for (int i = 0; i < nt; i++) {
        ck_f32s(d + off, t[i].p, t[i].n);
        off += 4 * t[i].n;
    }
#undef BAD
    tz_file_unmap(&f);
    return 0;
fail:
    vocab_free(chars);
    tz_file_unmap(&f);
    return rc;
}
