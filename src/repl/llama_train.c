/* llama_train.c — training a small LLaMA at the prompt (`train llama`), and saving any LLaMA as
 * GGUF or as a llama2.c checkpoint with its tokenizer.bin (`save NAME FILE.gguf|FILE.bin`).
 *
 * `train llama` is one job in two phases, like `train gpt` (gpt.c): first a SentencePiece-style
 * BPE vocabulary is learnt on the raw text (text/spm.h, spm_train: the tokenizer LLaMA itself
 * uses — "▁" for a space, byte fallback, merges scored by their order), or one is reused
 * (tokenizer=NAME of a LLaMA in the session); then the text is cut into pieces and a LLaMA
 * (models/llama.h: RMSNorm, RoPE, SwiGLU, grouped-query attention) is trained on them with the
 * GPT's loop (models/llama_train.h). The result is a LlamaModel (llamam.h) like a loaded one:
 * `generate`, `info`, `attention` and `save` work on it.
 */
#include "app.h"
#include "gptm.h"
#include "i18n.h"
#include "llamam.h"
#include "out.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "core/utf8.h"
#include "models/llama_train.h"
#include "text/spm.h"

/* The defaults, measured on corpus=tr (2 cores): see cmd_train_llama. */
#define LLAMA_TRAIN_STEPS 300
#define LLAMA_TRAIN_LR 3e-3

#define LLAMA_TRAIN_KEYS "corpus lang layers heads kv_heads dim ctx batch lr steps warmup clip seed vocab tokenizer name"

typedef struct {
    char name[64], corpus[64], path[4096];
    char what_spm[96], what_llama[96], unit_merge[32], unit_token[32];
    TzLang lang;
    int lowered;            /* no raw text: the prepared corpus (lower-cased, no punctuation) */
    LlamaConfig cfg;        /* V is set once the tokenizer is known */
    GptTrainConfig tc;
    int vocab;              /* the vocabulary to learn first (0: one was given) */
    Spm *spm;               /* the given tokenizer (a copy) or the one learnt; moves into the model */
    char tok_name[64];      /* the model it came from, or "" */
    uint64_t seed;
    LlamaModel *m;          /* the result */
    GptTrainStats st;
    size_t bytes, ntok, bad_utf8;
    size_t val_bytes, val_chars;   /* the held-out part's text: bytes and characters */
    double t_spm, t_enc;
} LlamaJob;

static void spm_drop(Spm *s)
{
    if (!s) return;
    spm_free(s);
    free(s);
}

/* A private copy of a tokenizer (the session may free the model it came from meanwhile). */
static Spm *spm_copy(const Spm *src)
{
    GgufVocab v;
    spm_to_vocab(src, 1, &v);
    Spm *s = tz_calloc(1, sizeof *s);
    TzErr e;
    int rc = spm_from_gguf_vocab(s, &v, &e);
    TZ_ASSERT(rc == 0);
    gguf_vocab_free(&v);
    return s;
}

static size_t utf8_chars(const char *p, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++) c += ((unsigned char)p[i] & 0xC0) != 0x80;
    return c;
}

