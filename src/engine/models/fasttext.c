/* fasttext.c — see fasttext.h. The n-gram walk, the hash, word vectors and the Vectors
 * table; reading and writing files is in formats/fasttext_bin.c. */
#include "models/fasttext.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define FT_BIG_ENDIAN 1
#else
#define FT_BIG_ENDIAN 0
#endif

void ft_args_default(FtArgs *a)
{
    memset(a, 0, sizeof *a);
    a->dim = 100;
    a->ws = 5;
    a->epoch = 5;
    a->min_count = 5;
    a->neg = 5;
    a->word_ngrams = 1;
    a->loss = FT_LOSS_NS;
    a->model = FT_MODEL_SG;
    a->bucket = 2000000;
    a->minn = 3;
    a->maxn = 6;
    a->lr_update_rate = 100;
    a->t = 1e-4;
    strcpy(a->label, "__label__");
}

void ft_free(FastText *ft)
{
    if (!ft) return;
    vocab_free(&ft->dict);
    free(ft->type);
    free(ft->pruneidx);
    tz_file_unmap(&ft->file);
    free(ft->owned);
    free(ft->owned_out);
    memset(ft, 0, sizeof *ft);
}

/* ---- hashing and n-grams ------------------------------------------------------------------ */

/* FNV-1a step with fastText's signed char: (int8_t)0xC4 = -60 → 0xFFFFFFC4 as uint32. */
static inline uint32_t fnv_step(uint32_t h, char c)
{
    return (h ^ (uint32_t)(int32_t)(int8_t)c) * 16777619u;
}

uint32_t ft_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = fnv_step(h, s[i]);
    return h;
}

static int is_cont(char c) { return ((unsigned char)c & 0xC0) == 0x80; }  /* 10xxxxxx */

int ft_ngrams(const char *word, size_t n, int minn, int maxn, FtNgramFn fn, void *ud)
{
    if (maxn <= 0 || (n == 4 && memcmp(word, "</s>", 4) == 0)) return 0;
    /* "<" + word + ">" on the stack when short (almost always), else on the heap. */
    char small[256];
    size_t len = n + 2;
    char *s = len <= sizeof small ? small : tz_malloc(len);
    s[0] = '<';
    memcpy(s + 1, word, n);
    s[len - 1] = '>';
    int rc = 0;
    for (size_t i = 0; i < len && !rc; i++) {
        if (is_cont(s[i])) continue;              /* n-grams start on a character */
        uint32_t h = 2166136261u;
        size_t j = i;
        /* Grow the n-gram one character (its lead byte and continuation bytes) at a time,
         * updating the hash as we go: each length costs only its new bytes. */
        for (int chars = 1; j < len && chars <= maxn; chars++) {
            h = fnv_step(h, s[j++]);
            while (j < len && is_cont(s[j])) h = fnv_step(h, s[j++]);
            /* A lone "<" or ">" is not an n-gram (matters only when minn = 1). */
            if (chars >= minn && !(chars == 1 && (i == 0 || j == len)))
                rc = fn(s + i, j - i, h, ud);
            if (rc) break;
        }
    }
    if (s != small) free(s);
    return rc;
}

int64_t ft_ngram_row(const FastText *ft, uint32_t h)
{
    if (ft->args.bucket <= 0) return -1;
    int64_t b = (int64_t)(h % (uint32_t)ft->args.bucket);
    if (ft->pruneidx_size >= 0) {                 /* pruned: only the kept buckets have rows */
        size_t lo = 0, hi = (size_t)ft->pruneidx_size;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (ft->pruneidx[2 * mid] < b) lo = mid + 1;
            else hi = mid;
        }
        if (lo == (size_t)ft->pruneidx_size || ft->pruneidx[2 * lo] != b) return -1;
        b = ft->pruneidx[2 * lo + 1];
    }
    return (int64_t)ft->nwords_file + b;
}

/* ---- rows --------------------------------------------------------------------------------- */

static inline float load_f32(const char *p)
{
    uint32_t b;
    memcpy(&b, p, 4);
#if FT_BIG_ENDIAN
    b = __builtin_bswap32(b);
#endif
    float x;
    memcpy(&x, &b, 4);
    return x;
}

void ft_input_row(const FastText *ft, size_t r, float *out)
{
    TZ_ASSERT(r < ft->in_rows);
    size_t D = (size_t)ft->args.dim;
    const char *p = ft->input + r * D * 4;
    for (size_t j = 0; j < D; j++) out[j] = load_f32(p + 4 * j);
}

void ft_add_input_row(const FastText *ft, size_t r, float *out)
{
    TZ_ASSERT(r < ft->in_rows);
    size_t D = (size_t)ft->args.dim;
    const char *p = ft->input + r * D * 4;
    for (size_t j = 0; j < D; j++) out[j] += load_f32(p + 4 * j);
}

/* ---- subwords ----------------------------------------------------------------------------- */

static int64_t word_id(const FastText *ft, const char *w, size_t n)
{
    int64_t id = vocab_find(&ft->dict, w, n);
    return id >= 0 && ft->type[id] == FT_ENTRY_WORD ? id : -1;
}

typedef struct { const FastText *ft; float *out; size_t count; } SumCtx;

