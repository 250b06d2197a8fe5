/* ckpt.h — the pieces of tezgah's own checkpoint files (DESIGN.md §6): a growing byte buffer
 * that writes little-endian numbers, strings and float32 tensors, then appends the CRC-32 of
 * everything before it and saves the whole atomically; and, for loading, the little-endian
 * reads and the check of that CRC. The layouts themselves (what follows the 8-byte magic) belong
 * to each model: seqclf.c's is in seqclf.h. */
#ifndef TZ_CKPT_H
#define TZ_CKPT_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"

typedef struct {
    unsigned char *b;
    size_t n, cap;
} CkBuf;

void ck_put(CkBuf *b, const void *p, size_t n);
void ck_put_u32(CkBuf *b, uint32_t v);
void ck_put_f32s(CkBuf *b, const float *p, size_t n);
/* A string as u32 byte length, then its bytes (no NUL). */
void ck_put_str(CkBuf *b, const char *s);
/* Append the CRC-32 of the buffer so far, write it to path atomically, free the buffer. */
int ck_save(CkBuf *b, const char *path, TzErr *e);

static inline uint32_t ck_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
/* n float32 from p (little-endian) into out. */
void ck_f32s(const unsigned char *p, float *out, size_t n);
/* Do the last 4 bytes of d[0..n) hold the CRC-32 of the rest? want/got get both values. */
int ck_crc_ok(const unsigned char *d, size_t n, uint32_t *want, uint32_t *got);
/* Does the file at path start with these 8 bytes? */
int ck_has_magic(const char *path, const char magic[8]);
/* The start every tezgah checkpoint shares, checked: the 8-byte magic (kind names the model in
 * the message: "GPT", "BERT"), at least head bytes + the origin's length + the CRC, and the
 * format version at byte 8. 0, or TZ_E_FORMAT with e naming what was wrong. */
int ck_check_head(const unsigned char *d, size_t n, const char *name, const char magic[8], const char *kind,
                  size_t head, uint32_t version, TzErr *e);

#endif
