/* bert.c — BERT at the prompt: `train bert` (a WordPiece vocabulary, then masked language
 * modelling and next-sentence prediction as one job), `fillmask "… [MASK] …"`, `info` for a
 * BERT, the WordPiece side of `tokens` (pieces with their ## marks), and the models line. The
 * model as the REPL holds it is in bertm.h; the pre-training itself in
 * engine/models/bert_train.c.
 *
 * BERT reads its text as words cut into pieces from a fixed vocabulary: "yaptı" may be the
 * pieces "yap" "##tı", where "##" says "this piece continues the word before it". A word with
 * a letter the vocabulary never saw is one [UNK]. `train bert` learns that vocabulary on the
 * corpus first (Turkish lower-casing for a Turkish one: I → ı, İ → i), in the same job.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bertm.h"
#include "i18n.h"
#include "out.h"
#include "scene.h"

#include "core/io.h"
#include "core/utf8.h"
#include "models/bert_train.h"
#include "nn/layers.h"
#include "viz/tokview.h"

void bert_model_free(BertModel *m)
{
    if (!m) return;
    bert_free(&m->w);
    if (m->wp) {
        wp_free(m->wp);
        free(m->wp);
    }
    free(m->labels);
    free(m->cls_w);
    free(m->cls_b);
    free(m);
}

void bert_model_describe(const BertModel *m, char *buf, size_t n)
{
    const BertConfig *c = &m->w.cfg;
    int w = snprintf(buf, n, "V%d C%d D%d L%d H%d, %zu %s", c->V, c->C, c->D, c->L, c->H, bert_nparams(c),
                     M("parametre", "parameters"));
    if (m->K > 0 && w > 0 && (size_t)w < n)
        snprintf(buf + w, n - (size_t)w, M(", %d etiketli sınıflandırıcı (%s)", ", a %d-label classifier (%s)"), m->K,
                 m->task);
}

/* A private copy of a WordPiece (a job must not share one the session may free): its tokens
 * as a vocab.txt in memory, read back, with the same options. */
WordPiece *bert_wp_copy(const WordPiece *src)
{
    size_t bytes = 0;
    for (int32_t i = 0; i < src->vocab; i++) bytes += strlen(wp_token(src, i)) + 1;
    char *txt = tz_malloc(bytes + 1), *p = txt;
    for (int32_t i = 0; i < src->vocab; i++) {
        size_t l = strlen(wp_token(src, i));
        memcpy(p, wp_token(src, i), l);
        p += l;
        *p++ = '\n';
    }
    WordPiece *w = tz_calloc(1, sizeof *w);
    TzErr e;
    int rc = wp_parse_vocab(w, txt, bytes, "vocab", &e);
    TZ_ASSERT(rc == 0 && w->vocab == src->vocab);
    wp_set_options(w, &src->opt);
    free(txt);
    return w;
}

/* The BERT a command works on: model=NAME (which must be a BERT), else the current model when
 * it is one, else the most recent BERT. Reports and returns NULL. */
static Model *bert_pick(Args *a, const char *cmd)
{
    const char *name = arg_str(a, "model", NULL);
    Model *md = NULL;
    if (name) {
        md = model_find(name);
        if (!md) {
            say_error(M("'%s' diye bir model yok; 'models' yüklü modelleri listeler.",
                        "there is no model '%s'; 'models' lists the loaded ones."), name);
            return NULL;
        }
        if (!md->bert) {
            say_error(M("%s bir BERT değil (%s): %s bir BERT ister. Birini eğitin: train bert corpus=tr",
                        "%s is not a BERT (%s): %s wants a BERT. Train one: train bert corpus=en"), md->name, md->kind, cmd);
            return NULL;
        }
        return md;
    }
    md = model_current();
    if (md && md->bert) return md;
    for (int i = g_app.nmodels - 1; i >= 0; i--)
        if (g_app.models[i]->bert) return g_app.models[i];
    say_error(M("oturumda bir BERT yok. Önce birini eğitin: train bert corpus=tr (ya da küçük bir deneme: train bert "
                "corpus=mini-tr steps=100)",
                "there is no BERT in this session. Train one first: train bert corpus=en (or a small try: train bert "
                "corpus=mini-en steps=100)"));
    return NULL;
}

/* In the window when there is one (or an interactive session may open it), or as a PNG when
 * out= asks; else only selected, for `snap` and `export`. */
static int show(ViewId v, const char *png)
{
    if (png || scene_window_is_open() || (g_app.interactive && !g_app.headless)) return scene_show(v, png);
    scene_select(v);
    return 0;
}

static int png_ok(const char *png)
{
    if (!png) return 1;
    size_t pl = strlen(png);
    if (pl < 4 || strcasecmp(png + pl - 4, ".png")) {
        say_error(M("out= bir PNG yazar: ad .png ile bitmeli ('%s').", "out= writes a PNG: the name must end in .png ('%s')."),
                  png);
        return 0;
    }
    return 1;
}

/* --- train bert -------------------------------------------------------------------------------- */

#define BERT_TRAIN_KEYS                                                                                                \
    "corpus lang vocab tokenizer dim layers heads ctx batch steps lr warmup decay clip dropout threads seed name"

typedef struct {
    char name[64], corpus[64], path[4096], tok_name[64];
    char what_wp[96], what_text[96], what_bert[96], unit_tok[32], unit_pair[32];
    TzLang lang;
    int lowered;
    BertConfig cfg;         /* V is set once the vocabulary is known */
    BertTrainConfig tc;
    int vocab;              /* the vocabulary to learn first (0: one was given) */
    WordPiece *wp;          /* the given vocabulary (a copy) or the one learnt; moves into the model */
    BertModel *m;           /* the result */
    BertTrainStats st;
    size_t bytes, bad_utf8, lines, nsent, docs, pieces, ntrain_pairs, nval_pairs, nval_sent;
    double t_wp, t_text;
} BertJob;

