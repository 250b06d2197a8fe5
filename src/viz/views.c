/* views.c — see views.h. */
#include "viz/views.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const Rgba BG = { 252, 252, 250, 255 }, INK = { 25, 25, 35, 255 }, GREY = { 150, 150, 160, 255 },
                  LABEL_GREY = { 105, 105, 118, 255 }, FRAME = { 205, 205, 212, 255 }, INPUT = { 30, 30, 40, 255 },
                  ANSWER = { 200, 40, 40, 255 }, FOUND = { 230, 120, 0, 255 }, TIP = { 255, 255, 255, 240 };

typedef struct { float x0, y0, x1, y1; } Box;

/* Boxes closer than LABEL_GAP pixels count as touching: two words need a visible gap to
 * read as two words ("göre arkadaşım", not "görearkadaşım"). */
#define LABEL_GAP 3.0f
static int overlaps(Box a, Box b)
{
    return a.x0 < b.x1 + LABEL_GAP && b.x0 < a.x1 + LABEL_GAP && a.y0 < b.y1 && b.y0 < a.y1;
}

/* Distance from (x, y) to the nearest point of box b (0 inside). */
static float box_dist(Box b, float x, float y)
{
    float dx = fmaxf(fmaxf(b.x0 - x, 0), x - b.x1), dy = fmaxf(fmaxf(b.y0 - y, 0), y - b.y1);
    return hypotf(dx, dy);
}

ScatterView scatter_view_reset(void)
{
    ScatterView v = { 1, 0, 0, -1, -1 };
    return v;
}

/* The plot area inside the margins (title above, axis title below). */
typedef struct { float left, top, W, H, ox, oy; } Area;

static Area area_of(const Canvas *c, float px)
{
    Area a;
    a.top = px * 2.6f;
    a.left = px * 1.5f;
    float right = px * 1.5f, bottom = px * 2.4f;
    a.W = (float)c->w - a.left - right;
    a.H = (float)c->h - a.top - bottom;
    a.ox = a.left + a.W / 2;
    a.oy = a.top + a.H / 2;
    return a;
}

void scatter_zoom_at(ScatterView *v, const Canvas *c, float px, float mx, float my, float factor)
{
    Area a = area_of(c, px);
    float z = v->zoom * factor;
    if (z < 0.2f) z = 0.2f;
    if (z > 400.0f) z = 400.0f;
    /* screen = o + base·zoom + pan; keep (mx, my) fixed: pan' = m − o − (m − o − pan)·z'/z */
    v->pan_x = mx - a.ox - (mx - a.ox - v->pan_x) * z / v->zoom;
    v->pan_y = my - a.oy - (my - a.oy - v->pan_y) * z / v->zoom;
    v->zoom = z;
}

long scatter_hit(const float *screen, size_t n, float mx, float my, float radius)
{
    long best = -1;
    float bd = radius * radius;
    for (size_t i = 0; i < n; i++) {
        float dx = screen[2 * i] - mx, dy = screen[2 * i + 1] - my, d = dx * dx + dy * dy;
        if (d <= bd) { bd = d; best = (long)i; }
    }
    return best;
}

/* Placed label boxes in a uniform grid of cells, so that checking a new label against the
 * ones already placed costs a few cells, not all of them (20,000 points stay interactive). */
typedef struct {
    float cell;
    int gw, gh;
    size_t *head;        /* gw·gh list heads (index+1 into next/box; 0 = empty) */
    size_t *next;
    Box *box;
    size_t n, cap;
} Grid;

static void grid_init(Grid *g, int w, int h, float cell, size_t cap)
{
    g->cell = cell;
    g->gw = (int)(w / cell) + 1;
    g->gh = (int)(h / cell) + 1;
    g->head = tz_calloc((size_t)g->gw * (size_t)g->gh, sizeof *g->head);
    g->cap = cap * 4 + 16;    /* a box spans a few cells; each cell entry needs a slot */
    g->next = tz_malloc(g->cap * sizeof *g->next);
    g->box = tz_malloc(g->cap * sizeof *g->box);
    g->n = 0;
}

static void grid_free(Grid *g)
{
    free(g->head);
    free(g->next);
    free(g->box);
}

static void cell_range(const Grid *g, Box b, int *cx0, int *cy0, int *cx1, int *cy1)
{
    *cx0 = (int)floorf(b.x0 / g->cell); *cx1 = (int)floorf(b.x1 / g->cell);
    *cy0 = (int)floorf(b.y0 / g->cell); *cy1 = (int)floorf(b.y1 / g->cell);
    if (*cx0 < 0) *cx0 = 0;
    if (*cy0 < 0) *cy0 = 0;
    if (*cx1 >= g->gw) *cx1 = g->gw - 1;
    if (*cy1 >= g->gh) *cy1 = g->gh - 1;
}

