/* gpt_io.c — see gpt_io.h. */
#include "models/gpt_io.h"

#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/io.h"
#include "formats/safetensors.h"

/* The largest sizes we accept: beyond every real GPT (GPT-2 xl: V 50257, C 1024, D 1600, L 48),
 * and small enough that gpt.c's int arithmetic (4·D, B·T·V, …) cannot overflow. */
#define MAX_VC (1 << 24)
#define MAX_D (1 << 16)
#define MAX_L (1 << 16)

/* ---- sniffing ------------------------------------------------------------------------- */

/* The first k bytes of path into buf, and the file's size; 0 on success. */
static int head_bytes(const char *path, unsigned char *buf, size_t k, size_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    struct stat st;
    int ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && read(fd, buf, k) == (ssize_t)k;
    close(fd);
    if (!ok) return -1;
    *size = (size_t)st.st_size;
    return 0;
}

int gpt_is_safetensors(const char *path)
{
    unsigned char b[9];
    size_t size;
    if (head_bytes(path, b, 9, &size)) return 0;
    uint64_t hl = 0;
    for (int k = 7; k >= 0; k--) hl = hl << 8 | b[k];
    return hl >= 2 && hl <= size - 8 && b[8] == '{';
}

#define LLMC_MAGIC 20240326
#define LLMC_STATE_MAGIC 20240327   /* llm.c's debug state file (gpt2_124M_debug_state.bin) */
#define LLMC_HEADER 1024            /* 256 int32 */

static int32_t le32(const unsigned char *p)
{
    return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}

int gpt_is_llmc(const char *path)
{
    unsigned char b[4];
    size_t size;
    return head_bytes(path, b, 4, &size) == 0 && le32(b) == LLMC_MAGIC;
}

/* ---- checks shared by both loaders ----------------------------------------------------- */

/* Can this machine hold the model? Refused before allocating, with the size. */
static int check_memory(const GptConfig *c, const char *name, TzErr *e)
{
    double need = (double)gpt_nparams(c) * 4, ram = tz_phys_bytes();
    if (ram > 0 && need > 0.8 * ram)
        return tz_errf(e, TZ_E_NOMEM,
                       "'%s': bu model (V %d, C %d, D %d, L %d) %.3g GB bellek ister, bu makinede %.3g GB var. "
                       "Daha küçük bir model deneyin (GPT-2 small 0.5 GB).",
                       "'%s': this model (V %d, C %d, D %d, L %d) needs %.3g GB of memory, this machine has "
                       "%.3g GB. Try a smaller model (GPT-2 small takes 0.5 GB).",
                       name, c->V, c->C, c->D, c->L, need / 1e9, ram / 1e9);
    return 0;
}

static int alloc_model(Gpt *g, const GptConfig *c, const char *name, TzErr *e)
{
    if (check_memory(c, name, e)) return TZ_E_NOMEM;
    if (gpt_alloc(g, c) == 0) return 0;
    return tz_errf(e, TZ_E_NOMEM, "'%s': model için %.3g GB bellek ayrılamadı.",
                   "'%s': could not allocate %.3g GB for the model.", name, (double)gpt_nparams(c) * 4 / 1e9);
}

/* Every weight a number: a NaN or an infinity would poison every logit it touches. */
static int check_finite(Gpt *g, const char *name, TzErr *e)
{
    char tname[64];
    size_t n;
    for (int i = 0; i < gpt_ntensors(&g->cfg); i++) {
        const float *p = gpt_tensor(g, i, tname, sizeof tname, &n, NULL, NULL);
        for (size_t k = 0; k < n; k++)
            if (!isfinite(p[k])) {
                tz_errf(e, TZ_E_FORMAT,
                        "'%s': '%s' tensörünün %zu. öğesi bir sayı değil (%g). Ağırlıklar bozuk; dosyayı yeniden "
                        "indirin ya da kaydedin.",
                        "'%s': tensor '%s', element %zu, is not a number (%g). The weights are damaged; download "
                        "or save the file again.",
                        name, tname, k, (double)p[k]);
                gpt_free(g);
                return TZ_E_FORMAT;
            }
    }
    return 0;
}

