/* test_gguf.c — GGUF files (formats/gguf.c): every metadata type, F32/F16/BF16/Q8_0 tensors read
 * back, a tiny LLaMA's configuration, weights and tokenizer, and the bad files the reader must
 * refuse, each with a message naming what is wrong.
 *
 * Good files come from gguf_write; bad ones are built byte by byte here (a small builder below),
 * so each test says exactly which field lies. tests/ref/gguf/tiny.gguf is written by
 * tests/ref/make_gguf_fixtures.py with numpy alone — a second, independent writer of the layout.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/gguf.h"
#include "tmpdir.h"

#ifndef GGUF_FIXTURES
#define GGUF_FIXTURES "tests/ref/gguf"
#endif

TestSuite(gguf, .init = tmp_setup, .fini = tmp_teardown);

/* ---- a byte builder ------------------------------------------------------------------- */

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
static void u8(Bb *b, uint8_t v) { put(b, &v, 1); }
static void u32(Bb *b, uint32_t v) { put(b, &v, 4); }
static void u64(Bb *b, uint64_t v) { put(b, &v, 8); }
static void str(Bb *b, const char *s) { u64(b, strlen(s)), put(b, s, strlen(s)); }
static void hdr(Bb *b, uint32_t ver, uint64_t nt, uint64_t nkv) { put(b, "GGUF", 4), u32(b, ver), u64(b, nt), u64(b, nkv); }
static void kv_u32(Bb *b, const char *k, uint32_t v) { str(b, k), u32(b, GGUF_UINT32), u32(b, v); }
static void kv_str(Bb *b, const char *k, const char *v) { str(b, k), u32(b, GGUF_STRING), str(b, v); }
static void tinfo(Bb *b, const char *name, int nd, const uint64_t *ne, uint32_t type, uint64_t off)
{
    str(b, name), u32(b, (uint32_t)nd);
    for (int k = 0; k < nd; k++) u64(b, ne[k]);
    u32(b, type), u64(b, off);
}
static void pad(Bb *b, size_t a) { while (b->n % a) u8(b, 0); }
static void zeros(Bb *b, size_t n) { while (n--) u8(b, 0); }

/* parse b; expect failure with code and both messages, the English one containing want */
static void refuse(Bb *b, const char *want)
{
    GgufFile f;
    TzErr e;
    tz_err_clear(&e);
    int rc = gguf_parse(&f, (const char *)b->b, b->n, "bad.gguf", &e);
    cr_assert_neq(rc, 0, "accepted a bad file (expected: %s)", want);
    cr_assert_eq(rc, (int)e.code);
    cr_assert(e.tr[0] && e.en[0]);
    cr_assert(strstr(e.en, want), "message '%s' lacks '%s'", e.en, want);
    cr_assert(strstr(e.en, "bad.gguf"), "message '%s' does not name the file", e.en);
    cr_assert(f.t == NULL && f.kv == NULL && f.name == NULL && f.n == 0);
    free(b->b);
}

static char *write_mem(const GgufKvOut *kv, int nkv, const GgufOut *t, int nt, uint32_t align, size_t *len)
{
    char *buf = NULL;
    FILE *fp = open_memstream(&buf, len);
    TzErr e;
    cr_assert_eq(gguf_write(fp, kv, nkv, t, nt, align, &e), 0);
    fclose(fp);
    return buf;
}

/* ---- every metadata type ---------------------------------------------------------------- */

