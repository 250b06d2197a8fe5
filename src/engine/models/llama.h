/* llama.h — LLaMA (Touvron et al. 2023), a decoder-only Transformer like GPT-2 (models/gpt.h)
 * with four changes, all in nn/llama_layers.h: RMSNorm instead of layernorm, rotary position
 * embeddings on q and k instead of a learnt position table, the SwiGLU feed-forward instead of
 * GELU's, and grouped-query attention; no biases anywhere. The layout and the names are Meta's
 * reference code's and llama2.c's, so that their checkpoints (and GGUF's llama tensors) map
 * onto it.
 *
 * Shapes: V vocabulary, C context (the longest sequence), D model width, L blocks, H query heads
 * of hs = D/H each, Hkv key/value heads (H a multiple of Hkv; KV = Hkv·hs), F the feed-forward's
 * hidden width. A batch is B sequences of T ≤ C tokens: N = B·T rows, sequence b's token t at
 * row b·T + t.
 *
 *   x = tok_embeddings[token]                               N × D (no position vector: RoPE)
 *   for each block l = 0 … L−1 (pre-norm, as GPT-2):
 *     a = rmsnorm(x, attention_norm)
 *     q = rope(a wqᵀ)  k = rope(a wkᵀ)  v = a wvᵀ           N × D, N × KV, N × KV
 *     x = x + gqa(q, k, v) woᵀ                               causal grouped-query attention
 *     f = rmsnorm(x, ffn_norm)
 *     x = x + (silu(f w1ᵀ) ⊙ f w3ᵀ) w2ᵀ                       SwiGLU, hidden width F
 *   logits = rmsnorm(x, norm) outputᵀ                        N × V
 *   loss   = mean over the rows of −log softmax(logits)[target]
 *
 * RoPE pairs features (2i, 2i+1) of each head, θ = 10000 (Meta's and llama2.c's convention; see
 * nn/llama_layers.h), and each sequence's positions start at 0.
 * output may be tied to tok_embeddings (cfg.tied; llama2.c's shared_weights, as its stories
 * models): then there is no output tensor and the embedding matrix serves both ends.
 * Weights are nn.Linear's Out × In. A gradient has the model's shape, so it is a Llama too.
 */
#ifndef TZ_LLAMA_H
#define TZ_LLAMA_H

#include <stddef.h>
#include <stdint.h>

#include "nn/q8.h"

typedef struct {
    int V;                  /* vocabulary size */
    int C;                  /* context: the longest sequence (the RoPE table's length) */
    int D;                  /* model width; a multiple of H, with hs = D/H even (RoPE's pairs) */
    int L;                  /* blocks */
    int H;                  /* query heads */
    int Hkv;                /* key/value heads; H a multiple of it (Hkv = H: plain multi-head) */
    int F;                  /* the feed-forward's hidden width (llama2.c's hidden_dim) */
    int tied;               /* 1: the output layer is tok_embeddings (no output.weight) */
} LlamaConfig;

/* One block ("layers.<l>." in Meta's names). KV = Hkv·D/H. */
typedef struct {
    float *attention_norm;  /* attention_norm.weight       D        */
    float *wq;              /* attention.wq.weight         D × D    */
    float *wk;              /* attention.wk.weight         KV × D   */
    float *wv;              /* attention.wv.weight         KV × D   */
    float *wo;              /* attention.wo.weight         D × D    */
    float *ffn_norm;        /* ffn_norm.weight             D        */
    float *w1;              /* feed_forward.w1.weight      F × D    the gate's input (silu) */
    float *w2;              /* feed_forward.w2.weight      D × F    back to the stream */
    float *w3;              /* feed_forward.w3.weight      F × D    the gated values */
    /* The same seven matrices in Q8_0 (nn/q8.h) when the model holds them that way (llama_quantize,
     * or a GGUF file's Q8_0 tensors): then qwq.q is set and wq is NULL, and so on for each. */
    Q8Mat qwq, qwk, qwv, qwo, qw1, qw2, qw3;
} LlamaBlock;

typedef struct {
    LlamaConfig cfg;
    float *mem;             /* every float parameter, one contiguous block of n floats (all
                               llama_nparams of them unless some matrices are in Q8_0) */
    size_t n;
    float *tok_embeddings;  /* tok_embeddings.weight  V × D */
    LlamaBlock *layers;     /* L blocks */
    float *norm;            /* norm.weight  D */
    float *output;          /* output.weight  V × D; = tok_embeddings when tied */
    /* Q8_0 (see LlamaBlock): qtok for tok_embeddings, qout for output (= qtok when tied) */
    Q8Mat qtok, qout;
    int nq8;                /* matrices held in Q8_0 (0: all float32) */
    void *qmem;             /* their bytes (q and d of each), one allocation */
    size_t qbytes;
} Llama;

/* A model's float parameters live in mem (n floats). A model with matrices in Q8_0 (nq8 > 0) keeps
 * those in qmem instead, and mem holds only the rest (the RMSNorm gains, and any matrix whose rows
 * are not a multiple of 32 long); such a model generates (models/llama_gen.h) and runs
 * llama_forward, but is not trained: llama_backward refuses it (a bug to call).
 *
 * V·D + L·(2D + 2D² + 2·KV·D + 3·F·D) + D (+ V·D untied); 0 for an invalid configuration.
 * (Llama 3 8B, V 128256 D 4096 L 32 H 32 Hkv 8 F 14336 untied: 8 030 261 248.) */
size_t llama_nparams(const LlamaConfig *cfg);

/* Everything positive, D a multiple of H, hs = D/H even, H a multiple of Hkv, tied 0 or 1. */
int llama_config_ok(const LlamaConfig *cfg);

