/* test_plots.c — colour maps (checked in OKLab computed here from their sRGB output), the
 * heatmap (cells get the map's colours, NaN cells stay uncoloured, values, labels) and the
 * line plot (a known series lands where expected, a log axis, breaks, decimation). Pixels
 * are checked, not PNG bytes. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "viz/colormap.h"
#include "viz/plots.h"

static const Rgba BG = { 252, 252, 250, 255 };

/* OKLab from 8-bit sRGB, written out here so that the maps are checked against an
 * independent conversion rather than their own. */
static double lin(int u8)
{
    double u = u8 / 255.0;
    return u <= 0.04045 ? u / 12.92 : pow((u + 0.055) / 1.055, 2.4);
}

static void oklab(Rgba c, double lab[3])
{
    double r = lin(c.r), g = lin(c.g), b = lin(c.b);
    double l = cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
    double m = cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
    double s = cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
    lab[0] = 0.2104542553 * l + 0.7936177850 * m - 0.0040720468 * s;
    lab[1] = 1.9779984951 * l - 2.4285922050 * m + 0.4505937099 * s;
    lab[2] = 0.0259040371 * l + 0.7827717662 * m - 0.8086757660 * s;
}

static double L_of(Rgba c) { double lab[3]; oklab(c, lab); return lab[0]; }

static double hue_of(Rgba c)
{
    double lab[3];
    oklab(c, lab);
    double h = atan2(lab[2], lab[1]) * 180 / M_PI;
    return h < 0 ? h + 360 : h;
}

static double chroma_of(Rgba c) { double lab[3]; oklab(c, lab); return hypot(lab[1], lab[2]); }

static double dist(Rgba a, Rgba b)
{
    double p[3], q[3];
    oklab(a, p);
    oklab(b, q);
    return sqrt((p[0] - q[0]) * (p[0] - q[0]) + (p[1] - q[1]) * (p[1] - q[1]) + (p[2] - q[2]) * (p[2] - q[2]));
}

static int same(Rgba a, Rgba b) { return a.r == b.r && a.g == b.g && a.b == b.b && a.a == b.a; }

static const uint8_t *at(const Canvas *c, int x, int y) { return c->px + 4 * ((size_t)y * (size_t)c->w + (size_t)x); }
static Rgba px_at(const Canvas *c, int x, int y) { const uint8_t *p = at(c, x, y); return (Rgba){ p[0], p[1], p[2], p[3] }; }

static Font *font_or_fail(void)
{
    TzErr e;
    Font *f = font_default(&e);
    cr_assert_not_null(f, "%s", e.en);
    return f;
}

/* --- colour maps ------------------------------------------------------------------------- */

Test(colormap, sequential_runs_from_dark_blue_violet_to_light_yellow)
{
    Rgba lo = cmap_seq(0), hi = cmap_seq(1);
    cr_assert(L_of(lo) < 0.35, "dark start: L = %g", L_of(lo));
    cr_assert(hue_of(lo) > 250 && hue_of(lo) < 320 && chroma_of(lo) > 0.08, "blue-violet start: h = %g", hue_of(lo));
    cr_assert(L_of(hi) > 0.9, "light end: L = %g", L_of(hi));
    cr_assert(hue_of(hi) > 90 && hue_of(hi) < 120 && chroma_of(hi) > 0.12, "yellow end: h = %g", hue_of(hi));
    double mid = hue_of(cmap_seq(0.75));
    cr_assert(mid > 120 && mid < 180, "green on the way: h = %g", mid);
    /* lightness strictly increases over the whole table */
    const Rgba *t = cmap_table(CMAP_SEQ);
    for (int i = 1; i < CMAP_N; i++)
        cr_assert(L_of(t[i]) > L_of(t[i - 1]), "L(%d) = %g after L(%d) = %g", i, L_of(t[i]), i - 1, L_of(t[i - 1]));
    /* equal steps look equal: the colour distance over each eighth of the map is the same
     * within 15 % (single steps are too small to measure after rounding to 8 bits) */
    double d[8], dmin = INFINITY, dmax = 0;
    for (int k = 0; k < 8; k++) {
        d[k] = 0;
        for (int i = k * 32 + 1; i <= k * 32 + 31; i++) d[k] += dist(t[i], t[i - 1]);
        dmin = fmin(dmin, d[k]);
        dmax = fmax(dmax, d[k]);
    }
    cr_assert(dmax < 1.15 * dmin, "uneven steps: %g .. %g", dmin, dmax);
}

