/* views.h — views draw plain data (labels, coordinates, arrows) onto a canvas. They know
 * nothing about models: the REPL computes what to show and hands it over.
 *
 * The scatter view is the embedding plot: points in data coordinates, fitted to the canvas
 * with one scale for both axes (angles and the analogy's parallelogram stay true), then the
 * user's zoom and pan (ScatterView) on top. The same layout function serves drawing and
 * hit-testing (hover, click), so what the pointer touches is what was drawn.
 */
#ifndef TZ_VIEWS_H
#define TZ_VIEWS_H

#include <stddef.h>
#include "viz/canvas.h"

typedef struct {
    const char *label;
    float x, y;          /* data coordinates */
    int role;            /* 0 context point (grey), 1 an input word, 2 the answer */
} ScatterPoint;

typedef struct { size_t from, to; Rgba colour; } ScatterArrow;

typedef struct {
    const char *title;
    const char *xlabel, *ylabel;
    const char *status;          /* a line in the top-right corner (live: "step 340/1000"), or NULL */
    const ScatterPoint *pts;
    size_t npts;
    const ScatterArrow *arrows;
    size_t narrows;
} ScatterScene;

/* What the user did to the view: zoom (1 = everything fits) and pan in screen pixels, the
 * point found with `find` (ringed) and the one under the pointer (its label shown in full). */
typedef struct {
    float zoom, pan_x, pan_y;
    long highlight, hover;       /* point indices, -1 for none */
} ScatterView;

ScatterView scatter_view_reset(void);

/* Draw the scene onto the canvas at text size font_px (a projector wants it large), labels
 * beside their points and never on top of each other: inputs and the answer are labelled
 * first, then the other points in their order (most frequent words first when the REPL
 * plots top=N); a label that finds no free place is left out, its point still drawn. If
 * screen is not NULL it receives the 2·npts screen coordinates of the points. v may be NULL.
 * Returns the number of labels drawn. */
size_t view_scatter(Canvas *c, Font *f, const ScatterScene *s, float font_px, const ScatterView *v, float *screen);

/* Zoom by factor about the screen point (mx, my), which stays where it is. */
void scatter_zoom_at(ScatterView *v, const Canvas *c, float font_px, float mx, float my, float factor);

/* The index of the point nearest to (mx, my) within radius pixels, or -1; screen is what
 * view_scatter wrote. */
long scatter_hit(const float *screen, size_t npts, float mx, float my, float radius);

#endif
