/* classify.c — fastText's text classifier in the REPL: `train fasttext-sup`, `predict`, `test`.
 *
 * A classifier is a Model like the others (kind "fasttext-sup"): it has word vectors (its
 * input rows, so `similar` works on it too) and a FastText with args.model = supervised, which
 * `save x.bin` writes in Facebook's format and `load x.bin` reads back (ours or fastText's).
 *
 * The labelled sets we wrote are known by name: `sentiment-tr` and `sentiment-en` (the training
 * part, datasets/sentiment/LANG.txt); `test sentiment-en` uses the held-out part
 * (LANG.test.txt), and says so.
 */
#include "app.h"
#include "i18n.h"
#include "out.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "models/ft_sup.h"

/* A labelled file: as given if it exists, else one of our sets by name. test: the held-out
 * part. Reports and returns 1 if neither. (Also read by seqtask.c.) */
int labelled_path(const char *arg, int test, char path[4096])
{
    if (tz_exists(arg) && !tz_is_dir(arg)) {
        snprintf(path, 4096, "%s", arg);
        return 0;
    }
    const char *langs[] = { "tr", "en" };
    for (int i = 0; i < 2; i++) {
        char name[32], name_test[40];
        snprintf(name, sizeof name, "sentiment-%s", langs[i]);
        snprintf(name_test, sizeof name_test, "sentiment-%s.test", langs[i]);
        int is_test = !strcmp(arg, name_test);
        if (strcmp(arg, name) != 0 && !is_test) continue;
        snprintf(path, 4096, "%.3900s/datasets/sentiment/%s%s.txt", g_app.root, langs[i], test || is_test ? ".test" : "");
        if (tz_exists(path)) return 0;
        say_error(M("%s bulunamadı (kurulum eksik mi?).", "%s not found (is the installation incomplete?)."), path);
        return 1;
    }
    say_error(M("'%s' diye bir dosya yok. Etiketli bir dosya (her satır '__label__ETİKET metin') ya da "
                "sentiment-tr / sentiment-en verin.",
                "there is no file '%s'. Give a labelled file (each line '__label__LABEL text') or "
                "sentiment-tr / sentiment-en."), arg);
    return 1;
}

/* The label without its prefix ("__label__neg" → "neg"). */
static const char *label_name(const FastText *ft, size_t label)
{
    const char *s = vocab_word(&ft->dict, ft->nwords + label);
    size_t p = strlen(ft->args.label);
    return strncmp(s, ft->args.label, p) == 0 && s[p] ? s + p : s;
}

void file_stem(const char *path, char *stem, size_t n)
{
    const char *base = strrchr(path, '/');
    snprintf(stem, n, "%s", base ? base + 1 : path);
    char *dot = strrchr(stem, '.');
    if (dot && dot != stem) *dot = '\0';
}

/* One line of `predict`: a label, its probability and a bar of it (the first in bold). */
void say_prob_bar(int first, const char *name, double p)
{
    char b[32];
    int bar = (int)lround(p * 30);
    say("  %s%s%s%*s %s  ", first ? col_bold() : "", name, first ? col_off() : "", pad(name, 12), "", fmt_real(p, 3, b));
    for (int j = 0; j < bar; j++) say("█");
    say("\n");
}

/* `test`'s table: per label how often it is gold, predicted and right, with precision, recall
 * and F1 (a label neither in the data nor predicted is left out). */
void say_label_table(size_t n, const char *const *names, const size_t *gold, const size_t *pred, const size_t *right)
{
    char b2[32], b3[32], b4[32];
    say("  %-14s %6s %9s %7s %9s %7s %6s\n", M("etiket", "label"), M("gerçek", "gold"), M("tahmin", "predicted"),
        M("doğru", "right"), M("kesinlik", "precision"), M("duyarlık", "recall"), "F1");
    for (size_t i = 0; i < n; i++) {
        if (!gold[i] && !pred[i]) continue;
        double p = pred[i] ? (double)right[i] / (double)pred[i] : 0;
        double r = gold[i] ? (double)right[i] / (double)gold[i] : 0;
        double f1 = p + r > 0 ? 2 * p * r / (p + r) : 0;
        say("  %s%*s %6zu %9zu %7zu %9s %7s %6s\n", names[i], pad(names[i], 14), "", gold[i], pred[i], right[i],
            fmt_real(p, 3, b2), fmt_real(r, 3, b3), fmt_real(f1, 3, b4));
    }
}

/* --- train fasttext-sup ----------------------------------------------------------------------- */

