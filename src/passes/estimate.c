/* estimate.c — the solver circuit with the structured encoding, counted
 * (contract in estimate.h). */
#include "passes/estimate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "support/consts.h"
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
    CbeOptions co = {.bits = e->bits, .qrom = SBE_QROM_UNARY, .explicit_oracles = o->explicit_build};
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
                              .walk_c = est_walk_c, .ctx = &ep};
    char who[256];
    snprintf(who, sizeof who, "model '%s': ", m->name);
    e->sopt = (SolverOptions){.lambda_min = e->lambda_min, .kappa0 = m->kappa0,
                              .clock_bits = o->clock_bits ? o->clock_bits : m->clock_bits, .precision = m->eps,
                              .max_clock = EST_MAX_CLOCK, .build_invert_max = EST_BUILD_INVERT_MAX, .who = who,
                              .reg_names = {"sys", "flags", "clock", "anc", "ill"},
                              .post_order = {SPOST_IDX, SPOST_CLOCK, SPOST_FLAG, SPOST_ANC, SPOST_KEPT}};
    int nstages;
    const SolverStage *const *stages = solver_qpe_stages(&nstages);
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
    /* one controlled walk alone, counted apart */
    if (o->count_walk) {
        uint32_t *q = xmalloc((1 + (size_t)e->q_sys + e->q_flags) * sizeof *q);
        q[0] = e->solver.reg[SREG_CLOCK];
        for (uint32_t k = 0; k < e->q_sys; k++)
            q[1 + k] = e->solver.reg[SREG_SYS] + k;
        for (uint32_t k = 0; k < e->q_flags; k++)
            q[1 + e->q_sys + k] = e->solver.reg[SREG_IDX] + k;
        Block solver_main = e->c.main; /* counted with the walk as the only step */
        memset(&e->c.main, 0, sizeof e->c.main);
        circ_call(&e->c, &e->c.main, be->def_walk_c, 0, q);
        res_count(&e->c, &e->walk);
        free(e->c.main.ops);
        e->c.main = solver_main;
        e->have_walk = true;
        free(q);
    }
    e->build_s = monotonic_seconds() - t0;
    if (!circuit_verify(&e->c))
        ICE("estimate: the solver circuit fails the verifier");
    t0 = monotonic_seconds();
    res_count(&e->c, &e->run);
    e->count_s = monotonic_seconds() - t0;

    /* walk steps and queries: 2^p − 1 controlled walks in each phase estimation */
    mpz_set_ui(e->walk_steps, 0);
    mpz_setbit(e->walk_steps, e->p);
    mpz_sub_ui(e->walk_steps, e->walk_steps, 1);
    mpz_mul_2exp(e->walk_steps, e->walk_steps, 1);
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

/* ---- output ---- */

/* x grouped by thousands (12,345,678), or "%.4g" beyond 10^15 (the exact
 * digits are in the JSON); buf holds at least 32 bytes. */
static const char *mpz_grouped(const mpz_t x, char *buf, size_t len)
{
    char *s = mpz_get_str(NULL, 10, x);
    size_t n = strlen(s), k = 0;
    if (n > 15) {
        snprintf(buf, len, "%.4g", mpz_get_d(x));
    } else {
        for (size_t i = 0; i < n && k + 2 < len; i++) {
            buf[k++] = s[i];
            if (s[i] != '-' && (n - 1 - i) % 3 == 0 && i + 1 < n)
                buf[k++] = ',';
        }
        buf[k] = 0;
    }
    free(s);
    return buf;
}

static void line(FILE *out, const char *label, const mpz_t x, const char *note)
{
    char b[32];
    fprintf(out, "  %-34s %s", label, mpz_grouped(x, b, sizeof b));
    if (note)
        fprintf(out, "   %s", note);
    fputc('\n', out);
}

static const char *seconds_text(double s, char *buf, size_t len)
{
    if (s < 1e-3)
        snprintf(buf, len, "%.3g us", s * 1e6);
    else if (s < 1)
        snprintf(buf, len, "%.3g ms", s * 1e3);
    else if (s < 3600)
        snprintf(buf, len, "%.3g s", s);
    else if (s < 86400 * 365.25)
        snprintf(buf, len, "%.3g h", s / 3600);
    else
        snprintf(buf, len, "%.3g years", s / (86400 * 365.25));
    return buf;
}

