/* tokview.c — see tokview.h. */
#include "viz/tokview.h"
#include "viz/colormap.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

/* The house style of views.c, plots.c and attgrid.c. */
static const Rgba BG = { 252, 252, 250, 255 }, INK = { 25, 25, 35, 255 }, GREY = { 120, 120, 130, 255 },
                  MARK_INK = { 128, 128, 140, 255 }, ACCENT = { 200, 40, 40, 255 }, ID_INK = { 70, 70, 82, 255 };

/* --- colours -------------------------------------------------------------------------------- */

/* OKLCh hue angles (degrees) in the order the tokens take them: each far from the one before
 * (the smallest step is 105°), so that two neighbours never look alike; the lightness
 * alternates between TINT_L[0] and TINT_L[1] (six is even, so the pattern holds across the
 * wrap from the sixth back to the first). Chroma is low: a soft tint that dark ink reads on. */
static const float TINT_HUE[TOKVIEW_TINTS] = { 25, 200, 85, 290, 140, 245 };
static const float TINT_L[2] = { 0.935f, 0.855f }, TINT_C = 0.055f;

Rgba tokview_colour(size_t i)
{
    size_t k = i % TOKVIEW_TINTS;
    float h = TINT_HUE[k] * 3.14159265f / 180.0f;
    return cmap_from_oklab(TINT_L[k % 2], TINT_C * cosf(h), TINT_C * sinf(h));
}

/* The outline of a box: its tint, darker. */
static Rgba edge_of(Rgba tint)
{
    float lab[3];
    cmap_to_oklab(tint, lab);
    return cmap_from_oklab(lab[0] - 0.17f, lab[1] * 1.6f, lab[2] * 1.6f);
}

/* --- labels --------------------------------------------------------------------------------- */

/* The character that byte pos of text is part of, if its bytes are valid UTF-8 and it
 * reaches pos: its start and length (0 when pos belongs to no character). */
static size_t char_around(const char *t, size_t n, size_t pos, size_t *start)
{
    for (size_t back = 0; back < 4 && back <= pos; back++) {
        size_t q = pos - back;
        unsigned char c = (unsigned char)t[q];
        if (back > 0 && (c & 0xC0) != 0xC0) continue;   /* only a lead byte starts a character */
        uint32_t cp;
        int k = c < 0x80 ? 1 : utf8_decode(t + q, n - q, &cp);
        if (k > 0 && q + (size_t)k > pos) { *start = q; return (size_t)k; }
        if (back > 0) break;                            /* the nearest lead byte decides */
    }
    return 0;
}

size_t tokview_segments(const TokScene *s, size_t i, TokSeg *out, size_t cap)
{
    const char *t = s->text;
    size_t n = s->off[s->n], a = s->off[i], b = s->off[i + 1], k = 0;
#define PUT(...) do { if (k < cap) out[k] = (TokSeg){ __VA_ARGS__ }; k++; } while (0)
    for (size_t p = a; p < b;) {
        unsigned char c = (unsigned char)t[p];
        size_t start = p, len = char_around(t, n, p, &start);
        if (len && (start < a || start + len > b)) {       /* a character cut by a token edge */
            PUT(.kind = TOKSEG_BYTE, .pos = p, .len = 1, .chr_pos = start, .chr_len = len);
            p++;
            continue;
        }
        if (!len) {                                       /* not UTF-8 */
            PUT(.kind = TOKSEG_BYTE, .pos = p, .len = 1);
            p++;
            continue;
        }
        if (c < 0x20 || c == 0x7f) {                      /* one mark per control byte */
            PUT(.kind = TOKSEG_MARK, .pos = p, .len = 1);
            p++;
            continue;
        }
        if (c == ' ') {                                   /* a run of spaces: ␣␣␣ */
            size_t q = p;
            while (q < b && t[q] == ' ') q++;
            PUT(.kind = TOKSEG_MARK, .pos = p, .len = q - p);
            p = q;
            continue;
        }
        /* whole printable characters up to the next space, control or cut character */
        size_t q = p;
        while (q < b) {
            unsigned char d = (unsigned char)t[q];
            if (d < 0x20 || d == 0x7f || d == ' ') break;
            size_t st = q, l = char_around(t, n, q, &st);
            if (!l || st != q || q + l > b) break;
            q += l;
        }
        PUT(.kind = TOKSEG_TEXT, .pos = p, .len = q - p);
        p = q;
    }
#undef PUT
    return k;
}

