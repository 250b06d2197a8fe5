/* w2v.c — see w2v.h.
 *
 * Reading: the file is mapped (tz_file_map), the header is checked against the file size and
 * the machine's memory before anything is allocated, then one pass fills a V×D float array
 * (one allocation) and the vocabulary (row i = word id i). Binary rows are memcpy'd; text
 * numbers go through a fast exact path (Clinger: a ≤19-digit mantissa times an exact power
 * of ten, rounded once in double, then to float unless that could round twice) and fall back
 * to strtof_l in the C locale for everything else. Errors name the line and column (text) or
 * the byte offset and record (binary): the message body comes from tz_errf, and located()
 * puts "'file', line 3, column 7: " in front of both languages.
 */
#include "formats/w2v.h"

#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/io.h"
#include "core/utf8.h"
#include "core/vocab.h"

#define W2V_MAX_WORD 4096               /* bytes; word2vec.c itself stops at 100 */
#define W2V_MAX_HEADER 256              /* bytes in the "V D" line */
#define W2V_REPORT_EVERY (4u << 20)     /* progress and cancel check every 4 MB of input */
#define W2V_SNIFF_WINDOW 65536

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define W2V_BIG_ENDIAN 1
#else
#define W2V_BIG_ENDIAN 0
#endif

/* ---- small helpers ---------------------------------------------------------------------- */

/* Up to ~40 bytes of s[0..n) made safe for a message: valid UTF-8 characters are kept,
 * control and invalid bytes become \xNN, and "…" marks a cut. */
static const char *show(const char *s, size_t n, char *buf, size_t cap)
{
    size_t o = 0, i = 0;
    while (i < n) {
        if (i >= 40 || o + 12 >= cap) {
            memcpy(buf + o, "\xE2\x80\xA6", 3);
            o += 3;
            break;
        }
        uint32_t cp;
        int k = utf8_decode(s + i, n - i, &cp);
        if (k > 0 && cp >= 0x20 && cp != 0x7F) {
            memcpy(buf + o, s + i, (size_t)k);
            o += (size_t)k;
            i += (size_t)k;
        } else {
            o += (size_t)snprintf(buf + o, cap - o, "\\x%02X", (unsigned char)s[i]);
            i++;
        }
    }
    buf[o] = '\0';
    return buf;
}

typedef struct { char tr[128], en[128]; } Where;

static Where at_line(size_t line, size_t col)
{
    Where w;
    if (col) {
        snprintf(w.tr, sizeof w.tr, "satır %zu, sütun %zu", line, col);
        snprintf(w.en, sizeof w.en, "line %zu, column %zu", line, col);
    } else {
        snprintf(w.tr, sizeof w.tr, "satır %zu", line);
        snprintf(w.en, sizeof w.en, "line %zu", line);
    }
    return w;
}

static Where at_byte(size_t off, size_t rec)
{
    Where w;
    snprintf(w.tr, sizeof w.tr, "bayt %zu (%zu. kayıt)", off, rec);
    snprintf(w.en, sizeof w.en, "byte %zu (record %zu)", off, rec);
    return w;
}

/* msg = "'name', where: " + msg, cut to cap bytes at a character boundary. */
static void prepend(char *msg, size_t cap, const char *name, const char *where)
{
    char head[768];
    snprintf(head, sizeof head, "'%s', %s: ", name, where);
    size_t a = strlen(head), b = strlen(msg);
    if (a > cap / 2) {                            /* a very long file name: keep the message */
        a = cap / 2;
        while (a > 0 && ((unsigned char)head[a] & 0xC0) == 0x80) a--;
    }
    if (a + b > cap - 1) {                        /* cut before the character msg[b] is in */
        b = cap - 1 - a;
        while (b > 0 && ((unsigned char)msg[b] & 0xC0) == 0x80) b--;
    }
    memmove(msg + a, msg, b);
    memcpy(msg, head, a);
    msg[a + b] = '\0';
}

/* Put "'name', WHERE: " in front of the message tz_errf just wrote; returns its code. */
static int located(TzErr *e, const char *name, Where w, int code)
{
    if (!e) return code;
    prepend(e->tr, sizeof e->tr, name, w.tr);
    prepend(e->en, sizeof e->en, name, w.en);
    return code;
}

