/* test_wordpiece.c — BERT's WordPiece tokenizer (src/engine/text/wordpiece.c).
 *
 * The peer: tests/ref/wordpiece/make_expected.py, an independent Python implementation of
 * Hugging Face's BertTokenizer (BasicTokenizer + WordpieceTokenizer, with Python's unicodedata
 * and str.lower()), wrote the ids of 16 sentences (Turkish with İ/I and apostrophes, numbers,
 * punctuation, a 101-letter word, emoji, CJK, control characters, accents in uncased English,
 * [MASK] in the text) over a committed 287-token vocab.txt; we compare token for token, and
 * the basic tokenisation word for word. Then: pairs and segment ids, decode(encode(x)),
 * random UTF-8, the vocab.txt loader's refusals, save/load, and training (a hand-checked
 * score example, determinism, Turkish letters kept, cancellation). */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "text/wordpiece.h"

#define REF "tests/ref/wordpiece"

static WpOptions mode_options(const char *mode)
{
    if (strcmp(mode, "uncased") == 0) return wp_options_uncased();
    if (strcmp(mode, "cased") == 0) return wp_options_cased();
    if (strcmp(mode, "tr_lower") == 0) return wp_options_turkish(1);
    cr_assert_str_eq(mode, "tr_cased", "unknown mode in expected.txt");
    return wp_options_turkish(0);
}

static char *hex_to_text(const char *hex, size_t *n)
{
    size_t len = strlen(hex) / 2;
    char *s = malloc(len + 1);
    for (size_t i = 0; i < len; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        s[i] = (char)v;
    }
    s[len] = '\0';
    *n = len;
    return s;
}

static void load_ref(WordPiece *w)
{
    TzErr e;
    int rc = wp_load_vocab(w, REF "/vocab.txt", &e);
    cr_assert_eq(rc, 0, "vocab.txt: %s", e.en);
}

Test(wordpiece, ids_match_berttokenizer_reference)
{
    WordPiece w;
    load_ref(&w);
    cr_assert_eq(w.vocab, 287);
    cr_expect_eq(w.pad, 0);
    cr_expect_eq(w.unk, 1);
    cr_expect_eq(w.cls, 2);
    cr_expect_eq(w.sep, 3);
    cr_expect_eq(w.mask, 4);
    FILE *f = fopen(REF "/expected.txt", "r");
    cr_assert_not_null(f, "missing " REF "/expected.txt (run make_expected.py)");
    char *line = NULL;
    size_t lcap = 0;
    char mode[32] = "";
    char *text = NULL;
    size_t n = 0;
    int cases = 0;
    int32_t ids[1024];
    while (getline(&line, &lcap, f) > 0) {
        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, "mode ", 5) == 0) {
            snprintf(mode, sizeof mode, "%s", line + 5);
        } else if (strncmp(line, "hex ", 4) == 0) {
            free(text);
            text = hex_to_text(line + 4, &n);
        } else if (strncmp(line, "ids ", 4) == 0) {
            WpOptions o = mode_options(mode);
            wp_set_options(&w, &o);
            size_t k = wp_encode(&w, text, n, ids, 1024);
            cr_assert(k <= 1024);
            cr_expect_eq(wp_encode(&w, text, n, NULL, 0), k, "measuring must give the same count");
            /* the expected ids, one by one */
            char *p = line + 4, *end;
            size_t j = 0;
            for (;;) {
                long v = strtol(p, &end, 10);
                if (end == p) break;
                cr_expect(j < k, "case %d (%s) \"%s\": too few ids (%zu)", cases, mode, text, k);
                if (j < k)
                    cr_expect_eq(ids[j], (int32_t)v, "case %d (%s) \"%s\": id %zu is %d (%s), want %ld (%s)", cases,
                                 mode, text, j, ids[j], wp_token(&w, ids[j]), v, wp_token(&w, (int32_t)v));
                j++;
                p = end;
            }
            cr_expect_eq(j, k, "case %d (%s) \"%s\": %zu ids, want %zu", cases, mode, text, k, j);
            /* the pieces point into the input, in order */
            WpPiece pc[1024];
            cr_assert_eq(wp_encode_pieces(&w, text, n, pc, 1024), k);
            for (size_t i = 0; i < k; i++) {
                cr_expect_eq(pc[i].id, ids[i]);
                cr_expect(pc[i].len > 0 && pc[i].off + pc[i].len <= n);
                if (i) cr_expect(pc[i].off >= pc[i - 1].off + pc[i - 1].len);
            }
            cases++;
        } else if (strncmp(line, "basic ", 6) == 0 && strcmp(line + 6, "-") != 0) {
            WpOptions o = mode_options(mode);
            char out[2048];
            size_t len = wp_basic(&o, text, n, out, sizeof out);
            cr_expect(len < sizeof out);
            cr_expect_str_eq(out, line + 6, "case %d (%s): basic tokens differ", cases, mode);
        }
    }
    cr_expect_eq(cases, 16);
    free(line);
    free(text);
    fclose(f);
    wp_free(&w);
}

