/* test_gpt_io.c — GPT-2 weights from Hugging Face's safetensors and llm.c's .bin (models/gpt_io.c,
 * formats/safetensors.c).
 *
 * tests/ref/make_gpt_fixtures.py wrote one tiny model (V 13, C 8, D 8, L 2, H 2) three ways:
 * tiny.txt (the weights in gpt.h's layout, and PyTorch's logits for a batch), tiny.safetensors +
 * config.json (Hugging Face's names, Conv1D weights In × Out, with the hub file's extra buffers)
 * and tiny_llmc.bin (llm.c's version 3, wte padded to 16 rows). Both loaders must give exactly
 * tiny.txt's float32 weights, and gpt_forward PyTorch's logits. The rest are the bad files the
 * loaders must refuse, each with a message that names what is wrong.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/io.h"
#include "fixture.h"
#include "formats/safetensors.h"
#include "models/gpt.h"
#include "models/gpt_io.h"
#include "nn/layers.h"
#include "tmpdir.h"

#ifndef GPT_FIXTURES
#define GPT_FIXTURES "tests/ref/gpt"
#endif
#define ST_FIX GPT_FIXTURES "/tiny.safetensors"
#define LLMC_FIX GPT_FIXTURES "/tiny_llmc.bin"

TestSuite(gpt_io, .init = tmp_setup, .fini = tmp_teardown);

enum { V = 13, C = 8, D = 8, L = 2, H = 2, B = 2, T = 6, N = B * T };

/* ---- helpers ------------------------------------------------------------------------- */

static char *fixture_text(void)
{
    size_t len;
    char *text = tmp_slurp(GPT_FIXTURES "/tiny.txt", &len);
    cr_assert_not_null(text, "missing fixture (run tests/ref/make_gpt_fixtures.py)");
    return text;
}

/* Every weight exactly tiny.txt's float32 value. */
static void assert_weights(const Gpt *g, const char *text)
{
    cr_assert(g->cfg.V == V && g->cfg.C == C && g->cfg.D == D && g->cfg.L == L && g->cfg.H == H,
              "config V %d C %d D %d L %d H %d", g->cfg.V, g->cfg.C, g->cfg.D, g->cfg.L, g->cfg.H);
    char name[64];
    size_t n;
    for (int i = 0; i < gpt_ntensors(&g->cfg); i++) {
        const float *p = gpt_tensor(g, i, name, sizeof name, &n, NULL, NULL);
        double *v = fixture_values(text, name, n);
        for (size_t j = 0; j < n; j++)
            cr_assert(p[j] == (float)v[j], "%s[%zu] is %.9g, tiny.txt has %.9g", name, j, (double)p[j], v[j]);
        free(v);
    }
}

/* gpt_forward's logits against PyTorch's (float32 against float64, as test_gpt_torch.c). */
static void assert_logits(const Gpt *g, const char *text)
{
    GptWork w;
    cr_assert_eq(gpt_work_alloc(&w, &g->cfg, B, T), 0);
    int32_t tokens[N];
    double *tk = fixture_values(text, "tokens", N), *want = fixture_values(text, "logits", (size_t)N * V);
    for (int i = 0; i < N; i++) tokens[i] = (int32_t)tk[i];
    gpt_forward(g, &w, tokens, NULL, B, T);
    for (int i = 0; i < N * V; i++)
        cr_assert(fabs(w.logits[i] - want[i]) <= 1e-5 * fmax(1.0, fabs(want[i])),
                  "logit %d: %.9g here, %.9g in PyTorch", i, (double)w.logits[i], want[i]);
    free(tk), free(want);
    gpt_work_free(&w);
}

static int zeroed(const Gpt *g) { return g->mem == NULL && g->h == NULL && g->n == 0; }

/* The error must be a format error whose English message holds every one of the words
 * (a NULL-ended list), with a Turkish one beside it. */
static void assert_refused(int rc, const TzErr *e, const Gpt *g, int code, const char *const *words)
{
    cr_assert_eq(rc, code, "expected code %d, got %d (%s)", code, rc, e->en);
    cr_assert_eq((int)e->code, code);
    cr_assert(e->tr[0] != '\0' && e->en[0] != '\0');
    for (int k = 0; words[k]; k++) cr_assert(strstr(e->en, words[k]), "'%s' not in: %s", words[k], e->en);
    if (g) cr_assert(zeroed(g), "the model must stay zeroed after an error");
}
#define REFUSED(rc, e, g, ...) assert_refused(rc, e, g, TZ_E_FORMAT, (const char *const[]){__VA_ARGS__, NULL})

/* Write a safetensors file from a JSON header and data bytes (the length in front). */
static void write_st(const char *path, const char *json, const void *data, size_t n)
{
    size_t hl = strlen(json);
    unsigned char *buf = malloc(8 + hl + n + 1);
    for (int k = 0; k < 8; k++) buf[k] = (unsigned char)((uint64_t)hl >> (8 * k));
    memcpy(buf + 8, json, hl);
    if (n) memcpy(buf + 8 + hl, data, n);
    tmp_write(path, buf, 8 + hl + n);
    free(buf);
}

/* Parse a header + data from memory; returns the code (e filled). */
static int parse_st(const char *json, const void *data, size_t n, TzErr *e)
{
    char *p = tmp_path("h.safetensors");
    write_st(p, json, data, n);
    size_t len;
    char *bytes = tmp_slurp(p, &len);
    StFile f;
    tz_err_clear(e);
    int rc = st_parse(&f, bytes, len, "h.safetensors", e);
    if (rc == 0) st_free(&f);
    else cr_assert(f.n == 0 && f.t == NULL && f.meta == NULL, "st_parse leaves f zeroed on error");
    free(bytes);
    return rc;
}

/* A model's tensors as Hugging Face entries we can bend: names (with a prefix), dtypes, shapes,
 * raw bytes. */
typedef struct {
    char name[96];
    char dtype[16];
    int ndim;
    uint64_t shape[4];
    unsigned char *bytes;
    size_t nbytes;
} Ent;
typedef struct {
    Ent e[64];
    int n;
} Ents;

