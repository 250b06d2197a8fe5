/* test_bert_clf.c — fine-tuning BERT for classification (src/engine/models/bert_clf.c): the whole
 * gradient path (the head's cross-entropy, back into the pooled [CLS] rows, through
 * bert_backward_pooled into every encoder tensor) against central differences on a tiny
 * configuration with a padded batch; parsing labelled lines; [CLS] … [SEP] encoding and batches;
 * a tiny fine-tuning run from scratch that learns a separable toy task, leaves the pre-training
 * heads alone and is deterministic for a seed. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/bert_clf.h"
#include "nn/layers.h"

enum { V = 13, C = 8, D = 8, L = 2, H = 2, F = 12, TYPES = 2, B = 3, T = 6, K = 3 };

static const BertConfig cfg = {V, C, D, L, H, F, TYPES};
/* three sequences, the second padded at its last two positions, the third at its last three */
static const int32_t tok[B * T] = {2, 5, 3, 9, 6, 11, 2, 7, 3, 12, 0, 0, 2, 8, 4, 0, 0, 0};
static const uint8_t val[B * T] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0};
static const int32_t lab[B] = {2, 0, 1};

static float rnd(uint64_t *r)
{
    *r = *r * 6364136223846793005ULL + 1442695040888963407ULL;
    return (float)((double)(*r >> 40) / (double)(1 << 24)) * 2.0f - 1.0f;
}

/* Weights far larger than BERT's 0.02, so that every gradient is big enough to measure. */
static void randomise(Bert *m, uint64_t seed)
{
    uint64_t r = seed;
    char name[96];
    size_t n;
    for (int i = 0; i < bert_ntensors(&m->cfg); i++) {
        float *p = bert_tensor(m, i, name, sizeof name, &n, NULL, NULL);
        int gamma = strstr(name, "LayerNorm.weight") != NULL;
        for (size_t j = 0; j < n; j++) p[j] = gamma ? 1.0f + 0.3f * rnd(&r) : 0.5f * rnd(&r);
    }
}

/* The fine-tuning loss of the batch: bert_forward (no MLM head), then the classifier. */
static double clf_loss(const Bert *m, BertWork *w, const float *W, const float *b, float *logits, float *probs)
{
    bert_forward(m, w, tok, NULL, val, NULL, NULL, B, T);
    return bert_clf_head_forward(W, b, w->pool, B, D, K, lab, logits, probs);
}

