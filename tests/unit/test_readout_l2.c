/* test_readout_l2.c — the ℓ2 bound of the sampling read-out
 * (docs/readout.md, "The ℓ2 bound of sampling"):
 *   - the model count (readout_model_count, l2_sampling, l2) against the
 *     formulas computed here; ResNet-7M's figure against
 *     Kerenidis–Prakash's (kept in samples_kp);
 *   - the model protocol simulated (readout_estimate_sampling_model) on
 *     synthetic r-sparse unit vectors, r up to 1e4 (flat, heavy-tailed
 *     with many tiny entries, entries at the shot resolution), S seeds
 *     each: at the bound's shots the fraction of runs with
 *     ‖ψ̃ − ψ‖₂ > ε is at most fail + 3σ (σ² = fail(1 − fail)/S); the
 *     shots needed empirically (the least of bound·2^(−j/2) at which the
 *     fraction is at most fail) are within RATIO_SPREAD (40×) of the
 *     bound, RATIO_MAX (100×) for the heavy tail; and at
 *     a tenth of those the fraction is above fail, so a bound 10× below
 *     what the simulation needs fails the first assertion;
 *   - the same for the state at hand (readout_count, l2_sampling, l2:
 *     today's protocol of readout_sample, block-0 normalisation, one sign
 *     circuit per parameter) on tiny1, poly1 and q2, the error measured
 *     against the protocol's limit u_limit. */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "passes/readout_ae.h"
#include "support/util.h"

/* the bound may ask for at most this many times the shots the
 * simulation needs: RATIO_MAX for every vector; RATIO_SPREAD for the
 * states and the vectors whose mass is spread over their r entries (the
 * bound knows r only, so a heavy tail, whose mass sits on a few entries,
 * needs fewer shots than it counts) */
#define RATIO_MAX 100.0
#define RATIO_SPREAD 40.0

static const char *TINY1 = "gd tiny1 {\n"
                           "    param u[1] = 0.5;\n"
                           "    eta = 0.2;\n"
                           "    T = 1;\n"
                           "    loss = u[0]^2/2 + 0.1*u[0]^3;\n"
                           "    options { carleman_order = 1; precision = 0.05; }\n"
                           "}\n";
static const char *POLY1 = "gd poly1 {\n"
                           "    param u[1] = 0.6;\n"
                           "    eta = 0.3;\n"
                           "    T = 3;\n"
                           "    loss = u[0]^2/2 + 0.2*u[0]^3;\n"
                           "    options { carleman_order = 2; precision = 0.05; }\n"
                           "}\n";
static const char *Q2 = "gd q2 {\n"
                        "    param u[2] = [0.5, -0.3];\n"
                        "    eta = 0.2;\n"
                        "    T = 1;\n"
                        "    loss = (u[0]^2 + 2*u[1]^2)/2 + 0.3*u[0]^2*u[1] - 0.1*u[1]^3;\n"
                        "    options { carleman_order = 1; }\n"
                        "}\n";

static double margin(double fail, unsigned S) { return fail * S + 3 * sqrt(fail * (1 - fail) * S); }

/* ---- model scale: the formula ---- */

