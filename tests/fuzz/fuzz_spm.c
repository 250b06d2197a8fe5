/* fuzz_spm.c — libFuzzer harness for the LLaMA (SentencePiece-style BPE) tokenizer
 * (src/engine/text/spm.c).
 *
 * Each input is used twice:
 *   1. as a text for a fixed vocabulary built here (<unk> <s> </s>, the 256 byte pieces, "▁",
 *      Turkish and English letters and all their pairs and some triples, with scores from a
 *      hash so that ties and odd orders occur): it must encode to NORMAL or BYTE pieces only
 *      (BOS/EOS at the ends), the count measured with cap 0 must equal the count written, the
 *      ids must equal those of a naive run.c-style encoder (rescanning every pair after every
 *      merge; for inputs up to 512 bytes), and decoding must give back exactly the input bytes —
 *      with and without BOS/EOS. The input's bytes are also read as ids (some out of range) for
 *      spm_decode and spm_decode_piece: a bad id gives SPM_BAD_ID / NULL, never a crash;
 *   2. as a llama2.c tokenizer.bin (llama2c_tokenizer_parse, read to the end): when it parses,
 *      spm_from_llama2c and spm_from_gguf_vocab build tokenizers or refuse (a code, both
 *      messages, an empty Spm); a built one encodes a Turkish line and the input's last bytes to
 *      ids in range, equal to the naive encoder's, and — when it has all 256 byte pieces —
 *      decodes them back exactly.
 * Build and run: bash tests/fuzz/run.sh spm (see tests/fuzz/README.md).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/llama2c.h"
#include "text/spm.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz_spm: check failed: %s (line %d)\n", #c, __LINE__); abort(); } } while (0)

/* run.c's encode, written the slow obvious way (the dummy prefix a symbol of its own). */
static size_t naive_encode(const Spm *s, const char *text, size_t n, int32_t *ids)
{
    if (n == 0) return 0;
    size_t m = n + 1, k = 0;
    char *t = malloc(m);
    t[0] = ' ';
    memcpy(t + 1, text, n);
    uint32_t *st = malloc(m * sizeof *st), *ln = malloc(m * sizeof *ln);
    char *fz = malloc(m);
    for (size_t i = 0; i < m;) {
        size_t j = i + 1;
        while (i > 0 && j < m && ((unsigned char)t[j] & 0xC0) == 0x80 && j - i < 4) j++;
        int32_t id = spm_id(s, t + i, j - i);
        if (id >= 0) {
            st[k] = (uint32_t)i, ln[k] = (uint32_t)(j - i), fz[k] = 0, ids[k++] = id;
        } else {
            for (size_t b = i; b < j; b++) {
                int32_t bid = s->byte_id[(unsigned char)t[b]];
                st[k] = (uint32_t)b, ln[k] = 1, fz[k] = 1, ids[k++] = bid >= 0 ? bid : s->unk;
            }
        }
        i = j;
    }
    for (;;) {
        long best = -1;
        int32_t best_id = -1;
        float best_score = 0;
        for (size_t i = 0; i + 1 < k; i++) {
            if (fz[i] || fz[i + 1]) continue;
            int32_t id = spm_id(s, t + st[i], ln[i] + ln[i + 1]);
            if (id >= 0 && (best < 0 || s->score[id] > best_score)) best = (long)i, best_id = id, best_score = s->score[id];
        }
        if (best < 0) break;
        ids[best] = best_id;
        ln[best] += ln[best + 1];
        memmove(st + best + 1, st + best + 2, (k - (size_t)best - 2) * sizeof *st);
        memmove(ln + best + 1, ln + best + 2, (k - (size_t)best - 2) * sizeof *ln);
        memmove(fz + best + 1, fz + best + 2, k - (size_t)best - 2);
        memmove(ids + best + 1, ids + best + 2, (k - (size_t)best - 2) * sizeof *ids);
        k--;
    }
    free(t);
    free(st);
    free(ln);
    free(fz);
    return k;
}

static int has_all_bytes(const Spm *s)
{
    for (int b = 0; b < 256; b++)
        if (s->byte_id[b] < 0) return 0;
    return 1;
}

/* Encode text with s and check everything above; exact: decoding must give the text back. */
static void check_text(const Spm *s, const char *text, size_t n, int exact)
{
    for (int mode = 0; mode < 3; mode++) {
        int bos = mode >= 1, eos = mode == 2;
        size_t k = spm_encode(s, text, n, bos, eos, NULL, 0);
        CHECK(k <= n + 3);
        int32_t *ids = malloc((k ? k : 1) * sizeof *ids);
        CHECK(spm_encode(s, text, n, bos, eos, ids, k) == k);
        int lead = bos && s->bos >= 0, tail = eos && s->eos >= 0;
        CHECK(!lead || ids[0] == s->bos);
        CHECK(!tail || ids[k - 1] == s->eos);
        for (size_t i = 0; i < k; i++) {
            CHECK(ids[i] >= 0 && ids[i] < s->n);
            if ((lead && i == 0) || (tail && i == k - 1)) continue;
            int t = s->type[ids[i]];
            CHECK(t == SPM_NORMAL || t == SPM_USER || t == SPM_BYTE || ids[i] == s->unk);
        }
        if (mode == 0 && n <= 512) {
            int32_t *nv = malloc((n + 1) * 4 * sizeof *nv);
            size_t kn = naive_encode(s, text, n, nv);
            CHECK(kn == k);
            CHECK(k == 0 || memcmp(nv, ids, k * sizeof *ids) == 0);
            free(nv);
        }
        size_t len = spm_decode(s, ids, k, NULL, 0);
        CHECK(len != SPM_BAD_ID);
        char *back = malloc(len ? len : 1);
        CHECK(spm_decode(s, ids, k, back, len) == len);
        if (exact) CHECK(len == n && memcmp(back, text, n) == 0);
        free(back);
        free(ids);
    }
}

