/* main.c — start-up: find our files, pick the language, then read commands from the
 * terminal (readline), from -c, from a script file, or from a pipe. */
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/corpus.h"
#include "core/io.h"
#include "repl/app.h"
#include "repl/i18n.h"
#include "repl/loop.h"
#include "repl/out.h"
#include "repl/scene.h"

#define TEZGAH_VERSION "0.1.0"

static void usage(void)
{
    printf("%s", M(
        "kullanım: tezgah [--headless] [--lang tr|en] [-c \"komut; komut\"] [betik.tz]\n"
        "  (argümansız: etkileşimli istem; standart girdi bir boru ise komutları oradan okur)\n"
        "  -c \"...\"     komutları çalıştırır ve çıkar\n"
        "  betik.tz     dosyadaki komutları satır satır çalıştırır\n"
        "  --headless   pencere açmaz (görünümler PNG dosyasına gider)\n"
        "  --lang tr|en arayüz dili (öntanımlı: yerel ayardan)\n"
        "  --prepare-corpus AD DİL HAM ÇIKTI   ham metni sözcüklere ayırıp hazır derlem yazar\n"
        "Çıkış durumu: bir komut başarısız olduysa 1.\n",
        "usage: tezgah [--headless] [--lang tr|en] [-c \"cmd; cmd\"] [script.tz]\n"
        "  (no arguments: the interactive prompt; if standard input is a pipe, commands are read from it)\n"
        "  -c \"...\"     runs the commands and exits\n"
        "  script.tz    runs the commands in the file, line by line\n"
        "  --headless   never opens a window (views go to PNG files)\n"
        "  --lang tr|en the interface language (default: from the locale)\n"
        "  --prepare-corpus NAME LANG RAW OUT  tokenizes raw text into a prepared corpus file\n"
        "Exit status: 1 if any command failed.\n"));
}

static int has_lessons(const char *dir)
{
    char p[PATH_MAX + 16];
    snprintf(p, sizeof p, "%s/lessons", dir);
    return tz_is_dir(p);
}

/* Our files (lessons/, datasets/) sit beside the program, or one folder up (build-asan/). */
static void find_root(void)
{
    const char *env = getenv("TEZGAH_HOME");
    if (env && *env) { snprintf(g_app.root, sizeof g_app.root, "%s", env); }
    else {
        char exe[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        int found = 0;
        if (n > 0) {
            exe[n] = '\0';
            for (int up = 0; up < 2 && !found; up++) {
                char *slash = strrchr(exe, '/');
                if (!slash) break;
                *slash = '\0';
                if (has_lessons(exe)) { snprintf(g_app.root, sizeof g_app.root, "%s", exe); found = 1; }
            }
        }
        if (!found && !getcwd(g_app.root, sizeof g_app.root)) snprintf(g_app.root, sizeof g_app.root, ".");
    }
    const char *cache = getenv("TEZGAH_CACHE");
    if (cache && *cache) snprintf(g_app.cache, sizeof g_app.cache, "%s", cache);
    else snprintf(g_app.cache, sizeof g_app.cache, "%.4070s/datasets/cache", g_app.root);
}

static int prepare_corpus(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: tezgah --prepare-corpus NAME tr|en RAW OUT\n");
        return 2;
    }
    TzLang lang = strcmp(argv[1], "tr") == 0 ? TZ_LANG_TR : TZ_LANG_EN;
    CorpusStats st;
    TzErr e;
    if (corpus_prepare(argv[2], argv[3], lang, &st, &e)) {
        fprintf(stderr, "tezgah: %s: %s\n", argv[0], M(e.tr, e.en));
        return 1;
    }
    printf("sentences=%zu tokens=%zu types=%zu\n", st.sentences, st.tokens, st.types);
    return 0;
}

int main(int argc, char **argv)
{
    /* Only the character type follows the locale (readline needs it to edit multi-byte
     * letters such as ç ğ ı); numbers are read and written in the C locale everywhere, so a
     * Turkish locale never turns 0.5 into 0,5 inside a file. */
    if (!setlocale(LC_CTYPE, "")) setlocale(LC_CTYPE, "C.UTF-8");
    g_lang = i18n_from_locale();
    g_app.current_model = -1;
    find_root();
    const char *cmds = NULL, *script = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-c") && i + 1 < argc) cmds = argv[++i];
        else if (!strcmp(a, "--headless")) g_app.headless = 1;
        else if (!strcmp(a, "--lang") && i + 1 < argc) {
            const char *l = argv[++i];
            if (strcmp(l, "tr") && strcmp(l, "en")) { fprintf(stderr, "tezgah: --lang tr|en\n"); return 2; }
            g_lang = !strcmp(l, "tr") ? TZ_LANG_TR : TZ_LANG_EN;
        }
        else if (!strcmp(a, "--prepare-corpus")) return prepare_corpus(argc - i - 1, argv + i + 1);
        else if (!strcmp(a, "-h") || !strcmp(a, "--help")) { usage(); return 0; }
        else if (!strcmp(a, "--version")) { printf("tezgah %s\n", TEZGAH_VERSION); return 0; }
        else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "%s", M("tezgah: bilinmeyen seçenek '", "tezgah: unknown option '"));
            fprintf(stderr, "%s'\n", a);
            usage();
            return 2;
        }
        else if (!script) script = a;
        else { usage(); return 2; }
    }
    if (!getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY")) g_app.headless = 1;
    const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
    loop_install_signals();

    int status;
    if (cmds) {
        g_app.sync_jobs = 1;
        status = loop_commands(cmds);
    } else if (script) {
        FILE *f = fopen(script, "r");
        if (!f) {
            fprintf(stderr, M("tezgah: '%s' betiği açılamadı.\n", "tezgah: cannot open the script '%s'.\n"), script);
            return 2;
        }
        g_app.sync_jobs = 1;
        status = loop_script(f, script);
        fclose(f);
    } else if (isatty(0)) {
        g_app.interactive = 1;
        g_color = isatty(1) && !(nc && *nc) && !(term && !strcmp(term, "dumb"));
        status = loop_interactive();
    } else {
        g_app.sync_jobs = 1;
        status = loop_script(stdin, "stdin");
    }
    scene_free_all();
    lesson_free_all();
    models_free_all();
    if (g_app.corpus) { corpus_free(g_app.corpus); free(g_app.corpus); }
    return status;
}
