/* bpe.c — byte-level BPE: pre-tokenisation, training with incremental pair counts,
 * encoding by merge rank, decoding. See bpe.h for the idea and the references. */
#include "text/bpe.h"

#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/utf8.h"

/* ---------------------------------------------------------------- the tokenizer itself */

static uint64_t pair_key(int32_t a, int32_t b) { return ((uint64_t)(uint32_t)a << 32) | (uint32_t)b; }

/* Mix the 64-bit pair key into a table slot (splitmix64's finaliser: neighbouring keys
 * like (5,7) and (5,8) must land far apart). */
static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30; x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27; x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static void map_init(BpePairMap *m, size_t cap)
{
    m->cap = cap;
    m->n = 0;
    m->key = tz_malloc(cap * sizeof *m->key);
    m->val = tz_malloc(cap * sizeof *m->val);
    memset(m->key, 0xff, cap * sizeof *m->key);
}

static void map_free(BpePairMap *m)
{
    free(m->key);
    free(m->val);
    memset(m, 0, sizeof *m);
}

/* The slot that holds key, or the empty slot where it would go. */
static size_t map_slot(const BpePairMap *m, uint64_t key)
{
    size_t mask = m->cap - 1, i = (size_t)mix64(key) & mask;
    while (m->key[i] != UINT64_MAX && m->key[i] != key) i = (i + 1) & mask;
    return i;
}

static int32_t map_get(const BpePairMap *m, uint64_t key)
{
    size_t i = map_slot(m, key);
    return m->key[i] == key ? m->val[i] : -1;
}

/* Insert or overwrite; the table doubles before it gets more than half full. */
static void map_put(BpePairMap *m, uint64_t key, int32_t val)
{
    size_t i = map_slot(m, key);
    if (m->key[i] == key) { m->val[i] = val; return; }
    m->key[i] = key;
    m->val[i] = val;
    if (2 * ++m->n > m->cap) {
        BpePairMap old = *m;
        map_init(m, 2 * old.cap);
        for (size_t j = 0; j < old.cap; j++)
            if (old.key[j] != UINT64_MAX) map_put(m, old.key[j], old.val[j]);
        map_free(&old);
    }
}

void bpe_init_bytes(Bpe *b)
{
    memset(b, 0, sizeof *b);
    b->vocab = 256;
    b->cap_bytes = 1024;
    b->tok_bytes = tz_malloc(b->cap_bytes);
    b->tok_off = tz_malloc(257 * sizeof *b->tok_off);
    for (int i = 0; i < 256; i++) {
        b->byte_id[i] = i;
        b->tok_bytes[i] = (char)i;
        b->tok_off[i] = (uint32_t)i;
    }
    b->tok_off[256] = 256;
    map_init(&b->rank, 1024);
}

void bpe_free(Bpe *b)
{
    free(b->merges);
    free(b->tok_off);
    free(b->tok_bytes);
    free(b->special);
    map_free(&b->rank);
    memset(b, 0, sizeof *b);
}

/* Rank of the merge (a,b), or -1 when there is none. */
static int32_t rank_get(const Bpe *b, int32_t x, int32_t y) { return map_get(&b->rank, pair_key(x, y)); }

/* Append the merge (x,y) as a new token (id = vocab); its bytes are x's then y's. */
static int32_t bpe_add_merge(Bpe *b, int32_t x, int32_t y)
{
    if ((size_t)b->n_merges == b->cap_merges) {
        b->cap_merges = b->cap_merges ? 2 * b->cap_merges : 256;
        b->merges = tz_realloc(b->merges, b->cap_merges * sizeof *b->merges);
    }
    int32_t id = b->vocab;
    b->merges[b->n_merges] = (BpeMerge){ x, y, id };
    map_put(&b->rank, pair_key(x, y), b->n_merges);
    b->n_merges++;

    uint32_t lx = b->tok_off[x + 1] - b->tok_off[x], ly = b->tok_off[y + 1] - b->tok_off[y];
    size_t end = b->tok_off[id];
    if (end + lx + ly > b->cap_bytes) {
        while (end + lx + ly > b->cap_bytes) b->cap_bytes *= 2;
        b->tok_bytes = tz_realloc(b->tok_bytes, b->cap_bytes);
    }
    memcpy(b->tok_bytes + end, b->tok_bytes + b->tok_off[x], lx);
    memcpy(b->tok_bytes + end + lx, b->tok_bytes + b->tok_off[y], ly);
    b->tok_off = tz_realloc(b->tok_off, (size_t)(id + 2) * sizeof *b->tok_off);
    b->tok_off[id + 1] = (uint32_t)(end + lx + ly);
    b->vocab++;
    return id;
}

