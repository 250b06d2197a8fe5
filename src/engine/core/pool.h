/* pool.h — a fixed team of worker threads for data-parallel loops (t-SNE's gradient, its
 * nearest-neighbour search).
 *
 * Why a pool and not pthread_create per loop: Barnes-Hut t-SNE runs one parallel loop per
 * iteration, a thousand times, each a few milliseconds long. Starting and joining threads
 * every time would cost more than it saves on small maps; a pool starts its threads once and
 * wakes them with a condition variable.
 *
 * pool_run(p, fn, arg) calls fn(arg, t, T) once for every t in 0..T−1 — t = 0 on the calling
 * thread, the others on the pool's threads — and returns when all T calls have returned. How
 * the work is split is up to fn: usually a shared atomic counter hands out chunks of rows, so
 * that a thread that finishes early takes more (the cost per row varies a lot in t-SNE).
 * A NULL pool, or a pool of 1, runs fn(arg, 0, 1) on the caller: tests and small inputs need
 * no threads at all.
 */
#ifndef TZ_POOL_H
#define TZ_POOL_H

typedef struct Pool Pool;
typedef void (*PoolFn)(void *arg, int tid, int nthreads);

int pool_cores(void);            /* online processors (at least 1) */
Pool *pool_new(int threads);     /* threads ≤ 0: one per core */
int pool_size(const Pool *p);    /* T; 1 for NULL */
void pool_run(Pool *p, PoolFn fn, void *arg);
void pool_free(Pool *p);         /* NULL is fine */

#endif