Test(gguf, metadata_every_type)
{
    uint8_t vu8 = 200, vb = 1;
    int8_t vi8 = -100;
    uint16_t vu16 = 60000;
    int16_t vi16 = -30000;
    uint32_t vu32 = 4000000000u;
    int32_t vi32 = -2000000000;
    float vf32 = 0.15625f;
    uint64_t vu64 = 18000000000000000000ull;
    int64_t vi64 = -9000000000000000000ll;
    double vf64 = 3.141592653589793;
    int32_t ai[3] = {-1, 0, 7};
    float af[2] = {1.5f, -2.25f};
    const char *as[3] = {"bir", "", "üç"};
    GgufKvOut kv[] = {
        {"t.u8", GGUF_UINT8, 0, 0, &vu8},    {"t.i8", GGUF_INT8, 0, 0, &vi8},
        {"t.u16", GGUF_UINT16, 0, 0, &vu16}, {"t.i16", GGUF_INT16, 0, 0, &vi16},
        {"t.u32", GGUF_UINT32, 0, 0, &vu32}, {"t.i32", GGUF_INT32, 0, 0, &vi32},
        {"t.f32", GGUF_FLOAT32, 0, 0, &vf32}, {"t.bool", GGUF_BOOL, 0, 0, &vb},
        {"t.str", GGUF_STRING, 0, 0, "merhaba dünya"}, {"t.u64", GGUF_UINT64, 0, 0, &vu64},
        {"t.i64", GGUF_INT64, 0, 0, &vi64},  {"t.f64", GGUF_FLOAT64, 0, 0, &vf64},
        {"t.ai", GGUF_ARRAY, GGUF_INT32, 3, ai}, {"t.af", GGUF_ARRAY, GGUF_FLOAT32, 2, af},
        {"t.as", GGUF_ARRAY, GGUF_STRING, 3, as},
    };
    size_t len;
    char *buf = write_mem(kv, 15, NULL, 0, 0, &len);
    GgufFile f;
    TzErr e;
    cr_assert_eq(gguf_parse(&f, buf, len, "kv.gguf", &e), 0, "%s", e.en);
    cr_assert_eq(f.version, 3);
    cr_assert_eq(f.nkv, 15);
    cr_assert_eq(f.alignment, 32);
    uint64_t u;
    double d;
    const char *s;
    cr_assert(gguf_get_uint(&f, "t.u8", &u, &e) == 0 && u == 200);
    cr_assert(gguf_get_uint(&f, "t.u16", &u, &e) == 0 && u == 60000);
    cr_assert(gguf_get_uint(&f, "t.u32", &u, &e) == 0 && u == 4000000000u);
    cr_assert(gguf_get_uint(&f, "t.u64", &u, &e) == 0 && u == vu64);
    cr_assert(gguf_get_uint(&f, "t.bool", &u, &e) != 0);   /* a BOOL is not an integer */
    cr_assert(gguf_kv(&f, "t.bool")->u == 1);
    cr_assert(gguf_kv(&f, "t.i8")->i == -100 && gguf_kv(&f, "t.i16")->i == -30000);
    cr_assert(gguf_kv(&f, "t.i32")->i == -2000000000 && gguf_kv(&f, "t.i64")->i == vi64);
    cr_assert_eq(gguf_get_uint(&f, "t.i32", &u, &e), TZ_E_FORMAT);   /* negative */
    cr_assert(strstr(e.en, "t.i32") && strstr(e.en, "INT32"), "%s", e.en);
    cr_assert(gguf_get_float(&f, "t.f32", &d, &e) == 0 && d == 0.15625);
    cr_assert(gguf_get_float(&f, "t.f64", &d, &e) == 0 && d == vf64);
    cr_assert(gguf_get_str(&f, "t.str", &s, &e) == 0 && strcmp(s, "merhaba dünya") == 0);
    cr_assert_eq(gguf_get_str(&f, "t.u8", &s, &e), TZ_E_FORMAT);
    cr_assert_eq(gguf_get_uint(&f, "nope", &u, &e), TZ_E_NOTFOUND);
    const GgufKV *a = gguf_kv(&f, "t.ai");
    cr_assert(a->type == GGUF_ARRAY && a->atype == GGUF_INT32 && a->n == 3);
    cr_assert(gguf_arr_num(a, 0) == -1 && gguf_arr_num(a, 1) == 0 && gguf_arr_num(a, 2) == 7);
    cr_assert(isnan(gguf_arr_num(a, 3)));
    a = gguf_kv(&f, "t.af");
    cr_assert(gguf_arr_num(a, 0) == 1.5 && gguf_arr_num(a, 1) == -2.25);
    a = gguf_kv(&f, "t.as");
    size_t l;
    for (int k = 0; k < 3; k++) {
        const char *t = gguf_arr_str(a, (uint64_t)k, &l);
        cr_assert(t && l == strlen(as[k]) && memcmp(t, as[k], l) == 0, "string %d", k);
    }
    cr_assert_null(gguf_arr_str(gguf_kv(&f, "t.ai"), 0, &l));
    gguf_free(&f);
    free(buf);
}

/* arrays of arrays of strings (the spec allows them; llama.cpp's merges are flat, but a reader
 * must step over nested ones) */
Test(gguf, nested_arrays)
{
    Bb b = {0};
    hdr(&b, 3, 0, 2);
    str(&b, "nested"), u32(&b, GGUF_ARRAY), u32(&b, GGUF_ARRAY), u64(&b, 2);
    u32(&b, GGUF_STRING), u64(&b, 2), str(&b, "a"), str(&b, "bc");
    u32(&b, GGUF_STRING), u64(&b, 1), str(&b, "def");
    kv_u32(&b, "after", 42);
    GgufFile f;
    TzErr e;
    cr_assert_eq(gguf_parse(&f, (const char *)b.b, b.n, "n.gguf", &e), 0, "%s", e.en);
    const GgufKV *kv = gguf_kv(&f, "nested");
    cr_assert(kv && kv->type == GGUF_ARRAY && kv->atype == GGUF_ARRAY && kv->n == 2);
    uint64_t v;
    cr_assert(gguf_get_uint(&f, "after", &v, &e) == 0 && v == 42);
    gguf_free(&f);
    free(b.b);
}

