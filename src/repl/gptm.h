/* gptm.h — a GPT as the REPL holds it (gpt.c at the prompt: train gpt, generate, info, load,
 * save), shared with the commands that look inside one (attention.c: `attention`, `next "…"`).
 *
 * A GptModel owns its weights and its tokenizer: a byte-level BPE trained on the corpus
 * (`train gpt` trains one first, or reuses `tokenizer=NAME`), or GPT-2's own (loaded from
 * encoder.json + vocab.bpe beside real GPT-2 weights).
 */
#ifndef TZ_REPL_GPTM_H
#define TZ_REPL_GPTM_H

#include "app.h"
#include "models/gpt.h"
#include "text/bpe.h"

struct GptModel {
    Gpt g;                  /* the weights (g.cfg: V C D L H) */
    Bpe *bpe;               /* its tokenizer (owned); bpe->vocab ≤ g.cfg.V */
    int32_t eot;            /* the end-of-text token (GPT-2's <|endoftext|> 50256), or −1 */
    TzLang lang;            /* the language of its training text (tr/en), for messages */
    char origin[256];       /* how it came to be: "tr, 2000 steps", "gpt2 safetensors" */
    double val_loss;        /* held-out loss at the end of training, or NAN when unknown */
    long steps;             /* optimiser steps it was trained for (0 for loaded weights) */
    int batch;              /* the batch it was trained with here (info's memory figures), or 0 */
};

/* Cut text into the model's token ids (byte-level BPE: nothing is ever unknown). *ids is
 * allocated (free it); returns the count, or 0 for an empty text. */
size_t gpt_model_encode(const GptModel *m, const char *text, int32_t **ids);

/* The display text of one token ("Ġkitap" shown as " kitap" with a visible space mark), for
 * labels and tables; NUL-terminated into out. */
void gpt_model_token_label(const GptModel *m, int32_t id, char *out, size_t cap);

#endif
