/* test_canvas.c — the raster, anti-aliasing, Turkish text, and PNG files that a real PNG
 * reader (ImageMagick, installed by make deps) decodes to the same pixels; the glyph cache
 * (same pixels as rasterising every time, and as the old exact-position rendering up to a
 * quarter pixel), vertical text, clipping and shortening labels with an ellipsis. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stb/stb_truetype.h>

#include "core/utf8.h"
#include "tmpdir.h"
#include "viz/canvas.h"

TestSuite(canvas, .init = tmp_setup, .fini = tmp_teardown);

static const Rgba WHITE = { 255, 255, 255, 255 }, BLACK = { 0, 0, 0, 255 }, RED = { 220, 30, 30, 255 };

static const uint8_t *at(const Canvas *c, int x, int y) { return c->px + 4 * ((size_t)y * (size_t)c->w + (size_t)x); }

Test(canvas, rectangles_cover_exactly)
{
    Canvas c;
    TzErr e;
    cr_assert_eq(canvas_init(&c, 20, 10, &e), 0);
    canvas_clear(&c, WHITE);
    canvas_fill_rect(&c, 2, 2, 6, 5, RED);
    cr_assert_eq(at(&c, 3, 3)[0], 220);
    cr_assert_eq(at(&c, 3, 3)[1], 30);
    cr_assert_eq(at(&c, 7, 3)[1], 255, "outside stays white");
    /* half a pixel covered: half-way between white and red */
    canvas_fill_rect(&c, 10, 2, 10.5f, 3, BLACK);
    cr_assert(abs(at(&c, 10, 2)[0] - 128) <= 1, "got %d", at(&c, 10, 2)[0]);
    canvas_free(&c);
    cr_assert_eq(canvas_init(&c, 0, 10, &e), TZ_E_ARG);
    cr_assert(e.tr[0] && e.en[0]);
}

Test(canvas, lines_discs_and_arrows_are_anti_aliased)
{
    Canvas c;
    TzErr e;
    canvas_init(&c, 40, 40, &e);
    canvas_clear(&c, WHITE);
    canvas_line(&c, 5, 5, 35, 35, 2, BLACK);
    cr_assert(at(&c, 20, 20)[0] < 40, "on the line: dark");
    cr_assert_eq(at(&c, 30, 5)[0], 255, "far from it: white");
    int grey = 0;   /* some pixels along the edge are partly covered */
    for (int x = 0; x < 40; x++) grey += at(&c, x, 12)[0] > 30 && at(&c, x, 12)[0] < 230;
    cr_assert(grey >= 1);
    canvas_disc(&c, 30, 10, 4, RED);
    cr_assert_eq(at(&c, 30, 10)[0], 220);
    canvas_arrow(&c, 5, 35, 35, 35, 1.5f, 6, BLACK);
    cr_assert(at(&c, 33, 35)[0] < 60, "the head is filled");
    canvas_free(&c);
}

Test(canvas, turkish_letters_render)
{
    TzErr e;
    Font *f = font_default(&e);
    cr_assert_not_null(f, "%s", e.en);
    /* every letter of the alphabet's Turkish part has a glyph with ink */
    const char *letters[] = { "ç", "ğ", "ı", "İ", "ö", "ş", "ü", "Ç", "Ğ", "I", "Ö", "Ş", "Ü" };
    for (size_t i = 0; i < sizeof letters / sizeof *letters; i++) {
        Canvas c;
        canvas_init(&c, 40, 40, &e);
        canvas_clear(&c, WHITE);
        float end = canvas_text(&c, f, 5, 30, 24, letters[i], BLACK);
        cr_assert(end > 5 + 3, "%s advances the pen", letters[i]);
        int ink = 0;
        for (size_t p = 0; p < 40 * 40; p++) ink += c.px[4 * p] < 128;
        cr_assert(ink > 5, "%s leaves ink (%d dark pixels)", letters[i], ink);
        canvas_free(&c);
    }
    /* width is additive for a word and positive */
    float w1 = font_width(f, 20, "kraliçe"), w2 = font_width(f, 20, "kral") + font_width(f, 20, "içe");
    cr_assert(w1 > 40 && fabsf(w1 - w2) < 3, "%g vs %g", w1, w2);
    font_free(f);
    cr_assert_null(font_load(tmp_path("none.ttf"), &e));
    tmp_write(tmp_path("bad.ttf"), "not a font at all", 17);
    cr_assert_null(font_load(tmp_path("bad.ttf"), &e));
    cr_assert(strstr(e.en, "not a TrueType font"));
}