static void ents_from_gpt(Ents *s, const Gpt *g, const char *prefix)
{
    memset(s, 0, sizeof *s);
    int nt = gpt_ntensors(&g->cfg);
    for (int i = 0; i < nt; i++) {
        Ent *x = &s->e[s->n++];
        char name[64];
        size_t n;
        int rows, cols;
        const float *p = gpt_tensor(g, i, name, sizeof name, &n, &rows, &cols);
        snprintf(x->name, sizeof x->name, "%s%s", prefix, name);
        strcpy(x->dtype, "F32");
        x->nbytes = n * 4;
        x->bytes = malloc(x->nbytes);
        /* wte, wpe and the four Conv1D weights (block tensors 2, 4, 8, 10) are matrices */
        int k = (i - 2) % 12, matrix = i < 2 || (i < nt - 2 && (k == 2 || k == 4 || k == 8 || k == 10));
        int conv = i >= 2 && matrix;
        if (!matrix) x->ndim = 1, x->shape[0] = (uint64_t)rows;
        else x->ndim = 2, x->shape[0] = (uint64_t)(conv ? cols : rows), x->shape[1] = (uint64_t)(conv ? rows : cols);
        float *q = (float *)x->bytes;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                if (conv) q[(size_t)c * rows + r] = p[(size_t)r * cols + c];
                else q[(size_t)r * cols + c] = p[(size_t)r * cols + c];
    }
}

static Ent *ent(Ents *s, const char *name)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->e[i].name, name) == 0) return &s->e[i];
    cr_assert_fail("no entry %s", name);
    return NULL;
}

static void ents_drop(Ents *s, const char *name)
{
    Ent *x = ent(s, name);
    free(x->bytes);
    *x = s->e[--s->n];
}

static void ents_add(Ents *s, const char *name, const char *dtype, int ndim, const uint64_t *shape, const void *b,
                     size_t nb)
{
    Ent *x = &s->e[s->n++];
    memset(x, 0, sizeof *x);
    snprintf(x->name, sizeof x->name, "%s", name);
    snprintf(x->dtype, sizeof x->dtype, "%s", dtype);
    x->ndim = ndim;
    memcpy(x->shape, shape, (size_t)ndim * sizeof *shape);
    x->bytes = malloc(nb ? nb : 1);
    memcpy(x->bytes, b, nb);
    x->nbytes = nb;
}

static void ents_free(Ents *s)
{
    for (int i = 0; i < s->n; i++) free(s->e[i].bytes);
    s->n = 0;
}

/* Write the entries as a safetensors file (meta: the inside of __metadata__, or NULL). */
static void ents_write(const Ents *s, const char *path, const char *meta)
{
    size_t cap = 1 << 16, hl = 0, off = 0, dl = 0;
    char *h = malloc(cap);
    hl += (size_t)snprintf(h + hl, cap - hl, "{");
    if (meta) hl += (size_t)snprintf(h + hl, cap - hl, "\"__metadata__\":{%s},", meta);
    for (int i = 0; i < s->n; i++) {
        const Ent *x = &s->e[i];
        hl += (size_t)snprintf(h + hl, cap - hl, "%s\"%s\":{\"dtype\":\"%s\",\"shape\":[", i ? "," : "", x->name,
                               x->dtype);
        for (int d = 0; d < x->ndim; d++)
            hl += (size_t)snprintf(h + hl, cap - hl, "%s%llu", d ? "," : "", (unsigned long long)x->shape[d]);
        hl += (size_t)snprintf(h + hl, cap - hl, "],\"data_offsets\":[%zu,%zu]}", off, off + x->nbytes);
        off += x->nbytes;
    }
    hl += (size_t)snprintf(h + hl, cap - hl, "}");
    cr_assert_lt(hl, cap);
    unsigned char *data = malloc(off ? off : 1);
    for (int i = 0; i < s->n; i++) memcpy(data + dl, s->e[i].bytes, s->e[i].nbytes), dl += s->e[i].nbytes;
    write_st(path, h, data, dl);
    free(h);
    free(data);
}

/* The reference model, loaded from tiny.safetensors. */
static void load_ref(Gpt *g)
{
    TzErr e;
    int rc = gpt_load_safetensors(g, ST_FIX, 0, &e);
    cr_assert_eq(rc, 0, "%s", e.en);
}

/* Write entries built from g (with prefix) to a fresh file and load it with n_head. */
static int load_ents(const Ents *s, const char *meta, int n_head, Gpt *out, TzErr *e)
{
    char *p = tmp_path("m.safetensors");
    ents_write(s, p, meta);
    tz_err_clear(e);
    return gpt_load_safetensors(out, p, n_head, e);
}

/* ---- the fixtures -------------------------------------------------------------------- */

Test(gpt_io, safetensors_fixture_weights_and_logits)
{
    char *text = fixture_text();
    Gpt g;
    GptLoadInfo info;
    TzErr e;
    int rc = gpt_load_safetensors_info(&g, ST_FIX, 0, &info, &e);
    cr_assert_eq(rc, 0, "%s", e.en);
    assert_weights(&g, text);
    assert_logits(&g, text);
    /* n_head came from config.json beside it; the masks h.N.attn.bias / masked_bias were ignored */
    cr_assert_eq(info.head_from, GPT_HEAD_CONFIG);
    cr_assert_eq(info.n_ignored, 2 * L);
    cr_assert_str_eq(info.dtype, "F32");
    cr_assert_eq(info.prefixed, 0);
    cr_assert_eq(info.lm_head, 0);
    gpt_free(&g);
    free(text);
}

Test(gpt_io, llmc_fixture_weights_and_logits)
{
    char *text = fixture_text();
    Gpt g;
    TzErr e;
    int rc = gpt_load_llmc(&g, LLMC_FIX, &e);
    cr_assert_eq(rc, 0, "%s", e.en);
    assert_weights(&g, text);   /* V = 13 of the 16 padded rows */
    assert_logits(&g, text);
    gpt_free(&g);
    free(text);
}

