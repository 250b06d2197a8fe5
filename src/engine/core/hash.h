/* hash.h — string hashes. FNV-1a (Fowler–Noll–Vo): xor a byte in, multiply by a prime. */
#ifndef TZ_HASH_H
#define TZ_HASH_H

#include <stddef.h>
#include <stdint.h>

static inline uint64_t tz_hash64(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037ULL;           /* FNV-1a 64-bit offset basis */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;                       /* FNV 64-bit prime */
    }
    return h;
}

#endif
