/* test_bert_train.c — BERT's pre-training pipeline and loop (models/bert_train.c).
 *
 * The pipeline on a vocabulary of single letters (each word one piece, so every id is known):
 * sentences are lines, an empty line ends a document, the last sentences are held out, pairs
 * never cross a document's end or the split; a pair becomes [CLS] A [SEP] B [SEP] [PAD]… with
 * segment ids 0/1 and valid 0 on the padding, the longer sentence cut from its end to fit; a
 * batch draws B as the true next sentence or (half the time) a random one of the same part;
 * masking touches only real, non-special pieces (about 15%, 80% of them [MASK]) and its target
 * is the piece that was there; the same seed gives the same batches. Then a real run on a tiny
 * model: the held-out MLM loss falls far below ln V and the NSP accuracy rises above chance on
 * a text where both are learnable; the same seed gives the same weights; an absurd learning
 * rate is caught as a divergence; a text without two consecutive sentences is refused. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/bert.h"
#include "models/bert_train.h"
#include "nn/layers.h"
#include "text/wordpiece.h"

/* [PAD] [UNK] [CLS] [SEP] [MASK] then the letters a … t (ids 5 … 24) */
static void letters(WordPiece *wp)
{
    char v[256];
    size_t n = (size_t)snprintf(v, sizeof v, "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n");
    for (char c = 'a'; c <= 't'; c++) n += (size_t)snprintf(v + n, sizeof v - n, "%c\n", c);
    TzErr e;
    cr_assert_eq(wp_parse_vocab(wp, v, n, "letters", &e), 0, "%s", e.en);
    cr_assert_eq(wp->vocab, 25);
}
#define L(c) ((int32_t)(5 + (c) - 'a'))

static const char *TEXT = "a b c\nd e\n\nf g h i\nj\nk l\nm n o\np q\nr s\nt a b\nc d\n";

Test(bert_train, sentences_documents_and_the_held_out_part)
{
    WordPiece wp;
    letters(&wp);
    BertText bt;
    TzErr e;
    cr_assert_eq(bert_text_build(&bt, &wp, TEXT, strlen(TEXT), 0.2, NULL, &e), 0, "%s", e.en);
    cr_assert_eq(bt.nsent, 10);
    cr_assert_eq(bt.lines, 11);
    cr_assert_eq(bt.docs, 2);
    cr_assert_eq(bt.ntrain, 8);   /* 20% of 10 held out */
    size_t want_start[11] = { 0, 3, 5, 9, 10, 12, 15, 17, 19, 22, 24 };
    for (int s = 0; s <= 10; s++) cr_assert_eq(bt.start[s], want_start[s], "start[%d]", s);
    cr_assert_eq(bt.ids[0], L('a'));
    cr_assert_eq(bt.ids[5], L('f'));
    cr_assert_eq(bt.ids[23], L('d'));
    /* ends: the document's (after "d e"), the training part's ("r s"), the text's */
    uint8_t want_last[10] = { 0, 1, 0, 0, 0, 0, 0, 1, 0, 1 };
    for (int s = 0; s < 10; s++) cr_assert_eq(bt.last[s], want_last[s], "last[%d]", s);
    cr_assert_eq(bt.ntrain_pairs, 6);
    cr_assert_eq(bt.nval_pairs, 1);
    size_t want_pairs[7] = { 0, 2, 3, 4, 5, 6, 8 };
    for (int i = 0; i < 7; i++) cr_assert_eq(bt.pairs[i], want_pairs[i], "pairs[%d]", i);
    bert_text_free(&bt);
    bert_text_free(&bt);   /* safe twice: zeroed */

    /* nothing to pair: one sentence a document */
    const char *lone = "a b\n\nc d\n\n\ne\n";
    cr_assert_eq(bert_text_build(&bt, &wp, lone, strlen(lone), 0.1, NULL, &e), TZ_E_ARG);
    cr_assert(strstr(e.en, "no two consecutive sentences"), "%s", e.en);
    cr_assert_null(bt.ids);
    wp_free(&wp);
}

