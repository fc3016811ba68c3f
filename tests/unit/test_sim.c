/* test_sim.c — the simulator's kernel layer against a slow, obviously
 * correct reference: every gate is also built as a full 2^n × 2^n matrix
 * from Kronecker products of 2×2 factors (one per qubit, qubit 0 the last
 * factor) and applied by a plain matrix-vector product, on random states
 * of 3 to 6 qubits; amplitudes must agree within 1e-12. Each kernel test
 * runs twice, with the states below the parallel threshold and with the
 * threshold at 1 (every loop under OpenMP). Then measurement, marginals,
 * sampling statistics, thread-count independence, the memory guard,
 * misuse (ICE naming the function) and the text outputs. */
#include "unit.h"

#include <complex.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <omp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/statevec.h"
#include "support/diag.h"
#include "support/util.h"

#define TOL 1e-12
#define MAXN 16

static gsl_rng *rng;

/* ---- the dense reference ---- */

static const double complex I2[4] = {1, 0, 0, 1};
static const double complex P0[4] = {1, 0, 0, 0}; /* |0><0| */
static const double complex P1[4] = {0, 0, 0, 1}; /* |1><1| */
static const double complex E[2][2][4] = {{{1, 0, 0, 0}, {0, 1, 0, 0}}, {{0, 0, 1, 0}, {0, 0, 0, 1}}}; /* |r><c| */

/* A ⊗ B for square A (ra × ra) and B (rb × rb). */
static double complex *kron(const double complex *A, uint64_t ra, const double complex *B, uint64_t rb)
{
    uint64_t r = ra * rb;
    double complex *C = xmalloc(r * r * sizeof *C);
    for (uint64_t i1 = 0; i1 < ra; i1++)
        for (uint64_t j1 = 0; j1 < ra; j1++)
            for (uint64_t i2 = 0; i2 < rb; i2++)
                for (uint64_t j2 = 0; j2 < rb; j2++)
                    C[(i1 * rb + i2) * r + j1 * rb + j2] = A[i1 * ra + j1] * B[i2 * rb + j2];
    return C;
}

/* M += coeff · f[n−1] ⊗ … ⊗ f[0] (qubit q's factor acts on index bit q). */
static void add_term(double complex *M, int n, double complex coeff, const double complex *const *f)
{
    double complex *T = kron(f[n - 1], 2, I2, 1);
    uint64_t r = 2;
    for (int q = n - 2; q >= 0; q--) {
        double complex *U = kron(T, r, f[q], 2);
        free(T);
        T = U;
        r *= 2;
    }
    for (uint64_t i = 0; i < r * r; i++)
        M[i] += coeff * T[i];
    free(T);
}

static double complex *mat_zero(int n)
{
    uint64_t d = (uint64_t)1 << n;
    return xcalloc(d * d, sizeof(double complex));
}

/* The factors that select the firing control pattern, identity elsewhere. */
static void control_factors(int n, uint64_t ctrl, uint64_t neg, const double complex **f)
{
    for (int q = 0; q < n; q++)
        f[q] = !(ctrl >> q & 1) ? I2 : (neg >> q & 1) ? P0 : P1;
}

/* I − Pfire ⊗ I + Pfire ⊗ U on target. */
static double complex *ref_mc1q(int n, int target, uint64_t ctrl, uint64_t neg, const double complex U[4])
{
    double complex *M = mat_zero(n);
    const double complex *f[MAXN] = {0};
    control_factors(n, 0, 0, f);
    add_term(M, n, 1, f);
    control_factors(n, ctrl, neg, f);
    add_term(M, n, -1, f);
    f[target] = U;
    add_term(M, n, 1, f);
    return M;
}

/* Same with a 4×4 U on (q0, q1): U = Σ U[r][c] |r1 r0><c1 c0|. */
static double complex *ref_mc2q(int n, int q0, int q1, uint64_t ctrl, uint64_t neg, const double complex U[16])
{
    double complex *M = mat_zero(n);
    const double complex *f[MAXN] = {0};
    control_factors(n, 0, 0, f);
    add_term(M, n, 1, f);
    control_factors(n, ctrl, neg, f);
    add_term(M, n, -1, f);
    for (int r = 0; r < 4; r++)
        for (int c = 0; c < 4; c++) {
            f[q0] = E[r & 1][c & 1];
            f[q1] = E[r >> 1][c >> 1];
            add_term(M, n, U[4 * r + c], f);
        }
    return M;
}

/* I + (e^{iφ} − 1) ⊗_{q ∈ qubits} P_{fire}. */
static double complex *ref_mcphase(int n, uint64_t qubits, uint64_t neg, double phi)
{
    double complex *M = mat_zero(n);
    const double complex *f[MAXN] = {0};
    control_factors(n, 0, 0, f);
    add_term(M, n, 1, f);
    control_factors(n, qubits, neg, f);
    add_term(M, n, cexp(I * phi) - 1, f);
    return M;
}

/* Σ_c (⊗_j P_{bit j of c} on controls[j]) ⊗ U_c on target. */
static double complex *ref_uc(int n, int target, const int *controls, int k, const double complex *U)
{
    double complex *M = mat_zero(n);
    const double complex *f[MAXN] = {0};
    for (uint64_t c = 0; c < (uint64_t)1 << k; c++) {
        control_factors(n, 0, 0, f);
        for (int j = 0; j < k; j++)
            f[controls[j]] = (c >> j & 1) ? P1 : P0;
        f[target] = U + 4 * c;
        add_term(M, n, 1, f);
    }
    return M;
}

/* ---- states ---- */

