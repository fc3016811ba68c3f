/* bench_circuit.h — the fixed mixed circuit of the simulator benchmarks
 * (sim_bench.c, libquantum_bench.c; bench/qdk_sim_bench.mjs writes the
 * same gates as OpenQASM): H, RZ, RY, CX, CCX and 3-controlled X on low,
 * middle and high qubits of a 24-qubit (or larger) state, then gates
 * outside the target circuit shown for information (width 0). Also the
 * clock and qgdc's kernel for each gate. */
#ifndef QGDC_BENCH_CIRCUIT_H
#define QGDC_BENCH_CIRCUIT_H

#include <complex.h>
#include <math.h>
#include <stdint.h>
#include <time.h>

#include "sim/statevec.h"

typedef enum { G_H, G_RZ, G_RY, G_CX, G_CCX, G_C3X, G_2Q, G_CP, G_UCRY } BenchKind;

/* The rotation angle of rz, ry (and cp). */
#define BENCH_THETA 0.3

typedef struct {
    BenchKind kind;
    int q[4]; /* target last for controlled gates */
    const char *name;
    int width; /* qubits the gate acts on, for the 1.3x target */
} BenchGate;

static const BenchGate circuit[] = {
    {G_H, {0}, "h q0", 1},
    {G_H, {11}, "h q11", 1},
    {G_H, {23}, "h q23", 1},
    {G_RZ, {0}, "rz q0", 1},
    {G_RZ, {12}, "rz q12", 1},
    {G_RZ, {23}, "rz q23", 1},
    {G_RY, {1}, "ry q1", 1},
    {G_RY, {13}, "ry q13", 1},
    {G_RY, {22}, "ry q22", 1},
    {G_CX, {0, 1}, "cx q0,q1", 2},
    {G_CX, {0, 23}, "cx q0,q23", 2},
    {G_CX, {23, 0}, "cx q23,q0", 2},
    {G_CX, {11, 12}, "cx q11,q12", 2},
    {G_CX, {22, 5}, "cx q22,q5", 2},
    {G_CCX, {0, 1, 2}, "ccx q0,q1,q2", 3},
    {G_CCX, {0, 23, 12}, "ccx q0,q23,q12", 3},
    {G_CCX, {21, 22, 23}, "ccx q21,q22,q23", 3},
    {G_C3X, {0, 1, 2, 3}, "c3x q0,q1,q2,q3", 4},
    {G_C3X, {20, 21, 22, 0}, "c3x q20,q21,q22,q0", 4},
    {G_C3X, {3, 12, 23, 8}, "c3x q3,q12,q23,q8", 4},
    /* not in the target's circuit; shown for information */
    {G_2Q, {0, 23}, "u4 q0,q23 (dense)", 0},
    {G_2Q, {5, 6}, "u4 q5,q6 (dense)", 0},
    {G_CP, {4, 19}, "cp q4,q19", 0},
    {G_UCRY, {21, 22, 23, 0}, "ucry q21..23 -> q0", 0},
};
#define NGATES ((int)(sizeof circuit / sizeof *circuit))

static inline double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static inline void bench_apply(StateVec *sv, const BenchGate *g)
{
    const double s = sqrt(0.5), th = BENCH_THETA, c = cos(th / 2), sn = sin(th / 2);
    const double complex h[4] = {s, s, s, -s}, ry[4] = {c, -sn, sn, c};
    switch (g->kind) {
    case G_H: sim_apply_1q(sv, g->q[0], h); break;
    case G_RZ: sim_apply_diag1(sv, g->q[0], c - sn * I, c + sn * I); break;
    case G_RY: sim_apply_1q(sv, g->q[0], ry); break;
    case G_CX: sim_apply_cx(sv, g->q[0], g->q[1]); break;
    case G_CCX: sim_apply_ccx(sv, g->q[0], g->q[1], g->q[2]); break;
    case G_C3X: {
        uint64_t ctrl = (1ull << g->q[0]) | (1ull << g->q[1]) | (1ull << g->q[2]);
        sim_apply_mcx(sv, g->q[3], ctrl, 0);
        break;
    }
    case G_2Q: {
        double complex u[16];
        for (int j = 0; j < 16; j++) { /* (H⊗H)·diag(e^{ic}): dense, complex, unitary */
            int r = j / 4, c4 = j % 4, sign = __builtin_parity((unsigned)(r & c4)) ? -1 : 1;
            u[j] = 0.5 * sign * (cos(c4) + sin(c4) * I);
        }
        sim_apply_2q(sv, g->q[0], g->q[1], u);
        break;
    }
    case G_CP: sim_apply_mcphase(sv, (1ull << g->q[0]) | (1ull << g->q[1]), 0, th); break;
    case G_UCRY: {
        double ang[8] = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8};
        sim_apply_ucry(sv, g->q[3], g->q, 3, ang);
        break;
    }
    }
}

#endif
