/* scene.c — see scene.h.
 *
 * State: one copy of the data of each view, the view being shown, the user's zoom/pan/font
 * size, the window (NULL when closed) and a canvas of the window's size. A frame:
 *
 *     window events  -> zoom, pan, hover, click (neighbours printed in the REPL), keys
 *     live sources   -> new coordinates from a t-SNE job's snapshot, or watched rows of a
 *                       training Word2Vec re-projected by PCA / a short warm t-SNE
 *     dirty?         -> draw the current view on the canvas, present it
 */
#include "scene.h"
#include "app.h"
#include "i18n.h"
#include "out.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "reduce/pca.h"
#include "reduce/tsne.h"
#include "viz/attgrid.h"
#include "viz/canvas.h"
#include "viz/plots.h"
#include "viz/tokview.h"
#include "viz/window.h"

#define MAX_SERIES 8   /* a BERT run alone draws four: MLM and NSP, each with its held-out companion */

static const char *const VIEW_NAMES[VIEW_COUNT] = { "scatter", "loss", "heatmap", "bars", "gates", "lines", "heads", "tokens" };

typedef struct {
    char *title, *xlabel, *ylabel;
    char status[160];
    ScatterPoint *pts;         /* labels owned */
    size_t *ids;               /* the word rows in `model`, or NULL */
    size_t n;
    ScatterArrow *arrows;
    size_t narrows;
    char model[64];
    ScatterView view;
    float *screen;             /* 2n: where the points were drawn last (hover, click) */
    /* live: a t-SNE map, or the rows of a Word2Vec in training */
    Snapshot *follow;
    char follow_what[64];
    uint64_t seen;
    W2VWatch *watch;
    int watch_tsne;
    int warned;                /* a live frame failed and the user was told */
    double *prev;              /* n×2: the previous frame, to align the next one to */
    float *buf;
    size_t buf_cap;
} ScatterData;

typedef struct {
    char what[96];
    double *step, *loss;
    size_t n, cap;
    int is_val;               /* a held-out companion: drawn in its training series' colour, right after it */
    int run;                  /* the training run it belongs to (scene_loss_begin counts them) */
    char tag[16];             /* "" for the run's first loss, else the second one's name ("NSP") */
} Series;

typedef struct {
    Series s[MAX_SERIES];     /* s[0] is the newest run's first loss, its companions after it */
    int ns;
    int runs;
} LossData;

typedef struct {
    char *title, *caption;
    float *values;
    size_t rows, cols;
    char **rlab, **clab;
    int diverging;
    long hl_row, hl_col;       /* the cell clicked last, or -1 */
    char *row_title, *col_title;   /* axis captions ("query", "key"), or NULL */
} HeatData;

typedef struct {
    char *title, *subtitle, *xlabel, *footer, *fmt;
    size_t n;
    char **labels, **notes;    /* notes: NULL when there are none */
    float *values;
    long highlight;
    char *tsv_header;          /* NULL: label, value, note */
    char **tsv_rows;
    size_t tsv_n;
} BarsData;

/* The gates view: every panel's H × T values (for export) and the rows shown (for drawing). */
typedef struct {
    char *title, *subtitle, *footer;
    size_t np, H, T, nunits;
    char *sym[GATES_MAX_PANELS], *ptitle[GATES_MAX_PANELS];
    CmapKind cmap[GATES_MAX_PANELS];
    float vmin[GATES_MAX_PANELS], vmax[GATES_MAX_PANELS];
    float *full[GATES_MAX_PANELS];    /* H × T */
    float *shown[GATES_MAX_PANELS];   /* nunits × (t1 − t0): what is drawn */
    char **tokens;                    /* T */
    size_t *units;                    /* nunits */
    char **ulab;                      /* nunits: the unit numbers as text */
    unsigned char *marked;            /* nunits */
    long current;
    size_t t0, t1;                    /* the tokens drawn */
    int layer;
} GatesData;

/* The heads view: every attention head's T × T pattern (copied), drawn by view_attgrid. */
typedef struct {
    char *title, *subtitle, *footer;
    size_t L, H, T;
    float *att;                /* L × H × T × T */
    char **tokens;             /* T */
    char **notes, **summaries; /* L·H each, or NULL */
    long highlight;            /* the thumbnail clicked last, or -1 */
} HeadsData;

/* The heads view's other picture (`attention compare`): a few models' patterns side by side
 * (copied), drawn by view_attpanels. Setting it clears the grid, and the grid clears it. */
typedef struct {
    char *title, *subtitle, *footer;
    size_t n;
    AttPanel p[ATTPANELS_MAX];  /* their strings and arrays are owned here */
    char *model[ATTPANELS_MAX]; /* each panel's model, for export */
    long hl_panel, hl_q, hl_k;  /* the cell clicked last; hl_panel -1: none */
} CmpData;

/* The tokens view: the text, where each token starts in it, the ids (copied), drawn by
 * view_tokens; first_row scrolls a long text (arrow keys). */
typedef struct {
    char *title, *subtitle, *footer;
    char *text;
    size_t n;
    size_t *off;               /* n + 1 */
    int32_t *ids;              /* n */
    unsigned char *marks;      /* n, or NULL (tokview.h's TOKVIEW_CONT, TOKVIEW_UNK) */
    size_t first_row;
    long highlight;            /* the token clicked last, or -1 */
} TokensData;

/* The lines view: named series (copied), drawn by view_lines. */
typedef struct {
    char *label;
    float *x, *y;
    size_t n;
    int grey;
} LineData;

typedef struct {
    char *title, *xlabel, *ylabel;
    LineData *s;
    size_t ns;
    int log_y;
    double ymin, ymax;
} LinesData;

static struct {
    ScatterData sc;
    LossData loss;
    HeatData heat;
    BarsData bars;
    GatesData gates;
    LinesData lines;
    HeadsData heads;
    CmpData cmp;
    TokensData tokens;
    ViewId current;
    Window *win;
    int tried_window;          /* the automatic opening failed once: do not try again */
    Canvas canvas;
    Font *font;
    float font_scale;          /* +/- keys */
    int dirty;
    double last_draw;
    int mouse_x, mouse_y, mouse_in;
    char live_png[4096];       /* where a live plot's final state goes when there is no window */   /* where the pointer is, to keep hover right as points move */
    int snap_counter;
} S = { .font_scale = 1 };

static char *dup_or_null(const char *s) { return s ? tz_strdup(s) : NULL; }

const char *view_name(ViewId v) { return v < VIEW_COUNT ? VIEW_NAMES[v] : "?"; }

int view_from_name(const char *name)
{
    for (int i = 0; i < VIEW_COUNT; i++)
        if (!strcmp(name, VIEW_NAMES[i])) return i;
    return -1;
}

static Font *font(void)
{
    if (!S.font) {
        TzErr e;
        S.font = font_default(&e);
        if (!S.font) say_tzerr(&e);
    }
    return S.font;
}

/* The text size for a canvas: large enough to read from the back of a classroom on a
 * projector (about 1/32 of the height), times what the user set with +/-. */
static float font_px(const Canvas *c)
{
    float px = (float)c->h / 32.0f;
    if (px < 12) px = 12;
    return px * S.font_scale;
}

static int render_png(ViewId v, const char *path, int w, int h);

/* --- scatter -------------------------------------------------------------------------------- */

static void scatter_clear(ScatterData *d)
{
    snapshot_set_wanted(d->follow, 0);   /* a t-SNE still running need not copy its map for us */
    for (size_t i = 0; i < d->n; i++) free((char *)d->pts[i].label);
    free(d->pts);
    free(d->ids);
    free(d->arrows);
    free(d->title);
    free(d->xlabel);
    free(d->ylabel);
    free(d->screen);
    free(d->prev);
    free(d->buf);
    memset(d, 0, sizeof *d);
    d->view = scatter_view_reset();
}

void scene_scatter_set(const char *title, const char *xlabel, const char *ylabel, const ScatterPoint *pts, size_t n,
                       const ScatterArrow *arrows, size_t narrows, const char *model, const size_t *ids)
{
    ScatterData *d = &S.sc;
    scatter_clear(d);
    d->title = dup_or_null(title);
    d->xlabel = dup_or_null(xlabel);
    d->ylabel = dup_or_null(ylabel);
    d->n = n;
    d->pts = tz_calloc(n ? n : 1, sizeof *d->pts);
    for (size_t i = 0; i < n; i++) {
        d->pts[i] = pts[i];
        d->pts[i].label = tz_strdup(pts[i].label ? pts[i].label : "");
    }
    if (ids) {
        d->ids = tz_malloc((n ? n : 1) * sizeof *d->ids);
        memcpy(d->ids, ids, n * sizeof *ids);
    }
    if (narrows) {
        d->arrows = tz_malloc(narrows * sizeof *d->arrows);
        memcpy(d->arrows, arrows, narrows * sizeof *arrows);
        d->narrows = narrows;
    }
    snprintf(d->model, sizeof d->model, "%s", model ? model : "");
    d->screen = tz_calloc(2 * (n ? n : 1), sizeof *d->screen);
    S.dirty = 1;
}

