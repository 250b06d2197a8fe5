/* recurrent.c — see recurrent.h.
 *
 * Where the time goes: the matrix products. Forward, the input side of every step is one
 * product for the whole sequence (x is T·B × In, times Wᵀ); only the recurrent side has to go
 * step by step (h_{t−1} is B × H, times Uᵀ), because each step needs the one before.
 * Backward, the gradients with respect to the pre-activations of every step are collected
 * first (dX for the input side, dR for the recurrent side; they differ only in the GRU's n
 * block, where r multiplies the recurrent part), and then dW, dU and dx are each one product
 * over the whole sequence. Only dh_{t−1} = dR_t · U goes step by step.
 *
 * How it is made fast (a character LSTM trains at about twice PyTorch's speed, bench/rnn.sh):
 *   - the step loop is split by hidden units between a team of threads, which meet once a step
 *     (see "threads" below); the language model's output layer runs on the same team;
 *   - a step's products (B = 32 rows) go to OpenBLAS in tiles small enough for its kernels that
 *     skip packing the matrices first (mm_abt, mm_ab);
 *   - the biases are in the gate buffer before the products add into it (β = 1), and the bias
 *     gradients are summed step by step while a step's gradients are in the cache;
 *   - σ and tanh are computed 8 or 16 at a time (nn/vmath.h);
 *   - an input that is an embedding lookup (cell_forward_ids) is projected once per table row
 *     (V × G·H) instead of once per position (T·B × G·H) when the table is the smaller;
 *   - the passes' working memory (backward's dX and dR are T·B × G·H: 8 MB for an LSTM of 256
 *     units over 64 × 32 tokens) is kept in the cache, so that neither a training loop nor
 *     generation allocates per step.
 */
#include "nn/recurrent.h"

#include <cblas.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/pool.h"
#include "nn/optim.h"
#include "nn/vmath.h"

int cell_gates(CellKind k) { return k == TZ_CELL_LSTM ? 4 : k == TZ_CELL_GRU ? 3 : 1; }

const char *cell_kind_name(CellKind k) { return k == TZ_CELL_LSTM ? "lstm" : k == TZ_CELL_GRU ? "gru" : "rnn"; }

void cell_alloc(Cell *c, CellKind kind, int In, int H)
{
    TZ_ASSERT(In > 0 && H > 0);
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->In = In;
    c->H = H;
    c->G = cell_gates(kind);
    size_t GH = (size_t)c->G * (size_t)H;
    c->W = tz_calloc(GH * (size_t)In, sizeof *c->W);
    c->U = tz_calloc(GH * (size_t)H, sizeof *c->U);
    c->b = tz_calloc(GH, sizeof *c->b);
    c->bu = tz_calloc(GH, sizeof *c->bu);
}

size_t cell_nparams(const Cell *c)
{
    size_t GH = (size_t)c->G * (size_t)c->H;
    return GH * (size_t)c->In + GH * (size_t)c->H + 2 * GH;
}

void nn_fill_uniform(float *p, size_t n, float a, uint64_t *r)
{
    for (size_t i = 0; i < n; i++) {
        *r = *r * 6364136223846793005ULL + 1442695040888963407ULL;
        p[i] = a * ((float)((*r >> 40) & 0xFFFFFF) / 8388608.0f - 1.0f);
    }
}

void cell_init(Cell *c, uint64_t seed)
{
    size_t GH = (size_t)c->G * (size_t)c->H;
    float a = 1.0f / sqrtf((float)c->H);
    uint64_t r = seed * 0x9E3779B97F4A7C15ULL + 11;
    nn_fill_uniform(c->W, GH * (size_t)c->In, a, &r);
    nn_fill_uniform(c->U, GH * (size_t)c->H, a, &r);
    nn_fill_uniform(c->b, GH, a, &r);
    nn_fill_uniform(c->bu, GH, a, &r);
    if (c->kind == TZ_CELL_LSTM)   /* remember by default: f = σ(1 + …) ≈ 0.73 at the start */
        for (int j = 0; j < c->H; j++) { c->b[c->H + j] = 1.0f; c->bu[c->H + j] = 0.0f; }
}

void cell_zero(Cell *c)
{
    size_t GH = (size_t)c->G * (size_t)c->H;
    memset(c->W, 0, GH * (size_t)c->In * sizeof *c->W);
    memset(c->U, 0, GH * (size_t)c->H * sizeof *c->U);
    memset(c->b, 0, GH * sizeof *c->b);
    memset(c->bu, 0, GH * sizeof *c->bu);
}

void cell_free(Cell *c)
{
    free(c->W);
    free(c->U);
    free(c->b);
    free(c->bu);
    memset(c, 0, sizeof *c);
}

void cell_cache_free(CellCache *k)
{
    free(k->h);
    free(k->c);
    free(k->gate);
    free(k->un);
    free(k->scratch);
    memset(k, 0, sizeof *k);
}

/* n floats of the cache's scratch (grown when too small, never shrunk). The passes cut it into
 * pieces of whole 64-byte lines (up16), so that no two pieces share a cache line. */
static size_t up16(size_t n) { return (n + 15) & ~(size_t)15; }

static float *scratch_fit(CellCache *k, size_t n)
{
    if (k->scratch_cap < n) {
        free(k->scratch);
        k->scratch = tz_malloc(n * sizeof *k->scratch);
        k->scratch_cap = n;
    }
    return k->scratch;
}

/* --- the element-wise work of one step, for rows 0..B−1 and hidden units j0..j1−1 (the threads
 * below split the units), with the vectorised σ and tanh of nn/vmath.h --------------------- */

/* Forward. g: B rows of G·H pre-activations (all of W x + b + U h + bu, except the GRU's n block,
 * whose recurrent part is in un), overwritten with the gate values; hp/cp the previous states,
 * hn/cn the new ones (B × H). */
