/* llama_train.c — a LLaMA's side of the training loop (see llama_train.h; the loop itself is
 * gpt_train_loop in gpt_train.c). */
#include "models/llama_train.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "formats/gguf.h"
#include "formats/llama2c.h"

int llama_train_ffn(int D)
{
    int f = (2 * 4 * D) / 3;
    return (f + 31) / 32 * 32;
}

double llama_activation_bytes(const LlamaConfig *c, int B, int T)
{
    /* llama_work_alloc's sums (work_wire in llama.c): per block 5 N×D, 2 N, q N×D, k v 2 N×KV,
     * B·H·T² attention, 3 N×F; then the stream out, the final norm N×D + N, logits and probs
     * 2 N×V, the RoPE tables C×hs; the backward scratch 7 N×D, 2 N×KV, 3 N×F, N×V and a T×T per thread */
    double N = (double)B * T, D = c->D, V = c->V, F = c->F, hs = (double)c->D / c->H, KV = c->Hkv * hs;
    double per_block = 6 * N * D + 2 * N + 2 * N * KV + (double)B * c->H * T * T + 3 * N * F;
    double total = c->L * per_block + 2 * N * D + N + 2 * N * V + (double)c->C * hs + 7 * N * D + 2 * N * KV +
                   3 * N * F + N * V + (double)LLAMA_THREADS * T * T;
    return 4.0 * total;
}

double llama_train_bytes(const LlamaConfig *c, int B, int T)
{
    return 5.0 * 4.0 * (double)llama_nparams(c) + llama_activation_bytes(c, B, T);
}

typedef struct {
    const Llama *m;
    Llama *grad;
    LlamaWork w;
} LlamaCtx;

static double eval_fwd(void *ctx, const int32_t *x, const int32_t *y, int b, int T)
{
    LlamaCtx *k = ctx;
    return llama_forward(k->m, &k->w, x, y, b, T);
}

double llama_eval_loss(const Llama *m, const int32_t *ids, size_t n, int B, int T, int windows)
{
    if (!gpt_train_eval_shape(n, m->cfg.C, windows, &B, &T)) return NAN;
    LlamaCtx k = { .m = m };
    if (llama_work_alloc(&k.w, &m->cfg, B, T)) return NAN;
    double loss = gpt_train_eval_windows(ids, n, B, T, windows, eval_fwd, &k);
    llama_work_free(&k.w);
    return loss;
}

static float *tr_tensor(void *ctx, int i, size_t *n, int *cols)
{
    LlamaCtx *k = ctx;
    int rows;
    return llama_tensor(k->m, i, NULL, 0, n, &rows, cols);
}

static double tr_forward(void *ctx, const int32_t *x, const int32_t *y, int B, int T, uint64_t seed)
{
    (void)seed;   /* no dropout in LLaMA */
    LlamaCtx *k = ctx;
    return llama_forward(k->m, &k->w, x, y, B, T);
}

static void tr_backward(void *ctx, const int32_t *x, const int32_t *y, int B, int T)
{
    LlamaCtx *k = ctx;
    llama_backward(k->m, k->grad, &k->w, x, y, B, T);
}

static double tr_eval(void *ctx, const int32_t *ids, size_t n, int B, int T, int windows)
{
    LlamaCtx *k = ctx;
    return llama_eval_loss(k->m, ids, n, B, T, windows);
}

int llama_train(Llama *m, const int32_t *ids, size_t n, const GptTrainConfig *cfg, GptTrainStats *st, Job *job,
                TzErr *e)
{
    const LlamaConfig *c = &m->cfg;
    TZ_ASSERT(cfg->B >= 1 && cfg->T >= 1 && cfg->T <= c->C && cfg->steps >= 1);
    Llama grad;
    LlamaCtx k = { .m = m, .grad = &grad };
    if (llama_alloc(&grad, c)) tz_die(__FILE__, __LINE__, "out of memory: the gradient of %zu parameters", m->n);
    if (llama_work_alloc(&k.w, c, cfg->B, cfg->T))
        tz_die(__FILE__, __LINE__, "out of memory: activations of %d x %d tokens", cfg->B, cfg->T);
    GptTrainModel t = { .ctx = &k, .params = m->mem, .grads = grad.mem, .n = m->n, .V = c->V, .C = c->C,
                        .ntensors = llama_ntensors(c), .tensor = tr_tensor, .forward = tr_forward,
                        .backward = tr_backward, .eval = tr_eval };
    int rc = gpt_train_loop(&t, ids, n, cfg, st, job, e);
    llama_work_free(&k.w);
    llama_free(&grad);
    return rc;
}

/* --- saving ------------------------------------------------------------------------------------ */