void tokview_seg_text(const TokScene *s, const TokSeg *g, char *out, size_t cap)
{
    if (!cap) return;
    out[0] = '\0';
    const char *t = s->text + g->pos;
    size_t w = 0;
    if (g->kind == TOKSEG_BYTE) {
        snprintf(out, cap, "<0x%02X>", (unsigned char)t[0]);
        return;
    }
    if (g->kind == TOKSEG_MARK) {
        unsigned char c = (unsigned char)t[0];
        const char *m = c == ' ' ? "\xE2\x90\xA3" : c == '\n' ? "\xE2\x86\xB5" : c == '\t' ? "\xE2\x87\xA5" : NULL;
        if (!m) { snprintf(out, cap, "<0x%02X>", c); return; }
        for (size_t r = 0; r < g->len && w + 4 <= cap; r++) { memcpy(out + w, m, 3); w += 3; }
        out[w] = '\0';
        return;
    }
    size_t len = g->len;
    if (len >= cap) {   /* cut at a character */
        len = cap - 1;
        while (len > 0 && ((unsigned char)t[len] & 0xC0) == 0x80) len--;
    }
    memcpy(out, t, len);
    out[len] = '\0';
}

unsigned tokview_breaks(const TokScene *s, size_t i)
{
    unsigned k = 0;
    for (size_t p = s->off[i]; p < s->off[i + 1]; p++) k += s->text[p] == '\n';
    return k > 2 ? 2 : k;
}

/* --- the flow ------------------------------------------------------------------------------- */

typedef struct {
    size_t row;
    float x;
    int fresh;          /* nothing on the row yet */
} FlowState;

/* Place one box of width w after what is placed; 0 (nothing written) when it would start row
 * max_rows. */
static int flow_place(const TokFlow *p, FlowState *st, float w, float gap, unsigned breaks, size_t max_rows,
                      TokBox *out)
{
    float avail = p->right - p->left;
    if (w > avail) w = avail;
    if (!st->fresh && st->x + gap + w > p->right) { st->row++; st->x = p->left; st->fresh = 1; }
    if (st->row >= max_rows) return 0;
    float x0 = st->fresh ? st->x : st->x + gap;
    float y0 = p->top + (float)st->row * p->row_h + p->box_top;
    *out = (TokBox){ .x0 = x0, .y0 = y0, .x1 = x0 + w, .y1 = y0 + p->box_h, .id_x = x0 + w / 2,
                     .id_y = y0 + p->box_h + p->id_dy, .row = st->row };
    st->x = x0 + w;
    st->fresh = 0;
    if (breaks) { st->row += breaks; st->x = p->left; st->fresh = 1; }
    return 1;
}

size_t tokview_flow(const TokFlow *p, const float *widths, const unsigned char *breaks, size_t n, size_t max_rows,
                    TokBox *out)
{
    FlowState st = { 0, p->left, 1 };
    size_t i = 0;
    for (; i < n; i++)
        if (!flow_place(p, &st, widths[i], p->gap, breaks ? breaks[i] : 0, max_rows, &out[i])) break;
    return i;
}

/* --- layout --------------------------------------------------------------------------------- */

#define SEGS 64     /* label pieces measured per token; a longer token's label is cut */

typedef struct {
    TokFrame fr;
    TokFlow flow;
    float byte_px, more_h, footer_h;
    float asc, desc;            /* of the label size */
} Layout;

