/* test_bpe.c — the byte-level BPE tokenizer of src/engine/text/bpe.c: GPT-2's pre-tokenisation
 * (expected splits written down from Python's `regex` module running GPT-2's pattern), the
 * bytes_to_unicode table, a hand-checked training example, training on Turkish text (merges
 * such as "lar"/"ler", shorter encodings, determinism), and the exact round trip
 * decode(encode(x)) == x for random UTF-8 and for invalid bytes. */
#include <criterion/criterion.h>

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text/bpe.h"

/* Split s with bpe_pretoken_end and compare with the expected pieces (NULL-terminated). */
static void expect_split(const char *s, ...)
{
    size_t n = strlen(s), i = 0, k = 0;
    va_list ap;
    va_start(ap, s);
    const char *want;
    while ((want = va_arg(ap, const char *)) != NULL) {
        cr_assert(i < n, "\"%s\": piece %zu missing, want \"%s\"", s, k, want);
        size_t end = bpe_pretoken_end(s, n, i);
        cr_assert(end > i && end <= n);
        cr_expect(end - i == strlen(want) && memcmp(s + i, want, end - i) == 0,
                  "\"%s\": piece %zu is \"%.*s\", want \"%s\"", s, k, (int)(end - i), s + i, want);
        i = end;
        k++;
    }
    va_end(ap);
    cr_expect_eq(i, n, "\"%s\": text left over after %zu pieces", s, k);
}

Test(bpe, pretokenise_like_gpt2)
{
    expect_split(" kitaplarımızdan geliyorum", " kitaplarımızdan", " geliyorum", NULL);
    expect_split("it's  fine 2024!\n\nok", "it", "'s", " ", " fine", " 2024", "!", "\n", "\n", "ok", NULL);
    expect_split("Ankara'da   İstanbul'a 3,5 km... 😀😀 x  ", "Ankara", "'d", "a", "  ", " İstanbul", "'", "a",
                 " 3", ",", "5", " km", "...", " 😀😀", " x", "  ", NULL);
    expect_split("we'll\tgo\t\tnow\n", "we", "'ll", "\t", "go", "\t", "\t", "now", "\n", NULL);
    expect_split("İĞNE ığdır'ın", "İĞNE", " ığdır", "'", "ın", NULL);
    /* invalid bytes are "other" symbols, one byte at a time, and join an other-run */
    expect_split("a\xff\xfe b", "a", "\xff\xfe", " b", NULL);
}

Test(bpe, bytes_to_unicode_table)
{
    /* GPT-2's table, rebuilt the way its Python defines it, must agree byte for byte */
    uint32_t want[256];
    int printable[256] = { 0 };
    for (int c = '!'; c <= '~'; c++) printable[c] = 1;
    for (int c = 0xA1; c <= 0xAC; c++) printable[c] = 1;
    for (int c = 0xAE; c <= 0xFF; c++) printable[c] = 1;
    int extra = 0;
    for (int c = 0; c < 256; c++) want[c] = printable[c] ? (uint32_t)c : 256u + (uint32_t)extra++;
    cr_assert_eq(extra, 68);
    for (int c = 0; c < 256; c++)
        cr_expect_eq(bpe_byte_to_unicode((unsigned char)c), want[c], "byte %d", c);
    cr_expect_eq(bpe_byte_to_unicode(' '), 0x120u);  /* Ġ */
    cr_expect_eq(bpe_byte_to_unicode('\n'), 0x10Au); /* Ċ */
}

/* The textbook example: in "aaabdaaabac" the pair aa occurs 4 times → Z; then Za and ab both
 * occur twice, the tie goes to the lower ids (a=97 < Z=256): ab → Y; then ZY → X; after that
 * every pair occurs once and training stops even though more tokens were asked for. */
