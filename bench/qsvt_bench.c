/* qsvt_bench.c — the QSVT solver's figures for docs/qsvt.md:
 *
 * 1. Phase factors: the filtered inverse (no edge) at a cut giving degree
 *    about 10^4, its symmetric phases by the fixed-point iteration on one
 *    thread (seconds, iterations), and the QSP product multiplied out in
 *    long double against the polynomial on 2001 points (max error).
 * 2. The kappa sweep: test matrices with a known spectrum — 16×16,
 *    eigenvalues ±(1/κ … 1) geometrically spaced, rotated by a Householder
 *    reflection so the matrix is dense — for κ = 10 … 10^4 at ε = 1e-3:
 *    qgdc builds the Pauli block encoding and both solvers (QSVT counted,
 *    not built, beyond what is simulated; phase estimation with the clock
 *    bits its rule gives for the same ε) and reads off walk calls per
 *    solve (QSVT: the degree; phase estimation: 2(2^p − 1) controlled
 *    walks). The least-squares slope of ln(walks) against ln(κ_eff),
 *    κ_eff = α/λ_min, is the exponent a; then ε = 1e-2 … 1e-8 at κ = 100
 *    shows the log(1/ε) factor beside phase estimation's 1/√ε rule.
 *    For κ ≤ 100 the QSVT circuit is built with its phases and simulated:
 *    the fidelity of the kept state with M⁻¹b (all eigenvalues are above
 *    the cut) is printed.
 * Plot: docs/qsvt_sweep.svg (walks against κ_eff, both solvers).
 * Run: make bench (or build/release/bench/qsvt_bench [--no-plot]). */
#include <complex.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ir/linear.h"
#include "passes/qsolve.h"
#include "passes/qsp.h"
#include "sim/exec.h"
#include "support/plot.h"
#include "support/util.h"

#define DIM 16

static void test_matrix(double kappa, double *A)
{
    double lam[DIM], v[DIM], vv = 0;
    for (int i = 0; i < DIM / 2; i++) {
        double l = pow(kappa, -(double)i / (DIM / 2 - 1));
        lam[2 * i] = l, lam[2 * i + 1] = -l;
    }
    for (int i = 0; i < DIM; i++)
        v[i] = 1 + 0.1 * i, vv += v[i] * v[i];
    /* A = Q diag(λ) Q, Q = I − 2vvᵀ/vᵀv (symmetric, orthogonal) */
    double Q[DIM][DIM];
    for (int r = 0; r < DIM; r++)
        for (int c = 0; c < DIM; c++)
            Q[r][c] = (r == c) - 2 * v[r] * v[c] / vv;
    for (int r = 0; r < DIM; r++)
        for (int c = 0; c < DIM; c++) {
            double s = 0;
            for (int k = 0; k < DIM; k++)
                s += Q[r][k] * lam[k] * Q[k][c];
            A[r * DIM + c] = s;
        }
    for (int r = 0; r < DIM; r++) /* exactly symmetric: no dilation */
        for (int c = 0; c < r; c++)
            A[r * DIM + c] = A[c * DIM + r];
}

static void to_sp(const double *A, SpMat *M)
{
    SpBuilder b;
    sp_builder_init(&b, DIM, DIM);
    for (int r = 0; r < DIM; r++)
        for (int c = 0; c < DIM; c++)
            if (A[r * DIM + c] != 0)
                sp_push(&b, (size_t)r, (size_t)c, A[r * DIM + c]);
    sp_builder_finish(&b, M);
}