const char *bpe_token_bytes(const Bpe *b, int32_t id, size_t *len)
{
    if (id < 0 || id >= b->vocab) return NULL;
    *len = b->tok_off[id + 1] - b->tok_off[id];
    if (*len == 0) return NULL; /* a hole: every real token has at least one byte */
    return b->tok_bytes + b->tok_off[id];
}

/* ---------------------------------------------------------------- building from parts */

/* Largest vocabulary bpe_build accepts (GPT-2 has 50257, the biggest current ones ~260k). */
enum { BPE_MAX_VOCAB = 4000000 };

int bpe_build(Bpe *b, const int32_t byte_id[256], const BpeMerge *merges, int32_t n_merges, int32_t vocab,
              TzErr *e)
{
    memset(b, 0, sizeof *b);
    if (vocab < 256 || vocab > BPE_MAX_VOCAB)
        return tz_errf(e, TZ_E_FORMAT, "sözlük boyutu %d olamaz (256 ile %d arasında olmalı)",
                       "a vocabulary of %d tokens is impossible (it must be 256 to %d)", (int)vocab, BPE_MAX_VOCAB);
    if (n_merges < 0 || n_merges > vocab - 256)
        return tz_errf(e, TZ_E_FORMAT, "%d birleştirme %d belirteçlik sözlüğe sığmaz (256 bayt + birleştirmeler)",
                       "%d merges do not fit a vocabulary of %d tokens (256 bytes + the merges)", (int)n_merges,
                       (int)vocab);
    /* len[t]: bytes of token t, 0 while t is not (yet) made. Bytes first, then merges in rank
     * order, so a merge can only use tokens made before it. */
    uint32_t *len = tz_calloc((size_t)vocab + 1, sizeof *len);
    int rc = 0;
    for (int c = 0; c < 256 && !rc; c++) {
        int32_t t = byte_id[c];
        if (t < 0 || t >= vocab)
            rc = tz_errf(e, TZ_E_FORMAT, "bayt %d için belirteç %d sözlüğün dışında (0..%d)",
                         "byte %d's token %d is outside the vocabulary (0..%d)", c, (int)t, (int)vocab - 1);
        else if (len[t])
            rc = tz_errf(e, TZ_E_FORMAT, "belirteç %d iki bayta birden verilmiş (%d de)",
                         "token %d is given to two bytes (%d too)", (int)t, c);
        else
            len[t] = 1;
    }
    uint64_t total = 256;
    for (int32_t k = 0; k < n_merges && !rc; k++) {
        const BpeMerge *m = &merges[k];
        if (m->id < 0 || m->id >= vocab)
            rc = tz_errf(e, TZ_E_FORMAT, "birleştirme %d, sözlüğün dışında bir belirteç yapıyor (%d; 0..%d)",
                         "merge %d makes a token outside the vocabulary (%d; 0..%d)", (int)k, (int)m->id,
                         (int)vocab - 1);
        else if (m->a < 0 || m->a >= vocab || m->b < 0 || m->b >= vocab || !len[m->a] || !len[m->b])
            rc = tz_errf(e, TZ_E_FORMAT, "birleştirme %d bilinmeyen bir belirteci kullanıyor (%d %d)",
                         "merge %d uses an unknown token (%d %d)", (int)k, (int)m->a, (int)m->b);
        else if (len[m->id])
            rc = tz_errf(e, TZ_E_FORMAT, "birleştirme %d, zaten var olan belirteç %d'i yeniden yapıyor",
                         "merge %d makes token %d again, which already exists", (int)k, (int)m->id);
        else if ((total += (uint64_t)len[m->a] + len[m->b]) > UINT32_MAX / 2)
            rc = tz_errf(e, TZ_E_FORMAT, "belirteçler çok uzun (toplam %llu bayttan fazla)",
                         "the tokens are too long (more than %llu bytes in all)", (unsigned long long)(UINT32_MAX / 2));
        else
            len[m->id] = len[m->a] + len[m->b];
    }
    /* the same pair twice would leave the second merge unreachable: a broken file */
    BpePairMap rank;
    map_init(&rank, 1024);
    for (int32_t k = 0; k < n_merges && !rc; k++) {
        uint64_t key = pair_key(merges[k].a, merges[k].b);
        if (map_get(&rank, key) >= 0)
            rc = tz_errf(e, TZ_E_FORMAT, "birleştirme %d, %d ile aynı çift (%d %d)",
                         "merge %d is the same pair as merge %d (%d %d)", (int)k, (int)map_get(&rank, key),
                         (int)merges[k].a, (int)merges[k].b);
        else
            map_put(&rank, key, k);
    }
    if (rc) {
        free(len);
        map_free(&rank);
        memset(b, 0, sizeof *b);
        return rc;
    }
    /* Lay the bytes out in id order (tok_off is a prefix sum of len), then fill: bytes
     * directly, merges in rank order from their two parts, which are already in place. */
    b->vocab = vocab;
    b->n_merges = n_merges;
    b->cap_merges = n_merges ? (size_t)n_merges : 1;
    b->merges = tz_malloc(b->cap_merges * sizeof *b->merges);
    if (n_merges) memcpy(b->merges, merges, (size_t)n_merges * sizeof *merges);
    memcpy(b->byte_id, byte_id, sizeof b->byte_id);
    b->tok_off = tz_malloc(((size_t)vocab + 1) * sizeof *b->tok_off);
    b->tok_off[0] = 0;
    for (int32_t t = 0; t < vocab; t++) b->tok_off[t + 1] = b->tok_off[t] + len[t];
    b->cap_bytes = b->tok_off[vocab] ? b->tok_off[vocab] : 1;
    b->tok_bytes = tz_malloc(b->cap_bytes);
    for (int c = 0; c < 256; c++) b->tok_bytes[b->tok_off[byte_id[c]]] = (char)c;
    for (int32_t k = 0; k < n_merges; k++) {
        const BpeMerge *m = &merges[k];
        char *dst = b->tok_bytes + b->tok_off[m->id];
        memcpy(dst, b->tok_bytes + b->tok_off[m->a], len[m->a]);
        memcpy(dst + len[m->a], b->tok_bytes + b->tok_off[m->b], len[m->b]);
    }
    b->rank = rank;
    free(len);
    return 0;
}

