/* qsolve.c — the assembled quantum linear solver (qsolve.h). */
#include "passes/qsolve.h"

#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "support/consts.h"
#include "support/diag.h"
#include "support/util.h"


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
    double pi = QGD_PI;
    Op *op = circ_cgate(c, b, GATE_GPHASE, 1 + m, rq, &pi);
    op->negctrl = ((uint64_t)1 << (1 + m)) - 2; /* every index control negative, the walk's control positive */
    circ_cgate(c, b, GATE_GPHASE, 1, rq, &pi);
    return d;
}

unsigned qsolve_solution_qubits(const QSolve *q, int *out) { return solver_solution_qubits(&q->solver, out); }

void qsolve_free(QSolve *q)
{
    circuit_free(&q->c);
    dilation_free(&q->dil);
    block_encoding_free(&q->be);
    solver_free(&q->solver);
    qsp_poly_free(&q->own_poly);
    memset(q, 0, sizeof *q);
}

/* the encoder: the Pauli LCU of the dilation */
static bool pauli_prep_b(Circuit *c, void *ctx, uint32_t *def, char **err)
{
    QSolve *q = ctx;
    return state_prep_def(c, "prep_b", q->s, q->dil.b, SP_AUTO, def, &q->prep_info, err);
}

static uint32_t pauli_walk_c(Circuit *c, void *ctx) { return controlled_walk(c, &((QSolve *)ctx)->be); }

/* W = R·PREP†·SELECT·PREP on (sys, idx), R = 2|0><0| − I on idx */
static uint32_t pauli_walk(Circuit *c, void *ctx)
{
    const BlockEncoding *be = &((QSolve *)ctx)->be;
    unsigned s = be->s, m = be->m;
    uint32_t d = circuit_def(c, "walk", s + m, "the qubitized walk: system, index");
    Block *b = circuit_def_body(c, d);
    uint32_t *q = xmalloc((s + m) * sizeof *q);
    for (unsigned i = 0; i < s + m; i++)
        q[i] = i;
    circ_call(c, b, be->prep, 0, q + s);
    circ_call(c, b, be->select, 0, q);
    circ_call(c, b, be->prep, 0, q + s)->inv = true;
    double pi = QGD_PI;
    if (m > 63)
        ICE("qsolve: %u index qubits", m);
    circ_cgate(c, b, GATE_GPHASE, m, q + s, &pi)->negctrl = ((uint64_t)1 << m) - 1;
    circ_gate(c, b, GATE_GPHASE, NULL, &pi);
    free(q);
    return d;
}

/* The Hadamard test of sign <y|x> (Zlokapa et al., Lemma III.7): main
 * gets h(hq); negctrl(hq) @ solve; ctrl(hq) @ prep_y(sys);
 * ctrl(hq) @ x(anc); h(hq). */
typedef struct HadamardCtx {
    QSolve *q;
    const double *y;
} HadamardCtx;

static bool st_hadamard(Solver *s, Block *b, char **err)
{
    HadamardCtx *h = s->opt->user;
    QSolve *q = h->q;
    Circuit *c = s->c;
    uint32_t nsolve = c->nqubits;
    q->hq = circuit_qreg(c, "hq", 1);
    if (!state_prep_def(c, "prep_y", q->s, h->y, SP_AUTO, &q->def_prep_y, NULL, err))
        return false;
    circ_gate(c, b, GATE_H, &q->hq, NULL)->comment = "Hadamard test of sign <y|x> (Zlokapa et al., Lemma III.7)";
    uint32_t *aq = xmalloc((nsolve + 1) * sizeof *aq);
    aq[0] = q->hq;
    for (uint32_t i = 0; i < nsolve; i++)
        aq[1 + i] = i;
    circ_call(c, b, s->def_solve, 1, aq)->negctrl = 1;
    for (unsigned i = 0; i < q->s; i++)
        aq[1 + i] = s->reg[SREG_SYS] + i;
    circ_call(c, b, q->def_prep_y, 1, aq);
    /* the |y> branch joins the kept value of anc (1 after the inversion; 0 with qsvt) */
    uint32_t a0;
    int av;
    solver_group_qubits(s, SPOST_ANC, &a0, &av);
    aq[1] = a0;
    if (av == 1)
        circ_cgate(c, b, GATE_X, 1, aq, NULL);
    free(aq);
    circ_gate(c, b, GATE_H, &q->hq, NULL);
    return true;
}

static bool st_measure_sign(Solver *s, Block *b, char **err)
{
    (void)err;
    HadamardCtx *h = s->opt->user;
    if (s->opt->measure)
        circ_measure(s->c, b, h->q->hq, circuit_creg(s->c, "sign", 1));
    return true;
}

static const SolverStage stage_hadamard = {
    "hadamard_test", "`solve` defined; hq |0>",
    "(|0>(a|x> + |y>) + |1>(a|x> - |y>))/2 on the kept flags: P(hq = 0) - P(hq = 1) has the sign of <y|x>", false,
    st_hadamard};
static const SolverStage stage_measure_sign = {"measure_sign", "the kept branch", "with measure: hq into sign",
                                               false, st_measure_sign};

