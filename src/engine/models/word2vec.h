/* word2vec.h — Word2Vec: CBOW and skip-gram, with negative sampling or hierarchical softmax.
 *
 * Papers: Mikolov, Chen, Corrado, Dean, "Efficient Estimation of Word Representations in
 * Vector Space" (2013, CBOW and skip-gram); Mikolov, Sutskever, Chen, Corrado, Dean,
 * "Distributed Representations of Words and Phrases and their Compositionality" (2013,
 * negative sampling, subsampling of frequent words). Reference in tests: gensim's Word2Vec
 * (Debian python3-gensim), trained the same way, and central differences for the gradients.
 *
 * Shapes (legend): V vocabulary size, C vector size (dim), W window, K negatives.
 *   syn0     V×C      input vectors: the word vectors we keep
 *   syn1neg  V×C      output vectors for negative sampling (K > 0)
 *   syn1     (V-1)×C  output vectors of the inner nodes of the Huffman tree (hs = 1)
 *
 * Training, for every position t of every sentence, with a window b drawn from 1..W:
 *   skip-gram: each context word c (|t'-t| ≤ b) predicts the centre word w:
 *              input h = syn0[c]
 *   CBOW:      the mean of the context vectors predicts w: h = mean(syn0[c])
 *   negative sampling: maximise log σ(h·syn1neg[w]) + Σ_k log σ(−h·syn1neg[n_k]),
 *              n_k drawn from the unigram distribution raised to 0.75;
 *   hierarchical softmax: maximise Σ_j log σ(±h·syn1[node_j]) along w's Huffman path.
 * With f = h·u and label y (1 for the true word or the left/right bit of the path, 0 for a
 * negative), the loss of one output is ℓ = −log σ(f) if y = 1 and −log σ(−f) if y = 0, and
 *   ∂ℓ/∂f = σ(f) − y,  so with g = α (y − σ(f)):  u += g h,  and h's gradient sums g u.
 * Skip-gram takes the step of a whole window at once, with the negatives shared by its
 * context words (w2v_sg_window; Ji et al. 2016): the same objective, fewer memory fetches.
 * Frequent words are dropped with probability 1 − keep (vocab_keep_probs); the learning
 * rate falls linearly from alpha to min_alpha over all epochs; threads share the vectors
 * without locks (Hogwild, as word2vec.c and gensim do). threads = 1 with a seed is
 * bit-for-bit reproducible.
 */
#ifndef TZ_WORD2VEC_H
#define TZ_WORD2VEC_H

#include <stddef.h>
#include <stdint.h>
#include "core/corpus.h"
#include "core/err.h"
#include "core/job.h"
#include "core/snapshot.h"
#include "core/vocab.h"
#include "models/vectors.h"

typedef struct {
    int sg;            /* 1 skip-gram, 0 CBOW */
    int dim;           /* C */
    int window;        /* W: the largest window; each position draws 1..W */
    int neg;           /* K negatives (0 = no negative sampling) */
    int hs;            /* hierarchical softmax on/off */
    double sample;     /* subsampling threshold (0 = off) */
    int min_count;     /* words seen fewer times are dropped */
    int epochs;
    double alpha;      /* starting learning rate */
    double min_alpha;  /* final learning rate */
    int threads;
    uint64_t seed;
} W2VConfig;

/* The defaults of the original tool for the given architecture (alpha 0.025 for skip-gram,
 * 0.05 for CBOW), dim 100, window 5, neg 5, sample 1e-3, min_count 5, 5 epochs. */
W2VConfig w2v_defaults(int sg);

#define W2V_MAX_CODE 40     /* the longest Huffman code we allow (2^40 words) */

typedef struct {
    W2VConfig cfg;
    Vocab vocab;            /* the kept words, most frequent first */
    size_t V, C;
    float *syn0, *syn1neg, *syn1;
    /* Huffman tree for hierarchical softmax: for word w, its code bits and the inner
     * nodes on its path (ids into syn1), codelen[w] of each. */
    uint8_t *codelen;
    uint8_t *codes;         /* V × W2V_MAX_CODE */
    int32_t *points;        /* V × W2V_MAX_CODE */
    float *neg_prob;        /* negative sampling: an alias table over the vocabulary for */
    int32_t *neg_alias;     /* P(w) ∝ count^0.75 (vocab_alias_table) */
    float *keep;            /* subsampling keep probability per word */
    /* what training did */
    int64_t words_trained;  /* words processed (after subsampling) over all epochs */
    double seconds;
    double last_loss;       /* mean loss per output over the last stretch */
    int finished;           /* all epochs ran (0 if stopped early) */
    struct W2VWatch *watch; /* live view while training (NULL: none); set after w2v_init */
} Word2Vec;

