/* llama_layers.h — the layers LLaMA (Touvron et al. 2023) puts in place of GPT-2's: RMSNorm
 * instead of layernorm, rotary position embeddings (RoPE) instead of learnt positions, the
 * SwiGLU feed-forward instead of GELU's, and grouped-query attention (GQA) where several query
 * heads share one key/value head. Each is a _forward / _backward pair with the conventions of
 * nn/layers.h (input gradients WRITTEN, parameter gradients ADDED, what forward keeps passed
 * back in), and each has a _naive twin — the definition written out as plain loops in double —
 * that the tests hold the fast one to.
 *
 * Shapes: N rows (N = B·T: B sequences of T tokens, row b·T + t), D features per row; a head
 * is hs features wide; H query heads, Hkv key/value heads.
 */
#ifndef TZ_LLAMA_LAYERS_H
#define TZ_LLAMA_LAYERS_H

#include <stddef.h>

/* ---- RMSNorm (Zhang & Sennrich 2019) ---------------------------------------------------
 * Per row: rstd = 1/√(mean(x²) + ε), x̂ = x·rstd, y = w ⊙ x̂, ε = 1e-5 (llama2.c's and Meta's).
 * Layernorm without the mean and without β: only the size of the row is normalised, not its
 * centre — cheaper, and it works as well. w: D (the ".weight" of attention_norm, ffn_norm and
 * norm). rstd (N) is kept for the backward pass.
 * Backward, with g = dY ⊙ w:
 *   dX = rstd · (g − x̂ · mean(g ⊙ x̂))   (written; scaling a row changes nothing, so the
 *        part of g along x̂ is taken out)
 *   dw += Σ_n dY ⊙ x̂                                                                        */
#define TZ_RMS_EPS 1e-5f
void rmsnorm_forward(float *Y, float *rstd, const float *X, const float *w, int N, int D);
void rmsnorm_backward(float *dX, float *dw, const float *dY, const float *X, const float *rstd, const float *w, int N,
                      int D);
/* For threads: rmsnorm_backward's dX alone (dw may be NULL there: nothing added), and dw's entries
 * d0 … d1−1 over all N rows. */
void rmsnorm_backward_params(float *dw, const float *dY, const float *X, const float *rstd, int N, int D, int d0,
                             int d1);
void rmsnorm_forward_naive(float *Y, float *rstd, const float *X, const float *w, int N, int D);
void rmsnorm_backward_naive(float *dX, float *dw, const float *dY, const float *X, const float *w, int N, int D);

/* ---- rotary position embeddings (Su et al. 2021) -----------------------------------------
 * Position is not added to the token; q and k are turned by an angle that grows with it. In
 * each head (hs features, hs even) the features are taken in pairs (x[2i], x[2i+1]), i = 0 …
 * hs/2−1, and pair i of the token at position p turns by the angle p·θ^(−2i/hs), θ = 10000:
 *     x'[2i]   = x[2i]·cos − x[2i+1]·sin
 *     x'[2i+1] = x[2i]·sin + x[2i+1]·cos
 * This is the pairing of Meta's reference code and llama2.c (adjacent features; Hugging Face's
 * port pairs i with i + hs/2 instead and permutes wq, wk to match — a loader from its files has
 * to undo that permutation). The first pairs turn fast, the last ones slowly. A rotation keeps
 * lengths, and turning q by pθ and k by jθ turns their dot product by (p − j)θ: the attention
 * score sees only how far apart two tokens are.
 * X: N rows of nh heads × hs (a row is nh·hs floats), rotated IN PLACE; row n is at position
 * pos0 + n mod T (each sequence starts again at pos0; pos0 > 0 when a cache holds the rest).
 * The fast pair reads the angles from a table made once by rope_table: cos and sin, P × hs/2
 * each (positions 0 … P−1), computed in double and rounded.
 * Backward: the rotation is linear and orthogonal, so the gradient is rotated back by the same
 * angle (the transpose, i.e. the inverse rotation), in place.                                */