static void random_amps(double complex *psi, uint64_t dim)
{
    double norm = 0;
    for (uint64_t i = 0; i < dim; i++) {
        psi[i] = gsl_ran_gaussian(rng, 1) + I * gsl_ran_gaussian(rng, 1);
        norm += creal(psi[i] * conj(psi[i]));
    }
    for (uint64_t i = 0; i < dim; i++)
        psi[i] /= sqrt(norm);
}

static StateVec *random_state(int n, double complex *psi_out)
{
    StateVec *sv = sim_create(n, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sv);
    random_amps(psi_out, sv->dim);
    sim_set_amplitudes(sv, psi_out, sv->dim);
    return sv;
}

static void random_matrix(double complex *m, int len)
{
    for (int j = 0; j < len; j++)
        m[j] = gsl_ran_gaussian(rng, 1) + I * gsl_ran_gaussian(rng, 1);
}

/* Applies M to psi in place. */
static void mat_apply(const double complex *M, double complex *psi, uint64_t dim)
{
    double complex *out = xmalloc(dim * sizeof *out);
    for (uint64_t r = 0; r < dim; r++) {
        double complex s = 0;
        for (uint64_t c = 0; c < dim; c++)
            s += M[r * dim + c] * psi[c];
        out[r] = s;
    }
    memcpy(psi, out, dim * sizeof *out);
    free(out);
}

static int nfailed;

/* The state against the reference amplitudes; prints the case once. */
static void expect_state(const StateVec *sv, const double complex *ref, const char *what, int n, int a, uint64_t b,
                         uint64_t c)
{
    double err = 0;
    for (uint64_t i = 0; i < sv->dim; i++)
        err = fmax(err, cabs(sv->amp[i] - ref[i]));
    if (!(err <= TOL) && nfailed++ < 10)
        fprintf(stderr, "\n  %s n=%d (%d, %#llx, %#llx): max error %.3g\n", what, n, a, (unsigned long long)b,
                (unsigned long long)c, err);
    CU_ASSERT(err <= TOL);
}

/* Applies M to psi and checks sv against it, then frees M. */
static void check(StateVec *sv, double complex *psi, double complex *M, const char *what, int n, int a, uint64_t b,
                  uint64_t c)
{
    mat_apply(M, psi, sv->dim);
    free(M);
    expect_state(sv, psi, what, n, a, b, c);
}

static uint64_t random_subset(uint64_t mask)
{
    uint64_t s = 0;
    for (int q = 0; q < 64; q++)
        if ((mask >> q & 1) && gsl_rng_uniform(rng) < 0.5)
            s |= (uint64_t)1 << q;
    return s;
}

/* The smallest state the dense tests use: 3, or 6 on the parallel pass
 * (thousands of tiny parallel regions are slow on a loaded machine, and
 * 6 qubits already put every loop shape under OpenMP). */
static int nmin = 3;

/* Each test gets a freshly seeded generator; the kernel tests run on the
 * serial and on the parallel path. */
static void with_rng(void (*body)(void), bool both_paths)
{
    rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 20240611);
    uint64_t saved = sim_parallel_min();
    body();
    if (both_paths) {
        sim_set_parallel_min(1);
        nmin = 6;
        body();
        nmin = 3;
        sim_set_parallel_min(saved);
    }
    gsl_rng_free(rng);
    rng = NULL;
}

/* ---- kernels vs the dense reference ---- */

static void body_1q(void)
{
    double complex psi[64], m[4];
    for (int n = nmin; n <= 6; n++)
        for (int t = 0; t < n; t++)
            for (int kind = 0; kind < 4; kind++) {
                StateVec *sv = random_state(n, psi);
                random_matrix(m, 4);
                if (kind == 1) /* real: the real kernel */
                    for (int j = 0; j < 4; j++)
                        m[j] = creal(m[j]);
                if (kind == 2) /* diagonal: the diagonal kernel */
                    m[1] = m[2] = 0;
                if (kind == 3) /* diagonal with a 1: touches half */
                    m[1] = m[2] = 0, m[t % 2 ? 0 : 3] = 1;
                sim_apply_1q(sv, t, m);
                check(sv, psi, ref_mc1q(n, t, 0, 0, m), "apply_1q", n, t, (uint64_t)kind, 0);
                sim_destroy(sv);
            }
}

/* Every control subset of the other qubits, a random half of them negative. */
static void body_mc1q(void)
{
    double complex psi[64], m[4];
    for (int n = nmin; n <= 6; n++)
        for (int t = 0; t < n; t++) {
            uint64_t others = (((uint64_t)1 << n) - 1) & ~((uint64_t)1 << t);
            for (uint64_t ctrl = 0; ctrl <= others; ctrl++) {
                if (ctrl & ~others)
                    continue;
                uint64_t neg = random_subset(ctrl);
                StateVec *sv = random_state(n, psi);
                random_matrix(m, 4);
                if (ctrl % 3 == 1)
                    for (int j = 0; j < 4; j++)
                        m[j] = creal(m[j]);
                sim_apply_mc1q(sv, t, ctrl, neg, m);
                check(sv, psi, ref_mc1q(n, t, ctrl, neg, m), "apply_mc1q", n, t, ctrl, neg);
                sim_destroy(sv);
            }
        }
}

