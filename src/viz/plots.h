/* plots.h — heatmaps and line plots drawn from plain data onto a canvas.
 *
 * Like views.h, these views know nothing about models: the REPL (or a job's snapshot) fills
 * a scene with pointers and counts, and the view draws it, scaled to the canvas, in the
 * house style (light background, dark ink, grey frame, text sized by font_px so that it
 * reads from the back of a classroom). The scenes hold no callbacks and own nothing: the
 * caller keeps the arrays alive during the call.
 *
 * What they are for:
 *  - view_heatmap: a cosine-similarity matrix (words × words, diverging map, -1..1); an
 *    attention map (query tokens × key tokens, sequential 0..1, the future positions of a
 *    causal model given as NaN); gate activations (units × time steps).
 *  - view_lines: the live loss curve of a training job (step → loss); gradient flow
 *    (|∂L/∂h_t| against t on a log axis, one line per model).
 *  - view_bars: labelled horizontal bars, positive to the right of a zero line and negative
 *    to the left: the n-gram contributions of a FastText word vector (with where each
 *    n-gram pulls as a side note); later the probabilities of the next token.
 */
#ifndef TZ_PLOTS_H
#define TZ_PLOTS_H

#include <stddef.h>
#include "viz/canvas.h"
#include "viz/colormap.h"

/* Eight colours for series, in the order they are handed out. Designed in OKLCh: they
 * differ in hue and in lightness, so that the first four stay apart for viewers with the
 * common red–green colour-vision deficiencies too, and every one stands out against the
 * light background. Series i gets PLOT_PALETTE[i % PLOT_PALETTE_N]. */
#define PLOT_PALETTE_N 8
extern const Rgba PLOT_PALETTE[PLOT_PALETTE_N];
Rgba plot_colour(size_t i);

/* Copy a number printed by printf into out (cap bytes): '.' becomes the decimal mark (mark 0
 * leaves it), a '-' before a digit becomes a real minus sign (U+2212, as wide as a plus,
 * unlike a hyphen), and "-0.00" loses its sign. Every view prints its numbers through it. */
void plots_tidy_number(const char *in, char mark, char *out, size_t cap);

/* --- heatmap ----------------------------------------------------------------------------- */

typedef struct {
    const char *title;                 /* above the matrix; NULL for none */
    size_t rows, cols;
    const float *values;               /* rows × cols, row-major: values[r * cols + c];
                                          NaN = no value (drawn hatched, not coloured) */
    const char *const *row_labels;     /* rows UTF-8 strings, left of the rows; NULL for none */
    const char *const *col_labels;     /* cols strings, along the top (or bottom); NULL for none.
                                          Turned to run bottom-to-top when they do not fit
                                          across their columns. */
    const char *row_title, *col_title; /* captions of the two axes ("query", "key"); NULL */
    const char *bar_label;             /* caption above the colour bar ("cos", "p"); NULL */
    CmapKind cmap;                     /* CMAP_SEQ over [vmin, vmax]; CMAP_DIV centred at 0,
                                          over ±max(|vmin|, |vmax|) */
    float vmin, vmax;                  /* the colour range; vmin >= vmax: from the finite values */
    long highlight_row, highlight_col; /* outlined, their labels in red; -1 for none */
    int show_values;                   /* 0: print each value in its cell when the cells are
                                          large enough; -1: never */
    const char *value_format;          /* printf format for one double; NULL → "%.2f" */
    int col_labels_bottom;             /* 0: column labels above the matrix; 1: below it */
    char decimal_mark;                 /* '.' or ',' in printed numbers; 0 → '.' */
} HeatmapScene;

/* Where view_heatmap puts things, for hit-testing (which cell is under the mouse) and tests.
 * Cell (r, c) covers x in [x0 + c*cell_w, x0 + (c+1)*cell_w), y likewise from y0 with
 * cell_h, each edge rounded to a whole pixel. */
typedef struct {
    float x0, y0, cell_w, cell_h;      /* the matrix's top-left corner and cell size, pixels */
    float vmin, vmax;                  /* the colour range in use (after the automatic choice) */
    float bar_x0, bar_y0, bar_x1, bar_y1;   /* the colour bar; bar_y0 is its top (= vmax) */
    int col_labels_vertical;           /* the column labels run bottom-to-top */
    int values_shown;                  /* the values are printed in the cells */
    float label_px;                    /* the size of the row and column labels */
} HeatmapFrame;

void heatmap_layout(const Canvas *c, Font *f, const HeatmapScene *s, float font_px, HeatmapFrame *out);
void view_heatmap(Canvas *c, Font *f, const HeatmapScene *s, float font_px);

