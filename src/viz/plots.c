/* plots.c — see plots.h. */
#include "viz/plots.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The house style of views.c, plus what plots need: grid lines, tick ink, hatching. */
static const Rgba BG = { 252, 252, 250, 255 }, INK = { 25, 25, 35, 255 }, GREY = { 150, 150, 160, 255 },
                  FRAME = { 205, 205, 212, 255 }, ACCENT = { 200, 40, 40, 255 }, GRID = { 234, 234, 238, 255 },
                  TICK_INK = { 70, 70, 82, 255 }, HATCH = { 196, 196, 204, 255 }, WHITE = { 255, 255, 255, 255 };

/* OKLCh of each entry, in order: blue (0.48, 0.16, 260°), orange (0.74, 0.16, 60°),
 * teal (0.66, 0.12, 180°; chroma clipped to 0.12), crimson (0.48, 0.19, 15°),
 * lilac (0.64, 0.14, 315°), slate (0.36, 0.03, 280°), olive (0.60, 0.12, 100°),
 * sky (0.76, 0.09, 240°). The first four are at least 0.12 apart in OKLab under simulated
 * protanopia and deuteranopia (Machado et al. 2009), at least 0.25 with normal vision;
 * all eight at least 0.14 apart with normal vision. */
const Rgba PLOT_PALETTE[PLOT_PALETTE_N] = {
    { 31, 88, 182, 255 }, { 242, 143, 41, 255 }, { 0, 170, 149, 255 }, { 175, 4, 57, 255 },
    { 172, 112, 198, 255 }, { 58, 60, 77, 255 }, { 145, 129, 18, 255 }, { 123, 185, 229, 255 },
};

Rgba plot_colour(size_t i) { return PLOT_PALETTE[i % PLOT_PALETTE_N]; }

/* --- numbers ------------------------------------------------------------------------------ */

#define MINUS "\xE2\x88\x92"      /* U+2212 MINUS SIGN: as wide as a plus, unlike a hyphen */

/* See plots.h. */
void plots_tidy_number(const char *in, char mark, char *out, size_t cap)
{
    size_t o = 0;
    int zero = 1;                                    /* no digit other than 0 so far */
    for (const char *p = in; *p; p++)
        if (*p >= '1' && *p <= '9') { zero = 0; break; }
    for (const char *p = in; *p && o + 4 < cap; p++) {
        if (*p == '-' && (p[1] == '.' || (p[1] >= '0' && p[1] <= '9'))) {
            if (!zero) { memcpy(out + o, MINUS, 3); o += 3; }
        } else if (*p == '.' && mark) {
            out[o++] = mark;
        } else {
            out[o++] = *p;
        }
    }
    out[o] = '\0';
}

/* A tick label for v on an axis whose ticks are `step` apart: as many decimals as the step
 * needs, and "20k", "1.5M" for large round numbers (training steps). */
static void fmt_tick(char *out, size_t cap, double v, double step, char mark)
{
    char tmp[64];
    if (fabs(v) < step * 1e-6) v = 0;
    const char *suffix = "";
    if (step >= 1e5 && fabs(v) >= 1e6) { v /= 1e6; step /= 1e6; suffix = "M"; }
    else if (step >= 100 && fabs(v) >= 1e4) { v /= 1e3; step /= 1e3; suffix = "k"; }
    int dec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    if (dec > 8) dec = 8;
    snprintf(tmp, sizeof tmp, "%.*f%s", dec, v, suffix);
    plots_tidy_number(tmp, mark, out, cap);
}

/* 10 to the power k, with a superscript exponent when a plain number would be long. */
static void fmt_pow10(char *out, size_t cap, int k, char mark)
{
    if (k >= -3 && k <= 4) {
        char tmp[32];
        snprintf(tmp, sizeof tmp, "%.*f", k < 0 ? -k : 0, pow(10, k));
        plots_tidy_number(tmp, mark, out, cap);
        return;
    }
    static const char *sup[] = { "\xE2\x81\xB0", "\xC2\xB9", "\xC2\xB2", "\xC2\xB3", "\xE2\x81\xB4",
                                  "\xE2\x81\xB5", "\xE2\x81\xB6", "\xE2\x81\xB7", "\xE2\x81\xB8", "\xE2\x81\xB9" };
    char digits[16];
    snprintf(digits, sizeof digits, "%d", k < 0 ? -k : k);
    size_t o = (size_t)snprintf(out, cap, "10%s", k < 0 ? "\xE2\x81\xBB" : "");   /* ⁻ */
    for (const char *d = digits; *d && o + 4 < cap; d++) {
        size_t l = strlen(sup[*d - '0']);
        memcpy(out + o, sup[*d - '0'], l);
        o += l;
    }
    out[o] = '\0';
}

/* The 1-2-5 step that puts at most max_ticks ticks across span. */
static double nice_step(double span, int max_ticks)
{
    if (!(span > 0) || !isfinite(span)) return 1;
    if (max_ticks < 1) max_ticks = 1;
    double raw = span / max_ticks, p = pow(10, floor(log10(raw)));
    static const double m[] = { 1, 2, 5, 10 };
    for (int i = 0; i < 4; i++)
        if (m[i] * p >= raw * (1 - 1e-9)) return m[i] * p;
    return 10 * p;
}

#define MAXTICKS 64

/* Multiples of a 1-2-5 step within [lo, hi]. */
static int ticks_linear(double lo, double hi, int max_ticks, double *t, double *step)
{
    *step = nice_step(hi - lo, max_ticks);
    double first = ceil(lo / *step - 1e-9);
    int n = 0;
    for (; n < MAXTICKS; n++) {
        double v = (first + n) * *step;
        if (v > hi + *step * 1e-9) break;
        t[n] = fabs(v) < *step * 1e-9 ? 0 : v;
    }
    return n;
}

/* --- text helpers ------------------------------------------------------------------------ */


/* Vertical text (bottom to top) shortened to max_h, centred on (cx, cy). */
static void vtext_centred(Canvas *c, Font *f, float cx, float cy, float px, const char *s, float max_h, Rgba col)
{
    char buf[512];
    float asc, desc, w = font_fit(f, px, s, max_h, buf, sizeof buf);
    font_vmetrics(f, px, &asc, &desc);
    canvas_text_vertical(c, f, cx + (asc - desc) / 2, cy + w / 2, px, buf, col);
}

/* WCAG relative luminance, for choosing ink that stands out on a coloured cell. */
static double luminance(Rgba c)
{
    double v[3] = { c.r / 255.0, c.g / 255.0, c.b / 255.0 };
    for (int k = 0; k < 3; k++) v[k] = v[k] <= 0.04045 ? v[k] / 12.92 : pow((v[k] + 0.055) / 1.055, 2.4);
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
}

