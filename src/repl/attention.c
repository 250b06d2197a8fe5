/* attention.c — looking inside a Transformer (BERT, GPT or LLaMA): what its attention heads look
 * at, the three side by side, and what a GPT would say next.
 *
 *   attention "TEXT" [layer=L] [head=H] [row=R] [export=FILE.csv] [out=FILE.png] [model=NAME]
 *       one head's tokens × tokens attention pattern: a heatmap in the window (queries down,
 *       keys across; for GPT and LLaMA the future of each query hatched: the causal mask; for
 *       BERT the full square, nothing hatched), and in the terminal, per query, the token it
 *       looks at most; row=R prints the whole row R.
 *   attention "TEXT" all [...]
 *       every head at once (BertViz's "model view"): the layers × heads grid of thumbnails
 *       (the `heads` view, viz/attgrid.c) and a measured one-line summary per head — how much
 *       it looks at the previous token, at the first token, at itself, how spread out it is
 *       (entropy), and how much weight goes above the diagonal (to later tokens) — so a class
 *       can find the previous-token heads of a trained model and see which models look ahead.
 *   attention compare "TEXT" [bert=NAME] [gpt=NAME] [llama=NAME] [layer=] [head=] [out=FILE.png]
 *       one head of each kind side by side (viz/attgrid.h's view_attpanels): BERT's full square
 *       beside GPT's and LLaMA's triangles, each titled with its direction, and printed, per
 *       model, the weight above the diagonal read off its pattern. A kind the session has no
 *       model of is stood in for by a small one with random weights (tflook.h).
 *   next "PROMPT" [k=10] [temp=1] [topk=0] [topp=1] [out=FILE.png] [model=NAME]
 *       a GPT's next-token distribution: the k most likely tokens under the raw softmax, beside
 *       the distribution sampling really draws from once temperature, top-k and top-p have
 *       reshaped it (nn/sample.h, the same function `generate` uses), the tokens they cut
 *       marked; as a bar chart in the window.
 *
 * Layers, heads and positions are counted from 0, as in GPT-2's tensor names (h.0 … h.11),
 * BERT's (encoder.layer.0 …) and LLaMA's (layers.0 …), and in PyTorch, so what is printed here
 * can be checked against a notebook.
 *
 * Where the numbers come from: one forward pass over the tokens (B = 1, no targets) keeps every
 * attention pattern in its work space (tflook.h says which, per kind): att[l] is H × T × T, row q
 * a softmax over the keys q may see — all of them for BERT, 0 … q for GPT and LLaMA (exactly 0
 * after q: the causal mask) — and for a GPT w.logits holds the N × V scores of the next token at
 * every position.
 */
#include "app.h"
#include "i18n.h"
#include "out.h"
#include "scene.h"
#include "tflook.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/io.h"
#include "core/utf8.h"
#include "nn/sample.h"
#include "viz/attgrid.h"

#define LABEL_CAP 96

/* --- the three kinds ------------------------------------------------------------------------ */

int tf_kind(const Model *md, TfKind *k)
{
    if (!md) return -1;
    if (md->bert) *k = TF_BERT;
    else if (md->gpt) *k = TF_GPT;
    else if (md->llama) *k = TF_LLAMA;
    else return -1;
    return 0;
}

const char *tf_kind_label(TfKind k) { return k == TF_BERT ? "BERT" : k == TF_GPT ? "GPT" : "LLaMA"; }

/* The current model if it is of kind k (k = TF_KINDS: any of the three), else the one loaded
 * last, else NULL. */
static Model *latest_of(int k)
{
    TfKind t;
    Model *md = model_current();
    if (!tf_kind(md, &t) && (k == TF_KINDS || (int)t == k)) return md;
    for (int i = g_app.nmodels - 1; i >= 0; i--)
        if (!tf_kind(g_app.models[i], &t) && (k == TF_KINDS || (int)t == k)) return g_app.models[i];
    return NULL;
}

static const char *kind_word(TfKind k)
{
    return k == TF_BERT ? M("bir BERT", "a BERT") : k == TF_GPT ? M("bir GPT", "a GPT") : M("bir LLaMA", "a LLaMA");
}

Model *tf_pick_kind(TfKind k, const char *name, int *bad)
{
    *bad = 0;
    if (!name) return latest_of((int)k);
    Model *md = model_find(name);
    TfKind t;
    if (!md) {
        say_error(M("'%s' diye bir model yok; 'models' yüklü modelleri listeler.",
                    "there is no model '%s'; 'models' lists the loaded ones."), name);
        *bad = 1;
        return NULL;
    }
    if (tf_kind(md, &t) || t != k) {
        static const char *const key[] = { "bert", "gpt", "llama" };
        say_error(M("%s=%s: %s %s değil (%s).", "%s=%s: %s is not %s (%s)."), key[k], name, md->name, kind_word(k),
                  md->kind);
        *bad = 1;
        return NULL;
    }
    return md;
}

/* attention: model=NAME (any of the three kinds), else the current one, else the one loaded
 * last. next (gpt_only): the same among GPTs. */
static Model *tf_pick(Args *a, int gpt_only)
{
    const char *name = arg_str(a, "model", NULL);
    if (name) {
        Model *md = model_find(name);
        TfKind t;
        if (!md) {
            say_error(M("'%s' diye bir model yok; 'models' yüklü modelleri listeler.",
                        "there is no model '%s'; 'models' lists the loaded ones."), name);
            return NULL;
        }
        if (gpt_only && !md->gpt) {
            say_error(M("%s bir GPT değil (%s): next bir GPT'nin bir sonraki belirteç dağılımını gösterir. Birini eğitin "
                        "(train gpt corpus=mini-tr) ya da GPT-2'yi yükleyin (load gpt2/model.safetensors).",
                        "%s is not a GPT (%s): next shows a GPT's next-token distribution. Train one (train gpt "
                        "corpus=mini-en) or load GPT-2 (load gpt2/model.safetensors)."), md->name, md->kind);
            return NULL;
        }
        if (tf_kind(md, &t)) {
            say_error(M("%s bir Transformer değil (%s): attention bir BERT'in, GPT'nin ya da LLaMA'nın içine bakar. "
                        "Birini eğitin (train gpt corpus=mini-tr) ya da yükleyin (load gpt2/model.safetensors).",
                        "%s is not a Transformer (%s): attention looks inside a BERT, a GPT or a LLaMA. Train one "
                        "(train gpt corpus=mini-en) or load one (load gpt2/model.safetensors)."), md->name, md->kind);
            return NULL;
        }
        return md;
    }
    Model *md = latest_of(gpt_only ? TF_GPT : TF_KINDS);
    if (md) return md;
    if (gpt_only)
        say_error("%s", M("henüz bir GPT yok. Birini eğitin (train gpt corpus=mini-tr layers=2 dim=64 steps=300) ya da "
                          "GPT-2'yi yükleyin (load gpt2/model.safetensors).",
                          "there is no GPT yet. Train one (train gpt corpus=mini-en layers=2 dim=64 steps=300) or load "
                          "GPT-2 (load gpt2/model.safetensors)."));
    else
        say_error("%s", M("henüz bir Transformer (BERT, GPT, LLaMA) yok. Bir GPT eğitin (train gpt corpus=mini-tr layers=2 "
                          "dim=64 steps=300) ya da birini yükleyin; 'attention compare \"…\"' modeli olmayan türler için "
                          "rastgele ağırlıklı küçük modeller kurar.",
                          "there is no Transformer (BERT, GPT, LLaMA) yet. Train a GPT (train gpt corpus=mini-en layers=2 "
                          "dim=64 steps=300) or load one; 'attention compare \"…\"' builds small random-weight models for "
                          "the kinds the session has none of."));
    return NULL;
}

