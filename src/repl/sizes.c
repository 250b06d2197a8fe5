/* sizes.c — `sizes llama`: how big the published LLaMA models are, computed from their
 * configurations rather than quoted, beside the LLaMA, GPT and BERT models of this session.
 *
 * A LLaMA block holds W_Q and W_O (D × D each), W_K and W_V (D × D·Hkv/H each: grouped-query
 * attention shares a key/value head between H/Hkv query heads), the SwiGLU feed-forward's three
 * D × F matrices and two RMSNorm weights (D each). Around the blocks: the token embeddings
 * (V × D), the final norm (D) and the output layer (V × D unless tied). llama_nparams in
 * engine/models/llama.c adds these up; the published totals (8.03 B, 70.6 B, 405.9 B) follow.
 *
 * Memory is parameters × bytes per parameter: float32 4, float16 2, and the block formats of
 * GGUF, which store a scale with each block of 32 weights: Q8_0 34 bytes per 32 (8.5 bits),
 * Q4_0 18 bytes per 32 (4.5 bits). Generation also keeps, per token of context, a key and a
 * value of Hkv·hs numbers per layer (the KV cache): 2·L·Hkv·hs of them.
 */
#include "app.h"
#include "bertm.h"
#include "gptm.h"
#include "llamam.h"
#include "i18n.h"
#include "out.h"

#include <stdio.h>
#include <string.h>

#include "core/io.h"
#include "models/gpt.h"
#include "models/llama.h"

typedef struct {
    const char *name;
    LlamaConfig c;
} Shape;

/* Meta's Llama 3.1 configurations (params.json: dim, n_layers, n_heads, n_kv_heads,
 * ffn hidden size, vocabulary 128 256, context 131 072), and llama2.c's stories15M. */
static const Shape shapes[] = {
    { "stories15M (llama2.c)", { 32000, 256, 288, 6, 6, 6, 768, 1 } },
    { "Llama 3.1 8B", { 128256, 131072, 4096, 32, 32, 8, 14336, 0 } },
    { "Llama 3.1 70B", { 128256, 131072, 8192, 80, 64, 8, 28672, 0 } },
    { "Llama 3.1 405B", { 128256, 131072, 16384, 126, 128, 8, 53248, 0 } },
};

/* The parameter count with a short unit: 15.2 M, 8.03 B */
static const char *fmt_count(double n, char buf[32])
{
    char b[32];
    if (n >= 1e9) snprintf(buf, 32, "%.24s B", fmt_real(n / 1e9, 2, b));
    else if (n >= 1e6) snprintf(buf, 32, "%.24s M", fmt_real(n / 1e6, 1, b));
    else snprintf(buf, 32, "%.24s", fmt_int((long long)n, b));
    return buf;
}

/* One row: name, parameters (exact and short), fp32, fp16, Q8_0, Q4_0, KV cache per token (fp16). */
static void row(const char *name, double n, double kv_per_token, double ram)
{
    char b0[32], b1[32], b2[32], b3[32], b4[32], b5[32], b6[32];
    double fp32 = 4 * n, fp16 = 2 * n, q8 = n * 34.0 / 32.0, q4 = n * 18.0 / 32.0;
    say("  %s%*s %16s %8s %10s %10s %10s %10s %10s", name, pad(name, 22), "", fmt_int((long long)n, b0), fmt_count(n, b1),
        fmt_bytes(fp32, b2), fmt_bytes(fp16, b3), fmt_bytes(q8, b4), fmt_bytes(q4, b5),
        kv_per_token > 0 ? fmt_bytes(kv_per_token, b6) : "—");
    /* which of them this machine can hold at all */
    const char *fits = q4 > ram ? M("  (int4'te bile sığmaz)", "  (does not fit even at int4)")
                       : q8 > ram ? M("  (yalnızca int4 sığar)", "  (only int4 fits)")
                       : fp16 > ram ? M("  (int8 ve int4 sığar)", "  (int8 and int4 fit)")
                       : fp32 > ram ? M("  (fp16'dan küçüğü sığar)", "  (fp16 and smaller fit)") : "";
    say("%s\n", fits);
}

int cmd_sizes(Args *a)
{
    const char *what = a->argv[1];
    if (strcmp(what, "llama") != 0) {
        say_error(M("sizes %s: şimdilik yalnızca 'sizes llama' var.", "sizes %s: only 'sizes llama' exists so far."), what);
        return 1;
    }
    double ram = tz_phys_bytes();
    char b1[32];
    say(M("LLaMA boyutları, yapılandırmalarından hesaplandı (bu makinenin belleği %s):\n",
          "LLaMA sizes, computed from their configurations (this machine's memory: %s):\n"),
        fmt_bytes(ram, b1));
    say("  %-22s %16s %8s %10s %10s %10s %10s %10s\n", M("model", "model"), M("parametre", "parameters"), "", "fp32", "fp16",
        "int8 Q8_0", "int4 Q4_0", M("KV/belirteç", "KV/token"));
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        const LlamaConfig *c = &shapes[i].c;
        double kv = 2.0 * c->L * c->Hkv * (double)(c->D / c->H) * 2;   /* K and V, fp16 */
        row(shapes[i].name, (double)llama_nparams(c), kv, ram);
    }
    /* the models of this session that are Transformers, for scale */
    for (int i = 0; i < g_app.nmodels; i++) {
        const Model *m = g_app.models[i];
        char name[96];
        if (m->llama) {   /* a loaded or trained LLaMA: the same formula, its own configuration */
            const LlamaConfig *c = &m->llama->w.cfg;
            snprintf(name, sizeof name, "%.60s (%s)", m->name, M("bu oturum, LLaMA", "this session, LLaMA"));
            row(name, (double)llama_nparams(c), 2.0 * c->L * c->Hkv * (double)(c->D / c->H) * 2, ram);
        } else if (m->gpt) {
            const GptConfig *c = &m->gpt->g.cfg;
            snprintf(name, sizeof name, "%.60s (%s)", m->name, M("bu oturum, GPT", "this session, GPT"));
            row(name, (double)gpt_nparams(c), 2.0 * c->L * c->D * 2, ram);
        } else if (m->bert) {   /* an encoder keeps no KV cache: it reads the whole text at once */
            snprintf(name, sizeof name, "%.60s (%s)", m->name, M("bu oturum, BERT", "this session, BERT"));
            row(name, (double)bert_nparams(&m->bert->w.cfg), 0, ram);
        }
    }
    say("%s\n", M("  blok başına 2D² (W_Q, W_O) + 2D²·Hkv/H (W_K, W_V: gruplanmış sorgu dikkati) + 3·D·F (SwiGLU) + 2D; "
                  "Q8_0 32 ağırlıkta 34 bayt, Q4_0 18 bayt tutar (her bloğun ölçeği dahil); KV: bağlamdaki her belirteç "
                  "için katman başına fp16 bir anahtar ve bir değer.",
                  "  per block 2D² (W_Q, W_O) + 2D²·Hkv/H (W_K, W_V: grouped-query attention) + 3·D·F (SwiGLU) + 2D; "
                  "Q8_0 holds 32 weights in 34 bytes, Q4_0 in 18 (each block's scale included); KV: one key and one "
                  "value per layer, fp16, for every token of context."));
    return 0;
}
