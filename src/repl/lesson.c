/* lesson.c — the lesson engine. The file format is documented in lessons/README.md:
 *
 *     # Title                         the first line
 *     ## Step title                   starts a step
 *     any other text                  prose, shown as it is (`code` and **bold** highlighted)
 *     $ command                       shown, then run
 *     $! command                      shown, then run; it is meant to fail (an error lesson)
 *     expect: text                    the last command's output contains text
 *     expect~ regex                   … matches the POSIX extended regular expression
 *     expect! text                    … does not contain text
 *
 * Lessons live in lessons/tr and lessons/en as NN-name.md; `lesson N` picks number NN in the
 * current language (falling back to the other one). In a lesson, Enter on an empty line or
 * `next` runs the next step; `prev`, `again`, `lesson stop` move around. `lesson run N` runs
 * every step and checks every expect line: that is how each lesson is also a test.
 */
#include "app.h"
#include "i18n.h"
#include "out.h"

#include <dirent.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"

typedef enum { A_PROSE, A_CMD, A_CMD_FAIL, A_EXPECT, A_EXPECT_RE, A_EXPECT_NOT } ActKind;

typedef struct { ActKind kind; char *text; int line; } Action;

typedef struct {
    char *title;
    Action *acts;
    int nacts;
} Step;

struct Lesson {
    int number;
    char path[4200];
    char *title;
    Step *steps;
    int nsteps;
    int cur;          /* the step shown last (-1 before the first) */
};

/* --- finding lesson files -------------------------------------------------------------- */

/* Path of lesson number num in language lang, or "" if there is none. */
static void lesson_path(int num, TzLang lang, char *out, size_t n)
{
    out[0] = '\0';
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/lessons/%s", g_app.root, i18n_name(lang));
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d))) {
        const char *nm = de->d_name;
        size_t len = strlen(nm);
        if (len < 6 || nm[0] < '0' || nm[0] > '9' || strcmp(nm + len - 3, ".md") != 0) continue;
        if (atoi(nm) == num) { snprintf(out, n, "%.3900s/%.250s", dir, nm); break; }
    }
    closedir(d);
}

static int find_lesson(int num, char *out, size_t n)
{
    lesson_path(num, g_lang, out, n);
    if (!out[0]) lesson_path(num, g_lang == TZ_LANG_TR ? TZ_LANG_EN : TZ_LANG_TR, out, n);
    return out[0] != '\0';
}

int lesson_count(void)
{
    char p[4200];
    int n = 0;
    while (n < 100 && find_lesson(n, p, sizeof p)) n++;
    return n;
}

/* --- parsing --------------------------------------------------------------------------- */

static void lesson_free(Lesson *l)
{
    if (!l) return;
    for (int s = 0; s < l->nsteps; s++) {
        for (int a = 0; a < l->steps[s].nacts; a++) free(l->steps[s].acts[a].text);
        free(l->steps[s].acts);
        free(l->steps[s].title);
    }
    free(l->steps);
    free(l->title);
    free(l);
}

void lesson_free_all(void)
{
    lesson_free(g_app.lesson);
    g_app.lesson = NULL;
}

static void add_act(Step *s, ActKind k, const char *text, size_t len, int line)
{
    s->acts = tz_realloc(s->acts, (size_t)(s->nacts + 1) * sizeof *s->acts);
    s->acts[s->nacts].kind = k;
    s->acts[s->nacts].text = tz_strndup(text, len);
    s->acts[s->nacts].line = line;
    s->nacts++;
}

