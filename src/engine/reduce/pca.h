/* pca.h — principal component analysis: the k directions along which a cloud of vectors
 * varies most, and the coordinates of every vector along them (for the 2-D embedding plots).
 *
 * Shapes: X is N×D (rows = points). mean (D) is subtracted, then the covariance
 *     S = Xcᵀ Xc / (N − 1)                  (D×D, one cblas_ssyrk)
 * is diagonalised (LAPACK ssyevr): its eigenvectors with the k largest eigenvalues λ are the
 * principal axes (k×D), and the projections are Y = Xc Wᵀ (N×k). ratio[i] = λ_i / Σ λ is the
 * share of the total variance the axis explains (what `plot pca` writes on its axes).
 * An eigenvector's sign is arbitrary; we flip each axis so that its largest-magnitude entry
 * is positive, so the same data always gives the same picture.
 * Reference in tests: numpy.linalg.eigh on the same covariance (tests/ref/make_pca_fixture.py).
 */
#ifndef TZ_PCA_H
#define TZ_PCA_H

#include <stddef.h>
#include "core/err.h"

typedef struct {
    size_t d, k;
    float *mean;      /* D */
    float *axes;      /* k×D, unit rows, largest variance first */
    double *var;      /* k eigenvalues (variance along each axis) */
    double *ratio;    /* k shares of the total variance */
    double total;     /* Σ of all D eigenvalues = the trace of S */
} Pca;

/* Fit on n ≥ 2 points of dimension d; 1 ≤ k ≤ d. */
int pca_fit(Pca *p, const float *X, size_t n, size_t d, size_t k, TzErr *e);
/* Y (n×k) = (X − mean) axesᵀ */
void pca_project(const Pca *p, const float *X, size_t n, float *Y);
void pca_free(Pca *p);   /* safe on a zeroed struct */

#endif
