/* amplify.c — amplitude amplification as a solver stage, exact or
 * fixed-point (amplify.h). */
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
    out->mode = AMPLIFY_EXACT;
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
    out->P_guaranteed = out->P_predicted;
    return true;
}

/* acosh(1/δ)/atanh(√w): the least real L with T_{1/L}(1/δ)·√(1 − w) ≤ 1
 * (cosh(acosh(1/δ)/L) ≤ cosh(atanh(√w)) = 1/√(1 − w)); 0 at w = 1 */
static double fp_bound(double w, double delta)
{
    if (w >= 1)
        return 0;
    return acosh(1 / delta) / atanh(sqrt(w));
}

static bool fp_args_ok(double w, double delta) { return w > 0 && w <= 1 + 1e-12 && delta > 0 && delta < 1; }

/* the least odd integer ≥ b (1 for b ≤ 1); beyond 2^53 the ceiling */
static double least_odd(double b)
{
    double L = ceil(b);
    if (L < 1)
        L = 1;
    if (L < 9007199254740992.0 && fmod(L, 2) == 0)
        L += 1;
    return L;
}

double amplify_fixed_point_calls(double w, double delta)
{
    if (!fp_args_ok(w, delta))
        return NAN;
    return least_odd(fp_bound(w > 1 ? 1 : w, delta));
}

bool amplify_plan_fixed_point(double w, double delta, unsigned max_l, AmplifyPlan *out, char **err)
{
    memset(out, 0, sizeof *out);
    if (!(w > 0) || !(w <= 1 + 1e-12))
        return diag_refuse(err, "fixed-point amplitude amplification needs a lower bound on the success "
                                "probability in (0, 1], not %g",
                           w);
    if (!(delta > 0) || !(delta < 1))
        return diag_refuse(err, "fixed-point amplitude amplification needs a tolerance delta in (0, 1), not %g",
                           delta);
    if (w > 1)
        w = 1;
    double L = least_odd(fp_bound(w, delta));
    if ((L - 1) / 2 > max_l)
        return diag_refuse(err,
                           "fixed-point amplitude amplification of a success probability of at least %.3g to "
                           "within %.3g takes %.0f generalized iterates, more than the limit of %u",
                           w, delta * delta, (L - 1) / 2, max_l);
    out->mode = AMPLIFY_FIXED_POINT;
    out->P = w;
    out->theta = out->theta_low = asin(sqrt(w));
    out->k = (unsigned)((L - 1) / 2);
    out->solves = (uint64_t)L;
    out->delta = delta;
    out->gamma = 1 / cosh(acosh(1 / delta) / L);
    out->P_guaranteed = 1 - delta * delta;
    out->P_predicted = amplify_plan_success(out, w);
    return true;
}

double amplify_fp_alpha(const AmplifyPlan *pl, unsigned j)
{
    if (pl->mode != AMPLIFY_FIXED_POINT || j < 1 || j > pl->k)
        ICE("amplify_fp_alpha: phase %u of a plan with %u iterates", j, pl->k);
    double L = (double)pl->solves;
    /* √(1 − γ²) = tanh(acosh(1/δ)/L), exact where γ is near 1 */
    double s = tanh(acosh(1 / pl->delta) / L);
    /* cot⁻¹ x = atan2(1, x) in (0, π); 2πj/L ≠ π/2 (L odd) */
    return remainder(2 * atan2(1, tan(2 * QGD_PI * j / L) * s), 2 * QGD_PI);
}

double amplify_fp_beta(const AmplifyPlan *pl, unsigned j)
{
    if (pl->mode != AMPLIFY_FIXED_POINT || j < 1 || j > pl->k)
        ICE("amplify_fp_beta: phase %u of a plan with %u iterates", j, pl->k);
    return -amplify_fp_alpha(pl, pl->k - j + 1);
}

/* T_L(x), the Chebyshev polynomial of the first kind, x ≥ 0 */
static double chebyshev(double L, double x)
{
    return x <= 1 ? cos(L * acos(x)) : cosh(L * acosh(x));
}

