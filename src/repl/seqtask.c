/* seqtask.c — recurrent sequence classifiers in the REPL (the chapter's "many-to-one" RNN):
 * `train lstm|gru|rnn task=…`, and `predict` / `test` when the model is one of them.
 *
 * Two kinds of task:
 *  - text: labelled lines in fastText's format ("__label__pos Loved every page."), our
 *    sentiment sets by name (sentiment-tr, sentiment-en: trained on LANG.txt, held out
 *    LANG.test.txt — the same split as `train fasttext-sup`) or any such file. A line becomes
 *    its words as the corpora are tokenized (lower-cased by the language's rules, punctuation
 *    dropped); the vocabulary is the training lines' words (min_count=, default 1), and every
 *    other word reads as <unk> (id 0);
 *  - dna: does a random A/C/G/T sequence hold a motif (dna.h)? Generated from a seed, so a
 *    fresh test set is always at hand (`test dna`).
 * The model is a Model whose `clf` is a SeqModel; it is saved as a tezgah classifier
 * checkpoint (seqclf.h), with the task in the checkpoint's meta string, so that a loaded model
 * reads text and DNA as the trained one did.
 */
#include "app.h"
#include "i18n.h"
#include "out.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "core/tokenize.h"
#include "models/dna.h"
#include "models/seqclf.h"

#define SEQ_UNK "<unk>"
#define SEQ_MAXLEN 200              /* longer lines keep their first 200 words */
#define LABEL_PREFIX "__label__"

struct SeqModel {
    SeqClf m;
    Vocab words;                    /* token id → text (DNA: A C G T) */
    Vocab labels;                   /* class id → label name */
    int dna;                        /* the task: 1 DNA, 0 text */
    TzLang lang;                    /* text: how words are lower-cased */
    DnaConfig dcfg;                 /* DNA: the motif and the lengths (n and seed unused) */
    char task[64];                  /* "sentiment-tr", "sentiment-en", "dna" or "file" */
    SeqTrainConfig cfg;
    SeqTrainStats st;
};


void seq_model_free(SeqModel *s)
{
    if (!s) return;
    seqclf_free(&s->m);
    vocab_free(&s->words);
    vocab_free(&s->labels);
    free(s);
}

const char *seq_model_kind(const SeqModel *s)
{
    return s->m.kind == TZ_CELL_LSTM ? "lstm-clf" : s->m.kind == TZ_CELL_GRU ? "gru-clf" : "rnn-clf";
}

void seq_model_describe(const SeqModel *s, char *buf, size_t n)
{
    char b1[32], b2[32], b3[32];
    size_t np = seqclf_nparams(&s->m);
    snprintf(buf, n, "%s, %d %s, %s %s, %s %s, %s MB", s->task, s->m.K, M("sınıf", "classes"),
             fmt_int((long long)s->words.size, b1), s->dna ? M("baz", "bases") : M("sözcük", "words"),
             fmt_int((long long)np, b2), M("parametre", "parameters"), fmt_real((double)np * 4 / 1e6, 2, b3));
}

/* The task as the checkpoint's meta string, and back. */
static void meta_of(const SeqModel *s, char *buf, size_t n)
{
    if (s->dna)
        snprintf(buf, n, "task=dna motif=%s minlen=%d maxlen=%d", s->dcfg.motif, s->dcfg.min_len, s->dcfg.max_len);
    else
        snprintf(buf, n, "task=%s lang=%s", s->task, s->lang == TZ_LANG_TR ? "tr" : "en");
}

static int meta_read(SeqModel *s, const char *meta)
{
    char task[64] = "", lang[8] = "", motif[DNA_MOTIF_MAX + 2] = "";
    int lo = 0, hi = 0;
    if (sscanf(meta, "task=%63s", task) != 1) return 1;
    snprintf(s->task, sizeof s->task, "%s", task);
    if (!strcmp(task, "dna")) {
        if (sscanf(meta, "task=dna motif=%17s minlen=%d maxlen=%d", motif, &lo, &hi) != 3 || strlen(motif) > DNA_MOTIF_MAX)
            return 1;
        s->dna = 1;
        s->dcfg = dna_defaults();
        snprintf(s->dcfg.motif, sizeof s->dcfg.motif, "%s", motif);
        s->dcfg.min_len = lo;
        s->dcfg.max_len = hi;
        return s->words.size == 4 ? 0 : 1;
    }
    const char *l = strstr(meta, "lang=");
    if (!l || sscanf(l, "lang=%7s", lang) != 1) return 1;
    s->lang = !strcmp(lang, "tr") ? TZ_LANG_TR : TZ_LANG_EN;
    return vocab_find(&s->words, SEQ_UNK, strlen(SEQ_UNK)) == 0 ? 0 : 1;
}

int seq_model_save(const SeqModel *s, const char *path, TzErr *e)
{
    char meta[256];
    meta_of(s, meta, sizeof meta);
    return seqclf_save(&s->m, &s->words, &s->labels, meta, path, e);
}

SeqModel *seq_model_load(const char *path, TzErr *e)
{
    SeqModel *s = tz_calloc(1, sizeof *s);
    char meta[SEQCLF_META_MAX + 1];
    if (seqclf_load(&s->m, &s->words, &s->labels, meta, sizeof meta, path, e)) { free(s); return NULL; }
    if (meta_read(s, meta)) {
        tz_errf(e, TZ_E_FORMAT, "'%s': görev tanımı anlaşılmadı ('%.100s').", "'%s': the task description is not understood ('%.100s').",
                path, meta);
        seq_model_free(s);
        return NULL;
    }
    return s;
}