/* Dark ink or white, whichever contrasts more with the background bg. */
static Rgba ink_on(Rgba bg)
{
    double l = luminance(bg), li = luminance(INK);
    return (l + 0.05) / (li + 0.05) >= 1.05 / (l + 0.05) ? INK : WHITE;
}

/* Fill the whole pixels [x0, x1) × [y0, y1) (no anti-aliasing: cells meet exactly). */
static void fill_px(Canvas *c, int x0, int y0, int x1, int y1, Rgba col)
{
    canvas_fill_rect(c, (float)x0, (float)y0, (float)x1, (float)y1, col);
}

/* An empty cell: background crossed by thin diagonal lines (the pattern is fixed to the
 * canvas, so neighbouring empty cells continue each other's lines). */
static void hatch_px(Canvas *c, int x0, int y0, int x1, int y1)
{
    if (x0 < 0) x0 = 0;
    if (y0 < 0) y0 = 0;
    if (x1 > c->w) x1 = c->w;
    if (y1 > c->h) y1 = c->h;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++) canvas_blend(c, x, y, (x + y) % 7 == 0 ? HATCH : BG, 1);
}


/* --- heatmap ----------------------------------------------------------------------------- */

typedef struct {
    HeatmapFrame fr;
    float px, pad, top, mat_w, mat_h;
    float row_lab_w;            /* the room for row labels (0: none) */
    float col_band;             /* the height of the column labels' band */
    float col_title_h;
    int row_every, col_every;   /* label every k-th row / column */
    float value_px;
    char mark;
} HeatLayout;

static const char *label_at(const char *const *labels, size_t i) { return labels && labels[i] ? labels[i] : ""; }

static void cell_text(const HeatmapScene *s, float v, char *out, size_t cap)
{
    char tmp[64];
    snprintf(tmp, sizeof tmp, s->value_format ? s->value_format : "%.2f", (double)v);
    plots_tidy_number(tmp, s->decimal_mark ? s->decimal_mark : '.', out, cap);
}

static void heat_range(const HeatmapScene *s, float *vmin, float *vmax)
{
    float lo = s->vmin, hi = s->vmax;
    if (!(lo < hi)) {
        lo = INFINITY;
        hi = -INFINITY;
        for (size_t i = 0; s->values && i < s->rows * s->cols; i++)
            if (isfinite(s->values[i])) { lo = fminf(lo, s->values[i]); hi = fmaxf(hi, s->values[i]); }
        if (lo > hi) { lo = 0; hi = 1; }
    }
    if (s->cmap == CMAP_DIV) {
        float m = fmaxf(fabsf(lo), fabsf(hi));
        if (!(m > 0) || !isfinite(m)) m = 1;
        lo = -m;
        hi = m;
    } else if (!(hi > lo)) {
        lo -= 0.5f;
        hi += 0.5f;
    }
    *vmin = lo;
    *vmax = hi;
}

/* The colour bar's ticks and the widest of their labels. */
static int bar_ticks(Font *f, const HeatLayout *L, float lpx, double *t, double *step, float *maxw)
{
    int nt = ticks_linear(L->fr.vmin, L->fr.vmax, 6, t, step);
    *maxw = 0;
    for (int i = 0; i < nt; i++) {
        char b[64];
        fmt_tick(b, sizeof b, t[i], *step, L->mark);
        *maxw = fmaxf(*maxw, font_width(f, lpx, b));
    }
    return nt;
}

static void heat_layout(const Canvas *c, Font *f, const HeatmapScene *s, float px, HeatLayout *L)
{
    memset(L, 0, sizeof *L);
    L->px = px;
    L->pad = px * 0.6f;
    L->mark = s->decimal_mark ? s->decimal_mark : '.';
    heat_range(s, &L->fr.vmin, &L->fr.vmax);
    float W = (float)c->w, H = (float)c->h;
    size_t R = s->rows, C = s->cols;
    L->top = s->title ? px * 2.4f : L->pad;
    float lpx = px * 0.8f;
    for (int pass = 0; pass < 2; pass++) {          /* pass 1 again with the label size found */
        float rl = 0, cl = 0;
        for (size_t r = 0; s->row_labels && r < R; r++) rl = fmaxf(rl, font_width(f, lpx, label_at(s->row_labels, r)));
        for (size_t k = 0; s->col_labels && k < C; k++) cl = fmaxf(cl, font_width(f, lpx, label_at(s->col_labels, k)));
        L->row_lab_w = fminf(rl, W * 0.28f);
        double t[MAXTICKS], step;
        float tw;
        bar_ticks(f, L, lpx, t, &step, &tw);
        float bar_block = px * 1.2f + px * 0.9f + px * 0.4f + tw + L->pad;
        float left = L->pad + (s->row_title ? lpx * 1.6f : 0) + (L->row_lab_w > 0 ? L->row_lab_w + px * 0.4f : 0);
        L->col_title_h = s->col_title ? lpx * 1.7f : 0;
        float avail_w = W - left - bar_block, band_h = s->col_labels ? lpx * 1.5f : 0;
        float avail_h = H - L->top - band_h - L->col_title_h - L->pad * 1.5f;
        float cw = C ? avail_w / (float)C : 0, ch = R ? avail_h / (float)R : 0;
        /* cells at most 1.5 times as wide as tall (a small matrix keeps square-ish cells),
         * and not much taller than wide unless that is still short (units × time steps) */
        cw = fminf(cw, ch * 1.5f);
        ch = fminf(ch, fmaxf(cw * 3, lpx * 2));
        int vertical = s->col_labels && cl > cw - 4;
        if (vertical) {
            band_h = fminf(cl, H * 0.3f) + px * 0.5f;
            avail_h = H - L->top - band_h - L->col_title_h - L->pad * 1.5f;
            ch = R ? avail_h / (float)R : 0;
            cw = C ? fminf(avail_w / (float)C, ch * 1.5f) : 0;
            ch = fminf(ch, fmaxf(cw * 3, lpx * 2));
        }
        if (cw < 0) cw = 0;
        if (ch < 0) ch = 0;
        L->fr.cell_w = cw;
        L->fr.cell_h = ch;
        L->fr.col_labels_vertical = vertical;
        L->col_band = band_h;
        L->fr.label_px = lpx;
        L->mat_w = cw * (float)C;
        L->mat_h = ch * (float)R;
        L->fr.x0 = left;
        L->fr.y0 = L->top + (s->col_labels_bottom ? 0 : band_h + L->col_title_h);
        /* Labels shrink to let every row have its own, down to 0.6 font_px; when even that
         * is too large they stay at full size and only every k-th row (column) is labelled. */
        float need = (s->row_labels ? ch : vertical ? cw : INFINITY) / 1.15f;
        float want = need < px * 0.6f ? px * 0.8f : fminf(px * 0.8f, need);
        if (pass == 0 && fabsf(want - lpx) < 0.25f) break;
        lpx = want;
    }
    lpx = L->fr.label_px;
    L->row_every = L->fr.cell_h > 0 && L->fr.cell_h < lpx * 1.15f ? (int)ceilf(lpx * 1.15f / L->fr.cell_h) : 1;
    L->col_every = L->fr.col_labels_vertical && L->fr.cell_w > 0 && L->fr.cell_w < lpx * 1.15f
                       ? (int)ceilf(lpx * 1.15f / L->fr.cell_w) : 1;
    /* the colour bar: beside the matrix, as tall as it (at least 6 lines of text) */
    L->fr.bar_x0 = L->fr.x0 + L->mat_w + px * 1.2f;
    L->fr.bar_x1 = L->fr.bar_x0 + px * 0.9f;
    L->fr.bar_y0 = L->fr.y0;
    L->fr.bar_y1 = L->fr.y0 + fmaxf(L->mat_h, fminf(px * 8, H - L->fr.y0 - L->pad));
    /* the values, when every one fits its cell at a readable size */
    L->value_px = fminf(px * 0.75f, L->fr.cell_h * 0.5f);
    int show = s->show_values >= 0 && s->values && L->value_px >= fmaxf(10, px * 0.45f) && R * C <= 10000;
    for (size_t i = 0; show && i < R * C; i++) {
        if (isnan(s->values[i])) continue;
        char b[64];
        cell_text(s, s->values[i], b, sizeof b);
        if (font_width(f, L->value_px, b) > L->fr.cell_w - 6) show = 0;
    }
    L->fr.values_shown = show;
}

