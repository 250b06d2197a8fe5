/* test_pca.c — PCA against numpy (a committed fixture), and cases with known answers. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "reduce/pca.h"

Test(pca, matches_numpy_on_a_cloud)
{
    FILE *f = fopen("tests/ref/pca/cloud.txt", "r");
    cr_assert_not_null(f, "run the tests from the project root");
    size_t N, D, K;
    cr_assert_eq(fscanf(f, "%zu %zu %zu", &N, &D, &K), 3);
    float *X = malloc(N * D * sizeof *X), *Y = malloc(N * K * sizeof *Y);
    double *ratio = malloc(K * sizeof *ratio), *axes = malloc(K * D * sizeof *axes), *Yw = malloc(N * K * sizeof *Yw);
    for (size_t i = 0; i < N * D; i++) cr_assert_eq(fscanf(f, "%f", &X[i]), 1);
    for (size_t i = 0; i < K; i++) cr_assert_eq(fscanf(f, "%lf", &ratio[i]), 1);
    for (size_t i = 0; i < K * D; i++) cr_assert_eq(fscanf(f, "%lf", &axes[i]), 1);
    for (size_t i = 0; i < N * K; i++) cr_assert_eq(fscanf(f, "%lf", &Yw[i]), 1);
    fclose(f);
    Pca p;
    TzErr e;
    cr_assert_eq(pca_fit(&p, X, N, D, K, &e), 0, "%s", e.en);
    for (size_t c = 0; c < K; c++) {
        cr_assert(fabs(p.ratio[c] - ratio[c]) < 1e-4, "ratio %zu: %g vs numpy %g", c, p.ratio[c], ratio[c]);
        for (size_t j = 0; j < D; j++)
            cr_assert(fabs(p.axes[c * D + j] - axes[c * D + j]) < 1e-3, "axis %zu[%zu]: %g vs %g", c, j,
                      p.axes[c * D + j], axes[c * D + j]);
    }
    pca_project(&p, X, N, Y);
    for (size_t i = 0; i < N * K; i++)
        cr_assert(fabs(Y[i] - Yw[i]) < 2e-3 * (1 + fabs(Yw[i])), "projection %zu: %g vs %g", i, Y[i], Yw[i]);
    pca_free(&p);
    free(X); free(Y); free(ratio); free(axes); free(Yw);
}

Test(pca, points_on_a_line_have_one_component)
{
    /* x = t·(3, 4) + (1, 1): all variance on the axis (0.6, 0.8) */
    float X[2 * 10];
    for (int i = 0; i < 10; i++) { X[2 * i] = 1 + 3.0f * (float)i; X[2 * i + 1] = 1 + 4.0f * (float)i; }
    Pca p;
    TzErr e;
    cr_assert_eq(pca_fit(&p, X, 10, 2, 2, &e), 0, "%s", e.en);
    cr_assert(fabs(p.ratio[0] - 1.0) < 1e-5, "ratio %g", p.ratio[0]);
    cr_assert(fabs(p.ratio[1]) < 1e-5);
    cr_assert(fabs(p.axes[0] - 0.6f) < 1e-4 && fabs(p.axes[1] - 0.8f) < 1e-4, "axis (%g, %g)", p.axes[0], p.axes[1]);
    float Y[10 * 2];
    pca_project(&p, X, 10, Y);
    /* projections are spaced 5 apart (|(3,4)| = 5) and centred */
    cr_assert(fabs((Y[2] - Y[0]) - 5.0f) < 1e-3);
    cr_assert(fabs(Y[0] + Y[18]) < 1e-3);
    pca_free(&p);
}

Test(pca, bad_requests_are_refused)
{
    float X[6] = { 1, 2, 3, 4, 5, 6 };
    Pca p;
    TzErr e;
    cr_assert_eq(pca_fit(&p, X, 1, 6, 2, &e), TZ_E_ARG, "one point");
    cr_assert(e.tr[0] && e.en[0]);
    cr_assert_eq(pca_fit(&p, X, 3, 2, 3, &e), TZ_E_ARG, "more components than dimensions");
    cr_assert_eq(pca_fit(&p, X, 3, 2, 0, &e), TZ_E_ARG, "no component");
    pca_free(&p);
}