static int llama_work(Job *job, void *arg, TzErr *e)
{
    LlamaJob *J = arg;
    TzFile f;
    int rc = tz_file_map(&f, J->path, e);
    if (rc) return rc;
    J->bytes = f.size;
    if (f.size < 2) {
        tz_file_unmap(&f);
        return tz_errf(e, TZ_E_ARG, "'%s' boş: eğitilecek metin yok.", "'%s' is empty: there is no text to train on.", J->path);
    }
    size_t bad = utf8_validate(f.data, f.size);
    J->bad_utf8 = bad < f.size ? bad + 1 : 0;
    /* phase 1: the tokenizer, learnt on the same text */
    if (!J->spm) {
        J->spm = tz_calloc(1, sizeof *J->spm);
        double t0 = tz_now();
        rc = spm_train(J->spm, f.data, f.size, J->vocab, job, e);
        J->t_spm = tz_now() - t0;
        if (rc) {
            tz_file_unmap(&f);
            return rc;
        }
    }
    /* phase 2: the text as pieces, one line a document as LLaMA is trained (BOS, the line's
     * pieces, the line end: so that a prompt after BOS is what the model has seen), then the
     * model trained on them */
    job_phase(job, J->what_llama, J->unit_token);
    double t0 = tz_now();
    size_t lines = 1;
    for (size_t i = 0; i < f.size; i++) lines += f.data[i] == '\n';
    size_t cap = f.size + 2 * lines + 2;   /* a line of k bytes: at most BOS, prefix, k, line end */
    int32_t *ids = tz_malloc(cap * sizeof *ids);
    size_t n = spm_encode_lines(J->spm, f.data, f.size, ids, cap);
    TZ_ASSERT(n <= cap);
    J->ntok = n;
    J->t_enc = tz_now() - t0;
    /* the held-out part's text, for the loss per character (tokenizers differ; characters do not) */
    size_t nval = (size_t)((double)n * J->tc.val_frac);
    size_t vb = spm_decode(J->spm, ids + (n - nval), nval, NULL, 0);
    if (vb != SPM_BAD_ID) {
        char *vt = tz_malloc(vb ? vb : 1);
        spm_decode(J->spm, ids + (n - nval), nval, vt, vb);
        J->val_bytes = vb;
        J->val_chars = utf8_chars(vt, vb);
        free(vt);
    }
    tz_file_unmap(&f);
    LlamaModel *m = tz_calloc(1, sizeof *m);
    J->cfg.V = J->spm->n;
    if (llama_alloc(&m->w, &J->cfg)) {
        free(m);
        free(ids);
        return tz_errf(e, TZ_E_NOMEM, "model için bellek yok (%zu parametre).", "no memory for the model (%zu parameters).",
                       llama_nparams(&J->cfg));
    }
    llama_init(&m->w, J->seed);
    m->spm = J->spm;
    J->spm = NULL;
    snprintf(m->origin, sizeof m->origin, "train");
    J->m = m;
    rc = llama_train(&m->w, ids, n, &J->tc, &J->st, job, e);
    free(ids);
    return rc;
}

static void llama_job_free(LlamaJob *J)
{
    spm_drop(J->spm);
    free(J);
}

static void llama_done(int rc, const TzErr *e, void *arg)
{
    LlamaJob *J = arg;
    char b1[32], b2[32], b3[32], b4[32], b5[32];
    if (rc == TZ_E_CANCELLED && !J->m) {
        say(M("belirteçleyici öğrenilirken durduruldu; model eğitilmedi.\n",
              "stopped while the tokenizer was being learnt; no model was trained.\n"));
        llama_job_free(J);
        return;
    }
    if (rc && rc != TZ_E_NUMERIC) {
        say_tzerr(e);
        llama_model_free(J->m);
        llama_job_free(J);
        return;
    }
    if (rc == TZ_E_NUMERIC) say_tzerr(e);   /* diverged: back at the last sane weights */
    LlamaModel *m = J->m;
    GptTrainStats *st = &J->st;
    const LlamaConfig *c = &m->w.cfg;
    if (J->tok_name[0]) snprintf(m->tok, sizeof m->tok, "%s", J->tok_name);
    else snprintf(m->tok, sizeof m->tok, M("%.60s üzerinde öğrenildi", "learnt on %.60s"), J->corpus);
    Model *md = tz_calloc(1, sizeof *md);
    snprintf(md->name, sizeof md->name, "%s", J->name);
    snprintf(md->kind, sizeof md->kind, "llama");
    snprintf(md->source, sizeof md->source, "corpus %s", J->corpus);
    snprintf(md->info, sizeof md->info, "layers=%d heads=%d kv_heads=%d dim=%d ctx=%d vocab=%d batch=%d lr=%g steps=%ld%s%s",
             c->L, c->H, c->Hkv, c->D, c->C, c->V, J->tc.B, (double)J->tc.lr, st->steps, J->tok_name[0] ? " tokenizer=" : "",
             J->tok_name);
    md->lang = J->lang;
    md->llama = m;

    if (J->bad_utf8)
        say(M("not: metin %zu. baytta geçerli UTF-8 değil; bayt parçaları (<0xXX>) her baytı yazar, yine de eğitildi.\n",
              "note: the text is not valid UTF-8 at byte %zu; the byte pieces (<0xXX>) spell any bytes, so it was trained all the same.\n"),
            J->bad_utf8);
    if (J->lowered) train_say_lowered(J->corpus);
    if (J->tok_name[0])
        say(M("belirteçleyici: %s'inki (%s parça)\n", "tokenizer: %s's (%s pieces)\n"), J->tok_name, fmt_int(m->spm->n, b1));
    else
        say(M("belirteçleyici: metinden öğrenilen SentencePiece BPE (LLaMA'nınki gibi: ▁ boşluk, bayt yedekleri), %s parça (%s sn)\n",
              "tokenizer: a SentencePiece BPE learnt on the text (LLaMA's kind: ▁ for a space, byte fallback), %s pieces (%s s)\n"),
            fmt_int(m->spm->n, b1), fmt_real(J->t_spm, 2, b2));
    say(M("metin: %s bayt → %s parça (parça başına %s bayt): %s eğitim, %s doğrulama (son %%10)\n",
          "text: %s bytes → %s pieces (%s bytes per piece): %s for training, %s held out (the last 10%%)\n"),
        fmt_int((long long)J->bytes, b1), fmt_int((long long)J->ntok, b2),
        fmt_real(J->ntok ? (double)J->bytes / (double)J->ntok : 0, 2, b3), fmt_int((long long)st->ntrain, b4),
        fmt_int((long long)st->nval, b5));
    train_say_evals(st);
    char val[48], bpc[48];
    snprintf(val, sizeof val, "%s", isfinite(st->val_loss) ? fmt_real(st->val_loss, 3, b3) : "-");
    /* nats per piece → bits per character: × pieces/characters of the held-out text ÷ ln 2 */
    if (isfinite(st->val_loss) && J->val_chars)
        snprintf(bpc, sizeof bpc, "%s", fmt_real(st->val_loss * (double)st->nval / (double)J->val_chars / log(2.0), 3, b4));
    else
        snprintf(bpc, sizeof bpc, "-");
    if (st->finished)
        say(M("%s eğitildi: %s parametre (GQA: %d sorgu, %d K/V kafası), %ld adım; kayıp %s → %s nat/parça, doğrulama kaybı %s "
              "(karakter başına %s bit); %s sn, %s parça/sn. Deneyin: generate \"...\"\n",
              "%s trained: %s parameters (GQA: %d query, %d K/V heads), %ld steps; loss %s → %s nats/piece, held-out loss %s "
              "(%s bits per character); %s s, %s pieces/s. Try: generate \"...\"\n"),
            md->name, fmt_int((long long)m->w.n, b1), c->H, c->Hkv, st->steps, fmt_real(st->first_loss, 3, b2),
            fmt_real(st->train_loss, 3, b5), val, bpc, fmt_real(st->seconds, 1, b3), fmt_int((long long)st->tokens_per_s, b4));
    else
        train_say_stopped(st, J->tc.steps, md->name);
    model_install(md);
    J->m = NULL;
    llama_job_free(J);
}

