/* job.h — long work on a worker thread, with progress and cancellation (DESIGN.md §2).
 *
 * A job never prints. The worker calls job_report() between steps to publish how far it is
 * (and a loss, where there is one), and checks job_cancelled() to stop early, leaving its
 * result in a consistent state. The main thread polls job_progress() to draw one progress
 * line, calls job_cancel() on Ctrl-C or `stop`, and job_wait() to collect the result.
 * A NULL Job* is allowed everywhere: the same engine function runs synchronously in tests.
 */
#ifndef TZ_JOB_H
#define TZ_JOB_H

#include <stdint.h>
#include "err.h"

typedef struct Job Job;

typedef struct {
    char what[96];       /* what is running, for the progress line ("corpus tr") */
    int64_t step, total; /* progress in items (tokens, words, steps) */
    char unit[16];       /* what an item is: "token", "word", "step" */
    double loss;         /* last published loss, if has_loss */
    int has_loss;
    double elapsed;      /* seconds since start */
    double rate;         /* items per second */
    double eta;          /* seconds left (negative if unknown) */
    int running;         /* 0 once the worker function has returned */
    double val_loss;     /* last published held-out loss, if has_val (job_report_val) */
    int has_val;
    int64_t opt_step, opt_total; /* optimiser steps, when the items are something else (tokens):
                                    job_report_steps; opt_total 0 = not reported */
    char aux_name[16];   /* a second loss trained beside the first (BERT: "NSP"), if has_aux */
    double aux_loss, aux_val;    /* its last training value and held-out value (has_aux_val) */
    int has_aux, has_aux_val;
} JobProgress;

/* The work: runs on the worker thread; returns 0 or fills err and returns non-zero. */
typedef int (*JobFn)(Job *job, void *arg, TzErr *err);

Job *job_start(const char *what, const char *unit, JobFn fn, void *arg);
void job_report(Job *job, int64_t step, int64_t total);
void job_report_loss(Job *job, int64_t step, int64_t total, double loss);
/* A job in phases (a tokenizer learnt, then a model trained on it): a new label and unit, the
 * progress, losses and the clock of the rate start again. */
void job_phase(Job *job, const char *what, const char *unit);
/* A held-out loss (evaluated now and then, beside the training loss of job_report_loss). */
void job_report_val(Job *job, double val_loss);
/* A second loss trained at the same time (BERT's next-sentence loss beside its masked-LM loss,
 * which goes to job_report_loss), and its held-out value: the loss curve draws it as a series
 * of its own. Call job_report_aux before job_report_loss for the same step. */
void job_report_aux(Job *job, const char *name, double loss);
void job_report_aux_val(Job *job, double val_loss);
/* Optimiser steps, when job_report counts other items (tokens, so that the rate is tokens/s). */
void job_report_steps(Job *job, int64_t step, int64_t total);
int job_cancelled(const Job *job);
void job_cancel(Job *job);
int job_progress(Job *job, JobProgress *p);  /* returns p->running */
/* Join the worker and free the job; returns the work's result code and copies its error. */
int job_wait(Job *job, TzErr *err);

/* Seconds on a monotonic clock. */
double tz_now(void);

#endif
