/* bert_bench.c — the C side of bench/transformers.sh's BERT rows: times the engine's BERT
 * pre-training step with nothing else in the process (no REPL, no window), so that its time and
 * peak memory compare with a Python process doing the same with PyTorch (bench/bert_torch.py).
 *
 *   bert_bench train [V=8000] [C=128] [D=128] [L=2] [H=2] [F=4D] [B=32] [T=C] [steps=20]
 *                    [warmup=3] [mask=0.15] [dropout=0] [clip=1] [seed=1] [threads=0]
 *
 * One step: zero the gradients, bert_forward with MLM targets and NSP labels, bert_backward,
 * optim_clip to a global norm of `clip`, optim_step (AdamW, lr 1e-4, weight decay 0.01 — what
 * bert_torch.py's torch.optim.AdamW does). The batch, new every step and made before the clock
 * starts (as the Python side does): B sequences of T ids, "[CLS] A [SEP] B [SEP]" with A and B
 * random ids of the non-special range (ids 0–4 are [PAD] [UNK] [CLS] [SEP] [MASK]), segment ids 0
 * for [CLS] A [SEP] and 1 after; bert_mask_tokens at `mask` (15 %: 80 % [MASK], 10 % a random id,
 * 10 % kept) gives the MLM targets — about 15 % of the B·T positions, the rows the MLM head runs
 * on; NSP labels 0/1 at random. No padding (every position real), as on the Python side.
 * Prints one line:
 *   "ms_median M ms_best B tokens_s R rss_mb S loss X cpu_ms U masked K"
 * — the median and best time of one step over `steps` timed steps after `warmup` untimed ones,
 * tokens/s = B·T / median, the process's peak resident set, the last step's loss (MLM + NSP), the
 * median CPU time of a step (all threads together: U ≈ threads × M when they never wait), the mean
 * number of masked positions per step.
 * The model is bert_init's initialisation of the seed (random weights: speed does not depend on
 * what the weights say).
 * threads=N (N > 0): at most N threads — the engine's team (cell_set_threads and the work's
 * `threads`: BERT's parallel loops) and OpenBLAS's own (openblas_set_num_threads, for products
 * made outside the team); 0: the team's default (one per core).
 * Exit status 0 on success, 1 with a message on stderr otherwise.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/job.h"
#include "models/bert.h"
#include "nn/layers.h"
#include "nn/optim.h"
#include "nn/recurrent.h"

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

enum { PAD, UNK, CLS, SEP, MASK, NSPECIAL };

/* One batch: "[CLS] A [SEP] B [SEP]", A about half of the sequence, random ids; then masked. */
static int make_batch(int32_t *tok, int32_t *typ, int32_t *tgt, int32_t *nsp, int B, int T, int V, float prob,
                      const uint8_t *special, uint64_t *r)
{
    for (int b = 0; b < B; b++) {
        int32_t *x = tok + (size_t)b * T, *s = typ + (size_t)b * T;
        int cut = T / 2;                      /* [CLS] A: 0 … cut−1, [SEP] at cut */
        for (int t = 0; t < T; t++) {
            x[t] = (int32_t)(NSPECIAL + lcg(r) % (uint64_t)(V - NSPECIAL));
            s[t] = t > cut;
        }
        x[0] = CLS;
        x[cut] = SEP;
        x[T - 1] = SEP;
        nsp[b] = (int32_t)(lcg(r) & 1);
    }
    return bert_mask_tokens(tok, tgt, NULL, B * T, V, MASK, special, prob, r);
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "train"))
        return fprintf(stderr, "usage: bert_bench train [key=value...]\n"), 1;
    int threads = atoi(opt(argc, argv, "threads", "0"));
    if (threads > 0) {
        cell_set_threads(threads);
        openblas_set_num_threads(threads);
    }
    BertConfig c;
    c.V = atoi(opt(argc, argv, "V", "8000"));
    c.C = atoi(opt(argc, argv, "C", "128"));
    c.D = atoi(opt(argc, argv, "D", "128"));
    c.L = atoi(opt(argc, argv, "L", "2"));
    c.H = atoi(opt(argc, argv, "H", "2"));
    char fdef[32];
    snprintf(fdef, sizeof fdef, "%d", 4 * c.D);
    c.F = atoi(opt(argc, argv, "F", fdef));
    c.types = 2;
    int B = atoi(opt(argc, argv, "B", "32")), T = atoi(opt(argc, argv, "T", opt(argc, argv, "C", "128")));
    int steps = atoi(opt(argc, argv, "steps", "20")), warmup = atoi(opt(argc, argv, "warmup", "3"));
    double clip = atof(opt(argc, argv, "clip", "1"));
    float prob = (float)atof(opt(argc, argv, "mask", "0.15"));
    float dropout = (float)atof(opt(argc, argv, "dropout", "0"));
    uint64_t seed = strtoull(opt(argc, argv, "seed", "1"), NULL, 10);
    if (!bert_config_ok(&c) || c.V <= NSPECIAL || B < 1 || T < 4 || T > c.C || steps < 1 || warmup < 0 ||
        prob <= 0 || prob > 1 || dropout < 0 || dropout >= 1)
        return fprintf(stderr, "bert_bench: bad sizes\n"), 1;
    Bert m, g;
    BertWork w;
    if (bert_alloc(&m, &c) || bert_alloc(&g, &c) || bert_work_alloc(&w, &c, B, T))
        return fprintf(stderr, "bert_bench: out of memory\n"), 1;
    bert_init(&m, seed);
    w.threads = threads;                 /* 0: as many as the team has */
    w.dropout = dropout;
    Optim o;
    optim_init(&o, OPT_ADAMW, 1e-4f);
    o.weight_decay = 0.01f;
    for (int i = 0; i < bert_ntensors(&c); i++) {
        size_t n;
        float *p = bert_tensor(&m, i, NULL, 0, &n, NULL, NULL), *d = bert_tensor(&g, i, NULL, 0, NULL, NULL, NULL);
        optim_add(&o, p, d, n);
    }
    size_t N = (size_t)B * (size_t)T;
    int32_t *tok = malloc(N * sizeof *tok), *typ = malloc(N * sizeof *typ), *tgt = malloc(N * sizeof *tgt);
    int32_t *nsp = malloc((size_t)B * sizeof *nsp);
    uint8_t special[NSPECIAL];
    memset(special, 1, sizeof special);
    uint8_t *sp = calloc((size_t)c.V, 1);
    double *ms = malloc((size_t)steps * sizeof *ms), *cpu = malloc((size_t)steps * sizeof *cpu), loss = 0;
    if (!tok || !typ || !tgt || !nsp || !sp || !ms || !cpu) return fprintf(stderr, "bert_bench: out of memory\n"), 1;
    memcpy(sp, special, sizeof special);
    uint64_t r = seed;
    long masked = 0;
    for (int s = 0; s < warmup + steps; s++) {
        int k = make_batch(tok, typ, tgt, nsp, B, T, c.V, prob, sp, &r);
        w.drop_seed = (uint64_t)s + 1;
        double c0 = cpu_now(), t0 = tz_now();
        optim_zero_grad(&o);
        loss = bert_forward(&m, &w, tok, typ, NULL, tgt, nsp, B, T);
        bert_backward(&m, &g, &w, tok, typ, NULL, tgt, nsp, B, T);
        if (clip > 0) optim_clip(&o, clip);
        optim_step(&o, 1e-4f);
        double t = tz_now() - t0;
        if (s >= warmup) {
            ms[s - warmup] = t * 1e3;
            cpu[s - warmup] = (cpu_now() - c0) * 1e3;
            masked += k;
        }
    }
    qsort(ms, (size_t)steps, sizeof *ms, cmp_double);
    qsort(cpu, (size_t)steps, sizeof *cpu, cmp_double);
    double med = steps % 2 ? ms[steps / 2] : 0.5 * (ms[steps / 2 - 1] + ms[steps / 2]);
    double cmed = steps % 2 ? cpu[steps / 2] : 0.5 * (cpu[steps / 2 - 1] + cpu[steps / 2]);
    printf("ms_median %.3f ms_best %.3f tokens_s %.0f rss_mb %.1f loss %.4f cpu_ms %.1f masked %.0f\n", med, ms[0],
           (double)N / (med / 1e3), peak_rss_mb(), loss, cmed, (double)masked / steps);
    free(tok);
    free(typ);
    free(tgt);
    free(nsp);
    free(sp);
    free(ms);
    free(cpu);
    optim_free(&o);
    bert_work_free(&w);
    bert_free(&g);
    bert_free(&m);
    return 0;
}
