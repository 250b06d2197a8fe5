/* lm.h — a recurrent language model as the REPL holds it (rnn.c), for the commands that look
 * inside one (`generate`, `step`, the gates view).
 */
#ifndef TZ_REPL_LM_H
#define TZ_REPL_LM_H

#include "app.h"
#include "models/rnnlm.h"

struct LmModel {
    RnnLM m;
    CharStream cs;          /* the tokens it knows (cs.chars) — characters, or words at word level;
                               cs.ids is freed after training */
    TzLang lang;            /* the language of its text: lower-casing what the user types */
    RnnTrainConfig cfg;
    RnnTrainStats st;
};

/* A text cut into the model's tokens. piece[i] is the text of token i (what the user typed,
 * for an unknown one); ids[i] is its id, or the stand-in for an unknown one. */
typedef struct {
    int32_t *ids;
    char **piece;
    size_t n;
    size_t unknown;         /* how many tokens the model had never seen */
} LmTokens;

/* Cut text into the model's tokens. The corpora are lower-cased, so a character the model does
 * not know is tried in lower case (in the model's language: "I" → "ı" in Turkish). Characters
 * it has still never seen are named in a note and left out (a character model has no stand-in
 * for them). At word level the text is tokenized as the corpora are (lower-cased, punctuation
 * dropped) and words outside the vocabulary become <unk>, also named. Returns 0, or 1
 * (reported) when nothing the model knows is left. */
int lm_tokens(const LmModel *lm, const char *model_name, const char *text, LmTokens *out);
void lm_tokens_free(LmTokens *t);               /* safe on a zeroed struct */

#endif
