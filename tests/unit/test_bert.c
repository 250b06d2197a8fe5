/* test_bert.c — the BERT of src/engine/models/bert.c on a tiny configuration (V 13, C 8, D 8, L 2,
 * H 2, F 12, 2 types; batches of 2 × 6, the second sequence padded at its last two positions):
 * the exact GELU and the padding-masked attention (fast against naive, backward against central
 * differences, with and without dropout); every tensor's gradient against central differences,
 * without and with dropout; a padded position changes nothing for the real ones, and a padded
 * sequence gives the numbers of the same sequence unpadded; attention is bidirectional; the
 * parameter count of bert-base and Hugging Face's names; the initialisation; the 15 % / 80-10-10
 * masking's statistics, specials and determinism. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/bert.h"
#include "nn/layers.h"

enum { V = 13, C = 8, D = 8, L = 2, H = 2, F = 12, TYPES = 2, B = 2, T = 6, N = B * T };

static const BertConfig cfg = {V, C, D, L, H, F, TYPES};
static const int32_t tok[N] = {2, 5, 3, 9, 6, 11, 2, 7, 3, 12, 0, 0};
static const int32_t typ[N] = {0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0};
static const uint8_t val[N] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0};
static const int32_t tgt[N] = {-1, 8, 4, -1, -1, 7, -1, -1, 10, -1, -1, -1};
static const int32_t lab[B] = {1, 0};

static float rnd(uint64_t *r)
{
    *r = *r * 6364136223846793005ULL + 1442695040888963407ULL;
    return (float)((double)(*r >> 40) / (double)(1 << 24)) * 2.0f - 1.0f;
}

/* Weights far larger than BERT's 0.02, so that attention is far from uniform and every gradient
 * is big enough to measure. */
static void randomise(Bert *m, uint64_t seed)
{
    uint64_t r = seed;
    char name[96];
    size_t n;
    for (int i = 0; i < bert_ntensors(&m->cfg); i++) {
        float *p = bert_tensor(m, i, name, sizeof name, &n, NULL, NULL);
        int gamma = strstr(name, "LayerNorm.weight") != NULL;
        for (size_t j = 0; j < n; j++) p[j] = gamma ? 1.0f + 0.3f * rnd(&r) : 0.5f * rnd(&r);
    }
}

/* ---- parameters ---------------------------------------------------------------------------- */

Test(bert, parameter_count_names_and_layout)
{
    BertConfig base = {30522, 512, 768, 12, 12, 3072, 2};
    cr_assert_eq(bert_nparams(&base), (size_t)110106428);   /* bert-base-uncased with both heads */
    BertConfig bad = {V, C, 9, L, 2, F, TYPES};              /* 9 not a multiple of 2 heads */
    cr_assert_eq(bert_nparams(&bad), 0);
    Bert m;
    cr_assert_eq(bert_alloc(&m, &bad), -1);
    bad = cfg, bad.types = 0;
    cr_assert_eq(bert_alloc(&m, &bad), -1);
    BertWork w;
    cr_assert_eq(bert_work_alloc(&w, &cfg, B, C + 1), -1);  /* longer than the context */
    cr_assert_eq(bert_work_alloc(&w, &cfg, 0, T), -1);
    cr_assert_eq(bert_alloc(&m, &cfg), 0);
    cr_assert_eq(bert_ntensors(&cfg), 5 + 16 * L + 9);
    size_t sum = 0, n;
    int rows, cols;
    char name[96];
    for (int i = 0; i < bert_ntensors(&cfg); i++) {
        float *p = bert_tensor(&m, i, name, sizeof name, &n, &rows, &cols);
        cr_assert(p == m.mem + sum, "%s not contiguous", name);
        cr_assert_eq(n, (size_t)rows * cols);
        cr_assert(strncmp(name, "bert.", 5) == 0 || strncmp(name, "cls.", 4) == 0, "%s", name);
        sum += n;
    }
    cr_assert_eq(sum, m.n);
    cr_assert_null(bert_tensor(&m, bert_ntensors(&cfg), name, sizeof name, &n, &rows, &cols));
    cr_assert_null(bert_tensor(&m, -1, name, sizeof name, &n, &rows, &cols));
    /* query, key, value of a layer form one 3D × D matrix (and their biases one 3D vector) */
    float *p = bert_tensor(&m, 5 + 16 + 1, name, sizeof name, &n, &rows, &cols);
    cr_assert_str_eq(name, "bert.encoder.layer.1.attention.self.key.weight");
    cr_assert(p == m.layer[1].qkv_w + D * D && rows == D && cols == D);
    p = bert_tensor(&m, 5 + 16 + 5, name, sizeof name, &n, &rows, &cols);
    cr_assert_str_eq(name, "bert.encoder.layer.1.attention.self.value.bias");
    cr_assert(p == m.layer[1].qkv_b + 2 * D && rows == D && cols == 1);
    p = bert_tensor(&m, 5 + 10, name, sizeof name, &n, &rows, &cols);
    cr_assert_str_eq(name, "bert.encoder.layer.0.intermediate.dense.weight");
    cr_assert(p == m.layer[0].fi_w && rows == F && cols == D);
    p = bert_tensor(&m, bert_ntensors(&cfg) - 2, name, sizeof name, &n, &rows, &cols);
    cr_assert_str_eq(name, "cls.seq_relationship.weight");
    cr_assert(p == m.nsp_w && rows == 2 && cols == D);
    p = bert_tensor(&m, 2, name, sizeof name, &n, &rows, &cols);
    cr_assert_str_eq(name, "bert.embeddings.token_type_embeddings.weight");
    cr_assert(p == m.type && rows == TYPES);
    bert_free(&m);
    bert_free(&m);      /* safe twice */
}

