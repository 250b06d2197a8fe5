/* recurrent.h — the recurrent cells of the chapter: Elman RNN, LSTM and GRU, each run over a
 * whole sequence for a batch (forward), then back through time (backward, full BPTT).
 *
 * Shapes: T time steps, B sequences in the batch, I inputs, H hidden units, G gate blocks
 * (RNN 1, LSTM 4, GRU 3). Sequences are time-major: x is T × B × I (x[t][b][i]).
 * Weights follow PyTorch's nn.RNN / nn.LSTM / nn.GRU exactly (so its numbers can be checked
 * against ours): W is (G·H) × I, U is (G·H) × H, two biases b (input side) and bu
 * (recurrent side), gate blocks in PyTorch's order:
 *
 *   RNN   a_t = W x_t + b + U h_{t−1} + bu                      h_t = tanh(a_t)
 *   LSTM  [i f g o] = W x_t + b + U h_{t−1} + bu  (4 blocks of H)
 *         i = σ(·)  f = σ(·)  g = tanh(·)  o = σ(·)
 *         c_t = f ⊙ c_{t−1} + i ⊙ g                            h_t = o ⊙ tanh(c_t)
 *   GRU   [r z n]: r = σ(W_r x + b_r + U_r h + bu_r)   z = σ(W_z x + b_z + U_z h + bu_z)
 *         n = tanh(W_n x + b_n + r ⊙ (U_n h + bu_n))
 *         h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
 *
 * (Two biases where one would do for RNN and LSTM: PyTorch keeps both, and the GRU needs bu_n
 * apart because r multiplies it. The forget-gate bias is where an LSTM starts remembering:
 * cell_init sets b_f = 1.)
 */
#ifndef TZ_RECURRENT_H
#define TZ_RECURRENT_H

#include <stddef.h>
#include <stdint.h>

typedef enum { TZ_CELL_RNN = 0, TZ_CELL_LSTM = 1, TZ_CELL_GRU = 2 } CellKind;

typedef struct {
    CellKind kind;
    int In, H, G;       /* inputs (I), hidden units, gate blocks (not `I`: complex.h, which
                           cblas.h includes, defines I as the imaginary unit) */
    float *W;           /* G·H × I */
    float *U;           /* G·H × H */
    float *b;           /* G·H */
    float *bu;          /* G·H */
} Cell;

/* "rnn", "lstm", "gru"; and the number of gate blocks G: 1, 4, 3. */
const char *cell_kind_name(CellKind k);
int cell_gates(CellKind k);

/* Allocate a cell (weights zero). cell_init fills them uniform in ±1/√H from seed (PyTorch's
 * rule) and sets the LSTM forget bias b_f to 1. */
void cell_alloc(Cell *c, CellKind kind, int I, int H);
/* n floats uniform in [−a, a) from the 64-bit LCG state *r (advanced): the initialiser the
 * cells and the language model share, so a seed means the same numbers everywhere. */
void nn_fill_uniform(float *p, size_t n, float a, uint64_t *r);
void cell_init(Cell *c, uint64_t seed);
void cell_zero(Cell *c);                 /* all weights (and so all gradients) to 0 */
void cell_free(Cell *c);                 /* safe on a zeroed struct */
size_t cell_nparams(const Cell *c);

/* L stacked cells as every model here builds them: the first reads E inputs, the others the H
 * outputs of the one below; layer l's weights come from seed + 1000·(l + 1). */
void cell_stack_init(Cell *cells, CellKind kind, int E, int H, int L, uint64_t seed);
/* Every LSTM layer's forget-gate bias to fbias (b_f; bu_f to 0, so b_f alone says where the gate
 * starts: σ(fbias) of the cell is kept per step at first). Other kinds are left as they are. */
void cell_stack_set_fbias(Cell *cells, int L, float fbias);
/* Hand each layer's four tensors (W, U, b, bu) and their gradients in grads to an optimiser. */
struct Optim;
void cell_stack_add_params(struct Optim *o, Cell *cells, Cell *grads, int L);

