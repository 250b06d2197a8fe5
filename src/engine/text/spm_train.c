/* spm_train.c — learning a LLaMA-style (SentencePiece BPE) vocabulary from a text; see spm.h
 * ("training") for what is learnt. The counting is plain and easy to follow:
 *
 *   1. give every line its dummy prefix (" " + line), cut that into characters exactly as
 *      spm_encode does (a byte and the continuation bytes after it), then into words (a space
 *      starts one; a control character is one; line ends are left out);
 *   2. count the distinct words (a 6 MB corpus has ~10^5 of them; the merging then works on
 *      the distinct words with their counts, not on the text);
 *   3. count the characters, keep the most frequent that cover SPM_TRAIN_COVERAGE of the text;
 *   4. each word becomes a row of symbols: a kept character's piece id, or for a character left
 *      out one frozen symbol per byte (byte fallback: spm_encode never merges those);
 *   5. count every adjacent pair of (unfrozen) symbols, weighted by the word's count; take the
 *      most frequent pair, make it a piece, rewrite the words that hold it, and update the pair
 *      counts of those words only (their old pairs out, their new pairs in); repeat.
 * Step 5 scans all words once per merge to find those holding the pair: O(merges × symbols),
 * about a second for 750 merges over mini-tr's 2.4 MB. (SentencePiece keeps a list of the words
 * each pair occurs in; text/bpe.c does too. For the vocabularies taught here the scan is enough.)
 */
#include "text/spm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"

/* ---- a map from a 64-bit key to a count (pairs, characters) ------------------------------- */

typedef struct {
    uint64_t *key;          /* UINT64_MAX: empty */
    int64_t *val;
    size_t cap, n;          /* cap a power of two, at most half full */
} U64Map;

static uint64_t mix(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return k;
}

static void map_init(U64Map *m, size_t cap)
{
    m->cap = cap;
    m->n = 0;
    m->key = tz_malloc(cap * sizeof *m->key);
    m->val = tz_calloc(cap, sizeof *m->val);
    memset(m->key, 0xff, cap * sizeof *m->key);
}

static void map_free(U64Map *m)
{
    free(m->key);
    free(m->val);
    memset(m, 0, sizeof *m);
}

/* The slot of k, inserted (value 0) when absent. */
static int64_t *map_at(U64Map *m, uint64_t k)
{
    if (2 * (m->n + 1) > m->cap) {
        U64Map b;
        map_init(&b, 2 * m->cap);
        for (size_t i = 0; i < m->cap; i++)
            if (m->key[i] != UINT64_MAX) *map_at(&b, m->key[i]) = m->val[i];
        map_free(m);
        *m = b;
    }
    size_t h = (size_t)mix(k) & (m->cap - 1);
    while (m->key[h] != UINT64_MAX && m->key[h] != k) h = (h + 1) & (m->cap - 1);
    if (m->key[h] == UINT64_MAX) {
        m->key[h] = k;
        m->val[h] = 0;
        m->n++;
    }
    return &m->val[h];
}

/* ---- the pieces being built ----------------------------------------------------------------- */

typedef struct {
    char *text;             /* all pieces' bytes, spaces as ' ' */
    size_t ntext, captext;
    uint32_t *off, *len;    /* piece i: text[off[i] .. off[i]+len[i]) */
    uint16_t *nch;          /* its characters (the merge length limit) */
    float *score;
    int n, cap;
    int32_t *slot;          /* text → id (open addressing, -1 empty), for "already a piece?" */
    size_t nslots;
} Pieces;

static int32_t pieces_find(const Pieces *p, const char *t, size_t n)
{
    for (size_t h = (size_t)tz_hash64(t, n) & (p->nslots - 1);; h = (h + 1) & (p->nslots - 1)) {
        int32_t id = p->slot[h];
        if (id < 0) return -1;
        if (p->len[id] == n && memcmp(p->text + p->off[id], t, n) == 0) return id;
    }
}

