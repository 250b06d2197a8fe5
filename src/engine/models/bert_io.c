/* bert_io.c — see bert_io.h. */
#include "models/bert_io.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/io.h"
#include "formats/ckpt.h"
#include "formats/safetensors.h"

/* The largest sizes we accept: beyond every real BERT (multilingual: V 119547; large: D 1024,
 * L 24, F 4096, C 512), and small enough that bert.c's int arithmetic cannot overflow. */
#define MAX_V (1 << 24)
#define MAX_C (1 << 16)
#define MAX_D (1 << 16)
#define MAX_L 1024
#define MAX_F (1 << 18)
#define MAX_TYPES (1 << 16)

/* ---- shared checks ------------------------------------------------------------------------ */

/* Can this machine hold the weights? Refused before allocating, with the size. */
static int check_memory(const BertConfig *c, const char *name, TzErr *e)
{
    double need = 4.0 * (double)bert_nparams(c), ram = tz_phys_bytes();
    if (ram > 0 && need > 0.8 * ram)
        return tz_errf(e, TZ_E_NOMEM,
                       "'%s': bu BERT (V %d, C %d, D %d, L %d, F %d) %.3g GB bellek ister, bu makinede %.3g GB var.",
                       "'%s': this BERT (V %d, C %d, D %d, L %d, F %d) needs %.3g GB of memory, this machine has "
                       "%.3g GB.",
                       name, c->V, c->C, c->D, c->L, c->F, need / 1e9, ram / 1e9);
    return 0;
}

/* Every weight a number (a NaN would poison every logit it touches): 0, or TZ_E_FORMAT naming the
 * tensor and the element. */
static int check_finite(const Bert *b, const char *name, TzErr *e)
{
    char tn[96];
    size_t n;
    for (int i = 0; i < bert_ntensors(&b->cfg); i++) {
        const float *p = bert_tensor(b, i, tn, sizeof tn, &n, NULL, NULL);
        for (size_t k = 0; k < n; k++)
            if (!isfinite(p[k]))
                return tz_errf(e, TZ_E_FORMAT,
                               "'%s': '%s' tensörünün %zu. öğesi bir sayı değil (%g). Ağırlıklar bozuk.",
                               "'%s': tensor '%s', element %zu, is not a number (%g). The weights are damaged.", name,
                               tn, k, (double)p[k]);
    }
    return 0;
}

/* bert.h's matrices (2-D in a file) are the ".weight" tensors that are not a layernorm's γ. */
static int is_matrix(const char *name)
{
    size_t n = strlen(name);
    return n > 7 && !strcmp(name + n - 7, ".weight") && !strstr(name, "LayerNorm");
}

/* "[768, 2304]" */
static void shape_str(char *s, size_t cap, int ndim, const uint64_t *shape)
{
    size_t l = (size_t)snprintf(s, cap, "[");
    for (int d = 0; d < ndim && l < cap; d++)
        l += (size_t)snprintf(s + l, cap - l, "%s%llu", d ? ", " : "", (unsigned long long)shape[d]);
    if (l < cap) snprintf(s + l, cap - l, "]");
}

static int config_in_range(const BertConfig *c)
{
    return c->V >= 1 && c->V <= MAX_V && c->C >= 1 && c->C <= MAX_C && c->D >= 1 && c->D <= MAX_D && c->L >= 1 &&
           c->L <= MAX_L && c->H >= 1 && c->H <= c->D && c->D % c->H == 0 && c->F >= 1 && c->F <= MAX_F &&
           c->types >= 1 && c->types <= MAX_TYPES && bert_config_ok(c);
}

/* ---- tezgah's checkpoint --------------------------------------------------------------------- */

static const char BERT_MAGIC[8] = {'T', 'Z', 'B', 'E', 'R', 'T', 0, 0};
enum { BERT_CK_VERSION = 1, BERT_CK_HEAD = 72 };   /* bytes before the origin string */

int bert_ckpt_is(const char *path) { return ck_has_magic(path, BERT_MAGIC); }

void bert_meta_free(BertCkptMeta *m)
{
    if (!m) return;
    free(m->labels);
    free(m->cls_w);
    free(m->cls_b);
    m->labels = NULL;
    m->cls_w = m->cls_b = NULL;
    m->K = 0;
}

static uint32_t clamp_u32(long v) { return v < 0 ? 0u : (unsigned long)v > 0xFFFFFFFFul ? 0xFFFFFFFFu : (uint32_t)v; }

int bert_ckpt_save(const Bert *b, const WordPiece *wp, const BertCkptMeta *meta, const char *path, TzErr *e)
{
    const BertConfig *c = &b->cfg;
    TZ_ASSERT(wp && wp->vocab == c->V);
    CkBuf k = {0};
    ck_put(&k, BERT_MAGIC, 8);
    ck_put_u32(&k, BERT_CK_VERSION);
    const int cfg[7] = {c->V, c->C, c->D, c->L, c->H, c->F, c->types};
    for (int i = 0; i < 7; i++) ck_put_u32(&k, (uint32_t)cfg[i]);
    ck_put_u32(&k, (uint32_t)meta->lang);
    ck_put_u32(&k, clamp_u32(meta->steps));
    float f[2] = {(float)meta->mlm_loss, (float)meta->nsp_acc};
    ck_put_f32s(&k, f, 2);
    ck_put_u32(&k, wp->opt.lower != 0);
    ck_put_u32(&k, wp->opt.strip_accents != 0);
    ck_put_u32(&k, (uint32_t)wp->opt.lang);
    ck_put_u32(&k, wp->opt.keep_special != 0);
    char origin[256];
    snprintf(origin, sizeof origin, "%s", meta->origin);
    ck_put_str(&k, origin);
    /* the vocabulary as vocab.txt's text: the tokens in id order, one a line */
    size_t vb = 0;
    for (int32_t t = 0; t < wp->vocab; t++) vb += strlen(wp_token(wp, t)) + 1;
    TZ_ASSERT(vb < 0xFFFFFFFFu);
    ck_put_u32(&k, (uint32_t)vb);
    for (int32_t t = 0; t < wp->vocab; t++) {
        const char *s = wp_token(wp, t);
        ck_put(&k, s, strlen(s));
        ck_put(&k, "\n", 1);
    }
    ck_put_u32(&k, (uint32_t)meta->K);
    if (meta->K > 0) {
        char task[96];
        snprintf(task, sizeof task, "%s", meta->task);
        ck_put_str(&k, task);
        float acc = (float)meta->cls_acc;
        ck_put_f32s(&k, &acc, 1);
        for (int i = 0; i < meta->K; i++) ck_put_str(&k, meta->labels[i]);
        ck_put_f32s(&k, meta->cls_w, (size_t)meta->K * (size_t)c->D);
        ck_put_f32s(&k, meta->cls_b, (size_t)meta->K);
    }
    ck_put_f32s(&k, b->mem, b->n);
    return ck_save(&k, path, e);
}

/* A length-prefixed string at *off, ending before end: 0 (s, len set, *off moved past it), 1 when
 * the length itself or the bytes run past end. */
static int take_str(const unsigned char *d, size_t end, size_t *off, const unsigned char **s, uint32_t *len)
{
    if (end - *off < 4) return 1;
    uint32_t l = ck_u32(d + *off);
    if (l > end - *off - 4) return 1;
    *s = d + *off + 4;
    *len = l;
    *off += 4 + (size_t)l;
    return 0;
}

