/* out.c — see out.h. */
#include "out.h"
#include "i18n.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

long g_script_line = 0;
const char *g_script_name = NULL;
int g_color = 0;

static char *cap_buf;
static size_t cap_len, cap_cap;
static int capturing;

static void cap_append(const char *s, size_t n)
{
    if (!capturing) return;
    if (cap_len + n + 1 > cap_cap) {
        cap_cap = (cap_len + n + 1) * 2;
        cap_buf = tz_realloc(cap_buf, cap_cap);
    }
    memcpy(cap_buf + cap_len, s, n);
    cap_len += n;
    cap_buf[cap_len] = '\0';
}

void out_capture_start(void)
{
    capturing = 1;
    cap_len = 0;
    if (cap_buf) cap_buf[0] = '\0';
}

char *out_capture_take(void)
{
    capturing = 0;
    char *s = tz_strndup(cap_buf ? cap_buf : "", cap_len);
    cap_len = 0;
    return s;
}

void say_raw(const char *s, size_t n)
{
    fwrite(s, 1, n, stdout);
    fflush(stdout);
    cap_append(s, n);
}

static void vsay(FILE *f, const char *prefix, const char *fmt, va_list ap)
{
    char small[1024];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    char *s = small;
    if (n >= (int)sizeof small) {
        s = tz_malloc((size_t)n + 1);
        vsnprintf(s, (size_t)n + 1, fmt, ap2);
    }
    va_end(ap2);
    if (prefix) { fputs(prefix, f); cap_append(prefix, strlen(prefix)); }
    fwrite(s, 1, (size_t)(n > 0 ? n : 0), f);
    fflush(f);
    cap_append(s, (size_t)(n > 0 ? n : 0));
    if (s != small) free(s);
}

void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(stdout, NULL, fmt, ap);
    va_end(ap);
}

void say_error(const char *fmt, ...)
{
    char prefix[600];
    fflush(stdout);
    if (g_script_line > 0)
        snprintf(prefix, sizeof prefix, "%s%s%s %ld: %s: ", col_err(),
                 g_script_name ? g_script_name : "", g_script_name ? M(", satır", ", line") : M("satır", "line"),
                 g_script_line, M("hata", "error"));
    else
        snprintf(prefix, sizeof prefix, "%s%s: ", col_err(), M("hata", "error"));
    va_list ap;
    va_start(ap, fmt);
    vsay(stderr, prefix, fmt, ap);
    va_end(ap);
    fputs(col_off(), stderr);
    fputc('\n', stderr);
    cap_append("\n", 1);
    fflush(stderr);
}

void say_tzerr(const TzErr *e) { say_error("%s", M(e->tr, e->en)); }

const char *col_bold(void) { return g_color ? "\033[1m" : ""; }
const char *col_dim(void) { return g_color ? "\033[2m" : ""; }
const char *col_err(void) { return g_color ? "\033[31m" : ""; }
const char *col_ok(void) { return g_color ? "\033[32m" : ""; }
const char *col_cmd(void) { return g_color ? "\033[36m" : ""; }
const char *col_off(void) { return g_color ? "\033[0m" : ""; }

const char *fmt_int(long long v, char buf[32])
{
    char digits[32];
    int neg = v < 0;
    unsigned long long u = neg ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    int n = snprintf(digits, sizeof digits, "%llu", u);
    char sep = g_lang == TZ_LANG_TR ? '.' : ',';
    int o = 0;
    if (neg) buf[o++] = '-';
    for (int i = 0; i < n; i++) {
        buf[o++] = digits[i];
        if ((n - 1 - i) % 3 == 0 && i != n - 1) buf[o++] = sep;
    }
    buf[o] = '\0';
    return buf;
}

int pad(const char *s, int width)
{
    int n = (int)utf8_length(s, strlen(s));
    return n < width ? width - n : 0;
}

const char *fmt_real(double v, int prec, char buf[32])
{
    snprintf(buf, 32, "%.*f", prec, v);
    if (g_lang == TZ_LANG_TR) {
        char *dot = strchr(buf, '.');
        if (dot) *dot = ',';
    }
    return buf;
}

const char *fmt_bytes(double v, char buf[32])
{
    char b[32];
    if (v >= 1e12) snprintf(buf, 32, "%.24s TB", fmt_real(v / 1e12, 2, b));
    else if (v >= 1e9) snprintf(buf, 32, "%.24s GB", fmt_real(v / 1e9, 2, b));
    else if (v >= 1e6) snprintf(buf, 32, "%.24s MB", fmt_real(v / 1e6, 1, b));
    else snprintf(buf, 32, "%.24s kB", fmt_real(v / 1e3, 1, b));
    return buf;
}

/* Is p[0 … n) the start of a UTF-8 character that needs more bytes? */
static int utf8_incomplete(const unsigned char *p, size_t n)
{
    if (n == 0 || n > 3) return 0;
    size_t need = p[0] >= 0xF0 && p[0] <= 0xF4 ? 4 : p[0] >= 0xE0 && p[0] <= 0xEF ? 3 : p[0] >= 0xC2 && p[0] <= 0xDF ? 2 : 0;
    if (need <= n) return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80) return 0;
    return 1;
}

void say_stream(SayStream *st, const char *s, size_t n)
{
    char *b = tz_malloc(st->npend + n + 1);
    memcpy(b, st->pend, st->npend);
    memcpy(b + st->npend, s, n);
    size_t len = st->npend + n, i = 0;
    st->npend = 0;
    while (i < len) {
        size_t ok = i + utf8_validate(b + i, len - i);
        if (ok > i) say_raw(b + i, ok - i);
        if (ok == len) break;
        if (utf8_incomplete((const unsigned char *)b + ok, len - ok)) {   /* wait for the rest */
            memcpy(st->pend, b + ok, len - ok);
            st->npend = len - ok;
            break;
        }
        say_raw("\xEF\xBF\xBD", 3);   /* a byte that is no part of any character: U+FFFD */
        i = ok + 1;
    }
    free(b);
}
