/* rnnlm.h — a recurrent language model: embedding → L stacked cells (RNN, LSTM or GRU) →
 * a softmax over the vocabulary, trained to predict the next token (Elman 1990; Graves 2013
 * for the character-level LSTM; Karpathy's char-rnn made it a classic first demo).
 *
 * Shapes (T steps, B sequences, V tokens, E embedding size, H hidden units, L layers):
 *     tokens   T × B          ids
 *     x0       T × B × E      emb[tokens] (never stored: the first layer reads the rows)
 *     h^l      T × B × H      the output of layer l (the input of layer l + 1)
 *     logits   T·B × V        h^L · Woᵀ + bo
 *     loss     mean over T·B of −log softmax(logits)[next token]
 * Backward is exact (full BPTT over the T steps of a batch; the state carried from one batch
 * to the next is a constant, as in truncated BPTT).
 */
#ifndef TZ_RNNLM_H
#define TZ_RNNLM_H

#include <stddef.h>
#include <stdint.h>
#include "core/corpus.h"
#include "core/err.h"
#include "core/job.h"
#include "core/vocab.h"
#include "nn/optim.h"
#include "nn/recurrent.h"

#define RNNLM_MAX_LAYERS 4

typedef struct {
    CellKind kind;
    int V, E, H, L;
    float *emb;                     /* V × E */
    float *Wo;                      /* V × H */
    float *bo;                      /* V */
    Cell cell[RNNLM_MAX_LAYERS];
} RnnLM;

/* Gradients (same shapes) and the forward pass's memory. */
typedef struct {
    float *emb, *Wo, *bo;
    Cell cell[RNNLM_MAX_LAYERS];
    CellCache cache[RNNLM_MAX_LAYERS];
    float *probs;                   /* T·B × V softmax */
    float *dh, *dx;                 /* scratch: T × B × max(E, H) */
    size_t cap;                     /* T·B the buffers hold */
} RnnLMWork;

/* The parts every recurrent model of tokens here is made of — an embedding V × E, L stacked
 * cells, an output layer O × H with O biases — shared by the language model (O = V) and the
 * classifier (seqclf.c, O = K classes). init: the weights from seed (embedding ±0.5, output
 * ±1/√H, biases 0, cells as cell_stack_init); grads: zeros of the same shapes; zero: back to
 * zeros; free: every one of the RNNLM_MAX_LAYERS cells (safe on zeroed parts). */
void rnn_parts_init(float **emb, float **Wo, float **bo, Cell *cell, CellKind kind, int V, int E, int H, int L, int O,
                    uint64_t seed);
void rnn_parts_grads(float **emb, float **Wo, float **bo, Cell *cell, const Cell *like, int V, int E, int H, int L,
                     int O);
void rnn_parts_zero(float *emb, float *Wo, float *bo, Cell *cell, int V, int E, int H, int L, int O);
void rnn_parts_free(float *emb, float *Wo, float *bo, Cell *cell);
size_t rnn_parts_nparams(const Cell *cell, int V, int E, int H, int L, int O);

void rnnlm_init(RnnLM *m, CellKind kind, int V, int E, int H, int L, uint64_t seed);
void rnnlm_free(RnnLM *m);                          /* safe on a zeroed struct */
size_t rnnlm_nparams(const RnnLM *m);
/* Bytes training would take for this shape: the weights, their gradients and Adam's two
 * moments (4 copies), plus what one step of T × B keeps for the backward pass (each layer's
 * states and gates, the softmax over V for every position). */
double rnnlm_train_bytes(CellKind kind, int V, int E, int H, int L, int T, int B);
void rnnlm_work_init(RnnLMWork *w, const RnnLM *m);
void rnnlm_work_free(RnnLMWork *w);                 /* safe on a zeroed struct */
void rnnlm_zero_grad(RnnLMWork *w, const RnnLM *m);
/* The parameters of m and their gradients in w, for an optimiser. */
void rnnlm_add_params(Optim *o, RnnLM *m, RnnLMWork *w);

/* The loss of predicting targets (T × B) from tokens (T × B), starting each layer from the
 * states in h0/c0 (L × B × H each; NULL = zeros). With grad, the gradients are added into w.
 * hT/cT (may be NULL) receive the final states, to carry into the next batch. */
double rnnlm_loss(const RnnLM *m, RnnLMWork *w, const int32_t *tokens, const int32_t *targets, int T, int B,
                  const float *h0, const float *c0, int grad, float *hT, float *cT);