void heatmap_layout(const Canvas *c, Font *f, const HeatmapScene *s, float px, HeatmapFrame *out)
{
    HeatLayout L;
    heat_layout(c, f, s, px, &L);
    *out = L.fr;
}

void view_heatmap(Canvas *c, Font *f, const HeatmapScene *s, float px)
{
    canvas_clear(c, BG);
    HeatLayout L;
    heat_layout(c, f, s, px, &L);
    const HeatmapFrame *fr = &L.fr;
    if (s->title) canvas_text_fit(c, f, L.pad * 2.5f, px * 1.6f, px * 1.15f, s->title, (float)c->w - L.pad * 5, 0, INK);
    size_t R = s->rows, C = s->cols;
    if (!R || !C || !s->values) return;
    float lpx = fr->label_px, asc, desc;
    float cw = fr->cell_w, ch = fr->cell_h, x0 = fr->x0, y0 = fr->y0;
    /* cells: edges on whole pixels, a one-pixel gap when the cells are large */
    int gap = cw >= 14 && ch >= 14;
    for (size_t r = 0; r < R; r++) {
        int ya = (int)lrintf(y0 + (float)r * ch), yb = (int)lrintf(y0 + (float)(r + 1) * ch) - gap;
        for (size_t k = 0; k < C; k++) {
            int xa = (int)lrintf(x0 + (float)k * cw), xb = (int)lrintf(x0 + (float)(k + 1) * cw) - gap;
            if (xb <= xa || yb <= ya) continue;
            float v = s->values[r * C + k];
            if (isnan(v)) hatch_px(c, xa, ya, xb, yb);
            else fill_px(c, xa, ya, xb, yb, cmap_value(s->cmap, v, fr->vmin, fr->vmax));
        }
    }
    if (fr->values_shown) {
        font_vmetrics(f, L.value_px, &asc, &desc);
        for (size_t r = 0; r < R; r++)
            for (size_t k = 0; k < C; k++) {
                float v = s->values[r * C + k];
                if (isnan(v)) continue;
                char b[64];
                cell_text(s, v, b, sizeof b);
                float tw = font_width(f, L.value_px, b);
                float cx = x0 + ((float)k + 0.5f) * cw - gap * 0.5f, cy = y0 + ((float)r + 0.5f) * ch - gap * 0.5f;
                canvas_text(c, f, cx - tw / 2, cy + (asc - desc) / 2, L.value_px, b,
                            ink_on(cmap_value(s->cmap, v, fr->vmin, fr->vmax)));
            }
    }
    /* the highlighted row and column: outlined across the whole matrix */
    float hw = fmaxf(2, px * 0.12f);
    if (s->highlight_row >= 0 && (size_t)s->highlight_row < R) {
        float ya = y0 + (float)s->highlight_row * ch;
        canvas_rect_outline(c, x0 - hw / 2, ya - hw / 2, x0 + L.mat_w + hw / 2 - gap, ya + ch + hw / 2 - gap, hw, INK);
    }
    if (s->highlight_col >= 0 && (size_t)s->highlight_col < C) {
        float xa = x0 + (float)s->highlight_col * cw;
        canvas_rect_outline(c, xa - hw / 2, y0 - hw / 2, xa + cw + hw / 2 - gap, y0 + L.mat_h + hw / 2 - gap, hw, INK);
    }
    /* row labels, right-aligned against the matrix, centred on their rows */
    font_vmetrics(f, lpx, &asc, &desc);
    if (s->row_labels && L.row_lab_w > 0)
        for (size_t r = 0; r < R; r++) {
            int hl = (long)r == s->highlight_row;
            if (r % (size_t)L.row_every && !hl) continue;
            float cy = y0 + ((float)r + 0.5f) * ch;
            canvas_text_fit(c, f, x0 - px * 0.4f, cy + (asc - desc) / 2, lpx, label_at(s->row_labels, r), L.row_lab_w, 2,
                     hl ? ACCENT : INK);
        }
    /* column labels, across or turned, above or below the matrix */
    if (s->col_labels) {
        float band_in = s->col_labels_bottom ? y0 + L.mat_h + px * 0.4f : y0 - px * 0.4f;
        float room = L.col_band - px * 0.5f;
        for (size_t k = 0; k < C; k++) {
            int hl = (long)k == s->highlight_col;
            if (k % (size_t)L.col_every && !hl) continue;
            const char *lab = label_at(s->col_labels, k);
            float cx = x0 + ((float)k + 0.5f) * cw;
            Rgba col = hl ? ACCENT : INK;
            if (!fr->col_labels_vertical) {
                float y = s->col_labels_bottom ? band_in + asc : band_in - desc;
                canvas_text_fit(c, f, cx, y, lpx, lab, cw - 2, 1, col);
            } else {
                char buf[512];
                float w = font_fit(f, lpx, lab, room, buf, sizeof buf);
                /* the end of the text next to the matrix */
                float ystart = s->col_labels_bottom ? band_in + w : band_in;
                canvas_text_vertical(c, f, cx + (asc - desc) / 2, ystart, lpx, buf, col);
            }
        }
    }
    /* axis captions */
    if (s->row_title)
        vtext_centred(c, f, L.pad + lpx * 0.6f, y0 + L.mat_h / 2, lpx, s->row_title, fmaxf(L.mat_h, px * 4), GREY);
    if (s->col_title) {
        float y = s->col_labels_bottom ? y0 + L.mat_h + L.col_band + lpx * 1.3f : y0 - L.col_band - lpx * 0.5f;
        canvas_text_fit(c, f, x0 + L.mat_w / 2, y, lpx, s->col_title, fmaxf(L.mat_w, px * 6), 1, GREY);
    }
    /* the colour bar: top is vmax, with ticks and labels on its right */
    int by0 = (int)lrintf(fr->bar_y0), by1 = (int)lrintf(fr->bar_y1);
    int bx0 = (int)lrintf(fr->bar_x0), bx1 = (int)lrintf(fr->bar_x1);
    for (int y = by0; y < by1; y++) {
        float t = 1 - ((float)(y - by0) + 0.5f) / (float)(by1 - by0);
        fill_px(c, bx0, y, bx1, y + 1, cmap_at(s->cmap, t));
    }
    canvas_rect_outline(c, (float)bx0 - 0.5f, (float)by0 - 0.5f, (float)bx1 + 0.5f, (float)by1 + 0.5f, 1, FRAME);
    double t[MAXTICKS], step;
    float tw;
    int nt = bar_ticks(f, &L, lpx, t, &step, &tw);
    for (int i = 0; i < nt; i++) {
        float y = (float)by1 - (float)((t[i] - fr->vmin) / (fr->vmax - fr->vmin)) * (float)(by1 - by0);
        canvas_line(c, (float)bx1, y, (float)bx1 + px * 0.3f, y, 1.2f, TICK_INK);
        char b[64];
        fmt_tick(b, sizeof b, t[i], step, L.mark);
        canvas_text(c, f, (float)bx1 + px * 0.45f, y + (asc - desc) / 2, lpx, b, TICK_INK);
    }
    if (s->bar_label) {
        float w = font_width(f, lpx, s->bar_label), x = ((float)bx0 + (float)bx1) / 2 - w / 2;
        if (x + w > (float)c->w - 2) x = (float)c->w - 2 - w;
        canvas_text(c, f, x, (float)by0 - lpx * 0.5f, lpx, s->bar_label, GREY);
    }
}

