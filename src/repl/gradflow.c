/* gradflow.c — the chapter's RNN-versus-LSTM claims, measured at the prompt:
 *
 *   gradflow [rnn lstm gru]   ‖∂L/∂h_t‖ against t on the memory task (memtask.h): how much of
 *                             the gradient at the last step reaches each earlier step — the
 *                             vanishing gradient, one line per model on a log axis;
 *   memory [rnn lstm gru]     each model trained on the task at several distances d, held-out
 *                             accuracy against d (chance 1/K drawn too);
 *   compare [rnn lstm gru]    the chapter's table: parameters, training speed, the loss a
 *                             character language model reaches in a fixed time, the gradient
 *                             left after 49 steps, accuracy at a long distance.
 *
 * Every number is measured when the command runs. Each command is one job; the models it
 * trains run one after another as jobs of their own inside it (run_part), so that the
 * progress line shows the whole and Ctrl-C stops whichever model is training. A stopped job
 * prints what it measured so far.
 */
#include "app.h"
#include "i18n.h"
#include "out.h"
#include "scene.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/io.h"
#include "models/memtask.h"
#include "models/rnnlm.h"

#define NKIND 3
#define MAX_D 12
#define MAX_SEEDS 10
#define MAX_LEN 2000            /* gradflow: steps back through time */
#define MAX_DIST 1000           /* memory: the longest distance */
#define POOL_TOKENS 2000000     /* memory: tokens in one training set at most (8 MB); longer
                                   runs go over the same set more than once */

static const MemTask TASK = { 4, 8 };   /* 4 symbols to remember (chance 0.25), 8 noise tokens */


/* --- shared pieces ------------------------------------------------------------------------------ */

/* The kinds named as positional arguments (none: the defaults). Reports and returns 1 on an
 * unknown or repeated name. */
static int parse_kinds(Args *a, const CellKind *def, int ndef, CellKind *out, int *n)
{
    *n = 0;
    if (a->argc == 1) {
        for (int i = 0; i < ndef; i++) out[i] = def[i];
        *n = ndef;
        return 0;
    }
    for (int i = 1; i < a->argc; i++) {
        const char *w = a->argv[i];
        CellKind k;
        if (!strcmp(w, "rnn")) k = TZ_CELL_RNN;
        else if (!strcmp(w, "lstm")) k = TZ_CELL_LSTM;
        else if (!strcmp(w, "gru")) k = TZ_CELL_GRU;
        else {
            say_error(M("'%s' bir model türü değil; rnn, lstm ya da gru yazın (örnek: %s rnn lstm).",
                        "'%s' is not a kind of model; write rnn, lstm or gru (for example: %s rnn lstm)."), w,
                      a->argv[0]);
            return 1;
        }
        for (int j = 0; j < *n; j++)
            if (out[j] == k) {
                say_error(M("%s iki kez verildi; her tür bir kez ölçülür.", "%s is given twice; each kind is measured once."),
                          w);
                return 1;
            }
        out[(*n)++] = k;
    }
    return 0;
}

/* d=5,10,20: a comma-separated list of whole numbers in [lo, hi]. */
static int parse_list(Args *a, const char *key, const char *def, int lo, int hi, int *out, int *n)
{
    const char *s = arg_str(a, key, def);
    *n = 0;
    const char *p = s;
    while (*p) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || (*end && *end != ',') || (*end == ',' && !end[1]) || v < lo || v > hi) {
            say_error(M("%s=%s: %d ile %d arasında virgülle ayrılmış tam sayılar olmalı (örnek: %s=5,10,20).",
                        "%s=%s: must be whole numbers between %d and %d separated by commas (for example: %s=5,10,20)."),
                      key, s, lo, hi, key);
            return 1;
        }
        if (*n == MAX_D) {
            say_error(M("%s=%s: en çok %d değer.", "%s=%s: at most %d values."), key, s, MAX_D);
            return 1;
        }
        out[(*n)++] = (int)v;
        p = *end ? end + 1 : end;
    }
    if (*n == 0) {
        say_error(M("%s=%s: en az bir değer gerekir (örnek: %s=5,10,20).", "%s=%s: needs at least one value (for example: %s=5,10,20)."),
                  key, s, key);
        return 1;
    }
    return 0;
}

/* Refuse a request that cannot fit before anything is allocated: need is the estimate in
 * bytes of the largest model with its batch. */
static int too_big(double need)
{
    double ram = tz_phys_bytes();
    if (ram > 0 && need > 0.5 * ram) {
        say_error(M("bu ayarlar yaklaşık %.2f GB bellek ister (ağırlıklar, Adam, bir toplu işin ara değerleri); bu makinenin "
                    "belleğinin yarısı %.2f GB. hidden=, batch=, len= ya da d= değerini küçültün.",
                    "these settings need about %.2f GB of memory (weights, Adam, the activations of a batch); half this "
                    "machine's memory is %.2f GB. Make hidden=, batch=, len= or d= smaller."),
                  need / 1e9, 0.5 * ram / 1e9);
        return 1;
    }
    return 0;
}

/* The bytes the memory task needs for one model: training (seqclf's estimate for sequences of
 * T tokens in batches of B) and the training and held-out sets. */
static double mem_need(const CellKind *kinds, int nk, int E, int H, int T, int B)
{
    double most = 0;
    for (int k = 0; k < nk; k++) {
        double n = (double)seqclf_mem_estimate(kinds[k], (size_t)memtask_vocab(&TASK), (size_t)E, (size_t)H, 1,
                                               (size_t)TASK.K, (size_t)T, (size_t)B);
        if (n > most) most = n;
    }
    return most + 4.0 * (POOL_TOKENS + 500.0 * T);
}

/* The smallest gradient norm worth printing: float32 (which the networks compute in) holds
 * nothing normal below ~1.2e-38, so a norm under 1e-37 is "gone", whatever digits it has. */
#define GONE 1e-37

/* A number in scientific notation with the user's decimal mark: 2,3e-05 (tr), 2.3e-05 (en);
 * "<1e-37" for what float32 cannot hold. */
static const char *fmt_sci(double v, char buf[32])
{
    if (!isfinite(v)) snprintf(buf, 32, "—");
    else if (v >= 0 && v < GONE) snprintf(buf, 32, "<1e-37");
    else snprintf(buf, 32, "%.1e", v);
    if (g_lang == TZ_LANG_TR)
        for (char *c = buf; *c; c++) if (*c == '.') *c = ',';
    return buf;
}

/* Run fn as a job of its own and wait for it, while this job's progress line shows the whole:
 * base + (how far the part is) · span, out of total. How far the part is: the time it has used
 * of `seconds` when it is cut by time, else its own step/total. Ctrl-C is passed on. */
