/* vectors.c — see vectors.h.
 *
 * Every search is one pass over the first `limit` rows: scores = (X·q) ⊙ inv_norm with X
 * the rows (V×D, row-major) and q a unit query, one cblas_sgemv (≈ 2·V·D flops: 100k×100
 * is a few ms) and a scaling, then a top-k selection with a small min-heap (k ≪ V). The results follow gensim's
 * KeyedVectors (most_similar, most_similar_cosmul, doesnt_match) score for score; the unit
 * test tests/unit/test_vectors.c checks them against fixtures written by gensim
 * (tests/ref/check_vectors_gensim.py). Ties are broken by the lower id (the more frequent
 * word), so that results are the same on every machine.
 *
 * If vectors_normalize has not been called (inv_norm == NULL) the functions still work:
 * they compute each row's length on the fly (slower, same answers).
 */
#include "models/vectors.h"
#include "core/utf8.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void vectors_init(Vectors *v, size_t n, size_t dim)
{
    memset(v, 0, sizeof *v);
    vocab_init(&v->words);
    v->n = n;
    v->dim = dim;
    if (n && dim) {
        TZ_ASSERT(n <= SIZE_MAX / dim / sizeof(float));
        v->data = tz_calloc(n * dim, sizeof(float));
    }
}

void vectors_free(Vectors *v)
{
    vocab_free(&v->words);
    free(v->data);
    free(v->inv_norm);
    memset(v, 0, sizeof *v);
}

int64_t vectors_find(const Vectors *v, const char *word)
{
    int64_t id = vocab_find(&v->words, word, strlen(word));
    if (id < 0 || (size_t)id >= v->n) return -1;
    return id;
}

static float norm_of(const float *x, size_t d)
{
    double s = 0;
    for (size_t j = 0; j < d; j++) s += (double)x[j] * x[j];
    return (float)sqrt(s);
}

void vectors_normalize(Vectors *v)
{
    if (!v->n || !v->dim) return;
    if (!v->inv_norm) v->inv_norm = tz_malloc(v->n * sizeof(float));
    for (size_t i = 0; i < v->n; i++) {
        float len = norm_of(v->data + i * v->dim, v->dim);
        v->inv_norm[i] = len > 0 ? 1.0f / len : 0.0f;   /* a zero row stays zero: cosine 0 */
    }
}

/* 1/|row id|, from the table or computed. */
static float inv_len(const Vectors *v, size_t id)
{
    if (v->inv_norm) return v->inv_norm[id];
    float len = norm_of(v->data + id * v->dim, v->dim);
    return len > 0 ? 1.0f / len : 0.0f;
}

void vectors_unit_row(const Vectors *v, size_t id, float *out)
{
    const float *x = vectors_row(v, id);
    float s = inv_len(v, id);
    for (size_t j = 0; j < v->dim; j++) out[j] = x[j] * s;
}

/* Scale x to unit length in place; returns 0 if it is the zero vector. */
static int unitize(float *x, size_t d)
{
    float len = norm_of(x, d);
    if (!(len > 0) || !isfinite(len)) return 0;
    for (size_t j = 0; j < d; j++) x[j] /= len;
    return 1;
}

float vectors_cosine(const Vectors *v, size_t a, size_t b)
{
    TZ_ASSERT(a < v->n && b < v->n);
    const float *x = vectors_row(v, a), *y = vectors_row(v, b);
    double s = 0;
    for (size_t j = 0; j < v->dim; j++) s += (double)x[j] * y[j];
    return (float)(s * inv_len(v, a) * inv_len(v, b));
}

static size_t clamp_limit(const Vectors *v, size_t limit) { return limit == 0 || limit > v->n ? v->n : limit; }

/* scores[i] = cos(row i, q) for i < rows, q a unit vector: one sgemv, then the scaling. */
static void row_scores(const Vectors *v, const float *q, size_t rows, float *scores)
{
    if (!rows) return;
    cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)rows, (int)v->dim, 1.0f, v->data, (int)v->dim, q, 1, 0.0f,
                scores, 1);
    for (size_t i = 0; i < rows; i++) scores[i] *= inv_len(v, i);
}

