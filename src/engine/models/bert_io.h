/* bert_io.h — a BERT (bert.h) with its WordPiece vocabulary (text/wordpiece.h) in and out of
 * files: tezgah's own checkpoint, and Hugging Face's folder (model.safetensors + config.json +
 * vocab.txt, as bert-base-uncased and BERTurk are published).
 *
 * 1. tezgah's own checkpoint (formats/ckpt.h; little-endian), everything a session made:
 *      "TZBERT\0\0"  u32 version (1)
 *      u32 V, C, D, L, H, F, types              the configuration (bert.h)
 *      u32 language (0 en, 1 tr)  u32 steps  f32 mlm_loss  f32 nsp_acc   (NaN: unknown)
 *      u32 lower, strip_accents, wp language, keep_special    how WordPiece normalises text
 *      u32 length + bytes: origin (≤ 255 bytes, UTF-8)
 *      u32 length + bytes: the vocabulary, vocab.txt's text (token "\n" token "\n" …), V tokens
 *      u32 K: labels of the fine-tuned classifier (0: none); when K > 0:
 *          u32 length + bytes: task (≤ 95 bytes)  f32 accuracy (NaN: unknown)
 *          K × (u32 length + bytes): the label names (1 … 47 bytes each)
 *          K × D f32: its weight;  K f32: its bias
 *      bert_nparams floats: every tensor in bert_tensor's order
 *      u32 CRC-32 of everything before it
 *    Saved atomically. Loading checks the magic, the version, the configuration (bert_config_ok,
 *    sizes in range), the CRC, then every length against the bytes left, the vocabulary
 *    (wp_parse_vocab: UTF-8, no duplicate, an [UNK]; exactly V tokens), the classifier's size,
 *    that the weights fill the rest of the file exactly — all before allocating them — and that
 *    every weight is a finite number.
 *
 * 2. Hugging Face. model.safetensors with the names of transformers' BertForPreTraining
 *    ("bert.embeddings.word_embeddings.weight" …, "cls.predictions.*", "cls.seq_relationship.*";
 *    bert.h keeps exactly those names and nn.Linear's Out × In layout, so no tensor is
 *    transposed), also:
 *      - BertModel's files: no "bert." prefix and no heads;
 *      - BertForMaskedLM's: the prefix, the MLM head, no NSP head and no pooler;
 *      - the OLD names of TensorFlow-era conversions, "LayerNorm.gamma" / "LayerNorm.beta" for
 *        "LayerNorm.weight" / ".bias" (bert-base-uncased's own file still has them);
 *      - F32, F16 or BF16 (converted to float32).
 *    A head the file lacks (pooler, MLM, NSP) is initialised as bert_init does (seeded) and
 *    reported in BertHfInfo: the encoder is the pre-trained part, a head can be trained again.
 *    "cls.predictions.decoder.weight", when there, must equal the word embeddings (bert.h ties
 *    them): otherwise refused by name. "cls.predictions.decoder.bias" must equal
 *    "cls.predictions.bias" (it is the same parameter in transformers). Other tensors (the
 *    "position_ids" buffer, a "classifier.*" head) are ignored and counted.
 *    config.json beside it gives the configuration: hidden_size, num_hidden_layers,
 *    num_attention_heads, intermediate_size, max_position_embeddings, vocab_size (all needed),
 *    type_vocab_size (2 when absent), layer_norm_eps (1e-12 when absent; any other value is
 *    refused by name: bert.c's layernorm uses BERT_LN_EPS), hidden_act ("gelu", the exact one;
 *    "gelu_new", "relu" … refused by name), model_type and position_embedding_type when given
 *    ("bert", "absolute"). Every tensor's shape is checked against it, naming the tensor, the
 *    expected and the found shape.
 *    vocab.txt beside it (wp_load_vocab) must have exactly vocab_size tokens. Lower-casing, in
 *    this order: "do_lower_case" (and "strip_accents") of a tokenizer_config.json beside it; the
 *    folder's name ("uncased" → lower-case and strip accents, "cased" → as written); the guess of
 *    wp_load_vocab (no upper-case letters in the vocabulary → uncased). A vocabulary with ı ğ ş
 *    is Turkish (BERTurk): Turkish lower-casing, accents kept.
 *    A fine-tuned classifier is BertForSequenceClassification's head: "classifier.weight" [K, D]
 *    and "classifier.bias" [K] in the file, the label names in config.json's "id2label"
 *    ({"0": "neg", …}; transformers' LABEL_0 … when it has none; a count that differs from the
 *    tensors' is refused) and the task in "finetuning_task".
 *    Writing puts the same layout back: model.safetensors (BertForPreTraining's names, F32,
 *    __metadata__ format "pt"; with a classifier, its two tensors too), config.json (with a
 *    classifier: architectures BertForSequenceClassification, id2label, label2id,
 *    finetuning_task), vocab.txt and tokenizer_config.json, each atomically. transformers'
 *    BertForSequenceClassification reads such a folder (ignoring the pre-training heads), and so
 *    does BertForPreTraining (ignoring the classifier).
 *
 * Files are hostile (DESIGN.md §4): nothing is allocated for the weights before the file has
 * shown the bytes of every tensor they need (a config.json claiming a huge model with a small
 * model.safetensors is refused at the first tensor that does not match).
 */
#ifndef TZ_BERT_IO_H
#define TZ_BERT_IO_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/utf8.h"
#include "models/bert.h"
#include "text/wordpiece.h"

/* ---- tezgah's checkpoint ----------------------------------------------------------------- */

#define BERT_CK_LABEL_MAX 48    /* a label name's room, NUL included */
#define BERT_CK_MAX_LABELS 4096

/* What a checkpoint keeps beside the weights and the vocabulary. The classifier's arrays are
 * malloc'd (bert_meta_free frees them). */
