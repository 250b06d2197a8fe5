/* test_optim_torch.c — the optimisers of src/engine/nn/optim.c against PyTorch:
 * tests/ref/make_optim_fixtures.py ran torch.optim.Adam (with and without L2 weight decay),
 * AdamW and SGD with momentum (with and without weight decay), and clip_grad_norm_ before Adam,
 * for 5 steps on two float32-exact parameter tensors with fixed float32-exact gradients, in
 * float64. Ours, in float32, must give the same parameters after every step to 1e-6 relative
 * (and the same global norm before clipping). */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/optim.h"
#include "fixture.h"
#include "tmpdir.h"

#ifndef OPTIM_FIXTURES
#define OPTIM_FIXTURES "tests/ref/optim"
#endif

enum { NA = 7, NB = 5, STEPS = 5 };
#define TOL 1e-6

TestSuite(optim_torch);

static double *tensor(const char *text, const char *name, size_t want) { return fixture_values(text, name, want); }

static void close_to(const char *fix, const char *what, int step, size_t i, double ours, double theirs)
{
    cr_assert(fabs(ours - theirs) <= TOL * fabs(theirs) + 1e-9, "%s: %s[%zu] after step %d is %.9g here, %.9g in PyTorch (rel %.3g)",
              fix, what, i, step, ours, theirs, fabs(ours - theirs) / fmax(fabs(theirs), 1e-30));
}

static void run_case(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s.txt", OPTIM_FIXTURES, name);
    size_t len;
    char *text = tmp_slurp(path, &len);
    cr_assert_not_null(text, "missing fixture %s (run tests/ref/make_optim_fixtures.py)", path);
    double *cfg = tensor(text, "cfg", 8);
    OptKind kind = (OptKind)(int)cfg[0];
    float lr = (float)cfg[1], clip = (float)cfg[7];
    Optim o;
    optim_init(&o, kind, lr);
    o.beta1 = (float)cfg[2];
    o.beta2 = (float)cfg[3];
    o.eps = (float)cfg[4];
    o.weight_decay = (float)cfg[5];
    o.momentum = (float)cfg[6];

    float a[NA], b[NB], ga[NA], gb[NB];
    double *a0 = tensor(text, "a0", NA), *b0 = tensor(text, "b0", NB);
    for (int i = 0; i < NA; i++) a[i] = (float)a0[i];
    for (int i = 0; i < NB; i++) b[i] = (float)b0[i];
    optim_add(&o, a, ga, NA);
    optim_add(&o, b, gb, NB);
    int moved = 0;
    for (int k = 1; k <= STEPS; k++) {
        char nm[16];
        snprintf(nm, sizeof nm, "ga%d", k);
        double *g1 = tensor(text, nm, NA);
        snprintf(nm, sizeof nm, "gb%d", k);
        double *g2 = tensor(text, nm, NB);
        for (int i = 0; i < NA; i++) ga[i] = (float)g1[i];
        for (int i = 0; i < NB; i++) gb[i] = (float)g2[i];
        if (clip > 0) {
            double norm = optim_clip(&o, clip);
            snprintf(nm, sizeof nm, "n%d", k);
            double *n = tensor(text, nm, 1);
            close_to(name, "norm", k, 0, norm, n[0]);
            cr_assert(norm > clip, "%s: the fixture's gradients should be clipped (norm %.3g)", name, norm);
            free(n);
        }
        optim_step(&o, lr);
        snprintf(nm, sizeof nm, "a%d", k);
        double *ta = tensor(text, nm, NA);
        snprintf(nm, sizeof nm, "b%d", k);
        double *tb = tensor(text, nm, NB);
        for (int i = 0; i < NA; i++) {
            close_to(name, "a", k, (size_t)i, a[i], ta[i]);
            moved += a[i] != (float)a0[i];
        }
        for (int i = 0; i < NB; i++) close_to(name, "b", k, (size_t)i, b[i], tb[i]);
        free(g1); free(g2); free(ta); free(tb);
    }
    cr_assert_gt(moved, 0, "%s: the parameters never moved", name);
    cr_assert_eq(o.t, STEPS);
    free(a0); free(b0); free(cfg);
    optim_free(&o);
    free(text);
}

Test(optim_torch, adam) { run_case("adam"); }
Test(optim_torch, adam_with_l2_weight_decay) { run_case("adam_l2"); }
Test(optim_torch, adamw) { run_case("adamw"); }
Test(optim_torch, adamw_strong_decay) { run_case("adamw_big"); }
Test(optim_torch, sgd_momentum) { run_case("sgd_mom"); }
Test(optim_torch, sgd_momentum_weight_decay) { run_case("sgd_mom_wd"); }
Test(optim_torch, clip_grad_norm_then_adam) { run_case("adam_clip"); }
