/* attention.c — looking inside a GPT: what its attention heads look at, and what it would say
 * next.
 *
 *   attention "TEXT" [layer=L] [head=H] [row=R] [export=FILE.csv] [out=FILE.png] [model=NAME]
 *       one head's tokens × tokens attention pattern: a heatmap in the window (queries down,
 *       keys across, the future of each query left empty: the causal mask), and in the
 *       terminal, per query, the token it looks at most; row=R prints the whole row R.
 *   attention "TEXT" all [...]
 *       every head at once (BertViz's "model view"): the layers × heads grid of thumbnails
 *       (the `heads` view, viz/attgrid.c) and a measured one-line summary per head — how much
 *       it looks at the previous token, at the first token, at itself, and how spread out
 *       it is (entropy) — so a class can find the previous-token heads of a trained model.
 *   next "PROMPT" [k=10] [temp=1] [topk=0] [topp=1] [out=FILE.png] [model=NAME]
 *       the next-token distribution: the k most likely tokens under the raw softmax, beside
 *       the distribution sampling really draws from once temperature, top-k and top-p have
 *       reshaped it (nn/sample.h, the same function `generate` uses), the tokens they cut
 *       marked; as a bar chart in the window.
 *
 * Layers, heads and positions are counted from 0, as in GPT-2's tensor names (h.0 … h.11)
 * and in PyTorch, so what is printed here can be checked against a notebook.
 *
 * Where the numbers come from: one gpt_forward over the tokens (B = 1, T = n, no targets)
 * keeps every attention pattern in its work space: w.att[l] is H × T × T, row q the softmax
 * over the keys 0 … q (exactly 0 for the keys after q: the causal mask), and w.logits the
 * N × V scores of the next token at every position.
 */
#include "app.h"
#include "gptm.h"
#include "i18n.h"
#include "out.h"
#include "scene.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/io.h"
#include "core/utf8.h"
#include "nn/sample.h"

#define LABEL_CAP 96

/* --- the model and one forward pass ------------------------------------------------------- */

/* model=NAME, else the current model if it is a GPT, else the GPT loaded last. */
static Model *gpt_pick(Args *a)
{
    const char *name = arg_str(a, "model", NULL);
    if (name) {
        Model *md = model_find(name);
        if (!md) {
            say_error(M("'%s' diye bir model yok; 'models' yüklü modelleri listeler.",
                        "there is no model '%s'; 'models' lists the loaded ones."), name);
            return NULL;
        }
        if (!md->gpt) {
            say_error(M("%s bir GPT değil (%s): attention ve next bir GPT'nin içine bakar. Birini eğitin "
                        "(train gpt corpus=mini-tr) ya da GPT-2'yi yükleyin (load gpt2/model.safetensors).",
                        "%s is not a GPT (%s): attention and next look inside a GPT. Train one (train gpt "
                        "corpus=mini-en) or load GPT-2 (load gpt2/model.safetensors)."), md->name, md->kind);
            return NULL;
        }
        return md;
    }
    Model *md = model_current();
    if (md && md->gpt) return md;
    for (int i = g_app.nmodels - 1; i >= 0; i--)
        if (g_app.models[i]->gpt) return g_app.models[i];
    say_error("%s", M("henüz bir GPT yok. Birini eğitin (train gpt corpus=mini-tr layers=2 dim=64 steps=300) ya da "
                      "GPT-2'yi yükleyin (load gpt2/model.safetensors).",
                      "there is no GPT yet. Train one (train gpt corpus=mini-en layers=2 dim=64 steps=300) or load "
                      "GPT-2 (load gpt2/model.safetensors)."));
    return NULL;
}

typedef struct {
    Model *md;
    GptModel *m;
    int32_t *ids;       /* the n tokens the model reads */
    int n;
    size_t total;       /* tokens in the whole text (more than n when it was cut to the context) */
    char **lab;         /* n display labels */
    GptWork w;
} Look;

static void look_free(Look *k)
{
    for (int i = 0; k->lab && i < k->n; i++) free(k->lab[i]);
    free(k->lab);
    free(k->ids);
    gpt_work_free(&k->w);
    memset(k, 0, sizeof *k);
}

/* What one forward pass over n tokens needs, in bytes (gpt_work_alloc's sum, rounded up):
 * per block about 17 N·D floats plus H·T² for the attention, and 3 N·V for the scores. */
static double work_bytes(const GptConfig *c, double n)
{
    return 4.0 * ((double)c->L * (17 * n * c->D + 4 * n + c->H * n * n) + 20 * n * c->D + 3 * n * c->V + n * n);
}

/* Cut the text into tokens (at most the context: the first C, or with tail the last C), run
 * the model over them and label them. Returns 0, or 1 after saying what was wrong. An empty
 * text is the caller's to handle (k->total = 0 and nothing run). */
