/* bert_train.h — pre-training a BERT (models/bert.h) the way Devlin et al. (2019) did, on a
 * text of one sentence a line: masked language modelling (MLM) and next-sentence prediction
 * (NSP) together, AdamW, a warm-up then a linear (BERT's) or cosine decay, clipping, and held-out
 * sentences to tell learning from memorising.
 *
 * The data pipeline, step by step (each step a function the tests call on its own):
 *  1. bert_text_build: every line of the text is a sentence, cut into WordPiece ids; an empty
 *     line ends a document. The last val_frac of the sentences are held out (never trained on).
 *     A *pair* starts at every sentence that has a next one in the same document and part.
 *  2. bert_example: a pair (A, B) becomes one sequence of T positions
 *         [CLS] A [SEP] B [SEP] [PAD] … [PAD]
 *         types  0 0…0  0   1…1  1    0 … 0         (segment ids: which sentence; 0 on padding)
 *         valid  1 1…1  1   1…1  1    0 … 0         (padding is no key for attention, no target)
 *     A pair longer than T − 3 pieces loses pieces from the end of the longer sentence, one at a
 *     time, until it fits (Hugging Face's truncate_seq_pair).
 *  3. bert_batch: B examples from a part (training or held out). For each, a pair (A, A's next)
 *     is drawn; with probability ½ the next sentence is swapped for a random sentence of the
 *     same part (never A itself nor its true next): the NSP label is 1 ("random"), else 0
 *     ("B follows A") — Hugging Face's convention. Then bert_mask_tokens picks 15% of the real,
 *     non-special positions (80% [MASK], 10% a random token, 10% unchanged) as MLM targets.
 *     Everything is drawn from the caller's generator: the same seed, the same batches.
 *  4. bert_train: the loop. A fixed held-out set (made once, with its masks, from the held-out
 *     part) gives the held-out MLM loss and NSP accuracy now and then.
 *
 * Shapes as in bert.h: V vocabulary, C context, D width, L layers, H heads; B sequences of
 * T ≤ C positions.
 */
#ifndef TZ_BERT_TRAIN_H
#define TZ_BERT_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/job.h"
#include "models/bert.h"
#include "text/wordpiece.h"

/* --- the data -------------------------------------------------------------------------------- */

typedef struct {
    int32_t *ids;           /* every sentence's pieces, one sentence after another */
    size_t *start;          /* nsent + 1: sentence s is ids[start[s] .. start[s+1]) */
    uint8_t *last;          /* nsent: 1 when sentence s ends its document (or its part) */
    size_t nsent;           /* sentences (lines with at least one piece) */
    size_t ntrain;          /* sentences [0, ntrain) train; [ntrain, nsent) are held out */
    size_t *pairs;          /* the first sentence of every pair: the training pairs, then the held-out */
    size_t ntrain_pairs, nval_pairs;
    size_t lines, docs;     /* lines read (empty ones too), documents */
} BertText;

/* The text's sentences cut by wp, the last val_frac (0 … 0.5) of them held out (at least one
 * pair each side when there are enough sentences). 0, TZ_E_ARG when there are no two consecutive
 * sentences to make a pair of (bt left empty), TZ_E_CANCELLED when the job was stopped. */
int bert_text_build(BertText *bt, const WordPiece *wp, const char *text, size_t n, double val_frac, Job *job,
                    TzErr *e);
void bert_text_free(BertText *bt);   /* safe on a zeroed struct */

/* The ids the pipeline needs from the tokenizer: the five specials, and special[V] (1 for
 * [PAD] [UNK] [CLS] [SEP] [MASK]: never masked, never a random replacement). */
typedef struct {
    int32_t cls, sep, pad, mask, unk;
    int V;
    uint8_t *special;
} BertSpecials;
/* 0, or TZ_E_ARG naming the special token the vocabulary lacks. */
int bert_specials(BertSpecials *sp, const WordPiece *wp, TzErr *e);
void bert_specials_free(BertSpecials *sp);

/* One sequence from sentences a and b (2 above) into tokens, types, valid (T each). Returns the
 * real positions (3 + the pieces kept); T must be at least 5. */
int bert_example(const BertText *bt, const BertSpecials *sp, size_t a, size_t b, int T, int32_t *tokens,
                 int32_t *types, uint8_t *valid);

/* A batch of B sequences of T positions: the model's inputs, targets and labels. */
typedef struct {
    int B, T;
    int32_t *tokens, *types, *targets;  /* B × T; targets: the original piece at a masked position, TZ_IGNORE elsewhere */
    uint8_t *valid;                     /* B × T */
    int32_t *nsp;                       /* B: 0 = B follows A, 1 = B is random */
    size_t *a, *b;                      /* B: the sentences each sequence was made of (for tests and display) */
    int real;                           /* real (non-padding) positions in the batch */
    int masked;                         /* MLM targets in the batch */
} BertBatch;
void bert_batch_alloc(BertBatch *bb, int B, int T);
void bert_batch_free(BertBatch *bb);    /* safe on a zeroed struct */