/* --- one forward pass --------------------------------------------------------------------------- */

void tf_look_free(TfLook *k)
{
    for (int i = 0; k->lab && i < k->n; i++) free(k->lab[i]);
    free(k->lab);
    free(k->ids);
    gpt_work_free(&k->gw);
    bert_work_free(&k->bw);
    llama_work_free(&k->lw);
    memset(k, 0, sizeof *k);
}

const float *tf_head(const TfLook *k, int l, int h) { return k->att[l] + (size_t)h * (size_t)k->n * (size_t)k->n; }

/* Whose text is cut, when several models read it (attention compare): said before the note. */
static const char *cut_who;

/* "note: the text is 40 tokens, the model's context 32; using the first 32 tokens." */
static void say_cut(size_t n, int C, int tail)
{
    char b1[32], b2[32], b3[32];
    if (cut_who) say("%s — ", cut_who);
    if (tail)
        say(M("not: metin %s belirteç, modelin bağlamı %s; son %s belirteç kullanılıyor.\n",
              "note: the text is %s tokens, the model's context %s; using the last %s tokens.\n"),
            fmt_int((long long)n, b1), fmt_int(C, b2), fmt_int(C, b3));
    else
        say(M("not: metin %s belirteç, modelin bağlamı %s; ilk %s belirteç kullanılıyor.\n",
              "note: the text is %s tokens, the model's context %s; using the first %s tokens.\n"),
            fmt_int((long long)n, b1), fmt_int(C, b2), fmt_int(C, b3));
}

static void say_no_memory(int n)
{
    say_error(M("%d belirteçlik bir ileri geçiş için bellek yetmedi; daha kısa bir metin deneyin.",
                "not enough memory for a forward pass over %d tokens; try a shorter text."), n);
}

/* A piece's label as the window and the tables show it: its text with a space as ␣ and a line
 * end as ↵ (LLaMA's "▁" stays: it is how SentencePiece writes a space). */
static char *label_dup(const char *s)
{
    char b[LABEL_CAP];
    size_t w = 0;
    for (; *s && w + 4 < sizeof b; s++) {
        const char *r = *s == ' ' ? "␣" : *s == '\n' ? "↵" : *s == '\t' ? "⇥" : NULL;
        if (r) { memcpy(b + w, r, strlen(r)); w += strlen(r); }
        else b[w++] = *s;
    }
    b[w] = '\0';
    return tz_strdup(b);
}

static int run_gpt(TfLook *k, GptModel *m, const char *text, int tail)
{
    const GptConfig *c = &m->g.cfg;
    size_t n = gpt_model_encode(m, text, &k->ids);
    k->total = n;
    if (!n) return 0;
    if (n > (size_t)c->C) {
        say_cut(n, c->C, tail);
        if (tail) memmove(k->ids, k->ids + (n - (size_t)c->C), (size_t)c->C * sizeof *k->ids);
        n = (size_t)c->C;
    }
    k->n = k->text_tokens = (int)n;
    if (gpt_work_alloc(&k->gw, c, 1, k->n)) { say_no_memory(k->n); return 1; }
    gpt_forward(&m->g, &k->gw, k->ids, NULL, 1, k->n);
    k->att = k->gw.att;
    k->lab = tz_calloc(n, sizeof *k->lab);
    for (size_t i = 0; i < n; i++) {
        char b[LABEL_CAP];
        gpt_model_token_label(m, k->ids[i], b, sizeof b);
        k->lab[i] = tz_strdup(b);
    }
    return 0;
}

/* [CLS] pieces [SEP], as BERT reads one sentence (segment 0, no padding). */
static int run_bert(TfLook *k, BertModel *m, const char *text, int tail)
{
    const BertConfig *c = &m->w.cfg;
    const WordPiece *wp = m->wp;
    if (!wp || wp->cls < 0 || wp->sep < 0) {
        say_error(M("%s'in WordPiece sözlüğünde [CLS] ya da [SEP] yok: BERT bir cümleyi onlarla okur.",
                    "%s's WordPiece vocabulary has no [CLS] or [SEP]: BERT reads a sentence between them."), k->md->name);
        return 1;
    }
    size_t len = strlen(text), p = wp_encode(wp, text, len, NULL, 0);
    k->total = p + 2;
    if (!p) return 0;
    int32_t *pieces = tz_malloc(p * sizeof *pieces);
    wp_encode(wp, text, len, pieces, p);
    size_t keep = p, from = 0;
    if (p + 2 > (size_t)c->C) {
        say_cut(p + 2, c->C, tail);
        keep = (size_t)c->C - 2;
        if (tail) from = p - keep;
    }
    k->n = (int)keep + 2;
    k->text_tokens = (int)keep;
    k->ids = tz_malloc((size_t)k->n * sizeof *k->ids);
    k->ids[0] = wp->cls;
    memcpy(k->ids + 1, pieces + from, keep * sizeof *pieces);
    k->ids[k->n - 1] = wp->sep;
    free(pieces);
    for (int i = 0; i < k->n; i++)
        if (k->ids[i] < 0 || k->ids[i] >= c->V) {
            say_error(M("%s: belirteç %d modelin sözlüğünün (%d) dışında: sözlük modelle uyuşmuyor.",
                        "%s: token %d is outside the model's vocabulary (%d): the vocabulary does not match the model."),
                      k->md->name, (int)k->ids[i], c->V);
            return 1;
        }
    if (bert_work_alloc(&k->bw, c, 1, k->n)) { say_no_memory(k->n); return 1; }
    k->bw.skip_mlm = 1;     /* only the attention is wanted: no vocabulary-wide head */
    bert_forward(&m->w, &k->bw, k->ids, NULL, NULL, NULL, NULL, 1, k->n);
    k->att = k->bw.att;
    k->lab = tz_calloc((size_t)k->n, sizeof *k->lab);
    for (int i = 0; i < k->n; i++) {
        const char *t = wp_token(wp, k->ids[i]);
        k->lab[i] = label_dup(t ? t : "?");
    }
    return 0;
}

