/* ft_sup.c — see ft_sup.h.
 *
 * Reading follows fastText 0.9.2's Dictionary (readWord, getLine, addWordNgrams) so that the
 * same line gives the same feature rows here and there — that is what lets a model trained by
 * `fasttext supervised` predict here with its numbers, and ours predict there.
 */
#include "models/ft_sup.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"

FtSupConfig ft_sup_defaults(void)
{
    FtSupConfig c;
    memset(&c, 0, sizeof c);
    c.dim = 100;
    c.epochs = 5;
    c.lr = 0.1;
    c.word_ngrams = 1;
    c.min_count = 1;
    c.min_count_label = 0;
    c.minn = 0;
    c.maxn = 0;
    c.bucket = 2000000;
    c.loss = FT_LOSS_SOFTMAX;
    c.threads = 1;
    c.lr_update_rate = 100;
    c.seed = 1;
    snprintf(c.label, sizeof c.label, "__label__");
    return c;
}

static const char EOS[] = "</s>";

/* fastText's word separators; '\n' also ends the line (it is read as the token "</s>"). */
static inline int is_sep(char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == '\0' || c == '\n';
}

static int has_prefix(const char *tok, size_t len, const char *prefix)
{
    size_t p = strlen(prefix);
    return len >= p && memcmp(tok, prefix, p) == 0;
}

/* --- one line → features ------------------------------------------------------------------- */

static void push_i32(int32_t **a, size_t *n, size_t *cap, int32_t v)
{
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 64;
        *a = tz_realloc(*a, *cap * sizeof **a);
    }
    (*a)[(*n)++] = v;
}

/* The input row of bucket b (0 ≤ b < bucket) — through pruneidx for a pruned model. */
static int64_t bucket_row(const FastText *ft, uint64_t h)
{
    /* ft_ngram_row takes a 32-bit hash; a word n-gram's 64-bit H is reduced here first
     * (H % bucket < bucket < 2^31, so the second % inside changes nothing) */
    if (ft->args.bucket <= 0) return -1;
    return ft_ngram_row(ft, (uint32_t)(h % (uint64_t)ft->args.bucket));
}

typedef struct {
    const FastText *ft;
    FtLine *l;
} NgCtx;

static int add_char_ngram(const char *g, size_t len, uint32_t h, void *ud)
{
    (void)g; (void)len;
    NgCtx *c = ud;
    int64_t r = ft_ngram_row(c->ft, h);
    if (r >= 0) push_i32(&c->l->feat, &c->l->nfeat, &c->l->feat_cap, (int32_t)r);
    return 0;
}

/* One token of a line (fastText's getLine body). */
static void line_token(const FastText *ft, const char *tok, size_t len, FtLine *l)
{
    uint32_t h = ft_hash(tok, len);
    int64_t id = vocab_find(&ft->dict, tok, len);
    int is_label = id >= 0 ? ft->type[id] == FT_ENTRY_LABEL : has_prefix(tok, len, ft->args.label);
    if (!is_label) {
        int eos = len == 4 && memcmp(tok, EOS, 4) == 0;
        NgCtx c = { ft, l };
        if (id >= 0) push_i32(&l->feat, &l->nfeat, &l->feat_cap, (int32_t)id);
        if (ft->args.maxn > 0 && !eos) ft_ngrams(tok, len, ft->args.minn, ft->args.maxn, add_char_ngram, &c);
        /* every word's hash counts for the word n-grams, known or not */
        if (l->nhash == l->hash_cap) {
            l->hash_cap = l->hash_cap ? 2 * l->hash_cap : 64;
            l->hash = tz_realloc(l->hash, l->hash_cap * sizeof *l->hash);
        }
        l->hash[l->nhash++] = h;
    } else if (id >= 0) {
        push_i32(&l->lab, &l->nlab, &l->lab_cap, (int32_t)((size_t)id - ft->nwords));
    }
}

