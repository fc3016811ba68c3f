/* estimate.c — the solver circuit with the structured encoding, counted
 * (contract in estimate.h). */
#include "passes/estimate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "support/consts.h"
#include "passes/qsp.h"
#include "passes/state_prep.h"
#include "support/diag.h"
#include "support/util.h"

static void declared_init(DeclaredCost *k)
{
    mpz_inits(k->ccz, k->t, k->rotations, NULL);
    k->ancillas = 0;
}
static void declared_clear(DeclaredCost *k) { mpz_clears(k->ccz, k->t, k->rotations, NULL); }

/* B over (sys, d = 0) from the data: block 0 = ŷ_in, blocks 1..T = c =
 * F_0 on level 1 (paper form). */
static bool prep_b_explicit(Circuit *c, const CarlemanBE *be, const GdProblem *p, uint32_t *def, char **err)
{
    unsigned N = be->N;
    size_t n = p->n, cnt = 0, cap = 16;
    uint64_t *idx = xmalloc(cap * sizeof *idx);
    double *val = xmalloc(cap * sizeof *val);
    uint32_t fac[MODEL_MAX_ORDER];
    for (unsigned j = 1; j <= N; j++) {
        size_t total = 1;
        for (unsigned m = 0; m < j; m++)
            total *= n;
        for (size_t a = 0; a < total; a++) {
            size_t x = a;
            double v = 1;
            for (int m = (int)j - 1; m >= 0; m--) { /* first factor most significant */
                fac[m] = (uint32_t)(x % n);
                x /= n;
                v *= p->u_in[fac[m]];
            }
            if (v == 0)
                continue;
            if (cnt == cap)
                cap *= 2, idx = xrealloc(idx, cap * sizeof *idx), val = xrealloc(val, cap * sizeof *val);
            idx[cnt] = cbe_real_index(be, 0, j, fac), val[cnt++] = v;
        }
    }
    double *f0 = xcalloc(n, sizeof *f0);
    for (size_t e = 0; e < p->F[0].nnz; e++)
        f0[p->F[0].row[e]] += p->F[0].val[e];
    for (uint64_t t = 1; t <= p->T; t++)
        for (uint32_t i = 0; i < n; i++) {
            if (f0[i] == 0)
                continue;
            if (cnt == cap)
                cap *= 2, idx = xrealloc(idx, cap * sizeof *idx), val = xrealloc(val, cap * sizeof *val);
            idx[cnt] = cbe_real_index(be, t, 1, &i), val[cnt++] = f0[i];
        }
    free(f0);
    bool ok = state_prep_def_sparse(c, "prep_b", be->nsys + 1, cnt, idx, val, SP_AUTO, def, NULL, err);
    free(idx), free(val);
    return ok;
}

/* From the shape: the time register (dense, tb qubits), the level
 * register under t = 0 (N − 1 controlled RY), u on each of the N factor
 * slots and F_0 on slot 1, each a dense loader of 2^qn amplitudes under a
 * control (2^(qn+1) − 2 rotations), and the controls' ANDs. */
static uint32_t prep_b_declared(Circuit *c, const CarlemanBE *be, bool f0)
{
    DeclaredCost k;
    declared_init(&k);
    mpz_t x;
    mpz_init(x);
    mpz_set_ui(k.rotations, 0);
    mpz_setbit(k.rotations, be->tb);
    mpz_sub_ui(k.rotations, k.rotations, 1);
    mpz_add_ui(k.rotations, k.rotations, 2 * (be->N - 1));
    mpz_set_ui(x, 0);
    mpz_setbit(x, be->qn + 1);
    mpz_sub_ui(x, x, 2);
    mpz_mul_ui(x, x, be->N + (f0 ? 1 : 0));
    mpz_add(k.rotations, k.rotations, x);
    mpz_set_ui(k.ccz, 2ul * (be->tb + 2 * be->N));
    k.ancillas = be->tb;
    uint32_t d = circuit_declare(c, "prep_b", be->nsys + 1, &k, "right-hand side B (counted, not built)");
    mpz_clear(x);
    declared_clear(&k);
    return d;
}

/* the structured encoder's hooks for the assembler */
typedef struct EstPrep {
    const CarlemanBE *be;
    const GdProblem *p;
    bool explicit_build, f0;
} EstPrep;

