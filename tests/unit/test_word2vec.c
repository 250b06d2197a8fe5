/* test_word2vec.c — Word2Vec: the objective's gradients against central differences, the
 * trainer's own steps against those gradients, recovery of planted structure (clusters and
 * an analogy), bit-for-bit determinism with one thread, and stopping early. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/corpus.h"
#include "tmpdir.h"
#include "models/vectors.h"
#include "models/word2vec.h"

static float frand(uint64_t *r)
{
    *r = *r * 6364136223846793005ULL + 1442695040888963407ULL;
    return (float)((*r >> 40) & 0xFFFFFF) / 16777216.0f - 0.5f;
}

/* --- 1. the objective's gradient, by central differences ------------------------------- */
Test(word2vec, output_loss_gradient_matches_central_differences)
{
    enum { C = 6, N = 4 };
    uint64_t r = 42;
    float h[C], ustore[N][C], gh[C], gu[N * C];
    const float *u[N];
    int y[N] = { 1, 0, 0, 1 };              /* a true word, two negatives, an HS bit */
    for (int i = 0; i < C; i++) h[i] = frand(&r) * 2;
    for (int j = 0; j < N; j++) { for (int i = 0; i < C; i++) ustore[j][i] = frand(&r) * 2; u[j] = ustore[j]; }
    w2v_output_loss(h, u, y, N, C, gh, gu);
    const float eps = 1e-3f;
    for (int i = 0; i < C; i++) {
        float save = h[i];
        h[i] = save + eps; double lp = w2v_output_loss(h, u, y, N, C, NULL, NULL);
        h[i] = save - eps; double lm = w2v_output_loss(h, u, y, N, C, NULL, NULL);
        h[i] = save;
        double num = (lp - lm) / (2 * eps);
        cr_assert(fabs(num - gh[i]) < 1e-3 * (1 + fabs(num)), "dL/dh[%d]: numeric %g analytic %g", i, num, gh[i]);
    }
    for (int j = 0; j < N; j++)
        for (int i = 0; i < C; i++) {
            float save = ustore[j][i];
            ustore[j][i] = save + eps; double lp = w2v_output_loss(h, u, y, N, C, NULL, NULL);
            ustore[j][i] = save - eps; double lm = w2v_output_loss(h, u, y, N, C, NULL, NULL);
            ustore[j][i] = save;
            double num = (lp - lm) / (2 * eps);
            cr_assert(fabs(num - gu[j * C + i]) < 1e-3 * (1 + fabs(num)), "dL/du[%d][%d]: numeric %g analytic %g", j, i,
                      num, gu[j * C + i]);
        }
}

Test(word2vec, sigmoid_table_is_accurate)
{
    for (float x = -8; x <= 8; x += 0.0137f) {
        double exact = 1.0 / (1.0 + exp(-x));
        cr_assert(fabs(w2v_sigmoid(x) - exact) < 3e-3, "sigma(%g): table %g exact %g", x, w2v_sigmoid(x), exact);
    }
}

/* --- 2. the trainer's steps are −alpha × those gradients ------------------------------- */
static void small_model(Word2Vec *m, Corpus *c, int neg, int hs)
{
    corpus_from(c, "a b c a b c a b a\n");
    W2VConfig cfg = w2v_defaults(1);
    cfg.dim = 5; cfg.neg = neg; cfg.hs = hs; cfg.min_count = 1; cfg.sample = 0;
    TzErr e;
    cr_assert_eq(w2v_init(m, &cfg, c, &e), 0, "%s", e.en);
    uint64_t r = 7;
    for (size_t i = 0; i < m->V * m->C; i++) {        /* non-zero outputs: a real test */
        if (m->syn1neg) m->syn1neg[i] = frand(&r);
        if (m->syn1) m->syn1[i] = frand(&r);
        m->syn0[i] = frand(&r);
    }
}

