/* test_step.c — `step`: the trace of a recurrent language model over a text (all steps at once
 * with cell_forward) agrees with generation's rnnlm_step token by token and with the chapter's
 * equations worked by hand; what the command prints is that trace; the gates view draws each
 * value in its cell with the colour of its map and outlines the current token. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repl/app.h"
#include "repl/i18n.h"
#include "repl/lm.h"
#include "repl/out.h"
#include "repl/step.h"
#include "viz/gates.h"

static float sigm(float x) { return 1.0f / (1.0f + expf(-x)); }

#define NV 7
#define NE 3
#define NH 5
#define NT 6
static const int32_t IDS[NT] = { 2, 0, 5, 5, 1, 6 };

/* Feed IDS one at a time through rnnlm_step (what `generate` does) and compare every layer's h
 * (and c) and the next-token distribution with the trace. */
static void check_against_rnnlm_step(CellKind kind)
{
    RnnLM m;
    rnnlm_init(&m, kind, NV, NE, NH, 2, 11);
    StepTrace tr;
    step_trace_run(&m, IDS, NT, &tr);
    cr_assert_eq(tr.T, NT);
    cr_assert_eq(tr.G, kind == TZ_CELL_LSTM ? 4 : kind == TZ_CELL_GRU ? 3 : 1);
    RnnLMWork w;
    rnnlm_work_init(&w, &m);
    float h[2 * NH] = { 0 }, c[2 * NH] = { 0 }, logits[NV];
    for (size_t t = 0; t < NT; t++) {
        rnnlm_step(&m, &w, IDS[t], h, c, logits);
        for (int l = 0; l < 2; l++)
            for (int u = 0; u < NH; u++) {
                cr_assert_float_eq(step_trace_value(&tr, l, STEP_H, t, u), h[l * NH + u], 1e-5, "h, layer %d t %zu", l, t);
                if (kind == TZ_CELL_LSTM)
                    cr_assert_float_eq(step_trace_value(&tr, l, STEP_C, t, u), c[l * NH + u], 1e-5, "c, layer %d", l);
            }
        double mx = -INFINITY, sum = 0;
        for (int j = 0; j < NV; j++) mx = fmax(mx, logits[j]);
        for (int j = 0; j < NV; j++) sum += exp(logits[j] - mx);
        /* the three best, best first, with their probabilities */
        float prev = 2;
        for (int k = 0; k < STEP_TOPK; k++) {
            int32_t id = tr.top_id[t * STEP_TOPK + (size_t)k];
            cr_assert(id >= 0 && id < NV);
            float p = (float)(exp(logits[id] - mx) / sum);
            cr_assert_float_eq(tr.top_p[t * STEP_TOPK + (size_t)k], p, 1e-5);
            cr_assert(p <= prev + 1e-6f, "best first");
            prev = p;
            for (int j = 0; j < NV; j++) {
                int above = 0;
                for (int q = 0; q < k; q++) above |= tr.top_id[t * STEP_TOPK + (size_t)q] == j;
                if (!above) cr_assert(logits[j] <= logits[id] + 1e-6f, "token %d beats the %d-th best", j, k + 1);
            }
        }
        if (t + 1 < NT) cr_assert_float_eq(tr.p_next[t], (float)(exp(logits[IDS[t + 1]] - mx) / sum), 1e-5);
        else cr_assert(isnan(tr.p_next[t]), "nothing follows the last token");
    }
    rnnlm_work_free(&w);
    step_trace_free(&tr);
    rnnlm_free(&m);
}

Test(step, trace_matches_rnnlm_step_lstm) { check_against_rnnlm_step(TZ_CELL_LSTM); }
Test(step, trace_matches_rnnlm_step_gru) { check_against_rnnlm_step(TZ_CELL_GRU); }
Test(step, trace_matches_rnnlm_step_rnn) { check_against_rnnlm_step(TZ_CELL_RNN); }