Test(gpt_io, sniffing)
{
    cr_assert_eq(gpt_is_safetensors(ST_FIX), 1);
    cr_assert_eq(gpt_is_safetensors(LLMC_FIX), 0);
    cr_assert_eq(gpt_is_llmc(LLMC_FIX), 1);
    cr_assert_eq(gpt_is_llmc(ST_FIX), 0);
    cr_assert_eq(gpt_is_safetensors(GPT_FIXTURES "/tiny.txt"), 0);
    cr_assert_eq(gpt_is_safetensors(tmp_path("nothing")), 0);
    cr_assert_eq(gpt_is_llmc(tmp_path("nothing")), 0);
    cr_assert_eq(gpt_is_llmc(tmp_dir), 0);
}

/* ---- writing -------------------------------------------------------------------------- */

Test(gpt_io, save_load_round_trip_is_exact)
{
    Gpt g, h, k;
    TzErr e;
    load_ref(&g);
    char *p1 = tmp_path("a.safetensors"), *p2 = tmp_path("b.safetensors");
    cr_assert_eq(gpt_save_safetensors(&g, p1, &e), 0, "%s", e.en);
    GptLoadInfo info;
    cr_assert_eq(gpt_load_safetensors_info(&h, p1, 0, &info, &e), 0, "%s", e.en);
    cr_assert_eq(info.head_from, GPT_HEAD_METADATA, "our saves carry n_head (no config.json in the temp folder)");
    cr_assert(memcmp(&g.cfg, &h.cfg, sizeof g.cfg) == 0);
    cr_assert(g.n == h.n && memcmp(g.mem, h.mem, g.n * sizeof *g.mem) == 0, "bit-exact");
    /* saving the reloaded model gives the same bytes again */
    cr_assert_eq(gpt_save_safetensors(&h, p2, &e), 0, "%s", e.en);
    size_t n1, n2;
    char *b1 = tmp_slurp(p1, &n1), *b2 = tmp_slurp(p2, &n2);
    cr_assert(n1 == n2 && memcmp(b1, b2, n1) == 0);

    /* Hugging Face's layout: no prefix, Conv1D In × Out, format "pt", data 8-byte aligned */
    StFile f;
    cr_assert_eq(st_parse(&f, b1, n1, "a", &e), 0, "%s", e.en);
    cr_assert_eq(f.n, gpt_ntensors(&g.cfg));
    cr_assert_eq((8 + f.header_len) % 8, 0);
    cr_assert_str_eq(st_meta(&f, "format"), "pt");
    cr_assert_str_eq(st_meta(&f, "n_head"), "2");
    const StTensor *t = st_find(&f, "h.1.attn.c_attn.weight");
    cr_assert(t && t->ndim == 2 && t->shape[0] == D && t->shape[1] == 3 * D && t->dtype == ST_F32);
    float x[3 * D * D];
    cr_assert_eq(st_read_f32(&f, t, 0, t->count, x, &e), 0);
    for (int o = 0; o < 3 * D; o++)
        for (int i = 0; i < D; i++) cr_assert_eq(x[i * 3 * D + o], g.h[1].qkv_w[o * D + i]);
    t = st_find(&f, "h.0.mlp.c_proj.weight");
    cr_assert(t && t->shape[0] == 4 * D && t->shape[1] == D);
    st_free(&f);

    /* the file the loader read in the fixture is also byte-for-byte what Python's reader accepts:
     * the same tensors under the same names as tiny.safetensors */
    size_t nf;
    char *bf = tmp_slurp(ST_FIX, &nf);
    StFile a, b;
    cr_assert_eq(st_parse(&a, bf, nf, "fixture", &e), 0);
    cr_assert_eq(st_parse(&b, b1, n1, "ours", &e), 0);
    for (int i = 0; i < b.n; i++) {
        const StTensor *ta = st_find(&a, b.t[i].name);
        cr_assert(ta, "%s not in the fixture", b.t[i].name);
        cr_assert(ta->ndim == b.t[i].ndim && memcmp(ta->shape, b.t[i].shape, sizeof ta->shape) == 0, "%s", ta->name);
        cr_assert(ta->nbytes == b.t[i].nbytes && memcmp(ta->data, b.t[i].data, ta->nbytes) == 0, "%s", ta->name);
    }
    st_free(&a), st_free(&b);

    /* an explicit n_head beats the metadata */
    cr_assert_eq(gpt_load_safetensors_info(&k, p1, 4, &info, &e), 0, "%s", e.en);
    cr_assert(k.cfg.H == 4 && info.head_from == GPT_HEAD_ARG);
    free(b1), free(b2), free(bf);
    gpt_free(&g), gpt_free(&h), gpt_free(&k);
}

/* Found by fuzz_llmc: with D = 1, wte (V × 1) and c_attn.weight (3 × 1) are still matrices, not
 * vectors, in the file. */
Test(gpt_io, width_one_round_trip)
{
    Gpt g, h;
    TzErr e;
    GptConfig c = {3, 2, 1, 1, 1};
    cr_assert_eq(gpt_alloc(&g, &c), 0);
    gpt_init(&g, 5);
    char *p = tmp_path("d1.safetensors");
    cr_assert_eq(gpt_save_safetensors(&g, p, &e), 0, "%s", e.en);
    cr_assert_eq(gpt_load_safetensors(&h, p, 0, &e), 0, "%s", e.en);
    cr_assert(memcmp(&g.cfg, &h.cfg, sizeof c) == 0 && memcmp(g.mem, h.mem, g.n * sizeof *g.mem) == 0);
    size_t n;
    char *b = tmp_slurp(p, &n);
    StFile f;
    cr_assert_eq(st_parse(&f, b, n, "d1", &e), 0);
    const StTensor *t = st_find(&f, "wte.weight"), *q = st_find(&f, "h.0.attn.c_attn.weight");
    cr_assert(t->ndim == 2 && t->shape[0] == 3 && t->shape[1] == 1);
    cr_assert(q->ndim == 2 && q->shape[0] == 1 && q->shape[1] == 3);
    cr_assert(st_find(&f, "h.0.ln_1.bias")->ndim == 1);
    st_free(&f);
    free(b);
    gpt_free(&g), gpt_free(&h);
}

