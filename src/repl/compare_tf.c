/* compare_tf.c — the chapter's table of BERT, GPT and LLaMA, every cell read off the models.
 *
 *   compare bert gpt llama [bert=NAME] [gpt=NAME] [llama=NAME] [text="…"] [csv=FILE.csv]
 *       (any two or three of the names, in any order)
 *
 * The chapter ("Derin Öğrenme Tabanlı Modern Dil Modelleri") compares the three families in a
 * table: direction of attention, architecture, training objective. Here each cell is computed
 * from a model in memory:
 *   - attention direction, twice: MEASURED, from the model's own attention on a test sentence
 *     (any weight above the diagonal, i.e. on a later token → bidirectional, else left-to-right;
 *     the mean weight above the diagonal is printed), and by EXPERIMENT on the mask: change the
 *     last token and see whether token 0's output moves (it cannot, under a causal mask);
 *   - architecture: no causal mask and a masked-token head → encoder-only; a causal mask and a
 *     next-token head → decoder-only (neither of the three has both halves);
 *   - training objective: the heads the model carries (BERT: MLM + NSP; GPT, LLaMA: the next
 *     token);
 *   - normalisation, position encoding, activation, attention kind: the kind's code and the
 *     configuration (heads, key/value heads, context);
 *   - parameters: counted from the configuration of the model in memory;
 *   - speed, measured now: forward tokens/s over the same number of tokens (128, or the context
 *     when shorter), 2 threads, best of 3; for GPT and LLaMA also generation tokens/s with the
 *     key/value cache.
 * With no names the three are built now in one shape (V 8000, context 128, width 128, 2 layers, 2
 * heads; LLaMA with 1 key/value head), random weights, so that the speeds compare like with like.
 *
 * The chapter's table lists LLaMA as bidirectional and "Encoder + Decoder". What is measured here
 * (and what Touvron et al. 2023 describe) is a decoder-only, left-to-right model; the command
 * says so politely, with the measured number, and points at `attention compare` for the picture.
 */
#include "app.h"
#include "i18n.h"
#include "out.h"
#include "tflook.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/io.h"
#include "core/utf8.h"
#include "formats/gguf.h"
#include "models/gpt_gen.h"
#include "models/llama_gen.h"
#include "nn/recurrent.h"
#include "viz/attgrid.h"

/* The table's default shape: small enough to build and time in a second on two cores. */
static const TfShape DEFAULT_SHAPE = { 8000, 128, 128, 2, 2, 1 };

void tf_shape_of(const Model *md, TfShape *s)
{
    *s = DEFAULT_SHAPE;
    TfKind k;
    if (tf_kind(md, &k)) return;
    if (k == TF_GPT) {
        const GptConfig *c = &md->gpt->g.cfg;
        *s = (TfShape){ c->V, c->C, c->D, c->L, c->H, c->H % 2 ? c->H : c->H / 2 };
    } else if (k == TF_BERT) {
        const BertConfig *c = &md->bert->w.cfg;
        *s = (TfShape){ c->V, c->C, c->D, c->L, c->H, c->H % 2 ? c->H : c->H / 2 };
    } else {
        const LlamaConfig *c = &md->llama->w.cfg;
        *s = (TfShape){ c->V, c->C, c->D, c->L, c->H, c->Hkv };
    }
}

/* --- the stand-ins: random weights, a tokenizer trained in a blink ------------------------------ */

/* The first ~1 MB of the session language's mini corpus (whole lines), NUL-ended; NULL after
 * saying what was wrong. */
static char *mini_text(TzLang want, size_t *n, TzLang *lang)
{
    char path[4096], name[64];
    int prepared;
    if (corpus_resolve(want == TZ_LANG_TR ? "mini-tr" : "mini-en", NULL, path, name, lang, &prepared)) return NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        say_error(M("%s okunamadı: rastgele modellerin belirteçleyicisi onunla eğitilir.",
                    "could not read %s: the random models' tokenizers are trained on it."), path);
        return NULL;
    }
    size_t cap = 1u << 20;
    char *t = tz_malloc(cap + 1);
    size_t got = fread(t, 1, cap, f);
    fclose(f);
    if (got == cap)
        while (got > 0 && t[got - 1] != '\n') got--;
    t[got] = '\0';
    *n = got;
    return t;
}

/* LLaMA's tokenizer for a stand-in, from a byte-level BPE trained on the same text: SentencePiece's
 * layout — <unk> <s> </s>, the 256 byte pieces <0xXX> (byte fallback: any text can be spelled),
 * then every BPE token that is whole UTF-8 text as a piece ("▁" for a space), scored −rank so that
 * spm_encode glues pairs in the order BPE learnt them. */
