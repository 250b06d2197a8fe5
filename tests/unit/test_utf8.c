/* test_utf8.c — UTF-8 decoding/encoding/validation, letter classes, Turkish-aware
 * lower-casing and the code-point edit distance (src/engine/core/utf8.c). */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

/* decode with the length taken from strlen (the byte strings below never hold NUL) */
static int dec(const char *s, uint32_t *cp) { return utf8_decode(s, strlen(s), cp); }

/* lower-case a NUL-terminated string into a fresh buffer of exactly 2n+1 bytes */
static char *lower(const char *s, TzLang lang)
{
    size_t n = strlen(s);
    char *out = malloc(2 * n + 1);
    cr_assert_not_null(out);
    size_t w = tz_lower(s, n, lang, out);
    cr_assert_eq(w, strlen(out), "returned length %zu, but strlen is %zu", w, strlen(out));
    return out;
}

static void check_lower(const char *in, TzLang lang, const char *want)
{
    char *got = lower(in, lang);
    cr_expect_str_eq(got, want, "tz_lower(\"%s\", %s) = \"%s\", want \"%s\"", in,
                     lang == TZ_LANG_TR ? "tr" : "en", got, want);
    free(got);
}

/* ---- decode / encode -------------------------------------------------------------- */

Test(utf8, round_trip_every_scalar_value)
{
    char buf[8];
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF) continue;
        int want = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        memset(buf, 0x55, sizeof buf);
        int k = utf8_encode(cp, buf);
        if (k != want) cr_assert_fail("encode(U+%04X) wrote %d bytes, want %d", cp, k, want);
        uint32_t back = 0;
        int d = utf8_decode(buf, (size_t)k, &back);
        if (d != k || back != cp)
            cr_assert_fail("decode(encode(U+%04X)) = U+%04X using %d bytes", cp, back, d);
        /* a truncated copy of a multi-byte sequence never decodes */
        if (k > 1 && utf8_decode(buf, (size_t)k - 1, &back) != 0)
            cr_assert_fail("truncated U+%04X decoded", cp);
    }
}

Test(utf8, known_byte_sequences)
{
    uint32_t cp;
    cr_assert_eq(dec("A", &cp), 1); cr_assert_eq(cp, 'A');
    cr_assert_eq(dec("\xC4\xB1", &cp), 2); cr_assert_eq(cp, 0x0131);           /* ı */
    cr_assert_eq(dec("\xC4\xB0", &cp), 2); cr_assert_eq(cp, 0x0130);           /* İ */
    cr_assert_eq(dec("\xE2\x82\xAC", &cp), 3); cr_assert_eq(cp, 0x20AC);       /* € */
    cr_assert_eq(dec("\xF0\x9F\x98\x80", &cp), 4); cr_assert_eq(cp, 0x1F600);  /* 😀 */
    cr_assert_eq(dec("\xF4\x8F\xBF\xBF", &cp), 4); cr_assert_eq(cp, 0x10FFFF); /* the last one */
    cr_assert_eq(dec("\xEF\xBF\xBD", &cp), 3); cr_assert_eq(cp, 0xFFFD);       /* a real U+FFFD */
    /* decoding only looks at the first character */
    cr_assert_eq(dec("\xC3\xA7" "abc", &cp), 2); cr_assert_eq(cp, 0xE7);
    char out[4];
    cr_assert_eq(utf8_encode(0x011F, out), 2);
    cr_assert_eq(memcmp(out, "\xC4\x9F", 2), 0);                               /* ğ */
    cr_assert_eq(utf8_encode(0x1D11E, out), 4);
    cr_assert_eq(memcmp(out, "\xF0\x9D\x84\x9E", 4), 0);                       /* 𝄞 */
}

static void check_rejected(const char *bytes, size_t n, const char *what)
{
    uint32_t cp = 0x1234;
    int k = utf8_decode(bytes, n, &cp);
    cr_expect_eq(k, 0, "%s: decoded with %d bytes", what, k);
    cr_expect_eq(cp, 0xFFFD, "%s: cp = U+%04X, want U+FFFD", what, cp);
}

