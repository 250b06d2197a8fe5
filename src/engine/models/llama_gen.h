/* llama_gen.h — generating text with a LLaMA (models/llama.h): the key/value cache, one token at
 * a time, and the sampling loop. The design is the GPT's (models/gpt_gen.h, which explains why a
 * cache works); what LLaMA changes:
 *
 *   - No position table. A token's position enters through RoPE, which turns its query and key
 *     by an angle that grows with the position. A cached key is stored AFTER its turn (at the
 *     absolute position it was fed at), and a new token's query and key are turned by its own
 *     position kv->pos (rope_forward's pos0), so q·k sees how far apart the two are — exactly
 *     the numbers of llama_forward over the whole sequence.
 *   - Grouped-query attention: the cache holds only the Hkv key/value heads (KV = Hkv·hs per row
 *     instead of D), which is the point of GQA: Llama 2 70B's cache is 8× smaller than with one
 *     key/value head per query head. Query head h reads key/value head h / (H/Hkv).
 *
 * Shapes (llama.h's V, C, D, L, H, Hkv, F; hs = D/H, KV = Hkv·hs): K and V are L × C × KV each,
 * position j of block l at row l·C + j; key/value head g reads columns g·hs … g·hs+hs−1.
 *
 * When the cache is full (C tokens: the RoPE table's length), llama_generate slides the window
 * as gpt_generate does: it keeps the last C/2 tokens, feeds them again from position 0 into an
 * emptied cache, and carries on. (With RoPE only distances matter, so the old keys could in
 * principle be turned back instead of recomputed; re-feeding keeps one rule for both models and
 * gives exactly the numbers of a fresh forward pass over the window.)
 */
#ifndef TZ_LLAMA_GEN_H
#define TZ_LLAMA_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/job.h"
#include "models/gpt_gen.h"
#include "models/llama.h"
#include "nn/sample.h"

/* A prefill runs in chunks of up to this many tokens (the projections as matrix products). */
#define LLAMA_KV_CHUNK 64

typedef struct {
    LlamaConfig cfg;
    int pos;            /* tokens in the cache (0 … C) */
    float *k, *v;       /* L × C × KV each: every block's keys (after RoPE) and values */
    float *att;         /* L × H × C: the attention row of the last token fed, per block and query
                           head; entries 0 … pos−1 are meaningful (they sum to 1) */
    float *logits;      /* V: the scores of the next token, after the last token fed */
    int32_t *ids;       /* C: the tokens in the cache, in order (pos of them) */
    /* the last draw of llama_generate (sample_dist's result) */
    float *probs;       /* V */
    int32_t *order;     /* V */
    size_t kept;
    /* scratch for a chunk of up to R = LLAMA_KV_CHUNK tokens */
    float *x;           /* R × D   the residual stream */
    float *xn;          /* R × D   an RMSNorm's output */
    float *rstd;        /* R */
    float *q;           /* R × D   queries (after RoPE) */
    float *kk, *vv;     /* R × KV  the chunk's keys and values, before they join the cache */
    float *atty;        /* R × D   attention output, heads side by side */
    float *proj;        /* R × D   wo's or w2's output, before it is added to the stream */
    float *h1, *h3;     /* R × F   w1 f and w3 f; h1 then holds silu(h1) ⊙ h3 */
    float *scores;      /* H × C   one token's attention, per query head */
    float *rope_cos, *rope_sin; /* C × hs/2: rope_table's angles */
    /* one token's scratch for the team's threads (LLAMA_THREADS of each; A = max(D, F)) */
    float *txn;         /* LLAMA_THREADS × D: each thread's copy of an RMSNorm's output */
    float *hg;          /* F: silu(x w1ᵀ) ⊙ x w3ᵀ of the token */
    int8_t *tqa;        /* LLAMA_THREADS × A: the quantised input of a product (Q8_0 models) */
    float *tda;         /* LLAMA_THREADS × A/32: its block scales */
    /* how fast a token went on the team and alone (moving averages, seconds; 0 = not yet), and
     * the tokens stepped: see llama_kv_step */
    double t_team, t_solo;
    unsigned long steps;
    float *mem;
    int32_t *imem;      /* ids and order */
    int8_t *bmem;       /* tqa */
} LlamaKV;

/* Bytes llama_kv_alloc takes (0 if the configuration is invalid). */
size_t llama_kv_bytes(const LlamaConfig *cfg);
int llama_kv_alloc(LlamaKV *kv, const LlamaConfig *cfg); /* 0, or −1 (invalid, out of memory; kv zeroed) */
void llama_kv_free(LlamaKV *kv);                         /* safe on a zeroed struct */
void llama_kv_reset(LlamaKV *kv);                        /* pos = 0: an empty cache */

/* Feed one token (0 … V−1) at position kv->pos (< C); returns kv->logits (V floats), the scores
 * of the token after it. pos advances by one.
 * A generated token costs reading every weight once (stories15M: 61 MB in float32, 17 MB in
 * Q8_0), so one token is one job for the engine's thread team (nn/recurrent.h): every
 * matrix-vector product is split by output rows between the threads, attention by query heads,
 * and the threads meet at a barrier between the steps that need each other's rows (five per
 * block: after q/k/v, attention, wo, w1/w3, w2). Each thread computes the small things (an
 * RMSNorm of D numbers, quantising an input for Q8_0) itself rather than wait for one thread to
 * do it. The numbers do not depend on the thread count (each output row is summed the same way).
 * Threads pay only when they have cores to themselves: on a machine busy with other work a thread
 * that loses its core holds its partner up at every meeting, and one thread alone is faster. So by
 * default the step measures both: it keeps a moving average of a token's time on the team and
 * alone, tries the other way every 32nd token, and otherwise runs the faster. llama_set_threads(n)
 * with n > 0 (models/llama.h) fixes the count instead (at most n threads, no measuring). */
const float *llama_kv_step(const Llama *m, LlamaKV *kv, int32_t token);

/* Feed n ≥ 1 tokens (a prompt), n ≤ C − pos; returns the logits after the last one. The same
 * numbers as n steps (up to the order of float sums in the products). */
const float *llama_kv_feed(const Llama *m, LlamaKV *kv, const int32_t *ids, size_t n);

/* The same callback and parameters as gpt_generate: a REPL can drive either model. */
typedef GptTokenFn LlamaTokenFn;
typedef GptGenParams LlamaGenParams;

/* gpt_generate's contract (models/gpt_gen.h) for a LLaMA: up to p->n tokens after the prompt,
 * cb with each, a too-long prompt keeps its last C (*cut dropped), the window slides by C/2 when
 * full, job checked between tokens and chunks. Returns the count, or −1 with e filled. */
long llama_generate(const Llama *m, LlamaKV *kv, const int32_t *prompt, size_t np, const LlamaGenParams *p,
                    LlamaTokenFn cb, void *arg, size_t *cut, Job *job, TzErr *e);

#endif
