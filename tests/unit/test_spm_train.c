/* test_spm_train.c — learning a LLaMA-style vocabulary (src/engine/text/spm_train.c): the
 * specials and the 256 byte pieces in place, the characters, the merges in the order the pair
 * counts give (checked by hand on a tiny text), encode → decode round trips (Turkish letters,
 * characters never seen, invalid UTF-8), the written vocabulary read back through spm's own
 * loaders, determinism and the refusals. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "text/spm.h"

static const char *TR = "Bugün hava çok güzel. Yarın İstanbul'da yağmur yağacak, Ankara'da güneşli.\n"
                        "Öğrenciler okulda Türkçe öğreniyor; öğretmenler çok mutlu.\n"
                        "Bugün kitaplarımızdan birini okuduk. Yarın yine okuyacağız.\n";

static int32_t encode(const Spm *s, const char *t, int32_t *ids, size_t cap)
{
    return (int32_t)spm_encode(s, t, strlen(t), 0, 0, ids, cap);
}

static void roundtrip(const Spm *s, const char *t, size_t n)
{
    size_t k = spm_encode(s, t, n, 1, 1, NULL, 0);
    int32_t *ids = malloc((k + 1) * sizeof *ids);
    spm_encode(s, t, n, 1, 1, ids, k);
    char *out = malloc(n + 16);
    size_t got = spm_decode(s, ids, k, out, n + 16);
    cr_assert_eq(got, n, "decoded %zu bytes, want %zu", got, n);
    cr_assert(memcmp(out, t, n) == 0, "round trip differs for '%.*s'", (int)n, t);
    free(ids);
    free(out);
}

Test(spm_train, specials_bytes_and_characters)
{
    Spm s;
    TzErr e;
    cr_assert_eq(spm_train(&s, TR, strlen(TR), 400, NULL, &e), 0, "%s", e.en);
    cr_assert_leq(s.n, 400);
    cr_assert_eq(s.unk, 0);
    cr_assert_eq(s.bos, 1);
    cr_assert_eq(s.eos, 2);
    cr_assert_eq(s.type[0], SPM_UNKNOWN);
    cr_assert_eq(s.type[1], SPM_CONTROL);
    cr_assert_eq(s.type[2], SPM_CONTROL);
    for (int b = 0; b < 256; b++) {
        cr_assert_eq(s.byte_id[b], 3 + b);
        cr_assert_eq(s.type[3 + b], SPM_BYTE);
    }
    cr_assert_str_eq(spm_piece(&s, 3 + 0xC3, NULL), "<0xC3>");
    /* the space (the dummy prefix) and the Turkish letters are pieces of their own */
    cr_assert_eq(s.space_id, 259, "the space is the most frequent character: the first after the bytes");
    const char *letters[] = { "ç", "ğ", "ı", "İ", "ö", "ş", "ü", "Ö", "T" };
    for (size_t i = 0; i < sizeof letters / sizeof *letters; i++)
        cr_assert_geq(spm_id(&s, letters[i], strlen(letters[i])), 259, "'%s' is not a piece", letters[i]);
    /* a frequent word became one piece with its space — at a line's start too, as every line has
       its own dummy prefix; no piece spans two words; line ends are separators, not pieces */
    cr_assert_geq(spm_id(&s, " Yarın", strlen(" Yarın")), 0);
    cr_assert_geq(spm_id(&s, " Bugün", strlen(" Bugün")), 0, "both lines that start with Bugün count");
    cr_assert_eq(spm_id(&s, "\n", 1), -1);
    for (int32_t i = 259; i < s.n; i++) {
        size_t len;
        const char *p = spm_piece(&s, i, &len);
        cr_assert_eq(s.type[i], SPM_NORMAL);
        for (size_t k = 1; k < len; k++) cr_assert(p[k] != ' ' && p[k] != '\n', "piece '%s' spans a word", p);
        cr_assert(!(len > 1 && p[0] == '\n'), "piece '%s' joins a line end", p);
    }
    spm_free(&s);
}

