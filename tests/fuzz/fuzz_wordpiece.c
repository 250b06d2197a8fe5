/* fuzz_wordpiece.c — libFuzzer harness for BERT's WordPiece tokenizer (src/engine/text/wordpiece.c):
 * the vocab.txt reader, the encoder and the trainer.
 *
 * The input is split at its first NUL byte: the bytes before are a vocab.txt for
 * wp_parse_vocab, the bytes after (or the whole input, when there is no NUL) a text to encode.
 * Beyond "no crash, no leak, no undefined behaviour" it checks:
 *   - a refusal has a code and a message in both languages, and leaves an empty tokenizer;
 *   - a success finds every token again under its own id, has an [UNK], and writing the tokens
 *     out one a line and reading them again gives the same vocabulary;
 *   - the text, under the cased, uncased and Turkish options, encodes to ids in range (the
 *     count measured with cap 0 equal to the count written), its pieces point inside the text
 *     in order (overlapping only inside one input character), and the ids decode;
 *   - a short text also trains a small vocabulary, which encodes that text without [UNK]
 *     (but for words over 100 characters and a literal "[UNK]").
 * Build and run: bash tests/fuzz/run.sh wordpiece (see tests/fuzz/README.md).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/wordpiece.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz_wordpiece: check failed: %s (line %d)\n", #c, __LINE__); abort(); } } while (0)

static void encode_checks(const WordPiece *w, const char *s, size_t n, int no_unk)
{
    size_t k = wp_encode(w, s, n, NULL, 0);
    CHECK(k <= n);
    int32_t *ids = malloc((k ? k : 1) * sizeof *ids);
    WpPiece *pc = malloc((k ? k : 1) * sizeof *pc);
    CHECK(wp_encode(w, s, n, ids, k) == k);
    CHECK(wp_encode_pieces(w, s, n, pc, k) == k);
    for (size_t i = 0; i < k; i++) {
        CHECK(ids[i] >= 0 && ids[i] < w->vocab);
        CHECK(pc[i].id == ids[i]);
        CHECK(pc[i].len > 0 && (size_t)pc[i].off + pc[i].len <= n);
        /* in order; two pieces share bytes only when one input character became several
         * (a Hangul syllable stripped into its jamo, English İ into i + ◌̇) and a piece
         * boundary fell between them */
        CHECK(i == 0 || pc[i].off >= pc[i - 1].off + pc[i - 1].len ||
              (pc[i].off >= pc[i - 1].off && pc[i].off < pc[i - 1].off + pc[i - 1].len));
        /* a trained vocabulary spells every word, except one over 100 characters (training
         * skips those) and a literal "[UNK]" in the text */
        if (no_unk && ids[i] == w->unk)
            CHECK((pc[i].len == 5 && memcmp(s + pc[i].off, "[UNK]", 5) == 0) ||
                  utf8_length(s + pc[i].off, pc[i].len) > WP_MAX_WORD_CHARS);
    }
    size_t len = wp_decode(w, ids, k, NULL, 0);
    CHECK(len != WP_BAD_ID);
    char *back = malloc(len + 1);
    CHECK(wp_decode(w, ids, k, back, len + 1) == len && strlen(back) == len);
    free(back);
    free(pc);
    free(ids);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    const char *nul = memchr(s, '\0', size);
    size_t nv = nul ? (size_t)(nul - s) : size;
    const char *text = nul ? nul + 1 : s;
    size_t nt = nul ? size - nv - 1 : size;
    if (nt > 4096) nt = 4096;
    WpOptions opts[3] = { wp_options_cased(), wp_options_uncased(), wp_options_turkish(1) };

    WordPiece w;
    TzErr e;
    tz_err_clear(&e);
    int rc = wp_parse_vocab(&w, s, nv, "vocab.txt", &e);
    if (rc) {
        CHECK(rc == TZ_E_FORMAT || rc == TZ_E_NOMEM);
        CHECK(e.tr[0] && e.en[0]);
        CHECK(w.vocab == 0 && w.tok_off == NULL && w.slot == NULL);
    } else {
        CHECK(w.vocab > 0 && w.unk >= 0 && w.unk < w.vocab);
        size_t total = 0;
        for (int32_t t = 0; t < w.vocab; t++) {
            CHECK(wp_id(&w, wp_token(&w, t)) == t);
            total += strlen(wp_token(&w, t)) + 1;
        }
        char *again = malloc(total);
        size_t o = 0;
        for (int32_t t = 0; t < w.vocab; t++) {
            size_t l = strlen(wp_token(&w, t));
            memcpy(again + o, wp_token(&w, t), l);
            again[o + l] = '\n';
            o += l + 1;
        }
        WordPiece v;
        CHECK(wp_parse_vocab(&v, again, o, "again", &e) == 0);
        CHECK(v.vocab == w.vocab && v.unk == w.unk && v.mask == w.mask);
        wp_free(&v);
        free(again);
        for (int k = 0; k < 3; k++) {
            wp_set_options(&w, &opts[k]);
            encode_checks(&w, text, nt, 0);
        }
        wp_free(&w);
    }
    if (nt <= 512) {
        const WpOptions *o = &opts[size % 3];
        rc = wp_train(&w, text, nt, 48, o, NULL, &e);
        if (rc) {
            CHECK(rc == TZ_E_ARG && e.en[0] && w.vocab == 0);
        } else {
            encode_checks(&w, text, nt, 1);
            wp_free(&w);
        }
    }
    return 0;
}