static int is_sep(char c) { return c == ' ' || c == '\t'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Copy n little-endian float32 from src (any alignment) to dst; returns non-zero if one of
 * them is NaN or Inf (exponent bits all ones). One branch-free pass that vectorizes. */
static uint32_t copy_floats(float *dst, const char *src, size_t n)
{
    uint32_t bad = 0;
#pragma omp simd reduction(| : bad)
    for (size_t j = 0; j < n; j++) {
        uint32_t b;
        memcpy(&b, src + 4 * j, 4);
#if W2V_BIG_ENDIAN
        b = __builtin_bswap32(b);
#endif
        bad |= (uint32_t)((b & 0x7F800000u) == 0x7F800000u);
        memcpy(dst + j, &b, 4);
    }
    return bad;
}

/* The index of the first NaN/Inf in x[0..n), or n. Branch-free over the row (vectorizes). */
static size_t first_nonfinite(const float *x, size_t n)
{
    uint32_t bad = 0;
    for (size_t j = 0; j < n; j++) {
        uint32_t b;
        memcpy(&b, x + j, 4);
        bad |= (uint32_t)((b & 0x7F800000u) == 0x7F800000u);
    }
    if (!bad) return n;
    for (size_t j = 0; j < n; j++)
        if (!isfinite(x[j])) return j;
    return n;
}

/* ---- numbers ------------------------------------------------------------------------------ */

static const double P10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                               1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                               1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* strtof_l on a NUL-terminated copy (the mapped bytes may end right after the token). */
static int parse_slow(const char *s, const char *end, locale_t cloc, float *out)
{
    char buf[512];
    size_t n = (size_t)(end - s);
    if (n == 0 || n >= sizeof buf) return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *stop;
    float x = cloc ? strtof_l(buf, &stop, cloc) : strtof(buf, &stop);
    if (stop != buf + n) return -1;
    *out = x;
    return 0;
}

/* One number spanning exactly [s, end). 0 on success (the value may be NaN/Inf; the caller
 * checks), -1 if it is not a number. Correctly rounded, as strtof. */
static int parse_num(const char *s, const char *end, locale_t cloc, float *out)
{
    const char *q = s;
    int neg = 0;
    if (q < end && (*q == '-' || *q == '+')) { neg = *q == '-'; q++; }
    uint64_t m = 0;
    int nd = 0, ex = 0, digits = 0, dropped = 0;
    for (; q < end && is_digit(*q); q++) {
        digits++;
        if (nd < 19) { m = m * 10 + (uint64_t)(*q - '0'); if (m) nd++; }
        else { ex++; dropped = 1; }
    }
    if (q < end && *q == '.') {
        for (q++; q < end && is_digit(*q); q++) {
            digits++;
            if (nd < 19) { m = m * 10 + (uint64_t)(*q - '0'); if (m) nd++; ex--; }
            else dropped = 1;
        }
    }
    if (!digits) return parse_slow(s, end, cloc, out);     /* nan, inf, junk */
    if (q < end && (*q == 'e' || *q == 'E')) {
        q++;
        int eneg = 0, ev = 0;
        if (q < end && (*q == '+' || *q == '-')) { eneg = *q == '-'; q++; }
        if (q >= end || !is_digit(*q)) return -1;
        for (; q < end && is_digit(*q); q++)
            if (ev < 100000) ev = ev * 10 + (*q - '0');
        ex += eneg ? -ev : ev;
    }
    if (q != end) return parse_slow(s, end, cloc, out);    /* hex floats and the like */
    if (m == 0) { *out = neg ? -0.0f : 0.0f; return 0; }
    if (dropped || m > (1ull << 53) || ex < -22 || ex > 22) return parse_slow(s, end, cloc, out);
    /* m and 10^|ex| are exact doubles: one correctly rounded operation. */
    double r = ex >= 0 ? (double)m * P10[ex] : (double)m / P10[-ex];
    if (r < (double)FLT_MIN || r > (double)FLT_MAX) return parse_slow(s, end, cloc, out);
    /* Rounding to float could go the wrong way only if r sits on (or one step off) a float
     * half-way point: then the 29 bits a float drops are 1000…0. Let strtof decide those. */
    uint64_t bits;
    memcpy(&bits, &r, sizeof bits);
    uint32_t low = (uint32_t)(bits & 0x1FFFFFFFu);
    if (low >= 0x0FFFFFFFu && low <= 0x10000001u) return parse_slow(s, end, cloc, out);
    float f = (float)r;
    *out = neg ? -f : f;
    return 0;
}

/* Looks like a number (for format detection): [+-] digits . e, or nan/inf/infinity. */
static int numberish(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    if (n - i == 3 && (!strncasecmp(s + i, "nan", 3) || !strncasecmp(s + i, "inf", 3))) return 1;
    if (n - i == 8 && !strncasecmp(s + i, "infinity", 8)) return 1;
    int dig = 0;
    for (; i < n; i++) {
        if (is_digit(s[i])) dig = 1;
        else if (!strchr(".eE+-", s[i]) || s[i] == '\0') return 0;
    }
    return dig;
}

/* ---- header and format ------------------------------------------------------------------ */

typedef struct {
    uint64_t V, D;
    size_t body;      /* offset of the first record */
    size_t line2;     /* the line number of the first record (2, or 1 if no '\n') */
} Head;

/* Reads [+-]digits at *i; 1 = ok, 0 = no digits, -1 = negative. Saturates at 10^18. */
static int read_count(const char *d, size_t end, size_t *i, uint64_t *out)
{
    int neg = 0;
    if (*i < end && (d[*i] == '-' || d[*i] == '+')) { neg = d[*i] == '-'; (*i)++; }
    size_t s = *i;
    uint64_t x = 0;
    for (; *i < end && is_digit(d[*i]); (*i)++)
        x = x < 1000000000000000000ull ? x * 10 + (uint64_t)(d[*i] - '0') : x;
    if (*i == s) return 0;
    *out = x;
    return neg && x ? -1 : 1;
}

/* Fills h; returns 0, or 1 if the first line is not "V D" (*why: 1 not integers, 2 negative). */
static int scan_header(const char *d, size_t n, Head *h, int *why, size_t *line_end)
{
    size_t i = 0, lim = n < W2V_MAX_HEADER ? n : W2V_MAX_HEADER;
    const char *nl = memchr(d, '\n', lim);
    size_t end = nl ? (size_t)(nl - d) : lim;
    *line_end = end;
    *why = 1;
    if (!nl && n > W2V_MAX_HEADER) return 1;
    if (end >= 3 && !memcmp(d, "\xEF\xBB\xBF", 3)) i = 3;        /* a UTF-8 BOM */
    while (i < end && is_sep(d[i])) i++;
    int a = read_count(d, end, &i, &h->V);
    if (a == 0 || i >= end || !is_sep(d[i])) return 1;
    while (i < end && is_sep(d[i])) i++;
    int b = read_count(d, end, &i, &h->D);
    if (b == 0) return 1;
    while (i < end && (is_sep(d[i]) || d[i] == '\r')) i++;
    if (i != end) return 1;
    if (a < 0 || b < 0) { *why = 2; return 1; }
    h->body = nl ? end + 1 : n;
    h->line2 = nl ? 2 : 1;
    return 0;
}

static int clean_text(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7F) return 0;
    }
    return utf8_validate(s, n) == n;
}

