/* ft_explain.h — which n-grams pull a FastText word vector where.
 *
 * A FastText word vector is the mean of its subword rows (fasttext.h):
 *
 *     v = (1/n) Σ_j x_j
 *
 * over the n rows x_j of the word itself (when it is in the vocabulary) and of its character
 * n-grams ("<kit", "ları", "dan>" …). Which parts make v what it is? Project each part on
 * the word's own direction v̂ = v / |v|:
 *
 *     c_j = (x_j · v̂) / n          the contribution of part j
 *
 * and the contributions add up to the length of the vector, exactly:
 *
 *     Σ_j c_j = ((1/n) Σ_j x_j) · v̂ = v · v̂ = |v|
 *
 * So the bars of the picture are a sum: |v| cut into pieces, one per part. Writing
 * c_j = |x_j| · cos(x_j, v) / n shows the two ways a part gets a large share: its row is long
 * (it was trained often: a frequent suffix like "lar" or "dan>") and it points the way the
 * whole word points. A part with c_j < 0 pulls *against* the final direction: the others
 * outvote it. What is left of each part, x_j − (x_j · v̂) v̂, is perpendicular to v; those
 * leftovers cancel out in the sum (their mean is v − |v| v̂ = 0), which is why only the
 * projections matter for |v|.
 *
 * Where a part pulls: the vocabulary words nearest (by cosine) to the row x_j on its own.
 * For "kitaplarımızdan" the row of "<kit" lies near kitap, kitabı…; the rows of "ımız" near
 * other words with "our"; "dan>" near other ablatives — the morphology is in the rows.
 *
 * Details, as in the mean (fasttext.h):
 *  - a row that occurs twice among the subwords (the same n-gram twice, like "ana" in
 *    "<anana>", or two n-grams hashed into one bucket) counts twice: here it is one part
 *    with count = 2 and contribution 2 (x_j · v̂) / n;
 *  - a word that is not in the vocabulary (OOV) has no row of its own: only its n-grams;
 *  - an n-gram with no row (a pruned model) is listed with row -1 and contributes nothing;
 *    n counts only the rows that are read;
 *  - when v is the zero vector (no row at all) it has no direction: every c_j is 0 and
 *    every cosine NaN, and Σ c_j = 0 = |v| still holds.
 * Sums are taken in double precision, so Σ c_j = |v| to about 1e-12.
 *
 * Shapes: D = dim, P = the number of parts.
 */
#ifndef TZ_FT_EXPLAIN_H
#define TZ_FT_EXPLAIN_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"
#include "models/fasttext.h"
#include "models/vectors.h"

#define FT_EXPLAIN_NEAR 3       /* nearest words kept per part and for the word */

/* One distinct input row among the word's subwords. */
typedef struct {
    const char *text;           /* its subword(s): "<kit"; the word itself for its own row;
                                   different n-grams sharing one bucket joined by " = "
                                   ("<ki = ları"); points into the result's pool */
    int64_t row;                /* the input row; -1 when the n-gram has none (pruned) */
    int is_word;                /* the word's own row (in the vocabulary) */
    int count;                  /* how many times the row occurs among the subwords (≥ 1) */
    double norm;                /* |x_j| (0 without a row) */
    double dot;                 /* x_j · v̂ (0 when v is zero or there is no row) */
    double contrib;             /* count · (x_j · v̂) / n */
    double cosine;              /* cos(x_j, v); NaN when either is zero or there is no row */
    Neighbor near[FT_EXPLAIN_NEAR];   /* where it pulls: the words nearest to x_j */
    size_t nnear;
} FtPart;

typedef struct {
    char *word;                 /* the word explained (a copy) */
    int in_vocab;               /* it has a row of its own */
    size_t nsub;                /* its subwords as ft_subwords lists them (word + n-grams) */
    size_t n;                   /* rows averaged (subwords with a row): the n of the mean */
    size_t nnorow;              /* subwords without a row */
    FtPart *parts;              /* distinct rows, by contribution (largest first; ties in
                                   fastText's order), then the subwords without a row */
    size_t nparts;
    size_t dim;                 /* D */
    double *v;                  /* D: the word vector, the mean of the rows (double) */
    double norm;                /* |v| */
    double sum;                 /* Σ_j contrib (= |v| up to rounding) */
    Neighbor near[FT_EXPLAIN_NEAR];   /* the word's own nearest words (itself left out) */
    size_t nnear;
    char *pool;
} FtExplain;

/* Explain word in model ft. words (may be NULL: no neighbours) is the table the nearest
 * words are searched in — the model's word vectors, as ft_to_vectors makes them; the word
 * itself is left out of every neighbour list (it is what is being explained). Neighbours
 * are searched among its first near_limit rows (0 = all: one pass over the table per part).
 * Errors (out is then zeroed): an empty word or one that is not valid UTF-8 (TZ_E_ARG), a
 * model with no dimensions. Free with ft_explain_free. */
int ft_explain(const FastText *ft, const Vectors *words, const char *word, size_t near_limit, FtExplain *out,
               TzErr *e);
void ft_explain_free(FtExplain *x);   /* safe on a zeroed struct */

#endif