bool qsolve_build(const SpMat *M, const double *rhs, const QSolveOptions *o, QSolve *out, char **err)
{
    memset(out, 0, sizeof *out);
    circuit_init(&out->c);
    if (!(o->kappa0 > 1))
        return diag_refuse(err, "kappa0 must be greater than 1, not %g", o->kappa0);
    if (!pass_dilate(M, rhs, &out->dil, err))
        return false;
    if (dump_wants(o->dump, PASS_DILATE))
        dilation_dump(&out->dil, o->dump->out), dump_done(o->dump);
    if (!singular_range(M, &out->norm_M, &out->sigma_min, err))
        return false;
    out->kappa_M = out->sigma_min > 0 ? out->norm_M / out->sigma_min : INFINITY;
    out->kappa0 = o->kappa0;
    out->lambda_min = out->norm_M / o->kappa0;
    Circuit *c = &out->c;
    /* the encoding first: α fixes the clock */
    if (!block_encode(c, "be", out->dil.s, out->dil.H, NULL, &out->be, err))
        return false;
    if (dump_wants(o->dump, PASS_ENCODE))
        circuit_dump(c, o->dump->out), dump_done(o->dump);
    out->alpha = out->be.alpha;
    out->s = out->dil.s;
    out->m = out->be.m;
    if (out->lambda_min > out->alpha)
        ICE("qsolve: lambda_min %g above alpha %g", out->lambda_min, out->alpha);

    out->enc = (SolverEncoding){.name = "pauli", .nsys = out->s, .nidx = out->m, .alpha = out->alpha,
                                .kept = out->dil.dilated ? (int)out->s - 1 : -1, .prep_b = pauli_prep_b,
                                .walk_c = pauli_walk_c, .walk = pauli_walk, .ctx = out};
    HadamardCtx hc = {out, o->hadamard_y};
    out->sopt = (SolverOptions){
        .lambda_min = out->lambda_min, .kappa0 = o->kappa0, .clock_bits = o->clock_bits,
        .precision = o->precision, .max_clock = INVERT_MAX_CLOCK, .build_invert_max = INVERT_MAX_CLOCK,
        .reg_names = {"sys", "idx", "clock", "anc", "flag"},
        .post_order = {SPOST_ANC, SPOST_FLAG, SPOST_IDX, SPOST_CLOCK, SPOST_KEPT, SPOST_AMP},
        .comments = true, .wrap_solve = o->hadamard_y != NULL || o->amplify != NULL, .measure = o->measure,
        .amplify = o->amplify, .user = &hc};
    if (o->qsvt) {
        double a = fmin((o->qsvt_cut > 0 ? o->qsvt_cut : out->lambda_min) / out->alpha, 0.999);
        double delta = o->qsvt_delta;
        if (o->qsvt_counted) { /* the polynomial's degree only: no phases */
            if (!qsp_inverse_poly(a, delta, QSP_SCALE, o->qsvt_eps, QSP_MAX_DEGREE, &out->own_poly, err))
                return false;
            out->poly = &out->own_poly;
        } else if (!qsp_inverse_cached(a, delta, QSP_SCALE, o->qsvt_eps, &out->poly, &out->phases, &out->qsp, err)) {
            return false;
        }
        out->qsvt = true;
        out->sopt.qsvt_phases = o->qsvt_counted ? NULL : out->phases;
        out->sopt.qsvt_counted = o->qsvt_counted;
        out->sopt.qsvt_degree = out->poly->degree;
    }
    /* prep_b, the solve's core (qpe, invert, uncompute; or qsvt), then
     * the Hadamard test or amplification, postselect, measure */
    const SolverStage *stages[8];
    int nstages = 0;
    stages[nstages++] = &solver_stage_prep_b;
    nstages += solver_core_stages(&out->sopt, stages + nstages);
    if (o->hadamard_y && o->amplify)
        ICE("qsolve: amplitude amplification of the Hadamard test is not built");
    if (o->amplify) {
        stages[nstages++] = &solver_stage_amplify;
        out->amplified = true;
        out->amp_plan = *o->amplify;
    } else if (o->hadamard_y) {
        stages[nstages++] = &stage_hadamard;
        out->hadamard = true;
    }
    stages[nstages++] = &solver_stage_postselect;
    stages[nstages++] = o->hadamard_y ? &stage_measure_sign : &solver_stage_measure;
    bool ok = solver_build(c, &out->enc, &out->sopt, stages, nstages, &out->solver, err);
    out->sopt.user = NULL; /* hc lives on this stack */
    out->sopt.amplify = out->amplified ? &out->amp_plan : NULL;
    if (!ok)
        return false;
    if (dump_wants(o->dump, PASS_SOLVER))
        circuit_dump(c, o->dump->out), dump_done(o->dump);
    const Solver *sv = &out->solver;
    out->p = sv->p;
    out->p_min = sv->p_min;
    out->inv = sv->inv;
    out->sys = sv->reg[SREG_SYS];
    out->idx = sv->reg[SREG_IDX];
    out->clock = sv->reg[SREG_CLOCK];
    out->anc = sv->reg[SREG_ANC];
    out->flag = sv->reg[SREG_FLAG];
    out->def_prep_b = sv->def_prep_b;
    out->def_walk_c = sv->def_walk_c;
    out->def_qpe = sv->def_qpe;
    out->def_invert = sv->def_invert;
    out->amp = sv->amp;
    return true;
}
