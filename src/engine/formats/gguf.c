/* gguf.c — see gguf.h. */
#include "formats/gguf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "formats/safetensors.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#error "gguf.c reads and writes little-endian numbers with memcpy: add byte swaps for big-endian"
#endif

/* ---- types ---------------------------------------------------------------------------- */

static const char *const vtype_names[GGUF_NVTYPES] = {"UINT8", "INT8", "UINT16", "INT16", "UINT32", "INT32",
                                                      "FLOAT32", "BOOL", "STRING", "ARRAY", "UINT64", "INT64",
                                                      "FLOAT64"};
/* bytes of a scalar value; 0 for STRING and ARRAY, whose size depends on what they hold */
static const unsigned char vtype_sizes[GGUF_NVTYPES] = {1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8};

const char *gguf_vtype_name(GgufVType t) { return (unsigned)t < GGUF_NVTYPES ? vtype_names[t] : "?"; }

/* ggml's tensor types by number (gaps are types ggml removed), so a refusal can name them */
static const char *const ggml_names[] = {
    "F32", "F16", "Q4_0", "Q4_1", "Q4_2", "Q4_3", "Q5_0", "Q5_1", "Q8_0", "Q8_1", "Q2_K", "Q3_K", "Q4_K",
    "Q5_K", "Q6_K", "Q8_K", "IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S", "IQ4_NL", "IQ3_S", "IQ2_S", "IQ4_XS",
    "I8", "I16", "I32", "I64", "F64", "IQ1_M", "BF16", "Q4_0_4_4", "Q4_0_4_8", "Q4_0_8_8", "TQ1_0", "TQ2_0",
    "IQ4_NL_4_4", "IQ4_NL_4_8", "IQ4_NL_8_8", "MXFP4"};

const char *gguf_ggml_name(uint32_t type)
{
    return type < sizeof ggml_names / sizeof *ggml_names ? ggml_names[type] : "?";
}

static int readable(uint32_t type)
{
    return type == GGML_F32 || type == GGML_F16 || type == GGML_BF16 || type == GGML_Q8_0;
}

/* ---- half and bfloat16 ----------------------------------------------------------------- */

float gguf_f16_to_f32(uint16_t h)
{
    unsigned char b[2] = {(unsigned char)(h & 0xFF), (unsigned char)(h >> 8)};
    float f;
    st_convert(ST_F16, b, 1, &f);   /* safetensors.c's exact half → float */
    return f;
}

/* Round to nearest, ties to even: the bits shifted out decide, against half of the last kept bit. */
uint16_t gguf_f32_to_f16(float x)
{
    uint32_t b;
    memcpy(&b, &x, 4);
    uint32_t sign = (b >> 16) & 0x8000u, exp = (b >> 23) & 0xFFu, man = b & 0x7FFFFFu;
    if (exp == 0xFF) return (uint16_t)(sign | 0x7C00u | (man ? 0x200u | (man >> 13) : 0));   /* inf, NaN */
    int e = (int)exp - 127 + 15;                        /* the half's biased exponent */
    if (e >= 31) return (uint16_t)(sign | 0x7C00u);      /* too large: infinity */
    if (e <= 0) {                                       /* a half subnormal: units of 2⁻²⁴ */
        if (e < -10) return (uint16_t)sign;             /* below 2⁻²⁵: rounds to zero */
        man |= 0x800000u;
        int shift = 14 - e;
        uint32_t h = man >> shift, rem = man & ((1u << shift) - 1), half = 1u << (shift - 1);
        if (rem > half || (rem == half && (h & 1))) h++;
        return (uint16_t)(sign | h);                    /* h = 0x400 is the smallest normal: right */
    }
    uint32_t h = (uint32_t)e << 10 | man >> 13, rem = man & 0x1FFFu;
    if (rem > 0x1000u || (rem == 0x1000u && (h & 1))) h++;   /* a carry may reach infinity: right */
    return (uint16_t)(sign | h);
}

static uint16_t f32_to_bf16(float x)
{
    uint32_t b;
    memcpy(&b, &x, 4);
    if ((b & 0x7FFFFFFFu) > 0x7F800000u) return (uint16_t)(b >> 16 | 0x40);   /* a quiet NaN */
    return (uint16_t)((b + 0x7FFFu + ((b >> 16) & 1)) >> 16);
}

/* ---- dequantising ------------------------------------------------------------------------ */

void gguf_q8_0_dequant(const unsigned char *blocks, size_t n, float *out)
{
    TZ_ASSERT(n % GGML_Q8_0_BLOCK == 0);
    for (size_t b = 0; b < n / GGML_Q8_0_BLOCK; b++) {
        const unsigned char *p = blocks + b * GGML_Q8_0_BYTES;
        float d = gguf_f16_to_f32((uint16_t)(p[0] | p[1] << 8));
        for (int k = 0; k < GGML_Q8_0_BLOCK; k++) out[b * GGML_Q8_0_BLOCK + k] = d * (float)(int8_t)p[2 + k];
    }
}

/* bytes of count values of type (count a multiple of 32 for Q8_0) */
static size_t type_bytes(uint32_t type, uint64_t count)
{
    switch (type) {
    case GGML_F32: return (size_t)count * 4;
    case GGML_F16:
    case GGML_BF16: return (size_t)count * 2;
    case GGML_Q8_0: return (size_t)(count / GGML_Q8_0_BLOCK) * GGML_Q8_0_BYTES;
    default: TZ_ASSERT(0 && "unreadable type");
    }
    return 0;
}

static void convert(uint32_t type, const unsigned char *src, size_t count, float *out)
{
    switch (type) {
    case GGML_F32: st_convert(ST_F32, src, count, out); break;
    case GGML_F16: st_convert(ST_F16, src, count, out); break;
    case GGML_BF16: st_convert(ST_BF16, src, count, out); break;
    case GGML_Q8_0: gguf_q8_0_dequant(src, count, out); break;
    default: TZ_ASSERT(0 && "unreadable type");
    }
}

void gguf_read_f32(const GgufTensor *t, float *out) { convert(t->type, t->data, (size_t)t->count, out); }

void gguf_read_rows(const GgufTensor *t, uint64_t r0, uint64_t nr, float *out)
{
    uint64_t row = t->ne[0], rows = row ? t->count / row : 0;
    TZ_ASSERT(r0 <= rows && nr <= rows - r0);
    convert(t->type, t->data + type_bytes(t->type, r0 * row), (size_t)(nr * row), out);
}

const void *gguf_tensor_raw(const GgufTensor *t, uint32_t *type, size_t *nbytes)
{
    if (type) *type = t->type;
    if (nbytes) *nbytes = t->nbytes;
    return t->data;
}

/* ---- the cursor ------------------------------------------------------------------------- */

typedef struct {
    const unsigned char *u;
    size_t n, i;
    const char *file;
    TzErr *e;
} Cur;

static int truncated(Cur *c, const char *what_tr, const char *what_en, uint64_t need)
{
    char keep[sizeof c->e->tr];
    for (int pass = 0; pass < 2; pass++) {   /* the "what" differs by language: see safetensors.c */
        tz_errf(c->e, TZ_E_FORMAT,
                "'%s': %zu. baytta %s %llu bayt gerektiriyor, dosyada %zu bayt kalmış. Dosya yarım kalmış ya da "
                "bozuk.",
                "'%s': at byte %zu, %s needs %llu bytes, the file has %zu left. The file is truncated or "
                "damaged.",
                c->file, c->i, pass ? what_en : what_tr, (unsigned long long)need, c->n - c->i);
        if (c->e && pass == 0) memcpy(keep, c->e->tr, sizeof keep);
    }
    if (c->e) memcpy(c->e->tr, keep, sizeof keep);
    return TZ_E_FORMAT;
}

static int rd(Cur *c, void *v, size_t k, const char *wtr, const char *wen)
{
    if (c->n - c->i < k) return truncated(c, wtr, wen, k);
    memcpy(v, c->u + c->i, k);
    c->i += k;
    return 0;
}

