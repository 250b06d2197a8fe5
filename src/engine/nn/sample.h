/* sample.h — choosing the next token from a language model's scores (logits), shared by every
 * generator (GPT now, LLaMA later).
 *
 * A model gives one logit per token of the vocabulary (V of them). Turning them into a choice:
 *   1. temperature: p = softmax(logits / temp). temp < 1 sharpens the distribution (the likely
 *      get likelier), temp > 1 flattens it; temp → 0 is greedy (always the most likely token).
 *   2. top-k: keep only the k most likely tokens (k = 0: all of them).
 *   3. top-p ("nucleus", Holtzman et al. 2019): of what is left, keep the smallest set of most
 *      likely tokens whose probability (renormalised after top-k, as Hugging Face does) reaches
 *      p (p ≥ 1: all of them). The set grows when the model is unsure and shrinks when it is
 *      sure, which a fixed k cannot do.
 *   4. renormalise the kept probabilities to sum to 1 and draw one.
 * At least one token is always kept (the most likely).
 *
 * Odd logits (decided here, tested in tests/unit/test_sample.c): a NaN counts as −∞ (that token
 * is never drawn); if some logits are +∞, those tokens share the probability equally (the limit
 * of the softmax); if every logit is −∞ or NaN, nothing is preferred and the result is greedy on
 * the lowest id (a model that gives this has diverged: its caller should say so). Ties in the
 * order are broken by the lower id, so everything is deterministic.
 */
#ifndef TZ_SAMPLE_H
#define TZ_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    float temp;     /* temperature; <= 0: greedy (argmax) */
    int topk;       /* keep the k most likely; 0 (or <= 0, or >= V) = off */
    float topp;     /* keep the smallest set reaching this mass; >= 1 = off */
} SampleParams;

/* The distribution sampling draws from, as described above. probs gets V floats (0 outside the
 * kept set; the kept ones sum to 1); order gets all V ids sorted by probability (that is, by
 * logit), most likely first, so a display can also show what was cut. Returns how many are kept:
 * order[0 … kept) (a token whose weight underflows to 0 in a float, e^(−104) and below, cannot be
 * drawn and is not counted as kept). Greedy (temp <= 0): probs is one-hot on the argmax (order[0]), kept 1.
 * The full order costs a radix sort of V keys (four passes over V; ~0.5 ms for GPT-2's 50257);
 * probs doubles as its scratch, so nothing is allocated. */
size_t sample_dist(const float *logits, int V, const SampleParams *sp, float *probs, int32_t *order);

/* What generation needs of sample_dist, without sorting what need not be sorted (at a vocabulary
 * of 32 000 the full sort cost about as much as a small model's whole token). probs is written
 * only at order[0 … kept), and order is meaningful only there.
 *   - greedy: the argmax alone;
 *   - top-k on (k ≤ 1024): the same kept ids in the same order with the same probabilities as
 *     sample_dist (so sample_pick draws the same token for the same generator state): only the k
 *     most likely are selected (a radix select over the keys, quickselect) and sorted;
 *   - nothing cut (no top-k, top-p ≥ 1): the same kept set and probabilities, in id order — the
 *     same distribution, but a seed draws another token than through sample_dist's order;
 *   - top-p without top-k: sample_dist itself (top-p needs the full order). */
size_t sample_dist_draw(const float *logits, int V, const SampleParams *sp, float *probs, int32_t *order);

/* Draw one id from a sample_dist result with the seeded generator *rng (advanced by one step;
 * the same seed gives the same sequence). Walks the kept ids in order until the running mass
 * passes a uniform number in [0, total mass). */
int32_t sample_pick(const float *probs, const int32_t *order, size_t kept, uint64_t *rng);

/* The most likely id: the largest logit, the lowest id among equals, NaN never (0 if every
 * logit is NaN or −∞). The same as sample_dist's order[0], without the sort. */
int32_t sample_argmax(const float *logits, int V);

/* The generator's state for a user's seed (so seed 0 and seed 1 do not start alike), and one
 * uniform number in [0, 1) from it: the project's 64-bit LCG (the one rnnlm_sample uses),
 * keeping its top 53 bits, which are its good ones. */
uint64_t sample_seed(uint64_t seed);
double sample_uniform(uint64_t *rng);

#endif
