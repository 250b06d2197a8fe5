/* test_bpe_gpt2.c — a BPE tokenizer built from parts (bpe_build, as a checkpoint or GPT-2's
 * files hand them over), special tokens, GPT-2's own file pair (encoder.json + vocab.bpe, here a
 * small synthetic pair written by the test, so nothing is downloaded), the round trip through
 * bpe_save / bpe_load_mem, and bad input of every kind. The real GPT-2 files are checked against
 * the JavaScript encoder's ids in tests/e2e/test_gpt2tok.sh. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/ckpt.h"
#include "text/bpe.h"
#include "tmpdir.h"

static const char *turkish =
    "Kitaplar masada duruyor. Çocuklar kitapları okudular ve defterlere notlar yazdılar. "
    "Öğretmenler öğrencilere sorular sordular; öğrenciler cevaplar verdiler. "
    "Kitaplarımızdan geliyorum, defterlerimizden yazıyorum, sözlerimizle konuşuyoruz. "
    "The quick brown fox doesn't jump; it's 2024 and we'll see. 😀 日本語のテキスト ";

static uint32_t rng = 12345;
static uint32_t rnd(uint32_t n)
{
    rng = rng * 1664525u + 1013904223u;
    return (rng >> 8) % n;
}

/* Same encoding under a renumbering: ours[i] == perm[theirs[i]] for every id. */
static void expect_same_under(const Bpe *x, const Bpe *y, const int32_t *perm, const char *s)
{
    size_t n = strlen(s);
    int32_t a[1024], b[1024];
    size_t na = bpe_encode(x, s, n, a, 1024), nb = bpe_encode(y, s, n, b, 1024);
    cr_assert_eq(na, nb, "\"%s\": %zu vs %zu tokens", s, na, nb);
    for (size_t i = 0; i < na; i++) cr_expect_eq(perm ? perm[a[i]] : a[i], b[i], "\"%s\": token %zu", s, i);
    char back[4096];
    cr_assert_eq(bpe_decode(y, b, nb, back, sizeof back), n);
    cr_expect(memcmp(back, s, n) == 0);
}

/* A trained tokenizer rebuilt from its parts encodes exactly as before, and so does one with
 * every id renumbered (GPT-2 numbers its byte tokens in stand-in order, not byte order). */
Test(bpe_build, same_as_trained_and_renumbered)
{
    Bpe t, u, v;
    TzErr e;
    cr_assert_eq(bpe_train(turkish, strlen(turkish), 420, &t, NULL, &e), 0);
    cr_assert_eq(bpe_build(&u, t.byte_id, t.merges, t.n_merges, t.vocab, &e), 0, "%s", e.en);
    cr_expect_eq(u.vocab, t.vocab);
    for (int32_t id = 0; id < t.vocab; id++) {
        size_t l1, l2;
        const char *p = bpe_token_bytes(&t, id, &l1), *q = bpe_token_bytes(&u, id, &l2);
        cr_assert(p && q && l1 == l2 && memcmp(p, q, l1) == 0, "token %d", id);
    }
    expect_same_under(&t, &u, NULL, turkish);

    /* renumber: a random permutation of 0..vocab-1, plus 7 holes at the end */
    int32_t vocab = t.vocab + 7, *perm = malloc((size_t)t.vocab * sizeof *perm);
    for (int32_t i = 0; i < t.vocab; i++) perm[i] = i;
    for (int32_t i = t.vocab - 1; i > 0; i--) {
        int32_t j = (int32_t)rnd((uint32_t)i + 1), x = perm[i];
        perm[i] = perm[j];
        perm[j] = x;
    }
    int32_t byte_id[256];
    for (int c = 0; c < 256; c++) byte_id[c] = perm[t.byte_id[c]];
    BpeMerge *m = malloc((size_t)t.n_merges * sizeof *m);
    for (int32_t k = 0; k < t.n_merges; k++)
        m[k] = (BpeMerge){ perm[t.merges[k].a], perm[t.merges[k].b], perm[t.merges[k].id] };
    cr_assert_eq(bpe_build(&v, byte_id, m, t.n_merges, vocab, &e), 0, "%s", e.en);
    expect_same_under(&t, &v, perm, turkish);
    expect_same_under(&t, &v, perm, "kitaplarımızdan geliyorum İstanbul'da 123 !!!\n\n  x");
    /* the holes are not tokens */
    size_t len;
    char out[8];
    int32_t hole = vocab - 1;
    cr_expect_null(bpe_token_bytes(&v, hole, &len));
    cr_expect_eq(bpe_decode(&v, &hole, 1, out, sizeof out), BPE_BAD_ID);
    cr_expect_eq(bpe_token_display(&v, hole, out, sizeof out), BPE_BAD_ID);
    free(m);
    free(perm);
    bpe_free(&t);
    bpe_free(&u);
    bpe_free(&v);
}