static int looks_text(const char *d, size_t n, size_t pos)
{
    while (pos < n && (d[pos] == '\n' || d[pos] == '\r')) pos++;
    if (pos >= n) return 1;
    const char *nl = memchr(d + pos, '\n', n - pos);
    size_t le = nl ? (size_t)(nl - d) : n, e2 = le;
    while (e2 > pos && (d[e2 - 1] == '\r' || is_sep(d[e2 - 1]))) e2--;
    if (clean_text(d + pos, e2 - pos)) {
        size_t t = e2;
        while (t > pos && !is_sep(d[t - 1])) t--;
        if (t > pos && numberish(d + t, e2 - t)) return 1;
    }
    size_t w = n - pos;
    if (w > W2V_SNIFF_WINDOW) {
        w = W2V_SNIFF_WINDOW;
        while (w > 0 && ((unsigned char)d[pos + w] & 0xC0) == 0x80) w--;   /* whole characters */
    }
    return clean_text(d + pos, w);
}

int w2v_sniff(const char *data, size_t n)
{
    Head h;
    int why;
    size_t le;
    if (!data || n == 0 || scan_header(data, n, &h, &why, &le)) return -1;
    return looks_text(data, n, h.body) ? W2V_TEXT : W2V_BIN;
}

/* The header is not "V D": say what we found, and guess why. */
static int bad_header(const char *name, const char *d, size_t n, size_t le, int why, TzErr *e)
{
    char buf[160];
    const char *found = show(d, le < n ? le : n, buf, sizeof buf);
    if (why == 2)
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s', satır 1: başlıkta eksi bir sayı var (\"%s\"). Sözcük sayısı ve boyut "
                       "artı tamsayılar olmalı, ör. \"3000 300\".",
                       "'%s', line 1: the header has a negative number (\"%s\"). The number of "
                       "words and the dimension must be positive integers, e.g. \"3000 300\".",
                       name, found);
    /* GloVe writes the same rows without the header line: count them for the hint. */
    size_t toks = 0, i = 0;
    int first_num = 1, rest_num = 1;
    while (i < le && i < n) {
        while (i < le && is_sep(d[i])) i++;
        size_t s = i;
        while (i < le && !is_sep(d[i]) && d[i] != '\r') i++;
        if (i == s) { if (i < le) i++; continue; }
        if (toks == 0) first_num = numberish(d + s, i - s);
        else if (!numberish(d + s, i - s)) rest_num = 0;
        toks++;
    }
    if (toks >= 2 && !first_num && rest_num && clean_text(d, le)) {
        size_t rows = 0;
        for (const char *p = d, *end = d + n; p < end;) {
            const char *q = memchr(p, '\n', (size_t)(end - p));
            if (!q) { rows++; break; }
            if (q > p) rows++;
            p = q + 1;
        }
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s', satır 1: başlık satırı yok, ilk satır bir vektör (\"%s\"). GloVe "
                       "dosyaları böyledir. word2vec biçimi \"SÖZCÜK_SAYISI BOYUT\" satırıyla başlar; "
                       "ekleyin: sed -i '1i %zu %zu' DOSYA",
                       "'%s', line 1: there is no header line, the first line is a vector (\"%s\"). "
                       "GloVe files look like this. The word2vec format starts with a "
                       "\"WORDS DIMENSIONS\" line; add it: sed -i '1i %zu %zu' FILE",
                       name, found, rows, toks - 1);
    }
    return tz_errf(e, TZ_E_FORMAT,
                   "'%s', satır 1: başlık iki tamsayı olmalı, \"SÖZCÜK_SAYISI BOYUT\" (ör. \"3000 "
                   "300\"); bulunan: \"%s\". Bu bir word2vec dosyası mı (metin ya da ikili)?",
                   "'%s', line 1: the header must be two integers, \"WORDS DIMENSIONS\" (e.g. "
                   "\"3000 300\"); found: \"%s\". Is this a word2vec file (text or binary)?",
                   name, found);
}

/* ---- reading ------------------------------------------------------------------------------ */

typedef struct {
    const char *d;
    size_t n;
    const char *name;
    uint64_t V;
    size_t rows, D;
    size_t body;      /* offset of the first record */
    Job *job;
    locale_t cloc;
    Vectors *out;
    TzErr *e;
    int release;      /* d is a private read-only file map: give back the pages already read */
    size_t released;  /* … up to this offset */
} Parse;

