/* canvas.c — see canvas.h. */
#include "viz/canvas.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "core/utf8.h"
#include <stb_truetype.h>
#include <stb_image_write.h>
/* stb_image_write.h declares stbi_write_png_to_mem only where the implementation is compiled;
 * libstb has it: declare it here, as the header spells it. */
unsigned char *stbi_write_png_to_mem(const unsigned char *pixels, int stride_bytes, int x, int y, int n, int *out_len);
#ifndef STBIW_FREE
#define STBIW_FREE(p) free(p)
#endif

int canvas_init(Canvas *c, int w, int h, TzErr *e)
{
    memset(c, 0, sizeof *c);
    if (w < 1 || h < 1 || w > 16384 || h > 16384)
        return tz_errf(e, TZ_E_ARG, "tuval boyutu %d×%d olamaz (1..16384).", "a canvas cannot be %d×%d (1..16384).", w, h);
    c->w = w;
    c->h = h;
    c->px = tz_calloc((size_t)w * (size_t)h, 4);
    return 0;
}

void canvas_free(Canvas *c)
{
    free(c->px);
    memset(c, 0, sizeof *c);
}

void canvas_clear(Canvas *c, Rgba col)
{
    size_t row = 4 * (size_t)c->w;                   /* one row, then copies of it */
    for (size_t i = 0; i < (size_t)c->w; i++) memcpy(c->px + 4 * i, &col, 4);
    for (size_t y = 1; y < (size_t)c->h; y++) memcpy(c->px + y * row, c->px, row);
}

void canvas_clip(Canvas *c, float x0, float y0, float x1, float y1)
{
    int a = (int)lrintf(fminf(x0, x1)), b = (int)lrintf(fminf(y0, y1));
    int d = (int)lrintf(fmaxf(x0, x1)), f = (int)lrintf(fmaxf(y0, y1));
    c->clip_x0 = a < 0 ? 0 : a;
    c->clip_y0 = b < 0 ? 0 : b;
    c->clip_x1 = d > c->w ? c->w : d;
    c->clip_y1 = f > c->h ? c->h : f;
    c->clipped = 1;
}

void canvas_clip_reset(Canvas *c) { c->clipped = c->clip_x0 = c->clip_y0 = c->clip_x1 = c->clip_y1 = 0; }

/* "Over" compositing of col with coverage cov (0 < cov) onto the pixel p, straight alpha.
 * On an opaque pixel (the usual case: every view clears to an opaque background) the
 * result's alpha is 1 and the division drops out; the arithmetic is otherwise the same, so
 * both paths give the same bytes. */
static inline void blend_px(uint8_t *p, Rgba col, float cov)
{
    if (cov >= 1 && col.a == 255) {                  /* an opaque colour covering the pixel */
        memcpy(p, &col, 4);
        return;
    }
    if (cov > 1) cov = 1;
    float a = cov * (float)col.a / 255.0f;
    const uint8_t s[3] = { col.r, col.g, col.b };
    if (p[3] == 255) {
        for (int k = 0; k < 3; k++) p[k] = (uint8_t)lrintf(((float)s[k] * a + (float)p[k] * 1.0f * (1 - a)) / 1.0f);
        return;
    }
    float da = (float)p[3] / 255.0f, oa = a + da * (1 - a);
    if (oa <= 0) return;
    for (int k = 0; k < 3; k++) p[k] = (uint8_t)lrintf(((float)s[k] * a + (float)p[k] * da * (1 - a)) / oa);
    p[3] = (uint8_t)lrintf(oa * 255.0f);
}

static void bounds(const Canvas *c, int *x0, int *y0, int *x1, int *y1);

void canvas_blend(Canvas *c, int x, int y, Rgba col, float cov)
{
    if (x < 0 || y < 0 || x >= c->w || y >= c->h || cov <= 0) return;
    if (c->clipped && (x < c->clip_x0 || x >= c->clip_x1 || y < c->clip_y0 || y >= c->clip_y1)) return;
    blend_px(c->px + 4 * ((size_t)y * (size_t)c->w + (size_t)x), col, cov);
}