/* Every broken part is refused with a message naming it; b stays freeable. */
Test(bpe_build, refuses_broken_parts)
{
    int32_t byte_id[256];
    for (int c = 0; c < 256; c++) byte_id[c] = c;
    BpeMerge good[] = { { 'a', 'b', 256 }, { 256, 'c', 257 } };
    Bpe b;
    TzErr e;
    cr_assert_eq(bpe_build(&b, byte_id, good, 2, 258, &e), 0);
    size_t len;
    const char *s = bpe_token_bytes(&b, 257, &len);
    cr_expect(s && len == 3 && memcmp(s, "abc", 3) == 0);
    bpe_free(&b);

    struct { BpeMerge m[2]; int n; int32_t vocab; const char *word; } cases[] = {
        { { { 'a', 'b', 258 } }, 1, 258, "258" },             /* id beyond the vocabulary */
        { { { 'a', 'b', 65 } }, 1, 258, "65" },               /* id of a byte token */
        { { { 'a', 'b', 256 }, { 'c', 'd', 256 } }, 2, 258, "256" }, /* same id twice */
        { { { 'a', 'b', 256 }, { 'a', 'b', 257 } }, 2, 258, "1" },   /* same pair twice */
        { { { 257, 'c', 256 }, { 'a', 'b', 257 } }, 2, 258, "257" }, /* uses a later token */
        { { { 'a', 300, 256 } }, 1, 258, "300" },             /* unknown token */
        { { { -1, 'a', 256 } }, 1, 258, "-1" },
        { { { 'a', 'b', 256 } }, 1, 100, "100" },             /* vocabulary smaller than the bytes */
        { { { 'a', 'b', 256 } }, 1, 2000000000, "2000000000" }, /* absurd */
        { { { 'a', 'b', 256 }, { 'c', 'd', 257 } }, 2, 257, "257" },  /* more merges than room */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        memset(&e, 0, sizeof e);
        int rc = bpe_build(&b, byte_id, cases[i].m, cases[i].n, cases[i].vocab, &e);
        cr_expect_eq(rc, TZ_E_FORMAT, "case %zu: rc %d", i, rc);
        cr_expect(strstr(e.en, cases[i].word) && strstr(e.tr, cases[i].word), "case %zu: %s", i, e.en);
        bpe_free(&b);
    }
    /* two bytes with one token; a byte token out of range */
    byte_id[1] = 0;
    cr_expect_eq(bpe_build(&b, byte_id, good, 2, 258, &e), TZ_E_FORMAT);
    byte_id[1] = 999;
    cr_expect_eq(bpe_build(&b, byte_id, good, 2, 258, &e), TZ_E_FORMAT);
    cr_expect(strstr(e.en, "999"));
    bpe_free(&b);
}