static Spm *spm_from_bpe(const Bpe *b, int V, TzErr *e)
{
    GgufVocab v;
    memset(&v, 0, sizeof v);
    size_t cap = 3 + 256 + (size_t)b->vocab + (size_t)(V > 0 ? V : 0);
    v.tok = tz_calloc(cap, sizeof *v.tok);
    v.len = tz_calloc(cap, sizeof *v.len);
    v.score = tz_calloc(cap, sizeof *v.score);
    v.type = tz_calloc(cap, sizeof *v.type);
    static const char *const special[3] = { "<unk>", "<s>", "</s>" };
    static const int32_t stype[3] = { SPM_UNKNOWN, SPM_CONTROL, SPM_CONTROL };
    for (int i = 0; i < 3; i++) {
        v.tok[v.n] = tz_strdup(special[i]);
        v.len[v.n] = strlen(special[i]);
        v.type[v.n++] = stype[i];
    }
    for (int c = 0; c < 256; c++) {
        char t[8];
        snprintf(t, sizeof t, "<0x%02X>", c);
        v.tok[v.n] = tz_strdup(t);
        v.len[v.n] = strlen(t);
        v.type[v.n++] = SPM_BYTE;
    }
    for (int32_t id = 0; id < b->vocab; id++) {
        size_t len;
        const char *s = bpe_token_bytes(b, id, &len);
        if (!s || !len || utf8_validate(s, len) != len || memchr(s, '\0', len)) continue;
        size_t spaces = 0;
        for (size_t i = 0; i < len; i++) spaces += s[i] == ' ';
        char *p = tz_malloc(len + 2 * spaces + 1), *o = p;
        for (size_t i = 0; i < len; i++) {
            if (s[i] == ' ') { memcpy(o, "\xE2\x96\x81", 3); o += 3; }   /* ▁ */
            else *o++ = s[i];
        }
        *o = '\0';
        v.tok[v.n] = p;
        v.len[v.n] = (size_t)(o - p);
        v.score[v.n] = -(float)id;
        v.type[v.n++] = SPM_NORMAL;
    }
    /* up to the model's V with unused pieces (never produced, decoded as nothing), so that the
       tokenizer and the model agree on the vocabulary's size */
    for (int i = 0; v.n < V; i++) {
        char t[32];
        snprintf(t, sizeof t, "<unused%d>", i);
        v.tok[v.n] = tz_strdup(t);
        v.len[v.n] = strlen(t);
        v.type[v.n++] = SPM_UNUSED;
    }
    v.unk = 0;
    v.bos = 1;
    v.eos = 2;
    snprintf(v.model, sizeof v.model, "llama");
    Spm *s = tz_calloc(1, sizeof *s);
    int rc = spm_from_gguf_vocab(s, &v, e);
    gguf_vocab_free(&v);
    if (rc) {
        free(s);
        return NULL;
    }
    return s;
}

/* w's vocabulary with "[unused0]" … added up to V tokens (as bert-base keeps unused rows), so that
 * the tokenizer and the model agree on the vocabulary's size (bertm.h's BertModel). 0, or an
 * error code with e filled (w unchanged). */
static int wp_pad(WordPiece *w, int V, const WpOptions *o, TzErr *e)
{
    if (w->vocab >= V) return 0;
    size_t cap = 64 + (size_t)V * 16 + w->tok_off[w->vocab], n = 0;
    char *data = tz_malloc(cap);
    for (int32_t i = 0; i < w->vocab; i++) n += (size_t)snprintf(data + n, cap - n, "%s\n", wp_token(w, i));
    for (int i = 0; w->vocab + i < V; i++) n += (size_t)snprintf(data + n, cap - n, "[unused%d]\n", i);
    WordPiece p;
    memset(&p, 0, sizeof p);
    int rc = wp_parse_vocab(&p, data, n, "stand-in", e);
    free(data);
    if (rc) return rc;
    wp_set_options(&p, o);
    wp_free(w);
    *w = p;
    return 0;
}

/* llama2.c's hidden width for a dimension: 4D · 2/3, rounded up to a multiple of 32. */
static int llama_hidden(int D)
{
    int h = 2 * (4 * D) / 3;
    return (h + 31) / 32 * 32;
}

TzLang tf_text_lang(const char *text)
{
    static const char *const tr[] = { "ç", "ğ", "ı", "İ", "ö", "ş", "ü", "Ç", "Ğ", "Ö", "Ş", "Ü" };
    for (int i = 0; i < 12; i++)
        if (strstr(text, tr[i])) return TZ_LANG_TR;
    return g_lang;
}

