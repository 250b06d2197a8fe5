/* test_bert_io.c — BERT's files (models/bert_io.c): Hugging Face folders (model.safetensors +
 * config.json + vocab.txt) and tezgah's own checkpoint.
 *
 * tests/ref/make_bert_hf_fixtures.py wrote the tiny BertForPreTraining of make_bert_fixtures.py
 * (V 19, C 10, D 16, L 2, H 2, F 32) three ways — hf/ (BertForPreTraining's names, F32, a
 * position_ids buffer, tokenizer_config.json), hf-uncased-gamma/ (the old LayerNorm.gamma/.beta
 * names, F16, a tied decoder), hf-base/ (BertModel: no prefix, no heads, BF16) — and PyTorch's
 * logits (hidden states for hf-base) for "[CLS] the cat [MASK] mat [SEP] a dog [SEP]". The loaded
 * models must give those numbers; saves must load back bit-identical; and every bad folder or
 * file must be refused with a message that names what is wrong.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/io.h"
#include "fixture.h"
#include "formats/safetensors.h"
#include "models/bert.h"
#include "models/bert_io.h"
#include "tmpdir.h"

#ifndef BERT_FIXTURES
#define BERT_FIXTURES "tests/ref/bert"
#endif
#define HF BERT_FIXTURES "/hf"
#define HF_GAMMA BERT_FIXTURES "/hf-uncased-gamma"
#define HF_BASE BERT_FIXTURES "/hf-base"

TestSuite(bert_io, .init = tmp_setup, .fini = tmp_teardown);

enum { V = 19, C = 10, D = 16, L = 2, H = 2, F = 32, T = 9 };

/* PyTorch in float64 against bert_forward in float32: measured worst 9.4e-7 relative (absolute
 * below 1) on the F32 MLM logits, 6.1e-7 (F16), 6.3e-7 (BF16 hidden states); 1e-5 leaves room for
 * another BLAS, not for a wrong weight (one F16 rounding step is 5e-4). */
#define TOL 1e-5

static char *expected(void)
{
    size_t n;
    char *t = tmp_slurp(BERT_FIXTURES "/hf_expected.txt", &n);
    cr_assert_not_null(t, "missing fixture (run tests/ref/make_bert_hf_fixtures.py)");
    return t;
}

static void input(const char *text, int32_t *tok, int32_t *typ)
{
    double *a = fixture_values(text, "tokens", T), *b = fixture_values(text, "types", T);
    for (int i = 0; i < T; i++) tok[i] = (int32_t)a[i], typ[i] = (int32_t)b[i];
    free(a);
    free(b);
}

/* The forward pass over the fixture's input: MLM logits on every row, NSP logits, hidden states. */
static void run(const Bert *b, const char *text, BertWork *w)
{
    int32_t tok[T], typ[T];
    input(text, tok, typ);
    cr_assert_eq(bert_work_alloc(w, &b->cfg, 1, T), 0);
    bert_forward(b, w, tok, typ, NULL, NULL, NULL, 1, T);
    cr_assert_eq(w->mlm_n, T);
}

static int has(const TzErr *e, const char *s) { return strstr(e->en, s) != NULL; }

#define REFUSED(rc, e, ...)                                                                                            \
    do {                                                                                                               \
        cr_assert_neq((rc), 0, "accepted, expected a refusal");                                                        \
        const char *need_[] = {__VA_ARGS__};                                                                           \
        for (size_t k_ = 0; k_ < sizeof need_ / sizeof *need_; k_++)                                                   \
            cr_assert(has(&(e), need_[k_]), "message lacks '%s': %s", need_[k_], (e).en);                              \
        cr_assert((e).tr[0], "no Turkish message");                                                                    \
    } while (0)

static void load_hf(Bert *b, WordPiece *wp, const char *path, BertHfInfo *in)
{
    TzErr e;
    tz_err_clear(&e);
    memset(in, 0, sizeof *in);
    int rc = bert_hf_load(b, wp, path, 7, in, NULL, &e);
    cr_assert_eq(rc, 0, "%s: %s", path, e.en);
}

/* ---- the three fixtures ------------------------------------------------------------------- */

