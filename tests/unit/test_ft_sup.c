/* test_ft_sup.c — fastText's classifier (src/engine/models/ft_sup.c), against the real one:
 *   - sup_softmax.bin and sup_hs.bin were trained by Debian's `fasttext supervised` 0.9.2
 *     (tests/ref/make_ft_sup_fixtures.py: word bigrams; the hs one with character n-grams and
 *     a Huffman tree over five labels of unequal counts). Our predictions on sup_test.txt give
 *     fastText's labels and probabilities (sup_*.pred), and our test counts its P@k and R@k.
 *   - a model trained here, saved as .bin, is read by the fasttext binary, which predicts with
 *     our probabilities and tests to our numbers.
 *   - the step of each loss (softmax, hierarchical softmax, one-vs-all) against central
 *     differences; training learns a planted rule; one thread and one seed give one model.
 *   - bad files: no labels, empty, not UTF-8, missing.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmpdir.h"
#include "core/io.h"
#include "formats/fasttext_bin.h"
#include "models/fasttext.h"
#include "models/ft_sup.h"

#ifndef FT_FIXTURES
#define FT_FIXTURES "tests/ref/fasttext"
#endif
#define SUP_TEST FT_FIXTURES "/sup_test.txt"
#define SUP_TRAIN FT_FIXTURES "/sup_train.txt"

TestSuite(ft_sup, .init = tmp_setup, .fini = tmp_teardown);

static void load(FastText *ft, const char *path)
{
    TzErr e;
    cr_assert_eq(ft_bin_load(ft, path, 0, &e), 0, "loading %s: %s", path, e.en);
    cr_assert_eq(ft->args.model, FT_MODEL_SUP);
}

/* Predict every line of SUP_TEST (top 3) and compare with fastText's predict-prob output
 * (one line per input line: "__label__x p __label__y p …"). fastText's numbers carry its
 * +1e-5 inside the log (per factor for hs): tol covers that and its 6 printed digits. */
static void compare_predictions(const FastText *ft, const char *pred_path, double shift, double tol)
{
    size_t nt, np;
    char *text = tmp_slurp(SUP_TEST, &nt), *pred = tmp_slurp(pred_path, &np);
    cr_assert(text && pred, "missing fixtures");
    char *tl = text, *pl = pred;
    FtLine l = { 0 };
    size_t lines = 0, compared = 0;
    while (*tl) {
        char *tn = strchr(tl, '\n'), *pn = strchr(pl, '\n');
        cr_assert(tn && pn, "line %zu: the fixtures disagree in length", lines + 1);
        *tn = *pn = '\0';
        ft_sup_line(ft, tl, strlen(tl), 1, &l);
        FtPred p[3];
        size_t n = ft_sup_predict(ft, l.feat, l.nfeat, 3, 0, p);
        char *save = NULL, *tok = strtok_r(pl, " ", &save);
        size_t i = 0;
        for (; tok && i < n; i++) {
            char *prob = strtok_r(NULL, " ", &save);
            cr_assert_not_null(prob);
            double theirs = strtod(prob, NULL), ours = p[i].prob + shift;
            const char *name = vocab_word(&ft->dict, ft->nwords + (size_t)p[i].label);
            /* labels must agree unless two probabilities are within the tolerance (a tie) */
            if (strcmp(name, tok) != 0)
                cr_assert(i + 1 < n && fabs(p[i].prob - p[i + 1].prob) < tol,
                          "line %zu, rank %zu: we say %s, fastText says %s", lines + 1, i + 1, name, tok);
            /* fastText prints 6 significant digits: half a unit of the last one more */
            cr_assert(fabs(ours - theirs) <= tol + 5e-6 * fabs(theirs), "line %zu, rank %zu (%s): %.7f here, %.7f in fastText", lines + 1,
                      i + 1, tok, ours, theirs);
            compared++;
            tok = strtok_r(NULL, " ", &save);
        }
        cr_assert(tok == NULL && i == n, "line %zu: a different number of predictions", lines + 1);
        tl = tn + 1;
        pl = pn + 1;
        lines++;
    }
    cr_assert_gt(lines, 100);
    cr_assert_gt(compared, 3 * 100);
    ft_line_free(&l);
    free(text);
    free(pred);
}

