/* gpt_gen.h — generating text with a GPT (models/gpt.h): the key/value cache, one token at a
 * time, and the sampling loop.
 *
 * Why a cache. A GPT predicts token t+1 from tokens 0 … t. Run naively, every new token would
 * send the whole sequence through the model again: t rows of work for one new row of output.
 * But with the causal mask a row never looks at later rows, so the rows of the earlier tokens
 * come out the same each time. The only thing a new token needs from them is, in every block,
 * their keys and values (what they offer to attention). So we keep those (K and V, one row of
 * D per token per block) and feed one token at a time: its query is matched against the cached
 * keys, and its own key and value are added to the cache. Each step is then a handful of
 * matrix-vector products (the weights read once per token) plus attention over the cache.
 *
 * Shapes (gpt.h's V, C, D, L, H, hs = D/H): K and V are L × C × D each, position j of block l at
 * row l·C + j; head h reads columns h·hs … h·hs+hs−1 of each row. A step walks the rows 0 … pos
 * of its block in memory order, every head at once (plain vector loops); a prefill of several
 * tokens does each head's attention as two sgemm products over the cache instead.
 *
 * When the cache is full (C tokens, all wpe knows), GPT-2 cannot just drop the oldest token: its
 * positions are absolute (wpe[0] is "the first token"), so every cached key would have to be
 * recomputed with its new position. gpt_generate slides the window instead: it keeps the last
 * C/2 tokens, feeds them again into an emptied cache (one batched pass), and carries on. This is
 * what llm.c and Hugging Face's examples do; it costs one prefill every C/2 tokens instead of a
 * full recomputation at every step.
 */
#ifndef TZ_GPT_GEN_H
#define TZ_GPT_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/job.h"
#include "models/gpt.h"
#include "models/gen_loop.h"
#include "nn/sample.h"

/* A prefill (gpt_kv_feed) runs in chunks of this many tokens: matrix-matrix products, without
 * scratch for the whole context. */
#define GPT_KV_CHUNK 64

typedef struct GptKV {
    GptConfig cfg;
    int pos;            /* tokens in the cache (0 … C) */
    float *k, *v;       /* L × C × D each: every block's keys and values of the tokens fed */
    float *att;         /* L × H × C: the attention row of the last token fed, per block and head;
                           entries 0 … pos−1 are meaningful (they sum to 1) */
    float *logits;      /* V: the scores of the next token, after the last token fed */
    int32_t *ids;       /* C: the tokens in the cache, in order (pos of them) */
    /* the last draw of gpt_generate (sample_dist's result; what a display shows) */
    float *probs;       /* V */
    int32_t *order;     /* V */
    size_t kept;
    /* scratch for one chunk of up to R = GPT_KV_CHUNK tokens */
    float *x;           /* R × D   the residual stream */
    float *ln;          /* R × D   a layernorm's output, then a projection's before it is added */
    float *mean, *rstd; /* R each */
    float *qkv;         /* R × 3D */
    float *atty;        /* R × D   attention output, heads side by side */
    float *fc;          /* R × 4D  the MLP's hidden layer */
    float *scores;      /* max(H, R) × C: one token's attention per head, or a chunk's for one head */
    float *mem;         /* every float above */
    int32_t *imem;      /* ids and order */
} GptKV;

/* Bytes gpt_kv_alloc takes for a configuration (0 if invalid): K and V (8·L·C·D), the
 * attention rows, the logits and the chunk scratch. GPT-2 small: ~77 MB. */
size_t gpt_kv_bytes(const GptConfig *cfg);
int gpt_kv_alloc(GptKV *kv, const GptConfig *cfg); /* 0, or −1 (invalid, out of memory; kv zeroed) */
void gpt_kv_free(GptKV *kv);                       /* safe on a zeroed struct */
void gpt_kv_reset(GptKV *kv);                      /* pos = 0: an empty cache */

/* Feed one token (0 … V−1) at position kv->pos (which must be < C); returns kv->logits (V floats),
 * the scores of the token after it. pos advances by one. */
const float *gpt_kv_step(const Gpt *g, GptKV *kv, int32_t token);

/* Feed n ≥ 1 tokens (a prompt: the prefill), n ≤ C − pos; returns the logits after the last one.
 * Runs GPT_KV_CHUNK tokens at a time as matrix-matrix products; the same numbers as n steps. */
const float *gpt_kv_feed(const Gpt *g, GptKV *kv, const int32_t *ids, size_t n);

/* The token callback and the parameters (n, sampling, seed, stop token) are the shared
 * decoder loop's (models/gen_loop.h). */
typedef GenTokenFn GptTokenFn;
typedef GenParams GptGenParams;

/* Generate up to p->n tokens after the prompt (np ≥ 1 ids in 0 … V−1), calling cb (may be NULL)
 * with each. The cache is reset first (and allocated, or reallocated for another configuration,
 * when it has not been). A prompt longer than the context keeps its last C tokens (*cut, may be
 * NULL, gets how many were dropped from the front). When the cache is full the window slides as
 * described at the top. job (may be NULL) is checked between tokens and between the prefill's
 * chunks: a cancelled job ends generation early, keeping what was made.
 * Afterwards the cache holds the window up to the token before the last one generated (the last
 * one is only drawn, not fed: nobody asked for what comes after it), and probs / order / kept the
 * distribution the last token was drawn from (sample_dist_draw's: order[0 … kept) and their probs
 * are meaningful, the rest is scratch).
 * Returns the number of tokens generated, or −1 with e filled (empty prompt, a token outside the
 * vocabulary, out of memory). */
long gpt_generate(const Gpt *g, GptKV *kv, const int32_t *prompt, size_t np, const GptGenParams *p, GptTokenFn cb,
                  void *arg, size_t *cut, Job *job, TzErr *e);

#endif
