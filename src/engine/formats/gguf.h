/* gguf.h — GGUF files (llama.cpp's model format, versions 2 and 3): read any file's metadata and
 * tensor table, dequantise F32, F16, BF16 and Q8_0 tensors to float32, read a LLaMA's
 * hyperparameters and tokenizer from it, and write small files (for tests, and later for "the
 * same weights in GGUF give the same logits").
 *
 * The format, from its specification (github.com/ggml-org/ggml, docs/gguf.md). Everything is
 * little-endian; a string is a uint64 byte length and then its bytes (UTF-8, no NUL):
 *
 *     "GGUF"                     4 bytes of magic
 *     version                    uint32: 3 (2 is the same layout; 1 had 32-bit counts and is refused)
 *     tensor_count               uint64
 *     metadata_kv_count          uint64
 *     metadata_kv_count times:   key (string), value type (uint32), value
 *                                  types: 0 UINT8 1 INT8 2 UINT16 3 INT16 4 UINT32 5 INT32
 *                                  6 FLOAT32 7 BOOL (1 byte, 0 or 1) 8 STRING 9 ARRAY
 *                                  10 UINT64 11 INT64 12 FLOAT64;
 *                                  an ARRAY is its element type (uint32), a count (uint64) and
 *                                  that many values (arrays of arrays are allowed)
 *     tensor_count times:        name (string, ≤ 64 bytes), n_dims (uint32, 1…4),
 *                                  ne[n_dims] (uint64 each), type (uint32, ggml's), offset (uint64)
 *     padding                    zeros up to a multiple of ALIGNMENT
 *     the data section           tensor i's bytes start at data + offset_i, a multiple of ALIGNMENT
 *
 * ALIGNMENT is general.alignment (a UINT32 power of two) or 32.
 *
 * Shapes. ggml lists dimensions innermost first: ne[0] is the length of a row (the fastest
 * varying index). PyTorch's Linear weight Out × In is stored as ne = [In, Out]. GgufTensor keeps
 * ne as in the file and gives shape[] the other way round (outermost first, row-major, as
 * everywhere else in tezgah): a weight matrix is then Out × In.
 *
 * Tensor types read here: F32 (0), F16 (1), BF16 (30) and Q8_0 (8). Q8_0 cuts each row into
 * blocks of 32 values, each stored as an f16 scale d and 32 int8 q (34 bytes); value = d · q.
 * Every other ggml type (Q4_0, Q4_K, IQ2_XS, …) is refused by name when the file is parsed.
 *
 * LLaMA in GGUF (llama.cpp's names): token_embd.weight V × D, output_norm.weight D,
 * output.weight V × D (absent: tied to token_embd), and per block l, blk.l.attn_norm.weight D,
 * attn_q D × D, attn_k KVD × D, attn_v KVD × D, attn_output D × D, ffn_norm D,
 * ffn_gate F × D, ffn_up F × D, ffn_down D × F (all .weight; shapes Out × In). llama.cpp's
 * converter stores q and k with RoPE's pairs adjacent (Meta's layout, as llama2.c), not
 * Hugging Face's halves.
 *
 * The file is hostile (DESIGN.md §4). gguf_parse checks, before trusting anything: the
 * version; counts against the bytes they would need (every key-value takes ≥ 13 bytes, every
 * tensor info ≥ 24), so no count can make us allocate more than the file justifies; every
 * string and array length against the bytes left; nesting depth; value types; duplicate keys
 * and tensor names; each tensor's dims (the product without overflow, Q8_0 rows a multiple of
 * 32), type, offset (aligned, inside the data section) and size; no two tensors sharing a byte.
 * Nothing is copied from the data: tensors point into the caller's bytes (typically an mmap).
 */
#ifndef TZ_GGUF_H
#define TZ_GGUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "core/err.h"

/* metadata value types */
typedef enum {
    GGUF_UINT8, GGUF_INT8, GGUF_UINT16, GGUF_INT16, GGUF_UINT32, GGUF_INT32, GGUF_FLOAT32,
    GGUF_BOOL, GGUF_STRING, GGUF_ARRAY, GGUF_UINT64, GGUF_INT64, GGUF_FLOAT64, GGUF_NVTYPES
} GgufVType;

/* ggml tensor types we read (the numbers are ggml's) */
enum { GGML_F32 = 0, GGML_F16 = 1, GGML_Q8_0 = 8, GGML_BF16 = 30 };
#define GGML_Q8_0_BLOCK 32          /* values per block */
#define GGML_Q8_0_BYTES 34          /* bytes per block: an f16 scale and 32 int8 */

const char *gguf_vtype_name(GgufVType t);   /* "UINT8", … */
const char *gguf_ggml_name(uint32_t type);  /* "F32", "Q4_K", … ("?" when unknown) */

