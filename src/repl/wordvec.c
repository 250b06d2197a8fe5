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
#include "formats/w2v.h"
#include "models/eval.h"
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
    free(m);
}

void models_free_all(void)
{
    for (int i = 0; i < g_app.nmodels; i++) model_free(g_app.models[i]);
    g_app.nmodels = 0;
    g_app.current_model = -1;
}

/* Install m under its name (replacing a model of the same name) and make it current. */
static void model_install(Model *m)
{
    for (int i = 0; i < g_app.nmodels; i++)
        if (strcmp(g_app.models[i]->name, m->name) == 0) {
            model_free(g_app.models[i]);
            g_app.models[i] = m;
            g_app.current_model = i;
            return;
        }
    if (g_app.nmodels == MAX_MODELS) {          /* full: the oldest one goes */
        model_free(g_app.models[0]);
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
    int64_t id = word_id(m, a->argv[1], 1);
    if (id < 0) return 1;
    model_print_similar(m, (size_t)id, (size_t)k);
    return 0;
}

int cmd_similarity(Args *a)
{
    Model *m = model_for(a);
    if (!m) return 1;
    int64_t x = word_id(m, a->argv[1], 1), y = word_id(m, a->argv[2], 1);
    if (x < 0 || y < 0) return 1;
    char b[32];
    say(M("kosinüs(%s, %s) = %s\n", "cosine(%s, %s) = %s\n"), W(m, (size_t)x), W(m, (size_t)y),
        fmt_real(vectors_cosine(&m->vec, (size_t)x, (size_t)y), 4, b));
    return 0;
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
    int64_t ia = word_id(m, a->argv[1], 1), ib = word_id(m, a->argv[2], 1), ic = word_id(m, a->argv[3], 1);
    if (ia < 0 || ib < 0 || ic < 0) return 1;
    Neighbor *nb = tz_malloc((size_t)k * sizeof *nb);
    size_t n = vectors_analogy(&m->vec, (size_t)ia, (size_t)ib, (size_t)ic, mul, (size_t)k, 0, nb);
    const char *A = W(m, (size_t)ia), *B = W(m, (size_t)ib), *Cw = W(m, (size_t)ic);
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
            W(m, x), W(m, x), A, fmt_real(vectors_cosine(&m->vec, x, (size_t)ia), 4, b1), W(m, x), B,
            fmt_real(vectors_cosine(&m->vec, x, (size_t)ib), 4, b2), W(m, x), Cw,
            fmt_real(vectors_cosine(&m->vec, x, (size_t)ic), 4, b3));
    }
    free(nb);
    return 0;
}

int cmd_odd(Args *a)
{
    Model *m = model_for(a);
    if (!m) return 1;
    int n = a->argc - 1;
    size_t *ids = tz_malloc((size_t)n * sizeof *ids);
    for (int i = 0; i < n; i++) {
        int64_t id = word_id(m, a->argv[i + 1], 1);
        if (id < 0) { free(ids); return 1; }
        ids[i] = (size_t)id;
    }
    float score;
    size_t odd = vectors_odd(&m->vec, ids, (size_t)n, &score);
    char b[32];
    say(M("uymayan: %s (grubun ortalamasına kosinüsü %s; en düşük olan)\n",
          "the odd one out: %s (cosine to the mean of the group %s, the lowest)\n"),
        W(m, ids[odd]), fmt_real(score, 4, b));
    free(ids);
    return 0;
}

int cmd_vector(Args *a)
{
    Model *m = model_for(a);
    if (!m) return 1;
    int64_t id = word_id(m, a->argv[1], 1);
    if (id < 0) return 1;
    const float *v = vectors_row(&m->vec, (size_t)id);
    double norm = 0;
    for (size_t i = 0; i < m->vec.dim; i++) norm += (double)v[i] * v[i];
    char b[32];
    say(M("%s: %zu boyut, uzunluk %s\n", "%s: %zu dimensions, length %s\n"), W(m, (size_t)id), m->vec.dim,
        fmt_real(sqrt(norm), 4, b));
    for (size_t i = 0; i < m->vec.dim; i++) say("%s%.6g", i % 10 ? " " : (i ? "\n  " : "  "), v[i]);
    say("\n");
    return 0;
}