size_t ft_sup_line(const FastText *ft, const char *text, size_t n, int eos, FtLine *l)
{
    l->nfeat = l->nlab = l->nhash = 0;
    size_t ntok = 0, i = 0;
    while (i < n) {
        while (i < n && is_sep(text[i])) i++;
        size_t s = i;
        while (i < n && !is_sep(text[i])) i++;
        if (i > s) { line_token(ft, text + s, i - s, l); ntok++; }
    }
    if (eos) { line_token(ft, EOS, 4, l); ntok++; }
    /* word n-grams: H = w_i, then H·116049371 + w_k, in 64 bits with each w sign-extended
     * (fastText keeps the hashes as int32 and widens them to uint64) */
    int wn = ft->args.word_ngrams;
    for (size_t a = 0; a < l->nhash; a++) {
        uint64_t H = (uint64_t)(int64_t)(int32_t)l->hash[a];
        for (size_t b = a + 1; b < l->nhash && b < a + (size_t)(wn > 0 ? wn : 1); b++) {
            H = H * 116049371ULL + (uint64_t)(int64_t)(int32_t)l->hash[b];
            int64_t r = bucket_row(ft, H);
            if (r >= 0) push_i32(&l->feat, &l->nfeat, &l->feat_cap, (int32_t)r);
        }
    }
    return ntok;
}

void ft_line_free(FtLine *l)
{
    free(l->feat);
    free(l->lab);
    free(l->hash);
    memset(l, 0, sizeof *l);
}

/* --- the maths shared by training and prediction -------------------------------------------- */

static inline float row_f32(const char *base, size_t r, size_t D, size_t i)
{
    float x;
    memcpy(&x, base + (r * D + i) * 4, 4);   /* little-endian, maybe unaligned (a mapped .bin) */
    return x;
}

/* h = mean of the feature rows (D floats). */
static void hidden_of(const FastText *ft, const int32_t *feat, size_t nfeat, float *h)
{
    size_t D = (size_t)ft->args.dim;
    memset(h, 0, D * sizeof *h);
    for (size_t k = 0; k < nfeat; k++) ft_add_input_row(ft, (size_t)feat[k], h);
    if (nfeat)
        for (size_t i = 0; i < D; i++) h[i] /= (float)nfeat;
}

static double out_dot(const FastText *ft, size_t row, const float *h)
{
    size_t D = (size_t)ft->args.dim;
    double s = 0;
    for (size_t i = 0; i < D; i++) s += (double)row_f32(ft->output, row, D, i) * h[i];
    return s;
}

/* Softmax in place over n scores, shifted by the largest for safety. */
static void softmax(double *x, size_t n)
{
    double mx = x[0], sum = 0;
    for (size_t i = 1; i < n; i++) if (x[i] > mx) mx = x[i];
    for (size_t i = 0; i < n; i++) { x[i] = exp(x[i] - mx); sum += x[i]; }
    for (size_t i = 0; i < n; i++) x[i] /= sum;
}

void ft_hs_build(FtHsTree *t, const int64_t *counts, size_t L)
{
    memset(t, 0, sizeof *t);
    if (L < 2) return;
    size_t N = 2 * L - 1;
    t->L = L;
    t->parent = tz_malloc(N * sizeof *t->parent);
    t->left = tz_malloc(N * sizeof *t->left);
    t->right = tz_malloc(N * sizeof *t->right);
    t->binary = tz_calloc(N, 1);
    int64_t *cnt = tz_malloc(N * sizeof *cnt);
    for (size_t i = 0; i < N; i++) {
        t->parent[i] = t->left[i] = t->right[i] = -1;
        cnt[i] = i < L ? counts[i] : (int64_t)1e15;
    }
    /* the labels come sorted by count, most frequent first: walk the leaves from the rarest
     * and the new nodes in the order made, always joining the two smallest (as fastText) */
    int64_t leaf = (int64_t)L - 1, node = (int64_t)L;
    for (size_t i = L; i < N; i++) {
        int64_t mini[2];
        for (int j = 0; j < 2; j++)
            mini[j] = (leaf >= 0 && cnt[leaf] < cnt[node]) ? leaf-- : node++;
        t->left[i] = (int32_t)mini[0];
        t->right[i] = (int32_t)mini[1];
        cnt[i] = cnt[mini[0]] + cnt[mini[1]];
        t->parent[mini[0]] = t->parent[mini[1]] = (int32_t)i;
        t->binary[mini[1]] = 1;
    }
    free(cnt);
}

