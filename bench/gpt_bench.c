/* gpt_bench.c — the C side of bench/gpt.sh: times the engine's GPT with nothing else in the
 * process (no REPL, no window), so that its time and peak memory compare with a Python process
 * doing the same with PyTorch (bench/gpt_torch.py).
 *
 *   gpt_bench train [V=512] [C=128] [D=128] [L=4] [H=4] [B=16] [T=C] [steps=20] [warmup=3]
 *                   [dropout=0] [clip=1] [seed=1] [threads=0]
 *       One training step: zero the gradients, gpt_forward with targets, gpt_backward,
 *       optim_clip to a global norm of `clip`, optim_step (AdamW, lr 3e-4, weight decay 0.1 —
 *       what gpt_torch.py's torch.optim.AdamW does). The tokens are random ids (an LCG), new
 *       every step. With dropout > 0 the work's dropout is set and its seed bumped every step,
 *       as a trainer does. Prints one line:
 *         "ms_median M ms_best B tokens_s R rss_mb S loss X cpu_ms U"
 *       — the median and best time of one step over `steps` timed steps after `warmup`
 *       untimed ones, tokens/s = B·T / median, the process's peak resident set, the median CPU
 *       time of a step (all threads together: U ≈ threads × M when they never wait).
 *   gpt_bench gen [V=512] [C=128] [D=128] [L=4] [H=4] [prompt=16] [n=100] [warmup=8] [seed=1]
 *                 [threads=0]
 *       Generation at batch 1 through models/gpt_gen.h: a prompt of random ids fed in one go
 *       (gpt_kv_feed), then n tokens one at a time (gpt_kv_step → sample_dist at temperature 1,
 *       all tokens → sample_pick → fed back). Prints "tokens_s R ms_median M prompt_ms P
 *       rss_mb S" (M: ms per generated token, named as train's figure so that the scripts pick the
 *       fastest run the same way; P: the prompt's feed and first draw).
 * The model is gpt_init's GPT-2 initialisation of the seed (random weights: speed does not
 * depend on what the weights say).
 * threads=N (N > 0): at most N threads — the engine's team (cell_set_threads: the GPT's
 * parallel loops and the recurrent cells share it) and OpenBLAS's own (openblas_set_num_threads,
 * for products made outside the team).
 * Exit status 0 on success, 1 with a message on stderr otherwise.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/job.h"
#include "models/gpt.h"
#include "nn/optim.h"
#include "nn/recurrent.h"
#include "models/gpt_gen.h"
#include "nn/sample.h"

void openblas_set_num_threads(int n);      /* OpenBLAS's own, not in every cblas.h */