static void test_model_formula(void)
{
    mpz_t calls;
    mpz_init(calls);
    ReadoutModelCost mc;
    char *err = NULL;
    const double r = 745104, eps = 1e-2, fail = 0.05, P = 2.451e-5 * 1.329e-6;
    CU_ASSERT_FATAL(readout_model_count(RO_L2_SAMPLING, READOUT_L2, r, eps, P, fail, 23, calls, &mc, &err));
    /* the formulas, computed here */
    double L = log(4 / fail);
    double Dm = fmin(r - 1 + 4 * sqrt(r * L) + 2 * L, r * log(4 * r / fail));
    double sd = sqrt(r / exp(1)) + sqrt(log(2 / fail)), Ds = 4 * sd * sd;
    double c = cbrt(Dm) + cbrt(Ds);
    double K = ceil(cbrt(Dm) * c * c / (eps * eps)), Ns = ceil(cbrt(Ds) * c * c / (eps * eps));
    ASSERT_CLOSE(readout_l2_mag_dev(r, fail / 2), Dm, 1e-14);
    ASSERT_CLOSE(readout_l2_sign_dev(r, fail / 2), Ds, 1e-14);
    ASSERT_CLOSE((double)mc.samples_mag, K, 1e-12);
    ASSERT_CLOSE((double)mc.samples_sign, Ns, 1e-12);
    ASSERT_CLOSE((double)mc.samples, K + Ns, 1e-12);
    ASSERT_CLOSE(mpz_get_d(calls), (K + Ns) / P, 1e-12);
    /* the split spends ε exactly */
    ASSERT_CLOSE(sqrt(Dm / K) + sqrt(Ds / Ns), eps, 1e-6);
    double kp = 2 * ceil(252 * r * log(r) / (eps * eps));
    ASSERT_CLOSE((double)mc.samples_kp, kp, 1e-12);
    fprintf(stderr, "[resnet7m l2 sampling: %.4Lg kept shots (K %.4Lg + N' %.4Lg, %.3g r/eps^2), %.4g calls; "
                    "Kerenidis-Prakash %.4Lg (%.0fx)] ",
            mc.samples, mc.samples_mag, mc.samples_sign, (double)mc.samples * eps * eps / r, mpz_get_d(calls),
            mc.samples_kp, (double)(mc.samples_kp / mc.samples));
    CU_ASSERT((double)mc.samples < 10 * r / (eps * eps));
    CU_ASSERT((double)(mc.samples_kp / mc.samples) > 500);
    CU_ASSERT(strstr(mc.bound, "Kerenidis") != NULL);
    /* rP > 1: the union bound over the entries above the reference */
    CU_ASSERT_FATAL(readout_model_count(RO_L2_SAMPLING, READOUT_L2, 100, 0.5, 1, fail, 10, calls, &mc, &err));
    double Ds4 = readout_l2_sign_dev(100, fail / 4), Dm2 = readout_l2_mag_dev(100, fail / 2);
    double c4 = cbrt(Dm2) + cbrt(Ds4);
    ASSERT_CLOSE((double)mc.samples_sign, ceil(fmax(cbrt(Ds4) * c4 * c4 / 0.25, 100 * log(400 / fail))), 1e-12);
    /* r = 1: one entry, its magnitude exact from one shot */
    CU_ASSERT_FATAL(readout_model_count(RO_L2_SAMPLING, READOUT_L2, 1, 0.1, 0.5, fail, 1, calls, &mc, &err));
    CU_ASSERT_EQUAL((double)mc.samples_mag, 1.0);
    CU_ASSERT_EQUAL(readout_l2_mag_dev(1, 0.05), 0.0);
    /* the tail bound's two forms: min of the Chernoff and the union bound */
    ASSERT_CLOSE(readout_l2_mag_dev(3, 0.05), 3 * log(6 / 0.05), 1e-14);
    free(err);
    mpz_clear(calls);
}

/* ---- model scale: simulated ---- */

typedef struct Family {
    const char *name;
    size_t r;
    double eps, P;
    unsigned seeds;
    double ratio_max;
} Family;

