/* tokenize.h — split UTF-8 text into words, numbers and punctuation.
 *
 * The rules (documented for users in README.md, "Tokenizer"):
 *  - white space separates tokens; every punctuation or symbol character is a token of its
 *    own, except that a run of the same ASCII mark stays together ("...", "!!");
 *  - a word is a run of letters (any script) and combining marks, with digits allowed after
 *    the first character ("mp3") and a hyphen allowed between two letters or digits
 *    ("well-known", "Kuzey-Güney");
 *  - a number is a run of digits with inner '.', ',' or ':' between digits ("3.14", "1,000",
 *    "12:30"); digits followed directly by letters make one word ("2nd", "10km");
 *  - apostrophes (' ’ ʼ ‘) between two letters, or after a number, are normalised to ASCII
 *    '. Turkish writes suffixes of proper nouns after one: "Türkiye'de", "1990'larda". With
 *    split_apostrophe (the default for corpora) the suffix becomes a token of its own that
 *    keeps the apostrophe: "Türkiye'de" → "türkiye" "'de", "don't" → "don" "'t". The stem
 *    then gathers all its counts, and the suffix "'de" stays distinct from the word "de".
 *    Without it the apostrophe stays inside one token: "türkiye'de".
 *  - lower-casing (optional) is the language-aware one of utf8.h.
 * Invalid UTF-8 bytes separate tokens like white space; loaders validate first and report.
 */
#ifndef TZ_TOKENIZE_H
#define TZ_TOKENIZE_H

#include <stddef.h>
#include "utf8.h"

typedef enum { TOK_WORD = 0, TOK_NUMBER = 1, TOK_PUNCT = 2 } TokKind;

typedef struct {
    TzLang lang;          /* for lower-casing */
    int lower;            /* lower-case words */
    int keep_punct;       /* also report punctuation tokens */
    int split_apostrophe; /* "Türkiye'de" → "türkiye" "'de" */
} TokOptions;

/* The options corpora are prepared with: lower-cased, punctuation dropped, suffixes split. */
TokOptions tok_options_corpus(TzLang lang);

/* Called once per token with its normalised text (NUL-terminated, valid until the next call),
 * its kind and its byte offset in the input. Return non-zero to stop early. */
typedef int (*TokFn)(void *ud, const char *text, size_t len, TokKind kind, size_t offset);

/* Tokenize s[0..n). Returns the number of tokens reported. */
size_t tz_tokenize(const char *s, size_t n, const TokOptions *o, TokFn fn, void *ud);

/* Convenience for the REPL and tests: tokens as a NULL-terminated array of strings
 * (free with tz_tokens_free). kinds, if not NULL, receives a malloc'd array of kinds. */
char **tz_tokens(const char *s, size_t n, const TokOptions *o, size_t *count, TokKind **kinds);
void tz_tokens_free(char **toks);

#endif