static bool est_prep_b(Circuit *c, void *ctx, uint32_t *def, char **err)
{
    EstPrep *x = ctx;
    if (x->explicit_build)
        return prep_b_explicit(c, x->be, x->p, def, err);
    *def = prep_b_declared(c, x->be, x->f0);
    return true;
}

static uint32_t est_walk_c(Circuit *c, void *ctx)
{
    (void)c;
    return ((EstPrep *)ctx)->be->def_walk_c;
}

/* the walk R·U_H on U_H's formals (sys, d, flags, helper) */
static uint32_t est_walk(Circuit *c, void *ctx)
{
    const CarlemanBE *be = ((EstPrep *)ctx)->be;
    uint32_t nH = be->nsys + 1 + be->nflags + 1;
    uint32_t d = circuit_def(c, "cbe_walk", nH, "the qubitized walk R U_H: system, d, flags, helper");
    Block *b = circuit_def_body(c, d);
    uint32_t *q = xmalloc(nH * sizeof *q);
    for (uint32_t i = 0; i < nH; i++)
        q[i] = i;
    circ_call(c, b, be->def_uh, 0, q);
    circ_call(c, b, be->def_reflect, 0, q + be->nsys + 1);
    free(q);
    return d;
}

static unsigned ceil_log2_d(double x) { return x <= 1 ? 0 : (unsigned)ceil(log2(x) - 1e-12); }

/* The circuit: the angle bits, the structured encoding (cbe_build), the
 * solver assembled around it (solver_build), one controlled walk counted
 * apart, the counts, and the walk steps and queries. */