static float seg_width(Font *f, const Layout *L, const TokScene *s, const TokSeg *g)
{
    char b[256];
    tokview_seg_text(s, g, b, sizeof b);
    return font_width(f, g->kind == TOKSEG_BYTE || (g->kind == TOKSEG_MARK && b[0] == '<') ? L->byte_px : L->fr.label_px, b);
}

static int mark_of(const TokScene *s, size_t i, int m) { return s->marks && (s->marks[i] & m); }

static float label_width(Font *f, const Layout *L, const TokScene *s, size_t i)
{
    TokSeg g[SEGS];
    size_t k = tokview_segments(s, i, g, SEGS);
    float w = mark_of(s, i, TOKVIEW_CONT) ? font_width(f, L->fr.label_px, "##") : 0;
    for (size_t j = 0; j < k && j < SEGS; j++) w += seg_width(f, L, s, &g[j]);
    return w;
}

/* What is written under token i's box: its id, or [UNK]. */
static void id_text(const TokScene *s, size_t i, char *out, size_t cap)
{
    if (mark_of(s, i, TOKVIEW_UNK)) snprintf(out, cap, "[UNK]");
    else snprintf(out, cap, "%d", (int)s->ids[i]);
}

static float box_width(Font *f, const Layout *L, const TokScene *s, size_t i)
{
    char id[16];
    id_text(s, i, id, sizeof id);
    float lw = label_width(f, L, s, i) + 2 * L->fr.pad_x, iw = font_width(f, L->fr.id_px, id) + L->fr.id_px * 0.5f;
    return fmaxf(fmaxf(lw, iw), L->fr.label_px * 0.8f);
}

/* The layout with the tokens' text at scale × px (the title and the footer stay at px). */
static void layout_at(const Canvas *c, Font *f, const TokScene *s, float px, float scale, Layout *L, TokBox *boxes)
{
    memset(L, 0, sizeof *L);
    TokFrame *fr = &L->fr;
    fr->px = px;
    float pad = px * 0.6f, tpx = px * scale;
    fr->label_px = tpx;
    fr->id_px = fmaxf(9, tpx * 0.55f);
    fr->note_px = fmaxf(10, tpx * 0.62f);
    fr->pad_x = tpx * 0.22f;
    L->byte_px = tpx * 0.62f;
    font_vmetrics(f, fr->label_px, &L->asc, &L->desc);
    float ia, id;
    font_vmetrics(f, fr->id_px, &ia, &id);
    fr->left = pad * 2;
    fr->right = (float)c->w - pad * 2;
    fr->top = pad + (s->title ? px * 1.9f : 0) + (s->subtitle ? px * 1.3f : 0) + px * 0.3f;
    L->footer_h = s->footer ? px * 1.3f : 0;
    L->more_h = s->more_fmt ? px * 1.1f : 0;
    fr->bottom = (float)c->h - pad - L->footer_h - L->more_h;
    float note_band = fr->note_px * 1.45f, box_h = (L->asc + L->desc) * 1.25f, id_band = (ia + id) * 1.2f;
    L->flow = (TokFlow){ .left = fr->left, .right = fr->right, .top = fr->top,
                         .row_h = note_band + box_h + id_band + tpx * 0.25f, .box_top = note_band, .box_h = box_h,
                         .id_dy = ia + id * 0.3f + tpx * 0.05f, .gap = fmaxf(2, floorf(tpx * 0.1f)) };
    float avail = fr->bottom - fr->top;
    fr->rows_fit = avail > L->flow.row_h ? (size_t)(avail / L->flow.row_h) : 1;
    if (!s->n || !boxes) return;
    /* Lay out from the first token until the last row drawn is full: a long text is measured
     * only as far as it is shown. */
    size_t want = s->first_row;
    for (int pass = 0; pass < 2; pass++) {
        FlowState st = { 0, fr->left, 1 };
        size_t max_rows = want + fr->rows_fit, i = 0;
        for (; i < s->n; i++)
            if (!flow_place(&L->flow, &st, box_width(f, L, s, i), mark_of(s, i, TOKVIEW_CONT) ? 0 : L->flow.gap,
                            tokview_breaks(s, i), max_rows, &boxes[i]))
                break;
        fr->n_laid = i;
        fr->rows_total = i == s->n ? (st.fresh && st.row > 0 ? st.row : st.row + 1) : 0;
        /* scrolled past the end: show the last page full */
        if (pass == 0 && fr->rows_total && want + fr->rows_fit > fr->rows_total) {
            size_t last = fr->rows_total > fr->rows_fit ? fr->rows_total - fr->rows_fit : 0;
            if (last != want) { want = last; continue; }
        }
        break;
    }
    fr->first_row = want;
    /* rows before first_row move up out of sight */
    float shift = (float)want * L->flow.row_h;
    fr->shown0 = fr->n_laid;
    fr->shown1 = 0;
    for (size_t i = 0; i < fr->n_laid; i++) {
        boxes[i].y0 -= shift;
        boxes[i].y1 -= shift;
        boxes[i].id_y -= shift;
        if (boxes[i].row >= want) {
            if (fr->shown0 == fr->n_laid) fr->shown0 = i;
            fr->shown1 = i + 1;
        }
    }
    if (fr->shown1 == 0) fr->shown0 = 0;
}