Test(bert, init_is_berts_and_follows_the_seed)
{
    Bert a, b;
    BertWork w;
    cr_assert_eq(bert_alloc(&a, &cfg), 0);
    cr_assert_eq(bert_alloc(&b, &cfg), 0);
    cr_assert_eq(bert_work_alloc(&w, &cfg, B, T), 0);
    bert_init(&a, 3);
    bert_init(&b, 3);
    cr_assert_arr_eq(a.mem, b.mem, a.n * sizeof *a.mem);
    bert_init(&b, 4);
    cr_assert(memcmp(a.mem, b.mem, a.n * sizeof *a.mem) != 0);
    cr_assert_eq(a.layer[1].ln2_w[3], 1.0f);
    cr_assert_eq(a.trln_w[0], 1.0f);
    cr_assert_eq(a.eln_b[2], 0.0f);
    cr_assert_eq(a.layer[0].fi_b[5], 0.0f);
    cr_assert_eq(a.mlm_bias[4], 0.0f);
    cr_assert_eq(a.nsp_b[1], 0.0f);
    double s = 0;
    for (int i = 0; i < V * D; i++) s += (double)a.word[i] * a.word[i];
    double sd = sqrt(s / (V * D));
    cr_assert(sd > 0.013 && sd < 0.027, "word embeddings' std %g", sd);
    /* nothing learnt: every token about equally likely, and both NSP answers */
    bert_forward(&a, &w, tok, typ, val, tgt, lab, B, T);
    cr_assert(fabs(w.mlm_loss - log((double)V)) < 0.05, "MLM loss %g, ln V %g", (double)w.mlm_loss, log((double)V));
    cr_assert(fabs(w.nsp_loss - log(2.0)) < 0.05, "NSP loss %g", (double)w.nsp_loss);
    bert_work_free(&w);
    bert_free(&a);
    bert_free(&b);
}

/* ---- exact GELU -------------------------------------------------------------------------------- */

Test(bert, gelu_erf_values_and_gradient)
{
    /* x Φ(x): Φ(1) = 0.841344746…, Φ(−1) = 0.158655254…; large |x|: x and 0 */
    float x[6] = {1.0f, -1.0f, 0.0f, 6.0f, -6.0f, 0.5f}, y[6];
    bert_gelu_forward(y, x, 6);
    cr_assert(fabs(y[0] - 0.8413447461) < 1e-6);
    cr_assert(fabs(y[1] + 0.1586552539) < 1e-6);
    cr_assert_eq(y[2], 0.0f);
    cr_assert(fabs(y[3] - 6.0) < 1e-6 && fabs(y[4]) < 1e-6);
    /* not the tanh approximation: they differ by ~1.5e-4 near 1.5 */
    float t = 1.5f, ye, yt;
    bert_gelu_forward(&ye, &t, 1);
    gelu_forward(&yt, &t, 1);
    cr_assert(fabs(ye - yt) > 5e-5, "erf %g, tanh %g", (double)ye, (double)yt);
    /* the derivative against central differences (in double around float points) */
    for (float v = -4.0f; v <= 4.0f; v += 0.25f) {
        float one = 1.0f, d;
        bert_gelu_backward(&d, &one, &v, 1);
        double h = 1e-3, num = (0.5 * (v + h) * (1 + erf((v + h) / sqrt(2))) - 0.5 * (v - h) * (1 + erf((v - h) / sqrt(2)))) / (2 * h);
        float yp, ym, vp = v + 1e-2f, vm = v - 1e-2f;
        bert_gelu_forward(&yp, &vp, 1);
        bert_gelu_forward(&ym, &vm, 1);
        double numf = ((double)yp - ym) / ((double)vp - vm);
        cr_assert(fabs(d - num) < 1e-5, "gelu'(%g): %g, exact %g", (double)v, (double)d, num);
        cr_assert(fabs(d - numf) < 2e-4, "gelu'(%g): %g, float differences %g", (double)v, (double)d, numf);
    }
}

/* ---- attention with a padding mask ------------------------------------------------------------- */

enum { AB = 2, AT = 5, AD = 8, AH = 2 };