Test(gpt_io, save_is_atomic_and_reports_a_bad_folder)
{
    Gpt g;
    TzErr e;
    load_ref(&g);
    char *p = tmp_path("no/such/folder/m.safetensors");
    cr_assert_eq(gpt_save_safetensors(&g, p, &e), TZ_E_IO);
    cr_assert(strstr(e.en, "m.safetensors"), "%s", e.en);
    gpt_free(&g);
}

/* ---- variants of the same model that must load ------------------------------------------ */

Test(gpt_io, transformer_prefix_lm_head_and_half_precision)
{
    char *text = fixture_text();
    Gpt g, h;
    TzErr e;
    GptLoadInfo info;
    load_ref(&g);
    Ents s;

    /* GPT2LMHeadModel.save_pretrained's names, with the tied lm_head beside them */
    ents_from_gpt(&s, &g, "transformer.");
    uint64_t vd[2] = {V, D};
    ents_add(&s, "lm_head.weight", "F32", 2, vd, g.wte, sizeof(float) * V * D);
    char *p = tmp_path("m.safetensors");
    ents_write(&s, p, "\"format\":\"pt\"");
    cr_assert_eq(gpt_load_safetensors_info(&h, p, 2, &info, &e), 0, "%s", e.en);
    cr_assert(info.prefixed && info.lm_head && info.n_ignored == 0);
    assert_weights(&h, text);
    gpt_free(&h);
    ents_free(&s);

    /* BF16: the top half of each float32; F16 for one tensor (mixed) */
    ents_from_gpt(&s, &g, "");
    for (int i = 0; i < s.n; i++) {
        Ent *x = &s.e[i];
        size_t n = x->nbytes / 4;
        uint16_t *b = malloc(2 * n);
        for (size_t k = 0; k < n; k++) {
            uint32_t u;
            memcpy(&u, x->bytes + 4 * k, 4);
            b[k] = (uint16_t)(u >> 16);
        }
        free(x->bytes);
        x->bytes = (unsigned char *)b;
        x->nbytes = 2 * n;
        strcpy(x->dtype, "BF16");
    }
    cr_assert_eq(load_ents(&s, NULL, 2, &h, &e), 0, "%s", e.en);
    for (size_t k = 0; k < g.n; k++) {
        uint32_t u;
        memcpy(&u, &g.mem[k], 4);
        u &= 0xFFFF0000u;
        float want;
        memcpy(&want, &u, 4);
        cr_assert_eq(h.mem[k], want, "parameter %zu", k);
    }
    gpt_free(&h);
    /* ln_f.bias in F16: 0.5, −0.25, 1, 2, 0, −0, 65504, 2^−24 */
    Ent *lb = ent(&s, "ln_f.bias");
    uint16_t hv[D] = {0x3800, 0xB400, 0x3C00, 0x4000, 0x0000, 0x8000, 0x7BFF, 0x0001};
    memcpy(lb->bytes, hv, sizeof hv);
    strcpy(lb->dtype, "F16");
    cr_assert_eq(load_ents(&s, NULL, 2, &h, &e), 0, "%s", e.en);
    const float want[D] = {0.5f, -0.25f, 1, 2, 0, -0.0f, 65504, 5.9604644775390625e-8f};
    for (int k = 0; k < D; k++) cr_assert_eq(h.lnf_b[k], want[k], "ln_f.bias[%d] %g", k, (double)h.lnf_b[k]);
    cr_assert(signbit(h.lnf_b[5]));
    gpt_free(&h);
    ents_free(&s);
    gpt_free(&g);
    free(text);
}

Test(gpt_io, half_and_bfloat_conversion)
{
    const uint16_t h[] = {0x3C00, 0xC000, 0x7BFF, 0x0001, 0x03FF, 0x0400, 0x3555, 0x7C00, 0xFC00, 0x7E00};
    const float want[] = {1, -2, 65504, 5.9604644775390625e-8f, 6.0975551605224609e-5f, 6.103515625e-5f,
                          0.333251953125f, INFINITY, -INFINITY, NAN};
    unsigned char b[2 * 10];
    for (int k = 0; k < 10; k++) b[2 * k] = (unsigned char)(h[k] & 0xFF), b[2 * k + 1] = (unsigned char)(h[k] >> 8);
    float out[10];
    cr_assert_eq(st_convert(ST_F16, b, 10, out), 0);
    for (int k = 0; k < 9; k++) cr_assert_eq(out[k], want[k], "half 0x%04x → %.9g", h[k], (double)out[k]);
    cr_assert(isnan(out[9]));
    const unsigned char bf[4] = {0x80, 0x3F, 0x40, 0xC0};   /* 1.0, −3.0 */
    cr_assert_eq(st_convert(ST_BF16, bf, 2, out), 0);
    cr_assert(out[0] == 1.0f && out[1] == -3.0f);
    cr_assert_eq(st_convert(ST_I32, bf, 1, out), -1);
}

