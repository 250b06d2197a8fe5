/* llamam.h — a LLaMA as the REPL holds it (llama.c: `load` a llama2.c checkpoint or a GGUF file,
 * `generate`, `info`, the `models` line).
 *
 * A LlamaModel owns its weights (models/llama.h) and, when it has one, its SentencePiece-style
 * tokenizer (text/spm.h): a GGUF file carries it (tokenizer.ggml.*), a llama2.c checkpoint has
 * it beside it as tokenizer.bin (or given with tokenizer=FILE). Without one the model is loaded
 * all the same — `info` and `models` work — but `generate` cannot turn text into ids.
 */
#ifndef TZ_REPL_LLAMAM_H
#define TZ_REPL_LLAMAM_H

#include "app.h"
#include "models/llama.h"
#include "text/spm.h"

struct LlamaModel {
    Llama w;                /* the weights (w.cfg: V C D L H Hkv F tied) */
    Spm *spm;               /* its tokenizer (owned), or NULL: none was found */
    char origin[16];        /* "gguf" or "llama2.c" */
    char tok[256];          /* where the tokenizer came from ("" when none) */
};

/* How its weights are held: "float32", "Q8_0" or "Q8_0 + float32" (llama.c). */
const char *llama_storage(const LlamaModel *m);

#endif
