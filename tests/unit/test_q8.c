/* test_q8.c — Q8_0 weights (nn/q8.h) and a LLaMA that runs on them: the quantiser against GGUF's
 * own writer (the file's definition), the error bound, each int8 kernel against the definition
 * in double, a Q8_0 GGUF file (tests/ref/make_llama_q8_fixture.py) loaded and kept in Q8_0, and
 * generation from a quantised model against the float one. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "formats/gguf.h"
#include "models/llama.h"
#include "models/llama_gen.h"
#include "models/llama_io.h"
#include "nn/q8.h"
#include "tmpdir.h"

#define LLAMA_FIXTURES "tests/ref/llama"

static uint64_t rng_state = 12345;
static float urand(void)    /* uniform in [−1, 1) */
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (float)((double)(rng_state >> 11) / 9007199254740992.0 * 2.0 - 1.0);
}

Test(q8, quantiser_is_ggufs_definition_and_within_half_a_step)
{
    enum { ROWS = 3, COLS = 96, N = ROWS * COLS };
    float x[N];
    for (int i = 0; i < N; i++) x[i] = urand() * (i < 32 ? 0.001f : 3.0f);
    for (int i = 64; i < 96; i++) x[i] = 0.0f;      /* an all-zero block: d = 0, q = 0 */
    /* GGUF's writer (formats/gguf.c, ggml's reference rule) gives the file's bytes */
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    GgufOut t = {"w", 2, {ROWS, COLS}, GGML_Q8_0, x};
    TzErr e = {0};
    cr_assert_eq(gguf_write(fp, NULL, 0, &t, 1, 0, &e), 0, "%s", e.en);
    fclose(fp);
    GgufFile f;
    cr_assert_eq(gguf_parse(&f, buf, len, "mem", &e), 0, "%s", e.en);
    const GgufTensor *gt = gguf_find(&f, "w");
    int8_t qf[N], q[N];
    float df[N / 32], d[N / 32], back[N];
    q8_from_gguf(gt->data, N, qf, df);
    q8_quantize(x, N, q, d);
    cr_assert_eq(memcmp(q, qf, N), 0, "the same bytes as GGUF's writer");
    for (int b = 0; b < N / 32; b++) cr_assert_eq(d[b], df[b], "block %d's scale", b);
    /* the round trip: q is x/s rounded (s = amax/127, exact), and d is s rounded to fp16, so
     * |x − d·q| ≤ s/2 + |q|·|d − s| (fp16's rounding is 2⁻¹¹ relative, coarser for the subnormal
     * scales of the tiny block 0) */
    q8_dequantize(q, d, N, back);
    for (int i = 0; i < N; i++) {
        float amax = 0;
        for (int k = i / 32 * 32; k < i / 32 * 32 + 32; k++) amax = fmaxf(amax, fabsf(x[k]));
        double s = amax / 127.0, bound = 0.5 * s + abs(q[i]) * fabs(d[i / 32] - s);
        cr_assert(fabs(back[i] - x[i]) <= bound * (1 + 1e-5) + 1e-12, "value %d: %g back as %g (bound %g)", i,
                  (double)x[i], (double)back[i], bound);
        cr_assert(fabs(d[i / 32] - s) <= s * (1.0 / 2048) + 3e-8, "fp16 rounding of the scale");
    }
    for (int i = 64; i < 96; i++) cr_assert_eq(back[i], 0.0f);
    gguf_free(&f);
    free(buf);
}

/* q8_matvec with each kernel this processor has, against the definition in double, for rows that
 * are not a multiple of four and weights at both ends of int8 (−128 included: a file may hold it). */
