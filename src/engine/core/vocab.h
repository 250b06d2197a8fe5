/* vocab.h — a vocabulary: word ↔ id, counts, frequency order, and the sampling tables that
 * word2vec-style training needs.
 *
 * Words live in one string pool (offsets, not pointers, so the pool can grow); lookup is an
 * open-addressing hash table of ids (linear probing, load factor ≤ 0.5).
 * After vocab_sort() ids are in frequency order: id 0 is the most frequent word, ties broken
 * by byte order so that the order is the same on every machine.
 */
#ifndef TZ_VOCAB_H
#define TZ_VOCAB_H

#include <stddef.h>
#include <stdint.h>
#include "core/utf8.h"

typedef struct {
    char *pool;        /* all words, NUL-terminated, back to back */
    size_t pool_len, pool_cap;
    size_t *off;       /* id → offset of the word in pool */
    int64_t *counts;   /* id → number of occurrences */
    size_t size, cap;  /* number of words, capacity of off/counts */
    uint32_t *slots;   /* hash table: id + 1, or 0 for an empty slot */
    size_t nslots;     /* a power of two */
    int64_t total;     /* sum of counts */
} Vocab;

void vocab_init(Vocab *v);
void vocab_free(Vocab *v);   /* safe on a zeroed struct */

static inline const char *vocab_word(const Vocab *v, size_t id) { return v->pool + v->off[id]; }

/* Id of a word, or -1 if it is not in the vocabulary. */
int64_t vocab_find(const Vocab *v, const char *w, size_t len);
/* A word as a user typed it: as is, then lower-cased by the rules of lang (Turkish
 * `İstanbul` → `istanbul`, `IRAK` → `ırak`). -1 if neither is in the vocabulary. */
int64_t vocab_find_folded(const Vocab *v, const char *w, TzLang lang);
/* Add count to a word, inserting it if new; returns its id. */
size_t vocab_add(Vocab *v, const char *w, size_t len, int64_t count);

/* Sort by count (descending, ties by bytes) and drop words with count < min_count.
 * If remap is not NULL it receives a malloc'd array old id → new id (-1 for dropped words). */
void vocab_sort(Vocab *v, int64_t min_count, int64_t **remap);

/* Types seen exactly once (hapax legomena). */
size_t vocab_hapax(const Vocab *v);

/* word2vec's frequent-word subsampling: the probability of *keeping* each occurrence of word
 * id, keep = (sqrt(f / (s·T)) + 1) · (s·T) / f, with f its count and T the total; ≥ 1 means
 * always kept. sample ≤ 0 disables (all 1). Returns a malloc'd array of size v->size. */
float *vocab_keep_probs(const Vocab *v, double sample);

/* The negative-sampling table: table_size ids, each id appearing in proportion to
 * count^power (power 0.75 in word2vec). Drawing a uniform slot draws from that distribution.
 * Returns NULL if the vocabulary is empty. */
int32_t *vocab_unigram_table(const Vocab *v, double power, size_t table_size);

/* The same distribution as an alias table (Walker; Vose's construction): V probabilities and
 * V aliases, 8 bytes a word instead of a table of millions of slots, so that it stays in the
 * cache and a draw costs two reads. Draw: pick a word i uniformly, keep it with probability
 * prob[i], else take alias[i]. Returns 0, or -1 if the vocabulary is empty. */
int vocab_alias_table(const Vocab *v, double power, float **prob, int32_t **alias);

/* Zipf's law: least-squares fit of log(count) = log(C) - s·log(rank) over ranks 1..max_rank
 * (words with count ≥ 2 only). Returns the exponent s; *r2 gets the fit's R². */
double vocab_zipf_fit(const Vocab *v, size_t max_rank, double *r2);

#endif
