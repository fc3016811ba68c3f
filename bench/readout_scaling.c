/* readout_scaling.c — the error of u(T) against the solver calls spent on
 * reading it out, for the two simulated protocols of readout_ae.h
 * (docs/readout.md, "Measured scaling"):
 *   l2_sampling           kept shots per circuit N = 10^2 … 10^6 (9 budgets);
 *   amplitude_estimation  t = 5 … 15 clock qubits (M = 2^t clock states),
 *                         R = 5 repetitions per estimate;
 * on tiny1, poly1 and a two-parameter problem (q2, below), each budget
 * over 8 seeds; the error is the mean over the seeds of
 *   linf  max_i |ũ_i − u_i|   and   l2  ‖ũ − u‖₂/‖u‖₂,
 * u the exact u(x_q) of the simulated kept state (run's "state" column).
 * Then the least-squares slope of ln(error) against ln(calls), the calls
 * each bound of readout_count asks for ε = 1e-2 and 1e-3 beside the calls
 * the fit says reach that error, and the model-scale counts of
 * readout_model_count for ResNet-7M's read-out (r = 745,104, ε = 1e-2,
 * P = P(solve)·P(read) = 2.451e-5 · 1.329e-6, docs/estimate.md).
 * Run: make bench (or build/release/bench/readout_scaling [FILE.qgd ...]). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/ast.h"
#include "frontend/sema.h"
#include "passes/readout_ae.h"
#include "support/diag.h"
#include "support/util.h"

#define NSEEDS 8
#define AE_REPS 5

typedef struct Series {
    double calls[16], linf[16], l2[16];
    size_t n;
    double slope_linf, slope_l2, icpt_linf, icpt_l2;
} Series;

static void fit(Series *s)
{
    readout_fit_loglog(s->calls, s->linf, s->n, &s->slope_linf, &s->icpt_linf);
    readout_fit_loglog(s->calls, s->l2, s->n, &s->slope_l2, &s->icpt_l2);
}

static bool measure(ReadoutSetup *rs, ReadoutProtocol p, Series *s)
{
    size_t n = rs->pl.n;
    memset(s, 0, sizeof *s);
    size_t nb = p == RO_L2_SAMPLING ? 9 : 11;
    for (size_t b = 0; b < nb; b++) {
        double el = 0, e2 = 0, calls = 0;
        for (unsigned sd = 0; sd < NSEEDS; sd++) {
            ReadoutEstimate e;
            char *err = NULL;
            bool ok = p == RO_L2_SAMPLING
                          ? readout_estimate_sampling(&rs->pl, &rs->pr, rs->sv, rs->sq, rs->k,
                                                      (uint64_t)llround(100 * pow(10, 0.5 * (double)b)), 1000 + sd,
                                                      &e, &err)
                          : readout_estimate_ae(&rs->pl, &rs->pr, (unsigned)(5 + b), AE_REPS, 1000 + sd, &e, &err);
            if (!ok) {
                fprintf(stderr, "readout_scaling: %s\n", err);
                free(err);
                return false;
            }
            el += readout_err_linf(e.u, rs->u_state, n) / NSEEDS;
            e2 += readout_err_l2(e.u, rs->u_state, n) / NSEEDS;
            calls = e.calls;
            readout_estimate_free(&e);
        }
        s->calls[s->n] = calls, s->linf[s->n] = el, s->l2[s->n] = e2;
        s->n++;
    }
    fit(s);
    return true;
}

/* calls at which the fitted line reaches error eps */
static double fit_calls(double slope, double icpt, double eps) { return exp((log(eps) - icpt) / slope); }

/* A two-parameter problem, so that ℓ∞ and ℓ2 differ (test_amplify.c's q2;
 * 12 qubits): path "q2" reads it from here. */
static const char *Q2 = "gd q2 {\n"
                        "    param u[2] = [0.5, -0.3];\n"
                        "    eta = 0.2;\n"
                        "    T = 1;\n"
                        "    loss = (u[0]^2 + 2*u[1]^2)/2 + 0.3*u[0]^2*u[1] - 0.1*u[1]^3;\n"
                        "    options { carleman_order = 1; }\n"
                        "}\n";

static bool load(const char *path, ProblemSet *ps, SrcFile **src)
{
    if (strcmp(path, "q2") != 0)
        return frontend_load(path, ps, src);
    *src = srcfile_from_string("q2.qgd", Q2, strlen(Q2));
    ParseResult *pr = parse_qgd(*src);
    bool ok = pr->nerrors == 0 && sema_build(pr, "examples", ps);
    parse_result_free(pr);
    return ok;
}