int cmd_arith(Args *a)
{
    long k;
    Model *m = model_for(a);
    if (!m || opt_k(a, &k)) return 1;
    /* the expression may come quoted or as several words */
    size_t len = 0;
    for (int i = 1; i < a->argc; i++) len += strlen(a->argv[i]) + 1;
    char *expr = tz_calloc(len + 1, 1);
    for (int i = 1; i < a->argc; i++) { if (i > 1) strcat(expr, " "); strcat(expr, a->argv[i]); }
    /* lower-case it for the model's language, as words are looked up lower-case */
    char *low = tz_malloc(2 * strlen(expr) + 1);
    tz_lower(expr, strlen(expr), m->lang, low);
    float *q = tz_malloc(m->vec.dim * sizeof *q);
    size_t used[64], nused = 0;
    TzErr e;
    int rc = vectors_arith(&m->vec, low, q, used, &nused, 64, &e);
    if (rc) rc = vectors_arith(&m->vec, expr, q, used, &nused, 64, &e);   /* as typed */
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
    char b[32];
    for (int i = 0; i < g_app.nmodels; i++) {
        Model *m = g_app.models[i];
        say("%s %s%*s %-9s %8s × %-4zu %s  %s\n", i == g_app.current_model ? "*" : " ", m->name, pad(m->name, 16), "",
            m->kind, fmt_int((long long)m->vec.n, b), m->vec.dim, m->source, m->info);
    }
    return 0;
}

/* --- training -------------------------------------------------------------------------- */

typedef struct {
    W2VConfig cfg;
    char name[64], corpus_name[64], corpus_path[4096];
    TzLang lang;
    int prepared, load_corpus;
    Corpus *corpus;        /* the corpus trained on (loaded by the job if load_corpus) */
    Word2Vec m;
    double t0, seconds;    /* seconds: building the vocabulary and training */
    W2VWatch *watch;       /* for `plot … live` while this job trains */
} TrainJob;

static TrainJob *g_training;   /* the Word2Vec job running now, or NULL */

W2VWatch *wordvec_live(TzLang *lang)
{
    if (!g_training) return NULL;
    if (lang) *lang = g_training->lang;
    return g_training->watch;
}

static int train_work(Job *job, void *arg, TzErr *e)
{
    TrainJob *T = arg;
    if (T->load_corpus) {
        int rc = corpus_load(T->corpus, T->corpus_path, T->lang, T->prepared, NULL, e);
        if (rc) return rc;
        snprintf(T->corpus->name, sizeof T->corpus->name, "%s", T->corpus_name);
    }
    double t0 = tz_now();   /* the vocabulary and tables count too, as in gensim's timing */
    int rc = w2v_init(&T->m, &T->cfg, T->corpus, e);
    if (rc) return rc;
    w2v_watch_attach(T->watch, &T->m);
    rc = w2v_train(&T->m, T->corpus, job, e);
    T->seconds = tz_now() - t0;
    return rc;
}