/* scores[3i + t] = cos(row i, q_t) for three unit queries q (3×D), in one pass over the table:
 * S = X·Qᵀ as one sgemm with Qᵀ stored D×3 (measured faster than three sgemv calls, and than
 * Q·Xᵀ, which packs the whole table first), then each row scaled by 1/|row|. */
static void row_scores3(const Vectors *v, const float *q, size_t rows, float *scores)
{
    size_t d = v->dim;
    if (!rows) return;
    float *qt = tz_malloc(3 * d * sizeof(float));
    for (size_t t = 0; t < 3; t++)
        for (size_t j = 0; j < d; j++) qt[j * 3 + t] = q[t * d + j];
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, 3, (int)d, 1.0f, v->data, (int)d, qt, 3, 0.0f,
                scores, 3);
    free(qt);
    for (size_t i = 0; i < rows; i++) {
        float s = inv_len(v, i);
        for (size_t t = 0; t < 3; t++) scores[3 * i + t] *= s;
    }
}

/* --- top-k selection ------------------------------------------------------------------ */

/* a ranks below b: lower score, or the same score and a higher id. */
static int worse(const Neighbor *a, const Neighbor *b)
{
    return a->score < b->score || (a->score == b->score && a->id > b->id);
}

static void sift_down(Neighbor *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && worse(&h[l], &h[m])) m = l;
        if (r < n && worse(&h[r], &h[m])) m = r;
        if (m == i) return;
        Neighbor t = h[i]; h[i] = h[m]; h[m] = t;
        i = m;
    }
}

static int excluded(size_t id, const size_t *exclude, size_t nexclude)
{
    for (size_t j = 0; j < nexclude; j++)
        if (exclude[j] == id) return 1;
    return 0;
}

static int cmp_best_first(const void *pa, const void *pb)
{
    const Neighbor *a = pa, *b = pb;
    if (worse(b, a)) return -1;
    if (worse(a, b)) return 1;
    return 0;
}

/* The k best of scores[0..rows) (NaN never wins), skipping exclude; best first. The heap
 * keeps the current k best with the worst at the root. */
static size_t top_k(const float *scores, size_t rows, const size_t *exclude, size_t nexclude, size_t k,
                    Neighbor *out)
{
    size_t n = 0;
    if (!k) return 0;
    for (size_t i = 0; i < rows; i++) {
        float s = scores[i];
        if (isnan(s)) continue;
        Neighbor c = {i, s};
        if (n == k && !worse(&out[0], &c)) continue;
        if (nexclude && excluded(i, exclude, nexclude)) continue;
        if (n < k) {
            /* sift up */
            size_t j = n++;
            out[j] = c;
            while (j > 0 && worse(&out[j], &out[(j - 1) / 2])) {
                Neighbor t = out[j]; out[j] = out[(j - 1) / 2]; out[(j - 1) / 2] = t;
                j = (j - 1) / 2;
            }
        } else {
            out[0] = c;
            sift_down(out, n, 0);
        }
    }
    qsort(out, n, sizeof *out, cmp_best_first);
    return n;
}

size_t vectors_nearest(const Vectors *v, const float *query, const size_t *exclude, size_t nexclude,
                       size_t k, size_t limit, Neighbor *out)
{
    size_t rows = clamp_limit(v, limit);
    if (!rows || !k || !v->dim) return 0;
    float *q = tz_malloc(v->dim * sizeof(float));
    memcpy(q, query, v->dim * sizeof(float));
    size_t got = 0;
    if (unitize(q, v->dim)) {   /* the zero vector has no direction: no neighbours */
        float *scores = tz_malloc(rows * sizeof(float));
        row_scores(v, q, rows, scores);
        got = top_k(scores, rows, exclude, nexclude, k, out);
        free(scores);
    }
    free(q);
    return got;
}

/* 3CosAdd as gensim's most_similar(positive=[a, c], negative=[b]): the query is the mean of
 * the unit vectors a − b + c, scaled to unit length; the score of x is its cosine with that
 * query, cos(x, a − b + c) / |a − b + c| on unit vectors, which ranks x exactly as
 * cos(x, a) − cos(x, b) + cos(x, c) does (the two differ by the constant factor |a − b + c|).
 * 3CosMul as gensim's most_similar_cosmul(positive=[a, c], negative=[b]): with
 * cos' = (1 + cos) / 2 in [0, 1], score = cos'(x, a) · cos'(x, c) / (cos'(x, b) + 1e-6). */
