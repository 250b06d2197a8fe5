/* quadtree.c — see quadtree.h. */
#include "reduce/quadtree.h"
#include "core/err.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void quadtree_init(QuadTree *t, size_t n)
{
    TZ_ASSERT(n >= 1 && n < (1u << 31));
    memset(t, 0, sizeof *t);
    t->n = n;
    t->node = tz_malloc(2 * n * sizeof *t->node);
    t->ys = tz_malloc(2 * n * sizeof *t->ys);
    t->perm = tz_malloc(n * sizeof *t->perm);
    t->perm2 = tz_malloc(n * sizeof *t->perm2);
    t->code = tz_malloc(n * sizeof *t->code);
    t->code2 = tz_malloc(n * sizeof *t->code2);
}

void quadtree_free(QuadTree *t)
{
    free(t->node);
    free(t->ys);
    free(t->perm);
    free(t->perm2);
    free(t->code);
    free(t->code2);
    memset(t, 0, sizeof *t);
}

/* spread the 16 bits of v to the even bit positions: abcd → 0a0b0c0d */
static uint32_t spread_bits(uint32_t v)
{
    v &= 0xFFFF;
    v = (v | (v << 8)) & 0x00FF00FF;
    v = (v | (v << 4)) & 0x0F0F0F0F;
    v = (v | (v << 2)) & 0x33333333;
    v = (v | (v << 1)) & 0x55555555;
    return v;
}

/* how many leading 2-bit groups two codes share: the level of the smallest cell holding both */
static unsigned common_level(uint32_t a, uint32_t b)
{
    uint32_t x = a ^ b;
    return x ? (unsigned)__builtin_clz(x) / 2 : 16;
}

typedef struct {
    QuadTree *t;
    double theta2;    /* θ², or 0 for θ = 0 */
} Builder;

/* Write the cell over sorted points [a, b) and its subtree; returns its index. */
static uint32_t build_cell(Builder *B, uint32_t a, uint32_t b)
{
    QuadTree *t = B->t;
    uint32_t k = (uint32_t)t->nnodes++;
    QtNode *c = &t->node[k];
    /* the codes are sorted, so the prefix the first and last share is shared by all */
    unsigned level = b - a == 1 ? 16 : common_level(t->code[a], t->code[b - 1]);
    double side = ldexp(t->side, -(int)level);
    c->open2 = B->theta2 > 0 ? side * side / B->theta2 : INFINITY;
    c->start = a;
    c->count = b - a;
    double sx = 0, sy = 0;
    if (b - a <= QT_LEAF || level >= 16) {
        for (uint32_t p = a; p < b; p++) { sx += t->ys[2 * p]; sy += t->ys[2 * p + 1]; }
    } else {
        /* the 2 bits below the shared prefix say which quadrant a point is in; the codes
         * are sorted, so the four quadrants are four consecutive runs */
        unsigned shift = 30 - 2 * level;
        uint32_t lo = a;
        for (uint32_t q = 0; q < 4 && lo < b; q++) {
            uint32_t hi = lo;   /* first point past quadrant q: binary search */
            uint32_t l = lo, r = b;
            while (l < r) {
                uint32_t m = l + (r - l) / 2;
                if (((t->code[m] >> shift) & 3u) <= q) l = m + 1; else r = m;
            }
            hi = l;
            if (hi > lo) {
                uint32_t ch = build_cell(B, lo, hi);
                const QtNode *cc = &t->node[ch];
                sx += cc->cx * cc->count;
                sy += cc->cy * cc->count;
            }
            lo = hi;
        }
        c = &t->node[k];
    }
    c->cx = sx / (double)(b - a);
    c->cy = sy / (double)(b - a);
    c->next = (uint32_t)t->nnodes;
    return k;
}

