/* q8.h — 8-bit weights: GGUF's Q8_0 (llama.cpp's simplest quantisation) and the int8 products
 * that run a model on them.
 *
 * Q8_0 cuts each row of a matrix into blocks of 32 values; a block keeps one scale d and 32
 * signed bytes q, and stands for the values d·q. Quantising a block (ggml's reference,
 * quantize_row_q8_0_ref):
 *     amax = max |x|,  d = amax / 127,  q = round(x / d)  (|q| ≤ 127; all 0 when amax = 0)
 * and d is stored as an IEEE half (fp16), so the value read back is fp16(d)·q. A file block is 34
 * bytes (2 for d, 32 for q): 1.0625 bytes a weight instead of fp32's 4. Here a Q8Mat keeps the
 * bytes of a row together (q, rows × cols) and the scales apart (d, rows × cols/32) as floats
 * holding the fp16 values exactly: 36 bytes a block, and the inner loops read plain arrays.
 * The error: |x − d·q| ≤ d/2 = amax/254 within a block, plus fp16's rounding of d (2⁻¹¹ relative).
 *
 * A matrix-vector product y = W x with W in Q8_0 quantises x too, block by block (an activation
 * block gets its own float scale, not rounded to fp16), so that each block's 32 products are
 * integer products summed exactly in int32:
 *     y_r = Σ_b dW[r][b] · dx[b] · Σ_{i<32} qW[r][32b+i] · qx[32b+i]
 * The bytes read per weight fall from 4 to 1.125 — what a generated token costs is reading the
 * weights — and 32 multiply-adds become a few vector instructions. The kernels: AVX-512 VNNI
 * (vpdpbusd on 256-bit vectors), AVX2 (vpmaddubsw + vpmaddwd), and plain C for any other
 * processor; the choice is made once at run time from what the processor says it has
 * (__builtin_cpu_supports), so the build needs no -march flag. All three give the same integers,
 * so the same floats up to the order of the float sums over blocks.
 * VNNI and AVX2 multiply an unsigned byte by a signed one: they take |qW| and qx with qW's sign
 * (vpsignb), as llama.cpp does — exact for every byte a file may hold, −128 included (its
 * absolute value 128 fits the unsigned side), since activations are ours and never −128.
 */
#ifndef TZ_Q8_H
#define TZ_Q8_H

#include <stddef.h>
#include <stdint.h>

#define Q8_BLOCK 32

typedef struct {
    int rows, cols;     /* cols a multiple of Q8_BLOCK */
    int8_t *q;          /* rows × cols */
    float *d;           /* rows × cols/32: each block's scale (an fp16 value, held as float) */
} Q8Mat;

/* Bytes a rows × cols matrix takes in a Q8Mat (q and d). */
size_t q8_bytes(int rows, int cols);

/* GGUF's quantisation of n values (n a multiple of 32) into q (n) and d (n/32), d rounded to
 * fp16 as the file stores it. */
void q8_quantize(const float *x, size_t n, int8_t *q, float *d);
/* The values d·q back (n of them). */
void q8_dequantize(const int8_t *q, const float *d, size_t n, float *x);

/* A GGUF Q8_0 tensor's bytes (34 per block: fp16 d, then 32 int8) into q and d (n values). */
void q8_from_gguf(const unsigned char *blocks, size_t n, int8_t *q, float *d);

/* An activation vector (n a multiple of 32) for the products below: qa (n, |qa| ≤ 127) and da
 * (n/32) with float scales (da = amax/127, not rounded to fp16). */
void q8_quantize_act(const float *x, int n, int8_t *qa, float *da);

/* y[r] = Σ over row r of W (in Q8_0) times the quantised activation, for rows r0 … r1−1 (written
 * at y[r]). */
void q8_matvec(float *y, const Q8Mat *W, const int8_t *qa, const float *da, int r0, int r1);

/* Which kernel q8_matvec runs here: "avx512-vnni", "avx2" or "c". q8_force(k) makes it use kernel
 * k (0 c, 1 avx2, 2 vnni) if the processor has it — for tests of each kernel against the others;
 * −1 returns to the automatic choice. */
const char *q8_kernel(void);
int q8_force(int k);

/* The definitions written out in double, for the tests: Σ_b dW·da·Σ qW·qa of one row. */
double q8_dot_naive(const int8_t *qw, const float *dw, const int8_t *qa, const float *da, int n);

#endif
