/* bert_clf.h — fine-tuning BERT for sentence classification (Devlin et al. 2019, §4.1): a
 * classifier on the pooled [CLS] vector, trained together with the whole encoder.
 *
 * Shapes: B sequences of T ≤ C tokens, D the model width, K labels.
 *
 *   ids     = [CLS] wordpiece(text) [SEP], cut to maxlen, padded with [PAD] to the longest
 *             of the batch (valid = 0 there: no real token attends to the padding)
 *   pooled  = tanh(pooler(x[CLS]))                      B × D    (bert.h: w->pool)
 *   logits  = drop(pooled) Wᵀ + b                       B × K    W: K × D, b: K
 *   loss    = mean over the batch of −log softmax(logits)[label]
 *   dlogits = (softmax − onehot) / B;  dW += dlogitsᵀ pooled;  db += Σ dlogits;
 *   dpool   = dlogits W  → bert_backward_pooled (pooler, every layer, the embeddings)
 *
 * The MLM and NSP heads take no part (w->skip_mlm = 1): they stay as pre-training left them,
 * so the fine-tuned copy can still fill in a [MASK].
 *
 * Optimiser: AdamW (weight decay 0.01 on matrices and embeddings, none on biases and layer
 * norms), the learning rate rising linearly over the first 10 % of the steps and then falling
 * linearly to 0 — BERT's fine-tuning recipe (bert-base: lr 2e-5 … 5e-5, batch 16 or 32, 2–4
 * epochs, dropout 0.1); the gradient is clipped to norm 1.
 *
 * Data: lines in fastText's format, "__label__pos Loved every page." — the first label counts,
 * further __label__ words at the front are skipped; the label names are kept in byte order
 * (the same file gives the same ids).
 */
#ifndef TZ_BERT_CLF_H
#define TZ_BERT_CLF_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/job.h"
#include "models/bert.h"
#include "text/wordpiece.h"

#define BERT_CLF_LABEL_MAX 48       /* a label name's bytes, with its NUL (bertm.h: BERT_LABEL_MAX) */
#define BERT_CLF_MAX_LABELS 1000
#define BERT_CLF_MAX_EPOCHS 100

/* ---- labelled lines ------------------------------------------------------------------------ */

/* The labelled lines of a text (spans into it, no copies). */
typedef struct {
    size_t n, cap;
    size_t *lab_off, *txt_off;      /* n: where the label (after "__label__") and the text start */
    uint32_t *lab_len, *txt_len;    /* n: their lengths in bytes */
    size_t *line;                   /* n: the 1-based line number */
    size_t nolabel;                 /* non-blank lines that do not start with __label__ (skipped) */
    size_t first_nolabel;           /* the first of them (its line number), 0 = none */
    size_t empty;                   /* labelled lines with no text after the label (skipped) */
    size_t long_label;              /* a label too long to keep (its line number), 0 = none */
} BertClfLines;

/* Read data[0..n): every line "__label__X text". Returns 0; TZ_E_FORMAT with a message naming
 * `name` when no line is labelled, or a label is longer than BERT_CLF_LABEL_MAX − 1 bytes (the
 * line is named). L is left empty on error. */
int bert_clf_lines(BertClfLines *L, const char *data, size_t n, const char *name, TzErr *e);
void bert_clf_lines_free(BertClfLines *L);      /* safe on a zeroed struct */

/* The distinct labels of lines pick[0..np) (pick NULL: all), in byte order, into names
 * (cap entries). Returns how many there are (more than cap: only cap written). */
int bert_clf_labels(const BertClfLines *L, const char *data, const size_t *pick, size_t np,
                    char (*names)[BERT_CLF_LABEL_MAX], int cap);
/* The index of label s[0..n) among names, or −1. */
int bert_clf_label_id(char (*names)[BERT_CLF_LABEL_MAX], int K, const char *s, size_t n);

/* The texts of lines pick[0..np) (NULL: all), one a line (malloc'd, NUL-terminated; *n its
 * length): what a WordPiece vocabulary is learnt on. */
char *bert_clf_texts(const BertClfLines *L, const char *data, const size_t *pick, size_t np, size_t *n);

/* ---- encoded sets -------------------------------------------------------------------------- */

typedef struct {
    size_t n;                       /* sequences */
    int32_t *ids;                   /* all of them back to back, each [CLS] … [SEP] */
    size_t *off;                    /* n + 1: sequence i is ids[off[i] .. off[i+1]) */
    int32_t *label;                 /* n: 0 … K−1 */
    size_t *line;                   /* n: its line in the file */
    size_t skipped;                 /* lines whose label is not among the names */
    size_t truncated;               /* lines cut to maxlen tokens */
    size_t pieces, unk;             /* WordPiece pieces (without [CLS]/[SEP]) and how many were [UNK] */
} BertClfSet;

/* One text as [CLS] pieces [SEP], at most maxlen ids (≥ 3) — the pieces cut to maxlen − 2.
 * Writes up to maxlen ids; returns how many were written; *cut (may be NULL) = 1 when the text
 * was longer; *unk (may be NULL) counts [UNK] pieces. 0 when the vocabulary lacks [CLS]/[SEP]. */
int bert_clf_encode(const WordPiece *wp, const char *text, size_t n, int maxlen, int32_t *ids, int *cut, size_t *unk);