Test(bert_io, pretraining_f32_gives_pytorchs_logits)
{
    char *text = expected();
    Bert b;
    WordPiece wp;
    BertHfInfo in;
    load_hf(&b, &wp, HF, &in);
    cr_assert_eq(b.cfg.V, V);
    cr_assert_eq(b.cfg.D, D);
    cr_assert_eq(b.cfg.L, L);
    cr_assert_eq(b.cfg.F, F);
    cr_assert_eq(b.cfg.C, C);
    cr_assert_eq(in.layout, BERT_HF_PRETRAINING);
    cr_assert(in.prefixed && !in.old_names && !in.decoder);
    cr_assert_str_eq(in.dtype, "F32");
    cr_assert(!in.init_pooler && !in.init_mlm && !in.init_nsp);
    cr_assert_eq(in.n_ignored, 1, "position_ids is not used: %d ignored", in.n_ignored);
    cr_assert_eq(in.lower_from, BERT_LOWER_TOKCONFIG);
    cr_assert_eq(wp.vocab, V);
    cr_assert(wp.opt.lower && wp.opt.strip_accents);
    cr_assert_eq(wp_id(&wp, "[MASK]"), 3);
    BertWork w;
    run(&b, text, &w);
    double e1 = fixture_compare(text, "f32.mlm_logits", w.logits, (size_t)T * V, 1.0, TOL);
    double e2 = fixture_compare(text, "f32.nsp_logits", w.nsp_logits, 2, 1.0, TOL);
    cr_log_info("F32 logits: worst %.2g (MLM), %.2g (NSP)", e1, e2);
    /* the tokenizer agrees with the ids of the fixture */
    int32_t tok[T], typ[T], ids[16], seg[16];
    input(text, tok, typ);
    size_t n = wp_encode_pair(&wp, "The cat [MASK] mat", 18, "a dog", 5, ids, seg, 16);
    cr_assert_eq(n, (size_t)T);
    for (int i = 0; i < T; i++) cr_assert(ids[i] == tok[i] && seg[i] == typ[i], "position %d", i);
    bert_work_free(&w);
    bert_free(&b);
    wp_free(&wp);
    free(text);
}

Test(bert_io, old_gamma_names_f16_and_a_tied_decoder)
{
    char *text = expected();
    Bert b;
    WordPiece wp;
    BertHfInfo in;
    load_hf(&b, &wp, HF_GAMMA, &in);
    cr_assert_eq(in.layout, BERT_HF_PRETRAINING);
    cr_assert(in.old_names && in.decoder);
    cr_assert_str_eq(in.dtype, "F16");
    cr_assert_eq(in.n_ignored, 0);
    cr_assert_eq(in.lower_from, BERT_LOWER_FOLDER, "the folder's name says uncased");
    cr_assert(wp.opt.lower);
    BertWork w;
    run(&b, text, &w);
    double e1 = fixture_compare(text, "f16.mlm_logits", w.logits, (size_t)T * V, 1.0, TOL);
    fixture_compare(text, "f16.nsp_logits", w.nsp_logits, 2, 1.0, TOL);
    cr_log_info("F16 logits: worst %.2g", e1);
    bert_work_free(&w);
    bert_free(&b);
    wp_free(&wp);
    free(text);
}

Test(bert_io, bertmodel_bf16_initialises_the_heads)
{
    char *text = expected();
    Bert b;
    WordPiece wp;
    BertHfInfo in;
    load_hf(&b, &wp, HF_BASE, &in);
    cr_assert_eq(in.layout, BERT_HF_BASE);
    cr_assert(!in.prefixed);
    cr_assert_str_eq(in.dtype, "BF16");
    cr_assert(!in.init_pooler && in.init_mlm && in.init_nsp);
    cr_assert_eq(in.lower_from, BERT_LOWER_GUESS);
    /* the heads as bert_init makes them: γ 1, biases 0, weights small */
    for (int i = 0; i < D; i++) cr_assert(b.trln_w[i] == 1.0f && b.tr_b[i] == 0.0f);
    cr_assert(b.nsp_w[0] != 0.0f && fabsf(b.nsp_w[0]) < 0.2f);
    BertWork w;
    run(&b, text, &w);
    double e = fixture_compare(text, "bf16.hidden", w.res[L], (size_t)T * D, 1.0, TOL);
    cr_log_info("BF16 hidden states: worst %.2g", e);
    bert_work_free(&w);
    bert_free(&b);
    wp_free(&wp);
    free(text);
}

Test(bert_io, the_safetensors_path_works_like_the_folder)
{
    Bert a, b;
    WordPiece wa, wb;
    BertHfInfo in;
    load_hf(&a, &wa, HF, &in);
    load_hf(&b, &wb, HF "/model.safetensors", &in);
    cr_assert_eq(a.n, b.n);
    cr_assert(memcmp(a.mem, b.mem, a.n * sizeof(float)) == 0);
    cr_assert_eq(bert_hf_is(HF), 1);
    cr_assert_eq(bert_hf_is(HF "/model.safetensors"), 1);
    cr_assert_eq(bert_hf_is(BERT_FIXTURES "/../gpt/tiny.safetensors"), 0, "a GPT-2 file is not BERT's");
    cr_assert_eq(bert_hf_is(HF "/vocab.txt"), 0);
    bert_free(&a), bert_free(&b), wp_free(&wa), wp_free(&wb);
}

