/* fuzz_llmc.c — libFuzzer harness for llm.c's model files (gpt2_124M.bin) in
 * src/engine/models/gpt_io.c (gpt_parse_llmc).
 *
 * Each input is parsed straight from memory (nothing outside data[0..size) is read). Beyond
 * "no crash, no leak, no undefined behaviour", a success must give a usable configuration that
 * matches the header, finite weights, and a model that survives writing it as safetensors and
 * reading it back bit for bit; a refusal must carry its code and both messages and leave the
 * model zeroed.
 * Build and run: bash tests/fuzz/run.sh llmc (see tests/fuzz/README.md).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/gpt_io.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz_llmc: check failed: %s (line %d)\n", #c, __LINE__); abort(); } } while (0)

static int32_t hdr(const uint8_t *d, int k)
{
    int32_t v;
    memcpy(&v, d + 4 * k, 4);
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Gpt g;
    TzErr e;
    tz_err_clear(&e);
    int rc = gpt_parse_llmc(&g, (const char *)data, size, "fuzz", &e);
    if (rc) {
        CHECK(rc == (int)e.code && e.tr[0] && e.en[0]);
        CHECK(g.mem == NULL && g.h == NULL);
        return 0;
    }
    CHECK(size >= 1024 && hdr(data, 0) == 20240326);
    CHECK(g.cfg.C == hdr(data, 2) && g.cfg.V == hdr(data, 3) && g.cfg.L == hdr(data, 4) && g.cfg.H == hdr(data, 5) &&
          g.cfg.D == hdr(data, 6));
    CHECK(gpt_config_ok(&g.cfg) && g.n == gpt_nparams(&g.cfg));
    for (size_t i = 0; i < g.n; i++) CHECK(isfinite(g.mem[i]));
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    CHECK(fp != NULL);
    CHECK(gpt_write_safetensors(fp, &g, &e) == 0);
    fclose(fp);
    Gpt h;
    rc = gpt_parse_safetensors(&h, buf, len, "round-trip", 0, 0, NULL, &e);
    if (rc) fprintf(stderr, "round trip failed: %s\n", e.en);
    CHECK(rc == 0);
    CHECK(memcmp(&g.cfg, &h.cfg, sizeof g.cfg) == 0 && memcmp(g.mem, h.mem, g.n * sizeof *g.mem) == 0);
    gpt_free(&h);
    free(buf);
    gpt_free(&g);
    return 0;
}