int bert_ckpt_parse(Bert *b, WordPiece *wp, BertCkptMeta *meta, const unsigned char *d, size_t n, const char *name,
                    TzErr *e)
{
    memset(b, 0, sizeof *b);
    memset(wp, 0, sizeof *wp);
    memset(meta, 0, sizeof *meta);
    int rc;
#define BAD(off, tr, en, ...)                                                                                          \
    do {                                                                                                               \
        rc = tz_errf(e, TZ_E_FORMAT, "'%s', %zu. bayt: " tr, "'%s', byte %zu: " en, name, (size_t)(off), __VA_ARGS__); \
        goto fail;                                                                                                     \
    } while (0)
#define BAD0(off, tr, en)                                                                                              \
    do {                                                                                                               \
        rc = tz_errf(e, TZ_E_FORMAT, "'%s', %zu. bayt: " tr, "'%s', byte %zu: " en, name, (size_t)(off));              \
        goto fail;                                                                                                     \
    } while (0)
    if ((rc = ck_check_head(d, n, name, BERT_MAGIC, "BERT", BERT_CK_HEAD, BERT_CK_VERSION, e))) return rc;
    uint32_t v[7];
    for (int i = 0; i < 7; i++) v[i] = ck_u32(d + 12 + 4 * i);
    static const char *const cname[7] = {"V", "C", "D", "L", "H", "F", "types"};
    static const uint32_t cmax[7] = {MAX_V, MAX_C, MAX_D, MAX_L, MAX_D, MAX_F, MAX_TYPES};
    for (int i = 0; i < 7; i++)
        if (v[i] < 1 || v[i] > cmax[i])
            BAD(12 + 4 * i, "%s = %u, 1 ile %u arasında değil.", "%s = %u, not between 1 and %u.", cname[i], v[i], cmax[i]);
    if (v[2] % v[4] != 0)
        BAD(28, "kafa sayısı H = %u, genişliği (D = %u) tam bölmüyor.", "heads H = %u do not divide the width (D = %u).",
            v[4], v[2]);
    BertConfig cfg = {(int)v[0], (int)v[1], (int)v[2], (int)v[3], (int)v[4], (int)v[5], (int)v[6]};
    uint32_t lang = ck_u32(d + 40), steps = ck_u32(d + 44);
    if (lang > 1) BAD(40, "dil %u (0 en, 1 tr olmalı).", "language %u (must be 0 en, 1 tr).", lang);
    uint32_t opt[4];
    for (int i = 0; i < 4; i++) {
        opt[i] = ck_u32(d + 56 + 4 * i);
        if (opt[i] > 1)
            BAD(56 + 4 * i, "belirteçleyici seçeneği %u (0 ya da 1 olmalı).", "tokenizer option %u (must be 0 or 1).", opt[i]);
    }
    /* the CRC first: a damaged file is said to be damaged, not misread further */
    uint32_t want, got;
    if (!ck_crc_ok(d, n, &want, &got))
        BAD(n - 4, "CRC uymuyor (%08x, hesaplanan %08x): dosya bozulmuş ya da kesik.",
            "CRC mismatch (%08x, computed %08x): the file is damaged or truncated.", want, got);
    size_t end = n - 4, off = BERT_CK_HEAD;
    float f2[2];
    ck_f32s(d + 48, f2, 2);
    const unsigned char *s;
    uint32_t len;
    if (take_str(d, end, &off, &s, &len) || len > 255)
        BAD0(off, "köken metni eksik ya da 255 bayttan uzun.", "the origin text is missing or longer than 255 bytes.");
    if (utf8_validate((const char *)s, len) != len || memchr(s, 0, len))
        BAD(off - len, "köken metni (%u bayt) geçerli UTF-8 değil.", "the origin text (%u bytes) is not valid UTF-8.", len);
    memcpy(meta->origin, s, len);
    meta->origin[len] = '\0';
    /* the vocabulary: wp_parse_vocab checks UTF-8, duplicates, [UNK] and names the line */
    size_t voff = off;
    if (take_str(d, end, &off, &s, &len))
        BAD0(voff, "sözlük bölümü dosyanın sonunu aşıyor (kesik).", "the vocabulary section runs past the end (truncated).");
    if ((rc = wp_parse_vocab(wp, (const char *)s, len, name, e))) {
        if (e) {   /* say where: the section's own message, with the file and offset before it */
            TzErr inner = *e;
            snprintf(e->tr, sizeof e->tr, "'%.80s', %zu. bayt, sözlük: %.380s", name, voff, inner.tr);
            snprintf(e->en, sizeof e->en, "'%.80s', byte %zu, the vocabulary: %.380s", name, voff, inner.en);
        }
        goto fail;
    }
    if (wp->vocab != cfg.V)
        BAD(voff, "sözlükte %d belirteç var, model V = %d diyor.", "the vocabulary has %d tokens, the model says V = %d.",
            wp->vocab, cfg.V);
    WpOptions o = wp->opt;
    o.lower = (int)opt[0], o.strip_accents = (int)opt[1], o.lang = (TzLang)opt[2], o.keep_special = (int)opt[3];
    o.min_pair = 0;
    wp_set_options(wp, &o);
    /* the classifier */
    if (end - off < 4) BAD0(off, "dosya sınıflandırıcı bölümünden önce bitiyor (kesik).", "the file ends before the classifier section (truncated).");
    uint32_t K = ck_u32(d + off);
    off += 4;
    size_t np = bert_nparams(&cfg);
    if (K > BERT_CK_MAX_LABELS)
        BAD(off - 4, "sınıflandırıcının %u etiketi var (en çok %d).", "the classifier has %u labels (%d at most).", K,
            BERT_CK_MAX_LABELS);
    if (K > 0) {
        if (take_str(d, end, &off, &s, &len) || len > 95 || utf8_validate((const char *)s, len) != len ||
            memchr(s, 0, len))
            BAD0(off, "sınıflandırıcının görev adı bozuk (en çok 95 bayt UTF-8).", "the classifier's task name is damaged (95 bytes of UTF-8 at most).");
        memcpy(meta->task, s, len);
        meta->task[len] = '\0';
        if (end - off < 4) BAD0(off, "dosya sınıflandırıcının doğruluğunda bitiyor (kesik).", "the file ends at the classifier's accuracy (truncated).");
        float acc;
        ck_f32s(d + off, &acc, 1);
        meta->cls_acc = acc;
        off += 4;
        /* the names: each one checked against the bytes left before anything of K's size is made */
        size_t first = off;
        for (uint32_t i = 0; i < K; i++) {
            size_t at = off;
            if (take_str(d, end, &off, &s, &len))
                BAD(at, "%u. etiket adı dosyanın sonunu aşıyor (kesik).", "label name %u runs past the end (truncated).", i + 1);
            if (len < 1 || len >= BERT_CK_LABEL_MAX || utf8_validate((const char *)s, len) != len || memchr(s, 0, len))
                BAD(at, "%u. etiket adı boş, %d bayttan uzun ya da UTF-8 değil.",
                    "label name %u is empty, longer than %d bytes or not UTF-8.", i + 1, BERT_CK_LABEL_MAX - 1);
        }
        size_t need = ((size_t)K * (size_t)cfg.D + K + np) * 4;
        if (end - off != need)
            BAD(off, "sınıflandırıcı ve ağırlıklar %zu bayt olmalı, dosyada %zu bayt kaldı (kesik ya da fazla).",
                "the classifier and the weights should take %zu bytes, the file has %zu left (truncated or extra).",
                need, end - off);
        meta->K = (int)K;
        meta->labels = tz_calloc(K, sizeof *meta->labels);
        off = first;
        for (uint32_t i = 0; i < K; i++) {
            take_str(d, end, &off, &s, &len);
            memcpy(meta->labels[i], s, len);
        }
        meta->cls_w = tz_malloc((size_t)K * (size_t)cfg.D * sizeof(float));
        meta->cls_b = tz_malloc((size_t)K * sizeof(float));
        ck_f32s(d + off, meta->cls_w, (size_t)K * (size_t)cfg.D);
        off += (size_t)K * (size_t)cfg.D * 4;
        ck_f32s(d + off, meta->cls_b, K);
        off += (size_t)K * 4;
        for (size_t i = 0; i < (size_t)K * (size_t)(cfg.D + 1); i++) {
            float x = i < (size_t)K * (size_t)cfg.D ? meta->cls_w[i] : meta->cls_b[i - (size_t)K * (size_t)cfg.D];
            if (!isfinite(x))
                BAD0(off, "sınıflandırıcının ağırlıklarında NaN ya da sonsuz bir sayı var.", "the classifier's weights hold a NaN or an infinity.");
        }
    } else if (end - off != np * 4)
        BAD(off, "ağırlıklar %zu bayt olmalı, dosyada %zu bayt kaldı (kesik ya da fazla).",
            "the weights should take %zu bytes, the file has %zu left (truncated or extra).", np * 4, end - off);
    if ((rc = check_memory(&cfg, name, e))) goto fail;
    if (bert_alloc(b, &cfg)) {
        rc = tz_errf(e, TZ_E_NOMEM, "'%s': %zu parametre için bellek yok.", "'%s': no memory for %zu parameters.", name, np);
        goto fail;
    }
    ck_f32s(d + off, b->mem, np);
    if ((rc = check_finite(b, name, e))) goto fail;
    meta->lang = (TzLang)lang;
    meta->steps = (long)steps;
    meta->mlm_loss = f2[0];
    meta->nsp_acc = f2[1];
    if (K == 0) meta->cls_acc = NAN;
#undef BAD
#undef BAD0
    return 0;
fail:
    bert_free(b);
    memset(b, 0, sizeof *b);
    wp_free(wp);
    memset(wp, 0, sizeof *wp);
    bert_meta_free(meta);
    return rc;
}

int bert_ckpt_load(Bert *b, WordPiece *wp, BertCkptMeta *meta, const char *path, TzErr *e)
{
    memset(b, 0, sizeof *b);
    memset(wp, 0, sizeof *wp);
    memset(meta, 0, sizeof *meta);
    TzFile f;
    int rc = tz_file_map(&f, path, e);
    if (rc) return rc;
    rc = bert_ckpt_parse(b, wp, meta, (const unsigned char *)f.data, f.size, path, e);
    tz_file_unmap(&f);
    return rc;
}

