/* sample.c — temperature, top-k, top-p and the draw (see sample.h). */
#include "nn/sample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

/* ---- the generator ------------------------------------------------------------------------ */

uint64_t sample_seed(uint64_t seed)
{
    /* spread the user's small numbers over the whole state (the golden-ratio multiplier) */
    return seed * 0x9E3779B97F4A7C15ULL + 0x2545F4914F6CDD1DULL;
}

double sample_uniform(uint64_t *rng)
{
    *rng = *rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*rng >> 11) / 9007199254740992.0; /* top 53 bits / 2⁵³: in [0, 1) */
}

/* ---- ordering the vocabulary -------------------------------------------------------------- */

/* A 32-bit key whose unsigned order is the logits' DESCENDING order. A float's bits, read as an
 * unsigned number, are in order for positive floats and in reverse order for negative ones; so
 * flip every bit of a negative float and only the sign bit of a positive one (ascending), then
 * flip all (descending). NaN is taken as −∞ and −0 as +0, as sample.h says. Written without
 * branches (the compiler makes the two selections conditional moves): the signs of the logits
 * are as good as random, and a mispredicted branch per key would cost more than the rest. */
static inline uint32_t desc_key(float x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    u = (u & 0x7FFFFFFFu) > 0x7F800000u ? 0xFF800000u : u; /* NaN → −∞ */
    u = u == 0x80000000u ? 0u : u;                           /* −0 → +0 */
    uint32_t neg = (uint32_t)-(int32_t)(u >> 31);            /* all ones for a negative float */
    return ~(u ^ (neg | 0x80000000u));
}

/* Ids live in two buffers during the sort: order (int32_t) and probs (float, used as scratch).
 * memcpy reads and writes them as bytes, which C allows whatever the buffer's type (a cast of
 * float * to int32_t * would not be); the compiler turns each into one plain move. */
static inline int32_t id_at(const void *buf, size_t i)
{
    int32_t v;
    memcpy(&v, (const char *)buf + i * sizeof v, sizeof v);
    return v;
}

static inline void id_put(void *buf, size_t i, int32_t v)
{
    memcpy((char *)buf + i * sizeof v, &v, sizeof v);
}

/* order = 0 … V−1 sorted by descending logit, ties by ascending id: a least-significant-digit
 * radix sort, one byte of the key per pass. Each pass is stable (equal digits keep their order),
 * so after the last pass the ids are ordered by the whole key, and equal keys by id. A comparison
 * sort would need V·log₂V ≈ 16·V comparisons for GPT-2's vocabulary; this is 4 passes, and a pass
 * in which every key has the same byte (common for the high ones) is skipped. */
static void sort_desc(const float *logits, int V, int32_t *order, float *scratch)
{
    size_t cnt[4][256];
    memset(cnt, 0, sizeof cnt);
    for (int i = 0; i < V; i++) {
        uint32_t k = desc_key(logits[i]);
        cnt[0][k & 255]++;
        cnt[1][(k >> 8) & 255]++;
        cnt[2][(k >> 16) & 255]++;
        cnt[3][k >> 24]++;
        order[i] = i;
    }
    void *src = order, *dst = scratch;
    for (int b = 0; b < 4; b++) {
        size_t pos[256], run = 0;
        int trivial = 0;
        for (int d = 0; d < 256; d++) {
            if (cnt[b][d] == (size_t)V) trivial = 1;
            pos[d] = run;
            run += cnt[b][d];
        }
        if (trivial) continue; /* this byte is the same for every key: the pass would copy */
        for (size_t i = 0; i < (size_t)V; i++) {
            int32_t id = id_at(src, i);
            uint32_t k = desc_key(logits[id]);
            id_put(dst, pos[(k >> (8 * b)) & 255]++, id);
        }
        void *t = src;
        src = dst;
        dst = t;
    }
    if (src != order) memcpy(order, src, (size_t)V * sizeof *order);
}

/* ---- the distribution --------------------------------------------------------------------- */

int32_t sample_argmax(const float *logits, int V)
{
    int32_t best = 0;
    /* NaN compares false both ways: it never wins and never blocks a later winner, except as
     * the starting point, which the first real number replaces */
    float bv = logits[0] == logits[0] ? logits[0] : -INFINITY;
    for (int j = 1; j < V; j++)
        if (logits[j] > bv) {
            bv = logits[j];
            best = j;
        }
    return best;
}

