/* gates.c — see gates.h. */
#include "viz/gates.h"
#include "viz/plots.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/utf8.h"

/* The house style of views.c and plots.c. */
static const Rgba BG = { 252, 252, 250, 255 }, INK = { 25, 25, 35, 255 }, GREY = { 120, 120, 130, 255 },
                  FRAME = { 205, 205, 212, 255 }, ACCENT = { 200, 40, 40, 255 }, NOW_BAND = { 255, 226, 204, 255 },
                  TICK_INK = { 70, 70, 82, 255 };

/* A colour-bar label: at most two decimals, trailing zeros dropped ("1", "0,5", "−2,34"),
 * the decimal mark of the user's language and a real minus sign (plots_tidy_number). */
static void fmt_end(float v, char mark, char *out, size_t cap)
{
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%.2f", (double)v);
    char *e = tmp + strlen(tmp) - 1, *dot = strchr(tmp, '.');
    while (dot && e > dot && *e == '0') *e-- = '\0';
    if (dot && e == dot) *e = '\0';
    plots_tidy_number(tmp, mark, out, cap);
}

/* The colour range a panel uses: the diverging map is symmetric about 0. */
static void panel_range(const GatePanel *p, float *lo, float *hi)
{
    float a = p->vmin, b = p->vmax;
    if (!(a < b)) { a = 0; b = 1; }
    if (p->cmap == CMAP_DIV) {
        float m = fmaxf(fabsf(a), fabsf(b));
        a = -m;
        b = m;
    }
    *lo = a;
    *hi = b;
}

static const char *label_at(const char *const *l, size_t i) { return l && l[i] ? l[i] : ""; }



/* Everything the layout decides, the frame plus the bands drawing needs. */
typedef struct {
    GatesFrame fr;
    float px, pad, top;
    float panel_w, panel_h;          /* one box of the grid */
    float title_band, row_lab_w, bar_block, tok_band;
    float row_px;                    /* the unit numbers: smaller than label_px when that lets
                                        every row have its own */
    float tok_need;                  /* the room one token takes across */
} Layout;

/* The widest colour-bar label of any panel. */
static float bar_label_w(Font *f, const GatesScene *s, float lpx)
{
    float w = 0;
    char b[32];
    for (size_t p = 0; p < s->npanels; p++) {
        float lo, hi;
        panel_range(&s->panels[p], &lo, &hi);
        fmt_end(lo, s->decimal_mark, b, sizeof b);
        w = fmaxf(w, font_width(f, lpx, b));
        fmt_end(hi, s->decimal_mark, b, sizeof b);
        w = fmaxf(w, font_width(f, lpx, b));
    }
    return w;
}

/* The cell size for a grid of gc panels across, with the tokens across (vertical 0) or turned. */
static void cells_for(const Canvas *c, const GatesScene *s, Layout *L, int gc, float tokw, int vertical, float *cw,
                      float *ch)
{
    size_t np = s->npanels ? s->npanels : 1;
    int gr = (int)((np + (size_t)gc - 1) / (size_t)gc);
    float gap_x = L->px * 0.9f, gap_y = L->px * 0.5f;
    float aw = (float)c->w - 2 * L->pad, ah = (float)c->h - L->top - L->pad - (s->footer ? L->px * 1.4f : 0);
    L->panel_w = (aw - gap_x * (float)(gc - 1)) / (float)gc;
    L->panel_h = (ah - gap_y * (float)(gr - 1)) / (float)gr;
    float lpx = L->fr.label_px;
    L->tok_band = !s->tokens ? 0 : vertical ? fminf(tokw, L->panel_h * 0.3f) + lpx * 0.5f : lpx * 1.4f;
    *cw = s->cols ? (L->panel_w - L->row_lab_w - L->bar_block) / (float)s->cols : 0;
    *ch = s->rows ? (L->panel_h - L->title_band - L->tok_band) / (float)s->rows : 0;
    if (*cw < 0) *cw = 0;
    if (*ch < 0) *ch = 0;
}