/* ψ of family f (unnormalised; readout_estimate_sampling_model normalises) */
static void make_vector(int f, size_t r, double K, UnitRng *g, double *psi)
{
    for (size_t i = 0; i < r; i++) {
        double s = unit_urand(g) < 0.5 ? -1 : 1, a;
        switch (f) {
        case 0: /* flat */
            a = 1;
            break;
        case 1: /* heavy tailed: log-normal with σ = 3, many tiny entries */
        {
            double u1 = unit_urand(g) + 1e-300, u2 = unit_urand(g);
            a = exp(3 * sqrt(-2 * log(u1)) * cos(2 * 3.141592653589793 * u2));
            break;
        }
        default: /* 30% of the mass in 70% of the entries at ψ² ≈ 1/K (one shot's worth) */
            a = i < 7 * r / 10 ? sqrt(1 / K) : sqrt(0.7 / (0.3 * (double)r) * 1e6 / K) * (0.5 + unit_urand(g));
            break;
        }
        psi[i] = s * a;
    }
    if (f == 2) { /* the tiny entries at 30% of the mass, exactly */
        double t = 0, b = 0;
        for (size_t i = 0; i < r; i++)
            *(i < 7 * r / 10 ? &t : &b) += psi[i] * psi[i];
        for (size_t i = 7 * r / 10; i < r; i++)
            psi[i] *= sqrt(t * 0.7 / 0.3 / b);
    }
}

/* runs with ‖ψ̃ − ψ‖₂ > ε out of S, at scale s of the bound's shots */
static unsigned model_exceed(const double *psi, size_t r, double P, double K, double Ns, double s, double eps,
                             unsigned S, unsigned long seed0)
{
    double nn = 0;
    for (size_t i = 0; i < r; i++)
        nn += psi[i] * psi[i];
    double *unit = xmalloc(r * sizeof *unit);
    for (size_t i = 0; i < r; i++)
        unit[i] = psi[i] / sqrt(nn);
    unsigned bad = 0;
    char *err = NULL;
    uint64_t k = (uint64_t)fmax(1, ceil(s * K)), ns = (uint64_t)ceil(s * Ns);
    for (unsigned sd = 0; sd < S; sd++) {
        ReadoutEstimate e;
        CU_ASSERT_FATAL(readout_estimate_sampling_model(psi, r, P, k, ns, seed0 + sd, &e, &err));
        double d = 0;
        for (size_t i = 0; i < r; i++)
            d += (e.u[i] - unit[i]) * (e.u[i] - unit[i]);
        if (sqrt(d) > eps)
            bad++;
        readout_estimate_free(&e);
    }
    free(unit);
    return bad;
}

static void test_model_simulated(void)
{
    const double fail = 0.05;
    const Family fam[] = {
        {"flat", 1000, 0.05, 1e-3, 200, RATIO_SPREAD},
        {"heavy-tailed", 10000, 0.05, 1e-4, 100, RATIO_MAX},
        {"at resolution", 10000, 0.05, 1e-4, 100, RATIO_SPREAD},
        {"flat, rP > 1", 100, 0.1, 1, 200, RATIO_SPREAD},
    };
    UnitRng g = {12345};
    for (size_t fi = 0; fi < sizeof fam / sizeof *fam; fi++) {
        const Family *F = &fam[fi];
        int kind = fi == 3 ? 0 : (int)fi;
        long double K, Ns;
        readout_l2_model_shots(F->r, F->eps, fail, F->P, &K, &Ns);
        double *psi = xmalloc(F->r * sizeof *psi);
        make_vector(kind, F->r, (double)K, &g, psi);
        unsigned bad = model_exceed(psi, F->r, F->P, (double)K, (double)Ns, 1, F->eps, F->seeds, 1000);
        CU_ASSERT(bad <= margin(fail, F->seeds));
        /* the shots the simulation needs */
        double need = 1;
        unsigned badj = 0;
        for (int j = 1; j <= 24; j++) {
            double s = pow(2, -0.5 * j);
            badj = model_exceed(psi, F->r, F->P, (double)K, (double)Ns, s, F->eps, F->seeds, 5000 + 100 * j);
            if (badj > fail * F->seeds)
                break;
            need = s;
        }
        unsigned bad10 = model_exceed(psi, F->r, F->P, (double)K, (double)Ns, need / 10, F->eps, F->seeds, 90000);
        fprintf(stderr, "\n  [%s r = %zu eps = %g: bound K = %.4Lg, N' = %.4Lg (%.2f r/eps^2); %u/%u over at the bound; "
                        "needed 1/%.3g of it; %u/%u over at a tenth of that]",
                F->name, F->r, F->eps, K, Ns, (double)(K + Ns) * F->eps * F->eps / (double)F->r, bad, F->seeds,
                1 / need, bad10, F->seeds);
        CU_ASSERT(1 / need <= F->ratio_max);
        CU_ASSERT(bad10 > fail * F->seeds);
        free(psi);
    }
}

