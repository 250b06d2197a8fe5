/* test_seqclf.c — the recurrent sequence classifier of src/engine/models/seqclf.c: the gradient of
 * the whole model (embedding, two stacked layers, the head on each sequence's last step) against
 * central differences for each cell kind, with sequences of different lengths in one batch;
 * right padding gives exactly what each sequence gives alone; the gradient-flow norms against
 * the chain rule written out by hand; training learns a toy task, is deterministic for a seed,
 * and stops on a diverging run with the last finite weights; accuracy and the memory estimate;
 * checkpoints come back bit for bit, and every kind of damage is refused with its byte named. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "models/seqclf.h"
#include "tmpdir.h"

enum { V = 6, E = 3, H = 4, L = 2, K = 3, T = 5, B = 3 };

/* time-major T × B; column 1 ends after 2 tokens, column 2 after 4: the rest is padding */
static const int32_t tok[T * B] = { 1, 2, 3,  4, 5, 1,  2, 0, 1,  3, 0, 5,  5, 0, 0 };
static const int len[B] = { 5, 2, 4 };
static const int32_t lab[B] = { 2, 0, 1 };

static double loss_of(const SeqClf *m)
{
    SeqClfWork w;
    seqclf_work_init(&w, m);
    double l = seqclf_loss(m, &w, tok, len, lab, T, B, 0, NULL);
    seqclf_work_free(&w);
    return l;
}

static void check_param(const SeqClf *m, float *p, const float *g, size_t n, const char *what)
{
    const float eps = 1e-2f;
    for (size_t i = 0; i < n; i++) {
        float keep = p[i];
        p[i] = keep + eps;
        double lp = loss_of(m);
        p[i] = keep - eps;
        double lm = loss_of(m);
        p[i] = keep;
        double num = (lp - lm) / (2.0 * eps);
        cr_assert(fabs(num - g[i]) <= 1e-3 + 1e-2 * fabs(num), "%s[%zu]: backward %.6f, central difference %.6f", what,
                  i, g[i], num);
    }
}

static void check_kind(CellKind kind)
{
    SeqClf m;
    seqclf_init(&m, kind, V, E, H, L, K, 7);
    for (int k = 0; k < K; k++) m.bo[k] = 0.1f * (float)(k - 1);   /* not the zeros of init */
    SeqClfWork w;
    seqclf_work_init(&w, &m);
    seqclf_zero_grad(&w, &m);
    double l = seqclf_loss(&m, &w, tok, len, lab, T, B, 1, NULL);
    cr_assert(l > 0 && l < 10);
    check_param(&m, m.emb, w.emb, (size_t)V * E, "emb");
    check_param(&m, m.Wo, w.Wo, (size_t)K * H, "Wo");
    check_param(&m, m.bo, w.bo, K, "bo");
    for (int layer = 0; layer < L; layer++) {
        Cell *c = &m.cell[layer], *g = &w.cell[layer];
        size_t GH = (size_t)c->G * H;
        check_param(&m, c->W, g->W, GH * (size_t)c->In, "W");
        check_param(&m, c->U, g->U, GH * H, "U");
        check_param(&m, c->b, g->b, GH, "b");
        check_param(&m, c->bu, g->bu, GH, "bu");
    }
    /* token 0 is only padding in columns 1 and 2, and appears nowhere else: its row has no gradient */
    for (int j = 0; j < E; j++) cr_assert_eq(w.emb[j], 0.0f, "padding got a gradient");
    seqclf_work_free(&w);
    seqclf_free(&m);
}

Test(seqclf, rnn_model_gradient) { check_kind(TZ_CELL_RNN); }
Test(seqclf, lstm_model_gradient) { check_kind(TZ_CELL_LSTM); }
Test(seqclf, gru_model_gradient) { check_kind(TZ_CELL_GRU); }