Test(colormap, diverging_is_blue_white_red_and_symmetric_in_lightness)
{
    const Rgba *t = cmap_table(CMAP_DIV);
    double lab0[3], lab1[3];
    oklab(t[0], lab0);
    oklab(t[CMAP_N - 1], lab1);
    cr_assert(lab0[2] < -0.08 && hue_of(t[0]) > 230 && hue_of(t[0]) < 280, "blue end: h = %g", hue_of(t[0]));
    cr_assert(lab1[1] > 0.08 && (hue_of(t[CMAP_N - 1]) < 50 || hue_of(t[CMAP_N - 1]) > 350), "red end: h = %g",
              hue_of(t[CMAP_N - 1]));
    Rgba c = cmap_div(0.5);
    cr_assert(L_of(c) > 0.95 && chroma_of(c) < 0.01, "near-white centre: L %g, C %g", L_of(c), chroma_of(c));
    for (int i = 0; i < CMAP_N / 2; i++) {
        double a = L_of(t[i]), b = L_of(t[CMAP_N - 1 - i]);
        cr_assert(fabs(a - b) < 0.006, "L(%d) = %g but its mirror has %g", i, a, b);
        if (i > 0) cr_assert(a > L_of(t[i - 1]), "lightness rises towards the centre at %d", i);
        if (i > 0) cr_assert(b > L_of(t[CMAP_N - i]), "and falls after it at %d", CMAP_N - 1 - i);
    }
    cr_assert(fabs(chroma_of(cmap_div(0.2)) - chroma_of(cmap_div(0.8))) < 0.02, "equally strong colours either side");
}

Test(colormap, clamping_nan_and_value_helpers)
{
    cr_assert(same(cmap_seq(-3), cmap_seq(0)) && same(cmap_seq(7), cmap_seq(1)));
    cr_assert(same(cmap_div(-1), cmap_div(0)) && same(cmap_div(2), cmap_div(1)));
    Rgba n = cmap_seq(NAN);
    cr_assert(same(n, CMAP_NAN) && same(cmap_div(NAN), CMAP_NAN));
    cr_assert(n.r == n.g && n.g == n.b, "NaN is a neutral grey");
    cr_assert(same(cmap_seq_value(5, 0, 10), cmap_seq(0.5f)));
    cr_assert(same(cmap_seq_value(-4, 0, 10), cmap_seq(0)));
    cr_assert(same(cmap_seq_value(1, 1, 1), cmap_seq(0.5f)), "a zero range: the middle");
    /* diverging: 0 at the centre, symmetric range ±max(|vmin|, |vmax|) */
    cr_assert(same(cmap_div_value(0, -3, 1), cmap_div(0.5f)));
    cr_assert(same(cmap_div_value(3, -3, 1), cmap_div(1)));
    cr_assert(same(cmap_div_value(-1.5f, -3, 1), cmap_div(0.25f)));
    cr_assert(same(cmap_div_value(1, -3, 1), cmap_div(0.5f + 1.0f / 6)));
    cr_assert(same(cmap_value(CMAP_DIV, 2, 0, 0), cmap_div(1)), "a zero range: the end of the sign");
    cr_assert(same(cmap_div_value(NAN, -1, 1), CMAP_NAN));
    cr_assert(isnan(cmap_t(CMAP_SEQ, NAN, 0, 1)));
    cr_assert_float_eq(cmap_t(CMAP_DIV, -0.5f, -1, 1), 0.25f, 1e-6);
}

Test(colormap, oklab_conversions_agree_and_clip_keeps_lightness)
{
    float lab[3];
    cmap_to_oklab((Rgba){ 255, 255, 255, 255 }, lab);
    cr_assert_float_eq(lab[0], 1, 1e-3);
    cmap_to_oklab((Rgba){ 255, 0, 0, 255 }, lab);
    cr_assert_float_eq(lab[0], 0.628, 2e-3, "sRGB red has L %g", lab[0]);
    double ref[3];
    oklab((Rgba){ 30, 140, 200, 255 }, ref);
    cmap_to_oklab((Rgba){ 30, 140, 200, 255 }, lab);
    for (int k = 0; k < 3; k++) cr_assert_float_eq(lab[k], ref[k], 1e-4);
    Rgba c = cmap_from_oklab((float)ref[0], (float)ref[1], (float)ref[2]);
    cr_assert(abs(c.r - 30) <= 1 && abs(c.g - 140) <= 1 && abs(c.b - 200) <= 1, "round trip: %d %d %d", c.r, c.g, c.b);
    /* far outside the gamut: same lightness, less chroma, same hue */
    Rgba o = cmap_from_oklab(0.7f, 0.0f, 0.4f);
    cr_assert(fabs(L_of(o) - 0.7) < 0.01, "L %g", L_of(o));
    cr_assert(fabs(hue_of(o) - 90) < 4, "hue %g", hue_of(o));
}

Test(colormap, palette_colours_are_distinct_and_visible)
{
    for (int i = 0; i < PLOT_PALETTE_N; i++) {
        cr_assert(same(plot_colour((size_t)i), PLOT_PALETTE[i]) && same(plot_colour((size_t)i + PLOT_PALETTE_N), PLOT_PALETTE[i]));
        cr_assert(dist(PLOT_PALETTE[i], BG) > 0.2, "colour %d stands out against the background", i);
        for (int j = 0; j < i; j++)
            cr_assert(dist(PLOT_PALETTE[i], PLOT_PALETTE[j]) > 0.14, "colours %d and %d too close: %g", j, i,
                      dist(PLOT_PALETTE[i], PLOT_PALETTE[j]));
    }
}

