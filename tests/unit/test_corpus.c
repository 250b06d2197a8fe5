/* test_corpus.c — loading corpora (raw and prepared), preparing raw files, and stopping a
 * load that runs as a job (src/engine/core/corpus.c). */
#include <criterion/criterion.h>

#include <dirent.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tmpdir.h"
#include "core/corpus.h"
#include "core/io.h"

TestSuite(corpus, .init = tmp_setup, .fini = tmp_teardown);

/* A file in the test's folder holding text; returns its path. */
static const char *write_file(const char *name, const char *text)
{
    char *p = tmp_path(name);
    tmp_write(p, text, strlen(text));
    return p;
}

/* Sentence k of c as its words joined by single spaces (into buf). */
static const char *sentence(const Corpus *c, size_t k, char *buf, size_t cap)
{
    size_t w = 0;
    buf[0] = '\0';
    for (size_t i = c->sent[k]; i < c->sent[k + 1]; i++) {
        cr_assert(c->ids[i] < c->vocab.size, "id %u out of range", c->ids[i]);
        w += (size_t)snprintf(buf + w, cap - w, "%s%s", i > c->sent[k] ? " " : "",
                              vocab_word(&c->vocab, c->ids[i]));
        cr_assert(w < cap);
    }
    return buf;
}

static void check_frequency_order(const Corpus *c)
{
    for (size_t i = 1; i < c->vocab.size; i++) {
        int64_t a = c->vocab.counts[i - 1], b = c->vocab.counts[i];
        cr_assert(a > b || (a == b && strcmp(vocab_word(&c->vocab, i - 1), vocab_word(&c->vocab, i)) < 0),
                  "ids %zu, %zu out of frequency order", i - 1, i);
    }
    /* the counts are the occurrences in the token stream */
    int64_t *seen = calloc(c->vocab.size ? c->vocab.size : 1, sizeof *seen);
    for (size_t i = 0; i < c->ntokens; i++) seen[c->ids[i]]++;
    for (size_t i = 0; i < c->vocab.size; i++)
        cr_assert_eq(seen[i], c->vocab.counts[i], "count of %s", vocab_word(&c->vocab, i));
    free(seen);
    cr_assert_eq(c->vocab.total, (int64_t)c->ntokens);
}

static const char RAW[] =
    "Kedi k\xC3\xB6pe\xC4\x9Fi kovalad\xC4\xB1.\n"              /* Kedi köpeği kovaladı. */
    "K\xC3\xB6pek ka\xC3\xA7t\xC4\xB1, kedi kazand\xC4\xB1!\n"  /* Köpek kaçtı, kedi kazandı! */
    "\n"
    "   ...   \n"                                                 /* no words: no sentence */
    "KED\xC4\xB0 uyudu";                                          /* KEDİ uyudu (no final newline) */

Test(corpus, load_raw)
{
    const char *p = write_file("raw.txt", RAW);
    Corpus c;
    TzErr e = { 0 };
    cr_assert_eq(corpus_load(&c, p, TZ_LANG_TR, 0, NULL, &e), 0, "%s", e.en);
    cr_assert_eq(c.ntokens, 9);
    cr_assert_eq(c.nsent, 3);
    cr_assert_eq(c.sent[0], 0);
    cr_assert_eq(c.sent[1], 3);
    cr_assert_eq(c.sent[2], 7);
    cr_assert_eq(c.sent[3], 9);
    cr_assert_eq(c.vocab.size, 7);
    cr_assert_eq(c.bytes, sizeof RAW - 1);
    cr_assert_str_eq(c.path, p);
    cr_assert_eq(c.lang, TZ_LANG_TR);
    cr_assert_eq(c.prepared, 0);
    /* id 0 is the most frequent word; the rest (count 1) follow in byte order */
    cr_assert_str_eq(vocab_word(&c.vocab, 0), "kedi");
    cr_assert_eq(c.vocab.counts[0], 3);
    const char *order[] = { "kedi", "kazand\xC4\xB1", "ka\xC3\xA7t\xC4\xB1", "kovalad\xC4\xB1",
                            "k\xC3\xB6pek", "k\xC3\xB6pe\xC4\x9Fi", "uyudu" };
    for (size_t i = 0; i < 7; i++) cr_expect_str_eq(vocab_word(&c.vocab, i), order[i]);
    check_frequency_order(&c);
    char buf[256];
    cr_assert_str_eq(sentence(&c, 0, buf, sizeof buf), "kedi k\xC3\xB6pe\xC4\x9Fi kovalad\xC4\xB1");
    cr_assert_str_eq(sentence(&c, 1, buf, sizeof buf), "k\xC3\xB6pek ka\xC3\xA7t\xC4\xB1 kedi kazand\xC4\xB1");
    cr_assert_str_eq(sentence(&c, 2, buf, sizeof buf), "kedi uyudu");
    cr_assert_eq(c.ids[0], 0);
    cr_assert_eq(c.ids[5], 0);
    cr_assert_eq(c.ids[7], 0);
    corpus_free(&c);
    cr_assert_null(c.ids);
    cr_assert_eq(c.ntokens, 0);
    corpus_free(&c);
}

