/* vptree.c — see vptree.h. */
#include "reduce/vptree.h"
#include "core/err.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
typedef float v4f __attribute__((vector_size(16)));
static inline v4f load4(const float *p)
{
    v4f v;
    memcpy(&v, p, sizeof v);   /* an unaligned load */
    return v;
}
#endif

float vptree_dist2(const float *a, const float *b, size_t d)
{
    float s = 0;
    size_t j = 0;
#if defined(__GNUC__)
    /* Four running sums of four lanes, not one: with a single accumulator every addition
     * waits for the previous one (3–4 cycles); four independent ones keep the adder busy.
     * This loop is most of the neighbour search, so it is worth the few lines. */
    v4f s0 = { 0 }, s1 = { 0 }, s2 = { 0 }, s3 = { 0 };
    for (; j + 16 <= d; j += 16) {
        v4f t0 = load4(a + j) - load4(b + j), t1 = load4(a + j + 4) - load4(b + j + 4);
        v4f t2 = load4(a + j + 8) - load4(b + j + 8), t3 = load4(a + j + 12) - load4(b + j + 12);
        s0 += t0 * t0;
        s1 += t1 * t1;
        s2 += t2 * t2;
        s3 += t3 * t3;
    }
    v4f v = (s0 + s1) + (s2 + s3);
    s = (v[0] + v[1]) + (v[2] + v[3]);
#endif
    for (; j < d; j++) {
        float t = a[j] - b[j];
        s += t * t;
    }
    return s;
}

/* xorshift64*: a small deterministic generator for picking vantage points */
static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

static void swap2(float *dist, uint32_t *id, ptrdiff_t a, ptrdiff_t b)
{
    float t = dist[a]; dist[a] = dist[b]; dist[b] = t;
    uint32_t u = id[a]; id[a] = id[b]; id[b] = u;
}

/* Quickselect (Hoare's partition) on the parallel arrays dist/id over [lo, hi): afterwards
 * dist[k] is the value that a full sort would put there, everything left of k is ≤ it and
 * everything right of k is ≥ it. That is all the tree needs: the median and the two halves. */
static void select_kth(float *dist, uint32_t *id, ptrdiff_t lo, ptrdiff_t hi, ptrdiff_t k)
{
    while (hi - lo > 1) {
        /* median of the first, middle and last values as the pivot: no quadratic case on
         * sorted input */
        float a = dist[lo], b = dist[lo + (hi - lo) / 2], c = dist[hi - 1];
        float pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        ptrdiff_t i = lo, j = hi - 1;
        while (i <= j) {
            while (dist[i] < pivot) i++;
            while (dist[j] > pivot) j--;
            if (i <= j) { swap2(dist, id, i, j); i++; j--; }
        }
        /* now [lo, j] ≤ pivot, (j, i) = pivot, [i, hi) ≥ pivot */
        if (k <= j) hi = j + 1;
        else if (k >= i) lo = i;
        else return;
    }
}

/* Build the subtree over tree rows [lo, hi). id holds row numbers of X; dist is scratch. */
static void build(VpTree *t, const float *X, float *dist, size_t lo, size_t hi, uint64_t *rng)
{
    size_t d = t->d;
    while (hi - lo > VPTREE_LEAF) {
        size_t v = lo + (size_t)(next_rand(rng) % (hi - lo));
        uint32_t u = t->id[lo]; t->id[lo] = t->id[v]; t->id[v] = u;
        const float *pv = X + (size_t)t->id[lo] * d;
        for (size_t r = lo + 1; r < hi; r++) dist[r] = sqrtf(vptree_dist2(pv, X + (size_t)t->id[r] * d, d));
        size_t mid = lo + 1 + (hi - lo - 1) / 2;
        select_kth(dist, t->id, (ptrdiff_t)lo + 1, (ptrdiff_t)hi, (ptrdiff_t)mid);
        t->radius[lo] = dist[mid];   /* inside: [lo+1, mid) at distance ≤ μ; outside: [mid, hi) at ≥ μ */
        build(t, X, dist, lo + 1, mid, rng);
        lo = mid;                    /* the outside subtree, without recursing */
    }
}

void vptree_build(VpTree *t, const float *X, size_t n, size_t d, uint64_t seed)
{
    TZ_ASSERT(n < UINT32_MAX);
    memset(t, 0, sizeof *t);
    t->n = n;
    t->d = d;
    t->id = tz_malloc((n ? n : 1) * sizeof *t->id);
    t->radius = tz_calloc(n ? n : 1, sizeof *t->radius);
    for (size_t i = 0; i < n; i++) t->id[i] = (uint32_t)i;
    float *dist = tz_malloc((n ? n : 1) * sizeof *dist);
    uint64_t rng = seed * 0x9E3779B97F4A7C15ULL + 0x2545F4914F6CDD1DULL;
    if (!rng) rng = 1;
    build(t, X, dist, 0, n, &rng);
    free(dist);
    /* copy the rows in tree order: a subtree is then one contiguous block of memory */
    t->pts = tz_malloc((n ? n : 1) * d * sizeof *t->pts);
    for (size_t r = 0; r < n; r++) memcpy(t->pts + r * d, X + (size_t)t->id[r] * d, d * sizeof *t->pts);
}