/* --- labelled text ----------------------------------------------------------------------------- */

/* The lines of a labelled file: each one's first label and its words. */
typedef struct {
    char **label;
    char ***words;                  /* NULL-terminated, from tz_tokens */
    size_t *nw;
    size_t n, cap;
    size_t nolabel, empty;          /* lines without a label; labelled lines without words */
} LabLines;

static void lablines_free(LabLines *L)
{
    for (size_t i = 0; i < L->n; i++) {
        free(L->label[i]);
        tz_tokens_free(L->words[i]);
    }
    free(L->label); free(L->words); free(L->nw);
    memset(L, 0, sizeof *L);
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

static int lablines_read(const char *path, TzLang lang, LabLines *L, TzErr *e)
{
    memset(L, 0, sizeof *L);
    TzFile f;
    int rc = tz_file_map(&f, path, e);
    if (rc) return rc;
    if ((rc = tz_check_text(path, f.data, f.size, e))) { tz_file_unmap(&f); return rc; }
    TokOptions o = tok_options_corpus(lang);
    const size_t P = strlen(LABEL_PREFIX);
    for (size_t at = 0; at < f.size;) {
        const char *line = f.data + at, *nl = memchr(line, '\n', f.size - at);
        size_t len = nl ? (size_t)(nl - line) : f.size - at;
        at += len + 1;
        /* the labels come first: keep the first, skip the others */
        size_t i = 0, lab = 0, lablen = 0;
        int got = 0;
        for (;;) {
            while (i < len && is_space(line[i])) i++;
            if (len - i <= P || strncmp(line + i, LABEL_PREFIX, P) != 0) break;
            size_t j = i;
            while (j < len && !is_space(line[j])) j++;
            if (!got) { lab = i + P; lablen = j - i - P; got = 1; }
            i = j;
        }
        if (!got) {
            for (size_t k = 0; k < len; k++)
                if (!is_space(line[k])) { L->nolabel++; break; }
            continue;
        }
        size_t nw = 0;
        char **w = tz_tokens(line + i, len - i, &o, &nw, NULL);
        if (nw == 0) {
            tz_tokens_free(w);
            L->empty++;
            continue;
        }
        if (L->n == L->cap) {
            L->cap = L->cap ? 2 * L->cap : 256;
            L->label = tz_realloc(L->label, L->cap * sizeof *L->label);
            L->words = tz_realloc(L->words, L->cap * sizeof *L->words);
            L->nw = tz_realloc(L->nw, L->cap * sizeof *L->nw);
        }
        L->label[L->n] = tz_strndup(line + lab, lablen);
        L->words[L->n] = w;
        L->nw[L->n] = nw;
        L->n++;
    }
    tz_file_unmap(&f);
    if (L->n == 0) {
        lablines_free(L);
        return tz_errf(e, TZ_E_FORMAT, "'%s' içinde etiketli satır yok (her satır '__label__ETİKET metin' olmalı).",
                       "'%s' has no labelled lines (each line should be '__label__LABEL text').", path);
    }
    return 0;
}

/* The words and labels of the training lines: words seen min_count times or more, most frequent
 * first, after <unk> (id 0); labels in byte order, so that the same file gives the same ids. */
static void build_vocab(const LabLines *L, const size_t *pick, size_t n, long min_count, SeqModel *s)
{
    Vocab cnt, lab;
    vocab_init(&cnt);
    vocab_init(&lab);
    for (size_t q = 0; q < n; q++) {
        size_t i = pick ? pick[q] : q;
        for (size_t k = 0; k < L->nw[i]; k++) vocab_add(&cnt, L->words[i][k], strlen(L->words[i][k]), 1);
        vocab_add(&lab, L->label[i], strlen(L->label[i]), 1);
    }
    vocab_sort(&cnt, min_count, NULL);
    vocab_init(&s->words);
    vocab_add(&s->words, SEQ_UNK, strlen(SEQ_UNK), 1);
    for (size_t i = 0; i < cnt.size; i++)
        if (strcmp(vocab_word(&cnt, i), SEQ_UNK) != 0) vocab_add(&s->words, vocab_word(&cnt, i), strlen(vocab_word(&cnt, i)), cnt.counts[i]);
    /* labels by bytes: every count 1 makes vocab_sort order them by their bytes alone */
    for (size_t i = 0; i < lab.size; i++) lab.counts[i] = 1;
    vocab_sort(&lab, 1, NULL);
    vocab_init(&s->labels);
    for (size_t i = 0; i < lab.size; i++) vocab_add(&s->labels, vocab_word(&lab, i), strlen(vocab_word(&lab, i)), 1);
    vocab_free(&cnt);
    vocab_free(&lab);
}

/* Lines → a set in the model's ids. Lines whose label the model does not have are skipped. */
typedef struct {
    size_t skipped;                 /* unknown label */
    size_t truncated;               /* longer than SEQ_MAXLEN words */
    size_t tokens, unknown;         /* words, and how many of them read as <unk> */
} EncStats;

static void encode_lines(const LabLines *L, const size_t *pick, size_t n, const SeqModel *s, SeqSet *out, EncStats *es)
{
    memset(out, 0, sizeof *out);
    size_t total = 0;
    for (size_t q = 0; q < n; q++) {
        size_t i = pick ? pick[q] : q;
        total += L->nw[i] < SEQ_MAXLEN ? L->nw[i] : SEQ_MAXLEN;
    }
    out->tok = tz_malloc((total ? total : 1) * sizeof *out->tok);
    out->off = tz_malloc((n + 1) * sizeof *out->off);
    out->label = tz_malloc((n ? n : 1) * sizeof *out->label);
    out->off[0] = 0;
    for (size_t q = 0; q < n; q++) {
        size_t i = pick ? pick[q] : q;
        int64_t lab = vocab_find(&s->labels, L->label[i], strlen(L->label[i]));
        if (lab < 0) { es->skipped++; continue; }
        size_t nw = L->nw[i], at = out->off[out->n];
        if (nw > SEQ_MAXLEN) { nw = SEQ_MAXLEN; es->truncated++; }
        for (size_t k = 0; k < nw; k++) {
            int64_t id = vocab_find(&s->words, L->words[i][k], strlen(L->words[i][k]));
            if (id < 0) { id = 0; es->unknown++; }
            out->tok[at + k] = (int32_t)id;
        }
        es->tokens += nw;
        out->label[out->n] = (int32_t)lab;
        out->n++;
        out->off[out->n] = at + nw;
    }
}

/* A labelled file or one of our sets (classify.c): path, and for a set its language and the
 * held-out part. Reports and returns 1 when there is no such file. */
static int text_source(const char *arg, int test, char path[4096], const char **set_lang)
{
    *set_lang = NULL;
    if (labelled_path(arg, test, path)) return 1;
    if (strcmp(path, arg) == 0) return 0;          /* a file as given */
    if (!strncmp(arg, "sentiment-tr", 12)) *set_lang = "tr";
    if (!strncmp(arg, "sentiment-en", 12)) *set_lang = "en";
    return 0;
}

/* --- train ------------------------------------------------------------------------------------- */

typedef struct {
    char name[64];
    char path[4096], vpath[4096];   /* text: the training file, the held-out one ("" = a tenth of path) */
    size_t nval;                    /* DNA: the held-out set's size */
    long min_count;
    int E, H, L;
    uint64_t seed;
    SeqModel *sm;
    /* what the job found, for the summary */
    size_t ntrain, nvaln, nolabel, empty, truncated, vocab_unk, vtokens;
    double need;
} SeqJob;

static int seq_work(Job *job, void *arg, TzErr *e)
{
    SeqJob *J = arg;
    SeqModel *s = J->sm;
    SeqSet tr = { 0 }, va = { 0 };
    int rc = 0;
    if (s->dna) {
        vocab_init(&s->words);
        for (int i = 0; i < 4; i++) vocab_add(&s->words, DNA_BASES + i, 1, 1);
        vocab_init(&s->labels);
        vocab_add(&s->labels, "no-motif", 8, 1);
        vocab_add(&s->labels, "motif", 5, 1);
        if ((rc = dna_generate(&s->dcfg, &tr, NULL, e))) return rc;
        DnaConfig v = s->dcfg;
        v.n = J->nval;
        v.seed = s->dcfg.seed + 7919;     /* another seed: sequences the training never saw */
        if ((rc = dna_generate(&v, &va, NULL, e))) { seqset_free(&tr); return rc; }
    } else {
        LabLines L, LV = { 0 };
        if ((rc = lablines_read(J->path, s->lang, &L, e))) return rc;
        J->nolabel = L.nolabel;
        J->empty = L.empty;
        size_t *pick = tz_malloc(L.n * sizeof *pick), *vpick = tz_malloc(L.n * sizeof *vpick), np = 0, nv = 0;
        if (J->vpath[0]) {
            for (size_t i = 0; i < L.n; i++) pick[np++] = i;
            if ((rc = lablines_read(J->vpath, s->lang, &LV, e))) { free(pick); free(vpick); lablines_free(&L); return rc; }
        } else {
            /* no held-out file: every tenth line is held out (when there are enough) */
            for (size_t i = 0; i < L.n; i++) {
                if (L.n >= 20 && i % 10 == 9) vpick[nv++] = i;
                else pick[np++] = i;
            }
        }
        build_vocab(&L, pick, np, J->min_count, s);
        EncStats es = { 0 }, ev = { 0 };
        encode_lines(&L, pick, np, s, &tr, &es);
        if (J->vpath[0]) encode_lines(&LV, NULL, LV.n, s, &va, &ev);
        else encode_lines(&L, vpick, nv, s, &va, &ev);
        J->truncated = es.truncated + ev.truncated;
        J->vocab_unk = ev.unknown;
        J->vtokens = ev.tokens;
        free(pick); free(vpick);
        lablines_free(&L);
        lablines_free(&LV);
        if (s->labels.size < 2) {
            seqset_free(&tr); seqset_free(&va);
            return tz_errf(e, TZ_E_FORMAT, "'%s' içinde tek bir etiket var (%s): sınıflandırmak için en az iki gerekir.",
                           "'%s' has one label only (%s): classifying needs at least two.", J->path, vocab_word(&s->labels, 0));
        }
    }
    J->ntrain = tr.n;
    J->nvaln = va.n;
    /* too big for this machine? the training's memory is known now that the data is */
    size_t T = 1;
    for (size_t i = 0; i < tr.n; i++) if (tr.off[i + 1] - tr.off[i] > T) T = tr.off[i + 1] - tr.off[i];
    J->need = (double)seqclf_mem_estimate(s->m.kind, s->words.size, (size_t)J->E, (size_t)J->H, (size_t)J->L,
                                          s->labels.size, T, (size_t)s->cfg.B) +
              (double)(tr.off[tr.n] + va.off[va.n]) * 4;
    double ram = tz_phys_bytes();
    if (ram > 0 && J->need > 0.5 * ram) {
        seqset_free(&tr); seqset_free(&va);
        return tz_errf(e, TZ_E_NOMEM,
                       "bu ayarlarla eğitim yaklaşık %.2f GB bellek ister (ağırlıklar, gradyanlar, Adam, en uzun %zu "
                       "belirteçlik bir toplu işin ara değerleri); bu makinenin belleğinin yarısı %.2f GB. hidden=, "
                       "embed=, layers= ya da batch= değerini küçültün.",
                       "training with these settings needs about %.2f GB of memory (weights, gradients, Adam, the "
                       "activations of a batch up to %zu tokens long); half this machine's memory is %.2f GB. Make "
                       "hidden=, embed=, layers= or batch= smaller.",
                       J->need / 1e9, T, ram / 2e9);
    }
    CellKind kind = s->m.kind;
    seqclf_init(&s->m, kind, (int)s->words.size, J->E, J->H, J->L, (int)s->labels.size, J->seed);
    rc = seqclf_train(&s->m, &tr, va.n ? &va : NULL, &s->cfg, &s->st, job, e);
    seqset_free(&tr);
    seqset_free(&va);
    return rc;
}

static void seq_done(int rc, const TzErr *e, void *arg)
{
    SeqJob *J = arg;
    SeqModel *s = J->sm;
    if (rc && rc != TZ_E_NUMERIC) {   /* diverged (TZ_E_NUMERIC): said below, the last sound model is kept */
        say_tzerr(e);
        seq_model_free(s);
        free(J);
        return;
    }
    if (rc) say_tzerr(e);
    Model *md = tz_calloc(1, sizeof *md);
    snprintf(md->name, sizeof md->name, "%s", J->name);
    snprintf(md->kind, sizeof md->kind, "%s", seq_model_kind(s));
    if (s->dna)
        snprintf(md->source, sizeof md->source, "dna motif=%s len=%d-%d", s->dcfg.motif, s->dcfg.min_len, s->dcfg.max_len);
    else
        snprintf(md->source, sizeof md->source, "%.250s", J->path);
    snprintf(md->info, sizeof md->info, "embed=%d hidden=%d layers=%d batch=%d epochs=%d lr=%g clip=%g optim=%s seed=%llu",
             J->E, J->H, J->L, s->cfg.B, s->cfg.epochs, s->cfg.lr, s->cfg.clip, s->cfg.optim == OPT_SGD ? "sgd" : "adam",
             (unsigned long long)J->seed);
    md->lang = s->lang;
    md->clf = s;
    char b1[32], b2[32], b3[32], b4[32], b5[32], b6[32];
    if (J->nolabel || J->empty || J->truncated)
        say(M("not: etiketsiz %zu satır ve sözcüksüz %zu satır atlandı; %zu satır %s sözcükten uzundu, başları alındı.\n",
              "note: %zu lines without a label and %zu without words were skipped; %zu lines were longer than %s words and were cut to their start.\n"),
            J->nolabel, J->empty, J->truncated, fmt_int(SEQ_MAXLEN, b1));
    if (s->st.diverged)
        say(M("%ld adımdan sonraki son sağlam model %s adıyla saklandı.\n",
              "the last sound model, after %ld steps, is kept as %s.\n"), s->st.steps, md->name);
    else if (!s->st.finished)
        say(M("eğitim durduruldu (%ld adım); o ana kadar eğitilen model %s adıyla saklandı.\n",
              "training stopped (%ld steps); the model trained so far is kept as %s.\n"), s->st.steps, md->name);
    else
        say(M("%s eğitildi: %s %s, %s parametre; son dönem kaybı %s (%s sn).\n",
              "%s trained: %s %s, %s parameters; last epoch's loss %s (%s s).\n"),
            md->name, fmt_int((long long)J->ntrain, b1), s->dna ? M("dizi", "sequences") : M("satır", "lines"),
            fmt_int((long long)seqclf_nparams(&s->m), b2), fmt_real(s->st.train_loss, 4, b3), fmt_real(s->st.seconds, 1, b4));
    if (!isnan(s->st.val_acc)) {
        const char *where = s->dna ? M("yeni üretilmiş diziler", "freshly generated sequences")
                            : J->vpath[0] ? J->vpath : M("dosyanın ayrılmış onda biri", "the held-out tenth of the file");
        say(M("  ayrılmış kümede doğruluk %s (kayıp %s; %s örnek: %s)\n", "  held-out accuracy %s (loss %s; %s examples: %s)\n"),
            fmt_real(s->st.val_acc, 3, b1), fmt_real(s->st.val_loss, 3, b2), fmt_int((long long)J->nvaln, b5), where);
        if (!s->dna && J->vtokens)
            say(M("  (ayrılmış kümedeki sözcüklerin %%%s kadarı sözlükte yoktu, <unk> okundu)\n",
                  "  (%s%% of the held-out words were outside the vocabulary, read as <unk>)\n"),
                fmt_real(100.0 * (double)J->vocab_unk / (double)J->vtokens, 1, b6));
    }
    if (s->dna)
        say(M("Deneyin: predict \"GCG%sGGC\" ya da test dna\n", "Try: predict \"GCG%sGGC\" or test dna\n"), s->dcfg.motif);
    else
        say(M("Deneyin: predict \"…\" ya da test %s\n", "Try: predict \"…\" or test %s\n"),
            strcmp(s->task, "file") ? s->task : M("DOSYA", "FILE"));
    model_install(md);
    free(J);
}

int cmd_train_seqclf(Args *a)
{
    const char *what = a->argv[1];
    CellKind kind = !strcmp(what, "lstm") ? TZ_CELL_LSTM : !strcmp(what, "gru") ? TZ_CELL_GRU : TZ_CELL_RNN;
    const char *task = arg_str(a, "task", NULL), *file = arg_str(a, "file", NULL);
    if (!task) task = "file";
    int dna = !strcmp(task, "dna");
    if (!dna && strcmp(task, "file") != 0 && strcmp(task, "sentiment-tr") != 0 && strcmp(task, "sentiment-en") != 0) {
        say_error(M("task=%s: sentiment-tr, sentiment-en, dna ya da file (file=DOSYA ile) olmalı.",
                    "task=%s: must be sentiment-tr, sentiment-en, dna or file (with file=FILE)."), task);
        return 1;
    }
    if (!strcmp(task, "file") && !file) {
        say_error("%s", M("task=file için file=DOSYA verin (her satır '__label__ETİKET metin').",
                          "task=file needs file=FILE (each line '__label__LABEL text')."));
        return 1;
    }
    if (file && strcmp(task, "file") != 0) {
        say_error(M("file= ile task=%s birlikte olmaz: ya task=file file=DOSYA, ya da yalnız task=%s.",
                    "file= does not go with task=%s: either task=file file=FILE, or task=%s alone."), task, task);
        return 1;
    }
    const char *opt = arg_str(a, "optim", "adam");
    if (strcmp(opt, "adam") != 0 && strcmp(opt, "sgd") != 0) {
        say_error(M("optim=%s: adam ya da sgd olmalı.", "optim=%s: must be adam or sgd."), opt);
        return 1;
    }
    /* defaults: DNA is small (4 bases) and long; sentences are short with many words */
    TzErr e;
    long hidden, layers, batch, epochs, embed, seed, min_count, n, nval, minlen, maxlen;
    double lr, clip;
    if (arg_long(a, "hidden", dna ? 32 : 64, 1, 4096, &hidden, &e) ||
        arg_long(a, "layers", 1, 1, SEQCLF_MAX_LAYERS, &layers, &e) ||
        arg_long(a, "batch", dna ? 32 : 16, 1, 4096, &batch, &e) || arg_long(a, "epochs", dna ? 8 : 10, 1, 10000, &epochs, &e) ||
        arg_long(a, "embed", dna ? 8 : 64, 1, 4096, &embed, &e) || arg_long(a, "seed", 1, 0, 2147483647L, &seed, &e) ||
        arg_double(a, "lr", dna ? 0.01 : 0.005, 1e-9, 1e30, &lr, &e) || arg_double(a, "clip", 1.0, 0, 1e30, &clip, &e) ||
        arg_long(a, "min_count", 1, 1, 1000000, &min_count, &e) || arg_long(a, "n", 2000, 2, 10000000, &n, &e) ||
        arg_long(a, "nval", 500, 2, 1000000, &nval, &e) || arg_long(a, "minlen", 40, 1, 10000, &minlen, &e) ||
        arg_long(a, "maxlen", 100, 1, 10000, &maxlen, &e)) {
        say_tzerr(&e);
        return 1;
    }
    const char *dna_keys[] = { "n", "nval", "motif", "minlen", "maxlen" };
    for (int i = 0; i < 5; i++)
        if (!dna && arg_str(a, dna_keys[i], NULL)) {
            say_error(M("%s= yalnızca task=dna ile.", "%s= goes with task=dna only."), dna_keys[i]);
            return 1;
        }
    if (dna && arg_str(a, "min_count", NULL)) {
        say_error("%s", M("min_count= metin görevleri içindir; DNA'nın sözlüğü dört bazdır.",
                          "min_count= is for text tasks; DNA's vocabulary is its four bases."));
        return 1;
    }
    SeqJob *J = tz_calloc(1, sizeof *J);
    SeqModel *s = J->sm = tz_calloc(1, sizeof *s);
    s->m.kind = kind;
    s->dna = dna;
    snprintf(s->task, sizeof s->task, "%s", task);
    s->cfg = (SeqTrainConfig){ .B = (int)batch, .epochs = (int)epochs, .optim = !strcmp(opt, "sgd") ? OPT_SGD : OPT_ADAM,
                               .lr = (float)lr, .clip = (float)clip, .seed = (uint64_t)seed };
    J->E = (int)embed; J->H = (int)hidden; J->L = (int)layers; J->seed = (uint64_t)seed;
    J->min_count = min_count;
    if (dna) {
        s->dcfg = dna_defaults();
        s->dcfg.n = (size_t)n;
        s->dcfg.min_len = (int)minlen;
        s->dcfg.max_len = (int)maxlen;
        s->dcfg.seed = (uint64_t)seed;
        snprintf(s->dcfg.motif, sizeof s->dcfg.motif, "%.16s", arg_str(a, "motif", "TATAAA"));
        for (char *c = s->dcfg.motif; *c; c++) if (*c >= 'a' && *c <= 'z') *c = (char)(*c - 'a' + 'A');
        J->nval = (size_t)nval;
        /* the generator's own checks, before a job starts */
        DnaConfig probe = s->dcfg;
        probe.n = 2;
        SeqSet t;
        if (strlen(arg_str(a, "motif", "TATAAA")) > DNA_MOTIF_MAX || dna_generate(&probe, &t, NULL, &e)) {
            if (strlen(arg_str(a, "motif", "TATAAA")) > DNA_MOTIF_MAX)
                tz_errf(&e, TZ_E_ARG, "motif en çok %d harf olabilir.", "the motif can have at most %d letters.", DNA_MOTIF_MAX);
            say_tzerr(&e);
            seq_model_free(s);
            free(J);
            return 1;
        }
        seqset_free(&t);
    } else {
        const char *src = !strcmp(task, "file") ? file : task, *set_lang;
        if (text_source(src, 0, J->path, &set_lang)) { seq_model_free(s); free(J); return 1; }
        if (set_lang) {
            snprintf(J->vpath, sizeof J->vpath, "%.3900s/datasets/sentiment/%s.test.txt", g_app.root, set_lang);
            s->lang = !strcmp(set_lang, "tr") ? TZ_LANG_TR : TZ_LANG_EN;
        } else {
            /* a file of ours: guess its language from its first bytes unless lang= says */
            TzFile f;
            if (tz_file_map(&f, J->path, &e)) { say_tzerr(&e); seq_model_free(s); free(J); return 1; }
            s->lang = tz_guess_lang(f.data ? f.data : "", f.size < 65536 ? f.size : 65536);
            tz_file_unmap(&f);
        }
        if (lang_option(arg_str(a, "lang", NULL), &s->lang)) { seq_model_free(s); free(J); return 1; }
    }
    const char *name = arg_str(a, "name", NULL);
    if (name) snprintf(J->name, sizeof J->name, "%s", name);
    else if (!strcmp(task, "file")) {
        char stem[48];
        file_stem(file, stem, sizeof stem);
        snprintf(J->name, sizeof J->name, "%s-%s", cell_kind_name(kind), stem);
    } else snprintf(J->name, sizeof J->name, "%s-%s", cell_kind_name(kind), task);
    char what_s[160], curve[128];
    snprintf(what_s, sizeof what_s, "%s %s", cell_kind_name(kind), task);
    snprintf(curve, sizeof curve, "%.40s (%s, %s)", J->name, cell_kind_name(kind), task);
    app_job_curve(curve);
    return app_start_job(what_s, M("adım", "step"), seq_work, J, seq_done);
}

/* --- predict ----------------------------------------------------------------------------------- */

/* The classifier a predict/test line is about: `predict MODEL "text"` (when the first word names
 * a recurrent classifier and more follows), else model=NAME or the current model. *from: where
 * the text starts. NULL when it is not a recurrent classifier (fastText's commands take it). */
static Model *seq_model_for(Args *a, int allow_first, int *from)
{
    *from = 1;
    if (allow_first && a->argc >= 3) {
        Model *m = model_find(a->argv[1]);
        if (m && m->clf) { *from = 2; return m; }
    }
    const char *name = arg_str(a, "model", NULL);
    Model *m = name ? model_find(name) : model_current();
    return m && m->clf ? m : NULL;
}

/* A typed text in the model's tokens: words (unknown ones as <unk>, named in a note) or bases
 * (anything else refused, with its byte). Returns the count, 0 after reporting a problem. */
static size_t seq_encode(const Model *md, const char *text, int32_t **ids)
{
    const SeqModel *s = md->clf;
    size_t len = strlen(text);
    *ids = NULL;
    if (s->dna) {
        size_t bad = 0;
        long n = dna_encode(text, NULL, 0, &bad);
        if (n < 0) {
            say_error(M("%zu. bayt ('%c') bir baz değil: DNA dizisi yalnızca A, C, G, T harflerinden oluşur.",
                        "byte %zu ('%c') is not a base: a DNA sequence has only the letters A, C, G, T."), bad + 1, text[bad]);
            return 0;
        }
        if (n == 0) {
            say_error("%s", M("dizi boş.", "the sequence is empty."));
            return 0;
        }
        *ids = tz_malloc((size_t)n * sizeof **ids);
        dna_encode(text, *ids, (size_t)n, &bad);
        return (size_t)n;
    }
    size_t bad = utf8_validate(text, len);
    if (bad != len) {
        say_error(M("metin geçerli UTF-8 değil (%zu. bayt).", "the text is not valid UTF-8 (byte %zu)."), bad + 1);
        return 0;
    }
    TokOptions o = tok_options_corpus(s->lang);
    size_t n = 0;
    char **w = tz_tokens(text, len, &o, &n, NULL);
    if (n == 0) {
        tz_tokens_free(w);
        say_error("%s", M("metinde sözcük yok.", "the text has no words."));
        return 0;
    }
    if (n > SEQ_MAXLEN) n = SEQ_MAXLEN;
    *ids = tz_malloc(n * sizeof **ids);
    char unknown[256] = "";
    size_t nunk = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t id = vocab_find(&s->words, w[i], strlen(w[i]));
        if (id < 0) {
            id = 0;
            size_t ul = strlen(unknown);
            if (nunk++ < 12 && ul + strlen(w[i]) + 8 < sizeof unknown)
                snprintf(unknown + ul, sizeof unknown - ul, "%s'%s'", ul ? ", " : "", w[i]);
        }
        (*ids)[i] = (int32_t)id;
    }
    if (nunk)
        say(M("not: %s modelinin sözlüğünde olmayan sözcükler %s olarak okundu (%zu): %s%s\n",
              "note: words outside model %s's vocabulary are read as %s (%zu): %s%s\n"),
            md->name, SEQ_UNK, nunk, unknown, nunk > 12 ? ", …" : "");
    tz_tokens_free(w);
    return n;
}