/* <s> then the pieces (SentencePiece's dummy prefix makes the first word "▁Ben"). */
static int run_llama(TfLook *k, LlamaModel *m, const char *text, int tail)
{
    const LlamaConfig *c = &m->w.cfg;
    const Spm *s = m->spm;
    if (!s) {
        say_error(M("%s'in belirteçleyicisi yok: metni belirteçlere çeviremiyorum. Yeniden yükleyin: load %s tokenizer=tokenizer.bin",
                    "%s has no tokenizer: the text cannot be turned into tokens. Load it again: load %s tokenizer=tokenizer.bin"),
                  k->md->name, k->md->source);
        return 1;
    }
    size_t len = strlen(text), n = spm_encode(s, text, len, 1, 0, NULL, 0);
    int bos = s->bos >= 0;
    k->total = n;
    if (n <= (size_t)bos) return 0;
    int32_t *all = tz_malloc(n * sizeof *all);
    spm_encode(s, text, len, 1, 0, all, n);
    if (n > (size_t)c->C) {
        say_cut(n, c->C, tail);
        /* keep <s> in front: the model has only ever seen text that starts with it */
        size_t keep = (size_t)c->C - (size_t)bos;
        if (tail) memmove(all + bos, all + (n - keep), keep * sizeof *all);
        n = (size_t)c->C;
    }
    k->ids = all;
    k->n = (int)n;
    k->text_tokens = (int)n - bos;
    for (int i = 0; i < k->n; i++)
        if (k->ids[i] < 0 || k->ids[i] >= c->V) {
            say_error(M("%s: belirteç %d modelin sözlüğünün (%d) dışında: belirteçleyici modelle uyuşmuyor.",
                        "%s: token %d is outside the model's vocabulary (%d): the tokenizer does not match the model."),
                      k->md->name, (int)k->ids[i], c->V);
            return 1;
        }
    if (llama_work_alloc(&k->lw, c, 1, k->n)) { say_no_memory(k->n); return 1; }
    llama_forward(&m->w, &k->lw, k->ids, NULL, 1, k->n);
    k->att = k->lw.att;
    k->lab = tz_calloc((size_t)k->n, sizeof *k->lab);
    for (int i = 0; i < k->n; i++) {
        char b[LABEL_CAP];
        /* BOS and EOS by their usual names (llama2.c's tokenizer.bin spells them "\n<s>\n") */
        if (k->ids[i] == s->bos) snprintf(b, sizeof b, "<s>");
        else if (k->ids[i] == s->eos) snprintf(b, sizeof b, "</s>");
        else if (spm_piece_display(s, k->ids[i], b, sizeof b) == SPM_BAD_ID) snprintf(b, sizeof b, "[%d]", (int)k->ids[i]);
        k->lab[i] = label_dup(b);
    }
    return 0;
}

int tf_look_run(TfLook *k, Model *md, const char *text, int tail)
{
    memset(k, 0, sizeof *k);
    k->md = md;
    if (tf_kind(md, &k->kind)) return 1;
    if (k->kind == TF_GPT) {
        const GptConfig *c = &md->gpt->g.cfg;
        k->L = c->L; k->H = c->H; k->Hkv = c->H; k->C = c->C; k->causal = 1;
        return run_gpt(k, md->gpt, text, tail);
    }
    if (k->kind == TF_BERT) {
        const BertConfig *c = &md->bert->w.cfg;
        k->L = c->L; k->H = c->H; k->Hkv = c->H; k->C = c->C; k->causal = 0;
        return run_bert(k, md->bert, text, tail);
    }
    const LlamaConfig *c = &md->llama->w.cfg;
    k->L = c->L; k->H = c->H; k->Hkv = c->Hkv; k->C = c->C; k->causal = 1;
    return run_llama(k, md->llama, text, tail);
}

double tf_future_mass(const TfLook *k)
{
    if (!k->n || !k->L || !k->H) return 0;
    double s = 0;
    for (int l = 0; l < k->L; l++)
        for (int h = 0; h < k->H; h++) s += attgrid_above_diag(tf_head(k, l, h), (size_t)k->n);
    return s / ((double)k->L * k->H);
}

/* Over the queries 1 … n−1 (query 0 has no token before it); the entropy over the keys the
 * row may see (0 … q under the causal mask, all of them without it). */
TfHeadStats tf_head_stats(const TfLook *k, int l, int h)
{
    TfHeadStats s = { NAN, NAN, NAN, NAN, NAN };
    int n = k->n;
    if (n < 2) return s;
    const float *A = tf_head(k, l, h);
    double p = 0, f = 0, me = 0, ent = 0;
    for (int q = 1; q < n; q++) {
        const float *row = A + (size_t)q * n;
        p += row[q - 1];
        f += row[0];
        me += row[q];
        double e = 0;
        int last = k->causal ? q : n - 1;
        for (int j = 0; j <= last; j++)
            if (row[j] > 0) e -= row[j] * log2(row[j]);
        ent += e;
    }
    double m = n - 1;
    s.prev = p / m;
    s.first = f / m;
    s.self = me / m;
    s.entropy = ent / m;
    s.future = attgrid_above_diag(A, (size_t)n);
    return s;
}

/* The key/value head query head h reads (grouped-query attention), and the first query head
 * of its group: query heads g·(H/Hkv) … (g+1)·(H/Hkv) − 1 share K/V head g. */
static int kv_head(const TfLook *k, int h) { return h / (k->H / k->Hkv); }

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

/* What the head mostly does, in words: the strongest of the three positional habits when it
 * takes at least half the weight on average; else "focused" when each query still looks at
 * about one key (2^entropy < 1.5: a key chosen by what the tokens are, not where they stand),
 * else "spread". 0 prev, 1 first, 2 self, 3 focused, 4 spread. */
static int head_kind(const TfHeadStats *s, double *strength)
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
    const TfLook *k;
    int l0, l1, h0, h1;      /* the blocks and heads written: [l0, l1) × [h0, h1) */
    char **text;             /* n: each token's own text (a space as a space) */
    size_t rows;
} CsvOut;

