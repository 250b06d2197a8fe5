/* test_w2v.c — word2vec text/binary and projector TSV (src/engine/formats/w2v.c): the files
 * gensim wrote (tests/ref/w2v, from tests/ref/make_w2v_fixtures.py) load with the values gensim
 * read back, our files round-trip bit-exact, the number parser agrees with strtof, and every
 * kind of hostile input is refused with a message naming the line or byte offset. */
#include <criterion/criterion.h>

#include <dirent.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tmpdir.h"
#include "core/io.h"
#include "core/job.h"
#include "formats/w2v.h"
#include "models/vectors.h"

#ifndef W2V_FIXTURES
#define W2V_FIXTURES "tests/ref/w2v"
#endif

TestSuite(w2v, .init = tmp_setup, .fini = tmp_teardown);

static uint32_t bits(float x)
{
    uint32_t b;
    memcpy(&b, &x, 4);
    return b;
}

static int64_t find(const Vectors *v, const char *w) { return vectors_find(v, w); }

/* Parse a string (not NUL-terminated for the parser: it gets exactly strlen bytes, copied to
 * an exact-size buffer so that ASan would see a read past the end). */
static int parse(Vectors *v, const char *s, size_t n, size_t limit, TzErr *e)
{
    char *buf = malloc(n ? n : 1);
    memcpy(buf, s, n);
    int rc = w2v_parse(v, buf, n, "t.vec", limit, NULL, e);
    free(buf);
    return rc;
}
static int parse_str(Vectors *v, const char *s, TzErr *e) { return parse(v, s, strlen(s), 0, e); }

/* The rc is code, the vectors are left empty, and both messages contain the expected words. */
static void expect_err(const char *data, size_t n, TzCode code, const char *tr, const char *en)
{
    Vectors v;
    TzErr e;
    tz_err_clear(&e);
    int rc = parse(&v, data, n, 0, &e);
    cr_assert_eq(rc, (int)code, "wanted code %d, got %d for input:\n%.*s\nen: %s", code, rc, (int)n, data, e.en);
    cr_assert_eq(e.code, code);
    cr_assert_eq(v.n, 0);
    cr_assert_null(v.data);
    cr_assert(strstr(e.tr, tr) != NULL, "Turkish message lacks '%s': %s", tr, e.tr);
    cr_assert(strstr(e.en, en) != NULL, "English message lacks '%s': %s", en, e.en);
    cr_assert(strstr(e.en, "t.vec") != NULL, "the message names the file: %s", e.en);
    vectors_free(&v);
}
#define BAD(str, code, tr, en) expect_err(str, sizeof(str) - 1, code, tr, en)

/* A Vectors with n words (ASCII and Turkish) and pseudo-random values of every magnitude. */
static void make_vectors(Vectors *v, size_t n, size_t dim, uint32_t seed)
{
    static const char *stems[] = {"kral", "kraliçe", "ığdır", "İstanbul", "şeker", "göz", "word", "çağ"};
    vectors_init(v, n, dim);
    char w[64];
    for (size_t i = 0; i < n; i++) {
        snprintf(w, sizeof w, "%s_%zu", stems[i % 8], i);
        cr_assert_eq(vocab_add(&v->words, w, strlen(w), 0), i);
    }
    uint32_t s = seed;
    for (size_t i = 0; i < n * dim; i++) {
        float x;
        do {
            s = s * 1664525u + 1013904223u;
            uint32_t b = s ^ (s >> 15) * 2654435761u;
            if (i % 3) b = (b & 0x807FFFFFu) | ((0x70u + (b >> 27)) << 23);   /* |x| in 2^-15..2^16 */
            memcpy(&x, &b, 4);
        } while (!isfinite(x));
        v->data[i] = x;
    }
}

static void assert_same(const Vectors *a, const Vectors *b)
{
    cr_assert_eq(a->n, b->n);
    cr_assert_eq(a->dim, b->dim);
    cr_assert_eq(a->words.size, b->words.size);
    for (size_t i = 0; i < a->n; i++) {
        cr_assert_str_eq(vocab_word(&a->words, i), vocab_word(&b->words, i));
        for (size_t j = 0; j < a->dim; j++)
            cr_assert_eq(bits(a->data[i * a->dim + j]), bits(b->data[i * b->dim + j]),
                         "row %zu value %zu: %.9g vs %.9g", i, j, a->data[i * a->dim + j],
                         b->data[i * b->dim + j]);
    }
}