#define RD(c, v, wtr, wen) rd((c), &(v), sizeof(v), (wtr), (wen))

/* A string: its length, checked against the bytes left; *s points at its bytes. */
static int rd_str(Cur *c, const unsigned char **s, uint64_t *len, const char *wtr, const char *wen)
{
    size_t at = c->i;
    if (RD(c, *len, wtr, wen)) return TZ_E_FORMAT;
    if (*len > c->n - c->i) {
        c->i = at;
        return tz_errf(c->e, TZ_E_FORMAT,
                       "'%s': %zu. bayttaki dizgi %llu bayt olduğunu söylüyor, dosyada %zu bayt kalmış. Dosya "
                       "yarım kalmış ya da bozuk.",
                       "'%s': the string at byte %zu claims %llu bytes, the file has %zu left. The file is "
                       "truncated or damaged.",
                       c->file, at, (unsigned long long)*len, c->n - c->i - 8);
    }
    *s = c->u + c->i;
    c->i += (size_t)*len;
    return 0;
}

/* A value of type t at the cursor, for key (messages). Arrays recurse, depth-limited. With kv
 * (the top level), the value is kept; nested arrays are only checked. */
static int value(Cur *c, GgufVType t, const char *key, int depth, GgufKV *kv)
{
    if ((unsigned)t >= GGUF_NVTYPES)
        return tz_errf(c->e, TZ_E_FORMAT, "'%s': '%s' anahtarının değer türü %u bilinmiyor (GGUF'ta 0…12).",
                       "'%s': key '%s' has an unknown value type %u (GGUF's are 0…12).", c->file, key, (unsigned)t);
    if (t == GGUF_STRING) {
        const unsigned char *s;
        uint64_t len;
        if (rd_str(c, &s, &len, "dizgi", "a string")) return TZ_E_FORMAT;
        if (kv) {
            kv->str = tz_malloc((size_t)len + 1);
            memcpy(kv->str, s, (size_t)len);
            kv->str[len] = '\0';
            kv->len = (size_t)len;
        }
        return 0;
    }
    if (t != GGUF_ARRAY) {
        unsigned char b[8] = {0};
        size_t at = c->i;
        if (rd(c, b, vtype_sizes[t], "değer", "the value")) return TZ_E_FORMAT;
        if (t == GGUF_BOOL && b[0] > 1) {
            c->i = at;
            return tz_errf(c->e, TZ_E_FORMAT, "'%s': '%s' anahtarı BOOL ama değeri %u (0 ya da 1 olmalı), %zu. bayt.",
                           "'%s': key '%s' is a BOOL but holds %u (must be 0 or 1), byte %zu.", c->file, key,
                           (unsigned)b[0], at);
        }
        if (kv) {
            uint8_t u8; int8_t i8; uint16_t u16; int16_t i16; uint32_t u32; int32_t i32; float f32;
            uint64_t u64; int64_t i64; double f64;
            switch (t) {
            case GGUF_UINT8: memcpy(&u8, b, 1); kv->u = u8; kv->i = u8; kv->f = u8; break;
            case GGUF_BOOL: memcpy(&u8, b, 1); kv->u = u8; kv->i = u8; kv->f = u8; break;
            case GGUF_INT8: memcpy(&i8, b, 1); kv->i = i8; kv->f = i8; break;
            case GGUF_UINT16: memcpy(&u16, b, 2); kv->u = u16; kv->i = u16; kv->f = u16; break;
            case GGUF_INT16: memcpy(&i16, b, 2); kv->i = i16; kv->f = i16; break;
            case GGUF_UINT32: memcpy(&u32, b, 4); kv->u = u32; kv->i = u32; kv->f = u32; break;
            case GGUF_INT32: memcpy(&i32, b, 4); kv->i = i32; kv->f = i32; break;
            case GGUF_FLOAT32: memcpy(&f32, b, 4); kv->f = f32; break;
            case GGUF_UINT64: memcpy(&u64, b, 8); kv->u = u64; kv->i = u64 > INT64_MAX ? INT64_MAX : (int64_t)u64; kv->f = (double)u64; break;
            case GGUF_INT64: memcpy(&i64, b, 8); kv->i = i64; kv->f = (double)i64; break;
            case GGUF_FLOAT64: memcpy(&f64, b, 8); kv->f = f64; break;
            default: break;
            }
            if (t == GGUF_INT8 || t == GGUF_INT16 || t == GGUF_INT32 || t == GGUF_INT64)
                kv->u = kv->i >= 0 ? (uint64_t)kv->i : 0;
        }
        return 0;
    }
    /* an array: element type, count, elements */
    if (depth >= GGUF_MAX_DEPTH)
        return tz_errf(c->e, TZ_E_FORMAT,
                       "'%s': '%s' anahtarında %zu. baytta diziler %d düzeyden derin iç içe; böyle bir GGUF yok.",
                       "'%s': key '%s', at byte %zu, nests arrays more than %d levels deep; no GGUF does that.",
                       c->file, key, c->i, GGUF_MAX_DEPTH);
    uint32_t at = 0;
    uint64_t cnt = 0;
    if (RD(c, at, "dizinin öğe türü", "the array's element type") || RD(c, cnt, "dizinin boyu", "the array's count"))
        return TZ_E_FORMAT;
    if (at >= GGUF_NVTYPES)
        return tz_errf(c->e, TZ_E_FORMAT, "'%s': '%s' dizisinin öğe türü %u bilinmiyor (GGUF'ta 0…12).",
                       "'%s': array '%s' has an unknown element type %u (GGUF's are 0…12).", c->file, key, at);
    /* the least bytes one element can take: its size, a string's length field, an array's
     * type and count: the count must fit in the bytes left before anything is allocated */
    size_t min = at == GGUF_STRING ? 8 : at == GGUF_ARRAY ? 12 : vtype_sizes[at];
    if (cnt > (c->n - c->i) / min)
        return tz_errf(c->e, TZ_E_FORMAT,
                       "'%s': '%s' dizisi %llu öğe (%s) olduğunu söylüyor; bu en az %llu bayt ister, dosyada %zu "
                       "bayt kalmış. Dosya bozuk ya da yarım.",
                       "'%s': array '%s' claims %llu elements (%s); that needs at least %llu bytes, the file has "
                       "%zu left. The file is damaged or truncated.",
                       c->file, key, (unsigned long long)cnt, vtype_names[at],
                       cnt > UINT64_MAX / min ? (unsigned long long)UINT64_MAX : (unsigned long long)(cnt * min),
                       c->n - c->i);
    const unsigned char *start = c->u + c->i;
    if (kv) {
        kv->atype = (GgufVType)at;
        kv->n = cnt;
        kv->adata = start;
        if (at == GGUF_STRING) kv->soff = tz_malloc((size_t)(cnt ? cnt : 1) * sizeof *kv->soff);
    }
    if (at != GGUF_STRING && at != GGUF_ARRAY) {
        if (at == GGUF_BOOL)
            for (uint64_t k = 0; k < cnt; k++)
                if (start[k] > 1)
                    return tz_errf(c->e, TZ_E_FORMAT,
                                   "'%s': '%s' dizisinin %llu. öğesi BOOL ama değeri %u (0 ya da 1 olmalı).",
                                   "'%s': array '%s', element %llu, is a BOOL but holds %u (must be 0 or 1).",
                                   c->file, key, (unsigned long long)k, (unsigned)start[k]);
        c->i += (size_t)(cnt * min);
        return 0;
    }
    for (uint64_t k = 0; k < cnt; k++) {
        if (kv && at == GGUF_STRING) kv->soff[k] = (uint64_t)(c->u + c->i - start);
        if (value(c, (GgufVType)at, key, depth + 1, NULL)) return TZ_E_FORMAT;
    }
    return 0;
}