/* A special token decodes to its name, is found by it, and plain text never encodes into it. */
Test(bpe_build, special_tokens)
{
    int32_t byte_id[256];
    for (int c = 0; c < 256; c++) byte_id[c] = c;
    /* merges that spell out "<|" and "|>" so the name could almost be built from text */
    BpeMerge m[] = { { '<', '|', 256 }, { '|', '>', 257 } };
    Bpe b;
    TzErr e;
    cr_assert_eq(bpe_build(&b, byte_id, m, 2, 259, &e), 0);
    cr_expect_eq(bpe_special(&b, "<|endoftext|>"), -1);
    cr_assert_eq(bpe_add_special(&b, "<|endoftext|>", 258, &e), 0, "%s", e.en);
    cr_assert_eq(bpe_add_special(&b, "<|pad|>", 300, &e), 0, "%s", e.en); /* grows the vocabulary */
    cr_expect_eq(b.vocab, 301);
    cr_expect_eq(bpe_special(&b, "<|endoftext|>"), 258);
    cr_expect_eq(bpe_special(&b, "<|pad|>"), 300);
    cr_expect_eq(bpe_special(&b, "<|end"), -1);
    /* the tokens before and after the gap kept their bytes */
    size_t len;
    const char *s = bpe_token_bytes(&b, 257, &len);
    cr_expect(s && len == 2 && memcmp(s, "|>", 2) == 0);
    cr_expect_null(bpe_token_bytes(&b, 299, &len)); /* a hole */
    const char *text = "a<|endoftext|>b";
    int32_t ids[32];
    size_t n = bpe_encode(&b, text, strlen(text), ids, 32);
    for (size_t i = 0; i < n; i++) cr_expect(ids[i] != 258);
    int32_t doc[] = { 'h', 'i', 258, 300, 'x' };
    char out[64];
    size_t k = bpe_decode(&b, doc, 5, out, sizeof out);
    cr_assert_eq(k, 23);
    cr_expect(memcmp(out, "hi<|endoftext|><|pad|>x", 23) == 0);
    /* refusals: an id that is taken, a name given twice, an empty name */
    cr_expect_eq(bpe_add_special(&b, "<|x|>", 'a', &e), TZ_E_FORMAT);
    cr_expect_eq(bpe_add_special(&b, "<|x|>", 258, &e), TZ_E_FORMAT);
    cr_expect_eq(bpe_add_special(&b, "<|pad|>", 299, &e), TZ_E_FORMAT);
    cr_expect_eq(bpe_add_special(&b, "", 299, &e), TZ_E_FORMAT);
    cr_expect_eq(bpe_add_special(&b, "<|x|>", -5, &e), TZ_E_FORMAT);
    bpe_free(&b);
}

/* ---------------------------------------------------------------- pre-tokenisation */

/* Undo splits.txt's escapes in place: \n \t \p (a literal |) \\; returns the length. */
static size_t unescape(char *s)
{
    size_t w = 0;
    for (size_t i = 0; s[i]; i++) {
        if (s[i] == '\\' && s[i + 1]) {
            char c = s[++i];
            s[w++] = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'p' ? '|' : c;
        } else s[w++] = s[i];
    }
    s[w] = '\0';
    return w;
}

/* bpe_pretoken_end against GPT-2's own pattern run by Python's `regex` module on 120 random
 * strings of many scripts (tests/ref/gpt2tok/splits.txt, make_classes.py): letters with
 * combining marks, digits of other scripts (٣ ² ½ Ⅻ), unusual spaces, emoji, contractions. */
Test(pretok, splits_like_python_regex)
{
    FILE *f = fopen("tests/ref/gpt2tok/splits.txt", "r");
    cr_assert_not_null(f, "tests/ref/gpt2tok/splits.txt (run the tests from the top of the tree)");
    static char line[16384];
    int checked = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#') continue;
        line[strcspn(line, "\n")] = '\0';
        char *tab = strchr(line, '\t');
        cr_assert_not_null(tab);
        *tab = '\0';
        char *text = line, *pieces = tab + 1;
        /* every '|' separates pieces (a '|' inside one is written \p), then unescape each */
        size_t n = unescape(text), i = 0;
        int k = 0;
        for (char *p = pieces;; k++) {
            char *q = p + strcspn(p, "|");
            int last = *q == '\0';
            *q = '\0';
            size_t len = unescape(p);
            cr_assert(i < n, "line %d: piece %d past the end", checked + 1, k);
            size_t end = bpe_pretoken_end(text, n, i);
            cr_assert(end - i == len && memcmp(text + i, p, len) == 0,
                      "line %d piece %d: got \"%.*s\", want \"%s\"", checked + 1, k, (int)(end - i), text + i, p);
            i = end;
            if (last) break;
            p = q + 1;
        }
        cr_assert_eq(i, n, "line %d: text left over", checked + 1);
        checked++;
    }
    fclose(f);
    cr_expect_eq(checked, 120);
}

/* A few classes written out, for the reader: where GPT-2's \p{L}/\p{N}/\s differ from a
 * naive "letters are alphabetic" rule. */
