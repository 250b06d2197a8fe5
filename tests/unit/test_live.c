/* test_live.c — what makes the window live: snapshots between a worker and the main thread,
 * the Word2Vec watch (rows of a model while it trains), continuing a t-SNE map, and the
 * scatter view's interaction geometry (zoom about the pointer, hit-testing, labels that
 * never overlap even for 20,000 points). */
#include <criterion/criterion.h>

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/corpus.h"
#include "tmpdir.h"
#include "core/snapshot.h"
#include "models/word2vec.h"
#include "reduce/tsne.h"
#include "viz/canvas.h"
#include "viz/views.h"

/* --- snapshots ---------------------------------------------------------------------------- */

Test(snapshot, take_returns_only_what_is_new)
{
    Snapshot *s = snapshot_new();
    float *buf = NULL;
    size_t cap = 0, rows = 0, cols = 0;
    uint64_t seen = 0;
    int64_t step = -1;
    cr_assert_eq(snapshot_take(s, &seen, &buf, &cap, &rows, &cols, &step), 0, "nothing published yet");
    float a[6] = { 1, 2, 3, 4, 5, 6 };
    snapshot_publish(s, a, 3, 2, 7);
    cr_assert_eq(snapshot_take(s, &seen, &buf, &cap, &rows, &cols, &step), 1);
    cr_assert(rows == 3 && cols == 2 && step == 7);
    cr_assert(buf[0] == 1 && buf[5] == 6);
    cr_assert_eq(snapshot_take(s, &seen, &buf, &cap, &rows, &cols, &step), 0, "the same version twice");
    double d[2] = { 0.5, -0.25 };
    snapshot_publish_d(s, d, 1, 2, 8);
    cr_assert_eq(snapshot_take(s, &seen, &buf, &cap, &rows, &cols, &step), 1);
    cr_assert(rows == 1 && buf[0] == 0.5f && buf[1] == -0.25f && step == 8);
    snapshot_set_wanted(s, 0);
    cr_assert_eq(snapshot_wanted(s), 0);
    cr_assert_eq(snapshot_wanted(NULL), 0);
    snapshot_publish(NULL, a, 3, 2, 0);   /* no-op */
    free(buf);
    snapshot_free(s);
    snapshot_free(NULL);
}

/* A writer publishing rows whose values all equal the step: a reader must never see a torn
 * matrix (half of one step, half of another). */
static void *writer(void *arg)
{
    Snapshot *s = arg;
    float row[512];
    for (int step = 1; step <= 2000; step++) {
        for (int k = 0; k < 512; k++) row[k] = (float)step;
        snapshot_publish(s, row, 8, 64, step);
    }
    return NULL;
}

Test(snapshot, a_reader_never_sees_a_torn_copy)
{
    Snapshot *s = snapshot_new();
    pthread_t t;
    pthread_create(&t, NULL, writer, s);
    float *buf = NULL;
    size_t cap = 0, rows, cols;
    uint64_t seen = 0;
    int64_t step, last = 0, takes = 0;
    while (last < 2000) {
        if (!snapshot_take(s, &seen, &buf, &cap, &rows, &cols, &step)) continue;
        takes++;
        cr_assert(step >= last, "steps go forward");
        for (size_t k = 0; k < rows * cols; k++) cr_assert_eq(buf[k], (float)step, "torn at %zu", k);
        last = step;
    }
    pthread_join(t, NULL);
    cr_assert(takes >= 1);
    free(buf);
    snapshot_free(s);
}

/* --- the Word2Vec watch ------------------------------------------------------------------- */