static int run_part(Job *outer, JobFn fn, void *arg, double seconds, int64_t base, int64_t span, int64_t total,
                    TzErr *e)
{
    if (!outer) return fn(NULL, arg, e);
    Job *in = job_start("", "", fn, arg);
    JobProgress p;
    while (job_progress(in, &p)) {
        if (job_cancelled(outer)) job_cancel(in);
        double f = seconds > 0 ? p.elapsed / seconds : p.total > 0 ? (double)p.step / (double)p.total : 0;
        f = f < 0 ? 0 : f > 1 ? 1 : f;
        int64_t at = base + (int64_t)(f * (double)span);
        if (p.has_loss) job_report_loss(outer, at, total, p.loss);
        else job_report(outer, at, total);
        struct timespec ts = { 0, 20 * 1000000L };
        nanosleep(&ts, NULL);
    }
    int rc = job_wait(in, e);
    job_report(outer, base + span, total);
    return rc;
}

/* One model trained on the memory task, as a part. */
typedef struct {
    SeqClf m;
    CellKind kind;
    int d;
    MemRunConfig cfg;
    uint64_t seed;
    MemRunResult r;
} MemPart;

static int mem_part(Job *job, void *arg, TzErr *e)
{
    MemPart *P = arg;
    return memtask_run(&P->m, P->kind, &TASK, P->d, &P->cfg, P->seed, &P->r, job, e);
}

/* The training set for `steps` steps of `batch` at distance d: every sequence once when it
 * fits in POOL_TOKENS, else a smaller set gone over several times. */
static void mem_budget(MemRunConfig *c, int d, long steps, int batch)
{
    long pool = (long)(POOL_TOKENS / (d + 2));
    if (pool < batch) pool = batch;
    long epochs = (steps * batch + pool - 1) / pool;
    long per = (steps + epochs - 1) / epochs;            /* steps per epoch */
    c->ntrain = (int)(per * batch);
    c->train.epochs = (int)epochs;
}

/* CSV: the numbers behind a table, always with '.' and ',' (a file for programs, not people). */
typedef struct {
    const char *header;
    char **rows;
    int n;
} Csv;

static int csv_write(FILE *f, void *ud, TzErr *e)
{
    (void)e;
    Csv *c = ud;
    fprintf(f, "%s\n", c->header);
    for (int i = 0; i < c->n; i++) fprintf(f, "%s\n", c->rows[i]);
    return 0;
}

static void csv_save(const char *path, Csv *c)
{
    TzErr e;
    if (tz_save_atomic(path, csv_write, c, &e)) { say_tzerr(&e); g_app.failures++; return; }
    char b[32];
    say(M("Sayılar (CSV, %s satır): %s\n", "The numbers (CSV, %s rows): %s\n"), fmt_int(c->n, b), path);
}

static void csv_free(Csv *c)
{
    for (int i = 0; i < c->n; i++) free(c->rows[i]);
    free(c->rows);
}

static int csv_ok(const char *path)
{
    size_t n = strlen(path);
    if (n < 5 || strcmp(path + n - 4, ".csv") != 0) {
        say_error(M("csv=%s: dosya adı .csv ile bitmeli.", "csv=%s: the file name must end in .csv."), path);
        return 0;
    }
    return 1;
}

static int png_ok(const char *path)
{
    size_t n = strlen(path);
    if (n < 5 || strcmp(path + n - 4, ".png") != 0) {
        say_error(M("out=%s: resim PNG olarak yazılır, dosya adı .png ile bitmeli.",
                    "out=%s: the picture is written as PNG, the file name must end in .png."), path);
        return 0;
    }
    return 1;
}

/* Show the lines view: in the window, or as the PNG asked for; a headless run without out=
 * only selects it (snap and export then write it). */
static void show_lines(const char *out)
{
    if (out || scene_window_is_open() || (g_app.interactive && !g_app.headless)) {
        if (scene_show(VIEW_LINES, out)) g_app.failures++;
    } else {
        scene_select(VIEW_LINES);
    }
}

/* --- gradflow ------------------------------------------------------------------------------------ */

typedef struct {
    CellKind kinds[NKIND];
    int nk, len, H, E, nseq, trained, batch;
    double lr;
    float fbias;
    int set_fbias;
    uint64_t seed;
    char out[4096], csv[4096];
    /* results */
    double *norms[NKIND];          /* len each */
    double acc[NKIND];             /* after `trained` steps (NaN: fresh) */
    int measured;                  /* kinds measured so far */
} GfJob;

/* Measuring one model's flow, as a part (a long len × many sequences can take a while). */
typedef struct {
    const SeqClf *m;
    int len, nseq, got;
    uint64_t seed;
    double *norms;
} FlowPart;

static int flow_part(Job *job, void *arg, TzErr *e)
{
    (void)e;
    FlowPart *F = arg;
    F->got = memtask_grad_flow(F->m, &TASK, F->len, F->nseq, F->seed, F->norms, job);
    return 0;
}

static int gf_work(Job *job, void *arg, TzErr *e)
{
    GfJob *G = arg;
    /* progress in thousandths: each model a share, four fifths of it training when it trains */
    int64_t total = 1000, share = total / G->nk, train_share = G->trained > 0 ? share * 4 / 5 : 0;
    for (int k = 0; k < G->nk && !job_cancelled(job); k++) {
        MemPart *P = tz_calloc(1, sizeof *P);
        G->acc[k] = NAN;
        int rc = 0;
        if (G->trained > 0) {
            /* train on the same task the gradient is measured on: the symbol len − 1 steps back */
            P->kind = G->kinds[k];
            P->d = G->len - 2;
            P->seed = G->seed;
            P->cfg = (MemRunConfig){ .E = G->E, .H = G->H, .nval = 500, .set_fbias = G->set_fbias, .fbias = G->fbias,
                                     .train = { .B = G->batch, .optim = OPT_ADAM, .lr = (float)G->lr, .clip = 1,
                                                .seed = G->seed } };
            mem_budget(&P->cfg, P->d, G->trained, G->batch);
            rc = run_part(job, mem_part, P, 0, k * share, train_share, total, e);
            G->acc[k] = P->r.acc;
        } else {
            seqclf_init(&P->m, G->kinds[k], memtask_vocab(&TASK), G->E, G->H, 1, TASK.K, G->seed);
            if (G->set_fbias) memtask_set_fbias(&P->m, G->fbias);
        }
        double *norms = tz_malloc((size_t)G->len * sizeof *norms);
        /* on sequences the model never trained on (another stream of the seed) */
        FlowPart F = { .m = &P->m, .len = G->len, .nseq = G->nseq, .seed = G->seed * 7919 + 3, .norms = norms };
        if (!rc && !job_cancelled(job)) rc = run_part(job, flow_part, &F, 0, k * share + train_share, share - train_share, total, e);
        seqclf_free(&P->m);
        free(P);
        if (rc || F.got < G->nseq) { free(norms); return rc ? rc : TZ_E_CANCELLED; }
        G->norms[k] = norms;
        G->measured = k + 1;
    }
    return job_cancelled(job) ? TZ_E_CANCELLED : 0;
}

