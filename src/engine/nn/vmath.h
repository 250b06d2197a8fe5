/* vmath.h — exp, σ and tanh written so that the compiler can run a loop of them in vector
 * registers, 8 or 16 floats at a time (no calls, no branches), for the recurrent cells and the
 * softmax. libm's expf and tanhf are exact to the last bit but one call per number.
 *
 * exp: x = n·ln 2 + r with |r| ≤ ln 2 / 2, so eˣ = 2ⁿ·eʳ; eʳ by its Taylor series to r⁷ (the
 * next term, r⁸/8! < 6·10⁻⁹, is below a float's resolution), 2ⁿ put straight into the exponent
 * bits. ln 2 is subtracted in two parts (355/512, exact in a float, and the small rest) so that
 * r keeps its digits. x is clamped to [−87, 88]: exp never returns 0 or ∞ (σ and tanh saturate
 * long before). Measured over [−80, 80] against double precision: exp and σ within 1.5·10⁻⁷
 * relative, tanh within 2.5·10⁻⁷ relative and 10⁻⁷ absolute — one or two units in the last place
 * of a float; the cells still match PyTorch to 10⁻⁵ (tests/unit/test_recurrent_torch.c).
 *
 * Use them inside `#pragma omp simd` loops of a function marked VMATH_CLONES (below), in a file
 * compiled with -fno-trapping-math (see the Makefile): without it GCC keeps the comparisons as
 * branches and does not vectorise.
 */
#ifndef TZ_VMATH_H
#define TZ_VMATH_H

/* Compiled for AVX-512, for AVX2 + FMA and for plain x86-64; the loader picks one by what the
 * processor has. (Not under ThreadSanitizer: the loader runs the clones' resolver before TSan
 * has started.) */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_THREAD__)
#define VMATH_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define VMATH_CLONES
#endif

static inline float vexp(float x)
{
    x = x > 88.0f ? 88.0f : x < -87.0f ? -87.0f : x;
    /* a NaN passes every comparison above as false and would reach the float → int conversion,
       which is undefined for it: the exponent is taken from 0 instead, and the NaN still comes
       out through r (a diverging model must show NaN, not some number) */
    float xs = x == x ? x : 0.0f;
    float fx = xs * 1.44269504088896341f + 0.5f;
    int n = (int)(fx + 128.0f) - 128;                        /* floor, for fx > −128 */
    float nf = (float)n;
    float r = x - nf * 0.693359375f + nf * 2.12194440e-4f;   /* x − n·ln 2, ln 2 in two parts */
    /* 1 + r + r²/2! + … + r⁷/7!, by Horner's rule */
    float p = 1.0f / 5040;
    p = p * r + 1.0f / 720;
    p = p * r + 1.0f / 120;
    p = p * r + 1.0f / 24;
    p = p * r + 1.0f / 6;
    p = p * r + 0.5f;
    p = p * r * r + r + 1.0f;
    union { int i; float f; } s = { .i = (n + 127) << 23 };   /* 2ⁿ */
    return p * s.f;
}

static inline float vsigm(float x) { return 1.0f / (1.0f + vexp(-x)); }

/* tanh: for |x| < 0.3, where 1 − 2/(e²ˣ + 1) would lose digits, its Taylor series
 * x − x³/3 + 2x⁵/15 − 17x⁷/315 + 62x⁹/2835 (the next term is below 2·10⁻⁸ there); beyond, the
 * exp form, with the sign put back. Both are computed and one is kept, so the loop stays
 * branch-free. */
static inline float vtanh(float x)
{
    float a = x < 0 ? -x : x, z = x * x;
    float small = ((((62.0f / 2835 * z - 17.0f / 315) * z + 2.0f / 15) * z - 1.0f / 3) * z) * x + x;
    float big = 1.0f - 2.0f / (vexp(2.0f * a) + 1.0f);
    big = x < 0 ? -big : big;
    return a < 0.3f ? small : big;
}

#endif
