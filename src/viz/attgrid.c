/* attgrid.c — see attgrid.h. */
#include "viz/attgrid.h"
#include "viz/colormap.h"
#include "viz/plots.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The house style of views.c, plots.c and gates.c. */
static const Rgba BG = { 252, 252, 250, 255 }, INK = { 25, 25, 35, 255 }, GREY = { 120, 120, 130, 255 },
                  FRAME = { 190, 190, 200, 255 }, ACCENT = { 200, 40, 40, 255 }, TICK_INK = { 70, 70, 82, 255 };

float attgrid_pool(const float *m, size_t T, size_t q0, size_t q1, size_t k0, size_t k1)
{
    float best = -1;
    for (size_t q = q0; q < q1 && q < T; q++)
        for (size_t k = k0; k < k1 && k < T; k++) {
            float v = m[q * T + k];
            if (isnan(v)) continue;
            v = v < 0 ? 0 : v > 1 ? 1 : v;   /* the colour range is 0..1 */
            if (v > best) best = v;
        }
    return best;
}

/* Everything the layout decides: the frame plus the bands drawing needs. */
typedef struct {
    AttGridFrame fr;
    float px, pad, top;
    float row_lab_w;                 /* room for "L11" left of the rows */
    float head_band;                 /* room for "H11" above the columns */
    float cap_h;                     /* the note band under each thumbnail (0: no notes) */
    float gap;
} Layout;

static int any_note(const AttGridScene *s)
{
    for (size_t i = 0; s->notes && i < s->layers * s->heads; i++)
        if (s->notes[i] && s->notes[i][0]) return 1;
    return 0;
}

/* The thumbnail side that fits layers × heads thumbnails (and their notes) into w × h. */
static float side_for(const AttGridScene *s, float w, float h, float gap, float cap_h)
{
    float nl = (float)s->layers, nh = (float)s->heads;
    float a = (w - gap * (nh - 1)) / nh, b = (h - (gap + cap_h) * (nl - 1) - cap_h) / nl;
    float side = fminf(a, b);
    return side > 0 ? floorf(side) : 0;
}

static void layout(const Canvas *c, Font *f, const AttGridScene *s, float px, Layout *L)
{
    memset(L, 0, sizeof *L);
    L->px = px;
    L->pad = px * 0.6f;
    L->top = L->pad + (s->title ? px * 1.9f : 0) + (s->subtitle ? px * 1.3f : 0) + px * 0.3f;
    float lpx = px * 0.7f;
    L->fr.label_px = lpx;
    char b[32];
    snprintf(b, sizeof b, "L%zu", s->layers ? s->layers - 1 : 0);
    L->row_lab_w = font_width(f, lpx, b) + lpx * 0.6f;
    L->head_band = lpx * 1.5f;
    float bar_block = px * 0.8f + lpx * 0.6f + lpx * 0.3f + font_width(f, lpx, "0,5") + L->pad;
    float footer_h = s->footer ? px * 1.4f : 0;
    float aw = (float)c->w - 2 * L->pad - L->row_lab_w - bar_block;
    float ah = (float)c->h - L->top - L->head_band - footer_h - L->pad;
    L->gap = fmaxf(3, floorf(px * 0.35f));
    if (!s->layers || !s->heads) return;
    /* notes only when the thumbnails stay large enough to read a short word under them */
    float npx = lpx * 0.85f, side = 0;
    if (any_note(s)) {
        L->cap_h = npx * 1.45f;
        side = side_for(s, aw, ah, L->gap, L->cap_h);
        if (side < npx * 5) L->cap_h = 0;
    }
    if (!L->cap_h) side = side_for(s, aw, ah, L->gap, 0);
    /* a model of one or two heads needs no giant squares: the picture stays a grid */
    side = fminf(side, floorf(fminf((float)c->h * 0.42f, px * 14)));
    L->fr.side = side;
    L->fr.note_px = L->cap_h > 0 ? npx : 0;
    L->fr.step_x = side + L->gap;
    L->fr.step_y = side + L->gap + L->cap_h;
    L->fr.x0 = floorf(L->pad + L->row_lab_w);
    L->fr.y0 = floorf(L->top + L->head_band);
    /* labels: every k-th one when the rows (columns) are thinner than a label */
    snprintf(b, sizeof b, "H%zu", s->heads - 1);
    float hw = font_width(f, lpx, b) + lpx * 0.3f;
    int every = 1;
    if (L->fr.step_y > 0 && L->fr.step_y < lpx * 1.1f) every = (int)ceilf(lpx * 1.1f / L->fr.step_y);
    if (L->fr.step_x > 0 && L->fr.step_x < hw) every = (int)fmaxf((float)every, ceilf(hw / L->fr.step_x));
    L->fr.label_every = every;
    /* the shared colour bar, right of the grid, as tall as the grid (at least 6 lines) */
    float grid_w = L->fr.step_x * (float)s->heads - L->gap, grid_h = L->fr.step_y * (float)s->layers - L->gap - L->cap_h;
    L->fr.bar_x0 = L->fr.x0 + grid_w + px * 0.8f;
    L->fr.bar_x1 = L->fr.bar_x0 + lpx * 0.6f;
    L->fr.bar_y0 = L->fr.y0;
    L->fr.bar_y1 = L->fr.y0 + fmaxf(grid_h, fminf(px * 6, (float)c->h - L->fr.y0 - L->pad - footer_h));
}

