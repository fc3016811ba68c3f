/* estimate_bench — the estimate pass at model scale: the paper's ResNet
 * instances (Liu et al. 2024, supplement III.B: 7,451,044 parameters and
 * 103 million, both 90% pruned) and an n sweep from 10^3 to 10^9, each
 * estimate built and counted in its own timing. Results: docs/estimate.md.
 *
 * Assumptions of the instances (stated in docs/estimate.md):
 *   update map u ← u − η∇L of a local cubic model of the loss around the
 *   pruned weights: F_1 = −ηH (the Hessian, η = 0.01), F_2 = −η·(third
 *   derivatives, sorted multi-indices), F_0 = −η·∇L at the expansion point;
 *   Hessian row sparsity s_1 = 64 (a weight couples to its own filter),
 *   |H|max = 10, F_2 with s_2 = 64 per row/column, 32·n nonzeros and
 *   |∂³L|max = 10, ‖∇L‖ = 1, ‖u‖ = 0.1·√r (r kept weights of size 0.1);
 *   T = 100 steps per upload (the paper's re-upload interval), N = 2,
 *   κ0 = 2(T+1) = 202, ε = 10^-2, r = 10% of n kept, 100 uploads. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passes/estimate.h"
#include "support/util.h"

static void make_model(ModelProblem *m, const char *name, const char *n_text, unsigned q)
{
    model_init(m);
    m->name = xstrdup(name);
    mpz_set_str(m->n, n_text, 10);
    m->q = q;
    double eta = 0.01;
    m->F[0].present = true;
    m->F[0].norm2 = eta * 1.0;
    m->F[0].max_abs = eta;
    m->F[1].present = true;
    m->F[1].sparsity = 64;
    m->F[1].max_abs = eta * 10;
    mpz_set(m->F[1].rows, m->n);
    mpz_set(m->F[1].cols, m->n);
    mpz_mul_ui(m->F[1].nnz, m->n, 64);
    if (q >= 2) {
        m->F[2].present = true;
        m->F[2].sparsity = 64;
        m->F[2].max_abs = eta * 10;
        mpz_set(m->F[2].rows, m->n);
        mpz_mul_ui(m->F[2].nnz, m->n, 32);
        mpz_set(m->F[2].cols, m->F[2].nnz);
    }
    mpz_fdiv_q_ui(m->r, m->n, 10);
    m->u_norm = 0.1 * sqrt(mpz_get_d(m->r));
    m->T = 100, m->N = 2, m->P = 0, m->kappa0 = 202, m->eps = 1e-2, m->uploads = 100;
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
    ModelProblem m;
    puts("== ResNet-32x4, 7,451,044 parameters, 90% pruned (degree 2)");
    make_model(&m, "resnet7m", "7451044", 2);
    run(&m, true);
    model_free(&m);
    puts("\n== ResNet, 103,000,000 parameters, 90% pruned (degree 2)");
    make_model(&m, "resnet103m", "103000000", 2);
    run(&m, true);
    model_free(&m);

    puts("\n== n sweep (degree 2, the same per-row assumptions), one estimate per line");
    printf("%-12s %7s %6s %8s %14s %14s %14s %12s\n", "n", "qubits", "clock", "alpha_M", "queries", "CCZ/run",
           "rotations", "time");
    double worst = 0;
    for (int k = 3; k <= 9; k++) {
        char nt[32];
        snprintf(nt, sizeof nt, "1%0*d", k, 0);
        make_model(&m, nt, nt, 2);
        double dt = run(&m, false);
        if (dt > worst)
            worst = dt;
        model_free(&m);
    }
    printf("slowest estimate: %.3f ms\n", worst * 1e3);
    return 0;
}
