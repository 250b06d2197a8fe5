/* spm.h — the LLaMA tokenizer: SentencePiece-style BPE over pieces with scores, as run by
 * Karpathy's llama2.c (tokenizer.bin) and by GGUF files (tokenizer.ggml.model "llama").
 *
 * Kudo & Richardson, "SentencePiece: A simple and language independent subword tokenizer"
 * (2018) treat text as a plain sequence of Unicode characters, spaces included: a space is
 * written "▁" (U+2581) inside a piece, so "▁kitap" is " kitap" and the text can be rebuilt
 * exactly from the pieces. LLaMA's vocabulary (32000 pieces) keeps, for every piece, a score
 * (for a BPE model: minus the rank of the merge that made it, so earlier merges score higher).
 *
 * Encoding (llama2.c's run.c encode, which follows SentencePiece's BPE):
 *   1. optionally BOS (id 1 in LLaMA);
 *   2. if the text is not empty, prepend one space — the "dummy prefix", so that the first word
 *      is "▁Bir" like every other word, not "Bir";
 *   3. cut the text into characters (a byte plus the continuation bytes 10xxxxxx after it, at
 *      most 4 bytes: invalid UTF-8 is cut the same way and costs nothing special) and look each
 *      up as a piece. A character that is not a piece becomes its bytes, one "<0xXX>" token
 *      each (byte fallback: LLaMA has all 256 as ids 3..258; found here by their text). Such
 *      byte symbols never merge (as in run.c);
 *   4. repeatedly take the adjacent pair of symbols whose concatenation is a piece with the
 *      highest score (a tie: the leftmost pair) and glue it into that piece, until no adjacent
 *      pair makes a piece;
 *   5. optionally EOS (id 2).
 *     " kitaplarımızdan" → "▁" "k" "i" "t" "a" … → … → "▁kitap" "lar" "ımız" "dan"
 * run.c rescans every pair after every merge (quadratic); here the candidate pairs sit in a
 * max-heap (score, then position) and stale entries are skipped when popped, the way
 * SentencePiece does it: the same result in O(n log n).
 *
 * Token types (GGUF's tokenizer.ggml.token_type, SentencePiece's): only NORMAL and
 * USER_DEFINED pieces are ever produced from characters or merges. UNKNOWN (<unk>), CONTROL
 * (<s>, </s>) and UNUSED pieces are never produced by encoding: the text "<s>" is the characters
 * '<' 's' '>'; BYTE pieces only by byte fallback. (Not done: SentencePiece matches a
 * USER_DEFINED piece in the text as a whole before the BPE; here it is an ordinary piece.)
 *
 * Decoding: each piece's text; a BYTE piece gives its raw byte (so split UTF-8 characters come
 * back whole); CONTROL and UNUSED give nothing; UNKNOWN gives its text ("<unk>"). The dummy
 * prefix is undone as SentencePiece and run.c do: a piece right after BOS (or at the start of
 * the ids) loses one leading space. So decode(encode(x)) == x for every byte string x, when the
 * vocabulary has the space piece and all 256 byte pieces (LLaMA's does).
 *
 * Inside Spm every piece is stored as text, spaces as ' ' (what llama2.c's tokenizer.bin holds;
 * GGUF's "▁" is turned into ' ' on loading), so a pair is looked up as the bytes of the text it
 * covers, without copying.
 */
#ifndef TZ_SPM_H
#define TZ_SPM_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/job.h"
#include "formats/gguf.h"

/* SentencePiece's / GGUF's token types (0, "undefined" in llama.cpp, is read as NORMAL). */
enum {
    SPM_NORMAL = 1,
    SPM_UNKNOWN = 2,
    SPM_CONTROL = 3,
    SPM_USER = 4,
    SPM_UNUSED = 5,
    SPM_BYTE = 6
};

enum { SPM_MAX_VOCAB = 4000000, SPM_MAX_PIECE = 65536 };

/* spm_decode returns this when an id is outside 0..n-1. */
#define SPM_BAD_ID ((size_t)-1)

typedef struct Spm {
    int32_t n;              /* number of pieces, ids 0..n-1 */
    uint32_t *off;          /* [n+1]: piece t is text[off[t] .. off[t+1]-1), NUL-ended */
    char *text;             /* every piece's bytes (spaces as ' '), each followed by a NUL */
    float *score;           /* [n] */
    uint8_t *type;          /* [n] SPM_NORMAL … SPM_BYTE */
    int32_t bos, eos, unk;  /* -1 when absent */
    int32_t byte_id[256];   /* the "<0xXX>" piece of each byte, -1 when absent */
    int32_t space_id;       /* the piece " " (the dummy prefix alone), -1 when absent */
    int32_t *slot;          /* open addressing: piece text → id, NORMAL/USER pieces only (-1 empty) */
    size_t n_slots;         /* a power of two, at most half full */
    size_t max_len;         /* longest NORMAL/USER piece, in bytes (longer pairs are not looked up) */
    unsigned char bytes[256]; /* bytes[b] == b: what a BYTE piece decodes to */
} Spm;

/* From a GGUF vocabulary (gguf_vocab): pieces with "▁" for spaces, their scores and types,
 * bos/eos/unk. tokenizer.ggml.model must be "llama" (or absent). The vocabulary must be able
 * to spell anything: all 256 byte pieces, or an unknown piece. bos/eos are made CONTROL and unk
 * UNKNOWN whatever their stored type; a NORMAL piece spelled exactly "<0xXX>" is a BYTE piece.
 * Refused with a message naming the problem (another model, a type outside 0..6, a piece over
 * SPM_MAX_PIECE bytes, too many pieces). s is left empty on error. */
