/* test_gpt_torch.c — the whole GPT of src/engine/models/gpt.c against PyTorch:
 * tests/ref/make_gpt_fixtures.py wrote a tiny model (V 13, C 8, D 8, L 2, H 2; a batch of 2 × 6
 * tokens with one ignored target), GPT-2's forward pass in float64 (logits, mean cross-entropy),
 * the gradient of every parameter tensor, and the losses of three torch.optim.AdamW steps.
 * Here the same weights go into a Gpt through gpt_tensor (so the fixture also pins the names and
 * the order of the tensors), and gpt_forward, gpt_backward and nn/optim.h's AdamW must agree. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "models/gpt.h"
#include "nn/layers.h"
#include "nn/optim.h"
#include "tmpdir.h"

#ifndef GPT_FIXTURES
#define GPT_FIXTURES "tests/ref/gpt"
#endif

enum { V = 13, C = 8, D = 8, L = 2, H = 2, B = 2, T = 6, N = B * T, STEPS = 3 };
static const GptConfig cfg = {V, C, D, L, H};

/* Values (logits, losses): float32 against float64, 1e-5 relative, absolute below 1. */
#define TOL 1e-5
/* Gradients: 1e-5 relative, but never tighter than 1e-5 · GRAD_FLOOR absolute. The loss is a
 * mean over 11 rows, so the gradients are small (medians 0.003 … 0.1, the largest ~0.4), and
 * each is a sum of float32 products (ε ≈ 6e-8) that went through two blocks and often nearly
 * cancel: a small result keeps the rounding error of its terms, not its own. The worst absolute
 * difference measured was 7e-8 (on a wte gradient of 0.015, where the embedding and the tied
 * output layer meet); a floor of 0.03 (absolute 3e-7) leaves room for another compiler's
 * rounding and is still far below any gradient a wrong formula would get wrong. */
#define GRAD_FLOOR 3e-2

static void load(const char *text, Gpt *g, int32_t *tokens, int32_t *targets)
{
    char name[64];
    size_t n;
    for (int i = 0; i < gpt_ntensors(&g->cfg); i++) {
        float *p = gpt_tensor(g, i, name, sizeof name, &n, NULL, NULL);
        double *v = fixture_values(text, name, n);
        for (size_t j = 0; j < n; j++) {
            p[j] = (float)v[j];
            /* drawn in float32 and written with 10 digits: read back to the same float */
            cr_assert(fabs(p[j] - v[j]) <= 1e-9 * fabs(v[j]), "%s[%zu] is not a float32 value", name, j);
        }
        free(v);
    }
    double *tk = fixture_values(text, "tokens", N), *tg = fixture_values(text, "targets", N);
    for (int i = 0; i < N; i++) tokens[i] = (int32_t)tk[i], targets[i] = (int32_t)tg[i];
    free(tk), free(tg);
}

/* The worst |ours − theirs| / max(|theirs|, floor) over n values; asserts it stays ≤ TOL. */
static double compare(const char *text, const char *name, const float *ours, size_t n, double floor)
{
    return fixture_compare(text, name, ours, n, floor, TOL);
}

/* What both tests start from: the fixture's text, the model loaded from it, a gradient
 * model and the work space for B × T, the tokens and targets. */
typedef struct {
    char *text;
    Gpt g, grad;
    GptWork w;
    int32_t tokens[N], targets[N];
} Setup;

static void setup(Setup *S)
{
    size_t len;
    S->text = tmp_slurp(GPT_FIXTURES "/tiny.txt", &len);
    cr_assert_not_null(S->text, "missing fixture (run tests/ref/make_gpt_fixtures.py)");
    cr_assert_eq(gpt_alloc(&S->g, &cfg), 0);
    cr_assert_eq(gpt_alloc(&S->grad, &cfg), 0);
    cr_assert_eq(gpt_work_alloc(&S->w, &cfg, B, T), 0);
    load(S->text, &S->g, S->tokens, S->targets);
}

static void teardown(Setup *S)
{
    gpt_work_free(&S->w);
    gpt_free(&S->grad);
    gpt_free(&S->g);
    free(S->text);
}

Test(gpt_torch, logits_loss_and_every_gradient)
{
    Setup S;
    setup(&S);
    cr_assert_eq(S.targets[8], TZ_IGNORE, "the fixture ignores target 8");

    float loss = (float)gpt_forward(&S.g, &S.w, S.tokens, S.targets, B, T);
    double worst_logits = compare(S.text, "logits", S.w.logits, (size_t)N * V, 1.0);
    double worst_loss = compare(S.text, "loss", &loss, 1, 1.0);

    gpt_backward(&S.g, &S.grad, &S.w, S.tokens, S.targets, B, T);
    char name[64], gname[80];
    size_t n;
    double worst_grad = 0;
    for (int i = 0; i < gpt_ntensors(&cfg); i++) {
        float *d = gpt_tensor(&S.grad, i, name, sizeof name, &n, NULL, NULL);
        snprintf(gname, sizeof gname, "grad.%s", name);
        worst_grad = fmax(worst_grad, compare(S.text, gname, d, n, GRAD_FLOOR));
    }
    /* wpe's rows 6 and 7 (positions beyond T) were never used: exactly 0 on both sides */
    for (int j = T * D; j < C * D; j++) cr_assert_eq(S.grad.wpe[j], 0.0f);
    cr_log_info("gpt_torch: worst relative error: logits %.2g, loss %.2g, gradients %.2g", worst_logits, worst_loss,
                worst_grad);

    teardown(&S);
}

Test(gpt_torch, adamw_steps)
{
    Setup S;
    setup(&S);

    /* every tensor in one group, as the script's torch.optim.AdamW(params, lr=1e-2): the
     * defaults are PyTorch's (β 0.9/0.999, ε 1e-8, weight decay 0.01 on every tensor) */
    Optim o;
    optim_init(&o, OPT_ADAMW, 1e-2f);
    cr_assert_float_eq(o.weight_decay, 0.01f, 0.0f);
    size_t n;
    for (int i = 0; i < gpt_ntensors(&cfg); i++) {
        float *p = gpt_tensor(&S.g, i, NULL, 0, &n, NULL, NULL);
        optim_add(&o, p, gpt_tensor(&S.grad, i, NULL, 0, NULL, NULL, NULL), n);
    }
    float losses[STEPS + 1];
    losses[0] = (float)gpt_forward(&S.g, &S.w, S.tokens, S.targets, B, T);
    for (int s = 1; s <= STEPS; s++) {
        optim_zero_grad(&o);
        gpt_backward(&S.g, &S.grad, &S.w, S.tokens, S.targets, B, T);   /* after the forward just done */
        optim_step(&o, 1e-2f);
        losses[s] = (float)gpt_forward(&S.g, &S.w, S.tokens, S.targets, B, T);
    }
    double worst = compare(S.text, "adamw.loss", losses, STEPS + 1, 1.0);
    cr_assert_lt(losses[STEPS], losses[0] - 0.5f, "the fixture's steps do learn (%g → %g)", (double)losses[0],
                 (double)losses[STEPS]);
    cr_log_info("gpt_torch: AdamW losses %.7g %.7g %.7g %.7g, worst relative error %.2g", (double)losses[0],
                (double)losses[1], (double)losses[2], (double)losses[3], worst);

    optim_free(&o);
    teardown(&S);
}
