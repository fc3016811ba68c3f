/* qsolve.c — the assembled quantum linear solver (qsolve.h). */
#include "passes/qsolve.h"

#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "passes/qpe.h"
#include "passes/uncompute.h"
#include "support/diag.h"
#include "support/util.h"

#define QS_PI 3.14159265358979323846

/* ‖M‖₂ and σ_min(M) from the singular values (dim ≤ 2^(DILATE_MAX_QUBITS−1)). */
static bool singular_range(const SpMat *M, double *smax, double *smin, char **err)
{
    size_t n = M->rows;
    double *a = xcalloc(n * n, sizeof *a), *s = xmalloc(n * sizeof *s);
    sp_to_dense(M, a);
    lapack_int info = LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'N', (lapack_int)n, (lapack_int)n, a, (lapack_int)n, s,
                                     NULL, (lapack_int)n, NULL, (lapack_int)n);
    free(a);
    if (info != 0) {
        free(s);
        return diag_refuse(err, "the singular values of M did not converge (LAPACK dgesdd: %d)", (int)info);
    }
    *smax = s[0];
    *smin = s[n - 1];
    free(s);
    return true;
}

/* ctrl-W with the control as formal 0: W = R·PREP†·SELECT·PREP needs the
 * control only on SELECT and on the reflection R = 2|0⟩⟨0| − I (with the
 * control off, PREP†·PREP = I), so PREP runs uncontrolled. */
static uint32_t controlled_walk(Circuit *c, const BlockEncoding *be)
{
    unsigned s = be->s, m = be->m;
    uint32_t d = circuit_def(c, "walk_c", 1 + s + m,
                             "controlled walk: control, system, index; PREP uncontrolled (ctrl-(A'BA) = A'(ctrl-B)A)");
    Block *b = circuit_def_body(c, d);
    uint32_t q[1 + DILATE_MAX_QUBITS + 64];
    for (unsigned i = 0; i < s + m + 1; i++)
        q[i] = i;
    circ_call(c, b, be->prep, 0, q + 1 + s);
    circ_call(c, b, be->select, 1, q);
    circ_call(c, b, be->prep, 0, q + 1 + s)->inv = true;
    /* R = 2|0><0| - I on the index: -1 on |0..0>, then -1 overall, both under the control */
    uint32_t rq[1 + 64];
    rq[0] = 0;
    for (unsigned i = 0; i < m; i++)
        rq[1 + i] = 1 + s + i;
    double pi = QS_PI;
    Op *op = circ_cgate(c, b, GATE_GPHASE, 1 + m, rq, &pi);
    op->negctrl = ((uint64_t)1 << (1 + m)) - 2; /* every index control negative, the walk's control positive */
    circ_cgate(c, b, GATE_GPHASE, 1, rq, &pi);
    return d;
}

unsigned qsolve_solution_qubits(const QSolve *q, int *out)
{
    unsigned k = q->dil.dilated ? q->s - 1 : q->s;
    for (unsigned i = 0; i < k; i++)
        out[i] = (int)(q->sys + i);
    return k;
}

void qsolve_free(QSolve *q)
{
    circuit_free(&q->c);
    dilation_free(&q->dil);
    block_encoding_free(&q->be);
    memset(q, 0, sizeof *q);
}

