/* bertft.c — fine-tuning BERT at the prompt: `finetune bert task=sentiment file=…`, and
 * `predict` / `test` when the model is a fine-tuned BERT (classify.c hands them over).
 *
 * Pre-training taught a BERT the language (train bert, or a loaded bert-base); fine-tuning
 * puts a small classifier on its pooled [CLS] vector and trains both together on labelled
 * sentences (engine/models/bert_clf.h). The result is a NEW model holding a copy of the encoder
 * and the head ("<base>-sentiment-tr"), so the pre-trained one still fills in a [MASK].
 * `from=scratch` is the baseline the lesson needs: the same fine-tuning from random weights, with
 * a WordPiece vocabulary learnt on the labelled sentences alone — what is left is what
 * pre-training bought.
 *
 * Held-out accuracy: our sets (sentiment-tr, sentiment-en) train on LANG.txt and are measured on
 * LANG.test.txt, the split `train fasttext-sup` and `train lstm task=…` use; any other file
 * keeps every tenth line for it.
 */
#include "app.h"
#include "bertm.h"
#include "i18n.h"
#include "out.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "core/utf8.h"
#include "models/bert_clf.h"

_Static_assert(BERT_LABEL_MAX == BERT_CLF_LABEL_MAX, "bertm.h's label size is bert_clf.h's");

/* --- the models -------------------------------------------------------------------------------- */

/* A sentence for a classifier is [CLS] … [SEP]: a vocabulary without them cannot make one. */
static int lacks_specials(const Model *m)
{
    const WordPiece *wp = m->bert->wp;
    if (wp && wp->cls >= 0 && wp->sep >= 0) return 0;
    say_error(M("%s modelinin sözlüğünde [CLS] ya da [SEP] yok: sınıflandırma için cümle [CLS] … [SEP] olarak okunur.",
                "model %s's vocabulary has no [CLS] or [SEP]: for classification a sentence is read as [CLS] … [SEP]."),
              m->name);
    return 1;
}

/* The BERT a fine-tuning starts from: model=NAME, else the current model if it is a pre-trained
 * BERT, else the pre-trained BERT made or loaded last. Reports and returns NULL when there is none. */
static Model *bert_base_for(Args *a)
{
    const char *name = arg_str(a, "model", NULL);
    if (name) {
        Model *m = model_find(name);
        if (!m) {
            say_error(M("'%s' diye bir model yok ('models' listeler).", "there is no model '%s' ('models' lists them)."),
                      name);
            return NULL;
        }
        if (!m->bert) {
            say_error(M("%s bir BERT değil (%s); ince ayar bir BERT ister (train bert ya da load …).",
                        "%s is not a BERT (%s); fine-tuning needs a BERT (train bert, or load …)."), m->name, m->kind);
            return NULL;
        }
        return m;
    }
    /* a pre-trained one (no classifier yet): fine-tuning twice in a row (another seed, another
     * lr) should start from the same pre-trained weights, not from the first run's result */
    Model *cur = model_current();
    if (cur && cur->bert && cur->bert->K == 0) return cur;
    int tuned = 0;
    for (int i = g_app.nmodels - 1; i >= 0; i--)
        if (g_app.models[i] && g_app.models[i]->bert) {
            if (g_app.models[i]->bert->K == 0) return g_app.models[i];
            tuned++;
        }
    if (tuned) {
        say_error(M("bu oturumdaki BERT'lerin hepsi zaten ince ayarlı; birini yeniden ayarlamak için adını verin (model=AD) "
                    "ya da ön eğitimsiz başlayın (from=scratch).",
                    "every BERT in this session is fine-tuned already; to tune one again name it (model=NAME), or start "
                    "without pre-training (from=scratch)."));
        return NULL;
    }
    say_error("%s", M("bu oturumda BERT yok. Önce birini eğitin (train bert corpus=…) ya da yükleyin; ya da ön eğitimsiz "
                      "başlayın: finetune bert task=sentiment file=sentiment-tr from=scratch",
                      "there is no BERT in this session. Train one first (train bert corpus=…) or load one; or start "
                      "without pre-training: finetune bert task=sentiment file=sentiment-en from=scratch"));
    return NULL;
}

/* A copy of a BERT's encoder, tokenizer and description (no classifier): the model fine-tuning
 * turns into a classifier. NULL when there is no memory for it (reported). */
static BertModel *bert_copy(const BertModel *src)
{
    BertModel *m = tz_calloc(1, sizeof *m);
    if (bert_alloc(&m->w, &src->w.cfg)) {
        char b[32];
        say_error(M("modelin kopyası için bellek yok (%s parametre).", "no memory for a copy of the model (%s parameters)."),
                  fmt_int((long long)bert_nparams(&src->w.cfg), b));
        free(m);
        return NULL;
    }
    memcpy(m->w.mem, src->w.mem, src->w.n * sizeof *m->w.mem);
    m->wp = bert_wp_copy(src->wp);
    m->lang = src->lang;
    snprintf(m->origin, sizeof m->origin, "%s", src->origin);
    m->steps = src->steps;
    m->mlm_loss = src->mlm_loss;
    m->nsp_acc = src->nsp_acc;
    m->cls_acc = NAN;
    return m;
}