void attgrid_layout(const Canvas *c, Font *f, const AttGridScene *s, float px, AttGridFrame *out)
{
    Layout L;
    layout(c, f, s, px, &L);
    *out = L.fr;
}

int attgrid_hit(const AttGridFrame *fr, const AttGridScene *s, float x, float y, size_t *layer, size_t *head)
{
    if (!(fr->side > 0) || !s->layers || !s->heads) return 0;
    float dx = x - fr->x0, dy = y - fr->y0;
    if (dx < 0 || dy < 0) return 0;
    size_t h = (size_t)(dx / fr->step_x), l = (size_t)(dy / fr->step_y);
    if (h >= s->heads || l >= s->layers) return 0;
    if (dx - (float)h * fr->step_x >= fr->side || dy - (float)l * fr->step_y >= fr->side) return 0;
    *layer = l;
    *head = h;
    return 1;
}

/* One thumbnail: pixel (i, j) of the side × side square shows queries [j·T/side, (j+1)·T/side)
 * and keys [i·T/side, …) — one cell spread over several pixels when T is small, several cells
 * pooled into one pixel when T is large. */
static void draw_thumb(Canvas *c, const float *m, size_t T, int xa, int ya, int side)
{
    if (!T || side <= 0) return;
    for (int j = 0; j < side; j++) {
        size_t q0 = (size_t)j * T / (size_t)side, q1 = (size_t)(j + 1) * T / (size_t)side;
        if (q1 <= q0) q1 = q0 + 1;
        for (int i = 0; i < side; i++) {
            size_t k0 = (size_t)i * T / (size_t)side, k1 = (size_t)(i + 1) * T / (size_t)side;
            if (k1 <= k0) k1 = k0 + 1;
            float v = attgrid_pool(m, T, q0, q1, k0, k1);
            if (v < 0) continue;    /* masked: the page shows through */
            canvas_blend(c, xa + i, ya + j, cmap_seq(v), 1);
        }
    }
}