/* ---- tensors ------------------------------------------------------------------------------- */

Test(gguf, tensors_f32_f16_bf16_q8_0)
{
    enum { R = 3, K = 64 };
    float x[R * K];
    for (int i = 0; i < R * K; i++) x[i] = (float)sin(0.37 * i) * (i % 7 == 0 ? 100.0f : 1.0f) + (i == 5 ? 1e-6f : 0);
    for (uint32_t align = 0; align <= 64; align += 64) {
        GgufOut t[4] = {{"a.f32", 2, {R, K}, GGML_F32, x}, {"b.f16", 2, {R, K}, GGML_F16, x},
                        {"c.bf16", 1, {R * K}, GGML_BF16, x}, {"d.q8", 3, {1, R, K}, GGML_Q8_0, x}};
        size_t len;
        char *buf = write_mem(NULL, 0, t, 4, align, &len);
        GgufFile f;
        TzErr e;
        cr_assert_eq(gguf_parse(&f, buf, len, "t.gguf", &e), 0, "%s", e.en);
        cr_assert_eq(f.alignment, align ? align : 32);
        cr_assert_eq(f.n, 4);
        float y[R * K], z[K];
        const GgufTensor *a = gguf_find(&f, "a.f32");
        cr_assert(a && a->ndim == 2 && a->shape[0] == R && a->shape[1] == K && a->ne[0] == K && a->ne[1] == R);
        cr_assert(a->count == R * K && a->nbytes == 4 * R * K && a->offset % f.alignment == 0);
        gguf_read_f32(a, y);
        cr_assert(memcmp(x, y, sizeof y) == 0, "F32 must read back bit for bit");
        gguf_read_rows(a, 1, 1, z);
        cr_assert(memcmp(z, x + K, sizeof z) == 0);
        const GgufTensor *h = gguf_find(&f, "b.f16");
        gguf_read_f32(h, y);
        for (int i = 0; i < R * K; i++) {
            cr_assert(y[i] == gguf_f16_to_f32(gguf_f32_to_f16(x[i])));
            /* a half keeps 11 significant bits: relative error ≤ 2⁻¹¹ (subnormals: 2⁻²⁵ absolute) */
            cr_assert(fabsf(y[i] - x[i]) <= fmaxf(fabsf(x[i]) * 0x1p-11f, 0x1p-25f), "F16 %d: %g vs %g", i, y[i], x[i]);
        }
        gguf_read_f32(gguf_find(&f, "c.bf16"), y);
        for (int i = 0; i < R * K; i++) cr_assert(fabsf(y[i] - x[i]) <= fabsf(x[i]) * 0x1p-8f, "BF16 %d", i);
        const GgufTensor *q = gguf_find(&f, "d.q8");
        cr_assert(q->ndim == 3 && q->ne[0] == K && q->ne[1] == R && q->ne[2] == 1 && q->shape[0] == 1);
        uint32_t type;
        size_t nb;
        const unsigned char *raw = gguf_tensor_raw(q, &type, &nb);
        cr_assert(type == GGML_Q8_0 && nb == (size_t)R * K / 32 * 34);
        gguf_read_f32(q, y);
        for (int b = 0; b < R * K / 32; b++) {
            const unsigned char *blk = raw + 34 * b;
            float d = gguf_f16_to_f32((uint16_t)(blk[0] | blk[1] << 8)), amax = 0;
            for (int i = 0; i < 32; i++) amax = fmaxf(amax, fabsf(x[32 * b + i]));
            cr_assert(fabsf(d - amax / 127) <= amax / 127 * 0x1p-10f, "block %d scale", b);
            for (int i = 0; i < 32; i++) {
                int8_t qi = (int8_t)blk[2 + i];
                cr_assert(y[32 * b + i] == d * (float)qi, "Q8_0 %d,%d: value = d · q exactly", b, i);
                cr_assert(fabsf(y[32 * b + i] - x[32 * b + i]) <= 0.5f * d + amax * 0x1p-10f, "Q8_0 %d,%d close", b, i);
            }
        }
        gguf_read_rows(q, 2, 1, z);
        cr_assert(memcmp(z, y + 2 * K, sizeof z) == 0);
        gguf_free(&f);
        free(buf);
    }
}