Test(bert_train, an_example_is_cls_a_sep_b_sep_then_padding)
{
    WordPiece wp;
    letters(&wp);
    BertText bt;
    BertSpecials sp;
    TzErr e;
    cr_assert_eq(bert_text_build(&bt, &wp, TEXT, strlen(TEXT), 0.2, NULL, &e), 0);
    cr_assert_eq(bert_specials(&sp, &wp, &e), 0);
    int32_t tok[12], typ[12];
    uint8_t val[12];
    /* A = "f g h i" (sentence 2), B = "j" (3) */
    cr_assert_eq(bert_example(&bt, &sp, 2, 3, 12, tok, typ, val), 8);
    int32_t want_tok[12] = { 2, L('f'), L('g'), L('h'), L('i'), 3, L('j'), 3, 0, 0, 0, 0 };
    int32_t want_typ[12] = { 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0 };
    uint8_t want_val[12] = { 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0 };
    cr_assert_arr_eq(tok, want_tok, sizeof tok);
    cr_assert_arr_eq(typ, want_typ, sizeof typ);
    cr_assert_arr_eq(val, want_val, sizeof val);
    /* too long: the longer sentence loses pieces from its end */
    cr_assert_eq(bert_example(&bt, &sp, 2, 3, 7, tok, typ, val), 7);
    int32_t cut1[7] = { 2, L('f'), L('g'), L('h'), 3, L('j'), 3 };
    cr_assert_arr_eq(tok, cut1, sizeof cut1);
    cr_assert_eq(bert_example(&bt, &sp, 2, 3, 5, tok, typ, val), 5);
    int32_t cut2[5] = { 2, L('f'), 3, L('j'), 3 };
    cr_assert_arr_eq(tok, cut2, sizeof cut2);
    int32_t cut2_typ[5] = { 0, 0, 0, 1, 1 };
    cr_assert_arr_eq(typ, cut2_typ, sizeof cut2_typ);
    /* both long: cut in turn, the longer first */
    cr_assert_eq(bert_example(&bt, &sp, 5, 2, 8, tok, typ, val), 8);   /* "m n o" + "f g h i" in 5 */
    int32_t cut3[8] = { 2, L('m'), L('n'), L('o'), 3, L('f'), L('g'), 3 };
    cr_assert_arr_eq(tok, cut3, sizeof cut3);
    cr_assert_eq(sp.special[0] + sp.special[1] + sp.special[2] + sp.special[3] + sp.special[4], 5);
    cr_assert_eq(sp.special[L('a')], 0);
    bert_specials_free(&sp);
    bert_text_free(&bt);
    wp_free(&wp);
}

/* A text of n lines, each a run of 3 … 7 letters continuing where the line before stopped, so
 * that the next sentence is predictable from the one before (NSP can be learnt) and a masked
 * letter from its neighbours (MLM can be learnt). */
static char *runs(int n, uint64_t seed)
{
    char *t = malloc((size_t)n * 16 + 1);
    size_t w = 0;
    int at = 0;
    uint64_t r = seed;
    for (int i = 0; i < n; i++) {
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        int len = 3 + (int)((r >> 33) % 5);
        for (int k = 0; k < len; k++) {
            t[w++] = (char)('a' + at);
            t[w++] = k + 1 < len ? ' ' : '\n';
            at = (at + 1) % 20;
        }
    }
    t[w] = '\0';
    return t;
}

