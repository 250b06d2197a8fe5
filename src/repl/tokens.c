/* tokens.c — byte-level BPE at the prompt: `train bpe corpus=NAME [vocab=4000]` learns a
 * tokenizer as a job (engine/text/bpe.c), `tokens "TEXT" [model=NAME]` shows the pieces a text
 * is cut into and their ids. A tokenizer is a Model of kind "bpe" (no vectors, no network).
 */
#include "app.h"
#include "i18n.h"
#include "out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "text/bpe.h"

void bpe_model_free(Bpe *b)
{
    if (!b) return;
    bpe_free(b);
    free(b);
}

void bpe_model_describe(const Bpe *b, char *buf, size_t n)
{
    char b1[32], b2[32];
    snprintf(buf, n, M("%s belirteç (%s birleştirme)", "%s tokens (%s merges)"), fmt_int(b->vocab, b1),
             fmt_int(b->n_merges, b2));
}

/* --- train bpe --------------------------------------------------------------------------------- */

typedef struct {
    char path[4096], corpus[64], name[64];
    int vocab;
    Bpe *bpe;
    size_t bytes;
    double seconds;
} BpeJob;

static int bpe_work(Job *job, void *arg, TzErr *e)
{
    BpeJob *J = arg;
    TzFile f;
    int rc = tz_file_map(&f, J->path, e);
    if (rc) return rc;
    J->bytes = f.size;
    double t0 = tz_now();
    rc = bpe_train(f.data, f.size, J->vocab, J->bpe, job, e);
    J->seconds = tz_now() - t0;
    tz_file_unmap(&f);
    return rc;
}

static void bpe_done(int rc, const TzErr *e, void *arg)
{
    BpeJob *J = arg;
    if (rc && rc != TZ_E_CANCELLED) {
        say_tzerr(e);
        bpe_model_free(J->bpe);
    } else {
        Model *md = tz_calloc(1, sizeof *md);
        snprintf(md->name, sizeof md->name, "%s", J->name);
        snprintf(md->kind, sizeof md->kind, "bpe");
        snprintf(md->source, sizeof md->source, "corpus %s", J->corpus);
        snprintf(md->info, sizeof md->info, "vocab=%d", J->vocab);
        md->bpe = J->bpe;
        char b1[32], b2[32], b3[32], b4[32];
        if (rc == TZ_E_CANCELLED)
            say(M("durduruldu: o ana kadar öğrenilen %s birleştirme %s adıyla saklandı.\n",
                  "stopped: the %s merges learned so far are kept as %s.\n"), fmt_int(J->bpe->n_merges, b1), md->name);
        else
            say(M("%s eğitildi: %s belirteç (256 bayt + %s birleştirme), %s MB metinden, %s sn.%s Deneyin: tokens \"…\"\n",
                  "%s trained: %s tokens (256 bytes + %s merges), from %s MB of text, %s s.%s Try: tokens \"…\"\n"),
                md->name, fmt_int(J->bpe->vocab, b1), fmt_int(J->bpe->n_merges, b2), fmt_real((double)J->bytes / 1e6, 1, b3),
                fmt_real(J->seconds, 2, b4),
                J->bpe->vocab < J->vocab ? M(" (daha fazla birleştirme yok: hiçbir çift iki kez geçmiyor)",
                                             " (no more merges: no pair occurs twice)") : "");
        model_install(md);
    }
    free(J);
}

