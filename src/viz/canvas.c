/* canvas.c — see canvas.h. */
#include "viz/canvas.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "core/utf8.h"
#include <stb_truetype.h>

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
    for (size_t i = 0; i < (size_t)c->w * (size_t)c->h; i++) memcpy(c->px + 4 * i, &col, 4);
}

void canvas_blend(Canvas *c, int x, int y, Rgba col, float cov)
{
    if (x < 0 || y < 0 || x >= c->w || y >= c->h || cov <= 0) return;
    if (cov > 1) cov = 1;
    float a = cov * (float)col.a / 255.0f;           /* "over" compositing, straight alpha */
    uint8_t *p = c->px + 4 * ((size_t)y * (size_t)c->w + (size_t)x);
    float da = (float)p[3] / 255.0f, oa = a + da * (1 - a);
    if (oa <= 0) return;
    const uint8_t s[3] = { col.r, col.g, col.b };
    for (int k = 0; k < 3; k++) p[k] = (uint8_t)lrintf(((float)s[k] * a + (float)p[k] * da * (1 - a)) / oa);
    p[3] = (uint8_t)lrintf(oa * 255.0f);
}

void canvas_fill_rect(Canvas *c, float x0, float y0, float x1, float y1, Rgba col)
{
    if (x1 < x0) { float t = x0; x0 = x1; x1 = t; }
    if (y1 < y0) { float t = y0; y0 = y1; y1 = t; }
    for (int y = (int)floorf(y0); y < (int)ceilf(y1); y++)
        for (int x = (int)floorf(x0); x < (int)ceilf(x1); x++) {
            /* coverage = the overlap of the pixel square [x, x+1)×[y, y+1) with the rectangle */
            float cx = fminf(x1, (float)x + 1) - fmaxf(x0, (float)x), cy = fminf(y1, (float)y + 1) - fmaxf(y0, (float)y);
            canvas_blend(c, x, y, col, cx * cy);
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
    int xa = (int)floorf(fminf(x0, x1) - r - 1), xb = (int)ceilf(fmaxf(x0, x1) + r + 1);
    int ya = (int)floorf(fminf(y0, y1) - r - 1), yb = (int)ceilf(fmaxf(y0, y1) + r + 1);
    for (int y = ya; y <= yb; y++)
        for (int x = xa; x <= xb; x++) {
            float d = seg_dist((float)x + 0.5f, (float)y + 0.5f, x0, y0, x1, y1);
            canvas_blend(c, x, y, col, r + 0.5f - d);   /* 1 inside, fading over one pixel */
        }
}

void canvas_disc(Canvas *c, float cx, float cy, float r, Rgba col)
{
    for (int y = (int)floorf(cy - r - 1); y <= (int)ceilf(cy + r + 1); y++)
        for (int x = (int)floorf(cx - r - 1); x <= (int)ceilf(cx + r + 1); x++) {
            float dx = (float)x + 0.5f - cx, dy = (float)y + 0.5f - cy;
            canvas_blend(c, x, y, col, r + 0.5f - sqrtf(dx * dx + dy * dy));
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

struct Font {
    TzFile file;
    stbtt_fontinfo info;
};

Font *font_load(const char *path, TzErr *e)
{
    Font *f = tz_calloc(1, sizeof *f);
    if (tz_file_map(&f->file, path, e)) { free(f); return NULL; }
    const unsigned char *d = (const unsigned char *)f->file.data;
    int off = d ? stbtt_GetFontOffsetForIndex(d, 0) : -1;
    if (off < 0 || !stbtt_InitFont(&f->info, d, off)) {
        tz_errf(e, TZ_E_FORMAT, "'%s' bir TrueType yazı tipi değil.", "'%s' is not a TrueType font.", path);
        font_free(f);
        return NULL;
    }
    return f;
}

void font_free(Font *f)
{
    if (!f) return;
    tz_file_unmap(&f->file);
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

/* Walk the code points of utf8; for each, the advance (and kerning with the previous). */
static float layout(Font *f, Canvas *c, float x, float y, float px, const char *s, Rgba col)
{
    float scale = stbtt_ScaleForPixelHeight(&f->info, px);
    size_t n = strlen(s), i = 0;
    int prev = 0;
    while (i < n) {
        uint32_t cp;
        int k = utf8_decode(s + i, n - i, &cp);
        i += k ? (size_t)k : 1;
        int adv, lsb;
        stbtt_GetCodepointHMetrics(&f->info, (int)cp, &adv, &lsb);
        if (prev) x += scale * (float)stbtt_GetCodepointKernAdvance(&f->info, prev, (int)cp);
        if (c) {
            int x0, y0, x1, y1;
            float shift = x - floorf(x);                /* sub-pixel position of the pen */
            stbtt_GetCodepointBitmapBoxSubpixel(&f->info, (int)cp, scale, scale, shift, 0, &x0, &y0, &x1, &y1);
            int w = x1 - x0, h = y1 - y0;
            if (w > 0 && h > 0) {
                unsigned char *bm = tz_malloc((size_t)w * (size_t)h);
                stbtt_MakeCodepointBitmapSubpixel(&f->info, bm, w, h, w, scale, scale, shift, 0, (int)cp);
                for (int yy = 0; yy < h; yy++)
                    for (int xx = 0; xx < w; xx++)
                        canvas_blend(c, (int)floorf(x) + x0 + xx, (int)floorf(y) + y0 + yy, col, (float)bm[yy * w + xx] / 255.0f);
                free(bm);
            }
        }
        x += scale * (float)adv;
        prev = (int)cp;
    }
    return x;
}

float font_width(Font *f, float px, const char *utf8) { return layout(f, NULL, 0, 0, px, utf8, (Rgba){ 0, 0, 0, 0 }); }

float canvas_text(Canvas *c, Font *f, float x, float y, float px, const char *utf8, Rgba col)
{
    return layout(f, c, x, y, px, utf8, col);
}

/* --- PNG ------------------------------------------------------------------------------- */
/* Chunks are length, type, data, CRC-32 (of type + data). The image data is a zlib stream
 * of "stored" deflate blocks (no compression, at most 65535 bytes each) holding each row
 * behind a filter byte 0; the stream ends with the Adler-32 of the uncompressed bytes. */

static uint32_t crc_table[256];

static void crc_init(void)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

static uint32_t crc_update(uint32_t crc, const uint8_t *d, size_t n)
{
    for (size_t i = 0; i < n; i++) crc = crc_table[(crc ^ d[i]) & 0xFF] ^ (crc >> 8);
    return crc;
}

static void put32(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v; }

static void chunk(FILE *f, const char *type, const uint8_t *data, size_t n)
{
    uint8_t b[4];
    put32(b, (uint32_t)n);
    fwrite(b, 1, 4, f);
    fwrite(type, 1, 4, f);
    if (n) fwrite(data, 1, n, f);
    uint32_t crc = crc_update(0xFFFFFFFFu, (const uint8_t *)type, 4);
    crc = crc_update(crc, data, n) ^ 0xFFFFFFFFu;
    put32(b, crc);
    fwrite(b, 1, 4, f);
}

static int png_write(FILE *f, void *ud, TzErr *e)
{
    (void)e;
    const Canvas *c = ud;
    static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
    fwrite(sig, 1, 8, f);
    uint8_t ihdr[13];
    put32(ihdr, (uint32_t)c->w);
    put32(ihdr + 4, (uint32_t)c->h);
    ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;   /* 8-bit RGBA */
    chunk(f, "IHDR", ihdr, 13);
    /* the uncompressed stream: per row a filter byte 0 and the pixels */
    size_t row = 1 + 4 * (size_t)c->w, raw = row * (size_t)c->h;
    size_t nblocks = raw / 65535 + 1;
    size_t zlen = 2 + raw + 5 * nblocks + 4;
    uint8_t *z = tz_malloc(zlen), *o = z;
    *o++ = 0x78; *o++ = 0x01;                        /* zlib header: deflate, 32 K window */
    uint32_t a = 1, b = 0;                           /* Adler-32 */
    size_t left = raw, pos = 0;                      /* pos: offset in the raw stream */
    do {
        size_t len = left < 65535 ? left : 65535;
        *o++ = left <= 65535;                        /* BFINAL on the last block, BTYPE 00 */
        *o++ = (uint8_t)len; *o++ = (uint8_t)(len >> 8);
        *o++ = (uint8_t)~len; *o++ = (uint8_t)(~len >> 8);
        for (size_t i = 0; i < len; i++, pos++) {
            size_t y = pos / row, x = pos % row;
            uint8_t v = x == 0 ? 0 : c->px[y * 4 * (size_t)c->w + x - 1];
            *o++ = v;
            a = (a + v) % 65521;
            b = (b + a) % 65521;
        }
        left -= len;
    } while (left > 0);
    put32(o, (b << 16) | a);
    o += 4;
    chunk(f, "IDAT", z, (size_t)(o - z));
    free(z);
    chunk(f, "IEND", NULL, 0);
    return 0;
}

int canvas_save_png(const Canvas *c, const char *path, TzErr *e)
{
    if (!crc_table[1]) crc_init();
    return tz_save_atomic(path, png_write, (void *)c, e);
}
