/* corpus.h — a text corpus in memory: its vocabulary and its token stream.
 *
 * A corpus file is UTF-8 text, one sentence (or verse, or definition) per line. Files that
 * `make datasets` prepared are already tokenized and lower-cased (tokens separated by single
 * spaces): they are split on spaces only. Any other text file is run through the tokenizer
 * with the corpus options (tokenize.h): lower-cased for its language, punctuation dropped,
 * apostrophe suffixes split.
 *
 * Shapes: ids[ntokens] are vocabulary ids in frequency order; sentence k is
 * ids[sent[k] .. sent[k+1]), for k < nsent (sent has nsent + 1 entries).
 */
#ifndef TZ_CORPUS_H
#define TZ_CORPUS_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"
#include "job.h"
#include "utf8.h"
#include "vocab.h"

typedef struct {
    char name[64];
    char path[4096];
    TzLang lang;
    int prepared;      /* already tokenized by `make datasets` */
    Vocab vocab;       /* every type, most frequent first */
    uint32_t *ids;
    size_t ntokens;
    size_t *sent;
    size_t nsent;
    size_t bytes;      /* size of the file */
} Corpus;

/* Load path into c (which is overwritten; free the old one first). Runs as a job if job is
 * not NULL: progress is in bytes; if cancelled it returns TZ_E_CANCELLED and c is empty. */
int corpus_load(Corpus *c, const char *path, TzLang lang, int prepared, Job *job, TzErr *e);
void corpus_free(Corpus *c);   /* safe on a zeroed struct */

typedef struct { size_t sentences, tokens, types; } CorpusStats;

/* Tokenize a raw text file into the prepared form (one line per sentence with at least one
 * token, tokens separated by one space), written atomically to out. Lines that are not valid
 * UTF-8 are an error (with line and column). */
int corpus_prepare(const char *raw, const char *out, TzLang lang, CorpusStats *st, TzErr *e);

#endif