static void body_diag(void)
{
    double complex psi[64];
    for (int n = nmin; n <= 6; n++)
        for (int t = 0; t < n; t++) {
            uint64_t others = (((uint64_t)1 << n) - 1) & ~((uint64_t)1 << t);
            for (int kind = 0; kind < 3; kind++)
                for (int rep = 0; rep < 6; rep++) {
                    uint64_t ctrl = rep == 0 ? 0 : random_subset(others), neg = random_subset(ctrl);
                    double complex d[4] = {cexp(I * gsl_rng_uniform(rng) * 6), 0, 0, cexp(I * gsl_rng_uniform(rng) * 6)};
                    if (kind == 1)
                        d[0] = 1;
                    if (kind == 2)
                        d[3] = 1;
                    StateVec *sv = random_state(n, psi);
                    if (ctrl == 0 && rep == 0)
                        sim_apply_diag1(sv, t, d[0], d[3]);
                    else
                        sim_apply_mcdiag1(sv, t, ctrl, neg, d[0], d[3]);
                    check(sv, psi, ref_mc1q(n, t, ctrl, neg, d), "apply_mcdiag1", n, t, ctrl, neg);
                    sim_destroy(sv);
                }
        }
}

static void body_mcphase(void)
{
    double complex psi[64];
    for (int n = nmin; n <= 6; n++)
        for (uint64_t qubits = 0; qubits < (uint64_t)1 << n; qubits++) {
            uint64_t neg = random_subset(qubits);
            double phi = 6 * gsl_rng_uniform(rng);
            StateVec *sv = random_state(n, psi);
            sim_apply_mcphase(sv, qubits, neg, phi);
            check(sv, psi, ref_mcphase(n, qubits, neg, phi), "apply_mcphase", n, 0, qubits, neg);
            sim_destroy(sv);
        }
}

static void body_perm(void)
{
    static const double complex X[4] = {0, 1, 1, 0};
    static const double complex SWAP[16] = {1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1};
    double complex psi[64];
    for (int n = nmin; n <= 6; n++)
        for (int t = 0; t < n; t++) {
            uint64_t tb = (uint64_t)1 << t, others = (((uint64_t)1 << n) - 1) & ~tb;
            StateVec *sv = random_state(n, psi);
            sim_apply_x(sv, t);
            check(sv, psi, ref_mc1q(n, t, 0, 0, X), "apply_x", n, t, 0, 0);
            for (int c = 0; c < n; c++) {
                if (c == t)
                    continue;
                sim_apply_cx(sv, c, t);
                check(sv, psi, ref_mc1q(n, t, (uint64_t)1 << c, 0, X), "apply_cx", n, t, (uint64_t)1 << c, 0);
                sim_apply_swap(sv, c, t);
                check(sv, psi, ref_mc2q(n, c, t, 0, 0, SWAP), "apply_swap", n, t, (uint64_t)1 << c, 0);
                for (int c2 = 0; c2 < n; c2++) {
                    if (c2 == t || c2 == c)
                        continue;
                    uint64_t cc = ((uint64_t)1 << c) | ((uint64_t)1 << c2);
                    sim_apply_ccx(sv, c, c2, t);
                    check(sv, psi, ref_mc1q(n, t, cc, 0, X), "apply_ccx", n, t, cc, 0);
                }
            }
            for (uint64_t ctrl = 0; ctrl <= others; ctrl++) {
                if (ctrl & ~others)
                    continue;
                uint64_t neg = random_subset(ctrl);
                sim_apply_mcx(sv, t, ctrl, neg);
                check(sv, psi, ref_mc1q(n, t, ctrl, neg, X), "apply_mcx", n, t, ctrl, neg);
                int q1 = (int)gsl_rng_uniform_int(rng, (unsigned long)n);
                if (q1 != t && !(ctrl >> q1 & 1)) {
                    sim_apply_mcswap(sv, t, q1, ctrl, neg);
                    check(sv, psi, ref_mc2q(n, t, q1, ctrl, neg, SWAP), "apply_mcswap", n, t, ctrl, neg);
                }
            }
            sim_destroy(sv);
        }
}

/* Every ordered pair of targets, uncontrolled and with random controls. */
static void body_2q(void)
{
    double complex psi[64], m[16];
    for (int n = nmin; n <= 6; n++)
        for (int q0 = 0; q0 < n; q0++)
            for (int q1 = 0; q1 < n; q1++) {
                if (q0 == q1)
                    continue;
                uint64_t others = (((uint64_t)1 << n) - 1) & ~((uint64_t)1 << q0) & ~((uint64_t)1 << q1);
                for (int rep = 0; rep < 3; rep++) {
                    uint64_t ctrl = rep == 0 ? 0 : random_subset(others), neg = random_subset(ctrl);
                    StateVec *sv = random_state(n, psi);
                    random_matrix(m, 16);
                    if (rep == 0)
                        sim_apply_2q(sv, q0, q1, m);
                    else
                        sim_apply_mc2q(sv, q0, q1, ctrl, neg, m);
                    check(sv, psi, ref_mc2q(n, q0, q1, ctrl, neg, m), "apply_mc2q", n, q0 * 8 + q1, ctrl, neg);
                    sim_destroy(sv);
                }
            }
}

/* Multiplexors: every target, control lists of every length in random
 * order (the order fixes which control is which bit of c). */
