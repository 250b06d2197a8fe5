/* test_tokview.c — the tokens view: the flow of boxes (wrapping, no overlaps, line ends,
 * ids under their boxes), the tints (neighbours differ, also in lightness, and dark ink stays
 * readable on every one), the label pieces (spaces, line ends, a character split between
 * tokens shown as its bytes), and a drawn picture checked by its pixels. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "viz/colormap.h"
#include "viz/tokview.h"

static const TokFlow FLOW = { .left = 10, .right = 210, .top = 50, .row_h = 40, .box_top = 8, .box_h = 20,
                              .id_dy = 9, .gap = 2 };

static int overlap(const TokBox *a, const TokBox *b)
{
    return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

/* Every box inside the area, none on another, ids centred under their own box and above the
 * next row. */
static void check_boxes(const TokFlow *p, const TokBox *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        cr_assert(b[i].x0 >= p->left - 1e-3f && b[i].x1 <= p->right + 1e-3f, "box %zu [%g, %g) outside", i, b[i].x0, b[i].x1);
        cr_assert(b[i].x1 > b[i].x0 && b[i].y1 > b[i].y0);
        cr_assert_float_eq(b[i].id_x, (b[i].x0 + b[i].x1) / 2, 1e-3, "id %zu centred under its box", i);
        cr_assert(b[i].id_y > b[i].y1, "id %zu below its box", i);
        cr_assert(b[i].id_y < b[i].y0 - p->box_top + p->row_h, "id %zu above the next row", i);
        cr_assert_float_eq(b[i].y0, p->top + (float)b[i].row * p->row_h + p->box_top, 1e-3);
        for (size_t j = 0; j < i; j++) cr_assert(!overlap(&b[i], &b[j]), "boxes %zu and %zu overlap", j, i);
        if (i && b[i].row == b[i - 1].row)
            cr_assert(b[i].x0 >= b[i - 1].x1 + p->gap - 1e-3f, "a gap between %zu and %zu", i - 1, i);
    }
}

Test(tokview, flow_wraps_a_box_that_does_not_fit_to_the_next_row)
{
    /* 200 px across: 60 + 2 + 60 + 2 + 60 = 184 fit, the fourth wraps; 60 + 2 + 130 fit, 30 more do not */
    float w[6] = { 60, 60, 60, 60, 130, 30 };
    TokBox b[6];
    size_t k = tokview_flow(&FLOW, w, NULL, 6, 100, b);
    cr_assert_eq(k, 6);
    size_t rows[6] = { 0, 0, 0, 1, 1, 2 };
    for (size_t i = 0; i < 6; i++) cr_assert_eq(b[i].row, rows[i], "token %zu on row %zu, wanted %zu", i, b[i].row, rows[i]);
    cr_assert_float_eq(b[3].x0, FLOW.left, 1e-4, "a wrapped box starts at the left edge");
    cr_assert_float_eq(b[1].x0, b[0].x1 + FLOW.gap, 1e-4, "neighbours follow each other with the gap");
    check_boxes(&FLOW, b, 6);
}

Test(tokview, flow_never_overlaps_and_keeps_ids_under_their_boxes_for_random_widths)
{
    srand(7);
    enum { N = 400 };
    float w[N];
    unsigned char br[N];
    TokBox b[N];
    for (size_t i = 0; i < N; i++) {
        w[i] = 4 + (float)(rand() % 260);   /* some wider than the whole row */
        br[i] = rand() % 17 == 0 ? (unsigned char)(1 + rand() % 2) : 0;
    }
    size_t k = tokview_flow(&FLOW, w, br, N, 100000, b);
    cr_assert_eq(k, N);
    check_boxes(&FLOW, b, N);
    for (size_t i = 0; i < N; i++) {
        if (w[i] > FLOW.right - FLOW.left) cr_assert_float_eq(b[i].x1 - b[i].x0, FLOW.right - FLOW.left, 1e-3, "clamped");
        else cr_assert_float_eq(b[i].x1 - b[i].x0, w[i], 1e-3);
        if (i && br[i - 1]) {
            cr_assert_eq(b[i].row, b[i - 1].row + br[i - 1], "a line end starts %u new rows", br[i - 1]);
            cr_assert_float_eq(b[i].x0, FLOW.left, 1e-4);
        } else if (i) cr_assert(b[i].row <= b[i - 1].row + 1, "rows are never skipped without a line end");
    }
}

Test(tokview, flow_stops_before_the_first_row_it_may_not_use)
{
    float w[10];
    for (int i = 0; i < 10; i++) w[i] = 90;   /* two per row */
    TokBox b[10];
    cr_assert_eq(tokview_flow(&FLOW, w, NULL, 10, 3, b), 6);
    cr_assert_eq(b[5].row, 2);
    cr_assert_eq(tokview_flow(&FLOW, w, NULL, 10, 0, b), 0);
}

