/* err.h — how the engine reports trouble.
 *
 * Two kinds of trouble, kept apart on purpose (DESIGN.md §4):
 *  - a broken invariant inside the engine is a bug: TZ_ASSERT aborts loudly with file and line;
 *  - a user or file error (missing file, bad bytes, unknown word) is *returned*: the function
 *    fills a TzErr and returns non-zero, and the REPL prints the message and carries on.
 * The engine never prints to the user, so a TzErr carries the message in both languages
 * (Turkish and English); the REPL picks the one the user asked for with `lang`.
 */
#ifndef TZ_ERR_H
#define TZ_ERR_H

#include <stddef.h>

typedef enum {
    TZ_OK = 0,
    TZ_E_IO,        /* open/read/write failed, or missing file */
    TZ_E_FORMAT,    /* the bytes are not what the format says: bad UTF-8, bad magic, truncation */
    TZ_E_ARG,       /* a bad argument from the user */
    TZ_E_NOMEM,     /* a request that cannot fit in memory (refused before allocating) */
    TZ_E_CANCELLED, /* a job was stopped by the user */
    TZ_E_NOTFOUND,  /* a named thing (corpus, word, lesson) does not exist */
    TZ_E_NUMERIC    /* training diverged: a loss or gradient became NaN or infinite */
} TzCode;

typedef struct {
    TzCode code;
    char tr[512]; /* the message in Turkish */
    char en[512]; /* the same message in English */
} TzErr;

/* Fill e (if not NULL) with a code and a message in both languages. The two format strings
 * take the same arguments in the same order. Returns code, so `return tz_errf(...)` reads well. */
int tz_errf(TzErr *e, TzCode code, const char *fmt_tr, const char *fmt_en, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 5)))
#endif
    ;
void tz_err_clear(TzErr *e);

/* Abort with a message that names the file and line: used for bugs and out-of-memory only. */
_Noreturn void tz_die(const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#define TZ_ASSERT(cond) \
    do { if (!(cond)) tz_die(__FILE__, __LINE__, "assertion failed: %s", #cond); } while (0)

/* Checked allocation: on failure, abort with the size (out of memory is not a user error;
 * requests that are too big are refused earlier, with an estimate, by the caller). */
void *tz_malloc(size_t n);
void *tz_calloc(size_t n, size_t size);
void *tz_realloc(void *p, size_t n);
char *tz_strdup(const char *s);
char *tz_strndup(const char *s, size_t n);

#endif