static int32_t pieces_add(Pieces *p, const char *t, size_t n, int nch, float score)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 1024;
        p->off = tz_realloc(p->off, (size_t)p->cap * sizeof *p->off);
        p->len = tz_realloc(p->len, (size_t)p->cap * sizeof *p->len);
        p->nch = tz_realloc(p->nch, (size_t)p->cap * sizeof *p->nch);
        p->score = tz_realloc(p->score, (size_t)p->cap * sizeof *p->score);
    }
    while (p->ntext + n > p->captext) {
        p->captext = p->captext ? 2 * p->captext : 16384;
        p->text = tz_realloc(p->text, p->captext);
    }
    int32_t id = p->n++;
    p->off[id] = (uint32_t)p->ntext;
    p->len[id] = (uint32_t)n;
    p->nch[id] = (uint16_t)nch;
    p->score[id] = score;
    memcpy(p->text + p->ntext, t, n);
    p->ntext += n;
    if (2 * (size_t)p->n > p->nslots) {   /* grow and re-insert every piece */
        p->nslots = p->nslots ? 2 * p->nslots : 4096;
        free(p->slot);
        p->slot = tz_malloc(p->nslots * sizeof *p->slot);
        memset(p->slot, 0xff, p->nslots * sizeof *p->slot);
        for (int32_t i = 0; i < p->n; i++) {
            size_t h = (size_t)tz_hash64(p->text + p->off[i], p->len[i]) & (p->nslots - 1);
            while (p->slot[h] >= 0) h = (h + 1) & (p->nslots - 1);
            p->slot[h] = i;
        }
    } else {
        size_t h = (size_t)tz_hash64(t, n) & (p->nslots - 1);
        while (p->slot[h] >= 0) h = (h + 1) & (p->nslots - 1);
        p->slot[h] = id;
    }
    return id;
}

static void pieces_free(Pieces *p)
{
    free(p->text);
    free(p->off);
    free(p->len);
    free(p->nch);
    free(p->score);
    free(p->slot);
    memset(p, 0, sizeof *p);
}

/* ---- words -------------------------------------------------------------------------------- */

/* A distinct word: its bytes in the prefixed text (first occurrence), how often it occurs, and
 * its symbols sym[so .. so+ns) (a piece id ≥ 0, or −1 − byte for a frozen byte). */
typedef struct {
    uint32_t start, bytes;
    int64_t count;
    uint32_t so, ns;
} Word;

/* A character as a map key: up to 4 bytes and the length. */
static uint64_t char_key(const char *c, size_t n)
{
    uint64_t k = (uint64_t)n << 32;
    for (size_t i = 0; i < n; i++) k |= (uint64_t)(unsigned char)c[i] << (8 * i);
    return k;
}

static uint64_t pair_key(int32_t a, int32_t b) { return (uint64_t)(uint32_t)a << 32 | (uint32_t)b; }

/* Add (sign +1) or remove (−1) the pairs of word w to the pair counts. */
static void count_pairs(U64Map *pairs, const int32_t *sym, const Word *w, int sign)
{
    const int32_t *s = sym + w->so;
    for (uint32_t i = 0; i + 1 < w->ns; i++)
        if (s[i] >= 0 && s[i + 1] >= 0) *map_at(pairs, pair_key(s[i], s[i + 1])) += sign * w->count;
}

typedef struct {
    int64_t count;
    uint64_t key;
} CharCount;

static int by_count(const void *a, const void *b)
{
    const CharCount *x = a, *y = b;
    if (x->count != y->count) return x->count > y->count ? -1 : 1;
    return x->key < y->key ? -1 : x->key > y->key;
}

/* the cut spm_encode makes: a byte plus up to 3 continuation bytes (only the prefix stands alone) */
static size_t char_end(const char *t, size_t m, size_t i)
{
    size_t j = i + 1;
    while (i > 0 && j < m && ((unsigned char)t[j] & 0xC0) == 0x80 && j - i < 4) j++;
    return j;
}