/* ---- parsing ------------------------------------------------------------------------------ */

static int kv_by_key(const void *a, const void *b)
{
    return strcmp((*(const GgufKV *const *)a)->key, (*(const GgufKV *const *)b)->key);
}

static int t_by_name(const void *a, const void *b)
{
    return strcmp(((const GgufTensor *)a)->name, ((const GgufTensor *)b)->name);
}

static int t_by_offset(const void *a, const void *b)
{
    const GgufTensor *x = *(const GgufTensor *const *)a, *y = *(const GgufTensor *const *)b;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* "[2, 32]" in the order given */
static void dims_str(char *s, size_t cap, int nd, const uint64_t *d)
{
    size_t l = (size_t)snprintf(s, cap, "[");
    for (int k = 0; k < nd && l < cap; k++)
        l += (size_t)snprintf(s + l, cap - l, "%s%llu", k ? ", " : "", (unsigned long long)d[k]);
    if (l < cap) snprintf(s + l, cap - l, "]");
}

/* One tensor info at the cursor into t (its range is checked later, once the data section is known). */
static int tensor_info(Cur *c, GgufTensor *t, uint64_t *off)
{
    const unsigned char *s;
    uint64_t len;
    size_t at = c->i;
    if (rd_str(c, &s, &len, "tensör adı", "a tensor name")) return TZ_E_FORMAT;
    if (len == 0 || len > GGUF_MAX_NAME || memchr(s, 0, (size_t)len))
        return tz_errf(c->e, TZ_E_FORMAT,
                       "'%s': %zu. bayttaki tensör adı geçersiz (%llu bayt; 1 ile %d bayt arasında olmalı, NUL "
                       "içermemeli).",
                       "'%s': the tensor name at byte %zu is invalid (%llu bytes; it must be 1 to %d bytes, "
                       "without NUL).",
                       c->file, at, (unsigned long long)len, GGUF_MAX_NAME);
    t->name = tz_strndup((const char *)s, (size_t)len);
    uint32_t nd = 0;
    if (RD(c, nd, "boyut sayısı", "the number of dimensions")) return TZ_E_FORMAT;
    if (nd < 1 || nd > GGUF_MAX_DIMS)
        return tz_errf(c->e, TZ_E_FORMAT, "'%s': '%s' tensörünün %u boyutu var; GGUF'ta 1 ile %d arası olur.",
                       "'%s': tensor '%s' has %u dimensions; GGUF allows 1 to %d.", c->file, t->name, nd,
                       GGUF_MAX_DIMS);
    t->ndim = (int)nd;
    for (int k = 0; k < t->ndim; k++)
        if (RD(c, t->ne[k], "boyut", "a dimension")) return TZ_E_FORMAT;
    for (int k = 0; k < t->ndim; k++) t->shape[k] = t->ne[t->ndim - 1 - k];
    if (RD(c, t->type, "tensör türü", "the tensor type") || RD(c, *off, "tensör konumu", "the tensor offset"))
        return TZ_E_FORMAT;
    if (!readable(t->type))
        return tz_errf(c->e, TZ_E_FORMAT,
                       "'%s': '%s' tensörü %s türünde (ggml türü %u); tezgah yalnızca F32, F16, BF16 ve Q8_0 "
                       "okuyabiliyor. Modeli bunlardan birine çevirin (llama.cpp: llama-quantize … Q8_0).",
                       "'%s': tensor '%s' is of type %s (ggml type %u); tezgah reads only F32, F16, BF16 and "
                       "Q8_0. Convert the model to one of them (llama.cpp: llama-quantize … Q8_0).",
                       c->file, t->name, gguf_ggml_name(t->type), t->type);
    /* the element count, computed only while it stays ≤ the file's size (every type here takes
     * more than 0.9 bytes a value, so a bigger tensor cannot fit): no overflow */
    uint64_t count = 1;
    int too_big = 0;
    for (int k = 0; k < t->ndim; k++)
        if (t->ne[k] == 0) count = 0;
    for (int k = 0; k < t->ndim && count; k++) {
        if (t->ne[k] > (uint64_t)c->n / count) {
            too_big = 1;
            break;
        }
        count *= t->ne[k];
    }
    char dims[128];
    dims_str(dims, sizeof dims, t->ndim, t->ne);
    if (too_big)
        return tz_errf(c->e, TZ_E_FORMAT,
                       "'%s': '%s' tensörünün boyutları %s (ggml sırası) dosyanın tamamından (%zu bayt) büyük bir "
                       "tensör tanımlıyor.",
                       "'%s': tensor '%s' has dimensions %s (ggml order), larger than the whole file (%zu bytes).",
                       c->file, t->name, dims, c->n);
    if (t->type == GGML_Q8_0 && t->ne[0] % GGML_Q8_0_BLOCK)
        return tz_errf(c->e, TZ_E_FORMAT,
                       "'%s': '%s' tensörü Q8_0 ama satır boyu %llu, 32'nin katı değil (boyutlar %s).",
                       "'%s': tensor '%s' is Q8_0 but its row length %llu is not a multiple of 32 (dimensions %s).",
                       c->file, t->name, (unsigned long long)t->ne[0], dims);
    t->count = count;
    t->nbytes = type_bytes(t->type, count);
    return 0;
}

int gguf_parse(GgufFile *f, const char *data, size_t n, const char *name, TzErr *e)
{
    memset(f, 0, sizeof *f);
    f->name = tz_strdup(name);
    f->alignment = GGUF_DEFAULT_ALIGNMENT;
    Cur c = {(const unsigned char *)data, n, 0, f->name, e};
    int rc = TZ_E_FORMAT, capkv = 0;
    uint64_t *off = NULL;
    if (n < 24) {
        rc = tz_errf(e, TZ_E_FORMAT,
                     "'%s' yalnızca %zu bayt; bir GGUF dosyası 24 baytlık bir başlıkla başlar. Dosya yarım kalmış.",
                     "'%s' is only %zu bytes; a GGUF file starts with a 24-byte header. The file is truncated.",
                     name, n);
        goto fail;
    }
    if (memcmp(data, "GGUF", 4) != 0) {
        unsigned char *m = (unsigned char *)data;
        rc = tz_errf(e, TZ_E_FORMAT,
                     "'%s' bir GGUF dosyası değil: ilk baytlar %02X %02X %02X %02X, \"GGUF\" olmalıydı.",
                     "'%s' is not a GGUF file: it starts with bytes %02X %02X %02X %02X, not \"GGUF\".", name, m[0],
                     m[1], m[2], m[3]);
        goto fail;
    }
    c.i = 4;
    uint64_t nt, nkv;
    RD(&c, f->version, "", "");
    RD(&c, nt, "", "");
    RD(&c, nkv, "", "");
    if (f->version == 1) {
        rc = tz_errf(e, TZ_E_FORMAT,
                     "'%s' GGUF sürüm 1 (32 bitlik sayaçlarla, 2023 ağustosundan) ve artık desteklenmiyor; "
                     "llama.cpp'nin yeni bir sürümüyle yeniden dönüştürün.",
                     "'%s' is GGUF version 1 (32-bit counts, from August 2023), no longer supported; convert it "
                     "again with a recent llama.cpp.",
                     name);
        goto fail;
    }
    if (f->version != 2 && f->version != 3) {
        rc = tz_errf(e, TZ_E_FORMAT, "'%s': GGUF sürümü %u bilinmiyor (okunabilenler: 2 ve 3).",
                     "'%s': unknown GGUF version %u (readable: 2 and 3).", name, f->version);
        goto fail;
    }
    /* the counts against the least bytes each entry takes: no count can make us allocate more
     * than the file justifies, or overflow a size */
    if (nkv > (n - 24) / 13 || nt > (n - 24) / 24) {
        rc = tz_errf(e, TZ_E_FORMAT,
                     "'%s': başlık %llu tensör ve %llu anahtar-değer olduğunu söylüyor; bunlar en az %llu bayt "
                     "ister, dosya %zu bayt. Dosya bozuk ya da yarım.",
                     "'%s': the header claims %llu tensors and %llu key-values; they need at least %llu bytes, "
                     "the file has %zu. The file is damaged or truncated.",
                     name, (unsigned long long)nt, (unsigned long long)nkv,
                     nt > UINT64_MAX / 64 || nkv > UINT64_MAX / 64 ? (unsigned long long)UINT64_MAX
                                                                   : (unsigned long long)(24 + 24 * nt + 13 * nkv),
                     n);
        goto fail;
    }
    /* the metadata */
    for (uint64_t k = 0; k < nkv; k++) {
        const unsigned char *s;
        uint64_t len;
        size_t at = c.i;
        if (rd_str(&c, &s, &len, "anahtar", "a key")) goto fail;
        if (len == 0 || len > 65535 || memchr(s, 0, (size_t)len)) {
            rc = tz_errf(e, TZ_E_FORMAT,
                         "'%s': %zu. bayttaki anahtar geçersiz (%llu bayt; 1 ile 65535 bayt arasında olmalı, NUL "
                         "içermemeli).",
                         "'%s': the key at byte %zu is invalid (%llu bytes; it must be 1 to 65535 bytes, without "
                         "NUL).",
                         name, at, (unsigned long long)len);
            goto fail;
        }
        if (f->nkv == capkv) {
            capkv = capkv ? 2 * capkv : 32;
            f->kv = tz_realloc(f->kv, (size_t)capkv * sizeof *f->kv);
        }
        GgufKV *kv = &f->kv[f->nkv++];
        memset(kv, 0, sizeof *kv);
        kv->key = tz_strndup((const char *)s, (size_t)len);
        uint32_t type = 0;
        if (RD(&c, type, "değer türü", "the value type")) goto fail;
        kv->type = (GgufVType)type;
        if (value(&c, kv->type, kv->key, 0, kv)) goto fail;
        if (strcmp(kv->key, "general.alignment") == 0) {
            if (kv->type != GGUF_UINT32 || kv->u == 0 || (kv->u & (kv->u - 1)) || kv->u > (1u << 30)) {
                rc = tz_errf(e, TZ_E_FORMAT,
                             "'%s': general.alignment geçersiz (tür %s, değer %llu); 2'nin bir kuvveti olan bir "
                             "UINT32 olmalı.",
                             "'%s': general.alignment is invalid (type %s, value %llu); it must be a UINT32 power "
                             "of two.",
                             name, gguf_vtype_name(kv->type), (unsigned long long)kv->u);
                goto fail;
            }
            f->alignment = (uint32_t)kv->u;
        }
    }
    if (f->nkv > 1) {   /* duplicate keys, through a sorted copy of pointers */
        const GgufKV **o = tz_malloc((size_t)f->nkv * sizeof *o);
        for (int k = 0; k < f->nkv; k++) o[k] = &f->kv[k];
        qsort(o, (size_t)f->nkv, sizeof *o, kv_by_key);
        const char *dup = NULL;
        for (int k = 1; k < f->nkv && !dup; k++)
            if (strcmp(o[k - 1]->key, o[k]->key) == 0) dup = o[k]->key;
        free(o);
        if (dup) {
            rc = tz_errf(e, TZ_E_FORMAT, "'%s': '%s' anahtarı iki kez var.", "'%s': key '%s' appears twice.", name,
                         dup);
            goto fail;
        }
    }
    /* the tensor infos */
    f->t = tz_calloc(nt ? (size_t)nt : 1, sizeof *f->t);   /* nt ≤ n/24: justified by the file */
    off = tz_calloc(nt ? (size_t)nt : 1, sizeof *off);
    for (uint64_t k = 0; k < nt; k++) {
        f->n++;
        if (tensor_info(&c, &f->t[k], &off[k])) goto fail;
    }
    /* the data section starts at the next multiple of the alignment */
    uint64_t a = f->alignment, ds = ((uint64_t)c.i + a - 1) / a * a;
    if (nt > 0 && ds > n) {
        rc = tz_errf(e, TZ_E_FORMAT,
                     "'%s': tensör tablosu %zu. baytta bitiyor, veri %llu. baytta başlamalı ama dosya %zu bayt. "
                     "Dosya yarım kalmış.",
                     "'%s': the tensor table ends at byte %zu, the data should start at byte %llu, but the file "
                     "has %zu bytes. The file is truncated.",
                     name, c.i, (unsigned long long)ds, n);
        goto fail;
    }
    f->data_start = (size_t)(ds < n ? ds : n);
    uint64_t dlen = n - f->data_start;
    for (int k = 0; k < f->n; k++) {
        GgufTensor *t = &f->t[k];
        if (off[k] % a) {
            rc = tz_errf(e, TZ_E_FORMAT,
                         "'%s': '%s' tensörünün konumu %llu, hizalamanın (%llu) katı değil: dosya hizalama "
                         "konusunda yalan söylüyor. Dosya bozuk.",
                         "'%s': tensor '%s' is at offset %llu, not a multiple of the alignment (%llu): the file "
                         "lies about its alignment. The file is damaged.",
                         name, t->name, (unsigned long long)off[k], (unsigned long long)a);
            goto fail;
        }
        if (off[k] > dlen || t->nbytes > dlen - off[k]) {
            rc = tz_errf(e, TZ_E_FORMAT,
                         "'%s': '%s' tensörü (%s, %zu bayt) veri bölümündeki %llu konumunda başlıyor, ama veri "
                         "bölümü %llu bayt. Dosya yarım kalmış ya da bozuk.",
                         "'%s': tensor '%s' (%s, %zu bytes) starts at offset %llu of the data section, which has "
                         "%llu bytes. The file is truncated or damaged.",
                         name, t->name, gguf_ggml_name(t->type), t->nbytes, (unsigned long long)off[k],
                         (unsigned long long)dlen);
            goto fail;
        }
        t->offset = f->data_start + (size_t)off[k];
        t->data = c.u + t->offset;
    }
    free(off);
    off = NULL;
    if (f->n > 1) {
        qsort(f->t, (size_t)f->n, sizeof *f->t, t_by_name);
        for (int k = 1; k < f->n; k++)
            if (strcmp(f->t[k - 1].name, f->t[k].name) == 0) {
                rc = tz_errf(e, TZ_E_FORMAT, "'%s': '%s' tensörü iki kez var.", "'%s': tensor '%s' appears twice.",
                             name, f->t[k].name);
                goto fail;
            }
        /* no byte in two tensors (empty ones own none) */
        const GgufTensor **o = tz_malloc((size_t)f->n * sizeof *o);
        int m = 0;
        for (int k = 0; k < f->n; k++)
            if (f->t[k].nbytes) o[m++] = &f->t[k];
        qsort(o, (size_t)m, sizeof *o, t_by_offset);
        rc = 0;
        for (int k = 1; k < m && !rc; k++)
            if (o[k]->offset < o[k - 1]->offset + o[k - 1]->nbytes)
                rc = tz_errf(e, TZ_E_FORMAT,
                             "'%s': '%s' ve '%s' tensörleri dosyada aynı baytları paylaşıyor (%zu. bayttan "
                             "başlayarak); her tensörün kendi yeri olmalı.",
                             "'%s': tensors '%s' and '%s' share bytes of the file (from byte %zu); each tensor "
                             "must have its own.",
                             name, o[k - 1]->name, o[k]->name, o[k]->offset);
        free(o);
        if (rc) goto fail;
    }
    return 0;
fail:
    free(off);
    gguf_free(f);
    return rc ? rc : TZ_E_FORMAT;
}

void gguf_free(GgufFile *f)
{
    for (int k = 0; k < f->nkv; k++) {
        free(f->kv[k].key);
        free(f->kv[k].str);
        free(f->kv[k].soff);
    }
    for (int k = 0; k < f->n; k++) free(f->t[k].name);
    free(f->kv);
    free(f->t);
    free(f->name);
    memset(f, 0, sizeof *f);
}

const GgufTensor *gguf_find(const GgufFile *f, const char *name)
{
    int lo = 0, hi = f->n - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2, c = strcmp(f->t[mid].name, name);
        if (c == 0) return &f->t[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid - 1;
    }
    return NULL;
}

const GgufKV *gguf_kv(const GgufFile *f, const char *key)
{
    for (int k = 0; k < f->nkv; k++)
        if (strcmp(f->kv[k].key, key) == 0) return &f->kv[k];
    return NULL;
}

/* ---- typed reads -------------------------------------------------------------------------- */

static int absent(const GgufFile *f, const char *key, TzErr *e)
{
    return tz_errf(e, TZ_E_NOTFOUND, "'%s': '%s' anahtarı yok.", "'%s': there is no key '%s'.", f->name, key);
}

static int wrong_type(const GgufFile *f, const GgufKV *kv, const char *want_tr, const char *want_en, TzErr *e)
{
    char keep[sizeof e->tr];
    for (int pass = 0; pass < 2; pass++) {
        tz_errf(e, TZ_E_FORMAT, "'%s': '%s' anahtarı %s türünde; %s bekleniyordu.",
                "'%s': key '%s' is of type %s; %s was expected.", f->name, kv->key, gguf_vtype_name(kv->type),
                pass ? want_en : want_tr);
        if (e && pass == 0) memcpy(keep, e->tr, sizeof keep);
    }
    if (e) memcpy(e->tr, keep, sizeof keep);
    return TZ_E_FORMAT;
}

static int is_int(GgufVType t)
{
    return t == GGUF_UINT8 || t == GGUF_INT8 || t == GGUF_UINT16 || t == GGUF_INT16 || t == GGUF_UINT32 ||
           t == GGUF_INT32 || t == GGUF_UINT64 || t == GGUF_INT64;
}

int gguf_get_uint(const GgufFile *f, const char *key, uint64_t *v, TzErr *e)
{
    const GgufKV *kv = gguf_kv(f, key);
    if (!kv) return absent(f, key, e);
    int neg = (kv->type == GGUF_INT8 || kv->type == GGUF_INT16 || kv->type == GGUF_INT32 || kv->type == GGUF_INT64) &&
              kv->i < 0;
    if (!is_int(kv->type) || neg)
        return wrong_type(f, kv, "negatif olmayan bir tamsayı", "a non-negative integer", e);
    *v = kv->u;
    return 0;
}

int gguf_get_float(const GgufFile *f, const char *key, double *v, TzErr *e)
{
    const GgufKV *kv = gguf_kv(f, key);
    if (!kv) return absent(f, key, e);
    if (!is_int(kv->type) && kv->type != GGUF_FLOAT32 && kv->type != GGUF_FLOAT64)
        return wrong_type(f, kv, "bir sayı", "a number", e);
    *v = kv->f;
    return 0;
}

int gguf_get_str(const GgufFile *f, const char *key, const char **s, TzErr *e)
{
    const GgufKV *kv = gguf_kv(f, key);
    if (!kv) return absent(f, key, e);
    if (kv->type != GGUF_STRING) return wrong_type(f, kv, "bir dizgi (STRING)", "a STRING", e);
    *s = kv->str;
    return 0;
}

const char *gguf_arr_str(const GgufKV *kv, uint64_t i, size_t *len)
{
    if (kv->type != GGUF_ARRAY || kv->atype != GGUF_STRING || i >= kv->n) return NULL;
    uint64_t l;
    memcpy(&l, kv->adata + kv->soff[i], 8);
    if (len) *len = (size_t)l;
    return (const char *)kv->adata + kv->soff[i] + 8;
}

double gguf_arr_num(const GgufKV *kv, uint64_t i)
{
    if (kv->type != GGUF_ARRAY || i >= kv->n) return NAN;
    const unsigned char *p = kv->adata + i * vtype_sizes[kv->atype < GGUF_NVTYPES ? kv->atype : 0];
    uint8_t u8; int8_t i8; uint16_t u16; int16_t i16; uint32_t u32; int32_t i32; float f32;
    uint64_t u64; int64_t i64; double f64;
    switch (kv->atype) {
    case GGUF_UINT8: case GGUF_BOOL: memcpy(&u8, p, 1); return u8;
    case GGUF_INT8: memcpy(&i8, p, 1); return i8;
    case GGUF_UINT16: memcpy(&u16, p, 2); return u16;
    case GGUF_INT16: memcpy(&i16, p, 2); return i16;
    case GGUF_UINT32: memcpy(&u32, p, 4); return u32;
    case GGUF_INT32: memcpy(&i32, p, 4); return i32;
    case GGUF_FLOAT32: memcpy(&f32, p, 4); return f32;
    case GGUF_UINT64: memcpy(&u64, p, 8); return (double)u64;
    case GGUF_INT64: memcpy(&i64, p, 8); return (double)i64;
    case GGUF_FLOAT64: memcpy(&f64, p, 8); return f64;
    default: return NAN;
    }
}

/* ---- LLaMA -------------------------------------------------------------------------------- */

/* bounds that keep every size a model computes from these in range (and are far beyond any
 * LLaMA: 405B has D 16384, F 53248, L 126, V 128256, context 131072) */
#define MAX_D (1 << 16)
#define MAX_F (1 << 20)
#define MAX_L (1 << 12)
#define MAX_V (1 << 24)
#define MAX_C (1 << 24)

static const char *const layer_names[9] = {"attn_norm", "attn_q", "attn_k", "attn_v", "attn_output",
                                           "ffn_norm", "ffn_gate", "ffn_up", "ffn_down"};

int gguf_llama_ntensors(const GgufLlama *c) { return 3 + 9 * c->n_layers; }

void gguf_llama_tensor(const GgufLlama *c, int i, char *name, size_t cap, int *ndim, uint64_t shape[2])
{
    uint64_t D = (uint64_t)c->dim, F = (uint64_t)c->hidden_dim, V = (uint64_t)c->vocab_size;
    uint64_t KVD = D / (uint64_t)c->n_heads * (uint64_t)c->n_kv_heads;
    int last = 3 + 9 * c->n_layers - 1;
    TZ_ASSERT(i >= 0 && i <= last);
    if (i == 0 || i == last) {
        snprintf(name, cap, i == 0 ? "token_embd.weight" : "output.weight");
        *ndim = 2, shape[0] = V, shape[1] = D;              /* V × D */
        return;
    }
    if (i == last - 1) {
        snprintf(name, cap, "output_norm.weight");
        *ndim = 1, shape[0] = D, shape[1] = 0;
        return;
    }
    int l = (i - 1) / 9, k = (i - 1) % 9;
    snprintf(name, cap, "blk.%d.%s.weight", l, layer_names[k]);
    static const int nd[9] = {1, 2, 2, 2, 2, 1, 2, 2, 2};
    uint64_t rows[9] = {D, D, KVD, KVD, D, D, F, F, D}, cols[9] = {0, D, D, D, D, 0, D, D, F};
    *ndim = nd[k], shape[0] = rows[k], shape[1] = cols[k];  /* Out × In */
}

/* key → int in [lo, hi]; def < 0 makes it required */
static int get_int(const GgufFile *f, const char *key, long lo, long hi, long def, int *v, TzErr *e)
{
    uint64_t u;
    int rc = gguf_get_uint(f, key, &u, e);
    if (rc == TZ_E_NOTFOUND && def >= 0) {
        *v = (int)def;
        return 0;
    }
    if (rc == TZ_E_NOTFOUND)
        return tz_errf(e, TZ_E_FORMAT, "'%s': LLaMA için gereken '%s' anahtarı yok.",
                       "'%s': the key '%s', which a LLaMA needs, is missing.", f->name, key);
    if (rc) return rc;
    if (u < (uint64_t)lo || u > (uint64_t)hi)
        return tz_errf(e, TZ_E_FORMAT, "'%s': %s = %llu anlamsız (%ld ile %ld arasında olmalı).",
                       "'%s': %s = %llu is absurd (it must be between %ld and %ld).", f->name, key,
                       (unsigned long long)u, lo, hi);
    *v = (int)u;
    return 0;
}

int gguf_llama_config(const GgufFile *f, GgufLlama *c, TzErr *e)
{
    memset(c, 0, sizeof *c);
    const char *arch;
    int rc = gguf_get_str(f, "general.architecture", &arch, e);
    if (rc) return rc == TZ_E_NOTFOUND ? tz_errf(e, TZ_E_FORMAT,
                                                 "'%s': general.architecture yok; hangi model olduğu bilinemiyor.",
                                                 "'%s': there is no general.architecture; the model is unknown.",
                                                 f->name)
                                       : rc;
    if (strcmp(arch, "llama") != 0)
        return tz_errf(e, TZ_E_FORMAT, "'%s' bir '%.40s' modeli; tezgah GGUF'tan yalnızca 'llama' okuyabiliyor.",
                       "'%s' is a '%.40s' model; tezgah reads only 'llama' from GGUF.", f->name, arch);
    if ((rc = get_int(f, "llama.embedding_length", 1, MAX_D, -1, &c->dim, e)) ||
        (rc = get_int(f, "llama.block_count", 1, MAX_L, -1, &c->n_layers, e)) ||
        (rc = get_int(f, "llama.feed_forward_length", 1, MAX_F, -1, &c->hidden_dim, e)) ||
        (rc = get_int(f, "llama.attention.head_count", 1, MAX_D, -1, &c->n_heads, e)) ||
        (rc = get_int(f, "llama.attention.head_count_kv", 1, MAX_D, c->n_heads, &c->n_kv_heads, e)) ||
        (rc = get_int(f, "llama.context_length", 1, MAX_C, -1, &c->seq_len, e)))
        return rc;
    double theta = 10000, eps = 1e-5;
    if ((rc = gguf_get_float(f, "llama.rope.freq_base", &theta, e)) && rc != TZ_E_NOTFOUND) return rc;
    if ((rc = gguf_get_float(f, "llama.attention.layer_norm_rms_epsilon", &eps, e)) && rc != TZ_E_NOTFOUND)
        return rc;
    if (!(theta > 1 && theta < 1e12) || !(eps > 0 && eps < 1))
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s': llama.rope.freq_base = %g ya da llama.attention.layer_norm_rms_epsilon = %g anlamsız.",
                       "'%s': llama.rope.freq_base = %g or llama.attention.layer_norm_rms_epsilon = %g is absurd.",
                       f->name, theta, eps);
    c->rope_theta = (float)theta;
    c->norm_eps = (float)eps;
    if (c->dim % c->n_heads || (c->dim / c->n_heads) % 2 || c->n_heads % c->n_kv_heads)
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s': yapılandırma tutarsız: D = %d, NH = %d ile tam bölünmeli (baş boyu çift, RoPE için), "
                       "NH de KV başlarına (%d).",
                       "'%s': inconsistent configuration: D = %d must be divisible by NH = %d (into an even head "
                       "size, for RoPE), and NH by the KV heads (%d).",
                       f->name, c->dim, c->n_heads, c->n_kv_heads);
    /* the vocabulary: said outright, else the tokenizer's, else the embedding's rows */
    const GgufKV *tk = gguf_kv(f, "tokenizer.ggml.tokens");
    const GgufTensor *emb = gguf_find(f, "token_embd.weight");
    long vdef = tk && tk->type == GGUF_ARRAY ? (long)(tk->n < MAX_V ? tk->n : MAX_V + 1)
                : emb && emb->ndim == 2 ? (long)(emb->ne[1] < MAX_V ? emb->ne[1] : MAX_V + 1) : -1;
    if ((rc = get_int(f, "llama.vocab_size", 1, MAX_V, vdef, &c->vocab_size, e))) return rc;
    if (c->vocab_size < 1 || c->vocab_size > MAX_V)
        return tz_errf(e, TZ_E_FORMAT, "'%s': sözlük boyu %d anlamsız.", "'%s': the vocabulary size %d is absurd.",
                       f->name, c->vocab_size);
    /* every tensor against the configuration */
    char tname[64], got[96], want[96];
    for (int i = 0; i < gguf_llama_ntensors(c); i++) {
        int nd;
        uint64_t shape[2];
        gguf_llama_tensor(c, i, tname, sizeof tname, &nd, shape);
        const GgufTensor *t = gguf_find(f, tname);
        if (!t && i == gguf_llama_ntensors(c) - 1) {
            c->shared_classifier = 1;   /* no output.weight: the logits reuse token_embd */
            continue;
        }
        if (!t)
            return tz_errf(e, TZ_E_FORMAT, "'%s': LLaMA'nın '%s' tensörü dosyada yok.",
                           "'%s': LLaMA's tensor '%s' is not in the file.", f->name, tname);
        if (t->ndim != nd || t->shape[0] != shape[0] || (nd == 2 && t->shape[1] != shape[1])) {
            dims_str(got, sizeof got, t->ndim, t->shape);
            dims_str(want, sizeof want, nd, shape);
            return tz_errf(e, TZ_E_FORMAT,
                           "'%s': '%s' tensörü %s, ama üst veri %s diyor (embedding_length %d, feed_forward_length "
                           "%d, head_count %d, head_count_kv %d, sözlük %d). Boyutlar üst veriyle uyuşmuyor.",
                           "'%s': tensor '%s' is %s, but the metadata say %s (embedding_length %d, "
                           "feed_forward_length %d, head_count %d, head_count_kv %d, vocabulary %d). The dims "
                           "disagree with the metadata.",
                           f->name, tname, got, want, c->dim, c->hidden_dim, c->n_heads, c->n_kv_heads,
                           c->vocab_size);
        }
    }
    return 0;
}

