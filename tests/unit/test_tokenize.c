/* test_tokenize.c — the tokenizer rules of src/engine/core/tokenize.h. */
#include <criterion/criterion.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/tokenize.h"

static TokOptions opts(TzLang lang, int lower, int keep_punct, int split)
{
    TokOptions o = { .lang = lang, .lower = lower, .keep_punct = keep_punct, .split_apostrophe = split };
    return o;
}

/* Tokenize s and compare with the expected tokens (a NULL-terminated list). */
static void expect_tokens(const char *s, const TokOptions *o, ...)
{
    size_t n = 0;
    TokKind *kinds = NULL;
    char **toks = tz_tokens(s, strlen(s), o, &n, &kinds);
    cr_assert_not_null(toks);
    cr_assert_null(toks[n], "token array is not NULL-terminated");
    va_list ap;
    va_start(ap, o);
    size_t i = 0;
    const char *want;
    while ((want = va_arg(ap, const char *)) != NULL) {
        cr_expect(i < n, "\"%s\": token %zu missing, want \"%s\" (got %zu tokens)", s, i, want, n);
        if (i < n)
            cr_expect_str_eq(toks[i], want, "\"%s\": token %zu is \"%s\", want \"%s\"", s, i, toks[i], want);
        i++;
    }
    va_end(ap);
    cr_expect_eq(n, i, "\"%s\": %zu tokens, want %zu", s, n, i);
    /* the returned count agrees with tz_tokenize's own count */
    cr_expect_eq(tz_tokenize(s, strlen(s), o, NULL, NULL), n);
    free(kinds);
    tz_tokens_free(toks);
}

/* Tokenize s and compare the kinds (a string of W, N, P). */
static void expect_kinds(const char *s, const TokOptions *o, const char *want)
{
    size_t n = 0;
    TokKind *kinds = NULL;
    char **toks = tz_tokens(s, strlen(s), o, &n, &kinds);
    char got[64] = { 0 };
    for (size_t i = 0; i < n && i < sizeof got - 1; i++)
        got[i] = kinds[i] == TOK_WORD ? 'W' : kinds[i] == TOK_NUMBER ? 'N' : kinds[i] == TOK_PUNCT ? 'P' : '?';
    cr_expect_str_eq(got, want, "\"%s\": kinds %s, want %s", s, got, want);
    free(kinds);
    tz_tokens_free(toks);
}

Test(tokenize, punctuation_is_split)
{
    TokOptions o = opts(TZ_LANG_TR, 0, 1, 1);
    expect_tokens("Merhaba, d\xC3\xBCnya! Nas\xC4\xB1ls\xC4\xB1n?", &o,
                  "Merhaba", ",", "d\xC3\xBCnya", "!", "Nas\xC4\xB1ls\xC4\xB1n", "?", NULL);
    expect_kinds("Merhaba, d\xC3\xBCnya!", &o, "WPWP");
    /* a run of the same ASCII mark stays together, different marks do not */
    expect_tokens("Bekle... Ne?! Evet!!", &o, "Bekle", "...", "Ne", "?", "!", "Evet", "!!", NULL);
    expect_tokens("(a)[b]", &o, "(", "a", ")", "[", "b", "]", NULL);
    expect_tokens("U.S.A.", &o, "U", ".", "S", ".", "A", ".", NULL);
    /* non-ASCII symbols are one token each, even repeated */
    expect_tokens("\xE2\x80\x9CSöz\xE2\x80\x9D \xE2\x80\x94 son\xE2\x80\xA6\xE2\x80\xA6", &o,
                  "\xE2\x80\x9C", "Söz", "\xE2\x80\x9D", "\xE2\x80\x94", "son", "\xE2\x80\xA6",
                  "\xE2\x80\xA6", NULL);
    expect_tokens("hi\xF0\x9F\x98\x80there 5\xE2\x82\xAC", &o, "hi", "\xF0\x9F\x98\x80", "there", "5",
                  "\xE2\x82\xAC", NULL);
}

