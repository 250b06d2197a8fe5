/* wordpiece.c — BERT's WordPiece tokenizer: basic tokenisation, greedy longest-match
 * encoding, decoding, vocab.txt files, and training. See wordpiece.h for the idea and the
 * references; the character classes are in wordpiece_unicode.c (generated). */
#include "text/wordpiece.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/io.h"

/* ---------------------------------------------------------------- Unicode classes */

enum { K_OTHER, K_SPACE, K_CONTROL, K_PUNCT, K_CJK, K_MARK };

extern const uint32_t wp_class_runs[];
extern const size_t wp_class_nruns;
extern const uint32_t wp_strip_key[];
extern const uint16_t wp_strip_off[];
extern const uint32_t wp_strip_cps[];
extern const size_t wp_strip_n;

static int wp_class(uint32_t cp)
{
    if (cp < 0x80) { /* ASCII without the search */
        if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r') return K_SPACE;
        if (cp < 0x20 || cp == 0x7F) return K_CONTROL;
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || cp >= 123)
            return K_PUNCT;
        return K_OTHER;
    }
    size_t lo = 0, hi = wp_class_nruns; /* the last run starting at or before cp */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if ((wp_class_runs[mid] >> 3) <= cp) lo = mid;
        else hi = mid;
    }
    return (int)(wp_class_runs[lo] & 7);
}

/* Accent stripping of one code point into out (≤ 4 code points); returns how many. NFD,
 * then drop the Mn marks: a mark disappears, é gives e, a Hangul syllable its jamo (Unicode's
 * arithmetic decomposition, which BertTokenizer's NFD also does). */
static int strip_cp(uint32_t cp, uint32_t out[4])
{
    if (wp_class(cp) == K_MARK) return 0;
    if (cp >= 0xAC00 && cp <= 0xD7A3) {
        uint32_t s = cp - 0xAC00, t = s % 28;
        out[0] = 0x1100 + s / 588;
        out[1] = 0x1161 + (s % 588) / 28;
        if (t) out[2] = 0x11A7 + t;
        return t ? 3 : 2;
    }
    size_t lo = 0, hi = wp_strip_n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (wp_strip_key[mid] < cp) lo = mid + 1;
        else hi = mid;
    }
    if (lo < wp_strip_n && wp_strip_key[lo] == cp) {
        int k = 0;
        for (uint16_t j = wp_strip_off[lo]; j < wp_strip_off[lo + 1] && k < 4; j++) out[k++] = wp_strip_cps[j];
        return k;
    }
    out[0] = cp;
    return 1;
}

WpOptions wp_options_cased(void) { return (WpOptions){ .lower = 0, .strip_accents = 0, .lang = TZ_LANG_EN, .keep_special = 1 }; }
WpOptions wp_options_uncased(void) { return (WpOptions){ .lower = 1, .strip_accents = 1, .lang = TZ_LANG_EN, .keep_special = 1 }; }
WpOptions wp_options_turkish(int lower) { return (WpOptions){ .lower = lower != 0, .strip_accents = 0, .lang = TZ_LANG_TR, .keep_special = 1 }; }

/* ---------------------------------------------------------------- the token table */

