/* dna.c — see dna.h. */
#include "models/dna.h"
#include "core/io.h"

#include <stdlib.h>
#include <string.h>

DnaConfig dna_defaults(void)
{
    DnaConfig c = { .n = 2000, .min_len = 40, .max_len = 100, .motif = "TATAAA", .seed = 1 };
    return c;
}

int dna_base(char c)
{
    switch (c) {
    case 'A': case 'a': return 0;
    case 'C': case 'c': return 1;
    case 'G': case 'g': return 2;
    case 'T': case 't': return 3;
    default: return -1;
    }
}

long dna_encode(const char *text, int32_t *out, size_t cap, size_t *bad)
{
    long n = 0;
    for (size_t i = 0; text[i]; i++) {
        if (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r') continue;
        int b = dna_base(text[i]);
        if (b < 0) {
            if (bad) *bad = i;
            return -1;
        }
        if ((size_t)n < cap) out[n] = b;
        n++;
    }
    return n;
}

long dna_find(const int32_t *s, size_t n, const int32_t *motif, size_t m)
{
    if (m == 0 || m > n) return -1;
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(s + i, motif, m * sizeof *s) == 0) return (long)i;
    return -1;
}

static uint64_t next(uint64_t *r)
{
    *r = *r * 6364136223846793005ULL + 1442695040888963407ULL;
    return *r >> 33;
}

int dna_generate(const DnaConfig *cfg, SeqSet *out, int *where, TzErr *e)
{
    memset(out, 0, sizeof *out);
    size_t m = strlen(cfg->motif);
    int32_t motif[DNA_MOTIF_MAX];
    size_t bad = 0;
    if (m < 3 || m > DNA_MOTIF_MAX || dna_encode(cfg->motif, motif, DNA_MOTIF_MAX, &bad) != (long)m)
        return tz_errf(e, TZ_E_ARG, "motif '%s': 3 ile %d arası A/C/G/T harfi olmalı.",
                       "motif '%s': must be 3 to %d of the letters A/C/G/T.", cfg->motif, DNA_MOTIF_MAX);
    if (cfg->min_len < 1 || cfg->max_len > 10000 || cfg->min_len > cfg->max_len || (size_t)cfg->min_len < m)
        return tz_errf(e, TZ_E_ARG, "uzunluk %d–%d: 1 ≤ en kısa ≤ en uzun ≤ 10000 olmalı ve motif (%zu harf) sığmalı.",
                       "length %d–%d: need 1 ≤ shortest ≤ longest ≤ 10000, and room for the motif (%zu letters).",
                       cfg->min_len, cfg->max_len, m);
    if (cfg->n < 2 || cfg->n > 10000000)
        return tz_errf(e, TZ_E_ARG, "n=%zu: 2 ile 10.000.000 arasında olmalı.", "n=%zu: must be between 2 and 10,000,000.", cfg->n);
    /* A random sequence of length L misses the motif with probability about (1 − 4^−m)^(L−m+1).
     * Negatives are drawn again until they miss it; refuse when that would take too long. */
    double miss = 1;
    for (size_t i = 0; i + m <= (size_t)cfg->max_len; i++) miss *= 1.0 - 1.0 / (double)(1ULL << (2 * m));
    if (miss < 0.01)
        return tz_errf(e, TZ_E_ARG,
                       "motif '%s' çok kısa: %d bazlık rastgele dizilerin neredeyse hepsinde zaten var. Daha uzun bir motif ya da daha kısa diziler seçin.",
                       "motif '%s' is too short: almost every random sequence of %d bases holds it already. Choose a longer motif or shorter sequences.",
                       cfg->motif, cfg->max_len);
    size_t n = cfg->n, span = (size_t)(cfg->max_len - cfg->min_len + 1);
    /* the sequences take up to n × max_len ids: refuse before allocating what cannot fit */
    double need = (double)n * (double)cfg->max_len * sizeof *out->tok + (double)n * 16, ram = tz_phys_bytes();
    if (ram > 0 && need > 0.5 * ram)
        return tz_errf(e, TZ_E_NOMEM,
                       "%zu dizi × en çok %d baz yaklaşık %.2f GB bellek ister; bu makinenin belleğinin yarısı %.2f GB. "
                       "n= ya da maxlen= değerini küçültün.",
                       "%zu sequences × up to %d bases need about %.2f GB of memory; half this machine's memory is "
                       "%.2f GB. Make n= or maxlen= smaller.", n, cfg->max_len, need / 1e9, ram / 2e9);
    out->n = n;
    out->off = tz_malloc((n + 1) * sizeof *out->off);
    out->label = tz_malloc(n * sizeof *out->label);
    out->tok = tz_malloc(n * (size_t)cfg->max_len * sizeof *out->tok);
    uint64_t r = cfg->seed * 0x9E3779B97F4A7C15ULL + 23;
    /* labels: exactly half ones, in a random order */
    for (size_t i = 0; i < n; i++) out->label[i] = i < n / 2;
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(next(&r) % i);
        int32_t t = out->label[i - 1];
        out->label[i - 1] = out->label[j];
        out->label[j] = t;
    }
    out->off[0] = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = (size_t)cfg->min_len + (size_t)(next(&r) % span);
        int32_t *s = out->tok + out->off[i];
        long at = -1;
        do {
            for (size_t t = 0; t < len; t++) s[t] = (int32_t)(next(&r) >> 7 & 3);
        } while (!out->label[i] && dna_find(s, len, motif, m) >= 0);
        if (out->label[i]) {
            at = (long)(next(&r) % (len - m + 1));
            memcpy(s + at, motif, m * sizeof *s);
        }
        if (where) where[i] = (int)at;
        out->off[i + 1] = out->off[i] + len;
    }
    return 0;
}
