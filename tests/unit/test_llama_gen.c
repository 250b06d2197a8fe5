/* test_llama_gen.c — models/llama_gen.h: the key/value cache gives llama_forward's numbers one
 * token at a time (RoPE at the absolute position, grouped-query heads, the attention rows kept for
 * the views); a prefill gives stepping's numbers; greedy generation from the llama2.c checkpoint
 * tests/ref/llama/tiny.llama2c.bin picks PyTorch's tokens (tests/ref/llama/greedy.txt, written by
 * tests/ref/make_llama_gen_fixture.py with a full forward pass per token and no cache), across
 * the sliding window too, and so does the same model read from tiny.gguf; and the rules of
 * llama_generate (cut, seeds, stop token, callback, cancel, errors) are gpt_generate's. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/job.h"
#include "fixture.h"
#include "models/llama.h"
#include "models/llama_gen.h"
#include "models/llama_io.h"
#include "tmpdir.h"

#ifndef LLAMA_FIXTURES
#define LLAMA_FIXTURES "tests/ref/llama"
#endif

/* The cache against the full forward pass: float32 both, summed in other orders (sgemv against
 * sgemm); relative, absolute below 1. */
#define TOL 1e-5

/* A random model whose attention is far from uniform (llama_init's 0.02 would make every row
 * nearly flat, and a wrong position or a missing mask hard to see): matrices scaled to std 0.3,
 * RMSNorm weights 1 ± 0.2. */
static void make_model(Llama *m, const LlamaConfig *c, uint64_t seed)
{
    cr_assert_eq(llama_alloc(m, c), 0);
    llama_init(m, seed);
    uint64_t r = sample_seed(seed);
    size_t n;
    int cols;
    for (int i = 0; i < llama_ntensors(c); i++) {
        float *p = llama_tensor(m, i, NULL, 0, &n, NULL, &cols);
        for (size_t j = 0; j < n; j++) {
            if (cols > 1)
                p[j] *= 15.0f;
            else
                p[j] = 1.0f + 0.2f * (float)(2 * sample_uniform(&r) - 1);
        }
    }
}

static void random_tokens(int32_t *t, int n, int V, uint64_t seed)
{
    uint64_t r = sample_seed(seed);
    for (int i = 0; i < n; i++) t[i] = (int32_t)(sample_uniform(&r) * V);
}

static double rel(float a, float b)
{
    return fabs((double)a - b) / fmax(1.0, fabs((double)b));
}

/* C = 72 > LLAMA_KV_CHUNK, so a whole-context prefill runs as two chunks (64 + 8) */
static const LlamaConfig small = {23, 72, 16, 2, 4, 2, 24, 0};

Test(llama_gen, every_step_gives_the_forward_pass_row)
{
    const LlamaConfig cfgs[2] = {small, {19, 12, 24, 3, 6, 3, 20, 1}}; /* GQA untied; tied, group 2 */
    for (int k = 0; k < 2; k++) {
        const LlamaConfig *c = &cfgs[k];
        Llama m;
        make_model(&m, c, 31 + k);
        int T = c->C, V = c->V, H = c->H;
        int32_t *tok = malloc((size_t)T * sizeof *tok);
        random_tokens(tok, T, V, 5 + k);
        LlamaWork w;
        cr_assert_eq(llama_work_alloc(&w, c, 1, T), 0);
        llama_forward(&m, &w, tok, NULL, 1, T);
        LlamaKV kv;
        cr_assert_eq(llama_kv_alloc(&kv, c), 0);
        double worst = 0, worst_att = 0;
        for (int p = 0; p < T; p++) {
            const float *lg = llama_kv_step(&m, &kv, tok[p]);
            cr_assert_eq(kv.pos, p + 1);
            for (int v = 0; v < V; v++) {
                double d = rel(lg[v], w.logits[(size_t)p * V + v]);
                cr_assert(d <= TOL, "cfg %d position %d logit %d: %.9g cached, %.9g forward", k, p, v, (double)lg[v],
                          (double)w.logits[(size_t)p * V + v]);
                worst = fmax(worst, d);
            }
            /* the attention rows kept for the views are the forward pass's row p */
            for (int l = 0; l < c->L; l++)
                for (int h = 0; h < H; h++)
                    for (int j = 0; j <= p; j++) {
                        float a = kv.att[((size_t)l * H + h) * T + j];
                        float b = w.att[l][((size_t)h * T + p) * T + j];
                        worst_att = fmax(worst_att, fabs((double)a - b));
                        cr_assert(fabs((double)a - b) <= TOL, "cfg %d att l%d h%d p%d j%d: %g vs %g", k, l, h, p, j,
                                  (double)a, (double)b);
                    }
        }
        cr_log_info("cfg %d: worst logit difference %.3g, attention %.3g", k, worst, worst_att);
        llama_kv_free(&kv);
        llama_work_free(&w);
        llama_free(&m);
        free(tok);
    }
}