/* What the forward pass keeps for the backward pass (and for `step`: the gates to show). */
typedef struct {
    int T, B, H, G, kind;
    float *h;           /* (T+1) × B × H: h[0] = h0, h[t] the output at step t */
    float *c;           /* LSTM: (T+1) × B × H cell states (c[0] = c0); else NULL */
    float *gate;        /* T × B × G·H gate values after their non-linearity (LSTM i f g o,
                           GRU r z n, RNN h itself) */
    float *un;          /* GRU: T × B × H  U_n h_{t−1} + bu_n (before r multiplies it) */
    size_t cap;         /* capacity the buffers were allocated for (in T·B) */
    float *scratch;     /* the passes' working memory, kept between calls so that a steady training
                           loop and generation (T = 1, token after token) allocate nothing per step:
                           forward's summed bias and table projection (or looked-up rows), backward's
                           dX, dR (T·B × G·H each), S, the bias sums… Grown as needed, never shrunk;
                           nothing in it outlives the call that wrote it */
    size_t scratch_cap; /* its size in floats */
} CellCache;

void cell_cache_free(CellCache *k);      /* safe on a zeroed struct */

/* Run the cell over x (T × B × I) from h0 (B × H; NULL = zeros) and, for an LSTM, c0 (NULL =
 * zeros). The cache grows as needed. The outputs are k->h + B·H (T × B × H). */
void cell_forward(const Cell *c, const float *x, int T, int B, const float *h0, const float *c0, CellCache *k);

/* Back through time. dh: T × B × H, the loss gradient w.r.t. each output h_t (not counting
 * what flows back from later steps — that is added here); dhT/dcT: extra gradient on the last
 * h and c (NULL = none). Adds the weight gradients into g (a cell of the same shape); writes
 * dx (T × B × I, may be NULL), dh0 and dc0 (B × H each, may be NULL). k is what the forward
 * pass kept; it is not const because the backward pass works in its scratch (the states and
 * gates in it stay as they were). */
void cell_backward(const Cell *c, const float *x, CellCache *k, const float *dh, const float *dhT,
                   const float *dcT, Cell *g, float *dx, float *dh0, float *dc0);
/* The same, also writing the whole ∂L/∂h_t of every step (T × B × H: what came from the loss at
 * t plus what flowed back from later steps) into dh_total when it is not NULL — the quantity
 * whose norm against t shows the vanishing gradient (`gradflow`). Here g may be NULL: no weight
 * gradients are computed (their products over the whole sequence are skipped), and then x is
 * not read and may be NULL too. */
void cell_backward_ex(const Cell *c, const float *x, CellCache *k, const float *dh, const float *dhT,
                      const float *dcT, Cell *g, float *dx, float *dh0, float *dc0, float *dh_total);

/* A first layer whose input is an embedding lookup: x_t[b] = emb[ids[t·B + b]] (emb is V × I).
 * The same numbers as cell_forward / cell_backward on the looked-up rows (up to the order of
 * float sums); what changes is the cost. When the table is smaller than the batch (V < T·B, a
 * character model) the input side is projected once per table row (emb Wᵀ, V × G·H) and looked
 * up, and backward first sums the gradients of the positions by token (S, V × G·H), then
 * dW += Sᵀ emb and demb += S W: two products of V rows instead of T·B. demb (V × I, may be
 * NULL) receives the embedding's gradient, added. */
void cell_forward_ids(const Cell *c, const float *emb, int V, const int32_t *ids, int T, int B, const float *h0,
                      const float *c0, CellCache *k);
void cell_backward_ids(const Cell *c, const float *emb, int V, const int32_t *ids, CellCache *k, const float *dh,
                       const float *dhT, const float *dcT, Cell *g, float *demb, float *dh0, float *dc0);

/* Threads: a pass over a batch big enough to pay for it (B ≥ 4, a step's product ≥ 2¹⁹
 * multiply-adds) splits the hidden units between a team of threads; generation (B = 1) and
 * small cells run on the caller. At most n threads (0, the default: one per core, at most 8;
 * 1: never more than the caller). The numbers do not depend on it beyond float rounding. */
void cell_set_threads(int n);
/* The same team for a model's own parallel loops around the cells (the language model's output
 * layer), so that one pool does all the work: fn(arg, t, n) for t = 0..n−1 on n threads, n at
 * most want (0: as many as cell_set_threads allows), n = 1 on the caller when the team is busy.
 * OpenBLAS runs single-threaded meanwhile. */
void cell_team_run(void (*fn)(void *arg, int t, int n), void *arg, int want);

#endif