Test(utf8, rejects_invalid_sequences)
{
    check_rejected("\xC0\x80", 2, "overlong NUL C0 80");
    check_rejected("\xC1\xBF", 2, "overlong C1 BF");
    check_rejected("\xE0\x80\x80", 3, "overlong E0 80 80");
    check_rejected("\xE0\x9F\xBF", 3, "overlong E0 9F BF (U+07FF)");
    check_rejected("\xF0\x8F\xBF\xBF", 4, "overlong F0 8F BF BF (U+FFFF)");
    check_rejected("\xED\xA0\x80", 3, "surrogate ED A0 80 (U+D800)");
    check_rejected("\xED\xBF\xBF", 3, "surrogate ED BF BF (U+DFFF)");
    check_rejected("\xF4\x90\x80\x80", 4, "U+110000");
    check_rejected("\xF7\xBF\xBF\xBF", 4, "F7 lead");
    check_rejected("\xF8\x88\x80\x80\x80", 5, "five-byte form");
    check_rejected("\xFE", 1, "FE");
    check_rejected("\xFF", 1, "FF");
    check_rejected("\x80", 1, "lone continuation 80");
    check_rejected("\xBF" "a", 2, "lone continuation BF");
    check_rejected("\xC3", 1, "truncated 2-byte");
    check_rejected("\xE2\x82", 2, "truncated 3-byte");
    check_rejected("\xF0\x9F\x98", 3, "truncated 4-byte");
    check_rejected("\xE2\x82" "A", 3, "3-byte cut by ASCII");
    check_rejected("\xC3\xC3\xA7", 3, "lead followed by a lead");
    check_rejected("", 0, "empty input");
    /* the edges just inside the valid ranges */
    uint32_t cp;
    cr_assert_eq(utf8_decode("\xC2\x80", 2, &cp), 2); cr_assert_eq(cp, 0x80);
    cr_assert_eq(utf8_decode("\xE0\xA0\x80", 3, &cp), 3); cr_assert_eq(cp, 0x800);
    cr_assert_eq(utf8_decode("\xED\x9F\xBF", 3, &cp), 3); cr_assert_eq(cp, 0xD7FF);
    cr_assert_eq(utf8_decode("\xEE\x80\x80", 3, &cp), 3); cr_assert_eq(cp, 0xE000);
    cr_assert_eq(utf8_decode("\xF0\x90\x80\x80", 4, &cp), 4); cr_assert_eq(cp, 0x10000);
}

/* ---- validate / length ------------------------------------------------------------- */

