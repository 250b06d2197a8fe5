/* canvas.h — a software RGBA raster that every view draws on; the window only presents it,
 * and `snap` writes it as a PNG (DESIGN.md §1: viz reads engine data, never trains).
 *
 * Coordinates are floats in pixels, (0,0) the top-left corner, y downwards. Shapes are
 * anti-aliased by coverage: a pixel is blended with the colour in proportion to how much of
 * it the shape covers (distance to the shape's edge, clamped to one pixel). Text is drawn
 * with stb_truetype from a TrueType font that covers Turkish letters (DejaVu Sans from
 * Debian's fonts-dejavu-core).
 *
 * A clip rectangle (canvas_clip) limits every drawing call except canvas_clear to a part of
 * the canvas; a zeroed Canvas (or one whose clip was reset) draws everywhere.
 */
#ifndef TZ_CANVAS_H
#define TZ_CANVAS_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"

typedef struct { uint8_t r, g, b, a; } Rgba;

typedef struct {
    int w, h;
    uint8_t *px;   /* h rows of w pixels, 4 bytes each (R, G, B, A) */
    /* the clip: when clipped is non-zero, only pixels with clip_x0 <= x < clip_x1 and
     * clip_y0 <= y < clip_y1 are drawn. Set it with canvas_clip, not by hand. */
    int clipped, clip_x0, clip_y0, clip_x1, clip_y1;
} Canvas;

int canvas_init(Canvas *c, int w, int h, TzErr *e);
void canvas_free(Canvas *c);     /* safe on a zeroed struct */
void canvas_clear(Canvas *c, Rgba colour);   /* the whole canvas, whatever the clip */
/* Draw only on the pixels [x0, x1) × [y0, y1) (rounded to whole pixels, intersected with
 * the canvas) until canvas_clip_reset. */
void canvas_clip(Canvas *c, float x0, float y0, float x1, float y1);
void canvas_clip_reset(Canvas *c);
/* Blend colour into pixel (x, y) with coverage 0..1 (times the colour's own alpha). */
void canvas_blend(Canvas *c, int x, int y, Rgba colour, float coverage);
void canvas_fill_rect(Canvas *c, float x0, float y0, float x1, float y1, Rgba colour);
void canvas_line(Canvas *c, float x0, float y0, float x1, float y1, float width, Rgba colour);
void canvas_disc(Canvas *c, float cx, float cy, float r, Rgba colour);
/* A line from (x0,y0) to (x1,y1) with a filled triangular head of length `head` at the end. */
/* The outline of a rectangle, lines of the given width. */
void canvas_rect_outline(Canvas *c, float x0, float y0, float x1, float y1, float width, Rgba colour);
void canvas_arrow(Canvas *c, float x0, float y0, float x1, float y1, float width, float head, Rgba colour);

/* Fonts.
 * A Font keeps a cache of the glyphs it has drawn: each glyph is rasterised by stb_truetype
 * once per (glyph, pixel size, quarter-pixel horizontal position) and kept as an 8-bit
 * coverage bitmap with its box; advances and kerning pairs are cached too. The pen advances
 * by the font's exact (fractional) advances and kerning; each glyph is drawn at the pen
 * position rounded to a quarter pixel, cached or not. The cache is guarded by a mutex
 * inside the Font, so two threads may draw with the same Font. */
typedef struct Font Font;
Font *font_load(const char *path, TzErr *e);
void font_free(Font *f);
/* The default font: DejaVu Sans from fonts-dejavu-core (or TEZGAH_FONT), NULL + e if none. */
Font *font_default(TzErr *e);
/* Width in pixels of utf8 at size px (the em height). */
float font_width(Font *f, float px, const char *utf8);
/* Ascent (above the baseline) and descent (below it), both positive, in pixels at size px. */
void font_vmetrics(Font *f, float px, float *ascent, float *descent);
/* Copy utf8 into out (cap bytes), shortened at a code point boundary and ended with "…"
 * when it is wider than max_w pixels at size px; returns the width of what was copied
 * (0 and "" when not even "…" fits). */
float font_fit(Font *f, float px, const char *utf8, float max_w, char *out, size_t cap);
/* Turn the glyph cache off (on = 0: every glyph is rasterised on every call and blended
 * pixel by pixel with canvas_blend, as the reference the cache is tested against) or on
 * (the default). Turning it off frees what was cached. */
void font_set_cache(Font *f, int on);
/* Draw utf8 with its baseline at y, starting at x; returns the x after the last glyph. */
float canvas_text(Canvas *c, Font *f, float x, float y, float px, const char *utf8, Rgba colour);
/* Draw utf8 turned 90° anticlockwise, running from bottom to top (column labels, y-axis
 * titles): its baseline is the vertical line at x, it starts at y and the tops of the
 * letters point left. Returns the y after the last glyph (y minus the text's width). */
/* Draw s shortened to max_w (font_fit) with its left end (align 0), centre (1) or right end (2)
 * at x; returns the width drawn. */
float canvas_text_fit(Canvas *c, Font *f, float x, float y, float px, const char *s, float max_w, int align, Rgba colour);
float canvas_text_vertical(Canvas *c, Font *f, float x, float y, float px, const char *utf8, Rgba colour);

/* Write the canvas as an 8-bit RGBA PNG (uncompressed deflate blocks: any PNG reader
 * decodes them), atomically. */
int canvas_save_png(const Canvas *c, const char *path, TzErr *e);

#endif