/* A short text is written larger, to be read from the back of a classroom: the largest of a
 * few sizes at which all of it fits (a long text stays at the base size and scrolls). */
static void layout(const Canvas *c, Font *f, const TokScene *s, float px, Layout *L, TokBox *boxes)
{
    static const float SCALES[] = { 1.8f, 1.5f, 1.25f };
    if (boxes && s->n <= 400)
        for (size_t k = 0; k < sizeof SCALES / sizeof *SCALES; k++) {
            layout_at(c, f, s, px, SCALES[k], L, boxes);
            if (L->fr.rows_total && L->fr.rows_total <= L->fr.rows_fit) return;
        }
    layout_at(c, f, s, px, 1, L, boxes);
}

void tokview_layout(const Canvas *c, Font *f, const TokScene *s, float px, TokFrame *fr, TokBox *boxes)
{
    Layout L;
    layout(c, f, s, px, &L, boxes);
    *fr = L.fr;
}

long tokview_hit(const TokFrame *fr, const TokBox *boxes, float x, float y)
{
    for (size_t i = fr->shown0; i < fr->shown1; i++)
        if (x >= boxes[i].x0 && x < boxes[i].x1 && y >= boxes[i].y0 && y < boxes[i].y1) return (long)i;
    return -1;
}

/* --- drawing -------------------------------------------------------------------------------- */

/* A rectangle's outline in dashes (a box holding a piece of a character). */
static void dashed_rect(Canvas *c, float x0, float y0, float x1, float y1, float w, float dash, Rgba col)
{
    const float xs[4][4] = { { x0, y0, x1, y0 }, { x1, y0, x1, y1 }, { x1, y1, x0, y1 }, { x0, y1, x0, y0 } };
    for (int e = 0; e < 4; e++) {
        float ax = xs[e][0], ay = xs[e][1], bx = xs[e][2], by = xs[e][3];
        float len = hypotf(bx - ax, by - ay);
        for (float t = 0; t < len; t += dash * 1.8f) {
            float t1 = fminf(len, t + dash);
            canvas_line(c, ax + (bx - ax) * t / len, ay + (by - ay) * t / len, ax + (bx - ax) * t1 / len,
                        ay + (by - ay) * t1 / len, w, col);
        }
    }
}

/* Where token i's label starts: centred in a box wider than it (a one-letter token under a
 * five-digit id), else after the padding. */
static float label_x0(Font *f, const Layout *L, const TokScene *s, size_t i, const TokBox *b)
{
    float w = label_width(f, L, s, i), room = b->x1 - b->x0 - 2 * L->fr.pad_x;
    return b->x0 + L->fr.pad_x + (w < room ? (room - w) / 2 : 0);
}