/* ---- a tiny JSON reader (config.json, tokenizer_config.json) -----------------------------------
 * Strict JSON (RFC 8259): a top-level object whose members we look up by key. A value is kept when
 * it is a number, a string (up to 95 bytes; escapes decoded), true, false or null; objects and
 * arrays are checked and skipped, never deeper than 32 levels. */

typedef enum { JV_NUM, JV_STR, JV_TRUE, JV_FALSE, JV_NULL, JV_OBJ, JV_ARR } JvType;
typedef struct {
    JvType type;
    double num;
    int integral;           /* a number written without fraction or exponent */
    char str[96];
    size_t len;             /* the string's decoded bytes (a \u0000 escape counts: strlen may be less) */
    int truncated;          /* the string was longer than str */
    size_t start, end;      /* json_get: where the value is in the text */
} JVal;

typedef struct {
    const char *s;
    size_t n, i;
} Js;

#define JSON_DEPTH 32

static void js_ws(Js *j)
{
    while (j->i < j->n && (j->s[j->i] == ' ' || j->s[j->i] == '\t' || j->s[j->i] == '\n' || j->s[j->i] == '\r')) j->i++;
}

static int js_hex4(Js *j, uint32_t *u)
{
    if (j->n - j->i < 4) return -1;
    *u = 0;
    for (int k = 0; k < 4; k++) {
        char c = j->s[j->i++];
        int h = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (h < 0) return -1;
        *u = *u << 4 | (uint32_t)h;
    }
    return 0;
}

static void js_put(char *out, size_t cap, size_t *w, int *trunc, const char *b, size_t k)
{
    if (*w + k < cap) {
        memcpy(out + *w, b, k);
        *w += k;
    } else
        *trunc = 1;
}

/* A string at j->i (the opening quote); its decoded bytes into out (NUL-terminated). */
static int js_str(Js *j, char *out, size_t cap, int *trunc, size_t *len)
{
    size_t w = 0;
    *trunc = 0;
    j->i++;
    for (;;) {
        if (j->i >= j->n) return -1;
        unsigned char c = (unsigned char)j->s[j->i];
        if (c == '"') {
            j->i++;
            break;
        }
        if (c < 0x20) return -1;
        if (c != '\\') {
            js_put(out, cap, &w, trunc, (const char *)&c, 1);
            j->i++;
            continue;
        }
        if (++j->i >= j->n) return -1;
        char esc = j->s[j->i++], b[4];
        size_t k = 1;
        switch (esc) {
        case '"': case '\\': case '/': b[0] = esc; break;
        case 'b': b[0] = '\b'; break;
        case 'f': b[0] = '\f'; break;
        case 'n': b[0] = '\n'; break;
        case 'r': b[0] = '\r'; break;
        case 't': b[0] = '\t'; break;
        case 'u': {
            uint32_t u, lo;
            if (js_hex4(j, &u)) return -1;
            if (u >= 0xD800 && u < 0xDC00 && j->n - j->i >= 6 && j->s[j->i] == '\\' && j->s[j->i + 1] == 'u') {
                size_t save = j->i;
                j->i += 2;
                if (js_hex4(j, &lo)) return -1;
                if (lo >= 0xDC00 && lo < 0xE000) u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                else j->i = save;
            }
            if (u >= 0xD800 && u < 0xE000) u = 0xFFFD;   /* a lone surrogate */
            if (u < 0x80) b[0] = (char)u;
            else if (u < 0x800) b[0] = (char)(0xC0 | u >> 6), b[1] = (char)(0x80 | (u & 63)), k = 2;
            else if (u < 0x10000)
                b[0] = (char)(0xE0 | u >> 12), b[1] = (char)(0x80 | (u >> 6 & 63)), b[2] = (char)(0x80 | (u & 63)), k = 3;
            else
                b[0] = (char)(0xF0 | u >> 18), b[1] = (char)(0x80 | (u >> 12 & 63)), b[2] = (char)(0x80 | (u >> 6 & 63)),
                b[3] = (char)(0x80 | (u & 63)), k = 4;
            break;
        }
        default: return -1;
        }
        js_put(out, cap, &w, trunc, b, k);
    }
    out[w] = '\0';
    if (len) *len = w;
    return 0;
}

static int js_digits(Js *j)
{
    size_t s = j->i;
    while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9') j->i++;
    return j->i > s ? 0 : -1;
}

static int js_num(Js *j, JVal *v)
{
    size_t s = j->i;
    int integral = 1;
    if (j->i < j->n && j->s[j->i] == '-') j->i++;
    if (j->i < j->n && j->s[j->i] == '0') j->i++;
    else if (js_digits(j)) return -1;
    if (j->i < j->n && j->s[j->i] == '.') {
        j->i++, integral = 0;
        if (js_digits(j)) return -1;
    }
    if (j->i < j->n && (j->s[j->i] == 'e' || j->s[j->i] == 'E')) {
        j->i++, integral = 0;
        if (j->i < j->n && (j->s[j->i] == '+' || j->s[j->i] == '-')) j->i++;
        if (js_digits(j)) return -1;
    }
    char b[64];
    size_t k = j->i - s;
    if (k >= sizeof b) {   /* a 60-digit number is no size of a model: keep it, as a huge one */
        v->type = JV_NUM, v->num = j->s[s] == '-' ? -HUGE_VAL : HUGE_VAL, v->integral = 0;
        return 0;
    }
    memcpy(b, j->s + s, k);
    b[k] = '\0';
    v->type = JV_NUM, v->num = strtod(b, NULL), v->integral = integral;
    return 0;
}

static int js_lit(Js *j, const char *w)
{
    size_t k = strlen(w);
    if (j->n - j->i < k || memcmp(j->s + j->i, w, k) != 0) return -1;
    j->i += k;
    return 0;
}

static int js_value(Js *j, JVal *v, int depth)
{
    js_ws(j);
    if (j->i >= j->n) return -1;
    char c = j->s[j->i];
    if (c == '{' || c == '[') {
        if (depth >= JSON_DEPTH) return -1;
        char close = c == '{' ? '}' : ']';
        v->type = c == '{' ? JV_OBJ : JV_ARR;
        j->i++;
        js_ws(j);
        if (j->i < j->n && j->s[j->i] == close) {
            j->i++;
            return 0;
        }
        for (;;) {
            JVal inner;
            if (c == '{') {
                char key[8];
                int tr;
                js_ws(j);
                if (j->i >= j->n || j->s[j->i] != '"' || js_str(j, key, sizeof key, &tr, NULL)) return -1;
                js_ws(j);
                if (j->i >= j->n || j->s[j->i] != ':') return -1;
                j->i++;
            }
            if (js_value(j, &inner, depth + 1)) return -1;
            js_ws(j);
            if (j->i >= j->n) return -1;
            if (j->s[j->i] == ',') {
                j->i++;
                continue;
            }
            if (j->s[j->i] != close) return -1;
            j->i++;
            return 0;
        }
    }
    if (c == '"') {
        v->type = JV_STR;
        return js_str(j, v->str, sizeof v->str, &v->truncated, &v->len);
    }
    if (c == 't') return v->type = JV_TRUE, js_lit(j, "true");
    if (c == 'f') return v->type = JV_FALSE, js_lit(j, "false");
    if (c == 'n') return v->type = JV_NULL, js_lit(j, "null");
    return js_num(j, v);
}

/* The top-level member `key` of the object in s[0..n): 1 (v filled), 0 absent, −1 not a JSON object
 * (*at: the byte offset of the trouble). The whole text is checked either way. */
static int json_get(const char *s, size_t n, const char *key, JVal *v, size_t *at)
{
    Js j = {s, n, 0};
    int found = 0;
    js_ws(&j);
    if (j.i >= n || s[j.i] != '{') goto bad;
    j.i++;
    js_ws(&j);
    if (j.i < n && s[j.i] == '}') j.i++;
    else
        for (;;) {
            char k[128];
            int tr;
            JVal val;
            js_ws(&j);
            if (j.i >= n || s[j.i] != '"' || js_str(&j, k, sizeof k, &tr, NULL)) goto bad;
            js_ws(&j);
            if (j.i >= n || s[j.i] != ':') goto bad;
            j.i++;
            js_ws(&j);
            size_t start = j.i;
            if (js_value(&j, &val, 1)) goto bad;
            val.start = start, val.end = j.i;
            if (!found && !tr && !strcmp(k, key)) *v = val, found = 1;
            js_ws(&j);
            if (j.i < n && s[j.i] == ',') {
                j.i++;
                continue;
            }
            if (j.i < n && s[j.i] == '}') {
                j.i++;
                break;
            }
            goto bad;
        }
    js_ws(&j);
    if (j.i != n) goto bad;
    return found;
bad:
    if (at) *at = j.i;
    return -1;
}

