/* wordvec.c — word-vector models in the REPL: train word2vec, load and save vector files,
 * and the questions of the gensim KeyedVectors feature set (similar, similarity, analogy,
 * odd, vector, arith), and intrinsic evaluation (eval analogies / eval pairs).
 *
 * Models have names. Every query takes model=NAME and otherwise uses the current model:
 * the last one trained or loaded. Query words are looked up as typed, then lower-cased
 * (Turkish-aware for Turkish models), since prepared corpora are lower-case.
 */
#include "app.h"
#include "i18n.h"
#include "out.h"
#include "scene.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "formats/fasttext_bin.h"
#include "formats/w2v.h"
#include "models/ft_train.h"
#include "models/eval.h"
#include "models/rnnlm.h"
#include "models/seqclf.h"
#include "models/word2vec.h"

/* --- the registry ---------------------------------------------------------------------- */

Model *model_current(void)
{
    return g_app.current_model >= 0 && g_app.current_model < g_app.nmodels ? g_app.models[g_app.current_model] : NULL;
}

Model *model_find(const char *name)
{
    for (int i = 0; i < g_app.nmodels; i++)
        if (strcmp(g_app.models[i]->name, name) == 0) return g_app.models[i];
    return NULL;
}

static void model_free(Model *m)
{
    if (!m) return;
    vectors_free(&m->vec);
    if (m->ft) {
        ft_free(m->ft);
        free(m->ft);
    }
    lm_model_free(m->lm);
    seq_model_free(m->clf);
    bpe_model_free(m->bpe);
    gpt_model_free(m->gpt);
    llama_model_free(m->llama);
    bert_model_free(m->bert);
    free(m);
}

void models_free_all(void)
{
    models_reap();
    for (int i = 0; i < g_app.nmodels; i++) model_free(g_app.models[i]);
    g_app.nmodels = 0;
    g_app.current_model = -1;
}

/* A model replaced (or pushed out) while a job runs may still be read by that job's worker (a
 * `save`, an evaluation, a plot: commands like `tokens … model=gpt2` may install a model in the
 * meantime). Such a model is retired here and freed by models_reap when the job has ended. */
static Model **g_retired;
static size_t g_nretired;

static void model_retire(Model *m)
{
    if (!g_app.job) {
        model_free(m);
        return;
    }
    g_retired = tz_realloc(g_retired, (g_nretired + 1) * sizeof *g_retired);
    g_retired[g_nretired++] = m;
}

void models_reap(void)
{
    for (size_t i = 0; i < g_nretired; i++) model_free(g_retired[i]);
    free(g_retired);
    g_retired = NULL;
    g_nretired = 0;
}

void model_install(Model *m)
{
    for (int i = 0; i < g_app.nmodels; i++)
        if (strcmp(g_app.models[i]->name, m->name) == 0) {
            model_retire(g_app.models[i]);
            g_app.models[i] = m;
            g_app.current_model = i;
            return;
        }
    if (g_app.nmodels == MAX_MODELS) {          /* full: the oldest one goes */
        model_retire(g_app.models[0]);
        memmove(g_app.models, g_app.models + 1, (MAX_MODELS - 1) * sizeof *g_app.models);
        g_app.nmodels--;
    }
    g_app.models[g_app.nmodels] = m;
    g_app.current_model = g_app.nmodels++;
}

/* The model a query is about: model=NAME or the current one. Reports and returns NULL. */
Model *model_for(Args *a)
{
    const char *name = arg_str(a, "model", NULL);
    if (name) {
        Model *m = model_find(name);
        if (!m) say_error(M("'%s' diye bir model yok; 'models' yüklü modelleri listeler.",
                            "there is no model '%s'; 'models' lists the loaded ones."), name);
        return m;
    }
    Model *m = model_current();
    if (!m)
        say_error("%s", M("henüz bir model yok. Eğitin (train word2vec corpus=mini-tr) ya da yükleyin (load DOSYA).",
                          "there is no model yet. Train one (train word2vec corpus=mini-en) or load one (load FILE)."));
    return m;
}

/* Find a word: as typed, then lower-cased for the model's language. Unknown: say so, with
 * the nearest spellings in the vocabulary. Returns the row or -1. */
static int64_t word_id(const Model *m, const char *w, int report)
{
    int64_t id = vocab_find_folded(&m->vec.words, w, m->lang);
    if (id >= 0 && (size_t)id < m->vec.n) return id;
    if (!report) return -1;
    size_t n = strlen(w);
    char *low = tz_malloc(2 * n + 1);
    tz_lower(w, n, m->lang, low);
    {
        size_t sug[5];
        size_t ns = vectors_suggest(&m->vec, low, 5, sug);
        char list[512] = "";
        for (size_t i = 0; i < ns; i++) {
            size_t len = strlen(list);
            snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", vocab_word(&m->vec.words, sug[i]));
        }
        if (ns)
            say_error(M("'%s' sözcüğü %s modelinin sözlüğünde yok. Yakın yazılışlar: %s",
                        "the word '%s' is not in the vocabulary of model %s. Nearest spellings: %s"), w, m->name, list);
        else
            say_error(M("'%s' sözcüğü %s modelinin sözlüğünde yok (%zu sözcük).",
                        "the word '%s' is not in the vocabulary of model %s (%zu words)."), w, m->name, m->vec.n);
    }
    free(low);
    return -1;
}

int64_t model_word_id(const Model *m, const char *w) { return word_id(m, w, 1); }
int64_t model_word_lookup(const Model *m, const char *w) { return word_id(m, w, 0); }

/* A query word's vector: its row when the model knows it; for a FastText model, an unseen
 * word's vector from its character n-grams (into buf, C floats), said out loud so the class
 * sees where it came from. Returns the row (≥ 0), -2 for an n-gram vector in buf, or -1
 * (reported) when there is none. *v points at the vector. */
static int64_t query_vector(const Model *m, const char *w, float *buf, const float **v)
{
    int64_t id = word_id(m, w, m->ft == NULL);
    if (id >= 0) {
        *v = vectors_row(&m->vec, (size_t)id);
        return id;
    }
    if (!m->ft) return -1;
    size_t n = ft_word_vector(m->ft, w, buf);
    if (n == 0) {
        say_error(M("'%s' sözlükte yok ve hiçbir n-gram'ı yok (minn=%d maxn=%d); vektörü çıkarılamıyor.",
                    "'%s' is not in the vocabulary and has no n-grams (minn=%d maxn=%d); no vector can be made."),
                  w, m->ft->args.minn, m->ft->args.maxn);
        return -1;
    }
    say(M("('%s' sözlükte yok: vektörü %zu karakter n-gram'ının ortalaması — 'subwords %s')\n",
          "('%s' is not in the vocabulary: its vector is the mean of its %zu character n-grams — 'subwords %s')\n"),
        w, n, w);
    *v = buf;
    return -2;
}

static const char *W(const Model *m, size_t id) { return vocab_word(&m->vec.words, id); }

static void print_neighbors(const Model *m, const Neighbor *nb, size_t n)
{
    char b[32];
    for (size_t i = 0; i < n; i++) {
        const char *w = W(m, nb[i].id);
        say("  %3zu  %s%*s %s\n", i + 1, w, pad(w, 22), "", fmt_real(nb[i].score, 4, b));
    }
}

