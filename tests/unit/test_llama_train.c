/* test_llama_train.c — training a LLaMA (models/llama_train.c, the GPT's loop around
 * llama_forward/llama_backward) on a tiny configuration (V from a 300-piece vocabulary learnt on
 * tiny_tr.txt, C 32, D 32, L 2, H 4, Hkv 2: grouped-query attention): the loss falls well below
 * ln V, the held-out loss is evaluated and reported, the same seed gives the same weights bit for
 * bit, the RMSNorm gains are not decayed, a cancelled job keeps a usable (finite, improved) model,
 * a stream too short for a window is refused, and the memory estimate matches the shape. Saving:
 * GGUF and llama2.c files (tied and untied) load back bit for bit, with their tokenizers (GGUF's
 * inside, tokenizer.bin beside) encoding as the original; an unwritable path is named. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "formats/gguf.h"
#include "formats/llama2c.h"
#include "models/llama_io.h"
#include "models/llama_train.h"
#include "text/spm.h"
#include "tmpdir.h"

static const LlamaConfig base = { .V = 0, .C = 32, .D = 32, .L = 2, .H = 4, .Hkv = 2, .F = 64, .tied = 0 };

/* tiny_tr.txt as ids of a 300-piece vocabulary learnt on it */
static int32_t *tiny_ids(size_t *n, int *V)
{
    TzFile f;
    TzErr e;
    cr_assert_eq(tz_file_map(&f, "datasets/mini/tiny_tr.txt", &e), 0, "%s", e.en);
    Spm s;
    cr_assert_eq(spm_train(&s, f.data, f.size, 300, NULL, &e), 0, "%s", e.en);
    size_t k = spm_encode(&s, f.data, f.size, 0, 0, NULL, 0);
    int32_t *ids = malloc(k * sizeof *ids);
    spm_encode(&s, f.data, f.size, 0, 0, ids, k);
    *n = k;
    *V = s.n;
    spm_free(&s);
    tz_file_unmap(&f);
    return ids;
}

static GptTrainConfig small_cfg(long steps)
{
    GptTrainConfig tc = gpt_train_defaults();
    tc.B = 8;
    tc.T = 32;
    tc.steps = steps;
    tc.lr = 1e-2f;
    tc.eval_every = 10;
    tc.eval_windows = 8;
    return tc;
}

static int finite_all(const Llama *m)
{
    for (size_t i = 0; i < m->n; i++)
        if (!isfinite(m->mem[i])) return 0;
    return 1;
}

Test(llama_train, loss_falls_with_held_out_loss)
{
    size_t n;
    LlamaConfig c = base;
    int32_t *ids = tiny_ids(&n, &c.V);
    cr_assert_gt(n, 300);
    Llama m;
    cr_assert_eq(llama_alloc(&m, &c), 0);
    llama_init(&m, 1);
    GptTrainConfig tc = small_cfg(60);
    GptTrainStats st;
    TzErr e;
    double v0 = llama_eval_loss(&m, ids + (n - n / 10), n / 10, 8, 32, 8);
    cr_assert_eq(llama_train(&m, ids, n, &tc, &st, NULL, &e), 0, "%s", e.en);
    cr_assert(st.finished);
    cr_assert_eq(st.steps, 60);
    cr_assert_float_eq(st.first_loss, log((double)c.V), 0.3, "a new model pays about ln V (%f)", st.first_loss);
    cr_assert_lt(st.train_loss, st.first_loss - 2.0, "loss %f → %f", st.first_loss, st.train_loss);
    cr_assert_eq(st.nevals, 6);
    cr_assert_eq(st.eval_step[5], 60);
    cr_assert(isfinite(st.val_loss));
    cr_assert_float_eq(st.val_loss, st.eval_val[5], 1e-12);
    cr_assert_lt(st.val_loss, v0 - 0.5, "held out %f → %f", v0, st.val_loss);
    cr_assert_eq(st.ntrain + st.nval, n);
    /* the RMSNorm gains start at 1 and are not decayed: after training they are not all below 1 */
    int above = 0;
    for (int i = 0; i < c.D; i++) above += m.norm[i] > 1.0f;
    cr_assert_gt(above, 0);
    llama_free(&m);
    free(ids);
}