static void gf_done(int rc, const TzErr *e, void *arg)
{
    GfJob *G = arg;
    if (rc && rc != TZ_E_CANCELLED) say_tzerr(e);
    int nk = G->measured, T = G->len;
    if (nk == 0) {
        if (rc == TZ_E_CANCELLED) say(M("gradflow durduruldu; ölçülen bir şey yok.\n", "gradflow stopped; nothing was measured.\n"));
        goto out;
    }
    char b1[32], b2[32], b3[32];
    say(M("%s‖∂L/∂h_t‖, geriye doğru akan gradyan%s: bellek görevi, len=%d (sembol t=0 adımında, kayıp t=%d adımında), %d dizinin ortalaması (seqs=); "
          "gizli %d birim, seed=%d.\n",
          "%s‖∂L/∂h_t‖, the gradient flowing back through time%s: the memory task, len=%d (the symbol at t=0, the loss at t=%d), "
          "averaged over seqs=%d sequences; hidden %d units, seed=%d.\n"),
        col_bold(), col_off(), T, T - 1, G->nseq, G->H, (int)G->seed);
    if (G->trained > 0)
        say(M("Her model önce bu görevde %d adım eğitildi (batch %d, Adam lr=%s); ölçüm görmediği dizilerde.\n",
              "Each model was first trained on this task for %d steps (batch %d, Adam lr=%s); measured on sequences it never saw.\n"),
            G->trained, G->batch, fmt_real(G->lr, 4, b1));
    else
        say(M("Modeller yeni kuruldu, eğitilmedi (trained=0): bu, onlara uzak geçmişi öğretmesi gereken gradyanın ta kendisi.\n",
              "Fresh models, not trained (trained=0): this is the very gradient that has to teach them about the distant past.\n"));
    say("%16s", "t");
    for (int k = 0; k < nk; k++) say("  %10s", cell_kind_name(G->kinds[k]));
    say("\n");
    int every = T <= 60 ? 5 : T <= 120 ? 10 : ((T - 1) / 10 + 4) / 5 * 5;
    for (int t = 0; t < T; t++) {
        if (t % every && t != T - 1) continue;
        say("%16d", t);
        for (int k = 0; k < nk; k++) say("  %10s", fmt_sci(G->norms[k][t], b1));
        say("\n");
    }
    char lab[64];
    snprintf(lab, sizeof lab, "norm[0]/norm[%d]", T - 1);
    say("%s%*s", lab, pad(lab, 16), "");
    for (int k = 0; k < nk; k++) say("  %10s", fmt_sci(G->norms[k][0] / G->norms[k][T - 1], b1));
    say("\n");
    /* the factor one step back costs on average: the (T−1)-th root of the ratio — taken over
       the steps where the norm is still a number float32 holds well (from t0 on) */
    const char *step_lab = M("adım başına", "per step back");
    say("%s%*s", step_lab, pad(step_lab, 16), "");
    double f[NKIND];
    int gone = 0;
    for (int k = 0; k < nk; k++) {
        int t0 = 0;
        while (t0 < T - 1 && !(G->norms[k][t0] >= 1e-30)) t0++;
        gone |= t0 > 0;
        f[k] = t0 < T - 1 ? pow(G->norms[k][t0] / G->norms[k][T - 1], 1.0 / (T - 1 - t0)) : NAN;
        char s[40];
        snprintf(s, sizeof s, "×%s", fmt_real(f[k], 3, b1));
        say("  %*s%s", pad(s, 10), "", s);
    }
    say("\n");
    if (G->trained > 0) {
        const char *acc_lab = M("doğruluk", "accuracy");
        say("%s%*s", acc_lab, pad(acc_lab, 16), "");
        for (int k = 0; k < nk; k++) say("  %10s", fmt_real(G->acc[k], 2, b1));
        say(M("  (şans %s)\n", "  (chance %s)\n"), fmt_real(1.0 / TASK.K, 2, b2));
    }
    /* the reading of it, with the measured numbers */
    int worst = 0, best = 0;
    for (int k = 1; k < nk; k++) {
        if (f[k] < f[worst]) worst = k;
        if (f[k] > f[best]) best = k;
    }
    if (gone)
        say(M("(<1e-37: float32'nin tutabildiğinin altında — gradyan oraya hiç ulaşmıyor; adım başına çarpan, sayının hâlâ "
              "anlamlı olduğu adımlardan)\n",
              "(<1e-37: below what float32 holds — no gradient reaches those steps at all; the factor per step is taken "
              "over the steps where the number still means something)\n"));
    double wr = G->norms[worst][0] / G->norms[worst][T - 1];
    say(M("Okuma: %s modelinde gradyan geriye her adımda ×%s küçülüyor; %d adım sonra kaybın gradyanından t=0 adımına ulaşan pay %s",
          "Reading: in the %s the gradient shrinks ×%s with every step back; after %d steps the share of the loss's gradient "
          "that reaches t=0 is %s"),
        cell_kind_name(G->kinds[worst]), fmt_real(f[worst], 3, b1), T - 1, fmt_sci(wr, b2));
    if (wr < 1e-6)
        say("%s", M(" — oradan öğrenilecek bir şey kalmıyor (kaybolan gradyan).", " — nothing is left to learn from (the vanishing gradient)."));
    else
        say(".");
    if (best != worst)
        say(M(" %s modelinde ×%s: aynı yoldan %s kalıyor.", " In the %s, ×%s: %s is left over the same way."), cell_kind_name(G->kinds[best]),
            fmt_real(f[best], 3, b1), fmt_sci(G->norms[best][0] / G->norms[best][T - 1], b3));
    for (int k = 0; k < nk; k++)
        if (G->kinds[k] == TZ_CELL_LSTM) {
            double fb = G->set_fbias ? G->fbias : 1.0;
            say(M(" LSTM'in hücre yolu unutma kapısından geçer: kapının yanlılığı %s, yani başta hücrenin σ(%s) = %s kadarı her adımda korunur.",
                  " The LSTM's cell path goes through its forget gate: bias %s, so σ(%s) = %s of it is kept each step at first."),
                fmt_real(fb, 1, b1), fmt_real(fb, 1, b2), fmt_real(1 / (1 + exp(-fb)), 2, b3));
            if (fb < 2.5)
                say(M(" Kapıyı fbias= ile açın: fbias=3 → %s.", " Open it with fbias=: fbias=3 → %s."), fmt_real(1 / (1 + exp(-3.0)), 2, b1));
            break;
        }
    say("\n");
    if (nk < G->nk) say(M("(durduruldu: ölçülen model %d / %d)\n", "(stopped: %d of %d models measured)\n"), nk, G->nk);

    /* the picture: one line per model, log y */
    SceneLineSeries ser[NKIND];
    double *xs = tz_malloc((size_t)T * sizeof *xs);
    for (int t = 0; t < T; t++) xs[t] = t;
    for (int k = 0; k < nk; k++) ser[k] = (SceneLineSeries){ .label = cell_kind_name(G->kinds[k]), .x = xs, .y = G->norms[k], .n = (size_t)T };
    char title[160];
    if (G->trained > 0)
        snprintf(title, sizeof title, M("gradyan akışı: ‖∂L/∂h_t‖, len=%d, %d adım eğitildikten sonra",
                                        "gradient flow: ‖∂L/∂h_t‖, len=%d, after %d training steps"), T, G->trained);
    else
        snprintf(title, sizeof title, M("gradyan akışı: ‖∂L/∂h_t‖, len=%d, eğitimden önce", "gradient flow: ‖∂L/∂h_t‖, len=%d, before training"), T);
    char xl[96];
    snprintf(xl, sizeof xl, M("t (zaman adımı; kayıp t=%d adımında)", "t (time step; the loss is at t=%d)"), T - 1);
    SceneLines sl = { .title = title, .xlabel = xl, .ylabel = M("‖∂L/∂h_t‖ (log ölçek)", "‖∂L/∂h_t‖ (log scale)"), .series = ser,
                      .nseries = (size_t)nk, .log_y = 1 };
    scene_lines_set(&sl);
    free(xs);
    show_lines(G->out[0] ? G->out : NULL);
    if (G->csv[0]) {
        Csv c = { .rows = tz_calloc((size_t)T, sizeof(char *)), .n = T };
        char head[128] = "t";
        for (int k = 0; k < nk; k++) { strcat(head, ","); strcat(head, cell_kind_name(G->kinds[k])); }
        c.header = head;
        for (int t = 0; t < T; t++) {
            char row[256];
            int at = snprintf(row, sizeof row, "%d", t);
            for (int k = 0; k < nk; k++) at += snprintf(row + at, sizeof row - (size_t)at, ",%.6g", G->norms[k][t]);
            c.rows[t] = tz_strdup(row);
        }
        csv_save(G->csv, &c);
        csv_free(&c);
    }
out:
    for (int k = 0; k < NKIND; k++) free(G->norms[k]);
    free(G);
}

