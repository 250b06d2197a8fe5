/* safetensors.c — see safetensors.h. */
#include "formats/safetensors.h"

#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#error "safetensors.c reads and writes little-endian floats with memcpy: add byte swaps for big-endian"
#endif

/* ---- dtypes --------------------------------------------------------------------------- */

static const char *const dtype_names[ST_NDTYPES] = {"F64", "F32", "F16", "BF16", "I64", "I32", "I16", "I8",
                                                    "U64", "U32", "U16", "U8", "BOOL", "F8_E4M3", "F8_E5M2"};
static const unsigned char dtype_sizes[ST_NDTYPES] = {8, 4, 2, 2, 8, 4, 2, 1, 8, 4, 2, 1, 1, 1, 1};

const char *st_dtype_name(StDtype d) { return (unsigned)d < ST_NDTYPES ? dtype_names[d] : "?"; }
size_t st_dtype_size(StDtype d) { return (unsigned)d < ST_NDTYPES ? dtype_sizes[d] : 0; }

/* IEEE half precision (1 sign, 5 exponent, 10 mantissa bits) to float, exactly: every half is
 * a float. Normal numbers rebias the exponent (15 → 127); subnormals (exponent 0) are
 * mantissa · 2⁻²⁴; exponent 31 is ±inf (mantissa 0) or NaN. */
static float half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16, exp = (h >> 10) & 0x1Fu, man = h & 0x3FFu, bits;
    if (exp == 0x1F) bits = sign | 0x7F800000u | (man << 13);
    else if (exp != 0) bits = sign | ((exp + 112u) << 23) | (man << 13);
    else {
        float f = (float)man * 5.9604644775390625e-8f;   /* 2⁻²⁴, exact */
        return sign ? -f : f;
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

int st_convert(StDtype d, const unsigned char *src, size_t count, float *out)
{
    switch (d) {
    case ST_F32:
        memcpy(out, src, count * 4);            /* the host is little-endian (checked above) */
        return 0;
    case ST_F16:
        for (size_t i = 0; i < count; i++) out[i] = half_to_float((uint16_t)(src[2 * i] | src[2 * i + 1] << 8));
        return 0;
    case ST_BF16:
        /* bfloat16 is the top half of a float32: shift it back into place */
        for (size_t i = 0; i < count; i++) {
            uint32_t bits = (uint32_t)(src[2 * i] | src[2 * i + 1] << 8) << 16;
            memcpy(&out[i], &bits, 4);
        }
        return 0;
    default:
        return -1;
    }
}

int st_check_float(const StFile *f, const StTensor *t, TzErr *e)
{
    if (t->dtype != ST_F32 && t->dtype != ST_F16 && t->dtype != ST_BF16)
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s': '%s' tensörü %s türünde; yalnızca F32, F16 ve BF16 okunabiliyor. Ağırlıkları "
                       "bunlardan birine çevirip yeniden kaydedin.",
                       "'%s': tensor '%s' is %s; only F32, F16 and BF16 can be read. Convert the weights to "
                       "one of them and save them again.",
                       f->name, t->name, st_dtype_name(t->dtype));
    return 0;
}

int st_read_f32(const StFile *f, const StTensor *t, size_t first, size_t count, float *out, TzErr *e)
{
    TZ_ASSERT(first <= t->count && count <= t->count - first);
    int rc = st_check_float(f, t, e);
    if (rc) return rc;
    st_convert(t->dtype, t->data + first * st_dtype_size(t->dtype), count, out);
    return 0;
}

/* ---- a strict JSON reader for the header ---------------------------------------------- */

/* The cursor over the header's n bytes; positions in messages are bytes of the file (8 + i). */
typedef struct {
    const char *s;
    size_t n, i;
    const char *file;
    TzErr *e;
} Js;

#define MAX_DEPTH 32

static void ws(Js *j)
{
    while (j->i < j->n && (j->s[j->i] == ' ' || j->s[j->i] == '\t' || j->s[j->i] == '\n' || j->s[j->i] == '\r'))
        j->i++;
}

/* What is at the cursor, for messages: "'x'" or "the end of the header". */
static void near(const Js *j, char *tr, char *en, size_t cap)
{
    if (j->i >= j->n) {
        snprintf(tr, cap, "başlığın sonu");
        snprintf(en, cap, "the end of the header");
    } else {
        unsigned char c = (unsigned char)j->s[j->i];
        if (c >= 0x20 && c < 0x7F) snprintf(tr, cap, "'%c'", c), snprintf(en, cap, "'%c'", c);
        else snprintf(tr, cap, "0x%02X baytı", c), snprintf(en, cap, "byte 0x%02X", c);
    }
}