Test(llama_gen, feeding_a_prompt_equals_stepping)
{
    Llama m;
    make_model(&m, &small, 41);
    int n = 70; /* 64 + 6: two chunks */
    int32_t tok[72];
    random_tokens(tok, 72, small.V, 9);
    LlamaKV a, b;
    cr_assert_eq(llama_kv_alloc(&a, &small), 0);
    cr_assert_eq(llama_kv_alloc(&b, &small), 0);
    llama_kv_feed(&m, &a, tok, (size_t)n);
    for (int i = 0; i < n; i++) llama_kv_step(&m, &b, tok[i]);
    cr_assert_eq(a.pos, n);
    cr_assert_eq(b.pos, n);
    cr_assert_eq(memcmp(a.ids, b.ids, (size_t)n * sizeof *a.ids), 0);
    for (int v = 0; v < small.V; v++)
        cr_assert(rel(a.logits[v], b.logits[v]) <= TOL, "logit %d: %g fed, %g stepped", v, (double)a.logits[v],
                  (double)b.logits[v]);
    size_t kvn = (size_t)small.L * small.C * small.Hkv * (small.D / small.H);
    for (int l = 0; l < small.L; l++)
        for (size_t i = 0; i < (size_t)n * small.Hkv * (small.D / small.H); i++) {
            size_t o = (size_t)l * (kvn / small.L) + i;
            cr_assert(rel(a.k[o], b.k[o]) <= TOL && rel(a.v[o], b.v[o]) <= TOL, "cache entry %zu differs", o);
        }
    /* and the rest as steps after a prefill, then reset and again */
    llama_kv_step(&m, &a, tok[70]);
    llama_kv_step(&m, &b, tok[70]);
    for (int v = 0; v < small.V; v++) cr_assert(rel(a.logits[v], b.logits[v]) <= TOL);
    llama_kv_reset(&a);
    cr_assert_eq(a.pos, 0);
    llama_kv_feed(&m, &a, tok, 3);
    llama_kv_reset(&b);
    for (int i = 0; i < 3; i++) llama_kv_step(&m, &b, tok[i]);
    for (int v = 0; v < small.V; v++) cr_assert(rel(a.logits[v], b.logits[v]) <= TOL);
    llama_kv_free(&a);
    llama_kv_free(&b);
    llama_free(&m);
}

/* ---- against PyTorch ------------------------------------------------------------------------ */

static size_t fixture_count(const char *text, const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (strncmp(p, name, nl) == 0 && p[nl] == ' ') return strtoul(p + nl + 1, NULL, 10);
    cr_assert_fail("%s: not in the fixture", name);
    return 0;
}

typedef struct {
    int32_t tok[256];
    int n, stop_after;
    Job *cancel;
    int cancel_after;
} Collect;