VMATH_CLONES static void fwd_rnn(int B, int H, int j0, int j1, float *restrict g, float *restrict hn)
{
    for (int b = 0; b < B; b++) {
        float *gb = g + (size_t)b * (size_t)H, *h = hn + (size_t)b * (size_t)H;
#pragma omp simd
        for (int j = j0; j < j1; j++) h[j] = gb[j] = vtanh(gb[j]);
    }
}

VMATH_CLONES static void fwd_lstm(int B, int H, int j0, int j1, float *restrict g, const float *restrict cp,
                                float *restrict cn, float *restrict hn)
{
    for (int b = 0; b < B; b++) {
        float *gb = g + (size_t)b * 4 * (size_t)H;
        const float *c0 = cp + (size_t)b * (size_t)H;
        float *c1 = cn + (size_t)b * (size_t)H, *h = hn + (size_t)b * (size_t)H;
#pragma omp simd
        for (int j = j0; j < j1; j++) {
            float i = vsigm(gb[j]), f = vsigm(gb[H + j]), gg = vtanh(gb[2 * H + j]), o = vsigm(gb[3 * H + j]);
            gb[j] = i; gb[H + j] = f; gb[2 * H + j] = gg; gb[3 * H + j] = o;
            float c = f * c0[j] + i * gg;
            c1[j] = c;
            h[j] = o * vtanh(c);
        }
    }
}

VMATH_CLONES static void fwd_gru(int B, int H, int j0, int j1, float *restrict g, const float *restrict un,
                               const float *restrict hp, float *restrict hn)
{
    for (int b = 0; b < B; b++) {
        float *gb = g + (size_t)b * 3 * (size_t)H;
        const float *u = un + (size_t)b * (size_t)H, *h0 = hp + (size_t)b * (size_t)H;
        float *h = hn + (size_t)b * (size_t)H;
#pragma omp simd
        for (int j = j0; j < j1; j++) {
            float r = vsigm(gb[j]), z = vsigm(gb[H + j]);
            float n = vtanh(gb[2 * H + j] + r * u[j]);
            gb[j] = r; gb[H + j] = z; gb[2 * H + j] = n;
            h[j] = (1.0f - z) * n + z * h0[j];
        }
    }
}

/* Backward through one step. In: the gates gv (B × G·H), the states, dh (the loss's gradient on
 * h_t) and dn (what came back from step t+1); out: dX (and for the GRU dR) for the step, the
 * whole ∂L/∂h_t into tot when it is not NULL, and for the LSTM ∂L/∂c_{t−1} in place of cn; the
 * GRU's direct path z ⊙ ∂L/∂h_t into dp (the products add the rest). */
VMATH_CLONES static void bwd_rnn(int B, int H, int j0, int j1, const float *restrict hcur, const float *restrict dh,
                               const float *restrict dn, float *restrict dX, float *restrict tot)
{
    for (int b = 0; b < B; b++) {
        size_t o = (size_t)b * (size_t)H;
        const float *hc = hcur + o, *d = dh + o, *n = dn + o;
        float *dx = dX + o;
        if (tot) {
            float *tt = tot + o;
#pragma omp simd
            for (int j = j0; j < j1; j++) tt[j] = d[j] + n[j];
        }
#pragma omp simd
        for (int j = j0; j < j1; j++) dx[j] = (d[j] + n[j]) * (1.0f - hc[j] * hc[j]);
    }
}

VMATH_CLONES static void bwd_lstm(int B, int H, int j0, int j1, const float *restrict gv, const float *restrict ccur,
                                const float *restrict cprev, const float *restrict dh, const float *restrict dn,
                                float *restrict cn, float *restrict dX, float *restrict tot)
{
    for (int b = 0; b < B; b++) {
        size_t o = (size_t)b * (size_t)H, og = 4 * o;
        const float *g = gv + og, *ct = ccur + o, *cp = cprev + o, *d = dh + o, *n = dn + o;
        float *dcn = cn + o, *dx = dX + og;
        if (tot) {
            float *tt = tot + o;
#pragma omp simd
            for (int j = j0; j < j1; j++) tt[j] = d[j] + n[j];
        }
#pragma omp simd
        for (int j = j0; j < j1; j++) {
            float dht = d[j] + n[j];           /* from the loss at t, and from step t+1 */
            float i = g[j], f = g[H + j], gg = g[2 * H + j], o2 = g[3 * H + j];
            float tc = vtanh(ct[j]);
            float dc = dcn[j] + dht * o2 * (1.0f - tc * tc);
            dx[j] = dc * gg * i * (1.0f - i);
            dx[H + j] = dc * cp[j] * f * (1.0f - f);
            dx[2 * H + j] = dc * i * (1.0f - gg * gg);
            dx[3 * H + j] = dht * tc * o2 * (1.0f - o2);
            dcn[j] = dc * f;                   /* ∂L/∂c_{t−1} */
        }
    }
}

VMATH_CLONES static void bwd_gru(int B, int H, int j0, int j1, const float *restrict gv, const float *restrict un,
                               const float *restrict hprev, const float *restrict dh, const float *restrict dn,
                               float *restrict dX, float *restrict dR, float *restrict dp, float *restrict tot)
{
    for (int b = 0; b < B; b++) {
        size_t o = (size_t)b * (size_t)H, og = 3 * o;
        const float *g = gv + og, *u = un + o, *hp = hprev + o, *d = dh + o, *n = dn + o;
        float *dx = dX + og, *dr = dR + og, *p = dp + o;
        if (tot) {
            float *tt = tot + o;
#pragma omp simd
            for (int j = j0; j < j1; j++) tt[j] = d[j] + n[j];
        }
#pragma omp simd
        for (int j = j0; j < j1; j++) {
            float dht = d[j] + n[j];
            float r = g[j], z = g[H + j], nn = g[2 * H + j];
            float dan = dht * (1.0f - z) * (1.0f - nn * nn);   /* ∂L/∂(pre-tanh of n) */
            float dz = dht * (hp[j] - nn);
            float drr = dan * u[j];
            float a = drr * r * (1.0f - r), c = dz * z * (1.0f - z);
            dx[j] = a; dr[j] = a;
            dx[H + j] = c; dr[H + j] = c;
            dx[2 * H + j] = dan;               /* the input side of n */
            dr[2 * H + j] = dan * r;           /* the recurrent side passes through r */
            p[j] = dht * z;                    /* h_t = … + z ⊙ h_{t−1} */
        }
    }
}

