/* sim_bench.c — speed of the simulator's kernels against the memory
 * bandwidth limit, measured in the same run. Not part of `make test`.
 *
 * On an n-qubit state (default 24) a fixed mixed circuit of H, RZ, RY, CX,
 * CCX and 3-controlled X on low, middle and high qubits is timed gate by
 * gate (best of R runs, default 7), with 1 and with 2 threads, against one
 * read+write pass over a buffer of the state's size (in place, a[i] *= s,
 * same threads, same schedule), timed just before each gate. The target:
 * every 1- and 2-qubit gate at most 1.3× the pass. A parallel memcpy between two such buffers is shown for reference.
 *
 * Usage: sim_bench [nqubits [reps]] */
#include <complex.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_circuit.h"
#include "sim/statevec.h"
#include "support/util.h"

/* One read+write pass in place: the bandwidth yardstick. */
static void rw_pass(double *b, size_t n, double f)
{
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++)
        b[i] *= f;
}

static void copy_pass(double *dst, const double *src, size_t n)
{
#pragma omp parallel
    {
        size_t nt = (size_t)omp_get_num_threads(), t = (size_t)omp_get_thread_num();
        size_t lo = n / nt * t, hi = t + 1 == nt ? n : n / nt * (t + 1);
        memcpy(dst + lo, src + lo, (hi - lo) * sizeof *dst);
    }
}

typedef struct {
    double pass, copy, gate[NGATES];
} Times;

/* Best of reps for each gate, and for the pass, which is timed just before
 * every gate so that both see the same machine (the host may be shared). */
static void run(StateVec *sv, double *buf, double *buf2, int reps, Times *t)
{
    size_t n = 2 * (size_t)sv->dim;
    t->pass = t->copy = 1e30;
    for (int g = 0; g < NGATES; g++)
        t->gate[g] = 1e30;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        copy_pass(buf2, buf, n);
        double t1 = now();
        if (t1 - t0 < t->copy)
            t->copy = t1 - t0;
        for (int g = 0; g < NGATES; g++) {
            double a = now();
            rw_pass(buf, n, (r + g) % 2 ? 2.0 : 0.5);
            double b = now();
            bench_apply(sv, &circuit[g]);
            double c = now();
            if (b - a < t->pass)
                t->pass = b - a;
            if (c - b < t->gate[g])
                t->gate[g] = c - b;
        }
    }
}

int main(int argc, char **argv)
{
    int nq = argc > 1 ? atoi(argv[1]) : 24, reps = argc > 2 ? atoi(argv[2]) : 7;
    if (nq < 24 || reps < 1) {
        fprintf(stderr, "usage: sim_bench [nqubits >= 24 [reps >= 1]]\n");
        return 2;
    }
    char *err = NULL;
    StateVec *sv = sim_create(nq, &err);
    if (!sv) {
        fprintf(stderr, "sim_bench: %s\n", err);
        free(err);
        return 1;
    }
    size_t n = 2 * (size_t)sv->dim, bytes = n * sizeof(double);
    double *buf = aligned_alloc(64, bytes), *buf2 = aligned_alloc(64, bytes);
    if (!buf || !buf2) {
        fprintf(stderr, "sim_bench: out of memory\n");
        return 1;
    }
    /* first touch with the kernels' schedule; a state with no zeros */
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++)
        buf[i] = buf2[i] = 1.0;
    double complex *a = sv->amp;
    double s = 1 / sqrt((double)sv->dim);
#pragma omp parallel for schedule(static)
    for (uint64_t i = 0; i < sv->dim; i++)
        a[i] = s * (cos((double)i) + sin((double)i) * I);

    const int threads[2] = {1, 2};
    Times t[2];
    for (int k = 0; k < 2; k++) {
        omp_set_num_threads(threads[k]);
        bench_apply(sv, &circuit[0]); /* wake the thread pool */
        run(sv, buf, buf2, reps, &t[k]);
    }
    char hb[32];
    printf("sim_bench: %d qubits, state %s, best of %d; ratio = gate time / one read+write pass\n", nq,
           mem_human((double)bytes, hb, sizeof hb), reps);
    printf("%-22s %21s   %21s\n", "", "1 thread", "2 threads");
    printf("%-22s %9.2f ms %5.1f GB/s   %9.2f ms %5.1f GB/s\n", "read+write pass", 1e3 * t[0].pass,
           2e-9 * (double)bytes / t[0].pass, 1e3 * t[1].pass, 2e-9 * (double)bytes / t[1].pass);
    printf("%-22s %9.2f ms %5.1f GB/s   %9.2f ms %5.1f GB/s\n", "memcpy (reference)", 1e3 * t[0].copy,
           2e-9 * (double)bytes / t[0].copy, 1e3 * t[1].copy, 2e-9 * (double)bytes / t[1].copy);
    printf("%-22s %9s %10s   %9s %10s\n", "gate", "ms", "ratio", "ms", "ratio");
    int over = 0;
    for (int g = 0; g < NGATES; g++) {
        const BenchGate *gt = &circuit[g];
        double r1 = t[0].gate[g] / t[0].pass, r2 = t[1].gate[g] / t[1].pass;
        bool target = gt->width == 1 || gt->width == 2;
        const char *m1 = !target ? " " : r1 <= 1.3 ? " " : "!", *m2 = !target ? " " : r2 <= 1.3 ? " " : "!";
        if (gt->width == 0 && g > 0 && circuit[g - 1].width != 0)
            printf("-- not in the target circuit --\n");
        printf("%-22s %9.2f %9.2f%s   %9.2f %9.2f%s\n", gt->name, 1e3 * t[0].gate[g], r1, m1, 1e3 * t[1].gate[g], r2,
               m2);
        over += (*m1 == '!') + (*m2 == '!');
    }
    printf("1- and 2-qubit gates over 1.3x the pass: %d\n", over);
    printf("norm after the runs: %.15f\n", sim_norm2(sv));
    free(buf);
    free(buf2);
    sim_destroy(sv);
    return 0;
}
