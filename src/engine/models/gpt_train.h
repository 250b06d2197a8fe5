/* gpt_train.h — training a GPT (models/gpt.h) on a stream of token ids, the way GPT-2 and
 * nanoGPT are trained: random windows, AdamW, a warm-up then a cosine decay of the learning
 * rate, global-norm clipping, and a held-out part of the text to tell learning from memorising.
 *
 * The data: ids[0 … n) is one long stream (a whole corpus, cut by a BPE tokenizer). The first
 * 90% trains; the last 10% is held out. A training step draws B windows of T + 1 consecutive
 * tokens at random positions (seeded) and asks the model to predict tokens 1 … T of each from
 * the ones before them:
 *     x[b] = ids[s_b … s_b + T − 1]        y[b] = ids[s_b + 1 … s_b + T]        (B × T each)
 * so one step trains B·T next-token predictions at once — the Transformer's parallelism: every
 * position of a window is predicted in the same forward pass (an RNN would walk them in turn).
 *
 * Shapes as in gpt.h: V vocabulary, C context, D width, L blocks, H heads; B windows of T ≤ C.
 */
#ifndef TZ_GPT_TRAIN_H
#define TZ_GPT_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/job.h"
#include "core/utf8.h"
#include "models/gpt.h"
#include "text/bpe.h"

typedef struct {
    int B, T;               /* windows per step, tokens per window (T ≤ cfg.C) */
    long steps;             /* optimiser steps */
    float lr;               /* the peak learning rate (after the warm-up) */
    float min_lr;           /* where the cosine ends; ≤ 0: lr / 10 */
    long warmup;            /* warm-up steps; < 0: about 1/15 of the steps */
    float clip;             /* global gradient norm clip (0 = none) */
    float weight_decay;     /* AdamW's decoupled decay, on the weight matrices only */
    float dropout;          /* dropout while training (0 = none; never while evaluating) */
    double val_frac;        /* the last part of the stream held out (0.1) */
    long eval_every;        /* held-out evaluation every this many steps (0: about 10 times, and at
                               least every 100 steps) */
    int eval_windows;       /* windows of T tokens in the fixed held-out set (0: 4·B) */
    uint64_t seed;          /* the windows drawn (and dropout's masks) */
} GptTrainConfig;

/* B 16, T 128, 1000 steps, lr 3e-4 (min lr/10), warm-up auto, clip 1, weight decay 0.1,
 * no dropout, 10% held out, seed 1. */
GptTrainConfig gpt_train_defaults(void);

#define GPT_TRAIN_MAX_EVALS 64

typedef struct {
    long steps;             /* optimiser steps whose result the model keeps */
    double first_loss;      /* the loss of the first step (≈ ln V for a new model) */
    double train_loss;      /* the mean of the last (up to 20) steps' losses */
    double val_loss;        /* the mean loss over the held-out windows at the end (NAN: none) */
    double seconds;         /* the training steps' time (evaluations not counted) */
    double tokens_per_s;    /* training tokens (B·T per step) per second of that time */
    size_t ntrain, nval;    /* tokens in the two parts */
    int finished;           /* every step was taken (0: stopped or diverged) */
    int diverged;           /* a loss, gradient or weight became NaN/Inf or absurd: stopped, the
                               model put back to its last sane weights */
    double grad_norm;       /* the last step's gradient norm (before clipping) */
    double last_loss;       /* the loss that showed the divergence */
    /* the curve at each held-out evaluation: the step, the mean training loss since the
       previous evaluation, the held-out loss (a long run keeps every other one when full: at
       most GPT_TRAIN_MAX_EVALS, the last always among them) */
    int nevals;
    long eval_step[GPT_TRAIN_MAX_EVALS];
    double eval_train[GPT_TRAIN_MAX_EVALS], eval_val[GPT_TRAIN_MAX_EVALS];
} GptTrainStats;

/* Bytes one forward + backward pass over B × T tokens keeps (gpt_work_alloc's activations:
 * per block the stream, both layer norms, q k v, the B·H·T² attention patterns, the 4D MLP;
 * the logits and probabilities N × V; the backward scratch). */
double gpt_activation_bytes(const GptConfig *cfg, int B, int T);
/* Bytes training takes: the weights, their gradients, Adam's two moments, the copy kept to
 * undo a step that diverges (5 × the weights), plus the activations above. */
double gpt_train_bytes(const GptConfig *cfg, int B, int T);

/* Train g on ids[0 … n) (ids in 0 … V−1) as a job: progress in tokens (so the rate reads
 * tokens/s), the optimiser step (job_report_steps), the training loss, and the held-out loss
 * at each evaluation (job_report_val). Cancelling keeps the weights of the last step taken.
 * Returns 0; TZ_E_ARG when the stream is too short for the windows; TZ_E_CANCELLED is never
 * returned (st->finished says it stopped early); TZ_E_NUMERIC when training diverged (the
 * message names the step, and suggests clip= and a lower lr=). */
