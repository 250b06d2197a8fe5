/* rnn_bench.c — the C side of bench/rnn.sh: times the engine's recurrent language model with
 * nothing else in the process (no REPL, no window), so that its time and peak memory compare
 * with a Python process doing the same with PyTorch (bench/rnn_torch.py).
 *
 *   rnn_bench train rnn|lstm|gru [H=256] [L=1] [V=96] [E=64] [T=64] [B=32] [steps=20] [warmup=3]
 *                   [clip=5] [seed=1] [threads=0]
 *       One training step is what `train lstm …` does for every batch: zero the gradients,
 *       rnnlm_loss with the gradient (embedding → L cells → linear → softmax cross-entropy →
 *       back through time; the states carried from the step before), optim_clip to a global
 *       norm of `clip`, optim_step (Adam, lr 1e-3). The tokens are random ids (an LCG), the
 *       same every run. Prints one line:
 *         "ms_median M ms_best B tokens_s R rss_mb S"
 *       — the median and best time of one step over `steps` timed steps after `warmup`
 *       untimed ones, tokens/s = T·B / median, and the process's peak resident set.
 *   rnn_bench gen rnn|lstm|gru [H=256] [L=1] [V=96] [E=64] [n=2000] [warmup=100] [seed=1] [threads=0]
 *       Generation at batch 1: rnnlm_step, then rnnlm_sample (temperature 1, all tokens), the
 *       sampled token fed back, n times. Prints "tokens_s R ms_per_token M".
 * threads=N (N > 0): at most N threads — the cells' team (cell_set_threads) and OpenBLAS's own
 * (openblas_set_num_threads, for the products outside the cells: the output layer).
 * Exit status 0 on success, 1 with a message on stderr otherwise.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/job.h"
#include "models/rnnlm.h"
#include "nn/optim.h"

void openblas_set_num_threads(int n);      /* OpenBLAS's own, not in every cblas.h */

static const char *opt(int argc, char **argv, int from, const char *key, const char *def)
{
    size_t n = strlen(key);
    for (int i = from; i < argc; i++)
        if (!strncmp(argv[i], key, n) && argv[i][n] == '=') return argv[i] + n + 1;
    return def;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* VmHWM of /proc/self/status: the peak resident set, in MB (0 when unreadable). */
static double peak_rss_mb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return 0;
    char line[256];
    double kb = 0;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "VmHWM:", 6)) kb = atof(line + 6);
    fclose(f);
    return kb / 1024.0;
}

static uint64_t lcg(uint64_t *r)
{
    *r = *r * 6364136223846793005ULL + 1442695040888963407ULL;
    return *r >> 33;
}

static int kind_of(const char *s, CellKind *k)
{
    if (!strcmp(s, "rnn")) *k = TZ_CELL_RNN;
    else if (!strcmp(s, "lstm")) *k = TZ_CELL_LSTM;
    else if (!strcmp(s, "gru")) *k = TZ_CELL_GRU;
    else return 0;
    return 1;
}