Test(pretok, gpt2_classes_by_hand)
{
    struct { const char *s, *first; } cases[] = {
        { "2²½ x", "2²½" },                       /* ² ½ are \p{N}: one number */
        { "٣٤٥abc", "٣٤٥" },                      /* Arabic-Indic digits */
        { "हिन्दी", "ह" },                          /* ि is a mark (Mc), not a letter: the word breaks */
        { "Ankaraʼda", "Ankaraʼda" },              /* ʼ U+02BC is a modifier letter (Lm) */
        { "Ankara’da", "Ankara" },                 /* ’ U+2019 is punctuation */
        { "a\xc2\x85" "b", "a" },                  /* U+0085 is \s */
        { "\xc2\xa0\xc2\xa0x", "\xc2\xa0" },  /* no-break spaces: the last one goes with x */
        { "e\xcc\x81t", "e" },                    /* a combining acute accent ends the letters */
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        size_t n = strlen(cases[c].s), end = bpe_pretoken_end(cases[c].s, n, 0);
        cr_expect(end == strlen(cases[c].first) && memcmp(cases[c].s, cases[c].first, end) == 0,
                  "\"%s\": first piece \"%.*s\", want \"%s\"", cases[c].s, (int)end, cases[c].s, cases[c].first);
    }
}

/* ---------------------------------------------------------------- GPT-2's file pair */

/* GPT-2's numbering of the byte tokens: the order of its bytes_to_unicode list, the 188 visible
 * bytes first ('!'..'~', '¡'..'¬', '®'..'ÿ'), then the other 68 in byte order. */
static void gpt2_byte_order(int32_t id_of[256])
{
    int k = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int c = 0; c < 256; c++) {
            int vis = (c >= '!' && c <= '~') || (c >= 0xA1 && c <= 0xAC) || c >= 0xAE;
            if (vis == (pass == 0)) id_of[c] = k++;
        }
}

/* A token's stand-in string as a JSON string body: " and \ escaped, and with escape_u every
 * character above ASCII written \uXXXX (as Python's json.dump does by default). */
