/* fixture.h — reading the small text fixtures the scripts in tests/ref write with PyTorch: one tensor
 * per line, "name count v1 v2 …", values in float64. */
#ifndef TZ_TEST_FIXTURE_H
#define TZ_TEST_FIXTURE_H

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The want values of the tensor called name (malloc'd doubles); asserts that it is there with
 * exactly that many readable values. */
static inline double *fixture_values(const char *text, const char *name, size_t want)
{
    size_t nl = strlen(name);
    for (const char *p = text; *p;) {
        if (strncmp(p, name, nl) == 0 && p[nl] == ' ') {
            char *end;
            size_t n = strtoul(p + nl + 1, &end, 10);
            cr_assert_eq(n, want, "%s: %zu values in the fixture, %zu expected", name, n, want);
            double *v = malloc((n ? n : 1) * sizeof *v);
            for (size_t i = 0; i < n; i++) {
                const char *s = end;
                v[i] = strtod(s, &end);
                cr_assert(end != s, "%s: value %zu unreadable", name, i);
            }
            return v;
        }
        const char *e = strchr(p, '\n');
        if (!e) break;
        p = e + 1;
    }
    cr_assert_fail("%s: not in the fixture", name);
    return NULL;
}

/* Our n float32 values against the fixture's tensor called name: the worst
 * |ours − theirs| / max(|theirs|, floor) (relative, but absolute below floor), asserted to stay
 * ≤ tol; returns it, so that a test can report how close it came. */
static inline double fixture_compare(const char *text, const char *name, const float *ours, size_t n, double floor,
                                     double tol)
{
    double *theirs = fixture_values(text, name, n), worst = 0;
    for (size_t i = 0; i < n; i++) {
        double e = fabs(ours[i] - theirs[i]) / fmax(floor, fabs(theirs[i]));
        cr_assert(e <= tol, "%s[%zu] is %.9g here, %.9g in PyTorch (diff %.3g)", name, i, (double)ours[i], theirs[i],
                  ours[i] - theirs[i]);
        worst = fmax(worst, e);
    }
    free(theirs);
    return worst;
}

#endif
