/* report/run.c — see run.h. */
#include "report/run.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/resources.h"
#include "support/util.h"

void report_solver_header(const QRun *r, FILE *fp)
{
    const QSolve *q = &r->qs;
    fprintf(fp, "problem %s: n = %u, T = %llu, Carleman order N = %d, idle blocks P = %llu\n", r->p->name, r->n,
            (unsigned long long)r->T, r->N, (unsigned long long)r->P);
    fprintf(fp, "  linear system     %zu rows, ||M|| = %.4g, kappa(M) = %.4g, kappa0 = %.4g, lambda_min = %.4g\n",
            r->dim, q->norm_M, q->kappa_M, q->kappa0, q->lambda_min);
    fprintf(fp, "  block encoding    %s: %u system qubits, %zu Pauli terms on %u index qubits, alpha = %.6g\n",
            q->dil.dilated ? "Hermitian dilation" : "symmetric", q->s, q->be.nterms, q->m, q->alpha);
    if (q->qsvt)
        fprintf(fp, "  QSVT              degree %u (%u walk calls), 1/x from %.4g (cut lambda_min/alpha = %.4g), "
                    "polynomial error %.2g (scale %.3g), phases: %u iterations, residual %.2g, %.2f s\n",
                q->poly->degree, q->poly->degree, q->poly->a, q->lambda_min / q->alpha, q->poly->eps, q->poly->norm,
                q->qsp.iterations, q->qsp.residual, q->qsp.seconds);
    else
        fprintf(fp, "  phase estimation  %u clock bits (at least %u for this lambda_min), %llu of %llu clock values "
                    "well conditioned\n",
                q->p, q->p_min, (unsigned long long)q->inv.well, (unsigned long long)(q->inv.well + q->inv.ill));
    fprintf(fp, "  |b> preparation   %s construction\n", state_prep_method_name(q->prep_info.method));
    if (q->qsvt)
        fprintf(fp, "  qubits            %u: sys %u, idx %u, anc 1 (the +-phi branch), flag 1 (projector)%s\n",
                q->c.nqubits, q->s, q->m, q->amplified && q->amp_plan.rotate ? ", amp 1" : "");
    else
        fprintf(fp, "  qubits            %u: sys %u, idx %u, clock %u, anc 1, flag 1%s\n", q->c.nqubits, q->s, q->m,
                q->p, q->amplified && q->amp_plan.rotate ? ", amp 1" : "");
    if (r->amplified && r->amp.mode == AMPLIFY_FIXED_POINT) {
        const AmplifyPlan *a = &r->amp;
        fprintf(fp, "  amplification     fixed point (Yoder-Low-Chuang): P >= w = %.6g per solve, delta = %g, L = %llu "
                    "solve calls per run (%u iterates), success >= %.4f for every P >= w\n",
                a->P, a->delta, (unsigned long long)a->solves, a->k, a->P_guaranteed);
    } else if (r->amplified) {
        const AmplifyPlan *a = &r->amp;
        fprintf(fp, "  amplification     exact (Brassard-Hoyer-Mosca-Tapp): P = %.6g per solve (%s), k = %u Grover "
                    "iterate%s, %llu solve calls per run",
                a->P,
                r->amplify_chosen  ? "predicted; chosen by algorithm = best"
                : !isnan(r->amp_P_before) ? "simulated"
                                          : "filtered-solution estimate",
                a->k,
                a->k == 1 ? "" : "s", (unsigned long long)a->solves);
        if (a->rotate)
            fprintf(fp, "; theta lowered to pi/%llu by ry(%.6g) on amp\n", (unsigned long long)(2 * a->solves),
                    a->angle);
        else
            fputc('\n', fp);
    }
}