void gguf_weights_free(GgufWeights *w)
{
    for (int k = 0; k < w->n; k++) free(w->w[k].name);
    free(w->w);
    free(w->mem);
    memset(w, 0, sizeof *w);
}

const GgufWeight *gguf_weights_find(const GgufWeights *w, const char *name)
{
    for (int k = 0; k < w->n; k++)
        if (strcmp(w->w[k].name, name) == 0) return &w->w[k];
    return NULL;
}

int gguf_llama_weights(const GgufFile *f, const GgufLlama *c, GgufWeights *w, TzErr *e)
{
    memset(w, 0, sizeof *w);
    int nt = gguf_llama_ntensors(c) - (c->shared_classifier ? 1 : 0);
    const GgufTensor **src = tz_malloc((size_t)nt * sizeof *src);
    char tname[64];
    uint64_t total = 0;
    for (int i = 0; i < nt; i++) {
        int nd;
        uint64_t shape[2];
        gguf_llama_tensor(c, i, tname, sizeof tname, &nd, shape);
        src[i] = gguf_find(f, tname);
        TZ_ASSERT(src[i] != NULL);   /* gguf_llama_config checked them all */
        total += src[i]->count;
    }
    double need = (double)total * 4, ram = tz_phys_bytes();
    if (ram > 0 && need > 0.8 * ram) {
        free(src);
        return tz_errf(e, TZ_E_NOMEM,
                       "'%s': ağırlıklar float32 olarak %.3g GB ister, bu makinede %.3g GB bellek var. Daha küçük "
                       "bir model deneyin.",
                       "'%s': the weights take %.3g GB as float32, this machine has %.3g GB of memory. Try a "
                       "smaller model.",
                       f->name, need / 1e9, ram / 1e9);
    }
    w->mem = tz_malloc((size_t)(total ? total : 1) * sizeof *w->mem);
    w->w = tz_calloc((size_t)nt, sizeof *w->w);
    float *p = w->mem;
    for (int i = 0; i < nt; i++) {
        GgufWeight *o = &w->w[w->n++];
        const GgufTensor *t = src[i];
        o->name = tz_strdup(t->name);
        o->ndim = t->ndim;
        memcpy(o->shape, t->shape, sizeof o->shape);
        o->count = t->count;
        o->data = p;
        gguf_read_f32(t, p);
        for (uint64_t k = 0; k < t->count; k++)
            if (!isfinite(p[k])) {
                int rc = tz_errf(e, TZ_E_FORMAT,
                                 "'%s': '%s' tensörünün %llu. öğesi bir sayı değil (%g). Ağırlıklar bozuk.",
                                 "'%s': tensor '%s', element %llu, is not a number (%g). The weights are damaged.",
                                 f->name, t->name, (unsigned long long)k, (double)p[k]);
                free(src);
                gguf_weights_free(w);
                return rc;
            }
        p += t->count;
    }
    free(src);
    return 0;
}