/* --- heatmap ----------------------------------------------------------------------------- */

Test(plots, heatmap_cells_get_the_map_colours_and_nan_stays_empty)
{
    Font *f = font_or_fail();
    TzErr e;
    Canvas c;
    canvas_init(&c, 800, 500, &e);
    float v[3 * 4] = { -1, -0.5f, 0, 0.25f, 0.5f, 1, NAN, 0.75f, 0.1f, -0.9f, 0.33f, -0.2f };
    const char *rows[] = { "kral", "kraliçe", "ağaç" }, *cols[] = { "ışık", "İstanbul", "şehir", "üzüm" };
    for (int kind = 0; kind < 2; kind++) {
        HeatmapScene s = { .title = "benzerlik", .rows = 3, .cols = 4, .values = v, .row_labels = rows, .col_labels = cols,
                           .cmap = kind ? CMAP_DIV : CMAP_SEQ, .highlight_row = -1, .highlight_col = -1, .show_values = -1 };
        view_heatmap(&c, f, &s, 18);
        HeatmapFrame fr;
        heatmap_layout(&c, f, &s, 18, &fr);
        if (kind) cr_assert(fr.vmin == -1 && fr.vmax == 1, "diverging range from the data: %g..%g", fr.vmin, fr.vmax);
        else cr_assert(fr.vmin == -1 && fr.vmax == 1, "sequential range from the data: %g..%g", fr.vmin, fr.vmax);
        cr_assert(fr.cell_w > 30 && fr.cell_h > 30);
        for (int r = 0; r < 3; r++)
            for (int k = 0; k < 4; k++) {
                int x = (int)(fr.x0 + ((float)k + 0.5f) * fr.cell_w), y = (int)(fr.y0 + ((float)r + 0.5f) * fr.cell_h);
                float val = v[r * 4 + k];
                Rgba got = px_at(&c, x, y);
                if (isnan(val)) {
                    /* every pixel of the cell is background or grey hatching, never a map colour */
                    for (int yy = (int)(fr.y0 + (float)r * fr.cell_h) + 2; yy < (int)(fr.y0 + (float)(r + 1) * fr.cell_h) - 2; yy++)
                        for (int xx = (int)(fr.x0 + (float)k * fr.cell_w) + 2; xx < (int)(fr.x0 + (float)(k + 1) * fr.cell_w) - 2; xx++) {
                            Rgba p = px_at(&c, xx, yy);
                            cr_assert(abs(p.r - p.g) <= 8 && abs(p.g - p.b) <= 8 && p.r > 150,
                                      "NaN cell pixel %d,%d is coloured: %d %d %d", xx, yy, p.r, p.g, p.b);
                        }
                    continue;
                }
                Rgba want = cmap_value(s.cmap, val, fr.vmin, fr.vmax);
                cr_assert(same(got, want), "cell %d,%d (%g): got %d %d %d, the map says %d %d %d", r, k, val, got.r, got.g,
                          got.b, want.r, want.g, want.b);
            }
    }
    canvas_free(&c);
    font_free(f);
}

Test(plots, heatmap_prints_values_with_contrasting_ink)
{
    Font *f = font_or_fail();
    TzErr e;
    Canvas c;
    canvas_init(&c, 700, 420, &e);
    float v[4] = { 0, 1, 0.5f, NAN };
    HeatmapScene s = { .rows = 2, .cols = 2, .values = v, .cmap = CMAP_SEQ, .vmin = 0, .vmax = 1, .highlight_row = -1,
                       .highlight_col = -1, .decimal_mark = ',' };
    view_heatmap(&c, f, &s, 20);
    HeatmapFrame fr;
    heatmap_layout(&c, f, &s, 20, &fr);
    cr_assert(fr.values_shown);
    /* the dark cell (0) gets light ink, the yellow one (1) dark ink */
    for (int k = 0; k < 2; k++) {
        Rgba cell = cmap_seq((float)k);
        int light = 0, dark = 0, x0 = (int)(fr.x0 + (float)k * fr.cell_w), y0 = (int)fr.y0;
        for (int y = y0 + 3; y < y0 + (int)fr.cell_h - 3; y++)
            for (int x = x0 + 3; x < x0 + (int)fr.cell_w - 3; x++) {
                double l = L_of(px_at(&c, x, y));
                light += l > L_of(cell) + 0.3;
                dark += l < L_of(cell) - 0.3;
            }
        if (k == 0) cr_assert(light > 30 && dark == 0, "white digits on the dark cell (%d light, %d dark)", light, dark);
        else cr_assert(dark > 30 && light == 0, "dark digits on the yellow cell (%d dark, %d light)", dark, light);
    }
    /* show_values = -1: no digits, plain cells */
    s.show_values = -1;
    view_heatmap(&c, f, &s, 20);
    Rgba cell = cmap_seq(0);
    for (int y = (int)fr.y0 + 3; y < (int)(fr.y0 + fr.cell_h) - 3; y++)
        for (int x = (int)fr.x0 + 3; x < (int)(fr.x0 + fr.cell_w) - 3; x++) cr_assert(same(px_at(&c, x, y), cell));
    canvas_free(&c);
    font_free(f);
}

