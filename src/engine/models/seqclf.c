/* seqclf.c — see seqclf.h.
 *
 * The forward pass is the language model's (rnnlm.c) up to the top layer; only the head
 * differs: instead of a softmax at every step there is one per sequence, on the top state
 * at that sequence's last real token. So backward starts from a dh (T × B × H) that is zero
 * everywhere except at step len[b] − 1 of each column b, and cell_backward carries it back
 * through time and down the stack as usual.
 */
#include "models/seqclf.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/io.h"
#include "core/utf8.h"
#include "formats/ckpt.h"
#include "models/rnnlm.h"

void seqclf_init(SeqClf *m, CellKind kind, int V, int E, int H, int L, int K, uint64_t seed)
{
    TZ_ASSERT(V > 0 && E > 0 && H > 0 && K > 0 && L >= 1 && L <= SEQCLF_MAX_LAYERS);
    memset(m, 0, sizeof *m);
    m->kind = kind;
    m->V = V; m->E = E; m->H = H; m->L = L; m->K = K;
    rnn_parts_init(&m->emb, &m->Wo, &m->bo, m->cell, kind, V, E, H, L, K, seed);
}

void seqclf_free(SeqClf *m)
{
    rnn_parts_free(m->emb, m->Wo, m->bo, m->cell);
    memset(m, 0, sizeof *m);
}

size_t seqclf_nparams(const SeqClf *m) { return rnn_parts_nparams(m->cell, m->V, m->E, m->H, m->L, m->K); }

size_t seqclf_mem_estimate(CellKind kind, size_t V, size_t E, size_t H, size_t L, size_t K, size_t T, size_t B)
{
    size_t G = (size_t)cell_gates(kind), TB = T * B, D = E > H ? E : H;
    size_t P = V * E + K * H + K;
    for (size_t l = 0; l < L; l++) P += G * H * ((l ? H : E) + H + 2);
    /* parameters, gradients, Adam's two moments, the last good copy (seqclf_train) and the
     * validation's work space (seqclf_accuracy's gradient buffers) */
    size_t floats = 6 * P;
    /* per layer: h (and c) for T + 1 steps, the gates, the GRU's U_n h; backward's dX (dR), kept
     * in the layer's cache with the rest of its scratch — for the first layer, with a table too
     * big to project, that includes the looked-up rows and their gradient (2 · T·B × E) */
    size_t per = (TB + B) * H * (kind == TZ_CELL_LSTM ? 2 : 1) + TB * G * H * (kind == TZ_CELL_GRU ? 3 : 2) +
                 (kind == TZ_CELL_GRU ? TB * H : 0);
    floats += L * per + 2 * TB * E + 2 * TB * D + TB * K;
    return floats * sizeof(float);
}

void seqclf_work_init(SeqClfWork *w, const SeqClf *m)
{
    memset(w, 0, sizeof *w);
    rnn_parts_grads(&w->emb, &w->Wo, &w->bo, w->cell, m->cell, m->V, m->E, m->H, m->L, m->K);
}

void seqclf_work_free(SeqClfWork *w)
{
    rnn_parts_free(w->emb, w->Wo, w->bo, w->cell);
    for (int l = 0; l < SEQCLF_MAX_LAYERS; l++) cell_cache_free(&w->cache[l]);
    free(w->dh); free(w->dx); free(w->probs);
    memset(w, 0, sizeof *w);
}

void seqclf_zero_grad(SeqClfWork *w, const SeqClf *m)
{
    rnn_parts_zero(w->emb, w->Wo, w->bo, w->cell, m->V, m->E, m->H, m->L, m->K);
}

void seqclf_add_params(Optim *o, SeqClf *m, SeqClfWork *w)
{
    optim_add(o, m->emb, w->emb, (size_t)m->V * (size_t)m->E);
    optim_add(o, m->Wo, w->Wo, (size_t)m->K * (size_t)m->H);
    optim_add(o, m->bo, w->bo, (size_t)m->K);
    cell_stack_add_params(o, m->cell, w->cell, m->L);
}

/* Grow the scratch buffers to T·B rows: dh and dx (T·B × max(E, H)), and probs (B × K; B ≤ T·B,
 * so T·B × K always holds it). */
