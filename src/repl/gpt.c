/* gpt.c — a GPT at the prompt: `train gpt`, `generate` with a GPT, `info`, and GPT files for
 * `save` and `load` (tezgah's checkpoint, Hugging Face safetensors, llm.c's gpt2_124M.bin).
 *
 * A GPT is a Model (kind "gpt") whose `gpt` (gptm.h) holds the weights and the tokenizer. It
 * reads raw text — case, punctuation and line ends kept — as bytes through a byte-level BPE, so
 * any file can be trained on: there is no "unknown character". `train gpt` learns its tokenizer
 * on the text first (or reuses one: tokenizer=NAME), in the same job, then trains the model
 * (engine/models/gpt_train.c).
 */
#include "app.h"
#include "gptm.h"
#include "i18n.h"
#include "lm.h"
#include "out.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/io.h"
#include "core/utf8.h"
#include "formats/ckpt.h"
#include "models/gpt_gen.h"
#include "models/gpt_io.h"
#include "models/gpt_train.h"
#include "text/bpe.h"

/* --- the model --------------------------------------------------------------------------------- */

void gpt_model_free(GptModel *m)
{
    if (!m) return;
    gpt_free(&m->g);
    bpe_model_free(m->bpe);
    free(m);
}

void gpt_model_describe(const GptModel *m, char *buf, size_t n)
{
    const GptConfig *c = &m->g.cfg;
    char b1[32], b2[32], b3[32];
    snprintf(buf, n, M("%s belirteç, %d blok × %d kafa, genişlik %d, bağlam %d; %s parametre, %s MB",
                       "%s tokens, %d blocks × %d heads, width %d, context %d; %s parameters, %s MB"),
             fmt_int(c->V, b1), c->L, c->H, c->D, c->C, fmt_int((long long)m->g.n, b2),
             fmt_real((double)m->g.n * 4 / 1e6, 1, b3));
}

size_t gpt_model_encode(const GptModel *m, const char *text, int32_t **ids)
{
    size_t n = strlen(text), k = bpe_encode(m->bpe, text, n, NULL, 0);
    *ids = tz_malloc((k ? k : 1) * sizeof **ids);
    bpe_encode(m->bpe, text, n, *ids, k);
    return k;
}

/* Append s to out[*w …) if it fits (keeping room for the NUL). */
static void put(char *out, size_t cap, size_t *w, const char *s, size_t n)
{
    if (*w + n + 1 > cap) return;
    memcpy(out + *w, s, n);
    *w += n;
}

void gpt_model_token_label(const GptModel *m, int32_t id, char *out, size_t cap)
{
    if (!cap) return;
    size_t len, w = 0;
    const char *s = bpe_token_bytes(m->bpe, id, &len);
    if (!s) {   /* an id the tokenizer has no bytes for (a model wider than its tokenizer) */
        snprintf(out, cap, "[%d]", (int)id);
        return;
    }
    /* the text of the token, with what a label cannot show made visible: a space ␣, a line end
     * ↵, a tab ⇥, other control bytes and a piece of a character (byte-level BPE may cut one)
     * as \xHH */
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp;
        int k = c >= 0x80 ? utf8_decode(s + i, len - i, &cp) : 1;
        if (c >= 0x80 && k > 0) {
            put(out, cap, &w, s + i, (size_t)k);
            i += (size_t)k;
            continue;
        }
        i++;
        char hex[8];
        if (c == ' ') put(out, cap, &w, "␣", strlen("␣"));
        else if (c == '\n') put(out, cap, &w, "↵", strlen("↵"));
        else if (c == '\t') put(out, cap, &w, "⇥", strlen("⇥"));
        else if (c < 0x20 || c >= 0x7f) put(out, cap, &w, hex, (size_t)snprintf(hex, sizeof hex, "\\x%02X", c));
        else put(out, cap, &w, (const char *)&c, 1);
    }
    out[w] = '\0';
}

/* The tokenizer of a model: a BPE (train bpe, the gpt2 tokenizer) or a GPT's own. */
static const Bpe *model_tokenizer(const Model *m)
{
    return m->bpe ? m->bpe : m->gpt ? m->gpt->bpe : NULL;
}

/* A private copy of a tokenizer (a job must not share one the session may free): through the
 * checkpoint section, which holds all of it. */
static Bpe *bpe_copy(const Bpe *src)
{
    CkBuf b = { 0 };
    bpe_save(src, &b);
    Bpe *out = tz_calloc(1, sizeof *out);
    size_t used;
    TzErr e;
    int rc = bpe_load_mem(out, b.b, b.n, &used, &e);
    TZ_ASSERT(rc == 0 && used == b.n);
    free(b.b);
    return out;
}

/* Only these options: the `train` row accepts every trainer's keys, so a key another trainer
 * reads (hidden=, epochs=) would otherwise be silently ignored here. (bert.c uses it too.) */
int only_keys(Args *a, const char *what, const char *keys)
{
    for (int i = 0; i < a->nkv; i++) {
        const char *k = a->kv[i].key;
        size_t n = strlen(k);
        int ok = 0;
        for (const char *p = keys; *p && !ok;) {
            const char *sp = strchr(p, ' ');
            size_t len = sp ? (size_t)(sp - p) : strlen(p);
            ok = len == n && !strncmp(p, k, n);
            p += len;
            while (*p == ' ') p++;
        }
        if (!ok) {
            say_error(M("%s: '%s=' diye bir seçenek yok; seçenekler: %s", "%s: there is no option '%s='; options: %s"), what, k,
                      keys);
            return 1;
        }
    }
    return 0;
}

/* --- train gpt ------------------------------------------------------------------------------- */

#define GPT_TRAIN_KEYS "corpus lang layers heads dim ctx batch lr steps warmup clip dropout seed vocab tokenizer name"

typedef struct {
    char name[64], corpus[64], path[4096];
    char what_bpe[96], what_gpt[96], unit_merge[32], unit_token[32];
    TzLang lang;
    int lowered;            /* no raw text: the prepared corpus (lower-cased, no punctuation) */
    GptConfig cfg;          /* V is set once the tokenizer is known */
    GptTrainConfig tc;
    int vocab;              /* the tokenizer to learn first (0: one was given) */
    Bpe *bpe;               /* the given tokenizer (a copy) or the one learnt; moves into the model */
    char tok_name[64];      /* the model it came from, or "" */
    uint64_t seed;
    GptModel *m;            /* the result */
    GptTrainStats st;
    size_t bytes, ntok, bad_utf8;   /* bad_utf8: 1 + the first byte that is not UTF-8, or 0 */
    double t_bpe, t_enc;
} GptJob;