/* --- line plot --------------------------------------------------------------------------- */

typedef struct {
    PlotFrame fr;
    double xt[MAXTICKS], yt[MAXTICKS], xstep, ystep;
    int nxt, nyt;
    int ylog_kind;              /* on a log axis: 0 decades, 1 1-2-5 per decade, 2 linear */
    float tpx;                  /* tick label size */
    char mark;
} LineLayout;

static double series_x(const LineSeries *s, size_t i) { return s->x ? (double)s->x[i] : (double)i; }

static int usable(const LinesScene *sc, double x, double y)
{
    return isfinite(x) && isfinite(y) && (!sc->log_y || y > 0);
}

static void ytick_label(const LineLayout *L, int i, char *b, size_t cap)
{
    double v = L->yt[i];
    if (!L->fr.log_y || L->ylog_kind == 2) { fmt_tick(b, cap, v, L->ystep, L->mark); return; }
    int k = (int)floor(log10(v) + 1e-9);
    double m = v / pow(10, k);
    if (fabs(m - 1) < 1e-6) { fmt_pow10(b, cap, k, L->mark); return; }
    if (k >= -3 && k <= 4) {
        char tmp[48];
        snprintf(tmp, sizeof tmp, "%.*f", k < 0 ? -k : 0, v);
        plots_tidy_number(tmp, L->mark, b, cap);
    } else {
        char p[32];
        fmt_pow10(p, sizeof p, k, L->mark);
        snprintf(b, cap, "%.0f\xC2\xB7%s", m, p);    /* 2·10⁻⁵ */
    }
}

/* y ticks on a log axis over [10^lo, 10^hi]: whole decades when two or more fit, else 1-2-5
 * within the decades, else plain linear ticks. */
static void log_ticks(LineLayout *L, double lo, double hi, int max_ticks)
{
    int k0 = (int)ceil(lo - 1e-9), k1 = (int)floor(hi + 1e-9), n = 0;
    if (k1 - k0 + 1 >= 2) {
        int every = (k1 - k0 + 1 + max_ticks - 1) / max_ticks;
        if (every < 1) every = 1;
        for (int k = k0; k <= k1 && n < MAXTICKS; k += every) L->yt[n++] = pow(10, k);
        L->ylog_kind = 0;
    } else {
        static const double m[] = { 1, 2, 5 };
        for (int k = (int)floor(lo) - 1; k <= (int)ceil(hi) && n < MAXTICKS; k++)
            for (int j = 0; j < 3 && n < MAXTICKS; j++) {
                double v = m[j] * pow(10, k), e = log10(v);
                if (e >= lo - 1e-9 && e <= hi + 1e-9) L->yt[n++] = v;
            }
        L->ylog_kind = 1;
        if (n < 3) {
            n = ticks_linear(pow(10, lo), pow(10, hi), max_ticks, L->yt, &L->ystep);
            L->ylog_kind = 2;
        }
    }
    L->nyt = n;
}

