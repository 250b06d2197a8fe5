/* test_eval.c — intrinsic evaluation (src/engine/models/eval.c): analogy accuracy per section
 * and in total, coverage, the search limit, Turkish lower-casing, 3CosMul, running as a job
 * (and being cancelled); word-pair similarity with Spearman's rho (hand-computed values,
 * ties); bad files reported with their line numbers. Also checks that the evaluation sets in
 * datasets/eval parse. */
#include <criterion/criterion.h>

#include <dirent.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tmpdir.h"
#include "models/eval.h"

TestSuite(eval, .init = tmp_setup, .fini = tmp_teardown);

/* A file in the test's folder holding text; returns its path. */
static const char *write_file(const char *name, const char *text)
{
    char *p = tmp_path(name);
    tmp_write(p, text, strlen(text));
    return p;
}

/* Planted parallelograms on orthonormal directions, every vector of length √2:
 *   kral = R+M, erkek = P+M, kadın = P+F, kraliçe = R+F, baba = A+M, anne = A+F,
 *   paris = C+X, fransa = K+X, berlin = C+Y, almanya = K+Y, kedi = Z+W, ışık = W+V,
 *   ankara = C+U.
 * So b − a + c lands exactly on d for every well-formed question below. */
enum { R, P, M, F, A, C, K, X, Y, Z, W, V, U, DIM };
static const char *WORDS[] = {"kral", "erkek", "kadın", "kraliçe", "baba", "anne", "paris",
                              "fransa", "berlin", "almanya", "kedi", "ışık", "ankara"};
static const int DIRS[][2] = {{R, M}, {P, M}, {P, F}, {R, F}, {A, M}, {A, F}, {C, X},
                              {K, X}, {C, Y}, {K, Y}, {Z, W}, {W, V}, {C, U}};

static void planted(Vectors *v, int normalize)
{
    size_t n = sizeof WORDS / sizeof *WORDS;
    vectors_init(v, n, DIM);
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(vocab_add(&v->words, WORDS[i], strlen(WORDS[i]), (int64_t)(100 - i)), i);
        v->data[i * DIM + DIRS[i][0]] = 1;
        v->data[i * DIM + DIRS[i][1]] = 1;
    }
    if (normalize) vectors_normalize(v);
}

static const char *QUESTIONS =
    "# a comment line\n"
    ": aile\n"
    "erkek kral kadın kraliçe\n"
    "erkek kadın kral kraliçe\n"
    "\n"
    "BABA ANNE KRAL KRALİÇE\n"         /* upper case: Turkish lower-casing gives kraliçe */
    "kral kraliçe baba anne\n"
    "erkek kral kadın prenses\n"       /* prenses unknown: not answered */
    ":  başkent  \n"
    "paris fransa berlin almanya\n"
    "fransa\tparis  almanya berlin\r\n" /* tabs, runs of blanks, CRLF */
    "paris fransa ankara türkiye\n"    /* türkiye unknown */
    "paris fransa berlin kedi\n";      /* answered, wrong: the answer is almanya */

static void check_full(const EvalReport *r)
{
    cr_assert_eq(r->nsections, 2);
    cr_assert_str_eq(r->sections[0].name, "aile");
    cr_assert_str_eq(r->sections[1].name, "başkent", "section names are trimmed: '%s'", r->sections[1].name);
    cr_assert_eq(r->sections[0].questions, 5);
    cr_assert_eq(r->sections[0].answered, 4);
    cr_assert_eq(r->sections[0].correct, 4);
    cr_assert_eq(r->sections[1].questions, 4);
    cr_assert_eq(r->sections[1].answered, 3);
    cr_assert_eq(r->sections[1].correct, 2);
    cr_assert_eq(r->questions, 9);
    cr_assert_eq(r->answered, 7);
    cr_assert_eq(r->correct, 6);
}

Test(eval, analogies_sections_accuracy_coverage)
{
    const char *p = write_file("q.txt", QUESTIONS);
    for (int mul = 0; mul <= 1; mul++) {
        for (int norm = 0; norm <= 1; norm++) {
            Vectors v;
            planted(&v, norm);
            EvalReport r;
            TzErr e = {0};
            cr_assert_eq(eval_analogies(&v, p, 0, mul, TZ_LANG_TR, &r, NULL, &e), 0, "%s", e.en);
            check_full(&r);
            eval_report_free(&r);
            cr_assert_null(r.sections);
            eval_report_free(&r);   /* twice: safe */
            vectors_free(&v);
        }
    }
}