int bpe_add_special(Bpe *b, const char *name, int32_t id, TzErr *e)
{
    size_t n = strlen(name);
    if (n == 0 || n > 64)
        return tz_errf(e, TZ_E_FORMAT, "özel belirteç adı 1 ile 64 bayt arasında olmalı (%zu bayt)",
                       "a special token's name must be 1 to 64 bytes (it is %zu)", n);
    if (id < 0 || id >= BPE_MAX_VOCAB)
        return tz_errf(e, TZ_E_FORMAT, "özel belirteç %s için kimlik %d olamaz (0..%d)",
                       "the special token %s cannot have the id %d (0..%d)", name, (int)id, BPE_MAX_VOCAB - 1);
    if (id < b->vocab && b->tok_off[id + 1] != b->tok_off[id])
        return tz_errf(e, TZ_E_FORMAT, "özel belirteç %s için kimlik %d zaten başka bir belirtecin",
                       "the special token %s cannot have the id %d: it belongs to another token", name, (int)id);
    if (bpe_special(b, name) >= 0)
        return tz_errf(e, TZ_E_FORMAT, "özel belirteç %s iki kez var", "the special token %s is there twice", name);
    /* Grow the id range if needed (new ids are holes), then open a gap of n bytes at id. */
    int32_t vocab = id >= b->vocab ? id + 1 : b->vocab;
    b->tok_off = tz_realloc(b->tok_off, ((size_t)vocab + 1) * sizeof *b->tok_off);
    for (int32_t t = b->vocab; t < vocab; t++) b->tok_off[t + 1] = b->tok_off[b->vocab];
    b->vocab = vocab;
    size_t at = b->tok_off[id], end = b->tok_off[vocab];
    if (end + n > b->cap_bytes) {
        while (end + n > b->cap_bytes) b->cap_bytes = b->cap_bytes ? 2 * b->cap_bytes : 1024;
        b->tok_bytes = tz_realloc(b->tok_bytes, b->cap_bytes);
    }
    memmove(b->tok_bytes + at + n, b->tok_bytes + at, end - at);
    memcpy(b->tok_bytes + at, name, n);
    for (int32_t t = id + 1; t <= vocab; t++) b->tok_off[t] += (uint32_t)n;
    b->special = tz_realloc(b->special, ((size_t)b->n_special + 1) * sizeof *b->special);
    b->special[b->n_special++] = id;
    return 0;
}

int32_t bpe_special(const Bpe *b, const char *name)
{
    size_t n = strlen(name);
    for (int32_t k = 0; k < b->n_special; k++) {
        size_t len;
        const char *s = bpe_token_bytes(b, b->special[k], &len);
        if (s && len == n && memcmp(s, name, n) == 0) return b->special[k];
    }
    return -1;
}