/* A message whose arguments differ by language (what was expected, what was found): tz_errf
 * runs twice, once with the Turkish arguments and once with the English ones, and keeps the
 * half each run got right. */
static int expected2(Js *j, const char *what_tr, const char *what_en)
{
    char ftr[32], fen[32], keep[sizeof j->e->tr];
    near(j, ftr, fen, sizeof ftr);
    for (int pass = 0; pass < 2; pass++) {
        tz_errf(j->e, TZ_E_FORMAT,
                "'%s': başlık geçerli JSON değil: %zu. baytta %s bekleniyordu, %s var. Dosya bozuk ya da "
                "safetensors değil.",
                "'%s': the header is not valid JSON: at byte %zu, %s expected, %s found. The file is "
                "damaged or not safetensors.",
                j->file, 8 + j->i, pass ? what_en : what_tr, pass ? fen : ftr);
        if (j->e && pass == 0) memcpy(keep, j->e->tr, sizeof keep);
    }
    if (j->e) memcpy(j->e->tr, keep, sizeof keep);
    return TZ_E_FORMAT;
}

/* expected punctuation ("'{'") reads the same in both languages, except the word between two
 * choices: "',' or '}'" is "',' ya da '}'" in Turkish */
static int expected(Js *j, const char *what)
{
    char tr[48];
    const char *o = strstr(what, " or ");
    if (o) snprintf(tr, sizeof tr, "%.*s ya da %s", (int)(o - what), what, o + 4);
    return expected2(j, o ? tr : what, what);
}

static int expect_char(Js *j, char c, const char *what)
{
    ws(j);
    if (j->i < j->n && j->s[j->i] == c) {
        j->i++;
        return 0;
    }
    return expected(j, what);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int hex4(Js *j, uint32_t *v)
{
    if (j->n - j->i < 4) return -1;
    *v = 0;
    for (int k = 0; k < 4; k++) {
        int h = hexval(j->s[j->i + k]);
        if (h < 0) return -1;
        *v = *v << 4 | (uint32_t)h;
    }
    j->i += 4;
    return 0;
}

/* A JSON string at the cursor (after whitespace). With out, its decoded bytes are returned in a
 * malloc'd NUL-ended string (and *len); without, it is only checked and skipped. Control bytes
 * must be escaped, every escape must be one of JSON's, \u surrogates must pair, and the
 * decoded text must hold no NUL (we keep names as C strings). */
static int string(Js *j, char **out, size_t *len)
{
    ws(j);
    if (j->i >= j->n || j->s[j->i] != '"') return expected(j, "'\"'");
    size_t start = ++j->i;
    char *buf = NULL;
    size_t k = 0;
    /* the decoded text is never longer than the raw one: find the end first, then size it */
    size_t end = start;
    while (end < j->n && j->s[end] != '"') end += j->s[end] == '\\' ? 2 : 1;
    if (end >= j->n) {
        j->i = j->n;
        return tz_errf(j->e, TZ_E_FORMAT,
                       "'%s': başlıkta %zu. baytta açılan bir dizgi kapanmıyor. Dosya yarım kalmış ya da bozuk.",
                       "'%s': a string opened at byte %zu of the header never closes. The file is truncated or "
                       "damaged.",
                       j->file, 8 + start - 1);
    }
    if (out) buf = tz_malloc(end - start + 1);
    while (j->i < end) {
        unsigned char c = (unsigned char)j->s[j->i];
        if (c < 0x20) {
            free(buf);
            return expected2(j, "kaçışlı (\\u00XX) bir denetim karakteri",
                             "an escaped (\\u00XX) control character");
        }
        if (c != '\\') {
            if (buf) buf[k++] = (char)c;
            j->i++;
            continue;
        }
        j->i++;
        char x = j->s[j->i++];
        char rep = 0;
        switch (x) {
        case '"': rep = '"'; break;
        case '\\': rep = '\\'; break;
        case '/': rep = '/'; break;
        case 'b': rep = '\b'; break;
        case 'f': rep = '\f'; break;
        case 'n': rep = '\n'; break;
        case 'r': rep = '\r'; break;
        case 't': rep = '\t'; break;
        case 'u': {
            uint32_t cp, lo;
            if (hex4(j, &cp)) goto bad_escape;
            if (cp >= 0xD800 && cp <= 0xDBFF) {          /* a high surrogate: a low one must follow */
                if (j->n - j->i < 6 || j->s[j->i] != '\\' || j->s[j->i + 1] != 'u') goto bad_escape;
                j->i += 2;
                if (hex4(j, &lo) || lo < 0xDC00 || lo > 0xDFFF) goto bad_escape;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                goto bad_escape;
            }
            if (cp == 0) goto bad_escape;
            char u[4];
            int m = utf8_encode(cp, u);
            if (buf) memcpy(buf + k, u, (size_t)m), k += (size_t)m;   /* ≤ 6 raw bytes gave ≤ 4 */
            continue;
        }
        default:
            goto bad_escape;
        }
        if (buf) buf[k++] = rep;
    }
    j->i = end + 1;
    if (buf) {
        buf[k] = '\0';
        *out = buf;
        if (len) *len = k;
    }
    return 0;
bad_escape:
    free(buf);
    return tz_errf(j->e, TZ_E_FORMAT,
                   "'%s': başlıkta %zu. bayttaki dizgide geçersiz bir kaçış dizisi (\\) var.",
                   "'%s': the string at byte %zu of the header holds an invalid escape (\\).", j->file,
                   8 + start - 1);
}

/* A non-negative integer (digits only: no sign, fraction or exponent; no leading zeros; < 2⁶³). */
static int uinteger(Js *j, uint64_t *v, const char *what)
{
    ws(j);
    size_t s = j->i;
    uint64_t x = 0;
    while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9') {
        unsigned d = (unsigned)(j->s[j->i] - '0');
        if (x > (((uint64_t)1 << 63) - 1 - d) / 10)
            return tz_errf(j->e, TZ_E_FORMAT, "'%s': başlıkta %zu. bayttaki %s çok büyük (2^63 ya da üstü).",
                           "'%s': at byte %zu of the header, the %s is too large (2^63 or more).", j->file,
                           8 + s, what);
        x = x * 10 + d;
        j->i++;
    }
    int more = j->i < j->n && (j->s[j->i] == '.' || j->s[j->i] == 'e' || j->s[j->i] == 'E');
    if (j->i == s || more || (j->i - s > 1 && j->s[s] == '0')) {
        if (!more) j->i = s;   /* point at the '.' or 'e' of "1.5", else at the start */
        char tr[96], en[96];
        snprintf(tr, sizeof tr, "%s için negatif olmayan bir tamsayı", what);
        snprintf(en, sizeof en, "a non-negative integer (%s)", what);
        return expected2(j, tr, en);
    }
    *v = x;
    return 0;
}

