/* corpus.c — see corpus.h. */
#include "corpus.h"
#include "io.h"
#include "tokenize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void corpus_free(Corpus *c)
{
    vocab_free(&c->vocab);
    free(c->ids);
    free(c->sent);
    memset(c, 0, sizeof *c);
}

typedef struct {
    Corpus *c;
    size_t cap_ids, cap_sent;
} Loader;

static void push_token(Loader *L, const char *w, size_t len)
{
    Corpus *c = L->c;
    if (c->ntokens == L->cap_ids) {
        L->cap_ids = L->cap_ids ? 2 * L->cap_ids : 1 << 16;
        c->ids = tz_realloc(c->ids, L->cap_ids * sizeof *c->ids);
    }
    c->ids[c->ntokens++] = (uint32_t)vocab_add(&c->vocab, w, len, 1);
}

static void end_sentence(Loader *L, size_t start)
{
    Corpus *c = L->c;
    if (c->ntokens == start) return;               /* empty line: no sentence */
    if (c->nsent + 2 > L->cap_sent) {
        L->cap_sent = L->cap_sent ? 2 * L->cap_sent : 1 << 12;
        c->sent = tz_realloc(c->sent, L->cap_sent * sizeof *c->sent);
    }
    c->sent[c->nsent++] = start;
}

static int on_token(void *ud, const char *text, size_t len, TokKind kind, size_t off)
{
    (void)kind; (void)off;
    push_token(ud, text, len);
    return 0;
}

int corpus_load(Corpus *c, const char *path, TzLang lang, int prepared, Job *job, TzErr *e)
{
    memset(c, 0, sizeof *c);
    TzFile f;
    if (tz_file_map(&f, path, e)) return e ? e->code : TZ_E_IO;
    int rc = tz_check_text(path, f.data, f.size, e);
    if (rc) { tz_file_unmap(&f); return rc; }

    snprintf(c->path, sizeof c->path, "%s", path);
    c->lang = lang;
    c->prepared = prepared;
    c->bytes = f.size;
    vocab_init(&c->vocab);
    Loader L = { .c = c };
    TokOptions opt = tok_options_corpus(lang);
    const char *d = f.data;
    size_t n = f.size, pos = 0, next_report = 0;
    if (n >= 3 && memcmp(d, "\xEF\xBB\xBF", 3) == 0) pos = 3;   /* skip a UTF-8 byte-order mark */
    while (pos < n) {
        const char *nl = memchr(d + pos, '\n', n - pos);
        size_t end = nl ? (size_t)(nl - d) : n;
        size_t start_tok = c->ntokens;
        if (prepared) {
            /* split on single spaces (and tolerate tabs / CR) */
            size_t i = pos;
            while (i < end) {
                while (i < end && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r')) i++;
                size_t s = i;
                while (i < end && d[i] != ' ' && d[i] != '\t' && d[i] != '\r') i++;
                if (i > s) push_token(&L, d + s, i - s);
            }
        } else {
            tz_tokenize(d + pos, end - pos, &opt, on_token, &L);
        }
        end_sentence(&L, start_tok);
        pos = end + 1;
        if (pos >= next_report) {
            job_report(job, (int64_t)(pos < n ? pos : n), (int64_t)n);
            next_report = pos + (1 << 20);
            if (job_cancelled(job)) {
                tz_file_unmap(&f);
                corpus_free(c);
                return tz_errf(e, TZ_E_CANCELLED, "yükleme durduruldu", "loading stopped");
            }
        }
    }
    tz_file_unmap(&f);
    if (c->sent) c->sent[c->nsent] = c->ntokens;
    if (c->ntokens == 0) {
        corpus_free(c);
        return tz_errf(e, TZ_E_FORMAT, "'%s' içinde hiç sözcük yok (yalnızca boşluk ya da noktalama).",
                       "'%s' holds no words (only spaces or punctuation).", path);
    }
    /* Renumber ids into frequency order: id 0 = most frequent word. */
    int64_t *remap;
    vocab_sort(&c->vocab, 1, &remap);
    for (size_t i = 0; i < c->ntokens; i++) c->ids[i] = (uint32_t)remap[c->ids[i]];
    free(remap);
    job_report(job, (int64_t)n, (int64_t)n);
    return 0;
}

/* --- preparing a raw corpus file ------------------------------------------------------ */

typedef struct {
    const char *data;
    size_t n;
    TzLang lang;
    CorpusStats *st;
    Vocab types;
    FILE *out;
    int first;
} Prep;

static int prep_token(void *ud, const char *text, size_t len, TokKind kind, size_t off)
{
    (void)kind; (void)off;
    Prep *p = ud;
    if (!p->first) fputc(' ', p->out);
    fwrite(text, 1, len, p->out);
    p->first = 0;
    p->st->tokens++;
    vocab_add(&p->types, text, len, 1);
    return 0;
}

static int prep_write(FILE *out, void *ud, TzErr *e)
{
    (void)e;
    Prep *p = ud;
    p->out = out;
    TokOptions opt = tok_options_corpus(p->lang);
    size_t pos = (p->n >= 3 && memcmp(p->data, "\xEF\xBB\xBF", 3) == 0) ? 3 : 0;   /* BOM */
    while (pos < p->n) {
        const char *nl = memchr(p->data + pos, '\n', p->n - pos);
        size_t end = nl ? (size_t)(nl - p->data) : p->n;
        p->first = 1;
        tz_tokenize(p->data + pos, end - pos, &opt, prep_token, p);
        if (!p->first) { fputc('\n', out); p->st->sentences++; }
        pos = end + 1;
    }
    return 0;
}

int corpus_prepare(const char *raw, const char *out, TzLang lang, CorpusStats *st, TzErr *e)
{
    TzFile f;
    if (tz_file_map(&f, raw, e)) return e ? e->code : TZ_E_IO;
    int rc = tz_check_text(raw, f.data, f.size, e);
    if (rc) { tz_file_unmap(&f); return rc; }
    CorpusStats local = { 0 };
    Prep p = { .data = f.data, .n = f.size, .lang = lang, .st = st ? st : &local };
    memset(p.st, 0, sizeof *p.st);
    vocab_init(&p.types);
    rc = tz_save_atomic(out, prep_write, &p, e);
    p.st->types = p.types.size;
    vocab_free(&p.types);
    tz_file_unmap(&f);
    return rc;
}
