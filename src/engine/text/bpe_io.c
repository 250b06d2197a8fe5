/* bpe_io.c — BPE tokenizers in and out of files: GPT-2's own pair (encoder.json + vocab.bpe)
 * and tezgah's checkpoint section. See bpe.h for both layouts.
 *
 * Both readers treat their bytes as hostile (DESIGN.md §4): every count is checked against the
 * bytes that are really there before anything is allocated from it, every id against the
 * vocabulary, and the first problem is reported with where it is (byte offset or line). */
#include "text/bpe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/io.h"
#include "core/utf8.h"

/* Larger files than this are not a tokenizer (GPT-2's are 1.0 MB and 0.46 MB; the largest
 * vocabularies in use, ~250 000 tokens, stay under 20 MB). */
#define GPT2_MAX_FILE ((size_t)256 << 20)
/* Tokens of encoder.json that no byte and no merge makes (specials); GPT-2 has one. */
enum { GPT2_MAX_SPECIAL = 1024 };

/* ---------------------------------------------------------------- token strings → ids */

/* The tokens of encoder.json: their strings (UTF-8, escapes decoded) one after another in
 * str, an entry (where, how long, which id) each, and a hash table over the strings. */
typedef struct { uint32_t off, len; int32_t id; } Ent;

typedef struct {
    char *str;
    size_t nstr, capstr;
    Ent *ent;
    size_t n, cap;
    int32_t *slot;  /* entry index, or -1 for empty; at most half full */
    size_t nslot;   /* a power of two */
} Dict;

static void dict_free(Dict *d)
{
    free(d->str);
    free(d->ent);
    free(d->slot);
    memset(d, 0, sizeof *d);
}

static size_t dict_pos(const Dict *d, const char *s, size_t len)
{
    size_t mask = d->nslot - 1, i = (size_t)tz_hash64(s, len) & mask;
    while (d->slot[i] >= 0) {
        const Ent *x = &d->ent[d->slot[i]];
        if (x->len == len && memcmp(d->str + x->off, s, len) == 0) break;
        i = (i + 1) & mask;
    }
    return i;
}

/* Index of the entry with this string, or -1. */
static int32_t dict_find(const Dict *d, const char *s, size_t len)
{
    return d->nslot ? d->slot[dict_pos(d, s, len)] : -1;
}

/* Append bytes to the string store (a token being decoded grows there). */
static void str_put(Dict *d, const char *s, size_t len)
{
    if (len == 0) return;
    if (d->nstr + len > d->capstr) {
        d->capstr = d->capstr ? 2 * d->capstr : 1 << 16;
        while (d->nstr + len > d->capstr) d->capstr *= 2;
        d->str = tz_realloc(d->str, d->capstr);
    }
    memcpy(d->str + d->nstr, s, len);
    d->nstr += len;
}

/* The token decoded at str[off..nstr) becomes an entry with id; returns the index of an
 * entry that already has this string instead (then nothing is added). */
static int32_t dict_add(Dict *d, size_t off, int32_t id)
{
    size_t len = d->nstr - off;
    if (2 * (d->n + 1) > d->nslot) {
        free(d->slot);
        d->nslot = d->nslot ? 2 * d->nslot : 1 << 12;
        d->slot = tz_malloc(d->nslot * sizeof *d->slot);
        memset(d->slot, 0xff, d->nslot * sizeof *d->slot);
        for (size_t k = 0; k < d->n; k++)
            d->slot[dict_pos(d, d->str + d->ent[k].off, d->ent[k].len)] = (int32_t)k;
    }
    size_t i = dict_pos(d, d->str + off, len);
    if (d->slot[i] >= 0) { d->nstr = off; return d->slot[i]; }
    if (d->n == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 1 << 12;
        d->ent = tz_realloc(d->ent, d->cap * sizeof *d->ent);
    }
    d->ent[d->n] = (Ent){ (uint32_t)off, (uint32_t)len, id };
    d->slot[i] = (int32_t)d->n++;
    return -1;
}

/* ---------------------------------------------------------------- encoder.json */

/* A reader over the JSON text, and the error it stops with. */
typedef struct {
    const char *s;
    size_t n, i;
    TzErr *e;
} Json;

