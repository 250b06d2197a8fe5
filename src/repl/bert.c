/* bert.c — BERT at the prompt: `train bert` (a WordPiece vocabulary, then masked language
 * modelling and next-sentence prediction as one job) and `fillmask "… [MASK] …"`; the models
 * line. The model as the REPL holds it is in bertm.h. */
#include <stdio.h>
#include <stdlib.h>

#include "bertm.h"
#include "i18n.h"
#include "out.h"

void bert_model_free(BertModel *m)
{
    if (!m) return;
    bert_free(&m->w);
    if (m->wp) {
        wp_free(m->wp);
        free(m->wp);
    }
    free(m->labels);
    free(m->cls_w);
    free(m->cls_b);
    free(m);
}

void bert_model_describe(const BertModel *m, char *buf, size_t n)
{
    const BertConfig *c = &m->w.cfg;
    int w = snprintf(buf, n, "V%d C%d D%d L%d H%d, %zu %s", c->V, c->C, c->D, c->L, c->H, bert_nparams(c),
                     M("parametre", "parameters"));
    if (m->K > 0 && w > 0 && (size_t)w < n)
        snprintf(buf + w, n - (size_t)w, M(", %d etiketli sınıflandırıcı (%s)", ", a %d-label classifier (%s)"), m->K,
                 m->task);
}