/* Each parameter gradient of m, flattened in the optimiser's order. */
static size_t flat_grad(SeqClf *m, SeqClfWork *w, float *out)
{
    Optim o;
    optim_init(&o, OPT_SGD, 1);
    seqclf_add_params(&o, m, w);
    size_t at = 0;
    for (size_t i = 0; i < o.nps; i++) {
        memcpy(out + at, o.ps[i].g, o.ps[i].n * sizeof *out);
        at += o.ps[i].n;
    }
    optim_free(&o);
    return at;
}

/* The batch's loss is the mean of the sequences' losses alone, and its gradient the mean of their
 * gradients, whatever the padding holds: right padding is exact. */
Test(seqclf, padding_is_exact)
{
    CellKind kinds[3] = { TZ_CELL_RNN, TZ_CELL_LSTM, TZ_CELL_GRU };
    for (int k = 0; k < 3; k++) {
        SeqClf m;
        seqclf_init(&m, kinds[k], V, E, H, L, K, 3);
        SeqClfWork w;
        seqclf_work_init(&w, &m);
        size_t P = seqclf_nparams(&m);
        float *gb = malloc(P * sizeof *gb), *ga = calloc(P, sizeof *ga), *g1 = malloc(P * sizeof *g1);
        float pb[B * K];
        seqclf_zero_grad(&w, &m);
        double lb = seqclf_loss(&m, &w, tok, len, lab, T, B, 1, pb);
        flat_grad(&m, &w, gb);
        /* the same batch with other padding tokens */
        int32_t tok2[T * B];
        for (int i = 0; i < T * B; i++) tok2[i] = (i / B) < len[i % B] ? tok[i] : 4;
        seqclf_zero_grad(&w, &m);
        double lb2 = seqclf_loss(&m, &w, tok2, len, lab, T, B, 1, NULL);
        cr_assert(fabs(lb2 - lb) < 1e-6, "kind %d: padding changed the loss %.8f → %.8f", kinds[k], lb, lb2);
        double sum = 0;
        for (int b = 0; b < B; b++) {
            int32_t one[T];
            for (int t = 0; t < len[b]; t++) one[t] = tok[t * B + b];
            float p1[K];
            seqclf_zero_grad(&w, &m);
            sum += seqclf_loss(&m, &w, one, &len[b], &lab[b], len[b], 1, 1, p1);
            flat_grad(&m, &w, g1);
            for (size_t i = 0; i < P; i++) ga[i] += g1[i] / B;
            for (int c = 0; c < K; c++) cr_assert(fabs(p1[c] - pb[b * K + c]) < 1e-5, "kind %d: probabilities of %d", kinds[k], b);
            /* seqclf_predict gives the same probabilities, and seqclf_trace those of every prefix */
            float pp[K], tr[T], pre[K];
            seqclf_predict(&m, &w, one, len[b], pp);
            for (int c = 0; c < K; c++) cr_assert(fabs(pp[c] - p1[c]) < 1e-6);
            seqclf_trace(&m, &w, one, len[b], 2, tr);
            for (int t = 0; t < len[b]; t++) {
                seqclf_predict(&m, &w, one, t + 1, pre);
                cr_assert(fabs(tr[t] - pre[2]) < 1e-6, "trace at %d: %g vs %g", t, tr[t], pre[2]);
            }
        }
        cr_assert(fabs(sum / B - lb) < 1e-5, "kind %d: batch %.8f, alone %.8f", kinds[k], lb, sum / B);
        for (size_t i = 0; i < P; i++)
            cr_assert(fabs(ga[i] - gb[i]) < 1e-5 + 1e-4 * fabs(ga[i]), "kind %d: grad %zu batch %g alone %g", kinds[k], i,
                      gb[i], ga[i]);
        free(gb); free(ga); free(g1);
        seqclf_work_free(&w);
        seqclf_free(&m);
    }
}

/* ‖∂L/∂h_t‖ for a one-layer RNN, by the chain rule written out: g_{T−1} = Woᵀ(p − y),
 * g_{t−1} = Uᵀ((1 − h_t²) ⊙ g_t). Two layers: the top layer's last-step norm is still ‖Woᵀ(p − y)‖. */