#define TZ_ROPE_THETA 10000.0
void rope_table(float *cos_t, float *sin_t, int P, int hs, double theta);
void rope_forward(float *X, int N, int T, int pos0, int nh, int hs, const float *cos_t, const float *sin_t);
void rope_backward(float *dX, int N, int T, int pos0, int nh, int hs, const float *cos_t, const float *sin_t);
void rope_forward_naive(float *X, int N, int T, int pos0, int nh, int hs, double theta);
void rope_backward_naive(float *dX, int N, int T, int pos0, int nh, int hs, double theta);

/* ---- SwiGLU (Shazeer 2020) ----------------------------------------------------------------
 * The gate of LLaMA's feed-forward w2(silu(w1 x) ⊙ w3 x): with a = w1 x and b = w3 x (n values
 * each), y = silu(a) ⊙ b, silu(a) = a·σ(a) (σ the logistic function). One half of the hidden
 * layer decides how much of the other half passes.
 * Backward, with dY: dA = dY ⊙ b ⊙ σ(a)(1 + a(1 − σ(a))), dB = dY ⊙ silu(a) (both written).  */
void swiglu_forward(float *Y, const float *A, const float *Bv, size_t n);
void swiglu_backward(float *dA, float *dB, const float *dY, const float *A, const float *Bv, size_t n);
void swiglu_forward_naive(float *Y, const float *A, const float *Bv, size_t n);
void swiglu_backward_naive(float *dA, float *dB, const float *dY, const float *A, const float *Bv, size_t n);

/* ---- grouped-query self-attention (Ainslie et al. 2023) ------------------------------------
 * q: N × H·hs, k and v: N × Hkv·hs (separate tensors: the three projections have different
 * widths), H a multiple of Hkv. Query head h reads key/value head h / (H/Hkv): consecutive query
 * heads share one (Meta's repeat_kv). Hkv = H is ordinary multi-head attention, Hkv = 1
 * multi-query attention; fewer key/value heads mean a smaller KV cache when generating.
 * For each sequence b and query head h, with Q, K, V the T × hs slices:
 *   S = Q Kᵀ / √hs; S[t][j] = −∞ for j > t (causal); P = softmax of each row of S;
 *   O = P V, written to out (N × H·hs) at head h's columns
 * att (B × H × T × T) keeps every P (backward; heatmaps).
 * Backward, with dO (N × H·hs): per query head, as nn/layers.h's attention,
 *   dP = dO Vᵀ   dS = P ⊙ (dP − rowsum(dP ⊙ P))   dQ = dS K / √hs
 *   dK += dSᵀ Q / √hs   dV += Pᵀ dO
 * where dK and dV sum over the query heads of their group (a shared head collects every use).
 * dq, dk, dv are written (dk, dv zeroed first). The fast pair uses cblas_sgemm per (b, h) on
 * the slices in place (leading dimensions H·hs and Hkv·hs); scratch is 2·T·T floats (NULL:
 * allocated inside).                                                                          */
void gqa_forward(float *out, float *att, const float *q, const float *k, const float *v, int B, int T, int H, int Hkv,
                 int hs, int causal);
void gqa_backward(float *dq, float *dk, float *dv, const float *dout, const float *q, const float *k, const float *v,
                  const float *att, int B, int T, int H, int Hkv, int hs, float *scratch);
/* For threads: gqa_forward over the (sequence, query head) pairs u0 … u1−1 (pair u = b·H + h), and
 * gqa_backward over the (sequence, key/value head) pairs u0 … u1−1 (u = b·Hkv + g: every query head
 * of a group at once, since they all add into the group's dk, dv; only those slices are zeroed).
 * scratch: T·T floats (not NULL). */
void gqa_forward_part(float *out, float *att, const float *q, const float *k, const float *v, int B, int T, int H,
                      int Hkv, int hs, int causal, int u0, int u1);
void gqa_backward_part(float *dq, float *dk, float *dv, const float *dout, const float *q, const float *k,
                       const float *v, const float *att, int B, int T, int H, int Hkv, int hs, float *scratch, int u0,
                       int u1);
void gqa_forward_naive(float *out, float *att, const float *q, const float *k, const float *v, int B, int T, int H,
                       int Hkv, int hs, int causal);
void gqa_backward_naive(float *dq, float *dk, float *dv, const float *dout, const float *q, const float *k,
                        const float *v, const float *att, int B, int T, int H, int Hkv, int hs);

#endif