Test(plots, heatmap_labels_turn_shorten_and_highlight)
{
    Font *f = font_or_fail();
    TzErr e;
    Canvas c;
    canvas_init(&c, 900, 600, &e);
    enum { N = 6 };
    float v[N * N];
    for (int i = 0; i < N * N; i++) v[i] = (float)(i % 7) / 6;
    const char *shortl[N] = { "a", "b", "c", "ç", "ğ", "ı" };
    const char *longl[N] = { "Derin Öğrenme Tabanlı Modern Dil Modelleri ve Türkçe", "kraliçe", "öğretmenlerimizden",
                             "İstanbul", "şehir", "üzüm" };
    HeatmapScene s = { .rows = N, .cols = N, .values = v, .row_labels = shortl, .col_labels = shortl, .cmap = CMAP_SEQ,
                       .highlight_row = -1, .highlight_col = -1 };
    HeatmapFrame fr;
    heatmap_layout(&c, f, &s, 20, &fr);
    cr_assert(!fr.col_labels_vertical, "one-letter labels fit across their columns");
    s.col_labels = longl;
    s.row_labels = longl;
    heatmap_layout(&c, f, &s, 20, &fr);
    cr_assert(fr.col_labels_vertical, "long labels are turned");
    view_heatmap(&c, f, &s, 20);
    /* the long row label is shortened: nothing is drawn off the left edge, and its row's
     * label area has ink within the 28 % of the width it may take */
    for (int y = 0; y < c.h; y++) cr_assert(same(px_at(&c, 0, y), BG) && same(px_at(&c, 1, y), BG), "ink at the edge, row %d", y);
    int ink = 0;
    int ym = (int)(fr.y0 + 0.5f * fr.cell_h);
    for (int x = (int)(fr.x0 - 0.28f * (float)c.w) - 12; x < (int)fr.x0; x++)
        for (int y = ym - 8; y < ym + 8; y++) ink += L_of(px_at(&c, x, y)) < 0.5;
    cr_assert(ink > 40, "the first row's label is drawn (%d dark pixels)", ink);
    /* the vertical column labels stay above the matrix, between the title area and it */
    int above = 0;
    for (int y = 0; y < (int)fr.y0 - 2; y++)
        for (int x = (int)fr.x0; x < (int)(fr.x0 + N * fr.cell_w); x++) above += L_of(px_at(&c, x, y)) < 0.5;
    cr_assert(above > 200, "column labels above the matrix (%d dark pixels)", above);
    /* highlighting row 2 draws a dark outline along its top edge, and its label in red */
    s.highlight_row = 2;
    view_heatmap(&c, f, &s, 20);
    int yt = (int)lrintf(fr.y0 + 2 * fr.cell_h), dark = 0;
    for (int x = (int)fr.x0 + 5; x < (int)(fr.x0 + N * fr.cell_w) - 5; x++) {
        int hit = 0;
        for (int y = yt - 3; y <= yt + 1; y++) hit |= L_of(px_at(&c, x, y)) < 0.3;
        dark += hit;
    }
    cr_assert(dark > (int)(N * fr.cell_w) - 20, "outline along the highlighted row (%d px)", dark);
    int red = 0;
    ym = (int)(fr.y0 + 2.5f * fr.cell_h);
    for (int x = 0; x < (int)fr.x0; x++)
        for (int y = ym - 10; y < ym + 10; y++) {
            Rgba p = px_at(&c, x, y);
            red += p.r > 150 && p.g < 110 && p.b < 110;
        }
    cr_assert(red > 10, "the highlighted row's label is red (%d px)", red);
    canvas_free(&c);
    font_free(f);
}

Test(plots, heatmap_handles_empty_and_large_matrices)
{
    Font *f = font_or_fail();
    TzErr e;
    Canvas c;
    canvas_init(&c, 640, 400, &e);
    HeatmapScene s = { .title = "boş", .rows = 0, .cols = 0, .highlight_row = -1, .highlight_col = -1 };
    view_heatmap(&c, f, &s, 16);                      /* draws the title and nothing else */
    /* 300 × 300 (an attention map of a long context): cells below a pixel, causal NaNs */
    enum { T = 300 };
    float *v = malloc(T * T * sizeof *v);
    for (int i = 0; i < T; i++)
        for (int j = 0; j < T; j++) v[i * T + j] = j > i ? NAN : 1.0f / (float)(i + 1);
    s = (HeatmapScene){ .rows = T, .cols = T, .values = v, .cmap = CMAP_SEQ, .highlight_row = 10, .highlight_col = -1 };
    view_heatmap(&c, f, &s, 16);
    HeatmapFrame fr;
    heatmap_layout(&c, f, &s, 16, &fr);
    cr_assert(!fr.values_shown && fr.cell_h < 2);
    /* below the diagonal coloured, above it not */
    Rgba lower = px_at(&c, (int)(fr.x0 + 20 * fr.cell_w), (int)(fr.y0 + 250 * fr.cell_h));
    Rgba upper = px_at(&c, (int)(fr.x0 + 250 * fr.cell_w), (int)(fr.y0 + 20 * fr.cell_h));
    cr_assert(chroma_of(lower) > 0.05, "lower triangle coloured");
    cr_assert(chroma_of(upper) < 0.02, "upper triangle (NaN) uncoloured");
    free(v);
    canvas_free(&c);
    font_free(f);
}

