/* bert.h — an encoder-only Transformer, BERT's architecture (Devlin et al. 2019), with its two
 * pre-training heads (masked language modelling and next-sentence prediction), built on the
 * layers of nn/layers.h.
 *
 * Shapes: V vocabulary, C context (the most positions), D model width, L layers, H heads of
 * hs = D/H each, F the feed-forward width (4D in bert-base), `types` segment types (2: sentence
 * A and sentence B). A batch is B sequences of T ≤ C tokens; the activations are N = B·T rows,
 * sequence b's token t at row b·T + t.
 *
 *   x = drop(LN(word[token] + position[t] + type[segment]))        N × D   (LN's ε is 1e-12)
 *   for each layer l = 0 … L−1 (POST-LN: add the branch, then normalise — GPT-2 normalises first):
 *     x = LN(x + drop(dense(attention(query, key, value of x))))   every token sees every token
 *     x = LN(x + drop(output(gelu(intermediate(x)))))              each token thinks on its own
 *   pooled = tanh(pooler(x[CLS]))                                   B × D   row t = 0 of each sequence
 *   nsp    = pooled Wᵀ + b                                          B × 2   "is B the sentence after A?"
 *   mlm    = LN(gelu(transform(x))) wordᵀ + bias                    N × V   word is tied (reused)
 *   loss   = mean CE of mlm over the masked positions + mean CE of nsp over the sequences
 * gelu here is the exact one, ½x(1 + erf(x/√2)), BERT's (GPT-2 uses the tanh approximation).
 *
 * Attention is bidirectional: no causal mask. The only mask is for padding: a batch holds
 * sequences of different lengths filled up with [PAD] to T, and `valid` (N bytes, 0 = padding)
 * says which rows are real. A padded KEY gets probability exactly 0 from every query, so the
 * real tokens never see the padding and their numbers do not depend on what is in it (the
 * padded rows themselves are still computed; their outputs mean nothing and their targets
 * must be TZ_IGNORE).
 *
 * Parameters keep Hugging Face's BertForPreTraining names ("bert.encoder.layer.0.attention.
 * self.query.weight" …) and nn.Linear's Out × In layout, so bert-base's model.safetensors maps
 * onto them one to one (the decoder's weight, cls.predictions.decoder.weight, IS
 * bert.embeddings.word_embeddings.weight: tied, not stored twice). One difference in ORDER, not
 * in names or shapes: in each layer the query, key and value weights are stored one after the
 * other, then their three biases, so that the three D × D weights form one 3D × D matrix and one
 * product computes q, k and v together in the [q | k | v] row layout of nn/layers.h's attention.
 * A gradient has the same shape as the model, so it is a Bert too.
 *
 * Threads: the passes split their work between the engine's one team of threads (nn/recurrent.h's
 * cell_team_run, OpenBLAS single-threaded inside it) when BertWork.threads asks for more than one:
 * rows of the activations, attention's (sequence, head) pairs, and each parameter gradient's rows
 * (every one of them summed over all the tokens by one thread). Repeatable for a given count of
 * threads; another count agrees to float rounding.
 */
#ifndef TZ_BERT_H
#define TZ_BERT_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    int V;                  /* vocabulary size (token ids 0 … V−1) */
    int C;                  /* context: the most positions position_embeddings knows */
    int D;                  /* model width (hidden_size); a multiple of H */
    int L;                  /* layers (num_hidden_layers) */
    int H;                  /* attention heads per layer */
    int F;                  /* feed-forward width (intermediate_size; 4D in bert-base) */
    int types;              /* segment types (type_vocab_size; 2) */
} BertConfig;

/* BERT's layernorm ε (layer_norm_eps): nn/layers.h's layernorm uses GPT-2's 1e-5. */
#define BERT_LN_EPS 1e-12f

/* One encoder layer ("bert.encoder.layer.<l>." in Hugging Face's names). */
typedef struct {
    float *qkv_w;           /* attention.self.{query,key,value}.weight   3 × (D × D) in a row = 3D × D */
    float *qkv_b;           /* attention.self.{query,key,value}.bias     3 × D in a row = 3D */
    float *ao_w, *ao_b;     /* attention.output.dense.weight, .bias      D × D, D */
    float *ln1_w, *ln1_b;   /* attention.output.LayerNorm.weight, .bias  D, D */
    float *fi_w, *fi_b;     /* intermediate.dense.weight, .bias          F × D, F */
    float *fo_w, *fo_b;     /* output.dense.weight, .bias                D × F, D */
    float *ln2_w, *ln2_b;   /* output.LayerNorm.weight, .bias            D, D */
} BertLayer;

