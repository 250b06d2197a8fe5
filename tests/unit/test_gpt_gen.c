/* test_gpt_gen.c — models/gpt_gen.h: the key/value cache gives gpt_forward's numbers one token at
 * a time; greedy generation picks PyTorch's tokens (tests/ref/gpt/greedy.txt, written by
 * tests/ref/make_gpt_gen_fixture.py with a full forward pass per token and no cache), across the
 * sliding window too; and the rules of gpt_generate (cut, stop, callback, cancel, seeds, errors). */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/job.h"
#include "fixture.h"
#include "models/gpt.h"
#include "models/gpt_gen.h"
#include "tmpdir.h"

#ifndef GPT_FIXTURES
#define GPT_FIXTURES "tests/ref/gpt"
#endif

/* A random model whose attention is far from uniform: gpt_init's 0.02 would make every attention
 * row nearly flat (and a wrong position or a missing mask hard to see), so the matrices are
 * scaled up, and the biases and layernorm parameters given values of their own. */
static void make_model(Gpt *g, const GptConfig *c, uint64_t seed)
{
    cr_assert_eq(gpt_alloc(g, c), 0);
    gpt_init(g, seed);
    uint64_t r = sample_seed(seed);
    char name[64];
    size_t n;
    int rows, cols;
    for (int i = 0; i < gpt_ntensors(c); i++) {
        float *p = gpt_tensor(g, i, name, sizeof name, &n, &rows, &cols);
        int is_ln = strstr(name, "ln_") != NULL, is_w = strstr(name, ".weight") != NULL;
        for (size_t j = 0; j < n; j++) {
            float u = (float)(2 * sample_uniform(&r) - 1);
            if (cols > 1) p[j] *= 15.0f;                  /* matrices: std 0.3 */
            else if (is_ln && is_w) p[j] = 1.0f + 0.2f * u; /* γ */
            else p[j] = 0.1f * u;                         /* β and biases */
        }
    }
}

static void random_tokens(int32_t *t, int n, int V, uint64_t seed)
{
    uint64_t r = sample_seed(seed);
    for (int i = 0; i < n; i++) t[i] = (int32_t)(sample_uniform(&r) * V);
}

/* |a − b| ≤ tol · max(1, |b|) for n floats */
static double worst_rel(const float *a, const float *b, size_t n)
{
    double w = 0;
    for (size_t i = 0; i < n; i++) w = fmax(w, fabs(a[i] - b[i]) / fmax(1.0, fabs(b[i])));
    return w;
}

Test(gpt_gen, step_matches_the_full_forward)
{
    /* every position of the context, one token at a time */
    GptConfig c = {23, 40, 24, 3, 3};
    enum { T = 40 };
    Gpt g;
    make_model(&g, &c, 11);
    GptWork w;
    cr_assert_eq(gpt_work_alloc(&w, &c, 1, T), 0);
    int32_t tok[T];
    random_tokens(tok, T, c.V, 5);
    gpt_forward(&g, &w, tok, NULL, 1, T);

    GptKV kv;
    cr_assert_eq(gpt_kv_alloc(&kv, &c), 0);
    double worst = 0, worst_att = 0, peak = 0;
    for (int t = 0; t < T; t++) {
        const float *lg = gpt_kv_step(&g, &kv, tok[t]);
        cr_assert_eq(kv.pos, t + 1);
        cr_assert_eq(kv.ids[t], tok[t]);
        double e = worst_rel(lg, w.logits + (size_t)t * c.V, (size_t)c.V);
        cr_assert(e <= 1e-5, "position %d: logits differ by %g", t, e);
        worst = fmax(worst, e);
        /* the attention row of token t, every block and head: row t of gpt_forward's T × T */
        for (int l = 0; l < c.L; l++)
            for (int h = 0; h < c.H; h++) {
                const float *ours = kv.att + ((size_t)l * c.H + h) * c.C;
                const float *theirs = w.att[l] + ((size_t)h * T + t) * T;
                double s = 0;
                for (int j = 0; j <= t; j++) {
                    double d = fabs(ours[j] - theirs[j]);
                    cr_assert(d <= 1e-5, "att l%d h%d t%d j%d: %g vs %g", l, h, t, j, (double)ours[j],
                              (double)theirs[j]);
                    worst_att = fmax(worst_att, d);
                    peak = fmax(peak, ours[j]);
                    s += ours[j];
                }
                cr_assert_float_eq(s, 1.0, 1e-5);
            }
    }
    /* the scaled weights do make attention peaked (else the row test would be weak) */
    cr_assert(peak > 0.9, "attention never concentrates (largest weight %g)", peak);
    cr_log_info("gpt_gen: cache vs forward over %d positions: logits %.2g, attention %.2g", T, worst, worst_att);
    gpt_kv_free(&kv);
    gpt_kv_free(&kv); /* safe twice (zeroed) */
    gpt_work_free(&w);
    gpt_free(&g);
}