/* ---- the tokenizer ------------------------------------------------------------------------- */

void gguf_vocab_free(GgufVocab *v)
{
    for (int k = 0; v->tok && k < v->n; k++) free(v->tok[k]);
    free(v->tok);
    free(v->len);
    free(v->score);
    free(v->type);
    memset(v, 0, sizeof *v);
}

/* an array key that must hold n values of type t (absent is fine: 0) */
static int arr_of(const GgufFile *f, const char *key, GgufVType t, uint64_t n, const GgufKV **out, TzErr *e)
{
    const GgufKV *kv = gguf_kv(f, key);
    *out = NULL;
    if (!kv) return 0;
    if (kv->type != GGUF_ARRAY || kv->atype != t || kv->n != n)
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s': '%s' %llu öğelik bir %s dizisi olmalı (sözlükteki her belirteç için bir); dosyada "
                       "%s (%s, %llu öğe).",
                       "'%s': '%s' must be an array of %llu %s (one per token); the file has a %s (%s, %llu "
                       "elements).",
                       f->name, key, (unsigned long long)n, gguf_vtype_name(t), gguf_vtype_name(kv->type),
                       kv->type == GGUF_ARRAY ? gguf_vtype_name(kv->atype) : "-",
                       (unsigned long long)(kv->type == GGUF_ARRAY ? kv->n : 1));
    *out = kv;
    return 0;
}