/* a = W x + b + bu + U h for gate block k, unit u (PyTorch's layout) */
static float pre(const Cell *c, int k, int u, const float *x, const float *h)
{
    int row = k * c->H + u;
    float a = c->b[row] + c->bu[row];
    for (int i = 0; i < c->In; i++) a += c->W[row * c->In + i] * x[i];
    for (int j = 0; h && j < c->H; j++) a += c->U[row * c->H + j] * h[j];
    return a;
}

/* The LSTM's first two tokens through layer 1, worked out from the equations:
 *   i = σ(·) f = σ(·) g = tanh(·) o = σ(·);  c_t = f ⊙ c_{t−1} + i ⊙ g;  h_t = o ⊙ tanh(c_t) */
Test(step, lstm_gates_by_hand)
{
    RnnLM m;
    rnnlm_init(&m, TZ_CELL_LSTM, NV, NE, NH, 1, 5);
    StepTrace tr;
    step_trace_run(&m, IDS, 2, &tr);
    const Cell *cl = &m.cell[0];
    float hprev[NH] = { 0 }, cprev[NH] = { 0 };
    for (size_t t = 0; t < 2; t++) {
        const float *x = m.emb + (size_t)IDS[t] * NE;
        float hn[NH];
        for (int u = 0; u < NH; u++) {
            float i = sigm(pre(cl, 0, u, x, hprev)), f = sigm(pre(cl, 1, u, x, hprev));
            float g = tanhf(pre(cl, 2, u, x, hprev)), o = sigm(pre(cl, 3, u, x, hprev));
            float c = f * cprev[u] + i * g, h = o * tanhf(c);
            cr_assert_float_eq(step_trace_value(&tr, 0, 0, t, u), i, 1e-5, "i, t %zu unit %d", t, u);
            cr_assert_float_eq(step_trace_value(&tr, 0, 1, t, u), f, 1e-5, "f");
            cr_assert_float_eq(step_trace_value(&tr, 0, 2, t, u), g, 1e-5, "g");
            cr_assert_float_eq(step_trace_value(&tr, 0, 3, t, u), o, 1e-5, "o");
            cr_assert_float_eq(step_trace_value(&tr, 0, STEP_C, t, u), c, 1e-5, "c");
            cr_assert_float_eq(step_trace_value(&tr, 0, STEP_H, t, u), h, 1e-5, "h");
            cprev[u] = c;
            hn[u] = h;
        }
        memcpy(hprev, hn, sizeof hn);
    }
    /* the forget gate starts open: cell_init sets its bias to 1 (σ(1) ≈ 0.73 give or take) */
    step_trace_free(&tr);
    rnnlm_free(&m);
}

/* The GRU's second token (h_{t−1} ≠ 0, so r matters):
 *   r = σ(·) z = σ(·) n = tanh(W_n x + b_n + r ⊙ (U_n h + bu_n));  h_t = (1 − z) ⊙ n + z ⊙ h_{t−1} */
Test(step, gru_gates_by_hand)
{
    RnnLM m;
    rnnlm_init(&m, TZ_CELL_GRU, NV, NE, NH, 1, 9);
    StepTrace tr;
    step_trace_run(&m, IDS, 2, &tr);
    const Cell *cl = &m.cell[0];
    float h1[NH];
    for (int u = 0; u < NH; u++) h1[u] = step_trace_value(&tr, 0, STEP_H, 0, u);
    const float *x = m.emb + (size_t)IDS[1] * NE;
    for (int u = 0; u < NH; u++) {
        float r = sigm(pre(cl, 0, u, x, h1)), z = sigm(pre(cl, 1, u, x, h1));
        int row = 2 * NH + u;
        float wx = cl->b[row], uh = cl->bu[row];
        for (int i = 0; i < NE; i++) wx += cl->W[row * NE + i] * x[i];
        for (int j = 0; j < NH; j++) uh += cl->U[row * NH + j] * h1[j];
        float n = tanhf(wx + r * uh), h = (1 - z) * n + z * h1[u];
        cr_assert_float_eq(step_trace_value(&tr, 0, 0, 1, u), r, 1e-5, "r unit %d", u);
        cr_assert_float_eq(step_trace_value(&tr, 0, 1, 1, u), z, 1e-5, "z");
        cr_assert_float_eq(step_trace_value(&tr, 0, 2, 1, u), n, 1e-5, "n");
        cr_assert_float_eq(step_trace_value(&tr, 0, STEP_H, 1, u), h, 1e-5, "h");
    }
    step_trace_free(&tr);
    rnnlm_free(&m);
}