static void bert_job_free(BertJob *J)
{
    if (J->wp) {
        wp_free(J->wp);
        free(J->wp);
    }
    free(J);
}

static int bert_work(Job *job, void *arg, TzErr *e)
{
    BertJob *J = arg;
    TzFile f;
    int rc = tz_file_map(&f, J->path, e);
    if (rc) return rc;
    J->bytes = f.size;
    size_t bad = utf8_validate(f.data, f.size);
    J->bad_utf8 = bad < f.size ? bad + 1 : 0;
    /* phase 1: the vocabulary, learnt on the same text */
    if (!J->wp) {
        J->wp = tz_calloc(1, sizeof *J->wp);
        WpOptions o = J->lang == TZ_LANG_TR ? wp_options_turkish(1) : wp_options_uncased();
        double t0 = tz_now();
        rc = wp_train(J->wp, f.data, f.size, J->vocab, &o, job, e);
        J->t_wp = tz_now() - t0;
        if (rc) {   /* stopped (TZ_E_CANCELLED) or failed: no model */
            tz_file_unmap(&f);
            return rc;
        }
    }
    /* phase 2: the sentences (lines) as pieces, the last 5% held out */
    job_phase(job, J->what_text, "B");
    double t0 = tz_now();
    BertText bt;
    rc = bert_text_build(&bt, J->wp, f.data, f.size, 0.05, job, e);
    tz_file_unmap(&f);
    J->t_text = tz_now() - t0;
    if (rc) return rc;
    J->lines = bt.lines;
    J->nsent = bt.nsent;
    J->docs = bt.docs;
    J->pieces = bt.start[bt.nsent];
    J->ntrain_pairs = bt.ntrain_pairs;
    J->nval_pairs = bt.nval_pairs;
    J->nval_sent = bt.nsent - bt.ntrain;
    BertSpecials sp;
    rc = bert_specials(&sp, J->wp, e);
    if (rc) {
        bert_text_free(&bt);
        return rc;
    }
    /* phase 3: the model, pre-trained on them */
    BertModel *m = tz_calloc(1, sizeof *m);
    J->cfg.V = J->wp->vocab;
    if (bert_alloc(&m->w, &J->cfg)) {
        free(m);
        bert_text_free(&bt);
        bert_specials_free(&sp);
        return tz_errf(e, TZ_E_NOMEM, "model için bellek yok (%zu parametre).", "no memory for the model (%zu parameters).",
                       bert_nparams(&J->cfg));
    }
    bert_init(&m->w, J->tc.seed);
    m->wp = J->wp;
    J->wp = NULL;
    m->lang = J->lang;
    m->mlm_loss = m->nsp_acc = m->cls_acc = NAN;
    J->m = m;
    job_phase(job, J->what_bert, J->unit_pair);
    rc = bert_train(&m->w, &bt, &sp, &J->tc, &J->st, job, e);
    bert_text_free(&bt);
    bert_specials_free(&sp);
    return rc;
}

