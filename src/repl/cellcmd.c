/* cellcmd.c — `cell`: one small recurrent cell with weights a student can read, run over input
 * vectors the student types, every intermediate printed. The chapter's equations done by hand
 * on paper, then checked against the program (the engine's own cell_forward does the work).
 *
 *   cell rnn|lstm|gru [in=2] [hidden=3] [seed=1] [W=…] [U=…] [b=…]   make one and print it
 *   cell run 1,0 0,1 …                                                run it from h_0 = 0
 *
 * Weights come from the seed rounded to one decimal (so they can be copied onto paper), or
 * from W=/U=/b= as comma-separated numbers, row by row (W is G·H × in, U is G·H × H, b is
 * G·H; G = 1 for rnn, 4 for lstm in the order i f g o, 3 for gru in the order r z n). The
 * recurrent bias (PyTorch's b_hh) is zero here: one bias b is the chapter's equation.
 */
#include "app.h"
#include "i18n.h"
#include "out.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/recurrent.h"

#define CELL_MAX_IN 8
#define CELL_MAX_H 8
#define CELL_MAX_T 16

static Cell g_cell;          /* the cell `cell run` uses (kind, In, H are 0 until one is made) */
static int g_have;

static const char *gate_names(CellKind k)
{
    return k == TZ_CELL_LSTM ? "i f g o" : k == TZ_CELL_GRU ? "r z n" : "h";
}

/* Numbers separated by commas into out[0..n); reports and returns 1 unless exactly n. */
static int parse_numbers(const char *what, const char *s, float *out, size_t n)
{
    size_t k = 0;
    const char *p = s;
    while (*p) {
        char *end;
        double v = strtod(p, &end);
        if (end == p || !isfinite(v)) {
            say_error(M("%s: '%s' bir sayı değil (sayılar virgülle ayrılır: 0.5,-1,2).",
                        "%s: '%s' is not a number (numbers are separated by commas: 0.5,-1,2)."), what, p);
            return 1;
        }
        if (k < n) out[k] = (float)v;
        k++;
        p = end;
        if (*p == ',') p++;
        else if (*p) {
            say_error(M("%s: '%s' bir sayı değil (sayılar virgülle ayrılır: 0.5,-1,2).",
                        "%s: '%s' is not a number (numbers are separated by commas: 0.5,-1,2)."), what, p);
            return 1;
        }
    }
    if (k != n) {
        say_error(M("%s: %zu sayı gerekir, %zu verildi.", "%s: %zu numbers are needed, %zu were given."), what, n, k);
        return 1;
    }
    return 0;
}

static void print_vec(const char *label, const float *v, int n, int decimals)
{
    say("%s[", label);
    for (int j = 0; j < n; j++) say("%s%.*f", j ? ", " : "", decimals, (double)v[j]);
    say("]\n");
}

