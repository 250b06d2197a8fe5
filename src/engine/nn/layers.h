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
 * None of them allocates except attention_* when dropout is on and they are given no scratch.
 *
 * Threads. The layers run on the calling thread; a model that wants several splits the work and
 * calls them on its parts. Most are row by row, so a part is a range of rows (pointers moved to
 * row r0, N = r1 − r0). The sums over rows (a weight's or a bias's gradient, layernorm's γ and β)
 * come as separate _params functions that take a range of OUTPUT rows or columns instead, and
 * attention takes a range of (sequence, head) pairs: every value then has exactly one writer and
 * the result does not depend on how the work was split.
 */
#ifndef TZ_LAYERS_H
#define TZ_LAYERS_H

#include <stddef.h>
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
/* linear_backward in two pieces for threads: dX for some rows (N of them, pointers at the first),
 * and the parameter gradients' rows o0 … o1−1 (dW's rows, db's entries) over all N rows. */
void linear_backward_dx(float *dX, const float *dY, const float *W, int N, int In, int Out);
void linear_backward_params(float *dW, float *db, const float *dY, const float *X, int N, int In, int Out, int o0,
                            int o1);

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
/* The same in two pieces: dX for some rows, and dγ, dβ for the columns d0 … d1−1 over all N rows. */
void layernorm_backward_dx(float *dX, const float *dY, const float *X, const float *mean, const float *rstd,
                           const float *gamma, int N, int D);
void layernorm_backward_params(float *dgamma, float *dbeta, const float *dY, const float *X, const float *mean,
                               const float *rstd, int N, int D, int d0, int d1);

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
/* For a part of a batch: the SUM of −log p[target] over these N rows (count receives how many
 * counted), and the backward of a mean taken over `count` rows of the whole batch. */
double crossentropy_forward_sum(float *probs, const float *logits, const int32_t *targets, int N, int V, int *count);
void crossentropy_backward_of(float *dlogits, const float *probs, const int32_t *targets, int N, int V, int count);

/* ---- token and position embeddings ----------------------------------------------------
 * X[b·T + t] = wte[tokens[b·T + t]] + wpe[t]        X: N × D (N = B·T), wte: V × D, wpe: ≥ T × D
 * What a token is, plus where it stands: attention itself is blind to order (without wpe, "a b"
 * and "b a" would look the same to it). wpe may be NULL (no learnt positions). The ids must be
 * in 0 … V−1: checking them is the caller's business (it knows V and what to say).
 * Backward, with dX (N × D): the lookup is a sum, so each row of dX goes to both rows it came
 * from — dwte[tokens[n]] += dX[n] (a token that appears several times collects all of its
 * rows; a token that does not appear gets nothing) and dwpe[t] += Σ_b dX[b·T + t] (added; dwpe
 * may be NULL).                                                                              */
void embedding_forward(float *X, const int32_t *tokens, const float *wte, const float *wpe, int B, int T, int D);
void embedding_backward(float *dwte, float *dwpe, const float *dX, const int32_t *tokens, int B, int T, int D);

/* ---- dropout (inverted) ---------------------------------------------------------------------
 * Training only: each value is kept with probability 1 − p and then multiplied by 1/(1 − p), or
 * set to 0. The scaling keeps every value's expectation where it was, so evaluation (no dropout)
 * needs no correction. Y = X ⊙ m / (1 − p), m ∈ {0, 1}; backward dX = dY ⊙ m / (1 − p) — the
 * same mask, so backward must know which values were dropped.
 * The mask is not stored: m for value i is a hash of (key, offset + i) — a counter-based
 * generator: each value's coin depends only on the key and the value's place, not on anything
 * drawn before it. So backward recomputes exactly the mask forward used (no N-byte mask to keep
 * per layer), a part handled by another thread gets the same coins as in a single pass (offset
 * = where the part starts), and a new key per step (dropout_key(seed, site): one per place in
 * the model, the seed changed every step) gives new masks. The hash is SplitMix64's finaliser
 * (Steele et al. 2014), whose output bits pass the usual statistical tests for consecutive
 * inputs; its top 32 bits against ⌊p·2³²⌋ decide, so p is honoured to 2⁻³².
 * Y may be X (in place). p = 0 copies; p must be < 1.
 * dropout_forward_naive is the definition written out (a branch per value, dropout_keep), the
 * twin the fast loop is held to bit for bit.                                                  */
uint64_t dropout_key(uint64_t seed, uint64_t site);
int dropout_keep(uint64_t key, uint64_t i, float p);      /* 1 if value i is kept */
void dropout_forward(float *Y, const float *X, size_t n, float p, uint64_t key, uint64_t offset);
void dropout_backward(float *dX, const float *dY, size_t n, float p, uint64_t key, uint64_t offset);
void dropout_forward_naive(float *Y, const float *X, size_t n, float p, uint64_t key, uint64_t offset);

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
 * dimension 3D: no copies), ATTN_ROWS query rows at a time: with the mask, rows t0 … t1−1 need
 * only the keys 0 … t1−1, so the blocks above the diagonal, which would be thrown away, are never
 * computed (for T = 128 and blocks of 64 rows, 75 % of the full products; blocks of 32 would do
 * 62.5 %, but OpenBLAS runs such small products less efficiently: measured slower). scratch is
 * working memory: ATTN_SCRATCH(T) floats, of which backward without dropout uses the first
 * min(T, ATTN_ROWS)·T (≤ T·T); NULL: allocated and freed inside. The _naive twins are plain
 * loops, the definition written out, which the tests hold the fast pair to.
 * The _ex pair adds, for training and threads:
 *   dropout on the probabilities (GPT-2's attn_dropout): O = (P ⊙ m / (1 − p)) V, the mask of
 *     dropout_forward with that key and offset = the index of P's entry in att (b, h, t, j), so
 *     that backward redraws it; att keeps P itself (what the token attends to), not the dropped
 *     copy; dP picks up the same mask on the way back, before the softmax's Jacobian;
 *   bh0 … bh1−1: only those (b, h) pairs (b·H + h) are computed — a thread's share.            */
#define ATTN_ROWS 64
#define ATTN_SCRATCH(T) (2 * (size_t)((T) < ATTN_ROWS ? (T) : ATTN_ROWS) * (size_t)(T))
typedef struct {
    int causal;
    float dropout;          /* 0: none */
    uint64_t key;           /* dropout_key(seed, site) */
    int bh0, bh1;           /* the pairs to compute; bh1 = 0: all B·H */
    float *scratch;         /* ATTN_SCRATCH(T) floats, or NULL */
} AttnEx;
void attention_forward(float *out, float *att, const float *qkv, int B, int T, int D, int H, int causal);
void attention_backward(float *dqkv, const float *dout, const float *qkv, const float *att, int B, int T, int D,
                        int H, int causal, float *scratch);
void attention_forward_ex(float *out, float *att, const float *qkv, int B, int T, int D, int H, const AttnEx *ex);
void attention_backward_ex(float *dqkv, const float *dout, const float *qkv, const float *att, int B, int T, int D,
                           int H, const AttnEx *ex);
void attention_forward_naive(float *out, float *att, const float *qkv, int B, int T, int D, int H, int causal);
void attention_backward_naive(float *dqkv, const float *dout, const float *qkv, const float *att, int B, int T,
                              int D, int H, int causal);

/* A pass's work area as the encoder/decoder models keep it (models/bert.c, llama.c): n arrays of
 * per_list layer pointers (lists[i] is the address of the struct's field, e.g. &w->res; L + 1
 * entries when the residual stream has one more than the layers) and one 64-byte-aligned block of
 * `floats` floats in *mem that the model then cuts into its activations. 0, or −1 (out of memory)
 * with nothing left allocated. work_lists_free frees both (safe on what failed or was never set). */
int work_lists_alloc(float ***const lists[], size_t n, int per_list, float **mem, size_t floats);
void work_lists_free(float ***const lists[], size_t n, float **mem);

#endif