typedef struct {
    BertConfig cfg;
    float *mem;             /* every parameter, one contiguous block of bert_nparams floats */
    size_t n;
    /* bert.embeddings. */
    float *word;            /* word_embeddings.weight        V × D   (also the MLM decoder) */
    float *pos;             /* position_embeddings.weight    C × D */
    float *type;            /* token_type_embeddings.weight  types × D */
    float *eln_w, *eln_b;   /* LayerNorm.weight, .bias       D, D */
    BertLayer *layer;       /* L layers */
    float *pool_w, *pool_b; /* bert.pooler.dense.weight, .bias                 D × D, D */
    float *mlm_bias;        /* cls.predictions.bias                             V */
    float *tr_w, *tr_b;     /* cls.predictions.transform.dense.weight, .bias    D × D, D */
    float *trln_w, *trln_b; /* cls.predictions.transform.LayerNorm.weight, .bias D, D */
    float *nsp_w, *nsp_b;   /* cls.seq_relationship.weight, .bias               2 × D, 2 */
} Bert;

/* V·D + C·D + types·D + 2D + L·(4D² + 2DF + 9D + F) + (D² + D) + V + (D² + 3D) + (2D + 2)
 * (bert-base-uncased, V 30522 C 512 D 768 L 12 H 12 F 3072 types 2: 110 106 428).
 * 0 for an invalid configuration. */
size_t bert_nparams(const BertConfig *cfg);
int bert_config_ok(const BertConfig *cfg);   /* everything positive, D a multiple of H */

/* A model (or gradient) of that configuration, every parameter 0: 0, or −1 (invalid
 * configuration, out of memory; b left zeroed). */
int bert_alloc(Bert *b, const BertConfig *cfg);
void bert_free(Bert *b);            /* safe on a zeroed struct */
void bert_zero(Bert *b);

/* BERT's initialisation, deterministic for a seed: weights and embeddings N(0, 0.02²), biases 0
 * (cls.predictions.bias too), layernorm γ = 1, β = 0. */
void bert_init(Bert *b, uint64_t seed);

/* The tensors in memory order: 5 + 16·L + 9 of them, under Hugging Face's names (e.g.
 * "bert.encoder.layer.0.attention.self.key.weight"). Fills the name, the count, the shape (rows ×
 * cols; cols = 1 for a vector). NULL when i is out of range. */
int bert_ntensors(const BertConfig *cfg);
float *bert_tensor(const Bert *b, int i, char *name, size_t name_cap, size_t *n, int *rows, int *cols);

/* Activations of one pass over up to B × T tokens, kept for the backward pass and to be looked
 * at (att: every attention pattern; logits, probs: what the model guesses for each position). */
