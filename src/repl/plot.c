/* plot.c — pictures of models, and the commands of the window.
 *
 * `plot pca|tsne [words W1 W2 … | top=N | similar=WORD k=K] [live]` draws words of a model
 * on a plane: PCA (fast, global directions, axes with their explained variance) or t-SNE (a
 * job; the map animates while it iterates; neighbourhoods kept, distances between clusters
 * not meaningful; the final KL printed). With `live`, the words are taken from the Word2Vec
 * model training right now and re-projected a few times a second, so the class sees the
 * clusters form.
 *
 * `plot analogy A B C` shows the analogy as geometry: A, B, C, the answer D and a few
 * neighbours of each, projected on the PCA plane fitted to them, with the arrows B→A and
 * C→D; when the analogy holds the two arrows are (nearly) parallel and of equal length.
 *
 * `plot similarity W1 W2 …` is the cosine similarity of every pair as a heatmap (the
 * diverging colour map: red alike, blue opposite, white unrelated), `plot loss` the loss
 * curve.
 *
 * `plot subwords WORD` shows what each part of a FastText word vector contributes: one bar
 * per subword row, c = (x · v̂) / n (models/ft_explain.h: the bars add up to |v|), with the
 * words each part's row lies nearest to. Every view goes to the window, or to a PNG when
 * there is none (scene.c).
 */
#include "app.h"
#include "i18n.h"
#include "out.h"
#include "scene.h"

#include <math.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "models/ft_explain.h"
#include "reduce/pca.h"
#include "reduce/tsne.h"

/* "PC1 (explained variance: 53.4%)" and the same for PC2 (each 128 bytes); the two
 * percentages alone go to b1 and b2 (32 bytes each) for the messages. */
static void pca_axis_labels(const Pca *p, char *xl, char *yl, char *b1, char *b2)
{
    snprintf(xl, 128, M("PC1 (açıklanan varyans: %%%s)", "PC1 (explained variance: %s%%)"), fmt_real(100 * p->ratio[0], 1, b1));
    snprintf(yl, 128, M("PC2 (açıklanan varyans: %%%s)", "PC2 (explained variance: %s%%)"), fmt_real(100 * p->ratio[1], 1, b2));
}

/* A perplexity as a person writes it: 30, 19,67 (Turkish) / 19.67. */
static const char *perp_str(double p, char buf[32])
{
    return fmt_real(p, p == (double)(long)p ? 0 : 2, buf);
}

typedef struct {
    char model[64];
    const Model *m;
    size_t *ids, n;
    float *X;              /* n×D unit rows */
    double *Y;             /* n×2 */
    TsneConfig cfg;
    double kl;
    int focus;             /* index of the similar= word (drawn in red), or -1 */
    const char *out;       /* out= or NULL */
    char outbuf[4096], title[256];
    Snapshot *snap;        /* the map while t-SNE iterates */
    int stopped;           /* the job was cancelled (stop, Ctrl-C) */
} PlotJob;

static void plot_job_free(PlotJob *J)
{
    snapshot_free(J->snap);
    free(J->ids);
    free(J->X);
    free(J->Y);
    free(J);
}

/* Put the points of J into the scatter view (labels from the model, roles). */
static void scatter_from(PlotJob *J, const char *xl, const char *yl)
{
    ScatterPoint *pts = tz_calloc(J->n, sizeof *pts);
    for (size_t i = 0; i < J->n; i++) {
        pts[i].label = vocab_word(&J->m->vec.words, J->ids[i]);
        pts[i].x = (float)J->Y[2 * i];
        pts[i].y = (float)J->Y[2 * i + 1];
        pts[i].role = (int)i == J->focus ? 2 : J->n <= 30 ? 1 : 0;
    }
    scene_scatter_set(J->title, xl, yl, pts, J->n, NULL, 0, J->model, J->ids);
    free(pts);
}

static int tsne_work(Job *job, void *arg, TzErr *e)
{
    PlotJob *J = arg;
    int rc = tsne_run(J->X, J->n, J->m->vec.dim, &J->cfg, J->Y, &J->kl, job, J->snap, e);
    J->stopped = job_cancelled(job);
    return rc;
}

static void tsne_done(int rc, const TzErr *e, void *arg)
{
    PlotJob *J = arg;
    /* how far it got: the step of the last map it published (stopped early, or not) */
    float *tmp = NULL;
    size_t cap = 0, rows, cols;
    uint64_t seen = 0;
    int64_t last = -1;
    snapshot_take(J->snap, &seen, &tmp, &cap, &rows, &cols, &last);
    free(tmp);
    int mine = scene_scatter_detach(J->snap);
    if (last < 0) last = 0;
    if (!rc && J->stopped)
        say(M("t-SNE %lld. adımda durduruldu (%d adımdan); harita orada donduruldu.\n",
              "t-SNE was stopped at iteration %lld (of %d); the map is frozen there.\n"), (long long)last, J->cfg.iterations);
    if (rc) say_tzerr(e);
    else {
        char b[32], st[160];
        snprintf(st, sizeof st, "KL = %s", fmt_real(J->kl, 4, b));
        if (mine) scene_scatter_move(J->Y, J->n, st);
        const char *how = tsne_method_for(&J->cfg, J->n) == TSNE_EXACT ? M("kesin", "exact") : "Barnes-Hut";
        char pb[32];
        say(M("t-SNE: %zu sözcük, son KL ıraksaması %s (perplexity %s, %s).\n",
              "t-SNE: %zu words, final KL divergence %s (perplexity %s, %s).\n"), J->n, b,
            perp_str(J->cfg.perplexity, pb), how);
        if (mine) scene_show(VIEW_SCATTER, J->out);
        else say("%s\n", M("(harita bu arada başka bir çizimle değiştirildi; t-SNE haritası gösterilmiyor.)",
                           "(another plot replaced the map meanwhile; the t-SNE map is not shown.)"));
    }
    plot_job_free(J);
}

