/* tokens.c — byte-level BPE at the prompt: `train bpe corpus=NAME [vocab=4000]` learns a
 * tokenizer as a job (engine/text/bpe.c), `tokens "TEXT" [model=NAME]` shows the pieces a text
 * (or file=PATH) is cut into and their ids, `tokens ids="…"` turns ids back into text.
 * model=gpt2 is GPT-2's own tokenizer (encoder.json + vocab.bpe from the cache, bpe_io.c).
 * The tokens also go to the window's tokens view (viz/tokview.c: the text as it reads, a tinted
 * box per token with its id under it), and on a colour terminal the text is printed once more
 * with each token on its own background.
 * A tokenizer is a Model of kind "bpe" (no vectors, no network); a GPT's own is used too.
 */
#include "app.h"
#include "i18n.h"
#include "out.h"
#include "scene.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "core/utf8.h"
#include "gptm.h"
#include "text/bpe.h"
#include "viz/tokview.h"

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

/* GPT-2's own tokenizer, read from the cache (datasets/fetch.sh --only=gpt2tok puts encoder.json
 * and vocab.bpe there) the first time `model=gpt2` is asked for, and kept as a Model "gpt2". */
static Model *gpt2_tokenizer(void)
{
    char dir[4200], enc[4300], voc[4300];
    snprintf(dir, sizeof dir, "%.4000s/gpt2", g_app.cache);
    snprintf(enc, sizeof enc, "%s/encoder.json", dir);
    snprintf(voc, sizeof voc, "%s/vocab.bpe", dir);
    if (!tz_exists(enc) || !tz_exists(voc)) {
        say_error(M("GPT-2'nin belirteçleyicisi (encoder.json, vocab.bpe) önbellekte yok: %s. "
                    "İndirmek için: make datasets ya da bash datasets/fetch.sh --only=gpt2tok",
                    "GPT-2's tokenizer (encoder.json, vocab.bpe) is not in the cache: %s. "
                    "To fetch it: make datasets, or bash datasets/fetch.sh --only=gpt2tok"), dir);
        return NULL;
    }
    Bpe *b = tz_calloc(1, sizeof *b);
    TzErr e;
    if (bpe_load_gpt2(b, enc, voc, &e)) {
        say_tzerr(&e);
        free(b);
        return NULL;
    }
    Model *md = tz_calloc(1, sizeof *md);
    snprintf(md->name, sizeof md->name, "gpt2");
    snprintf(md->kind, sizeof md->kind, "bpe");
    snprintf(md->source, sizeof md->source, "%.200s", dir);
    snprintf(md->info, sizeof md->info, "GPT-2 encoder.json + vocab.bpe");
    md->bpe = b;
    char b1[32], b2[32];
    say(M("GPT-2'nin belirteçleyicisi yüklendi (gpt2): %s belirteç, %s birleştirme, <|endoftext|> = %d.\n",
          "GPT-2's tokenizer loaded (gpt2): %s tokens, %s merges, <|endoftext|> = %d.\n"),
        fmt_int(b->vocab, b1), fmt_int(b->n_merges, b2), bpe_special(b, "<|endoftext|>"));
    model_install(md);
    return md;
}

/* Bytes as the inside of a C-like string literal in quote (" or '), so that newlines and broken
 * UTF-8 show: \\ \n \t \r and the quote escaped, other control bytes and bytes that are not
 * UTF-8 as \xHH. malloc'd. */
static char *escaped(const char *s, size_t n, char quote)
{
    char *o = tz_malloc(4 * n + 1);
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp;
        int k = c >= 0x80 ? utf8_decode(s + i, n - i, &cp) : 1;
        if (c >= 0x80 && k > 0) { memcpy(o + w, s + i, (size_t)k); w += (size_t)k; i += (size_t)k; continue; }
        i++;
        const char *esc = c == '\\' ? "\\\\" : c == '"' && quote == '"' ? "\\\"" : c == '\'' && quote == '\'' ? "\\'" : c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r" : NULL;
        if (esc) { memcpy(o + w, esc, 2); w += 2; }
        else if (c < 0x20 || c >= 0x7f) w += (size_t)snprintf(o + w, 5, "\\x%02X", c);
        else o[w++] = (char)c;
    }
    o[w] = '\0';
    return o;
}

