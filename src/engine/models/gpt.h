/* gpt.h — a decoder-only Transformer language model, GPT-2's architecture (Radford et al. 2019),
 * built on the layers of nn/layers.h.
 *
 * Shapes: V vocabulary, C context (the longest sequence), D model width, L blocks, H heads of
 * hs = D/H each. A batch is B sequences of T ≤ C tokens; the activations are N = B·T rows,
 * sequence b's token t at row b·T + t.
 *
 *   x   = drop(wte[token] + wpe[position])            N × D   token and position embeddings
 *   for each block l = 0 … L−1 (pre-LN: normalise before, add the result back):
 *     x = x + drop(proj(attention(qkv(ln1(x)))))       the tokens talk to each other (causal)
 *     x = x + drop(fcproj(gelu(fc(ln2(x)))))           each token thinks on its own (MLP, 4D wide)
 *   logits = lnf(x) wteᵀ                               N × V   the output reuses wte (tied)
 *   loss   = mean over the rows of −log softmax(logits)[target]
 * drop is dropout (training only, GptWork.dropout; attention drops on its probabilities too);
 * without it, drop(x) = x.
 *
 * The residual stream x is a highway: every block only adds to it, so the gradient of the loss
 * reaches the first layers unchanged along it, however deep the model.
 *
 * Parameters keep GPT-2's layout (Hugging Face's names in the comments; nn.Linear keeps a
 * weight as Out × In, and we do the same, so Conv1D's In × Out weights of the checkpoints are
 * transposed by a loader, not here). A gradient has the same shape as the model, so it is a
 * Gpt too: gpt_alloc a second one and pass it to gpt_backward.
 */
#ifndef TZ_GPT_H
#define TZ_GPT_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    int V;                  /* vocabulary size (token ids 0 … V−1) */
    int C;                  /* context: the most positions wpe knows */
    int D;                  /* model width (embedding size); a multiple of H */
    int L;                  /* blocks */
    int H;                  /* attention heads per block */
} GptConfig;

/* One Transformer block ("h.<l>." in GPT-2's names). */
typedef struct {
    float *ln1_w, *ln1_b;           /* ln_1.weight, ln_1.bias              D, D          */
    float *qkv_w, *qkv_b;           /* attn.c_attn.weight, .bias           3D × D, 3D    */
    float *attproj_w, *attproj_b;   /* attn.c_proj.weight, .bias           D × D, D      */
    float *ln2_w, *ln2_b;           /* ln_2.weight, ln_2.bias              D, D          */
    float *fc_w, *fc_b;             /* mlp.c_fc.weight, .bias              4D × D, 4D    */
    float *fcproj_w, *fcproj_b;     /* mlp.c_proj.weight, .bias            D × 4D, D     */
} GptBlock;

typedef struct {
    GptConfig cfg;
    float *mem;             /* every parameter, one contiguous block of gpt_nparams floats */
    size_t n;               /* = gpt_nparams(&cfg) */
    float *wte;             /* wte.weight   V × D  token embeddings, also the output layer */
    float *wpe;             /* wpe.weight   C × D  position embeddings */
    GptBlock *h;            /* L blocks */
    float *lnf_w, *lnf_b;   /* ln_f.weight, ln_f.bias   D, D */
} Gpt;

/* The parameter count of a configuration: V·D + C·D + L·(12D² + 13D) + 2D
 * (GPT-2 small, V 50257 C 1024 D 768 L 12: 124 439 808). 0 for an invalid configuration. */
size_t gpt_nparams(const GptConfig *cfg);

/* Is the configuration usable (everything positive, D a multiple of H)? */
int gpt_config_ok(const GptConfig *cfg);

/* Allocate a model (or a gradient) of that configuration, every parameter 0.
 * Returns 0, or −1 for an invalid configuration or when out of memory (g left zeroed). */
int gpt_alloc(Gpt *g, const GptConfig *cfg);
void gpt_free(Gpt *g);             /* safe on a zeroed struct */
void gpt_zero(Gpt *g);             /* every parameter (gradient) to 0 */

/* GPT-2's initialisation, deterministic for a seed: weights and embeddings from N(0, 0.02²),
 * the two projections that write into the residual stream (attn.c_proj, mlp.c_proj) from
 * N(0, (0.02/√(2L))²) so that the stream's variance does not grow with depth, biases 0,
 * layernorm γ = 1 and β = 0. */
void gpt_init(Gpt *g, uint64_t seed);

/* The tensors one by one, in memory order (for an optimiser, a checkpoint, a report):
 * 2 + 12·L + 2 of them. Fills name (GPT-2's, e.g. "h.0.attn.c_attn.weight"), the pointer,
 * the size and the shape (rows × cols; cols = 1 for a vector). Returns the pointer, or NULL
 * when i is out of range. */
