/* test_rnnlm.c — the recurrent language model of src/engine/models/rnnlm.c: the gradient of
 * the whole model (embedding, two stacked layers, softmax) against central differences for
 * each cell kind; training with Adam learns a repeating sequence; sampling follows its
 * temperature and top-k; a fixed seed generates the same text every time. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/rnnlm.h"
#include "nn/optim.h"

enum { V = 7, E = 3, H = 4, L = 2, T = 5, B = 2 };

static const int32_t tok[T * B] = { 1, 2, 3, 4, 5, 6, 0, 1, 2, 3 };
static const int32_t tgt[T * B] = { 2, 3, 4, 5, 6, 0, 1, 2, 3, 4 };

static double loss_of(const RnnLM *m, const float *h0, const float *c0)
{
    RnnLMWork w;
    rnnlm_work_init(&w, m);
    double l = rnnlm_loss(m, &w, tok, tgt, T, B, h0, c0, 0, NULL, NULL);
    rnnlm_work_free(&w);
    return l;
}

static void check_param(const RnnLM *m, float *p, const float *g, size_t n, const char *what, const float *h0,
                        const float *c0)
{
    const float eps = 1e-2f;
    for (size_t i = 0; i < n; i++) {
        float keep = p[i];
        p[i] = keep + eps;
        double lp = loss_of(m, h0, c0);
        p[i] = keep - eps;
        double lm = loss_of(m, h0, c0);
        p[i] = keep;
        double num = (lp - lm) / (2.0 * eps);
        cr_assert(fabs(num - g[i]) <= 1e-3 + 1e-2 * fabs(num), "%s[%zu]: backward %.6f, central difference %.6f", what,
                  i, g[i], num);
    }
}

static void check_kind(CellKind kind)
{
    RnnLM m;
    rnnlm_init(&m, kind, V, E, H, L, 7);
    float h0[L * B * H], c0[L * B * H];
    for (int i = 0; i < L * B * H; i++) { h0[i] = 0.1f * (float)((i % 7) - 3); c0[i] = 0.05f * (float)((i % 5) - 2); }
    RnnLMWork w;
    rnnlm_work_init(&w, &m);
    rnnlm_zero_grad(&w, &m);
    double l = rnnlm_loss(&m, &w, tok, tgt, T, B, h0, c0, 1, NULL, NULL);
    cr_assert(l > 0 && l < 10);
    check_param(&m, m.emb, w.emb, (size_t)V * E, "emb", h0, c0);
    check_param(&m, m.Wo, w.Wo, (size_t)V * H, "Wo", h0, c0);
    check_param(&m, m.bo, w.bo, V, "bo", h0, c0);
    for (int layer = 0; layer < L; layer++) {
        Cell *c = &m.cell[layer], *g = &w.cell[layer];
        size_t GH = (size_t)c->G * H;
        check_param(&m, c->W, g->W, GH * (size_t)c->In, "W", h0, c0);
        check_param(&m, c->U, g->U, GH * H, "U", h0, c0);
        check_param(&m, c->b, g->b, GH, "b", h0, c0);
        check_param(&m, c->bu, g->bu, GH, "bu", h0, c0);
    }
    rnnlm_work_free(&w);
    rnnlm_free(&m);
}

Test(rnnlm, rnn_model_gradient) { check_kind(TZ_CELL_RNN); }
Test(rnnlm, lstm_model_gradient) { check_kind(TZ_CELL_LSTM); }
Test(rnnlm, gru_model_gradient) { check_kind(TZ_CELL_GRU); }

/* A repeating sequence 0 1 2 … 6 0 1 …: every kind learns it with Adam, and greedy
 * generation from 3 continues it. */