Test(word2vec, negative_sampling_step_follows_the_gradient)
{
    Word2Vec m;
    Corpus c;
    small_model(&m, &c, 1, 0);
    /* Make every negative draw the same word so the step is known: every alias column is 2. */
    for (size_t i = 0; i < m.V; i++) { m.neg_prob[i] = 0; m.neg_alias[i] = 2; }
    const int C = (int)m.C;
    size_t w = 0;
    float h[8], neu1e[8] = { 0 }, gh[8], gu[16];
    memcpy(h, m.syn0 + 1 * m.C, C * sizeof *h);
    float before_w[8], before_n[8];
    memcpy(before_w, m.syn1neg + w * m.C, C * sizeof(float));
    memcpy(before_n, m.syn1neg + 2 * m.C, C * sizeof(float));
    const float *u[2] = { before_w, before_n };
    int y[2] = { 1, 0 };
    double loss = w2v_output_loss(h, u, y, 2, C, gh, gu);
    float alpha = 0.01f;
    uint64_t r = 1;
    float l = w2v_ns_step(&m, h, neu1e, w, alpha, &r);
    cr_assert(fabs(l - loss) < 2e-3, "loss %g vs %g", l, loss);
    for (int i = 0; i < C; i++) {
        cr_assert(fabs(neu1e[i] - (-alpha * gh[i])) < 2e-4, "h step %d: %g vs %g", i, neu1e[i], -alpha * gh[i]);
        cr_assert(fabs((m.syn1neg[w * m.C + i] - before_w[i]) - (-alpha * gu[i])) < 2e-4);
        cr_assert(fabs((m.syn1neg[2 * m.C + i] - before_n[i]) - (-alpha * gu[C + i])) < 2e-4);
    }
    w2v_free(&m);
    corpus_free(&c);
}

/* Skip-gram's window step (shared outputs) is −α × the gradient of Σ_j L(x_j, Y), taken at
 * the values before the step: X and Y move together, as in one batched SGD step. */
Test(word2vec, skipgram_window_step_follows_the_gradient)
{
    for (int hs = 0; hs <= 1; hs++) {
        Word2Vec m;
        Corpus c;
        small_model(&m, &c, 1, hs);
        for (size_t i = 0; i < m.V; i++) { m.neg_prob[i] = 0; m.neg_alias[i] = 2; }
        const int C = (int)m.C;
        size_t w = 1;
        uint32_t ctx[2] = { 0, 2 };
        /* the outputs: w's Huffman path (hs), then w and the negative 2 */
        const float *u[8];
        float before[8][8];
        int y[8], n = 0;
        float *rowp[8];
        if (hs)
            for (int j = 0; j < m.codelen[w]; j++) {
                rowp[n] = m.syn1 + (size_t)m.points[w * W2V_MAX_CODE + j] * m.C;
                y[n++] = 1 - m.codes[w * W2V_MAX_CODE + j];
            }
        rowp[n] = m.syn1neg + w * m.C; y[n++] = 1;
        rowp[n] = m.syn1neg + 2 * m.C; y[n++] = 0;
        for (int k = 0; k < n; k++) { memcpy(before[k], rowp[k], C * sizeof(float)); u[k] = before[k]; }
        float x0[2][8], gh[2][8], gu[2][8 * 8];
        double loss = 0;
        for (int j = 0; j < 2; j++) {
            memcpy(x0[j], m.syn0 + ctx[j] * m.C, C * sizeof(float));
            loss += w2v_output_loss(x0[j], u, y, n, C, gh[j], gu[j]);
        }
        float alpha = 0.03f, ex[2 * 8], g[2 * (W2V_MAX_CODE + 64)];
        uint64_t r = 3;
        float l = w2v_sg_window(&m, ctx, 2, w, alpha, &r, ex, g);
        cr_assert(fabs(l - loss) < 4e-3, "hs=%d: loss %g vs %g", hs, l, loss);
        for (int j = 0; j < 2; j++)
            for (int i = 0; i < C; i++)
                cr_assert(fabs((m.syn0[ctx[j] * m.C + i] - x0[j][i]) + alpha * gh[j][i]) < 3e-4, "hs=%d x%d[%d]", hs, j, i);
        for (int k = 0; k < n; k++)
            for (int i = 0; i < C; i++) {
                float want = -alpha * (gu[0][k * C + i] + gu[1][k * C + i]);
                cr_assert(fabs((rowp[k][i] - before[k][i]) - want) < 3e-4, "hs=%d y%d[%d]: %g vs %g", hs, k, i,
                          rowp[k][i] - before[k][i], want);
            }
        w2v_free(&m);
        corpus_free(&c);
    }
}

