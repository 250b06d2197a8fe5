/* step.c — `step` and `watch`: walking through a recurrent language model one token at a time.
 *
 *     step "Ben kahve içiyorum" [layer=N] [model=NAME] [out=FILE.png]
 *     step next | prev | N          (plain `next`/`prev` too, when the step started last)
 *     watch 12 40 | watch | watch clear
 *
 * `step "text"` cuts the text into the model's tokens (lm_tokens: characters, or words at
 * word level) and runs the network over all of them at once — every layer is one
 * cell_forward (the first cell_forward_ids) over T steps with one sequence (B = 1), from
 * zero states, exactly what `generate` computes step by step with rnnlm_step
 * (tests/unit/test_step.c checks both agree). Everything the cells computed stays in a
 * StepTrace: the gates after their non-linearities, the LSTM's cell states, the hidden
 * states, and after every token the model's three most probable next tokens. Moving along
 * the text only changes which token is "now": the terminal prints that column of the trace
 * (summarised: H numbers per gate do not fit in a line) and the gates view shows the whole
 * units × time picture with "now" outlined.
 *
 * The session keeps copies of everything it shows (tokens, predicted tokens' text), so it
 * stays valid when its model is replaced or trained again.
 */
#include "app.h"
#include "i18n.h"
#include "out.h"
#include "scene.h"
#include "step.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "lm.h"

/* --- the trace -------------------------------------------------------------------------------- */

/* Row-wise softmax in place (n rows of V): the largest logit subtracted first so that exp
 * cannot overflow, the sum in double (a word vocabulary has tens of thousands of terms). */
static void softmax_rows(float *p, size_t n, size_t V)
{
    for (size_t r = 0; r < n; r++) {
        float *x = p + r * V, mx = x[0];
        for (size_t j = 1; j < V; j++) mx = x[j] > mx ? x[j] : mx;
        double s = 0;
        for (size_t j = 0; j < V; j++) {
            x[j] = (float)exp((double)(x[j] - mx));
            s += x[j];
        }
        for (size_t j = 0; j < V; j++) x[j] = (float)(x[j] / s);
    }
}

void step_trace_run(const RnnLM *m, const int32_t *ids, size_t T, StepTrace *tr)
{
    memset(tr, 0, sizeof *tr);
    tr->kind = m->kind;
    tr->L = m->L;
    tr->H = m->H;
    tr->G = m->cell[0].G;
    tr->V = m->V;
    tr->T = T;
    size_t H = (size_t)m->H, V = (size_t)m->V;
    /* each layer over the whole text (T × 1 steps); the first looks its inputs up in the
     * embedding table, and its outputs h[1..T] (T × 1 × H) feed the next one */
    cell_forward_ids(&m->cell[0], m->emb, m->V, ids, (int)T, 1, NULL, NULL, &tr->cache[0]);
    for (int l = 1; l < m->L; l++) cell_forward(&m->cell[l], tr->cache[l - 1].h + H, (int)T, 1, NULL, NULL, &tr->cache[l]);
    /* After token t: logits = Wo · h_t + bo (V), p = softmax(logits) — rnnlm_step's output.
     * All T at once is one product of the top states (T × H) with Woᵀ (H × V); a word model
     * (V = 10 000, T = 2 000, H = 256) makes that 5·10⁹ multiply-adds, which BLAS does in a
     * fraction of a second where plain loops take seconds. It runs CHUNK rows at a time so
     * that the logits held at once (CHUNK × V floats, 10 MB there) do not grow with T. */
    enum { CHUNK = 256 };
    tr->top_id = tz_malloc(T * STEP_TOPK * sizeof *tr->top_id);
    tr->top_p = tz_malloc(T * STEP_TOPK * sizeof *tr->top_p);
    tr->p_next = tz_malloc(T * sizeof *tr->p_next);
    float *P = tz_malloc((T < CHUNK ? T : CHUNK) * V * sizeof *P);
    const float *htop = tr->cache[m->L - 1].h + H;            /* h_1: row t is the state after token t */
    for (size_t t0 = 0; t0 < T; t0 += CHUNK) {
        size_t nr = T - t0 < CHUNK ? T - t0 : CHUNK;
        for (size_t r = 0; r < nr; r++) memcpy(P + r * V, m->bo, V * sizeof *P);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)nr, (int)V, (int)H, 1.0f, htop + t0 * H, (int)H, m->Wo,
                    (int)H, 1.0f, P, (int)V);
        softmax_rows(P, nr, V);
        for (size_t r = 0; r < nr; r++) {
            size_t t = t0 + r;
            const float *p = P + r * V;
            /* the k best: k passes over V (k is 3), each taking the best not yet taken */
            for (int k = 0; k < STEP_TOPK; k++) {
                long best = -1;
                for (size_t j = 0; j < V; j++) {
                    int taken = 0;
                    for (int q = 0; q < k; q++) taken |= tr->top_id[t * STEP_TOPK + (size_t)q] == (int32_t)j;
                    if (!taken && (best < 0 || p[j] > p[best])) best = (long)j;
                }
                tr->top_id[t * STEP_TOPK + (size_t)k] = (int32_t)best;
                tr->top_p[t * STEP_TOPK + (size_t)k] = best < 0 ? NAN : p[best];
            }
            tr->p_next[t] = t + 1 < T ? p[ids[t + 1]] : NAN;
        }
    }
    free(P);
}