static const char *SPECIAL_NAMES[5] = { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" };

static void tab_init(WordPiece *w)
{
    memset(w, 0, sizeof *w);
    w->cap_vocab = 64;
    w->tok_off = tz_malloc((w->cap_vocab + 1) * sizeof *w->tok_off);
    w->tok_off[0] = 0;
    w->cap_bytes = 1024;
    w->tok_bytes = tz_malloc(w->cap_bytes);
    w->n_slots = 128;
    w->slot = tz_malloc(w->n_slots * sizeof *w->slot);
    memset(w->slot, 0xff, w->n_slots * sizeof *w->slot);
    w->unk = w->cls = w->sep = w->pad = w->mask = -1;
}

void wp_free(WordPiece *w)
{
    free(w->tok_off);
    free(w->tok_bytes);
    free(w->slot);
    memset(w, 0, sizeof *w);
    w->unk = w->cls = w->sep = w->pad = w->mask = -1;
}

static size_t tok_len(const WordPiece *w, int32_t id) { return w->tok_off[id + 1] - w->tok_off[id] - 1; }

/* The slot holding the token s[0..n), or the empty slot where it would go. */
static size_t tab_slot(const WordPiece *w, const char *s, size_t n)
{
    size_t mask = w->n_slots - 1, i = (size_t)tz_hash64(s, n) & mask;
    for (;;) {
        int32_t id = w->slot[i];
        if (id < 0) return i;
        if (tok_len(w, id) == n && memcmp(w->tok_bytes + w->tok_off[id], s, n) == 0) return i;
        i = (i + 1) & mask;
    }
}

static int32_t tab_find(const WordPiece *w, const char *s, size_t n)
{
    if (!w->slot) return -1;
    return w->slot[tab_slot(w, s, n)];
}

/* Add s[0..n) as the next id (the caller knows it is new). */
static int32_t tab_push(WordPiece *w, const char *s, size_t n)
{
    int32_t id = w->vocab;
    if ((size_t)id + 1 >= w->cap_vocab) {
        w->cap_vocab *= 2;
        w->tok_off = tz_realloc(w->tok_off, (w->cap_vocab + 1) * sizeof *w->tok_off);
    }
    size_t end = w->tok_off[id];
    if (end + n + 1 > w->cap_bytes) {
        while (end + n + 1 > w->cap_bytes) w->cap_bytes *= 2;
        w->tok_bytes = tz_realloc(w->tok_bytes, w->cap_bytes);
    }
    memcpy(w->tok_bytes + end, s, n);
    w->tok_bytes[end + n] = '\0';
    w->tok_off[id + 1] = (uint32_t)(end + n + 1);
    w->vocab++;
    w->slot[tab_slot(w, s, n)] = id;
    if (2 * (size_t)w->vocab > w->n_slots) { /* grow: rehash every id */
        free(w->slot);
        w->n_slots *= 2;
        w->slot = tz_malloc(w->n_slots * sizeof *w->slot);
        memset(w->slot, 0xff, w->n_slots * sizeof *w->slot);
        for (int32_t t = 0; t < w->vocab; t++)
            w->slot[tab_slot(w, w->tok_bytes + w->tok_off[t], tok_len(w, t))] = t;
    }
    return id;
}

/* The id of s[0..n), added if new. */
static int32_t tab_add(WordPiece *w, const char *s, size_t n)
{
    int32_t id = tab_find(w, s, n);
    return id >= 0 ? id : tab_push(w, s, n);
}

static void find_specials(WordPiece *w)
{
    int32_t *dst[5] = { &w->pad, &w->unk, &w->cls, &w->sep, &w->mask };
    for (int k = 0; k < 5; k++) *dst[k] = tab_find(w, SPECIAL_NAMES[k], strlen(SPECIAL_NAMES[k]));
}

const char *wp_token(const WordPiece *w, int32_t id)
{
    if (id < 0 || id >= w->vocab) return NULL;
    return w->tok_bytes + w->tok_off[id];
}

int32_t wp_id(const WordPiece *w, const char *token) { return tab_find(w, token, strlen(token)); }

void wp_set_options(WordPiece *w, const WpOptions *opt) { w->opt = *opt; }

/* ---------------------------------------------------------------- basic tokenisation */

/* A word on its way through the pipeline: code points, each with the input bytes it came
 * from [so, se). Lower-casing and accent stripping can change the number of code points
 * (İ → i + ◌̇, é → e), so every code point carries its source. */
typedef struct {
    uint32_t *cp, *so, *se;
    size_t n, cap;
} CpBuf;

static void cb_push(CpBuf *b, uint32_t cp, uint32_t so, uint32_t se)
{
    if (b->n == b->cap) {
        b->cap = b->cap ? 2 * b->cap : 64;
        b->cp = tz_realloc(b->cp, b->cap * sizeof *b->cp);
        b->so = tz_realloc(b->so, b->cap * sizeof *b->so);
        b->se = tz_realloc(b->se, b->cap * sizeof *b->se);
    }
    b->cp[b->n] = cp;
    b->so[b->n] = so;
    b->se[b->n] = se;
    b->n++;
}

static void cb_free(CpBuf *b)
{
    free(b->cp);
    free(b->so);
    free(b->se);
}

/* Called once per basic token: its code points (with sources), or a special token (special
 * ≥ 0: the index into SPECIAL_NAMES, and w[0..n) is empty). Returns non-zero to stop. */
typedef void (*WordFn)(void *ud, const CpBuf *word, int special, uint32_t so, uint32_t se);

typedef struct {
    const WpOptions *opt;
    const WordPiece *vocab; /* for which specials exist; NULL: all five */
    WordFn fn;
    void *ud;
    CpBuf raw, low, out;    /* scratch */
} Basic;

/* One whitespace-separated word raw[0..n): lower-case, strip accents, split punctuation. */
static void basic_word(Basic *B)
{
    const WpOptions *o = B->opt;
    CpBuf *raw = &B->raw, *low = &B->low, *out = &B->out;
    low->n = 0;
    for (size_t i = 0; i < raw->n; i++) {
        uint32_t cp = raw->cp[i], so = raw->so[i], se = raw->se[i];
        uint32_t t[6];
        int k = 0;
        if (o->lower && cp == 0x0130 && o->lang == TZ_LANG_EN) { /* Unicode's full İ → i + ◌̇ */
            t[k++] = 'i';
            t[k++] = 0x0307;
        } else {
            t[k++] = o->lower ? tz_lower_cp(cp, o->lang) : cp;
        }
        for (int j = 0; j < k; j++) {
            if (o->strip_accents) {
                uint32_t s[4];
                int m = strip_cp(t[j], s);
                for (int q = 0; q < m; q++) cb_push(low, s[q], so, se);
            } else {
                cb_push(low, t[j], so, se);
            }
        }
    }
    /* punctuation: every punctuation character is a word of its own */
    out->n = 0;
    for (size_t i = 0; i < low->n; i++) {
        if (wp_class(low->cp[i]) == K_PUNCT) {
            if (out->n) B->fn(B->ud, out, -1, 0, 0);
            out->n = 0;
            cb_push(out, low->cp[i], low->so[i], low->se[i]);
            B->fn(B->ud, out, -1, 0, 0);
            out->n = 0;
        } else {
            cb_push(out, low->cp[i], low->so[i], low->se[i]);
        }
    }
    if (out->n) B->fn(B->ud, out, -1, 0, 0);
    raw->n = 0;
}

/* The special token whose name starts at s[0..n), or -1. */
static int special_at(const Basic *B, const char *s, size_t n)
{
    if (!B->opt->keep_special || s[0] != '[') return -1;
    for (int k = 0; k < 5; k++) {
        size_t l = strlen(SPECIAL_NAMES[k]);
        if (l <= n && memcmp(s, SPECIAL_NAMES[k], l) == 0) {
            if (B->vocab && tab_find(B->vocab, SPECIAL_NAMES[k], l) < 0) return -1;
            return k;
        }
    }
    return -1;
}

static void basic_run(const WpOptions *opt, const WordPiece *vocab, const char *s, size_t n, WordFn fn, void *ud)
{
    Basic B = { .opt = opt, .vocab = vocab, .fn = fn, .ud = ud };
    size_t i = 0;
    while (i < n) {
        int sp = special_at(&B, s + i, n - i);
        if (sp >= 0) {
            if (B.raw.n) basic_word(&B);
            size_t l = strlen(SPECIAL_NAMES[sp]);
            fn(ud, &B.out, sp, (uint32_t)i, (uint32_t)(i + l));
            i += l;
            continue;
        }
        uint32_t cp;
        int k = utf8_decode(s + i, n - i, &cp);
        if (k == 0) { i++; continue; } /* an invalid byte: dropped, like U+FFFD */
        int c = wp_class(cp);
        if (c == K_SPACE) {
            if (B.raw.n) basic_word(&B);
        } else if (c == K_CJK) { /* a word of its own */
            if (B.raw.n) basic_word(&B);
            cb_push(&B.raw, cp, (uint32_t)i, (uint32_t)(i + (size_t)k));
            basic_word(&B);
        } else if (c != K_CONTROL && cp != 0 && cp != 0xFFFD) {
            cb_push(&B.raw, cp, (uint32_t)i, (uint32_t)(i + (size_t)k));
        }
        i += (size_t)k;
    }
    if (B.raw.n) basic_word(&B);
    cb_free(&B.raw);
    cb_free(&B.low);
    cb_free(&B.out);
}

/* Write bytes into a bounded buffer, counting all of them. */
typedef struct {
    char *out;
    size_t cap, n;
} Sink;

static void sink_put(Sink *k, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++, k->n++)
        if (k->n + 1 < k->cap) k->out[k->n] = s[i];
}

