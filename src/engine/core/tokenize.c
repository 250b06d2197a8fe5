/* tokenize.c — see tokenize.h for the rules. One left-to-right pass over the code points. */
#include "tokenize.h"
#include "err.h"

#include <stdlib.h>
#include <string.h>

TokOptions tok_options_corpus(TzLang lang)
{
    TokOptions o = { .lang = lang, .lower = 1, .keep_punct = 0, .split_apostrophe = 1 };
    return o;
}

/* Peek at the code point at s[i]; returns its byte length (1 for an invalid byte, with cp
 * set to U+FFFD so that it is neither letter nor digit). */
static int peek(const char *s, size_t n, size_t i, uint32_t *cp)
{
    if (i >= n) { *cp = 0; return 0; }
    int k = utf8_decode(s + i, n - i, cp);
    return k ? k : 1;
}

static int is_word_char(uint32_t cp) { return tz_is_letter(cp) || tz_is_mark(cp) || tz_is_digit(cp); }

/* A scratch buffer that grows to fit the longest token (a 10 MB line of letters is one token). */
typedef struct { char *buf; size_t cap; } Scratch;

static int emit(Scratch *sc, const char *s, size_t start, size_t end, TokKind kind,
                const TokOptions *o, TokFn fn, void *ud, size_t *count)
{
    size_t len = end - start;
    if (kind == TOK_PUNCT && !o->keep_punct) return 0;
    if (sc->cap < 2 * len + 1) {
        sc->cap = 2 * len + 64;
        sc->buf = tz_realloc(sc->buf, sc->cap);
    }
    /* Normalise apostrophes to ASCII ', then lower-case words if asked. */
    size_t w = 0;
    for (size_t i = start; i < end;) {
        uint32_t cp;
        int k = peek(s, end, i, &cp);
        if (kind != TOK_PUNCT && tz_is_apostrophe(cp)) sc->buf[w++] = '\'';
        else { memcpy(sc->buf + w, s + i, (size_t)k); w += (size_t)k; }
        i += (size_t)k;
    }
    if (o->lower && kind != TOK_PUNCT) {
        /* tz_lower needs 2*w+1 bytes of output: lower-case from a copy at the far end. */
        if (sc->cap < 3 * w + 1) { sc->cap = 3 * w + 64; sc->buf = tz_realloc(sc->buf, sc->cap); }
        memmove(sc->buf + 2 * w + 1, sc->buf, w);
        w = tz_lower(sc->buf + 2 * w + 1, w, o->lang, sc->buf);
    }
    sc->buf[w] = '\0';
    (*count)++;
    return fn ? fn(ud, sc->buf, w, kind, start) : 0;
}

size_t tz_tokenize(const char *s, size_t n, const TokOptions *o, TokFn fn, void *ud)
{
    Scratch sc = { 0 };
    size_t count = 0, i = 0;
    int stop = 0;
    while (i < n && !stop) {
        uint32_t cp;
        int k = peek(s, n, i, &cp);
        if (tz_is_space(cp) || (cp == 0xFFFD && utf8_decode(s + i, n - i, &cp) == 0)) {
            i += (size_t)k;                          /* separators: space, invalid byte */
            continue;
        }
        size_t start = i;
        if (tz_is_letter(cp) || tz_is_mark(cp) || tz_is_digit(cp)) {
            int has_letter = !tz_is_digit(cp);
            i += (size_t)k;
            for (;;) {
                uint32_t c, d;
                int kc = peek(s, n, i, &c);
                if (kc == 0) break;
                if (is_word_char(c)) {
                    if (!tz_is_digit(c)) has_letter = 1;
                    i += (size_t)kc;
                    continue;
                }
                int kd = peek(s, n, i + (size_t)kc, &d);
                /* inner . , : between digits of a number */
                if (!has_letter && (c == '.' || c == ',' || c == ':') && kd && tz_is_digit(d)) {
                    i += (size_t)kc;
                    continue;
                }
                /* inner hyphen between word characters */
                if ((c == '-' || c == 0x2010) && kd && is_word_char(d)) {
                    i += (size_t)kc;
                    continue;
                }
                /* apostrophe followed by a letter: a suffix ("Türkiye'de", "1990'larda") */
                if (tz_is_apostrophe(c) && kd && tz_is_letter(d)) {
                    if (o->split_apostrophe) break;      /* the suffix starts a new token */
                    i += (size_t)kc;
                    has_letter = 1;
                    continue;
                }
                break;
            }
            stop = emit(&sc, s, start, i, has_letter ? TOK_WORD : TOK_NUMBER, o, fn, ud, &count);
            /* A split suffix: the apostrophe plus the letters after it, one token. */
            uint32_t c, d;
            int kc = peek(s, n, i, &c);
            if (!stop && kc && tz_is_apostrophe(c) && o->split_apostrophe) {
                int kd = peek(s, n, i + (size_t)kc, &d);
                if (kd && tz_is_letter(d)) {
                    size_t sstart = i;
                    i += (size_t)kc;
                    for (;;) {
                        int ke = peek(s, n, i, &c);
                        if (ke == 0 || !(tz_is_letter(c) || tz_is_mark(c))) break;
                        i += (size_t)ke;
                    }
                    stop = emit(&sc, s, sstart, i, TOK_WORD, o, fn, ud, &count);
                }
            }
            continue;
        }
        /* punctuation or symbol: one character, or a run of the same ASCII mark */
        i += (size_t)k;
        if (cp < 0x80)
            while (i < n && (unsigned char)s[i] == cp) i++;
        stop = emit(&sc, s, start, i, TOK_PUNCT, o, fn, ud, &count);
    }
    free(sc.buf);
    return count;
}

typedef struct { char **toks; TokKind *kinds; size_t n, cap; } TokList;

static int collect(void *ud, const char *text, size_t len, TokKind kind, size_t offset)
{
    (void)offset;
    TokList *l = ud;
    if (l->n + 2 > l->cap) {
        l->cap = l->cap ? 2 * l->cap : 16;
        l->toks = tz_realloc(l->toks, l->cap * sizeof *l->toks);
        l->kinds = tz_realloc(l->kinds, l->cap * sizeof *l->kinds);
    }
    l->kinds[l->n] = kind;
    l->toks[l->n++] = tz_strndup(text, len);
    return 0;
}

char **tz_tokens(const char *s, size_t n, const TokOptions *o, size_t *count, TokKind **kinds)
{
    TokList l = { 0 };
    tz_tokenize(s, n, o, collect, &l);
    if (!l.toks) { l.toks = tz_malloc(sizeof *l.toks); l.kinds = tz_malloc(sizeof *l.kinds); }
    l.toks[l.n] = NULL;
    if (count) *count = l.n;
    if (kinds) *kinds = l.kinds; else free(l.kinds);
    return l.toks;
}

void tz_tokens_free(char **toks)
{
    if (!toks) return;
    for (char **t = toks; *t; t++) free(*t);
    free(toks);
}
