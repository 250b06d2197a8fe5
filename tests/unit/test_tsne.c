/* test_tsne.c — t-SNE: the KL gradient against central differences, the affinities, and a
 * map that keeps well-separated clusters apart; Barnes-Hut against exact on the same P, the
 * VP-tree against brute force, neighbourhoods kept by both methods, bad input, cancelling. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reduce/tsne.h"

static double urand(uint64_t *r)
{
    *r = *r * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*r >> 11) / 9007199254740992.0;
}

static double gauss(uint64_t *r)
{
    double u = urand(r) + 1e-12, v = urand(r);
    return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

Test(tsne, kl_gradient_matches_central_differences)
{
    enum { N = 7, D = 4 };
    uint64_t r = 3;
    float X[N * D];
    for (int i = 0; i < N * D; i++) X[i] = (float)gauss(&r);
    double P[N * N], Y[N * 2], g[N * 2];
    TzErr e;
    cr_assert_eq(tsne_affinities(X, N, D, 3, P, &e), 0, "%s", e.en);
    for (int i = 0; i < N * 2; i++) Y[i] = gauss(&r);
    tsne_kl(P, Y, N, g);
    for (int i = 0; i < N * 2; i++) {
        double s = Y[i], h = 1e-5;
        Y[i] = s + h; double kp = tsne_kl(P, Y, N, NULL);
        Y[i] = s - h; double km = tsne_kl(P, Y, N, NULL);
        Y[i] = s;
        double num = (kp - km) / (2 * h);
        cr_assert(fabs(num - g[i]) < 1e-5 * (1 + fabs(num)), "dKL/dy[%d]: numeric %g analytic %g", i, num, g[i]);
    }
}

Test(tsne, affinities_are_a_symmetric_distribution)
{
    enum { N = 20, D = 3 };
    uint64_t r = 5;
    float X[N * D];
    for (int i = 0; i < N * D; i++) X[i] = (float)gauss(&r);
    double *P = malloc(N * N * sizeof *P), sum = 0;
    TzErr e;
    cr_assert_eq(tsne_affinities(X, N, D, 5, P, &e), 0);
    for (int i = 0; i < N; i++) {
        cr_assert_eq(P[i * N + i], 0);
        for (int j = 0; j < N; j++) { sum += P[i * N + j]; cr_assert(fabs(P[i * N + j] - P[j * N + i]) < 1e-15); }
    }
    cr_assert(fabs(sum - 1) < 1e-6, "sum %g", sum);
    cr_assert_eq(tsne_affinities(X, N, D, 25, P, &e), TZ_E_ARG, "perplexity above N");
    cr_assert_eq(tsne_affinities(X, 2, D, 1.5, P, &e), TZ_E_ARG, "two points");
    free(P);
}

Test(tsne, separated_clusters_stay_apart, .timeout = 60)
{
    enum { K = 3, PER = 30, N = K * PER, D = 10 };
    uint64_t r = 11;
    float *X = malloc(N * D * sizeof *X);
    for (int i = 0; i < N; i++)
        for (int k = 0; k < D; k++) X[i * D + k] = (float)(gauss(&r) * 0.5 + ((i / PER) == k % K ? 8.0 : 0.0));
    TsneConfig cfg = tsne_defaults();
    cfg.perplexity = 10;
    cfg.iterations = 500;
    double *Y = malloc(N * 2 * sizeof *Y), kl;
    TzErr e;
    cr_assert_eq(tsne_run(X, N, D, &cfg, Y, &kl, NULL, NULL, &e), 0, "%s", e.en);
    cr_assert(isfinite(kl) && kl > 0 && kl < 2, "KL %g", kl);
    int same = 0;
    for (int i = 0; i < N; i++) {
        int best = -1;
        double bd = INFINITY;
        for (int j = 0; j < N; j++) {
            if (j == i) continue;
            double dx = Y[2 * i] - Y[2 * j], dy = Y[2 * i + 1] - Y[2 * j + 1], d2 = dx * dx + dy * dy;
            if (d2 < bd) { bd = d2; best = j; }
        }
        same += best / PER == i / PER;
    }
    cr_assert(same >= N * 95 / 100, "%d of %d nearest map neighbours in the same cluster", same, N);
    free(X);
    free(Y);
}

/* --- Barnes-Hut ----------------------------------------------------------------------------- */