static int collect(int32_t t, void *arg)
{
    Collect *c = arg;
    cr_assert(c->n < 256);
    c->tok[c->n++] = t;
    if (c->cancel && c->n == c->cancel_after) job_cancel(c->cancel);
    return c->stop_after > 0 && c->n >= c->stop_after;
}

static void greedy_cases(const Llama *m, const char *greedy)
{
    LlamaKV kv = {0};
    const char *cases[] = {"fill", "slide", "long"};
    for (int k = 0; k < 3; k++) {
        char key[32];
        snprintf(key, sizeof key, "%s.prompt", cases[k]);
        size_t np = fixture_count(greedy, key);
        double *pv = fixture_values(greedy, key, np);
        snprintf(key, sizeof key, "%s.tokens", cases[k]);
        size_t nt = fixture_count(greedy, key);
        double *tv = fixture_values(greedy, key, nt);
        snprintf(key, sizeof key, "%s.cut", cases[k]);
        double *cv = fixture_values(greedy, key, 1);
        int32_t prompt[64];
        cr_assert(np <= 64 && nt <= 256);
        for (size_t i = 0; i < np; i++) prompt[i] = (int32_t)pv[i];
        LlamaGenParams p = {(int)nt, {0.0f, 0, 1.0f}, 1, -1};
        Collect col = {0};
        size_t cut = 99;
        TzErr e = {0};
        long made = llama_generate(m, &kv, prompt, np, &p, collect, &col, &cut, NULL, &e);
        cr_assert_eq(made, (long)nt, "%s: %ld tokens made, %zu wanted (%s)", cases[k], made, nt, e.en);
        cr_assert_eq(cut, (size_t)cv[0], "%s: cut %zu, PyTorch %g", cases[k], cut, cv[0]);
        for (size_t i = 0; i < nt; i++)
            cr_assert_eq(col.tok[i], (int32_t)tv[i], "%s: token %zu is %d here, %d in PyTorch", cases[k], i,
                         col.tok[i], (int)tv[i]);
        free(pv), free(tv), free(cv);
    }
    llama_kv_free(&kv);
}

Test(llama_gen, greedy_from_llama2c_and_gguf_files_matches_pytorch)
{
    size_t len;
    char *greedy = tmp_slurp(LLAMA_FIXTURES "/greedy.txt", &len);
    cr_assert_not_null(greedy, "missing fixture (run tests/ref/make_llama_gen_fixture.py)");
    const char *files[2] = {LLAMA_FIXTURES "/tiny.llama2c.bin", LLAMA_FIXTURES "/tiny.gguf"};
    for (int f = 0; f < 2; f++) {
        Llama m;
        TzErr e = {0};
        int rc = f ? llama_load_gguf(&m, files[f], &e) : llama_load_llama2c(&m, files[f], &e);
        cr_assert_eq(rc, 0, "%s", e.en);
        double sum = 0, *want = fixture_values(greedy, "tiny.sum", 1);
        for (size_t i = 0; i < m.n; i++) sum += m.mem[i];
        cr_assert(fabs(sum - want[0]) <= 1e-6 * fmax(1.0, fabs(want[0])),
                  "%s holds other weights than greedy.txt was made from: run "
                  "tests/ref/make_llama_gen_fixture.py again",
                  files[f]);
        free(want);
        greedy_cases(&m, greedy);
        llama_free(&m);
    }
    free(greedy);
}

/* ---- the rules of llama_generate -------------------------------------------------------------- */

static const LlamaConfig gen = {29, 16, 16, 2, 4, 1, 24, 1}; /* multi-query (Hkv 1), tied */