static void bert_done(int rc, const TzErr *e, void *arg)
{
    BertJob *J = arg;
    char b1[32], b2[32], b3[32], b4[32], b5[32], b6[32], b7[32], b8[32];
    if (rc == TZ_E_CANCELLED && !J->m) {
        say(M("sözlük öğrenilirken ya da cümleler okunurken durduruldu; model eğitilmedi.\n",
              "stopped while the vocabulary was being learnt or the sentences read; no model was trained.\n"));
        bert_job_free(J);
        return;
    }
    if (rc && rc != TZ_E_NUMERIC) {
        say_tzerr(e);
        bert_model_free(J->m);
        bert_job_free(J);
        return;
    }
    if (rc == TZ_E_NUMERIC) say_tzerr(e);   /* diverged: the model is back at its last sane weights */
    BertModel *m = J->m;
    BertTrainStats *st = &J->st;
    if (J->nval_sent < 3) {   /* a held-out part of two sentences has no random B: its NSP accuracy means nothing */
        st->val_acc = NAN;
        for (int i = 0; i < st->nevals; i++) st->eval_val_acc[i] = NAN;
    }
    m->steps = st->steps;
    m->mlm_loss = st->val_mlm;
    m->nsp_acc = st->val_acc;
    snprintf(m->origin, sizeof m->origin, "train bert corpus=%.60s steps=%ld", J->corpus, st->steps);
    Model *md = tz_calloc(1, sizeof *md);
    snprintf(md->name, sizeof md->name, "%s", J->name);
    snprintf(md->kind, sizeof md->kind, "bert");
    snprintf(md->source, sizeof md->source, "corpus %s", J->corpus);
    snprintf(md->info, sizeof md->info, "layers=%d heads=%d dim=%d ctx=%d vocab=%d batch=%d lr=%g steps=%ld%s%s", J->cfg.L,
             J->cfg.H, J->cfg.D, J->cfg.C, J->cfg.V, J->tc.B, (double)J->tc.lr, J->tc.steps,
             J->tok_name[0] ? " tokenizer=" : "", J->tok_name);
    md->lang = J->lang;
    md->bert = m;

    if (J->bad_utf8)
        say(M("not: metin %zu. baytta geçerli UTF-8 değil; WordPiece geçersiz baytları atar.\n",
              "note: the text is not valid UTF-8 at byte %zu; WordPiece drops the invalid bytes.\n"), J->bad_utf8);
    if (J->lowered) train_say_lowered(J->corpus);
    if (J->tok_name[0])
        say(M("sözlük: %s modelininki (%s parça)\n", "vocabulary: %s's (%s pieces)\n"), J->tok_name, fmt_int(m->w.cfg.V, b1));
    else
        say(M("sözlük: metinden öğrenilen WordPiece, %s parça (%s; %s sn)\n",
              "vocabulary: a WordPiece learnt on the text, %s pieces (%s; %s s)\n"),
            fmt_int(m->w.cfg.V, b1),
            J->lang == TZ_LANG_TR ? M("Türkçe küçük harf: I → ı, İ → i", "Turkish lower case: I → ı, İ → i")
                                  : M("küçük harf, aksanlar atılmış", "lower case, accents stripped"),
            fmt_real(J->t_wp, 1, b2));
    say(M("metin: %s satır → %s cümle, %s parça (cümle başına %s; %s sn); %s eğitim çifti, %s ayrılmış çift (son %s cümle)\n",
          "text: %s lines → %s sentences, %s pieces (%s a sentence; %s s); %s training pairs, %s held-out pairs (the last %s sentences)\n"),
        fmt_int((long long)J->lines, b1), fmt_int((long long)J->nsent, b2), fmt_int((long long)J->pieces, b3),
        fmt_real(J->nsent ? (double)J->pieces / (double)J->nsent : 0, 1, b4), fmt_real(J->t_text, 1, b8),
        fmt_int((long long)J->ntrain_pairs, b5), fmt_int((long long)J->nval_pairs, b6), fmt_int((long long)J->nval_sent, b7));
    say(M("dizi: [CLS] A [SEP] B [SEP], %d konum; dolgu payı %%%s; maskelenen: gerçek parçaların %%%s (%%80 [MASK], %%10 rastgele, "
          "%%10 aynı); çiftlerin yarısında B rastgele bir cümle\n",
          "sequence: [CLS] A [SEP] B [SEP], %d positions; padding %s%%; masked: %s%% of the real pieces (80%% [MASK], 10%% random, "
          "10%% unchanged); in half the pairs B is a random sentence\n"),
        J->tc.T, fmt_real(100 * st->pad_share, 0, b1), fmt_real(100 * st->masked_share, 1, b2));
    if (st->nevals > 1) {   /* the curve in numbers: at most 10 rows, the last evaluation among them */
        say("  %6s  %6s  %6s  %12s  %12s\n", M("adım", "step"), "MLM", "NSP", M("ayrılmış MLM", "held-out MLM"),
            M("NSP doğruluk", "NSP accuracy"));
        int rows = st->nevals < 10 ? st->nevals : 10, prev = -1;
        for (int r = 0; r < rows; r++) {
            int i = rows > 1 ? (int)((long)r * (st->nevals - 1) / (rows - 1)) : 0;
            if (i == prev) continue;
            prev = i;
            say("  %6ld  %6s  %6s  %12s  %12s\n", st->eval_step[i], fmt_real(st->eval_mlm[i], 3, b1),
                fmt_real(st->eval_nsp[i], 3, b2), isfinite(st->eval_val_mlm[i]) ? fmt_real(st->eval_val_mlm[i], 3, b3) : "-",
                isfinite(st->eval_val_acc[i]) ? fmt_real(st->eval_val_acc[i], 3, b4) : "-");
        }
    }
    char vm[48], va[48];
    snprintf(vm, sizeof vm, "%s", isfinite(st->val_mlm) ? fmt_real(st->val_mlm, 3, b3) : "-");
    snprintf(va, sizeof va, "%s", isfinite(st->val_acc) ? fmt_real(st->val_acc, 3, b3) : "-");
    if (st->finished) {
        say(M("%s eğitildi: %s parametre, %ld adım; MLM kaybı %s → %s (ayrılmış %s), NSP kaybı %s → %s, ayrılmış NSP "
              "doğruluğu %s (%d örnek; şans 0,5); %s sn, %s parça/sn.\n",
              "%s trained: %s parameters, %ld steps; MLM loss %s → %s (held out %s), NSP loss %s → %s, held-out NSP "
              "accuracy %s (%d examples; chance 0.5); %s s, %s pieces/s.\n"),
            md->name, fmt_int((long long)m->w.n, b1), st->steps, fmt_real(st->first_mlm, 3, b2),
            fmt_real(st->train_mlm, 3, b4), vm, fmt_real(st->first_nsp, 3, b5), fmt_real(st->train_nsp, 3, b6), va,
            st->eval_examples, fmt_real(st->seconds, 1, b7), fmt_int((long long)st->tokens_per_s, b8));
        say(M("Deneyin: fillmask \"%s\"\n", "Try: fillmask \"%s\"\n"),
            J->lang == TZ_LANG_TR ? "Milli Savunma [MASK] açıklama yaptı" : "The [MASK] said on Monday");
    } else if (st->diverged)
        say(M("%ld adımdan sonraki son makul model %s adıyla saklandı (ayrılmış MLM kaybı %s, NSP doğruluğu %s).\n",
              "the last sane model, after %ld steps, is kept as %s (held-out MLM loss %s, NSP accuracy %s).\n"),
            st->steps, md->name, vm, va);
    else
        say(M("eğitim %ld/%ld adımda durduruldu; o ana kadar eğitilen model %s adıyla saklandı (MLM kaybı %s → %s, ayrılmış "
              "%s; NSP doğruluğu %s).\n",
              "training stopped at step %ld of %ld; the model trained so far is kept as %s (MLM loss %s → %s, held out "
              "%s; NSP accuracy %s).\n"),
            st->steps, J->tc.steps, md->name, fmt_real(st->first_mlm, 3, b1), fmt_real(st->train_mlm, 3, b2), vm, va);
    model_install(md);
    bert_job_free(J);
}

