/* loop.h — the two ways tezgah reads commands. */
#ifndef TZ_LOOP_H
#define TZ_LOOP_H

#include <stdio.h>

/* The interactive prompt: readline's callback interface inside a poll() loop (DESIGN.md §2).
 * Returns the exit status. */
int loop_interactive(void);

/* Commands from a file, a pipe or -c: no prompt, no echo, same results. Every job is waited
 * for before the next command. Returns the exit status: 0 if every command succeeded. */
int loop_script(FILE *f, const char *name);
int loop_commands(const char *text);

void loop_install_signals(void);

/* Tab completion (complete.c). */
void complete_install(void);

#endif