/* --- the command ------------------------------------------------------------------------------ */

static void setup_quiet(void)
{
    cr_redirect_stdout();
    cr_redirect_stderr();
    g_lang = TZ_LANG_EN;
    g_app.headless = 1;
    g_app.interactive = 0;
}

/* A character model over "abcdefg" installed as the current model. */
static LmModel *install_lm(CellKind kind, const char *name)
{
    LmModel *lm = tz_calloc(1, sizeof *lm);
    vocab_init(&lm->cs.chars);
    for (int j = 0; j < NV; j++) { char ch = (char)('a' + j); vocab_add(&lm->cs.chars, &ch, 1, 1); }
    rnnlm_init(&lm->m, kind, NV, NE, NH, 1, 3);
    Model *md = tz_calloc(1, sizeof *md);
    snprintf(md->name, sizeof md->name, "%s", name);
    snprintf(md->kind, sizeof md->kind, "%s", kind == TZ_CELL_LSTM ? "lstm" : kind == TZ_CELL_GRU ? "gru" : "rnn");
    md->lm = lm;
    model_install(md);
    return lm;
}

static char *run(const char *line, int *failed)
{
    out_capture_start();
    *failed = app_run_line(line);
    return out_capture_take();
}

/* The line `step` prints for the forget gate is the trace's: its mean over the units, then
 * the most open unit with its value. */
Test(step, prints_the_trace, .init = setup_quiet)
{
    LmModel *lm = install_lm(TZ_CELL_LSTM, "tiny");
    int failed;
    char *o = run("step \"cab\"; next", &failed);
    cr_assert_eq(failed, 0, "%s", o);
    cr_assert(strstr(o, "tiny · layer 1/1 · token 1/3: 'c'"), "%s", o);
    cr_assert(strstr(o, "token 2/3: 'a'"), "%s", o);
    StepTrace tr;
    int32_t ids[3] = { 2, 0, 1 };
    step_trace_run(&lm->m, ids, 3, &tr);
    double mean = 0;
    int best = 0;
    for (int u = 0; u < NH; u++) {
        float v = step_trace_value(&tr, 0, 1, 1, u);      /* f at token 2 */
        mean += v;
        if (v > step_trace_value(&tr, 0, 1, 1, best)) best = u;
    }
    char want[128];
    snprintf(want, sizeof want, "%.2f  %d:%.2f", mean / NH, best, step_trace_value(&tr, 0, 1, 1, best));
    const char *at = strstr(o, "token 2/3");
    cr_assert(at && strstr(at, want), "wanted the forget-gate line with \"%s\" in:\n%s", want, o);
    free(o);
    /* past the end, a unit out of range, words for numbers: reported, nothing moves */
    o = run("step 3; next", &failed);
    cr_assert_eq(failed, 1);
    cr_assert(strstr(o, "this is the end of the text (3/3)"), "%s", o);
    free(o);
    o = run("watch 5", &failed);
    cr_assert(failed == 1 && strstr(o, "there is no unit 5: model tiny has 5 hidden units (0–4)"), "%s", o);
    free(o);
    o = run("watch 4 1; watch", &failed);
    cr_assert(failed == 0 && strstr(o, "watched units: 4 1"), "%s", o);
    cr_assert(strstr(o, "#4 "), "the watched unit's values are printed: %s", o);
    free(o);
    o = run("watch clear", &failed);
    free(o);
    step_trace_free(&tr);
    models_free_all();
}