int cmd_train_bert(Args *a)
{
    if (only_keys(a, "train bert", BERT_TRAIN_KEYS)) return 1;
    TzErr e;
    long layers, heads, dim, ctx, batch, steps, warmup, seed, vocab, threads;
    double lr, clip, dropout;
    if (arg_long(a, "layers", 2, 1, 48, &layers, &e) || arg_long(a, "heads", 2, 1, 64, &heads, &e) ||
        arg_long(a, "dim", 128, 8, 4096, &dim, &e) || arg_long(a, "ctx", 64, 8, 4096, &ctx, &e) ||
        arg_long(a, "batch", 32, 1, 1024, &batch, &e) || arg_long(a, "steps", 600, 1, 10000000L, &steps, &e) ||
        arg_long(a, "warmup", -1, -1, 10000000L, &warmup, &e) || arg_long(a, "seed", 1, 0, 2147483647L, &seed, &e) ||
        arg_long(a, "vocab", 4000, 100, 200000, &vocab, &e) || arg_long(a, "threads", 0, 0, 64, &threads, &e) ||
        arg_double(a, "clip", 1.0, 0, 1e6, &clip, &e) || arg_double(a, "dropout", 0.1, 0, 0.9, &dropout, &e)) {
        say_tzerr(&e);
        return 1;
    }
    /* The default learning rate: 1e-3 for a small model (dim ≤ 128), smaller in proportion for a
     * wider one (bert-base, dim 768, was pre-trained at 1e-4 with a batch of 256). */
    if (arg_double(a, "lr", 1e-3 * (dim > 128 ? 128.0 / (double)dim : 1.0), 1e-7, 1e3, &lr, &e)) {
        say_tzerr(&e);
        return 1;
    }
    const char *decay = arg_str(a, "decay", "linear");
    if (strcmp(decay, "linear") != 0 && strcmp(decay, "cosine") != 0) {
        say_error(M("decay=%s bilinmiyor: decay=linear (BERT'inki: ısınmadan sonra 0'a doğrusal) ya da decay=cosine.",
                    "decay=%s is unknown: decay=linear (BERT's: a straight fall to 0 after the warm-up) or decay=cosine."),
                  decay);
        return 1;
    }
    if (dim % heads) {
        say_error(M("heads=%ld, dim=%ld değerini tam bölmüyor: her kafa dim/heads sayılık bir dilim alır. Ör. dim=%ld heads=%ld",
                    "heads=%ld does not divide dim=%ld: each head takes a slice of dim/heads numbers. E.g. dim=%ld heads=%ld"),
                  heads, dim, dim, dim % 4 == 0 ? 4L : dim % 2 == 0 ? 2L : 1L);
        return 1;
    }
    if (warmup >= steps) {
        say_error(M("warmup=%ld, steps=%ld değerinden küçük olmalı.", "warmup=%ld must be smaller than steps=%ld."), warmup,
                  steps);
        return 1;
    }
    const char *tok = arg_str(a, "tokenizer", NULL);
    if (tok && arg_str(a, "vocab", NULL)) {
        say_error(M("vocab= ile tokenizer= birlikte olmaz: hazır bir sözlüğün boyu kendinindir.",
                    "vocab= and tokenizer= do not go together: a ready vocabulary brings its own size."));
        return 1;
    }
    const WordPiece *given = NULL;
    if (tok) {
        Model *tm = model_find(tok);
        if (!tm) {
            say_error(M("'%s' diye bir model yok; tokenizer= yüklü bir BERT'in adını alır ('models').",
                        "there is no model '%s'; tokenizer= takes the name of a loaded BERT ('models')."), tok);
            return 1;
        }
        if (!tm->bert || !tm->bert->wp) {
            say_error(M("%s bir BERT değil (%s); tokenizer= bir BERT'in WordPiece sözlüğünü alır.",
                        "%s is not a BERT (%s); tokenizer= takes a BERT's WordPiece vocabulary."), tm->name, tm->kind);
            return 1;
        }
        given = tm->bert->wp;
    }
    /* BERT's shape: feed-forward 4D wide, two segment types; the context is the sequence length */
    BertConfig cfg = { .V = given ? given->vocab : (int)vocab, .C = (int)ctx, .D = (int)dim, .L = (int)layers,
                       .H = (int)heads, .F = 4 * (int)dim, .types = 2 };
    if (train_too_big(bert_train_bytes(&cfg, (int)batch, (int)ctx))) return 1;   /* the estimate named (gpt.c) */
    BertJob *J = tz_calloc(1, sizeof *J);
    if (train_raw_text(a, "train bert", J->path, J->corpus, &J->lang, &J->lowered)) {
        free(J);
        return 1;
    }
    J->cfg = cfg;
    J->vocab = given ? 0 : (int)vocab;
    if (given) {
        J->wp = bert_wp_copy(given);
        snprintf(J->tok_name, sizeof J->tok_name, "%s", tok);
    }
    J->tc = bert_train_defaults();
    J->tc.B = (int)batch;
    J->tc.T = (int)ctx;
    J->tc.steps = steps;
    J->tc.lr = (float)lr;
    J->tc.warmup = warmup;
    J->tc.cosine = !strcmp(decay, "cosine");
    J->tc.clip = (float)clip;
    J->tc.dropout = (float)dropout;
    J->tc.threads = (int)threads;
    J->tc.seed = (uint64_t)seed;
    const char *name = arg_str(a, "name", NULL);
    if (name) snprintf(J->name, sizeof J->name, "%s", name);
    else snprintf(J->name, sizeof J->name, "bert-%.58s", J->corpus);
    snprintf(J->what_wp, sizeof J->what_wp, "wordpiece %.60s", J->corpus);
    snprintf(J->what_text, sizeof J->what_text, "%s %.60s", M("cümleler", "sentences"), J->corpus);
    snprintf(J->what_bert, sizeof J->what_bert, "bert %.60s", J->corpus);
    snprintf(J->unit_tok, sizeof J->unit_tok, "%s", M("parça", "piece"));
    snprintf(J->unit_pair, sizeof J->unit_pair, "%s", M("çift", "pair"));
    /* the curve: the MLM loss under this name; the NSP loss beside it as "… · NSP" (app.c) */
    char curve[128];
    snprintf(curve, sizeof curve, "%.40s (bert %ldL %ldd) · MLM", J->name, layers, dim);
    app_job_curve(curve);
    return app_start_job(given ? J->what_bert : J->what_wp, given ? J->unit_pair : J->unit_tok, bert_work, J, bert_done);
}

