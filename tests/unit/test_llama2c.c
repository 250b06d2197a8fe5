/* test_llama2c.c — llama2.c checkpoints (legacy and version 1) and tokenizer.bin
 * (formats/llama2c.c).
 *
 * The test writes each file itself, following run.c's memory_map_weights (legacy) and export.py's
 * version1_export: every float is a distinct integer naming its block and position
 * (block · 100000 + index), so a tensor read back from the wrong place or in the wrong order
 * shows at once. Then the bad files: sizes off by one float, absurd headers, version 2, NaN
 * weights, damaged tokenizers. Last, the same weights through GGUF (gguf_write, gguf_load_llama)
 * give the same floats: one plain form for both formats.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/gguf.h"
#include "formats/llama2c.h"
#include "tmpdir.h"

TestSuite(llama2c, .init = tmp_setup, .fini = tmp_teardown);

enum { D = 8, F = 12, L = 2, NH = 2, KVH = 1, V = 5, C = 4, HS = D / NH, KVD = KVH * HS };

typedef struct {
    unsigned char *b;
    size_t n, cap;
} Bb;

static void put(Bb *b, const void *p, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 64;
        b->b = realloc(b->b, b->cap);
    }
    memcpy(b->b + b->n, p, n);
    b->n += n;
}
static void i32(Bb *b, int32_t v) { put(b, &v, 4); }
static void f32(Bb *b, float v) { put(b, &v, 4); }

/* the blocks of the file, numbered as they are named here */
enum { B_EMB = 1, B_ATT, B_Q, B_K, B_V, B_O, B_FFN, B_W1, B_W2, B_W3, B_FIN, B_FREQ, B_CLS };
static const uint64_t bsize[] = {0, V * D, L * D, L * D * D, L * KVD * D, L * KVD * D, L * D * D, L * D,
                                 L * F * D, L * D * F, L * F * D, D, 2 * C * HS / 2, V * D};

static void block(Bb *b, int k)
{
    for (uint64_t i = 0; i < bsize[k]; i++) f32(b, (float)(k * 100000 + (int)i));
}

static void header(Bb *b, int32_t vocab)
{
    int32_t h[7] = {D, F, L, NH, KVH, vocab, C};
    for (int k = 0; k < 7; k++) i32(b, h[k]);
}

static Bb legacy(int shared)
{
    Bb b = {0};
    header(&b, shared ? V : -V);
    static const int order[] = {B_EMB, B_ATT, B_Q, B_K, B_V, B_O, B_FFN, B_W1, B_W2, B_W3, B_FIN, B_FREQ};
    for (int k = 0; k < 12; k++) block(&b, order[k]);
    if (!shared) block(&b, B_CLS);
    return b;
}

static Bb version1(int shared)
{
    Bb b = {0};
    i32(&b, (int32_t)LLAMA2C_MAGIC), i32(&b, 1);
    header(&b, V);
    unsigned char flag = (unsigned char)shared, zero[256] = {0};
    put(&b, &flag, 1);
    put(&b, zero, 256 - b.n);
    static const int order[] = {B_ATT, B_FFN, B_FIN, B_EMB, B_Q, B_K, B_V, B_O, B_W1, B_W2, B_W3};
    for (int k = 0; k < 11; k++) block(&b, order[k]);
    if (!shared) block(&b, B_CLS);
    return b;
}

