/* fuzz_gguf.c — libFuzzer harness for the GGUF reader (src/engine/formats/gguf.c).
 *
 * Each input is parsed straight from memory (nothing outside data[0..size) is read, so
 * AddressSanitizer catches any over-read). Beyond "no crash, no leak, no undefined behaviour",
 * it checks what a success promises:
 *   - gguf_parse: every tensor's bytes lie inside the data section, aligned, with nbytes right for
 *     its type and count, shape the reverse of ne, names sorted and unique (gguf_find finds each),
 *     no two tensors sharing a byte, every key found again, every string array readable;
 *   - every tensor dequantises, and writing all of them as F32 (gguf_write) and reading that back
 *     gives bit-identical floats;
 *   - gguf_llama_config / gguf_llama_weights / gguf_vocab: a refusal has its code and both
 *     messages and leaves nothing allocated; a success has sane sizes and in-range token ids;
 * and that a refusal of the file carries its code and a message in both languages, leaving *f zeroed.
 * Build and run: bash tests/fuzz/run.sh gguf (see tests/fuzz/README.md).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/gguf.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz_gguf: check failed: %s (line %d)\n", #c, __LINE__); abort(); } } while (0)

static void check_llama(const GgufFile *f)
{
    GgufLlama c;
    GgufWeights w;
    GgufVocab v;
    TzErr e;
    int rc = gguf_llama_config(f, &c, &e);
    if (rc) CHECK(rc == (int)e.code && e.tr[0] && e.en[0]);
    else {
        CHECK(c.dim > 0 && c.dim % c.n_heads == 0 && c.n_heads % c.n_kv_heads == 0 && c.vocab_size > 0);
        rc = gguf_llama_weights(f, &c, &w, &e);
        if (rc) CHECK(rc == (int)e.code && e.tr[0] && w.mem == NULL && w.w == NULL);
        else {
            CHECK(w.n == gguf_llama_ntensors(&c) - c.shared_classifier);
            for (int i = 0; i < w.n; i++) {
                CHECK(gguf_weights_find(&w, w.w[i].name) == &w.w[i]);
                for (uint64_t k = 0; k < w.w[i].count; k++) CHECK(isfinite(w.w[i].data[k]));
            }
            gguf_weights_free(&w);
        }
    }
    rc = gguf_vocab(f, &v, &e);
    if (rc) CHECK(rc == (int)e.code && e.tr[0] && v.tok == NULL && v.n == 0);
    else {
        CHECK(v.n > 0 && v.bos < v.n && v.eos < v.n && v.unk < v.n);
        for (int k = 0; k < v.n; k++) CHECK(v.tok[k] && v.tok[k][v.len[k]] == '\0');
        gguf_vocab_free(&v);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GgufFile f;
    TzErr e;
    tz_err_clear(&e);
    int rc = gguf_parse(&f, (const char *)data, size, "fuzz", &e);
    if (rc) {
        CHECK(rc == (int)e.code && e.tr[0] && e.en[0]);
        CHECK(f.t == NULL && f.n == 0 && f.kv == NULL && f.nkv == 0 && f.name == NULL);
        return 0;
    }
    CHECK(f.data_start <= size && f.alignment && (f.alignment & (f.alignment - 1)) == 0);
    for (int k = 0; k < f.nkv; k++) {
        CHECK(gguf_kv(&f, f.kv[k].key) == &f.kv[k]);   /* unique keys: the first is this one */
        if (f.kv[k].type == GGUF_ARRAY && f.kv[k].atype == GGUF_STRING)
            for (uint64_t i = 0; i < f.kv[k].n; i++) {
                size_t len;
                const char *s = gguf_arr_str(&f.kv[k], i, &len);
                CHECK(s && (const uint8_t *)s >= data && (const uint8_t *)s + len <= data + size);
            }
    }
    GgufOut *out = calloc((size_t)f.n + 1, sizeof *out);
    float **vals = calloc((size_t)f.n + 1, sizeof *vals);
    for (int i = 0; i < f.n; i++) {
        const GgufTensor *t = &f.t[i];
        CHECK(t->data >= data + f.data_start && t->data + t->nbytes <= data + size);
        CHECK((t->offset - f.data_start) % f.alignment == 0 && t->offset == (size_t)(t->data - data));
        CHECK(i == 0 || strcmp(f.t[i - 1].name, t->name) < 0);
        CHECK(gguf_find(&f, t->name) == t);
        uint64_t c = 1;
        for (int d = 0; d < t->ndim; d++) {
            CHECK(t->shape[d] == t->ne[t->ndim - 1 - d]);
            c *= t->ne[d];
        }
        CHECK(c == t->count);
        CHECK(t->type == GGML_Q8_0 ? t->nbytes == t->count / 32 * 34
                                   : t->nbytes == t->count * (t->type == GGML_F32 ? 4 : 2));
        for (int j = 0; j < i; j++)
            CHECK(!t->nbytes || !f.t[j].nbytes || t->data >= f.t[j].data + f.t[j].nbytes ||
                  f.t[j].data >= t->data + t->nbytes);
        vals[i] = malloc((t->count ? t->count : 1) * sizeof **vals);
        gguf_read_f32(t, vals[i]);
        out[i] = (GgufOut){t->name, t->ndim, {0}, GGML_F32, vals[i]};
        memcpy(out[i].shape, t->shape, sizeof t->shape);
    }
    /* write every tensor as F32 and read it back: the same floats, bit for bit */
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    CHECK(fp && gguf_write(fp, NULL, 0, out, f.n, 0, &e) == 0);
    fclose(fp);
    GgufFile g;
    rc = gguf_parse(&g, buf, len, "round-trip", &e);
    if (rc) fprintf(stderr, "round trip failed: %s\n", e.en);
    CHECK(rc == 0 && g.n == f.n);
    for (int i = 0; i < f.n; i++) {
        const GgufTensor *t = gguf_find(&g, f.t[i].name);
        CHECK(t && t->type == GGML_F32 && t->count == f.t[i].count && t->ndim == f.t[i].ndim);
        CHECK(memcmp(t->data, vals[i], t->nbytes) == 0);
    }
    gguf_free(&g);
    free(buf);
    for (int i = 0; i < f.n; i++) free(vals[i]);
    free(vals);
    free(out);
    check_llama(&f);
    gguf_free(&f);
    return 0;
}
