/* quadtree.h — the quad-tree of Barnes-Hut t-SNE (van der Maaten, "Accelerating t-SNE using
 * tree-based algorithms", JMLR 2014), rebuilt from the map at every iteration.
 *
 * What it is for: the repulsive part of the t-SNE gradient is a sum over all pairs,
 *     F_i = Σ_j w_ij² (y_i − y_j),   Z = Σ_i Σ_{j≠i} w_ij,   w_ij = (1 + |y_i − y_j|²)⁻¹,
 * O(N²). Seen from far away, a cell of the tree holding `count` points acts like one point
 * of that weight at their centre of mass c: count·w² (y_i − c) and count·w. "Far" is the
 * Barnes-Hut test: side / |y_i − c| < θ, where side is the cell's side length (the test of
 * the paper; θ = 0 never summarises, and gives the exact sum). A point needs O(log N) cells
 * instead of N points.
 *
 * How it is built (a "linear" quad-tree, no pointers):
 *  1. the square around all points is cut into 2¹⁶ × 2¹⁶ little squares; each point gets the
 *     Morton code of its square (the bits of x and y interleaved: y₁₅x₁₅y₁₄x₁₄…), so that
 *     every quad-tree cell is the set of codes sharing a prefix of 2·level bits;
 *  2. the points are sorted by code (radix sort): every cell is now a contiguous run
 *     [start, start + count) of the sorted points;
 *  3. the cells are written depth first. A cell whose points all fall in one quadrant is
 *     skipped straight to the smallest cell that still holds them all (so a cell always has
 *     2–4 children, and at most 2N cells exist); a cell of at most QT_LEAF points is a leaf,
 *     and so is a little square holding more (points closer than side/65536 to each other):
 *     a leaf too close to summarise is summed point by point, so nothing is ever lost.
 * Each cell stores `next`, the index of the first cell after its subtree. A walk is then a
 * loop over the array: open a cell → go to i + 1, summarise it → jump to next. A leaf is a
 * cell whose next is i + 1. No stack, no pointers, and the walk only ever moves forward in
 * memory. Points are visited in sorted order too, so neighbouring points walk the same
 * cells one after another, while those are in cache.
 *
 * Shapes: Y is N×2 (the map, double); ys N×2 the same points in Morton order, perm N
 * (sorted position → row of Y). Memory: about 150 bytes per point, allocated once.
 */
#ifndef TZ_QUADTREE_H
#define TZ_QUADTREE_H

#include <stddef.h>
#include <stdint.h>

#define QT_LEAF 8

typedef struct {
    double cx, cy;    /* centre of mass of the cell's points */
    double open2;     /* (side / θ)²: the cell is far enough when the squared distance exceeds it */
    uint32_t start;   /* first of its points in the sorted order */
    uint32_t count;   /* how many points */
    uint32_t next;    /* first cell after this subtree (a leaf: its own index + 1) */
} QtNode;

typedef struct {
    size_t n, nnodes;
    QtNode *node;     /* ≤ 2N cells, depth first */
    double *ys;       /* N×2 points in Morton order */
    uint32_t *perm;   /* N: sorted position → row of Y */
    uint32_t *code, *code2, *perm2;   /* radix-sort buffers */
    double side;      /* side of the root square */
} QuadTree;

void quadtree_init(QuadTree *t, size_t n);   /* allocates everything for n points (n < 2³¹) */
void quadtree_free(QuadTree *t);             /* safe on a zeroed struct */
/* Sort the n points of Y and build the cells for the accuracy theta (≥ 0). */
void quadtree_build(QuadTree *t, const double *Y, double theta);
/* The repulsion on the point at sorted position s: adds Σ_j w² (y_s − y_j) to (*fx, *fy) and
 * returns Σ_j w, both over all j ≠ s, cells summarised by the Barnes-Hut test. */
double quadtree_repulsion(const QuadTree *t, size_t s, double *fx, double *fy);

#endif
