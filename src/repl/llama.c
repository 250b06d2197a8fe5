/* llama.c — a LLaMA at the prompt: `load` a llama2.c checkpoint (with its tokenizer.bin) or a
 * GGUF file (which carries its tokenizer), `generate` from it, `info`, the `models` line.
 *
 * The weights come from the engine's readers (models/llama_io.h, formats/llama2c.h, gguf.h),
 * the tokenizer is SentencePiece-style BPE (text/spm.h): a prompt is encoded with BOS in front
 * (as Llama was trained: every document starts with <s>), and generated pieces are printed one
 * by one as they are drawn (spm_decode_piece), until EOS (</s>) or n tokens.
 */
#include "app.h"
#include "i18n.h"
#include "llamam.h"
#include "out.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/io.h"
#include "core/utf8.h"
#include "formats/gguf.h"
#include "formats/llama2c.h"
#include "models/llama_gen.h"
#include "models/llama_io.h"
#include "nn/q8.h"

/* --- the model --------------------------------------------------------------------------------- */

void llama_model_free(LlamaModel *m)
{
    if (!m) return;
    llama_free(&m->w);
    if (m->spm) {
        spm_free(m->spm);
        free(m->spm);
    }
    free(m);
}

/* How the weights are held: "float32", "Q8_0", or "Q8_0 + float32" when some matrices could not be
 * quantised (rows not a multiple of 32 long). The RMSNorm gains are float32 in every case. */
const char *llama_storage(const LlamaModel *m)
{
    const Llama *w = &m->w;
    int matrices = 7 * w->cfg.L + 1 + !w->cfg.tied;
    return w->nq8 == 0 ? "float32" : w->nq8 == matrices ? "Q8_0" : "Q8_0 + float32";
}

void llama_model_describe(const LlamaModel *m, char *buf, size_t n)
{
    const LlamaConfig *c = &m->w.cfg;
    char b1[32], b2[32], b3[32];
    snprintf(buf, n, M("%s belirteç, %d blok × %d kafa (%d K/V), genişlik %d, FFN %d, bağlam %d; %s parametre, %s MB (%s)%s",
                       "%s tokens, %d blocks × %d heads (%d K/V), width %d, FFN %d, context %d; %s parameters, %s MB (%s)%s"),
             fmt_int(c->V, b1), c->L, c->H, c->Hkv, c->D, c->F, c->C, fmt_int((long long)llama_nparams(c), b2),
             fmt_real((double)llama_weight_bytes(&m->w) / 1e6, 1, b3), llama_storage(m),
             m->spm ? "" : M("; belirteçleyici yok", "; no tokenizer"));
}

/* --- which files are LLaMA's ------------------------------------------------------------------ */

static int ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), k = strlen(suf);
    return n > k && !strcmp(s + n - k, suf);
}

/* GGUF by its magic (or by its name, so that a damaged .gguf is reported by the GGUF reader);
 * llama2.c by its magic "ak42" (version 1), or — the legacy format has no magic — a .bin whose
 * first seven int32 look like a LLaMA's shape (dim, hidden_dim, n_layers, n_heads, n_kv_heads,
 * ±vocab_size, seq_len). word2vec's .bin starts with ASCII digits and fastText's with its magic:
 * read as a dim they are hundreds of millions, so neither passes. The file's size is checked by
 * the reader (llama2c_parse), which names both numbers when it disagrees. */