static void work_fit(SeqClfWork *w, const SeqClf *m, size_t TB)
{
    if (w->cap >= TB) return;
    size_t D = (size_t)(m->E > m->H ? m->E : m->H);
    free(w->dh); free(w->dx); free(w->probs);
    w->dh = tz_malloc(TB * D * sizeof *w->dh);
    w->dx = tz_malloc(TB * D * sizeof *w->dx);
    w->probs = tz_malloc(TB * (size_t)m->K * sizeof *w->probs);
    w->cap = TB;
}

/* The stack of cells, the first reading the embedding rows of the tokens (x0 = emb[tokens],
 * which cell_forward_ids looks up itself — and for a small table such as DNA's 4 letters
 * projects each row once instead of each position): afterwards w->cache[L−1].h + B·H is the
 * top layer's T × B × H outputs. */
static void forward_stack(const SeqClf *m, SeqClfWork *w, const int32_t *tokens, int T, int B)
{
    const size_t BH = (size_t)B * (size_t)m->H;
    work_fit(w, m, (size_t)T * (size_t)B);
    cell_forward_ids(&m->cell[0], m->emb, m->V, tokens, T, B, NULL, NULL, &w->cache[0]);
    for (int l = 1; l < m->L; l++) cell_forward(&m->cell[l], w->cache[l - 1].h + BH, T, B, NULL, NULL, &w->cache[l]);
}

/* logits (K) of one top state h (H): Wo h + bo; then, in place, the softmax. Returns
 * −log p[label] computed as logsumexp − z[label] in double (no clamp: a NaN or an Inf in the
 * logits must come out as a non-finite loss, so training can see it). */
static double head(const SeqClf *m, const float *h, int32_t label, float *p)
{
    const int K = m->K, H = m->H;
    for (int k = 0; k < K; k++) {
        double z = m->bo[k];
        const float *wk = m->Wo + (size_t)k * (size_t)H;
        for (int j = 0; j < H; j++) z += (double)wk[j] * h[j];
        p[k] = (float)z;
    }
    double mx = p[0], s = 0;
    for (int k = 1; k < K; k++) if (p[k] > mx) mx = p[k];
    for (int k = 0; k < K; k++) s += exp((double)p[k] - mx);
    double zy = label >= 0 ? (double)p[label] : mx;
    for (int k = 0; k < K; k++) p[k] = (float)(exp((double)p[k] - mx) / s);
    return log(s) + mx - zy;
}

double seqclf_loss(const SeqClf *m, SeqClfWork *w, const int32_t *tokens, const int *len, const int32_t *labels,
                   int T, int B, int grad, float *probs)
{
    TZ_ASSERT(T > 0 && B > 0);
    const int H = m->H, K = m->K, L = m->L;
    const size_t BH = (size_t)B * (size_t)H, TB = (size_t)T * (size_t)B;
    for (int b = 0; b < B; b++) TZ_ASSERT(len[b] >= 1 && len[b] <= T && labels[b] >= 0 && labels[b] < K);
    forward_stack(m, w, tokens, T, B);
    /* the top state at each sequence's last token: h[t + 1] is the output of step t */
    const float *top = w->cache[L - 1].h;
    double loss = 0;
    for (int b = 0; b < B; b++) {
        const float *hb = top + (size_t)len[b] * BH + (size_t)b * (size_t)H;
        loss += head(m, hb, labels[b], w->probs + (size_t)b * (size_t)K);
    }
    loss /= B;
    if (probs) memcpy(probs, w->probs, (size_t)B * (size_t)K * sizeof *probs);
    if (!grad) return loss;

    /* ∂loss/∂logits = (p − onehot) / B; then Wo, bo and ∂loss/∂h at the last steps */
    float *dh = w->dh, *dx = w->dx;
    memset(dh, 0, TB * (size_t)H * sizeof *dh);
    for (int b = 0; b < B; b++) {
        float *d = w->probs + (size_t)b * (size_t)K;
        d[labels[b]] -= 1.0f;
        const float *hb = top + (size_t)len[b] * BH + (size_t)b * (size_t)H;
        float *dhb = dh + ((size_t)(len[b] - 1) * (size_t)B + (size_t)b) * (size_t)H;
        for (int k = 0; k < K; k++) {
            float g = d[k] / (float)B;
            float *gw = w->Wo + (size_t)k * (size_t)H;
            const float *wk = m->Wo + (size_t)k * (size_t)H;
            w->bo[k] += g;
            for (int j = 0; j < H; j++) { gw[j] += g * hb[j]; dhb[j] += g * wk[j]; }
        }
    }
    /* down the stack: a layer's dx is the dh of the layer below; the first layer adds its input
     * gradient into the embedding rows that were looked up. The padding steps add nothing there:
     * their dh is 0 and nothing flows back into them from later steps (only padding comes after),
     * so every gradient at those steps is exactly 0 — the embedding of a token that is only
     * padding keeps a gradient of exactly 0 (tests/unit/test_seqclf.c checks it). */
    for (int l = L - 1; l >= 1; l--) {
        cell_backward(&m->cell[l], w->cache[l - 1].h + BH, &w->cache[l], dh, NULL, NULL, &w->cell[l], dx, NULL, NULL);
        float *t = dh; dh = dx; dx = t;
    }
    cell_backward_ids(&m->cell[0], m->emb, m->V, tokens, &w->cache[0], dh, NULL, NULL, &w->cell[0], w->emb, NULL, NULL);
    return loss;
}

