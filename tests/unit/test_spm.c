/* test_spm.c — the LLaMA (SentencePiece-style BPE) tokenizer (src/engine/text/spm.c).
 *
 * The peer: tests/ref/spm/make_expected.py, an independent plain Python implementation of
 * llama2.c's encode (quadratic rescans, no heap) and of SentencePiece's decoding, wrote the ids
 * of 16 cases (Turkish letters, İ and emoji missing from the vocabulary → byte fallback, runs of
 * spaces, newlines, empty texts with and without BOS/EOS, ties between equal scores, "<s>"
 * typed in the text, invalid UTF-8, a continuation byte first) over a committed 459-piece
 * vocab.tsv. We compare token for token through every loader — a GGUF-style vocabulary ("▁",
 * types), a GGUF file written by gguf_write and read by gguf_parse + gguf_vocab, and a
 * tokenizer.bin written here and read by llama2c_tokenizer_parse — then check decode(encode(x)) == x and the heap
 * encoder against a naive one on random strings, token types, refusals and the piece helpers. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/llama2c.h"
#include "text/spm.h"

#define REF "tests/ref/spm"

/* vocab.tsv (piece<TAB>score<TAB>type, "▁" for spaces) as a GgufVocab, as gguf_vocab gives it */
static void load_tsv(GgufVocab *v)
{
    memset(v, 0, sizeof *v);
    FILE *f = fopen(REF "/vocab.tsv", "rb");
    cr_assert(f, "cannot open " REF "/vocab.tsv");
    int cap = 1024;
    v->tok = calloc(cap, sizeof *v->tok);
    v->len = calloc(cap, sizeof *v->len);
    v->score = calloc(cap, sizeof *v->score);
    v->type = calloc(cap, sizeof *v->type);
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        char *t1 = strchr(line, '\t');
        cr_assert(t1 && v->n < cap);
        *t1 = '\0';
        float sc;
        int ty;
        cr_assert_eq(sscanf(t1 + 1, "%f\t%d", &sc, &ty), 2);
        v->tok[v->n] = strdup(line);
        v->len[v->n] = strlen(line);
        v->score[v->n] = sc;
        v->type[v->n] = ty;
        v->n++;
    }
    fclose(f);
    v->bos = 1;
    v->eos = 2;
    v->unk = 0;
    strcpy(v->model, "llama");
}

static void free_vocab(GgufVocab *v)
{
    for (int i = 0; i < v->n; i++) free(v->tok[i]);
    free(v->tok);
    free(v->len);
    free(v->score);
    free(v->type);
    memset(v, 0, sizeof *v);
}

static void load_gguf_spm(Spm *s)
{
    GgufVocab v;
    load_tsv(&v);
    TzErr e;
    int rc = spm_from_gguf_vocab(s, &v, &e);
    free_vocab(&v);
    cr_assert_eq(rc, 0, "spm_from_gguf_vocab: %s", e.en);
}

/* The same vocabulary as llama2.c's export.py writes it: int32 max_token_length, then per piece
 * float32 score, int32 length, the bytes — "▁" replaced by ' ', <s>/</s> as "\n<s>\n"/"\n</s>\n". */
static char *make_tokenizer_bin(size_t *n)
{
    GgufVocab v;
    load_tsv(&v);
    size_t cap = 4 + (size_t)v.n * 8 + 64, at = 4;
    char *buf = malloc(cap);
    int32_t maxlen = 0;
    for (int i = 0; i < v.n; i++) {
        char piece[256];
        size_t k = 0;
        const char *p = i == 1 ? "\n<s>\n" : i == 2 ? "\n</s>\n" : v.tok[i];
        for (size_t j = 0; p[j]; j++) {
            if (strncmp(p + j, "\xE2\x96\x81", 3) == 0) {
                piece[k++] = ' ';
                j += 2;
            } else {
                piece[k++] = p[j];
            }
        }
        if ((int32_t)k > maxlen) maxlen = (int32_t)k;
        buf = realloc(buf, cap += 8 + k);
        memcpy(buf + at, &v.score[i], 4);
        int32_t len = (int32_t)k;
        memcpy(buf + at + 4, &len, 4);
        memcpy(buf + at + 8, piece, k);
        at += 8 + k;
    }
    memcpy(buf, &maxlen, 4);
    free_vocab(&v);
    *n = at;
    return buf;
}