int cmd_train_llama(Args *a)
{
    if (only_keys(a, "train llama", LLAMA_TRAIN_KEYS)) return 1;
    TzErr e;
    long layers, heads, kvh, dim, ctx, batch, steps, warmup, seed, vocab;
    double lr, clip;
    if (arg_long(a, "layers", 4, 1, 48, &layers, &e) || arg_long(a, "heads", 4, 1, 64, &heads, &e) ||
        arg_long(a, "dim", 128, 8, 4096, &dim, &e) || arg_long(a, "ctx", 128, 2, 4096, &ctx, &e) ||
        arg_long(a, "batch", 16, 1, 1024, &batch, &e) || arg_long(a, "steps", LLAMA_TRAIN_STEPS, 1, 10000000L, &steps, &e) ||
        arg_long(a, "warmup", -1, -1, 10000000L, &warmup, &e) || arg_long(a, "seed", 1, 0, 2147483647L, &seed, &e) ||
        arg_long(a, "vocab", 1000, SPM_TRAIN_MIN_VOCAB, 200000, &vocab, &e) || arg_double(a, "clip", 1.0, 0, 1e6, &clip, &e)) {
        say_tzerr(&e);
        return 1;
    }
    /* grouped-query attention by default: half as many key/value heads as query heads (when the
     * heads pair up), so that `info` and the attention view show it */
    if (arg_long(a, "kv_heads", heads % 2 == 0 ? heads / 2 : heads, 1, 64, &kvh, &e)) {
        say_tzerr(&e);
        return 1;
    }
    /* the default learning rate: as train gpt's (3e-3 up to dim 128, smaller in proportion above) */
    if (arg_double(a, "lr", LLAMA_TRAIN_LR * (dim > 128 ? 128.0 / (double)dim : 1.0), 1e-7, 1e3, &lr, &e)) {
        say_tzerr(&e);
        return 1;
    }
    if (dim % heads || (dim / heads) % 2) {
        say_error(M("heads=%ld ile dim=%ld uyuşmuyor: her kafa dim/heads sayılık bir dilim alır ve RoPE bu dilimi çiftler "
                    "halinde döndürür, bu yüzden dim/heads çift bir tam sayı olmalı. Ör. dim=%ld heads=%ld",
                    "heads=%ld does not fit dim=%ld: each head takes a slice of dim/heads numbers and RoPE turns it in "
                    "pairs, so dim/heads must be an even whole number. E.g. dim=%ld heads=%ld"),
                  heads, dim, dim, dim % 8 == 0 ? 4L : dim % 4 == 0 ? 2L : 1L);
        return 1;
    }
    if (heads % kvh) {
        say_error(M("kv_heads=%ld, heads=%ld değerini tam bölmeli: her K/V kafasını heads/kv_heads sorgu kafası paylaşır "
                    "(gruplanmış sorgu dikkati). Ör. heads=%ld kv_heads=%ld",
                    "kv_heads=%ld must divide heads=%ld: each key/value head is shared by heads/kv_heads query heads "
                    "(grouped-query attention). E.g. heads=%ld kv_heads=%ld"),
                  kvh, heads, heads, heads % 2 == 0 ? heads / 2 : 1L);
        return 1;
    }
    if (train_check_schedule(a, warmup, steps)) return 1;
    const char *tok = arg_str(a, "tokenizer", NULL);
    const Spm *given = NULL;
    if (tok) {
        Model *tm = model_find(tok);
        if (!tm) {
            say_error(M("'%s' diye bir model yok; tokenizer= yüklü ya da eğitilmiş bir LLaMA'nın adını alır ('models').",
                        "there is no model '%s'; tokenizer= takes the name of a LLaMA loaded or trained here ('models')."), tok);
            return 1;
        }
        given = tm->llama ? tm->llama->spm : NULL;
        if (!given) {
            say_error(M("%s bir LLaMA belirteçleyicisi taşımıyor (%s); tokenizer= SentencePiece belirteçleyicili bir LLaMA ister.",
                        "%s carries no LLaMA tokenizer (%s); tokenizer= wants a LLaMA with a SentencePiece tokenizer."),
                      tm->name, tm->kind);
            return 1;
        }
    }
    /* The vocabulary: 1000 pieces as for train gpt — 3 specials, 256 bytes, ~60 characters and
     * ~680 merges: whole short words and the common suffixes (-lar, -ler, -ın) */
    LlamaConfig cfg = { .V = given ? given->n : (int)vocab, .C = (int)ctx, .D = (int)dim, .L = (int)layers,
                        .H = (int)heads, .Hkv = (int)kvh, .F = llama_train_ffn((int)dim), .tied = 0 };
    if (train_too_big(llama_train_bytes(&cfg, (int)batch, (int)ctx))) return 1;
    LlamaJob *J = tz_calloc(1, sizeof *J);
    if (train_raw_text(a, "train llama", J->path, J->corpus, &J->lang, &J->lowered)) {
        free(J);
        return 1;
    }
    J->cfg = cfg;
    J->vocab = given ? 0 : (int)vocab;
    if (given) {
        J->spm = spm_copy(given);
        snprintf(J->tok_name, sizeof J->tok_name, "%s", tok);
    }
    J->seed = (uint64_t)seed;
    J->tc = gpt_train_defaults();
    J->tc.B = (int)batch;
    J->tc.T = (int)ctx;
    J->tc.steps = steps;
    J->tc.lr = (float)lr;
    J->tc.warmup = warmup;
    J->tc.clip = (float)clip;
    J->tc.seed = (uint64_t)seed;
    const char *name = arg_str(a, "name", NULL);
    if (name) snprintf(J->name, sizeof J->name, "%s", name);
    else snprintf(J->name, sizeof J->name, "llama-%.57s", J->corpus);
    snprintf(J->what_spm, sizeof J->what_spm, "spm %.60s", J->corpus);
    snprintf(J->what_llama, sizeof J->what_llama, "llama %.60s", J->corpus);
    snprintf(J->unit_merge, sizeof J->unit_merge, "%s", M("birleştirme", "merge"));
    snprintf(J->unit_token, sizeof J->unit_token, "%s", M("parça", "piece"));
    char curve[128];
    snprintf(curve, sizeof curve, "%.40s (llama %ldL %ldd %ld/%ld)", J->name, layers, dim, heads, kvh);
    app_job_curve(curve);
    return app_start_job(given ? J->what_llama : J->what_spm, given ? J->unit_token : J->unit_merge, llama_work, J,
                         llama_done);
}