static void gpt_job_free(GptJob *J)
{
    bpe_model_free(J->bpe);
    free(J);
}

static int gpt_work(Job *job, void *arg, TzErr *e)
{
    GptJob *J = arg;
    TzFile f;
    int rc = tz_file_map(&f, J->path, e);
    if (rc) return rc;
    J->bytes = f.size;
    if (f.size < 2) {
        tz_file_unmap(&f);
        return tz_errf(e, TZ_E_ARG, "'%s' boş: eğitilecek metin yok.", "'%s' is empty: there is no text to train on.", J->path);
    }
    size_t bad = utf8_validate(f.data, f.size);
    J->bad_utf8 = bad < f.size ? bad + 1 : 0;
    /* phase 1: the tokenizer (merges learnt from the same text) */
    if (!J->bpe) {
        J->bpe = tz_calloc(1, sizeof *J->bpe);
        double t0 = tz_now();
        rc = bpe_train(f.data, f.size, J->vocab, J->bpe, job, e);
        J->t_bpe = tz_now() - t0;
        if (rc) {   /* stopped (TZ_E_CANCELLED) or failed: no model */
            tz_file_unmap(&f);
            return rc;
        }
    }
    /* phase 2: the text as token ids, then the model trained on them */
    job_phase(job, J->what_gpt, J->unit_token);
    double t0 = tz_now();
    int32_t *ids = tz_malloc(f.size * sizeof *ids);   /* never more tokens than bytes */
    size_t n = bpe_encode(J->bpe, f.data, f.size, ids, f.size);
    TZ_ASSERT(n <= f.size);
    tz_file_unmap(&f);
    J->ntok = n;
    J->t_enc = tz_now() - t0;
    GptModel *m = tz_calloc(1, sizeof *m);
    J->cfg.V = J->bpe->vocab;
    if (gpt_alloc(&m->g, &J->cfg)) {
        free(m);
        free(ids);
        return tz_errf(e, TZ_E_NOMEM, "model için bellek yok (%zu parametre).", "no memory for the model (%zu parameters).",
                       gpt_nparams(&J->cfg));
    }
    gpt_init(&m->g, J->seed);
    m->bpe = J->bpe;
    J->bpe = NULL;
    m->eot = bpe_special(m->bpe, "<|endoftext|>");
    m->lang = J->lang;
    m->val_loss = NAN;
    m->batch = J->tc.B;
    J->m = m;
    rc = gpt_train(&m->g, ids, n, &J->tc, &J->st, job, e);
    free(ids);
    return rc;
}

void train_say_evals(const GptTrainStats *st)
{
    char b1[32], b2[32];
    if (st->nevals > 1) {   /* the curve in numbers: at most 10 rows, the last evaluation among them */
        say("  %s  %s  %s\n", M("  adım", "  step"), M("eğitim", " train"), M("doğrulama", "      val"));
        int rows = st->nevals < 10 ? st->nevals : 10, prev = -1;
        for (int r = 0; r < rows; r++) {
            int i = rows > 1 ? (int)((long)r * (st->nevals - 1) / (rows - 1)) : 0;
            if (i == prev) continue;
            prev = i;
            say("  %6ld  %6s  %9s\n", st->eval_step[i], fmt_real(st->eval_train[i], 3, b1),
                isfinite(st->eval_val[i]) ? fmt_real(st->eval_val[i], 3, b2) : "-");
        }
    }
}

static void gpt_done(int rc, const TzErr *e, void *arg)
{
    GptJob *J = arg;
    char b1[32], b2[32], b3[32], b4[32], b5[32];
    if (rc == TZ_E_CANCELLED && !J->m) {
        say(M("belirteçleyici öğrenilirken durduruldu; model eğitilmedi.\n",
              "stopped while the tokenizer was being learnt; no model was trained.\n"));
        gpt_model_free(J->m);
        gpt_job_free(J);
        return;
    }
    if (rc && rc != TZ_E_NUMERIC) {
        say_tzerr(e);
        gpt_model_free(J->m);
        gpt_job_free(J);
        return;
    }
    if (rc == TZ_E_NUMERIC) say_tzerr(e);   /* diverged: the model is back at its last sane weights */
    GptModel *m = J->m;
    GptTrainStats *st = &J->st;
    m->steps = st->steps;
    m->val_loss = st->val_loss;
    snprintf(m->origin, sizeof m->origin, "train gpt corpus=%.60s steps=%ld", J->corpus, st->steps);
    Model *md = tz_calloc(1, sizeof *md);
    snprintf(md->name, sizeof md->name, "%s", J->name);
    snprintf(md->kind, sizeof md->kind, "gpt");
    snprintf(md->source, sizeof md->source, "corpus %s", J->corpus);
    snprintf(md->info, sizeof md->info, "layers=%d heads=%d dim=%d ctx=%d vocab=%d batch=%d lr=%g steps=%ld%s%s", J->cfg.L,
             J->cfg.H, J->cfg.D, J->cfg.C, J->cfg.V, J->tc.B, (double)J->tc.lr, J->tc.steps, J->tok_name[0] ? " tokenizer=" : "",
             J->tok_name);
    md->lang = J->lang;
    md->gpt = m;

    if (J->bad_utf8)
        say(M("not: metin %zu. baytta geçerli UTF-8 değil; bayt düzeyinde BPE her baytı okur, yine de eğitildi.\n",
              "note: the text is not valid UTF-8 at byte %zu; byte-level BPE reads any bytes, so it was trained all the same.\n"),
            J->bad_utf8);
    if (J->lowered) train_say_lowered(J->corpus);
    if (J->tok_name[0])
        say(M("belirteçleyici: %s (%s belirteç)\n", "tokenizer: %s (%s tokens)\n"), J->tok_name, fmt_int(m->bpe->vocab, b1));
    else
        say(M("belirteçleyici: metinden öğrenilen bayt düzeyinde BPE, %s belirteç (%s sn)\n",
              "tokenizer: a byte-level BPE learnt on the text, %s tokens (%s s)\n"),
            fmt_int(m->bpe->vocab, b1), fmt_real(J->t_bpe, 2, b2));
    say(M("metin: %s bayt → %s belirteç (belirteç başına %s bayt): %s eğitim, %s doğrulama (son %%10)\n",
          "text: %s bytes → %s tokens (%s bytes per token): %s for training, %s held out (the last 10%%)\n"),
        fmt_int((long long)J->bytes, b1), fmt_int((long long)J->ntok, b2),
        fmt_real(J->ntok ? (double)J->bytes / (double)J->ntok : 0, 2, b3), fmt_int((long long)st->ntrain, b4),
        fmt_int((long long)st->nval, b5));
    train_say_evals(st);
    char val[48];
    snprintf(val, sizeof val, "%s", isfinite(st->val_loss) ? fmt_real(st->val_loss, 3, b3) : "-");
    if (st->finished)
        say(M("%s eğitildi: %s parametre, %ld adım; kayıp %s → %s nat/belirteç, doğrulama kaybı %s; %s sn, %s belirteç/sn. "
              "Deneyin: generate \"...\"\n",
              "%s trained: %s parameters, %ld steps; loss %s → %s nats/token, held-out loss %s; %s s, %s tokens/s. "
              "Try: generate \"...\"\n"),
            md->name, fmt_int((long long)m->g.n, b1), st->steps, fmt_real(st->first_loss, 3, b2),
            fmt_real(st->train_loss, 3, b4), val, fmt_real(st->seconds, 1, b5), fmt_int((long long)st->tokens_per_s, b3));
    else
        train_say_stopped(st, J->tc.steps, md->name);
    model_install(md);
    gpt_job_free(J);
}