Test(q8, every_kernel_matches_the_definition)
{
    enum { ROWS = 7, COLS = 160 };
    static int8_t qw[ROWS * COLS];
    float dw[ROWS * COLS / 32], x[COLS], da[COLS / 32], y[ROWS];
    int8_t qa[COLS];
    for (int i = 0; i < ROWS * COLS; i++) qw[i] = (int8_t)(int)floorf(urand() * 128.0f);
    qw[0] = -128, qw[1] = 127, qw[COLS] = -128;
    for (int i = 0; i < ROWS * COLS / 32; i++) dw[i] = 0.01f + 0.001f * (float)i;
    for (int i = 0; i < COLS; i++) x[i] = urand();
    x[0] = -1.0f, x[1] = 1.0f;      /* −128 (rows 0 and 1, column 0) against a negative activation */
    q8_quantize_act(x, COLS, qa, da);
    for (int i = 0; i < COLS; i++) cr_assert(qa[i] >= -127 && qa[i] <= 127);
    Q8Mat W = {ROWS, COLS, qw, dw};
    int tried = 0;
    for (int k = 0; k < 3; k++) {
        if (q8_force(k) != 0) continue;
        tried++;
        for (int i = 0; i < ROWS; i++) y[i] = NAN;
        q8_matvec(y, &W, qa, da, 1, ROWS);             /* from row 1: a start that is not 0 */
        cr_assert(isnan(y[0]), "row 0 was not asked for");
        for (int r = 1; r < ROWS; r++) {
            double want = q8_dot_naive(qw + r * COLS, dw + r * COLS / 32, qa, da, COLS);
            cr_assert(fabs(y[r] - want) <= 1e-5 * fmax(1.0, fabs(want)), "kernel %s row %d: %g, want %g", q8_kernel(),
                      r, (double)y[r], want);
        }
        /* and against the float activation: each value moved by at most half its block's step */
        double exact = 0, bound = 0;
        for (int i = 0; i < COLS; i++) {
            double wv = (double)dw[COLS / 32 + i / 32] * qw[COLS + i];
            exact += wv * x[i];
            bound += fabs(wv) * 0.5 * da[i / 32];
        }
        cr_assert(fabs(y[1] - exact) <= bound * 1.001 + 1e-6, "%g vs %g (bound %g)", (double)y[1], exact, bound);
    }
    q8_force(-1);
    cr_assert_geq(tried, 1);
    cr_assert(strcmp(q8_kernel(), "c") == 0 || strcmp(q8_kernel(), "avx2") == 0 ||
              strcmp(q8_kernel(), "avx512-vnni") == 0);
}

/* The fixture's Q8_0 file: kept in Q8_0, its bytes as they are (the same numbers as the float32
 * load, which dequantises), a quarter of the memory, logits close to the definition's. */
Test(q8, gguf_q8_file_is_kept_in_q8_and_runs)
{
    size_t len;
    char *text = tmp_slurp(LLAMA_FIXTURES "/q8.txt", &len);
    cr_assert_not_null(text, "missing fixture (run tests/ref/make_llama_q8_fixture.py)");
    Llama mq, mf;
    TzErr e = {0};
    cr_assert_eq(llama_load_gguf_as(&mq, LLAMA_FIXTURES "/q8.gguf", LLAMA_LOAD_KEEP, &e), 0, "%s", e.en);
    cr_assert_eq(llama_load_gguf_as(&mf, LLAMA_FIXTURES "/q8.gguf", LLAMA_LOAD_F32, &e), 0, "%s", e.en);
    const LlamaConfig *c = &mq.cfg;
    cr_assert_eq(mq.nq8, 7 * c->L + 2, "every matrix in Q8_0 (%d)", mq.nq8);
    cr_assert_eq(mf.nq8, 0);
    cr_assert_lt(llama_weight_bytes(&mq) * 3, llama_weight_bytes(&mf), "%zu vs %zu bytes", llama_weight_bytes(&mq),
                 llama_weight_bytes(&mf));
    for (int i = 0; i < llama_ntensors(c); i++) {
        size_t n;
        const float *f = llama_tensor(&mf, i, NULL, 0, &n, NULL, NULL);
        const Q8Mat *q = llama_tensor_q8(&mq, i);
        if (!q) {
            cr_assert_eq(memcmp(f, llama_tensor(&mq, i, NULL, 0, NULL, NULL, NULL), n * sizeof *f), 0);
            continue;
        }
        cr_assert_null(llama_tensor(&mq, i, NULL, 0, NULL, NULL, NULL));
        float *back = malloc(n * sizeof *back);
        q8_dequantize(q->q, q->d, n, back);
        cr_assert_eq(memcmp(back, f, n * sizeof *f), 0, "tensor %d: d·q is the float32 load's value", i);
        free(back);
    }
    int T = c->C, V = c->V;
    double *tv = fixture_values(text, "tokens", (size_t)T);
    int32_t tok[64];
    for (int t = 0; t < T; t++) tok[t] = (int32_t)tv[t];
    free(tv);
    LlamaWork w;
    cr_assert_eq(llama_work_alloc(&w, c, 1, T), 0);
    /* float32 (dequantised) weights: the definition's numbers */
    llama_forward(&mf, &w, tok, NULL, 1, T);
    double worst_f = fixture_compare(text, "logits", w.logits, (size_t)T * V, 1.0, 1e-4);
    /* Q8_0: the activations are quantised too. The error, as a fraction of max(|logit|, 5) (the
     * logits reach about ±10): measured 0.065 — all of it the activations' rounding, since the
     * float32 load of the same bytes is within 10⁻⁵; asserted at 2× */
    llama_forward(&mq, &w, tok, NULL, 1, T);
    double worst_q = fixture_compare(text, "logits", w.logits, (size_t)T * V, 5.0, 0.13);
    /* and generation's path (the cache, the team, the same kernels) agrees with the batch pass */
    LlamaKV kv;
    cr_assert_eq(llama_kv_alloc(&kv, c), 0);
    for (int t = 0; t < T; t++) {
        const float *lg = llama_kv_step(&mq, &kv, tok[t]);
        for (int v = 0; v < V; v++)
            cr_assert(fabsf(lg[v] - w.logits[(size_t)t * V + v]) <= 1e-4f * fmaxf(1.0f, fabsf(lg[v])),
                      "step %d logit %d: %g vs %g", t, v, (double)lg[v], (double)w.logits[(size_t)t * V + v]);
    }
    cr_log_info("q8 fixture: float32 worst %.2g, Q8_0 worst %.3g (kernel %s)", worst_f, worst_q, q8_kernel());
    llama_kv_free(&kv);
    llama_work_free(&w);
    llama_free(&mq);
    llama_free(&mf);
    free(text);
}