static void attn_inputs(float *qkv, float *dout, uint64_t seed)
{
    uint64_t r = seed;
    for (int i = 0; i < AB * AT * 3 * AD; i++) qkv[i] = 1.5f * rnd(&r);
    for (int i = 0; i < AB * AT * AD; i++) dout[i] = rnd(&r);
}

/* Fast against naive, forward and backward; padded keys get exactly 0 and every row sums to 1. */
static void attn_twins(float p)
{
    static const uint8_t valid[AB * AT] = {1, 1, 1, 1, 1, 1, 0, 1, 1, 0};   /* keys 1 and 4 of sequence 1 padded */
    float qkv[AB * AT * 3 * AD], dout[AB * AT * AD];
    float o1[AB * AT * AD], o2[AB * AT * AD], a1[AB * AH * AT * AT], a2[AB * AH * AT * AT];
    float d1[AB * AT * 3 * AD], d2[AB * AT * 3 * AD];
    attn_inputs(qkv, dout, 9);
    uint64_t key = dropout_key(7, 3);
    bert_attention_forward(o1, a1, qkv, valid, AB, AT, AD, AH, p, key, NULL);
    bert_attention_forward_naive(o2, a2, qkv, valid, AB, AT, AD, AH, p, key);
    for (int i = 0; i < AB * AT * AD; i++) cr_assert(fabsf(o1[i] - o2[i]) < 1e-5f, "out %d: %g %g", i, (double)o1[i], (double)o2[i]);
    for (int i = 0; i < AB * AH * AT * AT; i++) cr_assert(fabsf(a1[i] - a2[i]) < 1e-6f);
    for (int bh = 0; bh < AB * AH; bh++)
        for (int t = 0; t < AT; t++) {
            const float *row = a1 + ((size_t)bh * AT + t) * AT;
            double s = 0;
            for (int j = 0; j < AT; j++) s += row[j];
            cr_assert(fabs(s - 1) < 1e-5);
            if (bh >= AH) cr_assert(row[1] == 0.0f && row[4] == 0.0f && row[0] > 0 && row[2] > 0);
        }
    bert_attention_backward(d1, dout, qkv, a1, AB, AT, AD, AH, p, key, NULL);
    bert_attention_backward_naive(d2, dout, qkv, a1, AB, AT, AD, AH, p, key);
    for (int i = 0; i < AB * AT * 3 * AD; i++)
        cr_assert(fabsf(d1[i] - d2[i]) < 1e-5f, "dqkv %d: %g %g", i, (double)d1[i], (double)d2[i]);
}

Test(bert, attention_fast_matches_naive) { attn_twins(0.0f); }
Test(bert, attention_fast_matches_naive_with_dropout) { attn_twins(0.3f); }

/* Σ out ⊙ dout in double: its gradient with respect to qkv is what backward computes. */
static double attn_loss(const float *qkv, const float *dout, const uint8_t *valid, float p, uint64_t key)
{
    float out[AB * AT * AD], att[AB * AH * AT * AT];
    bert_attention_forward_naive(out, att, qkv, valid, AB, AT, AD, AH, p, key);
    double s = 0;
    for (int i = 0; i < AB * AT * AD; i++) s += (double)out[i] * dout[i];
    return s;
}

static void attn_central(float p)
{
    static const uint8_t valid[AB * AT] = {1, 1, 1, 0, 1, 1, 1, 1, 0, 0};
    float qkv[AB * AT * 3 * AD], dout[AB * AT * AD], out[AB * AT * AD], att[AB * AH * AT * AT];
    float dq[AB * AT * 3 * AD];
    attn_inputs(qkv, dout, 21);
    uint64_t key = dropout_key(3, 1);
    bert_attention_forward(out, att, qkv, valid, AB, AT, AD, AH, p, key, NULL);
    bert_attention_backward(dq, dout, qkv, att, AB, AT, AD, AH, p, key, NULL);
    double norm = 0;
    for (int i = 0; i < AB * AT * 3 * AD; i++) {
        float x = qkv[i];
        const float eps = 1e-2f;
        qkv[i] = x + eps;
        double hp = (double)qkv[i] - x, lp = attn_loss(qkv, dout, valid, p, key);
        qkv[i] = x - eps;
        double hm = x - (double)qkv[i], lm = attn_loss(qkv, dout, valid, p, key);
        qkv[i] = x;
        double num = (lp - lm) / (hp + hm);
        cr_assert(fabs(dq[i] - num) <= 1e-4 + 1e-2 * fabs(num), "dqkv[%d] (dropout %g): %g, numeric %g", i,
                  (double)p, (double)dq[i], num);
        norm += num * num;
        /* a padded key's k and v reach nothing: their gradients are exactly 0 */
        int row = i / (3 * AD), part = i % (3 * AD) / AD;
        if (!valid[row] && part > 0) cr_assert_eq(dq[i], 0.0f, "padded row %d part %d", row, part);
    }
    cr_assert_gt(norm, 1.0);
}

Test(bert, attention_backward_matches_central_differences) { attn_central(0.0f); }
Test(bert, attention_backward_with_dropout_matches_central_differences) { attn_central(0.25f); }