Test(tokview, neighbouring_tokens_get_different_tints_that_differ_in_lightness_and_keep_ink_readable)
{
    for (size_t i = 0; i < 3 * TOKVIEW_TINTS; i++) {
        Rgba a = tokview_colour(i), b = tokview_colour(i + 1);
        cr_assert(a.r != b.r || a.g != b.g || a.b != b.b, "tokens %zu and %zu share a tint", i, i + 1);
        float la[3], lb[3];
        cmap_to_oklab(a, la);
        cmap_to_oklab(b, lb);
        /* apart in greyscale and for any colour blindness: the lightness alone tells them apart */
        cr_assert(fabsf(la[0] - lb[0]) > 0.05f, "lightness of %zu and %zu: %g %g", i, i + 1, la[0], lb[0]);
        /* and the hues differ by far more than a just-noticeable step */
        float dh = hypotf(la[1] - lb[1], la[2] - lb[2]);
        cr_assert(dh > 0.05f, "tints %zu and %zu differ in hue by only %g", i, i + 1, dh);
        /* light tints: dark ink (L ≈ 0.2) reads on each */
        cr_assert(la[0] > 0.8f, "tint %zu too dark: L %g", i, la[0]);
        Rgba c = tokview_colour(i + TOKVIEW_TINTS);
        cr_assert(a.r == c.r && a.g == c.g && a.b == c.b, "the palette repeats every %d", TOKVIEW_TINTS);
    }
}

/* A scene over text with tokens cut at the given byte offsets. */
static TokScene scene_of(const char *text, const size_t *off, size_t n, const int32_t *ids)
{
    return (TokScene){ .text = text, .n = n, .off = off, .ids = ids, .highlight = -1 };
}

Test(tokview, label_pieces_show_spaces_line_ends_and_the_bytes_of_a_split_character)
{
    /* " kitaplar\xC4" | "\xB1" | "m" | "\n" | "a\xFF" : ı (C4 B1) cut between tokens 0 and 1; FF is no UTF-8 */
    const char *t = " kitaplar\xC4\xB1m\na\xFF";
    size_t off[6] = { 0, 10, 11, 12, 13, 15 };
    int32_t ids[5] = { 1, 2, 3, 4, 5 };
    TokScene s = scene_of(t, off, 5, ids);
    TokSeg g[8];
    char b[64];
    size_t k = tokview_segments(&s, 0, g, 8);
    cr_assert_eq(k, 3);
    cr_assert_eq(g[0].kind, TOKSEG_MARK);
    tokview_seg_text(&s, &g[0], b, sizeof b);
    cr_assert_str_eq(b, "␣");
    cr_assert_eq(g[1].kind, TOKSEG_TEXT);
    tokview_seg_text(&s, &g[1], b, sizeof b);
    cr_assert_str_eq(b, "kitaplar");
    cr_assert_eq(g[2].kind, TOKSEG_BYTE);
    cr_assert_eq(g[2].chr_pos, 9);
    cr_assert_eq(g[2].chr_len, 2, "the byte is the first half of ı");
    tokview_seg_text(&s, &g[2], b, sizeof b);
    cr_assert_str_eq(b, "<0xC4>");
    k = tokview_segments(&s, 1, g, 8);
    cr_assert_eq(k, 1);
    cr_assert_eq(g[0].kind, TOKSEG_BYTE);
    cr_assert_eq(g[0].chr_pos, 9, "the second half knows where its character starts");
    tokview_seg_text(&s, &g[0], b, sizeof b);
    cr_assert_str_eq(b, "<0xB1>");
    k = tokview_segments(&s, 3, g, 8);
    cr_assert_eq(k, 1);
    tokview_seg_text(&s, &g[0], b, sizeof b);
    cr_assert_str_eq(b, "↵");
    cr_assert_eq(tokview_breaks(&s, 3), 1);
    cr_assert_eq(tokview_breaks(&s, 2), 0);
    k = tokview_segments(&s, 4, g, 8);
    cr_assert_eq(k, 2);
    cr_assert_eq(g[1].kind, TOKSEG_BYTE);
    cr_assert_eq(g[1].chr_len, 0, "FF belongs to no character");
}

Test(tokview, a_whole_turkish_word_in_one_token_is_plain_text)
{
    const char *t = "ağaç  ıı";
    size_t off[3] = { 0, 6, strlen(t) };
    int32_t ids[2] = { 7, 8 };
    TokScene s = scene_of(t, off, 2, ids);
    TokSeg g[8];
    char b[64];
    cr_assert_eq(tokview_segments(&s, 0, g, 8), 1);
    tokview_seg_text(&s, &g[0], b, sizeof b);
    cr_assert_str_eq(b, "ağaç");
    cr_assert_eq(tokview_segments(&s, 1, g, 8), 2);
    tokview_seg_text(&s, &g[0], b, sizeof b);
    cr_assert_str_eq(b, "␣␣", "two spaces, two marks");
}

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