static void sink_end(Sink *k)
{
    if (k->cap) k->out[k->n < k->cap ? k->n : k->cap - 1] = '\0';
}

static size_t cps_to_utf8(const CpBuf *b, size_t from, size_t to, char *out)
{
    size_t o = 0;
    for (size_t i = from; i < to; i++) o += (size_t)utf8_encode(b->cp[i], out + o);
    return o;
}

static void basic_sink(void *ud, const CpBuf *word, int special, uint32_t so, uint32_t se)
{
    (void)so; (void)se;
    Sink *k = ud;
    if (k->n) sink_put(k, " ", 1);
    if (special >= 0) {
        sink_put(k, SPECIAL_NAMES[special], strlen(SPECIAL_NAMES[special]));
        return;
    }
    char buf[4];
    for (size_t i = 0; i < word->n; i++) sink_put(k, buf, (size_t)utf8_encode(word->cp[i], buf));
}

size_t wp_basic(const WpOptions *opt, const char *text, size_t n, char *out, size_t cap)
{
    Sink k = { out, cap, 0 };
    basic_run(opt, NULL, text, n, basic_sink, &k);
    sink_end(&k);
    return k.n;
}

/* ---------------------------------------------------------------- encoding */

typedef struct {
    const WordPiece *w;
    int32_t *ids;
    WpPiece *pieces;
    size_t cap, n;
    char *key;      /* "##" + the longest word's bytes */
    uint32_t *bo;   /* byte offset of each code point in the word's UTF-8 */
} Enc;