void canvas_fill_rect(Canvas *c, float x0, float y0, float x1, float y1, Rgba col)
{
    if (x1 < x0) { float t = x0; x0 = x1; x1 = t; }
    if (y1 < y0) { float t = y0; y0 = y1; y1 = t; }
    int bx0, by0, bx1, by1;
    bounds(c, &bx0, &by0, &bx1, &by1);
    int ya = (int)floorf(y0), yb = (int)ceilf(y1), xa = (int)floorf(x0), xb = (int)ceilf(x1);
    if (ya < by0 - 1) ya = by0 - 1;
    if (yb > by1 + 1) yb = by1 + 1;
    if (xa < bx0 - 1) xa = bx0 - 1;
    if (xb > bx1 + 1) xb = bx1 + 1;
    /* the columns every row covers whole: written directly when the colour is opaque (the
     * same result as blending with coverage 1) */
    int ia = (int)ceilf(x0), ib = (int)floorf(x1);
    if (ia < bx0) ia = bx0;
    if (ib > bx1) ib = bx1;
    for (int y = ya; y < yb; y++) {
        float cy = fminf(y1, (float)y + 1) - fmaxf(y0, (float)y);
        int direct = cy >= 1 && col.a == 255 && y >= by0 && y < by1 && ia < ib;
        if (direct)
            for (int x = ia; x < ib; x++) memcpy(c->px + 4 * ((size_t)y * (size_t)c->w + (size_t)x), &col, 4);
        for (int x = xa; x < xb; x++) {
            if (direct && x >= ia && x < ib) continue;
            /* coverage = the overlap of the pixel square [x, x+1)×[y, y+1) with the rectangle */
            float cx = fminf(x1, (float)x + 1) - fmaxf(x0, (float)x);
            canvas_blend(c, x, y, col, cx * cy);
        }
    }
}

/* Distance from the pixel centre (px, py) to the segment (x0,y0)–(x1,y1). */
static float seg_dist(float px, float py, float x0, float y0, float x1, float y1)
{
    float dx = x1 - x0, dy = y1 - y0, l2 = dx * dx + dy * dy;
    float t = l2 > 0 ? ((px - x0) * dx + (py - y0) * dy) / l2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    float ex = x0 + t * dx - px, ey = y0 + t * dy - py;
    return sqrtf(ex * ex + ey * ey);
}

void canvas_line(Canvas *c, float x0, float y0, float x1, float y1, float width, Rgba col)
{
    float r = width / 2;
    int bx0, by0, bx1, by1;
    bounds(c, &bx0, &by0, &bx1, &by1);
    int xa = (int)floorf(fminf(x0, x1) - r - 1), xb = (int)ceilf(fmaxf(x0, x1) + r + 1);
    int ya = (int)floorf(fminf(y0, y1) - r - 1), yb = (int)ceilf(fmaxf(y0, y1) + r + 1);
    if (ya < by0) ya = by0;
    if (yb > by1 - 1) yb = by1 - 1;
    /* In each row only the pixels near the line can be touched: those whose centre lies
     * within r + 1.5 of the infinite line through the segment (a band around it), so a long
     * diagonal costs its length, not the area of its bounding box. */
    float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
    float ux = len > 0 ? dx / len : 1, uy = len > 0 ? dy / len : 0, d = r + 1.5f;
    for (int y = ya; y <= yb; y++) {
        int ra = xa, rb = xb;
        if (fabsf(uy) > 1e-3f) {
            /* perpendicular distance |(x - x0) uy - (yc - y0) ux| <= d, solved for x */
            float yc = (float)y + 0.5f, mid = x0 + (yc - y0) * ux / uy, half = d / fabsf(uy);
            int a = (int)floorf(mid - half - 0.5f), b = (int)ceilf(mid + half - 0.5f);
            if (a > ra) ra = a;
            if (b < rb) rb = b;
        }
        if (ra < bx0) ra = bx0;
        if (rb > bx1 - 1) rb = bx1 - 1;
        for (int x = ra; x <= rb; x++) {
            float dist = seg_dist((float)x + 0.5f, (float)y + 0.5f, x0, y0, x1, y1);
            canvas_blend(c, x, y, col, r + 0.5f - dist);   /* 1 inside, fading over one pixel */
        }
    }
}

void canvas_disc(Canvas *c, float cx, float cy, float r, Rgba col)
{
    /* Only pixels whose centre lies within r + 0.5 get ink, so the box is that wide; it is
     * clipped once to the canvas (and the clip rectangle) so that the inner loop needs no
     * checks: the scatter draws 20,000 of these dots a frame. Squared distances decide the
     * inside (full ink) and the outside (none) without a square root; only the one-pixel
     * rim is anti-aliased. */
    float ro = r + 0.5f, ri = r - 0.5f;
    int x0 = (int)floorf(cx - ro), x1 = (int)ceilf(cx + ro), y0 = (int)floorf(cy - ro), y1 = (int)ceilf(cy + ro);
    int bx0 = c->clipped ? c->clip_x0 : 0, by0 = c->clipped ? c->clip_y0 : 0;
    int bx1 = c->clipped ? c->clip_x1 : c->w, by1 = c->clipped ? c->clip_y1 : c->h;
    if (x0 < bx0) x0 = bx0;
    if (y0 < by0) y0 = by0;
    if (x1 > bx1 - 1) x1 = bx1 - 1;
    if (y1 > by1 - 1) y1 = by1 - 1;
    float ro2 = ro * ro, ri2 = ri > 0 ? ri * ri : 0;
    for (int y = y0; y <= y1; y++) {
        uint8_t *row = c->px + 4 * (size_t)y * (size_t)c->w;
        float dy = (float)y + 0.5f - cy, dy2 = dy * dy;
        for (int x = x0; x <= x1; x++) {
            float dx = (float)x + 0.5f - cx, d2 = dx * dx + dy2;
            if (d2 >= ro2) continue;
            blend_px(row + 4 * (size_t)x, col, d2 <= ri2 ? 1.0f : ro - sqrtf(d2));
        }
    }
}