void step_trace_free(StepTrace *tr)
{
    for (int l = 0; l < RNNLM_MAX_LAYERS; l++) cell_cache_free(&tr->cache[l]);
    free(tr->top_id);
    free(tr->top_p);
    free(tr->p_next);
    memset(tr, 0, sizeof *tr);
}

float step_trace_value(const StepTrace *tr, int l, int what, size_t t, int u)
{
    const CellCache *k = &tr->cache[l];
    size_t H = (size_t)tr->H;
    if (what == STEP_C) return k->c ? k->c[(t + 1) * H + (size_t)u] : NAN;
    if (what == STEP_H) return k->h[(t + 1) * H + (size_t)u];
    return k->gate[t * (size_t)tr->G * H + (size_t)what * H + (size_t)u];
}

/* --- what is shown for each kind of cell ------------------------------------------------------ */

typedef struct {
    const char *sym;            /* the letter of the chapter's equations */
    const char *tr, *en;        /* a short name for the terminal */
    const char *tr_long, *en_long;
    int what;                   /* gate block (PyTorch's order), STEP_C or STEP_H */
    int sigm;                   /* a σ gate: 0..1 (else tanh's −1..1, or the cell state) */
} PanelDef;

/* In the order the equations use them: c_t = f ⊙ c_{t−1} + i ⊙ g, h_t = o ⊙ tanh(c_t). */
static const PanelDef LSTM_P[] = {
    { "f", "unutma", "forget", "unutma kapısı", "forget gate", 1, 1 },
    { "i", "giriş", "input", "giriş kapısı", "input gate", 0, 1 },
    { "g", "aday", "candidate", "aday değer", "candidate", 2, 0 },
    { "o", "çıkış", "output", "çıkış kapısı", "output gate", 3, 1 },
    { "c", "hücre", "cell", "hücre durumu", "cell state", STEP_C, 0 },
    { "h", "gizli", "hidden", "gizli durum", "hidden state", STEP_H, 0 },
};
/* r_t resets what of h_{t−1} the candidate sees; h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}. */
static const PanelDef GRU_P[] = {
    { "r", "sıfırlama", "reset", "sıfırlama kapısı", "reset gate", 0, 1 },
    { "z", "güncelleme", "update", "güncelleme kapısı", "update gate", 1, 1 },
    { "n", "aday", "candidate", "aday değer", "candidate", 2, 0 },
    { "h", "gizli", "hidden", "gizli durum", "hidden state", STEP_H, 0 },
};
static const PanelDef RNN_P[] = {
    { "h", "gizli", "hidden", "gizli durum", "hidden state", STEP_H, 0 },
};

static const PanelDef *panels_of(CellKind k, size_t *n)
{
    if (k == TZ_CELL_LSTM) { *n = sizeof LSTM_P / sizeof *LSTM_P; return LSTM_P; }
    if (k == TZ_CELL_GRU) { *n = sizeof GRU_P / sizeof *GRU_P; return GRU_P; }
    *n = 1;
    return RNN_P;
}

/* --- the session ------------------------------------------------------------------------------ */

#define MAX_WATCH 16
#define MAX_TOKENS 2000
/* The window shows at most this many units per panel (see pick_rows), and of a long text this
 * many tokens around the current one: a column needs a few pixels and its letter some room,
 * and 200 columns across a third of a screen would give neither. */
#define STEP_ROWS 24
#define STEP_COLS 48

static struct {
    int active;
    int focus;              /* plain next/prev move the step (it started after any lesson) */
    char model[64];
    int word;               /* word-level tokens: shown joined by spaces */
    LmTokens tk;
    char **top_str;         /* T × STEP_TOPK copies of the predicted tokens' text */
    StepTrace tr;
    int layer;              /* the layer shown, 0-based */
    size_t t;               /* the current token, 0-based */
} St;

