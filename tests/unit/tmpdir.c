/* tmpdir.c — see tmpdir.h. */
#include "tmpdir.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/corpus.h"

char tmp_dir[256];

static void remove_tree(const char *d)
{
    DIR *dp = opendir(d);
    if (!dp) return;
    struct dirent *de;
    char p[1024];
    while ((de = readdir(dp)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        snprintf(p, sizeof p, "%s/%s", d, de->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) remove_tree(p);
        else unlink(p);
    }
    closedir(dp);
    rmdir(d);
}

void tmp_setup(void)
{
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/tezgah_test_XXXXXX");
    cr_assert_not_null(mkdtemp(tmp_dir));
}

void tmp_teardown(void) { remove_tree(tmp_dir); }

char *tmp_path(const char *name)
{
    static char p[8][512];
    static int k;
    k = (k + 1) % 8;
    snprintf(p[k], sizeof p[k], "%s/%s", tmp_dir, name);
    return p[k];
}

void tmp_write(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot create %s", path);
    cr_assert_eq(fwrite(data, 1, n, f), n);
    fclose(f);
}

char *tmp_slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    size_t len = 0, cap = 0, k;
    char chunk[4096];
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + k + 1 > cap) { cap = 2 * (len + k + 1); buf = realloc(buf, cap); }
        memcpy(buf + len, chunk, k);
        len += k;
    }
    fclose(f);
    if (!buf) buf = calloc(1, 1);
    buf[len] = '\0';
    if (n) *n = len;
    return buf;
}

void corpus_from(Corpus *c, const char *text)
{
    char path[] = "/tmp/tezgah-corpus-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    TzErr e;
    cr_assert_eq(corpus_load(c, path, TZ_LANG_EN, 1, NULL, &e), 0, "%s", e.en);
    unlink(path);
}