Test(gpt_gen, feed_equals_stepping)
{
    /* a context longer than a chunk, so that a prefill runs in several chunks */
    GptConfig c = {11, 2 * GPT_KV_CHUNK + 10, 16, 2, 2};
    int C = c.C;
    Gpt g;
    make_model(&g, &c, 3);
    int32_t *tok = malloc((size_t)C * sizeof *tok);
    random_tokens(tok, C, c.V, 8);
    GptKV a, b;
    cr_assert_eq(gpt_kv_alloc(&a, &c), 0);
    cr_assert_eq(gpt_kv_alloc(&b, &c), 0);
    const float *la = NULL;
    for (int t = 0; t < C; t++) la = gpt_kv_step(&g, &a, tok[t]);
    /* 3 tokens, then 2 chunks and a bit, then the rest */
    gpt_kv_feed(&g, &b, tok, 3);
    cr_assert_eq(b.pos, 3);
    gpt_kv_feed(&g, &b, tok + 3, 2 * GPT_KV_CHUNK + 2);
    const float *lb = gpt_kv_feed(&g, &b, tok + 2 * GPT_KV_CHUNK + 5, (size_t)C - 2 * GPT_KV_CHUNK - 5);
    cr_assert_eq(b.pos, C);
    cr_assert_eq(lb, b.logits);
    cr_assert(worst_rel(la, lb, (size_t)c.V) <= 1e-5);
    size_t cache = (size_t)c.L * C * c.D;
    cr_assert(worst_rel(a.k, b.k, cache) <= 1e-5);
    cr_assert(worst_rel(a.v, b.v, cache) <= 1e-5);
    cr_assert(worst_rel(a.att, b.att, (size_t)c.L * c.H * C) <= 1e-5);
    cr_assert_eq(memcmp(a.ids, b.ids, (size_t)C * sizeof *a.ids), 0);
    /* reset: the same tokens again give the same numbers */
    gpt_kv_reset(&b);
    cr_assert_eq(b.pos, 0);
    lb = gpt_kv_feed(&g, &b, tok, (size_t)C);
    cr_assert(worst_rel(la, lb, (size_t)c.V) <= 1e-5);
    gpt_kv_free(&a);
    gpt_kv_free(&b);
    free(tok);
    gpt_free(&g);
}

/* ---- against PyTorch ---------------------------------------------------------------------- */

static void load_tiny(Gpt *g, const char *text)
{
    char name[64];
    size_t n;
    for (int i = 0; i < gpt_ntensors(&g->cfg); i++) {
        float *p = gpt_tensor(g, i, name, sizeof name, &n, NULL, NULL);
        double *v = fixture_values(text, name, n);
        for (size_t j = 0; j < n; j++) p[j] = (float)v[j];
        free(v);
    }
}

/* how many values the fixture's line called name has */
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
    int n, stop_after;      /* stop_after > 0: the callback asks to stop at that count */
    Job *cancel;            /* cancel this job after cancel_after tokens */
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

Test(gpt_gen, greedy_matches_pytorch)
{
    size_t len;
    char *tiny = tmp_slurp(GPT_FIXTURES "/tiny.txt", &len);
    char *greedy = tmp_slurp(GPT_FIXTURES "/greedy.txt", &len);
    cr_assert_not_null(tiny, "missing fixture (run tests/ref/make_gpt_fixtures.py)");
    cr_assert_not_null(greedy, "missing fixture (run tests/ref/make_gpt_gen_fixture.py)");
    GptConfig c = {13, 8, 8, 2, 2};
    Gpt g;
    cr_assert_eq(gpt_alloc(&g, &c), 0);
    load_tiny(&g, tiny);
    double sum = 0, *want = fixture_values(greedy, "tiny.sum", 1);
    for (size_t i = 0; i < g.n; i++) sum += g.mem[i];
    cr_assert(fabs(sum - want[0]) <= 1e-6 * fmax(1.0, fabs(want[0])),
              "tiny.txt changed after greedy.txt was made: run tests/ref/make_gpt_gen_fixture.py again");
    free(want);
    GptKV kv = {0};
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

        GptGenParams p = {(int)nt, {0.0f, 0, 1.0f}, 1, -1};
        Collect col = {0};
        size_t cut = 99;
        TzErr e = {0};
        long made = gpt_generate(&g, &kv, prompt, np, &p, collect, &col, &cut, NULL, &e);
        cr_assert_eq(made, (long)nt, "%s: %ld tokens made, %zu wanted", cases[k], made, nt);
        cr_assert_eq(col.n, (int)nt);
        cr_assert_eq(cut, (size_t)cv[0], "%s: cut %zu, PyTorch %g", cases[k], cut, cv[0]);
        for (size_t i = 0; i < nt; i++)
            cr_assert_eq(col.tok[i], (int32_t)tv[i], "%s: token %zu is %d here, %d in PyTorch", cases[k], i,
                         col.tok[i], (int)tv[i]);
        cr_assert(kv.pos >= 1 && kv.pos <= c.C);
        free(pv), free(tv), free(cv);
    }
    gpt_kv_free(&kv);
    gpt_free(&g);
    free(tiny), free(greedy);
}