static int opt_k(Args *a, long *k)
{
    TzErr e;
    if (arg_long(a, "k", 10, 1, 1000, k, &e)) { say_tzerr(&e); return 1; }
    return 0;
}

/* --- queries --------------------------------------------------------------------------- */

void model_print_similar(const Model *m, size_t id, size_t k)
{
    Neighbor *nb = tz_malloc(k * sizeof *nb);
    size_t n = vectors_nearest(&m->vec, vectors_row(&m->vec, id), &id, 1, k, 0, nb);
    say(M("%s sözcüğüne en yakın %zu sözcük (kosinüs benzerliği, model %s):\n",
          "nearest to %s: %zu words (cosine similarity, model %s):\n"), W(m, id), n, m->name);
    print_neighbors(m, nb, n);
    free(nb);
}

int cmd_similar(Args *a)
{
    long k;
    Model *m = model_for(a);
    if (!m || opt_k(a, &k)) return 1;
    float *buf = tz_malloc(m->vec.dim * sizeof *buf);
    const float *q;
    int64_t id = query_vector(m, a->argv[1], buf, &q);
    if (id >= 0) model_print_similar(m, (size_t)id, (size_t)k);
    else if (id == -2) {
        Neighbor *nb = tz_malloc((size_t)k * sizeof *nb);
        size_t n = vectors_nearest(&m->vec, q, NULL, 0, (size_t)k, 0, nb);
        say(M("%s sözcüğüne en yakın %zu sözcük (kosinüs benzerliği, model %s):\n",
              "nearest to %s: %zu words (cosine similarity, model %s):\n"), a->argv[1], n, m->name);
        print_neighbors(m, nb, n);
        free(nb);
    }
    free(buf);
    return id == -1;
}

int cmd_similarity(Args *a)
{
    Model *m = model_for(a);
    if (!m) return 1;
    size_t C = m->vec.dim;
    float *bx = tz_malloc(2 * C * sizeof *bx), *by = bx + C;
    const float *vx, *vy;
    int64_t x = query_vector(m, a->argv[1], bx, &vx), y = x == -1 ? -1 : query_vector(m, a->argv[2], by, &vy);
    if (x == -1 || y == -1) { free(bx); return 1; }
    double xy = 0, xx = 0, yy = 0;
    for (size_t i = 0; i < C; i++) { xy += (double)vx[i] * vy[i]; xx += (double)vx[i] * vx[i]; yy += (double)vy[i] * vy[i]; }
    char b[32];
    say(M("kosinüs(%s, %s) = %s\n", "cosine(%s, %s) = %s\n"), x >= 0 ? W(m, (size_t)x) : a->argv[1],
        y >= 0 ? W(m, (size_t)y) : a->argv[2], fmt_real(xx > 0 && yy > 0 ? xy / sqrt(xx * yy) : 0, 4, b));
    free(bx);
    return 0;
}

/* The cosine of row x with any vector q. */
static double row_cosine(const Model *m, size_t x, const float *q)
{
    const float *r = vectors_row(&m->vec, x);
    double d = 0, rr = 0, qq = 0;
    for (size_t i = 0; i < m->vec.dim; i++) { d += (double)r[i] * q[i]; rr += (double)r[i] * r[i]; qq += (double)q[i] * q[i]; }
    return rr > 0 && qq > 0 ? d / sqrt(rr * qq) : 0;
}

int cmd_analogy(Args *a)
{
    long k;
    Model *m = model_for(a);
    if (!m || opt_k(a, &k)) return 1;
    const char *method = arg_str(a, "method", "add");
    int mul = 0;
    if (!strcmp(method, "mul")) mul = 1;
    else if (strcmp(method, "add")) {
        say_error(M("method=%s: 'add' (3CosAdd) ya da 'mul' (3CosMul) olmalı.",
                    "method=%s: must be 'add' (3CosAdd) or 'mul' (3CosMul)."), method);
        return 1;
    }
    /* each word's vector: its row, or (FastText) the mean of its n-grams for an unseen word */
    size_t C = m->vec.dim, ex[3], nex = 0;
    float *buf = tz_malloc(3 * C * sizeof *buf);
    const float *vq[3];
    const char *names[3];
    for (int i = 0; i < 3; i++) {
        int64_t id = query_vector(m, a->argv[i + 1], buf + (size_t)i * C, &vq[i]);
        if (id == -1) { free(buf); return 1; }
        if (id >= 0) ex[nex++] = (size_t)id;
        names[i] = id >= 0 ? W(m, (size_t)id) : a->argv[i + 1];
    }
    Neighbor *nb = tz_malloc((size_t)k * sizeof *nb);
    size_t n = vectors_analogy_vec(&m->vec, vq[0], vq[1], vq[2], ex, nex, mul, (size_t)k, 0, nb);
    const char *A = names[0], *B = names[1], *Cw = names[2];
    if (!mul)
        say(M("%s − %s + %s ≈ ?   (3CosAdd: cos(x,%s) − cos(x,%s) + cos(x,%s) en büyük olan x; girdiler hariç)\n",
              "%s − %s + %s ≈ ?   (3CosAdd: the x with the largest cos(x,%s) − cos(x,%s) + cos(x,%s); inputs excluded)\n"),
            A, B, Cw, A, B, Cw);
    else
        say(M("%s − %s + %s ≈ ?   (3CosMul: cos'(x,%s)·cos'(x,%s) / (cos'(x,%s)+ε), cos' = (cos+1)/2)\n",
              "%s − %s + %s ≈ ?   (3CosMul: cos'(x,%s)·cos'(x,%s) / (cos'(x,%s)+ε), cos' = (cos+1)/2)\n"),
            A, B, Cw, A, Cw, B);
    print_neighbors(m, nb, n);
    if (n > 0) {
        char b1[32], b2[32], b3[32];
        size_t x = nb[0].id;
        say(M("  en iyi yanıt %s: cos(%s,%s) = %s, cos(%s,%s) = %s, cos(%s,%s) = %s\n",
              "  best answer %s: cos(%s,%s) = %s, cos(%s,%s) = %s, cos(%s,%s) = %s\n"),
            W(m, x), W(m, x), A, fmt_real(row_cosine(m, x, vq[0]), 4, b1), W(m, x), B,
            fmt_real(row_cosine(m, x, vq[1]), 4, b2), W(m, x), Cw, fmt_real(row_cosine(m, x, vq[2]), 4, b3));
    }
    free(nb);
    free(buf);
    return 0;
}

int cmd_odd(Args *a)
{
    Model *m = model_for(a);
    if (!m) return 1;
    int n = a->argc - 1;
    size_t C = m->vec.dim;
    float *buf = tz_malloc((size_t)n * C * sizeof *buf);
    const float **vq = tz_malloc((size_t)n * sizeof *vq);
    const char **names = tz_malloc((size_t)n * sizeof *names);
    for (int i = 0; i < n; i++) {
        int64_t id = query_vector(m, a->argv[i + 1], buf + (size_t)i * C, &vq[i]);
        if (id == -1) { free(buf); free(vq); free(names); return 1; }
        names[i] = id >= 0 ? W(m, (size_t)id) : a->argv[i + 1];
    }
    float score;
    size_t odd = vectors_odd_vec(vq, names, (size_t)n, C, &score);
    char b[32];
    say(M("uymayan: %s (grubun ortalamasına kosinüsü %s; en düşük olan)\n",
          "the odd one out: %s (cosine to the mean of the group %s, the lowest)\n"),
        names[odd], fmt_real(score, 4, b));
    free(buf);
    free(vq);
    free(names);
    return 0;
}