static void layout(const Canvas *c, Font *f, const GatesScene *s, float px, Layout *L)
{
    memset(L, 0, sizeof *L);
    L->px = px;
    L->pad = px * 0.6f;
    L->top = L->pad + (s->title ? px * 1.9f : 0) + (s->subtitle ? px * 1.3f : 0) + px * 0.3f;
    float lpx = px * 0.7f;
    L->fr.label_px = lpx;
    L->title_band = lpx * 1.6f;
    float rl = 0, tokw = 0;
    for (size_t r = 0; s->row_labels && r < s->rows; r++) rl = fmaxf(rl, font_width(f, lpx, label_at(s->row_labels, r)));
    for (size_t t = 0; s->tokens && t < s->cols; t++) tokw = fmaxf(tokw, font_width(f, lpx, label_at(s->tokens, t)));
    L->row_lab_w = rl > 0 ? rl + lpx * 0.5f : 0;
    L->bar_block = lpx * 0.5f + lpx * 0.6f + lpx * 0.3f + bar_label_w(f, s, lpx);
    /* How the tokens are written: a character model's letters are sized by the average
     * letter (one wide m or ␣ touching its neighbour should not make every letter small) and
     * stay upright down to about 11 pixels on an 800-pixel canvas; words that do not fit
     * across their columns are turned to run upwards. */
    float tmin = px * 0.45f, mean_w = 0;
    int single = 1;                     /* every token one character (a character model) */
    for (size_t t = 0; s->tokens && t < s->cols; t++) {
        const char *k = label_at(s->tokens, t);
        single &= utf8_length(k, strlen(k)) <= 1;
        mean_w += font_width(f, lpx, label_at(s->tokens, t)) / (float)s->cols;
    }
    float fit_w = single ? mean_w : tokw;
    /* The grid: the number of panels across that reads best. Each candidate is scored by its
     * weakest part, each measured against what still reads on a projector: row height
     * against a small label, the tokens' size (turned tokens count for less: a class reads
     * across, not up), the column width against a thin stripe; then by the cell size. */
    size_t np = s->npanels ? s->npanels : 1;
    int best = 1;
    float best_score = -1, best_size = -1;
    for (int gc = 1; gc <= (int)np; gc++) {
        float cw, ch, tok;
        cells_for(c, s, L, gc, tokw, 0, &cw, &ch);
        float tpx_h = !s->tokens || fit_w <= cw - 2 ? lpx : lpx * (cw - 2) / fit_w;
        if (tpx_h >= tmin || single) {
            tok = tpx_h / tmin;
        } else {
            cells_for(c, s, L, gc, tokw, 1, &cw, &ch);
            tok = 0.7f * fminf(1, cw / (lpx * 1.15f));
        }
        float score = fminf(fminf(fminf(ch / (px * 0.55f), 2), fminf(tok, 2)), fminf(cw / (px * 0.5f), 2));
        float size = fminf(cw, ch * 1.5f);
        if (score > best_score + 0.02f || (fabsf(score - best_score) <= 0.02f && size > best_size + 0.5f)) {
            best_score = score;
            best_size = size;
            best = gc;
        }
    }
    float cw, ch;
    cells_for(c, s, L, best, tokw, 0, &cw, &ch);
    float tpx = lpx;
    if (s->tokens && fit_w > cw - 2) tpx = fmaxf(lpx * (cw - 2) / fit_w, single ? tmin : 0);
    int vertical = s->tokens && tpx < tmin;
    if (vertical) {
        tpx = lpx;
        cells_for(c, s, L, best, tokw, 1, &cw, &ch);
    }
    L->fr.token_px = tpx;
    /* columns narrower than a character (a long text): only every k-th token is written */
    float need = vertical ? tpx * 1.15f : fit_w * tpx / lpx + 1;
    L->tok_need = need;
    L->fr.token_every = cw > 0 && need > cw ? (int)ceilf(need / cw) : 1;
    /* a short text or few units need no giant cells: cap them so the picture stays a chart */
    cw = fminf(cw, fmaxf(px * 2.6f, vertical ? 0 : tokw * tpx / lpx + lpx));
    ch = fminf(ch, px * 1.1f);
    L->fr.cell_w = cw;
    L->fr.cell_h = ch;
    L->fr.tokens_vertical = vertical;
    L->fr.grid_cols = best;
    L->fr.grid_rows = (int)((np + (size_t)best - 1) / (size_t)best);
    L->row_px = fmaxf(px * 0.5f, fminf(lpx, ch / 1.1f));
    L->fr.row_every = ch > 0 && ch < L->row_px * 1.1f ? (int)ceilf(L->row_px * 1.1f / ch) : 1;
    float gap_x = px * 0.9f, gap_y = px * 0.5f;
    /* the panels' height is what their content takes, so the rows of the grid sit close */
    float used_h = L->title_band + ch * (float)s->rows + L->tok_band;
    for (size_t p = 0; p < s->npanels && p < GATES_MAX_PANELS; p++) {
        int gx = (int)p % best, gy = (int)p / best;
        L->fr.x0[p] = L->pad + (float)gx * (L->panel_w + gap_x) + L->row_lab_w;
        L->fr.y0[p] = L->top + (float)gy * (used_h + gap_y) + L->title_band;
    }
}

