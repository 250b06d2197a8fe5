/* views.h — views draw plain data (labels, coordinates, arrows) onto a canvas. They know
 * nothing about models: the REPL computes what to show and hands it over. */
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
    const ScatterPoint *pts;
    size_t npts;
    const ScatterArrow *arrows;
    size_t narrows;
} ScatterScene;

/* Draw the scene scaled to fit the canvas (equal scale on both axes, so angles and the
 * parallelogram's shape are true), labels beside their points, nudged apart where two would
 * overlap. font_px sets the text size (a projector wants it large). */
void view_scatter(Canvas *c, Font *f, const ScatterScene *s, float font_px);

#endif