Test(gpt_io, heads_from_config_json_metadata_or_default)
{
    Gpt g, h;
    TzErr e;
    GptLoadInfo info;
    load_ref(&g);
    Ents s;
    ents_from_gpt(&s, &g, "");
    /* no config.json, no metadata, D = 8 not a multiple of 64: n_head is unknown */
    REFUSED(load_ents(&s, NULL, 0, &h, &e), &e, &h, "number of heads", "n_head=N");
    /* a config.json beside it */
    char *cfg = tmp_path("config.json");
    const char *js = "{\"architectures\": [\"GPT2LMHeadModel\"], \"layer_norm_epsilon\": 1e-05,\n"
                     " \"task_specific_params\": {\"text-generation\": {\"do_sample\": true}}, \"n_head\": 4}";
    tmp_write(cfg, js, strlen(js));
    char *p = tmp_path("m.safetensors");
    cr_assert_eq(gpt_load_safetensors_info(&h, p, 0, &info, &e), 0, "%s", e.en);
    cr_assert(h.cfg.H == 4 && info.head_from == GPT_HEAD_CONFIG);
    gpt_free(&h);
    /* the metadata wins over config.json */
    ents_write(&s, p, "\"n_head\":\"2\"");
    cr_assert_eq(gpt_load_safetensors_info(&h, p, 0, &info, &e), 0, "%s", e.en);
    cr_assert(h.cfg.H == 2 && info.head_from == GPT_HEAD_METADATA);
    gpt_free(&h);
    /* a config.json of another model, or a broken one, is said */
    js = "{\"n_head\": 2, \"n_embd\": 768, \"n_layer\": 12}";
    tmp_write(cfg, js, strlen(js));
    REFUSED(gpt_load_safetensors(&h, p, 0, &e), &e, &h, "config.json", "another model", "768");
    js = "{\"n_head\": 2,, }";
    tmp_write(cfg, js, strlen(js));
    REFUSED(gpt_load_safetensors(&h, p, 0, &e), &e, &h, "config.json", "not a valid JSON", "byte 13");
    /* … but an explicit n_head does not read it */
    cr_assert_eq(gpt_load_safetensors(&h, p, 2, &e), 0, "%s", e.en);
    gpt_free(&h);
    unlink(cfg);
    /* D = 8 is not divisible by 3 heads, whoever says so */
    REFUSED(gpt_load_safetensors(&h, p, 3, &e), &e, &h, "inconsistent", "D = 8", "n_head = 3", "given");
    ents_write(&s, p, "\"n_head\":\"3\"");
    REFUSED(gpt_load_safetensors(&h, p, 0, &e), &e, &h, "inconsistent", "metadata");
    ents_write(&s, p, "\"n_head\":\"two\"");
    REFUSED(gpt_load_safetensors(&h, p, 0, &e), &e, &h, "n_head 'two'");
    cr_assert_eq(gpt_load_safetensors(&h, p, -1, &e), TZ_E_ARG);
    ents_free(&s);
    gpt_free(&g);
}

Test(gpt_io, json_uint)
{
    uint64_t v = 0;
    size_t at = 0;
    const char *j = "{\"a\": [1, {\"n_head\": 9}], \"s\": \"n_head\\\"\", \"n_head\": 12, \"f\": -1.5e3}";
    cr_assert_eq(st_json_uint(j, strlen(j), "n_head", &v, &at), 1);
    cr_assert_eq(v, 12, "the top-level key, not the nested one");
    cr_assert_eq(st_json_uint(j, strlen(j), "n_embd", &v, &at), 0);
    j = "{\"n_head\": 1.5}";
    cr_assert_eq(st_json_uint(j, strlen(j), "n_head", &v, &at), 0, "not an integer: as if absent");
    j = "[1, 2]";
    cr_assert_eq(st_json_uint(j, strlen(j), "n_head", &v, &at), -1);
    j = "{\"n_head\": 2} x";
    cr_assert_eq(st_json_uint(j, strlen(j), "n_head", &v, &at), -1);
    cr_assert_eq(at, 14);
}

/* ---- model-level refusals --------------------------------------------------------------- */

Test(gpt_io, missing_misshaped_unsupported_and_nan_tensors_are_named)
{
    Gpt g, h;
    TzErr e;
    load_ref(&g);
    Ents s;

    ents_from_gpt(&s, &g, "");
    ents_drop(&s, "h.1.mlp.c_fc.weight");
    REFUSED(load_ents(&s, NULL, 2, &h, &e), &e, &h, "'h.1.mlp.c_fc.weight' is missing");
    ents_free(&s);

    ents_from_gpt(&s, &g, "transformer.");
    ents_drop(&s, "transformer.ln_f.bias");
    REFUSED(load_ents(&s, NULL, 2, &h, &e), &e, &h, "'transformer.ln_f.bias' is missing");
    ents_free(&s);

    ents_from_gpt(&s, &g, "");
    ents_drop(&s, "wpe.weight");
    REFUSED(load_ents(&s, NULL, 2, &h, &e), &e, &h, "'wpe.weight' is missing");
    ents_free(&s);

    /* only the second block's tensors: h.0 is missing */
    ents_from_gpt(&s, &g, "");
    for (int i = s.n - 1; i >= 0; i--)
        if (strncmp(s.e[i].name, "h.0.", 4) == 0) ents_drop(&s, s.e[i].name);
    REFUSED(load_ents(&s, NULL, 2, &h, &e), &e, &h, "'h.0.ln_1.weight' is missing");
    ents_free(&s);

    /* no wte at all */
    ents_from_gpt(&s, &g, "");
    ents_drop(&s, "wte.weight");
    REFUSED(load_ents(&s, NULL, 2, &h, &e), &e, &h, "no tensor 'wte.weight'", "not look like GPT-2");
    ents_free(&s);

    /* c_attn stored Out × In (nn.Linear's), not Conv1D's In × Out */
    ents_from_gpt(&s, &g, "");
    Ent *x = ent(&s, "h.0.attn.c_attn.weight");
    x->shape[0] = 3 * D, x->shape[1] = D;
    REFUSED(load_ents(&s, NULL, 2, &h, &e), &e, &h, "'h.0.attn.c_attn.weight' has shape [24, 8], expected [8, 24]",
            "D = 8");
    ents_free(&s);

    /* a bias of the wrong length, and wpe of another width */
    ents_from_gpt(&s, &g, "");
    x = ent(&s, "h.1.mlp.c_fc.bias");
    x->shape[0] = 16, x->nbytes = 64;
    REFUSED(load_ents(&s, NULL, 2, &h, &e), &e, &h, "'h.1.mlp.c_fc.bias' has shape [16], expected [32]");
    ents_free(&s);
    ents_from_gpt(&s, &g, "");
    x = ent(&s, "wpe.weight");
    x->shape[0] = 16, x->shape[1] = 4;
    REFUSED(load_ents(&s, NULL, 2, &h, &e), &e, &h, "'wpe.weight' has shape [16, 4], expected [C, 8]");
    ents_free(&s);

    /* int tensors are refused by name and dtype; an int buffer we do not need is fine */
    ents_from_gpt(&s, &g, "");
    strcpy(ent(&s, "h.0.ln_2.weight")->dtype, "I32");
    REFUSED(load_ents(&s, NULL, 2, &h, &e), &e, &h, "'h.0.ln_2.weight' is I32", "F32, F16 and BF16");
    strcpy(ent(&s, "h.0.ln_2.weight")->dtype, "F32");
    uint64_t one = 1;
    int64_t i8 = 7;
    ents_add(&s, "h.0.attn.counter", "I64", 1, &one, &i8, 8);
    cr_assert_eq(load_ents(&s, NULL, 2, &h, &e), 0, "%s", e.en);
    gpt_free(&h);
    ents_free(&s);

    /* F64 weights: named too */
    ents_from_gpt(&s, &g, "");
    x = ent(&s, "ln_f.weight");
    double dv[D];
    for (int k = 0; k < D; k++) dv[k] = 1.0;
    free(x->bytes);
    x->bytes = malloc(sizeof dv);
    memcpy(x->bytes, dv, sizeof dv);
    x->nbytes = sizeof dv;
    strcpy(x->dtype, "F64");
    REFUSED(load_ents(&s, NULL, 2, &h, &e), &e, &h, "'ln_f.weight' is F64");
    ents_free(&s);

    /* a NaN weight */
    ents_from_gpt(&s, &g, "");
    float nan = NAN;
    memcpy(ent(&s, "h.1.attn.c_proj.bias")->bytes + 4 * 5, &nan, 4);
    REFUSED(load_ents(&s, NULL, 2, &h, &e), &e, &h, "'h.1.attn.c_proj.bias', element 5, is not a number");
    ents_free(&s);

    /* an untied lm_head */
    ents_from_gpt(&s, &g, "");
    float *lm = malloc(sizeof(float) * V * D);
    memcpy(lm, g.wte, sizeof(float) * V * D);
    lm[3 * D + 2] += 0.25f;
    uint64_t vd[2] = {V, D};
    ents_add(&s, "lm_head.weight", "F32", 2, vd, lm, sizeof(float) * V * D);
    REFUSED(load_ents(&s, NULL, 2, &h, &e), &e, &h, "'lm_head.weight' differs from wte.weight", "0.25", "row 3",
            "not tied");
    ents_free(&s);
    free(lm);

    /* an empty header: no tensors */
    char *p = tmp_path("e.safetensors");
    write_st(p, "{}", NULL, 0);
    REFUSED(gpt_load_safetensors(&h, p, 2, &e), &e, &h, "holds 0 tensors");
    gpt_free(&g);
}