static int g_watch[MAX_WATCH];
static int g_nwatch;

static void session_free(void)
{
    if (St.top_str)
        for (size_t i = 0; i < St.tr.T * STEP_TOPK; i++) free(St.top_str[i]);
    free(St.top_str);
    lm_tokens_free(&St.tk);
    step_trace_free(&St.tr);
    memset(&St, 0, sizeof St);
}

static void step_free_all(void) { session_free(); }

/* A token as the eye should see it: a space as ␣, a line end as ↵, a tab as ⇥. */
static const char *visible(const char *s)
{
    if (!strcmp(s, " ")) return "\xE2\x90\xA3";
    if (!strcmp(s, "\n")) return "\xE2\x86\xB5";
    if (!strcmp(s, "\t")) return "\xE2\x87\xA5";
    return s;
}

/* v with two decimals in the user's language; a value that rounds to zero has no sign */
static const char *num(double v, char b[32]) { return fmt_real(fabs(v) < 0.005 ? 0.0 : v, 2, b); }

/* a probability: two decimals, three below 0.1 (a word model's guesses are often small) */
static const char *prob(double p, char b[32]) { return fmt_real(p, p >= 0.095 ? 2 : 3, b); }

/* terminal columns: one per code point */
static size_t cols_of(const char *s) { return utf8_length(s, strlen(s)); }

/* --- the terminal ----------------------------------------------------------------------------- */

/* The text with the current token in brackets, cut to about 70 columns around it. */
static void print_text_line(void)
{
    size_t n = St.tk.n, t = St.t, budget = 70;
    const char *sep = St.word ? " " : "";
    size_t a = t, b = t + 1, used = cols_of(visible(St.tk.piece[t])) + 2;
    for (int grew = 1; grew;) {      /* grow the window on both sides while it fits */
        grew = 0;
        if (b < n && used + cols_of(St.tk.piece[b]) + strlen(sep) <= budget) { used += cols_of(St.tk.piece[b++]) + strlen(sep); grew = 1; }
        if (a > 0 && used + cols_of(St.tk.piece[a - 1]) + strlen(sep) <= budget) { used += cols_of(St.tk.piece[--a]) + strlen(sep); grew = 1; }
    }
    say("  %s", a > 0 ? "…" : "");
    for (size_t i = a; i < b; i++) {
        const char *p = St.tk.piece[i];
        if (i > a) say("%s", sep);
        if (i == t) say("%s[%s]%s", col_bold(), visible(p), col_off());
        else say("%s", strcmp(p, "\n") ? p : visible(p));
    }
    say("%s\n", b < n ? "…" : "");
}

/* Mean and the five most active units of one panel at token t: for a σ gate the largest
 * values (the most open), elsewhere the largest magnitudes (signed values, strongest first). */
static void print_panel(const PanelDef *d, size_t t)
{
    int H = St.tr.H;
    double mean = 0;
    for (int u = 0; u < H; u++) mean += step_trace_value(&St.tr, St.layer, d->what, t, u);
    mean /= H;
    int top[5], ntop = H < 5 ? H : 5;
    for (int k = 0; k < ntop; k++) {
        int best = -1;
        float bv = 0;
        for (int u = 0; u < H; u++) {
            int taken = 0;
            for (int q = 0; q < k; q++) taken |= top[q] == u;
            if (taken) continue;
            float v = step_trace_value(&St.tr, St.layer, d->what, t, u);
            float key = d->sigm ? v : fabsf(v);
            if (best < 0 || key > bv) { best = u; bv = key; }
        }
        top[k] = best;
    }
    char name[64], b[32];
    snprintf(name, sizeof name, "%s %s", d->sym, M(d->tr, d->en));
    say("  %s%*s %6s ", name, pad(name, 12), "", num(mean, b));
    for (int k = 0; k < ntop; k++)
        say(" %d:%s", top[k], num(step_trace_value(&St.tr, St.layer, d->what, t, top[k]), b));
    say("\n");
}

