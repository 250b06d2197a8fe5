/* tsne_bench.c — the C side of bench/viz.sh: times the engine's t-SNE and PCA on raw float
 * matrices, with nothing else in the process (no REPL, no window), so that its wall time and
 * peak memory are comparable with a Python process that does the same with scikit-learn.
 *
 *   tsne_bench tsne FILE.f32 N D [iterations=1000] [perplexity=30] [method=bh|exact|auto] [theta=0.5]
 *                   [threads=0] [out=FILE.f32]
 *       FILE.f32 holds N×D float32 rows (native byte order, no header). Prints one line:
 *       "time SECONDS kl KL n N" — the time of tsne_run alone (neighbours, affinities, PCA
 *       initialisation and the iterations), not of reading the file.
 *   tsne_bench pca N D [seed=1] [save=FILE.f32]
 *       PCA (2 components) of an N×D matrix of uniform random numbers in [−1, 1) made by the
 *       program; prints "time SECONDS var1 V1 var2 V2" — the time of pca_fit alone — and
 *       with save= writes the matrix, so that numpy can be timed on the very same numbers.
 *   tsne_bench kl FILE.f32 N D MAP.f32 [perplexity=30]
 *       the KL divergence of any map (N×2 float32) for our sparse P of X, with the exact Z:
 *       one yardstick for maps made by different programs.
 * Exit status 0 on success, 1 with a message on stderr otherwise.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/job.h"
#include "reduce/pca.h"
#include "reduce/tsne.h"

static const char *opt(int argc, char **argv, int from, const char *key, const char *def)
{
    size_t n = strlen(key);
    for (int i = from; i < argc; i++)
        if (!strncmp(argv[i], key, n) && argv[i][n] == '=') return argv[i] + n + 1;
    return def;
}

static int run_tsne(int argc, char **argv)
{
    if (argc < 5) return fprintf(stderr, "usage: tsne_bench tsne FILE.f32 N D [key=value...]\n"), 1;
    size_t n = strtoull(argv[3], NULL, 10), d = strtoull(argv[4], NULL, 10);
    float *X = malloc(n * d * sizeof *X);
    double *Y = malloc(n * 2 * sizeof *Y);
    FILE *f = fopen(argv[2], "rb");
    if (!X || !Y || !f || fread(X, sizeof *X, n * d, f) != n * d)
        return fprintf(stderr, "tsne_bench: cannot read %zu×%zu floats from %s: %s\n", n, d, argv[2], strerror(errno)), 1;
    fclose(f);
    TsneConfig cfg = tsne_defaults();
    cfg.iterations = atoi(opt(argc, argv, 5, "iterations", "1000"));
    cfg.perplexity = atof(opt(argc, argv, 5, "perplexity", "30"));
    cfg.threads = atoi(opt(argc, argv, 5, "threads", "0"));
    cfg.theta = atof(opt(argc, argv, 5, "theta", "0.5"));
    const char *m = opt(argc, argv, 5, "method", "bh");
    cfg.method = !strcmp(m, "exact") ? TSNE_EXACT : !strcmp(m, "auto") ? TSNE_AUTO : TSNE_BARNES_HUT;
    double kl = 0, t0 = tz_now();
    TzErr e;
    if (tsne_run(X, n, d, &cfg, Y, &kl, NULL, NULL, &e)) return fprintf(stderr, "tsne_bench: %s\n", e.en), 1;
    double t = tz_now() - t0;
    printf("time %.3f kl %.6f n %zu\n", t, kl, n);
    const char *out = opt(argc, argv, 5, "out", NULL);
    if (out) {
        FILE *g = fopen(out, "wb");
        float *Yf = malloc(n * 2 * sizeof *Yf);
        for (size_t i = 0; i < 2 * n; i++) Yf[i] = (float)Y[i];
        if (!g || !Yf || fwrite(Yf, sizeof *Yf, 2 * n, g) != 2 * n || fclose(g))
            return fprintf(stderr, "tsne_bench: cannot write %s\n", out), 1;
        free(Yf);
    }
    free(X);
    free(Y);
    return 0;
}

static int run_pca(int argc, char **argv)
{
    if (argc < 4) return fprintf(stderr, "usage: tsne_bench pca N D [seed=1] [save=FILE.f32]\n"), 1;
    size_t n = strtoull(argv[2], NULL, 10), d = strtoull(argv[3], NULL, 10);
    uint64_t s = strtoull(opt(argc, argv, 4, "seed", "1"), NULL, 10) * 2654435761u + 1;
    float *X = malloc(n * d * sizeof *X);
    if (!X) return fprintf(stderr, "tsne_bench: out of memory\n"), 1;
    for (size_t i = 0; i < n * d; i++) {   /* xorshift64*, uniform in [−1, 1) */
        s ^= s >> 12; s ^= s << 25; s ^= s >> 27;
        X[i] = (float)((double)((s * 2685821657736338717ULL) >> 11) / 4503599627370496.0 - 1.0);
    }
    Pca p;
    TzErr e;
    double t0 = tz_now();
    if (pca_fit(&p, X, n, d, 2, &e)) return fprintf(stderr, "tsne_bench: %s\n", e.en), 1;
    double t = tz_now() - t0;
    printf("time %.3f var1 %.6f var2 %.6f\n", t, p.var[0], p.var[1]);
    const char *save = opt(argc, argv, 4, "save", NULL);   /* the matrix, for numpy to read */
    if (save) {
        FILE *g = fopen(save, "wb");
        if (!g || fwrite(X, sizeof *X, n * d, g) != n * d || fclose(g))
            return fprintf(stderr, "tsne_bench: cannot write %s\n", save), 1;
    }
    pca_free(&p);
    free(X);
    return 0;
}