void train_say_stopped(const GptTrainStats *st, long planned, const char *name)
{
    char b1[32], b2[32], val[48];
    snprintf(val, sizeof val, "%s", isfinite(st->val_loss) ? fmt_real(st->val_loss, 3, b1) : "-");
    if (st->diverged)
        say(M("%ld adımdan sonraki son makul model %s adıyla saklandı (doğrulama kaybı %s).\n",
              "the last sane model, after %ld steps, is kept as %s (held-out loss %s).\n"),
            st->steps, name, val);
    else
        say(M("eğitim %ld/%ld adımda durduruldu; o ana kadar eğitilen model %s adıyla saklandı (kayıp %s → %s, doğrulama "
              "kaybı %s).\n",
              "training stopped at step %ld of %ld; the model trained so far is kept as %s (loss %s → %s, held-out loss %s).\n"),
            st->steps, planned, name, fmt_real(st->first_loss, 3, b1), fmt_real(st->train_loss, 3, b2), val);
}

int train_check_schedule(Args *a, long warmup, long steps)
{
    if (warmup >= steps) {
        say_error(M("warmup=%ld, steps=%ld değerinden küçük olmalı.", "warmup=%ld must be smaller than steps=%ld."), warmup,
                  steps);
        return 1;
    }
    if (arg_str(a, "tokenizer", NULL) && arg_str(a, "vocab", NULL)) {
        say_error(M("vocab= ile tokenizer= birlikte olmaz: hazır bir belirteçleyicinin sözlüğü kendinindir.",
                    "vocab= and tokenizer= do not go together: a ready tokenizer brings its own vocabulary."));
        return 1;
    }
    return 0;
}

int train_too_big(double need)
{
    double ram = tz_phys_bytes();
    if (!(ram > 0 && need > 0.8 * ram)) return 0;
    char b1[32], b2[32];
    say_error(M("bu ayarlarla eğitim yaklaşık %s bellek ister (ağırlıklar, gradyanlar, Adam, bir yedek ve bir adımın ara "
                "değerleri); bu makinede %s var. dim=, layers=, batch=, ctx= ya da vocab= değerini küçültün.",
                "training with these settings needs about %s of memory (weights, gradients, Adam, a backup and one "
                "step's activations); this machine has %s. Make dim=, layers=, batch=, ctx= or vocab= smaller."),
              fmt_bytes(need, b1), fmt_bytes(ram, b2));
    return 1;
}

/* The text to train on: raw (datasets/cache/raw/<corpus>.txt, case and punctuation kept) when
 * there is one, else the corpus as given (mini-* are raw already), else a file. Reports and
 * returns 1 when there is none. (train bert reads its text the same way.) */
void train_say_lowered(const char *corpus)
{
    say(M("not: %s için ham metin yok (datasets/cache/raw/); hazırlanmış derlem kullanıldı: küçük harf, noktalama yok.\n",
          "note: there is no raw text for %s (datasets/cache/raw/); the prepared corpus was used: lower case, no punctuation.\n"),
        corpus);
}

int train_raw_text(Args *a, const char *cmd, char path[4096], char corpus[64], TzLang *lang, int *lowered)
{
    const char *name = arg_str(a, "corpus", NULL);
    int prepared = 0;
    *lowered = 0;
    if (name) {
        if (corpus_resolve(name, arg_str(a, "lang", NULL), path, corpus, lang, &prepared)) return 1;
    } else if (g_app.corpus) {   /* the current corpus */
        snprintf(path, 4096, "%s", g_app.corpus->path);
        snprintf(corpus, 64, "%s", g_app.corpus->name);
        *lang = g_app.corpus->lang;
        DatasetInfo d;
        TzErr e;
        prepared = dataset_find(corpus, &d, &e) == 0 && d.prepared;
    } else {
        say_error(M("hangi metin? %s corpus=AD (ör. corpus=mini-tr) ya da corpus=DOSYA",
                    "which text? %s corpus=NAME (e.g. corpus=mini-en) or corpus=FILE"), cmd);
        return 1;
    }
    if (prepared) {   /* the raw copy beside the prepared one: the text as written */
        const char *slash = strrchr(path, '/');
        char raw[4200];
        if (slash) snprintf(raw, sizeof raw, "%.*s/raw/%s", (int)(slash - path), path, slash + 1);
        else snprintf(raw, sizeof raw, "raw/%s", path);
        if (tz_exists(raw) && strlen(raw) < 4096) memcpy(path, raw, strlen(raw) + 1);
        else *lowered = 1;
    }
    return 0;
}

static int gpt_text(Args *a, GptJob *J)
{
    return train_raw_text(a, "train gpt", J->path, J->corpus, &J->lang, &J->lowered);
}