static Lesson *lesson_parse(const char *path, int num, TzErr *e)
{
    TzFile f;
    if (tz_file_map(&f, path, e)) return NULL;
    if (tz_check_text(path, f.data, f.size, e)) { tz_file_unmap(&f); return NULL; }
    Lesson *l = tz_calloc(1, sizeof *l);
    l->number = num;
    l->cur = -1;
    snprintf(l->path, sizeof l->path, "%s", path);
    const char *d = f.data;
    size_t n = f.size, pos = 0;
    int lineno = 0;
    Step *st = NULL;
    while (pos < n) {
        const char *nl = memchr(d + pos, '\n', n - pos);
        size_t end = nl ? (size_t)(nl - d) : n;
        const char *s = d + pos;
        size_t len = end - pos;
        if (len && s[len - 1] == '\r') len--;
        lineno++;
        pos = end + 1;
        if (!l->title && len > 2 && s[0] == '#' && s[1] == ' ') { l->title = tz_strndup(s + 2, len - 2); continue; }
        if (len > 3 && s[0] == '#' && s[1] == '#' && s[2] == ' ') {
            l->steps = tz_realloc(l->steps, (size_t)(l->nsteps + 1) * sizeof *l->steps);
            st = &l->steps[l->nsteps++];
            memset(st, 0, sizeof *st);
            st->title = tz_strndup(s + 3, len - 3);
            continue;
        }
        if (!st) {
            if (len == 0) continue;
            /* prose before the first step: an introduction step of its own */
            l->steps = tz_realloc(l->steps, (size_t)(l->nsteps + 1) * sizeof *l->steps);
            st = &l->steps[l->nsteps++];
            memset(st, 0, sizeof *st);
            st->title = tz_strdup("");               /* the lesson's title is shown above it */
        }
        if (len >= 3 && s[0] == '$' && s[1] == '!' && s[2] == ' ') add_act(st, A_CMD_FAIL, s + 3, len - 3, lineno);
        else if (len >= 2 && s[0] == '$' && s[1] == ' ') add_act(st, A_CMD, s + 2, len - 2, lineno);
        else if (len >= 8 && !strncmp(s, "expect: ", 8)) add_act(st, A_EXPECT, s + 8, len - 8, lineno);
        else if (len >= 8 && !strncmp(s, "expect~ ", 8)) add_act(st, A_EXPECT_RE, s + 8, len - 8, lineno);
        else if (len >= 8 && !strncmp(s, "expect! ", 8)) add_act(st, A_EXPECT_NOT, s + 8, len - 8, lineno);
        else if (len >= 6 && !strncmp(s, "expect", 6)) {
            tz_errf(e, TZ_E_FORMAT, "%s, satır %d: 'expect' satırı anlaşılmadı (expect: / expect~ / expect! olmalı).",
                    "%s, line %d: cannot read this 'expect' line (use expect: / expect~ / expect!).", path, lineno);
            lesson_free(l);
            tz_file_unmap(&f);
            return NULL;
        } else add_act(st, A_PROSE, s, len, lineno);
    }
    tz_file_unmap(&f);
    if (!l->title || l->nsteps == 0) {
        tz_errf(e, TZ_E_FORMAT, "%s: ders dosyası '# Başlık' ile başlamalı ve en az bir '## Adım' içermeli.",
                "%s: a lesson file starts with '# Title' and holds at least one '## Step'.", path);
        lesson_free(l);
        return NULL;
    }
    /* A regex that does not compile is the lesson author's bug: report it at load time. */
    for (int si = 0; si < l->nsteps; si++)
        for (int a = 0; a < l->steps[si].nacts; a++) {
            Action *ac = &l->steps[si].acts[a];
            if (ac->kind != A_EXPECT_RE) continue;
            regex_t re;
            if (regcomp(&re, ac->text, REG_EXTENDED | REG_NOSUB) != 0) {
                tz_errf(e, TZ_E_FORMAT, "%s, satır %d: düzenli ifade derlenemedi: %s",
                        "%s, line %d: the regular expression does not compile: %s", path, ac->line, ac->text);
                lesson_free(l);
                return NULL;
            }
            regfree(&re);
        }
    return l;
}

/* --- showing and running a step -------------------------------------------------------- */

/* Prose with `code` in the command colour and **bold** in bold (markers removed). */
static void say_prose(const char *s)
{
    char *out = tz_malloc(strlen(s) * 6 + 64);   /* each marker may become a 4-5 byte escape */
    size_t o = 0;
    int code = 0, bold = 0;
    for (const char *p = s; *p; p++) {
        const char *ins = NULL;
        if (*p == '`') { code = !code; ins = code ? col_cmd() : col_off(); }
        else if (p[0] == '*' && p[1] == '*') { bold = !bold; ins = bold ? col_bold() : col_off(); p++; }
        if (ins) { size_t k = strlen(ins); memcpy(out + o, ins, k); o += k; continue; }
        out[o++] = *p;
    }
    out[o] = '\0';
    say("%s%s\n", out, col_off());
    free(out);
}