void ft_hs_free(FtHsTree *t)
{
    free(t->parent); free(t->left); free(t->right); free(t->binary);
    memset(t, 0, sizeof *t);
}

static inline double sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

/* Keep the best k (prob, label) pairs, best first (insertion into a short sorted list). */
static size_t keep_best(FtPred *best, size_t n, size_t k, int32_t label, double p)
{
    if (n == k && p <= best[n - 1].prob) return n;
    size_t i = n < k ? n++ : n - 1;
    while (i > 0 && best[i - 1].prob < p) { best[i] = best[i - 1]; i--; }
    best[i].label = label;
    best[i].prob = (float)p;
    return n;
}

/* Depth-first search for the k most probable leaves, cutting branches that cannot beat the
 * k-th best or the threshold (a path's probability only falls as it goes down). */
static size_t hs_dfs(const FastText *ft, const FtHsTree *t, int32_t node, double p, const float *h, size_t k,
                     double threshold, FtPred *best, size_t n)
{
    if (p < threshold || (n == k && p <= best[n - 1].prob)) return n;
    if (t->left[node] < 0) return keep_best(best, n, k, node, p);
    double f = sigmoid(out_dot(ft, (size_t)node - t->L, h));
    n = hs_dfs(ft, t, t->left[node], p * (1 - f), h, k, threshold, best, n);
    return hs_dfs(ft, t, t->right[node], p * f, h, k, threshold, best, n);
}

static size_t predict_with(const FastText *ft, const FtHsTree *tree, const int32_t *feat, size_t nfeat, size_t k,
                           float threshold, FtPred *out)
{
    size_t L = ft->nlabels, D = (size_t)ft->args.dim;
    if (nfeat == 0 || L == 0 || k == 0) return 0;
    if (k > L) k = L;
    float *h = tz_malloc(D * sizeof *h);
    hidden_of(ft, feat, nfeat, h);
    size_t n = 0;
    if (ft->args.loss == FT_LOSS_HS && L > 1) {
        n = hs_dfs(ft, tree, (int32_t)(2 * L - 2), 1.0, h, k, threshold, out, 0);
    } else {
        double *s = tz_malloc(L * sizeof *s);
        for (size_t i = 0; i < L; i++) s[i] = out_dot(ft, i, h);
        if (ft->args.loss == FT_LOSS_SOFTMAX || L == 1) softmax(s, L);
        else for (size_t i = 0; i < L; i++) s[i] = sigmoid(s[i]);   /* one-vs-all, negative sampling */
        for (size_t i = 0; i < L; i++)
            if (s[i] >= threshold) n = keep_best(out, n, k, (int32_t)i, s[i]);
        free(s);
    }
    free(h);
    return n;
}

static void tree_for(const FastText *ft, FtHsTree *t)
{
    memset(t, 0, sizeof *t);
    if (ft->args.loss == FT_LOSS_HS) ft_hs_build(t, ft->dict.counts + ft->nwords, ft->nlabels);
}

size_t ft_sup_predict(const FastText *ft, const int32_t *feat, size_t nfeat, size_t k, float threshold, FtPred *out)
{
    TZ_ASSERT(ft->args.model == FT_MODEL_SUP);
    FtHsTree t;
    tree_for(ft, &t);
    size_t n = predict_with(ft, &t, feat, nfeat, k, threshold, out);
    ft_hs_free(&t);
    return n;
}

/* --- reading a labelled file ---------------------------------------------------------------- */

/* The lines of a mapped file: [begin, end) byte ranges, the newline excluded; eos = it had one. */
typedef struct {
    size_t begin, end;
    int eos;
} Span;