/* --- save ---------------------------------------------------------------------------------------- */

typedef struct {
    const Model *md;
    char path[4096], tok[4200];
    int gguf;
} LlamaSaveJob;

static int llama_save_work(Job *job, void *arg, TzErr *e)
{
    (void)job;
    LlamaSaveJob *S = arg;
    const LlamaModel *m = S->md->llama;
    if (S->gguf) return llama_train_save_gguf(&m->w, m->spm, S->md->name, S->path, e);
    return llama_train_save_llama2c(&m->w, m->spm, S->path, m->spm ? S->tok : NULL, e);
}

static void llama_save_done(int rc, const TzErr *e, void *arg)
{
    LlamaSaveJob *S = arg;
    const LlamaModel *m = S->md->llama;
    if (rc) say_tzerr(e);
    else if (S->gguf)
        say(M("%s kaydedildi: %s (GGUF 3, llama mimarisi, F32 tensörler%s)\n", "%s saved: %s (GGUF 3, llama architecture, F32 tensors%s)\n"),
            S->md->name, S->path,
            m->spm ? M(", belirteçleyici içinde", ", the tokenizer inside") : M("; belirteçleyici yok", "; no tokenizer"));
    else if (m->spm)
        say(M("%s kaydedildi: %s (llama2.c eski biçim) ve yanına %s (belirteçleyici; aynı klasördeki eskisinin yerine geçer)\n",
              "%s saved: %s (llama2.c legacy format) and beside it %s (the tokenizer; it replaces an older one in that folder)\n"),
            S->md->name, S->path, S->tok);
    else
        say(M("%s kaydedildi: %s (llama2.c eski biçim; belirteçleyici yok)\n", "%s saved: %s (llama2.c legacy format; no tokenizer)\n"),
            S->md->name, S->path);
    free(S);
}

