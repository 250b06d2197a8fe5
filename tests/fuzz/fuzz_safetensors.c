/* fuzz_safetensors.c — libFuzzer harness for the safetensors reader (src/engine/formats/safetensors.c)
 * and the GPT-2 loader on top of it (src/engine/models/gpt_io.c, gpt_parse_safetensors).
 *
 * Each input is parsed straight from memory (nothing outside data[0..size) is read, so
 * AddressSanitizer catches any over-read). Beyond "no crash, no leak, no undefined behaviour",
 * it checks what a success promises:
 *   - st_parse: every tensor's bytes lie inside the input, nbytes = count × dtype size, names
 *     are sorted and unique and st_find finds each, no two tensors share a byte, and every
 *     float tensor converts;
 *   - gpt_parse_safetensors: a usable configuration, every weight finite, a forward pass runs,
 *     and writing the model (gpt_write_safetensors) and reading that back gives the same
 *     configuration and bit-identical weights;
 * and that a refusal carries its code and a message in both languages, leaving nothing behind.
 * The JSON reader is also run as config.json's (st_json_uint) on the same bytes.
 * Build and run: bash tests/fuzz/run.sh safetensors (see tests/fuzz/README.md).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/safetensors.h"
#include "models/gpt_io.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz_safetensors: check failed: %s (line %d)\n", #c, __LINE__); abort(); } } while (0)

static void check_file(const uint8_t *data, size_t size)
{
    StFile f;
    TzErr e;
    tz_err_clear(&e);
    int rc = st_parse(&f, (const char *)data, size, "fuzz", &e);
    if (rc) {
        CHECK(rc == (int)e.code && e.tr[0] && e.en[0]);
        CHECK(f.t == NULL && f.n == 0 && f.meta == NULL && f.name == NULL);
        return;
    }
    CHECK(size >= 8 + f.header_len);
    for (int i = 0; i < f.n; i++) {
        const StTensor *t = &f.t[i];
        CHECK(t->nbytes == t->count * st_dtype_size(t->dtype));
        CHECK(t->data >= data + 8 + f.header_len && t->data + t->nbytes <= data + size);
        CHECK(t->offset == (size_t)(t->data - data));
        CHECK(i == 0 || strcmp(f.t[i - 1].name, t->name) < 0);
        CHECK(st_find(&f, t->name) == t);
        for (int j = 0; j < i; j++)   /* no shared byte (inputs are small: quadratic is fine) */
            CHECK(!t->nbytes || !f.t[j].nbytes || t->data >= f.t[j].data + f.t[j].nbytes ||
                  f.t[j].data >= t->data + t->nbytes);
        if (t->dtype == ST_F32 || t->dtype == ST_F16 || t->dtype == ST_BF16) {
            float *v = malloc((t->count ? t->count : 1) * sizeof *v);
            CHECK(st_read_f32(&f, t, 0, t->count, v, &e) == 0);
            free(v);
        }
    }
    for (int k = 0; k < f.nmeta; k++) CHECK(st_meta(&f, f.meta[2 * k]) != NULL);
    st_free(&f);
}

static void check_gpt(const uint8_t *data, size_t size)
{
    Gpt g;
    TzErr e;
    tz_err_clear(&e);
    /* the heads: from the metadata if it says, else 2 (as a config.json would), else D/64 */
    int rc = gpt_parse_safetensors(&g, (const char *)data, size, "fuzz", 0, 2, NULL, &e);
    if (rc) {
        CHECK(rc == (int)e.code && e.tr[0] && e.en[0]);
        CHECK(g.mem == NULL && g.h == NULL);
        return;
    }
    CHECK(gpt_config_ok(&g.cfg) && g.n == gpt_nparams(&g.cfg));
    for (size_t i = 0; i < g.n; i++) CHECK(isfinite(g.mem[i]));
    /* a short forward pass over the loaded shapes */
    GptWork w;
    int T = g.cfg.C < 3 ? g.cfg.C : 3;
    CHECK(gpt_work_alloc(&w, &g.cfg, 1, T) == 0);
    int32_t tok[3] = {0, (int32_t)(g.cfg.V - 1), (int32_t)(g.cfg.V / 2)};
    gpt_forward(&g, &w, tok, NULL, 1, T);
    gpt_work_free(&w);
    /* write and read back: the same model, bit for bit */
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
    CHECK(memcmp(&g.cfg, &h.cfg, sizeof g.cfg) == 0);
    CHECK(memcmp(g.mem, h.mem, g.n * sizeof *g.mem) == 0);
    gpt_free(&h);
    free(buf);
    gpt_free(&g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_file(data, size);
    check_gpt(data, size);
    uint64_t v;
    size_t at;
    st_json_uint((const char *)data, size, "n_head", &v, &at);
    return 0;
}