static void line_layout(const Canvas *c, Font *f, const LinesScene *sc, float px, LineLayout *L)
{
    memset(L, 0, sizeof *L);
    L->mark = sc->decimal_mark ? sc->decimal_mark : '.';
    L->tpx = px * 0.8f;
    PlotFrame *fr = &L->fr;
    fr->log_y = sc->log_y != 0;
    /* the data range */
    double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
    for (size_t k = 0; k < sc->nseries; k++) {
        const LineSeries *s = &sc->series[k];
        for (size_t i = 0; s->y && i < s->n; i++) {
            double x = series_x(s, i), y = s->y[i];
            if (!usable(sc, x, y)) continue;
            xlo = fmin(xlo, x); xhi = fmax(xhi, x);
            ylo = fmin(ylo, y); yhi = fmax(yhi, y);
        }
    }
    if (sc->xmin < sc->xmax) { xlo = sc->xmin; xhi = sc->xmax; }
    else if (!(xlo <= xhi)) { xlo = 0; xhi = 1; }
    else if (xhi - xlo <= fabs(xhi) * 1e-9) { xlo -= 0.5; xhi += 0.5; }
    if (fr->log_y) {
        double lo, hi;
        if (sc->ymin < sc->ymax && sc->ymin > 0) { lo = log10(sc->ymin); hi = log10(sc->ymax); }
        else {
            if (!(ylo <= yhi)) { ylo = 1; yhi = 10; }
            lo = log10(ylo); hi = log10(yhi);
            if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
            double m = (hi - lo) * 0.05;
            lo -= m; hi += m;
        }
        fr->ymin = pow(10, lo);
        fr->ymax = pow(10, hi);
    } else {
        if (sc->ymin < sc->ymax) { ylo = sc->ymin; yhi = sc->ymax; }
        else {
            if (!(ylo <= yhi)) { ylo = 0; yhi = 1; }
            if (yhi - ylo <= fabs(yhi) * 1e-9) {
                double d = ylo != 0 ? fabs(ylo) * 0.1 : 1;
                ylo -= d; yhi += d;
            } else {
                double m = (yhi - ylo) * 0.05;
                ylo -= m; yhi += m;
            }
        }
        fr->ymin = ylo;
        fr->ymax = yhi;
    }
    fr->xmin = xlo;
    fr->xmax = xhi;
    /* margins: the title above; the y title, tick labels and ticks on the left */
    float W = (float)c->w, H = (float)c->h, pad = px * 0.6f;
    float top = sc->title ? px * 2.6f : px * 1.0f;
    float bottom = L->tpx * 1.9f + (sc->xlabel ? px * 1.4f : 0) + pad * 0.5f;
    float plot_h = H - top - bottom;
    int max_yt = (int)(plot_h / (L->tpx * 2.6f));
    max_yt = max_yt < 2 ? 2 : max_yt > 10 ? 10 : max_yt;
    if (fr->log_y) log_ticks(L, log10(fr->ymin), log10(fr->ymax), max_yt);
    else L->nyt = ticks_linear(fr->ymin, fr->ymax, max_yt, L->yt, &L->ystep);
    float ytw = 0;
    for (int i = 0; i < L->nyt; i++) {
        char b[64];
        ytick_label(L, i, b, sizeof b);
        ytw = fmaxf(ytw, font_width(f, L->tpx, b));
    }
    float left = pad + (sc->ylabel ? px * 1.3f : 0) + ytw + px * 0.5f;
    /* x ticks: as many as fit with a gap of about two letters between their labels */
    float right = px * 1.2f, plot_w = W - left - right;
    int max_xt = (int)(plot_w / (px * 3));
    for (; max_xt >= 2; max_xt--) {
        L->nxt = ticks_linear(xlo, xhi, max_xt, L->xt, &L->xstep);
        float widest = 0;
        for (int i = 0; i < L->nxt; i++) {
            char b[64];
            fmt_tick(b, sizeof b, L->xt[i], L->xstep, L->mark);
            widest = fmaxf(widest, font_width(f, L->tpx, b));
        }
        if ((float)L->nxt * (widest + px * 1.5f) <= plot_w) break;
    }
    if (max_xt < 2) L->nxt = ticks_linear(xlo, xhi, 2, L->xt, &L->xstep);
    fr->x0 = left;
    fr->y0 = top;
    fr->x1 = W - right;
    fr->y1 = H - bottom;
    if (fr->x1 < fr->x0 + 1) fr->x1 = fr->x0 + 1;
    if (fr->y1 < fr->y0 + 1) fr->y1 = fr->y0 + 1;
}

void lines_layout(const Canvas *c, Font *f, const LinesScene *s, float px, PlotFrame *out)
{
    LineLayout L;
    line_layout(c, f, s, px, &L);
    *out = L.fr;
}

float plot_px_x(const PlotFrame *fr, double x)
{
    return fr->x0 + (float)((x - fr->xmin) / (fr->xmax - fr->xmin)) * (fr->x1 - fr->x0);
}

float plot_px_y(const PlotFrame *fr, double y)
{
    double t;
    if (fr->log_y) {
        if (!(y > 0)) return NAN;
        t = (log10(y) - log10(fr->ymin)) / (log10(fr->ymax) - log10(fr->ymin));
    } else {
        t = (y - fr->ymin) / (fr->ymax - fr->ymin);
    }
    return fr->y1 - (float)t * (fr->y1 - fr->y0);
}

/* Cut the segment to the rectangle r (x0, y0, x1, y1) (Liang–Barsky); 0 if nothing is left.
 * A segment thousands of pixels long (a zoomed-in axis) then costs only what is visible. */
static int clip_segment(const float r[4], float *ax, float *ay, float *bx, float *by)
{
    float dx = *bx - *ax, dy = *by - *ay, t0 = 0, t1 = 1;
    float p[4] = { -dx, dx, -dy, dy }, q[4] = { *ax - r[0], r[2] - *ax, *ay - r[1], r[3] - *ay };
    for (int i = 0; i < 4; i++) {
        if (p[i] == 0) {
            if (q[i] < 0) return 0;
            continue;
        }
        float t = q[i] / p[i];
        if (p[i] < 0) { if (t > t1) return 0; if (t > t0) t0 = t; }
        else { if (t < t0) return 0; if (t < t1) t1 = t; }
    }
    float x0 = *ax + t0 * dx, y0 = *ay + t0 * dy, x1 = *ax + t1 * dx, y1 = *ay + t1 * dy;
    *ax = x0; *ay = y0; *bx = x1; *by = y1;
    return 1;
}

typedef struct {
    Canvas *c;
    float r[4];                 /* the clip rectangle, the plot area plus a line width */
    float width;
    Rgba col;
} Pen;

static void pen_line(const Pen *p, float ax, float ay, float bx, float by)
{
    if (clip_segment(p->r, &ax, &ay, &bx, &by)) canvas_line(p->c, ax, ay, bx, by, p->width, p->col);
}

/* The points of one pixel column, in the order they came: the first and last for joining
 * the neighbours, the lowest and highest for the span between. */
typedef struct {
    int active, joined;         /* joined: a segment came in from the previous column */
    long col;
    float fx, fy, lx, ly, lo, hi;
} Run;

static void run_flush(const Pen *p, Run *r)
{
    if (!r->active) return;
    if (r->hi - r->lo > 0.5f) {
        float x = (r->fx + r->lx) / 2;
        pen_line(p, x, r->lo, x, r->hi);
    }
    r->active = 0;
}