/* The KL divergence of a given map (M.f32: N×2 float32) for the affinities of X at a
 * perplexity, with the exact Z (θ = 0): the same yardstick for every program's map. */
static int run_kl(int argc, char **argv)
{
    if (argc < 6) return fprintf(stderr, "usage: tsne_bench kl FILE.f32 N D MAP.f32 [perplexity=30]\n"), 1;
    size_t n = strtoull(argv[3], NULL, 10), d = strtoull(argv[4], NULL, 10);
    float *X = malloc(n * d * sizeof *X), *Yf = malloc(n * 2 * sizeof *Yf);
    double *Y = malloc(n * 2 * sizeof *Y);
    FILE *f = fopen(argv[2], "rb"), *g = fopen(argv[5], "rb");
    if (!X || !Y || !Yf || !f || !g || fread(X, sizeof *X, n * d, f) != n * d || fread(Yf, sizeof *Yf, 2 * n, g) != 2 * n)
        return fprintf(stderr, "tsne_bench: cannot read %s and %s\n", argv[2], argv[5]), 1;
    fclose(f);
    fclose(g);
    for (size_t i = 0; i < 2 * n; i++) Y[i] = Yf[i];
    TsneSparse P;
    TzErr e;
    Pool *pool = pool_new(0);
    if (tsne_affinities_sparse(X, n, d, atof(opt(argc, argv, 6, "perplexity", "30")), pool, NULL, &P, &e))
        return fprintf(stderr, "tsne_bench: %s\n", e.en), 1;
    printf("kl %.6f\n", tsne_bh_kl(&P, Y, 0.0, pool, NULL));
    tsne_sparse_free(&P);
    pool_free(pool);
    free(X);
    free(Y);
    free(Yf);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "kl")) return run_kl(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "tsne")) return run_tsne(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "pca")) return run_pca(argc, argv);
    fprintf(stderr, "usage: tsne_bench tsne FILE.f32 N D [key=value...] | tsne_bench pca N D [seed=N] [save=FILE]"
                    " | tsne_bench kl FILE.f32 N D MAP.f32 [perplexity=P]\n");
    return 1;
}