static const char *jv_type_name(const JVal *v)
{
    static const char *const names[] = {"a number", "a string", "true", "false", "null", "an object", "an array"};
    return names[v->type];
}

/* ---- config.json ---------------------------------------------------------------------------- */

#define MAX_JSON_BYTES (4u << 20)

/* Is the text a JSON object we may read (size, UTF-8, syntax)? */
static int json_ok(const char *json, size_t n, const char *name, TzErr *e)
{
    if (n > MAX_JSON_BYTES)
        return tz_errf(e, TZ_E_FORMAT, "'%s' %zu bayt; bir ayar dosyası için anlamsız (en çok 4 MB).",
                       "'%s' is %zu bytes; absurd for a configuration file (4 MB at most).", name, n);
    size_t ok = utf8_validate(json, n);
    if (ok != n)
        return tz_errf(e, TZ_E_FORMAT, "'%s', %zu. bayt: geçerli UTF-8 değil.", "'%s', byte %zu: not valid UTF-8.", name, ok);
    JVal v;
    size_t at = 0;
    if (json_get(json, n, "", &v, &at) < 0)
        return tz_errf(e, TZ_E_FORMAT, "'%s', %zu. bayt: geçerli bir JSON nesnesi değil.",
                       "'%s', byte %zu: not a valid JSON object.", name, at);
    return 0;
}

/* An integer member in lo … hi; dflt < 0: it must be there. */
static int cfg_int(const char *json, size_t n, const char *name, const char *key, long lo, long hi, long dflt, int *out,
                   TzErr *e)
{
    JVal v;
    int r = json_get(json, n, key, &v, NULL);
    if (r == 0) {
        if (dflt >= 0) {
            *out = (int)dflt;
            return 0;
        }
        return tz_errf(e, TZ_E_FORMAT, "'%s': '%s' yok; bir BERT'in config.json'unda bulunur.",
                       "'%s': '%s' is missing; a BERT's config.json has it.", name, key);
    }
    if (v.type != JV_NUM || v.num != floor(v.num) || v.num < (double)lo || v.num > (double)hi) {
        char found[64];
        if (v.type == JV_NUM) snprintf(found, sizeof found, "%g", v.num);
        else snprintf(found, sizeof found, "%s", jv_type_name(&v));
        return tz_errf(e, TZ_E_FORMAT, "'%s': '%s' %s; %ld ile %ld arasında bir tam sayı olmalı.",
                       "'%s': '%s' is %s; it must be a whole number between %ld and %ld.", name, key, found, lo, hi);
    }
    *out = (int)v.num;
    return 0;
}

/* A string member that, when there, must be one of the allowed values ("gelu"). */
static int cfg_str(const char *json, size_t n, const char *name, const char *key, const char *allowed, const char *why_tr,
                   const char *why_en, TzErr *e)
{
    JVal v;
    if (json_get(json, n, key, &v, NULL) != 1) return 0;
    if (v.type == JV_STR && !v.truncated && !strcmp(v.str, allowed)) return 0;
    char found[112];
    if (v.type == JV_STR) snprintf(found, sizeof found, "\"%.90s\"", v.str);
    else snprintf(found, sizeof found, "%s", jv_type_name(&v));
    tz_errf(e, TZ_E_FORMAT, "'%s': '%s' %s; tezgah'ın BERT'i yalnızca \"%s\" ile çalışır",
            "'%s': '%s' is %s; tezgah's BERT works only with \"%s\"", name, key, found, allowed);
    if (e) {   /* the reason, in each language */
        size_t lt = strlen(e->tr), le = strlen(e->en);
        snprintf(e->tr + lt, sizeof e->tr - lt, " (%s).", why_tr);
        snprintf(e->en + le, sizeof e->en - le, " (%s).", why_en);
    }
    return TZ_E_FORMAT;
}

/* config.json's id2label, {"0": "neg", "1": "pos"} at s[0..n): c->K names in index order (every
 * index 0 … K−1 once, each name 1 … 47 bytes). The text was checked as JSON already. */
static int json_labels(BertHfConfig *c, const char *s, size_t n, const char *name, TzErr *e)
{
    unsigned char *seen = NULL;
    int K = 0;
    for (int pass = 0; pass < 2; pass++) {
        Js j = {s, n, 0};
        int k = 0;
        js_ws(&j);
        if (j.i >= n || s[j.i] != '{')
            return tz_errf(e, TZ_E_FORMAT, "'%s': 'id2label' bir nesne olmalı ({\"0\": \"olumsuz\", …}).",
                           "'%s': 'id2label' must be an object ({\"0\": \"negative\", …}).", name);
        j.i++;
        js_ws(&j);
        int empty = j.i < n && s[j.i] == '}';
        while (!empty) {
            char key[16];
            int tr;
            JVal v;
            js_ws(&j);
            if (j.i >= n || s[j.i] != '"' || js_str(&j, key, sizeof key, &tr, NULL)) goto bad;
            js_ws(&j);
            if (j.i >= n || s[j.i] != ':') goto bad;
            j.i++;
            if (js_value(&j, &v, 2)) goto bad;
            if (pass == 1) {
                /* the key: an index 0 … K−1 written plainly ("0", "12"; not "01") */
                long idx = -1;
                if (!tr && key[0] >= '0' && key[0] <= '9' && (key[0] != '0' || !key[1]) &&
                    strspn(key, "0123456789") == strlen(key) && strlen(key) < 8)
                    idx = strtol(key, NULL, 10);
                if (idx < 0 || idx >= K || seen[idx]) {
                    free(seen);
                    return tz_errf(e, TZ_E_FORMAT,
                                   "'%s': id2label'ın anahtarı '%.15s' 0 ile %d arasında, bir kez geçen bir sıra "
                                   "numarası olmalı.",
                                   "'%s': id2label's key '%.15s' must be an index from 0 to %d, each once.", name, key,
                                   K - 1);
                }
                if (v.type != JV_STR || v.truncated || v.len < 1 || v.len >= BERT_CK_LABEL_MAX || strlen(v.str) != v.len) {
                    free(seen);
                    return tz_errf(e, TZ_E_FORMAT, "'%s': id2label'da %ld. etiketin adı 1 ile %d bayt arasında bir metin olmalı.",
                                   "'%s': id2label's label %ld must be a name of 1 to %d bytes.", name, idx,
                                   BERT_CK_LABEL_MAX - 1);
                }
                seen[idx] = 1;
                memcpy(c->labels[idx], v.str, v.len + 1);
            }
            k++;
            js_ws(&j);
            if (j.i < n && s[j.i] == ',') {
                j.i++;
                continue;
            }
            if (j.i < n && s[j.i] == '}') break;
            goto bad;
        }
        if (pass == 0) {
            if (k > BERT_CK_MAX_LABELS)
                return tz_errf(e, TZ_E_FORMAT, "'%s': id2label'da %d etiket var (en çok %d).",
                               "'%s': id2label has %d labels (%d at most).", name, k, BERT_CK_MAX_LABELS);
            if (k == 0) return 0;
            K = k;
            seen = tz_calloc((size_t)K, 1);
            c->labels = tz_calloc((size_t)K, sizeof *c->labels);
            c->K = K;
        }
    }
    free(seen);
    return 0;
bad:
    free(seen);
    return tz_errf(e, TZ_E_FORMAT, "'%s': 'id2label' okunamadı.", "'%s': 'id2label' cannot be read.", name);
}

void bert_hf_config_free(BertHfConfig *c)
{
    if (!c) return;
    free(c->labels);
    c->labels = NULL;
    c->K = 0;
}

