/* plot.c — pictures of models, drawn on the canvas and written as PNG.
 *
 * `plot pca|tsne [words W1 W2 … | top=N | similar=WORD k=K]` draws words of a model on a
 * plane: PCA (fast, global directions, axes with their explained variance) or t-SNE (a job;
 * neighbourhoods kept, distances between clusters not meaningful; the final KL printed).
 *
 * `plot analogy A B C` shows the analogy as geometry: A, B, C, the answer D and a few
 * neighbours of each, projected on the PCA plane fitted to them, with the arrows B→A and
 * C→D; when the analogy holds the two arrows are (nearly) parallel and of equal length. The
 * SDL window is the next step (see the tracker); until then every view is written to a PNG.
 */
#include "app.h"
#include "i18n.h"
#include "out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reduce/pca.h"
#include "reduce/tsne.h"
#include "viz/canvas.h"
#include "viz/views.h"

/* "PC1 (explained variance: 53.4%)" and the same for PC2 (each 128 bytes); the two
 * percentages alone go to b1 and b2 (32 bytes each) for the messages. */
static void pca_axis_labels(const Pca *p, char *xl, char *yl, char *b1, char *b2)
{
    snprintf(xl, 128, M("PC1 (açıklanan varyans: %%%s)", "PC1 (explained variance: %s%%)"), fmt_real(100 * p->ratio[0], 1, b1));
    snprintf(yl, 128, M("PC2 (açıklanan varyans: %%%s)", "PC2 (explained variance: %s%%)"), fmt_real(100 * p->ratio[1], 1, b2));
}

/* Render a scatter scene to out and say where it went. */
static int render(const ScatterScene *scene, const char *out)
{
    TzErr e;
    Font *f = font_default(&e);
    if (!f) { say_tzerr(&e); return 1; }
    Canvas c;
    canvas_init(&c, 1280, 800, &e);
    view_scatter(&c, f, scene, 26);
    int rc = canvas_save_png(&c, out, &e);
    canvas_free(&c);
    font_free(f);
    if (rc) { say_tzerr(&e); return 1; }
    return 0;
}

typedef struct {
    const Model *m;
    size_t *ids, n;
    float *X;              /* n×D unit rows */
    double *Y;             /* n×2 */
    TsneConfig cfg;
    double kl;
    int focus;             /* index of the similar= word (drawn in red), or -1 */
    char out[4096], title[256];
} PlotJob;

static void plot_job_free(PlotJob *J)
{
    free(J->ids);
    free(J->X);
    free(J->Y);
    free(J);
}

static int draw_points(PlotJob *J, const char *xl, const char *yl)
{
    ScatterPoint *pts = tz_calloc(J->n, sizeof *pts);
    for (size_t i = 0; i < J->n; i++) {
        pts[i].label = vocab_word(&J->m->vec.words, J->ids[i]);
        pts[i].x = (float)J->Y[2 * i];
        pts[i].y = (float)J->Y[2 * i + 1];
        pts[i].role = (int)i == J->focus ? 2 : J->n <= 30 ? 1 : 0;
    }
    ScatterScene scene = { J->title, xl, yl, pts, J->n, NULL, 0 };
    int rc = render(&scene, J->out);
    free(pts);
    return rc;
}

static int tsne_work(Job *job, void *arg, TzErr *e)
{
    PlotJob *J = arg;
    return tsne_run(J->X, J->n, J->m->vec.dim, &J->cfg, J->Y, &J->kl, job, NULL, e);
}

static void tsne_done(int rc, const TzErr *e, void *arg)
{
    PlotJob *J = arg;
    if (rc) say_tzerr(e);
    else if (!draw_points(J, "t-SNE 1", "t-SNE 2")) {
        char b[32];
        say(M("t-SNE: %zu sözcük, son KL ıraksaması %s (perplexity %g). Resim: %s\n",
              "t-SNE: %zu words, final KL divergence %s (perplexity %g). Picture: %s\n"),
            J->n, fmt_real(J->kl, 4, b), J->cfg.perplexity, J->out);
    }
    plot_job_free(J);
}

