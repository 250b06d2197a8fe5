/* window.c — see window.h.
 *
 * Presenting goes through the window's own surface (SDL_GetWindowSurface +
 * SDL_UpdateWindowSurface): a plain copy of pixels, no GPU renderer, so it works the same
 * on a laptop, over ssh -X and under Xvfb in the tests. The canvas is RGBA bytes in memory
 * (SDL_PIXELFORMAT_RGBA32); SDL_ConvertPixels turns them into whatever the surface uses.
 */
#include "viz/window.h"

#include <SDL.h>
#include <string.h>

struct Window {
    SDL_Window *w;
    int pressed;          /* left button down */
    int dragged;          /* moved far enough while down to count as a drag */
    int down_x, down_y;
};

static int sdl_ready;     /* the video subsystem is initialised */

static int sdl_init(TzErr *e)
{
    if (sdl_ready) return 0;
    /* SDL would otherwise turn Ctrl-C into SDL_QUIT and take SIGINT from the REPL */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    /* keep the screen saver and compositor settings of the user alone */
    SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "1");
    SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
        if (e) tz_errf(e, TZ_E_IO, "pencere açılamıyor (%s); görünümler PNG olarak yazılacak: 'snap DOSYA.png'.",
                       "cannot open a window (%s); views will be written as PNG: 'snap FILE.png'.", SDL_GetError());
        return 1;
    }
    sdl_ready = 1;
    return 0;
}

int window_available(void)
{
    return sdl_init(NULL) == 0;
}

Window *window_open(const char *title, int w, int h, TzErr *e)
{
    if (sdl_init(e)) return NULL;
    SDL_Window *sw = SDL_CreateWindow(title, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h,
                                      SDL_WINDOW_RESIZABLE | SDL_WINDOW_SHOWN);
    if (!sw) {
        tz_errf(e, TZ_E_IO, "pencere açılamıyor (%s); görünümler PNG olarak yazılacak: 'snap DOSYA.png'.",
                "cannot open a window (%s); views will be written as PNG: 'snap FILE.png'.", SDL_GetError());
        return NULL;
    }
    Window *win = tz_calloc(1, sizeof *win);
    win->w = sw;
    return win;
}

void window_close(Window *win)
{
    if (!win) return;
    SDL_DestroyWindow(win->w);
    free(win);
    /* pump once so that the window really disappears from the screen now */
    SDL_PumpEvents();
}

void window_size(Window *win, int *w, int *h)
{
    SDL_Surface *s = SDL_GetWindowSurface(win->w);
    if (s) { *w = s->w; *h = s->h; }
    else SDL_GetWindowSize(win->w, w, h);
}

void window_set_title(Window *win, const char *title)
{
    SDL_SetWindowTitle(win->w, title);
}

int window_present(Window *win, const Canvas *c, TzErr *e)
{
    SDL_Surface *s = SDL_GetWindowSurface(win->w);
    if (!s) return tz_errf(e, TZ_E_IO, "pencereye çizilemedi: %s", "cannot draw into the window: %s", SDL_GetError());
    int w = c->w < s->w ? c->w : s->w, h = c->h < s->h ? c->h : s->h;
    if (SDL_MUSTLOCK(s)) SDL_LockSurface(s);
    int rc = SDL_ConvertPixels(w, h, SDL_PIXELFORMAT_RGBA32, c->px, c->w * 4, s->format->format, s->pixels, s->pitch);
    if (SDL_MUSTLOCK(s)) SDL_UnlockSurface(s);
    if (rc != 0 || SDL_UpdateWindowSurface(win->w) != 0)
        return tz_errf(e, TZ_E_IO, "pencereye çizilemedi: %s", "cannot draw into the window: %s", SDL_GetError());
    return 0;
}