/* Small products. OpenBLAS (0.3.21, on AVX-512 machines) has kernels for small matrices that
 * skip the copying ("packing") it does before a big product; a step's product (B = 32 rows) runs
 * about a quarter faster through them (measured: 100–110 GFLOP/s against 80–88 on one core). It
 * uses them when M·N·K ≤ 10⁶ and, for A·Bᵀ, M·N ≤ 1024. So the per-step products below are cut
 * into column chunks of that size; elsewhere the chunks cost nothing measurable. */
#define SMALL_MNK 1000000.0

/* C (M × N, ldc) = β·C + A (M × K, lda) · Bᵀ (B is N × K, ldb); a matrix-vector product when
 * M = 1 (generation runs one sequence, one step at a time). */
static void mm_abt(int M, int N, int K, const float *A, int lda, const float *Bm, int ldb, float beta, float *C, int ldc)
{
    if (M == 1) {
        cblas_sgemv(CblasRowMajor, CblasNoTrans, N, K, 1.0f, Bm, ldb, A, 1, beta, C, 1);
        return;
    }
    int nc = M <= 64 ? 1024 / M : N;
    if (nc >= N || (double)M * nc * K > SMALL_MNK) nc = N;
    for (int c = 0; c < N; c += nc)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, N - c < nc ? N - c : nc, K, 1.0f, A, lda,
                    Bm + (size_t)c * (size_t)ldb, ldb, beta, C + c, ldc);
}

/* C (M × N, ldc) = β·C + A (M × K, lda) · B (K × N, ldb). For a step's batch (M ≤ 64) in tiles of
 * M × 2048/M columns and 256 of K (M·N·K = 2¹⁹), the size where the small kernels ran fastest
 * (about 115 GFLOP/s on one core against 85 in one call): the K pieces add into the tile while it
 * is in the cache. */
static void mm_ab(int M, int N, int K, const float *A, int lda, const float *Bm, int ldb, float beta, float *C, int ldc)
{
    int nc = N, kc = K;
    if (M <= 64) {
        nc = 2048 / M;
        kc = 256;
    }
    for (int c = 0; c < N; c += nc)
        for (int k = 0; k < K; k += kc)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N - c < nc ? N - c : nc, K - k < kc ? K - k : kc, 1.0f,
                        A + k, lda, Bm + (size_t)k * (size_t)ldb + c, ldb, k ? 1.0f : beta, C + c, ldc);
}

static void cache_fit(CellCache *k, const Cell *c, int T, int B)
{
    size_t TB = (size_t)T * (size_t)B, H = (size_t)c->H, GH = (size_t)c->G * H;
    if (k->cap < TB || k->H != c->H || k->G != c->G || k->kind != (int)c->kind) {
        cell_cache_free(k);
        k->h = tz_malloc((TB + (size_t)B) * H * sizeof *k->h);
        if (c->kind == TZ_CELL_LSTM) k->c = tz_malloc((TB + (size_t)B) * H * sizeof *k->c);
        k->gate = tz_malloc(TB * GH * sizeof *k->gate);
        if (c->kind == TZ_CELL_GRU) k->un = tz_malloc(TB * H * sizeof *k->un);
        k->cap = TB;
    }
    k->T = T;
    k->B = B;
    k->H = c->H;
    k->G = c->G;
    k->kind = (int)c->kind;
}

/* --- threads ------------------------------------------------------------------------------------
 * A pass over the sequence (forward, or backward) is one job for a small team of threads that
 * split the hidden units: thread p owns units j0..j1−1 — in every gate block the rows of W, U,
 * b, bu for them and the columns of the gates, h and c. Forward, step t needs all of h_{t−1}
 * (every unit reads every unit through U), so the team meets at a barrier after each step.
 * Backward, dh_{t−1} = dR_t U needs all of dR_t, so they meet between the element-wise part of
 * a step and that product. The rest is split by units as well and needs no meeting: the input
 * side, the weight gradients (the rows of dW, dU, db, dbu of the thread's units).
 * Inside the team OpenBLAS runs one thread per call: its own pool on top of ours would put four
 * busy threads on two cores (DESIGN.md, "one thread pool").
 * Small problems (generation, B = 1; the tests) run on the calling thread alone: a meeting per
 * step would cost more than it saves. There is one team; a second caller while it is busy (the
 * REPL stepping through a model while a training job runs) works alone. A pass gives the same
 * numbers with any number of threads up to the order of float sums inside OpenBLAS's kernels,
 * and the same numbers from run to run on one machine.
 * The team is ours rather than core/pool.h's: between two passes (a few hundred microseconds
 * apart in training) its threads keep spinning for a while instead of going to sleep, so that
 * the next pass starts at once on a core that is still awake — on a virtual machine, waking a
 * sleeping core costs tens of microseconds and its first steps run slower. */

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/* A barrier for the team: the last to arrive starts the next generation; the others spin a
 * little (a step takes tens of microseconds), then give the core away while they wait. */
typedef struct {
    atomic_int count, gen;
    int n;
} Barrier;