/* Meta's names in a block (llama_tensor's order) → GGUF's (llama_io.h's table) */
static const char *const gguf_block[9] = { "attn_norm", "attn_q", "attn_k", "attn_v", "attn_output",
                                           "ffn_norm", "ffn_gate", "ffn_down", "ffn_up" };

/* The model as the writers' plain data: the configuration, and every tensor under its GGUF name
 * pointing into m (w->mem stays NULL: gguf_weights_free frees only the list and the names). */
static int export_weights(const Llama *m, GgufLlama *c, GgufWeights *w, TzErr *e)
{
    const LlamaConfig *k = &m->cfg;
    memset(w, 0, sizeof *w);
    if (m->nq8)
        return tz_errf(e, TZ_E_ARG,
                       "bu modelin %d matrisi Q8_0 biçiminde; yalnızca float32 bir LLaMA kaydedilir (dosya, modelde "
                       "olmayan bir kesinlik vaat etmesin).",
                       "%d of this model's matrices are in Q8_0; only a float32 LLaMA is saved (the file should not "
                       "promise a precision the model does not have).",
                       m->nq8);
    *c = (GgufLlama){ .dim = k->D, .hidden_dim = k->F, .n_layers = k->L, .n_heads = k->H, .n_kv_heads = k->Hkv,
                      .vocab_size = k->V, .seq_len = k->C, .shared_classifier = k->tied, .rope_theta = 10000.0f,
                      .norm_eps = 1e-5f };
    int nt = llama_ntensors(k);
    w->w = tz_calloc((size_t)nt, sizeof *w->w);
    for (int i = 0; i < nt; i++) {
        size_t n;
        int rows, cols;
        float *p = llama_tensor(m, i, NULL, 0, &n, &rows, &cols);
        TZ_ASSERT(p);
        char nm[GGUF_MAX_NAME];
        if (i == 0) snprintf(nm, sizeof nm, "token_embd.weight");
        else if (i == 1 + 9 * k->L) snprintf(nm, sizeof nm, "output_norm.weight");
        else if (i == 2 + 9 * k->L) snprintf(nm, sizeof nm, "output.weight");
        else snprintf(nm, sizeof nm, "blk.%d.%s.weight", (i - 1) / 9, gguf_block[(i - 1) % 9]);
        GgufWeight *g = &w->w[w->n++];
        g->name = tz_malloc(strlen(nm) + 1);
        memcpy(g->name, nm, strlen(nm) + 1);
        g->ndim = cols > 1 ? 2 : 1;
        g->shape[0] = (uint64_t)rows;
        g->shape[1] = cols > 1 ? (uint64_t)cols : 0;
        g->count = n;
        g->data = p;
    }
    return 0;
}

typedef struct {
    const GgufLlama *c;
    const GgufWeights *w;
    const GgufVocab *v;
    const char *name;
} SaveArg;

static int write_gguf(FILE *f, void *ud, TzErr *e)
{
    SaveArg *a = ud;
    return gguf_write_llama(f, a->c, a->w, a->v, a->name, e);
}

static int write_l2c(FILE *f, void *ud, TzErr *e)
{
    SaveArg *a = ud;
    return llama2c_write(f, a->c, a->w, e);
}

static int write_tok(FILE *f, void *ud, TzErr *e)
{
    SaveArg *a = ud;
    return llama2c_tokenizer_write(f, a->v, e);
}

/* Export, write atomically (the checkpoint, then tokenizer.bin for llama2.c), free. */
static int save(const Llama *m, const Spm *spm, const char *name, const char *path, const char *tok_path, int gguf,
                TzErr *e)
{
    GgufLlama c;
    GgufWeights w;
    int rc = export_weights(m, &c, &w, e);
    if (rc) return rc;
    GgufVocab v;
    memset(&v, 0, sizeof v);
    if (spm) spm_to_vocab(spm, gguf, &v);   /* GGUF spells spaces "▁", tokenizer.bin ' ' */
    SaveArg a = { &c, &w, spm ? &v : NULL, name };
    rc = tz_save_atomic(path, gguf ? write_gguf : write_l2c, &a, e);
    if (!rc && !gguf && spm && tok_path) rc = tz_save_atomic(tok_path, write_tok, &a, e);
    gguf_vocab_free(&v);
    gguf_weights_free(&w);
    return rc;
}

int llama_train_save_gguf(const Llama *m, const Spm *spm, const char *name, const char *path, TzErr *e)
{
    return save(m, spm, name, path, NULL, 1, e);
}

int llama_train_save_llama2c(const Llama *m, const Spm *spm, const char *path, const char *tok_path, TzErr *e)
{
    return save(m, spm, NULL, path, tok_path, 0, e);
}
