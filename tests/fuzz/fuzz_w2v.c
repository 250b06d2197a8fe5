/* fuzz_w2v.c — libFuzzer harness for the word2vec loader (src/engine/formats/w2v.c).
 *
 * Each input is parsed as a word2vec file straight from memory (w2v_parse reads exactly
 * data[0..size), so AddressSanitizer catches any read past the end). Beyond "no crash, no
 * leak, no undefined behaviour", it checks what a successful load promises:
 *   - n ≥ 1 rows, one word per row, every value finite;
 *   - writing the vectors (text and binary) and reading them back gives the same words and
 *     bit-identical floats;
 * and that a refusal carries a code and a message in both languages.
 * Build and run: bash tests/fuzz/run.sh (see tests/fuzz/README.md).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/w2v.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz_w2v: check failed: %s (line %d)\n", #c, __LINE__); abort(); } } while (0)

static void same(const Vectors *a, const Vectors *b)
{
    CHECK(a->n == b->n && a->dim == b->dim && b->words.size == b->n);
    for (size_t i = 0; i < a->n; i++) {
        CHECK(strcmp(vocab_word(&a->words, i), vocab_word(&b->words, i)) == 0);
        CHECK(memcmp(vectors_row(a, i), vectors_row(b, i), a->dim * sizeof(float)) == 0);
    }
}

/* Write v with fn into memory, parse it back and compare. */
static void round_trip(const Vectors *v, int (*fn)(FILE *, const Vectors *, TzErr *), int format)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CHECK(f != NULL);
    TzErr e;
    CHECK(fn(f, v, &e) == 0);
    fclose(f);
    /* A binary file whose float bytes happen to be clean text ("1 1\na 1234\n") is also a
     * valid text file; the format cannot tell them apart. Only check what is unambiguous. */
    if (w2v_sniff(buf, len) == format) {
        Vectors w;
        int rc = w2v_parse(&w, buf, len, "round-trip", 0, NULL, &e);
        if (rc) fprintf(stderr, "round trip failed: %s\n", e.en);
        CHECK(rc == 0);
        same(v, &w);
        vectors_free(&w);
    }
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Vectors v;
    TzErr e;
    tz_err_clear(&e);
    /* The last byte, when it is a small number, doubles as a limit, to fuzz limit= too. */
    size_t limit = size && data[size - 1] < 4 ? data[size - 1] : 0;
    int rc = w2v_parse(&v, (const char *)data, size, "fuzz", limit, NULL, &e);
    if (rc) {
        CHECK(rc == (int)e.code && e.tr[0] && e.en[0]);
        CHECK(v.n == 0 && v.data == NULL);
        return 0;
    }
    CHECK(v.n >= 1 && v.dim >= 1 && v.words.size == v.n && v.data != NULL);
    CHECK(limit == 0 || v.n <= limit);
    for (size_t i = 0; i < v.n * v.dim; i++) CHECK(isfinite(v.data[i]));
    for (size_t i = 0; i < v.n; i++) CHECK(vectors_find(&v, vocab_word(&v.words, i)) == (int64_t)i);
    round_trip(&v, w2v_write_bin, W2V_BIN);
    round_trip(&v, w2v_write_text, W2V_TEXT);
    vectors_free(&v);
    return 0;
}
