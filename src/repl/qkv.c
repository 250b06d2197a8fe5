/* qkv.c — `qkv "Ben kahve içiyorum"`: self-attention worked out by hand, every number printed.
 *
 * Each word of a short sentence gets a small embedding (d numbers, one decimal, the same for
 * the same word whatever the sentence), and one attention head gets three d × d matrices W_Q,
 * W_K, W_V (one decimal, from the seed). Then, as the chapter writes it:
 *
 *     Q = X W_Q      K = X W_K      V = X W_V          T × d each: a row per word
 *     S = Q Kᵀ / √d                                    T × T: how well word t's query fits word j's key
 *     P = softmax of each row of S                     (causal=1: S[t][j] = −∞ for j > t, so P = 0 there)
 *     O = P V                                          each word's output: a weighted mean of the values
 *
 * The products Q, K, V and the attention itself are computed by the engine (nn/layers.c, the
 * very functions GPT uses), so what a student checks on paper is what the models run. Only the
 * scores S are recomputed here for printing: the engine keeps P, not S.
 *
 *   qkv "TEXT" [dim=4] [causal=0|1] [seed=1] [out=FILE.png]
 */
#include "app.h"
#include "i18n.h"
#include "out.h"
#include "scene.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "nn/layers.h"

#define QKV_MAX_T 10
#define QKV_MAX_D 8

/* A number in [−1, 1] with one decimal, from a 64-bit LCG state. */
static float tenth(uint64_t *r)
{
    *r = *r * 6364136223846793005ULL + 1442695040888963407ULL;
    int k = (int)((*r >> 33) % 21u) - 10;     /* −10 … 10 */
    return (float)k / 10.0f;
}

/* FNV-1a of a word: the same word gets the same embedding in every sentence. */
static uint64_t word_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* A T × c matrix, a row per word, labelled with the words. */
static void print_rows(const char *title, const float *m, int T, int c, char words[][64], int decimals)
{
    say("%s\n", title);
    for (int t = 0; t < T; t++) {
        say("  %s%*s", words[t], pad(words[t], 14), "");
        for (int j = 0; j < c; j++) say(" %8.*f", decimals, (double)m[(size_t)t * (size_t)c + (size_t)j]);
        say("\n");
    }
}

static void print_square(const char *title, const float *m, int d)
{
    say("%s\n", title);
    for (int i = 0; i < d; i++) {
        say("  ");
        for (int j = 0; j < d; j++) say(" %5.1f", (double)m[i * d + j]);
        say("\n");
    }
}

/* A header line of the words as column labels, each cut to 8 letters (code points, so that
 * ç, ğ, ı … count once) and right-aligned over its 9-column number. */
static void print_head(char words[][64], int T)
{
    say("  %14s", "");
    for (int j = 0; j < T; j++) {
        char cut[64];
        size_t b = 0, cps = 0;
        while (words[j][b] && cps < 8) {
            b++;
            while (((unsigned char)words[j][b] & 0xC0) == 0x80) b++;
            cps++;
        }
        memcpy(cut, words[j], b);
        cut[b] = '\0';
        say(" %*s%s", pad(cut, 8), "", cut);
    }
    say("\n");
}