static void barrier_wait(Barrier *b)
{
    if (b->n <= 1) return;
    int gen = atomic_load_explicit(&b->gen, memory_order_acquire);
    if (atomic_fetch_add_explicit(&b->count, 1, memory_order_acq_rel) == b->n - 1) {
        atomic_store_explicit(&b->count, 0, memory_order_relaxed);
        atomic_fetch_add_explicit(&b->gen, 1, memory_order_release);
        return;
    }
    for (int spin = 0; atomic_load_explicit(&b->gen, memory_order_acquire) == gen; spin++) {
        if (spin < 4000) cpu_relax();
        else sched_yield();
    }
}

/* The team: n − 1 worker threads and the caller. A job is posted by bumping gen; a worker that
 * has seen no new job for TEAM_SPIN rounds of cpu_relax (a couple of milliseconds) sleeps on
 * the condition variable until the next one. */
#define TEAM_SPIN 50000
typedef struct {
    int n;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    atomic_uint gen;
    atomic_int pending;     /* workers still in the current job */
    PoolFn fn;
    void *arg;
} Team;

typedef struct {
    Team *tm;
    int tid;
} TeamSeat;

static void *team_worker(void *ud)
{
    TeamSeat *seat = ud;
    Team *tm = seat->tm;
    const int tid = seat->tid;
    free(seat);
    unsigned seen = 0;
    for (;;) {
        unsigned g;
        for (int spin = 0; (g = atomic_load_explicit(&tm->gen, memory_order_acquire)) == seen; spin++) {
            if (spin < TEAM_SPIN) {
                cpu_relax();
                continue;
            }
            pthread_mutex_lock(&tm->mu);
            while (atomic_load_explicit(&tm->gen, memory_order_acquire) == seen) pthread_cond_wait(&tm->cv, &tm->mu);
            pthread_mutex_unlock(&tm->mu);
        }
        seen = g;
        tm->fn(tm->arg, tid, tm->n);
        atomic_fetch_sub_explicit(&tm->pending, 1, memory_order_release);
    }
    return NULL;
}

static Team *team_new(int n)
{
    Team *tm = tz_calloc(1, sizeof *tm);
    tm->n = n;
    pthread_mutex_init(&tm->mu, NULL);
    pthread_cond_init(&tm->cv, NULL);
    atomic_init(&tm->gen, 0);
    atomic_init(&tm->pending, 0);
    for (int t = 1; t < n; t++) {
        TeamSeat *seat = tz_malloc(sizeof *seat);
        seat->tm = tm;
        seat->tid = t;
        pthread_t th;
        if (pthread_create(&th, NULL, team_worker, seat) != 0) tz_die(__FILE__, __LINE__, "cannot start a thread for the recurrent cells");
        pthread_detach(th);
    }
    return tm;
}

/* fn(arg, t, n) for t = 0..n−1, t = 0 on the caller; returns when all have returned. */
static void team_go(Team *tm, PoolFn fn, void *arg)
{
    tm->fn = fn;
    tm->arg = arg;
    atomic_store_explicit(&tm->pending, tm->n - 1, memory_order_relaxed);
    pthread_mutex_lock(&tm->mu);
    atomic_fetch_add_explicit(&tm->gen, 1, memory_order_release);
    pthread_cond_broadcast(&tm->cv);
    pthread_mutex_unlock(&tm->mu);
    fn(arg, 0, tm->n);
    for (int spin = 0; atomic_load_explicit(&tm->pending, memory_order_acquire) > 0; spin++) {
        if (spin < 4000) cpu_relax();
        else sched_yield();
    }
}

static pthread_mutex_t team_mu = PTHREAD_MUTEX_INITIALIZER;
static Team *team;          /* started on first use, kept for the life of the process */
static Team *old_teams[8];  /* teams replaced by bigger ones (cell_set_threads): left running, idle */
static atomic_int team_max; /* cell_set_threads; 0 = one per core */
static pthread_once_t team_once = PTHREAD_ONCE_INIT;

/* A child of fork() has none of the team's threads: it starts a team of its own when it needs one
 * (the parent's stays reachable, in orphan, for leak checkers). */
static Team *orphan;

static void team_forget(void)
{
    if (team) orphan = team;
    team = NULL;
    pthread_mutex_init(&team_mu, NULL);
}

static void team_register_fork(void) { pthread_atfork(NULL, NULL, team_forget); }

void cell_set_threads(int n) { atomic_store(&team_max, n < 0 ? 0 : n); }

/* How many threads a pass of this shape deserves: one unless a step's product is big enough. */
static int team_want(const Cell *c, int B)
{
    size_t fma = (size_t)B * (size_t)c->G * (size_t)c->H * (size_t)c->H;   /* per step */
    if (B < 4 || c->H < 32 || fma < ((size_t)1 << 19)) return 1;
    int n = atomic_load(&team_max);
    if (n <= 0) n = pool_cores();
    if (n > 8) n = 8;
    if (n > c->H / 16) n = c->H / 16;
    return n < 1 ? 1 : n;
}

/* The units of thread tid of nth: multiples of 16 (64 bytes of floats), so that no two threads
 * write into the same cache line of a row. */
static void units_of(int H, int tid, int nth, int *j0, int *j1)
{
    int chunks = (H + 15) / 16;
    *j0 = chunks * tid / nth * 16;
    *j1 = chunks * (tid + 1) / nth * 16;
    if (*j0 > H) *j0 = H;
    if (*j1 > H) *j1 = H;
}

/* dst[:, q·H + j0 .. q·H + j1) = β·dst + A · (the rows q·H + j0 .. of M)ᵀ, for the blocks q0..q1−1;
 * A is Mr × K, M is (G·H) × K. One product when the thread owns all the units. */
