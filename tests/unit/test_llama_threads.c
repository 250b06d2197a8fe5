/* test_llama_threads.c — llama_forward and llama_backward split between threads (models/llama.c
 * on the engine's team) give the numbers of one thread: the loss, every logit and every parameter
 * gradient, for a batch big enough to be split (B·T·D ≥ 16384), with grouped-query attention, an
 * ignored target and an untied output layer. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/llama.h"
#include "models/llama_gen.h"
#include "nn/layers.h"
#include "nn/recurrent.h"

static void run(const Llama *m, Llama *g, LlamaWork *w, const int32_t *x, const int32_t *y, int B, int T, int threads,
                double *loss)
{
    llama_set_threads(threads);
    llama_zero(g);
    *loss = llama_forward(m, w, x, y, B, T);
    llama_backward(m, g, w, x, y, B, T);
    llama_set_threads(0);
}

Test(llama_threads, two_threads_give_one_threads_numbers)
{
    LlamaConfig c = {50, 32, 64, 2, 4, 2, 96, 0};
    enum { B = 8, T = 32 };
    Llama m, g1, g2;
    LlamaWork w1, w2;
    cr_assert_eq(llama_alloc(&m, &c), 0);
    cr_assert_eq(llama_alloc(&g1, &c), 0);
    cr_assert_eq(llama_alloc(&g2, &c), 0);
    cr_assert_eq(llama_work_alloc(&w1, &c, B, T), 0);
    cr_assert_eq(llama_work_alloc(&w2, &c, B, T), 0);
    llama_init(&m, 5);
    for (size_t i = 0; i < m.n; i++) m.mem[i] *= m.mem[i] == 1.0f ? 1.0f : 10.0f;  /* attention far from uniform */
    int32_t x[B * T], y[B * T];
    uint64_t r = 9;
    for (int i = 0; i < B * T; i++) {
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        x[i] = (int32_t)((r >> 33) % (uint64_t)c.V);
        y[i] = (int32_t)((r >> 45) % (uint64_t)c.V);
    }
    y[17] = TZ_IGNORE;
    double l1, l2;
    cell_set_threads(2);
    run(&m, &g1, &w1, x, y, B, T, 1, &l1);
    run(&m, &g2, &w2, x, y, B, T, 2, &l2);
    cell_set_threads(0);
    cr_assert(fabs(l1 - l2) <= 1e-6 * fabs(l1), "loss %.9g (1 thread) vs %.9g (2)", l1, l2);
    for (size_t i = 0; i < (size_t)B * T * c.V; i++)
        cr_assert(fabsf(w1.logits[i] - w2.logits[i]) <= 1e-5f * fmaxf(1.0f, fabsf(w1.logits[i])), "logit %zu", i);
    double gmax = 0;
    for (size_t i = 0; i < g1.n; i++) gmax = fmax(gmax, fabs(g1.mem[i]));
    cr_assert_gt(gmax, 0.0);
    for (int t = 0; t < llama_ntensors(&c); t++) {
        char name[64];
        size_t n;
        const float *a = llama_tensor(&g1, t, name, sizeof name, &n, NULL, NULL);
        const float *b = llama_tensor(&g2, t, NULL, 0, NULL, NULL, NULL);
        for (size_t i = 0; i < n; i++)
            cr_assert(fabs(a[i] - b[i]) <= 1e-5 * gmax, "%s[%zu]: %.9g (1 thread) vs %.9g (2)", name, i, (double)a[i],
                      (double)b[i]);
    }
    llama_work_free(&w1);
    llama_work_free(&w2);
    llama_free(&g1);
    llama_free(&g2);
    llama_free(&m);
}

/* Generation: one token on the team (every product split by rows, attention by heads) gives one
 * thread's logits, in float32 and in Q8_0, for a model big enough to be split (≥ 2·10⁵
 * multiply-adds a token), through a prompt (the chunk path) and then token by token. */
Test(llama_threads, generation_on_two_threads_gives_one_threads_logits)
{
    LlamaConfig c = {512, 32, 128, 2, 4, 2, 384, 1};
    Llama m;
    cr_assert_eq(llama_alloc(&m, &c), 0);
    llama_init(&m, 8);
    for (size_t i = 0; i < m.n; i++) m.mem[i] *= m.mem[i] == 1.0f ? 1.0f : 5.0f;
    cell_set_threads(2);
    for (int q8 = 0; q8 < 2; q8++) {
        if (q8) cr_assert_gt(llama_quantize(&m), 0);
        LlamaKV k1, k2;
        cr_assert_eq(llama_kv_alloc(&k1, &c), 0);
        cr_assert_eq(llama_kv_alloc(&k2, &c), 0);
        int32_t prompt[5] = {3, 77, 400, 12, 9}, tok = 0;
        for (int s = 0; s < 20; s++) {
            llama_set_threads(1);
            const float *a = s ? llama_kv_step(&m, &k1, tok) : llama_kv_feed(&m, &k1, prompt, 5);
            llama_set_threads(2);
            const float *b = s ? llama_kv_step(&m, &k2, tok) : llama_kv_feed(&m, &k2, prompt, 5);
            int best = 0;
            for (int v = 0; v < c.V; v++) {
                cr_assert(fabsf(a[v] - b[v]) <= 1e-5f * fmaxf(1.0f, fabsf(a[v])), "%s step %d logit %d: %g vs %g",
                          q8 ? "Q8_0" : "float32", s, v, (double)a[v], (double)b[v]);
                best = a[v] > a[best] ? v : best;
            }
            for (int l = 0; l < c.L; l++)   /* the attention kept for the views, every head */
                for (int h = 0; h < c.H; h++)
                    for (int j = 0; j < k1.pos; j++) {
                        size_t i = ((size_t)l * c.H + h) * c.C + j;
                        cr_assert(fabsf(k1.att[i] - k2.att[i]) <= 1e-6f, "att l%d h%d j%d", l, h, j);
                    }
            tok = best;
        }
        llama_kv_free(&k1);
        llama_kv_free(&k2);
    }
    llama_set_threads(0);
    cell_set_threads(0);
    llama_free(&m);
}