/* Total overlap area of b with the boxes placed so far (0: a free place). */
static float grid_cost(const Grid *g, Box b)
{
    int cx0, cy0, cx1, cy1;
    cell_range(g, b, &cx0, &cy0, &cx1, &cy1);
    float cost = 0;
    for (int cy = cy0; cy <= cy1; cy++)
        for (int cx = cx0; cx <= cx1; cx++)
            for (size_t k = g->head[(size_t)cy * (size_t)g->gw + (size_t)cx]; k; k = g->next[k - 1]) {
                Box o = g->box[k - 1];
                if (overlaps(b, o))
                    cost += (fminf(b.x1, o.x1) - fmaxf(b.x0, o.x0) + LABEL_GAP) * (fminf(b.y1, o.y1) - fmaxf(b.y0, o.y0));
            }
    return cost;   /* a box met in two cells counts twice: only "zero or not" and order matter */
}

static void grid_add(Grid *g, Box b)
{
    int cx0, cy0, cx1, cy1;
    cell_range(g, b, &cx0, &cy0, &cx1, &cy1);
    for (int cy = cy0; cy <= cy1; cy++)
        for (int cx = cx0; cx <= cx1; cx++) {
            if (g->n == g->cap) {
                g->cap *= 2;
                g->next = tz_realloc(g->next, g->cap * sizeof *g->next);
                g->box = tz_realloc(g->box, g->cap * sizeof *g->box);
            }
            size_t *h = &g->head[(size_t)cy * (size_t)g->gw + (size_t)cx];
            g->box[g->n] = b;
            g->next[g->n] = *h;
            *h = ++g->n;
        }
}