/* The words of a plot, from words W1 W2 … (unknown ones skipped and named), similar=WORD
 * k=K, or top=N. Fills J->ids, J->n, J->focus, J->title; returns 0 or 1 (reported). */
static int choose_words(Args *a, PlotJob *J, const char *method, int first, long top, long k)
{
    const Model *m = J->m;
    const char *sim = arg_str(a, "similar", NULL);
    if (first < a->argc) {
        J->ids = tz_malloc((size_t)(a->argc - first) * sizeof *J->ids);
        char skipped[1024] = "";
        int nskip = 0;
        for (int i = first; i < a->argc; i++) {
            int64_t id = model_word_lookup(m, a->argv[i]);
            if (id < 0) {
                size_t len = strlen(skipped);
                snprintf(skipped + len, sizeof skipped - len, "%s%s", nskip++ ? ", " : "", a->argv[i]);
                continue;
            }
            int dup = 0;
            for (size_t j = 0; j < J->n; j++) dup |= J->ids[j] == (size_t)id;
            if (!dup) J->ids[J->n++] = (size_t)id;
        }
        if (nskip)
            say(M("%s modelinin sözlüğünde olmayan %d sözcük atlandı: %s\n",
                  "model %s: skipped %d words that are not in its vocabulary: %s\n"), m->name, nskip, skipped);
        snprintf(J->title, sizeof J->title, "%s: %zu %s", method, J->n, M("sözcük", "words"));
    } else if (sim) {
        int64_t id = model_word_id(m, sim);
        if (id < 0) return 1;
        J->ids = tz_malloc((size_t)(k + 1) * sizeof *J->ids);
        Neighbor *nb = tz_malloc((size_t)k * sizeof *nb);
        size_t ex = (size_t)id;
        size_t got = vectors_nearest(&m->vec, vectors_row(&m->vec, ex), &ex, 1, (size_t)k, 0, nb);
        J->ids[J->n++] = ex;
        J->focus = 0;
        for (size_t i = 0; i < got; i++) J->ids[J->n++] = nb[i].id;
        free(nb);
        snprintf(J->title, sizeof J->title, M("%s: %s ve en yakın %zu komşusu", "%s: %s and its %zu nearest neighbours"),
                 method, vocab_word(&m->vec.words, ex), got);
    } else {
        if ((size_t)top > m->vec.n)
            say(M("top=%ld: %s modelinde yalnızca %zu sözcük var; hepsi çiziliyor.\n",
                  "top=%ld: model %s has only %zu words; plotting all of them.\n"), top, m->name, m->vec.n);
        J->n = (size_t)top < m->vec.n ? (size_t)top : m->vec.n;
        J->ids = tz_malloc((J->n ? J->n : 1) * sizeof *J->ids);
        for (size_t i = 0; i < J->n; i++) J->ids[i] = i;
        snprintf(J->title, sizeof J->title, M("%s: en sık %zu sözcük", "%s: the %zu most frequent words"), method, J->n);
    }
    if (J->n < 3) {
        say_error("%s", M("çizmek için sözlükte olan en az 3 sözcük gerekli.",
                          "a plot needs at least 3 words that are in the vocabulary."));
        return 1;
    }
    return 0;
}

/* The most words a live plot follows: a frame must take well under the 0.3 s between two
 * snapshots (measured: exact t-SNE, 60 iterations continued, ~0.1 s at 300 words; PCA of
 * 2,000 × 100 a few milliseconds). */
#define LIVE_TSNE_MAX 300
#define LIVE_PCA_MAX 2000