/* Skip any JSON value (for keys we do not use), at most MAX_DEPTH arrays/objects deep. */
static int skip_value(Js *j, int depth)
{
    ws(j);
    if (j->i >= j->n) return expected2(j, "bir değer", "a value");
    char c = j->s[j->i];
    if (c == '"') return string(j, NULL, NULL);
    if (c == '{' || c == '[') {
        if (depth >= MAX_DEPTH)
            return tz_errf(j->e, TZ_E_FORMAT,
                           "'%s': başlıkta %zu. baytta iç içe %d düzeyden derin bir değer var; böyle bir "
                           "başlık safetensors değil.",
                           "'%s': at byte %zu, the header nests values more than %d levels deep; no "
                           "safetensors header does that.",
                           j->file, 8 + j->i, MAX_DEPTH);
        char close = c == '{' ? '}' : ']';
        j->i++;
        ws(j);
        if (j->i < j->n && j->s[j->i] == close) {
            j->i++;
            return 0;
        }
        for (;;) {
            if (c == '{') {
                if (string(j, NULL, NULL) || expect_char(j, ':', "':'")) return TZ_E_FORMAT;
            }
            if (skip_value(j, depth + 1)) return TZ_E_FORMAT;
            ws(j);
            if (j->i < j->n && j->s[j->i] == ',') {
                j->i++;
                continue;
            }
            return expect_char(j, close, close == '}' ? "',' or '}'" : "',' or ']'");
        }
    }
    /* a number: -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)? */
    if (c == '-' || (c >= '0' && c <= '9')) {
        size_t s = j->i;
        if (c == '-') j->i++;
        size_t d0 = j->i;
        while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9') j->i++;
        if (j->i == d0 || (j->i - d0 > 1 && j->s[d0] == '0')) goto bad_number;
        if (j->i < j->n && j->s[j->i] == '.') {
            size_t f0 = ++j->i;
            while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9') j->i++;
            if (j->i == f0) goto bad_number;
        }
        if (j->i < j->n && (j->s[j->i] == 'e' || j->s[j->i] == 'E')) {
            j->i++;
            if (j->i < j->n && (j->s[j->i] == '+' || j->s[j->i] == '-')) j->i++;
            size_t e0 = j->i;
            while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9') j->i++;
            if (j->i == e0) goto bad_number;
        }
        return 0;
    bad_number:
        j->i = s;
        return expected2(j, "bir sayı", "a number");
    }
    static const char *const words[3] = {"true", "false", "null"};
    for (int w = 0; w < 3; w++) {
        size_t l = strlen(words[w]);
        if (j->n - j->i >= l && memcmp(j->s + j->i, words[w], l) == 0) {
            j->i += l;
            return 0;
        }
    }
    return expected2(j, "bir değer", "a value");
}