void quadtree_build(QuadTree *t, const double *Y, double theta)
{
    size_t n = t->n;
    double x0 = Y[0], x1 = Y[0], y0 = Y[1], y1 = Y[1];
    for (size_t i = 1; i < n; i++) {
        x0 = fmin(x0, Y[2 * i]); x1 = fmax(x1, Y[2 * i]);
        y0 = fmin(y0, Y[2 * i + 1]); y1 = fmax(y1, Y[2 * i + 1]);
    }
    /* a square root cell, a hair larger than the points so the largest lands inside */
    double side = fmax(x1 - x0, y1 - y0);
    if (!(side > 1e-100)) side = 1e-100;   /* all points (nearly) on one spot: one leaf */
    side *= 1.0 + 1e-9;
    t->side = side;
    double scale = 65536.0 / side;
    for (size_t i = 0; i < n; i++) {
        /* the square's column and row, 0..65535 (written so that a NaN lands in 0 instead
         * of being converted to an integer, which C leaves undefined) */
        double gx = (Y[2 * i] - x0) * scale, gy = (Y[2 * i + 1] - y0) * scale;
        uint32_t qx = !(gx > 0) ? 0u : gx >= 65535.0 ? 65535u : (uint32_t)gx;
        uint32_t qy = !(gy > 0) ? 0u : gy >= 65535.0 ? 65535u : (uint32_t)gy;
        t->code[i] = (spread_bits(qy) << 1) | spread_bits(qx);
        t->perm[i] = (uint32_t)i;
    }
    /* LSD radix sort of (code, row), 8 bits per pass; stable, so equal codes keep row order */
    uint32_t *c_in = t->code, *c_out = t->code2, *p_in = t->perm, *p_out = t->perm2;
    for (unsigned shift = 0; shift < 32; shift += 8) {
        size_t count[257] = { 0 };
        for (size_t i = 0; i < n; i++) count[((c_in[i] >> shift) & 255u) + 1]++;
        for (int b = 0; b < 256; b++) count[b + 1] += count[b];
        for (size_t i = 0; i < n; i++) {
            size_t at = count[(c_in[i] >> shift) & 255u]++;
            c_out[at] = c_in[i];
            p_out[at] = p_in[i];
        }
        uint32_t *s = c_in; c_in = c_out; c_out = s;
        s = p_in; p_in = p_out; p_out = s;
    }
    /* four passes: the sorted data is back in code/perm */
    for (size_t s = 0; s < n; s++) {
        t->ys[2 * s] = Y[2 * (size_t)t->perm[s]];
        t->ys[2 * s + 1] = Y[2 * (size_t)t->perm[s] + 1];
    }
    t->nnodes = 0;
    Builder B = { .t = t, .theta2 = theta * theta };
    build_cell(&B, 0, (uint32_t)n);
}

double quadtree_repulsion(const QuadTree *t, size_t s, double *fx, double *fy)
{
    const QtNode *node = t->node;
    const double *ys = t->ys;
    double x = ys[2 * s], y = ys[2 * s + 1], sx = 0, sy = 0, z = 0;
    uint32_t k = 0, K = (uint32_t)t->nnodes, self = (uint32_t)s;
    while (k < K) {
        const QtNode *c = &node[k];
        double dx = x - c->cx, dy = y - c->cy, d2 = dx * dx + dy * dy;
        /* far enough, and not a cell that holds s itself (its centre of mass would include
         * s, and a point does not repel itself): one term for the whole cell */
        if (d2 > c->open2 && self - c->start >= c->count) {
            double w = 1.0 / (1.0 + d2), mw = c->count * w;
            z += mw;
            mw *= w;
            sx += mw * dx;
            sy += mw * dy;
            k = c->next;
        } else if (c->next == k + 1 && c->count > QT_LEAF) {
            /* a leaf of the deepest level holding many points: they sit (nearly) on one spot
             * (duplicate vectors), so one term for all of them but s itself, as far as it is
             * from their centre. Summing them one by one would make each iteration O(N²). */
            double m = (double)c->count - (self - c->start < c->count ? 1.0 : 0.0);
            double w = 1.0 / (1.0 + d2), mw = m * w;
            z += mw;
            mw *= w;
            sx += mw * dx;
            sy += mw * dy;
            k++;
        } else if (c->next == k + 1) {   /* a leaf too close to summarise: its points one by one */
            for (uint32_t p = c->start, e = c->start + c->count; p < e; p++) {
                if (p == self) continue;
                double ex = x - ys[2 * p], ey = y - ys[2 * p + 1];
                double w = 1.0 / (1.0 + ex * ex + ey * ey);
                z += w;
                sx += w * w * ex;
                sy += w * w * ey;
            }
            k++;
        } else {
            k++;                           /* open the cell: its first child is next in the array */
        }
    }
    *fx += sx;
    *fy += sy;
    return z;
}