static void load_llama2c_spm(Spm *s)
{
    size_t n;
    char *bin = make_tokenizer_bin(&n);
    GgufVocab v;
    TzErr e;
    int rc = llama2c_tokenizer_parse(bin, n, "tokenizer.bin", 0, &v, &e);
    free(bin);
    cr_assert_eq(rc, 0, "llama2c_tokenizer_parse: %s", e.en);
    cr_assert_eq(v.n, 459);
    rc = spm_from_llama2c(s, &v, &e);
    gguf_vocab_free(&v);
    cr_assert_eq(rc, 0, "spm_from_llama2c: %s", e.en);
}

static char *hex_to_text(const char *hex, size_t *n)
{
    if (strcmp(hex, "-") == 0) hex = "";
    size_t len = strlen(hex) / 2;
    char *s = malloc(len + 1);
    for (size_t i = 0; i < len; i++) {
        unsigned x;
        sscanf(hex + 2 * i, "%2x", &x);
        s[i] = (char)x;
    }
    s[len] = '\0';
    *n = len;
    return s;
}

/* Encode every case of expected.txt with s, compare ids, decode back; returns the case count. */
static int check_expected(const Spm *s, const char *which)
{
    FILE *f = fopen(REF "/expected.txt", "r");
    cr_assert(f);
    char line[8192];
    int cases = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *hex = strtok(line, "\t"), *bos = strtok(NULL, "\t"), *eos = strtok(NULL, "\t"),
             *ids = strtok(NULL, "\t");
        cr_assert(hex && bos && eos && ids);
        size_t n;
        char *text = hex_to_text(hex, &n);
        int32_t want[512];
        size_t nw = 0;
        if (strcmp(ids, "-") != 0)
            for (char *t = strtok(ids, " "); t; t = strtok(NULL, " ")) want[nw++] = atoi(t);
        int b = atoi(bos), eo = atoi(eos);
        size_t k = spm_encode(s, text, n, b, eo, NULL, 0);
        cr_expect_eq(k, nw, "%s case %d: %zu ids, the reference has %zu", which, cases, k, nw);
        int32_t got[512];
        cr_assert_eq(spm_encode(s, text, n, b, eo, got, 512), k);
        for (size_t i = 0; i < nw && i < k; i++)
            cr_expect_eq(got[i], want[i], "%s case %d, id %zu: %d, the reference %d", which, cases, i, got[i],
                         want[i]);
        char back[2048];
        size_t m = spm_decode(s, got, k, back, sizeof back);
        cr_expect(m == n && memcmp(back, text, n) == 0, "%s case %d does not decode back", which, cases);
        free(text);
        cases++;
    }
    fclose(f);
    return cases;
}

Test(spm, ids_match_python_reference_gguf_vocab)
{
    Spm s;
    load_gguf_spm(&s);
    cr_assert_eq(s.n, 459);
    cr_expect_eq(s.bos, 1);
    cr_expect_eq(s.eos, 2);
    cr_expect_eq(s.unk, 0);
    cr_expect_eq(s.byte_id[0], 3);
    cr_expect_eq(s.byte_id['\n'], 13);
    cr_expect_eq(s.byte_id[0xFF], 258);
    cr_expect_eq(s.space_id, 458, "the piece \"▁\" is the last line of vocab.tsv");
    cr_expect_eq(s.type[1], SPM_CONTROL);
    cr_expect_eq(s.type[3], SPM_BYTE);
    cr_expect_eq(check_expected(&s, "gguf"), 17);
    spm_free(&s);
}

Test(spm, ids_match_python_reference_tokenizer_bin)
{
    Spm s;
    load_llama2c_spm(&s);
    /* types inferred from a file that stores none */
    cr_expect_eq(s.type[0], SPM_UNKNOWN);
    cr_expect_eq(s.type[1], SPM_CONTROL);
    cr_expect_eq(s.type[2], SPM_CONTROL);
    for (int b = 0; b < 256; b++) cr_expect_eq(s.byte_id[b], 3 + b);
    cr_expect_eq(s.type[260], SPM_NORMAL);
    cr_expect_eq(check_expected(&s, "tokenizer.bin"), 17);
    /* BOS decodes to nothing (its text is "\n<s>\n") */
    int32_t ids[3] = {1, 2, 1};
    char out[8];
    cr_expect_eq(spm_decode(&s, ids, 3, out, sizeof out), 0);
    spm_free(&s);
}