typedef struct {
    int B, T;               /* the most this work holds */
    /* Dropout for training (BERT's places: after the embeddings' layernorm, on the attention
     * probabilities, on each layer's two branches before they are added back): 0 (the default)
     * turns it off. The masks are functions of drop_seed and the place (nn/layers.h's
     * dropout_forward); change drop_seed every step. */
    float dropout;
    uint64_t drop_seed;
    /* Threads for the passes (the engine's one team, nn/recurrent.h's cell_team_run): 1 (what
     * bert_work_alloc sets) runs everything on the calling thread (its products with OpenBLAS's
     * own thread setting); N > 1 at most N, OpenBLAS single-threaded inside them; 0 as many as
     * cell_set_threads allows. A small batch (B·T·D < 16384: a sentence in the REPL, the tests)
     * stays on the caller. The numbers are repeatable for a given count and agree between counts
     * up to float rounding (the loss is summed in other pieces). */
    int threads;
    /* results of the last bert_forward */
    float mlm_loss;         /* mean CE over the masked positions (0 without targets or none counted) */
    float nsp_loss;         /* mean CE over the sequences (0 without labels) */
    int mlm_count;          /* masked positions that counted */
    /* the embeddings */
    float *emb, *emb_mean, *emb_rstd;   /* N × D: word + position + type, before the LN; N, N */
    /* per layer l (arrays of L pointers; res has L + 1) */
    float **res;            /* res[0]: the embeddings' output; res[l+1]: layer l's output, N × D */
    float **qkv;            /* N × 3D */
    float **att;            /* B × H × T × T attention probabilities (before dropout); padded keys 0 */
    float **atty;           /* N × D   attention output before attention.output.dense */
    float **s1, **s1_mean, **s1_rstd;   /* N × D: res[l] + drop(dense(atty)), the first LN's input */
    float **h1;             /* N × D   the first LN's output */
    float **fi, **fig;      /* N × F   intermediate, before and after GELU */
    float **s2, **s2_mean, **s2_rstd;   /* N × D: h1 + drop(output(fig)), the second LN's input */
    /* the heads */
    float *pool;            /* B × D   tanh(pooler(x[CLS])) */
    float *nsp_logits, *nsp_probs;      /* B × 2 */
    /* The MLM head runs on M ≤ N rows only (see bert_forward): mlm_rows[i] is the row (b·T + t)
     * of the head's i-th row, mlm_tgt[i] its target, mlm_x its input (the top layer's row). */
    int skip_mlm;           /* set to 1 to skip the MLM head when there are no targets (fine-tuning) */
    int mlm_n;              /* M: the rows the head ran on in the last pass */
    int32_t *mlm_rows, *mlm_tgt;        /* M (room for N) */
    float *mlm_x;           /* M × D */
    float *tr, *trg, *tr_mean, *tr_rstd, *trl;   /* M × D transform, after GELU, M, M, after LN */
    float *logits, *probs;  /* M × V: row i is position mlm_rows[i] */
    /* backward scratch */
    float *dres, *dres2, *ds, *dh, *dbr, *datty, *dtr;   /* N × D each */
    float *dqkv;            /* N × 3D */
    float *dfi;             /* N × F */
    float *dlogits;         /* N × V */
    float *dpool, *dnsp;    /* B × D, B × 2 */
    float *scratch;         /* BERT_THREADS × BERT_ATTN_SCRATCH(T): each thread's attention scratch */
    float *mem;
} BertWork;

/* The most threads a pass uses (the team's most). */
#define BERT_THREADS 8

int bert_work_alloc(BertWork *w, const BertConfig *cfg, int B, int T);   /* 0, or −1; threads = 1 */
void bert_work_free(BertWork *w);   /* safe on a zeroed struct */

/* The forward pass over B × T tokens (ids in 0 … V−1, row-major; T ≤ w->T, B ≤ w->B; checking
 * the ids is the caller's business). types: B × T segment ids in 0 … types−1, NULL = all 0.
 * valid: B × T, 0 for a [PAD] position, NULL = every position real. mlm_targets: B × T, the
 * original token at a masked position and TZ_IGNORE elsewhere (NULL: no MLM loss); nsp_labels:
 * B, 0 = "B follows A", 1 = "B is a random sentence" (Hugging Face's convention), TZ_IGNORE =
 * not counted (NULL: no NSP loss). Fills the activations, w->nsp_logits (B × 2), w->att, and
 * the MLM head's w->logits for M rows: with mlm_targets the positions that have a target (in row
 * order; a fill-mask query gives its [MASK] positions any valid target to be shown just those),
 * without them every row (M = N, row i = position i), or none when w->skip_mlm is set. With
 * targets also w->probs / w->nsp_probs and the losses. Returns mlm_loss + nsp_loss (each 0 when
 * its targets are NULL). */
double bert_forward(const Bert *b, BertWork *w, const int32_t *tokens, const int32_t *types, const uint8_t *valid,
                    const int32_t *mlm_targets, const int32_t *nsp_labels, int B, int T);

/* The exact gradient of that returned loss, after bert_forward with the same arguments,
 * ADDED into grad (a Bert of the same configuration). word_embeddings collects its two uses:
 * the rows read by the embeddings and the whole matrix from the tied MLM decoder. */
void bert_backward(const Bert *b, Bert *grad, BertWork *w, const int32_t *tokens, const int32_t *types,
                   const uint8_t *valid, const int32_t *mlm_targets, const int32_t *nsp_labels, int B, int T);