/* The x where byte pos of token i starts (end 0) or ends (end 1) in its box. */
static float byte_x(Font *f, const Layout *L, const TokScene *s, size_t i, const TokBox *b, size_t pos, int end)
{
    TokSeg g[SEGS];
    size_t k = tokview_segments(s, i, g, SEGS);
    float x = label_x0(f, L, s, i, b) + (mark_of(s, i, TOKVIEW_CONT) ? font_width(f, L->fr.label_px, "##") : 0);
    for (size_t j = 0; j < k && j < SEGS; j++) {
        float w = seg_width(f, L, s, &g[j]);
        if (pos >= g[j].pos && pos < g[j].pos + g[j].len) return end ? x + w : x;
        x += w;
    }
    return fminf(x, b->x1);
}

/* Draw token i's label in its box: text in ink, marks in grey, bytes small in red. */
static void draw_label(Canvas *c, Font *f, const Layout *L, const TokScene *s, size_t i, const TokBox *b)
{
    TokSeg g[SEGS];
    size_t k = tokview_segments(s, i, g, SEGS);
    float x = label_x0(f, L, s, i, b), base = b->y0 + (b->y1 - b->y0 + L->asc - L->desc) / 2;
    canvas_clip(c, b->x0, b->y0, b->x1 - L->fr.pad_x * 0.5f, b->y1);
    if (mark_of(s, i, TOKVIEW_CONT)) x = canvas_text(c, f, x, base, L->fr.label_px, "##", MARK_INK);
    char t[256];
    for (size_t j = 0; j < k && j < SEGS && x < b->x1; j++) {
        tokview_seg_text(s, &g[j], t, sizeof t);
        int small = g[j].kind == TOKSEG_BYTE || (g[j].kind == TOKSEG_MARK && t[0] == '<');
        Rgba col = g[j].kind == TOKSEG_TEXT ? INK : g[j].kind == TOKSEG_MARK ? MARK_INK : ACCENT;
        x = canvas_text(c, f, x, base, small ? L->byte_px : L->fr.label_px, t, col);
    }
    canvas_clip_reset(c);
}

/* Over the pieces of a character split between tokens i … j: a bracket joining them and the
 * whole character above it, so that "<0xC4>" "<0xB1>" read as "ı". */
static void draw_join(Canvas *c, Font *f, const Layout *L, const TokScene *s, const TokBox *boxes, size_t i,
                      const TokSeg *g)
{
    size_t last = g->chr_pos + g->chr_len - 1, j = i;
    while (j + 1 < L->fr.n_laid && s->off[j + 1] <= last) j++;
    if (s->off[j + 1] <= last) return;                 /* its end is not laid out */
    float lw = fmaxf(1.2f, L->fr.px * 0.06f), up = L->flow.box_top * 0.3f;
    float xa = byte_x(f, L, s, i, &boxes[i], g->pos, 0), label_x0 = xa, label_x1 = xa;
    for (size_t k = i; k <= j; k++) {
        const TokBox *b = &boxes[k];
        float x0 = k == i ? xa : b->x0, x1 = k == j ? byte_x(f, L, s, j, b, last, 1) : b->x1;
        if (k > i && boxes[k - 1].row == b->row) x0 = boxes[k - 1].x1;   /* across the gap */
        float y = b->y0 - up;
        canvas_line(c, x0, y, x1, y, lw, ACCENT);
        if (k == i) canvas_line(c, x0, y, x0, b->y0, lw, ACCENT);
        if (k == j) canvas_line(c, x1, y, x1, b->y0, lw, ACCENT);
        if (b->row == boxes[i].row) label_x1 = x1;
    }
    char ch[8] = { 0 };
    memcpy(ch, s->text + g->chr_pos, g->chr_len);
    float w = font_width(f, L->fr.note_px, ch), mid = (label_x0 + label_x1) / 2, y = boxes[i].y0 - up;
    float na, nd;
    font_vmetrics(f, L->fr.note_px, &na, &nd);
    canvas_fill_rect(c, mid - w / 2 - 2, y - na - 1, mid + w / 2 + 2, y + lw, BG);
    canvas_text(c, f, mid - w / 2, y - lw, L->fr.note_px, ch, ACCENT);
}