int cmd_qkv(Args *a)
{
    TzErr e;
    long dim, causal, seed;
    if (arg_long(a, "dim", 4, 1, QKV_MAX_D, &dim, &e) || arg_long(a, "causal", 0, 0, 1, &causal, &e) ||
        arg_long(a, "seed", 1, 0, 2147483647L, &seed, &e)) {
        say_tzerr(&e);
        return 1;
    }
    if (a->argc != 2) {
        say_error(M("kullanım: %s", "usage: %s"), "qkv \"TEXT\" [dim=4] [causal=0|1] [seed=1] [out=FILE.png]");
        return 1;
    }
    const char *text = a->argv[1];
    if (utf8_validate(text, strlen(text)) != strlen(text)) {
        say_error(M("metin geçerli UTF-8 değil; düzgün kodlanmış bir cümle yazın.",
                    "the text is not valid UTF-8; type a properly encoded sentence."));
        return 1;
    }
    /* the words: split at white space */
    char words[QKV_MAX_T][64];
    int T = 0;
    for (const char *p = text; *p;) {
        while (*p == ' ' || *p == '\t') p++;
        if (!*p) break;
        const char *s = p;
        while (*p && *p != ' ' && *p != '\t') p++;
        if (T == QKV_MAX_T) {
            say_error(M("qkv en çok %d sözcük alır (elle izlenebilsin diye); daha kısa bir cümle yazın.",
                        "qkv takes at most %d words (so that it can be followed by hand); type a shorter sentence."),
                      QKV_MAX_T);
            return 1;
        }
        size_t n = (size_t)(p - s);
        if (n > 63) {
            int cut = 20;   /* the start of the word, not cutting a letter in half */
            while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80) cut--;
            say_error(M("'%.*s…' çok uzun bir sözcük (en çok 63 bayt).", "'%.*s…' is too long a word (at most 63 bytes)."),
                      cut, s);
            return 1;
        }
        memcpy(words[T], s, n);
        words[T][n] = '\0';
        T++;
    }
    if (T == 0) {
        say_error(M("boş metin: tırnak içinde kısa bir cümle yazın, örneğin qkv \"Ben kahve içiyorum\".",
                    "empty text: type a short sentence in quotes, e.g. qkv \"I drink coffee\"."));
        return 1;
    }
    const int d = (int)dim;
    float X[QKV_MAX_T * QKV_MAX_D], MQ[QKV_MAX_D * QKV_MAX_D], MK[QKV_MAX_D * QKV_MAX_D], MV[QKV_MAX_D * QKV_MAX_D];
    for (int t = 0; t < T; t++) {
        uint64_t r = word_hash(words[t]) ^ (uint64_t)seed * 0x9E3779B97F4A7C15ULL;
        for (int j = 0; j < d; j++) X[t * d + j] = tenth(&r);
    }
    uint64_t r = (uint64_t)seed * 2654435761ULL + 11;
    for (int i = 0; i < d * d; i++) MQ[i] = tenth(&r);
    for (int i = 0; i < d * d; i++) MK[i] = tenth(&r);
    for (int i = 0; i < d * d; i++) MV[i] = tenth(&r);

    /* The engine's linear layer computes Y = X Wᵀ with W stored out × in (nn.Linear). One
     * layer with 3d outputs makes q|k|v side by side, GPT-2's layout: its weight stacks
     * W_Qᵀ, W_Kᵀ, W_Vᵀ (3d × d). */
    float W[3 * QKV_MAX_D * QKV_MAX_D], qkv[QKV_MAX_T * 3 * QKV_MAX_D];
    const float *Ms[3] = { MQ, MK, MV };
    for (int m = 0; m < 3; m++)
        for (int o = 0; o < d; o++)
            for (int i = 0; i < d; i++) W[(m * d + o) * d + i] = Ms[m][i * d + o];
    linear_forward(qkv, X, W, NULL, T, d, 3 * d);
    float O[QKV_MAX_T * QKV_MAX_D], P[QKV_MAX_T * QKV_MAX_T];
    attention_forward(O, P, qkv, 1, T, d, 1, (int)causal);

    float Q[QKV_MAX_T * QKV_MAX_D], K[QKV_MAX_T * QKV_MAX_D], V[QKV_MAX_T * QKV_MAX_D], S[QKV_MAX_T * QKV_MAX_T];
    for (int t = 0; t < T; t++)
        for (int j = 0; j < d; j++) {
            Q[t * d + j] = qkv[t * 3 * d + j];
            K[t * d + j] = qkv[t * 3 * d + d + j];
            V[t * d + j] = qkv[t * 3 * d + 2 * d + j];
        }
    const double scale = 1.0 / sqrt((double)d);
    for (int t = 0; t < T; t++)
        for (int j = 0; j < T; j++) {
            double s = 0;
            for (int c = 0; c < d; c++) s += (double)Q[t * d + c] * K[j * d + c];
            S[t * T + j] = (float)(s * scale);
        }

    say(M("%d sözcük, d = %d, tek kafa%s. Her sayı bir ondalıkla başlar; elle izleyebilirsiniz.\n",
          "%d words, d = %d, one head%s. Every number starts with one decimal, so you can follow by hand.\n"),
        T, d, causal ? M(", nedensel maske (GPT gibi)", ", causal mask (as in GPT)") : "");
    print_rows(M("X — her sözcüğün gömmesi (bir satır bir sözcük):", "X — each word's embedding (a row per word):"), X, T,
               d, words, 1);
    print_square(M("W_Q (d × d):", "W_Q (d × d):"), MQ, d);
    print_square(M("W_K (d × d):", "W_K (d × d):"), MK, d);
    print_square(M("W_V (d × d):", "W_V (d × d):"), MV, d);
    print_rows(M("Q = X W_Q — sorgular (ne arıyorum?):", "Q = X W_Q — queries (what am I looking for?):"), Q, T, d,
               words, 2);
    print_rows(M("K = X W_K — anahtarlar (bende ne var?):", "K = X W_K — keys (what do I hold?):"), K, T, d, words, 2);
    print_rows(M("V = X W_V — değerler (ne aktarırım?):", "V = X W_V — values (what do I pass on?):"), V, T, d, words,
               2);
    say(M("S = Q Kᵀ / √d — puanlar (√%d = %.4f); satır sorgu, sütun anahtar:\n",
          "S = Q Kᵀ / √d — scores (√%d = %.4f); row = query, column = key:\n"),
        d, sqrt((double)d));
    print_head(words, T);
    for (int t = 0; t < T; t++) {
        say("  %s%*s", words[t], pad(words[t], 14), "");
        for (int j = 0; j < T; j++) {
            if (causal && j > t) say(" %8s", "-inf");
            else say(" %8.4f", (double)S[t * T + j]);
        }
        say("\n");
    }
    say(M("P = softmax(S), satır satır — dikkat ağırlıkları (her satırın toplamı 1%s):\n",
          "P = softmax(S), row by row — the attention weights (each row sums to 1%s):\n"),
        causal ? M("; gelecekteki sözcüklere 0", "; 0 on the words still to come") : "");
    print_head(words, T);
    for (int t = 0; t < T; t++) {
        say("  %s%*s", words[t], pad(words[t], 14), "");
        for (int j = 0; j < T; j++) say(" %8.4f", (double)P[t * T + j]);
        say("\n");
    }
    print_rows(M("O = P V — çıktılar (değerlerin ağırlıklı ortalaması):",
                 "O = P V — the outputs (weighted means of the values):"),
               O, T, d, words, 4);
    /* who each word looks at most: the sentence the table says */
    for (int t = 0; t < T; t++) {
        int best = 0;
        for (int j = 1; j < T; j++)
            if (P[t * T + j] > P[t * T + best]) best = j;
        say(M("  '%s' en çok '%s' sözcüğüne bakıyor (%%%.0f).\n", "  '%s' looks most at '%s' (%.0f%%).\n"), words[t],
            words[best], 100.0 * P[t * T + best]);
    }

    const char *labels[QKV_MAX_T];
    for (int t = 0; t < T; t++) labels[t] = words[t];
    char title[200];
    snprintf(title, sizeof title, "%s", causal ? M("qkv: P = softmax(QKᵀ/√d), nedensel maske", "qkv: P = softmax(QKᵀ/√d), causal mask")
                                               : M("qkv: P = softmax(QKᵀ/√d)", "qkv: P = softmax(QKᵀ/√d)"));
    /* the masked cells as NaN: the heatmap hatches them (the future), rather than a 0 colour */
    float Pv[QKV_MAX_T * QKV_MAX_T];
    for (int t = 0; t < T; t++)
        for (int j = 0; j < T; j++) Pv[t * T + j] = causal && j > t ? NAN : P[t * T + j];
    scene_heatmap_set(title, Pv, (size_t)T, (size_t)T, labels, labels, 0, "P");
    scene_heatmap_axes(M("sorgu (bakan sözcük) ↓", "query (the word looking) ↓"),
                       causal ? M("anahtar (bakılan sözcük) →  · taralı: gelecek (nedensel maske)",
                                  "key (the word looked at) →  · hatched: the future (causal mask)")
                              : M("anahtar (bakılan sözcük) →", "key (the word looked at) →"));
    /* in the window when there is one (or an interactive session may open it), or as a PNG
     * when out= asks; else only selected, for `snap` */
    const char *png = arg_str(a, "out", NULL);
    if (png || scene_window_is_open() || (g_app.interactive && !g_app.headless)) return scene_show(VIEW_HEATMAP, png);
    scene_select(VIEW_HEATMAP);
    return 0;
}