Test(utf8, validate_offsets)
{
    struct { const char *s; size_t n, want; } cases[] = {
        { "", 0, 0 },
        { "plain ascii", 11, 11 },
        { "\xC3\xA7" "ok", 4, 4 },                                     /* çok */
        { "abc\xC0\x80", 5, 3 },
        { "k\xC4\xB1tap\xFF", 7, 6 },                                  /* kıtap + FF */
        { "\xF0\x9D\x84\x9E" "x", 5, 5 },                              /* 𝄞x */
        { "ab\xE2\x82", 4, 2 },                                        /* truncated at end */
        { "ab\xED\xA0\x80" "cd", 7, 2 },                               /* surrogate */
        { "\x80", 1, 0 },
        /* past the eight-bytes-at-a-time fast path, and right on its boundaries */
        { "abcdefgh\x80", 9, 8 },
        { "abcdefghij\x80", 11, 10 },
        { "abcdefghijklmnop\xF4\x90\x80\x80", 20, 16 },
        { "abcdefg\xC3\xA7" "abcdefgh\xC3", 18, 17 },
        { "abcdefghijklmnopqrstuvwxyz0123456789", 36, 36 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t got = utf8_validate(cases[i].s, cases[i].n);
        cr_expect_eq(got, cases[i].want, "case %zu: validate = %zu, want %zu", i, got, cases[i].want);
    }
    /* a NUL byte is valid UTF-8 (tz_check_text rejects it separately) */
    cr_assert_eq(utf8_validate("a\0b", 3), 3);
}

Test(utf8, length_in_code_points)
{
    cr_assert_eq(utf8_length("", 0), 0);
    cr_assert_eq(utf8_length("kitap", 5), 5);
    cr_assert_eq(utf8_length("k\xC4\xB1tap", 6), 5);                               /* kıtap */
    cr_assert_eq(utf8_length("\xC3\x87\xC4\x9E\xC4\xB0\xC3\x96\xC5\x9E\xC3\x9C", 12), 6); /* ÇĞİÖŞÜ */
    cr_assert_eq(utf8_length("\xF0\x9F\x98\x80" "a", 5), 2);
    /* invalid bytes count one each */
    cr_assert_eq(utf8_length("a\xFF\xFE" "b", 4), 4);
    cr_assert_eq(utf8_length("\xE2\x82", 2), 2);
    cr_assert_eq(utf8_length("\xC0\x80", 2), 2);
}

/* ---- letter classes ----------------------------------------------------------------- */

Test(utf8, letter_classes)
{
    uint32_t letters[] = { 'a', 'Z', 0xE7 /* ç */, 0xC7, 0x011F /* ğ */, 0x0131 /* ı */,
                           0x0130 /* İ */, 0x015F /* ş */, 0xF6, 0xFC, 0xDF /* ß */,
                           0x03B1 /* α */, 0x03A9 /* Ω */, 0x0436 /* ж */, 0x0416 /* Ж */,
                           0x4E2D /* 中 */, 0x6587 /* 文 */, 0xD55C /* 한 */, 0x3042 /* あ */,
                           0x0628 /* ب */, 0x05D0 /* א */, 0x0915 /* क */ };
    for (size_t i = 0; i < sizeof letters / sizeof letters[0]; i++) {
        cr_expect(tz_is_letter(letters[i]), "U+%04X should be a letter", letters[i]);
        cr_expect(!tz_is_space(letters[i]), "U+%04X is not a space", letters[i]);
    }
    uint32_t symbols[] = { '!', '.', ',', '\'', '"', '-', '0', '9', ' ', '_', '@',
                           0x201C /* “ */, 0x201D /* ” */, 0x2014 /* — */, 0x2013 /* – */,
                           0x2026 /* … */, 0x20AC /* € */, 0x20BA /* ₺ */, 0xAB /* « */,
                           0xBB /* » */, 0xA9 /* © */, 0xD7 /* × */, 0xF7 /* ÷ */,
                           0x1F600 /* 😀 */, 0x1F44D /* 👍 */, 0x3002 /* 。 */,
                           0xFF0C /* ， */, 0xFFFD, 0x0301 /* combining acute */, 0xA0 };
    for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++)
        cr_expect(!tz_is_letter(symbols[i]), "U+%04X should not be a letter", symbols[i]);

    cr_assert(tz_is_mark(0x0301));
    cr_assert(tz_is_mark(0x0307));
    cr_assert(!tz_is_mark('e'));
    cr_assert(tz_is_digit('0') && tz_is_digit('9') && !tz_is_digit('a') && !tz_is_digit(0x0660));

    uint32_t spaces[] = { ' ', '\t', '\n', '\r', '\v', '\f', 0xA0 /* NBSP */, 0x202F,
                          0x2009 /* thin */, 0x3000 /* ideographic */, 0x2028, 0xFEFF };
    for (size_t i = 0; i < sizeof spaces / sizeof spaces[0]; i++)
        cr_expect(tz_is_space(spaces[i]), "U+%04X should be a space", spaces[i]);
    cr_assert(!tz_is_space('a') && !tz_is_space('_') && !tz_is_space(0));

    cr_assert(tz_is_apostrophe('\''));
    cr_assert(tz_is_apostrophe(0x2019));
    cr_assert(tz_is_apostrophe(0x02BC));
    cr_assert(tz_is_apostrophe(0x2018));
    cr_assert(!tz_is_apostrophe('"'));
    cr_assert(!tz_is_apostrophe('`'));
    cr_assert(!tz_is_apostrophe(0x201D));
    /* apostrophes are never letters, not even U+02BC (a modifier letter in Unicode):
     * the tokenizer must be able to split "Ankaraʼda" on it */
    cr_assert(!tz_is_letter(0x02BC));
    cr_assert(!tz_is_letter(0x2019));
}

/* ---- lower-casing ------------------------------------------------------------------ */

Test(utf8, lower_cp_turkish_i)
{
    cr_assert_eq(tz_lower_cp('I', TZ_LANG_TR), 0x0131);
    cr_assert_eq(tz_lower_cp('I', TZ_LANG_EN), 'i');
    cr_assert_eq(tz_lower_cp(0x0130, TZ_LANG_TR), 'i');
    cr_assert_eq(tz_lower_cp(0x0130, TZ_LANG_EN), 'i');
    cr_assert_eq(tz_lower_cp('i', TZ_LANG_TR), 'i');
    cr_assert_eq(tz_lower_cp(0x0131, TZ_LANG_TR), 0x0131);
    cr_assert_eq(tz_lower_cp(0x011E, TZ_LANG_EN), 0x011F);   /* Ğ */
    cr_assert_eq(tz_lower_cp(0x015E, TZ_LANG_EN), 0x015F);   /* Ş */
    cr_assert_eq(tz_lower_cp(0xC7, TZ_LANG_TR), 0xE7);       /* Ç */
    cr_assert_eq(tz_lower_cp(0xD7, TZ_LANG_TR), 0xD7);       /* × stays */
    cr_assert_eq(tz_lower_cp(0x0178, TZ_LANG_EN), 0xFF);     /* Ÿ */
    cr_assert_eq(tz_lower_cp(0x0419, TZ_LANG_EN), 0x0439);   /* Й */
    cr_assert_eq(tz_lower_cp(0x0401, TZ_LANG_EN), 0x0451);   /* Ё */
    cr_assert_eq(tz_lower_cp(0x03A3, TZ_LANG_EN), 0x03C3);   /* Σ */
    cr_assert_eq(tz_lower_cp('5', TZ_LANG_TR), '5');
    cr_assert_eq(tz_lower_cp(0x4E2D, TZ_LANG_TR), 0x4E2D);
}