/* Lines pick[0..np) (NULL: all) of L, encoded with wp; labels by names. */
void bert_clf_set_build(BertClfSet *s, const WordPiece *wp, const BertClfLines *L, const char *data,
                        const size_t *pick, size_t np, char (*names)[BERT_CLF_LABEL_MAX], int K, int maxlen);
void bert_clf_set_free(BertClfSet *s);          /* safe on a zeroed struct */

/* A batch of sequences idx[0..B) of s: tok and valid (B × T, T the longest of them; [PAD] =
 * pad), labels (B; may be NULL). Returns T. */
int bert_clf_batch(const BertClfSet *s, const size_t *idx, int B, int32_t pad, int32_t *tok, uint8_t *valid,
                   int32_t *labels);

/* ---- the head ------------------------------------------------------------------------------ */

/* W ~ N(0, 0.02²), b = 0 (Hugging Face's BertForSequenceClassification), from a seed. */
void bert_clf_head_init(float *W, float *b, int K, int D, uint64_t seed);

/* logits = X Wᵀ + b (X: B × D), probs = softmax (B × K). With labels (B; TZ_IGNORE = not
 * counted) returns the mean cross-entropy over the counted rows, else 0. */
double bert_clf_head_forward(const float *W, const float *b, const float *X, int B, int D, int K,
                             const int32_t *labels, float *logits, float *probs);
/* The backward of that mean: dW (K × D) and db (K) ADDED, dX (B × D) written; dlogits: B × K
 * scratch. */
void bert_clf_head_backward(const float *W, float *dW, float *db, float *dX, const float *X, const float *probs,
                            const int32_t *labels, int B, int D, int K, float *dlogits);

/* Class probabilities (B × K) of a batch, no dropout: bert_forward (skip_mlm) + the head.
 * w must hold B × T; logits: B × K scratch. */
void bert_clf_probs(const Bert *m, BertWork *w, const float *W, const float *b, int K, const int32_t *tok,
                    const uint8_t *valid, int B, int T, float *logits, float *probs);

/* Accuracy and mean loss on a set (and, if not NULL, K counts each: how often each label is
 * gold, predicted, and right), in batches of B, with BertWork.threads = threads (1: the calling
 * thread; bert.h). Returns 0, or TZ_E_CANCELLED (job). */
typedef struct {
    double acc, loss;
    size_t n;
} BertClfEval;
int bert_clf_eval(const Bert *m, const float *W, const float *b, int K, int32_t pad, const BertClfSet *s, int B,
                  int threads, BertClfEval *ev, size_t *gold, size_t *pred, size_t *right, Job *job);

/* ---- fine-tuning ---------------------------------------------------------------------------- */

typedef struct {
    int B;                  /* sequences per step (16) */
    int epochs;             /* passes over the training set (3); at most BERT_CLF_MAX_EPOCHS */
    float lr;               /* the peak learning rate, for the encoder and the head */
    float warmup;           /* the fraction of the steps the rate rises over (0.1) */
    float weight_decay;     /* AdamW's, on matrices and embeddings (0.01) */
    float clip;             /* global gradient norm (1; 0 = none) */
    float dropout;          /* in the encoder and on the pooled vector (0.1) */
    uint64_t seed;          /* shuffling and dropout */
    int threads;            /* BertWork.threads (1: the calling thread; 0: as many as allowed) */
} BertClfTrainConfig;

BertClfTrainConfig bert_clf_train_defaults(void);

typedef struct {
    long steps, total;      /* steps taken, planned */
    double first_loss;      /* the first step's loss */
    double train_loss;      /* the mean loss of the last epoch (or of the steps so far) */
    int nepochs;            /* epochs completed */
    double ep_train[BERT_CLF_MAX_EPOCHS];   /* per epoch: mean training loss, */
    double ep_val_loss[BERT_CLF_MAX_EPOCHS];/* held-out loss and accuracy (NAN without a held-out set) */
    double ep_val_acc[BERT_CLF_MAX_EPOCHS];
    double val_acc, val_loss;   /* after the last epoch (NAN: none, or stopped mid-epoch) */
    double seconds;
    int finished;           /* every epoch ran */
    int diverged;           /* a step went NaN/Inf: the weights before it were restored */
} BertClfTrainStats;

/* Fine-tune m (its encoder) and the head W (K × D), b (K) on tr; evaluate on va (may be NULL or
 * empty) after each epoch (its loss goes to job_report_val). Publishes the training loss with
 * job_report_loss (items: sequences). Ctrl-C (job cancelled) stops between steps and returns 0
 * with st->finished = 0: the weights are those of the last step, usable. A step that leaves a
 * non-finite loss or weight is undone and training stops: TZ_E_NUMERIC (st->diverged). */
int bert_clf_train(Bert *m, float *W, float *b, int K, int32_t pad, const BertClfSet *tr, const BertClfSet *va,
                   const BertClfTrainConfig *cfg, BertClfTrainStats *st, Job *job, TzErr *e);

/* A fresh BERT for the baseline without pre-training: a WordPiece vocabulary of up to vocab
 * tokens learnt on text[0..n) with opt (wp_train), then a model of shape `shape` (V from the
 * vocabulary) with bert_init(seed). Returns 0, or wp_train's error (TZ_E_CANCELLED when the
 * job was stopped), TZ_E_NOMEM; on error both are left empty. */
int bert_clf_scratch(Bert *m, WordPiece *wp, const char *text, size_t n, int vocab, const WpOptions *opt,
                     const BertConfig *shape, uint64_t seed, Job *job, TzErr *e);

#endif
