/* solver.c — the one solver assembler (solver.h). */
#include "passes/solver.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/resources.h"
#include "passes/qpe.h"
#include "support/consts.h"
#include "support/diag.h"
#include "support/util.h"

const char *const solver_post_names[SPOST_COUNT] = {"anc", "flag", "idx", "clock", "kept", "amp"};

bool solver_clock_bits(double alpha, const SolverOptions *o, unsigned *p_out, unsigned *p_min, char **err)
{
    const char *who = o->who ? o->who : "";
    double bins = 2 * QGD_PI * alpha / o->lambda_min;
    unsigned p0 = 1;
    while (p0 < 64 && ldexp(1.0, (int)p0) < bins)
        p0++;
    *p_min = p0;
    unsigned p = o->clock_bits;
    if (p == 0) {
        double eps = o->precision > 0 ? o->precision : 0.01;
        int extra = eps < 0.01 ? (int)ceil(log2(0.01 / eps) / 2) : 0;
        p = p0 + (unsigned)extra;
    } else if (p < p0) {
        return diag_refuse(err,
                           "%sclock_bits = %u is too few for kappa0 = %g: a clock bin of 2*pi*alpha/2^%u = %.4g "
                           "is wider than lambda_min = %.4g, so the filter cannot tell it from 0; use at least %u "
                           "clock bits",
                           who, p, o->kappa0, p, 2 * QGD_PI * alpha / ldexp(1.0, (int)p), o->lambda_min, p0);
    }
    if (p > o->max_clock)
        return diag_refuse(err,
                           "%s%u clock bits needed (alpha = %.6g, lambda_min = %.4g), more than the limit of %u; "
                           "lower kappa0 or raise precision",
                           who, p, alpha, o->lambda_min, o->max_clock);
    *p_out = p;
    return true;
}

/* ---- the stages ---- */

static const char *note(const Solver *s, const char *text) { return s->opt->comments ? text : NULL; }

static bool st_prep_b(Solver *s, Block *b, char **err)
{
    (void)err;
    uint32_t *q = xmalloc(s->enc->nsys * sizeof *q);
    for (unsigned i = 0; i < s->enc->nsys; i++)
        q[i] = s->reg[SREG_SYS] + i;
    circ_call(s->c, b, s->def_prep_b, 0, q)->comment = note(s, "state_prep: |b>, the normalised right-hand side");
    free(q);
    return true;
}

static bool st_qpe(Solver *s, Block *b, char **err)
{
    (void)err;
    circ_call(s->c, b, s->def_qpe, 0, s->qpe_operands)->comment = note(s, "qpe: phase estimation of the walk W");
    return true;
}

static bool st_invert(Solver *s, Block *b, char **err)
{
    (void)err;
    uint32_t *q = xmalloc((s->p + 2) * sizeof *q);
    for (unsigned i = 0; i < s->p; i++)
        q[i] = s->reg[SREG_CLOCK] + i;
    q[s->p] = s->reg[SREG_ANC];
    q[s->p + 1] = s->reg[SREG_FLAG];
    circ_call(s->c, b, s->def_invert, 0, q)->comment =
        note(s, "invert: eigenvalue-filtered rotation (Theorem II.4)");
    free(q);
    return true;
}

static bool st_uncompute(Solver *s, Block *b, char **err)
{
    (void)err;
    /* the inverse of the same qpe definition on the same operands: the
     * clock returns to |0...0> on every branch whose estimate the rotation
     * did not change, and the two walk branches recombine */
    Op *op = circ_call(s->c, b, s->def_qpe, 0, s->qpe_operands);
    op->inv = true;
    op->comment = note(s, "uncompute: inverse phase estimation");
    return true;
}