/* Fill bb (3 above) from the training pairs (val 0) or the held-out ones (val 1). */
void bert_batch(const BertText *bt, const BertSpecials *sp, int val, float mask_prob, BertBatch *bb, uint64_t *rng);

/* --- training -------------------------------------------------------------------------------- */

typedef struct {
    int B, T;               /* sequences per step, positions per sequence (T ≤ cfg.C) */
    long steps;             /* optimiser steps */
    float lr;               /* the peak learning rate (after the warm-up) */
    float min_lr;           /* where the decay ends (0: linear to 0 as BERT; cosine to lr/10) */
    long warmup;            /* warm-up steps; < 0: a tenth of the steps */
    int cosine;             /* 0: linear decay (BERT's), 1: cosine (GPT's) */
    float clip;             /* global gradient norm clip (0 = none) */
    float weight_decay;     /* AdamW's decoupled decay, on the weight matrices only */
    float dropout;          /* while training (BERT: 0.1); never while evaluating */
    float mask_prob;        /* the share of pieces masked (0.15) */
    long eval_every;        /* held-out evaluation every this many steps (0: about 10 in all) */
    int eval_examples;      /* held-out examples each evaluation during training reads (0: 4·B, at
                               most 128); the last one reads a fixed set of 512 (or this many, if more) */
    int threads;            /* BertWork.threads (1: the calling thread; 0: as many as allowed) */
    uint64_t seed;          /* the batches, the masks, dropout */
} BertTrainConfig;

/* B 32, T 64, 300 steps, lr 1e-3, linear decay to 0 after a warm-up of a tenth, clip 1, weight
 * decay 0.01 (BERT's), dropout 0.1, mask 15%, threads 1, seed 1. */
BertTrainConfig bert_train_defaults(void);

#define BERT_TRAIN_MAX_EVALS 64

typedef struct {
    long steps;             /* optimiser steps whose result the model keeps */
    double first_mlm, first_nsp;    /* the first step's losses (MLM ≈ ln V, NSP ≈ ln 2 for a new model) */
    double train_mlm, train_nsp;    /* the mean of the last (up to 20) steps' losses */
    double val_mlm, val_nsp, val_acc;   /* on the whole held-out set at the end, also after a stop
                                           (NAN: none) */
    double seconds;         /* the training steps' time (evaluations not counted) */
    double tokens_per_s;    /* real (non-padding) positions per second of that time */
    double pad_share;       /* the share of positions that were padding, over the training batches */
    double masked_share;    /* MLM targets per real position (≈ mask_prob minus the specials) */
    int eval_examples;      /* the examples the last held-out measure read */
    int finished, diverged;
    double last_loss;       /* the loss that showed the divergence */
    int nevals;
    long eval_step[BERT_TRAIN_MAX_EVALS];
    double eval_mlm[BERT_TRAIN_MAX_EVALS], eval_nsp[BERT_TRAIN_MAX_EVALS];           /* training, since the last */
    double eval_val_mlm[BERT_TRAIN_MAX_EVALS], eval_val_acc[BERT_TRAIN_MAX_EVALS];   /* held out */
} BertTrainStats;

/* Bytes one forward + backward pass over B × T positions keeps (bert_work_alloc's activations),
 * and training in all: the weights, their gradients, Adam's two moments, a copy kept to undo a
 * step that diverges (5 × the weights), plus the activations. */
double bert_activation_bytes(const BertConfig *cfg, int B, int T);
double bert_train_bytes(const BertConfig *cfg, int B, int T);

/* Pre-train b on bt as a job: progress in real positions (tokens/s), the optimiser step
 * (job_report_steps), the MLM loss (job_report_loss) with the NSP loss beside it
 * (job_report_aux "NSP"), and at each evaluation the held-out MLM loss (job_report_val) and
 * NSP loss (job_report_aux_val). Cancelling keeps the weights of the last step taken (and
 * measures them). Returns 0; TZ_E_ARG when there is no held-out pair; TZ_E_NUMERIC when
 * training diverged (the model is back at its last sane weights; the message names the step
 * and suggests a lower lr=). */
int bert_train(Bert *b, const BertText *bt, const BertSpecials *sp, const BertTrainConfig *cfg, BertTrainStats *st,
               Job *job, TzErr *e);

/* The held-out measures over the first n (≤ set->B) examples of set, already made (with their
 * masks), w->B at a time, without dropout: the mean MLM loss over every target, the mean NSP loss
 * and the NSP accuracy (NAN when there is nothing to measure). */
void bert_eval(const Bert *b, BertWork *w, const BertBatch *set, int n, double *mlm, double *nsp, double *acc);

#endif
