/* eval.c — see eval.h.
 *
 * Analogies are answered in batches: the queries of up to a few hundred questions are stacked
 * into a matrix Q and scored against the unit rows U of the first `limit` words with one
 * matrix product S = Q·Uᵀ (cblas_sgemm), which is many times faster than one matrix–vector
 * product per question. Each question's answer is then the argmax of its row of S with the
 * three question words excluded (ties: the lower id), as vectors_analogy would give it:
 *   3CosAdd: one query per question, unit(b̂ − â + ĉ), the score of x is its cosine to it;
 *   3CosMul: three queries per question (â, b̂, ĉ), combined as gensim's most_similar_cosmul,
 *            cos'(x,b)·cos'(x,c) / (cos'(x,a) + 1e-6) with cos' = (1 + cos) / 2.
 * (Question "a b c d" reads a:b :: c:d, so the answer to b − a + c should be d.)
 */
#include "models/eval.h"
#include "core/io.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void eval_report_free(EvalReport *r)
{
    if (!r) return;
    free(r->sections);
    memset(r, 0, sizeof *r);
}

/* --- reading lines ------------------------------------------------------------------- */

typedef struct {
    const char *p, *end;
    size_t lineno;
} Lines;

/* The next line (without '\n' or a trailing '\r') into *s, *n; 0 at the end. */
static int next_line(Lines *L, const char **s, size_t *n)
{
    if (L->p >= L->end) return 0;
    const char *nl = memchr(L->p, '\n', (size_t)(L->end - L->p));
    const char *e = nl ? nl : L->end;
    *s = L->p;
    *n = (size_t)(e - L->p);
    if (*n && (*s)[*n - 1] == '\r') (*n)--;
    L->p = nl ? nl + 1 : L->end;
    L->lineno++;
    return 1;
}

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

/* Split s[0..n) at blanks into up to max fields; returns the number of fields found (it
 * keeps counting past max). */
static size_t split_fields(const char *s, size_t n, const char **f, size_t *flen, size_t max)
{
    size_t i = 0, k = 0;
    while (i < n) {
        while (i < n && is_blank(s[i])) i++;
        if (i >= n) break;
        size_t start = i;
        while (i < n && !is_blank(s[i])) i++;
        if (k < max) {
            f[k] = s + start;
            flen[k] = i - start;
        }
        k++;
    }
    return k;
}

/* Id of a word after language-aware lower-casing, or -1. */
static int64_t find_lower(const Vectors *v, const char *w, size_t n, TzLang lang)
{
    char stackbuf[256];
    char *buf = 2 * n + 1 <= sizeof stackbuf ? stackbuf : tz_malloc(2 * n + 1);
    size_t len = tz_lower(w, n, lang, buf);
    int64_t id = vocab_find(&v->words, buf, len);
    if (buf != stackbuf) free(buf);
    if (id >= 0 && (size_t)id >= v->n) id = -1;
    return id;
}

/* A number: [+-] digits [(.|,) digits] [(e|E) [+-] digits], the whole field. Locale-free. */
static int parse_number(const char *s, size_t n, double *out)
{
    size_t i = 0;
    int neg = 0, digits = 0;
    double val = 0;
    if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    while (i < n && s[i] >= '0' && s[i] <= '9') { val = val * 10 + (s[i++] - '0'); digits++; }
    if (i < n && (s[i] == '.' || s[i] == ',')) {
        double scale = 0.1;
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9') { val += (s[i++] - '0') * scale; scale /= 10; digits++; }
    }
    if (!digits) return 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        int eneg = 0, edig = 0, ex = 0;
        if (i < n && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
        while (i < n && s[i] >= '0' && s[i] <= '9') { if (ex < 400) ex = ex * 10 + (s[i] - '0'); i++; edig++; }
        if (!edig) return 0;
        val *= pow(10.0, eneg ? -ex : ex);
    }
    if (i != n || !isfinite(val)) return 0;
    *out = neg ? -val : val;
    return 1;
}

static int open_text(TzFile *f, const char *path, TzErr *e)
{
    if (tz_file_map(f, path, e)) return e ? e->code : TZ_E_IO;
    int rc = tz_check_text(path, f->data, f->size, e);
    if (rc) tz_file_unmap(f);
    return rc;
}