/* "[768, 2304]" */
static void shape_str(char *s, size_t cap, int ndim, const uint64_t *shape)
{
    size_t l = 0;
    l += (size_t)snprintf(s, cap, "[");
    for (int d = 0; d < ndim && l < cap; d++)
        l += (size_t)snprintf(s + l, cap - l, "%s%llu", d ? ", " : "", (unsigned long long)shape[d]);
    if (l < cap) snprintf(s + l, cap - l, "]");
}

/* ---- Hugging Face safetensors ---------------------------------------------------------- */

/* A block's tensors as the file stores them, in gpt.h's order, with shapes in units of D
 * (c = 0 for a vector). The four 2-D ones are Conv1D weights, In × Out. */
static const struct {
    const char *name;
    int r, c;
} hf_block[12] = {
    {"ln_1.weight", 1, 0},        {"ln_1.bias", 1, 0},        {"attn.c_attn.weight", 1, 3},
    {"attn.c_attn.bias", 3, 0},   {"attn.c_proj.weight", 1, 1}, {"attn.c_proj.bias", 1, 0},
    {"ln_2.weight", 1, 0},        {"ln_2.bias", 1, 0},        {"mlp.c_fc.weight", 1, 4},
    {"mlp.c_fc.bias", 4, 0},      {"mlp.c_proj.weight", 4, 1}, {"mlp.c_proj.bias", 1, 0},
};

/* Is gpt_tensor's tensor i a matrix (wte, wpe, the four Conv1D weights of a block) rather than a
 * vector? Not "cols > 1": with D = 1, c_attn.weight is 3 × 1 and still a matrix. */
static int is_matrix(const GptConfig *c, int i)
{
    if (i < 2) return 1;
    if (i >= gpt_ntensors(c) - 2) return 0;
    int k = (i - 2) % 12;
    return hf_block[k].c != 0;
}

/* A Conv1D weight (stored In × Out, transposed on the way in and out)? */
static int is_conv(const GptConfig *c, int i) { return i >= 2 && is_matrix(c, i); }

/* Find pre+name and check it is there, has the shape rows (× cols, 0 for a vector) and a dtype
 * we read. why says where the expected shape comes from, for the message. */
static int need(const StFile *f, const char *pre, const char *name, uint64_t rows, uint64_t cols, const char *why,
                const StTensor **out, TzErr *e)
{
    char full[96];
    snprintf(full, sizeof full, "%s%s", pre, name);
    const StTensor *t = st_find(f, full);
    if (!t)
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s': '%s' tensörü yok. Dosya eksik ya da bir GPT-2 ağırlık dosyası değil.",
                       "'%s': tensor '%s' is missing. The file is incomplete or not GPT-2 weights.", f->name, full);
    int ndim = cols ? 2 : 1;
    if (t->ndim != ndim || t->shape[0] != rows || (cols && t->shape[1] != cols)) {
        char got[160], want[64];
        uint64_t w[2] = {rows, cols};
        shape_str(got, sizeof got, t->ndim, t->shape);
        shape_str(want, sizeof want, ndim, w);
        return tz_errf(e, TZ_E_FORMAT, "'%s': '%s' tensörünün biçimi %s, %s olmalıydı (%s).",
                       "'%s': tensor '%s' has shape %s, expected %s (%s).", f->name, full, got, want, why);
    }
    int rc = st_check_float(f, t, e);
    if (rc) return rc;
    *out = t;
    return 0;
}

/* The layer number in "h.<l>." right after the prefix, or −1. */
static long layer_of(const char *name, const char *pre)
{
    size_t pl = strlen(pre);
    if (strncmp(name, pre, pl) != 0 || name[pl] != 'h' || name[pl + 1] != '.') return -1;
    const char *p = name + pl + 2;
    long l = 0;
    if (*p < '0' || *p > '9') return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        l = l * 10 + (*p - '0');
        if (l > MAX_L) return MAX_L;   /* too many: refused by the caller */
    }
    return *p == '.' ? l : -1;
}

