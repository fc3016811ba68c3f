/* estimate_bench — the estimate pass at model scale: the paper's ResNet
 * instances (Liu et al. 2024, supplement III.B: 7,451,044 parameters and
 * 103 million, both 90% pruned) read from examples/resnet7m.qgd and
 * examples/resnet103m.qgd (their assumptions are written there), and an n
 * sweep from 10^3 to 10^9 of the first with the same per-row shape, each
 * estimate built and counted in its own timing. Results: docs/estimate.md.
 * Run from the repository root (make bench does). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/sema.h"
#include "ir/model.h"
#include "passes/estimate.h"
#include "support/util.h"

/* The one model problem of an example file, copied out. */
static void load_model(const char *path, ModelProblem *m)
{
    ProblemSet ps;
    SrcFile *src = NULL;
    if (!frontend_load(path, &ps, &src) || ps.nmodel != 1) {
        fprintf(stderr, "estimate_bench: cannot read the model in %s (run from the repository root)\n", path);
        exit(1);
    }
    model_copy(m, ps.model[0]);
    problem_set_free(&ps);
    srcfile_free(src);
}

static double run(const ModelProblem *m, bool print)
{
    EstimateOptions o = {.count_walk = true};
    Estimate e;
    char *err = NULL;
    double t0 = monotonic_seconds();
    bool ok = estimate_build(m, NULL, &o, &e, &err);
    double dt = monotonic_seconds() - t0;
    if (!ok) {
        fprintf(stderr, "estimate_bench: %s\n", err);
        exit(1);
    }
    if (print)
        estimate_print(&e, stdout);
    else
        gmp_printf("%-12s %7u %6u %8.4g %14.4g %14.4g %14.4g %9.3f ms\n", m->name, e.run.qubits_peak, e.p,
                   e.be.alpha_M, mpz_get_d(e.queries), mpz_get_d(e.run.ccz), mpz_get_d(e.run.rotations), dt * 1e3);
    estimate_free(&e);
    return dt;
}

int main(void)
{
    ModelProblem m, base;
    puts("== ResNet-32x4, 7,451,044 parameters, 90% pruned (degree 2): examples/resnet7m.qgd");
    load_model("examples/resnet7m.qgd", &base);
    run(&base, true);
    puts("\n== ResNet, 103,000,000 parameters, 90% pruned (degree 2): examples/resnet103m.qgd");
    load_model("examples/resnet103m.qgd", &m);
    run(&m, true);
    model_free(&m);

    puts("\n== n sweep (resnet7m's per-row shape, kept = n/10), one estimate per line");
    printf("%-12s %7s %6s %8s %14s %14s %14s %12s\n", "n", "qubits", "clock", "alpha_M", "queries", "CCZ/run",
           "rotations", "time");
    double worst = 0;
    for (int k = 3; k <= 9; k++) {
        char nt[32];
        snprintf(nt, sizeof nt, "1%0*d", k, 0);
        model_copy(&m, &base);
        free(m.name);
        m.name = xstrdup(nt);
        mpz_t n;
        mpz_init_set_str(n, nt, 10);
        model_rescale_n(&m, n);
        mpz_clear(n);
        double dt = run(&m, false);
        if (dt > worst)
            worst = dt;
        model_free(&m);
    }
    model_free(&base);
    printf("slowest estimate: %.3f ms\n", worst * 1e3);
    return 0;
}