/* The lines of f, after a UTF-8 byte order mark if there is one. */
static Lines lines_of(const TzFile *f)
{
    Lines L = {f->data, f->data + f->size, 0};
    if (f->size >= 3 && !memcmp(f->data, "\xEF\xBB\xBF", 3)) L.p += 3;
    return L;
}

/* --- analogies ----------------------------------------------------------------------- */

typedef struct {
    size_t section;
    int64_t id[4];   /* -1: unknown or beyond limit */
} Question;

static void set_name(EvalSection *s, const char *name, size_t n)
{
    if (n >= sizeof s->name) {
        n = sizeof s->name - 1;
        while (n > 0 && ((unsigned char)name[n] & 0xC0) == 0x80) n--;   /* whole characters only */
    }
    memcpy(s->name, name, n);
    s->name[n] = '\0';
}

int eval_analogies(const Vectors *v, const char *path, size_t limit, int mul, TzLang lang,
                   EvalReport *r, Job *job, TzErr *e)
{
    memset(r, 0, sizeof *r);
    TzFile f = {0};
    int rc = open_text(&f, path, e);
    if (rc) return rc;

    size_t rows = limit == 0 || limit > v->n ? v->n : limit;
    Question *qs = NULL;
    size_t nq = 0, qcap = 0, scap = 0;
    Lines L = lines_of(&f);
    const char *s;
    size_t n;
    while (next_line(&L, &s, &n)) {
        size_t i = 0;
        while (i < n && is_blank(s[i])) i++;
        if (i == n || s[i] == '#') continue;
        if (s[i] == ':') {
            i++;
            while (i < n && is_blank(s[i])) i++;
            size_t j = n;
            while (j > i && is_blank(s[j - 1])) j--;
            if (r->nsections == scap) {
                scap = scap ? 2 * scap : 16;
                r->sections = tz_realloc(r->sections, scap * sizeof *r->sections);
            }
            EvalSection *sec = &r->sections[r->nsections++];
            memset(sec, 0, sizeof *sec);
            set_name(sec, s + i, j - i);
            continue;
        }
        const char *fw[4];
        size_t fl[4];
        size_t k = split_fields(s, n, fw, fl, 4);
        if (k != 4) {
            rc = tz_errf(e, TZ_E_FORMAT,
                         "'%s', satır %zu: dört sözcük bekleniyordu (a b c d: a'ya b ne ise c'ye d o), "
                         "%zu tane var. Bölüm başlıkları ': ad' biçimindedir.",
                         "'%s', line %zu: expected four words (a b c d: a is to b as c is to d), found %zu. "
                         "Section headers read ': name'.",
                         path, L.lineno, k);
            goto fail;
        }
        if (r->nsections == 0) {   /* questions before any header go to a section named "-" */
            scap = 16;
            r->sections = tz_realloc(r->sections, scap * sizeof *r->sections);
            memset(&r->sections[0], 0, sizeof r->sections[0]);
            set_name(&r->sections[0], "-", 1);
            r->nsections = 1;
        }
        if (nq == qcap) {
            qcap = qcap ? 2 * qcap : 256;
            qs = tz_realloc(qs, qcap * sizeof *qs);
        }
        Question *q = &qs[nq++];
        q->section = r->nsections - 1;
        for (int w = 0; w < 4; w++) {
            int64_t id = find_lower(v, fw[w], fl[w], lang);
            q->id[w] = id >= 0 && (size_t)id < rows ? id : -1;
        }
    }
    tz_file_unmap(&f);

    /* Score the answered questions in batches. */
    size_t d = v->dim, per = mul ? 3 : 1;
    size_t budget = (size_t)8 << 20;   /* floats in S: 32 MB */
    size_t batch = rows && d ? budget / (rows * per) : 1;
    if (batch < 1) batch = 1;
    if (batch > 256) batch = 256;
    float *Q = tz_malloc(batch * per * (d ? d : 1) * sizeof(float));
    float *S = tz_malloc(batch * per * (rows ? rows : 1) * sizeof(float));
    float *norms = NULL;
    const float *M = v->data;
    if (rows) {   /* row lengths: from the table's reciprocals, or computed */
        norms = tz_malloc(rows * sizeof(float));
        for (size_t i = 0; i < rows; i++) {
            if (v->inv_norm) { norms[i] = v->inv_norm[i] > 0 ? 1.0f / v->inv_norm[i] : 0.0f; continue; }
            double acc = 0;
            for (size_t j = 0; j < d; j++) acc += (double)v->data[i * d + j] * v->data[i * d + j];
            norms[i] = (float)sqrt(acc);
        }
    }
    size_t *batch_q = tz_malloc(batch * sizeof(size_t));
    size_t done = 0;
    for (size_t qi = 0; qi < nq;) {
        if (job && job_cancelled(job)) {
            rc = tz_errf(e, TZ_E_CANCELLED, "değerlendirme durduruldu", "evaluation stopped");
            free(Q); free(S); free(norms); free(batch_q);
            goto fail;
        }
        /* gather up to `batch` answered questions; count the others on the way */
        size_t nb = 0;
        for (; qi < nq && nb < batch; qi++) {
            Question *q = &qs[qi];
            EvalSection *sec = &r->sections[q->section];
            sec->questions++;
            r->questions++;
            if (q->id[0] < 0 || q->id[1] < 0 || q->id[2] < 0 || q->id[3] < 0) {
                if (job) job_report(job, (int64_t)++done, (int64_t)nq);
                continue;
            }
            float *row = Q + nb * per * d;
            const size_t src[3] = {(size_t)q->id[1], (size_t)q->id[0], (size_t)q->id[2]};   /* b, a, c */
            for (int t = 0; t < 3; t++) {
                float *u = row + (mul ? (size_t)t * d : 0);
                const float *x = M + src[t] * d;
                float len = norms[src[t]];
                float sgn = !mul && t == 1 ? -1.0f : 1.0f;
                for (size_t j = 0; j < d; j++) {
                    float val = len > 0 ? x[j] / len : 0.0f;
                    if (mul || t == 0) u[j] = val;
                    else u[j] += sgn * val;
                }
            }
            if (!mul) {
                double acc = 0;
                for (size_t j = 0; j < d; j++) acc += (double)row[j] * row[j];
                float len = (float)sqrt(acc);
                for (size_t j = 0; j < d; j++) row[j] = len > 0 ? row[j] / len : 0.0f;
            }
            batch_q[nb++] = qi;
        }
        if (!nb) continue;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)(nb * per), (int)rows, (int)d, 1.0f, Q, (int)d,
                    M, (int)d, 0.0f, S, (int)rows);
        for (size_t b = 0; b < nb; b++) {
            const Question *q = &qs[batch_q[b]];
            const float *sb = S + b * per * rows;
            int64_t best = -1;
            float best_s = 0;
            for (size_t i = 0; i < rows; i++) {
                if ((int64_t)i == q->id[0] || (int64_t)i == q->id[1] || (int64_t)i == q->id[2]) continue;
                float sc;
                if (!mul) {
                    sc = sb[i];
                    if (norms) sc = norms[i] > 0 ? sc / norms[i] : 0.0f;
                } else {
                    float cb = sb[i], ca = sb[rows + i], cc = sb[2 * rows + i];
                    if (norms) {
                        float l = norms[i];
                        cb = l > 0 ? cb / l : 0.0f;
                        ca = l > 0 ? ca / l : 0.0f;
                        cc = l > 0 ? cc / l : 0.0f;
                    }
                    float pb = (1.0f + cb) / 2.0f, pa = (1.0f + ca) / 2.0f, pc = (1.0f + cc) / 2.0f;
                    sc = pb * pc / (pa + 1e-6f);
                }
                if (isnan(sc)) continue;
                if (best < 0 || sc > best_s) { best = (int64_t)i; best_s = sc; }
            }
            EvalSection *sec = &r->sections[q->section];
            sec->answered++;
            r->answered++;
            if (best == q->id[3]) { sec->correct++; r->correct++; }
            if (job) job_report(job, (int64_t)++done, (int64_t)nq);
        }
    }
    free(Q); free(S); free(norms); free(batch_q);
    free(qs);
    return 0;