Test(ft_sup, softmax_predicts_as_fasttext)
{
    FastText ft = { 0 };
    load(&ft, FT_FIXTURES "/sup_softmax.bin");
    cr_assert_eq(ft.args.word_ngrams, 2);
    compare_predictions(&ft, FT_FIXTURES "/sup_softmax.pred", 1e-5, 1e-6);
    ft_free(&ft);
}

Test(ft_sup, hierarchical_softmax_predicts_as_fasttext)
{
    FastText ft = { 0 };
    load(&ft, FT_FIXTURES "/sup_hs.bin");
    cr_assert_eq(ft.args.loss, FT_LOSS_HS);
    cr_assert_eq(ft.args.maxn, 4);
    /* fastText multiplies (σ + 1e-5) along a path of at most 4 nodes here */
    compare_predictions(&ft, FT_FIXTURES "/sup_hs.pred", 0, 5e-5);
    ft_free(&ft);
}

/* "N\t121\nP@1\t0.992\nR@1\t0.889\n" → the three numbers. */
static void read_test(const char *path, double *N, double *P, double *R)
{
    size_t n;
    char *s = tmp_slurp(path, &n);
    cr_assert_not_null(s, "missing %s", path);
    char k1[8], k2[8], k3[8];
    cr_assert_eq(sscanf(s, "%7s %lf %7s %lf %7s %lf", k1, N, k2, P, k3, R), 6, "bad %s", path);
    free(s);
}

static void compare_test(const char *model, const char *stem)
{
    FastText ft = { 0 };
    load(&ft, model);
    for (size_t k = 1; k <= 2; k++) {
        char path[256];
        snprintf(path, sizeof path, "%s.test%zu", stem, k);
        double N, P, R;
        read_test(path, &N, &P, &R);
        FtSupTest t;
        TzErr e;
        cr_assert_eq(ft_sup_test(&ft, SUP_TEST, k, 0, &t, NULL, &e), 0, "%s", e.en);
        cr_assert_eq((double)t.examples, N);
        cr_assert(fabs((double)t.correct / (double)t.predicted - P) < 5e-4, "P@%zu %f vs %f", k,
                  (double)t.correct / (double)t.predicted, P);
        cr_assert(fabs((double)t.correct / (double)t.gold - R) < 5e-4, "R@%zu", k);
        size_t sum = 0;
        for (size_t i = 0; i < t.nlabels; i++) sum += t.label_correct[i];
        cr_assert_eq(sum, t.correct);
        ft_sup_test_free(&t);
    }
    ft_free(&ft);
}

Test(ft_sup, test_counts_as_fasttext)
{
    compare_test(FT_FIXTURES "/sup_softmax.bin", FT_FIXTURES "/sup_softmax");
    compare_test(FT_FIXTURES "/sup_hs.bin", FT_FIXTURES "/sup_hs");
}

/* Run a command, return its standard output (malloc'd). */
static char *run(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p, "cannot run %s", cmd);
    size_t cap = 1 << 16, n = 0;
    char *s = malloc(cap);
    size_t got;
    while ((got = fread(s + n, 1, cap - n - 1, p)) > 0) {
        n += got;
        if (n + 1 == cap) s = realloc(s, cap *= 2);
    }
    s[n] = '\0';
    cr_assert_eq(pclose(p), 0, "%s failed", cmd);
    return s;
}

static FtSupConfig small_cfg(void)
{
    FtSupConfig c = ft_sup_defaults();
    c.dim = 8;
    c.epochs = 15;
    c.lr = 0.5;
    c.word_ngrams = 2;
    c.bucket = 1000;
    return c;
}