Test(eval, analogies_limit_restricts_words)
{
    const char *p = write_file("q.txt", QUESTIONS);
    Vectors v;
    planted(&v, 1);
    EvalReport r;
    TzErr e = {0};
    /* the first 6 words: the family; paris is row 6, so no capital question is answered */
    cr_assert_eq(eval_analogies(&v, p, 6, 0, TZ_LANG_TR, &r, NULL, &e), 0, "%s", e.en);
    cr_assert_eq(r.questions, 9);
    cr_assert_eq(r.sections[0].answered, 4);
    cr_assert_eq(r.sections[0].correct, 4);
    cr_assert_eq(r.sections[1].answered, 0);
    cr_assert_eq(r.sections[1].correct, 0);
    cr_assert_eq(r.answered, 4);
    cr_assert_eq(r.correct, 4);
    eval_report_free(&r);
    /* limit 5: anne (row 5) is gone, so the two questions with anne are not answered */
    cr_assert_eq(eval_analogies(&v, p, 5, 0, TZ_LANG_TR, &r, NULL, &e), 0, "%s", e.en);
    cr_assert_eq(r.sections[0].answered, 2);
    cr_assert_eq(r.sections[0].correct, 2);
    eval_report_free(&r);
    /* a limit beyond the table is the whole table */
    cr_assert_eq(eval_analogies(&v, p, 1000, 0, TZ_LANG_TR, &r, NULL, &e), 0, "%s", e.en);
    check_full(&r);
    eval_report_free(&r);
    vectors_free(&v);
}

Test(eval, analogies_lowercase_depends_on_language)
{
    /* IŞIK: Turkish lower-casing gives ışık (in the table); English gives işik (not). */
    const char *p = write_file("q.txt", "kedi IŞIK kedi IŞIK\n");
    Vectors v;
    planted(&v, 1);
    EvalReport r;
    TzErr e = {0};
    cr_assert_eq(eval_analogies(&v, p, 0, 0, TZ_LANG_TR, &r, NULL, &e), 0, "%s", e.en);
    cr_assert_eq(r.nsections, 1, "questions before any header go to one section");
    cr_assert_str_eq(r.sections[0].name, "-");
    cr_assert_eq(r.answered, 1);
    eval_report_free(&r);
    cr_assert_eq(eval_analogies(&v, p, 0, 0, TZ_LANG_EN, &r, NULL, &e), 0, "%s", e.en);
    cr_assert_eq(r.questions, 1);
    cr_assert_eq(r.answered, 0);
    eval_report_free(&r);
    vectors_free(&v);
}

Test(eval, analogies_agree_with_vectors_analogy)
{
    /* A random table: the batched evaluation must pick what vectors_analogy picks. */
    const size_t n = 60, d = 8;
    Vectors v;
    vectors_init(&v, n, d);
    char w[16];
    for (size_t i = 0; i < n; i++) {
        int len = snprintf(w, sizeof w, "s%zu", i);
        vocab_add(&v.words, w, (size_t)len, 1);
    }
    uint32_t s = 7;
    for (size_t i = 0; i < n * d; i++) {
        s = s * 1664525u + 1013904223u;
        v.data[i] = (float)(s >> 8) / (float)(1 << 24) - 0.5f;
    }
    vectors_normalize(&v);
    /* 200 questions a b c d with d = vectors_analogy's answer for half of them */
    char *text = malloc(200 * 64);
    text[0] = '\0';
    size_t expect[2] = {0, 0};
    for (int mul = 0; mul <= 1; mul++) {
        char *t = text;
        *t = '\0';
        expect[mul] = 0;
        for (int q = 0; q < 200; q++) {
            size_t a = (size_t)(q * 7) % 40, b = (size_t)(q * 13 + 1) % 40, c = (size_t)(q * 29 + 2) % 40;
            if (a == b || b == c || a == c) { a = 0; b = 1; c = 2; }
            Neighbor nb[1];
            cr_assert_eq(vectors_analogy(&v, b, a, c, mul, 1, 40, nb), 1);
            size_t dd = q % 2 ? nb[0].id : (nb[0].id + 1) % 40;   /* odd q: right, even q: wrong */
            if (q % 2) expect[mul]++;
            t += sprintf(t, "s%zu s%zu s%zu s%zu\n", a, b, c, dd);
        }
        const char *p = write_file("rand.txt", text);
        EvalReport r;
        TzErr e = {0};
        cr_assert_eq(eval_analogies(&v, p, 40, mul, TZ_LANG_EN, &r, NULL, &e), 0, "%s", e.en);
        cr_assert_eq(r.questions, 200);
        cr_assert_eq(r.correct, expect[mul], "mul=%d: %zu correct, expected %zu", mul, r.correct, expect[mul]);
        eval_report_free(&r);
    }
    free(text);
    vectors_free(&v);
}

