/* bert_clf.c — fine-tuning BERT for sentence classification (see bert_clf.h). */
#include "models/bert_clf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/layers.h"
#include "nn/optim.h"

#define LABEL_PREFIX "__label__"

/* ---- labelled lines ------------------------------------------------------------------------ */

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

void bert_clf_lines_free(BertClfLines *L)
{
    free(L->lab_off);
    free(L->txt_off);
    free(L->lab_len);
    free(L->txt_len);
    free(L->line);
    memset(L, 0, sizeof *L);
}

int bert_clf_lines(BertClfLines *L, const char *data, size_t n, const char *name, TzErr *e)
{
    memset(L, 0, sizeof *L);
    const size_t P = strlen(LABEL_PREFIX);
    size_t lineno = 0;
    for (size_t at = 0; at < n;) {
        const char *line = data + at, *nl = memchr(line, '\n', n - at);
        size_t len = nl ? (size_t)(nl - line) : n - at;
        size_t base = at;
        at += len + 1;
        lineno++;
        /* the labels come first: the first one counts, the others are skipped */
        size_t i = 0, lab = 0, lablen = 0;
        int got = 0;
        for (;;) {
            while (i < len && is_space(line[i])) i++;
            if (len - i <= P || strncmp(line + i, LABEL_PREFIX, P) != 0) break;
            size_t j = i;
            while (j < len && !is_space(line[j])) j++;
            if (!got) lab = i + P, lablen = j - i - P, got = 1;
            i = j;
        }
        if (!got) {
            for (size_t k = 0; k < len; k++)
                if (!is_space(line[k])) {
                    if (!L->nolabel++) L->first_nolabel = lineno;
                    break;
                }
            continue;
        }
        if (lablen >= BERT_CLF_LABEL_MAX) {
            bert_clf_lines_free(L);
            return tz_errf(e, TZ_E_FORMAT, "'%s', %zu. satır: etiket %zu bayt; en çok %d bayt olabilir.",
                           "'%s', line %zu: the label is %zu bytes long; it can have at most %d.", name, lineno, lablen,
                           BERT_CLF_LABEL_MAX - 1);
        }
        size_t end = len;
        while (end > i && is_space(line[end - 1])) end--;
        if (end == i) {
            L->empty++;
            continue;
        }
        if (L->n == L->cap) {
            L->cap = L->cap ? 2 * L->cap : 256;
            L->lab_off = tz_realloc(L->lab_off, L->cap * sizeof *L->lab_off);
            L->txt_off = tz_realloc(L->txt_off, L->cap * sizeof *L->txt_off);
            L->lab_len = tz_realloc(L->lab_len, L->cap * sizeof *L->lab_len);
            L->txt_len = tz_realloc(L->txt_len, L->cap * sizeof *L->txt_len);
            L->line = tz_realloc(L->line, L->cap * sizeof *L->line);
        }
        L->lab_off[L->n] = base + lab;
        L->lab_len[L->n] = (uint32_t)lablen;
        L->txt_off[L->n] = base + i;
        L->txt_len[L->n] = (uint32_t)(end - i);
        L->line[L->n] = lineno;
        L->n++;
    }
    if (L->n == 0) {
        size_t nolabel = L->nolabel;
        bert_clf_lines_free(L);
        if (nolabel)
            return tz_errf(e, TZ_E_FORMAT,
                           "'%s' içinde etiketli satır yok (%zu satırın hiçbiri '__label__' ile başlamıyor); her satır "
                           "'__label__ETİKET metin' olmalı, ör. '__label__pos Çok beğendim.'",
                           "'%s' has no labelled lines (none of its %zu lines starts with '__label__'); each line should "
                           "be '__label__LABEL text', e.g. '__label__pos Loved it.'",
                           name, nolabel);
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s' içinde etiketli, metni olan satır yok; her satır '__label__ETİKET metin' olmalı.",
                       "'%s' has no labelled lines with text; each line should be '__label__LABEL text'.", name);
    }
    return 0;
}