size_t view_scatter(Canvas *c, Font *f, const ScatterScene *s, float px, const ScatterView *vin, float *screen)
{
    ScatterView v = vin ? *vin : scatter_view_reset();
    canvas_clear(c, BG);
    Area A = area_of(c, px);
    canvas_text(c, f, A.left, px * 1.6f, px * 1.15f, s->title ? s->title : "", INK);
    if (s->status) {
        float sw = font_width(f, px * 0.8f, s->status);
        canvas_text(c, f, (float)c->w - A.left - sw, px * 1.6f, px * 0.8f, s->status, LABEL_GREY);
    }
    /* the data's bounding box, scaled with one factor for both axes */
    float xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
    for (size_t i = 0; i < s->npts; i++) {
        if (!isfinite(s->pts[i].x) || !isfinite(s->pts[i].y)) continue;
        xmin = fminf(xmin, s->pts[i].x); xmax = fmaxf(xmax, s->pts[i].x);
        ymin = fminf(ymin, s->pts[i].y); ymax = fmaxf(ymax, s->pts[i].y);
    }
    if (!(xmin <= xmax)) { xmin = ymin = -1; xmax = ymax = 1; }
    float pad = 0.12f, dx = fmaxf(xmax - xmin, 1e-6f), dy = fmaxf(ymax - ymin, 1e-6f);
    float scale = fminf(A.W / (dx * (1 + 2 * pad) + dx * 0.25f), A.H / (dy * (1 + 2 * pad)));  /* room for labels */
    float cx = (xmin + xmax) / 2, cy = (ymin + ymax) / 2;
    canvas_line(c, A.left, A.top + A.H, A.left + A.W, A.top + A.H, 1.5f, FRAME);
    canvas_line(c, A.left, A.top, A.left, A.top + A.H, 1.5f, FRAME);
    if (s->xlabel) canvas_text(c, f, A.left + A.W / 2 - font_width(f, px * 0.8f, s->xlabel) / 2, A.top + A.H + px * 1.6f, px * 0.8f, s->xlabel, GREY);
    if (s->ylabel) canvas_text(c, f, A.left + px * 0.3f, A.top - px * 0.3f, px * 0.8f, s->ylabel, GREY);
    /* points, arrows and labels stay inside the plot area when the user zooms and pans */
    canvas_clip(c, A.left + 1, A.top, A.left + A.W, A.top + A.H - 1);
    float *sc = screen ? screen : tz_malloc((2 * s->npts + 1) * sizeof *sc);
    for (size_t i = 0; i < s->npts; i++) {
        sc[2 * i] = A.ox + (s->pts[i].x - cx) * scale * v.zoom + v.pan_x;
        sc[2 * i + 1] = A.oy - (s->pts[i].y - cy) * scale * v.zoom + v.pan_y;   /* y up on screen */
    }
    for (size_t a = 0; a < s->narrows; a++) {
        const ScatterArrow *ar = &s->arrows[a];
        if (ar->from >= s->npts || ar->to >= s->npts) continue;
        /* stop short of the target's disc so that the head stays visible */
        float x0 = sc[2 * ar->from], y0 = sc[2 * ar->from + 1], x1 = sc[2 * ar->to], y1 = sc[2 * ar->to + 1];
        if (!isfinite(x0 + y0 + x1 + y1)) continue;
        float len = hypotf(x1 - x0, y1 - y0), cut = px * 0.45f;
        if (len > 2 * cut) { x1 -= (x1 - x0) / len * cut; y1 -= (y1 - y0) / len * cut; }
        canvas_arrow(c, x0, y0, x1, y1, px * 0.14f, px * 0.75f, ar->colour);
    }
    /* Many points: smaller context dots, and labels only where they fit without overlap.
     * Few points (an analogy, 30 neighbours): every label is drawn, at the least crowded of
     * its places. */
    int crowded = s->npts > 60;
    float r0 = s->npts > 2000 ? px * 0.11f : s->npts > 300 ? px * 0.15f : px * 0.2f;
    for (size_t i = 0; i < s->npts; i++)
        if (s->pts[i].role == 0 && (long)i != v.highlight) {
            float x = sc[2 * i], y = sc[2 * i + 1];
            if (!isfinite(x) || !isfinite(y)) continue;   /* a diverged model: nothing to draw */
            if (x < -r0 || y < -r0 || x > (float)c->w + r0 || y > (float)c->h + r0) continue;
            canvas_disc(c, x, y, r0, GREY);
        }
    Grid g;
    grid_init(&g, c->w, c->h, px * 4, s->npts < 4096 ? s->npts : 4096);
    /* Where a context label found no free place, the next point a few pixels away will not
     * find one either: remember the failure per small cell (about one label-height square)
     * and skip such points. This keeps 20,000 points within a frame (60 fps). */
    int fw = c->w / (int)fmaxf(px, 1) + 1, fh = c->h / (int)fmaxf(px, 1) + 1;
    unsigned char *failed = tz_calloc((size_t)fw * (size_t)fh, 1);
    /* With few points every dot is an obstacle too, so that no label hides a point (a
     * crowded map cannot afford it: there the dots are small and labels are sparse). */
    if (s->npts <= 300)
        for (size_t i = 0; i < s->npts; i++) {
            if (!isfinite(sc[2 * i]) || !isfinite(sc[2 * i + 1])) continue;
            float r = (s->pts[i].role || (long)i == v.highlight) ? px * 0.32f : r0;
            Box b = { sc[2 * i] - r, sc[2 * i + 1] - r, sc[2 * i] + r, sc[2 * i + 1] + r };
            grid_add(&g, b);
        }
    size_t drawn = 0;
    /* the found word, then the answer, then the inputs, then the rest: the most important
     * labels get the best places */
    for (int pass = 3; pass >= 0; pass--)
        for (size_t i = 0; i < s->npts; i++) {
            const ScatterPoint *p = &s->pts[i];
            int found = (long)i == v.highlight;
            int rank = found ? 3 : p->role == 2 ? 2 : p->role == 1 ? 1 : 0;
            if (rank != pass) continue;
            float x = sc[2 * i], y = sc[2 * i + 1];
            if (!isfinite(x) || !isfinite(y)) continue;
            if (x < -px * 8 || y < -px * 2 || x > (float)c->w + px * 8 || y > (float)c->h + px * 2) continue;
            Rgba col = found ? FOUND : p->role == 2 ? ANSWER : p->role == 1 ? INPUT : LABEL_GREY;
            float r = (p->role || found) ? px * 0.32f : r0, fs = (p->role || found) ? px : px * 0.8f;
            if (p->role || found) canvas_disc(c, x, y, r, col);
            if (found) {   /* a ring that can be seen from the back of the room */
                for (float t = 0; t < 6.2832f; t += 0.05f)
                    canvas_disc(c, x + cosf(t) * px * 0.9f, y + sinf(t) * px * 0.9f, px * 0.09f, FOUND);
            }
            if (!p->label || !*p->label) continue;
            int fcell = -1;
            if (crowded && rank == 0 && x >= 0 && y >= 0 && x < (float)c->w && y < (float)c->h) {
                fcell = (int)(y / fmaxf(px, 1)) * fw + (int)(x / fmaxf(px, 1));
                if (failed[fcell]) continue;
            }
            float tw = font_width(f, fs, p->label);
            /* Candidate places for the label box (x of its left edge, y of its baseline):
             * right, left, above, below, then the four corners, each clear of the point's own
             * dot; with few points a second ring of the same places farther out, reached by
             * a thin leader line, so that a label never has to sit beside a neighbour's dot. */
            int rings = crowded ? 1 : 2;
            float cand[16][2];
            for (int ring = 0; ring < rings; ring++) {
                float d = r + LABEL_GAP + 1 + (float)ring * fs * 1.4f, dc = r + 1 + (float)ring * fs;
                float *q = cand[8 * ring];
                q[0] = x + d;             q[1] = y + fs * 0.35f;
                q[2] = x - d - tw;        q[3] = y + fs * 0.35f;
                q[4] = x - tw / 2;        q[5] = y - d - fs * 0.25f;
                q[6] = x - tw / 2;        q[7] = y + d + fs;
                q[8] = x + dc + LABEL_GAP; q[9] = y - dc - fs * 0.25f;
                q[10] = x - dc - LABEL_GAP - tw; q[11] = y - dc - fs * 0.25f;
                q[12] = x + dc + LABEL_GAP; q[13] = y + dc + fs;
                q[14] = x - dc - LABEL_GAP - tw; q[15] = y + dc + fs;
            }
            int best = -1;
            float best_cost = INFINITY;
            for (int k = 0; k < 8 * rings; k++) {
                Box b = { cand[k][0], cand[k][1] - fs, cand[k][0] + tw, cand[k][1] + fs * 0.25f };
                /* a label cut by the edge of the plot area is a last resort */
                int out = b.x0 < A.left || b.x1 > A.left + A.W || b.y0 < A.top || b.y1 > A.top + A.H;
                float cost = out ? 1e9f : grid_cost(&g, b);
                /* With few points a label must also be nearer its own dot than any other
                 * dot, or the reader pairs it with the wrong word. */
                if (!crowded && cost < 1e9f) {
                    float own = box_dist(b, x, y);
                    for (size_t j = 0; j < s->npts; j++)
                        if (j != i && box_dist(b, sc[2 * j], sc[2 * j + 1]) < own + 2) cost += 400;
                }
                if (cost < best_cost) { best_cost = cost; best = k; }
                if (cost == 0) break;
            }
            /* a context label that would cover another is left out when crowded */
            if (best < 0 || (crowded && p->role == 0 && !found && best_cost > 0)) {
                if (fcell >= 0) failed[fcell] = 1;
                continue;
            }
            Box b = { cand[best][0], cand[best][1] - fs, cand[best][0] + tw, cand[best][1] + fs * 0.25f };
            grid_add(&g, b);
            /* the outer ring, or a place nearer another dot: a leader line from the dot to the
             * label's nearest point says whose label it is */
            if (best >= 8 || (!crowded && best_cost >= 400)) {
                float lx = fminf(fmaxf(x, b.x0), b.x1), ly = fminf(fmaxf(y, b.y0 + fs * 0.3f), b.y1 - fs * 0.2f);
                float len = hypotf(lx - x, ly - y);
                if (len > r + 2)
                    canvas_line(c, x + (lx - x) / len * (r + 1), y + (ly - y) / len * (r + 1), lx, ly, fmaxf(1, px * 0.05f), FRAME);
            }
            canvas_text(c, f, cand[best][0], cand[best][1], fs, p->label, col);
            drawn++;
        }
    grid_free(&g);
    free(failed);
    canvas_clip_reset(c);
    /* the word under the pointer: its label in full on a white tab, above everything */
    if (v.hover >= 0 && (size_t)v.hover < s->npts && s->pts[v.hover].label && isfinite(sc[2 * v.hover] + sc[2 * v.hover + 1])) {
        float x = sc[2 * v.hover], y = sc[2 * v.hover + 1], fs = px * 1.1f;
        const char *w = s->pts[v.hover].label;
        float tw = font_width(f, fs, w), bx = x + px * 0.6f, by = y - px * 0.6f - fs * 1.3f;
        if (bx + tw + px > (float)c->w) bx = x - px * 0.6f - tw - px * 0.6f;
        if (by < 0) by = y + px * 0.6f;
        canvas_disc(c, x, y, px * 0.36f, INK);
        canvas_fill_rect(c, bx - 1, by - 1, bx + tw + px * 0.6f + 1, by + fs * 1.3f + 1, FRAME);
        canvas_fill_rect(c, bx, by, bx + tw + px * 0.6f, by + fs * 1.3f, TIP);
        canvas_text(c, f, bx + px * 0.3f, by + fs * 1.0f, fs, w, INK);
    }
    if (!screen) free(sc);
    return drawn;
}
