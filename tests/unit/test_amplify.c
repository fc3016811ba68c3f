/* test_amplify.c — exact amplitude amplification of the post-selected
 * solver (passes/amplify.h), checked by simulation against the
 * un-amplified solver:
 *   - the plan: k = ⌈π/(4θ) − 1/2⌉, θ' = π/(2(2k+1)) ≤ θ and
 *     sin²((2k+1)θ') = 1 for P over eight decades; refusals;
 *   - on tiny1, a two-parameter gd problem (qrun_gd) and random small SPD
 *     systems (qsolve_build directly, no dilation): the amplified
 *     circuit's success probability is 1 to 1e-9, its kept state equals
 *     the un-amplified one (fidelity ≥ 1 − 1e-9, the normalised solution
 *     amplitudes as qrun reads them), and its resource counts equal
 *     (2k+1)·(the un-amplified solve) + (2k+1)·ry + k·(S_good + S0) + the
 *     same post-selections and one more, each piece counted on its own
 *     (S_good and S0 built here from the registers, not by amplify.c);
 *   - compile (qrun_gd without simulation) takes P from the filtered
 *     solution and builds the same shape. */
#include "unit.h"

#include <complex.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/resources.h"
#include "passes/amplify.h"
#include "passes/qrun.h"
#include "passes/qsolve.h"
#include "passes/reference.h"
#include "sim/exec.h"
#include "support/consts.h"
#include "support/util.h"

static void test_plan(void)
{
    double Ps[] = {1e-8, 1e-5, 3e-3, 0.01, 0.05, 0.1, 0.2148, 0.25, 0.5, 0.7, 0.99, 1};
    for (size_t i = 0; i < sizeof Ps / sizeof *Ps; i++) {
        AmplifyPlan pl;
        char *err = NULL;
        CU_ASSERT_FATAL(amplify_plan_exact(Ps[i], 1u << 20, &pl, &err));
        double th = asin(sqrt(Ps[i]));
        /* the least k with (2k+1)θ ≥ π/2 */
        unsigned k = 0;
        while ((2.0 * k + 1) * th < QGD_PI / 2 - 1e-15)
            k++;
        CU_ASSERT_EQUAL(pl.k, k);
        CU_ASSERT_EQUAL(pl.solves, 2 * (uint64_t)k + 1);
        CU_ASSERT(pl.theta_low <= th + 1e-15);
        /* the good amplitude after the ancilla: sin θ · sin(φ/2) = sin θ' */
        double a = sqrt(Ps[i]) * (pl.rotate ? sin(pl.angle / 2) : 1);
        ASSERT_CLOSE(a, sin(pl.theta_low), 1e-12);
        ASSERT_CLOSE(pow(sin((2.0 * k + 1) * asin(a)), 2), 1, 1e-12);
        ASSERT_CLOSE(pl.P_predicted, 1, 1e-12);
    }
    AmplifyPlan pl;
    char *err = NULL;
    CU_ASSERT(!amplify_plan_exact(0, 100, &pl, &err));
    CU_ASSERT(err && strstr(err, "(0, 1]"));
    free(err);
    err = NULL;
    CU_ASSERT(!amplify_plan_exact(1.5, 100, &pl, &err));
    free(err);
    err = NULL;
    CU_ASSERT(!amplify_plan_exact(1e-8, 100, &pl, &err)); /* k = 7854 > 100 */
    CU_ASSERT(err && strstr(err, "limit of 100"));
    free(err);
    CU_ASSERT(amplify_plan_exact(1, 100, &pl, NULL));
    CU_ASSERT_EQUAL(pl.k, 0);
    CU_ASSERT(!pl.rotate);
    AmplifyMode m;
    CU_ASSERT(amplify_mode_parse("exact", &m) && m == AMPLIFY_EXACT);
    CU_ASSERT(amplify_mode_parse("none", &m) && m == AMPLIFY_NONE);
    CU_ASSERT(amplify_mode_parse("fixed_point", &m) && m == AMPLIFY_FIXED_POINT);
    CU_ASSERT(!amplify_mode_parse("bogus", &m));
}