Model *tf_standin(TfKind k, const TfShape *shape, const char *name, uint64_t seed, TzLang for_lang)
{
    TfShape s = *shape;
    if (s.C < 128) s.C = 128;                        /* room for a sentence whatever the original's context */
    if (k == TF_LLAMA && ((s.D % s.H) || (s.D / s.H) % 2 || s.H % (s.Hkv > 0 ? s.Hkv : 1) || s.Hkv < 1)) {
        say(M("not: %d genişlik × %d kafa bir LLaMA olamaz (kafa boyu çift olmalı: RoPE çiftleri döndürür); %s varsayılan "
              "biçimle kuruluyor.\n",
              "note: width %d × %d heads cannot be a LLaMA (the head size must be even: RoPE turns pairs); %s is built in "
              "the default shape.\n"), s.D, s.H, name);
        s = DEFAULT_SHAPE;
    }
    TzErr e;
    TzLang lang;
    size_t n;
    char *text = mini_text(for_lang, &n, &lang);
    if (!text) return NULL;
    int want = s.V < 1000 ? 1000 : s.V > 8000 ? 8000 : s.V;
    Model *md = tz_calloc(1, sizeof *md);
    snprintf(md->name, sizeof md->name, "%s", name);
    /* both languages: the window's panel titles show it as it is */
    snprintf(md->source, sizeof md->source, "rastgele ağırlıklar / random weights");
    md->lang = lang;
    int rc = 0;
    if (k == TF_BERT) {
        BertModel *m = tz_calloc(1, sizeof *m);
        md->bert = m;
        snprintf(md->kind, sizeof md->kind, "bert");
        m->wp = tz_calloc(1, sizeof *m->wp);
        WpOptions o = lang == TZ_LANG_TR ? wp_options_turkish(1) : wp_options_uncased();
        rc = wp_train(m->wp, text, n, want, &o, NULL, &e);
        if (!rc) rc = wp_pad(m->wp, s.V, &o, &e);
        BertConfig c = { .V = s.V > m->wp->vocab ? s.V : m->wp->vocab, .C = s.C, .D = s.D, .L = s.L, .H = s.H,
                         .F = 4 * s.D, .types = 2 };
        if (!rc && bert_alloc(&m->w, &c)) rc = -1;
        if (!rc) bert_init(&m->w, seed);
        snprintf(m->origin, sizeof m->origin, "%s", M("rastgele ağırlıklar", "random weights"));
        m->lang = lang;
        m->mlm_loss = m->nsp_acc = m->cls_acc = NAN;
    } else if (k == TF_GPT) {
        GptModel *m = tz_calloc(1, sizeof *m);
        md->gpt = m;
        snprintf(md->kind, sizeof md->kind, "gpt");
        m->bpe = tz_calloc(1, sizeof *m->bpe);
        rc = bpe_train(text, n, want, m->bpe, NULL, &e);
        if (rc) { free(m->bpe); m->bpe = NULL; }
        GptConfig c = { .V = m->bpe && s.V < m->bpe->vocab ? m->bpe->vocab : s.V, .C = s.C, .D = s.D, .L = s.L, .H = s.H };
        if (!rc && gpt_alloc(&m->g, &c)) rc = -1;
        if (!rc) gpt_init(&m->g, seed);
        m->eot = -1;
        m->lang = lang;
        m->val_loss = NAN;
        snprintf(m->origin, sizeof m->origin, "%s", M("rastgele ağırlıklar", "random weights"));
    } else {
        LlamaModel *m = tz_calloc(1, sizeof *m);
        md->llama = m;
        snprintf(md->kind, sizeof md->kind, "llama");
        Bpe b;
        rc = bpe_train(text, n, want, &b, NULL, &e);
        if (!rc) {
            m->spm = spm_from_bpe(&b, s.V, &e);
            if (!m->spm) rc = -1;
            bpe_free(&b);
        }
        LlamaConfig c = { .V = m->spm && s.V < m->spm->n ? m->spm->n : s.V, .C = s.C, .D = s.D, .L = s.L, .H = s.H,
                          .Hkv = s.Hkv, .F = llama_hidden(s.D), .tied = 0 };
        if (!rc && llama_alloc(&m->w, &c)) rc = -1;
        if (!rc) llama_init(&m->w, seed);
        snprintf(m->origin, sizeof m->origin, "random");
        snprintf(m->tok, sizeof m->tok, "%s", M("BPE'den (mini derlem)", "from a BPE (mini corpus)"));
    }
    free(text);
    if (rc) {
        if (rc > 0) say_tzerr(&e);
        else say_error(M("%s kurulamadı (biçim ya da bellek): genişlik %d, %d katman, %d kafa, bağlam %d.",
                         "could not build %s (shape or memory): width %d, %d layers, %d heads, context %d."),
                       name, s.D, s.L, s.H, s.C);
        tf_standin_free(md);
        return NULL;
    }
    return md;
}

int tf_keep_option(Args *a, int *keep)
{
    const char *v = arg_str(a, "keep", NULL);
    *keep = 0;
    if (!v) return 0;
    static const char *const yes[] = { "yes", "1", "true", "evet", "on" }, *const no[] = { "no", "0", "false", "hayır", "off" };
    for (int i = 0; i < 5; i++) {
        if (!strcasecmp(v, yes[i])) { *keep = 1; return 0; }
        if (!strcasecmp(v, no[i])) return 0;
    }
    say_error(M("keep=%s: yes ya da no olmalı (yes: rastgele modeller oturumda kalır).",
                "keep=%s: must be yes or no (yes: the random models stay in the session)."), v);
    return 1;
}

void tf_keep(Model **own, int n)
{
    char names[256] = "";
    size_t w = 0;
    for (int i = 0; i < n; i++) {
        if (!own[i]) continue;
        w += (size_t)snprintf(names + w, sizeof names - w, "%s%s", w ? ", " : "", own[i]->name);
        model_install(own[i]);
        own[i] = NULL;
        if (w >= sizeof names) w = sizeof names - 1;
    }
    if (w)
        say(M("oturumda kaldı: %s ('models' listeler; attention \"…\" model=AD all birinin içine bakar).\n",
              "kept in the session: %s ('models' lists them; attention \"…\" model=NAME all looks inside one).\n"), names);
}

void tf_standin_free(Model *md)
{
    if (!md) return;
    if (md->bert) bert_model_free(md->bert);
    if (md->gpt) gpt_model_free(md->gpt);
    if (md->llama) llama_model_free(md->llama);
    free(md);
}

/* --- what the words ask for ------------------------------------------------------------------- */

static const char *const KEY[TF_KINDS] = { "bert", "gpt", "llama" };

static int kind_of_word(const char *w)
{
    for (int i = 0; i < TF_KINDS; i++)
        if (!strcasecmp(w, KEY[i])) return i;
    return -1;
}

int compare_tf_wants(const Args *a)
{
    for (int i = 1; i < a->argc; i++)
        if (kind_of_word(a->argv[i]) >= 0) return 1;
    for (int i = 0; i < a->nkv; i++)
        if (kind_of_word(a->kv[i].key) >= 0) return 1;
    return 0;
}

/* --- measuring ---------------------------------------------------------------------------------- */

