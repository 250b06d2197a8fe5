/* spm.c — the LLaMA (SentencePiece-style BPE) tokenizer; see spm.h for the algorithm. */
#include "text/spm.h"

#include <stdlib.h>
#include <string.h>

#include "core/hash.h"

void spm_free(Spm *s)
{
    free(s->off);
    free(s->text);
    free(s->score);
    free(s->type);
    free(s->slot);
    memset(s, 0, sizeof *s);
}

static size_t slot_of(const Spm *s, const char *p, size_t n)
{
    return (size_t)tz_hash64(p, n) & (s->n_slots - 1);
}

int32_t spm_id(const Spm *s, const char *p, size_t n)
{
    if (!s->slot || n == 0 || n > s->max_len) return -1;
    for (size_t h = slot_of(s, p, n);; h = (h + 1) & (s->n_slots - 1)) {
        int32_t id = s->slot[h];
        if (id < 0) return -1;
        if (s->off[id + 1] - 1 - s->off[id] == n && memcmp(s->text + s->off[id], p, n) == 0) return id;
    }
}

/* "<0xXX>" (upper- or lower-case hex) → the byte, else -1. */
static int byte_piece(const char *p, size_t n)
{
    if (n != 6 || memcmp(p, "<0x", 3) != 0 || p[5] != '>') return -1;
    int v = 0;
    for (int i = 3; i < 5; i++) {
        char c = p[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Build from a vocabulary; gguf = 1: pieces spell spaces "▁" and carry their own types. */
static int build(Spm *s, const GgufVocab *v, int gguf, TzErr *e)
{
    memset(s, 0, sizeof *s);
    const char *src = gguf ? "GGUF" : "tokenizer.bin";
    if (v->n <= 0 || v->n > SPM_MAX_VOCAB)
        return tz_errf(e, TZ_E_FORMAT, "%s sözlüğünde %d parça var (1 ile %d arası olmalı).",
                       "The %s vocabulary has %d pieces (it must have 1 to %d).", src, v->n, SPM_MAX_VOCAB);
    if (gguf && v->model[0] && strcmp(v->model, "llama") != 0)
        return tz_errf(e, TZ_E_FORMAT,
                       "Bu GGUF'un belirteçleyicisi '%s'; SentencePiece (LLaMA) belirteçleyicisi yalnızca 'llama' "
                       "modelini okur.",
                       "This GGUF's tokenizer is '%s'; the SentencePiece (LLaMA) tokenizer reads only the 'llama' "
                       "model.",
                       v->model);
    /* pass 1: sizes and checks */
    size_t total = 0;
    for (int i = 0; i < v->n; i++) {
        if (v->len[i] > SPM_MAX_PIECE)
            return tz_errf(e, TZ_E_FORMAT, "%s sözlüğünün %d. parçası %zu bayt (en çok %d olabilir).",
                           "The %s vocabulary's piece %d is %zu bytes long (at most %d are allowed).", src, i,
                           v->len[i], SPM_MAX_PIECE);
        int t = gguf && v->type ? v->type[i] : SPM_NORMAL;
        if (t < 0 || t > SPM_BYTE)
            return tz_errf(e, TZ_E_FORMAT,
                           "%s sözlüğünün %d. parçasının türü %d bilinmiyor (0 ile 6 arası olmalı: normal, "
                           "bilinmeyen, denetim, kullanıcı, kullanılmayan, bayt).",
                           "The %s vocabulary's piece %d has the unknown type %d (it must be 0 to 6: normal, "
                           "unknown, control, user-defined, unused, byte).",
                           src, i, t);
        total += v->len[i] + 1;
    }
    s->n = v->n;
    s->off = tz_malloc(((size_t)v->n + 1) * sizeof *s->off);
    s->text = tz_malloc(total ? total : 1);
    s->score = tz_malloc((size_t)v->n * sizeof *s->score);
    s->type = tz_malloc((size_t)v->n);
    for (int b = 0; b < 256; b++) {
        s->byte_id[b] = -1;
        s->bytes[b] = (unsigned char)b;
    }
    s->bos = v->bos >= 0 && v->bos < v->n ? v->bos : -1;
    s->eos = v->eos >= 0 && v->eos < v->n ? v->eos : -1;
    s->unk = v->unk >= 0 && v->unk < v->n ? v->unk : -1;
    s->space_id = -1;
    /* pass 2: texts (GGUF's "▁" U+2581 = E2 96 81 becomes ' '), scores, types */
    size_t at = 0;
    for (int i = 0; i < v->n; i++) {
        s->off[i] = (uint32_t)at;
        const char *p = v->tok[i];
        for (size_t k = 0; k < v->len[i]; k++) {
            if (gguf && k + 2 < v->len[i] && (unsigned char)p[k] == 0xE2 && (unsigned char)p[k + 1] == 0x96 &&
                (unsigned char)p[k + 2] == 0x81) {
                s->text[at++] = ' ';
                k += 2;
            } else {
                s->text[at++] = p[k];
            }
        }
        s->text[at++] = '\0';
        s->score[i] = v->score ? v->score[i] : 0.0f;
        int t = gguf && v->type ? v->type[i] : SPM_NORMAL;
        if (t == 0) t = SPM_NORMAL;
        size_t len = at - 1 - s->off[i];
        int b = byte_piece(s->text + s->off[i], len);
        if (b >= 0 && (t == SPM_NORMAL || t == SPM_BYTE)) t = SPM_BYTE;
        if (t == SPM_BYTE && b < 0) t = SPM_UNUSED; /* a "byte" that names no byte: never used */
        if (i == s->bos || i == s->eos) t = SPM_CONTROL;
        if (i == s->unk) t = SPM_UNKNOWN;
        s->type[i] = (uint8_t)t;
        if (t == SPM_BYTE && s->byte_id[b] < 0) s->byte_id[b] = i;
    }
    s->off[v->n] = (uint32_t)at;
    int all_bytes = 1;
    for (int b = 0; b < 256; b++) all_bytes &= s->byte_id[b] >= 0;
    if (!all_bytes && s->unk < 0) {
        spm_free(s);
        return tz_errf(e, TZ_E_FORMAT,
                       "%s sözlüğü her metni yazamaz: 256 bayt parçasının (<0x00>…<0xFF>) hepsi yok, bilinmeyen "
                       "parçası (<unk>) da yok.",
                       "The %s vocabulary cannot spell every text: it lacks some of the 256 byte pieces "
                       "(<0x00>…<0xFF>) and has no unknown piece (<unk>) either.",
                       src);
    }
    /* pass 3: the map of producible pieces; the first of two equal texts wins */
    size_t cap = 16;
    while (cap < 2 * (size_t)v->n) cap *= 2;
    s->n_slots = cap;
    s->slot = tz_malloc(cap * sizeof *s->slot);
    memset(s->slot, 0xff, cap * sizeof *s->slot);
    for (int i = 0; i < v->n; i++) {
        if (s->type[i] != SPM_NORMAL && s->type[i] != SPM_USER) continue;
        const char *p = s->text + s->off[i];
        size_t len = s->off[i + 1] - 1 - s->off[i];
        if (len == 0) continue;
        if (len > s->max_len) s->max_len = len;
        size_t h = slot_of(s, p, len);
        int dup = 0;
        for (; s->slot[h] >= 0; h = (h + 1) & (cap - 1)) {
            int32_t o = s->slot[h];
            if (s->off[o + 1] - 1 - s->off[o] == len && memcmp(s->text + s->off[o], p, len) == 0) {
                dup = 1;
                break;
            }
        }
        if (!dup) s->slot[h] = i;
    }
    s->space_id = spm_id(s, " ", 1);
    return 0;
}

int spm_from_gguf_vocab(Spm *s, const GgufVocab *v, TzErr *e) { return build(s, v, 1, e); }

int spm_from_llama2c(Spm *s, const GgufVocab *v, TzErr *e) { return build(s, v, 0, e); }

const char *spm_piece(const Spm *s, int32_t id, size_t *len)
{
    if (id < 0 || id >= s->n) return NULL;
    if (len) *len = s->off[id + 1] - 1 - s->off[id];
    return s->text + s->off[id];
}

size_t spm_piece_display(const Spm *s, int32_t id, char *out, size_t cap)
{
    size_t len;
    const char *p = spm_piece(s, id, &len);
    if (!p) return SPM_BAD_ID;
    size_t need = 0;
    for (size_t i = 0; i < len; i++) {
        const char *c = p[i] == ' ' ? "\xE2\x96\x81" : p + i;
        size_t k = p[i] == ' ' ? 3 : 1;
        for (size_t j = 0; j < k; j++, need++)
            if (cap && need < cap - 1) out[need] = c[j];
    }
    if (cap) out[need < cap - 1 ? need : cap - 1] = '\0';
    return need;
}

/* ---- encoding ---------------------------------------------------------------------------- */

/* A symbol: a run of the (prefixed) text, text[start .. start+len), as piece id. Symbols form a
 * doubly linked list in text order; a merge keeps the left one and unlinks the right one. */
typedef struct {
    uint32_t start, len;
    int32_t id;
    int32_t prev, next;   /* -1 at the ends */
    uint8_t frozen;       /* a byte-fallback symbol: never merges */
    uint8_t alive;
} Sym;

/* A candidate merge of symbols l and r (adjacent when pushed) into piece id. */
typedef struct {
    float score;
    int32_t l, r, id;
    uint32_t len;         /* len(l) + len(r) when pushed: tells a stale entry */
} Cand;

/* a before b in the heap: higher score, then the leftmost pair (symbol indices follow the text) */
static int cand_before(const Cand *a, const Cand *b)
{
    return a->score > b->score || (a->score == b->score && a->l < b->l);
}

typedef struct {
    Cand *h;
    size_t n, cap;
} Heap;

static void heap_push(Heap *q, Cand c)
{
    if (q->n == q->cap) {
        q->cap = q->cap ? 2 * q->cap : 64;
        q->h = tz_realloc(q->h, q->cap * sizeof *q->h);
    }
    size_t i = q->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!cand_before(&c, &q->h[p])) break;
        q->h[i] = q->h[p];
        i = p;
    }
    q->h[i] = c;
}

static Cand heap_pop(Heap *q)
{
    Cand top = q->h[0], last = q->h[--q->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= q->n) break;
        if (c + 1 < q->n && cand_before(&q->h[c + 1], &q->h[c])) c++;
        if (!cand_before(&q->h[c], &last)) break;
        q->h[i] = q->h[c];
        i = c;
    }
    if (q->n) q->h[i] = last;
    return top;
}