void view_attgrid(Canvas *c, Font *f, const AttGridScene *s, float px)
{
    canvas_clear(c, BG);
    Layout L;
    layout(c, f, s, px, &L);
    const AttGridFrame *fr = &L.fr;
    float y = L.pad;
    if (s->title) {
        y += px * 1.3f;
        canvas_text_fit(c, f, L.pad * 2, y, px * 1.1f, s->title, (float)c->w - L.pad * 4, 0, INK);
        y += px * 0.6f;
    }
    if (s->subtitle) {
        y += px * 1.0f;
        canvas_text_fit(c, f, L.pad * 2, y, px * 0.75f, s->subtitle, (float)c->w - L.pad * 4, 0, GREY);
    }
    if (s->footer)
        canvas_text_fit(c, f, L.pad * 2, (float)c->h - L.pad, px * 0.7f, s->footer, (float)c->w - L.pad * 4, 0, GREY);
    if (!s->layers || !s->heads || !s->T || !s->att || !(fr->side > 0)) return;
    float lpx = fr->label_px, asc, desc;
    font_vmetrics(f, lpx, &asc, &desc);
    int side = (int)fr->side;
    size_t TT = s->T * s->T;
    for (size_t l = 0; l < s->layers; l++)
        for (size_t h = 0; h < s->heads; h++) {
            size_t idx = l * s->heads + h;
            int xa = (int)lrintf(fr->x0 + (float)h * fr->step_x), ya = (int)lrintf(fr->y0 + (float)l * fr->step_y);
            draw_thumb(c, s->att + idx * TT, s->T, xa, ya, side);
            int hl = (long)idx == s->highlight;
            float w = hl ? fmaxf(2, px * 0.12f) : 1;
            canvas_rect_outline(c, (float)xa - w / 2, (float)ya - w / 2, (float)(xa + side) + w / 2, (float)(ya + side) + w / 2,
                                w, hl ? ACCENT : FRAME);
            if (fr->note_px > 0 && s->notes && s->notes[idx] && s->notes[idx][0]) {
                float na, nd;
                font_vmetrics(f, fr->note_px, &na, &nd);
                canvas_text_fit(c, f, (float)xa + (float)side / 2, (float)(ya + side) + L.gap * 0.4f + na, fr->note_px,
                                s->notes[idx], (float)side + L.gap * 0.8f, 1, hl ? ACCENT : GREY);
            }
        }
    /* layer labels left of the rows, head labels above the columns; the highlighted one's in red */
    long hl_l = s->highlight >= 0 ? s->highlight / (long)s->heads : -1, hl_h = s->highlight >= 0 ? s->highlight % (long)s->heads : -1;
    char b[32];
    for (size_t l = 0; l < s->layers; l++) {
        if (l % (size_t)fr->label_every && (long)l != hl_l) continue;
        snprintf(b, sizeof b, "L%zu", l);
        float cy = fr->y0 + (float)l * fr->step_y + fr->side / 2;
        canvas_text_fit(c, f, fr->x0 - lpx * 0.5f, cy + (asc - desc) / 2, lpx, b, L.row_lab_w, 2, (long)l == hl_l ? ACCENT : INK);
    }
    for (size_t h = 0; h < s->heads; h++) {
        if (h % (size_t)fr->label_every && (long)h != hl_h) continue;
        snprintf(b, sizeof b, "H%zu", h);
        float cx = fr->x0 + (float)h * fr->step_x + fr->side / 2;
        canvas_text_fit(c, f, cx, fr->y0 - lpx * 0.45f - desc, lpx, b, fmaxf(fr->step_x, lpx * 3), 1,
                        (long)h == hl_h ? ACCENT : INK);
    }
    /* the shared colour bar: 1 at the top, 0 at the bottom */
    int by0 = (int)lrintf(fr->bar_y0), by1 = (int)lrintf(fr->bar_y1);
    int bx0 = (int)lrintf(fr->bar_x0), bx1 = (int)lrintf(fr->bar_x1);
    for (int yy = by0; yy < by1; yy++) {
        float t = 1 - ((float)(yy - by0) + 0.5f) / (float)(by1 - by0);
        canvas_fill_rect(c, (float)bx0, (float)yy, (float)bx1, (float)yy + 1, cmap_seq(t));
    }
    canvas_rect_outline(c, (float)bx0 - 0.5f, (float)by0 - 0.5f, (float)bx1 + 0.5f, (float)by1 + 0.5f, 1, FRAME);
    static const double ticks[] = { 0, 0.5, 1 };
    for (int i = 0; i < 3; i++) {
        float ty = (float)by1 - (float)ticks[i] * (float)(by1 - by0);
        canvas_line(c, (float)bx1, ty, (float)bx1 + lpx * 0.3f, ty, 1.2f, TICK_INK);
        char tmp[16];
        snprintf(tmp, sizeof tmp, "%g", ticks[i]);
        plots_tidy_number(tmp, s->decimal_mark ? s->decimal_mark : '.', b, sizeof b);
        canvas_text(c, f, (float)bx1 + lpx * 0.45f, ty + (asc - desc) / 2, lpx, b, TICK_INK);
    }
}

/* --- the compare view ---------------------------------------------------------------------------- */

