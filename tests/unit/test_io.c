/* test_io.c — checked file mapping, text checks with line/column messages and atomic saves
 * (src/engine/core/io.c). Every test works in its own temporary folder. */
#include <criterion/criterion.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tmpdir.h"
#include "core/io.h"

TestSuite(io, .init = tmp_setup, .fini = tmp_teardown);

/* the whole file as a malloc'd string (NULL if it cannot be read) */
static int count_entries(const char *d)
{
    DIR *dp = opendir(d);
    cr_assert_not_null(dp);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(dp)) != NULL)
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) n++;
    closedir(dp);
    return n;
}

/* ---- tz_file_map ---------------------------------------------------------------- */

Test(io, map_missing_file)
{
    TzFile f;
    TzErr e = { 0 };
    const char *p = tmp_path("yok.txt");
    cr_assert_eq(tz_file_map(&f, p, &e), TZ_E_IO);
    cr_assert_eq(e.code, TZ_E_IO);
    cr_assert_null(f.data);
    cr_assert_eq(f.size, 0);
    cr_assert_not_null(strstr(e.en, p), "en message does not name the file: %s", e.en);
    cr_assert_not_null(strstr(e.tr, p), "tr message does not name the file: %s", e.tr);
    cr_assert_not_null(strstr(e.en, "no file"), "%s", e.en);
    cr_assert_not_null(strstr(e.tr, "dosya yok"), "%s", e.tr);
    /* a NULL error is allowed */
    cr_assert_eq(tz_file_map(&f, p, NULL), TZ_E_IO);
    tz_file_unmap(&f);
}

Test(io, map_directory_and_device)
{
    TzFile f;
    TzErr e = { 0 };
    cr_assert_eq(tz_file_map(&f, tmp_dir, &e), TZ_E_IO);
    cr_assert_not_null(strstr(e.en, "is a directory"), "%s", e.en);
    cr_assert_not_null(strstr(e.tr, "klas\xC3\xB6r"), "%s", e.tr);
    cr_assert_not_null(strstr(e.en, tmp_dir));
    tz_err_clear(&e);
    cr_assert_eq(tz_file_map(&f, "/dev/null", &e), TZ_E_IO);
    cr_assert_not_null(strstr(e.en, "not a regular file"), "%s", e.en);
    cr_assert_null(f.data);
}

Test(io, map_empty_and_regular_file)
{
    TzFile f;
    TzErr e = { 0 };
    const char *empty = tmp_path("bos.txt");
    tmp_write(empty, "", 0);
    cr_assert_eq(tz_file_map(&f, empty, &e), 0);
    cr_assert_null(f.data);
    cr_assert_eq(f.size, 0);
    cr_assert_eq(f.mapped, 0);
    tz_file_unmap(&f);

    const char text[] = "Merhaba d\xC3\xBCnya\n\xC4\xB0kinci sat\xC4\xB1r\n";
    const char *p = tmp_path("metin.txt");
    tmp_write(p, text, sizeof text - 1);
    cr_assert_eq(tz_file_map(&f, p, &e), 0);
    cr_assert_not_null(f.data);
    cr_assert_eq(f.size, sizeof text - 1);
    cr_assert_eq(f.mapped, 1);
    cr_assert_eq(memcmp(f.data, text, f.size), 0);
    tz_file_unmap(&f);
    cr_assert_null(f.data);
    cr_assert_eq(f.size, 0);
    cr_assert_eq(f.mapped, 0);
    tz_file_unmap(&f);   /* safe twice */

    TzFile z;
    memset(&z, 0, sizeof z);
    tz_file_unmap(&z);
}

Test(io, exists_and_is_dir)
{
    const char *p = tmp_path("a.txt");
    cr_assert_eq(tz_exists(p), 0);
    cr_assert_eq(tz_is_dir(p), 0);
    tmp_write(p, "x", 1);
    cr_assert_eq(tz_exists(p), 1);
    cr_assert_eq(tz_is_dir(p), 0);
    cr_assert_eq(tz_exists(tmp_dir), 1);
    cr_assert_eq(tz_is_dir(tmp_dir), 1);
}

/* ---- line/column and text checks --------------------------------------------------- */