int gguf_vocab(const GgufFile *f, GgufVocab *v, TzErr *e)
{
    memset(v, 0, sizeof *v);
    v->bos = v->eos = v->unk = -1;
    const GgufKV *tk = gguf_kv(f, "tokenizer.ggml.tokens"), *sc, *ty;
    if (!tk) return tz_errf(e, TZ_E_NOTFOUND, "'%s': dosyada sözlük (tokenizer.ggml.tokens) yok.",
                            "'%s': the file holds no vocabulary (tokenizer.ggml.tokens).", f->name);
    if (tk->type != GGUF_ARRAY || tk->atype != GGUF_STRING || tk->n < 1 || tk->n > MAX_V)
        return tz_errf(e, TZ_E_FORMAT, "'%s': tokenizer.ggml.tokens 1 ile %d arası dizgiden oluşan bir dizi olmalı.",
                       "'%s': tokenizer.ggml.tokens must be an array of 1 to %d strings.", f->name, MAX_V);
    int rc;
    if ((rc = arr_of(f, "tokenizer.ggml.scores", GGUF_FLOAT32, tk->n, &sc, e)) ||
        (rc = arr_of(f, "tokenizer.ggml.token_type", GGUF_INT32, tk->n, &ty, e)))
        return rc;
    int n = (int)tk->n;
    int *ids[3] = {&v->bos, &v->eos, &v->unk};
    static const char *const idkeys[3] = {"tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id",
                                          "tokenizer.ggml.unknown_token_id"};
    for (int k = 0; k < 3; k++) {
        uint64_t id;
        rc = gguf_get_uint(f, idkeys[k], &id, e);
        if (rc == TZ_E_NOTFOUND) continue;
        if (rc) return rc;
        if (id >= (uint64_t)n)
            return tz_errf(e, TZ_E_FORMAT, "'%s': %s = %llu sözlüğün (%d belirteç) dışında.",
                           "'%s': %s = %llu is outside the vocabulary (%d tokens).", f->name, idkeys[k],
                           (unsigned long long)id, n);
        *ids[k] = (int)id;
    }
    const char *model;
    if (gguf_get_str(f, "tokenizer.ggml.model", &model, NULL) == 0) snprintf(v->model, sizeof v->model, "%s", model);
    /* each string took ≥ 8 bytes of the file: these are bounded by it */
    v->n = n;
    v->tok = tz_calloc((size_t)n, sizeof *v->tok);
    v->len = tz_malloc((size_t)n * sizeof *v->len);
    v->score = tz_malloc((size_t)n * sizeof *v->score);
    v->type = tz_malloc((size_t)n * sizeof *v->type);
    for (int k = 0; k < n; k++) {
        size_t len = 0;
        const char *s = gguf_arr_str(tk, (uint64_t)k, &len);
        v->tok[k] = tz_malloc(len + 1);
        memcpy(v->tok[k], s, len);
        v->tok[k][len] = '\0';
        v->len[k] = len;
        v->score[k] = sc ? (float)gguf_arr_num(sc, (uint64_t)k) : 0.0f;
        v->type[k] = ty ? (int32_t)gguf_arr_num(ty, (uint64_t)k) : 1;
    }
    return 0;
}