Test(gpt_io, truncated_safetensors_at_every_length)
{
    size_t n;
    char *all = tmp_slurp(ST_FIX, &n);
    Gpt g;
    TzErr e;
    /* every cut, through the length, the header and the data, is refused (none crashes) */
    for (size_t k = 0; k < n; k += (k < 64 ? 1 : 13)) {
        tz_err_clear(&e);
        int rc = gpt_parse_safetensors(&g, all, k, "cut", 2, 0, NULL, &e);
        cr_assert_eq(rc, TZ_E_FORMAT, "cut at %zu: %d", k, rc);
        cr_assert(e.en[0] && e.tr[0] && zeroed(&g));
    }
    REFUSED(gpt_parse_safetensors(&g, all, n - 1, "cut", 2, 0, NULL, &e), &e, &g, "reaches past the data");
    REFUSED(gpt_parse_safetensors(&g, all, 100, "cut", 2, 0, NULL, &e), &e, &g, "the header is", "bytes follow");
    free(all);
}

/* ---- the safetensors container --------------------------------------------------------- */

static const float four[4] = {1, 2, 3, 4};

Test(gpt_io, header_length_refused)
{
    TzErr e;
    char *p = tmp_path("x");
    /* beyond the file */
    unsigned char b[16] = {0xE8, 0x03, 0, 0, 0, 0, 0, 0, '{', '}'};
    tmp_write(p, b, 10);
    Gpt g;
    REFUSED(gpt_load_safetensors(&g, p, 2, &e), &e, &g, "header is 1000 bytes", "2 bytes follow");
    /* absurd (2^60) */
    unsigned char a[10] = {0, 0, 0, 0, 0, 0, 0, 0x10, '{', '}'};
    tmp_write(p, a, 10);
    REFUSED(gpt_load_safetensors(&g, p, 2, &e), &e, &g, "1152921504606846976");
    /* shorter than the length itself, and a zero length */
    tmp_write(p, a, 5);
    REFUSED(gpt_load_safetensors(&g, p, 2, &e), &e, &g, "only 5 bytes");
    memset(b, 0, 8);
    tmp_write(p, b, 10);
    REFUSED(gpt_load_safetensors(&g, p, 2, &e), &e, &g, "header is 0 bytes");
}