fail:
    tz_file_unmap(&f);
    free(qs);
    eval_report_free(r);
    return rc;
}

/* --- word pairs ---------------------------------------------------------------------- */

int eval_pairs(const Vectors *v, const char *path, TzLang lang, PairsReport *r, TzErr *e)
{
    memset(r, 0, sizeof *r);
    r->spearman = NAN;
    TzFile f = {0};
    int rc = open_text(&f, path, e);
    if (rc) return rc;
    double *human = NULL, *model = NULL;
    size_t cap = 0;
    Lines L = lines_of(&f);
    const char *s;
    size_t n;
    while (next_line(&L, &s, &n)) {
        size_t i = 0;
        while (i < n && is_blank(s[i])) i++;
        if (i == n || s[i] == '#') continue;
        const char *fw[3];
        size_t fl[3];
        size_t k = split_fields(s, n, fw, fl, 3);
        double score;
        if (k < 3 || !parse_number(fw[2], fl[2], &score)) {
            rc = tz_errf(e, TZ_E_FORMAT,
                         "'%s', satır %zu: 'sözcük1 sözcük2 puan' bekleniyordu (puan bir sayı, örnek: "
                         "kedi köpek 7.5). Açıklama satırları # ile başlar.",
                         "'%s', line %zu: expected 'word1 word2 score' (the score a number, e.g. "
                         "cat dog 7.5). Comment lines start with #.",
                         path, L.lineno);
            goto out;
        }
        r->pairs++;
        int64_t a = find_lower(v, fw[0], fl[0], lang), b = find_lower(v, fw[1], fl[1], lang);
        if (a < 0 || b < 0) continue;
        if (r->used == cap) {
            cap = cap ? 2 * cap : 128;
            human = tz_realloc(human, cap * sizeof *human);
            model = tz_realloc(model, cap * sizeof *model);
        }
        human[r->used] = score;
        model[r->used] = vectors_cosine(v, (size_t)a, (size_t)b);
        r->used++;
    }
    r->spearman = spearman(human, model, r->used);
out:
    tz_file_unmap(&f);
    free(human);
    free(model);
    if (rc) {
        memset(r, 0, sizeof *r);
        r->spearman = NAN;
    }
    return rc;
}