int seqtask_predict(Args *a)
{
    int from;
    Model *md = seq_model_for(a, 1, &from);
    if (!md) return -1;
    TzErr e;
    long k;
    double threshold;
    if (arg_long(a, "k", md->clf->m.K, 1, 1000000, &k, &e) || arg_double(a, "threshold", 0, 0, 1, &threshold, &e)) {
        say_tzerr(&e);
        return 1;
    }
    if (from >= a->argc) {
        say_error("%s", M("hangi metin? predict [MODEL] \"METİN\"", "which text? predict [MODEL] \"TEXT\""));
        return 1;
    }
    char *text = args_join(a, from);
    int32_t *ids;
    size_t n = seq_encode(md, text, &ids);
    if (!n) { free(text); return 1; }
    const SeqModel *s = md->clf;
    const int K = s->m.K;
    float *p = tz_malloc((size_t)K * sizeof *p);
    SeqClfWork w;
    seqclf_work_init(&w, &s->m);
    seqclf_predict(&s->m, &w, ids, (int)n, p);
    /* the classes, most probable first */
    int *order = tz_malloc((size_t)K * sizeof *order);
    for (int i = 0; i < K; i++) order[i] = i;
    for (int i = 1; i < K; i++)
        for (int j = i; j > 0 && p[order[j]] > p[order[j - 1]]; j--) { int t = order[j]; order[j] = order[j - 1]; order[j - 1] = t; }
    for (int i = 0; i < K && i < k; i++) {
        if (p[order[i]] < threshold) break;
        say_prob_bar(i == 0, vocab_word(&s->labels, (size_t)order[i]), p[order[i]]);
    }
    /* how the winning class's probability grew as the network read (one line) */
    float *tr = tz_malloc(n * sizeof *tr);
    seqclf_trace(&s->m, &w, ids, (int)n, order[0], tr);     /* the same work space: one set of buffers */
    seqclf_work_free(&w);
    const char *top = vocab_word(&s->labels, (size_t)order[0]);
    if (s->dna && n <= 200) {
        static const char *blocks[8] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
        say(M("  okudukça p(%s):\n  ", "  p(%s) as it reads:\n  "), top);
        for (size_t i = 0; i < n; i++) say("%c", DNA_BASES[ids[i]]);
        say("\n  ");
        for (size_t i = 0; i < n; i++) say("%s", blocks[(int)fminf(7.0f, fmaxf(0.0f, tr[i] * 8.0f))]);
        say("\n");
    } else if (!s->dna && n <= 30) {
        TokOptions o = tok_options_corpus(s->lang);
        size_t nw = 0;
        char **wd = tz_tokens(text, strlen(text), &o, &nw, NULL);
        say(M("  okudukça p(%s):", "  p(%s) as it reads:"), top);
        for (size_t i = 0; i < n && i < nw; i++) {
            char b[32];
            say(" %s %s%s", wd[i], fmt_real(tr[i], 2, b), i + 1 < n ? " ·" : "");
        }
        say("\n");
        tz_tokens_free(wd);
    }
    free(tr);
    if (s->dna) {
        int32_t motif[DNA_MOTIF_MAX];
        long m = dna_encode(s->dcfg.motif, motif, DNA_MOTIF_MAX, NULL);
        long at = dna_find(ids, n, motif, (size_t)m);
        if (at >= 0)
            say(M("  (%zu baz; %s gerçekten var: %ld. konumda)\n", "  (%zu bases; %s is really there: at position %ld)\n"), n,
                s->dcfg.motif, at + 1);
        else
            say(M("  (%zu baz; %s gerçekten yok)\n", "  (%zu bases; %s is really not there)\n"), n, s->dcfg.motif);
    } else {
        say(M("  (%zu sözcük)\n", "  (%zu words)\n"), n);
    }
    free(order); free(p); free(ids); free(text);
    return 0;
}