/* --- watching training live ---------------------------------------------------------------
 * The window can show chosen words moving while the model trains. The main thread creates a
 * watch, and the job attaches it to the model after w2v_init; from then on the vocabulary
 * is fixed and w2v_watch_vocab() returns it, so the main thread can look words up. It then
 * names the rows to watch (w2v_watch_set); the first training thread copies those rows of
 * syn0, as unit vectors, into the watch's snapshot every `interval` seconds (and once at the
 * end). Reading rows that other threads are updating is the same benign race Hogwild
 * training itself lives with; the copy is only ever looked at, never trained on. */
typedef struct W2VWatch W2VWatch;
W2VWatch *w2v_watch_new(double interval);
void w2v_watch_free(W2VWatch *w);                      /* NULL is fine */
/* Worker side, after w2v_init: publish the fixed vocabulary and start serving the watch. */
void w2v_watch_attach(W2VWatch *w, Word2Vec *m);
/* Main side: the vocabulary once training has started, else NULL. */
const Vocab *w2v_watch_vocab(W2VWatch *w);
/* Main side: watch these vocabulary rows (copied), replacing any earlier list. */
void w2v_watch_set(W2VWatch *w, const size_t *ids, size_t n);
/* Main side: the snapshot the rows arrive in (n × dim, in the order of w2v_watch_set). */
Snapshot *w2v_watch_snapshot(W2VWatch *w);
/* Worker side (called by the trainer): publish if the interval has passed (or force). */
void w2v_watch_publish(W2VWatch *w, const Word2Vec *m, int64_t step, int force);

/* Build the vocabulary and tables from a corpus and initialise the vectors (syn0 uniform in
 * [−0.5/C, 0.5/C], output vectors zero, as word2vec.c does). Refuses configurations that
 * cannot fit in memory, with the estimate. */
int w2v_init(Word2Vec *m, const W2VConfig *cfg, const Corpus *corpus, TzErr *e);
void w2v_free(Word2Vec *m);   /* safe on a zeroed struct */

/* Train on the corpus (the same one given to w2v_init) as a job: progress in words, the
 * running loss; a cancelled job leaves consistent vectors trained so far (returns 0 with
 * m->finished = 0). */
int w2v_train(Word2Vec *m, const Corpus *corpus, Job *job, TzErr *e);

/* The word vectors as a Vectors table (a copy of syn0, with the vocabulary). */
void w2v_to_vectors(const Word2Vec *m, Vectors *out);

/* --- exposed for tests: one output layer step, exact sigmoid ----------------------------
 * For input h (C floats) and n outputs u_j with labels y_j: returns the loss
 * Σ −log σ(±h·u_j) and, if gh/gu are not NULL, the gradients ∂L/∂h (C) and ∂L/∂u_j (n×C). */
double w2v_output_loss(const float *h, const float *const *u, const int *y, int n, int C,
                       float *gh, float *gu);
/* One step of the output layer as the trainer takes it (tabulated sigmoid): for input h,
 * the true word w and either the negatives drawn with *r (ns) or w's Huffman path (hs).
 * Updates the output vectors, adds h's step to neu1e, returns the loss. */
float w2v_ns_step(Word2Vec *m, const float *h, float *neu1e, size_t w, float alpha, uint64_t *r);
float w2v_hs_step(Word2Vec *m, const float *h, float *neu1e, size_t w, float alpha);
/* Skip-gram's step for one window: the nctx context rows predict w through outputs shared
 * by the window (negatives drawn once with *r, and/or w's Huffman path). ex: nctx×C and
 * g: nctx×(neg+1+W2V_MAX_CODE) floats of scratch. Returns the summed loss. */
float w2v_sg_window(Word2Vec *m, const uint32_t *ctx, int nctx, size_t w, float alpha, uint64_t *r,
                    float *ex, float *g);
/* The sigmoid the trainer uses (a table over [−6, 6]); for tests of its accuracy. */
float w2v_sigmoid(float x);

#endif