int bert_hf_config_parse(BertHfConfig *c, const char *json, size_t n, const char *name, TzErr *e)
{
    memset(c, 0, sizeof *c);
    c->lower = c->strip_accents = -1;
    int rc = json_ok(json, n, name, e);
    if (rc) return rc;
    BertConfig *g = &c->cfg;
    if ((rc = cfg_str(json, n, name, "model_type", "bert", "başka bir mimari", "another architecture", e)) ||
        (rc = cfg_int(json, n, name, "vocab_size", 1, MAX_V, -1, &g->V, e)) ||
        (rc = cfg_int(json, n, name, "max_position_embeddings", 1, MAX_C, -1, &g->C, e)) ||
        (rc = cfg_int(json, n, name, "hidden_size", 1, MAX_D, -1, &g->D, e)) ||
        (rc = cfg_int(json, n, name, "num_hidden_layers", 1, MAX_L, -1, &g->L, e)) ||
        (rc = cfg_int(json, n, name, "num_attention_heads", 1, MAX_D, -1, &g->H, e)) ||
        (rc = cfg_int(json, n, name, "intermediate_size", 1, MAX_F, -1, &g->F, e)) ||
        (rc = cfg_int(json, n, name, "type_vocab_size", 1, MAX_TYPES, 2, &g->types, e)) ||
        (rc = cfg_str(json, n, name, "hidden_act", "gelu", "erf'li tam GELU", "the exact, erf GELU", e)) ||
        (rc = cfg_str(json, n, name, "position_embedding_type", "absolute", "öğrenilmiş konum gömmeleri",
                      "learned position embeddings", e)))
        return rc;
    if (g->D % g->H != 0)
        return tz_errf(e, TZ_E_FORMAT, "'%s': hidden_size %d, num_attention_heads %d ile tam bölünmüyor.",
                       "'%s': hidden_size %d is not divisible by num_attention_heads %d.", name, g->D, g->H);
    JVal v;
    c->eps = 1e-12;
    if (json_get(json, n, "layer_norm_eps", &v, NULL) == 1) {
        if (v.type != JV_NUM)
            return tz_errf(e, TZ_E_FORMAT, "'%s': 'layer_norm_eps' %s; bir sayı olmalı.",
                           "'%s': 'layer_norm_eps' is %s; it must be a number.", name, jv_type_name(&v));
        c->eps = v.num;
        if (!(fabs(v.num - 1e-12) <= 1e-18))
            return tz_errf(e, TZ_E_FORMAT,
                           "'%s': layer_norm_eps %g; tezgah'ın BERT'i BERT'in ε'u 1e-12 ile çalışır (bert.h "
                           "BERT_LN_EPS), başka bir ε başka sayılar hesaplardı.",
                           "'%s': layer_norm_eps is %g; tezgah's BERT works with BERT's ε 1e-12 (bert.h BERT_LN_EPS), "
                           "another ε would compute other numbers.",
                           name, v.num);
    }
    /* a fine-tuned classifier's label names and task (BertForSequenceClassification) */
    if (json_get(json, n, "finetuning_task", &v, NULL) == 1 && v.type == JV_STR && !v.truncated &&
        strlen(v.str) == v.len && v.len < sizeof c->task)
        memcpy(c->task, v.str, v.len + 1);
    if (json_get(json, n, "id2label", &v, NULL) == 1 && (rc = json_labels(c, json + v.start, v.end - v.start, name, e))) {
        bert_hf_config_free(c);
        return rc;
    }
    return 0;
}

int bert_hf_tokconfig_parse(BertHfConfig *c, const char *json, size_t n, const char *name, TzErr *e)
{
    int rc = json_ok(json, n, name, e);
    if (rc) return rc;
    JVal v;
    if (json_get(json, n, "do_lower_case", &v, NULL) == 1) {
        if (v.type != JV_TRUE && v.type != JV_FALSE)
            return tz_errf(e, TZ_E_FORMAT, "'%s': 'do_lower_case' %s; true ya da false olmalı.",
                           "'%s': 'do_lower_case' is %s; it must be true or false.", name, jv_type_name(&v));
        c->lower = v.type == JV_TRUE;
    }
    if (json_get(json, n, "strip_accents", &v, NULL) == 1 && v.type != JV_NULL) {
        if (v.type != JV_TRUE && v.type != JV_FALSE)
            return tz_errf(e, TZ_E_FORMAT, "'%s': 'strip_accents' %s; true, false ya da null olmalı.",
                           "'%s': 'strip_accents' is %s; it must be true, false or null.", name, jv_type_name(&v));
        c->strip_accents = v.type == JV_TRUE;
    }
    return 0;
}

/* ---- model.safetensors ------------------------------------------------------------------------ */

/* Which part of the model tensor i (bert_tensor's order) belongs to. */
enum { PART_ENC, PART_POOL, PART_MLM, PART_NSP };

static int part_of(const char *name)
{
    if (!strncmp(name, "bert.pooler.", 12)) return PART_POOL;
    if (!strncmp(name, "cls.predictions.", 16)) return PART_MLM;
    if (!strncmp(name, "cls.seq_relationship.", 21)) return PART_NSP;
    return PART_ENC;
}

/* The file's name for our tensor `ours` ("bert.…" with the file's prefix; LayerNorm's γ and β
 * under their old names when old), into out. */
static void file_name(const char *ours, const char *pre, int old, char *out, size_t cap)
{
    const char *rest = strncmp(ours, "bert.", 5) ? ours : ours + 5;
    int bert = rest != ours;
    snprintf(out, cap, "%s%s", bert ? pre : "", rest);
    size_t l = strlen(out);
    if (old && strstr(out, "LayerNorm.")) {
        if (l > 7 && !strcmp(out + l - 7, ".weight")) snprintf(out + l - 7, cap - (l - 7), ".gamma");
        else if (l > 5 && !strcmp(out + l - 5, ".bias")) snprintf(out + l - 5, cap - (l - 5), ".beta");
    }
}

/* Find our tensor in the file under either name; *old set when found under the old one. */
static const StTensor *find_tensor(const StFile *f, const char *ours, const char *pre, int *old, char *fname, size_t cap)
{
    file_name(ours, pre, 0, fname, cap);
    const StTensor *t = st_find(f, fname);
    if (t || !strstr(ours, "LayerNorm.")) return t;
    char alt[128];
    file_name(ours, pre, 1, alt, sizeof alt);
    if ((t = st_find(f, alt))) {
        *old = 1;
        snprintf(fname, cap, "%s", alt);
    }
    return t;
}

/* Compare tensor t (count floats, any float dtype) with ours, a chunk at a time: the largest
 * difference and where (a NaN counts as one). */
static int same_values(const StFile *f, const StTensor *t, const float *ours, size_t count, double *worst, size_t *at,
                       TzErr *e)
{
    enum { CHUNK = 1 << 16 };
    float *buf = tz_malloc(CHUNK * sizeof *buf);
    int rc = 0;
    *worst = 0, *at = 0;
    for (size_t s = 0; s < count && !rc; s += CHUNK) {
        size_t k = count - s < CHUNK ? count - s : CHUNK;
        rc = st_read_f32(f, t, s, k, buf, e);
        for (size_t i = 0; i < k && !rc; i++) {
            double d = fabs((double)buf[i] - (double)ours[s + i]);
            if (!(d <= *worst)) *worst = d, *at = s + i;
        }
    }
    free(buf);
    return rc;
}

/* BertForSequenceClassification's head, classifier.weight [K, D] and classifier.bias [K], into
 * clf (K, cls_w, cls_b; the names are config.json's). 0 when there is none or it is read. */
static int read_classifier(const StFile *f, const BertConfig *cfg, BertCkptMeta *clf, int *used, TzErr *e)
{
    const StTensor *w = st_find(f, "classifier.weight"), *bias = st_find(f, "classifier.bias");
    if (!w && !bias) return 0;
    if (!w || !bias)
        return tz_errf(e, TZ_E_FORMAT, "'%s': '%s' var, '%s' yok; sınıflandırıcı yarım.",
                       "'%s': '%s' is there but '%s' is not; the classifier is incomplete.", f->name,
                       w ? "classifier.weight" : "classifier.bias", w ? "classifier.bias" : "classifier.weight");
    uint64_t K = w->ndim == 2 ? w->shape[0] : 0;
    if (w->ndim != 2 || K < 1 || K > BERT_CK_MAX_LABELS || w->shape[1] != (uint64_t)cfg->D || bias->ndim != 1 ||
        bias->shape[0] != K) {
        char gw[160], gb[160];
        shape_str(gw, sizeof gw, w->ndim, w->shape);
        shape_str(gb, sizeof gb, bias->ndim, bias->shape);
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s': sınıflandırıcının biçimi classifier.weight %s, classifier.bias %s; [K, %d] ve [K] "
                       "olmalıydı (1 ≤ K ≤ %d).",
                       "'%s': the classifier's shapes are classifier.weight %s, classifier.bias %s; expected [K, %d] "
                       "and [K] (1 ≤ K ≤ %d).",
                       f->name, gw, gb, cfg->D, BERT_CK_MAX_LABELS);
    }
    int rc;
    if ((rc = st_check_float(f, w, e)) || (rc = st_check_float(f, bias, e))) return rc;
    float *cw = tz_malloc((size_t)K * (size_t)cfg->D * sizeof *cw), *cb = tz_malloc((size_t)K * sizeof *cb);
    if (!(rc = st_read_f32(f, w, 0, (size_t)K * (size_t)cfg->D, cw, e)) && !(rc = st_read_f32(f, bias, 0, K, cb, e)))
        for (size_t i = 0; i < (size_t)K * (size_t)(cfg->D + 1) && !rc; i++)
            if (!isfinite(i < (size_t)K * (size_t)cfg->D ? cw[i] : cb[i - (size_t)K * (size_t)cfg->D]))
                rc = tz_errf(e, TZ_E_FORMAT, "'%s': sınıflandırıcının ağırlıklarında NaN ya da sonsuz bir sayı var.",
                             "'%s': the classifier's weights hold a NaN or an infinity.", f->name);
    if (rc) {
        free(cw);
        free(cb);
        return rc;
    }
    clf->K = (int)K, clf->cls_w = cw, clf->cls_b = cb;
    *used += 2;
    return 0;
}

