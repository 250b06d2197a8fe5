/* app.c — dispatch of commands through the table, and the life of a job.
 *
 * Checks done here, for every command, before it runs: the name exists (else "did you mean"),
 * the number of positional arguments is within the table's range (else the usage line),
 * every key= option is one the command accepts (else the list of those it does), and a
 * command that would start a job is refused while another job runs.
 */
#include "app.h"
#include "i18n.h"
#include "out.h"
#include "scene.h"

#include "core/utf8.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <readline/readline.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

App g_app;
volatile sig_atomic_t g_sigint = 0;
int g_sigpipe[2] = { -1, -1 };

static int key_allowed(const Command *c, const char *key)
{
    size_t n = strlen(key);
    for (const char *p = c->keys; p && *p;) {
        while (*p == ' ') p++;
        const char *e = strchr(p, ' ');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncmp(p, key, n) == 0) return 1;
        p += len;
    }
    return 0;
}

static int run_one(const char *text)
{
    Args a;
    TzErr e;
    if (parse_command(text, &a, &e)) { say_tzerr(&e); return 1; }
    if (a.argc == 0) {
        int options = a.nkv;
        args_free(&a);
        if (options == 0) return 0;
        say_error("%s", M("komut adı eksik: satır bir seçenekle (ad=değer) başlıyor.",
                          "missing command name: the line starts with an option (key=value)."));
        return 1;
    }
    const Command *c = command_find(a.argv[0]);
    int rc = 1;
    if (!c) {
        const char *s = command_suggest(a.argv[0]);
        if (s) say_error(M("bilinmeyen komut '%s' — '%s' mı demek istediniz?",
                           "unknown command '%s' — did you mean '%s'?"), a.argv[0], s);
        else say_error(M("bilinmeyen komut '%s'; 'help' komutları listeler.",
                         "unknown command '%s'; 'help' lists the commands."), a.argv[0]);
        goto out;
    }
    int npos = a.argc - 1;
    if (npos < c->min_pos || (c->max_pos >= 0 && npos > c->max_pos)) {
        say_error(M("%s: %s argüman. Kullanım: %s", "%s: %s arguments. Usage: %s"), c->name,
                  npos < c->min_pos ? M("eksik", "too few") : M("fazla", "too many"),
                  M(c->usage_tr, c->usage_en));
        goto out;
    }
    for (int i = 0; i < a.nkv; i++)
        if (!key_allowed(c, a.kv[i].key)) {
            if (c->keys && *c->keys)
                say_error(M("%s: '%s=' diye bir seçenek yok; seçenekler: %s", "%s: there is no option '%s='; options: %s"),
                          c->name, a.kv[i].key, c->keys);
            else
                say_error(M("%s: '%s=' diye bir seçenek yok; bu komut seçenek almaz.",
                            "%s: there is no option '%s='; this command takes none."), c->name, a.kv[i].key);
            goto out;
        }
    if (g_app.job && !c->while_job) {
        say_error(M("bir iş çalışıyor (%s bekliyor). Bitmesini bekleyin ya da 'stop' yazın.",
                    "a job is running ('%s' has to wait). Wait for it to finish or type 'stop'."), c->name);
        goto out;
    }
    rc = c->fn(&a) ? 1 : 0;
out:
    args_free(&a);
    return rc;
}

int app_run_line(const char *line)
{
    /* Everything is UTF-8: a line that is not (a Latin-5 terminal, a binary paste) is refused
     * whole, before any word of it is looked up or printed back. */
    size_t len = strlen(line), bad = utf8_validate(line, len);
    if (bad < len) {
        say_error(M("satır geçerli UTF-8 değil (%zu. bayt = 0x%02X); uçbirimin kodlamasını UTF-8 yapın.",
                    "the line is not valid UTF-8 (byte %zu = 0x%02X); set the terminal's encoding to UTF-8."),
                  bad + 1, (unsigned)(unsigned char)line[bad]);
        return 1;
    }
    char **cmds = split_commands(line);
    int failed = 0;
    for (char **p = cmds; *p && !g_app.quit; p++) failed += run_one(*p);
    free_strv(cmds);
    return failed;
}

/* --- jobs ------------------------------------------------------------------------------ */

static int progress_on_screen;   /* interactive: the line above the prompt is our progress */

/* "1.33M word/s" — "1,33M sözcük/sn" in Turkish: the decimal mark and the unit of time
 * follow the language, as everywhere else. */