/* what each GGUF-named tensor must hold: block k, from layer l's slice */
static void check_weights(const GgufLlama *c, const GgufWeights *w, int shared)
{
    cr_assert(c->dim == D && c->hidden_dim == F && c->n_layers == L && c->n_heads == NH && c->n_kv_heads == KVH &&
              c->vocab_size == V && c->seq_len == C && c->shared_classifier == shared);
    cr_assert(c->rope_theta == 10000.0f && c->norm_eps == 1e-5f);
    cr_assert_eq(w->n, 3 + 9 * L - shared);
    static const struct { const char *name; int block; int ndim; uint64_t r, cl; } want[] = {
        {"attn_norm", B_ATT, 1, D, 0}, {"attn_q", B_Q, 2, D, D},   {"attn_k", B_K, 2, KVD, D},
        {"attn_v", B_V, 2, KVD, D},    {"attn_output", B_O, 2, D, D}, {"ffn_norm", B_FFN, 1, D, 0},
        {"ffn_gate", B_W1, 2, F, D},   {"ffn_up", B_W3, 2, F, D},   {"ffn_down", B_W2, 2, D, F},
    };
    char name[64];
    for (int l = 0; l < L; l++)
        for (int k = 0; k < 9; k++) {
            snprintf(name, sizeof name, "blk.%d.%s.weight", l, want[k].name);
            const GgufWeight *t = gguf_weights_find(w, name);
            cr_assert_not_null(t, "%s missing", name);
            uint64_t n = want[k].ndim == 2 ? want[k].r * want[k].cl : want[k].r;
            cr_assert(t->ndim == want[k].ndim && t->shape[0] == want[k].r && t->count == n, "%s shape", name);
            for (uint64_t i = 0; i < n; i++)
                cr_assert(t->data[i] == (float)(want[k].block * 100000 + (int)(l * n + i)), "%s[%llu] = %g", name,
                          (unsigned long long)i, t->data[i]);
        }
    const GgufWeight *emb = gguf_weights_find(w, "token_embd.weight"), *fin = gguf_weights_find(w, "output_norm.weight"),
                     *cls = gguf_weights_find(w, "output.weight");
    cr_assert(emb && fin && emb->shape[0] == V && emb->shape[1] == D && fin->count == D);
    for (int i = 0; i < V * D; i++) cr_assert(emb->data[i] == (float)(B_EMB * 100000 + i));
    for (int i = 0; i < D; i++) cr_assert(fin->data[i] == (float)(B_FIN * 100000 + i));
    if (shared) cr_assert_null(cls);
    else {
        cr_assert(cls && cls->shape[0] == V && cls->shape[1] == D);
        for (int i = 0; i < V * D; i++) cr_assert(cls->data[i] == (float)(B_CLS * 100000 + i));
    }
}

Test(llama2c, legacy_and_version1)
{
    for (int ver = 0; ver <= 1; ver++)
        for (int shared = 0; shared <= 1; shared++) {
            Bb b = ver ? version1(shared) : legacy(shared);
            char *path = tmp_path("m.bin");
            tmp_write(path, b.b, b.n);
            GgufLlama c;
            GgufWeights w;
            TzErr e;
            int got = -1;
            cr_assert_eq(llama2c_load(path, &c, &w, &got, &e), 0, "%s", e.en);
            cr_assert_eq(got, ver);
            check_weights(&c, &w, shared);
            gguf_weights_free(&w);
            free(b.b);
        }
}

static void refuse(Bb *b, const char *want)
{
    GgufLlama c;
    GgufWeights w;
    TzErr e;
    tz_err_clear(&e);
    int rc = llama2c_parse((const char *)b->b, b->n, "bad.bin", &c, &w, NULL, &e);
    cr_assert_neq(rc, 0, "accepted a bad file (expected: %s)", want);
    cr_assert(rc == (int)e.code && e.tr[0] && e.en[0]);
    cr_assert(strstr(e.en, want) && strstr(e.en, "bad.bin"), "message '%s' lacks '%s'", e.en, want);
    cr_assert(w.mem == NULL && w.w == NULL && w.n == 0 && c.dim == 0);
}