static Span *split_lines(const char *d, size_t n, size_t *nlines)
{
    size_t cap = 1024, k = 0;
    Span *s = tz_malloc(cap * sizeof *s);
    size_t i = 0;
    while (i < n) {
        const char *nl = memchr(d + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - d) : n;
        if (k == cap) { cap *= 2; s = tz_realloc(s, cap * sizeof *s); }
        s[k++] = (Span){ i, e, nl != NULL };
        i = e + 1;
    }
    *nlines = k;
    return s;
}

/* Map a labelled file, check that it is text, and find its lines. */
static int map_lines(const char *path, TzFile *f, Span **lines, size_t *nlines, TzErr *e)
{
    int rc = tz_file_map(f, path, e);
    if (rc) return rc;
    if ((rc = tz_check_text(path, f->data, f->size, e))) { tz_file_unmap(f); return rc; }
    *lines = split_lines(f->data, f->size, nlines);
    return 0;
}

static int no_labels(const char *path, const char *prefix, TzErr *e)
{
    return tz_errf(e, TZ_E_FORMAT,
                   "'%s' içinde hiç etiket yok: sınıflandırıcı her satırın başında '%sETİKET' bekler "
                   "(örnek: %spos Çok beğendim.). Etiketsiz metinle sözcük vektörü eğitmek için: "
                   "train fasttext corpus=…",
                   "'%s' has no labels: the classifier expects each line to start with '%sLABEL' "
                   "(for example: %spos Loved it.). To learn word vectors from unlabelled text: "
                   "train fasttext corpus=…",
                   path, prefix, prefix);
}

typedef struct {
    size_t id;          /* raw id */
    int64_t count;
    const char *w;
} Ent;

static int ent_cmp(const void *a, const void *b)
{
    const Ent *x = a, *y = b;
    if (x->count != y->count) return x->count > y->count ? -1 : 1;
    return strcmp(x->w, y->w);
}

/* Count every token (labels and "</s>" too), keep words seen ≥ min_count and labels seen
 * ≥ min_count_label, words first then labels, each by count (most frequent first). */
static int build_dict(const char *path, const char *d, const Span *lines, size_t nlines, const FtSupConfig *cfg,
                      FastText *ft, TzErr *e)
{
    Vocab raw;
    vocab_init(&raw);
    int64_t ntokens = 0;
    for (size_t li = 0; li < nlines; li++) {
        size_t i = lines[li].begin, end = lines[li].end;
        while (i < end) {
            while (i < end && is_sep(d[i])) i++;
            size_t s = i;
            while (i < end && !is_sep(d[i])) i++;
            if (i > s) { vocab_add(&raw, d + s, i - s, 1); ntokens++; }
        }
        if (lines[li].eos) { vocab_add(&raw, EOS, 4, 1); ntokens++; }
    }
    Ent *ents = tz_malloc((raw.size ? raw.size : 1) * sizeof *ents);
    size_t nw = 0, nl = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < raw.size; i++) {
            const char *w = vocab_word(&raw, i);
            int lab = has_prefix(w, strlen(w), cfg->label);
            if (lab != pass) continue;
            if (raw.counts[i] < (lab ? cfg->min_count_label : cfg->min_count)) continue;
            ents[nw + nl] = (Ent){ i, raw.counts[i], w };
            if (lab) nl++; else nw++;
        }
    if (nl == 0) {
        free(ents);
        vocab_free(&raw);
        return no_labels(path, cfg->label, e);
    }
    qsort(ents, nw, sizeof *ents, ent_cmp);
    qsort(ents + nw, nl, sizeof *ents, ent_cmp);
    vocab_init(&ft->dict);
    ft->type = tz_malloc(nw + nl);
    for (size_t i = 0; i < nw + nl; i++) {
        vocab_add(&ft->dict, ents[i].w, strlen(ents[i].w), ents[i].count);
        ft->type[i] = i < nw ? FT_ENTRY_WORD : FT_ENTRY_LABEL;
    }
    ft->nwords = ft->nwords_file = nw;
    ft->nlabels = nl;
    ft->ntokens = ntokens;
    free(ents);
    vocab_free(&raw);
    return 0;
}