static void human_rate(double v, const char *unit, char *buf, size_t n)
{
    char b[32];
    const char *per = M("sn", "s");
    if (strcmp(unit, "B") == 0) {
        if (v >= 1e6) snprintf(buf, n, "%s MB/%s", fmt_real(v / 1e6, 1, b), per);
        else snprintf(buf, n, "%s kB/%s", fmt_real(v / 1e3, 0, b), per);
    } else if (*unit) {
        if (v >= 1e6) snprintf(buf, n, "%sM %s/%s", fmt_real(v / 1e6, 2, b), unit, per);
        else if (v >= 1e4) snprintf(buf, n, "%sk %s/%s", fmt_real(v / 1e3, 1, b), unit, per);
        else snprintf(buf, n, "%s %s/%s", fmt_real(v, 1, b), unit, per);
    } else buf[0] = '\0';
}

/* "41/200" when the items have no unit to make a rate of. */
static void steps_of(const JobProgress *p, char *buf, size_t n)
{
    snprintf(buf, n, "%lld/%lld", (long long)p->step, (long long)p->total);
}

void progress_format(const JobProgress *p, char *buf, size_t n)
{
    char rate[48], eta[48] = "", loss[96] = "";
    if (*p->unit) human_rate(p->rate, p->unit, rate, sizeof rate);
    else steps_of(p, rate, sizeof rate);
    double pct = p->total > 0 ? 100.0 * (double)p->step / (double)p->total : 0;
    if (p->eta >= 0) snprintf(eta, sizeof eta, M("  kalan %.0f sn", "  ETA %.0fs"), p->eta);
    char b[32], pb[32];
    if (p->has_loss) snprintf(loss, sizeof loss, M("  kayıp %s", "  loss %s"), fmt_real(p->loss, 4, b));
    if (p->has_val) {   /* a held-out loss beside it (train gpt) */
        size_t k = strlen(loss);
        snprintf(loss + k, sizeof loss - k, M("  doğrulama %s", "  val %s"), fmt_real(p->val_loss, 4, b));
    }
    if (p->has_aux) {   /* a second loss trained beside it (train bert: NSP) */
        size_t k = strlen(loss);
        snprintf(loss + k, sizeof loss - k, "  %s %s", p->aux_name, fmt_real(p->aux_loss, 3, b));
        if (p->has_aux_val) {
            k = strlen(loss);
            snprintf(loss + k, sizeof loss - k, M(" (doğrulama %s)", " (val %s)"), fmt_real(p->aux_val, 3, b));
        }
    }
    if (p->opt_total > 0) {   /* the optimiser's step, when the items are tokens */
        size_t k = strlen(loss);
        snprintf(loss + k, sizeof loss - k, M("  adım %lld/%lld", "  step %lld/%lld"), (long long)p->opt_step,
                 (long long)p->opt_total);
    }
    int bar = (int)(pct / 5);
    char bars[24];
    for (int i = 0; i < 20; i++) bars[i] = i < bar ? '#' : '.';
    bars[20] = '\0';
    fmt_real(pct, 1, pb);
    snprintf(buf, n, M("[%s] %s %%%5s  %s%s%s  (Ctrl-C: %s)", "[%s] %s %5s%%  %s%s%s  (Ctrl-C: %s)"), bars, p->what, pb,
             rate, loss, eta, M("durdur", "stop"));
}

void app_async_begin(void)
{
    if (!g_app.interactive) return;
    fputs("\r\033[K", stdout);                     /* clear the prompt line */
    if (progress_on_screen) fputs("\033[A\r\033[K", stdout);
    progress_on_screen = 0;
}

void app_async_end(void)
{
    if (!g_app.interactive) return;
    fflush(stdout);
    rl_on_new_line();
    rl_redisplay();
}

void progress_forget(void)
{
    progress_on_screen = 0;
}

void progress_clear(void)
{
    if (g_app.interactive) {
        if (progress_on_screen) { app_async_begin(); app_async_end(); }
    } else if (isatty(2)) {
        fputs("\r\033[K", stderr);
    }
}

static void progress_draw(void)
{
    JobProgress p;
    char line[300];
    job_progress(g_app.job, &p);
    progress_format(&p, line, sizeof line);
    if (g_app.interactive && !g_app.sync_jobs) {
        app_async_begin();
        printf("%s%s%s\n", col_dim(), line, col_off());
        progress_on_screen = 1;
        app_async_end();
    } else if (g_app.interactive) {
        printf("\r\033[K%s%s%s", col_dim(), line, col_off());   /* waiting in a lesson */
        fflush(stdout);
    } else if (isatty(2)) {
        fprintf(stderr, "\r\033[K%s", line);
        fflush(stderr);
    }
}