/* The watched units: their value in every panel at token t, one line each. */
static void print_watched(size_t t)
{
    const PanelDef *pd;
    size_t np;
    pd = panels_of(St.tr.kind, &np);
    for (int w = 0; w < g_nwatch; w++) {
        int u = g_watch[w];
        char head[32];
        snprintf(head, sizeof head, "#%d", u);
        say("  %s%*s", head, pad(head, 6), "");
        if (u >= St.tr.H) {
            say(M("bu katmanda yok: %d gizli birim var (0–%d)\n", "not in this layer: it has %d hidden units (0–%d)\n"),
                St.tr.H, St.tr.H - 1);
            continue;
        }
        for (size_t p = 0; p < np; p++) {
            char b[32];
            say(" %s %s", pd[p].sym, num(step_trace_value(&St.tr, St.layer, pd[p].what, t, u), b));
        }
        say("\n");
    }
}

/* The model's three best guesses for the token after t, and what the text has there. */
static void print_prediction(size_t t)
{
    char line[512], b[32];
    size_t o = (size_t)snprintf(line, sizeof line, "  %s", M("sonraki tahmini:", "predicted next:"));
    for (int k = 0; k < STEP_TOPK && o < sizeof line; k++) {
        const char *s = St.top_str[t * STEP_TOPK + (size_t)k];
        if (!s) continue;
        o += (size_t)snprintf(line + o, sizeof line - o, "%s'%s' %s", k ? "  " : " ", visible(s), prob(St.tr.top_p[t * STEP_TOPK + (size_t)k], b));
    }
    if (t + 1 < St.tk.n && o < sizeof line) {
        char tail[256];
        snprintf(tail, sizeof tail, M("gerçekte: '%s' (%s)", "actual: '%s' (%s)"), visible(St.tk.piece[t + 1]),
                 prob(St.tr.p_next[t], b));
        /* one line when it fits in 80 columns, else the text's token on the next */
        if (cols_of(line) + 5 + cols_of(tail) <= 79) say("%s   · %s\n", line, tail);
        else say("%s\n    · %s\n", line, tail);
    } else {
        say("%s\n", line);
    }
}

static void print_step(int legend)
{
    size_t t = St.t, np;
    const PanelDef *pd = panels_of(St.tr.kind, &np);
    say("%s%s · %s %d/%d · %s %zu/%zu: '%s'%s\n", col_bold(), St.model, M("katman", "layer"), St.layer + 1, St.tr.L,
        M("belirteç", "token"), t + 1, St.tk.n, visible(St.tk.piece[t]), col_off());
    print_text_line();
    if (legend)
        say("%s%s%s\n", col_dim(),
            M("  (ort.: birimlerin ortalaması; sonra en etkin 5 birim, birim:değer olarak —\n"
              "   σ kapılarında en büyük değerler, öteki satırlarda mutlak değerce en\n"
              "   büyükler; σ kapıları 0..1, tanh değerleri −1..1 arasında)",
              "  (mean: over the units; then the 5 most active units as unit:value — the\n"
              "   largest values in σ gates, the largest magnitudes in the other rows;\n"
              "   σ gates run 0..1, tanh values −1..1)"),
            col_off());
    const char *hm = M("ort.", "mean");
    say("  %12s %*s%s  %s\n", "", pad(hm, 6), "", hm, M("en etkin birimler", "most active units"));
    for (size_t p = 0; p < np; p++) print_panel(&pd[p], t);
    if (g_nwatch) print_watched(t);
    print_prediction(t);
}

/* --- the window ------------------------------------------------------------------------------- */

/* Which units get a row in the window. A heatmap row needs a few pixels to be seen and its
 * label to be followed: 256 units squeezed into a panel a few hundred pixels tall would blur
 * into an average that shows nothing. So at most STEP_ROWS units: all of them when the layer
 * has no more; else the watched ones, then those whose hidden state moves most over this text
 * (the largest standard deviation of h_t over t — the units that respond to it), shown in
 * unit order so that a unit is easy to find. The rows are the same for every token: moving
 * along the text never reshuffles them. */
static size_t pick_rows(size_t *rows, unsigned char *marked)
{
    int H = St.tr.H;
    size_t T = St.tr.T, n = 0;
    unsigned char *in = tz_calloc((size_t)H, 1);
    for (int w = 0; w < g_nwatch; w++)
        if (g_watch[w] < H) in[g_watch[w]] = 2;
    if (H <= STEP_ROWS) {
        for (int u = 0; u < H; u++) in[u] |= 1;
    } else {
        double *sd = tz_malloc((size_t)H * sizeof *sd);
        for (int u = 0; u < H; u++) {
            double s = 0, s2 = 0;
            for (size_t t = 0; t < T; t++) {
                double v = step_trace_value(&St.tr, St.layer, STEP_H, t, u);
                s += v;
                s2 += v * v;
            }
            double m = s / (double)T;
            sd[u] = s2 / (double)T - m * m;
        }
        size_t have = 0;
        for (int u = 0; u < H; u++) have += in[u] != 0;
        while (have < STEP_ROWS) {
            int best = -1;
            for (int u = 0; u < H; u++)
                if (!in[u] && (best < 0 || sd[u] > sd[best])) best = u;
            in[best] = 1;
            have++;
        }
        free(sd);
    }
    for (int u = 0; u < H; u++)
        if (in[u]) { rows[n] = (size_t)u; marked[n] = in[u] >= 2; n++; }
    free(in);
    return n;
}