Test(llama_gen, long_prompt_keeps_its_end_and_the_window_slides)
{
    Llama m;
    make_model(&m, &gen, 21);
    int C = gen.C;
    int32_t prompt[16 + 5];
    random_tokens(prompt, C + 5, gen.V, 4);
    LlamaKV kv = {0};
    LlamaGenParams p = {3 * C, {1.0f, 0, 1.0f}, 77, -1}; /* sampled, and past two slides */
    Collect a = {0}, b = {0};
    size_t cut = 0;
    cr_assert_eq(llama_generate(&m, &kv, prompt, (size_t)C + 5, &p, collect, &a, &cut, NULL, NULL), 3 * C);
    cr_assert_eq(cut, 5);
    long made = llama_generate(&m, &kv, prompt + 5, (size_t)C, &p, collect, &b, &cut, NULL, NULL);
    cr_assert_eq(made, 3 * C);
    cr_assert_eq(cut, 0);
    cr_assert_eq(memcmp(a.tok, b.tok, (size_t)made * sizeof a.tok[0]), 0);
    /* the cache holds the window: the last tokens generated, except the last one (only drawn) */
    cr_assert(kv.pos >= C / 2 && kv.pos <= C);
    for (int i = 0; i < kv.pos; i++) cr_assert_eq(kv.ids[kv.pos - 1 - i], b.tok[made - 2 - i]);
    /* and its logits are those of a fresh forward pass over that window */
    LlamaWork w;
    cr_assert_eq(llama_work_alloc(&w, &gen, 1, kv.pos), 0);
    llama_forward(&m, &w, kv.ids, NULL, 1, kv.pos);
    LlamaKV fresh;
    cr_assert_eq(llama_kv_alloc(&fresh, &gen), 0);
    llama_kv_feed(&m, &fresh, kv.ids, (size_t)kv.pos);
    for (int v = 0; v < gen.V; v++)
        cr_assert(rel(fresh.logits[v], w.logits[(size_t)(kv.pos - 1) * gen.V + v]) <= TOL);
    llama_kv_free(&fresh);
    llama_work_free(&w);
    llama_kv_free(&kv);
    llama_free(&m);
}

Test(llama_gen, seeds_stop_token_and_callback)
{
    Llama m;
    make_model(&m, &gen, 22);
    int32_t prompt[3] = {1, 2, 3};
    LlamaKV kv = {0};
    LlamaGenParams p = {20, {1.5f, 0, 1.0f}, 5, -1};
    Collect a = {0}, b = {0}, d = {0};
    cr_assert_eq(llama_generate(&m, &kv, prompt, 3, &p, collect, &a, NULL, NULL, NULL), 20);
    cr_assert_eq(llama_generate(&m, &kv, prompt, 3, &p, collect, &b, NULL, NULL, NULL), 20);
    cr_assert_eq(memcmp(a.tok, b.tok, sizeof a.tok), 0, "the same seed gave other tokens");
    p.seed = 6;
    cr_assert_eq(llama_generate(&m, &kv, prompt, 3, &p, collect, &d, NULL, NULL, NULL), 20);
    cr_assert_neq(memcmp(a.tok, d.tok, 20 * sizeof a.tok[0]), 0, "seeds 5 and 6 gave the same 20 tokens");
    cr_assert(kv.kept >= 1 && kv.kept <= (size_t)gen.V);
    double s = 0;
    for (size_t i = 0; i < kv.kept; i++) s += kv.probs[kv.order[i]];
    cr_assert_float_eq(s, 1.0, 1e-5);
    /* stop token: generation ends before the first time it is drawn */
    p.seed = 5;
    p.stop_token = a.tok[4];
    int first = 0;
    while (a.tok[first] != p.stop_token) first++;
    Collect e1 = {0};
    cr_assert_eq(llama_generate(&m, &kv, prompt, 3, &p, collect, &e1, NULL, NULL, NULL), first);
    cr_assert_eq(e1.n, first);
    /* the callback says stop after 7 */
    p.stop_token = -1;
    Collect e2 = {.stop_after = 7};
    cr_assert_eq(llama_generate(&m, &kv, prompt, 3, &p, collect, &e2, NULL, NULL, NULL), 7);
    cr_assert_eq(memcmp(a.tok, e2.tok, 7 * sizeof a.tok[0]), 0);
    p.n = 0;
    cr_assert_eq(llama_generate(&m, &kv, prompt, 3, &p, NULL, NULL, NULL, NULL, NULL), 0);
    llama_kv_free(&kv);
    llama_free(&m);
}