Test(gguf, f16_rounding)
{
    cr_assert_eq(gguf_f32_to_f16(1.0f), 0x3C00);
    cr_assert_eq(gguf_f32_to_f16(-2.0f), 0xC000);
    cr_assert_eq(gguf_f32_to_f16(65504.0f), 0x7BFF);
    cr_assert_eq(gguf_f32_to_f16(65520.0f), 0x7C00);            /* rounds up to infinity */
    cr_assert_eq(gguf_f32_to_f16(0x1p-24f), 0x0001);            /* smallest subnormal */
    cr_assert_eq(gguf_f32_to_f16(0x1p-25f), 0x0000);            /* tie: to even (0) */
    cr_assert_eq(gguf_f32_to_f16(0x1.8p-24f), 0x0002);          /* tie 1.5: to even (2) */
    cr_assert_eq(gguf_f32_to_f16(1.0f + 0x1p-11f), 0x3C00);     /* tie: to even */
    cr_assert_eq(gguf_f32_to_f16(1.0f + 0x1.8p-10f), 0x3C02);   /* tie 1.5 ulp: to even */
    cr_assert(isnan(gguf_f16_to_f32(gguf_f32_to_f16(NAN))));
    for (uint32_t h = 0; h < 0x7C00; h++) cr_assert_eq(gguf_f32_to_f16(gguf_f16_to_f32((uint16_t)h)), h);
}

/* ---- a tiny LLaMA --------------------------------------------------------------------------- */

enum { D = 32, F = 64, L = 2, NH = 4, KVH = 2, V = 6, CTX = 16 };

static float *llama_values(const GgufLlama *c, int i, uint64_t *count)
{
    char name[64];
    int nd;
    uint64_t shape[2];
    gguf_llama_tensor(c, i, name, sizeof name, &nd, shape);
    *count = nd == 2 ? shape[0] * shape[1] : shape[0];
    float *p = malloc(*count * sizeof *p);
    for (uint64_t k = 0; k < *count; k++) p[k] = (float)((i * 13 + (int)k) % 256 - 128) / 64.0f;   /* exact in F16 */
    return p;
}

/* the tiny LLaMA as GGUF: n_tensors of them (all but output.weight when shared) */
static char *tiny_llama(int shared, uint32_t type, size_t *len, float ***vals)
{
    GgufLlama c = {D, F, L, NH, KVH, V, CTX, shared, 10000, 1e-5f};
    int nt = gguf_llama_ntensors(&c) - shared;
    GgufOut *t = calloc((size_t)nt, sizeof *t);
    char (*names)[64] = malloc((size_t)nt * 64);
    *vals = calloc((size_t)nt, sizeof **vals);
    for (int i = 0; i < nt; i++) {
        uint64_t cnt, shape[2];
        (*vals)[i] = llama_values(&c, i, &cnt);
        gguf_llama_tensor(&c, i, names[i], 64, &t[i].ndim, shape);
        t[i].name = names[i];
        t[i].shape[0] = shape[0], t[i].shape[1] = shape[1];
        t[i].type = t[i].ndim == 1 ? GGML_F32 : type;   /* norms stay F32, as llama.cpp does */
        t[i].data = (*vals)[i];
    }
    uint32_t ud = D, uf = F, ul = L, uh = NH, ukv = KVH, uc = CTX, bos = 1, eos = 2;
    float theta = 500000.0f, eps = 1e-6f;
    const char *toks[V] = {"<unk>", "<s>", "</s>", "▁a", "b", "<0x0A>"};
    float scores[V] = {0, 0, 0, -1.5f, -2.5f, 0};
    int32_t types[V] = {2, 3, 3, 1, 1, 6};
    GgufKvOut kv[] = {
        {"general.architecture", GGUF_STRING, 0, 0, "llama"},
        {"llama.embedding_length", GGUF_UINT32, 0, 0, &ud},
        {"llama.feed_forward_length", GGUF_UINT32, 0, 0, &uf},
        {"llama.block_count", GGUF_UINT32, 0, 0, &ul},
        {"llama.attention.head_count", GGUF_UINT32, 0, 0, &uh},
        {"llama.attention.head_count_kv", GGUF_UINT32, 0, 0, &ukv},
        {"llama.context_length", GGUF_UINT32, 0, 0, &uc},
        {"llama.rope.freq_base", GGUF_FLOAT32, 0, 0, &theta},
        {"llama.attention.layer_norm_rms_epsilon", GGUF_FLOAT32, 0, 0, &eps},
        {"tokenizer.ggml.model", GGUF_STRING, 0, 0, "llama"},
        {"tokenizer.ggml.tokens", GGUF_ARRAY, GGUF_STRING, V, toks},
        {"tokenizer.ggml.scores", GGUF_ARRAY, GGUF_FLOAT32, V, scores},
        {"tokenizer.ggml.token_type", GGUF_ARRAY, GGUF_INT32, V, types},
        {"tokenizer.ggml.bos_token_id", GGUF_UINT32, 0, 0, &bos},
        {"tokenizer.ggml.eos_token_id", GGUF_UINT32, 0, 0, &eos},
    };
    char *buf = write_mem(kv, 15, t, nt, 0, len);
    free(t);
    free(names);
    return buf;
}