/* --- finetune bert ------------------------------------------------------------------------------ */

typedef struct {
    char name[64], base[64];        /* the new model; the one it came from ("" from scratch) */
    char path[4096], vpath[4096];   /* the training file; the held-out one ("" = a tenth of path) */
    char task[96];                  /* "sentiment-tr", "sentiment-en", or the file */
    char what_ft[96], unit_seq[32];
    int scratch, maxlen, vocab;
    TzLang lang;
    BertConfig shape;               /* from scratch: the model's shape (V from the vocabulary) */
    uint64_t seed;
    BertClfTrainConfig tc;
    BertModel *bm;                  /* the model being made */
    BertClfTrainStats st;
    /* what the job found, for the summary */
    size_t ntrain, nval, nolabel, first_nolabel, empty, vnolabel, vskipped, truncated, pieces, unk;
    double t_wp;
} FtJob;

static void ftjob_free(FtJob *J)
{
    if (J->bm) bert_model_free(J->bm);
    free(J);
}

/* Map and parse a labelled file. */
static int read_lines(const char *path, TzFile *f, BertClfLines *L, TzErr *e)
{
    int rc = tz_file_map(f, path, e);
    if (rc) return rc;
    if (f->size == 0) {
        tz_file_unmap(f);
        return tz_errf(e, TZ_E_FORMAT, "'%s' boş: her satırı '__label__ETİKET metin' olan bir dosya verin.",
                       "'%s' is empty: give a file whose lines are '__label__LABEL text'.", path);
    }
    if ((rc = tz_check_text(path, f->data, f->size, e)) || (rc = bert_clf_lines(L, f->data, f->size, path, e))) {
        tz_file_unmap(f);
        return rc;
    }
    return 0;
}

static int ft_work(Job *job, void *arg, TzErr *e)
{
    FtJob *J = arg;
    TzFile f = { 0 }, fv = { 0 };
    BertClfLines L = { 0 }, LV = { 0 };
    BertClfSet tr = { 0 }, va = { 0 };
    int rc = read_lines(J->path, &f, &L, e);
    if (rc) return rc;
    if (J->vpath[0] && (rc = read_lines(J->vpath, &fv, &LV, e))) {
        bert_clf_lines_free(&L);
        tz_file_unmap(&f);
        return rc;
    }
    J->nolabel = L.nolabel;
    J->first_nolabel = L.first_nolabel;
    J->empty = L.empty;
    J->vnolabel = LV.nolabel;
    /* the split: the held-out file, or every tenth line when there are enough */
    size_t *pick = tz_malloc(L.n * sizeof *pick), *vpick = tz_malloc(L.n * sizeof *vpick), np = 0, nv = 0;
    for (size_t i = 0; i < L.n; i++) {
        if (!J->vpath[0] && L.n >= 20 && i % 10 == 9) vpick[nv++] = i;
        else pick[np++] = i;
    }
    BertModel *bm = J->bm;
    char (*names)[BERT_LABEL_MAX] = tz_malloc(BERT_CLF_MAX_LABELS * sizeof *names);
    int K = bert_clf_labels(&L, f.data, pick, np, names, BERT_CLF_MAX_LABELS);
    if (K < 2 || K > BERT_CLF_MAX_LABELS) {
        if (K < 2)
            rc = tz_errf(e, TZ_E_FORMAT,
                         "'%s' içinde tek bir etiket var (%s): sınıflandırmak için en az iki gerekir (ör. __label__pos "
                         "ve __label__neg).",
                         "'%s' has one label only (%s): classifying needs at least two (e.g. __label__pos and "
                         "__label__neg).", J->path, names[0]);
        else
            rc = tz_errf(e, TZ_E_FORMAT, "'%s' içinde %d'den fazla etiket var.", "'%s' has more than %d labels.", J->path,
                         BERT_CLF_MAX_LABELS);
        goto out;
    }
    if (J->scratch) {
        /* the baseline: a vocabulary learnt on the training sentences alone, random weights */
        size_t n;
        char *text = bert_clf_texts(&L, f.data, pick, np, &n);
        WpOptions o = J->lang == TZ_LANG_TR ? wp_options_turkish(1) : wp_options_uncased();
        bm = J->bm = tz_calloc(1, sizeof *bm);
        bm->wp = tz_calloc(1, sizeof *bm->wp);
        bm->lang = J->lang;
        bm->mlm_loss = bm->nsp_acc = bm->cls_acc = NAN;
        double t0 = tz_now();
        rc = bert_clf_scratch(&bm->w, bm->wp, text, n, J->vocab, &o, &J->shape, J->seed, job, e);
        J->t_wp = tz_now() - t0;
        free(text);
        if (rc) {
            bert_model_free(bm);
            bm = J->bm = NULL;
            goto out;
        }
        snprintf(bm->origin, sizeof bm->origin, M("ön eğitimsiz (rastgele ağırlıklar)", "no pre-training (random weights)"));
        job_phase(job, J->what_ft, J->unit_seq);
    }
    /* the sentences as [CLS] pieces [SEP], the labels as 0 … K−1 */
    bert_clf_set_build(&tr, bm->wp, &L, f.data, pick, np, names, K, J->maxlen);
    if (J->vpath[0]) bert_clf_set_build(&va, bm->wp, &LV, fv.data, NULL, LV.n, names, K, J->maxlen);
    else bert_clf_set_build(&va, bm->wp, &L, f.data, vpick, nv, names, K, J->maxlen);
    J->ntrain = tr.n;
    J->nval = va.n;
    J->vskipped = va.skipped;
    J->truncated = tr.truncated + va.truncated;
    J->pieces = tr.pieces;
    J->unk = tr.unk;
    /* the head: K × D, fresh */
    int D = bm->w.cfg.D;
    bm->K = K;
    bm->labels = tz_malloc((size_t)K * sizeof *bm->labels);
    memcpy(bm->labels, names, (size_t)K * sizeof *bm->labels);
    bm->cls_w = tz_malloc((size_t)K * D * sizeof *bm->cls_w);
    bm->cls_b = tz_malloc((size_t)K * sizeof *bm->cls_b);
    bert_clf_head_init(bm->cls_w, bm->cls_b, K, D, J->seed);
    snprintf(bm->task, sizeof bm->task, "%s", J->task);
    rc = bert_clf_train(&bm->w, bm->cls_w, bm->cls_b, K, bm->wp->pad >= 0 ? bm->wp->pad : 0, &tr, &va, &J->tc, &J->st,
                        job, e);
    bm->cls_acc = J->st.val_acc;
out:
    free(names);
    free(pick);
    free(vpick);
    bert_clf_set_free(&tr);
    bert_clf_set_free(&va);
    bert_clf_lines_free(&L);
    bert_clf_lines_free(&LV);
    tz_file_unmap(&f);
    if (J->vpath[0]) tz_file_unmap(&fv);
    return rc;
}