Test(word2vec, hierarchical_softmax_step_follows_the_gradient)
{
    Word2Vec m;
    Corpus c;
    small_model(&m, &c, 0, 1);
    const int C = (int)m.C;
    for (size_t w = 0; w < m.V; w++) {
        int len = m.codelen[w];
        cr_assert(len >= 1 && len <= 2, "3 words: codes of 1 or 2 bits (got %d)", len);
        float h[8], neu1e[8] = { 0 }, gh[8], gu[2 * 8], before[2][8];
        memcpy(h, m.syn0 + ((w + 1) % m.V) * m.C, C * sizeof *h);
        const float *u[2];
        int y[2];
        for (int j = 0; j < len; j++) {
            int32_t node = m.points[w * W2V_MAX_CODE + j];
            cr_assert(node >= 0 && (size_t)node < m.V - 1);
            memcpy(before[j], m.syn1 + (size_t)node * m.C, C * sizeof(float));
            u[j] = before[j];
            y[j] = 1 - m.codes[w * W2V_MAX_CODE + j];
        }
        double loss = w2v_output_loss(h, u, y, len, C, gh, gu);
        float alpha = 0.02f;
        float l = w2v_hs_step(&m, h, neu1e, w, alpha);
        cr_assert(fabs(l - loss) < 2e-3, "loss %g vs %g", l, loss);
        for (int i = 0; i < C; i++) cr_assert(fabs(neu1e[i] + alpha * gh[i]) < 2e-4);
        for (int j = 0; j < len; j++) {
            int32_t node = m.points[w * W2V_MAX_CODE + j];
            for (int i = 0; i < C; i++)
                cr_assert(fabs((m.syn1[(size_t)node * m.C + i] - before[j][i]) + alpha * gu[j * C + i]) < 2e-4);
        }
    }
    w2v_free(&m);
    corpus_free(&c);
}

Test(word2vec, huffman_codes_are_prefix_free_and_frequent_words_are_short)
{
    Corpus c;
    /* counts 8 4 2 1 1: the classic Huffman shape */
    corpus_from(&c, "a a a a a a a a b b b b c c d e\n");
    W2VConfig cfg = w2v_defaults(1);
    cfg.dim = 4; cfg.neg = 0; cfg.hs = 1; cfg.min_count = 1;
    Word2Vec m;
    TzErr e;
    cr_assert_eq(w2v_init(&m, &cfg, &c, &e), 0);
    int expect[5] = { 1, 2, 3, 4, 4 };
    for (size_t w = 0; w < 5; w++) cr_assert_eq(m.codelen[w], expect[w], "word %zu: %d bits", w, m.codelen[w]);
    for (size_t a = 0; a < 5; a++)
        for (size_t b = 0; b < 5; b++) {
            if (a == b || m.codelen[a] > m.codelen[b]) continue;
            cr_assert(memcmp(m.codes + a * W2V_MAX_CODE, m.codes + b * W2V_MAX_CODE, m.codelen[a]) != 0,
                      "code of %zu is a prefix of %zu", a, b);
        }
    w2v_free(&m);
    corpus_free(&c);
}

/* --- 3. planted structure -------------------------------------------------------------- */
/* Four clusters of eight words; each sentence uses words of one cluster only. */
static char *cluster_text(int sentences)
{
    size_t cap = (size_t)sentences * 64 + 1;
    char *t = malloc(cap);
    size_t o = 0;
    uint64_t r = 99;
    for (int s = 0; s < sentences; s++) {
        int k = s % 4;
        for (int j = 0; j < 6; j++) {
            r = r * 6364136223846793005ULL + 1;
            o += (size_t)snprintf(t + o, cap - o, "%sc%dw%d", j ? " " : "", k, (int)((r >> 33) % 8));
        }
        t[o++] = '\n';
    }
    t[o] = '\0';
    return t;
}