typedef struct {
    char path[4096], name[64];
    FtSupConfig cfg;
    FastText ft;
    FtSupStats st;
} SupJob;

static int sup_work(Job *job, void *arg, TzErr *e)
{
    SupJob *S = arg;
    return ft_sup_train(S->path, &S->cfg, &S->ft, &S->st, job, e);
}

static void sup_done(int rc, const TzErr *e, void *arg)
{
    SupJob *S = arg;
    if (rc) {
        say_tzerr(e);
        free(S);
        return;
    }
    Model *md = tz_calloc(1, sizeof *md);
    snprintf(md->name, sizeof md->name, "%s", S->name);
    snprintf(md->kind, sizeof md->kind, "fasttext-sup");
    snprintf(md->source, sizeof md->source, "%.250s", S->path);
    const char *loss = S->cfg.loss == FT_LOSS_HS ? "hs" : S->cfg.loss == FT_LOSS_OVA ? "ova" : "softmax";
    snprintf(md->info, sizeof md->info, "dim=%d epochs=%d lr=%g wordNgrams=%d loss=%s bucket=%d", S->cfg.dim,
             S->cfg.epochs, S->cfg.lr, S->cfg.word_ngrams, loss, S->ft.args.bucket);
    md->ft = tz_calloc(1, sizeof *md->ft);
    *md->ft = S->ft;
    TzErr ve;
    if (ft_to_vectors(md->ft, 0, &md->vec, NULL, &ve)) say_tzerr(&ve);   /* too big: no word queries */
    /* the language of the words (for lower-casing queries), from the most frequent ones */
    const Vocab *wv = &md->ft->dict;
    md->lang = tz_guess_lang(wv->pool, wv->pool_len < 65536 ? wv->pool_len : 65536);
    char b1[32], b2[32], b3[32], b4[32], b5[32];
    double tps = S->st.seconds > 0 ? (double)S->st.tokens_done / S->st.seconds : 0;
    if (S->st.finished)
        say(M("%s eğitildi: %s örnek, %s sözcük, %zu etiket; %s belirteç/sn, son kayıp %s (%s sn). Deneyin: predict \"…\" ya da test DOSYA\n",
              "%s trained: %s examples, %s words, %zu labels; %s tokens/s, final loss %s (%s s). Try: predict \"…\" or test FILE\n"),
            md->name, fmt_int((long long)S->st.examples, b1), fmt_int((long long)md->ft->nwords, b2), md->ft->nlabels,
            fmt_int((long long)tps, b3), fmt_real(S->st.loss, 4, b4), fmt_real(S->st.seconds, 2, b5));
    else
        say(M("eğitim durduruldu; o ana kadar eğitilen sınıflandırıcı %s adıyla saklandı.\n",
              "training stopped; the classifier trained so far is kept as %s.\n"), md->name);
    model_install(md);
    free(S);
}