/* A model (or gradient), every parameter 0. 0, or −1 (invalid configuration, out of memory). */
int llama_alloc(Llama *m, const LlamaConfig *cfg);
void llama_free(Llama *m);          /* safe on a zeroed struct */
void llama_zero(Llama *m);

/* llama2.c's model.py initialisation (nanoGPT's), deterministic for a seed: embeddings and
 * weights from N(0, 0.02²), RMSNorm weights 1, and wo and w3 from N(0, (0.02/√(2L))²) — GPT-2's
 * shrinking of the projections that write into the stream. (The one that writes in the
 * feed-forward is w2; llama2.c shrinks w3, and we follow it so that a model started here starts
 * as its do.) */
void llama_init(Llama *m, uint64_t seed);

/* The tensors in memory order: tok_embeddings, 9 per block (attention_norm, wq, wk, wv, wo,
 * ffn_norm, w1, w2, w3), norm, then output unless tied: 1 + 9L + 1 (+ 1). Fills the name
 * (Meta's, e.g. "layers.0.attention.wq.weight"), size and shape (cols = 1 for a vector);
 * returns the pointer, NULL for i out of range. */
int llama_ntensors(const LlamaConfig *cfg);
float *llama_tensor(const Llama *m, int i, char *name, size_t name_cap, size_t *n, int *rows, int *cols);
/* Tensor i's Q8_0 form, or NULL when it is held as float (then llama_tensor gives it); llama_tensor
 * returns NULL for a tensor held in Q8_0. */
const Q8Mat *llama_tensor_q8(const Llama *m, int i);

/* Quantise every matrix of a float model to Q8_0 (those whose rows are a multiple of 32 long: all
 * of them when D and F are), freeing their float copies. Returns how many were quantised (0: none
 * could be; the model is unchanged), or −1 when out of memory (the model is unchanged). */
int llama_quantize(Llama *m);
/* The bytes the weights take (float tensors and Q8_0 ones). */
size_t llama_weight_bytes(const Llama *m);
/* Allocate m as llama_alloc does, but with the tensors i for which q8[i] is set (matrices whose
 * rows are a multiple of 32 long) in Q8_0, all zero. 0, or −1. */
int llama_alloc_mixed(Llama *m, const LlamaConfig *cfg, const unsigned char *q8);

/* The most threads a pass splits its work between. */
#define LLAMA_THREADS 8

/* The activations of one forward pass over B × T tokens, kept for backward and for looking at
 * (att: every attention pattern; probs: every next-token distribution). */
typedef struct {
    int B, T;               /* the most this work holds */
    /* per block l (arrays of L pointers; res has L + 1) */
    float **res;            /* res[l]: the stream entering block l, N × D; res[L] leaves the last */
    float **xa, **rstd_a;   /* attention_norm's output N × D and 1/rms N */
    float **q, **k, **v;    /* N × D, N × KV, N × KV (q and k after RoPE) */
    float **att;            /* B × H × T × T attention probabilities */
    float **atty;           /* N × D   attention output before wo */
    float **mid;            /* N × D   the stream after the attention half */
    float **xf, **rstd_f;   /* ffn_norm's output N × D, 1/rms N */
    float **h1, **h3;       /* N × F   f w1ᵀ (before silu), f w3ᵀ */
    float **hg;             /* N × F   silu(h1) ⊙ h3 */
    /* the head */
    float *xn, *rstd_n;     /* norm's output N × D, N */
    float *logits, *probs;  /* N × V each */
    float *rope_cos, *rope_sin;   /* C × hs/2 each: rope_table's angles */
    /* backward scratch */
    float *dres, *dres2, *dmid, *dx, *datty, *dq;   /* N × D each */
    float *dxf;                                     /* N × D: ffn_norm's output gradient */
    float *dk, *dv;                                 /* N × KV */
    float *dh1, *dh3, *dhg;                         /* N × F */
    float *dlogits;                                 /* N × V */
    float *scratch;                                 /* LLAMA_THREADS × T × T: attention's backward */
    float *mem;
} LlamaWork;

/* Room for B sequences of up to T ≤ cfg->C tokens. 0, or −1 (bad sizes, out of memory). */
int llama_work_alloc(LlamaWork *w, const LlamaConfig *cfg, int B, int T);
void llama_work_free(LlamaWork *w);     /* safe on a zeroed struct */

/* The forward pass over tokens (B × T ids in 0 … V−1; B ≤ w->B, T ≤ w->T). Fills w->logits and
 * the activations; with targets (TZ_IGNORE for a row that does not count) also w->probs, and
 * returns the mean cross-entropy; without (NULL) returns 0.
 * Threads: both passes run on the engine's team (nn/recurrent.h, cell_team_run) when the batch is
 * big enough to pay for it (B·T·D ≥ 16384), split by rows, by (sequence, head) pairs for
 * attention, and by the rows of each parameter gradient (so no two threads add into one number);
 * the numbers do not depend on the thread count beyond the order of float sums inside OpenBLAS.
 * llama_set_threads(n) caps the team for these passes and for generation's steps (models/
 * llama_gen.h) at n threads; 0 (the default): as many as the team allows for the passes, and for
 * generation whichever of the team or one thread it measures to be faster. llama_get_threads
 * returns the setting. */
void llama_set_threads(int n);
int llama_get_threads(void);
double llama_forward(const Llama *m, LlamaWork *w, const int32_t *tokens, const int32_t *targets, int B, int T);

/* The exact gradient of that loss, after llama_forward with the same tokens, targets (not NULL),
 * B and T, ADDED into grad (a Llama of the same configuration). When tied, tok_embeddings
 * collects both uses: the rows read and the whole output layer. */
void llama_backward(const Llama *m, Llama *grad, LlamaWork *w, const int32_t *tokens, const int32_t *targets, int B,
                    int T);

#endif
