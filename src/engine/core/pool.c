/* pool.c — see pool.h. One mutex and two condition variables: `go` wakes the workers when
 * a new round is posted (round counter bumped), `done` wakes the caller when the last worker
 * of the round has finished. The caller does its own share (t = 0) meanwhile, so T threads
 * of work need only T − 1 extra threads. */
#include "pool.h"
#include "err.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

struct Pool {
    int n;                   /* T, counting the caller */
    pthread_t *th;           /* n − 1 workers */
    pthread_mutex_t mu;
    pthread_cond_t go, done;
    unsigned long round;     /* bumped by pool_run: a worker that saw an older round has work */
    int pending;             /* workers still running the current round */
    int quit;
    PoolFn fn;
    void *arg;
};

typedef struct {
    Pool *p;
    int tid;
} WorkerArg;

int pool_cores(void)
{
    long c = sysconf(_SC_NPROCESSORS_ONLN);
    return c < 1 ? 1 : c > 256 ? 256 : (int)c;
}

static void *worker(void *ud)
{
    WorkerArg *w = ud;
    Pool *p = w->p;
    unsigned long seen = 0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->round == seen && !p->quit) pthread_cond_wait(&p->go, &p->mu);
        if (p->quit) break;
        seen = p->round;
        PoolFn fn = p->fn;
        void *arg = p->arg;
        pthread_mutex_unlock(&p->mu);
        fn(arg, w->tid, p->n);
        pthread_mutex_lock(&p->mu);
        if (--p->pending == 0) pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    free(w);
    return NULL;
}

Pool *pool_new(int threads)
{
    Pool *p = tz_calloc(1, sizeof *p);
    p->n = threads > 0 ? threads : pool_cores();
    if (p->n > 256) p->n = 256;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->go, NULL);
    pthread_cond_init(&p->done, NULL);
    p->th = tz_calloc((size_t)p->n, sizeof *p->th);
    for (int t = 1; t < p->n; t++) {
        WorkerArg *w = tz_malloc(sizeof *w);
        w->p = p;
        w->tid = t;
        if (pthread_create(&p->th[t], NULL, worker, w) != 0) tz_die(__FILE__, __LINE__, "cannot start a pool thread");
    }
    return p;
}

int pool_size(const Pool *p)
{
    return p ? p->n : 1;
}

void pool_run(Pool *p, PoolFn fn, void *arg)
{
    if (!p || p->n == 1) {
        fn(arg, 0, 1);
        return;
    }
    pthread_mutex_lock(&p->mu);
    p->fn = fn;
    p->arg = arg;
    p->pending = p->n - 1;
    p->round++;
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    fn(arg, 0, p->n);
    pthread_mutex_lock(&p->mu);
    while (p->pending > 0) pthread_cond_wait(&p->done, &p->mu);
    pthread_mutex_unlock(&p->mu);
}

void pool_free(Pool *p)
{
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    p->quit = 1;
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    for (int t = 1; t < p->n; t++) pthread_join(p->th[t], NULL);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->go);
    pthread_cond_destroy(&p->done);
    free(p->th);
    free(p);
}
