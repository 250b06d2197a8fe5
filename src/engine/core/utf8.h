/* utf8.h — UTF-8 decoding and validation, letter classes, and language-aware lower-casing.
 *
 * Everything in tezgah is UTF-8 (DESIGN.md §5). Lower-casing never goes through the C
 * locale's tolower(): it is a small table of our own, so that it behaves the same on every
 * machine, and it knows the one place where Turkish differs from the Unicode default:
 *     Turkish:  I → ı (dotless)   İ → i
 *     English:  I → i             İ → i + U+0307 (combining dot above, Unicode's default)
 * Everything else (Ç → ç, Ğ → ğ, Ş → ş, Ö → ö, Ü → ü, Greek, Cyrillic, …) is the same in both.
 */
#ifndef TZ_UTF8_H
#define TZ_UTF8_H

#include <stddef.h>
#include <stdint.h>

typedef enum { TZ_LANG_EN = 0, TZ_LANG_TR = 1 } TzLang;

/* Decode one code point from s[0..n). Returns the number of bytes used (1..4), or 0 if the
 * bytes there are not valid UTF-8 (bad lead byte, truncated sequence, overlong form,
 * surrogate, or beyond U+10FFFF); *cp is then U+FFFD. */
int utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Encode cp into out (at least 4 bytes); returns the number of bytes written. */
int utf8_encode(uint32_t cp, char *out);

/* Offset of the first invalid byte in s[0..n), or n when all of it is valid UTF-8. */
size_t utf8_validate(const char *s, size_t n);

/* Number of code points in a valid UTF-8 string (invalid bytes count one each). */
size_t utf8_length(const char *s, size_t n);

/* Classes used by the tokenizer. A "letter" is any alphabetic code point of any script;
 * marks (combining accents) continue a word; everything else that is not space is a symbol. */
int tz_is_letter(uint32_t cp);
int tz_is_mark(uint32_t cp);
int tz_is_digit(uint32_t cp);
int tz_is_space(uint32_t cp);
int tz_is_apostrophe(uint32_t cp); /* ' ’ ʼ ‘ — normalised to ASCII ' inside words */

/* Lower-case one code point (the simple mapping). For English İ this returns i; use
 * tz_lower() for the full mapping, which also appends the combining dot. */
uint32_t tz_lower_cp(uint32_t cp, TzLang lang);

/* Lower-case s[0..n) into out, which must hold 2*n+1 bytes (the largest growth is
 * Turkish I → ı, one byte to two). Invalid bytes are copied unchanged. Returns the length
 * written; out is NUL-terminated. */
size_t tz_lower(const char *s, size_t n, TzLang lang, char *out);



/* Turkish or English? Turkish if more than 0.5 % of the letters in s[0..n) are ones only
 * Turkish uses among the two (ğ Ğ ı İ ş Ş). Invalid bytes and non-letters are skipped. */
TzLang tz_guess_lang(const char *s, size_t n);

/* Damerau–Levenshtein distance (optimal string alignment) between two UTF-8 strings,
 * counted in code points, so that "kitap" vs "kıtap" is 1. Used for "did you mean …?".
 * Stops early and returns max+1 once the distance must exceed max. */
size_t utf8_edit_distance(const char *a, const char *b, size_t max);

#endif