/* --- test -------------------------------------------------------------------------------------- */

typedef struct {
    const Model *md;
    char path[4096];                /* text: the labelled file; "" for DNA */
    char shown[4096];               /* what the results say they are on */
    SeqSet set;
    EncStats es;
    size_t nolabel, empty;
    size_t *gold, *pred, *right;    /* K each */
    double loss;
} SeqTestJob;

static int seqtest_work(Job *job, void *arg, TzErr *e)
{
    SeqTestJob *T = arg;
    const SeqModel *s = T->md->clf;
    int rc;
    if (s->dna) {
        DnaConfig c = s->dcfg;
        c.n = 1000;
        c.seed = 1000003;   /* neither the training's seeds nor the held-out's */
        if ((rc = dna_generate(&c, &T->set, NULL, e))) return rc;
    } else {
        LabLines L;
        if ((rc = lablines_read(T->path, s->lang, &L, e))) return rc;
        T->nolabel = L.nolabel;
        T->empty = L.empty;
        encode_lines(&L, NULL, L.n, s, &T->set, &T->es);
        lablines_free(&L);
    }
    const int K = s->m.K;
    T->gold = tz_calloc((size_t)K, sizeof *T->gold);
    T->pred = tz_calloc((size_t)K, sizeof *T->pred);
    T->right = tz_calloc((size_t)K, sizeof *T->right);
    float *p = tz_malloc((size_t)K * sizeof *p);
    SeqClfWork w;
    seqclf_work_init(&w, &s->m);
    for (size_t i = 0; i < T->set.n && !job_cancelled(job); i++) {
        seqclf_predict(&s->m, &w, T->set.tok + T->set.off[i], (int)(T->set.off[i + 1] - T->set.off[i]), p);
        int best = 0, g = T->set.label[i];
        for (int k = 1; k < K; k++) if (p[k] > p[best]) best = k;
        T->gold[g]++;
        T->pred[best]++;
        T->right[g] += best == g;
        T->loss -= log(p[g] > 1e-30f ? p[g] : 1e-30f);
        if (i % 64 == 0) job_report(job, (int64_t)i, (int64_t)T->set.n);
    }
    seqclf_work_free(&w);
    free(p);
    return job_cancelled(job) ? tz_errf(e, TZ_E_CANCELLED, "sınama durduruldu.", "testing stopped.") : 0;
}

