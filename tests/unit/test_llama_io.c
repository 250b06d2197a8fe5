/* test_llama_io.c — models/llama_io.h: the tiny LLaMA of tests/ref/llama/tiny.txt, written by
 * tests/ref/make_llama_gen_fixture.py as a llama2.c legacy checkpoint (tiny.llama2c.bin) and as a
 * GGUF file (tiny.gguf), loads into a Llama with every tensor where llama_tensor says it is; the
 * two files give the same model bit for bit (the same float32 weights), hence identical logits;
 * and weights that are missing or misshaped are refused by their name. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "formats/llama2c.h"
#include "models/llama.h"
#include "models/llama_io.h"
#include "tmpdir.h"

#ifndef LLAMA_FIXTURES
#define LLAMA_FIXTURES "tests/ref/llama"
#endif

static const LlamaConfig tiny = {17, 8, 16, 2, 4, 2, 24, 0};

static void assert_tiny_cfg(const Llama *m)
{
    const LlamaConfig *c = &m->cfg;
    cr_assert(c->V == tiny.V && c->C == tiny.C && c->D == tiny.D && c->L == tiny.L && c->H == tiny.H &&
                  c->Hkv == tiny.Hkv && c->F == tiny.F && c->tied == 0,
              "configuration V %d C %d D %d L %d H %d Hkv %d F %d tied %d", c->V, c->C, c->D, c->L, c->H, c->Hkv,
              c->F, c->tied);
}

Test(llama_io, llama2c_file_gives_tiny_txt_weights_under_metas_names)
{
    Llama m;
    TzErr e = {0};
    int rc = llama_load_llama2c(&m, LLAMA_FIXTURES "/tiny.llama2c.bin", &e);
    cr_assert_eq(rc, 0, "%s", e.en);
    assert_tiny_cfg(&m);
    size_t len;
    char *text = tmp_slurp(LLAMA_FIXTURES "/tiny.txt", &len);
    cr_assert_not_null(text, "missing fixture (run tests/ref/make_llama_fixtures.py)");
    /* each tensor, under llama_tensor's name, equals tiny.txt's (the float32 nearest its %.10g):
     * so w1/w3 (GGUF's gate/up) and w2 (down) were not swapped, and wcls is the output layer */
    char name[64];
    size_t n;
    for (int i = 0; i < llama_ntensors(&m.cfg); i++) {
        float *p = llama_tensor(&m, i, name, sizeof name, &n, NULL, NULL);
        double *v = fixture_values(text, name, n);
        for (size_t j = 0; j < n; j++)
            cr_assert_eq(p[j], (float)v[j], "%s[%zu]: %.9g in the model, %.9g in tiny.txt", name, j, (double)p[j],
                         v[j]);
        free(v);
    }
    free(text);
    llama_free(&m);
}

Test(llama_io, gguf_gives_the_same_model_and_identical_logits)
{
    Llama a, b;
    TzErr e = {0};
    cr_assert_eq(llama_load_llama2c(&a, LLAMA_FIXTURES "/tiny.llama2c.bin", &e), 0, "%s", e.en);
    cr_assert_eq(llama_load_gguf(&b, LLAMA_FIXTURES "/tiny.gguf", &e), 0, "%s", e.en);
    assert_tiny_cfg(&b);
    cr_assert_eq(a.n, b.n);
    cr_assert_eq(memcmp(a.mem, b.mem, a.n * sizeof *a.mem), 0, "the two files hold different weights");
    /* the whole context, every position: bit-identical logits */
    int32_t tok[8] = {4, 15, 12, 10, 8, 9, 0, 2};
    LlamaWork wa, wb;
    cr_assert_eq(llama_work_alloc(&wa, &a.cfg, 1, 8), 0);
    cr_assert_eq(llama_work_alloc(&wb, &b.cfg, 1, 8), 0);
    llama_forward(&a, &wa, tok, NULL, 1, 8);
    llama_forward(&b, &wb, tok, NULL, 1, 8);
    for (int i = 0; i < 8 * 17; i++)
        cr_assert_eq(wa.logits[i], wb.logits[i], "logit %d: %.9g from llama2.c, %.9g from GGUF", i,
                     (double)wa.logits[i], (double)wb.logits[i]);
    llama_work_free(&wa);
    llama_work_free(&wb);
    llama_free(&a);
    llama_free(&b);
}

/* The plain data of the llama2.c file, for the refusal tests to spoil. */
static void raw(GgufLlama *c, GgufWeights *w)
{
    TzErr e = {0};
    cr_assert_eq(llama2c_load(LLAMA_FIXTURES "/tiny.llama2c.bin", c, w, NULL, &e), 0, "%s", e.en);
}

static GgufWeight *find(GgufWeights *w, const char *name)
{
    GgufWeight *t = (GgufWeight *)gguf_weights_find(w, name);
    cr_assert_not_null(t, "%s not in the llama2.c data", name);
    return t;
}

