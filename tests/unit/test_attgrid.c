/* test_attgrid.c — the layers × heads grid of attention thumbnails: every thumbnail shows its
 * own head (a known pattern lands where expected), masked cells stay unpainted, max pooling
 * keeps a one-cell diagonal visible when T is larger than the thumbnail, hit-testing finds
 * the thumbnail under a point, notes appear only when there is room. Pixels are checked. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "viz/attgrid.h"
#include "viz/colormap.h"

static const Rgba BG = { 252, 252, 250, 255 };

static Font *font_or_fail(void)
{
    TzErr e;
    Font *f = font_default(&e);
    cr_assert_not_null(f, "%s", e.en);
    return f;
}

static Rgba px_at(const Canvas *c, int x, int y)
{
    const uint8_t *p = c->px + 4 * ((size_t)y * (size_t)c->w + (size_t)x);
    return (Rgba){ p[0], p[1], p[2], p[3] };
}

static int same(Rgba a, Rgba b) { return a.r == b.r && a.g == b.g && a.b == b.b; }

/* Head h of layer l gets a pattern of its own: kind 0 attends to the previous token (the
 * first query to itself), kind 1 to the first token, kind 2 to itself; NaN above the
 * diagonal (causal). */
static void fill_pattern(float *m, size_t T, int kind)
{
    for (size_t q = 0; q < T; q++)
        for (size_t k = 0; k < T; k++) {
            size_t want = kind == 0 ? (q ? q - 1 : 0) : kind == 1 ? 0 : q;
            m[q * T + k] = k > q ? NAN : k == want ? 1.0f : 0.0f;
        }
}

Test(attgrid, pool_takes_the_strongest_finite_weight_and_says_when_all_are_masked)
{
    float m[9] = { 0.2f, NAN, NAN, 0.7f, 0.3f, NAN, 0.1f, 0.5f, 0.4f };
    cr_assert_float_eq(attgrid_pool(m, 3, 0, 3, 0, 3), 0.7f, 1e-6);
    cr_assert_float_eq(attgrid_pool(m, 3, 2, 3, 1, 3), 0.5f, 1e-6);
    cr_assert(attgrid_pool(m, 3, 0, 1, 1, 3) < 0, "only masked cells: negative");
    cr_assert_float_eq(attgrid_pool(m, 3, 1, 2, 0, 1), 0.7f, 1e-6);
}

Test(attgrid, each_thumbnail_shows_its_own_head_and_leaves_the_future_unpainted)
{
    Font *f = font_or_fail();
    TzErr e;
    Canvas c;
    cr_assert_eq(canvas_init(&c, 1000, 700, &e), 0);
    size_t Lr = 2, Hd = 3, T = 6, TT = T * T;
    float *att = malloc(Lr * Hd * TT * sizeof *att);
    for (size_t i = 0; i < Lr * Hd; i++) fill_pattern(att + i * TT, T, (int)(i % 3));
    const char *notes[6] = { "prev 1,00", "first 1,00", "self 1,00", "prev", "first", "self" };
    AttGridScene s = { .title = "dikkat: tüm katmanlar × başlar", .subtitle = "Ben · kahve · içiyorum", .layers = Lr,
                       .heads = Hd, .T = T, .att = att, .notes = notes, .highlight = 4, .decimal_mark = ',' };
    view_attgrid(&c, f, &s, 22);
    AttGridFrame fr;
    attgrid_layout(&c, f, &s, 22, &fr);
    cr_assert(fr.side >= 60, "a 2 × 3 grid on 1000 × 700 has room: side %g", fr.side);
    cr_assert(fr.note_px > 0, "notes fit");
    float cell = fr.side / (float)T;
    for (size_t l = 0; l < Lr; l++)
        for (size_t h = 0; h < Hd; h++) {
            const float *m = att + (l * Hd + h) * TT;
            for (size_t q = 0; q < T; q++)
                for (size_t k = 0; k < T; k++) {
                    int x = (int)lrintf(fr.x0 + (float)h * fr.step_x) + (int)(((float)k + 0.5f) * cell);
                    int y = (int)lrintf(fr.y0 + (float)l * fr.step_y) + (int)(((float)q + 0.5f) * cell);
                    Rgba got = px_at(&c, x, y);
                    if (isnan(m[q * T + k])) cr_assert(same(got, BG), "L%zu H%zu (%zu,%zu) masked but painted", l, h, q, k);
                    else cr_assert(same(got, cmap_seq(m[q * T + k])), "L%zu H%zu (%zu,%zu): %d %d %d", l, h, q, k, got.r,
                                   got.g, got.b);
                }
            /* hit-testing finds the thumbnail from its centre, and nothing in the gap after it */
            size_t hl, hh;
            float cx = fr.x0 + (float)h * fr.step_x + fr.side / 2, cy = fr.y0 + (float)l * fr.step_y + fr.side / 2;
            cr_assert(attgrid_hit(&fr, &s, cx, cy, &hl, &hh) && hl == l && hh == h);
            cr_assert(!attgrid_hit(&fr, &s, fr.x0 + (float)h * fr.step_x + fr.side + 1, cy, &hl, &hh));
        }
    size_t hl, hh;
    cr_assert(!attgrid_hit(&fr, &s, fr.x0 - 3, fr.y0 + 3, &hl, &hh), "left of the grid");
    cr_assert(!attgrid_hit(&fr, &s, fr.x0 + 3, fr.y0 + fr.step_y * (float)Lr + 3, &hl, &hh), "below the grid");
    /* the colour bar runs from 1 (top) to 0 (bottom) */
    int bx = (int)((fr.bar_x0 + fr.bar_x1) / 2);
    Rgba top = px_at(&c, bx, (int)fr.bar_y0 + 1), bot = px_at(&c, bx, (int)fr.bar_y1 - 2);
    cr_assert(top.r + top.g + top.b > bot.r + bot.g + bot.b, "light (1) at the top of the bar, dark (0) at the bottom");
    free(att);
    canvas_free(&c);
    font_free(f);
}