/* `plot pca|tsne … live`: watch words of the model being trained. */
static int plot_live(Args *a, int tsne, long top)
{
    TzLang lang;
    W2VWatch *w = wordvec_live(&lang);
    if (!w) {
        say_error("%s", M("'live' eğitilen bir Word2Vec modelini izler, ama çalışan bir eğitim yok. Önce: "
                          "train word2vec corpus=tr ; sonra: plot pca words … live",
                          "'live' follows a Word2Vec model while it trains, but no training is running. First: "
                          "train word2vec corpus=en ; then: plot pca words … live"));
        return 1;
    }
    /* `train …; plot … live` on one line: the job has only just started and is still
     * counting words. Wait for its vocabulary (seconds at most; Ctrl-C gives up). */
    const Vocab *v = w2v_watch_vocab(w);
    for (double t0 = tz_now(); !v && !g_sigint && tz_now() - t0 < 120; v = w2v_watch_vocab(w)) {
        JobProgress p;
        if (!job_progress(g_app.job, &p)) break;          /* it ended (or failed) before that */
        struct timespec ts = { 0, 15 * 1000 * 1000 };
        nanosleep(&ts, NULL);
        scene_frame();   /* the window stays responsive meanwhile */
    }
    if (!v) {
        say_error("%s", M("eğitimin sözlüğü hazır değil (iş bitti ya da durduruldu); eğitimi yeniden başlatın.",
                          "the training's vocabulary is not ready (the job ended or was stopped); start the training again."));
        return 1;
    }
    if (arg_str(a, "similar", NULL)) {
        say_error("%s", M("'live' ile similar= kullanılamaz: komşular eğitim sürdükçe değişir. words … ya da top=N seçin.",
                          "similar= cannot be used with 'live': the neighbours change as training goes. Choose words … or top=N."));
        return 1;
    }
    int last = a->argc;
    if (!strcmp(a->argv[last - 1], "live")) last--;
    size_t cap = last > 3 ? (size_t)(last - 3) : (size_t)top, n = 0;
    size_t *ids = tz_malloc((cap ? cap : 1) * sizeof *ids);
    if (last > 3) {
        char skipped[1024] = "";
        int nskip = 0;
        for (int i = 3; i < last; i++) {
            const char *word = a->argv[i];
            int64_t id = vocab_find_folded(v, word, lang);
            int dup = 0;
            for (size_t j = 0; j < n && id >= 0; j++) dup |= ids[j] == (size_t)id;
            if (dup) continue;
            if (id < 0) {
                size_t len = strlen(skipped);
                snprintf(skipped + len, sizeof skipped - len, "%s%s", nskip++ ? ", " : "", word);
            } else ids[n++] = (size_t)id;
        }
        if (nskip)
            say(M("eğitimin sözlüğünde olmayan %d sözcük atlandı: %s\n",
                  "skipped %d words that are not in the training's vocabulary: %s\n"), nskip, skipped);
    } else {
        n = (size_t)top < v->size ? (size_t)top : v->size;
        for (size_t i = 0; i < n; i++) ids[i] = i;
    }
    if (n < 3) {
        free(ids);
        say_error("%s", M("çizmek için sözlükte olan en az 3 sözcük gerekli.",
                          "a plot needs at least 3 words that are in the vocabulary."));
        return 1;
    }
    /* each frame is projected on the main thread a few times a second: keep it light */
    size_t most = tsne ? LIVE_TSNE_MAX : LIVE_PCA_MAX;
    if (n > most) {
        free(ids);
        say_error(M("canlı %s en çok %zu sözcük izler (%zu istendi): her kare saniyede birkaç kez yeniden hesaplanır.",
                    "live %s follows at most %zu words (%zu were asked for): each frame is recomputed a few times a second."),
                  tsne ? "t-SNE" : "PCA", most, n);
        return 1;
    }
    ScatterPoint *pts = tz_calloc(n, sizeof *pts);
    for (size_t i = 0; i < n; i++) {
        pts[i].label = vocab_word(v, ids[i]);
        pts[i].role = n <= 30 ? 1 : 0;
    }
    char title[256];
    snprintf(title, sizeof title, M("%s, canlı: %zu sözcük eğitim sırasında", "%s, live: %zu words while training"),
             tsne ? "t-SNE" : "PCA", n);
    scene_scatter_set(title, tsne ? "t-SNE 1" : "PC1", tsne ? "t-SNE 2" : "PC2", pts, n, NULL, 0, NULL, NULL);
    free(pts);
    scene_scatter_watch(w, tsne, arg_str(a, "out", NULL));
    w2v_watch_set(w, ids, n);
    free(ids);
    say(M("%zu sözcük eğitim boyunca izleniyor; resim saniyede birkaç kez yenilenir.\n",
          "following %zu words while the model trains; the picture is redrawn a few times a second.\n"), n);
    return scene_show_live();
}

/* plot pca|tsne: which words, then the projection. */
static int plot_words(Args *a, int tsne)
{
    TzErr e;
    long top, k, iters;
    double perp;
    if (arg_long(a, "top", 100, 3, 100000, &top, &e) || arg_long(a, "k", 20, 2, 500, &k, &e) ||
        arg_long(a, "iterations", 1000, 50, 10000, &iters, &e) || arg_double(a, "perplexity", 0, 0, 1000, &perp, &e)) {
        say_tzerr(&e);
        return 1;
    }
    int live = !strcmp(a->argv[a->argc - 1], "live");
    if (live) return plot_live(a, tsne, top);
    if (tsne && g_app.job) {
        say_error("%s", M("t-SNE bir iştir ve şu anda başka bir iş çalışıyor; bitmesini bekleyin ya da 'stop' yazın. "
                          "Eğitimi canlı izlemek için: plot tsne words … live",
                          "t-SNE is a job and another job is running; wait for it or type 'stop'. "
                          "To follow a training live: plot tsne words … live"));
        return 1;
    }
    Model *m = model_for(a);
    if (!m) return 1;
    if (a->argc > 2 && (strcmp(a->argv[2], "words") != 0 || a->argc < 6)) {
        say_error(M("kullanım: plot %s words S1 S2 S3 … (en az 3 sözcük) | top=N | similar=SÖZCÜK k=K",
                    "usage: plot %s words W1 W2 W3 … (at least 3 words) | top=N | similar=WORD k=K"), a->argv[1]);
        return 1;
    }
    PlotJob *J = tz_calloc(1, sizeof *J);
    J->m = m;
    snprintf(J->model, sizeof J->model, "%s", m->name);
    J->focus = -1;
    const char *out = arg_str(a, "out", NULL);
    if (out) {
        snprintf(J->outbuf, sizeof J->outbuf, "%s", out);
        J->out = J->outbuf;
    }
    if (choose_words(a, J, tsne ? "t-SNE" : "PCA", 3, top, k)) { plot_job_free(J); return 1; }
    size_t d = m->vec.dim;
    J->X = tz_malloc(J->n * d * sizeof *J->X);
    J->Y = tz_calloc(J->n * 2, sizeof *J->Y);
    for (size_t i = 0; i < J->n; i++) vectors_unit_row(&m->vec, J->ids[i], J->X + i * d);
    if (tsne) {
        J->cfg = tsne_defaults();
        J->cfg.iterations = (int)iters;
        /* the perplexity must stay well below the number of points: for small plots a third */
        double cap = (double)(J->n - 1) / 3;
        if (perp > 0 && perp >= cap) {
            char pb[32], cb[32];
            say_error(M("perplexity=%s %zu nokta için çok büyük: %s'den küçük olmalı (yaklaşık komşu sayısıdır; (N−1)/3'ün altında kalmalı).",
                        "perplexity=%s is too large for %zu points: it must be below %s (it is roughly a number of neighbours; keep it under (N−1)/3)."),
                      perp_str(perp, pb), J->n, fmt_real(cap, 2, cb));
            plot_job_free(J);
            return 1;
        }
        J->cfg.perplexity = perp > 0 ? perp : (cap < 30 ? cap : 30);
        if (J->cfg.perplexity < 1.5) J->cfg.perplexity = 1.5;
        /* the other knobs of t-SNE, for a class that wants to see what each one does */
        long seed;
        double lr, exag, theta;
        if (arg_long(a, "seed", 1, 0, 1L << 30, &seed, &e) || arg_double(a, "lr", 0, 0, 1e6, &lr, &e) ||
            arg_double(a, "exaggeration", 12, 1, 100, &exag, &e) || arg_double(a, "theta", 0.5, 0, 1.5, &theta, &e)) {
            say_tzerr(&e);
            plot_job_free(J);
            return 1;
        }
        const char *init = arg_str(a, "init", "pca"), *method = arg_str(a, "method", "auto");
        if (strcmp(init, "pca") && strcmp(init, "random")) {
            say_error(M("init=%s: 'pca' ya da 'random' olmalı.", "init=%s: must be 'pca' or 'random'."), init);
            plot_job_free(J);
            return 1;
        }
        if (strcmp(method, "auto") && strcmp(method, "exact") && strcmp(method, "bh")) {
            say_error(M("method=%s: 'auto', 'exact' ya da 'bh' (Barnes-Hut) olmalı.",
                        "method=%s: must be 'auto', 'exact' or 'bh' (Barnes-Hut)."), method);
            plot_job_free(J);
            return 1;
        }
        J->cfg.seed = (uint64_t)seed;
        J->cfg.learning_rate = lr;     /* 0: auto */
        J->cfg.exaggeration = exag;
        J->cfg.theta = theta;
        J->cfg.init_random = !strcmp(init, "random");
        J->cfg.method = !strcmp(method, "exact") ? TSNE_EXACT : !strcmp(method, "bh") ? TSNE_BARNES_HUT : TSNE_AUTO;
        J->snap = snapshot_new();
        scatter_from(J, "t-SNE 1", "t-SNE 2");
        scene_scatter_follow(J->snap, "t-SNE");
        if (scene_window_is_open() || (g_app.interactive && !g_app.headless)) scene_show(VIEW_SCATTER, NULL);
        return app_start_job("t-SNE", M("adım", "step"), tsne_work, J, tsne_done);
    }
    Pca p;
    if (pca_fit(&p, J->X, J->n, d, 2, &e)) { say_tzerr(&e); plot_job_free(J); return 1; }
    float *Yf = tz_malloc(J->n * 2 * sizeof *Yf);
    pca_project(&p, J->X, J->n, Yf);
    for (size_t i = 0; i < 2 * J->n; i++) J->Y[i] = Yf[i];
    free(Yf);
    char xl[128], yl[128], b1[32], b2[32];
    pca_axis_labels(&p, xl, yl, b1, b2);
    pca_free(&p);
    scatter_from(J, xl, yl);
    say(M("PCA: %zu sözcük; açıklanan varyans PC1 %%%s, PC2 %%%s.\n", "PCA: %zu words; PC1 explains %s%% of the variance, PC2 %s%%.\n"),
        J->n, b1, b2);
    int rc = scene_show(VIEW_SCATTER, J->out);
    plot_job_free(J);
    return rc;
}

