/* test_gpt_train.c — the GPT training loop (models/gpt_train.c) on a tiny model (V 12, C 16,
 * D 32, L 2, H 2) and a patterned stream: the loss falls from ≈ ln V to near 0 and the model then
 * predicts the pattern greedily; the held-out loss is evaluated at the planned steps; the same
 * seed gives the same weights bit for bit (with dropout too, which changes them); an absurd
 * learning rate is caught as a divergence with the last sane weights kept; a cancelled job keeps
 * a usable model; a stream too short for one window is refused. The checkpoint (gpt_ckpt_*): a
 * round trip keeps the weights bit for bit, the tokenizer and the metadata; a wrong magic, a
 * truncated file, a flipped byte, heads that do not divide the width, a tokenizer larger than
 * the model, a bad end-of-text token, a long origin and a NaN weight are each refused with a
 * message. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "formats/ckpt.h"
#include "models/gpt.h"
#include "models/gpt_train.h"
#include "tmpdir.h"

static const GptConfig cfg = { .V = 12, .C = 16, .D = 32, .L = 2, .H = 2 };

/* A stream with structure a model must use context for: a period of 9 in which token 4 is
 * followed by 2, 0 or 7 depending on what came before it. */
static int32_t *pattern(size_t n)
{
    static const int32_t per[9] = { 1, 4, 2, 9, 4, 0, 10, 4, 7 };
    int32_t *ids = malloc(n * sizeof *ids);
    for (size_t i = 0; i < n; i++) ids[i] = per[i % 9];
    return ids;
}

static GptTrainConfig small_cfg(long steps)
{
    GptTrainConfig tc = gpt_train_defaults();
    tc.B = 8;
    tc.T = 16;
    tc.steps = steps;
    tc.lr = 3e-3f;
    tc.eval_every = 20;
    tc.eval_windows = 8;
    return tc;
}

static int finite_all(const Gpt *g)
{
    for (size_t i = 0; i < g->n; i++)
        if (!isfinite(g->mem[i])) return 0;
    return 1;
}

Test(gpt_train, loss_falls_and_the_model_predicts_the_pattern)
{
    size_t n = 2000;
    int32_t *ids = pattern(n);
    Gpt g;
    cr_assert_eq(gpt_alloc(&g, &cfg), 0);
    gpt_init(&g, 3);
    GptTrainConfig tc = small_cfg(120);
    GptTrainStats st;
    TzErr e;
    cr_assert_eq(gpt_train(&g, ids, n, &tc, &st, NULL, &e), 0, "%s", e.en);
    cr_assert(st.finished);
    cr_assert_eq(st.steps, 120);
    cr_assert_eq(st.ntrain + st.nval, n);
    cr_assert_eq(st.nval, 200);
    cr_assert(fabs(st.first_loss - log(12.0)) < 0.3, "first loss %f, ln V %f", st.first_loss, log(12.0));
    cr_assert(st.train_loss < 0.1, "train loss %f", st.train_loss);
    /* the held-out part is the same pattern: learnt, not memorised */
    cr_assert(isfinite(st.val_loss) && st.val_loss < 0.1, "val loss %f", st.val_loss);
    /* evaluated every 20 steps: 6 times, the curve going down */
    cr_assert_eq(st.nevals, 6);
    cr_assert_eq(st.eval_step[0], 20);
    cr_assert_eq(st.eval_step[5], 120);
    cr_assert(st.eval_val[5] < st.eval_val[0], "%f !< %f", st.eval_val[5], st.eval_val[0]);
    cr_assert_eq(st.eval_val[5], st.val_loss);
    cr_assert(st.tokens_per_s > 0);

    /* greedy next-token prediction on a window from the middle: after the first two tokens
     * (which settle which 4 is which), every prediction is the pattern's next token */
    GptWork w;
    cr_assert_eq(gpt_work_alloc(&w, &cfg, 1, 16), 0);
    gpt_forward(&g, &w, ids + 1001, NULL, 1, 16);
    for (int t = 2; t < 16; t++) {
        const float *z = w.logits + (size_t)t * cfg.V;
        int best = 0;
        for (int v = 1; v < cfg.V; v++)
            if (z[v] > z[best]) best = v;
        cr_assert_eq(best, ids[1001 + t + 1], "position %d: predicted %d, next is %d", t, best, ids[1001 + t + 1]);
    }
    /* the held-out loss is a fixed set of windows: the same number twice */
    double v1 = gpt_eval_loss(&g, ids + st.ntrain, st.nval, 8, 16, 8), v2 = gpt_eval_loss(&g, ids + st.ntrain, st.nval, 3, 16, 8);
    cr_assert_float_eq(v1, st.val_loss, 1e-9);
    cr_assert_float_eq(v1, v2, 1e-5);   /* batching the windows differently changes nothing */
    gpt_work_free(&w);
    gpt_free(&g);
    free(ids);
}