Test(ft_sup, our_bin_is_read_by_fasttext)
{
    cr_assert_eq(system("command -v fasttext >/dev/null"), 0, "Debian's fasttext is not installed (make deps)");
    for (int loss = 0; loss < 2; loss++) {
        FtSupConfig c = small_cfg();
        if (loss) { c.loss = FT_LOSS_HS; c.minn = 2; c.maxn = 4; }
        FastText ft;
        FtSupStats st;
        TzErr e;
        cr_assert_eq(ft_sup_train(SUP_TRAIN, &c, &ft, &st, NULL, &e), 0, "%s", e.en);
        cr_assert(st.finished);
        char *bin = tmp_path(loss ? "hs.bin" : "softmax.bin");
        cr_assert_eq(ft_bin_save(&ft, bin, &e), 0, "%s", e.en);
        char cmd[512];
        snprintf(cmd, sizeof cmd, "fasttext predict-prob %s %s 3", bin, SUP_TEST);
        char *out = run(cmd);
        char *pred = tmp_path("ours.pred");
        tmp_write(pred, out, strlen(out));
        compare_predictions(&ft, pred, loss ? 0 : 1e-5, loss ? 5e-5 : 1e-6);
        free(out);
        /* and fastText's test agrees with ours */
        snprintf(cmd, sizeof cmd, "fasttext test %s %s 1", bin, SUP_TEST);
        out = run(cmd);
        double N, P, R;
        cr_assert_eq(sscanf(out, "N %lf P@1 %lf R@1 %lf", &N, &P, &R), 3, "fasttext test said: %s", out);
        FtSupTest t;
        cr_assert_eq(ft_sup_test(&ft, SUP_TEST, 1, 0, &t, NULL, &e), 0);
        cr_assert_eq((double)t.examples, N);
        cr_assert(fabs((double)t.correct / (double)t.predicted - P) < 5e-4);
        /* the topics are easy: a model that learned anything gets most right */
        cr_assert_gt(P, 0.9, "P@1 only %f", P);
        ft_sup_test_free(&t);
        free(out);
        ft_free(&ft);
    }
}

/* --- the step against central differences ---------------------------------------------------- */

/* loss(h, out) with lr = 0 (nothing moves). */
static double loss_at(int loss, const FtHsTree *t, float *out, size_t L, size_t D, const float *h, int32_t target,
                      const int32_t *labs, size_t nlab)
{
    float g[16];
    double sc[8];
    return ft_sup_step(loss, t, out, L, D, h, target, labs, nlab, 0, g, sc);
}

Test(ft_sup, steps_are_the_gradient)
{
    enum { L = 5, D = 6 };
    int64_t counts[L] = { 50, 20, 20, 7, 3 };
    FtHsTree tree;
    ft_hs_build(&tree, counts, L);
    int losses[3] = { FT_LOSS_SOFTMAX, FT_LOSS_HS, FT_LOSS_OVA };
    uint64_t r = 42;
    for (int li = 0; li < 3; li++)
        for (int32_t target = 0; target < L; target++) {
            float h[D], out[L * D], out0[L * D], g[D];
            double sc[L];
            for (size_t i = 0; i < D; i++) { r = r * 6364136223846793005ULL + 1; h[i] = (float)((double)(r >> 40) / (1 << 24) - 0.5); }
            for (size_t i = 0; i < L * D; i++) { r = r * 6364136223846793005ULL + 1; out[i] = (float)((double)(r >> 40) / (1 << 24) - 0.5) * 2; }
            memcpy(out0, out, sizeof out);
            int32_t labs[2] = { target, (target + 2) % L };
            size_t nlab = losses[li] == FT_LOSS_OVA ? 2 : 1;
            const float lr = 1e-3f;   /* small, so that out's move is lr × gradient to float precision */
            ft_sup_step(losses[li], &tree, out, L, D, h, target, labs, nlab, lr, g, sc);
            const double eps = 1e-2;
            for (size_t i = 0; i < D; i++) {
                float hp[D], hm[D];
                memcpy(hp, h, sizeof hp); memcpy(hm, h, sizeof hm);
                hp[i] += (float)eps; hm[i] -= (float)eps;
                double num = (loss_at(losses[li], &tree, out0, L, D, hp, target, labs, nlab) -
                              loss_at(losses[li], &tree, out0, L, D, hm, target, labs, nlab)) / (2 * eps);
                double ana = -g[i] / lr;
                cr_assert(fabs(num - ana) < 1e-3 * (1 + fabs(num)), "loss %d target %d: dL/dh[%zu] %f vs %f",
                          losses[li], target, i, ana, num);
            }
            for (size_t j = 0; j < L * D; j++) {
                float op[L * D], om[L * D];
                memcpy(op, out0, sizeof op); memcpy(om, out0, sizeof om);
                op[j] += (float)eps; om[j] -= (float)eps;
                double num = (loss_at(losses[li], &tree, op, L, D, h, target, labs, nlab) -
                              loss_at(losses[li], &tree, om, L, D, h, target, labs, nlab)) / (2 * eps);
                double ana = -((double)out[j] - out0[j]) / lr;
                cr_assert(fabs(num - ana) < 2e-3 * (1 + fabs(num)), "loss %d target %d: dL/dout[%zu] %f vs %f",
                          losses[li], target, j, ana, num);
            }
        }
    ft_hs_free(&tree);
}