int spm_from_gguf_vocab(Spm *s, const GgufVocab *v, TzErr *e);

/* From llama2.c's tokenizer.bin as read by llama2c_tokenizer_parse: pieces with ' ' for spaces
 * (export.py replaced "▁"), every type "normal" — the types are inferred: bos (1, "\n<s>\n") and
 * eos (2, "\n</s>\n") CONTROL, unk (0) UNKNOWN, "<0xXX>" BYTE. The same checks. */
int spm_from_llama2c(Spm *s, const GgufVocab *v, TzErr *e);

void spm_free(Spm *s);   /* safe on a zeroed struct */

/* Encode text[0..n) (any bytes): BOS if bos, the pieces, EOS if eos (each only when the
 * vocabulary has one). Returns the number of ids; writes the first min(that, cap) (cap 0
 * measures). */
size_t spm_encode(const Spm *s, const char *text, size_t n, int bos, int eos, int32_t *ids, size_t cap);

/* Ids back to bytes, as described above. Returns the number of bytes; writes min(that, cap)
 * (no NUL added). SPM_BAD_ID if an id is outside 0..n-1. */
size_t spm_decode(const Spm *s, const int32_t *ids, size_t n, char *out, size_t cap);

/* One piece's contribution to the text when it follows prev (prev < 0: nothing before it), for
 * streaming generation like run.c's decode: the bytes (not NUL-ended) and their count in *len;
 * only after BOS is a leading space dropped. NULL for a bad id. */
const char *spm_decode_piece(const Spm *s, int32_t prev, int32_t id, size_t *len);

/* The stored text of piece id (spaces as ' ', NUL-ended), its length in *len (may be NULL);
 * NULL for a bad id. */
const char *spm_piece(const Spm *s, int32_t id, size_t *len);

/* Piece id for display, SentencePiece's way (spaces as "▁"), NUL-ended, at most cap bytes with
 * the NUL. Returns the full length needed, or SPM_BAD_ID. " kitap" → "▁kitap". */
size_t spm_piece_display(const Spm *s, int32_t id, char *out, size_t cap);

/* The NORMAL/USER piece whose text is p[0..n) (spaces as ' '), or -1. */
int32_t spm_id(const Spm *s, const char *p, size_t n);

/* ---- training (spm_train.c) ----------------------------------------------------------------
 *
 * Learn a vocabulary of (at most) `vocab` pieces from text[0..n), as SentencePiece's BPE trainer
 * does for LLaMA (model_type=bpe, byte_fallback, add_dummy_prefix, split_by_whitespace):
 *   ids 0 <unk>, 1 <s>, 2 </s>; 3 … 258 the byte pieces <0x00> … <0xFF> (score 0);
 *   then the characters of the text, most frequent first, as many as cover SPM_TRAIN_COVERAGE
 *   of it (SentencePiece's character_coverage): a rarer character is left to byte fallback;
 *   then the merged pieces, in the order they were learnt.
 * The text is read as SentencePiece reads it, one sentence a line, each line with its own dummy
 * prefix (" " + line; the line ends are separators, left to the byte piece <0x0A>), and cut into
 * words before the merging: a word starts at each space (spaces belong to the word after them:
 * " kitap"), and another control character (a tab) is a word of its own, so no piece ever spans
 * two words. Every word is a
 * sequence of character pieces (a character left out: its bytes, frozen). Then, repeatedly, the
 * adjacent pair of pieces that occurs most often in the text (ties: the lower pair of ids) is
 * glued into a new piece, everywhere, left to right — until the vocabulary is full, no pair occurs
 * twice, or a piece would pass SPM_TRAIN_MAX_CHARS characters.
 * Scores: merge k (k = 0, 1, …) gets −k, so that spm_encode, which glues the highest-scoring
 * pair first, replays the merges in the order they were learnt; the characters get scores below
 * every merge (−(merges + rank)), as in LLaMA's vocabulary. (A merge whose text is already a
 * piece reuses it and costs no id.)
 * Deterministic; job (may be NULL) gets the merges as progress and can cancel (TZ_E_CANCELLED,
 * nothing kept). 0, or TZ_E_ARG (vocab below SPM_TRAIN_MIN_VOCAB or above SPM_MAX_VOCAB, an empty
 * text). s is left empty on error. */
#define SPM_TRAIN_COVERAGE 0.9995
#define SPM_TRAIN_MAX_CHARS 16
#define SPM_TRAIN_MIN_VOCAB 260   /* the 3 specials, the 256 bytes and the space */
int spm_train(Spm *s, const char *text, size_t n, int vocab, Job *job, TzErr *e);

/* A text as LLaMA is trained on documents, one line a document: each line becomes BOS, its
 * pieces (with its own dummy prefix) and then the line end (the piece "\n", else the byte piece
 * <0x0A>). spm_decode gives the text back exactly (BOS takes the prefix away again). Returns the
 * count; writes the first min(that, cap). */
size_t spm_encode_lines(const Spm *s, const char *text, size_t n, int32_t *ids, size_t cap);

/* The vocabulary of s as GGUF's tokenizer.ggml.* arrays (pieces with "▁" for spaces, scores,
 * token types, bos/eos/unk, model "llama"), owned by v (gguf_vocab_free): what a GGUF writer and
 * llama2.c's tokenizer.bin need. gguf = 0: spaces kept as ' ' (tokenizer.bin's spelling). */
void spm_to_vocab(const Spm *s, int gguf, GgufVocab *v);

#endif