Test(gpt_train, same_seed_same_weights)
{
    size_t n = 600;
    int32_t *ids = pattern(n);
    Gpt a, b, c;
    cr_assert_eq(gpt_alloc(&a, &cfg), 0);
    cr_assert_eq(gpt_alloc(&b, &cfg), 0);
    cr_assert_eq(gpt_alloc(&c, &cfg), 0);
    gpt_init(&a, 5);
    gpt_init(&b, 5);
    gpt_init(&c, 5);
    GptTrainConfig tc = small_cfg(15);
    GptTrainStats sa, sb, sc;
    TzErr e;
    cr_assert_eq(gpt_train(&a, ids, n, &tc, &sa, NULL, &e), 0);
    cr_assert_eq(gpt_train(&b, ids, n, &tc, &sb, NULL, &e), 0);
    tc.seed = 2;   /* other windows */
    cr_assert_eq(gpt_train(&c, ids, n, &tc, &sc, NULL, &e), 0);
    cr_assert_eq(memcmp(a.mem, b.mem, a.n * sizeof *a.mem), 0, "same seed, different weights");
    cr_assert_eq(sa.train_loss, sb.train_loss);
    cr_assert_neq(memcmp(a.mem, c.mem, a.n * sizeof *a.mem), 0, "another seed drew the same windows");
    gpt_free(&a);
    gpt_free(&b);
    gpt_free(&c);
    free(ids);
}

Test(gpt_train, dropout_is_seeded_and_changes_training)
{
    size_t n = 600;
    int32_t *ids = pattern(n);
    Gpt a, b, c;
    cr_assert_eq(gpt_alloc(&a, &cfg), 0);
    cr_assert_eq(gpt_alloc(&b, &cfg), 0);
    cr_assert_eq(gpt_alloc(&c, &cfg), 0);
    gpt_init(&a, 5);
    gpt_init(&b, 5);
    gpt_init(&c, 5);
    GptTrainConfig tc = small_cfg(10);
    GptTrainStats sa, sb, sc;
    TzErr e;
    tc.dropout = 0.2f;
    cr_assert_eq(gpt_train(&a, ids, n, &tc, &sa, NULL, &e), 0);
    cr_assert_eq(gpt_train(&b, ids, n, &tc, &sb, NULL, &e), 0);
    tc.dropout = 0;
    cr_assert_eq(gpt_train(&c, ids, n, &tc, &sc, NULL, &e), 0);
    cr_assert_eq(memcmp(a.mem, b.mem, a.n * sizeof *a.mem), 0, "dropout with the same seed gave other weights");
    cr_assert_neq(memcmp(a.mem, c.mem, a.n * sizeof *a.mem), 0, "dropout changed nothing");
    /* the held-out loss is measured without dropout: evaluating twice gives the same number */
    double v1 = gpt_eval_loss(&a, ids, n, 8, 16, 8), v2 = gpt_eval_loss(&a, ids, n, 8, 16, 8);
    cr_assert_eq(v1, v2);
    gpt_free(&a);
    gpt_free(&b);
    gpt_free(&c);
    free(ids);
}