static void train_done(int rc, const TzErr *e, void *arg)
{
    TrainJob *T = arg;
    if (T->load_corpus) {
        if (rc == 0 || T->corpus->ntokens) {
            if (g_app.corpus) { corpus_free(g_app.corpus); free(g_app.corpus); }
            g_app.corpus = T->corpus;      /* the corpus trained on becomes the current one */
            T->corpus = NULL;
        }
    }
    if (rc) {
        say_tzerr(e);
    } else {
        Model *md = tz_calloc(1, sizeof *md);
        snprintf(md->name, sizeof md->name, "%s", T->name);
        snprintf(md->kind, sizeof md->kind, "word2vec");
        snprintf(md->source, sizeof md->source, "corpus %s", T->corpus_name);
        snprintf(md->info, sizeof md->info, "%s dim=%d window=%d neg=%d hs=%d epochs=%d",
                 T->cfg.sg ? "skipgram" : "cbow", T->cfg.dim, T->cfg.window, T->cfg.neg,
                 T->cfg.hs, T->cfg.epochs);
        md->lang = T->lang;
        w2v_to_vectors(&T->m, &md->vec);
        char b1[32], b2[32], b3[32], b4[32];
        double wps = T->m.seconds > 0 ? (double)T->m.words_trained / T->m.seconds : 0;
        /* a word to try: a frequent one, but not a function word (4 letters or more, rank ≥ 50) */
        const char *tryw = vocab_word(&md->vec.words, 0);
        for (size_t i = md->vec.n > 50 ? 50 : 0; i < md->vec.n; i++) {
            const char *w = vocab_word(&md->vec.words, i);
            if (utf8_length(w, strlen(w)) >= 4) { tryw = w; break; }
        }
        if (T->m.finished)
            say(M("%s eğitildi: %s sözcük × %d boyut, %s sözcük/sn, son kayıp %s (%s sn). Deneyin: similar %s\n",
                  "%s trained: %s words × %d dims, %s words/s, final loss %s (%s s). Try: similar %s\n"),
                md->name, fmt_int((long long)md->vec.n, b1), T->cfg.dim, fmt_int((long long)wps, b2),
                fmt_real(T->m.last_loss, 4, b3), fmt_real(T->seconds, 1, b4), tryw);
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
    if (T->corpus && T->load_corpus) { corpus_free(T->corpus); free(T->corpus); }
    free(T);
}

int cmd_train(Args *a)
{
    const char *what = a->argv[1];
    if (strcmp(what, "word2vec") != 0) {
        say_error(M("'%s' eğitilemiyor; şimdilik: train word2vec", "cannot train '%s'; for now: train word2vec"), what);
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
    if (c->neg == 0 && !c->hs) {
        say_error("%s", M("neg=0 ve hs=0 birlikte olmaz: negatif örnekleme ya da hiyerarşik softmax seçin.",
                          "neg=0 with hs=0 leaves no output layer: choose negative sampling or hierarchical softmax."));
        free(T);
        return 1;
    }
    const char *corpus = arg_str(a, "corpus", NULL);
    if (corpus && !(g_app.corpus && !strcmp(g_app.corpus->name, corpus))) {
        if (corpus_resolve(corpus, arg_str(a, "lang", NULL), T->corpus_path, T->corpus_name, &T->lang, &T->prepared)) {
            free(T);
            return 1;
        }
        T->load_corpus = 1;
        T->corpus = tz_calloc(1, sizeof *T->corpus);
    } else if (g_app.corpus) {
        T->corpus = g_app.corpus;
        T->lang = g_app.corpus->lang;
        snprintf(T->corpus_name, sizeof T->corpus_name, "%s", g_app.corpus->name);
    } else {
        say_error("%s", M("hangi derlem? corpus=AD verin (örnek: train word2vec corpus=mini-tr) ya da önce 'corpus AD'.",
                          "which corpus? give corpus=NAME (for example: train word2vec corpus=mini-en) or load one first with 'corpus NAME'."));
        free(T);
        return 1;
    }
    const char *name = arg_str(a, "name", NULL);
    if (name) snprintf(T->name, sizeof T->name, "%s", name);
    else snprintf(T->name, sizeof T->name, "w2v-%.55s", T->corpus_name);
    T->t0 = tz_now();
    char what_s[160];
    snprintf(what_s, sizeof what_s, "word2vec %s %s", sg ? "skipgram" : "cbow", T->corpus_name);
    /* a few frames a second is live enough for a class, and costs the trainer nothing */
    T->watch = w2v_watch_new(0.3);
    g_training = T;
    char curve[128];
    snprintf(curve, sizeof curve, "%.40s (%s, %.40s)", T->name, T->cfg.sg ? "skipgram" : "cbow", T->corpus_name);
    app_job_curve(curve);
    return app_start_job(what_s, M("sözcük", "word"), train_work, T, train_done);
}

/* --- files ----------------------------------------------------------------------------- */

typedef struct {
    char path[4096], name[64];
    size_t limit;
    Vectors vec;
} LoadVecJob;

static int loadvec_work(Job *job, void *arg, TzErr *e)
{
    LoadVecJob *L = arg;
    return w2v_load(&L->vec, L->path, L->limit, job, e);
}

static void loadvec_done(int rc, const TzErr *e, void *arg)
{
    LoadVecJob *L = arg;
    if (rc) {
        if (rc == TZ_E_CANCELLED) say("%s\n", M("yükleme durduruldu.", "loading stopped."));
        else say_tzerr(e);
        vectors_free(&L->vec);
    } else {
        Model *m = tz_calloc(1, sizeof *m);
        snprintf(m->name, sizeof m->name, "%s", L->name);
        snprintf(m->kind, sizeof m->kind, "vectors");
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
    if (!fmt)   /* from the extension: .bin binary, .tsv projector, anything else text */
        fmt = (n > 4 && !strcmp(path + n - 4, ".bin")) ? "w2v-bin" : (n > 4 && !strcmp(path + n - 4, ".tsv")) ? "projector" : "w2v-txt";
    if (strcmp(fmt, "w2v-bin") && strcmp(fmt, "w2v-txt") && strcmp(fmt, "projector")) {
        say_error(M("format=%s: w2v-bin, w2v-txt ya da projector olmalı.", "format=%s: must be w2v-bin, w2v-txt or projector."), fmt);
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
