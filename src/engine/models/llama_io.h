/* llama_io.h — a LLaMA (models/llama.h) from weights in files: llama2.c checkpoints
 * (formats/llama2c.h) and GGUF files (formats/gguf.h). Both readers hand back the same plain
 * data — a GgufLlama configuration and float32 tensors under GGUF's names — so one mapping
 * onto the model serves both:
 *
 *     GGUF name                    Llama (Meta's name)               shape (Out × In)
 *     token_embd.weight            tok_embeddings.weight             V × D
 *     blk.N.attn_norm.weight       layers.N.attention_norm.weight    D
 *     blk.N.attn_q.weight          layers.N.attention.wq.weight      D × D
 *     blk.N.attn_k.weight          layers.N.attention.wk.weight      KV × D
 *     blk.N.attn_v.weight          layers.N.attention.wv.weight      KV × D
 *     blk.N.attn_output.weight     layers.N.attention.wo.weight      D × D
 *     blk.N.ffn_norm.weight        layers.N.ffn_norm.weight          D
 *     blk.N.ffn_gate.weight        layers.N.feed_forward.w1.weight   F × D   (the silu side)
 *     blk.N.ffn_down.weight        layers.N.feed_forward.w2.weight   D × F
 *     blk.N.ffn_up.weight          layers.N.feed_forward.w3.weight   F × D
 *     output_norm.weight           norm.weight                       D
 *     output.weight                output.weight                     V × D   (absent: tied)
 *
 * RoPE: llama.cpp's converter stores wq and wk in Meta's order (adjacent pairs, as llama.h
 * rotates), undoing the permutation of Hugging Face's files, so no weight is reordered here.
 * Our model fixes RoPE's base at 10000 and RMSNorm's ε at 1e-5 (nn/llama_layers.h); a file
 * asking for other values (Llama 3's base 500000, say) is refused by name rather than run
 * wrongly.
 */
#ifndef TZ_LLAMA_IO_H
#define TZ_LLAMA_IO_H

#include "core/err.h"
#include "formats/gguf.h"
#include "models/llama.h"

/* The model's configuration for c (C = seq_len, tied = shared_classifier). 0, or TZ_E_FORMAT
 * (a shape llama.h cannot hold, or another RoPE base / ε). */
int llama_config_from(LlamaConfig *out, const GgufLlama *c, TzErr *e);

/* Allocate m for c and copy every tensor of w into it. A tensor that is missing, or whose shape
 * is not the one c implies, is refused by its GGUF name (and what was expected); an untied model
 * needs output.weight. m is left zeroed on error. 0, or TZ_E_FORMAT / TZ_E_NOMEM. */
int llama_from_weights(Llama *m, const GgufLlama *c, const GgufWeights *w, TzErr *e);

/* A model straight from a parsed GGUF file (after gguf_llama_config), choosing how the matrices
 * are held (the vectors are always float32):
 *   LLAMA_LOAD_F32   every tensor as float32 (Q8_0 and F16 dequantised);
 *   LLAMA_LOAD_KEEP  Q8_0 tensors stay Q8_0 (their bytes as they are: no second rounding), the
 *                    others float32 — a Q8_0 file takes a quarter of the memory;
 *   LLAMA_LOAD_Q8    also quantise the float32 / F16 / BF16 matrices to Q8_0 (nn/q8.h; those whose
 *                    rows are a multiple of 32 long).
 * A request that cannot fit in memory is refused before allocating (TZ_E_NOMEM, with the size). */
enum { LLAMA_LOAD_F32 = 0, LLAMA_LOAD_KEEP = 1, LLAMA_LOAD_Q8 = 2 };
int llama_from_gguf(Llama *m, const GgufFile *f, const GgufLlama *c, int how, TzErr *e);
int llama_load_gguf_as(Llama *m, const char *path, int how, TzErr *e);

/* Read a file and build the model (the configuration's C is the file's context length). */
int llama_load_gguf(Llama *m, const char *path, TzErr *e);
int llama_load_llama2c(Llama *m, const char *path, TzErr *e);

#endif
