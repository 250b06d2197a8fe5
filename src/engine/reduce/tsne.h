/* tsne.h — t-SNE (van der Maaten & Hinton, "Visualizing Data using t-SNE", JMLR 2008): the
 * exact O(N²) algorithm for the embedding plots of up to a few thousand words, and
 * Barnes-Hut t-SNE (van der Maaten, "Accelerating t-SNE using tree-based algorithms", JMLR
 * 2014), O(N log N) per iteration, for maps of 10⁴–10⁵ words.
 *
 * Shapes: X is N×D (input points), Y is N×2 (the map).
 *   p_{j|i} ∝ exp(−|x_i − x_j|² / 2σ_i²), σ_i found by bisection so that the perplexity
 *            2^H(P_i) equals the one asked for; P = (P + Pᵀ) / 2N
 *   q_ij    = (1 + |y_i − y_j|²)⁻¹ / Z,  Z = Σ_{k≠l} (1 + |y_k − y_l|²)⁻¹
 *   KL(P‖Q) = Σ p_ij log(p_ij / q_ij),   ∂KL/∂y_i = 4 Σ_j (p_ij − q_ij)(1 + |y_i − y_j|²)⁻¹ (y_i − y_j)
 *
 * Exact: P is dense (N×N), every pair is computed.
 * Barnes-Hut (the same formulas, two approximations):
 *  - p_{j|i} only over the k = ⌊3·perplexity⌋ nearest neighbours of i (found with a
 *    vantage-point tree, vptree.h), 0 elsewhere — the paper's choice: the Gaussian of
 *    perplexity u gives the points beyond its 3u nearest little weight. (Little, not none:
 *    the two methods' KL values are of slightly different P's and not directly comparable;
 *    on 100-D word vectors the sparse one is about a third higher.) P is
 *    sparse (CSR, at most 2Nk entries) and the attractive part of the gradient,
 *    4 Σ_j p_ij w_ij (y_i − y_j) with w_ij = (1 + |y_i − y_j|²)⁻¹, costs O(Nk);
 *  - the repulsive part, −4 Σ_j w_ij² (y_i − y_j) / Z, and Z itself come from a quad-tree
 *    over the map (quadtree.h): far cells act as one point at their centre of mass.
 *    theta (θ, 0.5) trades accuracy for speed; θ = 0 gives the exact sums.
 *  The KL divergence uses the quad-tree's estimate of Z, as scikit-learn does.
 *
 * Optimisation, the same for both, as in the reference implementation: gradient descent
 * with momentum (0.5, then 0.8 after the early exaggeration), per-coordinate gains (+0.2
 * while the gradient keeps pointing against the last step, ×0.8 otherwise, at least 0.01),
 * early exaggeration (P × 12 for the first 250 iterations; momentum and gains start afresh
 * when it ends, as in scikit-learn), the map re-centred every step.
 * Initialisation: the first two principal components scaled to a standard deviation of 1e-4
 * (deterministic, and keeps the global layout), or with init_random Gaussian noise of that
 * standard deviation drawn from `seed`.
 *
 * Learning rate "auto" (learning_rate ≤ 0): η = max(N / α / 4, 50), α the early exaggeration
 * (12). Current practice (Belkina et al. 2019, "Automated optimized parameters for
 * t-distributed stochastic neighbor embedding"; openTSNE) is η = N/α for a gradient written
 * without the constant 4; our gradient, like scikit-learn's, carries the 4 (formula above),
 * so the same step is η = N/(4α) here — which is scikit-learn's "auto". Why N/α: in the
 * early phase the attraction is η·4·α·p_ij with p_ij of order 1/(N·k), so η·4·α = N keeps
 * that step the same size whatever N is (a fixed η = 200 crawls on 10⁵ points). The floor of
 * 50 keeps small maps moving (N/48 is only 10 for N = 500).
 *
 * Method AUTO: exact below TSNE_AUTO_EXACT_BELOW points (or when the perplexity is too large
 * for Barnes-Hut's neighbour lists), Barnes-Hut from there on; see tsne.c for why 500.
 */