Test(corpus, turkish_and_english_lower_casing)
{
    const char *p = write_file("tr.txt", "I\xC4\x9E" "DIR \xC4\xB0stanbul'da\nIRMAK T\xC3\xBCrkiye\xE2\x80\x99" "de\n");
    Corpus c;
    TzErr e = { 0 };
    cr_assert_eq(corpus_load(&c, p, TZ_LANG_TR, 0, NULL, &e), 0, "%s", e.en);
    cr_assert_eq(c.ntokens, 6);
    cr_assert_eq(c.nsent, 2);
    char buf[256];
    cr_assert_str_eq(sentence(&c, 0, buf, sizeof buf), "\xC4\xB1\xC4\x9F" "d\xC4\xB1r istanbul 'da");
    cr_assert_str_eq(sentence(&c, 1, buf, sizeof buf), "\xC4\xB1rmak t\xC3\xBCrkiye 'de");
    cr_assert_geq(vocab_find(&c.vocab, "istanbul", 8), 0);
    cr_assert_eq(vocab_find(&c.vocab, "\xC4\xB0stanbul", 9), -1);
    corpus_free(&c);

    cr_assert_eq(corpus_load(&c, p, TZ_LANG_EN, 0, NULL, &e), 0, "%s", e.en);
    cr_assert_eq(c.lang, TZ_LANG_EN);
    cr_assert_str_eq(sentence(&c, 0, buf, sizeof buf), "i\xC4\x9F" "dir i\xCC\x87stanbul 'da");
    cr_assert_str_eq(sentence(&c, 1, buf, sizeof buf), "irmak t\xC3\xBCrkiye 'de");
    corpus_free(&c);
}

Test(corpus, load_prepared)
{
    /* prepared files split on spaces only: no lower-casing, punctuation stays a token */
    const char *p = write_file("prep.txt", "Kedi  k\xC3\xB6pek\tKED\xC4\xB0\r\n\n a , b \nT\xC3\xBCrkiye'de\n");
    Corpus c;
    TzErr e = { 0 };
    cr_assert_eq(corpus_load(&c, p, TZ_LANG_TR, 1, NULL, &e), 0, "%s", e.en);
    cr_assert_eq(c.prepared, 1);
    cr_assert_eq(c.ntokens, 7);
    cr_assert_eq(c.nsent, 3);
    char buf[256];
    cr_assert_str_eq(sentence(&c, 0, buf, sizeof buf), "Kedi k\xC3\xB6pek KED\xC4\xB0");
    cr_assert_str_eq(sentence(&c, 1, buf, sizeof buf), "a , b");
    cr_assert_str_eq(sentence(&c, 2, buf, sizeof buf), "T\xC3\xBCrkiye'de");
    cr_assert_geq(vocab_find(&c.vocab, ",", 1), 0);
    check_frequency_order(&c);
    corpus_free(&c);
}