/* --- the view --------------------------------------------------------------------------------- */

static Rgba px_at(const Canvas *c, float x, float y)
{
    const uint8_t *p = c->px + ((size_t)lrintf(y) * (size_t)c->w + (size_t)lrintf(x)) * 4;
    return (Rgba){ p[0], p[1], p[2], p[3] };
}

static int near(Rgba a, Rgba b, int tol)
{
    return abs(a.r - b.r) <= tol && abs(a.g - b.g) <= tol && abs(a.b - b.b) <= tol;
}

Test(step, gates_view_draws_cells_and_the_current_column)
{
    TzErr e;
    Font *f = font_default(&e);
    cr_assert(f, "the default font (fonts-dejavu-core)");
    Canvas c;
    cr_assert_eq(canvas_init(&c, 900, 560, &e), 0);
    enum { R = 3, C = 4 };
    float a[R * C], b[R * C];
    for (int i = 0; i < R * C; i++) { a[i] = (float)i / (R * C - 1); b[i] = -1 + 2 * (float)i / (R * C - 1); }
    GatePanel p[2] = { { "f — forget gate (σ)", a, CMAP_SEQ, 0, 1 }, { "h — hidden state (tanh)", b, CMAP_DIV, -1, 1 } };
    const char *rows[R] = { "0", "7", "12" }, *toks[C] = { "k", "a", "ğ", "ı" };
    unsigned char marked[R] = { 0, 1, 0 };
    GatesScene s = { .title = "t", .panels = p, .npanels = 2, .rows = R, .cols = C, .row_labels = rows,
                     .row_marked = marked, .tokens = toks, .current = 2, .decimal_mark = ',' };
    view_gates(&c, f, &s, 20);
    GatesFrame fr;
    gates_layout(&c, f, &s, 20, &fr);
    cr_assert(fr.cell_w > 8 && fr.cell_h > 8, "cells of a readable size (%g × %g)", fr.cell_w, fr.cell_h);
    cr_assert(!fr.tokens_vertical && fr.token_every == 1, "four letters fit across their columns");
    for (int q = 0; q < 2; q++)
        for (int r = 0; r < R; r++)
            for (int t = 0; t < C; t++) {
                if (t == 2) continue;                 /* outlined: its edges are ink */
                float x = fr.x0[q] + ((float)t + 0.5f) * fr.cell_w, y = fr.y0[q] + ((float)r + 0.5f) * fr.cell_h;
                Rgba want = cmap_value(p[q].cmap, p[q].values[r * C + t], p[q].vmin, p[q].vmax);
                cr_assert(near(px_at(&c, x, y), want, 2), "panel %d cell (%d, %d) has its colour", q, r, t);
                size_t hp, hr, hc;
                cr_assert(gates_hit(&fr, &s, x, y, &hp, &hr, &hc) && hp == (size_t)q && hr == (size_t)r && hc == (size_t)t);
            }
    /* the current column: dark ink on its left edge, in both panels, and not on the others */
    for (int q = 0; q < 2; q++) {
        float y = fr.y0[q] + 1.5f * fr.cell_h;
        /* the outline is 2 pixels wide (font_px 20), centred one pixel left of the edge */
        Rgba edge = px_at(&c, fr.x0[q] + 2 * fr.cell_w - 1, y), other = px_at(&c, fr.x0[q] + 1 * fr.cell_w - 1, y);
        cr_assert(edge.r < 80 && edge.g < 80 && edge.b < 80, "panel %d: the current column is outlined", q);
        cr_assert(!(other.r < 80 && other.g < 80 && other.b < 80), "panel %d: the column before it is not", q);
    }
    size_t hp, hr, hc;
    cr_assert(!gates_hit(&fr, &s, 2, 2, &hp, &hr, &hc), "a corner of the canvas is no cell");
    canvas_free(&c);
    font_free(f);
}