Test(spm, ids_match_python_reference_through_a_gguf_file)
{
    /* the vocabulary written as a GGUF file's tokenizer.ggml.* keys (gguf_write, no tensors),
     * read back by gguf_parse and gguf_vocab: the path a .gguf model takes */
    GgufVocab tsv;
    load_tsv(&tsv);
    uint32_t bos = 1, eos = 2, unk = 0;
    GgufKvOut kv[] = {
        {"general.architecture", GGUF_STRING, 0, 0, "llama"},
        {"tokenizer.ggml.model", GGUF_STRING, 0, 0, "llama"},
        {"tokenizer.ggml.tokens", GGUF_ARRAY, GGUF_STRING, (uint64_t)tsv.n, tsv.tok},
        {"tokenizer.ggml.scores", GGUF_ARRAY, GGUF_FLOAT32, (uint64_t)tsv.n, tsv.score},
        {"tokenizer.ggml.token_type", GGUF_ARRAY, GGUF_INT32, (uint64_t)tsv.n, tsv.type},
        {"tokenizer.ggml.bos_token_id", GGUF_UINT32, 0, 0, &bos},
        {"tokenizer.ggml.eos_token_id", GGUF_UINT32, 0, 0, &eos},
        {"tokenizer.ggml.unknown_token_id", GGUF_UINT32, 0, 0, &unk},
    };
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    TzErr e;
    cr_assert_eq(gguf_write(fp, kv, 8, NULL, 0, 0, &e), 0, "%s", e.en);
    fclose(fp);
    free_vocab(&tsv);
    GgufFile f;
    cr_assert_eq(gguf_parse(&f, buf, len, "spm.gguf", &e), 0, "%s", e.en);
    GgufVocab v;
    cr_assert_eq(gguf_vocab(&f, &v, &e), 0, "%s", e.en);
    Spm s;
    cr_assert_eq(spm_from_gguf_vocab(&s, &v, &e), 0, "%s", e.en);
    cr_expect_eq(s.unk, 0);
    cr_expect_eq(check_expected(&s, "spm.gguf"), 17);
    spm_free(&s);
    gguf_vocab_free(&v);
    gguf_free(&f);
    free(buf);
}

/* A tiny deterministic generator, so failures reproduce. */
static uint32_t rng_state = 12345;
static uint32_t rnd(void)
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return rng_state >> 8;
}

/* Random text: letters of the vocabulary, Turkish letters, spaces, newlines, 3- and 4-byte
 * characters and now and then an invalid byte. */
static size_t random_text(char *buf, size_t cap, int allow_invalid)
{
    static const char *const bits[] = {"a", "b", "e", "i", "k", "l", "r", " ", " ", "  ", "\n", "ç", "ğ", "ı",
                                       "ş", "ö", "ü", "İ", "Ş", "x", "q", "€", "▁", "🙂", "🚀", "ab", "lar",
                                       "bir", "the", ".", ",", "<s>", "<0x41>", "\t"};
    size_t nb = sizeof bits / sizeof bits[0], n = 0, parts = rnd() % 24;
    for (size_t p = 0; p < parts; p++) {
        if (allow_invalid && rnd() % 9 == 0) {
            if (n + 1 < cap) buf[n++] = (char)(0x80 + rnd() % 128);
            continue;
        }
        const char *b = bits[rnd() % nb];
        size_t l = strlen(b);
        if (n + l >= cap) break;
        memcpy(buf + n, b, l);
        n += l;
    }
    return n;
}

