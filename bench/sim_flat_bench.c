/* sim_flat_bench.c — flat fusion and cache blocking in the executor
 * (src/sim/flat.c): flat circuits run through sim_run with it off (the
 * one-pass-per-gate kernels) and on, in the same run, against one
 * read+write pass over a buffer of the state's size (as sim_bench.c).
 * Part of `make bench`.
 *
 * Circuits (random, fixed seed):
 *   brick24: 24 qubits, 20 layers of a random 1-qubit gate (h, rx, ry,
 *     rz, t, sx) on every qubit and cz or cx on neighbours (i, i+1),
 *     alternating offsets, as in random-circuit sampling: 700 gates;
 *   pairs24: the same with the pairs drawn at random each layer;
 *   flat20: 20 qubits, 171,000 gates of the shape of QASMBench's hwb12
 *     (not in the tree): a random network of x, cx and Toffolis, each
 *     Toffoli as its 15 Clifford+T gates (qubits at random).
 * Each figure is the best of R runs (default 1). "per gate" is the time
 * divided by the number of gates and by the pass: the one-pass-per-gate
 * wall is 1, the target of fusion 0.25. flat20 unfused runs its first
 * 10% only (the whole takes minutes) and is scaled by 10.
 *
 * Usage: sim_flat_bench [reps [quick|full [kmax]]]
 *   quick: 22 and 18 qubits; kmax: the largest dense block (default: the
 *   library's, SIM_FLAT_KMAX). */
#include <complex.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ir/circuit.h"
#include "sim/exec.h"
#include "sim/statevec.h"
#include "support/util.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t rs = 20261208;
static int bench_kmax = 0; /* 0: the library's default */

static uint64_t next64(void)
{
    uint64_t z = (rs += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double urand(void) { return (double)(next64() >> 11) * 0x1p-53; }
static uint32_t irand(uint32_t n) { return (uint32_t)(next64() % n); }

static void rw_pass(double *b, size_t n, double f)
{
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++)
        b[i] *= f;
}

static void gate1(Circuit *c, uint32_t q)
{
    static const GateKind g1[] = {GATE_H, GATE_RX, GATE_RY, GATE_RZ, GATE_T, GATE_SX};
    double p[3] = {urand() * 6.28, 0, 0};
    circ_gate(c, &c->main, g1[irand(6)], &q, p);
}

static void layers(Circuit *c, uint32_t n, int depth, bool brick)
{
    uint32_t perm[64];
    for (int l = 0; l < depth; l++) {
        for (uint32_t q = 0; q < n; q++)
            gate1(c, q);
        for (uint32_t i = 0; i < n; i++)
            perm[i] = i;
        if (!brick)
            for (uint32_t i = n - 1; i > 0; i--) {
                uint32_t j = irand(i + 1), t = perm[i];
                perm[i] = perm[j], perm[j] = t;
            }
        for (uint32_t i = brick ? (uint32_t)l % 2 : 0; i + 1 < n; i += 2) {
            uint32_t q[2] = {perm[i], perm[i + 1]};
            circ_gate(c, &c->main, urand() < 0.5 ? GATE_CZ : GATE_CX, q, NULL);
        }
    }
}

/* A reversible network as QASMBench's hwb circuits are: x, cx and
 * Toffolis on random qubits, each Toffoli in its 15-gate Clifford+T form
 * (2 h, 7 t/tdg, 6 cx), until ngates gates. */
static void hwb_like(Circuit *c, uint32_t n, long ngates)
{
    long k = 0;
    while (k < ngates) {
        uint32_t q[3];
        q[0] = irand(n);
        do
            q[1] = irand(n);
        while (q[1] == q[0]);
        do
            q[2] = irand(n);
        while (q[2] == q[0] || q[2] == q[1]);
        double u = urand();
        if (u < 0.05 || ngates - k < 15) {
            circ_gate(c, &c->main, GATE_X, q, NULL), k++;
            continue;
        }
        if (u < 0.3) {
            circ_gate(c, &c->main, GATE_CX, q, NULL), k++;
            continue;
        }
        const uint32_t a = q[0], b = q[1], t = q[2];
        static const struct { GateKind g; int x, y; } tof[15] = {
            {GATE_H, 2, 0},  {GATE_CX, 1, 2}, {GATE_TDG, 2, 0}, {GATE_CX, 0, 2}, {GATE_T, 2, 0},
            {GATE_CX, 1, 2}, {GATE_TDG, 2, 0}, {GATE_CX, 0, 2}, {GATE_T, 1, 0},  {GATE_T, 2, 0},
            {GATE_H, 2, 0},  {GATE_CX, 0, 1}, {GATE_T, 0, 0},   {GATE_TDG, 1, 0}, {GATE_CX, 0, 1}};
        const uint32_t abc[3] = {a, b, t};
        for (int i = 0; i < 15; i++) {
            uint32_t o[2] = {abc[tof[i].x], abc[tof[i].y]};
            circ_gate(c, &c->main, tof[i].g, o, NULL);
        }
        k += 15;
    }
}

/* Best time of reps runs of c from |+…+⟩-like state, flat fusion on or off;
 * res of the last run. */
static double time_run(const Circuit *c, StateVec *sv, int flat, int reps, SimRunResult *res)
{
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        double s = 1 / sqrt((double)sv->dim);
#pragma omp parallel for schedule(static)
        for (uint64_t i = 0; i < sv->dim; i++)
            sv->amp[i] = s;
        sim_set_flat(flat, 0, bench_kmax);
        double t0 = now();
        char *err = NULL;
        if (!sim_run(c, sv, NULL, res, &err)) {
            fprintf(stderr, "sim_flat_bench: %s\n", err);
            exit(1);
        }
        double t = now() - t0;
        sim_set_flat(-1, 0, 0);
        if (t < best)
            best = t;
    }
    return best;
}