/* ---- the whole model ------------------------------------------------------------------------------ */

/* MLM + NSP cross-entropy recomputed in double from the float logits (less rounding noise in the
 * central differences than the float the pass keeps). */
static double loss_double(const Bert *m, BertWork *w)
{
    bert_forward(m, w, tok, typ, val, tgt, lab, B, T);
    double s = 0;
    int count = 0;
    cr_assert_eq(w->mlm_n, w->mlm_count);
    for (int n = 0; n < N; n++) {
        if (tgt[n] == TZ_IGNORE) continue;
        cr_assert_eq(w->mlm_rows[count], n, "the head's rows are the masked positions, in order");
        const float *z = w->logits + (size_t)count * V;
        double mx = z[0], se = 0;
        for (int v = 1; v < V; v++) mx = fmax(mx, z[v]);
        for (int v = 0; v < V; v++) se += exp(z[v] - mx);
        s += mx + log(se) - z[tgt[n]];
        count++;
    }
    double ns = 0;
    for (int b = 0; b < B; b++) {
        const float *z = w->nsp_logits + 2 * b;
        double mx = fmax(z[0], z[1]);
        ns += mx + log(exp(z[0] - mx) + exp(z[1] - mx)) - z[lab[b]];
    }
    return s / count + ns / B;
}

static void check_gradients(float dropout)
{
    Bert m, dm;
    BertWork w;
    cr_assert_eq(bert_alloc(&m, &cfg), 0);
    cr_assert_eq(bert_alloc(&dm, &cfg), 0);
    cr_assert_eq(bert_work_alloc(&w, &cfg, B, T), 0);
    w.dropout = dropout;
    w.drop_seed = 17;
    randomise(&m, 5);
    double l0 = bert_forward(&m, &w, tok, typ, val, tgt, lab, B, T);
    cr_assert(fabs(l0 - loss_double(&m, &w)) < 1e-5);
    cr_assert_eq(w.mlm_count, 4);
    bert_forward(&m, &w, tok, typ, val, tgt, lab, B, T);
    bert_backward(&m, &dm, &w, tok, typ, val, tgt, lab, B, T);

    char name[96];
    size_t n;
    int checked = 0;
    for (int i = 0; i < bert_ntensors(&cfg); i++) {
        float *p = bert_tensor(&m, i, name, sizeof name, &n, NULL, NULL);
        const float *dp = bert_tensor(&dm, i, NULL, 0, NULL, NULL, NULL);
        size_t step = n > 16 ? n / 16 : 1;      /* about 16 entries per tensor, all of a small one */
        double norm = 0;
        for (size_t j = 0; j < n; j += step) {
            const float eps = 1e-2f;
            float x = p[j];
            p[j] = x + eps;
            double hp = (double)p[j] - x, lp = loss_double(&m, &w);
            p[j] = x - eps;
            double hm = x - (double)p[j], lm = loss_double(&m, &w);
            p[j] = x;
            double num = (lp - lm) / (hp + hm);
            cr_assert(fabs(dp[j] - num) <= 5e-5 + 1e-2 * fabs(num), "%s[%zu] (dropout %g): analytic %g, numeric %g",
                      name, j, (double)dropout, (double)dp[j], num);
            norm += num * num;
            checked++;
        }
        /* The key's bias adds q·b_k to every score of a query's row alike, and a softmax does not
         * change when all its inputs move together: that gradient is 0 (to rounding). Every other
         * tensor takes part (position_embeddings in its first T rows). */
        if (strstr(name, "attention.self.key.bias")) {
            for (size_t j = 0; j < n; j++) cr_assert(fabsf(dp[j]) < 1e-5f, "%s[%zu] = %g", name, j, (double)dp[j]);
        } else {
            cr_assert(sqrt(norm) > 1e-4, "%s: gradient too small to test (%g)", name, sqrt(norm));
        }
    }
    cr_assert_gt(checked, 400);
    /* gradients are added: a second backward doubles them */
    float before = dm.layer[0].qkv_w[5];
    bert_forward(&m, &w, tok, typ, val, tgt, lab, B, T);
    bert_backward(&m, &dm, &w, tok, typ, val, tgt, lab, B, T);
    cr_assert_float_eq(dm.layer[0].qkv_w[5], 2 * before, 1e-6 + 1e-5 * fabsf(before));
    bert_work_free(&w);
    bert_free(&dm);
    bert_free(&m);
}

Test(bert, gradients_match_central_differences) { check_gradients(0.0f); }

/* Fine-tuning's backward (bert_backward_pooled): for loss = Σ c ⊙ pooled, with fixed random c,
 * the gradient of every tensor below the pooler against central differences; the MLM and NSP
 * heads get exactly nothing; skip_mlm leaves the head out (M = 0). */
static double pooled_loss(const Bert *m, BertWork *w, const float *c)
{
    bert_forward(m, w, tok, typ, val, NULL, NULL, B, T);
    double s = 0;
    for (int i = 0; i < B * D; i++) s += (double)c[i] * w->pool[i];
    return s;
}

