/* q8.c — Q8_0 quantisation and the int8 matrix-vector product (see q8.h). */
#include "nn/q8.h"

#include <math.h>
#include <stdatomic.h>
#include <string.h>

#include "core/err.h"
#include "formats/gguf.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define Q8_X86 1
#endif

size_t q8_bytes(int rows, int cols)
{
    return (size_t)rows * (size_t)cols + (size_t)rows * (size_t)(cols / Q8_BLOCK) * sizeof(float);
}

/* ---- quantising ----------------------------------------------------------------------------- */

void q8_quantize(const float *x, size_t n, int8_t *q, float *d)
{
    TZ_ASSERT(n % Q8_BLOCK == 0);
    for (size_t b = 0; b < n / Q8_BLOCK; b++) {
        const float *xb = x + b * Q8_BLOCK;
        float amax = 0;
        for (int i = 0; i < Q8_BLOCK; i++) amax = fmaxf(amax, fabsf(xb[i]));
        /* ggml's reference: q from the exact d, the file keeps d as fp16 */
        float s = amax / 127.0f, is = s != 0 ? 1.0f / s : 0.0f;
        d[b] = gguf_f16_to_f32(gguf_f32_to_f16(s));
        for (int i = 0; i < Q8_BLOCK; i++) q[b * Q8_BLOCK + i] = (int8_t)roundf(xb[i] * is);
    }
}

void q8_dequantize(const int8_t *q, const float *d, size_t n, float *x)
{
    for (size_t i = 0; i < n; i++) x[i] = d[i / Q8_BLOCK] * (float)q[i];
}

void q8_from_gguf(const unsigned char *blocks, size_t n, int8_t *q, float *d)
{
    for (size_t b = 0; b < n / Q8_BLOCK; b++) {
        const unsigned char *p = blocks + b * (2 + Q8_BLOCK);
        uint16_t h;
        memcpy(&h, p, 2);
        d[b] = gguf_f16_to_f32(h);
        memcpy(q + b * Q8_BLOCK, p + 2, Q8_BLOCK);
    }
}

void q8_quantize_act(const float *x, int n, int8_t *qa, float *da)
{
    for (int b = 0; b < n / Q8_BLOCK; b++) {
        const float *xb = x + b * Q8_BLOCK;
        float amax = 0;
        for (int i = 0; i < Q8_BLOCK; i++) amax = fmaxf(amax, fabsf(xb[i]));
        float s = amax / 127.0f, is = s != 0 ? 1.0f / s : 0.0f;
        da[b] = s;
        /* round half away from zero, as roundf, written so that the loop vectorises */
        for (int i = 0; i < Q8_BLOCK; i++) {
            float v = xb[i] * is;
            qa[b * Q8_BLOCK + i] = (int8_t)(int)(v + (v >= 0 ? 0.5f : -0.5f));
        }
    }
}

double q8_dot_naive(const int8_t *qw, const float *dw, const int8_t *qa, const float *da, int n)
{
    double y = 0;
    for (int b = 0; b < n / Q8_BLOCK; b++) {
        long s = 0;
        for (int i = 0; i < Q8_BLOCK; i++) s += (long)qw[b * Q8_BLOCK + i] * qa[b * Q8_BLOCK + i];
        y += (double)dw[b] * da[b] * (double)s;
    }
    return y;
}

/* ---- the kernels ---------------------------------------------------------------------------------
 * Each computes rows r0 … r1−1. Four rows at a time where it can: the activation's bytes are loaded
 * once for the four, and four independent sums keep the adder busy (one sum alone would wait on
 * its own previous add every block). */

/* plain C: 32 products in int32 per block (the compiler vectorises the inner loop) */
static void matvec_c(float *y, const Q8Mat *W, const int8_t *qa, const float *da, int r0, int r1)
{
    int nb = W->cols / Q8_BLOCK;
    for (int r = r0; r < r1; r++) {
        const int8_t *w = W->q + (size_t)r * W->cols;
        const float *dw = W->d + (size_t)r * nb;
        float acc = 0;
        for (int b = 0; b < nb; b++) {
            int32_t s = 0;
            for (int i = 0; i < Q8_BLOCK; i++) s += (int32_t)w[b * Q8_BLOCK + i] * (int32_t)qa[b * Q8_BLOCK + i];
            acc += dw[b] * da[b] * (float)s;
        }
        y[r] = acc;
    }
}

#ifdef Q8_X86
#define T_AVX2 __attribute__((target("avx2,fma")))
#define T_VNNI __attribute__((target("avx2,fma,avx512f,avx512vl,avx512vnni")))

T_AVX2 static inline float hsum8(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/* 8 int32 partial sums of one block's 32 products: |w| (unsigned) times x with w's sign */
T_AVX2 static inline __m256i dot_avx2(__m256i w, __m256i x)
{
    __m256i p = _mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(x, w)); /* 16 pair sums, ≤ 32512 */
    return _mm256_madd_epi16(p, _mm256_set1_epi16(1));
}

T_VNNI static inline __m256i dot_vnni(__m256i w, __m256i x)
{
    return _mm256_dpbusd_epi32(_mm256_setzero_si256(), _mm256_sign_epi8(w, w), _mm256_sign_epi8(x, w));
}

