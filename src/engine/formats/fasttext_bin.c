/* fasttext_bin.c — see fasttext_bin.h.
 *
 * Reading is one pass with a cursor over the mapped bytes. Before each field, need() checks
 * that the bytes are there; before each array, the count is checked against the bytes left
 * (divided by the smallest size one element can take), so a hostile header cannot make us
 * allocate or read more than the file holds. Errors are written by tz_errf and then
 * located() puts "'file', byte N (field): " in front of both languages.
 */
#include "formats/fasttext_bin.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/io.h"
#include "core/utf8.h"
#include "formats/w2v.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#error "fasttext_bin.c reads little-endian fields with memcpy: add byte swaps for big-endian"
#endif

typedef struct {
    const char *d;
    size_t n, pos;
    const char *name;
    TzErr *e;
} Cur;

/* "'name', byte off (field): " in front of the message tz_errf just wrote. */
static int located(Cur *c, size_t off, const char *field, int code)
{
    if (!c->e) return code;
    char head[600];
    char *msgs[2] = {c->e->tr, c->e->en};
    for (int k = 0; k < 2; k++) {
        if (k == 0) snprintf(head, sizeof head, "'%s', bayt %zu (%s): ", c->name, off, field);
        else snprintf(head, sizeof head, "'%s', byte %zu (%s): ", c->name, off, field);
        char *m = msgs[k];
        size_t a = strlen(head), b = strlen(m), cap = sizeof c->e->tr;
        if (a > cap / 2) {                        /* a very long file name: keep the message */
            a = cap / 2;
            while (a > 0 && ((unsigned char)head[a] & 0xC0) == 0x80) a--;
        }
        if (a + b > cap - 1) {
            b = cap - 1 - a;
            while (b > 0 && ((unsigned char)m[b] & 0xC0) == 0x80) b--;
        }
        memmove(m + a, m, b);
        memcpy(m, head, a);
        m[a + b] = '\0';
    }
    return code;
}

/* Are k more bytes there for field? */
static int need(Cur *c, size_t k, const char *field)
{
    if (c->n - c->pos >= k) return 0;
    tz_errf(c->e, TZ_E_FORMAT,
            "dosya burada bitiyor: bu alan %zu bayt ister, yalnızca %zu bayt kaldı. Dosya yarım "
            "kalmış (indirme ya da kopyalama kesilmiş olabilir).",
            "the file ends here: this field needs %zu bytes, only %zu are left. The file is "
            "truncated (an interrupted download or copy?).",
            k, c->n - c->pos);
    return located(c, c->pos, field, TZ_E_FORMAT);
}

static int32_t rd_i32(Cur *c) { int32_t x; memcpy(&x, c->d + c->pos, 4); c->pos += 4; return x; }
static int64_t rd_i64(Cur *c) { int64_t x; memcpy(&x, c->d + c->pos, 8); c->pos += 8; return x; }

/* A value outside [lo, hi]: one message for all the integer fields. */
static int out_of_range(Cur *c, size_t off, const char *field, long long v, long long lo, long long hi)
{
    tz_errf(c->e, TZ_E_FORMAT,
            "değer %lld, [%lld, %lld] aralığında olmalı. Bu bir fastText .bin dosyası değil ya "
            "da bozuk.",
            "the value is %lld, it must be in [%lld, %lld]. This is not a fastText .bin file, or "
            "it is damaged.",
            v, lo, hi);
    return located(c, off, field, TZ_E_FORMAT);
}

/* ---- header and args ---------------------------------------------------------------------- */