static void ft_done(int rc, const TzErr *e, void *arg)
{
    FtJob *J = arg;
    if (!J->bm || !J->bm->K || (rc && rc != TZ_E_NUMERIC)) {   /* no model (stopped while learning the vocabulary) */
        if (rc == TZ_E_CANCELLED)
            say(M("sözlük öğrenilirken durduruldu; model yapılmadı.\n", "stopped while the vocabulary was being learnt; no model was made.\n"));
        else say_tzerr(e);
        ftjob_free(J);
        return;
    }
    if (rc) say_tzerr(e);   /* diverged: the last sound weights are kept */
    BertModel *bm = J->bm;
    const BertClfTrainStats *st = &J->st;
    const BertConfig *c = &bm->w.cfg;
    char b1[32], b2[32], b3[32], b4[32], b5[32];
    if (J->nolabel || J->empty)
        say(M("not: etiketsiz %zu satır (ilki %zu. satır) ve metinsiz %zu etiketli satır atlandı.\n",
              "note: %zu lines without a label (the first: line %zu) and %zu labelled lines without text were skipped.\n"),
            J->nolabel, J->first_nolabel, J->empty);
    if (J->vskipped)
        say(M("not: ayrılmış kümenin %zu satırının etiketi eğitim satırlarında yok; sayılmadı.\n",
              "note: %zu held-out lines have a label the training lines do not have; they were not counted.\n"),
            J->vskipped);
    if (J->truncated)
        say(M("not: %zu cümle maxlen=%d belirteçten uzundu, başları alındı.\n",
              "note: %zu sentences were longer than maxlen=%d tokens and were cut to their start.\n"),
            J->truncated, J->maxlen);
    if (J->scratch)
        say(M("ön eğitim yok: eğitim cümlelerinden %s parçalık bir WordPiece sözlüğü öğrenildi (%s sn); ağırlıklar rastgele "
              "(D%d L%d H%d).\n",
              "no pre-training: a WordPiece vocabulary of %s pieces was learnt on the training sentences (%s s); the weights "
              "are random (D%d L%d H%d).\n"),
            fmt_int(c->V, b1), fmt_real(J->t_wp, 2, b2), c->D, c->L, c->H);
    else
        say(M("başlangıç: %s (%s; D%d L%d H%d, %s parametre).\n", "starting from: %s (%s; D%d L%d H%d, %s parameters).\n"),
            J->base, bm->origin, c->D, c->L, c->H, fmt_int((long long)bm->w.n, b1));
    say(M("%s eğitim cümlesi (%s WordPiece parçası, %%%s [UNK]), %d etiket:", "%s training sentences (%s WordPiece pieces, %s%% [UNK]), %d labels:"),
        fmt_int((long long)J->ntrain, b1), fmt_int((long long)J->pieces, b2),
        fmt_real(J->pieces ? 100.0 * (double)J->unk / (double)J->pieces : 0, 1, b3), bm->K);
    for (int k = 0; k < bm->K && k < 12; k++) say(" %s", bm->labels[k]);
    say("%s\n", bm->K > 12 ? " …" : "");
    if (st->nepochs > 0) {
        say("  %s  %s  %s  %s\n", M("dönem", "epoch"), M("eğitim kaybı", "  train loss"), M("ayrılmış kayıp", "held-out loss"),
            M("ayrılmış doğruluk", "held-out accuracy"));
        for (int i = 0; i < st->nepochs; i++)
            say("  %5d  %12s  %13s  %17s\n", i + 1, fmt_real(st->ep_train[i], 3, b1),
                isfinite(st->ep_val_loss[i]) ? fmt_real(st->ep_val_loss[i], 3, b2) : "-",
                isfinite(st->ep_val_acc[i]) ? fmt_real(st->ep_val_acc[i], 3, b3) : "-");
    }
    const char *where = J->vpath[0] ? J->vpath : M("dosyanın ayrılmış onda biri", "the held-out tenth of the file");
    if (st->finished) {
        if (isfinite(st->val_acc))
            say(M("%s hazır: ayrılmış kümede doğruluk %s (%s cümle: %s); eğitim %s sn (%ld adım, %s cümle/sn).\n",
                  "%s is ready: held-out accuracy %s (%s sentences: %s); training %s s (%ld steps, %s sentences/s).\n"),
                J->name, fmt_real(st->val_acc, 3, b1), fmt_int((long long)J->nval, b2), where, fmt_real(st->seconds, 1, b3),
                st->steps, fmt_int((long long)(st->seconds > 0 ? (double)st->steps * J->tc.B / st->seconds : 0), b4));
        else
            say(M("%s hazır (ayrılmış küme yok: dosya 20 satırdan kısa); eğitim %s sn (%ld adım).\n",
                  "%s is ready (no held-out set: the file has fewer than 20 lines); training %s s (%ld steps).\n"),
                J->name, fmt_real(st->seconds, 1, b3), st->steps);
    } else if (!st->diverged) {
        say(M("ince ayar %ld/%ld adımda durduruldu; o ana kadarki model %s adıyla saklandı (%s sn). Ölçmek için: test %s\n",
              "fine-tuning stopped at step %ld of %ld; the model so far is kept as %s (%s s). To measure it: test %s\n"),
            st->steps, st->total, J->name, fmt_real(st->seconds, 1, b5), J->vpath[0] ? J->task : M("DOSYA", "FILE"));
    } else {
        say(M("%ld adımdan sonraki son sağlam model %s adıyla saklandı.\n", "the last sound model, after %ld steps, is kept as %s.\n"),
            st->steps, J->name);
    }
    snprintf(bm->origin + strlen(bm->origin), sizeof bm->origin - strlen(bm->origin),
             M("; ince ayar: %s, %ld adım", "; fine-tuned: %s, %ld steps"), J->task, st->steps);
    Model *md = tz_calloc(1, sizeof *md);
    snprintf(md->name, sizeof md->name, "%s", J->name);
    snprintf(md->kind, sizeof md->kind, "bert");
    snprintf(md->source, sizeof md->source, "%.250s", J->path);
    snprintf(md->info, sizeof md->info, "finetune %s%s epochs=%d lr=%g batch=%d maxlen=%d dropout=%g seed=%llu", J->scratch ? "from=scratch" : "model=",
             J->scratch ? "" : J->base, J->tc.epochs, (double)J->tc.lr, J->tc.B, J->maxlen, (double)J->tc.dropout,
             (unsigned long long)J->seed);
    md->lang = bm->lang;
    md->bert = bm;
    J->bm = NULL;
    if (st->finished)
        say(M("Deneyin: predict \"…\" ya da test %s\n", "Try: predict \"…\" or test %s\n"),
            J->vpath[0] ? J->task : M("DOSYA", "FILE"));
    model_install(md);
    ftjob_free(J);
}