Test(ft_sup, huffman_tree_gives_frequent_labels_short_paths)
{
    int64_t counts[5] = { 50, 20, 20, 7, 3 };
    FtHsTree t;
    ft_hs_build(&t, counts, 5);
    int depth[5];
    for (int i = 0; i < 5; i++) {
        depth[i] = 0;
        for (int32_t n = i; t.parent[n] >= 0; n = t.parent[n]) depth[i]++;
    }
    cr_assert_eq(depth[0], 1);     /* 50 of 100: one step from the root */
    cr_assert_geq(depth[4], depth[1]);
    cr_assert_eq(t.parent[8], -1); /* the root is the last node */
    /* probabilities along the tree sum to 1 for any h: checked through predictions */
    ft_hs_free(&t);
}

/* --- training ------------------------------------------------------------------------------- */

Test(ft_sup, every_loss_learns_the_topics)
{
    int losses[3] = { FT_LOSS_SOFTMAX, FT_LOSS_HS, FT_LOSS_OVA };
    for (int li = 0; li < 3; li++) {
        FtSupConfig c = small_cfg();
        c.loss = losses[li];
        c.threads = 2;
        FastText ft;
        FtSupStats st;
        TzErr e;
        cr_assert_eq(ft_sup_train(SUP_TRAIN, &c, &ft, &st, NULL, &e), 0, "%s", e.en);
        cr_assert_eq(ft.nlabels, 5);
        cr_assert_eq(st.lines, 600);
        FtSupTest t;
        cr_assert_eq(ft_sup_test(&ft, SUP_TEST, 1, 0, &t, NULL, &e), 0);
        cr_assert_gt((double)t.correct / (double)t.predicted, 0.9, "loss %d: P@1 %zu/%zu", losses[li], t.correct,
                     t.predicted);
        /* the probabilities of all labels sum to one (softmax and hs) */
        if (losses[li] != FT_LOSS_OVA) {
            FtLine l = { 0 };
            const char *s = "maç gol takım bugün";
            ft_sup_line(&ft, s, strlen(s), 1, &l);
            FtPred p[5];
            size_t n = ft_sup_predict(&ft, l.feat, l.nfeat, 5, 0, p);
            double sum = 0;
            for (size_t i = 0; i < n; i++) sum += p[i].prob;
            cr_assert_eq(n, 5);
            cr_assert(fabs(sum - 1) < 1e-5, "sum %f", sum);
            cr_assert_str_eq(vocab_word(&ft.dict, ft.nwords + (size_t)p[0].label), "__label__spor");
            ft_line_free(&l);
        }
        ft_sup_test_free(&t);
        ft_free(&ft);
    }
}