/* ---- writing folders with one thing changed ------------------------------------------------- */

/* Which change write_variant makes. */
typedef struct {
    const char *drop_prefix[3];     /* tensors to leave out, by our name's prefix */
    const char *bad_shape;          /* this tensor gets one row fewer */
    int untie;                      /* a decoder.weight that differs from the embeddings */
    int nan;                        /* a NaN in the last layer's output.dense.weight */
    const char *config;             /* config.json's text (NULL: hf/'s) */
    const char *vocab;              /* vocab.txt's text (NULL: hf/'s) */
    int no_config, no_vocab;
} Variant;

static void copy_file(const char *from, const char *to)
{
    size_t n;
    char *d = tmp_slurp(from, &n);
    cr_assert_not_null(d, "%s", from);
    tmp_write(to, d, n);
    free(d);
}

/* tmp_dir/<sub>/ with hf/'s model changed as v says. Returns the folder. */
static const char *write_variant(const char *sub, const Variant *v)
{
    Bert b;
    WordPiece wp;
    BertHfInfo in;
    load_hf(&b, &wp, HF, &in);
    char *dir = tmp_path(sub);
    static char keep[8][512];
    static int ring;
    char *out = keep[ring++ % 8];
    snprintf(out, 512, "%s", dir);
    cr_assert_eq(mkdir(out, 0777), 0);
    int nt = bert_ntensors(&b.cfg), k = 0;
    StOut *t = calloc((size_t)nt + 1, sizeof *t);
    char (*names)[96] = calloc((size_t)nt + 1, sizeof *names);
    float *untied = NULL;
    for (int i = 0; i < nt; i++) {
        size_t cnt;
        int rows, cols;
        float *p = bert_tensor(&b, i, names[k], sizeof names[k], &cnt, &rows, &cols);
        int drop = 0;
        for (int j = 0; j < 3 && v->drop_prefix[j]; j++)
            if (!strncmp(names[k], v->drop_prefix[j], strlen(v->drop_prefix[j]))) drop = 1;
        if (drop) continue;
        int mat = strstr(names[k], ".weight") && !strstr(names[k], "LayerNorm");
        t[k] = (StOut){.name = names[k], .ndim = mat ? 2 : 1, .shape = {(uint64_t)rows, (uint64_t)cols}, .data = p};
        if (v->bad_shape && !strcmp(names[k], v->bad_shape)) t[k].shape[0]--;
        if (v->nan && !strcmp(names[k], "bert.encoder.layer.1.output.dense.weight")) p[5] = NAN;
        k++;
    }
    if (v->untie) {
        untied = malloc((size_t)V * D * sizeof *untied);
        memcpy(untied, b.word, (size_t)V * D * sizeof *untied);
        untied[3 * D + 2] += 0.25f;
        snprintf(names[k], 96, "cls.predictions.decoder.weight");
        t[k++] = (StOut){.name = names[k - 1], .ndim = 2, .shape = {V, D}, .data = untied};
    }
    char path[600];
    snprintf(path, sizeof path, "%s/model.safetensors", out);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    TzErr e;
    cr_assert_eq(st_write(f, t, k, NULL, 0, &e), 0);
    fclose(f);
    snprintf(path, sizeof path, "%s/config.json", out);
    if (v->config) tmp_write(path, v->config, strlen(v->config));
    else if (!v->no_config) copy_file(HF "/config.json", path);
    snprintf(path, sizeof path, "%s/vocab.txt", out);
    if (v->vocab) tmp_write(path, v->vocab, strlen(v->vocab));
    else if (!v->no_vocab) copy_file(HF "/vocab.txt", path);
    free(untied);
    free(t);
    free(names);
    bert_free(&b);
    wp_free(&wp);
    return out;
}

static int try_load(const char *dir, TzErr *e)
{
    Bert b;
    WordPiece wp;
    BertHfInfo in;
    memset(&in, 0, sizeof in);
    tz_err_clear(e);
    int rc = bert_hf_load(&b, &wp, dir, 1, &in, NULL, e);
    if (rc == 0) {
        bert_free(&b);
        wp_free(&wp);
    } else
        cr_assert(b.mem == NULL && wp.vocab == 0, "a refusal must leave nothing allocated");
    return rc;
}

