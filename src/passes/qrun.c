/* qrun.c — the gradient-descent pipeline end to end (qrun.h). */
#include "passes/qrun.h"

#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "passes/analyze.h"
#include "passes/carleman.h"
#include "passes/readout_ae.h"
#include "passes/reference.h"
#include "passes/unroll.h"
#include "sim/exec.h"
#include "support/diag.h"
#include "support/util.h"

const char *const qrun_post_names[QR_NPOST] = {"rotation ancilla = 1", "flag = well", "index register = 0",
                                               "clock = 0", "dilation qubit = 1"};

static double *dup_n(const double *a, size_t n)
{
    double *b = xmalloc(n * sizeof *b);
    memcpy(b, a, n * sizeof *b);
    return b;
}

void qrun_free(QRun *r)
{
    free(r->u_true);
    free(r->u_carleman);
    free(r->u_filtered);
    free(r->u_state);
    free(r->err_by_t);
    free(r->why_not_simulated);
    free(r->why_not_planned);
    budget_plan_free(&r->plan);
    qsolve_free(&r->qs);
    res_clear(&r->res);
    res_clear(&r->res_plain);
    readout_result_free(&r->ro);
    memset(r, 0, sizeof *r);
}

/* The kept branch of a simulated solver, into xq[dim]: solution entry i at
 * dilation_solution_index(i) with anc = 1 (and amp = 1 when amplified),
 * its global phase fixed by the overlap with ref; returns the largest
 * imaginary part left. */
static double kept_state(const QSolve *qs, const StateVec *sv, const double *ref, size_t dim, double *xq)
{
    uint64_t mask = qs->qsvt ? 0 : (uint64_t)1 << qs->anc; /* anc kept at 1, at 0 with qsvt */
    if (qs->amplified && qs->amp_plan.rotate)
        mask |= (uint64_t)1 << qs->amp;
    double _Complex z = 0;
    for (size_t i = 0; i < dim; i++)
        z += ref[i] * sv->amp[dilation_solution_index(&qs->dil, i) | mask];
    double _Complex ph = cabs(z) > 0 ? conj(z) / cabs(z) : 1;
    double im = 0;
    for (size_t i = 0; i < dim; i++) {
        double _Complex a = ph * sv->amp[dilation_solution_index(&qs->dil, i) | mask];
        xq[i] = creal(a);
        im = fmax(im, fabs(cimag(a)));
    }
    return im;
}

static bool check_qubits(const Circuit *c, const QRunOptions *o, char **err)
{
    unsigned maxq = o->max_qubits ? o->max_qubits : QRUN_MAX_QUBITS;
    if (c->nqubits > maxq) {
        char b1[32];
        return diag_refuse(err, "the circuit has %u qubits (a state vector of %s); run simulates at most %u "
                                "(--max-qubits raises it); `qgdc compile` still emits it",
                           c->nqubits, mem_human(ldexp(16.0, (int)c->nqubits), b1, sizeof b1), maxq);
    }
    return true;
}

/* The Carleman order the plan takes (budget.h): the file's, or, when the
 * file leaves it to qgdc, the lowest from 2 up to QRUN_PLAN_MAX_ORDER whose
 * truncation error max_i |u_C(T) − u(T)| is at most half the precision
 * and whose unrolled system the dense references can still solve. */
