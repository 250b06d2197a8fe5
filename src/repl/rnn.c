/* rnn.c — recurrent language models in the REPL: `train lstm|gru|rnn`, `generate`.
 *
 * A recurrent model is a Model (kind "lstm", "gru" or "rnn") whose `lm` holds the network and
 * the tokens it knows; it has no word vectors. At character level the corpus is read as its
 * sentences, words joined by spaces, one line each; at word level as its words, with "\n"
 * ending each sentence and <unk> standing for the words outside the vocabulary.
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
#include "lm.h"

void lm_model_free(LmModel *lm)
{
    if (!lm) return;
    rnnlm_free(&lm->m);
    charstream_free(&lm->cs);
    free(lm);
}


void lm_model_describe(const LmModel *lm, char *buf, size_t n)
{
    char b1[32], b2[32], b3[32];
    size_t np = rnnlm_nparams(&lm->m);
    snprintf(buf, n, "%s %s, %s %s, %s MB", fmt_int((long long)lm->cs.chars.size, b1),
             lm->cs.word ? M("sözcük", "words") : M("karakter", "characters"),
             fmt_int((long long)np, b2), M("parametre", "parameters"), fmt_real((double)np * 4 / 1e6, 1, b3));
}

LmModel *lm_model_load(const char *path, TzErr *e)
{
    LmModel *lm = tz_calloc(1, sizeof *lm);
    if (rnnlm_load(&lm->m, &lm->cs, &lm->lang, path, e)) { free(lm); return NULL; }
    return lm;
}

int lm_model_save(const LmModel *lm, const char *path, TzErr *e) { return rnnlm_save(&lm->m, &lm->cs, lm->lang, path, e); }

const char *lm_model_kind(const LmModel *lm) { return cell_kind_name(lm->m.kind); }

/* --- train lstm|gru|rnn ------------------------------------------------------------------------ */

typedef struct {
    char name[64];
    TrainCorpus tc;
    CellKind kind;
    int E, H, L;
    int word;               /* level=word */
    size_t vocab;           /* its vocabulary size (vocab=) */
    uint64_t seed;
    LmModel *lm;
} RnnJob;

static int rnn_work(Job *job, void *arg, TzErr *e)
{
    RnnJob *R = arg;
    int rc = train_corpus_load(&R->tc, e);
    if (rc) return rc;
    LmModel *lm = R->lm;
    rc = R->word ? charstream_words_from_corpus(R->tc.corpus, R->vocab, &lm->cs, e)
                 : charstream_from_corpus(R->tc.corpus, &lm->cs, e);
    if (rc) return rc;
    lm->lang = R->tc.lang;
    rnnlm_init(&lm->m, R->kind, (int)lm->cs.chars.size, R->E, R->H, R->L, R->seed);
    rc = rnnlm_train(&lm->m, lm->cs.ids, lm->cs.n, &lm->cfg, &lm->st, job, e);
    free(lm->cs.ids);            /* the stream was for training; the characters stay */
    lm->cs.ids = NULL;
    lm->cs.n = 0;
    return rc;
}