Test(bert_clf, gradient_matches_central_differences)
{
    Bert m, dm;
    BertWork w;
    cr_assert_eq(bert_alloc(&m, &cfg), 0);
    cr_assert_eq(bert_alloc(&dm, &cfg), 0);
    cr_assert_eq(bert_work_alloc(&w, &cfg, B, T), 0);
    randomise(&m, 5);
    w.skip_mlm = 1;
    float W[K * D], b[K], dW[K * D] = {0}, db[K] = {0}, dpool[B * D], logits[B * K], probs[B * K], dlogits[B * K];
    uint64_t r = 17;
    for (int i = 0; i < K * D; i++) W[i] = rnd(&r);
    for (int i = 0; i < K; i++) b[i] = 0.3f * rnd(&r);
    double loss = clf_loss(&m, &w, W, b, logits, probs);
    cr_assert(loss > 0.1 && isfinite(loss));
    for (int i = 0; i < B; i++) {   /* probabilities sum to 1 */
        double s = 0;
        for (int k = 0; k < K; k++) s += probs[i * K + k];
        cr_assert_float_eq(s, 1.0, 1e-5);
    }
    bert_clf_head_backward(W, dW, db, dpool, w.pool, probs, lab, B, D, K, dlogits);
    bert_backward_pooled(&m, &dm, &w, tok, NULL, dpool, B, T);

    /* the head */
    const float eps = 1e-2f;
    float *hp[2] = {W, b}, *hg[2] = {dW, db};
    int hn[2] = {K * D, K};
    for (int t = 0; t < 2; t++)
        for (int j = 0; j < hn[t]; j++) {
            float x = hp[t][j];
            hp[t][j] = x + eps;
            double lp = clf_loss(&m, &w, W, b, logits, probs);
            hp[t][j] = x - eps;
            double lm = clf_loss(&m, &w, W, b, logits, probs);
            hp[t][j] = x;
            double num = (lp - lm) / (2.0 * eps);
            cr_assert(fabs(hg[t][j] - num) <= 1e-4 + 1e-2 * fabs(num), "head %d[%d]: analytic %g, numeric %g", t, j,
                      (double)hg[t][j], num);
        }
    /* the encoder, through the pooled rows: a sample of every tensor below the pooler */
    char name[96];
    size_t n;
    int checked = 0;
    double norm_all = 0;
    for (int i = 0; i < bert_ntensors(&cfg); i++) {
        float *p = bert_tensor(&m, i, name, sizeof name, &n, NULL, NULL);
        const float *dp = bert_tensor(&dm, i, NULL, 0, NULL, NULL, NULL);
        if (!strncmp(name, "cls.", 4)) {            /* the pre-training heads take no part */
            for (size_t j = 0; j < n; j++) cr_assert_eq(dp[j], 0.0f, "%s[%zu]", name, j);
            continue;
        }
        size_t step = n > 10 ? n / 10 : 1;
        for (size_t j = 0; j < n; j += step) {
            float x = p[j];
            p[j] = x + eps;
            double hpv = (double)p[j] - x, lp = clf_loss(&m, &w, W, b, logits, probs);
            p[j] = x - eps;
            double hmv = x - (double)p[j], lm = clf_loss(&m, &w, W, b, logits, probs);
            p[j] = x;
            double num = (lp - lm) / (hpv + hmv);
            cr_assert(fabs(dp[j] - num) <= 1e-4 + 2e-2 * fabs(num), "%s[%zu]: analytic %g, numeric %g", name, j,
                      (double)dp[j], num);
            norm_all += num * num;
            checked++;
        }
    }
    cr_assert_gt(checked, 250);
    cr_assert(sqrt(norm_all) > 1e-3, "the encoder's gradient is too small to test (%g)", sqrt(norm_all));
    /* a padded token changes nothing: the loss does not depend on what is in the padding */
    int32_t tok2[B * T];
    memcpy(tok2, tok, sizeof tok2);
    tok2[10] = 9, tok2[17] = 4;
    double l1 = clf_loss(&m, &w, W, b, logits, probs);
    bert_forward(&m, &w, tok2, NULL, val, NULL, NULL, B, T);
    double l2 = bert_clf_head_forward(W, b, w.pool, B, D, K, lab, logits, probs);
    cr_assert_float_eq(l1, l2, 1e-6);
    bert_work_free(&w);
    bert_free(&dm);
    bert_free(&m);
}

/* ---- labelled lines ------------------------------------------------------------------------ */

static const char DATA[] =
    "__label__pos Loved every page.\n"                 /* line 1 */
    "this line has no label\n"                         /* 2: skipped, the first such */
    "\n"                                               /* 3: blank, not counted */
    "  __label__neg   __label__extra   Dull and long.  \r\n"   /* 4: the first label counts */
    "__label__pos\n"                                   /* 5: no text */
    "__label__mixed\tTabs\tare spaces.\n"              /* 6 */
    "another one without\n"                            /* 7 */
    "__label__neg Last line, no newline";              /* 8 */