static int plan_carleman_order(const GdProblem *p, double eps, double *trunc_at_default)
{
    int N0 = (int)p->opt.carleman_order;
    *trunc_at_default = NAN;
    if (p->opt.set[OPTION_carleman_order])
        return N0;
    size_t n = p->n;
    double *u = xmalloc(((size_t)p->T + 1) * n * sizeof *u), *uc = xmalloc(((size_t)p->T + 1) * n * sizeof *uc);
    ref_true_iteration(p, u);
    int best = N0;
    for (int N = N0; N <= QRUN_PLAN_MAX_ORDER; N++) {
        GdProblem q = *p; /* shallow: only the order differs */
        q.opt.carleman_order = N;
        Carleman cm;
        if (!pass_carleman(&q, &cm, NULL) && (carleman_free(&cm), true))
            break;
        /* the unrolled dimension: the dense references must fit */
        double dim = (double)cm.lv.dim * ((double)p->T + (double)p->opt.idle_blocks + 1);
        bool ok = 2 * dim <= REF_DENSE_MAX && ref_carleman_iteration(&cm, uc, NULL, NULL);
        carleman_free(&cm);
        if (!ok)
            break;
        double e = ref_max_abs_diff(uc + (size_t)p->T * n, u + (size_t)p->T * n, n);
        if (N == N0)
            *trunc_at_default = e;
        best = N;
        if (e <= eps / 2)
            break;
    }
    free(u);
    free(uc);
    return best;
}

void qrun_options_for(const GdProblem *p, QRunOptions *o)
{
    const Options *opt = &p->opt;
    bool best = opt->algorithm == ALGORITHM_BEST;
    o->amplify = opt->set[OPTION_amplify] ? opt->amplify : AMPLIFY_NONE;
    o->amplify_auto = best && !opt->set[OPTION_amplify];
    o->plan = best;
    o->readout = opt->set[OPTION_readout] ? opt->readout : READOUT_L2_SAMPLING;
    o->solver = opt->set[OPTION_solver] ? opt->solver : SOLVER_QPE;
}

