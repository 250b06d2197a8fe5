/* fuzz_bpe_gpt2.c — libFuzzer harness for the BPE tokenizer readers (src/engine/text/bpe_io.c):
 * GPT-2's encoder.json + vocab.bpe pair, and tezgah's checkpoint section (TZBPE001).
 *
 * An input that starts with "TZBPE001" goes to bpe_load_mem; any other is split at its first
 * NUL byte into encoder.json (before) and vocab.bpe (after) for bpe_load_gpt2_mem. Both read
 * exactly the fuzzer's bytes, so AddressSanitizer sees any read past the end. Beyond "no crash,
 * no leak, no undefined behaviour" it checks:
 *   - a refusal has a code and a message in both languages, and leaves an empty tokenizer;
 *   - a success encodes the input's own bytes and decodes them back exactly, every id in range;
 *   - bpe_save then bpe_load_mem gives the same tokenizer (same bytes for every id, same
 *     specials, same encoding), and a section read by bpe_load_mem saves back to its own bytes.
 * Build and run: bash tests/fuzz/run.sh bpe_gpt2 (see tests/fuzz/README.md).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/bpe.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz_bpe_gpt2: check failed: %s (line %d)\n", #c, __LINE__); abort(); } } while (0)

static void round_trip_text(const Bpe *b, const char *s, size_t n)
{
    if (n > 4096) n = 4096;
    size_t k = bpe_encode(b, s, n, NULL, 0);
    CHECK(k <= n);
    int32_t *ids = malloc((k ? k : 1) * sizeof *ids);
    CHECK(bpe_encode(b, s, n, ids, k) == k);
    for (size_t i = 0; i < k; i++) CHECK(ids[i] >= 0 && ids[i] < b->vocab);
    char *back = malloc(n ? n : 1);
    CHECK(bpe_decode(b, ids, k, back, n) == n);
    CHECK(memcmp(back, s, n) == 0);
    free(back);
    free(ids);
}

static void same(const Bpe *x, const Bpe *y)
{
    CHECK(x->vocab == y->vocab && x->n_merges == y->n_merges && x->n_special == y->n_special);
    CHECK(memcmp(x->byte_id, y->byte_id, sizeof x->byte_id) == 0);
    for (int32_t id = 0; id < x->vocab; id++) {
        size_t l1 = 0, l2 = 0;
        const char *p = bpe_token_bytes(x, id, &l1), *q = bpe_token_bytes(y, id, &l2);
        CHECK((p == NULL) == (q == NULL));
        CHECK(!p || (l1 == l2 && memcmp(p, q, l1) == 0));
    }
    for (int32_t k = 0; k < x->n_special; k++) CHECK(x->special[k] == y->special[k]);
}

static void refused(int rc, const TzErr *e, const Bpe *b)
{
    CHECK(rc == TZ_E_FORMAT || rc == TZ_E_IO);
    CHECK(e->tr[0] && e->en[0]);
    CHECK(b->vocab == 0 && b->merges == NULL && b->tok_off == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Bpe b;
    TzErr e;
    tz_err_clear(&e);
    const char *s = (const char *)data;
    if (size >= 8 && memcmp(data, "TZBPE001", 8) == 0) {
        size_t used = 0;
        int rc = bpe_load_mem(&b, data, size, &used, &e);
        if (rc) { refused(rc, &e, &b); return 0; }
        CHECK(used <= size);
        CkBuf out = { 0 };
        CHECK(bpe_save(&b, &out) == 0);
        CHECK(out.n == used && memcmp(out.b, data, used) == 0);   /* it saves back to itself */
        free(out.b);
        round_trip_text(&b, s, size);
        bpe_free(&b);
        return 0;
    }
    const char *nul = memchr(s, '\0', size);
    size_t ne = nul ? (size_t)(nul - s) : size;
    const char *voc = nul ? nul + 1 : "";
    size_t nv = nul ? size - ne - 1 : 0;
    int rc = bpe_load_gpt2_mem(&b, s, ne, voc, nv, &e);
    if (rc) { refused(rc, &e, &b); return 0; }
    CHECK(b.vocab >= 256 + b.n_merges + b.n_special);
    round_trip_text(&b, s, size);
    CkBuf out = { 0 };
    CHECK(bpe_save(&b, &out) == 0);
    Bpe c;
    size_t used = 0;
    rc = bpe_load_mem(&c, out.b, out.n, &used, &e);
    if (rc) fprintf(stderr, "reload failed: %s\n", e.en);
    CHECK(rc == 0 && used == out.n);
    same(&b, &c);
    free(out.b);
    bpe_free(&c);
    bpe_free(&b);
    return 0;
}