Test(bert, pooled_backward_matches_central_differences)
{
    Bert m, dm;
    BertWork w;
    cr_assert_eq(bert_alloc(&m, &cfg), 0);
    cr_assert_eq(bert_alloc(&dm, &cfg), 0);
    cr_assert_eq(bert_work_alloc(&w, &cfg, B, T), 0);
    randomise(&m, 21);
    w.skip_mlm = 1;
    float c[B * D];
    uint64_t r = 99;
    for (int i = 0; i < B * D; i++) c[i] = rnd(&r);
    pooled_loss(&m, &w, c);
    cr_assert_eq(w.mlm_n, 0);
    bert_backward_pooled(&m, &dm, &w, tok, typ, c, B, T);
    char name[96];
    size_t n;
    int checked = 0;
    for (int i = 0; i < bert_ntensors(&cfg); i++) {
        float *p = bert_tensor(&m, i, name, sizeof name, &n, NULL, NULL);
        const float *dp = bert_tensor(&dm, i, NULL, 0, NULL, NULL, NULL);
        if (strncmp(name, "cls.", 4) == 0) {         /* the pre-training heads take no part */
            for (size_t j = 0; j < n; j++) cr_assert_eq(dp[j], 0.0f, "%s[%zu]", name, j);
            continue;
        }
        size_t step = n > 12 ? n / 12 : 1;
        for (size_t j = 0; j < n; j += step) {
            const float eps = 1e-2f;
            float x = p[j];
            p[j] = x + eps;
            double hp = (double)p[j] - x, lp = pooled_loss(&m, &w, c);
            p[j] = x - eps;
            double hm = x - (double)p[j], lm = pooled_loss(&m, &w, c);
            p[j] = x;
            double num = (lp - lm) / (hp + hm);
            cr_assert(fabs(dp[j] - num) <= 1e-4 + 1e-2 * fabs(num), "%s[%zu]: analytic %g, numeric %g", name, j,
                      (double)dp[j], num);
            checked++;
        }
    }
    cr_assert_gt(checked, 250);
    bert_work_free(&w);
    bert_free(&dm);
    bert_free(&m);
}

Test(bert, dropout_gradients_match_central_differences) { check_gradients(0.2f); }

/* Only one of the two losses: the other head's parameters get nothing. */
Test(bert, each_loss_alone)
{
    Bert m, dm;
    BertWork w;
    cr_assert_eq(bert_alloc(&m, &cfg), 0);
    cr_assert_eq(bert_alloc(&dm, &cfg), 0);
    cr_assert_eq(bert_work_alloc(&w, &cfg, B, T), 0);
    randomise(&m, 8);
    double both = bert_forward(&m, &w, tok, typ, val, tgt, lab, B, T);
    double mlm = bert_forward(&m, &w, tok, typ, val, tgt, NULL, B, T);
    cr_assert_eq(w.nsp_loss, 0.0f);
    bert_backward(&m, &dm, &w, tok, typ, val, tgt, NULL, B, T);
    for (int i = 0; i < 2 * D; i++) cr_assert_eq(dm.nsp_w[i], 0.0f);
    for (int i = 0; i < D * D; i++) cr_assert_eq(dm.pool_w[i], 0.0f);
    double nsp = bert_forward(&m, &w, tok, typ, val, NULL, lab, B, T);
    cr_assert_eq(w.mlm_loss, 0.0f);
    cr_assert(fabs(both - (mlm + nsp)) < 1e-6 * both);
    bert_zero(&dm);
    bert_backward(&m, &dm, &w, tok, typ, val, NULL, lab, B, T);
    for (int i = 0; i < V; i++) cr_assert_eq(dm.mlm_bias[i], 0.0f);
    for (int i = 0; i < D * D; i++) cr_assert_eq(dm.tr_w[i], 0.0f);
    double s = 0;
    for (int i = 0; i < D * D; i++) s += fabsf(dm.pool_w[i]);
    cr_assert_gt(s, 1e-4);
    cr_assert_eq(bert_forward(&m, &w, tok, typ, val, NULL, NULL, B, T), 0.0);
    bert_work_free(&w);
    bert_free(&dm);
    bert_free(&m);
}

/* A padded position's token and type change nothing for the real positions, not even a bit: the
 * padded keys get probability exactly 0. And a padded sequence gives the numbers the same
 * sequence gets alone at its own length. */