void gates_layout(const Canvas *c, Font *f, const GatesScene *s, float px, GatesFrame *out)
{
    Layout L;
    layout(c, f, s, px, &L);
    *out = L.fr;
}

int gates_hit(const GatesFrame *fr, const GatesScene *s, float x, float y, size_t *panel, size_t *row, size_t *col)
{
    if (!(fr->cell_w > 0) || !(fr->cell_h > 0)) return 0;
    for (size_t p = 0; p < s->npanels && p < GATES_MAX_PANELS; p++) {
        float cx = (x - fr->x0[p]) / fr->cell_w, cy = (y - fr->y0[p]) / fr->cell_h;
        if (cx < 0 || cy < 0 || cx >= (float)s->cols || cy >= (float)s->rows) continue;
        *panel = p;
        *row = (size_t)cy;
        *col = (size_t)cx;
        return 1;
    }
    return 0;
}

/* One panel: its title, the cells, the current column, row labels, tokens and colour bar. */
static void draw_panel(Canvas *c, Font *f, const GatesScene *s, const Layout *L, size_t p)
{
    const GatePanel *gp = &s->panels[p];
    const GatesFrame *fr = &L->fr;
    float x0 = fr->x0[p], y0 = fr->y0[p], cw = fr->cell_w, ch = fr->cell_h, lpx = fr->label_px;
    size_t R = s->rows, C = s->cols;
    float mat_w = cw * (float)C, mat_h = ch * (float)R, asc, desc;
    font_vmetrics(f, lpx, &asc, &desc);
    float lo, hi;
    panel_range(gp, &lo, &hi);
    if (gp->title)
        canvas_text_fit(c, f, x0, y0 - lpx * 0.5f, lpx, gp->title, L->panel_w - L->row_lab_w, 0, INK);
    /* the light band behind the current token runs from the top of the matrix to the bottom
     * of the token band, so the token and its column read as one */
    long now = s->current >= 0 && (size_t)s->current < C ? s->current : -1;
    if (now >= 0 && s->tokens)
        canvas_fill_rect(c, x0 + (float)now * cw, y0 + mat_h, x0 + (float)(now + 1) * cw, y0 + mat_h + L->tok_band - lpx * 0.1f,
                         NOW_BAND);
    int gap = cw >= 14 && ch >= 14;
    for (size_t r = 0; r < R && gp->values; r++) {
        int ya = (int)lrintf(y0 + (float)r * ch), yb = (int)lrintf(y0 + (float)(r + 1) * ch) - gap;
        for (size_t t = 0; t < C; t++) {
            int xa = (int)lrintf(x0 + (float)t * cw), xb = (int)lrintf(x0 + (float)(t + 1) * cw) - gap;
            if (xb <= xa || yb <= ya) continue;
            float v = gp->values[r * C + t];
            canvas_fill_rect(c, (float)xa, (float)ya, (float)xb, (float)yb, cmap_value(gp->cmap, v, lo, hi));
        }
    }
    canvas_rect_outline(c, x0 - 0.5f, y0 - 0.5f, x0 + mat_w - (float)gap + 0.5f, y0 + mat_h - (float)gap + 0.5f, 1, FRAME);
    if (now >= 0) {
        float hw = fmaxf(2, L->px * 0.1f), xa = x0 + (float)now * cw;
        canvas_rect_outline(c, xa - hw / 2, y0 - hw / 2, xa + cw - (float)gap + hw / 2, y0 + mat_h - (float)gap + hw / 2, hw, INK);
    }
    /* unit numbers, right-aligned against the matrix; watched units in the accent colour */
    float rpx = L->row_px, rasc, rdesc;
    font_vmetrics(f, rpx, &rasc, &rdesc);
    for (size_t r = 0; s->row_labels && r < R; r++) {
        int marked = s->row_marked && s->row_marked[r];
        if (r % (size_t)fr->row_every && !marked) continue;
        float cy = y0 + ((float)r + 0.5f) * ch;
        canvas_text_fit(c, f, x0 - lpx * 0.4f, cy + (rasc - rdesc) / 2, rpx, label_at(s->row_labels, r), L->row_lab_w, 2,
                 marked ? ACCENT : TICK_INK);
    }
    /* the tokens under the time axis: across, or turned when they do not fit their columns */
    float tpx = fr->token_px, tasc, tdesc;
    font_vmetrics(f, tpx, &tasc, &tdesc);
    for (size_t t = 0; s->tokens && t < C; t++) {
        if ((long)t != now && (t % (size_t)fr->token_every ||
                               (now >= 0 && fabsf((float)((long)t - now)) * cw < L->tok_need))) continue;
        Rgba col = (long)t == now ? ACCENT : INK;
        float cx = x0 + ((float)t + 0.5f) * cw;
        if (!fr->tokens_vertical) {
            canvas_text_fit(c, f, cx, y0 + mat_h + lpx * 0.25f + tasc, tpx, label_at(s->tokens, t), fmaxf(cw, tpx * 2), 1, col);
        } else {
            char buf[256];
            float w = font_fit(f, lpx, label_at(s->tokens, t), L->tok_band - lpx * 0.5f, buf, sizeof buf);
            canvas_text_vertical(c, f, cx + (asc - desc) / 2, y0 + mat_h + lpx * 0.3f + w, lpx, buf, col);
        }
    }
    /* the colour bar: top is the panel's maximum */
    float bx0 = x0 + mat_w + lpx * 0.5f, bx1 = bx0 + lpx * 0.6f;
    int by0 = (int)lrintf(y0), by1 = (int)lrintf(y0 + fmaxf(mat_h, lpx * 2));
    for (int y = by0; y < by1; y++) {
        float t = 1 - ((float)(y - by0) + 0.5f) / (float)(by1 - by0);
        canvas_fill_rect(c, bx0, (float)y, bx1, (float)y + 1, cmap_at(gp->cmap, t));
    }
    canvas_rect_outline(c, bx0 - 0.5f, (float)by0 - 0.5f, bx1 + 0.5f, (float)by1 + 0.5f, 1, FRAME);
    char b[32];
    fmt_end(hi, s->decimal_mark, b, sizeof b);
    canvas_text(c, f, bx1 + lpx * 0.3f, (float)by0 + asc, lpx, b, TICK_INK);
    fmt_end(lo, s->decimal_mark, b, sizeof b);
    canvas_text(c, f, bx1 + lpx * 0.3f, (float)by1, lpx, b, TICK_INK);
}

void view_gates(Canvas *c, Font *f, const GatesScene *s, float px)
{
    canvas_clear(c, BG);
    Layout L;
    layout(c, f, s, px, &L);
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
    if (!s->rows || !s->cols) return;
    for (size_t p = 0; p < s->npanels && p < GATES_MAX_PANELS; p++) draw_panel(c, f, s, &L, p);
}