static void free_vals(float **v, int n)
{
    for (int i = 0; i < n; i++) free(v[i]);
    free(v);
}

Test(gguf, llama_config_weights_vocab)
{
    for (int shared = 0; shared <= 1; shared++)
        for (int q = 0; q < 3; q++) {
            uint32_t type = q == 0 ? GGML_F32 : q == 1 ? GGML_F16 : GGML_Q8_0;
            size_t len;
            float **vals;
            char *buf = tiny_llama(shared, type, &len, &vals);
            char *path = tmp_path("tiny.gguf");
            tmp_write(path, buf, len);
            GgufLlama c;
            GgufWeights w;
            GgufVocab voc;
            TzErr e;
            cr_assert_eq(gguf_load_llama(path, &c, &w, &voc, &e), 0, "%s", e.en);
            cr_assert(c.dim == D && c.hidden_dim == F && c.n_layers == L && c.n_heads == NH && c.n_kv_heads == KVH &&
                      c.vocab_size == V && c.seq_len == CTX && c.shared_classifier == shared);
            cr_assert(c.rope_theta == 500000.0f && c.norm_eps == 1e-6f);
            int nt = gguf_llama_ntensors(&c) - shared;
            cr_assert_eq(w.n, nt);
            for (int i = 0; i < nt; i++) {
                char name[64];
                int nd;
                uint64_t shape[2];
                gguf_llama_tensor(&c, i, name, sizeof name, &nd, shape);
                const GgufWeight *x = gguf_weights_find(&w, name);
                cr_assert(x && x->ndim == nd && x->shape[0] == shape[0] && (nd == 1 || x->shape[1] == shape[1]), "%s", name);
                for (uint64_t k = 0; k < x->count; k++) {
                    float want = vals[i][k];
                    if (type == GGML_Q8_0 && nd == 2)
                        cr_assert(fabsf(x->data[k] - want) <= 1.0f / 127 + 1e-3f, "%s[%llu]", name, (unsigned long long)k);
                    else
                        cr_assert(x->data[k] == want, "%s[%llu]: %g, want %g", name, (unsigned long long)k, x->data[k], want);
                }
            }
            cr_assert(voc.n == V && voc.bos == 1 && voc.eos == 2 && voc.unk == -1 && strcmp(voc.model, "llama") == 0);
            cr_assert(strcmp(voc.tok[3], "▁a") == 0 && voc.len[3] == strlen("▁a") && voc.len[1] == 3);
            cr_assert(voc.score[3] == -1.5f && voc.score[4] == -2.5f && voc.type[5] == 6 && voc.type[0] == 2);
            gguf_vocab_free(&voc);
            gguf_weights_free(&w);
            free_vals(vals, nt);
            free(buf);
        }
}

/* the same file with one tensor's shape against the metadata */
Test(gguf, dims_disagree_with_metadata)
{
    Bb b = {0};
    uint64_t e1[1] = {D}, e2[2] = {D, V};
    hdr(&b, 3, 2, 7);
    kv_str(&b, "general.architecture", "llama");
    kv_u32(&b, "llama.embedding_length", D);
    kv_u32(&b, "llama.feed_forward_length", F);
    kv_u32(&b, "llama.block_count", 1);
    kv_u32(&b, "llama.attention.head_count", NH);
    kv_u32(&b, "llama.context_length", CTX);
    kv_u32(&b, "llama.vocab_size", V + 1);
    tinfo(&b, "token_embd.weight", 2, e2, GGML_F32, 0);
    tinfo(&b, "output_norm.weight", 1, e1, GGML_F32, 1024);
    pad(&b, 32);
    zeros(&b, 1024 + 4 * D);
    GgufFile f;
    GgufLlama c;
    TzErr e;
    cr_assert_eq(gguf_parse(&f, (const char *)b.b, b.n, "m.gguf", &e), 0, "%s", e.en);
    cr_assert_eq(gguf_llama_config(&f, &c, &e), TZ_E_FORMAT);
    cr_assert(strstr(e.en, "token_embd.weight") && strstr(e.en, "[6, 32]") && strstr(e.en, "[7, 32]") &&
              strstr(e.en, "disagree"), "%s", e.en);
    gguf_free(&f);
    free(b.b);
}