/* Is (px, py) inside the triangle a, b, c? (signs of the three edge functions agree) */
static int in_triangle(float px, float py, const float *t)
{
    float d1 = (px - t[2]) * (t[1] - t[3]) - (t[0] - t[2]) * (py - t[3]);
    float d2 = (px - t[4]) * (t[3] - t[5]) - (t[2] - t[4]) * (py - t[5]);
    float d3 = (px - t[0]) * (t[5] - t[1]) - (t[4] - t[0]) * (py - t[1]);
    int neg = d1 < 0 || d2 < 0 || d3 < 0, pos = d1 > 0 || d2 > 0 || d3 > 0;
    return !(neg && pos);
}

void canvas_arrow(Canvas *c, float x0, float y0, float x1, float y1, float width, float head, Rgba col)
{
    float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
    if (len <= 0) return;
    float ux = dx / len, uy = dy / len, bx = x1 - ux * head, by = y1 - uy * head;
    canvas_line(c, x0, y0, bx, by, width, col);
    float w = head * 0.5f, t[6] = { x1, y1, bx - uy * w, by + ux * w, bx + uy * w, by - ux * w };
    /* 4×4 samples per pixel for the head's edges */
    for (int y = (int)floorf(fminf(fminf(t[1], t[3]), t[5])) - 1; y <= (int)ceilf(fmaxf(fmaxf(t[1], t[3]), t[5])) + 1; y++)
        for (int x = (int)floorf(fminf(fminf(t[0], t[2]), t[4])) - 1; x <= (int)ceilf(fmaxf(fmaxf(t[0], t[2]), t[4])) + 1; x++) {
            int in = 0;
            for (int sy = 0; sy < 4; sy++)
                for (int sx = 0; sx < 4; sx++) in += in_triangle((float)x + (sx + 0.5f) / 4, (float)y + (sy + 0.5f) / 4, t);
            canvas_blend(c, x, y, col, (float)in / 16.0f);
        }
}

/* --- text -------------------------------------------------------------------------------- */
/* Drawing a glyph used to mean asking stb_truetype to rasterise it, every time: a screen of
 * two thousand labels took tens of milliseconds, too slow to redraw at the window's frame
 * rate. The Font now caches what it computes, in three open-addressing hash tables (linear
 * probing, power-of-two sizes, never more than half full):
 *   code point → glyph index and advance width (font units, so one entry serves all sizes);
 *   (glyph, glyph) → kerning (font units);
 *   (glyph, pixel size, quarter-pixel shift) → the glyph's box and the offset of its 8-bit
 *     coverage bitmap in one growing arena.
 * Glyphs are placed at the pen position rounded to a quarter pixel (SUBPIX), so each glyph
 * has at most four cached bitmaps per size; a quarter pixel is below what the eye sees at
 * label sizes, and the pen itself keeps the exact fractional advances. When the arena passes
 * ARENA_MAX (labels in hundreds of sizes), the bitmaps are dropped and cached afresh. */

#define SUBPIX 4
#define ARENA_MAX ((size_t)32 << 20)

typedef struct { uint32_t cp; int glyph, adv, used; } CpSlot;
typedef struct { uint32_t pair; int kern, used; } KernSlot;   /* pair = glyph1 << 16 | glyph2 */
typedef struct {
    int glyph, sub, used;
    uint32_t pxbits;     /* the pixel size's float bits */
    int x0, y0, w, h;    /* the box relative to the pen (x) and the baseline (y) */
    int stride;          /* w rounded up to a multiple of 4; the extra columns are 0 */
    size_t off;          /* h rows of stride coverage bytes at arena + off */
} GlyphSlot;

struct Font {
    TzFile file;
    stbtt_fontinfo info;
    pthread_mutex_t lock;
    int nocache;
    int ascent, descent;                       /* font units; descent negative */
    CpSlot *cps;      size_t cps_cap, cps_n;
    KernSlot *kerns;  size_t kerns_cap, kerns_n;
    GlyphSlot *glyphs; size_t glyphs_cap, glyphs_n;
    uint8_t *arena;   size_t arena_len, arena_cap;
    uint8_t *scratch; size_t scratch_cap;      /* the uncached path's one bitmap */
};

static uint32_t mix32(uint32_t h)               /* a 32-bit finaliser: spreads nearby keys */
{
    h ^= h >> 16; h *= 0x7feb352dU;
    h ^= h >> 15; h *= 0x846ca68bU;
    return h ^ (h >> 16);
}

static void cache_free(Font *f)
{
    free(f->cps); free(f->kerns); free(f->glyphs); free(f->arena); free(f->scratch);
    f->cps = NULL; f->kerns = NULL; f->glyphs = NULL; f->arena = NULL; f->scratch = NULL;
    f->cps_cap = f->cps_n = f->kerns_cap = f->kerns_n = f->glyphs_cap = f->glyphs_n = 0;
    f->arena_len = f->arena_cap = f->scratch_cap = 0;
}

