/* test_recurrent.c — the RNN, LSTM and GRU cells of src/engine/nn/recurrent.c: every gradient
 * of cell_backward against central differences of the loss
 *     L = Σ_t P_t · h_t + Q · h_T (+ R · c_T for the LSTM)
 * with random weights, inputs, h0 and c0 (T 4, B 2, I 3, H 5); the loss is summed in double.
 * (tests/unit/test_recurrent_torch.c checks the same cells against PyTorch.) */
#include <criterion/criterion.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nn/recurrent.h"

enum { T = 4, B = 2, I = 3, H = 5 };

static float rnd(uint64_t *r)
{
    *r = *r * 6364136223846793005ULL + 1442695040888963407ULL;
    return (float)((double)(*r >> 40) / (double)(1 << 24)) * 2.0f - 1.0f;
}

typedef struct {
    float x[T * B * I], h0[B * H], c0[B * H], P[T * B * H], Q[B * H], R[B * H];
} Inputs;

static double loss(const Cell *c, const Inputs *in, CellCache *k)
{
    cell_forward(c, in->x, T, B, in->h0, in->c0, k);
    double L = 0;
    for (int i = 0; i < T * B * H; i++) L += (double)in->P[i] * k->h[B * H + i];
    for (int i = 0; i < B * H; i++) L += (double)in->Q[i] * k->h[T * B * H + i];
    if (k->c)
        for (int i = 0; i < B * H; i++) L += (double)in->R[i] * k->c[T * B * H + i];
    return L;
}

/* Central difference of L with respect to *p. */
static double numeric(const Cell *c, const Inputs *in, float *p)
{
    CellCache k = { 0 };
    const float eps = 1e-2f;
    float keep = *p;
    *p = keep + eps;
    double lp = loss(c, in, &k);
    *p = keep - eps;
    double lm = loss(c, in, &k);
    *p = keep;
    cell_cache_free(&k);
    return (lp - lm) / (2.0 * eps);
}

static void check(const char *what, int idx, double ana, double num)
{
    cr_assert(fabs(ana - num) <= 2e-3 + 1e-2 * fabs(num), "%s[%d]: backward %.6f, central difference %.6f", what, idx,
              ana, num);
}

static void check_cell(CellKind kind)
{
    Cell c;
    cell_alloc(&c, kind, I, H);
    cell_init(&c, 3);
    uint64_t r = 99 + (uint64_t)kind;
    /* bigger weights than the initial ones, so the non-linearities are really bent */
    size_t GH = (size_t)c.G * H;
    for (size_t i = 0; i < GH * I; i++) c.W[i] = rnd(&r);
    for (size_t i = 0; i < GH * H; i++) c.U[i] = rnd(&r);
    for (size_t i = 0; i < GH; i++) { c.b[i] = rnd(&r) * 0.5f; c.bu[i] = rnd(&r) * 0.5f; }
    Inputs in;
    for (int i = 0; i < T * B * I; i++) in.x[i] = rnd(&r);
    for (int i = 0; i < B * H; i++) { in.h0[i] = rnd(&r) * 0.5f; in.c0[i] = rnd(&r) * 0.5f; in.Q[i] = rnd(&r); in.R[i] = rnd(&r); }
    for (int i = 0; i < T * B * H; i++) in.P[i] = rnd(&r);

    CellCache k = { 0 };
    loss(&c, &in, &k);
    Cell g;
    cell_alloc(&g, kind, I, H);
    float dx[T * B * I], dh0[B * H], dc0[B * H];
    cell_backward(&c, in.x, &k, in.P, in.Q, kind == TZ_CELL_LSTM ? in.R : NULL, &g, dx, dh0, dc0);

    for (size_t i = 0; i < GH * I; i++) check("dW", (int)i, g.W[i], numeric(&c, &in, &c.W[i]));
    for (size_t i = 0; i < GH * H; i++) check("dU", (int)i, g.U[i], numeric(&c, &in, &c.U[i]));
    for (size_t i = 0; i < GH; i++) {
        check("db", (int)i, g.b[i], numeric(&c, &in, &c.b[i]));
        check("dbu", (int)i, g.bu[i], numeric(&c, &in, &c.bu[i]));
    }
    for (int i = 0; i < T * B * I; i++) check("dx", i, dx[i], numeric(&c, &in, &in.x[i]));
    for (int i = 0; i < B * H; i++) check("dh0", i, dh0[i], numeric(&c, &in, &in.h0[i]));
    if (kind == TZ_CELL_LSTM)
        for (int i = 0; i < B * H; i++) check("dc0", i, dc0[i], numeric(&c, &in, &in.c0[i]));
    /* gradients accumulate: a second backward doubles them */
    float w0 = g.W[0];
    cell_backward(&c, in.x, &k, in.P, in.Q, kind == TZ_CELL_LSTM ? in.R : NULL, &g, NULL, NULL, NULL);
    cr_assert_float_eq(g.W[0], 2 * w0, 1e-5f * (1 + fabsf(w0)));
    cell_cache_free(&k);
    cell_free(&g);
    cell_free(&c);
}

Test(recurrent, rnn_gradients_are_central_differences) { check_cell(TZ_CELL_RNN); }
Test(recurrent, lstm_gradients_are_central_differences) { check_cell(TZ_CELL_LSTM); }
Test(recurrent, gru_gradients_are_central_differences) { check_cell(TZ_CELL_GRU); }

Test(recurrent, lstm_starts_remembering)
{
    Cell c;
    cell_alloc(&c, TZ_CELL_LSTM, 2, 8);
    cell_init(&c, 1);
    cr_assert_eq(cell_nparams(&c), 4 * 8 * 2 + 4 * 8 * 8 + 2 * 4 * 8);
    for (int j = 0; j < 8; j++) cr_assert_float_eq(c.b[8 + j] + c.bu[8 + j], 1.0f, 1e-6f, "forget bias 1");
    /* with zero input and state the forget gate is σ(1) */
    float x[2] = { 0, 0 };
    CellCache k = { 0 };
    memset(c.W, 0, 4 * 8 * 2 * sizeof(float));
    cell_forward(&c, x, 1, 1, NULL, NULL, &k);
    for (int j = 0; j < 8; j++) cr_assert_float_eq(k.gate[8 + j], 1.0f / (1.0f + expf(-1.0f)), 1e-6f);
    cell_cache_free(&k);
    cell_free(&c);
}