void scene_scatter_move(const double *xy, size_t n, const char *status)
{
    ScatterData *d = &S.sc;
    for (size_t i = 0; i < n && i < d->n; i++) {
        d->pts[i].x = (float)xy[2 * i];
        d->pts[i].y = (float)xy[2 * i + 1];
    }
    snprintf(d->status, sizeof d->status, "%s", status ? status : "");
    S.dirty = 1;
}

void scene_scatter_follow(Snapshot *snap, const char *what)
{
    S.sc.follow = snap;
    S.sc.seen = 0;
    snprintf(S.sc.follow_what, sizeof S.sc.follow_what, "%s", what);
    snapshot_set_wanted(snap, 1);
}

void scene_scatter_watch(W2VWatch *w, int tsne, const char *png)
{
    snprintf(S.live_png, sizeof S.live_png, "%s", png ? png : "tezgah-live.png");
    S.sc.watch = w;
    S.sc.watch_tsne = tsne;
    S.sc.seen = 0;
    free(S.sc.prev);
    S.sc.prev = NULL;
}

size_t scene_scatter_count(void) { return S.sc.n; }

long scene_find(const char *word)
{
    for (size_t i = 0; i < S.sc.n; i++)
        if (!strcmp(S.sc.pts[i].label, word)) {
            S.sc.view.highlight = (long)i;
            S.dirty = 1;
            return (long)i;
        }
    return -1;
}

/* Rotate (and if it fits better, mirror) the new 2-D layout Y onto the previous one P, both
 * n×2 and centred: the orthogonal Procrustes problem in 2-D has a closed form — the best
 * rotation angle is atan2(Σ(y₁p₂ − y₂p₁), Σ(y₁p₁ + y₂p₂)). Without this, PCA's arbitrary
 * signs would make the live picture jump from frame to frame. */
static void align_to(double *Y, const double *P, size_t n)
{
    double best_score = -INFINITY, best[4] = { 1, 0, 0, 1 };
    for (int mirror = 0; mirror < 2; mirror++) {
        double a = 0, b = 0;
        for (size_t i = 0; i < n; i++) {
            double y1 = Y[2 * i], y2 = mirror ? -Y[2 * i + 1] : Y[2 * i + 1];
            a += y1 * P[2 * i] + y2 * P[2 * i + 1];
            b += y1 * P[2 * i + 1] - y2 * P[2 * i];
        }
        double t = atan2(b, a), c = cos(t), s = sin(t), score = a * c + b * s;
        if (score > best_score) {
            best_score = score;
            /* [x'; y'] = R(t) · diag(1, ±1) · [y1; y2] */
            double m = mirror ? -1 : 1;
            best[0] = c; best[1] = -s * m; best[2] = s; best[3] = c * m;
        }
    }
    for (size_t i = 0; i < n; i++) {
        double x = Y[2 * i], y = Y[2 * i + 1];
        Y[2 * i] = best[0] * x + best[1] * y;
        Y[2 * i + 1] = best[2] * x + best[3] * y;
    }
}

/* A new snapshot of watched rows (n × dim unit vectors): project and align. */
static void watch_frame(ScatterData *d, const float *X, size_t n, size_t dim, int64_t step)
{
    if (n != d->n || n < 3) return;
    double *Y = tz_malloc(2 * n * sizeof *Y);
    TzErr e;
    int ok = 0;
    if (d->watch_tsne) {
        /* the first frame a full t-SNE; then each frame continues from the last map, without
         * early exaggeration, so the picture follows the training instead of jumping */
        TsneConfig cfg = tsne_defaults();
        cfg.perplexity = (double)(n - 1) / 3 < 30 ? (double)(n - 1) / 3 - 0.01 : 30;
        if (cfg.perplexity < 2) cfg.perplexity = 2;
        cfg.method = TSNE_EXACT;
        cfg.iterations = d->prev ? 60 : 300;
        if (d->prev) {
            cfg.start = d->prev;
            cfg.exaggeration_iters = 0;
        }
        double kl;
        ok = tsne_run(X, n, dim, &cfg, Y, &kl, NULL, NULL, &e) == 0;
    } else {
        Pca p;
        if (pca_fit(&p, X, n, dim, 2, &e) == 0) {
            float *Yf = tz_malloc(2 * n * sizeof *Yf);
            pca_project(&p, X, n, Yf);
            for (size_t i = 0; i < 2 * n; i++) Y[i] = Yf[i];
            free(Yf);
            pca_free(&p);
            if (d->prev) align_to(Y, d->prev, n);
            ok = 1;
        }
    }
    if (!ok && !d->warned) {   /* say it once, not a few times a second */
        d->warned = 1;
        app_async_begin();
        say_tzerr(&e);
        app_async_end();
    }
    if (ok) {
        if (!d->prev) d->prev = tz_malloc(2 * n * sizeof *d->prev);
        memcpy(d->prev, Y, 2 * n * sizeof *Y);
        char st[160], b[32];
        snprintf(st, sizeof st, M("canlı: eğitim, %s sözcük işlendi", "live: training, %s words processed"),
                 fmt_int((long long)step, b));
        scene_scatter_move(Y, n, st);
    }
    free(Y);
}

/* Take whatever the followed job published since the last frame. */
static void scatter_live(void)
{
    ScatterData *d = &S.sc;
    size_t rows, cols;
    int64_t step;
    if (d->follow && snapshot_take(d->follow, &d->seen, &d->buf, &d->buf_cap, &rows, &cols, &step) && cols == 2 &&
        rows == d->n) {
        double *Y = tz_malloc(2 * rows * sizeof *Y);
        for (size_t i = 0; i < 2 * rows; i++) Y[i] = d->buf[i];
        char st[160];
        snprintf(st, sizeof st, M("%s: adım %lld", "%s: step %lld"), d->follow_what, (long long)step);
        scene_scatter_move(Y, rows, st);
        free(Y);
    }
    if (d->watch &&
        snapshot_take(w2v_watch_snapshot(d->watch), &d->seen, &d->buf, &d->buf_cap, &rows, &cols, &step))
        watch_frame(d, d->buf, rows, cols, step);
}

int scene_scatter_detach(const void *source)
{
    ScatterData *d = &S.sc;
    if (!source || (source != d->follow && source != d->watch)) return 0;
    scatter_live();   /* the last frame the job published */
    if (d->follow == source) d->follow = NULL;
    int was_watch = d->watch == source;
    if (was_watch) d->watch = NULL;
    if (d->status[0]) snprintf(d->status, sizeof d->status, "%s", M("son durum", "final"));
    S.dirty = 1;
    /* a live plot with no window: its picture is the state training ended in */
    if (was_watch && !S.win && S.live_png[0] && !render_png(VIEW_SCATTER, S.live_png, 1280, 800))
        say(M("Canlı çizimin son durumu: %s\n", "The live plot's final state: %s\n"), S.live_png);
    return 1;
}

/* --- loss ------------------------------------------------------------------------------------ */

void scene_loss_begin(const char *what)
{
    LossData *L = &S.loss;
    if (L->ns == MAX_SERIES) {
        free(L->s[MAX_SERIES - 1].step);
        free(L->s[MAX_SERIES - 1].loss);
        L->ns--;
    }
    memmove(&L->s[1], &L->s[0], (size_t)L->ns * sizeof L->s[0]);
    memset(&L->s[0], 0, sizeof L->s[0]);
    snprintf(L->s[0].what, sizeof L->s[0].what, "%s", what);
    L->s[0].run = ++L->runs;
    L->ns++;
    S.dirty |= S.current == VIEW_LOSS;
}

static void series_add(Series *s, double step, double loss);

void scene_loss_point(double step, double loss)
{
    LossData *L = &S.loss;
    if (L->ns == 0) scene_loss_begin("?");
    series_add(&L->s[0], step, loss);
}

/* The newest run's series with this tag (val: its held-out companion), made on first use: a
 * held-out companion right after its training series, a second loss after the run's others.
 * label names a new one (NULL: the training series' name + " · validation"). NULL when the
 * run has no room left. */
static Series *run_series(const char *tag, int val, const char *label)
{
    LossData *L = &S.loss;
    if (L->ns == 0) return NULL;
    int run = L->s[0].run, end = 0, train = -1;
    for (; end < L->ns && L->s[end].run == run; end++) {
        if (!strcmp(L->s[end].tag, tag) && L->s[end].is_val == val) return &L->s[end];
        if (!strcmp(L->s[end].tag, tag) && !L->s[end].is_val) train = end;
    }
    int pos = val && train >= 0 ? train + 1 : end;
    if (L->ns == MAX_SERIES) {   /* the oldest series goes, unless it is this run's own */
        if (L->s[MAX_SERIES - 1].run == run) return NULL;
        free(L->s[MAX_SERIES - 1].step);
        free(L->s[MAX_SERIES - 1].loss);
        L->ns--;
    }
    memmove(&L->s[pos + 1], &L->s[pos], (size_t)(L->ns - pos) * sizeof L->s[0]);
    Series *s = &L->s[pos];
    memset(s, 0, sizeof *s);
    if (label) snprintf(s->what, sizeof s->what, "%s", label);
    else snprintf(s->what, sizeof s->what, "%.80s · %s", train >= 0 ? L->s[train].what : "?", M("doğrulama", "validation"));
    snprintf(s->tag, sizeof s->tag, "%s", tag);
    s->is_val = val;
    s->run = run;
    L->ns++;
    return s;
}

