/* bert_train.c — BERT's pre-training: the data pipeline and the loop (see bert_train.h). */
#include "models/bert_train.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "nn/layers.h"
#include "nn/optim.h"

/* The project's LCG (the one bert_mask_tokens advances): the high bits are the good ones. */
static uint64_t lcg_next(uint64_t *r)
{
    *r = *r * 6364136223846793005ULL + 1442695040888963407ULL;
    return *r >> 33;
}
static size_t lcg_below(uint64_t *r, size_t n) { return (size_t)(lcg_next(r) % (uint64_t)n); }
static double lcg_unit01(uint64_t *r) { return (double)lcg_next(r) / 2147483648.0; }   /* [0, 1) */

/* --- 1. sentences ------------------------------------------------------------------------------ */

void bert_text_free(BertText *bt)
{
    if (!bt) return;
    free(bt->ids);
    free(bt->start);
    free(bt->last);
    free(bt->pairs);
    memset(bt, 0, sizeof *bt);
}

int bert_text_build(BertText *bt, const WordPiece *wp, const char *text, size_t n, double val_frac, Job *job,
                    TzErr *e)
{
    memset(bt, 0, sizeof *bt);
    if (val_frac < 0) val_frac = 0;
    if (val_frac > 0.5) val_frac = 0.5;
    size_t cap_ids = 1024, cap_s = 256, nids = 0, ns = 0, buf_cap = 256;
    int32_t *ids = tz_malloc(cap_ids * sizeof *ids), *buf = tz_malloc(buf_cap * sizeof *buf);
    size_t *start = tz_malloc((cap_s + 1) * sizeof *start);
    uint8_t *last = tz_malloc(cap_s);
    start[0] = 0;
    size_t lines = 0, docs = 0;
    int in_doc = 0;
    for (size_t p = 0; p < n;) {
        const char *nl = memchr(text + p, '\n', n - p);
        size_t q = nl ? (size_t)(nl - text) : n;
        lines++;
        /* the line's pieces (wp_encode says how many it needs; a longer line than the buffer
           is encoded again into a bigger one) */
        size_t k = wp_encode(wp, text + p, q - p, buf, buf_cap);
        if (k > buf_cap) {
            while (buf_cap < k) buf_cap *= 2;
            buf = tz_realloc(buf, buf_cap * sizeof *buf);
            wp_encode(wp, text + p, q - p, buf, buf_cap);
        }
        if (k == 0) {   /* an empty line: the document ends */
            if (ns) last[ns - 1] = 1;
            in_doc = 0;
        } else {
            if (!in_doc) docs++;
            in_doc = 1;
            if (ns == cap_s) {
                cap_s *= 2;
                start = tz_realloc(start, (cap_s + 1) * sizeof *start);
                last = tz_realloc(last, cap_s);
            }
            if (nids + k > cap_ids) {
                while (cap_ids < nids + k) cap_ids *= 2;
                ids = tz_realloc(ids, cap_ids * sizeof *ids);
            }
            memcpy(ids + nids, buf, k * sizeof *ids);
            nids += k;
            last[ns] = 0;
            start[++ns] = nids;
        }
        p = q + 1;
        if ((lines & 1023) == 0) {
            if (job_cancelled(job)) {
                free(ids), free(buf), free(start), free(last);
                return tz_errf(e, TZ_E_CANCELLED, "durduruldu.", "stopped.");
            }
            job_report(job, (int64_t)(p < n ? p : n), (int64_t)n);
        }
    }
    free(buf);
    job_report(job, (int64_t)n, (int64_t)n);
    if (ns) last[ns - 1] = 1;
    /* the held-out part: the last sentences, at least two (one pair) when there are four or more,
       and never more than leaves two for training */
    size_t nval = (size_t)llround(val_frac * (double)ns);
    if (val_frac > 0 && ns >= 4 && nval < 2) nval = 2;
    if (nval > ns / 2) nval = ns / 2;
    size_t ntrain = ns - nval;
    if (ntrain) last[ntrain - 1] = 1;   /* no pair crosses into the held-out part */
    size_t *pairs = tz_malloc((ns ? ns : 1) * sizeof *pairs), np = 0, ntp = 0;
    for (size_t s = 0; s < ns; s++) {
        if (s == ntrain) ntp = np;
        if (!last[s]) pairs[np++] = s;
    }
    if (ntrain == ns) ntp = np;
    *bt = (BertText){ .ids = ids, .start = start, .last = last, .nsent = ns, .ntrain = ntrain, .pairs = pairs,
                      .ntrain_pairs = ntp, .nval_pairs = np - ntp, .lines = lines, .docs = docs };
    if (ntp == 0) {
        bert_text_free(bt);
        return tz_errf(e, TZ_E_ARG,
                       "metinde ardışık iki cümle yok (%zu satır, %zu cümle): BERT cümle çiftleriyle eğitilir — her "
                       "satır bir cümle, belgeler arasında boş satır.",
                       "the text has no two consecutive sentences (%zu lines, %zu sentences): BERT trains on pairs of "
                       "sentences — one sentence a line, an empty line between documents.",
                       lines, ns);
    }
    return 0;
}

