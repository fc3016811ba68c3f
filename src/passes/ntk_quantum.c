/* ntk_quantum.c — NTK predictions through the quantum linear solver and a
 * Hadamard test (ntk_quantum.h). */
#include "passes/ntk_quantum.h"

#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "passes/ntk_kernel.h"
#include "passes/qrun.h"
#include "sim/exec.h"
#include "support/diag.h"
#include "support/util.h"

static int sgn(double v) { return v < 0 ? -1 : 1; }

/* x = A⁻¹ b for a dense n × n matrix (copies), by dgesv. */
static bool dense_solve(const double *A, const double *b, uint32_t n, double *x, char **err)
{
    double *a = xmalloc((size_t)n * n * sizeof *a);
    memcpy(a, A, (size_t)n * n * sizeof *a);
    memcpy(x, b, n * sizeof *x);
    lapack_int *piv = xmalloc(n * sizeof *piv);
    lapack_int info = LAPACKE_dgesv(LAPACK_ROW_MAJOR, (lapack_int)n, 1, a, (lapack_int)n, piv, x, 1);
    free(a);
    free(piv);
    if (info != 0)
        return diag_refuse(err, "the kernel matrix is singular (LAPACK dgesv: %d)", (int)info);
    return true;
}

void ntk_qrun_free(NtkQRun *r)
{
    free(r->test);
    qsolve_free(&r->qs);
    res_clear(&r->res);
    memset(r, 0, sizeof *r);
}