static void draw_series(const LinesScene *sc, const PlotFrame *fr, const LineSeries *s, const Pen *p)
{
    Run run = { 0 };
    int have_prev = 0;          /* the line continues from (px_, py_) */
    float px_ = 0, py_ = 0;
    for (size_t i = 0; s->y && i <= s->n; i++) {
        int ok = i < s->n;
        double x = ok ? series_x(s, i) : NAN, y = ok ? (double)s->y[i] : NAN;
        if (!ok || !usable(sc, x, y)) {            /* a break in the line (or its end) */
            if (run.active && !run.joined && run.hi - run.lo <= 0.5f && fabsf(run.lx - run.fx) < 1) {
                /* a point on its own: a dot, or it would not show */
                float cx = run.fx, cy = run.fy;
                if (cx >= p->r[0] && cx <= p->r[2] && cy >= p->r[1] && cy <= p->r[3]) canvas_disc(p->c, cx, cy, p->width * 1.5f, p->col);
            }
            run_flush(p, &run);
            have_prev = 0;
            continue;
        }
        float sx = plot_px_x(fr, x), sy = plot_px_y(fr, y);
        long col = (long)floorf(sx);
        if (run.active && col == run.col) {
            run.lx = sx; run.ly = sy;
            run.lo = fminf(run.lo, sy); run.hi = fmaxf(run.hi, sy);
            continue;
        }
        if (run.active) { px_ = run.lx; py_ = run.ly; have_prev = 1; }
        run_flush(p, &run);
        run = (Run){ 1, have_prev, col, sx, sy, sx, sy, sy, sy };
        if (have_prev) pen_line(p, px_, py_, sx, sy);
    }
}

/* A legend box's candidate corner: how many points of the series it would cover. A short
 * series (a few measured values joined by straight lines) is sampled along its segments too,
 * so that a line crossing the corner between two points counts. */
static size_t points_in(const LinesScene *sc, const PlotFrame *fr, float x0, float y0, float x1, float y1)
{
    size_t hits = 0;
    for (size_t k = 0; k < sc->nseries; k++) {
        const LineSeries *s = &sc->series[k];
        size_t stride = s->n > 4000 ? s->n / 4000 : 1;
        int sub = s->n < 200 ? 16 : 1;
        for (size_t i = 0; s->y && i < s->n; i += stride) {
            double x = series_x(s, i), y = s->y[i];
            if (!usable(sc, x, y)) continue;
            float sx = plot_px_x(fr, x), sy = plot_px_y(fr, y);
            hits += sx >= x0 && sx <= x1 && sy >= y0 && sy <= y1;
            if (sub == 1 || i + 1 >= s->n || !usable(sc, series_x(s, i + 1), s->y[i + 1])) continue;
            float ex = plot_px_x(fr, series_x(s, i + 1)), ey = plot_px_y(fr, s->y[i + 1]);
            for (int q = 1; q < sub; q++) {
                float t = (float)q / (float)sub, qx = sx + t * (ex - sx), qy = sy + t * (ey - sy);
                hits += qx >= x0 && qx <= x1 && qy >= y0 && qy <= y1;
            }
        }
    }
    return hits;
}

void view_lines(Canvas *c, Font *f, const LinesScene *sc, float px)
{
    canvas_clear(c, BG);
    LineLayout L;
    line_layout(c, f, sc, px, &L);
    const PlotFrame *fr = &L.fr;
    float asc, desc, tpx = L.tpx;
    font_vmetrics(f, tpx, &asc, &desc);
    float pad = px * 0.6f;
    if (sc->title) canvas_text_fit(c, f, fr->x0, px * 1.6f, px * 1.15f, sc->title, (float)c->w - fr->x0 - pad, 0, INK);
    /* grid lines and tick labels */
    for (int i = 0; i < L.nyt; i++) {
        float y = plot_px_y(fr, L.yt[i]);
        if (!(y >= fr->y0 - 0.5f && y <= fr->y1 + 0.5f)) continue;
        canvas_line(c, fr->x0, y, fr->x1, y, 1, GRID);
        canvas_line(c, fr->x0 - px * 0.3f, y, fr->x0, y, 1.2f, FRAME);
        char b[64];
        ytick_label(&L, i, b, sizeof b);
        canvas_text(c, f, fr->x0 - px * 0.45f - font_width(f, tpx, b), y + (asc - desc) / 2, tpx, b, TICK_INK);
    }
    for (int i = 0; i < L.nxt; i++) {
        float x = plot_px_x(fr, L.xt[i]);
        if (!(x >= fr->x0 - 0.5f && x <= fr->x1 + 0.5f)) continue;
        canvas_line(c, x, fr->y0, x, fr->y1, 1, GRID);
        canvas_line(c, x, fr->y1, x, fr->y1 + px * 0.3f, 1.2f, FRAME);
        char b[64];
        fmt_tick(b, sizeof b, L.xt[i], L.xstep, L.mark);
        float w = font_width(f, tpx, b);
        canvas_text(c, f, x - w / 2, fr->y1 + px * 0.4f + asc, tpx, b, TICK_INK);
    }
    canvas_line(c, fr->x0, fr->y1, fr->x1, fr->y1, 1.5f, FRAME);
    canvas_line(c, fr->x0, fr->y0, fr->x0, fr->y1, 1.5f, FRAME);
    if (sc->xlabel)
        canvas_text_fit(c, f, (fr->x0 + fr->x1) / 2, fr->y1 + px * 0.4f + asc + desc + px * 1.2f, px * 0.85f, sc->xlabel,
                 fr->x1 - fr->x0, 1, GREY);
    if (sc->ylabel) vtext_centred(c, f, pad + px * 0.5f, (fr->y0 + fr->y1) / 2, px * 0.85f, sc->ylabel, fr->y1 - fr->y0, GREY);
    /* the series, clipped to the plot area (plus half a line, so a line on the edge shows) */
    int labelled = 0;
    for (size_t k = 0; k < sc->nseries; k++) {
        const LineSeries *s = &sc->series[k];
        labelled |= s->label && *s->label;
        Pen p = { c, { 0 }, s->width > 0 ? s->width : px / 7, s->colour.a ? s->colour : plot_colour(k) };
        float m = p.width;
        p.r[0] = fr->x0 - m; p.r[1] = fr->y0 - m; p.r[2] = fr->x1 + m; p.r[3] = fr->y1 + m;
        canvas_clip(c, p.r[0], p.r[1], p.r[2], p.r[3]);
        draw_series(sc, fr, s, &p);
        canvas_clip_reset(c);
    }
    /* the legend, in the corner of the plot area that hides the fewest points */
    if (!labelled) return;
    float lpx = px * 0.8f, row = lpx * 1.45f, sw = px * 1.6f, tw = 0;
    size_t nl = 0;
    for (size_t k = 0; k < sc->nseries; k++)
        if (sc->series[k].label && *sc->series[k].label) {
            tw = fmaxf(tw, font_width(f, lpx, sc->series[k].label));
            nl++;
        }
    float maxw = (fr->x1 - fr->x0) * 0.45f;
    tw = fminf(tw, maxw);
    float bw = pad + sw + pad * 0.6f + tw + pad, bh = (float)nl * row + pad;
    float m = px * 0.5f;
    float cand[4][2] = { { fr->x1 - m - bw, fr->y0 + m }, { fr->x0 + m, fr->y0 + m },
                         { fr->x1 - m - bw, fr->y1 - m - bh }, { fr->x0 + m, fr->y1 - m - bh } };
    int best = 0;
    size_t best_hits = (size_t)-1;
    for (int i = 0; i < 4; i++) {
        size_t h = points_in(sc, fr, cand[i][0], cand[i][1], cand[i][0] + bw, cand[i][1] + bh);
        if (h < best_hits) { best_hits = h; best = i; }
    }
    float bx = cand[best][0], by = cand[best][1];
    canvas_fill_rect(c, bx, by, bx + bw, by + bh, (Rgba){ BG.r, BG.g, BG.b, 235 });
    canvas_rect_outline(c, bx, by, bx + bw, by + bh, 1, FRAME);
    float la, ld;
    font_vmetrics(f, lpx, &la, &ld);
    size_t j = 0;
    for (size_t k = 0; k < sc->nseries; k++) {
        const LineSeries *s = &sc->series[k];
        if (!s->label || !*s->label) continue;
        float cy = by + pad * 0.5f + row * ((float)j + 0.5f);
        Rgba col = s->colour.a ? s->colour : plot_colour(k);
        canvas_line(c, bx + pad, cy, bx + pad + sw, cy, fmaxf(s->width > 0 ? s->width : px / 7, 2.5f), col);
        canvas_text_fit(c, f, bx + pad + sw + pad * 0.6f, cy + (la - ld) / 2, lpx, s->label, tw, 0, INK);
        j++;
    }
}

