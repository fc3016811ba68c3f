/* estimate_tech.c — the techniques costed at model scale (estimate_tech.h). */
#include "passes/estimate_tech.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "passes/amplify.h"
#include "passes/readout_ae.h"
#include "support/diag.h"
#include "support/util.h"

static void cost_init(TechCost *c)
{
    memset(c, 0, sizeof *c);
    mpz_inits(c->ccz_call, c->ccz_aa_extra, c->calls, c->total_ccz, c->walk_steps, NULL);
}

static void cost_clear(TechCost *c)
{
    mpz_clears(c->ccz_call, c->ccz_aa_extra, c->calls, c->total_ccz, c->walk_steps, NULL);
}

static void cost_copy(TechCost *dst, const TechCost *src)
{
    mpz_t a, b, c, d, w;
    memcpy(a, dst->ccz_call, sizeof a), memcpy(b, dst->ccz_aa_extra, sizeof b);
    memcpy(c, dst->calls, sizeof c), memcpy(d, dst->total_ccz, sizeof d), memcpy(w, dst->walk_steps, sizeof w);
    *dst = *src;
    memcpy(dst->ccz_call, a, sizeof a), memcpy(dst->ccz_aa_extra, b, sizeof b);
    memcpy(dst->calls, c, sizeof c), memcpy(dst->total_ccz, d, sizeof d), memcpy(dst->walk_steps, w, sizeof w);
    mpz_set(dst->walk_steps, src->walk_steps);
    mpz_set(dst->ccz_call, src->ccz_call);
    mpz_set(dst->ccz_aa_extra, src->ccz_aa_extra);
    mpz_set(dst->calls, src->calls);
    mpz_set(dst->total_ccz, src->total_ccz);
}

/* ⌈x⌉ for a long double x ≥ 0 beyond 2^64, through its decimal digits */
static void mpz_ceil_ld(mpz_t out, long double x)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%.40Lf", ceill(x));
    char *dot = strchr(buf, '.');
    if (dot)
        *dot = 0;
    if (mpz_set_str(out, buf, 10) != 0)
        ICE("estimate_tech: cannot read %s", buf);
}

/* CCZ of a multi-controlled phase on q qubits (sbe_reflect_cost's lowering) */
static unsigned long reflect_ccz(unsigned long q) { return q >= 3 ? 2 * (q - 2) : 0; }

