/* llama2c.c — see llama2c.h. */
#include "formats/llama2c.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#error "llama2c.c reads little-endian numbers with memcpy: add byte swaps for big-endian"
#endif

/* the same bounds as gguf.c's (far beyond any LLaMA; every size below fits in 64 bits) */
#define MAX_D (1 << 16)
#define MAX_F (1 << 20)
#define MAX_L (1 << 12)
#define MAX_V (1 << 24)
#define MAX_C (1 << 24)

static int32_t i32(const unsigned char *p)
{
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* The kinds of tensor in the file; each is one block of floats (all layers in a row). */
enum { K_EMB, K_ATT_NORM, K_Q, K_K, K_V, K_O, K_FFN_NORM, K_W1, K_W2, K_W3, K_OUT_NORM, K_FREQ, K_CLS, NKIND };

/* the file's order of the kinds, per version */
static const int order0[] = {K_EMB, K_ATT_NORM, K_Q, K_K, K_V, K_O, K_FFN_NORM, K_W1, K_W2, K_W3, K_OUT_NORM,
                             K_FREQ, K_CLS};
static const int order1[] = {K_ATT_NORM, K_FFN_NORM, K_OUT_NORM, K_EMB, K_Q, K_K, K_V, K_O, K_W1, K_W2, K_W3,
                             K_CLS};

/* gguf_llama_tensor's per-layer order (attn_norm, attn_q, attn_k, attn_v, attn_output, ffn_norm,
 * ffn_gate, ffn_up, ffn_down) → kind */
static const int layer_kind[9] = {K_ATT_NORM, K_Q, K_K, K_V, K_O, K_FFN_NORM, K_W1, K_W3, K_W2};

int llama2c_parse(const char *data, size_t n, const char *name, GgufLlama *c, GgufWeights *w, int *version,
                  TzErr *e)
{
    memset(c, 0, sizeof *c);
    memset(w, 0, sizeof *w);
    const unsigned char *u = (const unsigned char *)data;
    int ver = 0;
    size_t hdr = 28;
    if (n >= 8 && (uint32_t)i32(u) == LLAMA2C_MAGIC) {
        ver = i32(u + 4);
        if (ver == 2)
            return tz_errf(e, TZ_E_FORMAT,
                           "'%s' llama2.c'nin sürüm 2 dosyası (int8, Q8_0 grupları); tezgah yalnızca float32 "
                           "olanları (eski biçim ve sürüm 1) okuyabiliyor. export.py --version 1 ile dışa aktarın.",
                           "'%s' is a llama2.c version 2 file (int8, Q8_0 groups); tezgah reads only the float32 "
                           "ones (legacy and version 1). Export it with export.py --version 1.",
                           name);
        if (ver != 1)
            return tz_errf(e, TZ_E_FORMAT, "'%s': llama2.c sürümü %d bilinmiyor (okunabilenler: eski biçim ve 1).",
                           "'%s': unknown llama2.c version %d (readable: legacy and 1).", name, ver);
        hdr = LLAMA2C_V1_HEADER;
    }
    if (n < hdr)
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s' yalnızca %zu bayt; llama2.c dosyası %zu baytlık bir başlıkla başlar. Dosya yarım kalmış.",
                       "'%s' is only %zu bytes; a llama2.c file starts with a %zu-byte header. The file is "
                       "truncated.",
                       name, n, hdr);
    const unsigned char *h = u + (ver ? 8 : 0);
    int32_t D = i32(h), F = i32(h + 4), L = i32(h + 8), NH = i32(h + 12), KV = i32(h + 16), V = i32(h + 20),
            C = i32(h + 24);
    int shared = ver ? h[28] != 0 : V > 0;
    if (!ver && V < 0 && V != INT32_MIN) V = -V;
    if (D < 1 || D > MAX_D || F < 1 || F > MAX_F || L < 1 || L > MAX_L || NH < 1 || NH > D || KV < 1 || KV > NH ||
        V < 1 || V > MAX_V || C < 1 || C > MAX_C || (ver && h[28] > 1))
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s': llama2.c başlığı anlamsız: dim %d, hidden_dim %d, n_layers %d, n_heads %d, n_kv_heads "
                       "%d, vocab_size %d, seq_len %d. Dosya bozuk ya da llama2.c modeli değil.",
                       "'%s': the llama2.c header is absurd: dim %d, hidden_dim %d, n_layers %d, n_heads %d, "
                       "n_kv_heads %d, vocab_size %d, seq_len %d. The file is damaged or not a llama2.c model.",
                       name, D, F, L, NH, KV, V, C);
    if (D % NH || (D / NH) % 2 || NH % KV)
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s': yapılandırma tutarsız: dim %d, n_heads %d ile tam bölünmeli (baş boyu çift, RoPE "
                       "için), n_heads de n_kv_heads'e (%d).",
                       "'%s': inconsistent configuration: dim %d must be divisible by n_heads %d (into an even head "
                       "size, for RoPE), and n_heads by n_kv_heads (%d).",
                       name, D, NH, KV);
    GgufLlama cfg = {D, F, L, NH, KV, V, C, shared, 10000.0f, 1e-5f};   /* *c stays zeroed until it is sure */
    /* the floats of each kind; every factor is bounded above, so no product overflows */
    uint64_t d = (uint64_t)D, f = (uint64_t)F, l = (uint64_t)L, hs = d / (uint64_t)NH, kvd = hs * (uint64_t)KV;
    uint64_t size[NKIND] = {0};
    size[K_EMB] = (uint64_t)V * d;
    size[K_ATT_NORM] = size[K_FFN_NORM] = l * d;
    size[K_Q] = size[K_O] = l * d * d;
    size[K_K] = size[K_V] = l * kvd * d;
    size[K_W1] = size[K_W2] = size[K_W3] = l * f * d;
    size[K_OUT_NORM] = d;
    size[K_FREQ] = ver ? 0 : 2 * ((uint64_t)C * hs / 2);
    size[K_CLS] = shared ? 0 : (uint64_t)V * d;
    const int *ord = ver ? order1 : order0;
    int nord = ver ? (int)(sizeof order1 / sizeof *order1) : (int)(sizeof order0 / sizeof *order0);
    uint64_t start[NKIND] = {0}, at = 0;
    for (int k = 0; k < nord; k++) start[ord[k]] = at, at += size[ord[k]];
    uint64_t want = hdr + 4 * at;
    if (want > (uint64_t)n)
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s': başlık (dim %d, hidden_dim %d, n_layers %d, n_heads %d, n_kv_heads %d, vocab_size %d, "
                       "seq_len %d, ayrı sınıflandırıcı %d) %llu baytlık bir dosya gerektiriyor, dosya %zu bayt: "
                       "yarım kalmış (indirme kesilmiş olabilir).",
                       "'%s': the header (dim %d, hidden_dim %d, n_layers %d, n_heads %d, n_kv_heads %d, vocab_size "
                       "%d, seq_len %d, separate classifier %d) implies a file of %llu bytes, the file has %zu: it "
                       "is truncated (an interrupted download?).",
                       name, D, F, L, NH, KV, V, C, !shared, (unsigned long long)want, n);
    if (want < (uint64_t)n)
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s': başlık (dim %d, hidden_dim %d, n_layers %d, n_heads %d, n_kv_heads %d, vocab_size %d, "
                       "seq_len %d, ayrı sınıflandırıcı %d) %llu baytlık bir dosya gerektiriyor, dosya %zu bayt: "
                       "ağırlıklardan sonra fazladan bayt var, başlık yanlış.",
                       "'%s': the header (dim %d, hidden_dim %d, n_layers %d, n_heads %d, n_kv_heads %d, vocab_size "
                       "%d, seq_len %d, separate classifier %d) implies a file of %llu bytes, the file has %zu: "
                       "extra bytes follow the weights, the header is wrong.",
                       name, D, F, L, NH, KV, V, C, !shared, (unsigned long long)want, n);
    uint64_t total = at - size[K_FREQ];
    double need = (double)total * 4, ram = tz_phys_bytes();
    if (ram > 0 && need > 0.8 * ram)
        return tz_errf(e, TZ_E_NOMEM,
                       "'%s': ağırlıklar %.3g GB bellek ister, bu makinede %.3g GB var. Daha küçük bir model deneyin.",
                       "'%s': the weights need %.3g GB of memory, this machine has %.3g GB. Try a smaller model.",
                       name, need / 1e9, ram / 1e9);
    const unsigned char *base = u + hdr;
    *c = cfg;
    int nt = gguf_llama_ntensors(c) - (shared ? 1 : 0);
    w->mem = tz_malloc((size_t)(total ? total : 1) * sizeof *w->mem);
    w->w = tz_calloc((size_t)nt, sizeof *w->w);
    float *p = w->mem;
    char tname[64];
    for (int i = 0; i < nt; i++) {
        GgufWeight *o = &w->w[w->n++];
        uint64_t shape[2];
        gguf_llama_tensor(c, i, tname, sizeof tname, &o->ndim, shape);
        o->name = tz_strdup(tname);
        o->shape[0] = shape[0], o->shape[1] = shape[1];
        o->count = o->ndim == 2 ? shape[0] * shape[1] : shape[0];
        int kind, layer = 0;
        if (i == 0) kind = K_EMB;
        else if (i == nt - (shared ? 1 : 2)) kind = K_OUT_NORM;
        else if (!shared && i == nt - 1) kind = K_CLS;
        else kind = layer_kind[(i - 1) % 9], layer = (i - 1) / 9;
        memcpy(p, base + 4 * (start[kind] + (uint64_t)layer * o->count), (size_t)o->count * 4);
        for (uint64_t k = 0; k < o->count; k++)
            if (!isfinite(p[k])) {
                int rc = tz_errf(e, TZ_E_FORMAT,
                                 "'%s': '%s' tensörünün %llu. öğesi bir sayı değil (%g). Ağırlıklar bozuk.",
                                 "'%s': tensor '%s', element %llu, is not a number (%g). The weights are damaged.",
                                 name, tname, (unsigned long long)k, (double)p[k]);
                gguf_weights_free(w);
                memset(c, 0, sizeof *c);
                return rc;
            }
        o->data = p;
        p += o->count;
    }
    TZ_ASSERT((uint64_t)(p - w->mem) == total);
    if (version) *version = ver;
    return 0;
}