/* A model's numbers for the table. */
typedef struct {
    Model *md;
    int own;                 /* a stand-in built here (random weights) */
    TfKind kind;
    TfShape shape;
    int F;                   /* the feed-forward's hidden width */
    size_t params;
    double future;           /* mean weight above the diagonal on the test sentence */
    long long nz, cells;     /* future cells holding weight, of all */
    int n;                   /* tokens of the test sentence */
    double d0;               /* how far token 0's output moved when the last token changed */
    int T;                   /* tokens timed */
    double fwd, gen;         /* tokens/s; gen NAN for BERT */
    int gen_n;               /* tokens generated per run */
} Row;

/* Token 0's output (its row of scores over the vocabulary) with the last token as it is and with
 * it replaced: the largest difference. 0 exactly under a causal mask. */
static double first_row_moves(const TfLook *k)
{
    int n = k->n;
    if (n < 2) return NAN;
    int32_t *ids = tz_malloc((size_t)n * sizeof *ids);
    memcpy(ids, k->ids, (size_t)n * sizeof *ids);
    float *a = NULL, *b = NULL;
    size_t V = 0;
    /* BERT's last token is [SEP]: change the one before it, the sentence's last piece */
    int last = k->kind == TF_BERT ? n - 2 : n - 1;
    if (last < 1) { free(ids); return NAN; }
    for (int pass = 0; pass < 2; pass++) {
        if (pass) ids[last] = ids[last] == 7 ? 8 : 7;     /* another ordinary token */
        float *out = NULL;
        if (k->kind == TF_GPT) {
            const Gpt *g = &k->md->gpt->g;
            GptWork w;
            memset(&w, 0, sizeof w);
            if (gpt_work_alloc(&w, &g->cfg, 1, n)) break;
            gpt_forward(g, &w, ids, NULL, 1, n);
            V = (size_t)g->cfg.V;
            out = tz_malloc(V * sizeof *out);
            memcpy(out, w.logits, V * sizeof *out);
            gpt_work_free(&w);
        } else if (k->kind == TF_LLAMA) {
            const Llama *m = &k->md->llama->w;
            LlamaWork w;
            memset(&w, 0, sizeof w);
            if (llama_work_alloc(&w, &m->cfg, 1, n)) break;
            llama_forward(m, &w, ids, NULL, 1, n);
            V = (size_t)m->cfg.V;
            out = tz_malloc(V * sizeof *out);
            memcpy(out, w.logits, V * sizeof *out);
            llama_work_free(&w);
        } else {
            const Bert *m = &k->md->bert->w;
            BertWork w;
            memset(&w, 0, sizeof w);
            if (bert_work_alloc(&w, &m->cfg, 1, n)) break;
            bert_forward(m, &w, ids, NULL, NULL, NULL, NULL, 1, n);   /* no targets: every row's scores */
            V = (size_t)m->cfg.V;
            out = tz_malloc(V * sizeof *out);
            memcpy(out, w.logits, V * sizeof *out);
            bert_work_free(&w);
        }
        if (pass) b = out;
        else a = out;
    }
    double d = NAN;
    if (a && b) {
        d = 0;
        for (size_t i = 0; i < V; i++) d = fmax(d, fabs((double)a[i] - b[i]));
    }
    free(a);
    free(b);
    free(ids);
    return d;
}

/* Forward tokens/s over T tokens (the sentence's ids repeated), best of 3; 2 threads. */
static double time_forward(Row *r, const TfLook *k)
{
    int T = r->shape.C < 128 ? r->shape.C : 128;
    r->T = T;
    int32_t *ids = tz_malloc((size_t)T * sizeof *ids);
    for (int i = 0; i < T; i++) ids[i] = k->ids[i % k->n];
    double best = INFINITY;
    if (r->kind == TF_GPT) {
        const Gpt *g = &r->md->gpt->g;
        GptWork w;
        memset(&w, 0, sizeof w);
        if (!gpt_work_alloc(&w, &g->cfg, 1, T)) {
            for (int i = 0; i < 3; i++) {
                double t0 = tz_now();
                gpt_forward(g, &w, ids, NULL, 1, T);
                best = fmin(best, tz_now() - t0);
            }
        }
        gpt_work_free(&w);
    } else if (r->kind == TF_LLAMA) {
        const Llama *m = &r->md->llama->w;
        LlamaWork w;
        memset(&w, 0, sizeof w);
        if (!llama_work_alloc(&w, &m->cfg, 1, T)) {
            for (int i = 0; i < 3; i++) {
                double t0 = tz_now();
                llama_forward(m, &w, ids, NULL, 1, T);
                best = fmin(best, tz_now() - t0);
            }
        }
        llama_work_free(&w);
    } else {
        const Bert *m = &r->md->bert->w;
        BertWork w;
        memset(&w, 0, sizeof w);
        if (!bert_work_alloc(&w, &m->cfg, 1, T)) {
            w.threads = 2;
            for (int i = 0; i < 3; i++) {
                double t0 = tz_now();
                bert_forward(m, &w, ids, NULL, NULL, NULL, NULL, 1, T);   /* the MLM head on every row */
                best = fmin(best, tz_now() - t0);
            }
        }
        bert_work_free(&w);
    }
    free(ids);
    return isfinite(best) && best > 0 ? T / best : NAN;
}

/* Generation tokens/s with the key/value cache: the sentence as the prompt (cut to leave room),
 * then up to 64 tokens greedily (no stop token), best of 3. */