int cmd_train_gpt(Args *a)
{
    if (only_keys(a, "train gpt", GPT_TRAIN_KEYS)) return 1;
    TzErr e;
    long layers, heads, dim, ctx, batch, steps, warmup, seed, vocab;
    double lr, clip, dropout;
    if (arg_long(a, "layers", 4, 1, 48, &layers, &e) || arg_long(a, "heads", 4, 1, 64, &heads, &e) ||
        arg_long(a, "dim", 128, 8, 4096, &dim, &e) || arg_long(a, "ctx", 128, 2, 4096, &ctx, &e) ||
        arg_long(a, "batch", 16, 1, 1024, &batch, &e) || arg_long(a, "steps", 150, 1, 10000000L, &steps, &e) ||
        arg_long(a, "warmup", -1, -1, 10000000L, &warmup, &e) || arg_long(a, "seed", 1, 0, 2147483647L, &seed, &e) ||
        arg_long(a, "vocab", 1000, 256, 200000, &vocab, &e) || arg_double(a, "clip", 1.0, 0, 1e6, &clip, &e) ||
        arg_double(a, "dropout", 0, 0, 0.9, &dropout, &e)) {
        say_tzerr(&e);
        return 1;
    }
    /* The default learning rate: 3e-3 for a small model (dim ≤ 128), smaller in proportion for a
     * wider one, whose many weights each take a step of about lr and so move its outputs more
     * (GPT-2 small, dim 768, trained at 6e-4; this rule gives 5e-4). Measured on mini-tr with the
     * default shape, 150 steps: 3e-3 reaches a loss of 2.7 and readable Turkish, 1e-3 only 3.5. */
    if (arg_double(a, "lr", 3e-3 * (dim > 128 ? 128.0 / (double)dim : 1.0), 1e-7, 1e3, &lr, &e)) {
        say_tzerr(&e);
        return 1;
    }
    if (dim % heads) {
        say_error(M("heads=%ld, dim=%ld değerini tam bölmüyor: her kafa dim/heads sayılık bir dilim alır. Ör. dim=%ld heads=%ld",
                    "heads=%ld does not divide dim=%ld: each head takes a slice of dim/heads numbers. E.g. dim=%ld heads=%ld"),
                  heads, dim, dim, dim % 4 == 0 ? 4L : dim % 2 == 0 ? 2L : 1L);
        return 1;
    }
    if (train_check_schedule(a, warmup, steps)) return 1;
    const char *tok = arg_str(a, "tokenizer", NULL);
    const Bpe *given = NULL;
    if (tok) {
        Model *tm = model_find(tok);
        given = tm ? model_tokenizer(tm) : NULL;
        if (!tm) {
            say_error(M("'%s' diye bir model yok; tokenizer= yüklü bir BPE ya da GPT modelinin adını alır ('models').",
                        "there is no model '%s'; tokenizer= takes the name of a loaded BPE or GPT model ('models')."), tok);
            return 1;
        }
        if (!given) {
            say_error(M("%s bir belirteçleyici değil (%s); tokenizer= bir BPE (train bpe) ya da GPT modeli ister.",
                        "%s is not a tokenizer (%s); tokenizer= wants a BPE (train bpe) or a GPT model."), tm->name, tm->kind);
            return 1;
        }
    }
    /* The tokenizer's size when it is learnt here: 1000 tokens (256 bytes + 744 merges). On the
     * corpora here that is 3–4 bytes a token (whole short words and common suffixes: -lar, -ler,
     * -ın), so a context of 128 tokens holds a few sentences; and each token is seen thousands of
     * times in a short training (a rare token's embedding learns nothing). The embedding V × D then
     * costs about what one block does at dim 128. A bigger corpus and model can take more (vocab=). */
    GptConfig cfg = { .V = given ? given->vocab : (int)vocab, .C = (int)ctx, .D = (int)dim, .L = (int)layers, .H = (int)heads };
    /* too big for this machine? (the weights ×5 and one batch's activations; the text's ids too) */
    if (train_too_big(gpt_train_bytes(&cfg, (int)batch, (int)ctx))) return 1;
    GptJob *J = tz_calloc(1, sizeof *J);
    if (gpt_text(a, J)) { free(J); return 1; }
    J->cfg = cfg;
    J->vocab = given ? 0 : (int)vocab;
    if (given) {
        J->bpe = bpe_copy(given);
        snprintf(J->tok_name, sizeof J->tok_name, "%s", tok);
    }
    J->seed = (uint64_t)seed;
    J->tc = gpt_train_defaults();
    J->tc.B = (int)batch;
    J->tc.T = (int)ctx;
    J->tc.steps = steps;
    J->tc.lr = (float)lr;
    J->tc.warmup = warmup;
    J->tc.clip = (float)clip;
    J->tc.dropout = (float)dropout;
    J->tc.seed = (uint64_t)seed;
    const char *name = arg_str(a, "name", NULL);
    if (name) snprintf(J->name, sizeof J->name, "%s", name);
    else snprintf(J->name, sizeof J->name, "gpt-%.59s", J->corpus);
    snprintf(J->what_bpe, sizeof J->what_bpe, "bpe %.60s", J->corpus);
    snprintf(J->what_gpt, sizeof J->what_gpt, "gpt %.60s", J->corpus);
    snprintf(J->unit_merge, sizeof J->unit_merge, "%s", M("birleştirme", "merge"));
    snprintf(J->unit_token, sizeof J->unit_token, "%s", M("belirteç", "token"));
    char curve[128];
    snprintf(curve, sizeof curve, "%.40s (gpt %ldL %ldd)", J->name, layers, dim);
    app_job_curve(curve);
    return app_start_job(given ? J->what_gpt : J->what_bpe, given ? J->unit_token : J->unit_merge, gpt_work, J, gpt_done);
}

/* --- generate ------------------------------------------------------------------------------ */

/* What generation has printed: bytes held back while they end inside a UTF-8 character (a
 * byte-level token may be half a letter; its other half comes with the next token). */
typedef struct {
    const GptModel *m;
    SayStream out;          /* what is printed, a character at a time */
    long count;
    int stopped;            /* Ctrl-C */
    int ended;              /* the end-of-text token was drawn */
} GenOut;