/* Push the pair (l, l.next) if their text together is a piece. */
static void try_pair(const Spm *s, const char *t, const Sym *y, int32_t l, Heap *q)
{
    int32_t r = y[l].next;
    if (r < 0 || y[l].frozen || y[r].frozen) return;
    uint32_t len = y[l].len + y[r].len;
    int32_t id = spm_id(s, t + y[l].start, len);
    if (id < 0) return;
    heap_push(q, (Cand){s->score[id], l, r, id, len});
}

static void emit(int32_t *ids, size_t cap, size_t *k, int32_t id)
{
    if (*k < cap) ids[*k] = id;
    (*k)++;
}

size_t spm_encode(const Spm *s, const char *text, size_t n, int bos, int eos, int32_t *ids, size_t cap)
{
    size_t k = 0;
    if (bos && s->bos >= 0) emit(ids, cap, &k, s->bos);
    if (n > 0) {
        /* the text with the dummy prefix: " " + text */
        char *t = tz_malloc(n + 1);
        t[0] = ' ';
        memcpy(t + 1, text, n);
        size_t m = n + 1;
        Sym *y = tz_malloc(m * sizeof *y);   /* at most one symbol per byte */
        int32_t ny = 0;
        for (size_t i = 0; i < m;) {
            /* the dummy prefix is a symbol of its own (run.c pushes it before reading the text),
             * so a continuation byte at the text's start cannot join it */
            size_t j = i + 1;
            while (i > 0 && j < m && ((unsigned char)t[j] & 0xC0) == 0x80 && j - i < 4) j++;
            int32_t id = spm_id(s, t + i, j - i);
            if (id >= 0) {
                y[ny++] = (Sym){(uint32_t)i, (uint32_t)(j - i), id, 0, 0, 0, 1};
            } else {
                /* byte fallback: one frozen symbol per byte, <unk> if the byte has no piece */
                for (size_t b = i; b < j; b++) {
                    int32_t bid = s->byte_id[(unsigned char)t[b]];
                    y[ny++] = (Sym){(uint32_t)b, 1, bid >= 0 ? bid : s->unk, 0, 0, 1, 1};
                }
            }
            i = j;
        }
        for (int32_t i = 0; i < ny; i++) {
            y[i].prev = i - 1;
            y[i].next = i + 1 < ny ? i + 1 : -1;
        }
        Heap q = {0};
        for (int32_t i = 0; i + 1 < ny; i++) try_pair(s, t, y, i, &q);
        while (q.n) {
            Cand c = heap_pop(&q);
            /* stale when either side is gone, l's neighbour changed, or r grew since */
            if (!y[c.l].alive || !y[c.r].alive || y[c.l].next != c.r || y[c.l].len + y[c.r].len != c.len) continue;
            y[c.l].len = c.len;
            y[c.l].id = c.id;
            y[c.r].alive = 0;
            y[c.l].next = y[c.r].next;
            if (y[c.r].next >= 0) y[y[c.r].next].prev = c.l;
            if (y[c.l].prev >= 0) try_pair(s, t, y, y[c.l].prev, &q);
            try_pair(s, t, y, c.l, &q);
        }
        for (int32_t i = ny ? 0 : -1; i >= 0; i = y[i].next) emit(ids, cap, &k, y[i].id);
        free(q.h);
        free(y);
        free(t);
    }
    if (eos && s->eos >= 0) emit(ids, cap, &k, s->eos);
    return k;
}

