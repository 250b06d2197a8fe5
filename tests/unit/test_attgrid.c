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

/* --- the compare view (attention compare) ------------------------------------------------------ */

Test(attgrid, above_diag_is_the_mean_weight_a_row_puts_on_later_keys)
{
    /* a full (bidirectional) 3 × 3: rows put 0.5 + 0.25, 0.25, 0 on the keys after them */
    float full[9] = { 0.25f, 0.5f, 0.25f, 0.5f, 0.25f, 0.25f, 0.2f, 0.3f, 0.5f };
    cr_assert_float_eq(attgrid_above_diag(full, 3), (0.75 + 0.25 + 0) / 3, 1e-7);
    /* causal: 0 above the diagonal, whether stored as 0 or as NaN (masked) */
    float causal[9] = { 1, 0, 0, 0.5f, 0.5f, 0, 0.2f, 0.3f, 0.5f };
    cr_assert_eq(attgrid_above_diag(causal, 3), 0.0);
    float masked[9] = { 1, NAN, NAN, 0.5f, 0.5f, NAN, 0.2f, 0.3f, 0.5f };
    cr_assert_eq(attgrid_above_diag(masked, 3), 0.0);
    cr_assert_eq(attgrid_above_diag(NULL, 0), 0.0);
    /* the most it can be: every row but the last all on the next key, (T − 1)/T */
    float next[16] = { 0 };
    for (int q = 0; q < 3; q++) next[q * 4 + q + 1] = 1;
    next[15] = 1;
    cr_assert_float_eq(attgrid_above_diag(next, 4), 0.75, 1e-7);
}

/* Three panels of different T: a full square, and two triangles with the future NaN. */
static void compare_scene(AttPanelsScene *s, AttPanel *p, float *a, float *b, float *c)
{
    size_t Ta = 5, Tb = 4, Tc = 7;
    for (size_t i = 0; i < Ta * Ta; i++) a[i] = 0.2f;                   /* every key, evenly */
    for (size_t q = 0; q < Tb; q++)
        for (size_t k = 0; k < Tb; k++) b[q * Tb + k] = k > q ? NAN : k == q ? 1.0f : 0.0f;
    for (size_t q = 0; q < Tc; q++)
        for (size_t k = 0; k < Tc; k++) c[q * Tc + k] = k > q ? NAN : k == 0 ? 1.0f : 0.0f;
    static const char *const ta[] = { "[CLS]", "ben", "kahve", "içiyorum", "[SEP]" };
    static const char *const tb[] = { "Ben", " kahve", " iç", "iyorum" };
    static const char *const tc[] = { "<s>", "▁Ben", "▁ka", "h", "ve", "▁iç", "iyorum" };
    p[0] = (AttPanel){ .title = "BERT · b", .direction = "iki yönlü / bidirectional", .T = Ta, .att = a, .tokens = ta };
    p[1] = (AttPanel){ .title = "GPT · g", .direction = "soldan sağa", .causal = 1, .T = Tb, .att = b, .tokens = tb };
    p[2] = (AttPanel){ .title = "LLaMA · l", .direction = "soldan sağa", .causal = 1, .origin = "(random weights)",
                       .note = "above the diagonal 0.000", .T = Tc, .att = c, .tokens = tc };
    *s = (AttPanelsScene){ .title = "attention side by side", .footer = "row = query", .n = 3, .panels = p,
                           .hl_panel = -1 };
}

Test(attgrid, compare_panels_line_up_side_by_side_inside_the_canvas)
{
    Font *f = font_or_fail();
    TzErr e;
    Canvas c;
    cr_assert_eq(canvas_init(&c, 1280, 800, &e), 0);
    float a[25], b[16], cc[49];
    AttPanel p[3];
    AttPanelsScene s;
    compare_scene(&s, p, a, b, cc);
    AttPanelsFrame fr;
    attpanels_layout(&c, f, &s, 22, &fr);
    cr_assert(fr.side > 100, "squares of a useful size (%g)", fr.side);
    for (int i = 0; i < 3; i++) {
        cr_assert(fr.x0[i] >= 0 && fr.x0[i] + fr.side <= c.w, "panel %d inside the canvas", i);
        cr_assert_float_eq(fr.cell[i], fr.side / (float)p[i].T, 1e-4, "panel %d: T cells across", i);
        if (i) cr_assert(fr.x0[i] >= fr.x0[i - 1] + fr.side, "panel %d right of panel %d, not over it", i, i - 1);
    }
    cr_assert(fr.y0 + fr.side <= c.h, "the squares end above the bottom");
    cr_assert(fr.bar_x0 >= fr.x0[2] + fr.side, "the colour bar right of the last panel");
    /* hit-testing: the centre of each panel's cell (q, k) is that cell */
    for (size_t i = 0; i < 3; i++) {
        size_t T = p[i].T, q = T - 1, k = T / 2, pi, qq, kk;
        float x = fr.x0[i] + ((float)k + 0.5f) * fr.cell[i], y = fr.y0 + ((float)q + 0.5f) * fr.cell[i];
        cr_assert(attpanels_hit(&fr, &s, x, y, &pi, &qq, &kk), "panel %zu hit", i);
        cr_assert_eq(pi, i);
        cr_assert_eq(qq, q);
        cr_assert_eq(kk, k);
    }
    size_t pi, qq, kk;
    cr_assert_not(attpanels_hit(&fr, &s, fr.x0[0] - 3, fr.y0 + 5, &pi, &qq, &kk), "left of a panel: nothing");
    cr_assert_not(attpanels_hit(&fr, &s, fr.x0[1] + 5, fr.y0 - 3, &pi, &qq, &kk), "above the squares: nothing");
    canvas_free(&c);
    font_free(f);
}