int spm_train(Spm *s, const char *text, size_t n, int vocab, Job *job, TzErr *e)
{
    memset(s, 0, sizeof *s);
    if (vocab < SPM_TRAIN_MIN_VOCAB || vocab > SPM_MAX_VOCAB)
        return tz_errf(e, TZ_E_ARG,
                       "sözlük boyutu %d ile %d arasında olmalı (verilen: %d): 3 özel parça, 256 bayt parçası ve "
                       "boşluk yer tutar.",
                       "the vocabulary size must be between %d and %d (given: %d): the 3 special pieces, the 256 "
                       "byte pieces and the space take room.",
                       SPM_TRAIN_MIN_VOCAB, SPM_MAX_VOCAB, vocab);
    if (n == 0 || n >= UINT32_MAX - 1)
        return tz_errf(e, TZ_E_ARG, "belirteçleyici eğitimi için metin boş ya da 4 GB'tan büyük (%zu bayt).",
                       "the text for tokenizer training is empty or larger than 4 GB (%zu bytes).", n);
    /* every line with its own dummy prefix, as SentencePiece reads a text: one sentence a line,
     * each " " + line; the line ends stay as separators (never counted: spm_encode_lines writes
     * them as the byte piece <0x0A>) */
    size_t lines = 1;
    for (size_t i = 0; i < n; i++) lines += text[i] == '\n';
    char *t = tz_malloc(n + lines);
    size_t m = 0;
    t[m++] = ' ';
    for (size_t i = 0; i < n; i++) {
        t[m++] = text[i];
        if (text[i] == '\n' && i + 1 < n) t[m++] = ' ';
    }

    /* 1–2. the distinct words and their counts (a map from the word's hash to a list) */
    Word *words = NULL;
    size_t nw = 0, capw = 0, wslots = 1 << 16;
    int32_t *wslot = tz_malloc(wslots * sizeof *wslot);
    memset(wslot, 0xff, wslots * sizeof *wslot);
    for (size_t i = 0; i < m;) {
        /* the word starting at i ends before the next space or control character (a control
           character is a word of one character) */
        size_t j = char_end(t, m, i);
        if ((unsigned char)t[i] >= 0x20 || t[i] == ' ')
            while (j < m && t[j] != ' ' && (unsigned char)t[j] >= 0x20) j = char_end(t, m, j);
        size_t len = j - i;
        if (t[i] == '\n') {   /* a separator, not text */
            i = j;
            continue;
        }
        size_t h = (size_t)tz_hash64(t + i, len) & (wslots - 1);
        for (; wslot[h] >= 0; h = (h + 1) & (wslots - 1)) {
            Word *o = &words[wslot[h]];
            if (o->bytes == len && memcmp(t + o->start, t + i, len) == 0) break;
        }
        if (wslot[h] >= 0) {
            words[wslot[h]].count++;
        } else {
            if (nw == capw) {
                capw = capw ? 2 * capw : 4096;
                words = tz_realloc(words, capw * sizeof *words);
            }
            words[nw] = (Word){ (uint32_t)i, (uint32_t)len, 1, 0, 0 };
            wslot[h] = (int32_t)nw++;
            if (2 * nw > wslots) {
                free(wslot);
                wslots *= 2;
                wslot = tz_malloc(wslots * sizeof *wslot);
                memset(wslot, 0xff, wslots * sizeof *wslot);
                for (size_t k = 0; k < nw; k++) {
                    size_t q = (size_t)tz_hash64(t + words[k].start, words[k].bytes) & (wslots - 1);
                    while (wslot[q] >= 0) q = (q + 1) & (wslots - 1);
                    wslot[q] = (int32_t)k;
                }
            }
        }
        i = j;
    }
    free(wslot);

    /* 3. the characters, counted over the words (weighted), most frequent first */
    U64Map chars;
    map_init(&chars, 1024);
    int64_t total_chars = 0;
    for (size_t w = 0; w < nw; w++)
        for (size_t i = words[w].start, end = i + words[w].bytes; i < end;) {
            size_t j = char_end(t, m, i);
            *map_at(&chars, char_key(t + i, j - i)) += words[w].count;
            total_chars += words[w].count;
            i = j;
        }
    CharCount *cc = tz_malloc((chars.n ? chars.n : 1) * sizeof *cc);
    size_t ncc = 0;
    for (size_t i = 0; i < chars.cap; i++)
        if (chars.key[i] != UINT64_MAX) cc[ncc++] = (CharCount){ chars.val[i], chars.key[i] };
    qsort(cc, ncc, sizeof *cc, by_count);

    Pieces P = { 0 };
    pieces_add(&P, "<unk>", 5, 1, 0);
    pieces_add(&P, "<s>", 3, 1, 0);
    pieces_add(&P, "</s>", 4, 1, 0);
    for (int b = 0; b < 256; b++) {
        char nm[8];
        static const char hx[] = "0123456789ABCDEF";
        memcpy(nm, "<0x", 3);
        nm[3] = hx[b >> 4];
        nm[4] = hx[b & 15];
        nm[5] = '>';
        pieces_add(&P, nm, 6, 1, 0);
    }
    /* keep characters until they cover the share asked for, within the vocabulary (the space
       always: it is the dummy prefix, and without it every word would start with a byte) */
    map_free(&chars);
    map_init(&chars, 1024);   /* now: character key → piece id + 1 */
    int64_t covered = 0;
    size_t first_char = (size_t)P.n;
    int space_in = 0;
    for (size_t i = 0; i < ncc && P.n < vocab; i++) {
        char c[4];
        size_t len = (size_t)(cc[i].key >> 32);
        for (size_t k = 0; k < len; k++) c[k] = (char)(cc[i].key >> (8 * k));
        int is_space = len == 1 && c[0] == ' ';
        if (len == 1 && c[0] == '\0') continue;   /* a NUL cannot be a piece's text in GGUF or
                                                     tokenizer.bin: byte fallback spells it */
        if (!is_space && (double)covered >= SPM_TRAIN_COVERAGE * (double)total_chars) continue;
        if (!is_space && P.n == vocab - 1 && !space_in) continue;   /* the last slot is the space's */
        space_in |= is_space;
        covered += cc[i].count;
        int32_t id = pieces_add(&P, c, len, 1, 0);
        *map_at(&chars, cc[i].key) = id + 1;
    }
    size_t nchars = (size_t)P.n - first_char;
    free(cc);

    /* 4. every word as symbols */
    size_t nsym = 0;
    for (size_t w = 0; w < nw; w++) nsym += words[w].bytes;
    int32_t *sym = tz_malloc((nsym ? nsym : 1) * sizeof *sym);
    nsym = 0;
    for (size_t w = 0; w < nw; w++) {
        words[w].so = (uint32_t)nsym;
        for (size_t i = words[w].start, end = i + words[w].bytes; i < end;) {
            size_t j = char_end(t, m, i);
            int64_t *id = map_at(&chars, char_key(t + i, j - i));
            if (*id > 0) sym[nsym++] = (int32_t)(*id - 1);
            else
                for (size_t b = i; b < j; b++) sym[nsym++] = -1 - (int32_t)(unsigned char)t[b];
            i = j;
        }
        words[w].ns = (uint32_t)(nsym - words[w].so);
    }
    map_free(&chars);

    /* 5. the merges */
    U64Map pairs;
    map_init(&pairs, 1 << 14);
    for (size_t w = 0; w < nw; w++) count_pairs(&pairs, sym, &words[w], +1);
    int rc = 0, merges = 0;
    int64_t todo = vocab - P.n;
    char *buf = tz_malloc(8 * SPM_TRAIN_MAX_CHARS + 8);
    while (P.n < vocab) {
        /* the most frequent pair that would not make too long a piece; ties: the lower key */
        int64_t best = 0;
        uint64_t bk = UINT64_MAX;
        for (size_t i = 0; i < pairs.cap; i++) {
            uint64_t k = pairs.key[i];
            int64_t c = pairs.val[i];
            if (k == UINT64_MAX || c < 2 || c < best || (c == best && k >= bk)) continue;
            if (P.nch[k >> 32] + P.nch[(uint32_t)k] > SPM_TRAIN_MAX_CHARS) continue;
            best = c;
            bk = k;
        }
        if (best < 2) break;   /* no pair occurs twice: a merge would learn nothing */
        int32_t a = (int32_t)(bk >> 32), b = (int32_t)(uint32_t)bk;
        size_t la = P.len[a], lb = P.len[b];
        memcpy(buf, P.text + P.off[a], la);
        memcpy(buf + la, P.text + P.off[b], lb);
        int32_t x = pieces_find(&P, buf, la + lb);
        if (x < 0) x = pieces_add(&P, buf, la + lb, P.nch[a] + P.nch[b], -(float)merges++);
        /* rewrite the words holding a b (left to right, as spm_encode glues the leftmost first) */
        for (size_t w = 0; w < nw; w++) {
            int32_t *sw = sym + words[w].so;
            uint32_t ns = words[w].ns, i = 0;
            while (i + 1 < ns && !(sw[i] == a && sw[i + 1] == b)) i++;
            if (i + 1 >= ns) continue;
            count_pairs(&pairs, sym, &words[w], -1);
            uint32_t o = 0;
            for (uint32_t k = 0; k < ns;) {
                if (k + 1 < ns && sw[k] == a && sw[k + 1] == b) {
                    sw[o++] = x;
                    k += 2;
                } else {
                    sw[o++] = sw[k++];
                }
            }
            words[w].ns = o;
            count_pairs(&pairs, sym, &words[w], +1);
        }
        *map_at(&pairs, bk) = 0;   /* gone everywhere (and never again chosen) */
        if ((merges & 15) == 0 && job) {
            job_report(job, P.n - (vocab - todo), todo);
            if (job_cancelled(job)) {
                rc = tz_errf(e, TZ_E_CANCELLED, "belirteçleyici eğitimi durduruldu (%d birleştirme öğrenildi).",
                             "tokenizer training stopped (%d merges learnt).", merges);
                break;
            }
        }
    }
    if (job && !rc) job_report(job, todo, todo);
    free(buf);
    map_free(&pairs);
    free(sym);
    free(words);
    free(t);

    if (!rc) {
        /* the characters score below every merge, most frequent highest (LLaMA's vocabulary does
           the same); they are never made by a merge, so their scores do not change encoding */
        for (size_t i = 0; i < nchars; i++) P.score[first_char + i] = -(float)(merges + (int)i);
        /* hand the pieces to spm's own builder (llama2.c's spelling: spaces as ' ') */
        GgufVocab v = { 0 };
        v.n = P.n;
        v.tok = tz_malloc((size_t)P.n * sizeof *v.tok);
        v.len = tz_malloc((size_t)P.n * sizeof *v.len);
        v.score = P.score;
        v.bos = 1;
        v.eos = 2;
        v.unk = 0;
        snprintf(v.model, sizeof v.model, "llama");
        for (int i = 0; i < P.n; i++) {
            v.tok[i] = P.text + P.off[i];
            v.len[i] = P.len[i];
        }
        rc = spm_from_llama2c(s, &v, e);
        free(v.tok);
        free(v.len);
    }
    pieces_free(&P);
    return rc;
}