int cmd_vector(Args *a)
{
    Model *m = model_for(a);
    if (!m) return 1;
    float *buf = tz_malloc(m->vec.dim * sizeof *buf);
    const float *v;
    int64_t id = query_vector(m, a->argv[1], buf, &v);
    if (id == -1) { free(buf); return 1; }
    double norm = 0;
    for (size_t i = 0; i < m->vec.dim; i++) norm += (double)v[i] * v[i];
    char b[32];
    say(M("%s: %zu boyut, uzunluk %s\n", "%s: %zu dimensions, length %s\n"), id >= 0 ? W(m, (size_t)id) : a->argv[1],
        m->vec.dim, fmt_real(sqrt(norm), 4, b));
    for (size_t i = 0; i < m->vec.dim; i++) say("%s%.6g", i % 10 ? " " : (i ? "\n  " : "  "), v[i]);
    say("\n");
    free(buf);
    return 0;
}

static int arith_unknown(const char *w, float *vec, void *ud)
{
    const Model *m = ud;
    if (ft_word_vector(m->ft, w, vec) == 0) return 0;
    say(M("('%s' sözlükte yok: vektörü karakter n-gram'larından)\n", "('%s' is not in the vocabulary: its vector comes from its character n-grams)\n"), w);
    return 1;
}

int cmd_arith(Args *a)
{
    long k;
    Model *m = model_for(a);
    if (!m || opt_k(a, &k)) return 1;
    /* the expression may come quoted or as several words */
    char *expr = args_join(a, 1);
    /* lower-case it for the model's language, as words are looked up lower-case */
    char *low = tz_malloc(2 * strlen(expr) + 1);
    tz_lower(expr, strlen(expr), m->lang, low);
    float *q = tz_malloc(m->vec.dim * sizeof *q);
    size_t used[64], nused = 0;
    TzErr e;
    /* FastText: an unseen word's vector from its n-grams */
    VecUnknownFn unk = m->ft ? arith_unknown : NULL;
    int rc = vectors_arith_ex(&m->vec, low, unk, m, q, used, &nused, 64, &e);
    if (rc) rc = vectors_arith_ex(&m->vec, expr, unk, m, q, used, &nused, 64, &e);   /* as typed */
    if (rc) { say_tzerr(&e); free(expr); free(low); free(q); return 1; }
    Neighbor *nb = tz_malloc((size_t)k * sizeof *nb);
    size_t n = vectors_nearest(&m->vec, q, used, nused, (size_t)k, 0, nb);
    say(M("%s ≈ ?  (girdi sözcükleri hariç)\n", "%s ≈ ?  (input words excluded)\n"), expr);
    print_neighbors(m, nb, n);
    free(nb);
    free(expr);
    free(low);
    free(q);
    return 0;
}

int cmd_models(Args *a)
{
    (void)a;
    if (g_app.nmodels == 0) {
        say("%s\n", M("henüz bir model yok.", "no models yet."));
        return 0;
    }
    char b[32], mb[32], mem[64];
    for (int i = 0; i < g_app.nmodels; i++) {
        Model *m = g_app.models[i];
        /* memory: the query table (V × D floats), and a FastText model's own matrices — the
         * input rows of words and n-gram buckets, (V + bucket) × D, are most of it. A model
         * read from a .bin maps them from the file: the pages are read as queries touch them. */
        double bytes = (double)m->vec.n * (double)m->vec.dim * 4.0, ft_bytes = 0;
        if (m->ft) ft_bytes = ((double)m->ft->in_rows + (double)m->ft->out_rows) * (double)m->ft->args.dim * 4.0;
        int mapped = m->ft && m->ft->file.data != NULL;
        if (!mapped) bytes += ft_bytes;
        snprintf(mem, sizeof mem, "%s MB%s", fmt_real(bytes / 1e6, 1, mb), mapped ? M(" (+ dosyadan eşlenen)", " (+ mapped file)") : "");
        if (m->clf) {  /* a recurrent classifier: its task, classes, tokens and parameters */
            char d[160];
            seq_model_describe(m->clf, d, sizeof d);
            say("%s %s%*s %-12s %s  %s  %s\n", i == g_app.current_model ? "*" : " ", m->name, pad(m->name, 16), "",
                m->kind, d, m->source, m->info);
            continue;
        }
        if (m->bert) {  /* a BERT: its shape, parameters and (fine-tuned) labels */
            char d[256];
            bert_model_describe(m->bert, d, sizeof d);
            say("%s %s%*s %-12s %s  %s  %s\n", i == g_app.current_model ? "*" : " ", m->name, pad(m->name, 16), "",
                m->kind, d, m->source, m->info);
            continue;
        }
        if (m->llama) {  /* a LLaMA: its shape and parameters */
            char d[256];
            llama_model_describe(m->llama, d, sizeof d);
            say("%s %s%*s %-12s %s  %s  %s\n", i == g_app.current_model ? "*" : " ", m->name, pad(m->name, 16), "",
                m->kind, d, m->source, m->info);
            continue;
        }
        if (m->gpt) {  /* a GPT: its shape and parameters */
            char d[192];
            gpt_model_describe(m->gpt, d, sizeof d);
            say("%s %s%*s %-12s %s  %s  %s\n", i == g_app.current_model ? "*" : " ", m->name, pad(m->name, 16), "",
                m->kind, d, m->source, m->info);
            continue;
        }
        if (m->bpe) {  /* a tokenizer: its tokens and merges */
            char d[96];
            bpe_model_describe(m->bpe, d, sizeof d);
            say("%s %s%*s %-12s %s  %s  %s\n", i == g_app.current_model ? "*" : " ", m->name, pad(m->name, 16), "",
                m->kind, d, m->source, m->info);
            continue;
        }
        if (m->lm) {   /* a language model: its characters and parameters, 4 bytes each */
            char d[96];
            lm_model_describe(m->lm, d, sizeof d);
            say("%s %s%*s %-12s %s  %s  %s\n", i == g_app.current_model ? "*" : " ", m->name, pad(m->name, 16), "",
                m->kind, d, m->source, m->info);
            continue;
        }
        say("%s %s%*s %-12s %8s × %-4zu %s%*s %s  %s\n", i == g_app.current_model ? "*" : " ", m->name, pad(m->name, 16), "",
            m->kind, fmt_int((long long)m->vec.n, b), m->vec.dim, mem, pad(mem, 10), "", m->source, m->info);
    }
    return 0;
}

/* --- training -------------------------------------------------------------------------- */

typedef struct {
    W2VConfig cfg;
    char name[64];
    TrainCorpus tc;        /* the corpus trained on */
    Word2Vec m;
    double t0, seconds;    /* seconds: building the vocabulary and training */
    W2VWatch *watch;       /* for `plot … live` while this job trains */
    int fasttext;          /* train fasttext: subword rows (minn..maxn, bucket) */
    int minn, maxn, bucket;
    FtModel ft;
} TrainJob;