static bool estimate_circuit(const ModelProblem *m, const GdProblem *p, const EstimateOptions *o, Estimate *e,
                             char **err)
{
    double t0 = monotonic_seconds();
    e->bits = o->bits ? o->bits : m->angle_bits;
    if (!e->bits) {
        unsigned b = ceil_log2_d(QGD_PI / m->eps);
        e->bits = b > 1 ? b - 1 : 1;
        if (e->bits < 4)
            e->bits = 4;
    }
    CbeOptions co = {.bits = e->bits, .qrom = o->qrom, .explicit_oracles = o->explicit_build,
                     .qroam_k = o->qroam_k, .qroam_max_extra = o->qroam_max_extra ? o->qroam_max_extra : UINT64_MAX};
    if (!cbe_build(&e->c, "cbe", m, p, &co, &e->be, err))
        return false;
    if (dump_wants(o->dump, PASS_ENCODE))
        circuit_dump(&e->c, o->dump->out), dump_done(o->dump);
    CarlemanBE *be = &e->be;

    /* the solver, assembled from the structured encoder */
    e->lambda_min = 1 / m->kappa0;
    EstPrep ep = {be, p, o->explicit_build, m->F[0].present};
    e->enc = (SolverEncoding){.name = "structured", .nsys = be->nsys + 1, .nidx = be->nflags + 1,
                              .alpha = be->alpha_M, .kept = (int)be->nsys, .prep_b = est_prep_b,
                              .walk_c = est_walk_c, .walk = est_walk, .ctx = &ep};
    char who[256];
    snprintf(who, sizeof who, "model '%s': ", m->name);
    e->sopt = (SolverOptions){.lambda_min = e->lambda_min, .kappa0 = m->kappa0,
                              .clock_bits = o->clock_bits ? o->clock_bits : m->clock_bits, .precision = m->eps,
                              .max_clock = EST_MAX_CLOCK, .build_invert_max = EST_BUILD_INVERT_MAX, .who = who,
                              .reg_names = {"sys", "flags", "clock", "anc", "ill"},
                              .post_order = {SPOST_IDX, SPOST_CLOCK, SPOST_FLAG, SPOST_ANC, SPOST_KEPT}};
    int nstages;
    const SolverStage *const *stages = solver_qpe_stages(&nstages);
    if (o->qsvt) {
        /* the kept amplitude is at least s/κ0 of the normalised right-hand
         * side (the filtered inverse times λ_min ≥ 1/κ0·‖M‖⁻¹·‖M‖): the
         * polynomial's error ε·s/(2κ0) keeps the normalised state within ε */
        e->qsvt = true;
        e->qsvt_a = e->lambda_min / be->alpha_M;
        e->qsvt_eps = m->eps * QSP_SCALE / (2 * m->kappa0);
        /* no edge: the bound on P(solve) already assumes no singular value
         * near or below the cut (estimate.h), and so does the optimal polynomial */
        e->qsvt_degree = qsp_inverse_degree(e->qsvt_a, 0, QSP_SCALE, e->qsvt_eps, &e->qsvt_norm);
        if (!e->qsvt_degree)
            return diag_refuse(err, "model '%s': no QSVT polynomial for the cut %.3g at error %.2g", m->name,
                               e->qsvt_a, e->qsvt_eps);
        if (e->qsvt_degree <= EST_QSVT_BUILD_MAX) {
            const QspPoly *poly;
            const double *phases;
            QspStats st;
            if (!qsp_inverse_cached(e->qsvt_a, 0, QSP_SCALE, e->qsvt_eps, &poly, &phases, &st, err))
                return false;
            e->sopt.qsvt_phases = phases;
            e->qsvt_degree = poly->degree;
            e->qsvt_norm = poly->norm;
            e->qsvt_built = true;
        } else {
            e->sopt.qsvt_counted = true;
        }
        e->sopt.qsvt_degree = e->qsvt_degree;
        e->sopt.post_order[3] = SPOST_ANC; /* kept at 0 with qsvt */
        stages = solver_qsvt_stages(&nstages);
    }
    bool built = solver_build(&e->c, &e->enc, &e->sopt, stages, nstages, &e->solver, err);
    e->enc.ctx = NULL, e->sopt.who = NULL; /* on this stack */
    if (!built)
        return false;
    if (dump_wants(o->dump, PASS_SOLVER))
        circuit_dump(&e->c, o->dump->out), dump_done(o->dump);
    e->p = e->solver.p;
    e->p0 = e->solver.p_min;
    e->inv = e->solver.inv;
    e->q_sys = e->enc.nsys;
    e->q_flags = e->enc.nidx;
    e->q_clock = e->p;
    e->q_anc = 2;
    /* one controlled walk alone (with qsvt: one walk), counted apart */
    if (o->count_walk) {
        uint32_t *q = xmalloc((1 + (size_t)e->q_sys + e->q_flags) * sizeof *q);
        q[0] = e->solver.reg[SREG_CLOCK]; /* the control; with qsvt the walk has none: q + 1 */
        for (uint32_t k = 0; k < e->q_sys; k++)
            q[1 + k] = e->solver.reg[SREG_SYS] + k;
        for (uint32_t k = 0; k < e->q_flags; k++)
            q[1 + e->q_sys + k] = e->solver.reg[SREG_IDX] + k;
        res_clear(&e->walk); /* counted alone (res_count_call initialises it) */
        res_count_call(&e->c, e->qsvt ? e->solver.def_walk : be->def_walk_c, e->qsvt ? q + 1 : q, &e->walk);
        e->have_walk = true;
        free(q);
    }
    e->build_s = monotonic_seconds() - t0;
    if (!circuit_verify(&e->c))
        ICE("estimate: the solver circuit fails the verifier");
    t0 = monotonic_seconds();
    res_count(&e->c, &e->run);
    e->count_s = monotonic_seconds() - t0;

    /* walk steps and queries: 2^p − 1 controlled walks in each phase
     * estimation; with qsvt the degree */
    mpz_set_ui(e->walk_steps, 0);
    if (e->qsvt) {
        mpz_set_ui(e->walk_steps, e->qsvt_degree);
    } else {
        mpz_setbit(e->walk_steps, e->p);
        mpz_sub_ui(e->walk_steps, e->walk_steps, 1);
        mpz_mul_2exp(e->walk_steps, e->walk_steps, 1);
    }
    mpz_mul_2exp(e->queries, e->walk_steps, 1); /* U_M and U_M† per walk */
    return true;
}

/* The costs: the post-selection probabilities, the shots and runs (GMP),
 * the totals over every run and upload, and the physical estimates of one
 * run under each qubit model. */