Test(tokview, the_drawn_boxes_carry_their_tints_and_a_long_text_wraps_and_scrolls)
{
    Font *f = font_or_fail();
    TzErr e;
    Canvas c;
    cr_assert_eq(canvas_init(&c, 800, 500, &e), 0);
    /* 300 tokens of " kitap": many rows, more than fit */
    enum { N = 300 };
    char *text = malloc(N * 6 + 1);
    size_t off[N + 1];
    int32_t ids[N];
    for (size_t i = 0; i < N; i++) {
        memcpy(text + i * 6, " kitap", 6);
        off[i] = i * 6;
        ids[i] = (int32_t)(1000 + i);
    }
    off[N] = N * 6;
    text[N * 6] = '\0';
    TokScene s = scene_of(text, off, N, ids);
    s.title = "bpe";
    s.subtitle = "1800 bytes → 300 tokens";
    s.more_fmt = "tokens %zu–%zu of %zu";
    TokBox *b = calloc(N, sizeof *b);
    TokFrame fr;
    tokview_layout(&c, f, &s, 20, &fr, b);
    cr_assert(fr.shown1 > 10 && fr.shown1 < N, "a part is shown: %zu", fr.shown1);
    cr_assert_eq(fr.shown0, 0);
    cr_assert(fr.rows_fit >= 3);
    size_t rows = b[fr.shown1 - 1].row + 1;
    cr_assert_eq(rows, fr.rows_fit, "the rows that fit are filled");
    for (size_t i = 0; i < fr.shown1; i++) {
        cr_assert(b[i].x1 <= fr.right + 1e-3f && b[i].x0 >= fr.left - 1e-3f);
        cr_assert(b[i].id_y < fr.bottom + 1e-3f, "id %zu inside the text area", i);
        for (size_t j = 0; j < i; j++) cr_assert(!overlap(&b[i], &b[j]));
    }
    view_tokens(&c, f, &s, 20);
    /* a box's tint shows in its lower-left corner, inside the outline */
    for (size_t i = 0; i < fr.shown1; i += 7) {
        Rgba got = px_at(&c, (int)b[i].x0 + 2, (int)b[i].y1 - 3), want = tokview_colour(i);
        cr_assert(got.r == want.r && got.g == want.g && got.b == want.b, "token %zu: %d %d %d", i, got.r, got.g, got.b);
    }
    long hit = tokview_hit(&fr, b, (b[3].x0 + b[3].x1) / 2, (b[3].y0 + b[3].y1) / 2);
    cr_assert_eq(hit, 3);
    cr_assert_eq(tokview_hit(&fr, b, b[3].x0 + 1, b[3].y1 + 2), -1, "the id band is no box");
    /* scrolled: the first token drawn starts its row, at the top row's place */
    s.first_row = 2;
    tokview_layout(&c, f, &s, 20, &fr, b);
    cr_assert_eq(fr.first_row, 2);
    cr_assert_eq(b[fr.shown0].row, 2);
    cr_assert_float_eq(b[fr.shown0].x0, fr.left, 1e-3);
    cr_assert(b[fr.shown0].y0 > fr.top && b[fr.shown0].y0 < fr.top + 2 * 20, "row 2 now at the top");
    /* scrolled past the end: the last page, full */
    s.first_row = 100000;
    tokview_layout(&c, f, &s, 20, &fr, b);
    cr_assert_eq(fr.shown1, N);
    cr_assert(fr.rows_total > fr.rows_fit);
    cr_assert_eq(fr.first_row, fr.rows_total - fr.rows_fit);
    free(b);
    free(text);
    canvas_free(&c);
    font_free(f);
}

Test(tokview, a_split_character_is_marked_with_a_dashed_red_outline)
{
    Font *f = font_or_fail();
    TzErr e;
    Canvas c;
    cr_assert_eq(canvas_init(&c, 600, 300, &e), 0);
    const char *t = "kitaplar\xC4\xB1m";
    size_t off[4] = { 0, 9, 10, 11 };
    int32_t ids[3] = { 11, 12, 13 };
    TokScene s = scene_of(t, off, 3, ids);
    TokBox b[3];
    TokFrame fr;
    tokview_layout(&c, f, &s, 22, &fr, b);
    cr_assert_eq(fr.shown1, 3);
    view_tokens(&c, f, &s, 22);
    /* along the top edge of box 1 (the half ı), some pixels are red; box 2's edge has none */
    int red1 = 0, red2 = 0;
    for (int x = (int)b[1].x0; x < (int)b[1].x1; x++) {
        Rgba p = px_at(&c, x, (int)b[1].y0 + 1);
        red1 += p.r > 150 && p.g < 110 && p.b < 110;
    }
    for (int x = (int)b[2].x0; x < (int)b[2].x1; x++) {
        Rgba p = px_at(&c, x, (int)b[2].y0 + 1);
        red2 += p.r > 150 && p.g < 110 && p.b < 110;
    }
    cr_assert(red1 > 2, "the half character's box is outlined in red (%d red pixels)", red1);
    cr_assert_eq(red2, 0, "a whole token's box is not");
    canvas_free(&c);
    font_free(f);
}