/* gradflow [rnn|lstm|gru …] [len=50] [hidden=32] [seqs=32] [trained=0] [fbias=1] [seed=1] [out=F.png] [csv=F.csv] */
int cmd_gradflow(Args *a)
{
    static const CellKind def[] = { TZ_CELL_RNN, TZ_CELL_LSTM, TZ_CELL_GRU };
    GfJob *G = tz_calloc(1, sizeof *G);
    TzErr e;
    long len, hidden, embed, seqs, trained, seed, batch;
    double lr, fbias;
    if (parse_kinds(a, def, 3, G->kinds, &G->nk)) { free(G); return 1; }
    if (arg_long(a, "len", 50, 2, MAX_LEN, &len, &e) || arg_long(a, "hidden", 32, 1, 1024, &hidden, &e) ||
        arg_long(a, "embed", 16, 1, 1024, &embed, &e) || arg_long(a, "seqs", 32, 1, 10000, &seqs, &e) ||
        arg_long(a, "trained", 0, 0, 1000000, &trained, &e) || arg_long(a, "seed", 1, 0, 2147483647L, &seed, &e) ||
        arg_long(a, "batch", 32, 1, 1024, &batch, &e) || arg_double(a, "lr", 0.003, 1e-6, 1, &lr, &e) ||
        arg_double(a, "fbias", 1, -10, 10, &fbias, &e)) {
        say_tzerr(&e);
        free(G);
        return 1;
    }
    const char *out = arg_str(a, "out", NULL), *csv = arg_str(a, "csv", NULL);
    if ((out && !png_ok(out)) || (csv && !csv_ok(csv))) { free(G); return 1; }
    if (too_big(mem_need(G->kinds, G->nk, (int)embed, (int)hidden, (int)len, trained > 0 ? (int)batch : 1))) {
        free(G);
        return 1;
    }
    G->len = (int)len; G->H = (int)hidden; G->E = (int)embed; G->nseq = (int)seqs; G->trained = (int)trained;
    G->seed = (uint64_t)seed; G->batch = (int)batch; G->lr = lr;
    G->set_fbias = arg_str(a, "fbias", NULL) != NULL;
    G->fbias = (float)fbias;
    snprintf(G->out, sizeof G->out, "%s", out ? out : "");
    snprintf(G->csv, sizeof G->csv, "%s", csv ? csv : "");
    char what[96] = "gradflow";
    for (int k = 0; k < G->nk; k++) { strcat(what, " "); strcat(what, cell_kind_name(G->kinds[k])); }
    return app_start_job(what, "", gf_work, G, gf_done);
}

/* --- memory --------------------------------------------------------------------------------------- */

typedef struct {
    CellKind kinds[NKIND];
    int nk, nd, d[MAX_D], nseeds, H, E, batch;
    long steps;
    double lr;
    float fbias;
    uint64_t seed;
    char out[4096], csv[4096];
    /* results: acc[d][kind][seed]; NaN until measured */
    double acc[MAX_D][NKIND][MAX_SEEDS];
    double seconds[NKIND];
    long steps_done[NKIND];
    int rows;                      /* distances fully measured */
    int diverged;
} MemJob;