int gguf_load_llama(const char *path, GgufLlama *c, GgufWeights *w, GgufVocab *voc, TzErr *e)
{
    memset(w, 0, sizeof *w);
    if (voc) memset(voc, 0, sizeof *voc);
    TzFile m;
    int rc = tz_file_map(&m, path, e);
    if (rc) return rc;
    GgufFile f;
    if ((rc = gguf_parse(&f, m.data, m.size, path, e)) == 0) {
        if ((rc = gguf_llama_config(&f, c, e)) == 0 && (rc = gguf_llama_weights(&f, c, w, e)) == 0 && voc &&
            (rc = gguf_vocab(&f, voc, e)) != 0)
            gguf_weights_free(w);
        gguf_free(&f);
    }
    tz_file_unmap(&m);
    return rc;
}

/* ---- writing ------------------------------------------------------------------------------ */

typedef struct {
    FILE *fp;
    int ok;
    uint64_t pos;
} Wr;

static void w_bytes(Wr *w, const void *p, size_t n)
{
    if (w->ok && n) w->ok = fwrite(p, 1, n, w->fp) == n;
    w->pos += n;
}
static void w_u32(Wr *w, uint32_t v) { w_bytes(w, &v, 4); }
static void w_u64(Wr *w, uint64_t v) { w_bytes(w, &v, 8); }
static void w_str(Wr *w, const char *s)
{
    w_u64(w, strlen(s));
    w_bytes(w, s, strlen(s));
}
static void w_pad(Wr *w, uint64_t a)
{
    static const unsigned char zero[64];
    while (w->pos % a) w_bytes(w, zero, (size_t)((a - w->pos % a) < 64 ? a - w->pos % a : 64));
}

static uint64_t out_count(const GgufOut *t)
{
    uint64_t c = 1;
    for (int d = 0; d < t->ndim; d++) c *= t->shape[d];
    return c;
}

