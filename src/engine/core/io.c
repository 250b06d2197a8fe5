/* io.c — see io.h. */
#include "io.h"

#include <pthread.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "utf8.h"

int tz_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int tz_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

int tz_file_map(TzFile *f, const char *path, TzErr *e)
{
    memset(f, 0, sizeof *f);
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT)
            return tz_errf(e, TZ_E_IO, "'%s' diye bir dosya yok. Yolu denetleyin (Tab tamamlar).",
                           "there is no file '%s'. Check the path (Tab completes it).", path);
        if (errno == EACCES)
            return tz_errf(e, TZ_E_IO, "'%s' okunamıyor: izin yok.",
                           "cannot read '%s': permission denied.", path);
        return tz_errf(e, TZ_E_IO, "'%s' açılamadı: %s. Yolu denetleyin.",
                       "cannot open '%s': %s. Check the path.", path, strerror(errno));
    }
    if (S_ISDIR(st.st_mode))
        return tz_errf(e, TZ_E_IO, "'%s' bir klasör, dosya değil. İçindeki bir dosyayı verin.",
                       "'%s' is a directory, not a file. Give a file inside it.", path);
    if (!S_ISREG(st.st_mode))
        return tz_errf(e, TZ_E_IO, "'%s' sıradan bir dosya değil (aygıt, soket ya da boru).",
                       "'%s' is not a regular file (device, socket or pipe).", path);
    if (st.st_size == 0) return 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return tz_errf(e, TZ_E_IO, "'%s' açılamadı: %s.", "cannot open '%s': %s.", path,
                       strerror(errno));
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    int err = errno;
    close(fd);
    if (p == MAP_FAILED)
        return tz_errf(e, TZ_E_IO, "'%s' belleğe eşlenemedi: %s.", "cannot map '%s': %s.", path,
                       strerror(err));
    madvise(p, (size_t)st.st_size, MADV_SEQUENTIAL);
    f->data = p;
    f->size = (size_t)st.st_size;
    f->mapped = 1;
    return 0;
}

void tz_file_unmap(TzFile *f)
{
    if (f->mapped && f->data) munmap((void *)f->data, f->size);
    memset(f, 0, sizeof *f);
}

void tz_line_col(const char *data, size_t off, size_t *line, size_t *col)
{
    size_t l = 1, start = 0;
    for (size_t i = 0; i < off; i++)
        if (data[i] == '\n') { l++; start = i + 1; }
    *line = l;
    *col = off - start + 1;
}

int tz_check_text(const char *path, const char *data, size_t n, TzErr *e)
{
    if (n == 0)
        return tz_errf(e, TZ_E_FORMAT, "'%s' boş: içinde hiç metin yok.",
                       "'%s' is empty: there is no text in it.", path);
    const char *nul = memchr(data, '\0', n);
    if (nul) {
        size_t line, col;
        tz_line_col(data, (size_t)(nul - data), &line, &col);
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s' metin değil, ikili (binary) bir dosya gibi görünüyor: %zu. bayt (satır %zu) sıfır. "
                       "UTF-8 bir metin dosyası verin.",
                       "'%s' is not text but looks like a binary file: byte %zu (line %zu) is NUL. "
                       "Give a UTF-8 text file.",
                       path, (size_t)(nul - data), line);
    }
    size_t bad = utf8_validate(data, n);
    if (bad < n) {
        size_t line, col;
        tz_line_col(data, bad, &line, &col);
        unsigned b = (unsigned char)data[bad];
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s' geçerli UTF-8 değil: satır %zu, sütun %zu (bayt %zu = 0x%02X). "
                       "Dosya Latin-5 ise: iconv -f ISO-8859-9 -t UTF-8 eski.txt > yeni.txt",
                       "'%s' is not valid UTF-8: line %zu, column %zu (byte %zu = 0x%02X). "
                       "If it is Latin-5 (ISO-8859-9): iconv -f ISO-8859-9 -t UTF-8 old.txt > new.txt",
                       path, line, col, bad, b);
    }
    return 0;
}

