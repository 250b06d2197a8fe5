/* test_recurrent_fast.c — the fast paths of src/engine/nn/recurrent.c give the numbers of the
 * plain ones:
 *   - a batch big enough for the team of threads (the hidden units split between 2 threads)
 *     against the same pass on one thread (cell_set_threads(1)): outputs, every gradient and the
 *     whole ∂L/∂h_t of cell_backward_ex;
 *   - an input given as rows of a table (cell_forward_ids / cell_backward_ids: the table
 *     projected once per row when it is smaller than the batch, looked up otherwise) against
 *     cell_forward / cell_backward on the looked-up rows, the embedding's gradient against the
 *     scattered dx.
 * For the RNN, the LSTM and the GRU, to 1e-5 relative (the sums are in another order). */
#include <criterion/criterion.h>

#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nn/recurrent.h"

TestSuite(recurrent_fast);

static float rnd(uint64_t *r)
{
    *r = *r * 6364136223846793005ULL + 1442695040888963407ULL;
    return (float)((double)(*r >> 40) / (double)(1 << 24)) * 2.0f - 1.0f;
}

static float *rnd_vec(size_t n, float scale, uint64_t *r)
{
    float *v = malloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++) v[i] = rnd(r) * scale;
    return v;
}

static void same(const char *what, const float *a, const float *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cr_assert(fabsf(a[i] - b[i]) <= 1e-5f * fmaxf(1.0f, fabsf(b[i])), "%s[%zu]: %.9g against %.9g", what, i, a[i], b[i]);
}

/* Forward and backward of cell c over x with loss weights P (T × B × H) and Q (on h_T):
 * the outputs into k, the gradients into g (zeroed first), dx, dh0, dh_total. */
typedef struct {
    CellCache k;
    Cell g;
    float *dx, *dh0, *dc0, *tot;
} Run;

static void run(const Cell *c, const float *x, int T, int B, const float *h0, const float *c0, const float *P, const float *Q,
                Run *o)
{
    size_t BH = (size_t)B * c->H;
    memset(&o->k, 0, sizeof o->k);
    cell_forward(c, x, T, B, h0, c0, &o->k);
    cell_alloc(&o->g, c->kind, c->In, c->H);
    o->dx = calloc((size_t)T * B * c->In, sizeof(float));
    o->dh0 = calloc(BH, sizeof(float));
    o->dc0 = calloc(BH, sizeof(float));
    o->tot = calloc((size_t)T * BH, sizeof(float));
    cell_backward_ex(c, x, &o->k, P, Q, NULL, &o->g, o->dx, o->dh0, o->dc0, o->tot);
}

static void run_free(Run *o)
{
    cell_cache_free(&o->k);
    cell_free(&o->g);
    free(o->dx); free(o->dh0); free(o->dc0); free(o->tot);
}

/* Threads of this process (each test runs in a process of its own). */
static int threads_now(void)
{
    DIR *d = opendir("/proc/self/task");
    if (!d) return -1;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] != '.') n++;
    closedir(d);
    return n;
}

static void check_team(CellKind kind)
{
    /* B·G·H² ≥ 2¹⁹ multiply-adds a step: the team splits the units (2 threads: 128 units each) */
    enum { T = 4, B = 8, I = 24, H = 256 };
    uint64_t r = 7 + (uint64_t)kind;
    Cell c;
    cell_alloc(&c, kind, I, H);
    cell_init(&c, 11);
    size_t BH = (size_t)B * H, GH = (size_t)c.G * H;
    float *x = rnd_vec((size_t)T * B * I, 1.0f, &r), *h0 = rnd_vec(BH, 0.5f, &r), *c0 = rnd_vec(BH, 0.5f, &r);
    float *P = rnd_vec((size_t)T * BH, 1.0f, &r), *Q = rnd_vec(BH, 1.0f, &r);
    Run one, two;
    cell_set_threads(1);
    run(&c, x, T, B, h0, c0, P, Q, &one);
    int before = threads_now();
    cell_set_threads(2);
    run(&c, x, T, B, h0, c0, P, Q, &two);
    cell_set_threads(0);
    cr_assert_gt(threads_now(), before, "the team started no thread");
    same("h", two.k.h, one.k.h, (size_t)(T + 1) * BH);
    same("gate", two.k.gate, one.k.gate, (size_t)T * B * GH);
    if (kind == TZ_CELL_LSTM) same("c", two.k.c, one.k.c, (size_t)(T + 1) * BH);
    same("dW", two.g.W, one.g.W, GH * I);
    same("dU", two.g.U, one.g.U, GH * H);
    same("db", two.g.b, one.g.b, GH);
    same("dbu", two.g.bu, one.g.bu, GH);
    same("dx", two.dx, one.dx, (size_t)T * B * I);
    same("dh0", two.dh0, one.dh0, BH);
    same("dc0", two.dc0, one.dc0, BH);
    same("dh_total", two.tot, one.tot, (size_t)T * BH);
    /* and something happened: the gradients are not all zero */
    double s = 0;
    for (size_t i = 0; i < GH * H; i++) s += fabs(one.g.U[i]);
    cr_assert_gt(s, 1e-3);
    run_free(&one);
    run_free(&two);
    free(x); free(h0); free(c0); free(P); free(Q);
    cell_free(&c);
}

