/* job.c — see job.h. One mutex guards the published progress; the cancel flag is atomic so
 * that the worker can check it every step for the price of one load. */
#include "job.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct Job {
    pthread_t thread;
    pthread_mutex_t mu;
    JobFn fn;
    void *arg;
    JobProgress p;
    double t0;
    atomic_int cancel;
    atomic_int running;
    int rc;
    TzErr err;
};

double tz_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void *trampoline(void *ud)
{
    Job *j = ud;
    j->rc = j->fn(j, j->arg, &j->err);
    atomic_store(&j->running, 0);
    return NULL;
}

Job *job_start(const char *what, const char *unit, JobFn fn, void *arg)
{
    Job *j = tz_calloc(1, sizeof *j);
    pthread_mutex_init(&j->mu, NULL);
    j->fn = fn;
    j->arg = arg;
    snprintf(j->p.what, sizeof j->p.what, "%s", what);
    snprintf(j->p.unit, sizeof j->p.unit, "%s", unit ? unit : "");
    j->p.eta = -1;
    j->t0 = tz_now();
    atomic_store(&j->running, 1);
    if (pthread_create(&j->thread, NULL, trampoline, j) != 0)
        tz_die(__FILE__, __LINE__, "cannot start a worker thread");
    return j;
}

static void report(Job *j, int64_t step, int64_t total, double loss, int has_loss)
{
    if (!j) return;
    double now = tz_now();
    pthread_mutex_lock(&j->mu);
    j->p.step = step;
    j->p.total = total;
    if (has_loss) { j->p.loss = loss; j->p.has_loss = 1; }
    j->p.elapsed = now - j->t0;
    j->p.rate = j->p.elapsed > 0 ? (double)step / j->p.elapsed : 0;
    j->p.eta = (j->p.rate > 0 && total > 0) ? (double)(total - step) / j->p.rate : -1;
    pthread_mutex_unlock(&j->mu);
}

void job_report(Job *j, int64_t step, int64_t total) { report(j, step, total, 0, 0); }
void job_report_loss(Job *j, int64_t step, int64_t total, double loss) { report(j, step, total, loss, 1); }

void job_phase(Job *j, const char *what, const char *unit)
{
    if (!j) return;
    pthread_mutex_lock(&j->mu);
    snprintf(j->p.what, sizeof j->p.what, "%s", what);
    snprintf(j->p.unit, sizeof j->p.unit, "%s", unit ? unit : "");
    j->p.step = j->p.total = 0;
    j->p.has_loss = j->p.has_val = j->p.has_aux = j->p.has_aux_val = 0;
    j->p.opt_step = j->p.opt_total = 0;
    j->p.rate = 0;
    j->p.eta = -1;
    j->t0 = tz_now();
    pthread_mutex_unlock(&j->mu);
}

void job_report_val(Job *j, double val_loss)
{
    if (!j) return;
    pthread_mutex_lock(&j->mu);
    j->p.val_loss = val_loss;
    j->p.has_val = 1;
    pthread_mutex_unlock(&j->mu);
}

void job_report_aux(Job *j, const char *name, double loss)
{
    if (!j) return;
    pthread_mutex_lock(&j->mu);
    snprintf(j->p.aux_name, sizeof j->p.aux_name, "%s", name);
    j->p.aux_loss = loss;
    j->p.has_aux = 1;
    pthread_mutex_unlock(&j->mu);
}

void job_report_aux_val(Job *j, double val_loss)
{
    if (!j) return;
    pthread_mutex_lock(&j->mu);
    j->p.aux_val = val_loss;
    j->p.has_aux_val = 1;
    pthread_mutex_unlock(&j->mu);
}

void job_report_steps(Job *j, int64_t step, int64_t total)
{
    if (!j) return;
    pthread_mutex_lock(&j->mu);
    j->p.opt_step = step;
    j->p.opt_total = total;
    pthread_mutex_unlock(&j->mu);
}

int job_cancelled(const Job *j) { return j ? atomic_load(&((Job *)j)->cancel) : 0; }
void job_cancel(Job *j) { if (j) atomic_store(&j->cancel, 1); }

int job_progress(Job *j, JobProgress *p)
{
    pthread_mutex_lock(&j->mu);
    *p = j->p;
    double t0 = j->t0;      /* job_phase moves it */
    pthread_mutex_unlock(&j->mu);
    p->running = atomic_load(&j->running);
    if (p->running) p->elapsed = tz_now() - t0;
    return p->running;
}

int job_wait(Job *j, TzErr *err)
{
    pthread_join(j->thread, NULL);
    int rc = j->rc;
    if (err) *err = j->err;
    pthread_mutex_destroy(&j->mu);
    free(j);
    return rc;
}
