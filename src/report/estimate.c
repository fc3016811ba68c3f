/* report/estimate.c — see estimate.h. */
#include "report/estimate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "support/consts.h"
#include "support/plot.h"
#include "support/util.h"

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

static void print_head(const Estimate *e, const TechCost *t, FILE *out)
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
    if (e->qsvt)
        fprintf(out, "  QSVT degree %lu (%s): cut lambda_min/alpha_M = %.4g, polynomial error %.2g, scale %.3g "
                     "(docs/qsvt.md)\n",
                e->qsvt_degree, e->qsvt_built ? "phases computed, built" : "counted, not built", e->qsvt_a,
                e->qsvt_eps, e->qsvt_norm);
    else
        fprintf(out, "  clock bits p = %u (at least %u: 2*pi*alpha_M*kappa0 = %.4g)\n", e->p, e->p0,
                2 * QGD_PI * be->alpha_M * m->kappa0);
    fputs("\nlogical qubits\n", out);
    fprintf(out, "  %-34s %u  (time %u, level %u, factors %u x %u, dilation 1)\n", "system", e->q_sys, be->tb, be->N,
            be->N, be->qn);
    fprintf(out, "  %-34s %u  (LCU and control %u, oracle ancillas and work %u, helper 1)\n", "block-encoding flags",
            e->q_flags, be->nflags - be->npool, be->npool);
    if (e->qsvt) {
        fprintf(out, "  %-34s %u\n", "QSVT +-phi qubit, projector flag", e->q_anc);
    } else {
        fprintf(out, "  %-34s %u\n", "clock", e->q_clock);
        fprintf(out, "  %-34s %u\n", "rotation ancilla, ill flag", e->q_anc);
    }
    fprintf(out, "  %-34s %u\n", "lowering ancillas (peak)", e->run.ancillas);
    if (t && t->ae_clock)
        fprintf(out, "  %-34s %u\n", "amplitude-estimation clock", t->ae_clock);
    fprintf(out, "  %-34s %lu\n", "total", t ? t->qubits : (unsigned long)e->run.qubits_peak);
    fputs(e->qsvt ? "\none solver run (prepare B, singular value transformation)\n"
                  : "\none solver run (prepare B, phase estimation, inversion, uncompute)\n",
          out);
    line(out, "CCZ (Toffoli)", e->run.ccz, NULL);
    line(out, "T", e->run.t_count, NULL);
    line(out, "rotations", e->run.rotations, NULL);
    if (e->qsvt)
        line(out, "walk steps", e->walk_steps, "the degree (uncontrolled walks)");
    else
        line(out, "controlled walk steps", e->walk_steps, "2 (2^p - 1)");
    line(out, "queries to each F_l oracle", e->queries, "U_M and U_M^dg per step");
    if (e->have_walk) {
        line(out, e->qsvt ? "one walk: CCZ" : "one controlled walk: CCZ", e->walk.ccz, NULL);
        line(out, e->qsvt ? "one walk: rotations" : "one controlled walk: rotations", e->walk.rotations, NULL);
    }
    for (unsigned l = 1; l <= be->q; l++)
        if (be->alpha_l[l] > 0) {
            char lab[64];
            snprintf(lab, sizeof lab, "F_%u table lookup: CCZ per call", l);
            line(out, lab, be->oracle_cost[l].qrom.ccz, NULL);
        }
}

static void print_reps_paper(const Estimate *e, FILE *out)
{
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
}

static void print_phys(const Estimate *e, const double *seconds, FILE *out)
{
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
                seconds_text(seconds[i], c3, sizeof c3));
    }
    fprintf(out, "\n(built in %.3g s, counted in %.3g s)\n", e->build_s, e->count_s);
}

void estimate_print(const Estimate *e, FILE *out)
{
    print_head(e, NULL, out);
    print_reps_paper(e, out);
    print_phys(e, e->total_seconds, out);
}

static const char *tech_words(const TechCost *t, char *buf, size_t len)
{
    snprintf(buf, len, "amplify %s, data_loading %s, readout %s, solver %s", amplify_mode_names[t->amplify],
             data_loading_names[t->loading], readout_mode_names[t->readout], solver_kind_names[t->solver]);
    return buf;
}

static void mpz_scaled(mpz_t out, const mpz_t per_call, const TechCost *t, const Estimate *e)
{
    mpz_mul(out, per_call, t->calls);
    mpz_mul(out, out, e->uploads);
}

