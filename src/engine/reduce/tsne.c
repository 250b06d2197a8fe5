/* tsne.c — see tsne.h. */
#include "reduce/tsne.h"
#include "reduce/pca.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

TsneConfig tsne_defaults(void)
{
    TsneConfig c = { .perplexity = 30, .learning_rate = 0, .iterations = 1000, .exaggeration = 12,
                     .exaggeration_iters = 250, .method = TSNE_AUTO, .theta = 0.5, .seed = 1 };
    return c;
}

int tsne_affinities(const float *X, size_t n, size_t d, double perplexity, double *P, TzErr *e)
{
    if (n < 3) return tz_errf(e, TZ_E_ARG, "t-SNE için en az 3 nokta gerekli.", "t-SNE needs at least 3 points.");
    if (!(perplexity > 1) || perplexity >= (double)n)
        return tz_errf(e, TZ_E_ARG, "perplexity=%g: 1 ile nokta sayısı (%zu) arasında olmalı.",
                       "perplexity=%g: must lie between 1 and the number of points (%zu).", perplexity, n);
    /* squared distances */
    double *D2 = tz_malloc(n * n * sizeof *D2);
    for (size_t i = 0; i < n; i++) {
        D2[i * n + i] = 0;
        for (size_t j = i + 1; j < n; j++) {
            double s = 0;
            for (size_t k = 0; k < d; k++) { double t = (double)X[i * d + k] - X[j * d + k]; s += t * t; }
            D2[i * n + j] = D2[j * n + i] = s;
        }
    }
    double target = log(perplexity);   /* entropy in nats */
    for (size_t i = 0; i < n; i++) {
        /* bisection on beta = 1 / 2σ² until the entropy of row i is log(perplexity) */
        double beta = 1, lo = 0, hi = INFINITY;
        double *row = P + i * n;
        for (int it = 0; it < 100; it++) {
            double sum = 0, dot = 0;
            for (size_t j = 0; j < n; j++) {
                row[j] = j == i ? 0 : exp(-D2[i * n + j] * beta);
                sum += row[j];
                dot += row[j] * D2[i * n + j];
            }
            if (sum <= 0) sum = 1e-300;
            double H = log(sum) + beta * dot / sum;   /* entropy of p_{·|i} */
            for (size_t j = 0; j < n; j++) row[j] /= sum;
            if (fabs(H - target) < 1e-6) break;
            if (H > target) { lo = beta; beta = isinf(hi) ? beta * 2 : (beta + hi) / 2; }
            else { hi = beta; beta = (beta + lo) / 2; }
        }
    }
    free(D2);
    /* symmetrise: p_ij = (p_{j|i} + p_{i|j}) / 2N */
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            double v = (P[i * n + j] + P[j * n + i]) / (2.0 * (double)n);
            P[i * n + j] = P[j * n + i] = v < 1e-12 ? 1e-12 : v;
        }
    for (size_t i = 0; i < n; i++) P[i * n + i] = 0;
    return 0;
}

double tsne_kl(const double *P, const double *Y, size_t n, double *grad)
{
    /* W_ij = (1 + |y_i − y_j|²)⁻¹, Z = Σ W */
    double *W = tz_malloc(n * n * sizeof *W), Z = 0;
    for (size_t i = 0; i < n; i++) {
        W[i * n + i] = 0;
        for (size_t j = i + 1; j < n; j++) {
            double dx = Y[2 * i] - Y[2 * j], dy = Y[2 * i + 1] - Y[2 * j + 1];
            W[i * n + j] = W[j * n + i] = 1.0 / (1.0 + dx * dx + dy * dy);
            Z += 2 * W[i * n + j];
        }
    }
    double kl = 0;
    if (grad) memset(grad, 0, 2 * n * sizeof *grad);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            if (i == j) continue;
            double p = P[i * n + j], q = W[i * n + j] / Z;
            if (p > 0) kl += p * log(p / (q > 1e-300 ? q : 1e-300));
            if (grad) {
                double m = 4 * (p - q) * W[i * n + j];
                grad[2 * i] += m * (Y[2 * i] - Y[2 * j]);
                grad[2 * i + 1] += m * (Y[2 * i + 1] - Y[2 * j + 1]);
            }
        }
    free(W);
    return kl;
}