static void enc_emit(Enc *E, int32_t id, uint32_t so, uint32_t se)
{
    if (E->n < E->cap) {
        if (E->ids) E->ids[E->n] = id;
        if (E->pieces) E->pieces[E->n] = (WpPiece){ id, so, se - so };
    }
    E->n++;
}

/* Greedy longest-match-first over one basic token. */
static void enc_word(void *ud, const CpBuf *word, int special, uint32_t so, uint32_t se)
{
    Enc *E = ud;
    const WordPiece *w = E->w;
    if (special >= 0) {
        enc_emit(E, wp_id(w, SPECIAL_NAMES[special]), so, se);
        return;
    }
    size_t n = word->n;
    if (n > WP_MAX_WORD_CHARS) {
        enc_emit(E, w->unk, word->so[0], word->se[n - 1]);
        return;
    }
    /* The word in UTF-8 at key + 2, so that "##" + piece is a contiguous key. */
    char *bytes = E->key + 2;
    E->bo[0] = 0;
    for (size_t i = 0; i < n; i++) E->bo[i + 1] = E->bo[i] + (uint32_t)cps_to_utf8(word, i, i + 1, bytes + E->bo[i]);
    size_t start = 0, first = E->n;
    while (start < n) {
        int32_t id = -1;
        size_t end = n;
        for (; end > start; end--) {
            size_t len = E->bo[end] - E->bo[start];
            if (start == 0) {
                id = tab_find(w, bytes, len);
            } else { /* write "##" just before the piece; the bytes there are re-made below */
                char *p = bytes + E->bo[start];
                p -= 2; /* (not bo[start] - 2: unsigned, and bo[start] may be 1) */
                char save[2] = { p[0], p[1] };
                p[0] = '#';
                p[1] = '#';
                id = tab_find(w, p, len + 2);
                p[0] = save[0];
                p[1] = save[1];
            }
            if (id >= 0) break;
        }
        if (id < 0) { /* no piece fits here: the whole word is unknown */
            E->n = first;
            enc_emit(E, w->unk, word->so[0], word->se[n - 1]);
            return;
        }
        enc_emit(E, id, word->so[start], word->se[end - 1]);
        start = end;
    }
}

static size_t encode_into(const WordPiece *w, const char *text, size_t n, int32_t *ids, WpPiece *pieces, size_t cap)
{
    if (w->vocab == 0 || w->unk < 0) return 0;
    Enc E = { .w = w, .ids = ids, .pieces = pieces, .cap = cap };
    /* bytes[-2..-1] must exist for the "##" trick: key has 2 spare bytes in front */
    E.key = tz_malloc(2 + 4 * WP_MAX_WORD_CHARS + 8);
    E.bo = tz_malloc((WP_MAX_WORD_CHARS + 2) * sizeof *E.bo);
    basic_run(&w->opt, w, text, n, enc_word, &E);
    free(E.key);
    free(E.bo);
    return E.n;
}

size_t wp_encode(const WordPiece *w, const char *text, size_t n, int32_t *ids, size_t cap)
{
    return encode_into(w, text, n, ids, NULL, cap);
}

size_t wp_encode_pieces(const WordPiece *w, const char *text, size_t n, WpPiece *out, size_t cap)
{
    return encode_into(w, text, n, NULL, out, cap);
}

size_t wp_encode_pair(const WordPiece *w, const char *a, size_t na, const char *b, size_t nb, int32_t *ids,
                      int32_t *seg, size_t cap)
{
    if (w->cls < 0 || w->sep < 0) return 0;
    size_t k = 0;
    /* [CLS] */
    if (k < cap) { ids[k] = w->cls; if (seg) seg[k] = 0; }
    k++;
    size_t m = wp_encode(w, a, na, k < cap ? ids + k : NULL, k < cap ? cap - k : 0);
    if (seg) for (size_t i = k; i < k + m && i < cap; i++) seg[i] = 0;
    k += m;
    if (k < cap) { ids[k] = w->sep; if (seg) seg[k] = 0; }
    k++;
    if (!b) return k;
    m = wp_encode(w, b, nb, k < cap ? ids + k : NULL, k < cap ? cap - k : 0);
    if (seg) for (size_t i = k; i < k + m && i < cap; i++) seg[i] = 1;
    k += m;
    if (k < cap) { ids[k] = w->sep; if (seg) seg[k] = 1; }
    k++;
    return k;
}