Test(wordpiece, turkish_apostrophe_and_pieces_offsets)
{
    WordPiece w;
    load_ref(&w);
    WpOptions o = wp_options_turkish(1);
    wp_set_options(&w, &o);
    const char *s = "KİTAPLARIMIZDAN Türkiye'de";
    WpPiece pc[16];
    size_t k = wp_encode_pieces(&w, s, strlen(s), pc, 16);
    const char *want[] = { "kitap", "##lar", "##ımız", "##dan", "türkiye", "'", "de" };
    const char *src[] = { "KİTAP", "LAR", "IMIZ", "DAN", "Türkiye", "'", "de" };
    cr_assert_eq(k, 7);
    for (size_t i = 0; i < k; i++) {
        cr_expect_str_eq(wp_token(&w, pc[i].id), want[i]);
        cr_expect(pc[i].len == strlen(src[i]) && memcmp(s + pc[i].off, src[i], pc[i].len) == 0,
                  "piece %zu points at \"%.*s\", want \"%s\"", i, (int)pc[i].len, s + pc[i].off, src[i]);
    }
    wp_free(&w);
}

Test(wordpiece, options_guessed_from_vocab)
{
    WordPiece w;
    load_ref(&w);
    /* the reference vocab has "Ankara" and "ışık": a cased Turkish vocabulary */
    cr_expect_eq(w.opt.lower, 0);
    cr_expect_eq(w.opt.strip_accents, 0);
    cr_expect_eq(w.opt.lang, TZ_LANG_TR);
    wp_free(&w);
    TzErr e;
    const char v[] = "[UNK]\nthe\n##s\ncafe\n";
    cr_assert_eq(wp_parse_vocab(&w, v, sizeof v - 1, "v", &e), 0);
    cr_expect(w.opt.lower && w.opt.strip_accents && w.opt.lang == TZ_LANG_EN, "English lower-case: uncased");
    int32_t ids[8];
    cr_assert_eq(wp_encode(&w, "Cafés", strlen("Cafés"), ids, 8), 2);
    cr_expect_eq(ids[0], 3);
    cr_expect_eq(ids[1], 2);
    wp_free(&w);
}

Test(wordpiece, accent_stripping_decomposes_like_nfd)
{
    /* Python: ''.join(c for c in unicodedata.normalize('NFD', s) if category(c) != 'Mn') */
    WpOptions en = wp_options_uncased(), tr = wp_options_turkish(1);
    char out[128];
    wp_basic(&en, "캬 ŞİŞ Ωραία ≠", strlen("캬 ŞİŞ Ωραία ≠"), out, sizeof out);
    cr_expect_str_eq(out, "\xe1\x84\x8f\xe1\x85\xa3 sis ωραια =");
    wp_basic(&tr, "ŞİŞ IŞIK", strlen("ŞİŞ IŞIK"), out, sizeof out);
    cr_expect_str_eq(out, "şiş ışık", "Turkish keeps its letters");
    /* English lower-casing without stripping: İ → i + U+0307 */
    WpOptions lo = { .lower = 1, .lang = TZ_LANG_EN, .keep_special = 1 };
    wp_basic(&lo, "İI", strlen("İI"), out, sizeof out);
    cr_expect_str_eq(out, "i\xcc\x87i");
}