#define GGUF_MAX_DIMS 4
#define GGUF_MAX_NAME 64
#define GGUF_MAX_DEPTH 8            /* arrays of arrays of … at most this deep */
#define GGUF_DEFAULT_ALIGNMENT 32

typedef struct {
    char *key;                      /* NUL-ended (keys holding a NUL byte are refused) */
    GgufVType type;
    /* a scalar: its value, widened (u for unsigned and bool, i for signed, f for floats) */
    uint64_t u;
    int64_t i;
    double f;
    /* a STRING: its bytes, NUL-ended copy (len bytes; may hold NUL bytes) */
    char *str;
    size_t len;
    /* an ARRAY: the element type, the count, and where the elements start in the file */
    GgufVType atype;
    uint64_t n;
    const unsigned char *adata;
    uint64_t *soff;                 /* an array of strings: offset of each string's length from adata */
} GgufKV;

typedef struct {
    char *name;
    uint32_t type;                  /* GGML_F32, GGML_F16, GGML_BF16 or GGML_Q8_0 */
    int ndim;
    uint64_t ne[GGUF_MAX_DIMS];     /* as in the file: ne[0] innermost */
    uint64_t shape[GGUF_MAX_DIMS];  /* outermost first (row-major): a matrix is Out × In */
    uint64_t count;                 /* elements */
    const unsigned char *data;      /* its bytes, inside the caller's buffer */
    size_t nbytes;
    size_t offset;                  /* where data starts in the file, for messages */
} GgufTensor;

typedef struct {
    uint32_t version;
    GgufKV *kv;                     /* in file order */
    int nkv;
    GgufTensor *t;                  /* sorted by name (gguf_find is a binary search) */
    int n;
    uint32_t alignment;
    size_t data_start;              /* file offset of the data section */
    char *name;                     /* the file's name, for messages */
} GgufFile;

/* Parse the n bytes of a GGUF file (they must stay valid while f is used). 0, or a TzErr code
 * with *f zeroed. */
int gguf_parse(GgufFile *f, const char *data, size_t n, const char *name, TzErr *e);
void gguf_free(GgufFile *f);        /* safe on a zeroed struct */

const GgufTensor *gguf_find(const GgufFile *f, const char *name);   /* NULL if absent */
const GgufKV *gguf_kv(const GgufFile *f, const char *key);          /* NULL if absent */

/* Typed reads of a scalar key: 0, TZ_E_NOTFOUND when absent, TZ_E_FORMAT (naming the key and
 * its type) when it is of another kind. _uint takes any integer type holding a value ≥ 0,
 * _float any integer or float type, _str a STRING. */
int gguf_get_uint(const GgufFile *f, const char *key, uint64_t *v, TzErr *e);
int gguf_get_float(const GgufFile *f, const char *key, double *v, TzErr *e);
int gguf_get_str(const GgufFile *f, const char *key, const char **s, TzErr *e);

/* Element i of an array key: a string (bytes and length, inside the file; NULL when the array
 * holds something else), or a number (as double; NAN when not a numeric array). */
const char *gguf_arr_str(const GgufKV *kv, uint64_t i, size_t *len);
double gguf_arr_num(const GgufKV *kv, uint64_t i);

/* n values of Q8_0 blocks (n a multiple of 32) to float: value = d · q exactly as float32
 * (d the block's f16 scale). */
void gguf_q8_0_dequant(const unsigned char *blocks, size_t n, float *out);

/* The whole of t as float32 into out (t->count floats). */
void gguf_read_f32(const GgufTensor *t, float *out);
/* Rows r0 … r0+nr−1 of t (a row is ne[0] values) into out. */
void gguf_read_rows(const GgufTensor *t, uint64_t r0, uint64_t nr, float *out);
/* The raw bytes of t as stored (for a future int8 matvec on Q8_0): *type and *nbytes. */
const void *gguf_tensor_raw(const GgufTensor *t, uint32_t *type, size_t *nbytes);

/* ---- plain data for a model: a LLaMA's configuration and its float32 tensors ------------ */

/* LLaMA's hyperparameters (the same struct comes from llama2.c files, llama2c.h). */
typedef struct {
    int dim;                        /* D  llama.embedding_length */
    int hidden_dim;                 /* F  llama.feed_forward_length */
    int n_layers;                   /* L  llama.block_count */
    int n_heads;                    /* NH llama.attention.head_count */
    int n_kv_heads;                 /*    llama.attention.head_count_kv (default NH) */
    int vocab_size;                 /* V  llama.vocab_size, or the tokenizer's, or token_embd's rows */
    int seq_len;                    /* C  llama.context_length */
    int shared_classifier;          /* 1 when there is no output.weight (logits use token_embd) */
    float rope_theta;               /* llama.rope.freq_base (default 10000) */
    float norm_eps;                 /* llama.attention.layer_norm_rms_epsilon (default 1e-5) */
} GgufLlama;