/* The tokenizer asked for: model=NAME (a BPE, or a GPT's own; gpt2 is loaded on first use) or
 * the most recent one. Reports and returns NULL. */
static Bpe *tokenizer_for(Args *a, const char **name)
{
    Model *m = NULL;
    const char *mname = arg_str(a, "model", NULL);
    if (mname) {
        m = model_find(mname);
        if (!m && strcmp(mname, "gpt2") == 0) m = gpt2_tokenizer();
        if (!m) {
            if (strcmp(mname, "gpt2") != 0)
                say_error(M("'%s' diye bir model yok; 'models' yüklü modelleri listeler (GPT-2'ninki: model=gpt2).",
                            "there is no model '%s'; 'models' lists the loaded ones (GPT-2's: model=gpt2)."), mname);
            return NULL;
        }
    } else {   /* the most recent tokenizer */
        for (int i = g_app.nmodels - 1; i >= 0 && !m; i--)
            if (g_app.models[i]->bpe || (g_app.models[i]->gpt && g_app.models[i]->gpt->bpe)) m = g_app.models[i];
    }
    if (!m) {
        say_error(M("henüz bir BPE belirteçleyicisi yok. Önce birini eğitin: train bpe corpus=mini-tr vocab=4000 "
                    "(ya da GPT-2'ninkini kullanın: model=gpt2)",
                    "there is no BPE tokenizer yet. Train one first: train bpe corpus=mini-en vocab=4000 "
                    "(or use GPT-2's: model=gpt2)"));
        return NULL;
    }
    Bpe *b = m->bpe ? m->bpe : m->gpt ? m->gpt->bpe : NULL;
    if (!b) {
        say_error(M("%s bir BPE belirteçleyicisi değil (%s). Önce birini eğitin: train bpe corpus=mini-tr vocab=4000 "
                    "(ya da GPT-2'ninkini kullanın: model=gpt2)",
                    "%s is not a BPE tokenizer (%s). Train one first: train bpe corpus=mini-en vocab=4000 "
                    "(or use GPT-2's: model=gpt2)"), m->name, m->kind);
        return NULL;
    }
    *name = m->name;
    return b;
}

long ids_parse(const char *list, int vocab, int (*ok)(int32_t id, const void *ctx), const void *ctx, int32_t **out,
               const char **bad, int *badlen)
{
    size_t cap = 64, n = 0;
    int32_t *ids = tz_malloc(cap * sizeof *ids);
    for (const char *p = list; *p;) {
        if (*p == ' ' || *p == ',' || *p == '\t') { p++; continue; }
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || (*end && *end != ' ' && *end != ',' && *end != '\t') || v < 0 || v >= vocab ||
            (ok && !ok((int32_t)v, ctx))) {
            int len = 0;
            while (p[len] && p[len] != ' ' && p[len] != ',') len++;
            *bad = p;
            *badlen = len;
            free(ids);
            return -1;
        }
        if (n == 100000) {
            say_error(M("ids: en çok 100000 kimlik.", "ids: at most 100000 ids."));
            free(ids);
            return -2;
        }
        if (n == cap) ids = tz_realloc(ids, (cap *= 2) * sizeof *ids);
        ids[n++] = (int32_t)v;
        p = end;
    }
    *out = ids;
    return (long)n;
}

/* A BPE id that stands for bytes (not a gap left in a loaded vocabulary). */
static int bpe_id_ok(int32_t id, const void *b)
{
    return bpe_token_bytes(b, id, &(size_t){ 0 }) != NULL;
}