static bool estimate_costs(const ModelProblem *m, const EstimateOptions *o, Estimate *e, char **err)
{
    /* probabilities */
    double u2 = m->u_norm * m->u_norm, yin2 = 0, pw = 1;
    for (int j = 1; j <= m->N; j++)
        pw *= u2, yin2 += pw;
    double f02 = m->F[0].present ? m->F[0].norm2 * m->F[0].norm2 : 0;
    e->norm_yin2 = yin2;
    e->norm_b2 = yin2 + (double)m->T * f02;
    e->p_solve = yin2 / (m->kappa0 * m->kappa0 * e->norm_b2);
    if (e->qsvt) /* the polynomial's scale */
        e->p_solve *= e->qsvt_norm * e->qsvt_norm;
    e->p_read = (double)(m->P + 1) / (double)(m->T + m->P + 1) * u2 / yin2;
    /* ‖u‖ far from 1 makes the level weights ‖u‖^(2j) overflow or the
     * probabilities underflow: refuse rather than count with inf or 0 */
    if (!(isfinite(e->norm_b2) && yin2 > 0 && e->p_solve >= 1e-300 && e->p_read >= 1e-300))
        return diag_refuse(err,
                           "model '%s': with |u| = %g and Carleman order %d the post-selection probabilities are "
                           "beyond double range (P(solve) %g, P(read) %g); rescale the parameters so that |u| is "
                           "nearer 1",
                           m->name, m->u_norm, m->N, e->p_solve, e->p_read);

    /* shots m²·r³/ε², runs */
    unsigned mq = e->be.qn;
    mpz_t x;
    mpz_init(x);
    mpz_pow_ui(x, m->r, 3);
    mpz_mul_ui(x, x, (unsigned long)mq * mq);
    mpf_t f;
    mpf_init2(f, 256);
    mpf_set_z(f, x);
    double inv_eps2 = 1 / (m->eps * m->eps);
    mpf_t g;
    mpf_init2(g, 256);
    mpf_set_d(g, inv_eps2);
    mpf_mul(f, f, g);
    mpf_ceil(f, f);
    mpz_set_f(e->shots, f);
    mpf_clear(g), mpf_clear(f);
    mpz_set_d(x, ceil(1 / e->p_solve));
    mpz_mul(e->runs, e->shots, x);
    mpz_set_d(x, ceil(1 / e->p_read));
    mpz_mul(e->runs, e->runs, x);
    mpz_set_ui(e->uploads, m->uploads ? m->uploads : 1);
    mpz_mul(x, e->runs, e->uploads);
    mpz_mul(e->total_ccz, e->run.ccz, x);
    mpz_mul(e->total_t, e->run.t_count, x);
    mpz_mul(e->total_rot, e->run.rotations, x);

    /* physical estimates of one run */
    static const char *const defaults[] = {"qubit_gate_ns_e3", "qubit_gate_ns_e4", "qubit_maj_ns_e4", NULL};
    const char *const *names = o->models[0] ? o->models : defaults;
    double runs_d = mpz_get_d(x);
    for (int i = 0; i < EST_MAX_MODELS && names[i] && !o->no_physical; i++) {
        const ResQubitModel *qm = res_qubit_model(names[i]);
        if (!qm) {
            mpz_clear(x);
            return diag_refuse(err, "unknown qubit model '%s'", names[i]);
        }
        ResPhysOptions po = {.qubit = qm, .qec = RES_SURFACE_CODE, .budget = o->budget};
        e->phys_name[i] = names[i];
        e->phys_ok[i] = res_physical(&e->run, &po, &e->phys[i], &e->phys_err[i]);
        if (e->phys_ok[i])
            e->total_seconds[i] = mpz_get_d(e->phys[i].runtime_ns) * 1e-9 * runs_d;
        e->nphys = i + 1;
    }
    mpz_clear(x);
    return true;
}

bool estimate_build(const ModelProblem *m, const GdProblem *p, const EstimateOptions *o, Estimate *e, char **err)
{
    memset(e, 0, sizeof *e);
    circuit_init(&e->c);
    res_init(&e->run);
    res_init(&e->walk);
    mpz_inits(e->walk_steps, e->queries, e->shots, e->runs, e->uploads, e->total_ccz, e->total_t, e->total_rot,
              NULL);
    for (int i = 0; i < EST_MAX_MODELS; i++)
        res_phys_init(&e->phys[i]);
    model_copy(&e->shape, m);
    e->opt = *o;
    e->opt.dump = NULL;
    return estimate_circuit(m, p, o, e, err) && estimate_costs(m, o, e, err);
}