Test(gguf, llama_missing_tensor_and_other_arch)
{
    Bb b = {0};
    hdr(&b, 3, 0, 6);
    kv_str(&b, "general.architecture", "llama");
    kv_u32(&b, "llama.embedding_length", D);
    kv_u32(&b, "llama.feed_forward_length", F);
    kv_u32(&b, "llama.block_count", 1);
    kv_u32(&b, "llama.attention.head_count", NH);
    kv_u32(&b, "llama.context_length", CTX);
    GgufFile f;
    GgufLlama c;
    TzErr e;
    cr_assert_eq(gguf_parse(&f, (const char *)b.b, b.n, "m.gguf", &e), 0, "%s", e.en);
    cr_assert_eq(gguf_llama_config(&f, &c, &e), TZ_E_FORMAT);   /* no vocabulary size anywhere */
    cr_assert(strstr(e.en, "llama.vocab_size"), "%s", e.en);
    gguf_free(&f);
    b.n = 0;
    hdr(&b, 3, 0, 7);
    kv_str(&b, "general.architecture", "llama");
    kv_u32(&b, "llama.embedding_length", D);
    kv_u32(&b, "llama.feed_forward_length", F);
    kv_u32(&b, "llama.block_count", 1);
    kv_u32(&b, "llama.attention.head_count", NH);
    kv_u32(&b, "llama.context_length", CTX);
    kv_u32(&b, "llama.vocab_size", V);
    cr_assert_eq(gguf_parse(&f, (const char *)b.b, b.n, "m.gguf", &e), 0, "%s", e.en);
    cr_assert_eq(gguf_llama_config(&f, &c, &e), TZ_E_FORMAT);
    cr_assert(strstr(e.en, "token_embd.weight") && strstr(e.en, "not in the file"), "%s", e.en);
    gguf_free(&f);
    b.n = 0;
    hdr(&b, 3, 0, 2);
    kv_str(&b, "general.architecture", "qwen2");
    kv_u32(&b, "llama.embedding_length", NH * 3);   /* D = 12, NH = 4: head size 3, odd */
    cr_assert_eq(gguf_parse(&f, (const char *)b.b, b.n, "m.gguf", &e), 0, "%s", e.en);
    cr_assert_eq(gguf_llama_config(&f, &c, &e), TZ_E_FORMAT);
    cr_assert(strstr(e.en, "'qwen2'"), "%s", e.en);
    gguf_free(&f);
    free(b.b);
}

Test(gguf, vocab_bad)
{
    Bb b = {0};
    hdr(&b, 3, 0, 3);
    str(&b, "tokenizer.ggml.tokens"), u32(&b, GGUF_ARRAY), u32(&b, GGUF_STRING), u64(&b, 2), str(&b, "a"), str(&b, "b");
    str(&b, "tokenizer.ggml.scores"), u32(&b, GGUF_ARRAY), u32(&b, GGUF_FLOAT32), u64(&b, 1), u32(&b, 0);
    kv_u32(&b, "tokenizer.ggml.eos_token_id", 1);
    GgufFile f;
    GgufVocab v;
    TzErr e;
    cr_assert_eq(gguf_parse(&f, (const char *)b.b, b.n, "v.gguf", &e), 0, "%s", e.en);
    cr_assert_eq(gguf_vocab(&f, &v, &e), TZ_E_FORMAT);
    cr_assert(strstr(e.en, "tokenizer.ggml.scores") && strstr(e.en, "2 FLOAT32"), "%s", e.en);
    cr_assert(v.tok == NULL && v.n == 0);
    gguf_free(&f);
    b.n = 0;
    hdr(&b, 3, 0, 2);
    str(&b, "tokenizer.ggml.tokens"), u32(&b, GGUF_ARRAY), u32(&b, GGUF_STRING), u64(&b, 2), str(&b, "a"), str(&b, "b");
    kv_u32(&b, "tokenizer.ggml.bos_token_id", 2);
    cr_assert_eq(gguf_parse(&f, (const char *)b.b, b.n, "v.gguf", &e), 0, "%s", e.en);
    cr_assert_eq(gguf_vocab(&f, &v, &e), TZ_E_FORMAT);
    cr_assert(strstr(e.en, "bos_token_id = 2") && strstr(e.en, "outside"), "%s", e.en);
    gguf_free(&f);
    free(b.b);
}

/* ---- bad files ---------------------------------------------------------------------------- */

Test(gguf, bad_magic_and_versions)
{
    Bb b = {0};
    put(&b, "GGML", 4), u32(&b, 3), u64(&b, 0), u64(&b, 0);
    refuse(&b, "not a GGUF file");
    b = (Bb){0};
    hdr(&b, 4, 0, 0);
    refuse(&b, "unknown GGUF version 4");
    b = (Bb){0};
    hdr(&b, 1, 0, 0);
    refuse(&b, "version 1");
    b = (Bb){0};
    put(&b, "GGUF", 4), u32(&b, 3);
    refuse(&b, "only 8 bytes");
}