void scene_loss_val_point(double step, double loss)
{
    Series *s = run_series("", 1, NULL);
    if (s) series_add(s, step, loss);
}

void scene_loss_aux_point(const char *tag, const char *label, double step, double loss, int val)
{
    if (!run_series(tag, 0, label)) return;                 /* the training series comes first */
    Series *s = val ? run_series(tag, 1, NULL) : run_series(tag, 0, label);
    if (s) series_add(s, step, loss);
}

static void series_add(Series *s, double step, double loss)
{
    if (s->n && s->step[s->n - 1] == step) {   /* the same report seen twice */
        s->loss[s->n - 1] = loss;
        return;
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 256;
        s->step = tz_realloc(s->step, s->cap * sizeof *s->step);
        s->loss = tz_realloc(s->loss, s->cap * sizeof *s->loss);
    }
    s->step[s->n] = step;
    s->loss[s->n] = loss;
    s->n++;
    if (S.current == VIEW_LOSS) S.dirty = 1;
}

/* --- heatmap --------------------------------------------------------------------------------- */

static void heat_clear(HeatData *h)
{
    for (size_t i = 0; i < h->rows; i++) free(h->rlab[i]);
    for (size_t j = 0; j < h->cols; j++) free(h->clab[j]);
    free(h->rlab);
    free(h->clab);
    free(h->values);
    free(h->title);
    free(h->caption);
    free(h->row_title);
    free(h->col_title);
    memset(h, 0, sizeof *h);
}

void scene_heatmap_set(const char *title, const float *values, size_t rows, size_t cols, const char *const *rl,
                       const char *const *cl, int diverging, const char *caption)
{
    HeatData *h = &S.heat;
    heat_clear(h);
    h->title = dup_or_null(title);
    h->caption = dup_or_null(caption);
    h->rows = rows;
    h->cols = cols;
    h->values = tz_malloc((rows * cols > 0 ? rows * cols : 1) * sizeof *h->values);
    memcpy(h->values, values, rows * cols * sizeof *values);
    h->rlab = tz_calloc(rows ? rows : 1, sizeof *h->rlab);
    h->clab = tz_calloc(cols ? cols : 1, sizeof *h->clab);
    for (size_t i = 0; i < rows; i++) h->rlab[i] = tz_strdup(rl[i]);
    for (size_t j = 0; j < cols; j++) h->clab[j] = tz_strdup(cl[j]);
    h->diverging = diverging;
    h->hl_row = h->hl_col = -1;
    S.dirty = 1;
}

void scene_heatmap_axes(const char *row_title, const char *col_title)
{
    HeatData *h = &S.heat;
    free(h->row_title);
    free(h->col_title);
    h->row_title = dup_or_null(row_title);
    h->col_title = dup_or_null(col_title);
    S.dirty = 1;
}

/* --- bars ------------------------------------------------------------------------------------ */

static void bars_clear(BarsData *b)
{
    for (size_t i = 0; i < b->n; i++) {
        free(b->labels[i]);
        if (b->notes) free(b->notes[i]);
    }
    for (size_t i = 0; i < b->tsv_n; i++) free(b->tsv_rows[i]);
    free(b->labels);
    free(b->notes);
    free(b->values);
    free(b->tsv_rows);
    free(b->tsv_header);
    free(b->title);
    free(b->subtitle);
    free(b->xlabel);
    free(b->footer);
    free(b->fmt);
    memset(b, 0, sizeof *b);
    b->highlight = -1;
}

void scene_bars_set(const SceneBars *in)
{
    BarsData *b = &S.bars;
    bars_clear(b);
    b->title = dup_or_null(in->title);
    b->subtitle = dup_or_null(in->subtitle);
    b->xlabel = dup_or_null(in->xlabel);
    b->footer = dup_or_null(in->footer);
    b->fmt = dup_or_null(in->value_format);
    b->n = in->n;
    b->labels = tz_calloc(in->n ? in->n : 1, sizeof *b->labels);
    b->values = tz_calloc(in->n ? in->n : 1, sizeof *b->values);
    if (in->notes) b->notes = tz_calloc(in->n ? in->n : 1, sizeof *b->notes);
    for (size_t i = 0; i < in->n; i++) {
        b->labels[i] = tz_strdup(in->labels && in->labels[i] ? in->labels[i] : "");
        b->values[i] = in->values ? in->values[i] : NAN;
        if (in->notes) b->notes[i] = dup_or_null(in->notes[i]);
    }
    b->highlight = in->highlight;
    b->tsv_header = dup_or_null(in->tsv_header);
    if (in->tsv_header && in->tsv_n) {
        b->tsv_n = in->tsv_n;
        b->tsv_rows = tz_calloc(in->tsv_n, sizeof *b->tsv_rows);
        for (size_t i = 0; i < in->tsv_n; i++) b->tsv_rows[i] = tz_strdup(in->tsv_rows[i] ? in->tsv_rows[i] : "");
    }
    S.dirty = 1;
}

static void bars_scene(BarsScene *bs)
{
    BarsData *b = &S.bars;
    *bs = (BarsScene){ .title = b->title, .subtitle = b->subtitle, .n = b->n, .labels = (const char *const *)b->labels,
                       .values = b->values, .notes = (const char *const *)b->notes, .highlight = b->highlight,
                       .xlabel = b->xlabel, .footer = b->footer, .value_format = b->fmt,
                       .decimal_mark = g_lang == TZ_LANG_TR ? ',' : '.' };
}

/* --- gates ---------------------------------------------------------------------------------- */

static void gates_clear(GatesData *g)
{
    for (size_t p = 0; p < g->np; p++) { free(g->sym[p]); free(g->ptitle[p]); free(g->full[p]); free(g->shown[p]); }
    for (size_t t = 0; g->tokens && t < g->T; t++) free(g->tokens[t]);
    for (size_t r = 0; g->ulab && r < g->nunits; r++) free(g->ulab[r]);
    free(g->tokens);
    free(g->units);
    free(g->ulab);
    free(g->marked);
    free(g->title);
    free(g->subtitle);
    free(g->footer);
    memset(g, 0, sizeof *g);
}

void scene_gates_set(const SceneGates *in)
{
    GatesData *g = &S.gates;
    gates_clear(g);
    g->title = dup_or_null(in->title);
    g->subtitle = dup_or_null(in->subtitle);
    g->footer = dup_or_null(in->footer);
    g->np = in->npanels < GATES_MAX_PANELS ? in->npanels : GATES_MAX_PANELS;
    g->H = in->H;
    g->T = in->T;
    g->nunits = in->nunits;
    g->current = in->current;
    g->layer = in->layer;
    g->t0 = in->t1 ? in->t0 : 0;
    g->t1 = in->t1 && in->t1 <= in->T && in->t0 < in->t1 ? in->t1 : in->T;
    if (g->t0 >= g->t1) g->t0 = 0;
    size_t W = g->t1 - g->t0;
    size_t HT = in->H * in->T, RT = in->nunits * W;
    for (size_t p = 0; p < g->np; p++) {
        const SceneGatePanel *sp = &in->panels[p];
        g->sym[p] = tz_strdup(sp->sym ? sp->sym : "");
        g->ptitle[p] = dup_or_null(sp->title);
        g->cmap[p] = sp->cmap;
        g->vmin[p] = sp->vmin;
        g->vmax[p] = sp->vmax;
        g->full[p] = tz_malloc((HT ? HT : 1) * sizeof *g->full[p]);
        memcpy(g->full[p], sp->values, HT * sizeof *g->full[p]);
        g->shown[p] = tz_malloc((RT ? RT : 1) * sizeof *g->shown[p]);
        for (size_t r = 0; r < in->nunits; r++)
            memcpy(g->shown[p] + r * W, sp->values + in->units[r] * in->T + g->t0, W * sizeof *g->shown[p]);
    }
    g->tokens = tz_calloc(in->T ? in->T : 1, sizeof *g->tokens);
    for (size_t t = 0; t < in->T; t++) g->tokens[t] = tz_strdup(in->tokens && in->tokens[t] ? in->tokens[t] : "");
    g->units = tz_malloc((in->nunits ? in->nunits : 1) * sizeof *g->units);
    g->ulab = tz_calloc(in->nunits ? in->nunits : 1, sizeof *g->ulab);
    g->marked = tz_calloc(in->nunits ? in->nunits : 1, 1);
    for (size_t r = 0; r < in->nunits; r++) {
        char b[32];
        g->units[r] = in->units[r];
        snprintf(b, sizeof b, "%zu", in->units[r]);
        g->ulab[r] = tz_strdup(b);
        g->marked[r] = in->marked ? in->marked[r] : 0;
    }
    S.dirty = 1;
}

