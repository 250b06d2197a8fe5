/* optim.c — see optim.h. */
#include "nn/optim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

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

double optim_grad_norm(const Optim *o)
{
    double s = 0;
    for (size_t i = 0; i < o->nps; i++)
        for (size_t j = 0; j < o->ps[i].n; j++) s += (double)o->ps[i].g[j] * o->ps[i].g[j];
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
        float *p = q->p, *g = q->g, *m = q->m, *v = q->v;
        switch (o->kind) {
        case OPT_SGD:
            for (size_t j = 0; j < q->n; j++) {
                float gj = g[j] + wd * p[j];
                if (o->momentum > 0) { m[j] = o->momentum * m[j] + gj; gj = m[j]; }
                p[j] -= lr * gj;
            }
            break;
        case OPT_ADAM:
        case OPT_ADAMW: {
            const float step = (float)((double)lr / c1), sc2 = (float)(1.0 / sqrt(c2));
            for (size_t j = 0; j < q->n; j++) {
                float gj = g[j];
                if (o->kind == OPT_ADAM) gj += wd * p[j];
                else p[j] -= lr * wd * p[j];          /* AdamW: decay the weight itself */
                m[j] = b1 * m[j] + (1 - b1) * gj;
                v[j] = b2 * v[j] + (1 - b2) * gj * gj;
                /* θ −= lr · m̂ / (√v̂ + ε), written as PyTorch computes it */
                p[j] -= step * m[j] / (sqrtf(v[j]) * sc2 + eps);
            }
            break;
        }
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