Test(wordpiece, pair_with_segments)
{
    WordPiece w;
    load_ref(&w);
    WpOptions o = wp_options_turkish(1);
    wp_set_options(&w, &o);
    int32_t ids[32], seg[32];
    const char *a = "Ankara başkenti", *b = "evet";
    size_t k = wp_encode_pair(&w, a, strlen(a), b, strlen(b), ids, seg, 32);
    /* [CLS] ankara başkent ##i [SEP] evet [SEP] */
    cr_assert_eq(k, 7);
    int32_t want_seg[] = { 0, 0, 0, 0, 0, 1, 1 };
    cr_expect_eq(ids[0], w.cls);
    cr_expect_eq(ids[4], w.sep);
    cr_expect_eq(ids[6], w.sep);
    cr_expect_str_eq(wp_token(&w, ids[5]), "evet");
    for (int i = 0; i < 7; i++) cr_expect_eq(seg[i], want_seg[i], "segment %d", i);
    /* one segment, and a short buffer (measure, write the first cap) */
    cr_expect_eq(wp_encode_pair(&w, a, strlen(a), NULL, 0, ids, seg, 32), 5);
    int32_t few[3] = { -7, -7, -7 };
    cr_expect_eq(wp_encode_pair(&w, a, strlen(a), b, strlen(b), few, NULL, 2), 7);
    cr_expect_eq(few[0], w.cls);
    cr_expect_eq(few[2], -7, "nothing written beyond cap");
    char out[128];
    wp_decode(&w, ids, 5, out, sizeof out);
    cr_expect_str_eq(out, "[CLS] ankara başkenti [SEP]");
    wp_free(&w);
}

Test(wordpiece, decode_round_trip)
{
    WordPiece w;
    load_ref(&w);
    WpOptions tr = wp_options_turkish(1), en = wp_options_uncased();
    struct { const WpOptions *o; const char *s; } cases[] = {
        { &tr, "İstanbul'da IŞIK ve Işıl kitaplarımızdan okudu." },
        { &tr, "ÇİÇEKÇİ ŞEKER Ağaç ÖĞRENCİ ünlü güzel, gel git!" },
        { &en, "The café's naïve résumé (tokenization)!!" },
        { &en, "  我爱北京\t\tTokyo東京  " },
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        wp_set_options(&w, cases[c].o);
        const char *s = cases[c].s;
        int32_t ids[256];
        size_t k = wp_encode(&w, s, strlen(s), ids, 256);
        for (size_t i = 0; i < k; i++) cr_assert_neq(ids[i], w.unk, "\"%s\" must be spelled by the vocab", s);
        char back[512], norm[512];
        size_t nb = wp_decode(&w, ids, k, back, sizeof back);
        size_t nn = wp_basic(cases[c].o, s, strlen(s), norm, sizeof norm);
        cr_expect_eq(nb, nn);
        cr_expect_str_eq(back, norm);
    }
    int32_t bad[2] = { 3, 287 };
    char out[16];
    cr_expect_eq(wp_decode(&w, bad, 2, out, sizeof out), WP_BAD_ID);
    wp_free(&w);
}

Test(wordpiece, random_utf8_never_crashes)
{
    WordPiece w;
    load_ref(&w);
    /* fragments: Turkish letters, punctuation, CJK, controls, marks, emoji, invalid bytes */
    const char *frag[] = { "a", "İ", "I", "ı", "ş", "é", "e\xcc\x81", "'", ".", " ", "\t", "\n", "我", "😀",
                           "\xff", "\xc3", "\x01", "\xe2\x80\x8b", "[MASK]", "[UN", "##", "kitap", "lar",
                           "\xef\xbf\xbd", "\xea\xb0\x80", "\xef\xa4\x80" };
    unsigned seed = 12345;
    char s[2048];
    int32_t ids[2048];
    WpOptions opts[3] = { wp_options_uncased(), wp_options_turkish(1), wp_options_cased() };
    for (int it = 0; it < 600; it++) {
        size_t n = 0;
        int parts = (int)((seed = seed * 1103515245u + 12345u) >> 16) % 120;
        for (int p = 0; p < parts; p++) {
            seed = seed * 1103515245u + 12345u;
            const char *f = frag[(seed >> 16) % (sizeof frag / sizeof *frag)];
            size_t l = strlen(f);
            memcpy(s + n, f, l);
            n += l;
        }
        wp_set_options(&w, &opts[it % 3]);
        size_t k = wp_encode(&w, s, n, ids, 2048);
        cr_assert(k <= 2048 && k <= n);
        for (size_t i = 0; i < k; i++) cr_assert(ids[i] >= 0 && ids[i] < w.vocab);
        char out[8192];
        cr_assert_neq(wp_decode(&w, ids, k, out, sizeof out), WP_BAD_ID);
    }
    wp_free(&w);
}

/* Parse v as a vocab.txt; expect a refusal whose English message contains each of the
 * NULL-terminated fragments. */