typedef struct {
    TzLang lang;            /* the language of the training text */
    char origin[256];       /* how the model came to be */
    long steps;             /* pre-training steps */
    double mlm_loss;        /* held-out MLM loss, NAN when unknown */
    double nsp_acc;         /* held-out NSP accuracy, NAN when unknown */
    int K;                  /* the fine-tuned classifier's labels, 0 for none */
    char (*labels)[BERT_CK_LABEL_MAX];
    float *cls_w, *cls_b;   /* K × D, K */
    char task[96];
    double cls_acc;         /* NAN when unknown */
} BertCkptMeta;

void bert_meta_free(BertCkptMeta *m);   /* the classifier's arrays; safe on a zeroed struct */

int bert_ckpt_save(const Bert *b, const WordPiece *wp, const BertCkptMeta *meta, const char *path, TzErr *e);
/* b, wp and meta are filled here (all empty on error; bert_free / wp_free / bert_meta_free are
 * safe). */
int bert_ckpt_load(Bert *b, WordPiece *wp, BertCkptMeta *meta, const char *path, TzErr *e);
/* The same from bytes in memory (name is used in messages; the fuzzer calls it). */
int bert_ckpt_parse(Bert *b, WordPiece *wp, BertCkptMeta *meta, const unsigned char *d, size_t n, const char *name,
                    TzErr *e);
int bert_ckpt_is(const char *path);     /* does the file start with the magic? */

/* ---- Hugging Face ------------------------------------------------------------------------- */

/* What config.json says (and the tokenizer options of a tokenizer_config.json). */
typedef struct {
    BertConfig cfg;
    double eps;             /* layer_norm_eps */
    int lower;              /* tokenizer_config.json's do_lower_case: 1, 0, or −1 when not said */
    int strip_accents;      /* its strip_accents: 1, 0, or −1 (null or absent: follows lower) */
    int K;                  /* id2label's labels (0: none), names in index order (malloc'd) */
    char (*labels)[BERT_CK_LABEL_MAX];
    char task[96];          /* finetuning_task, "" when not said */
} BertHfConfig;

/* Read config.json's bytes (name for messages): the keys listed at the top of this file, each
 * checked (integers in range, D a multiple of the heads, ε 1e-12, gelu). 0 or TZ_E_FORMAT
 * naming the key (or the byte offset of bad JSON). c->lower and c->strip_accents are set to −1. */
int bert_hf_config_parse(BertHfConfig *c, const char *json, size_t n, const char *name, TzErr *e);
void bert_hf_config_free(BertHfConfig *c);   /* its labels; safe on a zeroed struct */
/* tokenizer_config.json's do_lower_case / strip_accents into c (left −1 when absent). */
int bert_hf_tokconfig_parse(BertHfConfig *c, const char *json, size_t n, const char *name, TzErr *e);

/* Which names a load found. */
typedef enum { BERT_HF_PRETRAINING, BERT_HF_MASKEDLM, BERT_HF_BASE, BERT_HF_OTHER } BertHfLayout;
typedef enum { BERT_LOWER_TOKCONFIG, BERT_LOWER_FOLDER, BERT_LOWER_GUESS } BertLowerFrom;

typedef struct {
    BertHfLayout layout;    /* which transformers class the names belong to */
    int prefixed;           /* names start with "bert." */
    int old_names;          /* LayerNorm.gamma / .beta */
    char dtype[8];          /* "F32", "F16", "BF16" or "mixed" */
    int init_pooler, init_mlm, init_nsp;   /* heads the file lacked, initialised here */
    int decoder;            /* cls.predictions.decoder.weight was there (and equal to the embeddings) */
    int n_ignored;          /* tensors not used */
    BertLowerFrom lower_from;
    char st_path[4096];     /* the model.safetensors read */
} BertHfInfo;

/* The weights of model.safetensors (its n bytes; name for messages) into b, allocated here with
 * configuration cfg (from config.json), every tensor's shape checked against it. Missing heads
 * are initialised with bert_init(seed). info may be NULL; its st_path and lower_from are left as the
 * caller set them (zero it first). clf (may be NULL: the classifier is then not read) gets a
 * classifier.weight/.bias head's K, cls_w and cls_b (K 0 when there is none; no names). b and
 * clf are empty on error. */
int bert_hf_parse(Bert *b, const char *data, size_t n, const char *name, const BertConfig *cfg, uint64_t seed,
                  BertHfInfo *info, BertCkptMeta *clf, TzErr *e);

/* A whole folder: path is the folder or its model.safetensors; config.json and vocab.txt must be
 * beside it (tokenizer_config.json may be). b and wp are filled (empty on error); clf (may be
 * NULL) gets the fine-tuned classifier with its names and task (K 0 when there is none). */
int bert_hf_load(Bert *b, WordPiece *wp, const char *path, uint64_t seed, BertHfInfo *info, BertCkptMeta *clf,
                 TzErr *e);

/* Does path look like Hugging Face BERT weights: a folder with a model.safetensors, or a
 * safetensors file whose header names "embeddings.word_embeddings.weight"? 1 or 0. A folder
 * counts even when its model.safetensors is missing or damaged, so that the loader says what is
 * wrong with it. */
int bert_hf_is(const char *path);

/* Write the folder: path is a folder (made if needed) or a file name ending in .safetensors
 * (config.json, vocab.txt and tokenizer_config.json go beside it). dir_out (may be NULL) gets
 * the folder written into. clf: a fine-tuned classifier to write too (K, labels, cls_w, cls_b,
 * task), or NULL. */
int bert_hf_save(const Bert *b, const WordPiece *wp, const BertCkptMeta *clf, const char *path, char *dir_out,
                 size_t dir_cap, TzErr *e);

#endif