/* ---- the files gensim wrote ---------------------------------------------------------------- */

/* expected.tsv: "word\tbits bits bits bits"; section 0 before "# w2vc", 1 after. */
static size_t read_expected(int section, char words[][32], uint32_t vals[][4])
{
    char *s = tmp_slurp(W2V_FIXTURES "/expected.tsv", NULL);
    cr_assert_not_null(s, "missing fixture; run /usr/bin/python3 tests/ref/make_w2v_fixtures.py");
    size_t k = 0;
    int sec = 0;
    for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
        if (!strncmp(line, "# w2vc", 6)) { sec = 1; continue; }
        if (line[0] == '#' || sec != section) continue;
        char *tab = strchr(line, '\t');
        cr_assert_not_null(tab);
        *tab = '\0';
        snprintf(words[k], 32, "%s", line);
        cr_assert_eq(sscanf(tab + 1, "%x %x %x %x", &vals[k][0], &vals[k][1], &vals[k][2], &vals[k][3]), 4);
        k++;
    }
    free(s);
    return k;
}

static void check_fixture(const char *file, int section, int format)
{
    char words[8][32];
    uint32_t vals[8][4];
    size_t k = read_expected(section, words, vals);
    cr_assert_eq(k, 6);
    char path[256];
    snprintf(path, sizeof path, W2V_FIXTURES "/%s", file);
    size_t n;
    char *raw = tmp_slurp(path, &n);
    cr_assert_not_null(raw);
    cr_assert_eq(w2v_sniff(raw, n), format, "%s detected as %d", file, w2v_sniff(raw, n));
    free(raw);
    Vectors v;
    TzErr e;
    cr_assert_eq(w2v_load(&v, path, 0, NULL, &e), 0, "%s: %s", file, e.en);
    cr_assert_eq(v.n, 6);
    cr_assert_eq(v.dim, 4);
    for (size_t i = 0; i < k; i++) {
        cr_assert_eq(find(&v, words[i]), (int64_t)i, "%s: word %s", file, words[i]);
        for (size_t j = 0; j < 4; j++)
            cr_assert_eq(bits(v.data[i * 4 + j]), vals[i][j], "%s: %s[%zu] = %08x, gensim read %08x",
                         file, words[i], j, bits(v.data[i * 4 + j]), vals[i][j]);
    }
    cr_assert_eq(v.words.total, 0, "no counts in word2vec files");
    cr_assert_null(v.inv_norm);
    vectors_free(&v);
}

Test(w2v, gensim_text_fixture) { check_fixture("gensim.txt", 0, W2V_TEXT); }
Test(w2v, gensim_binary_fixture) { check_fixture("gensim.bin", 0, W2V_BIN); }
Test(w2v, word2vec_c_binary_fixture) { check_fixture("w2vc.bin", 0, W2V_BIN); }
Test(w2v, word2vec_c_text_fixture) { check_fixture("w2vc.txt", 1, W2V_TEXT); }

/* ---- round trips ---------------------------------------------------------------------------- */

Test(w2v, round_trip_binary_and_text_bit_exact)
{
    Vectors a, b, c;
    TzErr e;
    make_vectors(&a, 300, 17, 7);
    cr_assert_eq(w2v_save_bin(&a, tmp_path("v.bin"), &e), 0, "%s", e.en);
    cr_assert_eq(w2v_save_text(&a, tmp_path("v.txt"), &e), 0, "%s", e.en);
    cr_assert_eq(w2v_load(&b, tmp_path("v.bin"), 0, NULL, &e), 0, "%s", e.en);
    assert_same(&a, &b);
    cr_assert_eq(w2v_load(&c, tmp_path("v.txt"), 0, NULL, &e), 0, "%s", e.en);
    assert_same(&a, &c);   /* "%.9g" is enough for every float32 */
    vectors_free(&a);
    vectors_free(&b);
    vectors_free(&c);
}