Test(utf8, lower_turkish)
{
    check_lower("\xC4\xB0STANBUL", TZ_LANG_TR, "istanbul");                       /* İSTANBUL */
    check_lower("I\xC4\x9E" "DIR", TZ_LANG_TR, "\xC4\xB1\xC4\x9F" "d\xC4\xB1r");  /* IĞDIR → ığdır */
    check_lower("\xC3\x87\xC4\x9E\xC4\xB0\xC3\x96\xC5\x9E\xC3\x9C", TZ_LANG_TR,
                "\xC3\xA7\xC4\x9Fi\xC3\xB6\xC5\x9F\xC3\xBC");                    /* ÇĞİÖŞÜ → çğiöşü */
    check_lower("I", TZ_LANG_TR, "\xC4\xB1");
    check_lower("\xC4\xB1\xC4\xB0iI", TZ_LANG_TR, "\xC4\xB1ii\xC4\xB1");          /* ıİiI */
    check_lower("D\xC4\xB0YARBAKIR'DA", TZ_LANG_TR, "diyarbak\xC4\xB1r'da");
    check_lower("already lower 123", TZ_LANG_TR, "already lower 123");
    check_lower("", TZ_LANG_TR, "");
}

Test(utf8, lower_english_and_other_scripts)
{
    check_lower("I", TZ_LANG_EN, "i");
    check_lower("\xC4\xB0", TZ_LANG_EN, "i\xCC\x87");                             /* İ → i + U+0307 */
    check_lower("\xC4\xB0STANBUL", TZ_LANG_EN, "i\xCC\x87stanbul");
    check_lower("I\xC4\x9E" "DIR", TZ_LANG_EN, "i\xC4\x9F" "dir");
    check_lower("\xC3\x87\xC4\x9E\xC4\xB0\xC3\x96\xC5\x9E\xC3\x9C", TZ_LANG_EN,
                "\xC3\xA7\xC4\x9Fi\xCC\x87\xC3\xB6\xC5\x9F\xC3\xBC");
    check_lower("Hello WORLD", TZ_LANG_EN, "hello world");
    /* ΑΘΉΝΑ → αθήνα (Ή U+0389 → ή U+03AE) */
    check_lower("\xCE\x91\xCE\x98\xCE\x89\xCE\x9D\xCE\x91", TZ_LANG_EN,
                "\xCE\xB1\xCE\xB8\xCE\xAE\xCE\xBD\xCE\xB1");
    check_lower("\xCE\x91\xCE\x98\xCE\x89\xCE\x9D\xCE\x91", TZ_LANG_TR,
                "\xCE\xB1\xCE\xB8\xCE\xAE\xCE\xBD\xCE\xB1");
    /* МОСКВА → москва */
    check_lower("\xD0\x9C\xD0\x9E\xD0\xA1\xD0\x9A\xD0\x92\xD0\x90", TZ_LANG_EN,
                "\xD0\xBC\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0");
    /* Ώ Έ Ό → ώ έ ό */
    check_lower("\xCE\x8F\xCE\x88\xCE\x8C", TZ_LANG_EN, "\xCF\x8E\xCE\xAD\xCF\x8C");
    /* CJK and emoji pass through */
    check_lower("\xE4\xB8\xAD\xF0\x9F\x98\x80X", TZ_LANG_EN, "\xE4\xB8\xAD\xF0\x9F\x98\x80x");
}

Test(utf8, lower_copies_invalid_bytes)
{
    const char in[] = "A\xFF" "B\xC0\x80" "I\xE2\x82";
    const char want_tr[] = "a\xFF" "b\xC0\x80" "\xC4\xB1\xE2\x82";
    size_t n = sizeof in - 1;
    char *out = malloc(2 * n + 1);
    size_t w = tz_lower(in, n, TZ_LANG_TR, out);
    cr_assert_eq(w, sizeof want_tr - 1);
    cr_assert_eq(memcmp(out, want_tr, w), 0);
    cr_assert_eq(out[w], '\0');
    free(out);
}

