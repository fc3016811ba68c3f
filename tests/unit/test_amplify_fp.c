/* test_amplify_fp.c — fixed-point amplitude amplification of the
 * post-selected solver (passes/amplify.h; Yoder, Low, Chuang 2014),
 * checked by simulation against the un-amplified solver:
 *   - the plan: L = 2l + 1 the least odd integer ≥ acosh(1/δ)/atanh(√w)
 *     (one iterate fewer breaks the guarantee at P = w), at most the
 *     paper's ln(2/δ)/√w rounded up to odd, equal to the estimator's
 *     amplify_fixed_point_calls; the closed form
 *     P_L(P) = 1 − δ²·T_L(√(1−P)/γ)² ≥ 1 − δ² for every P ≥ w; refusals;
 *   - the phases on a two-level system (A a complex rotation): the
 *     sequence G(α_l, β_l)···G(α_1, β_1)·A|0⟩ reaches exactly P_L(P) for P
 *     over four decades, and a relative sign flip or the phases in reverse
 *     order do not (so a test fails if the phases are wrong);
 *   - on tiny1, two- and three-parameter gd problems (pass_carleman,
 *     pass_unroll, qsolve_build) and random SPD systems (n = 4): with
 *     w = the simulated P, P/4 and P/20 and δ = 0.1, 0.01, the amplified
 *     circuit's success probability equals P_L(P) to 1e-9 and is
 *     ≥ 1 − δ², every post-selection group is ≥ 1 − δ², the kept state
 *     equals the un-amplified one up to a phase (fidelity ≥ 0.999999),
 *     and its counts equal L·(the un-amplified solve) + Σ_j (S_t(β_j) +
 *     S0(α_j)) + the same post-selections, each reflection counted on its
 *     own from the registers (not by amplify.c). */
#include "unit.h"

#include <complex.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/resources.h"
#include "passes/amplify.h"
#include "passes/carleman.h"
#include "passes/qsolve.h"
#include "passes/unroll.h"
#include "sim/exec.h"
#include "support/consts.h"
#include "support/util.h"

static double cheb(double L, double x) { return x <= 1 ? cos(L * acos(x)) : cosh(L * acosh(x)); }

/* 1 − δ²·T_L(T_{1/L}(1/δ)·√(1 − P))², written out from the paper */
static double closed_form(double L, double delta, double P)
{
    double t = cheb(L, cosh(acosh(1 / delta) / L) * sqrt(1 - P));
    return 1 - delta * delta * t * t;
}