Test(bpe, tiny_hand_checked)
{
    const char *s = "aaabdaaabac";
    Bpe b;
    TzErr e;
    cr_assert_eq(bpe_train(s, strlen(s), 1000, &b, NULL, &e), 0);
    cr_assert_eq(b.n_merges, 3);
    cr_assert_eq(b.vocab, 259);
    cr_expect(b.merges[0].a == 'a' && b.merges[0].b == 'a' && b.merges[0].id == 256);
    cr_expect(b.merges[1].a == 'a' && b.merges[1].b == 'b' && b.merges[1].id == 257);
    cr_expect(b.merges[2].a == 256 && b.merges[2].b == 257 && b.merges[2].id == 258);
    size_t len;
    const char *t = bpe_token_bytes(&b, 258, &len);
    cr_assert(t && len == 4 && memcmp(t, "aaab", 4) == 0);
    int32_t ids[16];
    size_t n = bpe_encode(&b, s, strlen(s), ids, 16);
    int32_t want[] = { 258, 'd', 258, 'a', 'c' };
    cr_assert_eq(n, 5);
    for (size_t i = 0; i < n; i++) cr_expect_eq(ids[i], want[i], "id %zu", i);
    /* cap smaller than needed: the count is still the full one, only cap ids are written */
    int32_t few[2] = { -7, -7 };
    cr_expect_eq(bpe_encode(&b, s, strlen(s), few, 1), 5);
    cr_expect(few[0] == 258 && few[1] == -7);
    bpe_free(&b);

    /* no pair occurs twice: nothing is learned */
    cr_assert_eq(bpe_train("abcdef", 6, 300, &b, NULL, &e), 0);
    cr_expect_eq(b.vocab, 256);
    bpe_free(&b);
}

Test(bpe, bad_arguments)
{
    Bpe b;
    TzErr e;
    cr_expect_eq(bpe_train("abc", 3, 100, &b, NULL, &e), TZ_E_ARG);
    cr_expect(strstr(e.tr, "100") && strstr(e.en, "100"));
    bpe_free(&b); /* safe on the empty struct */
    bpe_init_bytes(&b);
    int32_t ids[] = { 65, 256 };
    char out[8];
    cr_expect_eq(bpe_decode(&b, ids, 1, out, sizeof out), 1);
    cr_expect_eq(bpe_decode(&b, ids, 2, out, sizeof out), BPE_BAD_ID);
    size_t len;
    cr_expect_null(bpe_token_bytes(&b, -1, &len));
    cr_expect_eq(bpe_encode(&b, "", 0, (int32_t *)ids, 2), 0);
    bpe_free(&b);
    /* empty text: a valid tokenizer of the 256 bytes */
    cr_assert_eq(bpe_train("", 0, 300, &b, NULL, &e), 0);
    cr_expect(b.vocab == 256 && b.n_merges == 0);
    bpe_free(&b);
}

static const char *turkish =
    "Kitaplar masada duruyor. Çocuklar kitapları okudular ve defterlere notlar yazdılar. "
    "Öğretmenler öğrencilere sorular sordular; öğrenciler cevaplar verdiler. "
    "Evlerimizden çıktık, arkadaşlarımızla parklarda oynadık. Kuşlar ağaçlarda ötüyorlar. "
    "Annemler ve babamlar akşamları çaylarını içerler, gazeteleri okurlar. "
    "Şehirlerde arabalar, sokaklarda insanlar, denizlerde gemiler var. "
    "Kitaplarımızdan geliyorum, defterlerimizden yazıyorum, sözlerimizle konuşuyoruz. ";

static char *repeat(const char *s, int times, size_t *n)
{
    size_t l = strlen(s);
    char *t = malloc(l * (size_t)times + 1);
    for (int i = 0; i < times; i++) memcpy(t + l * (size_t)i, s, l);
    t[l * (size_t)times] = '\0';
    *n = l * (size_t)times;
    return t;
}

static int has_token(const Bpe *b, const char *s)
{
    for (int32_t id = 0; id < b->vocab; id++) {
        size_t len;
        const char *t = bpe_token_bytes(b, id, &len);
        if (len == strlen(s) && memcmp(t, s, len) == 0) return 1;
    }
    return 0;
}

