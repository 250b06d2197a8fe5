/* test_canvas.c — the raster, anti-aliasing, Turkish text, and PNG files that a real PNG
 * reader (ImageMagick, installed by make deps) decodes to the same pixels. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