typedef struct {
    const Llama *m;
    LlamaKV kv;
    Collect col;
    long made;
} GenJob;

static int gen_job(Job *job, void *arg, TzErr *e)
{
    GenJob *j = arg;
    int32_t prompt[2] = {4, 5};
    LlamaGenParams p = {50, {1.0f, 0, 1.0f}, 3, -1};
    j->col.cancel = job;
    j->col.cancel_after = 6;
    j->made = llama_generate(j->m, &j->kv, prompt, 2, &p, collect, &j->col, NULL, job, e);
    return j->made < 0;
}

Test(llama_gen, a_cancelled_job_keeps_what_was_made)
{
    Llama m;
    make_model(&m, &gen, 23);
    GenJob j = {.m = &m};
    Job *job = job_start("generate", "token", gen_job, &j);
    TzErr e = {0};
    cr_assert_eq(job_wait(job, &e), 0);
    cr_assert_eq(j.made, 6);
    cr_assert_eq(j.col.n, 6);
    llama_kv_free(&j.kv);
    llama_free(&m);
}

Test(llama_gen, bad_prompts_and_shapes_are_refused)
{
    Llama m;
    make_model(&m, &gen, 24);
    LlamaKV kv = {0};
    LlamaGenParams p = {5, {1.0f, 0, 1.0f}, 1, -1};
    TzErr e = {0};
    int32_t ok[2] = {1, 2}, bad[3] = {1, 29, 2}, neg[1] = {-4};
    cr_assert_eq(llama_generate(&m, &kv, ok, 0, &p, NULL, NULL, NULL, NULL, &e), -1);
    cr_assert_eq(e.code, TZ_E_ARG);
    cr_assert(strstr(e.en, "empty"), "%s", e.en);
    cr_assert_eq(llama_generate(&m, &kv, bad, 3, &p, NULL, NULL, NULL, NULL, &e), -1);
    cr_assert(strstr(e.en, "prompt token 2 (29)") && strstr(e.en, "0 to 28"), "%s", e.en);
    cr_assert_eq(llama_generate(&m, &kv, neg, 1, &p, NULL, NULL, NULL, NULL, &e), -1);
    cr_assert_eq(llama_generate(&m, &kv, ok, 2, &p, NULL, NULL, NULL, NULL, &e), 5);
    /* a cache of another shape is reallocated */
    Llama m2;
    LlamaConfig other = {7, 4, 8, 1, 2, 2, 8, 0};
    make_model(&m2, &other, 1);
    cr_assert_eq(llama_generate(&m2, &kv, ok, 2, &p, NULL, NULL, NULL, NULL, &e), 5);
    cr_assert_eq(kv.cfg.V, 7);
    /* sizes: K and V are L·C·KV floats each (KV = Hkv·hs, here 4: a quarter of D) */
    cr_assert(llama_kv_bytes(&gen) >= 4u * 2 * 2 * 16 * 4);
    LlamaConfig broken = gen;
    broken.Hkv = 3;
    cr_assert_eq(llama_kv_bytes(&broken), 0);
    LlamaConfig huge = {32000, 1 << 30, 1 << 20, 1 << 10, 1 << 4, 1 << 4, 1 << 20, 0};
    cr_assert_eq(llama_kv_bytes(&huge), 0);
    LlamaKV z;
    cr_assert_eq(llama_kv_alloc(&z, &broken), -1);
    cr_assert_eq(llama_kv_alloc(&z, &huge), -1);
    llama_kv_free(&z);
    llama_kv_free(&kv);
    llama_free(&m2);
    llama_free(&m);
}