/* Compare lm_head (V × D, any float dtype) with the loaded wte, a chunk at a time. */
static int check_lm_head(const StFile *f, const StTensor *t, const Gpt *g, TzErr *e)
{
    const GptConfig *c = &g->cfg;
    if (t->ndim != 2 || t->shape[0] != (uint64_t)c->V || t->shape[1] != (uint64_t)c->D) {
        char got[160];
        shape_str(got, sizeof got, t->ndim, t->shape);
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s': '%s' tensörünün biçimi %s, wte.weight ise [%d, %d]: bu modelin çıkış katmanı "
                       "gömmelere bağlı değil, tezgah'ın GPT'si ise bağlı (gpt.h); başka logit'ler hesaplardı.",
                       "'%s': tensor '%s' has shape %s but wte.weight is [%d, %d]: this model's output layer is "
                       "not tied to its embeddings, and tezgah's GPT ties them (gpt.h); it would compute other "
                       "logits.",
                       f->name, t->name, got, c->V, c->D);
    }
    enum { CHUNK = 1 << 16 };
    float *buf = tz_malloc(CHUNK * sizeof *buf);
    size_t n = (size_t)c->V * (size_t)c->D, worst_at = 0;
    double worst = 0;
    int rc = 0;
    for (size_t s = 0; s < n && !rc; s += CHUNK) {
        size_t k = n - s < CHUNK ? n - s : CHUNK;
        rc = st_read_f32(f, t, s, k, buf, e);
        for (size_t i = 0; i < k && !rc; i++) {
            double d = fabs((double)buf[i] - (double)g->wte[s + i]);
            if (!(d <= worst)) worst = d, worst_at = s + i;   /* a NaN counts as a difference */
        }
    }
    free(buf);
    if (rc) return rc;
    if (worst > 0 || isnan(worst))
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s': '%s' wte.weight'ten farklı (en büyük fark %g, satır %zu): bu modelin çıkış katmanı "
                       "gömmelere bağlı değil, tezgah'ın GPT'si ise bağlı (gpt.h); başka logit'ler hesaplardı.",
                       "'%s': '%s' differs from wte.weight (largest difference %g, row %zu): this model's output "
                       "layer is not tied to its embeddings, and tezgah's GPT ties them (gpt.h); it would compute "
                       "other logits.",
                       f->name, t->name, worst, worst_at / (size_t)c->D);
    return 0;
}

/* Read every tensor of the configuration into g (allocated), transposing the Conv1D weights. */
static int read_weights(const StFile *f, const char *pre, Gpt *g, int *dtypes, TzErr *e)
{
    const GptConfig *c = &g->cfg;
    /* room for the largest Conv1D weight (4D × D), to transpose from */
    float *tmp = tz_malloc((size_t)4 * (size_t)c->D * (size_t)c->D * sizeof *tmp);
    char name[64], full[96];
    size_t n;
    int rows, cols, rc = 0;
    for (int i = 0; i < gpt_ntensors(c) && !rc; i++) {
        float *p = gpt_tensor(g, i, name, sizeof name, &n, &rows, &cols);
        snprintf(full, sizeof full, "%s%s", pre, name);
        const StTensor *t = st_find(f, full);
        TZ_ASSERT(t && t->count == n);          /* checked before allocating */
        *dtypes |= 1 << t->dtype;
        if (!is_conv(c, i)) {
            rc = st_read_f32(f, t, 0, n, p, e);
            continue;
        }
        /* the file's In × Out (cols × rows) into gpt.h's Out × In (rows × cols) */
        rc = st_read_f32(f, t, 0, n, tmp, e);
        for (int o = 0; o < rows && !rc; o++)
            for (int k = 0; k < cols; k++) p[(size_t)o * cols + k] = tmp[(size_t)k * rows + o];
    }
    free(tmp);
    return rc;
}

