/* parse.h — the command grammar: `command [sub] positional... key=value...`
 *
 *  - words are separated by spaces; "double" or 'single' quotes hold spaces
 *    (`arith "kral - erkek + kadın"`), and inside double quotes \" and \\ escape;
 *  - an unquoted word of the form name=value (name: letters, digits, _ and -, starting
 *    with a letter) is an option; `name="a b"` quotes the value;
 *  - `;` outside quotes separates commands (for -c "cmd; cmd" and scripts);
 *  - `#` at the start of a word begins a comment to the end of the line.
 */
#ifndef TZ_PARSE_H
#define TZ_PARSE_H

#include <stddef.h>
#include "core/err.h"

typedef struct {
    char *key, *val;
    int used;          /* set when a command reads it: unread options are reported */
} KeyVal;

typedef struct {
    int argc;          /* argv[0] is the command */
    char **argv;
    int nkv;
    KeyVal *kv;
} Args;

/* Parse one command. Returns 0, or TZ_E_ARG with a message (unterminated quote…).
 * An empty line gives argc == 0. */
int parse_command(const char *line, Args *a, TzErr *e);
void args_free(Args *a);

/* Split a line into commands at `;` outside quotes (a NULL-terminated malloc'd array). */
char **split_commands(const char *line);
void free_strv(char **v);

/* The positional arguments from index `from` on, joined by single spaces (malloc'd): a text
 * may come as one quoted argument or as the words typed after the command. */
char *args_join(const Args *a, int from);

/* Options: the value of key (or def), marking it used. */
const char *arg_str(Args *a, const char *key, const char *def);
/* Integer and real options: 0 on success; TZ_E_ARG with a message naming the key if the
 * value is not a number or lies outside [lo, hi]. */
int arg_long(Args *a, const char *key, long def, long lo, long hi, long *out, TzErr *e);
int arg_double(Args *a, const char *key, double def, double lo, double hi, double *out, TzErr *e);

#endif