int scene_gates_move(long current, size_t t0, size_t t1, const char *title, const char *subtitle)
{
    GatesData *g = &S.gates;
    if (!g->T || current < 0 || (size_t)current >= g->T) return 0;
    /* the same stretch rules as scene_gates_set */
    if (!(t1 && t1 <= g->T && t0 < t1)) { t0 = 0; t1 = g->T; }
    size_t W = t1 - t0;
    if (t0 != g->t0 || t1 != g->t1) {
        for (size_t p = 0; p < g->np; p++) {
            if (W != g->t1 - g->t0) {
                free(g->shown[p]);
                g->shown[p] = tz_malloc((g->nunits && W ? g->nunits * W : 1) * sizeof *g->shown[p]);
            }
            for (size_t r = 0; r < g->nunits; r++)
                memcpy(g->shown[p] + r * W, g->full[p] + g->units[r] * g->T + t0, W * sizeof *g->shown[p]);
        }
        g->t0 = t0;
        g->t1 = t1;
    }
    g->current = current;
    free(g->title);
    free(g->subtitle);
    g->title = dup_or_null(title);
    g->subtitle = dup_or_null(subtitle);
    S.dirty = 1;
    return 1;
}

static void gates_scene(GatesScene *gs, GatePanel *gp)
{
    GatesData *g = &S.gates;
    for (size_t p = 0; p < g->np; p++)
        gp[p] = (GatePanel){ .title = g->ptitle[p], .values = g->shown[p], .cmap = g->cmap[p], .vmin = g->vmin[p],
                             .vmax = g->vmax[p] };
    *gs = (GatesScene){ .title = g->title, .subtitle = g->subtitle, .footer = g->footer, .panels = gp, .npanels = g->np,
                        .rows = g->nunits, .cols = g->t1 - g->t0, .row_labels = (const char *const *)g->ulab,
                        .row_marked = g->marked, .tokens = (const char *const *)g->tokens + g->t0,
                        .current = g->current - (long)g->t0,
                        .decimal_mark = g_lang == TZ_LANG_TR ? ',' : '.' };
}

/* --- heads ---------------------------------------------------------------------------------- */

static void heads_clear(HeadsData *d)
{
    size_t n = d->L * d->H;
    for (size_t t = 0; d->tokens && t < d->T; t++) free(d->tokens[t]);
    for (size_t i = 0; i < n; i++) {
        if (d->notes) free(d->notes[i]);
        if (d->summaries) free(d->summaries[i]);
    }
    free(d->tokens);
    free(d->notes);
    free(d->summaries);
    free(d->att);
    free(d->title);
    free(d->subtitle);
    free(d->footer);
    memset(d, 0, sizeof *d);
    d->highlight = -1;
}

static void cmp_clear(CmpData *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free((char *)d->p[i].title);
        free((char *)d->p[i].direction);
        free((char *)d->p[i].origin);
        free((char *)d->p[i].note);
        free((float *)d->p[i].att);
        for (size_t t = 0; d->p[i].tokens && t < d->p[i].T; t++) free((char *)d->p[i].tokens[t]);
        free((char **)d->p[i].tokens);
        free(d->model[i]);
    }
    free(d->title);
    free(d->subtitle);
    free(d->footer);
    memset(d, 0, sizeof *d);
    d->hl_panel = -1;
}

void scene_attcompare_set(const SceneAttCompare *in)
{
    CmpData *d = &S.cmp;
    cmp_clear(d);
    heads_clear(&S.heads);
    d->title = dup_or_null(in->title);
    d->subtitle = dup_or_null(in->subtitle);
    d->footer = dup_or_null(in->footer);
    d->n = in->n < ATTPANELS_MAX ? in->n : ATTPANELS_MAX;
    for (size_t i = 0; i < d->n; i++) {
        const SceneAttPanel *sp = &in->panels[i];
        size_t T = sp->T, cells = T * T;
        float *att = tz_malloc((cells ? cells : 1) * sizeof *att);
        if (cells) memcpy(att, sp->att, cells * sizeof *att);
        char **tok = tz_calloc(T ? T : 1, sizeof *tok);
        for (size_t t = 0; t < T; t++) tok[t] = tz_strdup(sp->tokens && sp->tokens[t] ? sp->tokens[t] : "");
        d->p[i] = (AttPanel){ .title = dup_or_null(sp->title), .direction = dup_or_null(sp->direction),
                              .origin = dup_or_null(sp->origin), .note = dup_or_null(sp->note), .causal = sp->causal, .T = T, .att = att,
                              .tokens = (const char *const *)tok };
        d->model[i] = tz_strdup(sp->model ? sp->model : "");
    }
    S.dirty = 1;
}

static void cmp_scene(AttPanelsScene *as)
{
    CmpData *d = &S.cmp;
    *as = (AttPanelsScene){ .title = d->title, .subtitle = d->subtitle, .footer = d->footer, .n = d->n, .panels = d->p,
                            .hl_panel = d->hl_panel, .hl_q = d->hl_q, .hl_k = d->hl_k,
                            .decimal_mark = g_lang == TZ_LANG_TR ? ',' : '.' };
}

void scene_heads_set(const SceneHeads *in)
{
    HeadsData *d = &S.heads;
    heads_clear(d);
    cmp_clear(&S.cmp);
    d->title = dup_or_null(in->title);
    d->subtitle = dup_or_null(in->subtitle);
    d->footer = dup_or_null(in->footer);
    d->L = in->layers;
    d->H = in->heads;
    d->T = in->T;
    size_t n = d->L * d->H, cells = n * d->T * d->T;
    d->att = tz_malloc((cells ? cells : 1) * sizeof *d->att);
    if (cells) memcpy(d->att, in->att, cells * sizeof *d->att);
    d->tokens = tz_calloc(d->T ? d->T : 1, sizeof *d->tokens);
    for (size_t t = 0; t < d->T; t++) d->tokens[t] = tz_strdup(in->tokens && in->tokens[t] ? in->tokens[t] : "");
    if (in->notes) {
        d->notes = tz_calloc(n ? n : 1, sizeof *d->notes);
        for (size_t i = 0; i < n; i++) d->notes[i] = dup_or_null(in->notes[i]);
    }
    if (in->summaries) {
        d->summaries = tz_calloc(n ? n : 1, sizeof *d->summaries);
        for (size_t i = 0; i < n; i++) d->summaries[i] = dup_or_null(in->summaries[i]);
    }
    S.dirty = 1;
}

static void heads_scene(AttGridScene *as)
{
    HeadsData *d = &S.heads;
    *as = (AttGridScene){ .title = d->title, .subtitle = d->subtitle, .footer = d->footer, .layers = d->L, .heads = d->H,
                          .T = d->T, .att = d->att, .notes = (const char *const *)d->notes, .highlight = d->highlight,
                          .decimal_mark = g_lang == TZ_LANG_TR ? ',' : '.' };
}

/* --- tokens --------------------------------------------------------------------------------- */

static void tokens_clear(TokensData *d)
{
    free(d->title);
    free(d->subtitle);
    free(d->footer);
    free(d->text);
    free(d->off);
    free(d->ids);
    free(d->marks);
    memset(d, 0, sizeof *d);
    d->highlight = -1;
}

void scene_tokens_set(const SceneTokens *in)
{
    TokensData *d = &S.tokens;
    tokens_clear(d);
    d->title = dup_or_null(in->title);
    d->subtitle = dup_or_null(in->subtitle);
    d->footer = dup_or_null(in->footer);
    d->n = in->n;
    size_t bytes = in->n ? in->off[in->n] : 0;
    d->text = tz_malloc(bytes + 1);
    if (bytes) memcpy(d->text, in->text, bytes);
    d->text[bytes] = '\0';
    d->off = tz_malloc((d->n + 1) * sizeof *d->off);
    d->off[0] = 0;
    if (d->n) memcpy(d->off, in->off, (d->n + 1) * sizeof *d->off);
    d->ids = tz_malloc((d->n ? d->n : 1) * sizeof *d->ids);
    if (d->n) memcpy(d->ids, in->ids, d->n * sizeof *d->ids);
    if (in->marks && d->n) {
        d->marks = tz_malloc(d->n);
        memcpy(d->marks, in->marks, d->n);
    }
    S.dirty = 1;
}

static void tokens_scene(TokScene *ts)
{
    TokensData *d = &S.tokens;
    *ts = (TokScene){ .title = d->title, .subtitle = d->subtitle, .footer = d->footer, .text = d->text, .n = d->n,
                      .off = d->off, .ids = d->ids, .marks = d->marks, .first_row = d->first_row, .highlight = d->highlight,
                      .more_fmt = S.win ? M("belirteç %zu–%zu / %zu  (↑ ↓ kaydırır; export hepsini yazar)",
                                            "tokens %zu–%zu of %zu  (↑ ↓ scroll; export writes all)")
                                        : M("belirteç %zu–%zu / %zu  (export hepsini yazar)",
                                            "tokens %zu–%zu of %zu  (export writes all)") };
}

/* --- lines ---------------------------------------------------------------------------------- */