/* Word checks shared by both formats: not empty, no control bytes, valid UTF-8.
 * On error, *bad is the offset (from s) of the byte to blame. */
static int word_ok(const Parse *p, const char *s, size_t len, size_t *bad)
{
    char buf[160];
    if (len == 0) {
        *bad = 0;
        return tz_errf(p->e, TZ_E_FORMAT,
                       "sözcük boş (satırda ya da kayıtta sözcükten önce boşluk var). Dosya bozuk.",
                       "the word is empty (a space comes before the word). The file is damaged.");
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7F) {
            *bad = i;
            return tz_errf(p->e, TZ_E_FORMAT,
                           "sözcükte 0x%02X denetim baytı var (sözcük: \"%s\"). Dosya bozuk ya da "
                           "word2vec biçiminde değil.",
                           "the word contains the control byte 0x%02X (word: \"%s\"). The file is "
                           "damaged or not in word2vec format.",
                           c, show(s, len, buf, sizeof buf));
        }
    }
    size_t u = utf8_validate(s, len);
    if (u < len) {
        *bad = u;
        return tz_errf(p->e, TZ_E_FORMAT,
                       "sözcük geçerli UTF-8 değil: %zu. baytı 0x%02X (sözcük: \"%s\"). word2vec.c "
                       "uzun sözcükleri 100 baytta keser ve bir harfi ortadan bölebilir; ya da dosya "
                       "başka bir kodlamayla (Latin-5?) yazılmış.",
                       "the word is not valid UTF-8: its byte %zu is 0x%02X (word: \"%s\"). "
                       "word2vec.c cuts long words at 100 bytes and can split a letter; or the file "
                       "was written in another encoding (Latin-5?).",
                       u + 1, (unsigned char)s[u], show(s, len, buf, sizeof buf));
    }
    return 0;
}

static int duplicate(const Parse *p, const char *s, size_t len, size_t first)
{
    char buf[160];
    return tz_errf(p->e, TZ_E_FORMAT,
                   "\"%s\" sözcüğü ikinci kez geçiyor (ilki %zu. sırada). Her sözcüğün tek bir "
                   "vektörü olmalı; dosyayı yazan araç bozuk.",
                   "the word \"%s\" appears twice (first as row %zu). Each word must have one "
                   "vector; the tool that wrote the file is broken.",
                   show(s, len, buf, sizeof buf), first + 1);
}

static int ends_early(const Parse *p, size_t got)
{
    if (got == 0)
        return tz_errf(p->e, TZ_E_FORMAT,
                       "başlıktan sonra hiç vektör yok, başlık %llu diyor. Dosya yarım kalmış.",
                       "no vectors follow the header, which says %llu. The file is truncated.",
                       (unsigned long long)p->V);
    return tz_errf(p->e, TZ_E_FORMAT,
                   "dosya %zu sözcükten sonra bitiyor, başlık %llu diyor. Dosya yarım kalmış "
                   "(indirme bitmemiş olabilir); ilk sözcükleri limit=%zu ile yükleyebilirsiniz.",
                   "the file ends after %zu words, but the header says %llu. The file is truncated "
                   "(an unfinished download?); you can load the first words with limit=%zu.",
                   got, (unsigned long long)p->V, got);
}

/* Progress in bytes of the file read so far; with a limit the total is the part of the file
 * those rows will take, estimated from the rows read. Then the cancel check. */
static int progress(Parse *p, size_t pos, size_t done)
{
#ifdef __linux__
    /* The rows behind pos have been copied: drop their pages from this process (a private
     * read-only file map is read again from the file if ever touched), so that loading a
     * 3.6 GB file peaks at one copy of it in memory, not two. */
    if (p->release) {
        size_t upto = pos & ~(size_t)4095;
        uintptr_t base = (uintptr_t)p->d;
        if ((base & 4095) == 0 && upto > p->released) {
            madvise((void *)(base + p->released), upto - p->released, MADV_DONTNEED);
            p->released = upto;
        }
    }
#endif
    double total = (double)p->n;
    if (p->rows < p->V && done > 0) {
        double est = (double)p->body + (double)(pos - p->body) / (double)done * (double)p->rows;
        if (est < total) total = est;
    }
    if (total < (double)pos) total = (double)pos;
    job_report(p->job, (int64_t)pos, (int64_t)total);
    if (job_cancelled(p->job))
        return tz_errf(p->e, TZ_E_CANCELLED, "'%s' yüklemesi durduruldu.",
                       "loading '%s' was stopped.", p->name);
    return 0;
}

static int nonfinite(const Parse *p, const char *w, size_t wl, size_t j, const char *tok, size_t tl)
{
    char wb[160], tb[160];
    return tz_errf(p->e, TZ_E_FORMAT,
                   "\"%s\" sözcüğünün %zu. değeri \"%s\" sonlu bir sayı değil (NaN ya da sonsuz). "
                   "Bu vektörleri yazan eğitim ıraksamış olabilir: daha küçük bir öğrenme hızıyla "
                   "yeniden eğitin.",
                   "the word \"%s\" has a value that is not a finite number (NaN or infinity): "
                   "value %zu, \"%s\". The training that wrote these vectors may have diverged: "
                   "retrain with a smaller learning rate.",
                   show(w, wl, wb, sizeof wb), j + 1, show(tok, tl, tb, sizeof tb));
}