static int mem_work(Job *job, void *arg, TzErr *e)
{
    MemJob *J = arg;
    int64_t total = (int64_t)J->nd * J->nk * J->nseeds * J->steps, at = 0;
    for (int i = 0; i < J->nd && !job_cancelled(job); i++) {
        for (int k = 0; k < J->nk && !job_cancelled(job); k++)
            for (int s = 0; s < J->nseeds && !job_cancelled(job); s++) {
                MemPart *P = tz_calloc(1, sizeof *P);
                P->kind = J->kinds[k];
                P->d = J->d[i];
                P->seed = J->seed + (uint64_t)s;
                P->cfg = (MemRunConfig){ .E = J->E, .H = J->H, .nval = 500, .set_fbias = 1, .fbias = J->fbias,
                                         .train = { .B = J->batch, .optim = OPT_ADAM, .lr = (float)J->lr, .clip = 1,
                                                    .seed = P->seed } };
                mem_budget(&P->cfg, P->d, J->steps, J->batch);
                int rc = run_part(job, mem_part, P, 0, at, J->steps, total, e);
                at += J->steps;
                seqclf_free(&P->m);
                if (rc) { free(P); return rc; }
                if (P->r.finished || P->r.diverged) {
                    J->acc[i][k][s] = P->r.acc;
                    J->seconds[k] += P->r.seconds;
                    J->steps_done[k] += P->r.steps;
                    J->diverged += P->r.diverged;
                }
                free(P);
            }
        if (!job_cancelled(job)) J->rows = i + 1;
    }
    return job_cancelled(job) ? TZ_E_CANCELLED : 0;
}

static double mean_acc(const MemJob *J, int i, int k)
{
    double s = 0;
    for (int q = 0; q < J->nseeds; q++) s += J->acc[i][k][q];
    return s / J->nseeds;
}

static void mem_done(int rc, const TzErr *e, void *arg)
{
    MemJob *J = arg;
    if (rc && rc != TZ_E_CANCELLED) say_tzerr(e);
    char b1[32], b2[32], b3[32], b4[32];
    double chance = 1.0 / TASK.K;
    if (J->rows == 0) {
        if (rc == TZ_E_CANCELLED) say(M("memory durduruldu; tamamlanan bir uzaklık yok.\n", "memory stopped; no distance was completed.\n"));
        free(J);
        return;
    }
    say(M("%sBellek görevi%s: ilk sembolü (%d sembolden biri) d gürültü simgesi boyunca hatırla, sonra soruda söyle. "
          "Görülmemiş %d dizide doğruluk (şans %s), tohumların ortalaması (seeds=%d). Her model %ld adım eğitildi "
          "(batch %d, Adam lr=%s, clip 1), gizli %d birim; LSTM'in unutma kapısı yanlılığı %s (σ = %s).\n",
          "%sThe memory task%s: remember the first symbol (one of %d) across d noise tokens, then name it at the query. "
          "Accuracy on %d unseen sequences (chance %s), averaged over the seeds (seeds=%d). Each model trained %ld steps "
          "(batch %d, Adam lr=%s, clip 1), hidden %d units; the LSTM's forget-gate bias %s (σ = %s).\n"),
        col_bold(), col_off(), TASK.K, 500, fmt_real(chance, 2, b1), J->nseeds, J->steps, J->batch, fmt_real(J->lr, 4, b2),
        J->H, fmt_real(J->fbias, 1, b3), fmt_real(1 / (1 + exp(-J->fbias)), 2, b4));
    say("%6s", "d");
    for (int k = 0; k < J->nk; k++) say("  %8s", cell_kind_name(J->kinds[k]));
    say("\n");
    for (int i = 0; i < J->rows; i++) {
        say("%6d", J->d[i]);
        for (int k = 0; k < J->nk; k++) {
            double m = mean_acc(J, i, k);
            say("  %8s", fmt_real(m, 2, b1));
        }
        if (J->nseeds > 1) {   /* how many seeds solved it, per kind */
            say("   ");
            for (int k = 0; k < J->nk; k++) {
                int solved = 0;
                for (int q = 0; q < J->nseeds; q++) solved += J->acc[i][k][q] >= 0.95;
                say(M(" %s %d/%d", " %s %d/%d"), cell_kind_name(J->kinds[k]), solved, J->nseeds);
            }
            say(M("  (≥0,95)", "  (≥0.95)"));
        }
        say("\n");
    }
    say(M("Süre:", "Time:"));
    for (int k = 0; k < J->nk; k++) say(" %s %s %s", cell_kind_name(J->kinds[k]), fmt_real(J->seconds[k], 1, b1), M("sn", "s"));
    say("\n");
    if (J->diverged)
        say(M("not: %d eğitim ıraksadı; son sağlam ağırlıklarıyla ölçüldü (lr= ile düşürün).\n",
              "note: %d trainings diverged; they were measured with their last sound weights (lower lr=).\n"), J->diverged);
    /* the reading: the first distance (in the order given) each kind did not learn */
    for (int k = 0; k < J->nk; k++) {
        int fail = -1;
        for (int i = 0; i < J->rows && fail < 0; i++)
            if (!(mean_acc(J, i, k) >= 0.9)) fail = i;
        if (fail < 0)
            say(M("%s: her uzaklıkta öğrendi (ortalama ≥ 0,90).\n", "%s: learned at every distance (mean ≥ 0.90).\n"),
                cell_kind_name(J->kinds[k]));
        else
            say(M("%s: d=%d uzaklığında öğrenemedi: doğruluk %s (şans %s).\n", "%s: did not learn at d=%d: accuracy %s (chance %s).\n"),
                cell_kind_name(J->kinds[k]), J->d[fail], fmt_real(mean_acc(J, fail, k), 2, b1), fmt_real(chance, 2, b2));
    }
    int has_lstm = 0;
    for (int k = 0; k < J->nk; k++) has_lstm |= J->kinds[k] == TZ_CELL_LSTM;
    if (has_lstm && J->fbias > 2)
        say(M("(LSTM'in unutma kapısı %s yanlılıkla, açık başlıyor; modellerin olağan değeri 1 (σ = 0,73) iken LSTM'in "
              "gradyanı da her adımda sönümlenir ve uzak d'de çok daha yavaş öğrenir — görün: memory fbias=1)\n",
              "(the LSTM's forget gate starts open, at bias %s; with the models' usual 1 (σ = 0.73) the LSTM's gradient fades "
              "with every step too and it learns far more slowly at a long d — see for yourself: memory fbias=1)\n"),
            fmt_real(J->fbias, 1, b1));
    if (J->rows < J->nd) say(M("(durduruldu: ölçülen uzaklık %d / %d)\n", "(stopped: %d of %d distances measured)\n"), J->rows, J->nd);

    /* the picture: accuracy against d, one line per kind, and chance */
    SceneLineSeries ser[NKIND + 1];
    double xs[MAX_D], ys[NKIND][MAX_D], cy[MAX_D];
    for (int i = 0; i < J->rows; i++) { xs[i] = J->d[i]; cy[i] = chance; }
    for (int k = 0; k < J->nk; k++) {
        for (int i = 0; i < J->rows; i++) ys[k][i] = mean_acc(J, i, k);
        ser[k] = (SceneLineSeries){ .label = cell_kind_name(J->kinds[k]), .x = xs, .y = ys[k], .n = (size_t)J->rows };
    }
    ser[J->nk] = (SceneLineSeries){ .label = M("şans", "chance"), .x = xs, .y = cy, .n = (size_t)J->rows, .grey = 1 };
    char title[160];
    if (J->nseeds == 1)
        snprintf(title, sizeof title, M("bellek: ilk sembolü d adım sonra hatırlamak (%ld adım eğitim, tohum %d)",
                                        "memory: recalling the first symbol d steps later (%ld training steps, seed %d)"),
                 J->steps, (int)J->seed);
    else
        snprintf(title, sizeof title, M("bellek: ilk sembolü d adım sonra hatırlamak (%ld adım eğitim, %d tohumun ortalaması)",
                                        "memory: recalling the first symbol d steps later (%ld training steps, mean of %d seeds)"),
                 J->steps, J->nseeds);
    SceneLines sl = { .title = title, .xlabel = M("d (aradaki gürültü simgeleri)", "d (noise tokens in between)"),
                      .ylabel = M("görülmemiş dizilerde doğruluk", "accuracy on unseen sequences"), .series = ser,
                      .nseries = (size_t)J->nk + 1, .ymin = 0, .ymax = 1.02 };
    scene_lines_set(&sl);
    show_lines(J->out[0] ? J->out : NULL);
    if (J->csv[0]) {
        Csv c = { .header = "d,kind,seed,accuracy", .rows = tz_calloc((size_t)(J->rows * J->nk * J->nseeds), sizeof(char *)) };
        for (int i = 0; i < J->rows; i++)
            for (int k = 0; k < J->nk; k++)
                for (int q = 0; q < J->nseeds; q++) {
                    char row[96];
                    snprintf(row, sizeof row, "%d,%s,%d,%.4f", J->d[i], cell_kind_name(J->kinds[k]), (int)(J->seed + (uint64_t)q),
                             J->acc[i][k][q]);
                    c.rows[c.n++] = tz_strdup(row);
                }
        csv_save(J->csv, &c);
        csv_free(&c);
    }
    free(J);
}