/* The mean colour of the whole pixels inside a cell (one pixel in from its edges). */
static void cell_mean(const Canvas *c, float x0, float y0, float cw, double rgb[3])
{
    int xa = (int)ceilf(x0) + 1, xb = (int)floorf(x0 + cw) - 1, ya = (int)ceilf(y0) + 1, yb = (int)floorf(y0 + cw) - 1;
    double n = 0;
    rgb[0] = rgb[1] = rgb[2] = 0;
    for (int y = ya; y < yb; y++)
        for (int x = xa; x < xb; x++) {
            Rgba p = px_at(c, x, y);
            rgb[0] += p.r;
            rgb[1] += p.g;
            rgb[2] += p.b;
            n++;
        }
    for (int i = 0; i < 3; i++) rgb[i] /= n;
}

Test(attgrid, compare_colours_the_full_square_and_hatches_the_masked_future)
{
    Font *f = font_or_fail();
    TzErr e;
    Canvas c;
    cr_assert_eq(canvas_init(&c, 1280, 800, &e), 0);
    float a[25], b[16], cc[49];
    AttPanel p[3];
    AttPanelsScene s;
    compare_scene(&s, p, a, b, cc);
    view_attpanels(&c, f, &s, 22);
    AttPanelsFrame fr;
    attpanels_layout(&c, f, &s, 22, &fr);
    /* BERT's top-right cell (query 0, key 4): coloured with the map at 0.2 */
    Rgba want = cmap_seq(0.2f);
    double m[3];
    cell_mean(&c, fr.x0[0] + 4 * fr.cell[0], fr.y0, fr.cell[0], m);
    cr_assert(fabs(m[0] - want.r) < 1 && fabs(m[1] - want.g) < 1 && fabs(m[2] - want.b) < 1,
              "the full square's future cell is painted (%.0f %.0f %.0f)", m[0], m[1], m[2]);
    /* GPT's top-right cell (query 0, key 3): hatched — mostly the page, some lighter grey lines,
       never the map's colour */
    int bgn = 0, other = 0;
    int xa = (int)ceilf(fr.x0[1] + 3 * fr.cell[1]) + 1, ya = (int)ceilf(fr.y0) + 1, w = (int)fr.cell[1] - 2;
    for (int y = ya; y < ya + w; y++)
        for (int x = xa; x < xa + w; x++) {
            if (same(px_at(&c, x, y), BG)) bgn++;
            else other++;
        }
    cr_assert(bgn > 0 && other > 0, "hatched: page and lines (%d, %d)", bgn, other);
    cr_assert(bgn > 3 * other, "mostly the page (%d page, %d line pixels)", bgn, other);
    /* the diagonal of GPT's panel (weight 1) and LLaMA's first column (weight 1) get the map's top */
    Rgba top = cmap_seq(1);
    cell_mean(&c, fr.x0[1] + 2 * fr.cell[1], fr.y0 + 2 * fr.cell[1], fr.cell[1], m);
    cr_assert(fabs(m[0] - top.r) < 1 && fabs(m[1] - top.g) < 1 && fabs(m[2] - top.b) < 1, "GPT's diagonal at 1");
    cell_mean(&c, fr.x0[2], fr.y0 + 6 * fr.cell[2], fr.cell[2], m);
    cr_assert(fabs(m[0] - top.r) < 1 && fabs(m[1] - top.g) < 1 && fabs(m[2] - top.b) < 1, "LLaMA's first column at 1");
    /* a clicked cell is outlined in the accent colour (red) */
    s.hl_panel = 0;
    s.hl_q = 2;
    s.hl_k = 3;
    view_attpanels(&c, f, &s, 22);
    Rgba edge = px_at(&c, (int)lrintf(fr.x0[0] + 3.5f * fr.cell[0]), (int)floorf(fr.y0 + 2 * fr.cell[0]) - 1);
    cr_assert(edge.r > 150 && edge.g < 90 && edge.b < 90, "the clicked cell's outline is red (%d %d %d)", edge.r, edge.g, edge.b);
    canvas_free(&c);
    font_free(f);
}