/* --- line plot --------------------------------------------------------------------------- */

static int is_red(const uint8_t *p) { return p[0] > 150 && p[1] < 110 && p[2] < 110; }

Test(plots, a_horizontal_line_lights_one_band_between_the_axes)
{
    Font *f = font_or_fail();
    TzErr e;
    Canvas c;
    canvas_init(&c, 800, 500, &e);
    float x[100], y[100];
    for (int i = 0; i < 100; i++) { x[i] = (float)i; y[i] = 1; }
    LineSeries s = { .colour = { 220, 30, 30, 255 }, .x = x, .y = y, .n = 100, .width = 3 };
    LinesScene sc = { .title = "kayıp", .xlabel = "adım", .ylabel = "kayıp", .series = &s, .nseries = 1 };
    view_lines(&c, f, &sc, 18);
    PlotFrame fr;
    lines_layout(&c, f, &sc, 18, &fr);
    cr_assert(fr.x1 > fr.x0 + 400 && fr.y1 > fr.y0 + 300, "a big plot area");
    float want = plot_px_y(&fr, 1);
    cr_assert(want > fr.y0 + 10 && want < fr.y1 - 10, "y = 1 is inside the y range");
    int ymin = c.h, ymax = -1, cols = 0;
    for (int X = 0; X < c.w; X++) {
        int lit = 0;
        for (int Y = 0; Y < c.h; Y++)
            if (is_red(at(&c, X, Y))) {
                lit = 1;
                if (Y < ymin) ymin = Y;
                if (Y > ymax) ymax = Y;
                cr_assert(X >= (int)fr.x0 - 3 && X <= (int)fr.x1 + 3, "red outside the axes at x = %d", X);
            }
        cols += lit;
    }
    cr_assert(ymax - ymin <= 5, "one band of rows: %d..%d", ymin, ymax);
    cr_assert(fabsf((float)(ymin + ymax + 1) / 2 - want) < 1.5f, "band at %d..%d, y = 1 maps to %g", ymin, ymax, want);
    cr_assert(cols >= (int)(fr.x1 - fr.x0) - 4, "from axis to axis: %d columns of %g", cols, fr.x1 - fr.x0);
    canvas_free(&c);
    font_free(f);
}

Test(plots, a_log_axis_puts_decades_equally_apart)
{
    Font *f = font_or_fail();
    TzErr e;
    Canvas c;
    canvas_init(&c, 700, 600, &e);
    float x[2] = { 0, 10 }, y10[2] = { 10, 10 }, y100[2] = { 100, 100 }, yr[2] = { 1, 1000 };
    LineSeries s[3] = { { .colour = { 220, 30, 30, 255 }, .x = x, .y = y10, .n = 2, .width = 2 },
                        { .colour = { 220, 30, 30, 255 }, .x = x, .y = y100, .n = 2, .width = 2 },
                        { .colour = { 30, 30, 220, 255 }, .x = x, .y = yr, .n = 2, .width = 2 } };
    LinesScene sc = { .series = s, .nseries = 3, .log_y = 1, .ylabel = "|∂L/∂h|" };
    view_lines(&c, f, &sc, 16);
    PlotFrame fr;
    lines_layout(&c, f, &sc, 16, &fr);
    float p1 = plot_px_y(&fr, 1), p10 = plot_px_y(&fr, 10), p100 = plot_px_y(&fr, 100), p1000 = plot_px_y(&fr, 1000);
    cr_assert(p1 > p10 && p10 > p100 && p100 > p1000, "up the screen as the values grow");
    cr_assert_float_eq(p1 - p10, p10 - p100, 0.01f, "decades: %g vs %g", p1 - p10, p10 - p100);
    cr_assert_float_eq(p10 - p100, p100 - p1000, 0.01f);
    cr_assert(isnan(plot_px_y(&fr, 0)) && isnan(plot_px_y(&fr, -1)), "no place for y <= 0");
    /* the drawn lines: the red rows, at a column left of the blue diagonal's way */
    int X = (int)(fr.x0 + 0.8f * (fr.x1 - fr.x0));
    double sum[2] = { 0, 0 };
    int n[2] = { 0, 0 };
    for (int Y = 0; Y < c.h; Y++)
        if (is_red(at(&c, X, Y))) {
            int k = fabsf((float)Y - p10) < fabsf((float)Y - p100) ? 0 : 1;
            sum[k] += Y;
            n[k]++;
        }
    cr_assert(n[0] > 0 && n[1] > 0, "both lines drawn");
    double r10 = sum[0] / n[0] + 0.5, r100 = sum[1] / n[1] + 0.5;
    cr_assert(fabs(r10 - p10) < 1 && fabs(r100 - p100) < 1, "10 at %g (want %g), 100 at %g (want %g)", r10, p10, r100, p100);
    cr_assert(fabs((r10 - r100) - (p1 - p10)) < 1.5, "one decade apart on screen: %g vs %g", r10 - r100, p1 - p10);
    canvas_free(&c);
    font_free(f);
}