/* the fidelity of the simulated kept state with A⁻¹b */
static double simulate_fidelity(const QSolve *q, const double *A, const double *b)
{
    /* A⁻¹b by Gauss–Jordan on the small dense matrix */
    double aug[DIM][DIM + 1];
    for (int r = 0; r < DIM; r++) {
        for (int c = 0; c < DIM; c++)
            aug[r][c] = A[r * DIM + c];
        aug[r][DIM] = b[r];
    }
    for (int c = 0; c < DIM; c++) {
        int p = c;
        for (int r = c + 1; r < DIM; r++)
            if (fabs(aug[r][c]) > fabs(aug[p][c]))
                p = r;
        for (int k = 0; k <= DIM; k++) {
            double t = aug[c][k];
            aug[c][k] = aug[p][k], aug[p][k] = t;
        }
        for (int r = 0; r < DIM; r++) {
            if (r == c)
                continue;
            double f = aug[r][c] / aug[c][c];
            for (int k = c; k <= DIM; k++)
                aug[r][k] -= f * aug[c][k];
        }
    }
    double x[DIM], xx = 0;
    for (int r = 0; r < DIM; r++)
        x[r] = aug[r][DIM] / aug[r][r], xx += x[r] * x[r];
    SimRunOptions so = {.seed = 1};
    SimRunResult rr = {0};
    char *err = NULL;
    StateVec *sv = sim_run_new(&q->c, &so, &rr, &err);
    if (!sv) {
        fprintf(stderr, "qsvt_bench: %s\n", err);
        exit(1);
    }
    if (!(rr.post_product > 0))
        fprintf(stderr, "qsvt_bench: kept probability %g\n", rr.post_product);
    double complex ov = 0;
    double nn = 0;
    for (int i = 0; i < DIM; i++) {
        double complex a = sv->amp[q->sys + (uint64_t)i];
        ov += a * x[i], nn += creal(a * conj(a));
    }
    sim_destroy(sv);
    sim_run_result_free(&rr);
    return cabs(ov) / sqrt(nn * xx);
}

static void fit(const double *x, const double *y, int n, double *slope)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int i = 0; i < n; i++) {
        double lx = log(x[i]), ly = log(y[i]);
        sx += lx, sy += ly, sxx += lx * lx, sxy += lx * ly;
    }
    *slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

int main(int argc, char **argv)
{
    bool plot = true, phases = true;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--no-plot"))
            plot = false;
        else if (!strcmp(argv[i], "--sweep-only"))
            phases = false;
    }
    char *err = NULL;

    /* 1. phase factors at degree ~10^4, one thread */
    omp_set_num_threads(1);
    double a = 0.00116, eps = 1e-6;
    QspPoly p;
    if (!phases)
        goto sweep;
    if (!qsp_inverse_poly(a, 0, QSP_SCALE, eps, QSP_MAX_DEGREE, &p, &err)) {
        fprintf(stderr, "qsvt_bench: %s\n", err);
        return 1;
    }
    double *ph = xmalloc(((size_t)p.degree + 1) * sizeof *ph);
    QspStats st;
    clock_t c0 = clock();
    bool ok = qsp_phases(p.cheb, p.degree, QSP_TOL, QSP_MAX_ITER, ph, &st, &err);
    double cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
    if (!ok) {
        fprintf(stderr, "qsvt_bench: %s\n", err);
        return 1;
    }
    double worst = 0;
    for (int i = 0; i <= 2000; i++) {
        double x = -1 + 2.0 * i / 2000;
        worst = fmax(worst, fabs(creal(qsp_eval(ph, p.degree, x)) - qsp_poly_eval(&p, x)));
    }
    printf("phase factors: cut a = %g, error %g: degree %u, scale %.3f; %u iterations, residual %.2g, %.2f s CPU "
           "on one thread (%.2f s wall); QSP product vs polynomial (2001 points, long double) max %.2g\n",
           a, eps, p.degree, p.norm, st.iterations, st.residual, cpu, st.seconds, worst);
    free(ph);
    qsp_poly_free(&p);
    omp_set_num_threads(omp_get_num_procs());