/* plot similarity W1 W2 …: the cosine matrix as a heatmap. */
static int plot_similarity(Args *a)
{
    Model *m = model_for(a);
    if (!m) return 1;
    PlotJob *J = tz_calloc(1, sizeof *J);
    J->m = m;
    J->focus = -1;
    if (a->argc < 5) {
        say_error(M("kullanım: %s", "usage: %s"), M("plot similarity S1 S2 S3 … (en az 3 sözcük)", "plot similarity W1 W2 W3 … (at least 3 words)"));
        plot_job_free(J);
        return 1;
    }
    if (choose_words(a, J, "", 2, 0, 0)) { plot_job_free(J); return 1; }
    if (J->n > 60) {
        say_error(M("%zu sözcük bir ısı haritası için çok fazla (en çok 60: hücreler okunamaz olur).",
                    "%zu words are too many for a heatmap (at most 60: the cells would be unreadable)."), J->n);
        plot_job_free(J);
        return 1;
    }
    size_t n = J->n;
    float *Cm = tz_malloc(n * n * sizeof *Cm);
    const char **lab = tz_malloc(n * sizeof *lab);
    for (size_t i = 0; i < n; i++) {
        lab[i] = vocab_word(&m->vec.words, J->ids[i]);
        for (size_t j = 0; j < n; j++) Cm[i * n + j] = (float)vectors_cosine(&m->vec, J->ids[i], J->ids[j]);
    }
    char title[256];
    snprintf(title, sizeof title, M("kosinüs benzerliği (model %s): 1 aynı yön, 0 ilgisiz, −1 zıt", "cosine similarity (model %s): 1 same direction, 0 unrelated, −1 opposite"), m->name);
    scene_heatmap_set(title, Cm, n, n, lab, lab, 1,
                      "cos");
    /* the most and the least alike pair, for the class to look for */
    size_t bi = 0, bj = 1, wi = 0, wj = 1;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            if (Cm[i * n + j] > Cm[bi * n + bj]) { bi = i; bj = j; }
            if (Cm[i * n + j] < Cm[wi * n + wj]) { wi = i; wj = j; }
        }
    char b1[32], b2[32];
    say(M("en benzer çift: %s–%s (%s); en az benzer: %s–%s (%s)\n", "most alike: %s–%s (%s); least alike: %s–%s (%s)\n"),
        lab[bi], lab[bj], fmt_real(Cm[bi * n + bj], 3, b1), lab[wi], lab[wj], fmt_real(Cm[wi * n + wj], 3, b2));
    int rc = scene_show(VIEW_HEATMAP, arg_str(a, "out", NULL));
    free(Cm);
    free(lab);
    plot_job_free(J);
    return rc;
}