/* Stop with "encoder.json: byte N (line L, column C): why" — the place, then the reason in
 * each language appended to its half. */
static int json_fail(Json *j, const char *why_tr, const char *why_en)
{
    size_t at = j->i < j->n ? j->i : j->n, line, col;
    tz_line_col(j->s, at, &line, &col);
    TzErr *e = j->e;
    if (j->i >= j->n)
        tz_errf(e, TZ_E_FORMAT, "encoder.json yarıda bitiyor (%zu. baytta, satır %zu)",
                "encoder.json ends too early (at byte %zu, line %zu)", at, line);
    else
        tz_errf(e, TZ_E_FORMAT, "encoder.json bozuk: bayt %zu (satır %zu, sütun %zu)",
                "encoder.json is damaged: byte %zu (line %zu, column %zu)", at, line, col);
    if (e) {
        size_t lt = strlen(e->tr), le = strlen(e->en);
        snprintf(e->tr + lt, sizeof e->tr - lt, ": %s", why_tr);
        snprintf(e->en + le, sizeof e->en - le, ": %s", why_en);
    }
    return TZ_E_FORMAT;
}
static void json_ws(Json *j)
{
    while (j->i < j->n && (j->s[j->i] == ' ' || j->s[j->i] == '\t' || j->s[j->i] == '\n' || j->s[j->i] == '\r'))
        j->i++;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Four hex digits after "\u" at j->i; -1 if they are not there. */
static long json_hex4(Json *j)
{
    if (j->n - j->i < 4) return -1;
    long v = 0;
    for (int k = 0; k < 4; k++) {
        int h = hexval(j->s[j->i + (size_t)k]);
        if (h < 0) return -1;
        v = v * 16 + h;
    }
    j->i += 4;
    return v;
}

/* A JSON string at j->i (the opening quote), decoded into d's string store. The text was
 * checked to be valid UTF-8 before, so plain bytes are copied as they are. */
static int json_string(Json *j, Dict *d)
{
    if (j->i >= j->n || j->s[j->i] != '"')
        return json_fail(j, "burada bir belirteç (\"…\" dizgisi) bekleniyordu", "a token (a \"…\" string) was expected here");
    j->i++;
    for (;;) {
        size_t start = j->i;
        while (j->i < j->n && j->s[j->i] != '"' && j->s[j->i] != '\\' && (unsigned char)j->s[j->i] >= 0x20) j->i++;
        str_put(d, j->s + start, j->i - start);
        if (j->i >= j->n) return json_fail(j, "dizgi kapanmadan", "inside a string");
        char c = j->s[j->i];
        if (c == '"') { j->i++; return 0; }
        if (c != '\\') return json_fail(j, "dizgide kaçışsız bir denetim karakteri var", "a control character in a string must be escaped");
        j->i++;
        if (j->i >= j->n) return json_fail(j, "kaçış dizisinin ortasında", "inside an escape");
        c = j->s[j->i++];
        char one;
        switch (c) {
        case '"': one = '"'; break;
        case '\\': one = '\\'; break;
        case '/': one = '/'; break;
        case 'b': one = '\b'; break;
        case 'f': one = '\f'; break;
        case 'n': one = '\n'; break;
        case 'r': one = '\r'; break;
        case 't': one = '\t'; break;
        case 'u': {
            long u = json_hex4(j);
            if (u < 0) return json_fail(j, "\\u dört onaltılık rakam ister", "\\u needs four hex digits");
            uint32_t cp = (uint32_t)u;
            if (cp >= 0xDC00 && cp <= 0xDFFF)
                return json_fail(j, "tek başına bir alt vekil (\\uDC00..\\uDFFF)", "a low surrogate (\\uDC00..\\uDFFF) on its own");
            if (cp >= 0xD800 && cp <= 0xDBFF) { /* a high surrogate: its low half must follow */
                long lo = -1;
                if (j->n - j->i >= 2 && j->s[j->i] == '\\' && j->s[j->i + 1] == 'u') {
                    j->i += 2;
                    lo = json_hex4(j);
                }
                if (lo < 0xDC00 || lo > 0xDFFF)
                    return json_fail(j, "üst vekilin (\\uD800..\\uDBFF) ardından alt vekil gelmeli",
                                 "a high surrogate (\\uD800..\\uDBFF) must be followed by a low one");
                cp = 0x10000 + ((cp - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
            }
            if (cp == 0) return json_fail(j, "belirteçte NUL (\\u0000) olamaz", "a token cannot hold NUL (\\u0000)");
            char buf[4];
            str_put(d, buf, (size_t)utf8_encode(cp, buf));
            continue;
        }
        default:
            j->i--;
            return json_fail(j, "bilinmeyen bir kaçış (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX olabilir)",
                         "an unknown escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX are allowed)");
        }
        str_put(d, &one, 1);
    }
}

/* encoder.json → d: every token once, every id once, ids 0 … count−1. */
static int parse_encoder(const char *s, size_t n, Dict *d, TzErr *e)
{
    Json j = { s, n, 0, e };
    size_t bad = utf8_validate(s, n);
    if (bad < n) {
        size_t line, col;
        tz_line_col(s, bad, &line, &col);
        return tz_errf(e, TZ_E_FORMAT, "encoder.json geçerli UTF-8 değil: bayt %zu (satır %zu, sütun %zu)",
                       "encoder.json is not valid UTF-8: byte %zu (line %zu, column %zu)", bad, line, col);
    }
    json_ws(&j);
    if (j.i >= n || s[j.i] != '{')
        return json_fail(&j, "dosya bir JSON nesnesiyle ({ \"belirteç\": kimlik, … }) başlamalı",
                     "the file must be one JSON object ({ \"token\": id, … })");
    j.i++;
    json_ws(&j);
    if (j.i < n && s[j.i] == '}') j.i++;
    else
        for (;;) {
            size_t at = j.i, off = d->nstr;
            int rc = json_string(&j, d);
            if (rc) return rc;
            if (d->nstr == off) {
                j.i = at;
                return json_fail(&j, "boş bir belirteç (\"\")", "an empty token (\"\")");
            }
            json_ws(&j);
            if (j.i >= n || s[j.i] != ':') return json_fail(&j, "belirteçten sonra ':' bekleniyordu", "':' was expected after a token");
            j.i++;
            json_ws(&j);
            if (j.i < n && s[j.i] == '-') return json_fail(&j, "kimlik eksi olamaz", "an id cannot be negative");
            if (j.i >= n || s[j.i] < '0' || s[j.i] > '9') return json_fail(&j, "bir kimlik (sayı) bekleniyordu", "an id (a number) was expected");
            long long id = 0;
            while (j.i < n && s[j.i] >= '0' && s[j.i] <= '9') {
                id = id * 10 + (s[j.i++] - '0');
                if (id > 100000000) return json_fail(&j, "kimlik akıl almaz büyüklükte", "the id is absurdly large");
            }
            if (j.i < n && (s[j.i] == '.' || s[j.i] == 'e' || s[j.i] == 'E'))
                return json_fail(&j, "kimlik bir tam sayı olmalı", "an id must be a whole number");
            int32_t dup = dict_add(d, off, (int32_t)id);
            if (dup >= 0) {
                const Ent *x = &d->ent[dup];
                return tz_errf(e, TZ_E_FORMAT, "encoder.json: %zu. baytta '%.*s' belirteci ikinci kez var",
                               "encoder.json: byte %zu: the token '%.*s' is there twice",
                               at, (int)(x->len > 40 ? 40 : x->len), d->str + x->off);
            }
            json_ws(&j);
            if (j.i < n && s[j.i] == ',') {
                j.i++;
                json_ws(&j);
                continue;
            }
            if (j.i < n && s[j.i] == '}') { j.i++; break; }
            return json_fail(&j, "',' ya da '}' bekleniyordu", "',' or '}' was expected");
        }
    json_ws(&j);
    if (j.i < n) return json_fail(&j, "nesneden sonra fazladan bir şey var", "something follows the object");
    if (d->n < 256)
        return tz_errf(e, TZ_E_FORMAT, "encoder.json'da yalnızca %zu belirteç var; en az 256 bayt belirteci olmalı",
                       "encoder.json has only %zu tokens; the 256 byte tokens at least must be there", d->n);
    if (d->n > 4000000)
        return tz_errf(e, TZ_E_FORMAT, "encoder.json'da akıl almaz sayıda belirteç var (%zu)",
                       "encoder.json has an absurd number of tokens (%zu)", d->n);
    /* ids 0 … n−1, each once */
    int32_t *owner = tz_malloc(d->n * sizeof *owner);
    memset(owner, 0xff, d->n * sizeof *owner);
    int rc = 0;
    for (size_t k = 0; k < d->n && !rc; k++) {
        const Ent *x = &d->ent[k];
        int l = (int)(x->len > 40 ? 40 : x->len);
        if ((size_t)x->id >= d->n)
            rc = tz_errf(e, TZ_E_FORMAT, "encoder.json: '%.*s' belirtecinin kimliği %d, ama yalnızca %zu belirteç var (0..%zu olmalı)",
                         "encoder.json: the token '%.*s' has the id %d, but there are only %zu tokens (it must be 0..%zu)",
                         l, d->str + x->off, (int)x->id, d->n, d->n - 1);
        else if (owner[x->id] >= 0) {
            const Ent *o = &d->ent[owner[x->id]];
            rc = tz_errf(e, TZ_E_FORMAT, "encoder.json: %d kimliği iki belirtecin: '%.*s' ve '%.*s'",
                         "encoder.json: the id %d belongs to two tokens: '%.*s' and '%.*s'", (int)x->id,
                         (int)(o->len > 40 ? 40 : o->len), d->str + o->off, l, d->str + x->off);
        } else
            owner[x->id] = (int32_t)k;
    }
    free(owner);
    return rc;
}

/* ---------------------------------------------------------------- vocab.bpe */

/* Id of the token written s[0..len) in stand-ins, or -1 (then an error naming it and the line). */
static int32_t merge_part(const Dict *d, const char *s, size_t len, size_t line, TzErr *e)
{
    int32_t k = dict_find(d, s, len);
    if (k >= 0) return d->ent[k].id;
    tz_errf(e, TZ_E_FORMAT, "vocab.bpe satır %zu: '%.*s' belirteci encoder.json'da yok",
            "vocab.bpe line %zu: the token '%.*s' is not in encoder.json", line, (int)(len > 40 ? 40 : len), s);
    return -1;
}

/* vocab.bpe → merges (each with the id of its joined string). *line0 gets the line of merge 0. */
static int parse_merges(const char *s, size_t n, Dict *d, BpeMerge **out, int32_t *nout, size_t *line0, TzErr *e)
{
    size_t bad = utf8_validate(s, n);
    if (bad < n) {
        size_t line, col;
        tz_line_col(s, bad, &line, &col);
        return tz_errf(e, TZ_E_FORMAT, "vocab.bpe geçerli UTF-8 değil: satır %zu, sütun %zu (bayt %zu)",
                       "vocab.bpe is not valid UTF-8: line %zu, column %zu (byte %zu)", line, col, bad);
    }
    size_t i = 0, line = 1;
    *line0 = 1;
    if (n && s[0] == '#') { /* "#version: 0.2" */
        while (i < n && s[i] != '\n') i++;
        if (i < n) i++;
        line = *line0 = 2;
    }
    size_t cap = 1024, cnt = 0;
    BpeMerge *m = tz_malloc(cap * sizeof *m);
    char *joined = NULL;
    size_t capj = 0;
    int rc = 0;
    for (; i < n && !rc; line++) {
        size_t end = i;
        while (end < n && s[end] != '\n') end++;
        size_t next = end < n ? end + 1 : end, len = end - i;
        if (len && s[i + len - 1] == '\r') len--; /* written on Windows */
        if (len == 0) {
            /* empty lines may only end the file */
            size_t k = next;
            while (k < n && (s[k] == '\n' || s[k] == '\r')) k++;
            if (k < n)
                rc = tz_errf(e, TZ_E_FORMAT, "vocab.bpe satır %zu boş; her satır bir birleştirme olmalı (\"Ġ t\")",
                             "vocab.bpe line %zu is empty; every line must be a merge (\"Ġ t\")", line);
            break;
        }
        const char *sp = memchr(s + i, ' ', len);
        size_t la = sp ? (size_t)(sp - (s + i)) : 0, lb = sp ? len - la - 1 : 0;
        if (!sp || la == 0 || lb == 0 || memchr(sp + 1, ' ', lb)) {
            rc = tz_errf(e, TZ_E_FORMAT,
                         "vocab.bpe satır %zu: bir birleştirme, aralarında tek boşluk olan iki belirteçtir (\"Ġ t\"); bu satır '%.*s'",
                         "vocab.bpe line %zu: a merge is two tokens with one space between (\"Ġ t\"); this line is '%.*s'",
                         line, (int)(len > 40 ? 40 : len), s + i);
            break;
        }
        if (cnt >= d->n) {
            rc = tz_errf(e, TZ_E_FORMAT, "vocab.bpe'de belirteç sayısından (%zu) fazla birleştirme var",
                         "vocab.bpe has more merges than there are tokens (%zu)", d->n);
            break;
        }
        int32_t a = merge_part(d, s + i, la, line, e), b = a < 0 ? -1 : merge_part(d, sp + 1, lb, line, e);
        if (a < 0 || b < 0) { rc = TZ_E_FORMAT; break; }
        if (la + lb > capj) {
            capj = 2 * (la + lb);
            joined = tz_realloc(joined, capj);
        }
        memcpy(joined, s + i, la);
        memcpy(joined + la, sp + 1, lb);
        int32_t id = dict_find(d, joined, la + lb);
        if (id < 0) {
            rc = tz_errf(e, TZ_E_FORMAT, "vocab.bpe satır %zu: birleşimin sonucu '%.*s' encoder.json'da yok",
                         "vocab.bpe line %zu: the merged token '%.*s' is not in encoder.json", line,
                         (int)(la + lb > 40 ? 40 : la + lb), joined);
            break;
        }
        if (cnt == cap) {
            cap *= 2;
            m = tz_realloc(m, cap * sizeof *m);
        }
        m[cnt++] = (BpeMerge){ a, b, d->ent[id].id };
        i = next;
    }
    free(joined);
    if (rc) {
        free(m);
        return rc;
    }
    *out = m;
    *nout = (int32_t)cnt;
    return 0;
}

/* ---------------------------------------------------------------- the pair together */

/* The bytes a stand-in string s[0..len) stands for, into out (len bytes at most); -1 when a
 * character is not a stand-in (then the token is a name, like "<|endoftext|>" would be if it
 * held non-Latin-1 characters) or stands for NUL. */
static long from_standins(const unsigned char inv[0x144], const char *s, size_t len, char *out)
{
    size_t w = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        int k = utf8_decode(s + i, len - i, &cp);
        if (k == 0 || cp >= 0x144 || (cp != 0x100 && inv[cp] == 0)) return -1;
        out[w++] = (char)inv[cp];
        i += (size_t)k;
    }
    return (long)w;
}

int bpe_load_gpt2_mem(Bpe *b, const char *enc, size_t n_enc, const char *merges, size_t n_merges, TzErr *e)
{
    memset(b, 0, sizeof *b);
    if (n_enc > GPT2_MAX_FILE || n_merges > GPT2_MAX_FILE)
        return tz_errf(e, TZ_E_FORMAT, "%s akıl almaz büyüklükte (%zu MB); bir belirteçleyici dosyası değil",
                       "%s is absurdly large (%zu MB); not a tokenizer file", n_enc > GPT2_MAX_FILE ? "encoder.json" : "vocab.bpe",
                       (n_enc > GPT2_MAX_FILE ? n_enc : n_merges) >> 20);
    Dict d = { 0 };
    BpeMerge *m = NULL;
    int32_t nm = 0;
    size_t line0 = 1;
    int rc = parse_encoder(enc, n_enc, &d, e);
    if (!rc) rc = parse_merges(merges, n_merges, &d, &m, &nm, &line0, e);
    /* each byte's token: its stand-in character, UTF-8 encoded, looked up */
    int32_t byte_id[256];
    for (int c = 0; c < 256 && !rc; c++) {
        char buf[4];
        size_t k = (size_t)utf8_encode(bpe_byte_to_unicode((unsigned char)c), buf);
        int32_t x = dict_find(&d, buf, k);
        if (x < 0)
            rc = tz_errf(e, TZ_E_FORMAT, "encoder.json'da %d baytının belirteci ('%.*s') yok",
                         "encoder.json has no token for byte %d ('%.*s')", c, (int)k, buf);
        else
            byte_id[c] = d.ent[x].id;
    }
    int32_t vocab = (int32_t)d.n;
    if (!rc && (rc = bpe_build(b, byte_id, m, nm, vocab, e)) != 0) {
        /* bpe_build counts merges from 0; say which line of vocab.bpe that is */
        TzErr t = e ? *e : (TzErr){ 0 };
        if (e) snprintf(e->tr, sizeof e->tr, "vocab.bpe: %.400s (birleştirme k, %zu + k. satırda)", t.tr, line0);
        if (e) snprintf(e->en, sizeof e->en, "vocab.bpe: %.400s (merge k is on line %zu + k)", t.en, line0);
    }
    /* the tokens no byte and no merge made: specials, named by their bytes */
    if (!rc) {
        unsigned char inv[0x144] = { 0 };
        for (int c = 0; c < 256; c++) inv[bpe_byte_to_unicode((unsigned char)c)] = (unsigned char)c;
        int nspecial = 0;
        for (size_t k = 0; k < d.n && !rc; k++) {
            size_t len;
            if (bpe_token_bytes(b, d.ent[k].id, &len)) continue;
            const char *s = d.str + d.ent[k].off;
            size_t l = d.ent[k].len;
            if (++nspecial > GPT2_MAX_SPECIAL) {
                rc = tz_errf(e, TZ_E_FORMAT,
                             "encoder.json'da %d'den fazla belirteç ne bir bayt ne de bir birleştirmenin sonucu",
                             "more than %d tokens of encoder.json are neither a byte nor made by a merge",
                             GPT2_MAX_SPECIAL);
                break;
            }
            char name[65];
            long w = l <= 64 ? from_standins(inv, s, l, name) : -1;
            if (w <= 0) { /* not stand-ins: the string itself is the name */
                w = (long)(l < 64 ? l : 64);
                memcpy(name, s, (size_t)w);
            }
            name[w] = '\0';
            if (l > 64)
                rc = tz_errf(e, TZ_E_FORMAT, "encoder.json: '%.40s…' belirteci hiçbir birleştirmeden çıkmıyor ve özel belirteç için çok uzun",
                             "encoder.json: the token '%.40s…' is made by no merge and is too long for a special token",
                             name);
            else
                rc = bpe_add_special(b, name, d.ent[k].id, e);
        }
    }
    free(m);
    dict_free(&d);
    if (rc) bpe_free(b);
    return rc;
}

int bpe_load_gpt2(Bpe *b, const char *encoder_json, const char *vocab_bpe, TzErr *e)
{
    memset(b, 0, sizeof *b);
    TzFile fe, fm;
    int rc = tz_file_map(&fe, encoder_json, e);
    if (rc) return rc;
    rc = tz_file_map(&fm, vocab_bpe, e);
    if (rc) {
        tz_file_unmap(&fe);
        return rc;
    }
    rc = bpe_load_gpt2_mem(b, fe.data ? fe.data : "", fe.size, fm.data ? fm.data : "", fm.size, e);
    tz_file_unmap(&fe);
    tz_file_unmap(&fm);
    return rc;
}

/* ---------------------------------------------------------------- checkpoint section */

static const char BPE_TAG[8] = { 'T', 'Z', 'B', 'P', 'E', '0', '0', '1' };

int bpe_save(const Bpe *b, CkBuf *out)
{
    ck_put(out, BPE_TAG, 8);
    ck_put_u32(out, (uint32_t)b->vocab);
    ck_put_u32(out, (uint32_t)b->n_merges);
    ck_put_u32(out, (uint32_t)b->n_special);
    for (int c = 0; c < 256; c++) ck_put_u32(out, (uint32_t)b->byte_id[c]);
    for (int32_t k = 0; k < b->n_merges; k++) {
        ck_put_u32(out, (uint32_t)b->merges[k].a);
        ck_put_u32(out, (uint32_t)b->merges[k].b);
        ck_put_u32(out, (uint32_t)b->merges[k].id);
    }
    for (int32_t k = 0; k < b->n_special; k++) {
        size_t len;
        const char *s = bpe_token_bytes(b, b->special[k], &len);
        ck_put_u32(out, (uint32_t)b->special[k]);
        ck_put_u32(out, (uint32_t)len);
        ck_put(out, s, len);
    }
    return 0;
}

/* what: 0 the header, 1 the merges, 2 a special token (named in each language) */
static int short_fail(TzErr *e, size_t at, int what)
{
    static const char *const tr[3] = { "başlık", "birleştirmeler", "bir özel belirteç" };
    static const char *const en[3] = { "the header", "the merges", "a special token" };
    tz_errf(e, TZ_E_FORMAT, "belirteçleyici bölümü %zu. baytta yarıda bitiyor (%s okunurken)",
            "the tokenizer section ends too early at byte %zu (while reading %s)", at, en[what]);
    if (e) snprintf(e->tr, sizeof e->tr, "belirteçleyici bölümü %zu. baytta yarıda bitiyor (%s okunurken)", at, tr[what]);
    return TZ_E_FORMAT;
}

int bpe_load_mem(Bpe *b, const unsigned char *p, size_t n, size_t *used, TzErr *e)
{
    memset(b, 0, sizeof *b);
    if (n < 20 + 256 * 4) return short_fail(e, n, 0);
    if (memcmp(p, BPE_TAG, 8) != 0)
        return tz_errf(e, TZ_E_FORMAT, "belirteçleyici bölümü TZBPE001 ile başlamıyor: bozuk ya da başka bir sürüm",
                       "the tokenizer section does not start with TZBPE001: damaged, or another version");
    uint32_t vocab = ck_u32(p + 8), nm = ck_u32(p + 12), ns = ck_u32(p + 16);
    size_t at = 20;
    if (vocab > 4000000 || ns > GPT2_MAX_SPECIAL)
        return tz_errf(e, TZ_E_FORMAT, "belirteçleyici bölümünde akıl almaz boyutlar (sözlük %u, özel %u)",
                       "absurd sizes in the tokenizer section (vocabulary %u, specials %u)", vocab, ns);
    if (nm > (n - at - 256 * 4) / 12) return short_fail(e, n, 1);
    int32_t byte_id[256];
    for (int c = 0; c < 256; c++, at += 4) byte_id[c] = (int32_t)ck_u32(p + at);
    BpeMerge *m = tz_malloc((nm ? nm : 1) * sizeof *m);
    for (uint32_t k = 0; k < nm; k++, at += 12)
        m[k] = (BpeMerge){ (int32_t)ck_u32(p + at), (int32_t)ck_u32(p + at + 4), (int32_t)ck_u32(p + at + 8) };
    int rc = bpe_build(b, byte_id, m, (int32_t)nm, (int32_t)vocab, e);
    free(m);
    for (uint32_t k = 0; k < ns && !rc; k++) {
        if (n - at < 8) { rc = short_fail(e, n, 2); break; }
        uint32_t id = ck_u32(p + at), len = ck_u32(p + at + 4);
        at += 8;
        if (len == 0 || len > 64 || len > n - at) {
            rc = len > n - at ? short_fail(e, n, 2)
                              : tz_errf(e, TZ_E_FORMAT, "belirteçleyici bölümünde %u baytlık bir özel belirteç adı",
                                        "a special token name of %u bytes in the tokenizer section", len);
            break;
        }
        char name[65];
        memcpy(name, p + at, len);
        name[len] = '\0';
        at += len;
        if (strlen(name) != len) {
            rc = tz_errf(e, TZ_E_FORMAT, "belirteçleyici bölümünde NUL içeren bir özel belirteç adı",
                         "a special token name with a NUL in the tokenizer section");
            break;
        }
        /* a special may not grow the vocabulary here: the saved one already counted it */
        if (id >= vocab) {
            rc = tz_errf(e, TZ_E_FORMAT, "özel belirteç %s, sözlüğün (%u) dışında: %u",
                         "the special token %s is outside the vocabulary (%u): %u", name, vocab, id);
            break;
        }
        rc = bpe_add_special(b, name, (int32_t)id, e);
    }
    if (rc) {
        bpe_free(b);
        return rc;
    }
    *used = at;
    return 0;
}