uint32_t bpe_byte_to_unicode(unsigned char c)
{
    /* The visible bytes keep their own code point (Latin-1 equals Unicode below U+0100). */
    if ((c >= '!' && c <= '~') || (c >= 0xA1 && c <= 0xAC) || (c >= 0xAE)) return c;
    /* The others are numbered in byte order: 0x00..0x20 are n = 0..32, 0x7F..0xA0 are
     * 33..66, 0xAD (soft hyphen) is 67. */
    if (c <= 0x20) return 0x100u + c;
    if (c <= 0xA0) return 0x100u + 33 + (c - 0x7F);
    return 0x100u + 67;
}

size_t bpe_token_display(const Bpe *b, int32_t id, char *out, size_t cap)
{
    size_t len;
    const char *s = bpe_token_bytes(b, id, &len);
    if (!s) return BPE_BAD_ID;
    size_t w = 0;
    for (size_t i = 0; i < len; i++) {
        char buf[4];
        int k = utf8_encode(bpe_byte_to_unicode((unsigned char)s[i]), buf);
        for (int j = 0; j < k; j++, w++)
            if (w + 1 < cap) out[w] = buf[j];
    }
    if (cap) out[w < cap ? w : cap - 1] = '\0';
    return w;
}

/* ---------------------------------------------------------------- pre-tokenisation */

enum { C_LETTER, C_DIGIT, C_SPACE, C_OTHER };

/* GPT-2's classes of all of Unicode, as Python's `regex` module sees them (bpe_unicode.c,
 * generated by tests/ref/gpt2tok/make_classes.py): sorted runs, each (first code point << 2 |
 * class). Letters are \p{L} — so combining marks (Mn, Mc: Devanagari vowel signs, accents
 * written apart) are *not* letters and end a word, as in GPT-2 —, numbers are \p{N} (also
 * Arabic-Indic digits, ², ½, Roman numerals), spaces are \s (also U+0085 and U+00A0). */
extern const uint32_t bpe_class_runs[];
extern const size_t bpe_class_nruns;

static int class_of(uint32_t cp)
{
    if (cp < 0x80) { /* ASCII, the common case, without the search */
        if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') return C_LETTER;
        if (cp >= '0' && cp <= '9') return C_DIGIT;
        if (cp == ' ' || (cp >= 0x09 && cp <= 0x0D)) return C_SPACE;
        return C_OTHER;
    }
    size_t lo = 0, hi = bpe_class_nruns; /* the last run starting at or before cp */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if ((bpe_class_runs[mid] >> 2) <= cp) lo = mid;
        else hi = mid;
    }
    return (int)(bpe_class_runs[lo] & 3);
}

/* Class of the code point at s[i], and its length in bytes (an invalid byte: other, 1). */
static int cls_at(const char *s, size_t n, size_t i, int *len)
{
    uint32_t cp;
    int k = utf8_decode(s + i, n - i, &cp);
    if (k == 0) { *len = 1; return C_OTHER; }
    *len = k;
    return class_of(cp);
}

/* Extend a run of class c starting at i; returns the end. */
static size_t run_of(const char *s, size_t n, size_t i, int c)
{
    int len;
    while (i < n && cls_at(s, n, i, &len) == c) i += (size_t)len;
    return i;
}

size_t bpe_pretoken_end(const char *s, size_t n, size_t i)
{
    /* 's 't 're 've 'm 'll 'd — only the ASCII apostrophe and lower case, as in GPT-2. */
    if (s[i] == '\'' && i + 1 < n) {
        char c = s[i + 1];
        if (c == 's' || c == 't' || c == 'm' || c == 'd') return i + 2;
        if (i + 2 < n && ((c == 'r' && s[i + 2] == 'e') || (c == 'v' && s[i + 2] == 'e') ||
                          (c == 'l' && s[i + 2] == 'l')))
            return i + 3;
    }
    int len;
    if (s[i] == ' ' && i + 1 < n) { /* " ?X+": a single space may lead a non-space run */
        int c = cls_at(s, n, i + 1, &len);
        if (c != C_SPACE) return run_of(s, n, i + 1, c);
    }
    int c = cls_at(s, n, i, &len);
    if (c != C_SPACE) return run_of(s, n, i, c); /* letters+, digits+ or other+ */
    /* Whitespace at i. \s+(?!\S): take the run, but if non-space follows, leave the last
     * whitespace character to it (it becomes the " " of " word"); when the run is a single
     * character followed by non-space, \s+ takes just that one. */
    size_t end = i, last = i;
    while (end < n && cls_at(s, n, end, &len) == C_SPACE) { last = end; end += (size_t)len; }
    if (end == n) return end;
    return last > i ? last : end;
}

