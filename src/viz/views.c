/* views.c — see views.h. */
#include "viz/views.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const Rgba BG = { 252, 252, 250, 255 }, INK = { 25, 25, 35, 255 }, GREY = { 150, 150, 160, 255 },
                  FRAME = { 205, 205, 212, 255 }, INPUT = { 30, 30, 40, 255 }, ANSWER = { 200, 40, 40, 255 };

typedef struct { float x0, y0, x1, y1; } Box;

static int overlaps(Box a, Box b) { return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1; }

void view_scatter(Canvas *c, Font *f, const ScatterScene *s, float px)
{
    canvas_clear(c, BG);
    float top = px * 2.6f, left = px * 1.5f, right = px * 1.5f, bottom = px * 2.4f;
    canvas_text(c, f, left, px * 1.6f, px * 1.15f, s->title ? s->title : "", INK);
    /* the data's bounding box, scaled with one factor for both axes */
    float xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
    for (size_t i = 0; i < s->npts; i++) {
        xmin = fminf(xmin, s->pts[i].x); xmax = fmaxf(xmax, s->pts[i].x);
        ymin = fminf(ymin, s->pts[i].y); ymax = fmaxf(ymax, s->pts[i].y);
    }
    if (s->npts == 0) { xmin = ymin = -1; xmax = ymax = 1; }
    float W = (float)c->w - left - right, H = (float)c->h - top - bottom;
    float pad = 0.12f, dx = fmaxf(xmax - xmin, 1e-6f), dy = fmaxf(ymax - ymin, 1e-6f);
    float scale = fminf(W / (dx * (1 + 2 * pad) + dx * 0.25f), H / (dy * (1 + 2 * pad)));  /* room for labels */
    float cx = (xmin + xmax) / 2, cy = (ymin + ymax) / 2, ox = left + W / 2, oy = top + H / 2;
    canvas_line(c, left, top + H, left + W, top + H, 1.5f, FRAME);
    canvas_line(c, left, top, left, top + H, 1.5f, FRAME);
    if (s->xlabel) canvas_text(c, f, left + W / 2 - font_width(f, px * 0.8f, s->xlabel) / 2, top + H + px * 1.6f, px * 0.8f, s->xlabel, GREY);
    if (s->ylabel) canvas_text(c, f, left + px * 0.3f, top - px * 0.3f, px * 0.8f, s->ylabel, GREY);
    float *sx = malloc((s->npts + 1) * sizeof *sx), *sy = malloc((s->npts + 1) * sizeof *sy);
    for (size_t i = 0; i < s->npts; i++) {
        sx[i] = ox + (s->pts[i].x - cx) * scale;
        sy[i] = oy - (s->pts[i].y - cy) * scale;          /* y up on screen */
    }
    for (size_t a = 0; a < s->narrows; a++) {
        const ScatterArrow *ar = &s->arrows[a];
        if (ar->from >= s->npts || ar->to >= s->npts) continue;
        /* stop short of the target's disc so that the head stays visible */
        float x0 = sx[ar->from], y0 = sy[ar->from], x1 = sx[ar->to], y1 = sy[ar->to];
        float len = hypotf(x1 - x0, y1 - y0), cut = px * 0.45f;
        if (len > 2 * cut) { x1 -= (x1 - x0) / len * cut; y1 -= (y1 - y0) / len * cut; }
        canvas_arrow(c, x0, y0, x1, y1, px * 0.14f, px * 0.75f, ar->colour);
    }
    Box *placed = malloc((s->npts + 1) * sizeof *placed);
    size_t nplaced = 0;
    /* inputs and the answer first, so that their labels get the best places */
    for (int pass = 2; pass >= 0; pass--)
        for (size_t i = 0; i < s->npts; i++) {
            const ScatterPoint *p = &s->pts[i];
            if ((pass == 2 && p->role != 2) || (pass == 1 && p->role != 1) || (pass == 0 && p->role != 0)) continue;
            Rgba col = p->role == 2 ? ANSWER : p->role == 1 ? INPUT : GREY;
            float r = p->role ? px * 0.32f : px * 0.2f, fs = p->role ? px : px * 0.8f;
            canvas_disc(c, sx[i], sy[i], r, col);
            float tw = font_width(f, fs, p->label);
            /* Candidate places: right, left, above, below, then the four corners. The first one
             * that touches no label already placed wins; if every one does, the one that
             * overlaps least. */
            float cand[8][2] = { { sx[i] + r + 4, sy[i] + fs * 0.35f }, { sx[i] - r - 4 - tw, sy[i] + fs * 0.35f },
                                 { sx[i] - tw / 2, sy[i] - r - 4 }, { sx[i] - tw / 2, sy[i] + r + fs },
                                 { sx[i] + r, sy[i] - r - 2 }, { sx[i] - r - tw, sy[i] - r - 2 },
                                 { sx[i] + r, sy[i] + r + fs }, { sx[i] - r - tw, sy[i] + r + fs } };
            int best = 0;
            float best_cost = INFINITY;
            for (int k = 0; k < 8; k++) {
                Box b = { cand[k][0], cand[k][1] - fs, cand[k][0] + tw, cand[k][1] + fs * 0.25f };
                float cost = (b.x0 < 0 || b.x1 > (float)c->w) ? 1e9f : 0;
                for (size_t j = 0; j < nplaced; j++)
                    if (overlaps(b, placed[j]))
                        cost += (fminf(b.x1, placed[j].x1) - fmaxf(b.x0, placed[j].x0)) *
                                (fminf(b.y1, placed[j].y1) - fmaxf(b.y0, placed[j].y0));
                if (cost < best_cost) { best_cost = cost; best = k; }
                if (cost == 0) break;
            }
            Box b = { cand[best][0], cand[best][1] - fs, cand[best][0] + tw, cand[best][1] + fs * 0.25f };
            placed[nplaced++] = b;
            canvas_text(c, f, cand[best][0], cand[best][1], fs, p->label, p->role ? col : GREY);
        }
    free(placed);
    free(sx);
    free(sy);
}