Test(seqclf, grad_flow_by_hand)
{
    enum { TT = 8 };
    int32_t s[TT] = { 1, 4, 2, 5, 0, 3, 3, 1 };
    SeqClf m;
    seqclf_init(&m, TZ_CELL_RNN, V, E, H, 1, K, 11);
    SeqClfWork w;
    seqclf_work_init(&w, &m);
    double norms[TT];
    seqclf_grad_flow(&m, &w, s, TT, 1, norms);
    float p[K];
    seqclf_predict(&m, &w, s, TT, p);
    const float *h = w.cache[0].h;     /* (TT + 1) × H, h[0] = 0 */
    double g[H], gp[H];
    p[1] -= 1.0f;
    for (int j = 0; j < H; j++) {
        g[j] = 0;
        for (int c = 0; c < K; c++) g[j] += (double)p[c] * m.Wo[c * H + j];
    }
    for (int t = TT - 1; t >= 0; t--) {
        double n = 0;
        for (int j = 0; j < H; j++) n += g[j] * g[j];
        cr_assert(fabs(sqrt(n) - norms[t]) < 1e-5 + 1e-4 * sqrt(n), "t=%d: %g by hand, %g", t, sqrt(n), norms[t]);
        const float *ht = h + (size_t)(t + 1) * H;
        for (int i = 0; i < H; i++) {
            gp[i] = 0;
            for (int j = 0; j < H; j++) gp[i] += m.cell[0].U[j * H + i] * (1.0 - (double)ht[j] * ht[j]) * g[j];
        }
        memcpy(g, gp, sizeof g);
    }
    cr_assert(norms[0] < norms[TT - 1], "an RNN's gradient shrinks going back: %g vs %g", norms[0], norms[TT - 1]);
    seqclf_work_free(&w);
    seqclf_free(&m);

    seqclf_init(&m, TZ_CELL_LSTM, V, E, H, 2, K, 12);
    seqclf_work_init(&w, &m);
    /* grad_flow leaves the work's gradients alone */
    seqclf_zero_grad(&w, &m);
    seqclf_grad_flow(&m, &w, s, TT, 0, norms);
    for (int j = 0; j < H; j++) cr_assert_eq(w.cell[1].U[j], 0.0f);
    seqclf_predict(&m, &w, s, TT, p);
    p[0] -= 1.0f;
    double n = 0;
    for (int j = 0; j < H; j++) {
        double gj = 0;
        for (int c = 0; c < K; c++) gj += (double)p[c] * m.Wo[c * H + j];
        n += gj * gj;
    }
    cr_assert(fabs(sqrt(n) - norms[TT - 1]) < 1e-6);
    for (int t = 0; t < TT; t++) cr_assert(isfinite(norms[t]) && norms[t] > 0);
    seqclf_work_free(&w);
    seqclf_free(&m);
}

/* A set for a toy task: random sequences over tokens 1..5 of length 3–12, label 1 when token 5
 * appears (anywhere: the state must remember it). */
static void toy_set(SeqSet *s, size_t n, uint64_t seed)
{
    uint64_t r = seed;
    s->n = n;
    s->off = malloc((n + 1) * sizeof *s->off);
    s->label = malloc(n * sizeof *s->label);
    s->tok = malloc(n * 12 * sizeof *s->tok);
    s->off[0] = 0;
    for (size_t i = 0; i < n; i++) {
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        size_t ln = 3 + (r >> 33) % 10, at = s->off[i];
        int has = 0;
        for (size_t t = 0; t < ln; t++) {
            r = r * 6364136223846793005ULL + 1442695040888963407ULL;
            int32_t x = 1 + (int32_t)((r >> 33) % 4);
            s->tok[at + t] = x;
        }
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        if ((r >> 33) & 1) {             /* half of them: plant a 5 somewhere */
            s->tok[at + (r >> 40) % ln] = 5;
            has = 1;
        }
        s->label[i] = has;
        s->off[i + 1] = at + ln;
    }
}