Test(gguf, bad_counts_strings_arrays)
{
    Bb b = {0};
    hdr(&b, 3, (uint64_t)1 << 62, 0);   /* tensor_count · 24 would overflow */
    zeros(&b, 64);
    refuse(&b, "claims 4611686018427387904 tensors");
    b = (Bb){0};
    hdr(&b, 3, 0, UINT64_MAX);
    zeros(&b, 64);
    refuse(&b, "key-values");
    b = (Bb){0};
    hdr(&b, 3, 0, 1);
    u64(&b, (uint64_t)1 << 40), put(&b, "abcdefgh", 8);   /* a key longer than the file */
    refuse(&b, "claims 1099511627776 bytes");
    b = (Bb){0};
    hdr(&b, 3, 0, 1);
    kv_str(&b, "s", "x");
    b.n -= 9, u64(&b, 1000), u8(&b, 'x');                  /* the value string claims 1000 bytes */
    refuse(&b, "claims 1000 bytes");
    b = (Bb){0};
    hdr(&b, 3, 0, 1);
    str(&b, "arr"), u32(&b, GGUF_ARRAY), u32(&b, GGUF_UINT64), u64(&b, (uint64_t)1 << 61), u64(&b, 0);
    refuse(&b, "array 'arr' claims 2305843009213693952 elements");
    b = (Bb){0};
    hdr(&b, 3, 0, 1);
    str(&b, "arr"), u32(&b, GGUF_ARRAY), u32(&b, GGUF_STRING), u64(&b, 3), str(&b, "a"), u64(&b, 0), u64(&b, 50);
    refuse(&b, "claims 50 bytes");
    b = (Bb){0};
    hdr(&b, 3, 0, 1);
    str(&b, "deep"), u32(&b, GGUF_ARRAY);
    for (int k = 0; k < 12; k++) u32(&b, GGUF_ARRAY), u64(&b, 1);   /* [[[[…]]]] */
    u32(&b, GGUF_UINT8), u64(&b, 0);
    refuse(&b, "levels deep");
    b = (Bb){0};
    hdr(&b, 3, 0, 1);
    str(&b, "t"), u32(&b, 13), u32(&b, 0);
    refuse(&b, "unknown value type 13");
    b = (Bb){0};
    hdr(&b, 3, 0, 1);
    str(&b, "b"), u32(&b, GGUF_BOOL), u8(&b, 2), zeros(&b, 4);
    refuse(&b, "BOOL but holds 2");
    b = (Bb){0};
    hdr(&b, 3, 0, 2);
    kv_u32(&b, "k", 1), kv_u32(&b, "k", 2);
    refuse(&b, "key 'k' appears twice");
    b = (Bb){0};
    hdr(&b, 3, 0, 1);
    kv_u32(&b, "general.alignment", 48);
    refuse(&b, "general.alignment is invalid");
}

Test(gguf, bad_tensors)
{
    uint64_t ne[2] = {32, 2}, big[5] = {(uint64_t)1 << 40, (uint64_t)1 << 40, 1, 1, 1};
    Bb b = {0};
    hdr(&b, 3, 1, 0);
    tinfo(&b, "w", 2, ne, 12, 0);
    pad(&b, 32), zeros(&b, 256);
    refuse(&b, "tensor 'w' is of type Q4_K");
    b = (Bb){0};
    hdr(&b, 3, 1, 0);
    tinfo(&b, "w", 2, ne, 2, 0);
    pad(&b, 32), zeros(&b, 256);
    refuse(&b, "Q4_0");
    b = (Bb){0};
    hdr(&b, 3, 1, 0);
    tinfo(&b, "w", 4, big, GGML_F32, 0);
    pad(&b, 32), zeros(&b, 64);
    refuse(&b, "larger than the whole file");
    b = (Bb){0};
    hdr(&b, 3, 1, 0);
    tinfo(&b, "w", 5, big, GGML_F32, 0);
    refuse(&b, "5 dimensions");
    b = (Bb){0};
    hdr(&b, 3, 1, 0);
    tinfo(&b, "w", 2, (uint64_t[]){33, 1}, GGML_Q8_0, 0);
    pad(&b, 32), zeros(&b, 64);
    refuse(&b, "not a multiple of 32");
    b = (Bb){0};
    hdr(&b, 3, 1, 0);
    tinfo(&b, "w", 2, ne, GGML_F32, 32);                   /* 256 bytes from 32: 32 short */
    pad(&b, 32), zeros(&b, 256);
    refuse(&b, "starts at offset 32");
    b = (Bb){0};
    hdr(&b, 3, 1, 0);
    tinfo(&b, "w", 2, ne, GGML_F32, 8);                    /* inside the file, but not aligned */
    pad(&b, 32), zeros(&b, 512);
    refuse(&b, "lies about its alignment");
    b = (Bb){0};
    hdr(&b, 3, 2, 0);
    tinfo(&b, "w", 2, ne, GGML_F32, 0), tinfo(&b, "v", 2, ne, GGML_F32, 128);
    pad(&b, 32), zeros(&b, 512);
    refuse(&b, "share bytes");
    b = (Bb){0};
    hdr(&b, 3, 2, 0);
    tinfo(&b, "w", 2, ne, GGML_F32, 0), tinfo(&b, "w", 2, ne, GGML_F32, 256);
    pad(&b, 32), zeros(&b, 512);
    refuse(&b, "tensor 'w' appears twice");
    b = (Bb){0};
    hdr(&b, 3, 1, 0);
    tinfo(&b, "a-name-that-is-much-longer-than-sixty-four-bytes-which-ggml-refuses", 2, ne, GGML_F32, 0);
    pad(&b, 32), zeros(&b, 256);
    refuse(&b, "tensor name");
    b = (Bb){0};
    hdr(&b, 3, 1, 0);
    tinfo(&b, "w", 2, ne, GGML_F32, 0);                    /* no data section at all */
    refuse(&b, "truncated");
}

