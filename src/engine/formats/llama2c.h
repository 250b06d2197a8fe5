/* llama2c.h — Karpathy's llama2.c files: the model checkpoint (legacy "version 0", and the
 * "ak42" version 1, both float32) and tokenizer.bin. They are returned as plain data — a
 * GgufLlama configuration and GgufWeights named as in GGUF (gguf.h) — so that one mapping
 * onto the model serves both formats.
 *
 * Legacy checkpoint (llama2.c's run.c, memory_map_weights; export.py legacy_export):
 *
 *     7 × int32   dim D, hidden_dim F, n_layers L, n_heads NH, n_kv_heads KV, vocab_size V,
 *                 seq_len C. V < 0 means "the classifier is not shared": |V| is the vocabulary
 *                 and a separate wcls follows at the end.
 *     float32     in this order (HS = D/NH the head size, KVD = KV·HS; shapes Out × In, as
 *                 run.c's matmul(out, x, W, n_in, d_out) reads W row by row):
 *                   token_embedding_table  V × D
 *                   rms_att_weight         L × D
 *                   wq                     L × (D × D)       (run.c's comment: layer, dim, NH·HS)
 *                   wk                     L × (KVD × D)
 *                   wv                     L × (KVD × D)
 *                   wo                     L × (D × D)
 *                   rms_ffn_weight         L × D
 *                   w1                     L × (F × D)       GGUF's ffn_gate
 *                   w2                     L × (D × F)       GGUF's ffn_down
 *                   w3                     L × (F × D)       GGUF's ffn_up
 *                   rms_final_weight       D
 *                   freq_cis_real          C × HS/2          (old RoPE tables: skipped)
 *                   freq_cis_imag          C × HS/2          (skipped)
 *                   wcls                   V × D             only when V was negative
 *
 * Version 1 (export.py version1_export): a 256-byte header — uint32 magic 0x616b3432 ("ak42"
 * read as little-endian bytes "24ka"), int32 version 1, the same 7 int32 (V positive), one byte
 * shared_classifier, zeros — then float32: rms_att (L × D), rms_ffn (L × D), rms_final (D),
 * token embeddings (V × D), wq, wk, wv, wo, w1, w2, w3 (each L × … as above), and wcls (V × D)
 * when not shared. No RoPE tables. Version 2 (int8 groups) is refused by name.
 *
 * The file's size must be exactly what the header implies; otherwise it is refused with both
 * numbers. run.c fixes RoPE's base at 10000 and the RMSNorm ε at 1e-5: the configuration says so.
 *
 * tokenizer.bin (run.c, build_tokenizer): int32 max_token_length, then per token: float32 score,
 * int32 len, len bytes. The vocabulary size is not in the file (it is the model's); pass it, or 0
 * to read tokens to the end of the file. Token ids 1 and 2 are BOS and EOS, as run.c hard-codes.
 */
#ifndef TZ_LLAMA2C_H
#define TZ_LLAMA2C_H

#include <stddef.h>
#include <stdio.h>
#include "core/err.h"
#include "formats/gguf.h"

#define LLAMA2C_MAGIC 0x616b3432u
#define LLAMA2C_V1_HEADER 256

/* Parse the n bytes of a llama2.c checkpoint; *version gets 0 (legacy) or 1 (may be NULL).
 * c and w are filled (w owns its floats) or zeroed on error. */
int llama2c_parse(const char *data, size_t n, const char *name, GgufLlama *c, GgufWeights *w, int *version,
                  TzErr *e);
int llama2c_load(const char *path, GgufLlama *c, GgufWeights *w, int *version, TzErr *e);

/* Parse tokenizer.bin (vocab_size tokens, or 0: as many as the file holds) into v (the type
 * field of every token is 1, "normal"; bos 1, eos 2, unk 0, model "llama"). */
int llama2c_tokenizer_parse(const char *data, size_t n, const char *name, int vocab_size, GgufVocab *v, TzErr *e);
int llama2c_tokenizer_load(const char *path, int vocab_size, GgufVocab *v, TzErr *e);

/* Write c and w (GGUF names, as llama2c_parse gives them) as a legacy checkpoint — the format
 * run.c reads with no version header: the 7 int32 (vocab_size negative when output.weight is not
 * shared), the tensors in the order above, and the old RoPE tables freq_cis_real/imag (C × HS/2:
 * cos and sin of position·10000^(−2i/HS), as export.py wrote them; run.c skips them). 0, or
 * TZ_E_IO. */
int llama2c_write(FILE *fp, const GgufLlama *c, const GgufWeights *w, TzErr *e);
/* Write v as tokenizer.bin: int32 max_token_length, then per token float32 score, int32 length and
 * the bytes (spaces as ' ', as llama2.c's export wrote them). 0, or TZ_E_IO. */
int llama2c_tokenizer_write(FILE *fp, const GgufVocab *v, TzErr *e);

#endif
