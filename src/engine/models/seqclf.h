/* seqclf.h — a recurrent sequence classifier: embedding → L stacked cells (RNN, LSTM or GRU)
 * → the top layer's hidden state after each sequence's last token → a softmax over K classes.
 * The chapter's "many-to-one" recurrent network: sentiment of a sentence, whether a DNA
 * sequence holds a motif, which symbol came first (the memory-distance task).
 *
 * Shapes (T steps, B sequences, V tokens, E embedding, H hidden units, L layers, K classes):
 *     tokens   T × B      time-major ids; sequence b is tokens[0..len[b]) of its column, the
 *                         rest is padding (any valid id)
 *     h^l      T × B × H  layer l's outputs
 *     logits   B × K      h^L at step len[b] − 1 of sequence b, · Woᵀ + bo
 *     loss     mean over b of −log softmax(logits_b)[label_b]
 * Right padding is exact, not an approximation: a recurrent network is causal, so the steps
 * after a sequence's end never reach its state at the end, and they get no gradient.
 */
#ifndef TZ_SEQCLF_H
#define TZ_SEQCLF_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"
#include "core/job.h"
#include "core/vocab.h"
#include "nn/optim.h"
#include "nn/recurrent.h"

#define SEQCLF_MAX_LAYERS 4            /* = RNNLM_MAX_LAYERS: the two share their parts */

typedef struct {
    CellKind kind;
    int V, E, H, L, K;
    float *emb;                     /* V × E */
    float *Wo;                      /* K × H */
    float *bo;                      /* K */
    Cell cell[SEQCLF_MAX_LAYERS];
} SeqClf;

/* Gradients (same shapes) and the forward pass's memory. */
typedef struct {
    float *emb, *Wo, *bo;
    Cell cell[SEQCLF_MAX_LAYERS];
    CellCache cache[SEQCLF_MAX_LAYERS];
    float *dh, *dx, *probs;         /* scratch, grown as needed */
    size_t cap;
} SeqClfWork;

/* The same initialisation rule as the language model (cells ±1/√H, LSTM forget bias 1). */
void seqclf_init(SeqClf *m, CellKind kind, int V, int E, int H, int L, int K, uint64_t seed);
void seqclf_free(SeqClf *m);                        /* safe on a zeroed struct */
size_t seqclf_nparams(const SeqClf *m);
/* Bytes training would take (parameters, gradients, Adam's moments, the last good copy, the
 * validation's work space, and the activations of a T × B batch): the REPL refuses a config
 * that cannot fit, before allocating. */
size_t seqclf_mem_estimate(CellKind kind, size_t V, size_t E, size_t H, size_t L, size_t K, size_t T, size_t B);
void seqclf_work_init(SeqClfWork *w, const SeqClf *m);
void seqclf_work_free(SeqClfWork *w);               /* safe on a zeroed struct */
void seqclf_zero_grad(SeqClfWork *w, const SeqClf *m);
/* Hand every (parameter, gradient) pair to an optimiser. */
void seqclf_add_params(Optim *o, SeqClf *m, SeqClfWork *w);

/* Mean loss of a batch (see the shapes above). With grad, gradients are added into w. probs
 * (B × K, may be NULL) receives each sequence's class probabilities. */
double seqclf_loss(const SeqClf *m, SeqClfWork *w, const int32_t *tokens, const int *len, const int32_t *labels,
                   int T, int B, int grad, float *probs);

/* The class probabilities (K) of one sequence of n tokens. */
void seqclf_predict(const SeqClf *m, SeqClfWork *w, const int32_t *tokens, int n, float *probs);

/* What the network thinks as it reads: the probability of class cls after each prefix
 * tokens[0..t] (n values; the last is seqclf_predict's). On the DNA task it jumps where the
 * motif ends: where the model "found" it. */
void seqclf_trace(const SeqClf *m, SeqClfWork *w, const int32_t *tokens, int n, int cls, float *p);

/* The vanishing gradient, measured: for one sequence of T tokens with its label, the norm
 * ‖∂L/∂h_t‖ of the top layer's state at every step t = 0..T−1 (the loss is at the last step,
 * so norms[T−1] is where the gradient starts and norms[0] what is left of it after T−1 steps
 * back through the cell). */
void seqclf_grad_flow(const SeqClf *m, SeqClfWork *w, const int32_t *tokens, int T, int32_t label, double *norms);

/* A labelled set of sequences: sequence i is tok[off[i] .. off[i+1]) with label[i]. */
typedef struct {
    int32_t *tok;
    size_t *off;                    /* n + 1 offsets */
    int32_t *label;
    size_t n;
} SeqSet;

void seqset_free(SeqSet *s);                        /* safe on a zeroed struct */

typedef struct {
    int B, epochs;
    OptKind optim;                  /* OPT_ADAM or OPT_SGD (with momentum 0.9) */
    float lr, clip;                 /* clip: global gradient norm (0 = none) */
    uint64_t seed;                  /* the order the sequences are visited in */
    double max_seconds;             /* stop after this long (0 = no limit): `compare` trains
                                       every kind for the same time */
} SeqTrainConfig;

typedef struct {
    double train_loss;              /* mean over the last epoch */
    double val_loss, val_acc;       /* on the held-out set (NAN when there is none) */
    long steps;
    double seconds;
    int finished;                   /* 0 when stopped early (Ctrl-C, time limit, NaN) */
    int diverged;                   /* the loss or a gradient became NaN/Inf (or the recent loss
                                       passed 20·ln K, twenty times guessing): training stopped
                                       and the model is the last finite one */
} SeqTrainStats;

/* Train on `train` (batches of similar lengths, shuffled), report validation on `val` (may be
 * NULL) after each epoch, as a job. A NaN/Inf loss or gradient stops at once with the weights
 * of the last good step restored and st->diverged set (and an error naming the cure: clip= or
 * a lower lr=). */
int seqclf_train(SeqClf *m, const SeqSet *train, const SeqSet *val, const SeqTrainConfig *cfg, SeqTrainStats *st,
                 Job *job, TzErr *e);

/* Accuracy and mean loss over a set. */
double seqclf_accuracy(const SeqClf *m, const SeqSet *s, double *mean_loss);

/* --- checkpoints ------------------------------------------------------------------------------- */

/* tezgah's checkpoint of a classifier, little-endian:
 *   "TZSEQCLF"  u32 version (1)  u32 kind, V, E, H, L, K                        (36 bytes)
 *   u32 length + bytes: meta, ≤ 1024 bytes of UTF-8 the engine does not read (the REPL keeps
 *                       the task there: how text becomes tokens, the DNA motif, …)
 *   V tokens:  u32 length (1–1024) + UTF-8 bytes, all different
 *   K labels:  u32 length (1–256) + UTF-8 bytes, all different
 *   float32 tensors in order: emb (V×E), Wo (K×H), bo (K), then per layer W, U, b, bu
 *   u32 CRC-32 of everything before it
 * Written atomically. Loading checks every field against the file size before allocating and
 * names the byte of anything wrong; words and labels come back in their id order. */
#define SEQCLF_META_MAX 1024
int seqclf_save(const SeqClf *m, const Vocab *words, const Vocab *labels, const char *meta, const char *path,
                TzErr *e);
/* meta receives the meta string (NUL-terminated; meta_cap ≥ SEQCLF_META_MAX + 1). */
int seqclf_load(SeqClf *m, Vocab *words, Vocab *labels, char *meta, size_t meta_cap, const char *path, TzErr *e);
int seqclf_is_checkpoint(const char *path);

#endif