int cmd_finetune(Args *a)
{
    if (strcmp(a->argv[1], "bert") != 0) {
        say_error(M("'%s' ince ayarlanamaz: burada ince ayar BERT içindir (finetune bert task=sentiment file=…).",
                    "'%s' cannot be fine-tuned: fine-tuning here is for BERT (finetune bert task=sentiment file=…)."),
                  a->argv[1]);
        return 1;
    }
    const char *task = arg_str(a, "task", "sentiment"), *file = arg_str(a, "file", NULL);
    if (strcmp(task, "sentiment") != 0 && strcmp(task, "sentiment-tr") != 0 && strcmp(task, "sentiment-en") != 0) {
        say_error(M("task=%s: şimdilik tek görev cümle sınıflandırma: task=sentiment file=DOSYA|sentiment-tr|sentiment-en "
                    "(her satır '__label__ETİKET metin').",
                    "task=%s: the one task so far is sentence classification: task=sentiment file=FILE|sentiment-tr|sentiment-en "
                    "(each line '__label__LABEL text')."), task);
        return 1;
    }
    if (!file && strcmp(task, "sentiment") != 0) file = task;     /* task=sentiment-tr: that set */
    if (!file) {
        say_error("%s", M("hangi dosya? file=DOSYA|sentiment-tr|sentiment-en verin, ör. finetune bert task=sentiment file=sentiment-tr",
                          "which file? give file=FILE|sentiment-tr|sentiment-en, e.g. finetune bert task=sentiment file=sentiment-en"));
        return 1;
    }
    const char *from = arg_str(a, "from", NULL);
    if (from && strcmp(from, "scratch") != 0) {
        say_error(M("from=%s: yalnız from=scratch (ön eğitimsiz, rastgele ağırlıklar); bir modelden başlamak için model=AD.",
                    "from=%s: only from=scratch (no pre-training, random weights); to start from a model use model=NAME."), from);
        return 1;
    }
    int scratch = from != NULL;
    if (scratch && arg_str(a, "model", NULL)) {
        say_error("%s", M("model= ile from=scratch birlikte olmaz: ya bir BERT'ten başlanır ya rastgele ağırlıklardan.",
                          "model= and from=scratch do not go together: start either from a BERT or from random weights."));
        return 1;
    }
    const char *shape_keys[] = { "dim", "layers", "heads", "vocab" };
    for (int i = 0; i < 4 && !scratch; i++)
        if (arg_str(a, shape_keys[i], NULL)) {
            say_error(M("%s= yalnız from=scratch ile: önceden eğitilmiş bir modelin biçimi kendinindir.",
                        "%s= goes with from=scratch only: a pre-trained model keeps its own shape."), shape_keys[i]);
            return 1;
        }
    Model *base = NULL;
    if (!scratch && (!(base = bert_base_for(a)) || lacks_specials(base))) return 1;
    TzErr e;
    long epochs, batch, seed, dim, layers, heads, vocab, maxlen, threads;
    double lr, dropout, warmup;
    int C = base ? base->bert->w.cfg.C : 512;
    /* The learning rate. bert-base (D 768) fine-tunes at 2e-5 … 5e-5 (Devlin et al.): the weights
     * already know the language, and a large step would wipe that out. A small BERT trained here
     * (train bert's default D128 L2) takes more: measured on sentiment-tr, 3 epochs, seeds 1–3,
     * 2e-4 stayed near chance for two epochs (0.56–0.68), 5e-4 gave 0.75–0.80, 1e-3 0.65–0.80.
     * From scratch nothing is there to keep: 1e-3 (5e-4 learnt slower, 3e-3 sometimes not at all). */
    double lr_def = scratch ? 1e-3 : base->bert->w.cfg.D >= 512 ? 5e-5 : 5e-4;
    if (arg_long(a, "epochs", 3, 1, BERT_CLF_MAX_EPOCHS, &epochs, &e) || arg_long(a, "batch", 16, 1, 1024, &batch, &e) ||
        arg_long(a, "seed", 1, 0, 2147483647L, &seed, &e) || arg_double(a, "lr", lr_def, 1e-8, 1, &lr, &e) ||
        arg_double(a, "dropout", 0.1, 0, 0.9, &dropout, &e) || arg_double(a, "warmup", 0.1, 0, 0.9, &warmup, &e) ||
        arg_long(a, "dim", 128, 8, 1024, &dim, &e) || arg_long(a, "layers", 2, 1, 24, &layers, &e) ||
        arg_long(a, "heads", 2, 1, 64, &heads, &e) || arg_long(a, "vocab", 4000, 64, 100000, &vocab, &e) ||
        arg_long(a, "threads", 0, 0, 64, &threads, &e) ||
        arg_long(a, "maxlen", scratch ? 64 : (C < 128 ? C : 128), 3, 1000000, &maxlen, &e)) {
        say_tzerr(&e);
        return 1;
    }
    if (maxlen > C || (scratch && maxlen > 4096)) {
        if (scratch)
            say_error(M("maxlen=%ld: ön eğitimsiz bir model için en çok 4096.", "maxlen=%ld: at most 4096 for a model from scratch."),
                      maxlen);
        else
            say_error(M("maxlen=%ld: %s en çok %d konum bilir (bağlamı); maxlen=%d ya da daha azını verin.",
                        "maxlen=%ld: %s knows at most %d positions (its context); give maxlen=%d or less."), maxlen,
                      base->name, C, C);
        return 1;
    }
    if (scratch && dim % heads) {
        say_error(M("heads=%ld, dim=%ld değerini tam bölmüyor: her kafa dim/heads sayılık bir dilim alır.",
                    "heads=%ld does not divide dim=%ld: each head takes a slice of dim/heads numbers."), heads, dim);
        return 1;
    }
    if (!strcmp(file, "sentiment-tr.test") || !strcmp(file, "sentiment-en.test")) {
        say_error(M("%s ayrılmış test kısmıdır, onunla eğitilmez: file=%.12s verin (sonuç onda ölçülür).",
                    "%s is the held-out test part, not for training: give file=%.12s (the result is measured on it)."),
                  file, file);
        return 1;
    }
    FtJob *J = tz_calloc(1, sizeof *J);
    if (labelled_path(file, 0, J->path)) { free(J); return 1; }
    int set = strcmp(J->path, file) != 0;   /* one of ours, by name */
    if (set) {
        const char *lang = !strncmp(file, "sentiment-tr", 12) ? "tr" : "en";
        snprintf(J->vpath, sizeof J->vpath, "%.3900s/datasets/sentiment/%s.test.txt", g_app.root, lang);
        snprintf(J->task, sizeof J->task, "sentiment-%s", lang);
        J->lang = !strcmp(lang, "tr") ? TZ_LANG_TR : TZ_LANG_EN;
    } else {
        snprintf(J->task, sizeof J->task, "%.95s", J->path);
        TzFile f;
        if (tz_file_map(&f, J->path, &e)) { say_tzerr(&e); free(J); return 1; }
        J->lang = tz_guess_lang(f.data ? f.data : "", f.size < 65536 ? f.size : 65536);
        tz_file_unmap(&f);
    }
    if (base) J->lang = base->bert->lang;
    if (lang_option(arg_str(a, "lang", NULL), &J->lang)) { free(J); return 1; }
    J->scratch = scratch;
    J->maxlen = (int)maxlen;
    J->vocab = (int)vocab;
    J->seed = (uint64_t)seed;
    J->shape = (BertConfig){ .V = 0, .C = (int)maxlen, .D = (int)dim, .L = (int)layers, .H = (int)heads,
                             .F = 4 * (int)dim, .types = 2 };
    J->tc = bert_clf_train_defaults();
    J->tc.B = (int)batch;
    J->tc.epochs = (int)epochs;
    J->tc.lr = (float)lr;
    J->tc.dropout = (float)dropout;
    J->tc.warmup = (float)warmup;
    J->tc.seed = (uint64_t)seed;
    J->tc.threads = (int)threads;
    /* too big for this machine? the weights five times (model, gradient, Adam's two moments, the
     * divergence backup) and a batch's activations */
    BertConfig shape = base ? base->bert->w.cfg : J->shape;
    if (!base) shape.V = (int)vocab;
    double N = (double)batch * maxlen;
    double need = 5.0 * 4 * (double)bert_nparams(&shape) +
                  4.0 * shape.L * (N * (14.0 * shape.D + 2.0 * shape.F) + (double)batch * shape.H * maxlen * maxlen);
    double ram = tz_phys_bytes();
    if (ram > 0 && need > 0.8 * ram) {
        char b1[32], b2[32];
        say_error(M("bu ayarlarla ince ayar yaklaşık %s bellek ister; bu makinede %s var. batch= ya da maxlen= değerini küçültün.",
                    "fine-tuning with these settings needs about %s of memory; this machine has %s. Make batch= or maxlen= smaller."),
                  fmt_bytes(need, b1), fmt_bytes(ram, b2));
        free(J);
        return 1;
    }
    if (base) {
        snprintf(J->base, sizeof J->base, "%s", base->name);
        if (!(J->bm = bert_copy(base->bert))) { free(J); return 1; }
    }
    const char *name = arg_str(a, "name", NULL);
    char stem[48];
    if (set) snprintf(stem, sizeof stem, "%.40s", J->task);
    else file_stem(J->path, stem, sizeof stem);
    if (name) snprintf(J->name, sizeof J->name, "%s", name);
    else snprintf(J->name, sizeof J->name, "%.30s-%.32s", base ? base->name : "bert-scratch", stem);
    snprintf(J->what_ft, sizeof J->what_ft, "finetune %.80s", J->name);
    snprintf(J->unit_seq, sizeof J->unit_seq, "%s", M("cümle", "sentence"));
    char curve[128];
    snprintf(curve, sizeof curve, "%.40s (%s%.40s)", J->name, scratch ? M("ön eğitimsiz", "from scratch") : "",
             scratch ? "" : J->base);
    app_job_curve(curve);
    char what_wp[96];
    snprintf(what_wp, sizeof what_wp, "wordpiece %.60s", stem);
    return app_start_job(scratch ? what_wp : J->what_ft, scratch ? M("belirteç", "token") : J->unit_seq, ft_work, J,
                         ft_done);
}