/* Ask for the bytes and scales of the rows two groups ahead: each group ends in horizontal sums
 * that keep the processor from running ahead to the next loads by itself, and the weights come
 * from memory (or L3) in two streams, q and d. Fetched to stay in the caches: a Q8_0 model of
 * stories15M's size (17 MB) fits in a 32 MB L3 from one token to the next. A prefetch past the end
 * is harmless. */
static inline void prefetch_rows(const int8_t *q, size_t nq, const float *d, size_t nd)
{
    for (size_t o = 0; o < nq; o += 64) __builtin_prefetch(q + o, 0, 3);
    for (size_t o = 0; o < nd * sizeof *d; o += 64) __builtin_prefetch((const char *)d + o, 0, 3);
}

/* The same loop for both instruction sets (DOT is dot_avx2 or dot_vnni). */
#define MATVEC_BODY(DOT)                                                                                    \
    int nb = W->cols / Q8_BLOCK, r = r0;                                                                    \
    size_t cols = (size_t)W->cols;                                                                          \
    for (; r + 4 <= r1; r += 4) {                                                                           \
        const int8_t *w = W->q + (size_t)r * cols;                                                          \
        const float *dw = W->d + (size_t)r * nb;                                                            \
        if (r + 12 <= r1) prefetch_rows(w + 8 * cols, 4 * cols, dw + 8 * nb, 4 * nb);                      \
        __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;                                         \
        for (int b = 0; b < nb; b++) {                                                                      \
            __m256i x = _mm256_loadu_si256((const __m256i *)(qa + b * Q8_BLOCK));                           \
            const int8_t *wb = w + b * Q8_BLOCK;                                                            \
            __m256 sx = _mm256_set1_ps(da[b]);                                                              \
            a0 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(DOT(_mm256_loadu_si256((const __m256i *)wb), x)),       \
                                 _mm256_mul_ps(sx, _mm256_set1_ps(dw[b])), a0);                             \
            a1 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(DOT(_mm256_loadu_si256((const __m256i *)(wb + cols)), x)), \
                                 _mm256_mul_ps(sx, _mm256_set1_ps(dw[nb + b])), a1);                        \
            a2 = _mm256_fmadd_ps(                                                                           \
                _mm256_cvtepi32_ps(DOT(_mm256_loadu_si256((const __m256i *)(wb + 2 * cols)), x)),           \
                _mm256_mul_ps(sx, _mm256_set1_ps(dw[2 * nb + b])), a2);                                     \
            a3 = _mm256_fmadd_ps(                                                                           \
                _mm256_cvtepi32_ps(DOT(_mm256_loadu_si256((const __m256i *)(wb + 3 * cols)), x)),           \
                _mm256_mul_ps(sx, _mm256_set1_ps(dw[3 * nb + b])), a3);                                     \
        }                                                                                                   \
        y[r] = hsum8(a0), y[r + 1] = hsum8(a1), y[r + 2] = hsum8(a2), y[r + 3] = hsum8(a3);                 \
    }                                                                                                       \
    for (; r < r1; r++) {                                                                                   \
        const int8_t *w = W->q + (size_t)r * cols;                                                          \
        const float *dw = W->d + (size_t)r * nb;                                                            \
        __m256 a0 = _mm256_setzero_ps();                                                                    \
        for (int b = 0; b < nb; b++) {                                                                      \
            __m256i x = _mm256_loadu_si256((const __m256i *)(qa + b * Q8_BLOCK));                           \
            __m256i d = DOT(_mm256_loadu_si256((const __m256i *)(w + b * Q8_BLOCK)), x);                    \
            a0 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(d), _mm256_set1_ps(da[b] * dw[b]), a0);                 \
        }                                                                                                   \
        y[r] = hsum8(a0);                                                                                   \
    }

T_AVX2 static void matvec_avx2(float *y, const Q8Mat *W, const int8_t *qa, const float *da, int r0, int r1)
{
    MATVEC_BODY(dot_avx2)
}

T_VNNI static void matvec_vnni(float *y, const Q8Mat *W, const int8_t *qa, const float *da, int r0, int r1)
{
    MATVEC_BODY(dot_vnni)
}
#endif

/* ---- the choice ------------------------------------------------------------------------------- */

static int have(int k)
{
#ifdef Q8_X86
    __builtin_cpu_init();
    if (k == 1) return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (k == 2)
        return have(1) && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
               __builtin_cpu_supports("avx512vnni");
#endif
    return k == 0;
}

static atomic_int chosen = -1;

static int kernel_now(void)
{
    int k = atomic_load_explicit(&chosen, memory_order_relaxed);
    if (k < 0) {
        k = have(2) ? 2 : have(1) ? 1 : 0;
        atomic_store(&chosen, k);
    }
    return k;
}

int q8_force(int k)
{
    if (k < 0) {
        atomic_store(&chosen, -1);
        return 0;
    }
    if (k > 2 || !have(k)) return -1;
    atomic_store(&chosen, k);
    return 0;
}

const char *q8_kernel(void)
{
    static const char *const names[3] = {"c", "avx2", "avx512-vnni"};
    return names[kernel_now()];
}

void q8_matvec(float *y, const Q8Mat *W, const int8_t *qa, const float *da, int r0, int r1)
{
    switch (kernel_now()) {
#ifdef Q8_X86
    case 2: matvec_vnni(y, W, qa, da, r0, r1); return;
    case 1: matvec_avx2(y, W, qa, da, r0, r1); return;
#endif
    default: matvec_c(y, W, qa, da, r0, r1);
    }
}
