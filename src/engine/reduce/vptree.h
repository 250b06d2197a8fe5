/* vptree.h — a vantage-point tree (Yianilos, "Data structures and algorithms for nearest
 * neighbor search in general metric spaces", SODA 1993) for the k nearest neighbours of
 * every point, in Euclidean distance. Barnes-Hut t-SNE needs them: the affinities p_{j|i}
 * are computed on the k = ⌊3·perplexity⌋ nearest neighbours of each point only.
 *
 * The idea: pick a point v (the vantage point) and the median distance μ from v to the
 * others. Points closer than μ go into the "inside" subtree, the rest "outside". When we
 * look for the neighbours of q and already have k of them within τ, the triangle inequality
 * |d(q,x) − d(v,x)| ≤ d(q,v) tells us which side cannot hold anything closer than τ:
 *   inside  (d(v,x) ≤ μ) is useless if d(q,v) − τ > μ,
 *   outside (d(v,x) ≥ μ) is useless if d(q,v) + τ < μ.
 * In low dimensions this prunes most of the tree; in 100-D word vectors less (distances
 * concentrate), but still enough to beat a full scan, and no N×N matrix is ever made.
 *
 * Layout (no pointers): the tree is implicit in the order of its rows. The subtree over the
 * rows [lo, hi) has its vantage point at row lo, the inside subtree over [lo+1, mid) and the
 * outside over [mid, hi), mid = lo + 1 + (hi − lo − 1)/2; radius[lo] is its μ. Ranges of at
 * most VPTREE_LEAF rows are not split, only scanned. The points are copied in this order, so
 * a subtree's rows are contiguous in memory.
 *
 * Shapes: X is N×D (float rows); nbr and dist2 are N×k (row i: the k nearest neighbours of
 * point i, nearest first, i itself excluded; dist2 their squared distances).
 * Memory: N×D floats for the copy plus 2N words, whatever k is.
 */
#ifndef TZ_VPTREE_H
#define TZ_VPTREE_H

#include <stddef.h>
#include <stdint.h>
#include "core/job.h"
#include "core/pool.h"

#define VPTREE_LEAF 12

typedef struct {
    size_t n, d;
    float *pts;      /* N×D: the points in tree order */
    uint32_t *id;    /* N: tree row → row of X */
    float *radius;   /* N: μ of the subtree whose vantage point is this row (unused in leaves) */
} VpTree;

/* Build over the n rows of X (n < 2³²); seed picks the vantage points. */
void vptree_build(VpTree *t, const float *X, size_t n, size_t d, uint64_t seed);
void vptree_free(VpTree *t);   /* safe on a zeroed struct */

/* The k nearest neighbours (1 ≤ k < n) of every point of the tree, in X's row numbers.
 * Parallel over the pool (NULL: this thread). Returns 0, or TZ_E_CANCELLED if the job was
 * cancelled on the way (then nbr and dist2 are incomplete). */
int vptree_knn_all(const VpTree *t, size_t k, Pool *pool, const Job *job, uint32_t *nbr, float *dist2);

/* |a − b|² over d floats: the one distance the tree and the tests use. */
float vptree_dist2(const float *a, const float *b, size_t d);

#endif