static int look_run(Look *k, Model *md, const char *text, int tail)
{
    memset(k, 0, sizeof *k);
    k->md = md;
    k->m = md->gpt;
    const GptConfig *c = &k->m->g.cfg;
    size_t n = gpt_model_encode(k->m, text, &k->ids);
    k->total = n;
    if (!n) return 0;
    if (n > (size_t)c->C) {
        char b1[32], b2[32], b3[32];
        if (tail) {
            say(M("not: metin %s belirteç, modelin bağlamı %s; son %s belirteç kullanılıyor.\n",
                  "note: the text is %s tokens, the model's context %s; using the last %s tokens.\n"),
                fmt_int((long long)n, b1), fmt_int(c->C, b2), fmt_int(c->C, b3));
            memmove(k->ids, k->ids + (n - (size_t)c->C), (size_t)c->C * sizeof *k->ids);
        } else {
            say(M("not: metin %s belirteç, modelin bağlamı %s; ilk %s belirteç kullanılıyor.\n",
                  "note: the text is %s tokens, the model's context %s; using the first %s tokens.\n"),
                fmt_int((long long)n, b1), fmt_int(c->C, b2), fmt_int(c->C, b3));
        }
        n = (size_t)c->C;
    }
    k->n = (int)n;
    if (gpt_work_alloc(&k->w, c, 1, k->n)) {
        char b[32];
        say_error(M("%d belirteçlik bir ileri geçiş için bellek yetmedi (yaklaşık %s MB); daha kısa bir metin deneyin.",
                    "not enough memory for a forward pass over %d tokens (about %s MB); try a shorter text."),
                  k->n, fmt_real(work_bytes(c, n) / 1e6, 0, b));
        return 1;
    }
    gpt_forward(&k->m->g, &k->w, k->ids, NULL, 1, k->n);
    k->lab = tz_calloc(n, sizeof *k->lab);
    for (size_t i = 0; i < n; i++) {
        char b[LABEL_CAP];
        gpt_model_token_label(k->m, k->ids[i], b, sizeof b);
        k->lab[i] = tz_strdup(b);
    }
    return 0;
}

/* Head h of block l: its n × n pattern, row = query. */
static const float *head_at(const Look *k, int l, int h)
{
    return k->w.att[l] + (size_t)h * (size_t)k->n * (size_t)k->n;
}

/* "Ben kahve içiyorum" as a title shows it: at most 40 characters, then "…". */
static void short_text(const char *text, char *out, size_t cap)
{
    size_t n = strlen(text), i = 0, chars = 0;
    while (i < n && chars < 40) {
        uint32_t cp;
        int used = utf8_decode(text + i, n - i, &cp);
        i += used ? (size_t)used : 1;
        chars++;
    }
    snprintf(out, cap, "%.*s%s", (int)i, text, i < n ? "…" : "");
}

/* A number for the terminal: the user's decimal mark, fixed decimals. */
static const char *num(double v, int prec, char buf[32]) { return fmt_real(v, prec, buf); }

/* A setting as typed: at most 3 decimals, trailing zeros dropped (temp=0.7, topp=1). */
static const char *setting(double v, char buf[32])
{
    fmt_real(v, 3, buf);
    char *mark = strpbrk(buf, ".,");
    if (!mark) return buf;
    char *e = buf + strlen(buf) - 1;
    while (e > mark && *e == '0') *e-- = '\0';
    if (e == mark) *e = '\0';
    return buf;
}

/* s right-aligned in w columns (counting code points, so that Turkish letters line up). */
static void say_r(const char *s, int w)
{
    int n = (int)utf8_length(s, strlen(s));
    say("%*s%s", w > n ? w - n : 0, "", s);
}

/* The column the labels need: the widest (in characters), at least 8, at most 32. */
static int label_width(char *const *labs, int n)
{
    int w = 8;
    for (int i = 0; i < n; i++) {
        int l = (int)utf8_length(labs[i], strlen(labs[i]));
        if (l > w) w = l;
    }
    return w < 32 ? w : 32;
}

/* A bar of eighth blocks, width·v characters long (v in 0..1). */
static void bar_text(double v, int width, char *out, size_t cap)
{
    static const char *const part[8] = { "", "▏", "▎", "▍", "▌", "▋", "▊", "▉" };
    if (!(v > 0)) v = 0;
    if (v > 1) v = 1;
    int eighths = (int)lround(v * width * 8), o = 0;
    out[0] = '\0';
    for (int i = 0; i < eighths / 8 && o + 4 < (int)cap; i++) o += snprintf(out + o, cap - (size_t)o, "█");
    if (eighths % 8 && o + 4 < (int)cap) snprintf(out + o, cap - (size_t)o, "%s", part[eighths % 8]);
}

/* --- the measured summary of one head ----------------------------------------------------- */

typedef struct {
    double prev, first, self;   /* mean weight on the token before / token 0 / itself */
    double entropy;             /* mean bits per query row */
} HeadStats;

/* Over the queries 1 … n−1 (query 0 can only look at itself: it says nothing about the head). */
static HeadStats head_stats(const float *A, int n)
{
    HeadStats s = { NAN, NAN, NAN, NAN };
    if (n < 2) return s;
    double p = 0, f = 0, me = 0, ent = 0;
    for (int q = 1; q < n; q++) {
        const float *row = A + (size_t)q * n;
        p += row[q - 1];
        f += row[0];
        me += row[q];
        double e = 0;
        for (int k = 0; k <= q; k++)
            if (row[k] > 0) e -= row[k] * log2(row[k]);
        ent += e;
    }
    double m = n - 1;
    s.prev = p / m;
    s.first = f / m;
    s.self = me / m;
    s.entropy = ent / m;
    return s;
}