static int read_head(Cur *c)
{
    if (c->n == 0)
        return tz_errf(c->e, TZ_E_FORMAT, "'%s' boş.", "'%s' is empty.", c->name);
    if (need(c, 8, "magic, version")) return TZ_E_FORMAT;
    int32_t magic = rd_i32(c), version = rd_i32(c);
    if (magic != FT_MAGIC) {
        if (c->d[0] >= '0' && c->d[0] <= '9')     /* "V D\n…": a .vec given as a .bin */
            tz_errf(c->e, TZ_E_FORMAT,
                    "ilk 4 bayt %d, fastText .bin dosyaları %d sihirli sayısıyla başlar: bu bir "
                    "fastText modeli değil. Metin gibi başlıyor: bir .vec ise vektör dosyası "
                    "olarak yükleyin.",
                    "the first 4 bytes are %d, a fastText .bin starts with the magic number %d: "
                    "this is not a fastText model. It starts like text: if it is a .vec, load it "
                    "as a vector file.",
                    (int)magic, FT_MAGIC);
        else
            tz_errf(c->e, TZ_E_FORMAT,
                    "ilk 4 bayt %d, fastText .bin dosyaları %d sihirli sayısıyla başlar: bu bir "
                    "fastText modeli değil.",
                    "the first 4 bytes are %d, a fastText .bin starts with the magic number %d: "
                    "this is not a fastText model.",
                    (int)magic, FT_MAGIC);
        return located(c, 0, "magic", TZ_E_FORMAT);
    }
    if (version < FT_VERSION) {
        tz_errf(c->e, TZ_E_FORMAT,
                "sürüm %d; tezgah fastText 0.9'un yazdığı %d. sürümü okur. Eski bir fastText "
                "yazmış: fastText 0.9 ile açıp yeniden kaydedin ya da .vec dosyasını kullanın.",
                "version %d; tezgah reads version %d, what fastText 0.9 writes. An older "
                "fastText wrote it: load and save it again with fastText 0.9, or use the .vec "
                "file.",
                (int)version, FT_VERSION);
        return located(c, 4, "version", TZ_E_FORMAT);
    }
    if (version > FT_VERSION) {
        tz_errf(c->e, TZ_E_FORMAT,
                "sürüm %d; tezgah fastText 0.9'un yazdığı %d. sürümü okur (daha yeni bir "
                "fastText mi yazdı?).",
                "version %d; tezgah reads version %d, what fastText 0.9 writes (did a newer "
                "fastText write it?).",
                (int)version, FT_VERSION);
        return located(c, 4, "version", TZ_E_FORMAT);
    }
    return 0;
}

static int read_args(Cur *c, FtArgs *a)
{
    if (need(c, 12 * 4 + 8, "args")) return TZ_E_FORMAT;
    size_t o = c->pos;
    ft_args_default(a);
    a->dim = rd_i32(c);
    a->ws = rd_i32(c);
    a->epoch = rd_i32(c);
    a->min_count = rd_i32(c);
    a->neg = rd_i32(c);
    a->word_ngrams = rd_i32(c);
    a->loss = rd_i32(c);
    a->model = rd_i32(c);
    a->bucket = rd_i32(c);
    a->minn = rd_i32(c);
    a->maxn = rd_i32(c);
    a->lr_update_rate = rd_i32(c);
    memcpy(&a->t, c->d + c->pos, 8);
    c->pos += 8;
    /* dim is used to size everything: keep it sane. The others only need to be meaningful. */
    if (a->dim < 1 || a->dim > 65536) return out_of_range(c, o, "args.dim", a->dim, 1, 65536);
    if (a->loss < 1 || a->loss > 4) return out_of_range(c, o + 24, "args.loss", a->loss, 1, 4);
    if (a->model < 1 || a->model > 3) return out_of_range(c, o + 28, "args.model", a->model, 1, 3);
    if (a->bucket < 0) return out_of_range(c, o + 32, "args.bucket", a->bucket, 0, INT32_MAX);
    if (a->minn < 0 || a->minn > 1000) return out_of_range(c, o + 36, "args.minn", a->minn, 0, 1000);
    if (a->maxn < 0 || a->maxn > 1000) return out_of_range(c, o + 40, "args.maxn", a->maxn, 0, 1000);
    if (!isfinite(a->t)) {
        tz_errf(c->e, TZ_E_FORMAT, "eşik t sonlu bir sayı değil.", "the threshold t is not a finite number.");
        return located(c, o + 48, "args.t", TZ_E_FORMAT);
    }
    return 0;
}