static void amplify_json(const QRun *r, JsonWriter *w)
{
    const AmplifyPlan *a = &r->amp;
    json_key(w, "amplify");
    json_object(w);
    json_key(w, "mode"), json_string(w, amplify_mode_names[a->mode]);
    json_key(w, "P_guaranteed"), json_double(w, a->P_guaranteed);
    json_key(w, "P"), json_double(w, a->P);
    json_key(w, "P_source"), json_string(w, r->amplify_chosen         ? "predicted"
                                            : !isnan(r->amp_P_before) ? "simulated"
                                                                      : "filtered_solution");
    json_key(w, "chosen_by_best"), json_bool(w, r->amplify_chosen);
    json_key(w, "P_filtered_estimate"), json_double(w, r->amp_P_ref);
    json_key(w, "k"), json_uint(w, a->k);
    json_key(w, "solve_calls"), json_uint(w, a->solves);
    json_key(w, "theta"), json_double(w, a->theta);
    json_key(w, "theta_lowered"), json_double(w, a->theta_low);
    json_key(w, "amp_qubit"), json_bool(w, a->rotate);
    json_key(w, "amp_angle"), json_double(w, a->angle);
    json_key(w, "P_predicted"), json_double(w, a->P_predicted);
    json_key(w, "unamplified_qubits"), json_int(w, r->plain_qubits);
    json_key(w, "unamplified_resources");
    res_json(&r->res_plain, NULL, w);
    if (r->simulated) {
        json_key(w, "P_after"), json_double(w, r->amp_P_after);
        json_key(w, "fidelity_vs_unamplified"), json_double(w, r->fid_amplify);
        json_key(w, "runs_per_kept_before"), json_double(w, 1 / a->P);
        json_key(w, "runs_per_kept_after"), json_double(w, r->amp_P_after > 0 ? 1 / r->amp_P_after : INFINITY);
        json_key(w, "solves_per_kept_before"), json_double(w, 1 / a->P);
        json_key(w, "solves_per_kept_after"),
            json_double(w, r->amp_P_after > 0 ? (double)a->solves / r->amp_P_after : INFINITY);
    }
    json_end(w);
}

void report_solver_json(const QRun *r, JsonWriter *w)
{
    const QSolve *q = &r->qs;
    json_key(w, "problem"), json_string(w, r->p->name);
    json_key(w, "n"), json_uint(w, r->n);
    json_key(w, "T"), json_uint(w, r->T);
    json_key(w, "carleman_order"), json_int(w, r->N);
    json_key(w, "idle_blocks"), json_uint(w, r->P);
    json_key(w, "rows"), json_uint(w, r->dim);
    json_key(w, "norm_M"), json_double(w, q->norm_M);
    json_key(w, "kappa_M"), json_double(w, q->kappa_M);
    json_key(w, "kappa0"), json_double(w, q->kappa0);
    json_key(w, "lambda_min"), json_double(w, q->lambda_min);
    json_key(w, "dilated"), json_bool(w, q->dil.dilated);
    json_key(w, "alpha"), json_double(w, q->alpha);
    json_key(w, "pauli_terms"), json_uint(w, q->be.nterms);
    json_key(w, "qubits");
    json_object(w);
    json_key(w, "total"), json_uint(w, q->c.nqubits);
    json_key(w, "sys"), json_uint(w, q->s);
    json_key(w, "idx"), json_uint(w, q->m);
    json_key(w, "clock"), json_uint(w, q->p);
    json_key(w, "anc"), json_uint(w, 1);
    json_key(w, "flag"), json_uint(w, 1);
    if (q->amplified && q->amp_plan.rotate)
        json_key(w, "amp"), json_uint(w, 1);
    json_end(w);
    json_key(w, "clock_bits_min"), json_uint(w, q->p_min);
    json_key(w, "well_clock_values"), json_uint(w, q->inv.well);
    json_key(w, "solver"), json_string(w, q->qsvt ? "qsvt" : "qpe");
    if (q->qsvt) {
        json_key(w, "qsvt");
        json_object(w);
        json_key(w, "degree"), json_uint(w, q->poly->degree);
        json_key(w, "cut"), json_double(w, q->poly->a);
        json_key(w, "poly_error"), json_double(w, q->poly->eps);
        json_key(w, "scale"), json_double(w, q->poly->norm);
        json_key(w, "phase_iterations"), json_uint(w, q->qsp.iterations);
        json_key(w, "phase_residual"), json_double(w, q->qsp.residual);
        json_end(w);
    }
    json_key(w, "state_prep"), json_string(w, state_prep_method_name(q->prep_info.method));
    if (r->amplified)
        amplify_json(r, w);
}

/* The structured encoding's circuit (block_encoding = structured). */

void report_structured_header(const Estimate *e, FILE *fp)
{
    const CarlemanBE *be = &e->be;
    fprintf(fp, "problem %s: n = %u, T = %llu, Carleman order N = %u, idle blocks P = %llu (paper form)\n",
            e->shape.name, (unsigned)mpz_get_ui(be->n), (unsigned long long)be->T, be->N,
            (unsigned long long)be->P);
    fprintf(fp, "  block encoding    structured (docs/estimate.md): alpha_M = %.6g over %u (term, position) pairs, "
                "%u angle bits\n",
            be->alpha_M, be->npairs, e->bits);
    fprintf(fp, "  phase estimation  %u clock bits (at least %u), lambda_min = 1/kappa0 = %.4g\n", e->p, e->p0,
            e->lambda_min);
    fprintf(fp, "  qubits            sys %u (with d), flags %u, clock %u, anc 1, ill 1\n", e->q_sys, e->q_flags,
            e->q_clock);
    gmp_fprintf(fp, "  walk              %Zd controlled walk steps, %Zd queries to each F_l oracle (the circuit "
                    "`qgdc estimate` counts)\n",
                e->walk_steps, e->queries);
}