int llama_file_kind(const char *path)
{
    unsigned char h[28];
    size_t got = 0;
    FILE *fp = fopen(path, "rb");
    if (fp) {
        got = fread(h, 1, sizeof h, fp);
        fclose(fp);
    }
    if (got >= 4 && !memcmp(h, "GGUF", 4)) return LLAMA_FILE_GGUF;
    if (ends_with(path, ".gguf")) return LLAMA_FILE_GGUF;
    if (got >= 4 && h[0] == 0x32 && h[1] == 0x34 && h[2] == 0x6b && h[3] == 0x61) return LLAMA_FILE_LLAMA2C; /* "ak42" LE */
    if (!ends_with(path, ".bin") || got < 28) return LLAMA_FILE_NONE;
    int32_t v[7];
    memcpy(v, h, sizeof v);
    int dim = v[0], hid = v[1], L = v[2], H = v[3], Hkv = v[4], V = v[5] < 0 ? -v[5] : v[5], C = v[6];
    if (dim <= 0 || dim > 65536 || hid <= 0 || hid > 1 << 20 || L <= 0 || L > 1024 || H <= 0 || H > dim || Hkv <= 0 ||
        Hkv > H || V <= 0 || V > 4000000 || C <= 0 || C > 1 << 20 || dim % H || H % Hkv)
        return LLAMA_FILE_NONE;
    return LLAMA_FILE_LLAMA2C;
}

/* --- load ---------------------------------------------------------------------------------------- */

typedef struct {
    char path[4096], name[64], tok[4096];
    int kind;
    int tok_given;          /* tokenizer= was given (else tok is tokenizer.bin beside, or "") */
    int q8;                 /* q8=: −1 not given (GGUF: Q8_0 tensors stay Q8_0), 0 all float32, 1 all Q8_0 */
    int quantised;          /* matrices llama_quantize turned to Q8_0 at load (llama2.c with q8=1) */
    LlamaModel *m;
} LlamaLoadJob;

/* The GGUF file: weights, and its vocabulary when it holds one. */
static int load_gguf(LlamaModel *m, const char *path, int how, GgufVocab *voc, int *has_voc, TzErr *e)
{
    TzFile fm;
    int rc = tz_file_map(&fm, path, e);
    if (rc) return rc;
    GgufFile f;
    GgufLlama c;
    if ((rc = gguf_parse(&f, fm.data, fm.size, path, e)) == 0) {
        if ((rc = gguf_llama_config(&f, &c, e)) == 0) {
            *has_voc = gguf_kv(&f, "tokenizer.ggml.tokens") != NULL;
            if (*has_voc) rc = gguf_vocab(&f, voc, e);
            /* the weights straight from the file: Q8_0 tensors kept as they are unless q8=0 */
            if (rc == 0) rc = llama_from_gguf(&m->w, &f, &c, how, e);
        }
        gguf_free(&f);
    }
    tz_file_unmap(&fm);
    return rc;
}

static int llama_load_work(Job *job, void *arg, TzErr *e)
{
    (void)job;
    LlamaLoadJob *L = arg;
    LlamaModel *m = tz_calloc(1, sizeof *m);
    GgufVocab voc;
    memset(&voc, 0, sizeof voc);
    int has_voc = 0, rc;
    if (L->kind == LLAMA_FILE_GGUF) {
        int how = L->q8 < 0 ? LLAMA_LOAD_KEEP : L->q8 ? LLAMA_LOAD_Q8 : LLAMA_LOAD_F32;
        rc = load_gguf(m, L->path, how, &voc, &has_voc, e);
        snprintf(m->origin, sizeof m->origin, "gguf");
    } else {
        rc = llama_load_llama2c(&m->w, L->path, e);
        snprintf(m->origin, sizeof m->origin, "llama2.c");
        if (rc == 0 && L->q8 == 1) {   /* llama2.c files are float32: quantised here */
            L->quantised = llama_quantize(&m->w);
            if (L->quantised < 0)
                rc = tz_errf(e, TZ_E_NOMEM, "Q8_0'a çevirmek için bellek yetmedi.", "not enough memory to quantise to Q8_0.");
        }
    }
    if (rc) goto fail;
    int V = m->w.cfg.V;
    if (L->tok[0]) {   /* a tokenizer.bin: given, or beside a llama2.c checkpoint (it overrides a GGUF's) */
        gguf_vocab_free(&voc);
        memset(&voc, 0, sizeof voc);
        if ((rc = llama2c_tokenizer_load(L->tok, 0, &voc, e))) goto fail;
        has_voc = 2;
    }
    if (has_voc) {
        if (voc.n != V) {
            rc = tz_errf(e, TZ_E_ARG,
                         "belirteçleyicide (%.200s) %d belirteç var, modelin sözlüğünde %d: bu modelin belirteçleyicisi değil.",
                         "the tokenizer (%.200s) has %d tokens, the model's vocabulary %d: it is not this model's tokenizer.",
                         has_voc == 2 ? L->tok : L->path, voc.n, V);
            goto fail;
        }
        m->spm = tz_calloc(1, sizeof *m->spm);
        rc = has_voc == 2 ? spm_from_llama2c(m->spm, &voc, e) : spm_from_gguf_vocab(m->spm, &voc, e);
        if (rc) goto fail;
        snprintf(m->tok, sizeof m->tok, "%.250s", has_voc == 2 ? L->tok : M("dosyanın içinde", "inside the file"));
    }
    gguf_vocab_free(&voc);
    L->m = m;
    return 0;
fail:
    gguf_vocab_free(&voc);
    llama_model_free(m);
    return rc;
}

