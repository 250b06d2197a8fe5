/* tsne.h — t-SNE (van der Maaten & Hinton, "Visualizing Data using t-SNE", JMLR 2008), the
 * exact O(N²) algorithm, for the embedding plots of up to a few thousand words.
 *
 * Shapes: X is N×D (input points), Y is N×2 (the map).
 *   p_{j|i} ∝ exp(−|x_i − x_j|² / 2σ_i²), σ_i found by bisection so that the perplexity
 *            2^H(P_i) equals the one asked for; P = (P + Pᵀ) / 2N
 *   q_ij    = (1 + |y_i − y_j|²)⁻¹ / Z,  Z = Σ_{k≠l} (1 + |y_k − y_l|²)⁻¹
 *   KL(P‖Q) = Σ p_ij log(p_ij / q_ij),   ∂KL/∂y_i = 4 Σ_j (p_ij − q_ij)(1 + |y_i − y_j|²)⁻¹ (y_i − y_j)
 * Optimisation as in the reference implementation: gradient descent with momentum (0.5, then
 * 0.8), per-coordinate gains, early exaggeration (P × 12 for the first 250 iterations), and
 * the learning rate max(N / 12 / 4, 50) when none is given (sklearn's "auto"). Initialisation:
 * the first two principal components scaled to a standard deviation of 1e-4 (PCA init is
 * deterministic and keeps the global layout).
 */
#ifndef TZ_TSNE_H
#define TZ_TSNE_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"
#include "core/job.h"
#include "core/snapshot.h"

typedef enum { TSNE_AUTO, TSNE_EXACT, TSNE_BARNES_HUT } TsneMethod;

typedef struct {
    double perplexity;     /* 30 usually; must be < N */
    double learning_rate;  /* ≤ 0: auto */
    int iterations;        /* 1000 usually */
    double exaggeration;   /* 12 */
    int exaggeration_iters;/* 250 */
    TsneMethod method;     /* AUTO: exact for small N, Barnes-Hut above */
    double theta;          /* Barnes-Hut accuracy (0.5) */
    int init_random;       /* 0: PCA initialisation (default); 1: random, from seed */
    uint64_t seed;
    int threads;           /* ≤ 0: all cores */
} TsneConfig;

TsneConfig tsne_defaults(void);

/* The symmetric affinities P (N×N) of the input points, for a perplexity. */
int tsne_affinities(const float *X, size_t n, size_t d, double perplexity, double *P, TzErr *e);
/* KL(P‖Q) of a map Y and, if grad is not NULL, its gradient (N×2). */
double tsne_kl(const double *P, const double *Y, size_t n, double *grad);
/* Run t-SNE: Y (n×2) receives the map. As a job: progress in iterations, the KL as the
 * "loss" every 50 iterations; a cancelled run keeps the map reached so far. *kl gets the
 * final KL divergence. If snap is not NULL (and snapshot_wanted), the map is published to it
 * every few iterations so the window can animate it. */
int tsne_run(const float *X, size_t n, size_t d, const TsneConfig *cfg, double *Y, double *kl, Job *job,
             Snapshot *snap, TzErr *e);

#endif