static void lines_clear(LinesData *l)
{
    for (size_t i = 0; i < l->ns; i++) { free(l->s[i].label); free(l->s[i].x); free(l->s[i].y); }
    free(l->s);
    free(l->title);
    free(l->xlabel);
    free(l->ylabel);
    memset(l, 0, sizeof *l);
}

void scene_lines_set(const SceneLines *in)
{
    LinesData *l = &S.lines;
    lines_clear(l);
    l->title = dup_or_null(in->title);
    l->xlabel = dup_or_null(in->xlabel);
    l->ylabel = dup_or_null(in->ylabel);
    l->log_y = in->log_y;
    l->ymin = in->ymin;
    l->ymax = in->ymax;
    l->ns = in->nseries;
    l->s = tz_calloc(in->nseries ? in->nseries : 1, sizeof *l->s);
    for (size_t i = 0; i < in->nseries; i++) {
        const SceneLineSeries *src = &in->series[i];
        LineData *d = &l->s[i];
        d->label = tz_strdup(src->label ? src->label : "");
        d->n = src->n;
        d->grey = src->grey;
        d->x = tz_malloc((src->n ? src->n : 1) * sizeof *d->x);
        d->y = tz_malloc((src->n ? src->n : 1) * sizeof *d->y);
        for (size_t k = 0; k < src->n; k++) { d->x[k] = (float)src->x[k]; d->y[k] = (float)src->y[k]; }
    }
    S.dirty = 1;
}

static void draw_lines(Canvas *c, Font *f, float px)
{
    static const Rgba GREY = { 150, 150, 160, 255 };
    LinesData *l = &S.lines;
    LineSeries *ser = tz_calloc(l->ns ? l->ns : 1, sizeof *ser);
    size_t colour = 0;
    for (size_t i = 0; i < l->ns; i++)
        ser[i] = (LineSeries){ .label = l->s[i].label, .colour = l->s[i].grey ? GREY : plot_colour(colour++),
                               .x = l->s[i].x, .y = l->s[i].y, .n = l->s[i].n };
    LinesScene ls = { .title = l->title, .xlabel = l->xlabel, .ylabel = l->ylabel, .series = ser, .nseries = l->ns,
                      .log_y = l->log_y, .ymin = (float)l->ymin, .ymax = (float)l->ymax,
                      .decimal_mark = g_lang == TZ_LANG_TR ? ',' : '.' };
    view_lines(c, f, &ls, px);
    free(ser);
}

/* --- drawing --------------------------------------------------------------------------------- */

int scene_has_data(ViewId v)
{
    switch (v) {
    case VIEW_SCATTER: return S.sc.n > 0;
    case VIEW_LOSS: return S.loss.ns > 0 && S.loss.s[0].n > 0;
    case VIEW_HEATMAP: return S.heat.rows > 0;
    case VIEW_BARS: return S.bars.n > 0;
    case VIEW_GATES: return S.gates.T > 0;
    case VIEW_LINES: return S.lines.ns > 0;
    case VIEW_HEADS: return (S.heads.L > 0 && S.heads.T > 0) || S.cmp.n > 0;
    case VIEW_TOKENS: return S.tokens.n > 0;
    default: return 0;
    }
}

int scene_current(void) { return (int)S.current; }

void scene_select(ViewId v)
{
    S.dirty |= S.current != v;
    S.current = v;
    if (S.win) window_set_title(S.win, view_name(v));
}

static void heat_scene(HeatmapScene *hs)
{
    HeatData *h = &S.heat;
    *hs = (HeatmapScene){ .title = h->title, .values = h->values, .rows = h->rows, .cols = h->cols,
                          .row_labels = (const char *const *)h->rlab, .col_labels = (const char *const *)h->clab,
                          .bar_label = h->caption, .row_title = h->row_title, .col_title = h->col_title, .cmap = h->diverging ? CMAP_DIV : CMAP_SEQ,
                          .vmin = h->diverging ? -1 : 0, .vmax = 1, .highlight_row = h->hl_row,
                          .highlight_col = h->hl_col, .decimal_mark = g_lang == TZ_LANG_TR ? ',' : '.' };
}

/* An empty view says what would fill it. */
static void draw_empty(Canvas *c, Font *f, float px, ViewId v)
{
    static const Rgba BG = { 252, 252, 250, 255 }, GREY = { 120, 120, 130, 255 };
    canvas_clear(c, BG);
    const char *msg = v == VIEW_SCATTER ? M("henüz çizim yok: 'plot pca top=100', 'plot tsne …', 'plot analogy A B C'",
                                            "nothing plotted yet: 'plot pca top=100', 'plot tsne …', 'plot analogy A B C'")
                      : v == VIEW_LOSS ? M("henüz kayıp eğrisi yok: bir eğitim başlatın ('train word2vec corpus=tr')",
                                           "no loss curve yet: start a training job ('train word2vec corpus=tr')")
                      : v == VIEW_HEATMAP ? M("henüz ısı haritası yok: 'plot similarity S1 S2 S3 …'",
                                              "no heatmap yet: 'plot similarity W1 W2 W3 …'")
                      : v == VIEW_LINES ? M("henüz çizgi yok: 'gradflow rnn lstm gru' ya da 'memory rnn lstm'",
                                            "no lines yet: 'gradflow rnn lstm gru' or 'memory rnn lstm'")
                      : v == VIEW_HEADS ? M("henüz dikkat başı yok: bir GPT eğitip 'attention \"Ben kahve içiyorum\" all'",
                                            "no attention heads yet: train a GPT, then 'attention \"the cat sat\" all'")
                      : v == VIEW_TOKENS ? M("henüz belirteç yok: 'tokens \"kitaplarımızdan geliyorum\" model=gpt2'",
                                             "no tokens yet: 'tokens \"unbelievably fast\" model=gpt2'")
                      : v == VIEW_GATES ? M("henüz kapı yok: bir LSTM/GRU/RNN eğitip 'step \"Ben kahve içiyorum\"'",
                                            "no gates yet: train an LSTM/GRU/RNN, then 'step \"the cat sat\"'")
                                          : M("henüz çubuk grafik yok: 'plot subwords SÖZCÜK' (bir FastText modeliyle)",
                                              "no bar chart yet: 'plot subwords WORD' (with a FastText model)");
    canvas_text(c, f, px * 1.5f, px * 1.6f, px * 1.15f, view_name(v), GREY);
    canvas_text(c, f, px * 1.5f, (float)c->h / 2, px * 0.9f, msg, GREY);
}

static void draw_view(Canvas *c, ViewId v)
{
    Font *f = font();
    if (!f) return;
    float px = font_px(c);
    if (!scene_has_data(v)) { draw_empty(c, f, px, v); return; }
    if (v == VIEW_SCATTER) {
        ScatterData *d = &S.sc;
        ScatterScene sc = { d->title, d->xlabel, d->ylabel, d->status[0] ? d->status : NULL, d->pts, d->n,
                            d->arrows, d->narrows };
        view_scatter(c, f, &sc, px, &d->view, d->screen);
    } else if (v == VIEW_LOSS) {
        LossData *L = &S.loss;
        LineSeries ser[MAX_SERIES];
        float *xs[MAX_SERIES], *ys[MAX_SERIES];
        int ns = 0;
        /* a colour per training run (a held-out companion takes its run's, darker and wider) */
        Rgba col[MAX_SERIES];
        for (int i = 0, k = 0; i < L->ns; i++) {
            col[i] = L->s[i].is_val && i > 0 ? col[i - 1] : plot_colour((size_t)k++);
            if (L->s[i].is_val) { col[i].r = (uint8_t)(col[i].r * 3 / 5); col[i].g = (uint8_t)(col[i].g * 3 / 5); col[i].b = (uint8_t)(col[i].b * 3 / 5); }
        }
        /* oldest first, so the newest is drawn on top and first in the legend's colours */
        for (int i = L->ns - 1; i >= 0; i--) {
            Series *s = &L->s[i];
            xs[ns] = tz_malloc((s->n + 1) * sizeof *xs[ns]);
            ys[ns] = tz_malloc((s->n + 1) * sizeof *ys[ns]);
            for (size_t k = 0; k < s->n; k++) { xs[ns][k] = (float)s->step[k]; ys[ns][k] = (float)s->loss[k]; }
            ser[ns] = (LineSeries){ .label = s->what, .colour = col[i], .x = xs[ns], .y = ys[ns], .n = s->n,
                                    .width = s->is_val ? px / 3.5f : 0 };
            ns++;
        }
        LinesScene ls = { .title = M("kayıp eğrisi", "loss curve"), .xlabel = M("adım (işlenen öğe)", "step (items processed)"),
                          .ylabel = M("kayıp", "loss"), .series = ser, .nseries = (size_t)ns, .log_y = 0,
                          .decimal_mark = g_lang == TZ_LANG_TR ? ',' : '.' };
        view_lines(c, f, &ls, px);
        for (int i = 0; i < ns; i++) { free(xs[i]); free(ys[i]); }
    } else if (v == VIEW_BARS) {
        BarsScene bs;
        bars_scene(&bs);
        view_bars(c, f, &bs, px);
    } else if (v == VIEW_LINES) {
        draw_lines(c, f, px);
    } else if (v == VIEW_HEADS && S.cmp.n) {
        AttPanelsScene ps;
        cmp_scene(&ps);
        view_attpanels(c, f, &ps, px);
    } else if (v == VIEW_HEADS) {
        AttGridScene as;
        heads_scene(&as);
        view_attgrid(c, f, &as, px);
    } else if (v == VIEW_TOKENS) {
        TokScene ts;
        tokens_scene(&ts);
        view_tokens(c, f, &ts, px);
    } else if (v == VIEW_GATES) {
        GatesScene gs;
        GatePanel gp[GATES_MAX_PANELS];
        gates_scene(&gs, gp);
        view_gates(c, f, &gs, px);
    } else {
        HeatmapScene hs;
        heat_scene(&hs);
        view_heatmap(c, f, &hs, px);
    }
}

