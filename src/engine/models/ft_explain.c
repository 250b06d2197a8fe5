/* ft_explain.c — see ft_explain.h: a FastText word vector cut into the contributions of its
 * subword rows, c_j = (x_j · v̂) / n, which add up to |v|. */
#include "models/ft_explain.h"
#include "core/utf8.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void ft_explain_free(FtExplain *x)
{
    if (!x) return;
    free(x->word);
    free(x->parts);
    free(x->v);
    free(x->pool);
    memset(x, 0, sizeof *x);
}

/* Sorting: rows by contribution, largest first, ties kept in fastText's order (first
 * appearance); the subwords without a row last, in their order. */
typedef struct { FtPart p; size_t first; } Keyed;

static int by_contribution(const void *pa, const void *pb)
{
    const Keyed *a = pa, *b = pb;
    int ra = a->p.row >= 0, rb = b->p.row >= 0;
    if (ra != rb) return rb - ra;                       /* rows before no-rows */
    if (ra && a->p.contrib != b->p.contrib) return a->p.contrib > b->p.contrib ? -1 : 1;
    return a->first < b->first ? -1 : a->first > b->first;
}

int ft_explain(const FastText *ft, const Vectors *words, const char *word, size_t near_limit, FtExplain *out,
               TzErr *e)
{
    memset(out, 0, sizeof *out);
    size_t len = word ? strlen(word) : 0;
    if (len == 0)
        return tz_errf(e, TZ_E_ARG, "açıklanacak sözcük boş.", "the word to explain is empty.");
    size_t bad = utf8_validate(word, len);
    if (bad < len)
        return tz_errf(e, TZ_E_ARG, "sözcük geçerli UTF-8 değil (%zu. bayt = 0x%02X).",
                       "the word is not valid UTF-8 (byte %zu = 0x%02X).", bad + 1, (unsigned)(unsigned char)word[bad]);
    size_t D = ft->args.dim > 0 ? (size_t)ft->args.dim : 0;
    if (D == 0)
        return tz_errf(e, TZ_E_ARG, "fastText modelinin boyutu 0: vektörü yok.", "the fastText model has dimension 0: no vectors.");

    /* 1. The subwords, as the mean sees them: the word's own row (if in the vocabulary),
     *    then each character n-gram's bucket row. */
    FtSubwordList l;
    ft_subwords(ft, word, &l);

    /* 2. Group them by row: a row read twice counts twice (count = 2). group[i] is the part
     *    of subword i; parts are numbered in order of first appearance. */
    size_t *group = tz_malloc((l.n ? l.n : 1) * sizeof *group);
    Keyed *kp = tz_calloc(l.n ? l.n : 1, sizeof *kp);
    size_t np = 0, n = 0;
    for (size_t i = 0; i < l.n; i++) {
        const FtSubword *s = &l.items[i];
        int64_t r = s->row >= 0 && (size_t)s->row < ft->in_rows ? s->row : -1;
        size_t g = np;
        if (r >= 0)
            for (size_t q = 0; q < np; q++)
                if (kp[q].p.row == r) { g = q; break; }
        if (g == np) {
            kp[np] = (Keyed){ .p = { .row = r, .is_word = s->is_word, .cosine = NAN }, .first = i };
            np++;
        }
        group[i] = g;
        kp[g].p.count++;
        if (r >= 0) n++;
        else out->nnorow++;
    }

    /* 3. The texts: a part's distinct subwords, joined by " = " when several share a row. */
    size_t cap = 1;
    for (size_t i = 0; i < l.n; i++) cap += strlen(l.items[i].text) + 4;
    char *pool = tz_malloc(cap);
    size_t used = 0;
    size_t *text_at = tz_malloc((np ? np : 1) * sizeof *text_at);
    for (size_t g = 0; g < np; g++) {
        text_at[g] = used;
        size_t start = used;
        for (size_t i = 0; i < l.n; i++) {
            if (group[i] != g) continue;
            const char *t = l.items[i].text;
            size_t tl = strlen(t);
            /* the same n-gram twice ("ana" in "<anana>") is written once: count says 2 */
            int seen = 0;
            for (size_t j = 0; j < i && !seen; j++) seen = group[j] == g && !strcmp(l.items[j].text, t);
            if (seen) continue;
            if (used > start) { memcpy(pool + used, " = ", 3); used += 3; }
            memcpy(pool + used, t, tl);
            used += tl;
        }
        pool[used++] = '\0';
    }

    /* 4. The rows (x_j) and the word vector v = (1/n) Σ_j count_j x_j, in double. */
    float *X = tz_calloc((np ? np : 1) * D, sizeof *X);
    double *v = tz_calloc(D, sizeof *v);
    for (size_t g = 0; g < np; g++) {
        FtPart *p = &kp[g].p;
        if (p->row < 0) continue;
        float *x = X + g * D;
        ft_input_row(ft, (size_t)p->row, x);
        double s = 0;
        for (size_t k = 0; k < D; k++) {
            v[k] += (double)p->count * x[k];
            s += (double)x[k] * x[k];
        }
        p->norm = sqrt(s);
    }
    double norm = 0;
    if (n) {
        for (size_t k = 0; k < D; k++) {
            v[k] /= (double)n;
            norm += v[k] * v[k];
        }
        norm = sqrt(norm);
    }

    /* 5. Each part along v̂: c_j = count_j (x_j · v̂) / n, and cos(x_j, v) = (x_j · v̂) / |x_j|. */
    double sum = 0;
    for (size_t g = 0; g < np; g++) {
        FtPart *p = &kp[g].p;
        if (p->row < 0 || !(norm > 0)) continue;
        const float *x = X + g * D;
        double d = 0;
        for (size_t k = 0; k < D; k++) d += x[k] * v[k];
        p->dot = d / norm;
        p->contrib = (double)p->count * p->dot / (double)n;
        p->cosine = p->norm > 0 ? p->dot / p->norm : NAN;
        sum += p->contrib;
    }

    /* 6. Where each part pulls: the words nearest to x_j on its own; and the word's own
     *    neighbours. The word itself is left out of all of them. */
    if (words && words->n && words->dim == D) {
        int64_t self = vectors_find(words, word);
        size_t ex = self >= 0 ? (size_t)self : 0, nex = self >= 0;
        for (size_t g = 0; g < np; g++) {
            FtPart *p = &kp[g].p;
            if (p->row >= 0 && p->norm > 0)
                p->nnear = vectors_nearest(words, X + g * D, &ex, nex, FT_EXPLAIN_NEAR, near_limit, p->near);
        }
        if (norm > 0) {
            float *vf = tz_malloc(D * sizeof *vf);
            for (size_t k = 0; k < D; k++) vf[k] = (float)v[k];
            out->nnear = vectors_nearest(words, vf, &ex, nex, FT_EXPLAIN_NEAR, near_limit, out->near);
            free(vf);
        }
    }

    /* 7. Largest contribution first. */
    for (size_t g = 0; g < np; g++) kp[g].p.text = (const char *)(uintptr_t)text_at[g];   /* fixed up below */
    qsort(kp, np, sizeof *kp, by_contribution);
    out->parts = tz_malloc((np ? np : 1) * sizeof *out->parts);
    for (size_t g = 0; g < np; g++) {
        out->parts[g] = kp[g].p;
        out->parts[g].text = pool + (uintptr_t)kp[g].p.text;
    }
    out->nparts = np;
    out->word = tz_strdup(word);
    out->in_vocab = l.n > 0 && l.items[0].is_word;
    out->nsub = l.n;
    out->n = n;
    out->dim = D;
    out->v = v;
    out->norm = norm;
    out->sum = sum;
    out->pool = pool;
    free(X);
    free(text_at);
    free(kp);
    free(group);
    ft_subwords_free(&l);
    return 0;
}