uint32_t solver_group_qubits(const Solver *s, SolverPostId g, uint32_t *q0, int *value)
{
    const SolverEncoding *e = s->enc;
    uint32_t n = 0;
    *q0 = 0;
    *value = 0;
    switch (g) {
    case SPOST_ANC: *q0 = s->reg[SREG_ANC], n = 1, *value = s->qsvt ? 0 : 1; break;
    case SPOST_FLAG: *q0 = s->reg[SREG_FLAG], n = 1, *value = 0; break;
    case SPOST_IDX: *q0 = s->reg[SREG_IDX], n = e->nidx, *value = 0; break;
    case SPOST_CLOCK: *q0 = s->reg[SREG_CLOCK], n = s->p, *value = 0; break;
    case SPOST_KEPT:
        if (e->kept >= 0)
            *q0 = s->reg[SREG_SYS] + (uint32_t)e->kept, n = 1, *value = 1;
        break;
    case SPOST_AMP:
        if (s->amplified)
            *q0 = s->amp, n = 1, *value = 1;
        break;
    case SPOST_COUNT: ICE("solver: bad post-selection group");
    }
    return n;
}

static bool st_postselect(Solver *s, Block *b, char **err)
{
    (void)err;
    bool first = true, done[SPOST_COUNT] = {false};
    /* post_order first, each group once, then any present group it left out */
    for (int k = 0; k < 2 * SPOST_COUNT; k++) {
        SolverPostId g = k < SPOST_COUNT ? s->opt->post_order[k] : (SolverPostId)(k - SPOST_COUNT);
        if ((int)g < 0 || g >= SPOST_COUNT)
            ICE("solver: bad post-selection group");
        if (done[g])
            continue;
        uint32_t q0;
        int v;
        uint32_t n = solver_group_qubits(s, g, &q0, &v);
        if (k >= SPOST_COUNT && n == 0)
            continue;
        done[g] = true;
        s->post[g] = (SolverPost){.first = s->npost, .count = n, .value = v, .present = n > 0};
        for (uint32_t i = 0; i < n; i++) {
            Op *op = circ_postselect(s->c, b, q0 + i, v);
            if (first)
                op->comment = note(s, s->qsvt ? "readout: keep the real part (anc = 0), the projector qubit back at 0 "
                                                "(flag), idx = 0 and the dilation's solution half"
                                              : "readout: keep the rotated branch (anc = 1), the well-conditioned one "
                                                "(flag = 0), idx = 0, clock = 0 and the dilation's solution half");
            first = false;
        }
        s->npost += n;
    }
    return true;
}

static bool st_measure(Solver *s, Block *b, char **err)
{
    (void)err;
    if (!s->opt->measure)
        return true;
    int *sq = xmalloc(s->enc->nsys * sizeof *sq);
    unsigned k = solver_solution_qubits(s, sq);
    uint32_t bits = circuit_creg(s->c, "x", k);
    for (unsigned i = 0; i < k; i++)
        circ_measure(s->c, b, (uint32_t)sq[i], bits + i);
    free(sq);
    return true;
}

const SolverStage solver_stage_prep_b = {
    "prep_b", "every register |0>", "sys holds |b>, the normalised right-hand side", true, st_prep_b};
const SolverStage solver_stage_qpe = {
    "qpe", "clock |0>; sys, idx in the walk's invariant subspaces (idx |0>)",
    "clock holds the p-bit estimate of each walk eigenphase, entangled with its eigenvector", true, st_qpe};
const SolverStage solver_stage_invert = {
    "invert", "clock holds eigenvalue estimates; anc, flag |0>",
    "anc = 1 with amplitude lambda_min/lambda~ where |lambda~| >= lambda_min; flag = 1 where below", true,
    st_invert};
const SolverStage solver_stage_uncompute = {
    "uncompute", "the forward qpe's operands, unchanged since",
    "clock back to |0> on every branch the rotation left; the two walk branches recombined", true, st_uncompute};
const SolverStage solver_stage_postselect = {
    "postselect", "the solve done",
    "the kept branch: anc = 1, flag = 0, idx = 0, clock = 0, the solution marker 1; sys holds the filtered "
    "solution, normalised",
    false, st_postselect};
const SolverStage solver_stage_measure = {
    "measure", "the kept branch", "with measure: the solution qubits measured into x", false, st_measure};