void estimate_free(Estimate *e)
{
    circuit_free(&e->c);
    cbe_free(&e->be);
    solver_free(&e->solver);
    model_free(&e->shape);
    res_clear(&e->run);
    res_clear(&e->walk);
    mpz_clears(e->walk_steps, e->queries, e->shots, e->runs, e->uploads, e->total_ccz, e->total_t, e->total_rot,
               NULL);
    for (int i = 0; i < EST_MAX_MODELS; i++) {
        res_phys_clear(&e->phys[i]);
        free(e->phys_err[i]);
    }
    memset(e, 0, sizeof *e);
}

/* Select-swap look-ups with the per-table allowance `extra` (0: no
 * limit), narrowed until the whole circuit fits in maxq logical qubits
 * (the allowance is per table, so the circuit can grow past it); maxq ≤
 * 0: as given. False with *err when a build fails or nothing fits. */
static bool build_selswap(const ModelProblem *mp, const GdProblem *gp, const EstimateOptions *eo_in, long long extra,
                          long long maxq, Estimate *out, char **err)
{
    EstimateOptions eo = *eo_in;
    eo.qrom = SBE_QROM_SELSWAP;
    for (int tries = 0; tries < 12; tries++) {
        eo.qroam_max_extra = (uint64_t)extra;
        if (!estimate_build(mp, gp, &eo, out, err)) {
            estimate_free(out);
            return false;
        }
        if (maxq <= 0 || (long long)out->run.qubits_peak <= maxq)
            return true;
        long long over = (long long)out->run.qubits_peak - maxq;
        estimate_free(out);
        extra = extra > 2 * over ? extra - 2 * over : extra / 2;
        if (extra <= 0)
            break;
    }
    return diag_refuse(err, "no select-swap block size fits in max_logical_qubits = %lld", maxq);
}

bool estimate_build_qroam(const ModelProblem *mp, const GdProblem *gp, const EstimateOptions *eo_in, const Estimate *eu,
                          long long maxq, Estimate *out)
{
    EstimateOptions eo = *eo_in;
    eo.qroam_k = SBE_QROAM_AUTO;
    long long base = (long long)eu->run.qubits_peak;
    char *err = NULL;
    if (maxq > 0) { /* the budget's allowance: kept when it lowers the CCZ */
        if (maxq <= base || !build_selswap(mp, gp, &eo, maxq - base, maxq, out, &err)) {
            free(err);
            return false;
        }
        if (mpz_cmp(out->run.ccz, eu->run.ccz) < 0)
            return true;
        estimate_free(out);
        return false;
    }
    /* without a budget: the least volume; past it, qubits grow as 2^b and
     * the CCZ fall more slowly */
    double best_vol = (double)base * mpz_get_d(eu->run.ccz), prev_vol = best_vol;
    bool have = false;
    for (int b = 6; b <= 20; b++) {
        Estimate e;
        if (!build_selswap(mp, gp, &eo, 1LL << b, 0, &e, &err)) {
            free(err);
            break;
        }
        double vol = (double)e.run.qubits_peak * mpz_get_d(e.run.ccz);
        if (vol < best_vol) {
            if (have)
                estimate_free(out);
            *out = e, have = true, best_vol = vol;
        } else {
            estimate_free(&e);
        }
        if (vol >= prev_vol)
            break;
        prev_vol = vol;
    }
    return have;
}

bool estimate_build_qroam_asked(const ModelProblem *mp, const GdProblem *gp, const EstimateOptions *eo_in,
                                const Estimate *eu, unsigned k, Estimate *out, char **err)
{
    EstimateOptions eo = *eo_in;
    long long maxq = mp->opt.max_logical_qubits;
    eo.qroam_k = k ? k : SBE_QROAM_AUTO;
    if (k || maxq <= 0)
        return build_selswap(mp, gp, &eo, 0, 0, out, err);
    long long base = (long long)eu->run.qubits_peak;
    if (maxq <= base) {
        memset(out, 0, sizeof *out);
        return diag_refuse(err, "max_logical_qubits = %lld leaves no room for select-swap look-ups: the circuit "
                                "needs %lld with unary iteration",
                           maxq, base);
    }
    return build_selswap(mp, gp, &eo, maxq - base, maxq, out, err);
}