static void blocks_abt(int Mr, int H, int j0, int j1, int q0, int q1, const float *A, int lda, const float *M, int K,
                       float beta, float *dst, int ldd)
{
    if (j0 == 0 && j1 == H) {
        mm_abt(Mr, (q1 - q0) * H, K, A, lda, M + (size_t)q0 * (size_t)H * (size_t)K, K, beta, dst + (size_t)q0 * (size_t)H, ldd);
        return;
    }
    for (int q = q0; q < q1; q++) {
        size_t o = (size_t)q * (size_t)H + (size_t)j0;
        mm_abt(Mr, j1 - j0, K, A, lda, M + o * (size_t)K, K, beta, dst + o, ldd);
    }
}

/* Rows of the gates, the thread's columns (q·H + j0 .. q·H + j1 of each block q): g[r] = P[ids[r]] +
 * bias, or just the bias when P is NULL. */
VMATH_CLONES static void rows_plus_bias(float *restrict g, const float *restrict P, const int32_t *ids, size_t n, int G, int H,
                                      int j0, int j1, const float *restrict bias)
{
    const size_t GH = (size_t)G * (size_t)H;
    for (size_t r = 0; r < n; r++) {
        float *gr = g + r * GH;
        const float *pr = P ? P + (size_t)ids[r] * GH : NULL;
        for (int q = 0; q < G; q++) {
            size_t o = (size_t)q * (size_t)H;
            if (pr) {
#pragma omp simd
                for (int j = j0; j < j1; j++) gr[o + j] = pr[o + j] + bias[o + j];
            } else {
#pragma omp simd
                for (int j = j0; j < j1; j++) gr[o + j] = bias[o + j];
            }
        }
    }
}

/* One step's gradient rows D (n × G·H), the thread's columns, summed into sum (for a bias) and,
 * when S is not NULL, into row ids[r] of S (the table's rows: cell_backward_ids). */
VMATH_CLONES static void rows_accumulate(const float *restrict D, size_t n, int G, int H, int j0, int j1, float *restrict sum,
                                       float *restrict S, const int32_t *ids)
{
    const size_t GH = (size_t)G * (size_t)H;
    for (size_t r = 0; r < n; r++) {
        const float *d = D + r * GH;
        float *sr = S ? S + (size_t)ids[r] * GH : NULL;
        for (int q = 0; q < G; q++) {
            size_t o = (size_t)q * (size_t)H;
#pragma omp simd
            for (int j = j0; j < j1; j++) sum[o + j] += d[o + j];
            if (sr) {
#pragma omp simd
                for (int j = j0; j < j1; j++) sr[o + j] += d[o + j];
            }
        }
    }
}

/* Everything one pass needs, shared by the team. */
typedef struct {
    const Cell *c;
    const float *x;         /* T·B × In, or NULL with ids */
    const float *emb;       /* V × In, with ids */
    const int32_t *ids;
    int V, T, B, fold;
    float *P;               /* fold: forward emb Wᵀ, backward S (V × G·H) */
    float *bias;            /* forward: b + bu (the GRU's n block: b alone), G·H */
    Barrier bar;
    /* forward */
    CellCache *k;
    /* backward */
    const CellCache *kc;
    const float *dh;
    Cell *g;
    float *dx, *demb, *dh0, *dc0, *dh_total;
    float *dX, *dR, *dn, *dp, *cn, *sb;
} Pass;

/* fn over n threads of the team, the pool's other threads (if it is bigger) sitting it out. */
typedef struct {
    PoolFn fn;
    void *arg;
    int n;
} TeamCall;

static void team_trampoline(void *arg, int tid, int nth)
{
    (void)nth;
    const TeamCall *tc = arg;
    if (tid < tc->n) tc->fn(tc->arg, tid, tc->n);
}

/* fn(arg, t, n) for t = 0..n−1, n ≤ want, on the team (or alone when the team is busy or
 * want ≤ 1), OpenBLAS single-threaded meanwhile; bar (may be NULL) is set up for n threads. */
static void team_run(PoolFn fn, void *arg, int want, Barrier *bar)
{
    Team *tm = NULL;
    if (want > 1) pthread_once(&team_once, team_register_fork);
    if (want > 1 && pthread_mutex_trylock(&team_mu) == 0) {
        if (!team || team->n < want) {
            /* a bigger team: the old one's threads sleep on for good (this happens once or
             * twice in a process, when cell_set_threads raises the limit) */
            for (int i = 0; i < 8 && team; i++)
                if (!old_teams[i]) { old_teams[i] = team; break; }
            team = team_new(want);
        }
        tm = team;
    }
    int n = tm ? tm->n : 1;
    if (n > want) n = want;
    if (bar) {
        atomic_init(&bar->count, 0);
        atomic_init(&bar->gen, 0);
        bar->n = n;
    }
    if (n > 1) {
        int ob = openblas_get_num_threads();
        if (ob != 1) openblas_set_num_threads(1);
        TeamCall tc = { fn, arg, n };
        team_go(tm, team_trampoline, &tc);
        if (ob != 1) openblas_set_num_threads(ob);
    } else {
        fn(arg, 0, 1);
    }
    if (tm) pthread_mutex_unlock(&team_mu);
}

void cell_team_run(void (*fn)(void *arg, int t, int n), void *arg, int want)
{
    int most = atomic_load(&team_max);
    if (most <= 0) most = pool_cores();
    if (most > 8) most = 8;
    team_run(fn, arg, want <= 0 || want > most ? most : want, NULL);
}

/* Is projecting the whole table (V rows) cheaper than projecting every position (T·B rows)? */
static int fold_table(int V, size_t TB) { return (size_t)V * 2 <= TB; }