typedef struct {
    const Vectors *v;
    const char *path;
    int wait_for_cancel;
    EvalReport r;
} EvalArg;

static int eval_job(Job *job, void *arg, TzErr *err)
{
    EvalArg *a = arg;
    if (a->wait_for_cancel)
        while (!job_cancelled(job)) sched_yield();
    return eval_analogies(a->v, a->path, 0, 0, TZ_LANG_TR, &a->r, job, err);
}

Test(eval, analogies_as_a_job)
{
    Vectors v;
    planted(&v, 1);
    EvalArg a = {.v = &v, .path = write_file("q.txt", QUESTIONS)};
    Job *j = job_start("eval", "question", eval_job, &a);
    TzErr e = {0};
    cr_assert_eq(job_wait(j, &e), 0, "%s", e.en);
    check_full(&a.r);
    eval_report_free(&a.r);

    a.wait_for_cancel = 1;
    j = job_start("eval", "question", eval_job, &a);
    job_cancel(j);
    cr_assert_eq(job_wait(j, &e), TZ_E_CANCELLED);
    cr_assert(e.en[0] && e.tr[0]);
    cr_assert_null(a.r.sections, "a cancelled evaluation leaves an empty report");
    cr_assert_eq(a.r.questions, 0);
    vectors_free(&v);
}

Test(eval, analogies_bad_files)
{
    Vectors v;
    planted(&v, 1);
    EvalReport r;
    TzErr e = {0};
    char p[600];
    snprintf(p, sizeof p, "%s/none.txt", tmp_dir);
    cr_assert_eq(eval_analogies(&v, p, 0, 0, TZ_LANG_TR, &r, NULL, &e), TZ_E_IO);
    cr_assert_null(r.sections);
    const char *q = write_file("bad.txt", ": aile\nerkek kral kadın kraliçe\nerkek kral kadın\n");
    cr_assert_eq(eval_analogies(&v, q, 0, 0, TZ_LANG_TR, &r, NULL, &e), TZ_E_FORMAT);
    cr_assert(strstr(e.en, "line 3"), "%s", e.en);
    cr_assert(strstr(e.tr, "satır 3"), "%s", e.tr);
    cr_assert(strstr(e.en, "found 3"), "%s", e.en);
    cr_assert_null(r.sections, "nothing is returned from a bad file");
    q = write_file("bad5.txt", "\n\n# x\nerkek kral kadın kraliçe prens\n");
    cr_assert_eq(eval_analogies(&v, q, 0, 0, TZ_LANG_TR, &r, NULL, &e), TZ_E_FORMAT);
    cr_assert(strstr(e.en, "line 4"), "%s", e.en);
    q = write_file("latin5.txt", ": aile\nerkek kral kad\xFDn krali\xE7" "e\n");   /* ISO-8859-9 */
    cr_assert_eq(eval_analogies(&v, q, 0, 0, TZ_LANG_TR, &r, NULL, &e), TZ_E_FORMAT);
    cr_assert(strstr(e.en, "UTF-8") && strstr(e.en, "line 2"), "%s", e.en);
    q = write_file("empty.txt", "");
    cr_assert_neq(eval_analogies(&v, q, 0, 0, TZ_LANG_TR, &r, NULL, &e), 0);
    /* a file with only comments and headers: no questions, no error */
    q = write_file("noq.txt", "\xEF\xBB\xBF: bo\xC5\x9F\n# nothing\n");
    cr_assert_eq(eval_analogies(&v, q, 0, 0, TZ_LANG_TR, &r, NULL, &e), 0, "%s", e.en);
    cr_assert_eq(r.nsections, 1);
    cr_assert_str_eq(r.sections[0].name, "boş", "the byte order mark is skipped");
    cr_assert_eq(r.questions, 0);
    eval_report_free(&r);
    vectors_free(&v);
}