Test(w2v, binary_layout_is_word2vec_c)
{
    Vectors a;
    TzErr e;
    vectors_init(&a, 2, 2);
    vocab_add(&a.words, "ab", 2, 0);
    vocab_add(&a.words, "\xC4\xB1", 2, 0);   /* ı */
    a.data[0] = 1.0f; a.data[1] = -2.0f; a.data[2] = 0.5f; a.data[3] = 0.0f;
    cr_assert_eq(w2v_save_bin(&a, tmp_path("l.bin"), &e), 0);
    size_t n;
    char *s = tmp_slurp(tmp_path("l.bin"), &n);
    static const unsigned char want[] = {'2', ' ', '2', '\n', 'a', 'b', ' ', 0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0,
                                         '\n', 0xC4, 0xB1, ' ', 0, 0, 0, 0x3F, 0, 0, 0, 0, '\n'};
    cr_assert_eq(n, sizeof want);
    cr_assert(memcmp(s, want, n) == 0);
    free(s);
    cr_assert_eq(w2v_save_text(&a, tmp_path("l.txt"), &e), 0);
    s = tmp_slurp(tmp_path("l.txt"), &n);
    cr_assert_str_eq(s, "2 2\nab 1 -2\n\xC4\xB1 0.5 0\n");
    free(s);
    vectors_free(&a);
}

Test(w2v, limit_keeps_first_rows)
{
    Vectors a, b;
    TzErr e;
    make_vectors(&a, 50, 5, 3);
    cr_assert_eq(w2v_save_bin(&a, tmp_path("v.bin"), &e), 0);
    cr_assert_eq(w2v_save_text(&a, tmp_path("v.txt"), &e), 0);
    const char *files[] = {"v.bin", "v.txt"};
    for (int f = 0; f < 2; f++) {
        cr_assert_eq(w2v_load(&b, tmp_path(files[f]), 7, NULL, &e), 0, "%s", e.en);
        cr_assert_eq(b.n, 7);
        cr_assert_eq(b.words.size, 7);
        for (size_t i = 0; i < 7; i++) {
            cr_assert_str_eq(vocab_word(&b.words, i), vocab_word(&a.words, i));
            cr_assert(memcmp(vectors_row(&b, i), vectors_row(&a, i), 5 * 4) == 0);
        }
        cr_assert_eq(find(&b, vocab_word(&a.words, 7)), -1);
        vectors_free(&b);
        cr_assert_eq(w2v_load(&b, tmp_path(files[f]), 1000, NULL, &e), 0, "limit above V");
        cr_assert_eq(b.n, 50);
        vectors_free(&b);
    }
    /* limit also spares a file whose tail is damaged */
    cr_assert_eq(parse(&b, "3 2\na 1 2\nb 3 4\nc 5\n", 20, 2, &e), 0, "%s", e.en);
    cr_assert_eq(b.n, 2);
    vectors_free(&b);
    vectors_free(&a);
}

Test(w2v, sniff)
{
    cr_assert_eq(w2v_sniff("2 2\na 1 2\nb 3 4\n", 16), W2V_TEXT);
    static const char b[] = "1 1\na \x00\x00\x80\x3F\n";
    cr_assert_eq(w2v_sniff(b, sizeof b - 1), W2V_BIN);
    cr_assert_eq(w2v_sniff("1 1\na nan\n", 10), W2V_TEXT);
    /* the first row is damaged, but the bytes are clean text: still text */
    cr_assert_eq(w2v_sniff("2 2\nkral\nb 3 4\n", 15), W2V_TEXT);
    cr_assert_eq(w2v_sniff("the 0.1 0.2\n", 12), -1);
    cr_assert_eq(w2v_sniff("", 0), -1);
    cr_assert_eq(w2v_sniff("\xEF\xBB\xBF" "1 2\na 1 2", 12), W2V_TEXT, "a UTF-8 BOM is skipped");
}

Test(w2v, lenient_text)
{
    Vectors v;
    TzErr e;
    /* \r\n, tabs, several spaces, a trailing space (word2vec.c), blank lines, no final '\n',
     * rows past V ignored */
    const char *s = "3 2\r\nkral 0.5 -1\r\n\r\n\tkadın\t2e-1   3 \r\nığdır 1.5E+2 +4\nextra 1 1\n";
    cr_assert_eq(parse_str(&v, s, &e), 0, "%s", e.en);
    cr_assert_eq(v.n, 3);
    cr_assert_eq(find(&v, "kadın"), 1);
    cr_assert_eq(find(&v, "extra"), -1);
    cr_assert_eq(v.data[0], 0.5f);
    cr_assert_eq(v.data[2], 0.2f);
    cr_assert_eq(v.data[4], 150.0f);
    cr_assert_eq(v.data[5], 4.0f);
    vectors_free(&v);
    cr_assert_eq(parse_str(&v, "1 3\nson 1 2 3", &e), 0, "no newline at the end: %s", e.en);
    cr_assert_eq(v.data[2], 3.0f);
    vectors_free(&v);
}

