/* report/estimate.c — see estimate.h. */
#include "report/estimate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "support/consts.h"
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
