/* test_tsne.c — t-SNE: the KL gradient against central differences, the affinities, and a
 * map that keeps well-separated clusters apart. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdlib.h>

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