/* ---- the cost formula, from pieces counted on their own ---- */

/* the counts of one multi-controlled phase −1 on nq qubits, negative
 * controls where neg has a bit */
static void count_reflection(uint32_t nq, const uint32_t *q, uint64_t neg, uint32_t width, ResCounts *r)
{
    Circuit c;
    circuit_init(&c);
    circuit_qreg(&c, "q", width);
    double pi = QGD_PI;
    circ_cgate(&c, &c.main, GATE_GPHASE, nq, q, &pi)->negctrl = neg;
    CU_ASSERT_FATAL(circuit_verify(&c));
    res_count(&c, r);
    circuit_free(&c);
}

static void count_ry(double angle, ResCounts *r)
{
    Circuit c;
    circuit_init(&c);
    uint32_t q = circuit_qreg(&c, "q", 1);
    circ_gate(&c, &c.main, GATE_RY, &q, &angle);
    res_count(&c, r);
    circuit_free(&c);
}

/* want = (2k+1)·(plain − its post-selections and measurements) + plain's
 * post-selections and measurements + one post-selection (amp) + k·(S_good
 * + S0) + (2k+1)·ry, field by field (every additive count). */
static void check_counts(const QSolve *amp, const ResCounts *plain, const ResCounts *got)
{
    const AmplifyPlan *pl = &amp->amp_plan;
    uint32_t nall = amp->c.nqubits;
    /* the good subspace, from the registers */
    uint32_t gq[64], ng = 0;
    uint64_t neg = 0;
    gq[ng++] = amp->anc;
    gq[ng] = amp->flag, neg |= (uint64_t)1 << ng, ng++;
    for (unsigned i = 0; i < amp->m; i++)
        gq[ng] = amp->idx + i, neg |= (uint64_t)1 << ng, ng++;
    for (unsigned i = 0; i < amp->p; i++)
        gq[ng] = amp->clock + i, neg |= (uint64_t)1 << ng, ng++;
    if (amp->dil.dilated)
        gq[ng++] = amp->sys + amp->s - 1;
    if (pl->rotate)
        gq[ng++] = amp->amp;
    uint32_t all[64];
    for (uint32_t i = 0; i < nall; i++)
        all[i] = i;
    ResCounts sg, s0, ry;
    res_init(&sg), res_init(&s0), res_init(&ry);
    count_reflection(ng, gq, neg, nall, &sg);
    count_reflection(nall, all, nall == 64 ? ~(uint64_t)0 : ((uint64_t)1 << nall) - 1, nall, &s0);
    count_ry(pl->angle, &ry);
    unsigned long k = pl->k, n = 2 * k + 1, r = pl->rotate ? n : 0;
    mpz_t w, x;
    mpz_inits(w, x, NULL);
#define FIELD(f, extra)                                                                                        \
    do {                                                                                                       \
        mpz_set(x, plain->f);                                                                                  \
        mpz_mul_ui(w, x, n);                                                                                   \
        mpz_addmul_ui(w, sg.f, k);                                                                             \
        mpz_addmul_ui(w, s0.f, k);                                                                             \
        mpz_addmul_ui(w, ry.f, r);                                                                             \
        extra;                                                                                                 \
        if (mpz_cmp(w, got->f) != 0)                                                                           \
            gmp_fprintf(stderr, "\n  count %s: built %Zd, formula %Zd\n", #f, got->f, w);                      \
        CU_ASSERT(mpz_cmp(w, got->f) == 0);                                                                    \
    } while (0)
    /* the non-gate operations happen once: post-selections (plus amp) and measurements */
    mpz_t ops;
    mpz_init(ops);
    mpz_add(ops, plain->other[RES_POSTSELECT], plain->other[RES_MEASURE]);
    for (int g = 0; g < GATE_COUNT; g++)
        FIELD(gate[g], (void)0);
    FIELD(t_count, (void)0);
    FIELD(rotations, (void)0);
    FIELD(ccz, (void)0);
    FIELD(clifford, (void)0);
    FIELD(total, (mpz_submul_ui(w, ops, n - 1), mpz_add_ui(w, w, pl->rotate)));
    FIELD(measurements, (mpz_set(w, plain->measurements), mpz_add_ui(w, w, pl->rotate)));
    FIELD(other[RES_POSTSELECT], (mpz_set(w, plain->other[RES_POSTSELECT]), mpz_add_ui(w, w, pl->rotate)));
    FIELD(other[RES_MEASURE], mpz_set(w, plain->other[RES_MEASURE]));
#undef FIELD
    CU_ASSERT_EQUAL(got->qubits, nall);
    mpz_clears(w, x, ops, NULL);
    res_clear(&sg), res_clear(&s0), res_clear(&ry);
}

/* ---- end to end through qrun_gd ---- */

static void run_gd(const char *text, double *P_out, unsigned *k_out)
{
    ProblemSet ps;
    GdProblem *p = unit_compile_gd(text, &ps);
    QRunOptions o = {.simulate = true, .amplify = AMPLIFY_EXACT};
    QRun r, r0;
    char *err = NULL;
    if (!qrun_gd(p, &o, &r, &err))
        fprintf(stderr, "\n  %s\n", err);
    CU_ASSERT_FATAL(r.amplified);
    /* the un-amplified run, for its kept read-out */
    QRunOptions o0 = {.simulate = true};
    CU_ASSERT_FATAL(qrun_gd(p, &o0, &r0, &err));
    ASSERT_CLOSE(r.amp.P, r0.post_product, 1e-12);
    ASSERT_CLOSE(r.amp_P_before, r0.post_product, 1e-12);
    ASSERT_CLOSE(r.amp_P_after, 1, 1e-9);
    CU_ASSERT(r.fid_amplify >= 1 - 1e-9);
    CU_ASSERT(r.fid_qpe >= 0.999 * r0.fid_qpe);
    ASSERT_CLOSE(r.fid_qpe, r0.fid_qpe, 1e-9);
    for (uint32_t i = 0; i < r.n; i++)
        ASSERT_CLOSE(r.u_state[i], r0.u_state[i], 1e-9);
    CU_ASSERT(r.err_total <= r.budget);
    CU_ASSERT_EQUAL(r.qs.c.nqubits, r0.qs.c.nqubits + (r.amp.rotate ? 1 : 0));
    check_counts(&r.qs, &r0.res, &r.res);
    /* res_plain is the un-amplified circuit's */
    CU_ASSERT(mpz_cmp(r.res_plain.ccz, r0.res.ccz) == 0);
    CU_ASSERT(mpz_cmp(r.res_plain.total, r0.res.total) == 0);
    /* the filtered solution's estimate is near the simulated P */
    CU_ASSERT(fabs(r.amp_P_ref / r.amp.P - 1) < 0.2);
    *P_out = r.amp.P;
    *k_out = r.amp.k;
    fprintf(stderr, "[%s, %u qubits: P = %.6g, P_ref = %.6g, k = %u, P after = %.12f, fidelity = %.12f, CCZ %lu -> %lu] ",
            p->name, r.qs.c.nqubits, r.amp.P, r.amp_P_ref, r.amp.k, r.amp_P_after, r.fid_amplify, mpz_get_ui(r0.res.ccz),
            mpz_get_ui(r.res.ccz));
    qrun_free(&r);
    qrun_free(&r0);
    problem_set_free(&ps);
}

static const char *TINY1 = "gd tiny1 {\n"
                           "    param u[1] = 0.5;\n"
                           "    eta = 0.2;\n"
                           "    T = 1;\n"
                           "    loss = u[0]^2/2 + 0.1*u[0]^3;\n"
                           "    options { carleman_order = 1; }\n"
                           "}\n";

static void test_tiny1(void)
{
    double P;
    unsigned k;
    run_gd(TINY1, &P, &k);
    CU_ASSERT(k >= 1);
}

static void test_two_parameters(void)
{
    static const char *Q2 = "gd q2 {\n"
                            "    param u[2] = [0.5, -0.3];\n"
                            "    eta = 0.2;\n"
                            "    T = 1;\n"
                            "    loss = (u[0]^2 + 2*u[1]^2)/2 + 0.3*u[0]^2*u[1] - 0.1*u[1]^3;\n"
                            "    options { carleman_order = 1; }\n"
                            "}\n";
    static const char *Q3 = "gd q3 {\n"
                            "    param w[3] = [0.4, -0.3, 0.2];\n"
                            "    eta = 0.2;\n"
                            "    T = 1;\n"
                            "    loss = w[0]^2/2 + w[1]^2 + 0.1*w[0]*w[1] + 0.7*w[2]^2 + 0.1*w[2]^3;\n"
                            "    options { carleman_order = 1; }\n"
                            "}\n";
    double P;
    unsigned k;
    run_gd(Q2, &P, &k);
    CU_ASSERT(k >= 1);
    run_gd(Q3, &P, &k);
    CU_ASSERT(k >= 1);
}

/* compile: P from the filtered solution; the same stage, measured at the end */
static void test_compile(void)
{
    ProblemSet ps;
    GdProblem *p = unit_compile_gd(TINY1, &ps);
    QRunOptions o = {.simulate = false, .measure = true, .amplify = AMPLIFY_EXACT};
    QRun r, r0;
    char *err = NULL;
    CU_ASSERT_FATAL(qrun_gd(p, &o, &r, &err));
    QRunOptions o0 = {.simulate = false, .measure = true};
    CU_ASSERT_FATAL(qrun_gd(p, &o0, &r0, &err));
    CU_ASSERT(r.amplified && isnan(r.amp_P_before));
    CU_ASSERT(r.amp_P_ref > 0 && r.amp_P_ref < 1);
    ASSERT_CLOSE(r.amp.P, r.amp_P_ref, 1e-15);
    check_counts(&r.qs, &r0.res, &r.res);
    qrun_free(&r);
    qrun_free(&r0);
    problem_set_free(&ps);
}

/* ---- random SPD systems through qsolve_build (no dilation) ---- */

static uint64_t rng_state = 0x5eedf00dULL;
static double urand(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

static void kept(const QSolve *q, const StateVec *sv, size_t dim, double _Complex *out)
{
    uint64_t mask = (uint64_t)1 << q->anc;
    if (q->amplified && q->amp_plan.rotate)
        mask |= (uint64_t)1 << q->amp;
    for (size_t i = 0; i < dim; i++)
        out[i] = sv->amp[dilation_solution_index(&q->dil, i) | mask];
}

static void test_random_spd(void)
{
    for (int trial = 0; trial < 4; trial++) {
        size_t n = trial < 3 ? 4 : 8;
        /* A = B Bᵀ + n·0.1 I, symmetric positive definite */
        double *B = xmalloc(n * n * sizeof *B), *A = xcalloc(n * n, sizeof *A), *b = xmalloc(n * sizeof *b);
        for (size_t i = 0; i < n * n; i++)
            B[i] = 2 * urand() - 1;
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++) {
                for (size_t l = 0; l < n; l++)
                    A[i * n + j] += B[i * n + l] * B[j * n + l];
                if (i == j)
                    A[i * n + j] += 0.1 * (double)n;
            }
        for (size_t i = 0; i < n; i++)
            b[i] = 2 * urand() - 1;
        SpBuilder sb;
        sp_builder_init(&sb, n, n);
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++)
                sp_push(&sb, i, j, A[i * n + j]);
        SpMat M;
        sp_builder_finish(&sb, &M);
        CU_ASSERT_FATAL(sp_is_symmetric(&M));
        QSolveOptions o = {.kappa0 = trial < 3 ? 6 + 4 * trial : 6, .precision = 0.01};
        QSolve q0, q1;
        char *err = NULL;
        CU_ASSERT_FATAL(qsolve_build(&M, b, &o, &q0, &err));
        CU_ASSERT(!q0.dil.dilated);
        SimRunResult rr;
        memset(&rr, 0, sizeof rr);
        StateVec *sv = sim_run_new(&q0.c, NULL, &rr, &err);
        CU_ASSERT_FATAL(sv != NULL);
        double P = rr.post_product;
        double _Complex *x0 = xmalloc(n * sizeof *x0), *x1 = xmalloc(n * sizeof *x1);
        kept(&q0, sv, n, x0);
        sim_destroy(sv);
        sim_run_result_free(&rr);
        AmplifyPlan pl;
        CU_ASSERT_FATAL(amplify_plan_exact(P, 4096, &pl, &err));
        o.amplify = &pl;
        CU_ASSERT_FATAL(qsolve_build(&M, b, &o, &q1, &err));
        memset(&rr, 0, sizeof rr);
        sv = sim_run_new(&q1.c, NULL, &rr, &err);
        CU_ASSERT_FATAL(sv != NULL);
        ASSERT_CLOSE(rr.post_product, 1, 1e-9);
        /* the group probabilities read by name: every group 1 after amplification */
        for (int g = 0; g < SPOST_COUNT; g++)
            ASSERT_CLOSE(solver_post_prob(&q1.solver, (SolverPostId)g, rr.post_prob, rr.npost), 1, 1e-9);
        kept(&q1, sv, n, x1);
        double _Complex ov = 0;
        double n0 = 0, n1 = 0;
        for (size_t i = 0; i < n; i++) {
            ov += conj(x0[i]) * x1[i];
            n0 += creal(x0[i] * conj(x0[i]));
            n1 += creal(x1[i] * conj(x1[i]));
        }
        double fid = cabs(ov) / sqrt(n0 * n1);
        CU_ASSERT(fid >= 1 - 1e-9);
        ResCounts c0, c1;
        res_init(&c0), res_init(&c1);
        res_count(&q0.c, &c0);
        res_count(&q1.c, &c1);
        check_counts(&q1, &c0, &c1);
        fprintf(stderr, "[spd n=%zu, %u qubits: P = %.6g, k = %u, P after = %.12f, fidelity = %.12f, CCZ %lu -> %lu] ", n, q1.c.nqubits, P,
                pl.k, rr.post_product, fid, mpz_get_ui(c0.ccz), mpz_get_ui(c1.ccz));
        res_clear(&c0), res_clear(&c1);
        sim_destroy(sv);
        sim_run_result_free(&rr);
        qsolve_free(&q0);
        qsolve_free(&q1);
        sp_free(&M);
        free(A), free(B), free(b), free(x0), free(x1);
    }
}