Test(plots, nan_breaks_the_line_and_spikes_survive_decimation)
{
    Font *f = font_or_fail();
    TzErr e;
    Canvas c;
    canvas_init(&c, 900, 500, &e);
    enum { N = 100000 };
    float *y = malloc(N * sizeof *y);
    for (int i = 0; i < N; i++) y[i] = 1 + 0.01f * (float)(i % 7);
    y[77777] = 10;                                    /* one spike among 100 000 points */
    for (int i = 30000; i < 40000; i++) y[i] = NAN;   /* a gap */
    LineSeries s = { .colour = { 220, 30, 30, 255 }, .y = y, .n = N, .width = 2 };
    LinesScene sc = { .series = &s, .nseries = 1, .ymin = 0, .ymax = 12 };
    view_lines(&c, f, &sc, 16);
    PlotFrame fr;
    lines_layout(&c, f, &sc, 16, &fr);
    cr_assert_float_eq(fr.ymin, 0, 1e-9, "a fixed range is kept");
    cr_assert_float_eq(fr.ymax, 12, 1e-9);
    cr_assert_float_eq(fr.xmin, 0, 1e-9, "x from the indices");
    cr_assert_float_eq(fr.xmax, N - 1, 1e-9);
    /* the spike: red pixels at the height of 10 in the spike's column */
    int xs = (int)plot_px_x(&fr, 77777), ys = (int)plot_px_y(&fr, 9.5);
    int spike = 0;
    for (int X = xs - 2; X <= xs + 2; X++) spike |= is_red(at(&c, X, ys));
    cr_assert(spike, "the spike reaches y = 10 at x = %d", xs);
    /* the gap: no red in the columns well inside it */
    for (int X = (int)plot_px_x(&fr, 30500); X < (int)plot_px_x(&fr, 39500); X++)
        for (int Y = (int)fr.y0; Y < (int)fr.y1; Y++) cr_assert(!is_red(at(&c, X, Y)), "red inside the gap at %d,%d", X, Y);
    /* and the line around it */
    cr_assert(is_red(at(&c, (int)plot_px_x(&fr, 20000), (int)plot_px_y(&fr, 1.03))) ||
              is_red(at(&c, (int)plot_px_x(&fr, 20000), (int)plot_px_y(&fr, 1.03) + 1)), "the line before the gap");
    free(y);
    canvas_free(&c);
    font_free(f);
}

Test(plots, lines_with_no_points_one_point_and_a_legend)
{
    Font *f = font_or_fail();
    TzErr e;
    Canvas c;
    canvas_init(&c, 500, 350, &e);
    LinesScene sc = { .title = "boş grafik", .nseries = 0 };
    view_lines(&c, f, &sc, 14);                       /* axes only */
    LineSeries empty = { .label = "hiç", .y = NULL, .n = 0 };
    sc.series = &empty;
    sc.nseries = 1;
    view_lines(&c, f, &sc, 14);
    /* one point: a dot where it belongs */
    float x1 = 3, y1 = 0.5f;
    LineSeries one = { .colour = { 220, 30, 30, 255 }, .x = &x1, .y = &y1, .n = 1 };
    sc.series = &one;
    view_lines(&c, f, &sc, 14);
    PlotFrame fr;
    lines_layout(&c, f, &sc, 14, &fr);
    cr_assert(is_red(at(&c, (int)plot_px_x(&fr, 3), (int)plot_px_y(&fr, 0.5))), "a lone point is a dot");
    /* two labelled series: the legend shows each colour beside its label, away from the data
     * (both lines run along the bottom, so the legend goes to a top corner) */
    float xs[50], ya[50], yb[50];
    for (int i = 0; i < 50; i++) { xs[i] = (float)i; ya[i] = 0.1f * (float)(i % 3); yb[i] = 0.05f; }
    ya[0] = 5;
    LineSeries two[2] = { { .label = "eğitim", .x = xs, .y = ya, .n = 50 }, { .label = "doğrulama", .x = xs, .y = yb, .n = 50 } };
    sc.series = two;
    sc.nseries = 2;
    view_lines(&c, f, &sc, 14);
    lines_layout(&c, f, &sc, 14, &fr);
    int found[2] = { 0, 0 };
    for (int Y = (int)fr.y0; Y < (int)(fr.y0 + (fr.y1 - fr.y0) / 3); Y++)
        for (int X = (int)fr.x0; X < (int)fr.x1; X++)
            for (int k = 0; k < 2; k++) found[k] += same(px_at(&c, X, Y), PLOT_PALETTE[k]);
    cr_assert(found[0] > 10 && found[1] > 10, "palette colours 0 and 1 in the legend at the top (%d, %d)", found[0], found[1]);
    canvas_free(&c);
    font_free(f);
}