/* Each table grows (doubling and re-inserting) before an insertion would fill it past half. */
static const CpSlot *cp_info(Font *f, uint32_t cp)
{
    if (2 * (f->cps_n + 1) > f->cps_cap) {
        size_t ncap = f->cps_cap ? 2 * f->cps_cap : 256;
        CpSlot *t = tz_calloc(ncap, sizeof *t);
        for (size_t i = 0; i < f->cps_cap; i++)
            if (f->cps[i].used) {
                size_t j = mix32(f->cps[i].cp) & (ncap - 1);
                while (t[j].used) j = (j + 1) & (ncap - 1);
                t[j] = f->cps[i];
            }
        free(f->cps);
        f->cps = t;
        f->cps_cap = ncap;
    }
    size_t m = f->cps_cap - 1, i = mix32(cp) & m;
    for (; f->cps[i].used; i = (i + 1) & m)
        if (f->cps[i].cp == cp) return &f->cps[i];
    CpSlot *s = &f->cps[i];
    int lsb;
    s->cp = cp;
    s->glyph = stbtt_FindGlyphIndex(&f->info, (int)cp);
    stbtt_GetGlyphHMetrics(&f->info, s->glyph, &s->adv, &lsb);
    s->used = 1;
    f->cps_n++;
    return s;
}

static int kern_info(Font *f, int g1, int g2)
{
    uint32_t pair = (uint32_t)g1 << 16 | ((uint32_t)g2 & 0xFFFF);
    if (2 * (f->kerns_n + 1) > f->kerns_cap) {
        size_t ncap = f->kerns_cap ? 2 * f->kerns_cap : 1024;
        KernSlot *t = tz_calloc(ncap, sizeof *t);
        for (size_t i = 0; i < f->kerns_cap; i++)
            if (f->kerns[i].used) {
                size_t j = mix32(f->kerns[i].pair) & (ncap - 1);
                while (t[j].used) j = (j + 1) & (ncap - 1);
                t[j] = f->kerns[i];
            }
        free(f->kerns);
        f->kerns = t;
        f->kerns_cap = ncap;
    }
    size_t m = f->kerns_cap - 1, i = mix32(pair) & m;
    for (; f->kerns[i].used; i = (i + 1) & m)
        if (f->kerns[i].pair == pair) return f->kerns[i].kern;
    f->kerns[i] = (KernSlot){ pair, stbtt_GetGlyphKernAdvance(&f->info, g1, g2), 1 };
    f->kerns_n++;
    return f->kerns[i].kern;
}

static uint32_t float_bits(float v) { uint32_t u; memcpy(&u, &v, 4); return u; }

static uint32_t glyph_hash(int glyph, uint32_t pxbits, int sub)
{
    return mix32((uint32_t)glyph * 2654435761U ^ mix32(pxbits) ^ (uint32_t)sub * 0x9E3779B9U);
}

/* A glyph's coverage bitmap: box relative to the pen and the baseline, w*h bytes. */
typedef struct { int x0, y0, w, h, stride; const uint8_t *cov; } GlyphBm;

static GlyphBm glyph_cached(Font *f, int glyph, float px, float scale, int sub)
{
    uint32_t pxbits = float_bits(px);
    if (2 * (f->glyphs_n + 1) > f->glyphs_cap) {
        size_t ncap = f->glyphs_cap ? 2 * f->glyphs_cap : 1024;
        GlyphSlot *t = tz_calloc(ncap, sizeof *t);
        for (size_t i = 0; i < f->glyphs_cap; i++)
            if (f->glyphs[i].used) {
                GlyphSlot *g = &f->glyphs[i];
                size_t j = glyph_hash(g->glyph, g->pxbits, g->sub) & (ncap - 1);
                while (t[j].used) j = (j + 1) & (ncap - 1);
                t[j] = *g;
            }
        free(f->glyphs);
        f->glyphs = t;
        f->glyphs_cap = ncap;
    }
    size_t m = f->glyphs_cap - 1, i = glyph_hash(glyph, pxbits, sub) & m;
    for (; f->glyphs[i].used; i = (i + 1) & m) {
        GlyphSlot *g = &f->glyphs[i];
        if (g->glyph == glyph && g->pxbits == pxbits && g->sub == sub)
            return (GlyphBm){ g->x0, g->y0, g->w, g->h, g->stride, f->arena + g->off };
    }
    GlyphSlot *g = &f->glyphs[i];
    float shift = (float)sub / SUBPIX;
    int x0, y0, x1, y1;
    stbtt_GetGlyphBitmapBoxSubpixel(&f->info, glyph, scale, scale, shift, 0, &x0, &y0, &x1, &y1);
    *g = (GlyphSlot){ .glyph = glyph, .sub = sub, .used = 1, .pxbits = pxbits, .x0 = x0, .y0 = y0,
                      .w = x1 > x0 ? x1 - x0 : 0, .h = y1 > y0 ? y1 - y0 : 0, .off = f->arena_len };
    if (g->w == 0 || g->h == 0) g->w = g->h = 0;
    g->stride = (g->w + 3) & ~3;
    size_t n = (size_t)g->stride * (size_t)g->h;
    if (f->arena_len + n > f->arena_cap) {
        size_t ncap = f->arena_cap ? f->arena_cap : 1 << 16;
        while (ncap < f->arena_len + n) ncap *= 2;
        f->arena = tz_realloc(f->arena, ncap);
        f->arena_cap = ncap;
    }
    if (n) {
        memset(f->arena + g->off, 0, n);
        stbtt_MakeGlyphBitmapSubpixel(&f->info, f->arena + g->off, g->w, g->h, g->stride, scale, scale, shift, 0, glyph);
    }
    f->arena_len += n;
    f->glyphs_n++;
    return (GlyphBm){ g->x0, g->y0, g->w, g->h, g->stride, f->arena + g->off };
}