/* ---- the state at hand ---- */

static unsigned state_exceed(const ReadoutSetup *rs, uint64_t N, double eps, unsigned S, unsigned long seed0)
{
    unsigned bad = 0;
    char *err = NULL;
    for (unsigned sd = 0; sd < S; sd++) {
        ReadoutEstimate e;
        CU_ASSERT_FATAL(readout_estimate_sampling(&rs->pl, &rs->pr, rs->sv, rs->sq, rs->k, N, seed0 + sd, &e, &err));
        if (readout_err_l2(e.u, rs->pr.u_limit, rs->pl.n) > eps)
            bad++;
        readout_estimate_free(&e);
    }
    return bad;
}

static void test_state_count(void)
{
    const char *texts[] = {TINY1, POLY1, Q2};
    const double fail = 0.05, eps = 0.1;
    const unsigned S = 100;
    for (int t = 0; t < 3; t++) {
        ProblemSet ps;
        GdProblem *p = unit_compile_gd(texts[t], &ps);
        ReadoutSetup rs;
        char *err = NULL;
        CU_ASSERT_FATAL(readout_setup_gd(p, &rs, &err));
        ReadoutCount c;
        CU_ASSERT_FATAL(readout_count(RO_L2_SAMPLING, READOUT_L2, &rs.pl, &rs.pr, eps, fail, &c, &err));
        /* the least N the bound allows */
        CU_ASSERT(readout_l2_bound(&rs.pl, &rs.pr, c.shots, fail) <= eps);
        CU_ASSERT(readout_l2_bound(&rs.pl, &rs.pr, c.shots - 1, fail) > eps);
        ASSERT_CLOSE(c.calls, (double)c.shots * (double)(1 + rs.pl.n) / rs.p_kept, 1e-12);
        unsigned bad = state_exceed(&rs, c.shots, eps, S, 100);
        CU_ASSERT(bad <= margin(fail, S));
        double need = 1;
        for (int j = 1; j <= 24; j++) {
            double s = pow(2, -0.5 * j);
            uint64_t N = (uint64_t)ceil(s * (double)c.shots);
            if (N < 2 || state_exceed(&rs, N, eps, S, 1000 + 100 * (unsigned)j) > fail * S)
                break;
            need = s;
        }
        uint64_t N10 = (uint64_t)ceil(need / 10 * (double)c.shots);
        unsigned bad10 = state_exceed(&rs, N10 < 1 ? 1 : N10, eps, S, 90000);
        fprintf(stderr, "\n  [%s: n = %zu, P(kept) %.4g: N = %llu shots per circuit (%.3g calls); %u/%u over; "
                        "needed 1/%.3g of it; %u/%u over at a tenth]",
                p->name, rs.pl.n, rs.p_kept, (unsigned long long)c.shots, c.calls, bad, S, 1 / need, bad10, S);
        CU_ASSERT(1 / need <= RATIO_SPREAD);
        CU_ASSERT(bad10 > fail * S);
        free(err);
        readout_setup_free(&rs);
        problem_set_free(&ps);
    }
}

void suite_readout_l2(void);
void suite_readout_l2(void)
{
    UNIT_SUITE("readout_l2", {"model count: formula, resnet7m against Kerenidis-Prakash", test_model_formula},
               {"model protocol simulated on synthetic vectors", test_model_simulated},
               {"state-at-hand count simulated on tiny1, poly1, q2", test_state_count});
}
