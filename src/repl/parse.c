/* parse.c — see parse.h. A small hand-written scanner: one pass, one state. */
#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct { char *s; size_t n, cap; } Buf;

static void buf_put(Buf *b, char c)
{
    if (b->n + 2 > b->cap) {
        b->cap = b->cap ? 2 * b->cap : 64;
        b->s = tz_realloc(b->s, b->cap);
    }
    b->s[b->n++] = c;
    b->s[b->n] = '\0';
}

static int is_key(const char *s, size_t n)
{
    if (n == 0 || !isalpha((unsigned char)s[0])) return 0;
    for (size_t i = 1; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-') return 0;
    return 1;
}

static void push_word(Args *a, Buf *w, int quoted_any, int eq_at)
{
    /* An option if there was an '=' outside quotes after a valid key. */
    if (eq_at > 0 && is_key(w->s, (size_t)eq_at)) {
        a->kv = tz_realloc(a->kv, (size_t)(a->nkv + 1) * sizeof *a->kv);
        a->kv[a->nkv].key = tz_strndup(w->s, (size_t)eq_at);
        a->kv[a->nkv].val = tz_strdup(w->s + eq_at + 1);
        a->kv[a->nkv].used = 0;
        a->nkv++;
    } else {
        (void)quoted_any;
        a->argv = tz_realloc(a->argv, (size_t)(a->argc + 2) * sizeof *a->argv);
        a->argv[a->argc++] = tz_strdup(w->s ? w->s : "");
        a->argv[a->argc] = NULL;
    }
    w->n = 0;
    if (w->s) w->s[0] = '\0';
}

int parse_command(const char *line, Args *a, TzErr *e)
{
    memset(a, 0, sizeof *a);
    Buf w = { 0 };
    size_t i = 0, n = strlen(line);
    while (i < n) {
        while (i < n && isspace((unsigned char)line[i])) i++;
        if (i >= n) break;
        if (line[i] == '#') break;                  /* comment */
        int in_word = 0, quoted_any = 0, eq_at = -1;
        w.n = 0;
        buf_put(&w, 'x'); w.n = 0; w.s[0] = '\0';   /* make sure w.s exists */
        while (i < n && !isspace((unsigned char)line[i])) {
            char c = line[i];
            if (c == '"' || c == '\'') {
                char q = c;
                size_t start = i++;
                while (i < n && line[i] != q) {
                    if (q == '"' && line[i] == '\\' && i + 1 < n &&
                        (line[i + 1] == '"' || line[i + 1] == '\\')) i++;
                    buf_put(&w, line[i++]);
                }
                if (i >= n) {
                    free(w.s);
                    args_free(a);
                    return tz_errf(e, TZ_E_ARG,
                                   "tırnak (%c) %zu. karakterde açılmış ama kapanmamış.",
                                   "the quote (%c) opened at character %zu is never closed.",
                                   q, start + 1);
                }
                i++;                                 /* closing quote */
                quoted_any = 1;
            } else {
                if (c == '=' && eq_at < 0 && !quoted_any) eq_at = (int)w.n;
                buf_put(&w, c);
                i++;
            }
            in_word = 1;
        }
        if (in_word) push_word(a, &w, quoted_any, eq_at);
    }
    free(w.s);
    return 0;
}

void args_free(Args *a)
{
    for (int i = 0; i < a->argc; i++) free(a->argv[i]);
    free(a->argv);
    for (int i = 0; i < a->nkv; i++) { free(a->kv[i].key); free(a->kv[i].val); }
    free(a->kv);
    memset(a, 0, sizeof *a);
}

char **split_commands(const char *line)
{
    char **v = NULL;
    size_t nv = 0, n = strlen(line), start = 0;
    char q = 0;
    for (size_t i = 0; i <= n; i++) {
        char c = line[i];
        if (q) {
            if (c == '\\' && q == '"' && i + 1 < n) { i++; continue; }
            if (c == q) q = 0;
            else if (c == '\0') { /* unterminated: keep the rest as one command */ }
            if (c != '\0') continue;
        } else if (c == '"' || c == '\'') { q = c; continue; }
        if (c == ';' || c == '\0' || (c == '#' && (i == 0 || isspace((unsigned char)line[i - 1])))) {
            v = tz_realloc(v, (nv + 2) * sizeof *v);
            v[nv++] = tz_strndup(line + start, i - start);
            if (c == '#') break;                     /* a comment ends the line */
            start = i + 1;
        }
    }
    if (!v) v = tz_calloc(1, sizeof *v);
    v[nv] = NULL;
    return v;
}

void free_strv(char **v)
{
    if (!v) return;
    for (char **p = v; *p; p++) free(*p);
    free(v);
}

char *args_join(const Args *a, int from)
{
    size_t len = 0;
    for (int i = from; i < a->argc; i++) len += strlen(a->argv[i]) + 1;
    char *s = tz_calloc(len + 1, 1), *p = s;
    for (int i = from; i < a->argc; i++) {
        size_t n = strlen(a->argv[i]);
        if (i > from) *p++ = ' ';
        memcpy(p, a->argv[i], n);
        p += n;
    }
    return s;
}

const char *arg_str(Args *a, const char *key, const char *def)
{
    for (int i = a->nkv - 1; i >= 0; i--)          /* the last one given wins */
        if (strcmp(a->kv[i].key, key) == 0) {
            for (int j = 0; j < a->nkv; j++) if (strcmp(a->kv[j].key, key) == 0) a->kv[j].used = 1;
            return a->kv[i].val;
        }
    return def;
}

int arg_long(Args *a, const char *key, long def, long lo, long hi, long *out, TzErr *e)
{
    const char *s = arg_str(a, key, NULL);
    if (!s) { *out = def; return 0; }
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || errno)
        return tz_errf(e, TZ_E_ARG, "%s=%s: tam sayı bekleniyordu (örnek: %s=%ld).",
                       "%s=%s: expected a whole number (for example %s=%ld).", key, s, key, def);
    if (v < lo || v > hi)
        return tz_errf(e, TZ_E_ARG, "%s=%ld: %ld ile %ld arasında olmalı.",
                       "%s=%ld: must be between %ld and %ld.", key, v, lo, hi);
    *out = v;
    return 0;
}

int arg_double(Args *a, const char *key, double def, double lo, double hi, double *out, TzErr *e)
{
    const char *s = arg_str(a, key, NULL);
    if (!s) { *out = def; return 0; }
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (*s == '\0' || *end != '\0' || errno || !isfinite(v))
        return tz_errf(e, TZ_E_ARG, "%s=%s: sayı bekleniyordu (örnek: %s=%g).",
                       "%s=%s: expected a number (for example %s=%g).", key, s, key, def);
    if (v < lo || v > hi)
        return tz_errf(e, TZ_E_ARG, "%s=%g: %g ile %g arasında olmalı.",
                       "%s=%g: must be between %g and %g.", key, v, lo, hi);
    *out = v;
    return 0;
}