int gpt_parse_safetensors(Gpt *g, const char *data, size_t n, const char *name, int n_head, int config_head,
                          GptLoadInfo *info, TzErr *e)
{
    memset(g, 0, sizeof *g);
    GptLoadInfo in;
    memset(&in, 0, sizeof in);
    if (n_head < 0)
        return tz_errf(e, TZ_E_ARG, "n_head %d olamaz: pozitif bir sayı verin (ya da 0, dosyadan okunsun).",
                       "n_head %d is impossible: give a positive number (or 0 to read it from the file).", n_head);
    StFile f;
    int rc = st_parse(&f, data, n, name, e);
    if (rc) return rc;

    /* the names, with or without "transformer." */
    const char *pre = "";
    const StTensor *wte = st_find(&f, "wte.weight");
    if (!wte && (wte = st_find(&f, "transformer.wte.weight"))) pre = "transformer.", in.prefixed = 1;
    if (!wte) {
        rc = tz_errf(e, TZ_E_FORMAT,
                     "'%s': 'wte.weight' (ya da 'transformer.wte.weight') tensörü yok: bu bir GPT-2 ağırlık dosyası "
                     "değil gibi. Dosyada %d tensör var%s%s%s.",
                     "'%s': there is no tensor 'wte.weight' (nor 'transformer.wte.weight'): this does not look like "
                     "GPT-2 weights. The file holds %d tensors%s%s%s.",
                     name, f.n, f.n ? ", e.g. '" : "", f.n ? f.t[0].name : "", f.n ? "'" : "");
        goto out;
    }

    /* V and D from wte, C from wpe, L from the highest block number */
    if (wte->ndim != 2 || wte->shape[0] < 1 || wte->shape[1] < 1 || wte->shape[0] > MAX_VC ||
        wte->shape[1] > MAX_D) {
        char got[160];
        shape_str(got, sizeof got, wte->ndim, wte->shape);
        rc = tz_errf(e, TZ_E_FORMAT,
                     "'%s': '%s' tensörünün biçimi %s; [V, D] olmalıydı (1 ≤ V ≤ %d, 1 ≤ D ≤ %d).",
                     "'%s': tensor '%s' has shape %s; expected [V, D] (1 ≤ V ≤ %d, 1 ≤ D ≤ %d).", name, wte->name,
                     got, MAX_VC, MAX_D);
        goto out;
    }
    GptConfig cfg = {(int)wte->shape[0], 0, (int)wte->shape[1], 0, 0};
    uint64_t D = (uint64_t)cfg.D;
    const StTensor *wpe;
    char why[96];
    snprintf(why, sizeof why, "wte.weight: D = %d", cfg.D);
    const char *wpe_name = in.prefixed ? "transformer.wpe.weight" : "wpe.weight";
    if (!(wpe = st_find(&f, wpe_name))) {
        rc = need(&f, pre, "wpe.weight", 0, D, why, &wpe, e);
        goto out;
    }
    if (wpe->ndim == 2 && wpe->shape[1] == D && wpe->shape[0] >= 1 && wpe->shape[0] <= MAX_VC)
        cfg.C = (int)wpe->shape[0];
    else {
        char got[160];
        shape_str(got, sizeof got, wpe->ndim, wpe->shape);
        rc = tz_errf(e, TZ_E_FORMAT, "'%s': '%s' tensörünün biçimi %s, [C, %d] olmalıydı (%s).",
                     "'%s': tensor '%s' has shape %s, expected [C, %d] (%s).", name, wpe->name, got, cfg.D, why);
        goto out;
    }
    long maxl = -1;
    for (int k = 0; k < f.n; k++) {
        long l = layer_of(f.t[k].name, pre);
        if (l > maxl) maxl = l;
    }
    if (maxl >= MAX_L) {
        rc = tz_errf(e, TZ_E_FORMAT, "'%s': %d ya da daha çok katman (h.N.) anlamsız.",
                     "'%s': %d or more layers (h.N.) is absurd.", name, MAX_L);
        goto out;
    }
    cfg.L = (int)(maxl + 1);   /* 0 when there is no block: h.0.ln_1.weight is then named missing */
    if (cfg.L == 0) {
        const StTensor *t;
        rc = need(&f, pre, "h.0.ln_1.weight", D, 0, why, &t, e);
        goto out;
    }

    /* every tensor there with its shape and a readable dtype, before anything is allocated */
    const StTensor *t;
    if ((rc = need(&f, pre, "wte.weight", (uint64_t)cfg.V, D, why, &t, e))) goto out;
    if ((rc = need(&f, pre, "wpe.weight", (uint64_t)cfg.C, D, why, &t, e))) goto out;
    for (int l = 0; l < cfg.L; l++)
        for (int k = 0; k < 12; k++) {
            char bn[64];
            snprintf(bn, sizeof bn, "h.%d.%s", l, hf_block[k].name);
            uint64_t r = (uint64_t)hf_block[k].r * D, c = (uint64_t)hf_block[k].c * D;
            if ((rc = need(&f, pre, bn, r, c, why, &t, e))) goto out;
        }
    if ((rc = need(&f, pre, "ln_f.weight", D, 0, why, &t, e))) goto out;
    if ((rc = need(&f, pre, "ln_f.bias", D, 0, why, &t, e))) goto out;

    /* the heads: the argument, the metadata, config.json, or D/64 */
    const char *mh = st_meta(&f, "n_head");
    if (n_head > 0) cfg.H = n_head, in.head_from = GPT_HEAD_ARG;
    else if (mh) {
        char *end;
        long h = strtol(mh, &end, 10);
        if (end == mh || *end || h < 1 || h > MAX_D) {
            rc = tz_errf(e, TZ_E_FORMAT, "'%s': __metadata__ içindeki n_head '%.40s' bir baş sayısı değil.",
                         "'%s': n_head '%.40s' in the __metadata__ is not a number of heads.", name, mh);
            goto out;
        }
        cfg.H = (int)h, in.head_from = GPT_HEAD_METADATA;
    } else if (config_head > 0) cfg.H = config_head, in.head_from = GPT_HEAD_CONFIG;
    else if (cfg.D % 64 == 0) cfg.H = cfg.D / 64, in.head_from = GPT_HEAD_DEFAULT;
    else {
        rc = tz_errf(e, TZ_E_FORMAT,
                     "'%s': baş sayısı (n_head) bilinmiyor: dosya ya da yanındaki config.json söylemiyor, D = %d de "
                     "64'ün katı değil (GPT-2'nin bütün boyları 64 genişlikte baş kullanır). n_head=N ile verin.",
                     "'%s': the number of heads (n_head) is unknown: neither the file nor a config.json beside it "
                     "says, and D = %d is not a multiple of 64 (every GPT-2 size uses heads 64 wide). Give it "
                     "with n_head=N.",
                     name, cfg.D);
        goto out;
    }
    if (cfg.D % cfg.H != 0) {
        static const char *const from_tr[4] = {"verilen", "dosyanın __metadata__'sı", "config.json", "D/64"};
        static const char *const from_en[4] = {"given", "the file's __metadata__", "config.json", "D/64"};
        tz_errf(e, TZ_E_FORMAT,
                "'%s': yapılandırma tutarsız: D = %d, n_head = %d ile tam bölünmüyor (n_head'i söyleyen: %s).",
                "'%s': inconsistent configuration: D = %d is not divisible by n_head = %d (n_head from: %s).", name,
                cfg.D, cfg.H, from_en[in.head_from]);
        if (e) snprintf(e->tr, sizeof e->tr,
                        "'%s': yapılandırma tutarsız: D = %d, n_head = %d ile tam bölünmüyor (n_head'i söyleyen: %s).",
                        name, cfg.D, cfg.H, from_tr[in.head_from]);
        rc = TZ_E_FORMAT;
        goto out;
    }

    int dtypes = 0;
    if ((rc = alloc_model(g, &cfg, name, e))) goto out;
    if ((rc = read_weights(&f, pre, g, &dtypes, e)) || (rc = check_finite(g, name, e))) goto out;
    const StTensor *lm = st_find(&f, "lm_head.weight");
    if (!lm && in.prefixed) lm = st_find(&f, "transformer.lm_head.weight");
    if (lm) {
        in.lm_head = 1;
        if ((rc = check_lm_head(&f, lm, g, e))) goto out;
    }
    in.n_ignored = f.n - gpt_ntensors(&cfg) - in.lm_head;
    snprintf(in.dtype, sizeof in.dtype, "%s",
             dtypes == 1 << ST_F32 ? "F32" : dtypes == 1 << ST_F16 ? "F16" : dtypes == 1 << ST_BF16 ? "BF16" : "mixed");
out:
    if (rc) gpt_free(g);
    else if (info) *info = in;
    st_free(&f);
    return rc;
}