Test(gpt_io, header_json_refused)
{
    TzErr e;
    static const struct {
        const char *json, *word;
    } bad[] = {
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}", "',' or '}' expected"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},}", "'\"' expected"},
        {"{a:1}", "'\"' expected, 'a' found"},
        {"{'a':1}", "'\"' expected"},
        {"[]", "'{' expected"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}} x", "the end of the header expected"},
        {"{\"a\\x\":{}}", "invalid escape"},
        {"{\"a\\ud800\":{}}", "invalid escape"},
        {"{\"a\\u0000\":{}}", "invalid escape"},
        {"{\"a\tb\":{}}", "control character"},
        {"{\"abc", "never closes"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[01],\"data_offsets\":[0,4]}}", "non-negative integer (shape)"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", "non-negative integer (shape)"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1.0],\"data_offsets\":[0,4]}}", "non-negative integer (shape)"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4e0]}}", "non-negative integer (data_offsets)"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,4]}}", "too large"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", "must be [begin, end]"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", "more than 2 values"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,1],\"data_offsets\":[0,4]}}", "more than 8 values"},
        {"{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", "has no 'dtype'"},
        {"{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", "has no 'shape'"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", "has no 'data_offsets'"},
        {"{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "gives 'dtype' twice"},
        {"{\"a\":{\"dtype\":\"F33\",\"shape\":[1],\"data_offsets\":[0,4]}}", "unknown dtype 'F33'"},
        {"{\"a\":{\"dtype\":3,\"shape\":[1],\"data_offsets\":[0,4]}}", "'\"' expected"},
        {"{\"__metadata__\":{\"n\":1},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
         "value of 'n' in __metadata__ is not a string"},
        {"{\"__metadata__\":{},\"__metadata__\":{}}", "two __metadata__"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
         "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
         "'a' appears twice"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":tru}}", "a value expected"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":-}}", "a number expected"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        float data[4] = {1, 2, 3, 4};
        int rc = parse_st(bad[k].json, data, sizeof data, &e);
        cr_assert_eq(rc, TZ_E_FORMAT, "%s: accepted", bad[k].json);
        cr_assert(strstr(e.en, bad[k].word), "%s: '%s' not in: %s", bad[k].json, bad[k].word, e.en);
        cr_assert(e.tr[0]);
        cr_assert(!strstr(e.tr, " or ") && !strstr(e.tr, "expected"), "%s: English in the Turkish message: %s",
                  bad[k].json, e.tr);
    }
    cr_assert_eq(parse_st(bad[0].json, four, sizeof four, &e), TZ_E_FORMAT);
    cr_assert(strstr(e.tr, "',' ya da '}' bekleniyordu"), "%s", e.tr);
    /* an unknown key's value is skipped, whatever it holds, up to 32 levels deep (the header is
     * level 1, the tensor's entry 2, 28 arrays 3 … 30, the object 31, the array in it 32) */
    char deep[512], *q = deep;
    q += sprintf(q, "{\"a\":{\"x\":");
    for (int k = 0; k < 28; k++) *q++ = '[';
    q += sprintf(q, "{\"k\":[true,false,null,-0.5e-3,\"s\\u00e7\"]}");
    for (int k = 0; k < 28; k++) *q++ = ']';
    sprintf(q, ",\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}");
    cr_assert_eq(parse_st(deep, four, sizeof four, &e), 0, "%s", e.en);
    /* a depth bomb */
    char *bomb = malloc(200100), *r = bomb;
    r += sprintf(r, "{\"a\":{\"x\":");
    for (int k = 0; k < 100000; k++) *r++ = '[';
    for (int k = 0; k < 100000; k++) *r++ = ']';
    sprintf(r, ",\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}");
    cr_assert_eq(parse_st(bomb, four, sizeof four, &e), TZ_E_FORMAT);
    cr_assert(strstr(e.en, "more than 32 levels deep"), "%s", e.en);
    free(bomb);
    /* invalid UTF-8 */
    cr_assert_eq(parse_st("{\"\xC3\x28\":{}}", four, 16, &e), TZ_E_FORMAT);
    cr_assert(strstr(e.en, "not valid UTF-8 at byte 10"), "%s", e.en);
}

Test(gpt_io, header_accepts_what_the_spec_allows)
{
    TzErr e;
    /* whitespace, escapes (decoded), a scalar, an empty tensor, metadata, padding spaces */
    const char *j = " {\n \"__metadata__\" : {\"format\":\"pt\", \"k\\\"\":\"\\u00e7\\ud83d\\ude00\"},\n"
                    "\"s\\/c\" : {\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[12,16]},"
                    "\"e\":{\"dtype\":\"I8\",\"shape\":[0, 5],\"data_offsets\":[16,16]},"
                    "\"v\":{\"data_offsets\":[0,12],\"shape\":[3],\"dtype\":\"F32\"}}      ";
    char *p = tmp_path("ok.safetensors");
    write_st(p, j, four, sizeof four);
    size_t n;
    char *bytes = tmp_slurp(p, &n);
    StFile f;
    cr_assert_eq(st_parse(&f, bytes, n, "ok", &e), 0, "%s", e.en);
    cr_assert_eq(f.n, 3);
    cr_assert_str_eq(st_meta(&f, "k\""), "\xC3\xA7\xF0\x9F\x98\x80");
    const StTensor *s = st_find(&f, "s/c"), *v = st_find(&f, "v"), *z = st_find(&f, "e");
    cr_assert(s && s->ndim == 0 && s->count == 1 && v && v->count == 3 && z && z->count == 0);
    float x[3];
    cr_assert_eq(st_read_f32(&f, s, 0, 1, x, &e), 0);
    cr_assert_eq(x[0], 4.0f);
    cr_assert_eq(st_read_f32(&f, v, 1, 2, x, &e), 0);
    cr_assert(x[0] == 2.0f && x[1] == 3.0f);
    cr_assert_eq(st_read_f32(&f, z, 0, 0, x, &e), TZ_E_FORMAT, "I8 is refused even when empty");
    cr_assert(strstr(e.en, "tensor 'e' is I8"), "%s", e.en);
    cr_assert_null(st_find(&f, "nope"));
    st_free(&f);
    free(bytes);
}

Test(gpt_io, data_offsets_refused)
{
    TzErr e;
    static const struct {
        const char *json, *word;
    } bad[] = {
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[4,20]}}", "reaches past the data: it ends at 20"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", "reversed: begin 8 is past end 4"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,16]}}",
         "needs 12 bytes, its data_offsets give 16"},
        {"{\"a\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,16]}}", "needs 8 bytes"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,16]}}", "needs > 16 bytes"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
         "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
         "tensors 'a' and 'b' share bytes"},
        {"{\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
         "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}}",
         "share bytes of the file (from byte"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        int rc = parse_st(bad[k].json, four, sizeof four, &e);
        cr_assert_eq(rc, TZ_E_FORMAT, "%s: accepted", bad[k].json);
        cr_assert(strstr(e.en, bad[k].word), "%s: '%s' not in: %s", bad[k].json, bad[k].word, e.en);
    }
    /* a gap between tensors and unused bytes at the end are allowed */
    cr_assert_eq(parse_st("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", four, sizeof four, &e), 0,
                 "%s", e.en);
}

/* ---- llm.c ---------------------------------------------------------------------------------- */