/* ImageMagick reads our PNG: size and pixels as drawn (a real PNG reader as the peer). */
Test(canvas, png_is_read_back_by_imagemagick, .timeout = 60)
{
    Canvas c;
    TzErr e;
    canvas_init(&c, 300, 250, &e);   /* 300×250×4 + rows > 65535 bytes: several deflate blocks */
    canvas_clear(&c, WHITE);
    canvas_fill_rect(&c, 10, 10, 60, 40, RED);
    canvas_fill_rect(&c, 100, 200, 110, 210, (Rgba){ 10, 200, 30, 255 });
    const char *path = tmp_path("t.png");
    cr_assert_eq(canvas_save_png(&c, path, &e), 0, "%s", e.en);
    char cmd[1024], out[256] = "";
    snprintf(cmd, sizeof cmd,
             "convert '%s' -format '%%w %%h %%[fx:int(255*p{20,20}.r)] %%[fx:int(255*p{20,20}.g)] "
             "%%[fx:int(255*p{105,205}.g)] %%[fx:int(255*p{200,100}.b)]' info: 2>&1", path);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    cr_assert_not_null(fgets(out, sizeof out, p), "convert printed nothing");
    pclose(p);
    int w, h, r, g, g2, b;
    cr_assert_eq(sscanf(out, "%d %d %d %d %d %d", &w, &h, &r, &g, &g2, &b), 6, "convert said: %s", out);
    cr_assert_eq(w, 300);
    cr_assert_eq(h, 250);
    cr_assert(abs(r - 220) <= 1 && abs(g - 30) <= 1, "red rectangle read back as %d,%d", r, g);
    cr_assert(abs(g2 - 200) <= 1, "green square read back as %d", g2);
    cr_assert_eq(b, 255, "white background");
    canvas_free(&c);
}

/* --- glyph cache, vertical text, clipping, fitting ----------------------------------------- */

static Font *font_or_fail(void)
{
    TzErr e;
    Font *f = font_default(&e);
    cr_assert_not_null(f, "%s", e.en);
    return f;
}

static const Rgba BG = { 252, 252, 250, 255 }, INK = { 25, 25, 35, 255 };

/* Strings, sizes and (fractional) positions the cache must draw exactly like the uncached
 * path: every glyph rasterised on every call and blended with canvas_blend. */
static void draw_sample(Canvas *c, Font *f, Rgba col)
{
    static const char *words[] = { "kraliçe", "ağaç ışık İstanbul", "ÇĞİÖŞÜ çğıöşü", "AVAWAT Type 0.25",
                                   "öğretmen", "x", "şehir—üzüm…" };
    float y = 20;
    for (int i = 0; i < 7; i++) {
        float px = 12 + 3.3f * (float)i;
        canvas_text(c, f, 3 + 0.37f * (float)i, y, px, words[i], col);
        canvas_text_vertical(c, f, 330 + 23.7f * (float)i, 290.6f - 0.29f * (float)i, px, words[i], col);
        y += px * 1.25f;
    }
    /* the same glyphs at the same size at every quarter-pixel position, across and up */
    for (int q = 0; q < 8; q++) {
        canvas_text(c, f, 200 + 0.13f * (float)q, 200 + 11 * (float)q, 15, "mimari ışık", col);
        canvas_text_vertical(c, f, 300 + 11 * (float)q, 290 - 0.13f * (float)q, 15, "mimari ışık", col);
    }
    /* half off the canvas on every side: clipped, not wrapped */
    canvas_text(c, f, -7.5f, 6, 20, "kenar", col);
    canvas_text(c, f, 470.3f, 296, 20, "kenarda", col);
    canvas_text_vertical(c, f, 496.2f, 10, 18, "dikey kenar", col);
}