/* A matrix of r rows × c columns, each row on a line after its label column. */
static void print_cell(const Cell *c)
{
    const int GH = c->G * c->H;
    say(M("%s hücresi: %d girdi, %d gizli birim.\n", "%s cell: %d inputs, %d hidden units.\n"),
        c->kind == TZ_CELL_LSTM ? "LSTM" : c->kind == TZ_CELL_GRU ? "GRU" : "Elman RNN", c->In, c->H);
    if (c->kind == TZ_CELL_RNN) say("  h_t = tanh(W x_t + U h_{t-1} + b)\n");
    else if (c->kind == TZ_CELL_LSTM)
        say("  [i f g o] = W x_t + U h_{t-1} + b;  i,f,o = σ(·)  g = tanh(·)\n"
            "  c_t = f ⊙ c_{t-1} + i ⊙ g        h_t = o ⊙ tanh(c_t)\n");
    else
        say("  r = σ(W_r x + U_r h + b_r)   z = σ(W_z x + U_z h + b_z)   n = tanh(W_n x + b_n + r ⊙ (U_n h))\n"
            "  h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}\n");
    say("  %-*s  %-*s  b\n", c->In * 6 + 4, "W", c->H * 6 + 4, "U");
    for (int r = 0; r < GH; r++) {
        char tag[24] = "";
        if (c->G > 1) snprintf(tag, sizeof tag, "%c%d", gate_names(c->kind)[(r / c->H) * 2], r % c->H + 1);
        else snprintf(tag, sizeof tag, "%d", r + 1);
        say("  %-3s", tag);
        for (int j = 0; j < c->In; j++) say("%6.1f", (double)c->W[(size_t)r * (size_t)c->In + (size_t)j]);
        say("    ");
        for (int j = 0; j < c->H; j++) say("%6.1f", (double)c->U[(size_t)r * (size_t)c->H + (size_t)j]);
        say("    %5.1f\n", (double)c->b[r]);
    }
    say(M("Çalıştırın: cell run 1,0 0,1   (her girdi vektörü %d sayı, h_0 = 0)\n",
          "Run it: cell run 1,0 0,1   (each input vector %d numbers, h_0 = 0)\n"), c->In);
}

static int cell_make(Args *a, CellKind kind)
{
    TzErr e;
    long in, hidden, seed;
    if (arg_long(a, "in", 2, 1, CELL_MAX_IN, &in, &e) || arg_long(a, "hidden", 3, 1, CELL_MAX_H, &hidden, &e) ||
        arg_long(a, "seed", 1, 0, 2147483647L, &seed, &e)) {
        say_tzerr(&e);
        return 1;
    }
    Cell c;
    cell_alloc(&c, kind, (int)in, (int)hidden);
    cell_init(&c, (uint64_t)seed);
    size_t GH = (size_t)c.G * (size_t)c.H;
    /* one decimal, so that a student can carry the numbers onto paper */
    for (size_t i = 0; i < GH * (size_t)c.In; i++) c.W[i] = roundf(c.W[i] * 10) / 10;
    for (size_t i = 0; i < GH * (size_t)c.H; i++) c.U[i] = roundf(c.U[i] * 10) / 10;
    for (size_t i = 0; i < GH; i++) {
        c.b[i] = roundf(c.b[i] * 10) / 10;
        c.bu[i] = 0;
    }
    if (kind == TZ_CELL_LSTM)   /* the forget gate starts open, as cell_init intends */
        for (int j = 0; j < c.H; j++) c.b[c.H + j] = 1.0f;
    const char *Ws = arg_str(a, "W", NULL), *Us = arg_str(a, "U", NULL), *bs = arg_str(a, "b", NULL);
    if ((Ws && parse_numbers("W", Ws, c.W, GH * (size_t)c.In)) || (Us && parse_numbers("U", Us, c.U, GH * (size_t)c.H)) ||
        (bs && parse_numbers("b", bs, c.b, GH))) {
        cell_free(&c);
        return 1;
    }
    cell_free(&g_cell);
    g_cell = c;
    g_have = 1;
    print_cell(&g_cell);
    return 0;
}

