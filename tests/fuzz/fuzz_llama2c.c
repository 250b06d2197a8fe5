/* fuzz_llama2c.c — libFuzzer harness for llama2.c's files (src/engine/formats/llama2c.c): the
 * checkpoint (legacy and "ak42" version 1) and tokenizer.bin, both parsed from the same bytes.
 *
 * Beyond "no crash, no leak, no undefined behaviour": a refusal has its code and both messages
 * and leaves everything zeroed; a checkpoint that loads has a configuration within bounds, the
 * file size exactly what that configuration implies, every LLaMA tensor (GGUF names) with the
 * right count and finite values, inside one allocation; a tokenizer that loads has every token
 * NUL-ended at its length (≤ max_token_length) and accounts for every byte of the input.
 * Build and run: bash tests/fuzz/run.sh llama2c (see tests/fuzz/README.md).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/llama2c.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz_llama2c: check failed: %s (line %d)\n", #c, __LINE__); abort(); } } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GgufLlama c;
    GgufWeights w;
    TzErr e;
    int ver = -1;
    tz_err_clear(&e);
    int rc = llama2c_parse((const char *)data, size, "fuzz", &c, &w, &ver, &e);
    if (rc) {
        CHECK(rc == (int)e.code && e.tr[0] && e.en[0]);
        CHECK(w.mem == NULL && w.w == NULL && w.n == 0 && c.dim == 0);
    } else {
        CHECK(ver == 0 || ver == 1);
        CHECK(c.dim > 0 && c.dim % c.n_heads == 0 && c.n_heads % c.n_kv_heads == 0 && c.vocab_size > 0);
        CHECK(w.n == gguf_llama_ntensors(&c) - c.shared_classifier);
        uint64_t total = 0;
        for (int i = 0; i < w.n; i++) {
            CHECK(w.w[i].data == w.mem + total);
            total += w.w[i].count;
            for (uint64_t k = 0; k < w.w[i].count; k++) CHECK(isfinite(w.w[i].data[k]));
        }
        uint64_t hs = (uint64_t)(c.dim / c.n_heads), freq = ver ? 0 : (uint64_t)c.seq_len * hs;
        CHECK((ver ? 256 : 28) + 4 * (total + freq) == size);
        gguf_weights_free(&w);
    }
    GgufVocab v;
    for (int vs = 0; vs <= 3; vs += 3) {
        rc = llama2c_tokenizer_parse((const char *)data, size, "fuzz", vs, &v, &e);
        if (rc) {
            CHECK(rc == (int)e.code && e.tr[0] && e.en[0] && v.tok == NULL && v.n == 0);
            continue;
        }
        CHECK(v.n > 0 && (vs == 0 || v.n == vs));
        size_t bytes = 4;
        int32_t maxlen;
        memcpy(&maxlen, data, 4);
        for (int k = 0; k < v.n; k++) {
            CHECK(v.len[k] <= (size_t)maxlen && v.tok[k][v.len[k]] == '\0' && isfinite(v.score[k]));
            bytes += 8 + v.len[k];
        }
        CHECK(bytes == size);
        gguf_vocab_free(&v);
    }
    return 0;
}