/* One step of generation: the logits (V) after feeding token tok with states h/c (L × H each,
 * updated in place). */
void rnnlm_step(const RnnLM *m, RnnLMWork *w, int32_t tok, float *h, float *c, float *logits);

/* Sample from logits / temperature, keeping the top k (0 = all); r is a PRNG state. */
int32_t rnnlm_sample(const float *logits, int V, float temperature, int topk, uint64_t *r);

/* --- character-level training -------------------------------------------------------------- */

/* A corpus as a stream of characters: its sentences, words joined by one space, each
 * sentence ended by '\n'. chars holds every character (its UTF-8 bytes) by frequency, the
 * id of a character is its index there. */
typedef struct {
    Vocab chars;            /* the tokens: characters, or words when `word` is set */
    int32_t *ids;
    size_t n;
    int word;               /* word level: tokens are the corpus's words, "\n" ends a sentence,
                               "<unk>" stands for the words outside the vocabulary */
} CharStream;

int charstream_from_corpus(const Corpus *c, CharStream *s, TzErr *e);
/* Word level: the max_vocab − 2 most frequent words (ties by first appearance), "\n" and
 * "<unk>"; every sentence's words, then "\n". */
int charstream_words_from_corpus(const Corpus *c, size_t max_vocab, CharStream *s, TzErr *e);
#define RNNLM_UNK "<unk>"
void charstream_free(CharStream *s);          /* safe on a zeroed struct */
/* The ids of a UTF-8 text; a character the stream never had is -1. Returns how many. */
size_t charstream_encode(const CharStream *s, const char *text, int32_t *out, size_t cap);

typedef struct {
    int T, B;               /* steps of back-propagation through time, parallel streams */
    int epochs;
    float lr, clip;         /* the learning rate; global-norm clip (0 = none) */
    int sgd;                /* 1: SGD with momentum 0.9 instead of Adam (the default) */
    long max_steps;         /* stop after this many steps (0 = the whole epochs): a short,
                               repeatable run for a class or a lesson */
    double max_seconds;     /* stop after this long (0 = no limit): `compare` trains every kind
                               for the same time */
    double val_frac;        /* the last part of the stream held out for perplexity */
} RnnTrainConfig;

typedef struct {
    double train_loss;      /* mean over the last epoch's steps (nats per character) */
    double val_loss;        /* on the held-out part; exp of it is the perplexity */
    long steps;
    double seconds;         /* training alone (the held-out evaluation after it not counted) */
    int finished;           /* 0 when stopped early */
    int diverged;           /* the loss or the gradient became NaN/Inf: stopped before that
                               step, so the model keeps its last finite weights */
    double grad_norm;       /* the last step's gradient norm (before clipping) */
    double last_loss;       /* the loss of the step that diverged */
} RnnTrainStats;

/* Train m on ids[0..n) (the first (1 − val_frac) of it; the rest is for validation) with
 * Adam (or SGD), as a job: progress in steps with the loss; Ctrl-C keeps the model reached so
 * far. A loss or gradient that is not finite, or a loss far above a know-nothing guess's log V,
 * stops training at once, before the step that would spoil the weights: st->diverged is set and an error (TZ_E_NUMERIC) suggests clipping or
 * a lower learning rate. */
int rnnlm_train(RnnLM *m, const int32_t *ids, size_t n, const RnnTrainConfig *cfg, RnnTrainStats *st, Job *job,
                TzErr *e);

/* --- checkpoints ------------------------------------------------------------------------------- */

/* tezgah's own checkpoint of a language model, little-endian:
 *   "TZRNNLM\0"  u32 version (2)  u32 kind, V, E, H, L  u32 level (0 characters, 1 words)
 *   u32 language (0 en, 1 tr)
 *   V tokens: u8 length (1–255), the UTF-8 bytes (one character each at character level)
 *   float32 tensors in order: emb (V×E), Wo (V×H), bo (V), then per layer W, U, b, bu
 *   u32 CRC-32 of everything before it
 * Written atomically (a crash leaves the old file). Loading checks every field against the file
 * size before allocating and names the field and offset of anything wrong. Version 1 (the same
 * without level and language: a character model) is still read. */
int rnnlm_save(const RnnLM *m, const CharStream *toks, TzLang lang, const char *path, TzErr *e);
/* Fills toks->chars and toks->word (no stream). */
int rnnlm_load(RnnLM *m, CharStream *toks, TzLang *lang, const char *path, TzErr *e);
/* Does the file start with the checkpoint's magic? */
int rnnlm_is_checkpoint(const char *path);

#endif
