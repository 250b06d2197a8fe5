/* err.c — error messages in two languages, and the only place the engine may abort. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int tz_errf(TzErr *e, TzCode code, const char *fmt_tr, const char *fmt_en, ...)
{
    if (!e) return code;
    va_list ap, ap2;
    va_start(ap, fmt_en);
    va_copy(ap2, ap);
    e->code = code;
    vsnprintf(e->tr, sizeof e->tr, fmt_tr, ap);
    vsnprintf(e->en, sizeof e->en, fmt_en, ap2);
    va_end(ap2);
    va_end(ap);
    return code;
}

void tz_err_clear(TzErr *e)
{
    if (!e) return;
    e->code = TZ_OK;
    e->tr[0] = e->en[0] = '\0';
}

_Noreturn void tz_die(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "tezgah: internal error at %s:%d: ", file, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

void *tz_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) tz_die(__FILE__, __LINE__, "out of memory allocating %zu bytes", n);
    return p;
}

void *tz_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) tz_die(__FILE__, __LINE__, "out of memory allocating %zu x %zu bytes", n, size);
    return p;
}

void *tz_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) tz_die(__FILE__, __LINE__, "out of memory reallocating to %zu bytes", n);
    return q;
}

char *tz_strndup(const char *s, size_t n)
{
    char *d = tz_malloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *tz_strdup(const char *s) { return tz_strndup(s, strlen(s)); }
