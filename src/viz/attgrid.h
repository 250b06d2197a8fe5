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

/* --- the compare view: a few models' attention side by side -------------------------------------
 *
 * `attention compare`: one T × T pattern per model (each with its own tokens: BERT's WordPiece
 * pieces with [CLS]/[SEP], GPT's byte-level BPE, LLaMA's SentencePiece pieces), drawn as square
 * heatmaps in a row under a four-line heading each — the model, its direction in words, where
 * its weights come from, a measured note (each line shrunk to fit its panel's width) — over one
 * shared colour bar (0..1, the same map as the grid). A masked cell
 * (NaN: the future a causal model may not see) is hatched, not coloured, so BERT's full square
 * and GPT's and LLaMA's triangles read apart at a glance. Query tokens label the rows (left of
 * each panel), key tokens the columns (above it, running upwards), every k-th when the cells
 * are too small for every one. */
typedef struct {
    const char *title;              /* "BERT · b1" (the kind first); NULL for none */
    const char *direction;          /* "iki yönlü / bidirectional"; NULL */
    const char *origin;             /* where the weights come from ("random weights"); NULL */
    const char *note;               /* a measured line ("weight above the diagonal 0.41"); NULL */
    int causal;                     /* 1: the direction line in the causal colour, 0 the other */
    size_t T;
    const float *att;               /* T × T, row = query: att[q·T + k]; NaN = masked (hatched) */
    const char *const *tokens;      /* T labels, or NULL */
} AttPanel;

typedef struct {
    const char *title, *subtitle, *footer;   /* NULL for none */
    size_t n;                       /* panels, at most ATTPANELS_MAX */
    const AttPanel *panels;
    long hl_panel, hl_q, hl_k;      /* the cell clicked last (outlined); hl_panel −1: none */
    char decimal_mark;              /* '.' or ','; 0 → '.' */
} AttPanelsScene;

#define ATTPANELS_MAX 4

/* Where view_attpanels puts panel i's matrix: its top-left corner (x0[i], y0) and cell size
 * (cell[i]: side / T[i]); side is the same for every panel (they line up). */
typedef struct {
    float x0[ATTPANELS_MAX], y0, side, cell[ATTPANELS_MAX];
    float head_y;                   /* the baseline of the panels' first heading line */
    float label_px;                 /* the size of the token labels */
    int every[ATTPANELS_MAX];       /* panel i labels every k-th token */
    float bar_x0, bar_y0, bar_x1, bar_y1;   /* the shared colour bar; bar_y0 is its top (= 1) */
} AttPanelsFrame;

void attpanels_layout(const Canvas *c, Font *f, const AttPanelsScene *s, float font_px, AttPanelsFrame *out);
void view_attpanels(Canvas *c, Font *f, const AttPanelsScene *s, float font_px);
/* The cell under (x, y): 1 with the panel, query and key filled, or 0. */
int attpanels_hit(const AttPanelsFrame *fr, const AttPanelsScene *s, float x, float y, size_t *panel, size_t *q,
                  size_t *k);

/* How much attention goes to later tokens: the mean over the T query rows of the weight each
 * puts on the keys after it (k > q), NaN counted as 0. 0 exactly for a causal model's pattern,
 * more than 0 for a bidirectional one; at most (T − 1)/T (a row sums to 1, and the last row has
 * no later key). 0 for T = 0. */
double attgrid_above_diag(const float *m, size_t T);

#endif