size_t vectors_analogy(const Vectors *v, size_t a, size_t b, size_t c, int mul, size_t k, size_t limit,
                       Neighbor *out)
{
    TZ_ASSERT(a < v->n && b < v->n && c < v->n);
    size_t d = v->dim, ex[3] = {a, b, c};
    float *q = tz_malloc(3 * (d ? d : 1) * sizeof(float));
    vectors_unit_row(v, a, q);
    vectors_unit_row(v, b, q + d);
    vectors_unit_row(v, c, q + 2 * d);
    size_t got = vectors_analogy_vec(v, q, q + d, q + 2 * d, ex, 3, mul, k, limit, out);
    free(q);
    return got;
}

size_t vectors_analogy_vec(const Vectors *v, const float *a, const float *b, const float *c, const size_t *ex,
                           size_t nex, int mul, size_t k, size_t limit, Neighbor *out)
{
    size_t rows = clamp_limit(v, limit), d = v->dim;
    if (!rows || !k || !d) return 0;
    float *q = tz_malloc(3 * d * sizeof(float));
    float *ua = q, *ub = q + d, *uc = q + 2 * d;
    memcpy(ua, a, d * sizeof(float));
    memcpy(ub, b, d * sizeof(float));
    memcpy(uc, c, d * sizeof(float));
    unitize(ua, d);
    unitize(ub, d);
    unitize(uc, d);
    float *scores = tz_malloc((mul ? 3 : 1) * rows * sizeof(float));
    size_t got = 0;
    if (!mul) {
        for (size_t j = 0; j < d; j++) ua[j] = ua[j] - ub[j] + uc[j];
        if (unitize(ua, d)) {
            row_scores(v, ua, rows, scores);
            got = top_k(scores, rows, ex, nex, k, out);
        }
    } else {
        row_scores3(v, q, rows, scores);
        for (size_t i = 0; i < rows; i++) {
            const float *c3 = scores + 3 * i;   /* cosines with a, b, c */
            float pa = (1.0f + c3[0]) / 2.0f, pb = (1.0f + c3[1]) / 2.0f, pc = (1.0f + c3[2]) / 2.0f;
            scores[i] = pa * pc / (pb + 1e-6f);   /* i ≤ 3i: not yet read entries stay intact */
        }
        got = top_k(scores, rows, ex, nex, k, out);
    }
    free(q);
    free(scores);
    return got;
}

/* As gensim's doesnt_match: the mean of the unit vectors, scaled to unit length; the word
 * with the lowest cosine to it (ties: the word that sorts first by bytes). */
size_t vectors_odd(const Vectors *v, const size_t *ids, size_t n, float *score)
{
    TZ_ASSERT(n >= 1);
    size_t d = v->dim ? v->dim : 1;
    float *rows = tz_malloc(n * d * sizeof(float));
    const float **vecs = tz_malloc(n * sizeof *vecs);
    const char **names = tz_malloc(n * sizeof *names);
    for (size_t i = 0; i < n; i++) {
        TZ_ASSERT(ids[i] < v->n);
        vectors_unit_row(v, ids[i], rows + i * d);
        vecs[i] = rows + i * d;
        names[i] = vocab_word(&v->words, ids[i]);
    }
    size_t best = vectors_odd_vec(vecs, names, n, v->dim, score);
    free(rows);
    free(vecs);
    free(names);
    return best;
}

size_t vectors_odd_vec(const float *const *vecs, const char *const *names, size_t n, size_t d, float *score)
{
    TZ_ASSERT(n >= 1);
    float *mean = tz_calloc(d ? d : 1, sizeof(float)), *u = tz_malloc((d ? d : 1) * sizeof(float));
    for (size_t i = 0; i < n; i++) {
        memcpy(u, vecs[i], d * sizeof(float));
        unitize(u, d);
        for (size_t j = 0; j < d; j++) mean[j] += u[j];
    }
    for (size_t j = 0; j < d; j++) mean[j] /= (float)n;
    unitize(mean, d);
    size_t best = 0;
    float best_s = INFINITY;
    for (size_t i = 0; i < n; i++) {
        memcpy(u, vecs[i], d * sizeof(float));
        unitize(u, d);
        float s = 0;
        for (size_t j = 0; j < d; j++) s += u[j] * mean[j];
        if (s < best_s || (s == best_s && strcmp(names[i], names[best]) < 0)) {
            best = i;
            best_s = s;
        }
    }
    free(mean);
    free(u);
    if (score) *score = best_s;
    return best;
}