static int cmp_name(const void *a, const void *b) { return strcmp((const char *)a, (const char *)b); }

int bert_clf_labels(const BertClfLines *L, const char *data, const size_t *pick, size_t np,
                    char (*names)[BERT_CLF_LABEL_MAX], int cap)
{
    /* a few labels in practice: a sorted array and a linear look-up are enough, up to the cap */
    size_t all = pick ? np : L->n;
    int K = 0, over = 0;
    char (*tmp)[BERT_CLF_LABEL_MAX] = tz_malloc((size_t)BERT_CLF_MAX_LABELS * sizeof *tmp);
    for (size_t q = 0; q < all; q++) {
        size_t i = pick ? pick[q] : q;
        const char *s = data + L->lab_off[i];
        size_t n = L->lab_len[i];
        if (bert_clf_label_id(tmp, K, s, n) >= 0) continue;
        if (K == BERT_CLF_MAX_LABELS) {
            over = 1;
            continue;
        }
        memcpy(tmp[K], s, n);
        tmp[K][n] = '\0';
        K++;
    }
    qsort(tmp, (size_t)K, sizeof *tmp, cmp_name);
    for (int k = 0; k < K && k < cap; k++) memcpy(names[k], tmp[k], sizeof *tmp);
    free(tmp);
    return K + over;
}

int bert_clf_label_id(char (*names)[BERT_CLF_LABEL_MAX], int K, const char *s, size_t n)
{
    for (int k = 0; k < K; k++)
        if (strlen(names[k]) == n && memcmp(names[k], s, n) == 0) return k;
    return -1;
}

char *bert_clf_texts(const BertClfLines *L, const char *data, const size_t *pick, size_t np, size_t *n)
{
    size_t all = pick ? np : L->n, len = 0;
    for (size_t q = 0; q < all; q++) len += L->txt_len[pick ? pick[q] : q] + 1;
    char *out = tz_malloc(len + 1), *w = out;
    for (size_t q = 0; q < all; q++) {
        size_t i = pick ? pick[q] : q;
        memcpy(w, data + L->txt_off[i], L->txt_len[i]);
        w += L->txt_len[i];
        *w++ = '\n';
    }
    *w = '\0';
    *n = len;
    return out;
}

/* ---- encoded sets -------------------------------------------------------------------------- */

int bert_clf_encode(const WordPiece *wp, const char *text, size_t n, int maxlen, int32_t *ids, int *cut, size_t *unk)
{
    TZ_ASSERT(maxlen >= 3);
    if (cut) *cut = 0;
    if (wp->cls < 0 || wp->sep < 0) return 0;
    /* the pieces go straight after [CLS]; one more than fits tells whether the text was cut */
    size_t room = (size_t)maxlen - 2;
    int32_t *tmp = tz_malloc((room + 1) * sizeof *tmp);
    size_t k = wp_encode(wp, text, n, tmp, room + 1);
    if (k > room) {
        k = room;
        if (cut) *cut = 1;
    }
    ids[0] = wp->cls;
    for (size_t i = 0; i < k; i++) {
        ids[1 + i] = tmp[i];
        if (unk && tmp[i] == wp->unk) (*unk)++;
    }
    ids[1 + k] = wp->sep;
    free(tmp);
    return (int)k + 2;
}

void bert_clf_set_free(BertClfSet *s)
{
    free(s->ids);
    free(s->off);
    free(s->label);
    free(s->line);
    memset(s, 0, sizeof *s);
}