static void seqtest_done(int rc, const TzErr *e, void *arg)
{
    SeqTestJob *T = arg;
    const SeqModel *s = T->md->clf;
    if (rc) say_tzerr(e);
    else if (T->set.n == 0)
        say_error(M("%s içinde modelin etiketlerinden biriyle etiketli satır yok.",
                    "%s has no line labelled with one of the model's labels."), T->shown);
    else {
        size_t right = 0, n = T->set.n;
        for (int k = 0; k < s->m.K; k++) right += T->right[k];
        char b1[32], b2[32];
        say(M("%s, %s üzerinde (%s örnek):\n", "%s on %s (%s examples):\n"), T->md->name, T->shown, fmt_int((long long)n, b1));
        say(M("  doğruluk\t%s\n  ortalama kayıp\t%s\n", "  accuracy\t%s\n  mean loss\t%s\n"), fmt_real((double)right / (double)n, 3, b1),
            fmt_real(T->loss / (double)n, 3, b2));
        const char **names = tz_malloc((size_t)s->m.K * sizeof *names);
        for (int k = 0; k < s->m.K; k++) names[k] = vocab_word(&s->labels, (size_t)k);
        say_label_table((size_t)s->m.K, names, T->gold, T->pred, T->right);
        free(names);
        if (T->es.tokens)
            say(M("  (sözcüklerin %%%s kadarı modelin sözlüğünde yoktu, <unk> okundu)\n",
                  "  (%s%% of the words were outside the model's vocabulary, read as <unk>)\n"),
                fmt_real(100.0 * (double)T->es.unknown / (double)T->es.tokens, 1, b1));
        if (T->es.skipped || T->nolabel || T->empty)
            say(M("  (%zu satır atlandı: etiketi yok, modelin bilmediği bir etiket ya da sözcüğü yok)\n",
                  "  (%zu lines skipped: no label, a label the model does not have, or no words)\n"),
                T->es.skipped + T->nolabel + T->empty);
    }
    seqset_free(&T->set);
    free(T->gold); free(T->pred); free(T->right);
    free(T);
}