Test(bert_train, batches_balance_nsp_and_mask_only_real_pieces)
{
    WordPiece wp;
    letters(&wp);
    char *text = runs(400, 7);
    BertText bt;
    BertSpecials sp;
    TzErr e;
    cr_assert_eq(bert_text_build(&bt, &wp, text, strlen(text), 0.1, NULL, &e), 0);
    cr_assert_eq(bt.nsent, 400);
    cr_assert_eq(bt.ntrain, 360);
    cr_assert_eq(bert_specials(&sp, &wp, &e), 0);
    const int B = 64, T = 16;
    BertBatch bb;
    bert_batch_alloc(&bb, B, T);
    uint64_t rng = 42;
    long labels1 = 0, n = 0, eligible = 0, masked = 0, as_mask = 0, unchanged = 0;
    int32_t tok[16], typ[16];
    uint8_t val[16];
    for (int round = 0; round < 60; round++) {
        bert_batch(&bt, &sp, 0, 0.15f, &bb, &rng);
        long batch_masked = 0, batch_real = 0;
        for (int i = 0; i < B; i++, n++) {
            size_t a = bb.a[i], b = bb.b[i];
            cr_assert(a < bt.ntrain && b < bt.ntrain, "a training batch reached the held-out part (%zu, %zu)", a, b);
            if (bb.nsp[i] == 0) cr_assert_eq(b, a + 1, "label 0 but B is not A's next sentence");
            else cr_assert(b != a && b != a + 1, "label 1 but B is A or its next sentence");
            labels1 += bb.nsp[i];
            /* the example as it was before masking */
            batch_real += bert_example(&bt, &sp, a, b, T, tok, typ, val);
            const int32_t *x = bb.tokens + (size_t)i * T, *y = bb.targets + (size_t)i * T;
            cr_assert_arr_eq(bb.types + (size_t)i * T, typ, sizeof typ);
            cr_assert_arr_eq(bb.valid + (size_t)i * T, val, sizeof val);
            for (int t = 0; t < T; t++) {
                int real = val[t] && !sp.special[tok[t]];
                eligible += real;
                if (y[t] == TZ_IGNORE) {
                    cr_assert_eq(x[t], tok[t], "an unmasked position changed");
                    continue;
                }
                cr_assert(real, "a target at a special or padding position (t %d, token %d)", t, tok[t]);
                cr_assert_eq(y[t], tok[t], "the target is not the piece that was there");
                cr_assert(x[t] == sp.mask || !sp.special[x[t]], "replaced by a special other than [MASK]");
                masked++, batch_masked++;
                as_mask += x[t] == sp.mask;
                unchanged += x[t] == tok[t];
            }
        }
        cr_assert_eq(bb.masked, batch_masked);
        cr_assert_eq(bb.real, batch_real);
    }
    double p1 = (double)labels1 / n, pm = (double)masked / eligible, pk = (double)as_mask / masked,
           pu = (double)unchanged / masked;
    cr_assert(p1 > 0.46 && p1 < 0.54, "random B in %.3f of %ld pairs", p1, n);
    cr_assert(pm > 0.135 && pm < 0.165, "masked %.3f of the real pieces", pm);
    cr_assert(pk > 0.76 && pk < 0.84, "[MASK] at %.3f of the targets", pk);
    /* left as it was: the 10% kept, plus the random draws that hit the same letter (1 in 20) */
    cr_assert(pu > 0.08 && pu < 0.14, "unchanged at %.3f of the targets", pu);

    /* held-out batches come from the held-out sentences only */
    for (int round = 0; round < 5; round++) {
        bert_batch(&bt, &sp, 1, 0.15f, &bb, &rng);
        for (int i = 0; i < B; i++) cr_assert(bb.a[i] >= bt.ntrain && bb.b[i] >= bt.ntrain);
    }
    bert_batch_free(&bb);
    bert_specials_free(&sp);
    bert_text_free(&bt);
    free(text);
    wp_free(&wp);
}

Test(bert_train, same_seed_same_batches)
{
    WordPiece wp;
    letters(&wp);
    char *text = runs(100, 3);
    BertText bt;
    BertSpecials sp;
    TzErr e;
    cr_assert_eq(bert_text_build(&bt, &wp, text, strlen(text), 0.1, NULL, &e), 0);
    cr_assert_eq(bert_specials(&sp, &wp, &e), 0);
    BertBatch x, y;
    bert_batch_alloc(&x, 16, 12);
    bert_batch_alloc(&y, 16, 12);
    uint64_t r1 = 9, r2 = 9, r3 = 10;
    bert_batch(&bt, &sp, 0, 0.15f, &x, &r1);
    bert_batch(&bt, &sp, 0, 0.15f, &y, &r2);
    size_t N = 16 * 12;
    cr_assert_arr_eq(x.tokens, y.tokens, N * sizeof *x.tokens);
    cr_assert_arr_eq(x.targets, y.targets, N * sizeof *x.targets);
    cr_assert_arr_eq(x.nsp, y.nsp, 16 * sizeof *x.nsp);
    cr_assert_eq(r1, r2);
    bert_batch(&bt, &sp, 0, 0.15f, &y, &r3);
    cr_assert(memcmp(x.tokens, y.tokens, N * sizeof *x.tokens) || memcmp(x.targets, y.targets, N * sizeof *x.targets),
              "another seed drew the same batch");
    bert_batch_free(&x);
    bert_batch_free(&y);
    bert_specials_free(&sp);
    bert_text_free(&bt);
    free(text);
    wp_free(&wp);
}

static const BertConfig tiny = { .V = 25, .C = 20, .D = 48, .L = 1, .H = 2, .F = 192, .types = 2 };

static BertTrainConfig tiny_cfg(long steps)
{
    BertTrainConfig tc = bert_train_defaults();
    tc.B = 16;
    tc.T = 20;
    tc.steps = steps;
    tc.lr = 3e-3f;
    tc.eval_every = 100;
    tc.dropout = 0;
    return tc;
}