/* The folder's config.json: its n_head (0 if there is none), and n_embd / n_layer to check
 * that it belongs to these weights (−1 if absent). */
static int read_config(const char *path, int *n_head, long *n_embd, long *n_layer, TzErr *e)
{
    *n_head = 0, *n_embd = *n_layer = -1;
    const char *slash = strrchr(path, '/');
    size_t dl = slash ? (size_t)(slash - path) + 1 : 0;
    char *cfg = tz_malloc(dl + 16);
    memcpy(cfg, path, dl);
    strcpy(cfg + dl, "config.json");
    int rc = 0;
    if (tz_exists(cfg)) {
        TzFile f;
        if ((rc = tz_file_map(&f, cfg, e)) == 0) {
            uint64_t v;
            size_t at = 0;
            int r = st_json_uint(f.data, f.size, "n_head", &v, &at);
            if (r < 0)
                rc = tz_errf(e, TZ_E_FORMAT,
                             "'%s' geçerli bir JSON nesnesi değil (%zu. bayt). Düzeltin, kaldırın ya da n_head=N verin.",
                             "'%s' is not a valid JSON object (byte %zu). Fix or remove it, or give n_head=N.", cfg,
                             at);
            else if (r == 1 && v >= 1 && v <= MAX_D) *n_head = (int)v;
            if (!rc && st_json_uint(f.data, f.size, "n_embd", &v, NULL) == 1)
                *n_embd = v > MAX_D ? MAX_D + 1 : (long)v;
            if (!rc && st_json_uint(f.data, f.size, "n_layer", &v, NULL) == 1)
                *n_layer = v > MAX_L ? MAX_L + 1 : (long)v;
            tz_file_unmap(&f);
        }
    }
    free(cfg);
    return rc;
}