/* --- Spearman's rho ------------------------------------------------------------------ */

typedef struct { double v; size_t i; } Ranked;

static int cmp_ranked(const void *pa, const void *pb)
{
    const Ranked *a = pa, *b = pb;
    if (a->v < b->v) return -1;
    if (a->v > b->v) return 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

/* ranks[i] = the (1-based) rank of x[i]; tied values share the mean of their ranks. */
static void average_ranks(const double *x, size_t n, double *ranks)
{
    Ranked *t = tz_malloc(n * sizeof *t);
    for (size_t i = 0; i < n; i++) t[i] = (Ranked){x[i], i};
    qsort(t, n, sizeof *t, cmp_ranked);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && t[j].v == t[i].v) j++;
        double avg = (double)(i + 1 + j) / 2.0;   /* mean of ranks i+1 .. j */
        for (size_t k = i; k < j; k++) ranks[t[k].i] = avg;
        i = j;
    }
    free(t);
}

/* Pearson's correlation of the two rank vectors (the exact formula with ties, not the
 * 1 − 6Σd²/(n(n²−1)) shortcut, which holds only without ties). NaN if n < 2 or a side is
 * constant. */
double spearman(const double *x, const double *y, size_t n)
{
    if (n < 2) return NAN;
    double *rx = tz_malloc(n * sizeof *rx), *ry = tz_malloc(n * sizeof *ry);
    average_ranks(x, n, rx);
    average_ranks(y, n, ry);
    double mean = (double)(n + 1) / 2.0, sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < n; i++) {
        double a = rx[i] - mean, b = ry[i] - mean;
        sxy += a * b;
        sxx += a * a;
        syy += b * b;
    }
    free(rx);
    free(ry);
    if (sxx <= 0 || syy <= 0) return NAN;
    return sxy / sqrt(sxx * syy);
}