void seqclf_predict(const SeqClf *m, SeqClfWork *w, const int32_t *tokens, int n, float *probs)
{
    TZ_ASSERT(n >= 1);
    forward_stack(m, w, tokens, n, 1);
    head(m, w->cache[m->L - 1].h + (size_t)n * (size_t)m->H, -1, probs);
}

void seqclf_trace(const SeqClf *m, SeqClfWork *w, const int32_t *tokens, int n, int cls, float *p)
{
    TZ_ASSERT(n >= 1 && cls >= 0 && cls < m->K);
    forward_stack(m, w, tokens, n, 1);
    float *q = tz_malloc((size_t)m->K * sizeof *q);
    for (int t = 0; t < n; t++) {
        head(m, w->cache[m->L - 1].h + (size_t)(t + 1) * (size_t)m->H, -1, q);
        p[t] = q[cls];
    }
    free(q);
}

void seqclf_grad_flow(const SeqClf *m, SeqClfWork *w, const int32_t *tokens, int T, int32_t label, double *norms)
{
    TZ_ASSERT(T >= 1 && label >= 0 && label < m->K);
    const int H = m->H, K = m->K, L = m->L;
    forward_stack(m, w, tokens, T, 1);
    const float *hT = w->cache[L - 1].h + (size_t)T * (size_t)H;
    float *p = w->probs;
    head(m, hT, label, p);
    p[label] -= 1.0f;
    float *dh = w->dh;
    memset(dh, 0, (size_t)T * (size_t)H * sizeof *dh);
    for (int k = 0; k < K; k++)
        for (int j = 0; j < H; j++) dh[(size_t)(T - 1) * (size_t)H + (size_t)j] += p[k] * m->Wo[(size_t)k * (size_t)H + (size_t)j];
    /* back through the top layer only, without weight gradients (g = NULL: w's gradients stay as
     * they were, and neither the layer's input nor a gradient cell is needed); the whole ∂L/∂h_t
     * of every step (T × H) into w->dx, free scratch here (T·max(E, H) floats) */
    float *total = w->dx;
    cell_backward_ex(&m->cell[L - 1], NULL, &w->cache[L - 1], dh, NULL, NULL, NULL, NULL, NULL, NULL, total);
    for (int t = 0; t < T; t++) {
        double s = 0;
        for (int j = 0; j < H; j++) s += (double)total[(size_t)t * (size_t)H + (size_t)j] * total[(size_t)t * (size_t)H + (size_t)j];
        norms[t] = sqrt(s);
    }
}

void seqset_free(SeqSet *s)
{
    free(s->tok);
    free(s->off);
    free(s->label);
    memset(s, 0, sizeof *s);
}

/* --- training ---------------------------------------------------------------------------------- */