/* ---------------------------------------------------------------- encoding */

/* Apply the merges to one pre-token's ids w[0..len) in place; returns the new length.
 * Each round finds the adjacent pair with the lowest rank (the merge learned first) and
 * merges every occurrence of it, left to right — the order GPT-2's encoder uses, and the
 * order the merges were learned in, so encoding a training word reproduces training.
 * Each round costs O(len), so this is for short pieces (nearly all words). */
static size_t merge_short(const Bpe *b, int32_t *w, size_t len)
{
    while (len > 1) {
        int32_t best = -1;
        for (size_t i = 0; i + 1 < len; i++) {
            int32_t r = rank_get(b, w[i], w[i + 1]);
            if (r >= 0 && (best < 0 || r < best)) best = r;
        }
        if (best < 0) break;
        const BpeMerge *m = &b->merges[best];
        size_t o = 0;
        for (size_t i = 0; i < len; i++) {
            if (i + 1 < len && w[i] == m->a && w[i + 1] == m->b) { w[o++] = m->id; i++; }
            else w[o++] = w[i];
        }
        len = o;
    }
    return len;
}

/* The same result for long pieces (a line of DNA, a paragraph of Chinese: no spaces, so one
 * pre-token), in O(len log len) instead of O(len × rounds): the symbols form a linked list and
 * a min-heap holds (rank, position) of every mergeable neighbour pair. Popping in (rank,
 * position) order merges the lowest rank first and, within a rank, left to right — exactly
 * merge_short's order, because a pair made by merge r can only have a rank above r.
 * Entries that went stale (a neighbour merged away) are recognised and skipped. */
typedef struct { int32_t rank; uint32_t pos; } EncE;

static int enc_less(EncE x, EncE y) { return x.rank != y.rank ? x.rank < y.rank : x.pos < y.pos; }

static void enc_push(EncE *h, size_t *n, EncE x)
{
    size_t i = (*n)++;
    while (i > 0 && enc_less(x, h[(i - 1) / 2])) { h[i] = h[(i - 1) / 2]; i = (i - 1) / 2; }
    h[i] = x;
}

static EncE enc_pop(EncE *h, size_t *n)
{
    EncE top = h[0], x = h[--*n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= *n) break;
        if (c + 1 < *n && enc_less(h[c + 1], h[c])) c++;
        if (!enc_less(h[c], x)) break;
        h[i] = h[c];
        i = c;
    }
    if (*n) h[i] = x;
    return top;
}

static size_t merge_long(const Bpe *b, int32_t *w, size_t len)
{
    /* next[i]/prev[i]: neighbours of a live symbol (len / SIZE_MAX at the ends); dead: next = 0 */
    size_t *next = tz_malloc(len * sizeof *next), *prev = tz_malloc(len * sizeof *prev);
    /* each merge pushes at most 2 entries, and there are fewer than len merges */
    EncE *h = tz_malloc(3 * len * sizeof *h);
    size_t nh = 0;
    for (size_t i = 0; i < len; i++) {
        next[i] = i + 1;
        prev[i] = i ? i - 1 : SIZE_MAX;
        if (i + 1 < len) {
            int32_t r = rank_get(b, w[i], w[i + 1]);
            if (r >= 0) enc_push(h, &nh, (EncE){ r, (uint32_t)i });
        }
    }
    while (nh) {
        EncE e = enc_pop(h, &nh);
        size_t i = e.pos, j = next[i];
        if (j == 0 || j >= len || rank_get(b, w[i], w[j]) != e.rank) continue; /* stale */
        w[i] = b->merges[e.rank].id;
        next[i] = next[j];
        if (next[j] < len) prev[next[j]] = i;
        next[j] = 0; /* j is gone */
        if (prev[i] != SIZE_MAX) {
            int32_t r = rank_get(b, w[prev[i]], w[i]);
            if (r >= 0) enc_push(h, &nh, (EncE){ r, (uint32_t)prev[i] });
        }
        if (next[i] < len) {
            int32_t r = rank_get(b, w[i], w[next[i]]);
            if (r >= 0) enc_push(h, &nh, (EncE){ r, (uint32_t)i });
        }
    }
    size_t o = 0;
    for (size_t i = 0; i < len; i = next[i]) w[o++] = w[i];
    free(next);
    free(prev);
    free(h);
    return o;
}

/* Pieces up to this many bytes take the simple path. */
enum { BPE_SHORT = 64 };