/* --- horizontal bars --------------------------------------------------------------------- */

static const char *note_at(const BarsScene *s, size_t i) { return s->notes && s->notes[i] ? s->notes[i] : NULL; }

static const char *bar_format(const BarsScene *s) { return s->value_format ? s->value_format : "%.3f"; }

/* The text written at the end of bar i: its value, or "—" when it has none. */
static void bar_text(const BarsScene *s, size_t i, char *out, size_t cap)
{
    float v = s->values ? s->values[i] : NAN;
    if (isnan(v)) { snprintf(out, cap, "\xE2\x80\x94"); return; }      /* — */
    if (!*bar_format(s)) { out[0] = '\0'; return; }
    char tmp[64];
    snprintf(tmp, sizeof tmp, bar_format(s), (double)v);
    plots_tidy_number(tmp, s->decimal_mark ? s->decimal_mark : '.', out, cap);
}

/* The range the bars span: the finite values and 0, or the scene's own. */
static void bars_range(const BarsScene *s, double *lo, double *hi)
{
    if (s->vmin < s->vmax) { *lo = s->vmin; *hi = s->vmax; return; }
    double a = 0, b = 0;
    for (size_t i = 0; s->values && i < s->n; i++)
        if (isfinite(s->values[i])) { a = fmin(a, s->values[i]); b = fmax(b, s->values[i]); }
    if (!(b > a)) b = a + 1;           /* all zero (or none): a unit axis to the right */
    *lo = a;
    *hi = b;
}

typedef struct {
    BarsFrame fr;
    float px, pad, vpx;
    float title_y, subtitle_y;         /* baselines */
    float label_w, note_w;
    double lo, hi;                     /* the data range (0 included) */
} BarsLayout;

static void bars_layout_(const Canvas *c, Font *f, const BarsScene *s, float px, BarsLayout *L)
{
    memset(L, 0, sizeof *L);
    BarsFrame *fr = &L->fr;
    float W = (float)c->w, H = (float)c->h, pad = px * 0.6f;
    L->px = px;
    L->pad = pad;
    size_t n = s->n;
    /* above: the title and the subtitle; below: the tick labels, the axis caption, the footer */
    float top = pad;
    if (s->title) { L->title_y = px * 1.6f; top = px * 2.4f; }
    if (s->subtitle) { L->subtitle_y = top + px * 0.55f; top += px * 1.35f; }
    top += px * 0.3f;
    float bottom = px * 0.8f * 1.9f + (s->xlabel ? px * 1.3f : 0) + (s->footer ? px * 1.3f : 0) + pad * 0.5f;
    float rows_h = H - top - bottom;
    if (rows_h < 1) rows_h = 1;
    float row_h = n ? rows_h / (float)n : rows_h;
    row_h = fminf(row_h, px * 2.0f);   /* a few bars stay bars, not slabs */
    /* labels as large as the rows allow, between 0.55 and 0.8 font_px; thinner rows label
     * every k-th bar */
    float lpx = fminf(px * 0.8f, row_h / 1.25f);
    if (lpx < px * 0.55f) lpx = fminf(px * 0.55f, px * 0.8f);
    fr->label_every = row_h > 0 && row_h * 1.1f < lpx ? (int)ceilf(lpx / (row_h * 1.1f)) : 1;
    fr->label_px = lpx;
    L->vpx = lpx * 0.9f;
    /* the columns: labels on the left, notes on the right, each at most a share of the width */
    float lw = 0, nw = 0, vw = 0;
    for (size_t i = 0; i < n; i++) {
        if (s->labels && s->labels[i]) lw = fmaxf(lw, font_width(f, lpx, s->labels[i]));
        if (note_at(s, i)) nw = fmaxf(nw, font_width(f, lpx, note_at(s, i)));
        char b[64];
        bar_text(s, i, b, sizeof b);
        vw = fmaxf(vw, font_width(f, L->vpx, b));
    }
    L->label_w = fminf(lw, W * 0.26f);
    L->note_w = fminf(nw, W * 0.3f);
    fr->label_x1 = pad + L->label_w;
    fr->note_x0 = nw > 0 ? W - pad - L->note_w : W;
    fr->x0 = fr->label_x1 + (L->label_w > 0 ? px * 0.7f : 0);
    fr->x1 = (nw > 0 ? fr->note_x0 - px * 0.9f : W - pad);
    if (fr->x1 < fr->x0 + 10) fr->x1 = fr->x0 + 10;
    /* the value scale: the bars and the numbers at their ends fit between x0 and x1 */
    bars_range(s, &L->lo, &L->hi);
    float gap = px * 0.3f, room_l = L->lo < 0 ? vw + gap : 0, room_r = L->hi > 0 ? vw + gap : 0;
    float span = fr->x1 - fr->x0 - room_l - room_r;
    if (span < (fr->x1 - fr->x0) * 0.3f) {             /* a narrow canvas: numbers over the bars */
        room_l = room_r = 0;
        span = fr->x1 - fr->x0;
    }
    fr->scale = (float)(span / (L->hi - L->lo));
    fr->zero_x = fr->x0 + room_l + (float)(-L->lo) * fr->scale;
    fr->vmin = (fr->x0 - fr->zero_x) / fr->scale;
    fr->vmax = (fr->x1 - fr->zero_x) / fr->scale;
    fr->row_h = row_h;
    fr->bar_h = row_h * 0.68f;
    fr->y0 = top;
    fr->y1 = top + row_h * (float)n;
}