int llama2c_load(const char *path, GgufLlama *c, GgufWeights *w, int *version, TzErr *e)
{
    memset(c, 0, sizeof *c);
    memset(w, 0, sizeof *w);
    TzFile f;
    int rc = tz_file_map(&f, path, e);
    if (rc) return rc;
    rc = llama2c_parse(f.data, f.size, path, c, w, version, e);
    tz_file_unmap(&f);
    return rc;
}

/* ---- tokenizer.bin ------------------------------------------------------------------------- */

int llama2c_tokenizer_parse(const char *data, size_t n, const char *name, int vocab_size, GgufVocab *v, TzErr *e)
{
    memset(v, 0, sizeof *v);
    const unsigned char *u = (const unsigned char *)data;
    if (n < 4)
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s' yalnızca %zu bayt; tokenizer.bin 4 baytlık max_token_length ile başlar.",
                       "'%s' is only %zu bytes; tokenizer.bin starts with a 4-byte max_token_length.", name, n);
    int32_t maxlen = i32(u);
    if (maxlen < 1 || maxlen > (1 << 16))
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s': max_token_length %d anlamsız (1 ile 65536 arası olmalı). Bu bir tokenizer.bin mi?",
                       "'%s': max_token_length %d is absurd (it must be 1 to 65536). Is this a tokenizer.bin?",
                       name, (int)maxlen);
    if (vocab_size < 0 || vocab_size > MAX_V || (uint64_t)vocab_size > (n - 4) / 8)
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s': %d belirteç en az %llu bayt ister, dosya %zu bayt. Dosya yarım kalmış ya da model "
                       "başka bir sözlükle eğitilmiş.",
                       "'%s': %d tokens need at least %llu bytes, the file has %zu. The file is truncated or the "
                       "model was trained with another vocabulary.",
                       name, vocab_size, 4 + 8 * (unsigned long long)(vocab_size > 0 ? vocab_size : 0), n);
    /* each token takes ≥ 8 bytes: (n − 4)/8 bounds the arrays */
    size_t cap = vocab_size ? (size_t)vocab_size : (n - 4) / 8;
    v->tok = tz_calloc(cap ? cap : 1, sizeof *v->tok);
    v->len = tz_malloc((cap ? cap : 1) * sizeof *v->len);
    v->score = tz_malloc((cap ? cap : 1) * sizeof *v->score);
    v->type = tz_malloc((cap ? cap : 1) * sizeof *v->type);
    size_t i = 4;
    int rc = 0;
    while (vocab_size ? v->n < vocab_size : i < n) {
        if (n - i < 8) {
            rc = tz_errf(e, TZ_E_FORMAT,
                         "'%s': %d. belirteç %zu. baytta yarım kalıyor (puan ve uzunluk için 8 bayt gerek, %zu var).",
                         "'%s': token %d is cut off at byte %zu (its score and length need 8 bytes, %zu are left).",
                         name, v->n, i, n - i);
            goto fail;
        }
        float score;
        memcpy(&score, u + i, 4);
        int32_t len = i32(u + i + 4);
        if (len < 0 || len > maxlen || (size_t)len > n - i - 8 || !isfinite(score)) {
            rc = tz_errf(e, TZ_E_FORMAT,
                         "'%s': %d. belirteç (%zu. bayt) bozuk: uzunluk %d (0 ile max_token_length %d arası olmalı, "
                         "dosyada %zu bayt kalmış), puan %g.",
                         "'%s': token %d (byte %zu) is damaged: length %d (must be 0 to max_token_length %d, the "
                         "file has %zu bytes left), score %g.",
                         name, v->n, i, (int)len, (int)maxlen, n - i - 8, (double)score);
            goto fail;
        }
        int k = v->n++;
        v->tok[k] = tz_malloc((size_t)len + 1);
        memcpy(v->tok[k], u + i + 8, (size_t)len);
        v->tok[k][len] = '\0';
        v->len[k] = (size_t)len;
        v->score[k] = score;
        v->type[k] = 1;
        i += 8 + (size_t)len;
    }
    if (i != n) {
        rc = tz_errf(e, TZ_E_FORMAT,
                     "'%s': %d belirteç %zu bayt tutuyor, dosya %zu bayt: sonda fazladan bayt var (model başka bir "
                     "sözlükle mi eğitilmiş?).",
                     "'%s': %d tokens take %zu bytes, the file has %zu: extra bytes follow (was the model trained "
                     "with another vocabulary?).",
                     name, v->n, i, n);
        goto fail;
    }
    if (v->n == 0) {
        rc = tz_errf(e, TZ_E_FORMAT, "'%s': tokenizer.bin'de hiç belirteç yok.", "'%s': tokenizer.bin holds no tokens.",
                     name);
        goto fail;
    }
    v->bos = v->n > 1 ? 1 : -1;
    v->eos = v->n > 2 ? 2 : -1;
    v->unk = 0;
    snprintf(v->model, sizeof v->model, "llama");
    return 0;