typedef struct { int checks, passed, cmds_failed; } StepResult;

static int expect_ok(const Action *ac, const char *output)
{
    if (ac->kind == A_EXPECT) return strstr(output, ac->text) != NULL;
    if (ac->kind == A_EXPECT_NOT) return strstr(output, ac->text) == NULL;
    regex_t re;
    if (regcomp(&re, ac->text, REG_EXTENDED | REG_NOSUB) != 0) return 0;
    int ok = regexec(&re, output, 0, NULL, 0) == 0;
    regfree(&re);
    return ok;
}

static void run_step(Lesson *l, int si, int verbose, StepResult *r)
{
    Step *st = &l->steps[si];
    say("\n%s── %s %d · %s %d/%d%s%s ──%s\n", col_bold(), M("Ders", "Lesson"), l->number, M("Adım", "Step"), si + 1,
        l->nsteps, st->title[0] ? ": " : "", st->title, col_off());
    char *output = tz_strdup("");
    int saved_sync = g_app.sync_jobs;
    g_app.sync_jobs = 1;          /* the checks need each command's whole output */
    for (int a = 0; a < st->nacts; a++) {
        Action *ac = &st->acts[a];
        switch (ac->kind) {
        case A_PROSE: say_prose(ac->text); break;
        case A_CMD:
        case A_CMD_FAIL: {
            say("%stezgah> %s%s\n", col_cmd(), ac->text, col_off());
            free(output);
            /* In a script, errors name the lesson line rather than the script's. */
            long saved_line = g_script_line;
            const char *saved_name = g_script_name;
            if (g_script_line > 0) { g_script_line = ac->line; g_script_name = l->path; }
            out_capture_start();
            int failed = app_run_line(ac->text);
            output = out_capture_take();
            g_script_line = saved_line;
            g_script_name = saved_name;
            int bad = (ac->kind == A_CMD) ? failed != 0 : failed == 0;
            if (bad) {
                r->cmds_failed++;
                say("%s✗ %s (%s:%d)%s\n", col_err(),
                    ac->kind == A_CMD ? M("komut başarısız oldu", "the command failed")
                                      : M("bu komutun hata vermesi bekleniyordu", "this command was expected to fail"),
                    l->path, ac->line, col_off());
            }
            break;
        }
        default: {
            r->checks++;
            int ok = expect_ok(ac, output);
            r->passed += ok;
            if (!ok)
                say("%s✗ %s: %s  (%s:%d)%s\n", col_err(), M("beklenen çıktı tutmadı", "expected output not found"),
                    ac->text, l->path, ac->line, col_off());
            else if (verbose)
                say("%s✓ %s%s\n", col_ok(), ac->text, col_off());
        }
        }
    }
    g_app.sync_jobs = saved_sync;
    free(output);
}

static void hint(void)
{
    say("%s%s%s\n", col_dim(),
        M("(Enter: sonraki adım · prev: önceki · again: yeniden · lesson stop: dersi bitir)",
          "(Enter: next step · prev: previous · again: repeat · lesson stop: end the lesson)"),
        col_off());
}

static int show(int si)
{
    Lesson *l = g_app.lesson;
    StepResult r = { 0 };
    l->cur = si;
    run_step(l, si, 0, &r);
    if (si + 1 >= l->nsteps) {
        say("\n%s%s%s\n", col_ok(), M("Ders bitti. Tebrikler! 'lesson list' öteki dersleri gösterir.",
                                     "The lesson is over. Well done! 'lesson list' shows the others."), col_off());
        lesson_free_all();
    } else hint();
    return (r.cmds_failed || r.passed < r.checks) ? 1 : 0;
}

int lesson_active(void) { return g_app.lesson != NULL; }

void lesson_prompt(char *buf, size_t n)
{
    Lesson *l = g_app.lesson;
    if (!l) { buf[0] = '\0'; return; }
    snprintf(buf, n, "%s %d · %d/%d", M("ders", "lesson"), l->number, l->cur + 1, l->nsteps);
}