static void rnn_done(int rc, const TzErr *e, void *arg)
{
    RnnJob *R = arg;
    train_corpus_keep(&R->tc, rc == TZ_E_NUMERIC ? 0 : rc);
    if (rc == TZ_E_NUMERIC) say_tzerr(e);   /* diverged: said, and the last finite model is kept */
    if (rc && rc != TZ_E_NUMERIC) {
        say_tzerr(e);
        lm_model_free(R->lm);
    } else {
        LmModel *lm = R->lm;
        Model *md = tz_calloc(1, sizeof *md);
        snprintf(md->name, sizeof md->name, "%s", R->name);
        snprintf(md->kind, sizeof md->kind, "%s", cell_kind_name(R->kind));
        snprintf(md->source, sizeof md->source, "corpus %s", R->tc.name);
        snprintf(md->info, sizeof md->info, "%s embed=%d hidden=%d layers=%d seq=%d batch=%d epochs=%d lr=%g clip=%g",
                 R->word ? "word" : "char", R->E, R->H, R->L, lm->cfg.T, lm->cfg.B, lm->cfg.epochs, lm->cfg.lr,
                 lm->cfg.clip);
        md->lang = R->tc.lang;
        md->lm = lm;
        char b1[32], b2[32], b3[32], b4[32], b5[32];
        const char *unit = lm->cs.word ? M("sözcük", "word") : M("karakter", "character");
        if (lm->st.finished) {
            /* speed: the tokens trained on (steps × batch × window) per second of training */
            double tps = lm->st.seconds > 0 ? (double)lm->st.steps * lm->cfg.B * lm->cfg.T / lm->st.seconds : 0;
            char b6[32], ppl[96];
            if (isfinite(lm->st.val_loss))
                snprintf(ppl, sizeof ppl, M("ayrılmış metinde şaşkınlık (perplexity) %s", "held-out perplexity %s"),
                         fmt_real(exp(lm->st.val_loss), 2, b4));
            else   /* the held-out tenth is shorter than one window: nothing to measure on */
                snprintf(ppl, sizeof ppl, "%s", M("ayrılmış kısım bir pencereden kısa: şaşkınlık ölçülemedi",
                                                  "the held-out part is shorter than one window: no perplexity"));
            say(M("%s eğitildi: %s %s, %s parametre; son kayıp %s nat/%s, %s (%s sn, saniyede %s %s). "
                  "Deneyin: generate \"...\"\n",
                  "%s trained: %s %ss, %s parameters; final loss %s nats/%s, %s (%s s, %s %ss/s). "
                  "Try: generate \"...\"\n"),
                md->name, fmt_int((long long)lm->cs.chars.size, b1), unit, fmt_int((long long)rnnlm_nparams(&lm->m), b2),
                fmt_real(lm->st.train_loss, 3, b3), unit, ppl, fmt_real(lm->st.seconds, 1, b5),
                fmt_int((long long)(tps + 0.5), b6), unit);
        }
        else if (lm->st.diverged)
            say(M("%ld adımdan sonraki son sonlu model %s adıyla saklandı.\n",
                  "the last finite model, after %ld steps, is kept as %s.\n"), lm->st.steps, md->name);
        else
            say(M("eğitim durduruldu (%ld adım); o ana kadar eğitilen model %s adıyla saklandı.\n",
                  "training stopped (%ld steps); the model trained so far is kept as %s.\n"),
                lm->st.steps, md->name);
        model_install(md);
    }
    train_corpus_free(&R->tc);
    free(R);
}