static uint64_t lcg(uint64_t *r)
{
    *r = *r * 6364136223846793005ULL + 1442695040888963407ULL;
    return *r >> 33;
}

/* Sorting indices by length, ties by a random rank (so that each epoch mixes sequences of the
 * same length differently). */
typedef struct { size_t len, rank, i; } LenKey;

static int cmp_len(const void *a, const void *b)
{
    const LenKey *x = a, *y = b;
    if (x->len != y->len) return x->len < y->len ? -1 : 1;
    return x->rank < y->rank ? -1 : x->rank > y->rank;
}

/* The order of one epoch: non-empty sequences sorted by length (ties shuffled), cut into
 * batches of B neighbours, the batches in a shuffled order. order receives the indices,
 * start (nb + 1) where each batch begins. r == NULL: no shuffling (evaluation). */
static size_t plan_batches(const SeqSet *s, int B, uint64_t *r, size_t *order, size_t *start)
{
    LenKey *k = tz_malloc((s->n ? s->n : 1) * sizeof *k);
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++) {
        size_t len = s->off[i + 1] - s->off[i];
        if (len) { k[n] = (LenKey){ len, r ? (size_t)lcg(r) : i, i }; n++; }
    }
    qsort(k, n, sizeof *k, cmp_len);
    size_t nb = (n + (size_t)B - 1) / (size_t)B;
    size_t *perm = tz_malloc((nb ? nb : 1) * sizeof *perm);
    for (size_t i = 0; i < nb; i++) perm[i] = i;
    if (r)
        for (size_t i = nb; i > 1; i--) {
            size_t j = (size_t)(lcg(r) % i), t = perm[i - 1];
            perm[i - 1] = perm[j];
            perm[j] = t;
        }
    size_t at = 0;
    for (size_t q = 0; q < nb; q++) {
        start[q] = at;
        size_t lo = perm[q] * (size_t)B, hi = lo + (size_t)B < n ? lo + (size_t)B : n;
        for (size_t i = lo; i < hi; i++) order[at++] = k[i].i;
    }
    start[nb] = at;
    free(perm);
    free(k);
    return nb;
}

/* Fill a time-major batch (T × nb, right-padded with token 0) from the sequences idx[0..nb). */
static int make_batch(const SeqSet *s, const size_t *idx, int nb, int32_t **tok, size_t *tokcap, int *len, int32_t *lab)
{
    int T = 0;
    for (int b = 0; b < nb; b++) {
        len[b] = (int)(s->off[idx[b] + 1] - s->off[idx[b]]);
        lab[b] = s->label[idx[b]];
        if (len[b] > T) T = len[b];
    }
    size_t need = (size_t)T * (size_t)nb;
    if (need > *tokcap) {
        *tok = tz_realloc(*tok, need * sizeof **tok);
        *tokcap = need;
    }
    for (int t = 0; t < T; t++)
        for (int b = 0; b < nb; b++) (*tok)[(size_t)t * (size_t)nb + (size_t)b] = t < len[b] ? s->tok[s->off[idx[b]] + (size_t)t] : 0;
    return T;
}

double seqclf_accuracy(const SeqClf *m, const SeqSet *s, double *mean_loss)
{
    if (mean_loss) *mean_loss = NAN;
    if (!s || s->n == 0) return NAN;
    enum { EB = 64 };
    size_t *order = tz_malloc(s->n * sizeof *order), *start = tz_malloc((s->n / EB + 2) * sizeof *start);
    size_t nb = plan_batches(s, EB, NULL, order, start);
    SeqClfWork w;
    seqclf_work_init(&w, m);
    int32_t *tok = NULL, lab[EB];
    int len[EB];
    size_t cap = 0, seen = 0, right = 0;
    float *p = tz_malloc((size_t)EB * (size_t)m->K * sizeof *p);
    double sum = 0;
    for (size_t q = 0; q < nb; q++) {
        int B = (int)(start[q + 1] - start[q]);
        int T = make_batch(s, order + start[q], B, &tok, &cap, len, lab);
        sum += seqclf_loss(m, &w, tok, len, lab, T, B, 0, p) * B;
        for (int b = 0; b < B; b++) {
            int best = 0;
            for (int k = 1; k < m->K; k++) if (p[(size_t)b * (size_t)m->K + (size_t)k] > p[(size_t)b * (size_t)m->K + (size_t)best]) best = k;
            right += best == lab[b];
        }
        seen += (size_t)B;
    }
    free(p); free(tok); free(order); free(start);
    seqclf_work_free(&w);
    if (!seen) return NAN;
    if (mean_loss) *mean_loss = sum / (double)seen;
    return (double)right / (double)seen;
}