static const char *opt(int argc, char **argv, const char *key, const char *def)
{
    size_t n = strlen(key);
    for (int i = 2; i < argc; i++)
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

/* CPU time of the whole process (every thread), in seconds. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint64_t lcg(uint64_t *r)
{
    *r = *r * 6364136223846793005ULL + 1442695040888963407ULL;
    return *r >> 33;
}

static int config(int argc, char **argv, GptConfig *c)
{
    c->V = atoi(opt(argc, argv, "V", "512"));
    c->C = atoi(opt(argc, argv, "C", "128"));
    c->D = atoi(opt(argc, argv, "D", "128"));
    c->L = atoi(opt(argc, argv, "L", "4"));
    c->H = atoi(opt(argc, argv, "H", "4"));
    if (!gpt_config_ok(c)) return fprintf(stderr, "gpt_bench: bad model sizes\n"), 0;
    return 1;
}

static int run_train(int argc, char **argv)
{
    GptConfig c;
    if (!config(argc, argv, &c)) return 1;
    int B = atoi(opt(argc, argv, "B", "16")), T = atoi(opt(argc, argv, "T", opt(argc, argv, "C", "128")));
    int steps = atoi(opt(argc, argv, "steps", "20")), warmup = atoi(opt(argc, argv, "warmup", "3"));
    double clip = atof(opt(argc, argv, "clip", "1"));
    float dropout = (float)atof(opt(argc, argv, "dropout", "0"));
    uint64_t seed = strtoull(opt(argc, argv, "seed", "1"), NULL, 10);
    if (B < 1 || T < 1 || T > c.C || steps < 1 || warmup < 0 || dropout < 0 || dropout >= 1)
        return fprintf(stderr, "gpt_bench: bad sizes\n"), 1;
    Gpt g, dg;
    GptWork w;
    if (gpt_alloc(&g, &c) || gpt_alloc(&dg, &c) || gpt_work_alloc(&w, &c, B, T))
        return fprintf(stderr, "gpt_bench: out of memory\n"), 1;
    gpt_init(&g, seed);
    Optim o;
    optim_init(&o, OPT_ADAMW, 3e-4f);
    o.weight_decay = 0.1f;
    for (int i = 0; i < gpt_ntensors(&c); i++) {
        size_t n;
        float *p = gpt_tensor(&g, i, NULL, 0, &n, NULL, NULL), *d = gpt_tensor(&dg, i, NULL, 0, NULL, NULL, NULL);
        optim_add(&o, p, d, n);
    }
    size_t N = (size_t)B * (size_t)T;
    int32_t *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    double *ms = malloc((size_t)steps * sizeof *ms), *cpu = malloc((size_t)steps * sizeof *cpu), loss = 0;
    if (!x || !y || !ms || !cpu) return fprintf(stderr, "gpt_bench: out of memory\n"), 1;
    w.dropout = dropout;
    uint64_t r = seed;
    for (int s = 0; s < warmup + steps; s++) {
        for (size_t i = 0; i < N; i++) {
            x[i] = (int32_t)(lcg(&r) % (uint64_t)c.V);
            y[i] = (int32_t)(lcg(&r) % (uint64_t)c.V);
        }
        w.drop_seed = (uint64_t)s + 1;
        double c0 = cpu_now(), t0 = tz_now();
        optim_zero_grad(&o);
        loss = gpt_forward(&g, &w, x, y, B, T);
        gpt_backward(&g, &dg, &w, x, y, B, T);
        if (clip > 0) optim_clip(&o, clip);
        optim_step(&o, 3e-4f);
        double t = tz_now() - t0;
        if (s >= warmup) {
            ms[s - warmup] = t * 1e3;
            cpu[s - warmup] = (cpu_now() - c0) * 1e3;
        }
    }
    qsort(ms, (size_t)steps, sizeof *ms, cmp_double);
    qsort(cpu, (size_t)steps, sizeof *cpu, cmp_double);
    double med = steps % 2 ? ms[steps / 2] : 0.5 * (ms[steps / 2 - 1] + ms[steps / 2]);
    double cmed = steps % 2 ? cpu[steps / 2] : 0.5 * (cpu[steps / 2 - 1] + cpu[steps / 2]);
    printf("ms_median %.3f ms_best %.3f tokens_s %.0f rss_mb %.1f loss %.4f cpu_ms %.1f\n", med, ms[0],
           (double)N / (med / 1e3), peak_rss_mb(), loss, cmed);
    free(x);
    free(y);
    free(ms);
    free(cpu);
    optim_free(&o);
    gpt_work_free(&w);
    gpt_free(&dg);
    gpt_free(&g);
    return 0;
}

/* One token drawn as gpt_torch.py draws it: softmax at temperature 1 over all V, one draw. */
static int32_t draw(const float *logits, int V, float *probs, int32_t *order, uint64_t *rng)
{
    SampleParams sp = {1.0f, 0, 1.0f};
    size_t kept = sample_dist(logits, V, &sp, probs, order);
    return sample_pick(probs, order, kept, rng);
}

static int run_gen(int argc, char **argv)
{
    GptConfig c;
    if (!config(argc, argv, &c)) return 1;
    int P = atoi(opt(argc, argv, "prompt", "16")), n = atoi(opt(argc, argv, "n", "100"));
    int warmup = atoi(opt(argc, argv, "warmup", "8"));
    uint64_t seed = strtoull(opt(argc, argv, "seed", "1"), NULL, 10);
    if (P < 1 || n < 1 || warmup < 0 || P + (n > warmup ? n : warmup) > c.C)
        return fprintf(stderr, "gpt_bench: prompt + n must fit in the context\n"), 1;
    Gpt g;
    GptKV kv;
    if (gpt_alloc(&g, &c)) return fprintf(stderr, "gpt_bench: out of memory\n"), 1;
    if (gpt_kv_alloc(&kv, &c)) return fprintf(stderr, "gpt_bench: out of memory\n"), 1;
    gpt_init(&g, seed);
    int32_t *prompt = malloc((size_t)P * sizeof *prompt), *order = malloc((size_t)c.V * sizeof *order);
    float *probs = malloc((size_t)c.V * sizeof *probs);
    if (!prompt || !order || !probs) return fprintf(stderr, "gpt_bench: out of memory\n"), 1;
    uint64_t r = seed, rng = sample_seed(seed);
    long check = 0;
    double t0 = 0, t1 = 0, t2 = 0;
    /* a warm-up run (untimed), then the timed one: the prompt in one gpt_kv_feed, then n steps */
    for (int run = 0; run < 2; run++) {
        int count = run ? n : warmup;
        for (int i = 0; i < P; i++) prompt[i] = (int32_t)(lcg(&r) % (uint64_t)c.V);
        gpt_kv_reset(&kv);
        t0 = tz_now();
        int32_t tok = draw(gpt_kv_feed(&g, &kv, prompt, (size_t)P), c.V, probs, order, &rng);
        t1 = tz_now();
        for (int i = 0; i < count; i++) {
            tok = draw(gpt_kv_step(&g, &kv, tok), c.V, probs, order, &rng);
            check += tok;
        }
        t2 = tz_now();
    }
    printf("tokens_s %.1f ms_median %.4f prompt_ms %.3f rss_mb %.1f check %ld\n", n / (t2 - t1),
           (t2 - t1) * 1e3 / n, (t1 - t0) * 1e3, peak_rss_mb(), check);
    free(prompt);
    free(order);
    free(probs);
    gpt_kv_free(&kv);
    gpt_free(&g);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "train") && strcmp(argv[1], "gen")))
        return fprintf(stderr, "usage: gpt_bench train|gen [key=value...]\n"), 1;
    int threads = atoi(opt(argc, argv, "threads", "0"));
    if (threads > 0) {
        cell_set_threads(threads);
        openblas_set_num_threads(threads);
    }
    return !strcmp(argv[1], "train") ? run_train(argc, argv) : run_gen(argc, argv);
}