static double time_generate(Row *r, const TfLook *k)
{
    int C = r->shape.C, np = k->n < C / 2 ? k->n : C / 2;
    if (np < 1) np = 1;
    int n = C - np < 64 ? C - np : 64;
    r->gen_n = n;
    if (n < 1) return NAN;
    GenParams p = { .n = n, .sp = { 0, 0, 1 }, .seed = 1, .stop_token = -1 };
    TzErr e;
    double best = INFINITY;
    if (r->kind == TF_GPT) {
        GptKV kv;
        memset(&kv, 0, sizeof kv);
        for (int i = 0; i < 3; i++) {
            double t0 = tz_now();
            long got = gpt_generate(&r->md->gpt->g, &kv, k->ids, (size_t)np, &p, NULL, NULL, NULL, NULL, &e);
            double dt = tz_now() - t0;
            if (got > 0) best = fmin(best, dt / (double)got);
        }
        gpt_kv_free(&kv);
    } else {
        LlamaKV kv;
        memset(&kv, 0, sizeof kv);
        for (int i = 0; i < 3; i++) {
            double t0 = tz_now();
            long got = llama_generate(&r->md->llama->w, &kv, k->ids, (size_t)np, &p, NULL, NULL, NULL, NULL, &e);
            double dt = tz_now() - t0;
            if (got > 0) best = fmin(best, dt / (double)got);
        }
        llama_kv_free(&kv);
    }
    return isfinite(best) && best > 0 ? 1 / best : NAN;
}

/* --- the table --------------------------------------------------------------------------------- */

#define COLW 28

/* One row: its label, then a cell per model. */
static void table_row(const char *label, int nk, char cells[][96])
{
    say("  %s%*s", label, pad(label, 36), "");
    for (int i = 0; i < nk; i++) say("%s%*s", cells[i], i + 1 < nk ? pad(cells[i], COLW) : 0, "");
    say("\n");
}

typedef struct {
    const char *key;                 /* the CSV's row name */
    char cell[TF_KINDS][96];         /* in the session's language */
    char data[TF_KINDS][96];         /* the CSV's value (English, '.' decimals) */
} Line;

