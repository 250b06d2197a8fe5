/* ft_train.h — FastText's unsupervised training (Bojanowski et al., "Enriching Word Vectors
 * with Subword Information", 2017): Word2Vec whose input vector for a word is the mean of
 * several rows — the word's own row and the rows of its hashed character n-grams — so that
 * rare and unseen words get vectors from their parts (`kitaplarımızdan` from `kitap`, `lar`,
 * `ımız`, `dan`, …).
 *
 * Shapes: V words, B buckets, C dims.
 *   in      (V + B) × C input rows: rows 0..V−1 are the words' own rows, V.. the n-gram buckets
 *   rows    word w's input rows are idx[off[w] .. off[w+1]) (its own row first)
 *   h(w)    = (1/|rows(w)|) Σ_{r ∈ rows(w)} in[r]
 * The output layer is Word2Vec's (negative sampling or hierarchical softmax over the V
 * words). Skip-gram: h(centre) predicts each context word; CBOW: the mean of all the rows of
 * all the context words predicts the centre. As in fastText, each input row then moves by the
 * whole step Σ g·u (not divided by the number of rows: the unsupervised models do not).
 *
 * Which n-grams a word has (and their hash) is the subword model's business (fasttext.h);
 * this file trains whatever rows it is given, so the same trainer serves any segmentation.
 */
#ifndef TZ_FT_TRAIN_H
#define TZ_FT_TRAIN_H

#include <stddef.h>
#include <stdint.h>
#include "core/corpus.h"
#include "core/err.h"
#include "core/job.h"
#include "models/fasttext.h"
#include "models/word2vec.h"

typedef struct {
    size_t rows;        /* V + B: rows of the input matrix */
    uint32_t *off;      /* V + 1 offsets into idx */
    uint32_t *idx;      /* off[V] row ids */
} FtRows;

typedef struct {
    Word2Vec w2v;       /* vocabulary, sampling tables, output layer; w2v.syn0 = in (the word rows) */
    FtRows rows;
    float *in;          /* rows.rows × C */
} FtModel;

/* Build the vocabulary and tables from the corpus (as w2v_init). The input rows come next. */
int ft_model_init(FtModel *m, const W2VConfig *cfg, const Corpus *corpus, TzErr *e);
/* Take over rows (a word's list must start with its own row; every id < rows->rows) and
 * allocate the input matrix, uniform in [−1/C, 1/C] from the seed, as fastText does.
 * On success rows is moved into m (the caller's struct is zeroed). */
int ft_model_set_rows(FtModel *m, FtRows *rows, TzErr *e);
void ft_model_free(FtModel *m);   /* safe on a zeroed struct */

/* Train as a job (threads, linear learning-rate decay, progress in words and the loss,
 * Hogwild updates, stops early when cancelled with the vectors reached so far). */
int ft_train(FtModel *m, const Corpus *corpus, Job *job, TzErr *e);

/* The input vector of a list of rows (a vocabulary word's, or an unseen word's n-grams):
 * their mean, into out (C floats); zero if n = 0. */
void ft_rows_vector(const FtModel *m, const uint32_t *rows, size_t n, float *out);
/* The vectors of the vocabulary words (h(w) for each, unit rows ready for queries). */
void ft_model_to_vectors(const FtModel *m, Vectors *out);

void ft_rows_free(FtRows *r);

/* The rows of every vocabulary word for fastText's subwords: its own row, then
 * V + hash % bucket for each character n-gram of minn..maxn (fasttext.h). */
int ft_rows_for_ngrams(const Vocab *vocab, int minn, int maxn, int bucket, FtRows *out, TzErr *e);

/* Hand a trained model over to a FastText (what `load x.bin` gives): the dictionary, the
 * input matrix and the output layer move without a copy, args from cfg and minn/maxn/bucket.
 * m is left empty. Needs negative sampling (fastText's .bin keeps one output matrix). */
int ft_model_export(FtModel *m, int minn, int maxn, int bucket, int64_t ntokens, FastText *out, TzErr *e);

#endif