Test(canvas, glyph_cache_draws_the_same_pixels_as_rasterising_each_time)
{
    Font *f = font_or_fail();
    TzErr e;
    Canvas a, b;
    canvas_init(&a, 500, 300, &e);
    canvas_init(&b, 500, 300, &e);
    Rgba cols[] = { INK, { 200, 40, 40, 255 }, { 20, 90, 200, 128 } };   /* the last: translucent */
    for (int k = 0; k < 3; k++) {
        canvas_clear(&a, BG);
        canvas_clear(&b, BG);
        font_set_cache(f, 1);
        draw_sample(&a, f, cols[k]);
        draw_sample(&a, f, cols[k]);                  /* the second time from the cache */
        font_set_cache(f, 0);
        draw_sample(&b, f, cols[k]);
        draw_sample(&b, f, cols[k]);
        size_t diff = 0, ink = 0;
        for (size_t i = 0; i < 500 * 300 * 4; i++) diff += a.px[i] != b.px[i];
        for (size_t i = 0; i < 500 * 300; i++) ink += a.px[4 * i] != BG.r;
        cr_assert_eq(diff, 0, "colour %d: %zu bytes differ between cached and uncached text", k, diff);
        cr_assert(ink > 3000, "the sample leaves ink (%zu pixels)", ink);
    }
    /* a transparent canvas (alpha 0) goes through the general blend: still identical */
    memset(a.px, 0, 500 * 300 * 4);
    memset(b.px, 0, 500 * 300 * 4);
    font_set_cache(f, 1);
    draw_sample(&a, f, INK);
    font_set_cache(f, 0);
    draw_sample(&b, f, INK);
    cr_assert_eq(memcmp(a.px, b.px, 500 * 300 * 4), 0, "on a transparent canvas too");
    /* the width does not depend on the cache either */
    font_set_cache(f, 1);
    float w1 = font_width(f, 17, "Derin Öğrenme Tabanlı Modern Dil Modelleri");
    font_set_cache(f, 0);
    float w2 = font_width(f, 17, "Derin Öğrenme Tabanlı Modern Dil Modelleri");
    cr_assert_float_eq(w1, w2, 1e-4);
    canvas_free(&a);
    canvas_free(&b);
    font_free(f);
}

/* The way canvas_text worked before the cache: each glyph rasterised at the exact
 * fractional pen position. The cache rounds that position to a quarter pixel, which moves an
 * edge by at most an eighth of a pixel: the same text, the same amount of ink. */
static float old_text(Canvas *c, const stbtt_fontinfo *info, float x, float y, float px, const char *s, Rgba col)
{
    float scale = stbtt_ScaleForPixelHeight(info, px);
    size_t n = strlen(s), i = 0;
    int prev = 0;
    while (i < n) {
        uint32_t cp;
        int k = utf8_decode(s + i, n - i, &cp);
        i += k ? (size_t)k : 1;
        int adv, lsb;
        stbtt_GetCodepointHMetrics(info, (int)cp, &adv, &lsb);
        if (prev) x += scale * (float)stbtt_GetCodepointKernAdvance(info, prev, (int)cp);
        int x0, y0, x1, y1;
        float shift = x - floorf(x);
        stbtt_GetCodepointBitmapBoxSubpixel(info, (int)cp, scale, scale, shift, 0, &x0, &y0, &x1, &y1);
        int w = x1 - x0, h = y1 - y0;
        if (w > 0 && h > 0) {
            unsigned char *bm = malloc((size_t)w * (size_t)h);
            stbtt_MakeCodepointBitmapSubpixel(info, bm, w, h, w, scale, scale, shift, 0, (int)cp);
            for (int yy = 0; yy < h; yy++)
                for (int xx = 0; xx < w; xx++)
                    canvas_blend(c, (int)floorf(x) + x0 + xx, (int)floorf(y) + y0 + yy, col, (float)bm[yy * w + xx] / 255.0f);
            free(bm);
        }
        x += scale * (float)adv;
        prev = (int)cp;
    }
    return x;
}