static void llama_load_done(int rc, const TzErr *e, void *arg)
{
    LlamaLoadJob *L = arg;
    if (rc) {
        say_tzerr(e);
    } else {
        LlamaModel *m = L->m;
        Model *md = tz_calloc(1, sizeof *md);
        snprintf(md->name, sizeof md->name, "%s", L->name);
        snprintf(md->kind, sizeof md->kind, "llama");
        snprintf(md->source, sizeof md->source, "%.250s", L->path);
        snprintf(md->info, sizeof md->info, "%s", m->origin);
        md->lang = TZ_LANG_EN;
        md->llama = m;
        char d[256];
        llama_model_describe(m, d, sizeof d);
        say(M("%s yüklendi: LLaMA (%s), %s (model adı %s).\n", "%s loaded: LLaMA (%s), %s (model name %s).\n"), L->path,
            m->origin, d, md->name);
        if (L->q8 == 1 && m->w.nq8 == 0)
            say("  %s\n", M("q8=1: hiçbir matris Q8_0'a çevrilemedi (satır boyları 32'nin katı değil); float32 kaldı.",
                            "q8=1: no matrix could be quantised to Q8_0 (rows not a multiple of 32 long); it stays float32."));
        if (m->spm)
            say(M("  belirteçleyici: %s (%d parça)\n", "  tokenizer: %s (%d pieces)\n"), m->tok, (int)m->spm->n);
        else if (L->kind == LLAMA_FILE_GGUF)
            say("  %s\n", M("dosyada belirteçleyici yok (tokenizer.ggml.*): generate için tokenizer=tokenizer.bin ile birini verin.",
                            "the file holds no tokenizer (tokenizer.ggml.*): give one with tokenizer=tokenizer.bin to generate."));
        else
            say("  %s\n", M("belirteçleyici yok (yanında tokenizer.bin yok): generate için tokenizer=DOSYA ile verin.",
                            "no tokenizer (no tokenizer.bin beside it): give one with tokenizer=FILE to generate."));
        model_install(md);
    }
    free(L);
}

