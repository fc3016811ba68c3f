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
#include "report/estimate.h"
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

/* One knob turned on the base model: the whole-training cost beside the
 * base's. */
typedef enum Knob { K_BASE, K_N1, K_N3, K_KAPPA_HALF, K_KAPPA_DOUBLE, K_EPS, K_KEPT1, K_KEPT50, K_T50, K_T200, K_S32,
                    K_S128, K_COUNT } Knob;

static void knob_apply(ModelProblem *m, Knob k, const char **what)
{
    static const char *const names[K_COUNT] = {
        "base (resnet7m)",      "Carleman order N = 1", "Carleman order N = 3", "kappa0 / 2 (101)",
        "kappa0 x 2 (404)",     "precision 1e-3",       "kept 1% (99% pruned)", "kept 50%",
        "T = 50, 200 uploads",  "T = 200, 50 uploads",  "Hessian sparsity 32",  "Hessian sparsity 128"};
    *what = names[k];
    switch (k) {
    case K_BASE: break;
    case K_N1: m->N = 1; break;
    case K_N3: m->N = 3; break;
    case K_KAPPA_HALF: m->kappa0 /= 2; break;
    case K_KAPPA_DOUBLE: m->kappa0 *= 2; break;
    case K_EPS: m->eps = 1e-3; break;
    case K_KEPT1:
    case K_KEPT50: {
        double r0 = mpz_get_d(m->r);
        mpz_fdiv_q_ui(m->r, m->n, k == K_KEPT1 ? 100 : 2);
        m->u_norm *= sqrt(mpz_get_d(m->r) / r0);
        break;
    }
    case K_T50:
    case K_T200: {
        uint64_t steps = m->T * m->uploads;
        m->T = k == K_T50 ? 50 : 200;
        m->uploads = steps / m->T;
        m->kappa0 = 2.0 * (double)(m->T + 1);
        break;
    }
    case K_S32:
    case K_S128:
        m->F[1].sparsity = k == K_S32 ? 32 : 128;
        mpz_mul_ui(m->F[1].nnz, m->F[1].rows, m->F[1].sparsity);
        break;
    case K_COUNT: break;
    }
}

static void knobs(const ModelProblem *base)
{
    puts("\n== Which knob moves the cost (resnet7m, one change at a time; whole training = runs x uploads)");
    printf("%-24s %7s %6s %8s %12s %12s %12s %12s %10s\n", "change", "qubits", "clock", "alpha_M", "CCZ/run",
           "runs/upload", "CCZ total", "years(e4)", "vs base");
    double base_total = 0;
    for (Knob k = K_BASE; k < K_COUNT; k++) {
        ModelProblem m;
        model_copy(&m, base);
        const char *what;
        knob_apply(&m, k, &what);
        EstimateOptions o = {.models = {"qubit_gate_ns_e4"}};
        Estimate e;
        char *err = NULL;
        if (!estimate_build(&m, NULL, &o, &e, &err)) {
            printf("%-24s %s\n", what, err);
            free(err);
            estimate_free(&e);
            model_free(&m);
            continue;
        }
        double total = mpz_get_d(e.total_ccz);
        if (k == K_BASE)
            base_total = total;
        double years = e.phys_ok[0] ? e.total_seconds[0] / 3.156e7 : NAN;
        printf("%-24s %7u %6u %8.4g %12.4g %12.4g %12.4g %12.3g %9.3gx\n", what, e.run.qubits_peak, e.p, e.be.alpha_M,
               mpz_get_d(e.run.ccz), mpz_get_d(e.runs), total, years, total / base_total);
        estimate_free(&e);
        model_free(&m);
    }
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
    printf("slowest estimate: %.3f ms\n", worst * 1e3);
    knobs(&base);
    model_free(&base);
    return 0;
}