fail:
    gguf_vocab_free(v);
    return rc;
}

int llama2c_tokenizer_load(const char *path, int vocab_size, GgufVocab *v, TzErr *e)
{
    memset(v, 0, sizeof *v);
    TzFile f;
    int rc = tz_file_map(&f, path, e);
    if (rc) return rc;
    rc = llama2c_tokenizer_parse(f.data, f.size, path, vocab_size, v, e);
    tz_file_unmap(&f);
    return rc;
}

int llama2c_write(FILE *fp, const GgufLlama *c, const GgufWeights *w, TzErr *e)
{
    int L = c->n_layers, hs = c->dim / c->n_heads;
    int32_t head[7] = { c->dim, c->hidden_dim, L, c->n_heads, c->n_kv_heads,
                        c->shared_classifier ? c->vocab_size : -c->vocab_size, c->seq_len };
    int ok = fwrite(head, sizeof head, 1, fp) == 1;
    /* one tensor by name, or the same tensor of every block in turn */
    static const char *const per_layer[] = { "attn_norm", "attn_q", "attn_k", "attn_v", "attn_output",
                                             "ffn_norm", "ffn_gate", "ffn_down", "ffn_up" };
    char nm[GGUF_MAX_NAME];
    const GgufWeight *x = gguf_weights_find(w, "token_embd.weight");
    TZ_ASSERT(x);
    ok = ok && fwrite(x->data, sizeof(float), x->count, fp) == x->count;
    for (int k = 0; k < 9; k++)
        for (int l = 0; l < L && ok; l++) {
            snprintf(nm, sizeof nm, "blk.%d.%s.weight", l, per_layer[k]);
            x = gguf_weights_find(w, nm);
            TZ_ASSERT(x);
            ok = fwrite(x->data, sizeof(float), x->count, fp) == x->count;
        }
    x = gguf_weights_find(w, "output_norm.weight");
    TZ_ASSERT(x);
    ok = ok && fwrite(x->data, sizeof(float), x->count, fp) == x->count;
    /* freq_cis_real, then freq_cis_imag: C × HS/2 each */
    for (int part = 0; part < 2 && ok; part++)
        for (int p = 0; p < c->seq_len && ok; p++)
            for (int i = 0; i < hs / 2 && ok; i++) {
                double a = p * pow(10000.0, -2.0 * i / hs);
                float v = (float)(part ? sin(a) : cos(a));
                ok = fwrite(&v, sizeof v, 1, fp) == 1;
            }
    if (!c->shared_classifier) {
        x = gguf_weights_find(w, "output.weight");
        TZ_ASSERT(x);
        ok = ok && fwrite(x->data, sizeof(float), x->count, fp) == x->count;
    }
    if (!ok) return tz_errf(e, TZ_E_IO, "llama2.c dosyası yazılamadı (disk dolu mu?)", "cannot write the llama2.c file (is the disk full?)");
    return 0;
}

int llama2c_tokenizer_write(FILE *fp, const GgufVocab *v, TzErr *e)
{
    int32_t maxlen = 0;
    for (int i = 0; i < v->n; i++)
        if ((int32_t)v->len[i] > maxlen) maxlen = (int32_t)v->len[i];
    int ok = fwrite(&maxlen, sizeof maxlen, 1, fp) == 1;
    for (int i = 0; i < v->n && ok; i++) {
        float sc = v->score ? v->score[i] : 0.0f;
        int32_t len = (int32_t)v->len[i];
        ok = fwrite(&sc, sizeof sc, 1, fp) == 1 && fwrite(&len, sizeof len, 1, fp) == 1 &&
             (len == 0 || fwrite(v->tok[i], 1, (size_t)len, fp) == (size_t)len);
    }
    if (!ok) return tz_errf(e, TZ_E_IO, "tokenizer.bin yazılamadı (disk dolu mu?)", "cannot write tokenizer.bin (is the disk full?)");
    return 0;
}