/* llama_quantize on a float model: logits stay close and greedy picks agree wherever the float
 * model's choice is clear (its best logit ahead of the second by more than twice the tolerance). */
Test(q8, quantized_generation_follows_the_float_model)
{
    LlamaConfig c = {64, 32, 64, 2, 4, 2, 96, 1};
    Llama mf, mq;
    cr_assert_eq(llama_alloc(&mf, &c), 0);
    llama_init(&mf, 3);
    /* llama_init's 0.02 makes every logit nearly equal; scale up so that choices are clear */
    for (size_t i = 0; i < mf.n; i++) mf.mem[i] *= mf.mem[i] == 1.0f ? 1.0f : 5.0f;
    cr_assert_eq(llama_alloc(&mq, &c), 0);
    memcpy(mq.mem, mf.mem, mf.n * sizeof *mf.mem);
    size_t fbytes = llama_weight_bytes(&mq);
    cr_assert_eq(llama_quantize(&mq), 7 * c.L + 1, "every matrix (tied: one table) quantised");
    cr_assert_lt(llama_weight_bytes(&mq) * 3, fbytes);
    cr_assert_eq(llama_quantize(&mq), 0, "nothing left to quantise");
    LlamaKV kf, kq;
    cr_assert_eq(llama_kv_alloc(&kf, &c), 0);
    cr_assert_eq(llama_kv_alloc(&kq, &c), 0);
    int32_t tok = 1;
    double worst = 0;
    int clear = 0;
    /* the difference as a fraction of the step's largest |logit|: measured 0.018; asserted at 2× */
    const double TOL = 0.035;
    for (int s = 0; s < c.C; s++) {
        const float *lf = llama_kv_step(&mf, &kf, tok), *lq = llama_kv_step(&mq, &kq, tok);
        int best = 0, second = -1;
        double scale = 0, diff = 0;
        for (int v = 0; v < c.V; v++) {
            scale = fmax(scale, fabs(lf[v]));
            diff = fmax(diff, fabs(lf[v] - lq[v]));
            if (lf[v] > lf[best]) second = best, best = v;
            else if (v != best && (second < 0 || lf[v] > lf[second])) second = v;
        }
        worst = fmax(worst, diff / scale);
        int bq = 0;
        for (int v = 1; v < c.V; v++) bq = lq[v] > lq[bq] ? v : bq;
        if (lf[best] - lf[second] > 2 * TOL * scale) {
            clear++;
            cr_assert_eq(bq, best, "step %d: Q8_0 picks %d, float %d", s, bq, best);
        }
        tok = best;
    }
    cr_assert(worst <= TOL, "logits differ by %g", worst);
    cr_assert_geq(clear, c.C / 2, "most steps had a clear choice (%d)", clear);
    cr_log_info("quantised generation: worst logit difference %.3g, %d clear steps", worst, clear);
    llama_kv_free(&kf);
    llama_kv_free(&kq);
    llama_free(&mf);
    llama_free(&mq);
}

/* A model whose widths are not multiples of 32 cannot be quantised: it stays as it was. */
Test(q8, unquantisable_widths_leave_the_model_alone)
{
    LlamaConfig c = {17, 8, 16, 2, 4, 2, 24, 0};
    Llama m;
    cr_assert_eq(llama_alloc(&m, &c), 0);
    llama_init(&m, 1);
    cr_assert_eq(llama_quantize(&m), 0);
    cr_assert_eq(m.nq8, 0);
    cr_assert_eq(llama_weight_bytes(&m), llama_nparams(&c) * sizeof(float));
    llama_free(&m);
}
