/* fuzz_bert_io.c — libFuzzer harness for BERT's files (src/engine/models/bert_io.c), from memory:
 *   - an input starting "TZBERT" is tezgah's checkpoint (bert_ckpt_parse), parsed as it is and
 *     with its last 4 bytes made the CRC-32 of the rest, so that mutations reach the checks
 *     behind the CRC (configuration, vocabulary, classifier, sizes);
 *   - an input starting '{' (or white space) is a config.json and a tokenizer_config.json
 *     (bert_hf_config_parse, bert_hf_tokconfig_parse: the JSON reader);
 *   - anything else is a model.safetensors for a fixed small configuration (V 6, C 4, D 4, L 1,
 *     H 1, F 8, 2 types: the seeds' model) through bert_hf_parse, with a classifier.weight/.bias
 *     head when there is one.
 * Beyond "no crash, no leak, no undefined behaviour": a refusal carries its code and both
 * messages and leaves nothing allocated; a checkpoint that loads has the header's configuration,
 * a vocabulary of exactly V tokens with [UNK], K named labels and finite weights; a config that
 * parses is a valid configuration; weights that load are finite; and every loaded model runs a
 * forward pass over a few tokens (inside its buffers; huge finite weights may still give ∞).
 * Build and run: bash tests/fuzz/run.sh bert_io (see tests/fuzz/README.md).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "models/bert_io.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz_bert_io: check failed: %s (line %d)\n", #c, __LINE__); abort(); } } while (0)

static uint32_t u32(const uint8_t *d)
{
    return (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24;
}

/* A forward pass over min(C, 5) tokens with ids in range: the loaded shapes are usable. */
static void forward(const Bert *b)
{
    BertWork w;
    int T = b->cfg.C < 5 ? b->cfg.C : 5;
    if (bert_nparams(&b->cfg) > (1u << 20) || (size_t)b->cfg.V * (size_t)T > (1u << 20)) return;   /* keep it quick */
    CHECK(bert_work_alloc(&w, &b->cfg, 1, T) == 0);
    int32_t tok[5], typ[5];
    for (int t = 0; t < T; t++) tok[t] = t % b->cfg.V, typ[t] = t >= 2 ? 1 % b->cfg.types : 0;
    /* finite weights can still overflow to ∞ (1e38 · 1e38): no check on the values, only that the
     * pass runs inside its buffers */
    bert_forward(b, &w, tok, typ, NULL, NULL, NULL, 1, T);
    bert_work_free(&w);
}

static void ckpt(const uint8_t *data, size_t size)
{
    Bert b;
    WordPiece wp;
    BertCkptMeta m;
    TzErr e;
    tz_err_clear(&e);
    int rc = bert_ckpt_parse(&b, &wp, &m, data, size, "fuzz", &e);
    if (rc) {
        CHECK(rc == (int)e.code && e.tr[0] && e.en[0]);
        CHECK(b.mem == NULL && wp.vocab == 0 && m.labels == NULL && m.cls_w == NULL && m.K == 0);
        return;
    }
    const BertConfig *c = &b.cfg;
    CHECK(c->V == (int)u32(data + 12) && c->C == (int)u32(data + 16) && c->D == (int)u32(data + 20) &&
          c->L == (int)u32(data + 24) && c->H == (int)u32(data + 28) && c->F == (int)u32(data + 32) &&
          c->types == (int)u32(data + 36));
    CHECK(bert_config_ok(c) && b.n == bert_nparams(c));
    CHECK(wp.vocab == c->V && wp.unk >= 0 && wp.unk < c->V);
    for (int32_t t = 0; t < wp.vocab; t++) CHECK(wp_id(&wp, wp_token(&wp, t)) == t);
    CHECK(m.K >= 0 && m.K <= BERT_CK_MAX_LABELS && strlen(m.origin) < 256 && strlen(m.task) < 96);
    for (int k = 0; k < m.K; k++) CHECK(m.labels[k][0] && strlen(m.labels[k]) < BERT_CK_LABEL_MAX);
    for (size_t i = 0; i < (size_t)m.K * (size_t)c->D; i++) CHECK(isfinite(m.cls_w[i]));
    for (size_t i = 0; i < b.n; i++) CHECK(isfinite(b.mem[i]));
    forward(&b);
    bert_free(&b);
    wp_free(&wp);
    bert_meta_free(&m);
}

static void config(const uint8_t *data, size_t size)
{
    BertHfConfig c;
    TzErr e;
    tz_err_clear(&e);
    int rc = bert_hf_config_parse(&c, (const char *)data, size, "config.json", &e);
    if (rc) CHECK(rc == (int)e.code && e.tr[0] && e.en[0] && c.labels == NULL);
    else {
        CHECK(bert_config_ok(&c.cfg) && c.eps == 1e-12 && c.K >= 0 && c.K <= BERT_CK_MAX_LABELS);
        for (int k = 0; k < c.K; k++) CHECK(c.labels[k][0] && strlen(c.labels[k]) < BERT_CK_LABEL_MAX);
        bert_hf_config_free(&c);
    }
    memset(&c, 0, sizeof c);
    c.lower = c.strip_accents = -1;
    tz_err_clear(&e);
    rc = bert_hf_tokconfig_parse(&c, (const char *)data, size, "tokenizer_config.json", &e);
    if (rc) CHECK(rc == (int)e.code && e.tr[0] && e.en[0]);
    else CHECK(c.lower >= -1 && c.lower <= 1 && c.strip_accents >= -1 && c.strip_accents <= 1);
}

static void weights(const uint8_t *data, size_t size)
{
    static const BertConfig cfg = {6, 4, 4, 1, 1, 8, 2};
    Bert b;
    BertHfInfo in;
    memset(&in, 0, sizeof in);
    TzErr e;
    tz_err_clear(&e);
    BertCkptMeta clf;
    int rc = bert_hf_parse(&b, (const char *)data, size, "model.safetensors", &cfg, 1, &in, &clf, &e);
    if (rc) {
        CHECK(rc == (int)e.code && e.tr[0] && e.en[0]);
        CHECK(b.mem == NULL && clf.K == 0 && clf.cls_w == NULL);
        return;
    }
    CHECK(clf.K >= 0 && clf.K <= BERT_CK_MAX_LABELS && clf.labels == NULL);
    for (size_t i = 0; i < (size_t)clf.K * (size_t)cfg.D; i++) CHECK(isfinite(clf.cls_w[i]));
    bert_meta_free(&clf);
    CHECK(memcmp(&b.cfg, &cfg, sizeof cfg) == 0 && b.n == bert_nparams(&cfg));
    CHECK(in.layout >= BERT_HF_PRETRAINING && in.layout <= BERT_HF_OTHER && in.n_ignored >= 0);
    for (size_t i = 0; i < b.n; i++) CHECK(isfinite(b.mem[i]));
    forward(&b);
    bert_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= 6 && memcmp(data, "TZBERT", 6) == 0) {
        ckpt(data, size);
        if (size >= 8) {   /* the same with a CRC that matches */
            uint8_t *d = malloc(size);
            memcpy(d, data, size);
            uint32_t crc = tz_crc32(0, d, size - 4);
            for (int k = 0; k < 4; k++) d[size - 4 + k] = (uint8_t)(crc >> (8 * k));
            ckpt(d, size);
            free(d);
        }
    } else if (size > 0 && (data[0] == '{' || data[0] == ' ' || data[0] == '\n'))
        config(data, size);
    else
        weights(data, size);
    return 0;
}
