/* test_layers_torch.c — the building blocks of src/engine/nn/layers.c against PyTorch:
 * tests/ref/make_layers_fixtures.py wrote one small chain (layernorm → linear to q|k|v → causal
 * multi-head attention → GELU → linear → cross-entropy with an ignored row), its values and every
 * gradient, in float64. Here the chain runs forward and backward in float from the fixture's
 * inputs and weights, each stage fed by our own previous stage, and every tensor must agree with
 * PyTorch's to 1e-5 relative (absolute below 1). */
#include <criterion/criterion.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "nn/layers.h"
#include "tmpdir.h"

#ifndef LAYERS_FIXTURES
#define LAYERS_FIXTURES "tests/ref/layers"
#endif

enum { B = 2, T = 5, D = 8, H = 2, V = 7, N = B * T };
#define TOL 1e-5

static float *tensor(const char *text, const char *name, size_t want)
{
    double *d = fixture_values(text, name, want);
    float *v = malloc(want * sizeof *v);
    for (size_t i = 0; i < want; i++) v[i] = (float)d[i];
    free(d);
    return v;
}

static void compare(const char *text, const char *name, const float *ours, size_t n)
{
    double *theirs = fixture_values(text, name, n);
    for (size_t i = 0; i < n; i++)
        cr_assert(fabs(ours[i] - theirs[i]) <= TOL * fmax(1.0, fabs(theirs[i])),
                  "%s[%zu] is %.9g here, %.9g in PyTorch (diff %.3g)", name, i, (double)ours[i], theirs[i],
                  ours[i] - theirs[i]);
    free(theirs);
}

Test(layers_torch, chain_forward_and_backward)
{
    size_t len;
    char *text = tmp_slurp(LAYERS_FIXTURES "/chain.txt", &len);
    cr_assert_not_null(text, "missing fixture (run tests/ref/make_layers_fixtures.py)");
    float *x = tensor(text, "x", N * D), *gamma = tensor(text, "gamma", D), *beta = tensor(text, "beta", D);
    float *W1 = tensor(text, "W1", 3 * D * D), *b1 = tensor(text, "b1", 3 * D);
    float *W2 = tensor(text, "W2", V * D), *b2 = tensor(text, "b2", V);
    float *tf = tensor(text, "targets", N);
    int32_t targets[N];
    for (int n = 0; n < N; n++) targets[n] = (int32_t)tf[n];
    cr_assert_eq(targets[3], TZ_IGNORE, "the fixture's row 3 is the ignored one");

    /* forward */
    static float ln[N * D], mean[N], rstd[N], qkv[N * 3 * D], att[B * H * T * T], attn[N * D], g[N * D],
        logits[N * V], probs[N * V];
    layernorm_forward(ln, mean, rstd, x, gamma, beta, N, D);
    compare(text, "ln", ln, N * D);
    linear_forward(qkv, ln, W1, b1, N, D, 3 * D);
    compare(text, "qkv", qkv, N * 3 * D);
    attention_forward(attn, att, qkv, B, T, D, H, 1);
    compare(text, "att", att, B * H * T * T);
    compare(text, "attn", attn, N * D);
    gelu_forward(g, attn, N * D);
    compare(text, "gelu", g, N * D);
    linear_forward(logits, g, W2, b2, N, D, V);
    compare(text, "logits", logits, N * V);
    float loss = crossentropy_forward(probs, logits, targets, N, V);
    compare(text, "loss", &loss, 1);

    /* backward (parameter gradients are added: start them at zero) */
    static float dlogits[N * V], dg[N * D], dattn[N * D], dqkv[N * 3 * D], dln[N * D], dx[N * D];
    static float dgamma[D], dbeta[D], dW1[3 * D * D], db1[3 * D], dW2[V * D], db2[V];
    crossentropy_backward(dlogits, probs, targets, N, V);
    compare(text, "dlogits", dlogits, N * V);
    linear_backward(dg, dW2, db2, dlogits, g, W2, N, D, V);
    compare(text, "dgelu", dg, N * D);
    compare(text, "dW2", dW2, V * D);
    compare(text, "db2", db2, V);
    gelu_backward(dattn, dg, attn, N * D);
    compare(text, "dattn", dattn, N * D);
    attention_backward(dqkv, dattn, qkv, att, B, T, D, H, 1, NULL);
    compare(text, "dqkv", dqkv, N * 3 * D);
    linear_backward(dln, dW1, db1, dqkv, ln, W1, N, D, 3 * D);
    compare(text, "dln", dln, N * D);
    compare(text, "dW1", dW1, 3 * D * D);
    compare(text, "db1", db1, 3 * D);
    layernorm_backward(dx, dgamma, dbeta, dln, x, mean, rstd, gamma, N, D);
    compare(text, "dx", dx, N * D);
    compare(text, "dgamma", dgamma, D);
    compare(text, "dbeta", dbeta, D);

    /* the naive attention twin agrees with PyTorch too */
    static float attn2[N * D], att2[B * H * T * T], dqkv2[N * 3 * D];
    attention_forward_naive(attn2, att2, qkv, B, T, D, H, 1);
    compare(text, "attn", attn2, N * D);
    attention_backward_naive(dqkv2, dattn, qkv, att2, B, T, D, H, 1);
    compare(text, "dqkv", dqkv2, N * 3 * D);

    free(x), free(gamma), free(beta), free(W1), free(b1), free(W2), free(b2), free(tf), free(text);
}