void estimate_print_tech(const Estimate *e, const TechReport *tr, FILE *out)
{
    const TechCost *t = &tr->chosen;
    const ModelProblem *m = &e->shape;
    char w[160];
    print_head(e, t, out);
    fprintf(out, "\ntechniques (algorithm = %s; docs/techniques.md): %s\n",
            m->opt.algorithm == ALGORITHM_PAPER ? "paper" : "best", tech_words(t, w, sizeof w));
    fprintf(out, "  P(solve) >= %.4g, P(read t >= T, level 1) ~ %.4g: P = %.4g per solver call (estimate.h)\n",
            e->p_solve, e->p_read, t->p_success);
    if (t->readout == READOUT_AMPLITUDE_ESTIMATION)
        fprintf(out, "  %-34s amplitude estimation on the un-post-selected solver, %u clock bits: %s\n", "read-out",
                t->ae_clock, t->readout_bound);
    else
        fprintf(out, "  %-34s %s: %.4Lg kept outputs (%s)\n", "read-out",
                t->readout == READOUT_SHADOWS ? "classical shadows" : "l2 sampling", t->kept, t->readout_bound);
    fprintf(out, "  %-34s %s distance of the normalised u(T) <= eps = %g%s\n", "read-out error",
            tr->linf ? "l-infinity" : "l2", m->eps,
            t->readout == READOUT_SHADOWS ? " (shadows: the paper's 1-norm bound)" : "");
    if (t->amplify == AMPLIFY_FIXED_POINT)
        fprintf(out, "  %-34s fixed point (Yoder-Low-Chuang), delta = %g: %.4g calls per run, success >= %.2f "
                     "for every P >= %.4g\n",
                "amplification", TECH_FP_DELTA, t->aa_calls, t->aa_success, t->p_success);
    else if (t->amplify == AMPLIFY_EXACT)
        fprintf(out, "  %-34s exact with the estimated P: %.4g calls per run (success 1 only if P is exact)\n",
                "amplification", t->aa_calls);
    else if (t->readout != READOUT_AMPLITUDE_ESTIMATION)
        fprintf(out, "  %-34s none: 1/P = %.4g calls per kept output\n", "amplification", 1 / t->p_success);
    line(out, "solver calls per upload", t->calls, NULL);
    line(out, "uploads", e->uploads, NULL);
    mpz_t x;
    mpz_init(x);
    line(out, "CCZ, whole training", t->total_ccz,
         mpz_sgn(t->ccz_aa_extra) ? "(calls x CCZ per call + the reflections) x uploads" : NULL);
    mpz_scaled(x, e->run.t_count, t, e);
    line(out, "T, whole training", x, NULL);
    mpz_scaled(x, e->run.rotations, t, e);
    line(out, "rotations, whole training", x, NULL);
    const TechCost *paper = &tr->step[0];
    if (mpz_sgn(t->total_ccz) > 0 && mpz_cmp(t->total_ccz, paper->total_ccz) != 0)
        fprintf(out, "  %-34s %.4g, %.3g times more (qgdc estimate --compare: each technique's share)\n",
                "the paper's algorithm", mpz_get_d(paper->total_ccz),
                mpz_get_d(paper->total_ccz) / mpz_get_d(t->total_ccz));
    mpz_clear(x);
    print_phys(e, t->seconds, out);
}