/* --- predict / test ----------------------------------------------------------------------------- */

/* The model a predict/test line is about when it is a BERT: `predict MODEL "text"` (the first
 * word names a BERT and more follows), else model=NAME or the current model. NULL when it is not
 * a BERT (the other classifiers take the line). *from: where the text starts. */
static Model *bert_clf_model(Args *a, int allow_first, int *from)
{
    *from = 1;
    if (allow_first && a->argc >= 3) {
        Model *m = model_find(a->argv[1]);
        if (m && m->bert) { *from = 2; return m; }
        if (m) return NULL;
    }
    const char *name = arg_str(a, "model", NULL);
    Model *m = name ? model_find(name) : model_current();
    return m && m->bert ? m : NULL;
}

static int not_finetuned(const Model *m)
{
    if (lacks_specials(m)) return 1;
    if (m->bert->K > 0) return 0;
    say_error(M("%s ön eğitimli bir BERT; sınıflandırıcısı yok. Önce ince ayar yapın: finetune bert task=sentiment "
                "file=sentiment-tr model=%s (fillmask bu modelle çalışır).",
                "%s is a pre-trained BERT without a classifier. Fine-tune it first: finetune bert task=sentiment "
                "file=sentiment-en model=%s (fillmask works with this model)."), m->name, m->name);
    return 1;
}