static size_t merge_word(const Bpe *b, int32_t *w, size_t len)
{
    return len <= BPE_SHORT ? merge_short(b, w, len) : merge_long(b, w, len);
}

size_t bpe_encode(const Bpe *b, const char *text, size_t n, int32_t *out, size_t cap)
{
    size_t count = 0, wcap = 64;
    int32_t *w = tz_malloc(wcap * sizeof *w);
    for (size_t i = 0; i < n;) {
        size_t end = bpe_pretoken_end(text, n, i), len = end - i;
        if (len > wcap) { wcap = len; w = tz_realloc(w, wcap * sizeof *w); }
        for (size_t k = 0; k < len; k++) w[k] = b->byte_id[(unsigned char)text[i + k]];
        len = merge_word(b, w, len);
        for (size_t k = 0; k < len; k++, count++)
            if (count < cap) out[count] = w[k];
        i = end;
    }
    free(w);
    return count;
}

size_t bpe_decode(const Bpe *b, const int32_t *ids, size_t n, char *out, size_t cap)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *s = bpe_token_bytes(b, ids[i], &len);
        if (!s) return BPE_BAD_ID;
        if (w < cap) memcpy(out + w, s, len < cap - w ? len : cap - w);
        w += len;
    }
    return w;
}

/* ---------------------------------------------------------------- training
 *
 * The data:
 *   words  — the distinct pre-tokens, each with its count f and its current symbols
 *            (token ids; at the start one per byte, merges shrink them in place);
 *   pairs  — every adjacent pair seen, with its weighted count (Σ f over occurrences) and a
 *            posting list of the words it occurs in (may hold stale words: checked on use);
 *   heap   — a max-heap of (count, pair), ties to the lowest (a,b).
 * Merging (a,b) → X only touches the words in (a,b)'s posting list, and in each of them only
 * the pairs right next to an occurrence (see the picture in bpe_train). Pairs without X can only lose counts by a merge, so
 * the heap is updated lazily: an entry whose count is out of date is pushed back with the
 * current count when it reaches the top. Pairs with X are new and pushed once the merge is
 * done. No full recount ever happens. */

typedef struct { size_t off; uint32_t len; int64_t f; } Word;

typedef struct {
    int32_t a, b;
    int64_t cnt;
    int32_t *post; /* word indices */
    uint32_t npost, cappost;
    uint32_t stamp; /* last merge that touched it (to push each new pair once) */
} Pair;

typedef struct {
    Pair *p; size_t n, cap;
    BpePairMap index;   /* pair key → its index in p */
} PairTab;

static int32_t pairtab_find(PairTab *t, int32_t a, int32_t b, int create)
{
    uint64_t key = pair_key(a, b);
    int32_t id = map_get(&t->index, key);
    if (id >= 0 || !create) return id;
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 4096;
        t->p = tz_realloc(t->p, t->cap * sizeof *t->p);
    }
    id = (int32_t)t->n++;
    t->p[id] = (Pair){ .a = a, .b = b };
    map_put(&t->index, key, id);
    return id;
}

static void post_add(Pair *p, int32_t w)
{
    if (p->npost && p->post[p->npost - 1] == w) return; /* same word again: once is enough */
    if (p->npost == p->cappost) {
        p->cappost = p->cappost ? 2 * p->cappost : 4;
        p->post = tz_realloc(p->post, p->cappost * sizeof *p->post);
    }
    p->post[p->npost++] = w;
}

typedef struct { int64_t cnt; int32_t pair; } HeapE;

/* Is x a better merge than y? More frequent first, then the lower (a, b). */
static int heap_better(const PairTab *t, HeapE x, HeapE y)
{
    if (x.cnt != y.cnt) return x.cnt > y.cnt;
    const Pair *p = &t->p[x.pair], *q = &t->p[y.pair];
    if (p->a != q->a) return p->a < q->a;
    return p->b < q->b;
}

typedef struct { HeapE *e; size_t n, cap; } Heap;

/* What one merge is doing: the word being rewritten, and the pairs with the new token X it
 * created (pushed on the heap once the merge is done). */
typedef struct {
    int32_t w;
    uint32_t stamp;
    int32_t *fresh;
    size_t nfresh, capfresh;
} Change;

/* Add delta (±f) to the count of pair (x,y). A pair that appears is new only if it holds X;
 * then word ch->w goes on its posting list and the pair is noted for the heap. */