static void test_plan(void)
{
    double ws[] = {1e-8, 1e-6, 1e-4, 3e-3, 0.0107, 0.05, 0.2148, 0.5, 0.9, 0.99, 1};
    double deltas[] = {0.3, 0.1, 0.01, 1e-3};
    for (size_t i = 0; i < sizeof ws / sizeof *ws; i++)
        for (size_t d = 0; d < sizeof deltas / sizeof *deltas; d++) {
            double w = ws[i], delta = deltas[d];
            AmplifyPlan pl;
            char *err = NULL;
            CU_ASSERT_FATAL(amplify_plan_fixed_point(w, delta, 1u << 30, &pl, &err));
            CU_ASSERT_EQUAL(pl.mode, AMPLIFY_FIXED_POINT);
            uint64_t L = pl.solves;
            CU_ASSERT_EQUAL(L % 2, 1);
            CU_ASSERT_EQUAL(L, 2 * (uint64_t)pl.k + 1);
            CU_ASSERT(!pl.rotate);
            CU_ASSERT_EQUAL(amplify_fixed_point_calls(w, delta), (double)L);
            double bound = w < 1 ? acosh(1 / delta) / atanh(sqrt(w)) : 0;
            CU_ASSERT((double)L >= bound);
            CU_ASSERT(L == 1 || (double)(L - 2) < bound);
            /* never more than the paper's L ≥ ln(2/δ)/√w (rounded up to odd) */
            double paper = ceil(log(2 / delta) / sqrt(w));
            if (fmod(paper, 2) == 0)
                paper += 1;
            CU_ASSERT((double)L <= fmax(paper, 1));
            ASSERT_CLOSE(1 / pl.gamma, cosh(acosh(1 / delta) / (double)L), 1e-14);
            ASSERT_CLOSE(pl.P_guaranteed, 1 - delta * delta, 1e-15);
            ASSERT_CLOSE(pl.P_predicted, closed_form((double)L, delta, w), 1e-12);
            /* the guarantee: every P ≥ w */
            for (int s = 0; s <= 200; s++) {
                double P = w + (1 - w) * s / 200.0;
                double got = amplify_plan_success(&pl, P);
                ASSERT_CLOSE(got, closed_form((double)L, delta, P), 1e-9);
                CU_ASSERT(got >= 1 - delta * delta - 1e-12);
            }
            /* L is the least: two calls fewer miss 1 − δ² at P = w */
            if (L > 1) {
                AmplifyPlan fewer = pl;
                fewer.solves = L - 2;
                fewer.k = pl.k - 1;
                fewer.gamma = 1 / cosh(acosh(1 / delta) / (double)(L - 2));
                CU_ASSERT(amplify_plan_success(&fewer, w) < 1 - delta * delta);
            }
            /* phases: α_j = −β_{l−j+1}, in (−π, π] */
            for (unsigned j = 1; j <= pl.k && j <= 50; j++) {
                double a = amplify_fp_alpha(&pl, j);
                CU_ASSERT(a > -QGD_PI && a <= QGD_PI);
                ASSERT_CLOSE(amplify_fp_beta(&pl, pl.k - j + 1), -a, 1e-15);
            }
        }
    /* w ≥ 1 − δ²: no iterate, the solve alone already succeeds often enough */
    AmplifyPlan pl;
    CU_ASSERT(amplify_plan_fixed_point(0.995, 0.1, 10, &pl, NULL));
    CU_ASSERT_EQUAL(pl.k, 0);
    CU_ASSERT_EQUAL(pl.solves, 1);
    /* refusals */
    char *err = NULL;
    CU_ASSERT(!amplify_plan_fixed_point(0, 0.1, 100, &pl, &err));
    CU_ASSERT(err && strstr(err, "(0, 1]"));
    free(err), err = NULL;
    CU_ASSERT(!amplify_plan_fixed_point(1.5, 0.1, 100, &pl, &err));
    free(err), err = NULL;
    CU_ASSERT(!amplify_plan_fixed_point(0.1, 0, 100, &pl, &err));
    CU_ASSERT(err && strstr(err, "tolerance"));
    free(err), err = NULL;
    CU_ASSERT(!amplify_plan_fixed_point(0.1, 1, 100, &pl, &err));
    free(err), err = NULL;
    CU_ASSERT(!amplify_plan_fixed_point(1e-8, 0.1, 100, &pl, &err));
    CU_ASSERT(err && strstr(err, "limit of 100"));
    free(err), err = NULL;
    CU_ASSERT(isnan(amplify_fixed_point_calls(0, 0.1)));
    CU_ASSERT(isnan(amplify_fixed_point_calls(0.1, 1)));
    /* figures quoted in docs/amplify.md: w = 1e-4, δ = 0.01: bound 529.8 (paper's 529.8), L = 531;
     * w = 0.05, δ = 0.1: bound 13.1 (paper's 13.4), L = 15 */
    CU_ASSERT_EQUAL(amplify_fixed_point_calls(1e-4, 0.01), 531);
    CU_ASSERT_EQUAL(amplify_fixed_point_calls(0.05, 0.1), 15);
    /* the exact plan is marked exact and its success is its prediction */
    CU_ASSERT_FATAL(amplify_plan_exact(0.2148, 100, &pl, NULL));
    CU_ASSERT_EQUAL(pl.mode, AMPLIFY_EXACT);
    ASSERT_CLOSE(amplify_plan_success(&pl, 0.2148), pl.P_predicted, 1e-12);
    ASSERT_CLOSE(amplify_plan_success(&pl, 0.2148), 1, 1e-12);
}