/* ---- the header ----------------------------------------------------------------------- */

static void push_tensor(StFile *f, int *cap, StTensor *t)
{
    if (f->n == *cap) {
        *cap = *cap ? 2 * *cap : 64;
        f->t = tz_realloc(f->t, (size_t)*cap * sizeof *f->t);
    }
    f->t[f->n++] = *t;
}

/* "dtype": "F32" → the enum, or an error naming the dtype and the tensor */
static int parse_dtype(Js *j, const char *tname, StDtype *d)
{
    char *s;
    if (string(j, &s, NULL)) return TZ_E_FORMAT;
    for (int k = 0; k < ST_NDTYPES; k++)
        if (strcmp(s, dtype_names[k]) == 0) {
            *d = (StDtype)k;
            free(s);
            return 0;
        }
    tz_errf(j->e, TZ_E_FORMAT,
            "'%s': '%s' tensörünün türü '%.40s' bilinmiyor (safetensors'ın türleri: F64 F32 F16 BF16 I64 I32 "
            "I16 I8 U64 U32 U16 U8 BOOL F8_E4M3 F8_E5M2).",
            "'%s': tensor '%s' has an unknown dtype '%.40s' (safetensors' dtypes: F64 F32 F16 BF16 I64 I32 I16 "
            "I8 U64 U32 U16 U8 BOOL F8_E4M3 F8_E5M2).",
            j->file, tname, s);
    free(s);
    return TZ_E_FORMAT;
}

/* [u, u, …] into v (at most max values; *k gets the count) */
static int uint_array(Js *j, uint64_t *v, int max, int *k, const char *tname, const char *field)
{
    if (expect_char(j, '[', "'['")) return TZ_E_FORMAT;
    *k = 0;
    ws(j);
    if (j->i < j->n && j->s[j->i] == ']') {
        j->i++;
        return 0;
    }
    for (;;) {
        if (*k == max)
            return tz_errf(j->e, TZ_E_FORMAT, "'%s': '%s' tensörünün %s alanında %d değerden fazlası var.",
                           "'%s': tensor '%s': its %s has more than %d values.", j->file, tname, field, max);
        if (uinteger(j, &v[(*k)++], field)) return TZ_E_FORMAT;
        ws(j);
        if (j->i < j->n && j->s[j->i] == ',') {
            j->i++;
            continue;
        }
        return expect_char(j, ']', "',' or ']'");
    }
}