int bert_hf_parse(Bert *b, const char *data, size_t n, const char *name, const BertConfig *cfg, uint64_t seed,
                  BertHfInfo *info, BertCkptMeta *clf, TzErr *e)
{
    memset(b, 0, sizeof *b);
    if (clf) memset(clf, 0, sizeof *clf);
    BertHfInfo in;
    memset(&in, 0, sizeof in);
    if (!config_in_range(cfg))
        return tz_errf(e, TZ_E_ARG, "'%s': yapılandırma geçersiz (V %d, C %d, D %d, L %d, H %d, F %d, types %d).",
                       "'%s': invalid configuration (V %d, C %d, D %d, L %d, H %d, F %d, types %d).", name, cfg->V,
                       cfg->C, cfg->D, cfg->L, cfg->H, cfg->F, cfg->types);
    StFile f;
    int rc = st_parse(&f, data, n, name, e);
    if (rc) return rc;
    const char *pre = "bert.";
    if (st_find(&f, "bert.embeddings.word_embeddings.weight")) in.prefixed = 1;
    else if (st_find(&f, "embeddings.word_embeddings.weight")) pre = "";
    else {
        rc = tz_errf(e, TZ_E_FORMAT,
                     "'%s': 'bert.embeddings.word_embeddings.weight' (ya da önekiz 'embeddings.word_embeddings."
                     "weight') tensörü yok: bu bir BERT ağırlık dosyası değil gibi. Dosyada %d tensör var%s%.80s%s.",
                     "'%s': there is no tensor 'bert.embeddings.word_embeddings.weight' (nor 'embeddings."
                     "word_embeddings.weight' without the prefix): this does not look like BERT weights. The file "
                     "holds %d tensors%s%.80s%s.",
                     name, f.n, f.n ? ", e.g. '" : "", f.n ? f.t[0].name : "", f.n ? "'" : "");
        goto out;
    }
    /* which parts the file has: a part is there when any of its tensors is */
    /* names and shapes before any memory: bert_tensor walks offsets from b->mem, here from a
     * stand-in address that is never read */
    static float stand_in;
    Bert shape = {.cfg = *cfg, .mem = &stand_in};
    int nt = bert_ntensors(cfg), have[4] = {1, 0, 0, 0};
    char ours[96], fname[128];
    size_t cnt;
    int rows, cols;
    for (int i = 0; i < nt; i++) {
        bert_tensor(&shape, i, ours, sizeof ours, &cnt, &rows, &cols);
        int p = part_of(ours), old = 0;
        if (p != PART_ENC && find_tensor(&f, ours, pre, &old, fname, sizeof fname)) have[p] = 1;
    }
    if (!have[PART_MLM] && st_find(&f, "cls.predictions.decoder.bias")) have[PART_MLM] = 1;
    /* every tensor of the parts there: its shape against config.json, a float dtype — all before
     * anything is allocated */
    char why[160];
    snprintf(why, sizeof why, "config.json: V %d, C %d, D %d, F %d, types %d", cfg->V, cfg->C, cfg->D, cfg->F,
             cfg->types);
    const StTensor **src = tz_calloc((size_t)nt, sizeof *src);
    int used = 0;
    for (int i = 0; i < nt && !rc; i++) {
        bert_tensor(&shape, i, ours, sizeof ours, &cnt, &rows, &cols);
        int p = part_of(ours), old = 0;
        if (!have[p]) continue;
        const StTensor *t = find_tensor(&f, ours, pre, &old, fname, sizeof fname);
        if (!t && !strcmp(ours, "cls.predictions.bias")) t = st_find(&f, "cls.predictions.decoder.bias");
        if (!t) {
            rc = tz_errf(e, TZ_E_FORMAT, "'%s': '%s' tensörü yok; dosya eksik ya da bozuk.",
                         "'%s': tensor '%s' is missing; the file is incomplete or damaged.", name, fname);
            break;
        }
        in.old_names |= old;
        int mat = is_matrix(ours), ndim = mat ? 2 : 1;
        uint64_t want[2] = {(uint64_t)rows, (uint64_t)cols};
        if (t->ndim != ndim || t->shape[0] != want[0] || (mat && t->shape[1] != want[1])) {
            char got[160], exp[64];
            shape_str(got, sizeof got, t->ndim, t->shape);
            shape_str(exp, sizeof exp, ndim, want);
            rc = tz_errf(e, TZ_E_FORMAT, "'%s': '%s' tensörünün biçimi %s, %s olmalıydı (%s).",
                         "'%s': tensor '%s' has shape %s, expected %s (%s).", name, t->name, got, exp, why);
            break;
        }
        if ((rc = st_check_float(&f, t, e))) break;
        src[i] = t;
        used++;
    }
    if (rc) {
        free(src);
        goto out;
    }
    in.init_pooler = !have[PART_POOL], in.init_mlm = !have[PART_MLM], in.init_nsp = !have[PART_NSP];
    in.layout = in.prefixed && have[PART_MLM] && have[PART_NSP] && have[PART_POOL] ? BERT_HF_PRETRAINING
                : in.prefixed && have[PART_MLM] && !have[PART_NSP] ? BERT_HF_MASKEDLM
                : !in.prefixed && !have[PART_MLM] && !have[PART_NSP] ? BERT_HF_BASE
                                                                     : BERT_HF_OTHER;
    if ((rc = check_memory(cfg, name, e))) {
        free(src);
        goto out;
    }
    if (bert_alloc(b, cfg)) {
        rc = tz_errf(e, TZ_E_NOMEM, "'%s': %zu parametre için bellek yok.", "'%s': no memory for %zu parameters.", name,
                     bert_nparams(cfg));
        free(src);
        goto out;
    }
    if (in.init_pooler || in.init_mlm || in.init_nsp) bert_init(b, seed);
    int dtypes = 0;
    for (int i = 0; i < nt && !rc; i++) {
        if (!src[i]) continue;
        float *p = bert_tensor(b, i, NULL, 0, &cnt, NULL, NULL);
        dtypes |= 1 << src[i]->dtype;
        rc = st_read_f32(&f, src[i], 0, cnt, p, e);
    }
    free(src);
    if (rc || (rc = check_finite(b, name, e))) goto out;
    /* the decoder: the same matrix as the word embeddings (bert.h ties them), and its bias the
     * same vector as cls.predictions.bias */
    const StTensor *dec = st_find(&f, "cls.predictions.decoder.weight");
    double worst;
    size_t at;
    if (dec) {
        in.decoder = 1, used++;
        if (dec->ndim != 2 || dec->shape[0] != (uint64_t)cfg->V || dec->shape[1] != (uint64_t)cfg->D) {
            char got[160];
            shape_str(got, sizeof got, dec->ndim, dec->shape);
            rc = tz_errf(e, TZ_E_FORMAT,
                         "'%s': 'cls.predictions.decoder.weight' tensörünün biçimi %s, kelime gömmeleri ise [%d, %d]: "
                         "bu modelin MLM çıkışı gömmelere bağlı değil, tezgah'ın BERT'i ise bağlı (bert.h).",
                         "'%s': tensor 'cls.predictions.decoder.weight' has shape %s but the word embeddings are "
                         "[%d, %d]: this model's MLM output is not tied to its embeddings, and tezgah's BERT ties "
                         "them (bert.h).",
                         name, got, cfg->V, cfg->D);
            goto out;
        }
        if ((rc = st_check_float(&f, dec, e)) ||
            (rc = same_values(&f, dec, b->word, (size_t)cfg->V * (size_t)cfg->D, &worst, &at, e)))
            goto out;
        if (worst > 0 || isnan(worst)) {
            rc = tz_errf(e, TZ_E_FORMAT,
                         "'%s': 'cls.predictions.decoder.weight' kelime gömmelerinden farklı (en büyük fark %g, satır "
                         "%zu): bu modelin MLM çıkışı gömmelere bağlı değil, tezgah'ın BERT'i ise bağlı (bert.h); "
                         "başka logit'ler hesaplardı.",
                         "'%s': 'cls.predictions.decoder.weight' differs from the word embeddings (largest difference "
                         "%g, row %zu): this model's MLM output is not tied to its embeddings, and tezgah's BERT ties "
                         "them (bert.h); it would compute other logits.",
                         name, worst, at / (size_t)cfg->D);
            goto out;
        }
    }
    const StTensor *db = st_find(&f, "cls.predictions.decoder.bias");
    if (db && have[PART_MLM] && st_find(&f, "cls.predictions.bias")) {
        used++;
        if (db->ndim != 1 || db->shape[0] != (uint64_t)cfg->V || st_check_float(&f, db, NULL) ||
            (rc = same_values(&f, db, b->mlm_bias, (size_t)cfg->V, &worst, &at, e)) || worst > 0 || isnan(worst)) {
            if (!rc)
                rc = tz_errf(e, TZ_E_FORMAT,
                             "'%s': 'cls.predictions.decoder.bias' 'cls.predictions.bias' ile aynı değil; Hugging "
                             "Face'te ikisi tek bir parametredir. Dosya tutarsız.",
                             "'%s': 'cls.predictions.decoder.bias' is not the same as 'cls.predictions.bias'; in "
                             "Hugging Face the two are one parameter. The file is inconsistent.",
                             name);
            goto out;
        }
    }   /* (a decoder.bias alone served as cls.predictions.bias, counted there) */
    if (clf && (rc = read_classifier(&f, cfg, clf, &used, e))) goto out;
    in.n_ignored = f.n - used;
    if (in.n_ignored < 0) in.n_ignored = 0;
    snprintf(in.dtype, sizeof in.dtype, "%s",
             dtypes == 1 << ST_F32 ? "F32" : dtypes == 1 << ST_F16 ? "F16" : dtypes == 1 << ST_BF16 ? "BF16" : "mixed");
out:
    if (rc) {
        bert_free(b);
        memset(b, 0, sizeof *b);
        bert_meta_free(clf);
    } else if (info) {   /* what the caller set stays: the folder's part */
        in.lower_from = info->lower_from;
        memcpy(in.st_path, info->st_path, sizeof in.st_path);
        *info = in;
    }
    st_free(&f);
    return rc;
}

