/* amplify.c — exact amplitude amplification as a solver stage (amplify.h). */
#include "passes/amplify.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "support/consts.h"
#include "support/diag.h"
#include "support/util.h"

bool amplify_mode_parse(const char *name, AmplifyMode *out)
{
    int m = technique_lookup(amplify_mode_names, AMPLIFY_MODES, name);
    if (m >= 0)
        *out = (AmplifyMode)m;
    return m >= 0;
}

bool amplify_plan_exact(double P, unsigned max_k, AmplifyPlan *out, char **err)
{
    memset(out, 0, sizeof *out);
    if (!(P > 0) || !(P <= 1 + 1e-12))
        return diag_refuse(err, "amplitude amplification needs a success probability in (0, 1], not %g", P);
    if (P > 1)
        P = 1;
    double theta = asin(sqrt(P));
    double kf = ceil(QGD_PI / (4 * theta) - 0.5);
    if (kf < 0)
        kf = 0;
    if (kf > max_k)
        return diag_refuse(err,
                           "exact amplitude amplification of a success probability of %.3g takes %.0f Grover "
                           "iterates, more than the limit of %u",
                           P, kf, max_k);
    unsigned k = (unsigned)kf;
    out->P = P;
    out->theta = theta;
    out->k = k;
    out->theta_low = QGD_PI / (2.0 * (2.0 * k + 1));
    /* θ' ≤ θ since 2k + 1 ≥ π/(2θ); the ancilla scales the good amplitude by sin θ'/sin θ ≤ 1 */
    double r = sin(out->theta_low) / sin(theta);
    out->rotate = r < 1 - 1e-15;
    out->angle = out->rotate ? 2 * asin(r) : 0;
    double a = out->rotate ? sin(out->theta_low) : sin(theta);
    double th = asin(a);
    out->P_predicted = pow(sin((2.0 * k + 1) * th), 2);
    out->solves = 2 * (uint64_t)k + 1;
    return true;
}

static const char *note(const Solver *s, const char *text) { return s->opt->comments ? text : NULL; }

/* A' = solve ⊗ ry(±φ) amp, forward or inverse */
static void apply_a(Solver *s, Block *b, const uint32_t *solve_q, bool inverse, const char *comment)
{
    const AmplifyPlan *pl = s->opt->amplify;
    Op *op = circ_call(s->c, b, s->def_solve, 0, solve_q);
    op->inv = inverse;
    op->comment = comment;
    if (pl->rotate) {
        double a = inverse ? -pl->angle : pl->angle;
        circ_gate(s->c, b, GATE_RY, &s->amp, &a);
    }
}

static bool st_amplify(Solver *s, Block *b, char **err)
{
    const AmplifyPlan *pl = s->opt->amplify;
    Circuit *c = s->c;
    if (!pl || !s->def_solve)
        ICE("amplify: the stage needs a plan and the wrapped solve");
    if (pl->rotate) {
        s->amp = circuit_qreg(c, "amp", 1);
        s->amplified = true;
    }
    uint32_t nall = c->nqubits; /* `solve` on qubits 0.. (formal i = qubit i), then amp */
    /* the good subspace: every group at its kept value */
    uint32_t *gq = xmalloc((nall + 1) * sizeof *gq);
    uint32_t ng = 0;
    uint64_t neg = 0;
    for (int g = 0; g < SPOST_COUNT; g++) {
        uint32_t q0;
        int v;
        uint32_t n = solver_group_qubits(s, (SolverPostId)g, &q0, &v);
        for (uint32_t i = 0; i < n; i++) {
            if (ng >= 64) {
                free(gq);
                return diag_refuse(err, "amplitude amplification: the good subspace is marked by more than 64 "
                                        "qubits, beyond one multi-controlled phase");
            }
            if (v == 0)
                neg |= (uint64_t)1 << ng;
            gq[ng++] = q0 + i;
        }
    }
    if (nall > 64) {
        free(gq);
        return diag_refuse(err, "amplitude amplification: the reflection about |0...0> would need %u controls, "
                                "more than 64",
                           nall);
    }
    uint32_t *sq = xmalloc(nall * sizeof *sq);
    for (uint32_t i = 0; i < nall; i++)
        sq[i] = i;
    apply_a(s, b, sq, false,
            note(s, "amplify: A = solve (and ry on amp), then the Grover iterate Q = A S0 A^-1 S_good, k times "
                    "(exact amplitude amplification)"));
    if (pl->k > 0) {
        uint32_t d = circuit_def(c, "amplify_q", nall,
                                 "Grover iterate: S_good (-1 on every kept post-selection value), A^-1, S0 (-1 on "
                                 "|0...0>), A");
        Block *body = circuit_def_body(c, d);
        double pi = QGD_PI;
        Op *op = circ_cgate(c, body, GATE_GPHASE, ng, gq, &pi);
        op->negctrl = neg;
        op->comment = note(s, "S_good: -1 on the good subspace (anc = 1, flag = 0, idx = 0, clock = 0, kept, amp)");
        apply_a(s, body, sq, true, NULL);
        op = circ_cgate(c, body, GATE_GPHASE, nall, sq, &pi);
        op->negctrl = nall == 64 ? ~(uint64_t)0 : ((uint64_t)1 << nall) - 1;
        op->comment = note(s, "S0: -1 on |0...0>");
        apply_a(s, body, sq, false, NULL);
        circ_call(c, b, d, 0, sq)->pow = pl->k;
    }
    free(sq);
    free(gq);
    return true;
}

const SolverStage solver_stage_amplify = {
    "amplify", "`solve` defined (wrap_solve), the plan's P its success probability; every register |0>",
    "the good subspace (every post-selection group at its kept value, amp = 1) with probability "
    "sin^2((2k+1)theta') = 1, holding the un-amplified kept state",
    false, st_amplify};
