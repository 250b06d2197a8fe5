/* attgrid.h — every attention head of a Transformer at once: the layers × heads grid of
 * thumbnails (BertViz's "model view", drawn our own way).
 *
 * One thumbnail per (layer, head): that head's tokens × tokens attention pattern, the query
 * tokens down and the key tokens across, on the sequential map over the fixed range 0..1 so
 * that the heads can be compared with one another (a bright cell is a strong weight in every
 * thumbnail). Layers run down (L0 at the top, as the text flows through the model), heads run
 * across (H0 on the left). A causal model's future positions are given as NaN and left
 * unpainted, so the lower triangle stands out against the page. Patterns a class looks for —
 * a head that looks at the previous token (a bright line just below the diagonal), at the
 * first token (a bright first column), at itself (the diagonal), or spreads evenly — show up
 * at a glance; a short note under each thumbnail (written by the caller from measured
 * numbers, e.g. "prev 0.81") says it in words when there is room.
 *
 * A thumbnail smaller than its T × T cells (GPT-2's 12 × 12 heads over a long text) shows
 * the strongest weight of the cells behind each pixel (max pooling), so that a one-cell-wide
 * line such as the previous-token diagonal survives being shrunk instead of fading into its
 * neighbours.
 *
 * Like plots.h, the view knows nothing about models: the caller hands over plain arrays,
 * kept alive for the duration of the call.
 */
#ifndef TZ_ATTGRID_H
#define TZ_ATTGRID_H

#include <stddef.h>
#include "viz/canvas.h"

typedef struct {
    const char *title;              /* first line, large; NULL for none */
    const char *subtitle;           /* a smaller grey line under it (the tokens); NULL */
    const char *footer;             /* a grey line at the bottom (how to read it); NULL */
    size_t layers, heads, T;        /* the grid is layers × heads thumbnails of T × T cells */
    const float *att;               /* layers × heads × T × T, row-major:
                                       att[((l·heads + h)·T + q)·T + k], query q, key k;
                                       NaN = masked (not drawn) */
    const char *const *notes;       /* layers·heads short notes (index l·heads + h) under the
                                       thumbnails when they fit; NULL, or NULL entries, none */
    long highlight;                 /* the thumbnail l·heads + h outlined in the accent
                                       colour, its labels too; -1 for none */
    char decimal_mark;              /* '.' or ','; 0 → '.' */
} AttGridScene;

/* Where view_attgrid puts things (hit-testing, tests). Thumbnail (l, h) covers
 * x in [x0 + h·step_x, x0 + h·step_x + side), y in [y0 + l·step_y, y0 + l·step_y + side). */
typedef struct {
    float x0, y0;                   /* the top-left corner of thumbnail (0, 0) */
    float side;                     /* a thumbnail's width and height, pixels */
    float step_x, step_y;           /* from one thumbnail to the next across and down */
    float label_px;                 /* the size of the L/H labels */
    float note_px;                  /* the size of the notes; 0 when they are not drawn */
    float bar_x0, bar_y0, bar_x1, bar_y1;   /* the shared colour bar; bar_y0 is its top (= 1) */
    int label_every;                /* every k-th layer/head labelled (1: all) */
} AttGridFrame;

void attgrid_layout(const Canvas *c, Font *f, const AttGridScene *s, float font_px, AttGridFrame *out);
void view_attgrid(Canvas *c, Font *f, const AttGridScene *s, float font_px);
/* The thumbnail under (x, y): 1 with layer and head filled, or 0 (between thumbnails, or
 * outside the grid). */
int attgrid_hit(const AttGridFrame *fr, const AttGridScene *s, float x, float y, size_t *layer, size_t *head);

/* The colour of one thumbnail pixel that covers queries [q0, q1) and keys [k0, k1) of the
 * T × T matrix m: the largest finite weight among them (max pooling) mapped onto 0..1, or a
 * negative value when every cell there is masked. Exposed for the tests. */
float attgrid_pool(const float *m, size_t T, size_t q0, size_t q1, size_t k0, size_t k1);

#endif