#ifndef TZ_TSNE_H
#define TZ_TSNE_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"
#include "core/job.h"
#include "core/pool.h"
#include "core/snapshot.h"

typedef enum { TSNE_AUTO, TSNE_EXACT, TSNE_BARNES_HUT } TsneMethod;

#define TSNE_AUTO_EXACT_BELOW 500
#define TSNE_EXACT_MAX 20000   /* exact t-SNE needs 16·N² bytes: 6.4 GB at this N */

typedef struct {
    double perplexity;     /* 30 usually; exact: < N; Barnes-Hut: < (N − 1)/3 */
    double learning_rate;  /* ≤ 0: auto, max(N / exaggeration / 4, 50) (see above) */
    int iterations;        /* 1000 usually */
    double exaggeration;   /* 12 */
    int exaggeration_iters;/* 250 */
    TsneMethod method;     /* AUTO: exact for small N, Barnes-Hut above */
    double theta;          /* Barnes-Hut accuracy (0.5); 0 = exact sums */
    int init_random;       /* 0: PCA initialisation (default); 1: random, from seed */
    uint64_t seed;
    int threads;           /* ≤ 0: all cores (Barnes-Hut only; exact runs on one) */
    const double *start;   /* NULL, or an n×2 map to continue from (the live view): it replaces
                              the initialisation; set exaggeration_iters = 0 with it */
} TsneConfig;

TsneConfig tsne_defaults(void);

/* The symmetric affinities P (N×N) of the input points, for a perplexity. */
int tsne_affinities(const float *X, size_t n, size_t d, double perplexity, double *P, TzErr *e);
/* KL(P‖Q) of a map Y and, if grad is not NULL, its gradient (N×2). */
double tsne_kl(const double *P, const double *Y, size_t n, double *grad);

/* Sparse symmetric affinities (Barnes-Hut): row i holds p_ij for the columns
 * col[row[i] .. row[i+1]), increasing; the matrix is symmetric and sums to 1. */
typedef struct {
    size_t n, nnz;
    size_t *row;     /* N + 1 */
    uint32_t *col;   /* nnz */
    double *val;     /* nnz */
} TsneSparse;

/* P on the ⌊3·perplexity⌋ nearest neighbours of each point (1 < perplexity < (n − 1)/3).
 * Parallel over pool (NULL: this thread); returns TZ_E_CANCELLED if job is cancelled. */
int tsne_affinities_sparse(const float *X, size_t n, size_t d, double perplexity, Pool *pool, const Job *job,
                           TsneSparse *P, TzErr *e);
void tsne_sparse_free(TsneSparse *P);   /* safe on a zeroed struct */
/* Barnes-Hut: the KL divergence of a map (with the quad-tree's Z) and, if grad is not NULL,
 * its gradient (N×2), for an accuracy theta ≥ 0. Allocates its own work space (tsne_run
 * keeps one across iterations instead). */
double tsne_bh_kl(const TsneSparse *P, const double *Y, double theta, Pool *pool, double *grad);

/* Run t-SNE: Y (n×2) receives the map. As a job: progress in iterations, and every 10
 * iterations the KL as the "loss" (exact: of that iteration; Barnes-Hut: computed every 50
 * iterations, as it costs a logarithm per neighbour pair). A cancelled run keeps the map
 * reached so far and returns 0 with its KL; cancelled before the first iteration (while the
 * neighbours are searched) it returns TZ_E_CANCELLED, Y holding the initial map.
 * *kl gets the final KL divergence (of the true P, also when stopped during the early
 * exaggeration). If snap is not NULL (and snapshot_wanted), the map is published to it every
 * 10 iterations so the window can animate it. */
int tsne_run(const float *X, size_t n, size_t d, const TsneConfig *cfg, double *Y, double *kl, Job *job,
             Snapshot *snap, TzErr *e);

/* The method tsne_run uses for n points under cfg (AUTO resolved). */
TsneMethod tsne_method_for(const TsneConfig *cfg, size_t n);

#endif