/* What the head mostly does, in words: the strongest of the three positional habits when it
 * takes at least half the weight on average; else "focused" when each query still looks at
 * about one key (2^entropy < 1.5: a key chosen by what the tokens are, not where they stand),
 * else "spread". 0 prev, 1 first, 2 self, 3 focused, 4 spread. */
static int head_kind(const HeadStats *s, double *strength)
{
    double v[3] = { s->prev, s->first, s->self };
    int best = 0;
    for (int i = 1; i < 3; i++)
        if (v[i] > v[best]) best = i;
    *strength = v[best];
    if (v[best] >= 0.5) return best;
    return pow(2, s->entropy) < 1.5 ? 3 : 4;
}

static const char *kind_long(int kind)
{
    switch (kind) {
    case 0: return M("bir önceki belirteç", "the previous token");
    case 1: return M("ilk belirteç", "the first token");
    case 2: return M("kendisi", "itself");
    case 3: return M("tek bir anahtar, konuma göre değil (içeriğe göre)", "one key, not by position (by content)");
    default: return M("birçok anahtara yayılmış", "spread over many keys");
    }
}

static const char *kind_short(int kind)
{
    switch (kind) {
    case 0: return M("önceki", "prev");
    case 1: return M("ilk", "first");
    case 2: return M("kendi", "self");
    case 3: return M("odaklı", "focused");
    default: return M("yayık", "spread");
    }
}

/* --- export ------------------------------------------------------------------------------- */

/* A CSV field: always quoted, a quote inside doubled (RFC 4180), so that tokens holding
 * commas, quotes, spaces or line breaks read back as they were. */
