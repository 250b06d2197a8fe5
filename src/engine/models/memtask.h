/* memtask.h — the chapter's memory task, and two measurements on it: how far back the
 * gradient of a recurrent network reaches (`gradflow`, the vanishing gradient of Hochreiter
 * 1991 and Bengio, Simard & Frasconi 1994, measured) and how far back a trained network can
 * remember (`memory`: accuracy against the distance d, the experiment behind Hochreiter &
 * Schmidhuber 1997's case for the LSTM).
 *
 * The task: remember the first symbol. A sequence of d + 2 tokens
 *
 *     s  n_1 n_2 … n_d  ?
 *
 * where s is one of K symbols, each n_i one of N noise tokens (uniform, independent of s),
 * and ? is the query marker; the label is s. Everything between s and ? is useless, so a
 * network can only answer above chance (1/K) if something of s survives d + 1 steps in its
 * state — and it can only *learn* to keep it if the gradient of the loss at ? survives the
 * same d + 1 steps back to where s came in.
 *
 * Token ids: 0 … K−1 the symbols (= the classes), K … K+N−1 the noise, K+N the query marker;
 * V = K + N + 1. Sets are drawn from a seed: the same seed gives the same sequences.
 */
#ifndef TZ_MEMTASK_H
#define TZ_MEMTASK_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"
#include "core/job.h"
#include "models/seqclf.h"

typedef struct {
    int K;      /* symbols to remember (the classes; chance is 1/K) */
    int N;      /* noise tokens */
} MemTask;

#define MEMTASK_MAX_D 100000

int memtask_vocab(const MemTask *t);            /* V = K + N + 1 */
int memtask_query(const MemTask *t);            /* the id of the query marker, K + N */

/* n sequences at distance d (each d + 2 tokens) into out (the caller frees it with
 * seqset_free). The symbols are balanced — sequence i remembers symbol i mod K — so that
 * guessing one class scores the chance level 1/K on any set; the noise is drawn from seed. */
void memtask_make(const MemTask *t, int d, size_t n, uint64_t seed, SeqSet *out);

/* --- the gradient, measured ------------------------------------------------------------------- */

/* ‖∂L/∂h_t‖ of m's top layer for t = 0 … len−1, averaged over nseq sequences of the task at
 * distance len − 2 drawn from seed (norms: len values). The loss is at the query (t = len−1);
 * norms[0] is what reaches the step that saw the symbol. With a job: progress in sequences,
 * and a cancelled job stops early. Returns how many sequences the mean is over. */
int memtask_grad_flow(const SeqClf *m, const MemTask *t, int len, int nseq, uint64_t seed, double *norms, Job *job);

/* --- training on the task ----------------------------------------------------------------------- */

typedef struct {
    int E, H;               /* embedding and hidden sizes of the classifier (1 layer) */
    int ntrain, nval;       /* sequences to train on and to measure accuracy on */
    SeqTrainConfig train;   /* batch, epochs, optimiser, lr, clip, max_seconds (seed: the order) */
    int set_fbias;          /* LSTM: start every forget gate from bias fbias instead of the usual 1 */
    float fbias;            /*   (σ(1) = 0.73 of the cell kept per step at first; σ(3) = 0.95) */
} MemRunConfig;

typedef struct {
    double acc;             /* held-out accuracy (chance 1/K) */
    double loss;            /* held-out mean loss (chance log K) */
    double train_loss;
    double seconds;
    long steps;
    int finished;           /* 0: stopped (Ctrl-C) or cut by the time limit */
    int diverged;
} MemRunResult;

/* Set every LSTM forget gate's bias of m to fbias (other kinds: nothing). */
void memtask_set_fbias(SeqClf *m, float fbias);

/* Initialise a classifier of `kind` from seed (m: a zeroed struct; the caller frees it), train
 * it on cfg->ntrain sequences at distance d and measure it on cfg->nval others (sets drawn from
 * seed), as a job. Returns 0 (also when stopped early: r->finished says so), or an error. */
int memtask_run(SeqClf *m, CellKind kind, const MemTask *t, int d, const MemRunConfig *cfg, uint64_t seed,
                MemRunResult *r, Job *job, TzErr *e);

#endif
