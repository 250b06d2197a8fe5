/* tsne_warm.c — continuing a t-SNE map from where it was (see tsne_continue in tsne.h).
 *
 * Used by the live view: while Word2Vec trains, the watched words' vectors change a little
 * between two snapshots, and running t-SNE from scratch each time would throw the layout
 * around. Starting from the previous map, without early exaggeration and with the momentum
 * of the late phase, a few dozen iterations follow the change smoothly. Exact gradients: the
 * live view watches at most a few hundred words.
 */
#include "reduce/tsne.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int tsne_continue(const float *X, size_t n, size_t d, const TsneConfig *cfg, const double *start, int iterations,
                  double *Y, TzErr *e)
{
    if (n > 5000)
        return tz_errf(e, TZ_E_ARG, "canlı t-SNE en çok 5000 nokta izler (%zu istendi).",
                       "live t-SNE follows at most 5000 points (%zu were asked for).", n);
    double *P = tz_malloc(n * n * sizeof *P);
    int rc = tsne_affinities(X, n, d, cfg->perplexity, P, e);
    if (rc) { free(P); return rc; }
    memcpy(Y, start, 2 * n * sizeof *Y);
    double lr = cfg->learning_rate > 0 ? cfg->learning_rate : fmax((double)n / cfg->exaggeration / 4.0, 50.0);
    double *grad = tz_malloc(2 * n * sizeof *grad), *upd = tz_calloc(2 * n, sizeof *upd);
    double *gains = tz_malloc(2 * n * sizeof *gains);
    for (size_t i = 0; i < 2 * n; i++) gains[i] = 1;
    for (int it = 0; it < iterations; it++) {
        tsne_kl(P, Y, n, grad);
        for (size_t i = 0; i < 2 * n; i++) {
            gains[i] = (grad[i] > 0) != (upd[i] > 0) ? gains[i] + 0.2 : gains[i] * 0.8;
            if (gains[i] < 0.01) gains[i] = 0.01;
            upd[i] = 0.8 * upd[i] - lr * gains[i] * grad[i];
            Y[i] += upd[i];
        }
    }
    free(P);
    free(grad);
    free(upd);
    free(gains);
    return 0;
}
