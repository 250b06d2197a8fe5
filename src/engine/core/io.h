/* io.h — reading files as a hostile world, and saving without ever losing the old file.
 *
 * tz_file_map maps a whole file read-only (no copy, so a 7 GB model costs no RAM up front),
 * after checking that it exists and is a regular file. tz_check_text then decides whether
 * those bytes are text we can use: not empty, no NUL bytes (a binary file), valid UTF-8
 * (the message names the line and column of the first bad byte, and suggests iconv for the
 * usual Turkish legacy encodings). Saves go to a temporary file in the same folder, are
 * fsync'ed, then renamed over the target: an interrupted save leaves the old file intact.
 */
#ifndef TZ_IO_H
#define TZ_IO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "err.h"

typedef struct {
    const char *data;  /* the bytes (NULL for an empty file) */
    size_t size;
    int mapped;        /* 1 if data is an mmap */
} TzFile;

int tz_file_map(TzFile *f, const char *path, TzErr *e);
void tz_file_unmap(TzFile *f);   /* safe on a zeroed struct */

/* Line (1-based) and column (1-based, in bytes) of byte offset off. */
void tz_line_col(const char *data, size_t off, size_t *line, size_t *col);

int tz_check_text(const char *path, const char *data, size_t n, TzErr *e);

/* Write path atomically: fn writes the content to f and returns 0, or fills e and returns
 * non-zero (the temporary file is then removed and the old file is untouched). */
typedef int (*TzWriteFn)(FILE *f, void *ud, TzErr *e);
int tz_save_atomic(const char *path, TzWriteFn fn, void *ud, TzErr *e);

/* CRC-32 (the IEEE polynomial of zip and PNG), continued from crc (start with 0). */
uint32_t tz_crc32(uint32_t crc, const void *data, size_t n);

/* The machine's physical memory in bytes (0 when the system will not say): what "too big for
 * memory" is measured against before allocating. */
double tz_phys_bytes(void);

/* Is path a directory? (1 yes, 0 no or missing) */
int tz_is_dir(const char *path);
int tz_exists(const char *path);

#endif