/* --- fillmask ---------------------------------------------------------------------------------- */

/* "[mask]" typed in any case becomes "[MASK]", the way the vocabulary writes it (malloc'd). */
static char *upper_masks(const char *text)
{
    char *t = tz_strdup(text);
    for (char *p = t; (p = strchr(p, '[')) != NULL; p++)
        if (!strncasecmp(p, "[mask]", 6)) memcpy(p, "[MASK]", 6);
    return t;
}

/* The pieces of ids[0 … n) joined by spaces, as the vocabulary writes them ("yap ##tı"). */
static void pieces_line(const WordPiece *wp, const int32_t *ids, size_t n, char *out, size_t cap)
{
    size_t w = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && w + 1 < cap; i++) {
        int k = snprintf(out + w, cap - w, "%s%s", i ? " " : "", wp_token(wp, ids[i]));
        if (k < 0 || (size_t)k >= cap - w) {
            snprintf(out + (cap > 4 ? cap - 4 : 0), cap > 4 ? 4 : cap, "…");
            break;
        }
        w += (size_t)k;
    }
}

int cmd_fillmask(Args *a)
{
    TzErr e;
    long k;
    if (arg_long(a, "k", 5, 1, 50, &k, &e)) {
        say_tzerr(&e);
        return 1;
    }
    const char *png = arg_str(a, "out", NULL);
    if (!png_ok(png)) return 1;
    Model *md = bert_pick(a, "fillmask");
    if (!md) return 1;
    BertModel *m = md->bert;
    const WordPiece *wp = m->wp;
    const BertConfig *c = &m->w.cfg;
    if (wp->mask < 0 || wp->cls < 0 || wp->sep < 0) {
        say_error(M("%s modelinin sözlüğünde [MASK], [CLS] ya da [SEP] yok: dolduracak bir şey sorulamaz.",
                    "%s's vocabulary has no [MASK], [CLS] or [SEP]: it cannot be asked to fill anything."), md->name);
        return 1;
    }
    char *joined = args_join(a, 1), *text = upper_masks(joined);
    free(joined);
    size_t len = strlen(text), np = wp_encode_pieces(wp, text, len, NULL, 0);
    WpPiece *pc = tz_malloc((np ? np : 1) * sizeof *pc);
    wp_encode_pieces(wp, text, len, pc, np);
    int rc = 1;
    int32_t *ids = NULL, *tgt = NULL;
    int nmask = 0;
    for (size_t i = 0; i < np; i++) nmask += pc[i].id == wp->mask;
    int T = (int)np + 2;
    BertWork w;
    memset(&w, 0, sizeof w);
    if (!nmask) {
        say_error(M("metinde [MASK] yok: doldurulacak yere [MASK] yazın, ör. fillmask \"Milli Savunma [MASK] açıklama yaptı\"",
                    "there is no [MASK] in the text: write [MASK] where a word should go, e.g. fillmask \"The [MASK] "
                    "said on Monday\""));
        goto out;
    }
    if (T > c->C) {
        say_error(M("metin %zu parça; [CLS] ve [SEP] ile %d konum, ama %s en çok %d konum okur (bağlamı, ctx). Metni kısaltın.",
                    "the text is %zu pieces; with [CLS] and [SEP] that is %d positions, but %s reads at most %d (its "
                    "context, ctx). Shorten the text."), np, T, md->name, c->C);
        goto out;
    }
    if (bert_work_alloc(&w, c, 1, T)) {
        say_error("%s", M("ileri geçiş için bellek yetmedi.", "not enough memory for a forward pass."));
        goto out;
    }
    /* [CLS] the pieces [SEP]; a target at each [MASK] (any valid id: only the rows that have one
     * go through the MLM head, and what we read is its softmax there, not the loss) */
    ids = tz_malloc((size_t)T * sizeof *ids);
    tgt = tz_malloc((size_t)T * sizeof *tgt);
    ids[0] = wp->cls;
    ids[T - 1] = wp->sep;
    for (size_t i = 0; i < np; i++) ids[i + 1] = pc[i].id;
    for (int t = 0; t < T; t++) tgt[t] = ids[t] == wp->mask ? wp->mask : TZ_IGNORE;
    bert_forward(&m->w, &w, ids, NULL, NULL, tgt, NULL, 1, T);
    TZ_ASSERT(w.mlm_n == nmask);

    char line[1024], b1[32], b2[32];
    pieces_line(wp, ids, (size_t)T, line, sizeof line);
    say(M("%s: %d parça: %s\n", "%s: %d pieces: %s\n"), md->name, T, line);
    for (size_t i = 0; i < np; i++)
        if (pc[i].id == wp->unk)
            say(M("  not: '%.*s' sözlükte yok ve parçalanamıyor: [UNK] olarak okundu.\n",
                  "  note: '%.*s' is not in the vocabulary and cannot be cut into pieces: read as [UNK].\n"),
                (int)pc[i].len, text + pc[i].off);
    int V = c->V;
    int32_t *top = tz_malloc((size_t)nmask * (size_t)k * sizeof *top);
    int32_t *filled = tz_malloc(np * sizeof *filled);
    for (size_t i = 0; i < np; i++) filled[i] = pc[i].id;
    size_t nbars = (size_t)nmask * (size_t)k;
    char **labels = tz_calloc(nbars, sizeof *labels), **notes = tz_calloc(nbars, sizeof *notes),
         **tsv = tz_calloc(nbars, sizeof *tsv);
    float *vals = tz_malloc(nbars * sizeof *vals);
    for (int q = 0; q < nmask; q++) {
        const float *p = w.probs + (size_t)q * V;
        int32_t *tq = top + (size_t)q * k;
        /* the k largest, in order (k ≤ 50 passes over V) */
        for (long r = 0; r < k; r++) {
            int32_t best = -1;
            for (int v = 0; v < V; v++) {
                int taken = 0;
                for (long s = 0; s < r && !taken; s++) taken = tq[s] == v;
                if (!taken && (best < 0 || p[v] > p[best])) best = v;
            }
            tq[r] = best;
        }
        int pos = w.mlm_rows[q];   /* its place in [CLS] … [SEP] */
        filled[pos - 1] = tq[0];
        if (nmask > 1) say(M("[MASK] %d (%d. konum):\n", "[MASK] %d (position %d):\n"), q + 1, pos);
        else say(M("[MASK] (%d. konum):\n", "[MASK] (position %d):\n"), pos);
        double sum = 0;
        for (long r = 0; r < k; r++) {
            const char *tokname = wp_token(wp, tq[r]);
            say_prob_bar(r == 0, tokname, p[tq[r]]);
            sum += p[tq[r]];
            size_t bi = (size_t)q * k + (size_t)r;
            char lab[160], tb[256];
            if (nmask > 1) snprintf(lab, sizeof lab, "%d · %s", q + 1, tokname);
            else snprintf(lab, sizeof lab, "%s", tokname);
            labels[bi] = tz_strdup(lab);
            vals[bi] = p[tq[r]];
            if (r == 0 && nmask > 1) {
                snprintf(lab, sizeof lab, M("← %d. [MASK] (%d. konum)", "← [MASK] %d (position %d)"), q + 1, pos);
                notes[bi] = tz_strdup(lab);
            }
            snprintf(tb, sizeof tb, "%d\t%d\t%ld\t%d\t%s\t%.6g", q + 1, pos, r + 1, tq[r], tokname, (double)p[tq[r]]);
            tsv[bi] = tz_strdup(tb);
        }
        say(M("  ilk %ld birlikte: %s (%s parçanın hepsi üzerinden toplam 1)\n",
              "  the top %ld together: %s (summed over all %s pieces it is 1)\n"),
            k, fmt_real(sum, 3, b1), fmt_int(V, b2));
    }
    size_t dl = wp_decode(wp, filled, np, NULL, 0);
    char *dec = tz_malloc(dl + 1);
    wp_decode(wp, filled, np, dec, dl + 1);
    say(M("en iyi tahminlerle: %s\n", "with the best guesses: %s\n"), dec);
    free(dec);

    char title[256], sub[1200];
    snprintf(title, sizeof title, M("fillmask · %s · [MASK] yerine en olası %ld parça", "fillmask · %s · the %ld most likely pieces for [MASK]"),
             md->name, k);
    snprintf(sub, sizeof sub, "%s", line);
    SceneBars sb = { .title = title, .subtitle = sub, .xlabel = M("olasılık (MLM başının softmax'ı)", "probability (the MLM head's softmax)"),
                     .n = nbars, .labels = (const char *const *)labels, .values = vals, .notes = (const char *const *)notes,
                     .highlight = -1, .value_format = "%.3f", .tsv_header = "mask\tposition\trank\tid\tpiece\tp",
                     .tsv_rows = (const char *const *)tsv, .tsv_n = nbars,
                     .footer = M("## ile başlayan bir parça bir sözcüğün devamıdır (ör. yap ##tı)",
                                 "a piece starting with ## continues a word (e.g. play ##ing)") };
    scene_bars_set(&sb);
    rc = show(VIEW_BARS, png);
    for (size_t i = 0; i < nbars; i++) { free(labels[i]); free(notes[i]); free(tsv[i]); }
    free(labels);
    free(notes);
    free(tsv);
    free(vals);
    free(top);
    free(filled);
out:
    bert_work_free(&w);
    free(ids);
    free(tgt);
    free(pc);
    free(text);
    return rc;
}