size_t wp_decode(const WordPiece *w, const int32_t *ids, size_t n, char *out, size_t cap)
{
    Sink k = { out, cap, 0 };
    for (size_t i = 0; i < n; i++) {
        const char *t = wp_token(w, ids[i]);
        if (!t) return WP_BAD_ID;
        size_t len = tok_len(w, ids[i]);
        if (i > 0 && len >= 2 && t[0] == '#' && t[1] == '#') {
            sink_put(&k, t + 2, len - 2);
        } else {
            if (i > 0) sink_put(&k, " ", 1);
            sink_put(&k, t, len);
        }
    }
    sink_end(&k);
    return k.n;
}

/* ---------------------------------------------------------------- vocab.txt */

/* The options a vocabulary suggests (see wp_load_vocab in the header). */
static void guess_options(WordPiece *w)
{
    int upper = 0, turkish = 0;
    for (int32_t t = 0; t < w->vocab && !(upper && turkish); t++) {
        const char *s = wp_token(w, t);
        size_t n = tok_len(w, t);
        if (n >= 2 && s[0] == '[' && s[n - 1] == ']') continue;
        for (size_t i = 0; i < n;) {
            uint32_t cp;
            int k = utf8_decode(s + i, n - i, &cp);
            if (k == 0) break;
            if (tz_is_letter(cp) && tz_lower_cp(cp, TZ_LANG_TR) != cp) upper = 1;
            if (cp == 0x0131 || cp == 0x011F || cp == 0x015F || cp == 0x0130 || cp == 0x011E || cp == 0x015E)
                turkish = 1;
            i += (size_t)k;
        }
    }
    w->opt = turkish ? wp_options_turkish(!upper) : (upper ? wp_options_cased() : wp_options_uncased());
}

int wp_parse_vocab(WordPiece *w, const char *data, size_t n, const char *name, TzErr *e)
{
    tab_init(w);
    int rc = 0;
    if (n == 0)
        rc = tz_errf(e, TZ_E_FORMAT, "%s: dosya boş; vocab.txt her satırda bir belirteç içermeli",
                     "%s: the file is empty; a vocab.txt has one token on each line", name);
    size_t line = 1;
    for (size_t i = 0; i < n && !rc; line++) {
        const char *nl = memchr(data + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - data) : n, len = end - i;
        while (len && data[i + len - 1] == '\r') len--; /* Windows line ends (a token never ends in \r) */
        const char *s = data + i;
        if (line > (size_t)WP_MAX_VOCAB)
            rc = tz_errf(e, TZ_E_NOMEM, "%s: %d satırdan fazla; bu bir BERT sözlüğü olamaz",
                         "%s: more than %d lines; this cannot be a BERT vocabulary", name, WP_MAX_VOCAB);
        else if (len == 0)
            rc = tz_errf(e, TZ_E_FORMAT, "%s, satır %zu: boş satır (her satırda bir belirteç olmalı; kimlik = satır numarası)",
                         "%s, line %zu: an empty line (each line must hold one token; id = line number)", name, line);
        else if (len > WP_MAX_TOKEN_BYTES)
            rc = tz_errf(e, TZ_E_FORMAT, "%s, satır %zu: belirteç çok uzun (%zu bayt; en çok %d)",
                         "%s, line %zu: the token is too long (%zu bytes; at most %d)", name, line, len,
                         WP_MAX_TOKEN_BYTES);
        else if (memchr(s, '\0', len))
            rc = tz_errf(e, TZ_E_FORMAT, "%s, satır %zu: NUL baytı; bu bir metin dosyası değil",
                         "%s, line %zu: a NUL byte; this is not a text file", name, line);
        else if (utf8_validate(s, len) != len)
            rc = tz_errf(e, TZ_E_FORMAT, "%s, satır %zu, bayt %zu: geçersiz UTF-8 (dosyayı UTF-8'e çevirin, ör. iconv ile)",
                         "%s, line %zu, byte %zu: invalid UTF-8 (convert the file to UTF-8, e.g. with iconv)", name,
                         line, utf8_validate(s, len) + 1);
        else {
            int32_t old = tab_find(w, s, len);
            if (old >= 0)
                rc = tz_errf(e, TZ_E_FORMAT, "%s: '%.*s' belirteci iki kez var: satır %d ve satır %zu",
                             "%s: the token '%.*s' is there twice: line %d and line %zu", name, (int)(len > 80 ? 80 : len),
                             s, (int)old + 1, line);
            else
                tab_push(w, s, len);
        }
        i = end + 1;
    }
    if (!rc) {
        find_specials(w);
        if (w->unk < 0)
            rc = tz_errf(e, TZ_E_FORMAT, "%s: [UNK] belirteci yok; sözlükte olmayan sözcükler için gerekli",
                         "%s: there is no [UNK] token; it is needed for words the vocabulary cannot spell", name);
    }
    if (rc) {
        wp_free(w);
        return rc;
    }
    guess_options(w);
    return 0;
}