/* The reference path: rasterise into the scratch buffer on every call, as the code did
 * before the cache (at the same quarter-pixel positions as the cached path). */
static GlyphBm glyph_uncached(Font *f, int glyph, float scale, int sub)
{
    float shift = (float)sub / SUBPIX;
    int x0, y0, x1, y1;
    stbtt_GetGlyphBitmapBoxSubpixel(&f->info, glyph, scale, scale, shift, 0, &x0, &y0, &x1, &y1);
    GlyphBm b = { x0, y0, x1 - x0, y1 - y0, x1 - x0, NULL };
    if (b.w <= 0 || b.h <= 0) return (GlyphBm){ 0, 0, 0, 0, 0, NULL };
    size_t n = (size_t)b.w * (size_t)b.h;
    if (n > f->scratch_cap) {
        f->scratch = tz_realloc(f->scratch, n);
        f->scratch_cap = n;
    }
    stbtt_MakeGlyphBitmapSubpixel(&f->info, f->scratch, b.w, b.h, b.w, scale, scale, shift, 0, glyph);
    b.cov = f->scratch;
    return b;
}

/* Blending coverage v (0..255) of an opaque colour into an opaque pixel, in integers.
 * canvas_blend computes, for each channel, lrintf((s*v + p*(255 - v)) / 255): a whole number
 * N over 255, never half-way between two integers, so the result is (N + 127) / 255, which
 * equals (t + (t >> 8)) >> 8 with t = N + 128 for every N up to 255*255 (checked for all of
 * them). The identical pixels are what lets the cache be tested against canvas_blend.
 * Alpha comes out 255 (both colours are opaque) and coverage 0 gives the pixel back as it
 * was, so rows are blended whole, without a test per pixel.
 * blend_word does one pixel with two channels in each 32-bit word, one per 16-bit half (the
 * even bytes, then the odd ones): neither half carries into the other since
 * N + 128 + 255 < 65536. blend_block does four pixels at a time with the compiler's vector
 * types, one 16-bit lane per channel, the same arithmetic. */
#define EVEN 0x00FF00FFu
#define HALF 0x00800080u

static inline uint32_t blend_word(uint32_t p, uint32_t c_even, uint32_t c_odd, uint32_t v)
{
    uint32_t iv = 255 - v;
    uint32_t e = c_even * v + (p & EVEN) * iv + HALF, o = c_odd * v + ((p >> 8) & EVEN) * iv + HALF;
    e = ((e + ((e >> 8) & EVEN)) >> 8) & EVEN;
    o = ((o + ((o >> 8) & EVEN)) >> 8) & EVEN;
    return e | o << 8;
}

typedef uint32_t u32x4 __attribute__((vector_size(16)));
typedef uint8_t u8x16 __attribute__((vector_size(16)));
typedef uint16_t u16x16 __attribute__((vector_size(32)));

/* Blend a block of coverage (rows × n bytes, cstride apart) into the pixels at p (pstride
 * bytes apart) with the opaque colour word cw (amask: the alpha byte's bits). Four pixels at
 * a time, one 16-bit lane per channel (16-bit products are cheap on every vector unit;
 * 32-bit ones are not on plain SSE2); four pixels of zero coverage are skipped. Pixels that
 * are not opaque are left alone; returns whether there were any, so that the caller blends
 * those with canvas_blend. */