bool ntk_qrun(const NtkProblem *p, const NtkQOptions *o, NtkQRun *out, char **err)
{
    memset(out, 0, sizeof *out);
    res_init(&out->res);
    double t0 = monotonic_seconds();
    out->p = p;
    out->kappa0 = o->kappa0 > 0 ? o->kappa0 : p->opt.kappa0 > 0 ? p->opt.kappa0 : NTK_KAPPA0;
    out->precision = o->precision > 0 ? o->precision : p->opt.precision;
    out->shots = o->shots ? o->shots : (uint64_t)p->opt.shots;
    unsigned long seed = o->seed_set ? o->seed : (unsigned long)p->opt.seed;
    unsigned clock_bits = o->clock_bits ? o->clock_bits : (unsigned)p->opt.clock_bits;
    NtkSystem sys;
    if (!ntk_system_build(p, p->kernel, p->s, p->sparse_seed, p->offdiag_scale, &sys, err))
        return false;
    uint32_t n = sys.n, m = sys.m;
    out->n = n;
    if (!o->simulate && o->test >= m) {
        ntk_system_free(&sys);
        return diag_refuse(err, "test point %u does not exist: the problem has %u (0..%u)", o->test, m, m - 1);
    }
    uint32_t first = o->simulate ? 0 : o->test;
    uint32_t count = o->simulate ? (o->max_tests && o->max_tests < m ? o->max_tests : m) : 1;
    out->ntests = count;
    out->test = xcalloc(count, sizeof *out->test);
    /* K̃ as a sparse matrix */
    SpBuilder sb;
    sp_builder_init(&sb, n, n);
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < n; j++)
            if (sys.Kt[(size_t)i * n + j] != 0)
                sp_push(&sb, i, j, sys.Kt[(size_t)i * n + j]);
    SpMat Kt;
    sp_builder_finish(&sb, &Kt);
    const double *y = p->train.y;
    double *xs = xmalloc(n * sizeof *xs), *xe = xmalloc(n * sizeof *xe);
    /* y padded to the solver's dimension (K̃ padded to a power of two) */
    size_t dim = 1;
    while (dim < n)
        dim *= 2;
    double *ypad = xcalloc(dim, sizeof *ypad);
    memcpy(ypad, y, n * sizeof *y);
    double ynorm = 0;
    for (uint32_t i = 0; i < n; i++)
        ynorm += y[i] * y[i];
    ynorm = sqrt(ynorm);
    bool ok = true;
    for (uint32_t k = 0; k < count && ok; k++) {
        uint32_t t = first + k;
        NtkQTest *r = &out->test[k];
        const double *ks = sys.kstar + (size_t)t * n;
        r->label = (int)p->test.y[t];
        /* classical predictors */
        if (!dense_solve(sys.Kt, ks, n, xs, err) || !dense_solve(sys.K, ks, n, xe, err)) {
            ok = false;
            break;
        }
        double ds = 0, de = 0, kk = 0, kmax = 0;
        for (uint32_t i = 0; i < n; i++)
            ds += y[i] * xs[i], de += y[i] * xe[i], kk += ks[i] * ks[i], kmax = fmax(kmax, fabs(ks[i]));
        r->pred_sparse = sgn(ds);
        r->pred_exact = sgn(de);
        r->P_amp = kmax > 0 ? kk / (n * kmax * kmax) : 0; /* k* rescaled to max entry 1 */
        /* the circuit */
        qsolve_free(&out->qs);
        memset(&out->qs, 0, sizeof out->qs);
        QSolveOptions qo = {.kappa0 = out->kappa0, .clock_bits = clock_bits, .precision = out->precision,
                            .measure = !o->simulate, .hadamard_y = NULL, .dump = o->dump};
        qo.hadamard_y = ypad;
        if (p->opt.set[OPTION_solver] && p->opt.solver == SOLVER_QSVT) {
            /* only the sign is read: the polynomial's error an eighth of the
             * precision times the least kept amplitude, s/κ0 */
            qo.qsvt = true;
            qo.qsvt_eps = fmin(0.01, out->precision * QSP_SCALE / (8 * out->kappa0));
            qo.qsvt_delta = QSP_DELTA; /* K̃'s spectrum is not at hand: the filter's edge */
        }
        if (!qsolve_build(&Kt, ks, &qo, &out->qs, err)) {
            ok = false;
            break;
        }
        out->kappa_Kt = out->qs.kappa_M;
        out->qubits = (int)out->qs.c.nqubits;
        if (!o->simulate)
            break;
        unsigned maxq = o->max_qubits ? o->max_qubits : QRUN_MAX_QUBITS;
        if (out->qs.c.nqubits > maxq) {
            ok = diag_refuse(err, "the circuit has %u qubits; run simulates at most %u (--max-qubits raises it); "
                                  "`qgdc compile` still emits it",
                             out->qs.c.nqubits, maxq);
            break;
        }
        SimRunOptions so = {.seed = seed, .max_ops = 0};
        SimRunResult rr;
        memset(&rr, 0, sizeof rr);
        StateVec *sv = sim_run_new(&out->qs.c, &so, &rr, err);
        if (!sv) {
            ok = false;
            break;
        }
        double p1 = sim_prob_one(sv, (int)out->qs.hq);
        r->diff = 1 - 2 * p1;
        r->pred_quantum = sgn(r->diff);
        /* both branches are kept with probability 1/2 each before the solver's
         * own post-selection: total = (a² + 1)/2 */
        double a2 = 2 * rr.post_product - 1;
        r->p_kept = a2 > 0 ? a2 : 0;
        /* prediction from the classical filtered solution x̃ (here κ0 > κ: x̃ = K̃⁻¹k*) */
        double xn = 0;
        for (uint32_t i = 0; i < n; i++)
            xn += xs[i] * xs[i];
        r->overlap = ds / (ynorm * sqrt(xn));
        double a = sqrt(r->p_kept);
        r->diff_predicted = 2 * a * r->overlap / (1 + a * a);
        r->sign_shots = r->diff != 0 ? 9 / (r->diff * r->diff) : INFINITY;
        int hq = (int)out->qs.hq;
        uint64_t counts[2] = {0, 0};
        ok = sim_sample(sv, &hq, 1, out->shots, seed + t, counts, err);
        r->count0 = counts[0];
        r->count1 = counts[1];
        r->pred_shots = counts[0] >= counts[1] ? 1 : -1;
        sim_destroy(sv);
        sim_run_result_free(&rr);
        out->agree_sparse += r->pred_quantum == r->pred_sparse;
        out->agree_exact += r->pred_quantum == r->pred_exact;
        out->agree_shots += r->pred_shots == r->pred_sparse;
        out->correct += r->pred_shots == r->label;
    }
    if (ok)
        res_count(&out->qs.c, &out->res);
    free(ypad);
    free(xs);
    free(xe);
    sp_free(&Kt);
    ntk_system_free(&sys);
    out->seconds = monotonic_seconds() - t0;
    return ok;
}