double attgrid_above_diag(const float *m, size_t T)
{
    if (!T) return 0;
    double sum = 0;
    for (size_t q = 0; q < T; q++)
        for (size_t k = q + 1; k < T; k++) {
            float v = m[q * T + k];
            if (!isnan(v)) sum += v;
        }
    return sum / (double)T;
}

/* The hatching of plots.c's heatmap (a masked cell: background crossed by thin diagonal lines,
 * fixed to the canvas so that neighbouring cells continue each other's lines). */
static const Rgba HATCH = { 196, 196, 204, 255 };
/* The direction lines: a blue for "both ways", an orange for "left to right" (apart in hue and
 * lightness, so they stay apart for colour-blind viewers too). */
static const Rgba BIDIR = { 30, 100, 200, 255 }, CAUSAL = { 200, 95, 0, 255 };

static void hatch_cell(Canvas *c, int x0, int y0, int x1, int y1)
{
    if (x0 < 0) x0 = 0;
    if (y0 < 0) y0 = 0;
    if (x1 > c->w) x1 = c->w;
    if (y1 > c->h) y1 = c->h;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++) canvas_blend(c, x, y, (x + y) % 7 == 0 ? HATCH : BG, 1);
}

/* A heading line at size px, smaller when it would not fit max_w (down to 60 %, then cut
 * with "…"): a panel's title should be read whole rather than guessed. */
static void text_shrunk(Canvas *c, Font *f, float x, float y, float px, const char *s, float max_w, Rgba col)
{
    float w = font_width(f, px, s);
    if (w > max_w && w > 0) px = fmaxf(px * 0.6f, px * max_w / w);
    canvas_text_fit(c, f, x, y, px, s, max_w, 0, col);
}

/* Everything the layout decides. */
typedef struct {
    AttPanelsFrame fr;
    float pad, top, slot_w, row_lab_w, col_band, gap;
} PanelLayout;

static float widest_label(Font *f, float px, const AttPanel *p)
{
    float w = 0;
    for (size_t i = 0; p->tokens && i < p->T; i++)
        if (p->tokens[i]) w = fmaxf(w, font_width(f, px, p->tokens[i]));
    return w;
}

static void panels_layout(const Canvas *c, Font *f, const AttPanelsScene *s, float px, PanelLayout *L)
{
    memset(L, 0, sizeof *L);
    size_t n = s->n < ATTPANELS_MAX ? s->n : ATTPANELS_MAX;
    L->pad = px * 0.6f;
    L->top = L->pad + (s->title ? px * 1.9f : 0) + (s->subtitle ? px * 1.3f : 0) + px * 0.3f;
    float lpx = px * 0.62f;
    L->fr.label_px = lpx;
    float bar_block = px * 0.8f + lpx * 0.6f + lpx * 0.3f + font_width(f, lpx, "0,5") + L->pad;
    float footer_h = s->footer ? px * 1.4f : 0;
    L->gap = px * 1.2f;
    if (!n) return;
    float aw = (float)c->w - 2 * L->pad - bar_block;
    L->slot_w = floorf((aw - L->gap * (float)(n - 1)) / (float)n);
    /* three heading lines over each panel */
    L->fr.head_y = L->top + px * 0.95f;
    float head_h = px * 0.95f * 1.3f + px * 0.8f * 1.3f + 2 * px * 0.7f * 1.3f;
    /* row labels: as wide as the widest token (all panels alike, so the squares line up), at
     * most a quarter of the slot; the column band the same, at most a quarter of the height */
    float wl = 0;
    for (size_t i = 0; i < n; i++) wl = fmaxf(wl, widest_label(f, lpx, &s->panels[i]));
    L->row_lab_w = fminf(wl + lpx * 0.6f, L->slot_w * 0.25f);
    float ah = (float)c->h - L->top - head_h - footer_h - L->pad;
    L->col_band = fminf(wl + lpx * 0.6f, ah * 0.22f);
    float side = fminf(L->slot_w - L->row_lab_w, ah - L->col_band);
    side = side > 0 ? floorf(side) : 0;
    L->fr.side = side;
    L->fr.y0 = floorf(L->top + head_h + L->col_band);
    for (size_t i = 0; i < n; i++) {
        const AttPanel *p = &s->panels[i];
        L->fr.x0[i] = floorf(L->pad + (float)i * (L->slot_w + L->gap) + L->row_lab_w);
        L->fr.cell[i] = p->T ? side / (float)p->T : 0;
        int every = 1;
        if (L->fr.cell[i] > 0 && L->fr.cell[i] < lpx * 1.05f) every = (int)ceilf(lpx * 1.05f / L->fr.cell[i]);
        L->fr.every[i] = every;
    }
    L->fr.bar_x0 = L->pad + (float)n * L->slot_w + (float)(n - 1) * L->gap + px * 0.8f;
    L->fr.bar_x1 = L->fr.bar_x0 + lpx * 0.6f;
    L->fr.bar_y0 = L->fr.y0;
    L->fr.bar_y1 = L->fr.y0 + side;
}