/* memory [rnn|lstm|gru …] [d=5,10,20,40,60] [steps=600] [seeds=3] [hidden=32] [fbias=3] [lr=0.003] [batch=32]
 *        [seed=1] [out=F.png] [csv=F.csv] */
int cmd_memory(Args *a)
{
    static const CellKind def[] = { TZ_CELL_RNN, TZ_CELL_LSTM };
    MemJob *J = tz_calloc(1, sizeof *J);
    TzErr e;
    long steps, seeds, hidden, embed, batch, seed;
    double lr, fbias;
    if (parse_kinds(a, def, 2, J->kinds, &J->nk) || parse_list(a, "d", "5,10,20,40,60", 0, MAX_DIST, J->d, &J->nd)) {
        free(J);
        return 1;
    }
    if (arg_long(a, "steps", 600, 1, 1000000, &steps, &e) || arg_long(a, "seeds", 3, 1, MAX_SEEDS, &seeds, &e) ||
        arg_long(a, "hidden", 32, 1, 1024, &hidden, &e) || arg_long(a, "embed", 16, 1, 1024, &embed, &e) ||
        arg_long(a, "batch", 32, 1, 1024, &batch, &e) || arg_long(a, "seed", 1, 0, 2147483647L, &seed, &e) ||
        arg_double(a, "lr", 0.003, 1e-6, 1, &lr, &e) || arg_double(a, "fbias", 3, -10, 10, &fbias, &e)) {
        say_tzerr(&e);
        free(J);
        return 1;
    }
    const char *out = arg_str(a, "out", NULL), *csv = arg_str(a, "csv", NULL);
    if ((out && !png_ok(out)) || (csv && !csv_ok(csv))) { free(J); return 1; }
    int dmax = 0;
    for (int i = 0; i < J->nd; i++) if (J->d[i] > dmax) dmax = J->d[i];
    if (too_big(mem_need(J->kinds, J->nk, (int)embed, (int)hidden, dmax + 2, (int)batch))) { free(J); return 1; }
    J->steps = steps; J->nseeds = (int)seeds; J->H = (int)hidden; J->E = (int)embed; J->batch = (int)batch;
    J->seed = (uint64_t)seed; J->lr = lr; J->fbias = (float)fbias;
    for (int i = 0; i < MAX_D; i++)
        for (int k = 0; k < NKIND; k++)
            for (int q = 0; q < MAX_SEEDS; q++) J->acc[i][k][q] = NAN;
    snprintf(J->out, sizeof J->out, "%s", out ? out : "");
    snprintf(J->csv, sizeof J->csv, "%s", csv ? csv : "");
    char what[96] = "memory";
    for (int k = 0; k < J->nk; k++) { strcat(what, " "); strcat(what, cell_kind_name(J->kinds[k])); }
    return app_start_job(what, M("adım", "step"), mem_work, J, mem_done);
}

/* --- compare ------------------------------------------------------------------------------------ */

typedef struct {
    CellKind kinds[NKIND];
    int nk, H, E, T, B, d, nseeds;
    long steps;
    double seconds, lr;
    float fbias;
    uint64_t seed;
    TrainCorpus tc;
    char csv[4096];
    /* results, per kind (NaN / 0 until measured) */
    size_t V;                      /* characters in the corpus */
    size_t cell_params[NKIND], lm_params[NKIND];
    double speed[NKIND], val_loss[NKIND], lm_seconds[NKIND];
    long lm_steps[NKIND];
    double ratio[NKIND];           /* ‖∂L/∂h_0‖ / ‖∂L/∂h_49‖ at initialisation */
    double mem_acc[NKIND];
    int lm_done, mem_done;         /* kinds through each part */
    int lm_short;                  /* a language model ran out of text before the time was up */
} CmpJob;

typedef struct {
    RnnLM m;
    const CharStream *cs;
    RnnTrainConfig cfg;
    RnnTrainStats st;
} LmPart;

static int lm_part(Job *job, void *arg, TzErr *e)
{
    LmPart *P = arg;
    return rnnlm_train(&P->m, P->cs->ids, P->cs->n, &P->cfg, &P->st, job, e);
}