int gguf_write(FILE *fp, const GgufKvOut *kv, int nkv, const GgufOut *t, int nt, uint32_t alignment, TzErr *e)
{
    Wr w = {fp, 1, 0};
    uint32_t a = alignment ? alignment : GGUF_DEFAULT_ALIGNMENT;
    TZ_ASSERT((a & (a - 1)) == 0);
    w_bytes(&w, "GGUF", 4);
    w_u32(&w, 3);
    w_u64(&w, (uint64_t)nt);
    w_u64(&w, (uint64_t)nkv + (alignment ? 1 : 0));
    if (alignment) {
        w_str(&w, "general.alignment");
        w_u32(&w, GGUF_UINT32);
        w_u32(&w, a);
    }
    for (int k = 0; k < nkv; k++) {
        w_str(&w, kv[k].key);
        w_u32(&w, kv[k].type);
        GgufVType et = kv[k].type == GGUF_ARRAY ? kv[k].atype : kv[k].type;
        uint64_t n = kv[k].type == GGUF_ARRAY ? kv[k].n : 1;
        TZ_ASSERT(et < GGUF_NVTYPES && et != GGUF_ARRAY);
        if (kv[k].type == GGUF_ARRAY) {
            w_u32(&w, et);
            w_u64(&w, n);
        }
        if (et == GGUF_STRING) {
            const char *const *s = kv[k].type == GGUF_ARRAY ? (const char *const *)kv[k].val
                                                            : (const char *const *)&kv[k].val;
            for (uint64_t i = 0; i < n; i++) w_str(&w, s[i]);
        } else {
            w_bytes(&w, kv[k].val, (size_t)(n * vtype_sizes[et]));
        }
    }
    uint64_t off = 0;
    for (int k = 0; k < nt; k++) {
        TZ_ASSERT(t[k].ndim >= 1 && t[k].ndim <= GGUF_MAX_DIMS && readable(t[k].type));
        TZ_ASSERT(t[k].type != GGML_Q8_0 || t[k].shape[t[k].ndim - 1] % GGML_Q8_0_BLOCK == 0);
        w_str(&w, t[k].name);
        w_u32(&w, (uint32_t)t[k].ndim);
        for (int d = t[k].ndim - 1; d >= 0; d--) w_u64(&w, t[k].shape[d]);   /* ggml order: innermost first */
        w_u32(&w, t[k].type);
        w_u64(&w, off);
        off += (type_bytes(t[k].type, out_count(&t[k])) + a - 1) / a * a;
    }
    w_pad(&w, a);
    unsigned char *buf = NULL;
    for (int k = 0; k < nt && w.ok; k++) {
        size_t cnt = (size_t)out_count(&t[k]), nb = type_bytes(t[k].type, cnt);
        buf = tz_realloc(buf, nb ? nb : 1);
        const float *x = t[k].data;
        if (t[k].type == GGML_F32) memcpy(buf, x, nb);
        else if (t[k].type == GGML_F16 || t[k].type == GGML_BF16)
            for (size_t i = 0; i < cnt; i++) {
                uint16_t h = t[k].type == GGML_F16 ? gguf_f32_to_f16(x[i]) : f32_to_bf16(x[i]);
                memcpy(buf + 2 * i, &h, 2);
            }
        else   /* Q8_0, as ggml's reference quantiser: d = max|x| / 127, q = round(x / d) */
            for (size_t b = 0; b < cnt / GGML_Q8_0_BLOCK; b++) {
                const float *xb = x + b * GGML_Q8_0_BLOCK;
                unsigned char *o = buf + b * GGML_Q8_0_BYTES;
                float amax = 0;
                for (int i = 0; i < GGML_Q8_0_BLOCK; i++) amax = fmaxf(amax, fabsf(xb[i]));
                float d = amax / 127.0f, id = d != 0 ? 1.0f / d : 0.0f;
                uint16_t h = gguf_f32_to_f16(d);
                memcpy(o, &h, 2);
                for (int i = 0; i < GGML_Q8_0_BLOCK; i++) o[2 + i] = (unsigned char)(int8_t)roundf(xb[i] * id);
            }
        w_bytes(&w, buf, nb);
        w_pad(&w, a);
    }
    free(buf);
    if (!w.ok) return tz_errf(e, TZ_E_IO, "GGUF yazılamadı (disk dolu mu?)", "cannot write the GGUF (is the disk full?)");
    return 0;
}

int gguf_write_llama(FILE *fp, const GgufLlama *c, const GgufWeights *w, const GgufVocab *voc, const char *name,
                     TzErr *e)
{
    uint32_t ctx = (uint32_t)c->seq_len, dim = (uint32_t)c->dim, L = (uint32_t)c->n_layers, F = (uint32_t)c->hidden_dim;
    uint32_t H = (uint32_t)c->n_heads, Hkv = (uint32_t)c->n_kv_heads, rope = dim / H, V = (uint32_t)c->vocab_size;
    float eps = c->norm_eps, theta = c->rope_theta;
    const char *arch = "llama", *tmodel = "llama";
    GgufKvOut kv[20];
    int nkv = 0;
#define KV(k, t, v) kv[nkv++] = (GgufKvOut){ k, t, 0, 0, v }
    KV("general.architecture", GGUF_STRING, arch);
    if (name) KV("general.name", GGUF_STRING, name);
    KV("llama.context_length", GGUF_UINT32, &ctx);
    KV("llama.embedding_length", GGUF_UINT32, &dim);
    KV("llama.block_count", GGUF_UINT32, &L);
    KV("llama.feed_forward_length", GGUF_UINT32, &F);
    KV("llama.attention.head_count", GGUF_UINT32, &H);
    KV("llama.attention.head_count_kv", GGUF_UINT32, &Hkv);
    KV("llama.rope.dimension_count", GGUF_UINT32, &rope);
    KV("llama.rope.freq_base", GGUF_FLOAT32, &theta);
    KV("llama.attention.layer_norm_rms_epsilon", GGUF_FLOAT32, &eps);
    KV("llama.vocab_size", GGUF_UINT32, &V);
    uint32_t bos = 0, eos = 0, unk = 0;
    if (voc) {
        KV("tokenizer.ggml.model", GGUF_STRING, tmodel);
        kv[nkv++] = (GgufKvOut){ "tokenizer.ggml.tokens", GGUF_ARRAY, GGUF_STRING, (uint64_t)voc->n, voc->tok };
        if (voc->score) kv[nkv++] = (GgufKvOut){ "tokenizer.ggml.scores", GGUF_ARRAY, GGUF_FLOAT32, (uint64_t)voc->n, voc->score };
        if (voc->type)
            kv[nkv++] = (GgufKvOut){ "tokenizer.ggml.token_type", GGUF_ARRAY, GGUF_INT32, (uint64_t)voc->n, voc->type };
        bos = (uint32_t)voc->bos, eos = (uint32_t)voc->eos, unk = (uint32_t)voc->unk;
        if (voc->bos >= 0) KV("tokenizer.ggml.bos_token_id", GGUF_UINT32, &bos);
        if (voc->eos >= 0) KV("tokenizer.ggml.eos_token_id", GGUF_UINT32, &eos);
        if (voc->unk >= 0) KV("tokenizer.ggml.unknown_token_id", GGUF_UINT32, &unk);
    }
#undef KV
    int nt = gguf_llama_ntensors(c);
    GgufOut *t = tz_calloc((size_t)nt, sizeof *t);
    char (*names)[GGUF_MAX_NAME] = tz_malloc((size_t)nt * sizeof *names);
    int k = 0;
    for (int i = 0; i < nt; i++) {
        int nd;
        uint64_t shape[2];
        gguf_llama_tensor(c, i, names[k], GGUF_MAX_NAME, &nd, shape);
        const GgufWeight *x = gguf_weights_find(w, names[k]);
        if (!x && c->shared_classifier && i == nt - 1) continue;   /* output.weight: tied to token_embd */
        TZ_ASSERT(x && x->count == shape[0] * (nd == 2 ? shape[1] : 1));
        t[k] = (GgufOut){ names[k], nd, { shape[0], shape[1] }, GGML_F32, x->data };
        k++;
    }
    int rc = gguf_write(fp, kv, nkv, t, k, 0, e);
    free(names);
    free(t);
    return rc;
}