/* --- vector arithmetic ----------------------------------------------------------------- */

/* Column (1-based, in characters) of byte offset off in s. */
static size_t char_pos(const char *s, size_t off) { return utf8_length(s, off) + 1; }

static int is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* A coefficient at s[*i]: digits, optionally '.' or ',' and more digits, and it must be
 * followed by white space, '*', or the end (otherwise "2nd", "3d" are words). Locale-free. */
static int parse_coef(const char *s, size_t *i, double *out)
{
    size_t j = *i;
    double val = 0;
    int digits = 0;
    while (is_digit(s[j])) { val = val * 10 + (s[j] - '0'); j++; digits++; }
    if ((s[j] == '.' || s[j] == ',') && is_digit(s[j + 1])) {
        double scale = 0.1;
        j++;
        while (is_digit(s[j])) { val += (s[j] - '0') * scale; scale /= 10; j++; digits++; }
    }
    if (!digits) return 0;
    if (s[j] && !is_ws(s[j]) && s[j] != '*') return 0;
    *out = val;
    *i = j;
    return 1;
}

static int word_char_end(char c) { return c == '\0' || is_ws(c) || c == '+' || c == '*'; }

int vectors_arith(const Vectors *v, const char *expr, float *out, size_t *used, size_t *nused,
                  size_t max_used, TzErr *e)
{
    return vectors_arith_ex(v, expr, NULL, NULL, out, used, nused, max_used, e);
}

int vectors_arith_ex(const Vectors *v, const char *expr, VecUnknownFn unknown, void *ud, float *out, size_t *used,
                     size_t *nused, size_t max_used, TzErr *e)
{
    size_t d = v->dim, i = 0, terms = 0;
    float *u = tz_malloc((d ? d : 1) * sizeof(float));
    int rc = 0;
    memset(out, 0, d * sizeof(float));
    if (nused) *nused = 0;
    for (;;) {
        while (is_ws(expr[i])) i++;
        if (!expr[i]) break;
        /* an operator: required between terms, optional ('+' or '-') before the first */
        double sign = 1;
        if (expr[i] == '+' || expr[i] == '-') {
            sign = expr[i] == '-' ? -1 : 1;
            i++;
            while (is_ws(expr[i])) i++;
        } else if (terms > 0) {
            rc = tz_errf(e, TZ_E_ARG, "%zu. karakterde + ya da - bekleniyordu: '%s'",
                         "expected + or - at character %zu: '%s'", char_pos(expr, i), expr);
            goto out;
        }
        if (!expr[i] || expr[i] == '+' || expr[i] == '-' || expr[i] == '*') {
            rc = tz_errf(e, TZ_E_ARG, "%zu. karakterde bir sözcük ya da sayı bekleniyordu: '%s'",
                         "expected a word or a number at character %zu: '%s'", char_pos(expr, i), expr);
            goto out;
        }
        /* an optional coefficient: "2*kral", "2 * kral", "0.5 kral" */
        double coef = 1;
        size_t j = i;
        if (parse_coef(expr, &j, &coef)) {
            i = j;
            while (is_ws(expr[i])) i++;
            if (expr[i] == '*') {
                i++;
                while (is_ws(expr[i])) i++;
            }
            if (!expr[i] || expr[i] == '+' || expr[i] == '-' || expr[i] == '*') {
                rc = tz_errf(e, TZ_E_ARG, "%zu. karakterde sayıdan sonra bir sözcük bekleniyordu: '%s'",
                             "expected a word after the number at character %zu: '%s'", char_pos(expr, i),
                             expr);
                goto out;
            }
        }
        /* the word: up to white space, '+' or '*'. A '-' inside it is part of the word if the
         * whole is known ("well-known"); otherwise the word stops there and '-' is an operator. */
        size_t start = i, end = i;
        while (!word_char_end(expr[end])) end++;
        int64_t id = vocab_find(&v->words, expr + start, end - start);
        if (id < 0) {
            const char *dash = memchr(expr + start + 1, '-', end - start > 1 ? end - start - 1 : 0);
            if (dash) {
                int64_t id2 = vocab_find(&v->words, expr + start, (size_t)(dash - expr) - start);
                if (id2 >= 0) { id = id2; end = (size_t)(dash - expr); }
            }
        }
        if (id < 0 || (size_t)id >= v->n) {
            /* unknown: the caller may still have a vector for it (FastText: from its n-grams).
             * A '-' inside an unknown word is an operator ("kitaplarımızdan-kitap"). */
            const char *dash = memchr(expr + start + 1, '-', end - start > 1 ? end - start - 1 : 0);
            if (dash) end = (size_t)(dash - expr);
            char *w = tz_strndup(expr + start, end - start);
            int have = unknown && unknown(w, u, ud);
            if (!have)
                rc = tz_errf(e, TZ_E_NOTFOUND, "'%s' sözcük dağarcığında yok", "'%s' is not in the vocabulary", w);
            free(w);
            if (!have) goto out;
            i = end;
            unitize(u, d);
            float f = (float)(sign * coef);
            for (size_t k = 0; k < d; k++) out[k] += f * u[k];
            terms++;
            continue;
        }
        i = end;
        vectors_unit_row(v, (size_t)id, u);
        float f = (float)(sign * coef);
        for (size_t k = 0; k < d; k++) out[k] += f * u[k];
        terms++;
        if (used && nused) {
            int seen = 0;
            for (size_t k = 0; k < *nused; k++) seen |= used[k] == (size_t)id;
            if (!seen && *nused < max_used) used[(*nused)++] = (size_t)id;
        }
    }
    if (!terms) {
        rc = tz_errf(e, TZ_E_ARG, "boş ifade: en az bir sözcük gerekli (örnek: kral - erkek + kadın)",
                     "empty expression: at least one word is needed (e.g. king - man + woman)");
        goto out;
    }
out:
    free(u);
    if (rc) {
        memset(out, 0, d * sizeof(float));
        if (nused) *nused = 0;
    }
    return rc;
}