void report_structured_json(const Estimate *e, JsonWriter *w)
{
    const CarlemanBE *be = &e->be;
    json_key(w, "problem"), json_string(w, e->shape.name);
    json_key(w, "block_encoding"), json_string(w, "structured");
    json_key(w, "n"), json_mpz(w, be->n);
    json_key(w, "T"), json_uint(w, be->T);
    json_key(w, "carleman_order"), json_uint(w, be->N);
    json_key(w, "idle_blocks"), json_uint(w, be->P);
    json_key(w, "alpha"), json_double(w, be->alpha_M);
    json_key(w, "angle_bits"), json_uint(w, e->bits);
    json_key(w, "lambda_min"), json_double(w, e->lambda_min);
    json_key(w, "qubits");
    json_object(w);
    json_key(w, "sys"), json_uint(w, e->q_sys);
    json_key(w, "flags"), json_uint(w, e->q_flags);
    json_key(w, "clock"), json_uint(w, e->q_clock);
    json_key(w, "anc"), json_uint(w, 1);
    json_key(w, "ill"), json_uint(w, 1);
    json_end(w);
    json_key(w, "clock_bits_min"), json_uint(w, e->p0);
    json_key(w, "walk_steps"), json_mpz(w, e->walk_steps);
    json_key(w, "queries"), json_mpz(w, e->queries);
}


/* The budget table with the plan beside the measurement (budget.h). */
static void report_planned_budget(const QRun *r, FILE *fp)
{
    const BudgetPlan *b = &r->plan;
    fprintf(fp, "\n  error budget      max_i |difference| in u(T) against precision %g, planned before building "
                "(docs/budget.md)\n",
            b->precision);
    fprintf(fp, "    %-26s %-11s %-11s %s\n", "stage", "planned", "measured", "measured against");
    fprintf(fp, "    %-26s %-11.3e %-11.3e u_C(T), Carleman iteration, vs true u(T)\n", "Carleman truncation",
            b->trunc, r->err_trunc);
    fprintf(fp, "    %-26s %-11.3e %-11.3e u(x~) vs u_C(T); fidelity |<x~,x>| = %.6f (estimate Delta+/Delta = %.4f)\n",
            "eigenvalue filtering", b->filter, r->err_filter, r->fid_filter, r->fid_estimate);
    fprintf(fp, "    %-26s %-11.3e %-11.3e u(x_q) vs u(x~); fidelity |<x_q,x~>| = %.6f (%u clock bits)\n",
            "phase estimation", b->qpe, r->err_qpe, r->fid_qpe, r->qs.p);
    if (r->readout_ae)
        fprintf(fp, "    %-26s %-11.3e %-11.3e read-out vs u(x_q) (amplitude estimation sized for it, probability "
                    "0.95)\n",
                "read-out", r->ae_target, r->err_shot);
    else
        fprintf(fp, "    %-26s %-11.3e %-11.3e read-out vs u(x_q) (planned: 3 sigma at %llu shots; measured 3-sigma "
                    "bound %.3e)\n",
                "shot noise", b->shot3, r->err_shot, (unsigned long long)b->shots, r->shot_bound);
    fprintf(fp, "    %-26s %-11.3e %-11.3e the stages + the read-out's bound\n", "budget",
            r->readout_ae ? b->trunc + b->filter + b->qpe + r->ae_target : b->total, r->budget);
    fprintf(fp, "    %-26s %-11.3e %-11.3e read-out u(T) vs true u(T): %s\n", "end to end", b->precision,
            r->err_total, r->err_total <= b->precision ? "within the precision" : "OUTSIDE the precision");
    fprintf(fp, "    predicted kept state     fidelity %.12f with the simulated one; P(solve) predicted %.6g\n",
            r->fid_predicted, r->P_predicted);
    if (r->amplify_suggested)
        fprintf(fp, "    amplification    exact amplification would keep every run: %llu solves (k = %u) against %.4g "
                    "runs per kept result; `qgdc compile` emits it, `--amplify exact` simulates it\n",
                (unsigned long long)r->amp.solves, r->amp.k, 1 / r->P_predicted);
    if (!b->attainable)
        fprintf(fp, "    the precision cannot be met: truncation and filtering alone are %.3e; raise carleman_order or "
                    "kappa0\n",
                b->trunc + b->filter);
    else if (b->shots_short)
        fprintf(fp, "    the precision cannot be met with the %llu shots given: their predicted 3-sigma is %.3e of the "
                    "%.3e left after truncation and filtering; %u clock bits keep phase estimation within a quarter of "
                    "it (leave shots out and the plan chooses them)\n",
                (unsigned long long)b->shots, b->shot3, b->share, b->p);
    else if (b->p_capped)
        fprintf(fp, "    no clock-bit count within the limits meets the precision: the most accurate, %u, is used\n",
                b->p);
}