void estimate_print(const Estimate *e, FILE *out)
{
    const ModelProblem *m = &e->shape;
    const CarlemanBE *be = &e->be;
    char *ns = mpz_get_str(NULL, 10, m->n);
    fprintf(out, "model %s: n = %s, degree %u, Carleman order N = %d, T = %llu, idle blocks %llu, kappa0 = %g, "
                 "eps = %g\n",
            m->name ? m->name : "?", ns, m->q, m->N, (unsigned long long)m->T, (unsigned long long)m->P, m->kappa0,
            m->eps);
    free(ns);
    fprintf(out, "encoding: structured (paper form), %s oracles, %u angle bits\n",
            be->oracle_opaque ? "counted" : "built", e->bits);
    fprintf(out, "  alpha_M = %.6g  (alpha_C = %.6g, alpha_A = %.6g over %u (term, position) pairs)\n", be->alpha_M,
            be->alpha_C, be->alpha_A, be->npairs);
    for (unsigned l = 0; l <= be->q; l++)
        if (be->alpha_l[l] > 0)
            fprintf(out, "    F_%u: alpha = %.6g%s\n", l, be->alpha_l[l],
                    l == 0 ? " (|F_0|_2, dense loader)" : " (s'*max|F|, sparse access)");
    fprintf(out, "  clock bits p = %u (at least %u: 2*pi*alpha_M*kappa0 = %.4g)\n", e->p, e->p0,
            2 * QGD_PI * be->alpha_M * m->kappa0);
    fputs("\nlogical qubits\n", out);
    fprintf(out, "  %-34s %u  (time %u, level %u, factors %u x %u, dilation 1)\n", "system", e->q_sys, be->tb, be->N,
            be->N, be->qn);
    fprintf(out, "  %-34s %u  (LCU and control %u, oracle ancillas and work %u, helper 1)\n", "block-encoding flags",
            e->q_flags, be->nflags - be->npool, be->npool);
    fprintf(out, "  %-34s %u\n", "clock", e->q_clock);
    fprintf(out, "  %-34s %u\n", "rotation ancilla, ill flag", e->q_anc);
    fprintf(out, "  %-34s %u\n", "lowering ancillas (peak)", e->run.ancillas);
    fprintf(out, "  %-34s %u\n", "total", e->run.qubits_peak);
    fputs("\none solver run (prepare B, phase estimation, inversion, uncompute)\n", out);
    line(out, "CCZ (Toffoli)", e->run.ccz, NULL);
    line(out, "T", e->run.t_count, NULL);
    line(out, "rotations", e->run.rotations, NULL);
    line(out, "controlled walk steps", e->walk_steps, "2 (2^p - 1)");
    line(out, "queries to each F_l oracle", e->queries, "U_M and U_M^dg per step");
    if (e->have_walk) {
        line(out, "one controlled walk: CCZ", e->walk.ccz, NULL);
        line(out, "one controlled walk: rotations", e->walk.rotations, NULL);
    }
    for (unsigned l = 1; l <= be->q; l++)
        if (be->alpha_l[l] > 0) {
            char lab[64];
            snprintf(lab, sizeof lab, "F_%u table lookup: CCZ per call", l);
            line(out, lab, be->oracle_cost[l].qrom.ccz, NULL);
        }
    fputs("\nrepetitions\n", out);
    fprintf(out, "  P(solve) >= %.4g   |y_in|^2 / (kappa0^2 |B|^2), |B|^2 = %.4g (bound if no singular value of M\n"
                 "                        is near or below 1/kappa0; lower where the filter cuts the spectrum)\n",
            e->p_solve, e->norm_b2);
    fprintf(out, "  P(read t >= T, level 1) ~ %.4g   (P+1)/(T+P+1) * |u|^2/|y_in|^2 (assumes |y(t)| ~ |y_in|)\n",
            e->p_read);
    line(out, "tomography shots m^2 r^3/eps^2", e->shots, NULL);
    line(out, "runs per upload", e->runs, "ceil(1/P(solve)) * ceil(1/P(read)) * shots");
    line(out, "uploads", e->uploads, NULL);
    line(out, "CCZ, whole training", e->total_ccz, NULL);
    line(out, "T, whole training", e->total_t, NULL);
    line(out, "rotations, whole training", e->total_rot, NULL);
    fputs("\nsurface-code estimate of one run (Microsoft Resource Estimator model)\n", out);
    fprintf(out, "  %-18s %9s %5s %18s %14s %16s\n", "qubit model", "distance", "fact.", "physical qubits",
            "runtime/run", "whole training");
    for (int i = 0; i < e->nphys; i++) {
        if (!e->phys_ok[i]) {
            fprintf(out, "  %-18s %s\n", e->phys_name[i], e->phys_err[i] ? e->phys_err[i] : "no estimate");
            continue;
        }
        const ResPhysical *p = &e->phys[i];
        char c0[32], c1[32], c2[32], c3[32];
        fprintf(out, "  %-18s %9u %5s %18s %14s %16s\n", e->phys_name[i], p->code_distance,
                mpz_grouped(p->factories, c0, sizeof c0), mpz_grouped(p->qubits, c1, sizeof c1),
                seconds_text(mpz_get_d(p->runtime_ns) * 1e-9, c2, sizeof c2),
                seconds_text(e->total_seconds[i], c3, sizeof c3));
    }
    fprintf(out, "\n(built in %.3g s, counted in %.3g s)\n", e->build_s, e->count_s);
}