Test(rnnlm, learns_a_cycle_and_continues_it)
{
    CellKind kinds[3] = { TZ_CELL_RNN, TZ_CELL_LSTM, TZ_CELL_GRU };
    enum { TT = 14, BB = 4 };
    int32_t x[TT * BB], y[TT * BB];
    for (int t = 0; t < TT; t++)
        for (int b = 0; b < BB; b++) { x[t * BB + b] = (t + 2 * b) % V; y[t * BB + b] = (t + 2 * b + 1) % V; }
    for (int k = 0; k < 3; k++) {
        RnnLM m;
        rnnlm_init(&m, kinds[k], V, 8, 16, 1, 3);
        RnnLMWork w;
        rnnlm_work_init(&w, &m);
        Optim o;
        optim_init(&o, OPT_ADAM, 0.02f);
        optim_add(&o, m.emb, w.emb, (size_t)V * 8);
        optim_add(&o, m.Wo, w.Wo, (size_t)V * 16);
        optim_add(&o, m.bo, w.bo, V);
        Cell *c = &m.cell[0], *g = &w.cell[0];
        size_t GH = (size_t)c->G * 16;
        optim_add(&o, c->W, g->W, GH * 8);
        optim_add(&o, c->U, g->U, GH * 16);
        optim_add(&o, c->b, g->b, GH);
        optim_add(&o, c->bu, g->bu, GH);
        double first = 0, last = 0;
        for (int s = 0; s < 300; s++) {
            optim_zero_grad(&o);
            last = rnnlm_loss(&m, &w, x, y, TT, BB, NULL, NULL, 1, NULL, NULL);
            if (s == 0) first = last;
            optim_clip(&o, 1.0);
            optim_step(&o, 0.02f);
        }
        cr_assert(first > 1.5 && last < 0.05, "kind %d: loss %f → %f", kinds[k], first, last);
        float h[16] = { 0 }, cc[16] = { 0 }, logits[V];
        int32_t t = 3;
        for (int i = 0; i < 10; i++) {
            rnnlm_step(&m, &w, t, h, cc, logits);
            int32_t n = rnnlm_sample(logits, V, 0, 0, NULL);
            cr_assert_eq(n, (t + 1) % V, "kind %d: after %d came %d", kinds[k], t, n);
            t = n;
        }
        optim_free(&o);
        rnnlm_work_free(&w);
        rnnlm_free(&m);
    }
}

Test(rnnlm, sampling_temperature_and_topk)
{
    float logits[4] = { 2.0f, 1.0f, 0.5f, -1.0f };
    uint64_t r = 1;
    int count[4] = { 0 };
    for (int i = 0; i < 20000; i++) count[rnnlm_sample(logits, 4, 1.0f, 0, &r)]++;
    /* softmax(2, 1, 0.5, −1) = 0.609, 0.224, 0.136, 0.030 */
    cr_assert(fabs(count[0] / 20000.0 - 0.609) < 0.02 && fabs(count[3] / 20000.0 - 0.030) < 0.01, "%d %d %d %d",
              count[0], count[1], count[2], count[3]);
    memset(count, 0, sizeof count);
    for (int i = 0; i < 5000; i++) count[rnnlm_sample(logits, 4, 1.0f, 2, &r)]++;
    cr_assert_eq(count[2] + count[3], 0, "top-2 keeps only the two best");
    cr_assert(count[1] > 1000);
    memset(count, 0, sizeof count);
    for (int i = 0; i < 5000; i++) count[rnnlm_sample(logits, 4, 0.1f, 0, &r)]++;
    cr_assert_gt(count[0], 4900, "a low temperature is almost greedy");
    cr_assert_eq(rnnlm_sample(logits, 4, 0, 0, &r), 0, "temperature 0: greedy");
    /* the same seed, the same draws */
    uint64_t r1 = 42, r2 = 42;
    for (int i = 0; i < 100; i++) cr_assert_eq(rnnlm_sample(logits, 4, 1, 0, &r1), rnnlm_sample(logits, 4, 1, 0, &r2));
}

#include "tmpdir.h"

Test(rnnlm, char_stream_of_a_corpus)
{
    Corpus c;
    corpus_from(&c, "ağaç dalı\nkedi ağaç\n");
    CharStream s;
    TzErr e;
    cr_assert_eq(charstream_from_corpus(&c, &s, &e), 0);
    /* "ağaç dalı\nkedi ağaç\n": 20 characters */
    cr_assert_eq(s.n, 20);
    cr_assert_str_eq(vocab_word(&s.chars, (size_t)s.ids[1]), "ğ", "ğ is one character");
    cr_assert_str_eq(vocab_word(&s.chars, (size_t)s.ids[4]), " ");
    cr_assert_str_eq(vocab_word(&s.chars, (size_t)s.ids[9]), "\n");
    cr_assert_str_eq(vocab_word(&s.chars, 0), "a", "the most frequent first (a: 4 times)");
    int32_t ids[8];
    cr_assert_eq(charstream_encode(&s, "dağ!", ids, 8), 4);
    cr_assert_str_eq(vocab_word(&s.chars, (size_t)ids[2]), "ğ");
    cr_assert_eq(ids[3], -1, "an unknown character");
    charstream_free(&s);
    corpus_free(&c);
}