Test(w2v, binary_with_and_without_newlines)
{
    Vectors v;
    TzErr e;
    /* gensim: records back to back; word2vec.c: '\n' after each */
    static const char g[] = "2 1\nab \x00\x00\x80\x3F" "cd \x00\x00\x00\x40";
    cr_assert_eq(parse(&v, g, sizeof g - 1, 0, &e), 0, "%s", e.en);
    cr_assert_eq(v.n, 2);
    cr_assert_eq(find(&v, "cd"), 1);
    cr_assert_eq(v.data[1], 2.0f);
    vectors_free(&v);
    static const char w[] = "2 1\r\nab \x00\x00\x80\x3F\ncd \x00\x00\x00\x40\n";
    cr_assert_eq(parse(&v, w, sizeof w - 1, 0, &e), 0, "%s", e.en);
    cr_assert_eq(find(&v, "cd"), 1);
    cr_assert_eq(v.data[0], 1.0f);
    vectors_free(&v);
}

/* The fast number path against strtof, on numbers written in many ways. */
Test(w2v, numbers_match_strtof)
{
    enum { ROWS = 4000, D = 12 };
    size_t cap = (size_t)ROWS * D * 40 + 64, len = 0;
    char *s = malloc(cap);
    float *want = malloc(sizeof(float) * ROWS * D);
    len += (size_t)snprintf(s, cap, "%d %d\n", ROWS, D);
    uint64_t r = 88172645463325252ull;
    static const char *fmts[] = {"%.9g", "%.6f", "%.17g", "%.3e", "%g", "%.12g", "%.8e", "%.1f"};
    for (int i = 0; i < ROWS; i++) {
        len += (size_t)snprintf(s + len, cap - len, "w%d", i);
        for (int j = 0; j < D; j++) {
            char tok[64];
            r ^= r << 13; r ^= r >> 7; r ^= r << 17;
            uint32_t b = (uint32_t)r;
            if (j % 4 == 0) {
                /* a random decimal: up to 24 digits, a point somewhere, an exponent */
                int nd = 1 + (int)((r >> 32) % 24), pt = (int)((r >> 40) % (unsigned)(nd + 1));
                size_t k = 0;
                if (r >> 63) tok[k++] = '-';
                for (int q = 0; q < nd; q++) {
                    if (q == pt) tok[k++] = '.';
                    tok[k++] = (char)('0' + ((r >> (q % 60)) ^ (uint64_t)q * 7) % 10);
                }
                k += (size_t)sprintf(tok + k, "e%d", (int)((r >> 20) % 80) - 45);
                tok[k] = '\0';
            } else {
                float x;
                if (j % 4 == 1) b = (b & 0x807FFFFFu) | ((0x60u + ((b >> 23) & 0x3F)) << 23);
                memcpy(&x, &b, 4);
                if (!isfinite(x)) x = 1.0f;
                snprintf(tok, sizeof tok, fmts[(i + j) % 8], (double)x);
            }
            want[i * D + j] = strtof(tok, NULL);
            if (!isfinite(want[i * D + j])) { strcpy(tok, "0"); want[i * D + j] = 0; }
            len += (size_t)snprintf(s + len, cap - len, " %s", tok);
        }
        s[len++] = '\n';
    }
    Vectors v;
    TzErr e;
    cr_assert_eq(parse(&v, s, len, 0, &e), 0, "%s", e.en);
    for (size_t i = 0; i < (size_t)ROWS * D; i++)
        cr_assert_eq(bits(v.data[i]), bits(want[i]), "value %zu: %.9g vs strtof %.9g", i, v.data[i], want[i]);
    vectors_free(&v);
    free(s);
    free(want);
}

/* ---- hostile input -------------------------------------------------------------------------- */

Test(w2v, empty_and_missing)
{
    BAD("", TZ_E_FORMAT, "boş", "empty");
    Vectors v;
    TzErr e;
    cr_assert_eq(w2v_load(&v, tmp_path("yok.vec"), 0, NULL, &e), TZ_E_IO);
    tmp_write(tmp_path("empty.vec"), "", 0);
    cr_assert_eq(w2v_load(&v, tmp_path("empty.vec"), 0, NULL, &e), TZ_E_FORMAT);
    cr_assert(strstr(e.en, "empty") != NULL);
}