Test(watch, serves_unit_rows_of_the_model_being_trained)
{
    Corpus c;
    corpus_from(&c, "the cat sat on the mat\nthe dog sat on the log\na cat and a dog\n"
                    "the cat and the dog sat\non the mat the cat sat\n");
    W2VConfig cfg = w2v_defaults(1);
    cfg.dim = 16;
    cfg.min_count = 1;
    cfg.epochs = 2;
    cfg.threads = 1;
    cfg.sample = 0;
    Word2Vec m;
    TzErr e;
    W2VWatch *w = w2v_watch_new(0);
    cr_assert_null(w2v_watch_vocab(w), "no vocabulary before training starts");
    cr_assert_eq(w2v_init(&m, &cfg, &c, &e), 0, "%s", e.en);
    w2v_watch_attach(w, &m);
    const Vocab *v = w2v_watch_vocab(w);
    cr_assert_not_null(v);
    int64_t cat = vocab_find(v, "cat", 3), dog = vocab_find(v, "dog", 3);
    cr_assert(cat >= 0 && dog >= 0);
    size_t ids[2] = { (size_t)cat, (size_t)dog };
    w2v_watch_set(w, ids, 2);
    cr_assert_eq(w2v_train(&m, &c, NULL, &e), 0);
    /* training forces a last frame at the end: the rows are the final vectors, normalised */
    float *buf = NULL;
    size_t cap = 0, rows, cols;
    uint64_t seen = 0;
    int64_t step;
    cr_assert_eq(snapshot_take(w2v_watch_snapshot(w), &seen, &buf, &cap, &rows, &cols, &step), 1);
    cr_assert(rows == 2 && cols == 16);
    for (size_t r = 0; r < 2; r++) {
        const float *src = m.syn0 + ids[r] * m.C;
        double n = 0;
        for (size_t k = 0; k < 16; k++) n += (double)src[k] * src[k];
        n = sqrt(n);
        for (size_t k = 0; k < 16; k++) cr_assert_float_eq(buf[r * 16 + k], src[k] / n, 1e-6);
    }
    free(buf);
    w2v_watch_free(w);
    w2v_free(&m);
    corpus_free(&c);
}

/* --- continuing a t-SNE map ---------------------------------------------------------------- */

Test(tsne_live, continuing_from_a_start_map_lowers_the_kl)
{
    enum { N = 40, D = 5 };
    float X[N * D];
    uint64_t r = 3;
    for (int i = 0; i < N; i++)
        for (int k = 0; k < D; k++) {
            r = r * 6364136223846793005ULL + 1442695040888963407ULL;
            X[i * D + k] = (float)((r >> 40) & 0xFFFF) / 65536.0f + (i < N / 2 ? 3.0f : 0.0f) * (k == 0);
        }
    TsneConfig cfg = tsne_defaults();
    cfg.perplexity = 8;
    cfg.iterations = 400;
    cfg.method = TSNE_EXACT;
    double Y[2 * N], Y2[2 * N], kl;
    TzErr e;
    cr_assert_eq(tsne_run(X, N, D, &cfg, Y, &kl, NULL, NULL, &e), 0, "%s", e.en);
    /* disturb the map, then continue from it */
    for (int i = 0; i < 2 * N; i++) Y[i] += (i % 3 - 1) * 2.0;
    double P[N * N];
    cr_assert_eq(tsne_affinities(X, N, D, cfg.perplexity, P, &e), 0);
    double before = tsne_kl(P, Y, N, NULL);
    TsneConfig cont = cfg;
    cont.start = Y;
    cont.exaggeration_iters = 0;
    cont.iterations = 60;
    double kl2;
    cr_assert_eq(tsne_run(X, N, D, &cont, Y2, &kl2, NULL, NULL, &e), 0, "%s", e.en);
    double after = tsne_kl(P, Y2, N, NULL);
    cr_assert(after < before * 0.9, "KL %g -> %g", before, after);
    cr_assert_float_eq(kl2, after, 1e-9, "the KL it reports is the KL of the map it returns");
}

/* --- the scatter view's geometry ------------------------------------------------------------ */

Test(scatter, zoom_keeps_the_point_under_the_pointer_and_hit_finds_it)
{
    Canvas c;
    TzErr e;
    cr_assert_eq(canvas_init(&c, 400, 300, &e), 0);
    Font *f = font_default(&e);
    cr_assert_not_null(f, "%s", e.en);
    ScatterPoint pts[3] = { { "bir", 0, 0, 1 }, { "iki", 1, 0, 0 }, { "üç", 0, 1, 0 } };
    ScatterScene s = { "t", NULL, NULL, NULL, pts, 3, NULL, 0 };
    ScatterView v = scatter_view_reset();
    float scr[6], scr2[6];
    view_scatter(&c, f, &s, 14, &v, scr);
    /* equal scale on both axes: (1,0) and (0,1) are as far from (0,0) on screen */
    float dx = scr[2] - scr[0], dy = scr[1] - scr[5];
    cr_assert(fabsf(dx - dy) < 0.01f && dx > 10, "dx %g dy %g", dx, dy);
    cr_assert_eq(scatter_hit(scr, 3, scr[2] + 2, scr[3] - 1, 5), 1);
    cr_assert_eq(scatter_hit(scr, 3, scr[2] + 50, scr[3], 5), -1);
    scatter_zoom_at(&v, &c, 14, scr[2], scr[3], 2.0f);
    view_scatter(&c, f, &s, 14, &v, scr2);
    cr_assert(fabsf(scr2[2] - scr[2]) < 0.01f && fabsf(scr2[3] - scr[3]) < 0.01f, "the point under the pointer stays");
    cr_assert(fabsf((scr2[2] - scr2[0]) - 2 * dx) < 0.01f, "distances doubled");
    font_free(f);
    canvas_free(&c);
}