static int cmp_work(Job *job, void *arg, TzErr *e)
{
    CmpJob *C = arg;
    int rc = train_corpus_load(&C->tc, e);
    if (rc) return rc;
    CharStream cs;
    if ((rc = charstream_from_corpus(C->tc.corpus, &cs, e))) return rc;
    C->V = cs.chars.size;
    /* progress in thousandths of the whole; the language models take `seconds` each, a memory
       run is counted as about a second per 300 steps (roughly what an LSTM needs at d=40) */
    double w_lm = C->seconds, w_mem = (double)C->steps * C->nseeds / 300.0;
    double whole = C->nk * (w_lm + w_mem);
    int64_t total = 1000, at = 0;
    for (int k = 0; k < C->nk && !job_cancelled(job); k++) {
        LmPart *P = tz_calloc(1, sizeof *P);
        P->cs = &cs;
        rnnlm_init(&P->m, C->kinds[k], (int)cs.chars.size, C->E, C->H, 1, C->seed);
        cell_stack_set_fbias(P->m.cell, P->m.L, C->fbias);
        P->cfg = (RnnTrainConfig){ .T = C->T, .B = C->B, .epochs = 1000000, .lr = (float)C->lr, .clip = 1,
                                   .max_seconds = C->seconds, .val_frac = 0.05 };
        int64_t span = (int64_t)(1000 * w_lm / whole);
        rc = run_part(job, lm_part, P, C->seconds, at, span, total, e);
        at += span;
        if (!rc && !job_cancelled(job)) {
            C->cell_params[k] = cell_nparams(&P->m.cell[0]);
            C->lm_params[k] = rnnlm_nparams(&P->m);
            C->lm_seconds[k] = P->st.seconds;
            C->lm_steps[k] = P->st.steps;
            C->speed[k] = P->st.seconds > 0 ? (double)P->st.steps * C->T * C->B / P->st.seconds : NAN;
            C->val_loss[k] = P->st.val_loss;
            C->lm_short |= P->st.finished;     /* finished every epoch before the time was up */
            C->lm_done = k + 1;
        }
        rnnlm_free(&P->m);
        free(P);
        if (rc) { charstream_free(&cs); return rc; }
    }
    charstream_free(&cs);
    for (int k = 0; k < C->nk && !job_cancelled(job); k++) {
        /* the gradient that reaches 49 steps back, before training (what gradflow draws) */
        SeqClf m;
        seqclf_init(&m, C->kinds[k], memtask_vocab(&TASK), C->E, C->H, 1, TASK.K, C->seed);
        memtask_set_fbias(&m, C->fbias);
        double n[50];
        memtask_grad_flow(&m, &TASK, 50, 32, C->seed * 7919 + 3, n, NULL);
        C->ratio[k] = n[0] / n[49];
        seqclf_free(&m);
        /* then the memory task at distance d */
        double sum = 0;
        int got = 0;
        for (int s = 0; s < C->nseeds && !job_cancelled(job); s++) {
            MemPart *P = tz_calloc(1, sizeof *P);
            P->kind = C->kinds[k];
            P->d = C->d;
            P->seed = C->seed + (uint64_t)s;
            P->cfg = (MemRunConfig){ .E = C->E, .H = C->H, .nval = 500, .set_fbias = 1, .fbias = C->fbias,
                                     .train = { .B = 32, .optim = OPT_ADAM, .lr = 0.003f, .clip = 1, .seed = P->seed } };
            mem_budget(&P->cfg, P->d, C->steps, 32);
            int64_t span = (int64_t)(1000 * w_mem / C->nseeds / whole);
            rc = run_part(job, mem_part, P, 0, at, span, total, e);
            at += span;
            seqclf_free(&P->m);
            if (!rc && (P->r.finished || P->r.diverged)) { sum += P->r.acc; got++; }
            free(P);
            if (rc) return rc;
        }
        if (got == C->nseeds) {
            C->mem_acc[k] = sum / got;
            C->mem_done = k + 1;
        }
    }
    return job_cancelled(job) ? TZ_E_CANCELLED : 0;
}

static void cmp_row(const char *label, const CmpJob *C, int upto, const char *const *cells)
{
    say("%s%*s", label, pad(label, 44), "");
    for (int k = 0; k < C->nk; k++) {
        const char *v = k < upto ? cells[k] : "—";
        say("%*s%s", pad(v, 12), "", v);
    }
    say("\n");
}

static void cmp_done(int rc, const TzErr *e, void *arg)
{
    CmpJob *C = arg;
    train_corpus_keep(&C->tc, rc);
    if (rc && rc != TZ_E_CANCELLED) say_tzerr(e);
    if (C->lm_done == 0) {
        if (rc == TZ_E_CANCELLED) say(M("compare durduruldu; ölçülen bir şey yok.\n", "compare stopped; nothing was measured.\n"));
        goto out;
    }
    char b[NKIND][32], lab[160], t1[32], t2[32];
    const char *cells[NKIND];
    for (int k = 0; k < NKIND; k++) cells[k] = b[k];
    say(M("%sRNN, LSTM ve GRU yan yana%s — her sayı şimdi ölçüldü. Hepsi %d gizli birim, %d boyutlu girdi (embedding); "
          "LSTM'in unutma kapısı yanlılığı her satırda %s (fbias=).\n",
          "%sRNN, LSTM and GRU side by side%s — every number measured now. All with %d hidden units, %d-dimensional "
          "input (embedding); the LSTM's forget-gate bias is %s in every row (fbias=).\n"),
        col_bold(), col_off(), C->H, C->E, fmt_real(C->fbias, 1, t1));
    say("%44s", "");
    for (int k = 0; k < C->nk; k++) say("%12s", cell_kind_name(C->kinds[k]));
    say("\n");
    for (int k = 0; k < C->lm_done; k++) fmt_int((long long)C->cell_params[k], b[k]);
    cmp_row(M("hücre parametresi (W, U, b)", "cell parameters (W, U, b)"), C, C->lm_done, cells);
    snprintf(lab, sizeof lab, M("dil modeli parametresi (%zu karakter)", "language model parameters (%zu characters)"), C->V);
    for (int k = 0; k < C->lm_done; k++) fmt_int((long long)C->lm_params[k], b[k]);
    cmp_row(lab, C, C->lm_done, cells);
    for (int k = 0; k < C->lm_done; k++) fmt_int((long long)llround(C->speed[k]), b[k]);
    cmp_row(M("eğitim hızı (karakter/sn)", "training speed (characters/s)"), C, C->lm_done, cells);
    snprintf(lab, sizeof lab, M("%s sn sonra ayrılmış metinde kayıp (nat)", "held-out loss after %s s (nats/char)"),
             fmt_real(C->seconds, C->seconds == floor(C->seconds) ? 0 : 1, t1));
    for (int k = 0; k < C->lm_done; k++) fmt_real(C->val_loss[k], 3, b[k]);
    cmp_row(lab, C, C->lm_done, cells);
    for (int k = 0; k < C->lm_done; k++) fmt_int(C->lm_steps[k], b[k]);
    cmp_row(M("  (o sürede eğitim adımı)", "  (training steps in that time)"), C, C->lm_done, cells);
    for (int k = 0; k < C->mem_done; k++) fmt_sci(C->ratio[k], b[k]);
    cmp_row(M("49 adım geriye kalan gradyan (eğitimsiz)", "gradient left 49 steps back (untrained)"), C, C->mem_done, cells);
    snprintf(lab, sizeof lab, M("bellek, d=%d (doğruluk; şans %s)", "memory at d=%d (accuracy; chance %s)"), C->d,
             fmt_real(1.0 / TASK.K, 2, t1));
    for (int k = 0; k < C->mem_done; k++) fmt_real(C->mem_acc[k], 2, b[k]);
    cmp_row(lab, C, C->mem_done, cells);
    say(M("Dil modeli: %s derlemi, karakter düzeyi, seq=%d batch=%d Adam lr=%s; bellek: memory komutunun görevi, steps=%ld seeds=%d.\n",
          "Language model: corpus %s, characters, seq=%d batch=%d Adam lr=%s; memory: the task of the memory command, steps=%ld seeds=%d.\n"),
        C->tc.name, C->T, C->B, fmt_real(C->lr, 4, t2), C->steps, C->nseeds);
    if (C->lm_short)
        say(M("not: derlem kısa; bir model süre dolmadan tüm turlarını bitirdi — daha büyük bir derlem verin (corpus=).\n",
              "note: the corpus is short; a model finished all its epochs before the time was up — give a larger one (corpus=).\n"));
    if (C->mem_done < C->nk) say(M("(durduruldu: tablo yarım)\n", "(stopped: the table is incomplete)\n"));
    if (C->csv[0]) {
        Csv c = { .rows = tz_calloc(8, sizeof(char *)) };
        char head[128] = "measure";
        for (int k = 0; k < C->nk; k++) { strcat(head, ","); strcat(head, cell_kind_name(C->kinds[k])); }
        c.header = head;
        const char *names[7] = { "cell_params", "lm_params", "chars_per_s", "val_loss", "lm_steps", "grad_ratio_49", "memory_acc" };
        for (int r = 0; r < 7; r++) {
            char row[256];
            int n = snprintf(row, sizeof row, "%s", names[r]);
            for (int k = 0; k < C->nk; k++) {
                int have = r < 5 ? k < C->lm_done : k < C->mem_done;
                double v = r == 0 ? (double)C->cell_params[k] : r == 1 ? (double)C->lm_params[k] : r == 2 ? C->speed[k]
                         : r == 3 ? C->val_loss[k] : r == 4 ? (double)C->lm_steps[k] : r == 5 ? C->ratio[k] : C->mem_acc[k];
                n += have ? snprintf(row + n, sizeof row - (size_t)n, ",%.6g", v) : snprintf(row + n, sizeof row - (size_t)n, ",");
            }
            c.rows[c.n++] = tz_strdup(row);
        }
        csv_save(C->csv, &c);
        csv_free(&c);
    }
out:
    train_corpus_free(&C->tc);
    free(C);
}