/* ---- decoding ---------------------------------------------------------------------------- */

/* What piece id adds to the text; strip: drop one leading space of a text piece. */
static const char *piece_out(const Spm *s, int32_t id, int strip, size_t *len)
{
    switch (s->type[id]) {
    case SPM_CONTROL:
    case SPM_UNUSED:
        *len = 0;
        return s->text + s->off[id];
    case SPM_BYTE: {
        int b = byte_piece(s->text + s->off[id], s->off[id + 1] - 1 - s->off[id]);
        /* <0x20> where the dummy prefix stands: a vocabulary without the piece "▁" */
        *len = strip && b == ' ' ? 0 : 1;
        return (const char *)&s->bytes[b];
    }
    default: {
        const char *p = s->text + s->off[id];
        size_t n = s->off[id + 1] - 1 - s->off[id];
        if (strip && s->type[id] != SPM_UNKNOWN && n > 0 && p[0] == ' ') {
            p++;
            n--;
        }
        *len = n;
        return p;
    }
    }
}

const char *spm_decode_piece(const Spm *s, int32_t prev, int32_t id, size_t *len)
{
    if (id < 0 || id >= s->n) return NULL;
    return piece_out(s, id, prev >= 0 && prev == s->bos, len);
}

size_t spm_decode(const Spm *s, const int32_t *ids, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (ids[i] < 0 || ids[i] >= s->n) return SPM_BAD_ID;
        int strip = i == 0 || (s->bos >= 0 && ids[i - 1] == s->bos);
        size_t len;
        const char *p = piece_out(s, ids[i], strip, &len);
        for (size_t j = 0; j < len; j++, k++)
            if (k < cap) out[k] = p[j];
    }
    return k;
}