/* --- spelling suggestions -------------------------------------------------------------- */

typedef struct { size_t id, dist; } Sugg;

static int cmp_sugg(const void *pa, const void *pb)
{
    const Sugg *a = pa, *b = pb;
    if (a->dist != b->dist) return a->dist < b->dist ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

/* Closest spelling first (edit distance 1 before 2), then the more frequent (lower id). The
 * word itself (distance 0) is not suggested. */
size_t vectors_suggest(const Vectors *v, const char *word, size_t k, size_t *out)
{
    if (!k) return 0;
    size_t wlen = utf8_length(word, strlen(word)), n = 0, cap = 0;
    Sugg *s = NULL;
    /* Order: edit distance 1 ("krall" → kral), then words that continue what was typed
     * ("kad" → kadın, kadınlar), then distance 2 — only for words longer than 4 letters,
     * where it is still a typo and not another short word. Ties: the more frequent first. */
    size_t maxd = wlen <= 4 ? 1 : 2, blen = strlen(word);
    for (size_t id = 0; id < v->n && id < v->words.size; id++) {
        const char *w = vocab_word(&v->words, id);
        size_t len = utf8_length(w, strlen(w)), dist;
        size_t d = (len > wlen ? len - wlen : wlen - len) > maxd ? maxd + 1 : utf8_edit_distance(word, w, maxd);
        if (d == 0) continue;                               /* the word itself */
        if (d == 1) dist = 1;
        else if (wlen >= 3 && len > wlen && strncmp(w, word, blen) == 0) dist = 2;   /* continues it */
        else if (d <= maxd) dist = 3;
        else continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            s = tz_realloc(s, cap * sizeof *s);
        }
        s[n++] = (Sugg){id, dist};
    }
    if (n) qsort(s, n, sizeof *s, cmp_sugg);
    if (n > k) n = k;
    for (size_t i = 0; i < n; i++) out[i] = s[i].id;
    free(s);
    return n;
}