static int csv_write(FILE *f, void *ud, TzErr *e)
{
    (void)e;
    CsvOut *o = ud;
    const TfLook *k = o->k;
    fprintf(f, "layer,head,query,key,query_token,key_token,weight\n");
    for (int l = o->l0; l < o->l1; l++)
        for (int h = o->h0; h < o->h1; h++) {
            const float *A = tf_head(k, l, h);
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

/* Token i's own text for the CSV: a GPT token's bytes when they are whole UTF-8 (a space stays
 * a space: the CSV is data, not a picture), a LLaMA piece's text (spaces as spaces), a BERT
 * piece as its vocabulary writes it ("##lar"); else the label. */
static char *token_text(const TfLook *k, int i)
{
    size_t len = 0;
    const char *raw = NULL;
    if (k->kind == TF_GPT && k->md->gpt->bpe) raw = bpe_token_bytes(k->md->gpt->bpe, k->ids[i], &len);
    else if (k->kind == TF_LLAMA && k->md->llama->spm) {
        const Spm *s = k->md->llama->spm;
        if (s->type[k->ids[i]] == SPM_NORMAL || s->type[k->ids[i]] == SPM_USER) raw = spm_piece(s, k->ids[i], &len);
    } else if (k->kind == TF_BERT && (raw = wp_token(k->md->bert->wp, k->ids[i])))
        len = strlen(raw);
    if (raw && utf8_validate(raw, len) == len && !memchr(raw, '\0', len)) {
        char *t = tz_malloc(len + 1);
        memcpy(t, raw, len);
        t[len] = '\0';
        return t;
    }
    return tz_strdup(k->lab[i]);
}

static int export_csv(const TfLook *k, const char *path, int l0, int l1, int h0, int h1)
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
    for (int i = 0; i < k->n; i++) o.text[i] = token_text(k, i);
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

/* The direction in words, both languages at once (the window's titles say it so, in class). */
static const char *direction_both(int causal)
{
    return causal ? "soldan sağa (nedensel) / left-to-right (causal)" : "iki yönlü / bidirectional";
}

static const char *direction_here(int causal)
{
    return causal ? M("soldan sağa (nedensel)", "left-to-right (causal)") : M("iki yönlü", "bidirectional");
}

/* Head h's pattern as the views draw it: the future NaN (hatched, unpainted) under the causal
 * mask; BERT's as it is. */
static void copy_shown(const TfLook *k, int l, int h, float *o)
{
    const float *A = tf_head(k, l, h);
    int n = k->n;
    for (int q = 0; q < n; q++)
        for (int j = 0; j < n; j++) o[(size_t)q * n + j] = k->causal && j > q ? NAN : A[(size_t)q * n + j];
}

/* row=R: query R's weight on every key. */
static void print_row(const TfLook *k, int l, int h, int r)
{
    const float *row = tf_head(k, l, h) + (size_t)r * k->n;
    say(M("satır %d: sorgu %d '%s', katman %d, kafa %d — her anahtara ağırlığı (satırın toplamı 1):\n",
          "row %d: query %d '%s', layer %d, head %d — its weight on every key (the row sums to 1):\n"),
        r, r, k->lab[r], l, h);
    say("  %s  %-8s %s\n", M("anahtar", "    key"), M("ağırlık", "weight"), M("belirteç", "token"));
    int W = label_width(k->lab, k->n);
    double sum = 0;
    for (int j = 0; j < k->n; j++) {
        char b[32], bar[128];
        sum += row[j];
        if (k->causal && j > r) {
            say("  %7d  %-8s %s%*s %s\n", j, num(row[j], 4, b), k->lab[j], pad(k->lab[j], W), "",
                M("(gelecek: maskeli)", "(the future: masked)"));
            continue;
        }
        bar_text(row[j], 20, bar, sizeof bar);
        say("  %7d  %-8s %s%*s %s%s\n", j, num(row[j], 4, b), k->lab[j], pad(k->lab[j], W), "", bar,
            j > r ? M("  (sonraki bir belirteç)", "  (a later token)") : "");
    }
    char b[32];
    say("  %7s  %s\n", M("toplam", "sum"), num(sum, 4, b));
}

/* What kind of model it is, in one line, before its tables. */
static void say_kind_line(const TfLook *k)
{
    if (k->kind == TF_BERT)
        say("%s", M("BERT: kodlayıcı, maske yok — her belirteç her belirtece bakar (sonrakiler dahil); [CLS] ve [SEP] "
                    "BERT'in cümle işaretleri.\n",
                    "BERT: an encoder, no mask — every token looks at every token (the later ones too); [CLS] and [SEP] "
                    "are BERT's sentence marks.\n"));
    else if (k->kind == TF_LLAMA)
        say(M("LLaMA: kod çözücü, nedensel maske — her belirteç yalnız kendine ve öncekilere bakar; <s> başlangıç "
              "belirteci. GQA: sorgu kafaları %d, K/V kafaları %d (kafa h → K/V kafası h/%d).\n",
              "LLaMA: a decoder, causal mask — every token looks only at itself and the ones before; <s> is the "
              "start token. GQA: query heads %d, K/V heads %d (head h → K/V head h/%d).\n"),
            k->H, k->Hkv, k->H / k->Hkv);
}

/* The compact text version of one head: per query, the key it looks at most, and the row as
 * a strip of bar heights (▁ … █, relative to the row's largest weight; · marks the future). */
static void print_head(const TfLook *k, int l, int h)
{
    const float *A = tf_head(k, l, h);
    int strip = k->n <= 60;
    say_kind_line(k);
    say(M("%s, katman %d, kafa %d (0'dan sayılır): %d belirteç; satır = sorgu (bakan), sütun = anahtar (bakılan)\n",
          "%s, layer %d, head %d (counted from 0): %d tokens; row = query (looking), column = key (looked at)\n"),
        k->md->name, l, h, k->n);
    if (k->kind == TF_LLAMA) {
        int g = kv_head(k, h), per = k->H / k->Hkv;
        say(M("  GQA: kafa %d → K/V kafası %d (%d–%d sorgu kafalarının paylaştığı)\n",
              "  GQA: head %d reads K/V head %d (shared by query heads %d–%d)\n"), h, g, g * per, g * per + per - 1);
    }
    say("  %4s  %s%*s %s\n", "q", M("belirteç", "token"), pad(M("belirteç", "token"), label_width(k->lab, k->n)), "",
        M("en çok baktığı (ağırlık)", "looks most at (weight)"));
    int W = label_width(k->lab, k->n);
    static const char *const lv[9] = { " ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
    for (int q = 0; q < k->n; q++) {
        const float *row = A + (size_t)q * k->n;
        int best = 0, last = k->causal ? q : k->n - 1;
        for (int j = 1; j <= last; j++)
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
                say("%s", k->causal && j > q ? "·" : lv[lvl < 0 ? 0 : lvl > 8 ? 8 : lvl]);
            }
        }
        say("\n");
    }
    if (strip)
        say("%s\n", k->causal ? M("  şerit: her anahtarın ağırlığı, satırın en büyüğüne (█) göre; · gelecek (maskeli)",
                                  "  strip: each key's weight relative to the row's largest (█); · the future (masked)")
                              : M("  şerit: her anahtarın ağırlığı, satırın en büyüğüne (█) göre; maske yok: sağdaki "
                                  "(sonraki) belirteçler de ağırlık alır",
                                  "  strip: each key's weight relative to the row's largest (█); no mask: the keys to the "
                                  "right (later tokens) get weight too"));
    char b[32];
    say(M("  köşegenin üstündeki ağırlık (sonraki belirteçlere giden, satır başına ortalama): %s\n",
          "  weight above the diagonal (on later tokens, mean per row): %s\n"),
        num(attgrid_above_diag(A, (size_t)k->n), 3, b));
}

/* The terminal table of every head, and the grid in the window. */
static void show_all(const TfLook *k, const char *text, const char *png, int *rc)
{
    int L = k->L, H = k->H, n = k->n, gqa = k->kind == TF_LLAMA;
    char b1[32], b2[32], b3[32], b4[32], b5[32], b6[32];
    say_kind_line(k);
    say(M("%s: %d × %d (katman × kafa), %d belirteç üzerinde (katmanlar ve kafalar 0'dan sayılır, GPT-2'nin h.0 … adları gibi)\n",
          "%s: %d × %d (layers × heads) over %d tokens (layers and heads counted from 0, as in GPT-2's names h.0 …)\n"),
        k->md->name, L, H, n);
    say("  %s%*s", M("kafa", "head"), pad(M("kafa", "head"), 7), "");
    say_r(M("önceki", "prev"), 7);
    say_r(M("ilk", "first"), 7);
    say_r(M("kendi", "self"), 7);
    say_r(M("entropi", "entropy"), 9);
    say_r(M("≈anahtar", "≈keys"), 10);
    say_r(M("gelecek", "future"), 9);
    if (gqa) say_r("K/V", 5);
    say("  %s\n", M("çoğunlukla", "mostly"));
    size_t nh = (size_t)L * (size_t)H;
    char **notes = tz_calloc(nh, sizeof *notes), **sums = tz_calloc(nh, sizeof *sums);
    for (int l = 0; l < L; l++)
        for (int h = 0; h < H; h++) {
            TfHeadStats s = tf_head_stats(k, l, h);
            char name[32], line[320], note[64], kv[16] = "";
            snprintf(name, sizeof name, "L%d H%d", l, h);
            if (gqa) snprintf(kv, sizeof kv, "%5d", kv_head(k, h));
            if (n < 2) {
                say("  %-7s", name);
                for (int i = 0; i < 6; i++) say_r("—", i < 3 ? 7 : i == 3 ? 9 : i == 4 ? 10 : 9);
                say("%s  %s\n", kv, M("(tek belirteç: yalnız kendine bakabilir)", "(one token: it can only look at itself)"));
                continue;
            }
            double strength;
            int kind = head_kind(&s, &strength);
            say("  %-7s %6s %6s %6s %8s %9s %8s%s  %s\n", name, num(s.prev, 2, b1), num(s.first, 2, b2), num(s.self, 2, b3),
                num(s.entropy, 2, b4), num(pow(2, s.entropy), 1, b5), num(s.future, 2, b6), kv, kind_long(kind));
            if (kind < 3) snprintf(note, sizeof note, "%s %s", kind_short(kind), num(strength, 2, b1));
            else snprintf(note, sizeof note, "%s ≈%s", kind_short(kind), num(pow(2, s.entropy), 1, b1));
            int w = snprintf(line, sizeof line,
                             M("önceki %s · ilk %s · kendi %s · entropi %s bit · gelecek %s · %s",
                               "prev %s · first %s · self %s · entropy %s bits · future %s · %s"),
                             num(s.prev, 3, b1), num(s.first, 3, b2), num(s.self, 3, b3), num(s.entropy, 2, b4),
                             num(s.future, 3, b5), kind_long(kind));
            if (gqa && w > 0 && (size_t)w < sizeof line)
                snprintf(line + w, sizeof line - (size_t)w, M(" · K/V kafası %d", " · K/V head %d"), kv_head(k, h));
            notes[(size_t)l * H + h] = tz_strdup(note);
            sums[(size_t)l * H + h] = tz_strdup(line);
        }
    if (n >= 2)
        say(M("  önceki/ilk/kendi: bir sorgunun kendinden önceki belirtece / 0. belirtece / kendine verdiği ortalama ağırlık "
              "(sorgular 1…%d); entropi: satır başına bit (0: tek bir anahtar), ≈anahtar = 2^entropi: kaç anahtara yayıldığı; "
              "gelecek: köşegenin üstündeki ağırlık (sonraki belirteçlere, satır başına)\n",
              "  prev/first/self: the mean weight a query puts on the token just before it / on token 0 / on itself "
              "(queries 1…%d); entropy: bits per row (0: one key), ≈keys = 2^entropy: how many keys it spreads over; "
              "future: the weight above the diagonal (on later tokens, per row)\n"),
            n - 1);
    if (gqa) say(M("  K/V: kafanın okuduğu anahtar/değer kafası (GQA)\n", "  K/V: the key/value head the head reads (GQA)\n"));
    /* the grid: every head's n × n pattern, the future as NaN (left unpainted) when masked */
    size_t TT = (size_t)n * n;
    float *att = tz_malloc(nh * TT * sizeof *att);
    for (int l = 0; l < L; l++)
        for (int h = 0; h < H; h++) copy_shown(k, l, h, att + ((size_t)l * H + h) * TT);
    char title[256], st[192], sub[1024];
    short_text(text, st, sizeof st);
    snprintf(title, sizeof title, M("dikkat: %d × %d (katman × kafa) · %s · %s · “%s”", "attention: %d × %d (layers × heads) · %s · %s · “%s”"),
             L, H, tf_kind_label(k->kind), k->md->name, st);
    size_t o = 0;
    for (int i = 0; i < n && o + 8 < sizeof sub; i++)
        o += (size_t)snprintf(sub + o, sizeof sub - o, "%s%s", i ? "  " : "", k->lab[i]);
    if (o >= sizeof sub) snprintf(sub + sizeof sub - 4, 4, "…");
    const char *footer = k->causal ? M("satır = sorgu, sütun = anahtar · boş üçgen: gelecek (nedensel maske) · katman ve kafalar 0'dan "
                                       "sayılır · tıklayın: o kafanın özeti",
                                       "row = query, column = key · empty triangle: the future (causal mask) · layers and heads "
                                       "counted from 0 · click: that head's summary")
                                   : M("satır = sorgu, sütun = anahtar · tam kare: maske yok, her belirteç sonrakileri de görür · "
                                       "katman ve kafalar 0'dan sayılır · tıklayın: o kafanın özeti",
                                       "row = query, column = key · the full square: no mask, every token sees the later ones "
                                       "too · layers and heads counted from 0 · click: that head's summary");
    SceneHeads sh = { .title = title, .subtitle = sub, .footer = footer, .layers = (size_t)L, .heads = (size_t)H,
                      .T = (size_t)n, .att = att, .tokens = (const char *const *)k->lab,
                      .notes = (const char *const *)notes, .summaries = (const char *const *)sums };
    scene_heads_set(&sh);
    free(att);
    for (size_t i = 0; i < nh; i++) { free(notes[i]); free(sums[i]); }
    free(notes);
    free(sums);
    if (show(VIEW_HEADS, png)) *rc = 1;
}

/* One head as a heatmap in the window. */
static void show_head(const TfLook *k, int l, int h, const char *text, const char *png, int *rc)
{
    int n = k->n;
    float *P = tz_malloc((size_t)n * n * sizeof *P);
    copy_shown(k, l, h, P);
    char title[256], st[192];
    short_text(text, st, sizeof st);
    snprintf(title, sizeof title, M("dikkat · katman %d, kafa %d · %s · %s · “%s”", "attention · layer %d, head %d · %s · %s · “%s”"), l,
             h, tf_kind_label(k->kind), k->md->name, st);
    scene_heatmap_set(title, P, (size_t)n, (size_t)n, (const char *const *)k->lab, (const char *const *)k->lab, 0, "p");
    scene_heatmap_axes(M("sorgu (bakan belirteç) ↓", "query (the token looking) ↓"),
                       k->causal ? M("anahtar (bakılan belirteç) →  · taralı: gelecek (nedensel maske)",
                                     "key (the token looked at) →  · hatched: the future (causal mask)")
                                 : M("anahtar (bakılan belirteç) →  · maske yok: her belirteç hepsini görür",
                                     "key (the token looked at) →  · no mask: every token sees them all"));
    free(P);
    if (show(VIEW_HEATMAP, png)) *rc = 1;
}

static int png_ok(const char *png)
{
    size_t pl = png ? strlen(png) : 4;
    if (png && (pl < 4 || strcasecmp(png + pl - 4, ".png"))) {
        say_error(M("out= bir PNG yazar: ad .png ile bitmeli ('%s').", "out= writes a PNG: the name must end in .png ('%s')."), png);
        return 0;
    }
    return 1;
}

static int say_bad_layer(long layer, const char *name, int L)
{
    say_error(M("layer=%ld yok: %s modelinin %d katmanı var, numaraları 0–%d (GPT-2'nin h.0 … adları gibi).",
                "there is no layer=%ld: %s has %d layers, numbered 0 to %d (as GPT-2's names h.0 …)."),
              layer, name, L, L - 1);
    return 1;
}

static int say_bad_head(long head, const char *name, int H)
{
    say_error(M("head=%ld yok: %s modelinin katman başına %d kafası var, numaraları 0–%d.",
                "there is no head=%ld: %s has %d heads per layer, numbered 0 to %d."),
              head, name, H, H - 1);
    return 1;
}

static void say_empty_text(void)
{
    say_error("%s", M("boş metin: bakılacak belirteç yok. Örnek: attention \"Ben kahve içiyorum\"",
                      "an empty text: there are no tokens to look at. For example: attention \"the cat sat on the mat\""));
}

static int cmd_attention_compare(Args *a);

int cmd_attention(Args *a)
{
    TzErr e;
    if (a->argc >= 2 && !strcmp(a->argv[1], "compare")) return cmd_attention_compare(a);
    for (const char *const *key = (const char *const[]){ "bert", "gpt", "llama", NULL }; *key; key++)
        if (arg_str(a, *key, NULL)) {
            say_error(M("%s= yalnız 'attention compare \"…\"' içindir; tek bir modele bakmak için model=AD.",
                        "%s= is for 'attention compare \"…\"'; to look at one model, model=NAME."), *key);
            return 1;
        }
    /* `attention "TEXT" all`: the last word "all" asks for every head (the text itself may
     * be the word "all": then it is the only word) */
    int all = a->argc > 2 && !strcmp(a->argv[a->argc - 1], "all");
    int last = all ? a->argc - 1 : a->argc;
    Model *md = tf_pick(a, 0);
    if (!md) return 1;
    TfKind kind = TF_GPT;
    tf_kind(md, &kind);
    int ML = kind == TF_GPT ? md->gpt->g.cfg.L : kind == TF_BERT ? md->bert->w.cfg.L : md->llama->w.cfg.L;
    int MH = kind == TF_GPT ? md->gpt->g.cfg.H : kind == TF_BERT ? md->bert->w.cfg.H : md->llama->w.cfg.H;
    long layer, head, row;
    int has_row = arg_str(a, "row", NULL) != NULL;
    if (arg_long(a, "layer", 0, LONG_MIN, LONG_MAX, &layer, &e) || arg_long(a, "head", 0, LONG_MIN, LONG_MAX, &head, &e) ||
        arg_long(a, "row", 0, LONG_MIN, LONG_MAX, &row, &e)) {
        say_tzerr(&e);
        return 1;
    }
    if (layer < 0 || layer >= ML) return say_bad_layer(layer, md->name, ML);
    if (head < 0 || head >= MH) return say_bad_head(head, md->name, MH);
    const char *csv = arg_str(a, "export", NULL), *png = arg_str(a, "out", NULL);
    if (csv) {
        size_t cl = strlen(csv);
        if (cl < 4 || strcasecmp(csv + cl - 4, ".csv")) {
            say_error(M("export= bir CSV dosyası yazar: ad .csv ile bitmeli ('%s').",
                        "export= writes a CSV file: the name must end in .csv ('%s')."), csv);
            return 1;
        }
    }
    if (!png_ok(png)) return 1;
    /* the text: the words before "all", joined */
    Args t = *a;
    t.argc = last;
    char *text = args_join(&t, 1);
    TfLook k;
    if (tf_look_run(&k, md, text, 0)) {
        free(text);
        tf_look_free(&k);
        return 1;
    }
    if (!k.n) {
        say_empty_text();
        free(text);
        tf_look_free(&k);
        return 1;
    }
    if (has_row && (row < 0 || row >= k.n)) {
        say_error(M("row=%ld yok: metin %d belirteç, satırların numaraları 0–%d.",
                    "there is no row=%ld: the text is %d tokens, rows 0 to %d."), row, k.n, k.n - 1);
        free(text);
        tf_look_free(&k);
        return 1;
    }
    /* the grid copies every head's n × n pattern twice (with the future as NaN, then into the
     * scene): keep that under ~400 MB (GPT-2's 144 heads: up to ~590 tokens) */
    double cells = (double)k.L * k.H * k.n * k.n;
    if (all && cells > 5e7) {
        char b[32];
        say_error(M("%d katman × %d kafa için %d belirteçlik ızgara çok büyük (%s MB); en çok %d belirteçlik bir metin "
                    "deneyin ya da tek bir kafa (all olmadan, layer= head=).",
                    "the grid of %d layers × %d heads over %d tokens is too big (%s MB); try a text of at most %d tokens, "
                    "or one head (without all, layer= head=)."),
                  k.L, k.H, k.n, fmt_real(cells * 8 / 1e6, 0, b), (int)sqrt(5e7 / ((double)k.L * k.H)));
        free(text);
        tf_look_free(&k);
        return 1;
    }
    int rc = 0;
    if (all) show_all(&k, text, png, &rc);
    else {
        print_head(&k, (int)layer, (int)head);
        show_head(&k, (int)layer, (int)head, text, png, &rc);
    }
    if (has_row) print_row(&k, (int)layer, (int)head, (int)row);
    if (csv && export_csv(&k, csv, all ? 0 : (int)layer, all ? k.L : (int)layer + 1, all ? 0 : (int)head,
                          all ? k.H : (int)head + 1))
        rc = 1;
    free(text);
    tf_look_free(&k);
    return rc;
}

/* --- attention compare ------------------------------------------------------------------------ */

/* Cells above the diagonal that hold any weight, over every head of every layer (a causal
 * model: none of its n(n−1)/2 per head), and how many there are. */
static void count_future(const TfLook *k, long long *nonzero, long long *cells)
{
    *nonzero = *cells = 0;
    for (int l = 0; l < k->L; l++)
        for (int h = 0; h < k->H; h++) {
            const float *A = tf_head(k, l, h);
            for (int q = 0; q < k->n; q++)
                for (int j = q + 1; j < k->n; j++, (*cells)++)
                    if (A[(size_t)q * k->n + j] != 0) (*nonzero)++;
        }
}

static int cmd_attention_compare(Args *a)
{
    TzErr e;
    static const char *const key[TF_KINDS] = { "bert", "gpt", "llama" };
    Model *md[TF_KINDS] = { NULL };
    int bad = 0;
    for (int i = 0; i < TF_KINDS; i++) {
        md[i] = tf_pick_kind((TfKind)i, arg_str(a, key[i], NULL), &bad);
        if (bad) return 1;
    }
    if (arg_str(a, "model", NULL)) {
        say_error("%s", M("attention compare model= almaz: türüne göre bert=AD gpt=AD llama=AD verin.",
                          "attention compare takes no model=: give bert=NAME gpt=NAME llama=NAME by kind."));
        return 1;
    }
    long layer, head;
    if (arg_long(a, "layer", 0, LONG_MIN, LONG_MAX, &layer, &e) || arg_long(a, "head", 0, LONG_MIN, LONG_MAX, &head, &e)) {
        say_tzerr(&e);
        return 1;
    }
    const char *png = arg_str(a, "out", NULL);
    if (!png_ok(png)) return 1;
    int keep;
    if (tf_keep_option(a, &keep)) return 1;
    char *text = args_join(a, 2);
    if (!text[0]) {
        say_error("%s", M("boş metin: bakılacak belirteç yok. Örnek: attention compare \"Ben kahve içiyorum\"",
                          "an empty text: there are no tokens to look at. For example: attention compare \"the cat sat on the mat\""));
        free(text);
        return 1;
    }
    /* the stand-ins take the shape of a model the session has (GPT's, else LLaMA's, else
     * BERT's), else the default one */
    TfShape shape;
    const Model *like = md[TF_GPT] ? md[TF_GPT] : md[TF_LLAMA] ? md[TF_LLAMA] : md[TF_BERT];
    tf_shape_of(like, &shape);
    Model *own[TF_KINDS] = { NULL };
    int rc = 0;
    for (int i = 0; i < TF_KINDS && !rc; i++) {
        if (md[i]) continue;
        char name[64];
        snprintf(name, sizeof name, "%s-rand", key[i]);
        own[i] = md[i] = tf_standin((TfKind)i, &shape, name, 1000 + (uint64_t)i, tf_text_lang(text));
        if (!own[i]) rc = 1;
    }
    /* one layer and head shown for all three: it must exist in each */
    for (int i = 0; i < TF_KINDS && !rc; i++) {
        TfShape s;
        tf_shape_of(md[i], &s);
        if (layer < 0 || layer >= s.L) rc = say_bad_layer(layer, md[i]->name, s.L);
        else if (head < 0 || head >= s.H) rc = say_bad_head(head, md[i]->name, s.H);
    }
    TfLook k[TF_KINDS];
    memset(k, 0, sizeof k);
    for (int i = 0; i < TF_KINDS && !rc; i++) {
        cut_who = md[i]->name;
        int bad_run = tf_look_run(&k[i], md[i], text, 0);
        cut_who = NULL;
        if (bad_run) rc = 1;
        else if (!k[i].text_tokens) {
            say_empty_text();
            rc = 1;
        }
    }
    if (!rc) {
        char b1[32], b2[32], b3[32], b4[32];
        say(M("katman %ld, kafa %ld, her modelin kendi belirteçleriyle (satır = sorgu, sütun = anahtar):\n",
              "layer %ld, head %ld, each model over its own tokens (row = query, column = key):\n"), layer, head);
        SceneAttPanel P[TF_KINDS];
        float *att[TF_KINDS];
        char title[TF_KINDS][160], note[TF_KINDS][160], origin[TF_KINDS][260];
        for (int i = 0; i < TF_KINDS; i++) {
            const TfLook *K = &k[i];
            double one = attgrid_above_diag(tf_head(K, (int)layer, (int)head), (size_t)K->n), mean = tf_future_mass(K);
            long long nz, cells;
            count_future(K, &nz, &cells);
            /* the direction read off the pattern, not assumed: any weight above the diagonal */
            int looks_ahead = nz > 0;
            say("  %-6s %s%s: %d %s\n", tf_kind_label(K->kind), md[i]->name,
                own[i] ? M(" (rastgele ağırlıklar)", " (random weights)") : "", K->n, M("belirteç", "tokens"));
            say(M("         köşegenin üstündeki ağırlık: bu kafada %s, %d kafanın ortalaması %s; sıfır olmayan gelecek hücresi: "
                  "%s / %s → %s\n",
                  "         weight above the diagonal: this head %s, mean of the %d heads %s; future cells holding weight: "
                  "%s of %s → %s\n"),
                num(one, 3, b1), K->L * K->H, num(mean, 3, b2), fmt_int(nz, b3), fmt_int(cells, b4),
                direction_here(!looks_ahead));
            if (K->kind == TF_LLAMA)
                say(M("         GQA: kafa %ld → K/V kafası %d (sorgu kafaları: %d, K/V kafaları: %d)\n",
                      "         GQA: head %ld reads K/V head %d (query heads: %d, K/V heads: %d)\n"),
                    head, kv_head(K, (int)head), K->H, K->Hkv);
            snprintf(title[i], sizeof title[i], "%s · %s", tf_kind_label(K->kind), md[i]->name);
            /* where the weights come from: a stand-in's (both languages, as the direction), or
               what the session knows of the model */
            snprintf(origin[i], sizeof origin[i], own[i] ? "(rastgele ağırlıklar / random weights)" : "%s",
                     md[i]->info[0] ? md[i]->info : md[i]->source);
            snprintf(note[i], sizeof note[i], M("katman %ld, kafa %ld · köşegenin üstü %s", "layer %ld, head %ld · above the diagonal %s"),
                     layer, head, num(one, 3, b1));
            att[i] = tz_malloc((size_t)K->n * K->n * sizeof *att[i]);
            copy_shown(K, (int)layer, (int)head, att[i]);
            P[i] = (SceneAttPanel){ .model = md[i]->name, .title = title[i], .direction = direction_both(!looks_ahead),
                                    .origin = origin[i], .note = note[i], .causal = !looks_ahead, .T = (size_t)K->n, .att = att[i],
                                    .tokens = (const char *const *)K->lab };
        }
        say("%s", M("  Yön, örüntünün kendisinden okundu: köşegenin üstünde ağırlık varsa iki yönlü, yoksa soldan sağa.\n",
                    "  The direction is read off the pattern itself: weight above the diagonal means bidirectional, none "
                    "left-to-right.\n"));
        char st[192], ttl[256];
        short_text(text, st, sizeof st);
        snprintf(ttl, sizeof ttl, M("dikkat, yan yana · katman %ld, kafa %ld · “%s”", "attention side by side · layer %ld, head %ld · “%s”"),
                 layer, head, st);
        SceneAttCompare sc = { .title = ttl,
                               .subtitle = M("BERT her belirteci her belirtece baktırır (tam kare); GPT ve LLaMA yalnız geriye "
                                             "(üçgen: taralı gelecek maskeli)",
                                             "BERT lets every token look at every token (the full square); GPT and LLaMA only "
                                             "backwards (the triangle: the hatched future is masked)"),
                               .footer = M("satır = sorgu (bakan), sütun = anahtar (bakılan) · renk: ağırlık 0–1 · tıklayın: "
                                           "hücrenin ağırlığı",
                                           "row = query (looking), column = key (looked at) · colour: weight 0–1 · click: the "
                                           "cell's weight"),
                               .panels = P, .n = TF_KINDS };
        scene_attcompare_set(&sc);
        for (int i = 0; i < TF_KINDS; i++) free(att[i]);
        if (show(VIEW_HEADS, png)) rc = 1;
    }
    for (int i = 0; i < TF_KINDS; i++) tf_look_free(&k[i]);
    if (keep && !rc) tf_keep(own, TF_KINDS);
    for (int i = 0; i < TF_KINDS; i++) tf_standin_free(own[i]);
    free(text);
    return rc;
}

/* --- next --------------------------------------------------------------------------------- */

int cmd_next_token(Args *a)
{
    TzErr e;
    Model *md = tf_pick(a, 1);
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
    TfLook L;
    if (tf_look_run(&L, md, text, 1)) {
        free(text);
        tf_look_free(&L);
        return 1;
    }
    if (!L.n) {
        /* nothing to start from: what comes first in a document (after GPT-2's <|endoftext|>),
         * or, for a model without one, at the start of a line — as generate does */
        tf_look_free(&L);
        free(text);
        int rc;
        if (m->eot >= 0) {
            char eot[LABEL_CAP];
            gpt_model_token_label(m, m->eot, eot, sizeof eot);
            say(M("boş başlangıç: %s belirtecinden sonra ne gelir (bir belgenin ilk belirteci).\n",
                  "an empty prompt: what comes after %s (the first token of a document).\n"), eot);
            text = tz_strdup(eot);
            L.md = md;
            L.kind = TF_GPT;
            L.causal = 1;
            L.L = m->g.cfg.L;
            L.H = L.Hkv = m->g.cfg.H;
            L.C = m->g.cfg.C;
            L.n = L.text_tokens = 1;
            L.total = 1;
            L.ids = tz_malloc(sizeof *L.ids);
            L.ids[0] = m->eot;
            L.lab = tz_calloc(1, sizeof *L.lab);
            L.lab[0] = tz_strdup(eot);
            rc = gpt_work_alloc(&L.gw, &m->g.cfg, 1, 1);
            if (rc) say_error("%s", M("ileri geçiş için bellek yetmedi.", "not enough memory for a forward pass."));
            else gpt_forward(&m->g, &L.gw, L.ids, NULL, 1, 1);
        } else {
            say("%s", M("boş başlangıç: bir satırın başında ne gelir (↵ sonrası).\n",
                        "an empty prompt: what comes at the start of a line (after ↵).\n"));
            text = tz_strdup("↵");
            rc = tf_look_run(&L, md, "\n", 1);
        }
        if (rc || !L.n) {
            free(text);
            tf_look_free(&L);
            return 1;
        }
    }
    const float *logits = L.gw.logits + (size_t)(L.n - 1) * V;
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
    tf_look_free(&L);
    return rc;
}