Test(rnnlm, trains_on_a_text_and_holds_out_a_part)
{
    Corpus c;
    corpus_from(&c, "the cat sat on the mat\nthe dog sat on the log\nthe cat saw the dog\n"
                    "the dog saw the cat\nthe cat sat on the log\nthe dog sat on the mat\n");
    CharStream s;
    TzErr e;
    cr_assert_eq(charstream_from_corpus(&c, &s, &e), 0);
    RnnLM m;
    rnnlm_init(&m, TZ_CELL_LSTM, (int)s.chars.size, 8, 32, 1, 1);
    RnnTrainConfig cfg = { .T = 8, .B = 4, .epochs = 60, .lr = 0.01f, .clip = 1, .val_frac = 0.1 };
    RnnTrainStats st;
    cr_assert_eq(rnnlm_train(&m, s.ids, s.n, &cfg, &st, NULL, &e), 0, "%s", e.en);
    cr_assert(st.finished);
    /* uniform over the characters would be log V ≈ 2.7 nats */
    cr_assert_lt(st.train_loss, 1.0, "train loss %f", st.train_loss);
    cr_assert(isfinite(st.val_loss), "a held-out loss");
    /* steps= stops after that many steps, and counts as finished */
    RnnTrainConfig few = cfg;
    few.max_steps = 5;
    cr_assert_eq(rnnlm_train(&m, s.ids, s.n, &few, &st, NULL, &e), 0, "%s", e.en);
    cr_assert_eq(st.steps, 5);
    cr_assert(st.finished);
    cr_assert(isfinite(st.train_loss));
    /* too short for the settings: refused with a reason */
    RnnTrainConfig big = cfg;
    big.B = 64;
    big.T = 64;
    cr_assert_eq(rnnlm_train(&m, s.ids, s.n, &big, &st, NULL, &e), TZ_E_ARG);
    cr_assert(strstr(e.en, "too short"), "%s", e.en);
    rnnlm_free(&m);
    charstream_free(&s);
    corpus_free(&c);
}

Test(rnnlm, an_exploding_gradient_stops_training_with_the_last_finite_weights)
{
    Corpus c;
    corpus_from(&c, "the cat sat on the mat\nthe dog sat on the log\nthe cat saw the dog\n");
    CharStream s;
    TzErr e;
    cr_assert_eq(charstream_from_corpus(&c, &s, &e), 0);
    RnnLM m;
    rnnlm_init(&m, TZ_CELL_RNN, (int)s.chars.size, 8, 16, 1, 1);
    /* plain SGD at an absurd rate, no clipping: the first step carries the weights past what a
       float holds (or the loss after it is NaN); training must stop there, not go on with NaNs */
    RnnTrainConfig cfg = { .T = 8, .B = 2, .epochs = 50, .lr = 1e38f, .clip = 0, .val_frac = 0, .sgd = 1 };
    RnnTrainStats st;
    cr_assert_eq(rnnlm_train(&m, s.ids, s.n, &cfg, &st, NULL, &e), TZ_E_NUMERIC);
    cr_assert(st.diverged);
    cr_assert_not(st.finished);
    cr_assert(strstr(e.en, "clip=1") && strstr(e.en, "lower the learning rate"), "%s", e.en);
    cr_assert(strstr(e.tr, "kırpın"), "%s", e.tr);
    size_t np = 0;
    const float *ps[3] = { m.emb, m.Wo, m.cell[0].U };
    size_t ns[3] = { s.chars.size * 8, s.chars.size * 16, 16 * 16 };
    for (int k = 0; k < 3; k++)
        for (size_t i = 0; i < ns[k]; i++, np++) cr_assert(isfinite(ps[k][i]), "weight %zu of tensor %d is finite", i, k);
    /* the same with clipping and a sane rate trains to the end */
    rnnlm_free(&m);
    rnnlm_init(&m, TZ_CELL_RNN, (int)s.chars.size, 8, 16, 1, 1);
    cfg.lr = 0.5f;
    cfg.clip = 1;
    cfg.epochs = 3;
    cr_assert_eq(rnnlm_train(&m, s.ids, s.n, &cfg, &st, NULL, &e), 0, "%s", e.en);
    cr_assert(st.finished && !st.diverged);
    rnnlm_free(&m);
    charstream_free(&s);
    corpus_free(&c);
}

