/* ckpt.c — see ckpt.h. */
#include "formats/ckpt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"

void ck_put(CkBuf *b, const void *p, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2;
        b->b = tz_realloc(b->b, b->cap);
    }
    memcpy(b->b + b->n, p, n);
    b->n += n;
}

void ck_put_u32(CkBuf *b, uint32_t v)
{
    unsigned char x[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16), (unsigned char)(v >> 24) };
    ck_put(b, x, 4);
}

void ck_put_f32s(CkBuf *b, const float *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t v;
        memcpy(&v, &p[i], 4);
        ck_put_u32(b, v);
    }
}

void ck_put_str(CkBuf *b, const char *s)
{
    size_t n = strlen(s);
    ck_put_u32(b, (uint32_t)n);
    ck_put(b, s, n);
}

static int write_buf(FILE *f, void *ud, TzErr *e)
{
    (void)e;
    const CkBuf *b = ud;
    fwrite(b->b, 1, b->n, f);
    return 0;
}

int ck_save(CkBuf *b, const char *path, TzErr *e)
{
    ck_put_u32(b, tz_crc32(0, b->b, b->n));
    int rc = tz_save_atomic(path, write_buf, b, e);
    free(b->b);
    memset(b, 0, sizeof *b);
    return rc;
}

void ck_f32s(const unsigned char *p, float *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t v = ck_u32(p + 4 * i);
        memcpy(&out[i], &v, 4);
    }
}

int ck_crc_ok(const unsigned char *d, size_t n, uint32_t *want, uint32_t *got)
{
    if (n < 4) return 0;
    *want = ck_u32(d + n - 4);
    *got = tz_crc32(0, d, n - 4);
    return *want == *got;
}

int ck_check_head(const unsigned char *d, size_t n, const char *name, const char magic[8], const char *kind,
                  size_t head, uint32_t version, TzErr *e)
{
    char m[9];
    memcpy(m, magic, 8);
    m[8] = 0;   /* the magic, NUL-padded to 8 bytes, as text for the message */
    if (n < 8 || memcmp(d, magic, 8) != 0)
        return tz_errf(e, TZ_E_FORMAT, "'%s' bir tezgah %s dosyası değil (baştaki %s imzası yok).",
                       "'%s' is not a tezgah %s file (no %s magic at the start).", name, kind, m);
    /* the fixed header, the origin's length and the CRC at least: shorter, and n − 4 − off in the
     * readers would wrap around and let a forged length read past the end */
    if (n < head + 4 + 4)
        return tz_errf(e, TZ_E_FORMAT, "'%s', %zu. bayt: dosya başlıktan önce bitiyor (%zu bayt; kesik).",
                       "'%s', byte %zu: the file ends inside the header (%zu bytes; truncated).", name, n, n);
    uint32_t v = ck_u32(d + 8);
    if (v != version)
        return tz_errf(e, TZ_E_FORMAT, "'%s', %zu. bayt: sürüm %u; bu tezgah %d. sürümü okur.",
                       "'%s', byte %zu: version %u; this tezgah reads version %d.", name, (size_t)8, v, (int)version);
    return 0;
}

int ck_has_magic(const char *path, const char magic[8])
{
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    char head[8] = { 0 };
    size_t got = fread(head, 1, 8, f);
    fclose(f);
    return got == 8 && memcmp(head, magic, 8) == 0;
}