/* tokens ids="15496 995": the ids back to text. */
static int tokens_decode(Bpe *b, const char *name, const char *list)
{
    int32_t *ids;
    const char *bad;
    int badlen;
    long got = ids_parse(list, b->vocab, bpe_id_ok, b, &ids, &bad, &badlen);
    if (got == -1)
        say_error(M("ids: '%.*s' %s belirteçleyicisinde bir belirteç kimliği değil (0..%d).",
                    "ids: '%.*s' is not a token id of %s (0..%d)."), badlen, bad, name, b->vocab - 1);
    if (got < 0) return 1;
    size_t n = (size_t)got;
    size_t len = bpe_decode(b, ids, n, NULL, 0);
    char *text = tz_malloc(len + 1);
    bpe_decode(b, ids, n, text, len);
    char *esc = escaped(text, len, '"');
    say(M("%s: %zu belirteç → %zu bayt\n", "%s: %zu tokens → %zu bytes\n"), name, n, len);
    say("  \"%s\"\n", esc);
    if (utf8_validate(text, len) < len)
        say(M("not: bu baytlar geçerli UTF-8 değil (bir karakter belirteçlerin arasında bölünmüş).\n",
              "note: these bytes are not valid UTF-8 (a character is split between tokens).\n"));
    free(esc);
    free(text);
    free(ids);
    return 0;
}

/* The text once more on a colour terminal, each token on its own background (the tints of the
 * window's view, as 24-bit colour), so the cuts show where they fall — tiktokenizer's way. A
 * character split between tokens is written whole, underlined in red, on the background of
 * the token it starts in; a line end is ↵ and a new line. */
static void print_coloured(const char *text, const size_t *off, const int32_t *ids, size_t k)
{
    enum { MAX = 2000 };   /* a terminal screenful or a few: the table below is cut at 100 anyway */
    TokScene ts = { .text = text, .n = k, .off = off, .ids = ids, .highlight = -1 };
    TokSeg g[64];
    say("  ");
    for (size_t i = 0; i < k && i < MAX; i++) {
        Rgba bg = tokview_colour(i);
        char on[64];
        snprintf(on, sizeof on, "\x1b[0;48;2;%d;%d;%d;38;2;25;25;35m", bg.r, bg.g, bg.b);
        say("%s", on);
        size_t ns = tokview_segments(&ts, i, g, 64);
        if (ns > 64) {   /* a token of very many pieces: as plain bytes */
            say_raw(text + off[i], off[i + 1] - off[i]);
            continue;
        }
        for (size_t j = 0; j < ns; j++) {
            const char *q = text + g[j].pos;
            if (g[j].kind == TOKSEG_TEXT || (g[j].kind == TOKSEG_MARK && *q == ' ')) say_raw(q, g[j].len);
            else if (g[j].kind == TOKSEG_MARK && *q == '\n') say("\xE2\x86\xB5\x1b[0m\n  %s", on);
            else if (g[j].kind == TOKSEG_MARK && *q == '\t') say("\xE2\x87\xA5");
            else if (g[j].kind == TOKSEG_MARK) say("<0x%02X>", (unsigned char)*q);
            else if (g[j].chr_len && g[j].pos == g[j].chr_pos) {   /* the first byte of a cut character */
                say("\x1b[4;38;2;200;40;40m");
                say_raw(text + g[j].chr_pos, g[j].chr_len);
                say("%s", on);
            } else if (!g[j].chr_len) say("\x1b[38;2;200;40;40m<0x%02X>%s", (unsigned char)*q, on);
            /* else: a later byte of a cut character, written with its first */
        }
    }
    say("\x1b[0m%s\n", k > MAX ? " …" : "");
}

/* Hand the tokens to the window's tokens view: shown in the window when there is one (or an
 * interactive session may open it), written as a PNG with out=, else only selected (snap and
 * export then use it). */