#include "core/io.h"

Test(rnnlm, word_stream_of_a_corpus)
{
    Corpus c;
    corpus_from(&c, "kedi süt içer\nkedi uyur\nköpek süt içmez\n");
    CharStream s;
    TzErr e;
    cr_assert_eq(charstream_words_from_corpus(&c, 5, &s, &e), 0, "%s", e.en);
    cr_assert(s.word);
    cr_assert_eq(s.chars.size, 5, "\\n, <unk> and the 3 most frequent words");
    cr_assert_str_eq(vocab_word(&s.chars, 0), "\n");
    cr_assert_str_eq(vocab_word(&s.chars, 1), RNNLM_UNK);
    cr_assert_str_eq(vocab_word(&s.chars, 2), "kedi", "2 times, first seen first");
    cr_assert_str_eq(vocab_word(&s.chars, 3), "süt");
    cr_assert_str_eq(vocab_word(&s.chars, 4), "içer", "the first of the words seen once");
    /* 8 words + 3 sentence ends */
    cr_assert_eq(s.n, 11);
    int32_t want[11] = { 2, 3, 4, 0, 2, 1, 0, 1, 3, 1, 0 };
    for (int i = 0; i < 11; i++) cr_assert_eq(s.ids[i], want[i], "token %d", i);
    charstream_free(&s);
    cr_assert_eq(charstream_words_from_corpus(&c, 2, &s, &e), TZ_E_ARG, "too small a vocabulary is refused");
    corpus_free(&c);
}

/* The table-driven CRC (eight bytes at a time) against the definition, bit by bit, on every
 * length 0 … 300 and every start alignment, whole and in two pieces (a running CRC). */
static uint32_t crc_bitwise(const unsigned char *p, size_t n)
{
    uint32_t c = ~0u;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
}

Test(rnnlm, crc32_matches_the_bitwise_definition)
{
    static unsigned char buf[320];
    uint64_t r = 7;
    for (size_t i = 0; i < sizeof buf; i++) r = r * 6364136223846793005ULL + 1, buf[i] = (unsigned char)(r >> 56);
    for (size_t off = 0; off < 8; off++)
        for (size_t n = 0; n + off <= 308; n++) {
            uint32_t want = crc_bitwise(buf + off, n);
            cr_assert_eq(tz_crc32(0, buf + off, n), want, "offset %zu length %zu", off, n);
            size_t h = n / 3;
            cr_assert_eq(tz_crc32(tz_crc32(0, buf + off, h), buf + off + h, n - h), want);
        }
}