static int gen_token(int32_t tok, void *arg)
{
    GenOut *o = arg;
    size_t len;
    const char *s = bpe_token_bytes(o->m->bpe, tok, &len);
    if (s) say_stream(&o->out, s, len);
    else {
        char lab[24];
        snprintf(lab, sizeof lab, "[%d]", (int)tok);
        say_stream(&o->out, lab, strlen(lab));
    }
    o->count++;
    fflush(stdout);         /* streamed: each token shows as soon as it is drawn */
    if (app_take_sigint()) {   /* Ctrl-C stops the generation, not the session */
        o->stopped = 1;
        return 1;
    }
    return 0;
}

int gpt_generate_cmd(Model *md, const char *prompt, Args *a)
{
    GptModel *m = md->gpt;
    TzErr e;
    GenParams p;
    if (gen_args(a, &p)) return 1;
    int32_t *ids = NULL;
    size_t np = 0;
    if (prompt[0]) np = gpt_model_encode(m, prompt, &ids);
    if (np == 0) {   /* nothing to start from: the end-of-text token (a fresh document), or a line end */
        free(ids);
        if (m->eot >= 0) {
            ids = tz_malloc(sizeof *ids);
            ids[0] = m->eot;
            np = 1;
        } else {
            np = gpt_model_encode(m, "\n", &ids);
        }
    }
    int C = m->g.cfg.C;
    gen_say_cut(np, C);
    GptKV kv;
    memset(&kv, 0, sizeof kv);
    p.stop_token = m->eot;
    GenOut o = { .m = m };
    say("%s%s%s", col_bold(), prompt, col_off());
    fflush(stdout);
    size_t cut = 0;
    double t0 = tz_now();
    long got = gpt_generate(&m->g, &kv, ids, np, &p, gen_token, &o, &cut, NULL, &e);
    double dt = tz_now() - t0;
    gpt_kv_free(&kv);
    free(ids);
    TZ_ASSERT(got < 0 || cut == (np > (size_t)C ? np - (size_t)C : 0));
    return gen_finish(&o.out, m->eot >= 0 ? "<|endoftext|>" : NULL, got < p.n && !o.stopped, o.stopped, o.count, got,
                      dt, &e);
}

/* --- what GPT's and LLaMA's generate share (llama.c uses these too) ----------------------------- */

int gen_args(Args *a, GenParams *p)
{
    TzErr e;
    long n, topk, seed;
    double temp, topp;
    if (arg_long(a, "n", 200, 1, 100000, &n, &e) || arg_long(a, "topk", 40, 0, 10000000L, &topk, &e) ||
        arg_long(a, "seed", 1, 0, 2147483647L, &seed, &e) || arg_double(a, "temp", 0.8, 0, 100, &temp, &e) ||
        arg_double(a, "topp", 0.95, 0.001, 1, &topp, &e)) {
        say_tzerr(&e);
        return 1;
    }
    *p = (GenParams){ .n = (int)n, .sp = { .temp = (float)temp, .topk = (int)topk, .topp = (float)topp },
                      .seed = (uint64_t)seed, .stop_token = -1 };
    return 0;
}

void gen_say_cut(size_t np, int C)
{
    if (np <= (size_t)C) return;
    char b1[32], b2[32];
    say(M("not: başlangıç %s belirteç, model yalnızca son %d belirteci görebilir (bağlam): baştaki %s belirteç kesildi.\n",
          "note: the prompt is %s tokens, the model sees only the last %d (its context): the first %s tokens were cut.\n"),
        fmt_int((long long)np, b1), C, fmt_int((long long)(np - (size_t)C), b2));
}

int gen_finish(const SayStream *out, const char *end_mark, int ended, int stopped, long count, long got, double dt,
               const TzErr *e)
{
    if (out->npend) say_raw("\xEF\xBF\xBD", 3);   /* it stopped inside a character */
    if (got >= 0 && ended && end_mark) say("%s%s%s", col_dim(), end_mark, col_off());
    say("\n");
    if (got < 0) {
        say_tzerr(e);
        return 1;
    }
    /* how many tokens (not characters: a token is a few bytes); the speed only at the prompt, so
     * that a script's output is the same in every run */
    say("%s", col_dim());
    if (stopped) say(M("(durduruldu: %ld belirteç)", "(stopped: %ld tokens)"), count);
    else if (g_app.interactive) {
        char b1[32];
        say(M("(%ld belirteç, %s belirteç/sn)", "(%ld tokens, %s tokens/s)"), got, fmt_real(dt > 0 ? (double)got / dt : 0, 1, b1));
    } else say(M("(%ld belirteç)", "(%ld tokens)"), got);
    say("%s\n", col_off());
    return 0;
}

/* --- info ---------------------------------------------------------------------------------- */

static void info_row(const char *what, const char *shape, double count)
{
    char b[32];
    say("  %s%*s %-16s %14s\n", what, pad(what, 34), "", shape, fmt_int((long long)count, b));
}