void report_run(const QRun *r, FILE *fp)
{
    report_solver_header(r, fp);
    fprintf(fp, "  verdict           %s\n", r->verdict);
    if (r->err_by_t) {
        fprintf(fp, "  truncation by t  ");
        uint64_t step = r->T > 8 ? (r->T + 7) / 8 : 1;
        for (uint64_t t = 0; t <= r->T; t += step)
            fprintf(fp, " t=%llu: %.2g", (unsigned long long)t, r->err_by_t[t]);
        if (r->T % step)
            fprintf(fp, " t=%llu: %.2g", (unsigned long long)r->T, r->err_by_t[r->T]);
        fprintf(fp, "%s\n", r->diverges ? "   (not fully dissipative: see the verdict)" : "");
    }
    if (r->planned) {
        report_planned_budget(r, fp);
    } else {
        fprintf(fp, "\n  error budget      max_i |difference| in u(T)\n");
        fprintf(fp, "    %-26s %-11s %s\n", "stage", "error", "measured against");
        fprintf(fp, "    %-26s %-11.3e u_C(T), Carleman iteration, vs true u(T)\n", "Carleman truncation", r->err_trunc);
        fprintf(fp, "    %-26s %-11.3e u(x~) vs u_C(T); fidelity |<x~,x>| = %.6f (estimate Delta+/Delta = %.4f)\n",
                "eigenvalue filtering", r->err_filter, r->fid_filter, r->fid_estimate);
        if (r->qs.qsvt) {
            fprintf(fp, "    %-26s %-11.3e u(x_q) vs u(x~); fidelity |<x_q,x~>| = %.6f (QSVT, degree %u)\n",
                    "solver (QSVT)", r->err_qpe, r->fid_qpe, r->qs.poly->degree);
            if (r->qsvt_predicted)
                fprintf(fp, "    %-26s fidelity %.12f of the simulated kept state with sum_lambda Re P(lambda/alpha) "
                            "w_lambda over the spectrum; the edge %.3g below the band holds %zu eigenvalue%s\n",
                        "predicted kept state", r->fid_predicted, r->qs.poly->delta, r->qsvt_in_edge,
                        r->qsvt_in_edge == 1 ? "" : "s");
        }
        else
            fprintf(fp, "    %-26s %-11.3e u(x_q) vs u(x~); fidelity |<x_q,x~>| = %.6f (%u clock bits)\n",
                    "phase estimation", r->err_qpe, r->fid_qpe, r->qs.p);
        fprintf(fp, "    %-26s %-11.3e read-out vs u(x_q); 3-sigma bound %.3e\n", "shot noise", r->err_shot,
                r->shot_bound);
        fprintf(fp, "    %-26s %-11.3e the three stages + the 3-sigma shot bound\n", "budget", r->budget);
        fprintf(fp, "    %-26s %-11.3e read-out u(T) vs true u(T): %s\n", "end to end", r->err_total,
                r->err_total <= r->budget ? "within the budget" : "OUTSIDE the budget");
    }
    fprintf(fp, "    fidelity of the simulated state with the unfiltered solution x: %.6f\n", r->fid_total);
    fprintf(fp, "\n    %-8s %-13s %-13s %-13s %-13s %-13s %s\n", "", "true", "Carleman", "filtered", "state",
            "read-out", "sigma");
    for (uint32_t i = 0; i < r->n; i++)
        fprintf(fp, "    %s[%u]%*s % -13.6g % -13.6g % -13.6g % -13.6g % -13.6g %.2g\n", r->p->param, i,
                (int)(6 - strlen(r->p->param) - (i >= 10 ? 2 : 1)), "", r->u_true[i], r->u_carleman[i],
                r->u_filtered[i], r->u_state[i], r->ro.u[i], r->ro.sigma[i]);
    fprintf(fp, "\n  post-selection    probability\n");
    for (int g = 0; g < QR_NPOST; g++) {
        if (r->qs.qsvt && g == QR_POST_CLOCK)
            continue;
        if (g != QR_POST_DIL || r->qs.dil.dilated)
            fprintf(fp, "    %-24s %.6g\n",
                    !r->qs.qsvt ? qrun_post_names[g]
                    : g == QR_POST_ANC ? "QSVT real part anc = 0"
                    : g == QR_POST_FLAG ? "projector qubit = 0"
                                        : qrun_post_names[g],
                    r->post[g]);
    }
    if (r->amplified && r->qs.amp_plan.rotate)
        fprintf(fp, "    %-24s %.6g\n", "amplification qubit = 1", r->post_amp);
    fprintf(fp, "    %-24s %.6g   (about %.0f repetitions of the circuit per kept run)\n", "all",
            r->post_product, r->post_product > 0 ? ceil(1 / r->post_product) : INFINITY);
    if (r->amplified) {
        const AmplifyPlan *a = &r->amp;
        bool fp_mode = a->mode == AMPLIFY_FIXED_POINT;
        double before = fp_mode ? r->amp_P_before : a->P;
        if (fp_mode)
            fprintf(fp, "\n  amplification     fixed point, L = %llu: success probability %.6g before, %.10f after "
                        "(predicted %.10f, guaranteed >= %.4f)\n",
                    (unsigned long long)a->solves, r->amp_P_before, r->amp_P_after,
                    amplify_plan_success(a, r->amp_P_before), a->P_guaranteed);
        else
            fprintf(fp, "\n  amplification     exact, k = %u: success probability %.6g before, %.10f after "
                        "(predicted %.10f)\n",
                    a->k, r->amp_P_before, r->amp_P_after, a->P_predicted);
        fprintf(fp, "    solve calls per run      %llu (%s)\n", (unsigned long long)a->solves, fp_mode ? "L" : "2k+1");
        fprintf(fp, "    runs per kept result     %.4g -> %.4g; solve calls per kept result %.4g -> %.4g\n",
                1 / before, r->amp_P_after > 0 ? 1 / r->amp_P_after : INFINITY, 1 / before,
                r->amp_P_after > 0 ? (double)a->solves / r->amp_P_after : INFINITY);
        fprintf(fp, "    kept state               fidelity %.9f with the un-amplified kept state\n",
                r->fid_amplify);
        fprintf(fp, "    filtered-solution P      %.6g (the estimate used where nothing is simulated)\n", r->amp_P_ref);
    }
    if (r->readout_ae)
        fprintf(fp, "\n  read-out          amplitude estimation (docs/readout.md): %u probabilities, each the median of "
                    "%u estimates with %u clock bits, for max_i |error| <= %.3g with probability 0.95: %.4g solver "
                    "calls (sampling would take %.4g)\n",
                r->ae_count.estimates, r->ae_count.reps, r->ae_count.clock_bits, r->ae_target, r->ae_calls,
                r->ae_sampling_calls);
    else
        fprintf(fp, "\n  read-out          %llu shots for magnitudes (%llu in block 0) + %llu for signs = %llu; "
                    "paper's bound m^2 r^3/eps^2 = %.3g\n",
                (unsigned long long)r->ro.shots_magnitude, (unsigned long long)r->ro.count0,
                (unsigned long long)r->ro.shots_sign, (unsigned long long)r->ro.shots_total, r->ro.tomography_bound);
    if (r->ro.wrong_risk)
        fprintf(fp, "    %u sign test%s not decided at 3 sigma\n", r->ro.wrong_risk, r->ro.wrong_risk == 1 ? "" : "s");
    fprintf(fp, "  simulation        %d qubits, imaginary residue %.2g, %.2f s (classical %.2f s, build %.2f s, "
                "read-out %.2f s)\n",
            r->sim_qubits, r->imag_residual, r->t_sim, r->t_classical, r->t_build, r->t_readout);
    fprintf(fp, "\n");
    res_print(&r->res, NULL, fp);
}

