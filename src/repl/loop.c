/* loop.c — see loop.h.
 *
 * Interactive: readline owns the input line, we own the loop.
 *
 *     rl_callback_handler_install(prompt, on_line)
 *     loop: poll(stdin + signal pipe, 100 ms while a job runs)
 *           stdin ready     -> rl_callback_read_char()   (may call on_line)
 *           SIGINT arrived  -> cancel the job, or clear the input line
 *           a job is running -> redraw its progress line, finish it when it ends
 *
 * readline's own signal handling is turned off (rl_catch_signals = 0): SIGINT only sets a
 * flag and writes a byte to a pipe, so Ctrl-C never kills the session.
 */
#include "loop.h"
#include "app.h"
#include "i18n.h"
#include "out.h"
#include "scene.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <readline/history.h>
#include <readline/readline.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void on_sigint(int sig)
{
    (void)sig;
    int saved = errno;
    g_sigint = 1;
    if (g_sigpipe[1] >= 0) { ssize_t r = write(g_sigpipe[1], "c", 1); (void)r; }
    errno = saved;
}

void loop_install_signals(void)
{
    if (pipe(g_sigpipe) == 0) {
        for (int i = 0; i < 2; i++) {
            fcntl(g_sigpipe[i], F_SETFL, fcntl(g_sigpipe[i], F_GETFL) | O_NONBLOCK);
            fcntl(g_sigpipe[i], F_SETFD, FD_CLOEXEC);
        }
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* --- interactive ----------------------------------------------------------------------- */

static char history_path[4096];
static char prompt[256];

static const char *make_prompt(void)
{
    if (lesson_active()) {
        char l[128];
        lesson_prompt(l, sizeof l);
        snprintf(prompt, sizeof prompt, "[%s] tezgah> ", l);
    } else {
        snprintf(prompt, sizeof prompt, "tezgah> ");
    }
    return prompt;
}

static void on_line(char *line)
{
    if (!line) {                                   /* Ctrl-D on an empty line */
        printf("\n");
        g_app.quit = 1;
        return;
    }
    progress_forget();
    char *p = line;
    while (*p == ' ' || *p == '\t') p++;
    if (*p) {
        add_history(line);
        if (history_path[0] && append_history(1, history_path) != 0) write_history(history_path);
        app_run_line(line);
    } else if (lesson_active()) {
        lesson_step_cmd("next");                   /* Enter in a lesson: the next step */
    }
    free(line);
    if (!g_app.quit) rl_set_prompt(make_prompt());
}

static void drain_sigpipe(void)
{
    char buf[64];
    while (read(g_sigpipe[0], buf, sizeof buf) > 0) {}
}

int loop_interactive(void)
{
    const char *home = getenv("HOME");
    const char *hp = getenv("TEZGAH_HISTORY");
    if (hp) snprintf(history_path, sizeof history_path, "%s", hp);
    else if (home) snprintf(history_path, sizeof history_path, "%s/.tezgah_history", home);
    using_history();
    stifle_history(2000);
    if (history_path[0]) read_history(history_path);

    rl_catch_signals = 0;
    rl_catch_sigwinch = 1;
    rl_readline_name = "tezgah";
    complete_install();
    say(M("tezgah — dil modelleri tezgâhı. 'help' komutları, 'lesson list' dersleri listeler; çıkmak için 'quit' ya da Ctrl-D.\n",
          "tezgah — a workbench for language models. 'help' lists the commands, 'lesson list' the lessons; 'quit' or Ctrl-D leaves.\n"));
    rl_callback_handler_install(make_prompt(), on_line);

    while (!g_app.quit) {
        struct pollfd fds[2] = { { .fd = 0, .events = POLLIN }, { .fd = g_sigpipe[0], .events = POLLIN } };
        int timeout = scene_poll_timeout(g_app.job != NULL);
        int r = poll(fds, 2, timeout);
        if (r < 0 && errno != EINTR) break;
        if (g_sigint) {
            g_sigint = 0;
            drain_sigpipe();
            if (g_app.job) {
                app_cancel_job();
                app_async_begin();
                say("%s\n", M("^C — iş durduruluyor…", "^C — stopping the job…"));
                app_async_end();
            } else {
                /* Ctrl-C at an idle prompt: forget the line, start a fresh one. */
                rl_callback_sigcleanup();
                rl_free_line_state();
                rl_replace_line("", 0);
                printf("^C\n");
                rl_on_new_line();
                rl_redisplay();
            }
        }
        if (r > 0 && (fds[0].revents & (POLLIN | POLLHUP))) rl_callback_read_char();
        app_poll_job(1);
        scene_frame();
    }
    rl_callback_handler_remove();
    if (g_app.job) { app_cancel_job(); app_wait_job(); }
    if (history_path[0]) history_truncate_file(history_path, 2000);
    return 0;
}

/* --- scripts and pipes ----------------------------------------------------------------- */

int loop_script(FILE *f, const char *name)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0;
    g_script_name = name;
    while (!g_app.quit && (n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (g_sigint) { g_sigint = 0; g_app.failures++; break; }   /* Ctrl-C between commands */
        g_script_line = lineno;
        char *p = line;
        while (*p == ' ' || *p == '\t') p++;
        if (*p == '\0' || *p == '\n') {
            if (lesson_active()) g_app.failures += lesson_step_cmd("next");
            continue;
        }
        g_app.failures += app_run_line(line);
    }
    free(line);
    g_script_line = 0;
    g_script_name = NULL;
    return g_app.failures ? 1 : 0;
}

int loop_commands(const char *text)
{
    g_script_name = "-c";
    g_script_line = 1;
    g_app.failures += app_run_line(text);
    g_script_line = 0;
    g_script_name = NULL;
    return g_app.failures ? 1 : 0;
}
