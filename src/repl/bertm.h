/* bertm.h — a BERT as the REPL holds it, shared by the files that work on one:
 *   bert.c      `train bert` (WordPiece + MLM/NSP pre-training as a job), `fillmask`
 *   bertft.c    `finetune bert task=…`, and `predict`/`test` with a fine-tuned BERT
 *   bertio.c    `save`/`load` (tezgah-bert checkpoints; Hugging Face model.safetensors + vocab.txt)
 *   attention.c the attention views (`attention`, `attention compare`), `compare bert gpt llama`
 *
 * A BertModel owns its weights and its WordPiece vocabulary (trained on the corpus by `train
 * bert`, or a vocab.txt loaded beside Hugging Face weights) and, once fine-tuned, a classifier
 * on the pooled [CLS] vector: logits = cls_w · pooled + cls_b, K labels.
 */
#ifndef TZ_REPL_BERTM_H
#define TZ_REPL_BERTM_H

#include <math.h>

#include "app.h"
#include "models/bert.h"
#include "text/wordpiece.h"

#define BERT_LABEL_MAX 48

struct BertModel {
    Bert w;                 /* the weights (w.cfg: V C D L H F types) */
    WordPiece *wp;          /* its tokenizer (owned); wp's vocabulary size == w.cfg.V */
    TzLang lang;            /* the language of its training text (tr/en), for messages */
    char origin[256];       /* how it came to be: "tr, 2000 steps", "bert-base safetensors" */
    long steps;             /* pre-training steps here (0 for loaded weights) */
    double mlm_loss;        /* held-out MLM loss at the end of pre-training, NAN when unknown */
    double nsp_acc;         /* held-out NSP accuracy at the end of pre-training, NAN when unknown */
    /* the fine-tuned classifier, or K = 0 */
    int K;                                  /* labels */
    char (*labels)[BERT_LABEL_MAX];         /* K label names ("pos", "neg"; without __label__) */
    float *cls_w, *cls_b;                   /* K × D, K */
    char task[96];                          /* what it was fine-tuned on ("sentiment-tr") */
    double cls_acc;                         /* held-out accuracy after fine-tuning, NAN when unknown */
};

/* A private copy of a WordPiece (a job must not share one the session may free), through its
 * vocab.txt form, which holds all of it, and its options (bert.c). */
WordPiece *bert_wp_copy(const WordPiece *src);

#endif