/* The window's title (the current token and the model's guesses after it) and subtitle
 * (which rows and columns are drawn), and the stretch of tokens drawn, [*t0, *t1). */
static void scene_texts(size_t nrows, char *title, size_t tcap, char *sub, size_t scap, size_t *t0, size_t *t1)
{
    size_t T = St.tr.T, H = (size_t)St.tr.H, t = St.t;
    char b[32];
    size_t o = (size_t)snprintf(title, tcap, "%s · %s %d/%d · %s %zu/%zu: '%s'   %s", St.model, M("katman", "layer"),
                                St.layer + 1, St.tr.L, M("belirteç", "token"), t + 1, T, visible(St.tk.piece[t]),
                                M("sonraki:", "next:"));
    for (int k = 0; k < STEP_TOPK && o < tcap; k++) {
        const char *s = St.top_str[t * STEP_TOPK + (size_t)k];
        if (s) o += (size_t)snprintf(title + o, tcap - o, "%s'%s' %s", k ? " · " : " ", visible(s),
                                     prob(St.tr.top_p[t * STEP_TOPK + (size_t)k], b));
    }
    /* a long text: STEP_COLS tokens with the current one in the middle (at the ends, the first
     * or last STEP_COLS) */
    size_t ncols = T < STEP_COLS ? T : STEP_COLS;
    *t0 = t > ncols / 2 ? t - ncols / 2 : 0;
    if (*t0 + ncols > T) *t0 = T - ncols;
    *t1 = *t0 + ncols;
    char span[96] = "";
    if (ncols < T)
        snprintf(span, sizeof span, M(" · %zu–%zu. belirteçler (%zu belirteçten)", " · tokens %zu–%zu of %zu"), *t0 + 1,
                 *t1, T);
    if (nrows == H)
        snprintf(sub, scap, M("%s, %zu gizli birimin hepsi (satırlar) × %zu belirteç (sütunlar)",
                              "%s, all %zu hidden units (rows) × %zu tokens (columns)"), cell_kind_name(St.tr.kind), H, T);
    else
        snprintf(sub, scap, M("%s, %zu birim (toplam %zu gizli birimden): metin boyunca en çok değişenler%s",
                              "%s, %zu of %zu hidden units: those that change most over the text%s"),
                 cell_kind_name(St.tr.kind), nrows, H, g_nwatch ? M(" ve izlenenler (kırmızı)", " and the watched ones (red)") : "");
    o = strlen(sub);
    if (o + 1 < scap) snprintf(sub + o, scap - o, "%s", span);
}

/* What the window holds now, so that a move along the same layer only re-slices it. */
static struct {
    int valid;
    int layer;
    TzLang lang;        /* the language its titles and footer were written in */
    size_t nrows;
} Shown;

/* Hand the whole picture to the window: every panel's H × T values, the tokens, the rows
 * (pick_rows). Needed when a text starts, the layer or the watched units change. */