static int parse_bin(Parse *p)
{
    const char *d = p->d;
    size_t n = p->n, D = p->D, rowbytes = D * sizeof(float), pos = p->body;
    size_t next_report = W2V_REPORT_EVERY;
    float *dst = p->out->data;
    Vocab *voc = &p->out->words;
    for (size_t i = 0; i < p->rows; i++) {
        while (pos < n && d[pos] == '\n') pos++;     /* the '\n' word2vec.c writes after a row */
        size_t ws = pos, avail = n - pos;
        if (avail == 0) return located(p->e, p->name, at_byte(pos, i + 1), ends_early(p, i));
        const char *sp = memchr(d + ws, ' ', avail < W2V_MAX_WORD + 1 ? avail : W2V_MAX_WORD + 1);
        if (!sp) {
            if (avail <= W2V_MAX_WORD)
                return located(p->e, p->name, at_byte(ws, i + 1), ends_early(p, i));
            tz_errf(p->e, TZ_E_FORMAT,
                    "%d bayt içinde sözcüğü bitiren boşluk yok. Dosya word2vec ikili biçiminde "
                    "değil ya da bozuk.",
                    "no space ends the word within %d bytes. The file is not in word2vec binary "
                    "format, or it is damaged.",
                    W2V_MAX_WORD);
            return located(p->e, p->name, at_byte(ws, i + 1), TZ_E_FORMAT);
        }
        size_t wl = (size_t)(sp - (d + ws)), bad;
        if (word_ok(p, d + ws, wl, &bad)) return located(p->e, p->name, at_byte(ws + bad, i + 1), TZ_E_FORMAT);
        pos = ws + wl + 1;
        if (n - pos < rowbytes) {
            char buf[160];
            if (i == 0)
                tz_errf(p->e, TZ_E_FORMAT,
                        "\"%s\" sözcüğünün vektörü yarım: %zu bayt gerekiyor, dosyada %zu kaldı. "
                        "Dosya yarım kalmış (indirme bitmemiş olabilir).",
                        "the vector of the word \"%s\" is cut short: it needs %zu bytes, %zu are "
                        "left. The file is truncated (an unfinished download?).",
                        show(d + ws, wl, buf, sizeof buf), rowbytes, n - pos);
            else
                tz_errf(p->e, TZ_E_FORMAT,
                        "\"%s\" sözcüğünün vektörü yarım: %zu bayt gerekiyor, dosyada %zu kaldı. "
                        "Dosya yarım kalmış (indirme bitmemiş olabilir); ilk sözcükleri limit=%zu "
                        "ile yükleyebilirsiniz.",
                        "the vector of the word \"%s\" is cut short: it needs %zu bytes, %zu are "
                        "left. The file is truncated (an unfinished download?); you can load the "
                        "first words with limit=%zu.",
                        show(d + ws, wl, buf, sizeof buf), rowbytes, n - pos, i);
            return located(p->e, p->name, at_byte(pos, i + 1), TZ_E_FORMAT);
        }
        float *row = dst + i * D;
        if (copy_floats(row, d + pos, D)) {
            size_t j = first_nonfinite(row, D);
            char tok[32];
            snprintf(tok, sizeof tok, "%g", (double)row[j]);
            nonfinite(p, d + ws, wl, j, tok, strlen(tok));
            return located(p->e, p->name, at_byte(pos + 4 * j, i + 1), TZ_E_FORMAT);
        }
        size_t id = vocab_add(voc, d + ws, wl, 0);
        if (id != i) {
            duplicate(p, d + ws, wl, id);
            return located(p->e, p->name, at_byte(ws, i + 1), TZ_E_FORMAT);
        }
        pos += rowbytes;
        if (pos >= next_report) {
            if (progress(p, pos, i + 1)) return TZ_E_CANCELLED;
            next_report = pos + W2V_REPORT_EVERY;
        }
    }
    return 0;
}

/* Number of space/tab separated tokens in [s, e). */
static size_t count_tokens(const char *s, const char *e)
{
    size_t k = 0;
    while (s < e) {
        while (s < e && is_sep(*s)) s++;
        if (s == e) break;
        k++;
        while (s < e && !is_sep(*s)) s++;
    }
    return k;
}

static int wrong_count(const Parse *p, const char *w, size_t wl, size_t got)
{
    char buf[160];
    if (got > p->D)
        return tz_errf(p->e, TZ_E_FORMAT,
                       "\"%s\" sözcüğünden sonra %zu değer var, %zu bekleniyordu (başlıktaki boyut). "
                       "Sözcükte boşluk mu var? word2vec sözcükleri boşluk içeremez (\"new_york\" "
                       "gibi yazılır).",
                       "after the word \"%s\" come %zu values, expected %zu (the dimension in the "
                       "header). Does the word contain a space? word2vec words cannot (they are "
                       "written like \"new_york\").",
                       show(w, wl, buf, sizeof buf), got, p->D);
    return tz_errf(p->e, TZ_E_FORMAT,
                   "\"%s\" sözcüğünden sonra %zu değer var, %zu bekleniyordu (başlıktaki boyut). "
                   "Satır yarım kalmış ya da başlık yanlış.",
                   "after the word \"%s\" come %zu values, expected %zu (the dimension in the "
                   "header). The line is cut short or the header is wrong.",
                   show(w, wl, buf, sizeof buf), got, p->D);
}

