/* colormap.c — see colormap.h.
 *
 * How the tables are made (once, on first use, in double precision):
 *  1. A curve in OKLab. Lightness L is a straight ramp along the curve's parameter; hue and
 *     chroma come from a few control points (OKLCh: chroma C, hue angle h) placed at equal
 *     steps of the parameter and joined by a Catmull–Rom spline in the (a, b) plane, so the
 *     colour turns smoothly instead of bending at each control point.
 *  2. Gamut clipping. Where a point of the curve is a colour no sRGB screen can show, it keeps
 *     its lightness and hue and loses chroma (bisection) until it fits: the lightness ramp,
 *     the property that matters most, is untouched.
 *  3. Even perceptual steps. The curve is sampled finely and re-parametrised by its length
 *     in OKLab (where Euclidean distance approximates perceived difference), so that the 256
 *     entries are equally far apart to the eye: a step of 0.1 in the data looks the same size
 *     at the dark end as at the light end.
 *  4. Rounding to 8 bits, keeping the order. Each entry is rounded to 8-bit sRGB; if the
 *     rounding would make its lightness fail to grow (the steps are small: about 0.0025 in L
 *     between neighbours), the nearest 8-bit colour around it that keeps L growing is taken.
 * The diverging map is two such curves from its white centre outwards, one per sign, with the
 * same lightness and chroma profile and only the hue different, so each entry's lightness
 * equals its mirror image's.
 */
#include "viz/colormap.h"

#include <math.h>
#include <pthread.h>
#include <stddef.h>

const Rgba CMAP_NAN = { 160, 160, 160, 255 };

/* --- OKLab ------------------------------------------------------------------------------- */
/* OKLab (Björn Ottosson, 2020): linear sRGB → an LMS-like cone response → cube root →
 * (L, a, b). The matrices are the ones that define the space. */

static double to_linear(double u) { return u <= 0.04045 ? u / 12.92 : pow((u + 0.055) / 1.055, 2.4); }
static double to_gamma(double u) { return u <= 0.0031308 ? 12.92 * u : 1.055 * pow(u, 1 / 2.4) - 0.055; }

static void lin_to_oklab(const double c[3], double lab[3])
{
    double l = 0.4122214708 * c[0] + 0.5363325363 * c[1] + 0.0514459929 * c[2];
    double m = 0.2119034982 * c[0] + 0.6806995451 * c[1] + 0.1073969566 * c[2];
    double s = 0.0883024619 * c[0] + 0.2817188376 * c[1] + 0.6299787005 * c[2];
    l = cbrt(l); m = cbrt(m); s = cbrt(s);
    lab[0] = 0.2104542553 * l + 0.7936177850 * m - 0.0040720468 * s;
    lab[1] = 1.9779984951 * l - 2.4285922050 * m + 0.4505937099 * s;
    lab[2] = 0.0259040371 * l + 0.7827717662 * m - 0.8086757660 * s;
}

static void oklab_to_lin(const double lab[3], double c[3])
{
    double l = lab[0] + 0.3963377774 * lab[1] + 0.2158037573 * lab[2];
    double m = lab[0] - 0.1055613458 * lab[1] - 0.0638541728 * lab[2];
    double s = lab[0] - 0.0894841775 * lab[1] - 1.2914855480 * lab[2];
    l = l * l * l; m = m * m * m; s = s * s * s;
    c[0] = 4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s;
    c[1] = -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s;
    c[2] = -0.0041960863 * l - 0.7034186147 * m + 1.7076147010 * s;
}

static void rgba_to_oklab(Rgba c, double lab[3])
{
    double lin[3] = { to_linear(c.r / 255.0), to_linear(c.g / 255.0), to_linear(c.b / 255.0) };
    lin_to_oklab(lin, lab);
}

static int in_gamut(const double c[3])
{
    const double eps = 1e-7;
    return c[0] >= -eps && c[0] <= 1 + eps && c[1] >= -eps && c[1] <= 1 + eps && c[2] >= -eps && c[2] <= 1 + eps;
}

/* Scale (a, b) down until the colour fits sRGB: same lightness, same hue, less chroma. */
static void clip_chroma(double lab[3])
{
    double c[3];
    if (lab[0] <= 0) { lab[0] = 0; lab[1] = lab[2] = 0; return; }
    if (lab[0] >= 1) { lab[0] = 1; lab[1] = lab[2] = 0; return; }
    oklab_to_lin(lab, c);
    if (in_gamut(c)) return;
    double lo = 0, hi = 1, t[3] = { lab[0], 0, 0 };
    for (int i = 0; i < 40; i++) {                   /* grey (k = 0) always fits */
        double k = (lo + hi) / 2;
        t[1] = lab[1] * k; t[2] = lab[2] * k;
        oklab_to_lin(t, c);
        if (in_gamut(c)) lo = k; else hi = k;
    }
    lab[1] *= lo;
    lab[2] *= lo;
}