static int plot_analogy(Args *a)
{
    if (a->argc != 5) {
        say_error(M("kullanım: %s", "usage: %s"), M("plot analogy A B C [k=3] [out=DOSYA.png] [model=AD]",
                                                     "plot analogy A B C [k=3] [out=FILE.png] [model=NAME]"));
        return 1;
    }
    Model *m = model_for(a);
    if (!m) return 1;
    TzErr e;
    long k;
    if (arg_long(a, "k", 3, 0, 10, &k, &e)) { say_tzerr(&e); return 1; }
    int64_t in[3];
    for (int i = 0; i < 3; i++)
        if ((in[i] = model_word_id(m, a->argv[2 + i])) < 0) return 1;
    Neighbor ans;
    if (vectors_analogy(&m->vec, (size_t)in[0], (size_t)in[1], (size_t)in[2], 0, 1, 0, &ans) != 1) {
        say_error("%s", M("bu benzetmeye yanıt bulunamadı.", "no answer to this analogy was found."));
        return 1;
    }
    /* the points: A B C D, then up to k neighbours of each (no repeats) */
    size_t ids[4 + 4 * 10], n = 0;
    ids[n++] = (size_t)in[0]; ids[n++] = (size_t)in[1]; ids[n++] = (size_t)in[2]; ids[n++] = ans.id;
    for (int w = 0; w < 4 && k > 0; w++) {
        Neighbor nb[16];
        size_t got = vectors_nearest(&m->vec, vectors_row(&m->vec, ids[w]), ids, n, (size_t)k, 0, nb);
        for (size_t j = 0; j < got; j++) ids[n++] = nb[j].id;
    }
    /* PCA on the unit vectors of those points (cosine geometry, as the analogy itself) */
    size_t d = m->vec.dim;
    float *X = tz_malloc(n * d * sizeof *X), *Y = tz_malloc(n * 2 * sizeof *Y);
    for (size_t i = 0; i < n; i++) vectors_unit_row(&m->vec, ids[i], X + i * d);
    Pca p;
    int rc = pca_fit(&p, X, n, d, 2, &e);
    if (rc) { say_tzerr(&e); free(X); free(Y); return 1; }
    pca_project(&p, X, n, Y);
    ScatterPoint *pts = tz_calloc(n, sizeof *pts);
    for (size_t i = 0; i < n; i++) {
        pts[i].label = vocab_word(&m->vec.words, ids[i]);
        pts[i].x = Y[2 * i];
        pts[i].y = Y[2 * i + 1];
        pts[i].role = i < 3 ? 1 : i == 3 ? 2 : 0;
    }
    const char *A = pts[0].label, *B = pts[1].label, *Cw = pts[2].label, *D = pts[3].label;
    ScatterArrow arrows[2] = { { 1, 0, { 200, 40, 40, 255 } }, { 2, 3, { 40, 90, 200, 255 } } };
    char title[512], xl[128], yl[128], b1[32], b2[32];
    snprintf(title, sizeof title, "%s − %s + %s ≈ %s", A, B, Cw, D);
    pca_axis_labels(&p, xl, yl, b1, b2);
    scene_scatter_set(title, xl, yl, pts, n, arrows, 2, m->name, ids);
    say(M("%s → %s ve %s → %s okları, PCA düzleminde (PC1 %%%s, PC2 %%%s; %zu sözcük).\n",
          "the arrows %s → %s and %s → %s on the PCA plane (PC1 %s%%, PC2 %s%%; %zu words).\n"),
        B, A, Cw, D, b1, b2, n);
    rc = scene_show(VIEW_SCATTER, arg_str(a, "out", NULL));
    free(pts);
    free(X);
    free(Y);
    pca_free(&p);
    return rc ? 1 : 0;
}

/* --- plot subwords ----------------------------------------------------------------------- */

/* The most bars a picture shows: at 800 pixels high, 40 rows of readable labels. */
#define SUBWORDS_K_MAX 40
/* Neighbours are looked for among this many of the most frequent words at most. */
#define SUBWORDS_NEAR_MAX 200000

/* "kitap, kitabı" — the first `most` neighbours' words (into buf). */
static const char *near_words(const Model *m, const Neighbor *nb, size_t n, size_t most, const char *sep, char *buf,
                              size_t cap)
{
    buf[0] = '\0';
    for (size_t i = 0; i < n && i < most; i++) {
        size_t len = strlen(buf);
        snprintf(buf + len, cap - len, "%s%s", i ? sep : "", vocab_word(&m->vec.words, nb[i].id));
    }
    return buf;
}

/* A part as the class reads it: "<kit", "ana ×2" (the same n-gram twice), "<ki = ları" (two
 * n-grams in one bucket: each counts once), "kitap (own row)". */
static void part_label(const FtPart *p, char *buf, size_t cap)
{
    int texts = 1;
    for (const char *q = p->text; (q = strstr(q, " = ")) != NULL; q += 3) texts++;
    if (p->is_word) snprintf(buf, cap, M("%s (kendi satırı)", "%s (own row)"), p->text);
    else if (p->count > texts) snprintf(buf, cap, "%s \xC3\x97%d", p->text, p->count);
    else snprintf(buf, cap, "%s", p->text);
}

static int cmp_abs_contrib(const void *pa, const void *pb)
{
    const FtPart *a = *(const FtPart *const *)pa, *b = *(const FtPart *const *)pb;
    double x = fabs(a->contrib), y = fabs(b->contrib);
    if (x != y) return x > y ? -1 : 1;
    return a < b ? -1 : a > b;                 /* ties: the order of the list */
}

static int cmp_contrib(const void *pa, const void *pb)
{
    const FtPart *a = *(const FtPart *const *)pa, *b = *(const FtPart *const *)pb;
    if (a->contrib != b->contrib) return a->contrib > b->contrib ? -1 : 1;
    return a < b ? -1 : a > b;
}