static int parse_text(Parse *p, size_t pos, size_t line)
{
    const char *d = p->d;
    size_t n = p->n, D = p->D, next_report = W2V_REPORT_EVERY;
    float *dst = p->out->data;
    Vocab *voc = &p->out->words;
    for (size_t i = 0; i < p->rows; i++) {
        size_t ls, le, l0, lno;
        for (;;) {                                   /* the next line that is not blank */
            if (pos >= n) return located(p->e, p->name, at_line(line, 0), ends_early(p, i));
            const char *nl = memchr(d + pos, '\n', n - pos);
            size_t end = nl ? (size_t)(nl - d) : n;
            le = end;
            if (le > pos && d[le - 1] == '\r') le--;
            l0 = pos;
            ls = pos;
            while (ls < le && is_sep(d[ls])) ls++;
            lno = line++;
            pos = nl ? end + 1 : n;
            if (ls < le) break;
        }
        size_t we = ls, bad;
        while (we < le && !is_sep(d[we])) we++;
        if (word_ok(p, d + ls, we - ls, &bad))
            return located(p->e, p->name, at_line(lno, ls + bad - l0 + 1), TZ_E_FORMAT);
        float *row = dst + i * D;
        size_t q = we;
        for (size_t j = 0; j < D; j++) {
            while (q < le && is_sep(d[q])) q++;
            if (q >= le) {
                wrong_count(p, d + ls, we - ls, j);
                return located(p->e, p->name, at_line(lno, 0), TZ_E_FORMAT);
            }
            size_t ts = q;
            while (q < le && !is_sep(d[q])) q++;
            if (parse_num(d + ts, d + q, p->cloc, &row[j])) {
                size_t got = count_tokens(d + we, d + le);
                if (got != D) {
                    wrong_count(p, d + ls, we - ls, got);
                    return located(p->e, p->name, at_line(lno, 0), TZ_E_FORMAT);
                }
                char buf[160];
                tz_errf(p->e, TZ_E_FORMAT,
                        "%zu. değer \"%s\" bir sayı değil (0.25, -1.5e-3 gibi bir ondalık sayı "
                        "bekleniyordu; ondalık ayırıcı nokta olmalı).",
                        "value %zu, \"%s\", is not a number (expected a decimal like 0.25 or "
                        "-1.5e-3, with a point as the decimal separator).",
                        j + 1, show(d + ts, q - ts, buf, sizeof buf));
                return located(p->e, p->name, at_line(lno, ts - l0 + 1), TZ_E_FORMAT);
            }
            if (!isfinite(row[j])) {
                nonfinite(p, d + ls, we - ls, j, d + ts, q - ts);
                return located(p->e, p->name, at_line(lno, ts - l0 + 1), TZ_E_FORMAT);
            }
        }
        while (q < le && is_sep(d[q])) q++;
        if (q < le) {
            wrong_count(p, d + ls, we - ls, count_tokens(d + we, d + le));
            return located(p->e, p->name, at_line(lno, 0), TZ_E_FORMAT);
        }
        size_t id = vocab_add(voc, d + ls, we - ls, 0);
        if (id != i) {
            duplicate(p, d + ls, we - ls, id);
            return located(p->e, p->name, at_line(lno, ls - l0 + 1), TZ_E_FORMAT);
        }
        if (pos >= next_report) {
            if (progress(p, pos, i + 1)) return TZ_E_CANCELLED;
            next_report = pos + W2V_REPORT_EVERY;
        }
    }
    return 0;
}

/* Fault in a big fresh array in one system call (Linux ≥ 5.14) rather than one page fault per
 * 4 KB while copying: the array is written whole anyway. Harmless where unsupported. */
static void prefault(void *p, size_t n)
{
#ifdef __linux__
    if (n < (64u << 20)) return;
    uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095, end = ((uintptr_t)p + n) & ~(uintptr_t)4095;
    if (end > a) madvise((void *)a, end - a, 23 /* MADV_POPULATE_WRITE */);
#else
    (void)p; (void)n;
#endif
}

static int parse_impl(Vectors *v, const char *d, size_t n, const char *name, size_t limit, Job *job,
                      TzErr *e, int release);

int w2v_parse(Vectors *v, const char *d, size_t n, const char *name, size_t limit, Job *job,
              TzErr *e)
{
    return parse_impl(v, d, n, name, limit, job, e, 0);
}