/* --- 2. one sequence ------------------------------------------------------------------------- */

int bert_specials(BertSpecials *sp, const WordPiece *wp, TzErr *e)
{
    memset(sp, 0, sizeof *sp);
    const char *names[5] = { "[CLS]", "[SEP]", "[PAD]", "[MASK]", "[UNK]" };
    int32_t ids[5] = { wp->cls, wp->sep, wp->pad, wp->mask, wp->unk };
    for (int i = 0; i < 5; i++)
        if (ids[i] < 0)
            return tz_errf(e, TZ_E_ARG, "sözlükte %s yok: BERT'in özel belirteçleri [PAD] [UNK] [CLS] [SEP] [MASK] gerekir.",
                           "the vocabulary has no %s: BERT needs the special tokens [PAD] [UNK] [CLS] [SEP] [MASK].",
                           names[i]);
    sp->cls = wp->cls;
    sp->sep = wp->sep;
    sp->pad = wp->pad;
    sp->mask = wp->mask;
    sp->unk = wp->unk;
    sp->V = wp->vocab;
    sp->special = tz_calloc((size_t)wp->vocab, 1);
    for (int i = 0; i < 5; i++) sp->special[ids[i]] = 1;
    return 0;
}

void bert_specials_free(BertSpecials *sp)
{
    if (!sp) return;
    free(sp->special);
    memset(sp, 0, sizeof *sp);
}

int bert_example(const BertText *bt, const BertSpecials *sp, size_t a, size_t b, int T, int32_t *tokens,
                 int32_t *types, uint8_t *valid)
{
    TZ_ASSERT(T >= 5 && a < bt->nsent && b < bt->nsent);
    size_t la = bt->start[a + 1] - bt->start[a], lb = bt->start[b + 1] - bt->start[b];
    /* three places go to [CLS] and the two [SEP]: cut the longer sentence's end until the rest fits */
    while (la + lb > (size_t)T - 3) {
        if (la > lb) la--;
        else lb--;
    }
    int t = 0;
    tokens[t] = sp->cls, types[t] = 0, valid[t++] = 1;
    for (size_t i = 0; i < la; i++) tokens[t] = bt->ids[bt->start[a] + i], types[t] = 0, valid[t++] = 1;
    tokens[t] = sp->sep, types[t] = 0, valid[t++] = 1;
    for (size_t i = 0; i < lb; i++) tokens[t] = bt->ids[bt->start[b] + i], types[t] = 1, valid[t++] = 1;
    tokens[t] = sp->sep, types[t] = 1, valid[t++] = 1;
    int real = t;
    for (; t < T; t++) tokens[t] = sp->pad, types[t] = 0, valid[t] = 0;
    return real;
}

/* --- 3. a batch -------------------------------------------------------------------------------- */