static int run_file(const char *path)
{
    ProblemSet ps;
    SrcFile *src;
    if (!load(path, &ps, &src))
        return 1;
    if (ps.ngd < 1) {
        fprintf(stderr, "readout_scaling: %s has no gd problem\n", path);
        problem_set_free(&ps);
        srcfile_free(src);
        return 1;
    }
    const GdProblem *p = ps.gd[0];
    ReadoutSetup rs;
    char *err = NULL;
    double t0 = monotonic_seconds();
    if (!readout_setup_gd(p, &rs, &err)) {
        fprintf(stderr, "readout_scaling: %s: %s\n", path, err);
        free(err);
        problem_set_free(&ps);
        srcfile_free(src);
        return 1;
    }
    size_t n = rs.pl.n;
    printf("== %s (%s): n = %zu, %u qubits, P(kept) = %.6g, p0 = %.6g, copies %zu\n", path, p->name, n,
           rs.qs.c.nqubits, rs.p_kept, rs.pr.p0, rs.pl.ncopies);
    for (size_t i = 0; i < n; i++)
        printf("   u_state[%zu] = %.12f, protocol limit %.12f (bias %.2g)\n", i, rs.u_state[i], rs.pr.u_limit[i],
               fabs(rs.u_state[i] - rs.pr.u_limit[i]));
    Series ss, sa;
    if (!measure(&rs, RO_L2_SAMPLING, &ss) || !measure(&rs, RO_AMPLITUDE_ESTIMATION, &sa)) {
        readout_setup_free(&rs);
        problem_set_free(&ps);
        srcfile_free(src);
        return 1;
    }
    printf("l2_sampling (%d seeds, mean error):\n  %10s %14s %12s %12s\n", NSEEDS, "shots", "solver calls", "linf",
           "l2");
    for (size_t i = 0; i < ss.n; i++)
        printf("  %10lld %14.4g %12.4g %12.4g\n", llround(100 * pow(10, 0.5 * (double)i)), ss.calls[i], ss.linf[i],
               ss.l2[i]);
    printf("  fitted slope of ln(error) on ln(calls): linf %.3f, l2 %.3f\n", ss.slope_linf, ss.slope_l2);
    printf("amplitude_estimation (R = %d, %d seeds, mean error):\n  %10s %14s %12s %12s\n", AE_REPS, NSEEDS,
           "clock bits", "solver calls", "linf", "l2");
    for (size_t i = 0; i < sa.n; i++)
        printf("  %10zu %14.4g %12.4g %12.4g\n", 5 + i, sa.calls[i], sa.linf[i], sa.l2[i]);
    printf("  fitted slope of ln(error) on ln(calls): linf %.3f, l2 %.3f\n", sa.slope_linf, sa.slope_l2);
    printf("calls for error eps (the bound, probability >= 0.95, against the fitted mean):\n");
    printf("  %-22s %-5s %8s %14s %14s %8s\n", "protocol", "meas", "eps", "bound", "fit", "ratio");
    for (int pi = RO_L2_SAMPLING; pi <= RO_AMPLITUDE_ESTIMATION; pi++)
        for (int mi = 0; mi < READOUT_NMEASURES; mi++)
            for (double eps = 1e-2; eps > 1e-4; eps /= 10) {
                ReadoutCount c;
                if (!readout_count((ReadoutProtocol)pi, (ReadoutMeasure)mi, &rs.pl, &rs.pr, eps, 0.05, &c, &err)) {
                    printf("  %-22s %-5s %8.0e  %s\n", readout_protocol_names[pi], readout_measure_names[mi], eps,
                           err);
                    free(err);
                    err = NULL;
                    continue;
                }
                const Series *s = pi == RO_L2_SAMPLING ? &ss : &sa;
                double f = mi == READOUT_LINF ? fit_calls(s->slope_linf, s->icpt_linf, eps)
                                              : fit_calls(s->slope_l2, s->icpt_l2, eps);
                printf("  %-22s %-5s %8.0e %14.4g %14.4g %8.1f", readout_protocol_names[pi],
                       readout_measure_names[mi], eps, c.calls, f, c.calls / f);
                if (pi == RO_L2_SAMPLING)
                    printf("   (%llu shots x %u circuits)\n", (unsigned long long)c.shots, c.circuits);
                else
                    printf("   (t = %u, R = %u, %u estimates)\n", c.clock_bits, c.reps, c.estimates);
            }
    printf("time %.2f s\n\n", monotonic_seconds() - t0);
    readout_setup_free(&rs);
    problem_set_free(&ps);
    srcfile_free(src);
    return 0;
}

static void model_scale(void)
{
    const long double r = 745104;
    const double eps = 1e-2, P = 2.451e-5 * 1.329e-6;
    printf("== model scale: r = %.0Lf, eps = %g, P = %.4g, fail = 0.05, m = 23 (ResNet-7M's read-out)\n", r, eps, P);
    printf("  %-22s %-5s %14s  %s\n", "protocol", "meas", "solver calls", "bound");
    mpz_t calls;
    mpz_init(calls);
    for (int pi = 0; pi < RO_NPROTOCOLS; pi++)
        for (int mi = 0; mi < READOUT_NMEASURES; mi++) {
            if (pi == RO_SHADOWS && mi == READOUT_L2)
                continue;
            ReadoutModelCost mc;
            char *err = NULL;
            if (!readout_model_count((ReadoutProtocol)pi, (ReadoutMeasure)mi, r, eps, P, 0.05, 23, calls, &mc,
                                     &err)) {
                printf("  %s\n", err);
                free(err);
                continue;
            }
            printf("  %-22s %-5s %14.4Lg  %s\n", readout_protocol_names[pi],
                   pi == RO_SHADOWS ? "l1" : readout_measure_names[mi], mc.calls, mc.bound);
            if (mc.calls_vacgn > 0)
                printf("  %-22s %-5s %14.4Lg  vACGN order, constant 1 (reference, not a bound)\n", "", "",
                       mc.calls_vacgn);
        }
    mpz_clear(calls);
}

int main(int argc, char **argv)
{
    static const char *const defaults[] = {"examples/tiny1.qgd", "examples/poly1.qgd", "q2"};
    int rc = 0;
    if (argc > 1)
        for (int i = 1; i < argc; i++)
            rc |= run_file(argv[i]);
    else
        for (size_t i = 0; i < sizeof defaults / sizeof *defaults; i++)
            rc |= run_file(defaults[i]);
    model_scale();
    return rc;
}