int llama_save_cmd(Model *md, const char *path, const char *fmt)
{
    size_t n = strlen(path);
    if (!fmt) fmt = n > 5 && !strcmp(path + n - 5, ".gguf") ? "gguf" : n > 4 && !strcmp(path + n - 4, ".bin") ? "llama2c" : NULL;
    if (!fmt || (strcmp(fmt, "gguf") != 0 && strcmp(fmt, "llama2c") != 0)) {
        say_error(M("%s bir LLaMA: DOSYA.gguf (GGUF, belirteçleyici içinde) ya da DOSYA.bin (llama2.c, yanına tokenizer.bin) "
                    "olarak kaydedilir; ya da format=gguf|llama2c verin.",
                    "%s is a LLaMA: it is saved as FILE.gguf (GGUF, the tokenizer inside) or FILE.bin (llama2.c, with "
                    "tokenizer.bin beside it); or give format=gguf|llama2c."),
                  md->name);
        return 1;
    }
    if (md->llama->w.nq8) {
        say_error(M("%s Q8_0 matrisler taşıyor; yalnızca float32 bir LLaMA kaydedilir.",
                    "%s holds Q8_0 matrices; only a float32 LLaMA is saved."), md->name);
        return 1;
    }
    LlamaSaveJob *S = tz_calloc(1, sizeof *S);
    S->md = md;
    snprintf(S->path, sizeof S->path, "%s", path);
    S->gguf = !strcmp(fmt, "gguf");
    const char *slash = strrchr(path, '/');
    if (slash) snprintf(S->tok, sizeof S->tok, "%.*s/tokenizer.bin", (int)(slash - path < 4000 ? slash - path : 4000), path);
    else snprintf(S->tok, sizeof S->tok, "tokenizer.bin");
    if (!S->gguf && !strcmp(S->tok, path)) {
        say_error(M("%s: checkpoint tokenizer.bin adını alamaz — belirteçleyici o adla yanına yazılır. Başka bir ad seçin.",
                    "%s: the checkpoint cannot be called tokenizer.bin — the tokenizer is written beside it under that "
                    "name. Choose another name."),
                  path);
        free(S);
        return 1;
    }
    char what[160];
    snprintf(what, sizeof what, "save %.60s", md->name);
    return app_start_job(what, "", llama_save_work, S, llama_save_done);
}
