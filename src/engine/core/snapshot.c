/* snapshot.c — see snapshot.h. */
#include "core/snapshot.h"
#include "core/err.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct Snapshot {
    pthread_mutex_t lock;
    float *data;
    size_t cap, rows, cols;   /* cap in floats */
    int64_t step;
    uint64_t version;         /* 0: nothing published yet */
    atomic_int wanted;
};

Snapshot *snapshot_new(void)
{
    Snapshot *s = tz_calloc(1, sizeof *s);
    pthread_mutex_init(&s->lock, NULL);
    atomic_init(&s->wanted, 1);
    return s;
}

void snapshot_free(Snapshot *s)
{
    if (!s) return;
    pthread_mutex_destroy(&s->lock);
    free(s->data);
    free(s);
}

/* Make room for n floats; called with the lock held. */
static float *reserve(Snapshot *s, size_t n)
{
    if (n > s->cap) {
        s->data = tz_realloc(s->data, n * sizeof *s->data);
        s->cap = n;
    }
    return s->data;
}

void snapshot_publish(Snapshot *s, const float *data, size_t rows, size_t cols, int64_t step)
{
    if (!s) return;
    pthread_mutex_lock(&s->lock);
    memcpy(reserve(s, rows * cols), data, rows * cols * sizeof *data);
    s->rows = rows;
    s->cols = cols;
    s->step = step;
    s->version++;
    pthread_mutex_unlock(&s->lock);
}

void snapshot_publish_d(Snapshot *s, const double *data, size_t rows, size_t cols, int64_t step)
{
    if (!s) return;
    pthread_mutex_lock(&s->lock);
    float *d = reserve(s, rows * cols);
    for (size_t i = 0; i < rows * cols; i++) d[i] = (float)data[i];
    s->rows = rows;
    s->cols = cols;
    s->step = step;
    s->version++;
    pthread_mutex_unlock(&s->lock);
}

int snapshot_take(Snapshot *s, uint64_t *seen, float **buf, size_t *cap, size_t *rows, size_t *cols, int64_t *step)
{
    if (!s) return 0;
    int got = 0;
    pthread_mutex_lock(&s->lock);
    if (s->version != 0 && s->version != *seen) {
        size_t n = s->rows * s->cols;
        if (n > *cap) {
            *buf = tz_realloc(*buf, n * sizeof **buf);
            *cap = n;
        }
        if (n) memcpy(*buf, s->data, n * sizeof **buf);
        *rows = s->rows;
        *cols = s->cols;
        if (step) *step = s->step;
        *seen = s->version;
        got = 1;
    }
    pthread_mutex_unlock(&s->lock);
    return got;
}

void snapshot_set_wanted(Snapshot *s, int wanted)
{
    if (s) atomic_store(&s->wanted, wanted);
}

int snapshot_wanted(Snapshot *s)
{
    return s && atomic_load(&s->wanted);
}