Test(w2v, bad_headers)
{
    BAD("hello world\n", TZ_E_FORMAT, "satır 1", "line 1: the header must be two integers");
    BAD("3\n", TZ_E_FORMAT, "satır 1", "found: \"3\"");
    BAD("3 4 5\na 1 2 3 4\n", TZ_E_FORMAT, "satır 1", "two integers");
    BAD("3 -4\n", TZ_E_FORMAT, "eksi", "negative");
    BAD("-3 4\n", TZ_E_FORMAT, "satır 1", "negative");
    BAD("3 0\na\n", TZ_E_FORMAT, "boyutu 0", "dimension is 0");
    BAD("0 4\n", TZ_E_FORMAT, "0 sözcük", "0 words");
    BAD("0 4", TZ_E_FORMAT, "0 sözcük", "0 words");
    BAD("\x80\x81 2\n", TZ_E_FORMAT, "\\x80", "\\x80");
    /* GloVe: no header; the hint gives the line to add */
    BAD("the 0.1 0.2 0.3\nof 1 2 3\n", TZ_E_FORMAT, "GloVe", "sed -i '1i 2 3'");
    /* a header line that never ends */
    char big[600];
    memset(big, '7', sizeof big);
    expect_err(big, sizeof big, TZ_E_FORMAT, "satır 1", "line 1");
}

Test(w2v, absurd_sizes_refused_before_allocating)
{
    BAD("1000000000000 300\nkral 1 2\n", TZ_E_FORMAT, "GB", "1.2e+06 GB");
    BAD("3000000 300\n", TZ_E_FORMAT, "GB", "3.6 GB");
    BAD("5 999999999999999999999999\na 1\n", TZ_E_FORMAT, "GB", "GB");
    BAD("2 4\na 1 2 3 4\n", TZ_E_FORMAT, "en az", "at least 19 bytes");
}

Test(w2v, text_rows_with_wrong_counts)
{
    BAD("2 3\nkral 1 2 3\nkadın 1 2\n", TZ_E_FORMAT, "satır 3", "line 3: after the word \"kadın\" come 2 values, expected 3");
    BAD("2 3\nkral 1 2 3\nnew york 1 2 3\n", TZ_E_FORMAT, "satır 3", "Does the word contain a space?");
    BAD("2 3\nkral 1 2 3\nkadın 1 2 3 4\n", TZ_E_FORMAT, "boşluk", "line 3: after the word \"kadın\" come 4 values");
    BAD("2 3\nkral\nkadın 1 2 3\n", TZ_E_FORMAT, "satır 2", "line 2: after the word \"kral\" come 0 values");
    BAD("2 2\nkral 1 x\nkadın 1 2\n", TZ_E_FORMAT, "satır 2, sütun 8", "line 2, column 8: value 2, \"x\", is not a number");
    BAD("2 2\nkral 1 0,5\nkadın 1 2\n", TZ_E_FORMAT, "nokta", "decimal separator");
}

Test(w2v, text_nan_inf)
{
    BAD("2 2\nkral 1 2\nkadın nan 2\n", TZ_E_FORMAT, "satır 3, sütun 8", "line 3, column 8: the word \"kadın\" has a value that is not a finite number (NaN or infinity): value 1, \"nan\"");
    BAD("1 2\nkral 1 -inf\n", TZ_E_FORMAT, "sonsuz", "infinity");
    BAD("1 2\nkral 1 1e39\n", TZ_E_FORMAT, "satır 2", "value 2, \"1e39\"");
}

Test(w2v, text_bad_words)
{
    BAD("2 2\nkral 1 2\nk\xC3 1 2\n", TZ_E_FORMAT, "satır 3, sütun 2", "line 3, column 2: the word is not valid UTF-8: its byte 2 is 0xC3");
    BAD("2 2\nkral 1 2\nkral 3 4\n", TZ_E_FORMAT, "satır 3", "line 3, column 1: the word \"kral\" appears twice (first as row 1)");
    BAD("2 2\nkral 1 2\nk\x01z 3 4\n", TZ_E_FORMAT, "satır 3, sütun 2", "control byte 0x01");
}

