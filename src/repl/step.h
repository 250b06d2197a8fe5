/* step.h — a recurrent language model run over a text, with everything inside kept: the
 * numbers behind `step` (the terminal) and the gates view (the window).
 *
 * Shapes: T tokens, H hidden units, G gate blocks (LSTM 4: i f g o; GRU 3: r z n; RNN 1),
 * L layers, V tokens in the model's vocabulary.
 */
#ifndef TZ_REPL_STEP_H
#define TZ_REPL_STEP_H

#include <stddef.h>
#include <stdint.h>
#include "models/rnnlm.h"

#define STEP_TOPK 3

typedef struct {
    CellKind kind;
    int L, H, G, V;
    size_t T;
    /* cache[l] is layer l's forward pass over the whole text with one sequence (B = 1), from
     * zero states: .gate T × G·H (after the non-linearities), .h (T+1) × H (h[0] = 0), and for
     * an LSTM .c (T+1) × H. Layer l + 1 read cache[l].h + H as its input. */
    CellCache cache[RNNLM_MAX_LAYERS];
    /* After token t, the model's STEP_TOPK most probable next tokens and their probabilities
     * (softmax(Wo·h_t + bo) of the top layer, as rnnlm_step computes them), best first, and
     * the probability it gave the token that does follow in the text (NaN after the last). */
    int32_t *top_id;        /* T × STEP_TOPK */
    float *top_p;           /* T × STEP_TOPK */
    float *p_next;          /* T */
} StepTrace;

/* Run m over ids[0..T) (T >= 1, ids < V). */
void step_trace_run(const RnnLM *m, const int32_t *ids, size_t T, StepTrace *tr);
void step_trace_free(StepTrace *tr);       /* safe on a zeroed struct */

/* Value of unit u of what panel `what` shows after token t of layer l: a gate block index
 * (0 .. G−1), STEP_C (the LSTM's cell state) or STEP_H (the hidden state). */
enum { STEP_C = -1, STEP_H = -2 };
float step_trace_value(const StepTrace *tr, int l, int what, size_t t, int u);

#endif