static int plot_subwords(Args *a)
{
    if (a->argc != 3) {
        say_error(M("kullanım: %s", "usage: %s"), M("plot subwords SÖZCÜK [k=20] [model=AD] [out=DOSYA.png]",
                                                     "plot subwords WORD [k=20] [model=NAME] [out=FILE.png]"));
        return 1;
    }
    Model *m = model_for(a);
    if (!m) return 1;
    if (!m->ft) {
        say_error(M("%s bir %s modeli: alt sözcükleri yok, çizilecek n-gram katkısı da yok. "
                    "'train fasttext corpus=…' ile bir FastText modeli eğitin ya da bir fastText .bin yükleyin.",
                    "%s is a %s model: it has no subwords, so there are no n-gram contributions to draw. "
                    "Train a FastText model with 'train fasttext corpus=…' or load a fastText .bin."),
                  m->name, m->kind);
        return 1;
    }
    TzErr e;
    long k;
    if (arg_long(a, "k", 20, 1, SUBWORDS_K_MAX, &k, &e)) {
        say_tzerr(&e);
        say("%s\n", M("(k, resimdeki çubuk sayısıdır; bütün parçalar terminalde özetlenir ve 'export DOSYA.tsv' ile yazılır.)",
                      "(k is the number of bars in the picture; every part is summed up in the terminal and written by 'export FILE.tsv'.)"));
        return 1;
    }
    /* the word as the vocabulary spells it (as typed, or lower-cased); else as typed, from
     * its n-grams (as `similar` and `subwords` take it) */
    const char *typed = a->argv[2];
    int64_t id = model_word_lookup(m, typed);
    const char *w = id >= 0 ? vocab_word(&m->vec.words, (size_t)id) : typed;
    /* each part's neighbours cost one pass over the word table: on a table of millions of
     * words (cc.tr.300.bin) search the most frequent ones only */
    size_t near_limit = m->vec.n > SUBWORDS_NEAR_MAX ? SUBWORDS_NEAR_MAX : 0;
    FtExplain x;
    if (ft_explain(m->ft, &m->vec, w, near_limit, &x, &e)) { say_tzerr(&e); return 1; }
    if (x.n == 0) {
        say_error(M("'%s': hiçbir parçasının satırı yok (minn=%d maxn=%d); vektörü sıfır, çizilecek katkı yok.",
                    "'%s': none of its parts has a row (minn=%d maxn=%d); its vector is zero, there is nothing to draw."),
                  w, m->ft->args.minn, m->ft->args.maxn);
        ft_explain_free(&x);
        return 1;
    }
    char b1[32], b2[32], nb[512];
    size_t nrows = 0;                       /* distinct rows: the parts with a bar */
    while (nrows < x.nparts && x.parts[nrows].row >= 0) nrows++;

    /* the terminal: the word, its length, its neighbours, then the parts by contribution */
    if (x.in_vocab)
        say(M("%s (model %s): sözlükte; vektörü kendi satırıyla %zu n-gram satırının ortalaması (n = %zu). |v| = %s\n",
              "%s (model %s): in the vocabulary; its vector is the mean of its own row and %zu n-gram rows (n = %zu). |v| = %s\n"),
            w, m->name, x.n - 1, x.n, fmt_real(x.norm, 4, b1));
    else
        say(M("%s (model %s): sözlükte yok; vektörü %zu n-gram satırının ortalaması (n = %zu). |v| = %s\n",
              "%s (model %s): not in the vocabulary; its vector is the mean of its %zu n-gram rows (n = %zu). |v| = %s\n"),
            w, m->name, x.n, x.n, fmt_real(x.norm, 4, b1));
    if (x.nnear) {
        say("  %s", M("en yakın sözcükleri:", "its nearest words:"));
        for (size_t i = 0; i < x.nnear; i++)
            say("%s %s %s", i ? "," : "", vocab_word(&m->vec.words, x.near[i].id), fmt_real(x.near[i].score, 3, b1));
        say("\n");
    }
    if (near_limit) {
        char b3[32];
        say(M("  (komşular en sık %s sözcük arasından)\n", "  (neighbours among the %s most frequent words)\n"),
            fmt_int((long long)near_limit, b3));
    }
    if (!(x.norm > 0))
        say("  %s\n", M("vektör sıfır: yönü yok, her katkı 0.", "the vector is zero: it has no direction, every contribution is 0."));
    say(M("  her parçanın katkısı c = (x · v̂) / n (x parçanın satırı, v̂ = v / |v|); katkıların toplamı |v|:\n",
          "  each part's contribution c = (x · v̂) / n (x the part's row, v̂ = v / |v|); the contributions add up to |v|:\n"));
    /* the k parts with the largest |c| (the rest summed up), in the order of c */
    size_t shown = nrows < (size_t)k ? nrows : (size_t)k;
    const FtPart **pick = tz_malloc((nrows ? nrows : 1) * sizeof *pick);
    for (size_t i = 0; i < nrows; i++) pick[i] = &x.parts[i];
    qsort(pick, nrows, sizeof *pick, cmp_abs_contrib);
    /* the word's own row is always among the bars: it is what a word in the vocabulary has
     * and an unseen word lacks */
    for (size_t i = shown; i < nrows && shown > 0; i++)
        if (pick[i]->is_word) {
            const FtPart *t = pick[shown - 1];
            pick[shown - 1] = pick[i];
            pick[i] = t;
        }
    double rest = 0;
    for (size_t i = shown; i < nrows; i++) rest += pick[i]->contrib;
    qsort(pick, shown, sizeof *pick, cmp_contrib);
    say("  %-20s %9s %10s %8s  %s\n", M("parça", "part"), M("satır", "row"), "c", "cos", M("yöneldiği sözcükler", "pulls towards"));
    for (size_t i = 0; i < shown; i++) {
        const FtPart *p = pick[i];
        char lab[300], c3[32];
        part_label(p, lab, sizeof lab);
        fmt_real(p->contrib, 4, b1);
        if (isnan(p->cosine)) snprintf(c3, sizeof c3, "-");
        else fmt_real(p->cosine, 3, c3);
        say("  %s%*s %9lld %10s %8s  %s\n", lab, pad(lab, 20), "", (long long)p->row, b1, c3,
            near_words(m, p->near, p->nnear, FT_EXPLAIN_NEAR, ", ", nb, sizeof nb));
    }
    if (shown < nrows)
        say(M("  … ve %zu parça daha (katkılarının toplamı %s); hepsi: export DOSYA.tsv\n",
              "  … and %zu more parts (their contributions sum to %s); all of them: export FILE.tsv\n"),
            nrows - shown, fmt_real(rest, 4, b1));
    if (x.nnorow)
        say(M("  %zu n-gram'ın satırı yok (budanmış model): katkıları 0, n'ye sayılmadılar.\n",
              "  %zu n-grams have no row (a pruned model): they contribute 0 and are not counted in n.\n"), x.nnorow);
    say(M("  Σ c = %s = |v| = %s\n", "  Σ c = %s = |v| = %s\n"), fmt_real(x.sum, 4, b1), fmt_real(x.norm, 4, b2));

    /* the picture: the same bars; the word's own row outlined. Three decimals, more when
     * the largest bar is small (a barely trained model), so that no bar reads 0.000 */
    double big = 0;
    for (size_t i = 0; i < shown; i++) big = fmax(big, fabs(pick[i]->contrib));
    int dec = big > 0 && big < 0.1 ? (int)ceil(-log10(big)) + 2 : 3;
    if (dec > 6) dec = 6;
    char vfmt[16];
    snprintf(vfmt, sizeof vfmt, "%%.%df", dec);
    char **labels = tz_calloc(shown ? shown : 1, sizeof *labels), **notes = tz_calloc(shown ? shown : 1, sizeof *notes);
    float *vals = tz_malloc((shown ? shown : 1) * sizeof *vals);
    long hl = -1;
    for (size_t i = 0; i < shown; i++) {
        char lab[300];
        part_label(pick[i], lab, sizeof lab);
        labels[i] = tz_strdup(lab);
        vals[i] = (float)pick[i]->contrib;
        if (pick[i]->nnear) {
            char nn[512];
            snprintf(nn, sizeof nn, "\xE2\x86\x92 %s", near_words(m, pick[i]->near, pick[i]->nnear, 2, ", ", nb, sizeof nb));
            notes[i] = tz_strdup(nn);
        }
        if (pick[i]->is_word) hl = (long)i;
    }
    char title[512], sub[1024], foot[512] = "", near[512];
    snprintf(title, sizeof title, M("%s: parçalarının katkısı (FastText, model %s)", "%s: what its parts contribute (FastText, model %s)"),
             w, m->name);
    near_words(m, x.near, x.nnear, FT_EXPLAIN_NEAR, ", ", near, sizeof near);
    snprintf(sub, sizeof sub, M("%s · |v| = %s · n = %zu satır · en yakın sözcükleri: %s", "%s · |v| = %s · n = %zu rows · nearest words: %s"),
             x.in_vocab ? M("sözlükte", "in the vocabulary") : M("sözlükte yok (yalnız n-gram'ları)", "not in the vocabulary (n-grams only)"),
             fmt_real(x.norm, dec, b1), x.n, x.nnear ? near : "—");
    if (shown < nrows)
        snprintf(foot, sizeof foot, M("en büyük |c| ile %zu parça gösteriliyor; %zu parça dışarıda (katkılarının toplamı %s) — hepsi: export DOSYA.tsv",
                                      "the %zu parts with the largest |c| are shown; %zu are left out (their contributions sum to %s) — all of them: export FILE.tsv"),
                 shown, nrows - shown, fmt_real(rest, dec, b2));
    if (x.nnorow) {
        size_t len = strlen(foot);
        snprintf(foot + len, sizeof foot - len, M("%s%zu n-gram'ın satırı yok (budanmış)", "%s%zu n-grams have no row (pruned)"),
                 len ? " · " : "", x.nnorow);
    }
    /* export: every part, the ones without a row too */
    char **rows = tz_calloc(x.nparts ? x.nparts : 1, sizeof *rows);
    for (size_t i = 0; i < x.nparts; i++) {
        const FtPart *p = &x.parts[i];
        char line[1024], cs[32] = "", nn[512];
        if (!isnan(p->cosine)) snprintf(cs, sizeof cs, "%.6f", p->cosine);
        snprintf(line, sizeof line, "%s\t%s\t%lld\t%d\t%.9g\t%s\t%s", p->text, p->is_word ? "word" : "ngram", (long long)p->row,
                 p->count, p->contrib, cs, near_words(m, p->near, p->nnear, FT_EXPLAIN_NEAR, " ", nn, sizeof nn));
        rows[i] = tz_strdup(line);
    }
    SceneBars sb = { .title = title, .subtitle = sub,
                     .xlabel = M("katkı c = (x · v̂) / n — x parçanın satırı, v̂ sözcüğün yönü; çubukların toplamı |v|",
                                 "contribution c = (x · v̂) / n — x the part's row, v̂ the word's direction; the bars add up to |v|"),
                     .footer = foot[0] ? foot : NULL, .n = shown, .labels = (const char *const *)labels, .values = vals,
                     .notes = (const char *const *)notes, .highlight = hl, .value_format = vfmt,
                     .tsv_header = "part\tkind\trow\tcount\tcontribution\tcosine\tnearest", .tsv_rows = (const char *const *)rows,
                     .tsv_n = x.nparts };
    scene_bars_set(&sb);
    for (size_t i = 0; i < shown; i++) { free(labels[i]); free(notes[i]); }
    for (size_t i = 0; i < x.nparts; i++) free(rows[i]);
    free(labels);
    free(notes);
    free(vals);
    free(rows);
    free(pick);
    ft_explain_free(&x);
    return scene_show(VIEW_BARS, arg_str(a, "out", NULL));
}