/* ---- the rules of gpt_generate -------------------------------------------------------------- */

static const GptConfig small = {29, 16, 16, 2, 2};

Test(gpt_gen, long_prompt_keeps_its_end_and_generation_goes_on)
{
    Gpt g;
    make_model(&g, &small, 21);
    int C = small.C;
    int32_t prompt[16 + 5];
    random_tokens(prompt, C + 5, small.V, 4);
    GptKV kv = {0};
    GptGenParams p = {3 * C, {1.0f, 0, 1.0f}, 77, -1};   /* sampled, and past two slides */
    Collect a = {0}, b = {0};
    size_t cut = 0;
    long made = gpt_generate(&g, &kv, prompt, (size_t)C + 5, &p, collect, &a, &cut, NULL, NULL);
    cr_assert_eq(made, 3 * C);
    cr_assert_eq(cut, 5);
    /* the same as giving only the last C tokens */
    made = gpt_generate(&g, &kv, prompt + 5, (size_t)C, &p, collect, &b, &cut, NULL, NULL);
    cr_assert_eq(made, 3 * C);
    cr_assert_eq(cut, 0);
    cr_assert_eq(memcmp(a.tok, b.tok, (size_t)made * sizeof a.tok[0]), 0);
    /* the cache holds the window: its ids are the last tokens generated (the last one drawn is
     * not fed) */
    cr_assert(kv.pos >= C / 2 && kv.pos <= C);
    for (int i = 0; i < kv.pos; i++) cr_assert_eq(kv.ids[kv.pos - 1 - i], b.tok[made - 2 - i]);
    gpt_kv_free(&kv);
    gpt_free(&g);
}

Test(gpt_gen, seeds_stop_token_and_callback)
{
    Gpt g;
    make_model(&g, &small, 22);
    int32_t prompt[3] = {1, 2, 3};
    GptKV kv = {0};
    GptGenParams p = {20, {1.5f, 0, 1.0f}, 5, -1};
    Collect a = {0}, b = {0}, d = {0};
    cr_assert_eq(gpt_generate(&g, &kv, prompt, 3, &p, collect, &a, NULL, NULL, NULL), 20);
    cr_assert_eq(gpt_generate(&g, &kv, prompt, 3, &p, collect, &b, NULL, NULL, NULL), 20);
    cr_assert_eq(memcmp(a.tok, b.tok, sizeof a.tok), 0, "the same seed gave other tokens");
    p.seed = 6;
    cr_assert_eq(gpt_generate(&g, &kv, prompt, 3, &p, collect, &d, NULL, NULL, NULL), 20);
    cr_assert_neq(memcmp(a.tok, d.tok, 20 * sizeof a.tok[0]), 0, "seeds 5 and 6 gave the same 20 tokens");
    /* kv->probs / order hold the last draw's distribution */
    cr_assert(kv.kept >= 1 && kv.kept <= (size_t)small.V);
    double s = 0;
    for (size_t i = 0; i < kv.kept; i++) s += kv.probs[kv.order[i]];
    cr_assert_float_eq(s, 1.0, 1e-5);

    /* stop token: the first time a.tok's 5th token is drawn, generation ends before it */
    p.seed = 5;
    p.stop_token = a.tok[4];
    int first = 0;
    while (a.tok[first] != p.stop_token) first++;
    Collect e1 = {0};
    cr_assert_eq(gpt_generate(&g, &kv, prompt, 3, &p, collect, &e1, NULL, NULL, NULL), first);
    cr_assert_eq(e1.n, first);
    /* the callback says stop after 7 */
    p.stop_token = -1;
    Collect e2 = {.stop_after = 7};
    cr_assert_eq(gpt_generate(&g, &kv, prompt, 3, &p, collect, &e2, NULL, NULL, NULL), 7);
    cr_assert_eq(memcmp(a.tok, e2.tok, 7 * sizeof a.tok[0]), 0);
    /* n = 0: nothing; NULL callback: fine */
    p.n = 0;
    cr_assert_eq(gpt_generate(&g, &kv, prompt, 3, &p, NULL, NULL, NULL, NULL, NULL), 0);
    p.n = 4;
    cr_assert_eq(gpt_generate(&g, &kv, prompt, 3, &p, NULL, NULL, NULL, NULL, NULL), 4);
    gpt_kv_free(&kv);
    gpt_free(&g);
}