Test(io, line_col)
{
    const char *d = "ab\ncd\n\n\xC5\x9F" "ef";
    size_t line, col;
    tz_line_col(d, 0, &line, &col);
    cr_assert(line == 1 && col == 1);
    tz_line_col(d, 2, &line, &col);          /* the '\n' itself belongs to line 1 */
    cr_assert(line == 1 && col == 3, "line %zu col %zu", line, col);
    tz_line_col(d, 3, &line, &col);
    cr_assert(line == 2 && col == 1);
    tz_line_col(d, 4, &line, &col);
    cr_assert(line == 2 && col == 2);
    tz_line_col(d, 6, &line, &col);
    cr_assert(line == 3 && col == 1);
    tz_line_col(d, 9, &line, &col);          /* columns count bytes: ş is two */
    cr_assert(line == 4 && col == 3, "line %zu col %zu", line, col);
}

Test(io, check_text_good)
{
    TzErr e = { 0 };
    const char *t = "\xC3\x87ok g\xC3\xBCzel.\nSecond line \xF0\x9F\x98\x80\n";
    cr_assert_eq(tz_check_text("x.txt", t, strlen(t), &e), 0);
    cr_assert_eq(tz_check_text("x.txt", "a", 1, NULL), 0);
}

Test(io, check_text_empty)
{
    TzErr e = { 0 };
    cr_assert_eq(tz_check_text("bos.txt", "", 0, &e), TZ_E_FORMAT);
    cr_assert_eq(e.code, TZ_E_FORMAT);
    cr_assert_not_null(strstr(e.en, "bos.txt"));
    cr_assert_not_null(strstr(e.en, "empty"), "%s", e.en);
    cr_assert_not_null(strstr(e.tr, "bo\xC5\x9F"), "%s", e.tr);
}

Test(io, check_text_nul_byte)
{
    TzErr e = { 0 };
    const char d[] = "line one\nline two\nthr\0ee\n";
    cr_assert_eq(tz_check_text("bin.dat", d, sizeof d - 1, &e), TZ_E_FORMAT);
    cr_assert_not_null(strstr(e.en, "bin.dat"));
    cr_assert_not_null(strstr(e.en, "line 3"), "en message does not name line 3: %s", e.en);
    cr_assert_not_null(strstr(e.tr, "sat\xC4\xB1r 3"), "tr message does not name line 3: %s", e.tr);
    cr_assert_not_null(strstr(e.en, "byte 21"), "%s", e.en);
    cr_assert_not_null(strstr(e.tr, "21"), "%s", e.tr);
}

Test(io, check_text_invalid_utf8)
{
    TzErr e = { 0 };
    /* line 3, after "Kahve " and "ş" (one two-byte letter): the bad byte is column 9 */
    const char d[] = "ilk\n\xC4\xB0kinci\nKahve \xC5\x9F\xFE" "ker\n";
    cr_assert_eq(tz_check_text("latin5.txt", d, sizeof d - 1, &e), TZ_E_FORMAT);
    cr_assert_neq(e.en[0], '\0');
    cr_assert_neq(e.tr[0], '\0');
    cr_assert_not_null(strstr(e.en, "latin5.txt"), "%s", e.en);
    cr_assert_not_null(strstr(e.tr, "latin5.txt"), "%s", e.tr);
    cr_assert_not_null(strstr(e.en, "line 3, column 9"), "%s", e.en);
    cr_assert_not_null(strstr(e.tr, "sat\xC4\xB1r 3, s\xC3\xBCtun 9"), "%s", e.tr);
    cr_assert_not_null(strstr(e.en, "0xFE"), "%s", e.en);
    cr_assert_not_null(strstr(e.en, "iconv"), "the hint is missing: %s", e.en);
    cr_assert_not_null(strstr(e.tr, "iconv"), "the hint is missing: %s", e.tr);

    /* a truncated sequence at the very end of the file */
    const char t[] = "tamam\nson \xC3";
    tz_err_clear(&e);
    cr_assert_eq(tz_check_text("t.txt", t, sizeof t - 1, &e), TZ_E_FORMAT);
    cr_assert_not_null(strstr(e.en, "line 2, column 5"), "%s", e.en);
}

