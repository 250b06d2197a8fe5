/* test_bert_torch.c — the whole BERT of src/engine/models/bert.c against PyTorch:
 * tests/ref/make_bert_fixtures.py wrote a tiny BertForPreTraining (V 19, C 10, D 16, L 2, H 2,
 * F 32, 2 types; a batch of 2 × 8 tokens, the second sequence's last position padding, five MLM
 * targets, two NSP labels), its forward pass in float64 (MLM and NSP logits, the attention
 * probabilities, both losses), the gradient of every parameter tensor, and the losses of three
 * torch.optim.AdamW steps. The weights go into a Bert through bert_tensor by Hugging Face's
 * names (so the fixture also pins the names and shapes), and bert_forward, bert_backward and
 * nn/optim.h's AdamW must agree. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "models/bert.h"
#include "nn/layers.h"
#include "nn/optim.h"
#include "tmpdir.h"

#ifndef BERT_FIXTURES
#define BERT_FIXTURES "tests/ref/bert"
#endif

enum { V = 19, C = 10, D = 16, L = 2, H = 2, F = 32, TYPES = 2, B = 2, T = 8, N = B * T, STEPS = 3 };
static const BertConfig cfg = {V, C, D, L, H, F, TYPES};

/* Values (logits, probabilities, losses): float32 against float64, 1e-5 relative, absolute below 1. */
#define TOL 1e-5
/* Gradients: 1e-5 relative, never tighter than 1e-5 · GRAD_FLOOR absolute (as test_gpt_torch.c:
 * a small gradient keeps the float32 rounding of the larger terms it is the difference of). The
 * float32 floor is real: PyTorch itself, run in float32 on these weights, is 1.2e-5 from its
 * float64 gradients at a floor of 0.03 (on word_embeddings, where the embeddings and the tied
 * decoder meet); ours measured 4.7e-6 at 0.05. */
#define GRAD_FLOOR 5e-2

typedef struct {
    char *text;
    Bert m, grad;
    BertWork w;
    int32_t tokens[N], types[N], targets[N], labels[B];
    uint8_t valid[N];
} Setup;

static void load_ints(const char *text, const char *name, int32_t *out, size_t n)
{
    double *v = fixture_values(text, name, n);
    for (size_t i = 0; i < n; i++) out[i] = (int32_t)v[i];
    free(v);
}

static void setup(Setup *S)
{
    size_t len, n;
    S->text = tmp_slurp(BERT_FIXTURES "/tiny.txt", &len);
    cr_assert_not_null(S->text, "missing fixture (run tests/ref/make_bert_fixtures.py)");
    cr_assert_eq(bert_alloc(&S->m, &cfg), 0);
    cr_assert_eq(bert_alloc(&S->grad, &cfg), 0);
    cr_assert_eq(bert_work_alloc(&S->w, &cfg, B, T), 0);
    char name[96];
    for (int i = 0; i < bert_ntensors(&cfg); i++) {
        float *p = bert_tensor(&S->m, i, name, sizeof name, &n, NULL, NULL);
        double *v = fixture_values(S->text, name, n);
        for (size_t j = 0; j < n; j++) {
            p[j] = (float)v[j];
            cr_assert(fabs(p[j] - v[j]) <= 1e-9 * fabs(v[j]), "%s[%zu] is not a float32 value", name, j);
        }
        free(v);
    }
    int32_t valid[N];
    load_ints(S->text, "tokens", S->tokens, N);
    load_ints(S->text, "types", S->types, N);
    load_ints(S->text, "valid", valid, N);
    load_ints(S->text, "mlm_targets", S->targets, N);
    load_ints(S->text, "nsp_labels", S->labels, B);
    for (int i = 0; i < N; i++) S->valid[i] = (uint8_t)valid[i];
}

static void teardown(Setup *S)
{
    bert_work_free(&S->w);
    bert_free(&S->grad);
    bert_free(&S->m);
    free(S->text);
}

/* The worst |ours − theirs| / max(|theirs|, floor) over n values; asserts it stays ≤ TOL. */
static double compare(const char *text, const char *name, const float *ours, size_t n, double floor)
{
    return fixture_compare(text, name, ours, n, floor, TOL);
}