static uint8_t to_byte(double lin)
{
    double u = to_gamma(lin < 0 ? 0 : lin > 1 ? 1 : lin);
    return (uint8_t)lrint(u * 255);
}

void cmap_to_oklab(Rgba c, float lab[3])
{
    double d[3];
    rgba_to_oklab(c, d);
    for (int k = 0; k < 3; k++) lab[k] = (float)d[k];
}

Rgba cmap_from_oklab(float L, float a, float b)
{
    double lab[3] = { L, a, b }, c[3];
    clip_chroma(lab);
    oklab_to_lin(lab, c);
    return (Rgba){ to_byte(c[0]), to_byte(c[1]), to_byte(c[2]), 255 };
}

/* The 8-bit colour nearest (in OKLab) to lab whose lightness is beyond `bound` in the
 * direction dir (+1: greater, -1: smaller); the plain rounding when that already is. */
static Rgba quantise(const double lab[3], double bound, int dir)
{
    double c[3];
    oklab_to_lin(lab, c);
    Rgba best = { to_byte(c[0]), to_byte(c[1]), to_byte(c[2]), 255 };
    double q[3];
    rgba_to_oklab(best, q);
    if ((q[0] - bound) * dir > 1e-6) return best;
    double best_d = INFINITY;
    Rgba base = best;
    for (int radius = 1; radius <= 4 && best_d == INFINITY; radius++)
        for (int dr = -radius; dr <= radius; dr++)
            for (int dg = -radius; dg <= radius; dg++)
                for (int db = -radius; db <= radius; db++) {
                    int r = base.r + dr, g = base.g + dg, b = base.b + db;
                    if (r < 0 || g < 0 || b < 0 || r > 255 || g > 255 || b > 255) continue;
                    Rgba cand = { (uint8_t)r, (uint8_t)g, (uint8_t)b, 255 };
                    rgba_to_oklab(cand, q);
                    if ((q[0] - bound) * dir <= 1e-6) continue;
                    double d = (q[0] - lab[0]) * (q[0] - lab[0]) + (q[1] - lab[1]) * (q[1] - lab[1]) +
                               (q[2] - lab[2]) * (q[2] - lab[2]);
                    if (d < best_d) { best_d = d; best = cand; }
                }
    return best;
}

/* --- the curves -------------------------------------------------------------------------- */

typedef struct { double C, h; } Lch;     /* chroma and hue angle in degrees */

/* Sequential: lightness from L0 to L1; chroma and hue at five equally spaced control
 * points: an indigo, a blue, a teal, a green and a yellow. The chroma dips in the middle,
 * where the gamut of screens is narrowest between blue and green, and rises to the
 * yellow, which needs chroma to look yellow rather than beige. */
static const double SEQ_L0 = 0.27, SEQ_L1 = 0.935;
static const Lch SEQ_CTRL[] = { { 0.120, 292 }, { 0.110, 262 }, { 0.095, 205 }, { 0.145, 150 }, { 0.180, 108 } };
#define SEQ_K ((int)(sizeof SEQ_CTRL / sizeof *SEQ_CTRL))

static void lch_ab(Lch p, double ab[2])
{
    ab[0] = p.C * cos(p.h * M_PI / 180);
    ab[1] = p.C * sin(p.h * M_PI / 180);
}

/* The point at parameter u in [0, 1] of the sequential curve, gamut-clipped. */
static void seq_curve(double u, double lab[3])
{
    double x = u * (SEQ_K - 1);
    int i = (int)floor(x);
    if (i > SEQ_K - 2) i = SEQ_K - 2;
    if (i < 0) i = 0;
    double t = x - i, P[4][2];
    for (int k = 0; k < 4; k++) {                    /* P1, P2 the segment's ends; ends repeated */
        int j = i - 1 + k;
        j = j < 0 ? 0 : j > SEQ_K - 1 ? SEQ_K - 1 : j;
        lch_ab(SEQ_CTRL[j], P[k]);
    }
    double t2 = t * t, t3 = t2 * t;                  /* uniform Catmull–Rom */
    for (int d = 0; d < 2; d++)
        lab[1 + d] = 0.5 * (2 * P[1][d] + (-P[0][d] + P[2][d]) * t + (2 * P[0][d] - 5 * P[1][d] + 4 * P[2][d] - P[3][d]) * t2 +
                            (-P[0][d] + 3 * P[1][d] - 3 * P[2][d] + P[3][d]) * t3);
    lab[0] = SEQ_L0 + (SEQ_L1 - SEQ_L0) * u;
    clip_chroma(lab);
}

/* Diverging: s = 0 at the centre, 1 at either end. Lightness falls linearly from DIV_LC to
 * DIV_LE; chroma grows from 0 with a slight outward bow (s(1.4 - 0.4 s)), so that the
 * half-way colours are still clearly blue or red rather than washed out. */
static const double DIV_LC = 0.965, DIV_LE = 0.46, DIV_C = 0.150;
static const double DIV_HUE_NEG = 255, DIV_HUE_POS = 27;   /* blue, red */