static void pair_delta(PairTab *t, int32_t x, int32_t y, int64_t delta, Change *ch)
{
    int32_t p = pairtab_find(t, x, y, delta > 0);
    TZ_ASSERT(p >= 0); /* a pair that disappears was counted when it appeared */
    Pair *pp = &t->p[p];
    pp->cnt += delta;
    if (delta <= 0) return;
    post_add(pp, ch->w);
    if (pp->stamp != ch->stamp) {
        pp->stamp = ch->stamp;
        if (ch->nfresh == ch->capfresh) {
            ch->capfresh = ch->capfresh ? 2 * ch->capfresh : 256;
            ch->fresh = tz_realloc(ch->fresh, ch->capfresh * sizeof *ch->fresh);
        }
        ch->fresh[ch->nfresh++] = p;
    }
}

static void heap_push(Heap *h, const PairTab *t, HeapE x)
{
    if (h->n == h->cap) {
        h->cap = h->cap ? 2 * h->cap : 4096;
        h->e = tz_realloc(h->e, h->cap * sizeof *h->e);
    }
    size_t i = h->n++;
    while (i > 0) {
        size_t up = (i - 1) / 2;
        if (!heap_better(t, x, h->e[up])) break;
        h->e[i] = h->e[up];
        i = up;
    }
    h->e[i] = x;
}

static HeapE heap_pop(Heap *h, const PairTab *t)
{
    HeapE top = h->e[0], x = h->e[--h->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n) break;
        if (c + 1 < h->n && heap_better(t, h->e[c + 1], h->e[c])) c++;
        if (!heap_better(t, h->e[c], x)) break;
        h->e[i] = h->e[c];
        i = c;
    }
    if (h->n) h->e[i] = x;
    return top;
}

/* Distinct pre-tokens of text with their counts: open addressing on (bytes). */
static Word *count_words(const char *text, size_t n, size_t *nwords)
{
    size_t cap = 1 << 16, nw = 0;
    int32_t *slot = tz_malloc(cap * sizeof *slot);
    memset(slot, 0xff, cap * sizeof *slot);
    size_t wcap = 1 << 12;
    Word *w = tz_malloc(wcap * sizeof *w);
    for (size_t i = 0; i < n;) {
        size_t end = bpe_pretoken_end(text, n, i), len = end - i;
        size_t mask = cap - 1, k = (size_t)tz_hash64(text + i, len) & mask;
        while (slot[k] >= 0) {
            Word *o = &w[slot[k]];
            if (o->len == len && memcmp(text + o->off, text + i, len) == 0) break;
            k = (k + 1) & mask;
        }
        if (slot[k] >= 0) {
            w[slot[k]].f++;
        } else {
            if (nw == wcap) { wcap *= 2; w = tz_realloc(w, wcap * sizeof *w); }
            w[nw] = (Word){ i, (uint32_t)len, 1 };
            slot[k] = (int32_t)nw++;
            if (2 * nw > cap) { /* rehash into a table twice the size */
                free(slot);
                cap *= 2;
                slot = tz_malloc(cap * sizeof *slot);
                memset(slot, 0xff, cap * sizeof *slot);
                for (size_t j = 0; j < nw; j++) {
                    size_t q = (size_t)tz_hash64(text + w[j].off, w[j].len) & (cap - 1);
                    while (slot[q] >= 0) q = (q + 1) & (cap - 1);
                    slot[q] = (int32_t)j;
                }
            }
        }
        i = end;
    }
    free(slot);
    *nwords = nw;
    return w;
}