/* --- info -------------------------------------------------------------------------------------- */

static void info_row(const char *what, const char *shape, double count)
{
    char b[32];
    say("  %s%*s %-22s %14s\n", what, pad(what, 44), "", shape, fmt_int((long long)count, b));
}

int bert_info_cmd(const Model *md)
{
    const BertModel *m = md->bert;
    const BertConfig *c = &m->w.cfg;
    double V = c->V, C = c->C, D = c->D, F = c->F, L = c->L, Ty = c->types;
    char b1[32], b2[32], b3[32];
    say(M("%s: BERT (%s) — %d katman, %d kafa (kafa başına %d), genişlik D = %d, ileri besleme F = %d, bağlam C = %d, "
          "sözlük V = %s, %d kesim türü\n",
          "%s: BERT (%s) — %d layers, %d heads (%d per head), width D = %d, feed-forward F = %d, context C = %d, "
          "vocabulary V = %s, %d segment types\n"),
        md->name, m->origin[0] ? m->origin : md->source, c->L, c->H, c->D / c->H, c->D, c->F, c->C, fmt_int(c->V, b1),
        c->types);
    say("%s\n", M("parametreler:", "parameters:"));
    info_row(M("sözcük gömmeleri (MLM çıkışıyla bağlı)", "word embeddings (tied to the MLM output)"), "V×D", V * D);
    info_row(M("konum gömmeleri", "position embeddings"), "C×D", C * D);
    info_row(M("kesim (A/B) gömmeleri", "segment (A/B) embeddings"), "types×D", Ty * D);
    info_row(M("gömme katman normu", "embedding layer norm"), "2D", 2 * D);
    say(M("  her katmanda (×%d):\n", "  in each layer (×%d):\n"), c->L);
    info_row(M("  dikkat: q k v", "  attention: q k v"), "3D×D + 3D", 3 * D * D + 3 * D);
    info_row(M("  dikkat: çıkış", "  attention: output"), "D×D + D", D * D + D);
    info_row(M("  dikkatten sonra katman normu", "  layer norm after attention"), "2D", 2 * D);
    info_row(M("  ileri besleme: genişletme", "  feed-forward: expand"), "F×D + F", F * D + F);
    info_row(M("  ileri besleme: daraltma", "  feed-forward: contract"), "D×F + D", D * F + D);
    info_row(M("  ileri beslemeden sonra katman normu", "  layer norm after the feed-forward"), "2D", 2 * D);
    info_row(M("  bir katman", "  one layer"), "4D² + 2DF + 9D + F", 4 * D * D + 2 * D * F + 9 * D + F);
    info_row(M("bütün katmanlar", "all layers"), "L×(4D²+2DF+9D+F)", L * (4 * D * D + 2 * D * F + 9 * D + F));
    info_row(M("havuzlayıcı ([CLS] → tanh)", "pooler ([CLS] → tanh)"), "D×D + D", D * D + D);
    info_row(M("MLM başı: dönüşüm + katman normu", "MLM head: transform + layer norm"), "D×D + 3D", D * D + 3 * D);
    info_row(M("MLM başı: çıkış sapması", "MLM head: output bias"), "V", V);
    info_row(M("NSP başı (sonraki cümle mi?)", "NSP head (is B the next sentence?)"), "2D + 2", 2 * D + 2);
    say("  %s\n", M("MLM çıkış ağırlıkları sözcük gömmeleriyle bağlı (logits = h·wordᵀ + b) — iki kez sayılmaz",
                    "the MLM output weights are tied to the word embeddings (logits = h·wordᵀ + b) — not counted twice"));
    info_row(M("toplam", "total"), "", (double)bert_nparams(c));
    if (m->K > 0)
        info_row(M("ince ayar sınıflandırıcısı (ayrıca)", "fine-tuned classifier (besides)"), "K×D + K", (double)m->K * D + m->K);
    double w = 4.0 * (double)m->w.n;
    int B = 32;
    say("%s\n", M("bellek (float32):", "memory (float32):"));
    say(M("  ağırlıklar                         %s\n", "  weights                            %s\n"), fmt_bytes(w, b1));
    say(M("  eğitimde gradyanlar (1×)           %s\n", "  gradients for training (1×)        %s\n"), fmt_bytes(w, b1));
    say(M("  eğitimde Adam durumu (m, v: 2×)    %s\n", "  Adam state for training (m, v: 2×) %s\n"), fmt_bytes(2 * w, b1));
    say(M("  bir eğitim adımının ara değerleri  %s  (batch %d × ctx %d; dikkat desenleri B·H·T² dahil)\n",
          "  activations of one training step   %s  (batch %d × ctx %d; the attention patterns B·H·T² included)\n"),
        fmt_bytes(bert_activation_bytes(c, B, c->C), b1), B, c->C);
    if (m->steps || isfinite(m->mlm_loss))
        say(M("ön eğitim: %ld adım, ayrılmış MLM kaybı %s (şaşkınlık %s), ayrılmış NSP doğruluğu %s\n",
              "pre-training: %ld steps, held-out MLM loss %s (perplexity %s), held-out NSP accuracy %s\n"),
            m->steps, isfinite(m->mlm_loss) ? fmt_real(m->mlm_loss, 3, b1) : "-",
            isfinite(m->mlm_loss) ? fmt_real(exp(m->mlm_loss), 1, b2) : "-",
            isfinite(m->nsp_acc) ? fmt_real(m->nsp_acc, 3, b3) : "-");
    return 0;
}