/* plot pca|tsne: which words, then the projection. */
static int plot_words(Args *a, int tsne)
{
    Model *m = model_for(a);
    if (!m) return 1;
    TzErr e;
    long top, k, iters;
    double perp;
    if (arg_long(a, "top", 100, 3, 5000, &top, &e) || arg_long(a, "k", 20, 2, 500, &k, &e) ||
        arg_long(a, "iterations", 1000, 50, 10000, &iters, &e) || arg_double(a, "perplexity", 0, 0, 1000, &perp, &e)) {
        say_tzerr(&e);
        return 1;
    }
    PlotJob *J = tz_calloc(1, sizeof *J);
    J->m = m;
    J->focus = -1;
    snprintf(J->out, sizeof J->out, "%s", arg_str(a, "out", tsne ? "tezgah-tsne.png" : "tezgah-pca.png"));
    const char *sim = arg_str(a, "similar", NULL);
    if (a->argc > 2) {
        if (strcmp(a->argv[2], "words") != 0 || a->argc < 6) {
            say_error(M("kullanım: plot %s words S1 S2 S3 … (en az 3 sözcük) | top=N | similar=SÖZCÜK k=K",
                        "usage: plot %s words W1 W2 W3 … (at least 3 words) | top=N | similar=WORD k=K"), a->argv[1]);
            plot_job_free(J);
            return 1;
        }
        J->ids = tz_malloc((size_t)(a->argc - 3) * sizeof *J->ids);
        for (int i = 3; i < a->argc; i++) {
            int64_t id = model_word_id(m, a->argv[i]);
            if (id < 0) { plot_job_free(J); return 1; }
            J->ids[J->n++] = (size_t)id;
        }
        snprintf(J->title, sizeof J->title, "%s: %zu %s", tsne ? "t-SNE" : "PCA", J->n, M("sözcük", "words"));
    } else if (sim) {
        int64_t id = model_word_id(m, sim);
        if (id < 0) { plot_job_free(J); return 1; }
        J->ids = tz_malloc((size_t)(k + 1) * sizeof *J->ids);
        Neighbor *nb = tz_malloc((size_t)k * sizeof *nb);
        size_t ex = (size_t)id;
        size_t got = vectors_nearest(&m->vec, vectors_row(&m->vec, ex), &ex, 1, (size_t)k, 0, nb);
        J->ids[J->n++] = ex;
        J->focus = 0;
        for (size_t i = 0; i < got; i++) J->ids[J->n++] = nb[i].id;
        free(nb);
        snprintf(J->title, sizeof J->title, M("%s: %s ve en yakın %zu komşusu", "%s: %s and its %zu nearest neighbours"),
                 tsne ? "t-SNE" : "PCA", vocab_word(&m->vec.words, ex), got);
    } else {
        J->n = (size_t)top < m->vec.n ? (size_t)top : m->vec.n;
        J->ids = tz_malloc(J->n * sizeof *J->ids);
        for (size_t i = 0; i < J->n; i++) J->ids[i] = i;
        snprintf(J->title, sizeof J->title, M("%s: en sık %zu sözcük", "%s: the %zu most frequent words"),
                 tsne ? "t-SNE" : "PCA", J->n);
    }
    if (J->n < 3) {
        say_error("%s", M("çizmek için en az 3 sözcük gerekli.", "at least 3 words are needed for a plot."));
        plot_job_free(J);
        return 1;
    }
    size_t d = m->vec.dim;
    J->X = tz_malloc(J->n * d * sizeof *J->X);
    J->Y = tz_malloc(J->n * 2 * sizeof *J->Y);
    for (size_t i = 0; i < J->n; i++) vectors_unit_row(&m->vec, J->ids[i], J->X + i * d);
    if (tsne) {
        J->cfg = tsne_defaults();
        J->cfg.iterations = (int)iters;
        /* the perplexity must stay below the number of points: for small plots a third of it */
        J->cfg.perplexity = perp > 0 ? perp : ((double)J->n / 3 < 30 ? (double)J->n / 3 : 30);
        if (J->cfg.perplexity < 2) J->cfg.perplexity = 2;
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
    int rc = draw_points(J, xl, yl);
    if (!rc)
        say(M("PCA: %zu sözcük; açıklanan varyans PC1 %%%s, PC2 %%%s. Resim: %s\n",
              "PCA: %zu words; PC1 explains %s%% of the variance, PC2 %s%%. Picture: %s\n"),
            J->n, b1, b2, J->out);
    plot_job_free(J);
    return rc;
}

int cmd_plot(Args *a)
{
    if (!strcmp(a->argv[1], "pca")) return plot_words(a, 0);
    if (!strcmp(a->argv[1], "tsne")) return plot_words(a, 1);
    if (strcmp(a->argv[1], "analogy") != 0) {
        say_error(M("'plot %s' yok; plot analogy | pca | tsne", "there is no 'plot %s'; plot analogy | pca | tsne"),
                  a->argv[1]);
        return 1;
    }
    if (a->argc != 5) {
        say_error(M("kullanım: %s", "usage: %s"), "plot analogy A B C [k=3] [out=FILE.png] [model=NAME]");
        return 1;
    }
    Model *m = model_for(a);
    if (!m) return 1;
    TzErr e;
    long k;
    if (arg_long(a, "k", 3, 0, 10, &k, &e)) { say_tzerr(&e); return 1; }
    const char *out = arg_str(a, "out", "tezgah-analogy.png");
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
    ScatterScene scene = { title, xl, yl, pts, n, arrows, 2 };
    if ((rc = render(&scene, out))) goto done;
    say(M("%s → %s ve %s → %s okları, PCA düzleminde (PC1 %%%s, PC2 %%%s; %zu sözcük).\n"
          "Resim: %s  (pencere henüz yok: görünümler PNG olarak yazılıyor)\n",
          "the arrows %s → %s and %s → %s on the PCA plane (PC1 %s%%, PC2 %s%%; %zu words).\n"
          "Picture: %s  (no window yet: views are written as PNG)\n"),
        B, A, Cw, D, b1, b2, n, out);
done:
    free(pts);
    free(X);
    free(Y);
    pca_free(&p);
    return rc ? 1 : 0;
}