/* The weights of the first k of order (sorted, most likely first), then top-p and the
 * renormalisation: what sample_dist and sample_dist_draw share. Writes probs only at
 * order[0 … k). Returns how many are kept. */
static size_t weigh(const float *logits, int V, const SampleParams *sp, float *probs, const int32_t *order, size_t k)
{
    (void)V;
    float top = logits[order[0]];
    /* greedy, or nothing to prefer (every logit −∞ or NaN): all on the first */
    if (sp->temp <= 0 || !(top > -INFINITY)) {
        probs[order[0]] = 1.0f;
        return 1;
    }
    /* weights of the k first: exp((logit − top)/temp), the softmax before dividing by the sum
     * (subtracting the largest keeps exp from overflowing; it cancels in the division). With a
     * +∞ logit the limit of the softmax is an equal share among the +∞ ones. Sorted: once a
     * weight is 0, every later one is too. */
    double sum = 0;
    for (size_t i = 0; i < k; i++) {
        float l = logits[order[i]];
        float w = top == INFINITY ? (l == INFINITY ? 1.0f : 0.0f) : expf((l - top) / sp->temp);
        if (!(w > 0)) { /* underflowed to 0 (i ≥ 1: the first weighs 1): so do all after it */
            k = i;
            break;
        }
        probs[order[i]] = w;
        sum += w;
    }

    /* top-p: the shortest prefix whose mass reaches topp of what top-k left */
    size_t kept = k;
    if (sp->topp < 1) {
        double target = (double)sp->topp * sum, acc = 0;
        for (size_t i = 0; i < k; i++) {
            acc += probs[order[i]];
            if (acc >= target) {
                kept = i + 1;
                break;
            }
        }
    }
    /* renormalise what is kept; clear what top-p cut */
    double ksum = 0;
    for (size_t i = 0; i < kept; i++) ksum += probs[order[i]];
    for (size_t i = 0; i < kept; i++) probs[order[i]] = (float)(probs[order[i]] / ksum);
    for (size_t i = kept; i < k; i++) probs[order[i]] = 0.0f;
    return kept;
}

size_t sample_dist(const float *logits, int V, const SampleParams *sp, float *probs, int32_t *order)
{
    TZ_ASSERT(V > 0);
    sort_desc(logits, V, order, probs);
    memset(probs, 0, (size_t)V * sizeof *probs);
    size_t k = (sp->topk > 0 && sp->topk < V) ? (size_t)sp->topk : (size_t)V;
    return weigh(logits, V, sp, probs, order, k);
}

/* sample_dist_draw keeps the keys in probs (V floats of room) while it selects: read and written
 * as bytes (memcpy), like the ids in sort_desc, so no float is ever read as an integer. */
static inline uint32_t key_at(const void *keys, int32_t id)
{
    uint32_t k;
    memcpy(&k, (const char *)keys + (size_t)id * sizeof k, sizeof k);
    return k;
}

/* The order sort_desc gives: by key (descending logit), ties by id. */
static inline int before(const void *keys, int32_t x, int32_t y)
{
    uint32_t kx = key_at(keys, x), ky = key_at(keys, y);
    return kx < ky || (kx == ky && x < y);
}

/* Rearrange ids[0 … m) so that its first k are the k first in that order (among themselves in
 * any order): quickselect with a median-of-three pivot and Lomuto's partition, expected O(m). The
 * order is strict and total (ties broken by id), so no two ids compare equal. */
static void select_first(int32_t *ids, size_t m, size_t k, const void *keys)
{
    size_t lo = 0, hi = m;   /* the boundary after the k-th lies in [lo, hi] */
    while (hi - lo > 1 && k > lo && k < hi) {
        size_t mid = lo + (hi - lo) / 2, last = hi - 1;
        /* median of ids[lo], ids[mid], ids[last] moved to ids[last] as the pivot */
        if (before(keys, ids[mid], ids[lo])) { int32_t t = ids[mid]; ids[mid] = ids[lo]; ids[lo] = t; }
        if (before(keys, ids[last], ids[lo])) { int32_t t = ids[last]; ids[last] = ids[lo]; ids[lo] = t; }
        if (before(keys, ids[mid], ids[last])) { int32_t t = ids[mid]; ids[mid] = ids[last]; ids[last] = t; }
        int32_t piv = ids[last];
        size_t store = lo;
        for (size_t i = lo; i < last; i++)
            if (before(keys, ids[i], piv)) { int32_t t = ids[i]; ids[i] = ids[store]; ids[store] = t; store++; }
        ids[last] = ids[store];
        ids[store] = piv;        /* [lo, store) before the pivot, store the pivot, (store, hi) after */
        if (k <= store) hi = store;
        else if (k > store + 1) lo = store + 1;
        else return;             /* k == store + 1: the first k end with the pivot */
    }
}