#include "core/pool.h"
#include "reduce/vptree.h"

/* Dense copy of a sparse P, so the exact code can be fed the very same affinities. */
static double *densify(const TsneSparse *S)
{
    double *P = calloc(S->n * S->n, sizeof *P);
    for (size_t i = 0; i < S->n; i++)
        for (size_t t = S->row[i]; t < S->row[i + 1]; t++) P[i * S->n + S->col[t]] = S->val[t];
    return P;
}

static double rel_err(const double *a, const double *b, size_t m)
{
    double num = 0, den = 0;
    for (size_t i = 0; i < m; i++) { num += (a[i] - b[i]) * (a[i] - b[i]); den += b[i] * b[i]; }
    return sqrt(num / den);
}

Test(tsne_bh, sparse_affinities_are_a_symmetric_distribution_on_the_neighbours)
{
    enum { N = 80, D = 6 };
    uint64_t r = 21;
    float X[N * D];
    for (int i = 0; i < N * D; i++) X[i] = (float)gauss(&r);
    TsneSparse S;
    TzErr e;
    cr_assert_eq(tsne_affinities_sparse(X, N, D, 8, NULL, NULL, &S, &e), 0, "%s", e.en);
    double *P = densify(&S), sum = 0;
    for (size_t i = 0; i < N; i++) {
        size_t len = S.row[i + 1] - S.row[i];
        /* its own 24 neighbours, and those that have it among theirs */
        cr_assert(len >= 24 && len <= N - 1, "row %zu has %zu entries", i, len);
        for (size_t t = S.row[i]; t < S.row[i + 1]; t++) {
            cr_assert(S.col[t] != i, "no p_ii");
            if (t > S.row[i]) cr_assert(S.col[t] > S.col[t - 1], "columns increase");
        }
        for (size_t j = 0; j < N; j++) { sum += P[i * N + j]; cr_assert_eq(P[i * N + j], P[j * N + i]); }
    }
    cr_assert(fabs(sum - 1) < 1e-12, "sum %.15g", sum);
    free(P);
    tsne_sparse_free(&S);
}

/* The same sparse P in both: with θ = 0 the quad-tree sums every pair, so the Barnes-Hut
 * gradient and KL must equal the exact ones up to rounding (the summation order differs;
 * measured ~1e-15 relative). 1e-9 leaves room and still catches a missing or doubled pair,
 * which would be off by about 1/N. With θ = 0.5 the far cells are approximated: measured
 * 0.6 % on the gradient and 0.1 % on the KL here; the test allows 3 % and 1 %. */
Test(tsne_bh, gradient_matches_exact_on_the_same_P)
{
    enum { N = 60, D = 5 };
    uint64_t r = 7;
    float X[N * D];
    for (int i = 0; i < N * D; i++) X[i] = (float)gauss(&r);
    TsneSparse S;
    TzErr e;
    cr_assert_eq(tsne_affinities_sparse(X, N, D, 10, NULL, NULL, &S, &e), 0, "%s", e.en);
    double *P = densify(&S), Y[N * 2], ge[N * 2], gb[N * 2];
    for (int i = 0; i < N * 2; i++) Y[i] = 3 * gauss(&r);
    /* three points on top of each other: a quad-tree leaf that cannot be split */
    Y[10] = Y[12] = Y[14];
    Y[11] = Y[13] = Y[15];
    double ke = tsne_kl(P, Y, N, ge);
    Pool *pool = pool_new(2);
    for (int threads = 1; threads <= 2; threads++) {
        double kb = tsne_bh_kl(&S, Y, 0.0, threads == 2 ? pool : NULL, gb);
        cr_assert(fabs(kb - ke) < 1e-9 * fabs(ke), "θ=0 KL %.15g vs exact %.15g", kb, ke);
        double err = rel_err(gb, ge, N * 2);
        cr_assert(err < 1e-9, "θ=0 gradient relative error %g (threads %d)", err, threads);
    }
    double kb = tsne_bh_kl(&S, Y, 0.5, pool, gb);
    double err = rel_err(gb, ge, N * 2);
    cr_assert(err < 0.03, "θ=0.5 gradient relative error %g", err);
    cr_assert(fabs(kb - ke) < 0.01 * fabs(ke), "θ=0.5 KL %g vs exact %g", kb, ke);
    pool_free(pool);
    free(P);
    tsne_sparse_free(&S);
}