static void json_vec(JsonWriter *w, const char *key, const double *v, size_t n)
{
    json_key(w, key);
    json_array_compact(w);
    for (size_t i = 0; i < n; i++)
        json_double(w, v[i]);
    json_end(w);
}

void report_run_json(const QRun *r, JsonWriter *w)
{
    json_object(w);
    report_solver_json(r, w);
    json_key(w, "verdict"), json_string(w, r->verdict);
    if (r->err_by_t)
        json_vec(w, "truncation_error_by_t", r->err_by_t, (size_t)r->T + 1);
    json_key(w, "budget");
    json_object(w);
    json_key(w, "truncation"), json_double(w, r->err_trunc);
    json_key(w, "filtering"), json_double(w, r->err_filter);
    json_key(w, "qpe"), json_double(w, r->err_qpe);
    json_key(w, "shot_noise"), json_double(w, r->err_shot);
    json_key(w, "shot_bound_3sigma"), json_double(w, r->shot_bound);
    json_key(w, "budget"), json_double(w, r->budget);
    json_key(w, "end_to_end"), json_double(w, r->err_total);
    json_key(w, "within_budget"), json_bool(w, r->err_total <= r->budget);
    if (r->planned) {
        const BudgetPlan *b = &r->plan;
        json_key(w, "planned");
        json_object(w);
        json_key(w, "precision"), json_double(w, b->precision);
        json_key(w, "truncation"), json_double(w, b->trunc);
        json_key(w, "filtering"), json_double(w, b->filter);
        json_key(w, "qpe"), json_double(w, b->qpe);
        json_key(w, "clock_bits"), json_uint(w, b->p);
        json_key(w, "shots"), json_uint(w, b->shots);
        json_key(w, "shot_bound_3sigma"), json_double(w, b->shot3);
        json_key(w, "budget"), json_double(w, b->total);
        json_key(w, "attainable"), json_bool(w, b->attainable && !b->p_capped);
        json_key(w, "shots_short"), json_bool(w, b->shots_short);
        json_key(w, "P_solve"), json_double(w, b->P);
        json_key(w, "fidelity_predicted_vs_simulated"), json_double(w, r->fid_predicted);
        if (r->amplify_suggested) {
            json_key(w, "amplify_suggested_solves"), json_uint(w, r->amp.solves);
            json_key(w, "amplify_suggested_k"), json_uint(w, r->amp.k);
        }
        json_end(w);
        json_key(w, "within_precision"), json_bool(w, r->err_total <= b->precision);
    }
    json_end(w);
    json_key(w, "fidelity");
    json_object(w);
    json_key(w, "filtered_vs_exact"), json_double(w, r->fid_filter);
    json_key(w, "paper_estimate"), json_double(w, r->fid_estimate);
    json_key(w, "state_vs_filtered"), json_double(w, r->fid_qpe);
    json_key(w, "state_vs_exact"), json_double(w, r->fid_total);
    json_end(w);
    json_key(w, "u");
    json_object(w);
    json_vec(w, "true", r->u_true, r->n);
    json_vec(w, "carleman", r->u_carleman, r->n);
    json_vec(w, "filtered", r->u_filtered, r->n);
    json_vec(w, "state", r->u_state, r->n);
    json_vec(w, "readout", r->ro.u, r->n);
    json_vec(w, "sigma", r->ro.sigma, r->n);
    json_end(w);
    json_key(w, "postselection");
    json_object(w);
    json_key(w, "anc"), json_double(w, r->post[QR_POST_ANC]);
    json_key(w, "flag"), json_double(w, r->post[QR_POST_FLAG]);
    json_key(w, "idx"), json_double(w, r->post[QR_POST_IDX]);
    json_key(w, "clock"), json_double(w, r->post[QR_POST_CLOCK]);
    if (r->qs.dil.dilated)
        json_key(w, "dilation"), json_double(w, r->post[QR_POST_DIL]);
    if (r->amplified && r->qs.amp_plan.rotate)
        json_key(w, "amp"), json_double(w, r->post_amp);
    json_key(w, "all"), json_double(w, r->post_product);
    json_end(w);
    json_key(w, "shots");
    json_object(w);
    json_key(w, "magnitude"), json_uint(w, r->ro.shots_magnitude);
    json_key(w, "sign"), json_uint(w, r->ro.shots_sign);
    json_key(w, "total"), json_uint(w, r->ro.shots_total);
    json_key(w, "block0"), json_uint(w, r->ro.count0);
    json_key(w, "paper_bound"), json_double(w, r->ro.tomography_bound);
    json_end(w);
    if (r->readout_ae) {
        json_key(w, "amplitude_estimation");
        json_object(w);
        json_key(w, "target_linf"), json_double(w, r->ae_target);
        json_key(w, "clock_bits"), json_uint(w, r->ae_count.clock_bits);
        json_key(w, "reps"), json_uint(w, r->ae_count.reps);
        json_key(w, "estimates"), json_uint(w, r->ae_count.estimates);
        json_key(w, "calls"), json_double(w, r->ae_calls);
        json_key(w, "sampling_calls_for_the_same_target"), json_double(w, r->ae_sampling_calls);
        json_end(w);
    }
    json_key(w, "seconds");
    json_object(w);
    json_key(w, "classical"), json_double(w, r->t_classical);
    json_key(w, "build"), json_double(w, r->t_build);
    json_key(w, "simulation"), json_double(w, r->t_sim);
    json_key(w, "readout"), json_double(w, r->t_readout);
    json_end(w);
    json_key(w, "resources");
    res_json(&r->res, NULL, w);
    json_end(w);
}