int seqclf_train(SeqClf *m, const SeqSet *train, const SeqSet *val, const SeqTrainConfig *cfg, SeqTrainStats *st,
                 Job *job, TzErr *e)
{
    memset(st, 0, sizeof *st);
    st->val_loss = st->val_acc = NAN;
    const int B = cfg->B;
    if (B < 1 || cfg->epochs < 1 || !(cfg->lr > 0) || !isfinite(cfg->lr))
        return tz_errf(e, TZ_E_ARG, "geçersiz eğitim ayarı: batch=%d epochs=%d lr=%g.",
                       "invalid training settings: batch=%d epochs=%d lr=%g.", B, cfg->epochs, (double)cfg->lr);
    for (size_t i = 0; i < train->n; i++) TZ_ASSERT(train->label[i] >= 0 && train->label[i] < m->K);
    for (size_t i = 0; i < train->off[train->n]; i++) TZ_ASSERT(train->tok[i] >= 0 && train->tok[i] < m->V);
    size_t *order = tz_malloc((train->n ? train->n : 1) * sizeof *order);
    size_t *start = tz_malloc((train->n / (size_t)B + 2) * sizeof *start);
    uint64_t r = cfg->seed * 0x9E3779B97F4A7C15ULL + 17;
    size_t nb = plan_batches(train, B, &r, order, start);
    if (nb == 0) {
        free(order); free(start);
        return tz_errf(e, TZ_E_ARG, "eğitim kümesinde boş olmayan dizi yok.", "the training set has no non-empty sequence.");
    }
    double t0 = tz_now();
    SeqClfWork w;
    seqclf_work_init(&w, m);
    Optim o;
    optim_init(&o, cfg->optim, cfg->lr);
    if (cfg->optim == OPT_SGD) o.momentum = 0.9f;     /* as the language model's optim=sgd */
    seqclf_add_params(&o, m, &w);
    /* the weights of the last step whose loss and gradient were sound (see below) */
    float *good = tz_malloc(optim_nparams(&o) * sizeof *good);
    int32_t *tok = NULL, *lab = tz_malloc((size_t)B * sizeof *lab);
    int *len = tz_malloc((size_t)B * sizeof *len);
    size_t cap = 0;
    long total = (long)nb * cfg->epochs;
    /* Divergence. A NaN or an Inf in the loss or the gradient is the plain case. But a
     * classifier's cross-entropy rarely reaches Inf: the cells saturate (tanh, σ → ±1, their
     * slopes → 0) and the loss just climbs to hundreds while the weights stay finite and
     * useless. So a run whose recent loss (a moving average over about the last 7 steps, so that
     * one hard batch is not enough) passes 20 times the loss of guessing, 20·ln K, has
     * diverged too. */
    const double blowup = 20.0 * log((double)(m->K > 1 ? m->K : 2));
    double recent = 0, avg = NAN, bad_loss = 0, bad_norm = 0;
    long nrecent = 0;
    int stop = 0, have_good = 0;
    for (int ep = 0; ep < cfg->epochs && !stop; ep++) {
        if (ep) nb = plan_batches(train, B, &r, order, start);
        double sum = 0;
        size_t q;
        for (q = 0; q < nb; q++) {
            if (job_cancelled(job) || (cfg->max_seconds > 0 && tz_now() - t0 >= cfg->max_seconds)) { stop = 1; break; }
            int nbq = (int)(start[q + 1] - start[q]);
            int T = make_batch(train, order + start[q], nbq, &tok, &cap, len, lab);
            optim_zero_grad(&o);
            double l = seqclf_loss(m, &w, tok, len, lab, T, nbq, 1, NULL);
            double norm = optim_clip(&o, cfg->clip);     /* the norm before clipping */
            avg = isnan(avg) ? l : 0.75 * avg + 0.25 * l;
            int bad = !isfinite(l) || !isfinite(norm) || avg > blowup;
            if (!bad) {
                if (l <= blowup || !have_good) {
                    optim_snapshot(&o, good);
                    have_good = 1;
                }
                optim_step(&o, cfg->lr);
                /* a finite gradient times a huge rate can still overflow a float */
                if (!optim_params_finite(&o)) { bad = 1; l = INFINITY; }
            }
            if (bad) {
                /* put back the last weights whose own loss was sound (without a step, the
                 * weights are those of this step's forward pass, which gave the bad number) */
                if (have_good) optim_restore(&o, good);
                st->diverged = 1;
                bad_loss = l;
                bad_norm = norm;
                stop = 1;
                break;
            }
            sum += l;
            recent += l;
            nrecent++;
            st->steps++;
            if (nrecent == 10 || q + 1 == nb) {
                job_report_loss(job, st->steps, total, recent / (double)nrecent);
                recent = 0;
                nrecent = 0;
            }
        }
        if (q) st->train_loss = sum / (double)q;
        if (val && val->n && !st->diverged) st->val_acc = seqclf_accuracy(m, val, &st->val_loss);
    }
    st->finished = !stop && st->steps == total;
    st->seconds = tz_now() - t0;
    free(good); free(tok); free(lab); free(len); free(order); free(start);
    optim_free(&o);
    seqclf_work_free(&w);
    if (st->diverged && !(isfinite(bad_loss) && isfinite(bad_norm)))
        return tz_errf(e, TZ_E_NUMERIC,
                       "eğitim %ld. adımda ıraksadı: kayıp ya da gradyan NaN/Inf oldu (kayıp %g, gradyan normu %g). "
                       "Model son sağlam ağırlıklarında bırakıldı. Gradyan kırpma deneyin (clip=1) ya da daha küçük "
                       "bir öğrenme oranı (lr=%g).",
                       "training diverged at step %ld: the loss or the gradient became NaN/Inf (loss %g, gradient "
                       "norm %g). The model keeps its last sound weights. Try gradient clipping (clip=1) or a lower "
                       "learning rate (lr=%g).",
                       st->steps + 1, bad_loss, bad_norm, (double)cfg->lr / 10);
    if (st->diverged)
        return tz_errf(e, TZ_E_NUMERIC,
                       "eğitim %ld. adımda ıraksadı: kayıp %g değerine fırladı (rastgele tahmin %.2f verir; gradyan normu %g). Model son "
                       "sağlam ağırlıklarında bırakıldı. Gradyan kırpma deneyin (clip=1) ya da daha küçük bir öğrenme "
                       "oranı (lr=%g).",
                       "training diverged at step %ld: the loss shot up to %g (guessing gives %.2f; gradient norm %g). "
                       "The model keeps its last sound weights. Try gradient clipping (clip=1) or a lower learning "
                       "rate (lr=%g).",
                       st->steps + 1, bad_loss, blowup / 20, bad_norm, (double)cfg->lr / 10);
    return 0;
}