/* --- training -------------------------------------------------------------------------------- */

typedef struct {
    size_t *off;        /* nlines + 1 into feat */
    int32_t *feat;
    size_t *loff;       /* nlines + 1 into lab */
    int32_t *lab;
    uint32_t *ntok;     /* tokens of each line */
    size_t nlines;
} Examples;

typedef struct {
    FastText *ft;
    float *in, *out;    /* the matrices being trained (the same memory as ft->input/output) */
    const Examples *ex;
    const FtHsTree *tree;
    const FtSupConfig *cfg;
    Job *job;
    int tid;
    atomic_llong *tokens;   /* processed, all threads */
    int64_t total;          /* epochs × ntokens */
    double loss_sum;
    int64_t loss_n;
    pthread_mutex_t *mu;
    double *shared_loss;
} Worker;

double ft_sup_step(int loss, const FtHsTree *tree, float *out, size_t L, size_t D, const float *h, int32_t target,
                   const int32_t *labels, size_t nlab, float lr, float *g, double *scores)
{
    double lossv = 0;
    memset(g, 0, D * sizeof *g);
    if (loss == FT_LOSS_SOFTMAX) {
        for (size_t i = 0; i < L; i++) {
            double s = 0;
            const float *o = out + i * D;
            for (size_t k = 0; k < D; k++) s += (double)o[k] * h[k];
            scores[i] = s;
        }
        softmax(scores, L);
        for (size_t i = 0; i < L; i++) {
            /* ∂loss/∂score_i = p_i − [i = target]; the step is −lr times that: g takes the
             * output row as it was, then the row moves */
            float a = lr * ((float)((int32_t)i == target) - (float)scores[i]);
            float *o = out + i * D;
            for (size_t k = 0; k < D; k++) { g[k] += a * o[k]; o[k] += a * h[k]; }
        }
        return -log(scores[target] > 1e-30 ? scores[target] : 1e-30);
    }
    /* binary logistic units: the inner nodes on the target's path (hs, y = which way it
     * turns), or every label (ova, y = is it one of the line's labels) */
    int32_t node = target;
    for (size_t u = 0;; u++) {
        size_t row;
        float y;
        if (loss == FT_LOSS_HS) {
            if (!tree->parent || tree->parent[node] < 0) break;   /* one label: no tree */
            row = (size_t)tree->parent[node] - L;
            y = tree->binary[node];
            node = tree->parent[node];
        } else {
            if (u == L) break;
            row = u;
            y = 0;
            for (size_t j = 0; j < nlab; j++) if (labels[j] == (int32_t)u) y = 1;
        }
        float *o = out + row * D;
        double s = 0;
        for (size_t k = 0; k < D; k++) s += (double)o[k] * h[k];
        double p = sigmoid(s);
        float a = lr * (y - (float)p);
        for (size_t k = 0; k < D; k++) { g[k] += a * o[k]; o[k] += a * h[k]; }
        double q = y ? p : 1 - p;
        lossv -= log(q > 1e-30 ? q : 1e-30);
    }
    return lossv;
}