static void body_uc(void)
{
    double complex psi[64];
    for (int n = nmin; n <= 6; n++)
        for (int t = 0; t < n; t++)
            for (int k = 0; k < n; k++)
                for (int kind = 0; kind < 3; kind++) {
                    int pool[MAXN], np = 0, controls[MAXN];
                    for (int q = 0; q < n; q++)
                        if (q != t)
                            pool[np++] = q;
                    gsl_ran_shuffle(rng, pool, (size_t)np, sizeof *pool);
                    memcpy(controls, pool, (size_t)k * sizeof *controls);
                    uint64_t nc = (uint64_t)1 << k, mask = 0;
                    for (int j = 0; j < k; j++)
                        mask |= (uint64_t)1 << controls[j];
                    double complex *U = xmalloc(4 * nc * sizeof *U);
                    double *ang = xmalloc(nc * sizeof *ang);
                    StateVec *sv = random_state(n, psi);
                    for (uint64_t c = 0; c < nc; c++) {
                        double th = ang[c] = 8 * gsl_rng_uniform(rng) - 4;
                        if (kind == 0) { /* Ry */
                            U[4 * c] = cos(th / 2), U[4 * c + 1] = -sin(th / 2);
                            U[4 * c + 2] = sin(th / 2), U[4 * c + 3] = cos(th / 2);
                        } else if (kind == 1) { /* Rz */
                            U[4 * c] = cexp(-I * th / 2), U[4 * c + 1] = 0;
                            U[4 * c + 2] = 0, U[4 * c + 3] = cexp(I * th / 2);
                        } else {
                            random_matrix(U + 4 * c, 4);
                        }
                    }
                    if (kind == 0)
                        sim_apply_ucry(sv, t, controls, k, ang);
                    else if (kind == 1)
                        sim_apply_ucrz(sv, t, controls, k, ang);
                    else
                        sim_apply_uc1q(sv, t, controls, k, U);
                    check(sv, psi, ref_uc(n, t, controls, k, U), kind == 0 ? "apply_ucry" : kind == 1 ? "apply_ucrz" : "apply_uc1q",
                          n, t, mask, (uint64_t)k);
                    free(U);
                    free(ang);
                    sim_destroy(sv);
                }
}

static void test_1q(void) { with_rng(body_1q, true); }
static void test_mc1q(void) { with_rng(body_mc1q, true); }
static void test_diag(void) { with_rng(body_diag, true); }
static void test_mcphase(void) { with_rng(body_mcphase, true); }
static void test_perm(void) { with_rng(body_perm, true); }
static void test_2q(void) { with_rng(body_2q, true); }
static void test_uc(void) { with_rng(body_uc, true); }

/* ---- norm, and results independent of the path and thread count ---- */

/* A random circuit of every unitary kind, drawn from r. */
static void random_circuit(StateVec *sv, gsl_rng *r, int ngates)
{
    int n = sv->nqubits;
    for (int g = 0; g < ngates; g++) {
        int t = (int)gsl_rng_uniform_int(r, (unsigned long)n), u = (int)gsl_rng_uniform_int(r, (unsigned long)n);
        double th = 6 * gsl_rng_uniform(r), c = cos(th / 2), s = sin(th / 2);
        uint64_t others = (((uint64_t)1 << n) - 1) & ~((uint64_t)1 << t) & ~((uint64_t)1 << u);
        uint64_t ctrl = 0;
        for (int q = 0; q < n; q++)
            if ((others >> q & 1) && gsl_rng_uniform(r) < 0.15)
                ctrl |= (uint64_t)1 << q;
        double complex rot[4] = {c, -s * cexp(I * th), s * cexp(-I * th), c}; /* unitary */
        double complex h[4] = {sqrt(0.5), sqrt(0.5), sqrt(0.5), -sqrt(0.5)};
        switch (g % 8) {
        case 0: sim_apply_1q(sv, t, h); break;
        case 1: sim_apply_1q(sv, t, rot); break;
        case 2: sim_apply_mc1q(sv, t, ctrl, ctrl & 5, rot); break;
        case 3: sim_apply_diag1(sv, t, cexp(-I * th / 2), cexp(I * th / 2)); break;
        case 4: sim_apply_mcx(sv, t, ctrl | (u == t ? 0 : (uint64_t)1 << u), 0); break;
        case 5: sim_apply_mcphase(sv, ctrl | ((uint64_t)1 << t), 0, th); break;
        case 6:
            if (u != t) {
                double complex m[16] = {0};
                for (int j = 0; j < 4; j++)
                    m[5 * j] = cexp(I * th * j); /* diagonal, unitary */
                m[1] = m[0], m[0] = 0, m[4] = 1, m[5] = 0; /* swap |00>,|01> rows */
                sim_apply_2q(sv, t, u, m);
            }
            break;
        case 7: {
            int ctl[2] = {(t + 1) % n, (t + 2) % n};
            double ang[4] = {th, -th, 2 * th, 0.5};
            sim_apply_ucry(sv, t, ctl, 2, ang);
            break;
        }
        }
    }
}

static void body_norm_and_paths(void)
{
    const int n = 15;
    double complex *psi = xmalloc(((size_t)1 << n) * sizeof *psi);
    StateVec *a = sim_create(n, NULL), *b = sim_create(n, NULL);
    random_amps(psi, a->dim);
    sim_set_amplitudes(a, psi, a->dim);
    sim_set_amplitudes(b, psi, b->dim);
    uint64_t saved = sim_parallel_min();
    int threads = omp_get_max_threads();
    gsl_rng *r1 = gsl_rng_alloc(gsl_rng_mt19937), *r2 = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r1, 7);
    gsl_rng_set(r2, 7);
    sim_set_parallel_min((uint64_t)1 << 40); /* serial */
    random_circuit(a, r1, 200);
    sim_set_parallel_min(1);
    omp_set_num_threads(2);
    random_circuit(b, r2, 200);
    /* the same arithmetic on each amplitude: bitwise equal */
    CU_ASSERT(memcmp(a->amp, b->amp, a->dim * sizeof *a->amp) == 0);
    ASSERT_CLOSE(sim_norm2(b), 1.0, 1e-12);
    /* reductions: the same bits for any thread count */
    double p[3], n2[3], marg[3][8];
    int reg[3] = {14, 0, 7};
    for (int k = 0; k < 3; k++) {
        omp_set_num_threads(k + 1);
        p[k] = sim_prob_one(b, 3);
        n2[k] = sim_norm2(b);
        sim_probabilities(b, reg, 3, marg[k]);
    }
    CU_ASSERT(p[0] == p[1] && p[1] == p[2]);
    CU_ASSERT(n2[0] == n2[1] && n2[1] == n2[2]);
    CU_ASSERT(memcmp(marg[0], marg[1], sizeof marg[0]) == 0 && memcmp(marg[0], marg[2], sizeof marg[0]) == 0);
    uint64_t c1[8], c2[8];
    omp_set_num_threads(1);
    CU_ASSERT(sim_sample(b, reg, 3, 5000, 99, c1, NULL));
    omp_set_num_threads(2);
    CU_ASSERT(sim_sample(b, reg, 3, 5000, 99, c2, NULL));
    CU_ASSERT(memcmp(c1, c2, sizeof c1) == 0);
    omp_set_num_threads(threads);
    sim_set_parallel_min(saved);
    gsl_rng_free(r1);
    gsl_rng_free(r2);
    sim_destroy(a);
    sim_destroy(b);
    free(psi);
}