bool qrun_gd(const GdProblem *p_in, const QRunOptions *o, QRun *out, char **err)
{
    memset(out, 0, sizeof *out);
    GdProblem p_planned = *p_in; /* shallow; with a plan, perhaps another Carleman order */
    const GdProblem *p = &p_planned;
    if (o->plan) {
        double eps = o->precision > 0 ? o->precision : p_in->opt.precision;
        int N = plan_carleman_order(p_in, eps, &out->trunc_at_default);
        if (N != (int)p_in->opt.carleman_order) {
            p_planned.opt.carleman_order = N;
            out->order_raised_from = (int)p_in->opt.carleman_order;
        }
    }
    res_init(&out->res);
    res_init(&out->res_plain);
    out->p = p_in; /* p is a local copy */
    out->n = p->n;
    out->T = p->T;
    out->P = (uint64_t)p->opt.idle_blocks;
    out->N = (int)p->opt.carleman_order;
    out->kappa0 = options_kappa0(&p->opt, o->kappa0, p->T);
    out->precision = o->precision > 0 ? o->precision : p->opt.precision;
    out->shots = o->shots > 0 ? o->shots : (uint64_t)p->opt.shots;
    out->seed = o->seed_set ? o->seed : (unsigned long)p->opt.seed;
    unsigned clock_bits = o->clock_bits ? o->clock_bits : (unsigned)p->opt.clock_bits;
    size_t n = p->n;

    double t0 = monotonic_seconds();
    bool ok = false;
    Carleman cm;
    LinSystem s;
    memset(&s, 0, sizeof s);
    RefFiltered f;
    memset(&f, 0, sizeof f);
    ReadoutPlan pl;
    memset(&pl, 0, sizeof pl);
    double *x = NULL, *xq = NULL, *xq0 = NULL, *utraj = NULL;
    bool amplify = o->amplify == AMPLIFY_EXACT || o->amplify == AMPLIFY_FIXED_POINT;
    StateVec *sv = NULL;
    SimRunResult rr;
    memset(&rr, 0, sizeof rr);
    if (!pass_carleman(p, &cm, err))
        return false;
    if (dump_wants(o->dump, PASS_CARLEMAN))
        carleman_dump(&cm, o->dump->out), dump_done(o->dump);
    if (!pass_unroll(&cm, &s, err))
        goto done;
    if (dump_wants(o->dump, PASS_UNROLL))
        lin_system_dump(&s, o->dump->out), dump_done(o->dump);
    out->dim = s.dim_sz;
    bool plan = o->plan;
    bool amplify_auto = o->amplify_auto && !amplify;
    /* QSVT: its error is its polynomial's, set from the filtered solution;
     * the budget plan (clock bits, shots) is phase estimation's */
    bool qsvt = o->solver == SOLVER_QSVT;
    if (qsvt)
        plan = amplify_auto = false;
    if (!o->simulate) {
        /* compile only: the circuit needs the system, not the dense references
         * (amplification: the filtered solution for its success probability;
         * the plan: the classical stages and the spectrum) */
        out->verdict = "not analysed (compile)";
        if (plan) {
            char *why = NULL;
            x = xmalloc(s.dim_sz * sizeof *x);
            if (!ref_forward_subst(&s, x, err))
                goto done;
            if (!ref_filtered_spectrum(&s, out->kappa0, x, &f, &why)) {
                out->why_not_planned = why;
                plan = amplify_auto = false;
            } else {
                readout_plan(&s, &pl);
                out->u_carleman = xmalloc(n * sizeof(double));
                out->u_filtered = xmalloc(n * sizeof(double));
                readout_exact(&pl, x, out->u_carleman);
                readout_exact(&pl, f.x, out->u_filtered);
                utraj = xmalloc(((size_t)p->T + 1) * n * sizeof *utraj);
                ref_true_iteration(p, utraj);
                out->u_true = dup_n(utraj + (size_t)p->T * n, n);
            }
        }
        if ((amplify || qsvt) && !plan && !(qsvt ? ref_filtered_spectrum : ref_filtered)(&s, out->kappa0, NULL, &f, err))
            goto done;
    } else {
        Analysis an;
        /* the verdict, the spectrum's fidelity estimate and the truncation
         * error by step; the unrolled system is solved below, once */
        AnalyzeOptions ao = {.N = 0, .N_max = 0, .form = -1, .kappa0 = out->kappa0, .cut = 0, .skip_unrolled = true};
        if (!analyze_problem(p, &ao, &an, err))
            goto done;
        out->fid_estimate = an.eig_ok ? an.fidelity_estimate : NAN;
        out->verdict = verdict_text(an.verdict);
        out->diverges = an.verdict != VERDICT_FULLY;
        for (int i = 0; i < an.N_max; i++)
            if (an.trunc[i].N == an.N && an.trunc[i].ok)
                out->err_by_t = dup_n(an.trunc[i].err, (size_t)p->T + 1);
        utraj = an.u_true; /* the true iteration, computed once */
        an.u_true = NULL;
        analysis_free(&an);
        x = xmalloc(s.dim_sz * sizeof *x);
        if (!ref_forward_subst(&s, x, err) ||
            !(plan || qsvt ? ref_filtered_spectrum : ref_filtered)(&s, out->kappa0, x, &f, err))
            goto done;
        out->fid_filter = f.fidelity;
        out->norm_M = f.norm_M;
        out->kappa_M = f.kappa;
        readout_plan(&s, &pl);
        out->u_carleman = xmalloc(n * sizeof(double));
        out->u_filtered = xmalloc(n * sizeof(double));
        readout_exact(&pl, x, out->u_carleman);
        readout_exact(&pl, f.x, out->u_filtered);
        out->u_true = dup_n(utraj + (size_t)p->T * n, n);
        out->err_trunc = ref_max_abs_diff(out->u_carleman, out->u_true, n);
        out->err_filter = ref_max_abs_diff(out->u_filtered, out->u_carleman, n);
    }
    if (amplify) {
        double bb = 0, xx = 0;
        for (size_t i = 0; i < s.dim_sz; i++)
            bb += s.rhs[i] * s.rhs[i], xx += f.x[i] * f.x[i];
        out->amp_P_ref = bb > 0 ? f.lambda_min * f.lambda_min * xx / bb : NAN;
    }
    double t1 = monotonic_seconds();
    out->t_classical = t1 - t0;

    /* the circuit (with amplify: the un-amplified one first, for P) */
    QSolveOptions qo = {.kappa0 = out->kappa0, .clock_bits = clock_bits, .precision = out->precision,
                        .measure = o->measure && !o->simulate, .dump = amplify || plan ? NULL : o->dump};
    if (qsvt) {
        /* the band from just under the least kept eigenvalue, the edge
         * below it clear of the filtered ones (qsp_edge_for); the
         * polynomial's sup-norm error an eighth of the precision times the
         * kept amplitude s·cut·‖x_f‖/‖b‖ it is measured against */
        double cut;
        qo.qsvt = true;
        qo.qsvt_delta = qsp_edge_for(f.spec_lambda, f.nspec, f.lambda_min, &cut, &out->qsvt_in_edge);
        qo.qsvt_cut = cut;
        double bb = 0, xx = 0;
        for (size_t i = 0; i < s.dim_sz; i++)
            bb += s.rhs[i] * s.rhs[i], xx += f.x[i] * f.x[i];
        double amp = bb > 0 ? QSP_SCALE * cut * sqrt(xx / bb) : 1;
        qo.qsvt_eps = fmin(0.01, out->precision * fmin(amp, 1) / 8);
    }
    if (!qsolve_build(&s.M, s.rhs, &qo, &out->qs, err))
        goto done;
    if (qsvt && amplify) { /* the polynomial's scale and band: its kept amplitude is norm·cut/λ */
        double r = out->qs.poly->norm * out->qs.poly->a * out->qs.alpha / f.lambda_min;
        out->amp_P_ref *= r * r;
    }
    if (plan) {
        /* the budget, planned from the classical stages and the spectrum:
         * the clock bits (unless given) and the shots (unless given) */
        unsigned maxq = o->max_qubits ? o->max_qubits : QRUN_MAX_QUBITS;
        unsigned p_max = INVERT_MAX_CLOCK;
        if (o->simulate) {
            /* one qubit kept for amplification's amp qubit */
            unsigned need = out->qs.c.nqubits + (amplify_auto || amplify ? 1 : 0);
            unsigned spare = maxq > need ? maxq - need : 0;
            if (out->qs.p + spare < p_max)
                p_max = out->qs.p + spare;
        }
        if (p_max < out->qs.p_min)
            p_max = out->qs.p_min;
        bool shots_given = o->shots > 0 || p->opt.set[OPTION_shots];
        budget_plan(&f, &pl, out->u_true, out->u_carleman, out->u_filtered, n, out->precision, out->qs.alpha,
                    out->qs.lambda_min, out->qs.p_min, p_max, clock_bits, out->qs.p, shots_given ? out->shots : 0,
                    QRUN_PLAN_MAX_SHOTS, &out->plan);
        out->planned = true;
        out->P_predicted = out->plan.P;
        if (!shots_given)
            out->shots = out->plan.shots;
        if (out->plan.p != out->qs.p) {
            /* a longer simulation than the rule's circuit: say why, before it starts */
            if (o->simulate && out->plan.p > out->qs.p && out->qs.c.nqubits + (out->plan.p - out->qs.p) >= 22)
                diag_note(p_in->loc,
                          "problem '%s': %u clock bits instead of %u to meet precision %g (predicted phase-estimation "
                          "error %.2g); the simulation takes about %.0fx longer than with %u; --precision or "
                          "--clock-bits trade accuracy for time",
                          p_in->name, out->plan.p, out->qs.p, out->precision, out->plan.qpe,
                          ldexp(1.0, 2 * (int)(out->plan.p - out->qs.p)), out->qs.p);
            qsolve_free(&out->qs);
            qo.clock_bits = out->plan.p;
            if (!qsolve_build(&s.M, s.rhs, &qo, &out->qs, err))
                goto done;
        }
        if (amplify_auto) {
            /* exact amplification pays when its 2k + 1 solves (and k
             * reflections) cost less than the 1/P runs of post-selection */
            AmplifyPlan ap;
            if (out->plan.P > 0 && out->plan.P < 1 &&
                amplify_plan_exact(out->plan.P, o->simulate ? QRUN_AMPLIFY_MAX_K : 1u << 31, &ap, NULL) &&
                (double)ap.solves < 1 / out->plan.P) {
                out->amp = ap;
                /* run simulates the circuit as planned without it (2k + 1
                 * solves would multiply the simulation time) and reports
                 * what it buys; compile emits it */
                if (o->simulate)
                    out->amplify_suggested = true;
                else
                    out->amplify_chosen = true;
            }
        }
        if (!amplify && !out->amplify_chosen && o->dump) {
            qsolve_free(&out->qs);
            qo.dump = o->dump;
            if (!qsolve_build(&s.M, s.rhs, &qo, &out->qs, err))
                goto done;
        }
    }
    res_count(&out->qs.c, &out->res);
    out->sim_qubits = (int)out->qs.c.nqubits;
    SimRunOptions so = {.seed = out->seed, .max_ops = 0};
    if (amplify || out->amplify_chosen) {
        if (amplify) {
            double P = out->amp_P_ref;
            if (o->simulate) {
                if (!check_qubits(&out->qs.c, o, err))
                    goto done;
                sv = sim_run_new(&out->qs.c, &so, &rr, err);
                if (!sv)
                    goto done;
                P = out->amp_P_before = rr.post_product;
                xq0 = xmalloc(s.dim_sz * sizeof *xq0);
                kept_state(&out->qs, sv, f.x, s.dim_sz, xq0);
                sim_destroy(sv);
                sv = NULL;
                sim_run_result_free(&rr);
                memset(&rr, 0, sizeof rr);
            } else {
                out->amp_P_before = NAN;
            }
            /* fixed point needs only a lower bound: the plan's prediction
             * (exact) or the filtered-solution estimate (4-7% above the
             * circuit's P on the test problems), halved */
            bool ok_plan =
                o->amplify == AMPLIFY_FIXED_POINT
                    ? amplify_plan_fixed_point((out->planned ? fmin(out->plan.P, out->amp_P_ref) : out->amp_P_ref) /
                                                   QRUN_FP_SAFETY,
                                               QRUN_FP_DELTA, o->simulate ? QRUN_AMPLIFY_MAX_K : QRUN_FP_MAX_L,
                                               &out->amp, err)
                    : amplify_plan_exact(P, o->simulate ? QRUN_AMPLIFY_MAX_K : 1u << 31, &out->amp, err);
            if (!ok_plan)
                goto done;
        } else {
            out->amp_P_before = out->amp_P_ref = out->plan.P; /* predicted: budget.h */
        }
        out->amplified = true;
        out->plain_qubits = (int)out->qs.c.nqubits;
        res_count(&out->qs.c, &out->res_plain);
        qsolve_free(&out->qs);
        res_clear(&out->res);
        res_init(&out->res);
        qo.amplify = &out->amp;
        qo.dump = o->dump;
        if (!qsolve_build(&s.M, s.rhs, &qo, &out->qs, err))
            goto done;
        res_count(&out->qs.c, &out->res);
        out->sim_qubits = (int)out->qs.c.nqubits;
    }
    double t2 = monotonic_seconds();
    out->t_build = t2 - t1;
    if (!o->simulate) {
        ok = true;
        goto done;
    }

    /* simulation */
    if (!check_qubits(&out->qs.c, o, err))
        goto done;
    sv = sim_run_new(&out->qs.c, &so, &rr, err);
    if (!sv)
        goto done;
    double t3 = monotonic_seconds();
    out->t_sim = t3 - t2;
    out->simulated = true;
    {
        const Solver *sol = &out->qs.solver;
        static const SolverPostId group[QR_NPOST] = {
            [QR_POST_ANC] = SPOST_ANC, [QR_POST_FLAG] = SPOST_FLAG, [QR_POST_IDX] = SPOST_IDX,
            [QR_POST_CLOCK] = SPOST_CLOCK, [QR_POST_DIL] = SPOST_KEPT};
        for (int g = 0; g < QR_NPOST; g++)
            out->post[g] = solver_post_prob(sol, group[g], rr.post_prob, rr.npost);
        out->post_product = rr.post_product;
    }
    /* the kept branch: solution entry i at dilation_solution_index(i), anc = 1 */
    xq = xmalloc(s.dim_sz * sizeof *xq);
    out->imag_residual = kept_state(&out->qs, sv, f.x, s.dim_sz, xq);
    if (out->amplified) {
        out->amp_P_after = rr.post_product;
        out->post_amp = solver_post_prob(&out->qs.solver, SPOST_AMP, rr.post_prob, rr.npost);
        if (xq0)
            out->fid_amplify = ref_fidelity(xq, xq0, s.dim_sz);
    }
    if (out->planned) {
        /* the prediction (the plan's state at the clock bits built) against
         * the simulated kept state */
        out->fid_predicted = ref_fidelity(xq, out->plan.xq, s.dim_sz);
        if (out->amplify_chosen)
            out->fid_amplify = out->fid_predicted;
    }
    if (out->qs.qsvt && f.nspec > 0) {
        /* the prediction: Re P(λ/α) on the spectrum that meets b (qsp_eval,
         * the phases multiplied out) against the simulated kept state */
        double *xp = xcalloc(s.dim_sz, sizeof *xp);
        for (size_t k = 0; k < f.nspec; k++) {
            double g = creal(qsp_eval(out->qs.phases, out->qs.poly->degree, f.spec_lambda[k] / out->qs.alpha));
            for (size_t i = 0; i < s.dim_sz; i++)
                xp[i] += g * f.spec_w[k * s.dim_sz + i];
        }
        out->fid_predicted = ref_fidelity(xq, xp, s.dim_sz);
        out->qsvt_predicted = true;
        free(xp);
    }
    out->fid_qpe = ref_fidelity(xq, f.x, s.dim_sz);
    out->fid_total = ref_fidelity(xq, x, s.dim_sz);
    out->u_state = xmalloc(n * sizeof(double));
    readout_exact(&pl, xq, out->u_state);
    out->err_qpe = ref_max_abs_diff(out->u_state, out->u_filtered, n);
    if (o->readout == READOUT_AMPLITUDE_ESTIMATION) {
        /* amplitude estimation of the read-out probabilities on the
         * un-post-selected solver (readout_ae.h), sized for the error the
         * plan leaves to the read-out (else half the precision), with
         * probability 0.95 */
        int sq[DILATE_MAX_QUBITS];
        unsigned k = qsolve_solution_qubits(&out->qs, sq);
        ReadoutProbs pr;
        double target = out->planned && out->plan.attainable && out->plan.share - out->plan.qpe > 0
                            ? out->plan.share - out->plan.qpe
                            : out->precision / 2;
        if (!readout_probs(&pl, sv, sq, k, rr.post_product, &pr, err))
            goto done;
        ReadoutEstimate ae;
        bool ok_ae = readout_count(RO_AMPLITUDE_ESTIMATION, READOUT_LINF, &pl, &pr, target, 0.05, &out->ae_count, err) &&
                     readout_estimate_ae(&pl, &pr, out->ae_count.clock_bits, out->ae_count.reps, out->seed, &ae, err);
        ReadoutCount sc;
        if (ok_ae && readout_count(RO_L2_SAMPLING, READOUT_LINF, &pl, &pr, target, 0.05, &sc, NULL))
            out->ae_sampling_calls = sc.calls;
        readout_probs_free(&pr);
        if (!ok_ae)
            goto done;
        out->readout_ae = true;
        out->ae_target = target;
        out->ae_calls = ae.calls;
        out->ro.u = dup_n(ae.u, n);
        out->ro.sigma = xcalloc(n, sizeof *out->ro.sigma);
        out->ro.count = xcalloc(n, sizeof *out->ro.count);
        readout_estimate_free(&ae);
        out->err_shot = ref_max_abs_diff(out->ro.u, out->u_state, n);
        out->shot_bound = target;
    } else {
        int sq[DILATE_MAX_QUBITS];
        unsigned k = qsolve_solution_qubits(&out->qs, sq);
        if (!readout_sample(&pl, sv, sq, k, out->shots, out->seed, out->precision, &out->ro, err))
            goto done;
        out->err_shot = ref_max_abs_diff(out->ro.u, out->u_state, n);
        out->shot_bound = 0;
        for (size_t i = 0; i < n; i++)
            out->shot_bound = fmax(out->shot_bound, 3 * out->ro.sigma[i]);
    }
    out->budget = out->err_trunc + out->err_filter + out->err_qpe + out->shot_bound;
    out->err_total = ref_max_abs_diff(out->ro.u, out->u_true, n);
    out->t_readout = monotonic_seconds() - t3;
    ok = true;
done:
    sim_destroy(sv);
    sim_run_result_free(&rr);
    readout_plan_free(&pl);
    ref_filtered_free(&f);
    free(x);
    free(xq);
    free(xq0);
    free(utraj);
    lin_system_free(&s);
    carleman_free(&cm);
    return ok;
}