static TrainJob *g_training;   /* the Word2Vec job running now, or NULL */

W2VWatch *wordvec_live(TzLang *lang)
{
    if (!g_training) return NULL;
    if (lang) *lang = g_training->tc.lang;
    return g_training->watch;
}

/* The corpus a training runs on: corpus=NAME (loaded by the job) or the current one. */
int train_corpus(Args *a, TrainCorpus *tc)
{
    memset(tc, 0, sizeof *tc);
    const char *corpus = arg_str(a, "corpus", NULL);
    if (corpus && !(g_app.corpus && !strcmp(g_app.corpus->name, corpus))) {
        if (corpus_resolve(corpus, arg_str(a, "lang", NULL), tc->path, tc->name, &tc->lang, &tc->prepared)) return 1;
        tc->load = 1;
        tc->corpus = tz_calloc(1, sizeof *tc->corpus);
    } else if (g_app.corpus) {
        tc->corpus = g_app.corpus;
        tc->lang = g_app.corpus->lang;
        snprintf(tc->name, sizeof tc->name, "%s", g_app.corpus->name);
    } else {
        say_error("%s", M("hangi derlem? corpus=AD verin (örnek: train word2vec corpus=mini-tr) ya da önce 'corpus AD'.",
                          "which corpus? give corpus=NAME (for example: train word2vec corpus=mini-en) or load one first with 'corpus NAME'."));
        return 1;
    }
    return 0;
}

int train_corpus_load(TrainCorpus *tc, TzErr *e)
{
    if (!tc->load) return 0;
    int rc = corpus_load(tc->corpus, tc->path, tc->lang, tc->prepared, NULL, e);
    if (!rc) snprintf(tc->corpus->name, sizeof tc->corpus->name, "%s", tc->name);
    return rc;
}

void train_corpus_keep(TrainCorpus *tc, int rc)
{
    if (tc->load && (rc == 0 || tc->corpus->ntokens)) {
        if (g_app.corpus) { corpus_free(g_app.corpus); free(g_app.corpus); }
        g_app.corpus = tc->corpus;      /* the corpus trained on becomes the current one */
        tc->corpus = NULL;
    }
}

void train_corpus_free(TrainCorpus *tc)
{
    if (tc->corpus && tc->load) { corpus_free(tc->corpus); free(tc->corpus); }
    tc->corpus = NULL;
}

static int train_work(Job *job, void *arg, TzErr *e)
{
    TrainJob *T = arg;
    int rc0 = train_corpus_load(&T->tc, e);
    if (rc0) return rc0;
    double t0 = tz_now();   /* the vocabulary and tables count too, as in gensim's timing */
    int rc;
    if (T->fasttext) {
        /* the vocabulary, then each word's rows (its own and its n-grams'), then training */
        FtRows rows;
        if ((rc = ft_model_init(&T->ft, &T->cfg, T->tc.corpus, e))) return rc;
        if ((rc = ft_rows_for_ngrams(&T->ft.w2v.vocab, T->minn, T->maxn, T->bucket, &rows, e))) return rc;
        rc = ft_model_set_rows(&T->ft, &rows, e);
        ft_rows_free(&rows);
        if (rc) return rc;
        w2v_watch_attach(T->watch, &T->ft.w2v);
        rc = ft_train(&T->ft, T->tc.corpus, job, e);
        T->seconds = tz_now() - t0;
        return rc;
    }
    if ((rc = w2v_init(&T->m, &T->cfg, T->tc.corpus, e))) return rc;
    w2v_watch_attach(T->watch, &T->m);
    rc = w2v_train(&T->m, T->tc.corpus, job, e);
    T->seconds = tz_now() - t0;
    return rc;
}

static void train_done(int rc, const TzErr *e, void *arg)
{
    TrainJob *T = arg;
    train_corpus_keep(&T->tc, rc);
    if (rc) {
        say_tzerr(e);
    } else {
        Model *md = tz_calloc(1, sizeof *md);
        snprintf(md->name, sizeof md->name, "%s", T->name);
        snprintf(md->kind, sizeof md->kind, "%s", T->fasttext ? "fasttext" : "word2vec");
        snprintf(md->source, sizeof md->source, "corpus %s", T->tc.name);
        if (T->fasttext)
            snprintf(md->info, sizeof md->info, "%s dim=%d window=%d neg=%d epochs=%d minn=%d maxn=%d bucket=%d",
                     T->cfg.sg ? "skipgram" : "cbow", T->cfg.dim, T->cfg.window, T->cfg.neg, T->cfg.epochs, T->minn,
                     T->maxn, T->bucket);
        else
            snprintf(md->info, sizeof md->info, "%s dim=%d window=%d neg=%d hs=%d epochs=%d",
                     T->cfg.sg ? "skipgram" : "cbow", T->cfg.dim, T->cfg.window, T->cfg.neg,
                     T->cfg.hs, T->cfg.epochs);
        md->lang = T->tc.lang;
        const Word2Vec *tw = T->fasttext ? &T->ft.w2v : &T->m;
        double wps = tw->seconds > 0 ? (double)tw->words_trained / tw->seconds : 0;
        double last_loss = tw->last_loss;
        int finished = tw->finished;
        if (T->fasttext) {
            /* the vocabulary's vectors (means of rows), then the model itself as a FastText:
             * unseen words, subwords, and .bin files */
            ft_model_to_vectors(&T->ft, &md->vec);
            md->ft = tz_calloc(1, sizeof *md->ft);
            TzErr fe;
            if (ft_model_export(&T->ft, T->minn, T->maxn, T->bucket, (int64_t)g_app.corpus->ntokens, md->ft, &fe)) {
                free(md->ft);   /* hierarchical softmax only: the vectors stay, no subword model */
                md->ft = NULL;
                say_tzerr(&fe);
            }
        } else {
            w2v_to_vectors(&T->m, &md->vec);
        }
        char b1[32], b2[32], b3[32], b4[32];
        /* a word to try: a frequent one, but not a function word (4 letters or more, rank ≥ 50) */
        const char *tryw = vocab_word(&md->vec.words, 0);
        for (size_t i = md->vec.n > 50 ? 50 : 0; i < md->vec.n; i++) {
            const char *w = vocab_word(&md->vec.words, i);
            if (utf8_length(w, strlen(w)) >= 4) { tryw = w; break; }
        }
        if (finished)
            say(M("%s eğitildi: %s sözcük × %d boyut, %s sözcük/sn, son kayıp %s (%s sn). Deneyin: similar %s\n",
                  "%s trained: %s words × %d dims, %s words/s, final loss %s (%s s). Try: similar %s\n"),
                md->name, fmt_int((long long)md->vec.n, b1), T->cfg.dim, fmt_int((long long)wps, b2),
                fmt_real(last_loss, 4, b3), fmt_real(T->seconds, 1, b4), tryw);
        else
            say(M("eğitim durduruldu; o ana kadar eğitilen vektörler %s adıyla saklandı (%s sözcük/sn).\n",
                  "training stopped; the vectors trained so far are kept as %s (%s words/s).\n"),
                md->name, fmt_int((long long)wps, b2));
        model_install(md);
    }
    scene_scatter_detach(T->watch);
    g_training = NULL;
    w2v_watch_free(T->watch);
    w2v_free(&T->m);
    ft_model_free(&T->ft);
    train_corpus_free(&T->tc);
    free(T);
}