/* ---- the phases on a two-level system ---- */

/* the success probability of G(α_l,β_l)···G(α_1,β_1)·A|0⟩, A|0⟩ = a|0⟩ + b|1⟩
 * with |1⟩ good, |b|² = P; sa, sb: the signs the phases enter with
 * (1, 1 as amplify.h), rev: the iterates in reverse order */
static double two_level(const AmplifyPlan *pl, double P, double phase, int sa, int sb, bool rev)
{
    double _Complex a = sqrt(1 - P) * cexp(I * 0.3), b = sqrt(P) * cexp(I * phase);
    /* A = [[a, −b*], [b, a*]] */
    double _Complex x0 = a, x1 = b;
    for (unsigned i = 1; i <= pl->k; i++) {
        unsigned j = rev ? pl->k - i + 1 : i;
        x1 *= cexp(I * sb * amplify_fp_beta(pl, j));                     /* S_t(β) */
        double _Complex y0 = conj(a) * x0 + conj(b) * x1, y1 = -b * x0 + a * x1; /* A† */
        y0 *= cexp(-I * sa * amplify_fp_alpha(pl, j));                   /* S0(α) */
        x0 = -(a * y0 - conj(b) * y1), x1 = -(b * y0 + conj(a) * y1);    /* −A */
    }
    return creal(x1 * conj(x1));
}

static void test_phases(void)
{
    double deltas[] = {0.1, 0.01};
    double Ps[] = {1e-4, 1e-3, 0.01, 0.05, 0.2148, 0.5};
    double factors[] = {1, 4, 20};
    for (size_t d = 0; d < 2; d++)
        for (size_t i = 0; i < sizeof Ps / sizeof *Ps; i++)
            for (size_t f = 0; f < 3; f++) {
                double P = Ps[i], delta = deltas[d];
                AmplifyPlan pl;
                CU_ASSERT_FATAL(amplify_plan_fixed_point(P / factors[f], delta, 1u << 20, &pl, NULL));
                double want = closed_form((double)pl.solves, delta, P);
                double got = two_level(&pl, P, 1.1 + (double)i, 1, 1, false);
                ASSERT_CLOSE(got, want, 1e-9);
                CU_ASSERT(got >= 1 - delta * delta - 1e-12);
                if (pl.k >= 2) {
                    /* wrong conventions: one sign flipped, or the order reversed */
                    CU_ASSERT(two_level(&pl, P, 0.7, -1, 1, false) < 1 - delta * delta);
                    CU_ASSERT(two_level(&pl, P, 0.7, 1, -1, false) < 1 - delta * delta);
                    CU_ASSERT(fabs(two_level(&pl, P, 0.7, 1, 1, true) - want) > 1e-6);
                }
                /* both signs flipped together: the complex conjugate, the same probability */
                ASSERT_CLOSE(two_level(&pl, P, 0.0, -1, -1, false), want, 1e-9);
            }
}

/* ---- the circuit, by simulation ---- */

/* the counts of one multi-controlled phase e^{iθ} on nq qubits, negative
 * controls where neg has a bit */
static void count_phase(uint32_t nq, const uint32_t *q, uint64_t neg, double theta, uint32_t width, ResCounts *r)
{
    Circuit c;
    circuit_init(&c);
    circuit_qreg(&c, "q", width);
    circ_cgate(&c, &c.main, GATE_GPHASE, nq, q, &theta)->negctrl = neg;
    CU_ASSERT_FATAL(circuit_verify(&c));
    res_count(&c, r);
    circuit_free(&c);
}

/* want = L·(plain − its post-selections and measurements) + plain's
 * post-selections and measurements + Σ_j (S_t(β_j) + S0(α_j)), field by
 * field (every additive count). */
