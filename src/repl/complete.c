/* complete.c — Tab completion, driven by the command table.
 *
 * What is completed depends on where the cursor is:
 *   first word                  → command names
 *   second word, command has sub-commands → sub-commands (and, for corpus, corpus names + files)
 *   a word after `key=`         → the key's values (corpus=, lang=, file=…)
 *   any other word              → the command's key= options, plus its positional kind:
 *                                 files, corpus names, lesson numbers, or vocabulary words
 * '=' is a word-break character, so "mode=sk<Tab>" completes the value after it.
 */
#include "app.h"
#include "i18n.h"
#include "loop.h"

#include <readline/readline.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Candidates are gathered into a list, then handed to readline one by one. */
static char **cand;
static size_t ncand, capcand;

static void add(const char *s, const char *prefix, size_t plen)
{
    if (strncmp(s, prefix, plen) != 0) return;
    for (size_t i = 0; i < ncand; i++) if (strcmp(cand[i], s) == 0) return;
    if (ncand + 1 >= capcand) {
        capcand = capcand ? 2 * capcand : 64;
        cand = realloc(cand, capcand * sizeof *cand);
    }
    cand[ncand++] = strdup(s);
}

static void add_words(const char *list, const char *prefix, size_t plen, const char *suffix)
{
    if (!list) return;
    char buf[128];
    for (const char *p = list; *p;) {
        while (*p == ' ') p++;
        const char *e = strchr(p, ' ');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len && len < 100) {
            snprintf(buf, sizeof buf, "%.*s%s", (int)len, p, suffix);
            add(buf, prefix, plen);
        }
        p += len;
    }
}

static size_t gen_i;
static char *gen(const char *text, int state)
{
    (void)text;
    if (state == 0) gen_i = 0;
    return gen_i < ncand ? strdup(cand[gen_i++]) : NULL;   /* readline frees what it gets */
}

static void reset(void)
{
    for (size_t i = 0; i < ncand; i++) free(cand[i]);
    ncand = 0;
}

static void add_corpora(const char *text, size_t n)
{
    const char *const *names = dataset_names();
    for (int i = 0; names[i]; i++) add(names[i], text, n);
}

static void add_vocab(const char *text, size_t n)
{
    /* The current model's words, else the corpus's; frequency order, at most 500. */
    const Model *m = model_current();
    const Vocab *v = m ? &m->vec.words : g_app.corpus ? &g_app.corpus->vocab : NULL;
    if (!v) return;
    for (size_t i = 0; i < v->size && ncand < 500; i++) add(vocab_word(v, i), text, n);
}

static void add_models(const char *text, size_t n)
{
    for (int i = 0; i < g_app.nmodels; i++) add(g_app.models[i]->name, text, n);
}

static void add_lessons(const char *text, size_t n)
{
    char buf[16];
    for (int i = 0; i < lesson_count(); i++) { snprintf(buf, sizeof buf, "%d", i); add(buf, text, n); }
}

/* Split the line before the cursor into words (quotes respected); return the word count
 * and the command word of the current `;`-separated command. */
static int words_before(int start, char *cmd, size_t cmdsz, char *prevkey, size_t pksz)
{
    const char *line = rl_line_buffer;
    int seg = 0;
    char q = 0;
    for (int i = 0; i < start; i++) {
        if (q) { if (line[i] == q) q = 0; }
        else if (line[i] == '"' || line[i] == '\'') q = line[i];
        else if (line[i] == ';') seg = i + 1;
    }
    int nwords = 0;
    cmd[0] = prevkey[0] = '\0';
    int i = seg;
    while (i < start) {
        while (i < start && line[i] == ' ') i++;
        if (i >= start) break;
        int ws = i;
        q = 0;
        while (i < start && (q || line[i] != ' ')) {
            if (q) { if (line[i] == q) q = 0; }
            else if (line[i] == '"' || line[i] == '\'') q = line[i];
            i++;
        }
        if (nwords == 0) snprintf(cmd, cmdsz, "%.*s", i - ws, line + ws);
        nwords++;
    }
    /* Is the word under the cursor the value of a key=? (text starts after the '=') */
    if (start > 0 && line[start - 1] == '=') {
        int ks = start - 1;
        while (ks > seg && line[ks - 1] != ' ') ks--;
        snprintf(prevkey, pksz, "%.*s", start - 1 - ks, line + ks);
    }
    return nwords;
}