static int tokens_view(Args *a, const Bpe *b, const char *name, const char *text, size_t n, const int32_t *ids, size_t k)
{
    enum { VIEW_MAX = 1000000 };   /* tokens the view (and export) keep; the counts are of all */
    size_t kv = k < VIEW_MAX ? k : VIEW_MAX;
    size_t *off = tz_malloc((kv + 1) * sizeof *off);
    off[0] = 0;
    for (size_t i = 0; i < kv; i++) {
        size_t len = 0;
        bpe_token_bytes(b, ids[i], &len);
        off[i + 1] = off[i] + len;
    }
    /* byte-level BPE gives back exactly the text, so the tokens' bytes are the text's */
    TZ_ASSERT(off[kv] <= n && (kv < k || off[kv] == n));
    char title[256], sub[256], b1[32], b2[32], b3[32], b4[32];
    snprintf(title, sizeof title, M("belirteçler — %s (%s belirteçlik sözcük dağarcığı)", "tokens — %s (a vocabulary of %s tokens)"),
             name, fmt_int(b->vocab, b1));
    size_t chars = utf8_length(text, n);
    snprintf(sub, sizeof sub, M("%s bayt (%s karakter) → %s belirteç, belirteç başına %s bayt",
                                "%s bytes (%s characters) → %s tokens, %s bytes per token"),
             fmt_int((long long)n, b1), fmt_int((long long)chars, b2), fmt_int((long long)k, b3),
             fmt_real((double)n / (double)k, 1, b4));
    if (kv < k) {
        size_t w = strlen(sub);
        snprintf(sub + w, sizeof sub - w, M(" · görünümde ilk %s belirteç", " · the view holds the first %s tokens"),
                 fmt_int(VIEW_MAX, b1));
    }
    SceneTokens st = { .title = title, .subtitle = sub,
                       .footer = M("␣ boşluk · ↵ satır sonu · <0xC4> belirteçler arasında bölünmüş bir karakterin bir baytı "
                                   "(kesikli çerçeve; karakter üstünde) · kutunun altındaki sayı belirtecin kimliği",
                                   "␣ a space · ↵ a line end · <0xC4> one byte of a character split between tokens "
                                   "(dashed; the character above) · the number under a box is the token's id"),
                       .text = text, .n = kv, .off = off, .ids = ids };
    scene_tokens_set(&st);
    free(off);
    const char *png = arg_str(a, "out", NULL);
    if (png || scene_window_is_open() || (g_app.interactive && !g_app.headless)) return scene_show(VIEW_TOKENS, png);
    scene_select(VIEW_TOKENS);
    return 0;
}

/* tokens "TEXT" | file=PATH | ids="…" [model=NAME] [out=FILE.png]: the tokenizer's pieces, each
 * as GPT-2 writes it (a space is Ġ) and as text, with its id; the ids on one line; the tokens
 * view in the window; or ids back to text. */
/* The text to cut: file=PATH's bytes or the words typed (malloc'd, NUL-terminated; n its
 * length). Reports and returns NULL. */
static char *tokens_text(Args *a, const char *file, size_t *n)
{
    char *text;
    if (file) {
        TzFile f;
        TzErr e;
        if (tz_file_map(&f, file, &e)) {
            say_tzerr(&e);
            return NULL;
        }
        if (f.size > ((size_t)256 << 20)) {   /* the ids take 4 bytes per token: keep it sane */
            say_error(M("%s çok büyük (%zu MB); tokens en çok 256 MB'lık bir dosya alır.",
                        "%s is too large (%zu MB); tokens takes a file of at most 256 MB."), file, f.size >> 20);
            tz_file_unmap(&f);
            return NULL;
        }
        *n = f.size;
        text = tz_malloc(*n + 1);
        if (*n) memcpy(text, f.data, *n);
        text[*n] = '\0';
        tz_file_unmap(&f);
    } else {
        text = args_join(a, 1);
        *n = strlen(text);
    }
    return text;
}