static int blend_block(uint8_t *p, size_t pstride, const uint8_t *cov, size_t cstride, int rows, int n,
                       uint32_t cw, uint32_t amask)
{
    uint32_t ce = cw & EVEN, co = (cw >> 8) & EVEN, bad = 0;
    u8x16 c8;
    for (int k = 0; k < 16; k += 4) memcpy((uint8_t *)&c8 + k, &cw, 4);
    u16x16 col = __builtin_convertvector(c8, u16x16);
    u32x4 am = { amask, amask, amask, amask }, nacc = { 0, 0, 0, 0 };
    for (int r = 0; r < rows; r++, p += pstride, cov += cstride) {
        int k = 0;
        for (; k + 4 <= n; k += 4) {
            uint32_t four;
            memcpy(&four, cov + k, 4);
            if (!four) continue;                       /* nothing to draw on these four */
            u32x4 px, v = { cov[k], cov[k + 1], cov[k + 2], cov[k + 3] };
            memcpy(&px, p + 4 * k, 16);
            v |= v << 8;
            v |= v << 16;                              /* each coverage byte in its 4 channels */
            u16x16 v16 = __builtin_convertvector((u8x16)v, u16x16);
            u16x16 p16 = __builtin_convertvector((u8x16)px, u16x16);
            u16x16 t = col * v16 + p16 * (255 - v16) + 128;
            t = (t + (t >> 8)) >> 8;
            u32x4 out = (u32x4)__builtin_convertvector(t, u8x16);
            u32x4 ok = (u32x4)((px & am) == am);     /* all ones where the pixel is opaque */
            nacc |= ~ok;
            px = (out & ok) | (px & ~ok);
            memcpy(p + 4 * k, &px, 16);
        }
        for (; k < n; k++) {
            uint32_t w;
            memcpy(&w, p + 4 * k, 4);
            if ((w & amask) != amask) { bad = 1; continue; }
            w = blend_word(w, ce, co, cov[k]);
            memcpy(p + 4 * k, &w, 4);
        }
    }
    return bad || nacc[0] || nacc[1] || nacc[2] || nacc[3];
}

/* The drawable rectangle [*x0, *x1) × [*y0, *y1): the canvas, cut by the clip. */
static void bounds(const Canvas *c, int *x0, int *y0, int *x1, int *y1)
{
    *x0 = 0; *y0 = 0; *x1 = c->w; *y1 = c->h;
    if (c->clipped) { *x0 = c->clip_x0; *y0 = c->clip_y0; *x1 = c->clip_x1; *y1 = c->clip_y1; }
}

/* Draw bitmap b. Horizontal text: bitmap pixel (xx, yy) lands on (ox + x0 + xx, oy + y0 + yy).
 * Vertical text (turned 90° anticlockwise): the position along the text, H = ox + x0 + xx,
 * goes up from row oy (pixel row oy - H - 1); the position across it, y0 + yy, goes right
 * from column base (so the tops of the letters point left). slow: every pixel through
 * canvas_blend (the uncached reference path). */
static void blit(Canvas *c, GlyphBm b, int vertical, int ox, int oy, int base, Rgba col, int slow)
{
    int bx0, by0, bx1, by1;
    bounds(c, &bx0, &by0, &bx1, &by1);
    if (!vertical && !slow && col.a == 255) {
        /* the common case: whole rows of the part of the bitmap inside the bounds */
        int X0 = ox + b.x0, Y0 = oy + b.y0;
        int xa = bx0 - X0 > 0 ? bx0 - X0 : 0, xb = bx1 - X0 < b.w ? bx1 - X0 : b.w;
        int ya = by0 - Y0 > 0 ? by0 - Y0 : 0, yb = by1 - Y0 < b.h ? by1 - Y0 : b.h;
        uint32_t cw, amask;
        memcpy(&cw, &col, 4);
        memcpy(&amask, &(Rgba){ 0, 0, 0, 255 }, 4);
        /* A row may run on over the bitmap's zero padding (coverage 0 changes nothing) to a
         * multiple of four pixels, when those pixels are drawable: no scalar tail then. */
        int len = xb - xa, lenp = (len + 3) & ~3;
        if (xa + lenp > b.stride || X0 + xa + lenp > bx1) lenp = len;
        if (xa >= xb || ya >= yb) return;
        const uint8_t *cov = b.cov + (size_t)ya * (size_t)b.stride + xa;
        uint8_t *p = c->px + 4 * ((size_t)(Y0 + ya) * (size_t)c->w + (size_t)(X0 + xa));
        if (blend_block(p, 4 * (size_t)c->w, cov, (size_t)b.stride, yb - ya, lenp, cw, amask))
            for (int yy = ya; yy < yb; yy++)               /* the pixels that were not opaque */
                for (int xx = xa; xx < xb; xx++) {
                    uint8_t v = b.cov[(size_t)yy * (size_t)b.stride + xx];
                    if (v && c->px[4 * ((size_t)(Y0 + yy) * (size_t)c->w + (size_t)(X0 + xx)) + 3] != 255)
                        canvas_blend(c, X0 + xx, Y0 + yy, col, (float)v / 255.0f);
                }
        return;
    }
    uint32_t cw, ce, co;
    memcpy(&cw, &col, 4);
    ce = cw & EVEN;
    co = (cw >> 8) & EVEN;
    for (int yy = 0; yy < b.h; yy++) {
        const uint8_t *row = b.cov + (size_t)yy * (size_t)b.stride;
        for (int xx = 0; xx < b.w; xx++) {
            unsigned v = row[xx];
            if (!v) continue;
            int X, Y;
            if (!vertical) { X = ox + b.x0 + xx; Y = oy + b.y0 + yy; }
            else { X = base + b.y0 + yy; Y = oy - (ox + b.x0 + xx) - 1; }
            if (X < bx0 || X >= bx1 || Y < by0 || Y >= by1) continue;
            uint8_t *p = c->px + 4 * ((size_t)Y * (size_t)c->w + (size_t)X);
            if (!slow && col.a == 255 && p[3] == 255) {
                uint32_t w;
                memcpy(&w, p, 4);
                w = blend_word(w, ce, co, v);
                memcpy(p, &w, 4);
            } else {
                canvas_blend(c, X, Y, col, (float)v / 255.0f);
            }
        }
    }
}