static int cell_run(Args *a)
{
    if (!g_have) {
        say_error(M("önce bir hücre yapın: cell rnn in=2 hidden=3", "make a cell first: cell rnn in=2 hidden=3"));
        return 1;
    }
    const Cell *c = &g_cell;
    int T = a->argc - 2, In = c->In, H = c->H, G = c->G;
    if (T < 1 || T > CELL_MAX_T) {
        say_error(M("cell run 1 ile %d arasında girdi vektörü alır (her biri virgülle ayrılmış %d sayı), %d verildi.",
                    "cell run takes 1 to %d input vectors (each %d numbers separated by commas), %d given."),
                  CELL_MAX_T, In, T);
        return 1;
    }
    float x[CELL_MAX_T * CELL_MAX_IN];
    for (int t = 0; t < T; t++) {
        char what[32];
        snprintf(what, sizeof what, "x_%d", t + 1);
        if (parse_numbers(what, a->argv[t + 2], x + (size_t)t * (size_t)In, (size_t)In)) return 1;
    }
    /* the engine does the work: one sequence (B = 1) of T steps from h_0 = 0 */
    CellCache k = { 0 };
    cell_forward(c, x, T, 1, NULL, NULL, &k);
    for (int t = 0; t < T; t++) {
        const float *xt = x + (size_t)t * (size_t)In, *hp = k.h + (size_t)t * (size_t)H;
        const float *gate = k.gate + (size_t)t * (size_t)(G * H);
        say("t = %d\n", t + 1);
        print_vec("  x_t           = ", xt, In, 2);
        /* the pre-activation, for every gate block: the sum the chapter writes down */
        float pre[4 * CELL_MAX_H];
        for (int r = 0; r < G * H; r++) {
            double s = c->b[r];
            for (int j = 0; j < In; j++) s += (double)c->W[(size_t)r * (size_t)In + (size_t)j] * xt[j];
            double u = c->bu[r];
            for (int j = 0; j < H; j++) u += (double)c->U[(size_t)r * (size_t)H + (size_t)j] * hp[j];
            /* GRU: r multiplies the recurrent part of n */
            if (c->kind == TZ_CELL_GRU && r >= 2 * H) u *= gate[r - 2 * H];
            pre[r] = (float)(s + u);
        }
        if (c->kind == TZ_CELL_RNN) {
            print_vec("  a_t = W x_t + U h_{t-1} + b = ", pre, H, 4);
            print_vec("  h_t = tanh(a_t)             = ", k.h + (size_t)(t + 1) * (size_t)H, H, 4);
        } else if (c->kind == TZ_CELL_LSTM) {
            const char *nm[4] = { "  i = σ(·)     = ", "  f = σ(·)     = ", "  g = tanh(·)  = ", "  o = σ(·)     = " };
            for (int q = 0; q < 4; q++) print_vec(nm[q], gate + q * H, H, 4);
            print_vec("  c_t = f ⊙ c_{t-1} + i ⊙ g = ", k.c + (size_t)(t + 1) * (size_t)H, H, 4);
            print_vec("  h_t = o ⊙ tanh(c_t)       = ", k.h + (size_t)(t + 1) * (size_t)H, H, 4);
        } else {
            print_vec("  r = σ(·)     = ", gate, H, 4);
            print_vec("  z = σ(·)     = ", gate + H, H, 4);
            print_vec("  n = tanh(·)  = ", gate + 2 * H, H, 4);
            print_vec("  h_t = (1 − z) ⊙ n + z ⊙ h_{t-1} = ", k.h + (size_t)(t + 1) * (size_t)H, H, 4);
        }
    }
    cell_cache_free(&k);
    return 0;
}

int cmd_cell(Args *a)
{
    const char *what = a->argc > 1 ? a->argv[1] : "";
    if (!strcmp(what, "run")) return cell_run(a);
    if (a->argc != 2) {
        say_error(M("kullanım: cell rnn|lstm|gru [in=2] [hidden=3] [seed=1] [W=…] [U=…] [b=…] · cell run 1,0 0,1 …",
                    "usage: cell rnn|lstm|gru [in=2] [hidden=3] [seed=1] [W=…] [U=…] [b=…] · cell run 1,0 0,1 …"));
        return 1;
    }
    if (!strcmp(what, "rnn")) return cell_make(a, TZ_CELL_RNN);
    if (!strcmp(what, "lstm")) return cell_make(a, TZ_CELL_LSTM);
    if (!strcmp(what, "gru")) return cell_make(a, TZ_CELL_GRU);
    if (!strcmp(what, "show") && g_have) {
        print_cell(&g_cell);
        return 0;
    }
    say_error(M("cell %s: rnn, lstm, gru, run ya da show olmalı.", "cell %s: must be rnn, lstm, gru, run or show."), what);
    return 1;
}