/* without the plan the circuit is the paper's: no `solve`, no amp */
static void test_default_unchanged(void)
{
    ProblemSet ps;
    GdProblem *p = unit_compile_gd(TINY1, &ps);
    QRunOptions o = {.simulate = false, .measure = true};
    QRun r;
    CU_ASSERT_FATAL(qrun_gd(p, &o, &r, NULL));
    CU_ASSERT(!r.amplified && !r.qs.amplified);
    for (size_t d = 0; d < r.qs.c.ndefs; d++) {
        CU_ASSERT(strcmp(r.qs.c.defs[d].name, "solve") != 0);
        CU_ASSERT(strcmp(r.qs.c.defs[d].name, "amplify_q") != 0);
    }
    CU_ASSERT(!r.qs.solver.post[SPOST_AMP].present);
    qrun_free(&r);
    problem_set_free(&ps);
}

void suite_amplify(void);
void suite_amplify(void)
{
    UNIT_SUITE("amplify", {"exact plan: k, lowered angle, P = 1", test_plan}, {"tiny1: run", test_tiny1},
               {"two and three parameters: run", test_two_parameters}, {"compile: P from the filtered solution", test_compile},
               {"random SPD systems through qsolve_build", test_random_spd},
               {"default: the paper's circuit", test_default_unchanged});
}