int gpt_ntensors(const GptConfig *cfg);
float *gpt_tensor(const Gpt *g, int i, char *name, size_t name_cap, size_t *n, int *rows, int *cols);

/* Activations of one forward pass over B × T tokens, kept for the backward pass (and to be
 * looked at: att holds every attention pattern, probs every next-token distribution). */
typedef struct {
    int B, T;               /* the most this work can hold */
    /* Dropout for training (GPT-2's places: after the embeddings, on the attention
     * probabilities, on each block's two projections before they are added to the stream):
     * each value is kept with probability 1 − dropout and then scaled by 1/(1 − dropout), or
     * zeroed. 0 (gpt_work_alloc's default) turns it off, as evaluation and generation need. The
     * mask is a function of drop_seed and the value's place (nn/layers.h, dropout_forward), so
     * gpt_backward sees the mask gpt_forward drew; a trainer changes drop_seed every step. */
    float dropout;
    uint64_t drop_seed;
    /* per block l (arrays of L pointers) */
    float **res;            /* res[l]: the stream entering block l, N × D; res[L] leaves the last */
    float **ln1, **ln1_mean, **ln1_rstd;  /* N × D, N, N */
    float **qkv;            /* N × 3D */
    float **att;            /* B × H × T × T attention probabilities (before dropout) */
    float **atty;           /* N × D   attention output before the projection */
    float **mid;            /* N × D   the stream after the attention half: res[l] + proj(atty) */
    float **ln2, **ln2_mean, **ln2_rstd;
    float **fc;             /* N × 4D  before GELU */
    float **fcg;            /* N × 4D  after GELU */
    /* the head */
    float *lnf, *lnf_mean, *lnf_rstd;     /* N × D, N, N */
    float *logits, *probs;  /* N × V each */
    /* backward scratch: gradients of the stream above and below the block being undone (they
     * swap after each block), of mid, of the two branch outputs after dropout's mask (with
     * dropout only), of the two layernorms' outputs, of the attention output, qkv and fc */
    float *dres, *dres2, *dmid, *dbr_mlp, *dbr_att, *dln2, *dln1, *datty;   /* N × D each */
    float *dqkv;            /* N × 3D */
    float *dfc;             /* N × 4D */
    float *dlogits;         /* N × V */
    float *scratch;         /* GPT_THREADS × ATTN_SCRATCH(T): each thread's attention scratch */
    float *mem;             /* everything above lives here */
} GptWork;

/* The most threads a pass uses (the engine's team, nn/recurrent.h's cell_set_threads, sets how
 * many it has; it never runs more than 8). */
#define GPT_THREADS 8

/* Room for B sequences of up to T ≤ cfg->C tokens. 0, or −1 (bad sizes, out of memory). */
int gpt_work_alloc(GptWork *w, const GptConfig *cfg, int B, int T);
void gpt_work_free(GptWork *w);     /* safe on a zeroed struct */

/* Threads. A pass over enough tokens runs on the engine's team of threads (the one the recurrent
 * cells use, nn/recurrent.h: cell_set_threads sets its size), OpenBLAS one thread per call
 * inside it (one pool, not two fighting over the cores). The work is split so that every value
 * has one writer: the row-by-row layers by rows, attention by (sequence, head), the parameter
 * gradients by their rows. The numbers are the same from run to run for a given number of
 * threads (different counts differ at most by float rounding inside OpenBLAS and in the order
 * the loss's partial sums are added).
 *
 * The forward pass over tokens (B × T ids in 0 … V−1, row-major; T ≤ w->T, B ≤ w->B). Fills
 * w->logits (and the activations). With targets (B × T ids, TZ_IGNORE for a position that does
 * not count) it also fills w->probs and returns the mean cross-entropy; without (NULL) it
 * returns 0 and only the logits are meaningful. */
double gpt_forward(const Gpt *g, GptWork *w, const int32_t *tokens, const int32_t *targets, int B, int T);

/* The exact gradient of that mean cross-entropy, after gpt_forward with the same tokens,
 * targets (not NULL), B and T. Every parameter's gradient is ADDED into grad (a Gpt of the
 * same configuration): zeroing it once per step is the caller's (the optimiser's) business,
 * as in nn/layers.h. wte collects both of its uses: the rows of the tokens that were read,
 * and the whole matrix from the tied output layer. */
void gpt_backward(const Gpt *g, Gpt *grad, GptWork *w, const int32_t *tokens, const int32_t *targets, int B,
                  int T);

#endif