static int parse_impl(Vectors *v, const char *d, size_t n, const char *name, size_t limit, Job *job,
                      TzErr *e, int release)
{
    memset(v, 0, sizeof *v);
    if (!name) name = "?";
    if (n == 0 || !d)
        return tz_errf(e, TZ_E_FORMAT, "'%s' boş: içinde hiç vektör yok.",
                       "'%s' is empty: there are no vectors in it.", name);
    Head h;
    int why;
    size_t le;
    if (scan_header(d, n, &h, &why, &le)) return bad_header(name, d, n, le, why, e);
    if (h.D == 0)
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s', satır 1: başlık boyutu 0 diyor; bir vektörün en az 1 boyutu olmalı.",
                       "'%s', line 1: the header says the dimension is 0; a vector needs at least 1.",
                       name);
    if (h.V == 0)
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s', satır 1: başlık 0 sözcük diyor: dosyada hiç vektör yok.",
                       "'%s', line 1: the header says 0 words: there are no vectors in the file.",
                       name);
    int bin = !looks_text(d, n, h.body);
    uint64_t rows = h.V;
    if (limit && limit < rows) rows = limit;

    /* Can the file hold what the header claims? The smallest record is 1-byte word, space and
     * 4·D bytes (binary), or 1-byte word and D × " 0" and '\n' (text, last '\n' optional). */
    size_t rest = n - h.body;
    double gb = (double)rows * (double)h.D * 4.0 / 1e9;
    double minrec = bin ? 4.0 * (double)h.D + 2.0 : 2.0 * (double)h.D + 2.0;
    double need = (double)rows * minrec - (bin ? 0.0 : 1.0);
    if (need > (double)rest)
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s': başlık %llu sözcük × %llu boyut diyor (≈ %.3g GB float), ama başlıktan "
                       "sonra yalnızca %zu bayt var; bu kadar satıra en az %.0f bayt gerekir. Dosya "
                       "yarım kalmış ya da başlık yanlış.",
                       "'%s': the header says %llu words × %llu dimensions (≈ %.3g GB of floats), "
                       "but only %zu bytes follow it; that many rows need at least %.0f bytes. The "
                       "file is truncated or the header is wrong.",
                       name, (unsigned long long)rows, (unsigned long long)h.D, gb, rest, need);
    /* Here rows·D·4 ≤ 2·n, so the products below fit in size_t. */
    double ram = tz_phys_bytes();
    if (ram > 0 && gb * 1e9 > 0.9 * ram) {
        size_t fit = (size_t)(0.5 * ram / (4.0 * (double)h.D));
        return tz_errf(e, TZ_E_NOMEM,
                       "'%s': %llu × %llu vektör ≈ %.3g GB bellek ister, bu makinede %.3g GB var. "
                       "Daha az sözcük yükleyin, ör. limit=%zu (en sık sözcükler başta gelir).",
                       "'%s': %llu × %llu vectors need ≈ %.3g GB of memory, this machine has "
                       "%.3g GB. Load fewer words, e.g. limit=%zu (the most frequent come first).",
                       name, (unsigned long long)rows, (unsigned long long)h.D, gb, ram / 1e9, fit);
    }
    if (rows >= UINT32_MAX - 2)
        return tz_errf(e, TZ_E_NOMEM,
                       "'%s': %llu sözcük çok fazla (en çok 4 294 967 292); limit=N ile daha azını "
                       "yükleyin.",
                       "'%s': %llu words are too many (at most 4,294,967,292); load fewer with "
                       "limit=N.",
                       name, (unsigned long long)rows);

    Vectors t;
    vectors_init(&t, (size_t)rows, (size_t)h.D);
    prefault(t.data, (size_t)rows * t.dim * sizeof(float));
    Parse p = {d, n, name, h.V, (size_t)rows, t.dim, h.body, job, (locale_t)0, &t, e, release, 0};
    int rc;
    if (bin) {
        rc = parse_bin(&p);
    } else {
        p.cloc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
        rc = parse_text(&p, h.body, h.line2);
        if (p.cloc) freelocale(p.cloc);
    }
    if (rc) {
        vectors_free(&t);
        return rc;
    }
    job_report(job, (int64_t)n, (int64_t)n);
    *v = t;
    return 0;
}

int w2v_load(Vectors *v, const char *path, size_t limit, Job *job, TzErr *e)
{
    memset(v, 0, sizeof *v);
    TzFile f;
    int rc = tz_file_map(&f, path, e);
    if (rc) return rc;
    rc = parse_impl(v, f.data, f.size, path, limit, job, e, f.mapped);
    tz_file_unmap(&f);
    return rc;
}

/* ---- writing ------------------------------------------------------------------------------ */

/* Every word must be writable (non-empty, no space or control byte, valid UTF-8) and every
 * value finite; checked before the first byte is written. */
static int check_writable(const Vectors *v, TzErr *e)
{
    char buf[160];
    TZ_ASSERT(v->words.size == v->n);
    if (v->n == 0 || v->dim == 0)
        return tz_errf(e, TZ_E_ARG, "yazılacak vektör yok (0 sözcük).",
                       "there are no vectors to write (0 words).");
    for (size_t i = 0; i < v->n; i++) {
        const char *w = vocab_word(&v->words, i);
        size_t len = strlen(w);
        size_t k = 0;
        while (k < len && (unsigned char)w[k] > 0x20 && w[k] != 0x7F) k++;
        if (len == 0 || k < len)
            return tz_errf(e, TZ_E_ARG,
                           "%zu. sözcük (\"%s\") boş ya da boşluk/denetim karakteri içeriyor; "
                           "word2vec ve projector biçimleri bunu tutamaz.",
                           "word %zu (\"%s\") is empty or contains a space or control character; "
                           "the word2vec and projector formats cannot hold it.",
                           i + 1, show(w, len, buf, sizeof buf));
        if (utf8_validate(w, len) < len)
            return tz_errf(e, TZ_E_ARG, "%zu. sözcük (\"%s\") geçerli UTF-8 değil.",
                           "word %zu (\"%s\") is not valid UTF-8.", i + 1,
                           show(w, len, buf, sizeof buf));
        size_t j = first_nonfinite(vectors_row(v, i), v->dim);
        if (j < v->dim)
            return tz_errf(e, TZ_E_ARG,
                           "\"%s\" sözcüğünün %zu. değeri sonlu değil (NaN ya da sonsuz): model "
                           "ıraksamış; yazılmadı. Daha küçük bir öğrenme hızıyla yeniden eğitin.",
                           "the word \"%s\" has a value that is not finite (NaN or infinity) at "
                           "position %zu: the model diverged; nothing was written. Retrain with a "
                           "smaller learning rate.",
                           show(w, len, buf, sizeof buf), j + 1);
    }
    return 0;
}