void estimate_json(const Estimate *e, JsonWriter *w)
{
    const ModelProblem *m = &e->shape;
    const CarlemanBE *be = &e->be;
    json_object(w);
    json_key(w, "model"), json_string(w, m->name ? m->name : "");
    json_key(w, "n"), json_mpz(w, m->n);
    json_key(w, "degree"), json_uint(w, m->q);
    json_key(w, "N"), json_int(w, m->N);
    json_key(w, "T"), json_uint(w, m->T);
    json_key(w, "idle_blocks"), json_uint(w, m->P);
    json_key(w, "kappa0"), json_double(w, m->kappa0);
    json_key(w, "eps"), json_double(w, m->eps);
    json_key(w, "oracles"), json_string(w, be->oracle_opaque ? "counted" : "built");
    json_key(w, "angle_bits"), json_uint(w, e->bits);
    json_key(w, "alpha_M"), json_double(w, be->alpha_M);
    json_key(w, "alpha_C"), json_double(w, be->alpha_C);
    json_key(w, "alpha_l");
    json_array_compact(w);
    for (unsigned l = 0; l <= be->q; l++)
        json_double(w, be->alpha_l[l]);
    json_end(w);
    json_key(w, "pairs"), json_uint(w, be->npairs);
    json_key(w, "clock_bits"), json_uint(w, e->p);
    json_key(w, "clock_bits_min"), json_uint(w, e->p0);
    json_key(w, "qubits");
    json_object(w);
    json_key(w, "system"), json_uint(w, e->q_sys);
    json_key(w, "time"), json_uint(w, be->tb);
    json_key(w, "level"), json_uint(w, be->N);
    json_key(w, "factors"), json_uint(w, be->N * be->qn);
    json_key(w, "flags"), json_uint(w, e->q_flags);
    json_key(w, "oracle_ancillas"), json_uint(w, be->npool);
    json_key(w, "clock"), json_uint(w, e->q_clock);
    json_key(w, "anc"), json_uint(w, e->q_anc);
    json_key(w, "lowering_ancillas"), json_uint(w, e->run.ancillas);
    json_key(w, "total"), json_uint(w, e->run.qubits_peak);
    json_end(w);
    json_key(w, "run");
    json_object(w);
    json_key(w, "ccz"), json_mpz(w, e->run.ccz);
    json_key(w, "t"), json_mpz(w, e->run.t_count);
    json_key(w, "rotations"), json_mpz(w, e->run.rotations);
    json_key(w, "measurements"), json_mpz(w, e->run.measurements);
    json_key(w, "walk_steps"), json_mpz(w, e->walk_steps);
    json_key(w, "oracle_queries"), json_mpz(w, e->queries);
    json_end(w);
    if (e->have_walk) {
        json_key(w, "walk");
        json_object(w);
        json_key(w, "ccz"), json_mpz(w, e->walk.ccz);
        json_key(w, "t"), json_mpz(w, e->walk.t_count);
        json_key(w, "rotations"), json_mpz(w, e->walk.rotations);
        json_end(w);
    }
    json_key(w, "p_solve_bound"), json_double(w, e->p_solve);
    json_key(w, "p_read_estimate"), json_double(w, e->p_read);
    json_key(w, "tomography_shots"), json_mpz(w, e->shots);
    json_key(w, "runs_per_upload"), json_mpz(w, e->runs);
    json_key(w, "uploads"), json_mpz(w, e->uploads);
    json_key(w, "total");
    json_object(w);
    json_key(w, "ccz"), json_mpz(w, e->total_ccz);
    json_key(w, "t"), json_mpz(w, e->total_t);
    json_key(w, "rotations"), json_mpz(w, e->total_rot);
    json_end(w);
    json_key(w, "physical");
    json_array(w);
    for (int i = 0; i < e->nphys; i++) {
        json_object(w);
        json_key(w, "qubit_model"), json_string(w, e->phys_name[i]);
        if (e->phys_ok[i]) {
            json_key(w, "code_distance"), json_uint(w, e->phys[i].code_distance);
            json_key(w, "physical_qubits"), json_mpz(w, e->phys[i].qubits);
            json_key(w, "runtime_ns_per_run"), json_mpz(w, e->phys[i].runtime_ns);
            json_key(w, "training_seconds"), json_double(w, e->total_seconds[i]);
        } else {
            json_key(w, "error"), json_string(w, e->phys_err[i] ? e->phys_err[i] : "no estimate");
        }
        json_end(w);
    }
    json_end(w);
    json_key(w, "build_seconds"), json_double(w, e->build_s);
    json_key(w, "count_seconds"), json_double(w, e->count_s);
    json_end(w);
}