void qrun_segments_free(QRunSegments *s)
{
    free(s->seg);
    free(s->u_final);
    free(s->u_true_final);
    memset(s, 0, sizeof *s);
}

bool qrun_gd_segments(const GdProblem *p, uint64_t k, const QRunOptions *o, QRunSegments *out, char **err)
{
    memset(out, 0, sizeof *out);
    if (k == 0 || k > p->T)
        return diag_refuse(err, "segment length %llu must lie in 1..T = %llu", (unsigned long long)k,
                           (unsigned long long)p->T);
    size_t n = p->n;
    out->k = k;
    out->count = (p->T + k - 1) / k;
    out->seg = xcalloc(out->count, sizeof *out->seg);
    double *traj = xmalloc(((size_t)p->T + 1) * n * sizeof *traj);
    ref_true_iteration(p, traj);
    double *u = dup_n(p->u_in, n);
    bool ok = true;
    for (uint64_t g = 0; g < out->count && ok; g++) {
        uint64_t t0 = g * k, t1 = t0 + k < p->T ? t0 + k : p->T;
        GdProblem q = *p; /* shallow: F, noise and options are shared, read-only */
        q.u_in = u;
        q.T = t1 - t0;
        q.xi = p->xi ? p->xi + (size_t)t0 * n : NULL;
        QRun r;
        if (!qrun_gd(&q, o, &r, err)) {
            qrun_free(&r);
            ok = false;
            break;
        }
        QRunSegment *sg = &out->seg[g];
        sg->t0 = t0;
        sg->t1 = t1;
        sg->err_vs_true = ref_max_abs_diff(r.ro.u, traj + (size_t)t1 * n, n);
        sg->err_segment = r.err_total;
        sg->fid_qpe = r.fid_qpe;
        sg->shots = r.ro.shots_total;
        sg->qubits = r.sim_qubits;
        out->shots_total += r.ro.shots_total;
        memcpy(u, r.ro.u, n * sizeof *u);
        qrun_free(&r);
    }
    if (ok) {
        out->u_final = u;
        out->u_true_final = dup_n(traj + (size_t)p->T * n, n);
        out->u_err_final = ref_max_abs_diff(u, out->u_true_final, n);
    } else {
        free(u);
    }
    free(traj);
    return ok;
}
