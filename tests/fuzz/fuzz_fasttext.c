/* fuzz_fasttext.c — libFuzzer harness for the fastText .bin loader
 * (src/engine/formats/fasttext_bin.c) and the subword vectors (src/engine/models/fasttext.c).
 *
 * Each input is parsed as a .bin straight from memory (ft_bin_parse reads exactly
 * data[0..size), so AddressSanitizer catches any read past the end). Beyond "no crash, no
 * leak, no undefined behaviour", it checks what a successful load promises:
 *   - the matrices lie inside the input and have the shapes the args announce;
 *   - every dictionary word is found again, and its vector and an OOV word's vector can be
 *     computed (every n-gram row is inside the input matrix);
 *   - writing the model back gives exactly the input bytes (the format has one spelling);
 * and that a refusal carries a code and a message in both languages.
 * Build and run: bash tests/fuzz/run.sh fasttext (see tests/fuzz/README.md).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/fasttext_bin.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz_fasttext: check failed: %s (line %d)\n", #c, __LINE__); abort(); } } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FastText ft;
    TzErr e;
    tz_err_clear(&e);
    const char *d = (const char *)data;
    int rc = ft_bin_parse(&ft, d, size, "fuzz", 0, &e);
    if (rc) {
        CHECK(rc == (int)e.code && e.tr[0] && e.en[0]);
        CHECK(ft.input == NULL && ft.dict.size == 0);
        return 0;
    }
    size_t D = (size_t)ft.args.dim;
    CHECK(D >= 1 && ft.dict.size == ft.nwords + ft.nlabels);
    CHECK(ft.input >= d && ft.input + ft.in_rows * D * 4 <= d + size);
    CHECK(ft.output >= d && ft.output + ft.out_rows * D * 4 <= d + size);
    float *v = malloc(D * sizeof *v);
    for (size_t i = 0; i < ft.dict.size && i < 64; i++) {
        const char *w = vocab_word(&ft.dict, i);
        CHECK(vocab_find(&ft.dict, w, strlen(w)) == (int64_t)i);
        ft_word_vector(&ft, w, v);
    }
    ft_word_vector(&ft, "ağaçlarımız", v);
    FtSubwordList l;
    ft_subwords(&ft, "İstanbul", &l);
    for (size_t i = 0; i < l.n; i++) CHECK(l.items[i].row < (int64_t)ft.in_rows);
    ft_subwords_free(&l);
    free(v);

    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CHECK(f != NULL);
    CHECK(ft_bin_write(f, &ft, &e) == 0);
    fclose(f);
    /* pruneidx pairs are sorted on reading, so only an unpruned file must come back verbatim */
    if (ft.pruneidx_size <= 1) CHECK(len == size && memcmp(buf, data, size) == 0);
    free(buf);
    ft_free(&ft);
    return 0;
}