/* run.c's encode as it is written: rescan every adjacent pair after every merge. */
static size_t naive_encode(const Spm *s, const char *text, size_t n, int32_t *ids)
{
    size_t k = 0;
    if (n == 0) return 0;
    char *t = malloc(n + 1);
    t[0] = ' ';
    memcpy(t + 1, text, n);
    size_t m = n + 1;
    uint32_t *st = malloc(m * sizeof *st), *ln = malloc(m * sizeof *ln);
    char *fz = malloc(m);
    for (size_t i = 0; i < m;) {
        size_t j = i + 1;
        while (i > 0 && j < m && ((unsigned char)t[j] & 0xC0) == 0x80 && j - i < 4) j++; /* prefix alone */
        int32_t id = spm_id(s, t + i, j - i);
        if (id >= 0) {
            st[k] = (uint32_t)i, ln[k] = (uint32_t)(j - i), fz[k] = 0, ids[k++] = id;
        } else {
            for (size_t b = i; b < j; b++)
                st[k] = (uint32_t)b, ln[k] = 1, fz[k] = 1, ids[k++] = s->byte_id[(unsigned char)t[b]];
        }
        i = j;
    }
    for (;;) {
        int best = -1;
        int32_t best_id = -1;
        float best_score = 0;
        for (size_t i = 0; i + 1 < k; i++) {
            if (fz[i] || fz[i + 1]) continue;
            int32_t id = spm_id(s, t + st[i], ln[i] + ln[i + 1]);
            if (id >= 0 && (best < 0 || s->score[id] > best_score)) best = (int)i, best_id = id, best_score = s->score[id];
        }
        if (best < 0) break;
        ids[best] = best_id;
        ln[best] += ln[best + 1];
        for (size_t i = (size_t)best + 1; i + 1 < k; i++) st[i] = st[i + 1], ln[i] = ln[i + 1], fz[i] = fz[i + 1], ids[i] = ids[i + 1];
        k--;
    }
    free(t);
    free(st);
    free(ln);
    free(fz);
    return k;
}

Test(spm, random_strings_round_trip_and_match_naive_encoder)
{
    Spm s;
    load_gguf_spm(&s);
    char text[256], back[512];
    int32_t ids[600], naive[600];
    for (int r = 0; r < 300; r++) {
        size_t n = random_text(text, sizeof text, r % 3 == 0);
        for (int bos = 0; bos <= 1; bos++) {
            size_t k = spm_encode(&s, text, n, bos, 1, ids, 600);
            cr_assert(k <= 600 && k == spm_encode(&s, text, n, bos, 1, NULL, 0));
            for (size_t i = 0; i < k; i++) {
                cr_assert(ids[i] >= 0 && ids[i] < s.n);
                /* encoding never makes control, unused or unknown pieces, except BOS/EOS at the ends */
                if (!((bos && i == 0) || i == k - 1))
                    cr_assert(s.type[ids[i]] == SPM_NORMAL || s.type[ids[i]] == SPM_BYTE, "string %d id %zu", r, i);
            }
            size_t m = spm_decode(&s, ids, k, back, sizeof back);
            cr_assert(m == n && memcmp(back, text, n) == 0, "random string %d (bos %d) does not round-trip", r, bos);
        }
        size_t k = spm_encode(&s, text, n, 0, 0, ids, 600);
        size_t kn = naive_encode(&s, text, n, naive);
        cr_assert_eq(k, kn, "random string %d: %zu ids, the naive encoder %zu", r, k, kn);
        for (size_t i = 0; i < k; i++) cr_assert_eq(ids[i], naive[i], "random string %d, id %zu", r, i);
    }
    spm_free(&s);
}

Test(spm, long_text_and_partial_output)
{
    Spm s;
    load_gguf_spm(&s);
    /* 20000 copies of a sentence: the heap keeps this quick (run.c's rescans would not) */
    const char *one = "Bir varmış, bir yokmuş. Kitaplarımızdan biri masada duruyor. ";
    size_t lo = strlen(one), n = lo * 20000;
    char *text = malloc(n);
    for (size_t i = 0; i < 20000; i++) memcpy(text + i * lo, one, lo);
    size_t k = spm_encode(&s, text, n, 1, 0, NULL, 0);
    int32_t *ids = malloc(k * sizeof *ids);
    cr_assert_eq(spm_encode(&s, text, n, 1, 0, ids, k), k);
    /* every copy encodes like the sentence alone (its trailing space becomes the next copy's
     * "▁Bir", as the dummy prefix does for the first), and the very last space is "▁" alone */
    int32_t small[64];
    size_t k1 = spm_encode(&s, one, lo - 1, 1, 0, small, 64);
    cr_expect_eq(k, 1 + 20000 * (k1 - 1) + 1);
    cr_expect_eq(ids[k - 1], s.space_id);
    char *back = malloc(n);
    cr_expect_eq(spm_decode(&s, ids, k, back, n), n);
    cr_expect(memcmp(back, text, n) == 0);
    /* cap smaller than needed: the count is still the whole, the prefix is right */
    int32_t part[5];
    cr_expect_eq(spm_encode(&s, one, lo, 1, 0, part, 5), spm_encode(&s, one, lo, 1, 0, NULL, 0));
    cr_expect(memcmp(part, ids, sizeof part) == 0);
    char pb[4];
    cr_expect_eq(spm_decode(&s, ids, 3, pb, 4), spm_decode(&s, ids, 3, NULL, 0));
    free(back);
    free(ids);
    free(text);
    spm_free(&s);
}