Test(bpe, learns_turkish_suffixes)
{
    size_t n;
    char *text = repeat(turkish, 3, &n);
    Bpe b, c;
    TzErr e;
    cr_assert_eq(bpe_train(text, n, 400, &b, NULL, &e), 0);
    cr_expect_eq(b.vocab, 256 + b.n_merges);
    cr_expect(b.vocab > 300 && b.vocab <= 400, "vocab %d", b.vocab);
    cr_expect(has_token(&b, "lar"), "no token \"lar\"");
    cr_expect(has_token(&b, "ler"), "no token \"ler\"");
    /* every merge makes a token whose bytes are its parts' bytes */
    for (int32_t k = 0; k < b.n_merges; k++) {
        size_t la, lb, lt;
        const char *ta = bpe_token_bytes(&b, b.merges[k].a, &la);
        const char *tb = bpe_token_bytes(&b, b.merges[k].b, &lb);
        const char *tt = bpe_token_bytes(&b, b.merges[k].id, &lt);
        cr_assert(ta && tb && tt && lt == la + lb && memcmp(tt, ta, la) == 0 && memcmp(tt + la, tb, lb) == 0);
    }
    /* encoding is much shorter than the bytes, and exact */
    int32_t *ids = malloc(n * sizeof *ids);
    size_t m = bpe_encode(&b, text, n, ids, n);
    cr_expect(m < n / 3, "%zu ids for %zu bytes", m, n);
    char *back = malloc(n);
    cr_assert_eq(bpe_decode(&b, ids, m, back, n), n);
    cr_expect(memcmp(back, text, n) == 0);
    /* the same text trains the same merges again */
    cr_assert_eq(bpe_train(text, n, 400, &c, NULL, &e), 0);
    cr_assert_eq(c.n_merges, b.n_merges);
    cr_expect(memcmp(c.merges, b.merges, (size_t)b.n_merges * sizeof *b.merges) == 0);
    /* display form: the leading space shows as Ġ */
    int32_t one[4];
    const char *w = " kitap";
    size_t k = bpe_encode(&b, w, strlen(w), one, 4);
    cr_assert(k >= 1);
    char disp[64];
    bpe_token_display(&b, one[0], disp, sizeof disp);
    cr_expect(strncmp(disp, "\xc4\xa0", 2) == 0, "display \"%s\"", disp);
    free(ids);
    free(back);
    free(text);
    bpe_free(&b);
    bpe_free(&c);
}

/* The plainest possible trainer, as a reference: recount every pair over every pre-token
 * occurrence before each merge (a dense V×V table), take the most frequent pair, lowest ids
 * first on a tie. The incremental trainer must learn exactly the same merges. */
static int naive_train(const char *s, size_t n, int vocab, int32_t (*merges)[2])
{
    int32_t *sym = malloc(n * sizeof *sym);
    size_t *start = malloc((n + 1) * sizeof *start), *len = malloc((n + 1) * sizeof *len), nw = 0;
    for (size_t i = 0; i < n;) {
        size_t end = bpe_pretoken_end(s, n, i);
        start[nw] = i;
        len[nw++] = end - i;
        for (size_t k = i; k < end; k++) sym[k] = (int32_t)(unsigned char)s[k];
        i = end;
    }
    int *cnt = malloc((size_t)vocab * vocab * sizeof *cnt), nm = 0;
    for (int next = 256; next < vocab; next++) {
        memset(cnt, 0, (size_t)vocab * vocab * sizeof *cnt);
        for (size_t w = 0; w < nw; w++)
            for (size_t k = 0; k + 1 < len[w]; k++) cnt[sym[start[w] + k] * vocab + sym[start[w] + k + 1]]++;
        int best = -1;
        for (int p = 0; p < vocab * vocab; p++)
            if (best < 0 || cnt[p] > cnt[best]) best = p;
        if (cnt[best] < 2) break;
        int32_t a = best / vocab, b = best % vocab;
        merges[nm][0] = a;
        merges[nm][1] = b;
        nm++;
        for (size_t w = 0; w < nw; w++) {
            int32_t *x = sym + start[w];
            size_t o = 0;
            for (size_t k = 0; k < len[w]; k++) {
                if (k + 1 < len[w] && x[k] == a && x[k + 1] == b) { x[o++] = next; k++; }
                else x[o++] = x[k];
            }
            len[w] = o;
        }
    }
    free(sym); free(start); free(len); free(cnt);
    return nm;
}