Test(seqclf, learns_a_toy_task_deterministically)
{
    SeqSet tr, va;
    toy_set(&tr, 400, 1);
    toy_set(&va, 200, 2);
    SeqTrainConfig cfg = { .B = 16, .epochs = 8, .optim = OPT_ADAM, .lr = 0.02f, .clip = 1.0f, .seed = 5 };
    CellKind kinds[3] = { TZ_CELL_RNN, TZ_CELL_LSTM, TZ_CELL_GRU };
    for (int k = 0; k < 3; k++) {
        SeqClf m, m2;
        seqclf_init(&m, kinds[k], V, 8, 12, 1, 2, 3);
        double before = seqclf_accuracy(&m, &va, NULL);
        SeqTrainStats st;
        TzErr e;
        cr_assert_eq(seqclf_train(&m, &tr, &va, &cfg, &st, NULL, &e), 0, "%s", e.en);
        cr_assert(st.finished && !st.diverged && st.steps == 8 * 25);
        cr_assert(st.val_acc > 0.95, "kind %d: held-out accuracy %.3f (before %.3f)", kinds[k], st.val_acc, before);
        double vl;
        cr_assert_eq(seqclf_accuracy(&m, &va, &vl), st.val_acc);
        cr_assert_eq(vl, st.val_loss);
        /* the same seed, the same weights */
        seqclf_init(&m2, kinds[k], V, 8, 12, 1, 2, 3);
        SeqTrainStats st2;
        cr_assert_eq(seqclf_train(&m2, &tr, &va, &cfg, &st2, NULL, &e), 0);
        size_t nU = (size_t)m.cell[0].G * 12 * 12;
        cr_assert(memcmp(m.Wo, m2.Wo, 2 * 12 * sizeof(float)) == 0 && memcmp(m.emb, m2.emb, V * 8 * sizeof(float)) == 0 &&
                  memcmp(m.cell[0].U, m2.cell[0].U, nU * sizeof(float)) == 0);
        seqclf_free(&m2);
        seqclf_free(&m);
    }
    seqset_free(&tr);
    seqset_free(&va);
}

/* Every parameter of m, flattened in the optimiser's order. */
static size_t flat_params(SeqClf *m, float *out)
{
    SeqClfWork w;
    seqclf_work_init(&w, m);
    Optim o;
    optim_init(&o, OPT_SGD, 1);
    seqclf_add_params(&o, m, &w);
    size_t at = 0;
    for (size_t i = 0; i < o.nps; i++) {
        if (out) memcpy(out + at, o.ps[i].p, o.ps[i].n * sizeof *out);
        at += o.ps[i].n;
    }
    optim_free(&o);
    seqclf_work_free(&w);
    return at;
}

/* Plain SGD at an absurd learning rate and no clipping: the loss shoots up (the cells saturate,
 * so it stays finite), the run stops within a few steps with an error that names the cures, and
 * the weights are finite (the last sound ones) and still give a sane loss. */
Test(seqclf, divergence_stops_with_sound_weights)
{
    SeqSet tr;
    toy_set(&tr, 200, 3);
    SeqTrainConfig cfg = { .B = 8, .epochs = 50, .optim = OPT_SGD, .lr = 1e6f, .clip = 0, .seed = 1 };
    SeqClf m;
    seqclf_init(&m, TZ_CELL_RNN, V, 4, 8, 1, 2, 9);
    SeqTrainStats st;
    TzErr e;
    cr_assert_neq(seqclf_train(&m, &tr, NULL, &cfg, &st, NULL, &e), 0);
    cr_assert(st.diverged && !st.finished);
    cr_assert(st.steps < 10, "stopped at once, not after %ld steps", st.steps);
    cr_assert(strstr(e.en, "clip=1") && strstr(e.en, "lr=100000") && strstr(e.tr, "clip=1"), "%s", e.en);
    size_t P = flat_params(&m, NULL);
    float *p = malloc(P * sizeof *p);
    flat_params(&m, p);
    for (size_t i = 0; i < P; i++) cr_assert(isfinite(p[i]));
    double vl;
    seqclf_accuracy(&m, &tr, &vl);
    cr_assert(vl < 20 * log(2.0), "the kept weights give a sane loss, not %g", vl);
    free(p);
    seqclf_free(&m);
    /* the same with clipping and a sane rate trains */
    seqclf_init(&m, TZ_CELL_RNN, V, 4, 8, 1, 2, 9);
    cfg.lr = 0.1f;
    cfg.clip = 1;
    cfg.epochs = 2;
    cr_assert_eq(seqclf_train(&m, &tr, NULL, &cfg, &st, NULL, &e), 0, "%s", e.en);
    cr_assert(st.finished && !st.diverged);
    seqclf_free(&m);
    seqset_free(&tr);
}