/* ---- atomic saves ---------------------------------------------------------------- */

typedef struct { const char *text; int fail_after; } WriteJob;

static int write_text(FILE *f, void *ud, TzErr *e)
{
    WriteJob *w = ud;
    fputs(w->text, f);
    if (w->fail_after)
        return tz_errf(e, TZ_E_ARG, "yazma başarısız (deneme)", "write failed (test)");
    return 0;
}

Test(io, save_atomic_writes_and_replaces)
{
    const char *p = tmp_path("model.txt");
    TzErr e = { 0 };
    WriteJob w1 = { "birinci i\xC3\xA7\x65rik\n", 0 };
    cr_assert_eq(tz_save_atomic(p, write_text, &w1, &e), 0, "%s", e.en);
    char *got = tmp_slurp(p, NULL);
    cr_assert_not_null(got);
    cr_assert_str_eq(got, w1.text);
    free(got);
    WriteJob w2 = { "second\n", 0 };
    cr_assert_eq(tz_save_atomic(p, write_text, &w2, &e), 0);
    got = tmp_slurp(p, NULL);
    cr_assert_str_eq(got, "second\n");
    free(got);
    cr_assert_eq(count_entries(tmp_dir), 1, "a temporary file was left behind");
    /* an empty write makes an empty file */
    WriteJob w3 = { "", 0 };
    cr_assert_eq(tz_save_atomic(p, write_text, &w3, &e), 0);
    size_t n = 99;
    got = tmp_slurp(p, &n);
    cr_assert_eq(n, 0);
    free(got);
}

Test(io, save_atomic_failure_keeps_old_file)
{
    const char *p = tmp_path("keep.txt");
    tmp_write(p, "old content\n", 12);
    TzErr e = { 0 };
    WriteJob bad = { "half of the new conte", 1 };
    cr_assert_eq(tz_save_atomic(p, write_text, &bad, &e), TZ_E_ARG);
    cr_assert_eq(e.code, TZ_E_ARG);
    cr_assert_str_eq(e.en, "write failed (test)", "the writer's own error is kept: %s", e.en);
    char *got = tmp_slurp(p, NULL);
    cr_assert_str_eq(got, "old content\n");
    free(got);
    cr_assert_eq(count_entries(tmp_dir), 1, "a temporary file was left in the folder");
    /* failing when there was no old file leaves nothing at all */
    const char *q = tmp_path("new.txt");
    cr_assert_neq(tz_save_atomic(q, write_text, &bad, &e), 0);
    cr_assert_eq(tz_exists(q), 0);
    cr_assert_eq(count_entries(tmp_dir), 1);
}

Test(io, save_atomic_missing_folder)
{
    const char *p = tmp_path("no/such/folder/x.txt");
    TzErr e = { 0 };
    WriteJob w = { "x", 0 };
    cr_assert_eq(tz_save_atomic(p, write_text, &w, &e), TZ_E_IO);
    cr_assert_not_null(strstr(e.en, p), "%s", e.en);
    cr_assert_not_null(strstr(e.tr, p), "%s", e.tr);
    cr_assert_eq(count_entries(tmp_dir), 0);
}

Test(io, save_atomic_keeps_the_file_mode)
{
    /* mkstemp creates 0600 files: a save must keep the old file's mode (here 0644),
     * and a new file gets 0666 minus the umask, not 0600. */
    const char *p = tmp_path("mode.txt");
    tmp_write(p, "x\n", 2);
    chmod(p, 0644);
    TzErr e = { 0 };
    WriteJob w = { "y\n", 0 };
    cr_assert_eq(tz_save_atomic(p, write_text, &w, &e), 0, "%s", e.en);
    struct stat st;
    cr_assert_eq(stat(p, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0644, "mode is %o", st.st_mode & 0777);
    mode_t um = umask(022);
    const char *q = tmp_path("fresh.txt");
    cr_assert_eq(tz_save_atomic(q, write_text, &w, &e), 0, "%s", e.en);
    umask(um);
    cr_assert_eq(stat(q, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0644, "a new file got mode %o", st.st_mode & 0777);
}
