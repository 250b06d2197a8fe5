/* fasttext.h — subword word vectors, as Facebook's fastText defines them.
 *
 * Paper: P. Bojanowski, E. Grave, A. Joulin, T. Mikolov, "Enriching Word Vectors with Subword
 * Information", TACL 2017. Reference used in tests: Debian's `fasttext` 0.9.2 binary
 * (tests/ref/make_fasttext_fixtures.py; tests/unit/test_fasttext.c).
 *
 * The idea: a word is also the bag of its character n-grams. "ağaç" is written "<ağaç>" (the
 * markers show where it starts and ends) and, with minn = 3 and maxn = 6, has the n-grams
 *     <ağ  <ağa  <ağaç  <ağaç>  ağa  ağaç  ağaç>  ğaç  ğaç>  aç>
 * Lengths count UTF-8 characters, not bytes: ğ and ç are one character each, and an n-gram
 * never cuts a multi-byte character in two. The whole "<ağaç>" is itself an n-gram when it
 * is no longer than maxn characters (fastText 0.9.2 keeps it; only a lone "<" or ">" is
 * skipped, and that only matters when minn = 1).
 * There are far too many n-grams to give each its own row, so each is hashed into one of
 * `bucket` shared rows ("the hashing trick"): FNV-1a, 32 bits, over the n-gram's bytes, with
 * fastText's quirk that each byte is read as a *signed* char, so a byte ≥ 0x80 (every byte of
 * ğ, ç, ı, İ …) is sign-extended to 0xFFFFFFxx before the XOR:
 *     h = 2166136261;  for each byte c: h = (h ^ (uint32_t)(int32_t)(int8_t)c) * 16777619
 *     row = nwords + h % bucket
 * (A model pruned by `fasttext quantize -cutoff` maps h % bucket through its pruneidx table
 * first; an n-gram not in the table has no row.)
 *
 * The vector of a word = the mean of the rows of its subwords:
 *     in the vocabulary (id i):  mean(input[i], input[row(g)] for each n-gram g)
 *     not in it (OOV):           mean(input[row(g)] for each n-gram g)   (zero if none)
 * Duplicate rows count as many times as they occur (two n-grams in one bucket: twice), as in
 * fastText. The end-of-sentence token "</s>" has no n-grams. This is exactly what
 * `fasttext print-word-vectors` prints.
 *
 * Shapes: V = nwords (words in the dictionary), NB = bucket, D = dim.
 *     input   (V + NB) × D   rows 0..V-1 the words, V.. the n-gram buckets
 *     output  V × D          (skip-gram/CBOW; nlabels × D for a supervised model)
 * A model loaded from a .bin does not copy them: input/output point into the read-only
 * mapping of the file (cc.tr.300.bin is 7 GB; only the rows a query touches are read from
 * disk). The bytes are little-endian float32 and may be unaligned (the dictionary before them
 * has words of any length), so rows are read with ft_input_row / ft_add_input_row.
 */
#ifndef TZ_FASTTEXT_H
#define TZ_FASTTEXT_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"
#include "core/io.h"
#include "core/job.h"
#include "core/vocab.h"
#include "models/vectors.h"

/* The enums as fastText numbers them in the .bin args block. */
enum { FT_LOSS_HS = 1, FT_LOSS_NS = 2, FT_LOSS_SOFTMAX = 3, FT_LOSS_OVA = 4 };
enum { FT_MODEL_CBOW = 1, FT_MODEL_SG = 2, FT_MODEL_SUP = 3 };
enum { FT_ENTRY_WORD = 0, FT_ENTRY_LABEL = 1 };

typedef struct {
    int32_t dim;            /* D: vector size */
    int32_t ws;             /* context window */
    int32_t epoch;
    int32_t min_count;
    int32_t neg;            /* negatives per positive */
    int32_t word_ngrams;    /* word n-grams (supervised); 1 = none */
    int32_t loss;           /* FT_LOSS_* */
    int32_t model;          /* FT_MODEL_* */
    int32_t bucket;         /* NB: number of n-gram rows */
    int32_t minn, maxn;     /* n-gram lengths in characters; maxn = 0: no subwords */
    int32_t lr_update_rate;
    double t;               /* subsampling threshold */
    char label[32];         /* label prefix; not stored in a .bin: always "__label__" */
} FtArgs;