static int stream_error(FILE *f, TzErr *e)
{
    if (ferror(f))
        return tz_errf(e, TZ_E_IO, "yazma hatası (disk dolu mu?)", "write error (is the disk full?)");
    return 0;
}

/* Write rows of "%.9g" values separated by sep, in the C locale; words first if with_words. */
static int write_values(FILE *f, const Vectors *v, int with_words, char sep)
{
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t old = c ? uselocale(c) : (locale_t)0;
    char buf[32];
    for (size_t i = 0; i < v->n; i++) {
        const float *row = vectors_row(v, i);
        if (with_words) fputs(vocab_word(&v->words, i), f);
        for (size_t j = 0; j < v->dim; j++) {
            int k = snprintf(buf + 1, sizeof buf - 1, "%.9g", (double)row[j]);
            buf[0] = sep;
            if (with_words || j > 0) fwrite(buf, 1, (size_t)k + 1, f);
            else fwrite(buf + 1, 1, (size_t)k, f);
        }
        fputc('\n', f);
    }
    if (c) { uselocale(old); freelocale(c); }
    return 0;
}

int w2v_write_text(FILE *f, const Vectors *v, TzErr *e)
{
    int rc = check_writable(v, e);
    if (rc) return rc;
    fprintf(f, "%zu %zu\n", v->n, v->dim);
    write_values(f, v, 1, ' ');
    return stream_error(f, e);
}

int w2v_write_bin(FILE *f, const Vectors *v, TzErr *e)
{
    int rc = check_writable(v, e);
    if (rc) return rc;
    fprintf(f, "%zu %zu\n", v->n, v->dim);
#if W2V_BIG_ENDIAN
    uint32_t *tmp = tz_malloc(v->dim * 4);
#endif
    for (size_t i = 0; i < v->n; i++) {
        fputs(vocab_word(&v->words, i), f);
        fputc(' ', f);
#if W2V_BIG_ENDIAN
        memcpy(tmp, vectors_row(v, i), v->dim * 4);
        for (size_t j = 0; j < v->dim; j++) tmp[j] = __builtin_bswap32(tmp[j]);
        fwrite(tmp, 4, v->dim, f);
#else
        fwrite(vectors_row(v, i), sizeof(float), v->dim, f);
#endif
        fputc('\n', f);
    }
#if W2V_BIG_ENDIAN
    free(tmp);
#endif
    return stream_error(f, e);
}

static int fn_text(FILE *f, void *ud, TzErr *e) { return w2v_write_text(f, ud, e); }
static int fn_bin(FILE *f, void *ud, TzErr *e) { return w2v_write_bin(f, ud, e); }

static int fn_tsv_vectors(FILE *f, void *ud, TzErr *e)
{
    write_values(f, ud, 0, '\t');
    return stream_error(f, e);
}

static int fn_tsv_words(FILE *f, void *ud, TzErr *e)
{
    const Vectors *v = ud;
    for (size_t i = 0; i < v->n; i++) {
        fputs(vocab_word(&v->words, i), f);
        fputc('\n', f);
    }
    return stream_error(f, e);
}

int w2v_save_text(const Vectors *v, const char *path, TzErr *e)
{
    int rc = check_writable(v, e);
    return rc ? rc : tz_save_atomic(path, fn_text, (void *)v, e);
}

int w2v_save_bin(const Vectors *v, const char *path, TzErr *e)
{
    int rc = check_writable(v, e);
    return rc ? rc : tz_save_atomic(path, fn_bin, (void *)v, e);
}

static int ends_with(const char *s, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n >= k && memcmp(s + n - k, suf, k) == 0;
}

int projector_save(const Vectors *v, const char *prefix, TzErr *e)
{
    int rc = check_writable(v, e);
    if (rc) return rc;
    size_t n = strlen(prefix);
    if (ends_with(prefix, n, ".vectors.tsv")) n -= 12;
    else if (ends_with(prefix, n, ".metadata.tsv")) n -= 13;
    else if (ends_with(prefix, n, ".tsv")) n -= 4;
    if (n == 0)
        return tz_errf(e, TZ_E_ARG, "projector için bir dosya adı öneki verin (ör. vektorler).",
                       "give a file name prefix for the projector files (e.g. vectors).");
    char *path = tz_malloc(n + 16);
    snprintf(path, n + 16, "%.*s.vectors.tsv", (int)n, prefix);
    rc = tz_save_atomic(path, fn_tsv_vectors, (void *)v, e);
    if (rc == 0) {
        snprintf(path, n + 16, "%.*s.metadata.tsv", (int)n, prefix);
        rc = tz_save_atomic(path, fn_tsv_words, (void *)v, e);
    }
    free(path);
    return rc;
}