/* compare [rnn|lstm|gru …] [seconds=5] [corpus=NAME] [hidden=64] [embed=16] [seq=32] [batch=16] [lr=0.003]
 *         [d=40] [steps=600] [seeds=1] [fbias=3] [seed=1] [csv=F.csv] */
int cmd_compare(Args *a)
{
    static const CellKind def[] = { TZ_CELL_RNN, TZ_CELL_LSTM, TZ_CELL_GRU };
    if (compare_tf_wants(a)) return cmd_compare_tf(a);   /* compare bert gpt llama (compare_tf.c) */
    CmpJob *C = tz_calloc(1, sizeof *C);
    TzErr e;
    long hidden, embed, seq, batch, d, steps, seeds, seed;
    double seconds, lr, fbias;
    if (parse_kinds(a, def, 3, C->kinds, &C->nk)) { free(C); return 1; }
    if (arg_double(a, "seconds", 5, 0.1, 3600, &seconds, &e) || arg_long(a, "hidden", 64, 1, 1024, &hidden, &e) ||
        arg_long(a, "embed", 16, 1, 1024, &embed, &e) || arg_long(a, "seq", 32, 1, 1000, &seq, &e) ||
        arg_long(a, "batch", 16, 1, 1024, &batch, &e) || arg_double(a, "lr", 0.003, 1e-6, 1, &lr, &e) ||
        arg_long(a, "d", 40, 0, MAX_DIST, &d, &e) || arg_long(a, "steps", 600, 1, 1000000, &steps, &e) ||
        arg_long(a, "seeds", 1, 1, MAX_SEEDS, &seeds, &e) || arg_double(a, "fbias", 3, -10, 10, &fbias, &e) ||
        arg_long(a, "seed", 1, 0, 2147483647L, &seed, &e)) {
        say_tzerr(&e);
        free(C);
        return 1;
    }
    const char *csv = arg_str(a, "csv", NULL);
    if (csv && !csv_ok(csv)) { free(C); return 1; }
    /* the language model: its weights, Adam and a batch, for the largest kind asked (an LSTM
       has the most gates), over a character vocabulary of a few hundred at most */
    double lm = 0;
    for (int k = 0; k < C->nk; k++) {
        double b = rnnlm_train_bytes(C->kinds[k], 300, (int)embed, (int)hidden, 1, (int)seq, (int)batch);
        if (b > lm) lm = b;
    }
    double mm = mem_need(C->kinds, C->nk, (int)embed, (int)hidden, (int)d + 2, 32);
    if (too_big(lm > mm ? lm : mm)) { free(C); return 1; }
    /* the corpus: corpus=, else the current one, else our mini corpus in the session's language */
    if (arg_str(a, "corpus", NULL) || g_app.corpus) {
        if (train_corpus(a, &C->tc)) { free(C); return 1; }
    } else {
        const char *name = g_lang == TZ_LANG_TR ? "mini-tr" : "mini-en";
        if (corpus_resolve(name, NULL, C->tc.path, C->tc.name, &C->tc.lang, &C->tc.prepared)) { free(C); return 1; }
        C->tc.load = 1;
        C->tc.corpus = tz_calloc(1, sizeof *C->tc.corpus);
    }
    C->H = (int)hidden; C->E = (int)embed; C->T = (int)seq; C->B = (int)batch; C->d = (int)d; C->steps = steps;
    C->nseeds = (int)seeds; C->seconds = seconds; C->lr = lr; C->fbias = (float)fbias; C->seed = (uint64_t)seed;
    snprintf(C->csv, sizeof C->csv, "%s", csv ? csv : "");
    char what[96] = "compare";
    for (int k = 0; k < C->nk; k++) { strcat(what, " "); strcat(what, cell_kind_name(C->kinds[k])); }
    return app_start_job(what, "", cmp_work, C, cmp_done);
}