Test(scatter, twenty_thousand_points_keep_their_labels_apart)
{
    enum { N = 20000 };
    Canvas c;
    TzErr e;
    cr_assert_eq(canvas_init(&c, 1280, 800, &e), 0);
    Font *f = font_default(&e);
    cr_assert_not_null(f);
    ScatterPoint *pts = calloc(N, sizeof *pts);
    char (*lab)[16] = calloc(N, 16);
    uint64_t r = 9;
    for (int i = 0; i < N; i++) {
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        snprintf(lab[i], 16, "söz%d", i);
        pts[i] = (ScatterPoint){ lab[i], (float)((r >> 20) & 0xFFFF), (float)((r >> 40) & 0xFFFF), 0 };
    }
    ScatterScene s = { "20000", NULL, NULL, NULL, pts, N, NULL, 0 };
    size_t drawn = view_scatter(&c, f, &s, 20, NULL, NULL);
    /* a 1280×800 canvas holds a few hundred 20-px labels side by side, not 20,000 */
    cr_assert(drawn > 100 && drawn < 3000, "drawn %zu", drawn);
    /* with few points, every label is drawn */
    s.npts = 25;
    cr_assert_eq(view_scatter(&c, f, &s, 20, NULL, NULL), 25);
    free(pts);
    free(lab);
    font_free(f);
    canvas_free(&c);
}

/* Duplicate vectors (a corpus with repeated lines, a model that has not moved yet): every
 * point on one spot. The map must still spread out (PCA gives no direction: noise instead),
 * finite, with both methods. (Barnes-Hut summarises a deepest-level leaf as one mass, so
 * this takes milliseconds instead of the O(N²) of summing its points one by one.) */
Test(tsne_live, identical_points_still_give_a_map_quickly)
{
    enum { N = 3000, D = 8 };
    float *X = calloc((size_t)N * D, sizeof *X);
    for (size_t i = 0; i < (size_t)N * D; i++) X[i] = 0.5f;
    double *Y = malloc(2 * N * sizeof *Y), kl;
    TsneConfig cfg = tsne_defaults();
    cfg.iterations = 60;
    cfg.method = TSNE_BARNES_HUT;
    TzErr e;
    cr_assert_eq(tsne_run(X, N, D, &cfg, Y, &kl, NULL, NULL, &e), 0, "%s", e.en);
    double spread = 0;
    for (int i = 0; i < 2 * N; i++) {
        cr_assert(isfinite(Y[i]));
        spread += fabs(Y[i]);
    }
    cr_assert(spread > 0, "the points moved apart");
    cfg.method = TSNE_EXACT;
    cr_assert_eq(tsne_run(X, 50, D, &cfg, Y, &kl, NULL, NULL, &e), 0, "%s", e.en);
    spread = 0;
    for (int i = 0; i < 100; i++) spread += fabs(Y[i]);
    cr_assert(spread > 0, "exact: the points moved apart");
    free(X);
    free(Y);
}

/* A diverged model gives NaN and infinite coordinates: those points are left out, the
 * others drawn as usual, nothing crashes (the sanitizers run this too). */
Test(scatter, non_finite_points_are_left_out)
{
    Canvas c;
    TzErr e;
    cr_assert_eq(canvas_init(&c, 300, 200, &e), 0);
    Font *f = font_default(&e);
    cr_assert_not_null(f);
    ScatterPoint pts[4] = { { "a", 0, 0, 1 }, { "b", NAN, 1, 1 }, { "c", 1, INFINITY, 0 }, { "d", 1, 1, 2 } };
    ScatterArrow ar[2] = { { 0, 1, { 200, 0, 0, 255 } }, { 0, 3, { 0, 0, 200, 255 } } };
    ScatterScene s = { "nan", NULL, NULL, NULL, pts, 4, ar, 2 };
    ScatterView v = scatter_view_reset();
    v.hover = 1;
    float scr[8];
    size_t drawn = view_scatter(&c, f, &s, 12, &v, scr);
    cr_assert_eq(drawn, 2, "a and d labelled, b and c left out (drawn %zu)", drawn);
    cr_assert_eq(scatter_hit(scr, 4, scr[6], scr[7], 3), 3);
    font_free(f);
    canvas_free(&c);
}