void bert_clf_set_build(BertClfSet *s, const WordPiece *wp, const BertClfLines *L, const char *data,
                        const size_t *pick, size_t np, char (*names)[BERT_CLF_LABEL_MAX], int K, int maxlen)
{
    memset(s, 0, sizeof *s);
    size_t all = pick ? np : L->n, cap = 1024, used = 0;
    s->ids = tz_malloc(cap * sizeof *s->ids);
    s->off = tz_malloc((all + 1) * sizeof *s->off);
    s->label = tz_malloc((all ? all : 1) * sizeof *s->label);
    s->line = tz_malloc((all ? all : 1) * sizeof *s->line);
    s->off[0] = 0;
    for (size_t q = 0; q < all; q++) {
        size_t i = pick ? pick[q] : q;
        int lab = bert_clf_label_id(names, K, data + L->lab_off[i], L->lab_len[i]);
        if (lab < 0) {
            s->skipped++;
            continue;
        }
        while (used + (size_t)maxlen > cap) {
            cap *= 2;
            s->ids = tz_realloc(s->ids, cap * sizeof *s->ids);
        }
        int cut;
        int k = bert_clf_encode(wp, data + L->txt_off[i], L->txt_len[i], maxlen, s->ids + used, &cut, &s->unk);
        TZ_ASSERT(k >= 2);
        s->truncated += cut;
        s->pieces += (size_t)k - 2;
        used += (size_t)k;
        s->label[s->n] = lab;
        s->line[s->n] = L->line[i];
        s->n++;
        s->off[s->n] = used;
    }
}

int bert_clf_batch(const BertClfSet *s, const size_t *idx, int B, int32_t pad, int32_t *tok, uint8_t *valid,
                   int32_t *labels)
{
    int T = 1;
    for (int b = 0; b < B; b++) {
        int len = (int)(s->off[idx[b] + 1] - s->off[idx[b]]);
        if (len > T) T = len;
    }
    for (int b = 0; b < B; b++) {
        size_t i = idx[b];
        int len = (int)(s->off[i + 1] - s->off[i]);
        for (int t = 0; t < T; t++) {
            tok[b * T + t] = t < len ? s->ids[s->off[i] + (size_t)t] : pad;
            valid[b * T + t] = t < len;
        }
        if (labels) labels[b] = s->label[i];
    }
    return T;
}

/* ---- the head ------------------------------------------------------------------------------ */

/* splitmix64: shuffling and the head's initial weights */
static uint64_t mix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double unit(uint64_t *s) { return ((double)(mix64(s) >> 11) + 0.5) / 9007199254740992.0; }

void bert_clf_head_init(float *W, float *b, int K, int D, uint64_t seed)
{
    uint64_t r = seed * 0x9E3779B97F4A7C15ULL + 77;
    for (size_t i = 0; i < (size_t)K * D; i++) {
        /* Box–Muller: one normal from two uniforms */
        double u1 = unit(&r), u2 = unit(&r);
        W[i] = (float)(0.02 * sqrt(-2.0 * log(u1)) * cos(2 * M_PI * u2));
    }
    memset(b, 0, (size_t)K * sizeof *b);
}

double bert_clf_head_forward(const float *W, const float *b, const float *X, int B, int D, int K,
                             const int32_t *labels, float *logits, float *probs)
{
    /* logits = X Wᵀ + b: one row of K scores per sequence */
    linear_forward(logits, X, W, b, B, D, K);
    if (labels) return crossentropy_forward(probs, logits, labels, B, K);
    /* no labels: the softmax alone (every target ignored) */
    int32_t *none = tz_malloc((size_t)B * sizeof *none);
    for (int i = 0; i < B; i++) none[i] = TZ_IGNORE;
    crossentropy_forward(probs, logits, none, B, K);
    free(none);
    return 0;
}

void bert_clf_head_backward(const float *W, float *dW, float *db, float *dX, const float *X, const float *probs,
                            const int32_t *labels, int B, int D, int K, float *dlogits)
{
    /* dlogits = (p − onehot) / count; dX = dlogits W; dW += dlogitsᵀ X; db += Σ dlogits */
    crossentropy_backward(dlogits, probs, labels, B, K);
    linear_backward(dX, dW, db, dlogits, X, W, B, D, K);
}