static bool eval(const ModelProblem *m, const Estimate *e, AmplifyMode amp, DataLoading load, ReadoutMode ro,
                 long long max_qubits, bool linf, TechCost *c, char **err)
{
    ReadoutMeasure meas = linf ? READOUT_LINF : READOUT_L2;
    c->amplify = amp, c->loading = load, c->readout = ro;
    c->solver = e->qsvt ? SOLVER_QSVT : SOLVER_QPE;
    mpz_set(c->walk_steps, e->walk_steps);
    mpz_set(c->ccz_call, e->run.ccz);
    c->qubits = e->run.qubits_peak;
    c->p_success = e->p_solve * e->p_read;
    const CarlemanBE *be = &e->be;
    /* the reflections of amplification (and of amplitude estimation's
     * Grover iterate): the good subspace on the post-selected qubits and
     * the read-out's condition on t and the level, and |0⟩ of A's qubits */
    unsigned long g = e->q_flags + e->p + e->q_anc + 1 + be->tb + be->N;
    unsigned long refl = reflect_ccz(g) + reflect_ccz(e->c.nqubits);
    mpz_t x;
    mpz_init(x);
    long double r = mpz_get_d(m->r);
    ReadoutModelCost mc;
    memset(&mc, 0, sizeof mc);
    c->aa_calls = 1;
    c->aa_success = c->p_success;
    if (ro == READOUT_AMPLITUDE_ESTIMATION) {
        /* on the un-post-selected solver: amplification adds nothing */
        c->amplify = AMPLIFY_NONE;
        if (!readout_model_count(RO_AMPLITUDE_ESTIMATION, meas, r, m->eps, c->p_success, 0.05, be->qn, c->calls,
                                 &mc, err)) {
            mpz_clear(x);
            return false;
        }
        c->ae_clock = mc.clock_bits;
        c->qubits += mc.clock_bits;
        c->readout_bound = mc.bound;
        /* one Grover iterate (two calls) per reflection pair */
        mpz_tdiv_q_2exp(x, c->calls, 1);
        mpz_mul_ui(c->ccz_aa_extra, x, refl);
    } else {
        if (ro == READOUT_SHADOWS) {
            c->kept = mpz_get_d(e->shots);
            c->readout_bound = "m^2 r^3/eps^2 (classical shadows, Liu et al. II.D)";
        } else {
            mpz_t tmp;
            mpz_init(tmp);
            bool ok = readout_model_count(RO_L2_SAMPLING, meas, r, m->eps, c->p_success, 0.05, be->qn, tmp, &mc,
                                          err);
            mpz_clear(tmp);
            if (!ok) {
                mpz_clear(x);
                return false;
            }
            c->kept = mc.samples;
            c->readout_bound = mc.bound;
        }
        if (amp == AMPLIFY_NONE && ro == READOUT_SHADOWS) {
            mpz_set(c->calls, e->runs); /* the paper's figure, exactly */
        } else if (amp == AMPLIFY_NONE) {
            mpz_ceil_ld(c->calls, c->kept / (long double)c->p_success);
        } else {
            if (amp == AMPLIFY_FIXED_POINT) {
                c->aa_calls = amplify_fixed_point_calls(c->p_success, TECH_FP_DELTA);
                c->aa_success = 1 - TECH_FP_DELTA * TECH_FP_DELTA;
            } else {
                AmplifyPlan pl;
                if (!amplify_plan_exact(c->p_success, 1u << 31, &pl, err)) {
                    mpz_clear(x);
                    return false;
                }
                c->aa_calls = (double)pl.solves;
                c->aa_success = 1;
                c->qubits += pl.rotate ? 1 : 0;
            }
            long double runs = ceill(c->kept / (long double)c->aa_success);
            mpz_ceil_ld(c->calls, runs * (long double)c->aa_calls);
            mpz_ceil_ld(x, runs * (long double)((c->aa_calls - 1) / 2));
            mpz_mul_ui(c->ccz_aa_extra, x, refl);
        }
    }
    c->feasible = max_qubits <= 0 || (long long)c->qubits <= max_qubits;
    mpz_mul(c->total_ccz, c->calls, e->run.ccz);
    mpz_add(c->total_ccz, c->total_ccz, c->ccz_aa_extra);
    mpz_mul(c->total_ccz, c->total_ccz, e->uploads);
    double calls_d = mpz_get_d(c->calls) * mpz_get_d(e->uploads);
    for (int i = 0; i < e->nphys && i < EST_MAX_MODELS; i++) {
        c->phys_ok[i] = e->phys_ok[i];
        if (e->phys_ok[i]) {
            c->seconds[i] = mpz_get_d(e->phys[i].runtime_ns) * 1e-9 * calls_d;
            c->phys_qubits[i] = mpz_get_ui(e->phys[i].qubits);
        }
    }
    mpz_clear(x);
    return true;
}

void tech_report_free(TechReport *t)
{
    for (int i = 0; i < TECH_MAX_STEPS; i++)
        cost_clear(&t->step[i]);
    cost_clear(&t->best);
    cost_clear(&t->chosen);
    memset(t, 0, sizeof *t);
}

/* The cheapest feasible combination allowed by the options (paper: the
 * unset ones at the paper's choice). */
