/* scene.h — what the window (or a PNG) shows: the views, their data, and the window itself.
 *
 * The REPL puts plain data here (the points of a plot, the loss history of a job, a matrix)
 * and says which view to show; the scene draws it with the views in src/viz onto a canvas
 * and either presents the canvas in the SDL window or writes it as a PNG. Everything here
 * runs on the main thread; live data from a job arrives through snapshots (core/snapshot.h),
 * taken once per frame.
 */
#ifndef TZ_SCENE_H
#define TZ_SCENE_H

#include <stddef.h>
#include <stdint.h>
#include "core/snapshot.h"
#include "models/word2vec.h"
#include "viz/views.h"
#include "viz/gates.h"

typedef enum { VIEW_SCATTER, VIEW_LOSS, VIEW_HEATMAP, VIEW_BARS, VIEW_GATES, VIEW_LINES, VIEW_HEADS, VIEW_TOKENS, VIEW_COUNT } ViewId;

/* "scatter", "loss", "heatmap", "bars", "gates", "lines", "heads", "tokens" */
const char *view_name(ViewId v);
int view_from_name(const char *name);   /* -1 if unknown */

/* The embedding scatter: points (labels copied), optional arrows, and for each point the row
 * of the word in model `model` (so that a click can print its neighbours); ids may be NULL. */
void scene_scatter_set(const char *title, const char *xlabel, const char *ylabel, const ScatterPoint *pts,
                       size_t n, const ScatterArrow *arrows, size_t narrows, const char *model, const size_t *ids);
/* New coordinates for the same points (n×2, doubles), and a status line (NULL: none). */
void scene_scatter_move(const double *xy, size_t n, const char *status);
/* Animate the scatter from a job's snapshot of n×2 coordinates (t-SNE) until detached. */
void scene_scatter_follow(Snapshot *snap, const char *what);
/* Live training: re-project the watched rows every time a new snapshot arrives, by PCA
 * (aligned to the previous frame so the picture turns smoothly instead of flipping) or by a
 * short t-SNE started from the previous map. */
void scene_scatter_watch(W2VWatch *w, int tsne, const char *png);
/* Show the live scatter: in the window, or (none) say that the final state will be written
 * to the PNG named in scene_scatter_watch (default tezgah-live.png) when training ends. */
int scene_show_live(void);
/* The job behind the snapshot or watch has ended: take what it published last, then let go.
 * Returns 1 if the scatter was still following source, 0 if another plot replaced it. */
int scene_scatter_detach(const void *source);
/* `find WORD`: ring the point labelled word; returns its index or -1 if it is not plotted. */
long scene_find(const char *word);
size_t scene_scatter_count(void);

/* The loss curve: a new series starts when a job with a different name (or a new job)
 * reports its first loss; the last few series stay for comparison. */
void scene_loss_begin(const char *what);
void scene_loss_point(double step, double loss);
/* A held-out (validation) loss of the series begun last: a companion series beside it, in the
 * same colour, darker and wider, started at its first point. */
void scene_loss_val_point(double step, double loss);
/* A second loss of the same run (BERT's NSP beside its MLM): a series of its own, named label
 * (its tag names it within the run, e.g. "NSP"), in a colour of its own; val = its held-out
 * companion, in the same colour, darker and wider. */
void scene_loss_aux_point(const char *tag, const char *label, double step, double loss, int val);

/* A matrix to show as a heatmap (values copied; labels copied); diverging for signed data. */
void scene_heatmap_set(const char *title, const float *values, size_t rows, size_t cols, const char *const *row_labels,
                       const char *const *col_labels, int diverging, const char *caption);
/* Captions of the heatmap set last: its rows ("query") and columns ("key"); NULL for none.
 * scene_heatmap_set clears them. */
void scene_heatmap_axes(const char *row_title, const char *col_title);

/* Labelled horizontal bars (plot subwords: a FastText word's n-gram contributions; later the
 * probabilities of the next token). Everything is copied. The table `export` writes for this
 * view is given separately — a header line and rows of tab-separated text — since it may
 * hold more than the bars shown (all the parts of a word, where the picture shows the top
 * k); with tsv_header NULL it is label, value, note of each bar. */
typedef struct {
    const char *title, *subtitle, *xlabel, *footer;   /* NULL for none */
    size_t n;
    const char *const *labels;
    const float *values;             /* NaN: no bar */
    const char *const *notes;        /* side notes, or NULL */
    long highlight;                  /* -1 for none */
    const char *value_format;        /* NULL → "%.3f" */
    const char *tsv_header;          /* "part\trow\t…" without the newline, or NULL */
    const char *const *tsv_rows;
    size_t tsv_n;
} SceneBars;
void scene_bars_set(const SceneBars *b);

/* The gates view (`step`): one units × time heatmap per gate of a recurrent layer, plus c_t
 * and h_t, the current token's column outlined. Every panel holds all H units (export
 * writes them all); the picture shows the rows in `units`. Everything is copied. */