int cmd_train(Args *a)
{
    const char *what = a->argv[1];
    if (!strcmp(what, "fasttext-sup")) return cmd_train_sup(a);
    if (!strcmp(what, "bpe")) return cmd_train_bpe(a);
    if (!strcmp(what, "gpt")) return cmd_train_gpt(a);
    if (!strcmp(what, "bert")) return cmd_train_bert(a);
    if (!strcmp(what, "llama")) return cmd_train_llama(a);
    if (!strcmp(what, "lstm") || !strcmp(what, "gru") || !strcmp(what, "rnn")) return cmd_train_rnn(a);
    int fasttext = !strcmp(what, "fasttext");
    if (strcmp(what, "word2vec") != 0 && !fasttext) {
        say_error(M("'%s' eğitilemiyor; şimdilik: train word2vec | fasttext | fasttext-sup | lstm | gru | rnn | bpe | gpt | bert | llama",
                    "cannot train '%s'; for now: train word2vec | fasttext | fasttext-sup | lstm | gru | rnn | bpe | gpt | bert | llama"), what);
        return 1;
    }
    TzErr e;
    const char *mode = arg_str(a, "mode", "skipgram");
    int sg;
    if (!strcmp(mode, "skipgram") || !strcmp(mode, "sg")) sg = 1;
    else if (!strcmp(mode, "cbow")) sg = 0;
    else {
        say_error(M("mode=%s: 'cbow' ya da 'skipgram' olmalı.", "mode=%s: must be 'cbow' or 'skipgram'."), mode);
        return 1;
    }
    TrainJob *T = tz_calloc(1, sizeof *T);
    W2VConfig *c = &T->cfg;
    *c = w2v_defaults(sg);
    if (fasttext) {
        /* fastText's own defaults: learning rate 0.05 (both models), subsampling t = 1e-4;
         * measured on mini-tr, they make the n-gram rows learn morphology (kitap → kitaplar
         * first; an unseen kitaplarımızdan near other -lar/-ımız forms) */
        c->alpha = 0.05;
        c->sample = 1e-4;
    }
    long dim, window, neg, hs, min_count, epochs, threads, seed;
    double sample, alpha;
    if (arg_long(a, "dim", c->dim, 1, 2000, &dim, &e) || arg_long(a, "window", c->window, 1, 50, &window, &e) ||
        arg_long(a, "neg", c->neg, 0, 50, &neg, &e) || arg_long(a, "hs", 0, 0, 1, &hs, &e) ||
        arg_long(a, "min_count", c->min_count, 1, 1000000, &min_count, &e) ||
        arg_long(a, "epochs", c->epochs, 1, 1000, &epochs, &e) || arg_long(a, "threads", c->threads, 1, 64, &threads, &e) ||
        arg_long(a, "seed", 1, 0, 2147483647L, &seed, &e) || arg_double(a, "sample", c->sample, 0, 1, &sample, &e) ||
        arg_double(a, "alpha", c->alpha, 1e-6, 1, &alpha, &e)) {
        say_tzerr(&e);
        free(T);
        return 1;
    }
    c->dim = (int)dim; c->window = (int)window; c->neg = (int)neg; c->hs = (int)hs;
    c->min_count = (int)min_count; c->epochs = (int)epochs; c->threads = (int)threads;
    c->seed = (uint64_t)seed; c->sample = sample; c->alpha = alpha; c->min_alpha = alpha * 1e-4;
    if (fasttext) {
        long minn, maxn, bucket;
        if (arg_long(a, "minn", 3, 1, 20, &minn, &e) || arg_long(a, "maxn", 6, 1, 20, &maxn, &e) ||
            arg_long(a, "bucket", 2000000, 1, 100000000L, &bucket, &e)) {
            say_tzerr(&e);
            free(T);
            return 1;
        }
        if (maxn < minn) {
            say_error(M("maxn=%ld minn=%ld'den küçük olamaz.", "maxn=%ld cannot be smaller than minn=%ld."), maxn, minn);
            free(T);
            return 1;
        }
        if (c->neg == 0) {
            say_error("%s", M("FastText burada negatif örneklemeyle eğitilir (neg > 0).",
                              "FastText is trained here with negative sampling (neg > 0)."));
            free(T);
            return 1;
        }
        T->fasttext = 1;
        T->minn = (int)minn;
        T->maxn = (int)maxn;
        T->bucket = (int)bucket;
    }
    if (c->neg == 0 && !c->hs) {
        say_error("%s", M("neg=0 ve hs=0 birlikte olmaz: negatif örnekleme ya da hiyerarşik softmax seçin.",
                          "neg=0 with hs=0 leaves no output layer: choose negative sampling or hierarchical softmax."));
        free(T);
        return 1;
    }
    if (train_corpus(a, &T->tc)) {
        free(T);
        return 1;
    }
    const char *name = arg_str(a, "name", NULL);
    if (name) snprintf(T->name, sizeof T->name, "%s", name);
    else snprintf(T->name, sizeof T->name, "%s-%.55s", fasttext ? "ft" : "w2v", T->tc.name);
    T->t0 = tz_now();
    char what_s[160];
    snprintf(what_s, sizeof what_s, "word2vec %s %s", sg ? "skipgram" : "cbow", T->tc.name);
    /* a few frames a second is live enough for a class, and costs the trainer nothing */
    T->watch = w2v_watch_new(0.3);
    g_training = T;
    char curve[128];
    snprintf(curve, sizeof curve, "%.40s (%s, %.40s)", T->name, T->cfg.sg ? "skipgram" : "cbow", T->tc.name);
    app_job_curve(curve);
    return app_start_job(what_s, M("sözcük", "word"), train_work, T, train_done);
}

/* --- subwords (FastText) -------------------------------------------------------------------- */

/* `subwords WORD`: what a FastText model adds up for a word — its own row (if it is in the
 * vocabulary) and each character n-gram with its hash and bucket, and how close each part
 * is to the whole (which n-grams pull the vector where). */