void bert_batch_alloc(BertBatch *bb, int B, int T)
{
    memset(bb, 0, sizeof *bb);
    size_t N = (size_t)B * (size_t)T;
    bb->B = B;
    bb->T = T;
    bb->tokens = tz_malloc(N * sizeof *bb->tokens);
    bb->types = tz_malloc(N * sizeof *bb->types);
    bb->targets = tz_malloc(N * sizeof *bb->targets);
    bb->valid = tz_malloc(N);
    bb->nsp = tz_malloc((size_t)B * sizeof *bb->nsp);
    bb->a = tz_malloc((size_t)B * sizeof *bb->a);
    bb->b = tz_malloc((size_t)B * sizeof *bb->b);
}

void bert_batch_free(BertBatch *bb)
{
    if (!bb) return;
    free(bb->tokens);
    free(bb->types);
    free(bb->targets);
    free(bb->valid);
    free(bb->nsp);
    free(bb->a);
    free(bb->b);
    memset(bb, 0, sizeof *bb);
}

void bert_batch(const BertText *bt, const BertSpecials *sp, int val, float mask_prob, BertBatch *bb, uint64_t *rng)
{
    const size_t *pairs = bt->pairs + (val ? bt->ntrain_pairs : 0);
    size_t np = val ? bt->nval_pairs : bt->ntrain_pairs;
    size_t lo = val ? bt->ntrain : 0, hi = val ? bt->nsent : bt->ntrain;   /* the part's sentences */
    TZ_ASSERT(np > 0);
    int T = bb->T;
    bb->real = bb->masked = 0;
    for (int i = 0; i < bb->B; i++) {
        size_t a = pairs[lcg_below(rng, np)], b = a + 1;
        int label = 0;
        /* half the time a random sentence of the part instead: neither A nor its true next one
           (a part of two sentences has no other: then B stays the true next one) */
        if (lcg_unit01(rng) < 0.5 && hi - lo > 2) {
            do b = lo + lcg_below(rng, hi - lo);
            while (b == a || b == a + 1);
            label = 1;
        }
        size_t o = (size_t)i * (size_t)T;
        bb->real += bert_example(bt, sp, a, b, T, bb->tokens + o, bb->types + o, bb->valid + o);
        bb->masked += bert_mask_tokens(bb->tokens + o, bb->targets + o, bb->valid + o, T, sp->V, sp->mask, sp->special,
                                       mask_prob, rng);
        bb->nsp[i] = label;
        bb->a[i] = a;
        bb->b[i] = b;
    }
}

/* --- 4. training ------------------------------------------------------------------------------- */

BertTrainConfig bert_train_defaults(void)
{
    return (BertTrainConfig){ .B = 32, .T = 64, .steps = 300, .lr = 1e-3f, .min_lr = 0, .warmup = -1, .cosine = 0,
                              .clip = 1.0f, .weight_decay = 0.01f, .dropout = 0.1f, .mask_prob = 0.15f,
                              .eval_every = 0, .eval_examples = 0, .threads = 1, .seed = 1 };
}

double bert_activation_bytes(const BertConfig *c, int B, int T)
{
    /* bert_work_alloc's sums: per layer the stream, q k v, the B·H·T² attention, the LN inputs and
     * outputs, the F-wide intermediate twice; then the heads (the MLM head sized for every row:
     * logits, probabilities and their gradient N × V each) and the backward scratch */
    double N = (double)B * T, D = c->D, F = c->F, V = c->V, TT = (double)T * T;
    double per_layer = 8 * N * D + 2 * N * F + (double)B * c->H * TT + 4 * N;
    double total = c->L * per_layer + N * D + 5 * N * D + 6 * N + 3 * N * V + 10 * N * D + N * F + 2 * TT +
                   4 * (double)B * D;
    return 4.0 * total;
}

double bert_train_bytes(const BertConfig *c, int B, int T)
{
    return 5.0 * 4.0 * (double)bert_nparams(c) + bert_activation_bytes(c, B, T);
}

