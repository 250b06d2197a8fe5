/* vocab.c — see vocab.h. */
#include "vocab.h"
#include "err.h"
#include "hash.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void vocab_init(Vocab *v) { memset(v, 0, sizeof *v); }

void vocab_free(Vocab *v)
{
    free(v->pool);
    free(v->off);
    free(v->counts);
    free(v->slots);
    memset(v, 0, sizeof *v);
}

/* Slot where w is, or the empty slot where it would go. */
static size_t probe(const Vocab *v, const char *w, size_t len, uint64_t h)
{
    size_t mask = v->nslots - 1, i = (size_t)h & mask;
    for (;;) {
        uint32_t s = v->slots[i];
        if (s == 0) return i;
        const char *x = v->pool + v->off[s - 1];
        if (strncmp(x, w, len) == 0 && x[len] == '\0') return i;
        i = (i + 1) & mask;
    }
}

static void rehash(Vocab *v, size_t nslots)
{
    free(v->slots);
    v->nslots = nslots;
    v->slots = tz_calloc(nslots, sizeof *v->slots);
    for (size_t id = 0; id < v->size; id++) {
        const char *w = v->pool + v->off[id];
        size_t len = strlen(w);
        v->slots[probe(v, w, len, tz_hash64(w, len))] = (uint32_t)(id + 1);
    }
}

int64_t vocab_find(const Vocab *v, const char *w, size_t len)
{
    if (v->nslots == 0) return -1;
    uint32_t s = v->slots[probe(v, w, len, tz_hash64(w, len))];
    return s ? (int64_t)s - 1 : -1;
}

size_t vocab_add(Vocab *v, const char *w, size_t len, int64_t count)
{
    if (v->nslots == 0) rehash(v, 1024);
    uint64_t h = tz_hash64(w, len);
    size_t slot = probe(v, w, len, h);
    if (v->slots[slot]) {
        size_t id = v->slots[slot] - 1;
        v->counts[id] += count;
        v->total += count;
        return id;
    }
    TZ_ASSERT(v->size < UINT32_MAX - 1);
    if (v->size == v->cap) {
        v->cap = v->cap ? 2 * v->cap : 1024;
        v->off = tz_realloc(v->off, v->cap * sizeof *v->off);
        v->counts = tz_realloc(v->counts, v->cap * sizeof *v->counts);
    }
    if (v->pool_len + len + 1 > v->pool_cap) {
        v->pool_cap = v->pool_cap ? 2 * v->pool_cap : 65536;
        while (v->pool_cap < v->pool_len + len + 1) v->pool_cap *= 2;
        v->pool = tz_realloc(v->pool, v->pool_cap);
    }
    memcpy(v->pool + v->pool_len, w, len);
    v->pool[v->pool_len + len] = '\0';
    size_t id = v->size++;
    v->off[id] = v->pool_len;
    v->pool_len += len + 1;
    v->counts[id] = count;
    v->total += count;
    v->slots[slot] = (uint32_t)(id + 1);
    if (2 * v->size > v->nslots) rehash(v, 2 * v->nslots);
    return id;
}

/* Frequency order: count descending, ties by bytes, so the order is the same everywhere.
 * qsort_r (glibc) passes the vocabulary along; no global state, so two threads may sort. */
static int by_count(const void *a, const void *b, void *ctx)
{
    const Vocab *v = ctx;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    if (v->counts[i] != v->counts[j]) return v->counts[i] > v->counts[j] ? -1 : 1;
    return strcmp(vocab_word(v, i), vocab_word(v, j));
}

void vocab_sort(Vocab *v, int64_t min_count, int64_t **remap)
{
    size_t n = v->size;
    size_t *order = tz_malloc((n ? n : 1) * sizeof *order);
    for (size_t i = 0; i < n; i++) order[i] = i;
    qsort_r(order, n, sizeof *order, by_count, v);

    Vocab s;
    vocab_init(&s);
    int64_t *map = remap ? tz_malloc((n ? n : 1) * sizeof *map) : NULL;
    if (map) for (size_t i = 0; i < n; i++) map[i] = -1;
    for (size_t k = 0; k < n; k++) {
        size_t id = order[k];
        if (v->counts[id] < min_count) break;   /* sorted: everything after is rarer */
        const char *w = vocab_word(v, id);
        size_t nid = vocab_add(&s, w, strlen(w), v->counts[id]);
        if (map) map[id] = (int64_t)nid;
    }
    free(order);
    vocab_free(v);
    *v = s;
    if (remap) *remap = map;
}

