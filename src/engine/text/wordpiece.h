/* wordpiece.h — WordPiece, the tokenizer of BERT.
 *
 * Devlin et al., "BERT: Pre-training of Deep Bidirectional Transformers for Language
 * Understanding" (2019) cut text into pieces from a fixed vocabulary (bert-base: 30522) in two
 * stages; this follows Hugging Face's BertTokenizer, the reference everyone compares against.
 *
 *  1. Basic tokenisation (wp_basic), on code points:
 *       - drop U+0000, U+FFFD, invalid UTF-8 bytes and control characters (Unicode category C*,
 *         except \t \n \r, which are white space like ' ', every Zs space, U+2028 and U+2029);
 *       - put spaces around every CJK ideograph (Chinese is written without spaces, so each
 *         character is a word of its own);
 *       - split on white space; then, per word:
 *           lower-case it if opt.lower — the Turkish way (I → ı, İ → i) when opt.lang is
 *           Turkish, which BERTurk-style models need, else Unicode's (İ → i + U+0307);
 *           strip accents if opt.strip_accents: decompose (NFD) and drop the combining marks,
 *           as bert-base-uncased does ("café" → "cafe"). Never for Turkish: ç ş ğ ü ö ı are
 *           letters of their own there, and "şiş" must not become "sis";
 *           split off every punctuation character as a token of its own (ASCII !"#$%&'()*+,-./
 *           :;<=>?@[\]^_`{|}~ and Unicode category P*). So "Türkiye'de" → "türkiye" "'" "de":
 *           BERT always splits at the apostrophe (unlike core/tokenize.h's "'de"), and the
 *           suffix is then a word of its own. Other symbols (€ © °) are not punctuation and
 *           stay inside their word, as in BERT.
 *     The character classes and the accent map come from Python's unicodedata, the module
 *     BertTokenizer calls (wordpiece_unicode.c, made by tests/ref/wordpiece/make_tables.py).
 *     Not done: Unicode normalisation (NFC) of the input — text must already be composed
 *     (nearly all text is); lower-casing covers Latin, Greek and Cyrillic (core/utf8.h).
 *  2. WordPiece proper (Schuster & Nakajima 2012; Wu et al. 2016), per word: greedy longest
 *     match first. From the word's start take the longest prefix that is in the vocabulary,
 *     then from where it ended the longest piece that is in the vocabulary as "##piece" (a
 *     continuation: "##" marks a piece that does not start a word), and so on:
 *         "kitaplarımızdan" → "kitap" "##lar" "##ımız" "##dan"
 *     If some position matches nothing, or the word has more than 100 code points, the whole
 *     word becomes [UNK] (one id, not pieces).
 *
 * Special tokens [PAD] [UNK] [CLS] [SEP] [MASK] are ordinary lines of vocab.txt; their ids are
 * looked up by name ([UNK] must exist). Written in the text exactly like that ("[MASK]") they
 * are kept whole, as in BertTokenizer, so a fill-mask sentence can be typed.
 * A sentence for BERT is [CLS] a [SEP] (segment ids 0…) or [CLS] a [SEP] b [SEP] (0 for the
 * first part with its [CLS] and [SEP], 1 for b and the last [SEP]) — wp_encode_pair.
 *
 * Training (wp_train): the usual WordPiece learner. Start from every character of the corpus,
 * as a word-initial token ("k") and as a continuation ("##i"); words are split into those.
 * Then repeatedly merge the adjacent pair (a, b) with the highest score
 *     score(a, b) = count(a b) / (count(a) · count(b))
 * (counts weighted by word frequency), which prefers pairs whose parts rarely occur apart,
 * not merely frequent pairs as BPE does. "k" + "##i" makes "ki"; "##a" + "##r" makes "##ar".
 * Ties go to the higher pair count, then the lower left id, then the lower right id.
 * The score alone loves rare pairs (two letters seen once, together, score 1/(1·1) = 1), so on
 * a real corpus it spends the vocabulary on one-off words. So only pairs seen at least
 * min_pair times may merge; by default the bar starts at the most frequent pair's count and
 * halves whenever no pair reaches it (down to 1): frequent material first, ranked by score.
 * On 1 MB of the Turkish corpus (datasets/fetch.sh tr), 4000 tokens: "kitaplar ##ımız ##dan",
 * where the bare score (min_pair 1) leaves it in single letters and learns "alçakgönüllü".
 *
 * Ids: the line number (0-based) in vocab.txt; a trained vocabulary has [PAD] [UNK] [CLS]
 * [SEP] [MASK] as 0..4, then the characters (sorted by bytes), then the merges in order.
 */
#ifndef TZ_WORDPIECE_H
#define TZ_WORDPIECE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/job.h"
#include "core/utf8.h"

typedef struct {
    int lower;          /* lower-case (language-aware) */
    int strip_accents;  /* NFD + drop combining marks (never do this for Turkish) */
    TzLang lang;        /* TZ_LANG_TR: I → ı, İ → i */
    int keep_special;   /* "[MASK]" etc. written in the text stay one token (default 1) */
    int min_pair;       /* training only: merge only pairs seen at least this often; 0 (the
                           default) = a falling bar, see wp_train; 1 = the textbook rule */
} WpOptions;

WpOptions wp_options_cased(void);                  /* bert-base-cased: as written */
WpOptions wp_options_uncased(void);                /* bert-base-uncased: lower + strip accents */
WpOptions wp_options_turkish(int lower);           /* BERTurk: Turkish lower-casing if lower, keep accents */