/* --- tokens with a BERT ------------------------------------------------------------------------ */

/* tokens ids="…" model=BERT: the ids back to text (## pieces glued to the piece before). */
static int bert_tokens_decode(const Model *md, const char *list)
{
    const WordPiece *wp = md->bert->wp;
    int32_t *ids;
    const char *bad;
    int badlen;
    long got = ids_parse(list, wp->vocab, NULL, NULL, &ids, &bad, &badlen);
    if (got == -1)
        say_error(M("ids: '%.*s' %s sözlüğünde bir parça kimliği değil (0..%d).",
                    "ids: '%.*s' is not a piece id of %s (0..%d)."), badlen, bad, md->name, wp->vocab - 1);
    if (got < 0) return 1;
    size_t n = (size_t)got;
    size_t len = wp_decode(wp, ids, n, NULL, 0);
    char *text = tz_malloc(len + 1);
    wp_decode(wp, ids, n, text, len + 1);
    char line[1024];
    pieces_line(wp, ids, n, line, sizeof line);
    say(M("%s: %zu parça: %s\n", "%s: %zu pieces: %s\n"), md->name, n, line);
    say("  \"%s\"\n", text);
    free(text);
    free(ids);
    return 0;
}

int bert_tokens(Args *a, const Model *md, const char *text, size_t n)
{
    const WordPiece *wp = md->bert->wp;
    if (!wp) {
        say_error(M("%s modelinin sözlüğü yok.", "%s has no vocabulary."), md->name);
        return 1;
    }
    if (!text) return bert_tokens_decode(md, arg_str(a, "ids", ""));
    const char *png = arg_str(a, "out", NULL);
    if (!png_ok(png)) return 1;
    size_t k = wp_encode_pieces(wp, text, n, NULL, 0);
    WpPiece *pc = tz_malloc((k ? k : 1) * sizeof *pc);
    wp_encode_pieces(wp, text, n, pc, k);
    size_t words = 0, cut = 0, unk = 0;
    for (size_t i = 0; i < k; i++) {
        const char *t = wp_token(wp, pc[i].id);
        int cont = pc[i].id != wp->unk && !strncmp(t, "##", 2);
        if (!cont) words++;
        if (cont && (i == 0 || strncmp(wp_token(wp, pc[i - 1].id), "##", 2))) cut++;   /* a word's first ## */
        unk += pc[i].id == wp->unk;
    }
    char b1[32], b2[32], b3[32];
    say(M("%s (WordPiece, %s parçalık sözlük): %zu bayt → %s sözcük, %s parça; %zu sözcük parçalara bölündü, %zu bilinmeyen ([UNK])\n",
          "%s (WordPiece, a vocabulary of %s pieces): %zu bytes → %s words, %s pieces; %zu words cut into pieces, %zu unknown ([UNK])\n"),
        md->name, fmt_int(wp->vocab, b1), n, fmt_int((long long)words, b2), fmt_int((long long)k, b3), cut, unk);
    enum { ROWS = 100, IDS = 5000 };
    for (size_t i = 0; i < k && i < ROWS; i++) {
        const char *t = wp_token(wp, pc[i].id);
        say("  %6d  %s%*s '%.*s'%s\n", pc[i].id, t, pad(t, 20), "", (int)pc[i].len, text + pc[i].off,
            pc[i].id == wp->unk ? M("  ← sözlükte yok", "  ← not in the vocabulary") : "");
    }
    if (k > ROWS) say(M("  … (%zu parça daha)\n", "  … (%zu more pieces)\n"), k - ROWS);
    say("ids:");
    for (size_t i = 0; i < k && i < IDS; i++) say(" %d", pc[i].id);
    if (k > IDS) say(M(" … (%zu daha)", " … (%zu more)"), k - IDS);
    say("\n");
    if (wp->cls >= 0 && wp->sep >= 0 && k <= IDS)
        say(M("BERT'in okuduğu: [CLS] = %d … [SEP] = %d (ids'in başına ve sonuna)\n",
              "as BERT reads it: [CLS] = %d … [SEP] = %d (before and after the ids)\n"), wp->cls, wp->sep);
    if (!k) {
        free(pc);
        return 0;
    }
    /* the tokens view: each piece's text as the vocabulary has it (lower-cased, without its
       ##, which the view draws in grey and joins to the piece before); an [UNK], the word as typed */
    enum { VIEW_MAX = 100000 };
    size_t kv = k < VIEW_MAX ? k : VIEW_MAX, bytes = 0;
    for (size_t i = 0; i < kv; i++)
        bytes += pc[i].id == wp->unk ? pc[i].len : strlen(wp_token(wp, pc[i].id));
    char *vt = tz_malloc(bytes + 1);
    size_t *off = tz_malloc((kv + 1) * sizeof *off);
    int32_t *vid = tz_malloc(kv * sizeof *vid);
    unsigned char *marks = tz_calloc(kv, 1);
    off[0] = 0;
    for (size_t i = 0; i < kv; i++) {
        const char *t = wp_token(wp, pc[i].id), *s = t;
        size_t l;
        if (pc[i].id == wp->unk) {
            s = text + pc[i].off;
            l = pc[i].len;
            marks[i] = TOKVIEW_UNK;
        } else {
            if (!strncmp(t, "##", 2)) {
                s = t + 2;
                marks[i] = TOKVIEW_CONT;
            }
            l = strlen(s);
        }
        memcpy(vt + off[i], s, l);
        off[i + 1] = off[i] + l;
        vid[i] = pc[i].id;
    }
    vt[bytes] = '\0';
    char title[256], sub[256];
    snprintf(title, sizeof title, M("parçalar — %s (WordPiece, %s parçalık sözlük)", "pieces — %s (WordPiece, a vocabulary of %s pieces)"),
             md->name, fmt_int(wp->vocab, b1));
    snprintf(sub, sizeof sub, M("%zu bayt → %s sözcük, %s parça; %zu sözcük bölündü, %zu [UNK]",
                                "%zu bytes → %s words, %s pieces; %zu words cut, %zu [UNK]"),
             n, fmt_int((long long)words, b2), fmt_int((long long)k, b3), cut, unk);
    SceneTokens stv = { .title = title, .subtitle = sub,
                        .footer = M("## bir önceki parçanın sözcüğünü sürdüren parça (ona bitişik çizilir) · [UNK] sözlükte "
                                    "olmayan sözcük (yazıldığı gibi) · kutunun altındaki sayı parçanın kimliği",
                                    "## a piece that continues the word of the piece before it (drawn flush against it) · "
                                    "[UNK] a word not in the vocabulary (as typed) · the number under a box is the piece's id"),
                        .text = vt, .n = kv, .off = off, .ids = vid, .marks = marks };
    scene_tokens_set(&stv);
    int rc = show(VIEW_TOKENS, png);
    free(vt);
    free(off);
    free(vid);
    free(marks);
    free(pc);
    return rc;
}