Test(corpus, errors)
{
    Corpus c;
    TzErr e = { 0 };
    /* only punctuation and spaces */
    const char *p = write_file("punct.txt", "... !!! ,,,\n?!\n \xE2\x80\x94 \xE2\x80\xA6\n\n");
    cr_assert_eq(corpus_load(&c, p, TZ_LANG_TR, 0, NULL, &e), TZ_E_FORMAT);
    cr_assert_not_null(strstr(e.en, "no words"), "%s", e.en);
    cr_assert_not_null(strstr(e.en, p), "%s", e.en);
    cr_assert_not_null(strstr(e.tr, p), "%s", e.tr);
    cr_assert_eq(c.ntokens, 0);
    cr_assert_null(c.ids);
    cr_assert_null(c.sent);
    cr_assert_eq(c.vocab.size, 0);
    corpus_free(&c);
    /* blank lines only */
    p = write_file("blank.txt", "\n\n  \n");
    cr_assert_eq(corpus_load(&c, p, TZ_LANG_EN, 1, NULL, &e), TZ_E_FORMAT);
    corpus_free(&c);
    /* empty file */
    p = write_file("empty.txt", "");
    cr_assert_eq(corpus_load(&c, p, TZ_LANG_EN, 0, NULL, &e), TZ_E_FORMAT);
    cr_assert_not_null(strstr(e.en, "empty"), "%s", e.en);
    corpus_free(&c);
    /* missing file */
    cr_assert_eq(corpus_load(&c, tmp_path("missing.txt"), TZ_LANG_EN, 0, NULL, &e), TZ_E_IO);
    cr_assert_eq(c.ntokens, 0);
    corpus_free(&c);
    /* invalid UTF-8 (Latin-5 ş = 0xFE) */
    p = write_file("latin5.txt", "iyi\nk\xFE" "k\n");
    cr_assert_eq(corpus_load(&c, p, TZ_LANG_TR, 0, NULL, &e), TZ_E_FORMAT);
    cr_assert_not_null(strstr(e.en, "line 2, column 2"), "%s", e.en);
    cr_assert_eq(c.ntokens, 0);
    corpus_free(&c);
    /* a NULL error pointer is allowed */
    cr_assert_eq(corpus_load(&c, tmp_path("missing.txt"), TZ_LANG_EN, 0, NULL, NULL), TZ_E_IO);
    corpus_free(&c);
}

/* ---- corpus_prepare -------------------------------------------------------------- */

Test(corpus, prepare)
{
    const char *raw = write_file("raw.txt", RAW);
    char out[512];
    snprintf(out, sizeof out, "%s", tmp_path("raw.prep"));
    CorpusStats st = { 99, 99, 99 };
    TzErr e = { 0 };
    cr_assert_eq(corpus_prepare(raw, out, TZ_LANG_TR, &st, &e), 0, "%s", e.en);
    cr_assert_eq(st.sentences, 3);
    cr_assert_eq(st.tokens, 9);
    cr_assert_eq(st.types, 7);
    FILE *f = fopen(out, "rb");
    cr_assert_not_null(f);
    char text[512] = { 0 };
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    cr_assert_str_eq(text,
                     "kedi k\xC3\xB6pe\xC4\x9Fi kovalad\xC4\xB1\n"
                     "k\xC3\xB6pek ka\xC3\xA7t\xC4\xB1 kedi kazand\xC4\xB1\n"
                     "kedi uyudu\n");
    /* loading the prepared file gives the same corpus as loading the raw one */
    Corpus a, b;
    cr_assert_eq(corpus_load(&a, raw, TZ_LANG_TR, 0, NULL, &e), 0);
    cr_assert_eq(corpus_load(&b, out, TZ_LANG_TR, 1, NULL, &e), 0);
    cr_assert_eq(a.ntokens, b.ntokens);
    cr_assert_eq(a.nsent, b.nsent);
    cr_assert_eq(memcmp(a.ids, b.ids, a.ntokens * sizeof *a.ids), 0);
    cr_assert_eq(memcmp(a.sent, b.sent, (a.nsent + 1) * sizeof *a.sent), 0);
    for (size_t i = 0; i < a.vocab.size; i++) cr_assert_str_eq(vocab_word(&a.vocab, i), vocab_word(&b.vocab, i));
    corpus_free(&a);
    corpus_free(&b);
    /* stats may be NULL */
    cr_assert_eq(corpus_prepare(raw, out, TZ_LANG_TR, NULL, &e), 0);
}

Test(corpus, prepare_rejects_bad_input)
{
    const char *raw = write_file("bad.txt", "ok\nbad \xFF\n");
    const char *out = tmp_path("bad.prep");
    CorpusStats st;
    TzErr e = { 0 };
    cr_assert_eq(corpus_prepare(raw, out, TZ_LANG_TR, &st, &e), TZ_E_FORMAT);
    cr_assert_not_null(strstr(e.en, "line 2, column 5"), "%s", e.en);
    cr_assert_eq(tz_exists(out), 0, "no output for a bad input");
    cr_assert_eq(corpus_prepare(tmp_path("missing.txt"), out, TZ_LANG_TR, &st, &e), TZ_E_IO);
    cr_assert_eq(tz_exists(out), 0);
}