Test(rnnlm, checkpoint_round_trip_and_damage)
{
    cr_assert_eq(tz_crc32(0, "123456789", 9), 0xCBF43926u, "the standard CRC-32 check value");
    tmp_setup();
    RnnLM m;
    rnnlm_init(&m, TZ_CELL_GRU, 3, 2, 4, 2, 9);
    CharStream toks = { 0 };
    vocab_init(&toks.chars);
    vocab_add(&toks.chars, "a", 1, 1);
    vocab_add(&toks.chars, "ğ", 2, 1);
    vocab_add(&toks.chars, "\n", 1, 1);
    TzErr e;
    char *p = tmp_path("m.tzm");
    cr_assert_eq(rnnlm_save(&m, &toks, TZ_LANG_TR, p, &e), 0, "%s", e.en);
    cr_assert(rnnlm_is_checkpoint(p));
    RnnLM back;
    CharStream bc;
    TzLang lang = TZ_LANG_EN;
    cr_assert_eq(rnnlm_load(&back, &bc, &lang, p, &e), 0, "%s", e.en);
    cr_assert_eq(back.kind, TZ_CELL_GRU);
    cr_assert_eq(back.L, 2);
    cr_assert_eq(lang, TZ_LANG_TR);
    cr_assert_eq(bc.word, 0);
    cr_assert_str_eq(vocab_word(&bc.chars, 1), "ğ");
    cr_assert_eq(memcmp(back.cell[1].U, m.cell[1].U, 3 * 4 * 4 * sizeof(float)), 0, "bit for bit");
    cr_assert_eq(memcmp(back.Wo, m.Wo, 3 * 4 * sizeof(float)), 0);
    rnnlm_free(&back);
    charstream_free(&bc);
    /* damage: every truncation, a flipped byte, a wrong version */
    size_t n;
    char *data = tmp_slurp(p, &n);
    char *q = tmp_path("bad.tzm");
    for (size_t cut = 0; cut < n; cut += 7) {
        tmp_write(q, data, cut);
        cr_assert_eq(rnnlm_load(&back, &bc, NULL, q, &e), TZ_E_FORMAT, "cut at %zu", cut);
    }
    data[n / 2] ^= 0x40;
    tmp_write(q, data, n);
    cr_assert_eq(rnnlm_load(&back, &bc, NULL, q, &e), TZ_E_FORMAT);
    cr_assert(strstr(e.en, "CRC mismatch"), "%s", e.en);
    data[n / 2] ^= 0x40;
    data[8] = 3;
    tmp_write(q, data, n);
    cr_assert_eq(rnnlm_load(&back, &bc, NULL, q, &e), TZ_E_FORMAT);
    cr_assert(strstr(e.en, "version 3"), "%s", e.en);
    data[8] = 2;
    data[16] = (char)0xFF; data[17] = (char)0xFF; data[18] = (char)0xFF; data[19] = (char)0x7F;   /* V absurd */
    tmp_write(q, data, n);
    cr_assert_eq(rnnlm_load(&back, &bc, NULL, q, &e), TZ_E_FORMAT);
    cr_assert(strstr(e.en, "byte 16"), "%s", e.en);
    data[16] = 3; data[17] = 0; data[18] = 0; data[19] = 0;
    data[32] = 7;                                               /* level */
    tmp_write(q, data, n);
    cr_assert_eq(rnnlm_load(&back, &bc, NULL, q, &e), TZ_E_FORMAT);
    cr_assert(strstr(e.en, "byte 32: level 7"), "%s", e.en);
    data[32] = 0;
    /* a version-1 file (a character model without level and language) still loads */
    char *v1 = tz_malloc(n);
    memcpy(v1, data, 32);
    v1[8] = 1;
    memcpy(v1 + 32, data + 40, n - 40 - 4);
    uint32_t crc = tz_crc32(0, v1, n - 8 - 4);
    memcpy(v1 + n - 8 - 4, &crc, 4);                            /* little-endian machine */
    tmp_write(q, v1, n - 8);
    cr_assert_eq(rnnlm_load(&back, &bc, &lang, q, &e), 0, "%s", e.en);
    cr_assert_eq(bc.word, 0);
    cr_assert_eq(lang, TZ_LANG_EN);
    rnnlm_free(&back);
    charstream_free(&bc);
    free(v1);
    /* a word model round trip */
    toks.word = 1;
    vocab_add(&toks.chars, "içiyorum", strlen("içiyorum"), 1);
    rnnlm_free(&m);
    rnnlm_init(&m, TZ_CELL_LSTM, 4, 2, 3, 1, 5);
    cr_assert_eq(rnnlm_save(&m, &toks, TZ_LANG_TR, p, &e), 0, "%s", e.en);
    cr_assert_eq(rnnlm_load(&back, &bc, &lang, p, &e), 0, "%s", e.en);
    cr_assert_eq(bc.word, 1);
    cr_assert_str_eq(vocab_word(&bc.chars, 3), "içiyorum");
    rnnlm_free(&back);
    charstream_free(&bc);
    free(data);
    charstream_free(&toks);
    rnnlm_free(&m);
    tmp_teardown();
}