Test(bert, padding_changes_nothing_for_real_tokens)
{
    Bert m;
    BertWork w;
    cr_assert_eq(bert_alloc(&m, &cfg), 0);
    cr_assert_eq(bert_work_alloc(&w, &cfg, B, T), 0);
    randomise(&m, 12);
    static float logits[N * V], nsp[B * 2], att[B * H * T * T];
    bert_forward(&m, &w, tok, typ, val, NULL, NULL, B, T);
    memcpy(logits, w.logits, sizeof logits);
    memcpy(nsp, w.nsp_logits, sizeof nsp);
    memcpy(att, w.att[L - 1], sizeof att);
    int32_t tok2[N], typ2[N];
    memcpy(tok2, tok, sizeof tok2);
    memcpy(typ2, typ, sizeof typ2);
    tok2[10] = 7, tok2[11] = 12, typ2[11] = 1;
    bert_forward(&m, &w, tok2, typ2, val, NULL, NULL, B, T);
    for (int n = 0; n < N; n++)
        if (val[n]) cr_assert_arr_eq(w.logits + (size_t)n * V, logits + (size_t)n * V, V * sizeof(float), "row %d", n);
    cr_assert_arr_eq(w.nsp_logits, nsp, sizeof nsp);
    for (int bh = 0; bh < B * H; bh++)                  /* the real queries' rows */
        for (int t = 0; t < T; t++)
            if (val[bh / H * T + t])
                cr_assert_arr_eq(w.att[L - 1] + ((size_t)bh * T + t) * T, att + ((size_t)bh * T + t) * T,
                                 T * sizeof(float));
    /* the padded rows themselves did change (they are computed, just never looked at) */
    cr_assert(memcmp(w.logits + 10 * V, logits + 10 * V, V * sizeof(float)) != 0);
    /* without the mask, the same change reaches the real tokens */
    bert_forward(&m, &w, tok2, typ2, NULL, NULL, NULL, B, T);
    cr_assert(memcmp(w.logits + 6 * V, logits + 6 * V, V * sizeof(float)) != 0);

    /* sequence 1 alone, at its real length 4 */
    BertWork w4;
    cr_assert_eq(bert_work_alloc(&w4, &cfg, 1, 4), 0);
    bert_forward(&m, &w4, tok + T, typ + T, NULL, NULL, NULL, 1, 4);
    for (int t = 0; t < 4; t++)
        for (int v = 0; v < V; v++) {
            float a = w4.logits[t * V + v], b = logits[(T + t) * V + v];
            cr_assert(fabsf(a - b) <= 1e-5f * fmaxf(1, fabsf(b)), "position %d, token %d: %g alone, %g padded", t, v,
                      (double)a, (double)b);
        }
    for (int k = 0; k < 2; k++) cr_assert(fabsf(w4.nsp_logits[k] - nsp[2 + k]) <= 1e-5f * fmaxf(1, fabsf(nsp[2 + k])));
    bert_work_free(&w4);
    bert_work_free(&w);
    bert_free(&m);
}

/* Bidirectional: the LAST token changes the FIRST position's output (a GPT's never would), and
 * every query gives every real key some probability. */
Test(bert, attention_is_bidirectional)
{
    Bert m;
    BertWork w;
    cr_assert_eq(bert_alloc(&m, &cfg), 0);
    cr_assert_eq(bert_work_alloc(&w, &cfg, B, T), 0);
    randomise(&m, 13);
    static float first[V];
    bert_forward(&m, &w, tok, typ, NULL, NULL, NULL, B, T);
    memcpy(first, w.logits, sizeof first);
    for (int i = 0; i < B * H * T * T; i++) cr_assert_gt(w.att[0][i], 0.0f);
    int32_t tok2[N];
    memcpy(tok2, tok, sizeof tok2);
    tok2[T - 1] = 4;
    bert_forward(&m, &w, tok2, typ, NULL, NULL, NULL, B, T);
    double d = 0;
    for (int v = 0; v < V; v++) d += fabsf(w.logits[v] - first[v]);
    cr_assert_gt(d, 1e-3);
    bert_work_free(&w);
    bert_free(&m);
}

/* ---- masking ------------------------------------------------------------------------------------- */