static void test_norm_and_paths(void) { with_rng(body_norm_and_paths, false); }

/* ---- measurement ---- */

static double direct_prob_one(const double complex *psi, uint64_t dim, int q)
{
    double s = 0;
    for (uint64_t i = 0; i < dim; i++)
        if (i >> q & 1)
            s += creal(psi[i] * conj(psi[i]));
    return s;
}

/* psi ← P_value psi / sqrt(p); with move, the kept half goes to bit 0. */
static void project(double complex *psi, uint64_t dim, int q, int value, double p, bool move)
{
    for (uint64_t i = 0; i < dim; i++)
        if ((int)(i >> q & 1) != value)
            psi[i] = 0;
        else
            psi[i] /= sqrt(p);
    if (move && value == 1)
        for (uint64_t i = 0; i < dim; i++)
            if (i >> q & 1) {
                psi[i & ~((uint64_t)1 << q)] = psi[i];
                psi[i] = 0;
            }
}

static void body_measure(void)
{
    double complex psi[64];
    for (int n = nmin; n <= 6; n++)
        for (int q = 0; q < n; q++) {
            StateVec *sv = random_state(n, psi);
            double p1 = direct_prob_one(psi, sv->dim, q);
            ASSERT_CLOSE(sim_prob_one(sv, q), p1, TOL);
            /* post-selection: branch probability and renormalised state */
            int v = (n + q) % 2;
            double pv = -1;
            char *err = NULL;
            CU_ASSERT(sim_postselect(sv, q, v, &pv, &err));
            CU_ASSERT_PTR_NULL(err);
            ASSERT_CLOSE(pv, v ? p1 : 1 - p1, TOL);
            project(psi, sv->dim, q, v, pv, false);
            expect_state(sv, psi, "postselect", n, q, (uint64_t)v, 0);
            ASSERT_CLOSE(sim_norm2(sv), 1, TOL);
            /* the other branch now has probability 0: refused, state kept */
            double p0 = -1;
            CU_ASSERT_FALSE(sim_postselect(sv, q, !v, &p0, &err));
            CU_ASSERT(p0 == 0);
            CU_ASSERT_PTR_NOT_NULL(err);
            if (err)
                CU_ASSERT_PTR_NOT_NULL(strstr(err, "probability 0"));
            free(err);
            expect_state(sv, psi, "postselect refused", n, q, (uint64_t)v, 0);
            sim_destroy(sv);

            /* measurement: the outcome's probability, then collapse */
            sv = random_state(n, psi);
            p1 = direct_prob_one(psi, sv->dim, q);
            double pm;
            int m = sim_measure(sv, q, rng, &pm);
            ASSERT_CLOSE(pm, m ? p1 : 1 - p1, TOL);
            project(psi, sv->dim, q, m, pm, false);
            expect_state(sv, psi, "measure", n, q, (uint64_t)m, 0);
            sim_destroy(sv);

            /* reset: measure, then move to |0> */
            sv = random_state(n, psi);
            p1 = direct_prob_one(psi, sv->dim, q);
            int r = sim_reset_qubit(sv, q, rng);
            project(psi, sv->dim, q, r, r ? p1 : 1 - p1, true);
            expect_state(sv, psi, "reset", n, q, (uint64_t)r, 0);
            CU_ASSERT(sim_prob_one(sv, q) == 0);
            sim_destroy(sv);
        }
}

/* An unnormalised state: probabilities are relative to its norm, and
 * measurement and post-selection leave it with norm 1. */
static void body_measure_unnormalised(void)
{
    double complex psi[16];
    random_amps(psi, 16);
    for (int i = 0; i < 16; i++)
        psi[i] *= 3;
    StateVec *sv = sim_create(4, NULL);
    sim_set_amplitudes(sv, psi, 16);
    double p1 = direct_prob_one(psi, 16, 2), pv;
    ASSERT_CLOSE(sim_prob_one(sv, 2), p1, TOL); /* unnormalised, as documented */
    CU_ASSERT(sim_postselect(sv, 2, 1, &pv, NULL));
    ASSERT_CLOSE(pv, p1 / 9, TOL);
    ASSERT_CLOSE(sim_norm2(sv), 1, TOL);
    sim_set_amplitudes(sv, psi, 16);
    int m = sim_measure(sv, 1, rng, &pv);
    ASSERT_CLOSE(pv, (m ? direct_prob_one(psi, 16, 1) : 9 - direct_prob_one(psi, 16, 1)) / 9, TOL);
    ASSERT_CLOSE(sim_norm2(sv), 1, TOL);
    sim_set_amplitudes(sv, psi, 16);
    sim_reset_qubit(sv, 3, rng);
    ASSERT_CLOSE(sim_norm2(sv), 1, TOL);
    sim_destroy(sv);
}