int bpe_train(const char *text, size_t n, int vocab_size, Bpe *out, Job *job, TzErr *e)
{
    memset(out, 0, sizeof *out);
    if (vocab_size < 256 || vocab_size > 1000000)
        return tz_errf(e, TZ_E_ARG, "sözlük boyutu 256 ile 1000000 arasında olmalı (verilen: %d)",
                       "the vocabulary size must be between 256 and 1000000 (given: %d)", vocab_size);
    if (n > (size_t)INT32_MAX)
        return tz_errf(e, TZ_E_NOMEM, "BPE eğitimi için metin çok büyük (%zu bayt; en çok 2 GB)",
                       "the text is too large for BPE training (%zu bytes; at most 2 GB)", n);
    bpe_init_bytes(out);

    size_t nw;
    Word *words = count_words(text, n, &nw);
    /* symbols: every word's bytes as byte tokens, one after another; word w owns
     * sym[words[w].off .. + its original length), of which the first words[w].len are live */
    int32_t *sym = tz_malloc((n ? n : 1) * sizeof *sym);
    size_t used = 0;
    for (size_t w = 0; w < nw; w++) {
        const char *s = text + words[w].off;
        for (uint32_t k = 0; k < words[w].len; k++) sym[used + k] = (int32_t)(unsigned char)s[k];
        words[w].off = used;
        used += words[w].len;
    }

    PairTab t = { 0 };
    map_init(&t.index, 1 << 16);
    for (size_t w = 0; w < nw; w++) {
        int32_t *s = sym + words[w].off;
        for (uint32_t k = 0; k + 1 < words[w].len; k++) {
            int32_t p = pairtab_find(&t, s[k], s[k + 1], 1);
            t.p[p].cnt += words[w].f;
            post_add(&t.p[p], (int32_t)w);
        }
    }
    Heap h = { 0 };
    for (size_t p = 0; p < t.n; p++) heap_push(&h, &t, (HeapE){ t.p[p].cnt, (int32_t)p });

    uint32_t *seen = tz_calloc(nw ? nw : 1, sizeof *seen); /* word → last merge that visited it */
    Change ch = { 0 };
    int rc = 0;
    int64_t total = vocab_size - 256;
    while (out->vocab < vocab_size && h.n) {
        HeapE top = heap_pop(&h, &t);
        Pair *tp = &t.p[top.pair];
        if (top.cnt != tp->cnt) { /* out of date: counts only went down; requeue */
            if (tp->cnt > 0) heap_push(&h, &t, (HeapE){ tp->cnt, top.pair });
            continue;
        }
        if (top.cnt < 2) break; /* no pair occurs twice: merging would learn nothing */
        int32_t a = tp->a, b = tp->b;
        int32_t X = bpe_add_merge(out, a, b);
        uint32_t stamp = (uint32_t)out->n_merges;
        /* the posting list is not changed below (only pairs with X get new postings) */
        int32_t *post = tp->post;
        uint32_t npost = tp->npost;
        ch.stamp = stamp;
        ch.nfresh = 0;
        for (uint32_t q = 0; q < npost; q++) {
            int32_t w = post[q];
            if (seen[w] == stamp) continue;
            seen[w] = stamp;
            ch.w = w;
            int32_t *s = sym + words[w].off;
            uint32_t len = words[w].len, o = 0;
            int64_t f = words[w].f;
            int prev_merged = 0; /* is s[o-1] an X made in this pass? (then the old symbol there was b) */
            /* Merge left to right in place (o ≤ k, so reading s[k..] is always the old word), and
             * update only the pairs next to each occurrence:
             *     old   … p  a  b  q …      pairs (p,a) (a,b) (b,q) disappear
             *     new   … p  X  q …         pairs (p,X) (X,q) appear
             * When the next occurrence starts right at q's place, (b,q) = (b,a) is left to it,
             * so that no pair is counted twice ("a b a b" → "X X": (b,a) goes once, (X,X) comes once). */
            for (uint32_t k = 0; k < len;) {
                if (k + 1 < len && s[k] == a && s[k + 1] == b) {
                    pair_delta(&t, a, b, -f, &ch);
                    if (k > 0) {
                        pair_delta(&t, prev_merged ? b : s[o - 1], a, -f, &ch);
                        pair_delta(&t, s[o - 1], X, f, &ch);
                    }
                    if (k + 2 < len && !(k + 3 < len && s[k + 2] == a && s[k + 3] == b)) {
                        pair_delta(&t, b, s[k + 2], -f, &ch);
                        pair_delta(&t, X, s[k + 2], f, &ch);
                    }
                    s[o++] = X;
                    k += 2;
                    prev_merged = 1;
                } else {
                    s[o++] = s[k++];
                    prev_merged = 0;
                }
            }
            words[w].len = o;
        }
        /* (a,b) no longer occurs anywhere; its postings can go */
        tp = &t.p[top.pair];
        free(tp->post);
        tp->post = NULL;
        tp->npost = tp->cappost = 0;
        for (size_t k = 0; k < ch.nfresh; k++)
            heap_push(&h, &t, (HeapE){ t.p[ch.fresh[k]].cnt, ch.fresh[k] });
        if (job && (out->n_merges & 15) == 0) {
            job_report(job, out->n_merges, total);
            if (job_cancelled(job)) {
                rc = tz_errf(e, TZ_E_CANCELLED, "BPE eğitimi durduruldu (%d birleştirme öğrenildi)",
                             "BPE training stopped (%d merges learned)", out->n_merges);
                break;
            }
        }
    }
    if (job && !rc) job_report(job, total, total);

    for (size_t p = 0; p < t.n; p++) free(t.p[p].post);
    free(t.p);
    map_free(&t.index);
    free(h.e);
    free(seen);
    free(ch.fresh);
    free(sym);
    free(words);
    return rc;
}