static void check_clusters(int sg, int hs)
{
    Corpus c;
    char *text = cluster_text(4000);
    corpus_from(&c, text);
    free(text);
    W2VConfig cfg = w2v_defaults(sg);
    cfg.dim = 20; cfg.window = 3; cfg.min_count = 1; cfg.sample = 0; cfg.epochs = 5; cfg.threads = 1;
    cfg.hs = hs; cfg.neg = hs ? 0 : 5;
    Word2Vec m;
    TzErr e;
    cr_assert_eq(w2v_init(&m, &cfg, &c, &e), 0);
    cr_assert_eq(w2v_train(&m, &c, NULL, &e), 0);
    cr_assert(m.finished);
    Vectors v;
    w2v_to_vectors(&m, &v);
    int good = 0, total = 0;
    for (size_t i = 0; i < v.n; i++) {
        Neighbor nb[5];
        size_t n = vectors_nearest(&v, vectors_row(&v, i), &i, 1, 5, 0, nb);
        const char *w = vocab_word(&v.words, i);
        for (size_t j = 0; j < n; j++) {
            total++;
            good += vocab_word(&v.words, nb[j].id)[1] == w[1];   /* same cluster digit */
        }
    }
    cr_assert(good >= total * 95 / 100, "%s/%s: %d of %d neighbours in the same cluster", sg ? "skipgram" : "cbow",
              hs ? "hs" : "ns", good, total);
    vectors_free(&v);
    w2v_free(&m);
    corpus_free(&c);
}

Test(word2vec, skipgram_ns_recovers_clusters, .timeout = 60) { check_clusters(1, 0); }
Test(word2vec, cbow_ns_recovers_clusters, .timeout = 60) { check_clusters(0, 0); }
Test(word2vec, skipgram_hs_recovers_clusters, .timeout = 60) { check_clusters(1, 1); }
Test(word2vec, cbow_hs_recovers_clusters, .timeout = 60) { check_clusters(0, 1); }

/* Ten entities, each in a "plain" form pX and a "marked" form qX; both share the entity's
 * topic words, the marked form also co-occurs with marker words. Then q3 − p3 + p7 ≈ q7. */
Test(word2vec, planted_analogy_holds, .timeout = 120)
{
    size_t cap = 6000 * 80;
    char *t = malloc(cap);
    size_t o = 0;
    uint64_t r = 5;
    for (int s = 0; s < 6000; s++) {
        r = r * 6364136223846793005ULL + 1;
        int ent = (int)((r >> 33) % 10), marked = (int)((r >> 20) & 1);
        int t1 = (int)((r >> 40) % 4), t2 = (int)((r >> 45) % 4), mk = (int)((r >> 50) % 3);
        if (marked)
            o += (size_t)snprintf(t + o, cap - o, "t%d_%d q%d m%d t%d_%d m%d\n", ent, t1, ent, mk, ent, t2, (mk + 1) % 3);
        else
            o += (size_t)snprintf(t + o, cap - o, "t%d_%d p%d n%d t%d_%d n%d\n", ent, t1, ent, mk, ent, t2, (mk + 1) % 3);
    }
    Corpus c;
    corpus_from(&c, t);
    free(t);
    W2VConfig cfg = w2v_defaults(1);
    cfg.dim = 30; cfg.window = 3; cfg.min_count = 1; cfg.sample = 0; cfg.epochs = 10; cfg.threads = 1;
    Word2Vec m;
    TzErr e;
    cr_assert_eq(w2v_init(&m, &cfg, &c, &e), 0);
    cr_assert_eq(w2v_train(&m, &c, NULL, &e), 0);
    Vectors v;
    w2v_to_vectors(&m, &v);
    int right = 0;
    for (int a = 0; a < 10; a++) {
        int b = (a + 3) % 10;
        char qa[16], pa[16], pb[16], qb[16];
        snprintf(qa, 16, "q%d", a); snprintf(pa, 16, "p%d", a); snprintf(pb, 16, "p%d", b); snprintf(qb, 16, "q%d", b);
        Neighbor nb[1];
        size_t n = vectors_analogy(&v, (size_t)vectors_find(&v, qa), (size_t)vectors_find(&v, pa),
                                   (size_t)vectors_find(&v, pb), 0, 1, 0, nb);
        right += n == 1 && strcmp(vocab_word(&v.words, nb[0].id), qb) == 0;
    }
    cr_assert(right >= 8, "the planted analogy q_a − p_a + p_b = q_b held %d times of 10", right);
    vectors_free(&v);
    w2v_free(&m);
    corpus_free(&c);
}

