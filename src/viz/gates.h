/* gates.h — the gates view: what a recurrent network did with a text, one heatmap per gate.
 *
 * Each panel is a units × time matrix (one row per hidden unit shown, one column per token)
 * of one quantity of one layer: the LSTM's gates f i g o with its cell state c and hidden
 * state h, the GRU's r z n and h, the Elman RNN's h. Panels sit in a grid chosen so that
 * the cells come out as large as the canvas allows; every panel has its own colour bar
 * (sigmoid gates sequential over 0..1, tanh values diverging over −1..1, the cell state
 * diverging over its own range) and the tokens written under its time axis. The column of
 * the current token is outlined in every panel and its token drawn in the accent colour on
 * a light band, so that the eye finds "now" at once.
 *
 * Like plots.h, the view knows nothing about models: the REPL picks the units and copies the
 * numbers; the scene holds pointers only for the duration of the call.
 */
#ifndef TZ_GATES_H
#define TZ_GATES_H

#include <stddef.h>
#include "viz/canvas.h"
#include "viz/colormap.h"

#define GATES_MAX_PANELS 8

typedef struct {
    const char *title;         /* "f — forget gate (σ)"; NULL for none */
    const float *values;       /* rows × cols, row-major: values[r * cols + t]; NaN = no value */
    CmapKind cmap;             /* CMAP_SEQ over [vmin, vmax]; CMAP_DIV over ±max(|vmin|, |vmax|) */
    float vmin, vmax;
} GatePanel;

typedef struct {
    const char *title;                  /* first line, large; NULL for none */
    const char *subtitle;               /* a smaller grey line under it; NULL */
    const char *footer;                 /* a grey line at the bottom (keys, legend); NULL */
    const GatePanel *panels;
    size_t npanels;                     /* at most GATES_MAX_PANELS */
    size_t rows, cols;                  /* units shown × time steps (tokens) */
    const char *const *row_labels;      /* rows strings (the unit numbers); NULL for none */
    const unsigned char *row_marked;    /* rows flags: a marked row's label is drawn in the
                                           accent colour (the units the user watches); NULL */
    const char *const *tokens;          /* cols strings under the time axis; NULL for none */
    long current;                       /* the column of the current token; -1 for none */
    char decimal_mark;                  /* '.' or ','; 0 → '.' */
} GatesScene;

/* Where view_gates puts things (hit-testing, tests). Panel p's cell (r, t) covers
 * x in [x0[p] + t·cell_w, x0[p] + (t+1)·cell_w) and y likewise from y0[p] with cell_h. */
typedef struct {
    int grid_cols, grid_rows;           /* panels across and down */
    float x0[GATES_MAX_PANELS], y0[GATES_MAX_PANELS];
    float cell_w, cell_h;
    float label_px;                     /* the size of row labels and panel titles */
    float token_px;                     /* the size of the tokens: smaller than label_px when
                                           that keeps them across their columns */
    int tokens_vertical;                /* tokens turned to run bottom-to-top (words that do
                                           not fit even at the smaller size) */
    int token_every;                    /* every k-th token written (1: all), and always the
                                           current one */
    int row_every;                      /* every k-th row labelled (1: all) */
} GatesFrame;

void gates_layout(const Canvas *c, Font *f, const GatesScene *s, float font_px, GatesFrame *out);
void view_gates(Canvas *c, Font *f, const GatesScene *s, float font_px);
/* The panel, row and column under (x, y): 1 and the three filled, or 0. */
int gates_hit(const GatesFrame *fr, const GatesScene *s, float x, float y, size_t *panel, size_t *row, size_t *col);

#endif