int cmd_train_bpe(Args *a)
{
    TzErr e;
    long vocab;
    if (arg_long(a, "vocab", 4000, 256, 1000000, &vocab, &e)) {
        say_tzerr(&e);
        return 1;
    }
    const char *corpus = arg_str(a, "corpus", NULL);
    if (!corpus) {
        say_error(M("hangi metin? train bpe corpus=AD (ör. corpus=mini-tr) ya da corpus=DOSYA",
                    "which text? train bpe corpus=NAME (e.g. corpus=mini-en) or corpus=FILE"));
        return 1;
    }
    BpeJob *J = tz_calloc(1, sizeof *J);
    TzLang lang = g_lang;
    int prepared;
    if (corpus_resolve(corpus, arg_str(a, "lang", NULL), J->path, J->corpus, &lang, &prepared)) {
        free(J);
        return 1;
    }
    J->vocab = (int)vocab;
    J->bpe = tz_calloc(1, sizeof *J->bpe);
    const char *name = arg_str(a, "name", NULL);
    snprintf(J->name, sizeof J->name, "%.63s", name ? name : "");
    if (!name) snprintf(J->name, sizeof J->name, "bpe-%.59s", J->corpus);
    char what[96];
    snprintf(what, sizeof what, "bpe %.60s", J->corpus);
    return app_start_job(what, M("birleştirme", "merge"), bpe_work, J, bpe_done);
}

/* --- tokens ------------------------------------------------------------------------------------ */

/* tokens "TEXT" [model=NAME]: the tokenizer's pieces, each as GPT-2 writes it (a space is Ġ)
 * and as text, with its id; then bytes against tokens. */
int cmd_tokens(Args *a)
{
    Model *m = NULL;
    const char *mname = arg_str(a, "model", NULL);
    if (mname) {
        m = model_find(mname);
        if (!m) {
            say_error(M("'%s' diye bir model yok; 'models' yüklü modelleri listeler.",
                        "there is no model '%s'; 'models' lists the loaded ones."), mname);
            return 1;
        }
    } else {   /* the most recent tokenizer */
        for (int i = g_app.nmodels - 1; i >= 0 && !m; i--)
            if (g_app.models[i]->bpe) m = g_app.models[i];
    }
    if (!m) {
        say_error(M("henüz bir BPE belirteçleyicisi yok. Önce birini eğitin: train bpe corpus=mini-tr vocab=4000",
                    "there is no BPE tokenizer yet. Train one first: train bpe corpus=mini-en vocab=4000"));
        return 1;
    }
    if (!m->bpe) {
        say_error(M("%s bir BPE belirteçleyicisi değil (%s). Önce birini eğitin: train bpe corpus=mini-tr vocab=4000",
                    "%s is not a BPE tokenizer (%s). Train one first: train bpe corpus=mini-en vocab=4000"), m->name, m->kind);
        return 1;
    }
    char *text = args_join(a, 1);
    size_t n = strlen(text), bad = utf8_validate(text, n);
    if (bad < n)   /* byte-level BPE takes any bytes; still, say so */
        say(M("not: metin %zu. baytta geçerli UTF-8 değil; bayt düzeyinde BPE onu da olduğu gibi kodlar.\n",
              "note: the text is not valid UTF-8 at byte %zu; byte-level BPE encodes it as it is all the same.\n"), bad + 1);
    size_t k = bpe_encode(m->bpe, text, n, NULL, 0);
    int32_t *ids = tz_malloc((k ? k : 1) * sizeof *ids);
    bpe_encode(m->bpe, text, n, ids, k);
    say(M("%s: %zu bayt → %zu belirteç\n", "%s: %zu bytes → %zu tokens\n"), m->name, n, k);
    for (size_t i = 0; i < k; i++) {
        char disp[256];
        size_t len = 0;
        bpe_token_display(m->bpe, ids[i], disp, sizeof disp);
        const char *raw = bpe_token_bytes(m->bpe, ids[i], &len);
        /* the piece as text, when it is whole UTF-8 (a piece may end inside a character) */
        int whole = utf8_validate(raw, len) == len;
        say("  %6d  %s%*s", ids[i], disp, pad(disp, 20), "");
        if (whole) say("'%.*s'\n", (int)len, raw);
        else say("%s\n", M("(bir karakterin parçası)", "(part of a character)"));
    }
    free(ids);
    free(text);
    return 0;
}