/* Named float32 tensors owned by the list (one allocation, mem). */
typedef struct {
    char *name;
    int ndim;
    uint64_t shape[GGUF_MAX_DIMS];  /* outermost first: Out × In */
    uint64_t count;
    float *data;                    /* count floats, inside mem */
} GgufWeight;

typedef struct {
    GgufWeight *w;
    int n;
    float *mem;
} GgufWeights;

void gguf_weights_free(GgufWeights *w);                              /* safe on a zeroed struct */
const GgufWeight *gguf_weights_find(const GgufWeights *w, const char *name);
/* The names of LLaMA's tensors in GGUF, in the order a model lists them: i from 0 to
 * 3 + 9·L − 1 (output.weight last, even when shared). */
int gguf_llama_ntensors(const GgufLlama *c);
void gguf_llama_tensor(const GgufLlama *c, int i, char *name, size_t cap, int *ndim, uint64_t shape[2]);

/* The LLaMA hyperparameters of f (general.architecture must be "llama"), checked for sense and
 * against every LLaMA tensor's shape in the file (a tensor that disagrees is named, with the
 * key it disagrees with); a missing tensor is refused by name. */
int gguf_llama_config(const GgufFile *f, GgufLlama *c, TzErr *e);
/* Every LLaMA tensor of f as float32 (after gguf_llama_config), refused before allocating when
 * it would not fit in memory. */
int gguf_llama_weights(const GgufFile *f, const GgufLlama *c, GgufWeights *w, TzErr *e);

/* The tokenizer stored in the file: tokenizer.ggml.tokens (strings), .scores (float32, default
 * 0), .token_type (int32, default 1 "normal"), bos/eos/unknown ids (−1 when absent). */
typedef struct {
    int n;
    char **tok;                     /* n NUL-ended copies (a token may hold a NUL: use len) */
    size_t *len;
    float *score;
    int32_t *type;
    int bos, eos, unk;
    char model[32];                 /* tokenizer.ggml.model ("llama", "gpt2", …; "" if absent) */
} GgufVocab;

int gguf_vocab(const GgufFile *f, GgufVocab *v, TzErr *e);
void gguf_vocab_free(GgufVocab *v);                                  /* safe on a zeroed struct */

/* Map path, parse, read the LLaMA configuration, its float32 weights and the tokenizer (voc may
 * be NULL), unmap. */
int gguf_load_llama(const char *path, GgufLlama *c, GgufWeights *w, GgufVocab *voc, TzErr *e);

/* ---- writing ---------------------------------------------------------------------------- */

/* One metadata pair: a scalar (val points to one value of type: uint8_t … double, uint8_t for
 * BOOL, const char * for STRING) or an ARRAY of n values of atype (strings: const char *const *). */
typedef struct {
    const char *key;
    GgufVType type;
    GgufVType atype;
    uint64_t n;
    const void *val;
} GgufKvOut;

/* One tensor to write from float32 data of shape (outermost first), stored as type (F32, F16,
 * BF16 rounded to nearest even, or Q8_0: per block d = max|x|/127, q = round(x/d), d kept as f16). */
typedef struct {
    const char *name;
    int ndim;
    uint64_t shape[GGUF_MAX_DIMS];
    uint32_t type;
    const float *data;
} GgufOut;

/* A whole GGUF version 3 file to fp; alignment 0 means 32 (another value is written as
 * general.alignment). 0, or TZ_E_IO. */
int gguf_write(FILE *fp, const GgufKvOut *kv, int nkv, const GgufOut *t, int nt, uint32_t alignment, TzErr *e);

/* A LLaMA as a GGUF version 3 file (what llama.cpp's converter writes for a float32 model):
 * general.architecture "llama", general.name (name, may be NULL), the llama.* hyperparameters
 * gguf_llama_config reads (context_length, embedding_length, block_count, feed_forward_length,
 * attention.head_count, attention.head_count_kv, rope.dimension_count, rope.freq_base,
 * attention.layer_norm_rms_epsilon, vocab_size); the tokenizer when voc is not NULL
 * (tokenizer.ggml.model "llama", tokens with "▁" for spaces, scores, token_type, bos/eos/unknown
 * ids — all that gguf_vocab reads back); then every tensor of w under its GGUF name
 * (gguf_llama_tensor's order; output.weight only when not shared), as F32. 0, or TZ_E_IO. */
int gguf_write_llama(FILE *fp, const GgufLlama *c, const GgufWeights *w, const GgufVocab *voc, const char *name,
                     TzErr *e);

/* float → IEEE half / bfloat16, rounded to nearest even (for the writer and tests). */
uint16_t gguf_f32_to_f16(float x);
float gguf_f16_to_f32(uint16_t h);

#endif
