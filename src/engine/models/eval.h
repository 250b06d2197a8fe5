/* eval.h — intrinsic evaluation of word vectors.
 *
 * Analogies: the questions-words.txt format of the word2vec distribution. Lines ": name"
 * start a section; other lines hold four words "a b c d", meaning a:b :: c:d, and the
 * question is answered correctly when the best answer to b − a + c (words a, b, c
 * excluded) is d. As word2vec's compute-accuracy does, only the first `limit` words (the
 * most frequent) are searched and questions with a word outside them are skipped
 * (coverage). Words are lower-cased (Turkish-aware when lang is TZ_LANG_TR) before lookup.
 * mul picks 3CosAdd (0) or 3CosMul (1), scored as vectors_analogy does (gensim's
 * evaluate_word_analogies gives the same counts for 3CosAdd with case_insensitive=False).
 * Also accepted: blank lines, lines starting with '#', a UTF-8 byte order mark; questions
 * before any header go to a section named "-". Questions are scored in batches with one
 * sgemm each; with a job, progress is reported per question and a cancel stops it
 * (TZ_E_CANCELLED). Errors (missing file, not UTF-8, a line without four words: its line
 * number) leave r empty.
 *
 * Pairs: lines "w1 w2 score" (tab or space separated; lines starting with '#' are comments;
 * further fields are ignored; the score may use '.' or ',' as decimal mark).
 * The cosine of each pair with both words known is compared with the human score by
 * Spearman's rank correlation (ties get their average rank). A line whose third field is not
 * a number is an error naming its line.
 *
 * Our own sets are in datasets/eval (README.md there).
 */
#ifndef TZ_EVAL_H
#define TZ_EVAL_H

#include "core/err.h"
#include "core/job.h"
#include "core/utf8.h"
#include "models/vectors.h"

typedef struct {
    char name[128];
    size_t questions, answered, correct;   /* answered = questions with all four words known */
} EvalSection;

typedef struct {
    EvalSection *sections;
    size_t nsections;
    size_t questions, answered, correct;   /* totals */
} EvalReport;

int eval_analogies(const Vectors *v, const char *path, size_t limit, int mul, TzLang lang,
                   EvalReport *r, Job *job, TzErr *e);
void eval_report_free(EvalReport *r);

typedef struct {
    size_t pairs, used;    /* pairs in the file, pairs with both words known */
    double spearman;       /* over the used pairs (NaN if fewer than 2) */
} PairsReport;

int eval_pairs(const Vectors *v, const char *path, TzLang lang, PairsReport *r, TzErr *e);

/* Spearman's rho of two arrays of n values (average ranks for ties). */
double spearman(const double *x, const double *y, size_t n);

#endif