static void *worker(void *arg)
{
    Worker *w = arg;
    const Examples *ex = w->ex;
    size_t D = (size_t)w->cfg->dim;
    float *h = tz_malloc(2 * D * sizeof *h), *g = h + D;
    double *scores = tz_malloc((w->ft->nlabels + 1) * sizeof *scores);
    uint64_t r = w->cfg->seed * 0x9E3779B97F4A7C15ULL + (uint64_t)w->tid * 0xBF58476D1CE4E5B9ULL + 1;
    size_t nth = (size_t)w->cfg->threads, li = ex->nlines * (size_t)w->tid / nth;
    int64_t local = 0, since_report = 0;
    for (;;) {
        long long done = atomic_load(w->tokens);
        if (done >= w->total || job_cancelled(w->job)) break;
        float lr = (float)(w->cfg->lr * (1.0 - (double)done / (double)w->total));
        const int32_t *feat = ex->feat + ex->off[li], *lab = ex->lab + ex->loff[li];
        size_t nf = ex->off[li + 1] - ex->off[li], nl = ex->loff[li + 1] - ex->loff[li];
        if (nf && nl) {
            /* one of its labels at random is the target (all of them, for one-vs-all) */
            r = r * 6364136223846793005ULL + 1442695040888963407ULL;
            int32_t target = lab[(r >> 33) % nl];
            float *in = w->in;
            memset(h, 0, D * sizeof *h);
            for (size_t k = 0; k < nf; k++) {
                const float *x = in + (size_t)feat[k] * D;
                for (size_t i = 0; i < D; i++) h[i] += x[i];
            }
            for (size_t i = 0; i < D; i++) h[i] /= (float)nf;
            w->loss_sum += ft_sup_step(w->cfg->loss, w->tree, w->out, w->ft->nlabels, D, h, target, lab, nl, lr, g, scores);
            w->loss_n++;
            /* each averaged row gets the gradient divided by how many were averaged */
            float inv = 1.0f / (float)nf;
            for (size_t k = 0; k < nf; k++) {
                float *x = in + (size_t)feat[k] * D;
                for (size_t i = 0; i < D; i++) x[i] += inv * g[i];
            }
        }
        local += ex->ntok[li];
        if (local > w->cfg->lr_update_rate) {
            long long now = atomic_fetch_add(w->tokens, local) + local;
            since_report += local;
            local = 0;
            if (w->tid == 0 && since_report > 20000) {
                since_report = 0;
                double mean = w->loss_n ? w->loss_sum / (double)w->loss_n : 0;
                pthread_mutex_lock(w->mu);
                *w->shared_loss = mean;
                pthread_mutex_unlock(w->mu);
                job_report_loss(w->job, now < w->total ? now : w->total, w->total, mean);
                w->loss_sum = 0;
                w->loss_n = 0;
            }
        }
        if (++li == ex->nlines) li = 0;
    }
    atomic_fetch_add(w->tokens, local);
    free(h);
    free(scores);
    return NULL;
}

static void examples_free(Examples *x)
{
    free(x->off); free(x->feat); free(x->loff); free(x->lab); free(x->ntok);
    memset(x, 0, sizeof *x);
}