Test(bert, mask_tokens_statistics)
{
    enum { NV = 100, NT = 200000, MASK = 3 };
    uint8_t special[NV] = {0};
    for (int v = 0; v < 5; v++) special[v] = 1;    /* [PAD] 0, [UNK] 1, [CLS] 2, [MASK] 3, [SEP] 4 */
    static int32_t orig[NT], toks[NT], targets[NT], toks2[NT], targets2[NT];
    static uint8_t valid[NT];
    uint64_t r = 77;
    int eligible = 0;
    for (int i = 0; i < NT; i++) {
        orig[i] = i % 23 == 0 ? 2 : i % 29 == 0 ? 4 : 5 + (int)((rnd(&r) + 1) * 0.5f * (NV - 5)) % (NV - 5);
        valid[i] = i % 31 != 0;
        eligible += valid[i] && !special[orig[i]];
    }
    memcpy(toks, orig, sizeof toks);
    uint64_t rng = 42;
    int chosen = bert_mask_tokens(toks, targets, valid, NT, NV, MASK, special, 0.15f, &rng);
    int masked = 0, randomised = 0, kept = 0, counted = 0;
    for (int i = 0; i < NT; i++) {
        if (targets[i] == TZ_IGNORE) {
            cr_assert_eq(toks[i], orig[i], "position %d changed without a target", i);
            continue;
        }
        counted++;
        cr_assert(valid[i] && !special[orig[i]], "position %d (token %d, valid %d) chosen", i, orig[i], valid[i]);
        cr_assert_eq(targets[i], orig[i]);
        if (toks[i] == MASK)
            masked++;
        else if (toks[i] == orig[i])
            kept++;
        else {
            randomised++;
            cr_assert(toks[i] >= 5 && toks[i] < NV, "random replacement %d is special", toks[i]);
        }
    }
    cr_assert_eq(counted, chosen);
    /* binomial bounds at ~5 standard deviations */
    double pe = 0.15 * eligible, se = sqrt(eligible * 0.15 * 0.85);
    cr_assert(fabs(chosen - pe) < 5 * se, "chosen %d of %d eligible, expected %.0f", chosen, eligible, pe);
    double pk = 0.1 + 0.1 / (NV - 5);    /* left alone, or "replaced" by itself */
    cr_assert(fabs(masked - 0.8 * chosen) < 5 * sqrt(chosen * 0.16), "[MASK] %d of %d", masked, chosen);
    cr_assert(fabs(kept - pk * chosen) < 5 * sqrt(chosen * pk * (1 - pk)), "kept %d of %d", kept, chosen);
    cr_assert(fabs(randomised - (0.2 - pk) * chosen) < 5 * sqrt(chosen * 0.1), "random %d of %d", randomised, chosen);
    /* the random replacements are spread over the whole non-special vocabulary */
    int seen[NV] = {0}, distinct = 0;
    for (int i = 0; i < NT; i++)
        if (targets[i] != TZ_IGNORE && toks[i] != MASK && toks[i] != orig[i]) seen[toks[i]] = 1;
    for (int v = 0; v < NV; v++) distinct += seen[v];
    cr_assert_gt(distinct, 90);
    /* the same seed, the same masking; another, another */
    memcpy(toks2, orig, sizeof toks2);
    rng = 42;
    cr_assert_eq(bert_mask_tokens(toks2, targets2, valid, NT, NV, MASK, special, 0.15f, &rng), chosen);
    cr_assert_arr_eq(toks2, toks, sizeof toks);
    cr_assert_arr_eq(targets2, targets, sizeof targets);
    memcpy(toks2, orig, sizeof toks2);
    rng = 43;
    bert_mask_tokens(toks2, targets2, valid, NT, NV, MASK, special, 0.15f, &rng);
    cr_assert(memcmp(targets2, targets, sizeof targets) != 0);
    /* prob 0: nothing; valid and special NULL: everything eligible */
    memcpy(toks2, orig, sizeof toks2);
    cr_assert_eq(bert_mask_tokens(toks2, targets2, NULL, NT, NV, MASK, NULL, 0.0f, &rng), 0);
    cr_assert_arr_eq(toks2, orig, sizeof toks2);
    int all = bert_mask_tokens(toks2, targets2, NULL, 1000, NV, MASK, NULL, 1.0f, &rng);
    cr_assert_eq(all, 1000);
}

/* ---- threads ------------------------------------------------------------------------------------- */

#include "nn/recurrent.h"

/* One forward and backward pass (MLM + NSP, padding at the ends of some sequences, dropout p) of a
 * batch big enough for the team (N·D = 8 × 64 × 32 = 16384) on `threads` threads (BertWork.threads,
 * the team allowed as many): the loss, every logit, attention pattern and gradient kept; then the
 * pooled backward (fine-tuning's) into dpooled. */
enum { VT = 40, CT = 64, DT = 32, FT = 64, BT = 8, TT = 64, NT2 = BT * TT };

typedef struct {
    double loss;
    float nsp[2 * BT];
    int M;
    float *logits, *att;
    Bert grad, gpooled;
} ThreadRun;