int cmd_plot(Args *a)
{
    const char *what = a->argv[1];
    if (!strcmp(what, "pca")) return plot_words(a, 0);
    if (!strcmp(what, "tsne")) return plot_words(a, 1);
    if (!strcmp(what, "analogy")) return plot_analogy(a);
    if (!strcmp(what, "similarity")) return plot_similarity(a);
    if (!strcmp(what, "loss")) return scene_show(VIEW_LOSS, arg_str(a, "out", NULL));
    if (!strcmp(what, "subwords")) return plot_subwords(a);
    say_error(M("'plot %s' yok; plot analogy | pca | tsne | similarity | loss | subwords",
                "there is no 'plot %s'; plot analogy | pca | tsne | similarity | loss | subwords"), what);
    return 1;
}

/* --- the window's commands ---------------------------------------------------------------- */

int cmd_window(Args *a)
{
    const char *w = a->argv[1];
    if (!strcmp(w, "open")) {
        if (scene_window_is_open()) { say("%s\n", M("pencere zaten açık.", "the window is already open.")); return 0; }
        if (scene_window_open(1)) return 1;
        say("%s\n", M("pencere açıldı. Tuşlar: oklar/sürükle kaydırır, tekerlek yakınlaştırır, r sıfırlar, +/- yazı boyu, s PNG kaydeder, Tab görünüm değiştirir.",
                      "window open. Keys: arrows/drag pan, wheel zooms, r resets, +/- text size, s saves a PNG, Tab switches views."));
        return 0;
    }
    if (!strcmp(w, "close")) {
        if (!scene_window_is_open()) { say("%s\n", M("açık bir pencere yok.", "no window is open.")); return 0; }
        scene_window_close();
        say("%s\n", M("pencere kapandı.", "the window is closed."));
        return 0;
    }
    say_error(M("'window %s' yok; window open | close", "there is no 'window %s'; window open | close"), w);
    return 1;
}

