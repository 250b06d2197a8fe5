/* optim.c — see optim.h. */
#include "nn/optim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "nn/vmath.h"

void optim_init(Optim *o, OptKind kind, float lr)
{
    memset(o, 0, sizeof *o);
    o->kind = kind;
    o->lr = lr;
    o->beta1 = 0.9f;
    o->beta2 = 0.999f;
    o->eps = 1e-8f;
    o->weight_decay = kind == OPT_ADAMW ? 0.01f : 0.0f;
}

void optim_add(Optim *o, float *p, float *g, size_t n)
{
    o->ps = tz_realloc(o->ps, (o->nps + 1) * sizeof *o->ps);
    OptParam *q = &o->ps[o->nps++];
    q->p = p;
    q->g = g;
    q->n = n;
    q->m = tz_calloc(n ? n : 1, sizeof *q->m);
    q->v = o->kind == OPT_SGD ? NULL : tz_calloc(n ? n : 1, sizeof *q->v);
}

void optim_free(Optim *o)
{
    for (size_t i = 0; i < o->nps; i++) {
        free(o->ps[i].m);
        free(o->ps[i].v);
    }
    free(o->ps);
    memset(o, 0, sizeof *o);
}

/* The loops over every parameter run once per training step over all of them (hundreds of
 * thousands of floats): written so that the compiler vectorises them (nn/vmath.h's clones; the
 * Makefile compiles this file with -fno-math-errno, without which sqrtf stays a call). */

/* Σ g² in double (eight partial sums: the order of the sum is fixed, so the result too). */
VMATH_CLONES static double sumsq(const float *restrict g, size_t n)
{
    double s = 0;
#pragma omp simd reduction(+:s)
    for (size_t j = 0; j < n; j++) s += (double)g[j] * (double)g[j];
    return s;
}

/* Adam for one tensor; l2 is Adam's weight decay (added to the gradient), decay = lr·wd
 * AdamW's (taken off the weight), the other one 0. */
VMATH_CLONES static void adam_update(float *restrict p, const float *restrict g, float *restrict m, float *restrict v, size_t n,
                                     float b1, float b2, float step, float sc2, float eps, float l2, float decay)
{
#pragma omp simd
    for (size_t j = 0; j < n; j++) {
        float pj = p[j], gj = g[j] + l2 * pj;
        pj -= decay * pj;
        float mj = b1 * m[j] + (1 - b1) * gj, vj = b2 * v[j] + (1 - b2) * gj * gj;
        m[j] = mj;
        v[j] = vj;
        /* θ −= lr · m̂ / (√v̂ + ε), written as PyTorch computes it */
        p[j] = pj - step * mj / (sqrtf(vj) * sc2 + eps);
    }
}

VMATH_CLONES static void sgd_update(float *restrict p, const float *restrict g, float *restrict m, size_t n, float lr, float wd,
                                    float momentum)
{
    if (momentum > 0) {
#pragma omp simd
        for (size_t j = 0; j < n; j++) {
            float mj = momentum * m[j] + (g[j] + wd * p[j]);
            m[j] = mj;
            p[j] -= lr * mj;
        }
    } else {
#pragma omp simd
        for (size_t j = 0; j < n; j++) p[j] -= lr * (g[j] + wd * p[j]);
    }
}

double optim_grad_norm(const Optim *o)
{
    double s = 0;
    for (size_t i = 0; i < o->nps; i++) s += sumsq(o->ps[i].g, o->ps[i].n);
    return sqrt(s);
}

double optim_clip(Optim *o, double max_norm)
{
    double norm = optim_grad_norm(o);
    if (max_norm > 0 && norm > max_norm) {
        /* PyTorch's factor: max_norm / (norm + 1e-6) */
        float f = (float)(max_norm / (norm + 1e-6));
        for (size_t i = 0; i < o->nps; i++)
            for (size_t j = 0; j < o->ps[i].n; j++) o->ps[i].g[j] *= f;
    }
    return norm;
}

void optim_zero_grad(Optim *o)
{
    for (size_t i = 0; i < o->nps; i++) memset(o->ps[i].g, 0, o->ps[i].n * sizeof *o->ps[i].g);
}

void optim_step(Optim *o, float lr)
{
    o->t++;
    const float b1 = o->beta1, b2 = o->beta2, eps = o->eps, wd = o->weight_decay;
    /* bias corrections in double: 1 − β2ᵗ is tiny for the first steps */
    const double c1 = 1.0 - pow(b1, (double)o->t), c2 = 1.0 - pow(b2, (double)o->t);
    for (size_t i = 0; i < o->nps; i++) {
        OptParam *q = &o->ps[i];
        if (o->kind == OPT_SGD) {
            sgd_update(q->p, q->g, q->m, q->n, lr, wd, o->momentum);
        } else {
            const float step = (float)((double)lr / c1), sc2 = (float)(1.0 / sqrt(c2));
            /* Adam adds the decay to the gradient; AdamW takes lr·wd·θ off the weight itself */
            adam_update(q->p, q->g, q->m, q->v, q->n, b1, b2, step, sc2, eps, o->kind == OPT_ADAM ? wd : 0.0f,
                        o->kind == OPT_ADAMW ? lr * wd : 0.0f);
        }
    }
}

float lr_warmup_cosine(long step, long warmup, long total, float max_lr, float min_lr)
{
    if (warmup > 0 && step < warmup) return max_lr * (float)(step + 1) / (float)warmup;
    if (step >= total) return min_lr;
    double prog = (double)(step - warmup) / (double)(total - warmup > 0 ? total - warmup : 1);
    return min_lr + (float)(0.5 * (1.0 + cos(M_PI * prog))) * (max_lr - min_lr);
}

size_t optim_nparams(const Optim *o)
{
    size_t n = 0;
    for (size_t i = 0; i < o->nps; i++) n += o->ps[i].n;
    return n;
}

void optim_snapshot(const Optim *o, float *buf)
{
    for (size_t i = 0; i < o->nps; i++) {
        memcpy(buf, o->ps[i].p, o->ps[i].n * sizeof *buf);
        buf += o->ps[i].n;
    }
}

void optim_restore(Optim *o, const float *buf)
{
    for (size_t i = 0; i < o->nps; i++) {
        memcpy(o->ps[i].p, buf, o->ps[i].n * sizeof *buf);
        buf += o->ps[i].n;
    }
}

int optim_params_finite(const Optim *o)
{
    for (size_t i = 0; i < o->nps; i++) {
        const float *p = o->ps[i].p;
        float acc = 0;      /* NaN or Inf anywhere makes the product with 0 NaN */
        for (size_t j = 0; j < o->ps[i].n; j++) acc += p[j] * 0.0f;
        if (acc != 0.0f) return 0;
    }
    return 1;
}