/* The fixture's bytes, to bend. */
static unsigned char *llmc_bytes(size_t *n)
{
    unsigned char *b = (unsigned char *)tmp_slurp(LLMC_FIX, n);
    cr_assert_not_null(b, "missing fixture (run tests/ref/make_gpt_fixtures.py)");
    return b;
}

static void set32(unsigned char *b, int k, int32_t v) { memcpy(b + 4 * k, &v, 4); }

static int parse_llmc(const unsigned char *b, size_t n, Gpt *g, TzErr *e)
{
    tz_err_clear(e);
    return gpt_parse_llmc(g, (const char *)b, n, "m.bin", e);
}

Test(gpt_io, llmc_version_1_and_bf16_version_5)
{
    char *text = fixture_text();
    size_t n;
    unsigned char *b = llmc_bytes(&n);
    Gpt g, h;
    TzErr e;
    /* version 1: the same without the 3 padding rows of wte */
    size_t pad = (size_t)3 * D * 4;
    unsigned char *v1 = malloc(n - pad);
    memcpy(v1, b, 1024 + (size_t)V * D * 4);
    memcpy(v1 + 1024 + (size_t)V * D * 4, b + 1024 + (size_t)16 * D * 4, n - 1024 - (size_t)16 * D * 4);
    set32(v1, 1, 1);
    set32(v1, 7, 0);
    cr_assert_eq(parse_llmc(v1, n - pad, &g, &e), 0, "%s", e.en);
    assert_weights(&g, text);
    /* version 5: bfloat16, the top halves */
    size_t np = (n - 1024) / 4;
    unsigned char *v5 = malloc(1024 + 2 * np);
    memcpy(v5, b, 1024);
    set32(v5, 1, 5);
    for (size_t k = 0; k < np; k++) memcpy(v5 + 1024 + 2 * k, b + 1024 + 4 * k + 2, 2);
    cr_assert_eq(parse_llmc(v5, 1024 + 2 * np, &h, &e), 0, "%s", e.en);
    for (size_t k = 0; k < g.n; k++) {
        uint32_t u;
        memcpy(&u, &g.mem[k], 4);
        u &= 0xFFFF0000u;
        float want;
        memcpy(&want, &u, 4);
        cr_assert_eq(h.mem[k], want, "parameter %zu", k);
    }
    gpt_free(&g), gpt_free(&h);
    free(v1), free(v5), free(b), free(text);
}

Test(gpt_io, llmc_bad_files_refused)
{
    size_t n;
    unsigned char *b = llmc_bytes(&n), *x = malloc(n + 8);
    Gpt g;
    TzErr e;
#define BENT(k, v, ...)                                                       \
    do {                                                                      \
        memcpy(x, b, n);                                                      \
        set32(x, k, v);                                                       \
        REFUSED(parse_llmc(x, n, &g, &e), &e, &g, __VA_ARGS__);               \
    } while (0)
    BENT(0, 12345, "not an llm.c model", "magic number is 12345");
    BENT(0, 20240327, "debug state");
    BENT(1, 2, "version 2 is not supported");
    BENT(3, -1, "header is absurd", "V -1");
    BENT(6, 0, "header is absurd", "C 0");
    BENT(7, 12, "header is absurd", "Vp 12");
    BENT(4, 1 << 20, "header is absurd", "L 1048576");
    BENT(5, 3, "inconsistent", "C = 8", "NH = 3");
    BENT(2, 9, "implies a file of", "truncated");       /* maxT 9: 32 more bytes than there are */
    BENT(7, 15, "implies a file of", "extra bytes");
    /* a NaN weight, named */
    memcpy(x, b, n);
    float nan = NAN;
    memcpy(x + 1024 + (size_t)16 * D * 4 + 4 * 3, &nan, 4);   /* wpe[3] */
    REFUSED(parse_llmc(x, n, &g, &e), &e, &g, "'wpe.weight', element 3, is not a number");
    /* one byte more, one byte less, and every cut */
    memcpy(x, b, n);
    x[n] = 0;
    REFUSED(parse_llmc(x, n + 1, &g, &e), &e, &g, "extra bytes");
    for (size_t k = 0; k < n; k += (k < 1100 ? 1 : 37)) {
        int rc = parse_llmc(b, k, &g, &e);
        cr_assert_eq(rc, TZ_E_FORMAT, "cut at %zu", k);
        cr_assert(e.en[0] && e.tr[0] && zeroed(&g));
    }
    REFUSED(parse_llmc(b, 1000, &g, &e), &e, &g, "only 1000 bytes");
    char *p = tmp_path("no.bin");
    cr_assert_eq(gpt_load_llmc(&g, p, &e), TZ_E_IO);
    cr_assert(zeroed(&g));
    free(x), free(b);
}

/* A model bigger than the machine's memory, claimed by a sparse file whose size matches its
 * header: refused with the size before anything is allocated (the file takes no disk space). */
Test(gpt_io, llmc_bigger_than_memory_refused)
{
    double ram = tz_phys_bytes();
    if (ram <= 0) cr_skip_test("the machine does not tell its memory");
    int c = 4096, maxT = 1024, v = 50257, vp = 50304;
    double per_layer = (12.0 * c * c + 13.0 * c) * 4;
    int layers = (int)(ram / per_layer) + 2;
    uint64_t np = (uint64_t)vp * c + (uint64_t)maxT * c + (uint64_t)layers * (12ull * c * c + 13ull * c) + 2ull * c;
    char *p = tmp_path("big.bin");
    FILE *f = fopen(p, "wb");
    cr_assert_not_null(f);
    int32_t hdr[256] = {20240326, 3, maxT, v, layers, 32, c, vp};
    cr_assert_eq(fwrite(hdr, 4, 256, f), 256);
    fclose(f);
    if (truncate(p, (off_t)(1024 + 4 * np)) != 0) cr_skip_test("no sparse files here");
    Gpt g;
    TzErr e;
    assert_refused(gpt_load_llmc(&g, p, &e), &e, &g, TZ_E_NOMEM,
                   (const char *const[]){"GB of memory", "this machine has", NULL});
    unlink(p);
}