/* ---- loading as a job ------------------------------------------------------------ */

typedef struct {
    Corpus c;
    const char *path;
    int wait_for_cancel;   /* spin until the job is cancelled before loading */
} LoadArg;

static int load_job(Job *job, void *arg, TzErr *err)
{
    LoadArg *a = arg;
    if (a->wait_for_cancel)
        while (!job_cancelled(job)) usleep(1000);
    return corpus_load(&a->c, a->path, TZ_LANG_EN, 0, job, err);
}

/* A big file of short lines: lines * "lorem ipsum dolor sit amet 123 ...\n" */
static const char *write_big(const char *name, size_t mb)
{
    const char *p = tmp_path(name);
    FILE *f = fopen(p, "wb");
    cr_assert_not_null(f);
    const char *line = "lorem ipsum dolor sit amet, consectetur adipiscing elit 12 \xC5\x9F" "ey\n";
    size_t len = strlen(line), total = 0;
    while (total < (mb << 20)) { fwrite(line, 1, len, f); total += len; }
    fclose(f);
    return p;
}

Test(corpus, job_cancelled_before_loading)
{
    LoadArg a = { .path = write_file("small.txt", RAW), .wait_for_cancel = 1 };
    memset(&a.c, 0x5A, sizeof a.c);          /* the load must overwrite whatever was there */
    Job *j = job_start("corpus test", "byte", load_job, &a);
    cr_assert_not_null(j);
    job_cancel(j);
    TzErr e = { 0 };
    int rc = job_wait(j, &e);
    cr_assert_eq(rc, TZ_E_CANCELLED);
    cr_assert_eq(e.code, TZ_E_CANCELLED);
    cr_assert_neq(e.en[0], '\0');
    cr_assert_neq(e.tr[0], '\0');
    cr_assert_eq(a.c.ntokens, 0);
    cr_assert_eq(a.c.nsent, 0);
    cr_assert_null(a.c.ids);
    cr_assert_null(a.c.sent);
    cr_assert_eq(a.c.vocab.size, 0);
    corpus_free(&a.c);
}

Test(corpus, job_cancelled_while_loading, .timeout = 120)
{
    LoadArg a = { .path = write_big("big.txt", 48) };
    Job *j = job_start("corpus big", "byte", load_job, &a);
    /* wait until the worker has published progress, then stop it */
    JobProgress p;
    while (job_progress(j, &p) && p.step == 0) sched_yield();
    cr_assert(p.running, "the load finished before it could be cancelled");
    job_cancel(j);
    TzErr e = { 0 };
    int rc = job_wait(j, &e);
    cr_assert_eq(rc, TZ_E_CANCELLED, "rc %d: %s", rc, e.en);
    cr_assert_eq(a.c.ntokens, 0);
    cr_assert_null(a.c.ids);
    cr_assert_eq(a.c.vocab.size, 0);
    corpus_free(&a.c);
}

Test(corpus, job_runs_to_completion)
{
    LoadArg a = { .path = write_big("mid.txt", 3) };
    Job *j = job_start("corpus mid", "byte", load_job, &a);
    TzErr e = { 0 };
    int rc = job_wait(j, &e);
    cr_assert_eq(rc, 0, "%s", e.en);
    /* each line: 8 words, a number and "şey" = 10 tokens; the comma is dropped */
    size_t lines = a.c.nsent;
    cr_assert_gt(lines, 0);
    cr_assert_eq(a.c.ntokens, 10 * lines);
    cr_assert_eq(a.c.vocab.size, 10);
    cr_assert_eq(a.c.vocab.counts[0], (int64_t)lines);
    check_frequency_order(&a.c);
    corpus_free(&a.c);
}

Test(corpus, byte_order_mark_is_skipped)
{
    /* A UTF-8 BOM (EF BB BF) at the start must not stick to the first word, in either mode. */
    const char *p = write_file("bom.txt", "\xEF\xBB\xBF" "kedi k\xC3\xB6pek\n");
    for (int prepared = 0; prepared <= 1; prepared++) {
        Corpus c;
        TzErr e = { 0 };
        cr_assert_eq(corpus_load(&c, p, TZ_LANG_TR, prepared, NULL, &e), 0, "%s", e.en);
        cr_assert_eq(c.ntokens, 2);
        cr_assert_geq(vocab_find(&c.vocab, "kedi", 4), 0, "prepared=%d: the BOM stuck to 'kedi'", prepared);
        corpus_free(&c);
    }
}