static void test_measure(void)
{
    with_rng(body_measure, true);
    with_rng(body_measure_unnormalised, false);
}

/* Outcome frequencies of sim_measure: |z| < 5.3 has a false-alarm rate
 * of 1e-7 for a correct implementation. */
static void body_measure_statistics(void)
{
    double complex psi[8] = {0};
    psi[0] = sqrt(0.7);
    psi[6] = sqrt(0.3) * I; /* qubit 1 and 2 are 1 with p = 0.3 */
    StateVec *sv = sim_create(3, NULL);
    const int N = 20000;
    int ones = 0;
    for (int k = 0; k < N; k++) {
        sim_set_amplitudes(sv, psi, 8);
        int m = sim_measure(sv, 2, rng, NULL);
        ones += m;
        ASSERT_CLOSE(sim_prob_one(sv, 1), m, 1e-12); /* the entangled partner collapsed */
    }
    double z = (ones - N * 0.3) / sqrt(N * 0.3 * 0.7);
    CU_ASSERT(fabs(z) < 5.3);
    sim_destroy(sv);
}

static void test_measure_statistics(void) { with_rng(body_measure_statistics, false); }

/* ---- marginals and sampling ---- */

static void direct_marginal(const double complex *psi, int n, const int *reg, int k, double *out)
{
    memset(out, 0, ((size_t)1 << k) * sizeof *out);
    for (uint64_t i = 0; i < (uint64_t)1 << n; i++) {
        uint64_t v = 0;
        for (int j = 0; j < k; j++)
            v |= (i >> reg[j] & 1) << j;
        out[v] += creal(psi[i] * conj(psi[i]));
    }
}

static void body_probabilities(void)
{
    /* n = 14 reaches both methods: histograms (k <= 12) and bin by bin */
    const int n = 14;
    double complex *psi = xmalloc(((size_t)1 << n) * sizeof *psi);
    double *got = xmalloc(((size_t)1 << n) * sizeof *got), *want = xmalloc(((size_t)1 << n) * sizeof *want);
    StateVec *sv = random_state(n, psi);
    int ks[] = {0, 1, 2, 3, 5, 12, 13, 14};
    for (size_t x = 0; x < sizeof ks / sizeof *ks; x++) {
        int k = ks[x], reg[MAXN], all[MAXN];
        for (int q = 0; q < n; q++)
            all[q] = q;
        gsl_ran_shuffle(rng, all, (size_t)n, sizeof *all);
        memcpy(reg, all, (size_t)k * sizeof *reg);
        sim_probabilities(sv, reg, k, got);
        direct_marginal(psi, n, reg, k, want);
        double err = 0;
        for (uint64_t v = 0; v < (uint64_t)1 << k; v++)
            err = fmax(err, fabs(got[v] - want[v]));
        CU_ASSERT(err <= TOL);
    }
    sim_destroy(sv);
    free(psi);
    free(got);
    free(want);
}

static void test_probabilities(void) { with_rng(body_probabilities, true); }

/* Pearson's chi-square against the marginal, with a false-alarm rate of
 * 1e-6 per call for a correct sampler (critical value from GSL). */
static void chi_square_check(const StateVec *sv, const int *reg, int k, uint64_t shots, unsigned long seed)
{
    uint64_t nb = (uint64_t)1 << k, *counts = xmalloc(nb * sizeof *counts);
    double *p = xmalloc(nb * sizeof *p);
    sim_probabilities(sv, reg, k, p);
    CU_ASSERT(sim_sample(sv, reg, k, shots, seed, counts, NULL));
    double chi2 = 0;
    uint64_t total = 0;
    int dof = -1;
    for (uint64_t v = 0; v < nb; v++) {
        total += counts[v];
        if (p[v] == 0) {
            CU_ASSERT(counts[v] == 0);
            continue;
        }
        double e = (double)shots * p[v];
        chi2 += ((double)counts[v] - e) * ((double)counts[v] - e) / e;
        dof++;
    }
    CU_ASSERT(total == shots);
    double crit = gsl_cdf_chisq_Qinv(1e-6, dof);
    if (!(chi2 < crit))
        fprintf(stderr, "\n  chi-square %.2f >= %.2f (dof %d)\n", chi2, crit, dof);
    CU_ASSERT(chi2 < crit);
    free(counts);
    free(p);
}

static void body_sampling(void)
{
    double complex psi[32];
    StateVec *sv = random_state(5, psi);
    int reg3[3] = {4, 1, 2}, all[5] = {0, 1, 2, 3, 4};
    chi_square_check(sv, reg3, 3, 200000, 1);
    chi_square_check(sv, all, 5, 200000, 2);
    /* a state with zero-probability outcomes never yields them */
    sim_reset_zero(sv);
    double complex h[4] = {sqrt(0.5), sqrt(0.5), sqrt(0.5), -sqrt(0.5)};
    sim_apply_1q(sv, 3, h);
    sim_apply_cx(sv, 3, 0);
    chi_square_check(sv, all, 5, 10000, 3);

    /* reproducible: same seed, same shots; counts agree with the shot list */
    sim_set_amplitudes(sv, psi, 32);
    uint64_t s1[1000], s2[1000], c[8] = {0}, c2[8];
    CU_ASSERT(sim_sample_shots(sv, reg3, 3, 1000, 42, s1, NULL));
    CU_ASSERT(sim_sample_shots(sv, reg3, 3, 1000, 42, s2, NULL));
    CU_ASSERT(memcmp(s1, s2, sizeof s1) == 0);
    for (int j = 0; j < 1000; j++) {
        CU_ASSERT(s1[j] < 8);
        c[s1[j] & 7]++;
    }
    CU_ASSERT(sim_sample(sv, reg3, 3, 1000, 42, c2, NULL));
    CU_ASSERT(memcmp(c, c2, sizeof c) == 0);
    CU_ASSERT(sim_sample_shots(sv, reg3, 3, 1000, 43, s2, NULL));
    CU_ASSERT(memcmp(s1, s2, sizeof s1) != 0);
    /* sampling leaves the state alone */
    expect_state(sv, psi, "sample", 5, 0, 0, 0);
    sim_destroy(sv);
}