Test(bert_clf, labelled_lines_are_parsed)
{
    BertClfLines Lx;
    TzErr e;
    cr_assert_eq(bert_clf_lines(&Lx, DATA, strlen(DATA), "d.txt", &e), 0);
    cr_assert_eq(Lx.n, 4);
    cr_assert_eq(Lx.nolabel, 2);
    cr_assert_eq(Lx.first_nolabel, 2);
    cr_assert_eq(Lx.empty, 1);
    const char *labs[4] = {"pos", "neg", "mixed", "neg"}, *texts[4] = {"Loved every page.", "Dull and long.",
                                                                      "Tabs\tare spaces.", "Last line, no newline"};
    size_t lines[4] = {1, 4, 6, 8};
    for (size_t i = 0; i < 4; i++) {
        cr_assert_eq(Lx.lab_len[i], strlen(labs[i]));
        cr_assert(!memcmp(DATA + Lx.lab_off[i], labs[i], strlen(labs[i])), "label %zu", i);
        cr_assert_eq(Lx.txt_len[i], strlen(texts[i]), "text %zu: %u", i, Lx.txt_len[i]);
        cr_assert(!memcmp(DATA + Lx.txt_off[i], texts[i], strlen(texts[i])), "text %zu", i);
        cr_assert_eq(Lx.line[i], lines[i]);
    }
    /* the distinct labels in byte order, of all lines and of a pick */
    char names[8][BERT_CLF_LABEL_MAX];
    cr_assert_eq(bert_clf_labels(&Lx, DATA, NULL, 0, names, 8), 3);
    cr_assert_str_eq(names[0], "mixed");
    cr_assert_str_eq(names[1], "neg");
    cr_assert_str_eq(names[2], "pos");
    cr_assert_eq(bert_clf_label_id(names, 3, "neg", 3), 1);
    cr_assert_eq(bert_clf_label_id(names, 3, "ne", 2), -1);
    size_t pick[2] = {1, 3};
    cr_assert_eq(bert_clf_labels(&Lx, DATA, pick, 2, names, 8), 1);   /* one label only: the caller refuses it */
    cr_assert_str_eq(names[0], "neg");
    size_t n;
    char *t = bert_clf_texts(&Lx, DATA, pick, 2, &n);
    cr_assert_str_eq(t, "Dull and long.\nLast line, no newline\n");
    cr_assert_eq(n, strlen(t));
    free(t);
    bert_clf_lines_free(&Lx);

    /* refused: no labelled line (the message says how many lines there were), an empty text, a
     * label too long (its line named) */
    const char *none = "just text\nmore text\n";
    cr_assert_eq(bert_clf_lines(&Lx, none, strlen(none), "n.txt", &e), TZ_E_FORMAT);
    cr_assert(strstr(e.en, "n.txt") && strstr(e.en, "2 lines") && strstr(e.en, "__label__"), "%s", e.en);
    cr_assert_eq(Lx.n, 0);
    cr_assert_eq(bert_clf_lines(&Lx, "", 0, "empty.txt", &e), TZ_E_FORMAT);
    cr_assert_eq(bert_clf_lines(&Lx, "__label__x\n", 11, "e.txt", &e), TZ_E_FORMAT);
    char longl[200];
    snprintf(longl, sizeof longl, "__label__a ok\n__label__%060d text\n", 7);
    cr_assert_eq(bert_clf_lines(&Lx, longl, strlen(longl), "l.txt", &e), TZ_E_FORMAT);
    cr_assert(strstr(e.en, "line 2"), "%s", e.en);
}

/* ---- encoding and batches ------------------------------------------------------------------ */

static const char VOCAB[] = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nthe\ncat\nsat\non\nmat\n.\n";