/* One tensor's entry {"dtype": …, "shape": […], "data_offsets": [b, e]}; other keys skipped. */
static int tensor_entry(Js *j, StTensor *t, uint64_t off[2])
{
    int have[3] = {0, 0, 0};
    if (expect_char(j, '{', "'{'")) return TZ_E_FORMAT;
    ws(j);
    if (j->i < j->n && j->s[j->i] == '}') j->i++;
    else
        for (;;) {
            char *key;
            if (string(j, &key, NULL)) return TZ_E_FORMAT;
            int rc = expect_char(j, ':', "':'"), which = -1;
            if (!rc) {
                if (strcmp(key, "dtype") == 0) which = 0, rc = parse_dtype(j, t->name, &t->dtype);
                else if (strcmp(key, "shape") == 0)
                    which = 1, rc = uint_array(j, t->shape, ST_MAX_DIMS, &t->ndim, t->name, "shape");
                else if (strcmp(key, "data_offsets") == 0) {
                    int k;
                    which = 2;
                    rc = uint_array(j, off, 2, &k, t->name, "data_offsets");
                    if (!rc && k != 2)
                        rc = tz_errf(j->e, TZ_E_FORMAT,
                                     "'%s': '%s' tensörünün data_offsets alanı [başlangıç, bitiş] olmalı, %d değer var.",
                                     "'%s': the data_offsets of tensor '%s' must be [begin, end]; it has %d values.",
                                     j->file, t->name, k);
                } else rc = skip_value(j, 2);
            }
            if (!rc && which >= 0 && have[which]++)
                rc = tz_errf(j->e, TZ_E_FORMAT, "'%s': '%s' tensörünün '%s' alanı iki kez yazılmış.",
                             "'%s': tensor '%s' gives '%s' twice.", j->file, t->name, key);
            free(key);
            if (rc) return rc;
            ws(j);
            if (j->i < j->n && j->s[j->i] == ',') {
                j->i++;
                continue;
            }
            if (expect_char(j, '}', "',' or '}'")) return TZ_E_FORMAT;
            break;
        }
    static const char *const fields[3] = {"dtype", "shape", "data_offsets"};
    for (int k = 0; k < 3; k++)
        if (!have[k])
            return tz_errf(j->e, TZ_E_FORMAT, "'%s': '%s' tensörünün '%s' alanı eksik.",
                           "'%s': tensor '%s' has no '%s'.", j->file, t->name, fields[k]);
    return 0;
}

/* "__metadata__": {"key": "value", …} */
static int metadata(Js *j, StFile *f)
{
    if (expect_char(j, '{', "'{'")) return TZ_E_FORMAT;
    ws(j);
    if (j->i < j->n && j->s[j->i] == '}') {
        j->i++;
        return 0;
    }
    int cap = 0;
    for (;;) {
        char *k = NULL, *v = NULL;
        if (string(j, &k, NULL) || expect_char(j, ':', "':'")) {
            free(k);
            return TZ_E_FORMAT;
        }
        ws(j);
        if (j->i >= j->n || j->s[j->i] != '"') {
            int rc = tz_errf(j->e, TZ_E_FORMAT,
                             "'%s': __metadata__ içindeki '%s' anahtarının değeri bir dizgi değil (safetensors "
                             "yalnızca dizgi kabul eder), %zu. bayt.",
                             "'%s': the value of '%s' in __metadata__ is not a string (safetensors allows only "
                             "strings), byte %zu.",
                             j->file, k, 8 + j->i);
            free(k);
            return rc;
        }
        if (string(j, &v, NULL)) {
            free(k);
            return TZ_E_FORMAT;
        }
        if (2 * f->nmeta + 2 > cap) {
            cap = cap ? 2 * cap : 16;
            f->meta = tz_realloc(f->meta, (size_t)cap * sizeof *f->meta);
        }
        f->meta[2 * f->nmeta] = k;
        f->meta[2 * f->nmeta + 1] = v;
        f->nmeta++;
        ws(j);
        if (j->i < j->n && j->s[j->i] == ',') {
            j->i++;
            continue;
        }
        return expect_char(j, '}', "',' or '}'");
    }
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const StTensor *)a)->name, ((const StTensor *)b)->name);
}