/* A NaN in the loss at the very first step: nothing is updated, the error says NaN/Inf. */
Test(seqclf, nan_at_the_first_step_changes_nothing)
{
    SeqSet tr;
    toy_set(&tr, 50, 5);
    SeqClf m;
    seqclf_init(&m, TZ_CELL_LSTM, V, 4, 8, 1, 2, 9);
    m.bo[1] = NAN;      /* the head's bias: every logit row, so every loss, is NaN (in the head,
                           not the cells: a NaN inside the cells' vectorised exp is undefined) */
    size_t P = flat_params(&m, NULL);
    float *before = malloc(P * sizeof *before), *after = malloc(P * sizeof *after);
    flat_params(&m, before);
    SeqTrainConfig cfg = { .B = 50, .epochs = 3, .optim = OPT_ADAM, .lr = 0.01f, .seed = 1 };
    SeqTrainStats st;
    TzErr e;
    cr_assert_neq(seqclf_train(&m, &tr, &tr, &cfg, &st, NULL, &e), 0);
    cr_assert(st.diverged && st.steps == 0 && isnan(st.val_acc));
    cr_assert(strstr(e.en, "NaN/Inf") && strstr(e.en, "step 1") && strstr(e.tr, "NaN/Inf"), "%s", e.en);
    flat_params(&m, after);
    cr_assert(memcmp(before, after, P * sizeof *before) == 0, "no step was taken");
    free(before); free(after);
    seqclf_free(&m);
    seqset_free(&tr);
}

Test(seqclf, accuracy_and_limits)
{
    SeqSet s;
    toy_set(&s, 100, 4);
    SeqClf m;
    seqclf_init(&m, TZ_CELL_GRU, V, 4, 4, 1, 2, 1);
    memset(m.Wo, 0, sizeof(float) * 2 * 4);
    m.bo[1] = 3.0f;                     /* always class 1, with p = σ(3) */
    size_t ones = 0;
    for (size_t i = 0; i < s.n; i++) ones += s.label[i] == 1;
    double ml;
    double acc = seqclf_accuracy(&m, &s, &ml);
    cr_assert_eq(acc, (double)ones / 100);
    double p1 = 1 / (1 + exp(-3.0));
    double want = -(ones * log(p1) + (100 - ones) * log(1 - p1)) / 100;
    cr_assert(fabs(ml - want) < 1e-5, "%f %f", ml, want);
    SeqSet empty = { 0 };
    cr_assert(isnan(seqclf_accuracy(&m, &empty, &ml)) && isnan(ml));
    /* a time limit stops early */
    SeqTrainConfig cfg = { .B = 4, .epochs = 100000, .optim = OPT_ADAM, .lr = 0.01f, .seed = 1, .max_seconds = 0.2 };
    SeqTrainStats st;
    TzErr e;
    cr_assert_eq(seqclf_train(&m, &s, NULL, &cfg, &st, NULL, &e), 0);
    cr_assert(!st.finished && !st.diverged && st.seconds < 2 && st.steps > 0, "finished %d diverged %d %.2f s %ld steps: %s", st.finished, st.diverged, st.seconds, st.steps, st.diverged ? e.en : "");
    /* the memory estimate counts at least six copies of the parameters */
    size_t est = seqclf_mem_estimate(TZ_CELL_GRU, V, 4, 4, 1, 2, 10, 4);
    cr_assert(est >= 6 * seqclf_nparams(&m) * sizeof(float) && est < 100000);
    cr_assert(seqclf_mem_estimate(TZ_CELL_LSTM, 100000, 512, 4096, 4, 2, 100, 64) > ((size_t)1 << 32));
    seqclf_free(&m);
    seqset_free(&s);
}