Test(gpt_train, an_absurd_learning_rate_is_caught)
{
    size_t n = 600;
    int32_t *ids = pattern(n);
    Gpt g, g0;
    cr_assert_eq(gpt_alloc(&g, &cfg), 0);
    cr_assert_eq(gpt_alloc(&g0, &cfg), 0);
    gpt_init(&g, 7);
    gpt_init(&g0, 7);
    GptTrainConfig tc = small_cfg(50);
    tc.lr = 1e4f;
    tc.warmup = 0;
    tc.clip = 0;
    GptTrainStats st;
    TzErr e;
    int rc = gpt_train(&g, ids, n, &tc, &st, NULL, &e);
    cr_assert_eq(rc, TZ_E_NUMERIC, "rc %d", rc);
    cr_assert(st.diverged);
    cr_assert(!st.finished);
    cr_assert(st.steps < 50);
    cr_assert(strstr(e.en, "lr=") && strstr(e.en, "clip="), "%s", e.en);
    cr_assert(finite_all(&g), "the weights kept are not finite");
    /* the weights kept still give a sane loss: at most what a know-nothing model pays, plus a bit */
    GptWork w;
    cr_assert_eq(gpt_work_alloc(&w, &cfg, 1, 16), 0);
    double l = gpt_forward(&g, &w, ids, ids + 1, 1, 16);
    cr_assert(isfinite(l) && l < 3 * log(12.0) + 1, "loss of the kept weights %f", l);
    gpt_work_free(&w);
    gpt_free(&g);
    gpt_free(&g0);
    free(ids);
}

typedef struct {
    Gpt *g;
    const int32_t *ids;
    size_t n;
    GptTrainConfig tc;
    GptTrainStats st;
} TrainArg;

static int train_fn(Job *job, void *arg, TzErr *e)
{
    TrainArg *A = arg;
    return gpt_train(A->g, A->ids, A->n, &A->tc, &A->st, job, e);
}

Test(gpt_train, cancel_keeps_a_usable_model)
{
    size_t n = 2000;
    int32_t *ids = pattern(n);
    Gpt g;
    cr_assert_eq(gpt_alloc(&g, &cfg), 0);
    gpt_init(&g, 3);
    TrainArg A = { .g = &g, .ids = ids, .n = n, .tc = small_cfg(100000) };
    A.tc.eval_every = 5;
    /* a short warm-up: with 100000 planned steps the default (1/15 of them) would keep the
       rate near 0 for the few steps this test lets it take, and the loss would not move */
    A.tc.warmup = 2;
    Job *job = job_start("gpt test", "token", train_fn, &A);
    JobProgress p;
    int seen_val = 0;
    long long total_seen = 0;
    do {   /* let it take a few steps and publish a held-out loss, then stop it */
        job_progress(job, &p);
        seen_val |= p.has_val;
        if (p.total) total_seen = p.total;   /* 0 while a held-out evaluation has the line */
    } while (p.running && (p.opt_step < 30 || !seen_val || !total_seen));
    cr_assert(seen_val, "no held-out loss was published");
    cr_assert_eq(p.opt_total, 100000);
    cr_assert_eq(total_seen, 100000LL * 8 * 16, "the progress counts tokens (%lld)", total_seen);
    job_cancel(job);
    TzErr e;
    cr_assert_eq(job_wait(job, &e), 0);
    cr_assert(!A.st.finished);
    cr_assert(A.st.steps >= 30 && A.st.steps < 100000);
    cr_assert(finite_all(&g));
    cr_assert(isfinite(A.st.val_loss) && A.st.val_loss < A.st.first_loss, "val %f first %f", A.st.val_loss,
              A.st.first_loss);
    gpt_free(&g);
    free(ids);
}