typedef struct {
    const Gpt *g;
    GptKV kv;
    Collect col;
    long made;
} GenJob;

static int gen_job(Job *job, void *arg, TzErr *e)
{
    GenJob *j = arg;
    int32_t prompt[2] = {4, 5};
    GptGenParams p = {50, {1.0f, 0, 1.0f}, 3, -1};
    j->col.cancel = job;
    j->col.cancel_after = 6;
    j->made = gpt_generate(j->g, &j->kv, prompt, 2, &p, collect, &j->col, NULL, job, e);
    return j->made < 0;
}

Test(gpt_gen, a_cancelled_job_keeps_what_was_made)
{
    Gpt g;
    make_model(&g, &small, 23);
    GenJob j = {.g = &g};
    Job *job = job_start("generate", "token", gen_job, &j);
    TzErr e = {0};
    cr_assert_eq(job_wait(job, &e), 0);
    cr_assert_eq(j.made, 6);
    cr_assert_eq(j.col.n, 6);
    gpt_kv_free(&j.kv);
    gpt_free(&g);
}

Test(gpt_gen, bad_prompts_are_refused)
{
    Gpt g;
    make_model(&g, &small, 24);
    GptKV kv = {0};
    GptGenParams p = {5, {1.0f, 0, 1.0f}, 1, -1};
    TzErr e = {0};
    int32_t ok[2] = {1, 2}, bad[3] = {1, 29, 2}, neg[1] = {-4};
    cr_assert_eq(gpt_generate(&g, &kv, ok, 0, &p, NULL, NULL, NULL, NULL, &e), -1);
    cr_assert_eq(e.code, TZ_E_ARG);
    cr_assert(strstr(e.en, "empty"), "%s", e.en);
    cr_assert_eq(gpt_generate(&g, &kv, bad, 3, &p, NULL, NULL, NULL, NULL, &e), -1);
    cr_assert_eq(e.code, TZ_E_ARG);
    cr_assert(strstr(e.en, "prompt token 2 (29)") && strstr(e.en, "0 to 28"), "%s", e.en);
    cr_assert(strstr(e.tr, "(29)"), "%s", e.tr);
    cr_assert_eq(gpt_generate(&g, &kv, neg, 1, &p, NULL, NULL, NULL, NULL, &e), -1);
    /* and the cache still works afterwards */
    cr_assert_eq(gpt_generate(&g, &kv, ok, 2, &p, NULL, NULL, NULL, NULL, &e), 5);
    /* a cache of another shape is reallocated */
    GptConfig other = {7, 4, 8, 1, 2};
    Gpt g2;
    make_model(&g2, &other, 1);
    cr_assert_eq(gpt_generate(&g2, &kv, ok, 2, &p, NULL, NULL, NULL, NULL, &e), 5);
    cr_assert_eq(kv.cfg.V, 7);
    /* sizes: the cache dominates; an invalid configuration has none */
    cr_assert(gpt_kv_bytes(&small) >= 8u * 2 * 16 * 16);
    GptConfig broken = {10, 8, 9, 1, 2};
    cr_assert_eq(gpt_kv_bytes(&broken), 0);
    GptConfig huge = {50257, 1 << 30, 1 << 20, 1 << 10, 1 << 4};
    cr_assert_eq(gpt_kv_bytes(&huge), 0);
    GptKV z;
    cr_assert_eq(gpt_kv_alloc(&z, &broken), -1);
    cr_assert_eq(gpt_kv_alloc(&z, &huge), -1);
    gpt_kv_free(&z);
    gpt_kv_free(&kv);
    gpt_free(&g2);
    gpt_free(&g);
}