/* --- line plot --------------------------------------------------------------------------- */

typedef struct {
    const char *label;                 /* in the legend; NULL or "" keeps it out */
    Rgba colour;                       /* alpha 0 → plot_colour(index of the series) */
    const float *x;                    /* n x values (best increasing), or NULL for 0..n-1 */
    const float *y;                    /* n y values; NaN (and, on a log axis, y <= 0) breaks
                                          the line there */
    size_t n;
    float width;                       /* line width in pixels; 0 → font_px / 7 */
} LineSeries;

typedef struct {
    const char *title, *xlabel, *ylabel;   /* NULL for none; ylabel runs up the left side */
    const LineSeries *series;
    size_t nseries;
    int log_y;                         /* logarithmic y axis: ticks at powers of ten */
    float xmin, xmax, ymin, ymax;      /* the axis ranges; where min >= max (e.g. both 0),
                                          from the data (y with a small margin) */
    char decimal_mark;                 /* '.' or ','; 0 → '.' */
} LinesScene;

/* The plot area and the data range at its edges: plot_px_x/plot_px_y map data to pixels. */
typedef struct {
    float x0, y0, x1, y1;              /* left, top, right, bottom of the plot area, pixels */
    double xmin, xmax, ymin, ymax;     /* data values at the left, right, bottom and top edges
                                          (on a log axis still the values, not their logs) */
    int log_y;
} PlotFrame;

void lines_layout(const Canvas *c, Font *f, const LinesScene *s, float font_px, PlotFrame *out);
float plot_px_x(const PlotFrame *fr, double x);
float plot_px_y(const PlotFrame *fr, double y);   /* NaN for y <= 0 on a log axis */
/* Draw the series over axes with 1-2-5 ticks, a legend in the emptiest corner when any
 * series has a label. Thousands of points cost no more than a few per pixel column: the
 * points falling in one column are drawn as the span from their minimum to their maximum,
 * so that spikes stay visible. */
void view_lines(Canvas *c, Font *f, const LinesScene *s, float font_px);

/* --- horizontal bars --------------------------------------------------------------------- */

typedef struct {
    const char *title;                 /* first line, large; NULL for none */
    const char *subtitle;              /* a second, smaller grey line under it; NULL */
    size_t n;                          /* bars, drawn top to bottom in the order given */
    const char *const *labels;         /* n strings, right-aligned left of the bars; NULL */
    const float *values;               /* n values; NaN = no value: no bar, "—" written */
    const char *const *notes;          /* n side notes ("→ kitap") in a column on the right;
                                          NULL, or NULL entries, for none */
    long highlight;                    /* this bar outlined and its label in the accent
                                          colour; -1 for none */
    const char *xlabel;                /* caption under the value axis; NULL */
    const char *footer;                /* a last grey line ("34 more left out"); NULL */
    const char *value_format;          /* printf format for one double written at the end of
                                          each bar; NULL → "%.3f"; "" writes no values */
    char decimal_mark;                 /* '.' or ','; 0 → '.' */
    Rgba pos_colour, neg_colour;       /* alpha 0 → the diverging map's red (> 0) and blue
                                          (< 0): "along" and "against", as in the heatmap */
    float vmin, vmax;                  /* the axis range; vmin >= vmax: from the values, 0
                                          always included */
} BarsScene;

/* Where view_bars puts things (hit-testing, tests). Bar i's row is the band
 * [y0 + i·row_h, y0 + (i+1)·row_h); the bar itself is bar_h tall, centred in it, and runs
 * from zero_x to bars_px_x(value). */
typedef struct {
    float x0, x1;                      /* the plot area across: left and right, pixels */
    float y0, y1;                      /* the rows: top of the first, bottom of the last */
    float zero_x;                      /* where the value 0 is */
    float scale;                       /* pixels per unit of value */
    double vmin, vmax;                 /* the values at x0 and x1 */
    float row_h, bar_h;
    float label_px;                    /* the size of labels, values and notes */
    float label_x1;                    /* the right edge of the labels */
    float note_x0;                     /* the left edge of the notes (the canvas width if none) */
    int label_every;                   /* 1, or k when rows are too thin for every label */
} BarsFrame;

void bars_layout(const Canvas *c, Font *f, const BarsScene *s, float font_px, BarsFrame *out);
float bars_px_x(const BarsFrame *fr, double v);
/* The bar whose row contains (x, y) (anywhere across the canvas), or -1. */
long bars_hit(const BarsFrame *fr, size_t n, float x, float y);
void view_bars(Canvas *c, Font *f, const BarsScene *s, float font_px);

#endif