static void sort_small(int32_t *ids, size_t n, const void *keys)
{
    for (size_t i = 1; i < n; i++) {   /* insertion sort: n is top-k's k, usually tens */
        int32_t x = ids[i];
        size_t j = i;
        for (; j > 0 && before(keys, x, ids[j - 1]); j--) ids[j] = ids[j - 1];
        ids[j] = x;
    }
}

size_t sample_dist_draw(const float *logits, int V, const SampleParams *sp, float *probs, int32_t *order)
{
    TZ_ASSERT(V > 0);
    if (sp->temp <= 0) { /* greedy: the argmax alone, no order needed */
        order[0] = sample_argmax(logits, V);
        probs[order[0]] = 1.0f;
        return 1;
    }
    int topk_on = sp->topk > 0 && sp->topk < V;
    if (!topk_on && sp->topp >= 1) {
        /* Nothing is cut: every token with a weight can be drawn, and no order is needed to draw
         * from a distribution — the ids are walked in id order (the same distribution as walking
         * them sorted; a given seed picks another token than sample_dist's walk would). */
        float top = -INFINITY;
        for (int i = 0; i < V; i++) top = logits[i] > top ? logits[i] : top;   /* NaN never wins */
        if (!(top > -INFINITY)) return sample_dist(logits, V, sp, probs, order);   /* nothing to prefer */
        double sum = 0;
        size_t kept = 0;
        for (int32_t i = 0; i < V; i++) {
            float l = logits[i];
            float w = top == INFINITY ? (l == INFINITY ? 1.0f : 0.0f) : expf((l - top) / sp->temp);
            if (w > 0) {   /* NaN and underflow: never drawn, not counted */
                probs[i] = w;
                order[kept++] = i;
                sum += w;
            }
        }
        for (size_t i = 0; i < kept; i++) probs[order[i]] = (float)(probs[order[i]] / sum);
        return kept;
    }
    if (!(topk_on && sp->topk <= 1024)) return sample_dist(logits, V, sp, probs, order);
    size_t k = (size_t)sp->topk;
    /* Radix select on the keys' top 11 bits: count the keys per bucket, find the bucket b that
     * holds the k-th smallest, keep the ids whose bucket is ≤ b (the top k are all among them),
     * select the k first of those, and sort only them. */
    enum { BITS = 11, NB = 1 << BITS };
    size_t cnt[NB];
    memset(cnt, 0, sizeof cnt);
    for (int i = 0; i < V; i++) {
        uint32_t key = desc_key(logits[i]);
        memcpy((char *)probs + (size_t)i * sizeof key, &key, sizeof key);
        cnt[key >> (32 - BITS)]++;
    }
    size_t below = 0;
    uint32_t b = 0;
    while (below + cnt[b] < k) below += cnt[b++];
    size_t m = 0;
    for (int32_t i = 0; i < V; i++)
        if ((key_at(probs, i) >> (32 - BITS)) <= b) order[m++] = i;
    select_first(order, m, k, probs);
    sort_small(order, k, probs);
    return weigh(logits, V, sp, probs, order, k);
}

int32_t sample_pick(const float *probs, const int32_t *order, size_t kept, uint64_t *rng)
{
    TZ_ASSERT(kept >= 1);
    double total = 0;
    for (size_t i = 0; i < kept; i++) total += probs[order[i]];
    double u = sample_uniform(rng) * total, acc = 0;
    int32_t last = order[0];
    for (size_t i = 0; i < kept; i++) {
        float p = probs[order[i]];
        if (!(p > 0)) continue; /* a token of probability 0 is never drawn */
        acc += p;
        last = order[i];
        if (u < acc) return order[i];
    }
    return last; /* u rounded up to the total: the last token that could be drawn */
}