int gpt_train(Gpt *g, const int32_t *ids, size_t n, const GptTrainConfig *cfg, GptTrainStats *st, Job *job,
              TzErr *e);

/* The mean next-token loss over `windows` windows of T + 1 tokens spread evenly over
 * ids[0 … n) (the same windows every time: a fixed evaluation set), B at a time, no dropout.
 * T is shortened to n − 1 for a short stream; NAN when n < 2. */
double gpt_eval_loss(const Gpt *g, const int32_t *ids, size_t n, int B, int T, int windows);

/* --- the loop, for any next-token model ----------------------------------------------------------
 *
 * gpt_train above and llama_train (models/llama_train.h) are the same loop around a different
 * forward and backward pass: random windows, AdamW in two groups, warm-up + cosine, clipping,
 * held-out evaluations, the divergence guard, cancelling between steps. The loop sees a model
 * only through this: */
typedef struct {
    void *ctx;              /* the caller's: the model, its gradient and its work */
    float *params, *grads;  /* every parameter and its gradient, n floats each, the same layout */
    size_t n;
    int V, C;               /* vocabulary (for the divergence guard), context (T ≤ C) */
    int ntensors;
    /* tensor i's first parameter and count; cols > 1 (a matrix, an embedding) decays */
    float *(*tensor)(void *ctx, int i, size_t *n, int *cols);
    /* the mean loss over B × T windows, keeping what backward needs (seed: this step's dropout) */
    double (*forward)(void *ctx, const int32_t *x, const int32_t *y, int B, int T, uint64_t seed);
    /* ADD the gradient of that loss into grads */
    void (*backward)(void *ctx, const int32_t *x, const int32_t *y, int B, int T);
    /* the held-out loss (as gpt_eval_loss) */
    double (*eval)(void *ctx, const int32_t *ids, size_t n, int B, int T, int windows);
} GptTrainModel;

/* gpt_train's contract for any model m (its parameters trained in place). */
int gpt_train_loop(const GptTrainModel *m, const int32_t *ids, size_t n, const GptTrainConfig *cfg, GptTrainStats *st,
                   Job *job, TzErr *e);

/* The fixed evaluation set of gpt_eval_loss for any model: gpt_train_eval_shape fits B, T to n, C and
 * windows (0 when there is nothing to evaluate); gpt_train_eval_windows runs fwd (the mean loss of b
 * windows of T, no dropout) over them, B at a time, and returns the mean. */
int gpt_train_eval_shape(size_t n, int C, int windows, int *B, int *T);
double gpt_train_eval_windows(const int32_t *ids, size_t n, int B, int T, int windows,
                              double (*fwd)(void *ctx, const int32_t *x, const int32_t *y, int b, int T), void *ctx);

/* --- checkpoints ------------------------------------------------------------------------------ */

/* What a checkpoint keeps beside the weights and the tokenizer. */
typedef struct {
    int32_t eot;            /* the end-of-text token, or −1 */
    TzLang lang;            /* the language of the training text */
    char origin[256];       /* how the model came to be ("mini-tr, 600 steps") */
    long steps;             /* optimiser steps trained */
    double val_loss;        /* held-out loss at the end of training, or NAN */
} GptCkptMeta;

/* tezgah's own GPT checkpoint, little-endian (formats/ckpt.h):
 *   "TZGPT\0\0\0"  u32 version (1)
 *   u32 V, C, D, L, H                        the configuration
 *   u32 eot (0xFFFFFFFF: none)  u32 language (0 en, 1 tr)  u32 steps  f32 val_loss (NaN: unknown)
 *   u32 length + bytes: origin (≤ 255 bytes, UTF-8)
 *   the tokenizer (bpe_save's section, "TZBPE001" …)
 *   gpt_nparams floats: every tensor in gpt_tensor's order (wte, wpe, the blocks, ln_f)
 *   u32 CRC-32 of everything before it
 * Saved atomically. Loading checks the magic, the version, the configuration (sizes in range, D
 * a multiple of H), the CRC, the memory the weights need against the machine's, the tokenizer
 * (its vocabulary within V), and that the tensors fill the rest of the file exactly, before
 * allocating the weights; a NaN or infinite weight is refused naming its tensor. */
int gpt_ckpt_save(const Gpt *g, const Bpe *bpe, const GptCkptMeta *meta, const char *path, TzErr *e);
/* g and bpe are allocated here (both empty on error; gpt_free / bpe_free are safe). */
int gpt_ckpt_load(Gpt *g, Bpe *bpe, GptCkptMeta *meta, const char *path, TzErr *e);
/* The same from bytes in memory (name is used in messages; the fuzzer calls it). */
int gpt_ckpt_parse(Gpt *g, Bpe *bpe, GptCkptMeta *meta, const unsigned char *d, size_t n, const char *name, TzErr *e);
/* Does the file start with the checkpoint's magic? */
int gpt_ckpt_is(const char *path);

#endif
