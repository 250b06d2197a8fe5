/* fuzz_gpt_ckpt.c — libFuzzer harness for tezgah's own GPT checkpoint (TZGPT, written by
 * `save NAME FILE`) in src/engine/models/gpt_train.c (gpt_ckpt_parse).
 *
 * Each input is parsed twice from memory: as it is, and with its last 4 bytes replaced by the
 * CRC-32 of the rest, so that the mutations reach the checks behind the CRC (the configuration,
 * the tokenizer section, the sizes). Beyond "no crash, no leak, no undefined behaviour", a
 * success must give a usable configuration that matches the header, a tokenizer that fits the
 * vocabulary and round-trips a text, and finite weights; a refusal must carry its code and both
 * messages and leave the model and the tokenizer empty.
 * Build and run: bash tests/fuzz/run.sh gpt_ckpt (see tests/fuzz/README.md).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "models/gpt_train.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz_gpt_ckpt: check failed: %s (line %d)\n", #c, __LINE__); abort(); } } while (0)

static uint32_t u32(const uint8_t *d)
{
    return (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24;
}

static void one(const uint8_t *data, size_t size)
{
    Gpt g;
    Bpe b;
    GptCkptMeta meta;
    TzErr e;
    tz_err_clear(&e);
    int rc = gpt_ckpt_parse(&g, &b, &meta, data, size, "fuzz", &e);
    if (rc) {
        CHECK(rc == (int)e.code && e.tr[0] && e.en[0]);
        CHECK(g.mem == NULL && g.h == NULL && b.vocab == 0);
        return;
    }
    CHECK(size >= 52 && memcmp(data, "TZGPT\0\0\0", 8) == 0);
    CHECK(g.cfg.V == (int)u32(data + 12) && g.cfg.C == (int)u32(data + 16) && g.cfg.D == (int)u32(data + 20) &&
          g.cfg.L == (int)u32(data + 24) && g.cfg.H == (int)u32(data + 28));
    CHECK(gpt_config_ok(&g.cfg) && g.n == gpt_nparams(&g.cfg));
    CHECK(b.vocab >= 256 && b.vocab <= g.cfg.V);
    CHECK(meta.eot >= -1 && meta.eot < g.cfg.V && strlen(meta.origin) < 256);
    for (size_t i = 0; i < g.n; i++) CHECK(isfinite(g.mem[i]));
    static const char text[] = "Kitaplarımızdan geliyorum; İstanbul'da ışık.\n";
    int32_t ids[256];
    size_t n = bpe_encode(&b, text, sizeof text - 1, ids, 256);
    CHECK(n <= sizeof text - 1);
    for (size_t i = 0; i < n; i++) CHECK(ids[i] >= 0 && ids[i] < g.cfg.V);
    char back[256];
    CHECK(bpe_decode(&b, ids, n, back, sizeof back) == sizeof text - 1 && memcmp(back, text, sizeof text - 1) == 0);
    gpt_free(&g);
    bpe_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    one(data, size);
    if (size >= 8) {   /* the same with a CRC that matches */
        uint8_t *d = malloc(size);
        memcpy(d, data, size);
        uint32_t crc = tz_crc32(0, d, size - 4);
        for (int k = 0; k < 4; k++) d[size - 4 + k] = (uint8_t)(crc >> (8 * k));
        one(d, size);
        free(d);
    }
    return 0;
}
