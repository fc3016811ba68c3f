/* test_qpe.c — the QFT, phase estimation and the filtered inversion
 * (passes/qpe.h, passes/invert.h), run by the executor and compared with
 * closed forms: the DFT matrix, the QPE amplitude formula
 *     a_j(φ) = 2^(−p) Σ_k e^{2πik(φ − j/2^p)},
 * and the rotation angles of Theorem II.4. */
#include "unit.h"
#include "support/consts.h"

#include <complex.h>
#include <stdlib.h>

#include "passes/invert.h"
#include "passes/qpe.h"
#include "sim/exec.h"
#include "sim/statevec.h"


static void test_qft_matrix(void)
{
    for (unsigned p = 1; p <= 5; p++) {
        uint64_t n = (uint64_t)1 << p;
        Circuit c;
        circuit_init(&c);
        circuit_qreg(&c, "q", p);
        uint32_t d = qft_def(&c, "qft", p);
        uint32_t q[8];
        for (unsigned k = 0; k < p; k++)
            q[k] = k;
        circ_call(&c, &c.main, d, 0, q);
        CU_ASSERT(circuit_verify(&c));
        double maxerr = 0;
        for (uint64_t j = 0; j < n; j++) {
            StateVec *sv = sim_create((int)p, NULL);
            sim_set_basis(sv, j);
            CU_ASSERT_FATAL(sim_run(&c, sv, NULL, NULL, NULL));
            for (uint64_t k = 0; k < n; k++) {
                double _Complex want = cexp(I * (2 * QGD_PI) * (double)(j * k % n) / (double)n) / sqrt((double)n);
                double e = cabs(sv->amp[k] - want);
                maxerr = e > maxerr ? e : maxerr;
            }
            sim_destroy(sv);
        }
        ASSERT_CLOSE(maxerr, 0, 1e-12);
        circuit_free(&c);
    }
}

/* QPE of U = p(2πφ) on one qubit in |1⟩ (eigenvalue e^{2πiφ}): the clock
 * distribution against |a_j(φ)|², for integer and non-integer 2^p φ. */
static void test_qpe_distribution(void)
{
    const double phis[] = {0.0, 0.25, 5.0 / 16, 0.3, 0.77, 0.999};
    for (unsigned p = 1; p <= 6; p++)
        for (size_t t = 0; t < sizeof phis / sizeof *phis; t++) {
            double phi = phis[t];
            Circuit c;
            circuit_init(&c);
            uint32_t clock = circuit_qreg(&c, "clock", p), tq = circuit_qreg(&c, "t", 1);
            uint32_t u = circuit_def(&c, "u", 1, NULL), z = 0;
            double ang = (2 * QGD_PI) * phi;
            circ_gate(&c, circuit_def_body(&c, u), GATE_P, &z, &ang);
            uint32_t qpe = pass_qpe(&c, u, p, false);
            circ_gate(&c, &c.main, GATE_X, &tq, NULL);
            uint32_t q[8];
            for (unsigned k = 0; k < p; k++)
                q[k] = clock + k;
            q[p] = tq;
            circ_call(&c, &c.main, qpe, 0, q);
            CU_ASSERT_FATAL(circuit_verify(&c));
            StateVec *sv = sim_run_new(&c, NULL, NULL, NULL);
            CU_ASSERT_FATAL(sv != NULL);
            uint64_t n = (uint64_t)1 << p;
            double maxerr = 0;
            for (uint64_t j = 0; j < n; j++) {
                double _Complex a = 0;
                for (uint64_t k = 0; k < n; k++)
                    a += cexp(I * (2 * QGD_PI) * (double)k * (phi - (double)j / (double)n));
                a /= (double)n;
                double want = creal(a * conj(a));
                double got = creal(sv->amp[j | n] * conj(sv->amp[j | n])); /* target bit is qubit p */
                maxerr = fabs(got - want) > maxerr ? fabs(got - want) : maxerr;
            }
            ASSERT_CLOSE(maxerr, 0, 1e-12);
            sim_destroy(sv);
            circuit_free(&c);
        }
}

/* The filtered rotation on every clock basis state: the ancilla's |1⟩
 * amplitude is λ_min/λ̃_j where |λ̃_j| ≥ λ_min, the flag is set elsewhere. */
static void test_invert_angles(void)
{
    const unsigned p = 5;
    const double alpha = 2.5, lmin = 0.4;
    Circuit c;
    circuit_init(&c);
    circuit_qreg(&c, "clock", p);
    circuit_qreg(&c, "anc", 1);
    circuit_qreg(&c, "flag", 1);
    InvertInfo info;
    uint32_t d = pass_invert(&c, p, alpha, lmin, &info);
    uint32_t q[7] = {0, 1, 2, 3, 4, 5, 6};
    circ_call(&c, &c.main, d, 0, q);
    uint64_t n = (uint64_t)1 << p, well = 0;
    double maxerr = 0;
    for (uint64_t j = 0; j < n; j++) {
        StateVec *sv = sim_create((int)p + 2, NULL);
        sim_set_basis(sv, j);
        CU_ASSERT_FATAL(sim_run(&c, sv, NULL, NULL, NULL));
        double lt = alpha * cos((2 * QGD_PI) * (double)j / (double)n);
        double _Complex a00 = sv->amp[j], a01 = sv->amp[j | n], a10 = sv->amp[j | 2 * n];
        if (fabs(lt) >= lmin) {
            well++;
            double r = lmin / lt;
            maxerr = fmax(maxerr, cabs(a01 - r));
            maxerr = fmax(maxerr, cabs(a00 - sqrt(1 - r * r)));
        } else {
            maxerr = fmax(maxerr, cabs(a10 - 1));
        }
        ASSERT_CLOSE(invert_lambda(alpha, p, j), lt, 1e-14);
        sim_destroy(sv);
    }
    ASSERT_CLOSE(maxerr, 0, 1e-12);
    CU_ASSERT_EQUAL(info.well, well);
    CU_ASSERT_EQUAL(info.ill, n - well);
    CU_ASSERT(well > 0 && well < n);
    circuit_free(&c);
}

void suite_qpe(void);
void suite_qpe(void)
{
    UNIT_SUITE("qpe", {"QFT equals the DFT", test_qft_matrix},
               {"phase-estimation distribution", test_qpe_distribution},
               {"filtered rotation angles", test_invert_angles});
}