typedef struct {
    const char *sym, *title;         /* "f", "f — forget gate (σ)" */
    CmapKind cmap;
    float vmin, vmax;
    const float *values;             /* H × T, unit-major: values[u * T + t] */
} SceneGatePanel;
typedef struct {
    const char *title, *subtitle, *footer;
    const SceneGatePanel *panels;
    size_t npanels;                  /* at most GATES_MAX_PANELS */
    size_t H, T;
    const char *const *tokens;       /* T, as they are to be drawn */
    const size_t *units;             /* the rows shown: nunits unit numbers, in order */
    const unsigned char *marked;     /* nunits flags: watched units (their labels in red) */
    size_t nunits;
    long current;                    /* the current token, 0-based */
    size_t t0, t1;                   /* the tokens drawn: [t0, t1) (a long text shows a stretch
                                        around the current token); t1 = 0: all */
    int layer;                       /* 1-based, for the exported table */
} SceneGates;
void scene_gates_set(const SceneGates *g);
/* Only the current token moved: the picture set last is re-sliced to the tokens [t0, t1)
 * (t1 = 0: all) around `current`, with a new title and subtitle (copied). 0 when no picture
 * is held (or `current` is not in it): then call scene_gates_set. */
int scene_gates_move(long current, size_t t0, size_t t1, const char *title, const char *subtitle);

/* Lines (gradflow, memory): a few named series over a shared x axis, optionally on a log y
 * axis — a measured curve per model. Everything is copied; export writes series, x, y. */
typedef struct {
    const char *label;
    const double *x, *y;             /* n points; y NaN (or <= 0 on a log axis) leaves a gap */
    size_t n;
    int grey;                        /* a reference line (chance level), drawn in grey */
} SceneLineSeries;
typedef struct {
    const char *title, *xlabel, *ylabel;
    const SceneLineSeries *series;
    size_t nseries;
    int log_y;
    double ymin, ymax;               /* ymin >= ymax: from the data */
} SceneLines;
void scene_lines_set(const SceneLines *l);

/* The heads view (`attention "…" all`): every attention head of a Transformer, a layers ×
 * heads grid of T × T thumbnails (viz/attgrid.h). Everything is copied; export writes one
 * line per (layer, head, query, key) with the tokens and the weight. */
typedef struct {
    const char *title, *subtitle, *footer;
    size_t layers, heads, T;
    const float *att;                /* layers × heads × T × T; NaN = masked (the future) */
    const char *const *tokens;       /* T labels, for export and clicks */
    const char *const *notes;        /* layers·heads notes under the thumbnails; NULL */
    const char *const *summaries;    /* layers·heads lines a click prints; NULL */
} SceneHeads;
void scene_heads_set(const SceneHeads *h);

/* The heads view's other picture (`attention compare`): a few models' attention side by side
 * (viz/attgrid.h's view_attpanels), each panel one head of one model over its own tokens.
 * Everything is copied; it replaces the grid (and scene_heads_set replaces it); export writes
 * one line per (panel, query, key) with the model's name, the tokens and the weight. */
typedef struct {
    const char *model;               /* the model's name (export, clicks) */
    const char *title, *direction, *origin, *note;   /* the heading lines; NULL for none */
    int causal;                      /* the direction line in the causal colour */
    size_t T;
    const float *att;                /* T × T; NaN = masked (drawn hatched) */
    const char *const *tokens;       /* T labels */
} SceneAttPanel;
typedef struct {
    const char *title, *subtitle, *footer;
    const SceneAttPanel *panels;
    size_t n;                        /* at most ATTPANELS_MAX (4) */
} SceneAttCompare;
void scene_attcompare_set(const SceneAttCompare *c);

/* The tokens view (`tokens "…"`): a text as its tokenizer cut it, each token a tinted box with
 * its id under it (viz/tokview.h). text holds the tokens' bytes one after another, token i is
 * text[off[i] .. off[i+1]). Everything is copied; export writes one line per token: index,
 * id, bytes, hex, text. */
typedef struct {
    const char *title, *subtitle, *footer;
    const char *text;
    size_t n;
    const size_t *off;               /* n + 1 */
    const int32_t *ids;              /* n */
    const unsigned char *marks;      /* n (WordPiece: TOKVIEW_CONT, TOKVIEW_UNK), or NULL */
} SceneTokens;
void scene_tokens_set(const SceneTokens *t);

/* Show a view: in the window when there is one (opening it if this session may), otherwise
 * written as a PNG to png (or a default name) — and say where it went. Returns 0 or 1. */
int scene_show(ViewId v, const char *png);
int scene_current(void);
/* Make v the view shown (and what snap/export use) without drawing it or writing a PNG. */
void scene_select(ViewId v);
int scene_has_data(ViewId v);

/* The window. */
int scene_window_open(int verbose);   /* 0: open (or already), 1: could not (reported) */
void scene_window_close(void);
int scene_window_is_open(void);

/* Render the current view to a PNG of w×h pixels (0: the window's size, else 1280×800). */
int scene_snap(const char *path, int w, int h);
/* The numbers behind the current view as TSV. */
int scene_export(const char *path);

/* Called by the main loop every time round: window events, live snapshots, redraw. */
void scene_frame(void);
/* How long the main loop may sleep in poll() (ms): short while the window is open. */
int scene_poll_timeout(int job_running);
void scene_free_all(void);

#endif