static char **attempt(const char *text, int start, int end)
{
    (void)end;
    reset();
    rl_attempted_completion_over = 1;   /* never fall back to readline's file names by itself */
    size_t n = strlen(text);
    char cmd[128], key[128];
    int nw = words_before(start, cmd, sizeof cmd, key, sizeof key);

    if (nw == 0) {
        for (const Command *c = g_commands; c->name; c++) add(c->name, text, n);
        return rl_completion_matches(text, gen);
    }
    const Command *c = command_find(cmd);
    if (!c) return NULL;

    if (key[0]) {                       /* a value after key= */
        rl_completion_append_character = ' ';
        if (!strcmp(key, "corpus")) add_corpora(text, n);
        else if (!strcmp(key, "lang")) add_words("tr en", text, n, "");
        else if (!strcmp(key, "model") || !strcmp(key, "tokenizer")) add_models(text, n);
        else if (!strcmp(key, "decay")) add_words("linear cosine", text, n, "");   /* train bert */
        else if (!strcmp(key, "format") && !strcmp(cmd, "save"))
            add_words("w2v-bin w2v-txt projector fasttext-bin fasttext-vec tezgah-lm tezgah-clf tezgah-gpt safetensors", text, n, "");
        else if (!strcmp(key, "file") || !strcmp(key, "out") || !strcmp(key, "csv") || !strcmp(key, "export")) return rl_completion_matches(text, rl_filename_completion_function);
        else return NULL;
        return rl_completion_matches(text, gen);
    }

    if (nw == 1 && c->subs) add_words(c->subs, text, n, "");
    int files = 0;
    switch (c->comp) {
    case COMP_CMD: if (nw == 1) for (const Command *k = g_commands; k->name; k++) add(k->name, text, n); break;
    case COMP_LANG: if (nw == 1) add_words("tr en", text, n, ""); break;
    case COMP_CORPUS: if (nw == 1) { add_corpora(text, n); files = 1; } break;
    case COMP_LESSON: if (nw == 1) add_lessons(text, n); break;
    case COMP_WORD: add_vocab(text, n); break;
    case COMP_FILE: files = 1; break;
    case COMP_NONE: break;
    }
    if (!strcmp(cmd, "lesson") && nw == 2) add_lessons(text, n);   /* lesson run N */
    if (!strcmp(cmd, "attention") && nw >= 2) add("all", text, n);  /* attention "TEXT" all */
    if ((!strcmp(cmd, "info") && nw == 1) || (!strcmp(cmd, "save") && nw == 1)) add_models(text, n);
    add_words(c->keys, text, n, "=");
    if (files) {
        /* Files too: ask readline for them and merge. */
        char *f;
        for (int st = 0; (f = rl_filename_completion_function(text, st)); st++) {
            add(f, text, n);
            free(f);
        }
        rl_filename_completion_desired = 1;
    }
    /* A key= candidate should not get a space after it. */
    if (ncand == 1 && cand[0][strlen(cand[0]) - 1] == '=') rl_completion_append_character = '\0';
    else rl_completion_append_character = ' ';
    if (ncand == 0) return NULL;
    return rl_completion_matches(text, gen);
}

void complete_install(void)
{
    rl_attempted_completion_function = attempt;
    rl_basic_word_break_characters = " \t\n\"'=;";
    rl_completer_quote_characters = "\"'";
}