Test(tsne_bh, vptree_knn_equals_brute_force)
{
    enum { N = 700, D = 9, K = 12 };
    uint64_t r = 99;
    float *X = malloc(N * D * sizeof *X);
    /* half a cloud, half a few tight clusters: both easy and hard cases for the pruning */
    for (int i = 0; i < N; i++)
        for (int j = 0; j < D; j++) X[i * D + j] = (float)(i < N / 2 ? gauss(&r) : 5 * (i % 7) + 0.05 * gauss(&r));
    VpTree t;
    vptree_build(&t, X, N, D, 3);
    uint32_t *nbr = malloc(N * K * sizeof *nbr);
    float *d2 = malloc(N * K * sizeof *d2);
    Pool *pool = pool_new(2);
    cr_assert_eq(vptree_knn_all(&t, K, pool, NULL, nbr, d2), 0);
    float *all = malloc(N * sizeof *all);
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) all[j] = j == i ? INFINITY : vptree_dist2(X + i * D, X + j * D, D);
        for (int m = 0; m < K; m++) {
            /* the m-th smallest by selection: the brute-force answer */
            int best = -1;
            for (int j = 0; j < N; j++) if (best < 0 || all[j] < all[best]) best = j;
            cr_assert_eq(d2[i * K + m], all[best], "point %d, neighbour %d: distance² %g, brute force %g", i, m,
                         d2[i * K + m], all[best]);
            /* the same point unless two are exactly as far (then either is right) */
            cr_assert(nbr[i * K + m] == (uint32_t)best || all[nbr[i * K + m]] == all[best], "point %d neighbour %d", i, m);
            all[best] = INFINITY;
        }
    }
    pool_free(pool);
    vptree_free(&t);
    free(X); free(nbr); free(d2); free(all);
}

/* How well a map keeps neighbourhoods: for each point, the share of its k nearest input
 * neighbours that are also among its k nearest map neighbours, averaged over the points. */
static double knn_preservation(const float *X, size_t n, size_t d, const double *Y, size_t k)
{
    double *dx = malloc(n * sizeof *dx), *dy = malloc(n * sizeof *dy);
    char *in = malloc(n);
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            double s = 0;
            for (size_t c = 0; c < d; c++) { double t = (double)X[i * d + c] - X[j * d + c]; s += t * t; }
            double a = Y[2 * i] - Y[2 * j], b = Y[2 * i + 1] - Y[2 * j + 1];
            dx[j] = j == i ? INFINITY : s;
            dy[j] = j == i ? INFINITY : a * a + b * b;
            in[j] = 0;
        }
        for (size_t m = 0; m < k; m++) {   /* mark the k nearest in the input */
            size_t b = 0;
            for (size_t j = 1; j < n; j++) if (dx[j] < dx[b]) b = j;
            in[b] = 1;
            dx[b] = INFINITY;
        }
        size_t hit = 0;
        for (size_t m = 0; m < k; m++) {   /* count the k nearest in the map that were marked */
            size_t b = 0;
            for (size_t j = 1; j < n; j++) if (dy[j] < dy[b]) b = j;
            hit += in[b];
            dy[b] = INFINITY;
        }
        total += (double)hit / (double)k;
    }
    free(dx); free(dy); free(in);
    return total / (double)n;
}

