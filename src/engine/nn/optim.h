/* optim.h — optimisers over a list of parameter tensors: SGD (with momentum), Adam and AdamW
 * (Kingma & Ba 2015; Loshchilov & Hutter 2019), gradient clipping by the global norm, and the
 * learning-rate schedules the Transformers use (linear warm-up, cosine decay).
 *
 * A model hands the optimiser its tensors as (parameter, gradient, size) triples; the
 * optimiser keeps its own state (momentum, Adam's first and second moments) per tensor.
 *
 * Adam, for each parameter θ with gradient g, at step t = 1, 2, …:
 *     m ← β1·m + (1−β1)·g          v ← β2·v + (1−β2)·g²
 *     m̂ = m / (1−β1ᵗ)              v̂ = v / (1−β2ᵗ)          (the bias corrections)
 *     θ ← θ − lr · ( m̂ / (√v̂ + ε) + wd·θ )                  (AdamW: decay apart from g)
 * These are PyTorch's torch.optim.Adam (wd = 0) and AdamW, including where ε goes.
 */
#ifndef TZ_OPTIM_H
#define TZ_OPTIM_H

#include <stddef.h>

typedef struct {
    float *p, *g;           /* the parameter and its gradient (n floats each) */
    size_t n;
    float *m, *v;           /* optimiser state (allocated by optim_init) */
} OptParam;

typedef enum { OPT_SGD = 0, OPT_ADAM = 1, OPT_ADAMW = 2 } OptKind;

typedef struct Optim {
    OptKind kind;
    float lr;
    float momentum;         /* SGD: 0 = plain */
    float beta1, beta2, eps;
    float weight_decay;     /* AdamW (decoupled); SGD and Adam: added to the gradient */
    long t;                 /* steps taken */
    OptParam *ps;
    size_t nps;
} Optim;

/* Defaults: PyTorch's (Adam β 0.9/0.999, ε 1e-8; AdamW weight decay 0.01). */
void optim_init(Optim *o, OptKind kind, float lr);
/* Add a tensor (its state is zeroed). */
void optim_add(Optim *o, float *p, float *g, size_t n);
void optim_free(Optim *o);              /* safe on a zeroed struct */

/* The global gradient norm √(Σ g²) over every tensor. */
double optim_grad_norm(const Optim *o);
/* Scale every gradient so that the global norm is at most max_norm (PyTorch's
 * clip_grad_norm_); returns the norm before clipping. */
double optim_clip(Optim *o, double max_norm);
/* One step with the gradients as they are, at learning rate lr (a schedule's value). */
void optim_step(Optim *o, float lr);
/* Every gradient to zero. */
void optim_zero_grad(Optim *o);

/* Divergence guards. The number of floats in all parameters; copy them all out to / back from
 * a buffer of that size; are they all finite? A trainer snapshots before a step and restores
 * when the step (a huge learning rate, an exploded gradient) left a NaN or Inf behind. */
size_t optim_nparams(const Optim *o);
void optim_snapshot(const Optim *o, float *buf);
void optim_restore(Optim *o, const float *buf);
int optim_params_finite(const Optim *o);

/* Linear warm-up for `warmup` steps, then cosine decay to min_lr at `total` (GPT-style). */
float lr_warmup_cosine(long step, long warmup, long total, float max_lr, float min_lr);

#endif
