/* canvas.h — a software RGBA raster that every view draws on; the window only presents it,
 * and `snap` writes it as a PNG (DESIGN.md §1: viz reads engine data, never trains).
 *
 * Coordinates are floats in pixels, (0,0) the top-left corner, y downwards. Shapes are
 * anti-aliased by coverage: a pixel is blended with the colour in proportion to how much of
 * it the shape covers (distance to the shape's edge, clamped to one pixel). Text is drawn
 * with stb_truetype from a TrueType font that covers Turkish letters (DejaVu Sans from
 * Debian's fonts-dejavu-core).
 */
#ifndef TZ_CANVAS_H
#define TZ_CANVAS_H

#include <stdint.h>
#include "core/err.h"

typedef struct { uint8_t r, g, b, a; } Rgba;

typedef struct {
    int w, h;
    uint8_t *px;   /* h rows of w pixels, 4 bytes each (R, G, B, A) */
} Canvas;

int canvas_init(Canvas *c, int w, int h, TzErr *e);
void canvas_free(Canvas *c);     /* safe on a zeroed struct */
void canvas_clear(Canvas *c, Rgba colour);
/* Blend colour into pixel (x, y) with coverage 0..1 (times the colour's own alpha). */
void canvas_blend(Canvas *c, int x, int y, Rgba colour, float coverage);
void canvas_fill_rect(Canvas *c, float x0, float y0, float x1, float y1, Rgba colour);
void canvas_line(Canvas *c, float x0, float y0, float x1, float y1, float width, Rgba colour);
void canvas_disc(Canvas *c, float cx, float cy, float r, Rgba colour);
/* A line from (x0,y0) to (x1,y1) with a filled triangular head of length `head` at the end. */
void canvas_arrow(Canvas *c, float x0, float y0, float x1, float y1, float width, float head, Rgba colour);

/* Fonts */
typedef struct Font Font;
Font *font_load(const char *path, TzErr *e);
void font_free(Font *f);
/* The default font: DejaVu Sans from fonts-dejavu-core (or TEZGAH_FONT), NULL + e if none. */
Font *font_default(TzErr *e);
/* Width in pixels of utf8 at size px (the em height). */
float font_width(Font *f, float px, const char *utf8);
/* Draw utf8 with its baseline at y, starting at x; returns the x after the last glyph. */
float canvas_text(Canvas *c, Font *f, float x, float y, float px, const char *utf8, Rgba colour);

/* Write the canvas as an 8-bit RGBA PNG (uncompressed deflate blocks: any PNG reader
 * decodes them), atomically. */
int canvas_save_png(const Canvas *c, const char *path, TzErr *e);

#endif