static int run_train(int argc, char **argv, CellKind kind)
{
    int H = atoi(opt(argc, argv, 3, "H", "256")), L = atoi(opt(argc, argv, 3, "L", "1"));
    int V = atoi(opt(argc, argv, 3, "V", "96")), E = atoi(opt(argc, argv, 3, "E", "64"));
    int T = atoi(opt(argc, argv, 3, "T", "64")), B = atoi(opt(argc, argv, 3, "B", "32"));
    int steps = atoi(opt(argc, argv, 3, "steps", "20")), warmup = atoi(opt(argc, argv, 3, "warmup", "3"));
    double clip = atof(opt(argc, argv, 3, "clip", "5"));
    uint64_t seed = strtoull(opt(argc, argv, 3, "seed", "1"), NULL, 10);
    if (H < 1 || L < 1 || L > RNNLM_MAX_LAYERS || V < 2 || E < 1 || T < 1 || B < 1 || steps < 1 || warmup < 0)
        return fprintf(stderr, "rnn_bench: bad sizes\n"), 1;
    RnnLM m;
    rnnlm_init(&m, kind, V, E, H, L, seed);
    RnnLMWork w;
    rnnlm_work_init(&w, &m);
    Optim o;
    optim_init(&o, OPT_ADAM, 1e-3f);
    rnnlm_add_params(&o, &m, &w);
    size_t TB = (size_t)T * (size_t)B, LBH = (size_t)L * (size_t)B * (size_t)H;
    int32_t *x = malloc(TB * sizeof *x), *y = malloc(TB * sizeof *y);
    float *h = calloc(LBH, sizeof *h), *c = calloc(LBH, sizeof *c);
    double *ms = malloc((size_t)steps * sizeof *ms), loss = 0;
    uint64_t r = seed;
    for (int s = 0; s < warmup + steps; s++) {
        for (size_t i = 0; i < TB; i++) { x[i] = (int32_t)(lcg(&r) % (uint64_t)V); y[i] = (int32_t)(lcg(&r) % (uint64_t)V); }
        double t0 = tz_now();
        optim_zero_grad(&o);
        loss = rnnlm_loss(&m, &w, x, y, T, B, h, c, 1, h, c);
        optim_clip(&o, clip);
        optim_step(&o, 1e-3f);
        double t = tz_now() - t0;
        if (s >= warmup) ms[s - warmup] = t * 1e3;
    }
    qsort(ms, (size_t)steps, sizeof *ms, cmp_double);
    double med = steps % 2 ? ms[steps / 2] : 0.5 * (ms[steps / 2 - 1] + ms[steps / 2]);
    printf("ms_median %.3f ms_best %.3f tokens_s %.0f rss_mb %.1f loss %.4f\n", med, ms[0], (double)TB / (med / 1e3),
           peak_rss_mb(), loss);
    free(x); free(y); free(h); free(c); free(ms);
    optim_free(&o);
    rnnlm_work_free(&w);
    rnnlm_free(&m);
    return 0;
}

static int run_gen(int argc, char **argv, CellKind kind)
{
    int H = atoi(opt(argc, argv, 3, "H", "256")), L = atoi(opt(argc, argv, 3, "L", "1"));
    int V = atoi(opt(argc, argv, 3, "V", "96")), E = atoi(opt(argc, argv, 3, "E", "64"));
    int n = atoi(opt(argc, argv, 3, "n", "2000")), warmup = atoi(opt(argc, argv, 3, "warmup", "100"));
    uint64_t seed = strtoull(opt(argc, argv, 3, "seed", "1"), NULL, 10);
    if (H < 1 || L < 1 || L > RNNLM_MAX_LAYERS || V < 2 || E < 1 || n < 1 || warmup < 0)
        return fprintf(stderr, "rnn_bench: bad sizes\n"), 1;
    RnnLM m;
    rnnlm_init(&m, kind, V, E, H, L, seed);
    RnnLMWork w;
    rnnlm_work_init(&w, &m);
    float *h = calloc((size_t)L * (size_t)H, sizeof *h), *c = calloc((size_t)L * (size_t)H, sizeof *c);
    float *logits = malloc((size_t)V * sizeof *logits);
    uint64_t r = seed;
    int32_t tok = 0;
    double t0 = 0;
    long hist = 0;
    for (int i = 0; i < warmup + n; i++) {
        if (i == warmup) t0 = tz_now();
        rnnlm_step(&m, &w, tok, h, c, logits);
        tok = rnnlm_sample(logits, V, 1.0f, 0, &r);
        hist += tok;
    }
    double t = tz_now() - t0;
    printf("tokens_s %.0f ms_per_token %.4f rss_mb %.1f check %ld\n", n / t, t * 1e3 / n, peak_rss_mb(), hist);
    free(h); free(c); free(logits);
    rnnlm_work_free(&w);
    rnnlm_free(&m);
    return 0;
}

int main(int argc, char **argv)
{
    CellKind kind;
    if (argc < 3 || !kind_of(argv[2], &kind) || (strcmp(argv[1], "train") && strcmp(argv[1], "gen")))
        return fprintf(stderr, "usage: rnn_bench train|gen rnn|lstm|gru [key=value...]\n"), 1;
    int threads = atoi(opt(argc, argv, 3, "threads", "0"));
    if (threads > 0) {
        cell_set_threads(threads);
        openblas_set_num_threads(threads);
    }
    return !strcmp(argv[1], "train") ? run_train(argc, argv, kind) : run_gen(argc, argv, kind);
}