static void fwd_work(void *arg, int tid, int nth)
{
    Pass *p = arg;
    const Cell *c = p->c;
    CellCache *k = p->k;
    const int H = c->H, In = c->In, G = c->G, GH = G * H, B = p->B, T = p->T;
    const size_t BH = (size_t)B * (size_t)H, TB = (size_t)T * (size_t)B;
    int j0, j1;
    units_of(H, tid, nth, &j0, &j1);
    /* the input side, gate = b + bu + x Wᵀ (T·B × G·H; the GRU's n block takes bu_n in un instead,
     * with its recurrent part, because r multiplies both): for x the rows of a table, P = emb Wᵀ
     * (V × G·H) once and the rows looked up step by step (while they are in the cache); otherwise
     * one product for the whole sequence. Each thread takes a contiguous range of the G·H columns
     * here (one product, not one per gate block), so the team meets before the steps. */
    int c0, c1;
    units_of(GH, tid, nth, &c0, &c1);
    if (c1 > c0) {
        if (p->fold) {
            mm_abt(p->V, c1 - c0, In, p->emb, In, c->W + (size_t)c0 * (size_t)In, In, 0.0f, p->P + c0, GH);
        } else {
            rows_plus_bias(k->gate, NULL, NULL, TB, 1, GH, c0, c1, p->bias);
            mm_abt((int)TB, c1 - c0, In, p->x, In, c->W + (size_t)c0 * (size_t)In, In, 1.0f, k->gate + c0, GH);
        }
    }
    barrier_wait(&p->bar);
    /* step by step: gate_t += h_{t−1} Uᵀ, then the non-linearities */
    for (int t = 0; t < T; t++) {
        const float *hp = k->h + (size_t)t * BH;
        float *hn = k->h + (size_t)(t + 1) * BH;
        float *g = k->gate + (size_t)t * (size_t)B * (size_t)GH;
        if (j1 > j0) {
            if (p->fold) rows_plus_bias(g, p->P, p->ids + (size_t)t * (size_t)B, (size_t)B, G, H, j0, j1, p->bias);
            switch (c->kind) {
            case TZ_CELL_RNN:
                blocks_abt(B, H, j0, j1, 0, 1, hp, H, c->U, H, 1.0f, g, GH);
                fwd_rnn(B, H, j0, j1, g, hn);
                break;
            case TZ_CELL_LSTM:
                blocks_abt(B, H, j0, j1, 0, 4, hp, H, c->U, H, 1.0f, g, GH);
                fwd_lstm(B, H, j0, j1, g, k->c + (size_t)t * BH, k->c + (size_t)(t + 1) * BH, hn);
                break;
            case TZ_CELL_GRU: {
                float *un = k->un + (size_t)t * BH;
                for (int b = 0; b < B; b++)
                    memcpy(un + (size_t)b * (size_t)H + j0, c->bu + 2 * H + j0, (size_t)(j1 - j0) * sizeof *un);
                blocks_abt(B, H, j0, j1, 0, 2, hp, H, c->U, H, 1.0f, g, GH);
                mm_abt(B, j1 - j0, H, hp, H, c->U + (size_t)(2 * H + j0) * (size_t)H, H, 1.0f, un + j0, H);
                fwd_gru(B, H, j0, j1, g, un, hp, hn);
                break;
            }
            }
        }
        barrier_wait(&p->bar);
    }
}

/* The forward pass. The input is x (T·B × In) or, when ids is not NULL, the rows of emb
 * (V × In) that ids names. */
static void forward(const Cell *c, const float *x, const float *emb, int V, const int32_t *ids, int T, int B,
                    const float *h0, const float *c0, CellCache *k)
{
    TZ_ASSERT(T > 0 && B > 0);
    cache_fit(k, c, T, B);
    const int In = c->In, GH = c->G * c->H;
    const size_t BH = (size_t)B * (size_t)c->H, TB = (size_t)T * (size_t)B;
    if (h0) memcpy(k->h, h0, BH * sizeof *k->h);
    else memset(k->h, 0, BH * sizeof *k->h);
    if (k->c) {
        if (c0) memcpy(k->c, c0, BH * sizeof *k->c);
        else memset(k->c, 0, BH * sizeof *k->c);
    }
    Pass p = { .c = c, .x = x, .emb = emb, .ids = ids, .V = V, .T = T, .B = B, .k = k };
    if (ids) {
        for (size_t r = 0; r < TB; r++) TZ_ASSERT(ids[r] >= 0 && ids[r] < V);
        p.fold = fold_table(V, TB);
    }
    /* the scratch, in the cache (no allocation once it has grown): the bias (G·H), then for a
     * table either P (V × G·H) or the looked-up rows x0 (T·B × In) */
    const size_t nP = ids && p.fold ? (size_t)V * (size_t)GH : 0, nx = ids && !p.fold ? TB * (size_t)In : 0;
    p.bias = scratch_fit(k, up16((size_t)GH) + up16(nP) + nx);
    for (int j = 0; j < GH; j++) p.bias[j] = c->b[j] + (c->kind == TZ_CELL_GRU && j >= 2 * c->H ? 0.0f : c->bu[j]);
    if (nP) p.P = p.bias + up16((size_t)GH);
    if (nx) {           /* a big table: look the rows up, then as cell_forward */
        float *x0 = p.bias + up16((size_t)GH);
        for (size_t r = 0; r < TB; r++) memcpy(x0 + r * (size_t)In, emb + (size_t)ids[r] * (size_t)In, (size_t)In * sizeof *x0);
        p.x = x0;
    }
    team_run(fwd_work, &p, team_want(c, B), &p.bar);
}

void cell_forward(const Cell *c, const float *x, int T, int B, const float *h0, const float *c0, CellCache *k)
{
    forward(c, x, NULL, 0, NULL, T, B, h0, c0, k);
}

void cell_forward_ids(const Cell *c, const float *emb, int V, const int32_t *ids, int T, int B, const float *h0,
                      const float *c0, CellCache *k)
{
    forward(c, NULL, emb, V, ids, T, B, h0, c0, k);
}