void report_segments(const GdProblem *p, const QRunSegments *s, FILE *fp)
{
    fprintf(fp, "problem %s: T = %llu in %llu segments of %llu steps (download/re-upload)\n", p->name,
            (unsigned long long)p->T, (unsigned long long)s->count, (unsigned long long)s->k);
    fprintf(fp, "    %-10s %-14s %-16s %-12s %-8s %s\n", "steps", "error vs GD", "segment's own", "fidelity",
            "qubits", "shots");
    for (uint64_t g = 0; g < s->count; g++) {
        char st[32];
        snprintf(st, sizeof st, "%llu..%llu", (unsigned long long)s->seg[g].t0, (unsigned long long)s->seg[g].t1);
        fprintf(fp, "    %-10s %-14.3e %-16.3e %-12.6f %-8d %llu\n", st, s->seg[g].err_vs_true, s->seg[g].err_segment,
                s->seg[g].fid_qpe, s->seg[g].qubits, (unsigned long long)s->seg[g].shots);
    }
    fprintf(fp, "  final u(T): read-out vs true gradient descent: max error %.3e, %llu shots in all\n",
            s->u_err_final, (unsigned long long)s->shots_total);
    for (uint32_t i = 0; i < p->n; i++)
        fprintf(fp, "    %s[%u]  true % .6g  read-out % .6g\n", p->param, i, s->u_true_final[i], s->u_final[i]);
}