/* 5 Gaussian blobs × 100 points in 20-D (unit noise, centres 6 apart per coordinate). */
static float *blobs(uint64_t seed)
{
    enum { B = 5, PER = 100, D = 20 };
    uint64_t r = seed;
    float centre[B][D], *X = malloc(B * PER * D * sizeof *X);
    for (int b = 0; b < B; b++) for (int j = 0; j < D; j++) centre[b][j] = (float)(3 * gauss(&r));
    for (int i = 0; i < B * PER; i++)
        for (int j = 0; j < D; j++) X[i * D + j] = centre[i / PER][j] + (float)gauss(&r);
    return X;
}

/* Measured (500 iterations, six different blob seeds): exact keeps 0.39–0.41 and Barnes-Hut
 * 0.39–0.42 of each point's 10 nearest input neighbours among its 10 nearest on the map. The
 * threshold, 0.30, leaves a wide margin for other seeds, compilers and thread timings. It
 * cannot be passed by luck: a random map keeps ≈ k/N = 10/499 ≈ 0.02, and even a map that
 * sorts the points into the right blobs but scatters them inside keeps ≈ 10/99 ≈ 0.10; only
 * a map that keeps who is next to whom inside a blob gets above 0.3. (In 20-D with unit
 * noise "the 10 nearest" inside a blob is a weak structure — distances concentrate — so
 * 0.4 is a good score, not a poor one.) */
static void check_neighbourhoods(TsneMethod method)
{
    enum { N = 500, D = 20 };
    float *X = blobs(2024);
    TsneConfig cfg = tsne_defaults();
    cfg.method = method;
    cfg.iterations = 500;
    cfg.threads = 2;
    double *Y = malloc(N * 2 * sizeof *Y), kl;
    TzErr e;
    cr_assert_eq(tsne_run(X, N, D, &cfg, Y, &kl, NULL, NULL, &e), 0, "%s", e.en);
    double kept = knn_preservation(X, N, D, Y, 10);
    cr_log_info("method %d: KL %.4f, 10-NN preserved %.3f", (int)method, kl, kept);
    cr_assert(isfinite(kl) && kl > 0, "KL %g", kl);
    cr_assert(kept > 0.30, "only %.3f of the 10 nearest neighbours kept (method %d)", kept, (int)method);
    free(X);
    free(Y);
}

Test(tsne_bh, exact_map_keeps_neighbourhoods, .timeout = 60) { check_neighbourhoods(TSNE_EXACT); }
Test(tsne_bh, barnes_hut_map_keeps_neighbourhoods, .timeout = 60) { check_neighbourhoods(TSNE_BARNES_HUT); }