bool qsolve_build(const SpMat *M, const double *rhs, const QSolveOptions *o, QSolve *out, char **err)
{
    memset(out, 0, sizeof *out);
    circuit_init(&out->c);
    if (!(o->kappa0 > 1))
        return diag_refuse(err, "kappa0 must be greater than 1, not %g", o->kappa0);
    if (!pass_dilate(M, rhs, &out->dil, err))
        return false;
    if (!singular_range(M, &out->norm_M, &out->sigma_min, err))
        return false;
    out->kappa_M = out->sigma_min > 0 ? out->norm_M / out->sigma_min : INFINITY;
    out->kappa0 = o->kappa0;
    out->lambda_min = out->norm_M / o->kappa0;
    Circuit *c = &out->c;
    /* the encoding first: α fixes the clock */
    if (!block_encode(c, "be", out->dil.s, out->dil.H, NULL, &out->be, err))
        return false;
    out->alpha = out->be.alpha;
    out->s = out->dil.s;
    out->m = out->be.m;
    double bins = 2 * QS_PI * out->alpha / out->lambda_min;
    unsigned p0 = 1;
    while (p0 < 64 && ldexp(1.0, (int)p0) < bins)
        p0++;
    out->p_min = p0;
    unsigned p = o->clock_bits;
    if (p == 0) {
        double eps = o->precision > 0 ? o->precision : 0.01;
        int extra = eps < 0.01 ? (int)ceil(log2(0.01 / eps) / 2) : 0;
        p = p0 + (unsigned)extra;
    } else if (p < p0) {
        return diag_refuse(err, "clock_bits = %u is too few for kappa0 = %g: a clock bin of 2*pi*alpha/2^%u = %.4g "
                                "is wider than lambda_min = ||M||/kappa0 = %.4g, so the filter cannot tell it from 0; "
                                "use at least %u clock bits",
                           p, o->kappa0, p, 2 * QS_PI * out->alpha / ldexp(1.0, (int)p), out->lambda_min, p0);
    }
    if (p > INVERT_MAX_CLOCK)
        return diag_refuse(err, "%u clock bits needed (alpha = %.4g, lambda_min = %.4g), more than the %d the "
                                "filtered rotation tabulates; lower kappa0 or raise precision",
                           p, out->alpha, out->lambda_min, INVERT_MAX_CLOCK);
    out->p = p;
    if (out->lambda_min > out->alpha)
        ICE("qsolve: lambda_min %g above alpha %g", out->lambda_min, out->alpha);

    /* registers */
    out->sys = circuit_qreg(c, "sys", out->s);
    out->idx = circuit_qreg(c, "idx", out->m);
    out->clock = circuit_qreg(c, "clock", p);
    out->anc = circuit_qreg(c, "anc", 1);
    out->flag = circuit_qreg(c, "flag", 1);

    /* definitions */
    if (!state_prep_def(c, "prep_b", out->s, out->dil.b, SP_AUTO, &out->def_prep_b, &out->prep_info, err))
        return false;
    out->def_walk_c = controlled_walk(c, &out->be);
    out->def_qpe = pass_qpe(c, out->def_walk_c, p, true);
    out->def_invert = pass_invert(c, p, out->alpha, out->lambda_min, &out->inv);

    /* main, or with a Hadamard test the body of `solve` on every register
     * (formal i = qubit i: the registers come first), called under
     * negctrl(hq) */
    uint32_t nsolve = c->nqubits, solve_def = 0;
    Block *b = &c->main;
    if (o->hadamard_y) {
        solve_def = circuit_def(c, "solve", nsolve, "the linear solver: |b>, qpe, invert, uncompute");
        b = circuit_def_body(c, solve_def);
        out->hq = circuit_qreg(c, "hq", 1);
        out->hadamard = true;
    }
    uint32_t *q = xmalloc((p + out->s + out->m + 2) * sizeof *q);
    for (unsigned i = 0; i < out->s; i++)
        q[i] = out->sys + i;
    circ_call(c, b, out->def_prep_b, 0, q)->comment = "state_prep: |b>, the normalised right-hand side";
    for (unsigned i = 0; i < p; i++)
        q[i] = out->clock + i;
    for (unsigned i = 0; i < out->s; i++)
        q[p + i] = out->sys + i;
    for (unsigned i = 0; i < out->m; i++)
        q[p + out->s + i] = out->idx + i;
    circ_call(c, b, out->def_qpe, 0, q)->comment = "qpe: phase estimation of the walk W";
    uint32_t iq[INVERT_MAX_CLOCK + 2];
    for (unsigned i = 0; i < p; i++)
        iq[i] = out->clock + i;
    iq[p] = out->anc;
    iq[p + 1] = out->flag;
    circ_call(c, b, out->def_invert, 0, iq)->comment = "invert: eigenvalue-filtered rotation (Theorem II.4)";
    pass_uncompute(c, b, out->def_qpe, q);
    free(q);
    if (o->hadamard_y) {
        /* (|0>|solve b> + |1>|y>)/sqrt2 on the kept flags, then h: the
         * outcome difference P(0) - P(1) has the sign of <y|x> */
        b = &c->main;
        if (!state_prep_def(c, "prep_y", out->s, o->hadamard_y, SP_AUTO, &out->def_prep_y, NULL, err))
            return false;
        circ_gate(c, b, GATE_H, &out->hq, NULL)->comment = "Hadamard test of sign <y|x> (Zlokapa et al., Lemma III.7)";
        uint32_t *aq = xmalloc((nsolve + 1) * sizeof *aq);
        aq[0] = out->hq;
        for (uint32_t i = 0; i < nsolve; i++)
            aq[1 + i] = i;
        circ_call(c, b, solve_def, 1, aq)->negctrl = 1;
        for (unsigned i = 0; i < out->s; i++)
            aq[1 + i] = out->sys + i;
        circ_call(c, b, out->def_prep_y, 1, aq);
        aq[1] = out->anc;
        circ_cgate(c, b, GATE_X, 1, aq, NULL);
        free(aq);
        circ_gate(c, b, GATE_H, &out->hq, NULL);
    }
    Op *ps = circ_postselect(c, b, out->anc, 1);
    ps->comment = "readout: keep the rotated branch (anc = 1), the well-conditioned one (flag = 0), idx = 0, "
                  "clock = 0 and the dilation's solution half";
    circ_postselect(c, b, out->flag, 0);
    for (unsigned i = 0; i < out->m; i++)
        circ_postselect(c, b, out->idx + i, 0);
    for (unsigned i = 0; i < p; i++)
        circ_postselect(c, b, out->clock + i, 0);
    if (out->dil.dilated)
        circ_postselect(c, b, out->sys + out->s - 1, 1);
    if (o->hadamard_y) {
        if (o->measure) {
            uint32_t bit = circuit_creg(c, "sign", 1);
            circ_measure(c, b, out->hq, bit);
        }
    } else if (o->measure) {
        int sq[DILATE_MAX_QUBITS];
        unsigned k = qsolve_solution_qubits(out, sq);
        uint32_t bits = circuit_creg(c, "x", k);
        for (unsigned i = 0; i < k; i++)
            circ_measure(c, b, (uint32_t)sq[i], bits + i);
    }
    if (!circuit_verify(c))
        ICE("qsolve: the assembled circuit fails verification");
    return true;
}