static void expect_refused(const char *v, size_t n, const char *frag1, const char *frag2)
{
    WordPiece w;
    TzErr e;
    tz_err_clear(&e);
    int rc = wp_parse_vocab(&w, v, n, "vocab.txt", &e);
    cr_expect_neq(rc, 0, "accepted a bad vocab: %.*s", (int)n, v);
    cr_expect(e.tr[0] && e.en[0]);
    cr_expect(strstr(e.en, frag1) != NULL, "message \"%s\" lacks \"%s\"", e.en, frag1);
    if (frag2) cr_expect(strstr(e.en, frag2) != NULL, "message \"%s\" lacks \"%s\"", e.en, frag2);
    cr_expect_eq(w.vocab, 0);
    cr_expect_null(w.tok_off);
}

Test(wordpiece, vocab_refusals)
{
    expect_refused("", 0, "empty", NULL);
    expect_refused("[UNK]\nev\n\nev2\n", 15, "line 3", "empty line");
    expect_refused("[UNK]\nev\nkitap\nev\n", 19, "'ev' is there twice", "line 2 and line 4");
    expect_refused("[UNK]\nev\nki\xfftap\n", 17, "line 3", "invalid UTF-8");
    expect_refused("[PAD]\nev\n", 9, "no [UNK]", NULL);
    /* found by fuzz_wordpiece: a line of only "\r" was the token "\r", which saved as an
     * empty line; now every trailing \r is a line end, so the line is empty */
    expect_refused("[UNK]\n\r\r\nev\n", 12, "line 2", "empty line");
    expect_refused("[UNK]\nev\0x\n", 11, "line 2", "NUL");
    char big[700];
    memcpy(big, "[UNK]\n", 6);
    memset(big + 6, 'a', 600);
    big[606] = '\n';
    expect_refused(big, 607, "line 2", "too long");
    WordPiece w;
    TzErr e;
    cr_expect_eq(wp_load_vocab(&w, "/nonexistent/vocab.txt", &e), TZ_E_IO);
    cr_expect(strstr(e.en, "/nonexistent/vocab.txt") != NULL, "%s", e.en);
    /* fine: CRLF line ends, no final newline */
    cr_assert_eq(wp_parse_vocab(&w, "[UNK]\r\nev\r\n##ler", 16, "v", &e), 0, "%s", e.en);
    cr_expect_eq(w.vocab, 3);
    cr_expect_eq(wp_id(&w, "ev"), 1);
    cr_expect_eq(wp_id(&w, "##ler"), 2);
    cr_expect_eq(wp_id(&w, "ev\r"), -1);
    wp_free(&w);
}

Test(wordpiece, save_and_load_again)
{
    WordPiece w, v;
    TzErr e;
    load_ref(&w);
    char path[] = "/tmp/tz_wp_XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    close(fd);
    cr_assert_eq(wp_save_vocab(&w, path, &e), 0, "%s", e.en);
    cr_assert_eq(wp_load_vocab(&v, path, &e), 0, "%s", e.en);
    cr_expect_eq(v.vocab, w.vocab);
    for (int32_t t = 0; t < w.vocab; t++) cr_expect_str_eq(wp_token(&v, t), wp_token(&w, t));
    unlink(path);
    wp_free(&v);
    wp_free(&w);
}

Test(wordpiece, train_prefers_pairs_whose_parts_rarely_occur_apart)
{
    /* symbols: a ×3, ##b ×3, c ×1, ##d ×1. score(a ##b) = 3/(3·3) = 1/3, score(c ##d) = 1/(1·1) = 1:
     * WordPiece merges "cd" first although "ab" is three times as frequent (BPE would take "ab"). */
    WordPiece w;
    TzErr e;
    WpOptions o = wp_options_cased();
    o.min_pair = 1; /* the bare score (the default bar would start at count 2: "ab" first) */
    const char *corpus = "ab ab ab cd";
    cr_assert_eq(wp_train(&w, corpus, strlen(corpus), 64, &o, NULL, &e), 0, "%s", e.en);
    const char *want[] = { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "##b", "##d", "a", "c", "cd", "ab" };
    cr_assert_eq(w.vocab, 11, "stops when every word is one token");
    for (int t = 0; t < 11; t++) cr_expect_str_eq(wp_token(&w, t), want[t]);
    int32_t ids[8];
    cr_expect_eq(wp_encode(&w, "abd", 3, ids, 8), 2);
    cr_expect_eq(ids[0], 10);
    cr_expect_eq(ids[1], 6);
    wp_free(&w);
}