void report_segments_json(const GdProblem *p, const QRunSegments *s, JsonWriter *w)
{
    json_object(w);
    json_key(w, "problem"), json_string(w, p->name);
    json_key(w, "segment"), json_uint(w, s->k);
    json_key(w, "segments");
    json_array(w);
    for (uint64_t g = 0; g < s->count; g++) {
        json_object(w);
        json_key(w, "t0"), json_uint(w, s->seg[g].t0);
        json_key(w, "t1"), json_uint(w, s->seg[g].t1);
        json_key(w, "error_vs_true"), json_double(w, s->seg[g].err_vs_true);
        json_key(w, "error_segment"), json_double(w, s->seg[g].err_segment);
        json_key(w, "fidelity_qpe"), json_double(w, s->seg[g].fid_qpe);
        json_key(w, "qubits"), json_int(w, s->seg[g].qubits);
        json_key(w, "shots"), json_uint(w, s->seg[g].shots);
        json_end(w);
    }
    json_end(w);
    json_vec(w, "u_true", s->u_true_final, p->n);
    json_vec(w, "u_readout", s->u_final, p->n);
    json_key(w, "error"), json_double(w, s->u_err_final);
    json_key(w, "shots"), json_uint(w, s->shots_total);
    json_end(w);
}

void report_ntk(const NtkQRun *r, FILE *fp)
{
    const QSolve *q = &r->qs;
    fprintf(fp, "problem %s (ntk): n = %u training points, %u test points run, kernel %s, L = %u\n", r->p->name, r->n,
            r->ntests, ntk_kernel_name(r->p->kernel), r->p->L);
    fprintf(fp, "  solver            K~ %zu x %zu (symmetric: no dilation), kappa(K~) = %.4g, kappa0 = %.4g, "
                "lambda_min = %.4g\n",
            q->dil.n, q->dil.n, r->kappa_Kt, q->kappa0, q->lambda_min);
    if (q->qsvt)
        fprintf(fp, "  block encoding    %zu Pauli terms on %u index qubits, alpha = %.6g; QSVT degree %u (edge %g)\n",
                q->be.nterms, q->m, q->alpha, q->poly->degree, q->poly->delta);
    else
        fprintf(fp, "  block encoding    %zu Pauli terms on %u index qubits, alpha = %.6g; %u clock bits\n",
                q->be.nterms, q->m, q->alpha, q->p);
    if (q->qsvt)
        fprintf(fp, "  qubits            %u: sys %u, idx %u, anc 1 (the +-phi branch), flag 1 (projector), "
                    "Hadamard-test qubit 1\n",
                q->c.nqubits, q->s, q->m);
    else
        fprintf(fp, "  qubits            %u: sys %u, idx %u, clock %u, anc 1, flag 1, Hadamard-test qubit 1\n",
                q->c.nqubits, q->s, q->m, q->p);
    fprintf(fp, "\n    %-5s %-6s %-7s %-7s %-8s %-11s %-11s %-9s %-9s %-10s %s\n", "test", "label", "exact", "sparse",
            "quantum", "P0-P1", "predicted", "1/P(k*)", "1/Pkept", "sign shots", "shots 0/1");
    for (uint32_t k = 0; k < r->ntests; k++) {
        const NtkQTest *t = &r->test[k];
        fprintf(fp, "    %-5u %+-6d %+-7d %+-7d %+-8d % -11.4g % -11.4g %-9.3g %-9.3g %-10.3g %llu/%llu\n", k, t->label,
                t->pred_exact, t->pred_sparse, t->pred_quantum, t->diff, t->diff_predicted, 1 / t->P_amp,
                t->p_kept > 0 ? 1 / t->p_kept : INFINITY, t->sign_shots, (unsigned long long)t->count0,
                (unsigned long long)t->count1);
    }
    fprintf(fp, "\n  quantum predictions (exact outcome probabilities) equal the classical sparse-NTK ones on %u of %u "
                "test points; the exact-NTK ones on %u of %u\n",
            r->agree_sparse, r->ntests, r->agree_exact, r->ntests);
    fprintf(fp, "  from %llu shots each: %u of %u equal the sparse-NTK predictions, %u of %u equal the true labels\n",
            (unsigned long long)r->shots, r->agree_shots, r->ntests, r->correct, r->ntests);
    fprintf(fp, "  1/P(k*) is the amplitude encoding's post-selection cost of Lemma III.4 (qgdc prepares |k*> exactly);\n"
                "  1/Pkept the solver's repetitions; sign shots = 9/(P0-P1)^2 resolves the sign at 3 sigma.\n");
    fprintf(fp, "  %.2f s\n\n", r->seconds);
    res_print(&r->res, NULL, fp);
}