static void update_scene(void)
{
    size_t np, T = St.tr.T, H = (size_t)St.tr.H, t = St.t;
    const PanelDef *pd = panels_of(St.tr.kind, &np);
    SceneGatePanel sp[8];
    float *vals[8];
    char titles[8][96];
    for (size_t p = 0; p < np; p++) {
        vals[p] = tz_malloc(H * T * sizeof *vals[p]);
        float big = 1;
        for (size_t u = 0; u < H; u++)
            for (size_t k = 0; k < T; k++) {
                float v = step_trace_value(&St.tr, St.layer, pd[p].what, k, (int)u);
                vals[p][u * T + k] = v;
                if (fabsf(v) > big) big = fabsf(v);
            }
        int cstate = pd[p].what == STEP_C;
        snprintf(titles[p], sizeof titles[p], "%s — %s%s", pd[p].sym, M(pd[p].tr_long, pd[p].en_long),
                 pd[p].sigm ? " (σ)" : cstate ? "" : " (tanh)");
        /* σ gates 0..1 on the sequential map; tanh values −1..1 and the cell state (which
         * may grow past 1) on the diverging one, centred at 0 */
        sp[p] = (SceneGatePanel){ .sym = pd[p].sym, .title = titles[p], .cmap = pd[p].sigm ? CMAP_SEQ : CMAP_DIV,
                                  .vmin = pd[p].sigm ? 0 : cstate ? -big : -1, .vmax = cstate ? big : 1, .values = vals[p] };
    }
    char **toks = tz_malloc(T * sizeof *toks);
    for (size_t k = 0; k < T; k++) toks[k] = (char *)visible(St.tk.piece[k]);
    size_t *rows = tz_malloc(H * sizeof *rows);
    unsigned char *marked = tz_malloc(H);
    size_t nrows = pick_rows(rows, marked);
    char title[512], sub[384];
    size_t t0, t1;
    scene_texts(nrows, title, sizeof title, sub, sizeof sub, &t0, &t1);
    SceneGates g = { .title = title, .subtitle = sub,
                     .footer = M("←/→: önceki/sonraki belirteç · σ kapıları 0..1, tanh değerleri −1..1 · tık: değer",
                                 "←/→: previous/next token · σ gates 0..1, tanh values −1..1 · click: a value"),
                     .panels = sp, .npanels = np, .H = H, .T = T, .tokens = (const char *const *)toks, .units = rows,
                     .marked = marked, .nunits = nrows, .current = (long)t, .t0 = t0, .t1 = t1,
                     .layer = St.layer + 1 };
    scene_gates_set(&g);
    Shown.valid = 1;
    Shown.layer = St.layer;
    Shown.lang = g_lang;
    Shown.nrows = nrows;
    for (size_t p = 0; p < np; p++) free(vals[p]);
    free(toks);
    free(rows);
    free(marked);
}

/* Only the current token changed: new titles and the stretch of columns around it, sliced by
 * the window from the copy it already holds (no rebuild, no new pick of rows). */
static void move_scene(void)
{
    char title[512], sub[384];
    size_t t0, t1;
    if (!Shown.valid || Shown.layer != St.layer || Shown.lang != g_lang) { update_scene(); return; }
    scene_texts(Shown.nrows, title, sizeof title, sub, sizeof sub, &t0, &t1);
    if (!scene_gates_move((long)St.t, t0, t1, title, sub)) update_scene();
}

/* --- moving ----------------------------------------------------------------------------------- */

static int no_session(void)
{
    say_error("%s", M("adım adım izlenen bir metin yok; başlatın: step \"Ben kahve içiyorum\"",
                      "no text is being stepped through; start with: step \"the cat sat\""));
    return 1;
}

/* Go to token t (0-based); out: a PNG to write as well. Past either end: said, nothing moves. */
static int move_to(long t, const char *out)
{
    if (!St.active) return no_session();
    long n = (long)St.tk.n;
    if (t >= n) {
        say_error(M("metnin sonundasınız (%ld/%ld); 'step 1' başa döner.",
                    "this is the end of the text (%ld/%ld); 'step 1' goes back to the start."), n, n);
        return 1;
    }
    if (t < 0) {
        say_error(M("zaten ilk belirteçtesiniz (1/%ld).", "this is already the first token (1/%ld)."), n);
        return 1;
    }
    St.t = (size_t)t;
    print_step(0);
    move_scene();
    if (out) return scene_show(VIEW_GATES, out);
    return 0;
}

int step_nav(const char *what)
{
    if (!St.active || (!St.focus && lesson_active())) return -1;
    return move_to((long)St.t + (!strcmp(what, "prev") ? -1 : 1), NULL);
}

void step_yield(void) { St.focus = 0; }

void step_key(int how)
{
    if (!St.active) return;
    long t = how == -2 ? 0 : how == 2 ? (long)St.tk.n - 1 : (long)St.t + how;
    if (t < 0 || t >= (long)St.tk.n || (size_t)t == St.t) return;   /* at an end the key does nothing */
    move_to(t, NULL);
}

/* --- step ------------------------------------------------------------------------------------- */