void bert_clf_probs(const Bert *m, BertWork *w, const float *W, const float *b, int K, const int32_t *tok,
                    const uint8_t *valid, int B, int T, float *logits, float *probs)
{
    w->skip_mlm = 1;
    w->dropout = 0;
    bert_forward(m, w, tok, NULL, valid, NULL, NULL, B, T);
    bert_clf_head_forward(W, b, w->pool, B, m->cfg.D, K, NULL, logits, probs);
}

static int longest(const BertClfSet *s)
{
    int T = 1;
    for (size_t i = 0; i < s->n; i++)
        if ((int)(s->off[i + 1] - s->off[i]) > T) T = (int)(s->off[i + 1] - s->off[i]);
    return T;
}

/* report: publish the progress (a `test`); inside training the progress line stays the training's */
static int eval_run(const Bert *m, const float *W, const float *b, int K, int32_t pad, const BertClfSet *s, int B,
                    int threads, BertClfEval *ev, size_t *gold, size_t *pred, size_t *right, Job *job, int report)
{
    memset(ev, 0, sizeof *ev);
    ev->acc = ev->loss = NAN;
    if (s->n == 0) return 0;
    if ((size_t)B > s->n) B = (int)s->n;
    int Tmax = longest(s);
    BertWork w;
    if (bert_work_alloc(&w, &m->cfg, B, Tmax))
        tz_die(__FILE__, __LINE__, "out of memory: activations of %d x %d tokens", B, Tmax);
    w.threads = threads;
    int32_t *tok = tz_malloc((size_t)B * Tmax * sizeof *tok);
    uint8_t *valid = tz_malloc((size_t)B * Tmax);
    float *logits = tz_malloc((size_t)B * K * sizeof *logits), *probs = tz_malloc((size_t)B * K * sizeof *probs);
    size_t *idx = tz_malloc((size_t)B * sizeof *idx), nright = 0;
    double loss = 0;
    int rc = 0;
    for (size_t at = 0; at < s->n; at += (size_t)B) {
        if (job_cancelled(job)) {
            rc = TZ_E_CANCELLED;
            break;
        }
        int nb = s->n - at < (size_t)B ? (int)(s->n - at) : B;
        for (int i = 0; i < nb; i++) idx[i] = at + (size_t)i;
        int T = bert_clf_batch(s, idx, nb, pad, tok, valid, NULL);
        bert_clf_probs(m, &w, W, b, K, tok, valid, nb, T, logits, probs);
        for (int i = 0; i < nb; i++) {
            const float *p = probs + (size_t)i * K;
            int best = 0, g = s->label[at + (size_t)i];
            for (int k = 1; k < K; k++)
                if (p[k] > p[best]) best = k;
            nright += best == g;
            loss -= log(p[g] > 1e-30f ? p[g] : 1e-30f);
            if (gold) gold[g]++;
            if (pred) pred[best]++;
            if (right) right[g] += best == g;
        }
        if (report) job_report(job, (int64_t)(at + (size_t)nb), (int64_t)s->n);
    }
    if (!rc) {
        ev->n = s->n;
        ev->acc = (double)nright / (double)s->n;
        ev->loss = loss / (double)s->n;
    }
    free(idx);
    free(logits);
    free(probs);
    free(tok);
    free(valid);
    bert_work_free(&w);
    return rc;
}

int bert_clf_eval(const Bert *m, const float *W, const float *b, int K, int32_t pad, const BertClfSet *s, int B,
                  int threads, BertClfEval *ev, size_t *gold, size_t *pred, size_t *right, Job *job)
{
    return eval_run(m, W, b, K, pad, s, B, threads, ev, gold, pred, right, job, 1);
}

/* ---- fine-tuning ---------------------------------------------------------------------------- */