int bertft_predict(Args *a)
{
    int from;
    Model *md = bert_clf_model(a, 1, &from);
    if (!md) return -1;
    if (not_finetuned(md)) return 1;
    const BertModel *bm = md->bert;
    const int K = bm->K;
    TzErr e;
    long k;
    double threshold;
    if (arg_long(a, "k", K, 1, 1000000, &k, &e) || arg_double(a, "threshold", 0, 0, 1, &threshold, &e)) {
        say_tzerr(&e);
        return 1;
    }
    if (from >= a->argc) {
        say_error("%s", M("hangi metin? predict [MODEL] \"METİN\"", "which text? predict [MODEL] \"TEXT\""));
        return 1;
    }
    char *text = args_join(a, from);
    size_t len = strlen(text), bad = utf8_validate(text, len);
    if (bad != len) {
        say_error(M("metin geçerli UTF-8 değil (%zu. bayt).", "the text is not valid UTF-8 (byte %zu)."), bad + 1);
        free(text);
        return 1;
    }
    int maxlen = bm->w.cfg.C;
    int32_t *ids = tz_malloc((size_t)maxlen * sizeof *ids);
    int cut;
    size_t unk = 0;
    int n = bert_clf_encode(bm->wp, text, len, maxlen, ids, &cut, &unk);
    if (n <= 2) {
        say_error("%s", n == 0 ? M("modelin sözlüğünde [CLS] ya da [SEP] yok.", "the model's vocabulary has no [CLS] or [SEP].")
                               : M("metinde sözcük yok.", "the text has no words."));
        free(ids);
        free(text);
        return 1;
    }
    BertWork w;
    if (bert_work_alloc(&w, &bm->w.cfg, 1, n)) {
        say_error("%s", M("bellek yetmedi.", "out of memory."));
        free(ids);
        free(text);
        return 1;
    }
    uint8_t *valid = tz_malloc((size_t)n);
    memset(valid, 1, (size_t)n);
    float *logits = tz_malloc((size_t)K * sizeof *logits), *p = tz_malloc((size_t)K * sizeof *p);
    bert_clf_probs(&bm->w, &w, bm->cls_w, bm->cls_b, K, ids, valid, 1, n, logits, p);
    bert_work_free(&w);
    /* the labels, most probable first */
    int *order = tz_malloc((size_t)K * sizeof *order);
    for (int i = 0; i < K; i++) order[i] = i;
    for (int i = 1; i < K; i++)
        for (int j = i; j > 0 && p[order[j]] > p[order[j - 1]]; j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (int i = 0; i < K && i < k; i++) {
        if (p[order[i]] < threshold) break;
        say_prob_bar(i == 0, bm->labels[order[i]], p[order[i]]);
    }
    /* what the model read: the pieces (a short text whole) */
    char pieces[400];
    size_t used = 0;
    for (int i = 0; i < n && used + 40 < sizeof pieces; i++)
        used += (size_t)snprintf(pieces + used, sizeof pieces - used, "%s%s", i ? " " : "", wp_token(bm->wp, ids[i]));
    say(M("  (%d belirteç: %s%s)\n", "  (%d tokens: %s%s)\n"), n, pieces, used + 40 >= sizeof pieces ? " …" : "");
    if (cut) say(M("  (metin %d belirteçte kesildi: modelin bağlamı)\n", "  (the text was cut at %d tokens: the model's context)\n"), n);
    if (unk) say(M("  (%zu parça sözlükte yok, [UNK] okundu)\n", "  (%zu pieces are outside the vocabulary, read as [UNK])\n"), unk);
    free(order);
    free(p);
    free(logits);
    free(valid);
    free(ids);
    free(text);
    return 0;
}

typedef struct {
    const Model *md;
    char path[4096];
    BertClfSet set;
    BertClfEval ev;
    size_t nolabel, empty;
    int threads;
    size_t *gold, *pred, *right;    /* K each */
} FtTestJob;

static int fttest_work(Job *job, void *arg, TzErr *e)
{
    FtTestJob *T = arg;
    const BertModel *bm = T->md->bert;
    TzFile f;
    BertClfLines L;
    int rc = read_lines(T->path, &f, &L, e);
    if (rc) return rc;
    T->nolabel = L.nolabel;
    T->empty = L.empty;
    int maxlen = bm->w.cfg.C < 512 ? bm->w.cfg.C : 512;
    bert_clf_set_build(&T->set, bm->wp, &L, f.data, NULL, L.n, bm->labels, bm->K, maxlen);
    bert_clf_lines_free(&L);
    tz_file_unmap(&f);
    T->gold = tz_calloc((size_t)bm->K, sizeof *T->gold);
    T->pred = tz_calloc((size_t)bm->K, sizeof *T->pred);
    T->right = tz_calloc((size_t)bm->K, sizeof *T->right);
    rc = bert_clf_eval(&bm->w, bm->cls_w, bm->cls_b, bm->K, bm->wp->pad >= 0 ? bm->wp->pad : 0, &T->set, 16, T->threads, &T->ev,
                       T->gold, T->pred, T->right, job);
    if (rc) return tz_errf(e, TZ_E_CANCELLED, "sınama durduruldu.", "testing stopped.");
    return 0;
}

static void fttest_done(int rc, const TzErr *e, void *arg)
{
    FtTestJob *T = arg;
    const BertModel *bm = T->md->bert;
    char b1[32], b2[32];
    if (rc) say_tzerr(e);
    else if (T->set.n == 0)
        say_error(M("%s içinde modelin etiketlerinden biriyle etiketli satır yok.",
                    "%s has no line labelled with one of the model's labels."), T->path);
    else {
        say(M("%s, %s üzerinde (%s örnek):\n", "%s on %s (%s examples):\n"), T->md->name, T->path,
            fmt_int((long long)T->set.n, b1));
        say(M("  doğruluk\t%s\n  ortalama kayıp\t%s\n", "  accuracy\t%s\n  mean loss\t%s\n"), fmt_real(T->ev.acc, 3, b1),
            fmt_real(T->ev.loss, 3, b2));
        const char **names = tz_malloc((size_t)bm->K * sizeof *names);
        for (int k = 0; k < bm->K; k++) names[k] = bm->labels[k];
        say_label_table((size_t)bm->K, names, T->gold, T->pred, T->right);
        free(names);
        if (T->set.pieces && T->set.unk)
            say(M("  (parçaların %%%s kadarı sözlükte yoktu, [UNK] okundu)\n",
                  "  (%s%% of the pieces were outside the vocabulary, read as [UNK])\n"),
                fmt_real(100.0 * (double)T->set.unk / (double)T->set.pieces, 1, b1));
        if (T->set.truncated)
            say(M("  (%zu cümle modelin bağlamından uzundu, başları alındı)\n",
                  "  (%zu sentences were longer than the model's context and were cut to their start)\n"), T->set.truncated);
        if (T->set.skipped || T->nolabel || T->empty)
            say(M("  (%zu satır atlandı: etiketi yok, modelin bilmediği bir etiket ya da metni yok)\n",
                  "  (%zu lines skipped: no label, a label the model does not have, or no text)\n"),
                T->set.skipped + T->nolabel + T->empty);
    }
    bert_clf_set_free(&T->set);
    free(T->gold);
    free(T->pred);
    free(T->right);
    free(T);
}

int bertft_test(Args *a)
{
    int from;
    Model *md = bert_clf_model(a, 0, &from);
    if (!md) return -1;
    if (not_finetuned(md)) return 1;
    const BertModel *bm = md->bert;
    const char *arg = a->argc >= 2 ? a->argv[1] : NULL;
    if (!arg) {
        if (strcmp(bm->task, "sentiment-tr") != 0 && strcmp(bm->task, "sentiment-en") != 0) {
            say_error(M("hangi dosya? test DOSYA (%s bir dosyayla ince ayarlandı: %s).",
                        "which file? test FILE (%s was fine-tuned on a file: %s)."), md->name, bm->task);
            return 1;
        }
        arg = bm->task;
    }
    FtTestJob *T = tz_calloc(1, sizeof *T);
    if (labelled_path(arg, 1, T->path)) { free(T); return 1; }
    if (strcmp(T->path, arg) != 0) say(M("(test kümesi: %s)\n", "(test set: %s)\n"), T->path);
    T->md = md;
    T->threads = 0;   /* the engine's team: one thread per core */
    char what[160];
    snprintf(what, sizeof what, "test %.100s", md->name);
    return app_start_job(what, M("cümle", "sentence"), fttest_work, T, fttest_done);
}