static void csv_quoted(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

typedef struct {
    const Line *lines;
    int nl, nk;
    const Row *rows;
} CsvTable;

static int csv_table(FILE *f, void *ud, TzErr *e)
{
    const CsvTable *t = ud;
    fprintf(f, "row");
    for (int i = 0; i < t->nk; i++) fprintf(f, ",%s", KEY[t->rows[i].kind]);
    fputc('\n', f);
    for (int l = 0; l < t->nl; l++) {
        fprintf(f, "%s", t->lines[l].key);
        for (int i = 0; i < t->nk; i++) {
            fputc(',', f);
            csv_quoted(f, t->lines[l].data[i]);
        }
        fputc('\n', f);
    }
    return ferror(f) ? tz_errf(e, TZ_E_IO, "yazılamadı", "could not write") : 0;
}

static const char *num(double v, int prec, char b[32])
{
    if (!isfinite(v)) return "—";
    return fmt_real(v, prec, b);
}

/* Tokens per second, whole, with the thousands grouped. */
static const char *rate(double v, char b[32])
{
    if (!isfinite(v)) return "—";
    return fmt_int(llround(v), b);
}

int cmd_compare_tf(Args *a)
{
    /* the kinds: the words (any order, each once), at least two */
    int want[TF_KINDS] = { 0 }, order[TF_KINDS], nk = 0;
    for (int i = 1; i < a->argc; i++) {
        int k = kind_of_word(a->argv[i]);
        if (k < 0) {
            say_error(M("compare ya rnn lstm gru'yu ya da bert gpt llama'yı karşılaştırır; '%s' bunlardan değil. Örnek: "
                        "compare bert gpt llama",
                        "compare compares either rnn lstm gru or bert gpt llama; '%s' is not one of these. For example: "
                        "compare bert gpt llama"), a->argv[i]);
            return 1;
        }
        if (want[k]) {
            say_error(M("%s iki kez yazılmış: her tür bir kez.", "%s is given twice: each kind once."), KEY[k]);
            return 1;
        }
        want[k] = 1;
        order[nk++] = k;
    }
    for (int k = 0; k < TF_KINDS; k++)
        if (arg_str(a, KEY[k], NULL) && !want[k]) {
            if (nk) {
                say_error(M("%s= verilmiş ama %s karşılaştırmada yok: compare %s … %s=%s",
                            "%s= is given but %s is not in the comparison: compare %s … %s=%s"),
                          KEY[k], KEY[k], KEY[k], KEY[k], arg_str(a, KEY[k], NULL));
                return 1;
            }
        }
    if (!nk)   /* `compare bert=b gpt=g`: the names say which */
        for (int k = 0; k < TF_KINDS; k++)
            if (arg_str(a, KEY[k], NULL)) { want[k] = 1; order[nk++] = k; }
    if (nk < 2) {
        say_error("%s", M("compare en az iki türü karşılaştırır: compare bert gpt llama (ya da ikisi).",
                          "compare compares at least two kinds: compare bert gpt llama (or two of them)."));
        return 1;
    }
    const char *csv = arg_str(a, "csv", NULL);
    if (csv) {
        size_t cl = strlen(csv);
        if (cl < 4 || strcasecmp(csv + cl - 4, ".csv")) {
            say_error(M("csv= bir CSV dosyası yazar: ad .csv ile bitmeli ('%s').",
                        "csv= writes a CSV file: the name must end in .csv ('%s')."), csv);
            return 1;
        }
        /* its folder must exist: said before anything is built and measured */
        const char *slash = strrchr(csv, '/');
        char dir[4096];
        if (!slash) snprintf(dir, sizeof dir, ".");
        else if (slash == csv) snprintf(dir, sizeof dir, "/");
        else snprintf(dir, sizeof dir, "%.*s", (int)(slash - csv), csv);
        if (!tz_is_dir(dir)) {
            say_error(M("csv=%s: '%s' diye bir klasör yok.", "csv=%s: there is no folder '%s'."), csv, dir);
            return 1;
        }
    }
    int keep;
    if (tf_keep_option(a, &keep)) return 1;
    const char *text = arg_str(a, "text", NULL);
    if (!text) text = g_lang == TZ_LANG_TR ? "Ben kahve içiyorum, sen de çay içiyorsun." : "The cat sat on the mat and looked at the dog.";
    int empty = 1;
    for (const char *p = text; *p; p++) empty &= *p == ' ' || *p == '\t' || *p == '\n';
    if (empty) {
        say_error("%s", M("text= boş: modellerin dikkati bir test cümlesinden okunur. Örnek: text=\"Ben kahve içiyorum\"",
                          "text= is empty: the models' attention is read off a test sentence. For example: text=\"the cat sat\""));
        return 1;
    }
    /* the models: named, else built now in one shape */
    Row row[TF_KINDS];
    memset(row, 0, sizeof row);
    int rc = 0, named = 0;
    for (int i = 0; i < nk && !rc; i++) {
        int k = order[i], bad;
        Row *r = &row[i];
        r->kind = (TfKind)k;
        const char *name = arg_str(a, KEY[k], NULL);
        if (name) {
            named++;
            r->md = tf_pick_kind((TfKind)k, name, &bad);
            if (!r->md) rc = 1;
        }
    }
    if (rc) return 1;
    if (named < nk) {
        char b1[32];
        say(M("%d model şimdi kuruluyor, tek biçimde, rastgele ağırlıklarla (V %s, bağlam %d, genişlik %d, %d katman, %d kafa; "
              "LLaMA %d K/V kafası): hızlar aynı boyda karşılaştırılsın diye.\n",
              "building %d models now, in one shape, with random weights (V %s, context %d, width %d, %d layers, %d heads; "
              "LLaMA %d K/V head): so that the speeds compare the same size.\n"),
            nk - named, fmt_int(DEFAULT_SHAPE.V, b1), DEFAULT_SHAPE.C, DEFAULT_SHAPE.D, DEFAULT_SHAPE.L, DEFAULT_SHAPE.H,
            DEFAULT_SHAPE.Hkv);
    }
    for (int i = 0; i < nk && !rc; i++) {
        Row *r = &row[i];
        if (r->md) continue;
        char name[64];
        snprintf(name, sizeof name, "%s-rand", KEY[r->kind]);
        r->md = tf_standin(r->kind, &DEFAULT_SHAPE, name, 2000 + (uint64_t)r->kind, tf_text_lang(text));
        r->own = 1;
        if (!r->md) rc = 1;
    }
    TfLook look[TF_KINDS];
    memset(look, 0, sizeof look);
    say(M("test cümlesi: “%s”\n", "test sentence: “%s”\n"), text);
    for (int i = 0; i < nk && !rc; i++) {
        Row *r = &row[i];
        tf_shape_of(r->md, &r->shape);
        if (r->kind == TF_GPT) {
            r->params = gpt_nparams(&r->md->gpt->g.cfg);
            r->F = 4 * r->shape.D;
        } else if (r->kind == TF_BERT) {
            r->params = bert_nparams(&r->md->bert->w.cfg);
            r->F = r->md->bert->w.cfg.F;
        } else {
            r->params = llama_nparams(&r->md->llama->w.cfg);
            r->F = r->md->llama->w.cfg.F;
        }
        if (!r->own) say("  %s: ", r->md->name);
        if (tf_look_run(&look[i], r->md, text, 0)) rc = 1;
        else if (!look[i].text_tokens) {
            say_error(M("%s: test cümlesi hiç belirteç vermedi.", "%s: the test sentence gives no tokens."), r->md->name);
            rc = 1;
        } else if (!r->own)
            say(M("%d belirteç\n", "%d tokens\n"), look[i].n);
    }
    if (rc) {
        for (int i = 0; i < nk; i++) {
            tf_look_free(&look[i]);
            if (row[i].own) tf_standin_free(row[i].md);
        }
        return 1;
    }
    say("%s", M("ölçülüyor (ileri geçiş ve üretim, 2 iş parçacığı, 3 denemenin en iyisi)…\n",
                "measuring (forward pass and generation, 2 threads, best of 3)…\n"));
    fflush(stdout);
    cell_set_threads(2);
    llama_set_threads(2);
    int stopped = 0;
    for (int i = 0; i < nk; i++) {
        Row *r = &row[i];
        TfLook *k = &look[i];
        r->n = k->n;
        r->future = tf_future_mass(k);
        r->nz = r->cells = 0;
        for (int l = 0; l < k->L; l++)
            for (int h = 0; h < k->H; h++) {
                const float *A = tf_head(k, l, h);
                for (int q = 0; q < k->n; q++)
                    for (int j = q + 1; j < k->n; j++, r->cells++) r->nz += A[(size_t)q * k->n + j] != 0;
            }
        r->d0 = first_row_moves(k);
        r->fwd = r->gen = NAN;
        if (stopped || (stopped = app_take_sigint())) continue;
        r->fwd = time_forward(r, k);
        if (r->kind != TF_BERT && !(stopped = app_take_sigint())) r->gen = time_generate(r, k);
    }
    cell_set_threads(0);
    llama_set_threads(0);
    if (stopped) say("%s", M("(Ctrl-C: ölçüm durduruldu; kalan hızlar boş)\n", "(Ctrl-C: measuring stopped; the speeds left are blank)\n"));

    /* the cells */
    enum { NL = 15 };
    Line L[NL];
    memset(L, 0, sizeof L);
    char b1[32], b2[32];
    for (int i = 0; i < nk; i++) {
        const Row *r = &row[i];
        const TfLook *k = &look[i];
        int bert = r->kind == TF_BERT, llama = r->kind == TF_LLAMA, ahead = r->nz > 0;
        int l = 0;
        L[l].key = "model";
        snprintf(L[l].cell[i], 96, "%s%s", r->md->name, r->own ? M(" (rastgele)", " (random)") : "");
        snprintf(L[l++].data[i], 96, "%s%s", r->md->name, r->own ? " (random weights)" : "");
        L[l].key = "direction_measured";
        snprintf(L[l].cell[i], 96, "%s", ahead ? M("iki yönlü", "bidirectional") : M("soldan sağa", "left-to-right"));
        snprintf(L[l++].data[i], 96, "%s", ahead ? "bidirectional" : "left-to-right");
        L[l].key = "weight_above_diagonal";
        snprintf(L[l].cell[i], 96, "%s", num(r->future, 3, b1));
        snprintf(L[l++].data[i], 96, "%.6f", r->future);
        L[l].key = "future_cells_with_weight";
        snprintf(L[l].cell[i], 96, "%s / %s", fmt_int(r->nz, b1), fmt_int(r->cells, b2));
        snprintf(L[l++].data[i], 96, "%lld/%lld", r->nz, r->cells);
        L[l].key = "mask_rule";
        snprintf(L[l].cell[i], 96, "%s", k->causal ? M("nedensel: anahtar ≤ sorgu", "causal: key ≤ query")
                                                   : M("yok (yalnız dolgu)", "none (padding only)"));
        snprintf(L[l++].data[i], 96, "%s", k->causal ? "causal" : "none");
        L[l].key = "token0_sees_last";
        if (isnan(r->d0)) snprintf(L[l].cell[i], 96, "—");
        else if (r->d0 > 0) snprintf(L[l].cell[i], 96, M("evet (Δ %s)", "yes (Δ %s)"), fmt_real(r->d0, 4, b1));
        else snprintf(L[l].cell[i], 96, M("hayır (Δ 0)", "no (Δ 0)"));
        snprintf(L[l++].data[i], 96, "%s", isnan(r->d0) ? "" : r->d0 > 0 ? "yes" : "no");
        L[l].key = "architecture";
        /* from the two facts measured above and the head the model carries */
        snprintf(L[l].cell[i], 96, "%s", !k->causal ? M("yalnız kodlayıcı", "encoder-only") : M("yalnız kod çözücü", "decoder-only"));
        snprintf(L[l++].data[i], 96, "%s", !k->causal ? "encoder-only" : "decoder-only");
        L[l].key = "objective";
        snprintf(L[l].cell[i], 96, "%s", bert ? M("MLM + NSP", "MLM + NSP") : M("sonraki belirteç", "next token"));
        snprintf(L[l++].data[i], 96, "%s", bert ? "MLM + NSP" : "next token");
        L[l].key = "normalisation";
        snprintf(L[l].cell[i], 96, "%s", bert ? M("LayerNorm, sonra (post)", "LayerNorm, after (post)")
                                         : llama ? M("RMSNorm, önce (pre)", "RMSNorm, before (pre)")
                                                 : M("LayerNorm, önce (pre)", "LayerNorm, before (pre)"));
        snprintf(L[l++].data[i], 96, "%s", bert ? "LayerNorm post" : llama ? "RMSNorm pre" : "LayerNorm pre");
        L[l].key = "position";
        if (llama) snprintf(L[l].cell[i], 96, M("RoPE (θ 10000, tablo yok)", "RoPE (θ 10000, no table)"));
        else snprintf(L[l].cell[i], 96, M("öğrenilmiş, %d × %d", "learned, %d × %d"), r->shape.C, r->shape.D);
        if (llama) snprintf(L[l++].data[i], 96, "RoPE");
        else snprintf(L[l++].data[i], 96, "learned %dx%d", r->shape.C, r->shape.D);
        L[l].key = "activation";
        snprintf(L[l].cell[i], 96, "%s · FFN %d", bert ? "GELU (erf)" : llama ? "SwiGLU" : "GELU (tanh)", r->F);
        snprintf(L[l++].data[i], 96, "%s", bert ? "GELU (erf)" : llama ? "SwiGLU" : "GELU (tanh)");
        L[l].key = "attention";
        if (llama && r->shape.Hkv < r->shape.H)
            snprintf(L[l].cell[i], 96, M("GQA: %d sorgu, %d K/V kafası", "GQA: %d query, %d K/V heads"), r->shape.H, r->shape.Hkv);
        else snprintf(L[l].cell[i], 96, M("MHA: %d kafa", "MHA: %d heads"), r->shape.H);
        if (llama && r->shape.Hkv < r->shape.H) snprintf(L[l++].data[i], 96, "GQA %d/%d", r->shape.H, r->shape.Hkv);
        else snprintf(L[l++].data[i], 96, "MHA %d", r->shape.H);
        L[l].key = "parameters";
        snprintf(L[l].cell[i], 96, "%s", fmt_int((long long)r->params, b1));
        snprintf(L[l++].data[i], 96, "%zu", r->params);
        L[l].key = "forward_tokens_per_s";
        snprintf(L[l].cell[i], 96, "%s", rate(r->fwd, b1));
        snprintf(L[l++].data[i], 96, isfinite(r->fwd) ? "%.1f" : "", r->fwd);
        TZ_ASSERT(l == NL - 1);
        L[l].key = "generate_tokens_per_s";
        if (bert) snprintf(L[l].cell[i], 96, M("— (üretmez)", "— (does not generate)"));
        else snprintf(L[l].cell[i], 96, "%s", rate(r->gen, b1));
        snprintf(L[l++].data[i], 96, isfinite(r->gen) ? "%.1f" : "", r->gen);
    }
    static const char *const label_tr[NL] = {
        "model", "dikkat yönü (ölçülen)", "  köşegenin üstündeki ağırlık", "  ağırlıklı gelecek hücresi",
        "  maske (kodun kuralı)", "  0. belirteç sonuncuyu görür mü", "mimari", "eğitim amacı", "normalleştirme",
        "konum kodlaması", "etkinleştirme", "dikkat türü", "parametre", "ileri geçiş belirteç/sn",
        "üretim belirteç/sn (KV önbelleği)" };
    static const char *const label_en[NL] = {
        "model", "attention direction (measured)", "  weight above the diagonal", "  future cells with weight",
        "  mask (the code's rule)", "  token 0 sees the last one?", "architecture", "training objective",
        "normalisation", "position encoding", "activation", "attention kind", "parameters", "forward tokens/s",
        "generation tokens/s (KV cache)" };
    say("\n  %*s", 36, "");
    for (int i = 0; i < nk; i++) {
        const char *h = tf_kind_label(row[i].kind);
        say("%s%*s", h, i + 1 < nk ? pad(h, COLW) : 0, "");
    }
    say("\n");
    for (int l = 0; l < NL; l++) table_row(g_lang == TZ_LANG_TR ? label_tr[l] : label_en[l], nk, L[l].cell);
    /* how the speeds were measured */
    int T0 = row[0].T, same = 1;
    for (int i = 1; i < nk; i++)
        same &= row[i].shape.D == row[0].shape.D && row[i].shape.L == row[0].shape.L && row[i].shape.V == row[0].shape.V;
    say(M("  hız: %d belirteçlik aynı girdi (bağlam daha kısaysa o kadar), 2 iş parçacığı, 3 denemenin en iyisi; üretim: "
          "açgözlü, en çok 64 belirteç, KV önbelleğiyle.%s\n",
          "  speed: the same %d-token input (the context when shorter), 2 threads, best of 3; generation: greedy, up to 64 "
          "tokens, with the KV cache.%s\n"),
        T0, same ? "" : M(" Modellerin boyları farklı: hızlar farklı boyları ölçer.", " The models differ in size: the speeds measure different sizes."));
    say("%s", M("  yön, modelin bu cümledeki kendi dikkatinden okundu (köşegenin üstünde ağırlık → iki yönlü) ve maske, son "
                "belirteç değiştirilerek denendi; mimari de buradan: nedensel maske + sonraki belirteç başı → kod çözücü, maskesiz + "
                "maskeli belirteç başı → kodlayıcı.\n",
                "  the direction is read off the model's own attention on this sentence (weight above the diagonal → "
                "bidirectional) and the mask tested by changing the last token; the architecture follows: causal mask + "
                "next-token head → decoder, no mask + masked-token head → encoder.\n"));
    /* the chapter's table and what was measured */
    for (int i = 0; i < nk; i++) {
        if (row[i].kind != TF_LLAMA) continue;
        int ahead = row[i].nz > 0;
        char b[32];
        if (!ahead) {
            say("\n%s\n", M("Bölümün tablosu üzerine bir not:", "A note on the chapter's table:"));
            say(M("  Bölümün tablosu LLaMA'yı “iki yönlü” ve “Kodlayıcı + Kod çözücü” olarak gösteriyor. Burada ölçülen: LLaMA "
                  "yalnız kod çözücüdür ve soldan sağa okur (köşegenin üstünde %s ağırlık; %s gelecek hücresinin hiçbiri ağırlık "
                  "almıyor) — makalesinin (Touvron vd., 2023) anlattığı gibi, GPT gibi.\n",
                  "  The chapter's table lists LLaMA as “bidirectional” and “Encoder + Decoder”. Measured here, LLaMA is "
                  "decoder-only and reads left to right (%s weight above the diagonal; none of the %s future cells holds any "
                  "weight) — as its paper (Touvron et al., 2023) describes, like GPT.\n"),
                num(row[i].future, 3, b), fmt_int(row[i].cells, b1));
            say("%s", M("  Kanıtı görmek için: attention compare \"Ben kahve içiyorum\" (BERT'in tam karesi, GPT'nin ve LLaMA'nın "
                        "üçgeni yan yana).\n",
                        "  To see the evidence: attention compare \"the cat sat on the mat\" (BERT's full square beside GPT's and "
                        "LLaMA's triangles).\n"));
        }
    }
    if (csv) {
        CsvTable t = { .lines = L, .nl = NL, .nk = nk, .rows = row };
        TzErr e;
        if (tz_save_atomic(csv, csv_table, &t, &e)) {
            say_tzerr(&e);
            rc = 1;
        } else {
            say(M("tablo yazıldı (%d satır × %d model): %s\n", "table written (%d rows × %d models): %s\n"), NL, nk, csv);
        }
    }
    Model *own[TF_KINDS] = { NULL };
    for (int i = 0; i < nk; i++) {
        tf_look_free(&look[i]);
        if (row[i].own) own[i] = row[i].md;
    }
    if (keep && !rc) tf_keep(own, nk);
    for (int i = 0; i < nk; i++) tf_standin_free(own[i]);
    return rc;
}
