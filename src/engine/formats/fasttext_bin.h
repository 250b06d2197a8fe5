/* fasttext_bin.h — fastText's model files: the binary `.bin` (version 12, what fastText 0.9
 * writes with `skipgram`, `cbow`, `supervised`, and what cc.tr.300.bin is) and the text `.vec`.
 *
 * .bin layout (all little-endian; int32 = 4 bytes, int64 = 8, float = IEEE float32):
 *   offset 0   int32 magic 793712314, int32 version 12
 *   offset 8   args: int32 dim, ws, epoch, minCount, neg, wordNgrams, loss, model, bucket,
 *              minn, maxn, lrUpdateRate; double t                        (56 bytes)
 *   offset 64  dictionary: int32 size, int32 nwords, int32 nlabels, int64 ntokens,
 *              int64 pruneidx_size (-1: not pruned);
 *              size entries: the word's bytes, '\0', int64 count, int8 type (0 word, 1 label)
 *              — words first, by decreasing count, then labels;
 *              pruneidx_size pairs int32 bucket, int32 row
 *   then       uint8 quant (1: a quantized .ftz, not read here)
 *              input matrix: int64 m, int64 n, m·n float32 row-major     m = nwords + bucket
 *              uint8 qout
 *              output matrix: int64 m, int64 n, m·n float32              m = nwords (nlabels
 *                                                                        when supervised)
 * The loader treats the file as hostile: every count and size is checked against the bytes
 * that are left before it is used, so nothing is allocated beyond what the file's size allows
 * (a dictionary entry takes ≥ 10 bytes, a pruneidx pair 8). The matrix headers must agree
 * with the args (n = dim, m as above). Messages name the file, the field and its byte offset.
 * Version 11 (fastText before 0.9) and quantized models are refused with a hint.
 *
 * The matrices are not copied: the FastText points into the file's mapping (see fasttext.h).
 *
 * .vec is word2vec's text format with a "V D" header, which formats/w2v reads and writes:
 * ft_vec_load is w2v_load; ft_vec_save writes each dictionary word's fastText vector
 * (the mean of its subword rows, as `fasttext` writes its own .vec).
 */
#ifndef TZ_FASTTEXT_BIN_H
#define TZ_FASTTEXT_BIN_H

#include <stdio.h>
#include "core/err.h"
#include "models/fasttext.h"
#include "models/vectors.h"

#define FT_MAGIC 793712314
#define FT_VERSION 12

/* Read a .bin. limit > 0 keeps the first limit words of the dictionary (the most frequent;
 * the others become out-of-vocabulary words, still with their n-gram vectors). *ft is zeroed
 * on error. Free with ft_free. */
int ft_bin_load(FastText *ft, const char *path, size_t limit, TzErr *e);

/* The same from bytes in memory, which must outlive *ft (ft->input/output point into them).
 * Nothing outside data[0..n) is read; name is used in messages. */
int ft_bin_parse(FastText *ft, const char *data, size_t n, const char *name, size_t limit,
                 TzErr *e);

/* Write a .bin that fastText 0.9 loads (print-word-vectors, nn, …). Refused (TZ_E_ARG) for a
 * model loaded with limit= (its matrix no longer matches its dictionary). */
int ft_bin_write(FILE *f, const FastText *ft, TzErr *e);
int ft_bin_save(const FastText *ft, const char *path, TzErr *e);     /* atomic */

/* .vec: read with the word2vec text reader; write every dictionary word's vector. */
int ft_vec_load(Vectors *v, const char *path, size_t limit, TzErr *e);
int ft_vec_save(const FastText *ft, const char *path, TzErr *e);

#endif