/* The qsvt definition's operands: sys, idx, anc, flag (nsys + nidx + 2, malloc'd) */
static uint32_t *qsvt_operands(const Solver *s)
{
    const SolverEncoding *e = s->enc;
    uint32_t n = e->nsys + e->nidx + 2;
    uint32_t *q = xmalloc(n * sizeof *q);
    for (unsigned i = 0; i < e->nsys; i++)
        q[i] = s->reg[SREG_SYS] + i;
    for (unsigned i = 0; i < e->nidx; i++)
        q[e->nsys + i] = s->reg[SREG_IDX] + i;
    q[n - 2] = s->reg[SREG_ANC];
    q[n - 1] = s->reg[SREG_FLAG];
    return q;
}

static bool st_qsvt(Solver *s, Block *b, char **err)
{
    (void)err;
    uint32_t *q = qsvt_operands(s);
    circ_call(s->c, b, s->def_qsvt, 0, q)->comment =
        note(s, "qsvt: the filtered inverse as a polynomial of the walk (singular value transformation)");
    free(q);
    return true;
}

const SolverStage solver_stage_qsvt = {
    "qsvt", "sys holds |b>; idx, anc, flag |0>",
    "on anc = 0, flag = 0, idx = 0: sys holds Re P(H/alpha)|b>, P the filtered inverse of qsp.h (times "
    "the scale)",
    true, st_qsvt};

const SolverStage *const *solver_qsvt_stages(int *nstages)
{
    static const SolverStage *const list[] = {&solver_stage_prep_b, &solver_stage_qsvt, &solver_stage_postselect,
                                              &solver_stage_measure};
    *nstages = (int)(sizeof list / sizeof *list);
    return list;
}

int solver_core_stages(const SolverOptions *o, const SolverStage **list)
{
    if (o->qsvt_phases || o->qsvt_counted) {
        list[0] = &solver_stage_qsvt;
        return 1;
    }
    list[0] = &solver_stage_qpe, list[1] = &solver_stage_invert, list[2] = &solver_stage_uncompute;
    return 3;
}

/* phase(φ) of the qsvt definition (solver.h) on formals idx[ni] at i0, anc
 * h, flag f */
static void qsvt_phase(Circuit *c, Block *b, uint32_t i0, unsigned ni, uint32_t h, uint32_t f, double phi)
{
    uint32_t *mq = xmalloc((ni + 1) * sizeof *mq);
    for (unsigned i = 0; i < ni; i++)
        mq[i] = i0 + i;
    mq[ni] = f;
    for (int rep = 0; rep < 2; rep++) {
        if (rep == 1) {
            uint32_t hq[2] = {h, f};
            double ang = 2 * phi;
            circ_cgate(c, b, GATE_X, 1, hq, NULL);
            circ_gate(c, b, GATE_RZ, &f, &ang);
            circ_cgate(c, b, GATE_X, 1, hq, NULL);
        }
        if (ni == 0) {
            circ_gate(c, b, GATE_X, &f, NULL);
        } else if (ni <= 63) {
            circ_cgate(c, b, GATE_X, ni, mq, NULL)->negctrl = ((uint64_t)1 << ni) - 1;
        } else { /* beyond the negative-control mask: flip, control, flip */
            for (unsigned i = 0; i < ni; i++)
                circ_gate(c, b, GATE_X, &mq[i], NULL);
            circ_cgate(c, b, GATE_X, ni, mq, NULL);
            for (unsigned i = 0; i < ni; i++)
                circ_gate(c, b, GATE_X, &mq[i], NULL);
        }
    }
    free(mq);
}

/* The d steps of walk and phase as one declared operation (qsvt_counted):
 * one step built as `qsvt_step` and counted alone on the solver's
 * registers, times d */