Test(attgrid, a_long_text_in_a_small_thumbnail_keeps_its_diagonal)
{
    Font *f = font_or_fail();
    TzErr e;
    Canvas c;
    cr_assert_eq(canvas_init(&c, 640, 400, &e), 0);
    /* 12 × 12 heads over 200 tokens: the thumbnails are far smaller than 200 pixels */
    size_t Lr = 12, Hd = 12, T = 200, TT = T * T;
    float *att = malloc(Lr * Hd * TT * sizeof *att);
    for (size_t i = 0; i < Lr * Hd; i++) fill_pattern(att + i * TT, T, 0);
    const char *notes[144] = { 0 };
    for (int i = 0; i < 144; i++) notes[i] = "prev 1.00";
    AttGridScene s = { .title = "GPT-2", .layers = Lr, .heads = Hd, .T = T, .att = att, .notes = notes, .highlight = -1 };
    view_attgrid(&c, f, &s, 14);
    AttGridFrame fr;
    attgrid_layout(&c, f, &s, 14, &fr);
    cr_assert(fr.side > 4 && fr.side < 40, "small thumbnails: %g", fr.side);
    cr_assert(fr.note_px == 0, "no room for notes under %g-pixel thumbnails", fr.side);
    cr_assert(fr.label_every >= 1);
    /* every pixel on the thumbnail's diagonal holds a weight-1 cell (the previous-token line
     * passes through each diagonal block), so max pooling paints it at full strength; far
     * below the diagonal, every weight is 0 */
    int side = (int)fr.side, xa = (int)lrintf(fr.x0 + 5 * fr.step_x), ya = (int)lrintf(fr.y0 + 7 * fr.step_y);
    for (int j = 1; j < side; j++) {
        Rgba d = px_at(&c, xa + j - 1, ya + j);
        cr_assert(same(d, cmap_seq(1)) || same(px_at(&c, xa + j, ya + j), cmap_seq(1)), "diagonal pixel %d faded", j);
    }
    cr_assert(same(px_at(&c, xa + 1, ya + side - 2), cmap_seq(0)), "far below the diagonal: weight 0");
    cr_assert(same(px_at(&c, xa + side - 2, ya + 1), BG), "above the diagonal: masked");
    free(att);
    canvas_free(&c);
    font_free(f);
}

Test(attgrid, an_empty_scene_draws_its_title_only)
{
    Font *f = font_or_fail();
    TzErr e;
    Canvas c;
    cr_assert_eq(canvas_init(&c, 300, 200, &e), 0);
    AttGridScene s = { .title = "boş", .highlight = -1 };
    view_attgrid(&c, f, &s, 14);
    AttGridFrame fr;
    attgrid_layout(&c, f, &s, 14, &fr);
    cr_assert(fr.side == 0);
    size_t l, h;
    cr_assert(!attgrid_hit(&fr, &s, 100, 100, &l, &h));
    canvas_free(&c);
    font_free(f);
}
