/* w2v.h — word vectors on disk, in the formats of the original word2vec tool (Mikolov et
 * al.), which gensim reads and writes too, and the TensorFlow Embedding Projector's TSV.
 *
 * Text:   first line "V D"; then V lines "word f1 f2 … fD" (space-separated, '\n'-ended).
 *         Read leniently as the peers write it: tabs or several spaces between values, a
 *         trailing space (word2vec.c writes "%lf "), "\r\n" line ends, blank lines, and no
 *         newline after the last row are all accepted.
 * Binary: first line "V D\n"; then V records "word" ' ' D little-endian float32 and, in the
 *         files word2vec.c writes, a '\n' after each record (gensim omits it; both are
 *         read: '\n' bytes before a word are skipped, as both peers do). Words are UTF-8
 *         without spaces.
 * Projector: vectors.tsv (D tab-separated values a line, no header) + metadata.tsv (one word
 *         a line, no header: the format the projector takes for a single column).
 *
 * Text or binary is decided from the bytes after the header: text when the first row is a
 * line of clean UTF-8 ending in a number, or when the first 64 KB are all clean UTF-8 text
 * (float32 bytes practically never are).
 *
 * Loaders treat the file as hostile: V and D are checked against the file size before
 * anything is allocated (a header claiming 10^12 words is refused with the estimate in GB;
 * the float array never exceeds twice the file size), and against the machine's memory.
 * Rows with fewer or more than D values, values that are not numbers, NaN/Inf, empty words,
 * words with control bytes or invalid UTF-8, duplicate words, a truncated record and fewer
 * rows than the header claims are reported with the line (text) or byte offset (binary).
 * Rows past the V the header announces are ignored, as word2vec.c and gensim do.
 * Numbers are read and written in the C locale whatever setlocale() says: "0.5", never "0,5".
 *
 * Writers print values with "%.9g", which is enough for every float32 to read back bit-exact;
 * they refuse (TZ_E_ARG) words that the formats cannot hold (empty, spaces, control bytes,
 * invalid UTF-8) and NaN/Inf values, naming the row, before creating any file.
 */
#ifndef TZ_W2V_H
#define TZ_W2V_H

#include <stdio.h>
#include "core/err.h"
#include "core/job.h"
#include "models/vectors.h"

/* Read a word2vec file, text or binary (detected from the bytes after the header).
 * limit > 0 keeps the first limit words. Progress through job (may be NULL) in bytes of the
 * file (start the job with unit "B"), every 4 MB; job_cancel() stops it with TZ_E_CANCELLED.
 * *v is overwritten (free the old vectors first): filled on success (word counts are 0,
 * row i is word i, unit is NULL), zeroed on any error. */
int w2v_load(Vectors *v, const char *path, size_t limit, Job *job, TzErr *e);

/* The same from bytes in memory (what w2v_load does after mapping the file; the fuzzer calls
 * it directly). name is the file name used in messages. data need not be NUL-terminated:
 * nothing outside data[0..n) is read. */
int w2v_parse(Vectors *v, const char *data, size_t n, const char *name, size_t limit, Job *job,
              TzErr *e);

/* What the bytes look like: W2V_TEXT, W2V_BIN, or -1 if the first line is not a "V D" header. */
enum { W2V_TEXT = 0, W2V_BIN = 1 };
int w2v_sniff(const char *data, size_t n);

int w2v_save_text(const Vectors *v, const char *path, TzErr *e);
int w2v_save_bin(const Vectors *v, const char *path, TzErr *e);
/* Writes PREFIX.vectors.tsv and PREFIX.metadata.tsv (PREFIX without .tsv; a trailing ".tsv",
 * ".vectors.tsv" or ".metadata.tsv" is dropped). */
int projector_save(const Vectors *v, const char *prefix, TzErr *e);

/* The bodies of the two savers, to any stream (tests and the fuzzer use memory streams).
 * They check the words and values first and write nothing if one cannot be written. */
int w2v_write_text(FILE *f, const Vectors *v, TzErr *e);
int w2v_write_bin(FILE *f, const Vectors *v, TzErr *e);

#endif
