/* dna.h — the chapter's toy task for a recurrent classifier: does a DNA sequence hold a motif?
 *
 * A sequence is a string over the four bases A, C, G, T (token ids 0, 1, 2, 3). Half of the
 * generated sequences have the motif (default "TATAAA", the TATA box of promoters) planted at
 * a random position, label 1; the other half are random sequences checked not to contain it
 * anywhere, label 0. So the label is a fact about the sequence, not noise: a model that finds
 * the motif is always right. Where the motif sits varies, so the network has to remember
 * having seen it until the end of the sequence — the many-to-one memory the chapter teaches.
 */
#ifndef TZ_DNA_H
#define TZ_DNA_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"
#include "models/seqclf.h"

#define DNA_BASES "ACGT"
#define DNA_MOTIF_MAX 16

typedef struct {
    size_t n;                   /* sequences (half with the motif, half without) */
    int min_len, max_len;       /* each length is uniform in [min_len, max_len] */
    char motif[DNA_MOTIF_MAX + 1];
    uint64_t seed;              /* the same seed, the same set */
} DnaConfig;

DnaConfig dna_defaults(void);   /* 2000 sequences of 40–100 bases, TATAAA, seed 1 */

/* Generate the set. where (n ints, may be NULL) receives the position the motif was planted
 * at, or −1 for a sequence without it. Refused with a message: a motif that is not 3 to 16
 * of A/C/G/T, lengths outside 1..10000 or shorter than the motif, n outside 2..10^7, or a
 * motif so short that random sequences of these lengths almost always hold it. */
int dna_generate(const DnaConfig *cfg, SeqSet *out, int *where, TzErr *e);

/* A base's id (A/C/G/T, either case), or −1. */
int dna_base(char c);

/* The ids of a typed sequence. Returns how many, or −1 with *bad at the first byte that is not
 * a base (white space is skipped). */
long dna_encode(const char *text, int32_t *out, size_t cap, size_t *bad);

/* The first position of motif (m ids) in s (n ids), or −1. */
long dna_find(const int32_t *s, size_t n, const int32_t *motif, size_t m);

#endif