int ft_sup_train(const char *path, const FtSupConfig *cfg, FastText *out, FtSupStats *st, Job *job, TzErr *e)
{
    memset(out, 0, sizeof *out);
    memset(st, 0, sizeof *st);
    if (cfg->dim < 1 || cfg->epochs < 1 || cfg->threads < 1 || cfg->word_ngrams < 1 || cfg->lr <= 0 ||
        (cfg->maxn > 0 && cfg->minn < 1) || cfg->maxn < cfg->minn * (cfg->maxn > 0) || cfg->bucket < 0 ||
        (cfg->loss != FT_LOSS_SOFTMAX && cfg->loss != FT_LOSS_HS && cfg->loss != FT_LOSS_OVA))
        return tz_errf(e, TZ_E_ARG, "sınıflandırıcı ayarları geçersiz (dim, epochs, lr, wordNgrams, minn/maxn, loss).",
                       "the classifier settings are not valid (dim, epochs, lr, wordNgrams, minn/maxn, loss).");
    double t0 = tz_now();
    TzFile f;
    Span *lines;
    size_t nlines;
    int rc = map_lines(path, &f, &lines, &nlines, e);
    if (rc) return rc;
    FastText *ft = out;
    ft_args_default(&ft->args);
    ft->args.dim = cfg->dim;
    ft->args.epoch = cfg->epochs;
    ft->args.min_count = cfg->min_count;
    ft->args.word_ngrams = cfg->word_ngrams;
    ft->args.loss = cfg->loss;
    ft->args.model = FT_MODEL_SUP;
    ft->args.minn = cfg->maxn > 0 ? cfg->minn : 0;
    ft->args.maxn = cfg->maxn;
    /* no n-grams of either kind: no bucket rows at all (fastText does the same) */
    ft->args.bucket = (cfg->word_ngrams <= 1 && cfg->maxn == 0) ? 0 : cfg->bucket;
    ft->args.lr_update_rate = cfg->lr_update_rate;
    snprintf(ft->args.label, sizeof ft->args.label, "%s", cfg->label);
    ft->pruneidx_size = -1;
    if ((rc = build_dict(path, f.data, lines, nlines, cfg, ft, e))) goto fail;

    size_t D = (size_t)cfg->dim, L = ft->nlabels;
    ft->in_rows = ft->nwords + (size_t)ft->args.bucket;
    ft->out_rows = L;
    double bytes = ((double)ft->in_rows + (double)L) * (double)D * 4.0;
    if (bytes > 16e9) {
        rc = tz_errf(e, TZ_E_NOMEM, "sınıflandırıcının matrisleri %.1f GB isterdi (%zu + %zu satır × %zu); bucket ya da dim'i küçültün.",
                     "the classifier's matrices would need %.1f GB (%zu + %zu rows × %zu); make bucket or dim smaller.",
                     bytes / 1e9, ft->in_rows, L, D);
        goto fail;
    }

    /* every line's features and labels, once (the same code that predicts) */
    Examples ex = { 0 };
    ex.nlines = nlines;
    ex.off = tz_malloc((nlines + 1) * sizeof *ex.off);
    ex.loff = tz_malloc((nlines + 1) * sizeof *ex.loff);
    ex.ntok = tz_malloc((nlines ? nlines : 1) * sizeof *ex.ntok);
    size_t fcap = 1024, lcap = 256, nf = 0, nl = 0;
    ex.feat = tz_malloc(fcap * sizeof *ex.feat);
    ex.lab = tz_malloc(lcap * sizeof *ex.lab);
    FtLine line = { 0 };
    for (size_t li = 0; li < nlines; li++) {
        ex.off[li] = nf;
        ex.loff[li] = nl;
        ex.ntok[li] = (uint32_t)ft_sup_line(ft, f.data + lines[li].begin, lines[li].end - lines[li].begin,
                                            lines[li].eos, &line);
        for (size_t k = 0; k < line.nfeat; k++) push_i32(&ex.feat, &nf, &fcap, line.feat[k]);
        for (size_t k = 0; k < line.nlab; k++) push_i32(&ex.lab, &nl, &lcap, line.lab[k]);
        if (line.nfeat && line.nlab) st->examples++;
    }
    ex.off[nlines] = nf;
    ex.loff[nlines] = nl;
    ft_line_free(&line);
    st->lines = nlines;
    st->ntokens = ft->ntokens;
    if (st->examples == 0) {
        examples_free(&ex);
        rc = no_labels(path, cfg->label, e);
        goto fail;
    }

    /* inputs uniform in [−1/D, 1/D], outputs zero (fastText's start) */
    float *in = tz_malloc(ft->in_rows * D * sizeof *in), *outm = tz_calloc(L * D, sizeof *outm);
    uint64_t r = cfg->seed * 0x9E3779B97F4A7C15ULL + 7;
    for (size_t i = 0; i < ft->in_rows * D; i++) {
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        in[i] = ((float)((r >> 40) & 0xFFFFFF) / 8388608.0f - 1.0f) / (float)D;
    }
    ft->owned = in;
    ft->owned_out = outm;
    ft->input = (const char *)in;
    ft->output = (const char *)outm;

    FtHsTree tree;
    tree_for(ft, &tree);
    atomic_llong tokens = 0;
    pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    double shared_loss = 0;
    int T = cfg->threads;
    Worker *ws = tz_calloc((size_t)T, sizeof *ws);
    pthread_t *th = tz_malloc((size_t)T * sizeof *th);
    int64_t total = (int64_t)cfg->epochs * ft->ntokens;
    for (int t = 0; t < T; t++) {
        ws[t] = (Worker){ .ft = ft, .in = in, .out = outm, .ex = &ex, .tree = &tree, .cfg = cfg, .job = job, .tid = t,
                          .tokens = &tokens, .total = total, .mu = &mu, .shared_loss = &shared_loss };
        if (T == 1) break;
        pthread_create(&th[t], NULL, worker, &ws[t]);
    }
    if (T == 1) worker(&ws[0]);
    else for (int t = 0; t < T; t++) pthread_join(th[t], NULL);
    double lsum = 0;
    int64_t ln = 0;
    for (int t = 0; t < T; t++) { lsum += ws[t].loss_sum; ln += ws[t].loss_n; }
    st->loss = ln ? lsum / (double)ln : shared_loss;
    st->tokens_done = atomic_load(&tokens);
    st->finished = !job_cancelled(job) && st->tokens_done >= total;
    st->seconds = tz_now() - t0;
    job_report_loss(job, st->tokens_done < total ? st->tokens_done : total, total, st->loss);
    free(ws);
    free(th);
    ft_hs_free(&tree);
    examples_free(&ex);
    free(lines);
    tz_file_unmap(&f);
    return 0;
fail:
    free(lines);
    tz_file_unmap(&f);
    ft_free(out);
    memset(out, 0, sizeof *out);
    return rc;
}