Test(tokenize, numbers)
{
    TokOptions o = opts(TZ_LANG_TR, 1, 1, 1);
    expect_tokens("pi 3.14 ve 1,000 ki\xC5\x9Fi saat 12:30", &o,
                  "pi", "3.14", "ve", "1,000", "ki\xC5\x9Fi", "saat", "12:30", NULL);
    expect_kinds("pi 3.14 ve 1,000 saat 12:30 7", &o, "WNWNWNN");
    /* a separator not followed by a digit is punctuation */
    expect_tokens("3.14. 1, 2: x.5", &o, "3.14", ".", "1", ",", "2", ":", "x", ".", "5", NULL);
    expect_tokens("1.2.3", &o, "1.2.3", NULL);
    /* digits followed by letters make one word */
    expect_tokens("2nd 10km mp3 1990s", &o, "2nd", "10km", "mp3", "1990s", NULL);
    expect_kinds("2nd 10km mp3 42", &o, "WWWN");
}

Test(tokenize, hyphens)
{
    TokOptions o = opts(TZ_LANG_TR, 1, 1, 1);
    expect_tokens("well-known Kuzey-G\xC3\xBCney", &o, "well-known", "kuzey-g\xC3\xBCney", NULL);
    expect_tokens("x - y", &o, "x", "-", "y", NULL);
    expect_tokens("end- -start", &o, "end", "-", "-", "start", NULL);
    expect_tokens("a--b", &o, "a", "--", "b", NULL);
    expect_tokens("1990-2000", &o, "1990-2000", NULL);
    expect_kinds("well-known 1990-2000", &o, "WN");
}

Test(tokenize, apostrophes_split)
{
    TokOptions o = opts(TZ_LANG_TR, 1, 1, 1);
    expect_tokens("T\xC3\xBCrkiye'de", &o, "t\xC3\xBCrkiye", "'de", NULL);
    expect_tokens("1990'larda", &o, "1990", "'larda", NULL);
    expect_kinds("1990'larda", &o, "NW");
    expect_tokens("don't", &o, "don", "'t", NULL);
    /* curly and modifier apostrophes are normalised to ASCII ' */
    expect_tokens("T\xC3\xBCrkiye\xE2\x80\x99" "de", &o, "t\xC3\xBCrkiye", "'de", NULL);
    expect_tokens("Ankara\xCA\xBC" "da", &o, "ankara", "'da", NULL);
    /* the suffix is lower-cased for the language: İZMİR'İN → izmir 'in */
    expect_tokens("\xC4\xB0ZM\xC4\xB0R'\xC4\xB0N", &o, "izmir", "'in", NULL);
    expect_tokens("IRAK'IN", &o, "\xC4\xB1rak", "'\xC4\xB1n", NULL);
    /* the suffix ends where the letters end */
    expect_tokens("Ali'nin, kedisi", &o, "ali", "'nin", ",", "kedisi", NULL);
}

Test(tokenize, apostrophes_kept_inside)
{
    TokOptions o = opts(TZ_LANG_TR, 1, 1, 0);
    expect_tokens("T\xC3\xBCrkiye'de", &o, "t\xC3\xBCrkiye'de", NULL);
    expect_tokens("1990'larda", &o, "1990'larda", NULL);
    expect_kinds("1990'larda", &o, "W");
    expect_tokens("T\xC3\xBCrkiye\xE2\x80\x99" "de", &o, "t\xC3\xBCrkiye'de", NULL);
    expect_tokens("Ankara\xCA\xBC" "da", &o, "ankara'da", NULL);
    expect_tokens("don't", &o, "don't", NULL);
}

Test(tokenize, quotes_are_punctuation)
{
    TokOptions o = opts(TZ_LANG_EN, 1, 1, 1);
    expect_tokens("'hello'", &o, "'", "hello", "'", NULL);
    expect_kinds("'hello'", &o, "PWP");
    expect_tokens("he said 'no' to 'em", &o, "he", "said", "'", "no", "'", "to", "'", "em", NULL);
    /* curly quotes around a word stay as they are (they are punctuation, not apostrophes) */
    expect_tokens("\xE2\x80\x98hi\xE2\x80\x99", &o, "\xE2\x80\x98", "hi", "\xE2\x80\x99", NULL);
    /* an apostrophe not followed by a letter is punctuation */
    expect_tokens("the dogs' bowl", &o, "the", "dogs", "'", "bowl", NULL);
    TokOptions c = tok_options_corpus(TZ_LANG_EN);
    expect_tokens("'hello' \xE2\x80\x98world\xE2\x80\x99", &c, "hello", "world", NULL);
}

