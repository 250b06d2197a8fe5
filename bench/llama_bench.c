/* llama_bench.c — the C side of bench/llama.sh: times the engine's LLaMA with nothing else in the
 * process (no REPL, no window), so that its time and peak memory compare with a Python process
 * doing the same with PyTorch (bench/llama_torch.py). The default shape is llama2.c's stories15M
 * (V 32000, C 256, D 288, L 6, H 6, Hkv 6, F 768, output tied to the embeddings).
 *
 *   llama_bench train [V=32000] [C=256] [D=288] [L=6] [H=6] [Hkv=6] [F=768] [B=8] [T=C] [steps=5]
 *                     [warmup=1] [clip=1] [seed=1] [threads=0]
 *       One training step: zero the gradients, llama_forward with targets, llama_backward,
 *       optim_clip to a global norm of `clip` (0: none), optim_step (AdamW, lr 3e-4, weight decay
 *       0.1, as llama_torch.py's torch.optim.AdamW). Random ids (an LCG), new every step. Prints
 *         "ms_median M ms_best B tokens_s R rss_mb S loss X cpu_ms U"
 *       (median and best of `steps` timed steps after `warmup`; tokens/s = B·T / median; the peak
 *       resident set; U the median CPU time of a step, every thread together).
 *   llama_bench gen [shape…] [q8=0] [prompt=16] [n=200] [warmup=16] [seed=1] [threads=0]
 *       Generation at batch 1 (models/llama_gen.h): a prompt of random ids in one llama_kv_feed,
 *       then n tokens one at a time (llama_kv_step → sample_dist at temperature 1 over all V →
 *       sample_pick → fed back: what `generate` does). q8=1 first quantises the matrices to Q8_0
 *       (llama_quantize). Prints "tokens_s R ms_median M prompt_ms P rss_mb S weights_mb W
 *       check K" (M: ms per generated token; W: the bytes the weights take; cpu_ms: the CPU time of a token, every
 *       thread together).
 * The model is llama_init's initialisation of the seed (random weights: speed does not depend on
 * what they say). threads=N (N > 0): at most N threads for the engine's team (cell_set_threads)
 * and for OpenBLAS's own (products made outside the team).
 * Exit status 0 on success, 1 with a message on stderr otherwise.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/job.h"
#include "models/llama.h"
#include "models/llama_gen.h"
#include "nn/optim.h"
#include "nn/recurrent.h"
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

static int config(int argc, char **argv, LlamaConfig *c)
{
    c->V = atoi(opt(argc, argv, "V", "32000"));
    c->C = atoi(opt(argc, argv, "C", "256"));
    c->D = atoi(opt(argc, argv, "D", "288"));
    c->L = atoi(opt(argc, argv, "L", "6"));
    c->H = atoi(opt(argc, argv, "H", "6"));
    c->Hkv = atoi(opt(argc, argv, "Hkv", opt(argc, argv, "H", "6")));
    c->F = atoi(opt(argc, argv, "F", "768"));
    c->tied = atoi(opt(argc, argv, "tied", "1"));
    if (!llama_config_ok(c)) return fprintf(stderr, "llama_bench: bad model sizes\n"), 0;
    return 1;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static int run_train(int argc, char **argv)
{
    LlamaConfig c;
    if (!config(argc, argv, &c)) return 1;
    int B = atoi(opt(argc, argv, "B", "8")), T = atoi(opt(argc, argv, "T", opt(argc, argv, "C", "256")));
    int steps = atoi(opt(argc, argv, "steps", "5")), warmup = atoi(opt(argc, argv, "warmup", "1"));
    double clip = atof(opt(argc, argv, "clip", "1"));
    uint64_t seed = strtoull(opt(argc, argv, "seed", "1"), NULL, 10);
    if (B < 1 || T < 1 || T > c.C || steps < 1 || warmup < 0) return fprintf(stderr, "llama_bench: bad sizes\n"), 1;
    Llama m, dm;
    LlamaWork w;
    if (llama_alloc(&m, &c) || llama_alloc(&dm, &c) || llama_work_alloc(&w, &c, B, T))
        return fprintf(stderr, "llama_bench: out of memory\n"), 1;
    llama_init(&m, seed);
    Optim o;
    optim_init(&o, OPT_ADAMW, 3e-4f);
    o.weight_decay = 0.1f;
    for (int i = 0; i < llama_ntensors(&c); i++) {
        size_t n;
        float *p = llama_tensor(&m, i, NULL, 0, &n, NULL, NULL), *d = llama_tensor(&dm, i, NULL, 0, NULL, NULL, NULL);
        optim_add(&o, p, d, n);
    }
    size_t N = (size_t)B * (size_t)T;
    int32_t *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    double *ms = malloc((size_t)steps * sizeof *ms), *cpu = malloc((size_t)steps * sizeof *cpu), loss = 0;
    if (!x || !y || !ms || !cpu) return fprintf(stderr, "llama_bench: out of memory\n"), 1;
    uint64_t r = seed;
    for (int s = 0; s < warmup + steps; s++) {
        for (size_t i = 0; i < N; i++) {
            x[i] = (int32_t)(lcg(&r) % (uint64_t)c.V);
            y[i] = (int32_t)(lcg(&r) % (uint64_t)c.V);
        }
        double c0 = cpu_now(), t0 = tz_now();
        optim_zero_grad(&o);
        loss = llama_forward(&m, &w, x, y, B, T);
        llama_backward(&m, &dm, &w, x, y, B, T);
        if (clip > 0) optim_clip(&o, clip);
        optim_step(&o, 3e-4f);
        double t = tz_now() - t0;
        if (s >= warmup) {
            ms[s - warmup] = t * 1e3;
            cpu[s - warmup] = (cpu_now() - c0) * 1e3;
        }
    }
    double cmed = median(cpu, steps), med = median(ms, steps);
    printf("ms_median %.3f ms_best %.3f tokens_s %.0f rss_mb %.1f loss %.4f cpu_ms %.1f\n", med, ms[0],
           (double)N / (med / 1e3), peak_rss_mb(), loss, cmed);
    free(x);
    free(y);
    free(ms);
    free(cpu);
    optim_free(&o);
    llama_work_free(&w);
    llama_free(&dm);
    llama_free(&m);
    return 0;
}

/* One token drawn as llama_torch.py draws it: softmax at temperature 1 over all V, one draw. */
static int32_t draw(const float *logits, int V, float *probs, int32_t *order, uint64_t *rng)
{
    SampleParams sp = {1.0f, 0, 1.0f};
    size_t kept = sample_dist(logits, V, &sp, probs, order);
    return sample_pick(probs, order, kept, rng);
}

