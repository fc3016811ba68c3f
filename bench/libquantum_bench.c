/* libquantum_bench.c — the simulator benchmark's circuit (bench_circuit.h)
 * in Debian's libquantum (package libquantum-dev, 1.1.1) and in qgdc's
 * kernels, on the same dense n-qubit state (default 24), gate by gate,
 * with 1 and 2 threads (libquantum is built with OpenMP), and the ratio
 * libquantum / qgdc for each gate. Not part of `make test`; `make bench`
 * builds and runs it only when <quantum.h> is found.
 *
 * libquantum stores a state sparsely: a single-precision complex amplitude
 * and a 64-bit basis state per nonzero entry, and a hash table of 2^(n+2)
 * ints that it rebuilds before every gate on a superposition. Its state
 * here is dense: quantum_walsh (H on every qubit) and then an rz of a
 * different angle on every qubit, so that no amplitude vanishes under the
 * circuit's H and RY (libquantum drops amplitudes below 1e-6 / 2^n in
 * probability); the entry count is checked after the run. qgdc's state is
 * the double-precision vector of sim_bench.c. Times are the best of R runs
 * (default 3) of each gate.
 *
 * Usage: libquantum_bench [nqubits >= 24 [reps]] */
#include <omp.h>
#include <quantum.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench_circuit.h"
#include "sim/statevec.h"
#include "support/util.h"

#define NTARGET 20 /* the target circuit: the gates of width 1 to 4 */

static void lq_apply(quantum_reg *reg, const BenchGate *g)
{
    const float th = (float)BENCH_THETA;
    switch (g->kind) {
    case G_H: quantum_hadamard(g->q[0], reg); break;
    case G_RZ: quantum_r_z(g->q[0], th, reg); break;
    case G_RY: quantum_r_y(g->q[0], th, reg); break;
    case G_CX: quantum_cnot(g->q[0], g->q[1], reg); break;
    case G_CCX: quantum_toffoli(g->q[0], g->q[1], g->q[2], reg); break;
    case G_C3X: quantum_unbounded_toffoli(3, reg, g->q[0], g->q[1], g->q[2], g->q[3]); break;
    default: break; /* not in the target circuit */
    }
}

int main(int argc, char **argv)
{
    int nq = argc > 1 ? atoi(argv[1]) : 24, reps = argc > 2 ? atoi(argv[2]) : 3;
    if (nq < 24 || nq > 30 || reps < 1) {
        fprintf(stderr, "usage: libquantum_bench [nqubits 24..30 [reps >= 1]]\n");
        return 2;
    }
    for (int g = 0; g < NTARGET; g++)
        if (circuit[g].width == 0) {
            fprintf(stderr, "libquantum_bench: bench_circuit.h changed: gate %d is not in the target circuit\n", g);
            return 2;
        }
    char *err = NULL;
    StateVec *sv = sim_create(nq, &err);
    if (!sv) {
        fprintf(stderr, "libquantum_bench: %s\n", err);
        free(err);
        return 1;
    }
    double s = 1 / sqrt((double)sv->dim);
#pragma omp parallel for schedule(static)
    for (uint64_t i = 0; i < sv->dim; i++)
        sv->amp[i] = s * (cos((double)i) + sin((double)i) * I);

    quantum_reg reg = quantum_new_qureg(0, nq);
    double t0 = now();
    quantum_walsh(nq, &reg);
    for (int q = 0; q < nq; q++)
        quantum_r_z(q, 0.1f + 0.07f * (float)q, &reg);
    double tprep = now() - t0;
    if ((uint64_t)reg.size != sv->dim) {
        fprintf(stderr, "libquantum_bench: libquantum's state has %d entries, not 2^%d\n", reg.size, nq);
        return 1;
    }

    const int threads[2] = {1, 2};
    double tq[2][NTARGET], tl[2][NTARGET];
    for (int k = 0; k < 2; k++) {
        omp_set_num_threads(threads[k]);
        for (int g = 0; g < NTARGET; g++)
            tq[k][g] = tl[k][g] = 1e30;
        for (int r = 0; r < reps; r++)
            for (int g = 0; g < NTARGET; g++) {
                double a = now();
                bench_apply(sv, &circuit[g]);
                double b = now();
                lq_apply(&reg, &circuit[g]);
                double c = now();
                tq[k][g] = fmin(tq[k][g], b - a);
                tl[k][g] = fmin(tl[k][g], c - b);
            }
    }
    char hb[32], lb[32];
    double lbytes = (double)reg.size * (sizeof *reg.amplitude + sizeof *reg.state) + (double)(1ull << reg.hashw) * sizeof(int);
    printf("libquantum_bench: libquantum %s against qgdc, %d qubits, best of %d; ratio = libquantum / qgdc\n",
           quantum_get_version(), nq, reps);
    printf("state: qgdc %s (complex double), libquantum %s (%d entries: complex float, state, hash); "
           "libquantum's preparation (walsh, %d rz) %.1f s\n",
           mem_human((double)sv->dim * sizeof *sv->amp, hb, sizeof hb), mem_human(lbytes, lb, sizeof lb), reg.size, nq,
           tprep);
    printf("%-22s %31s   %31s\n", "", "1 thread", "2 threads");
    printf("%-22s %9s %11s %9s   %9s %11s %9s\n", "gate", "qgdc ms", "libquantum", "ratio", "qgdc ms", "libquantum",
           "ratio");
    double sq[2] = {0, 0}, sl[2] = {0, 0};
    for (int g = 0; g < NTARGET; g++) {
        printf("%-22s", circuit[g].name);
        for (int k = 0; k < 2; k++) {
            printf(" %9.2f %11.1f %9.1f%s", 1e3 * tq[k][g], 1e3 * tl[k][g], tl[k][g] / tq[k][g], k ? "\n" : "  ");
            sq[k] += tq[k][g], sl[k] += tl[k][g];
        }
    }
    printf("%-22s", "whole circuit");
    for (int k = 0; k < 2; k++)
        printf(" %9.2f %11.1f %9.1f%s", 1e3 * sq[k], 1e3 * sl[k], sl[k] / sq[k], k ? "\n" : "  ");
    printf("libquantum entries after the runs: %d of %llu\n", reg.size, (unsigned long long)sv->dim);
    quantum_delete_qureg(&reg);
    sim_destroy(sv);
    return 0;
}