int tsne_run(const float *X, size_t n, size_t d, const TsneConfig *cfg, double *Y, double *kl, Job *job,
             Snapshot *snap, TzErr *e)
{
    if (n > 20000)
        return tz_errf(e, TZ_E_NOMEM, "kesin t-SNE %zu nokta için %.1f GB isterdi; daha az nokta seçin.",
                       "exact t-SNE on %zu points would need %.1f GB; choose fewer points.", n,
                       (double)n * (double)n * 16.0 / 1e9);
    double *P = tz_malloc(n * n * sizeof *P);
    int rc = tsne_affinities(X, n, d, cfg->perplexity, P, e);
    if (rc) { free(P); return rc; }
    /* PCA initialisation, scaled to standard deviation 1e-4 */
    Pca p;
    if ((rc = pca_fit(&p, X, n, d, d >= 2 ? 2 : 1, e))) { free(P); return rc; }
    float *Y0 = tz_malloc(n * 2 * sizeof *Y0);
    pca_project(&p, X, n, Y0);
    double sd = 0;
    for (size_t i = 0; i < n; i++) sd += (double)Y0[2 * i] * Y0[2 * i];
    sd = sqrt(sd / (double)n);
    for (size_t i = 0; i < 2 * n; i++) Y[i] = (d >= 2 || i % 2 == 0) ? (sd > 0 ? 1e-4 * Y0[i] / sd : 0) : 0;
    free(Y0);
    pca_free(&p);
    double lr = cfg->learning_rate > 0 ? cfg->learning_rate : fmax((double)n / cfg->exaggeration / 4.0, 50.0);
    double *grad = tz_malloc(2 * n * sizeof *grad), *upd = tz_calloc(2 * n, sizeof *upd), *gains = tz_malloc(2 * n * sizeof *gains);
    for (size_t i = 0; i < 2 * n; i++) gains[i] = 1;
    int exaggerated = cfg->exaggeration_iters > 0;
    if (exaggerated) for (size_t i = 0; i < n * n; i++) P[i] *= cfg->exaggeration;
    double last = 0;
    for (int it = 0; it < cfg->iterations; it++) {
        if (exaggerated && it == cfg->exaggeration_iters) {
            for (size_t i = 0; i < n * n; i++) P[i] /= cfg->exaggeration;
            exaggerated = 0;
        }
        last = tsne_kl(P, Y, n, grad);
        double mom = it < cfg->exaggeration_iters ? 0.5 : 0.8;
        for (size_t i = 0; i < 2 * n; i++) {
            /* gains grow where the gradient keeps its sign against the update, shrink otherwise */
            gains[i] = (grad[i] > 0) != (upd[i] > 0) ? gains[i] + 0.2 : gains[i] * 0.8;
            if (gains[i] < 0.01) gains[i] = 0.01;
            upd[i] = mom * upd[i] - lr * gains[i] * grad[i];
            Y[i] += upd[i];
        }
        /* keep the map centred */
        double mx = 0, my = 0;
        for (size_t i = 0; i < n; i++) { mx += Y[2 * i]; my += Y[2 * i + 1]; }
        for (size_t i = 0; i < n; i++) { Y[2 * i] -= mx / (double)n; Y[2 * i + 1] -= my / (double)n; }
        if (it % 10 == 0) {
            if (snapshot_wanted(snap)) snapshot_publish_d(snap, Y, n, 2, it + 1);
            job_report_loss(job, it + 1, cfg->iterations, last);
            if (job_cancelled(job)) break;
        }
    }
    if (exaggerated)   /* stopped (or ended) during early exaggeration: the KL of the true P */
        for (size_t i = 0; i < n * n; i++) P[i] /= cfg->exaggeration;
    if (kl) *kl = tsne_kl(P, Y, n, NULL);
    free(P);
    free(grad);
    free(upd);
    free(gains);
    return 0;
}