Test(recurrent_fast, rnn_team_equals_one_thread) { check_team(TZ_CELL_RNN); }
Test(recurrent_fast, lstm_team_equals_one_thread) { check_team(TZ_CELL_LSTM); }
Test(recurrent_fast, gru_team_equals_one_thread) { check_team(TZ_CELL_GRU); }

/* cell_*_ids with a table of V rows against the plain passes on the looked-up rows. */
static void check_ids(CellKind kind, int V)
{
    enum { T = 6, B = 4, E = 5, H = 7 };
    uint64_t r = 1000 + (uint64_t)kind + (uint64_t)V;
    Cell c;
    cell_alloc(&c, kind, E, H);
    cell_init(&c, 5);
    size_t BH = (size_t)B * H, GH = (size_t)c.G * H, TB = (size_t)T * B;
    float *emb = rnd_vec((size_t)V * E, 1.0f, &r), *h0 = rnd_vec(BH, 0.5f, &r), *c0 = rnd_vec(BH, 0.5f, &r);
    float *P = rnd_vec(TB * H, 1.0f, &r), *Q = rnd_vec(BH, 1.0f, &r);
    int32_t ids[T * B];
    float x[T * B * E];
    for (size_t i = 0; i < TB; i++) {
        ids[i] = (int32_t)((i * 7 + i / 3) % (size_t)V);      /* repeats, so rows of S add up */
        memcpy(x + i * E, emb + (size_t)ids[i] * E, E * sizeof(float));
    }
    Run plain;
    run(&c, x, T, B, h0, c0, P, Q, &plain);

    CellCache k = { 0 };
    cell_forward_ids(&c, emb, V, ids, T, B, h0, c0, &k);
    same("h", k.h, plain.k.h, (size_t)(T + 1) * BH);
    same("gate", k.gate, plain.k.gate, TB * GH);
    Cell g;
    cell_alloc(&g, kind, E, H);
    float *demb = calloc((size_t)V * E, sizeof(float)), *dh0 = calloc(BH, sizeof(float)), *dc0 = calloc(BH, sizeof(float));
    demb[0] = 0.25f;        /* demb is added to */
    cell_backward_ids(&c, emb, V, ids, &k, P, Q, NULL, &g, demb, dh0, dc0);
    same("dW", g.W, plain.g.W, GH * E);
    same("dU", g.U, plain.g.U, GH * H);
    same("db", g.b, plain.g.b, GH);
    same("dbu", g.bu, plain.g.bu, GH);
    same("dh0", dh0, plain.dh0, BH);
    same("dc0", dc0, plain.dc0, BH);
    /* the embedding's gradient: dx of every position scattered onto its token's row */
    float *want = calloc((size_t)V * E, sizeof(float));
    want[0] = 0.25f;
    for (size_t i = 0; i < TB; i++)
        for (int j = 0; j < E; j++) want[(size_t)ids[i] * E + j] += plain.dx[i * E + j];
    same("demb", demb, want, (size_t)V * E);
    free(want); free(demb); free(dh0); free(dc0);
    cell_free(&g);
    cell_cache_free(&k);
    run_free(&plain);
    free(emb); free(h0); free(c0); free(P); free(Q);
    cell_free(&c);
}

/* V = 5 < T·B/2: the table is projected; V = 40 > T·B: the rows are looked up */
Test(recurrent_fast, rnn_ids_small_table) { check_ids(TZ_CELL_RNN, 5); }
Test(recurrent_fast, lstm_ids_small_table) { check_ids(TZ_CELL_LSTM, 5); }
Test(recurrent_fast, gru_ids_small_table) { check_ids(TZ_CELL_GRU, 5); }
Test(recurrent_fast, lstm_ids_big_table) { check_ids(TZ_CELL_LSTM, 40); }
Test(recurrent_fast, gru_ids_big_table) { check_ids(TZ_CELL_GRU, 40); }