static void bwd_work(void *arg, int tid, int nth)
{
    Pass *p = arg;
    const Cell *c = p->c;
    const CellCache *k = p->kc;
    Cell *g = p->g;
    const int H = c->H, In = c->In, G = c->G, GH = G * H, B = p->B, T = p->T;
    const size_t BH = (size_t)B * (size_t)H, TB = (size_t)T * (size_t)B;
    const int gru = c->kind == TZ_CELL_GRU;
    int j0, j1;
    units_of(H, tid, nth, &j0, &j1);
    const int hs = j1 - j0;
    float *dn = p->dn, *dp = p->dp, *dX = p->dX, *dR = p->dR;
    /* the bias gradients of the thread's units, summed step by step while dX_t is in the cache
     * (Σ dX for b; Σ dR for bu — the same sums but for the GRU). One zeroed 2·G·H buffer for the
     * whole team, like dX: each thread reads and writes only its own units' columns of it */
    float *sb = p->sb, *sbu = gru ? sb + GH : sb;
    for (int t = T - 1; t >= 0; t--) {
        size_t row = (size_t)t * (size_t)B;
        const float *gv = k->gate + row * (size_t)GH, *dht = p->dh + row * (size_t)H;
        float *dXt = dX + row * (size_t)GH, *dRt = dR + row * (size_t)GH;
        float *tot = p->dh_total ? p->dh_total + row * (size_t)H : NULL;
        if (hs > 0) {
            switch (c->kind) {
            case TZ_CELL_RNN:
                bwd_rnn(B, H, j0, j1, k->h + (size_t)(t + 1) * BH, dht, dn, dXt, tot);
                break;
            case TZ_CELL_LSTM:
                bwd_lstm(B, H, j0, j1, gv, k->c + (size_t)(t + 1) * BH, k->c + (size_t)t * BH, dht, dn, p->cn, dXt, tot);
                break;
            case TZ_CELL_GRU:
                bwd_gru(B, H, j0, j1, gv, k->un + row * (size_t)H, k->h + (size_t)t * BH, dht, dn, dXt, dRt, dp, tot);
                break;
            }
            /* and, for an input from a table, S[v] += the dX rows of the steps whose token is v
             * (V × G·H, the thread's columns) */
            rows_accumulate(dXt, (size_t)B, G, H, j0, j1, sb, p->fold ? p->P : NULL, p->ids ? p->ids + row : NULL);
            if (gru) rows_accumulate(dRt, (size_t)B, G, H, j0, j1, sbu, NULL, NULL);
        }
        barrier_wait(&p->bar);          /* all of dR_t is there */
        /* ∂L/∂h_{t−1} = dR_t U (+ the GRU's direct path already in dp), the thread's columns */
        if (hs > 0) {
            if (B == 1)
                cblas_sgemv(CblasRowMajor, CblasTrans, GH, hs, 1.0f, c->U + j0, H, dRt, 1, gru ? 1.0f : 0.0f, dp + j0, 1);
            else
                mm_ab(B, hs, GH, dRt, GH, c->U + j0, H, gru ? 1.0f : 0.0f, dp + j0, H);
        }
        float *s = dn; dn = dp; dp = s;
    }
    if (hs > 0) {
        /* what reaches the initial states */
        for (int b = 0; b < B; b++) {
            size_t o = (size_t)b * (size_t)H + (size_t)j0;
            if (p->dh0) memcpy(p->dh0 + o, dn + o, (size_t)hs * sizeof *dn);
            if (p->dc0) {
                if (k->c) memcpy(p->dc0 + o, p->cn + o, (size_t)hs * sizeof *p->cn);
                else memset(p->dc0 + o, 0, (size_t)hs * sizeof *p->dc0);
            }
        }
        if (g)
            for (int q = 0; q < G; q++)
                for (int j = q * H + j0; j < q * H + j1; j++) { g->b[j] += sb[j]; g->bu[j] += sbu[j]; }
    }
    /* the weights, over the whole sequence at once: dU += dRᵀ h_{0..T−1}, dW += dXᵀ x (or Sᵀ emb).
     * They need every unit's dX and dR: meet, then each thread takes a contiguous range of rows
     * (one product each, not one per gate block) */
    barrier_wait(&p->bar);
    int r0, r1;
    units_of(GH, tid, nth, &r0, &r1);
    if (g && r1 > r0) {
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, r1 - r0, H, (int)TB, 1.0f, dR + r0, GH, k->h, H, 1.0f,
                    g->U + (size_t)r0 * (size_t)H, H);
        if (p->fold)
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, r1 - r0, In, p->V, 1.0f, p->P + r0, GH, p->emb, In, 1.0f,
                        g->W + (size_t)r0 * (size_t)In, In);
        else
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, r1 - r0, In, (int)TB, 1.0f, dX + r0, GH, p->x, In, 1.0f,
                        g->W + (size_t)r0 * (size_t)In, In);
    }
    /* the input gradient: the rows split */
    if (p->dx || (p->fold && p->demb)) {
        size_t rows = p->fold ? (size_t)p->V : TB, i0 = rows * (size_t)tid / (size_t)nth,
               i1 = rows * (size_t)(tid + 1) / (size_t)nth;
        if (i1 > i0) {
            if (p->fold)    /* demb += S W */
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)(i1 - i0), In, GH, 1.0f, p->P + i0 * (size_t)GH, GH,
                            c->W, In, 1.0f, p->demb + i0 * (size_t)In, In);
            else            /* dx = dX W */
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)(i1 - i0), In, GH, 1.0f, dX + i0 * (size_t)GH, GH,
                            c->W, In, 0.0f, p->dx + i0 * (size_t)In, In);
        }
    }
}

/* The backward pass; the input as in forward(). dx (T·B × In) or demb (V × In, added) receive
 * the input gradient. */