static const char CONFIG_FMT[] =
    "{\"model_type\": \"bert\", \"vocab_size\": 19, \"hidden_size\": %s, \"num_hidden_layers\": 2, "
    "\"num_attention_heads\": 2, \"intermediate_size\": 32, \"max_position_embeddings\": 10, \"type_vocab_size\": 2, "
    "\"layer_norm_eps\": %s, \"hidden_act\": \"%s\"}";

static const char *config_text(const char *hidden, const char *eps, const char *act)
{
    static char buf[8][600];
    static int r;
    char *s = buf[r++ % 8];
    snprintf(s, 600, CONFIG_FMT, hidden, eps, act);
    return s;
}

Test(bert_io, maskedlm_names_initialise_pooler_and_nsp)
{
    char *text = expected();
    Variant v = {.drop_prefix = {"bert.pooler.", "cls.seq_relationship."}};
    const char *dir = write_variant("mlm", &v);
    Bert b;
    WordPiece wp;
    BertHfInfo in;
    load_hf(&b, &wp, dir, &in);
    cr_assert_eq(in.layout, BERT_HF_MASKEDLM);
    cr_assert(in.init_pooler && in.init_nsp && !in.init_mlm);
    BertWork w;
    run(&b, text, &w);
    fixture_compare(text, "f32.mlm_logits", w.logits, (size_t)T * V, 1.0, TOL);
    bert_work_free(&w);
    bert_free(&b);
    wp_free(&wp);
    free(text);
}

Test(bert_io, refuses_a_missing_vocab_or_config_by_name)
{
    TzErr e;
    Variant nv = {.no_vocab = 1}, nc = {.no_config = 1};
    REFUSED(try_load(write_variant("nv", &nv), &e), e, "vocab.txt", "is missing");
    REFUSED(try_load(write_variant("nc", &nc), &e), e, "config.json", "is missing");
    REFUSED(try_load(tmp_path("nowhere"), &e), e, "model.safetensors", "does not exist");
    /* only PyTorch's pickle: said so */
    char *d = tmp_path("pickle");
    cr_assert_eq(mkdir(d, 0777), 0);
    char p[600];
    snprintf(p, sizeof p, "%s/pytorch_model.bin", d);
    tmp_write(p, "PK", 2);
    REFUSED(try_load(d, &e), e, "pytorch_model.bin", "model.safetensors");
    cr_assert_eq(bert_hf_is(d), 1, "a folder without weights is ours to report on");
}

Test(bert_io, refuses_a_shape_that_does_not_match_the_config)
{
    TzErr e;
    Variant v = {.bad_shape = "bert.encoder.layer.1.intermediate.dense.weight"};
    REFUSED(try_load(write_variant("shape", &v), &e), e, "bert.encoder.layer.1.intermediate.dense.weight", "[31, 16]",
            "expected [32, 16]");
    /* config.json claims a wider model than the file holds: refused at the first tensor, before
     * anything of the claimed size is allocated */
    Variant w = {.config = config_text("4096", "1e-12", "gelu")};
    REFUSED(try_load(write_variant("wide", &w), &e), e, "bert.embeddings.word_embeddings.weight", "[19, 16]",
            "expected [19, 4096]");
    Variant m = {.drop_prefix = {"bert.encoder.layer.0.attention.self.key"}};
    REFUSED(try_load(write_variant("miss", &m), &e), e, "bert.encoder.layer.0.attention.self.key.weight", "missing");
}