int seqtask_test(Args *a)
{
    int from;
    Model *md = seq_model_for(a, 0, &from);
    if (!md) return -1;
    const SeqModel *s = md->clf;
    const char *arg = a->argc >= 2 ? a->argv[1] : NULL;
    SeqTestJob *T = tz_calloc(1, sizeof *T);
    T->md = md;
    if (s->dna) {
        if (arg && strcmp(arg, "dna") != 0) {
            say_error(M("%s bir DNA modeli: test dna yeni diziler üretip sınar.",
                        "%s is a DNA model: test dna generates fresh sequences and tests on them."), md->name);
            free(T);
            return 1;
        }
        snprintf(T->shown, sizeof T->shown, M("yeni üretilmiş diziler (%s, %d–%d baz)", "freshly generated sequences (%s, %d–%d bases)"),
                 s->dcfg.motif, s->dcfg.min_len, s->dcfg.max_len);
    } else {
        if (!arg) {
            if (strcmp(s->task, "file") == 0) {
                say_error(M("hangi dosya? test DOSYA (%s bir dosyayla eğitildi).", "which file? test FILE (%s was trained on a file)."),
                          md->name);
                free(T);
                return 1;
            }
            arg = s->task;
        }
        if (!strcmp(arg, "dna")) {
            say_error(M("%s bir metin modeli; test dna DNA modelleri içindir.", "%s is a text model; test dna is for DNA models."), md->name);
            free(T);
            return 1;
        }
        const char *set_lang;
        if (text_source(arg, 1, T->path, &set_lang)) { free(T); return 1; }
        snprintf(T->shown, sizeof T->shown, "%s", T->path);
        if (strcmp(T->path, arg) != 0) say(M("(test kümesi: %s)\n", "(test set: %s)\n"), T->path);
    }
    char what[160];
    snprintf(what, sizeof what, "test %.100s", md->name);
    return app_start_job(what, M("örnek", "example"), seqtest_work, T, seqtest_done);
}