static void backward(const Cell *c, const float *x, const float *emb, int V, const int32_t *ids, CellCache *k,
                     const float *dh, const float *dhT, const float *dcT, Cell *g, float *dx, float *demb, float *dh0,
                     float *dc0, float *dh_total)
{
    const int T = k->T, B = k->B, H = c->H, In = c->In, GH = c->G * H;
    const size_t BH = (size_t)B * (size_t)H, TB = (size_t)T * (size_t)B;
    TZ_ASSERT(!g || (g->kind == c->kind && g->H == H && g->In == In));
    const int gru = c->kind == TZ_CELL_GRU;
    Pass p = { .c = c, .x = x, .emb = emb, .ids = ids, .V = V, .T = T, .B = B, .kc = k, .dh = dh, .g = g, .dx = dx,
               .demb = demb, .dh0 = dh0, .dc0 = dc0, .dh_total = dh_total };
    /* the scratch, in the cache (so a training loop allocates nothing once it has grown; the
     * forward's pieces are dead by now and are overwritten): dX (∂L/∂(W x + b), every step), dR
     * (∂L/∂(U h + bu); the same as dX but for the GRU), two B × H buffers for ∂L/∂h crossing
     * steps, one for ∂L/∂c, the bias sums (2·G·H), and for a table S (V × G·H) or the looked-up
     * rows x0 and their gradient dx0 (T·B × In each) */
    if (ids) p.fold = fold_table(V, TB);
    const size_t nXR = up16((gru ? 2 : 1) * TB * (size_t)GH), nB = up16(BH), nS = up16(2 * (size_t)GH),
                 nP = ids && p.fold ? up16((size_t)V * (size_t)GH) : 0, nx = ids && !p.fold ? up16(TB * (size_t)In) : 0,
                 ndx = ids && !p.fold && demb ? TB * (size_t)In : 0;
    float *mem = scratch_fit(k, nXR + 3 * nB + nS + nP + nx + ndx);
    p.dX = mem;
    p.dR = gru ? p.dX + TB * (size_t)GH : p.dX;
    p.dn = mem + nXR;
    p.dp = p.dn + nB;
    p.cn = p.dp + nB;
    p.sb = p.cn + nB;
    memset(p.sb, 0, 2 * (size_t)GH * sizeof *p.sb);
    if (dhT) memcpy(p.dn, dhT, BH * sizeof *p.dn);
    else memset(p.dn, 0, BH * sizeof *p.dn);
    if (dcT && k->c) memcpy(p.cn, dcT, BH * sizeof *p.cn);
    else memset(p.cn, 0, BH * sizeof *p.cn);
    float *dx0 = NULL;
    if (nP) {
        p.P = p.sb + nS;
        memset(p.P, 0, (size_t)V * (size_t)GH * sizeof *p.P);
    }
    if (nx) {           /* a big table: as cell_backward on the looked-up rows, then scatter dx */
        float *x0 = p.sb + nS;
        for (size_t r = 0; r < TB; r++) memcpy(x0 + r * (size_t)In, emb + (size_t)ids[r] * (size_t)In, (size_t)In * sizeof *x0);
        p.x = x0;
        if (demb) p.dx = dx0 = x0 + nx;
    }
    team_run(bwd_work, &p, team_want(c, B), &p.bar);
    if (dx0)
        for (size_t r = 0; r < TB; r++) {
            float *d = demb + (size_t)ids[r] * (size_t)In;
            const float *s = dx0 + r * (size_t)In;
            for (int j = 0; j < In; j++) d[j] += s[j];
        }
}

void cell_backward(const Cell *c, const float *x, CellCache *k, const float *dh, const float *dhT,
                   const float *dcT, Cell *g, float *dx, float *dh0, float *dc0)
{
    backward(c, x, NULL, 0, NULL, k, dh, dhT, dcT, g, dx, NULL, dh0, dc0, NULL);
}

void cell_backward_ex(const Cell *c, const float *x, CellCache *k, const float *dh, const float *dhT,
                      const float *dcT, Cell *g, float *dx, float *dh0, float *dc0, float *dh_total)
{
    backward(c, x, NULL, 0, NULL, k, dh, dhT, dcT, g, dx, NULL, dh0, dc0, dh_total);
}

void cell_backward_ids(const Cell *c, const float *emb, int V, const int32_t *ids, CellCache *k, const float *dh,
                       const float *dhT, const float *dcT, Cell *g, float *demb, float *dh0, float *dc0)
{
    backward(c, NULL, emb, V, ids, k, dh, dhT, dcT, g, NULL, demb, dh0, dc0, NULL);
}

void cell_stack_init(Cell *cells, CellKind kind, int E, int H, int L, uint64_t seed)
{
    for (int l = 0; l < L; l++) {
        cell_alloc(&cells[l], kind, l == 0 ? E : H, H);
        cell_init(&cells[l], seed + 1000 * (uint64_t)(l + 1));
    }
}

void cell_stack_add_params(struct Optim *o, Cell *cells, Cell *grads, int L)
{
    for (int l = 0; l < L; l++) {
        Cell *c = &cells[l], *g = &grads[l];
        size_t GH = (size_t)c->G * (size_t)c->H;
        optim_add(o, c->W, g->W, GH * (size_t)c->In);
        optim_add(o, c->U, g->U, GH * (size_t)c->H);
        optim_add(o, c->b, g->b, GH);
        optim_add(o, c->bu, g->bu, GH);
    }
}

void cell_stack_set_fbias(Cell *cells, int L, float fbias)
{
    /* PyTorch's layout: the forget gate is the second block of H rows (i f g o); its bias is
       b + bu */
    for (int l = 0; l < L; l++) {
        Cell *c = &cells[l];
        if (c->kind != TZ_CELL_LSTM) continue;
        for (int j = 0; j < c->H; j++) { c->b[c->H + j] = fbias; c->bu[c->H + j] = 0; }
    }
}