static int render_png(ViewId v, const char *path, int w, int h)
{
    TzErr e;
    Canvas c;
    if (canvas_init(&c, w, h, &e)) { say_tzerr(&e); return 1; }
    /* the scatter's screen positions belong to the window: keep them */
    float *keep = S.sc.screen;
    S.sc.screen = tz_calloc(2 * (S.sc.n ? S.sc.n : 1), sizeof *S.sc.screen);
    ScatterView vkeep = S.sc.view;
    if (!S.win) S.sc.view.hover = -1;
    draw_view(&c, v);
    free(S.sc.screen);
    S.sc.screen = keep;
    S.sc.view = vkeep;
    int rc = canvas_save_png(&c, path, &e);
    canvas_free(&c);
    if (rc) { say_tzerr(&e); return 1; }
    return 0;
}

static void present(void)
{
    if (!S.win) return;
    int w, h;
    window_size(S.win, &w, &h);
    if (w < 1 || h < 1) return;
    if (S.canvas.w != w || S.canvas.h != h) {
        TzErr e;
        canvas_free(&S.canvas);
        if (canvas_init(&S.canvas, w, h, &e)) return;
    }
    draw_view(&S.canvas, S.current);
    /* points move under a still pointer (t-SNE, live training): the hovered word follows */
    if (S.current == VIEW_SCATTER && S.sc.n && S.mouse_in) {
        long i = scatter_hit(S.sc.screen, S.sc.n, (float)S.mouse_x, (float)S.mouse_y, font_px(&S.canvas) * 0.6f);
        if (i != S.sc.view.hover) {
            S.sc.view.hover = i;
            draw_view(&S.canvas, S.current);
        }
    }
    TzErr e;
    if (window_present(S.win, &S.canvas, &e)) { /* a window being torn down: the next frame retries */ }
    S.dirty = 0;
    S.last_draw = tz_now();
}

/* --- the window ----------------------------------------------------------------------------- */

int scene_window_is_open(void) { return S.win != NULL; }

int scene_window_open(int verbose)
{
    if (S.win) return 0;
    if (g_app.headless) {
        if (verbose)
            say_error("%s", M("pencere yok (--headless ya da ekran yok); görünümler PNG olarak yazılır: 'snap DOSYA.png'.",
                              "no window (--headless or no display); views are written as PNG: 'snap FILE.png'."));
        return 1;
    }
    TzErr e;
    S.win = window_open("tezgah", 1280, 800, &e);
    if (!S.win) {
        S.tried_window = 1;
        if (verbose) say_tzerr(&e);
        return 1;
    }
    S.dirty = 1;
    present();
    return 0;
}

void scene_window_close(void)
{
    window_close(S.win);
    S.win = NULL;
    canvas_free(&S.canvas);
}

int scene_show(ViewId v, const char *png)
{
    S.current = v;
    S.dirty = 1;
    /* interactive sessions open the window on the first view; scripts only if asked to */
    if (!S.win && g_app.interactive && !g_app.headless && !S.tried_window) scene_window_open(0);
    if (S.win) {
        present();
        if (png && render_png(v, png, S.canvas.w, S.canvas.h)) return 1;
        if (png) say(M("Pencerede gösteriliyor; ayrıca resim: %s\n", "Shown in the window; also written to: %s\n"), png);
        return 0;
    }
    char def[64];
    if (!png) {
        snprintf(def, sizeof def, "tezgah-%s.png", view_name(v));
        png = def;
    }
    if (render_png(v, png, 1280, 800)) return 1;
    say(M("Resim: %s  (pencere yok: görünüm PNG olarak yazıldı)\n", "Picture: %s  (no window: the view was written as PNG)\n"),
        png);
    return 0;
}

int scene_show_live(void)
{
    S.current = VIEW_SCATTER;
    S.dirty = 1;
    if (!S.win && g_app.interactive && !g_app.headless && !S.tried_window) scene_window_open(0);
    if (S.win) {
        present();
        return 0;
    }
    say(M("(pencere yok: eğitim bitince son durum %s dosyasına yazılır; ara anlar için 'snap DOSYA.png')\n",
          "(no window: the final state is written to %s when training ends; 'snap FILE.png' for moments in between)\n"),
        S.live_png);
    return 0;
}

int scene_snap(const char *path, int w, int h)
{
    if (w <= 0 || h <= 0) {
        if (S.win && S.canvas.w > 0) { w = S.canvas.w; h = S.canvas.h; }
        else { w = 1280; h = 800; }
    }
    if (render_png(S.current, path, w, h)) return 1;
    say(M("%s görünümü %d×%d olarak yazıldı: %s\n", "the %s view was written as %d×%d: %s\n"), view_name(S.current), w, h,
        path);
    return 0;
}

/* The numbers behind the current view, as TSV (written by tz_save_atomic: a failed export
 * leaves any old file as it was). */