/* --- 4. determinism, stopping, bad configurations ------------------------------------- */
static void train_once(const Corpus *c, uint64_t seed, int sg, float **out, size_t *n)
{
    W2VConfig cfg = w2v_defaults(sg);
    cfg.dim = 16; cfg.min_count = 1; cfg.threads = 1; cfg.seed = seed; cfg.epochs = 2;
    Word2Vec m;
    TzErr e;
    cr_assert_eq(w2v_init(&m, &cfg, c, &e), 0);
    cr_assert_eq(w2v_train(&m, c, NULL, &e), 0);
    *n = m.V * m.C;
    *out = malloc(*n * sizeof **out);
    memcpy(*out, m.syn0, *n * sizeof **out);
    w2v_free(&m);
}

Test(word2vec, one_thread_with_a_seed_is_bit_for_bit_reproducible, .timeout = 60)
{
    Corpus c;
    char *text = cluster_text(2000);
    corpus_from(&c, text);
    free(text);
    for (int sg = 0; sg <= 1; sg++) {
        float *a, *b, *d;
        size_t n;
        train_once(&c, 7, sg, &a, &n);
        train_once(&c, 7, sg, &b, &n);
        train_once(&c, 8, sg, &d, &n);
        cr_assert_eq(memcmp(a, b, n * sizeof *a), 0, "same seed, different vectors (sg=%d)", sg);
        cr_assert_neq(memcmp(a, d, n * sizeof *a), 0, "another seed, same vectors (sg=%d)", sg);
        free(a); free(b); free(d);
    }
    corpus_free(&c);
}

static int train_job(Job *job, void *arg, TzErr *e)
{
    void **p = arg;
    return w2v_train(p[0], p[1], job, e);
}

Test(word2vec, a_cancelled_job_keeps_finite_vectors, .timeout = 60)
{
    Corpus c;
    char *text = cluster_text(200000);
    corpus_from(&c, text);
    free(text);
    W2VConfig cfg = w2v_defaults(1);
    cfg.min_count = 1; cfg.epochs = 50; cfg.threads = 2;
    Word2Vec m;
    TzErr e;
    cr_assert_eq(w2v_init(&m, &cfg, &c, &e), 0);
    void *arg[2] = { &m, &c };
    Job *j = job_start("w2v", "word", train_job, arg);
    usleep(300000);
    job_cancel(j);
    cr_assert_eq(job_wait(j, &e), 0);
    cr_assert_eq(m.finished, 0, "50 epochs cannot finish in 0.3 s");
    for (size_t i = 0; i < m.V * m.C; i++) cr_assert(isfinite(m.syn0[i]));
    w2v_free(&m);
    corpus_free(&c);
}

Test(word2vec, bad_configurations_are_refused)
{
    Corpus c;
    corpus_from(&c, "a b c\n");
    W2VConfig cfg = w2v_defaults(1);
    Word2Vec m;
    TzErr e;
    cfg.min_count = 5;                       /* every word is rarer */
    cr_assert_eq(w2v_init(&m, &cfg, &c, &e), TZ_E_ARG);
    cr_assert(strstr(e.en, "min_count") && strstr(e.tr, "min_count"));
    cfg.min_count = 1; cfg.neg = 0; cfg.hs = 0;
    cr_assert_eq(w2v_init(&m, &cfg, &c, &e), TZ_E_ARG);
    cfg.neg = 5; cfg.dim = 0;
    cr_assert_eq(w2v_init(&m, &cfg, &c, &e), TZ_E_ARG);
    corpus_free(&c);
    w2v_free(&m);   /* safe after a refused init */
}