Test(bert_clf, encode_and_batch)
{
    WordPiece wp = {0};
    TzErr e;
    cr_assert_eq(wp_parse_vocab(&wp, VOCAB, strlen(VOCAB), "v", &e), 0);
    int32_t ids[16];
    int cut;
    size_t unk = 0;
    int n = bert_clf_encode(&wp, "the cat sat on the mat.", 23, 16, ids, &cut, &unk);
    int32_t want[] = {2, 5, 6, 7, 8, 5, 9, 10, 3};
    cr_assert_eq(n, 9);
    cr_assert_eq(cut, 0);
    for (int i = 0; i < n; i++) cr_assert_eq(ids[i], want[i], "id %d", i);
    n = bert_clf_encode(&wp, "the dog sat", 11, 4, ids, &cut, &unk);   /* cut to [CLS] the dog [SEP] */
    cr_assert_eq(n, 4);
    cr_assert_eq(cut, 1);
    cr_assert_eq(ids[0], 2);
    cr_assert_eq(ids[2], 1);          /* dog: [UNK] */
    cr_assert_eq(ids[3], 3);
    cr_assert_eq(unk, 1);

    const char *data = "__label__b the cat sat\n__label__a mat\n__label__c cat\n";
    BertClfLines Lx;
    cr_assert_eq(bert_clf_lines(&Lx, data, strlen(data), "d", &e), 0);
    char names[2][BERT_CLF_LABEL_MAX] = {"a", "b"};   /* the model knows a and b only */
    BertClfSet s;
    bert_clf_set_build(&s, &wp, &Lx, data, NULL, Lx.n, names, 2, 16);
    cr_assert_eq(s.n, 2);
    cr_assert_eq(s.skipped, 1);
    cr_assert_eq(s.label[0], 1);
    cr_assert_eq(s.label[1], 0);
    cr_assert_eq(s.off[1], 5);
    cr_assert_eq(s.off[2], 8);
    size_t idx[2] = {1, 0};
    int32_t tk[2 * 5], lb[2];
    uint8_t vl[2 * 5];
    int Tb = bert_clf_batch(&s, idx, 2, wp.pad, tk, vl, lb);
    cr_assert_eq(Tb, 5);
    int32_t wt[10] = {2, 9, 3, 0, 0, 2, 5, 6, 7, 3};
    uint8_t wv[10] = {1, 1, 1, 0, 0, 1, 1, 1, 1, 1};
    for (int i = 0; i < 10; i++) {
        cr_assert_eq(tk[i], wt[i], "tok %d", i);
        cr_assert_eq(vl[i], wv[i], "valid %d", i);
    }
    cr_assert_eq(lb[0], 0);
    cr_assert_eq(lb[1], 1);
    bert_clf_set_free(&s);
    bert_clf_lines_free(&Lx);
    wp_free(&wp);
}

/* ---- a tiny fine-tuning ------------------------------------------------------------------------ */

/* A toy task a classifier must learn from the words: a sentence of filler words with one word
 * of a class's own set in it ("kedi yine bugün harika ev" → good). */
static const char *GOOD[] = {"harika", "güzel", "mükemmel", "sevdim"};
static const char *BAD[] = {"berbat", "kötü", "sıkıcı", "nefret"};
static const char *FILL[] = {"kedi", "ev", "yine", "bugün", "masa", "yol", "kitap", "su", "çay", "okul"};

static char *toy_data(int n, uint64_t seed)
{
    char *out = malloc((size_t)n * 80), *w = out;
    uint64_t r = seed;
    for (int i = 0; i < n; i++) {
        int good = i % 2;
        w += sprintf(w, "__label__%s", good ? "good" : "bad");
        int len = 3 + (int)((rnd(&r) + 1) * 2), at = (int)((rnd(&r) + 1) * 0.5f * (float)len);
        for (int k = 0; k < len; k++) {
            if (k == at) w += sprintf(w, " %s", (good ? GOOD : BAD)[(int)((rnd(&r) + 1) * 2) & 3]);
            w += sprintf(w, " %s", FILL[(int)((rnd(&r) + 1) * 5) % 10]);
        }
        *w++ = '\n';
    }
    *w = '\0';
    return out;
}