static int export_write(FILE *f, void *ud, TzErr *e)
{
    size_t *lines = ud;
    (void)e;
    if (S.current == VIEW_SCATTER) {
        fprintf(f, "word\tx\ty\trole\n");
        for (size_t i = 0; i < S.sc.n; i++, (*lines)++)
            fprintf(f, "%s\t%.6g\t%.6g\t%s\n", S.sc.pts[i].label, S.sc.pts[i].x, S.sc.pts[i].y,
                    S.sc.pts[i].role == 2 ? "answer" : S.sc.pts[i].role == 1 ? "input" : "context");
    } else if (S.current == VIEW_LOSS) {
        fprintf(f, "series\tstep\tloss\n");
        for (int k = S.loss.ns - 1; k >= 0; k--)
            for (size_t i = 0; i < S.loss.s[k].n; i++, (*lines)++)
                fprintf(f, "%s\t%.0f\t%.6g\n", S.loss.s[k].what, S.loss.s[k].step[i], S.loss.s[k].loss[i]);
    } else if (S.current == VIEW_LINES) {
        fprintf(f, "series\tx\ty\n");
        for (size_t i = 0; i < S.lines.ns; i++)
            for (size_t k = 0; k < S.lines.s[i].n; k++, (*lines)++)
                fprintf(f, "%s\t%.6g\t%.6g\n", S.lines.s[i].label, S.lines.s[i].x[k], S.lines.s[i].y[k]);
    } else if (S.current == VIEW_GATES) {
        /* every unit, not only the rows drawn: one line per (gate, unit, token) */
        GatesData *g = &S.gates;
        fprintf(f, "layer\tgate\tunit\tt\ttoken\tvalue\n");
        for (size_t p = 0; p < g->np; p++)
            for (size_t u = 0; u < g->H; u++)
                for (size_t t = 0; t < g->T; t++, (*lines)++)
                    fprintf(f, "%d\t%s\t%zu\t%zu\t%s\t%.6g\n", g->layer, g->sym[p], u, t + 1, g->tokens[t],
                            g->full[p][u * g->T + t]);
    } else if (S.current == VIEW_HEADS && S.cmp.n) {
        /* the compare view: one line per (model, query, key); a masked cell (the future of a
         * causal model) has weight 0 */
        CmpData *d = &S.cmp;
        fprintf(f, "panel\tmodel\tquery\tkey\tquery_token\tkey_token\tweight\n");
        for (size_t i = 0; i < d->n; i++)
            for (size_t q = 0; q < d->p[i].T; q++)
                for (size_t k = 0; k < d->p[i].T; k++, (*lines)++) {
                    float v = d->p[i].att[q * d->p[i].T + k];
                    fprintf(f, "%zu\t%s\t%zu\t%zu\t%s\t%s\t%.6g\n", i, d->model[i], q, k, d->p[i].tokens[q],
                            d->p[i].tokens[k], isnan(v) ? 0.0 : (double)v);
                }
    } else if (S.current == VIEW_HEADS) {
        /* long format: one line per (layer, head, query, key), 0-based as GPT-2's names */
        HeadsData *d = &S.heads;
        fprintf(f, "layer\thead\tquery\tkey\tquery_token\tkey_token\tweight\n");
        for (size_t l = 0; l < d->L; l++)
            for (size_t hh = 0; hh < d->H; hh++)
                for (size_t q = 0; q < d->T; q++)
                    for (size_t k = 0; k < d->T; k++, (*lines)++) {
                        float v = d->att[((l * d->H + hh) * d->T + q) * d->T + k];
                        fprintf(f, "%zu\t%zu\t%zu\t%zu\t%s\t%s\t%.6g\n", l, hh, q, k, d->tokens[q], d->tokens[k],
                                isnan(v) ? 0.0 : (double)v);
                    }
    } else if (S.current == VIEW_TOKENS) {
        /* one line per token: its bytes as hex too (a piece of a character has no text of its
         * own); the text with tab, line end, carriage return and backslash escaped and a byte
         * that is not a whole character written <0xC4>, as in the picture */
        TokensData *d = &S.tokens;
        TokScene ts;
        tokens_scene(&ts);
        fprintf(f, "index\tid\tbytes\thex\ttext\n");
        TokSeg g[64];
        char t[256];
        for (size_t i = 0; i < d->n; i++, (*lines)++) {
            fprintf(f, "%zu\t%d\t%zu\t", i, (int)d->ids[i], d->off[i + 1] - d->off[i]);
            for (size_t p = d->off[i]; p < d->off[i + 1]; p++)
                fprintf(f, "%s%02x", p > d->off[i] ? " " : "", (unsigned char)d->text[p]);
            fputc('\t', f);
            if (d->marks && (d->marks[i] & TOKVIEW_CONT)) fputs("##", f);   /* a WordPiece continuation */
            size_t k = tokview_segments(&ts, i, g, 64);
            if (k > 64) {   /* a token of more than 64 pieces (rare): its bytes escaped one by one */
                for (size_t p = d->off[i]; p < d->off[i + 1]; p++) {
                    unsigned char c = (unsigned char)d->text[p];
                    if (c < 0x20 || c >= 0x7f || c == '\\') fprintf(f, "<0x%02X>", c);
                    else fputc(c, f);
                }
            } else
                for (size_t j = 0; j < k; j++) {
                    const char *q = d->text + g[j].pos;
                    if (g[j].kind == TOKSEG_TEXT) fwrite(q, 1, g[j].len, f);
                    else if (g[j].kind == TOKSEG_MARK && *q == ' ') fwrite(q, 1, g[j].len, f);
                    else if (g[j].kind == TOKSEG_MARK) {
                        const char *esc = *q == '\n' ? "\\n" : *q == '\t' ? "\\t" : *q == '\r' ? "\\r" : NULL;
                        if (esc) fputs(esc, f);
                        else fprintf(f, "<0x%02X>", (unsigned char)*q);
                    } else {
                        tokview_seg_text(&ts, &g[j], t, sizeof t);
                        fputs(t, f);
                    }
                }
            fputc('\n', f);
        }
    } else if (S.current == VIEW_BARS) {
        BarsData *b = &S.bars;
        if (b->tsv_header) {
            fprintf(f, "%s\n", b->tsv_header);
            for (size_t i = 0; i < b->tsv_n; i++, (*lines)++) fprintf(f, "%s\n", b->tsv_rows[i]);
        } else {
            fprintf(f, "label\tvalue\tnote\n");
            for (size_t i = 0; i < b->n; i++, (*lines)++)
                fprintf(f, "%s\t%.6g\t%s\n", b->labels[i], b->values[i], b->notes && b->notes[i] ? b->notes[i] : "");
        }
    } else {
        HeatData *h = &S.heat;
        for (size_t j = 0; j < h->cols; j++) fprintf(f, "\t%s", h->clab[j]);
        fputc('\n', f);
        for (size_t i = 0; i < h->rows; i++, (*lines)++) {
            fputs(h->rlab[i], f);
            /* a cell with no value (the future of an attention row) stays empty */
            for (size_t j = 0; j < h->cols; j++)
                if (isnan(h->values[i * h->cols + j])) fputc('\t', f);
                else fprintf(f, "\t%.6g", h->values[i * h->cols + j]);
            fputc('\n', f);
        }
    }
    return 0;
}

int scene_export(const char *path)
{
    if (!scene_has_data(S.current)) {
        say_error(M("%s görünümünde henüz veri yok; önce bir şey çizin.", "the %s view has no data yet; plot something first."),
                  view_name(S.current));
        return 1;
    }
    size_t lines = 0;
    TzErr e;
    if (tz_save_atomic(path, export_write, &lines, &e)) {
        say_tzerr(&e);
        return 1;
    }
    char b[32];
    say(M("%s görünümünün sayıları (%s satır, sekmeyle ayrılmış) yazıldı: %s\n",
          "the numbers behind the %s view (%s rows, tab-separated) were written to: %s\n"),
        view_name(S.current), fmt_int((long long)lines, b), path);
    return 0;
}

/* Output from a window event (a click, a saved picture), with the prompt kept intact. */
#define ASYNC(...) do { app_async_begin(); __VA_ARGS__; app_async_end(); } while (0)

/* A click on a heatmap cell prints its row, column and value, and outlines them. */
static void heat_click(int x, int y)
{
    HeatData *h = &S.heat;
    Font *f = font();
    if (!h->rows || !f) return;
    HeatmapScene hs;
    HeatmapFrame fr;
    heat_scene(&hs);
    heatmap_layout(&S.canvas, f, &hs, font_px(&S.canvas), &fr);
    if (!(fr.cell_w > 0) || !(fr.cell_h > 0)) return;   /* a window too small for the cells */
    long c = (long)floorf(((float)x - fr.x0) / fr.cell_w), r = (long)floorf(((float)y - fr.y0) / fr.cell_h);
    if (r < 0 || c < 0 || (size_t)r >= h->rows || (size_t)c >= h->cols) return;
    h->hl_row = r;
    h->hl_col = c;
    S.dirty = 1;
    char b[32];
    ASYNC(say("%s × %s = %s\n", h->rlab[r], h->clab[c], fmt_real(h->values[(size_t)r * h->cols + (size_t)c], 4, b)));
}

/* A click on a bar prints its label, value and note, and outlines it. */
static void bars_click(int x, int y)
{
    BarsData *b = &S.bars;
    Font *f = font();
    if (!b->n || !f) return;
    BarsScene bs;
    BarsFrame fr;
    bars_scene(&bs);
    bars_layout(&S.canvas, f, &bs, font_px(&S.canvas), &fr);
    long i = bars_hit(&fr, b->n, (float)x, (float)y);
    if (i < 0) return;
    b->highlight = i;
    S.dirty = 1;
    char v[32];
    ASYNC(say("%s: %s%s%s\n", b->labels[i], isnan(b->values[i]) ? "—" : fmt_real(b->values[i], 4, v),
              b->notes && b->notes[i] ? "  " : "", b->notes && b->notes[i] ? b->notes[i] : ""));
}

/* A click on a gates cell prints the gate, the unit, the token and the value. */
static void gates_click(int x, int y)
{
    GatesData *g = &S.gates;
    Font *f = font();
    if (!g->T || !f) return;
    GatesScene gs;
    GatePanel gp[GATES_MAX_PANELS];
    GatesFrame fr;
    gates_scene(&gs, gp);
    gates_layout(&S.canvas, f, &gs, font_px(&S.canvas), &fr);
    size_t p, r, t;
    if (!gates_hit(&fr, &gs, (float)x, (float)y, &p, &r, &t)) return;
    char b[32];
    ASYNC(say(M("%s · birim %zu · %zu. belirteç '%s' = %s\n", "%s · unit %zu · token %zu '%s' = %s\n"), g->sym[p],
              g->units[r], g->t0 + t + 1, g->tokens[g->t0 + t], fmt_real(g->shown[p][r * (g->t1 - g->t0) + t], 4, b)));
}

/* A click on a cell of the compare view outlines it and prints the weight. */
static void cmp_click(int x, int y)
{
    CmpData *d = &S.cmp;
    Font *f = font();
    if (!f) return;
    AttPanelsScene ps;
    AttPanelsFrame fr;
    cmp_scene(&ps);
    attpanels_layout(&S.canvas, f, &ps, font_px(&S.canvas), &fr);
    size_t i, q, k;
    if (!attpanels_hit(&fr, &ps, (float)x, (float)y, &i, &q, &k)) return;
    d->hl_panel = (long)i;
    d->hl_q = (long)q;
    d->hl_k = (long)k;
    S.dirty = 1;
    float v = d->p[i].att[q * d->p[i].T + k];
    char b[32];
    ASYNC(say(M("%s · sorgu %zu '%s' → anahtar %zu '%s': %s\n", "%s · query %zu '%s' → key %zu '%s': %s\n"), d->model[i],
              q, d->p[i].tokens[q], k, d->p[i].tokens[k],
              isnan(v) ? M("maskeli (gelecek)", "masked (the future)") : fmt_real(v, 4, b)));
}

/* A click on a thumbnail outlines it and prints that head's summary. */
static void heads_click(int x, int y)
{
    HeadsData *d = &S.heads;
    Font *f = font();
    if (S.cmp.n) { cmp_click(x, y); return; }
    if (!d->L || !f) return;
    AttGridScene as;
    AttGridFrame fr;
    heads_scene(&as);
    attgrid_layout(&S.canvas, f, &as, font_px(&S.canvas), &fr);
    size_t l, h;
    if (!attgrid_hit(&fr, &as, (float)x, (float)y, &l, &h)) return;
    d->highlight = (long)(l * d->H + h);
    S.dirty = 1;
    const char *sum = d->summaries ? d->summaries[l * d->H + h] : NULL;
    ASYNC(say("L%zu H%zu%s%s\n", l, h, sum ? "  " : "", sum ? sum : ""));
}