Test(bert_train, pre_training_learns_both_tasks)
{
    WordPiece wp;
    letters(&wp);
    char *text = runs(600, 11);
    BertText bt;
    BertSpecials sp;
    TzErr e;
    cr_assert_eq(bert_text_build(&bt, &wp, text, strlen(text), 0.1, NULL, &e), 0);
    cr_assert_eq(bert_specials(&sp, &wp, &e), 0);
    Bert b;
    cr_assert_eq(bert_alloc(&b, &tiny), 0);
    bert_init(&b, 1);
    BertTrainConfig tc = tiny_cfg(500);
    BertTrainStats st;
    cr_assert_eq(bert_train(&b, &bt, &sp, &tc, &st, NULL, &e), 0, "%s", e.en);
    cr_assert(st.finished);
    cr_assert_eq(st.steps, 500);
    cr_assert(fabs(st.first_mlm - log(25.0)) < 0.5, "first MLM %f, ln V %f", st.first_mlm, log(25.0));
    cr_assert(fabs(st.first_nsp - log(2.0)) < 0.1, "first NSP %f", st.first_nsp);
    cr_assert_eq(st.nevals, 5);
    cr_assert_eq(st.eval_step[4], 500);
    /* a masked letter follows from its neighbours: the held-out loss falls far below ln V */
    cr_assert(st.val_mlm < 0.5 * log(25.0), "held-out MLM %f", st.val_mlm);
    cr_assert(st.eval_val_mlm[4] < st.eval_val_mlm[0] - 1, "%f !< %f - 1", st.eval_val_mlm[4], st.eval_val_mlm[0]);
    /* whether B starts where A stopped: well above chance */
    cr_assert(st.val_acc > 0.7, "held-out NSP accuracy %f", st.val_acc);
    cr_assert_eq(st.eval_examples, 512);
    cr_assert(st.pad_share > 0 && st.pad_share < 0.6, "padding %f", st.pad_share);
    cr_assert(st.masked_share > 0.1 && st.masked_share < 0.15, "masked %f", st.masked_share);
    bert_free(&b);
    bert_specials_free(&sp);
    bert_text_free(&bt);
    free(text);
    wp_free(&wp);
}

Test(bert_train, same_seed_same_weights_and_divergence_is_caught)
{
    WordPiece wp;
    letters(&wp);
    char *text = runs(200, 5);
    BertText bt;
    BertSpecials sp;
    TzErr e;
    cr_assert_eq(bert_text_build(&bt, &wp, text, strlen(text), 0.1, NULL, &e), 0);
    cr_assert_eq(bert_specials(&sp, &wp, &e), 0);
    Bert a, b, c;
    cr_assert_eq(bert_alloc(&a, &tiny), 0);
    cr_assert_eq(bert_alloc(&b, &tiny), 0);
    cr_assert_eq(bert_alloc(&c, &tiny), 0);
    bert_init(&a, 2);
    bert_init(&b, 2);
    bert_init(&c, 2);
    BertTrainConfig tc = tiny_cfg(12);
    tc.dropout = 0.1f;
    BertTrainStats sa, sb, sc;
    cr_assert_eq(bert_train(&a, &bt, &sp, &tc, &sa, NULL, &e), 0);
    cr_assert_eq(bert_train(&b, &bt, &sp, &tc, &sb, NULL, &e), 0);
    cr_assert_eq(memcmp(a.mem, b.mem, a.n * sizeof *a.mem), 0, "same seed, different weights");
    cr_assert_eq(sa.val_mlm, sb.val_mlm);
    tc.seed = 2;
    cr_assert_eq(bert_train(&c, &bt, &sp, &tc, &sc, NULL, &e), 0);
    cr_assert_neq(memcmp(a.mem, c.mem, a.n * sizeof *a.mem), 0, "another seed trained the same weights");

    /* an absurd learning rate throws the weights off: caught, the last sane weights kept */
    tc = tiny_cfg(40);
    tc.lr = 1e4f;
    tc.clip = 0;
    tc.warmup = 1;
    BertTrainStats sd;
    cr_assert_eq(bert_train(&c, &bt, &sp, &tc, &sd, NULL, &e), TZ_E_NUMERIC);
    cr_assert(sd.diverged && !sd.finished);
    cr_assert(strstr(e.en, "diverged"), "%s", e.en);
    for (size_t i = 0; i < c.n; i++) cr_assert(isfinite(c.mem[i]), "weight %zu is %f", i, c.mem[i]);
    bert_free(&a);
    bert_free(&b);
    bert_free(&c);
    bert_specials_free(&sp);
    bert_text_free(&bt);
    free(text);
    wp_free(&wp);
}