enum { MEASURE, HORIZONTAL, VERTICAL };

/* Walk the code points of utf8: advance the pen by each glyph's advance plus the kerning
 * with the previous glyph, and draw each glyph at the pen rounded to a quarter pixel.
 * Horizontal: the pen starts at x, the baseline is row y. Vertical: the pen is the distance
 * up from the whole row ceil(y), starting at ceil(y) - y; the baseline is column x. */
static float layout(Font *f, Canvas *c, int mode, float x, float y, float px, const char *s, Rgba col)
{
    pthread_mutex_lock(&f->lock);
    if (f->arena_len > ARENA_MAX) {                  /* start the bitmaps afresh */
        free(f->glyphs);
        f->glyphs = NULL;
        f->glyphs_cap = f->glyphs_n = 0;
        f->arena_len = 0;
    }
    float scale = stbtt_ScaleForPixelHeight(&f->info, px);
    float top = ceilf(y), pen = mode == VERTICAL ? top - y : x;
    size_t n = strlen(s), i = 0;
    int prev = -1;
    while (i < n) {
        uint32_t cp;
        int k = utf8_decode(s + i, n - i, &cp);
        i += k ? (size_t)k : 1;
        int glyph, adv, lsb;
        if (f->nocache) {
            glyph = stbtt_FindGlyphIndex(&f->info, (int)cp);
            stbtt_GetGlyphHMetrics(&f->info, glyph, &adv, &lsb);
            if (prev >= 0) pen += scale * (float)stbtt_GetGlyphKernAdvance(&f->info, prev, glyph);
        } else {
            const CpSlot *ci = cp_info(f, cp);
            glyph = ci->glyph;
            adv = ci->adv;
            if (prev >= 0) pen += scale * (float)kern_info(f, prev, glyph);
        }
        if (mode != MEASURE && c) {
            float q = floorf(pen * SUBPIX + 0.5f);    /* the pen in quarter pixels, rounded */
            float ip = floorf(q / SUBPIX);
            int sub = (int)(q - ip * SUBPIX);
            GlyphBm b = f->nocache ? glyph_uncached(f, glyph, scale, sub) : glyph_cached(f, glyph, px, scale, sub);
            if (b.w > 0 && b.h > 0) {
                if (mode == HORIZONTAL) blit(c, b, 0, (int)ip, (int)floorf(y), 0, col, f->nocache);
                else blit(c, b, 1, (int)ip, (int)top, (int)floorf(x), col, f->nocache);
            }
        }
        pen += scale * (float)adv;
        prev = glyph;
    }
    pthread_mutex_unlock(&f->lock);
    return mode == VERTICAL ? top - pen : pen;
}

Font *font_load(const char *path, TzErr *e)
{
    Font *f = tz_calloc(1, sizeof *f);
    pthread_mutex_init(&f->lock, NULL);
    if (tz_file_map(&f->file, path, e)) { font_free(f); return NULL; }
    const unsigned char *d = (const unsigned char *)f->file.data;
    int off = d ? stbtt_GetFontOffsetForIndex(d, 0) : -1;
    if (off < 0 || !stbtt_InitFont(&f->info, d, off)) {
        tz_errf(e, TZ_E_FORMAT, "'%s' bir TrueType yazı tipi değil.", "'%s' is not a TrueType font.", path);
        font_free(f);
        return NULL;
    }
    int gap;
    stbtt_GetFontVMetrics(&f->info, &f->ascent, &f->descent, &gap);
    return f;
}

void font_free(Font *f)
{
    if (!f) return;
    cache_free(f);
    tz_file_unmap(&f->file);
    pthread_mutex_destroy(&f->lock);
    free(f);
}