static int add_ngram(const char *g, size_t len, uint32_t h, void *ud)
{
    (void)g; (void)len;
    SumCtx *c = ud;
    int64_t r = ft_ngram_row(c->ft, h);
    if (r >= 0 && (size_t)r < c->ft->in_rows) {
        ft_add_input_row(c->ft, (size_t)r, c->out);
        c->count++;
    }
    return 0;
}

size_t ft_word_vector(const FastText *ft, const char *word, float *out)
{
    size_t D = (size_t)ft->args.dim, n = strlen(word);
    memset(out, 0, D * sizeof *out);
    SumCtx c = {ft, out, 0};
    int64_t id = word_id(ft, word, n);
    if (id >= 0) {
        ft_add_input_row(ft, (size_t)id, out);
        c.count++;
    }
    ft_ngrams(word, n, ft->args.minn, ft->args.maxn, add_ngram, &c);
    /* fastText multiplies by the reciprocal (Vector::mul(1.0 / n)), in float: do the same so
     * that the last bit agrees too. */
    if (c.count > 0) {
        float inv = (float)(1.0 / (double)c.count);
        for (size_t j = 0; j < D; j++) out[j] *= inv;
    }
    return c.count;
}

typedef struct { FtSubwordList *l; size_t cap, pool_len, pool_cap; const FastText *ft; } ListCtx;

static void list_push(ListCtx *c, const char *g, size_t len, uint32_t h, int64_t row, int is_word)
{
    FtSubwordList *l = c->l;
    if (l->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 16;
        l->items = tz_realloc(l->items, c->cap * sizeof *l->items);
    }
    if (c->pool_len + len + 1 > c->pool_cap) {
        while (c->pool_len + len + 1 > c->pool_cap) c->pool_cap = c->pool_cap ? 2 * c->pool_cap : 256;
        l->pool = tz_realloc(l->pool, c->pool_cap);
    }
    memcpy(l->pool + c->pool_len, g, len);
    l->pool[c->pool_len + len] = '\0';
    /* text is an offset for now: the pool may still move; fixed up at the end */
    l->items[l->n++] = (FtSubword){(const char *)(uintptr_t)c->pool_len, h, row, is_word};
    c->pool_len += len + 1;
}

static int list_ngram(const char *g, size_t len, uint32_t h, void *ud)
{
    ListCtx *c = ud;
    list_push(c, g, len, h, ft_ngram_row(c->ft, h), 0);
    return 0;
}

void ft_subwords(const FastText *ft, const char *word, FtSubwordList *out)
{
    memset(out, 0, sizeof *out);
    ListCtx c = {out, 0, 0, 0, ft};
    size_t n = strlen(word);
    int64_t id = word_id(ft, word, n);
    if (id >= 0) list_push(&c, word, n, ft_hash(word, n), id, 1);
    ft_ngrams(word, n, ft->args.minn, ft->args.maxn, list_ngram, &c);
    for (size_t i = 0; i < out->n; i++)
        out->items[i].text = out->pool + (uintptr_t)out->items[i].text;
}

void ft_subwords_free(FtSubwordList *l)
{
    if (!l) return;
    free(l->items);
    free(l->pool);
    memset(l, 0, sizeof *l);
}

/* ---- the Vectors table -------------------------------------------------------------------- */

int ft_to_vectors(const FastText *ft, size_t limit, Vectors *v, Job *job, TzErr *e)
{
    memset(v, 0, sizeof *v);
    size_t rows = ft->nwords, D = (size_t)ft->args.dim;
    if (limit && limit < rows) rows = limit;
    if (rows == 0 || D == 0)
        return tz_errf(e, TZ_E_ARG, "fastText modelinin sözlüğünde hiç sözcük yok.",
                       "the fastText model has no words in its dictionary.");
    double gb = (double)rows * (double)D * 4.0 / 1e9;
    double ram = tz_phys_bytes();
    if (ram > 0 && gb * 1e9 > 0.5 * ram) {
        size_t fit = (size_t)(0.25 * ram / (4.0 * (double)D));
        return tz_errf(e, TZ_E_NOMEM,
                       "%zu sözcük × %zu boyutluk vektör tablosu ≈ %.3g GB bellek ister, bu "
                       "makinede %.3g GB var. Daha az sözcük alın, ör. limit=%zu (en sık "
                       "sözcükler başta gelir).",
                       "a table of %zu words × %zu dimensions needs ≈ %.3g GB of memory, this "
                       "machine has %.3g GB. Take fewer words, e.g. limit=%zu (the most frequent "
                       "come first).",
                       rows, D, gb, ram / 1e9, fit);
    }
    Vectors t;
    vectors_init(&t, rows, D);
    for (size_t i = 0; i < rows; i++) {
        const char *w = vocab_word(&ft->dict, i);
        TZ_ASSERT(vocab_add(&t.words, w, strlen(w), ft->dict.counts[i]) == i);
        ft_word_vector(ft, w, t.data + i * D);
        if ((i & 4095) == 4095) {
            if (job_cancelled(job)) {
                vectors_free(&t);
                return tz_errf(e, TZ_E_CANCELLED, "durduruldu.", "stopped.");
            }
            job_report(job, (int64_t)i + 1, (int64_t)rows);
        }
    }
    job_report(job, (int64_t)rows, (int64_t)rows);
    vectors_normalize(&t);
    *v = t;
    return 0;
}