/* The job has ended: join it and run its done function on this thread. */
static int finish_job(void)
{
    TzErr e;
    tz_err_clear(&e);
    Job *j = g_app.job;
    JobDoneFn done = g_app.job_done;
    void *arg = g_app.job_arg;
    g_app.job = NULL;
    int rc = job_wait(j, &e);
    if (g_app.interactive && !g_app.sync_jobs) app_async_begin();
    else if (g_app.interactive) { fputs("\r\033[K", stdout); fflush(stdout); }
    else if (isatty(2)) { fputs("\r\033[K", stderr); fflush(stderr); }
    done(rc, &e, arg);
    models_reap();          /* models replaced while the job ran: nothing reads them now */
    if (g_app.interactive && !g_app.sync_jobs) app_async_end();
    return rc;
}

/* Feed the loss curve: a job's first reported loss starts a new series. */
void app_job_curve(const char *label)
{
    snprintf(g_app.next_curve, sizeof g_app.next_curve, "%s", label);
}

static void record_loss(const JobProgress *p)
{
    static unsigned long series_of;   /* a job's serial, not its address: a freed job's
                                          * memory is often the next job's */
    static double last_val, last_aux_val;
    if (!p->has_loss || !g_app.job_curve[0]) return;
    if (series_of != g_app.job_serial) {
        series_of = g_app.job_serial;
        scene_loss_begin(g_app.job_curve);
        last_val = last_aux_val = NAN;
    }
    /* x: the optimiser's steps when the job reports them (its items are tokens), else its items */
    double x = p->opt_total > 0 ? (double)p->opt_step : (double)p->step;
    scene_loss_point(x, p->loss);
    if (p->has_val && p->val_loss != last_val) {   /* a new held-out evaluation */
        last_val = p->val_loss;
        scene_loss_val_point(x, p->val_loss);
    }
    if (p->has_aux) {   /* a second loss: its own series, named like the curve with its name last
                           ("bert-tr · MLM" → "bert-tr · NSP") */
        char label[128];
        const char *dot = strstr(g_app.job_curve, " · "), *d;
        while (dot && (d = strstr(dot + 1, " · "))) dot = d;
        int keep = dot ? (int)(dot - g_app.job_curve) : (int)strlen(g_app.job_curve);
        snprintf(label, sizeof label, "%.*s · %s", keep, g_app.job_curve, p->aux_name);
        scene_loss_aux_point(p->aux_name, label, x, p->aux_loss, 0);
        if (p->has_aux_val && p->aux_val != last_aux_val) {
            last_aux_val = p->aux_val;
            scene_loss_aux_point(p->aux_name, label, x, p->aux_val, 1);
        }
    }
}

void app_poll_job(int draw)
{
    if (!g_app.job) return;
    JobProgress p;
    int running = job_progress(g_app.job, &p);
    record_loss(&p);
    if (!running) { finish_job(); return; }
    double now = tz_now();
    if (draw && now - g_app.job_last_draw > 0.2) {
        g_app.job_last_draw = now;
        progress_draw();
    }
}

int app_cancel_job(void)
{
    if (!g_app.job) return 0;
    job_cancel(g_app.job);
    return 1;
}

int app_wait_job(void)
{
    while (g_app.job) {
        struct pollfd pfd = { .fd = g_sigpipe[0], .events = POLLIN };
        int r = poll(&pfd, g_sigpipe[0] >= 0 ? 1 : 0, scene_poll_timeout(1));
        scene_frame();   /* the window stays live while a script or a lesson waits */
        if (r > 0) { char buf[64]; while (read(g_sigpipe[0], buf, sizeof buf) > 0) {} }
        if (g_sigint) {
            g_sigint = 0;
            job_cancel(g_app.job);
        }
        JobProgress p;
        int running = job_progress(g_app.job, &p);
        record_loss(&p);
        if (!running) return finish_job();
        double now = tz_now();
        if (now - g_app.job_last_draw > 0.2) { g_app.job_last_draw = now; progress_draw(); }
    }
    return 0;
}

int app_start_job(const char *what, const char *unit, JobFn fn, void *arg, JobDoneFn done)
{
    TZ_ASSERT(!g_app.job);   /* run_one refuses a second job before its command runs */
    g_app.job_done = done;
    g_app.job_arg = arg;
    g_app.job_last_draw = tz_now();
    memcpy(g_app.job_curve, g_app.next_curve, sizeof g_app.job_curve);
    g_app.next_curve[0] = '\0';
    g_app.job_serial++;
    g_app.job = job_start(what, unit, fn, arg);
    if (g_app.sync_jobs || !g_app.interactive) {
        int rc = app_wait_job();
        return rc ? 1 : 0;
    }
    return 0;
}

int app_take_sigint(void)
{
    if (!g_sigint) return 0;
    g_sigint = 0;
    char buf[64];
    if (g_sigpipe[0] >= 0)
        while (read(g_sigpipe[0], buf, sizeof buf) > 0) {}
    return 1;
}