int gpt_load_safetensors_info(Gpt *g, const char *path, int n_head, GptLoadInfo *info, TzErr *e)
{
    memset(g, 0, sizeof *g);
    int config_head = 0;
    long n_embd = -1, n_layer = -1;
    int rc = n_head == 0 ? read_config(path, &config_head, &n_embd, &n_layer, e) : 0;
    if (rc) return rc;
    TzFile f;
    if ((rc = tz_file_map(&f, path, e))) return rc;
    rc = gpt_parse_safetensors(g, f.data, f.size, path, n_head, config_head, info, e);
    tz_file_unmap(&f);
    if (rc == 0 && ((n_embd >= 0 && n_embd != g->cfg.D) || (n_layer >= 0 && n_layer != g->cfg.L))) {
        rc = tz_errf(e, TZ_E_FORMAT,
                     "'%s': yanındaki config.json başka bir modelin (n_embd %ld, n_layer %ld); ağırlıklarda D %d, "
                     "L %d. Doğru config.json'u koyun ya da n_head=N verin.",
                     "'%s': the config.json beside it belongs to another model (n_embd %ld, n_layer %ld); the "
                     "weights have D %d, L %d. Put the right config.json there, or give n_head=N.",
                     path, n_embd, n_layer, g->cfg.D, g->cfg.L);
        gpt_free(g);
    }
    return rc;
}