/* --- horizontal bars --------------------------------------------------------------------- */

/* The pixels of one colour in the band of bar i, left and right of x (exclusive). */
static void count_in_row(const Canvas *c, const BarsFrame *fr, size_t i, Rgba col, float x, int *left, int *right)
{
    *left = *right = 0;
    int ya = (int)(fr->y0 + (float)i * fr->row_h) + 1, yb = (int)(fr->y0 + (float)(i + 1) * fr->row_h) - 1;
    for (int y = ya; y < yb; y++)
        for (int X = 0; X < c->w; X++)
            if (same(px_at(c, X, y), col)) {
                if ((float)X < x - 1) (*left)++;
                else if ((float)X > x + 1) (*right)++;
            }
}

Test(plots, bars_grow_right_for_positive_and_left_for_negative)
{
    Font *f = font_or_fail();
    TzErr e;
    Canvas c;
    canvas_init(&c, 1000, 600, &e);
    float v[5] = { 0.4f, 0.2f, 0.1f, -0.05f, -0.2f };
    const char *lab[5] = { "<kit", "ları", "kitap (kendi satırı)", "dan>", "ımız" };
    const char *notes[5] = { "→ kitap, kitabı", "→ yolları", NULL, "→ okuldan", "→ dostlarımız" };
    BarsScene s = { .title = "kitaplarımızdan", .subtitle = "sözlükte yok · |v| = 0,45", .n = 5, .labels = lab, .values = v,
                    .notes = notes, .highlight = -1, .xlabel = "katkı", .decimal_mark = ',' };
    view_bars(&c, f, &s, 20);
    BarsFrame fr;
    bars_layout(&c, f, &s, 20, &fr);
    cr_assert(fr.zero_x > fr.x0 + 20 && fr.zero_x < fr.x1 - 100, "zero inside the plot area: %g in %g..%g", fr.zero_x, fr.x0, fr.x1);
    cr_assert(fr.vmin <= -0.2 && fr.vmax >= 0.4, "the range holds the values: %g..%g", fr.vmin, fr.vmax);
    cr_assert(fr.label_x1 < fr.x0 && fr.x1 < fr.note_x0, "labels | bars | notes, side by side");
    Rgba pos = cmap_div(0.88f), neg = cmap_div(0.12f);
    for (size_t i = 0; i < 5; i++) {
        int pl, pr, nl, nr;
        count_in_row(&c, &fr, i, pos, fr.zero_x, &pl, &pr);
        count_in_row(&c, &fr, i, neg, fr.zero_x, &nl, &nr);
        if (v[i] > 0) cr_assert(pr > 50 && pl == 0 && nl + nr == 0, "bar %zu (+): %d right, %d left, %d blue", i, pr, pl, nl + nr);
        else cr_assert(nl > 50 && nr == 0 && pl + pr == 0, "bar %zu (−): %d left, %d right, %d red", i, nl, nr, pl + pr);
        /* the length is the value: the bar's far end where bars_px_x puts it (±2 px) */
        int y = (int)(fr.y0 + ((float)i + 0.5f) * fr.row_h);
        float end = bars_px_x(&fr, v[i]);
        Rgba col = v[i] > 0 ? pos : neg;
        int inside = (int)(v[i] > 0 ? end - 2 : end + 2), outside = (int)(v[i] > 0 ? end + 3 : end - 3);
        cr_assert(same(px_at(&c, inside, y), col), "bar %zu reaches %g", i, end);
        cr_assert(!same(px_at(&c, outside, y), col), "bar %zu stops at %g", i, end);
    }
    cr_assert_float_eq(bars_px_x(&fr, 0.4) - fr.zero_x, 2 * (bars_px_x(&fr, 0.2) - fr.zero_x), 0.01f, "lengths in proportion");
    /* labels: dark ink right-aligned before label_x1, in every row; notes after note_x0 */
    for (size_t i = 0; i < 5; i++) {
        int ya = (int)(fr.y0 + (float)i * fr.row_h) + 1, yb = (int)(fr.y0 + (float)(i + 1) * fr.row_h) - 1;
        int lab_ink = 0, note_ink = 0;
        for (int y = ya; y < yb; y++) {
            for (int X = (int)fr.label_x1 - 30; X < (int)fr.label_x1; X++) lab_ink += L_of(px_at(&c, X, y)) < 0.5;
            for (int X = (int)fr.note_x0; X < c.w; X++) note_ink += L_of(px_at(&c, X, y)) < 0.6;
        }
        cr_assert(lab_ink > 15, "label %zu drawn (%d dark pixels)", i, lab_ink);
        if (notes[i]) cr_assert(note_ink > 15, "note %zu drawn (%d)", i, note_ink);
        else cr_assert(note_ink == 0, "no note %zu, no ink (%d)", i, note_ink);
    }
    /* the highlighted bar: outlined in dark ink, its label red */
    s.highlight = 1;
    view_bars(&c, f, &s, 20);
    int y1 = (int)(fr.y0 + 1.5f * fr.row_h - fr.bar_h / 2) - 1, red = 0;
    cr_assert(L_of(px_at(&c, (int)((fr.zero_x + bars_px_x(&fr, 0.2)) / 2), y1)) < 0.3, "an outline along the top of bar 1");
    for (int y = (int)(fr.y0 + fr.row_h); y < (int)(fr.y0 + 2 * fr.row_h); y++)
        for (int X = 0; X < (int)fr.label_x1; X++) red += is_red(at(&c, X, y));
    cr_assert(red > 10, "the highlighted bar's label is red (%d px)", red);
    canvas_free(&c);
    font_free(f);
}