Test(spm_train, round_trips)
{
    Spm s;
    TzErr e;
    cr_assert_eq(spm_train(&s, TR, strlen(TR), 330, NULL, &e), 0, "%s", e.en);
    roundtrip(&s, TR, strlen(TR));
    const char *cases[] = { "Bugün çok güzel", "İĞÜŞÖÇ ığüşöç", "  iki  boşluk  ", "\nsatır\n\n",
                            "日本語 and emoji 🙂 never seen", "x", "" };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) roundtrip(&s, cases[i], strlen(cases[i]));
    roundtrip(&s, "bozuk \xC3 utf-8 \xFF\xFE son", 20);
    /* one line a document: BOS, the line's pieces with their own prefix, the line end as <0x0A> */
    const char *doc = "Bugün çok güzel.\nYarın da\n\n son";
    size_t k2 = spm_encode_lines(&s, doc, strlen(doc), NULL, 0);
    int32_t *li = malloc(k2 * sizeof *li);
    cr_assert_eq(spm_encode_lines(&s, doc, strlen(doc), li, k2), k2);
    cr_assert_eq(li[0], s.bos);
    cr_assert_eq(li[1], spm_id(&s, " Bugün", strlen(" Bugün")));
    int bos = 0, nl = 0;
    for (size_t i = 0; i < k2; i++) {
        bos += li[i] == s.bos;
        nl += li[i] == s.byte_id['\n'];
        if (i > 0 && li[i] == s.bos) cr_assert_eq(li[i - 1], s.byte_id['\n']);
    }
    cr_assert_eq(bos, 4);
    cr_assert_eq(nl, 3);
    char back[64];
    size_t got = spm_decode(&s, li, k2, back, sizeof back);
    cr_assert_eq(got, strlen(doc));
    cr_assert(memcmp(back, doc, got) == 0, "'%.*s'", (int)got, back);
    free(li);
    /* a character never seen goes to its bytes */
    int32_t ids[16];
    int32_t k = encode(&s, "日", ids, 16);
    cr_assert_eq(k, 4, "the space, then the three bytes of 日");
    cr_assert_eq(ids[0], s.space_id);
    cr_assert_eq(ids[1], 3 + 0xE6);
    cr_assert_eq(s.type[ids[2]], SPM_BYTE);
    spm_free(&s);
}

/* " ab ab ab abc abc" : pair counts by hand.
 *   words " ab" ×3, " abc" ×2: pairs (␣,a) 5, (a,b) 5, (b,c) 2
 *   ties at 5 go to the lower pair of ids: ' ' (most frequent char, id 259) before 'a' → (␣,a)
 *   merge 0 " a", then (" a", b) 5 → merge 1 " ab", then (" ab", c) 2 → merge 2 " abc". */
Test(spm_train, merge_order)
{
    const char *t = "ab ab ab abc abc";
    Spm s;
    TzErr e;
    cr_assert_eq(spm_train(&s, t, strlen(t), 400, NULL, &e), 0, "%s", e.en);
    int32_t m0 = spm_id(&s, " a", 2), m1 = spm_id(&s, " ab", 3), m2 = spm_id(&s, " abc", 4);
    cr_assert(m0 > 0 && m1 > 0 && m2 > 0);
    cr_assert_eq(m1, m0 + 1);
    cr_assert_eq(m2, m1 + 1);
    cr_assert_float_eq(s.score[m0], 0.0f, 0);
    cr_assert_float_eq(s.score[m1], -1.0f, 0);
    cr_assert_float_eq(s.score[m2], -2.0f, 0);
    cr_assert_eq(s.n, m2 + 1, "(c appears twice but only after b: nothing else to merge)");
    cr_assert_eq(spm_id(&s, "ab", 2), -1, "'ab' without its space was never a pair of its own");
    /* the characters score below every merge */
    for (const char *c = " abc"; *c; c++) cr_assert_lt(s.score[spm_id(&s, c, 1)], s.score[m2]);
    /* encoding replays the merges: whole words where they were learnt */
    int32_t ids[8];
    cr_assert_eq(encode(&s, "abc ab", ids, 8), 2);
    cr_assert_eq(ids[0], m2);
    cr_assert_eq(ids[1], m1);
    spm_free(&s);
}

/* merged pieces written out as GGUF's vocabulary ("▁") and tokenizer.bin's (' ') come back as the
 * same tokenizer through spm's loaders */
