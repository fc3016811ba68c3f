/* test_sim_threads.c — how many threads a simulator loop gets: each thread
 * at least sim_parallel_min() iterations (default 2^15), so small loops run
 * serially and large ones on at most OpenMP's thread count; and the results
 * of a circuit of mostly small, many-controlled gates do not depend on it. */
#include "unit.h"
#include <complex.h>
#include <math.h>
#include <omp.h>
#include <string.h>
#include "sim/statevec.h"

static void test_threads_for(void)
{
    const uint64_t saved = sim_parallel_min();
    const int threads = omp_get_max_threads();
    CU_ASSERT(saved == (uint64_t)1 << 15);
    omp_set_num_threads(4);
    CU_ASSERT(sim_threads_for(0) == 1);
    CU_ASSERT(sim_threads_for(1) == 1);
    CU_ASSERT(sim_threads_for(((uint64_t)1 << 16) - 1) == 1); /* less than 2 threads' worth */
    CU_ASSERT(sim_threads_for((uint64_t)1 << 16) == 2);
    CU_ASSERT(sim_threads_for((uint64_t)3 << 15) == 3);
    CU_ASSERT(sim_threads_for((uint64_t)1 << 40) == 4);
    omp_set_num_threads(1);
    CU_ASSERT(sim_threads_for((uint64_t)1 << 40) == 1);
    omp_set_num_threads(4);
    sim_set_parallel_min(1); /* the tests' setting: every loop parallel */
    CU_ASSERT(sim_threads_for(3) == 3);
    CU_ASSERT(sim_threads_for(64) == 4);
    sim_set_parallel_min(0); /* counts as 1 */
    CU_ASSERT(sim_parallel_min() == 1);
    CU_ASSERT(sim_threads_for(2) == 2);
    sim_set_parallel_min((uint64_t)1 << 62);
    CU_ASSERT(sim_threads_for(UINT64_MAX) == 3); /* 2^64 − 1 over 2^62 */
    sim_set_parallel_min(saved);
    omp_set_num_threads(threads);
}

/* A 17-qubit state: its full sweeps are parallel with 2+ threads at the
 * default, its many-controlled gates (sweeps of 2^(17−1−c)) serial. */
static void apply_mix(StateVec *sv)
{
    const double s = 1 / sqrt(2.0);
    const double complex h[4] = {s, s, s, -s};
    const double complex r[4] = {cos(0.3), -I * sin(0.3), -I * sin(0.3), cos(0.3)};
    for (int q = 0; q < sv->nqubits; q++)
        sim_apply_1q(sv, q, h);
    for (int k = 0; k < 40; k++) {
        int t = (5 * k + 3) % sv->nqubits;
        uint64_t ctrl = 0;
        for (int j = 0; j < k % 9; j++)
            ctrl |= (uint64_t)1 << ((t + 1 + 2 * j) % sv->nqubits);
        ctrl &= ~((uint64_t)1 << t);
        sim_apply_mc1q(sv, t, ctrl, ctrl & 0x55, r);
        sim_apply_mcphase(sv, ctrl | ((uint64_t)1 << t), 0, 0.1 * k);
        sim_apply_mcx(sv, (t + 7) % sv->nqubits, ctrl & ~((uint64_t)1 << ((t + 7) % sv->nqubits)), 0);
    }
}

static void test_same_bits(void)
{
    const int threads = omp_get_max_threads();
    StateVec *a = sim_create(17, NULL), *b = sim_create(17, NULL), *c = sim_create(17, NULL);
    CU_ASSERT_FATAL(a && b && c);
    omp_set_num_threads(1);
    apply_mix(a);
    omp_set_num_threads(2);
    apply_mix(b);
    const uint64_t saved = sim_parallel_min();
    sim_set_parallel_min(1);
    omp_set_num_threads(3);
    apply_mix(c);
    sim_set_parallel_min(saved);
    omp_set_num_threads(threads);
    CU_ASSERT(memcmp(a->amp, b->amp, a->dim * sizeof *a->amp) == 0);
    CU_ASSERT(memcmp(a->amp, c->amp, a->dim * sizeof *a->amp) == 0);
    CU_ASSERT(fabs(sim_norm2(a) - 1) < 1e-12);
    sim_destroy(a);
    sim_destroy(b);
    sim_destroy(c);
}

void suite_sim_threads(void);
void suite_sim_threads(void)
{
    UNIT_SUITE("sim_threads", {"threads per loop: at least sim_parallel_min() iterations each", test_threads_for},
               {"the same bits for any thread count and threshold", test_same_bits});
}