int cmd_views(Args *a)
{
    (void)a;
    static const char *const tr[VIEW_COUNT] = { "sözcüklerin düzlemdeki haritası (plot pca|tsne|analogy)",
                                                "eğitimin kayıp eğrisi, canlı", "bir matrisin ısı haritası (plot similarity)",
                                                "yatay çubuklar (plot subwords)",
                                                "yinelemeli ağın kapıları, birimler × zaman (step)",
                                                "ölçülmüş eğriler, model başına bir çizgi (gradflow, memory)",
                                                "bir GPT'nin tüm dikkat başları, katmanlar × başlar (attention … all)",
                                                "bir metnin belirteçleri, kimlikleriyle (tokens \"…\")" };
    static const char *const en[VIEW_COUNT] = { "words on a plane (plot pca|tsne|analogy)", "the loss curve of training, live",
                                                "a matrix as a heatmap (plot similarity)", "horizontal bars (plot subwords)",
                                                "a recurrent network's gates, units × time (step)",
                                                "measured curves, one line per model (gradflow, memory)",
                                                "every attention head of a GPT, layers × heads (attention … all)",
                                                "a text's tokens, with their ids (tokens \"…\")" };
    for (int v = 0; v < VIEW_COUNT; v++)
        say("%s %-8s %s%s\n", v == scene_current() ? "*" : " ", view_name((ViewId)v), M(tr[v], en[v]),
            scene_has_data((ViewId)v) ? "" : M("  (boş)", "  (empty)"));
    return 0;
}

int cmd_view(Args *a)
{
    int v = view_from_name(a->argv[1]);
    if (v < 0) {
        say_error(M("'%s' diye bir görünüm yok; görünümler: scatter, loss, heatmap, bars, gates, lines, heads, tokens ('views' listeler).",
                    "there is no view '%s'; the views are: scatter, loss, heatmap, bars, gates, lines, heads, tokens ('views' lists them)."), a->argv[1]);
        return 1;
    }
    return scene_show((ViewId)v, arg_str(a, "out", NULL));
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcasecmp(s + n - k, suffix);
}

int cmd_snap(Args *a)
{
    const char *path = a->argc > 1 ? a->argv[1] : "tezgah-snap.png";
    if (!ends_with(path, ".png")) {
        say_error(M("snap bir PNG yazar: dosya adı .png ile bitmeli ('%s').", "snap writes a PNG: the file name must end in .png ('%s')."),
                  path);
        return 1;
    }
    TzErr e;
    long w, h;
    if (arg_long(a, "w", 0, 64, 8192, &w, &e) || arg_long(a, "h", 0, 64, 8192, &h, &e)) { say_tzerr(&e); return 1; }
    return scene_snap(path, (int)w, (int)h);
}

int cmd_export(Args *a)
{
    const char *path = a->argv[1];
    if (!ends_with(path, ".tsv") && !ends_with(path, ".txt")) {
        say_error(M("export sekmeyle ayrılmış metin yazar: dosya adı .tsv (ya da .txt) ile bitmeli ('%s').",
                    "export writes tab-separated text: the file name must end in .tsv (or .txt) ('%s')."), path);
        return 1;
    }
    return scene_export(path);
}

int cmd_find(Args *a)
{
    if (!scene_scatter_count()) {
        say_error("%s", M("haritada henüz sözcük yok; önce 'plot pca …' ya da 'plot tsne …'.",
                          "there are no words on the map yet; first 'plot pca …' or 'plot tsne …'."));
        return 1;
    }
    const char *w = a->argv[1];
    long i = scene_find(w);
    if (i < 0) {
        size_t n = strlen(w);
        char *low = tz_malloc(2 * n + 1);
        tz_lower(w, n, g_lang, low);
        i = scene_find(low);
        free(low);
    }
    if (i < 0) {
        say_error(M("'%s' haritada yok (%zu sözcük çizili); 'plot pca words … %s' ile ekleyin.",
                    "'%s' is not on the map (%zu words are plotted); add it with 'plot pca words … %s'."), w,
                  scene_scatter_count(), w);
        return 1;
    }
    say(M("'%s' işaretlendi.\n", "'%s' is marked.\n"), w);
    if (!scene_window_is_open()) return scene_show(VIEW_SCATTER, arg_str(a, "out", NULL));
    return scene_show(VIEW_SCATTER, NULL);
}
