/* tmpdir.h — a fresh temporary folder for every test of a suite that works with files:
 *     TestSuite(io, .init = tmp_setup, .fini = tmp_teardown);
 * Criterion runs each test in its own process, so tmp_dir is that test's own folder. */
#ifndef TZ_TEST_TMPDIR_H
#define TZ_TEST_TMPDIR_H

#include <stddef.h>
#include "core/corpus.h"

extern char tmp_dir[256];
void tmp_setup(void);                 /* mkdtemp /tmp/tezgah_test_XXXXXX */
void tmp_teardown(void);              /* removes it and everything in it */
char *tmp_path(const char *name);     /* tmp_dir/name (a ring of 8 buffers) */
void tmp_write(const char *path, const void *data, size_t n);   /* asserts on failure */
char *tmp_slurp(const char *path, size_t *n);  /* whole file, malloc'd, NUL-ended; NULL if missing */

/* A prepared English corpus from text (one sentence per line), through a temporary file that
 * is removed again; asserts on failure. For tests that train on a handful of sentences. */
void corpus_from(Corpus *c, const char *text);

#endif
