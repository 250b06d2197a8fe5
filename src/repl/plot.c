/* plot.c — pictures of models, drawn on the canvas and written as PNG.
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
#include "viz/canvas.h"
#include "viz/views.h"

int cmd_plot(Args *a)
{
    if (strcmp(a->argv[1], "analogy") != 0) {
        say_error(M("'plot %s' henüz yok; şimdilik: plot analogy A B C", "there is no 'plot %s' yet; for now: plot analogy A B C"),
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
    snprintf(xl, sizeof xl, M("PC1 (açıklanan varyans: %%%s)", "PC1 (explained variance: %s%%)"), fmt_real(100 * p.ratio[0], 1, b1));
    snprintf(yl, sizeof yl, M("PC2 (açıklanan varyans: %%%s)", "PC2 (explained variance: %s%%)"), fmt_real(100 * p.ratio[1], 1, b2));
    ScatterScene scene = { title, xl, yl, pts, n, arrows, 2 };
    Canvas c;
    Font *f = font_default(&e);
    if (!f) { say_tzerr(&e); rc = 1; goto done; }
    canvas_init(&c, 1280, 800, &e);
    view_scatter(&c, f, &scene, 26);
    rc = canvas_save_png(&c, out, &e);
    canvas_free(&c);
    font_free(f);
    if (rc) { say_tzerr(&e); rc = 1; goto done; }
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