Test(spm, decode_piece_strips_only_after_bos_and_bad_ids)
{
    Spm s;
    load_gguf_spm(&s);
    int32_t bir = spm_id(&s, " bir", 4);
    cr_assert(bir > 0);
    size_t len;
    const char *p = spm_decode_piece(&s, 1, bir, &len);
    cr_expect(len == 3 && memcmp(p, "bir", 3) == 0);
    p = spm_decode_piece(&s, 5, bir, &len);
    cr_expect(len == 4 && memcmp(p, " bir", 4) == 0);
    p = spm_decode_piece(&s, -1, bir, &len);
    cr_expect(len == 4 && memcmp(p, " bir", 4) == 0);
    /* <0x20> right after BOS stands for the dummy prefix (a vocabulary without "▁"); elsewhere
     * it is a space */
    p = spm_decode_piece(&s, 1, s.byte_id[' '], &len);
    cr_expect(p && len == 0);
    p = spm_decode_piece(&s, bir, s.byte_id[' '], &len);
    cr_expect(len == 1 && p[0] == ' ');
    p = spm_decode_piece(&s, 1, 2, &len);
    cr_expect(p && len == 0);
    cr_expect_null(spm_decode_piece(&s, 1, s.n, &len));
    cr_expect_null(spm_decode_piece(&s, 1, -1, &len));
    int32_t bad[2] = {bir, 459};
    char out[16];
    cr_expect_eq(spm_decode(&s, bad, 2, out, sizeof out), SPM_BAD_ID);
    /* in the middle of the ids the space stays */
    int32_t two[2] = {bir, bir};
    cr_expect_eq(spm_decode(&s, two, 2, out, sizeof out), 7);
    cr_expect(memcmp(out, "bir bir", 7) == 0);
    spm_free(&s);
}

Test(spm, piece_display_and_lookup)
{
    Spm s;
    load_gguf_spm(&s);
    int32_t id = spm_id(&s, " Kitaplarımızdan", strlen(" Kitaplarımızdan"));
    cr_assert(id > 0);
    size_t len;
    cr_expect_str_eq(spm_piece(&s, id, &len), " Kitaplarımızdan");
    char buf[64];
    size_t need = spm_piece_display(&s, id, buf, sizeof buf);
    cr_expect_str_eq(buf, "▁Kitaplarımızdan");
    cr_expect_eq(need, strlen("▁Kitaplarımızdan"));
    cr_expect_eq(spm_piece_display(&s, id, buf, 4), need);   /* truncated, still NUL-ended */
    cr_expect_eq(strlen(buf), 3);
    cr_expect_eq(spm_piece_display(&s, s.n, buf, sizeof buf), SPM_BAD_ID);
    cr_expect_null(spm_piece(&s, -1, NULL));
    /* control, byte and unknown pieces are not in the lookup: they are never made from text */
    cr_expect_eq(spm_id(&s, "<s>", 3), -1);
    cr_expect_eq(spm_id(&s, "<0x41>", 6), -1);
    cr_expect_eq(spm_id(&s, "<unk>", 5), -1);
    cr_expect_eq(spm_id(&s, "", 0), -1);
    spm_free(&s);
}

/* A hand-made vocabulary: 0 <unk>, 1 <s>, 2 </s>, then the given pieces; no byte pieces. */
static int tiny(Spm *s, const char *const *pieces, const float *scores, const int32_t *types, int n, TzErr *e)
{
    GgufVocab v = {0};
    v.n = 3 + n;
    v.tok = calloc(v.n, sizeof *v.tok);
    v.len = calloc(v.n, sizeof *v.len);
    v.score = calloc(v.n, sizeof *v.score);
    v.type = calloc(v.n, sizeof *v.type);
    const char *spec[3] = {"<unk>", "<s>", "</s>"};
    for (int i = 0; i < v.n; i++) {
        v.tok[i] = strdup(i < 3 ? spec[i] : pieces[i - 3]);
        v.len[i] = strlen(v.tok[i]);
        v.score[i] = i < 3 ? 0 : scores[i - 3];
        v.type[i] = i < 3 ? (i == 0 ? SPM_UNKNOWN : SPM_CONTROL) : types[i - 3];
    }
    v.bos = 1, v.eos = 2, v.unk = 0;
    strcpy(v.model, "llama");
    int rc = spm_from_gguf_vocab(s, &v, e);
    free_vocab(&v);
    return rc;
}

