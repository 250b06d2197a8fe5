/* test_optim.c — src/engine/nn/optim.c: the properties that pin each optimiser down (Adam's
 * first step is lr·sign(g); the bias corrections; AdamW's decoupled decay; SGD momentum's
 * sequence), global-norm clipping as PyTorch's clip_grad_norm_, the warm-up/cosine schedule,
 * and that each one minimises an ill-conditioned quadratic. */
#include <criterion/criterion.h>

#include <math.h>

#include "nn/optim.h"

Test(optim, adam_first_step_is_lr_times_sign)
{
    float p[3] = { 1, 2, 3 }, g[3] = { 0.5f, -4, 1e-3f };
    Optim o;
    optim_init(&o, OPT_ADAM, 0.1f);
    optim_add(&o, p, g, 3);
    optim_step(&o, 0.1f);
    /* m̂ = g, v̂ = g²: the step is lr · g / (|g| + ε) */
    cr_assert_float_eq(p[0], 1 - 0.1f, 1e-6f);
    cr_assert_float_eq(p[1], 2 + 0.1f, 1e-6f);
    cr_assert_float_eq(p[2], 3 - 0.1f * 1e-3f / (1e-3f + 1e-8f), 1e-6f);
    cr_assert_eq(o.t, 1);
    optim_free(&o);
}

Test(optim, adam_second_step_follows_the_formula)
{
    float p[1] = { 0 }, g[1] = { 1 };
    Optim o;
    optim_init(&o, OPT_ADAM, 0.01f);
    optim_add(&o, p, g, 1);
    optim_step(&o, 0.01f);
    g[0] = -3;
    optim_step(&o, 0.01f);
    /* by hand in double: m = 0.9·0.1 + 0.1·(−3), v = 0.999·0.001 + 0.001·9 */
    double m = 0.9 * 0.1 + 0.1 * -3, v = 0.999 * 0.001 + 0.001 * 9;
    double mh = m / (1 - 0.81), vh = v / (1 - 0.999 * 0.999);
    double expect = -0.01 - 0.01 * mh / (sqrt(vh) + 1e-8);
    cr_assert_float_eq(p[0], (float)expect, 1e-6f, "%f vs %f", p[0], expect);
    optim_free(&o);
}

Test(optim, adamw_decays_the_weight_not_the_gradient)
{
    float p[2] = { 2, -2 }, g[2] = { 0, 0 };
    Optim o;
    optim_init(&o, OPT_ADAMW, 0.1f);
    cr_assert_float_eq(o.weight_decay, 0.01f, 1e-9f);
    optim_add(&o, p, g, 2);
    optim_step(&o, 0.1f);
    /* zero gradient: only the decay, θ·(1 − lr·wd) */
    cr_assert_float_eq(p[0], 2 * (1 - 0.1f * 0.01f), 1e-6f);
    cr_assert_float_eq(p[1], -2 * (1 - 0.1f * 0.01f), 1e-6f);
    optim_free(&o);
}

Test(optim, sgd_with_momentum)
{
    float p[1] = { 0 }, g[1] = { 1 };
    Optim o;
    optim_init(&o, OPT_SGD, 0.5f);
    o.momentum = 0.9f;
    optim_add(&o, p, g, 1);
    optim_step(&o, 0.5f);            /* buf 1: p = −0.5 */
    optim_step(&o, 0.5f);            /* buf 1.9: p = −1.45 */
    cr_assert_float_eq(p[0], -1.45f, 1e-6f);
    optim_free(&o);
}

Test(optim, clipping_by_the_global_norm)
{
    float a[2] = { 0 }, ga[2] = { 3, 0 }, b[1] = { 0 }, gb[1] = { 4 };
    Optim o;
    optim_init(&o, OPT_SGD, 1);
    optim_add(&o, a, ga, 2);
    optim_add(&o, b, gb, 1);
    cr_assert_float_eq(optim_grad_norm(&o), 5.0, 1e-9);
    cr_assert_float_eq(optim_clip(&o, 10), 5.0, 1e-9);
    cr_assert_float_eq(ga[0], 3.0f, 1e-9f, "under the limit: untouched");
    cr_assert_float_eq(optim_clip(&o, 1), 5.0, 1e-9);
    cr_assert_float_eq(optim_grad_norm(&o), 1.0, 1e-6, "clipped to the limit (PyTorch: × max/(norm+1e-6))");
    cr_assert_float_eq(ga[0] / gb[0], 0.75f, 1e-6f, "the direction is kept");
    optim_zero_grad(&o);
    cr_assert_float_eq(optim_grad_norm(&o), 0.0, 1e-12);
    optim_free(&o);
}

Test(optim, warmup_then_cosine)
{
    cr_assert_float_eq(lr_warmup_cosine(0, 10, 110, 1.0f, 0.1f), 0.1f, 1e-6f);
    cr_assert_float_eq(lr_warmup_cosine(9, 10, 110, 1.0f, 0.1f), 1.0f, 1e-6f);
    cr_assert_float_eq(lr_warmup_cosine(10, 10, 110, 1.0f, 0.1f), 1.0f, 1e-6f);
    cr_assert_float_eq(lr_warmup_cosine(60, 10, 110, 1.0f, 0.1f), 0.55f, 1e-6f, "half way: the mean");
    cr_assert_float_eq(lr_warmup_cosine(110, 10, 110, 1.0f, 0.1f), 0.1f, 1e-6f);
    cr_assert_float_eq(lr_warmup_cosine(500, 10, 110, 1.0f, 0.1f), 0.1f, 1e-6f);
}

/* f(x, y) = x² + 50 y², from (3, −2): each optimiser gets close to the minimum. */
Test(optim, each_minimises_a_quadratic)
{
    OptKind kinds[3] = { OPT_SGD, OPT_ADAM, OPT_ADAMW };
    float lrs[3] = { 0.015f, 0.05f, 0.05f };
    for (int k = 0; k < 3; k++) {
        float p[2] = { 3, -2 }, g[2];
        Optim o;
        optim_init(&o, kinds[k], lrs[k]);
        if (kinds[k] == OPT_SGD) o.momentum = 0.9f;
        optim_add(&o, p, g, 2);
        for (int s = 0; s < 1000; s++) {
            g[0] = 2 * p[0];
            g[1] = 100 * p[1];
            optim_step(&o, lrs[k]);
        }
        cr_assert(fabsf(p[0]) < 1e-2f && fabsf(p[1]) < 1e-2f, "kind %d ended at (%g, %g)", k, p[0], p[1]);
        optim_free(&o);
    }
}