int cmd_subwords(Args *a)
{
    Model *m = model_for(a);
    if (!m) return 1;
    if (!m->ft) {
        say_error(M("%s bir %s modeli: alt sözcükleri yok. 'train fasttext corpus=…' ya da bir fastText .bin yükleyin.",
                    "%s is a %s model: it has no subwords. Train one with 'train fasttext corpus=…' or load a fastText .bin."),
                  m->name, m->kind);
        return 1;
    }
    const char *w = a->argv[1];
    FtSubwordList l;
    ft_subwords(m->ft, w, &l);
    size_t C = m->vec.dim;
    float *whole = tz_malloc(2 * C * sizeof *whole), *part = whole + C;
    size_t used = ft_word_vector(m->ft, w, whole);
    double wn = 0;
    for (size_t i = 0; i < C; i++) wn += (double)whole[i] * whole[i];
    say(M("%s: %zu parça (minn=%d maxn=%d, bucket=%d); vektörü bunların ortalaması.\n",
          "%s: %zu parts (minn=%d maxn=%d, bucket=%d); its vector is their mean.\n"),
        w, l.n, m->ft->args.minn, m->ft->args.maxn, m->ft->args.bucket);
    say("  %-16s %12s %10s  %s\n", M("parça", "part"), "hash", M("satır", "row"), M("bütünle kosinüs", "cosine with the whole"));
    for (size_t i = 0; i < l.n; i++) {
        const FtSubword *s = &l.items[i];
        char rowb[32], cosb[32] = "-";
        if (s->row >= 0) {
            ft_input_row(m->ft, (size_t)s->row, part);
            double d = 0, pn = 0;
            for (size_t k = 0; k < C; k++) { d += (double)part[k] * whole[k]; pn += (double)part[k] * part[k]; }
            fmt_real(pn > 0 && wn > 0 ? d / sqrt(pn * wn) : 0, 3, cosb);
            if (s->is_word) snprintf(rowb, sizeof rowb, "%s %lld", M("sözcük", "word"), (long long)s->row);
            else snprintf(rowb, sizeof rowb, "%lld", (long long)(s->row - (int64_t)m->ft->nwords_file));
        } else snprintf(rowb, sizeof rowb, "%s", M("yok", "none"));
        say("  %s%*s %12u %10s  %s\n", s->text, pad(s->text, 16), "", s->hash, rowb, cosb);
    }
    if (used == 0)
        say("%s\n", M("(hiçbir parçanın satırı yok: vektörü sıfır)", "(no part has a row: its vector is zero)"));
    free(whole);
    ft_subwords_free(&l);
    return 0;
}

/* --- files ----------------------------------------------------------------------------- */

typedef struct {
    char path[4096], name[64];
    size_t limit;
    Vectors vec;
    FastText *ft;          /* a fastText .bin: the subword model too */
    LmModel *lm;           /* a tezgah language-model checkpoint */
    SeqModel *clf;         /* a tezgah classifier checkpoint */
} LoadVecJob;

/* Does the file start with fastText's magic number (int32 793712314, little-endian)? */
static int is_fasttext_bin(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    unsigned char b[4] = { 0 };
    size_t got = fread(b, 1, 4, f);
    fclose(f);
    return got == 4 && (uint32_t)(b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24) == 793712314u;
}

static int loadvec_work(Job *job, void *arg, TzErr *e)
{
    LoadVecJob *L = arg;
    if (seqclf_is_checkpoint(L->path)) {
        L->clf = seq_model_load(L->path, e);
        return L->clf ? 0 : TZ_E_FORMAT;
    }
    if (rnnlm_is_checkpoint(L->path)) {
        L->lm = lm_model_load(L->path, e);
        return L->lm ? 0 : TZ_E_FORMAT;
    }
    if (!is_fasttext_bin(L->path)) return w2v_load(&L->vec, L->path, L->limit, job, e);
    L->ft = tz_calloc(1, sizeof *L->ft);
    int rc = ft_bin_load(L->ft, L->path, L->limit, e);
    /* the vocabulary's vectors (each the mean of its subword rows) for the queries */
    if (!rc) rc = ft_to_vectors(L->ft, L->limit, &L->vec, job, e);
    return rc;
}

static void loadvec_done(int rc, const TzErr *e, void *arg)
{
    LoadVecJob *L = arg;
    if (rc) {
        if (rc == TZ_E_CANCELLED) say("%s\n", M("yükleme durduruldu.", "loading stopped."));
        else say_tzerr(e);
        vectors_free(&L->vec);
        if (L->ft) { ft_free(L->ft); free(L->ft); }
    } else if (L->clf) {
        Model *m = tz_calloc(1, sizeof *m);
        snprintf(m->name, sizeof m->name, "%s", L->name);
        snprintf(m->kind, sizeof m->kind, "%s", seq_model_kind(L->clf));
        snprintf(m->source, sizeof m->source, "%.250s", L->path);
        m->clf = L->clf;
        char d[160];
        seq_model_describe(m->clf, d, sizeof d);
        say(M("%s yüklendi: %s sınıflandırıcı, %s (model adı %s).\n", "%s loaded: %s classifier, %s (model name %s).\n"),
            L->path, m->kind, d, m->name);
        model_install(m);
    } else if (L->lm) {
        Model *m = tz_calloc(1, sizeof *m);
        snprintf(m->name, sizeof m->name, "%s", L->name);
        snprintf(m->kind, sizeof m->kind, "%s", lm_model_kind(L->lm));
        snprintf(m->source, sizeof m->source, "%.250s", L->path);
        snprintf(m->info, sizeof m->info, "char");
        m->lm = L->lm;
        char d[96];
        lm_model_describe(m->lm, d, sizeof d);
        say(M("%s yüklendi: %s dil modeli, %s (model adı %s).\n", "%s loaded: %s language model, %s (model name %s).\n"),
            L->path, m->kind, d, m->name);
        model_install(m);
    } else {
        Model *m = tz_calloc(1, sizeof *m);
        snprintf(m->name, sizeof m->name, "%s", L->name);
        snprintf(m->kind, sizeof m->kind, "%s",
                 !L->ft ? "vectors" : L->ft->args.model == FT_MODEL_SUP ? "fasttext-sup" : "fasttext");
        m->ft = L->ft;
        if (m->ft)
            snprintf(m->info, sizeof m->info, "%s dim=%d minn=%d maxn=%d bucket=%d",
                     m->ft->args.model == FT_MODEL_SG ? "skipgram" : m->ft->args.model == FT_MODEL_CBOW ? "cbow" : "supervised",
                     m->ft->args.dim, m->ft->args.minn, m->ft->args.maxn, m->ft->args.bucket);
        snprintf(m->source, sizeof m->source, "%.250s", L->path);
        m->vec = L->vec;
        vectors_normalize(&m->vec);
        /* the language of the words, from the first 64 KB of the word pool (the most frequent) */
        const Vocab *wv = &m->vec.words;
        m->lang = tz_guess_lang(wv->pool, wv->pool_len < 65536 ? wv->pool_len : 65536);
        char b[32];
        say(M("%s yüklendi: %s sözcük × %zu boyut (model adı %s).\n", "%s loaded: %s words × %zu dims (model name %s).\n"),
            L->path, fmt_int((long long)m->vec.n, b), m->vec.dim, m->name);
        model_install(m);
    }
    free(L);
}