Test(eval, long_section_names_are_cut_on_characters)
{
    char text[600] = ": ";
    for (int i = 0; i < 100; i++) strcat(text, "ş");   /* 200 bytes */
    strcat(text, "\nkral kraliçe baba anne\n");
    Vectors v;
    planted(&v, 1);
    EvalReport r;
    TzErr e = {0};
    cr_assert_eq(eval_analogies(&v, write_file("long.txt", text), 0, 0, TZ_LANG_TR, &r, NULL, &e), 0, "%s", e.en);
    size_t len = strlen(r.sections[0].name);
    cr_assert_eq(len, 126, "63 whole ş: %zu bytes", len);
    eval_report_free(&r);
    vectors_free(&v);
}

/* --- Spearman ---------------------------------------------------------------------- */

Test(eval, spearman_hand_computed)
{
    const double a[] = {1, 2, 3, 4, 5}, b[] = {10, 20, 30, 40, 50}, c[] = {5, 4, 3, 2, 1};
    cr_assert_float_eq(spearman(a, b, 5), 1.0, 1e-12);
    cr_assert_float_eq(spearman(a, c, 5), -1.0, 1e-12);
    /* no ties: 1 − 6Σd²/(n(n²−1)) = 1 − 6·4/120 = 0.8 */
    const double d[] = {2, 1, 4, 3, 5};
    cr_assert_float_eq(spearman(a, d, 5), 0.8, 1e-12);
    /* monotone but not linear: still 1 */
    const double e[] = {1, 8, 27, 64, 1000};
    cr_assert_float_eq(spearman(a, e, 5), 1.0, 1e-12);
    /* ties get their average rank: x ranks (1, 2.5, 2.5, 4), y (1, 2, 3, 4):
     * Pearson of the ranks = 4.5 / sqrt(4.5 · 5) */
    const double x[] = {1, 2, 2, 3}, y[] = {1, 2, 3, 4};
    cr_assert_float_eq(spearman(x, y, 4), 4.5 / sqrt(22.5), 1e-12);
    cr_assert_float_eq(spearman(y, x, 4), 4.5 / sqrt(22.5), 1e-12);
    /* ties on both sides: (1,1,2,2) vs (1,2,2,3): ranks (1.5,1.5,3.5,3.5), (1,2.5,2.5,4) */
    const double t1[] = {1, 1, 2, 2}, t2[] = {1, 2, 2, 3};
    /* dx = (-1,-1,1,1), dy = (-1.5,0,0,1.5): sxy = 3, sxx = 4, syy = 4.5 */
    cr_assert_float_eq(spearman(t1, t2, 4), 3.0 / sqrt(18.0), 1e-12);
    /* undefined: fewer than two values, or a constant side */
    cr_assert(isnan(spearman(a, b, 1)));
    cr_assert(isnan(spearman(a, b, 0)));
    const double k[] = {3, 3, 3, 3, 3};
    cr_assert(isnan(spearman(a, k, 5)));
}