Test(gpt_train, a_stream_shorter_than_a_window_is_refused)
{
    size_t n = 15;   /* 90% = 14 tokens for training; a window of T 16 needs 17 */
    int32_t *ids = pattern(n);
    Gpt g;
    cr_assert_eq(gpt_alloc(&g, &cfg), 0);
    gpt_init(&g, 3);
    GptTrainConfig tc = small_cfg(10);
    GptTrainStats st;
    TzErr e;
    cr_assert_eq(gpt_train(&g, ids, n, &tc, &st, NULL, &e), TZ_E_ARG);
    cr_assert(strstr(e.en, "ctx"), "%s", e.en);
    gpt_free(&g);
    free(ids);
}

Test(gpt_train, memory_estimate_grows_with_the_shape)
{
    GptConfig small = { 1000, 128, 128, 4, 4 }, big = { 50257, 1024, 768, 12, 12 };
    double a = gpt_train_bytes(&small, 16, 128), b = gpt_train_bytes(&big, 16, 1024);
    /* 5 copies of the weights at least */
    cr_assert(a > 20.0 * gpt_nparams(&small));
    /* GPT-2 small at batch 16 × 1024: the weights' 5 copies (2.5 GB) and ~ 50 GB of activations */
    cr_assert(b > 2.4e9 + 30e9 && b < 100e9, "%g", b);
    cr_assert(gpt_activation_bytes(&small, 16, 128) < gpt_activation_bytes(&small, 32, 128));
}

/* --- checkpoints ------------------------------------------------------------------------------- */

TestSuite(gpt_ckpt, .init = tmp_setup, .fini = tmp_teardown);

static const char *text_tr = "Kitaplarımızdan geliyorum. Kitaplar, kitaplık, kitapçı; İstanbul'da ışıklı bir gün.\n";

/* A small model with a tokenizer trained on a Turkish line, saved; returns the path. */
static const char *saved(Gpt *g, Bpe *b, GptCkptMeta *meta)
{
    TzErr e;
    cr_assert_eq(bpe_train(text_tr, strlen(text_tr), 280, b, NULL, &e), 0);
    GptConfig c = { .V = b->vocab + 3, .C = 16, .D = 8, .L = 2, .H = 2 };
    cr_assert_eq(gpt_alloc(g, &c), 0);
    gpt_init(g, 9);
    *meta = (GptCkptMeta){ .eot = b->vocab + 1, .lang = TZ_LANG_TR, .steps = 600, .val_loss = 2.5 };
    snprintf(meta->origin, sizeof meta->origin, "mini-tr, 600 adım");
    const char *path = tmp_path("m.tzgpt");
    cr_assert_eq(gpt_ckpt_save(g, b, meta, path, &e), 0, "%s", e.en);
    return path;
}

Test(gpt_ckpt, round_trip)
{
    Gpt g, h;
    Bpe b, c;
    GptCkptMeta m, m2;
    const char *path = saved(&g, &b, &m);
    cr_assert(gpt_ckpt_is(path));
    TzErr e;
    cr_assert_eq(gpt_ckpt_load(&h, &c, &m2, path, &e), 0, "%s", e.en);
    cr_assert_eq(memcmp(&g.cfg, &h.cfg, sizeof g.cfg), 0);
    cr_assert_eq(memcmp(g.mem, h.mem, g.n * sizeof *g.mem), 0);
    cr_assert_eq(m2.eot, m.eot);
    cr_assert_eq(m2.lang, TZ_LANG_TR);
    cr_assert_eq(m2.steps, 600);
    cr_assert_float_eq(m2.val_loss, 2.5, 1e-6);
    cr_assert_str_eq(m2.origin, "mini-tr, 600 adım");
    int32_t x[128], y[128];
    size_t nx = bpe_encode(&b, text_tr, strlen(text_tr), x, 128), ny = bpe_encode(&c, text_tr, strlen(text_tr), y, 128);
    cr_assert_eq(nx, ny);
    cr_assert_eq(memcmp(x, y, nx * sizeof *x), 0);
    gpt_free(&g); gpt_free(&h); bpe_free(&b); bpe_free(&c);
}