Test(wordpiece, train_default_bar_merges_frequent_pairs_first)
{
    /* the same corpus with the falling bar: only (a ##b) is seen twice or more, so it comes
     * first; then the bar falls to 1 and "cd" follows */
    WordPiece w;
    TzErr e;
    WpOptions o = wp_options_cased();
    cr_assert_eq(wp_train(&w, "ab ab ab cd", 11, 64, &o, NULL, &e), 0, "%s", e.en);
    cr_assert_eq(w.vocab, 11);
    cr_expect_str_eq(wp_token(&w, 9), "ab");
    cr_expect_str_eq(wp_token(&w, 10), "cd");
    wp_free(&w);
}

static const char *TR_CORPUS =
    "Kitaplarımızdan birini okudum. Kitaplar evlerde, evler kitaplarla dolu. "
    "Işık İstanbul'da yandı; ışıklar söndü. Öğrenciler öğretmenlerden öğrendi. "
    "Çiçekçi çiçekleri sattı, şekerci şekerleri. Güzel günler geldi, güzel evler gördük. "
    "Ağaçlar, ağaçlarımız ve ağaçlarımızdan düşen yapraklar. Türkiye'de çok kitap okunur.";

Test(wordpiece, train_turkish_deterministic_and_round_trip)
{
    WordPiece w, v;
    TzErr e;
    WpOptions o = wp_options_turkish(1);
    size_t n = strlen(TR_CORPUS);
    cr_assert_eq(wp_train(&w, TR_CORPUS, n, 120, &o, NULL, &e), 0, "%s", e.en);
    cr_assert_eq(wp_train(&v, TR_CORPUS, n, 120, &o, NULL, &e), 0, "%s", e.en);
    cr_expect_eq(w.vocab, 120);
    cr_assert_eq(w.vocab, v.vocab);
    for (int32_t t = 0; t < w.vocab; t++) cr_expect_str_eq(wp_token(&w, t), wp_token(&v, t), "id %d", t);
    cr_expect_eq(w.unk, 1);
    cr_expect_eq(w.mask, 4);
    /* Turkish letters kept (no accent stripping), dotless ı from I */
    cr_expect_geq(wp_id(&w, "ı"), 0);
    cr_expect_geq(wp_id(&w, "##ş"), 0);
    cr_expect_geq(wp_id(&w, "ç"), 0);
    cr_expect_eq(wp_id(&w, "I"), -1, "lower-cased corpus has no I");
    /* every corpus word is spelled without [UNK]; decoding gives the normalised text */
    int32_t ids[512];
    size_t k = wp_encode(&w, TR_CORPUS, n, ids, 512);
    cr_assert(k < 512);
    for (size_t i = 0; i < k; i++) cr_expect_neq(ids[i], w.unk);
    char back[2048], norm[2048];
    wp_decode(&w, ids, k, back, sizeof back);
    wp_basic(&o, TR_CORPUS, n, norm, sizeof norm);
    cr_expect_str_eq(back, norm);
    /* a larger vocabulary spells the corpus in fewer pieces */
    int32_t ids2[512];
    wp_free(&v);
    cr_assert_eq(wp_train(&v, TR_CORPUS, n, 250, &o, NULL, &e), 0, "%s", e.en);
    cr_expect_lt(wp_encode(&v, TR_CORPUS, n, ids2, 512), k);
    wp_free(&v);
    wp_free(&w);
}

static int cancel_then_train(Job *job, void *arg, TzErr *e)
{
    job_cancel(job);
    return wp_train(arg, TR_CORPUS, strlen(TR_CORPUS), 200, &(WpOptions){ .lower = 1, .lang = TZ_LANG_TR, .keep_special = 1 }, job, e);
}

Test(wordpiece, train_cancel_and_bad_arguments)
{
    WordPiece w;
    TzErr e;
    Job *job = job_start("wordpiece", "token", cancel_then_train, &w);
    cr_assert_eq(job_wait(job, &e), TZ_E_CANCELLED);
    cr_expect(e.en[0]);
    /* what was learnt so far (the alphabet) is a usable tokenizer */
    cr_expect_gt(w.vocab, 20);
    int32_t ids[256];
    size_t k = wp_encode(&w, "kitaplar", 8, ids, 256);
    cr_expect_eq(k, 8, "one piece per letter");
    for (size_t i = 0; i < k; i++) cr_expect_neq(ids[i], w.unk);
    wp_free(&w);
    WpOptions o = wp_options_cased();
    cr_expect_eq(wp_train(&w, "ab", 2, 3, &o, NULL, &e), TZ_E_ARG);
    cr_expect_eq(wp_train(&w, " ...\x01 ", 0, 100, &o, NULL, &e), TZ_E_ARG);
    cr_expect_eq(w.vocab, 0);
}