int gpt_load_safetensors(Gpt *g, const char *path, int n_head, TzErr *e)
{
    return gpt_load_safetensors_info(g, path, n_head, NULL, e);
}

int gpt_write_safetensors(FILE *fp, const Gpt *g, TzErr *e)
{
    const GptConfig *c = &g->cfg;
    int n = gpt_ntensors(c);
    StOut *t = tz_calloc((size_t)n, sizeof *t);
    char (*names)[64] = tz_malloc((size_t)n * sizeof *names);
    for (int i = 0; i < n; i++) {
        size_t cnt;
        int rows, cols;
        t[i].data = gpt_tensor(g, i, names[i], sizeof names[i], &cnt, &rows, &cols);
        t[i].name = names[i];
        /* vectors [n]; wte, wpe [rows, cols]; Conv1D weights [In, Out] = [cols, rows], transposed */
        int conv = is_conv(c, i);
        t[i].ndim = is_matrix(c, i) ? 2 : 1;
        t[i].shape[0] = (uint64_t)(conv ? cols : rows);
        t[i].shape[1] = t[i].ndim == 2 ? (uint64_t)(conv ? rows : cols) : 0;
        t[i].transpose = conv;
    }
    char v[5][16];
    snprintf(v[0], sizeof v[0], "%d", c->H);
    snprintf(v[1], sizeof v[1], "%d", c->D);
    snprintf(v[2], sizeof v[2], "%d", c->L);
    snprintf(v[3], sizeof v[3], "%d", c->C);
    snprintf(v[4], sizeof v[4], "%d", c->V);
    const char *meta[] = {"format", "pt", "n_head", v[0], "n_embd", v[1], "n_layer", v[2],
                          "n_positions", v[3], "vocab_size", v[4], "written_by", "tezgah"};
    int rc = st_write(fp, t, n, meta, (int)(sizeof meta / sizeof *meta / 2), e);
    free(names);
    free(t);
    return rc;
}

static int write_fn(FILE *f, void *ud, TzErr *e) { return gpt_write_safetensors(f, (const Gpt *)ud, e); }

int gpt_save_safetensors(const Gpt *g, const char *path, TzErr *e)
{
    return tz_save_atomic(path, write_fn, (void *)g, e);
}

/* ---- llm.c ------------------------------------------------------------------------------ */