void report_ntk_json(const NtkQRun *r, JsonWriter *w)
{
    json_object(w);
    json_key(w, "problem"), json_string(w, r->p->name);
    json_key(w, "kind"), json_string(w, "ntk");
    json_key(w, "n"), json_uint(w, r->n);
    json_key(w, "kappa_Kt"), json_double(w, r->kappa_Kt);
    json_key(w, "kappa0"), json_double(w, r->qs.kappa0);
    json_key(w, "alpha"), json_double(w, r->qs.alpha);
    json_key(w, "clock_bits"), json_uint(w, r->qs.p);
    json_key(w, "qubits"), json_uint(w, r->qs.c.nqubits);
    json_key(w, "tests");
    json_array(w);
    for (uint32_t k = 0; k < r->ntests; k++) {
        const NtkQTest *t = &r->test[k];
        json_object(w);
        json_key(w, "label"), json_int(w, t->label);
        json_key(w, "exact"), json_int(w, t->pred_exact);
        json_key(w, "sparse"), json_int(w, t->pred_sparse);
        json_key(w, "quantum"), json_int(w, t->pred_quantum);
        json_key(w, "shots_prediction"), json_int(w, t->pred_shots);
        json_key(w, "diff"), json_double(w, t->diff);
        json_key(w, "diff_predicted"), json_double(w, t->diff_predicted);
        json_key(w, "overlap"), json_double(w, t->overlap);
        json_key(w, "p_kept"), json_double(w, t->p_kept);
        json_key(w, "P_amplitude_encoding"), json_double(w, t->P_amp);
        json_key(w, "sign_shots"), json_double(w, t->sign_shots);
        json_end(w);
    }
    json_end(w);
    json_key(w, "agree_sparse"), json_uint(w, r->agree_sparse);
    json_key(w, "agree_exact"), json_uint(w, r->agree_exact);
    json_key(w, "agree_shots"), json_uint(w, r->agree_shots);
    json_key(w, "correct"), json_uint(w, r->correct);
    json_key(w, "resources");
    res_json(&r->res, NULL, w);
    json_end(w);
}