static int by_offset(const void *a, const void *b)
{
    const StTensor *x = *(const StTensor *const *)a, *y = *(const StTensor *const *)b;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Each tensor's size and range against the data (dlen bytes starting at file offset base). */
static int check_tensor(const StFile *f, StTensor *t, const uint64_t off[2], const unsigned char *data,
                        uint64_t base, uint64_t dlen, TzErr *e)
{
    if (off[0] > off[1])
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s': '%s' tensörünün data_offsets alanı ters: başlangıç %llu, bitişten (%llu) büyük.",
                       "'%s': the data_offsets of tensor '%s' are reversed: begin %llu is past end %llu.", f->name,
                       t->name, (unsigned long long)off[0], (unsigned long long)off[1]);
    if (off[1] > dlen)
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s': '%s' tensörü veri bölümünün dışına taşıyor: bitiş %llu, ama veri %llu bayt. Dosya "
                       "yarım kalmış ya da bozuk.",
                       "'%s': tensor '%s' reaches past the data: it ends at %llu, the data has %llu bytes. The "
                       "file is truncated or damaged.",
                       f->name, t->name, (unsigned long long)off[1], (unsigned long long)dlen);
    /* count = the product of the shape, computed only while it stays ≤ the elements the data
     * could hold (so it never overflows); a zero anywhere makes it 0 */
    size_t es = dtype_sizes[t->dtype];
    uint64_t nbytes = off[1] - off[0], count = 1, limit = dlen / es;
    int too_big = 0;
    for (int d = 0; d < t->ndim; d++)
        if (t->shape[d] == 0) count = 0;
    for (int d = 0; d < t->ndim && count; d++) {
        if (t->shape[d] > limit / count) {
            too_big = 1;
            break;
        }
        count *= t->shape[d];
    }
    if (too_big || count * es != nbytes) {
        char shape[160] = "[", need[32];
        for (int d = 0; d < t->ndim; d++) {
            size_t l = strlen(shape);
            snprintf(shape + l, sizeof shape - l, "%s%llu", d ? ", " : "", (unsigned long long)t->shape[d]);
        }
        size_t l = strlen(shape);
        snprintf(shape + l, sizeof shape - l, "]");
        if (too_big) snprintf(need, sizeof need, "> %llu", (unsigned long long)dlen);
        else snprintf(need, sizeof need, "%llu", (unsigned long long)(count * es));
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s': '%s' tensörünün boyu tutmuyor: %s × %s (%zu bayt) %s bayt ister, data_offsets %llu "
                       "bayt veriyor.",
                       "'%s': tensor '%s' does not add up: %s × %s (%zu bytes) needs %s bytes, its data_offsets "
                       "give %llu.",
                       f->name, t->name, shape, dtype_names[t->dtype], es, need, (unsigned long long)nbytes);
    }
    t->count = count;
    t->nbytes = (size_t)nbytes;
    t->data = data + off[0];
    t->offset = (size_t)(base + off[0]);
    return 0;
}

int st_parse(StFile *f, const char *data, size_t n, const char *name, TzErr *e)
{
    memset(f, 0, sizeof *f);
    f->name = tz_strdup(name);
    int rc = 0;
    if (n < 8) {
        rc = tz_errf(e, TZ_E_FORMAT,
                     "'%s' yalnızca %zu bayt; bir safetensors dosyası 8 baytlık başlık uzunluğuyla başlar. Dosya "
                     "yarım kalmış.",
                     "'%s' is only %zu bytes; a safetensors file starts with an 8-byte header length. The file "
                     "is truncated.",
                     name, n);
        goto fail;
    }
    const unsigned char *u = (const unsigned char *)data;
    uint64_t hl = 0;
    for (int k = 7; k >= 0; k--) hl = hl << 8 | u[k];
    if (hl > n - 8 || hl > ST_MAX_HEADER || hl < 2) {
        rc = tz_errf(e, TZ_E_FORMAT,
                     "'%s': ilk 8 bayt başlığın %llu bayt olduğunu söylüyor, ama dosyada ondan sonra %zu bayt var "
                     "(ve başlık 2 bayt ile 100 MB arasında olmalı). Dosya yarım kalmış ya da safetensors değil.",
                     "'%s': the first 8 bytes say the header is %llu bytes, but %zu bytes follow them (and a "
                     "header is between 2 bytes and 100 MB). The file is truncated or not safetensors.",
                     name, (unsigned long long)hl, n - 8);
        goto fail;
    }
    f->header_len = (size_t)hl;
    Js j = {data + 8, (size_t)hl, 0, f->name, e};
    size_t bad = utf8_validate(j.s, j.n);
    if (bad < j.n) {
        rc = tz_errf(e, TZ_E_FORMAT, "'%s': başlık %zu. baytta geçerli UTF-8 değil.",
                     "'%s': the header is not valid UTF-8 at byte %zu.", name, 8 + bad);
        goto fail;
    }
    const unsigned char *dstart = u + 8 + hl;
    uint64_t dlen = n - 8 - hl;
    int cap = 0, seen_meta = 0;
    if ((rc = expect_char(&j, '{', "'{'"))) goto fail;
    ws(&j);
    if (j.i < j.n && j.s[j.i] == '}') j.i++;
    else
        for (;;) {
            StTensor t = {0};
            uint64_t off[2] = {0, 0};
            if ((rc = string(&j, &t.name, NULL))) goto fail;
            if ((rc = expect_char(&j, ':', "':'"))) {
                free(t.name);
                goto fail;
            }
            if (strcmp(t.name, "__metadata__") == 0) {
                free(t.name);
                if (seen_meta++) {
                    rc = tz_errf(e, TZ_E_FORMAT, "'%s': başlıkta iki __metadata__ var.",
                                 "'%s': the header has two __metadata__.", name);
                    goto fail;
                }
                if ((rc = metadata(&j, f))) goto fail;
            } else {
                if ((rc = tensor_entry(&j, &t, off)) || (rc = check_tensor(f, &t, off, dstart, 8 + hl, dlen, e))) {
                    free(t.name);
                    goto fail;
                }
                push_tensor(f, &cap, &t);
            }
            ws(&j);
            if (j.i < j.n && j.s[j.i] == ',') {
                j.i++;
                continue;
            }
            if ((rc = expect_char(&j, '}', "',' or '}'"))) goto fail;
            break;
        }
    ws(&j);   /* the writer may pad the header with spaces; nothing else may follow */
    if (j.i < j.n) {
        rc = expected2(&j, "başlığın sonu", "the end of the header");
        goto fail;
    }
    if (f->n > 1) {
        qsort(f->t, (size_t)f->n, sizeof *f->t, by_name);
        for (int k = 1; k < f->n; k++)
            if (strcmp(f->t[k - 1].name, f->t[k].name) == 0) {
                rc = tz_errf(e, TZ_E_FORMAT, "'%s': '%s' tensörü başlıkta iki kez var.",
                             "'%s': tensor '%s' appears twice in the header.", name, f->t[k].name);
                goto fail;
            }
        /* no byte in two tensors: sorted by where they start, each must start after the one
         * before it ends (empty tensors own no bytes and are left out) */
        const StTensor **o = tz_malloc((size_t)f->n * sizeof *o);
        int m = 0;
        for (int k = 0; k < f->n; k++)
            if (f->t[k].nbytes) o[m++] = &f->t[k];
        qsort(o, (size_t)m, sizeof *o, by_offset);
        for (int k = 1; k < m && !rc; k++)
            if (o[k]->offset < o[k - 1]->offset + o[k - 1]->nbytes)
                rc = tz_errf(e, TZ_E_FORMAT,
                             "'%s': '%s' ve '%s' tensörleri dosyada aynı baytları paylaşıyor (%zu. bayttan "
                             "başlayarak); her tensörün kendi yeri olmalı.",
                             "'%s': tensors '%s' and '%s' share bytes of the file (from byte %zu); each tensor "
                             "must have its own.",
                             name, o[k - 1]->name, o[k]->name, o[k]->offset);
        free(o);
        if (rc) goto fail;
    }
    return 0;
fail:
    st_free(f);
    return rc ? rc : TZ_E_FORMAT;
}

