/* llama_io.c — LLaMA weights from llama2.c and GGUF files into a Llama (see llama_io.h). */
#include "models/llama_io.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "formats/llama2c.h"
#include "nn/llama_layers.h"

int llama_config_from(LlamaConfig *out, const GgufLlama *c, TzErr *e)
{
    memset(out, 0, sizeof *out);
    LlamaConfig k = {c->vocab_size, c->seq_len,  c->dim, c->n_layers, c->n_heads,
                     c->n_kv_heads, c->hidden_dim, c->shared_classifier ? 1 : 0};
    if (!llama_config_ok(&k))
        return tz_errf(e, TZ_E_FORMAT,
                       "LLaMA yapılandırması kullanılamaz: V %d, C %d, D %d, L %d, H %d, Hkv %d, F %d (D, H'ye "
                       "bölünmeli; baş boyu çift; H, Hkv'ye bölünmeli).",
                       "unusable LLaMA configuration: V %d, C %d, D %d, L %d, H %d, Hkv %d, F %d (D must divide "
                       "by H into an even head size, and H by Hkv).",
                       k.V, k.C, k.D, k.L, k.H, k.Hkv, k.F);
    /* llama_layers.h fixes both; a model trained with others would run, but wrongly */
    if (fabs(c->rope_theta - TZ_ROPE_THETA) > 1e-3 || fabs(c->norm_eps - 1e-5) > 1e-9)
        return tz_errf(e, TZ_E_FORMAT,
                       "bu model RoPE tabanı %g ve RMSNorm ε %g istiyor; tezgah'ın LLaMA'sı yalnızca 10000 ve "
                       "1e-05 ile çalışıyor.",
                       "this model asks for RoPE base %g and RMSNorm epsilon %g; tezgah's LLaMA only runs with "
                       "10000 and 1e-05.",
                       (double)c->rope_theta, (double)c->norm_eps);
    *out = k;
    return 0;
}

/* GGUF's block order (attn_norm, attn_q, attn_k, attn_v, attn_output, ffn_norm, ffn_gate,
 * ffn_up, ffn_down) → llama.h's (attention_norm, wq, wk, wv, wo, ffn_norm, w1, w2, w3): only
 * up (w3) and down (w2) trade places. */
static const int block_map[9] = {0, 1, 2, 3, 4, 5, 6, 8, 7};

static void shape_str(char *s, size_t cap, int ndim, const uint64_t *shape)
{
    if (ndim == 1)
        snprintf(s, cap, "[%llu]", (unsigned long long)shape[0]);
    else if (ndim == 2)
        snprintf(s, cap, "[%llu × %llu]", (unsigned long long)shape[0], (unsigned long long)shape[1]);
    else
        snprintf(s, cap, "(ndim %d)", ndim);
}

int llama_from_weights(Llama *m, const GgufLlama *c, const GgufWeights *w, TzErr *e)
{
    memset(m, 0, sizeof *m);
    LlamaConfig k;
    int rc = llama_config_from(&k, c, e);
    if (rc) return rc;
    if (llama_alloc(m, &k) != 0)
        return tz_errf(e, TZ_E_NOMEM, "LLaMA ağırlıkları için bellek yetmedi (%.3g GB).",
                       "not enough memory for the LLaMA weights (%.3g GB).", llama_nparams(&k) * 4.0 / 1e9);
    int nt = gguf_llama_ntensors(c), L = k.L;
    for (int i = 0; i < nt; i++) {
        char gname[64], want[64], got[64];
        int nd;
        uint64_t shape[2];
        gguf_llama_tensor(c, i, gname, sizeof gname, &nd, shape);
        int mine = i == 0 ? 0 : i == nt - 2 ? 1 + 9 * L : i == nt - 1 ? 2 + 9 * L : 1 + 9 * ((i - 1) / 9) +
                                                                                     block_map[(i - 1) % 9];
        if (i == nt - 1 && k.tied) continue; /* the output layer is the embedding */
        const GgufWeight *t = gguf_weights_find(w, gname);
        shape_str(want, sizeof want, nd, shape);
        if (!t) {
            llama_free(m);
            return tz_errf(e, TZ_E_FORMAT, "LLaMA'nın '%s' tensörü eksik (%s olmalıydı).",
                           "LLaMA's tensor '%s' is missing (it should be %s).", gname, want);
        }
        size_t n;
        int rows, cols;
        float *dst = llama_tensor(m, mine, NULL, 0, &n, &rows, &cols);
        /* gguf_llama_tensor and llama_tensor describe the same tensor */
        TZ_ASSERT(dst && (uint64_t)rows == shape[0] && (nd == 1 ? cols == 1 : (uint64_t)cols == shape[1]));
        if (t->ndim != nd || t->shape[0] != shape[0] || (nd == 2 && t->shape[1] != shape[1]) || t->count != n) {
            shape_str(got, sizeof got, t->ndim, t->shape);
            llama_free(m);
            return tz_errf(e, TZ_E_FORMAT,
                           "'%s' tensörünün biçimi %s, ama yapılandırma %s istiyor (D %d, F %d, H %d, Hkv %d, V %d).",
                           "tensor '%s' has shape %s, but the configuration needs %s (D %d, F %d, H %d, Hkv %d, "
                           "V %d).",
                           gname, got, want, k.D, k.F, k.H, k.Hkv, k.V);
        }
        memcpy(dst, t->data, n * sizeof *dst);
    }
    return 0;
}

int llama_load_gguf(Llama *m, const char *path, TzErr *e)
{
    memset(m, 0, sizeof *m);
    GgufLlama c;
    GgufWeights w;
    int rc = gguf_load_llama(path, &c, &w, NULL, e);
    if (rc) return rc;
    rc = llama_from_weights(m, &c, &w, e);
    gguf_weights_free(&w);
    return rc;
}

int llama_load_llama2c(Llama *m, const char *path, TzErr *e)
{
    memset(m, 0, sizeof *m);
    GgufLlama c;
    GgufWeights w;
    int rc = llama2c_load(path, &c, &w, NULL, e);
    if (rc) return rc;
    rc = llama_from_weights(m, &c, &w, e);
    gguf_weights_free(&w);
    return rc;
}