Test(llama_train, same_seed_same_weights)
{
    size_t n;
    LlamaConfig c = base;
    int32_t *ids = tiny_ids(&n, &c.V);
    Llama a, b;
    cr_assert_eq(llama_alloc(&a, &c), 0);
    cr_assert_eq(llama_alloc(&b, &c), 0);
    llama_init(&a, 5);
    llama_init(&b, 5);
    GptTrainConfig tc = small_cfg(8);
    GptTrainStats sa, sb;
    TzErr e;
    cr_assert_eq(llama_train(&a, ids, n, &tc, &sa, NULL, &e), 0);
    cr_assert_eq(llama_train(&b, ids, n, &tc, &sb, NULL, &e), 0);
    cr_assert(memcmp(a.mem, b.mem, a.n * sizeof *a.mem) == 0, "two runs with the same seed differ");
    /* another seed draws other windows */
    llama_init(&b, 5);
    tc.seed = 2;
    cr_assert_eq(llama_train(&b, ids, n, &tc, &sb, NULL, &e), 0);
    cr_assert(memcmp(a.mem, b.mem, a.n * sizeof *a.mem) != 0);
    llama_free(&a);
    llama_free(&b);
    free(ids);
}

typedef struct {
    Llama *m;
    const int32_t *ids;
    size_t n;
    GptTrainConfig tc;
    GptTrainStats st;
} TrainArg;

static int train_fn(Job *job, void *arg, TzErr *e)
{
    TrainArg *A = arg;
    return llama_train(A->m, A->ids, A->n, &A->tc, &A->st, job, e);
}

Test(llama_train, cancel_keeps_a_usable_model)
{
    size_t n;
    LlamaConfig c = base;
    int32_t *ids = tiny_ids(&n, &c.V);
    Llama m;
    cr_assert_eq(llama_alloc(&m, &c), 0);
    llama_init(&m, 3);
    TrainArg A = { .m = &m, .ids = ids, .n = n, .tc = small_cfg(100000) };
    A.tc.eval_every = 5;
    A.tc.warmup = 2;
    Job *job = job_start("llama test", "token", train_fn, &A);
    JobProgress p;
    int seen_val = 0;
    do {
        job_progress(job, &p);
        seen_val |= p.has_val;
    } while (p.running && (p.opt_step < 15 || !seen_val));
    cr_assert(seen_val, "no held-out loss was published");
    job_cancel(job);
    TzErr e;
    cr_assert_eq(job_wait(job, &e), 0);
    cr_assert(!A.st.finished);
    cr_assert(A.st.steps >= 15 && A.st.steps < 100000);
    cr_assert(finite_all(&m));
    cr_assert(isfinite(A.st.val_loss) && A.st.val_loss < A.st.first_loss, "val %f first %f", A.st.val_loss,
              A.st.first_loss);
    /* the kept model still runs */
    double l = llama_eval_loss(&m, ids, n, 4, 32, 4);
    cr_assert(isfinite(l) && l < A.st.first_loss);
    llama_free(&m);
    free(ids);
}

Test(llama_train, short_stream_refused_and_memory_estimate)
{
    LlamaConfig c = base;
    c.V = 300;
    Llama m;
    cr_assert_eq(llama_alloc(&m, &c), 0);
    llama_init(&m, 3);
    int32_t ids[20] = { 0 };
    GptTrainConfig tc = small_cfg(10);
    GptTrainStats st;
    TzErr e;
    cr_assert_eq(llama_train(&m, ids, 20, &tc, &st, NULL, &e), TZ_E_ARG);
    cr_assert(strstr(e.en, "ctx"), "%s", e.en);
    llama_free(&m);
    /* the estimate: 5 × the weights, and it grows with the batch by the activations */
    double a = llama_train_bytes(&c, 8, 32), b = llama_train_bytes(&c, 16, 32);
    cr_assert_geq(a, 20.0 * (double)llama_nparams(&c));
    cr_assert_float_eq(b - a, llama_activation_bytes(&c, 16, 32) - llama_activation_bytes(&c, 8, 32), 1);
    cr_assert_eq(llama_train_ffn(128), 352);
    cr_assert_eq(llama_train_ffn(288), 768);
}

/* --- saving: GGUF (tokenizer inside) and llama2.c (+ tokenizer.bin) read back by the loaders -- */

TestSuite(llama_save, .init = tmp_setup, .fini = tmp_teardown);