void st_free(StFile *f)
{
    for (int k = 0; k < f->n; k++) free(f->t[k].name);
    for (int k = 0; k < 2 * f->nmeta; k++) free(f->meta[k]);
    free(f->t);
    free(f->meta);
    free(f->name);
    memset(f, 0, sizeof *f);
}

const StTensor *st_find(const StFile *f, const char *name)
{
    int lo = 0, hi = f->n - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2, c = strcmp(f->t[mid].name, name);
        if (c == 0) return &f->t[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid - 1;
    }
    return NULL;
}

const char *st_meta(const StFile *f, const char *key)
{
    for (int k = 0; k < f->nmeta; k++)
        if (strcmp(f->meta[2 * k], key) == 0) return f->meta[2 * k + 1];
    return NULL;
}

int st_json_uint(const char *json, size_t n, const char *key, uint64_t *v, size_t *at)
{
    Js j = {json, n, 0, "json", NULL};
    int found = 0;
    if (utf8_validate(json, n) < n || expect_char(&j, '{', "'{'")) goto bad;
    ws(&j);
    if (j.i < j.n && j.s[j.i] == '}') j.i++;
    else
        for (;;) {
            char *k;
            if (string(&j, &k, NULL)) goto bad;
            int mine = strcmp(k, key) == 0;
            free(k);
            if (expect_char(&j, ':', "':'")) goto bad;
            ws(&j);
            size_t s = j.i;
            uint64_t x;
            if (mine && j.i < j.n && j.s[j.i] >= '0' && j.s[j.i] <= '9' && uinteger(&j, &x, key) == 0) {
                *v = x;
                found = 1;
            } else {
                j.i = s;
                if (skip_value(&j, 1)) goto bad;
            }
            ws(&j);
            if (j.i < j.n && j.s[j.i] == ',') {
                j.i++;
                continue;
            }
            if (expect_char(&j, '}', "'}'")) goto bad;
            break;
        }
    ws(&j);
    if (j.i < j.n) goto bad;
    return found;
bad:
    if (at) *at = j.i;
    return -1;
}