static void json_token(FILE *f, const char *disp, int escape_u)
{
    for (const unsigned char *p = (const unsigned char *)disp; *p;) {
        if (*p == '"' || *p == '\\') { fprintf(f, "\\%c", *p++); continue; }
        if (*p < 0x80 || !escape_u) { fputc(*p++, f); continue; }
        uint32_t cp = *p < 0xE0 ? (uint32_t)(p[0] & 0x1F) << 6 | (p[1] & 0x3F)
                                : (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
        p += *p < 0xE0 ? 2 : 3;
        fprintf(f, "\\u%04x", cp);
    }
}

/* Write t as GPT-2's two files (in memory), numbered the GPT-2 way, with <|endoftext|> last.
 * perm[id in t] = id in the files. */
static void write_pair(const Bpe *t, char **enc, size_t *ne, char **voc, size_t *nv, int32_t *perm, int escape_u)
{
    int32_t order[256];
    gpt2_byte_order(order);
    for (int c = 0; c < 256; c++) perm[t->byte_id[c]] = order[c];
    for (int32_t k = 0; k < t->n_merges; k++) perm[t->merges[k].id] = 256 + k;
    FILE *f = open_memstream(enc, ne);
    fputc('{', f);
    char disp[1024];
    /* in id order of the file, as GPT-2's encoder.json is */
    int32_t *inv = malloc((size_t)t->vocab * sizeof *inv);
    for (int32_t id = 0; id < t->vocab; id++) inv[perm[id]] = id;
    for (int32_t k = 0; k < t->vocab; k++) {
        bpe_token_display(t, inv[k], disp, sizeof disp);
        fputs(k ? ", \"" : "\"", f);
        json_token(f, disp, escape_u);
        fprintf(f, "\": %d", k);
    }
    fprintf(f, ", \"<|endoftext|>\": %d}", t->vocab);
    fclose(f);
    free(inv);
    f = open_memstream(voc, nv);
    fputs("#version: 0.2\n", f);
    for (int32_t k = 0; k < t->n_merges; k++) {
        bpe_token_display(t, t->merges[k].a, disp, sizeof disp);
        fprintf(f, "%s ", disp);
        bpe_token_display(t, t->merges[k].b, disp, sizeof disp);
        fprintf(f, "%s\n", disp);
    }
    fclose(f);
}

/* Random text: UTF-8 from several scripts (1- to 4-byte characters), spaces and newlines,
 * and with bad, some bytes that are not UTF-8 at all. */
static size_t random_text(char *s, size_t cap, int bad)
{
    static const uint32_t from[] = { 'a', '0', 0xC0, 0x100, 0x391, 0x410, 0x5D0, 0x3041, 0x4E00, 0xAC00, 0x1F600, 0x20000 };
    size_t n = 0;
    while (n + 8 < cap) {
        uint32_t r = rnd(100);
        if (r < 15) { s[n++] = r < 10 ? ' ' : r < 12 ? '\n' : r < 13 ? '\'' : '\t'; continue; }
        if (bad && r < 22) { s[n++] = (char)(0x80 + rnd(128)); continue; }
        if (r < 40) { s[n++] = (char)(0x21 + rnd(94)); continue; }
        uint32_t cp = from[rnd(12)] + rnd(40), k = 0;
        unsigned char *o = (unsigned char *)s + n;
        if (cp < 0x80) o[k++] = (unsigned char)cp;
        else if (cp < 0x800) { o[k++] = (unsigned char)(0xC0 | cp >> 6); o[k++] = (unsigned char)(0x80 | (cp & 63)); }
        else if (cp < 0x10000) {
            o[k++] = (unsigned char)(0xE0 | cp >> 12); o[k++] = (unsigned char)(0x80 | ((cp >> 6) & 63));
            o[k++] = (unsigned char)(0x80 | (cp & 63));
        } else {
            o[k++] = (unsigned char)(0xF0 | cp >> 18); o[k++] = (unsigned char)(0x80 | ((cp >> 12) & 63));
            o[k++] = (unsigned char)(0x80 | ((cp >> 6) & 63)); o[k++] = (unsigned char)(0x80 | (cp & 63));
        }
        n += k;
    }
    return n;
}

/* A tokenizer trained here, written as GPT-2's files and read back: the same tokens under
 * GPT-2's numbering, <|endoftext|> as a special, and exact round trips on random text. */
static void check_pair_like_trained(int escape_u)
{
    Bpe t, g;
    TzErr e;
    cr_assert_eq(bpe_train(turkish, strlen(turkish), 500, &t, NULL, &e), 0);
    int32_t *perm = malloc((size_t)t.vocab * sizeof *perm);
    char *enc, *voc;
    size_t ne, nv;
    write_pair(&t, &enc, &ne, &voc, &nv, perm, escape_u);
    int rc = bpe_load_gpt2_mem(&g, enc, ne, voc, nv, &e);
    cr_assert_eq(rc, 0, "%s", e.en);
    cr_expect_eq(g.vocab, t.vocab + 1);
    cr_expect_eq(g.n_merges, t.n_merges);
    cr_expect_eq(bpe_special(&g, "<|endoftext|>"), t.vocab);
    cr_expect_eq(g.byte_id[' '], 220); /* GPT-2's own numbers: space is 220, '!' is 0 */
    cr_expect_eq(g.byte_id['!'], 0);
    for (int32_t id = 0; id < t.vocab; id++) {
        size_t l1, l2;
        const char *p = bpe_token_bytes(&t, id, &l1), *q = bpe_token_bytes(&g, perm[id], &l2);
        cr_assert(q && l1 == l2 && memcmp(p, q, l1) == 0, "token %d", id);
    }
    expect_same_under(&t, &g, perm, turkish);
    char s[2048], back[2048];
    int32_t a[2048], b[2048];
    for (int round = 0; round < 300; round++) {
        size_t n = random_text(s, 1 + rnd(sizeof s - 1), round % 2);
        size_t na = bpe_encode(&t, s, n, a, 2048), nb = bpe_encode(&g, s, n, b, 2048);
        cr_assert_eq(na, nb, "round %d", round);
        for (size_t i = 0; i < na; i++) cr_assert_eq(perm[a[i]], b[i], "round %d token %zu", round, i);
        cr_assert_eq(bpe_decode(&g, b, nb, back, sizeof back), n, "round %d", round);
        cr_assert(memcmp(back, s, n) == 0, "round %d: bytes differ", round);
    }
    /* every byte alone is its own GPT-2 byte token */
    int32_t order[256];
    gpt2_byte_order(order);
    for (int c = 0; c < 256; c++) {
        char one = (char)c;
        cr_assert_eq(bpe_encode(&g, &one, 1, a, 4), 1);
        cr_assert_eq(a[0], order[c], "byte %d", c);
    }
    free(enc);
    free(voc);
    free(perm);
    bpe_free(&t);
    bpe_free(&g);
}

Test(gpt2_files, synthetic_pair_like_trained) { check_pair_like_trained(0); }
Test(gpt2_files, synthetic_pair_with_u_escapes) { check_pair_like_trained(1); }

/* JSON escapes: \" \\ \/ \uXXXX, and a character outside the BMP as a surrogate pair (a
 * special token's name that is not made of stand-ins stays as it is). */
Test(gpt2_files, json_escapes_and_specials)
{
    /* the 256 byte tokens, written with escapes where they can be, then two specials */
    char *enc;
    size_t ne;
    FILE *f = open_memstream(&enc, &ne);
    fputs(" {\n", f);
    for (int c = 0; c < 256; c++) {
        uint32_t u = bpe_byte_to_unicode((unsigned char)c);
        if (c == '"') fputs("\"\\\"\"", f);
        else if (c == '\\') fputs("\"\\\\\"", f);
        else if (c == '/') fputs("\"\\/\"", f);
        else if (u >= 0x80 || c % 3 == 0) fprintf(f, "\"\\u%04X\"", u);
        else fprintf(f, "\"%c\"", c);
        fprintf(f, " : %d,\n", c);
    }
    fputs("\"<|endoftext|>\": 256, \"<|\\ud83d\\ude42|>\": 257, \"\\u0120\\u0074\": 258 }\n", f);
    fclose(f);
    const char *voc = "#version: 0.2\r\nĠ t\r\n";
    Bpe b;
    TzErr e;
    cr_assert_eq(bpe_load_gpt2_mem(&b, enc, ne, voc, strlen(voc), &e), 0, "%s", e.en);
    cr_expect_eq(b.vocab, 259);
    for (int c = 0; c < 256; c++) cr_expect_eq(b.byte_id[c], c);
    cr_expect_eq(bpe_special(&b, "<|endoftext|>"), 256);
    cr_expect_eq(bpe_special(&b, "<|🙂|>"), 257);
    int32_t ids[8];
    cr_assert_eq(bpe_encode(&b, " t", 2, ids, 8), 1);
    cr_expect_eq(ids[0], 258);
    free(enc);
    bpe_free(&b);
}

/* A minimal valid pair to break in one place at a time: bytes as themselves, "Ġ t" → 256. */
static char *bytes_json(const char *extra)
{
    char *enc;
    size_t ne;
    FILE *f = open_memstream(&enc, &ne);
    fputc('{', f);
    for (int c = 0; c < 256; c++) {
        uint32_t u = bpe_byte_to_unicode((unsigned char)c);
        if (c == '"' || c == '\\') fprintf(f, "\"\\%c\": %d, ", c, c);
        else if (u < 0x80) fprintf(f, "\"%c\": %d, ", c, c);
        else fprintf(f, "\"\\u%04x\": %d, ", u, c);
    }
    fputs(extra, f);
    fclose(f);
    return enc;
}

Test(gpt2_files, refuses_bad_input)
{
    struct { const char *enc_tail; const char *voc; const char *want; } cases[] = {
        /* encoder.json */
        { "\"Ġt\": 256", "#v\nĠ t\n", "ends too early" },                 /* no closing brace */
        { "\"Ġt\": 256,}", "#v\n", "a token (a \"…\" string) was expected" }, /* trailing comma */
        { "\"Ġt\" 256}", "#v\n", "':' was expected" },
        { "\"Ġt\": -1}", "#v\n", "cannot be negative" },
        { "\"Ġt\": 2.5}", "#v\n", "whole number" },
        { "\"Ġt\": 99999999999}", "#v\n", "absurdly large" },
        { "\"Ġt\": 256} x", "#v\n", "something follows the object" },
        { "\"a\": 256}", "#v\n", "the token 'a' is there twice" },               /* duplicate token */
        { "\"Ġt\": 5}", "#v\n", "the id 5 belongs to two tokens" },
        { "\"Ġt\": 300}", "#v\n", "has the id 300, but there are only 257 tokens" },
        { "\"\\ude42\": 256}", "#v\n", "low surrogate" },
        { "\"\\ud83d x\": 256}", "#v\n", "high surrogate" },
        { "\"\\q\": 256}", "#v\n", "unknown escape" },
        { "\"\\u12\": 256}", "#v\n", "four hex digits" },
        { "\"\\u0000\": 256}", "#v\n", "NUL" },
        { "\"\": 256}", "#v\n", "an empty token" },   /* found by fuzz_bpe_gpt2 */
        { "\"a\tb\": 256}", "#v\n", "control character" },
        { "\"\xc3\x28\": 256}", "#v\n", "encoder.json is not valid UTF-8" },
        /* vocab.bpe */
        { "\"Ġt\": 256}", "#v\nĠ q\n", "vocab.bpe line 2: the merged token 'Ġq' is not in encoder.json" },
        { "\"Ġt\": 256}", "#v\nĠ zz\n", "vocab.bpe line 2: the token 'zz' is not in encoder.json" },
        { "\"Ġt\": 256}", "#v\nĠt\n", "vocab.bpe line 2: a merge is two tokens" },
        { "\"Ġt\": 256}", "#v\nĠ t x\n", "vocab.bpe line 2: a merge is two tokens" },
        { "\"Ġt\": 256}", "#v\n\nĠ t\n", "vocab.bpe line 2 is empty" },
        { "\"Ġt\": 256}", "#v\nĠ \xff\n", "vocab.bpe is not valid UTF-8: line 2" },
        { "\"Ġt\": 256}", "#v\nĠ t\nĠ t\n", "2 merges do not fit a vocabulary of 257 tokens" },
        { "\"Ġt\": 256, \"Ġtt\": 257}", "#v\nĠt t\nĠ t\n", "merge 0 uses an unknown token" }, /* order */
        { "\"Ġt\": 256, \"Ġtt\": 257, \"Ġtx\": 258}", "#v\nĠ t\nĠ t\n", "merge 1 makes token 256 again" }, /* twice */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *enc = bytes_json(cases[i].enc_tail);
        Bpe b;
        TzErr e;
        memset(&e, 0, sizeof e);
        int rc = bpe_load_gpt2_mem(&b, enc, strlen(enc), cases[i].voc, strlen(cases[i].voc), &e);
        cr_expect_eq(rc, TZ_E_FORMAT, "case %zu: rc %d", i, rc);
        cr_expect(strstr(e.en, cases[i].want), "case %zu: %s", i, e.en);
        cr_expect(e.tr[0] && strcmp(e.tr, e.en) != 0, "case %zu: Turkish message: %s", i, e.tr);
        cr_expect_eq(b.vocab, 0, "case %zu: left a tokenizer behind", i);
        bpe_free(&b);
        free(enc);
    }
    /* a byte without a token: drop '!' */
    char *enc = bytes_json("\"Ġt\": 256}");
    enc[1] = 'X';
    enc[2] = '"';
    Bpe b;
    TzErr e;
    cr_expect_eq(bpe_load_gpt2_mem(&b, enc + 0, strlen(enc), "", 0, &e), TZ_E_FORMAT);
    free(enc);
    /* too few tokens, not an object */
    cr_expect_eq(bpe_load_gpt2_mem(&b, "{\"a\": 0}", 8, "", 0, &e), TZ_E_FORMAT);
    cr_expect(strstr(e.en, "only 1 tokens"), "%s", e.en);
    cr_expect_eq(bpe_load_gpt2_mem(&b, "[1]", 3, "", 0, &e), TZ_E_FORMAT);
    cr_expect(strstr(e.en, "one JSON object"), "%s", e.en);
    cr_expect_eq(bpe_load_gpt2_mem(&b, "", 0, "", 0, &e), TZ_E_FORMAT);
    cr_expect(strstr(e.en, "ends too early"), "%s", e.en);
}

TestSuite(gpt2_disk, .init = tmp_setup, .fini = tmp_teardown);

/* From files: the same as from memory; a missing file named. */
Test(gpt2_disk, files_and_missing_files)
{
    char *enc = bytes_json("\"Ġt\": 256, \"<|endoftext|>\": 257}");
    tmp_write(tmp_path("encoder.json"), enc, strlen(enc));
    tmp_write(tmp_path("vocab.bpe"), "#version: 0.2\nĠ t\n", strlen("#version: 0.2\nĠ t\n"));
    free(enc);
    Bpe b;
    TzErr e;
    cr_assert_eq(bpe_load_gpt2(&b, tmp_path("encoder.json"), tmp_path("vocab.bpe"), &e), 0, "%s", e.en);
    cr_expect_eq(b.vocab, 258);
    cr_expect_eq(bpe_special(&b, "<|endoftext|>"), 257);
    bpe_free(&b);
    cr_expect_eq(bpe_load_gpt2(&b, tmp_path("encoder.json"), tmp_path("nothere.bpe"), &e), TZ_E_IO);
    cr_expect(strstr(e.en, "nothere.bpe"), "%s", e.en);
    cr_expect_eq(bpe_load_gpt2(&b, tmp_path("none.json"), tmp_path("vocab.bpe"), &e), TZ_E_IO);
    cr_expect(strstr(e.en, "none.json"), "%s", e.en);
    cr_expect_eq(bpe_load_gpt2(&b, tmp_dir, tmp_path("vocab.bpe"), &e), TZ_E_IO); /* a directory */
}

/* ---------------------------------------------------------------- checkpoint section */

static void expect_identical(const Bpe *x, const Bpe *y)
{
    cr_assert_eq(x->vocab, y->vocab);
    cr_assert_eq(x->n_merges, y->n_merges);
    cr_assert_eq(x->n_special, y->n_special);
    cr_expect(memcmp(x->byte_id, y->byte_id, sizeof x->byte_id) == 0);
    cr_expect(memcmp(x->merges, y->merges, (size_t)x->n_merges * sizeof *x->merges) == 0);
    for (int32_t id = 0; id < x->vocab; id++) {
        size_t l1 = 0, l2 = 0;
        const char *p = bpe_token_bytes(x, id, &l1), *q = bpe_token_bytes(y, id, &l2);
        cr_assert((p == NULL) == (q == NULL) && l1 == l2 && (!p || memcmp(p, q, l1) == 0), "token %d", id);
    }
}

Test(bpe_save, round_trip_and_damage)
{
    Bpe t, u;
    TzErr e;
    cr_assert_eq(bpe_train(turkish, strlen(turkish), 300, &t, NULL, &e), 0);
    cr_assert_eq(bpe_add_special(&t, "<|endoftext|>", t.vocab + 2, &e), 0); /* leaves two holes */
    CkBuf buf = { 0 };
    ck_put(&buf, "HEAD", 4); /* inside a bigger checkpoint: after something, before something */
    cr_assert_eq(bpe_save(&t, &buf), 0);
    size_t end = buf.n;
    ck_put(&buf, "TAIL", 4);
    size_t used = 0;
    cr_assert_eq(bpe_load_mem(&u, buf.b + 4, buf.n - 4, &used, &e), 0, "%s", e.en);
    cr_expect_eq(used, end - 4);
    expect_identical(&t, &u);
    expect_same_under(&t, &u, NULL, turkish);
    cr_expect_eq(bpe_special(&u, "<|endoftext|>"), t.vocab - 1);
    bpe_free(&u);

    /* every truncation is refused (never read past the end: ASan would see it), as is a
     * flipped byte in the header or a merge, one way or another — never a crash */
    const unsigned char *p = buf.b + 4;
    size_t n = end - 4;
    for (size_t k = 0; k < n; k++) {
        unsigned char *cut = malloc(k ? k : 1);
        memcpy(cut, p, k);
        memset(&e, 0, sizeof e);
        cr_assert_eq(bpe_load_mem(&u, cut, k, &used, &e), TZ_E_FORMAT, "cut at %zu", k);
        cr_assert(e.en[0] && e.tr[0]);
        /* what was being read is named in each message's own language */
        cr_assert(!strstr(e.tr, "the "), "cut at %zu: English in the Turkish message: %s", k, e.tr);
        if (k < 20 + 256 * 4) cr_assert(strstr(e.tr, "(başlık okunurken)"), "cut at %zu: %s", k, e.tr);
        free(cut);
    }
    unsigned char *bad = malloc(n);
    size_t spots[] = { 0, 8, 11, 12, 15, 16, 20, 20 + 4 * 65, 20 + 256 * 4 + 1, 20 + 256 * 4 + 7, n - 5 };
    for (size_t s = 0; s < sizeof spots / sizeof *spots; s++) {
        memcpy(bad, p, n);
        bad[spots[s]] ^= 0xA5;
        int rc = bpe_load_mem(&u, bad, n, &used, &e);
        if (rc == 0) bpe_free(&u); /* some flips still describe a valid tokenizer */
        else cr_expect_eq(rc, TZ_E_FORMAT, "flip at %zu", spots[s]);
    }
    memcpy(bad, p, n);
    bad[0] = 'X';
    cr_expect_eq(bpe_load_mem(&u, bad, n, &used, &e), TZ_E_FORMAT);
    cr_expect(strstr(e.en, "TZBPE001"), "%s", e.en);
    memcpy(bad, p, n);
    memset(bad + 12, 0xff, 4); /* n_merges 4 billion: refused before allocating */
    cr_expect_eq(bpe_load_mem(&u, bad, n, &used, &e), TZ_E_FORMAT);
    free(bad);
    free(buf.b);
    bpe_free(&t);
}