static int run_gen(int argc, char **argv)
{
    LlamaConfig c;
    if (!config(argc, argv, &c)) return 1;
    int P = atoi(opt(argc, argv, "prompt", "16")), n = atoi(opt(argc, argv, "n", "200"));
    int warmup = atoi(opt(argc, argv, "warmup", "16")), q8 = atoi(opt(argc, argv, "q8", "0"));
    uint64_t seed = strtoull(opt(argc, argv, "seed", "1"), NULL, 10);
    if (P < 1 || n < 1 || warmup < 0 || P + (n > warmup ? n : warmup) > c.C)
        return fprintf(stderr, "llama_bench: prompt + n must fit in the context\n"), 1;
    Llama m;
    LlamaKV kv;
    if (llama_alloc(&m, &c)) return fprintf(stderr, "llama_bench: out of memory\n"), 1;
    if (llama_kv_alloc(&kv, &c)) return fprintf(stderr, "llama_bench: out of memory\n"), 1;
    llama_init(&m, seed);
    if (q8 && llama_quantize(&m) <= 0) return fprintf(stderr, "llama_bench: cannot quantise to Q8_0\n"), 1;
    int32_t *prompt = malloc((size_t)P * sizeof *prompt), *order = malloc((size_t)c.V * sizeof *order);
    float *probs = malloc((size_t)c.V * sizeof *probs);
    if (!prompt || !order || !probs) return fprintf(stderr, "llama_bench: out of memory\n"), 1;
    uint64_t r = seed, rng = sample_seed(seed);
    long check = 0;
    double t0 = 0, t1 = 0, t2 = 0, c1 = 0, c2 = 0;
    /* a warm-up run (untimed), then the timed one: the prompt in one llama_kv_feed, then n steps */
    for (int run = 0; run < 2; run++) {
        int count = run ? n : warmup;
        for (int i = 0; i < P; i++) prompt[i] = (int32_t)(lcg(&r) % (uint64_t)c.V);
        llama_kv_reset(&kv);
        t0 = tz_now();
        int32_t tok = draw(llama_kv_feed(&m, &kv, prompt, (size_t)P), c.V, probs, order, &rng);
        t1 = tz_now();
        c1 = cpu_now();
        for (int i = 0; i < count; i++) {
            tok = draw(llama_kv_step(&m, &kv, tok), c.V, probs, order, &rng);
            check += tok;
        }
        t2 = tz_now();
        c2 = cpu_now();
    }
    printf("tokens_s %.1f ms_median %.4f prompt_ms %.3f rss_mb %.1f weights_mb %.1f cpu_ms %.4f check %ld\n",
           n / (t2 - t1), (t2 - t1) * 1e3 / n, (t1 - t0) * 1e3, peak_rss_mb(), llama_weight_bytes(&m) / 1e6,
           (c2 - c1) * 1e3 / n, check);
    free(prompt);
    free(order);
    free(probs);
    llama_kv_free(&kv);
    llama_free(&m);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "train") && strcmp(argv[1], "gen")))
        return fprintf(stderr, "usage: llama_bench train|gen [key=value...]\n"), 1;
    int threads = atoi(opt(argc, argv, "threads", "0"));
    if (threads > 0) {
        cell_set_threads(threads);
        openblas_set_num_threads(threads);
    }
    return !strcmp(argv[1], "train") ? run_train(argc, argv) : run_gen(argc, argv);
}