static void check_counts(const QSolve *amp, const ResCounts *plain, const ResCounts *got)
{
    const AmplifyPlan *pl = &amp->amp_plan;
    uint32_t nall = amp->c.nqubits;
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
    uint32_t all[64];
    for (uint32_t i = 0; i < nall; i++)
        all[i] = i;
    uint64_t neg0 = nall == 64 ? ~(uint64_t)0 : ((uint64_t)1 << nall) - 1;
    ResCounts refl;
    res_init(&refl);
    mpz_t ops;
    mpz_init(ops);
    unsigned long L = (unsigned long)pl->solves;
    mpz_add(ops, plain->other[RES_POSTSELECT], plain->other[RES_MEASURE]);
    /* Σ_j of both reflections, each with its own angle */
    ResCounts sum;
    res_init(&sum);
    for (unsigned j = 1; j <= pl->k; j++) {
        ResCounts st, s0;
        res_init(&st), res_init(&s0);
        count_phase(ng, gq, neg, amplify_fp_beta(pl, j), nall, &st);
        count_phase(nall, all, neg0, -amplify_fp_alpha(pl, j), nall, &s0);
#define ADD(f) (mpz_add(sum.f, sum.f, st.f), mpz_add(sum.f, sum.f, s0.f))
        for (int g = 0; g < GATE_COUNT; g++)
            ADD(gate[g]);
        ADD(t_count), ADD(rotations), ADD(ccz), ADD(clifford), ADD(total);
#undef ADD
        res_clear(&st), res_clear(&s0);
    }
    mpz_t w;
    mpz_init(w);
#define FIELD(f, extra)                                                                                        \
    do {                                                                                                       \
        mpz_mul_ui(w, plain->f, L);                                                                            \
        mpz_add(w, w, sum.f);                                                                                  \
        extra;                                                                                                 \
        if (mpz_cmp(w, got->f) != 0)                                                                           \
            gmp_fprintf(stderr, "\n  count %s: built %Zd, formula %Zd\n", #f, got->f, w);                      \
        CU_ASSERT(mpz_cmp(w, got->f) == 0);                                                                    \
    } while (0)
    for (int g = 0; g < GATE_COUNT; g++)
        FIELD(gate[g], (void)0);
    FIELD(t_count, (void)0);
    FIELD(rotations, (void)0);
    FIELD(ccz, (void)0);
    FIELD(clifford, (void)0);
    FIELD(total, mpz_submul_ui(w, ops, L - 1));
    FIELD(measurements, mpz_set(w, plain->measurements));
    FIELD(other[RES_POSTSELECT], mpz_set(w, plain->other[RES_POSTSELECT]));
    FIELD(other[RES_MEASURE], mpz_set(w, plain->other[RES_MEASURE]));
#undef FIELD
    CU_ASSERT_EQUAL(got->qubits, nall);
    CU_ASSERT_EQUAL(got->qubits, plain->qubits); /* no amp qubit */
    mpz_clears(w, ops, NULL);
    res_clear(&sum);
    res_clear(&refl);
}

/* the kept branch: solution entry i at dilation_solution_index(i), anc = 1 */
static void kept(const QSolve *q, const StateVec *sv, size_t dim, double _Complex *out)
{
    uint64_t mask = (uint64_t)1 << q->anc;
    for (size_t i = 0; i < dim; i++)
        out[i] = sv->amp[dilation_solution_index(&q->dil, i) | mask];
}

static double fidelity(const double _Complex *x0, const double _Complex *x1, size_t n)
{
    double _Complex ov = 0;
    double n0 = 0, n1 = 0;
    for (size_t i = 0; i < n; i++) {
        ov += conj(x0[i]) * x1[i];
        n0 += creal(x0[i] * conj(x0[i]));
        n1 += creal(x1[i] * conj(x1[i]));
    }
    return cabs(ov) / sqrt(n0 * n1);
}

typedef struct Case {
    double delta, factor; /* w = P / factor */
} Case;

/* The un-amplified solver of M x = b, simulated for P and its kept state,
 * then each case's fixed-point circuit: success, groups, fidelity, counts. */
static void check_system(const char *name, const SpMat *M, const double *b, size_t dim, QSolveOptions o,
                         const Case *cases, size_t ncases)
{
    QSolve q0;
    char *err = NULL;
    o.amplify = NULL;
    bool built = qsolve_build(M, b, &o, &q0, &err);
    if (!built)
        fprintf(stderr, "\n  %s\n", err);
    CU_ASSERT_FATAL(built);
    SimRunResult rr;
    memset(&rr, 0, sizeof rr);
    StateVec *sv = sim_run_new(&q0.c, NULL, &rr, &err);
    CU_ASSERT_FATAL(sv != NULL);
    double P = rr.post_product;
    double _Complex *x0 = xmalloc(dim * sizeof *x0), *x1 = xmalloc(dim * sizeof *x1);
    kept(&q0, sv, dim, x0);
    sim_destroy(sv);
    sim_run_result_free(&rr);
    ResCounts c0;
    res_init(&c0);
    res_count(&q0.c, &c0);
    fprintf(stderr, "\n    [%s, %u qubits, P = %.6g, CCZ %lu per solve]", name, q0.c.nqubits, P, mpz_get_ui(c0.ccz));
    for (size_t i = 0; i < ncases; i++) {
        double delta = cases[i].delta, w = P / cases[i].factor;
        AmplifyPlan pl;
        CU_ASSERT_FATAL(amplify_plan_fixed_point(w, delta, 4096, &pl, &err));
        QSolve q1;
        o.amplify = &pl;
        CU_ASSERT_FATAL(qsolve_build(M, b, &o, &q1, &err));
        CU_ASSERT(q1.amplified && q1.amp_plan.mode == AMPLIFY_FIXED_POINT);
        CU_ASSERT_EQUAL(q1.c.nqubits, q0.c.nqubits);
        memset(&rr, 0, sizeof rr);
        sv = sim_run_new(&q1.c, NULL, &rr, &err);
        CU_ASSERT_FATAL(sv != NULL);
        double want = amplify_plan_success(&pl, P);
        ASSERT_CLOSE(rr.post_product, want, 1e-9);
        ASSERT_CLOSE(rr.post_product, closed_form((double)pl.solves, delta, P), 1e-9);
        CU_ASSERT(rr.post_product >= 1 - delta * delta - 1e-9);
        for (int g = 0; g < SPOST_COUNT; g++)
            if (q1.solver.post[g].present)
                CU_ASSERT(solver_post_prob(&q1.solver, (SolverPostId)g, rr.post_prob, rr.npost) >=
                          1 - delta * delta - 1e-9);
        CU_ASSERT(!q1.solver.post[SPOST_AMP].present);
        kept(&q1, sv, dim, x1);
        double fid = fidelity(x0, x1, dim);
        CU_ASSERT(fid >= 0.999999);
        ResCounts c1;
        res_init(&c1);
        res_count(&q1.c, &c1);
        check_counts(&q1, &c0, &c1);
        fprintf(stderr, "\n      delta = %g, w = P/%g: L = %llu, P after = %.9f (closed form %.9f, >= %.4f), "
                        "fidelity = %.12f, CCZ %lu",
                delta, cases[i].factor, (unsigned long long)pl.solves, rr.post_product, want, 1 - delta * delta, fid,
                mpz_get_ui(c1.ccz));
        res_clear(&c1);
        sim_destroy(sv);
        sim_run_result_free(&rr);
        qsolve_free(&q1);
    }
    res_clear(&c0);
    qsolve_free(&q0);
    free(x0), free(x1);
}

/* a gd problem through pass_carleman and pass_unroll, with qrun's defaults
 * (κ0, precision and clock bits of the problem's options) */
static void check_gd(const char *text, const Case *cases, size_t ncases)
{
    ProblemSet ps;
    GdProblem *p = unit_compile_gd(text, &ps);
    Carleman cm;
    LinSystem s;
    memset(&s, 0, sizeof s);
    char *err = NULL;
    CU_ASSERT_FATAL(pass_carleman(p, &cm, &err));
    CU_ASSERT_FATAL(pass_unroll(&cm, &s, &err));
    QSolveOptions o = {.kappa0 = options_kappa0(&p->opt, 0, p->T), .clock_bits = (unsigned)p->opt.clock_bits,
                       .precision = p->opt.precision};
    check_system(p->name, &s.M, s.rhs, s.dim_sz, o, cases, ncases);
    lin_system_free(&s);
    carleman_free(&cm);
    problem_set_free(&ps);
}

static const Case ALL[] = {{0.1, 1}, {0.1, 4}, {0.1, 20}, {0.01, 1}, {0.01, 4}, {0.01, 20}};

static void test_tiny1(void)
{
    check_gd("gd tiny1 {\n"
             "    param u[1] = 0.5;\n"
             "    eta = 0.2;\n"
             "    T = 1;\n"
             "    loss = u[0]^2/2 + 0.1*u[0]^3;\n"
             "    options { carleman_order = 1; }\n"
             "}\n",
             ALL, sizeof ALL / sizeof *ALL);
}

static void test_two_three_parameters(void)
{
    static const Case q2c[] = {{0.1, 1}, {0.1, 20}, {0.01, 4}};
    check_gd("gd q2 {\n"
             "    param u[2] = [0.5, -0.3];\n"
             "    eta = 0.2;\n"
             "    T = 1;\n"
             "    loss = (u[0]^2 + 2*u[1]^2)/2 + 0.3*u[0]^2*u[1] - 0.1*u[1]^3;\n"
             "    options { carleman_order = 1; }\n"
             "}\n",
             q2c, sizeof q2c / sizeof *q2c);
    static const Case q3c[] = {{0.1, 4}, {0.01, 1}};
    check_gd("gd q3 {\n"
             "    param w[3] = [0.4, -0.3, 0.2];\n"
             "    eta = 0.2;\n"
             "    T = 1;\n"
             "    loss = w[0]^2/2 + w[1]^2 + 0.1*w[0]*w[1] + 0.7*w[2]^2 + 0.1*w[2]^3;\n"
             "    options { carleman_order = 1; }\n"
             "}\n",
             q3c, sizeof q3c / sizeof *q3c);
}

static uint64_t rng_state = 0x5eedf00dULL;
static double urand(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

/* random SPD systems (the n = 4 ones of test_amplify.c): A = B Bᵀ + 0.4·I
 * (its n = 8 system takes half a minute to simulate at L = 17) */
static void test_random_spd(void)
{
    static const Case cases[3][2] = {{{0.1, 1}, {0.01, 20}}, {{0.1, 20}, {0.01, 1}}, {{0.1, 4}, {0.01, 4}}};
    const size_t n = 4;
    for (int trial = 0; trial < 3; trial++) {
        double B[16], A[16] = {0}, b[4];
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
        QSolveOptions o = {.kappa0 = 6 + 4 * trial, .precision = 0.01};
        check_system("spd n=4", &M, b, n, o, cases[trial], 2);
        sp_free(&M);
    }
}

void suite_amplify_fp(void);
void suite_amplify_fp(void)
{
    UNIT_SUITE("amplify_fp", {"plan: least odd L, guarantee for every P >= w, refusals", test_plan},
               {"phases on a two-level system, wrong conventions fail", test_phases},
               {"tiny1: w = P, P/4, P/20, delta = 0.1, 0.01", test_tiny1},
               {"two and three parameters", test_two_three_parameters},
               {"random SPD systems through qsolve_build", test_random_spd});
}