void estimate_compare_print(const Estimate *e, const TechReport *tr, FILE *out)
{
    const ModelProblem *m = &e->shape;
    fprintf(out, "model %s: what each technique buys (docs/techniques.md); read-out error: %s of the normalised "
                 "u(T) <= %g\n",
            m->name ? m->name : "?", tr->linf ? "l-infinity" : "l2", m->eps);
    if (tr->max_qubits > 0)
        fprintf(out, "logical-qubit budget %lld\n", tr->max_qubits);
    fprintf(out, "\n  %-33s %9s %11s %11s %11s %8s %9s %12s\n", "step", "walks", "CCZ/call", "calls/upl", "CCZ total",
            "factor", "qubits", "runtime");
    const char *qm = e->nphys > 0 ? e->phys_name[0] : NULL;
    for (int i = 0; i < tr->nsteps; i++) {
        const TechCost *t = &tr->step[i];
        /* against the step above; best against the paper */
        double prev = i == 0 ? mpz_get_d(t->total_ccz)
                      : i + 1 == tr->nsteps ? mpz_get_d(tr->step[0].total_ccz)
                                            : mpz_get_d(tr->step[i - 1].total_ccz);
        double f = prev / mpz_get_d(t->total_ccz);
        char rt[32] = "-";
        if (qm && t->phys_ok[0])
            seconds_text(t->seconds[0], rt, sizeof rt);
        fprintf(out, "  %-33s %9.3g %11.3e %11.3e %11.3e %7.3gx %9lu %12s%s\n", t->label, mpz_get_d(t->walk_steps),
                mpz_get_d(t->ccz_call), mpz_get_d(t->calls), mpz_get_d(t->total_ccz), f, t->qubits, rt,
                t->feasible ? "" : "  (over budget)");
    }
    /* the factor of each column against the step above (best: the paper) */
    fprintf(out, "\n  %-33s %9s %11s %11s %11s %9s %12s\n", "factor (how many times cheaper)", "walks", "CCZ/call",
            "calls/upl", "CCZ total", "qubits", "runtime");
    for (int i = 1; i < tr->nsteps; i++) {
        const TechCost *t = &tr->step[i], *p = i + 1 == tr->nsteps ? &tr->step[0] : &tr->step[i - 1];
        char rt[32] = "-";
        if (qm && t->phys_ok[0] && p->phys_ok[0] && t->seconds[0] > 0)
            snprintf(rt, sizeof rt, "%.3g", p->seconds[0] / t->seconds[0]);
        fprintf(out, "  %-33s %9.3g %11.3g %11.3g %11.3g %9.3g %12s\n", t->label,
                mpz_get_d(p->walk_steps) / mpz_get_d(t->walk_steps), mpz_get_d(p->ccz_call) / mpz_get_d(t->ccz_call), mpz_get_d(p->calls) / mpz_get_d(t->calls),
                mpz_get_d(p->total_ccz) / mpz_get_d(t->total_ccz), (double)p->qubits / (double)t->qubits, rt);
    }
    const TechCost *b = &tr->best;
    char w[160];
    fprintf(out, "\n  best: %s\n", tech_words(b, w, sizeof w));
    fprintf(out, "  factor over the paper's algorithm: %.4g in whole-training CCZ (%.3g -> %.3g)\n",
            mpz_get_d(tr->step[0].total_ccz) / mpz_get_d(b->total_ccz), mpz_get_d(tr->step[0].total_ccz),
            mpz_get_d(b->total_ccz));
    if (qm)
        fprintf(out, "  runtime on %s: whole training, surface code (Microsoft Resource Estimator model)\n", qm);
    fputs("  factor: against the step above (best: against the paper); calls/upl: solver calls per upload;\n"
          "  walks: walk steps per solver call (phase estimation: 2 (2^p - 1) controlled; QSVT: the degree)\n",
          out);
}

static void tech_json(const TechCost *t, const Estimate *e, JsonWriter *w)
{
    json_object(w);
    json_key(w, "label"), json_string(w, t->label ? t->label : "");
    json_key(w, "solver"), json_string(w, solver_kind_names[t->solver]);
    json_key(w, "walk_steps"), json_mpz(w, t->walk_steps);
    json_key(w, "amplify"), json_string(w, amplify_mode_names[t->amplify]);
    json_key(w, "data_loading"), json_string(w, data_loading_names[t->loading]);
    json_key(w, "readout"), json_string(w, readout_mode_names[t->readout]);
    json_key(w, "readout_bound"), json_string(w, t->readout_bound ? t->readout_bound : "");
    json_key(w, "readout_error"), json_string(w, "of the normalised u(T); see the report's readout_measure");
    json_key(w, "ccz_per_call"), json_mpz(w, t->ccz_call);
    json_key(w, "p_success"), json_double(w, t->p_success);
    json_key(w, "amplified_calls_per_run"), json_double(w, t->aa_calls);
    json_key(w, "success_per_run"), json_double(w, t->aa_success);
    json_key(w, "kept_outputs"), json_double(w, (double)t->kept);
    json_key(w, "calls_per_upload"), json_mpz(w, t->calls);
    json_key(w, "reflection_ccz"), json_mpz(w, t->ccz_aa_extra);
    json_key(w, "total_ccz"), json_mpz(w, t->total_ccz);
    json_key(w, "logical_qubits"), json_uint(w, t->qubits);
    json_key(w, "within_qubit_budget"), json_bool(w, t->feasible);
    json_key(w, "physical");
    json_array(w);
    for (int i = 0; i < e->nphys; i++) {
        json_object(w);
        json_key(w, "qubit_model"), json_string(w, e->phys_name[i]);
        if (t->phys_ok[i]) {
            json_key(w, "physical_qubits"), json_uint(w, t->phys_qubits[i]);
            json_key(w, "training_seconds"), json_double(w, t->seconds[i]);
        }
        json_end(w);
    }
    json_end(w);
    json_end(w);
}