Test(eval, pairs_spearman_and_coverage)
{
    Vectors v;
    planted(&v, 1);
    const char *p = write_file("pairs.txt",
                               "# w1 w2 score\n"
                               "kral kraliçe 8\n"
                               "KRAL\terkek\t6.0\n"
                               "kral kedi 1,0\n"
                               "\n"
                               "kral yok 5\n"
                               "yok kedi 5 extra columns are ignored\n");
    PairsReport r;
    TzErr e = {0};
    cr_assert_eq(eval_pairs(&v, p, TZ_LANG_TR, &r, &e), 0, "%s", e.en);
    cr_assert_eq(r.pairs, 5);
    cr_assert_eq(r.used, 3);
    /* cosines 0.5, 0.5, 0 (ranks 2.5 2.5 1) against 8, 6, 1 (ranks 3 2 1): 1.5 / sqrt(2 · 1.5) */
    cr_assert_float_eq(r.spearman, 1.5 / sqrt(3.0), 1e-9);
    /* one pair only: rho undefined */
    p = write_file("one.txt", "kral kraliçe 8\n");
    cr_assert_eq(eval_pairs(&v, p, TZ_LANG_TR, &r, &e), 0);
    cr_assert_eq(r.used, 1);
    cr_assert(isnan(r.spearman));
    vectors_free(&v);
}

Test(eval, pairs_bad_lines)
{
    Vectors v;
    planted(&v, 1);
    PairsReport r;
    TzErr e = {0};
    const char *p = write_file("p1.txt", "# c\nkral kraliçe 8\nkral erkek çok\n");
    cr_assert_eq(eval_pairs(&v, p, TZ_LANG_TR, &r, &e), TZ_E_FORMAT);
    cr_assert(strstr(e.en, "line 3"), "%s", e.en);
    cr_assert(strstr(e.tr, "satır 3"), "%s", e.tr);
    p = write_file("p2.txt", "kral kraliçe\n");
    cr_assert_eq(eval_pairs(&v, p, TZ_LANG_TR, &r, &e), TZ_E_FORMAT);
    cr_assert(strstr(e.en, "line 1"), "%s", e.en);
    p = write_file("p3.txt", "kral kraliçe 8x\n");
    cr_assert_eq(eval_pairs(&v, p, TZ_LANG_TR, &r, &e), TZ_E_FORMAT);
    p = write_file("p4.txt", "kral kraliçe 1e400\n");
    cr_assert_eq(eval_pairs(&v, p, TZ_LANG_TR, &r, &e), TZ_E_FORMAT, "an infinite score is refused");
    p = write_file("p5.txt", "kral krali\xE7" "e 8\n");
    cr_assert_eq(eval_pairs(&v, p, TZ_LANG_TR, &r, &e), TZ_E_FORMAT);
    cr_assert(strstr(e.en, "UTF-8"), "%s", e.en);
    char missing[600];
    snprintf(missing, sizeof missing, "%s/none.txt", tmp_dir);
    cr_assert_eq(eval_pairs(&v, missing, TZ_LANG_TR, &r, &e), TZ_E_IO);
    p = write_file("p6.txt", "kral kraliçe -2.5e-1\n");
    cr_assert_eq(eval_pairs(&v, p, TZ_LANG_TR, &r, &e), 0, "%s", e.en);
    vectors_free(&v);
}

/* --- our evaluation sets parse ------------------------------------------------------ */

Test(eval, shipped_sets_parse)
{
    Vectors v;
    planted(&v, 1);
    const char *ana[] = {"datasets/eval/analogies-tr.txt", "datasets/eval/analogies-en.txt"};
    const char *sim[] = {"datasets/eval/similarity-tr.txt", "datasets/eval/similarity-en.txt"};
    for (int l = 0; l < 2; l++) {
        EvalReport r;
        TzErr e = {0};
        TzLang lang = l == 0 ? TZ_LANG_TR : TZ_LANG_EN;
        cr_assert_eq(eval_analogies(&v, ana[l], 0, 0, lang, &r, NULL, &e), 0, "%s", e.en);
        cr_assert_geq(r.nsections, 5, "%s: %zu sections", ana[l], r.nsections);
        cr_assert_geq(r.questions, 300, "%s: %zu questions", ana[l], r.questions);
        for (size_t s = 0; s < r.nsections; s++)
            cr_assert_geq(r.sections[s].questions, 20, "%s: section %s", ana[l], r.sections[s].name);
        eval_report_free(&r);
        PairsReport pr;
        cr_assert_eq(eval_pairs(&v, sim[l], lang, &pr, &e), 0, "%s", e.en);
        cr_assert_geq(pr.pairs, 60, "%s: %zu pairs", sim[l], pr.pairs);
    }
    vectors_free(&v);
}