Test(spm_train, vocab_round_trip)
{
    Spm s, g, l;
    TzErr e;
    cr_assert_eq(spm_train(&s, TR, strlen(TR), 350, NULL, &e), 0, "%s", e.en);
    GgufVocab vg, vl;
    spm_to_vocab(&s, 1, &vg);
    spm_to_vocab(&s, 0, &vl);
    int32_t sp = spm_id(&s, " Yarın", strlen(" Yarın"));
    cr_assert(sp > 0);
    cr_assert_str_eq(vg.tok[sp], "\xE2\x96\x81" "Yarın");
    cr_assert_str_eq(vl.tok[sp], " Yarın");
    cr_assert_eq(spm_from_gguf_vocab(&g, &vg, &e), 0, "%s", e.en);
    cr_assert_eq(spm_from_llama2c(&l, &vl, &e), 0, "%s", e.en);
    const char *x = "Öğretmenler yarın İstanbul'da kitaplarımızdan okuyacak. 🙂";
    int32_t a[128], b[128], c[128];
    int32_t na = encode(&s, x, a, 128), nb = encode(&g, x, b, 128), nc = encode(&l, x, c, 128);
    cr_assert_eq(na, nb);
    cr_assert_eq(na, nc);
    cr_assert(memcmp(a, b, (size_t)na * sizeof *a) == 0 && memcmp(a, c, (size_t)na * sizeof *a) == 0);
    for (int32_t i = 0; i < s.n; i++) {
        cr_assert_eq(g.type[i], s.type[i]);
        cr_assert_eq(l.type[i], s.type[i]);
    }
    gguf_vocab_free(&vg);
    gguf_vocab_free(&vl);
    spm_free(&g);
    spm_free(&l);
    spm_free(&s);
}

Test(spm_train, deterministic_and_vocab_size)
{
    TzFile f;
    TzErr e;
    cr_assert_eq(tz_file_map(&f, "datasets/mini/tiny_tr.txt", &e), 0, "%s", e.en);
    const char *t = f.data;
    size_t n = f.size;
    Spm a, b;
    cr_assert_eq(spm_train(&a, t, n, 400, NULL, &e), 0, "%s", e.en);
    cr_assert_eq(spm_train(&b, t, n, 400, NULL, &e), 0, "%s", e.en);
    cr_assert_eq(a.n, 400, "tiny_tr has enough repeated pairs to fill 400 pieces");
    cr_assert_eq(a.n, b.n);
    cr_assert_eq(a.off[a.n], b.off[b.n]);
    cr_assert(memcmp(a.text, b.text, a.off[a.n]) == 0);
    cr_assert(memcmp(a.score, b.score, (size_t)a.n * sizeof *a.score) == 0);
    roundtrip(&a, t, n);
    /* the vocabulary compresses: fewer tokens than characters */
    size_t k = spm_encode(&a, t, n, 0, 0, NULL, 0);
    cr_assert_lt(k * 3, n * 2, "%zu tokens for %zu bytes", k, n);
    spm_free(&a);
    spm_free(&b);
    tz_file_unmap(&f);
}

Test(spm_train, refusals)
{
    Spm s;
    TzErr e;
    cr_assert_eq(spm_train(&s, TR, strlen(TR), 100, NULL, &e), TZ_E_ARG);
    cr_assert(strstr(e.en, "260"), "%s", e.en);
    cr_assert_eq(s.n, 0);
    cr_assert_eq(spm_train(&s, "", 0, 1000, NULL, &e), TZ_E_ARG);
    spm_free(&s);
}

/* any bytes at all (NULs, line ends, broken UTF-8): the vocabulary learnt on them spells them
 * back exactly, by pieces or by bytes, as a plain text and as lines */
Test(spm_train, random_bytes_round_trip)
{
    static const char alphabet[] = "ab \n\x00\xC3\xA7\xC4\xB1\xE2\x96\x81\xFF\t";
    uint64_t r = 42;
    char t[3000];
    for (size_t i = 0; i < sizeof t; i++) {
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        t[i] = alphabet[(r >> 33) % (sizeof alphabet - 1)];
    }
    Spm s;
    TzErr e;
    cr_assert_eq(spm_train(&s, t, sizeof t, 320, NULL, &e), 0, "%s", e.en);
    cr_assert_eq(spm_id(&s, "", 1), -1, "NUL is never a piece (GGUF and tokenizer.bin could not hold it)");
    roundtrip(&s, t, sizeof t);
    size_t k = spm_encode_lines(&s, t, sizeof t, NULL, 0);
    int32_t *ids = malloc(k * sizeof *ids);
    spm_encode_lines(&s, t, sizeof t, ids, k);
    char *back = malloc(sizeof t + 16);
    cr_assert_eq(spm_decode(&s, ids, k, back, sizeof t + 16), sizeof t);
    cr_assert(memcmp(back, t, sizeof t) == 0);
    free(ids);
    free(back);
    spm_free(&s);
}