/* --- checkpoints ------------------------------------------------------------------------------- */

static const char CK_MAGIC[8] = { 'T', 'Z', 'S', 'E', 'Q', 'C', 'L', 'F' };

typedef struct { float *p; size_t n; } Tensor;

/* Each tensor of the model, in the file's order. */
static int tensors_of(const SeqClf *m, Tensor *t)
{
    int k = 0;
    t[k++] = (Tensor){ m->emb, (size_t)m->V * (size_t)m->E };
    t[k++] = (Tensor){ m->Wo, (size_t)m->K * (size_t)m->H };
    t[k++] = (Tensor){ m->bo, (size_t)m->K };
    for (int l = 0; l < m->L; l++) {
        const Cell *c = &m->cell[l];
        size_t GH = (size_t)c->G * (size_t)c->H;
        t[k++] = (Tensor){ c->W, GH * (size_t)c->In };
        t[k++] = (Tensor){ c->U, GH * (size_t)c->H };
        t[k++] = (Tensor){ c->b, GH };
        t[k++] = (Tensor){ c->bu, GH };
    }
    return k;
}

int seqclf_save(const SeqClf *m, const Vocab *words, const Vocab *labels, const char *meta, const char *path, TzErr *e)
{
    TZ_ASSERT(words->size == (size_t)m->V && labels->size == (size_t)m->K);
    TZ_ASSERT(strlen(meta) <= SEQCLF_META_MAX);
    CkBuf b = { 0 };
    ck_put(&b, CK_MAGIC, 8);
    ck_put_u32(&b, 1);
    uint32_t head[6] = { (uint32_t)m->kind, (uint32_t)m->V, (uint32_t)m->E, (uint32_t)m->H, (uint32_t)m->L, (uint32_t)m->K };
    for (int i = 0; i < 6; i++) ck_put_u32(&b, head[i]);
    ck_put_str(&b, meta);
    for (size_t i = 0; i < words->size; i++) ck_put_str(&b, vocab_word(words, i));
    for (size_t i = 0; i < labels->size; i++) ck_put_str(&b, vocab_word(labels, i));
    Tensor t[3 + 4 * SEQCLF_MAX_LAYERS];
    int nt = tensors_of(m, t);
    for (int i = 0; i < nt; i++) ck_put_f32s(&b, t[i].p, t[i].n);
    return ck_save(&b, path, e);
}