Test(w2v, text_too_few_rows)
{
    BAD("3 2\nkral 1 2\nkadın 3 4\n", TZ_E_FORMAT, "satır 4", "line 4: the file ends after 2 words, but the header says 3");
    BAD("1 2\n\n\n\n\n\n", TZ_E_FORMAT, "hiç vektör yok", "no vectors follow the header");
}

/* float32 bytes, little-endian: 1.0f, NaN, -Inf */
#define F_ONE "\x00\x00\x80\x3F"
#define F_NAN "\x00\x00\xC0\x7F"
#define F_NINF "\x00\x00\x80\xFF"

Test(w2v, binary_truncated)
{
    /* header (4 bytes), "abcdef " + 8 bytes, "cd " + 5 of 8 bytes: record 2's vector at byte 22 */
    static const char s[] = "2 2\nabcdef " F_ONE F_ONE "cd " F_ONE "\x01";
    expect_err(s, sizeof s - 1, TZ_E_FORMAT, "bayt 22 (2. kayıt)", "byte 22 (record 2): the vector of the word \"cd\" is cut short: it needs 8 bytes, 5 are left");
    /* the first record already cut: no limit= hint (there is nothing to keep) */
    static const char one[] = "1 2\nabcdefgh " F_ONE "\x01";
    expect_err(one, sizeof one - 1, TZ_E_FORMAT, "bayt 13 (1. kayıt)", "byte 13 (record 1): the vector of the word \"abcdefgh\" is cut short: it needs 8 bytes, 5 are left. The file is truncated (an unfinished download?).");
    Vectors v;
    TzErr e;
    cr_assert_eq(parse(&v, one, sizeof one - 1, 0, &e), TZ_E_FORMAT);
    cr_assert(strstr(e.en, "limit=") == NULL, "%s", e.en);
    static const char t[] = "3 1\nab " F_ONE "\ncd " F_ONE "\nef";
    expect_err(t, sizeof t - 1, TZ_E_FORMAT, "kayıt", "byte 20 (record 3): the file ends after 2 words, but the header says 3");
    static const char u[] = "3 1\nabcd " F_ONE "\ncdef " F_ONE "\n";
    expect_err(u, sizeof u - 1, TZ_E_FORMAT, "kayıt", "file ends after 2 words");
}

Test(w2v, binary_bad_values_and_words)
{
    static const char nan_[] = "2 2\nab " F_ONE F_ONE "\ncd " F_ONE F_NAN "\n";
    expect_err(nan_, sizeof nan_ - 1, TZ_E_FORMAT, "bayt 23 (2. kayıt)", "byte 23 (record 2): the word \"cd\" has a value that is not a finite number (NaN or infinity): value 2, \"nan\"");
    static const char inf_[] = "1 1\nab " F_NINF "\n";
    expect_err(inf_, sizeof inf_ - 1, TZ_E_FORMAT, "bayt 7", "value 1, \"-inf\"");
    static const char utf[] = "2 1\nab " F_ONE "\nc\xFF " F_ONE "\n";
    expect_err(utf, sizeof utf - 1, TZ_E_FORMAT, "bayt 13 (2. kayıt)", "byte 13 (record 2): the word is not valid UTF-8: its byte 2 is 0xFF");
    static const char dup[] = "2 1\nab " F_ONE "\nab " F_ONE "\n";
    expect_err(dup, sizeof dup - 1, TZ_E_FORMAT, "bayt 12 (2. kayıt)", "the word \"ab\" appears twice");
    static const char ctl[] = "1 1\na\x02 " F_ONE;
    expect_err(ctl, sizeof ctl - 1, TZ_E_FORMAT, "bayt 5", "control byte 0x02");
    static const char empty[] = "1 1\n " F_ONE F_ONE;
    expect_err(empty, sizeof empty - 1, TZ_E_FORMAT, "bayt 4", "the word is empty");
    /* no space within 4096 bytes */
    size_t n = 4 + 5000;
    char *s = malloc(n);
    memcpy(s, "1 1\n", 4);
    memset(s + 4, 0x01, 5000);
    expect_err(s, n, TZ_E_FORMAT, "bayt 4", "no space ends the word within 4096 bytes");
    free(s);
}

/* ---- projector and writers ------------------------------------------------------------------ */