const char *lesson_title(int i)
{
    static char title[256];
    char p[4200];
    title[0] = '\0';
    if (!find_lesson(i, p, sizeof p)) return NULL;
    FILE *f = fopen(p, "r");
    if (!f) return NULL;
    if (fgets(title, sizeof title, f)) {
        title[strcspn(title, "\r\n")] = '\0';
        if (title[0] == '#' && title[1] == ' ') memmove(title, title + 2, strlen(title + 2) + 1);
    }
    fclose(f);
    return title;
}

int lesson_step_cmd(const char *what)
{
    Lesson *l = g_app.lesson;
    if (!l) {
        say_error("%s", M("şu an bir ders yok; 'lesson list' dersleri, 'lesson 0' ilkini başlatır.",
                          "no lesson is running; 'lesson list' lists them, 'lesson 0' starts the first."));
        return 1;
    }
    if (!strcmp(what, "next")) return show(l->cur + 1);
    if (!strcmp(what, "prev")) {
        if (l->cur <= 0) { say("%s\n", M("zaten ilk adımdasınız.", "this is already the first step.")); return 0; }
        return show(l->cur - 1);
    }
    return show(l->cur < 0 ? 0 : l->cur);   /* again */
}

static int parse_number(const char *s, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < 0 || v > 99) return 0;
    *out = (int)v;
    return 1;
}

static Lesson *open_lesson(const char *arg)
{
    int num;
    if (!parse_number(arg, &num)) {
        say_error(M("'%s' bir ders numarası değil; 'lesson list' dersleri listeler.",
                    "'%s' is not a lesson number; 'lesson list' lists the lessons."), arg);
        return NULL;
    }
    char p[4200];
    if (!find_lesson(num, p, sizeof p)) {
        say_error(M("%d numaralı ders yok; %d ders var (0-%d). 'lesson list' hepsini gösterir.",
                    "there is no lesson %d; there are %d (0-%d). 'lesson list' shows them."),
                  num, lesson_count(), lesson_count() - 1);
        return NULL;
    }
    TzErr e;
    Lesson *l = lesson_parse(p, num, &e);
    if (!l) say_tzerr(&e);
    return l;
}

int lesson_cmd(Args *a)
{
    const char *sub = a->argv[1];
    if (!strcmp(sub, "list")) {
        int n = lesson_count();
        if (n == 0) {
            say_error(M("ders bulunamadı (%s/lessons boş mu?).", "no lessons found (is %s/lessons empty?)."), g_app.root);
            return 1;
        }
        for (int i = 0; i < n; i++) say("  %2d  %s\n", i, lesson_title(i));
        say("%s\n", M("Başlatmak için: lesson N", "To start one: lesson N"));
        return 0;
    }
    if (!strcmp(sub, "next") || !strcmp(sub, "prev") || !strcmp(sub, "again")) return lesson_step_cmd(sub);
    if (!strcmp(sub, "stop")) {
        if (!g_app.lesson) { say("%s\n", M("şu an bir ders yok.", "no lesson is running.")); return 0; }
        lesson_free_all();
        say("%s\n", M("ders bitirildi.", "lesson ended."));
        return 0;
    }
    if (!strcmp(sub, "run")) {
        if (a->argc != 3) {
            say_error("%s", M("kullanım: lesson run N", "usage: lesson run N"));
            return 1;
        }
        Lesson *l = open_lesson(a->argv[2]);
        if (!l) return 1;
        StepResult r = { 0 };
        for (int s = 0; s < l->nsteps; s++) run_step(l, s, 1, &r);
        int ok = r.cmds_failed == 0 && r.passed == r.checks;
        say("\n%s%s %d: %d/%d %s, %d %s%s\n", ok ? col_ok() : col_err(), M("ders", "lesson"), l->number,
            r.passed, r.checks, M("denetim tuttu", "checks passed"), r.cmds_failed,
            M("komut hatası", "command failures"), col_off());
        lesson_free(l);
        return ok ? 0 : 1;
    }
    if (a->argc != 2) {
        say_error(M("fazla argüman. Kullanım: %s", "too many arguments. Usage: %s"),
                  "lesson list|N|next|prev|again|stop|run N");
        return 1;
    }
    Lesson *l = open_lesson(sub);
    if (!l) return 1;
    lesson_free_all();
    g_app.lesson = l;
    step_yield();                       /* plain next/prev now go to the lesson */
    say("%s%s%s\n", col_bold(), l->title, col_off());
    return show(0);
}