void vptree_free(VpTree *t)
{
    free(t->pts);
    free(t->id);
    free(t->radius);
    memset(t, 0, sizeof *t);
}

/* --- search -------------------------------------------------------------------------- */

/* The k best so far, as a max-heap on the squared distance: the root is the worst of them,
 * the one a closer point replaces. */
typedef struct {
    size_t k, len;
    float *d2;
    uint32_t *id;
} Heap;

static void heap_sift_down(Heap *h, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->len && h->d2[l] > h->d2[m]) m = l;
        if (r < h->len && h->d2[r] > h->d2[m]) m = r;
        if (m == i) return;
        float t = h->d2[i]; h->d2[i] = h->d2[m]; h->d2[m] = t;
        uint32_t u = h->id[i]; h->id[i] = h->id[m]; h->id[m] = u;
        i = m;
    }
}

static void heap_offer(Heap *h, float d2, uint32_t id)
{
    if (h->len < h->k) {   /* not full yet: sift the newcomer up */
        size_t i = h->len++;
        while (i > 0 && h->d2[(i - 1) / 2] < d2) {
            h->d2[i] = h->d2[(i - 1) / 2];
            h->id[i] = h->id[(i - 1) / 2];
            i = (i - 1) / 2;
        }
        h->d2[i] = d2;
        h->id[i] = id;
    } else if (d2 < h->d2[0]) {
        h->d2[0] = d2;
        h->id[0] = id;
        heap_sift_down(h, 0);
    }
}

/* τ: the distance within which a point must lie to enter the heap. Stretched by 1e-5 so that
 * float rounding in the triangle inequality can never prune a true neighbour. */
static float heap_tau(const Heap *h)
{
    return h->len < h->k ? INFINITY : sqrtf(h->d2[0]) * 1.00001f + 1e-30f;
}

static void search(const VpTree *t, Heap *h, const float *q, uint32_t self, size_t lo, size_t hi)
{
    size_t d = t->d;
    while (lo < hi) {
        if (hi - lo <= VPTREE_LEAF) {   /* a leaf: scan it */
            for (size_t r = lo; r < hi; r++)
                if (t->id[r] != self) heap_offer(h, vptree_dist2(q, t->pts + r * d, d), t->id[r]);
            return;
        }
        float dv2 = vptree_dist2(q, t->pts + lo * d, d), dv = sqrtf(dv2), mu = t->radius[lo];
        if (t->id[lo] != self) heap_offer(h, dv2, t->id[lo]);
        size_t mid = lo + 1 + (hi - lo - 1) / 2;
        /* the side q falls on first (it most likely holds the neighbours, and a small τ
         * prunes more of the other side), then the other side if the ball of radius τ
         * around q crosses the sphere of radius μ */
        if (dv < mu) {
            search(t, h, q, self, lo + 1, mid);
            if (dv + heap_tau(h) < mu) return;
            lo = mid;
        } else {
            search(t, h, q, self, mid, hi);
            if (dv - heap_tau(h) > mu) return;
            hi = mid;
            lo = lo + 1;
        }
    }
}

typedef struct {
    const VpTree *t;
    size_t k;
    const Job *job;
    uint32_t *nbr;
    float *dist2;
    atomic_size_t next;   /* the next tree row nobody has taken yet */
    atomic_int stop;
} KnnTask;

enum { KNN_CHUNK = 32 };

static void knn_task(void *arg, int tid, int nthreads)
{
    (void)tid;
    (void)nthreads;
    KnnTask *K = arg;
    const VpTree *t = K->t;
    size_t k = K->k, n = t->n;
    Heap h = { .k = k, .d2 = tz_malloc(k * sizeof(float)), .id = tz_malloc(k * sizeof(uint32_t)) };
    for (;;) {
        /* queries in tree order: consecutive queries are near each other, so they walk the
         * same parts of the tree and find them in cache */
        size_t r0 = atomic_fetch_add(&K->next, KNN_CHUNK);
        if (r0 >= n || atomic_load(&K->stop)) break;
        if (job_cancelled(K->job)) { atomic_store(&K->stop, 1); break; }
        size_t r1 = r0 + KNN_CHUNK < n ? r0 + KNN_CHUNK : n;
        for (size_t r = r0; r < r1; r++) {
            h.len = 0;
            search(t, &h, t->pts + r * t->d, t->id[r], 0, n);
            /* heap → ascending order: pop the largest to the back, k times */
            uint32_t *on = K->nbr + (size_t)t->id[r] * k;
            float *od = K->dist2 + (size_t)t->id[r] * k;
            while (h.len > 0) {
                size_t last = --h.len;
                on[last] = h.id[0];
                od[last] = h.d2[0];
                h.d2[0] = h.d2[last];
                h.id[0] = h.id[last];
                heap_sift_down(&h, 0);
            }
        }
    }
    free(h.d2);
    free(h.id);
}

int vptree_knn_all(const VpTree *t, size_t k, Pool *pool, const Job *job, uint32_t *nbr, float *dist2)
{
    TZ_ASSERT(k >= 1 && k < t->n);
    KnnTask K = { .t = t, .k = k, .job = job, .nbr = nbr, .dist2 = dist2 };
    atomic_init(&K.next, 0);
    atomic_init(&K.stop, 0);
    pool_run(pool, knn_task, &K);
    return atomic_load(&K.stop) ? TZ_E_CANCELLED : 0;
}