/* A click on a token outlines it and prints its place, id and bytes. */
static void tokens_click(int x, int y)
{
    TokensData *d = &S.tokens;
    Font *f = font();
    if (!d->n || !f) return;
    TokScene ts;
    TokFrame fr;
    tokens_scene(&ts);
    TokBox *boxes = tz_calloc(d->n, sizeof *boxes);
    tokview_layout(&S.canvas, f, &ts, font_px(&S.canvas), &fr, boxes);
    long i = tokview_hit(&fr, boxes, (float)x, (float)y);
    free(boxes);
    if (i < 0) return;
    d->highlight = i;
    S.dirty = 1;
    char hex[3 * 16 + 8] = "";
    size_t a = d->off[i], b = d->off[i + 1], w = 0;
    for (size_t p = a; p < b && p < a + 16; p++) w += (size_t)snprintf(hex + w, sizeof hex - w, "%s%02X", p > a ? " " : "", (unsigned char)d->text[p]);
    if (b - a > 16) snprintf(hex + w, sizeof hex - w, " …");
    ASYNC(say(M("sıra %ld (0'dan sayılır, export'taki gibi): kimlik %d, %zu bayt (%s)\n", "index %ld (from 0, as in export): id %d, %zu bytes (%s)\n"), i, (int)d->ids[i], b - a, hex));
}

static void on_click(int x, int y)
{
    if (S.current == VIEW_TOKENS) { tokens_click(x, y); return; }
    if (S.current == VIEW_HEADS) { heads_click(x, y); return; }
    if (S.current == VIEW_HEATMAP) { heat_click(x, y); return; }
    if (S.current == VIEW_GATES) { gates_click(x, y); return; }
    if (S.current == VIEW_BARS) { bars_click(x, y); return; }
    if (S.current != VIEW_SCATTER || !S.sc.n) return;
    long i = scatter_hit(S.sc.screen, S.sc.n, (float)x, (float)y, font_px(&S.canvas));
    if (i < 0) return;
    S.sc.view.highlight = i;
    S.dirty = 1;
    const Model *m = S.sc.ids && S.sc.model[0] ? model_find(S.sc.model) : NULL;
    if (m && S.sc.ids[i] < m->vec.n) {
        ASYNC(model_print_similar(m, S.sc.ids[i], 8));
    } else {
        char bx[32], by[32];
        ASYNC(say("%s (x = %s, y = %s)\n", S.sc.pts[i].label, fmt_real(S.sc.pts[i].x, 3, bx), fmt_real(S.sc.pts[i].y, 3, by)));
    }
}

static void on_key(int key)
{
    int w = S.canvas.w, h = S.canvas.h;
    ScatterView *v = &S.sc.view;
    /* in the gates view the arrows walk along the text (as next/prev do), Home/End jump */
    if (S.current == VIEW_GATES && S.gates.T &&
        (key == WK_LEFT || key == WK_RIGHT || key == WK_HOME || key == WK_END)) {
        ASYNC(step_key(key == WK_LEFT ? -1 : key == WK_RIGHT ? 1 : key == WK_HOME ? -2 : 2));
        return;
    }
    /* in the tokens view the arrows scroll a long text by rows, Page Up/Down by a page */
    if (S.current == VIEW_TOKENS && S.tokens.n &&
        (key == WK_UP || key == WK_DOWN || key == WK_PAGEUP || key == WK_PAGEDOWN || key == WK_HOME || key == WK_END)) {
        size_t *r = &S.tokens.first_row, page = 5;
        Font *f = font();
        if (f) {   /* a page: the rows that fit, less one to keep the reader's place */
            TokScene ts;
            TokFrame fr;
            tokens_scene(&ts);
            tokview_layout(&S.canvas, f, &ts, font_px(&S.canvas), &fr, NULL);
            page = fr.rows_fit > 1 ? fr.rows_fit - 1 : 1;
        }
        if (key == WK_UP) *r = *r ? *r - 1 : 0;
        else if (key == WK_DOWN) *r += 1;
        else if (key == WK_PAGEUP) *r = *r > page ? *r - page : 0;
        else if (key == WK_PAGEDOWN) *r += page;
        else if (key == WK_HOME) *r = 0;
        else *r = (size_t)1 << 40;       /* the view clamps it to the last page */
        if (f && *r) {                   /* keep the stored row where the view really is */
            TokScene ts;
            TokFrame fr;
            tokens_scene(&ts);
            TokBox *boxes = tz_calloc(S.tokens.n, sizeof *boxes);
            tokview_layout(&S.canvas, f, &ts, font_px(&S.canvas), &fr, boxes);
            free(boxes);
            *r = fr.first_row;
        }
        S.dirty = 1;
        return;
    }
    switch (key) {
    case WK_LEFT: v->pan_x += (float)w * 0.1f; break;
    case WK_RIGHT: v->pan_x -= (float)w * 0.1f; break;
    case WK_UP: v->pan_y += (float)h * 0.1f; break;
    case WK_DOWN: v->pan_y -= (float)h * 0.1f; break;
    case '+': case '=': S.font_scale = fminf(S.font_scale * 1.15f, 3.0f); break;
    case '-': S.font_scale = fmaxf(S.font_scale / 1.15f, 0.4f); break;
    case 'r': *v = scatter_view_reset(); S.font_scale = 1; break;
    case WK_ESCAPE: v->highlight = -1; break;
    case WK_TAB: case WK_BACKTAB:
        S.current = (ViewId)((S.current + (key == WK_TAB ? 1 : VIEW_COUNT - 1)) % VIEW_COUNT);
        window_set_title(S.win, view_name(S.current));
        break;
    case 's': {
        char path[64];
        snprintf(path, sizeof path, "tezgah-snap-%03d.png", ++S.snap_counter);
        if (!render_png(S.current, path, S.canvas.w, S.canvas.h))
            ASYNC(say(M("pencere kaydedildi: %s\n", "window saved: %s\n"), path));
        return;
    }
    default: return;
    }
    S.dirty = 1;
}

static void handle(const WinEvent *ev)
{
    switch (ev->type) {
    case WEV_CLOSE:
        scene_window_close();
        ASYNC(say("%s\n", M("pencere kapandı (oturum sürüyor; 'window open' yeniden açar).",
                            "the window was closed (the session goes on; 'window open' opens it again).")));
        return;
    case WEV_RESIZE: case WEV_EXPOSE: S.dirty = 1; break;
    case WEV_KEY: on_key(ev->key); break;
    case WEV_WHEEL:
        if (S.current == VIEW_SCATTER) {
            scatter_zoom_at(&S.sc.view, &S.canvas, font_px(&S.canvas), (float)ev->x, (float)ev->y, powf(1.2f, ev->dy));
            S.dirty = 1;
        }
        break;
    case WEV_DRAG:
        S.sc.view.pan_x += ev->dx;
        S.sc.view.pan_y += ev->dy;
        S.dirty |= S.current == VIEW_SCATTER;
        break;
    case WEV_MOTION:
        S.mouse_x = ev->x;
        S.mouse_y = ev->y;
        S.mouse_in = 1;
        if (S.current == VIEW_SCATTER && S.sc.n) {
            long i = scatter_hit(S.sc.screen, S.sc.n, (float)ev->x, (float)ev->y, font_px(&S.canvas) * 0.6f);
            if (i != S.sc.view.hover) { S.sc.view.hover = i; S.dirty = 1; }
        }
        break;
    case WEV_LEAVE:
        S.mouse_in = 0;
        if (S.sc.view.hover >= 0) { S.sc.view.hover = -1; S.dirty |= S.current == VIEW_SCATTER; }
        break;
    case WEV_CLICK: on_click(ev->x, ev->y); break;
    }
}

void scene_frame(void)
{
    scatter_live();
    if (!S.win) return;
    WinEvent ev;
    while (S.win && window_poll(S.win, &ev)) handle(&ev);
    /* at most ~60 frames a second; a live job publishes a few times a second anyway */
    if (S.win && S.dirty && tz_now() - S.last_draw > 0.015) present();
}

int scene_poll_timeout(int job_running)
{
    if (S.win) return 15;
    return job_running ? 100 : -1;
}

void scene_free_all(void)
{
    scene_window_close();
    scatter_clear(&S.sc);
    for (int i = 0; i < S.loss.ns; i++) { free(S.loss.s[i].step); free(S.loss.s[i].loss); }
    memset(&S.loss, 0, sizeof S.loss);
    heat_clear(&S.heat);
    bars_clear(&S.bars);
    gates_clear(&S.gates);
    lines_clear(&S.lines);
    heads_clear(&S.heads);
    cmp_clear(&S.cmp);
    tokens_clear(&S.tokens);
    font_free(S.font);
    S.font = NULL;
}