/* Parse a damaged copy: must fail with TZ_E_FORMAT and a message holding `needle`. */
static void refused(const unsigned char *d, size_t n, const char *needle)
{
    Gpt g;
    Bpe b;
    GptCkptMeta m;
    TzErr e;
    int rc = gpt_ckpt_parse(&g, &b, &m, d, n, "x.tzgpt", &e);
    cr_assert_eq(rc, TZ_E_FORMAT, "rc %d for '%s'", rc, needle);
    cr_assert(strstr(e.en, needle), "'%s' not in: %s", needle, e.en);
    cr_assert(strlen(e.tr) > 0);
    cr_assert_null(g.mem);
    gpt_free(&g);
    bpe_free(&b);
}

/* Set a u32 of the header and fix the CRC, so that the check behind the CRC is the one hit. */
static void poke(unsigned char *d, size_t n, size_t off, uint32_t v)
{
    d[off] = (unsigned char)v; d[off + 1] = (unsigned char)(v >> 8); d[off + 2] = (unsigned char)(v >> 16); d[off + 3] = (unsigned char)(v >> 24);
    uint32_t crc = tz_crc32(0, d, n - 4);
    d[n - 4] = (unsigned char)crc; d[n - 3] = (unsigned char)(crc >> 8); d[n - 2] = (unsigned char)(crc >> 16); d[n - 1] = (unsigned char)(crc >> 24);
}

Test(gpt_ckpt, damage_is_refused)
{
    Gpt g;
    Bpe b;
    GptCkptMeta m;
    const char *path = saved(&g, &b, &m);
    size_t n;
    unsigned char *d = (unsigned char *)tmp_slurp(path, &n);
    unsigned char *x = malloc(n);
    memcpy(x, d, n); x[0] = 'X';
    refused(x, n, "not a tezgah GPT file");
    refused(d, 30, "truncated");
    refused(d, n - 100, "CRC");                          /* cut short: the CRC no longer matches */
    memcpy(x, d, n); x[n / 2] ^= 0x40;
    refused(x, n, "CRC");
    memcpy(x, d, n); poke(x, n, 28, 3);                  /* H 3 with D 8 */
    refused(x, n, "do not divide");
    memcpy(x, d, n); poke(x, n, 8, 2);
    refused(x, n, "version 2");
    memcpy(x, d, n); poke(x, n, 32, 0xFFFFFFFFu); poke(x, n, 12, (uint32_t)b.vocab - 1);   /* V below the tokenizer's */
    refused(x, n, "the model knows only");
    memcpy(x, d, n); poke(x, n, 32, 100000);
    refused(x, n, "end-of-text");
    memcpy(x, d, n); poke(x, n, 16, 17);                 /* C 17: the tensors no longer fill the file */
    refused(x, n, "the weights should take");
    memcpy(x, d, n); poke(x, n, 48, 100000);             /* origin length */
    refused(x, n, "origin");
    /* a NaN weight, in ln_f's bias (the last tensor) */
    memcpy(x, d, n);
    uint32_t nan_bits = 0x7FC00000u;
    poke(x, n, n - 8, nan_bits);
    refused(x, n, "ln_f.bias");
    /* 55 bytes: the header, then an origin length whose top byte is also the first byte of the
     * CRC (they overlap). A val_loss byte is chosen so that this CRC byte is 0: the length reads
     * 200 and the CRC matches. The file must be called truncated, not have 200 bytes read from
     * beyond its end (n − 4 − 52 would wrap around). */
    unsigned char *s = malloc(55);
    memcpy(s, d, 48);
    s[48] = 200; s[49] = 0; s[50] = 0;
    uint32_t crc = 1;
    for (int v = 0; v < 256 && (crc & 0xFF); v++) {
        s[44] = (unsigned char)v;
        crc = tz_crc32(0, s, 51);
    }
    cr_assert_eq(crc & 0xFF, 0);
    for (int k = 0; k < 4; k++) s[51 + k] = (unsigned char)(crc >> (8 * k));
    refused(s, 55, "the file ends inside the header (55 bytes; truncated)");
    free(s);
    free(x); free(d);
    gpt_free(&g); bpe_free(&b);
}