Test(llama_io, from_weights_takes_the_readers_data)
{
    GgufLlama c;
    GgufWeights w;
    raw(&c, &w);
    Llama m;
    TzErr e = {0};
    cr_assert_eq(llama_from_weights(&m, &c, &w, &e), 0, "%s", e.en);
    /* spot checks of the mapping: ffn_up is w3, ffn_down is w2, output_norm is norm */
    cr_assert_eq(memcmp(m.layers[1].w3, find(&w, "blk.1.ffn_up.weight")->data, 24 * 16 * sizeof(float)), 0);
    cr_assert_eq(memcmp(m.layers[1].w2, find(&w, "blk.1.ffn_down.weight")->data, 16 * 24 * sizeof(float)), 0);
    cr_assert_eq(memcmp(m.layers[0].w1, find(&w, "blk.0.ffn_gate.weight")->data, 24 * 16 * sizeof(float)), 0);
    cr_assert_eq(memcmp(m.norm, find(&w, "output_norm.weight")->data, 16 * sizeof(float)), 0);
    cr_assert_eq(memcmp(m.output, find(&w, "output.weight")->data, 17 * 16 * sizeof(float)), 0);
    cr_assert_neq(m.output, m.tok_embeddings);
    llama_free(&m);
    /* shared classifier: tied, and output.weight is neither needed nor read */
    c.shared_classifier = 1;
    find(&w, "output.weight")->name[0] = 'X';
    cr_assert_eq(llama_from_weights(&m, &c, &w, &e), 0, "%s", e.en);
    cr_assert_eq(m.cfg.tied, 1);
    cr_assert_eq(m.output, m.tok_embeddings);
    llama_free(&m);
    gguf_weights_free(&w);
}

Test(llama_io, missing_tensor_is_refused_by_name)
{
    const char *names[] = {"blk.1.ffn_up.weight", "token_embd.weight", "output_norm.weight", "output.weight"};
    for (int k = 0; k < 4; k++) {
        GgufLlama c;
        GgufWeights w;
        raw(&c, &w);
        GgufWeight *t = find(&w, names[k]);
        free(t->name);
        t->name = tz_strdup("something.else");
        Llama m;
        TzErr e = {0};
        cr_assert_eq(llama_from_weights(&m, &c, &w, &e), TZ_E_FORMAT, "%s accepted while missing", names[k]);
        cr_assert_not_null(strstr(e.en, names[k]), "the message does not name %s: %s", names[k], e.en);
        cr_assert_not_null(strstr(e.tr, names[k]), "%s", e.tr);
        cr_assert_not_null(strstr(e.en, "missing"), "%s", e.en);
        cr_assert_null(m.mem, "the model is not left zeroed");
        gguf_weights_free(&w);
    }
}

Test(llama_io, misshaped_tensor_is_refused_by_name)
{
    GgufLlama c;
    GgufWeights w;
    raw(&c, &w);
    /* wk of block 0 read as 16 × 8 instead of KV × D = 8 × 16: same count, wrong shape */
    GgufWeight *t = find(&w, "blk.0.attn_k.weight");
    t->shape[0] = 16, t->shape[1] = 8;
    Llama m;
    TzErr e = {0};
    cr_assert_eq(llama_from_weights(&m, &c, &w, &e), TZ_E_FORMAT);
    cr_assert_not_null(strstr(e.en, "blk.0.attn_k.weight"), "%s", e.en);
    cr_assert_not_null(strstr(e.en, "[16 × 8]"), "%s", e.en);
    cr_assert_not_null(strstr(e.en, "[8 × 16]"), "%s", e.en);
    cr_assert_null(m.mem);
    t->shape[0] = 8, t->shape[1] = 16;
    /* a vector where a matrix belongs */
    t = find(&w, "blk.1.attn_norm.weight");
    t->ndim = 2, t->shape[0] = 4, t->shape[1] = 4;
    cr_assert_eq(llama_from_weights(&m, &c, &w, &e), TZ_E_FORMAT);
    cr_assert_not_null(strstr(e.en, "blk.1.attn_norm.weight"), "%s", e.en);
    gguf_weights_free(&w);
}

Test(llama_io, other_rope_base_or_epsilon_or_bad_shape_is_refused)
{
    GgufLlama c;
    GgufWeights w;
    raw(&c, &w);
    Llama m;
    TzErr e = {0};
    GgufLlama d = c;
    d.rope_theta = 500000.0f;           /* Llama 3's */
    cr_assert_eq(llama_from_weights(&m, &d, &w, &e), TZ_E_FORMAT);
    cr_assert_not_null(strstr(e.en, "500000"), "%s", e.en);
    d = c;
    d.norm_eps = 1e-6f;
    cr_assert_eq(llama_from_weights(&m, &d, &w, &e), TZ_E_FORMAT);
    cr_assert_not_null(strstr(e.en, "epsilon"), "%s", e.en);
    d = c;
    d.n_kv_heads = 3;                   /* 4 query heads cannot share 3 */
    cr_assert_eq(llama_from_weights(&m, &d, &w, &e), TZ_E_FORMAT);
    cr_assert_not_null(strstr(e.en, "Hkv 3"), "%s", e.en);
    cr_assert_null(m.mem);
    gguf_weights_free(&w);
}

Test(llama_io, damaged_files_are_refused_with_the_readers_message, .init = tmp_setup, .fini = tmp_teardown)
{
    size_t n;
    char *bin = tmp_slurp(LLAMA_FIXTURES "/tiny.llama2c.bin", &n);
    cr_assert_not_null(bin);
    char *p = tmp_path("cut.bin");
    tmp_write(p, bin, n - 4);            /* one float short */
    Llama m;
    TzErr e = {0};
    cr_assert_eq(llama_load_llama2c(&m, p, &e), TZ_E_FORMAT);
    cr_assert_not_null(strstr(e.en, "cut.bin"), "%s", e.en);
    cr_assert_null(m.mem);
    cr_assert_neq(llama_load_gguf(&m, p, &e), 0);      /* not a GGUF at all */
    cr_assert_neq(llama_load_gguf(&m, tmp_path("absent.gguf"), &e), 0);
    cr_assert_null(m.mem);
    free(bin);
}