/* ---- the folder ----------------------------------------------------------------------------- */

/* dir + "/" + file into out. */
static void join(char *out, size_t cap, const char *dir, const char *file)
{
    size_t l = strlen(dir);
    if (snprintf(out, cap, "%.4000s%s%.64s", dir, l && dir[l - 1] == '/' ? "" : "/", file) >= (int)cap) out[0] = '\0';
}

/* The folder of path (a folder itself, or the folder of a file) into dir. */
static void folder_of(const char *path, int is_dir, char *dir, size_t cap)
{
    if (is_dir) {
        snprintf(dir, cap, "%s", path);
        return;
    }
    const char *slash = strrchr(path, '/');
    if (!slash) snprintf(dir, cap, ".");
    else if (slash == path) snprintf(dir, cap, "/");
    else snprintf(dir, cap, "%.*s", (int)(slash - path), path);
}

/* A small file read whole (config.json); *data malloc'd. */
static int read_small(const char *path, char **data, size_t *n, TzErr *e)
{
    TzFile f;
    int rc = tz_file_map(&f, path, e);
    if (rc) return rc;
    if (f.size > MAX_JSON_BYTES) {
        tz_file_unmap(&f);
        return tz_errf(e, TZ_E_FORMAT, "'%s' %zu bayt; bir ayar dosyası için anlamsız (en çok 4 MB).",
                       "'%s' is %zu bytes; absurd for a configuration file (4 MB at most).", path, f.size);
    }
    *n = f.size;
    *data = tz_malloc(f.size + 1);
    memcpy(*data, f.data, f.size);
    tz_file_unmap(&f);
    return 0;
}