int cmd_train_sup(Args *a)
{
    TzErr e;
    const char *file = arg_str(a, "file", NULL);
    if (!file) file = arg_str(a, "corpus", NULL);
    if (!file) {
        say_error("%s", M("hangi dosya? file=DOSYA verin (her satır '__label__ETİKET metin'), örnek: train fasttext-sup file=sentiment-tr",
                          "which file? give file=FILE (each line '__label__LABEL text'), for example: train fasttext-sup file=sentiment-en"));
        return 1;
    }
    SupJob *S = tz_calloc(1, sizeof *S);
    if (labelled_path(file, 0, S->path)) { free(S); return 1; }
    FtSupConfig *c = &S->cfg;
    *c = ft_sup_defaults();
    long dim, epochs, wn, minc, minn, maxn, bucket, threads, seed;
    double lr;
    /* fastText's names (lr, epoch, wordNgrams) and ours (alpha, epochs) both work */
    const char *lr_key = arg_str(a, "alpha", NULL) ? "alpha" : "lr";
    const char *ep_key = arg_str(a, "epochs", NULL) ? "epochs" : "epoch";
    if (arg_long(a, "dim", c->dim, 1, 2000, &dim, &e) || arg_long(a, ep_key, c->epochs, 1, 10000, &epochs, &e) ||
        arg_double(a, lr_key, c->lr, 1e-6, 10, &lr, &e) || arg_long(a, "wordNgrams", c->word_ngrams, 1, 10, &wn, &e) ||
        arg_long(a, "min_count", c->min_count, 1, 1000000, &minc, &e) || arg_long(a, "minn", 0, 0, 20, &minn, &e) ||
        arg_long(a, "maxn", 0, 0, 20, &maxn, &e) || arg_long(a, "bucket", c->bucket, 1, 100000000L, &bucket, &e) ||
        arg_long(a, "threads", c->threads, 1, 64, &threads, &e) || arg_long(a, "seed", 1, 0, 2147483647L, &seed, &e)) {
        say_tzerr(&e);
        free(S);
        return 1;
    }
    if (maxn > 0 && (minn < 1 || maxn < minn)) {
        say_error(M("minn=%ld maxn=%ld: 1 ≤ minn ≤ maxn olmalı (karakter n-gram'ı istemiyorsanız maxn=0).",
                    "minn=%ld maxn=%ld: need 1 ≤ minn ≤ maxn (maxn=0 for no character n-grams)."), minn, maxn);
        free(S);
        return 1;
    }
    const char *loss = arg_str(a, "loss", "softmax");
    if (!strcmp(loss, "softmax")) c->loss = FT_LOSS_SOFTMAX;
    else if (!strcmp(loss, "hs")) c->loss = FT_LOSS_HS;
    else if (!strcmp(loss, "ova")) c->loss = FT_LOSS_OVA;
    else {
        say_error(M("loss=%s: softmax, hs (hiyerarşik softmax) ya da ova (her etikete karşı bir) olmalı.",
                    "loss=%s: must be softmax, hs (hierarchical softmax) or ova (one-vs-all)."), loss);
        free(S);
        return 1;
    }
    c->dim = (int)dim; c->epochs = (int)epochs; c->lr = lr; c->word_ngrams = (int)wn; c->min_count = (int)minc;
    c->minn = (int)minn; c->maxn = (int)maxn; c->bucket = (int)bucket; c->threads = (int)threads;
    c->seed = (uint64_t)seed;
    const char *name = arg_str(a, "name", NULL);
    if (name) snprintf(S->name, sizeof S->name, "%s", name);
    else {
        char stem[48];
        file_stem(file, stem, sizeof stem);
        if (!strncmp(stem, "sentiment-", 10)) memmove(stem, stem + 10, strlen(stem + 10) + 1);
        snprintf(S->name, sizeof S->name, "sup-%s", stem);
    }
    char what[160], curve[128];
    snprintf(what, sizeof what, "fasttext-sup %.100s", S->name);
    snprintf(curve, sizeof curve, "%.40s (%s, wordNgrams=%d)", S->name, loss, c->word_ngrams);
    app_job_curve(curve);
    return app_start_job(what, M("belirteç", "token"), sup_work, S, sup_done);
}

/* --- predict / test --------------------------------------------------------------------------- */

/* The current (or model=) model if it is a classifier; reports and returns NULL if not. */
static Model *classifier_for(Args *a)
{
    Model *m = model_for(a);
    if (!m) return NULL;
    if (!m->ft || m->ft->args.model != FT_MODEL_SUP) {
        say_error(M("%s bir sınıflandırıcı değil (%s). Önce birini eğitin: train fasttext-sup file=sentiment-tr "
                    "(ya da 'fasttext supervised' ile yapılmış bir .bin yükleyin).",
                    "%s is not a classifier (%s). Train one first: train fasttext-sup file=sentiment-en "
                    "(or load a .bin made by 'fasttext supervised')."), m->name, m->kind);
        return NULL;
    }
    return m;
}

/* The classifier and the k= and threshold= options that predict and test share. */
static Model *classifier_opts(Args *a, long *k, double *threshold)
{
    Model *m = classifier_for(a);
    if (!m) return NULL;
    TzErr e;
    if (arg_long(a, "k", 1, 1, 1000000, k, &e) || arg_double(a, "threshold", 0, 0, 1, threshold, &e)) {
        say_tzerr(&e);
        return NULL;
    }
    return m;
}