int wp_load_vocab(WordPiece *w, const char *path, TzErr *e)
{
    memset(w, 0, sizeof *w);
    w->unk = w->cls = w->sep = w->pad = w->mask = -1;
    TzFile f;
    int rc = tz_file_map(&f, path, e);
    if (rc) return rc;
    if (f.size > (size_t)WP_MAX_VOCAB * 64) {
        tz_file_unmap(&f);
        return tz_errf(e, TZ_E_NOMEM, "%s: %zu bayt; bir BERT sözlüğü için fazla büyük",
                       "%s: %zu bytes; too big for a BERT vocabulary", path, f.size);
    }
    rc = wp_parse_vocab(w, f.data ? f.data : "", f.size, path, e);
    tz_file_unmap(&f);
    return rc;
}

static int write_vocab(FILE *f, void *ud, TzErr *e)
{
    const WordPiece *w = ud;
    for (int32_t t = 0; t < w->vocab; t++) {
        fwrite(wp_token(w, t), 1, tok_len(w, t), f);
        fputc('\n', f);
    }
    if (ferror(f)) return tz_errf(e, TZ_E_IO, "sözlük yazılamadı", "could not write the vocabulary");
    return 0;
}

int wp_save_vocab(const WordPiece *w, const char *path, TzErr *e)
{
    return tz_save_atomic(path, write_vocab, (void *)w, e);
}

/* ---------------------------------------------------------------- training */

/* Pair counts: (a << 32 | b) → count, open addressing, empty keys UINT64_MAX. Counts that
 * drop to 0 stay as entries (skipped when looking for the best pair). */
typedef struct {
    uint64_t *key;
    int64_t *cnt;
    size_t cap, n;
} PairCount;

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30; x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27; x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static void pc_init(PairCount *m, size_t cap)
{
    m->cap = cap;
    m->n = 0;
    m->key = tz_malloc(cap * sizeof *m->key);
    m->cnt = tz_calloc(cap, sizeof *m->cnt);
    memset(m->key, 0xff, cap * sizeof *m->key);
}

static void pc_add(PairCount *m, int32_t a, int32_t b, int64_t d)
{
    uint64_t key = ((uint64_t)(uint32_t)a << 32) | (uint32_t)b;
    size_t mask = m->cap - 1, i = (size_t)mix64(key) & mask;
    while (m->key[i] != UINT64_MAX && m->key[i] != key) i = (i + 1) & mask;
    if (m->key[i] == key) { m->cnt[i] += d; return; }
    m->key[i] = key;
    m->cnt[i] = d;
    if (2 * ++m->n > m->cap) {
        PairCount old = *m;
        pc_init(m, 2 * old.cap);
        for (size_t j = 0; j < old.cap; j++)
            if (old.key[j] != UINT64_MAX && old.cnt[j] > 0)
                pc_add(m, (int32_t)(old.key[j] >> 32), (int32_t)(uint32_t)old.key[j], old.cnt[j]);
        free(old.key);
        free(old.cnt);
    }
}

typedef struct {
    WordPiece words;   /* distinct corpus words as a string table (id = word number) */
    int64_t *freq;     /* [words.vocab] how often each occurs */
    size_t cap_freq;
    const WpOptions *opt;
    int too_long;
} Count;

static void count_word(void *ud, const CpBuf *word, int special, uint32_t so, uint32_t se)
{
    (void)so; (void)se;
    Count *C = ud;
    if (special >= 0) return;                 /* "[MASK]" in a corpus is not a word to learn */
    if (word->n > WP_MAX_WORD_CHARS) { C->too_long++; return; }
    char buf[4 * WP_MAX_WORD_CHARS + 4];
    size_t len = cps_to_utf8(word, 0, word->n, buf);
    int32_t id = tab_add(&C->words, buf, len);
    if ((size_t)id >= C->cap_freq) {
        size_t old = C->cap_freq;
        C->cap_freq = C->cap_freq ? 2 * C->cap_freq : 1024;
        C->freq = tz_realloc(C->freq, C->cap_freq * sizeof *C->freq);
        memset(C->freq + old, 0, (C->cap_freq - old) * sizeof *C->freq);
    }
    C->freq[id]++;
}

static int cmp_str(const void *x, const void *y) { return strcmp(*(const char *const *)x, *(const char *const *)y); }