/* ---- writing -------------------------------------------------------------------------- */

typedef struct {
    char *b;
    size_t n, cap;
} Sb;

static void sb_put(Sb *s, const char *p, size_t n)
{
    if (s->n + n + 1 > s->cap) {
        while (s->n + n + 1 > s->cap) s->cap = s->cap ? 2 * s->cap : 4096;
        s->b = tz_realloc(s->b, s->cap);
    }
    memcpy(s->b + s->n, p, n);
    s->n += n;
    s->b[s->n] = '\0';
}

static void sb_puts(Sb *s, const char *p) { sb_put(s, p, strlen(p)); }

/* A JSON string: '"' and '\' escaped, control bytes as \u00XX, everything else as it is. */
static void sb_json(Sb *s, const char *p)
{
    sb_puts(s, "\"");
    for (; *p; p++) {
        unsigned char c = (unsigned char)*p;
        char esc[8];
        if (c == '"' || c == '\\') esc[0] = '\\', esc[1] = (char)c, esc[2] = 0;
        else if (c < 0x20) snprintf(esc, sizeof esc, "\\u%04x", c);
        else esc[0] = (char)c, esc[1] = 0;
        sb_puts(s, esc);
    }
    sb_puts(s, "\"");
}

int st_write(FILE *f, const StOut *t, int n, const char *const *meta, int nmeta, TzErr *e)
{
    Sb h = {0};
    char num[64];
    uint64_t off = 0;
    sb_puts(&h, "{");
    if (nmeta > 0) {
        sb_puts(&h, "\"__metadata__\":{");
        for (int k = 0; k < nmeta; k++) {
            if (k) sb_puts(&h, ",");
            sb_json(&h, meta[2 * k]);
            sb_puts(&h, ":");
            sb_json(&h, meta[2 * k + 1]);
        }
        sb_puts(&h, "}");
    }
    for (int i = 0; i < n; i++) {
        TZ_ASSERT(t[i].ndim >= 0 && t[i].ndim <= ST_MAX_DIMS && (!t[i].transpose || t[i].ndim == 2));
        uint64_t count = 1;
        for (int d = 0; d < t[i].ndim; d++) count *= t[i].shape[d];
        if (i || nmeta > 0) sb_puts(&h, ",");
        sb_json(&h, t[i].name);
        sb_puts(&h, ":{\"dtype\":\"F32\",\"shape\":[");
        for (int d = 0; d < t[i].ndim; d++) {
            snprintf(num, sizeof num, "%s%llu", d ? "," : "", (unsigned long long)t[i].shape[d]);
            sb_puts(&h, num);
        }
        snprintf(num, sizeof num, "],\"data_offsets\":[%llu,%llu]}", (unsigned long long)off,
                 (unsigned long long)(off + 4 * count));
        sb_puts(&h, num);
        off += 4 * count;
    }
    sb_puts(&h, "}");
    while ((8 + h.n) % 8) sb_puts(&h, " ");   /* the data then starts 8-byte aligned */

    unsigned char len[8];
    for (int k = 0; k < 8; k++) len[k] = (unsigned char)((uint64_t)h.n >> (8 * k));
    int ok = fwrite(len, 1, 8, f) == 8 && fwrite(h.b, 1, h.n, f) == h.n;
    free(h.b);
    float *row = NULL;
    for (int i = 0; i < n && ok; i++) {
        if (!t[i].transpose) {
            uint64_t count = 1;
            for (int d = 0; d < t[i].ndim; d++) count *= t[i].shape[d];
            ok = fwrite(t[i].data, 4, (size_t)count, f) == count;
            continue;
        }
        /* stored row r (of shape[0]) is column r of the shape[1] × shape[0] matrix in data */
        size_t R = (size_t)t[i].shape[0], C = (size_t)t[i].shape[1];
        row = tz_realloc(row, (C ? C : 1) * sizeof *row);
        for (size_t r = 0; r < R && ok; r++) {
            for (size_t c = 0; c < C; c++) row[c] = t[i].data[c * R + r];
            ok = fwrite(row, 4, C, f) == C;
        }
    }
    free(row);
    if (!ok)
        return tz_errf(e, TZ_E_IO, "safetensors yazılamadı (disk dolu mu?)",
                       "cannot write the safetensors (is the disk full?)");
    return 0;
}
