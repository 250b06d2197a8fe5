/* tflook.h — looking inside any of the session's three Transformers (BERT, GPT, LLaMA): one
 * forward pass over a text, its tokens as the model cut them, and every attention pattern it
 * kept. Shared by attention.c (`attention`, `attention compare`, `next`) and compare_tf.c
 * (`compare bert gpt llama`).
 *
 * What each kind reads and where its attention comes from:
 *   BERT   [CLS] WordPiece pieces [SEP]; bert_forward (B = 1, segment 0, no padding, the MLM
 *          head skipped), BertWork.att[l]: H × T × T, every row a softmax over ALL the keys
 *          (no causal mask: the full square).
 *   GPT    byte-level BPE tokens; gpt_forward, GptWork.att[l]: H × T × T, row q a softmax over
 *          the keys 0 … q (the causal mask: exactly 0 after q).
 *   LLaMA  <s> (BOS, as LLaMA was trained) then SentencePiece pieces; llama_forward,
 *          LlamaWork.att[l]: H × T × T, causal like GPT's; query head h reads key/value head
 *          h / (H / Hkv) (grouped-query attention).
 * Layers, heads and positions are counted from 0.
 *
 * The stand-ins: when a comparison needs a kind the session has no model of, a small model of
 * that kind is built now with random weights (tf_standin), with a tokenizer trained in a blink
 * on the session language's mini corpus (WordPiece for BERT; byte-level BPE for GPT; for LLaMA
 * the same BPE's pieces as a SentencePiece vocabulary with byte fallback). Random weights give
 * meaningless patterns but the right SHAPES: the mask is in the code, not in the weights.
 */
#ifndef TZ_REPL_TFLOOK_H
#define TZ_REPL_TFLOOK_H

#include "app.h"
#include "bertm.h"
#include "gptm.h"
#include "llamam.h"

typedef enum { TF_BERT, TF_GPT, TF_LLAMA, TF_KINDS } TfKind;

/* The kind of md (0), or −1 when it is none of the three. */
int tf_kind(const Model *md, TfKind *k);
const char *tf_kind_label(TfKind k);                    /* "BERT", "GPT", "LLaMA" */

/* The shape every kind shares, for stand-ins and the table. */
typedef struct {
    int V, C, D, L, H, Hkv;          /* Hkv: LLaMA's key/value heads (a divisor of H) */
} TfShape;
void tf_shape_of(const Model *md, TfShape *s);

/* A model of that kind and shape with random weights (seed), not installed in the session:
 * its name is name, kind "bert"/"gpt"/"llama"; its tokenizer trained on the mini corpus of
 * lang. Says what was wrong and returns NULL when the shape cannot be built (D not a multiple of
 * H, out of memory; a LLaMA whose head size would be odd is built in the default shape, said). */
Model *tf_standin(TfKind k, const TfShape *s, const char *name, uint64_t seed, TzLang lang);
/* The language to train a stand-in's tokenizer for, to read text: Turkish when it holds a letter
 * only Turkish uses among the two (ç ğ ı İ ö ş ü), else the session's. */
TzLang tf_text_lang(const char *text);
void tf_standin_free(Model *md);     /* safe on NULL */
/* keep=yes|no (default no): 0, or 1 after saying the value was wrong. */
int tf_keep_option(Args *a, int *keep);
/* Install the stand-ins own[0 … n−1] (NULL entries skipped) in the session, say their names, and
 * set the entries to NULL (the session owns them now). */
void tf_keep(Model **own, int n);

/* One forward pass. */
typedef struct {
    Model *md;
    TfKind kind;
    int L, H, Hkv, C;
    int causal;                      /* the mask rule of the kind's code: 1 GPT, LLaMA; 0 BERT */
    int32_t *ids;                    /* the n tokens read (with [CLS]/[SEP] or <s>) */
    int n;
    size_t total;                    /* tokens the whole text needed (more than n when cut) */
    int text_tokens;                 /* the text's own tokens among them (without the specials) */
    char **lab;                      /* n display labels */
    float **att;                     /* L pointers into the work: H × n × n each */
    GptWork gw;
    BertWork bw;
    LlamaWork lw;
} TfLook;

/* Cut the text into md's tokens (at most its context: the first C, or with tail the last C,
 * saying so), run the model over them, label them. 0, or 1 after saying what was wrong (no
 * tokenizer, out of memory). An empty text gives n = 0 (LLaMA: only <s>, text_tokens = 0)
 * and nothing run: the caller's to report. */
int tf_look_run(TfLook *k, Model *md, const char *text, int tail);
void tf_look_free(TfLook *k);
/* Head h of layer l: n × n, row = query. */
const float *tf_head(const TfLook *k, int l, int h);
/* The weight above the diagonal, averaged over every head of every layer (attgrid_above_diag
 * per head). */
double tf_future_mass(const TfLook *k);

/* The head's measured habits over the queries 1 … n−1 (query 0 has no token before it): the
 * mean weight on the token just before / on token 0 / on itself, the mean entropy of a row in
 * bits (over the keys the row may see), and the weight above the diagonal (attgrid_above_diag:
 * over every row). NaN for n < 2. */
typedef struct {
    double prev, first, self, entropy, future;
} TfHeadStats;
TfHeadStats tf_head_stats(const TfLook *k, int l, int h);

/* A model of kind k for a comparison: NAME given (refused, said, when it is unknown or of
 * another kind: returns NULL and sets *bad), else the current model if it is of that kind, else
 * the one of that kind loaded last, else NULL. */
Model *tf_pick_kind(TfKind k, const char *name, int *bad);

#endif