static uint32_t qsvt_steps_declared(Solver *s)
{
    Circuit *c = s->c;
    const SolverEncoding *e = s->enc;
    uint32_t nw = e->nsys + e->nidx, n = nw + 2;
    s->def_qsvt_step = circuit_def(c, "qsvt_step", n, "one step of the singular value transformation: the walk, "
                                                        "then a projector phase");
    Block *b = circuit_def_body(c, s->def_qsvt_step);
    uint32_t *q = xmalloc(n * sizeof *q);
    for (uint32_t i = 0; i < nw; i++)
        q[i] = i;
    circ_call(c, b, s->def_walk, 0, q);
    qsvt_phase(c, b, e->nsys, e->nidx, nw, nw + 1, SOLVER_QSVT_COUNT_ANGLE);
    free(q);
    q = qsvt_operands(s);
    ResCounts rc;
    res_count_call(c, s->def_qsvt_step, q, &rc);
    DeclaredCost k;
    mpz_inits(k.ccz, k.t, k.rotations, NULL);
    mpz_mul_ui(k.ccz, rc.ccz, s->opt->qsvt_degree);
    mpz_mul_ui(k.t, rc.t_count, s->opt->qsvt_degree);
    mpz_mul_ui(k.rotations, rc.rotations, s->opt->qsvt_degree);
    k.ancillas = rc.ancillas;
    res_clear(&rc);
    uint32_t d = circuit_declare(c, "qsvt_steps", n, &k, "the d steps of walk and phase (counted, not built)");
    mpz_clears(k.ccz, k.t, k.rotations, NULL);
    free(q);
    return d;
}

static uint32_t qsvt_def(Solver *s)
{
    Circuit *c = s->c;
    const SolverEncoding *e = s->enc;
    const double *phi = s->opt->qsvt_phases;
    unsigned long d = s->opt->qsvt_degree;
    uint32_t nw = e->nsys + e->nidx, h = nw, f = nw + 1;
    uint32_t steps = phi ? 0 : qsvt_steps_declared(s);
    uint32_t def = circuit_def(c, "qsvt", nw + 2,
                               "singular value transformation: h(anc); phase(phi_j) and the walk, j = d..0; "
                               "h(anc); phase = exp(+-i phi (2 Pi - I)), the sign by anc");
    Block *b = circuit_def_body(c, def);
    uint32_t *wq = xmalloc((nw + 2) * sizeof *wq);
    for (uint32_t i = 0; i < nw + 2; i++)
        wq[i] = i;
    circ_gate(c, b, GATE_H, &h, NULL);
    if (!phi) {
        qsvt_phase(c, b, e->nsys, e->nidx, h, f, SOLVER_QSVT_COUNT_ANGLE);
        circ_call(c, b, steps, 0, wq);
        circ_gate(c, b, GATE_H, &h, NULL);
        free(wq);
        return def;
    }
    for (unsigned long j = d;; j--) {
        qsvt_phase(c, b, e->nsys, e->nidx, h, f, phi[j]);
        if (j == 0)
            break;
        circ_call(c, b, s->def_walk, 0, wq);
    }
    circ_gate(c, b, GATE_H, &h, NULL);
    free(wq);
    return def;
}

const SolverStage *const *solver_qpe_stages(int *nstages)
{
    static const SolverStage *const list[] = {&solver_stage_prep_b, &solver_stage_qpe,
                                              &solver_stage_invert, &solver_stage_uncompute,
                                              &solver_stage_postselect, &solver_stage_measure};
    *nstages = (int)(sizeof list / sizeof *list);
    return list;
}

/* ---- the assembler ---- */

/* The phase-estimation solver's definitions: walk_c, qpe, invert (declared
 * beyond build_invert_max clock bits) and the qpe call's operands */
