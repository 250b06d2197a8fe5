/* gen_loop.h — the sampling loop every decoder shares (GPT, LLaMA): check the prompt, feed it,
 * then draw a token, hand it over, feed it back, and slide the window when the cache is full.
 *
 * What differs between the models is only how tokens go into their KV cache; a GenCache
 * describes that with a feed function and pointers into the model's own cache struct (its
 * position, the ids it holds, its logits and the last distribution drawn from). The window
 * rule: a prompt longer than the context C keeps its last C tokens; when the cache is full, the
 * last C/2 tokens are fed again into an emptied cache at positions 0 … C/2−1 (the models here
 * know absolute positions, so the cache cannot simply be shifted), and generation goes on.
 */
#ifndef TZ_GEN_LOOP_H
#define TZ_GEN_LOOP_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/job.h"
#include "nn/sample.h"

/* Called with each generated token; returning non-zero stops the generation after it. */
typedef int (*GenTokenFn)(int32_t token, void *arg);

typedef struct {
    int n;              /* how many tokens to generate at most */
    SampleParams sp;    /* temperature, top-k, top-p (nn/sample.h) */
    uint64_t seed;      /* the same seed, prompt and model give the same text */
    int32_t stop_token; /* generation ends when this is drawn (not passed on, not counted); −1: none */
} GenParams;

typedef struct {
    const void *model;
    void *kv;
    int V, C;
    /* feed n ≥ 1 tokens at the cache's position; 1 if job was cancelled between chunks, else 0 */
    int (*feed)(const void *model, void *kv, const int32_t *ids, size_t n, Job *job);
    void (*reset)(void *kv);            /* empty the cache (position 0) */
    const int *pos;                     /* tokens in the cache */
    int32_t *ids;                       /* the C tokens it holds */
    const float *logits;                /* V: the scores after the last token fed */
    float *probs;                       /* V: the distribution of the last draw */
    int32_t *order;                     /* V: ids by probability */
    size_t *kept;                       /* how many sampling kept */
} GenCache;

/* 0, or −1 with e filled when the prompt is empty or holds an id outside 0 … V−1. */
int gen_check_prompt(const int32_t *prompt, size_t np, int V, TzErr *e);

/* The loop itself, after the caller has checked the prompt and made the cache ready: resets it,
 * feeds the prompt (its last C tokens; *cut gets how many were dropped), then samples up to p->n
 * tokens. Returns how many were generated. */
long gen_loop(const GenCache *c, const int32_t *prompt, size_t np, const GenParams *p, GenTokenFn cb, void *arg,
              size_t *cut, Job *job);

#endif