static void test_sampling(void) { with_rng(body_sampling, false); }

/* ---- the memory guard ---- */

static void test_memory_guard(void)
{
    size_t saved = mem_budget();
    mem_set_budget((size_t)1 << 20); /* 1 MiB: 16 qubits fit exactly */
    char *err = NULL;
    StateVec *sv = sim_create(16, &err);
    CU_ASSERT_PTR_NOT_NULL(sv);
    CU_ASSERT_PTR_NULL(err);
    sim_destroy(sv);
    sv = sim_create(17, &err);
    CU_ASSERT_PTR_NULL(sv);
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "17 qubits needs 2.0 MiB"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "budget of 1.0 MiB"));
    free(err);
    err = NULL;
    sv = sim_create(80, &err); /* beyond the index arithmetic: still a message */
    CU_ASSERT_PTR_NULL(sv);
    CU_ASSERT_PTR_NOT_NULL(err);
    if (err)
        CU_ASSERT_PTR_NOT_NULL(strstr(err, "80 qubits needs"));
    free(err);
    /* err == NULL: the message goes to the diagnostics stream */
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    diag_set_stream(mem);
    CU_ASSERT_PTR_NULL(sim_create(20, NULL));
    diag_set_stream(NULL);
    fclose(mem);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "20 qubits needs 16.0 MiB"));
    free(buf);
    diag_reset();

    /* sampling tables: a 10-qubit register needs 40 KiB beside a 16 KiB state */
    mem_set_budget(48 << 10);
    sv = sim_create(10, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sv);
    int reg[10] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    uint64_t *counts = xmalloc(1024 * sizeof *counts);
    err = NULL;
    CU_ASSERT_FALSE(sim_sample(sv, reg, 10, 10, 1, counts, &err));
    CU_ASSERT_PTR_NOT_NULL(err);
    if (err)
        CU_ASSERT_PTR_NOT_NULL(strstr(err, "10-qubit register needs 40.0 KiB"));
    free(err);
    mem_set_budget(64 << 10);
    CU_ASSERT(sim_sample(sv, reg, 10, 10, 1, counts, NULL));
    CU_ASSERT(counts[0] == 10);
    free(counts);
    sim_destroy(sv);
    mem_set_budget(saved);
}

/* ---- misuse: an ICE that names the function ---- */

/* Runs fn in a child with stderr captured; true if it aborted with a
 * message containing needle. */
static bool dies_with(void (*fn)(void), const char *needle)
{
    int fd[2];
    if (pipe(fd) != 0)
        return false;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        dup2(fd[1], 2);
        fn();
        _exit(0);
    }
    close(fd[1]);
    char buf[2048];
    size_t len = 0;
    ssize_t got;
    while ((got = read(fd[0], buf + len, sizeof buf - 1 - len)) > 0)
        len += (size_t)got;
    buf[len] = 0;
    close(fd[0]);
    int status;
    waitpid(pid, &status, 0);
    bool ok = WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT && strstr(buf, needle) &&
              strstr(buf, "internal compiler error");
    if (!ok)
        fprintf(stderr, "\n  expected an ICE with '%s', got: %s", needle, buf);
    return ok;
}

static StateVec *small(void) { return sim_create(3, NULL); }
static void bad_target(void) { sim_apply_1q(small(), 3, I2); }
static void bad_cx(void) { sim_apply_cx(small(), 1, 1); }
static void bad_ccx(void) { sim_apply_ccx(small(), 0, 0, 2); }
static void bad_neg(void) { sim_apply_mcx(small(), 0, 2, 4); }
static void bad_overlap(void) { sim_apply_mc1q(small(), 1, 3, 0, I2); }
static void bad_mask(void) { sim_apply_mcphase(small(), 8, 0, 1.0); }
static void bad_count(void) { sim_set_amplitudes(small(), (const double complex *)I2, 4); }
static void bad_register(void)
{
    int reg[2] = {1, 1};
    double out[4];
    sim_probabilities(small(), reg, 2, out);
}
static void bad_uc(void)
{
    int ctl[1] = {0};
    double ang[2] = {0, 0};
    sim_apply_ucry(small(), 0, ctl, 1, ang);
}
static void bad_swap(void) { sim_apply_swap(small(), 2, 2); }
static void bad_value(void) { sim_postselect(small(), 0, 2, NULL, NULL); }
static void bad_null(void) { sim_apply_x(NULL, 0); }
static void bad_negative(void) { sim_create(-1, NULL); }
static void bad_dense(void)
{
    int t[2] = {0, 2};
    double complex m[16] = {0};
    sim_apply_mcdense(small(), t, 2, 4, 0, m);
}
static void bad_dense_twice(void)
{
    int t[2] = {1, 1};
    double complex m[16] = {0};
    sim_apply_mcdense(small(), t, 2, 0, 0, m);
}