static void qpe_defs(Solver *s)
{
    Circuit *c = s->c;
    const SolverEncoding *enc = s->enc;
    const SolverOptions *o = s->opt;
    unsigned p = s->p;
    s->def_walk_c = enc->walk_c(c, enc->ctx);
    s->def_qpe = pass_qpe(c, s->def_walk_c, p, true);
    if (p <= o->build_invert_max) {
        s->def_invert = pass_invert(c, p, enc->alpha, o->lambda_min, &s->inv);
    } else {
        /* two multiplexors over the clock (invert.h), 2^p rotations each */
        DeclaredCost k;
        mpz_inits(k.ccz, k.t, k.rotations, NULL);
        k.ancillas = 0;
        mpz_setbit(k.rotations, p + 1);
        s->def_invert = circuit_declare(c, "invert", p + 2, &k, "filtered inversion (counted, not built)");
        mpz_clears(k.ccz, k.t, k.rotations, NULL);
        s->invert_declared = true;
    }
    s->qpe_operands = xmalloc((p + enc->nsys + enc->nidx) * sizeof *s->qpe_operands);
    uint32_t n = 0;
    for (unsigned i = 0; i < p; i++)
        s->qpe_operands[n++] = s->reg[SREG_CLOCK] + i;
    for (unsigned i = 0; i < enc->nsys; i++)
        s->qpe_operands[n++] = s->reg[SREG_SYS] + i;
    for (unsigned i = 0; i < enc->nidx; i++)
        s->qpe_operands[n++] = s->reg[SREG_IDX] + i;
}

bool solver_build(Circuit *c, const SolverEncoding *enc, const SolverOptions *o, const SolverStage *const *stages,
                  int nstages, Solver *s, char **err)
{
    memset(s, 0, sizeof *s);
    s->c = c;
    s->enc = enc;
    s->opt = o;
    if (!(o->lambda_min > 0) || o->lambda_min > enc->alpha)
        ICE("solver: lambda_min %g outside (0, alpha = %g]", o->lambda_min, enc->alpha);
    s->qsvt = o->qsvt_phases != NULL || o->qsvt_counted;
    if (s->qsvt && (!enc->walk || o->qsvt_degree % 2 == 0))
        ICE("solver: qsvt needs the encoder's walk and an odd degree");
    if (!s->qsvt && !solver_clock_bits(enc->alpha, o, &s->p, &s->p_min, err))
        return false;
    unsigned p = s->p;

    /* registers (no clock with qsvt) */
    const unsigned width[SREG_COUNT] = {enc->nsys, enc->nidx, p, 1, 1};
    for (int r = 0; r < SREG_COUNT; r++)
        if (width[r] > 0 || r != SREG_CLOCK)
            s->reg[r] = circuit_qreg(c, o->reg_names[r], width[r]);

    /* definitions */
    if (!enc->prep_b(c, enc->ctx, &s->def_prep_b, err))
        return false;
    if (s->qsvt) {
        s->def_walk = enc->walk(c, enc->ctx);
        s->def_qsvt = qsvt_def(s);
    } else {
        qpe_defs(s);
    }

    /* the stages: coherent ones into `solve` (on every register so far,
     * formal i = qubit i) when wrapped */
    Block *coherent = &c->main;
    if (o->wrap_solve) {
        s->def_solve = circuit_def(c, "solve", c->nqubits, "the linear solver: |b>, qpe, invert, uncompute");
        coherent = circuit_def_body(c, s->def_solve);
    }
    for (int i = 0; i < nstages; i++) {
        Block *b = stages[i]->coherent ? coherent : &c->main;
        if (!stages[i]->build(s, b, err))
            return false;
    }
    if (!circuit_verify(c))
        ICE("solver: the assembled circuit fails verification");
    return true;
}

void solver_free(Solver *s)
{
    free(s->qpe_operands);
    memset(s, 0, sizeof *s);
}

unsigned solver_solution_qubits(const Solver *s, int *out)
{
    unsigned k = 0;
    for (unsigned i = 0; i < s->enc->nsys; i++)
        if ((int)i != s->enc->kept)
            out[k++] = (int)(s->reg[SREG_SYS] + i);
    return k;
}

double solver_post_prob(const Solver *s, SolverPostId g, const double *post_prob, size_t npost)
{
    if (npost != s->npost)
        ICE("solver: %zu post-selections simulated, the circuit has %u", npost, s->npost);
    double pr = 1;
    for (uint32_t i = 0; i < s->post[g].count; i++)
        pr *= post_prob[s->post[g].first + i];
    return pr;
}