static bool search(const ModelProblem *m, const Estimate *const est[2][2], const Options *o, bool free_all,
                   long long maxq, bool linf, TechCost *out, char **err)
{
    const Estimate *eu = est[0][0];
    bool paper = !free_all && o->algorithm == ALGORITHM_PAPER;
    static const AmplifyMode amps[] = {AMPLIFY_NONE, AMPLIFY_FIXED_POINT, AMPLIFY_EXACT};
    bool have = false;
    TechCost c;
    cost_init(&c);
    for (int sk = 0; sk < SOLVER_KINDS; sk++)
    for (int a = 0; a < 3; a++)
        for (int l = 0; l < LOADING_MODES; l++)
            for (int r = 0; r < READOUT_MODES; r++) {
                const Estimate *e = est[sk][l == LOADING_QROAM];
                /* the solver as asked for, else phase estimation (as compile and
                 * run build it); --compare's best weighs both */
                bool solver_ok = free_all                 ? true
                                 : o->set[OPTION_solver]  ? sk == (int)o->solver
                                                          : sk == SOLVER_QPE;
                if (!solver_ok || !e)
                    continue;
                AmplifyMode am = amps[a];
                bool amp_ok = free_all                   ? am != AMPLIFY_EXACT
                              : o->set[OPTION_amplify]   ? am == o->amplify
                              : paper                    ? am == AMPLIFY_NONE
                                                         : am != AMPLIFY_EXACT; /* exact needs P exactly */
                bool load_ok = free_all                       ? true
                               : o->set[OPTION_data_loading]  ? l == (int)o->data_loading
                                                              : !paper || l == LOADING_UNARY;
                bool ro_ok = free_all                   ? true
                             : o->set[OPTION_readout]   ? r == (int)o->readout
                                                        : !paper || r == READOUT_SHADOWS;
                if (!amp_ok || !load_ok || !ro_ok)
                    continue;
                /* amplitude estimation runs on the un-amplified solver: one
                 * combination, whatever amplify says */
                if (r == READOUT_AMPLITUDE_ESTIMATION && am != AMPLIFY_NONE && !(!free_all && o->set[OPTION_amplify]))
                    continue;
                if (!eval(m, e, am, (DataLoading)l, (ReadoutMode)r, maxq, linf, &c, err)) {
                    cost_clear(&c);
                    return false;
                }
                if (!c.feasible)
                    continue;
                if (!have || mpz_cmp(c.total_ccz, out->total_ccz) < 0)
                    cost_copy(out, &c), have = true;
            }
    cost_clear(&c);
    if (!have)
        return diag_refuse(err, "no combination of techniques fits in max_logical_qubits = %lld (the paper's circuit "
                                "needs %lu)",
                           maxq, (unsigned long)eu->run.qubits_peak);
    return true;
}

bool tech_report(const ModelProblem *m, const Estimate *eu, const Estimate *eq, const Estimate *su,
                 const Estimate *sq, bool linf, TechReport *out, char **err)
{
    const Estimate *const est[2][2] = {{eu, eq}, {su, sq}};
    memset(out, 0, sizeof *out);
    for (int i = 0; i < TECH_MAX_STEPS; i++)
        cost_init(&out->step[i]);
    cost_init(&out->best);
    cost_init(&out->chosen);
    const Options *o = &m->opt;
    long long maxq = o->max_logical_qubits;
    out->max_qubits = maxq;
    out->linf = linf;
    out->have_qroam = eq != NULL;
    out->have_qsvt = su != NULL;
    const Estimate *sql = eq ? sq : su;
    const Estimate *eql = eq ? eq : eu;
    DataLoading ql = eq ? LOADING_QROAM : LOADING_UNARY;
    struct {
        const char *label;
        AmplifyMode a;
        DataLoading l;
        ReadoutMode r;
        const Estimate *e;
    } steps[] = {
        {"paper (Liu et al.)", AMPLIFY_NONE, LOADING_UNARY, READOUT_SHADOWS, eu},
        {"+ fixed-point amplification", AMPLIFY_FIXED_POINT, LOADING_UNARY, READOUT_SHADOWS, eu},
        {"+ QROAM table look-ups", AMPLIFY_FIXED_POINT, ql, READOUT_SHADOWS, eql},
        {"+ sampling read-out", AMPLIFY_FIXED_POINT, ql, READOUT_L2_SAMPLING, eql},
        {"+ amplitude-estimation read-out", AMPLIFY_NONE, ql, READOUT_AMPLITUDE_ESTIMATION, eql},
        {"+ QSVT solver", AMPLIFY_NONE, ql, READOUT_AMPLITUDE_ESTIMATION, sql},
    };
    int k = 0;
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
        if ((i == 2 && !eq) || (i == 5 && !sql))
            continue;
        if (!eval(m, steps[i].e, steps[i].a, steps[i].l, steps[i].r, maxq, linf, &out->step[k], err))
            return false;
        out->step[k].label = steps[i].label;
        k++;
    }
    if (!search(m, est, o, true, maxq, linf, &out->best, err))
        return false;
    out->best.label = "best";
    cost_copy(&out->step[k], &out->best);
    out->step[k++].label = "best";
    out->nsteps = k;
    if (!search(m, est, o, false, maxq, linf, &out->chosen, err))
        return false;
    out->chosen.label = "chosen";
    return true;
}
