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
#include "models/gpt_train.h"
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

/* The held-out curve of a training run in numbers (at most 10 rows: step, training loss,
 * held-out loss), as train gpt and train llama print it after the run. */
void train_say_evals(const GptTrainStats *st);
/* The last line of a run that did not finish: diverged (the last sane model kept) or stopped
 * (step of planned, the losses so far), naming the model kept. */
void train_say_stopped(const GptTrainStats *st, long planned, const char *name);
/* Refuse (say so, return 1) a training whose estimated memory (need bytes) passes 80% of the
 * machine's, with both figures and what to make smaller; 0 when it fits. */
int train_too_big(double need);
/* The checks train gpt and train llama share: warmup= below steps=, and not both vocab= and
 * tokenizer= (a ready tokenizer brings its vocabulary). Says what is wrong and returns 1. */
int train_check_schedule(Args *a, long warmup, long steps);

#endif