int wp_train(WordPiece *w, const char *text, size_t n, int vocab_size, const WpOptions *opt, Job *job, TzErr *e)
{
    memset(w, 0, sizeof *w);
    w->unk = w->cls = w->sep = w->pad = w->mask = -1;
    if (vocab_size < 16 || vocab_size > 1000000)
        return tz_errf(e, TZ_E_ARG, "sözlük boyutu %d olamaz (16 ile 1000000 arasında olmalı)",
                       "a vocabulary of %d tokens is impossible (it must be 16 to 1000000)", vocab_size);
    /* 1. the distinct words of the corpus and their counts */
    Count C = { .opt = opt };
    tab_init(&C.words);
    WpOptions bo = *opt;
    bo.keep_special = 1;
    basic_run(&bo, NULL, text, n, count_word, &C);
    if (C.words.vocab == 0) {
        wp_free(&C.words);
        free(C.freq);
        return tz_errf(e, TZ_E_ARG, "derlemde hiç sözcük yok", "the corpus holds no words");
    }
    /* 2. the alphabet: every character, word-initial and as a "##" continuation, sorted */
    WordPiece alpha;
    tab_init(&alpha);
    int32_t nw = C.words.vocab;
    for (int32_t t = 0; t < nw; t++) {
        const char *s = wp_token(&C.words, t);
        size_t len = tok_len(&C.words, t);
        char buf[8] = "##";
        for (size_t i = 0; i < len;) {
            uint32_t cp;
            int k = utf8_decode(s + i, len - i, &cp);
            TZ_ASSERT(k > 0);
            memcpy(buf + 2, s + i, (size_t)k);
            if (i == 0) tab_add(&alpha, buf + 2, (size_t)k);
            else tab_add(&alpha, buf, (size_t)k + 2);
            i += (size_t)k;
        }
    }
    const char **sorted = tz_malloc((size_t)alpha.vocab * sizeof *sorted);
    for (int32_t t = 0; t < alpha.vocab; t++) sorted[t] = wp_token(&alpha, t);
    qsort(sorted, (size_t)alpha.vocab, sizeof *sorted, cmp_str);
    tab_init(w);
    for (int k = 0; k < 5; k++) tab_push(w, SPECIAL_NAMES[k], strlen(SPECIAL_NAMES[k]));
    for (int32_t t = 0; t < alpha.vocab; t++) tab_add(w, sorted[t], strlen(sorted[t]));
    free(sorted);
    wp_free(&alpha);
    find_specials(w);
    w->opt = *opt;

    /* 3. each word as symbols; symbol and pair counts weighted by word frequency; and, per
     * symbol, the words it occurs in (may hold a word twice or a word that lost it: the merge
     * loop checks) — so a merge visits only the words that can contain it. */
    int32_t **sym = tz_malloc((size_t)nw * sizeof *sym);
    int32_t *slen = tz_malloc((size_t)nw * sizeof *slen);
    size_t cap_syms = (size_t)w->vocab + 1024;
    int64_t *scount = tz_calloc(cap_syms, sizeof *scount);
    int32_t **occ = tz_calloc(cap_syms, sizeof *occ);
    size_t *occ_n = tz_calloc(cap_syms, sizeof *occ_n), *occ_cap = tz_calloc(cap_syms, sizeof *occ_cap);
    PairCount pc;
    pc_init(&pc, 1024);
#define OCC_ADD(s, wd) do { \
        if (occ_n[s] == occ_cap[s]) { occ_cap[s] = occ_cap[s] ? 2 * occ_cap[s] : 4; \
            occ[s] = tz_realloc(occ[s], occ_cap[s] * sizeof **occ); } \
        occ[s][occ_n[s]++] = (wd); } while (0)
    for (int32_t t = 0; t < nw; t++) {
        const char *s = wp_token(&C.words, t);
        size_t len = tok_len(&C.words, t);
        sym[t] = tz_malloc((len + 1) * sizeof **sym);
        int32_t m = 0;
        char buf[8] = "##";
        for (size_t i = 0; i < len;) {
            uint32_t cp;
            int k = utf8_decode(s + i, len - i, &cp);
            memcpy(buf + 2, s + i, (size_t)k);
            int32_t id = i == 0 ? tab_find(w, buf + 2, (size_t)k) : tab_find(w, buf, (size_t)k + 2);
            TZ_ASSERT(id >= 0);
            sym[t][m++] = id;
            scount[id] += C.freq[t];
            OCC_ADD(id, t);
            i += (size_t)k;
        }
        slen[t] = m;
        for (int32_t i = 0; i + 1 < m; i++) pc_add(&pc, sym[t][i], sym[t][i + 1], C.freq[t]);
    }
    int32_t *stamp = tz_malloc((size_t)nw * sizeof *stamp);
    for (int32_t t = 0; t < nw; t++) stamp[t] = -1;

    /* 4. merge the best-scoring pair until the vocabulary is full */
    int rc = 0;
    /* Which pairs may merge: those seen at least min_count times. The score alone favours
     * pairs whose parts are rare (two letters seen once, together, score 1), so on a real
     * corpus it would spend the vocabulary on one-off words. With opt->min_pair 0 the bar
     * starts at the most frequent pair's count (rounded down to a power of two) and halves
     * whenever no pair reaches it: frequent material is merged first, by score, then rarer. */
    int64_t floor_count = opt->min_pair > 0 ? opt->min_pair : 1, min_count = floor_count;
    if (opt->min_pair <= 0) {
        int64_t top = 1;
        for (size_t i = 0; i < pc.cap; i++)
            if (pc.key[i] != UINT64_MAX && pc.cnt[i] > top) top = pc.cnt[i];
        while (min_count * 2 <= top) min_count *= 2;
    }
    char buf[2 * WP_MAX_TOKEN_BYTES + 4];
    for (int32_t iter = 0; w->vocab < vocab_size; iter++) {
        if (job_cancelled(job)) {
            rc = tz_errf(e, TZ_E_CANCELLED, "eğitim durduruldu (%d belirteç öğrenildi)",
                         "training stopped (%d tokens learnt)", (int)w->vocab);
            break;
        }
        if ((iter & 15) == 0) job_report(job, w->vocab, vocab_size);
        size_t best = SIZE_MAX;
        double best_score = 0;
        for (size_t i = 0; i < pc.cap; i++) {
            if (pc.key[i] == UINT64_MAX || pc.cnt[i] < min_count) continue;
            int32_t a = (int32_t)(pc.key[i] >> 32), b = (int32_t)(uint32_t)pc.key[i];
            double sc = (double)pc.cnt[i] / ((double)scount[a] * (double)scount[b]);
            if (best != SIZE_MAX) {
                int32_t ba = (int32_t)(pc.key[best] >> 32), bb = (int32_t)(uint32_t)pc.key[best];
                if (sc < best_score) continue;
                if (sc == best_score) { /* ties: more frequent, then lower ids */
                    if (pc.cnt[i] < pc.cnt[best]) continue;
                    if (pc.cnt[i] == pc.cnt[best] && (a > ba || (a == ba && b > bb))) continue;
                }
            }
            best = i;
            best_score = sc;
        }
        if (best == SIZE_MAX) {
            if (min_count > floor_count) { min_count = min_count / 2 > floor_count ? min_count / 2 : floor_count; continue; }
            break; /* no pair left that may merge (with the floor 1: every word is one token) */
        }
        int32_t a = (int32_t)(pc.key[best] >> 32), b = (int32_t)(uint32_t)pc.key[best];
        /* the new token: a's text, then b's without its "##" */
        size_t la = tok_len(w, a), lb = tok_len(w, b) - 2;
        memcpy(buf, wp_token(w, a), la);
        memcpy(buf + la, wp_token(w, b) + 2, lb);
        int32_t nid = tab_add(w, buf, la + lb);
        if ((size_t)w->vocab >= cap_syms) {
            size_t old = cap_syms;
            cap_syms *= 2;
            scount = tz_realloc(scount, cap_syms * sizeof *scount);
            occ = tz_realloc(occ, cap_syms * sizeof *occ);
            occ_n = tz_realloc(occ_n, cap_syms * sizeof *occ_n);
            occ_cap = tz_realloc(occ_cap, cap_syms * sizeof *occ_cap);
            for (size_t s = old; s < cap_syms; s++) { scount[s] = 0; occ[s] = NULL; occ_n[s] = occ_cap[s] = 0; }
        }
        /* rewrite every word holding "a b" (each word once: stamp) */
        for (size_t j = 0; j < occ_n[a]; j++) {
            int32_t t = occ[a][j];
            if (stamp[t] == iter) continue;
            stamp[t] = iter;
            int32_t *s = sym[t], m = slen[t], o = 0;
            int64_t f = C.freq[t];
            int merged = 0;
            for (int32_t i = 0; i < m; i++) {
                if (i + 1 < m && s[i] == a && s[i + 1] == b) {
                    int32_t left = o > 0 ? s[o - 1] : -1, right = i + 2 < m ? s[i + 2] : -1;
                    if (left >= 0) { pc_add(&pc, left, a, -f); pc_add(&pc, left, nid, f); }
                    if (right >= 0) { pc_add(&pc, b, right, -f); pc_add(&pc, nid, right, f); }
                    pc_add(&pc, a, b, -f);
                    scount[a] -= f;
                    scount[b] -= f;
                    scount[nid] += f;
                    s[o++] = nid;
                    i++;
                    merged = 1;
                } else {
                    s[o++] = s[i];
                }
            }
            slen[t] = o;
            if (merged) OCC_ADD(nid, t);
        }
    }
#undef OCC_ADD
    job_report(job, w->vocab, vocab_size);
    for (int32_t t = 0; t < nw; t++) free(sym[t]);
    for (size_t s = 0; s < cap_syms; s++) free(occ[s]);
    free(sym); free(slen); free(scount); free(occ); free(occ_n); free(occ_cap); free(stamp);
    free(pc.key); free(pc.cnt);
    wp_free(&C.words);
    free(C.freq);
    return rc;
}
