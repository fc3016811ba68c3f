/* distribution.h — the distribution of a circuit's classical bits, as
 * `qgdc sim` reports it.
 *
 * When every measurement is terminal (no measurement, reset or classical
 * control before the last gate), the body runs once and the measured
 * qubits' joint distribution is read off the state exactly (a qubit
 * measured into several bits gives them all its value; bits never
 * measured read 0), and shots are sampled from it. Otherwise the circuit
 * runs once per shot (seed + 7919·s for shot s) and only counts are
 * known. Post-selections are those of the (last) run. */
#ifndef QGDC_DISTRIBUTION_H
#define QGDC_DISTRIBUTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/circuit.h"
#include "sim/exec.h"
#include "sim/statevec.h"

#define SIM_DIST_MAX_BITS 24

typedef struct SimDistribution {
    uint32_t nbits;
    bool exact;       /* terminal measurements: prob is exact */
    double *prob;     /* [2^nbits]: bit value v (bit b = c[b]) */
    uint64_t *counts; /* [2^nbits]: sampled shots */
    uint64_t shots;
    unsigned long seed;
} SimDistribution;

/* Index of the first terminal measurement or barrier of main, SIZE_MAX
 * when a measurement, reset or classical control comes earlier. */
size_t sim_terminal_start(const Circuit *c);

/* Runs circ (main is restored) and fills d; returns the final state
 * (of the last shot when not exact) for --state, with the run's
 * post-selections in *res; NULL with *err on a simulation error. The
 * caller checks nbits ≤ SIM_DIST_MAX_BITS first. progress: a progress
 * line on stderr for long per-shot runs. */
StateVec *sim_distribution(Circuit *circ, uint64_t shots, unsigned long seed, bool progress, SimDistribution *d,
                           SimRunResult *res, char **err);
void sim_distribution_free(SimDistribution *d);

#endif