Test(tokenize, options)
{
    cr_assert_eq(tok_options_corpus(TZ_LANG_TR).lang, TZ_LANG_TR);
    cr_assert_eq(tok_options_corpus(TZ_LANG_TR).lower, 1);
    cr_assert_eq(tok_options_corpus(TZ_LANG_TR).keep_punct, 0);
    cr_assert_eq(tok_options_corpus(TZ_LANG_TR).split_apostrophe, 1);
    /* keep_punct = 0 drops punctuation and does not count it */
    TokOptions drop = opts(TZ_LANG_EN, 0, 0, 1);
    expect_tokens("a, b. \xE2\x80\x94 c!!", &drop, "a", "b", "c", NULL);
    cr_assert_eq(tz_tokenize("...!!!", 6, &drop, NULL, NULL), 0);
    /* lower = 0 keeps the case, lower = 1 folds it for the language */
    TokOptions keep = opts(TZ_LANG_TR, 0, 1, 1);
    expect_tokens("\xC4\xB0stanbul I\xC4\x9E" "DIR", &keep, "\xC4\xB0stanbul", "I\xC4\x9E" "DIR", NULL);
    TokOptions tr = opts(TZ_LANG_TR, 1, 1, 1);
    expect_tokens("\xC4\xB0stanbul I\xC4\x9E" "DIR", &tr, "istanbul", "\xC4\xB1\xC4\x9F" "d\xC4\xB1r", NULL);
    TokOptions en = opts(TZ_LANG_EN, 1, 1, 1);
    expect_tokens("\xC4\xB0stanbul I\xC4\x9E" "DIR", &en, "i\xCC\x87stanbul", "i\xC4\x9F" "dir", NULL);
    /* punctuation is never lower-cased or normalised, only words are */
    expect_tokens("A \xE2\x80\x99 B", &tr, "a", "\xE2\x80\x99", "b", NULL);
}

Test(tokenize, scripts_marks_and_spaces)
{
    TokOptions o = opts(TZ_LANG_EN, 1, 1, 1);
    expect_tokens("\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0 \xE2\x80\x94 \xD1\x81\xD1\x82\xD0\xBE\xD0\xBB\xD0\xB8\xD1\x86\xD0\xB0",
                  &o, "\xD0\xBC\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0", "\xE2\x80\x94",
                  "\xD1\x81\xD1\x82\xD0\xBE\xD0\xBB\xD0\xB8\xD1\x86\xD0\xB0", NULL);   /* Москва — столица */
    expect_tokens("\xE4\xB8\xAD\xE6\x96\x87\xE3\x80\x82", &o, "\xE4\xB8\xAD\xE6\x96\x87", "\xE3\x80\x82", NULL);
    /* a combining mark continues the word */
    expect_tokens("cafe\xCC\x81 ok", &o, "cafe\xCC\x81", "ok", NULL);
    /* NBSP, thin space, ideographic space and tabs separate words */
    expect_tokens("a\xC2\xA0" "b\xE2\x80\x89" "c\xE3\x80\x80" "d\te\r\nf", &o, "a", "b", "c", "d", "e", "f", NULL);
    expect_tokens("", &o, NULL);
    expect_tokens("   \t  ", &o, NULL);
}

Test(tokenize, invalid_bytes_separate)
{
    TokOptions o = opts(TZ_LANG_EN, 0, 1, 1);
    expect_tokens("abc\xFF" "def\xC0\x80ghi", &o, "abc", "def", "ghi", NULL);
    expect_tokens("1\xFE" "2", &o, "1", "2", NULL);
    expect_tokens("\xE2\x82" "x\xED\xA0\x80y", &o, "x", "y", NULL);
    expect_tokens("\x80\x80\x80", &o, NULL);
    /* a real U+FFFD (valid bytes) is a symbol, not a separator */
    expect_tokens("a\xEF\xBF\xBD" "b", &o, "a", "\xEF\xBF\xBD", "b", NULL);
}

/* ---- offsets and early stop -------------------------------------------------------- */

typedef struct { size_t n; size_t off[16]; char text[16][32]; TokKind kind[16]; size_t stop_after; } Rec;

static int record(void *ud, const char *text, size_t len, TokKind kind, size_t offset)
{
    Rec *r = ud;
    cr_assert_eq(strlen(text), len, "text not NUL-terminated at len");
    if (r->n < 16) {
        r->off[r->n] = offset;
        r->kind[r->n] = kind;
        snprintf(r->text[r->n], sizeof r->text[0], "%s", text);
    }
    r->n++;
    return r->stop_after && r->n >= r->stop_after;
}