Test(llama2c, sizes_must_match_exactly)
{
    Bb b = legacy(1);
    size_t n = b.n;
    char want[128];
    f32(&b, 0);   /* one float too many */
    snprintf(want, sizeof want, "implies a file of %zu bytes, the file has %zu: extra bytes", n, n + 4);
    refuse(&b, want);
    b.n = n - 4;  /* one float short */
    snprintf(want, sizeof want, "implies a file of %zu bytes, the file has %zu: it is truncated", n, n - 4);
    refuse(&b, want);
    b.n = 20;
    refuse(&b, "only 20 bytes");
    /* the unshared file read as shared: wcls is then extra */
    free(b.b);
    b = legacy(0);
    int32_t vpos = V;
    memcpy(b.b + 20, &vpos, 4);
    refuse(&b, "extra bytes");
    free(b.b);
    b = version1(1);
    b.n -= 4;
    refuse(&b, "truncated");
    free(b.b);
}

Test(llama2c, bad_headers)
{
    static const struct { int field; int32_t value; const char *want; } cases[] = {
        {0, 0, "absurd"},          {0, -8, "absurd"},       {1, 1 << 30, "absurd"}, {3, 3, "divisible"},
        {3, 8, "even head size"},  {4, 3, "absurd"},        {4, 0, "absurd"},       {5, INT32_MIN, "absurd"},
        {6, 0, "absurd"},          {2, 1 << 20, "absurd"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        Bb b = legacy(1);
        memcpy(b.b + 4 * cases[k].field, &cases[k].value, 4);
        refuse(&b, cases[k].want);
        free(b.b);
    }
    Bb b = version1(1);
    int32_t two = 2;
    memcpy(b.b + 4, &two, 4);
    refuse(&b, "version 2 file");
    two = 7;
    memcpy(b.b + 4, &two, 4);
    refuse(&b, "unknown llama2.c version 7");
    two = 1;
    memcpy(b.b + 4, &two, 4);
    b.b[36] = 3;   /* shared_classifier must be 0 or 1 */
    refuse(&b, "absurd");
    free(b.b);
    b = legacy(1);
    float nan = NAN;
    memcpy(b.b + 28 + 4 * (V * D + L * D + 3), &nan, 4);   /* blk.0.attn_q.weight[3] */
    refuse(&b, "tensor 'blk.0.attn_q.weight', element 3, is not a number");
    free(b.b);
}

/* ---- tokenizer.bin ------------------------------------------------------------------------- */

static const char *const toks[V] = {"<unk>", "<s>", "</s>", "▁merhaba", ""};
static const float scores[V] = {0, 0, 0, -3.5f, -7.25f};

static Bb tokenizer(void)
{
    Bb b = {0};
    i32(&b, 10);
    for (int k = 0; k < V; k++) f32(&b, scores[k]), i32(&b, (int32_t)strlen(toks[k])), put(&b, toks[k], strlen(toks[k]));
    return b;
}

Test(llama2c, tokenizer)
{
    Bb b = tokenizer();
    char *path = tmp_path("tokenizer.bin");
    tmp_write(path, b.b, b.n);
    for (int vs = 0; vs <= V; vs += V) {   /* the size given, and read to the end */
        GgufVocab v;
        TzErr e;
        cr_assert_eq(llama2c_tokenizer_load(path, vs, &v, &e), 0, "%s", e.en);
        cr_assert(v.n == V && v.bos == 1 && v.eos == 2 && v.unk == 0 && strcmp(v.model, "llama") == 0);
        for (int k = 0; k < V; k++)
            cr_assert(strcmp(v.tok[k], toks[k]) == 0 && v.len[k] == strlen(toks[k]) && v.score[k] == scores[k] &&
                      v.type[k] == 1, "token %d", k);
        gguf_vocab_free(&v);
    }
    free(b.b);
}

static void refuse_tok(Bb *b, int vs, const char *want)
{
    GgufVocab v;
    TzErr e;
    int rc = llama2c_tokenizer_parse((const char *)b->b, b->n, "tok.bin", vs, &v, &e);
    cr_assert_neq(rc, 0, "accepted a bad tokenizer (expected: %s)", want);
    cr_assert(rc == (int)e.code && e.tr[0] && strstr(e.en, want) && strstr(e.en, "tok.bin"), "'%s' lacks '%s'", e.en,
              want);
    cr_assert(v.tok == NULL && v.n == 0);
}

Test(llama2c, tokenizer_bad)
{
    Bb b = tokenizer();
    refuse_tok(&b, V - 1, "extra bytes follow");      /* the model's vocabulary is smaller */
    refuse_tok(&b, V + 1, "token 5 is cut off");       /* … or larger */
    refuse_tok(&b, 1000, "1000 tokens need at least");
    size_t n = b.n;
    b.n = n - 2;
    refuse_tok(&b, 0, "token 4 is cut off");          /* the last (empty) token loses 2 of its 8 bytes */
    b.n = n;
    int32_t maxlen = 6;                                /* "▁merhaba" (10 bytes) is longer than that */
    memcpy(b.b, &maxlen, 4);
    refuse_tok(&b, V, "token 3 (byte");
    maxlen = 0;
    memcpy(b.b, &maxlen, 4);
    refuse_tok(&b, V, "max_token_length 0");
    b.n = 4;
    maxlen = 10;
    memcpy(b.b, &maxlen, 4);
    refuse_tok(&b, 0, "holds no tokens");
    b.n = 2;
    refuse_tok(&b, 0, "only 2 bytes");
    free(b.b);
}

/* ---- the same weights through GGUF ----------------------------------------------------------- */

Test(llama2c, same_weights_through_gguf)
{
    Bb b = legacy(0);
    GgufLlama c, c2;
    GgufWeights w, w2;
    TzErr e;
    cr_assert_eq(llama2c_parse((const char *)b.b, b.n, "m.bin", &c, &w, NULL, &e), 0, "%s", e.en);
    GgufOut *t = calloc((size_t)w.n, sizeof *t);
    for (int i = 0; i < w.n; i++)
        t[i] = (GgufOut){w.w[i].name, w.w[i].ndim, {w.w[i].shape[0], w.w[i].shape[1]}, GGML_F32, w.w[i].data};
    uint32_t ud = D, uf = F, ul = L, uh = NH, ukv = KVH, uc = C, uv = V;
    GgufKvOut kv[] = {
        {"general.architecture", GGUF_STRING, 0, 0, "llama"},    {"llama.embedding_length", GGUF_UINT32, 0, 0, &ud},
        {"llama.feed_forward_length", GGUF_UINT32, 0, 0, &uf},   {"llama.block_count", GGUF_UINT32, 0, 0, &ul},
        {"llama.attention.head_count", GGUF_UINT32, 0, 0, &uh},  {"llama.attention.head_count_kv", GGUF_UINT32, 0, 0, &ukv},
        {"llama.context_length", GGUF_UINT32, 0, 0, &uc},        {"llama.vocab_size", GGUF_UINT32, 0, 0, &uv},
    };
    char *path = tmp_path("m.gguf");
    FILE *fp = fopen(path, "wb");
    cr_assert_eq(gguf_write(fp, kv, 8, t, w.n, 0, &e), 0);
    fclose(fp);
    cr_assert_eq(gguf_load_llama(path, &c2, &w2, NULL, &e), 0, "%s", e.en);
    cr_assert(memcmp(&c, &c2, sizeof c) == 0, "the same configuration");
    cr_assert_eq(w.n, w2.n);
    for (int i = 0; i < w.n; i++) {
        const GgufWeight *x = gguf_weights_find(&w2, w.w[i].name);
        cr_assert(x && x->count == w.w[i].count && memcmp(x->shape, w.w[i].shape, sizeof x->shape) == 0);
        cr_assert(memcmp(x->data, w.w[i].data, x->count * 4) == 0, "%s differs", x->name);
    }
    gguf_weights_free(&w);
    gguf_weights_free(&w2);
    free(t);
    free(b.b);
}