/* Longest word (in code points) WordPiece tries to split; longer ones are [UNK]. */
enum { WP_MAX_WORD_CHARS = 100 };
/* Largest vocabulary and longest token accepted (bert-base has 30522 tokens of ≤ 18 bytes). */
enum { WP_MAX_VOCAB = 2000000, WP_MAX_TOKEN_BYTES = 512 };

typedef struct WordPiece {
    int32_t vocab;          /* number of tokens, ids 0..vocab-1 */
    uint32_t *tok_off;      /* [vocab+1]: token t is tok_bytes[tok_off[t] .. tok_off[t+1]) */
    char *tok_bytes;        /* every token's bytes, each followed by a NUL */
    size_t cap_vocab, cap_bytes;
    int32_t *slot;          /* open-addressing table: token text → id (-1 empty) */
    size_t n_slots;         /* a power of two, kept at most half full */
    int32_t unk, cls, sep, pad, mask; /* the special tokens' ids, -1 if absent (unk never) */
    WpOptions opt;          /* how wp_encode normalises text */
} WordPiece;

/* wp_decode returns this when an id is outside 0..vocab-1. */
#define WP_BAD_ID ((size_t)-1)

void wp_free(WordPiece *w);   /* safe on a zeroed struct */

/* Read a BERT vocab.txt: UTF-8, one token per line, id = line number (0-based). A final
 * newline and Windows line ends (\r\n) are fine. Refused with a message naming the line:
 * a missing or unreadable file, an empty file, an empty line, invalid UTF-8, a NUL byte, a
 * token longer than WP_MAX_TOKEN_BYTES, the same token twice (both lines named), more than
 * WP_MAX_VOCAB lines, no [UNK]. On error w is left empty.
 * The options are guessed, as a vocabulary alone does not say them: no token with an upper
 * case letter (outside the [XXX] specials) means an uncased model (lower = 1); tokens with
 * ı, ğ or ş mean Turkish (lang TR, no accent stripping), else strip_accents = lower. Use
 * wp_set_options when you know better (a tokenizer_config.json). */
int wp_load_vocab(WordPiece *w, const char *path, TzErr *e);
/* The same from memory (name is used in messages). */
int wp_parse_vocab(WordPiece *w, const char *data, size_t n, const char *name, TzErr *e);
/* Write vocab.txt (one token a line, in id order), atomically. */
int wp_save_vocab(const WordPiece *w, const char *path, TzErr *e);

void wp_set_options(WordPiece *w, const WpOptions *opt);

/* Learn a vocabulary of (at most) vocab_size tokens from text[0..n), normalised with opt,
 * as described above. The five specials and every character of the corpus are always kept,
 * so a corpus with very many distinct characters can exceed a small vocab_size; training also
 * stops early when no adjacent pairs are left (every word is one token). vocab_size must be
 * 16..1000000. Words longer than WP_MAX_WORD_CHARS are skipped (they encode as [UNK]).
 * job may be NULL; if it is cancelled, w keeps the tokens learned so far (a usable
 * tokenizer) and TZ_E_CANCELLED is returned. On other errors w is left empty. */
int wp_train(WordPiece *w, const char *text, size_t n, int vocab_size, const WpOptions *opt, Job *job,
             TzErr *e);

/* Encode text[0..n) into ids (no [CLS]/[SEP]). Returns the number of ids the text needs;
 * only the first min(that, cap) are written (cap 0 measures). */
size_t wp_encode(const WordPiece *w, const char *text, size_t n, int32_t *ids, size_t cap);

/* One piece for display: its id and the bytes of the *input* it came from (the whole word for
 * [UNK]; a piece of a lower-cased word still points at the original letters). Pieces come in
 * input order; two share bytes only when one input character became several code points (a
 * Hangul syllable stripped into jamo) and a piece ends between them. */
typedef struct {
    int32_t id;
    uint32_t off, len;
} WpPiece;
size_t wp_encode_pieces(const WordPiece *w, const char *text, size_t n, WpPiece *out, size_t cap);

/* [CLS] a [SEP] b [SEP] (or [CLS] a [SEP] when b is NULL), with segment ids (0 up to and
 * including the first [SEP], then 1) in seg if not NULL. Returns the number of ids needed,
 * writing the first min(that, cap); 0 if the vocabulary lacks [CLS] or [SEP]. */
size_t wp_encode_pair(const WordPiece *w, const char *a, size_t na, const char *b, size_t nb, int32_t *ids,
                      int32_t *seg, size_t cap);

/* Ids back to text: tokens joined by spaces, a "##" piece glued to the one before it without
 * its "##" (BertTokenizer's convert_tokens_to_string). Specials are written out. Returns the
 * length (writes min(that, cap-1) bytes and a NUL when cap > 0), WP_BAD_ID for a bad id. */
size_t wp_decode(const WordPiece *w, const int32_t *ids, size_t n, char *out, size_t cap);

/* The basic tokenisation alone (stage 1), words joined by single spaces, NUL-terminated like
 * wp_decode. decode(encode(x)) equals this when every word is in the vocabulary. */
size_t wp_basic(const WpOptions *opt, const char *text, size_t n, char *out, size_t cap);

/* Token text (NUL-terminated) of id, or NULL if out of range. */
const char *wp_token(const WordPiece *w, int32_t id);
/* Id of a token text ("[MASK]", "##lar"), or -1. */
int32_t wp_id(const WordPiece *w, const char *token);

#endif