int tz_save_atomic(const char *path, TzWriteFn fn, void *ud, TzErr *e)
{
    size_t len = strlen(path);
    char *tmp = malloc(len + 16);
    if (!tmp) return tz_errf(e, TZ_E_NOMEM, "bellek yetmedi", "out of memory");
    snprintf(tmp, len + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int err = errno;
        free(tmp);
        return tz_errf(e, TZ_E_IO, "'%s' yazılamadı: %s. Klasör var mı, yazma izniniz var mı?",
                       "cannot write '%s': %s. Does the folder exist, may you write there?", path,
                       strerror(err));
    }
    /* mkstemp makes the file 0600: give it the mode the old file had, or the usual one. */
    struct stat old;
    if (stat(path, &old) == 0) fchmod(fd, old.st_mode & 07777);
    else { mode_t um = umask(0); umask(um); fchmod(fd, 0666 & ~um); }
    FILE *f = fdopen(fd, "wb");
    int rc = f ? fn(f, ud, e) : tz_errf(e, TZ_E_IO, "fdopen", "fdopen");
    if (f && rc == 0) {
        errno = 0;
        if (fflush(f) != 0 || fsync(fileno(f)) != 0 || ferror(f)) {
            int err = errno ? errno : EIO;
            rc = tz_errf(e, TZ_E_IO, "'%s' yazılırken hata: %s (disk dolu mu?)",
                         "error writing '%s': %s (is the disk full?)", path, strerror(err));
        }
    }
    if (f) fclose(f); else close(fd);
    if (rc == 0 && rename(tmp, path) != 0)
        rc = tz_errf(e, TZ_E_IO, "'%s' yerine konamadı: %s", "cannot move into place '%s': %s",
                     path, strerror(errno));
    if (rc != 0) unlink(tmp);
    else {
        /* fsync the folder too, so that the rename itself survives a power cut. */
        char *dup = strdup(path);
        int dfd = dup ? open(dirname(dup), O_RDONLY | O_DIRECTORY) : -1;
        if (dfd >= 0) { fsync(dfd); close(dfd); }
        free(dup);
    }
    free(tmp);
    return rc;
}

/* CRC-32 (the reflected polynomial 0xEDB88320, as zlib and PNG), eight bytes at a time
 * ("slicing by 8"): table[k][b] is the CRC of byte b followed by k zero bytes, so eight table
 * look-ups, XORed, advance the CRC over eight bytes at once. Bit by bit it ran at ~100 MB/s, which
 * made a 440 MB checkpoint take seconds just to check; this runs at a few GB/s. */
static uint32_t crc_table[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
    for (uint32_t b = 0; b < 256; b++) {
        uint32_t c = b;
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
        crc_table[0][b] = c;
    }
    for (int k = 1; k < 8; k++)
        for (int b = 0; b < 256; b++) crc_table[k][b] = (crc_table[k - 1][b] >> 8) ^ crc_table[0][crc_table[k - 1][b] & 0xFF];
}

uint32_t tz_crc32(uint32_t crc, const void *data, size_t n)
{
    pthread_once(&crc_once, crc_init);
    const unsigned char *p = data;
    crc = ~crc;
    for (; n >= 8; n -= 8, p += 8) {
        uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
        crc = crc_table[7][lo & 0xFF] ^ crc_table[6][(lo >> 8) & 0xFF] ^ crc_table[5][(lo >> 16) & 0xFF] ^
              crc_table[4][lo >> 24] ^ crc_table[3][p[4]] ^ crc_table[2][p[5]] ^ crc_table[1][p[6]] ^ crc_table[0][p[7]];
    }
    while (n--) crc = (crc >> 8) ^ crc_table[0][(crc ^ *p++) & 0xFF];
    return ~crc;
}

double tz_phys_bytes(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
    return pages > 0 && psize > 0 ? (double)pages * (double)psize : 0;
}