int cmd_train_rnn(Args *a)
{
    if (arg_str(a, "task", NULL)) return cmd_train_seqclf(a);   /* a classifier (seqtask.c) */
    const char *what = a->argv[1];
    CellKind kind = !strcmp(what, "lstm") ? TZ_CELL_LSTM : !strcmp(what, "gru") ? TZ_CELL_GRU : TZ_CELL_RNN;
    const char *level = arg_str(a, "level", "char");
    if (strcmp(level, "char") != 0 && strcmp(level, "word") != 0) {
        say_error(M("level=%s: level=char (karakterler) ya da level=word (sözcükler) olmalı.",
                    "level=%s: must be level=char (characters) or level=word (words)."), level);
        return 1;
    }
    int word = !strcmp(level, "word");
    const char *opt = arg_str(a, "optim", "adam");
    if (strcmp(opt, "adam") != 0 && strcmp(opt, "sgd") != 0) {
        say_error(M("optim=%s: adam ya da sgd olmalı.", "optim=%s: must be adam or sgd."), opt);
        return 1;
    }
    TzErr e;
    long hidden, layers, seq, batch, epochs, embed, seed, vocab, steps;
    double lr, clip;
    if (arg_long(a, "hidden", 256, 1, 4096, &hidden, &e) || arg_long(a, "layers", 1, 1, RNNLM_MAX_LAYERS, &layers, &e) ||
        arg_long(a, "seq", 64, 1, 4096, &seq, &e) || arg_long(a, "batch", 32, 1, 4096, &batch, &e) ||
        arg_long(a, "epochs", 1, 1, 1000, &epochs, &e) || arg_long(a, "embed", 64, 1, 4096, &embed, &e) ||
        arg_long(a, "seed", 1, 0, 2147483647L, &seed, &e) || arg_double(a, "lr", 0.002, 1e-6, 1e30, &lr, &e) ||
        arg_double(a, "clip", 1.0, 0, 1e6, &clip, &e) || arg_long(a, "vocab", 10000, 3, 1000000, &vocab, &e) ||
        arg_long(a, "steps", 0, 0, 100000000L, &steps, &e)) {
        say_tzerr(&e);
        return 1;
    }
    if (!word && arg_str(a, "vocab", NULL)) {
        say_error(M("vocab= yalnızca level=word ile: karakter düzeyinde sözlük metnin karakterleridir.",
                    "vocab= goes with level=word only: at character level the vocabulary is the text's characters."));
        return 1;
    }
    /* too big for this machine? (a character vocabulary is at most a few hundred) */
    CellKind kind0 = kind;
    double need = rnnlm_train_bytes(kind0, word ? (int)vocab : 300, (int)embed, (int)hidden, (int)layers, (int)seq, (int)batch),
           ram = tz_phys_bytes();
    if (ram > 0 && need > 0.8 * ram) {
        say_error(M("bu ayarlarla eğitim yaklaşık %.1f GB bellek ister (ağırlıklar, gradyanlar, Adam ve bir adımın "
                    "ara değerleri); bu makinede %.1f GB var. hidden=, batch=, seq= ya da vocab= değerini küçültün.",
                    "training with these settings needs about %.1f GB of memory (weights, gradients, Adam and one "
                    "step's activations); this machine has %.1f GB. Make hidden=, batch=, seq= or vocab= smaller."),
                  need / 1e9, ram / 1e9);
        return 1;
    }
    RnnJob *R = tz_calloc(1, sizeof *R);
    R->word = word;
    R->vocab = (size_t)vocab;
    if (train_corpus(a, &R->tc)) { free(R); return 1; }
    R->kind = kind;
    R->E = (int)embed; R->H = (int)hidden; R->L = (int)layers; R->seed = (uint64_t)seed;
    R->lm = tz_calloc(1, sizeof *R->lm);
    R->lm->cfg = (RnnTrainConfig){ .T = (int)seq, .B = (int)batch, .epochs = (int)epochs, .lr = (float)lr,
                                   .clip = (float)clip, .val_frac = 0.05, .sgd = !strcmp(opt, "sgd"), .max_steps = steps };
    const char *name = arg_str(a, "name", NULL);
    if (name) snprintf(R->name, sizeof R->name, "%s", name);
    else snprintf(R->name, sizeof R->name, "%s-%.55s", cell_kind_name(kind), R->tc.name);
    char what_s[160], curve[128];
    snprintf(what_s, sizeof what_s, "%s %s", cell_kind_name(kind), R->tc.name);
    snprintf(curve, sizeof curve, "%.40s (%s, %s)", R->name, cell_kind_name(kind), word ? "word" : "char");
    app_job_curve(curve);
    return app_start_job(what_s, M("adım", "step"), rnn_work, R, rnn_done);
}

/* --- tokens ------------------------------------------------------------------------------------ */

/* Add "'x'" to a list of names being gathered for a note (as long as there is room). */
static void name_add(char *list, size_t cap, const char *w, size_t n)
{
    size_t len = strlen(list);
    if (len + n + 8 < cap) snprintf(list + len, cap - len, "%s'%.*s'", len ? ", " : "", (int)n, w);
    else if (len + 5 < cap && strcmp(list + len - 3, "...") != 0) snprintf(list + len, cap - len, ", ...");
}

static void tokens_push(LmTokens *t, int32_t id, const char *piece, size_t n)
{
    t->ids[t->n] = id;
    t->piece[t->n] = tz_strndup(piece, n);
    t->n++;
}