void estimate_compare_json(const Estimate *e, const TechReport *tr, JsonWriter *w)
{
    json_object(w);
    json_key(w, "model"), json_string(w, e->shape.name ? e->shape.name : "");
    json_key(w, "eps"), json_double(w, e->shape.eps);
    json_key(w, "readout_measure"), json_string(w, tr->linf ? "linf" : "l2");
    json_key(w, "max_logical_qubits");
    if (tr->max_qubits > 0)
        json_int(w, tr->max_qubits);
    else
        json_null(w);
    json_key(w, "steps");
    json_array(w);
    for (int i = 0; i < tr->nsteps; i++)
        tech_json(&tr->step[i], e, w);
    json_end(w);
    json_key(w, "best");
    tech_json(&tr->best, e, w);
    json_end(w);
}

bool estimate_compare_plot(const Estimate *e, const TechReport *tr, const char *path)
{
    enum { NS = 4 };
    double xs[TECH_MAX_STEPS], ys[NS][TECH_MAX_STEPS];
    int k = tr->nsteps;
    for (int i = 0; i < k; i++) {
        const TechCost *t = &tr->step[i];
        xs[i] = i + 1;
        ys[0][i] = mpz_get_d(t->total_ccz);
        ys[1][i] = mpz_get_d(t->calls);
        ys[2][i] = mpz_get_d(t->ccz_call);
        ys[3][i] = (double)t->qubits;
    }
    PlotSeries s[NS] = {
        {"CCZ, whole training", xs, ys[0], (size_t)k, false},
        {"solver calls per upload", xs, ys[1], (size_t)k, false},
        {"CCZ per solver call", xs, ys[2], (size_t)k, false},
        {"logical qubits", xs, ys[3], (size_t)k, true},
    };
    char title[320], *p = title;
    p += snprintf(p, sizeof title, "%s: ", e->shape.name ? e->shape.name : "?");
    for (int i = 0; i < k && p < title + sizeof title - 40; i++)
        p += snprintf(p, (size_t)(title + sizeof title - p), "%s%d %s", i ? ", " : "", i + 1, tr->step[i].label);
    Plot pl = {.title = title, .xlabel = "step", .ylabel = "count", .logx = false, .logy = true,
               .series = s, .nseries = NS, .hline = NAN};
    return plot_lines_svg(path, &pl);
}


static void json_inner(const Estimate *e, const TechReport *tr, JsonWriter *w);
static void tech_json(const TechCost *t, const Estimate *e, JsonWriter *w);

void estimate_json(const Estimate *e, JsonWriter *w) { json_inner(e, NULL, w); }

void estimate_json_tech(const Estimate *e, const TechReport *tr, JsonWriter *w) { json_inner(e, tr, w); }

static void json_inner(const Estimate *e, const TechReport *tr, JsonWriter *w)
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
    json_key(w, "solver"), json_string(w, e->qsvt ? "qsvt" : "qpe");
    if (e->qsvt) {
        json_key(w, "qsvt");
        json_object(w);
        json_key(w, "degree"), json_uint(w, e->qsvt_degree);
        json_key(w, "built"), json_bool(w, e->qsvt_built);
        json_key(w, "cut"), json_double(w, e->qsvt_a);
        json_key(w, "poly_error"), json_double(w, e->qsvt_eps);
        json_key(w, "scale"), json_double(w, e->qsvt_norm);
        json_end(w);
    }
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
    if (tr) {
        json_key(w, "algorithm"), json_string(w, m->opt.algorithm == ALGORITHM_PAPER ? "paper" : "best");
        json_key(w, "readout_measure"), json_string(w, tr->linf ? "linf" : "l2");
        json_key(w, "techniques");
        tech_json(&tr->chosen, e, w);
        json_key(w, "paper_total_ccz"), json_mpz(w, tr->step[0].total_ccz);
    }
    json_key(w, "build_seconds"), json_double(w, e->build_s);
    json_key(w, "count_seconds"), json_double(w, e->count_s);
    json_end(w);
}