static void info_gpt(const Model *md, long B)
{
    const GptModel *m = md->gpt;
    const GptConfig *c = &m->g.cfg;
    double V = c->V, C = c->C, D = c->D, L = c->L;
    char b1[32], b2[32], b3[32];
    say(M("%s: GPT (%s) — %d blok, %d kafa (kafa başına %d), genişlik D = %d, bağlam C = %d, sözlük V = %s\n",
          "%s: GPT (%s) — %d blocks, %d heads (%d per head), width D = %d, context C = %d, vocabulary V = %s\n"),
        md->name, m->origin[0] ? m->origin : md->source, c->L, c->H, c->D / c->H, c->D, c->C, fmt_int(c->V, b1));
    say("%s\n", M("parametreler:", "parameters:"));
    info_row(M("belirteç gömmeleri (wte)", "token embeddings (wte)"), "V×D", V * D);
    info_row(M("konum gömmeleri (wpe)", "position embeddings (wpe)"), "C×D", C * D);
    say(M("  her blokta (×%d):\n", "  in each block (×%d):\n"), c->L);
    info_row(M("  katman normları (ln_1, ln_2)", "  layer norms (ln_1, ln_2)"), "4D", 4 * D);
    info_row(M("  dikkat: q k v (c_attn)", "  attention: q k v (c_attn)"), "3D×D + 3D", 3 * D * D + 3 * D);
    info_row(M("  dikkat: çıkış (c_proj)", "  attention: output (c_proj)"), "D×D + D", D * D + D);
    info_row(M("  MLP: genişletme (c_fc)", "  MLP: expand (c_fc)"), "4D×D + 4D", 4 * D * D + 4 * D);
    info_row(M("  MLP: daraltma (c_proj)", "  MLP: contract (c_proj)"), "D×4D + D", 4 * D * D + D);
    info_row(M("  bir blok", "  one block"), "12D² + 13D", 12 * D * D + 13 * D);
    info_row(M("bütün bloklar", "all blocks"), "L×(12D²+13D)", L * (12 * D * D + 13 * D));
    info_row(M("son katman normu (ln_f)", "final layer norm (ln_f)"), "2D", 2 * D);
    say("  %s\n", M("çıkış katmanı: wte ile bağlı (logits = ln_f(x)·wteᵀ) — kendi parametresi yok, iki kez sayılmaz",
                    "output layer: tied to wte (logits = ln_f(x)·wteᵀ) — no parameters of its own, not counted twice"));
    info_row(M("toplam", "total"), "", (double)gpt_nparams(c));
    double w = 4.0 * (double)m->g.n;
    say("%s\n", M("bellek (float32):", "memory (float32):"));
    say(M("  ağırlıklar                         %s\n", "  weights                            %s\n"), fmt_bytes(w, b1));
    say(M("  eğitimde gradyanlar (1×)           %s\n", "  gradients for training (1×)        %s\n"), fmt_bytes(w, b1));
    say(M("  eğitimde Adam durumu (m, v: 2×)    %s\n", "  Adam state for training (m, v: 2×) %s\n"), fmt_bytes(2 * w, b1));
    say(M("  bir eğitim adımının ara değerleri  %s  (batch %ld × ctx %d; dikkat desenleri B·H·T² ve logit'ler B·T·V dahil)\n",
          "  activations of one training step   %s  (batch %ld × ctx %d; the attention patterns B·H·T² and the logits B·T·V included)\n"),
        fmt_bytes(gpt_activation_bytes(c, (int)B, c->C), b1), B, c->C);
    say(M("  eğitim toplamı (tezgah)            %s  (ağırlıklar ×5 — bir de ıraksamaya karşı yedek — ve ara değerler)\n",
          "  training in all (tezgah)           %s  (the weights ×5 — one more copy as a guard against divergence — and the activations)\n"),
        fmt_bytes(gpt_train_bytes(c, (int)B, c->C), b1));
    say(M("  üretimde KV önbelleği (tam bağlam) %s  (K ve V: 2·L·C·D, ve adım için karalama)\n",
          "  KV cache for generation (full ctx) %s  (K and V: 2·L·C·D, and a step's scratch)\n"),
        fmt_bytes((double)gpt_kv_bytes(c), b1));
    if (isfinite(m->val_loss) || m->steps)
        say(M("eğitim: %ld adım, doğrulama kaybı %s (şaşkınlık %s)\n", "training: %ld steps, held-out loss %s (perplexity %s)\n"),
            m->steps, isfinite(m->val_loss) ? fmt_real(m->val_loss, 3, b2) : "-",
            isfinite(m->val_loss) ? fmt_real(exp(m->val_loss), 1, b3) : "-");
}

int cmd_info(Args *a)
{
    Model *md = a->argc > 1 ? model_find(a->argv[1]) : model_current();
    if (!md) {
        if (a->argc > 1)
            say_error(M("'%s' diye bir model yok; 'models' yüklü modelleri listeler.",
                        "there is no model '%s'; 'models' lists the loaded ones."), a->argv[1]);
        else
            say_error(M("henüz bir model yok. Örnek: train gpt corpus=mini-tr", "no model yet. Example: train gpt corpus=mini-en"));
        return 1;
    }
    if (md->llama) return llama_info_cmd(md);   /* a LLaMA (llama.c) */
    if (md->bert) return bert_info_cmd(md);     /* a BERT (bert.c) */
    TzErr e;
    long batch;
    if (arg_long(a, "batch", md->gpt && md->gpt->batch ? md->gpt->batch : 16, 1, 4096, &batch, &e)) {
        say_tzerr(&e);
        return 1;
    }
    char d[192], b1[32], b2[32], b3[32];
    if (md->gpt) {
        info_gpt(md, batch);
        return 0;
    }
    if (arg_str(a, "batch", NULL)) {
        say_error(M("batch= yalnızca GPT modelleri için (bir eğitim adımının belleği).",
                    "batch= is for GPT models only (the memory of one training step)."));
        return 1;
    }
    if (md->lm) {
        lm_model_describe(md->lm, d, sizeof d);
        say(M("%s: %s dil modeli — %s; gömme %d, gizli %d, %d katman\n", "%s: %s language model — %s; embedding %d, hidden %d, %d layers\n"),
            md->name, md->kind, d, md->lm->m.E, md->lm->m.H, md->lm->m.L);
    } else if (md->clf) {
        seq_model_describe(md->clf, d, sizeof d);
        say(M("%s: %s dizi sınıflandırıcısı — %s\n", "%s: %s sequence classifier — %s\n"), md->name, md->kind, d);
    } else if (md->bpe) {
        bpe_model_describe(md->bpe, d, sizeof d);
        say(M("%s: BPE belirteçleyicisi — %s; parametresi yok, yalnızca birleştirme tablosu\n",
              "%s: BPE tokenizer — %s; no parameters, only its table of merges\n"), md->name, d);
    } else {
        double n = (double)md->vec.n * (double)md->vec.dim;
        say(M("%s: %s — %s sözcük × %zu boyut = %s sayı (%s)\n", "%s: %s — %s words × %zu dims = %s numbers (%s)\n"), md->name,
            md->kind, fmt_int((long long)md->vec.n, b1), md->vec.dim, fmt_int((long long)n, b2), fmt_bytes(4 * n, b3));
        if (md->ft) {
            double rows = (double)md->ft->in_rows, out = (double)md->ft->out_rows;
            say(M("  FastText: %s girdi satırı (sözcükler + n-gram kovaları) ve %s çıktı satırı × %d boyut = %s parametre\n",
                  "  FastText: %s input rows (words + n-gram buckets) and %s output rows × %d dims = %s parameters\n"),
                fmt_int((long long)rows, b1), fmt_int((long long)out, b2), md->ft->args.dim,
                fmt_int((long long)((rows + out) * md->ft->args.dim), b3));
        }
    }
    return 0;
}