int gpt_parse_llmc(Gpt *g, const char *data, size_t n, const char *name, TzErr *e)
{
    memset(g, 0, sizeof *g);
    const unsigned char *u = (const unsigned char *)data;
    if (n < LLMC_HEADER)
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s' yalnızca %zu bayt; llm.c dosyası 1024 baytlık bir başlıkla başlar. Dosya yarım kalmış.",
                       "'%s' is only %zu bytes; an llm.c file starts with a 1024-byte header. The file is "
                       "truncated.",
                       name, n);
    int32_t h[8];
    for (int k = 0; k < 8; k++) h[k] = le32(u + 4 * k);
    if (h[0] == LLMC_STATE_MAGIC)
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s' llm.c'nin hata ayıklama durumu dosyası (debug state), model değil; gpt2_124M.bin'i "
                       "yükleyin.",
                       "'%s' is llm.c's debug state file, not the model; load gpt2_124M.bin.", name);
    if (h[0] != LLMC_MAGIC)
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s' bir llm.c modeli değil: sihirli sayı %d, %d olmalıydı.",
                       "'%s' is not an llm.c model: its magic number is %d, expected %d.", name, (int)h[0],
                       LLMC_MAGIC);
    int version = h[1];
    if (version != 1 && version != 3 && version != 5)
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s': llm.c sürümü %d desteklenmiyor (1 ve 3: float32, 5: bfloat16).",
                       "'%s': llm.c version %d is not supported (1 and 3: float32, 5: bfloat16).", name, version);
    int maxT = h[2], V = h[3], L = h[4], H = h[5], C = h[6], Vp = version == 1 ? V : h[7];
    if (maxT < 1 || maxT > MAX_VC || V < 1 || V > MAX_VC || L < 1 || L > MAX_L || H < 1 || C < 1 || C > MAX_D ||
        Vp < V || Vp > MAX_VC)
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s': llm.c başlığı anlamsız: maxT %d, V %d, L %d, NH %d, C %d, Vp %d (hepsi pozitif, Vp ≥ "
                       "V olmalı). Dosya bozuk.",
                       "'%s': the llm.c header is absurd: maxT %d, V %d, L %d, NH %d, C %d, Vp %d (all must be "
                       "positive, Vp ≥ V). The file is damaged.",
                       name, maxT, V, L, H, C, Vp);
    if (C % H != 0)
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s': yapılandırma tutarsız: C = %d, NH = %d ile tam bölünmüyor.",
                       "'%s': inconsistent configuration: C = %d is not divisible by NH = %d.", name, C, H);
    /* exact sizes: each factor is bounded above, so these fit in 64 bits */
    uint64_t c = (uint64_t)C, es = version == 5 ? 2 : 4;
    uint64_t np = (uint64_t)Vp * c + (uint64_t)maxT * c + (uint64_t)L * (12 * c * c + 13 * c) + 2 * c;
    uint64_t want = LLMC_HEADER + np * es;
    if (want > (uint64_t)n)
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s': başlık (maxT %d, V %d, Vp %d, L %d, C %d, sürüm %d) %llu baytlık bir dosya "
                       "gerektiriyor, dosya %zu bayt: yarım kalmış (indirme kesilmiş olabilir).",
                       "'%s': the header (maxT %d, V %d, Vp %d, L %d, C %d, version %d) implies a file of %llu "
                       "bytes, the file has %zu: it is truncated (an interrupted download?).",
                       name, maxT, V, Vp, L, C, version, (unsigned long long)want, n);
    if (want < (uint64_t)n)
        return tz_errf(e, TZ_E_FORMAT,
                       "'%s': başlık (maxT %d, V %d, Vp %d, L %d, C %d, sürüm %d) %llu baytlık bir dosya "
                       "gerektiriyor, dosya %zu bayt: parametrelerden sonra fazladan bayt var, başlık yanlış.",
                       "'%s': the header (maxT %d, V %d, Vp %d, L %d, C %d, version %d) implies a file of %llu "
                       "bytes, the file has %zu: extra bytes follow the parameters, the header is wrong.",
                       name, maxT, V, Vp, L, C, version, (unsigned long long)want, n);
    GptConfig cfg = {V, maxT, C, L, H};
    int rc = alloc_model(g, &cfg, name, e);
    if (rc) return rc;
    StDtype dt = version == 5 ? ST_BF16 : ST_F32;
    const unsigned char *p = u + LLMC_HEADER;
    /* wte: keep the first V of the Vp rows */
    st_convert(dt, p, (size_t)V * c, g->wte);
    p += (uint64_t)Vp * c * es;
    st_convert(dt, p, (size_t)maxT * c, g->wpe);
    p += (uint64_t)maxT * c * es;
    /* then the block tensors, each for all L layers in a row, in gpt.h's block order */
    for (int k = 0; k < 12; k++) {
        size_t each = 0;
        for (int l = 0; l < L; l++) {
            float *dst = gpt_tensor(g, 2 + 12 * l + k, NULL, 0, &each, NULL, NULL);
            st_convert(dt, p, each, dst);
            p += each * es;
        }
    }
    st_convert(dt, p, (size_t)C, g->lnf_w);
    p += c * es;
    st_convert(dt, p, (size_t)C, g->lnf_b);
    p += c * es;
    TZ_ASSERT(p == u + n);
    return check_finite(g, name, e);
}

int gpt_load_llmc(Gpt *g, const char *path, TzErr *e)
{
    memset(g, 0, sizeof *g);
    TzFile f;
    int rc = tz_file_map(&f, path, e);
    if (rc) return rc;
    rc = gpt_parse_llmc(g, f.data, f.size, path, e);
    tz_file_unmap(&f);
    return rc;
}