static void csv_field(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

typedef struct {
    const Look *k;
    int l0, l1, h0, h1;      /* the blocks and heads written: [l0, l1) × [h0, h1) */
    char **text;             /* n: each token's own text (a space as a space) */
    size_t rows;
} CsvOut;

static int csv_write(FILE *f, void *ud, TzErr *e)
{
    (void)e;
    CsvOut *o = ud;
    const Look *k = o->k;
    fprintf(f, "layer,head,query,key,query_token,key_token,weight\n");
    for (int l = o->l0; l < o->l1; l++)
        for (int h = o->h0; h < o->h1; h++) {
            const float *A = head_at(k, l, h);
            for (int q = 0; q < k->n; q++)
                for (int j = 0; j < k->n; j++, o->rows++) {
                    fprintf(f, "%d,%d,%d,%d,", l, h, q, j);
                    csv_field(f, o->text[q]);
                    fputc(',', f);
                    csv_field(f, o->text[j]);
                    fprintf(f, ",%.7g\n", (double)A[(size_t)q * k->n + j]);
                }
        }
    return ferror(f) ? tz_errf(e, TZ_E_IO, "yazılamadı", "could not write") : 0;
}

static int export_csv(const Look *k, const char *path, int l0, int l1, int h0, int h1)
{
    double rows = (double)(l1 - l0) * (h1 - h0) * k->n * k->n;
    if (rows > 2e7) {
        char b[32];
        say_error(M("bu dışa aktarım %s satır olurdu (her kafa için belirteç²): çok büyük. Daha kısa bir metin ya da tek bir kafa "
                    "(all olmadan, layer= head=) deneyin.",
                    "this export would be %s rows (tokens² per head): too big. Try a shorter text or one head (without all, "
                    "layer= head=)."), fmt_int((long long)rows, b));
        return 1;
    }
    CsvOut o = { .k = k, .l0 = l0, .l1 = l1, .h0 = h0, .h1 = h1 };
    o.text = tz_calloc((size_t)k->n, sizeof *o.text);
    /* the token's own bytes when they are whole UTF-8 (a space stays a space: the CSV is data,
     * not a picture); a piece of a character is written as its label */
    for (int i = 0; i < k->n; i++) {
        size_t len = 0;
        const char *raw = k->m->bpe ? bpe_token_bytes(k->m->bpe, k->ids[i], &len) : NULL;
        if (raw && utf8_validate(raw, len) == len && !memchr(raw, '\0', len)) {
            o.text[i] = tz_malloc(len + 1);
            memcpy(o.text[i], raw, len);
            o.text[i][len] = '\0';
        } else {
            o.text[i] = tz_strdup(k->lab[i]);
        }
    }
    TzErr e;
    int rc = tz_save_atomic(path, csv_write, &o, &e);
    for (int i = 0; i < k->n; i++) free(o.text[i]);
    free(o.text);
    if (rc) {
        say_tzerr(&e);
        return 1;
    }
    char b[32];
    say(M("%s satır yazıldı (katman, kafa, sorgu, anahtar, belirteçler, ağırlık): %s\n",
          "%s rows written (layer, head, query, key, the tokens, weight): %s\n"),
        fmt_int((long long)o.rows, b), path);
    return 0;
}

/* --- attention ---------------------------------------------------------------------------- */

/* In the window when there is one (or an interactive session may open it), or as a PNG when
 * out= asks; else only selected, for `snap` and `export`. */
static int show(ViewId v, const char *png)
{
    if (png || scene_window_is_open() || (g_app.interactive && !g_app.headless)) return scene_show(v, png);
    scene_select(v);
    return 0;
}

/* row=R: query R's weight on every key. */
static void print_row(const Look *k, int l, int h, int r)
{
    const float *row = head_at(k, l, h) + (size_t)r * k->n;
    say(M("satır %d: sorgu %d '%s', katman %d, kafa %d — her anahtara ağırlığı (satırın toplamı 1):\n",
          "row %d: query %d '%s', layer %d, head %d — its weight on every key (the row sums to 1):\n"),
        r, r, k->lab[r], l, h);
    say("  %s  %-8s %s\n", M("anahtar", "    key"), M("ağırlık", "weight"), M("belirteç", "token"));
    int W = label_width(k->lab, k->n);
    double sum = 0;
    for (int j = 0; j < k->n; j++) {
        char b[32], bar[128];
        sum += row[j];
        if (j > r) {
            say("  %7d  %-8s %s%*s %s\n", j, num(row[j], 4, b), k->lab[j], pad(k->lab[j], W), "",
                M("(gelecek: maskeli)", "(the future: masked)"));
            continue;
        }
        bar_text(row[j], 20, bar, sizeof bar);
        say("  %7d  %-8s %s%*s %s\n", j, num(row[j], 4, b), k->lab[j], pad(k->lab[j], W), "", bar);
    }
    char b[32];
    say("  %7s  %s\n", M("toplam", "sum"), num(sum, 4, b));
}

/* The compact text version of one head: per query, the key it looks at most, and the row as
 * a strip of bar heights (▁ … █, relative to the row's largest weight; · marks the future). */
static void print_head(const Look *k, int l, int h)
{
    const float *A = head_at(k, l, h);
    int strip = k->n <= 60;
    say(M("%s, katman %d, kafa %d (0'dan sayılır): %d belirteç; satır = sorgu (bakan), sütun = anahtar (bakılan)\n",
          "%s, layer %d, head %d (counted from 0): %d tokens; row = query (looking), column = key (looked at)\n"),
        k->md->name, l, h, k->n);
    say("  %4s  %s%*s %s\n", "q", M("belirteç", "token"), pad(M("belirteç", "token"), label_width(k->lab, k->n)), "",
        M("en çok baktığı (ağırlık)", "looks most at (weight)"));
    int W = label_width(k->lab, k->n);
    static const char *const lv[9] = { " ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
    for (int q = 0; q < k->n; q++) {
        const float *row = A + (size_t)q * k->n;
        int best = 0;
        for (int j = 1; j <= q; j++)
            if (row[j] > row[best]) best = j;
        char b[32], who[LABEL_CAP + 16];
        snprintf(who, sizeof who, "%d %s", best, k->lab[best]);
        say("  %4d  %s%*s %s%*s %s", q, k->lab[q], pad(k->lab[q], W), "", who, pad(who, W + 4), "", num(row[best], 3, b));
        if (strip) {
            say("   ");
            /* heights relative to the row's largest weight (printed before the strip), so that a
               long row of small weights still shows its shape; any weight above 0 gets at least ▁,
               so a blank never looks like the masked future */
            for (int j = 0; j < k->n; j++) {
                int lvl = row[best] > 0 && row[j] > 0 ? (int)ceil(fmin(1, row[j] / row[best]) * 8) : 0;
                say("%s", j > q ? "·" : lv[lvl < 0 ? 0 : lvl > 8 ? 8 : lvl]);
            }
        }
        say("\n");
    }
    if (strip)
        say("%s\n", M("  şerit: her anahtarın ağırlığı, satırın en büyüğüne (█) göre; · gelecek (maskeli)",
                      "  strip: each key's weight relative to the row's largest (█); · the future (masked)"));
}

/* The terminal table of every head, and the grid in the window. */
static void show_all(const Look *k, const char *text, const char *png, int *rc)
{
    const GptConfig *c = &k->m->g.cfg;
    int L = c->L, H = c->H, n = k->n;
    char b1[32], b2[32], b3[32], b4[32], b5[32];
    say(M("%s: %d × %d (katman × kafa), %d belirteç üzerinde (katmanlar ve kafalar 0'dan sayılır, GPT-2'nin h.0 … adları gibi)\n",
          "%s: %d × %d (layers × heads) over %d tokens (layers and heads counted from 0, as in GPT-2's names h.0 …)\n"),
        k->md->name, L, H, n);
    say("  %s%*s", M("kafa", "head"), pad(M("kafa", "head"), 7), "");
    say_r(M("önceki", "prev"), 7);
    say_r(M("ilk", "first"), 7);
    say_r(M("kendi", "self"), 7);
    say_r(M("entropi", "entropy"), 9);
    say_r(M("≈anahtar", "≈keys"), 10);
    say("  %s\n", M("çoğunlukla", "mostly"));
    size_t nh = (size_t)L * (size_t)H;
    char **notes = tz_calloc(nh, sizeof *notes), **sums = tz_calloc(nh, sizeof *sums);
    for (int l = 0; l < L; l++)
        for (int h = 0; h < H; h++) {
            HeadStats s = head_stats(head_at(k, l, h), n);
            char name[32], line[256], note[64];
            snprintf(name, sizeof name, "L%d H%d", l, h);
            if (n < 2) {
                say("  %-7s", name);
                for (int i = 0; i < 5; i++) say_r("—", i < 3 ? 7 : i == 3 ? 9 : 10);
                say("  %s\n", M("(tek belirteç: yalnız kendine bakabilir)", "(one token: it can only look at itself)"));
                continue;
            }
            double strength;
            int kind = head_kind(&s, &strength);
            say("  %-7s %6s %6s %6s %8s %9s  %s\n", name, num(s.prev, 2, b1), num(s.first, 2, b2), num(s.self, 2, b3),
                num(s.entropy, 2, b4), num(pow(2, s.entropy), 1, b5), kind_long(kind));
            if (kind < 3) snprintf(note, sizeof note, "%s %s", kind_short(kind), num(strength, 2, b1));
            else snprintf(note, sizeof note, "%s ≈%s", kind_short(kind), num(pow(2, s.entropy), 1, b1));
            snprintf(line, sizeof line, M("önceki %s · ilk %s · kendi %s · entropi %s bit · %s", "prev %s · first %s · self %s · entropy %s bits · %s"),
                     num(s.prev, 3, b1), num(s.first, 3, b2), num(s.self, 3, b3), num(s.entropy, 2, b4), kind_long(kind));
            notes[(size_t)l * H + h] = tz_strdup(note);
            sums[(size_t)l * H + h] = tz_strdup(line);
        }
    if (n >= 2)
        say(M("  önceki/ilk/kendi: bir sorgunun kendinden önceki belirtece / 0. belirtece / kendine verdiği ortalama ağırlık "
              "(sorgular 1…%d); entropi: satır başına bit (0: tek bir anahtar), ≈anahtar = 2^entropi: kaç anahtara yayıldığı\n",
              "  prev/first/self: the mean weight a query puts on the token just before it / on token 0 / on itself "
              "(queries 1…%d); entropy: bits per row (0: one key), ≈keys = 2^entropy: how many keys it spreads over\n"),
            n - 1);
    /* the grid: every head's n × n pattern, the future as NaN (left unpainted) */
    size_t TT = (size_t)n * n;
    float *att = tz_malloc(nh * TT * sizeof *att);
    for (int l = 0; l < L; l++)
        for (int h = 0; h < H; h++) {
            const float *A = head_at(k, l, h);
            float *o = att + ((size_t)l * H + h) * TT;
            for (int q = 0; q < n; q++)
                for (int j = 0; j < n; j++) o[(size_t)q * n + j] = j > q ? NAN : A[(size_t)q * n + j];
        }
    char title[256], st[192], sub[1024];
    short_text(text, st, sizeof st);
    snprintf(title, sizeof title, M("dikkat: %d × %d (katman × kafa) · %s · “%s”", "attention: %d × %d (layers × heads) · %s · “%s”"),
             L, H, k->md->name, st);
    size_t o = 0;
    for (int i = 0; i < n && o + 8 < sizeof sub; i++)
        o += (size_t)snprintf(sub + o, sizeof sub - o, "%s%s", i ? "  " : "", k->lab[i]);
    if (o >= sizeof sub) snprintf(sub + sizeof sub - 4, 4, "…");
    SceneHeads sh = { .title = title, .subtitle = sub,
                      .footer = M("satır = sorgu, sütun = anahtar · boş üçgen: gelecek (nedensel maske) · katman ve kafalar 0'dan "
                                  "sayılır · tıklayın: o kafanın özeti",
                                  "row = query, column = key · empty triangle: the future (causal mask) · layers and heads "
                                  "counted from 0 · click: that head's summary"),
                      .layers = (size_t)L, .heads = (size_t)H, .T = (size_t)n, .att = att,
                      .tokens = (const char *const *)k->lab, .notes = (const char *const *)notes,
                      .summaries = (const char *const *)sums };
    scene_heads_set(&sh);
    free(att);
    for (size_t i = 0; i < nh; i++) { free(notes[i]); free(sums[i]); }
    free(notes);
    free(sums);
    if (show(VIEW_HEADS, png)) *rc = 1;
}

/* One head as a heatmap in the window. */
static void show_head(const Look *k, int l, int h, const char *text, const char *png, int *rc)
{
    int n = k->n;
    float *P = tz_malloc((size_t)n * n * sizeof *P);
    const float *A = head_at(k, l, h);
    for (int q = 0; q < n; q++)
        for (int j = 0; j < n; j++) P[(size_t)q * n + j] = j > q ? NAN : A[(size_t)q * n + j];
    char title[256], st[192];
    short_text(text, st, sizeof st);
    snprintf(title, sizeof title, M("dikkat · katman %d, kafa %d · %s · “%s”", "attention · layer %d, head %d · %s · “%s”"), l,
             h, k->md->name, st);
    scene_heatmap_set(title, P, (size_t)n, (size_t)n, (const char *const *)k->lab, (const char *const *)k->lab, 0, "p");
    scene_heatmap_axes(M("sorgu (bakan belirteç) ↓", "query (the token looking) ↓"),
                       M("anahtar (bakılan belirteç) →  · taralı: gelecek (nedensel maske)",
                         "key (the token looked at) →  · hatched: the future (causal mask)"));
    free(P);
    if (show(VIEW_HEATMAP, png)) *rc = 1;
}

int cmd_attention(Args *a)
{
    TzErr e;
    /* `attention "TEXT" all`: the last word "all" asks for every head (the text itself may
     * be the word "all": then it is the only word) */
    int all = a->argc > 2 && !strcmp(a->argv[a->argc - 1], "all");
    int last = all ? a->argc - 1 : a->argc;
    Model *md = gpt_pick(a);
    if (!md) return 1;
    const GptConfig *c = &md->gpt->g.cfg;
    long layer, head, row;
    int has_row = arg_str(a, "row", NULL) != NULL;
    if (arg_long(a, "layer", 0, LONG_MIN, LONG_MAX, &layer, &e) || arg_long(a, "head", 0, LONG_MIN, LONG_MAX, &head, &e) ||
        arg_long(a, "row", 0, LONG_MIN, LONG_MAX, &row, &e)) {
        say_tzerr(&e);
        return 1;
    }
    if (layer < 0 || layer >= c->L) {
        say_error(M("layer=%ld yok: %s modelinin %d katmanı var, numaraları 0–%d (GPT-2'nin h.0 … adları gibi).",
                    "there is no layer=%ld: %s has %d layers, numbered 0 to %d (as GPT-2's names h.0 …)."),
                  layer, md->name, c->L, c->L - 1);
        return 1;
    }
    if (head < 0 || head >= c->H) {
        say_error(M("head=%ld yok: %s modelinin katman başına %d kafası var, numaraları 0–%d.",
                    "there is no head=%ld: %s has %d heads per layer, numbered 0 to %d."),
                  head, md->name, c->H, c->H - 1);
        return 1;
    }
    const char *csv = arg_str(a, "export", NULL), *png = arg_str(a, "out", NULL);
    if (csv) {
        size_t cl = strlen(csv);
        if (cl < 4 || strcasecmp(csv + cl - 4, ".csv")) {
            say_error(M("export= bir CSV dosyası yazar: ad .csv ile bitmeli ('%s').",
                        "export= writes a CSV file: the name must end in .csv ('%s')."), csv);
            return 1;
        }
    }
    if (png) {
        size_t pl = strlen(png);
        if (pl < 4 || strcasecmp(png + pl - 4, ".png")) {
            say_error(M("out= bir PNG yazar: ad .png ile bitmeli ('%s').", "out= writes a PNG: the name must end in .png ('%s')."),
                      png);
            return 1;
        }
    }
    /* the text: the words before "all", joined */
    Args t = *a;
    t.argc = last;
    char *text = args_join(&t, 1);
    Look k;
    if (look_run(&k, md, text, 0)) {
        free(text);
        look_free(&k);
        return 1;
    }
    if (!k.n) {
        say_error("%s", M("boş metin: bakılacak belirteç yok. Örnek: attention \"Ben kahve içiyorum\"",
                          "an empty text: there are no tokens to look at. For example: attention \"the cat sat on the mat\""));
        free(text);
        look_free(&k);
        return 1;
    }
    if (has_row && (row < 0 || row >= k.n)) {
        say_error(M("row=%ld yok: metin %d belirteç, satırların numaraları 0–%d.",
                    "there is no row=%ld: the text is %d tokens, rows 0 to %d."), row, k.n, k.n - 1);
        free(text);
        look_free(&k);
        return 1;
    }
    /* the grid copies every head's n × n pattern twice (with the future as NaN, then into the
     * scene): keep that under ~400 MB (GPT-2's 144 heads: up to ~590 tokens) */
    double cells = (double)c->L * c->H * k.n * k.n;
    if (all && cells > 5e7) {
        char b[32];
        say_error(M("%d katman × %d kafa için %d belirteçlik ızgara çok büyük (%s MB); en çok %d belirteçlik bir metin "
                    "deneyin ya da tek bir kafa (all olmadan, layer= head=).",
                    "the grid of %d layers × %d heads over %d tokens is too big (%s MB); try a text of at most %d tokens, "
                    "or one head (without all, layer= head=)."),
                  c->L, c->H, k.n, fmt_real(cells * 8 / 1e6, 0, b), (int)sqrt(5e7 / ((double)c->L * c->H)));
        free(text);
        look_free(&k);
        return 1;
    }
    int rc = 0;
    if (all) show_all(&k, text, png, &rc);
    else {
        print_head(&k, (int)layer, (int)head);
        show_head(&k, (int)layer, (int)head, text, png, &rc);
    }
    if (has_row) print_row(&k, (int)layer, (int)head, (int)row);
    if (csv && export_csv(&k, csv, all ? 0 : (int)layer, all ? c->L : (int)layer + 1, all ? 0 : (int)head,
                          all ? c->H : (int)head + 1))
        rc = 1;
    free(text);
    look_free(&k);
    return rc;
}

/* --- next --------------------------------------------------------------------------------- */

int cmd_next_token(Args *a)
{
    TzErr e;
    Model *md = gpt_pick(a);
    if (!md) return 1;
    GptModel *m = md->gpt;
    int V = m->g.cfg.V;
    long k;
    double temp, topp;
    long topk;
    if (arg_long(a, "k", 10, 1, 100, &k, &e) || arg_double(a, "temp", 1, 0, 100, &temp, &e) ||
        arg_long(a, "topk", 0, 0, V, &topk, &e) || arg_double(a, "topp", 1, 0, 1, &topp, &e)) {
        say_tzerr(&e);
        return 1;
    }
    if (!(topp > 0)) {
        say_error("%s", M("topp=0 hiçbir belirteç bırakmaz: 0 ile 1 arasında bir kütle verin (ör. topp=0.9; 1 = kapalı).",
                          "topp=0 would keep no token: give a mass between 0 and 1 (e.g. topp=0.9; 1 = off)."));
        return 1;
    }
    const char *png = arg_str(a, "out", NULL);
    if (png) {
        size_t pl = strlen(png);
        if (pl < 4 || strcasecmp(png + pl - 4, ".png")) {
            say_error(M("out= bir PNG yazar: ad .png ile bitmeli ('%s').", "out= writes a PNG: the name must end in .png ('%s')."),
                      png);
            return 1;
        }
    }
    if (k > V) k = V;
    char *text = args_join(a, 1);
    Look L;
    if (look_run(&L, md, text, 1)) {
        free(text);
        look_free(&L);
        return 1;
    }
    if (!L.n) {
        /* nothing to start from: what comes first in a document (after GPT-2's <|endoftext|>),
         * or, for a model without one, at the start of a line — as generate does */
        look_free(&L);
        free(text);
        int rc;
        if (m->eot >= 0) {
            char eot[LABEL_CAP];
            gpt_model_token_label(m, m->eot, eot, sizeof eot);
            say(M("boş başlangıç: %s belirtecinden sonra ne gelir (bir belgenin ilk belirteci).\n",
                  "an empty prompt: what comes after %s (the first token of a document).\n"), eot);
            text = tz_strdup(eot);
            L.md = md;
            L.m = m;
            L.n = 1;
            L.total = 1;
            L.ids = tz_malloc(sizeof *L.ids);
            L.ids[0] = m->eot;
            L.lab = tz_calloc(1, sizeof *L.lab);
            L.lab[0] = tz_strdup(eot);
            rc = gpt_work_alloc(&L.w, &m->g.cfg, 1, 1);
            if (rc) say_error("%s", M("ileri geçiş için bellek yetmedi.", "not enough memory for a forward pass."));
            else gpt_forward(&m->g, &L.w, L.ids, NULL, 1, 1);
        } else {
            say("%s", M("boş başlangıç: bir satırın başında ne gelir (↵ sonrası).\n",
                        "an empty prompt: what comes at the start of a line (after ↵).\n"));
            text = tz_strdup("↵");
            rc = look_run(&L, md, "\n", 1);
        }
        if (rc || !L.n) {
            free(text);
            look_free(&L);
            return 1;
        }
    }
    const float *logits = L.w.logits + (size_t)(L.n - 1) * V;
    /* three views of the same scores: raw (temp 1, nothing cut), tempered (nothing cut), and
     * the one sampling draws from (temp, top-k and top-p applied) */
    float *raw = tz_malloc((size_t)V * sizeof *raw), *tmp = tz_malloc((size_t)V * sizeof *tmp),
          *fin = tz_malloc((size_t)V * sizeof *fin);
    int32_t *order = tz_malloc((size_t)V * sizeof *order), *scratch = tz_malloc((size_t)V * sizeof *scratch);
    SampleParams p_raw = { 1, 0, 1 }, p_tmp = { (float)temp, 0, 1 }, p_fin = { (float)temp, (int)topk, (float)topp };
    sample_dist(logits, V, &p_raw, raw, scratch);
    sample_dist(logits, V, &p_tmp, tmp, scratch);
    size_t kept = sample_dist(logits, V, &p_fin, fin, order);
    double sum_raw = 0, sum_fin = 0, kept_tmp = 0, kept_raw = 0;
    for (int i = 0; i < V; i++) { sum_raw += raw[i]; sum_fin += fin[i]; }
    for (size_t i = 0; i < kept; i++) { kept_tmp += tmp[order[i]]; kept_raw += raw[order[i]]; }

    char st[192], b1[32], b2[32], b3[32], b4[32], b5[32], b6[32], b7[32];
    short_text(text, st, sizeof st);
    say(M("“%s” sonrası bir sonraki belirteç (%s; okunan belirteç: %d; sözlük %s)\n",
          "the next token after “%s” (%s; tokens read: %d; vocabulary %s)\n"),
        st, md->name, L.n, fmt_int(V, b1));
    say(M("temp=%s topk=%ld topp=%s: %s belirteç kalıyor (%s içinden); kütleleri temp=%s dağılımında %%%s, ham (temp=1) dağılımda %%%s\n",
          "temp=%s topk=%ld topp=%s: %s of %s tokens kept; their mass at temp=%s is %s%%, in the raw distribution (temp=1) %s%%\n"),
        setting(temp, b1), topk, setting(topp, b2), fmt_int((long long)kept, b3), fmt_int(V, b4), setting(temp, b5),
        num(100 * kept_tmp, 1, b6), num(100 * kept_raw, 1, b7));
    char **labels = tz_calloc((size_t)k, sizeof *labels), **notes = tz_calloc((size_t)k, sizeof *notes),
         **tsv = tz_calloc((size_t)k, sizeof *tsv);
    for (long i = 0; i < k; i++) {
        char lab[LABEL_CAP];
        gpt_model_token_label(m, order[i], lab, sizeof lab);
        labels[i] = tz_strdup(lab);
    }
    int W = label_width(labels, (int)k);
    say("  %4s  %s%*s %s%*s %s\n", "#", M("belirteç", "token"), pad(M("belirteç", "token"), W), "",
        M("ham p (temp=1)", "raw p (temp=1)"), pad(M("ham p (temp=1)", "raw p (temp=1)"), 28), "",
        M("yeniden biçimlenmiş p", "reshaped p"));
    float *vals = tz_malloc((size_t)k * sizeof *vals);
    double shown_raw = 0, shown_fin = 0;
    for (long i = 0; i < k; i++) {
        int32_t id = order[i];
        const char *lab = labels[i];
        char bar1[128], bar2[128], rcol[160], cut[48] = "";
        shown_raw += raw[id];
        shown_fin += fin[id];
        if ((size_t)i >= kept) {
            const char *why = temp <= 0 ? M("açgözlü (temp=0)", "greedy (temp=0)")
                              : topk > 0 && i >= topk ? "top-k"
                              /* a weight that underflows to 0 at this temperature is cut by that,
                                 whatever top-p says */
                              : tmp[id] > 0 && topp < 1 ? "top-p" : M("sıfıra yuvarlandı", "rounds to 0");
            snprintf(cut, sizeof cut, "✂ %s", why);
        }
        bar_text(raw[id], 16, bar1, sizeof bar1);
        bar_text(fin[id], 16, bar2, sizeof bar2);
        snprintf(rcol, sizeof rcol, "%s %s", num(raw[id], 4, b1), bar1);
        say("  %4ld  %s%*s %s%*s %s %s\n", i + 1, lab, pad(lab, W), "", rcol, pad(rcol, 28), "", num(fin[id], 4, b2),
            cut[0] ? cut : bar2);
        vals[i] = fin[id];
        char nb[160];
        if (cut[0]) snprintf(nb, sizeof nb, M("%s · ham %s", "%s · raw %s"), cut, num(raw[id], 3, b1));
        else snprintf(nb, sizeof nb, M("ham %s", "raw %s"), num(raw[id], 3, b1));
        notes[i] = tz_strdup(nb);
        char tb[256];
        snprintf(tb, sizeof tb, "%ld\t%d\t%s\t%.6g\t%.6g\t%d", i + 1, id, lab, (double)raw[id], (double)fin[id],
                 (size_t)i < kept);
        tsv[i] = tz_strdup(tb);
    }
    say(M("  toplam, %s belirtecin hepsi üzerinde: ham %s, yeniden biçimlenmiş %s (gösterilen %ld: ham %s, yeniden biçimlenmiş %s)\n",
          "  sum over all %s tokens: raw %s, reshaped %s (the %ld shown: raw %s, reshaped %s)\n"),
        fmt_int(V, b1), num(sum_raw, 4, b2), num(sum_fin, 4, b3), k, num(shown_raw, 4, b4), num(shown_fin, 4, b5));
    say("%s", M("  ham: softmax(logits); yeniden biçimlenmiş: softmax(logits/temp), sonra top-k, sonra top-p (kalan en olası "
                "belirteçlerin kütlesi p'ye ulaşana dek), yeniden 1'e ölçeklenmiş — generate bundan örnekler. ✂: kesilen.\n",
                "  raw: softmax(logits); reshaped: softmax(logits/temp), then top-k, then top-p (the most likely tokens "
                "until their mass reaches p), rescaled to sum to 1 — what generate samples from. ✂: cut.\n"));

    char title[160], sub[256];
    snprintf(title, sizeof title, M("“%s” sonrası bir sonraki belirteç · %s", "the next token after “%s” · %s"), st, md->name);
    snprintf(sub, sizeof sub,
             M("temp=%s topk=%ld topp=%s · %s/%s belirteç kalıyor · çubuk: örneklenen dağılım, not: ham softmax",
               "temp=%s topk=%ld topp=%s · %s/%s tokens kept · bars: the distribution sampled from, notes: the raw softmax"),
             setting(temp, b1), topk, setting(topp, b2), fmt_int((long long)kept, b3), fmt_int(V, b4));
    SceneBars sb = { .title = title, .subtitle = sub, .xlabel = "p", .n = (size_t)k, .labels = (const char *const *)labels,
                     .values = vals, .notes = (const char *const *)notes, .highlight = -1, .value_format = "%.3f",
                     .tsv_header = "rank\tid\ttoken\traw_p\tp\tkept", .tsv_rows = (const char *const *)tsv,
                     .tsv_n = (size_t)k };
    scene_bars_set(&sb);
    int rc = show(VIEW_BARS, png);
    for (long i = 0; i < k; i++) { free(labels[i]); free(notes[i]); free(tsv[i]); }
    free(labels);
    free(notes);
    free(tsv);
    free(vals);
    free(raw);
    free(tmp);
    free(fin);
    free(order);
    free(scratch);
    free(text);
    look_free(&L);
    return rc;
}