size_t vocab_hapax(const Vocab *v)
{
    size_t n = 0;
    for (size_t i = 0; i < v->size; i++) n += v->counts[i] == 1;
    return n;
}

float *vocab_keep_probs(const Vocab *v, double sample)
{
    float *keep = tz_malloc((v->size ? v->size : 1) * sizeof *keep);
    double st = sample * (double)v->total;
    for (size_t i = 0; i < v->size; i++) {
        double f = (double)v->counts[i];
        keep[i] = (sample <= 0 || f <= 0) ? 1.0f : (float)((sqrt(f / st) + 1.0) * st / f);
    }
    return keep;
}

int32_t *vocab_unigram_table(const Vocab *v, double power, size_t table_size)
{
    if (v->size == 0 || table_size == 0) return NULL;
    double norm = 0;
    for (size_t i = 0; i < v->size; i++) norm += pow((double)v->counts[i], power);
    int32_t *table = tz_malloc(table_size * sizeof *table);
    /* Walk the words and the slots together: slot k belongs to the word whose cumulative
     * share first exceeds k/table_size (a word whose share is below one slot may get none). */
    size_t id = 0;
    double cum = pow((double)v->counts[0], power) / norm;
    for (size_t k = 0; k < table_size; k++) {
        while ((double)k / (double)table_size >= cum && id + 1 < v->size) {
            id++;
            cum += pow((double)v->counts[id], power) / norm;
        }
        table[k] = (int32_t)id;
    }
    return table;
}

int vocab_alias_table(const Vocab *v, double power, float **prob, int32_t **alias)
{
    size_t n = v->size;
    if (n == 0) return -1;
    double *p = tz_malloc(n * sizeof *p), norm = 0;
    for (size_t i = 0; i < n; i++) norm += p[i] = pow((double)v->counts[i], power);
    /* scale so the mean is 1; then pair each "small" column (< 1) with a "large" one */
    size_t *small = tz_malloc(n * sizeof *small), *large = tz_malloc(n * sizeof *large), ns = 0, nl = 0;
    for (size_t i = 0; i < n; i++) {
        p[i] = p[i] * (double)n / norm;
        if (p[i] < 1.0) small[ns++] = i; else large[nl++] = i;
    }
    float *pr = tz_malloc(n * sizeof *pr);
    int32_t *al = tz_malloc(n * sizeof *al);
    while (ns && nl) {
        size_t s = small[--ns], l = large[--nl];
        pr[s] = (float)p[s];
        al[s] = (int32_t)l;
        p[l] -= 1.0 - p[s];                       /* l gives s's column the rest of its height */
        if (p[l] < 1.0) small[ns++] = l; else large[nl++] = l;
    }
    while (nl) { size_t l = large[--nl]; pr[l] = 1.0f; al[l] = (int32_t)l; }
    while (ns) { size_t s = small[--ns]; pr[s] = 1.0f; al[s] = (int32_t)s; }  /* rounding leftovers */
    free(p);
    free(small);
    free(large);
    *prob = pr;
    *alias = al;
    return 0;
}

double vocab_zipf_fit(const Vocab *v, size_t max_rank, double *r2)
{
    /* Assumes frequency order (vocab_sort). x = log rank, y = log count. */
    double sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
    size_t n = 0;
    for (size_t i = 0; i < v->size && i < max_rank; i++) {
        if (v->counts[i] < 2) break;
        double x = log((double)(i + 1)), y = log((double)v->counts[i]);
        sx += x; sy += y; sxx += x * x; sxy += x * y; syy += y * y;
        n++;
    }
    if (n < 3) { if (r2) *r2 = 0; return 0; }
    double cov = sxy - sx * sy / (double)n, vx = sxx - sx * sx / (double)n,
           vy = syy - sy * sy / (double)n;
    double slope = cov / vx;
    if (r2) *r2 = (vy > 0) ? (cov * cov) / (vx * vy) : 0;
    return -slope;
}

int64_t vocab_find_folded(const Vocab *v, const char *w, TzLang lang)
{
    size_t n = strlen(w);
    int64_t id = vocab_find(v, w, n);
    if (id >= 0) return id;
    char *low = tz_malloc(2 * n + 1);   /* lower case can be longer: İ → i̇ in English */
    size_t m = tz_lower(w, n, lang, low);
    id = vocab_find(v, low, m);
    free(low);
    return id;
}