void bert_eval(const Bert *b, BertWork *w, const BertBatch *set, int n, double *mlm, double *nsp, double *acc)
{
    float keep = w->dropout;
    w->dropout = 0;
    int T = set->T;
    double sm = 0, sn = 0;
    long nm = 0, right = 0;
    if (n > set->B) n = set->B;
    for (int i = 0; i < n; i += w->B) {
        int bb = n - i < w->B ? n - i : w->B;
        size_t o = (size_t)i * (size_t)T;
        bert_forward(b, w, set->tokens + o, set->types + o, set->valid + o, set->targets + o, set->nsp + i, bb, T);
        sm += (double)w->mlm_loss * w->mlm_count;
        nm += w->mlm_count;
        sn += (double)w->nsp_loss * bb;
        for (int k = 0; k < bb; k++) {
            int guess = w->nsp_logits[2 * k + 1] > w->nsp_logits[2 * k];
            right += guess == set->nsp[i + k];
        }
    }
    w->dropout = keep;
    *mlm = nm ? sm / (double)nm : NAN;
    *nsp = n > 0 ? sn / n : NAN;
    *acc = n > 0 ? (double)right / n : NAN;
}

static int all_finite(const float *p, size_t n)
{
    float acc = 0;
    for (size_t i = 0; i < n; i++) acc += p[i] * 0.0f;   /* NaN or Inf times 0 is NaN */
    return acc == 0.0f;
}

/* The learning rate at step s: a linear warm-up from 0, then a linear fall to min_lr at the last
 * step (BERT's schedule), or a cosine (lr_warmup_cosine, GPT's). */
static float lr_at(const BertTrainConfig *cfg, long s, long warmup, long steps)
{
    if (cfg->cosine)
        return lr_warmup_cosine(s, warmup, steps, cfg->lr, cfg->min_lr > 0 ? cfg->min_lr : cfg->lr / 10);
    if (s < warmup) return cfg->lr * (float)(s + 1) / (float)warmup;
    double f = steps > warmup ? (double)(s - warmup) / (double)(steps - warmup) : 0;
    return (float)(cfg->lr + (cfg->min_lr - cfg->lr) * f);
}