double amplify_plan_success(const AmplifyPlan *pl, double P)
{
    if (P < 0)
        P = 0;
    if (P > 1)
        P = 1;
    if (pl->mode == AMPLIFY_FIXED_POINT) {
        double t = chebyshev((double)pl->solves, sqrt(1 - P) / pl->gamma);
        return 1 - pl->delta * pl->delta * t * t;
    }
    double a = sqrt(P) * (pl->rotate ? sin(pl->angle / 2) : 1);
    return pow(sin((2.0 * pl->k + 1) * asin(a)), 2);
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

/* The fixed-point sequence (amplify.h): A, then amplify_g1 … amplify_gl,
 * amplify_gj = S_t(β_j); A†; S0(α_j); A, on the solve's nall qubits (sq);
 * the good subspace is gq[ng] with negative controls neg, |0…0⟩ all of sq
 * under neg0. */
static void build_fixed_point(Solver *s, Block *b, const uint32_t *sq, uint32_t nall, const uint32_t *gq, uint32_t ng,
                              uint64_t neg, uint64_t neg0)
{
    const AmplifyPlan *pl = s->opt->amplify;
    Circuit *c = s->c;
    if (pl->rotate)
        ICE("amplify: a fixed-point plan with an amp rotation");
    char text[256];
    const char *head = NULL;
    if (s->opt->comments) {
        snprintf(text, sizeof text,
                 "amplify: A = solve, then %u generalized iterates G(alpha_j, beta_j) = A S0(alpha_j) A^-1 "
                 "S_t(beta_j) (fixed-point amplification, Yoder-Low-Chuang: L = %llu, delta = %.6g, success >= "
                 "%.6g for P >= %.6g)",
                 pl->k, (unsigned long long)pl->solves, pl->delta, pl->P_guaranteed, pl->P);
        head = arena_strdup(&c->arena, text);
    }
    apply_a(s, b, sq, false, head);
    for (unsigned j = 1; j <= pl->k; j++) {
        double alpha = amplify_fp_alpha(pl, j), beta = amplify_fp_beta(pl, j);
        char name[32];
        snprintf(name, sizeof name, "amplify_g%u", j);
        snprintf(text, sizeof text,
                 "generalized Grover iterate %u of %u: S_t(beta = %.9g) (phase e^{i beta} on every kept "
                 "post-selection value), A^-1, S0(alpha = %.9g) (phase e^{-i alpha} on |0...0>), A",
                 j, pl->k, beta, alpha);
        uint32_t d = circuit_def(c, name, nall, text);
        Block *body = circuit_def_body(c, d);
        Op *op = circ_cgate(c, body, GATE_GPHASE, ng, gq, &beta);
        op->negctrl = neg;
        if (j == 1)
            op->comment = note(s, "S_t(beta): e^{i beta} on the good subspace (anc = 1, flag = 0, idx = 0, "
                                  "clock = 0, kept)");
        apply_a(s, body, sq, true, NULL);
        double phase = -alpha;
        op = circ_cgate(c, body, GATE_GPHASE, nall, sq, &phase);
        op->negctrl = neg0;
        if (j == 1)
            op->comment = note(s, "S0(alpha): e^{-i alpha} on |0...0>");
        apply_a(s, body, sq, false, NULL);
        circ_call(c, b, d, 0, sq);
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
    uint64_t neg0 = nall == 64 ? ~(uint64_t)0 : ((uint64_t)1 << nall) - 1;
    if (pl->mode == AMPLIFY_FIXED_POINT) {
        build_fixed_point(s, b, sq, nall, gq, ng, neg, neg0);
        free(sq);
        free(gq);
        return true;
    }
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
        op->negctrl = neg0;
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
    "sin^2((2k+1)theta') = 1 (fixed point: 1 - delta^2 T_L(sqrt(1-P)/gamma)^2 >= 1 - delta^2 for P >= w), "
    "holding the un-amplified kept state (up to a phase)",
    false, st_amplify};