static void div_curve(double s, double hue, double lab[3])
{
    double C = DIV_C * s * (1.4 - 0.4 * s);
    lab[0] = DIV_LC + (DIV_LE - DIV_LC) * s;
    lab[1] = C * cos(hue * M_PI / 180);
    lab[2] = C * sin(hue * M_PI / 180);
    clip_chroma(lab);
}

/* Re-parametrise a curve by its length in OKLab: fill u[0..n) with the parameters at which
 * the length travelled from `from` is equally spaced, from the length at `from` to 1. */
#define FINE 4096
static void even_steps(void (*curve)(double, void *, double[3]), void *ud, double from, double *u, int n)
{
    static double len[FINE + 1];
    double prev[3], cur[3];
    curve(from, ud, prev);
    len[0] = 0;
    for (int i = 1; i <= FINE; i++) {
        curve(from + (1 - from) * i / FINE, ud, cur);
        len[i] = len[i - 1] + sqrt((cur[0] - prev[0]) * (cur[0] - prev[0]) + (cur[1] - prev[1]) * (cur[1] - prev[1]) +
                                   (cur[2] - prev[2]) * (cur[2] - prev[2]));
        for (int k = 0; k < 3; k++) prev[k] = cur[k];
    }
    int j = 0;
    for (int i = 0; i < n; i++) {
        double target = len[FINE] * i / (n - 1);
        while (j < FINE - 1 && len[j + 1] < target) j++;
        double seg = len[j + 1] - len[j], f = seg > 0 ? (target - len[j]) / seg : 0;
        f = f < 0 ? 0 : f > 1 ? 1 : f;
        u[i] = from + (1 - from) * (j + f) / FINE;
    }
}

static void seq_thunk(double u, void *ud, double lab[3]) { (void)ud; seq_curve(u, lab); }
static void div_thunk(double s, void *ud, double lab[3]) { div_curve(s, *(const double *)ud, lab); }

static Rgba SEQ[CMAP_N], DIV[CMAP_N];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void build(void)
{
    double u[CMAP_N], lab[3], bound = -1;
    even_steps(seq_thunk, NULL, 0, u, CMAP_N);
    for (int i = 0; i < CMAP_N; i++) {
        seq_curve(u[i], lab);
        SEQ[i] = quantise(lab, bound, +1);
        double q[3];
        rgba_to_oklab(SEQ[i], q);
        bound = q[0];
    }
    /* Diverging: entry 128 + j and its mirror 127 - j lie at s = (2j + 1) / 255 from the
     * centre. Both halves use the blue half's spacing (the halves differ only by hue, so
     * their lengths match but for gamut clipping), which keeps their lightness mirrored. */
    enum { HALF = CMAP_N / 2 };
    double s[HALF], hue = DIV_HUE_NEG;
    even_steps(div_thunk, &hue, 1.0 / (CMAP_N - 1), s, HALF);
    for (int side = 0; side < 2; side++) {
        double h = side ? DIV_HUE_POS : DIV_HUE_NEG;
        bound = 2;
        for (int j = 0; j < HALF; j++) {
            div_curve(s[j], h, lab);
            Rgba c = quantise(lab, bound, -1);
            double q[3];
            rgba_to_oklab(c, q);
            bound = q[0];
            if (side) DIV[HALF + j] = c; else DIV[HALF - 1 - j] = c;
        }
    }
}

const Rgba *cmap_table(CmapKind k)
{
    pthread_once(&once, build);
    return k == CMAP_DIV ? DIV : SEQ;
}

Rgba cmap_at(CmapKind k, float t)
{
    if (isnan(t)) return CMAP_NAN;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    return cmap_table(k)[(int)lrintf(t * (CMAP_N - 1))];
}

Rgba cmap_seq(float t) { return cmap_at(CMAP_SEQ, t); }
Rgba cmap_div(float t) { return cmap_at(CMAP_DIV, t); }

float cmap_t(CmapKind k, float v, float vmin, float vmax)
{
    if (isnan(v)) return NAN;
    float t;
    if (k == CMAP_DIV) {
        float m = fmaxf(fabsf(vmin), fabsf(vmax));
        t = m > 0 && isfinite(m) ? 0.5f + 0.5f * v / m : 0.5f + (v > 0 ? 0.5f : v < 0 ? -0.5f : 0);
    } else {
        t = vmax > vmin ? (v - vmin) / (vmax - vmin) : 0.5f;
    }
    return t < 0 ? 0 : t > 1 ? 1 : t;
}

Rgba cmap_value(CmapKind k, float v, float vmin, float vmax) { return cmap_at(k, cmap_t(k, v, vmin, vmax)); }
Rgba cmap_seq_value(float v, float vmin, float vmax) { return cmap_value(CMAP_SEQ, v, vmin, vmax); }
Rgba cmap_div_value(float v, float vmin, float vmax) { return cmap_value(CMAP_DIV, v, vmin, vmax); }
