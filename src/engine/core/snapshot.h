/* snapshot.h — plain data a job publishes for the window while it works (DESIGN.md §2).
 *
 * The worker thread copies a small matrix (rows×cols floats: a t-SNE map, the rows of the
 * words being watched, a gate trace) into the snapshot under a lock and bumps its version;
 * the main thread, once per frame, copies it out only if the version changed. Neither side
 * ever waits for the other longer than one memcpy, and the window never touches model state.
 */
#ifndef TZ_SNAPSHOT_H
#define TZ_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

typedef struct Snapshot Snapshot;

Snapshot *snapshot_new(void);
void snapshot_free(Snapshot *s);          /* NULL is fine */

/* Worker side: publish rows×cols floats with the step they belong to. NULL s: no-op. */
void snapshot_publish(Snapshot *s, const float *data, size_t rows, size_t cols, int64_t step);
/* The same from doubles (t-SNE keeps its map in double precision). */
void snapshot_publish_d(Snapshot *s, const double *data, size_t rows, size_t cols, int64_t step);

/* Main side: if something newer than *seen was published, copy it into *buf (grown with
 * realloc as needed; *cap counts floats), set rows/cols/step, update *seen, return 1.
 * Otherwise return 0 and leave everything as it was. */
int snapshot_take(Snapshot *s, uint64_t *seen, float **buf, size_t *cap, size_t *rows, size_t *cols, int64_t *step);

/* Worker side: has anyone asked to be shown frames? Lets a job skip the copying when
 * nothing is watching. The main side sets it. */
void snapshot_set_wanted(Snapshot *s, int wanted);
int snapshot_wanted(Snapshot *s);

#endif