/* Fine-tuning's backward: the gradient dpool (B × D) of some loss with respect to w->pool (the
 * tanh-pooled [CLS] rows, e.g. from a classifier put on them), after bert_forward with the same
 * tokens; back through the pooler, every layer and the embeddings, ADDED into grad (the MLM and
 * NSP heads get nothing). */
void bert_backward_pooled(const Bert *b, Bert *grad, BertWork *w, const int32_t *tokens, const int32_t *types,
                          const float *dpool, int B, int T);

/* ---- the pieces BERT adds to nn/layers.h (exposed for the tests) ------------------------- */

/* Exact GELU: y = x·Φ(x) = ½x(1 + erf(x/√2)); y′ = Φ(x) + x·φ(x), φ the standard normal
 * density. Backward writes dX = dY·y′(X) (dX may be dY). */
void bert_gelu_forward(float *Y, const float *X, int n);
void bert_gelu_backward(float *dX, const float *dY, const float *X, int n);

/* layernorm_forward of nn/layers.h with a given ε (its backward does not depend on ε: it reads
 * the kept rstd, so layernorm_backward serves). */
void bert_layernorm_forward(float *Y, float *mean, float *rstd, const float *X, const float *gamma,
                            const float *beta, int N, int D, float eps);

/* Bidirectional multi-head attention with a key padding mask, qkv in nn/layers.h's layout
 * (N × 3D, rows [q | k | v], heads side by side). For each (b, h): S = QKᵀ/√hs; the keys j with
 * valid[b·T + j] = 0 are left out of the softmax (probability exactly 0; a row with no valid key
 * at all gets all zeros); att = P; with dropout p > 0 the values see P ⊙ m/(1−p) with
 * dropout_forward's mask (key, offset = the entry's index in att); out = P V at head h's columns.
 * Backward (dqkv written): dV = Pᵀ dO, dP = dO Vᵀ (through the mask), dS = P ⊙ (dP − rowsum(dP ⊙ P)),
 * dQ = dS K/√hs, dK = dSᵀ Q/√hs — padded keys have P = 0, so dS = 0 there too.
 * scratch: BERT_ATTN_SCRATCH(T) floats (NULL: allocated inside). The _naive twins are the
 * definition in plain loops, which the tests hold the fast (BLAS) pair to. */
#define BERT_ATTN_SCRATCH(T) (2 * (size_t)(T) * (size_t)(T))
void bert_attention_forward(float *out, float *att, const float *qkv, const uint8_t *valid, int B, int T, int D,
                            int H, float dropout, uint64_t key, float *scratch);
void bert_attention_backward(float *dqkv, const float *dout, const float *qkv, const float *att, int B, int T, int D,
                             int H, float dropout, uint64_t key, float *scratch);
void bert_attention_forward_naive(float *out, float *att, const float *qkv, const uint8_t *valid, int B, int T,
                                  int D, int H, float dropout, uint64_t key);
void bert_attention_backward_naive(float *dqkv, const float *dout, const float *qkv, const float *att, int B, int T,
                                   int D, int H, float dropout, uint64_t key);

/* ---- masking for pre-training --------------------------------------------------------------
 * BERT's masked language modelling: each eligible position (valid, or valid NULL, and not a
 * special token: special[id] ≠ 0, e.g. [CLS] [SEP] [PAD] [MASK]; special may be NULL) is chosen
 * with probability `prob` (0.15), independently. A chosen position's target becomes its token
 * and the token is replaced: with probability 0.8 by mask_id, 0.1 by a random non-special token
 * (uniform over them; it may happen to be the same token), 0.1 left as it is — the model cannot
 * tell which positions it will be asked about, and must keep a good representation of every
 * token, not only of [MASK]. Every other target is TZ_IGNORE. tokens is changed in place,
 * targets (n) written. rng: the caller's generator state (the project's LCG), advanced —
 * deterministic for a seed. Returns the number of chosen positions. */
int bert_mask_tokens(int32_t *tokens, int32_t *targets, const uint8_t *valid, int n, int V, int32_t mask_id,
                     const uint8_t *special, float prob, uint64_t *rng);

#endif