int cmd_predict(Args *a)
{
    int r = seqtask_predict(a);     /* a recurrent classifier's? */
    if (r >= 0) return r;
    if ((r = bertft_predict(a)) >= 0) return r;     /* a BERT's? */
    long k;
    double threshold;
    Model *m = classifier_opts(a, &k, &threshold);
    if (!m) return 1;
    char *text = args_join(a, 1);   /* one quoted argument, or the words typed after the command */
    size_t bad = utf8_validate(text, strlen(text));
    if (bad != strlen(text)) {
        say_error(M("metin geçerli UTF-8 değil (%zu. bayt).", "the text is not valid UTF-8 (byte %zu)."), bad);
        free(text);
        return 1;
    }
    const FastText *ft = m->ft;
    FtLine l = { 0 };
    ft_sup_line(ft, text, strlen(text), 1, &l);   /* a typed line ends like a line of a file */
    size_t kk = (size_t)k < ft->nlabels ? (size_t)k : ft->nlabels;
    FtPred *p = tz_malloc((kk ? kk : 1) * sizeof *p);
    size_t n = ft_sup_predict(ft, l.feat, l.nfeat, kk, (float)threshold, p);
    /* "</s>" is a feature of every line: say how many of the text's own words the model knew */
    /* read off the line as fastText read it: every word left a hash (the last one is "</s>"),
     * and every word the model knows left its own row, a row below nwords */
    size_t words = l.nhash - 1, known = 0;
    for (size_t i = 0; i < l.nfeat; i++) known += (size_t)l.feat[i] < ft->nwords;
    if (vocab_find(&ft->dict, "</s>", 4) >= 0) known--;
    if (n == 0) {
        say(M("tahmin yok: metnin hiçbir özelliği modelde yok.\n", "no prediction: none of the text's features are in the model.\n"));
    } else {
        for (size_t i = 0; i < n; i++) {
            say_prob_bar(i == 0, label_name(ft, (size_t)p[i].label), p[i].prob);
        }
    }
    say(M("  (%zu sözcük, %zu tanesi modelin sözlüğünde; %zu özellik)\n", "  (%zu words, %zu of them known to the model; %zu features)\n"),
        words, known, l.nfeat);
    free(p);
    ft_line_free(&l);
    free(text);
    return 0;
}

typedef struct {
    const Model *m;
    char path[4096];
    size_t k;
    float threshold;
    FtSupTest t;
} TestJob;

static int test_work(Job *job, void *arg, TzErr *e)
{
    TestJob *T = arg;
    return ft_sup_test(T->m->ft, T->path, T->k, T->threshold, &T->t, job, e);
}

static void test_done(int rc, const TzErr *e, void *arg)
{
    TestJob *T = arg;
    if (rc) {
        say_tzerr(e);
        free(T);
        return;
    }
    const FtSupTest *t = &T->t;
    const FastText *ft = T->m->ft;
    char b1[32], b2[32], b3[32];
    double P = t->predicted ? (double)t->correct / (double)t->predicted : 0;
    double R = t->gold ? (double)t->correct / (double)t->gold : 0;
    say(M("%s, %s üzerinde (%s örnek):\n", "%s on %s (%s examples):\n"), T->m->name, T->path, fmt_int((long long)t->examples, b1));
    say("  N\t%zu\n  P@%zu\t%s\n  R@%zu\t%s\n", t->examples, T->k, fmt_real(P, 3, b2), T->k, fmt_real(R, 3, b3));
    const char **names = tz_malloc((t->nlabels ? t->nlabels : 1) * sizeof *names);
    for (size_t i = 0; i < t->nlabels; i++) names[i] = label_name(ft, i);
    say_label_table(t->nlabels, names, t->label_gold, t->label_pred, t->label_correct);
    free(names);
    if (t->skipped)
        say(M("  (%zu satır atlandı: bilinen etiketi ya da modelin tanıdığı bir özelliği yok)\n",
              "  (%zu lines skipped: no known label, or no feature the model knows)\n"), t->skipped);
    ft_sup_test_free(&T->t);
    free(T);
}

int cmd_test(Args *a)
{
    int r = seqtask_test(a);        /* a recurrent classifier's? */
    if (r >= 0) return r;
    if ((r = bertft_test(a)) >= 0) return r;        /* a BERT's? */
    if (a->argc < 2) {
        say_error(M("kullanım: %s", "usage: %s"), "test FILE|sentiment-tr|sentiment-en");
        return 1;
    }
    long k;
    double threshold;
    Model *m = classifier_opts(a, &k, &threshold);
    if (!m) return 1;
    TestJob *T = tz_calloc(1, sizeof *T);
    if (labelled_path(a->argv[1], 1, T->path)) { free(T); return 1; }
    if (strcmp(T->path, a->argv[1]) != 0)
        say(M("(test kümesi: %s)\n", "(test set: %s)\n"), T->path);
    T->m = m;
    T->k = (size_t)k;
    T->threshold = (float)threshold;
    char what[160];
    snprintf(what, sizeof what, "test %.100s", m->name);
    return app_start_job(what, M("satır", "line"), test_work, T, test_done);
}