static void test_misuse(void)
{
    CU_ASSERT(dies_with(bad_target, "sim_apply_1q: qubit 3 out of range for a 3-qubit state"));
    CU_ASSERT(dies_with(bad_cx, "sim_apply_cx: control mask 0x2 overlaps the target"));
    CU_ASSERT(dies_with(bad_ccx, "sim_apply_ccx: qubit 0 listed twice"));
    CU_ASSERT(dies_with(bad_neg, "sim_apply_mcx: negative-control mask 0x4 is not within"));
    CU_ASSERT(dies_with(bad_overlap, "sim_apply_mc1q: control mask 0x3 overlaps"));
    CU_ASSERT(dies_with(bad_mask, "sim_apply_mcphase: control mask 0x8 names qubits beyond"));
    CU_ASSERT(dies_with(bad_count, "sim_set_amplitudes: 4 amplitudes given for a 3-qubit state"));
    CU_ASSERT(dies_with(bad_register, "sim_probabilities: qubit 1 listed twice"));
    CU_ASSERT(dies_with(bad_uc, "sim_apply_ucry: control mask 0x1 overlaps"));
    CU_ASSERT(dies_with(bad_swap, "sim_apply_swap: qubit 2 listed twice"));
    CU_ASSERT(dies_with(bad_value, "sim_postselect: post-selection value 2"));
    CU_ASSERT(dies_with(bad_null, "sim_apply_x: state vector is NULL"));
    CU_ASSERT(dies_with(bad_negative, "sim_create: negative qubit count"));
    CU_ASSERT(dies_with(bad_dense, "sim_apply_mcdense: control mask 0x4 overlaps the target qubits 0x5"));
    CU_ASSERT(dies_with(bad_dense_twice, "sim_apply_mcdense: qubit 1 listed twice"));
}

/* ---- life cycle and text ---- */

static void test_lifecycle(void)
{
    StateVec *sv = sim_create(4, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sv);
    CU_ASSERT(((uintptr_t)sv->amp & 63) == 0);
    CU_ASSERT(sv->dim == 16 && sv->amp[0] == 1 && sim_norm2(sv) == 1);
    sim_set_basis(sv, 11);
    CU_ASSERT(sv->amp[11] == 1 && sv->amp[0] == 0 && sim_norm2(sv) == 1);
    CU_ASSERT(sim_prob_one(sv, 3) == 1 && sim_prob_one(sv, 2) == 0);
    sim_reset_zero(sv);
    CU_ASSERT(sv->amp[0] == 1 && sv->amp[11] == 0);
    int q[3] = {3, 0, 1};
    CU_ASSERT(sim_qubit_mask(sv, q, 3) == 11);
    sim_destroy(sv);
    sim_destroy(NULL);
    StateVec *z = sim_create(0, NULL); /* a 0-qubit state is the number 1 */
    CU_ASSERT(z && z->dim == 1 && z->amp[0] == 1);
    sim_destroy(z);
}

static char *capture(void (*fn)(FILE *, const StateVec *), const StateVec *sv)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    fn(fp, sv);
    fclose(fp);
    return buf;
}

static void dump_amps(FILE *fp, const StateVec *sv) { sim_dump_amplitudes(sv, fp, 1e-20); }
static void dump_probs(FILE *fp, const StateVec *sv)
{
    int reg[2] = {2, 0};
    sim_dump_probabilities(sv, reg, 2, fp, 1e-20);
}

static void test_dump_and_progress(void)
{
    StateVec *sv = sim_create(3, NULL);
    double complex h[4] = {sqrt(0.5), sqrt(0.5), sqrt(0.5), -sqrt(0.5)};
    sim_apply_1q(sv, 0, h);
    sim_apply_cx(sv, 0, 2);
    sim_apply_diag1(sv, 0, 1, I); /* |101> gets i */
    char *s = capture(dump_amps, sv);
    CU_ASSERT_STRING_EQUAL(s, "|000> 0.707106781187 0 0.5\n|101> 0 0.707106781187 0.5\n");
    free(s);
    s = capture(dump_probs, sv); /* register (q2, q0): value bits q0 q2 */
    CU_ASSERT_STRING_EQUAL(s, "|00> 0.5\n|11> 0.5\n");
    free(s);
    sim_destroy(sv);

    char bar[80];
    sim_progress_text(bar, sizeof bar, 450, 1000, 10);
    CU_ASSERT_STRING_EQUAL(bar, "[####......]  45%  450/1000");
    sim_progress_text(bar, sizeof bar, 7, 7, 4);
    CU_ASSERT_STRING_EQUAL(bar, "[####] 100%  7/7");
    sim_progress_text(bar, 6, 1, 2, 10); /* truncated, still terminated */
    CU_ASSERT(strlen(bar) == 5);
    sim_progress(0, 10); /* a short run never draws */
    sim_progress(10, 10);
}

void suite_sim(void);
void suite_sim(void)
{
    UNIT_SUITE("sim", {"1-qubit dense vs reference", test_1q}, {"controlled 1-qubit, every mask", test_mc1q},
               {"diagonal and controlled diagonal", test_diag}, {"multi-controlled phase", test_mcphase},
               {"permutations: x cx ccx mcx swap", test_perm}, {"2-qubit dense, every pair", test_2q},
               {"multiplexors ucry ucrz uc1q", test_uc}, {"norm, paths and thread counts", test_norm_and_paths},
               {"measure postselect reset", test_measure}, {"measurement statistics", test_measure_statistics},
               {"marginal probabilities", test_probabilities}, {"sampling chi-square and seeds", test_sampling},
               {"memory guard", test_memory_guard}, {"misuse is an ICE naming the function", test_misuse},
               {"life cycle", test_lifecycle}, {"dumps and progress bar", test_dump_and_progress});
}