Test(bert_torch, logits_losses_attention_and_every_gradient)
{
    Setup S;
    setup(&S);
    cr_assert_eq(S.valid[N - 1], 0, "the fixture pads the last position");

    /* without targets the MLM head runs on every row: all of them against the fixture */
    bert_forward(&S.m, &S.w, S.tokens, S.types, S.valid, NULL, NULL, B, T);
    cr_assert_eq(S.w.mlm_n, N);
    double worst_val = 0;
    worst_val = fmax(worst_val, compare(S.text, "mlm_logits", S.w.logits, (size_t)N * V, 1.0));
    static float all_logits[N * V];
    memcpy(all_logits, S.w.logits, sizeof all_logits);
    /* with targets it runs on the masked rows only, and gives them the same numbers */
    float loss = (float)bert_forward(&S.m, &S.w, S.tokens, S.types, S.valid, S.targets, S.labels, B, T);
    cr_assert_eq(S.w.mlm_n, 5);
    for (int i = 0; i < S.w.mlm_n; i++) {
        int n = S.w.mlm_rows[i];
        cr_assert_neq(S.targets[n], TZ_IGNORE);
        for (int v = 0; v < V; v++) {
            float a = S.w.logits[(size_t)i * V + v], b = all_logits[(size_t)n * V + v];
            cr_assert(fabsf(a - b) <= 1e-6f * fmaxf(1, fabsf(b)), "row %d token %d: %g, %g", n, v, (double)a, (double)b);
        }
    }
    worst_val = fmax(worst_val, compare(S.text, "nsp_logits", S.w.nsp_logits, (size_t)B * 2, 1.0));
    worst_val = fmax(worst_val, compare(S.text, "att.0", S.w.att[0], (size_t)B * H * T * T, 1.0));
    worst_val = fmax(worst_val, compare(S.text, "att.1", S.w.att[1], (size_t)B * H * T * T, 1.0));
    double worst_loss = compare(S.text, "mlm_loss", &S.w.mlm_loss, 1, 1.0);
    worst_loss = fmax(worst_loss, compare(S.text, "nsp_loss", &S.w.nsp_loss, 1, 1.0));
    worst_loss = fmax(worst_loss, compare(S.text, "loss", &loss, 1, 1.0));
    cr_assert_eq(S.w.mlm_count, 5);
    /* every query of the second sequence gives its padded key (j = T−1) exactly 0 */
    for (int l = 0; l < L; l++)
        for (int h = 0; h < H; h++)
            for (int t = 0; t < T; t++) cr_assert_eq(S.w.att[l][(((size_t)1 * H + h) * T + t) * T + T - 1], 0.0f);

    bert_backward(&S.m, &S.grad, &S.w, S.tokens, S.types, S.valid, S.targets, S.labels, B, T);
    char name[96], gname[112];
    size_t n;
    double worst_grad = 0;
    char worst_name[112] = "";
    for (int i = 0; i < bert_ntensors(&cfg); i++) {
        float *d = bert_tensor(&S.grad, i, name, sizeof name, &n, NULL, NULL);
        snprintf(gname, sizeof gname, "grad.%s", name);
        double e = compare(S.text, gname, d, n, GRAD_FLOOR);
        if (e > worst_grad) worst_grad = e, snprintf(worst_name, sizeof worst_name, "%s", gname);
    }
    /* positions 8 and 9 were never used: exactly 0 on both sides */
    for (int j = T * D; j < C * D; j++) cr_assert_eq(S.grad.pos[j], 0.0f);
    cr_log_info("bert_torch: worst relative error: logits and attention %.2g, losses %.2g, gradients %.2g (%s)",
                worst_val, worst_loss, worst_grad, worst_name);
    teardown(&S);
}

Test(bert_torch, adamw_steps)
{
    Setup S;
    setup(&S);
    Optim o;
    optim_init(&o, OPT_ADAMW, 1e-2f);
    cr_assert_float_eq(o.weight_decay, 0.01f, 0.0f);
    size_t n;
    for (int i = 0; i < bert_ntensors(&cfg); i++) {
        float *p = bert_tensor(&S.m, i, NULL, 0, &n, NULL, NULL);
        optim_add(&o, p, bert_tensor(&S.grad, i, NULL, 0, NULL, NULL, NULL), n);
    }
    float losses[STEPS + 1];
    losses[0] = (float)bert_forward(&S.m, &S.w, S.tokens, S.types, S.valid, S.targets, S.labels, B, T);
    for (int s = 1; s <= STEPS; s++) {
        optim_zero_grad(&o);
        bert_backward(&S.m, &S.grad, &S.w, S.tokens, S.types, S.valid, S.targets, S.labels, B, T);
        optim_step(&o, 1e-2f);
        losses[s] = (float)bert_forward(&S.m, &S.w, S.tokens, S.types, S.valid, S.targets, S.labels, B, T);
    }
    double worst = compare(S.text, "adamw.loss", losses, STEPS + 1, 1.0);
    cr_assert_lt(losses[STEPS], losses[0] - 1.0f, "the fixture's steps do learn (%g → %g)", (double)losses[0],
                 (double)losses[STEPS]);
    cr_log_info("bert_torch: AdamW losses %.7g %.7g %.7g %.7g, worst relative error %.2g", (double)losses[0],
                (double)losses[1], (double)losses[2], (double)losses[3], worst);
    optim_free(&o);
    teardown(&S);
}