Test(plots, bars_nan_zero_long_labels_and_many_rows)
{
    Font *f = font_or_fail();
    TzErr e;
    Canvas c;
    canvas_init(&c, 800, 500, &e);
    Rgba pos = cmap_div(0.88f), neg = cmap_div(0.12f);
    /* NaN: no bar of either colour in its row, the others drawn; all values ≥ 0 put zero at
     * the left of the plot area */
    float v[3] = { 0.3f, NAN, 0.1f };
    const char *lab[3] = { "Derin Öğrenme Tabanlı Modern Dil Modelleri ve Türkçe Sözcükler", "ışık", "İstanbul" };
    BarsScene s = { .n = 3, .labels = lab, .values = v, .highlight = -1 };
    view_bars(&c, f, &s, 16);
    BarsFrame fr;
    bars_layout(&c, f, &s, 16, &fr);
    cr_assert_float_eq(fr.zero_x, fr.x0, 0.5f, "no negatives: zero at the left edge");
    int l, r, l2, r2;
    count_in_row(&c, &fr, 1, pos, fr.zero_x, &l, &r);
    count_in_row(&c, &fr, 1, neg, fr.zero_x, &l2, &r2);
    cr_assert(l + r + l2 + r2 == 0, "a NaN value draws no bar");
    count_in_row(&c, &fr, 2, pos, fr.zero_x, &l, &r);
    cr_assert(r > 30, "the bar after it is drawn");
    /* the long label is shortened to its column: nothing at the canvas edge */
    for (int y = 0; y < c.h; y++) cr_assert(same(px_at(&c, 0, y), BG) || L_of(px_at(&c, 0, y)) > 0.9, "ink at the edge, row %d", y);
    cr_assert(fr.label_x1 < 0.3f * (float)c.w, "the label column keeps to its share: %g", fr.label_x1);
    /* all zeros: a unit axis, 1-px marks at zero, no crash */
    float z[2] = { 0, 0 };
    BarsScene sz = { .n = 2, .values = z, .highlight = -1 };
    view_bars(&c, f, &sz, 16);
    bars_layout(&c, f, &sz, 16, &fr);
    cr_assert(fr.vmax > fr.vmin && isfinite(fr.scale) && fr.scale > 0);
    /* nothing at all */
    BarsScene s0 = { .title = "boş", .n = 0, .highlight = -1 };
    view_bars(&c, f, &s0, 16);
    cr_assert_eq(bars_hit(&fr, 0, 10, 10), -1);
    /* 300 bars in 500 pixels: labels every k-th row, hit-testing still finds each row */
    enum { N = 300 };
    float *many = malloc(N * sizeof *many);
    const char **ml = malloc(N * sizeof *ml);
    for (int i = 0; i < N; i++) { many[i] = (float)(i % 7) - 3; ml[i] = "ğ"; }
    BarsScene sm = { .n = N, .values = many, .labels = ml, .highlight = 5 };
    view_bars(&c, f, &sm, 16);
    bars_layout(&c, f, &sm, 16, &fr);
    cr_assert_gt(fr.label_every, 1);
    cr_assert(fr.y1 <= (float)c.h, "the rows fit the canvas");
    for (int i = 0; i < N; i += 37) cr_assert_eq(bars_hit(&fr, N, 500, fr.y0 + ((float)i + 0.5f) * fr.row_h), i);
    cr_assert_eq(bars_hit(&fr, N, 500, fr.y0 - 2), -1);
    cr_assert_eq(bars_hit(&fr, N, 500, fr.y1 + 2), -1);
    free(many);
    free(ml);
    canvas_free(&c);
    font_free(f);
}
