/* utf8.c — see utf8.h. Tables are written out from the Unicode charts by range. */
#include "utf8.h"
#include "err.h"

#include <stdlib.h>
#include <string.h>

int utf8_decode(const char *str, size_t n, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    *cp = 0xFFFD;
    if (n == 0) return 0;
    unsigned c = s[0];
    if (c < 0x80) { *cp = c; return 1; }
    int len;
    uint32_t v, min;
    if ((c & 0xE0) == 0xC0)      { len = 2; v = c & 0x1F; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { len = 3; v = c & 0x0F; min = 0x800; }
    else if ((c & 0xF8) == 0xF0) { len = 4; v = c & 0x07; min = 0x10000; }
    else return 0;                              /* continuation byte or 0xF8..0xFF as lead */
    if ((size_t)len > n) return 0;              /* truncated */
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min) return 0;                      /* overlong: the same value in fewer bytes */
    if (v > 0x10FFFF) return 0;
    if (v >= 0xD800 && v <= 0xDFFF) return 0;   /* UTF-16 surrogates are not characters */
    *cp = v;
    return len;
}

int utf8_encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) { o[0] = (unsigned char)cp; return 1; }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t utf8_validate(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        /* Fast path: eight ASCII bytes at a time are the common case in corpora. */
        while (i + 8 <= n) {
            const unsigned char *p = (const unsigned char *)s + i;
            if ((p[0] | p[1] | p[2] | p[3] | p[4] | p[5] | p[6] | p[7]) & 0x80) break;
            i += 8;
        }
        if (i >= n) break;
        uint32_t cp;
        int k = utf8_decode(s + i, n - i, &cp);
        if (k == 0) return i;
        i += (size_t)k;
    }
    return n;
}

size_t utf8_length(const char *s, size_t n)
{
    size_t i = 0, count = 0;
    while (i < n) {
        uint32_t cp;
        int k = utf8_decode(s + i, n - i, &cp);
        i += k ? (size_t)k : 1;
        count++;
    }
    return count;
}

int tz_is_digit(uint32_t cp) { return cp >= '0' && cp <= '9'; }

int tz_is_space(uint32_t cp)
{
    return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 ||
           cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x2028 || cp == 0x2029 ||
           cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

int tz_is_mark(uint32_t cp)
{
    return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x0483 && cp <= 0x0489) ||
           (cp >= 0x0591 && cp <= 0x05BD) || (cp >= 0x064B && cp <= 0x065F) ||
           (cp >= 0x1AB0 && cp <= 0x1AFF) || (cp >= 0x1DC0 && cp <= 0x1DFF) ||
           (cp >= 0x20D0 && cp <= 0x20FF) || (cp >= 0xFE00 && cp <= 0xFE0F) ||
           (cp >= 0xFE20 && cp <= 0xFE2F) || cp == 0x200C || cp == 0x200D;
}

int tz_is_apostrophe(uint32_t cp)
{
    return cp == '\'' || cp == 0x2019 || cp == 0x02BC || cp == 0x2018;
}

/* Punctuation and symbol blocks outside ASCII. Anything >= 0x80 that is not listed here, not
 * a mark and not a space is taken as a letter: scripts are large, symbol blocks are few. */
static int is_symbol_block(uint32_t cp)
{
    if (cp < 0xC0) return !(cp == 0xAA || cp == 0xB5 || cp == 0xBA);
    if (cp == 0xD7 || cp == 0xF7) return 1;                       /* × ÷ */
    if (cp == 0x037E || cp == 0x0387) return 1;                   /* Greek ; · */
    if ((cp >= 0x055A && cp <= 0x055F) || cp == 0x0589 || cp == 0x05BE || cp == 0x05C0 ||
        cp == 0x05C3 || cp == 0x05F3 || cp == 0x05F4 || cp == 0x060C || cp == 0x061B ||
        cp == 0x061F || (cp >= 0x066A && cp <= 0x066D) || cp == 0x06D4 ||
        cp == 0x0964 || cp == 0x0965 || cp == 0x0E4F || cp == 0x0E5A || cp == 0x0E5B)
        return 1;
    if (cp >= 0x2000 && cp <= 0x2BFF) return 1;  /* punctuation, currency, arrows, maths, boxes */
    if (cp >= 0x2E00 && cp <= 0x2E7F) return 1;  /* supplemental punctuation */
    if (cp >= 0x3000 && cp <= 0x303F) return 1;  /* CJK punctuation */
    if (cp >= 0xE000 && cp <= 0xF8FF) return 1;  /* private use */
    if (cp >= 0xFE10 && cp <= 0xFE1F) return 1;
    if (cp >= 0xFE30 && cp <= 0xFE6F) return 1;
    if ((cp >= 0xFF00 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) ||
        (cp >= 0xFF3B && cp <= 0xFF40) || (cp >= 0xFF5B && cp <= 0xFF65))
        return 1;                                 /* full-width ASCII punctuation */
    if (cp >= 0xFFF0 && cp <= 0xFFFF) return 1;  /* specials, U+FFFD among them */
    if (cp >= 0x1F000 && cp <= 0x1FAFF) return 1; /* emoji and pictographs */
    return 0;
}

int tz_is_letter(uint32_t cp)
{
    if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
    /* U+02BC ʼ is a modifier letter in Unicode, but we treat it as the apostrophe it is
     * used as ("Ankaraʼda"): were it a letter, the tokenizer would never split on it. */
    if (tz_is_space(cp) || tz_is_mark(cp) || tz_is_apostrophe(cp)) return 0;
    return !is_symbol_block(cp);
}