void bars_layout(const Canvas *c, Font *f, const BarsScene *s, float px, BarsFrame *out)
{
    BarsLayout L;
    bars_layout_(c, f, s, px, &L);
    *out = L.fr;
}

float bars_px_x(const BarsFrame *fr, double v) { return fr->zero_x + (float)v * fr->scale; }

long bars_hit(const BarsFrame *fr, size_t n, float x, float y)
{
    (void)x;
    if (!(fr->row_h > 0) || y < fr->y0 || y >= fr->y1) return -1;
    long i = (long)floorf((y - fr->y0) / fr->row_h);
    return i >= 0 && (size_t)i < n ? i : -1;
}

void view_bars(Canvas *c, Font *f, const BarsScene *s, float px)
{
    canvas_clear(c, BG);
    BarsLayout L;
    bars_layout_(c, f, s, px, &L);
    const BarsFrame *fr = &L.fr;
    float W = (float)c->w, pad = L.pad, lpx = fr->label_px, asc, desc;
    char mark = s->decimal_mark ? s->decimal_mark : '.';
    if (s->title) canvas_text_fit(c, f, pad, L.title_y, px * 1.15f, s->title, W - 2 * pad, 0, INK);
    if (s->subtitle) canvas_text_fit(c, f, pad, L.subtitle_y, px * 0.8f, s->subtitle, W - 2 * pad, 0, GREY);
    size_t n = s->n;
    /* every other row lightly shaded, so the eye follows a row from its label to its note */
    for (size_t i = 1; i < n; i += 2) {
        float ya = fr->y0 + (float)i * fr->row_h;
        canvas_fill_rect(c, pad * 0.5f, ya, W - pad * 0.5f, ya + fr->row_h, (Rgba){ 244, 244, 246, 255 });
    }
    /* the value axis: grid lines at 1-2-5 ticks, their labels below, a darker zero line */
    double t[MAXTICKS], step;
    int max_t = (int)((fr->x1 - fr->x0) / (px * 4));
    int nt = ticks_linear(L.lo, L.hi, max_t < 2 ? 2 : max_t > 10 ? 10 : max_t, t, &step);
    float tpx = px * 0.8f;
    font_vmetrics(f, tpx, &asc, &desc);
    for (int i = 0; i < nt; i++) {
        float x = bars_px_x(fr, t[i]);
        if (x < fr->x0 - 0.5f || x > fr->x1 + 0.5f) continue;
        canvas_line(c, x, fr->y0, x, fr->y1, 1, GRID);
        char b[64];
        fmt_tick(b, sizeof b, t[i], step, mark);
        float w = font_width(f, tpx, b);
        canvas_line(c, x, fr->y1, x, fr->y1 + px * 0.25f, 1.2f, FRAME);
        canvas_text(c, f, x - w / 2, fr->y1 + px * 0.35f + asc, tpx, b, TICK_INK);
    }
    canvas_line(c, fr->x0, fr->y1, fr->x1, fr->y1, 1.2f, FRAME);
    float below = fr->y1 + px * 0.35f + asc + desc;
    if (s->xlabel) {
        below += px * 1.15f;
        canvas_text_fit(c, f, (fr->x0 + fr->x1) / 2, below, px * 0.8f, s->xlabel, fr->x1 - fr->x0, 1, GREY);
    }
    if (s->footer) {
        below += px * 1.3f;
        canvas_text_fit(c, f, pad, below, px * 0.8f, s->footer, W - 2 * pad, 0, GREY);
    }
    /* the bars */
    Rgba pos = s->pos_colour.a ? s->pos_colour : cmap_div(0.88f);
    Rgba neg = s->neg_colour.a ? s->neg_colour : cmap_div(0.12f);
    float va, vd;
    font_vmetrics(f, L.vpx, &va, &vd);
    font_vmetrics(f, lpx, &asc, &desc);
    for (size_t i = 0; i < n; i++) {
        float cy = fr->y0 + ((float)i + 0.5f) * fr->row_h;
        float v = s->values ? s->values[i] : NAN;
        int hl = (long)i == s->highlight;
        char b[64];
        bar_text(s, i, b, sizeof b);
        float bw = font_width(f, L.vpx, b), gap = px * 0.3f;
        if (isnan(v)) {
            canvas_text(c, f, fr->zero_x + gap, cy + (va - vd) / 2, L.vpx, b, GREY);
        } else {
            float xe = bars_px_x(fr, fmax(fmin(v, fr->vmax), fr->vmin));
            float xa = fminf(fr->zero_x, xe), xb = fmaxf(fr->zero_x, xe);
            if (xb - xa < 1) { xa = xe - 0.5f; xb = xe + 0.5f; }      /* a zero still shows */
            float ya = cy - fr->bar_h / 2, yb = cy + fr->bar_h / 2;
            canvas_fill_rect(c, xa, ya, xb, yb, v < 0 ? neg : pos);
            if (hl) canvas_rect_outline(c, xa - 1, ya - 1, xb + 1, yb + 1, fmaxf(2, px * 0.1f), INK);
            /* the number just beyond the bar's end: right of a positive bar, left of a
             * negative one; over the bar's end when there is no room outside */
            float tx = v < 0 ? xa - gap - bw : xb + gap;
            if (tx < fr->x0 - pad * 0.5f) tx = fr->x0;
            if (tx + bw > fr->x1 + pad * 0.5f) tx = fr->x1 - bw;
            canvas_text(c, f, tx, cy + (va - vd) / 2, L.vpx, b, TICK_INK);
        }
        if (s->labels && s->labels[i] && (i % (size_t)fr->label_every == 0 || hl))
            canvas_text_fit(c, f, fr->label_x1, cy + (asc - desc) / 2, lpx, s->labels[i], L.label_w, 2, hl ? ACCENT : INK);
        if (note_at(s, i) && (i % (size_t)fr->label_every == 0 || hl))
            canvas_text_fit(c, f, fr->note_x0, cy + (asc - desc) / 2, lpx, note_at(s, i), L.note_w, 0, hl ? ACCENT : TICK_INK);
    }
    /* the zero line on top of the bars' starts */
    canvas_line(c, fr->zero_x, fr->y0 - px * 0.2f, fr->zero_x, fr->y1, 1.6f, TICK_INK);
}