int cmd_load(Args *a)
{
    TzErr e;
    long limit;
    if (arg_long(a, "limit", 0, 0, 2000000000L, &limit, &e)) { say_tzerr(&e); return 1; }
    if (a->argc == 3 || (a->argc == 4 && strcmp(a->argv[2], "as") != 0)) {
        say_error(M("kullanım: %s", "usage: %s"), "load FILE [as NAME] [limit=N]");
        return 1;
    }
    LoadVecJob *L = tz_calloc(1, sizeof *L);
    snprintf(L->path, sizeof L->path, "%s", a->argv[1]);
    L->limit = (size_t)limit;
    if (a->argc == 4) snprintf(L->name, sizeof L->name, "%s", a->argv[3]);
    else {
        const char *base = strrchr(a->argv[1], '/');
        base = base ? base + 1 : a->argv[1];
        snprintf(L->name, sizeof L->name, "%.63s", base);
        char *dot = strrchr(L->name, '.');
        if (dot && dot != L->name) *dot = '\0';
    }
    if (arg_str(a, "q8", NULL) && !llama_file_kind(L->path)) {
        say_error(M("q8= LLaMA ağırlıkları içindir (GGUF, llama2.c); %s bir LLaMA dosyası değil.",
                    "q8= is for LLaMA weights (GGUF, llama2.c); %s is not a LLaMA file."), L->path);
        free(L);
        return 1;
    }
    /* a BERT first: its safetensors would look like a damaged GPT's to gpt_file_kind */
    if (bert_file_kind(L->path)) {   /* a BERT: tezgah-bert, a Hugging Face folder (bertio.c) */
        int rc = bert_load_cmd(a, L->path, L->name, a->argc == 4);
        free(L);
        return rc;
    }
    if (tz_is_dir(L->path)) {   /* a Hugging Face folder that is not BERT's: its model.safetensors */
        char st[4200];
        size_t dl = strlen(L->path);
        while (dl > 1 && L->path[dl - 1] == '/') dl--;
        snprintf(st, sizeof st, "%.*s/model.safetensors", (int)(dl < 4000 ? dl : 4000), L->path);
        if (gpt_file_kind(st)) {   /* named after the folder unless `as NAME` (gpt_load_cmd) */
            int rc = gpt_load_cmd(a, st, a->argc == 4 ? L->name : "model", a->argc == 4);
            free(L);
            return rc;
        }
    }
    if (gpt_file_kind(L->path)) {   /* a GPT: tezgah's checkpoint, safetensors, llm.c (gpt.c) */
        int rc = gpt_load_cmd(a, L->path, L->name, a->argc == 4);
        free(L);
        return rc;
    }
    if (llama_file_kind(L->path)) {   /* a LLaMA: GGUF, llama2.c (llama.c) */
        int rc = llama_load_cmd(a, L->path, L->name);
        free(L);
        return rc;
    }
    if (arg_str(a, "tokenizer", NULL)) {
        say_error(M("tokenizer= GPT ağırlıkları içindir (safetensors, llm.c); %s bir GPT dosyası değil.",
                    "tokenizer= is for GPT weights (safetensors, llm.c); %s is not a GPT file."), L->path);
        free(L);
        return 1;
    }
    char what[160];
    snprintf(what, sizeof what, "load %.100s", L->name);
    return app_start_job(what, "B", loadvec_work, L, loadvec_done);
}

/* Saving runs as a job too: a 500k × 300 table takes half a minute as text. */
typedef struct {
    const Model *m;
    char path[4096], prefix[4096], fmt[16];
} SaveJob;

static int save_work(Job *job, void *arg, TzErr *e)
{
    (void)job;
    SaveJob *S = arg;
    if (!strcmp(S->fmt, "w2v-bin")) return w2v_save_bin(&S->m->vec, S->path, e);
    if (!strcmp(S->fmt, "w2v-txt")) return w2v_save_text(&S->m->vec, S->path, e);
    if (!strcmp(S->fmt, "fasttext-bin")) return ft_bin_save(S->m->ft, S->path, e);
    if (!strcmp(S->fmt, "fasttext-vec")) return ft_vec_save(S->m->ft, S->path, e);
    if (!strcmp(S->fmt, "tezgah-lm")) return lm_model_save(S->m->lm, S->path, e);
    if (!strcmp(S->fmt, "tezgah-clf")) return seq_model_save(S->m->clf, S->path, e);
    return projector_save(&S->m->vec, S->prefix, e);
}

static void save_done(int rc, const TzErr *e, void *arg)
{
    SaveJob *S = arg;
    char b[32];
    if (rc) say_tzerr(e);
    else if (!strcmp(S->fmt, "projector"))
        say(M("Embedding Projector için: %s.vectors.tsv ve %s.metadata.tsv (projector.tensorflow.org → Load)\n",
              "for the Embedding Projector: %s.vectors.tsv and %s.metadata.tsv (projector.tensorflow.org → Load)\n"),
            S->prefix, S->prefix);
    else if (S->m->lm || S->m->clf)
        say(M("%s kaydedildi: %s (%s)\n", "%s saved: %s (%s)\n"), S->m->name, S->path, S->fmt);
    else
        say(M("%s kaydedildi: %s (%s, %s sözcük)\n", "%s saved: %s (%s, %s words)\n"), S->m->name, S->path, S->fmt,
            fmt_int((long long)S->m->vec.n, b));
    free(S);
}

int cmd_save(Args *a)
{
    Model *m = model_find(a->argv[1]);
    if (!m) {
        say_error(M("'%s' diye bir model yok; 'models' yüklü modelleri listeler.",
                    "there is no model '%s'; 'models' lists the loaded ones."), a->argv[1]);
        return 1;
    }
    const char *path = a->argv[2];
    size_t n = strlen(path);
    const char *fmt = arg_str(a, "format", NULL);
    if (m->llama) return llama_save_cmd(m, path, fmt);   /* GGUF or llama2.c (llama_train.c) */
    if ((n > 5 && !strcmp(path + n - 5, ".gguf")) || (fmt && (!strcmp(fmt, "gguf") || !strcmp(fmt, "llama2c")))) {
        say_error(M("%s bir LLaMA değil (%s): GGUF ve llama2.c biçimleri yalnızca LLaMA modelleri içindir (train llama ya da load).",
                    "%s is not a LLaMA (%s): the GGUF and llama2.c formats are for LLaMA models only (train llama, or load)."),
                  m->name, m->kind);
        return 1;
    }
    if (m->gpt) return gpt_save_cmd(m, path, fmt);   /* tezgah-gpt or safetensors (gpt.c) */
    if (m->bert) return bert_save_cmd(m, path, fmt);   /* tezgah-bert or safetensors (bertio.c) */
    if (m->clf) {  /* so has a recurrent classifier */
        if (fmt && strcmp(fmt, "tezgah-clf") != 0) {
            say_error(M("%s bir dizi sınıflandırıcısı: yalnızca format=tezgah-clf ile kaydedilir.",
                        "%s is a sequence classifier: it is saved only as format=tezgah-clf."), m->name);
            return 1;
        }
        fmt = "tezgah-clf";
    }
    if (m->lm) {   /* a language model has one format: tezgah's checkpoint */
        if (fmt && strcmp(fmt, "tezgah-lm") != 0) {
            say_error(M("%s bir dil modeli: yalnızca format=tezgah-lm ile kaydedilir.",
                        "%s is a language model: it is saved only as format=tezgah-lm."), m->name);
            return 1;
        }
        fmt = "tezgah-lm";
    }
    int is_bin = n > 4 && !strcmp(path + n - 4, ".bin"), is_vec = n > 4 && !strcmp(path + n - 4, ".vec");
    if (!fmt)   /* from the extension: .bin binary (fastText's for a FastText model), .vec fastText
                 * text, .tsv projector, anything else word2vec text */
        fmt = is_bin ? (m->ft ? "fasttext-bin" : "w2v-bin") : is_vec && m->ft ? "fasttext-vec"
              : (n > 4 && !strcmp(path + n - 4, ".tsv")) ? "projector" : "w2v-txt";
    if (strcmp(fmt, "w2v-bin") && strcmp(fmt, "w2v-txt") && strcmp(fmt, "projector") && strcmp(fmt, "fasttext-bin") &&
        strcmp(fmt, "fasttext-vec") && strcmp(fmt, "tezgah-lm") && strcmp(fmt, "tezgah-clf")) {
        say_error(M("format=%s: w2v-bin, w2v-txt, projector, fasttext-bin, fasttext-vec, tezgah-lm ya da tezgah-clf olmalı.",
                    "format=%s: must be w2v-bin, w2v-txt, projector, fasttext-bin, fasttext-vec, tezgah-lm or tezgah-clf."), fmt);
        return 1;
    }
    if (!strcmp(fmt, "tezgah-clf") && !m->clf) {
        say_error(M("%s bir dizi sınıflandırıcısı değil; tezgah-clf biçimi 'train lstm|gru|rnn task=…' modelleri içindir.",
                    "%s is not a sequence classifier; format tezgah-clf is for 'train lstm|gru|rnn task=…' models."), m->name);
        return 1;
    }
    if (!strcmp(fmt, "tezgah-lm") && !m->lm) {
        say_error(M("%s bir dil modeli değil; tezgah-lm biçimi 'train lstm|gru|rnn' modelleri içindir.",
                    "%s is not a language model; format tezgah-lm is for 'train lstm|gru|rnn' models."), m->name);
        return 1;
    }
    if (!strncmp(fmt, "fasttext", 8) && !m->ft) {
        say_error(M("%s bir FastText modeli değil; fastText biçimleri için 'train fasttext' ya da bir .bin yükleyin.",
                    "%s is not a FastText model; for fastText's formats train one with 'train fasttext' or load a .bin."),
                  m->name);
        return 1;
    }
    SaveJob *S = tz_calloc(1, sizeof *S);
    S->m = m;
    snprintf(S->fmt, sizeof S->fmt, "%s", fmt);
    snprintf(S->path, sizeof S->path, "%s", path);
    snprintf(S->prefix, sizeof S->prefix, "%s", path);
    if (n > 4 && !strcmp(S->prefix + n - 4, ".tsv")) S->prefix[n - 4] = '\0';
    char what[160];
    snprintf(what, sizeof what, "save %.60s", m->name);
    return app_start_job(what, "", save_work, S, save_done);
}