Test(llama_save, gguf_and_llama2c_round_trip)
{
    TzFile f;
    TzErr e;
    cr_assert_eq(tz_file_map(&f, "datasets/mini/tiny_tr.txt", &e), 0, "%s", e.en);
    Spm s;
    cr_assert_eq(spm_train(&s, f.data, f.size, 300, NULL, &e), 0, "%s", e.en);
    tz_file_unmap(&f);
    for (int tied = 0; tied < 2; tied++) {
        LlamaConfig c = base;
        c.V = s.n;
        c.tied = tied;
        Llama m, g, l;
        cr_assert_eq(llama_alloc(&m, &c), 0);
        llama_init(&m, 7);
        cr_assert_eq(llama_train_save_gguf(&m, &s, "t", tmp_path("m.gguf"), &e), 0, "%s", e.en);
        cr_assert_eq(llama_train_save_llama2c(&m, &s, tmp_path("m.bin"), tmp_path("tokenizer.bin"), &e), 0, "%s", e.en);
        cr_assert_eq(llama_load_gguf(&g, tmp_path("m.gguf"), &e), 0, "%s", e.en);
        cr_assert_eq(llama_load_llama2c(&l, tmp_path("m.bin"), &e), 0, "%s", e.en);
        cr_assert(!memcmp(&g.cfg, &c, sizeof c) && !memcmp(&l.cfg, &c, sizeof c), "the configuration comes back (tied %d)", tied);
        cr_assert_eq(g.n, m.n);
        cr_assert_eq(l.n, m.n);
        cr_assert(!memcmp(g.mem, m.mem, m.n * sizeof *m.mem), "GGUF weights bit for bit");
        cr_assert(!memcmp(l.mem, m.mem, m.n * sizeof *m.mem), "llama2.c weights bit for bit");
        llama_free(&m);
        llama_free(&g);
        llama_free(&l);
    }
    /* the tokenizers: the GGUF's (gguf_vocab) and tokenizer.bin encode as the original */
    GgufLlama gc;
    GgufWeights gw;
    GgufVocab gv, lv;
    cr_assert_eq(gguf_load_llama(tmp_path("m.gguf"), &gc, &gw, &gv, &e), 0, "%s", e.en);
    cr_assert_str_eq(gv.model, "llama");
    cr_assert_eq(gv.bos, 1);
    cr_assert_eq(gv.eos, 2);
    cr_assert_eq(gv.unk, 0);
    cr_assert_eq(llama2c_tokenizer_load(tmp_path("tokenizer.bin"), s.n, &lv, &e), 0, "%s", e.en);
    Spm a, b;
    cr_assert_eq(spm_from_gguf_vocab(&a, &gv, &e), 0, "%s", e.en);
    cr_assert_eq(spm_from_llama2c(&b, &lv, &e), 0, "%s", e.en);
    const char *x = "Bugün İstanbul'da öğretmenler kitaplarımızdan okuyacak. 🙂\nYarın";
    int32_t i0[128], i1[128], i2[128];
    size_t n0 = spm_encode_lines(&s, x, strlen(x), i0, 128), n1 = spm_encode_lines(&a, x, strlen(x), i1, 128),
           n2 = spm_encode_lines(&b, x, strlen(x), i2, 128);
    cr_assert(n0 == n1 && n0 == n2 && !memcmp(i0, i1, n0 * 4) && !memcmp(i0, i2, n0 * 4));
    for (int32_t i = 0; i < s.n; i++) {
        cr_assert_eq(a.type[i], s.type[i], "piece %d's type", i);
        cr_assert_eq(b.type[i], s.type[i], "piece %d's type from tokenizer.bin", i);
        cr_assert_float_eq(a.score[i], s.score[i], 0);
    }
    gguf_weights_free(&gw);
    gguf_vocab_free(&gv);
    gguf_vocab_free(&lv);
    spm_free(&a);
    spm_free(&b);
    spm_free(&s);
}

Test(llama_save, unwritable_path_refused)
{
    LlamaConfig c = base;
    c.V = 300;
    Llama m;
    cr_assert_eq(llama_alloc(&m, &c), 0);
    TzErr e;
    cr_assert_neq(llama_train_save_gguf(&m, NULL, NULL, "/nonexistent/dir/m.gguf", &e), 0);
    cr_assert(strstr(e.en, "/nonexistent/dir/m.gguf"), "%s", e.en);
    cr_assert_neq(llama_train_save_llama2c(&m, NULL, "/nonexistent/dir/m.bin", NULL, &e), 0);
    llama_free(&m);
}