Test(ft_sup, one_thread_one_seed_one_model)
{
    FtSupConfig c = small_cfg();
    FastText a, b;
    FtSupStats st;
    TzErr e;
    cr_assert_eq(ft_sup_train(SUP_TRAIN, &c, &a, &st, NULL, &e), 0);
    cr_assert_eq(ft_sup_train(SUP_TRAIN, &c, &b, &st, NULL, &e), 0);
    cr_assert_eq(memcmp(a.input, b.input, a.in_rows * 8 * 4), 0);
    cr_assert_eq(memcmp(a.output, b.output, a.out_rows * 8 * 4), 0);
    ft_free(&b);
    c.seed = 2;
    cr_assert_eq(ft_sup_train(SUP_TRAIN, &c, &b, &st, NULL, &e), 0);
    cr_assert_neq(memcmp(a.output, b.output, a.out_rows * 8 * 4), 0);
    ft_free(&a);
    ft_free(&b);
}

Test(ft_sup, lines_are_read_as_fasttext_reads_them)
{
    /* tabs, \r, runs of spaces separate words; "</s>" ends every line; labels anywhere */
    char *p = tmp_path("t.txt");
    const char *s = "__label__a x  y\r\n\tz __label__b w\n";
    tmp_write(p, s, strlen(s));
    FtSupConfig c = small_cfg();
    c.word_ngrams = 1;
    FastText ft;
    FtSupStats st;
    TzErr e;
    cr_assert_eq(ft_sup_train(p, &c, &ft, &st, NULL, &e), 0, "%s", e.en);
    cr_assert_eq(ft.nwords, 5);   /* x y z w </s> */
    cr_assert_eq(ft.nlabels, 2);
    cr_assert_eq(ft.ntokens, 8);   /* __label__a x y </s> z __label__b w </s> */
    cr_assert_eq(ft.args.bucket, 0, "no n-grams: no bucket rows (as fastText)");
    cr_assert_str_eq(vocab_word(&ft.dict, 0), "</s>");   /* twice: the most frequent */
    FtLine l = { 0 };
    const char *q = "__label__b z\tw unknown";
    cr_assert_eq(ft_sup_line(&ft, q, strlen(q), 1, &l), 5);
    cr_assert_eq(l.nlab, 1);
    cr_assert_str_eq(vocab_word(&ft.dict, ft.nwords + (size_t)l.lab[0]), "__label__b");
    cr_assert_eq(l.nfeat, 3);     /* z w </s>; "unknown" has no row */
    ft_line_free(&l);
    ft_free(&ft);
}

Test(ft_sup, bad_files_are_refused_with_reasons)
{
    FtSupConfig c = small_cfg();
    FastText ft;
    FtSupStats st;
    TzErr e;
    char *p = tmp_path("nolabels.txt");
    tmp_write(p, "just some text\nand more\n", 24);
    cr_assert_eq(ft_sup_train(p, &c, &ft, &st, NULL, &e), TZ_E_FORMAT);
    cr_assert(strstr(e.en, "no labels") && strstr(e.en, "__label__"), "%s", e.en);
    cr_assert(strstr(e.tr, "etiket"), "%s", e.tr);
    cr_assert_null(ft.input);
    p = tmp_path("empty.txt");
    tmp_write(p, "", 0);
    cr_assert_eq(ft_sup_train(p, &c, &ft, &st, NULL, &e), TZ_E_FORMAT);
    p = tmp_path("bad.txt");
    tmp_write(p, "__label__a \xff\xfe x\n", 16);
    cr_assert_eq(ft_sup_train(p, &c, &ft, &st, NULL, &e), TZ_E_FORMAT);
    cr_assert(strstr(e.en, "UTF-8"), "%s", e.en);
    cr_assert_eq(ft_sup_train(tmp_path("missing.txt"), &c, &ft, &st, NULL, &e), TZ_E_IO);
    /* test on a file without labels */
    cr_assert_eq(ft_sup_train(SUP_TRAIN, &c, &ft, &st, NULL, &e), 0);
    FtSupTest t;
    cr_assert_eq(ft_sup_test(&ft, tmp_path("nolabels.txt"), 1, 0, &t, NULL, &e), TZ_E_FORMAT);
    cr_assert(strstr(e.en, "no labels"), "%s", e.en);
    ft_free(&ft);
}