/* --- evaluation ------------------------------------------------------------------------ */

/* `eval analogies tr` means datasets/eval/analogies-tr.txt; `eval analogies mini-tr` the
 * questions written for the mini corpus, datasets/mini/analogies_tr.txt. */
static void eval_path(const char *kind, const char *arg, char *out, size_t n)
{
    if (tz_exists(arg)) { snprintf(out, n, "%s", arg); return; }
    if (!strncmp(arg, "mini-", 5))
        snprintf(out, n, "%.3900s/datasets/mini/%s_%.100s.txt", g_app.root, kind, arg + 5);
    else
        snprintf(out, n, "%.3900s/datasets/eval/%s-%.100s.txt", g_app.root, kind, arg);
    if (!tz_exists(out)) snprintf(out, n, "%s", arg);
}

typedef struct {
    const Model *m;
    char path[4096];
    size_t limit;
    int mul;
    EvalReport rep;
} EvalJob;

static int eval_work(Job *job, void *arg, TzErr *e)
{
    EvalJob *J = arg;
    return eval_analogies(&J->m->vec, J->path, J->limit, J->mul, J->m->lang, &J->rep, job, e);
}

static void eval_done(int rc, const TzErr *e, void *arg)
{
    EvalJob *J = arg;
    if (rc) say_tzerr(e);
    else {
        char b1[32], b2[32], b3[32], b4[32];
        const char *h = M("bölüm", "section");
        say("%s%s%*s %9s %9s %9s %9s%s\n", col_bold(), h, pad(h, 28), "", M("soru", "questions"),
            M("kapsanan", "covered"), M("doğru", "correct"), M("başarı", "accuracy"), col_off());
        for (size_t i = 0; i < J->rep.nsections; i++) {
            EvalSection *s = &J->rep.sections[i];
            say("%s%*s %9zu %9zu %9zu %8s%%\n", s->name, pad(s->name, 28), "", s->questions, s->answered, s->correct,
                s->answered ? fmt_real(100.0 * (double)s->correct / (double)s->answered, 1, b1) : "-");
        }
        say(M("toplam: %zu soru, kapsanan %zu (%%%s), doğruluk %%%s (%zu/%zu) — model %s, ilk %s sözcük\n",
              "total: %zu questions, %zu covered (%s%%), accuracy %s%% (%zu/%zu) — model %s, top %s words\n"),
            J->rep.questions, J->rep.answered,
            fmt_real(J->rep.questions ? 100.0 * (double)J->rep.answered / (double)J->rep.questions : 0, 1, b2),
            fmt_real(J->rep.answered ? 100.0 * (double)J->rep.correct / (double)J->rep.answered : 0, 1, b3),
            J->rep.correct, J->rep.answered, J->m->name, fmt_int((long long)J->limit, b4));
    }
    eval_report_free(&J->rep);
    free(J);
}

int cmd_eval(Args *a)
{
    const char *kind = a->argv[1];
    Model *m = model_for(a);
    if (!m) return 1;
    TzErr e;
    if (!strcmp(kind, "analogies")) {
        long limit;
        if (arg_long(a, "limit", 30000, 1, 2000000000L, &limit, &e)) { say_tzerr(&e); return 1; }
        const char *method = arg_str(a, "method", "add");
        if (strcmp(method, "add") && strcmp(method, "mul")) {
            say_error(M("method=%s: 'add' ya da 'mul' olmalı.", "method=%s: must be 'add' or 'mul'."), method);
            return 1;
        }
        EvalJob *J = tz_calloc(1, sizeof *J);
        J->m = m;
        J->limit = (size_t)limit;
        J->mul = !strcmp(method, "mul");
        eval_path("analogies", a->argv[2], J->path, sizeof J->path);
        return app_start_job("eval analogies", M("soru", "question"), eval_work, J, eval_done);
    }
    if (!strcmp(kind, "pairs")) {
        char path[4096];
        eval_path("similarity", a->argv[2], path, sizeof path);
        PairsReport r;
        if (eval_pairs(&m->vec, path, m->lang, &r, &e)) { say_tzerr(&e); return 1; }
        char b1[32], b2[32];
        say(M("Spearman ρ = %s  (%zu çift, kapsanan %zu, %%%s) — model %s\n",
              "Spearman's rho = %s  (%zu pairs, %zu covered, %s%%) — model %s\n"),
            isnan(r.spearman) ? "-" : fmt_real(r.spearman, 4, b1), r.pairs, r.used,
            fmt_real(r.pairs ? 100.0 * (double)r.used / (double)r.pairs : 0, 1, b2), m->name);
        return 0;
    }
    say_error(M("'eval %s' yok; 'eval analogies DOSYA' ya da 'eval pairs DOSYA'.",
                "there is no 'eval %s'; use 'eval analogies FILE' or 'eval pairs FILE'."), kind);
    return 1;
}
