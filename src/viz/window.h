/* window.h — the SDL2 presenter: one resizable window that shows a canvas and reports the
 * user's input as plain events. It draws nothing itself (every view draws on a Canvas) and
 * knows nothing of views or models; the REPL decides what an event means.
 *
 * All calls are made from the main thread, which also runs the readline loop: the loop polls
 * the terminal with a short timeout while the window is open and calls window_poll() each
 * time round, so both stay responsive. SDL is told not to install signal handlers, so
 * Ctrl-C keeps reaching the REPL (it stops a job, it never ends the session).
 */
#ifndef TZ_WINDOW_H
#define TZ_WINDOW_H

#include "core/err.h"
#include "viz/canvas.h"

typedef struct Window Window;

typedef enum {
    WEV_CLOSE,        /* the user closed the window (the session goes on) */
    WEV_RESIZE,       /* new size in w, h: redraw */
    WEV_EXPOSE,       /* the contents were lost (uncovered): present again */
    WEV_KEY,          /* key: one of WK_* or a printable ASCII character */
    WEV_WHEEL,        /* dy > 0: away from the user (zoom in), at x, y */
    WEV_MOTION,       /* the pointer moved to x, y (no button held) */
    WEV_DRAG,         /* moved by dx, dy with the left button held */
    WEV_CLICK,        /* left button pressed and released without dragging, at x, y */
    WEV_LEAVE         /* the pointer left the window */
} WinEventType;

enum { WK_LEFT = 0x100, WK_RIGHT, WK_UP, WK_DOWN, WK_TAB, WK_BACKTAB, WK_ESCAPE, WK_PAGEUP, WK_PAGEDOWN, WK_HOME, WK_END };

typedef struct {
    WinEventType type;
    int key;              /* WEV_KEY */
    int x, y;             /* pointer position in window pixels */
    float dx, dy;         /* WEV_DRAG: pixels moved; WEV_WHEEL: wheel steps */
    int w, h;             /* WEV_RESIZE */
} WinEvent;

/* Is there a display to open a window on? (SDL's video subsystem initialises.) */
int window_available(void);
/* Open a window of w×h pixels; NULL + e (with the reason, in both languages) if it cannot. */
Window *window_open(const char *title, int w, int h, TzErr *e);
void window_close(Window *win);          /* NULL is fine */
/* SDL is never shut down: SDL_Quit would dlclose the X11 libraries it loaded, and the
 * caches those keep until exit would then show up as leaks from unknown modules under
 * LeakSanitizer (make check-asan) instead of being suppressed by library name. The
 * process's exit releases everything. */
void window_size(Window *win, int *w, int *h);
void window_set_title(Window *win, const char *title);
/* Copy the canvas into the window and show it. The canvas should have the window's size. */
int window_present(Window *win, const Canvas *c, TzErr *e);
/* Next pending event: 1 and *ev filled, or 0 when none is left. Never blocks. */
int window_poll(Window *win, WinEvent *ev);

#endif
