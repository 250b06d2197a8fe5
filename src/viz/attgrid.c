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