static int start(Model *md, const char *text, long layer, const char *out)
{
    LmModel *lm = md->lm;
    if (layer > lm->m.L) {
        say_error(M("layer=%ld: %s modelinin %d katmanı var (1–%d).", "layer=%ld: model %s has %d layers (1–%d)."), layer,
                  md->name, lm->m.L, lm->m.L);
        return 1;
    }
    if (!text[0]) {
        say_error("%s", M("metin boş; örnek: step \"Ben kahve içiyorum\"", "the text is empty; for example: step \"the cat sat\""));
        return 1;
    }
    LmTokens tk;
    if (lm_tokens(lm, md->name, text, &tk)) return 1;
    if (tk.n > MAX_TOKENS) {
        say_error(M("metin çok uzun: %zu belirteç (step en çok %d belirteçle çalışır).",
                    "the text is too long: %zu tokens (step works with at most %d)."), tk.n, MAX_TOKENS);
        lm_tokens_free(&tk);
        return 1;
    }
    session_free();
    static int registered;
    if (!registered) { atexit(step_free_all); registered = 1; }
    St.tk = tk;
    snprintf(St.model, sizeof St.model, "%s", md->name);
    St.word = lm->cs.word;
    step_trace_run(&lm->m, tk.ids, tk.n, &St.tr);
    St.top_str = tz_calloc(tk.n * STEP_TOPK, sizeof *St.top_str);
    for (size_t i = 0; i < tk.n * STEP_TOPK; i++)
        if (St.tr.top_id[i] >= 0) St.top_str[i] = tz_strdup(vocab_word(&lm->cs.chars, (size_t)St.tr.top_id[i]));
    St.layer = (int)(layer > 0 ? layer : lm->m.L) - 1;
    St.t = 0;
    St.active = 1;
    St.focus = 1;
    say(M("%s (%s, hidden=%d, layers=%d): %zu belirteç.\n", "%s (%s, hidden=%d, layers=%d): %zu tokens.\n"), md->name,
        cell_kind_name(lm->m.kind), lm->m.H, lm->m.L, tk.n);
    say("%s\n", scene_window_is_open() || (g_app.interactive && !g_app.headless)
                    ? M("İlerlemek için: next, prev, step N (pencerede ←/→).", "To move: next, prev, step N (←/→ in the window).")
                    : M("İlerlemek için: next, prev, step N.\nIsı haritaları: 'view gates' ya da 'snap DOSYA.png'.",
                        "To move: next, prev, step N.\nThe heatmaps: 'view gates' or 'snap FILE.png'."));
    if (lesson_active())
        say("%s%s%s\n", col_dim(),
            M("(ders sürüyor: next/prev artık belirteçler arasında gezer; derse Enter ya da 'lesson next' ile devam)",
              "(a lesson is on: next/prev now move along the tokens; Enter or 'lesson next' goes on with the lesson)"),
            col_off());
    print_step(1);
    update_scene();
    /* interactive sessions show the view (opening the window the first time); scripts only
     * write a picture when asked to (out=) */
    if (out || scene_window_is_open() || (g_app.interactive && !g_app.headless)) return scene_show(VIEW_GATES, out);
    scene_select(VIEW_GATES);       /* what a later snap or export writes */
    return 0;
}

static int parse_index(const char *s, long *v)
{
    char *end;
    long x = strtol(s, &end, 10);
    if (!*s || *end || x < 0 || x > 1000000000L) return 0;
    *v = x;
    return 1;
}

