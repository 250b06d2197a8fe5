/* tokview.h — a text as its tokenizer cut it: the tokens view (`tokens "…"`).
 *
 * What a student should see at a glance: where the cuts fall. The text is laid out as it
 * reads, left to right, wrapped to the width of the canvas; each token is a softly tinted box
 * with its id in small type under it, and neighbouring tokens never share a tint, so a word
 * cut in three shows three boxes. What a box cannot show as it is is made visible:
 *
 *     a space            ␣   (grey; the same mark as the attention and gates labels)
 *     a line end         ↵   and the next token starts a new line, as in the text
 *     a tab              ⇥
 *     another control    <0x0D>   (grey)
 *     one byte of a character the tokenizer split between tokens (byte-level BPE may cut "ı",
 *     bytes C4 B1, into two tokens) — <0xC4> in red, the box outlined with a dashed red
 *     line, and the whole character written small above the pieces that make it, under a
 *     bracket joining them: "these two tokens together are ı". A byte that is no UTF-8 at
 *     all is shown the same way, without the bracket.
 *
 * Colours. Six light tints (tokview_colour) designed in OKLab: the hues are spread around
 * the circle and consecutive ones are far apart, and the lightness alternates between two
 * levels, so that two neighbouring boxes differ in lightness too — they stay apart in a
 * greyscale printout and for every form of colour blindness — while dark ink stays easy to
 * read on every tint.
 *
 * Layout. tokview_flow is the pure geometry (widths in, boxes out) the tests check: boxes
 * never overlap, a box that does not fit in what is left of a row starts the next one, line
 * ends break rows, and each id sits centred under its own box. tokview_layout measures the
 * labels with the font and runs it; a text longer than the canvas shows the rows from
 * first_row on (the window scrolls with the arrow keys), and the footer says how many tokens
 * are left out.
 *
 * Like the other views, this one knows nothing about tokenizers: the caller hands over the
 * text, where each token starts in it, and the ids; the arrays stay the caller's.
 */
#ifndef TZ_TOKVIEW_H
#define TZ_TOKVIEW_H

#include <stddef.h>
#include <stdint.h>
#include "viz/canvas.h"

typedef struct {
    const char *title;              /* first line, large: "gpt2 — 50,257 tokens"; NULL for none */
    const char *subtitle;           /* the counts: "27 bytes → 9 tokens, 3.0 bytes per token" */
    const char *footer;             /* a grey legend at the bottom; NULL for none */
    const char *text;               /* the text: the tokens' bytes one after another */
    size_t n;                       /* number of tokens */
    const size_t *off;              /* n + 1 offsets into text: token i is text[off[i] .. off[i+1]) */
    const int32_t *ids;             /* n ids */
    size_t first_row;               /* the first row drawn (scrolling); clamped to the last row */
    long highlight;                 /* a token outlined in the accent colour (a click); -1 none */
    const char *more_fmt;           /* the footer note for tokens below the canvas, one %zu (how
                                       many) — "… %zu more tokens (↓ scrolls, export writes
                                       all)"; NULL: none */
    const unsigned char *marks;     /* n flags (WordPiece), or NULL: TOKVIEW_CONT — the token
                                       continues the word of the one before it (a "##" piece): its
                                       box is drawn flush against that one, a grey "##" before its
                                       text; TOKVIEW_UNK — a word not in the vocabulary ([UNK]):
                                       the word as typed in a dashed red box, "[UNK]" in red in
                                       place of its id */
} TokScene;

#define TOKVIEW_CONT 1
#define TOKVIEW_UNK 2

/* One token's place. The box is [x0, x1) × [y0, y1); its id is written centred at id_x with
 * its baseline at id_y, under the box. row counts from the first row of the text. */
typedef struct {
    float x0, y0, x1, y1;
    float id_x, id_y;
    size_t row;
} TokBox;

/* The geometry of the flow: boxes go across [left, right), rows start at top and follow
 * each other every row_h pixels; within a row, the box is box_top … box_top + box_h below the
 * row's top and the id's baseline id_dy below the box's bottom. gap: the room between two
 * neighbouring boxes. */
typedef struct {
    float left, right, top;
    float row_h, box_top, box_h, id_dy, gap;
} TokFlow;

/* Place n boxes of the given widths (a width above right − left is taken as right − left):
 * in order along the row; a box that does not fit in what is left of a row starts the next
 * one (unless it is the row's first); after token i, breaks[i] line ends start breaks[i] new
 * rows (2: one empty row between; breaks may be NULL). Stops before the first token that
 * would start row max_rows. Returns the number of tokens placed, their boxes in out.
 * (view_tokens puts a TOKVIEW_CONT token at gap 0 from the one before it.) */
size_t tokview_flow(const TokFlow *p, const float *widths, const unsigned char *breaks, size_t n, size_t max_rows,
                    TokBox *out);

/* The tint of token i: six colours in turn (TOKVIEW_TINTS), so that tokens i and i + 1
 * always differ in hue and in lightness. */
#define TOKVIEW_TINTS 6
Rgba tokview_colour(size_t i);

/* One piece of a token's label. */
typedef enum {
    TOKSEG_TEXT,        /* whole characters, written as they are */
    TOKSEG_MARK,        /* a space (␣), line end (↵), tab (⇥) or other control byte (<0x0D>), grey */
    TOKSEG_BYTE         /* one byte shown as <0xC4>: part of a split character, or not UTF-8 */
} TokSegKind;
typedef struct {
    TokSegKind kind;
    size_t pos, len;            /* the bytes text[pos .. pos + len) it stands for */
    size_t chr_pos, chr_len;    /* TOKSEG_BYTE: the whole character it is part of, in text
                                   (chr_len 0: the byte is not UTF-8 at all) */
} TokSeg;

/* Cut token i of the scene into label pieces (at most cap written); returns how many there
 * are. A character is whole when all its bytes are in the token; when its bytes are spread
 * over several tokens, each of its bytes becomes a TOKSEG_BYTE piece. */
size_t tokview_segments(const TokScene *s, size_t i, TokSeg *out, size_t cap);
/* What a piece shows, NUL-terminated in out (at least 16 bytes; TEXT pieces longer than cap
 * are cut at a character). */
void tokview_seg_text(const TokScene *s, const TokSeg *g, char *out, size_t cap);
/* The number of line ends in token i (the rows it breaks after it, at most 2). */
unsigned tokview_breaks(const TokScene *s, size_t i);

/* Where view_tokens puts things. boxes (cap s->n) receive the boxes of tokens 0 … n_laid − 1
 * in canvas coordinates, rows before first_row above the canvas. */
typedef struct {
    float px, label_px, id_px, note_px, pad_x;
    float left, right, top, bottom;   /* the text area */
    size_t first_row, rows_fit;       /* the rows drawn: [first_row, first_row + rows_fit) */
    size_t n_laid;                    /* tokens with a box */
    size_t shown0, shown1;            /* the tokens drawn: [shown0, shown1) */
    size_t rows_total;                /* rows of the whole text when all of it was laid out
                                         (shown1 == n), else 0 */
} TokFrame;

void tokview_layout(const Canvas *c, Font *f, const TokScene *s, float font_px, TokFrame *fr, TokBox *boxes);
void view_tokens(Canvas *c, Font *f, const TokScene *s, float font_px);
/* The token under (x, y) among those drawn, or -1. */
long tokview_hit(const TokFrame *fr, const TokBox *boxes, float x, float y);

#endif