/* --- save ---------------------------------------------------------------------------------- */

typedef struct {
    const Model *md;
    char path[4096];
    int safetensors;
} GptSaveJob;

static int gpt_save_work(Job *job, void *arg, TzErr *e)
{
    (void)job;
    GptSaveJob *S = arg;
    const GptModel *m = S->md->gpt;
    if (S->safetensors) return gpt_save_safetensors(&m->g, S->path, e);
    GptCkptMeta meta = { .eot = m->eot, .lang = m->lang, .steps = m->steps, .val_loss = m->val_loss };
    snprintf(meta.origin, sizeof meta.origin, "%s", m->origin);
    return gpt_ckpt_save(&m->g, m->bpe, &meta, S->path, e);
}

static void gpt_save_done(int rc, const TzErr *e, void *arg)
{
    GptSaveJob *S = arg;
    if (rc) say_tzerr(e);
    else if (S->safetensors)
        say(M("%s kaydedildi: %s (safetensors, Hugging Face'in GPT-2 adlarıyla; yalnızca ağırlıklar — belirteçleyici içinde "
              "değil: geri yüklerken load %s tokenizer=%s, ya da her şeyi tutan tezgah-gpt biçimini kullanın)\n",
              "%s saved: %s (safetensors, with Hugging Face's GPT-2 names; the weights only — the tokenizer is not inside: "
              "load it back with load %s tokenizer=%s, or use format tezgah-gpt, which keeps everything)\n"),
            S->md->name, S->path, S->path, S->md->name);
    else
        say(M("%s kaydedildi: %s (tezgah-gpt: ayar, belirteçleyici, ağırlıklar, CRC)\n",
              "%s saved: %s (tezgah-gpt: configuration, tokenizer, weights, CRC)\n"), S->md->name, S->path);
    free(S);
}

int gpt_save_cmd(Model *md, const char *path, const char *fmt)
{
    size_t n = strlen(path);
    int st_ext = n > 12 && !strcmp(path + n - 12, ".safetensors");
    if (!fmt) fmt = st_ext ? "safetensors" : "tezgah-gpt";
    if (strcmp(fmt, "tezgah-gpt") != 0 && strcmp(fmt, "safetensors") != 0) {
        say_error(M("%s bir GPT: format=tezgah-gpt (her şey) ya da format=safetensors (yalnızca ağırlıklar) ile kaydedilir.",
                    "%s is a GPT: it is saved as format=tezgah-gpt (everything) or format=safetensors (the weights only)."),
                  md->name);
        return 1;
    }
    GptSaveJob *S = tz_calloc(1, sizeof *S);
    S->md = md;
    snprintf(S->path, sizeof S->path, "%s", path);
    S->safetensors = !strcmp(fmt, "safetensors");
    char what[160];
    snprintf(what, sizeof what, "save %.60s", md->name);
    return app_start_job(what, "", gpt_save_work, S, gpt_save_done);
}

/* --- load ---------------------------------------------------------------------------------- */

enum { GPT_FILE_NONE, GPT_FILE_OURS, GPT_FILE_SAFETENSORS, GPT_FILE_LLMC };

int gpt_file_kind(const char *path)
{
    size_t n = strlen(path);
    /* ours by its magic, or by its name (so that a damaged one is reported by our reader) */
    if (gpt_ckpt_is(path) || (n > 6 && !strcmp(path + n - 6, ".tzgpt"))) return GPT_FILE_OURS;
    if (gpt_is_llmc(path)) return GPT_FILE_LLMC;
    /* by its name too: a damaged .safetensors is then reported by the safetensors reader */
    if (gpt_is_safetensors(path) || (n > 12 && !strcmp(path + n - 12, ".safetensors"))) return GPT_FILE_SAFETENSORS;
    return GPT_FILE_NONE;
}

typedef struct {
    char path[4096], name[64];
    int kind;
    Bpe *tok;               /* tokenizer=NAME's copy, or NULL */
    TzLang tok_lang;
    char enc[4300], merges[4300];   /* GPT-2's tokenizer files to read, when tok is NULL */
    GptModel *m;
    GptLoadInfo info;
} GptLoadJob;

static int gpt_load_work(Job *job, void *arg, TzErr *e)
{
    (void)job;
    GptLoadJob *L = arg;
    GptModel *m = tz_calloc(1, sizeof *m);
    m->val_loss = NAN;
    m->eot = -1;
    int rc;
    if (L->kind == GPT_FILE_OURS) {
        Bpe *b = tz_calloc(1, sizeof *b);
        GptCkptMeta meta;
        rc = gpt_ckpt_load(&m->g, b, &meta, L->path, e);
        if (rc) { free(b); free(m); return rc; }
        m->bpe = b;
        m->eot = meta.eot;
        m->lang = meta.lang;
        m->steps = meta.steps;
        m->val_loss = meta.val_loss;
        snprintf(m->origin, sizeof m->origin, "%s", meta.origin);
        L->m = m;
        return 0;
    }
    rc = L->kind == GPT_FILE_LLMC ? gpt_load_llmc(&m->g, L->path, e)
                                   : gpt_load_safetensors_info(&m->g, L->path, 0, &L->info, e);
    if (rc) { free(m); return rc; }
    if (L->tok) {
        m->bpe = L->tok;
        L->tok = NULL;
        m->lang = L->tok_lang;
    } else {
        m->bpe = tz_calloc(1, sizeof *m->bpe);
        rc = bpe_load_gpt2(m->bpe, L->enc, L->merges, e);
        if (rc) { gpt_model_free(m); return rc; }
        m->lang = TZ_LANG_EN;
    }
    if (m->bpe->vocab > m->g.cfg.V) {
        int bv = m->bpe->vocab, mv = m->g.cfg.V;
        gpt_model_free(m);
        return tz_errf(e, TZ_E_ARG,
                       "belirteçleyicinin (%.200s) %d belirteci var, modelin sözlüğü yalnızca %d: bu ağırlıkların "
                       "belirteçleyicisi değil. Doğrusunu tokenizer=AD ile verin.",
                       "the tokenizer (%.200s) has %d tokens, the model's vocabulary only %d: it is not these weights' "
                       "tokenizer. Give the right one with tokenizer=NAME.", L->enc[0] ? L->enc : "tokenizer=", bv, mv);
    }
    m->eot = bpe_special(m->bpe, "<|endoftext|>");
    snprintf(m->origin, sizeof m->origin, "%s", L->kind == GPT_FILE_LLMC ? "llm.c" : "safetensors");
    L->m = m;
    return 0;
}