void spm_to_vocab(const Spm *s, int gguf, GgufVocab *v)
{
    memset(v, 0, sizeof *v);
    v->n = s->n;
    v->tok = tz_malloc((size_t)s->n * sizeof *v->tok);
    v->len = tz_malloc((size_t)s->n * sizeof *v->len);
    v->score = tz_malloc((size_t)s->n * sizeof *v->score);
    v->type = tz_malloc((size_t)s->n * sizeof *v->type);
    for (int32_t i = 0; i < s->n; i++) {
        size_t len, k = 0;
        const char *p = spm_piece(s, i, &len);
        size_t spaces = 0;
        for (size_t j = 0; j < len; j++) spaces += p[j] == ' ';
        /* "▁" (U+2581, 3 bytes) for each space in GGUF's spelling */
        char *o = tz_malloc(len + (gguf ? 2 * spaces : 0) + 1);
        for (size_t j = 0; j < len; j++) {
            if (gguf && p[j] == ' ') {
                memcpy(o + k, "\xE2\x96\x81", 3);
                k += 3;
            } else {
                o[k++] = p[j];
            }
        }
        o[k] = '\0';
        v->tok[i] = o;
        v->len[i] = k;
        v->score[i] = s->score[i];
        v->type[i] = s->type[i];
    }
    v->bos = s->bos;
    v->eos = s->eos;
    v->unk = s->unk;
    snprintf(v->model, sizeof v->model, "llama");
}

size_t spm_encode_lines(const Spm *s, const char *text, size_t n, int32_t *ids, size_t cap)
{
    int32_t nl = spm_id(s, "\n", 1);
    if (nl < 0) nl = s->byte_id['\n'] >= 0 ? s->byte_id['\n'] : s->unk;
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        const char *e = memchr(text + i, '\n', n - i);
        size_t len = e ? (size_t)(e - (text + i)) : n - i;
        k += spm_encode(s, text + i, len, 1, 0, k < cap ? ids + k : NULL, k < cap ? cap - k : 0);
        i += len;
        if (e) {
            if (k < cap) ids[k] = nl;
            k++;
            i++;
        }
    }
    return k;
}