static double pass_time(uint64_t dim)
{
    size_t n = 2 * (size_t)dim;
    double *b = aligned_alloc(64, n * sizeof *b), best = 1e30;
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++)
        b[i] = 1;
    for (int r = 0; r < 5; r++) {
        double t0 = now();
        rw_pass(b, n, r % 2 ? 2.0 : 0.5);
        double t = now() - t0;
        if (t < best)
            best = t;
    }
    free(b);
    return best;
}

static void row(const char *name, uint32_t n, Circuit *c, long ngates, int reps, long prefix)
{
    StateVec *sv = sim_create((int)n, NULL);
    if (!sv) {
        fprintf(stderr, "sim_flat_bench: no memory for %u qubits\n", n);
        exit(1);
    }
    SimRunResult on = {0}, off = {0};
    double pass = pass_time(sv->dim);
    double t_on = time_run(c, sv, 1, reps, &on);
    /* the state after the fused run, to compare with the unfused one */
    double complex *keep = NULL;
    if (!prefix) {
        keep = xmalloc(sv->dim * sizeof *keep);
        memcpy(keep, sv->amp, sv->dim * sizeof *keep);
    }
    double t_off, scale = 1;
    if (prefix) { /* the first `prefix` gates, scaled */
        size_t full = c->main.n;
        c->main.n = (size_t)prefix;
        t_off = time_run(c, sv, 0, 1, &off);
        c->main.n = full;
        scale = (double)ngates / (double)prefix;
        t_off *= scale;
    } else
        t_off = time_run(c, sv, 0, reps, &off);
    double diff = 0;
    if (keep) {
        for (uint64_t i = 0; i < sv->dim; i++)
            diff = fmax(diff, cabs(keep[i] - sv->amp[i]));
        free(keep);
    }
    double pass2 = pass_time(sv->dim);
    if (pass2 < pass)
        pass = pass2;
    printf("%-8s %3u %8ld %7.2f %9.2f%s %8.2f %7.3f %7.3f %6.1fx %6llu %6llu %6llu %6llu %6llu ", name, n, ngates,
           1e3 * pass, t_off, prefix ? "*" : " ", t_on, t_off / (double)ngates / pass, t_on / (double)ngates / pass,
           t_off / t_on, (unsigned long long)on.flat_dense, (unsigned long long)on.flat_diag,
           (unsigned long long)on.flat_sweeps, (unsigned long long)on.flat_full, (unsigned long long)on.flat_mono);
    if (keep)
        printf("%.1e\n", diff);
    else
        printf("-\n");
    fflush(stdout);
    sim_run_result_free(&on);
    sim_run_result_free(&off);
    sim_destroy(sv);
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 1;
    bool quick = argc > 2 && !strcmp(argv[2], "quick");
    bench_kmax = argc > 3 ? atoi(argv[3]) : 0;
    if (reps < 1) {
        fprintf(stderr, "usage: sim_flat_bench [reps >= 1 [quick|full [kmax]]]\n");
        return 2;
    }
    uint32_t big = quick ? 22 : 24, mid = quick ? 18 : 20;
    printf("sim_flat_bench: best of %d, %d threads, dense blocks of at most %d qubits; per gate = time / gates / "
           "one read+write pass\n",
           reps, omp_get_max_threads(), bench_kmax ? bench_kmax : SIM_FLAT_KMAX);
    printf("%-8s %3s %8s %7s %10s %8s %7s %7s %7s %6s %6s %6s %6s %6s %s\n", "circuit", "n", "gates", "pass ms",
           "off s", "on s", "off/g", "on/g", "speedup", "dense", "diag", "sweeps", "full", "mono", "max diff");
    Circuit c;
    circuit_init(&c);
    circuit_qreg(&c, "q", big);
    layers(&c, big, 20, true);
    row("brick", big, &c, (long)c.main.n, reps, 0);
    circuit_free(&c);
    circuit_init(&c);
    circuit_qreg(&c, "q", big);
    layers(&c, big, 20, false);
    row("pairs", big, &c, (long)c.main.n, reps, 0);
    circuit_free(&c);
    circuit_init(&c);
    circuit_qreg(&c, "q", mid);
    long ng = 171000;
    hwb_like(&c, mid, ng);
    row("flat", mid, &c, ng, 1, ng / 10);
    circuit_free(&c);
    printf("(*: the unfused time of the first 10%% of the gates, times 10)\n");
    return 0;
}