static void gpt_load_done(int rc, const TzErr *e, void *arg)
{
    GptLoadJob *L = arg;
    if (rc) {
        say_tzerr(e);
    } else {
        GptModel *m = L->m;
        Model *md = tz_calloc(1, sizeof *md);
        snprintf(md->name, sizeof md->name, "%s", L->name);
        snprintf(md->kind, sizeof md->kind, "gpt");
        snprintf(md->source, sizeof md->source, "%.250s", L->path);
        snprintf(md->info, sizeof md->info, "%.200s", m->origin);
        md->lang = m->lang;
        md->gpt = m;
        char d[192];
        gpt_model_describe(m, d, sizeof d);
        say(M("%s yüklendi: GPT, %s (model adı %s).\n", "%s loaded: GPT, %s (model name %s).\n"), L->path, d, md->name);
        if (L->kind == GPT_FILE_SAFETENSORS) {
            const char *from = L->info.head_from == GPT_HEAD_METADATA ? M("dosyanın üst verisinden", "from the file's metadata")
                               : L->info.head_from == GPT_HEAD_CONFIG ? M("yanındaki config.json'dan", "from config.json beside it")
                               : L->info.head_from == GPT_HEAD_ARG ? M("verilen", "as given")
                                                                   : M("D/64 (GPT-2'nin her boyu)", "D/64 (every GPT-2 size)");
            say(M("  kafa sayısı %d: %s; ağırlıklar %s\n", "  heads %d: %s; weights %s\n"), m->g.cfg.H, from, L->info.dtype);
        }
        if (L->kind != GPT_FILE_OURS && L->enc[0]) {
            const char *m2 = strrchr(L->merges, '/');
            say(M("  belirteçleyici: %s + %s (%s belirteç)\n", "  tokenizer: %s + %s (%s tokens)\n"), L->enc, m2 ? m2 + 1 : L->merges,
                fmt_int(m->bpe->vocab, d));
        } else if (L->kind != GPT_FILE_OURS)
            say(M("  belirteçleyici: verilen (tokenizer=), %s belirteç\n", "  tokenizer: as given (tokenizer=), %s tokens\n"),
                fmt_int(m->bpe->vocab, d));
        model_install(md);
    }
    bpe_model_free(L->tok);
    free(L);
}

/* GPT-2's tokenizer for weights at path: Hugging Face's vocab.json + merges.txt beside them,
 * OpenAI's encoder.json + vocab.bpe beside them, or GPT-2's in the cache. 0 when found. */
static int find_tokenizer(const char *path, char enc[4300], char merges[4300])
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (slash) snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    else snprintf(dir, sizeof dir, ".");
    const char *pairs[][2] = { { "vocab.json", "merges.txt" }, { "encoder.json", "vocab.bpe" } };
    for (int i = 0; i < 2; i++) {
        snprintf(enc, 4300, "%s/%s", dir, pairs[i][0]);
        snprintf(merges, 4300, "%s/%s", dir, pairs[i][1]);
        if (tz_exists(enc) && tz_exists(merges)) return 0;
    }
    snprintf(enc, 4300, "%.4000s/gpt2/encoder.json", g_app.cache);
    snprintf(merges, 4300, "%.4000s/gpt2/vocab.bpe", g_app.cache);
    return tz_exists(enc) && tz_exists(merges) ? 0 : 1;
}

int gpt_load_cmd(Args *a, const char *path, const char *name, int named)
{
    if (arg_str(a, "limit", NULL)) {
        say_error(M("limit= sözcük vektörleri içindir; bir GPT bütün olarak yüklenir.",
                    "limit= is for word vectors; a GPT is loaded whole."));
        return 1;
    }
    GptLoadJob *L = tz_calloc(1, sizeof *L);
    snprintf(L->path, sizeof L->path, "%s", path);
    snprintf(L->name, sizeof L->name, "%s", name);
    L->kind = gpt_file_kind(path);
    /* Hugging Face keeps every model as <folder>/model.safetensors: the folder names it */
    const char *slash = strrchr(path, '/');
    if (!named && !strcmp(name, "model") && slash && slash > path) {
        const char *s = slash;
        while (s > path && s[-1] != '/') s--;
        snprintf(L->name, sizeof L->name, "%.*s", (int)(slash - s), s);
    }
    const char *tok = arg_str(a, "tokenizer", NULL);
    if (tok && L->kind == GPT_FILE_OURS) {
        say_error(M("%s kendi belirteçleyicisini taşıyor; tokenizer= safetensors ve llm.c dosyaları içindir.",
                    "%s carries its own tokenizer; tokenizer= is for safetensors and llm.c files."), path);
        free(L);
        return 1;
    }
    if (tok) {
        Model *tm = model_find(tok);
        const Bpe *b = tm ? model_tokenizer(tm) : NULL;
        if (!b) {
            say_error(M("tokenizer=%s: yüklü bir BPE ya da GPT modeli değil ('models').",
                        "tokenizer=%s: not a loaded BPE or GPT model ('models')."), tok);
            free(L);
            return 1;
        }
        L->tok = bpe_copy(b);
        L->tok_lang = tm->lang;
    } else if (L->kind != GPT_FILE_OURS && find_tokenizer(path, L->enc, L->merges)) {
        say_error(M("%s için belirteçleyici yok: yanında vocab.json + merges.txt (ya da encoder.json + vocab.bpe) yok, "
                    "önbellekte de GPT-2'ninki yok (%s). Kabukta 'make datasets' GPT-2'nin belirteçleyicisini indirir; "
                    "ya da tokenizer=AD ile yüklü bir belirteçleyici verin.",
                    "no tokenizer for %s: there is no vocab.json + merges.txt (or encoder.json + vocab.bpe) beside it, nor "
                    "GPT-2's in the cache (%s). 'make datasets' in the shell fetches GPT-2's tokenizer; or give a loaded "
                    "one with tokenizer=NAME."),
                  path, L->enc);
        free(L);
        return 1;
    }
    char what[160];
    snprintf(what, sizeof what, "load %.100s", L->name);
    return app_start_job(what, "", gpt_load_work, L, gpt_load_done);
}