Test(utf8, lower_output_bound_many_capital_i)
{
    /* Turkish I → ı doubles every byte: the 2n+1 buffer is filled to the last byte
     * (AddressSanitizer catches a write past it). */
    size_t n = 100000;
    char *in = malloc(n);
    memset(in, 'I', n);
    char *out = malloc(2 * n + 1);
    size_t w = tz_lower(in, n, TZ_LANG_TR, out);
    cr_assert_eq(w, 2 * n);
    cr_assert_eq(out[2 * n], '\0');
    for (size_t i = 0; i < n; i++)
        if (out[2 * i] != '\xC4' || out[2 * i + 1] != '\xB1') cr_assert_fail("byte pair %zu wrong", i);
    free(out);
    /* English İ (2 bytes) → i + U+0307 (3 bytes) stays inside the bound too */
    size_t m = n / 2;
    for (size_t i = 0; i < m; i++) { in[2 * i] = '\xC4'; in[2 * i + 1] = '\xB0'; }
    out = malloc(2 * n + 1);
    w = tz_lower(in, 2 * m, TZ_LANG_EN, out);
    cr_assert_eq(w, 3 * m);
    cr_assert_eq(memcmp(out, "i\xCC\x87", 3), 0);
    cr_assert_eq(memcmp(out + w - 3, "i\xCC\x87", 3), 0);
    free(out);
    free(in);
}

/* ---- edit distance ---------------------------------------------------------------- */

Test(utf8, edit_distance_values)
{
    struct { const char *a, *b; size_t want; } cases[] = {
        { "", "", 0 },
        { "", "abc", 3 },
        { "abc", "", 3 },
        { "kitap", "kitap", 0 },
        { "kitap", "k\xC4\xB1tap", 1 },                 /* i vs ı: one code point, two bytes */
        { "\xC5\x9F" "eker", "seker", 1 },              /* şeker / seker */
        { "\xC4\xB0stanbul", "istanbul", 1 },
        { "kitten", "sitting", 3 },
        { "anlogy", "analogy", 1 },                     /* one insertion */
        { "analgoy", "analogy", 1 },                    /* one transposition (go ↔ og) */
        { "ab", "ba", 1 },
        { "abcd", "badc", 2 },                          /* two transpositions */
        { "ca", "abc", 3 },                             /* OSA: 3 (unrestricted Damerau would say 2) */
        { "a\xF0\x9F\x98\x80" "b", "ab", 1 },           /* a 4-byte code point is one edit */
        { "\xF0\x9F\x98\x80", "\xF0\x9F\x98\x81", 1 },
        { "flaw", "lawn", 2 },
        { "sunday", "saturday", 3 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t d = utf8_edit_distance(cases[i].a, cases[i].b, 100);
        cr_expect_eq(d, cases[i].want, "d(\"%s\", \"%s\") = %zu, want %zu", cases[i].a, cases[i].b,
                     d, cases[i].want);
        size_t r = utf8_edit_distance(cases[i].b, cases[i].a, 100);
        cr_expect_eq(r, d, "not symmetric for case %zu", i);
    }
}

Test(utf8, edit_distance_cutoff)
{
    /* the exact value when it is within max, max+1 once it must exceed max */
    cr_assert_eq(utf8_edit_distance("kitten", "sitting", 3), 3);
    cr_assert_eq(utf8_edit_distance("kitten", "sitting", 2), 3);
    cr_assert_eq(utf8_edit_distance("kitten", "sitting", 1), 2);
    cr_assert_eq(utf8_edit_distance("kitten", "sitting", 0), 1);
    cr_assert_eq(utf8_edit_distance("same", "same", 0), 0);
    /* cut by the length difference alone */
    cr_assert_eq(utf8_edit_distance("a", "abcdef", 2), 3);
    /* cut by a row whose every cell is already above max */
    cr_assert_eq(utf8_edit_distance("abcdef", "uvwxyz", 2), 3);
    cr_assert_eq(utf8_edit_distance("abcdef", "uvwxyz", 6), 6);
    /* the cut-off never changes a distance that fits */
    cr_assert_eq(utf8_edit_distance("analgoy", "analogy", 1), 1);
    cr_assert_eq(utf8_edit_distance("ca", "abc", 2), 3);
}