static void put_u32_at(char *d, size_t off, uint32_t v)
{
    d[off] = (char)v; d[off + 1] = (char)(v >> 8); d[off + 2] = (char)(v >> 16); d[off + 3] = (char)(v >> 24);
}

Test(seqclf, checkpoint_round_trip_and_damage)
{
    tmp_setup();
    SeqClf m;
    seqclf_init(&m, TZ_CELL_LSTM, 4, 3, 5, 2, 2, 21);
    Vocab words, labels;
    vocab_init(&words);
    vocab_init(&labels);
    const char *w[4] = { "<unk>", "güzel", "kötü", "film" };
    for (int i = 0; i < 4; i++) vocab_add(&words, w[i], strlen(w[i]), 1);
    vocab_add(&labels, "neg", 3, 1);
    vocab_add(&labels, "pos", 3, 1);
    TzErr e;
    char *p = tmp_path("c.tzc");
    cr_assert_eq(seqclf_save(&m, &words, &labels, "task=sentiment lang=tr", p, &e), 0, "%s", e.en);
    cr_assert(seqclf_is_checkpoint(p));
    SeqClf back;
    Vocab bw, bl;
    char meta[SEQCLF_META_MAX + 1];
    cr_assert_eq(seqclf_load(&back, &bw, &bl, meta, sizeof meta, p, &e), 0, "%s", e.en);
    cr_assert(back.kind == TZ_CELL_LSTM && back.V == 4 && back.E == 3 && back.H == 5 && back.L == 2 && back.K == 2);
    cr_assert_str_eq(meta, "task=sentiment lang=tr");
    cr_assert_str_eq(vocab_word(&bw, 1), "güzel");
    cr_assert_str_eq(vocab_word(&bl, 1), "pos");
    cr_assert_eq(memcmp(back.emb, m.emb, 4 * 3 * sizeof(float)), 0, "bit for bit");
    cr_assert_eq(memcmp(back.cell[1].U, m.cell[1].U, 4 * 5 * 5 * sizeof(float)), 0);
    cr_assert_eq(memcmp(back.bo, m.bo, 2 * sizeof(float)), 0);
    int32_t s[3] = { 1, 3, 2 };
    float pa[2], pb[2];
    SeqClfWork wa, wb;
    seqclf_work_init(&wa, &m);
    seqclf_work_init(&wb, &back);
    seqclf_predict(&m, &wa, s, 3, pa);
    seqclf_predict(&back, &wb, s, 3, pb);
    cr_assert(pa[0] == pb[0] && pa[1] == pb[1], "the same predictions");
    seqclf_work_free(&wa); seqclf_work_free(&wb);
    seqclf_free(&back); vocab_free(&bw); vocab_free(&bl);
    /* damage: every truncation, a flipped byte, a wrong version, absurd sizes, a repeated word */
    size_t n;
    char *data = tmp_slurp(p, &n);
    char *q = tmp_path("bad.tzc");
    for (size_t cut = 0; cut < n; cut += 5) {
        tmp_write(q, data, cut);
        cr_assert_eq(seqclf_load(&back, &bw, &bl, meta, sizeof meta, q, &e), TZ_E_FORMAT, "cut at %zu", cut);
        cr_assert(strstr(e.en, "byte") || strstr(e.en, "not a tezgah classifier"), "%s", e.en);
    }
    data[n - 20] ^= 0x40;                                   /* inside the last tensor */
    tmp_write(q, data, n);
    cr_assert_eq(seqclf_load(&back, &bw, &bl, meta, sizeof meta, q, &e), TZ_E_FORMAT);
    cr_assert(strstr(e.en, "CRC mismatch"), "%s", e.en);
    data[n - 20] ^= 0x40;
    data[8] = 2;
    tmp_write(q, data, n);
    cr_assert_eq(seqclf_load(&back, &bw, &bl, meta, sizeof meta, q, &e), TZ_E_FORMAT);
    cr_assert(strstr(e.en, "byte 8: version 2"), "%s", e.en);
    data[8] = 1;
    put_u32_at(data, 16, 0x7FFFFFFF);                        /* V: refused before allocating */
    tmp_write(q, data, n);
    cr_assert_eq(seqclf_load(&back, &bw, &bl, meta, sizeof meta, q, &e), TZ_E_FORMAT);
    cr_assert(strstr(e.en, "byte 16"), "%s", e.en);
    put_u32_at(data, 16, 1000);                              /* V plausible, but the file is too small */
    tmp_write(q, data, n);
    cr_assert_eq(seqclf_load(&back, &bw, &bl, meta, sizeof meta, q, &e), TZ_E_FORMAT);
    cr_assert(strstr(e.en, "byte 36") && strstr(e.en, "truncated"), "%s", e.en);
    put_u32_at(data, 16, 4);
    put_u32_at(data, 32, 1);                                 /* one class is no classifier */
    tmp_write(q, data, n);
    cr_assert_eq(seqclf_load(&back, &bw, &bl, meta, sizeof meta, q, &e), TZ_E_FORMAT);
    cr_assert(strstr(e.en, "byte 32"), "%s", e.en);
    put_u32_at(data, 32, 2);
    size_t meta_len = strlen("task=sentiment lang=tr"), w1 = 36 + 4 + meta_len + 4 + 5;   /* "güzel" */
    put_u32_at(data, w1, 99999);                             /* a word's length runs into the tensors */
    tmp_write(q, data, n);
    cr_assert_eq(seqclf_load(&back, &bw, &bl, meta, sizeof meta, q, &e), TZ_E_FORMAT);
    char want[32];
    snprintf(want, sizeof want, "byte %zu: word 1's length", w1);
    cr_assert(strstr(e.en, want), "%s (want %s)", e.en, want);
    put_u32_at(data, w1, 6);
    memcpy(data + w1 + 4, "film\0\0", 6);                   /* "film" with NULs: not a clean string */
    tmp_write(q, data, n);
    cr_assert_eq(seqclf_load(&back, &bw, &bl, meta, sizeof meta, q, &e), TZ_E_FORMAT);
    memcpy(data + w1 + 4, "güzel", 6);
    put_u32_at(data, 36, 0);                                 /* meta length 0: the strings shift */
    tmp_write(q, data, n);
    cr_assert_eq(seqclf_load(&back, &bw, &bl, meta, sizeof meta, q, &e), TZ_E_FORMAT);
    /* the intact file still loads */
    put_u32_at(data, 36, (uint32_t)meta_len);
    tmp_write(q, data, n);
    cr_assert_eq(seqclf_load(&back, &bw, &bl, meta, sizeof meta, q, &e), 0, "%s", e.en);
    seqclf_free(&back); vocab_free(&bw); vocab_free(&bl);
    /* a repeated label, with its CRC made right: still refused */
    SeqClf m2;
    seqclf_init(&m2, TZ_CELL_RNN, 4, 3, 5, 1, 2, 1);
    Vocab l2;
    vocab_init(&l2);
    vocab_add(&l2, "a", 1, 1);
    vocab_add(&l2, "b", 1, 1);
    cr_assert_eq(seqclf_save(&m2, &words, &l2, "", p, &e), 0);
    free(data);
    data = tmp_slurp(p, &n);
    char *b = memmem(data, n, "\x01\0\0\0b", 5);
    cr_assert(b);
    b[4] = 'a';
    put_u32_at(data, n - 4, tz_crc32(0, data, n - 4));
    tmp_write(q, data, n);
    cr_assert_eq(seqclf_load(&back, &bw, &bl, meta, sizeof meta, q, &e), TZ_E_FORMAT);
    cr_assert(strstr(e.en, "'a' appears twice"), "%s", e.en);
    vocab_free(&l2);
    seqclf_free(&m2);
    free(data);
    vocab_free(&words); vocab_free(&labels);
    seqclf_free(&m);
    tmp_teardown();
}
