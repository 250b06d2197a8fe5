/* pca.c — see pca.h. */
#include "reduce/pca.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* LAPACK's symmetric eigensolver (OpenBLAS carries LAPACK): eigenvalues il..iu in ascending
 * order, and their eigenvectors in the columns of Z (column-major, ldz × m). */
extern void ssyevr_(const char *jobz, const char *range, const char *uplo, const int *n, float *a,
                    const int *lda, const float *vl, const float *vu, const int *il, const int *iu,
                    const float *abstol, int *m, float *w, float *z, const int *ldz, int *isuppz,
                    float *work, const int *lwork, int *iwork, const int *liwork, int *info);

void pca_free(Pca *p)
{
    free(p->mean);
    free(p->axes);
    free(p->var);
    free(p->ratio);
    memset(p, 0, sizeof *p);
}

int pca_fit(Pca *p, const float *X, size_t n, size_t d, size_t k, TzErr *e)
{
    memset(p, 0, sizeof *p);
    if (n < 2)
        return tz_errf(e, TZ_E_ARG, "PCA için en az 2 nokta gerekli (%zu verildi).",
                       "PCA needs at least 2 points (%zu given).", n);
    if (d < 1 || k < 1 || k > d || d > 20000)
        return tz_errf(e, TZ_E_ARG, "PCA: boyut %zu, bileşen %zu olamaz (1 ≤ bileşen ≤ boyut ≤ 20000).",
                       "PCA: %zu dimensions with %zu components is not possible (1 ≤ components ≤ dimensions ≤ 20000).",
                       d, k);
    /* the mean, in double so that large n does not lose digits */
    double *m = tz_calloc(d, sizeof *m);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++) m[j] += X[i * d + j];
    p->mean = tz_malloc(d * sizeof *p->mean);
    for (size_t j = 0; j < d; j++) p->mean[j] = (float)(m[j] / (double)n);
    free(m);
    /* Xc (n×d), then S = Xcᵀ Xc / (n − 1): only the upper triangle is filled (ssyrk) */
    float *Xc = tz_malloc(n * d * sizeof *Xc);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++) Xc[i * d + j] = X[i * d + j] - p->mean[j];
    float *S = tz_calloc(d * d, sizeof *S);
    cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)d, (int)n, 1.0f / (float)(n - 1), Xc, (int)d, 0.0f,
                S, (int)d);
    free(Xc);
    double total = 0;
    for (size_t j = 0; j < d; j++) total += S[j * d + j];
    /* The k largest eigenpairs: indices d−k+1..d in LAPACK's ascending (1-based) order. A
     * row-major upper triangle is a column-major lower one, hence uplo = "L". */
    int N = (int)d, il = (int)(d - k + 1), iu = (int)d, found = 0, info = 0, lwork = -1, liwork = -1, iwq;
    float vl = 0, vu = 0, abstol = 0, wq;
    float *w = tz_malloc(d * sizeof *w), *Z = tz_malloc(d * k * sizeof *Z);
    int *isuppz = tz_malloc(2 * k * sizeof *isuppz);
    ssyevr_("V", "I", "L", &N, S, &N, &vl, &vu, &il, &iu, &abstol, &found, w, Z, &N, isuppz, &wq, &lwork, &iwq,
            &liwork, &info);
    lwork = (int)wq;
    liwork = iwq;
    float *work = tz_malloc((size_t)lwork * sizeof *work);
    int *iwork = tz_malloc((size_t)liwork * sizeof *iwork);
    ssyevr_("V", "I", "L", &N, S, &N, &vl, &vu, &il, &iu, &abstol, &found, w, Z, &N, isuppz, work, &lwork, iwork,
            &liwork, &info);
    free(work);
    free(iwork);
    free(isuppz);
    free(S);
    if (info != 0 || found != (int)k) {
        free(w);
        free(Z);
        pca_free(p);
        return tz_errf(e, TZ_E_ARG, "PCA: özdeğer çözücüsü yakınsamadı (info=%d).",
                       "PCA: the eigensolver did not converge (info=%d).", info);
    }
    p->d = d;
    p->k = k;
    p->total = total;
    p->axes = tz_malloc(k * d * sizeof *p->axes);
    p->var = tz_malloc(k * sizeof *p->var);
    p->ratio = tz_malloc(k * sizeof *p->ratio);
    for (size_t c = 0; c < k; c++) {
        size_t src = k - 1 - c;                    /* largest first */
        const float *z = Z + src * d;              /* column src of the column-major Z */
        size_t big = 0;
        for (size_t j = 1; j < d; j++) if (fabsf(z[j]) > fabsf(z[big])) big = j;
        float sgn = z[big] < 0 ? -1.0f : 1.0f;     /* the sign convention of pca.h */
        for (size_t j = 0; j < d; j++) p->axes[c * d + j] = sgn * z[j];
        double lam = w[src] > 0 ? w[src] : 0;      /* rounding can give −1e-9 for a flat axis */
        p->var[c] = lam;
        p->ratio[c] = total > 0 ? lam / total : 0;
    }
    free(w);
    free(Z);
    return 0;
}

void pca_project(const Pca *p, const float *X, size_t n, float *Y)
{
    size_t d = p->d, k = p->k;
    float *row = tz_malloc(d * sizeof *row);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < d; j++) row[j] = X[i * d + j] - p->mean[j];
        for (size_t c = 0; c < k; c++) Y[i * k + c] = cblas_sdot((int)d, row, 1, p->axes + c * d, 1);
    }
    free(row);
}