int cmd_tokens(Args *a)
{
    const char *ids_arg = arg_str(a, "ids", NULL), *file = arg_str(a, "file", NULL), *name = NULL;
    if ((a->argc > 1) + (ids_arg != NULL) + (file != NULL) != 1) {
        say_error(M("ya bir metin, ya file=DOSYA ya da ids=\"…\" verin: tokens \"METİN\" [model=AD]",
                    "give one of a text, file=FILE or ids=\"…\": tokens \"TEXT\" [model=NAME]"));
        return 1;
    }
    /* a BERT's WordPiece (model=NAME, or the most recent tokenizer when it is a BERT's): bert.c */
    const char *mname = arg_str(a, "model", NULL);
    Model *bm = mname ? model_find(mname) : NULL;
    for (int i = g_app.nmodels - 1; i >= 0 && !mname && !bm; i--) {
        Model *m = g_app.models[i];
        if (m->bpe || (m->gpt && m->gpt->bpe) || m->bert) bm = m;
    }
    if (bm && bm->bert) {
        if (ids_arg) return bert_tokens(a, bm, NULL, 0);
        size_t n;
        char *text = tokens_text(a, file, &n);
        if (!text) return 1;
        int rc = bert_tokens(a, bm, text, n);
        free(text);
        return rc;
    }
    Bpe *b = tokenizer_for(a, &name);
    if (!b) return 1;
    if (ids_arg) return tokens_decode(b, name, ids_arg);
    size_t n;
    char *text = tokens_text(a, file, &n);
    if (!text) return 1;
    size_t bad = utf8_validate(text, n);
    if (bad < n)   /* byte-level BPE takes any bytes; still, say so */
        say(M("not: metin %zu. baytta geçerli UTF-8 değil; bayt düzeyinde BPE onu da olduğu gibi kodlar.\n",
              "note: the text is not valid UTF-8 at byte %zu; byte-level BPE encodes it as it is all the same.\n"), bad + 1);
    size_t k = bpe_encode(b, text, n, NULL, 0);
    int32_t *ids = tz_malloc((k ? k : 1) * sizeof *ids);
    bpe_encode(b, text, n, ids, k);
    say(M("%s: %zu bayt → %zu belirteç\n", "%s: %zu bytes → %zu tokens\n"), name, n, k);
    if (g_color && k) {
        size_t *off = tz_malloc((k + 1) * sizeof *off);
        off[0] = 0;
        for (size_t i = 0; i < k; i++) {
            size_t len = 0;
            bpe_token_bytes(b, ids[i], &len);
            off[i + 1] = off[i] + len;
        }
        print_coloured(text, off, ids, k);
        free(off);
    }
    enum { ROWS = 100, IDS = 5000 };
    for (size_t i = 0; i < k && i < ROWS; i++) {
        char disp[256];
        size_t len = 0;
        bpe_token_display(b, ids[i], disp, sizeof disp);
        const char *raw = bpe_token_bytes(b, ids[i], &len);
        /* the piece as text, when it is whole UTF-8 (a piece may end inside a character) */
        int whole = utf8_validate(raw, len) == len;
        say("  %6d  %s%*s", ids[i], disp, pad(disp, 20), "");
        if (whole) {
            char *esc = escaped(raw, len, '\'');
            say("'%s'\n", esc);
            free(esc);
        } else say("%s\n", M("(bir karakterin parçası)", "(part of a character)"));
    }
    if (k > ROWS) say(M("  … (%zu belirteç daha)\n", "  … (%zu more tokens)\n"), k - ROWS);
    say("ids:");
    for (size_t i = 0; i < k && i < IDS; i++) say(" %d", ids[i]);
    if (k > IDS) say(M(" … (%zu daha)", " … (%zu more)"), k - IDS);
    say("\n");
    int rc = k ? tokens_view(a, b, name, text, n, ids, k) : 0;
    free(ids);
    free(text);
    return rc;
}