/* At word level: the text tokenized as the corpora are, unknown words as <unk>. */
static void word_tokens(const LmModel *lm, const char *text, LmTokens *out, char *unknown, size_t ucap)
{
    TokOptions o = tok_options_corpus(lm->lang);
    size_t n = 0;
    char **w = tz_tokens(text, strlen(text), &o, &n, NULL);
    out->ids = tz_malloc((n + 1) * sizeof *out->ids);
    out->piece = tz_malloc((n + 1) * sizeof *out->piece);
    int32_t unk = (int32_t)vocab_find(&lm->cs.chars, RNNLM_UNK, strlen(RNNLM_UNK));
    for (size_t i = 0; i < n; i++) {
        int64_t id = vocab_find(&lm->cs.chars, w[i], strlen(w[i]));
        if (id < 0) {
            out->unknown++;
            name_add(unknown, ucap, w[i], strlen(w[i]));
            id = unk;
        }
        tokens_push(out, (int32_t)id, w[i], strlen(w[i]));
    }
    tz_tokens_free(w);
}

int lm_tokens(const LmModel *lm, const char *model_name, const char *text, LmTokens *out)
{
    memset(out, 0, sizeof *out);
    size_t len = strlen(text);
    size_t bad = utf8_validate(text, len);
    if (bad < len) {
        say_error(M("metin %zu. baytta geçerli UTF-8 değil; metni UTF-8 olarak yazın.",
                    "the text is not valid UTF-8 at byte %zu; type it as UTF-8."), bad + 1);
        return 1;
    }
    char unknown[256] = "", lowered[256] = "";
    if (lm->cs.word) {
        word_tokens(lm, text, out, unknown, sizeof unknown);
        if (out->unknown)
            say(M("not: %s modelinin sözlüğünde olmayan sözcükler %s olarak okundu: %s\n",
                  "note: words outside model %s's vocabulary are read as %s: %s\n"), model_name, RNNLM_UNK, unknown);
        if (out->n == 0) {
            say_error(M("metinde sözcük yok.", "the text has no words."));
            lm_tokens_free(out);
            return 1;
        }
        return 0;
    }
    out->ids = tz_malloc((len + 1) * sizeof *out->ids);
    out->piece = tz_malloc((len + 1) * sizeof *out->piece);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        int k = utf8_decode(text + i, len - i, &cp);
        int64_t id = vocab_find(&lm->cs.chars, text + i, (size_t)k);
        if (id < 0) {   /* the corpora are lower-cased: try the letter in lower case */
            char low[16];
            size_t ln = tz_lower(text + i, (size_t)k, lm->lang, low);
            id = vocab_find(&lm->cs.chars, low, ln);
            if (id >= 0) {
                name_add(lowered, sizeof lowered, text + i, (size_t)k);
                tokens_push(out, (int32_t)id, low, ln);
            } else {
                out->unknown++;
                name_add(unknown, sizeof unknown, text + i, (size_t)k);
            }
        } else {
            tokens_push(out, (int32_t)id, text + i, (size_t)k);
        }
        i += (size_t)k;
    }
    if (lowered[0])
        say(M("not: %s modeli küçük harfli metinle eğitildi; şunlar küçük harf olarak okundu: %s\n",
              "note: model %s was trained on lower-cased text; these are read in lower case: %s\n"), model_name, lowered);
    if (out->unknown)
        say(M("not: %s modeli şu karakterleri hiç görmedi, atlandılar: %s\n",
              "note: model %s has never seen these characters, they are left out: %s\n"), model_name, unknown);
    if (out->n == 0) {
        say_error(M("metinde %s modelinin bildiği bir karakter yok (%zu karakter biliyor).",
                    "the text has no character model %s knows (it knows %zu)."), model_name, lm->cs.chars.size);
        lm_tokens_free(out);
        return 1;
    }
    return 0;
}

void lm_tokens_free(LmTokens *t)
{
    if (t->piece)
        for (size_t i = 0; i < t->n; i++) free(t->piece[i]);
    free(t->piece);
    free(t->ids);
    memset(t, 0, sizeof *t);
}