void attpanels_layout(const Canvas *c, Font *f, const AttPanelsScene *s, float px, AttPanelsFrame *out)
{
    PanelLayout L;
    panels_layout(c, f, s, px, &L);
    *out = L.fr;
}

int attpanels_hit(const AttPanelsFrame *fr, const AttPanelsScene *s, float x, float y, size_t *panel, size_t *q, size_t *k)
{
    size_t n = s->n < ATTPANELS_MAX ? s->n : ATTPANELS_MAX;
    if (!(fr->side > 0) || y < fr->y0 || y >= fr->y0 + fr->side) return 0;
    for (size_t i = 0; i < n; i++) {
        if (x < fr->x0[i] || x >= fr->x0[i] + fr->side || !s->panels[i].T) continue;
        size_t T = s->panels[i].T;
        size_t kk = (size_t)((x - fr->x0[i]) / fr->cell[i]), qq = (size_t)((y - fr->y0) / fr->cell[i]);
        *panel = i;
        *q = qq < T ? qq : T - 1;
        *k = kk < T ? kk : T - 1;
        return 1;
    }
    return 0;
}

void view_attpanels(Canvas *c, Font *f, const AttPanelsScene *s, float px)
{
    canvas_clear(c, BG);
    PanelLayout L;
    panels_layout(c, f, s, px, &L);
    const AttPanelsFrame *fr = &L.fr;
    float y = L.pad;
    if (s->title) {
        y += px * 1.3f;
        canvas_text_fit(c, f, L.pad * 2, y, px * 1.1f, s->title, (float)c->w - L.pad * 4, 0, INK);
        y += px * 0.6f;
    }
    if (s->subtitle) {
        y += px * 1.0f;
        canvas_text_fit(c, f, L.pad * 2, y, px * 0.75f, s->subtitle, (float)c->w - L.pad * 4, 0, GREY);
    }
    if (s->footer)
        canvas_text_fit(c, f, L.pad * 2, (float)c->h - L.pad, px * 0.7f, s->footer, (float)c->w - L.pad * 4, 0, GREY);
    size_t n = s->n < ATTPANELS_MAX ? s->n : ATTPANELS_MAX;
    if (!n || !(fr->side > 0)) return;
    float lpx = fr->label_px, asc, desc;
    font_vmetrics(f, lpx, &asc, &desc);
    for (size_t i = 0; i < n; i++) {
        const AttPanel *p = &s->panels[i];
        float slot_x = L.pad + (float)i * (L.slot_w + L.gap);
        /* the heading: the model, its direction, the measured note */
        float hy = fr->head_y;
        if (p->title) text_shrunk(c, f, slot_x, hy, px * 0.95f, p->title, L.slot_w, INK);
        hy += px * 0.95f * 1.3f;
        if (p->direction) text_shrunk(c, f, slot_x, hy, px * 0.8f, p->direction, L.slot_w, p->causal ? CAUSAL : BIDIR);
        hy += px * 0.8f * 1.3f;
        if (p->origin) text_shrunk(c, f, slot_x, hy, px * 0.7f, p->origin, L.slot_w, GREY);
        hy += px * 0.7f * 1.3f;
        if (p->note) text_shrunk(c, f, slot_x, hy, px * 0.7f, p->note, L.slot_w, GREY);
        if (!p->T || !p->att) continue;
        /* the cells: whole pixels, so that neighbours meet exactly */
        size_t T = p->T;
        float x0 = fr->x0[i], y0 = fr->y0, cw = fr->cell[i];
        for (size_t q = 0; q < T; q++) {
            int ya = (int)lrintf(y0 + (float)q * cw), yb = (int)lrintf(y0 + (float)(q + 1) * cw);
            for (size_t k = 0; k < T; k++) {
                int xa = (int)lrintf(x0 + (float)k * cw), xb = (int)lrintf(x0 + (float)(k + 1) * cw);
                float v = p->att[q * T + k];
                if (isnan(v)) hatch_cell(c, xa, ya, xb, yb);
                else canvas_fill_rect(c, (float)xa, (float)ya, (float)xb, (float)yb, cmap_seq(v < 0 ? 0 : v > 1 ? 1 : v));
            }
        }
        canvas_rect_outline(c, x0 - 0.5f, y0 - 0.5f, x0 + fr->side + 0.5f, y0 + fr->side + 0.5f, 1, FRAME);
        int hl = s->hl_panel == (long)i;
        if (hl && s->hl_q >= 0 && s->hl_k >= 0 && (size_t)s->hl_q < T && (size_t)s->hl_k < T) {
            float cx = x0 + (float)s->hl_k * cw, cy = y0 + (float)s->hl_q * cw, w = fmaxf(2, px * 0.1f);
            canvas_rect_outline(c, cx - w / 2, cy - w / 2, cx + cw + w / 2, cy + cw + w / 2, w, ACCENT);
        }
        /* the token labels: queries left of the rows, keys above the columns running upwards */
        if (!p->tokens) continue;
        size_t every = (size_t)fr->every[i];
        for (size_t t = 0; t < T; t++) {
            const char *lab = p->tokens[t] ? p->tokens[t] : "";
            int on_q = hl && (long)t == s->hl_q, on_k = hl && (long)t == s->hl_k;
            if (t % every == 0 || on_q) {
                float cy = y0 + ((float)t + 0.5f) * cw;
                canvas_text_fit(c, f, x0 - lpx * 0.35f, cy + (asc - desc) / 2, lpx, lab, L.row_lab_w - lpx * 0.4f, 2,
                                on_q ? ACCENT : TICK_INK);
            }
            if (t % every == 0 || on_k) {
                char buf[256];
                float cx = x0 + ((float)t + 0.5f) * cw;
                font_fit(f, lpx, lab, L.col_band - lpx * 0.4f, buf, sizeof buf);
                canvas_text_vertical(c, f, cx + (asc - desc) / 2, y0 - lpx * 0.35f, lpx, buf, on_k ? ACCENT : TICK_INK);
            }
        }
    }
    /* the shared colour bar: 1 at the top, 0 at the bottom */
    int by0 = (int)lrintf(fr->bar_y0), by1 = (int)lrintf(fr->bar_y1);
    int bx0 = (int)lrintf(fr->bar_x0), bx1 = (int)lrintf(fr->bar_x1);
    for (int yy = by0; yy < by1; yy++) {
        float t = 1 - ((float)(yy - by0) + 0.5f) / (float)(by1 - by0);
        canvas_fill_rect(c, (float)bx0, (float)yy, (float)bx1, (float)yy + 1, cmap_seq(t));
    }
    canvas_rect_outline(c, (float)bx0 - 0.5f, (float)by0 - 0.5f, (float)bx1 + 0.5f, (float)by1 + 0.5f, 1, FRAME);
    static const double ticks[] = { 0, 0.5, 1 };
    char b[32];
    for (int i = 0; i < 3; i++) {
        float ty = (float)by1 - (float)ticks[i] * (float)(by1 - by0);
        canvas_line(c, (float)bx1, ty, (float)bx1 + lpx * 0.3f, ty, 1.2f, TICK_INK);
        char tmp[16];
        snprintf(tmp, sizeof tmp, "%g", ticks[i]);
        plots_tidy_number(tmp, s->decimal_mark ? s->decimal_mark : '.', b, sizeof b);
        canvas_text(c, f, (float)bx1 + lpx * 0.45f, ty + (asc - desc) / 2, lpx, b, TICK_INK);
    }
}