int bert_train(Bert *b, const BertText *bt, const BertSpecials *sp, const BertTrainConfig *cfg, BertTrainStats *st,
               Job *job, TzErr *e)
{
    memset(st, 0, sizeof *st);
    st->val_mlm = st->val_nsp = st->val_acc = NAN;
    const BertConfig *c = &b->cfg;
    const int B = cfg->B, T = cfg->T;
    TZ_ASSERT(B >= 1 && T >= 5 && T <= c->C && cfg->steps >= 1 && sp->V == c->V && bt->ntrain_pairs > 0);

    Bert grad;
    BertWork w;
    if (bert_alloc(&grad, c)) tz_die(__FILE__, __LINE__, "out of memory: the gradient of %zu parameters", b->n);
    if (bert_work_alloc(&w, c, B, T)) tz_die(__FILE__, __LINE__, "out of memory: activations of %d x %d positions", B, T);
    w.threads = cfg->threads;
    float *backup = tz_malloc(b->n * sizeof *backup);
    BertBatch bb, held = { 0 };
    bert_batch_alloc(&bb, B, T);

    /* the fixed held-out set: made once, with its masks and random sentences, from its own seed —
       every evaluation asks the same questions. The evaluations during training use its first
       eval_examples (they are only a point on the curve); the last one uses all of it. */
    int E = cfg->eval_examples > 0 ? cfg->eval_examples : 4 * B < 128 ? 4 * B : 128;
    int E_end = E < 512 ? 512 : E;
    if (bt->nval_pairs > 0) {
        uint64_t r = cfg->seed * 0x9E3779B97F4A7C15ULL + 777;
        bert_batch_alloc(&held, E_end, T);
        bert_batch(bt, sp, 1, cfg->mask_prob, &held, &r);
    }

    /* AdamW in two groups, as BERT: the weight matrices and the embeddings decay towards 0, the
     * biases and the layer norms' γ and β do not (Hugging Face's no_decay = bias, LayerNorm.weight).
     * β2 = 0.98 (RoBERTa's) rather than BERT's 0.999: in a short run at a high learning rate the
     * second moment must follow the gradient's changing scale within tens of steps, not a
     * thousand. ε = 1e-6 as BERT. */
    Optim od, on;
    optim_init(&od, OPT_ADAMW, cfg->lr);
    optim_init(&on, OPT_ADAMW, cfg->lr);
    od.beta2 = on.beta2 = 0.98f;
    od.eps = on.eps = 1e-6f;
    od.weight_decay = cfg->weight_decay;
    on.weight_decay = 0;
    for (int i = 0; i < bert_ntensors(c); i++) {
        size_t cnt;
        int rows, cols;
        float *p = bert_tensor(b, i, NULL, 0, &cnt, &rows, &cols);
        optim_add(cols > 1 ? &od : &on, p, grad.mem + (p - b->mem), cnt);
    }

    long steps = cfg->steps;
    long warmup = cfg->warmup >= 0 ? cfg->warmup : steps / 10;
    if (warmup >= steps) warmup = steps - 1;
    if (warmup < 1) warmup = 1;
    long eval_every = cfg->eval_every > 0 ? cfg->eval_every : (steps + 9) / 10 < 100 ? (steps + 9) / 10 : 100;
    long report_every = steps / 250 > 1 ? steps / 250 : 1;
    if (report_every > 10) report_every = 10;
    /* a model that knows nothing pays ln V + ln 2; far above that, the weights were thrown off */
    double absurd = 3 * (log((double)c->V) + log(2.0)) + 1;

    uint64_t rng = cfg->seed * 0x2545F4914F6CDD1DULL + 12345;
    double t_train = 0, r_mlm = 0, r_nsp = 0, e_mlm = 0, e_nsp = 0, last_mlm[20], last_nsp[20];
    long nrecent = 0, nsince = 0, nlast = 0, real_total = 0, masked_total = 0;
    int have_backup = 0;
    for (long s = 0; s < steps; s++) {
        if (job_cancelled(job)) break;
        double t0 = tz_now();
        bert_batch(bt, sp, 0, cfg->mask_prob, &bb, &rng);
        w.dropout = cfg->dropout;
        w.drop_seed = cfg->seed * 1000003ULL + (uint64_t)s;
        double loss = bert_forward(b, &w, bb.tokens, bb.types, bb.valid, bb.targets, bb.nsp, B, T);
        double mlm = w.mlm_loss, nsp = w.nsp_loss;
        if (!isfinite(loss) || loss > absurd) {
            if (have_backup) {   /* the last step threw the weights off: back to those before it */
                memcpy(b->mem, backup, b->n * sizeof *backup);
                st->steps--;
            }
            st->diverged = 1;
            st->last_loss = loss;
            break;
        }
        bert_zero(&grad);
        bert_backward(b, &grad, &w, bb.tokens, bb.types, bb.valid, bb.targets, bb.nsp, B, T);
        double gd = optim_grad_norm(&od), gw = optim_grad_norm(&on), gn = sqrt(gd * gd + gw * gw);
        if (!isfinite(gn)) {   /* this step's weights are still sane: keep them */
            st->diverged = 1;
            st->last_loss = loss;
            break;
        }
        /* clip the whole gradient (every tensor together) to norm ≤ clip */
        if (cfg->clip > 0 && gn > cfg->clip) {
            float k = (float)(cfg->clip / gn);
            for (size_t i = 0; i < grad.n; i++) grad.mem[i] *= k;
        }
        float lr = lr_at(cfg, s, warmup, steps);
        memcpy(backup, b->mem, b->n * sizeof *backup);
        have_backup = 1;
        optim_step(&od, lr);
        optim_step(&on, lr);
        if (!all_finite(b->mem, b->n)) {
            memcpy(b->mem, backup, b->n * sizeof *backup);
            st->diverged = 1;
            st->last_loss = NAN;
            break;
        }
        t_train += tz_now() - t0;
        if (s == 0) st->first_mlm = mlm, st->first_nsp = nsp;
        st->steps++;
        real_total += bb.real;
        masked_total += bb.masked;
        last_mlm[nlast % 20] = mlm;
        last_nsp[nlast++ % 20] = nsp;
        r_mlm += mlm, r_nsp += nsp, nrecent++;
        e_mlm += mlm, e_nsp += nsp, nsince++;
        if (nrecent == report_every || s + 1 == steps) {
            job_report_steps(job, st->steps, steps);
            job_report_aux(job, "NSP", r_nsp / (double)nrecent);
            job_report_loss(job, (int64_t)B * st->steps, (int64_t)B * steps, r_mlm / (double)nrecent);
            r_mlm = r_nsp = 0;
            nrecent = 0;
        }
        if ((s + 1) % eval_every == 0 || s + 1 == steps) {
            double vm = NAN, vn = NAN, va = NAN;
            if (held.B) bert_eval(b, &w, &held, E, &vm, &vn, &va);
            if (st->nevals == BERT_TRAIN_MAX_EVALS) {   /* full: keep every other one (a long run) */
                for (int i = 0; i < BERT_TRAIN_MAX_EVALS / 2; i++) {
                    st->eval_step[i] = st->eval_step[2 * i + 1];
                    st->eval_mlm[i] = st->eval_mlm[2 * i + 1];
                    st->eval_nsp[i] = st->eval_nsp[2 * i + 1];
                    st->eval_val_mlm[i] = st->eval_val_mlm[2 * i + 1];
                    st->eval_val_acc[i] = st->eval_val_acc[2 * i + 1];
                }
                st->nevals = BERT_TRAIN_MAX_EVALS / 2;
            }
            int k = st->nevals++;
            st->eval_step[k] = st->steps;
            st->eval_mlm[k] = e_mlm / (double)nsince;
            st->eval_nsp[k] = e_nsp / (double)nsince;
            st->eval_val_mlm[k] = vm;
            st->eval_val_acc[k] = va;
            e_mlm = e_nsp = 0;
            nsince = 0;
            if (isfinite(vn)) job_report_aux_val(job, vn);
            if (isfinite(vm)) job_report_val(job, vm);
            st->val_mlm = vm, st->val_nsp = vn, st->val_acc = va;
        }
    }
    /* the numbers reported at the end: on the whole held-out set (the curve's points above keep
       to its first E examples, so that they can be compared with each other) */
    if (held.B && st->steps > 0) {
        bert_eval(b, &w, &held, E_end, &st->val_mlm, &st->val_nsp, &st->val_acc);
        st->eval_examples = E_end;
    }
    long k = nlast < 20 ? nlast : 20;
    double sm = 0, sn = 0;
    for (long i = 0; i < k; i++) sm += last_mlm[i], sn += last_nsp[i];
    st->train_mlm = k ? sm / (double)k : NAN;
    st->train_nsp = k ? sn / (double)k : NAN;
    st->finished = st->steps == steps;
    st->seconds = t_train;
    st->tokens_per_s = t_train > 0 ? (double)real_total / t_train : 0;
    st->pad_share = st->steps ? 1.0 - (double)real_total / ((double)st->steps * B * T) : 0;
    st->masked_share = real_total ? (double)masked_total / (double)real_total : 0;
    bert_batch_free(&bb);
    bert_batch_free(&held);
    free(backup);
    optim_free(&od);
    optim_free(&on);
    bert_work_free(&w);
    bert_free(&grad);
    if (st->diverged)
        return tz_errf(e, TZ_E_NUMERIC,
                       "eğitim %ld. adımda ıraksadı (kayıp %.4g; hiçbir şey bilmeyen bir tahmin %.2f nat öder) — öğrenme "
                       "oranı bu model için çok büyük. Model son makul ağırlıklarına geri döndü (%ld adım). Öğrenme oranını "
                       "düşürün (ör. lr=%g).",
                       "training diverged at step %ld (loss %.4g; a guess that knows nothing pays %.2f nats) — the "
                       "learning rate is too large for this model. The model is back at its last sane weights (%ld "
                       "steps). Lower the learning rate (e.g. lr=%g).",
                       st->steps + 1, st->last_loss, log((double)c->V) + log(2.0), st->steps, (double)cfg->lr / 10);
    return 0;
}