uint32_t tz_lower_cp(uint32_t cp, TzLang lang)
{
    if (cp < 0x80) {
        if (cp == 'I' && lang == TZ_LANG_TR) return 0x0131;           /* I → ı */
        return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
    }
    if (cp == 0x0130) return 'i';                                     /* İ → i */
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 32;       /* À..Þ (Ç Ö Ü) */
    if (cp >= 0x0100 && cp <= 0x0137) return cp | 1;                  /* Ā..ķ pairs (Ğ) */
    if (cp >= 0x0139 && cp <= 0x0148) return (cp & 1) ? cp + 1 : cp;  /* Ĺ..ň */
    if (cp >= 0x014A && cp <= 0x0177) return cp | 1;                  /* Ŋ..ŷ pairs (Ş) */
    if (cp == 0x0178) return 0xFF;                                    /* Ÿ → ÿ */
    if (cp >= 0x0179 && cp <= 0x017E) return (cp & 1) ? cp + 1 : cp;  /* Ź..ž */
    if (cp >= 0x01CD && cp <= 0x01DC) return (cp & 1) ? cp + 1 : cp;  /* Ǎ..ǜ */
    if (cp >= 0x01DE && cp <= 0x01EF) return cp | 1;
    if (cp >= 0x01F8 && cp <= 0x021F) return cp | 1;                  /* Ǹ..ȟ (Ș Ț) */
    if (cp == 0x0386) return 0x03AC;                                  /* Greek with tonos */
    if (cp >= 0x0388 && cp <= 0x038A) return cp + 37;
    if (cp == 0x038C) return 0x03CC;
    if (cp == 0x038E || cp == 0x038F) return cp + 63;
    if (cp >= 0x0391 && cp <= 0x03AB && cp != 0x03A2) return cp + 32; /* Α..Ϋ */
    if (cp >= 0x0400 && cp <= 0x040F) return cp + 80;                 /* Ѐ..Џ */
    if (cp >= 0x0410 && cp <= 0x042F) return cp + 32;                 /* А..Я */
    if ((cp >= 0x0460 && cp <= 0x0481) || (cp >= 0x048A && cp <= 0x04BF)) return cp | 1;
    if ((cp >= 0x1E00 && cp <= 0x1E95) || (cp >= 0x1EA0 && cp <= 0x1EFF)) return cp | 1;
    return cp;
}

size_t tz_lower(const char *s, size_t n, TzLang lang, char *out)
{
    size_t i = 0, o = 0;
    while (i < n) {
        uint32_t cp;
        int k = utf8_decode(s + i, n - i, &cp);
        if (k == 0) { out[o++] = s[i++]; continue; }  /* keep invalid bytes as they are */
        if (cp == 0x0130 && lang == TZ_LANG_EN) {      /* Unicode's full mapping: i + ◌̇ */
            out[o++] = 'i';
            o += (size_t)utf8_encode(0x0307, out + o);
        } else {
            o += (size_t)utf8_encode(tz_lower_cp(cp, lang), out + o);
        }
        i += (size_t)k;
    }
    out[o] = '\0';
    return o;
}

/* Decode a whole string into code points (malloc'd). */
static uint32_t *decode_all(const char *s, size_t *n)
{
    size_t len = strlen(s), k = 0;
    uint32_t *cps = tz_malloc((len + 1) * sizeof *cps);
    for (size_t i = 0; i < len;) {
        int step = utf8_decode(s + i, len - i, &cps[k++]);
        i += step ? (size_t)step : 1;
    }
    *n = k;
    return cps;
}

size_t utf8_edit_distance(const char *a, const char *b, size_t max)
{
    size_t n, m;
    uint32_t *x = decode_all(a, &n), *y = decode_all(b, &m);
    size_t result;
    if ((n > m ? n - m : m - n) > max) { result = max + 1; goto done; }
    /* Three rows of the dynamic-programming table: d[i][j] = distance of x[0..i), y[0..j). */
    size_t *prev2 = tz_malloc((m + 1) * sizeof(size_t)), *prev = tz_malloc((m + 1) * sizeof(size_t)),
           *cur = tz_malloc((m + 1) * sizeof(size_t));
    for (size_t j = 0; j <= m; j++) prev[j] = j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = i;
        size_t row_min = cur[0];
        for (size_t j = 1; j <= m; j++) {
            size_t cost = x[i - 1] != y[j - 1];
            size_t v = prev[j] + 1;                          /* deletion */
            if (cur[j - 1] + 1 < v) v = cur[j - 1] + 1;      /* insertion */
            if (prev[j - 1] + cost < v) v = prev[j - 1] + cost; /* substitution */
            if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] && prev2[j - 2] + 1 < v)
                v = prev2[j - 2] + 1;                        /* transposition */
            cur[j] = v;
            if (v < row_min) row_min = v;
        }
        size_t *t = prev2; prev2 = prev; prev = cur; cur = t;
        if (row_min > max) { free(prev2); free(prev); free(cur); result = max + 1; goto done; }
    }
    result = prev[m] > max ? max + 1 : prev[m];
    free(prev2); free(prev); free(cur);
done:
    free(x);
    free(y);
    return result;
}

TzLang tz_guess_lang(const char *s, size_t n)
{
    size_t tr = 0, letters = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        int k = utf8_decode(s + i, n - i, &cp);
        i += k ? (size_t)k : 1;
        if (!tz_is_letter(cp)) continue;
        letters++;
        tr += cp == 0x011E || cp == 0x011F || cp == 0x0130 || cp == 0x0131 || cp == 0x015E || cp == 0x015F;
    }
    return (letters > 0 && tr * 200 > letters) ? TZ_LANG_TR : TZ_LANG_EN;
}