Test(canvas, cached_text_matches_the_old_rendering_to_a_quarter_pixel)
{
    const char *path = getenv("TEZGAH_FONT");
    if (!path || !*path) path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    size_t n;
    char *data = tmp_slurp(path, &n);
    cr_assert_not_null(data, "cannot read %s", path);
    stbtt_fontinfo info;
    cr_assert(stbtt_InitFont(&info, (const unsigned char *)data, stbtt_GetFontOffsetForIndex((const unsigned char *)data, 0)));
    Font *f = font_or_fail();
    TzErr e;
    Canvas a, b;
    canvas_init(&a, 400, 60, &e);
    canvas_init(&b, 400, 60, &e);
    const char *s = "Kraliçe ağaçta ışık gördü; İĞÜŞÖÇ";
    for (int k = 0; k < 4; k++) {
        float x = 4 + 0.25f * (float)k + 0.1f, px = 14 + 4 * (float)k;
        canvas_clear(&a, BG);
        canvas_clear(&b, BG);
        float ea = canvas_text(&a, f, x, 40, px, s, INK), eb = old_text(&b, &info, x, 40, px, s, INK);
        cr_assert_float_eq(ea, eb, 1e-3, "the pen ends at the same place (%g vs %g)", ea, eb);
        double ink_a = 0, ink_b = 0, worst_col = 0;
        for (int X = 0; X < 400; X++) {               /* ink per column: where the letters are */
            double ca = 0, cb = 0;
            for (int Y = 0; Y < 60; Y++) {
                ca += BG.r - a.px[4 * (Y * 400 + X)];
                cb += BG.r - b.px[4 * (Y * 400 + X)];
            }
            ink_a += ca;
            ink_b += cb;
            worst_col = fmax(worst_col, fabs(ca - cb));
        }
        cr_assert(fabs(ink_a - ink_b) < 0.002 * ink_b, "size %g: ink %g vs %g", px, ink_a, ink_b);
        /* an edge moves by an eighth of a pixel at most: a column's ink changes by a little */
        cr_assert(worst_col < 0.1 * 255 * px, "size %g: a column differs by %g", px, worst_col);
    }
    canvas_free(&a);
    canvas_free(&b);
    font_free(f);
    free(data);
}

/* The box of the pixels that differ from the background. */
static void ink_box(const Canvas *c, int *x0, int *y0, int *x1, int *y1)
{
    *x0 = c->w; *y0 = c->h; *x1 = -1; *y1 = -1;
    for (int y = 0; y < c->h; y++)
        for (int x = 0; x < c->w; x++)
            if (at(c, x, y)[0] < 200) {
                if (x < *x0) *x0 = x;
                if (x > *x1) *x1 = x;
                if (y < *y0) *y0 = y;
                if (y > *y1) *y1 = y;
            }
}

Test(canvas, vertical_text_runs_bottom_to_top)
{
    Font *f = font_or_fail();
    TzErr e;
    Canvas c;
    canvas_init(&c, 200, 300, &e);
    canvas_clear(&c, WHITE);
    const char *s = "öğretmenlik";
    float w = font_width(f, 20, s), end = canvas_text_vertical(&c, f, 100, 250, 20, s, BLACK);
    cr_assert_float_eq(end, 250 - w, 0.51f, "returns the y after the text: %g vs %g", end, 250 - w);
    int x0, y0, x1, y1;
    ink_box(&c, &x0, &y0, &x1, &y1);
    int bw = x1 - x0 + 1, bh = y1 - y0 + 1;
    cr_assert(bh > 3 * bw, "tall and narrow: %d×%d", bw, bh);
    cr_assert(fabsf((float)bh - w) < 6, "as tall as the text is wide: %d vs %g", bh, w);
    cr_assert(y1 <= 251 && y0 >= (int)(250 - w) - 2, "between y and y - width: %d..%d", y0, y1);
    /* the tops of the letters point left: the ink is left of the baseline, bar descenders */
    cr_assert(x0 < 100 - 10 && x1 <= 100 + 6, "ink from %d to %d around x = 100", x0, x1);
    /* The same letters in the same order, the first at the bottom: the ink in each row of
     * the vertical text, counted from the bottom, equals the ink in each column of the same
     * text drawn across, counted from the left (both start on a whole pixel). */
    Canvas h;
    canvas_init(&h, 300, 60, &e);
    canvas_clear(&h, WHITE);
    canvas_text(&h, f, 10, 40, 20, s, BLACK);
    int hx0, hy0, hx1, hy1;
    ink_box(&h, &hx0, &hy0, &hx1, &hy1);
    cr_assert(abs((hx1 - hx0) - (y1 - y0)) <= 2, "the same length both ways: %d vs %d", hx1 - hx0, y1 - y0);
    double diff = 0, total = 0;
    for (int k = 0; k <= hx1 - hx0; k++) {
        double sh = 0, sv = 0;
        for (int y = 0; y < 60; y++) sh += 255 - at(&h, hx0 + k, y)[0];
        for (int x = 0; x < 200; x++) if (y1 - k >= 0) sv += 255 - at(&c, x, y1 - k)[0];
        diff += fabs(sh - sv);
        total += sh;
    }
    cr_assert(diff < 0.02 * total, "the same letters in the same order (%.0f of %.0f differ)", diff, total);
    canvas_free(&h);
    canvas_free(&c);
    font_free(f);
}