int cmd_step(Args *a)
{
    TzErr e;
    long layer;
    if (arg_long(a, "layer", 0, 1, RNNLM_MAX_LAYERS, &layer, &e)) { say_tzerr(&e); return 1; }
    const char *out = arg_str(a, "out", NULL);
    if (out) {
        size_t n = strlen(out);
        if (n < 4 || strcasecmp(out + n - 4, ".png")) {
            say_error(M("out= bir PNG dosyası adı olmalı (.png ile biter): '%s'", "out= must name a PNG file (ending in .png): '%s'"),
                      out);
            return 1;
        }
    }
    if (a->argc == 1) {                          /* `step` alone, or `step layer=N` */
        if (!St.active) {
            say_error("%s", M("kullanım: step \"METİN\" [layer=N] · step next|prev|N · watch BİRİM…",
                              "usage: step \"TEXT\" [layer=N] · step next|prev|N · watch UNIT…"));
            return 1;
        }
        if (layer > St.tr.L) {
            say_error(M("layer=%ld: %s modelinin %d katmanı var (1–%d).", "layer=%ld: model %s has %d layers (1–%d)."),
                      layer, St.model, St.tr.L, St.tr.L);
            return 1;
        }
        if (layer > 0) St.layer = (int)layer - 1;
        return move_to((long)St.t, out);
    }
    long idx = 0;
    if (a->argc == 2 && (!strcmp(a->argv[1], "next") || !strcmp(a->argv[1], "prev") || parse_index(a->argv[1], &idx))) {
        if (!St.active) return no_session();
        if (layer > St.tr.L) {
            say_error(M("layer=%ld: %s modelinin %d katmanı var (1–%d).", "layer=%ld: model %s has %d layers (1–%d)."),
                      layer, St.model, St.tr.L, St.tr.L);
            return 1;
        }
        if (layer > 0) St.layer = (int)layer - 1;
        St.focus = 1;
        if (!strcmp(a->argv[1], "next")) return move_to((long)St.t + 1, out);
        if (!strcmp(a->argv[1], "prev")) return move_to((long)St.t - 1, out);
        if (idx < 1 || idx > (long)St.tk.n) {
            say_error(M("%ld. belirteç yok: metinde %zu belirteç var (1–%zu).", "there is no token %ld: the text has %zu (1–%zu)."),
                      idx, St.tk.n, St.tk.n);
            return 1;
        }
        return move_to(idx - 1, out);
    }
    Model *md = NULL;
    int from = 1;
    if (a->argc >= 3 && (md = model_find(a->argv[1])) && md->lm) from = 2;
    else md = model_for(a);
    if (!md) return 1;
    if (!md->lm) {
        const char *other = NULL;
        for (int i = 0; i < g_app.nmodels && !other; i++)
            if (g_app.models[i] && g_app.models[i]->lm) other = g_app.models[i]->name;
        if (other)
            say_error(M("%s yinelemeli bir dil modeli değil (%s); şunu deneyin: step \"...\" model=%s",
                        "%s is not a recurrent language model (%s); try: step \"...\" model=%s"), md->name, md->kind, other);
        else
            say_error(M("%s yinelemeli bir dil modeli değil (%s). Önce birini eğitin: train lstm corpus=tiny-tr",
                        "%s is not a recurrent language model (%s). Train one first: train lstm corpus=tiny-en"),
                      md->name, md->kind);
        return 1;
    }
    char *text = args_join(a, from);
    int rc = start(md, text, layer, out);
    free(text);
    return rc;
}

/* --- watch ------------------------------------------------------------------------------------ */

static void list_watched(void)
{
    if (!g_nwatch) {
        say("%s\n", M("izlenen birim yok; 'watch 12 40' 12 ve 40 numaralı birimleri izler.",
                      "no units are watched; 'watch 12 40' pins units 12 and 40."));
        return;
    }
    say("%s", M("izlenen birimler:", "watched units:"));
    for (int i = 0; i < g_nwatch; i++) say(" %d", g_watch[i]);
    say("\n");
}

int cmd_watch(Args *a)
{
    if (a->argc == 1) { list_watched(); return 0; }
    if (a->argc == 2 && !strcmp(a->argv[1], "clear")) {
        g_nwatch = 0;
        say("%s\n", M("izlenen birim kalmadı.", "no units are watched now."));
        if (St.active) update_scene();
        return 0;
    }
    /* the hidden size to check against: the session's, else the current language model's */
    int H = St.active ? St.tr.H : 0;
    const char *whose = St.active ? St.model : NULL;
    Model *cur = model_current();
    if (!H && cur && cur->lm) { H = cur->lm->m.H; whose = cur->name; }
    int add[MAX_WATCH], nadd = 0;
    for (int i = 1; i < a->argc; i++) {
        long u;
        if (!parse_index(a->argv[i], &u)) {
            say_error(M("'%s' bir birim numarası değil; örnek: watch 12 40 (birimler 0'dan sayılır).",
                        "'%s' is not a unit number; for example: watch 12 40 (units count from 0)."), a->argv[i]);
            return 1;
        }
        if (H && u >= H) {
            say_error(M("%ld numaralı birim yok: %s modelinin %d gizli birimi var (0–%d).",
                        "there is no unit %ld: model %s has %d hidden units (0–%d)."), u, whose, H, H - 1);
            return 1;
        }
        int dup = 0;
        for (int k = 0; k < g_nwatch; k++) dup |= g_watch[k] == (int)u;
        for (int k = 0; k < nadd; k++) dup |= add[k] == (int)u;
        if (dup) continue;
        if (g_nwatch + nadd >= MAX_WATCH) {
            say_error(M("en çok %d birim izlenebilir; 'watch clear' listeyi boşaltır.",
                        "at most %d units can be watched; 'watch clear' empties the list."), MAX_WATCH);
            return 1;
        }
        add[nadd++] = (int)u;
    }
    for (int k = 0; k < nadd; k++) g_watch[g_nwatch++] = add[k];
    list_watched();
    if (St.active) {
        print_watched(St.t);
        update_scene();
    }
    return 0;
}
