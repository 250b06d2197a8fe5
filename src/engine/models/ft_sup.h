/* ft_sup.h — fastText's text classifier (Joulin, Grave, Bojanowski, Mikolov, "Bag of Tricks
 * for Efficient Text Classification", 2017), compatible with Facebook's `fasttext supervised`.
 *
 * The data: one example per line, its labels first, then the text:
 *     __label__pos Loved every page.
 * Tokens are split on white space only (space, tab, \v, \f, \r, NUL), case and punctuation
 * kept ("page." is one token), and the end of each line is a token of its own, "</s>" (fastText
 * reads '\n' as that word). A token starting with the label prefix is a label, any other a word.
 *
 * The model is a linear classifier over a bag of features:
 *     features(line) = the rows of its words that are in the dictionary (+ their character
 *                      n-grams when maxn > 0) + one hashed row per word n-gram (wordNgrams ≥ 2)
 *     h     = mean of input[f] over the features          (D floats)
 *     score = output · h                                   (L labels)
 *     P(label | line) = softmax(score)                     (or hierarchical softmax / one-vs-all)
 * Word n-grams give the bag of words a little order ("not good" ≠ "good"): for the word hashes
 * w_1..w_n of a line (hashes of *all* its words, known or not — fastText's own rule) each run
 * w_i..w_j (2 ≤ j−i+1 ≤ wordNgrams) gets the row  nwords + H % bucket  with
 *     H = w_i;  H = H · 116049371 + w_k  for k = i+1..j      (64-bit, each w sign-extended)
 * The step: every feature row moves by (1/|features|) Σ_l α_l · output_l (the gradient of the
 * loss w.r.t. h, spread over the rows that were averaged), as fastText does for supervised
 * models; the learning rate falls linearly to 0 over epochs × tokens.
 *
 * A trained model is a FastText (fasttext.h) with args.model = FT_MODEL_SUP, its labels after
 * its words in the dictionary, and output = L × D: it is saved and loaded as a fastText .bin
 * that `fasttext predict` / `fasttext test` read, and a .bin written by `fasttext supervised`
 * predicts here exactly as it does there (checked in tests/unit/test_ft_sup.c).
 */
#ifndef TZ_FT_SUP_H
#define TZ_FT_SUP_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"
#include "core/job.h"
#include "models/fasttext.h"

typedef struct {
    int dim;                /* D (fastText: 100) */
    int epochs;             /* passes over the data (5) */
    double lr;              /* starting learning rate (0.1) */
    int word_ngrams;        /* 1 = words only; 2 = words and bigrams (1) */
    int min_count;          /* words seen fewer times are left out (1) */
    int min_count_label;    /* labels likewise (0) */
    int minn, maxn;         /* character n-grams of the words; maxn 0 = none (0, 0) */
    int bucket;             /* rows for the hashed n-grams (2 000 000; 0 when there are none) */
    int loss;               /* FT_LOSS_SOFTMAX (default), FT_LOSS_HS or FT_LOSS_OVA */
    int threads;            /* 1: the same model for the same seed every time */
    int lr_update_rate;     /* tokens between learning-rate updates (100) */
    uint64_t seed;
    char label[32];         /* the label prefix ("__label__") */
} FtSupConfig;

FtSupConfig ft_sup_defaults(void);

/* What a training run reports. */
typedef struct {
    size_t lines, examples;     /* lines read; lines with both a label and a feature */
    int64_t ntokens;            /* tokens (words, labels, "</s>") in the file */
    double seconds, loss;       /* training time; mean loss over the last part */
    int64_t tokens_done;        /* tokens processed (epochs × ntokens when not stopped) */
    int finished;               /* 0 when stopped early (Ctrl-C) */
} FtSupStats;

/* Read the labelled file and train. out gets the model (free with ft_free). A file with no
 * label lines, empty, not UTF-8 or not text is refused with a message naming it (and the
 * line). job (may be NULL) gets progress in tokens and the loss, and can stop training early:
 * the model reached so far is kept (stats->finished = 0). */
int ft_sup_train(const char *path, const FtSupConfig *cfg, FastText *out, FtSupStats *stats, Job *job, TzErr *e);

/* The features and labels of one line of text (n bytes; eos: the line ended with '\n', so
 * "</s>" is one of its tokens, as it is for every line of a file), exactly as fastText's
 * Dictionary::getLine finds them. Returns the number of tokens. feat/labels grow as needed
 * (start from a zeroed FtLine; free it with ft_line_free). */
typedef struct {
    int32_t *feat;  size_t nfeat, feat_cap;   /* input rows */
    int32_t *lab;   size_t nlab, lab_cap;     /* label indices 0..nlabels−1 */
    uint32_t *hash; size_t nhash, hash_cap;   /* the word hashes (scratch for word n-grams) */
} FtLine;
size_t ft_sup_line(const FastText *ft, const char *text, size_t n, int eos, FtLine *l);
void ft_line_free(FtLine *l);

/* A prediction: label index (its name is vocab_word(&ft->dict, ft->nwords + label)) and its
 * probability. */
typedef struct {
    int32_t label;
    float prob;
} FtPred;

/* The k most probable labels of a line's features (probability ≥ threshold), best first;
 * returns how many (≤ k, 0 if nfeat = 0). The model must be supervised (FT_MODEL_SUP). */
size_t ft_sup_predict(const FastText *ft, const int32_t *feat, size_t nfeat, size_t k, float threshold, FtPred *out);

/* Hierarchical softmax: fastText's Huffman tree over the L label counts (most frequent
 * first). Leaves are 0..L−1, inner nodes L..2L−2 (the root last); inner node n owns output
 * row n − L. From a node, the right child has probability σ(output[n−L] · h), the left 1 − σ;
 * a label's probability is the product along its path. Empty (all NULL) when L < 2. */
typedef struct {
    int32_t *parent, *left, *right;
    uint8_t *binary;        /* 1 if the node is its parent's right child */
    size_t L;
} FtHsTree;
void ft_hs_build(FtHsTree *t, const int64_t *counts, size_t L);
void ft_hs_free(FtHsTree *t);

/* One training example after its hidden vector h (D floats) is known: returns the loss and
 * takes the step — out (L × D) moves by −lr ∂loss/∂out, and g gets −lr ∂loss/∂h (taken
 * with the output rows as they were before the step), which the caller spreads over the
 * feature rows. loss: FT_LOSS_SOFTMAX (target = the label), FT_LOSS_HS (tree: its path),
 * FT_LOSS_OVA (every label a yes/no unit: yes for those in labels[0..nlab)). scores: L
 * doubles of scratch. lr = 0 computes the loss alone. */
double ft_sup_step(int loss, const FtHsTree *tree, float *out, size_t L, size_t D, const float *h, int32_t target,
                   const int32_t *labels, size_t nlab, float lr, float *g, double *scores);

/* `test FILE`: predict the top k of every line that has a label and a feature, as
 * `fasttext test` does. Per label: how often it is gold, predicted, and right. */
typedef struct {
    size_t examples;            /* N */
    size_t gold, predicted, correct;
    size_t nlabels;
    size_t *label_gold, *label_pred, *label_correct;   /* nlabels each */
    size_t skipped;             /* lines with no known label or no feature */
} FtSupTest;
int ft_sup_test(const FastText *ft, const char *path, size_t k, float threshold, FtSupTest *t, Job *job, TzErr *e);
void ft_sup_test_free(FtSupTest *t);

#endif