Test(canvas, clip_rectangle_limits_every_drawing_call)
{
    Font *f = font_or_fail();
    TzErr e;
    Canvas c;
    canvas_init(&c, 100, 100, &e);
    canvas_clear(&c, WHITE);
    canvas_clip(&c, 20, 30, 60, 70);
    canvas_fill_rect(&c, 0, 0, 100, 100, RED);
    cr_assert_eq(at(&c, 25, 35)[1], 30, "inside: red");
    cr_assert_eq(at(&c, 19, 35)[1], 255, "left of the clip: white");
    cr_assert_eq(at(&c, 60, 35)[1], 255, "x1 is outside");
    cr_assert_eq(at(&c, 25, 70)[1], 255, "y1 is outside");
    canvas_clear(&c, WHITE);                          /* clear ignores the clip */
    canvas_line(&c, 0, 50, 100, 50, 3, BLACK);
    canvas_disc(&c, 10, 10, 8, BLACK);
    canvas_text(&c, f, 0, 60, 30, "MMMMMMMM", BLACK);
    canvas_text_vertical(&c, f, 50, 99, 30, "MMMMMMMM", BLACK);
    for (int y = 0; y < 100; y++)
        for (int x = 0; x < 100; x++)
            if (x < 20 || x >= 60 || y < 30 || y >= 70) cr_assert_eq(at(&c, x, y)[0], 255, "drawn outside at %d,%d", x, y);
    cr_assert_eq(at(&c, 30, 50)[0], 0, "the line inside the clip");
    canvas_clip_reset(&c);
    canvas_line(&c, 0, 5, 100, 5, 3, BLACK);
    cr_assert_eq(at(&c, 5, 5)[0], 0, "reset: everywhere again");
    /* a clip larger than the canvas is cut to it */
    canvas_clip(&c, -50, -50, 500, 500);
    canvas_fill_rect(&c, 90, 90, 120, 120, RED);
    cr_assert_eq(at(&c, 99, 99)[1], 30);
    canvas_free(&c);
    font_free(f);
}

Test(canvas, labels_are_shortened_with_an_ellipsis)
{
    Font *f = font_or_fail();
    char out[64];
    const char *s = "çok uzun bir öğretmen etiketi";
    float full = font_width(f, 16, s);
    float w = font_fit(f, 16, s, full + 1, out, sizeof out);
    cr_assert_str_eq(out, s, "fits: unchanged");
    cr_assert_float_eq(w, full, 1e-3);
    w = font_fit(f, 16, s, 80, out, sizeof out);
    cr_assert(w <= 80 && w > 50, "shortened to %g px", w);
    cr_assert_float_eq(w, font_width(f, 16, out), 1e-3);
    size_t n = strlen(out);
    cr_assert(n >= 3 && !strcmp(out + n - 3, "\xE2\x80\xA6"), "ends with an ellipsis: %s", out);
    cr_assert(!strncmp(out, "çok", strlen("çok")), "keeps the start: %s", out);
    cr_assert_eq(utf8_validate(out, n), n, "cut between letters, not inside one: %s", out);
    cr_assert(out[n - 4] != ' ', "no space before the ellipsis: '%s'", out);
    /* every width from nothing to the full text: always valid, always within the width */
    for (float mw = 0; mw < full + 5; mw += 3) {
        w = font_fit(f, 16, s, mw, out, sizeof out);
        cr_assert(w <= mw + 1e-3, "width %g > %g", w, mw);
        cr_assert_eq(utf8_validate(out, strlen(out)), strlen(out));
    }
    /* a small buffer: shortened to fit it too */
    char tiny[9];
    font_fit(f, 16, "ağaçlık", 1000, tiny, sizeof tiny);
    cr_assert(strlen(tiny) < sizeof tiny && utf8_validate(tiny, strlen(tiny)) == strlen(tiny), "'%s'", tiny);
    float asc, desc;
    font_vmetrics(f, 20, &asc, &desc);
    cr_assert(asc > 14 && asc < 20 && desc > 2 && desc < 8, "ascent %g, descent %g", asc, desc);
    font_free(f);
}