static Spm fixed;
static int fixed_ready;

/* The fixed vocabulary: scores from a hash of the piece, rounded so that ties happen. */
static void build_fixed(void)
{
    static const char *const letters[] = {"▁", "a", "b", "e", "i", "k", "l", "m", "n", "r", "s", "t", "u", "ç",
                                          "ğ", "ı", "ö", "ş", "ü", "İ", ".", ","};
    enum { NL = sizeof letters / sizeof letters[0] };
    int cap = 3 + 256 + NL + NL * NL + NL * NL * 3;
    GgufVocab v;
    memset(&v, 0, sizeof v);
    v.tok = calloc(cap, sizeof *v.tok);
    v.len = calloc(cap, sizeof *v.len);
    v.score = calloc(cap, sizeof *v.score);
    v.type = calloc(cap, sizeof *v.type);
    char buf[64];
    const char *spec[3] = {"<unk>", "<s>", "</s>"};
    for (int i = 0; i < 3; i++) v.tok[v.n] = strdup(spec[i]), v.type[v.n++] = i ? SPM_CONTROL : SPM_UNKNOWN;
    for (int b = 0; b < 256; b++) {
        snprintf(buf, sizeof buf, "<0x%02X>", b);
        v.tok[v.n] = strdup(buf), v.type[v.n++] = SPM_BYTE;
    }
    for (int i = 0; i < NL; i++) v.tok[v.n] = strdup(letters[i]), v.score[v.n] = -1000, v.type[v.n++] = SPM_NORMAL;
    uint32_t h = 7;
    for (int i = 0; i < NL; i++)
        for (int j = 0; j < NL; j++) {
            snprintf(buf, sizeof buf, "%s%s", letters[i], letters[j]);
            h = h * 2654435761u + 17;
            v.tok[v.n] = strdup(buf), v.score[v.n] = -(float)((h >> 20) % 64), v.type[v.n++] = SPM_NORMAL;
            if ((h >> 8) % 3 == 0) {   /* some triples, one a control piece that must never come out */
                snprintf(buf, sizeof buf, "%s%s%s", letters[i], letters[j], letters[(i + j) % NL]);
                v.tok[v.n] = strdup(buf), v.score[v.n] = -(float)((h >> 12) % 64);
                v.type[v.n++] = (h >> 4) % 7 == 0 ? SPM_CONTROL : (h >> 4) % 7 == 1 ? SPM_UNUSED : SPM_NORMAL;
            }
        }
    for (int i = 0; i < v.n; i++) v.len[i] = strlen(v.tok[i]);
    v.bos = 1, v.eos = 2, v.unk = 0;
    strcpy(v.model, "llama");
    TzErr e;
    CHECK(spm_from_gguf_vocab(&fixed, &v, &e) == 0);
    CHECK(has_all_bytes(&fixed) && fixed.space_id >= 0);
    gguf_vocab_free(&v);
    fixed_ready = 1;
}

static void check_refusal(int rc, const Spm *s, const TzErr *e)
{
    CHECK(rc != 0 && e->tr[0] && e->en[0]);
    CHECK(s->n == 0 && s->off == NULL && s->slot == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fixed_ready) build_fixed();
    const char *in = (const char *)data;

    /* 1. the input as a text */
    check_text(&fixed, in, size, 1);
    /* the input as ids: 16-bit numbers, a few beyond the vocabulary */
    size_t nid = size / 2;
    int32_t *ids = malloc((nid ? nid : 1) * sizeof *ids);
    int bad = 0;
    for (size_t i = 0; i < nid; i++) {
        ids[i] = (int32_t)(data[2 * i] | (data[2 * i + 1] << 8)) % (fixed.n + 8);
        bad |= ids[i] >= fixed.n;
    }
    size_t len = spm_decode(&fixed, ids, nid, NULL, 0);
    CHECK(bad ? len == SPM_BAD_ID : len != SPM_BAD_ID);
    for (size_t i = 0; i < nid; i++) {
        size_t pl;
        const char *p = spm_decode_piece(&fixed, i ? ids[i - 1] : -1, ids[i], &pl);
        CHECK((p == NULL) == (ids[i] >= fixed.n));
        char d[256];
        CHECK(ids[i] >= fixed.n || spm_piece_display(&fixed, ids[i], d, sizeof d) < sizeof d);
    }
    free(ids);

    /* 2. the input as tokenizer.bin */
    GgufVocab v;
    TzErr e;
    if (llama2c_tokenizer_parse(in, size, "fuzz", 0, &v, &e) == 0) {
        for (int gguf = 0; gguf < 2; gguf++) {
            Spm s;
            int rc = gguf ? spm_from_gguf_vocab(&s, &v, &e) : spm_from_llama2c(&s, &v, &e);
            if (rc) {
                check_refusal(rc, &s, &e);
                continue;
            }
            CHECK(s.n == v.n);
            int exact = has_all_bytes(&s);
            static const char line[] = "Bir varmış, bir yokmuş: çiğ köfte İstanbul'da 🙂\n";
            check_text(&s, line, sizeof line - 1, exact);
            size_t tail = size < 64 ? size : 64;
            check_text(&s, in + size - tail, tail, exact);
            spm_free(&s);
            CHECK(s.n == 0);
        }
        gguf_vocab_free(&v);
    }
    return 0;
}
