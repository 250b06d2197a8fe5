/* colormap.h — colour maps that turn numbers into colours a class can read.
 *
 * A heatmap asks the eye to read magnitudes off colours: "this cell is about twice as
 * similar as that one". That only works when equal steps in the value look like equal steps
 * in colour. Rainbow-like maps fail at it: their lightness goes up and down, so bands appear
 * where the data has none (cyan and yellow look like edges), and a viewer with red–green
 * colour blindness (about one man in twelve in a classroom) sees different bands again.
 * The maps here are designed in OKLab, a colour space built so that distances match what
 * people perceive, and their lightness changes monotonically, so that the order of values
 * survives even in a greyscale printout or for a colour-blind student.
 *
 *  - sequential (CMAP_SEQ): for magnitudes (attention weights, gate values, counts). Dark
 *    blue-violet through blue, teal and green to a light yellow; lightness strictly increases
 *    and the hue travels along the blue–yellow axis that the common forms of colour blindness
 *    keep.
 *  - diverging (CMAP_DIV): for signed values centred at zero (cosine similarity, cell state).
 *    Blue for negative, near-white for zero, red for positive; lightness is the same at t and
 *    1 - t, so neither sign looks stronger than the other.
 *
 * The tables (CMAP_N entries each) are computed from a few control points of our own on first
 * use (colormap.c explains how); nothing is copied from published tables.
 */
#ifndef TZ_COLORMAP_H
#define TZ_COLORMAP_H

#include "viz/canvas.h"

#define CMAP_N 256

typedef enum { CMAP_SEQ = 0, CMAP_DIV = 1 } CmapKind;

/* The colour at t in [0, 1]: t is clamped, NaN gives CMAP_NAN. */
Rgba cmap_seq(float t);
Rgba cmap_div(float t);
Rgba cmap_at(CmapKind k, float t);

/* The colour a value gets: sequential over [vmin, vmax]; diverging with 0 at the centre and
 * the symmetric range ±max(|vmin|, |vmax|), so that +x and -x are equally strong. Values
 * outside the range get the end colours; NaN gives CMAP_NAN. With a range of zero width the
 * sequential map gives its middle colour, the diverging one its centre for 0 and its ends
 * for other values. */
Rgba cmap_seq_value(float v, float vmin, float vmax);
Rgba cmap_div_value(float v, float vmin, float vmax);
Rgba cmap_value(CmapKind k, float v, float vmin, float vmax);
/* The t in [0, 1] (clamped) cmap_value uses for v; NaN for NaN. */
float cmap_t(CmapKind k, float v, float vmin, float vmax);

/* The whole table of a map, CMAP_N entries from t = 0 to t = 1. */
const Rgba *cmap_table(CmapKind k);

/* The neutral grey that stands for a missing value (NaN). */
extern const Rgba CMAP_NAN;

/* OKLab (L in 0..1, a and b around -0.4..0.4) of an sRGB colour, alpha ignored. */
void cmap_to_oklab(Rgba c, float lab[3]);
/* The sRGB colour of OKLab (L, a, b), opaque; a colour outside what a screen can show keeps
 * its lightness and hue and loses just enough chroma to fit. */
Rgba cmap_from_oklab(float L, float a, float b);

#endif