sweep:;

    /* 2. the kappa sweep at ε = 1e-3 */
    static const double kappas[] = {10, 30, 100, 300, 1000, 3000, 10000};
    int nk = (int)(sizeof kappas / sizeof *kappas);
    double keff[8], wq[8], wp[8];
    double b[DIM];
    for (int i = 0; i < DIM; i++)
        b[i] = 1.0 / sqrt((double)DIM) * (1 + 0.05 * (i % 3));
    printf("\nkappa sweep (16x16, spectrum +-(1/kappa .. 1), eps = 1e-3): walk calls per solve\n");
    printf("  %8s %10s %8s %10s %12s %6s %12s %8s %10s\n", "kappa", "kappa_eff", "alpha", "QSVT", "QSVT/k_eff",
           "p", "QPE walks", "QPE/QSVT", "fidelity");
    for (int k = 0; k < nk; k++) {
        double A[DIM * DIM];
        test_matrix(kappas[k], A);
        SpMat M;
        to_sp(A, &M);
        /* the cut just under the smallest eigenvalue: κ0 = 0.9·κ filters nothing */
        bool simulate = kappas[k] <= 100;
        QSolveOptions qo = {.kappa0 = 0.9 * kappas[k], .precision = 1e-3, .qsvt = true, .qsvt_eps = 1e-3,
                            .qsvt_counted = !simulate};
        QSolve qs, qp;
        if (!qsolve_build(&M, b, &qo, &qs, &err)) {
            fprintf(stderr, "qsvt_bench: %s\n", err);
            return 1;
        }
        QSolveOptions po = {.kappa0 = 0.9 * kappas[k], .precision = 1e-3};
        if (!qsolve_build(&M, b, &po, &qp, &err)) {
            fprintf(stderr, "qsvt_bench: %s\n", err);
            return 1;
        }
        keff[k] = qs.alpha / qs.lambda_min;
        wq[k] = qs.poly->degree;
        wp[k] = 2 * (ldexp(1.0, (int)qp.p) - 1);
        char fid[32] = "-";
        if (simulate)
            snprintf(fid, sizeof fid, "%.6f", simulate_fidelity(&qs, A, b));
        printf("  %8g %10.4g %8.4g %10.0f %12.3f %6u %12.0f %8.2f %10s\n", kappas[k], keff[k], qs.alpha, wq[k],
               wq[k] / keff[k], qp.p, wp[k], wp[k] / wq[k], fid);
        qsolve_free(&qs);
        qsolve_free(&qp);
        sp_free(&M);
    }
    double sq, sp;
    fit(keff, wq, nk, &sq);
    fit(keff, wp, nk, &sp);
    printf("  fit walks ~ kappa_eff^a: QSVT a = %.3f, phase estimation a = %.3f\n", sq, sp);

    /* ε at κ = 100 */
    printf("\nprecision at kappa = 100: walk calls per solve\n");
    printf("  %8s %10s %14s %6s %12s %8s\n", "eps", "QSVT", "QSVT/ln(1/eps)", "p", "QPE walks", "QPE/QSVT");
    {
        double A[DIM * DIM];
        test_matrix(100, A);
        SpMat M;
        to_sp(A, &M);
        for (int e = 2; e <= 8; e += 2) {
            double ep = pow(10, -e);
            QSolveOptions qo = {.kappa0 = 90, .precision = ep, .qsvt = true, .qsvt_eps = ep, .qsvt_counted = true};
            QSolveOptions po = {.kappa0 = 90, .precision = ep};
            QSolve qs, qp;
            if (!qsolve_build(&M, b, &qo, &qs, &err) || !qsolve_build(&M, b, &po, &qp, &err)) {
                fprintf(stderr, "qsvt_bench: %s\n", err);
                return 1;
            }
            double w = 2 * (ldexp(1.0, (int)qp.p) - 1);
            printf("  %8.0e %10u %14.1f %6u %12.0f %8.2f\n", ep, qs.poly->degree, qs.poly->degree / log(1 / ep),
                   qp.p, w, w / qs.poly->degree);
            qsolve_free(&qs);
            qsolve_free(&qp);
        }
        sp_free(&M);
    }

    if (plot) {
        PlotSeries s[2] = {{.label = "QSVT (degree)", .x = keff, .y = wq, .n = (size_t)nk},
                           {.label = "phase estimation 2(2^p - 1)", .x = keff, .y = wp, .n = (size_t)nk}};
        Plot pl = {.title = "walk calls per solve against kappa_eff = alpha/lambda_min (eps = 1e-3)",
                   .xlabel = "kappa_eff",
                   .ylabel = "walk calls",
                   .logx = true,
                   .logy = true,
                   .series = s,
                   .nseries = 2,
                   .hline = NAN};
        if (!plot_lines_svg("docs/qsvt_sweep.svg", &pl)) {
            perror("qsvt_bench: docs/qsvt_sweep.svg");
            return 1;
        }
        printf("\nplot: docs/qsvt_sweep.svg\n");
    }
    return 0;
}
