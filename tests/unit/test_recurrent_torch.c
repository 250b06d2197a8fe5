/* test_recurrent_torch.c — the RNN, LSTM and GRU cells of src/engine/nn/recurrent.c against
 * PyTorch's nn.RNN (tanh), nn.LSTM and nn.GRU: tests/ref/make_rnn_fixtures.py wrote, per cell,
 * float32-exact weights in PyTorch's layout (weight_ih_l0 = W, weight_hh_l0 = U, bias_ih_l0 =
 * b, bias_hh_l0 = bu), h0, c0, x (T 5, B 2, I 3, H 4) and the loss weights P, Q, R of
 *     L = Σ_t P_t · h_t + Q · h_T (+ R · c_T for the LSTM),
 * and what PyTorch computes in float64: the outputs h_1..h_T, c_T and every gradient
 * (dW dU db dbu dx dh0 dc0). Ours, in float32, must agree to 1e-5 · max(1, |theirs|). */
#include <criterion/criterion.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nn/recurrent.h"
#include "fixture.h"
#include "tmpdir.h"

#ifndef RNN_FIXTURES
#define RNN_FIXTURES "tests/ref/rnn"
#endif

enum { T = 5, B = 2, I = 3, H = 4 };
#define TOL 1e-5

TestSuite(recurrent_torch);

/* The tensor called name in the fixture, as floats (the values are float32-exact). */
static float *tensor(const char *text, const char *name, size_t want)
{
    double *d = fixture_values(text, name, want);
    float *v = malloc((want ? want : 1) * sizeof *v);
    for (size_t i = 0; i < want; i++) v[i] = (float)d[i];
    free(d);
    return v;
}

/* Compare n floats with PyTorch's (read again as doubles, so the float64 reference is not
 * rounded first); names the first index that differs. */
static void compare(const char *text, const char *cell, const char *name, const float *ours, size_t n)
{
    double *theirs = fixture_values(text, name, n);
    for (size_t i = 0; i < n; i++)
        cr_assert(fabs(ours[i] - theirs[i]) <= TOL * fmax(1.0, fabs(theirs[i])),
                  "%s: %s[%zu] is %.9g here, %.9g in PyTorch (diff %.3g)", cell, name, i, (double)ours[i], theirs[i],
                  ours[i] - theirs[i]);
    free(theirs);
}

static void check_cell(CellKind kind, const char *file, const char *cell)
{
    size_t len;
    char *text = tmp_slurp(file, &len);
    cr_assert_not_null(text, "missing fixture %s (run tests/ref/make_rnn_fixtures.py)", file);
    int lstm = kind == TZ_CELL_LSTM;
    int G = kind == TZ_CELL_RNN ? 1 : kind == TZ_CELL_LSTM ? 4 : 3;

    Cell c = { 0 }, g = { 0 };
    cell_alloc(&c, kind, I, H);
    cr_assert_eq(c.G, G);
    float *W = tensor(text, "W", (size_t)G * H * I), *U = tensor(text, "U", (size_t)G * H * H);
    float *b = tensor(text, "b", (size_t)G * H), *bu = tensor(text, "bu", (size_t)G * H);
    memcpy(c.W, W, (size_t)G * H * I * sizeof *W);
    memcpy(c.U, U, (size_t)G * H * H * sizeof *U);
    memcpy(c.b, b, (size_t)G * H * sizeof *b);
    memcpy(c.bu, bu, (size_t)G * H * sizeof *bu);
    float *h0 = tensor(text, "h0", B * H), *c0 = lstm ? tensor(text, "c0", B * H) : NULL;
    float *x = tensor(text, "x", T * B * I), *P = tensor(text, "P", T * B * H);
    float *Q = tensor(text, "Q", B * H), *R = lstm ? tensor(text, "R", B * H) : NULL;

    CellCache k = { 0 };
    cell_forward(&c, x, T, B, h0, c0, &k);
    compare(text, cell, "out", k.h + B * H, T * B * H);
    compare(text, cell, "hT", k.h + (size_t)T * B * H, B * H);
    if (lstm) compare(text, cell, "cT", k.c + (size_t)T * B * H, B * H);

    /* the loss itself, summed in double */
    double L = 0;
    for (int i = 0; i < T * B * H; i++) L += (double)P[i] * k.h[B * H + i];
    for (int i = 0; i < B * H; i++) {
        L += (double)Q[i] * k.h[(size_t)T * B * H + i];
        if (lstm) L += (double)R[i] * k.c[(size_t)T * B * H + i];
    }
    float Lf = (float)L;
    compare(text, cell, "L", &Lf, 1);

    cell_alloc(&g, kind, I, H);
    cell_zero(&g);
    float *dx = calloc(T * B * I, sizeof *dx), *dh0 = calloc(B * H, sizeof *dh0), *dc0 = calloc(B * H, sizeof *dc0);
    cell_backward(&c, x, &k, P, Q, R, &g, dx, dh0, lstm ? dc0 : NULL);
    compare(text, cell, "dW", g.W, (size_t)G * H * I);
    compare(text, cell, "dU", g.U, (size_t)G * H * H);
    compare(text, cell, "db", g.b, (size_t)G * H);
    compare(text, cell, "dbu", g.bu, (size_t)G * H);
    compare(text, cell, "dx", dx, T * B * I);
    compare(text, cell, "dh0", dh0, B * H);
    if (lstm) compare(text, cell, "dc0", dc0, B * H);

    free(dx);
    free(dh0);
    free(dc0);
    free(W);
    free(U);
    free(b);
    free(bu);
    free(h0);
    free(c0);
    free(x);
    free(P);
    free(Q);
    free(R);
    cell_cache_free(&k);
    cell_free(&g);
    cell_free(&c);
    free(text);
}

Test(recurrent_torch, rnn_matches_pytorch)
{
    check_cell(TZ_CELL_RNN, RNN_FIXTURES "/rnn.txt", "rnn");
}

Test(recurrent_torch, lstm_matches_pytorch)
{
    check_cell(TZ_CELL_LSTM, RNN_FIXTURES "/lstm.txt", "lstm");
}

Test(recurrent_torch, gru_matches_pytorch)
{
    check_cell(TZ_CELL_GRU, RNN_FIXTURES "/gru.txt", "gru");
}