int seqclf_is_checkpoint(const char *path) { return ck_has_magic(path, CK_MAGIC); }

int seqclf_load(SeqClf *m, Vocab *words, Vocab *labels, char *meta, size_t meta_cap, const char *path, TzErr *e)
{
    TZ_ASSERT(meta_cap > SEQCLF_META_MAX);
    memset(m, 0, sizeof *m);
    vocab_init(words);
    vocab_init(labels);
    meta[0] = '\0';
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
    if (n < 36 + 4 + 4 || memcmp(d, CK_MAGIC, 8) != 0) {
        rc = tz_errf(e, TZ_E_FORMAT,
                     "'%s' bir tezgah sınıflandırıcı dosyası değil (baştaki TZSEQCLF imzası yok ya da dosya %zu bayt).",
                     "'%s' is not a tezgah classifier file (no TZSEQCLF magic at the start, or only %zu bytes).", path, n);
        goto fail;
    }
    uint32_t version = ck_u32(d + 8), kind = ck_u32(d + 12), V = ck_u32(d + 16), E = ck_u32(d + 20), H = ck_u32(d + 24),
             L = ck_u32(d + 28), K = ck_u32(d + 32);
    if (version != 1) BAD(8, "sürüm %u; bu tezgah yalnızca 1'i okur.", "version %u; this tezgah reads version 1 only.", version);
    if (kind > 2) BAD(12, "hücre türü %u (0 rnn, 1 lstm, 2 gru olmalı).", "cell kind %u (must be 0 rnn, 1 lstm, 2 gru).", kind);
    if (V < 1 || V > 10000000) BAD(16, "V = %u, 1 ile 10.000.000 arasında değil.", "V = %u, not between 1 and 10,000,000.", V);
    if (E < 1 || E > 4096) BAD(20, "E = %u, 1 ile 4096 arasında değil.", "E = %u, not between 1 and 4096.", E);
    if (H < 1 || H > 4096) BAD(24, "H = %u, 1 ile 4096 arasında değil.", "H = %u, not between 1 and 4096.", H);
    if (L < 1 || L > SEQCLF_MAX_LAYERS) BAD(28, "L = %u, 1 ile %d arasında değil.", "L = %u, not between 1 and %d.", L, SEQCLF_MAX_LAYERS);
    if (K < 2 || K > 100000) BAD(32, "K = %u sınıf, 2 ile 100.000 arasında değil.", "K = %u classes, not between 2 and 100,000.", K);
    /* the tensors' size is known now: it must fit in what is left before anything is read */
    size_t G = (size_t)cell_gates((CellKind)kind);
    size_t floats = (size_t)V * E + (size_t)K * H + K;
    for (uint32_t l = 0; l < L; l++) floats += G * H * (l ? H : E) + G * H * H + 2 * G * H;
    if (floats * 4 + 4 > n - 36)
        BAD(36, "V=%u E=%u H=%u L=%u K=%u için tensörler %zu bayt ister, dosyanın tamamı %zu bayt (kesik ya da bozuk başlık).",
            "V=%u E=%u H=%u L=%u K=%u need %zu bytes of tensors, the whole file has %zu (truncated, or a damaged header).",
            V, E, H, L, K, floats * 4, n);
    const size_t end = n - 4 - floats * 4;      /* where the tensors start */
    size_t off = 36;
    /* meta, words and labels: each a length, then its bytes, all before `end` */
    for (uint32_t i = 0; i < 1 + V + K; i++) {
        int is_meta = i == 0, is_label = i > V;
        size_t max = is_meta ? SEQCLF_META_MAX : is_label ? 256 : 1024;
        /* which string this is, in the message's two languages */
        uint32_t idx = is_meta ? 0 : is_label ? i - 1 - V : i - 1;
        if (off + 4 > end) {
            if (is_meta) BAD(off, "üst bilgide dosya bitti (tensörlerden önce; %u).", "the file ends in the meta string (before the tensors; %u).", idx);
            if (is_label) BAD(off, "%u. etikette dosya bitti (tensörlerden önce).", "the file ends at label %u (before the tensors).", idx);
            BAD(off, "%u. sözcükte dosya bitti (tensörlerden önce).", "the file ends at word %u (before the tensors).", idx);
        }
        size_t len = ck_u32(d + off);
        if ((len < 1 && !is_meta) || len > max || off + 4 + len > end) {
            if (is_meta)
                BAD(off, "üst bilginin uzunluğu %zu geçersiz (0–%zu olmalı ve tensörlerden önce bitmeli).",
                    "the meta string's length %zu is invalid (must be 0–%zu and end before the tensors).", len, max);
            if (is_label)
                BAD(off, "%u. etiketin uzunluğu %zu geçersiz (1–%zu olmalı ve tensörlerden önce bitmeli).",
                    "label %u's length %zu is invalid (must be 1–%zu and end before the tensors).", idx, len, max);
            BAD(off, "%u. sözcüğün uzunluğu %zu geçersiz (1–%zu olmalı ve tensörlerden önce bitmeli).",
                "word %u's length %zu is invalid (must be 1–%zu and end before the tensors).", idx, len, max);
        }
        const char *s = (const char *)d + off + 4;
        if (utf8_validate(s, len) != len || memchr(s, 0, len))
            BAD(off + 4, "dizge (%u. sırada) geçerli UTF-8 değil ya da NUL baytı içeriyor.",
                "the string (number %u in its list) is not valid UTF-8 or holds a NUL byte.", idx);
        if (is_meta) {
            memcpy(meta, s, len);
            meta[len] = '\0';
        } else {
            Vocab *v = is_label ? labels : words;
            if (vocab_find(v, s, len) >= 0)
                BAD(off, "'%.*s' iki kez var.", "'%.*s' appears twice.", (int)(len < 40 ? len : 40), s);
            vocab_add(v, s, len, 1);
        }
        off += 4 + len;
    }
    if (off != end)
        BAD(off, "dizgelerden sonra %zu fazla bayt var (tensörlerin boyutu başlıkla uyuşmuyor).",
            "%zu extra bytes after the strings (the tensors' size does not match the header).", end - off);
    uint32_t want, got;
    if (!ck_crc_ok(d, n, &want, &got))
        BAD(n - 4, "CRC uymuyor (%08x, hesaplanan %08x): dosya bozulmuş.", "CRC mismatch (%08x, computed %08x): the file is damaged.", want, got);
    seqclf_init(m, (CellKind)kind, (int)V, (int)E, (int)H, (int)L, (int)K, 0);
    Tensor t[3 + 4 * SEQCLF_MAX_LAYERS];
    int nt = tensors_of(m, t);
    for (int i = 0; i < nt; i++) {
        ck_f32s(d + off, t[i].p, t[i].n);
        off += t[i].n * 4;
    }
#undef BAD
    tz_file_unmap(&f);
    return 0;
fail:
    vocab_free(words);
    vocab_free(labels);
    meta[0] = '\0';
    tz_file_unmap(&f);
    return rc;
}
