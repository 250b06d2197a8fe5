/* gpt_io.h — real GPT-2 weights in and out of a Gpt (gpt.h): Hugging Face's model.safetensors
 * (read and write) and llm.c's gpt2_124M.bin (read).
 *
 * Hugging Face (formats/safetensors.h for the container). GPT-2's tensors are called
 *     wte.weight V×D   wpe.weight C×D   ln_f.weight D   ln_f.bias D
 *     h.<l>.ln_1.weight D  .ln_1.bias D   .attn.c_attn.weight D×3D  .attn.c_attn.bias 3D
 *     .attn.c_proj.weight D×D  .attn.c_proj.bias D  .ln_2.weight D  .ln_2.bias D
 *     .mlp.c_fc.weight D×4D  .mlp.c_fc.bias 4D  .mlp.c_proj.weight 4D×D  .mlp.c_proj.bias D
 * possibly all with a "transformer." prefix (how GPT2LMHeadModel.save_pretrained writes them;
 * both are read). The four weights of a block are OpenAI's Conv1D, stored In × Out; gpt.h keeps
 * nn.Linear's Out × In, so they are transposed on the way in and back on the way out (D×D
 * attn.c_proj too, where the shape cannot tell). Tensors we do not need are ignored: the
 * "h.<l>.attn.bias" / "attn.masked_bias" causal-mask buffers, and "lm_head.weight", which in
 * GPT-2 is wte itself (tied); a lm_head that differs from wte is refused, because our GPT ties
 * them and would compute other logits. F32, F16 and BF16 are read as float; any other dtype of
 * a tensor we need is refused, naming both.
 *
 * The configuration is read off the shapes (V, D from wte; C from wpe; L from the highest
 * h.<l>.), except the number of heads, which no shape shows. It comes from, in this order: the
 * n_head argument; "n_head" in the file's __metadata__ (our own saves put it there); "n_head" in
 * config.json beside the file (Hugging Face's folders have one); D/64, because every GPT-2 size
 * (small 768/12, medium 1024/16, large 1280/20, xl 1600/25) uses heads 64 wide.
 *
 * llm.c (github.com/karpathy/llm.c, train_gpt2.py's write_model): a header of 256 int32,
 *     [0] magic 20240326  [1] version  [2] maxT (C)  [3] V  [4] L  [5] NH (H)  [6] C (our D)
 *     [7] Vp, the vocabulary padded to a multiple of 128 (versions 3 and 5; version 1 has none)
 * then the parameters, float32 (versions 1, 3) or bfloat16 (version 5), tensor by tensor across
 * all layers: wte Vp×C, wpe maxT×C, ln1w L×C, ln1b L×C, qkvw L×3C×C, qkvb L×3C, attprojw L×C×C,
 * attprojb L×C, ln2w L×C, ln2b L×C, fcw L×4C×C, fcb L×4C, fcprojw L×C×4C, fcprojb L×C, lnfw C,
 * lnfb C. llm.c's weights are already Out × In. Only the first V rows of wte are kept (the
 * padding rows are never a token). The file's size must be exactly what the header implies.
 *
 * Both loaders check the memory the configuration needs (gpt_nparams × 4 bytes) against the
 * machine's before allocating, and refuse NaN or infinite weights naming the tensor. They map
 * the file (no copy) and convert it tensor by tensor; nothing is allocated beyond what the
 * file's own size justifies (a tensor must be there, with its bytes, before its room is made).
 */
#ifndef TZ_GPT_IO_H
#define TZ_GPT_IO_H

#include <stdio.h>
#include "core/err.h"
#include "models/gpt.h"

/* Does the file look like safetensors (a header length that fits the file, then '{')? Like
 * llm.c's (its magic 20240326)? 1 yes, 0 no (or unreadable). */
int gpt_is_safetensors(const char *path);
int gpt_is_llmc(const char *path);

/* Where the number of heads came from. */
typedef enum { GPT_HEAD_ARG, GPT_HEAD_METADATA, GPT_HEAD_CONFIG, GPT_HEAD_DEFAULT } GptHeadSource;

/* What a safetensors load found, for the REPL to tell (optional). */
typedef struct {
    GptHeadSource head_from;
    char dtype[8];          /* the dtype of the weights read: "F32", "F16", "BF16" or "mixed" */
    int n_ignored;          /* tensors in the file that were not needed */
    int prefixed;           /* 1 if the names had the "transformer." prefix */
    int lm_head;            /* 1 if a lm_head.weight was there (and equal to wte) */
} GptLoadInfo;

/* Load GPT-2 weights into g (allocated here with the configuration read off the tensor shapes;
 * g is zeroed first and stays zeroed on error). n_head: > 0 to impose it, 0 to find it (see the
 * top of this file). Returns 0 or a TzErr code with a message in both languages. */
int gpt_load_safetensors(Gpt *g, const char *path, int n_head, TzErr *e);
/* The same, also telling what it found (info may be NULL). */
int gpt_load_safetensors_info(Gpt *g, const char *path, int n_head, GptLoadInfo *info, TzErr *e);
/* The same from bytes in memory (what the loaders do after mapping; the fuzzer calls it). name
 * is used in messages; config_head is config.json's n_head (0 if none). */
int gpt_parse_safetensors(Gpt *g, const char *data, size_t n, const char *name, int n_head, int config_head,
                          GptLoadInfo *info, TzErr *e);

/* Save g with Hugging Face's names and layout (no prefix, Conv1D weights In × Out, F32; the
 * __metadata__ holds format "pt", which transformers' loader asks for, and n_head, n_embd,
 * n_layer, n_positions, vocab_size), so that Hugging Face and others can read it back. The
 * save is atomic: the old file survives an interrupted one. */
int gpt_save_safetensors(const Gpt *g, const char *path, TzErr *e);
int gpt_write_safetensors(FILE *f, const Gpt *g, TzErr *e);

/* llm.c's gpt2_124M.bin (versions 1, 3 and 5). */
int gpt_load_llmc(Gpt *g, const char *path, TzErr *e);
int gpt_parse_llmc(Gpt *g, const char *data, size_t n, const char *name, TzErr *e);

#endif