Test(spm, token_types_and_unknown)
{
    /* "ab" is CONTROL, "bc" UNUSED, "cd" USER-defined: only "cd" may come out of a merge */
    const char *p[] = {"▁", "a", "b", "c", "d", "ab", "bc", "cd", "▁a"};
    float sc[] = {-10, -10, -10, -10, -10, 5, 4, 3, -1};
    int32_t ty[] = {1, 1, 1, 1, 1, SPM_CONTROL, SPM_UNUSED, SPM_USER, 1};
    Spm s;
    TzErr e;
    cr_assert_eq(tiny(&s, p, sc, ty, 9, &e), 0, "%s", e.en);
    int32_t ids[16];
    size_t k = spm_encode(&s, "abcd", 4, 0, 0, ids, 16);
    /* " abcd" → ▁ a b c d; "ab" (5) and "bc" (4) are not producible; "cd" (3) beats "▁a" (−1) */
    cr_assert_eq(k, 3);
    cr_expect_eq(ids[0], 3 + 8);  /* ▁a */
    cr_expect_eq(ids[1], 3 + 2);  /* b  */
    cr_expect_eq(ids[2], 3 + 7);  /* cd */
    /* no byte pieces: a character outside the vocabulary becomes <unk>, one per byte */
    k = spm_encode(&s, "aé", 3, 1, 1, ids, 16);
    cr_assert_eq(k, 5);
    cr_expect_eq(ids[0], 1);
    cr_expect_eq(ids[2], 0);
    cr_expect_eq(ids[3], 0);
    cr_expect_eq(ids[4], 2);
    char out[32];
    size_t m = spm_decode(&s, ids, k, out, sizeof out);
    cr_expect(m == 11 && memcmp(out, "a<unk><unk>", 11) == 0);
    spm_free(&s);
}

Test(spm, refusals)
{
    Spm s;
    TzErr e;
    const char *p[] = {"▁", "a"};
    float sc[] = {0, 0};
    /* an unknown token type */
    int32_t bad_type[] = {1, 9};
    cr_expect_eq(tiny(&s, p, sc, bad_type, 2, &e), TZ_E_FORMAT);
    cr_expect(strstr(e.en, "type 9") && strstr(e.tr, "9"), "%s", e.en);
    cr_expect_eq(s.n, 0);
    /* neither byte pieces nor <unk>: cannot spell every text */
    GgufVocab v = {0};
    char *toks[2] = {"a", "b"};
    size_t lens[2] = {1, 1};
    v.n = 2, v.tok = toks, v.len = lens, v.bos = v.eos = v.unk = -1;
    cr_expect_eq(spm_from_gguf_vocab(&s, &v, &e), TZ_E_FORMAT);
    cr_expect(strstr(e.en, "<unk>"), "%s", e.en);
    cr_expect_null(s.slot);
    /* a GPT-2 (byte-level BPE) GGUF tokenizer */
    v.unk = 0;
    strcpy(v.model, "gpt2");
    cr_expect_eq(spm_from_gguf_vocab(&s, &v, &e), TZ_E_FORMAT);
    cr_expect(strstr(e.en, "gpt2"), "%s", e.en);
    /* the same vocabulary with unk and no model name is fine, and its scores default to 0 */
    v.model[0] = '\0';
    cr_assert_eq(spm_from_llama2c(&s, &v, &e), 0, "%s", e.en);
    cr_expect_eq(s.score[1], 0.0f);
    cr_expect_eq(s.type[0], SPM_UNKNOWN);
    spm_free(&s);
    v.n = 0;
    cr_expect_eq(spm_from_gguf_vocab(&s, &v, &e), TZ_E_FORMAT);
    spm_free(&s);   /* safe on the emptied struct */
}