/* --- generate --------------------------------------------------------------------------------- */

/* generate [MODEL] "prompt" [n=200] [temp=0.8] [topk=0] [seed=1] [model=NAME] */
int cmd_generate(Args *a)
{
    Model *m = NULL;
    const char *prompt = NULL;
    if (a->argc == 3) {
        m = model_find(a->argv[1]);
        if (!m) {
            say_error(M("'%s' diye bir model yok; 'models' yüklü modelleri listeler.",
                        "there is no model '%s'; 'models' lists the loaded ones."), a->argv[1]);
            return 1;
        }
        prompt = a->argv[2];
    } else {
        m = model_for(a);
        if (!m) return 1;
        prompt = a->argv[1];
    }
    if (m->gpt) return gpt_generate_cmd(m, prompt, a);   /* a GPT (gpt.c) */
    if (m->llama) return llama_generate_cmd(m, prompt, a);   /* a LLaMA (llama.c) */
    if (!m->lm) {
        say_error(M("%s bir dil modeli değil (%s). Önce birini eğitin: train gpt corpus=mini-tr ya da train lstm corpus=mini-tr",
                    "%s is not a language model (%s). Train one first: train gpt corpus=mini-en or train lstm corpus=mini-en"),
                  m->name, m->kind);
        return 1;
    }
    if (arg_str(a, "topp", NULL)) {
        say_error(M("topp= GPT modelleri içindir; %s bir %s modeli (sıcaklık ve topk kullanın).",
                    "topp= is for GPT models; %s is a %s model (use temp and topk)."), m->name, m->kind);
        return 1;
    }
    TzErr e;
    long n, topk, seed;
    double temp;
    if (arg_long(a, "n", 200, 1, 100000, &n, &e) || arg_long(a, "topk", 0, 0, 100000, &topk, &e) ||
        arg_long(a, "seed", 1, 0, 2147483647L, &seed, &e) || arg_double(a, "temp", 0.8, 0, 100, &temp, &e)) {
        say_tzerr(&e);
        return 1;
    }
    LmModel *lm = m->lm;
    size_t L = (size_t)lm->m.L, H = (size_t)lm->m.H, V = (size_t)lm->m.V;
    LmTokens tk;
    if (prompt[0] && lm_tokens(lm, m->name, prompt, &tk)) return 1;
    if (!prompt[0]) {   /* an empty prompt starts after a line end */
        memset(&tk, 0, sizeof tk);
        tk.ids = tz_malloc(sizeof *tk.ids);
        tk.ids[0] = (int32_t)vocab_find(&lm->cs.chars, "\n", 1);
        tk.n = 1;
    }
    const int32_t *ids = tk.ids;
    size_t np = tk.n;
    RnnLMWork w;
    rnnlm_work_init(&w, &lm->m);
    float *h = tz_calloc(L * H, sizeof *h), *c = tz_calloc(L * H, sizeof *c), *logits = tz_malloc(V * sizeof *logits);
    for (size_t i = 0; i < np; i++) rnnlm_step(&lm->m, &w, ids[i], h, c, logits);
    uint64_t r = (uint64_t)seed * 0x9E3779B97F4A7C15ULL + 1;
    say("%s%s%s", col_bold(), prompt, col_off());
    int line_start = prompt[0] == 0;
    for (long i = 0; i < n; i++) {
        int32_t t = rnnlm_sample(logits, (int)V, (float)temp, (int)topk, &r);
        const char *tok = vocab_word(&lm->cs.chars, (size_t)t);
        /* words are joined by spaces; a line end ends a sentence */
        if (lm->cs.word && tok[0] != '\n' && !line_start) say(" ");
        say("%s", tok);
        fflush(stdout);         /* streamed: each token shows as soon as it is drawn */
        line_start = tok[0] == '\n';
        if (i + 1 < n) rnnlm_step(&lm->m, &w, t, h, c, logits);
    }
    say("\n");
    free(h); free(c); free(logits);
    lm_tokens_free(&tk);
    rnnlm_work_free(&w);
    return 0;
}