Test(bert_io, refuses_config_json_problems_by_name)
{
    TzErr e;
    struct {
        const char *cfg, *want1, *want2;
    } cases[] = {
        {config_text("16", "1e-5", "gelu"), "layer_norm_eps", "1e-05"},
        {config_text("16", "1e-12", "gelu_new"), "hidden_act", "gelu_new"},
        {config_text("15", "1e-12", "gelu"), "hidden_size 15", "num_attention_heads 2"},
        {config_text("-3", "1e-12", "gelu"), "hidden_size", "whole number"},
        {config_text("\"big\"", "1e-12", "gelu"), "hidden_size", "a string"},
        {"{\"vocab_size\": 19}", "max_position_embeddings", "is missing"},
        {"{\"model_type\": \"distilbert\", \"vocab_size\": 19}", "model_type", "distilbert"},
        {"{\"vocab_size\": 19,, }", "byte 18", "not a valid JSON object"},
        {"{\"vocab_size\": 19", "byte 17", "not a valid JSON object"},
        {"[1, 2]", "byte 0", "not a valid JSON object"},
        {"{\"a\": \"\xff\"}", "byte 7", "not valid UTF-8"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char sub[16];
        snprintf(sub, sizeof sub, "c%zu", i);
        Variant v = {.config = cases[i].cfg};
        REFUSED(try_load(write_variant(sub, &v), &e), e, cases[i].want1, cases[i].want2);
    }
    /* a depth bomb is refused, not recursed into */
    char bomb[2000];
    size_t k = (size_t)snprintf(bomb, sizeof bomb, "{\"x\": ");
    for (int i = 0; i < 600; i++) bomb[k++] = '[';
    bomb[k] = '\0';
    BertHfConfig c;
    cr_assert_neq(bert_hf_config_parse(&c, bomb, k, "bomb", &e), 0);
    /* escapes, nested values and exponents are read */
    const char ok[] = "{\"note\": \"a\\u00e7\\\"\\n\", \"extra\": {\"0\": \"pos\", \"1\": [1, {\"x\": null}]}, "
                      "\"id2label\": {\"1\": \"olumlu \\u011f\", \"0\": \"neg\"}, \"finetuning_task\": \"sst2\", "
                      "\"vocab_size\": 1.9e1, \"hidden_size\": 16, \"num_hidden_layers\": 2, \"num_attention_heads\": 2, "
                      "\"intermediate_size\": 32, \"max_position_embeddings\": 10, \"layer_norm_eps\": 1E-12}";
    cr_assert_eq(bert_hf_config_parse(&c, ok, sizeof ok - 1, "ok", &e), 0, "%s", e.en);
    cr_assert_eq(c.cfg.V, 19);
    cr_assert_eq(c.cfg.types, 2, "type_vocab_size defaults to 2");
    cr_assert_eq(c.K, 2);
    cr_assert_str_eq(c.labels[0], "neg");
    cr_assert_str_eq(c.labels[1], "olumlu ğ");
    cr_assert_str_eq(c.task, "sst2");
    bert_hf_config_free(&c);
    /* id2label: indices 0 … K−1 once each, names 1 … 47 bytes */
    const char *bad_labels[][2] = {
        {"{\"0\": \"a\", \"01\": \"b\"}", "key '01'"},
        {"{\"0\": \"a\", \"0\": \"b\"}", "key '0'"},
        {"{\"0\": \"a\", \"2\": \"b\"}", "key '2'"},
        {"{\"0\": \"\"}", "label 0 must be a name"},
        {"{\"0\": \"a\\u0000b\"}", "label 0 must be a name"},
        {"{\"0\": \"0123456789012345678901234567890123456789012345678\"}", "label 0 must be a name"},
        {"[\"a\"]", "must be an object"},
    };
    for (size_t i = 0; i < sizeof bad_labels / sizeof *bad_labels; i++) {
        char js[600];
        int m = snprintf(js, sizeof js, "{\"vocab_size\": 19, \"hidden_size\": 16, \"num_hidden_layers\": 2, "
                         "\"num_attention_heads\": 2, \"intermediate_size\": 32, \"max_position_embeddings\": 10, "
                         "\"id2label\": %s}", bad_labels[i][0]);
        REFUSED(bert_hf_config_parse(&c, js, (size_t)m, "cfg", &e), e, "id2label", bad_labels[i][1]);
        cr_assert_null(c.labels);
    }
}

Test(bert_io, refuses_bad_vocabularies)
{
    TzErr e;
    /* a duplicate token: wp_load_vocab names both lines */
    Variant d = {.vocab = "[PAD]\n[UNK]\n[CLS]\n[MASK]\n[SEP]\nthe\ncat\nsat\non\nmat\ndog\nran\na\n##s\nbig\nred\n.\ncat\n##es\n"};
    REFUSED(try_load(write_variant("dup", &d), &e), e, "cat", "7", "18");
    Variant s = {.vocab = "[PAD]\n[UNK]\n[CLS]\n[MASK]\n[SEP]\nthe\ncat\n"};
    REFUSED(try_load(write_variant("short", &s), &e), e, "7 tokens", "vocab_size is 19");
    Variant u = {.vocab = "[PAD]\n[UNK]\n[CLS]\n[MASK]\n[SEP]\nthe\nc\xc3\n"};
    REFUSED(try_load(write_variant("utf8", &u), &e), e, "UTF-8");
}

Test(bert_io, refuses_an_untied_decoder_and_nan_weights)
{
    TzErr e;
    Variant u = {.untie = 1};
    REFUSED(try_load(write_variant("untied", &u), &e), e, "cls.predictions.decoder.weight", "row 3", "not tied");
    Variant n = {.nan = 1};
    REFUSED(try_load(write_variant("nan", &n), &e), e, "bert.encoder.layer.1.output.dense.weight", "element 5");
}

Test(bert_io, refuses_truncated_or_foreign_safetensors)
{
    TzErr e;
    Variant v = {0};
    const char *dir = write_variant("cut", &v);
    char p[600];
    snprintf(p, sizeof p, "%s/model.safetensors", dir);
    size_t n;
    char *d = tmp_slurp(p, &n);
    tmp_write(p, d, n - 100);
    REFUSED(try_load(dir, &e), e, "model.safetensors");
    tmp_write(p, d, 5);
    REFUSED(try_load(dir, &e), e, "model.safetensors");
    free(d);
    /* GPT-2's weights beside a BERT config: not BERT, said so */
    copy_file(BERT_FIXTURES "/../gpt/tiny.safetensors", p);
    REFUSED(try_load(dir, &e), e, "bert.embeddings.word_embeddings.weight", "does not look like BERT");
}

/* ---- round trips ------------------------------------------------------------------------------ */

Test(bert_io, safetensors_save_load_is_bit_identical)
{
    Bert a, b;
    WordPiece wa, wb;
    BertHfInfo in;
    load_hf(&a, &wa, HF_GAMMA, &in);
    TzErr e;
    char dir[600];
    cr_assert_eq(bert_hf_save(&a, &wa, NULL, tmp_path("out"), dir, sizeof dir, &e), 0, "%s", e.en);
    load_hf(&b, &wb, tmp_path("out"), &in);
    cr_assert_eq(in.layout, BERT_HF_PRETRAINING);
    cr_assert_str_eq(in.dtype, "F32");
    cr_assert_eq(in.lower_from, BERT_LOWER_TOKCONFIG, "our save writes tokenizer_config.json");
    cr_assert_eq(a.n, b.n);
    cr_assert(memcmp(&a.cfg, &b.cfg, sizeof a.cfg) == 0);
    cr_assert(memcmp(a.mem, b.mem, a.n * sizeof(float)) == 0);
    cr_assert_eq(wa.vocab, wb.vocab);
    for (int i = 0; i < wa.vocab; i++) cr_assert_str_eq(wp_token(&wa, i), wp_token(&wb, i));
    cr_assert_eq(wa.opt.lower, wb.opt.lower);
    cr_assert_eq(wa.opt.strip_accents, wb.opt.strip_accents);
    /* a file name ending in .safetensors: the others beside it */
    char p[600];
    snprintf(p, sizeof p, "%s/x.safetensors", tmp_path("two"));
    mkdir(tmp_path("two"), 0777);
    cr_assert_eq(bert_hf_save(&a, &wa, NULL, p, NULL, 0, &e), 0, "%s", e.en);
    bert_free(&b), wp_free(&wb);
    load_hf(&b, &wb, p, &in);
    cr_assert(memcmp(a.mem, b.mem, a.n * sizeof(float)) == 0);
    bert_free(&a), bert_free(&b), wp_free(&wa), wp_free(&wb);
}

static void fill_meta(BertCkptMeta *m, int K)
{
    memset(m, 0, sizeof *m);
    m->lang = TZ_LANG_TR;
    snprintf(m->origin, sizeof m->origin, "tr, 1200 adım");
    m->steps = 1200;
    m->mlm_loss = 2.5;
    m->nsp_acc = 0.75;
    m->K = K;
    m->cls_acc = K ? 0.8125 : NAN;
    if (!K) return;
    snprintf(m->task, sizeof m->task, "sentiment-tr");
    m->labels = calloc((size_t)K, sizeof *m->labels);
    m->cls_w = malloc((size_t)K * D * sizeof(float));
    m->cls_b = malloc((size_t)K * sizeof(float));
    for (int k = 0; k < K; k++) snprintf(m->labels[k], BERT_CK_LABEL_MAX, "etiket-%d-ğ", k);
    for (int i = 0; i < K * D; i++) m->cls_w[i] = 0.01f * (float)i - 0.3f;
    for (int k = 0; k < K; k++) m->cls_b[k] = -0.5f * (float)k;
}

Test(bert_io, checkpoint_round_trip_keeps_everything)
{
    Bert a, b;
    WordPiece wa, wb;
    BertHfInfo in;
    load_hf(&a, &wa, HF, &in);
    WpOptions o = wp_options_turkish(1);
    wp_set_options(&wa, &o);
    for (int K = 0; K <= 3; K += 3) {
        BertCkptMeta ma, mb;
        fill_meta(&ma, K);
        TzErr e;
        char *path = tmp_path("m.tzbert");
        cr_assert_eq(bert_ckpt_save(&a, &wa, &ma, path, &e), 0, "%s", e.en);
        cr_assert_eq(bert_ckpt_is(path), 1);
        cr_assert_eq(bert_ckpt_load(&b, &wb, &mb, path, &e), 0, "%s", e.en);
        cr_assert(memcmp(&a.cfg, &b.cfg, sizeof a.cfg) == 0);
        cr_assert(memcmp(a.mem, b.mem, a.n * sizeof(float)) == 0);
        cr_assert_eq(wb.vocab, V);
        for (int i = 0; i < V; i++) cr_assert_str_eq(wp_token(&wa, i), wp_token(&wb, i));
        cr_assert(wb.opt.lower && !wb.opt.strip_accents && wb.opt.lang == TZ_LANG_TR && wb.opt.keep_special);
        cr_assert_eq(mb.lang, TZ_LANG_TR);
        cr_assert_str_eq(mb.origin, "tr, 1200 adım");
        cr_assert_eq(mb.steps, 1200);
        cr_assert_float_eq(mb.mlm_loss, 2.5, 1e-7);
        cr_assert_float_eq(mb.nsp_acc, 0.75, 1e-7);
        cr_assert_eq(mb.K, K);
        if (K) {
            cr_assert_str_eq(mb.task, "sentiment-tr");
            cr_assert_float_eq(mb.cls_acc, 0.8125, 1e-7);
            for (int k = 0; k < K; k++) cr_assert_str_eq(mb.labels[k], ma.labels[k]);
            cr_assert(memcmp(ma.cls_w, mb.cls_w, (size_t)K * D * sizeof(float)) == 0);
            cr_assert(memcmp(ma.cls_b, mb.cls_b, (size_t)K * sizeof(float)) == 0);
        } else
            cr_assert(isnan(mb.cls_acc) && mb.labels == NULL);
        bert_meta_free(&ma);
        bert_meta_free(&mb);
        bert_free(&b);
        wp_free(&wb);
    }
    bert_free(&a);
    wp_free(&wa);
}

static uint32_t put32(unsigned char *p, uint32_t v)
{
    for (int k = 0; k < 4; k++) p[k] = (unsigned char)(v >> (8 * k));
    return v;
}

/* the CRC at the end made right again, so the checks behind it are reached */
static void fix_crc(unsigned char *d, size_t n) { put32(d + n - 4, tz_crc32(0, d, n - 4)); }

Test(bert_io, checkpoint_refusals)
{
    Bert a, b;
    WordPiece wa, wb;
    BertHfInfo in;
    load_hf(&a, &wa, HF, &in);
    BertCkptMeta ma, mb;
    fill_meta(&ma, 2);
    TzErr e;
    char *path = tmp_path("m.tzbert");
    cr_assert_eq(bert_ckpt_save(&a, &wa, &ma, path, &e), 0, "%s", e.en);
    size_t n;
    unsigned char *good = (unsigned char *)tmp_slurp(path, &n), *d = malloc(n);
#define PARSE(len) bert_ckpt_parse(&b, &wb, &mb, d, (len), "m.tzbert", &e)
#define AFTER() cr_assert(b.mem == NULL && wb.vocab == 0 && mb.labels == NULL && mb.K == 0)
    memcpy(d, good, n);
    cr_assert_eq(PARSE(n), 0, "%s", e.en);
    bert_free(&b), wp_free(&wb), bert_meta_free(&mb);
    memcpy(d, "TZGPT\0\0\0", 8);
    REFUSED(PARSE(n), e, "not a tezgah BERT file", "TZBERT");
    AFTER();
    memcpy(d, good, n);
    REFUSED(PARSE(n - 1000), e, "CRC mismatch");
    REFUSED(PARSE(40), e, "truncated");
    d[n - 50] ^= 1;
    REFUSED(PARSE(n), e, "CRC mismatch", "damaged");
    /* absurd sizes behind a correct CRC: refused without allocating the claimed size */
    memcpy(d, good, n);
    put32(d + 12, 1u << 24);            /* V: 2^24 */
    put32(d + 20, 1u << 16);            /* D: 65536 → the claimed weights: far beyond the file */
    fix_crc(d, n);
    REFUSED(PARSE(n), e, "the vocabulary has 19 tokens", "V = 16777216");
    memcpy(d, good, n);
    put32(d + 20, 1u << 17);
    fix_crc(d, n);
    REFUSED(PARSE(n), e, "D = 131072", "not between");
    memcpy(d, good, n);
    put32(d + 28, 3);                   /* H 3 does not divide D 16 */
    fix_crc(d, n);
    REFUSED(PARSE(n), e, "heads H = 3");
    /* a vocabulary with a duplicate token: "mat" written over "cat" */
    memcpy(d, good, n);
    unsigned char *cat = memmem(d, n, "\ncat\n", 5);
    cr_assert_not_null(cat);
    memcpy(cat + 1, "mat", 3);
    fix_crc(d, n);
    REFUSED(PARSE(n), e, "the vocabulary", "mat");
    /* invalid UTF-8 in a label */
    memcpy(d, good, n);
    unsigned char *lab = memmem(d, n, "etiket-1", 8);
    cr_assert_not_null(lab);
    lab[0] = 0xff;
    fix_crc(d, n);
    REFUSED(PARSE(n), e, "label name 2");
    /* the weights one float short */
    memcpy(d, good, n);
    memmove(d + n - 8, d + n - 4, 4);
    fix_crc(d, n - 4);
    REFUSED(PARSE(n - 4), e, "truncated or extra");
    /* a NaN weight */
    memcpy(d, good, n);
    float nanv = NAN;
    memcpy(d + n - 12, &nanv, 4);
    fix_crc(d, n);
    REFUSED(PARSE(n), e, "cls.seq_relationship.bias", "not a number");
    AFTER();
#undef PARSE
#undef AFTER
    free(good);
    free(d);
    bert_meta_free(&ma);
    bert_free(&a);
    wp_free(&wa);
}

Test(bert_io, a_fine_tuned_classifier_round_trips_through_the_folder)
{
    Bert a, b;
    WordPiece wa, wb;
    BertHfInfo in;
    load_hf(&a, &wa, HF, &in);
    BertCkptMeta ma, mb;
    fill_meta(&ma, 3);
    snprintf(ma.labels[1], BERT_CK_LABEL_MAX, "a \"quoted\" \\ label");
    TzErr e;
    char *dir = tmp_path("clf");
    cr_assert_eq(bert_hf_save(&a, &wa, &ma, dir, NULL, 0, &e), 0, "%s", e.en);
    memset(&in, 0, sizeof in);
    cr_assert_eq(bert_hf_load(&b, &wb, dir, 1, &in, &mb, &e), 0, "%s", e.en);
    cr_assert(memcmp(a.mem, b.mem, a.n * sizeof(float)) == 0);
    cr_assert_eq(mb.K, 3);
    for (int k = 0; k < 3; k++) cr_assert_str_eq(mb.labels[k], ma.labels[k]);
    cr_assert_str_eq(mb.task, "sentiment-tr");
    cr_assert(memcmp(ma.cls_w, mb.cls_w, 3 * D * sizeof(float)) == 0);
    cr_assert(memcmp(ma.cls_b, mb.cls_b, 3 * sizeof(float)) == 0);
    cr_assert_eq(in.n_ignored, 0, "the classifier's tensors are used");
    bert_meta_free(&mb);
    bert_free(&b);
    wp_free(&wb);
    /* without id2label the names are transformers' defaults, and the task is the folder's name */
    char p[600];
    snprintf(p, sizeof p, "%s/config.json", dir);
    copy_file(HF "/config.json", p);
    cr_assert_eq(bert_hf_load(&b, &wb, dir, 1, &in, &mb, &e), 0, "%s", e.en);
    cr_assert_eq(mb.K, 3);
    cr_assert_str_eq(mb.labels[2], "LABEL_2");
    cr_assert_str_eq(mb.task, "clf");
    bert_meta_free(&mb);
    bert_free(&b);
    wp_free(&wb);
    /* an id2label of another size: refused, naming both counts */
    const char *two = "{\"vocab_size\": 19, \"hidden_size\": 16, \"num_hidden_layers\": 2, \"num_attention_heads\": 2, "
                      "\"intermediate_size\": 32, \"max_position_embeddings\": 10, \"id2label\": {\"0\": \"a\", \"1\": \"b\"}}";
    tmp_write(p, two, strlen(two));
    REFUSED(bert_hf_load(&b, &wb, dir, 1, &in, &mb, &e), e, "classifier.weight has 3 labels", "id2label lists 2");
    cr_assert(b.mem == NULL && wb.vocab == 0 && mb.K == 0 && mb.cls_w == NULL && mb.labels == NULL);
    bert_meta_free(&ma);
    bert_free(&a);
    wp_free(&wa);
}