/* fastText's defaults for `skipgram` (dim 100, ws 5, epoch 5, minCount 5, neg 5, loss ns,
 * bucket 2 000 000, minn 3, maxn 6, lrUpdateRate 100, t 1e-4). */
void ft_args_default(FtArgs *a);

typedef struct {
    FtArgs args;
    Vocab dict;             /* the entries in file order: words (by frequency), then labels;
                               id = dictionary index = input row of a word; counts kept */
    uint8_t *type;          /* dict.size entries: FT_ENTRY_WORD or FT_ENTRY_LABEL */
    size_t nwords, nlabels; /* entries kept (words first) */
    size_t nwords_file;     /* nwords in the file: the n-gram rows start there (differs from
                               nwords only when limit= dropped words) */
    int64_t ntokens;        /* tokens seen in training */
    int64_t pruneidx_size;  /* -1: not pruned; else the number of (bucket → row) pairs */
    int32_t *pruneidx;      /* pruneidx_size pairs (from, to), sorted by from */
    size_t in_rows, out_rows;   /* rows of input and output (each D floats) */
    const char *input;      /* in_rows × D little-endian float32 (maybe unaligned) */
    const char *output;     /* out_rows × D, likewise */
    TzFile file;            /* the mapping input/output point into (if loaded from a file) */
    void *owned;            /* or a buffer they point into that ft_free releases */
    void *owned_out;        /* and a second one (a model trained here: input and output
                               are two separate allocations, handed over without a copy) */
    int limited;            /* limit= dropped words: the model cannot be saved as .bin */
} FastText;

void ft_free(FastText *ft);       /* safe on a zeroed struct */

/* fastText's Dictionary::hash: FNV-1a 32 over the bytes, each byte sign-extended. */
uint32_t ft_hash(const char *s, size_t n);

/* Walk the character n-grams of "<word>" (word is n bytes, without markers) of minn..maxn
 * characters, in fastText's order (by start character, then by length). For each one, fn gets
 * the n-gram's bytes (with markers), its length in bytes and its hash. Stops early and returns
 * fn's value if fn returns non-zero; returns 0 otherwise. "</s>" and maxn = 0 give none. */
typedef int (*FtNgramFn)(const char *g, size_t len, uint32_t hash, void *ud);
int ft_ngrams(const char *word, size_t n, int minn, int maxn, FtNgramFn fn, void *ud);

/* Input row of an n-gram with hash h: nwords_file + h % bucket, through pruneidx if the model
 * is pruned; -1 if it has none (bucket 0, or pruned away). */
int64_t ft_ngram_row(const FastText *ft, uint32_t h);

/* Row r of the input matrix into out (D floats); out += row r. */
void ft_input_row(const FastText *ft, size_t r, float *out);
void ft_add_input_row(const FastText *ft, size_t r, float *out);

/* One subword of a word, for `subwords WORD`: its text, hash and input row. */
typedef struct {
    const char *text;       /* "<ağ" (points into the list's pool) */
    uint32_t hash;          /* ft_hash(text) */
    int64_t row;            /* the input row it reads; -1 if none (pruned) */
    int is_word;            /* 1 for the word itself (row = its dictionary id) */
} FtSubword;

typedef struct {
    FtSubword *items;
    size_t n;
    char *pool;
} FtSubwordList;

/* The subwords of word as fastText sees them: first the word itself if it is in the
 * dictionary (as a word entry), then its n-grams. Fills *out (free with ft_subwords_free). */
void ft_subwords(const FastText *ft, const char *word, FtSubwordList *out);
void ft_subwords_free(FtSubwordList *l);   /* safe on a zeroed struct */

/* The vector of any word into out (D floats): the mean of its subword rows (see above).
 * Returns the number of rows averaged; 0 means out is the zero vector. */
size_t ft_word_vector(const FastText *ft, const char *word, float *out);

/* A Vectors table of the first limit dictionary words (0 = all; labels are left out), each
 * row its ft_word_vector, normalized — what similar/analogy work on. Refused (TZ_E_NOMEM,
 * with a limit= hint) when it would not fit in memory. job (may be NULL) gets progress in
 * words and can cancel (TZ_E_CANCELLED). *v is zeroed on error. */
int ft_to_vectors(const FastText *ft, size_t limit, Vectors *v, Job *job, TzErr *e);

#endif
