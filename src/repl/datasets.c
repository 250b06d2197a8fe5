/* datasets.c — the corpora the REPL knows by name.
 *
 * Two kinds: the real corpora that `make datasets` fetches and prepares into the cache
 * folder (described by its manifest.tsv), and the small corpora we wrote ourselves in
 * datasets/mini (always there, even offline).
 */
#include "app.h"
#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"

typedef struct { const char *name, *lang, *kind, *file; } Known;

static const Known known[] = {
    { "en",      "en", "fetched", "en.txt" },
    { "brown",   "en", "fetched", "brown.txt" },
    { "gcide",   "en", "fetched", "gcide.txt" },
    { "kjv",     "en", "fetched", "kjv.txt" },
    { "tr",      "tr", "fetched", "tr.txt" },
    { "mini-tr", "tr", "mini",    "tr.txt" },
    { "mini-en", "en", "mini",    "en.txt" },
    { "tiny-tr", "tr", "mini",    "tiny_tr.txt" },
    { "tiny-en", "en", "mini",    "tiny_en.txt" },
};
#define NKNOWN (sizeof known / sizeof *known)

static const char *names[NKNOWN + 1];

const char *const *dataset_names(void)
{
    for (size_t i = 0; i < NKNOWN; i++) names[i] = known[i].name;
    names[NKNOWN] = NULL;
    return names;
}

/* Read the manifest row for name: tab-separated, header
 * name file lang source version licence sentences tokens types. */
static void read_manifest(DatasetInfo *d)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/manifest.tsv", g_app.cache);
    FILE *f = fopen(path, "r");
    if (!f) return;
    char line[2048];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *field[9] = { 0 };
        int nf = 0;
        for (char *p = line; nf < 9;) {
            field[nf++] = p;
            char *t = strchr(p, '\t');
            if (!t) break;
            *t = '\0';
            p = t + 1;
        }
        if (nf < 9 || strcmp(field[0], d->name) != 0) continue;
        snprintf(d->source, sizeof d->source, "%s", field[3]);
        snprintf(d->version, sizeof d->version, "%s", field[4]);
        snprintf(d->licence, sizeof d->licence, "%s", field[5]);
        d->sentences = atoll(field[6]);
        d->tokens = atoll(field[7]);
        d->types = atoll(field[8]);
    }
    fclose(f);
}

static void fill(const Known *k, DatasetInfo *d)
{
    memset(d, 0, sizeof *d);
    d->name = k->name;
    d->lang = k->lang;
    d->kind = k->kind;
    if (strcmp(k->kind, "mini") == 0) {
        snprintf(d->path, sizeof d->path, "%.3900s/datasets/mini/%.100s", g_app.root, k->file);
        snprintf(d->source, sizeof d->source, "%s", M("tezgah için yazıldı", "written for tezgah"));
        snprintf(d->licence, sizeof d->licence, "%s", M("projenin lisansı", "project licence"));
        d->tokens = d->sentences = d->types = -1;
        d->prepared = 0;
    } else {
        snprintf(d->path, sizeof d->path, "%.3900s/%.100s", g_app.cache, k->file);
        d->prepared = 1;
        d->tokens = d->sentences = d->types = -1;
        read_manifest(d);
    }
    d->present = tz_exists(d->path) && !tz_is_dir(d->path);
}

int datasets_list(DatasetInfo *out, int max)
{
    int n = 0;
    for (size_t i = 0; i < NKNOWN && n < max; i++) fill(&known[i], &out[n++]);
    return n;
}

int dataset_find(const char *name, DatasetInfo *d, TzErr *e)
{
    for (size_t i = 0; i < NKNOWN; i++) {
        if (strcmp(known[i].name, name) != 0) continue;
        fill(&known[i], d);
        if (d->present) return 0;
        if (strcmp(d->kind, "fetched") == 0)
            return tz_errf(e, TZ_E_NOTFOUND,
                           "'%s' derlemi henüz indirilmedi (%s yok). Kabukta 'make datasets' çalıştırın; "
                           "bu arada çevrimdışı 'corpus mini-%s' kullanılabilir.",
                           "corpus '%s' has not been fetched yet (%s is missing). Run 'make datasets' in "
                           "the shell; meanwhile 'corpus mini-%s' works offline.",
                           name, d->path, d->lang);
        return tz_errf(e, TZ_E_NOTFOUND, "'%s' derlemi bulunamadı: %s yok (kurulum eksik mi?).",
                       "corpus '%s' not found: %s is missing (is the installation incomplete?).",
                       name, d->path);
    }
    return tz_errf(e, TZ_E_NOTFOUND, "'%s' diye bir derlem yok.", "there is no corpus named '%s'.", name);
}