static void run_threads(int threads, float p, ThreadRun *out)
{
    BertConfig c = {VT, CT, DT, 2, 2, FT, 2};
    Bert m;
    BertWork w;
    cr_assert_eq(bert_alloc(&m, &c), 0);
    cr_assert_eq(bert_alloc(&out->grad, &c), 0);
    cr_assert_eq(bert_alloc(&out->gpooled, &c), 0);
    cr_assert_eq(bert_work_alloc(&w, &c, BT, TT), 0);
    cr_assert_eq(w.threads, 1, "bert_work_alloc runs on the caller by default");
    randomise(&m, 8);
    for (size_t i = 0; i < m.n; i++) m.mem[i] *= 0.4f;     /* randomise's 0.5 is loud for D 32 */
    static int32_t x[NT2], s[NT2], y[NT2], lab2[BT];
    static uint8_t valid[NT2];
    for (int i = 0; i < NT2; i++) {
        int b = i / TT, t = i % TT;
        valid[i] = t < TT - 3 * (b % 3);                   /* sequences 1, 2, 4, 5, 7: padded ends */
        x[i] = valid[i] ? 5 + (i * 7 + i / 5) % (VT - 5) : 0;
        s[i] = t >= TT / 2;
        y[i] = valid[i] && i % 7 == 3 ? (i * 3 + 1) % VT : TZ_IGNORE;
    }
    for (int b = 0; b < BT; b++) lab2[b] = b % 2;
    w.threads = threads;
    w.dropout = p;
    w.drop_seed = 5;
    cell_set_threads(threads);
    out->loss = bert_forward(&m, &w, x, s, valid, y, lab2, BT, TT);
    bert_backward(&m, &out->grad, &w, x, s, valid, y, lab2, BT, TT);
    out->M = w.mlm_n;
    memcpy(out->nsp, w.nsp_logits, sizeof out->nsp);
    size_t nl = (size_t)w.mlm_n * VT, na = (size_t)BT * 2 * TT * TT;
    out->logits = malloc(nl * sizeof *out->logits);
    out->att = malloc(2 * na * sizeof *out->att);
    cr_assert(out->logits && out->att);
    memcpy(out->logits, w.logits, nl * sizeof *out->logits);
    memcpy(out->att, w.att[0], na * sizeof *out->att);
    memcpy(out->att + na, w.att[1], na * sizeof *out->att);
    /* fine-tuning's backward, from a fixed gradient of the pooled rows */
    static float dpool[BT * DT];
    for (int i = 0; i < BT * DT; i++) dpool[i] = (float)((i * 5) % 11) / 11.0f - 0.5f;
    w.skip_mlm = 1;
    bert_forward(&m, &w, x, s, valid, NULL, NULL, BT, TT);
    cr_assert_eq(w.mlm_n, 0);
    bert_backward_pooled(&m, &out->gpooled, &w, x, s, dpool, BT, TT);
    cell_set_threads(0);
    bert_work_free(&w);
    bert_free(&m);
}

static void free_run(ThreadRun *r)
{
    free(r->logits);
    free(r->att);
    bert_free(&r->grad);
    bert_free(&r->gpooled);
}

/* Two tensors of one gradient agree: every entry within 1e-4 of the tensor's largest (the sums
 * over rows are cut differently between threads). */
static void same_gradient(const Bert *a, const Bert *b, const char *what)
{
    char name[96];
    size_t n;
    for (int i = 0; i < bert_ntensors(&a->cfg); i++) {
        const float *x = bert_tensor(a, i, name, sizeof name, &n, NULL, NULL);
        const float *y = bert_tensor(b, i, NULL, 0, NULL, NULL, NULL);
        float big = 0;
        for (size_t j = 0; j < n; j++) big = fmaxf(big, fabsf(x[j]));
        for (size_t j = 0; j < n; j++)
            cr_assert(fabsf(x[j] - y[j]) <= 1e-4f * big + 1e-9f, "%s %s[%zu]: 1 thread %g, 2 threads %g", what, name, j,
                      (double)x[j], (double)y[j]);
    }
}

static void threads_agree(float p)
{
    ThreadRun one, two, again;
    run_threads(1, p, &one);
    run_threads(2, p, &two);
    run_threads(2, p, &again);
    /* two threads twice: the same bits */
    cr_assert_eq(two.loss, again.loss);
    cr_assert_eq(two.M, again.M);
    cr_assert_arr_eq(two.logits, again.logits, (size_t)two.M * VT * sizeof(float));
    cr_assert_arr_eq(two.grad.mem, again.grad.mem, two.grad.n * sizeof(float));
    cr_assert_arr_eq(two.gpooled.mem, again.gpooled.mem, two.gpooled.n * sizeof(float));
    /* one thread and two: the same numbers to rounding */
    cr_assert_eq(one.M, two.M);
    cr_assert_gt(one.M, 40);
    cr_assert(fabs(one.loss - two.loss) <= 1e-6 * fabs(one.loss), "loss: 1 thread %.9g, 2 threads %.9g", one.loss,
              two.loss);
    for (int i = 0; i < one.M * VT; i++)
        cr_assert(fabsf(one.logits[i] - two.logits[i]) <= 1e-5f * fmaxf(1, fabsf(one.logits[i])), "logit %d", i);
    for (int i = 0; i < 2 * BT; i++) cr_assert(fabsf(one.nsp[i] - two.nsp[i]) <= 1e-5f, "nsp logit %d", i);
    for (size_t i = 0; i < (size_t)2 * BT * 2 * TT * TT; i++)
        cr_assert(fabsf(one.att[i] - two.att[i]) <= 1e-6f, "attention %zu", i);
    same_gradient(&one.grad, &two.grad, "MLM + NSP");
    same_gradient(&one.gpooled, &two.gpooled, "pooled");
    /* and the gradient is not trivially 0 anywhere it should not be */
    cr_assert_neq(two.grad.layer[0].qkv_w[7], 0.0f);
    cr_assert_neq(two.gpooled.eln_w[3], 0.0f);
    free_run(&one);
    free_run(&two);
    free_run(&again);
}

Test(bert, threads_agree_with_one_and_repeat) { threads_agree(0.0f); }
Test(bert, threads_agree_with_one_and_repeat_with_dropout) { threads_agree(0.1f); }