void view_tokens(Canvas *c, Font *f, const TokScene *s, float px)
{
    canvas_clear(c, BG);
    TokBox *boxes = calloc(s->n ? s->n : 1, sizeof *boxes);
    if (!boxes) return;
    Layout L;
    layout(c, f, s, px, &L, boxes);
    const TokFrame *fr = &L.fr;
    float pad = px * 0.6f, y = pad;
    if (s->title) {
        y += px * 1.3f;
        canvas_text_fit(c, f, fr->left, y, px * 1.1f, s->title, fr->right - fr->left, 0, INK);
        y += px * 0.6f;
    }
    if (s->subtitle) {
        y += px * 1.0f;
        canvas_text_fit(c, f, fr->left, y, px * 0.8f, s->subtitle, fr->right - fr->left, 0, GREY);
    }
    if (s->footer)
        canvas_text_fit(c, f, fr->left, (float)c->h - pad, px * 0.62f, s->footer, fr->right - fr->left, 0, GREY);
    if (s->more_fmt && s->n && (fr->shown0 > 0 || fr->shown1 < s->n)) {
        char b[256];
        snprintf(b, sizeof b, s->more_fmt, fr->shown0 + 1, fr->shown1, s->n);
        canvas_text_fit(c, f, fr->left, (float)c->h - pad - L.footer_h, px * 0.7f, b, fr->right - fr->left, 0, ACCENT);
    }
    TokSeg g[SEGS];
    for (size_t i = fr->shown0; i < fr->shown1; i++) {
        const TokBox *b = &boxes[i];
        Rgba tint = tokview_colour(i);
        canvas_fill_rect(c, b->x0, b->y0, b->x1, b->y1, tint);
        size_t k = tokview_segments(s, i, g, SEGS);
        int cut = mark_of(s, i, TOKVIEW_UNK);
        for (size_t j = 0; j < k && j < SEGS; j++) cut |= g[j].kind == TOKSEG_BYTE;
        if ((long)i == s->highlight)
            canvas_rect_outline(c, b->x0 - 1, b->y0 - 1, b->x1 + 1, b->y1 + 1, fmaxf(2, px * 0.1f), INK);
        else if (cut)
            dashed_rect(c, b->x0 + 0.75f, b->y0 + 0.75f, b->x1 - 0.75f, b->y1 - 0.75f, 1.5f, fmaxf(3, px * 0.2f), ACCENT);
        else canvas_rect_outline(c, b->x0 + 0.5f, b->y0 + 0.5f, b->x1 - 0.5f, b->y1 - 0.5f, 1, edge_of(tint));
        draw_label(c, f, &L, s, i, b);
        char id[16];
        id_text(s, i, id, sizeof id);
        canvas_text_fit(c, f, b->id_x, b->id_y, fr->id_px, id, b->x1 - b->x0 + L.flow.gap, 1,
                        mark_of(s, i, TOKVIEW_UNK) ? ACCENT : (long)i == s->highlight ? INK : ID_INK);
    }
    /* brackets over split characters, after the boxes so that nothing paints over them */
    for (size_t i = fr->shown0; i < fr->shown1; i++) {
        size_t k = tokview_segments(s, i, g, SEGS);
        for (size_t j = 0; j < k && j < SEGS; j++)
            if (g[j].kind == TOKSEG_BYTE && g[j].chr_len && g[j].pos == g[j].chr_pos) draw_join(c, f, &L, s, boxes, i, &g[j]);
    }
    free(boxes);
}
