/* safetensors.h — Hugging Face's safetensors files: read (any tensors, from memory) and write
 * (float32 tensors). The model-specific part (GPT-2's names and layout) is models/gpt_io.h.
 *
 * The format, from its specification (github.com/huggingface/safetensors, README "Format"):
 *
 *     8 bytes    N, the header's length, unsigned 64-bit little-endian
 *     N bytes    the header: a UTF-8 JSON object, possibly padded at the end with spaces
 *                  { "__metadata__": { "key": "value", … },            optional, strings only
 *                    "wte.weight": { "dtype": "F32", "shape": [50257, 768],
 *                                    "data_offsets": [0, 154389504] }, … }
 *     the rest   the data: tensor i's bytes are data[begin, end) of its data_offsets, counted
 *                from the first byte after the header; row-major (C order), little-endian.
 *
 * dtypes: F64 F32 F16 BF16 I64 I32 I16 I8 U64 U32 U16 U8 BOOL F8_E4M3 F8_E5M2. st_parse knows all
 * of their sizes (so a file holding an int tensor we do not need still loads); st_read_f32
 * converts F32, F16 and BF16 to float and refuses the others, naming the dtype and the tensor.
 *
 * The file is hostile (DESIGN.md §4). st_parse checks, before trusting anything:
 *   - the header length against the file (and against 100 MB, the reference implementation's
 *     limit: a real header is a few hundred KB at most);
 *   - the header is valid UTF-8 and strict JSON: a small parser of our own that knows the shape
 *     above (objects, strings with every escape, non-negative integer arrays); an unknown key
 *     inside a tensor's entry is skipped, but never deeper than 32 levels (a "depth bomb"
 *     [[[[…]]]] is refused, not recursed into); duplicate tensor names are refused;
 *   - each tensor: a known dtype, at most 8 dimensions, begin ≤ end ≤ the data's size, and
 *     end − begin = (product of the shape) × (the dtype's size), computed without overflow;
 *   - no two tensors share a byte (overlapping ranges would let one file alias two tensors).
 * Gaps between tensors are allowed (the reference implementation refuses them; they do no harm
 * to a reader that only ever touches each tensor's own range).
 * Memory: the table of tensors grows with the header, which is part of the file; nothing is
 * copied from the data (the tensors point into the caller's bytes, typically an mmap).
 *
 * Writing: st_write puts float32 tensors in the order given, with a header padded by
 * spaces to a multiple of 8 bytes (so the data starts 8-byte aligned, as Hugging Face's writer
 * does), and an optional __metadata__ of string pairs.
 */
#ifndef TZ_SAFETENSORS_H
#define TZ_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "core/err.h"

typedef enum {
    ST_F64, ST_F32, ST_F16, ST_BF16, ST_I64, ST_I32, ST_I16, ST_I8,
    ST_U64, ST_U32, ST_U16, ST_U8, ST_BOOL, ST_F8_E4M3, ST_F8_E5M2, ST_NDTYPES
} StDtype;

const char *st_dtype_name(StDtype d);   /* "F32", … */
size_t st_dtype_size(StDtype d);        /* bytes per element */

#define ST_MAX_DIMS 8
#define ST_MAX_HEADER ((uint64_t)100 << 20)

typedef struct {
    char *name;                     /* as in the file (UTF-8, escapes decoded) */
    StDtype dtype;
    int ndim;                       /* 0 for a scalar */
    uint64_t shape[ST_MAX_DIMS];
    uint64_t count;                 /* elements: the product of the shape (1 for a scalar) */
    const unsigned char *data;      /* its bytes, inside the caller's buffer */
    size_t nbytes;                  /* = count × st_dtype_size(dtype) */
    size_t offset;                  /* where data starts in the file, for messages */
} StTensor;

typedef struct {
    StTensor *t;                    /* sorted by name (st_find is a binary search) */
    int n;
    char **meta;                    /* __metadata__: key, value, key, value, … (2·nmeta) */
    int nmeta;
    size_t header_len;              /* N */
    char *name;                     /* the file's name, for messages */
} StFile;

/* Parse the n bytes of a safetensors file (they must stay valid while f is used: the tensors
 * point into them). name is used in messages. Returns 0, or a TzErr code with *f zeroed. */
int st_parse(StFile *f, const char *data, size_t n, const char *name, TzErr *e);
void st_free(StFile *f);            /* safe on a zeroed struct */

const StTensor *st_find(const StFile *f, const char *name);   /* NULL if absent */
const char *st_meta(const StFile *f, const char *key);        /* NULL if absent */

/* Convert count elements of a float dtype (F32, F16, BF16) at src (little-endian, any
 * alignment) to float. Returns 0, or −1 for any other dtype (nothing written). */
int st_convert(StDtype d, const unsigned char *src, size_t count, float *out);

/* 0 when t is F32, F16 or BF16; else TZ_E_FORMAT naming the dtype and the tensor. */
int st_check_float(const StFile *f, const StTensor *t, TzErr *e);

/* Elements first … first+count−1 of t (row-major) as float into out. TZ_E_FORMAT naming the
 * dtype and the tensor when it is not F32, F16 or BF16. */
int st_read_f32(const StFile *f, const StTensor *t, size_t first, size_t count, float *out, TzErr *e);

/* The value of the top-level key `key` of a JSON object in json[0..n) when it is a
 * non-negative integer (Hugging Face's config.json: "n_head": 12). Returns 1 and sets *v,
 * 0 when the key is absent (or holds something else), −1 when the bytes are not a JSON object
 * (*at then holds the byte offset of the trouble). Same parser and depth limit as st_parse. */
int st_json_uint(const char *json, size_t n, const char *key, uint64_t *v, size_t *at);

/* One tensor to write: float32 data of the given shape. With transpose (2-D only), data holds
 * the shape[1] × shape[0] matrix (row-major) and its transpose is written: how GPT-2's Conv1D
 * weights (In × Out in the file) are written from nn.Linear's Out × In. */
typedef struct {
    const char *name;
    int ndim;
    uint64_t shape[ST_MAX_DIMS];
    const float *data;
    int transpose;
} StOut;

/* Write a whole safetensors file to f: the n tensors in that order, and nmeta metadata pairs
 * (meta[2i] the key, meta[2i+1] the value; nmeta 0 writes no __metadata__). 0, or TZ_E_IO. */
int st_write(FILE *f, const StOut *t, int n, const char *const *meta, int nmeta, TzErr *e);

#endif