Test(tokenize, offsets)
{
    /* bytes: 2 spaces, "Ankara" 2..8, "’da" 8..13 (’ is 3 bytes), "," 13, " " 14, "3.5" 15 */
    const char *s = "  Ankara\xE2\x80\x99" "da, 3.5 \xC4\xB0zmir";
    TokOptions o = opts(TZ_LANG_TR, 1, 1, 1);
    Rec r = { 0 };
    size_t n = tz_tokenize(s, strlen(s), &o, record, &r);
    cr_assert_eq(n, 5);
    cr_assert_eq(r.n, 5);
    size_t want_off[] = { 2, 8, 13, 15, 19 };
    const char *want_text[] = { "ankara", "'da", ",", "3.5", "izmir" };
    TokKind want_kind[] = { TOK_WORD, TOK_WORD, TOK_PUNCT, TOK_NUMBER, TOK_WORD };
    for (size_t i = 0; i < 5; i++) {
        cr_expect_eq(r.off[i], want_off[i], "token %zu at %zu, want %zu", i, r.off[i], want_off[i]);
        cr_expect_str_eq(r.text[i], want_text[i]);
        cr_expect_eq(r.kind[i], want_kind[i]);
    }
    /* offsets are byte offsets into the input even when punctuation is dropped */
    o.keep_punct = 0;
    Rec r2 = { 0 };
    cr_assert_eq(tz_tokenize(s, strlen(s), &o, record, &r2), 4);
    cr_expect_eq(r2.off[2], 15);
    cr_expect_eq(r2.off[3], 19);
}

Test(tokenize, early_stop)
{
    const char *s = "bir iki \xC3\xBC\xC3\xA7 d\xC3\xB6rt";
    TokOptions o = opts(TZ_LANG_TR, 1, 1, 1);
    Rec r = { .stop_after = 2 };
    cr_assert_eq(tz_tokenize(s, strlen(s), &o, record, &r), 2);
    cr_assert_eq(r.n, 2);
    cr_assert_str_eq(r.text[1], "iki");
    /* stopping on the stem does not emit the split suffix after it */
    Rec r3 = { .stop_after = 1 };
    cr_assert_eq(tz_tokenize("Ali'nin kedisi", 14, &o, record, &r3), 1);
    cr_assert_eq(r3.n, 1);
    cr_assert_str_eq(r3.text[0], "ali");
}

/* ---- big inputs ------------------------------------------------------------------ */

typedef struct { size_t n, total_len, max_len; int bad; } Tally;

static int tally(void *ud, const char *text, size_t len, TokKind kind, size_t offset)
{
    (void)offset;
    Tally *t = ud;
    t->n++;
    t->total_len += len;
    if (len > t->max_len) t->max_len = len;
    if (kind != TOK_WORD || text[len] != '\0') t->bad = 1;
    return 0;
}

Test(tokenize, ten_megabyte_word, .timeout = 60)
{
    size_t n = 10u << 20;
    char *s = malloc(n);
    memset(s, 'a', n);
    TokOptions o = tok_options_corpus(TZ_LANG_TR);
    Tally t = { 0 };
    cr_assert_eq(tz_tokenize(s, n, &o, tally, &t), 1);
    cr_assert_eq(t.n, 1);
    cr_assert_eq(t.max_len, n);
    cr_assert_eq(t.bad, 0);
    /* Turkish capital I doubles in size when lower-cased: the scratch buffer must grow */
    memset(s, 'I', n);
    Tally u = { 0 };
    cr_assert_eq(tz_tokenize(s, n, &o, tally, &u), 1);
    cr_assert_eq(u.max_len, 2 * n);
    free(s);
}

Test(tokenize, ten_megabytes_of_words, .timeout = 60)
{
    /* "ab şu " repeated: 7 bytes, two words; then a final word without a trailing space */
    const char unit[] = "ab \xC5\x9Fu ";
    size_t ulen = sizeof unit - 1, reps = (10u << 20) / ulen;
    size_t n = reps * ulen + 3;
    char *s = malloc(n);
    for (size_t i = 0; i < reps; i++) memcpy(s + i * ulen, unit, ulen);
    memcpy(s + reps * ulen, "son", 3);
    TokOptions o = tok_options_corpus(TZ_LANG_TR);
    Tally t = { 0 };
    size_t count = tz_tokenize(s, n, &o, tally, &t);
    cr_assert_eq(count, 2 * reps + 1);
    cr_assert_eq(t.n, 2 * reps + 1);
    cr_assert_eq(t.total_len, reps * 5 + 3);
    cr_assert_eq(t.max_len, 3);
    cr_assert_eq(t.bad, 0);
    free(s);
}