/* every prefix of a good file is refused cleanly (a cut download), and the whole file is fine */
Test(gguf, every_truncation)
{
    size_t len;
    float **vals;
    char *buf = tiny_llama(0, GGML_Q8_0, &len, &vals);
    GgufFile f;
    TzErr e;
    size_t last_ok = 0;
    for (size_t n = 0; n < len; n += n < 2000 ? 1 : 97) {
        int rc = gguf_parse(&f, buf, n, "cut.gguf", &e);
        if (rc == 0) {   /* possible only when the cut falls in the data padding after the last tensor */
            last_ok = n;
            gguf_free(&f);
            continue;
        }
        cr_assert(e.tr[0] && e.en[0] && strstr(e.en, "cut.gguf"));
    }
    cr_assert(last_ok == 0 || len - last_ok < 32, "a file cut at %zu of %zu bytes was accepted", last_ok, len);
    cr_assert_eq(gguf_parse(&f, buf, len, "whole.gguf", &e), 0, "%s", e.en);
    gguf_free(&f);
    free_vals(vals, 3 + 9 * L);
    free(buf);
}

/* a file written independently, by numpy (tests/ref/make_gguf_fixtures.py) */
Test(gguf, numpy_reference_file)
{
    size_t len;
    char *buf = tmp_slurp(GGUF_FIXTURES "/tiny.gguf", &len);
    cr_assert_not_null(buf, "missing fixture (run tests/ref/make_gguf_fixtures.py)");
    GgufFile f;
    TzErr e;
    cr_assert_eq(gguf_parse(&f, buf, len, "tiny.gguf", &e), 0, "%s", e.en);
    cr_assert_eq(f.alignment, 64);
    const char *s;
    cr_assert(gguf_get_str(&f, "general.name", &s, &e) == 0 && strcmp(s, "numpy yazdı") == 0);
    uint64_t u;
    double d;
    cr_assert(gguf_get_uint(&f, "test.count", &u, &e) == 0 && u == 7);
    cr_assert(gguf_get_float(&f, "test.pi", &d, &e) == 0 && d == 3.25);
    const GgufKV *kv = gguf_kv(&f, "test.words");
    size_t l;
    const char *w = gguf_arr_str(kv, 1, &l);
    cr_assert(kv && kv->n == 3 && w && l == 3 && memcmp(w, "iki", 3) == 0);
    /* the script's values: a[i] = i/8 − 1 (F32), b = the same as F16, q: Q8_0 with d = 0.5, q = k − 16 */
    const GgufTensor *a = gguf_find(&f, "a"), *b = gguf_find(&f, "b"), *q = gguf_find(&f, "q");
    cr_assert(a && b && q);
    cr_assert(a->ndim == 2 && a->shape[0] == 2 && a->shape[1] == 8 && a->type == GGML_F32);
    cr_assert(b->type == GGML_F16 && b->count == 16 && q->type == GGML_Q8_0 && q->count == 64);
    float x[64];
    gguf_read_f32(a, x);
    for (int i = 0; i < 16; i++) cr_assert(x[i] == i / 8.0f - 1, "a[%d] = %g", i, x[i]);
    gguf_read_f32(b, x);
    for (int i = 0; i < 16; i++) cr_assert(x[i] == i / 8.0f - 1, "b[%d] = %g", i, x[i]);
    gguf_read_f32(q, x);
    for (int i = 0; i < 64; i++) cr_assert(x[i] == 0.5f * (float)(i % 32 - 16) * (i < 32 ? 1 : -1), "q[%d] = %g", i, x[i]);
    gguf_free(&f);
    free(buf);
}