Test(w2v, projector_files)
{
    Vectors a;
    TzErr e;
    vectors_init(&a, 3, 2);
    vocab_add(&a.words, "kral", 4, 0);
    vocab_add(&a.words, "kraliçe", strlen("kraliçe"), 0);
    vocab_add(&a.words, "ığdır", strlen("ığdır"), 0);
    float vals[] = {0.1f, -2.0f, 1e-7f, 3.0f, 0.5f, 123456.789f};
    memcpy(a.data, vals, sizeof vals);
    cr_assert_eq(projector_save(&a, tmp_path("proj.tsv"), &e), 0, "%s", e.en);
    char *vec = tmp_slurp(tmp_path("proj.vectors.tsv"), NULL);
    char *meta = tmp_slurp(tmp_path("proj.metadata.tsv"), NULL);
    cr_assert_not_null(vec);
    cr_assert_not_null(meta);
    cr_assert_str_eq(vec, "0.100000001\t-2\n1.00000001e-07\t3\n0.5\t123456.789\n");
    cr_assert_str_eq(meta, "kral\nkraliçe\nığdır\n");
    free(vec);
    free(meta);
    cr_assert_eq(projector_save(&a, tmp_path("p2"), &e), 0);
    cr_assert(tz_exists(tmp_path("p2.vectors.tsv")) && tz_exists(tmp_path("p2.metadata.tsv")));
    vectors_free(&a);
}

Test(w2v, writers_refuse_what_the_format_cannot_hold)
{
    Vectors a;
    TzErr e;
    vectors_init(&a, 2, 2);
    vocab_add(&a.words, "new york", 8, 0);
    vocab_add(&a.words, "b", 1, 0);
    cr_assert_eq(w2v_save_text(&a, tmp_path("x.txt"), &e), TZ_E_ARG);
    cr_assert(strstr(e.en, "word 1 (\"new york\")") != NULL, "%s", e.en);
    cr_assert(!tz_exists(tmp_path("x.txt")), "nothing written");
    cr_assert_eq(w2v_save_bin(&a, tmp_path("x.bin"), &e), TZ_E_ARG);
    cr_assert_eq(projector_save(&a, tmp_path("x"), &e), TZ_E_ARG);
    cr_assert(!tz_exists(tmp_path("x.vectors.tsv")));
    vectors_free(&a);

    vectors_init(&a, 1, 3);
    vocab_add(&a.words, "kral", 4, 0);
    a.data[2] = NAN;
    cr_assert_eq(w2v_save_bin(&a, tmp_path("x.bin"), &e), TZ_E_ARG);
    cr_assert(strstr(e.en, "\"kral\" has a value that is not finite") && strstr(e.en, "position 3"), "%s", e.en);
    cr_assert(strstr(e.tr, "kral") != NULL);
    vectors_free(&a);

    vectors_init(&a, 0, 3);
    cr_assert_eq(w2v_save_text(&a, tmp_path("x.txt"), &e), TZ_E_ARG);
    vectors_free(&a);
}

/* ---- jobs ----------------------------------------------------------------------------------- */

struct load_arg { const char *path; Vectors v; };

static int cancel_then_load(Job *job, void *arg, TzErr *e)
{
    struct load_arg *a = arg;
    job_cancel(job);   /* as if Ctrl-C came at once: the first progress check stops the load */
    return w2v_load(&a->v, a->path, 0, job, e);
}

static int load_job(Job *job, void *arg, TzErr *e)
{
    struct load_arg *a = arg;
    return w2v_load(&a->v, a->path, 0, job, e);
}

Test(w2v, job_progress_and_cancel)
{
    Vectors a;
    TzErr e;
    make_vectors(&a, 20000, 100, 5);   /* ≈ 8 MB binary */
    cr_assert_eq(w2v_save_bin(&a, tmp_path("big.bin"), &e), 0);
    struct load_arg arg;
    memset(&arg, 0, sizeof arg);
    arg.path = tmp_path("big.bin");
    Job *j = job_start("load", "word", cancel_then_load, &arg);
    cr_assert_eq(job_wait(j, &e), TZ_E_CANCELLED);
    cr_assert(strstr(e.en, "stopped") != NULL, "%s", e.en);
    cr_assert_eq(arg.v.n, 0);
    cr_assert_null(arg.v.data);

    j = job_start("load", "word", load_job, &arg);
    cr_assert_eq(job_wait(j, &e), 0, "%s", e.en);
    assert_same(&a, &arg.v);
    vectors_free(&arg.v);
    vectors_free(&a);
}