/* Lower-case ASCII copy of the folder's own name (its last component), for "uncased" / "cased". */
static void folder_name_lower(const char *dir, char *out, size_t cap)
{
    char real[PATH_MAX];
    const char *d = realpath(dir, real) ? real : dir;
    size_t l = strlen(d);
    while (l > 1 && d[l - 1] == '/') l--;
    size_t s = l;
    while (s > 0 && d[s - 1] != '/') s--;
    size_t k = 0;
    for (size_t i = s; i < l && k + 1 < cap; i++) {
        char c = d[i];
        out[k++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    out[k] = '\0';
}

int bert_hf_load(Bert *b, WordPiece *wp, const char *path, uint64_t seed, BertHfInfo *info, BertCkptMeta *clf, TzErr *e)
{
    memset(b, 0, sizeof *b);
    memset(wp, 0, sizeof *wp);
    if (clf) memset(clf, 0, sizeof *clf);
    BertHfInfo in;
    memset(&in, 0, sizeof in);
    int is_dir = tz_is_dir(path);
    char dir[4096], file[4200];
    folder_of(path, is_dir, dir, sizeof dir);
    if (is_dir) join(in.st_path, sizeof in.st_path, dir, "model.safetensors");
    else snprintf(in.st_path, sizeof in.st_path, "%s", path);
    if (!tz_exists(in.st_path)) {
        join(file, sizeof file, dir, "pytorch_model.bin");
        if (tz_exists(file))
            return tz_errf(e, TZ_E_NOTFOUND,
                           "'%s' içinde model.safetensors yok, yalnızca pytorch_model.bin (PyTorch'un pickle'ı; tezgah "
                           "onu okumaz, içinden kod çalıştırabilir). Hugging Face'te çoğu modelin model.safetensors'u "
                           "da vardır; onu indirin.",
                           "there is no model.safetensors in '%s', only pytorch_model.bin (PyTorch's pickle; tezgah "
                           "does not read it, it can run code). Most models on Hugging Face have a model.safetensors "
                           "too; download that.",
                           dir);
        return tz_errf(e, TZ_E_NOTFOUND,
                       "'%s' yok: bir BERT klasöründe model.safetensors, config.json ve vocab.txt bulunur.",
                       "'%s' does not exist: a BERT folder holds model.safetensors, config.json and vocab.txt.",
                       in.st_path);
    }
    /* config.json and vocab.txt first: cheap, and a wrong folder is told before the big file */
    BertHfConfig c;
    char *json = NULL;
    size_t jn = 0;
    join(file, sizeof file, dir, "config.json");
    if (!tz_exists(file))
        return tz_errf(e, TZ_E_NOTFOUND,
                       "'%s' yok: BERT'in yapılandırması (hidden_size, num_hidden_layers …) ağırlıkların yanındaki "
                       "config.json'da olmalı; modelin Hugging Face sayfasından indirin.",
                       "'%s' is missing: BERT's configuration (hidden_size, num_hidden_layers …) must be in a "
                       "config.json beside the weights; download it from the model's Hugging Face page.",
                       file);
    int rc = read_small(file, &json, &jn, e);
    if (rc) return rc;
    rc = bert_hf_config_parse(&c, json, jn, file, e);
    free(json);
    if (rc) return rc;
    join(file, sizeof file, dir, "tokenizer_config.json");
    if (tz_exists(file)) {
        if ((rc = read_small(file, &json, &jn, e))) goto fail_cfg;
        rc = bert_hf_tokconfig_parse(&c, json, jn, file, e);
        free(json);
        if (rc) goto fail_cfg;
    }
    join(file, sizeof file, dir, "vocab.txt");
    if (!tz_exists(file)) {
        bert_hf_config_free(&c);
        return tz_errf(e, TZ_E_NOTFOUND,
                       "'%s' yok: BERT'in WordPiece sözlüğü ağırlıkların yanındaki vocab.txt'de olmalı (satır başına "
                       "bir belirteç); modelin Hugging Face sayfasından indirin.",
                       "'%s' is missing: BERT's WordPiece vocabulary must be in a vocab.txt beside the weights (one "
                       "token a line); download it from the model's Hugging Face page.",
                       file);
    }
    if ((rc = wp_load_vocab(wp, file, e))) goto fail_cfg;
    if (wp->vocab != c.cfg.V) {
        rc = tz_errf(e, TZ_E_FORMAT,
                     "'%s': %d belirteç var, config.json'un vocab_size'ı %d: bu sözlük bu modelin değil.",
                     "'%s' has %d tokens, config.json's vocab_size is %d: this vocabulary is not this model's.", file,
                     wp->vocab, c.cfg.V);
        goto fail;
    }
    /* lower-casing: tokenizer_config.json, the folder's name, or the vocabulary's guess */
    WpOptions o = wp->opt;
    int turkish = o.lang == TZ_LANG_TR;
    char fname[256];
    folder_name_lower(dir, fname, sizeof fname);
    if (c.lower >= 0) {
        o = turkish ? wp_options_turkish(c.lower) : c.lower ? wp_options_uncased() : wp_options_cased();
        if (!turkish && c.strip_accents >= 0) o.strip_accents = c.strip_accents;
        in.lower_from = BERT_LOWER_TOKCONFIG;
    } else if (strstr(fname, "uncased") || strstr(fname, "cased")) {
        int lower = strstr(fname, "uncased") != NULL;
        o = turkish ? wp_options_turkish(lower) : lower ? wp_options_uncased() : wp_options_cased();
        in.lower_from = BERT_LOWER_FOLDER;
    } else
        in.lower_from = BERT_LOWER_GUESS;
    wp_set_options(wp, &o);
    /* the weights */
    TzFile f;
    if ((rc = tz_file_map(&f, in.st_path, e))) goto fail;
    rc = bert_hf_parse(b, f.data, f.size, in.st_path, &c.cfg, seed, &in, clf, e);
    tz_file_unmap(&f);
    if (rc) goto fail;
    if (clf && clf->K > 0) {   /* its names: config.json's id2label, or transformers' defaults */
        if (c.K > 0 && c.K != clf->K) {
            rc = tz_errf(e, TZ_E_FORMAT,
                         "'%s': classifier.weight %d etiketlik, config.json'un id2label'ı ise %d etiket sayıyor.",
                         "'%s': classifier.weight has %d labels, config.json's id2label lists %d.", in.st_path, clf->K,
                         c.K);
            bert_free(b);
            memset(b, 0, sizeof *b);
            bert_meta_free(clf);
            goto fail;
        }
        if (c.K > 0) clf->labels = c.labels, c.labels = NULL;
        else {
            clf->labels = tz_calloc((size_t)clf->K, sizeof *clf->labels);
            for (int k = 0; k < clf->K; k++) snprintf(clf->labels[k], sizeof clf->labels[k], "LABEL_%d", k);
        }
        /* the task, or the folder's name, cut at a whole character */
        snprintf(clf->task, sizeof clf->task, "%.95s", c.task[0] ? c.task : fname);
        clf->task[utf8_validate(clf->task, strlen(clf->task))] = '\0';
        clf->cls_acc = NAN;
    }
    bert_hf_config_free(&c);
    if (info) *info = in;
    return 0;
fail:
    wp_free(wp);
    memset(wp, 0, sizeof *wp);
fail_cfg:
    bert_hf_config_free(&c);
    return rc;
}

/* Does the safetensors file's header name a BERT tensor? Read the header only (at most 16 MB). */
static int st_names_bert(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    struct stat st;
    unsigned char h[8];
    int yes = 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && read(fd, h, 8) == 8) {
        uint64_t hl = 0;
        for (int k = 7; k >= 0; k--) hl = hl << 8 | h[k];
        if (hl >= 2 && hl <= (uint64_t)st.st_size - 8 && hl <= (16u << 20)) {
            char *buf = malloc(hl + 1);
            if (buf && read(fd, buf, hl) == (ssize_t)hl) {
                buf[hl] = '\0';
                yes = buf[0] == '{' && memmem(buf, hl, "embeddings.word_embeddings.weight", 33) != NULL;
            }
            free(buf);
        }
    }
    close(fd);
    return yes;
}

int bert_hf_is(const char *path)
{
    if (tz_is_dir(path)) {
        char st[4200];
        join(st, sizeof st, path, "model.safetensors");
        /* a folder with some other model's weights is not ours to report on */
        return !tz_exists(st) || st_names_bert(st);
    }
    return st_names_bert(path);
}

/* ---- writing the folder -------------------------------------------------------------------- */

typedef struct {
    const Bert *b;
    const WordPiece *wp;
    const BertCkptMeta *clf;    /* NULL or K = 0: no classifier */
} SaveCtx;

static int write_st(FILE *fp, void *ud, TzErr *e)
{
    const SaveCtx *x = ud;
    const Bert *b = x->b;
    int n = bert_ntensors(&b->cfg), K = x->clf ? x->clf->K : 0;
    StOut *t = tz_calloc((size_t)n + 2, sizeof *t);
    char (*names)[96] = tz_malloc((size_t)n * sizeof *names);
    for (int i = 0; i < n; i++) {
        size_t cnt;
        int rows, cols;
        t[i].data = bert_tensor(b, i, names[i], sizeof names[i], &cnt, &rows, &cols);
        t[i].name = names[i];
        t[i].ndim = is_matrix(names[i]) ? 2 : 1;
        t[i].shape[0] = (uint64_t)rows;
        t[i].shape[1] = (uint64_t)cols;
    }
    if (K > 0) {   /* BertForSequenceClassification's head, under its names */
        t[n] = (StOut){.name = "classifier.weight", .ndim = 2, .shape = {(uint64_t)K, (uint64_t)b->cfg.D},
                       .data = x->clf->cls_w};
        t[n + 1] = (StOut){.name = "classifier.bias", .ndim = 1, .shape = {(uint64_t)K}, .data = x->clf->cls_b};
    }
    const char *meta[] = {"format", "pt", "written_by", "tezgah"};
    int rc = st_write(fp, t, n + (K > 0 ? 2 : 0), meta, 2, e);
    free(names);
    free(t);
    return rc;
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static void json_put_str(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(fp, "\\%c", c);
        else if (c < 0x20) fprintf(fp, "\\u%04x", c);
        else fputc(c, fp);
    }
    fputc('"', fp);
}

static int write_config(FILE *fp, void *ud, TzErr *e)
{
    (void)e;
    const SaveCtx *s = ud;
    const BertConfig *c = &s->b->cfg;
    int K = s->clf ? s->clf->K : 0;
    fprintf(fp,
            "{\n  \"architectures\": [\"%s\"],\n  \"model_type\": \"bert\",\n"
            "  \"vocab_size\": %d,\n  \"hidden_size\": %d,\n  \"num_hidden_layers\": %d,\n"
            "  \"num_attention_heads\": %d,\n  \"intermediate_size\": %d,\n  \"hidden_act\": \"gelu\",\n"
            "  \"max_position_embeddings\": %d,\n  \"type_vocab_size\": %d,\n  \"layer_norm_eps\": 1e-12,\n"
            "  \"hidden_dropout_prob\": 0.1,\n  \"attention_probs_dropout_prob\": 0.1,\n  \"initializer_range\": 0.02,\n"
            "  \"position_embedding_type\": \"absolute\",\n  \"pad_token_id\": %d",
            K > 0 ? "BertForSequenceClassification" : "BertForPreTraining", c->V, c->D, c->L, c->H, c->F, c->C,
            c->types, s->wp->pad >= 0 ? s->wp->pad : 0);
    if (K > 0) {   /* the classifier's labels, as transformers writes them */
        fprintf(fp, ",\n  \"finetuning_task\": ");
        json_put_str(fp, s->clf->task);
        fprintf(fp, ",\n  \"id2label\": {");
        for (int k = 0; k < K; k++) {
            fprintf(fp, "%s\n    \"%d\": ", k ? "," : "", k);
            json_put_str(fp, s->clf->labels[k]);
        }
        fprintf(fp, "\n  },\n  \"label2id\": {");
        for (int k = 0; k < K; k++) {
            fprintf(fp, "%s\n    ", k ? "," : "");
            json_put_str(fp, s->clf->labels[k]);
            fprintf(fp, ": %d", k);
        }
        fprintf(fp, "\n  }");
    }
    fprintf(fp, "\n}\n");
    return 0;
}

static int write_tokconfig(FILE *fp, void *ud, TzErr *e)
{
    (void)e;
    const SaveCtx *s = ud;
    fprintf(fp,
            "{\n  \"tokenizer_class\": \"BertTokenizer\",\n  \"do_lower_case\": %s,\n  \"strip_accents\": %s,\n"
            "  \"tokenize_chinese_chars\": true\n}\n",
            s->wp->opt.lower ? "true" : "false", s->wp->opt.strip_accents ? "true" : "false");
    return 0;
}

int bert_hf_save(const Bert *b, const WordPiece *wp, const BertCkptMeta *clf, const char *path, char *dir_out,
                 size_t dir_cap, TzErr *e)
{
    TZ_ASSERT(wp && wp->vocab == b->cfg.V);
    size_t l = strlen(path);
    int file = l > 12 && !strcmp(path + l - 12, ".safetensors");
    char dir[4096], p[4200];
    folder_of(path, !file, dir, sizeof dir);
    if (!file && !tz_is_dir(dir)) {
        if (tz_exists(dir))
            return tz_errf(e, TZ_E_IO, "'%s' bir dosya; Hugging Face biçimi bir klasöre yazılır (ya da …/model.safetensors verin).",
                           "'%s' is a file; the Hugging Face layout is written into a folder (or give …/model.safetensors).",
                           dir);
        if (mkdir(dir, 0777) != 0)
            return tz_errf(e, TZ_E_IO, "'%s' klasörü açılamadı: %s.", "cannot create the folder '%s': %s.", dir,
                           strerror(errno));
    }
    if (dir_out) snprintf(dir_out, dir_cap, "%s", dir);
    if (file) snprintf(p, sizeof p, "%s", path);
    else join(p, sizeof p, dir, "model.safetensors");
    SaveCtx s = {b, wp, clf};
    int rc = tz_save_atomic(p, write_st, &s, e);
    if (rc) return rc;
    join(p, sizeof p, dir, "config.json");
    if ((rc = tz_save_atomic(p, write_config, &s, e))) return rc;
    join(p, sizeof p, dir, "tokenizer_config.json");
    if ((rc = tz_save_atomic(p, write_tokconfig, &s, e))) return rc;
    join(p, sizeof p, dir, "vocab.txt");
    return wp_save_vocab(wp, p, e);
}
