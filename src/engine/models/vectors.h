/* vectors.h — a table of word vectors and the questions one asks it (the gensim
 * KeyedVectors feature set): nearest neighbours by cosine, similarity, analogies
 * (3CosAdd and 3CosMul), the odd one out, vector arithmetic, nearest spellings.
 *
 * Shapes: V words (rows), D dimensions. data is V×D row-major float32; inv_norm holds the
 * V reciprocal row lengths, so that cos(row i, q) = (data_i · q) · inv_norm[i] for a unit
 * query q: one matrix-vector product and a scaling. It is computed once by
 * vectors_normalize and refreshed whenever data changes. (We keep V numbers rather than a
 * second V×D table of unit rows: for a GoogleNews-sized table that is 3.6 GB saved.)
 * Rows are in the order of `words` (frequency order when trained here or when the file was
 * written in that order, as word2vec and gensim do). `limit` arguments restrict a search to
 * the first `limit` rows, i.e. the most frequent words (0 = all).
 *
 * Reference: gensim's KeyedVectors. most_similar, most_similar_cosmul, doesnt_match and
 * similarity give the same words in the same order and the same scores (to 1e-5); the unit
 * test checks it against a fixture written by tests/ref/check_vectors_gensim.py. Ties are
 * broken by the lower id. Searches cost one pass over the table (cblas_sgemv, a few ms for
 * 100k×100). Functions work without inv_norm (they compute row lengths on the fly), but
 * call vectors_normalize once after loading or training. Zero rows have cosine 0 to anything.
 */
#ifndef TZ_VECTORS_H
#define TZ_VECTORS_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"
#include "core/vocab.h"

typedef struct {
    Vocab words;      /* row i is the word vocab_word(&words, i); counts may be 0 if unknown */
    size_t n, dim;    /* V, D */
    float *data;      /* V×D */
    float *inv_norm;  /* V: 1/|row| (0 for a zero row), NULL until vectors_normalize */
} Vectors;

typedef struct { size_t id; float score; } Neighbor;

/* vectors_init: n zeroed rows of dim floats and an empty vocabulary; the caller adds the n
 * words in row order (vocab_add: word i gets id i) and fills data, then vectors_normalize. */
void vectors_init(Vectors *v, size_t n, size_t dim);          /* zeroed rows, empty words */
void vectors_free(Vectors *v);                                /* safe on a zeroed struct */
int64_t vectors_find(const Vectors *v, const char *word);     /* -1 if unknown */
static inline const float *vectors_row(const Vectors *v, size_t id) { return v->data + id * v->dim; }
void vectors_normalize(Vectors *v);                           /* (re)computes inv_norm */
/* Row id scaled to unit length, into out (D floats; a zero row stays zero). */
void vectors_unit_row(const Vectors *v, size_t id, float *out);

float vectors_cosine(const Vectors *v, size_t a, size_t b);

/* The k rows most similar (cosine) to query (D floats, any length), skipping the ids in
 * exclude, among the first limit rows. Returns how many were written to out (≤ k), best first;
 * 0 for the zero query (it has no direction). */
size_t vectors_nearest(const Vectors *v, const float *query, const size_t *exclude, size_t nexclude,
                       size_t k, size_t limit, Neighbor *out);

/* a − b + c (analogy "b is to a as c is to ?": king − man + woman → queen).
 * mul = 0: 3CosAdd, argmax cos(x, a) − cos(x, b) + cos(x, c). The score written is gensim's
 *          most_similar(positive=[a, c], negative=[b]) score: the cosine of x with â − b̂ + ĉ
 *          (unit vectors), which ranks the words the same way (it is the 3CosAdd sum divided
 *          by the constant |â − b̂ + ĉ|).
 * mul = 1: 3CosMul (Levy & Goldberg 2014), argmax cos'(x,a)·cos'(x,c) / (cos'(x,b) + ε), with
 *          cos' = (cos + 1) / 2 and ε = 1e-6 as in gensim's most_similar_cosmul (Levy &
 *          Goldberg used 0.001), so that the scores match gensim's.
 * The three input words are excluded. Returns the number of answers written. */
size_t vectors_analogy(const Vectors *v, size_t a, size_t b, size_t c, int mul, size_t k, size_t limit,
                       Neighbor *out);

/* The same for any three vectors a, b, c (D floats each, any length: they are normalized here),
 * for example the FastText vectors of words the table does not have; the nex ids in ex are
 * left out of the answers. */
size_t vectors_analogy_vec(const Vectors *v, const float *a, const float *b, const float *c, const size_t *ex,
                           size_t nex, int mul, size_t k, size_t limit, Neighbor *out);

/* The index (into ids) of the word that does not match: the one farthest (cosine) from the
 * mean of the unit vectors of all n (gensim's doesnt_match). n ≥ 2. *score (if not NULL)
 * receives its cosine to that mean. */
size_t vectors_odd(const Vectors *v, const size_t *ids, size_t n, float *score);
/* The same over n vectors of d floats (any length); names break ties. */
size_t vectors_odd_vec(const float *const *vecs, const char *const *names, size_t n, size_t d, float *score);

/* Evaluate "w1 + w2 - w3 + 0.5*w4 …" (words, + and -, optional real coefficients written
 * "2*w", "2 * w" or "0.5 w", decimal point '.' or ','; a leading '-' or '+'; quotes not
 * needed) into out (D floats) as a sum of unit vectors. A '-' inside a word belongs to it
 * when the whole is in the vocabulary ("well-known"), else it is an operator ("kral-erkek").
 * Words are looked up as written (lower-case them first). The ids of the distinct words used
 * go to used (up to max_used; *nused gets how many), to be excluded from the neighbours.
 * Errors: an unknown word → TZ_E_NOTFOUND naming it; a syntax error → TZ_E_ARG naming the
 * character position (1-based, in characters); out is then zero and *nused 0. */
int vectors_arith(const Vectors *v, const char *expr, float *out, size_t *used, size_t *nused,
                  size_t max_used, TzErr *e);
/* The same, asking unknown(word, vec, ud) for the vector (D floats, any length) of a word the
 * table does not have (FastText: the mean of its n-gram rows); it returns 1 if it filled vec,
 * 0 if there is none (then the word is reported as unknown). In an unknown word a '-' is an
 * operator. unknown may be NULL. */
typedef int (*VecUnknownFn)(const char *word, float *vec, void *ud);
int vectors_arith_ex(const Vectors *v, const char *expr, VecUnknownFn unknown, void *ud, float *out, size_t *used,
                     size_t *nused, size_t max_used, TzErr *e);

/* Up to k vocabulary words closest in spelling (Damerau–Levenshtein distance ≤ 2 in
 * characters): distance 1 before distance 2, then frequent words (lower ids) first; the word
 * itself is not suggested. Writes ids to out; returns how many. */
size_t vectors_suggest(const Vectors *v, const char *word, size_t k, size_t *out);

#endif