static int map_key(SDL_Keycode k, Uint16 mod)
{
    switch (k) {
    case SDLK_LEFT: return WK_LEFT;
    case SDLK_RIGHT: return WK_RIGHT;
    case SDLK_UP: return WK_UP;
    case SDLK_DOWN: return WK_DOWN;
    case SDLK_TAB: return (mod & KMOD_SHIFT) ? WK_BACKTAB : WK_TAB;
    case SDLK_ESCAPE: return WK_ESCAPE;
    case SDLK_PAGEUP: return WK_PAGEUP;
    case SDLK_PAGEDOWN: return WK_PAGEDOWN;
    case SDLK_HOME: return WK_HOME;
    case SDLK_END: return WK_END;
    case SDLK_KP_MINUS: return '-';
    /* '+' is not taken from key presses: shift+'=' (US), the keypad's '+' and the Turkish
     * layout's own '+' key all arrive as the text "+" (SDL_TEXTINPUT), once */
    case SDLK_EQUALS: return (mod & KMOD_SHIFT) ? 0 : '=';
    default: break;
    }
    if (k >= 32 && k < 127) return (int)k;
    return 0;
}

int window_poll(Window *win, WinEvent *ev)
{
    SDL_Event s;
    Uint32 id = SDL_GetWindowID(win->w);
    while (SDL_PollEvent(&s)) {
        memset(ev, 0, sizeof *ev);
        switch (s.type) {
        case SDL_QUIT:                       /* the last window was closed */
            ev->type = WEV_CLOSE;
            return 1;
        case SDL_WINDOWEVENT:
            if (s.window.windowID != id) break;
            if (s.window.event == SDL_WINDOWEVENT_CLOSE) { ev->type = WEV_CLOSE; return 1; }
            if (s.window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
                ev->type = WEV_RESIZE;
                window_size(win, &ev->w, &ev->h);
                return 1;
            }
            if (s.window.event == SDL_WINDOWEVENT_EXPOSED) { ev->type = WEV_EXPOSE; return 1; }
            if (s.window.event == SDL_WINDOWEVENT_LEAVE) { ev->type = WEV_LEAVE; return 1; }
            break;
        case SDL_KEYDOWN:
            ev->type = WEV_KEY;
            ev->key = map_key(s.key.keysym.sym, s.key.keysym.mod);
            if (ev->key) return 1;
            break;
        case SDL_TEXTINPUT:
            /* '+' however it was typed (see map_key) */
            if (s.text.text[0] == '+' && s.text.text[1] == '\0') { ev->type = WEV_KEY; ev->key = '+'; return 1; }
            break;
        case SDL_MOUSEWHEEL:
            ev->type = WEV_WHEEL;
            ev->dy = (float)s.wheel.y * (s.wheel.direction == SDL_MOUSEWHEEL_FLIPPED ? -1.0f : 1.0f);
            SDL_GetMouseState(&ev->x, &ev->y);
            return 1;
        case SDL_MOUSEBUTTONDOWN:
            if (s.button.button == SDL_BUTTON_LEFT) {
                win->pressed = 1;
                win->dragged = 0;
                win->down_x = s.button.x;
                win->down_y = s.button.y;
            }
            break;
        case SDL_MOUSEBUTTONUP:
            if (s.button.button == SDL_BUTTON_LEFT && win->pressed) {
                win->pressed = 0;
                if (!win->dragged) { ev->type = WEV_CLICK; ev->x = s.button.x; ev->y = s.button.y; return 1; }
            }
            break;
        case SDL_MOUSEMOTION:
            ev->x = s.motion.x;
            ev->y = s.motion.y;
            if (win->pressed && (s.motion.state & SDL_BUTTON_LMASK)) {
                /* a few pixels of jitter during a click is still a click */
                if (!win->dragged && abs(s.motion.x - win->down_x) + abs(s.motion.y - win->down_y) < 4) break;
                win->dragged = 1;
                ev->type = WEV_DRAG;
                ev->dx = (float)s.motion.xrel;
                ev->dy = (float)s.motion.yrel;
                return 1;
            }
            ev->type = WEV_MOTION;
            return 1;
        default:
            break;
        }
    }
    return 0;
}
