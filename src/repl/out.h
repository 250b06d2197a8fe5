/* out.h — everything the REPL says goes through here.
 *
 * say() writes to standard output; say_error() writes "hata: …" / "error: …" to standard
 * error (with the script line when running a script). Both are also appended to a capture
 * buffer while one is open, which is how a lesson checks its `expect:` lines against what a
 * command printed. While the interactive prompt is showing, out_begin_async() clears it and
 * out_end_async() redraws it, so messages from a finished job do not tear the input line.
 */
#ifndef TZ_OUT_H
#define TZ_OUT_H

#include <stddef.h>
#include "core/err.h"

void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void say_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void say_tzerr(const TzErr *e);                /* a TzErr in the current language */
void say_raw(const char *s, size_t n);

/* Text streamed a piece at a time (generation): a piece may end inside a UTF-8 character (a
 * byte-level token can be half a letter), so such trailing bytes are held back until the rest
 * arrives; a byte that can be no part of a character is shown as U+FFFD. Start zeroed. */
typedef struct {
    char pend[8];
    size_t npend;
} SayStream;
void say_stream(SayStream *st, const char *s, size_t n);

/* Capture: start collecting output; take returns what was said since (malloc'd). */
void out_capture_start(void);
char *out_capture_take(void);

/* Where errors are reported from: the script line (0 = none). */
extern long g_script_line;
extern const char *g_script_name;

/* Terminal niceties: colours only on a terminal. */
extern int g_color;
const char *col_bold(void);
const char *col_dim(void);
const char *col_err(void);
const char *col_ok(void);
const char *col_cmd(void);
const char *col_off(void);

/* Spaces needed after s to fill width columns (counting code points, not bytes, so that
 * Turkish letters line up): printf("%s%*s", s, pad(s, 20), ""). */
int pad(const char *s, int width);

/* Thousands separators in the user's language: 1.234.567 (tr) or 1,234,567 (en). */
const char *fmt_int(long long v, char buf[32]);
/* A real number with prec decimals, with the user's decimal mark: 0,75 (tr) or 0.75 (en). */
const char *fmt_real(double v, int prec, char buf[32]);
/* Bytes in decimal units with the user's decimal mark: "1,2 MB" (tr) / "3.40 GB" (en). */
const char *fmt_bytes(double v, char buf[32]);

#endif