Font *font_default(TzErr *e)
{
    const char *env = getenv("TEZGAH_FONT");
    if (env && *env) return font_load(env, e);
    const char *paths[] = { "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                            "/usr/share/fonts/TTF/DejaVuSans.ttf" };
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
        if (tz_exists(paths[i])) return font_load(paths[i], e);
    tz_errf(e, TZ_E_NOTFOUND, "yazı tipi bulunamadı: fonts-dejavu-core paketini kurun (make deps).",
            "no font found: install the fonts-dejavu-core package (make deps).");
    return NULL;
}

void font_set_cache(Font *f, int on)
{
    pthread_mutex_lock(&f->lock);
    f->nocache = !on;
    if (!on) cache_free(f);
    pthread_mutex_unlock(&f->lock);
}

void font_vmetrics(Font *f, float px, float *ascent, float *descent)
{
    float scale = stbtt_ScaleForPixelHeight(&f->info, px);
    if (ascent) *ascent = scale * (float)f->ascent;
    if (descent) *descent = -scale * (float)f->descent;
}

float font_width(Font *f, float px, const char *utf8) { return layout(f, NULL, MEASURE, 0, 0, px, utf8, (Rgba){ 0, 0, 0, 0 }); }

float canvas_text(Canvas *c, Font *f, float x, float y, float px, const char *utf8, Rgba col)
{
    return layout(f, c, HORIZONTAL, x, y, px, utf8, col);
}

float canvas_text_vertical(Canvas *c, Font *f, float x, float y, float px, const char *utf8, Rgba col)
{
    return layout(f, c, VERTICAL, x, y, px, utf8, col);
}

float font_fit(Font *f, float px, const char *utf8, float max_w, char *out, size_t cap)
{
    static const char ELL[] = "\xE2\x80\xA6";        /* U+2026 HORIZONTAL ELLIPSIS */
    if (cap == 0) return 0;
    out[0] = '\0';
    size_t n = strlen(utf8);
    float w = font_width(f, px, utf8);
    if (w <= max_w && n < cap) {
        memcpy(out, utf8, n + 1);
        return w;
    }
    float best = font_width(f, px, ELL);
    if (cap < sizeof ELL || best > max_w) return 0;
    /* cut[j]: the byte offset of the j-th code point boundary that leaves room for "…" */
    size_t *cut = tz_malloc((n + 1) * sizeof *cut), m = 0;
    for (size_t i = 0; i <= n && i + sizeof ELL <= cap;) {
        cut[m++] = i;
        if (i == n) break;
        uint32_t cp;
        int k = utf8_decode(utf8 + i, n - i, &cp);
        i += k ? (size_t)k : 1;
    }
    /* Binary search for the widest prefix + "…" that fits (widths grow with the prefix,
     * kerning aside); prefix 0, "…" alone, is known to fit. */
    char *buf = tz_malloc(n + sizeof ELL);
    size_t lo = 0, hi = m - 1;
    memcpy(out, ELL, sizeof ELL);
    while (lo < hi) {
        size_t mid = (lo + hi + 1) / 2, keep = cut[mid];
        while (keep > 0 && utf8[keep - 1] == ' ') keep--;   /* no space before the "…" */
        memcpy(buf, utf8, keep);
        memcpy(buf + keep, ELL, sizeof ELL);
        float bw = font_width(f, px, buf);
        if (bw <= max_w) {
            lo = mid;
            best = bw;
            memcpy(out, buf, keep + sizeof ELL);
        } else {
            hi = mid - 1;
        }
    }
    free(buf);
    free(cut);
    return best;
}

/* --- PNG ------------------------------------------------------------------------------- */
/* The PNG itself comes from stb_image_write (libstb, the same package as stb_truetype): it
 * filters each row and deflate-compresses the image, so a 1280×800 view is a few hundred
 * kilobytes instead of the 4 MB of raw pixels. We write the bytes atomically. */
static int png_write(FILE *f, void *ud, TzErr *e)
{
    const Canvas *c = ud;
    int len = 0;
    unsigned char *png = stbi_write_png_to_mem(c->px, c->w * 4, c->w, c->h, 4, &len);
    if (!png) return tz_errf(e, TZ_E_NOMEM, "PNG kodlanamadı (%d×%d).", "could not encode the PNG (%d×%d).", c->w, c->h);
    size_t put = fwrite(png, 1, (size_t)len, f);
    STBIW_FREE(png);
    return put == (size_t)len ? 0 : tz_errf(e, TZ_E_IO, "PNG yazılamadı.", "could not write the PNG.");
}

int canvas_save_png(const Canvas *c, const char *path, TzErr *e)
{
    return tz_save_atomic(path, png_write, (void *)c, e);
}

void canvas_rect_outline(Canvas *c, float x0, float y0, float x1, float y1, float width, Rgba colour)
{
    canvas_line(c, x0, y0, x1, y0, width, colour);
    canvas_line(c, x1, y0, x1, y1, width, colour);
    canvas_line(c, x1, y1, x0, y1, width, colour);
    canvas_line(c, x0, y1, x0, y0, width, colour);
}

float canvas_text_fit(Canvas *c, Font *f, float x, float y, float px, const char *s, float max_w, int align, Rgba colour)
{
    char buf[512];
    float w = font_fit(f, px, s, max_w, buf, sizeof buf);
    float at = align == 0 ? x : align == 1 ? x - w / 2 : x - w;
    canvas_text(c, f, at, y, px, buf, colour);
    return w;
}