Test(bpe, incremental_equals_naive)
{
    size_t n;
    char *text = repeat(turkish, 2, &n);
    const char *extra = " aaaa aaaaa aaa abab ababab 1111 11 !!! !!";
    char *all = malloc(n + strlen(extra));
    memcpy(all, text, n);
    memcpy(all + n, extra, strlen(extra));
    n += strlen(extra);
    enum { VOCAB = 420 };
    static int32_t want[VOCAB][2];
    int nm = naive_train(all, n, VOCAB, want);
    Bpe b;
    TzErr e;
    cr_assert_eq(bpe_train(all, n, VOCAB, &b, NULL, &e), 0);
    cr_assert(nm > 100, "naive learned only %d merges", nm);
    cr_assert_eq(b.n_merges, nm);
    for (int k = 0; k < nm; k++)
        cr_assert(b.merges[k].a == want[k][0] && b.merges[k].b == want[k][1],
                  "merge %d: (%d,%d), naive (%d,%d)", k, b.merges[k].a, b.merges[k].b, want[k][0], want[k][1]);
    free(all);
    free(text);
    bpe_free(&b);
}

/* xorshift: a small fixed random stream for the test strings */
static uint64_t rs = 88172645463325252ULL;
static uint32_t rnd(uint32_t m)
{
    rs ^= rs << 13; rs ^= rs >> 7; rs ^= rs << 17;
    return (uint32_t)(rs % m);
}

Test(bpe, round_trip_random)
{
    size_t n;
    char *text = repeat(turkish, 2, &n);
    Bpe b;
    TzErr e;
    cr_assert_eq(bpe_train(text, n, 350, &b, NULL, &e), 0);
    static const char *pieces[] = { "a", "ş", "ğ", "ı", "İ", "Ö", "ç", "ü", " ", "  ", "\n", "\t", "1", "42",
                                    ".", ",", "!", "'", "'s", "'ll", "😀", "👍🏽", "€", "ﬁ", "e\xcc\x81",
                                    "lar", "ler", " kitap", "ları", "日本", "Ω" };
    static const char *bad[] = { "\xff", "\xc3", "\xe2\x82", "\xed\xa0\x80", "\xc0\xaf", "\x80" };
    char s[512], back[512];
    int32_t ids[512];
    for (int round = 0; round < 400; round++) {
        size_t len = 0;
        int parts = 1 + (int)rnd(40), with_bad = round % 2;
        for (int p = 0; p < parts; p++) {
            const char *x = (with_bad && rnd(5) == 0) ? bad[rnd(6)] : pieces[rnd(sizeof pieces / sizeof *pieces)];
            size_t l = strlen(x);
            if (len + l >= sizeof s) break;
            memcpy(s + len, x, l);
            len += l;
        }
        size_t m = bpe_encode(&b, s, len, ids, 512);
        cr_assert(m <= len);
        for (size_t i = 0; i < m; i++) cr_assert(ids[i] >= 0 && ids[i] < b.vocab);
        size_t k = bpe_decode(&b, ids, m, back, sizeof back);
        cr_assert_eq(k, len, "round %d: %zu bytes back, want %zu", round, k, len);
        cr_assert(memcmp(back, s, len) == 0, "round %d: bytes differ", round);
    }
    /* every single byte value alone, too */
    for (int c = 0; c < 256; c++) {
        char one = (char)c;
        cr_assert_eq(bpe_encode(&b, &one, 1, ids, 4), 1);
        cr_assert_eq(ids[0], c);
    }
    free(text);
    bpe_free(&b);
}

