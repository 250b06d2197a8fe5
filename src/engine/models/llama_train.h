/* llama_train.h — training a LLaMA (models/llama.h) on a stream of token ids: the GPT's loop
 * (models/gpt_train.h, gpt_train_loop) around llama_forward and llama_backward. Everything the
 * GPT's training does, a LLaMA's does the same way, and the same GptTrainConfig drives it:
 * B random windows of T + 1 tokens per step from the first 90% of the stream, AdamW (β2 0.95)
 * with weight decay on the matrices and the embedding only — the RMSNorm gains (vectors) do not
 * decay, for the reason layer norm's γ does not —, a linear warm-up then a cosine to lr/10,
 * the gradient clipped to norm `clip`, a held-out loss over the last 10% now and then, a step
 * that throws the weights off undone, cancelling between steps. LLaMA has no dropout
 * (cfg->dropout is not used).
 *
 * The stream is what spm_encode gives for a whole text (text/spm.h): BOS is not inserted inside
 * it — a window starts anywhere in the text, as GPT's do.
 *
 * Shapes as in llama.h: V vocabulary, C context, D width, L blocks, H query heads, Hkv key/value
 * heads, F the SwiGLU's hidden width; B windows of T ≤ C.
 */
#ifndef TZ_LLAMA_TRAIN_H
#define TZ_LLAMA_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/job.h"
#include "models/gpt_train.h"
#include "models/llama.h"
#include "text/spm.h"

/* The feed-forward width llama2.c's model.py gives a width D: 2/3 of 4D (SwiGLU has three
 * matrices instead of two, so this keeps the parameters of GPT's 4D MLP), rounded up to a
 * multiple of 32. D 128 → 352; D 288 → 768 (stories15M's). */
int llama_train_ffn(int D);

/* Bytes one forward + backward pass over B × T tokens keeps (llama_work_alloc's activations:
 * per block the stream, both RMSNorms, q, k, v, the B·H·T² attention patterns, the 3 F-wide
 * SwiGLU values; the logits and probabilities N × V; the backward scratch). */
double llama_activation_bytes(const LlamaConfig *cfg, int B, int T);
/* Bytes training takes: the weights, their gradients, Adam's two moments, the backup against
 * divergence (5 × the weights), and the activations above. */
double llama_train_bytes(const LlamaConfig *cfg, int B, int T);

/* Train m on ids[0 … n) (ids in 0 … V−1): gpt_train's contract (progress in tokens, steps, the
 * held-out loss; 0, TZ_E_ARG for too short a stream, TZ_E_NUMERIC when it diverged). */
int llama_train(Llama *m, const int32_t *ids, size_t n, const GptTrainConfig *cfg, GptTrainStats *st, Job *job,
                TzErr *e);

/* The mean next-token loss over the fixed held-out windows (gpt_eval_loss's). NAN when n < 2. */
double llama_eval_loss(const Llama *m, const int32_t *ids, size_t n, int B, int T, int windows);

/* --- saving -----------------------------------------------------------------------------------
 * Any float32 LLaMA (trained here or loaded) with its tokenizer, into the two files llama_io.h
 * reads back. (They live here rather than in llama_io.c because a model trained at the prompt is
 * what needs them; a model held in Q8_0 is refused — write a float copy of it instead.) */

/* GGUF version 3 (formats/gguf.h, gguf_write_llama): the llama.* keys, the tokenizer inside
 * (spm may be NULL: none), every tensor as F32; name goes to general.name (may be NULL). Saved
 * atomically. 0, or TZ_E_ARG (Q8_0) / TZ_E_IO. */
int llama_train_save_gguf(const Llama *m, const Spm *spm, const char *name, const char *path, TzErr *e);

/* llama2.c's legacy checkpoint at path (formats/llama2c.h, llama2c_write), and, when spm is not
 * NULL, its tokenizer.bin at tok_path (run.c looks for it beside the checkpoint). Each saved
 * atomically. */
int llama_train_save_llama2c(const Llama *m, const Spm *spm, const char *path, const char *tok_path, TzErr *e);

#endif