Test(tsne_bh, bad_input_is_refused_in_both_languages)
{
    enum { N = 60, D = 4 };
    uint64_t r = 5;
    float X[N * D];
    for (int i = 0; i < N * D; i++) X[i] = (float)gauss(&r);
    double Y[N * 2], kl;
    TsneConfig cfg = tsne_defaults();
    TzErr e;
    cfg.method = TSNE_BARNES_HUT;
    cfg.perplexity = 20;   /* 3·20 = 60 neighbours of 59 others: too many */
    cr_assert_eq(tsne_run(X, N, D, &cfg, Y, &kl, NULL, NULL, &e), TZ_E_ARG);
    cr_assert(strstr(e.en, "perplexity") && strstr(e.tr, "perplexity"), "%s / %s", e.en, e.tr);
    cfg.method = TSNE_EXACT;
    cr_assert_eq(tsne_run(X, N, D, &cfg, Y, &kl, NULL, NULL, &e), 0, "exact takes perplexity 20 of 60: %s", e.en);
    cfg.perplexity = 60;
    cr_assert_eq(tsne_run(X, N, D, &cfg, Y, &kl, NULL, NULL, &e), TZ_E_ARG, "exact: perplexity ≥ N");
    cfg.perplexity = 5;
    cr_assert_eq(tsne_run(X, 2, D, &cfg, Y, &kl, NULL, NULL, &e), TZ_E_ARG, "two points");
    cfg.method = TSNE_BARNES_HUT;
    cfg.theta = -0.1;
    cr_assert_eq(tsne_run(X, N, D, &cfg, Y, &kl, NULL, NULL, &e), TZ_E_ARG);
    cr_assert(strstr(e.en, "theta") && strstr(e.tr, "theta"), "%s", e.en);
    cfg.theta = 0.5;
    X[17] = NAN;
    cr_assert_eq(tsne_run(X, N, D, &cfg, Y, &kl, NULL, NULL, &e), TZ_E_ARG);
    cr_assert(strstr(e.en, "point 5") && strstr(e.tr, "5. nokta"), "names the point: %s / %s", e.en, e.tr);
    X[17] = INFINITY;
    cfg.method = TSNE_EXACT;
    cr_assert_eq(tsne_run(X, N, D, &cfg, Y, &kl, NULL, NULL, &e), TZ_E_ARG, "inf, exact");
    TsneSparse S;
    cr_assert_eq(tsne_affinities_sparse(X, N, D, 5, NULL, NULL, &S, &e), TZ_E_ARG, "inf, sparse");
    float *big = calloc(25000 * D, sizeof *big);
    cr_assert_eq(tsne_run(big, 25000, D, &cfg, Y, &kl, NULL, NULL, &e), TZ_E_NOMEM, "exact refuses huge N");
    free(big);
}

/* A job cancelled mid-run stops within a few iterations and keeps a usable map; snapshots
 * of the map arrive while it runs. */
typedef struct {
    const float *X;
    size_t n, d;
    TsneConfig cfg;
    double *Y, kl;
    Snapshot *snap;
} RunArg;

static int run_job(Job *job, void *arg, TzErr *e)
{
    RunArg *a = arg;
    return tsne_run(a->X, a->n, a->d, &a->cfg, a->Y, &a->kl, job, a->snap, e);
}

Test(tsne_bh, cancel_keeps_the_map_and_snapshots_arrive, .timeout = 30)
{
    enum { N = 2000, D = 10 };
    uint64_t r = 8;
    float *X = malloc(N * D * sizeof *X);
    for (int i = 0; i < N * D; i++) X[i] = (float)(gauss(&r) + (i / D) % 4 * 4);
    RunArg a = { .X = X, .n = N, .d = D, .cfg = tsne_defaults(), .Y = malloc(N * 2 * sizeof(double)),
                 .snap = snapshot_new() };
    a.cfg.iterations = 1000000;   /* would take hours: only the cancel ends it */
    a.cfg.threads = 2;
    snapshot_set_wanted(a.snap, 1);
    Job *j = job_start("t-SNE", "step", run_job, &a);
    uint64_t seen = 0;
    float *buf = NULL;
    size_t cap = 0, rows = 0, cols = 0;
    int64_t step = 0;
    double t0 = tz_now();
    while (!snapshot_take(a.snap, &seen, &buf, &cap, &rows, &cols, &step) && tz_now() - t0 < 20) {
        struct timespec ts = { 0, 5000000 };
        nanosleep(&ts, NULL);
    }
    cr_assert_eq(rows, N);
    cr_assert_eq(cols, 2);
    cr_assert(step > 0 && step % 10 == 0, "snapshot of step %lld", (long long)step);
    job_cancel(j);
    double t1 = tz_now();
    TzErr e;
    cr_assert_eq(job_wait(j, &e), 0, "%s", e.en);
    cr_assert(tz_now() - t1 < 2, "stopped %.2f s after the cancel", tz_now() - t1);
    cr_assert(isfinite(a.kl) && a.kl > 0, "KL %g", a.kl);
    for (int i = 0; i < N * 2; i++) cr_assert(isfinite(a.Y[i]));
    free(buf);
    snapshot_free(a.snap);
    free(a.Y);
    free(X);
}
