/* llama_io.c — LLaMA weights from llama2.c and GGUF files into a Llama (see llama_io.h). */
#include "models/llama_io.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <stdlib.h>

#include "core/io.h"
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

/* GGUF tensor i (gguf_llama_tensor's order) → the model's tensor index (llama_tensor's order). */
static int mine_of(int i, int nt, int L)
{
    return i == 0 ? 0 : i == nt - 2 ? 1 + 9 * L : i == nt - 1 ? 2 + 9 * L : 1 + 9 * ((i - 1) / 9) + block_map[(i - 1) % 9];
}

int llama_from_gguf(Llama *m, const GgufFile *f, const GgufLlama *c, int how, TzErr *e)
{
    memset(m, 0, sizeof *m);
    LlamaConfig k;
    int rc = llama_config_from(&k, c, e);
    if (rc) return rc;
    int nt = gguf_llama_ntensors(c), nm = llama_ntensors(&k);
    const GgufTensor **src = calloc((size_t)nt, sizeof *src);
    unsigned char *q8 = calloc((size_t)nm, 1);
    if (!src || !q8) {
        free(src);
        free(q8);
        return tz_errf(e, TZ_E_NOMEM, "bellek yetmedi.", "out of memory.");
    }
    double need = 0;
    for (int i = 0; i < nt; i++) {
        char gname[64];
        int nd;
        uint64_t shape[2];
        gguf_llama_tensor(c, i, gname, sizeof gname, &nd, shape);
        int mine = mine_of(i, nt, k.L);
        if (i == nt - 1 && k.tied) continue;
        const GgufTensor *t = gguf_find(f, gname);
        if (!t || t->ndim != nd || t->shape[0] != shape[0] || (nd == 2 && t->shape[1] != shape[1])) {
            char want[64];
            shape_str(want, sizeof want, nd, shape);
            free(src);
            free(q8);
            return tz_errf(e, TZ_E_FORMAT, "LLaMA'nın '%s' tensörü eksik ya da biçimi yanlış (%s olmalıydı).",
                           "LLaMA's tensor '%s' is missing or misshaped (it should be %s).", gname, want);
        }
        src[i] = t;
        int cols = nd == 2 ? (int)shape[1] : 1;
        q8[mine] = nd == 2 && cols % Q8_BLOCK == 0 &&
                   ((how == LLAMA_LOAD_KEEP && t->type == GGML_Q8_0) || how == LLAMA_LOAD_Q8);
        need += q8[mine] ? (double)q8_bytes((int)shape[0], cols) : 4.0 * (double)t->count;
    }
    double ram = tz_phys_bytes();
    if (ram > 0 && need > 0.8 * ram) {
        free(src);
        free(q8);
        return tz_errf(e, TZ_E_NOMEM, "'%s': ağırlıklar %.3g GB ister, bu makinede %.3g GB bellek var.",
                       "'%s': the weights take %.3g GB, this machine has %.3g GB of memory.", f->name, need / 1e9,
                       ram / 1e9);
    }
    if (llama_alloc_mixed(m, &k, q8) != 0) {
        free(src);
        free(q8);
        return tz_errf(e, TZ_E_NOMEM, "LLaMA ağırlıkları için bellek yetmedi (%.3g GB).",
                       "not enough memory for the LLaMA weights (%.3g GB).", need / 1e9);
    }
    float *rows = NULL;
    for (int i = 0; i < nt && rc == 0; i++) {
        const GgufTensor *t = src[i];
        if (!t) continue;
        int mine = mine_of(i, nt, k.L);
        const Q8Mat *q = llama_tensor_q8(m, mine);
        size_t n;
        int nr, cols;
        float *dst = llama_tensor(m, mine, NULL, 0, &n, &nr, &cols);
        TZ_ASSERT(n == t->count);
        if (!q) {
            gguf_read_f32(t, dst);
        } else if (t->type == GGML_Q8_0) {
            q8_from_gguf(t->data, n, q->q, q->d);      /* the file's blocks as they are */
        } else {
            /* quantised 256 rows at a time (never the whole tensor as floats beside it) */
            if (!rows) rows = malloc((size_t)256 * (k.F > k.D ? k.F : k.D) * sizeof *rows);
            if (!rows) {
                rc = tz_errf(e, TZ_E_NOMEM, "bellek yetmedi.", "out of memory.");
                break;
            }
            for (int r = 0; r < nr; r += 256) {
                int cnt = nr - r < 256 ? nr - r : 256;
                gguf_read_rows(t, (uint64_t)r, (uint64_t)cnt, rows);
                q8_quantize(rows, (size_t)cnt * cols, q->q + (size_t)r * cols, q->d + (size_t)r * (cols / Q8_BLOCK));
            }
        }
    }
    free(rows);
    free(src);
    free(q8);
    if (rc) llama_free(m);
    return rc;
}

int llama_load_gguf_as(Llama *m, const char *path, int how, TzErr *e)
{
    memset(m, 0, sizeof *m);
    TzFile fm;
    int rc = tz_file_map(&fm, path, e);
    if (rc) return rc;
    GgufFile f;
    GgufLlama c;
    if ((rc = gguf_parse(&f, fm.data, fm.size, path, e)) == 0) {
        if ((rc = gguf_llama_config(&f, &c, e)) == 0) rc = llama_from_gguf(m, &f, &c, how, e);
        gguf_free(&f);
    }
    tz_file_unmap(&fm);
    return rc;
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