static void toy_run(uint64_t seed, double *acc0, double *acc, float **weights, size_t *nw, int *cls_same)
{
    char *train = toy_data(160, 3), *test = toy_data(60, 99);
    BertClfLines Lt, Lv;
    TzErr e;
    cr_assert_eq(bert_clf_lines(&Lt, train, strlen(train), "train", &e), 0);
    cr_assert_eq(bert_clf_lines(&Lv, test, strlen(test), "test", &e), 0);
    char names[2][BERT_CLF_LABEL_MAX];
    cr_assert_eq(bert_clf_labels(&Lt, train, NULL, 0, names, 2), 2);
    size_t n;
    char *text = bert_clf_texts(&Lt, train, NULL, 0, &n);
    Bert m;
    WordPiece wp = {0};
    BertConfig shape = {0, 16, 16, 1, 2, 32, 2};
    WpOptions o = wp_options_turkish(1);
    cr_assert_eq(bert_clf_scratch(&m, &wp, text, n, 200, &o, &shape, seed, NULL, &e), 0);
    cr_assert_eq(m.cfg.V, wp.vocab);
    free(text);
    BertClfSet tr, va;
    bert_clf_set_build(&tr, &wp, &Lt, train, NULL, Lt.n, names, 2, 16);
    bert_clf_set_build(&va, &wp, &Lv, test, NULL, Lv.n, names, 2, 16);
    cr_assert_eq(tr.n, 160);
    cr_assert_eq(va.n, 60);
    float W[2 * 16], b[2];
    bert_clf_head_init(W, b, 2, 16, seed);
    BertClfEval ev;
    cr_assert_eq(bert_clf_eval(&m, W, b, 2, wp.pad, &va, 16, 1, &ev, NULL, NULL, NULL, NULL), 0);
    *acc0 = ev.acc;
    /* the pre-training heads, to see that fine-tuning leaves them alone */
    size_t ncls = (size_t)(m.mem + m.n - m.mlm_bias);
    float *cls_before = malloc(ncls * sizeof *cls_before);
    memcpy(cls_before, m.mlm_bias, ncls * sizeof *cls_before);
    BertClfTrainConfig c = bert_clf_train_defaults();
    c.lr = 1e-2f;   /* from random weights the loss sits at ln 2 for a few epochs, then falls */
    c.epochs = 10;
    c.seed = seed;
    BertClfTrainStats st;
    cr_assert_eq(bert_clf_train(&m, W, b, 2, wp.pad, &tr, &va, &c, &st, NULL, &e), 0);
    cr_assert(st.finished);
    cr_assert_eq(st.steps, 10 * 10);
    cr_assert_eq(st.nepochs, 10);
    cr_assert(st.train_loss < st.first_loss, "loss %g → %g", st.first_loss, st.train_loss);
    *acc = st.val_acc;
    cr_assert_eq(bert_clf_eval(&m, W, b, 2, wp.pad, &va, 7, 1, &ev, NULL, NULL, NULL, NULL), 0);  /* other batches: the same */
    cr_assert_float_eq(ev.acc, st.val_acc, 1e-12);
    *cls_same = memcmp(cls_before, m.mlm_bias, ncls * sizeof *cls_before) == 0;
    *nw = m.n + 2 * 16 + 2;
    *weights = malloc(*nw * sizeof **weights);
    memcpy(*weights, m.mem, m.n * sizeof **weights);
    memcpy(*weights + m.n, W, sizeof W);
    memcpy(*weights + m.n + 32, b, sizeof b);
    free(cls_before);
    bert_clf_set_free(&tr);
    bert_clf_set_free(&va);
    bert_clf_lines_free(&Lt);
    bert_clf_lines_free(&Lv);
    bert_free(&m);
    wp_free(&wp);
    free(train);
    free(test);
}

Test(bert_clf, tiny_finetuning_learns_a_separable_task)
{
    double acc0, acc, acc0b, accb;
    float *w1, *w2;
    size_t n1, n2;
    int same1, same2;
    toy_run(1, &acc0, &acc, &w1, &n1, &same1);
    /* the untrained model guesses (the head starts near 0: about half right); fine-tuned, the
     * held-out sentences (other random fillers) are nearly all right — measured 1.000 on seeds 1–8 */
    cr_assert(acc0 < 0.8, "before: %g", acc0);
    cr_assert(acc >= 0.95, "after: %g", acc);
    cr_assert(same1, "fine-tuning changed the pre-training heads");
    /* the same seed gives the same weights, bit for bit */
    toy_run(1, &acc0b, &accb, &w2, &n2, &same2);
    cr_assert_eq(n1, n2);
    cr_assert(!memcmp(w1, w2, n1 * sizeof *w1));
    free(w1);
    free(w2);
}