BertClfTrainConfig bert_clf_train_defaults(void)
{
    return (BertClfTrainConfig){ .B = 16, .epochs = 3, .lr = 5e-5f, .warmup = 0.1f, .weight_decay = 0.01f,
                                 .clip = 1.0f, .dropout = 0.1f, .seed = 1, .threads = 1 };
}

static int all_finite(const float *p, size_t n)
{
    float acc = 0;
    for (size_t i = 0; i < n; i++) acc += p[i] * 0.0f;   /* NaN or Inf times 0 is NaN */
    return acc == 0.0f;
}

/* BERT's schedule: linear warm-up to the peak, then linearly down to 0 at the last step. */
static float lr_at(long s, long warmup, long total, float peak)
{
    if (s < warmup) return peak * (float)(s + 1) / (float)warmup;
    long rest = total - warmup;
    return rest > 0 ? peak * (float)(total - s) / (float)rest : peak;
}

int bert_clf_train(Bert *m, float *W, float *b, int K, int32_t pad, const BertClfSet *tr, const BertClfSet *va,
                   const BertClfTrainConfig *cfg, BertClfTrainStats *st, Job *job, TzErr *e)
{
    memset(st, 0, sizeof *st);
    st->val_acc = st->val_loss = NAN;
    const BertConfig *c = &m->cfg;
    const int D = c->D;
    TZ_ASSERT(cfg->B >= 1 && cfg->epochs >= 1 && cfg->epochs <= BERT_CLF_MAX_EPOCHS && K >= 2 && tr->n >= 1);
    int B = (size_t)cfg->B > tr->n ? (int)tr->n : cfg->B;
    int Tmax = longest(tr);
    for (size_t i = 0; i < tr->off[tr->n]; i++) TZ_ASSERT(tr->ids[i] >= 0 && tr->ids[i] < c->V);

    Bert grad;
    BertWork w;
    if (bert_alloc(&grad, c)) tz_die(__FILE__, __LINE__, "out of memory: the gradient of %zu parameters", m->n);
    if (bert_work_alloc(&w, c, B, Tmax)) tz_die(__FILE__, __LINE__, "out of memory: activations of %d x %d", B, Tmax);
    w.skip_mlm = 1;
    w.threads = cfg->threads;
    size_t nh = (size_t)K * D;
    float *dW = tz_calloc(nh, sizeof *dW), *db = tz_calloc((size_t)K, sizeof *db);
    float *backup = tz_malloc((m->n + nh + (size_t)K) * sizeof *backup);
    float *xd = tz_malloc((size_t)B * D * sizeof *xd), *dxd = tz_malloc((size_t)B * D * sizeof *dxd);
    float *logits = tz_malloc((size_t)B * K * sizeof *logits), *probs = tz_malloc((size_t)B * K * sizeof *probs);
    float *dlogits = tz_malloc((size_t)B * K * sizeof *dlogits);
    int32_t *tok = tz_malloc((size_t)B * Tmax * sizeof *tok), *lab = tz_malloc((size_t)B * sizeof *lab);
    uint8_t *valid = tz_malloc((size_t)B * Tmax);
    size_t *order = tz_malloc(tr->n * sizeof *order);

    /* AdamW in two groups: matrices and embeddings decay, biases and layer norms do not (as BERT's
     * own fine-tuning code). The pre-training heads (cls.*) are left out: their gradient is 0
     * here, and AdamW's decay alone would still shrink them — the copy should fill in a [MASK]
     * as well as the model it came from. */
    Optim od, on;
    optim_init(&od, OPT_ADAMW, cfg->lr);
    optim_init(&on, OPT_ADAMW, cfg->lr);
    od.weight_decay = cfg->weight_decay;
    on.weight_decay = 0;
    char name[128];
    for (int i = 0; i < bert_ntensors(c); i++) {
        size_t cnt;
        int rows, cols;
        float *p = bert_tensor(m, i, name, sizeof name, &cnt, &rows, &cols);
        if (!strncmp(name, "cls.", 4)) continue;
        optim_add(cols > 1 ? &od : &on, p, grad.mem + (p - m->mem), cnt);
    }
    optim_add(&od, W, dW, nh);
    optim_add(&on, b, db, (size_t)K);

    long per_epoch = (long)((tr->n + (size_t)B - 1) / (size_t)B);
    long total = per_epoch * cfg->epochs;
    long warmup = (long)(cfg->warmup * (float)total + 0.5f);
    st->total = total;
    /* progress: about 200 points on the curve in all, at least one every 10 steps */
    long report_every = total / 200 > 1 ? total / 200 : 1;
    if (report_every > 10) report_every = 10;
    double absurd = 20 * log((double)K) + 5;   /* far past a guess that knows nothing: thrown off */
    uint64_t rng = cfg->seed * 0x2545F4914F6CDD1DULL + 99991;
    double t0 = tz_now(), recent = 0, ep_sum = 0;
    long nrecent = 0, ep_n = 0;
    int stop = 0;
    for (size_t i = 0; i < tr->n; i++) order[i] = i;
    for (int ep = 0; ep < cfg->epochs && !stop; ep++) {
        /* a new order every epoch (Fisher–Yates) */
        for (size_t i = tr->n - 1; i > 0; i--) {
            size_t j = (size_t)(mix64(&rng) % (uint64_t)(i + 1)), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        ep_sum = 0;
        ep_n = 0;
        for (long s = 0; s < per_epoch; s++) {
            if (job_cancelled(job)) {
                stop = 1;
                break;
            }
            size_t at = (size_t)s * (size_t)B;
            int nb = tr->n - at < (size_t)B ? (int)(tr->n - at) : B;
            int T = bert_clf_batch(tr, order + at, nb, pad, tok, valid, lab);
            /* forward: the encoder with dropout, then drop(pooled) → the head */
            uint64_t dseed = cfg->seed * 1000003ULL + (uint64_t)st->steps;
            w.dropout = cfg->dropout;
            w.drop_seed = dseed;
            bert_forward(m, &w, tok, NULL, valid, NULL, NULL, nb, T);
            uint64_t pkey = dropout_key(dseed, 0xC1A55);
            dropout_forward(xd, w.pool, (size_t)nb * D, cfg->dropout, pkey, 0);
            double loss = bert_clf_head_forward(W, b, xd, nb, D, K, lab, logits, probs);
            if (!isfinite(loss) || loss > absurd) {
                st->diverged = 1;
                break;
            }
            /* backward: the head into d(drop(pooled)), through the dropout mask, into the encoder */
            optim_zero_grad(&od);
            optim_zero_grad(&on);
            bert_clf_head_backward(W, dW, db, dxd, xd, probs, lab, nb, D, K, dlogits);
            dropout_backward(dxd, dxd, (size_t)nb * D, cfg->dropout, pkey, 0);
            bert_backward_pooled(m, &grad, &w, tok, NULL, dxd, nb, T);
            double gd = optim_grad_norm(&od), gnd = optim_grad_norm(&on), gn = sqrt(gd * gd + gnd * gnd);
            if (!isfinite(gn)) {
                st->diverged = 1;
                break;
            }
            if (cfg->clip > 0 && gn > cfg->clip) {
                /* both groups by the same factor: the direction of the whole gradient is kept */
                double k = cfg->clip / gn;
                for (size_t i = 0; i < grad.n; i++) grad.mem[i] *= (float)k;
                for (size_t i = 0; i < nh; i++) dW[i] *= (float)k;
                for (int i = 0; i < K; i++) db[i] *= (float)k;
            }
            memcpy(backup, m->mem, m->n * sizeof *backup);
            memcpy(backup + m->n, W, nh * sizeof *W);
            memcpy(backup + m->n + nh, b, (size_t)K * sizeof *b);
            float lr = lr_at(st->steps, warmup, total, cfg->lr);
            optim_step(&od, lr);
            optim_step(&on, lr);
            if (!all_finite(m->mem, m->n) || !all_finite(W, nh) || !all_finite(b, (size_t)K)) {
                memcpy(m->mem, backup, m->n * sizeof *backup);
                memcpy(W, backup + m->n, nh * sizeof *W);
                memcpy(b, backup + m->n + nh, (size_t)K * sizeof *b);
                st->diverged = 1;
                break;
            }
            if (st->steps == 0) st->first_loss = loss;
            st->steps++;
            recent += loss;
            nrecent++;
            ep_sum += loss;
            ep_n++;
            if (nrecent == report_every || st->steps == total) {
                job_report_steps(job, st->steps, total);
                job_report_loss(job, (int64_t)st->steps * B, (int64_t)total * B, recent / (double)nrecent);
                recent = 0;
                nrecent = 0;
            }
        }
        if (st->diverged) break;
        st->train_loss = ep_n ? ep_sum / (double)ep_n : NAN;
        if (stop) break;
        /* the epoch is done: how the model does on sentences it never trained on */
        st->ep_train[ep] = st->train_loss;
        st->ep_val_loss[ep] = st->ep_val_acc[ep] = NAN;
        if (va && va->n) {
            BertClfEval ev;
            if (eval_run(m, W, b, K, pad, va, B, cfg->threads, &ev, NULL, NULL, NULL, job, 0) == 0) {
                st->ep_val_loss[ep] = ev.loss;
                st->ep_val_acc[ep] = ev.acc;
                st->val_loss = ev.loss;
                st->val_acc = ev.acc;
                job_report_val(job, ev.loss);
            } else {
                stop = 1;       /* stopped during the evaluation */
            }
        }
        st->nepochs = ep + 1;
    }
    st->finished = st->nepochs == cfg->epochs && !st->diverged;
    if (!st->finished) st->val_acc = st->val_loss = NAN;   /* those were of an earlier epoch */
    st->seconds = tz_now() - t0;
    free(order);
    free(valid);
    free(lab);
    free(tok);
    free(dlogits);
    free(probs);
    free(logits);
    free(dxd);
    free(xd);
    free(backup);
    free(db);
    free(dW);
    optim_free(&od);
    optim_free(&on);
    bert_work_free(&w);
    bert_free(&grad);
    if (st->diverged)
        return tz_errf(e, TZ_E_NUMERIC,
                       "ince ayar %ld. adımda ıraksadı (kayıp ya da ağırlıklar sonsuz ya da NaN oldu); model son "
                       "sağlam ağırlıklarında bırakıldı. Öğrenme oranını düşürün (ör. lr=%g).",
                       "fine-tuning diverged at step %ld (the loss or the weights became infinite or NaN); the model "
                       "is left at its last sound weights. Lower the learning rate (e.g. lr=%g).",
                       st->steps + 1, (double)cfg->lr / 10);
    return 0;
}

int bert_clf_scratch(Bert *m, WordPiece *wp, const char *text, size_t n, int vocab, const WpOptions *opt,
                     const BertConfig *shape, uint64_t seed, Job *job, TzErr *e)
{
    memset(m, 0, sizeof *m);
    int rc = wp_train(wp, text, n, vocab, opt, job, e);
    if (rc) {
        wp_free(wp);
        memset(wp, 0, sizeof *wp);
        return rc;
    }
    BertConfig c = *shape;
    c.V = wp->vocab;
    if (bert_alloc(m, &c)) {
        wp_free(wp);
        memset(wp, 0, sizeof *wp);
        return tz_errf(e, TZ_E_NOMEM, "model için bellek yok (%zu parametre).", "no memory for the model (%zu parameters).",
                       bert_nparams(&c));
    }
    bert_init(m, seed);
    return 0;
}