/* ---- dictionary --------------------------------------------------------------------------- */

static int cmp_pair(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

static int read_dict(Cur *c, FastText *ft, size_t limit)
{
    if (need(c, 3 * 4 + 2 * 8, "dictionary header")) return TZ_E_FORMAT;
    size_t o = c->pos;
    int32_t size = rd_i32(c), nwords = rd_i32(c), nlabels = rd_i32(c);
    int64_t ntokens = rd_i64(c), prune = rd_i64(c);
    if (size < 0) return out_of_range(c, o, "dictionary.size", size, 0, INT32_MAX);
    if (nwords < 0 || nwords > size) return out_of_range(c, o + 4, "dictionary.nwords", nwords, 0, size);
    if (nlabels != size - nwords)
        return out_of_range(c, o + 8, "dictionary.nlabels", nlabels, size - nwords, size - nwords);
    if (ntokens < 0) return out_of_range(c, o + 12, "dictionary.ntokens", (long long)ntokens, 0, INT64_MAX);
    /* An entry takes at least 10 bytes (a 1-byte word, its NUL, count, type). */
    size_t left = c->n - c->pos;
    if ((uint64_t)size > left / 10) {
        tz_errf(c->e, TZ_E_FORMAT,
                "sözlük %d kayıt diyor, her biri en az 10 bayt; ama dosyada yalnızca %zu bayt "
                "kaldı. Dosya yarım kalmış ya da bozuk.",
                "the dictionary says %d entries, each at least 10 bytes; only %zu bytes are left "
                "in the file. The file is truncated or damaged.",
                (int)size, left);
        return located(c, o, "dictionary.size", TZ_E_FORMAT);
    }
    if (prune < -1 || prune > (int64_t)((left - 10 * (size_t)size) / 8))
        return out_of_range(c, o + 20, "dictionary.pruneidx_size", (long long)prune, -1,
                            (long long)((left - 10 * (size_t)size) / 8));
    ft->nwords_file = (size_t)nwords;
    ft->ntokens = ntokens;
    ft->pruneidx_size = prune;
    size_t keep_words = limit && limit < (size_t)nwords ? limit : (size_t)nwords;
    ft->limited = keep_words < (size_t)nwords;
    ft->type = tz_malloc((size_t)size ? (size_t)size : 1);
    vocab_init(&ft->dict);
    int64_t total = 0;
    char field[64];
    for (int32_t i = 0; i < size; i++) {
        size_t wo = c->pos;
        snprintf(field, sizeof field, "dictionary entry %d", (int)i + 1);
        const char *w = c->d + c->pos;
        const char *z = memchr(w, '\0', c->n - c->pos);
        if (!z) {
            tz_errf(c->e, TZ_E_FORMAT,
                    "sözcüğün sonundaki NUL baytı yok: dosya sözcüğün ortasında bitiyor (yarım "
                    "kalmış).",
                    "the word has no terminating NUL byte: the file ends inside it (truncated).");
            return located(c, wo, field, TZ_E_FORMAT);
        }
        size_t len = (size_t)(z - w);
        if (len == 0) {
            tz_errf(c->e, TZ_E_FORMAT, "sözcük boş.", "the word is empty.");
            return located(c, wo, field, TZ_E_FORMAT);
        }
        c->pos += len + 1;
        if (need(c, 9, field)) return TZ_E_FORMAT;
        size_t co = c->pos;
        int64_t count = rd_i64(c);
        int8_t type = (int8_t)c->d[c->pos++];
        if (count < 0 || count > INT64_MAX - total) {
            tz_errf(c->e, TZ_E_FORMAT,
                    "sayım %lld: negatif ya da öncekilerle toplamı 64 bite sığmıyor.",
                    "the count is %lld: negative, or its sum with the others overflows 64 bits.",
                    (long long)count);
            return located(c, co, field, TZ_E_FORMAT);
        }
        total += count;
        int want = i < nwords ? FT_ENTRY_WORD : FT_ENTRY_LABEL;
        if (type != want) {
            tz_errf(c->e, TZ_E_FORMAT,
                    "tür %d, %d olmalıydı (0 sözcük, 1 etiket; önce %d sözcük, sonra etiketler).",
                    "the type is %d, expected %d (0 word, 1 label; first %d words, then labels).",
                    (int)type, want, (int)nwords);
            return located(c, co + 8, field, TZ_E_FORMAT);
        }
        if (want == FT_ENTRY_WORD && (size_t)i >= keep_words) continue;   /* limit= */
        size_t before = ft->dict.size;
        size_t id = vocab_add(&ft->dict, w, len, count);
        if (id != before) {
            char buf[48];
            snprintf(buf, sizeof buf, "%.*s", len > 40 ? 40 : (int)len, w);
            tz_errf(c->e, TZ_E_FORMAT, "\"%s\" sözcüğü sözlükte ikinci kez geçiyor (ilki %zu. kayıt).",
                    "the word \"%s\" is in the dictionary twice (first as entry %zu).", buf, id + 1);
            return located(c, wo, field, TZ_E_FORMAT);
        }
        ft->type[id] = (uint8_t)type;
    }
    ft->nwords = keep_words;
    ft->nlabels = (size_t)nlabels;
    if (prune > 0) {
        if (need(c, (size_t)prune * 8, "pruneidx")) return TZ_E_FORMAT;
        ft->pruneidx = tz_malloc((size_t)prune * 8);
        for (int64_t i = 0; i < prune; i++) {
            size_t po = c->pos;
            ft->pruneidx[2 * i] = rd_i32(c);
            ft->pruneidx[2 * i + 1] = rd_i32(c);
            if (ft->pruneidx[2 * i] < 0 || ft->pruneidx[2 * i] >= ft->args.bucket)
                return out_of_range(c, po, "pruneidx", ft->pruneidx[2 * i], 0, (long long)ft->args.bucket - 1);
            if (ft->pruneidx[2 * i + 1] < 0 || ft->pruneidx[2 * i + 1] >= prune)
                return out_of_range(c, po + 4, "pruneidx", ft->pruneidx[2 * i + 1], 0, (long long)prune - 1);
        }
        qsort(ft->pruneidx, (size_t)prune, 8, cmp_pair);
        for (int64_t i = 1; i < prune; i++)
            if (ft->pruneidx[2 * i] == ft->pruneidx[2 * i - 2])
                return out_of_range(c, c->pos - 8 * (size_t)prune, "pruneidx (duplicate bucket)",
                                    ft->pruneidx[2 * i], 0, -1);
    }
    return 0;
}

/* ---- matrices ----------------------------------------------------------------------------- */

static int read_flag(Cur *c, const char *field, int *flag)
{
    if (need(c, 1, field)) return TZ_E_FORMAT;
    unsigned char b = (unsigned char)c->d[c->pos];
    if (b > 1) return out_of_range(c, c->pos, field, b, 0, 1);
    if (b == 1) {
        tz_errf(c->e, TZ_E_FORMAT,
                "bu nicemlenmiş (quantized, .ftz) bir fastText modeli; tezgah bunları henüz "
                "okumuyor. Nicemlenmemiş .bin ya da .vec dosyasını kullanın.",
                "this is a quantized fastText model (.ftz); tezgah does not read those yet. Use "
                "the unquantized .bin or the .vec file.");
        return located(c, c->pos, field, TZ_E_FORMAT);
    }
    c->pos++;
    *flag = b;
    return 0;
}

/* int64 m, int64 n, then m·n floats; m and n must be want_m and dim. */
static int read_matrix(Cur *c, const char *field, int64_t want_m, const char *why, int64_t dim,
                       const char **data, size_t *rows)
{
    if (need(c, 16, field)) return TZ_E_FORMAT;
    size_t o = c->pos;
    int64_t m = rd_i64(c), n = rd_i64(c);
    if (n != dim) {
        tz_errf(c->e, TZ_E_FORMAT,
                "matrisin %lld sütunu var ama args.dim %lld diyor: ikisi aynı olmalı.",
                "the matrix has %lld columns but args.dim says %lld: they must agree.",
                (long long)n, (long long)dim);
        return located(c, o + 8, field, TZ_E_FORMAT);
    }
    if (m != want_m) {
        tz_errf(c->e, TZ_E_FORMAT,
                "matrisin %lld satırı var, %lld olmalıydı (%s).",
                "the matrix has %lld rows, expected %lld (%s).",
                (long long)m, (long long)want_m, why);
        return located(c, o, field, TZ_E_FORMAT);
    }
    size_t left = c->n - c->pos;
    if ((uint64_t)m > left / 4 / (uint64_t)n) {
        tz_errf(c->e, TZ_E_FORMAT,
                "%lld × %lld float32 = %.0f bayt gerekir, dosyada %zu bayt kaldı: dosya yarım "
                "kalmış.",
                "%lld × %lld float32 need %.0f bytes, %zu are left in the file: the file is "
                "truncated.",
                (long long)m, (long long)n, (double)m * (double)n * 4.0, left);
        return located(c, c->pos, field, TZ_E_FORMAT);
    }
    *data = c->d + c->pos;
    *rows = (size_t)m;
    c->pos += (size_t)m * (size_t)n * 4;
    return 0;
}

int ft_bin_parse(FastText *ft, const char *data, size_t n, const char *name, size_t limit, TzErr *e)
{
    memset(ft, 0, sizeof *ft);
    Cur c = {data, data ? n : 0, 0, name ? name : "?", e};
    int rc, flag;
    if ((rc = read_head(&c)) || (rc = read_args(&c, &ft->args)) || (rc = read_dict(&c, ft, limit)))
        goto fail;
    if ((rc = read_flag(&c, "quant", &flag))) goto fail;
    char why[96];
    int64_t nb = ft->pruneidx_size >= 0 ? ft->pruneidx_size : ft->args.bucket;
    snprintf(why, sizeof why, "nwords %zu + %s %lld", ft->nwords_file,
             ft->pruneidx_size >= 0 ? "pruneidx_size" : "bucket", (long long)nb);
    if ((rc = read_matrix(&c, "input matrix", (int64_t)ft->nwords_file + nb, why, ft->args.dim,
                          &ft->input, &ft->in_rows)))
        goto fail;
    if ((rc = read_flag(&c, "qout", &flag))) goto fail;
    int sup = ft->args.model == FT_MODEL_SUP;
    int64_t out_m = sup ? (int64_t)ft->nlabels : (int64_t)ft->nwords_file;
    snprintf(why, sizeof why, "%s %lld", sup ? "nlabels" : "nwords", (long long)out_m);
    if ((rc = read_matrix(&c, "output matrix", out_m, why, ft->args.dim, &ft->output, &ft->out_rows)))
        goto fail;
    if (c.pos != c.n) {
        tz_errf(e, TZ_E_FORMAT,
                "çıktı matrisinden sonra %zu fazla bayt var: dosya bir fastText .bin değil ya da "
                "bozuk.",
                "%zu extra bytes follow the output matrix: the file is not a fastText .bin, or it "
                "is damaged.",
                c.n - c.pos);
        rc = located(&c, c.pos, "end of file", TZ_E_FORMAT);
        goto fail;
    }
    return 0;
fail:
    ft_free(ft);
    return rc;
}

int ft_bin_load(FastText *ft, const char *path, size_t limit, TzErr *e)
{
    memset(ft, 0, sizeof *ft);
    TzFile f;
    int rc = tz_file_map(&f, path, e);
    if (rc) return rc;
    rc = ft_bin_parse(ft, f.data, f.size, path, limit, e);
    if (rc) {
        tz_file_unmap(&f);
        return rc;
    }
    ft->file = f;     /* ft->input/output point into it: ft_free unmaps */
    /* The dictionary was read front to back (tz_file_map asked for read-ahead); the matrices
     * are read a few rows at a time, wherever a query's n-grams land: tell the kernel not to
     * read ahead there, or a 7 GB cc.tr.300.bin on disk would pull in far more than it uses. */
    if (f.mapped && ft->input) {
        uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
        uintptr_t a = ((uintptr_t)ft->input) & ~(page - 1), end = (uintptr_t)f.data + f.size;
        if (end > a) madvise((void *)a, end - a, MADV_RANDOM);
    }
    return 0;
}

/* ---- writing ------------------------------------------------------------------------------ */

static void w_i32(FILE *f, int32_t x) { fwrite(&x, 4, 1, f); }
static void w_i64(FILE *f, int64_t x) { fwrite(&x, 8, 1, f); }

int ft_bin_write(FILE *f, const FastText *ft, TzErr *e)
{
    if (ft->limited)
        return tz_errf(e, TZ_E_ARG,
                       "bu model limit= ile yüklendi (sözlüğün bir kısmı): .bin olarak "
                       "yazılamaz. limit olmadan yükleyin ya da .vec yazın.",
                       "this model was loaded with limit= (part of its dictionary): it cannot be "
                       "written as a .bin. Load it without a limit, or write a .vec.");
    const FtArgs *a = &ft->args;
    size_t D = (size_t)a->dim;
    TZ_ASSERT(ft->dict.size == ft->nwords + ft->nlabels && ft->input && ft->output);
    w_i32(f, FT_MAGIC);
    w_i32(f, FT_VERSION);
    int32_t args[12] = {a->dim, a->ws, a->epoch, a->min_count, a->neg, a->word_ngrams,
                        a->loss, a->model, a->bucket, a->minn, a->maxn, a->lr_update_rate};
    fwrite(args, 4, 12, f);
    fwrite(&a->t, 8, 1, f);
    w_i32(f, (int32_t)ft->dict.size);
    w_i32(f, (int32_t)ft->nwords);
    w_i32(f, (int32_t)ft->nlabels);
    w_i64(f, ft->ntokens);
    w_i64(f, ft->pruneidx_size);
    for (size_t i = 0; i < ft->dict.size; i++) {
        const char *w = vocab_word(&ft->dict, i);
        fwrite(w, 1, strlen(w) + 1, f);                 /* the word and its NUL */
        w_i64(f, ft->dict.counts[i]);
        fputc(ft->type[i], f);
    }
    if (ft->pruneidx_size > 0) fwrite(ft->pruneidx, 8, (size_t)ft->pruneidx_size, f);
    fputc(0, f);                                        /* quant: no */
    w_i64(f, (int64_t)ft->in_rows);
    w_i64(f, (int64_t)D);
    fwrite(ft->input, 4 * D, ft->in_rows, f);
    fputc(0, f);                                        /* qout: no */
    w_i64(f, (int64_t)ft->out_rows);
    w_i64(f, (int64_t)D);
    fwrite(ft->output, 4 * D, ft->out_rows, f);
    if (ferror(f))
        return tz_errf(e, TZ_E_IO, "yazma hatası (disk dolu mu?)", "write error (is the disk full?)");
    return 0;
}

static int fn_bin(FILE *f, void *ud, TzErr *e) { return ft_bin_write(f, ud, e); }

int ft_bin_save(const FastText *ft, const char *path, TzErr *e)
{
    if (ft->limited) return ft_bin_write(NULL, ft, e);   /* the refusal, before any file */
    return tz_save_atomic(path, fn_bin, (void *)ft, e);
}

int ft_vec_load(Vectors *v, const char *path, size_t limit, TzErr *e)
{
    return w2v_load(v, path, limit, NULL, e);
}

int ft_vec_save(const FastText *ft, const char *path, TzErr *e)
{
    Vectors v;
    int rc = ft_to_vectors(ft, 0, &v, NULL, e);
    if (rc) return rc;
    rc = w2v_save_text(&v, path, e);
    vectors_free(&v);
    return rc;
}