/* Long pieces (over 64 bytes: one pre-token with no spaces) take a heap-based path in
 * bpe_encode; it must give exactly what the plain rule gives: merge the lowest-rank pair
 * everywhere, left to right, again and again (written here straight from the merge list). */
Test(bpe, long_pieces_match_plain_rule)
{
    size_t n;
    char *text = repeat(turkish, 2, &n);
    Bpe b;
    TzErr e;
    cr_assert_eq(bpe_train(text, n, 400, &b, NULL, &e), 0);
    static const char *letters[] = { "a", "ş", "lar", "ler", "ı", "k", "i", "t", "p", "e", "r", "d", "n", "ğ", "m" };
    char s[1200];
    int32_t got[1200], want[1200];
    for (int round = 0; round < 40; round++) {
        size_t len = 0, target = 65 + rnd(900);
        while (len + 4 < target) {
            const char *x = letters[rnd(sizeof letters / sizeof *letters)];
            memcpy(s + len, x, strlen(x));
            len += strlen(x);
        }
        cr_assert_eq(bpe_pretoken_end(s, len, 0), len); /* really one piece */
        size_t m = bpe_encode(&b, s, len, got, 1200);
        size_t w = len;
        for (size_t i = 0; i < len; i++) want[i] = (unsigned char)s[i];
        for (;;) {
            int best = -1;
            for (size_t i = 0; i + 1 < w; i++)
                for (int k = 0; k < (best < 0 ? b.n_merges : best); k++)
                    if (b.merges[k].a == want[i] && b.merges[k].b == want[i + 1]) { best = k; break; }
            if (best < 0) break;
            size_t o = 0;
            for (size_t i = 0; i < w; i++) {
                if (i + 1 < w && want[i] == b.merges[best].a && want[i + 1] == b.merges[best].b) {
                    want[o++] = b.merges[best].id;
                    i++;
                } else {
                    want[o++] = want[i];
                }
            }
            w = o;
        }
        cr_assert_eq(m, w, "round %d (%zu bytes): %zu ids, plain rule %zu", round, len, m, w);
        for (size_t i = 0; i < m; i++) cr_assert_eq(got[i], want[i], "round %d: id %zu", round, i);
    }
    free(text);
    bpe_free(&b);
}

/* As a job: progress is reported, and a cancelled training stops at its next check (every 16
 * merges) leaving a usable tokenizer with the merges learned so far. The worker waits for the
 * cancel before it starts, so the test does not depend on timing. */
typedef struct { const char *text; size_t n; Bpe b; int wait_cancel; } TrainArg;

static int train_job(Job *job, void *arg, TzErr *e)
{
    TrainArg *a = arg;
    if (a->wait_cancel)
        while (!job_cancelled(job)) nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
    return bpe_train(a->text, a->n, 400, &a->b, job, e);
}

Test(bpe, job_progress_and_cancel)
{
    TrainArg a = { 0 };
    char *text = repeat(turkish, 2, &a.n);
    a.text = text;
    TzErr e;
    Job *j = job_start("bpe", "merge", train_job, &a);
    cr_assert_eq(job_wait(j, &e), 0);
    cr_expect(a.b.vocab > 300);
    bpe_free(&a.b);

    a.wait_cancel = 1;
    j = job_start("bpe", "merge", train_job, &a);
    job_cancel(j);
    cr_assert_eq(job_wait(j, &e), TZ_E_CANCELLED);
    cr_expect(strstr(e.en, "16 merges") != NULL, "%s", e.en);
    cr_assert_eq(a.b.n_merges, 16);
    cr_assert_eq(a.b.vocab, 256 + 16);
    int32_t ids[64];
    char back[64];
    const char *w = " kitaplar";
    size_t m = bpe_encode(&a.b, w, strlen(w), ids, 64);
    cr_expect(m < strlen(w));
    cr_assert_eq(bpe_decode(&a.b, ids, m, back, sizeof back), strlen(w));
    cr_expect(memcmp(back, w, strlen(w)) == 0);
    bpe_free(&a.b);
    free(text);
}
