/* layers.h — the building blocks of a Transformer (GPT, BERT, LLaMA share them), each a
 * _forward / _backward pair over row-major activations.
 *
 * Shapes: N rows (N = B·T: B sequences of T tokens, token after token), D features per row.
 * X is N × D: X[n·D + d]. Weights follow PyTorch (nn.Linear, nn.LayerNorm, GPT-2's attention)
 * so that its numbers can be checked against ours and its weights loaded as they are.
 *
 * Conventions for every backward pass here:
 *   - the gradient of the input (dX, dlogits, dqkv) is WRITTEN (overwritten): it is a fresh
 *     tensor; a caller with a residual stream adds it where it belongs;
 *   - the gradients of the parameters (dW, db, dgamma, dbeta) are ADDED: a parameter used by
 *     several rows, batches or steps sums what each use contributes, and zeroing them once per
 *     step is the optimiser's business;
 *   - what the forward pass keeps (mean and rstd of layernorm, probabilities of softmax and of
 *     attention) is passed back in; nothing is kept hidden.
 * None of them allocates except attention_backward when given no scratch.
 */
#ifndef TZ_LAYERS_H
#define TZ_LAYERS_H

#include <stdint.h>

/* ---- linear: Y = X Wᵀ + b -------------------------------------------------------------
 * X: N × In, W: Out × In (nn.Linear.weight: one row per output), b: Out (NULL = no bias),
 * Y: N × Out. One product of (N × In) by (In × Out) through cblas.
 * Backward, with dY (N × Out):
 *   dX  = dY W       (N × In, written; dX may be NULL when nobody needs it, e.g. the first layer)
 *   dW += dYᵀ X      (Out × In)
 *   db += Σ_n dY[n]  (Out; db may be NULL)                                                   */
void linear_forward(float *Y, const float *X, const float *W, const float *b, int N, int In, int Out);
void linear_backward(float *dX, float *dW, float *db, const float *dY, const float *X, const float *W, int N,
                     int In, int Out);

/* ---- layernorm over the last dimension -------------------------------------------------
 * Per row: μ = mean(x), σ² = mean((x − μ)²) (the biased variance, as PyTorch), rstd = 1/√(σ²+ε),
 * x̂ = (x − μ)·rstd, y = γ ⊙ x̂ + β, ε = 1e-5. γ, β: D (nn.LayerNorm.weight and .bias).
 * mean and rstd (N each) are kept for the backward pass.
 * Backward, with g = dY ⊙ γ:
 *   dX = rstd · (g − mean(g) − x̂ · mean(g ⊙ x̂))   (written; the two means are over the row:
 *        shifting every x by the same amount changes nothing, nor does scaling them)
 *   dγ += Σ_n dY ⊙ x̂      dβ += Σ_n dY                                                     */
#define TZ_LN_EPS 1e-5f
void layernorm_forward(float *Y, float *mean, float *rstd, const float *X, const float *gamma, const float *beta,
                       int N, int D);
void layernorm_backward(float *dX, float *dgamma, float *dbeta, const float *dY, const float *X, const float *mean,
                        const float *rstd, const float *gamma, int N, int D);

/* ---- GELU, the tanh approximation of GPT-2 ---------------------------------------------
 * gelu(x) = ½ x (1 + tanh(√(2/π) (x + 0.044715 x³))), elementwise over n values (PyTorch's
 * nn.GELU(approximate="tanh")). Smooth where ReLU has a corner; a little negative for x < 0.
 * Backward: dX = dY · gelu′(X) (written); it reads the input X, not the output.              */
void gelu_forward(float *Y, const float *X, int n);
void gelu_backward(float *dX, const float *dY, const float *X, int n);

/* ---- softmax cross-entropy -------------------------------------------------------------
 * logits: N × V, targets: N token ids, or TZ_IGNORE (−1) for a row that does not count
 * (padding, a prompt the model is not asked to predict). probs (N × V) receives the softmax of
 * every row (kept for backward and for showing the next-token distribution). Returns the mean
 * of −log p[target] over the rows that count (0 when none does).
 * Backward of that mean: dlogits = (p − onehot(target)) / count for a counted row, 0 for an
 * ignored one (written). A target outside 0..V−1 other than −1 is a caller's bug.           */
#define TZ_IGNORE (-1)
float crossentropy_forward(float *probs, const float *logits, const int32_t *targets, int N, int V);
void crossentropy_backward(float *dlogits, const float *probs, const int32_t *targets, int N, int V);

/* ---- multi-head scaled dot-product self-attention --------------------------------------
 * qkv: N × 3D, N = B·T, the output of one projection in GPT-2's layout: row n is
 * [q (D) | k (D) | v (D)], and each of q, k, v is H heads of hs = D/H side by side (head h at
 * columns h·hs … h·hs+hs−1 of its block). For each sequence b and head h, with Q, K, V the
 * T × hs slices:
 *   S = Q Kᵀ / √hs                     T × T scores: how well query t matches key j
 *   S[t][j] = −∞ for j > t (causal)     a token sees only itself and what came before
 *   P = softmax of each row of S        att, B × H × T × T, kept (backward; heatmaps)
 *   O = P V                             T × hs, written to out (N × D) at head h's columns
 * With the causal mask the probabilities above the diagonal are exactly 0, so no earlier
 * output depends on a later token.
 * Backward, with dO (N × D) and the kept P (the softmax's Jacobian needs only P):
 *   dV = Pᵀ dO     dP = dO Vᵀ     dS = P ⊙ (dP − rowsum(dP ⊙ P))
 *   dQ = dS K / √hs     dK = dSᵀ Q / √hs
 * written into dqkv (N × 3D, the same layout as qkv). The masked entries have P = 0 and so
 * dS = 0: the mask needs no special case on the way back.
 * The fast pair runs each (b, h) as cblas_sgemm products that read Q, K, V in place (leading
 * dimension 3D: no copies); scratch is T·T floats of working memory for dP (NULL: allocated
 * and freed inside). The _naive twins are plain loops, the definition written out, which the
 * tests hold the fast pair to.                                                                */
void attention_forward(float *out, float *att, const float *qkv, int B, int T, int D, int H, int causal);
void attention_backward(float *dqkv, const float *dout, const float *qkv, const float *att, int B, int T, int D,
                        int H, int causal, float *scratch);
void attention_forward_naive(float *out, float *att, const float *qkv, int B, int T, int D, int H, int causal);
void attention_backward_naive(float *dqkv, const float *dout, const float *qkv, const float *att, int B, int T,
                              int D, int H, int causal);

#endif