int llama_load_cmd(Args *a, const char *path, const char *name)
{
    if (arg_str(a, "limit", NULL)) {
        say_error(M("limit= sözcük vektörleri içindir; bir LLaMA bütün olarak yüklenir.",
                    "limit= is for word vectors; a LLaMA is loaded whole."));
        return 1;
    }
    LlamaLoadJob *L = tz_calloc(1, sizeof *L);
    snprintf(L->path, sizeof L->path, "%s", path);
    snprintf(L->name, sizeof L->name, "%s", name);
    L->kind = llama_file_kind(path);
    L->q8 = -1;
    const char *q8 = arg_str(a, "q8", NULL);
    if (q8) {
        if (strcmp(q8, "0") && strcmp(q8, "1")) {
            say_error(M("q8=%s: 0 (float32) ya da 1 (Q8_0, 8 bit) olmalı.", "q8=%s: must be 0 (float32) or 1 (Q8_0, 8 bits)."),
                      q8);
            free(L);
            return 1;
        }
        L->q8 = q8[0] == '1';
    }
    const char *tok = arg_str(a, "tokenizer", NULL);
    if (tok) {
        if (!tz_exists(tok)) {
            say_error(M("tokenizer=%s: böyle bir dosya yok (llama2.c'nin tokenizer.bin'i beklenir).",
                        "tokenizer=%s: no such file (llama2.c's tokenizer.bin is expected)."), tok);
            free(L);
            return 1;
        }
        snprintf(L->tok, sizeof L->tok, "%s", tok);
        L->tok_given = 1;
    } else if (L->kind == LLAMA_FILE_LLAMA2C) {   /* tokenizer.bin beside the checkpoint, as run.c expects */
        const char *slash = strrchr(path, '/');
        char t[4096];
        if (slash) snprintf(t, sizeof t, "%.*s/tokenizer.bin", (int)(slash - path < 4000 ? slash - path : 4000), path);
        else snprintf(t, sizeof t, "tokenizer.bin");
        if (tz_exists(t) && strcmp(t, path)) snprintf(L->tok, sizeof L->tok, "%s", t);
    }
    char what[160];
    snprintf(what, sizeof what, "load %.100s", L->name);
    return app_start_job(what, "", llama_load_work, L, llama_load_done);
}

/* --- generate ---------------------------------------------------------------------------------- */

/* What generation has printed: bytes held back while they end inside a UTF-8 character (a byte
 * piece <0xC3> is half of "ç"; its other half comes with the next token). */
typedef struct {
    const Spm *spm;
    int32_t prev;           /* the token before (spm_decode_piece drops a space only after BOS) */
    SayStream out;          /* what is printed, a character at a time */
    long count;
    int stopped;            /* Ctrl-C */
} LGenOut;

static int lgen_token(int32_t tok, void *arg)
{
    LGenOut *o = arg;
    size_t len = 0;
    const char *s = tok == o->spm->eos ? NULL : spm_decode_piece(o->spm, o->prev, tok, &len);
    if (s) say_stream(&o->out, s, len);
    o->prev = tok;
    o->count++;
    fflush(stdout);         /* streamed: each piece shows as soon as it is drawn */
    if (app_take_sigint()) {   /* Ctrl-C stops the generation, not the session */
        o->stopped = 1;
        return 1;
    }
    return 0;
}

int llama_generate_cmd(Model *md, const char *prompt, Args *a)
{
    LlamaModel *m = md->llama;
    if (!m->spm) {
        say_error(M("%s'in belirteçleyicisi yok: metni belirteçlere çeviremiyorum. Yeniden yükleyin: load %s tokenizer=tokenizer.bin",
                    "%s has no tokenizer: the text cannot be turned into tokens. Load it again: load %s tokenizer=tokenizer.bin"),
                  md->name, md->source);
        return 1;
    }
    TzErr e;
    GenParams p;
    if (gen_args(a, &p)) return 1;
    const Spm *s = m->spm;
    size_t len = strlen(prompt);
    size_t np = spm_encode(s, prompt, len, 1, 0, NULL, 0);
    if (np == 0) {
        say_error(M("%s'in belirteçleyicisinde BOS (<s>) yok ve başlangıç boş: başlayacak bir şey yok.",
                    "%s's tokenizer has no BOS (<s>) and the prompt is empty: nothing to start from."), md->name);
        return 1;
    }
    int32_t *ids = tz_malloc(np * sizeof *ids);
    spm_encode(s, prompt, len, 1, 0, ids, np);
    int C = m->w.cfg.C;
    gen_say_cut(np, C);
    LlamaKV kv;
    memset(&kv, 0, sizeof kv);
    p.stop_token = s->eos;
    LGenOut o = { .spm = s, .prev = ids[np - 1] };
    say("%s%s%s", col_bold(), prompt, col_off());
    fflush(stdout);
    size_t cut = 0;
    double t0 = tz_now();
    long got = llama_generate(&m->w, &kv, ids, np, &p, lgen_token, &o, &cut, NULL, &e);
    double dt = tz_now() - t0;
    llama_kv_free(&kv);
    free(ids);
    return gen_finish(&o.out, s->eos >= 0 ? "</s>" : NULL, got < p.n && !o.stopped, o.stopped, o.count, got, dt, &e);
}