/* --- test ------------------------------------------------------------------------------------- */

int ft_sup_test(const FastText *ft, const char *path, size_t k, float threshold, FtSupTest *t, Job *job, TzErr *e)
{
    memset(t, 0, sizeof *t);
    if (ft->args.model != FT_MODEL_SUP)
        return tz_errf(e, TZ_E_ARG, "bu model bir sınıflandırıcı değil (denetimli değil).",
                       "this model is not a classifier (not supervised).");
    TzFile f;
    Span *lines;
    size_t nlines;
    int rc = map_lines(path, &f, &lines, &nlines, e);
    if (rc) return rc;
    size_t L = ft->nlabels;
    t->nlabels = L;
    t->label_gold = tz_calloc(L ? L : 1, sizeof *t->label_gold);
    t->label_pred = tz_calloc(L ? L : 1, sizeof *t->label_pred);
    t->label_correct = tz_calloc(L ? L : 1, sizeof *t->label_correct);
    if (k > L) k = L;
    FtPred *best = tz_malloc((k ? k : 1) * sizeof *best);
    FtHsTree tree;
    tree_for(ft, &tree);
    FtLine line = { 0 };
    size_t any_label = 0;
    for (size_t li = 0; li < nlines; li++) {
        if (job && (li & 255) == 0) {
            if (job_cancelled(job)) { rc = tz_errf(e, TZ_E_CANCELLED, "test durduruldu.", "test stopped."); break; }
            job_report(job, (int64_t)li, (int64_t)nlines);
        }
        ft_sup_line(ft, f.data + lines[li].begin, lines[li].end - lines[li].begin, lines[li].eos, &line);
        if (line.nlab) any_label++;
        if (!line.nlab || !line.nfeat) {
            /* a line that only looks empty (the end of the file) is not worth counting */
            if (lines[li].end > lines[li].begin) t->skipped++;
            continue;
        }
        size_t n = predict_with(ft, &tree, line.feat, line.nfeat, k, threshold, best);
        t->examples++;
        t->gold += line.nlab;
        t->predicted += n;
        for (size_t j = 0; j < line.nlab; j++) t->label_gold[line.lab[j]]++;
        for (size_t i = 0; i < n; i++) {
            t->label_pred[best[i].label]++;
            for (size_t j = 0; j < line.nlab; j++)
                if (line.lab[j] == best[i].label) { t->correct++; t->label_correct[best[i].label]++; break; }
        }
    }
    if (!rc && any_label == 0) rc = no_labels(path, ft->args.label, e);
    ft_line_free(&line);
    ft_hs_free(&tree);
    free(best);
    free(lines);
    tz_file_unmap(&f);
    if (rc) ft_sup_test_free(t);
    return rc;
}

void ft_sup_test_free(FtSupTest *t)
{
    free(t->label_gold);
    free(t->label_pred);
    free(t->label_correct);
    memset(t, 0, sizeof *t);
}