/* --- info ---------------------------------------------------------------------------------------- */

static void row(const char *what, const char *shape, double count)
{
    char b[32];
    say("  %s%*s %s%*s %14s\n", what, pad(what, 36), "", shape, pad(shape, 8), "", fmt_int((long long)count, b));
}

/* Parameters per component: no biases anywhere, RMSNorm has only a gain (D), no position table
 * (RoPE turns q and k instead), K/V projections KV = Hkv·hs wide (grouped-query attention). */
int llama_info_cmd(const Model *md)
{
    const LlamaModel *m = md->llama;
    const LlamaConfig *c = &m->w.cfg;
    double V = c->V, D = c->D, L = c->L, F = c->F, KV = (double)c->Hkv * (c->D / c->H);
    char b1[32], b2[32];
    say(M("%s: LLaMA (%s) — %d blok, %d sorgu kafası, %d K/V kafası (kafa başına %d), D = %d, FFN F = %d, bağlam C = %d, V = %s\n",
          "%s: LLaMA (%s) — %d blocks, %d query heads, %d K/V heads (%d per head), D = %d, FFN F = %d, context C = %d, V = %s\n"),
        md->name, m->origin, c->L, c->H, c->Hkv, c->D / c->H, c->D, c->F, c->C, fmt_int(c->V, b1));
    say("%s\n", M("parametreler:", "parameters:"));
    row(M("belirteç gömmeleri (tok_embeddings)", "token embeddings (tok_embeddings)"), "V×D", V * D);
    say(M("  her blokta (×%d):\n", "  in each block (×%d):\n"), c->L);
    row(M("  RMSNorm kazançları (2)", "  RMSNorm gains (2)"), "2D", 2 * D);
    row(M("  dikkat: wq, wo", "  attention: wq, wo"), "2·D×D", 2 * D * D);
    row(M("  dikkat: wk, wv (GQA)", "  attention: wk, wv (GQA)"), "2·KV×D", 2 * KV * D);
    row(M("  SwiGLU: w1, w3, w2", "  SwiGLU: w1, w3, w2"), "3·F×D", 3 * F * D);
    double blk = 2 * D + 2 * D * D + 2 * KV * D + 3 * F * D;
    row(M("bütün bloklar", "all blocks"), "L×…", L * blk);
    row(M("son RMSNorm (norm)", "final RMSNorm (norm)"), "D", D);
    if (c->tied)
        say("  %s\n", M("çıkış katmanı: tok_embeddings ile bağlı — iki kez sayılmaz", "output layer: tied to tok_embeddings — not counted twice"));
    else
        row(M("çıkış katmanı (output)", "output layer (output)"), "V×D", V * D);
    row(M("toplam", "total"), "", (double)llama_nparams(c));
    say(M("bellek: ağırlıklar %s (%s), üretimde KV önbelleği %s\n", "memory: weights %s (%s), KV cache for generation %s\n"),
        fmt_bytes((double)llama_weight_bytes(&m->w), b1), llama_storage(m), fmt_bytes((double)llama_kv_bytes(c), b2));
    if (m->w.nq8)
        say(M("  Q8_0: %d matris 32'lik bloklarda 8 bit (blok başına bir ölçek); float32 olsa %s olurdu. Üretim int8 çarpımlarla (%s).\n",
              "  Q8_0: %d matrices in 8 bits, blocks of 32 (one scale a block); float32 would take %s. Generation runs int8 products (%s).\n"),
            m->w.nq8, fmt_bytes(4.0 * (double)llama_nparams(c), b1), q8_kernel());
    if (m->spm) say(M("belirteçleyici: %s (%d parça)\n", "tokenizer: %s (%d pieces)\n"), m->tok, (int)m->spm->n);
    else say("%s\n", M("belirteçleyici: yok", "tokenizer: none"));
    return 0;
}
